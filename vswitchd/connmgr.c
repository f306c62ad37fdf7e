/* connmgr.c: OpenFlow connections of one bridge — listeners, active
 * controllers with reconnect backoff, framing, hello and version
 * negotiation, echo probes, and the delivery of asynchronous messages
 * (see connmgr.h; message handlers are in connmgr-handlers.c). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/epoll.h>

#include "lib/coverage.h"
#include "lib/evloop.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofctl/ofp-flow.h"
#include "ofctl/ofp-packet.h"
#include "ofctl/ofp-port.h"
#include "ofctl/ofp-table.h"
#include "vswitchd/connmgr-pinsched.h"
#include "vswitchd/connmgr-private.h"
#include "vswitchd/ofproto-private.h"

VLOG_DEFINE_THIS_MODULE(connmgr);

COVERAGE_DEFINE(connmgr_accept);
COVERAGE_DEFINE(connmgr_connect);
COVERAGE_DEFINE(connmgr_recv);
COVERAGE_DEFINE(connmgr_send);
COVERAGE_DEFINE(connmgr_close);
COVERAGE_DEFINE(connmgr_hello_fail);
COVERAGE_DEFINE(connmgr_packet_in);
COVERAGE_DEFINE(connmgr_probe);
COVERAGE_DEFINE(connmgr_pin_flushed);

/* Everything logged here can be triggered by a peer. */
static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(30, 10);

/* Echo probes on controller connections, as Open vSwitch's default
 * inactivity_probe: after this long without receiving, send an echo
 * request; after as long again, give up on the connection. */
#define PROBE_INTERVAL_MS 5000
/* A standalone bridge whose controllers have all been away this long goes
 * "fail-open" (Open vSwitch: three inactivity probe intervals). */
#define FAIL_OPEN_AFTER_MS (3 * PROBE_INTERVAL_MS)
/* Reconnect backoff for active controllers (Open vSwitch: 1 s to 8 s). */
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 8000
/* Stop reading while this much output is queued: a peer that does not
 * read its replies must not make us buffer without bound. */
#define TX_BACKLOG_MAX (4 * 1024 * 1024)
#define RX_CHUNK 65536
/* After answering a request, keep looking for the peer's next message
 * this long (yielding the CPU between looks) before going to sleep in
 * the event loop.  A client that sends a request and waits for the reply
 * (ovs-ofctl add-flows sends every flow-mod with a barrier and waits for
 * the barrier reply) follows up within microseconds; sleeping instead
 * makes every exchange cost two wake-ups, which on a virtual machine whose
 * idle vCPUs halt (a cross-CPU wake-up is an IPI) is most of its time.
 * Yielding rather than spinning lets the peer run at once when it shares
 * our CPU.  Costs at most this much CPU when no follow-up comes. */
#define FOLLOWUP_WAIT_US 50
/* ...but stop waiting for follow-ups once one call has served the
 * connection this long, so that timers and the other connections and
 * fds of the loop get their turn during a long exchange. */
#define FOLLOWUP_SLICE_US 2000

/* A passive target (or the management socket). */
struct ofpassive {
    struct dlist node; /* In connmgr's 'passives' (not the mgmt one). */
    struct connmgr *mgr;
    char *target;
    struct pstream *pstream;
    /* Whether the connections accepted from now on are service
     * connections (see conn_create()); connections already open keep
     * what they were accepted as, as in Open vSwitch. */
    bool service;
    unsigned int rate_limit, burst_limit; /* See ofproto_controller. */
};

/* An active controller target. */
struct ofctrl {
    struct dlist node; /* In connmgr's 'ctrls'. */
    struct connmgr *mgr;
    char *target;
    struct ofconn *conn; /* NULL while waiting to reconnect. */
    long long next_connect_ms;
    int backoff_ms;
    bool seen; /* Scratch for connmgr_set_controllers(). */
    /* The type of its next connections (a "service" Controller row);
     * the open one keeps its own, as in Open vSwitch. */
    bool service;
    unsigned int rate_limit, burst_limit; /* See ofproto_controller. */
};

static void conn_cb(int fd, uint32_t events, void *conn_);
static void conn_update_events(struct ofconn *);
static void conn_run(struct ofconn *);
static void update_implicit_miss(struct connmgr *);
static void conn_set_rate_limit(struct ofconn *, long long now_ms);
static void pin_reschedule(struct connmgr *, long long now_ms);

/* ---------------------------------------------------------------------
 * Connections.
 * --------------------------------------------------------------------- */

static struct ofconn *
conn_create(struct connmgr *mgr, struct stream *stream, bool service,
            struct ofctrl *ctrl, struct ofpassive *passive)
{
    struct ofconn *c = xzalloc(sizeof *c);
    struct buf hello = BUF_INITIALIZER;
    int error;

    c->mgr = mgr;
    c->stream = stream;
    c->name =
        xasprintf("%s<->%s", mgr->ofproto->name, stream_get_name(stream));
    c->service = service;
    c->mgmt = passive && passive == mgr->mgmt;
    c->ctrl = ctrl;
    c->passive = passive;
    c->state = OFCONN_HELLO;
    c->last_rx_ms = nf_time_msec();
    if (ctrl) {
        ctrl->conn = c;
    }
    dlist_init(&c->bundles);
    dlist_push_back(&mgr->conns, &c->node);
    conn_set_rate_limit(c, c->last_rx_ms);

    error = evloop_add_fd(mgr->loop, stream_fd(stream), EPOLLIN, conn_cb, c);
    if (error) {
        VLOG_WARN_RL(&rl, "%s: cannot watch connection (%s)", c->name,
                     nf_strerror(error));
        ofconn_close(c, "cannot watch connection");
        return c;
    }
    c->registered = true;
    c->events = EPOLLIN;
    /* Both sides send hello at once; nothing waits for the other's. */
    of_hello_encode(&hello, OF_VERSIONS_SUPPORTED, of_next_xid());
    ofconn_send(c, &hello);
    buf_destroy(&hello);
    return c;
}

