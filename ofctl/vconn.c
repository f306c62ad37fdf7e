/* vconn.c: a blocking OpenFlow connection for command-line programs. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/daemon.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "ofctl/ofp-print.h"
#include "ofctl/ofp-switch.h"
#include "ofctl/vconn.h"

#define OF_DEFAULT_PORT 6653

struct of_vconn {
    char *name;
    struct stream *stream;
    uint8_t version;
    int timeout_ms;
    struct buf rx; /* Bytes received but not yet returned. */
};

char *
of_vconn_bridge_socket(const char *target)
{
    if (strchr(target, ':') || strchr(target, '/')) {
        return NULL;
    }
    return xasprintf("%s/%s.mgmt", daemon_rundir(), target);
}

/* Waits for EVENTS on the stream until DEADLINE (msec, or -1). */
static int
wait_stream(struct of_vconn *vc, long long deadline)
{
    struct pollfd pfd = { .fd = stream_fd(vc->stream),
                          .events = (short) stream_wants(vc->stream) };
    int timeout = -1;

    if (deadline >= 0) {
        long long left = deadline - nf_time_msec();
        if (left <= 0) {
            return ETIMEDOUT;
        }
        timeout = (int) left;
    }
    int n = poll(&pfd, 1, timeout);
    if (n < 0) {
        return errno == EINTR ? 0 : errno;
    }
    return n == 0 ? ETIMEDOUT : 0;
}

static long long
deadline_for(int timeout_ms)
{
    return timeout_ms < 0 ? -1 : nf_time_msec() + timeout_ms;
}

static int
send_bytes(struct of_vconn *vc, const uint8_t *p, size_t n, char **errp)
{
    long long deadline = deadline_for(vc->timeout_ms);

    while (n) {
        size_t sent = 0;
        int error = stream_send(vc->stream, p, n, &sent);

        if (!error) {
            p += sent;
            n -= sent;
        } else if (error == EAGAIN) {
            error = wait_stream(vc, deadline);
            if (error) {
                *errp = xasprintf("%s: send failed (%s)", vc->name,
                                  nf_strerror(error));
                return error;
            }
        } else {
            *errp = xasprintf("%s: send failed (%s)", vc->name,
                              nf_strerror(error));
            return error;
        }
    }
    return 0;
}

int
of_vconn_send(struct of_vconn *vc, const struct buf *msg, char **errp)
{
    return send_bytes(vc, msg->data, msg->len, errp);
}

/* Receives one whole message into MSG without answering anything. */
static int
recv_raw(struct of_vconn *vc, struct buf *msg, long long deadline, char **errp)
{
    for (;;) {
        if (vc->rx.len >= 8) {
            uint16_t len = of_get16(vc->rx.data + 2);
            if (len < 8) {
                *errp = xasprintf("%s: received a message with bad length "
                                  "%u",
                                  vc->name, len);
                return EPROTO;
            }
            if (vc->rx.len >= len) {
                buf_clear(msg);
                buf_put(msg, vc->rx.data, len);
                buf_pull(&vc->rx, len);
                return 0;
            }
        }

        uint8_t tmp[4096];
        size_t n = 0;
        int error = stream_recv(vc->stream, tmp, sizeof tmp, &n);
        if (!error) {
            buf_put(&vc->rx, tmp, n);
        } else if (error == EAGAIN) {
            error = wait_stream(vc, deadline);
            if (error) {
                *errp =
                    xasprintf("%s: %s", vc->name,
                              error == ETIMEDOUT ? "timeout waiting for reply"
                                                 : nf_strerror(error));
                return error;
            }
        } else if (error == EOF) {
            *errp = xasprintf("%s: connection closed by peer", vc->name);
            return EOF;
        } else {
            *errp = xasprintf("%s: receive failed (%s)", vc->name,
                              nf_strerror(error));
            return error;
        }
    }
}

