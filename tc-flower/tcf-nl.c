/* tcf-nl.c: the tc provider's rtnetlink socket, batches, dumps and the
 * clsact qdisc.  See tcf-nl.h. */
#include "tc-flower/tcf-nl.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(tcf_nl);

COVERAGE_DEFINE(tcf_nl_batch);
COVERAGE_DEFINE(tcf_nl_request);
COVERAGE_DEFINE(tcf_nl_lost_reply);
COVERAGE_DEFINE(tcf_nl_truncated);
COVERAGE_DEFINE(tcf_nl_malformed_filter);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

/* A batch holds at most this many bytes of requests and this many
 * requests.  The second bound keeps the replies (an echo of about a
 * kilobyte and an ack per request) well inside the socket's receive
 * buffer: replies beyond it would be lost (ENOBUFS), and with them the
 * status of the requests. */
#define TCF_BATCH_LIMIT (32 * 1024)
#define TCF_BATCH_MAX_MSGS 64

/* One datagram: the kernel sizes dump datagrams to at most 32 KiB. */
#define TCF_RX_SIZE (64 * 1024)

/* Receive buffer asked for (SO_RCVBUFFORCE when allowed). */
#define TCF_RCVBUF (4 * 1024 * 1024)

/* The kernel answers rtnetlink requests before sendmsg() returns; a reply
 * that has not come within this long is not coming. */
#define TCF_RECV_TIMEOUT_SEC 5

struct tcf_nl {
    struct mnl_socket *sock;
    uint32_t portid;
    uint32_t seq;
    uint8_t *tx; /* 2 * TCF_BATCH_LIMIT: see mnl_nlmsg_batch_start(). */
    uint8_t *rx; /* TCF_RX_SIZE. */
    struct tcf_filter *scratch;
};

int
tcf_nl_open(struct tcf_nl **nlp)
{
    struct tcf_nl *nl = xzalloc(sizeof *nl);
    int one = 1;
    int error;

    nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (!nl->sock) {
        error = errno;
        goto free_nl;
    }
    if (mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof one)
        || mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one,
                                 sizeof one)) {
        error = errno;
        goto close_sock;
    }
    int fd = mnl_socket_get_fd(nl->sock);
    int rcvbuf = TCF_RCVBUF;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf)) {
        /* Without CAP_NET_ADMIN: as much as rmem_max allows. */
        (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    }
    struct timeval tv = { .tv_sec = TCF_RECV_TIMEOUT_SEC };
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv)) {
        error = errno;
        goto close_sock;
    }
    if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID)) {
        error = errno;
        goto close_sock;
    }
    nl->portid = mnl_socket_get_portid(nl->sock);
    nl->seq = (uint32_t) time(NULL) << 8;
    nl->tx = xmalloc(2 * TCF_BATCH_LIMIT);
    nl->rx = xmalloc(TCF_RX_SIZE);
    nl->scratch = xmalloc(sizeof *nl->scratch);
    *nlp = nl;
    return 0;

close_sock:
    mnl_socket_close(nl->sock);
free_nl:
    free(nl);
    *nlp = NULL;
    return error;
}

void
tcf_nl_close(struct tcf_nl *nl)
{
    if (nl) {
        mnl_socket_close(nl->sock);
        free(nl->tx);
        free(nl->rx);
        free(nl->scratch);
        free(nl);
    }
}

/* Receives one datagram into NL->rx.  Returns 0 with its length in *LEN,
 * or an errno (ETIMEDOUT when nothing came in time). */
static int
recv_datagram(struct tcf_nl *nl, size_t *len)
{
    for (;;) {
        ssize_t r =
            recv(mnl_socket_get_fd(nl->sock), nl->rx, TCF_RX_SIZE, MSG_TRUNC);
        if (r >= 0) {
            if ((size_t) r > TCF_RX_SIZE) {
                /* What fits is parsed; the message cut off is lost. */
                COVERAGE_INC(tcf_nl_truncated);
                r = TCF_RX_SIZE;
            }
            *len = r;
            return 0;
        }
        if (errno == EINTR) {
            continue;
        }
        return errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT : errno;
    }
}

static int
send_all(struct tcf_nl *nl, const void *buf, size_t len)
{
    ssize_t r = mnl_socket_sendto(nl->sock, buf, len);

    return r < 0 ? errno : (size_t) r != len ? EMSGSIZE : 0;
}

/* Replies. */