/* Frees C (already out of the loop and the list). */
static void
conn_free(struct ofconn *c)
{
    ofconn_session_free(c);
    for (int i = 0; i < OFCONN_N_PIN; i++) {
        pinsched_destroy(c->pinsched[i]);
    }
    stream_close(c->stream);
    buf_destroy(&c->rx);
    buf_destroy(&c->tx);
    free(c->name);
    free(c);
}

static void
reaper_cb(void *mgr_)
{
    struct connmgr *mgr = mgr_;
    struct ofconn *c, *next;

    mgr->reaper = NULL;
    DLIST_FOR_EACH_SAFE (c, next, node, &mgr->conns) {
        if (c->dead) {
            dlist_remove(&c->node);
            conn_free(c);
        }
    }
}

void
ofconn_close(struct ofconn *c, const char *why)
{
    struct connmgr *mgr = c->mgr;

    if (c->dead) {
        return;
    }
    COVERAGE_INC(connmgr_close);
    VLOG_DBG("%s: closing connection: %s", c->name, why);
    c->dead = true;
    if (!c->mgmt) {
        mgr->status_seqno++;
    }
    if (c->registered) {
        evloop_del_fd(mgr->loop, stream_fd(c->stream));
        c->registered = false;
    }
    if (c->ctrl) {
        struct ofctrl *ctrl = c->ctrl;

        /* Reconnect after the backoff, which grows while connections
         * keep failing and is reset by a successful hello. */
        ctrl->conn = NULL;
        ctrl->next_connect_ms = nf_time_msec() + ctrl->backoff_ms;
        ctrl->backoff_ms = NF_MIN(ctrl->backoff_ms * 2, BACKOFF_MAX_MS);
        c->ctrl = NULL;
    }
    /* The connection may be in use up the stack (a handler sending to
     * it, a callback iterating): free it once this round is over. */
    if (!mgr->reaper) {
        mgr->reaper = evloop_add_timer(mgr->loop, 0, 0, reaper_cb, mgr);
    }
    update_implicit_miss(mgr);
}

/* Sends queued output until the stream blocks. */
static void
conn_flush(struct ofconn *c)
{
    while (!c->dead && c->tx_ofs < c->tx.len) {
        size_t n = 0;
        int error = stream_send(c->stream, c->tx.data + c->tx_ofs,
                                c->tx.len - c->tx_ofs, &n);

        if (error == EAGAIN) {
            break;
        } else if (error) {
            VLOG_INFO_RL(&rl, "%s: send failed (%s)", c->name,
                         nf_strerror(error));
            ofconn_close(c, "send failed");
            return;
        }
        c->tx_ofs += n;
    }
    if (c->tx_ofs == c->tx.len) {
        buf_clear(&c->tx);
        c->tx_ofs = 0;
    } else if (c->tx_ofs > c->tx.len / 2) {
        /* Compact now and then rather than after every partial send. */
        memmove(c->tx.data, c->tx.data + c->tx_ofs, c->tx.len - c->tx_ofs);
        c->tx.len -= c->tx_ofs;
        c->tx_ofs = 0;
    }
}

void
ofconn_send(struct ofconn *c, const struct buf *msg)
{
    if (c->dead) {
        return;
    }
    COVERAGE_INC(connmgr_send);
    c->n_sent++;
    buf_put(&c->tx, msg->data, msg->len);
    conn_flush(c);
    conn_update_events(c);
}

void
ofconn_send_error(struct ofconn *c, enum of_err err, const void *data,
                  size_t len)
{
    struct buf b = BUF_INITIALIZER;
    uint8_t version =
        c->version ? c->version : of_versions_highest(OF_VERSIONS_SUPPORTED);

    VLOG_DBG_RL(&rl, "%s: sending error %s", c->name, of_err_name(err));
    of_error_encode(&b, err, version, data, len);
    ofconn_send(c, &b);
    buf_destroy(&b);
}

static void
conn_update_events(struct ofconn *c)
{
    uint32_t events;

    if (c->dead || !c->registered) {
        return;
    }
    events = EPOLLIN | stream_wants(c->stream);
    if (c->tx_ofs < c->tx.len) {
        events |= EPOLLOUT;
    }
    if (c->tx.len - c->tx_ofs > TX_BACKLOG_MAX) {
        events &= ~(uint32_t) EPOLLIN;
        events |= EPOLLOUT;
    }
    if (events != c->events) {
        evloop_mod_fd(c->mgr->loop, stream_fd(c->stream), events);
        c->events = events;
    }
}

/* The versions as "0x01, 0x04" for the hello failure message. */
static void
format_versions(struct buf *b, uint32_t bitmap)
{
    bool first = true;

    for (int v = 0; v < 32; v++) {
        if (bitmap & OF_VBIT(v)) {
            buf_printf(b, "%s0x%02x", first ? "" : ", ", v);
            first = false;
        }
    }
}

