/* remote.c: listeners, outgoing connections and sessions (see remote.h). */
#include "ovsdb/remote.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/coverage.h"
#include "lib/evloop.h"
#include "lib/jsonrpc.h"
#include "lib/list.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(ovsdb_remote);
COVERAGE_DEFINE(ovsdb_session_open);
COVERAGE_DEFINE(ovsdb_session_close);
COVERAGE_DEFINE(ovsdb_echo_probe);

struct remote {
    struct dlist node; /* In remotes->remotes. */
    struct ovsdb_remotes *remotes;
    char *name;
    bool passive;
    bool probe;                   /* Probe idle peers (not for unix). */
    struct pstream *listener;     /* Passive. */
    struct ovsdb_session *active; /* Active: the current session. */
    struct evloop_timer *retry;   /* Active: reconnect timer. */
    int backoff_ms;
};

struct ovsdb_session {
    struct dlist node; /* In remotes->sessions. */
    struct ovsdb_remotes *remotes;
    struct remote *remote;
    struct jsonrpc_conn *rpc;
    char *name;
    void *data; /* The server layer's. */
    int n_pending;
    uint32_t events; /* Registered with the event loop. */
    bool closing;
    long long last_rx; /* Monotonic msec. */
    bool probe_outstanding;
    struct evloop_timer *probe_timer;
};

struct ovsdb_remotes {
    struct evloop *loop;
    struct ovsdb_remote_handler handler;
    struct dlist remotes;
    struct dlist sessions;
};

static void session_close(struct ovsdb_session *, const char *why);
static void remote_connect(void *remote_);

struct ovsdb_remotes *
ovsdb_remotes_create(struct evloop *loop,
                     const struct ovsdb_remote_handler *handler)
{
    struct ovsdb_remotes *r = xzalloc(sizeof *r);
    r->loop = loop;
    r->handler = *handler;
    dlist_init(&r->remotes);
    dlist_init(&r->sessions);
    return r;
}

/* Event registration follows what the connection needs, minus EPOLLIN
 * while the session is at its pending-request limit (back-pressure). */
static void
session_update_events(struct ovsdb_session *s)
{
    uint32_t want = jsonrpc_conn_wants(s->rpc);
    if (s->n_pending >= OVSDB_MAX_PENDING && !(want & EPOLLOUT)) {
        want &= ~(uint32_t) EPOLLIN;
    }
    /* Most sends leave the wanted events as they were; skipping the
     * system call then matters when updates fan out to many sessions. */
    if (want != s->events) {
        s->events = want;
        evloop_mod_fd(s->remotes->loop, jsonrpc_conn_fd(s->rpc), want);
    }
}

static void
session_cb(int fd, uint32_t events, void *s_)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(30, 10);
    struct ovsdb_session *s = s_;
    int error = jsonrpc_conn_run(s->rpc);

    while (!error && s->n_pending < OVSDB_MAX_PENDING && !s->closing) {
        struct jsonrpc_msg *msg;
        error = jsonrpc_conn_recv(s->rpc, &msg);
        if (error) {
            break;
        }
        s->last_rx = nf_time_msec();
        s->probe_outstanding = false;
        if (msg->type == JSONRPC_REQUEST && !strcmp(msg->method, "echo")) {
            /* RFC 7047 §4.1.11: reply with the same params. */
            struct jsonrpc_msg *reply =
                jsonrpc_create_reply(json_incref(msg->params), msg->id);
            jsonrpc_msg_destroy(msg);
            ovsdb_session_send(s, reply);
        } else if (msg->type == JSONRPC_REPLY || msg->type == JSONRPC_ERROR) {
            /* Replies to our echo probes: liveness is all they carry. */
            jsonrpc_msg_destroy(msg);
        } else {
            s->remotes->handler.request(s, msg, s->remotes->handler.aux);
        }
    }
    if (s->closing) {
        session_close(s, NULL);
        return;
    }
    if (error && error != EAGAIN) {
        const char *why = jsonrpc_conn_get_error_text(s->rpc);
        if (error != EOF) {
            VLOG_WARN_RL(&rl, "%s: disconnecting: %s", s->name,
                         why ? why : nf_strerror(error));
        }
        session_close(s, NULL);
        return;
    }
    session_update_events(s);
}

static void
probe_cb(void *s_)
{
    struct ovsdb_session *s = s_;
    long long idle = nf_time_msec() - s->last_rx;

    if (idle < OVSDB_PROBE_INTERVAL_MS) {
        return;
    }
    if (s->probe_outstanding) {
        VLOG_WARN("%s: no response to inactivity probe after %lld ms, "
                  "disconnecting",
                  s->name, idle);
        s->closing = true;
        session_close(s, NULL);
        return;
    }
    COVERAGE_INC(ovsdb_echo_probe);
    s->probe_outstanding = true;
    s->last_rx = nf_time_msec();
    ovsdb_session_send(s, jsonrpc_create_request("echo", json_array(), NULL));
}

