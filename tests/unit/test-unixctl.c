/* Unit tests for lib/unixctl: a server on its own thread, a client using
 * lib/jsonrpc over a real Unix socket in a temporary directory. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/evloop.h"
#include "lib/jsonrpc.h"
#include "lib/stream.h"
#include "lib/unixctl.h"
#include "lib/util.h"

struct fixture {
    char dir[64];
    char *path;
    struct evloop *loop;
    struct unixctl_server *server;
    pthread_t thread;
    struct unixctl_conn *deferred; /* A command waiting for its reply. */
};

static void
stop_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct fixture *f = aux;
    unixctl_command_reply(conn, "stopping");
    evloop_stop(f->loop);
}

static void
echo_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    char *s = xasprintf("%s:%d:%s", argv[0], argc - 1,
                        argc > 1 ? argv[argc - 1] : "-");
    unixctl_command_reply(conn, s);
    free(s);
}

static void
fail_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    unixctl_command_reply_error(conn, "it failed on purpose");
}

/* Replies from a timer, after the callback returned. */
static void
deferred_timer_cb(void *aux)
{
    struct fixture *f = aux;
    unixctl_command_reply(f->deferred, "late answer");
    f->deferred = NULL;
}

static void
defer_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    struct fixture *f = aux;
    f->deferred = conn;
    evloop_add_timer(f->loop, 50, 0, deferred_timer_cb, f);
}

static void *
server_thread(void *aux)
{
    struct fixture *f = aux;
    evloop_run(f->loop);
    return NULL;
}

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);
    strcpy(f->dir, "/tmp/nicflow-test-unixctl-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->path = xasprintf("%s/test.ctl", f->dir);
    f->loop = evloop_create();
    assert_int_equal(unixctl_server_create(f->loop, f->path, &f->server), 0);
    unixctl_command_register("test/stop", "", 0, 0, stop_cb, f);
    unixctl_command_register("test/echo", "ARG...", 1, 3, echo_cb, f);
    unixctl_command_register("test/fail", "", 0, 0, fail_cb, f);
    unixctl_command_register("test/defer", "", 0, 0, defer_cb, f);
    assert_int_equal(pthread_create(&f->thread, NULL, server_thread, f), 0);
    *state = f;
    return 0;
}

static struct jsonrpc_conn *
client(struct fixture *f)
{
    struct stream *s;
    char *name = xasprintf("unix:%s", f->path);
    assert_int_equal(stream_open_block(name, 0, 5000, &s), 0);
    free(name);
    return jsonrpc_conn_create(s);
}

/* Sends METHOD with ARGS (NULL-terminated); returns the reply. */
static struct jsonrpc_msg *
call(struct jsonrpc_conn *c, const char *method, ...)
{
    json_t *params = json_array();
    va_list args;
    va_start(args, method);
    for (const char *a; (a = va_arg(args, const char *));) {
        json_array_append_new(params, json_string(a));
    }
    va_end(args);
    struct jsonrpc_msg *reply;
    assert_int_equal(
        jsonrpc_transact_block(c, jsonrpc_create_request(method, params, NULL),
                               &reply, 5000),
        0);
    return reply;
}

static void
assert_result(struct jsonrpc_msg *m, const char *text)
{
    assert_int_equal(m->type, JSONRPC_REPLY);
    assert_string_equal(json_string_value(m->result), text);
    jsonrpc_msg_destroy(m);
}

static void
assert_error_contains(struct jsonrpc_msg *m, const char *text)
{
    assert_int_equal(m->type, JSONRPC_ERROR);
    assert_non_null(strstr(json_string_value(m->error), text));
    jsonrpc_msg_destroy(m);
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    struct jsonrpc_conn *c = client(f);
    assert_result(call(c, "test/stop", (char *) NULL), "stopping\n");
    jsonrpc_conn_close(c);
    pthread_join(f->thread, NULL);
    unixctl_server_destroy(f->server);
    evloop_destroy(f->loop);
    /* The server removes its socket file. */
    assert_int_equal(access(f->path, F_OK), -1);
    rmdir(f->dir);
    free(f->path);
    free(f);
    return 0;
}

static void
test_builtins(void **state)
{
    struct fixture *f = *state;
    struct jsonrpc_conn *c = client(f);

    struct jsonrpc_msg *m = call(c, "list-commands", (char *) NULL);
    assert_int_equal(m->type, JSONRPC_REPLY);
    const char *text = json_string_value(m->result);
    assert_non_null(strstr(text, "The available commands are:\n"));
    assert_non_null(strstr(text, "\n  vlog/set "));
    assert_non_null(strstr(text, "\n  test/echo               ARG...\n"));
    /* Sorted by name. */
    assert_true(strstr(text, "coverage/show") < strstr(text, "vlog/list"));
    jsonrpc_msg_destroy(m);

    m = call(c, "version", (char *) NULL);
    assert_int_equal(m->type, JSONRPC_REPLY);
    assert_non_null(strstr(json_string_value(m->result), "(nicflow)"));
    jsonrpc_msg_destroy(m);

    assert_result(call(c, "vlog/set", "unixctl:file:dbg", (char *) NULL), "");
    m = call(c, "vlog/list", (char *) NULL);
    assert_non_null(strstr(json_string_value(m->result), "unixctl"));
    jsonrpc_msg_destroy(m);
    assert_error_contains(call(c, "vlog/set", "nonsense_word", (char *) NULL),
                          "\"nonsense_word\"");
    m = call(c, "memory/show", (char *) NULL);
    assert_non_null(strstr(json_string_value(m->result), "rss:"));
    jsonrpc_msg_destroy(m);
    jsonrpc_conn_close(c);
}