static void
handle_hello(struct ofconn *c, const uint8_t *data, size_t len)
{
    struct of_msg m;
    uint32_t theirs;
    uint8_t version;

    if (of_msg_decode(data, len, &m) || m.type != OF_T_HELLO) {
        VLOG_WARN_RL(&rl, "%s: first message is not a hello", c->name);
        ofconn_send_error(c, OF_ERR_OFPBRC_BAD_TYPE, data, len);
        c->state = OFCONN_CLOSING;
        return;
    }
    theirs = of_hello_decode(&m);
    version = of_hello_negotiate(OF_VERSIONS_SUPPORTED, theirs);
    if (!version) {
        struct buf why = BUF_INITIALIZER;

        COVERAGE_INC(connmgr_hello_fail);
        buf_put_cstr(&why, "We support versions ");
        format_versions(&why, OF_VERSIONS_SUPPORTED);
        buf_put_cstr(&why, ", you support ");
        format_versions(&why, theirs);
        buf_put_cstr(&why, ", no common versions");
        VLOG_INFO_RL(&rl, "%s: version negotiation failed: %s", c->name,
                     buf_cstr(&why));
        /* The error carries text rather than the request, in the
         * highest version the peer offered, as the spec asks. */
        c->version = m.version;
        ofconn_send_error(c, OF_ERR_OFPHFC_INCOMPATIBLE, why.data, why.len);
        buf_destroy(&why);
        c->state = OFCONN_CLOSING;
        return;
    }
    c->version = version;
    c->state = OFCONN_ACTIVE;
    ofconn_session_init(c);
    if (!c->mgmt) {
        c->mgr->status_seqno++;
    }
    if (c->ctrl) {
        c->ctrl->backoff_ms = BACKOFF_MIN_MS;
        VLOG_INFO("%s: connected (OpenFlow %s)", c->name,
                  of_version_short(version));
    }
}

/* Handles every whole message in C's receive buffer. */
static void
conn_process_rx(struct ofconn *c)
{
    size_t ofs = 0;

    while (!c->dead && c->state != OFCONN_CLOSING && c->rx.len - ofs >= 8) {
        const uint8_t *p = c->rx.data + ofs;
        uint16_t len = of_get16(p + 2);

        if (len < 8) {
            /* The stream cannot be resynchronised after a bad length. */
            VLOG_WARN_RL(&rl, "%s: message with length %u", c->name, len);
            ofconn_send_error(c, OF_ERR_OFPBRC_BAD_LEN, p, 8);
            c->state = OFCONN_CLOSING;
            break;
        }
        if (c->rx.len - ofs < len) {
            break;
        }
        COVERAGE_INC(connmgr_recv);
        if (c->state == OFCONN_HELLO) {
            handle_hello(c, p, len);
        } else {
            struct of_msg m;
            enum of_err err = of_msg_decode(p, len, &m);

            if (err) {
                ofconn_send_error(c, err, p, len);
            } else if (m.version != c->version && m.type != OF_T_HELLO
                       && m.type != OF_T_ERROR) {
                ofconn_send_error(c, OF_ERR_OFPBRC_BAD_VERSION, p, len);
            } else {
                ofconn_handle(c, &m);
            }
        }
        ofs += len;
        if (c->tx.len - c->tx_ofs > TX_BACKLOG_MAX) {
            break;
        }
    }
    if (ofs) {
        buf_pull(&c->rx, ofs);
    }
}

/* Called when C has nothing to read: true if it is worth looking again
 * shortly (see FOLLOWUP_WAIT_US) rather than returning to the loop.
 * REPLIED says whether this call answered anything; *WAIT_END
 * is when the current wait gives up (0: not started); START is when this
 * call began serving C. */
static bool
conn_await_followup(const struct ofconn *c, bool replied, long long start,
                    long long *wait_end)
{
    long long now;

    /* Only a peer we answered, and which has read the whole answer, is
     * likely to be about to send again. */
    if (!replied || c->tx_ofs < c->tx.len) {
        return false;
    }
    now = nf_time_usec();
    if (!*wait_end) {
        *wait_end = now + FOLLOWUP_WAIT_US;
    }
    return now < *wait_end && now - start < FOLLOWUP_SLICE_US;
}

static void
conn_run(struct ofconn *c)
{
    long long start = nf_time_usec();
    long long wait_end = 0;
    bool replied = false;

    conn_flush(c);
    while (!c->dead && c->state != OFCONN_CLOSING
           && c->tx.len - c->tx_ofs <= TX_BACKLOG_MAX) {
        size_t n = 0;
        int error = stream_recv(c->stream, buf_reserve(&c->rx, RX_CHUNK),
                                RX_CHUNK, &n);

        if (error == EAGAIN) {
            if (!conn_await_followup(c, replied, start, &wait_end)) {
                break;
            }
            sched_yield();
            continue;
        } else if (error) {
            if (error == EOF) {
                ofconn_close(c, "connection closed by peer");
            } else {
                VLOG_INFO_RL(&rl, "%s: receive failed (%s)", c->name,
                             nf_strerror(error));
                ofconn_close(c, "receive failed");
            }
            return;
        }
        c->rx.len += n;
        c->last_rx_ms = nf_time_msec();
        c->probe_sent = false;
        unsigned long long sent = c->n_sent;
        conn_process_rx(c);
        /* An exchange, once answered, lasts the whole call: a request
         * may arrive in pieces (ovs-ofctl sends the flow-mod and its
         * barrier with two writes). */
        replied = replied || c->n_sent != sent;
        wait_end = 0;
    }
    /* Messages left by an earlier backlog stop. */
    if (!c->dead && c->state != OFCONN_CLOSING) {
        conn_process_rx(c);
    }
    conn_flush(c);
    if (!c->dead && c->state == OFCONN_CLOSING && c->tx_ofs == c->tx.len) {
        ofconn_close(c, "protocol error");
        return;
    }
    conn_update_events(c);
    /* The hello, a set-config, a role or async change may have made this
     * connection want table misses, or stop wanting them. */
    update_implicit_miss(c->mgr);
}

static void
conn_cb(int fd, uint32_t events, void *conn_)
{
    conn_run(conn_);
}

/* ---------------------------------------------------------------------
 * Listeners.
 * --------------------------------------------------------------------- */

static void
accept_cb(int fd, uint32_t events, void *passive_)
{
    struct ofpassive *ps = passive_;

    for (;;) {
        struct stream *stream;
        int error = pstream_accept(ps->pstream, &stream);

        if (error) {
            if (error != EAGAIN) {
                VLOG_WARN_RL(&rl, "%s: accept failed (%s)", ps->target,
                             nf_strerror(error));
            }
            return;
        }
        COVERAGE_INC(connmgr_accept);
        conn_run(conn_create(ps->mgr, stream, ps->service, NULL, ps));
    }
}