int
of_vconn_recv_timeout(struct of_vconn *vc, struct buf *msg, int timeout_ms,
                      char **errp)
{
    long long deadline = deadline_for(timeout_ms);

    for (;;) {
        int error = recv_raw(vc, msg, deadline, errp);
        if (error) {
            return error;
        }
        /* Answer keepalives ourselves, so that a long dump or a quiet
         * monitor does not get the connection dropped. */
        if (msg->len >= 8 && msg->data[1] == 2 /* ECHO_REQUEST */) {
            struct buf reply = BUF_INITIALIZER;
            buf_put(&reply, msg->data, msg->len);
            reply.data[1] = 3; /* ECHO_REPLY */
            error = send_bytes(vc, reply.data, reply.len, errp);
            buf_destroy(&reply);
            if (error) {
                return error;
            }
            continue;
        }
        return 0;
    }
}

int
of_vconn_recv(struct of_vconn *vc, struct buf *msg, char **errp)
{
    return of_vconn_recv_timeout(vc, msg, vc->timeout_ms, errp);
}

int
of_vconn_open(const char *target, uint32_t allowed, int timeout_ms,
              struct of_vconn **vconnp, char **errp)
{
    struct of_vconn *vc = xzalloc(sizeof *vc);
    char *sock = of_vconn_bridge_socket(target);
    char *name = sock ? xasprintf("unix:%s", sock) : xstrdup(target);
    struct buf msg = BUF_INITIALIZER;
    struct of_msg m;
    int error;

    *vconnp = NULL;
    *errp = NULL;
    vc->name = xstrdup(target);
    vc->timeout_ms = timeout_ms;

    error = stream_open_block(name, OF_DEFAULT_PORT, timeout_ms, &vc->stream);
    if (error) {
        if (sock && error == ENOENT) {
            *errp = xasprintf("%s is not a bridge or a socket (no %s)", target,
                              sock);
        } else {
            *errp = xasprintf("%s: failed to connect to socket (%s)", target,
                              nf_strerror(error));
        }
        goto out_close;
    }

    of_hello_encode(&msg, allowed, of_next_xid());
    error = of_vconn_send(vc, &msg, errp);
    if (error) {
        goto out_close;
    }
    error = recv_raw(vc, &msg, deadline_for(timeout_ms), errp);
    if (error) {
        goto out_close;
    }
    if (of_msg_decode(msg.data, msg.len, &m) || m.type != OF_T_HELLO) {
        if (!of_msg_decode(msg.data, msg.len, &m) && m.type == OF_T_ERROR) {
            struct buf e = BUF_INITIALIZER;
            of_vconn_format_error(&m, &e);
            *errp = xasprintf("%s: %s", target, buf_cstr(&e));
            buf_destroy(&e);
        } else {
            *errp = xasprintf("%s: peer did not start with a hello", target);
        }
        error = EPROTO;
        goto out_close;
    }
    vc->version = of_hello_negotiate(allowed, of_hello_decode(&m));
    if (!vc->version) {
        /* Tell the peer why, as the spec asks, then give up. */
        char *why = xasprintf("version negotiation failed (we support "
                              "version 0x%02x, peer supports version "
                              "0x%02x)",
                              of_versions_highest(allowed), m.version);
        of_error_encode(&msg, OF_ERR_OFPHFC_INCOMPATIBLE,
                        of_versions_highest(allowed), why, strlen(why));
        char *ignore = NULL;
        of_vconn_send(vc, &msg, &ignore);
        free(ignore);
        *errp = xasprintf("%s: %s", target, why);
        free(why);
        error = EPROTO;
        goto out_close;
    }
    buf_destroy(&msg);
    free(sock);
    free(name);
    *vconnp = vc;
    return 0;

out_close:
    buf_destroy(&msg);
    free(sock);
    free(name);
    of_vconn_close(vc);
    return error;
}

void
of_vconn_close(struct of_vconn *vc)
{
    if (vc) {
        if (vc->stream) {
            stream_close(vc->stream);
        }
        buf_destroy(&vc->rx);
        free(vc->name);
        free(vc);
    }
}

uint8_t
of_vconn_version(const struct of_vconn *vc)
{
    return vc->version;
}

const char *
of_vconn_name(const struct of_vconn *vc)
{
    return vc->name;
}

