/* unixctl.c: the control-socket server (see unixctl.h). */
#include "unixctl.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "coverage.h"
#include "daemon.h"
#include "evloop.h"
#include "hash.h"
#include "hmap.h"
#include "jsonrpc.h"
#include "list.h"
#include "stream.h"
#include "util.h"
#include "vlog.h"

VLOG_DEFINE_THIS_MODULE(unixctl);
COVERAGE_DEFINE(unixctl_received);
COVERAGE_DEFINE(unixctl_replied);

struct unixctl_command {
    struct hmap_node node; /* In 'commands', by name. */
    char *name;
    char *usage;
    int min_args, max_args;
    unixctl_cb_func *cb;
    void *aux;
};

struct unixctl_server {
    struct evloop *loop;
    struct pstream *listener;
    char *path;
    struct dlist conns; /* Contains struct unixctl_conn. */
};

struct unixctl_conn {
    struct dlist node; /* In server->conns. */
    struct unixctl_server *server;
    struct jsonrpc_conn *rpc;
    json_t *request_id;        /* Non-null while a command runs. */
    bool dead;                 /* Peer gone; free once replied. */
    bool in_cb;                /* Inside conn_cb(). */
    struct evloop_timer *kick; /* Pending conn_cb() run, or NULL. */
};

struct memory_reporter {
    unixctl_memory_report_func *cb;
    void *aux;
};

static struct hmap commands = HMAP_INITIALIZER;
static struct memory_reporter *reporters;
static size_t n_reporters;

static void conn_update_events(struct unixctl_conn *);
static void conn_destroy(struct unixctl_conn *);
static void conn_cb(int fd, uint32_t events, void *conn_);

static struct unixctl_command *
find_command(const char *name)
{
    struct unixctl_command *c;
    HMAP_FOR_EACH_WITH_HASH (c, node, hash_string(name, 0), &commands) {
        if (!strcmp(c->name, name)) {
            return c;
        }
    }
    return NULL;
}

void
unixctl_command_register(const char *name, const char *usage, int min_args,
                         int max_args, unixctl_cb_func *cb, void *aux)
{
    struct unixctl_command *c = find_command(name);
    if (!c) {
        c = xzalloc(sizeof *c);
        c->name = xstrdup(name);
        hmap_insert(&commands, &c->node, hash_string(name, 0));
    } else {
        free(c->usage);
    }
    c->usage = xstrdup(usage ? usage : "");
    c->min_args = min_args;
    c->max_args = max_args;
    c->cb = cb;
    c->aux = aux;
}

void
unixctl_memory_register(unixctl_memory_report_func *cb, void *aux)
{
    reporters = xrealloc(reporters, (n_reporters + 1) * sizeof *reporters);
    reporters[n_reporters].cb = cb;
    reporters[n_reporters].aux = aux;
    n_reporters++;
}

static void
kick_cb(void *conn_)
{
    struct unixctl_conn *conn = conn_;
    conn->kick = NULL;
    conn_cb(-1, 0, conn);
}

static void
send_reply(struct unixctl_conn *conn, bool success, const char *body)
{
    if (!conn->request_id) {
        VLOG_WARN("reply with no pending command (dropped): %s",
                  body ? body : "");
        return;
    }
    /* ovs-appctl prints the result as is, so an empty body prints
     * nothing; a body without a final newline gets one, as ovs-appctl
     * users expect each reply to end a line. */
    json_t *text;
    if (!body || !*body) {
        text = json_string("");
    } else if (body[strlen(body) - 1] == '\n') {
        text = json_string(body);
    } else {
        char *s = xasprintf("%s\n", body);
        text = json_string(s);
        free(s);
    }
    if (!text) {
        /* jansson refuses strings that are not valid UTF-8. */
        text = json_string("(reply was not valid UTF-8)\n");
    }
    struct jsonrpc_msg *msg =
        success ? jsonrpc_create_reply(text, conn->request_id)
                : jsonrpc_create_error(text, conn->request_id);
    json_decref(conn->request_id);
    conn->request_id = NULL;
    COVERAGE_INC(unixctl_replied);

    if (conn->dead) {
        jsonrpc_msg_destroy(msg);
        conn_destroy(conn);
        return;
    }
    jsonrpc_conn_send(conn->rpc, msg);
    conn_update_events(conn);
    if (!conn->in_cb && !conn->kick) {
        /* A reply given later, outside conn_cb(): requests that arrived
         * meanwhile may already sit in the connection's buffer, where no
         * socket event will announce them, so look again soon. */
        conn->kick = evloop_add_timer(conn->server->loop, 0, 0, kick_cb, conn);
    }
}