size_t
tcf_nl_dispatch(const uint8_t *buf, size_t len, struct tcf_req *reqs, size_t n,
                uint32_t base_seq)
{
    const struct nlmsghdr *nlh;
    size_t acked = 0;

    while ((nlh = tcf_msg_next(&buf, &len, NULL))) {
        uint32_t idx = nlh->nlmsg_seq - base_seq;
        if (idx >= n || reqs[idx].acked) {
            continue;
        }
        struct tcf_req *r = &reqs[idx];
        switch (nlh->nlmsg_type) {
        case NLMSG_ERROR:
            if (tcf_msg_parse_ack(nlh, &r->ack) && !r->ack.error) {
                /* Too short to say what happened. */
                r->ack.error = EPROTO;
            }
            r->acked = true;
            acked++;
            break;
        case RTM_NEWTFILTER:
        case RTM_DELTFILTER:
            if (r->echo && !r->echoed) {
                if (!tcf_msg_parse_filter(nlh, r->echo)) {
                    r->echoed = true;
                    r->echo_malformed = false;
                } else {
                    COVERAGE_INC(tcf_nl_malformed_filter);
                    r->echo_malformed = true;
                }
            }
            break;
        default:
            break;
        }
    }
    return acked;
}

int
tcf_nl_dump_dispatch(const uint8_t *buf, size_t len, uint32_t seq,
                     tcf_dump_cb *cb, void *aux, struct tcf_filter *scratch,
                     struct tcf_ack *ack)
{
    const struct nlmsghdr *nlh;

    while ((nlh = tcf_msg_next(&buf, &len, NULL))) {
        if (nlh->nlmsg_seq != seq) {
            continue;
        }
        switch (nlh->nlmsg_type) {
        case NLMSG_DONE:
        case NLMSG_ERROR:
            /* A DONE too short for its error code still ends the dump. */
            if (tcf_msg_parse_ack(nlh, ack) && !ack->error
                && nlh->nlmsg_type == NLMSG_ERROR) {
                ack->error = EPROTO;
            }
            return ack->error ? ack->error : EOF;
        case RTM_NEWTFILTER:
            if (!tcf_msg_parse_filter(nlh, scratch)) {
                cb(scratch, aux);
            } else {
                COVERAGE_INC(tcf_nl_malformed_filter);
                VLOG_WARN_RL(&rl, "skipping a malformed filter in a dump");
            }
            break;
        default:
            break;
        }
    }
    return 0;
}

/* Batches. */

static size_t
build_req(struct tcf_req *r, void *buf, size_t size)
{
    switch (r->type) {
    case TCF_REQ_ADD:
        return tcf_msg_new_filter(buf, size, r->seq, NLM_F_CREATE | NLM_F_EXCL,
                                  r->filter);
    case TCF_REQ_REPLACE:
        return tcf_msg_new_filter(buf, size, r->seq,
                                  NLM_F_CREATE | NLM_F_REPLACE, r->filter);
    case TCF_REQ_DEL:
        return tcf_msg_del_filter(buf, size, r->seq, r->ifindex, r->parent,
                                  r->prio, r->protocol, r->handle,
                                  r->echo != NULL);
    }
    return 0;
}

/* Sends the requests REQS[0 .. N - 1] whose messages are the LEN bytes at
 * BUF, and collects their replies. */
static int
flush(struct tcf_nl *nl, const void *buf, size_t len, struct tcf_req *reqs,
      size_t n)
{
    size_t want = 0;
    int error;

    for (size_t i = 0; i < n; i++) {
        want += !reqs[i].acked;
    }
    if (!want) {
        return 0;
    }
    COVERAGE_INC(tcf_nl_batch);
    error = send_all(nl, buf, len);
    while (!error && want) {
        size_t got;
        error = recv_datagram(nl, &got);
        if (error == ENOBUFS) {
            /* Replies were dropped; those still missing time out. */
            COVERAGE_INC(tcf_nl_lost_reply);
            VLOG_WARN_RL(&rl, "netlink receive buffer overrun");
            error = 0;
            continue;
        }
        if (!error) {
            size_t acked = tcf_nl_dispatch(nl->rx, got, reqs, n, reqs[0].seq);
            want -= NF_MIN(acked, want);
        }
    }
    if (error) {
        for (size_t i = 0; i < n; i++) {
            if (!reqs[i].acked) {
                reqs[i].acked = true;
                reqs[i].ack.error = error;
                reqs[i].ack.msg[0] = '\0';
            }
        }
    }
    return error;
}