static int
passive_open(struct connmgr *mgr, const char *target, bool service,
             struct ofpassive **psp, char **errp)
{
    struct ofpassive *ps = xzalloc(sizeof *ps);
    int error;

    ps->mgr = mgr;
    ps->target = xstrdup(target);
    ps->service = service;
    error = pstream_open_with_default_port(target, STREAM_OPENFLOW_PORT,
                                           &ps->pstream);
    if (error) {
        *errp = xasprintf("%s: cannot listen on %s (%s)", mgr->ofproto->name,
                          target, nf_strerror(error));
        goto free_ps;
    }
    error = evloop_add_fd(mgr->loop, pstream_fd(ps->pstream), EPOLLIN,
                          accept_cb, ps);
    if (error) {
        *errp = xasprintf("%s: cannot watch %s (%s)", mgr->ofproto->name,
                          target, nf_strerror(error));
        goto close_pstream;
    }
    *psp = ps;
    return 0;

close_pstream:
    pstream_close(ps->pstream);
free_ps:
    free(ps->target);
    free(ps);
    return error;
}

static void
passive_close(struct connmgr *mgr, struct ofpassive *ps)
{
    struct ofconn *c;

    DLIST_FOR_EACH (c, node, &mgr->conns) {
        if (c->passive == ps) {
            c->passive = NULL;
            ofconn_close(c, "listener removed");
        }
    }
    evloop_del_fd(mgr->loop, pstream_fd(ps->pstream));
    pstream_close(ps->pstream);
    free(ps->target);
    free(ps);
}

/* ---------------------------------------------------------------------
 * Active controllers.
 * --------------------------------------------------------------------- */

static void
ctrl_connect(struct ofctrl *ctrl, long long now)
{
    struct stream *stream;
    int error;

    error = stream_open_with_default_port(ctrl->target, STREAM_OPENFLOW_PORT,
                                          &stream);
    if (error) {
        VLOG_INFO_RL(&rl, "%s: connecting to %s failed (%s)",
                     ctrl->mgr->ofproto->name, ctrl->target,
                     nf_strerror(error));
        ctrl->next_connect_ms = now + ctrl->backoff_ms;
        ctrl->backoff_ms = NF_MIN(ctrl->backoff_ms * 2, BACKOFF_MAX_MS);
        return;
    }
    COVERAGE_INC(connmgr_connect);
    conn_run(conn_create(ctrl->mgr, stream, ctrl->service, ctrl, NULL));
}

static void
ctrl_destroy(struct ofctrl *ctrl)
{
    if (ctrl->conn) {
        struct ofconn *c = ctrl->conn;
        c->ctrl = NULL;
        ofconn_close(c, "controller removed");
    }
    dlist_remove(&ctrl->node);
    free(ctrl->target);
    free(ctrl);
}

/* ---------------------------------------------------------------------
 * The manager.
 * --------------------------------------------------------------------- */

int
connmgr_create(struct ofproto *ofproto, struct evloop *loop,
               const char *mgmt_path, struct connmgr **mgrp, char **errp)
{
    struct connmgr *mgr = xzalloc(sizeof *mgr);
    char *target = xasprintf("punix:%s", mgmt_path);
    int error;

    mgr->ofproto = ofproto;
    mgr->loop = loop;
    mgr->down_since_ms = nf_time_msec();
    dlist_init(&mgr->conns);
    dlist_init(&mgr->ctrls);
    dlist_init(&mgr->passives);
    error = passive_open(mgr, target, true, &mgr->mgmt, errp);
    free(target);
    if (error) {
        free(mgr);
        *mgrp = NULL;
        return error;
    }
    *mgrp = mgr;
    return 0;
}

void
connmgr_destroy(struct connmgr *mgr)
{
    struct ofctrl *ctrl, *nctrl;
    struct ofpassive *ps, *nps;
    struct ofconn *c, *nc;

    if (!mgr) {
        return;
    }
    DLIST_FOR_EACH_SAFE (ctrl, nctrl, node, &mgr->ctrls) {
        ctrl_destroy(ctrl);
    }
    DLIST_FOR_EACH_SAFE (ps, nps, node, &mgr->passives) {
        dlist_remove(&ps->node);
        passive_close(mgr, ps);
    }
    passive_close(mgr, mgr->mgmt);
    DLIST_FOR_EACH_SAFE (c, nc, node, &mgr->conns) {
        /* Flush what can go now (a last error, say) before closing. */
        if (!c->dead) {
            conn_flush(c);
        }
        ofconn_close(c, "bridge destroyed");
        dlist_remove(&c->node);
        conn_free(c);
    }
    evloop_cancel_timer(mgr->loop, mgr->reaper);
    evloop_cancel_timer(mgr->loop, mgr->pin_timer);
    free(mgr);
}

static struct ofpassive *
find_passive(struct connmgr *mgr, const char *target)
{
    struct ofpassive *ps;

    DLIST_FOR_EACH (ps, node, &mgr->passives) {
        if (!strcmp(ps->target, target)) {
            return ps;
        }
    }
    return NULL;
}

static struct ofctrl *
find_ctrl(struct connmgr *mgr, const char *target)
{
    struct ofctrl *ctrl;

    DLIST_FOR_EACH (ctrl, node, &mgr->ctrls) {
        if (!strcmp(ctrl->target, target)) {
            return ctrl;
        }
    }
    return NULL;
}

/* The entry of CTRLS (N of them) for target T, or NULL. */
static const struct ofproto_controller *
target_find(const struct ofproto_controller *ctrls, size_t n, const char *t)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(ctrls[i].target, t)) {
            return &ctrls[i];
        }
    }
    return NULL;
}