void
of_vconn_format_error(const struct of_msg *m, struct buf *b)
{
    enum of_err err;
    uint16_t type, code;
    const uint8_t *data;
    size_t data_len;

    buf_put_cstr(b, "OFPT_ERROR");
    if (m->version != OF_V10) {
        buf_printf(b, " (OF%s)", of_version_short(m->version));
    }
    buf_printf(b, " (xid=0x%" PRIx32 "): ", m->xid);
    if (of_error_decode(m, &err, &type, &code, &data, &data_len)) {
        buf_put_cstr(b, "***decode error***");
        return;
    }
    if (err == OF_ERR_UNKNOWN) {
        buf_printf(b, "***decode error: type %u code %u***", type, code);
    } else {
        buf_put_cstr(b, of_err_name(err));
    }
    if (err == OF_ERR_OFPHFC_INCOMPATIBLE || err == OF_ERR_OFPHFC_EPERM) {
        buf_printf(b, "\n%.*s", (int) data_len, (const char *) data);
    } else if (data_len >= 8) {
        struct of_msg inner;
        if (!of_msg_decode(data, data_len, &inner)) {
            /* The request the error answers, as ovs-ofctl prints it: the
             * whole message, or its hex dump when it does not decode. */
            buf_put_char(b, '\n');
            if (of_msg_format(&inner, b)) {
                buf_put_char(b, '\n');
                of_hex_dump(b, data, data_len);
            }
            buf_chomp(b);
        } else if (of_get16(data + 2) > data_len) {
            buf_printf(b, "\n%s", of_type_name(inner.type));
        }
    }
}

void
of_vconn_free_replies(struct buf *replies, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf_destroy(&replies[i]);
    }
    free(replies);
}

int
of_vconn_transact(struct of_vconn *vc, const struct buf *request,
                  struct buf **repliesp, size_t *n_repliesp, char **errp)
{
    uint32_t xid = of_get32(request->data + 4);
    struct buf *replies = NULL;
    size_t n = 0;
    int error;

    *errp = NULL;
    error = of_vconn_send(vc, request, errp);
    while (!error) {
        struct buf msg = BUF_INITIALIZER;
        struct of_msg m;

        error = of_vconn_recv(vc, &msg, errp);
        if (error) {
            buf_destroy(&msg);
            break;
        }
        if (msg.len < 8 || of_get32(msg.data + 4) != xid) {
            buf_destroy(&msg);
            continue;
        }
        if (of_msg_decode(msg.data, msg.len, &m)) {
            *errp = xasprintf("%s: received a reply that does not decode",
                              vc->name);
            buf_destroy(&msg);
            error = EPROTO;
            break;
        }
        if (m.type == OF_T_ERROR) {
            struct buf e = BUF_INITIALIZER;
            of_vconn_format_error(&m, &e);
            *errp = buf_steal_cstr(&e);
            buf_destroy(&msg);
            error = EPROTO;
            break;
        }
        replies = xrealloc(replies, (n + 1) * sizeof *replies);
        replies[n++] = msg;
        if (!(m.mp_flags & OF_MP_MORE)) {
            break;
        }
    }
    if (error) {
        of_vconn_free_replies(replies, n);
        replies = NULL;
        n = 0;
    }
    *repliesp = replies;
    *n_repliesp = n;
    return error;
}

int
of_vconn_transact_noreply(struct of_vconn *vc, const struct buf *requests,
                          size_t n, char **errp)
{
    struct buf barrier = BUF_INITIALIZER;
    struct buf msg = BUF_INITIALIZER;
    uint32_t barrier_xid = of_next_xid();
    int error = 0;

    *errp = NULL;
    for (size_t i = 0; i < n && !error; i++) {
        error = of_vconn_send(vc, &requests[i], errp);
    }
    if (!error) {
        of_msg_start(&barrier, OF_T_BARRIER_REQUEST, vc->version, barrier_xid);
        of_msg_finish(&barrier);
        error = of_vconn_send(vc, &barrier, errp);
    }
    while (!error) {
        struct of_msg m;

        error = of_vconn_recv(vc, &msg, errp);
        if (error) {
            break;
        }
        if (of_msg_decode(msg.data, msg.len, &m)) {
            continue;
        }
        if (m.type == OF_T_ERROR) {
            struct buf e = BUF_INITIALIZER;
            of_vconn_format_error(&m, &e);
            *errp = buf_steal_cstr(&e);
            error = EPROTO;
        } else if (m.type == OF_T_BARRIER_REPLY && m.xid == barrier_xid) {
            break;
        }
    }
    buf_destroy(&barrier);
    buf_destroy(&msg);
    return error;
}
