/* unixctl-harness.h: a control socket served by a thread of its own, for
 * the unit tests of modules that register unixctl commands: the test
 * sends a command over the socket as ovs-appctl would and gets the reply
 * text back.  Header-only (static inline) so that each test program
 * includes it once without a library of its own.
 *
 * Use: uh_start(&srv, "tnl-route") in a group setup (after the module
 * registered its commands), UH_CMD(&srv, "ovs/route/show") in the cases,
 * uh_stop(&srv) in the group teardown. */
#ifndef NICFLOW_TESTS_UNIT_UNIXCTL_HARNESS_H
#define NICFLOW_TESTS_UNIT_UNIXCTL_HARNESS_H 1

#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/evloop.h"
#include "lib/jsonrpc.h"
#include "lib/stream.h"
#include "lib/unixctl.h"
#include "lib/util.h"

struct uh_server {
    char dir[64];
    char *path;
    struct evloop *loop;
    struct unixctl_server *server;
    pthread_t thread;
    char reply[4096]; /* The last uh_cmd()'s "OK: ..." or "ERR: ...". */
};

static inline void
uh_stop_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct uh_server *srv = aux;

    (void) argc;
    (void) argv;
    unixctl_command_reply(conn, NULL);
    evloop_stop(srv->loop);
}

static inline void *
uh_thread(void *aux)
{
    struct uh_server *srv = aux;

    evloop_run(srv->loop);
    return NULL;
}

/* Serves the registered commands on a socket in a fresh directory under
 * /tmp named after NAME, from a thread of its own.  Asserts on failure. */
static inline void
uh_start(struct uh_server *srv, const char *name)
{
    memset(srv, 0, sizeof *srv);
    snprintf(srv->dir, sizeof srv->dir, "/tmp/nicflow-test-%s-XXXXXX", name);
    assert_non_null(mkdtemp(srv->dir));
    srv->path = xasprintf("%s/test.ctl", srv->dir);
    srv->loop = evloop_create();
    assert_int_equal(unixctl_server_create(srv->loop, srv->path, &srv->server),
                     0);
    unixctl_command_register("test/stop", "", 0, 0, uh_stop_cb, srv);
    assert_int_equal(pthread_create(&srv->thread, NULL, uh_thread, srv), 0);
}

/* Sends METHOD with the string arguments that follow (NULL-terminated);
 * returns "OK: TEXT" or "ERR: TEXT" in SRV->reply. */
static inline const char *
uh_cmd(struct uh_server *srv, const char *method, ...)
{
    struct jsonrpc_msg *reply;
    struct stream *s;
    json_t *params = json_array();
    va_list args;

    va_start(args, method);
    for (const char *a; (a = va_arg(args, const char *));) {
        json_array_append_new(params, json_string(a));
    }
    va_end(args);
    char *target = xasprintf("unix:%s", srv->path);
    assert_int_equal(stream_open_block(target, 0, 5000, &s), 0);
    free(target);
    struct jsonrpc_conn *c = jsonrpc_conn_create(s);
    assert_int_equal(
        jsonrpc_transact_block(c, jsonrpc_create_request(method, params, NULL),
                               &reply, 5000),
        0);
    snprintf(srv->reply, sizeof srv->reply, "%s: %s",
             reply->type == JSONRPC_REPLY ? "OK" : "ERR",
             json_string_value(reply->type == JSONRPC_REPLY ? reply->result
                                                            : reply->error));
    jsonrpc_msg_destroy(reply);
    jsonrpc_conn_close(c);
    return srv->reply;
}

#define UH_CMD(SRV, ...) uh_cmd(SRV, __VA_ARGS__, (char *) NULL)

/* Stops the thread and removes the socket and its directory. */
static inline void
uh_stop(struct uh_server *srv)
{
    UH_CMD(srv, "test/stop");
    pthread_join(srv->thread, NULL);
    unixctl_server_destroy(srv->server);
    evloop_destroy(srv->loop);
    rmdir(srv->dir);
    free(srv->path);
}

#endif /* NICFLOW_TESTS_UNIT_UNIXCTL_HARNESS_H */