/* Whether target C's connections are service connections (PASSIVE: C's
 * target is a passive one): as its type says, else as Open vSwitch
 * chooses by the target. */
static bool
target_is_service(const struct ofproto_controller *c, bool passive)
{
    switch (c->type) {
    case OFPROTO_CTRL_PRIMARY:
        return false;
    case OFPROTO_CTRL_SERVICE:
        return true;
    case OFPROTO_CTRL_DEFAULT:
    default:
        return passive;
    }
}

/* Gives the connections of CTRL or PS (one is NULL) new rate limits
 * RATE and BURST, if they differ from the target's. */
static void
target_set_rate_limit(struct connmgr *mgr, struct ofctrl *ctrl,
                      struct ofpassive *ps, unsigned int rate,
                      unsigned int burst, long long now)
{
    unsigned int *rp = ctrl ? &ctrl->rate_limit : &ps->rate_limit;
    unsigned int *bp = ctrl ? &ctrl->burst_limit : &ps->burst_limit;
    struct ofconn *c;

    if (*rp == rate && *bp == burst) {
        return;
    }
    *rp = rate;
    *bp = burst;
    DLIST_FOR_EACH (c, node, &mgr->conns) {
        if (!c->dead
            && ((ctrl && c->ctrl == ctrl) || (ps && c->passive == ps))) {
            conn_set_rate_limit(c, now);
        }
    }
}

int
connmgr_set_controllers(struct connmgr *mgr,
                        const struct ofproto_controller *ctrls, size_t n,
                        char **errp)
{
    long long now = nf_time_msec();
    struct ofpassive *ps, *nps;
    struct ofctrl *ctrl, *nctrl;
    int first_error = 0;

    *errp = NULL;
    mgr->status_seqno++;
    /* Drop targets no longer listed (their connections with them). */
    DLIST_FOR_EACH_SAFE (ps, nps, node, &mgr->passives) {
        if (!target_find(ctrls, n, ps->target)) {
            dlist_remove(&ps->node);
            passive_close(mgr, ps);
        }
    }
    DLIST_FOR_EACH_SAFE (ctrl, nctrl, node, &mgr->ctrls) {
        if (!target_find(ctrls, n, ctrl->target)) {
            ctrl_destroy(ctrl);
        }
    }
    /* Add the new ones; the others take the new settings. */
    for (size_t i = 0; i < n; i++) {
        const char *t = ctrls[i].target;
        unsigned int rate = ctrls[i].rate_limit;
        unsigned int burst = rate ? ctrls[i].burst_limit : 0;
        char *err = NULL;
        int error = 0;

        if (!pstream_verify_name(t)) {
            bool service = target_is_service(&ctrls[i], true);

            ps = find_passive(mgr, t);
            if (ps) {
                ps->service = service;
                target_set_rate_limit(mgr, NULL, ps, rate, burst, now);
            } else {
                error = passive_open(mgr, t, service, &ps, &err);
                if (!error) {
                    ps->rate_limit = rate;
                    ps->burst_limit = burst;
                    dlist_push_back(&mgr->passives, &ps->node);
                }
            }
        } else if (!stream_verify_name(t)) {
            bool service = target_is_service(&ctrls[i], false);

            ctrl = find_ctrl(mgr, t);
            if (ctrl) {
                ctrl->service = service;
                target_set_rate_limit(mgr, ctrl, NULL, rate, burst, now);
            } else {
                ctrl = xzalloc(sizeof *ctrl);
                ctrl->mgr = mgr;
                ctrl->target = xstrdup(t);
                ctrl->service = service;
                ctrl->backoff_ms = BACKOFF_MIN_MS;
                ctrl->rate_limit = rate;
                ctrl->burst_limit = burst;
                dlist_push_back(&mgr->ctrls, &ctrl->node);
                ctrl_connect(ctrl, now);
            }
        } else {
            error = EAFNOSUPPORT;
            err = xasprintf("%s: controller target \"%s\" is not tcp:, ssl:, "
                            "unix:, ptcp:, pssl: or punix:",
                            mgr->ofproto->name, t);
        }
        if (error) {
            VLOG_WARN("%s", err);
            if (!first_error) {
                first_error = error;
                *errp = err;
            } else {
                free(err);
            }
        }
    }
    /* New rates move the times at which queued packet-ins are due. */
    pin_reschedule(mgr, now);
    return first_error;
}

bool
connmgr_has_controller(const struct connmgr *mgr)
{
    const struct ofconn *c;

    DLIST_FOR_EACH (c, node, &mgr->conns) {
        if (!c->dead && !c->service && c->state == OFCONN_ACTIVE
            && c->role != OF_ROLE_SECONDARY) {
            return true;
        }
    }
    return false;
}

static void
pin_stats_add(const struct pinsched *ps, struct ofproto_pin_stats *sum)
{
    struct pinsched_stats st;

    if (ps) {
        pinsched_get_stats(ps, &st);
        sum->backlog += st.backlog;
        sum->bypassed += st.n_bypassed;
        sum->queued += st.n_queued;
        sum->dropped += st.n_dropped;
    }
}

/* Fills the role of INFO from C, if C is a live, connected connection
 * (the first one found wins), and adds its rate limiters' counters. */
static void
controller_info_conn(const struct ofconn *c,
                     struct ofproto_controller_info *info)
{
    if (c->dead) {
        return;
    }
    if (c->state == OFCONN_ACTIVE && !info->is_connected) {
        info->is_connected = true;
        info->role = c->role;
        info->state = "ACTIVE";
    }
    pin_stats_add(c->pinsched[OFCONN_PIN_MISS], &info->pin_miss);
    pin_stats_add(c->pinsched[OFCONN_PIN_ACTION], &info->pin_action);
}

bool
connmgr_get_controller_info(const struct connmgr *mgr, const char *target,
                            struct ofproto_controller_info *info)
{
    const struct ofpassive *ps;
    const struct ofctrl *ctrl;
    const struct ofconn *c;