void
unixctl_command_reply(struct unixctl_conn *conn, const char *body)
{
    send_reply(conn, true, body);
}

void
unixctl_command_reply_error(struct unixctl_conn *conn, const char *body)
{
    send_reply(conn, false, body);
}

/* Runs one request.  The reply may come later (see unixctl.h). */
static void
process_request(struct unixctl_conn *conn, struct jsonrpc_msg *req)
{
    conn->request_id = json_incref(req->id);
    COVERAGE_INC(unixctl_received);

    struct unixctl_command *c = find_command(req->method);
    if (!c) {
        char *err = xasprintf("\"%s\" is not a valid command (use "
                              "\"list-commands\" to see a list of valid "
                              "commands)",
                              req->method);
        unixctl_command_reply_error(conn, err);
        free(err);
        return;
    }

    size_t n = json_array_size(req->params);
    if ((int) n < c->min_args || (int) n > c->max_args) {
        char *err = (int) n < c->min_args
                        ? xasprintf("\"%s\" command requires at least %d "
                                    "arguments",
                                    c->name, c->min_args)
                        : xasprintf("\"%s\" command takes at most %d "
                                    "arguments",
                                    c->name, c->max_args);
        unixctl_command_reply_error(conn, err);
        free(err);
        return;
    }

    const char **argv = xcalloc(n + 2, sizeof *argv);
    argv[0] = c->name;
    for (size_t i = 0; i < n; i++) {
        json_t *arg = json_array_get(req->params, i);
        if (!json_is_string(arg)) {
            char *err = xasprintf("\"%s\" command has non-string argument "
                                  "%zu",
                                  c->name, i + 1);
            unixctl_command_reply_error(conn, err);
            free(err);
            free(argv);
            return;
        }
        argv[i + 1] = json_string_value(arg);
    }
    VLOG_DBG("%s: running \"%s\" with %zu argument(s)", conn->server->path,
             c->name, n);
    c->cb(conn, (int) n + 1, argv, c->aux);
    free(argv);
}

static void
conn_destroy(struct unixctl_conn *conn)
{
    evloop_cancel_timer(conn->server->loop, conn->kick);
    conn->kick = NULL;
    if (conn->rpc) {
        evloop_del_fd(conn->server->loop, jsonrpc_conn_fd(conn->rpc));
        jsonrpc_conn_close(conn->rpc);
        conn->rpc = NULL;
    }
    if (conn->request_id) {
        /* A command is still running and will reply later: keep the
         * connection object until it does, then free it. */
        conn->dead = true;
        return;
    }
    dlist_remove(&conn->node);
    free(conn);
}

static void
conn_update_events(struct unixctl_conn *conn)
{
    if (conn->rpc) {
        evloop_mod_fd(conn->server->loop, jsonrpc_conn_fd(conn->rpc),
                      jsonrpc_conn_wants(conn->rpc));
    }
}

static void
conn_cb(int fd, uint32_t events, void *conn_)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);
    struct unixctl_conn *conn = conn_;
    int error = jsonrpc_conn_run(conn->rpc);

    /* One command at a time per connection, as ovs-appctl expects: the
     * next request is read only once the current one is answered. */
    conn->in_cb = true;
    while (!error && !conn->request_id && !conn->dead) {
        struct jsonrpc_msg *msg;
        error = jsonrpc_conn_recv(conn->rpc, &msg);
        if (error) {
            break;
        }
        if (msg->type == JSONRPC_REQUEST) {
            process_request(conn, msg);
        } else {
            VLOG_WARN_RL(&rl,
                         "%s: ignoring unexpected %s on control "
                         "socket",
                         conn->server->path,
                         jsonrpc_msg_type_to_string(msg->type));
        }
        jsonrpc_msg_destroy(msg);
    }
    conn->in_cb = false;
    if (error == EAGAIN) {
        error = 0;
    }
    if (conn->dead) {
        return;
    }
    if (error) {
        /* jsonrpc has already logged the reason for a protocol error. */
        if (error != EOF && VLOG_IS_DBG_ENABLED()) {
            const char *why = jsonrpc_conn_get_error_text(conn->rpc);
            VLOG_DBG("%s: closing control connection: %s", conn->server->path,
                     why ? why : nf_strerror(error));
        }
        conn_destroy(conn);
        return;
    }
    conn_update_events(conn);
}