static struct ovsdb_session *
session_create(struct ovsdb_remotes *r, struct remote *remote,
               struct stream *stream)
{
    struct ovsdb_session *s = xzalloc(sizeof *s);
    s->remotes = r;
    s->remote = remote;
    s->rpc = jsonrpc_conn_create(stream);
    jsonrpc_conn_set_limits(s->rpc, OVSDB_MAX_MESSAGE, 0);
    s->name = xstrdup(jsonrpc_conn_get_name(s->rpc));
    s->last_rx = nf_time_msec();
    dlist_push_back(&r->sessions, &s->node);
    s->events = jsonrpc_conn_wants(s->rpc);
    int error = evloop_add_fd(r->loop, jsonrpc_conn_fd(s->rpc), s->events,
                              session_cb, s);
    if (error) {
        nf_abort("cannot watch session fd: %s", nf_strerror(error));
    }
    if (remote->probe) {
        s->probe_timer =
            evloop_add_timer(r->loop, OVSDB_PROBE_INTERVAL_MS,
                             OVSDB_PROBE_INTERVAL_MS, probe_cb, s);
    }
    COVERAGE_INC(ovsdb_session_open);
    VLOG_DBG("%s: new session on %s", s->name, remote->name);
    return s;
}

static void
session_close(struct ovsdb_session *s, const char *why)
{
    struct ovsdb_remotes *r = s->remotes;
    if (why) {
        VLOG_INFO("%s: disconnecting: %s", s->name, why);
    }
    r->handler.closing(s, r->handler.aux);
    evloop_cancel_timer(r->loop, s->probe_timer);
    evloop_del_fd(r->loop, jsonrpc_conn_fd(s->rpc));
    jsonrpc_conn_close(s->rpc);
    dlist_remove(&s->node);
    COVERAGE_INC(ovsdb_session_close);

    struct remote *remote = s->remote;
    if (remote && remote->active == s) {
        /* An outgoing connection is re-established after a pause. */
        remote->active = NULL;
        remote->retry = evloop_add_timer(r->loop, remote->backoff_ms, 0,
                                         remote_connect, remote);
    }
    free(s->name);
    free(s);
}

/* Completes a send to S that returned ERROR. */
static int
session_sent(struct ovsdb_session *s, int error)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(30, 10);
    if (!error && jsonrpc_conn_get_backlog(s->rpc) > OVSDB_MAX_BACKLOG) {
        VLOG_WARN_RL(&rl,
                     "%s: disconnecting: %zu bytes of replies and "
                     "updates unread (limit %u); the client does not "
                     "read its connection",
                     s->name, jsonrpc_conn_get_backlog(s->rpc),
                     OVSDB_MAX_BACKLOG);
        error = ENOBUFS;
    }
    if (error) {
        /* Closed from the session callback or the next event. */
        s->closing = true;
        s->events = EPOLLIN | EPOLLOUT;
        evloop_mod_fd(s->remotes->loop, jsonrpc_conn_fd(s->rpc), s->events);
        return error;
    }
    session_update_events(s);
    return 0;
}

int
ovsdb_session_send(struct ovsdb_session *s, struct jsonrpc_msg *msg)
{
    if (s->closing) {
        jsonrpc_msg_destroy(msg);
        return EPIPE;
    }
    return session_sent(s, jsonrpc_conn_send(s->rpc, msg));
}

int
ovsdb_session_send_text(struct ovsdb_session *s, char *text, size_t len)
{
    if (s->closing) {
        free(text);
        return EPIPE;
    }
    return session_sent(s, jsonrpc_conn_send_text(s->rpc, text, len));
}

void
ovsdb_session_add_pending(struct ovsdb_session *s, int n)
{
    s->n_pending += n;
    nf_assert(s->n_pending >= 0);
    if (!s->closing) {
        session_update_events(s);
    }
}

const char *
ovsdb_session_name(const struct ovsdb_session *s)
{
    return s->name;
}

void *
ovsdb_session_get_data(const struct ovsdb_session *s)
{
    return s->data;
}

void
ovsdb_session_set_data(struct ovsdb_session *s, void *data)
{
    s->data = data;
}

void
ovsdb_remotes_for_each_session(struct ovsdb_remotes *r,
                               void (*cb)(struct ovsdb_session *, void *),
                               void *aux)
{
    struct ovsdb_session *s, *next;
    DLIST_FOR_EACH_SAFE (s, next, node, &r->sessions) {
        if (!s->closing) {
            cb(s, aux);
        }
    }
}