    memset(info, 0, sizeof *info);
    info->role = OF_ROLE_NOCHANGE;
    DLIST_FOR_EACH (ctrl, node, &mgr->ctrls) {
        if (!strcmp(ctrl->target, target)) {
            info->rate_limited = ctrl->rate_limit > 0;
            if (!ctrl->conn) {
                info->state = "BACKOFF";
            } else {
                if (ctrl->conn->state != OFCONN_ACTIVE) {
                    info->state = "CONNECTING";
                }
                controller_info_conn(ctrl->conn, info);
            }
            return true;
        }
    }
    DLIST_FOR_EACH (ps, node, &mgr->passives) {
        if (!strcmp(ps->target, target)) {
            info->rate_limited = ps->rate_limit > 0;
            DLIST_FOR_EACH (c, node, &mgr->conns) {
                if (c->passive == ps) {
                    controller_info_conn(c, info);
                }
            }
            return true;
        }
    }
    return false;
}

uint64_t
connmgr_controller_seqno(const struct connmgr *mgr)
{
    return mgr->status_seqno;
}

bool
connmgr_is_fail_open(const struct connmgr *mgr)
{
    return mgr && mgr->fail_open;
}

/* Enters or leaves fail-open mode (see ofproto_is_fail_open()); returns
 * when it wants to look again. */
static long long
fail_open_run(struct connmgr *mgr, long long now)
{
    const struct ofctrl *ctrl;
    bool connected = false, any = false;
    long long next = LLONG_MAX;
    bool open = false;

    /* As in Open vSwitch, only active primary controllers count: the fail
     * mode does not apply to service connections, and a passive target
     * has no connection of its own to lose. */
    DLIST_FOR_EACH (ctrl, node, &mgr->ctrls) {
        if (ctrl->service) {
            continue;
        }
        any = true;
        if (ctrl->conn && !ctrl->conn->dead
            && ctrl->conn->state == OFCONN_ACTIVE) {
            connected = true;
        }
    }
    if (connected || !any
        || mgr->ofproto->fail_mode != OFPROTO_FAIL_STANDALONE) {
        /* The clock starts when the last controller is seen away. */
        mgr->down_since_ms = now;
    } else if (now - mgr->down_since_ms >= FAIL_OPEN_AFTER_MS) {
        open = true;
    } else {
        next = mgr->down_since_ms + FAIL_OPEN_AFTER_MS;
    }
    if (open != mgr->fail_open) {
        VLOG_WARN("%s: %s fail-open mode", mgr->ofproto->name,
                  open ? "no controller for a while: entering" : "leaving");
        mgr->fail_open = open;
        mgr->ofproto->generation++;
    }
    return next;
}

bool
connmgr_wants_implicit_miss(const struct connmgr *mgr)
{
    return mgr && mgr->implicit_miss;
}

/* Recomputes connmgr_wants_implicit_miss() and, when it changed, moves
 * the switch's generation: translations made before either sent misses
 * to userspace for nobody or dropped misses somebody now wants. */
static void
update_implicit_miss(struct connmgr *mgr)
{
    const struct ofconn *c;
    bool wants = false;

    DLIST_FOR_EACH (c, node, &mgr->conns) {
        if (c->version < OF_V13
            && ofconn_wants_async(c, OF_ASYNC_PACKET_IN, OF_PIN_NO_MATCH)) {
            wants = true;
            break;
        }
    }
    if (wants != mgr->implicit_miss) {
        mgr->implicit_miss = wants;
        mgr->ofproto->generation++;
    }
}

long long
connmgr_run(struct connmgr *mgr, long long now)
{
    long long next = LLONG_MAX;
    struct ofctrl *ctrl;
    struct ofconn *c, *nc;

    next = fail_open_run(mgr, now);
    DLIST_FOR_EACH (ctrl, node, &mgr->ctrls) {
        if (!ctrl->conn && now >= ctrl->next_connect_ms) {
            ctrl_connect(ctrl, now);
        }
        if (!ctrl->conn) {
            next = NF_MIN(next, ctrl->next_connect_ms);
        }
    }
    DLIST_FOR_EACH_SAFE (c, nc, node, &mgr->conns) {
        long long idle;

        /* Every controller connection is probed, service ones too (Open
         * vSwitch probes what it accepts on a passive target); the
         * management socket's are not. */
        if (c->dead || c->mgmt) {
            continue;
        }
        idle = now - c->last_rx_ms;
        if (idle >= 2 * PROBE_INTERVAL_MS) {
            VLOG_INFO_RL(&rl,
                         "%s: no response to inactivity probe after "
                         "%d seconds, disconnecting",
                         c->name, 2 * PROBE_INTERVAL_MS / 1000);
            ofconn_close(c, "inactivity probe");
            continue;
        }
        if (idle >= PROBE_INTERVAL_MS && !c->probe_sent
            && c->state == OFCONN_ACTIVE) {
            struct buf b = BUF_INITIALIZER;

            COVERAGE_INC(connmgr_probe);
            of_echo_encode(&b, OF_T_ECHO_REQUEST, c->version, of_next_xid(),
                           NULL, 0);
            ofconn_send(c, &b);
            buf_destroy(&b);
            c->probe_sent = true;
        }
        next = NF_MIN(next, c->last_rx_ms
                                + (c->probe_sent ? 2 : 1) * PROBE_INTERVAL_MS);
    }
    return next;
}

/* ---------------------------------------------------------------------
 * Packet-in rate limits.
 *
 * A connection of a target with a rate limit has two schedulers
 * (connmgr-pinsched.h).  What they queue is sent by one timer of the
 * manager, due when the earliest scheduler with a backlog gets a token;
 * packet-ins arm it from the upcall handler threads too (see
 * connmgr.h).
 * --------------------------------------------------------------------- */