static void
accept_cb(int fd, uint32_t events, void *server_)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);
    struct unixctl_server *server = server_;

    for (;;) {
        struct stream *stream;
        int error = pstream_accept(server->listener, &stream);
        if (error) {
            if (error != EAGAIN) {
                VLOG_WARN_RL(&rl, "%s: accept failed: %s", server->path,
                             nf_strerror(error));
            }
            return;
        }
        struct unixctl_conn *conn = xzalloc(sizeof *conn);
        conn->server = server;
        conn->rpc = jsonrpc_conn_create(stream);
        /* Control commands are short; a much smaller cap than the OVSDB
         * default keeps a misbehaving local client from using memory. */
        jsonrpc_conn_set_limits(conn->rpc, 1024 * 1024, 0);
        dlist_push_back(&server->conns, &conn->node);
        error = evloop_add_fd(server->loop, jsonrpc_conn_fd(conn->rpc),
                              jsonrpc_conn_wants(conn->rpc), conn_cb, conn);
        if (error) {
            VLOG_WARN_RL(&rl, "%s: cannot watch connection: %s", server->path,
                         nf_strerror(error));
            jsonrpc_conn_close(conn->rpc);
            dlist_remove(&conn->node);
            free(conn);
        }
    }
}

/* Built-in commands. */

static void
list_commands_cb(struct unixctl_conn *conn, int argc, const char *argv[],
                 void *aux)
{
    size_t n = hmap_count(&commands), i = 0;
    const struct unixctl_command **sorted = xcalloc(n, sizeof *sorted);
    const struct unixctl_command *c;
    HMAP_FOR_EACH (c, node, &commands) {
        sorted[i++] = c;
    }
    /* Insertion sort: a few dozen commands. */
    for (i = 1; i < n; i++) {
        const struct unixctl_command *x = sorted[i];
        size_t j = i;
        while (j > 0 && strcmp(sorted[j - 1]->name, x->name) > 0) {
            sorted[j] = sorted[j - 1];
            j--;
        }
        sorted[j] = x;
    }
    struct buf b = BUF_INITIALIZER;
    buf_put_cstr(&b, "The available commands are:\n");
    for (i = 0; i < n; i++) {
        buf_printf(&b, "  %-23s %s\n", sorted[i]->name, sorted[i]->usage);
    }
    unixctl_command_reply(conn, buf_cstr(&b));
    buf_destroy(&b);
    free(sorted);
}

static void
version_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    char *s = xasprintf("%s (nicflow) %s", nf_program_name, nf_version());
    unixctl_command_reply(conn, s);
    free(s);
}

static void
vlog_list_cb(struct unixctl_conn *conn, int argc, const char *argv[],
             void *aux)
{
    char *s = vlog_list();
    unixctl_command_reply(conn, s);
    free(s);
}

static void
vlog_set_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *aux)
{
    for (int i = 1; i < argc; i++) {
        char *err;
        if (vlog_set_levels_from_string(argv[i], &err)) {
            unixctl_command_reply_error(conn, err);
            free(err);
            return;
        }
    }
    unixctl_command_reply(conn, NULL);
}

static void
vlog_reopen_cb(struct unixctl_conn *conn, int argc, const char *argv[],
               void *aux)
{
    if (!vlog_get_log_file()) {
        unixctl_command_reply_error(conn, "Logging to file not configured");
        return;
    }
    int error = vlog_reopen_log_file();
    if (error) {
        char *s = xasprintf("could not reopen %s: %s", vlog_get_log_file(),
                            nf_strerror(error));
        unixctl_command_reply_error(conn, s);
        free(s);
        return;
    }
    unixctl_command_reply(conn, NULL);
}

static void
vlog_close_cb(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux)
{
    vlog_close_log_file();
    unixctl_command_reply(conn, NULL);
}