static void
test_dispatch_errors(void **state)
{
    struct fixture *f = *state;
    struct jsonrpc_conn *c = client(f);

    assert_result(call(c, "test/echo", "a", "b", (char *) NULL),
                  "test/echo:2:b\n");
    assert_error_contains(call(c, "no/such", (char *) NULL),
                          "\"no/such\" is not a valid command");
    assert_error_contains(call(c, "test/echo", (char *) NULL),
                          "requires at least 1 arguments");
    assert_error_contains(
        call(c, "test/echo", "1", "2", "3", "4", (char *) NULL),
        "takes at most 3 arguments");
    assert_error_contains(call(c, "test/fail", (char *) NULL), "on purpose");

    /* A non-string argument is refused. */
    json_t *params = json_pack("[i]", 5);
    struct jsonrpc_msg *m;
    assert_int_equal(
        jsonrpc_transact_block(
            c, jsonrpc_create_request("test/echo", params, NULL), &m, 5000),
        0);
    assert_error_contains(m, "non-string argument");

    /* The connection still works after every error. */
    assert_result(call(c, "test/echo", "x", (char *) NULL), "test/echo:1:x\n");
    jsonrpc_conn_close(c);
}

static void
test_deferred_reply_and_second_client(void **state)
{
    struct fixture *f = *state;
    struct jsonrpc_conn *c1 = client(f);
    struct jsonrpc_conn *c2 = client(f);

    /* While c1's command waits, c2 is served. */
    json_t *id;
    assert_int_equal(
        jsonrpc_conn_send(c1, jsonrpc_create_request("test/defer", NULL, &id)),
        0);
    assert_result(call(c2, "test/echo", "y", (char *) NULL),
                  "test/echo:1:y\n");
    struct jsonrpc_msg *m;
    assert_int_equal(jsonrpc_conn_recv_block(c1, &m, 5000), 0);
    assert_true(jsonrpc_msg_is_reply_to(m, id));
    assert_result(m, "late answer\n");
    json_decref(id);

    /* Two requests sent back to back, the first answered late: the second
     * waits in the server's buffer and must still be answered. */
    json_t *id1, *id2;
    assert_int_equal(jsonrpc_conn_send(
                         c1, jsonrpc_create_request("test/defer", NULL, &id1)),
                     0);
    json_t *params = json_pack("[s]", "piped");
    assert_int_equal(jsonrpc_conn_send(c1, jsonrpc_create_request(
                                               "test/echo", params, &id2)),
                     0);
    assert_int_equal(jsonrpc_conn_recv_block(c1, &m, 5000), 0);
    assert_true(jsonrpc_msg_is_reply_to(m, id1));
    jsonrpc_msg_destroy(m);
    assert_int_equal(jsonrpc_conn_recv_block(c1, &m, 5000), 0);
    assert_true(jsonrpc_msg_is_reply_to(m, id2));
    assert_result(m, "test/echo:1:piped\n");
    json_decref(id1);
    json_decref(id2);

    /* A client that disconnects while its command is pending does not
     * disturb the server. */
    assert_int_equal(jsonrpc_conn_send(
                         c1, jsonrpc_create_request("test/defer", NULL, NULL)),
                     0);
    jsonrpc_conn_flush_block(c1, 5000);
    jsonrpc_conn_close(c1);
    usleep(100 * 1000);
    assert_result(call(c2, "test/echo", "z", (char *) NULL),
                  "test/echo:1:z\n");
    jsonrpc_conn_close(c2);
}

static void
test_garbage_closes_only_that_connection(void **state)
{
    struct fixture *f = *state;
    struct stream *s;
    char *name = xasprintf("unix:%s", f->path);
    assert_int_equal(stream_open_block(name, 0, 5000, &s), 0);
    free(name);
    size_t n;
    assert_int_equal(stream_send(s, "]]garbage", 9, &n), 0);
    /* The server closes the bad connection: we read EOF. */
    char buf[64];
    int error;
    long long end = nf_time_msec() + 5000;
    do {
        error = stream_recv(s, buf, sizeof buf, &n);
        usleep(1000);
    } while (error == EAGAIN && nf_time_msec() < end);
    assert_true(error == EOF || error == ECONNRESET);
    stream_close(s);

    struct jsonrpc_conn *c = client(f);
    assert_result(call(c, "test/echo", "ok", (char *) NULL),
                  "test/echo:1:ok\n");
    jsonrpc_conn_close(c);
}

static void
test_live_socket_not_stolen(void **state)
{
    struct fixture *f = *state;
    struct evloop *loop2 = evloop_create();
    struct unixctl_server *s2;
    assert_int_equal(unixctl_server_create(loop2, f->path, &s2), EADDRINUSE);
    assert_null(s2);
    evloop_destroy(loop2);
    /* The first server still answers. */
    struct jsonrpc_conn *c = client(f);
    assert_result(call(c, "test/echo", "still", (char *) NULL),
                  "test/echo:1:still\n");
    jsonrpc_conn_close(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_builtins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dispatch_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deferred_reply_and_second_client,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_garbage_closes_only_that_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_live_socket_not_stolen, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