/* Makes C's schedulers follow its target's rate limit: created, changed,
 * or (without a limit) removed after sending their backlog at once. */
static void
conn_set_rate_limit(struct ofconn *c, long long now)
{
    unsigned int rate = 0, burst = 0;

    if (c->ctrl) {
        rate = c->ctrl->rate_limit;
        burst = c->ctrl->burst_limit;
    } else if (c->passive) {
        /* Open vSwitch limits a target's service connections too; the
         * management socket has no limit. */
        rate = c->passive->rate_limit;
        burst = c->passive->burst_limit;
    }
    for (int i = 0; i < OFCONN_N_PIN; i++) {
        struct pinsched **ps = &c->pinsched[i];
        struct buf msg;

        if (rate) {
            if (*ps) {
                pinsched_set_limits(*ps, rate, burst, now);
            } else {
                *ps = pinsched_create(rate, burst, now);
            }
        } else if (*ps) {
            /* Open vSwitch drops the backlog here; the controller would
             * rather have it. */
            while (pinsched_pop(*ps, &msg)) {
                COVERAGE_INC(connmgr_pin_flushed);
                ofconn_send(c, &msg);
                buf_destroy(&msg);
            }
            pinsched_destroy(*ps);
            *ps = NULL;
        }
    }
}

static void pin_timer_cb(void *mgr_);

/* Makes MGR's timer fire by WHEN (NOW is the current time). */
static void
pin_arm(struct connmgr *mgr, long long when, long long now)
{
    if (when == LLONG_MAX || (mgr->pin_timer && mgr->pin_due <= when)) {
        return;
    }
    evloop_cancel_timer(mgr->loop, mgr->pin_timer);
    mgr->pin_timer = evloop_add_timer(mgr->loop, NF_MAX(when - now, 0), 0,
                                      pin_timer_cb, mgr);
    mgr->pin_due = when;
}

/* Sets MGR's timer for the earliest scheduler with a backlog, or cancels
 * it if none has one. */
static void
pin_reschedule(struct connmgr *mgr, long long now)
{
    long long when = LLONG_MAX;
    const struct ofconn *c;

    DLIST_FOR_EACH (c, node, &mgr->conns) {
        for (int i = 0; !c->dead && i < OFCONN_N_PIN; i++) {
            if (c->pinsched[i]) {
                when = NF_MIN(when, pinsched_wakeup(c->pinsched[i], now));
            }
        }
    }
    evloop_cancel_timer(mgr->loop, mgr->pin_timer);
    mgr->pin_timer = NULL;
    pin_arm(mgr, when, now);
}

/* Sends what the schedulers may send now. */
static void
pin_timer_cb(void *mgr_)
{
    struct connmgr *mgr = mgr_;
    long long now = nf_time_msec();
    struct ofconn *c;

    mgr->pin_timer = NULL;
    DLIST_FOR_EACH (c, node, &mgr->conns) {
        for (int i = 0; i < OFCONN_N_PIN; i++) {
            struct pinsched *ps = c->pinsched[i];
            struct buf msg;

            /* A send that fails closes the connection: stop there. */
            while (ps && !c->dead && pinsched_next(ps, now, &msg)) {
                ofconn_send(c, &msg);
                buf_destroy(&msg);
                mgr->status_seqno++;
            }
        }
    }
    pin_reschedule(mgr, now);
}

/* Sends packet-in B (for a packet from PORT) on C, through the scheduler
 * for misses if MISS, else the other, when C has a rate limit.  B may be
 * emptied. */
static void
conn_send_packet_in(struct ofconn *c, bool miss, uint32_t port, struct buf *b)
{
    struct pinsched *ps =
        c->pinsched[miss ? OFCONN_PIN_MISS : OFCONN_PIN_ACTION];
    long long now;

    if (!ps) {
        ofconn_send(c, b);
        return;
    }
    now = nf_time_msec();
    /* The counters are in the Controller row's status. */
    c->mgr->status_seqno++;
    if (pinsched_send(ps, port, b, now)) {
        ofconn_send(c, b);
    } else {
        pin_arm(c->mgr, pinsched_wakeup(ps, now), now);
    }
}

/* ---------------------------------------------------------------------
 * Asynchronous messages.
 * --------------------------------------------------------------------- */

bool
ofconn_wants_async(const struct ofconn *c, enum of_async_kind kind,
                   unsigned reason)
{
    uint32_t mask;

    if (c->dead || c->state != OFCONN_ACTIVE || reason >= 32) {
        return false;
    }
    /* Service connections get asynchronous messages only once they ask
     * for them with a nonzero miss_send_len, as in Open vSwitch. */
    if (c->service && !c->miss_send_len) {
        return false;
    }
    mask = (c->role == OF_ROLE_SECONDARY ? c->async.secondary[kind]
                                         : c->async.primary[kind]);
    return mask & (1u << reason);
}

/* The packet-in match: the pipeline fields of KEY that are set. */
static void
packet_in_match(const struct ofproto_key *key, struct of_match *m)
{
    of_match_init_catchall(m);
    of_match_set_in_port(m, (uint16_t) key->flow.in_port);
    if (memcmp(&key->flow.tunnel, &m->flow.tunnel, sizeof key->flow.tunnel)) {
        m->flow.tunnel = key->flow.tunnel;
        memset(&m->mask.tunnel, 0xff, sizeof m->mask.tunnel);
    }
    if (key->flow.pkt_mark) {
        m->flow.pkt_mark = key->flow.pkt_mark;
        m->mask.pkt_mark = UINT32_MAX;
    }
    if (key->meta.metadata) {
        m->meta.metadata = key->meta.metadata;
        m->meta_mask.metadata = UINT64_MAX;
    }
    for (size_t i = 0; i < OF_N_REGS; i++) {
        if (key->meta.regs[i]) {
            m->meta.regs[i] = key->meta.regs[i];
            m->meta_mask.regs[i] = UINT32_MAX;
        }
    }
}