int
tcf_nl_transact(struct tcf_nl *nl, struct tcf_req *reqs, size_t n)
{
    struct mnl_nlmsg_batch *b;
    size_t first = 0;
    int error = 0;

    if (!n) {
        return 0;
    }
    b = mnl_nlmsg_batch_start(nl->tx, TCF_BATCH_LIMIT);
    for (size_t i = 0; i < n; i++) {
        struct tcf_req *r = &reqs[i];
        r->seq = ++nl->seq;
        r->acked = r->echoed = r->echo_malformed = false;
        memset(&r->ack, 0, sizeof r->ack);

        /* The batch is at most TCF_BATCH_LIMIT long before this message,
         * and the buffer twice that, so TCF_BATCH_LIMIT bytes are free. */
        if (!build_req(r, mnl_nlmsg_batch_current(b), TCF_BATCH_LIMIT)) {
            r->acked = true;
            r->ack.error = EMSGSIZE;
            continue;
        }
        if (!mnl_nlmsg_batch_next(b)) {
            /* This message does not fit: send those before it, then
             * start over with it at the head of the buffer. */
            int e = flush(nl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b),
                          reqs + first, i - first);
            error = error ? error : e;
            mnl_nlmsg_batch_reset(b);
            first = i;
        }
        if (i + 1 - first >= TCF_BATCH_MAX_MSGS) {
            int e = flush(nl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b),
                          reqs + first, i + 1 - first);
            error = error ? error : e;
            mnl_nlmsg_batch_reset(b);
            first = i + 1;
        }
    }
    if (first < n) {
        int e = flush(nl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b),
                      reqs + first, n - first);
        error = error ? error : e;
    }
    mnl_nlmsg_batch_stop(b);
    return error;
}

/* Dumps and one-off requests. */

int
tcf_nl_dump(struct tcf_nl *nl, int ifindex, uint32_t parent, bool chain0_only,
            tcf_dump_cb *cb, void *aux, struct tcf_ack *ack)
{
    struct tcf_ack ack_ = { 0 };
    uint32_t seq = ++nl->seq;
    size_t len;
    int error;

    ack = ack ? ack : &ack_;
    memset(ack, 0, sizeof *ack);
    len = tcf_msg_dump_filters(nl->tx, TCF_BATCH_LIMIT, seq, ifindex, parent,
                               chain0_only);
    error = len ? send_all(nl, nl->tx, len) : EMSGSIZE;
    while (!error) {
        size_t got;
        error = recv_datagram(nl, &got);
        if (!error) {
            error = tcf_nl_dump_dispatch(nl->rx, got, seq, cb, aux,
                                         nl->scratch, ack);
            if (error == EOF) {
                return 0;
            }
        }
    }
    if (!ack->error) {
        ack->error = error;
    }
    return error;
}

int
tcf_nl_request(struct tcf_nl *nl, struct nlmsghdr *req,
               void (*cb)(const struct nlmsghdr *, void *aux), void *aux,
               struct tcf_ack *ack)
{
    struct tcf_ack ack_ = { 0 };
    int error;

    COVERAGE_INC(tcf_nl_request);
    ack = ack ? ack : &ack_;
    memset(ack, 0, sizeof *ack);
    req->nlmsg_seq = ++nl->seq;
    req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    error = send_all(nl, req, req->nlmsg_len);
    while (!error) {
        const struct nlmsghdr *nlh;
        const uint8_t *p = nl->rx;
        size_t left;

        error = recv_datagram(nl, &left);
        while (!error && (nlh = tcf_msg_next(&p, &left, NULL))) {
            if (nlh->nlmsg_seq != req->nlmsg_seq) {
                continue;
            }
            if (nlh->nlmsg_type == NLMSG_ERROR
                || nlh->nlmsg_type == NLMSG_DONE) {
                /* A dump ends with NLMSG_DONE (the kernel acks no dump),
                 * which carries its error code as an ack does. */
                if (tcf_msg_parse_ack(nlh, ack) && !ack->error
                    && nlh->nlmsg_type == NLMSG_ERROR) {
                    ack->error = EPROTO;
                }
                return ack->error;
            }
            if (cb) {
                cb(nlh, aux);
            }
        }
    }
    ack->error = error;
    return error;
}

int
tcf_nl_clsact_add(struct tcf_nl *nl, int ifindex, bool *created,
                  struct tcf_ack *ack)
{
    struct tcf_ack ack_ = { 0 };
    int error;

    ack = ack ? ack : &ack_;
    *created = false;
    if (!tcf_msg_clsact(nl->tx, TCF_BATCH_LIMIT, 0, RTM_NEWQDISC, ifindex)) {
        return EMSGSIZE;
    }
    error = tcf_nl_request(nl, (struct nlmsghdr *) nl->tx, NULL, NULL, ack);
    if (!error) {
        *created = true;
    } else if (error == EEXIST) {
        /* A clsact or ingress qdisc is there already: not ours. */
        memset(ack, 0, sizeof *ack);
        error = 0;
    }
    return error;
}

int
tcf_nl_clsact_del(struct tcf_nl *nl, int ifindex, struct tcf_ack *ack)
{
    if (!tcf_msg_clsact(nl->tx, TCF_BATCH_LIMIT, 0, RTM_DELQDISC, ifindex)) {
        return EMSGSIZE;
    }
    return tcf_nl_request(nl, (struct nlmsghdr *) nl->tx, NULL, NULL, ack);
}