size_t
ovsdb_remotes_n_sessions(const struct ovsdb_remotes *r)
{
    return dlist_size(&r->sessions);
}

static void
accept_cb(int fd, uint32_t events, void *remote_)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);
    struct remote *remote = remote_;
    for (int i = 0; i < 64; i++) {
        struct stream *stream;
        int error = pstream_accept(remote->listener, &stream);
        if (error) {
            if (error != EAGAIN) {
                VLOG_WARN_RL(&rl, "%s: accept failed: %s", remote->name,
                             nf_strerror(error));
            }
            return;
        }
        session_create(remote->remotes, remote, stream);
    }
}

static void
remote_connect(void *remote_)
{
    struct remote *remote = remote_;
    struct stream *stream;

    remote->retry = NULL;
    int error = stream_open_with_default_port(remote->name, 6640, &stream);
    if (error) {
        remote->backoff_ms = NF_MIN(remote->backoff_ms * 2, 8000);
        remote->retry =
            evloop_add_timer(remote->remotes->loop, remote->backoff_ms, 0,
                             remote_connect, remote);
        return;
    }
    remote->backoff_ms = 1000;
    remote->active = session_create(remote->remotes, remote, stream);
}

static struct remote *
find_remote(const struct ovsdb_remotes *r, const char *name)
{
    struct remote *remote;
    DLIST_FOR_EACH (remote, node, &r->remotes) {
        if (!strcmp(remote->name, name)) {
            return remote;
        }
    }
    return NULL;
}

int
ovsdb_remotes_add(struct ovsdb_remotes *r, const char *name, char **errp)
{
    *errp = NULL;
    if (find_remote(r, name)) {
        return EEXIST;
    }
    bool passive = !pstream_verify_name(name);
    if (!passive && stream_verify_name(name)) {
        *errp = xasprintf("%s: unknown remote type (use punix:, ptcp:, "
                          "pssl:, unix:, tcp: or ssl:)",
                          name);
        return EAFNOSUPPORT;
    }
    struct remote *remote = xzalloc(sizeof *remote);
    remote->remotes = r;
    remote->name = xstrdup(name);
    remote->passive = passive;
    remote->probe =
        !nf_str_prefix(name, "punix:") && !nf_str_prefix(name, "unix:");
    remote->backoff_ms = 1000;
    if (passive) {
        int error =
            pstream_open_with_default_port(name, 6640, &remote->listener);
        if (error) {
            *errp =
                xasprintf("%s: cannot listen: %s", name, nf_strerror(error));
            free(remote->name);
            free(remote);
            return error;
        }
        evloop_add_fd(r->loop, pstream_fd(remote->listener), EPOLLIN,
                      accept_cb, remote);
    } else {
        remote_connect(remote);
    }
    dlist_push_back(&r->remotes, &remote->node);
    return 0;
}

static void
remote_destroy(struct ovsdb_remotes *r, struct remote *remote)
{
    struct ovsdb_session *s, *next;
    DLIST_FOR_EACH_SAFE (s, next, node, &r->sessions) {
        if (s->remote == remote) {
            s->remote = NULL;
            session_close(s, NULL);
        }
    }
    if (remote->listener) {
        evloop_del_fd(r->loop, pstream_fd(remote->listener));
        pstream_close(remote->listener);
    }
    evloop_cancel_timer(r->loop, remote->retry);
    dlist_remove(&remote->node);
    free(remote->name);
    free(remote);
}

int
ovsdb_remotes_remove(struct ovsdb_remotes *r, const char *name)
{
    struct remote *remote = find_remote(r, name);
    if (!remote) {
        return ENOENT;
    }
    remote_destroy(r, remote);
    return 0;
}

static int
compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

void
ovsdb_remotes_list(const struct ovsdb_remotes *r, struct buf *out)
{
    size_t n = dlist_size(&r->remotes), i = 0;
    const char **names = xcalloc(n, sizeof *names);
    struct remote *remote;
    DLIST_FOR_EACH (remote, node, &r->remotes) {
        names[i++] = remote->name;
    }
    qsort(names, n, sizeof *names, compare_strings);
    for (i = 0; i < n; i++) {
        buf_printf(out, "%s\n", names[i]);
    }
    free(names);
}

void
ovsdb_remotes_destroy(struct ovsdb_remotes *r)
{
    if (!r) {
        return;
    }
    struct remote *remote, *next;
    DLIST_FOR_EACH_SAFE (remote, next, node, &r->remotes) {
        remote_destroy(r, remote);
    }
    struct ovsdb_session *s, *snext;
    DLIST_FOR_EACH_SAFE (s, snext, node, &r->sessions) {
        session_close(s, NULL);
    }
    free(r);
}