void
connmgr_send_packet_in(struct connmgr *mgr,
                       enum ofproto_packet_in_reason reason, uint8_t table_id,
                       uint64_t cookie, const struct ofproto_key *key,
                       const void *pkt, size_t len, uint16_t max_len,
                       const void *userdata, size_t userdata_len)
{
    static const uint8_t wire_reason[] = {
        [OFPROTO_PIN_NO_MATCH] = OF_PIN_NO_MATCH,
        [OFPROTO_PIN_ACTION] = OF_PIN_ACTION,
        [OFPROTO_PIN_INVALID_TTL] = OF_PIN_INVALID_TTL,
        [OFPROTO_PIN_EXPLICIT_MISS] = OF_PIN_NO_MATCH,
        [OFPROTO_PIN_IMPLICIT_MISS] = OF_PIN_NO_MATCH,
    };
    struct of_packet_in pin;
    struct ofconn *c;
    /* Which rate limiter: Open vSwitch 3.1 counts a table-miss flow's
     * packet-ins as misses also where the wire says "action" (before
     * OpenFlow 1.3). */
    bool miss =
        (reason == OFPROTO_PIN_NO_MATCH || reason == OFPROTO_PIN_EXPLICIT_MISS
         || reason == OFPROTO_PIN_IMPLICIT_MISS);

    if ((unsigned) reason >= ARRAY_SIZE(wire_reason)) {
        return;
    }
    of_packet_in_init(&pin);
    pin.total_len = (uint32_t) len;
    pin.table_id = table_id;
    pin.cookie = cookie;
    packet_in_match(key, &pin.match);

    DLIST_FOR_EACH (c, node, &mgr->conns) {
        struct buf b = BUF_INITIALIZER;
        size_t cut = max_len == UINT16_MAX ? len : NF_MIN(len, max_len);
        enum of_type type;

        /* Before OpenFlow 1.3 a table-miss flow is a flow like any other
         * (the miss was the switch's own), so its packet-ins are
         * "action". */
        pin.reason =
            (reason == OFPROTO_PIN_EXPLICIT_MISS && c->version < OF_V13
                 ? OF_PIN_ACTION
                 : wire_reason[reason]);
        if ((reason == OFPROTO_PIN_IMPLICIT_MISS && c->version >= OF_V13)
            || !ofconn_wants_async(c, OF_ASYNC_PACKET_IN, pin.reason)) {
            continue;
        }
        /* A table miss in OpenFlow 1.0 is cut to the connection's
         * miss_send_len (1.3+ misses come from a flow's controller
         * action, which carries its own length). */
        if ((reason == OFPROTO_PIN_NO_MATCH
             || reason == OFPROTO_PIN_IMPLICIT_MISS)
            && c->version == OF_V10 && c->miss_send_len != UINT16_MAX) {
            cut = NF_MIN(cut, c->miss_send_len);
        }
        pin.packet = (uint8_t *) pkt;
        pin.packet_len = cut;
        pin.userdata = (uint8_t *) userdata;
        pin.userdata_len = userdata_len;
        type = (c->pin_format == OF_NX_PIF_NXT_PACKET_IN2 ? OF_T_NXT_PACKET_IN2
                : c->pin_format == OF_NX_PIF_NXT_PACKET_IN ? OF_T_NXT_PACKET_IN
                                                           : OF_T_PACKET_IN);
        if (!of_packet_in_encode(&pin, type, c->version, 0, &b)) {
            COVERAGE_INC(connmgr_packet_in);
            conn_send_packet_in(c, miss, key->flow.in_port, &b);
        }
        buf_destroy(&b);
    }
}

void
connmgr_send_flow_removed(struct connmgr *mgr,
                          const struct of_flow_removed *fr)
{
    struct ofconn *c;

    if (!mgr) {
        return;
    }
    DLIST_FOR_EACH (c, node, &mgr->conns) {
        struct buf b = BUF_INITIALIZER;
        enum of_protocol proto;

        if (!ofconn_wants_async(c, OF_ASYNC_FLOW_REMOVED, fr->reason)) {
            continue;
        }
        if (c->version == OF_V10) {
            proto = c->nxm ? OF_PROTO_NXM : OF_PROTO_OF10;
        } else {
            proto = of_protocol_choose(of_protocols_of_version(c->version),
                                       c->version);
        }
        of_flow_removed_encode(fr, proto, &b);
        ofconn_send(c, &b);
        buf_destroy(&b);
    }
}

void
connmgr_send_port_status(struct connmgr *mgr, const struct ofproto_port *port,
                         uint8_t reason)
{
    struct of_port_status ps = { .reason = reason };
    struct ofconn *c;

    if (!mgr) {
        return;
    }
    ofproto_port_to_of(port, &ps.desc);
    DLIST_FOR_EACH (c, node, &mgr->conns) {
        struct buf b = BUF_INITIALIZER;

        if (!ofconn_wants_async(c, OF_ASYNC_PORT_STATUS, reason)) {
            continue;
        }
        of_port_status_encode(&b, c->version, 0, &ps);
        ofconn_send(c, &b);
        buf_destroy(&b);
    }
}

void
connmgr_send_table_status(struct connmgr *mgr,
                          const struct of_table_status *ts)
{
    struct ofconn *c;

    if (!mgr) {
        return;
    }
    DLIST_FOR_EACH (c, node, &mgr->conns) {
        struct buf b = BUF_INITIALIZER;

        /* Table status is an OpenFlow 1.4 message. */
        if (c->version < OF_V14
            || !ofconn_wants_async(c, OF_ASYNC_TABLE_STATUS, ts->reason)) {
            continue;
        }
        of_table_status_encode(&b, c->version, 0, ts);
        ofconn_send(c, &b);
        buf_destroy(&b);
    }
}