static void
coverage_show_cb(struct unixctl_conn *conn, int argc, const char *argv[],
                 void *aux)
{
    char *s = coverage_show();
    unixctl_command_reply(conn, s);
    free(s);
}

/* Resident set size in KiB from /proc/self/status, or 0. */
static long
read_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    if (!f) {
        return 0;
    }
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1) {
            break;
        }
    }
    fclose(f);
    return kb;
}

static void
memory_show_cb(struct unixctl_conn *conn, int argc, const char *argv[],
               void *aux)
{
    struct buf b = BUF_INITIALIZER;
    buf_printf(&b, "rss:%ld", read_rss_kb());
    for (size_t i = 0; i < n_reporters; i++) {
        buf_put_char(&b, ' ');
        reporters[i].cb(&b, reporters[i].aux);
    }
    unixctl_command_reply(conn, buf_cstr(&b));
    buf_destroy(&b);
}

static void
register_builtins(void)
{
    static bool done;
    if (done) {
        return;
    }
    done = true;
    unixctl_command_register("list-commands", "", 0, 0, list_commands_cb,
                             NULL);
    unixctl_command_register("version", "", 0, 0, version_cb, NULL);
    unixctl_command_register("vlog/list", "", 0, 0, vlog_list_cb, NULL);
    unixctl_command_register("vlog/set",
                             "{spec | PATTERN:destination:pattern}", 1,
                             INT32_MAX, vlog_set_cb, NULL);
    unixctl_command_register("vlog/reopen", "", 0, 0, vlog_reopen_cb, NULL);
    unixctl_command_register("vlog/close", "", 0, 0, vlog_close_cb, NULL);
    unixctl_command_register("coverage/show", "", 0, 0, coverage_show_cb,
                             NULL);
    unixctl_command_register("memory/show", "", 0, 0, memory_show_cb, NULL);
}

int
unixctl_server_create(struct evloop *loop, const char *path,
                      struct unixctl_server **serverp)
{
    struct unixctl_server *server;
    char *abs_path, *name;
    int error;

    *serverp = NULL;
    register_builtins();
    if (path) {
        abs_path = xstrdup(path);
    } else {
        error = daemon_mkdirs(daemon_rundir());
        if (error) {
            VLOG_ERR("cannot create run directory %s: %s", daemon_rundir(),
                     nf_strerror(error));
            return error;
        }
        abs_path = xasprintf("%s/%s.ctl", daemon_rundir(), nf_program_name);
    }

    /* A socket some live process still answers on must not be stolen:
     * probe it before the listener replaces a stale file. */
    struct stream *probe;
    name = xasprintf("unix:%s", abs_path);
    if (!stream_open_block(name, 0, 1000, &probe)) {
        stream_close(probe);
        VLOG_ERR("%s: another process is already serving this control "
                 "socket",
                 abs_path);
        error = EADDRINUSE;
        goto free_name;
    }
    free(name);

    server = xzalloc(sizeof *server);
    server->loop = loop;
    server->path = abs_path;
    dlist_init(&server->conns);
    name = xasprintf("punix:%s", abs_path);
    error = pstream_open(name, &server->listener);
    if (error) {
        VLOG_ERR("%s: cannot listen: %s", abs_path, nf_strerror(error));
        goto free_server;
    }
    error = evloop_add_fd(loop, pstream_fd(server->listener), EPOLLIN,
                          accept_cb, server);
    if (error) {
        goto close_listener;
    }
    free(name);
    *serverp = server;
    return 0;

close_listener:
    pstream_close(server->listener);
free_server:
    free(server);
free_name:
    free(name);
    free(abs_path);
    return error;
}

void
unixctl_server_destroy(struct unixctl_server *server)
{
    if (!server) {
        return;
    }
    struct unixctl_conn *conn, *next;
    DLIST_FOR_EACH_SAFE (conn, next, node, &server->conns) {
        /* Pending commands will never be answered now: drop the id so the
         * connection is freed at once. */
        json_decref(conn->request_id);
        conn->request_id = NULL;
        conn_destroy(conn);
    }
    evloop_del_fd(server->loop, pstream_fd(server->listener));
    pstream_close(server->listener);
    free(server->path);
    free(server);
}

const char *
unixctl_server_get_path(const struct unixctl_server *server)
{
    return server->path;
}
