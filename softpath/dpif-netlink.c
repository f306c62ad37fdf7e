/* dpif-netlink.c: the "system" datapath type, openvswitch.ko over generic
 * netlink (see dpif-netlink.h for what it offers, dpif-netlink-msg.h for
 * the messages).
 *
 * A handle (struct dpif_netlink) holds a netlink socket for requests,
 * used under the handle's mutex because dpif-provider.h lets several
 * threads call at once, and, once recv_set(true) ran, the sockets the
 * kernel sends upcalls to (dpif-netlink-upcall.c).  Flow dumps get a socket of their own, so
 * that a dump in progress never interleaves with other requests.
 *
 * Every request that changes something asks for NLM_F_ECHO as well as an
 * ack: the kernel then sends the object as it now is (the new port's
 * number, the deleted flow's final counters) before the ack, which ends
 * the exchange.  Errors come back as NLMSG_ERROR and are returned as
 * positive errno values, with a message for the ones a person can act
 * on. */
#include "softpath/dpif-netlink.h"

#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/dpif-netlink-msg.h"
#include "softpath/dpif-netlink-private.h"
#include "softpath/dpif-provider.h"

VLOG_DEFINE_THIS_MODULE(dpif_netlink);

COVERAGE_DEFINE(dpif_netlink_bad_reply);
COVERAGE_DEFINE(dpif_netlink_batch_sent);
COVERAGE_DEFINE(dpif_netlink_batch_overrun);

/* ---------------------------------------------------------------------
 * Netlink channels.
 * --------------------------------------------------------------------- */

int
dpif_netlink_chan_open(struct nl_chan *c)
{
    int one = 1;

    memset(c, 0, sizeof *c);
    c->nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
    if (!c->nl) {
        return errno ? errno : EAFNOSUPPORT;
    }
    /* Extended acks carry the kernel's reason; capped acks do not echo
     * the whole request (a flow put can be large). */
    mnl_socket_setsockopt(c->nl, NETLINK_EXT_ACK, &one, sizeof one);
    mnl_socket_setsockopt(c->nl, NETLINK_CAP_ACK, &one, sizeof one);
    if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID)) {
        int error = errno;
        mnl_socket_close(c->nl);
        c->nl = NULL;
        return error;
    }
    c->portid = mnl_socket_get_portid(c->nl);
    c->seq = (uint32_t) nf_time_msec();
    c->rx = xmalloc(RX_SIZE);
    dpif_netlink_set_rcvbuf(mnl_socket_get_fd(c->nl), CHAN_RCVBUF);
    return 0;
}

void
dpif_netlink_set_rcvbuf(int fd, int size)
{
    /* SO_RCVBUFFORCE first: SO_RCVBUF is capped at net.core.rmem_max
     * (about 200 kB by default), too little for a burst of upcalls; the
     * forced size needs CAP_NET_ADMIN, which a switch normally has.
     * Without it, SO_RCVBUF gives what the cap allows. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size)) {
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
}

void
dpif_netlink_chan_close(struct nl_chan *c)
{
    if (c->nl) {
        mnl_socket_close(c->nl);
        c->nl = NULL;
    }
    free(c->rx);
    c->rx = NULL;
    free(c->slots);
    c->slots = NULL;
}

int
dpif_netlink_chan_transact(struct nl_chan *c, void *req, size_t len,
                           reply_fn *cb, void *aux, char **errp)
{
    struct nlmsghdr *nlh = req;
    uint32_t seq = ++c->seq;
    int cb_error = 0;

    nlh->nlmsg_seq = seq;
    if (mnl_socket_sendto(c->nl, req, len) < 0) {
        return errno;
    }
    for (;;) {
        ssize_t n = recv(mnl_socket_get_fd(c->nl), c->rx, RX_SIZE, 0);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        size_t left = (size_t) n;
        const struct nlmsghdr *m = (const void *) c->rx;
        for (; left >= sizeof *m && m->nlmsg_len >= sizeof *m
               && m->nlmsg_len <= left;
             left -= NF_MIN(left, MNL_ALIGN(m->nlmsg_len)),
             m = (const void *) ((const char *) m + MNL_ALIGN(m->nlmsg_len))) {
            if (m->nlmsg_seq != seq) {
                continue; /* A late reply to an earlier request. */
            }
            if (m->nlmsg_type == NLMSG_DONE) {
                return cb_error;
            }
            if (m->nlmsg_type == NLMSG_ERROR) {
                const char *ext = NULL;
                int error = 0;
                if (dpif_netlink_parse_error(m, left, &error, &ext)) {
                    COVERAGE_INC(dpif_netlink_bad_reply);
                    return EPROTO;
                }
                if (error && ext) {
                    nf_give_error(errp, xstrdup(ext));
                }
                return error ? error : cb_error;
            }
            if (m->nlmsg_type < NLMSG_MIN_TYPE || !cb) {
                continue;
            }
            if (!cb_error) {
                cb_error = cb(m, m->nlmsg_len, aux);
            }
        }
    }
}

/* Whether any of items [FIRST, END) of B still waits for its answer. */
static bool
chunk_pending(const struct dpif_netlink_batch *b, size_t first, size_t end)
{
    for (size_t i = first; i < end; i++) {
        if (!b->items[i].done) {
            return true;
        }
    }
    return false;
}

/* Reads the answers to items [FIRST, END) of B, which were just sent on
 * C in one datagram, until each has its outcome (only the last asked
 * for an ack: dpif_netlink_batch_quiet()).  The kernel answers a request
 * while the sender is still in sendmsg(), so once that returned every
 * answer is queued or lost: after an overrun (ENOBUFS) the queue is read
 * without blocking to its end, and what is still unanswered, or only
 * implied, was lost.  Returns 0 or the socket error that stopped the
 * reading. */
static int
read_answers(struct nl_chan *c, struct dpif_netlink_batch *b, size_t first,
             size_t end, bool big, dpif_netlink_batch_cb *cb, void *aux)
{
    int fd = mnl_socket_get_fd(c->nl);
    bool overrun = false;

    if (!big && !c->slots) {
        c->slots = xmalloc(BATCH_SLOTS * BATCH_SLOT_SIZE);
    }
    while (chunk_pending(b, first, end)) {
        int flags = overrun ? MSG_DONTWAIT : 0;
        int error = 0;

        if (big) {
            ssize_t n = recv(fd, c->rx, RX_SIZE, flags | MSG_TRUNC);
            if (n >= 0) {
                dpif_netlink_batch_feed(b, c->rx, NF_MIN((size_t) n, RX_SIZE),
                                        (size_t) n > RX_SIZE, cb, aux);
                continue;
            }
            error = errno;
        } else {
            struct mmsghdr msgs[BATCH_SLOTS];
            struct iovec iov[BATCH_SLOTS];

            memset(msgs, 0, sizeof msgs);
            for (size_t i = 0; i < BATCH_SLOTS; i++) {
                iov[i].iov_base = c->slots + i * BATCH_SLOT_SIZE;
                iov[i].iov_len = BATCH_SLOT_SIZE;
                msgs[i].msg_hdr.msg_iov = &iov[i];
                msgs[i].msg_hdr.msg_iovlen = 1;
            }
            /* MSG_WAITFORONE: blocks for the first answer only. */
            int n = recvmmsg(fd, msgs, BATCH_SLOTS,
                             overrun ? MSG_DONTWAIT : MSG_WAITFORONE, NULL);
            if (n >= 0) {
                for (int i = 0; i < n; i++) {
                    dpif_netlink_batch_feed(
                        b, iov[i].iov_base, msgs[i].msg_len,
                        msgs[i].msg_hdr.msg_flags & MSG_TRUNC, cb, aux);
                }
                continue;
            }
            error = errno;
        }
        if (error == EINTR) {
            continue;
        }
        if (error == ENOBUFS) {
            COVERAGE_INC(dpif_netlink_batch_overrun);
            overrun = true;
            continue;
        }
        if (overrun && (error == EAGAIN || error == EWOULDBLOCK)) {
            break; /* Read to the end: the rest were lost. */
        }
        return error;
    }
    if (overrun) {
        /* What was lost may have been a quiet request's error: its
         * success cannot be implied either. */
        for (size_t i = first; i < end; i++) {
            struct dpif_netlink_batch_item *it = &b->items[i];
            if (!it->done) {
                it->done = true;
                b->n_pending--;
                it->error = ENOBUFS;
            } else if (it->implied) {
                it->error = ENOBUFS;
            }
        }
    }
    return 0;
}

int
dpif_netlink_chan_transact_batch(struct nl_chan *c,
                                 struct dpif_netlink_batch *b, bool big,
                                 dpif_netlink_batch_cb *cb, void *aux)
{
    size_t max_msgs = big ? BATCH_MAX_MSGS_BIG : BATCH_MAX_MSGS;
    size_t i = 0;

    dpif_netlink_batch_start(b, c->seq + 1);
    c->seq += (uint32_t) b->n;
    while (i < b->n) {
        size_t first = i;
        size_t start = b->items[first].ofs;
        size_t stop = start;

        /* One datagram: up to MAX_MSGS requests and BATCH_MAX_BYTES bytes,
         * or one request of any size. */
        while (i < b->n && i - first < max_msgs) {
            size_t e = b->items[i].ofs + b->items[i].len;
            if (i > first && e - start > BATCH_MAX_BYTES) {
                break;
            }
            stop = e;
            i++;
        }
        COVERAGE_INC(dpif_netlink_batch_sent);
        dpif_netlink_batch_quiet(b, first, i);
        if (mnl_socket_sendto(c->nl, b->msgs.data + start, stop - start) < 0) {
            /* Nothing of this datagram was run. */
            int error = errno;
            for (size_t j = first; j < i; j++) {
                b->items[j].done = true;
                b->items[j].error = error;
                b->n_pending--;
            }
            continue;
        }
        int error = read_answers(c, b, first, i, big, cb, aux);
        if (error) {
            dpif_netlink_batch_abandon(b, error);
            return error;
        }
    }
    return 0;
}

int
dpif_netlink_transact_batch(const struct dpif_netlink *dp_,
                            struct dpif_netlink_batch *b, bool big,
                            dpif_netlink_batch_cb *cb, void *aux)
{
    struct dpif_netlink *dp = (struct dpif_netlink *) dp_;

    if (!b->n) {
        return 0;
    }
    pthread_mutex_lock(&dp->mutex);
    int error = dpif_netlink_chan_transact_batch(&dp->chan, b, big, cb, aux);
    pthread_mutex_unlock(&dp->mutex);
    return error;
}

struct family_aux {
    const char *want;
    uint16_t id;
};

static int
family_reply(const void *msg, size_t len, void *aux_)
{
    struct family_aux *aux = aux_;
    const char *name;
    uint16_t id;

    if (!dpif_netlink_parse_family(msg, len, &name, &id)
        && !strcmp(name, aux->want)) {
        aux->id = id;
    }
    return 0;
}

/* CTRL_CMD_GETFAMILY for NAME: *ID, or 0 if the family is missing. */
static int
resolve_family(struct nl_chan *c, const char *name, uint16_t *id)
{
    uint8_t req[256];
    size_t len = dpif_netlink_build_getfamily(req, sizeof req, name);
    struct family_aux aux = { name, 0 };
    int error =
        dpif_netlink_chan_transact(c, req, len, family_reply, &aux, NULL);

    *id = aux.id;
    return error == ENOENT ? 0 : error;
}

/* The message every failure to reach the kernel datapath gives. */
static char *
unavailable_msg(const char *family)
{
    return xasprintf("kernel datapath unavailable: generic netlink family "
                     "%s not found (is the openvswitch module loaded?)",
                     family);
}

/* Resolves the families of the kernel datapath on C.  EAFNOSUPPORT with
 * a message if one that nicflow needs is missing; the meter family is
 * optional. */
static int
resolve_families(struct nl_chan *c, struct dpif_netlink_families *fam,
                 char **errp)
{
    static const struct {
        const char *name;
        size_t ofs;
        bool required;
    } families[] = {
        { OVS_DATAPATH_FAMILY, offsetof(struct dpif_netlink_families, dp),
          true },
        { OVS_VPORT_FAMILY, offsetof(struct dpif_netlink_families, vport),
          true },
        { OVS_FLOW_FAMILY, offsetof(struct dpif_netlink_families, flow),
          true },
        { OVS_PACKET_FAMILY, offsetof(struct dpif_netlink_families, packet),
          true },
        { "ovs_meter", offsetof(struct dpif_netlink_families, meter), false },
    };

    memset(fam, 0, sizeof *fam);
    for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
        uint16_t *id = (uint16_t *) ((char *) fam + families[i].ofs);
        int error = resolve_family(c, families[i].name, id);

        if (error) {
            nf_give_error(errp,
                          xasprintf("kernel datapath unavailable: looking up "
                                    "generic netlink family %s: %s",
                                    families[i].name, nf_strerror(error)));
            return error;
        }
        if (!*id && families[i].required) {
            nf_give_error(errp, unavailable_msg(families[i].name));
            return EAFNOSUPPORT;
        }
    }
    return 0;
}

/* Whether openvswitch.ko can be there at all.  Enumeration runs often
 * (nicflowd lists datapaths every 100 ms), and asking generic netlink for
 * a missing family makes the kernel try to load the module each time:
 * /sys/module tells without that. */
static bool
module_present(void)
{
    return !access("/sys/module/openvswitch", F_OK);
}

/* ---------------------------------------------------------------------
 * Datapaths.
 * --------------------------------------------------------------------- */

/* Reply callback filling a struct dpif_netlink_dp's plain fields. */
struct dp_aux {
    bool found;
    int dp_ifindex;
    struct dpif_netlink_dp dp;        /* Its NAME and PER_CPU_PIDS are not kept
                                * (they point into RX). */
    const struct dpif_netlink *owner; /* Nonnull: set MISROUTED. */
    bool misrouted; /* dpif_netlink_misrouted__() of the reply. */
};

static int
dp_reply(const void *msg, size_t len, void *aux_)
{
    struct dp_aux *aux = aux_;

    if (dpif_netlink_parse_dp(msg, len, &aux->dp)) {
        COVERAGE_INC(dpif_netlink_bad_reply);
        return EPROTO;
    }
    if (aux->owner) {
        aux->misrouted = dpif_netlink_misrouted__(aux->owner, &aux->dp);
    }
    aux->dp.name = NULL;
    aux->dp.per_cpu_pids = NULL;
    aux->found = true;
    aux->dp_ifindex = aux->dp.dp_ifindex;
    return 0;
}

static int
dpif_netlink_open(const struct dpif_class *class, const char *name,
                  bool create, struct dpif **dpifp, char **errp)
{
    struct dpif_netlink *dp = xzalloc(sizeof *dp);
    struct dp_aux aux;
    uint8_t req[512];
    char *err = NULL;
    int error;

    error = dpif_netlink_chan_open(&dp->chan);
    if (error) {
        nf_give_error(errp,
                      xasprintf("kernel datapath unavailable: cannot open a "
                                "generic netlink socket: %s",
                                nf_strerror(error)));
        free(dp);
        return error == EPROTONOSUPPORT ? EAFNOSUPPORT : error;
    }
    error = resolve_families(&dp->chan, &dp->fam, errp);
    if (error) {
        goto close_chan;
    }

    /* NEW needs an upcall pid; 0 (no upcalls) until recv_set(true). */
    size_t len = dpif_netlink_build_dp(
        req, sizeof req, dp->fam.dp, create ? OVS_DP_CMD_NEW : OVS_DP_CMD_GET,
        create ? NLM_F_ACK | NLM_F_ECHO : NLM_F_ACK, 0, name, 0,
        OVS_DP_F_UNALIGNED | OVS_DP_F_VPORT_PIDS);
    memset(&aux, 0, sizeof aux);
    error =
        dpif_netlink_chan_transact(&dp->chan, req, len, dp_reply, &aux, &err);
    if (!error && !aux.found) {
        error = EPROTO;
    }
    if (error) {
        if (error == EEXIST) {
            nf_give_error(errp,
                          xasprintf("%s: a network device or datapath of that "
                                    "name exists",
                                    name));
        } else if (error == ENODEV && !create) {
            nf_give_error(errp,
                          xasprintf("%s: no such kernel datapath", name));
        } else {
            nf_give_error(
                errp,
                xasprintf("%s: cannot %s the kernel datapath: %s%s%s", name,
                          create ? "create" : "open", nf_strerror(error),
                          err ? ": " : "", err ? err : ""));
        }
        free(err);
        goto close_chan;
    }
    dp->dp_ifindex = aux.dp_ifindex;
    atomic_init(&dp->last_handler, -1);
    atomic_init(&dp->flows_bound, FLOWS_UNKNOWN);
    pthread_mutex_init(&dp->mutex, NULL);
    dpif_init_base(&dp->up, class, name);
    *dpifp = &dp->up;
    return 0;

close_chan:
    dpif_netlink_chan_close(&dp->chan);
    free(dp);
    return error;
}

static void
dpif_netlink_close(struct dpif *dpif)
{
    struct dpif_netlink *dp = dpif_netlink_cast(dpif);

    dpif_netlink_close_upcalls(dp);
    dpif_netlink_chan_close(&dp->chan);
    pthread_mutex_destroy(&dp->mutex);
    dpif_uninit_base(&dp->up);
    free(dp);
}

int
dpif_netlink_transact(const struct dpif_netlink *dp_, void *req, size_t len,
                      reply_fn *cb, void *aux, char **errp)
{
    struct dpif_netlink *dp = (struct dpif_netlink *) dp_;

    pthread_mutex_lock(&dp->mutex);
    int error = dpif_netlink_chan_transact(&dp->chan, req, len, cb, aux, errp);
    pthread_mutex_unlock(&dp->mutex);
    return error;
}

static int
dpif_netlink_destroy(struct dpif *dpif, char **errp)
{
    struct dpif_netlink *dp = dpif_netlink_cast(dpif);
    uint8_t req[256];
    char *err = NULL;
    size_t len =
        dpif_netlink_build_dp(req, sizeof req, dp->fam.dp, OVS_DP_CMD_DEL,
                              NLM_F_ACK, dp->dp_ifindex, NULL, 0, 0);
    int error = dpif_netlink_transact(dp, req, len, NULL, NULL, &err);

    if (error) {
        nf_give_error(
            errp, xasprintf("%s: cannot delete the kernel datapath: %s%s%s",
                            dpif->name, nf_strerror(error), err ? ": " : "",
                            err ? err : ""));
    }
    free(err);
    return error;
}

static int
enumerate_reply(const void *msg, size_t len, void *aux)
{
    struct dpif_names *names = aux;
    struct dpif_netlink_dp dp;

    if (dpif_netlink_parse_dp(msg, len, &dp)) {
        COVERAGE_INC(dpif_netlink_bad_reply);
        return 0;
    }
    names->names =
        xrealloc(names->names, (names->n + 1) * sizeof *names->names);
    names->names[names->n++] = xstrdup(dp.name);
    return 0;
}

static int
dpif_netlink_enumerate(struct dpif_names *names)
{
    struct nl_chan c;
    uint8_t req[256];
    uint16_t family;
    int error;

    if (!module_present() || dpif_netlink_chan_open(&c)) {
        return 0; /* No kernel datapath: none to list. */
    }
    /* Only the datapath family: this runs often (see module_present()). */
    if (resolve_family(&c, OVS_DATAPATH_FAMILY, &family) || !family) {
        dpif_netlink_chan_close(&c);
        return 0;
    }
    size_t len = dpif_netlink_build_dp(req, sizeof req, family, OVS_DP_CMD_GET,
                                       NLM_F_DUMP, 0, NULL, 0, 0);
    error =
        dpif_netlink_chan_transact(&c, req, len, enumerate_reply, names, NULL);
    dpif_netlink_chan_close(&c);
    return error;
}

static int
dpif_netlink_get_stats(const struct dpif *dpif, struct dpif_dp_stats *stats)
{
    const struct dpif_netlink *dp = dpif_netlink_cast(dpif);
    struct dp_aux aux;
    uint8_t req[256];
    size_t len =
        dpif_netlink_build_dp(req, sizeof req, dp->fam.dp, OVS_DP_CMD_GET,
                              NLM_F_ACK, dp->dp_ifindex, NULL, 0, 0);

    memset(&aux, 0, sizeof aux);
    aux.owner = dp;
    int error = dpif_netlink_transact(dp, req, len, dp_reply, &aux, NULL);
    if (error) {
        return error;
    }
    stats->n_hit = aux.dp.stats.n_hit;
    stats->n_missed = aux.dp.stats.n_missed;
    stats->n_lost = aux.dp.stats.n_lost;
    stats->n_flows = aux.dp.stats.n_flows;
    atomic_store(&((struct dpif_netlink *) dp)->flows_bound,
                 (size_t) aux.dp.stats.n_flows);
    stats->n_masks = aux.dp.megaflow_stats.n_masks;
    stats->n_mask_hit = aux.dp.megaflow_stats.n_mask_hit;
    /* Upcalls on: they must go the way this handle set them up (per
     * vport or per CPU), to its own sockets. */
    stats->upcalls_misrouted = aux.misrouted;
    return 0;
}

/* ---------------------------------------------------------------------
 * Ports.
 * --------------------------------------------------------------------- */

static int
vport_reply(const void *msg, size_t len, void *aux_)
{
    struct vport_aux *aux = aux_;
    struct dpif_netlink_vport v;

    if (dpif_netlink_parse_vport(msg, len, &v)) {
        COVERAGE_INC(dpif_netlink_bad_reply);
        return EPROTO;
    }
    aux->ports.ports = xrealloc(aux->ports.ports,
                                (aux->ports.n + 1) * sizeof *aux->ports.ports);
    struct dpif_port *p = &aux->ports.ports[aux->ports.n++];
    p->port_no = v.port_no;
    p->name = xstrdup(v.name);
    p->type = xstrdup(dpif_netlink_vport_type_name(v.type));
    p->options =
        (v.has_dst_port ? xasprintf("dst_port=%u", v.dst_port) : xstrdup(""));
    aux->stats = v.stats;
    return 0;
}

/* The kernel says ENODEV for a port number or name it does not have;
 * dpif.h says ENOENT. */
static int
no_port(int error)
{
    return error == ENODEV ? ENOENT : error;
}

static int
dpif_netlink_port_add(struct dpif *dpif, const char *name, const char *type,
                      const char *options, uint32_t *port_no, char **errp)
{
    struct dpif_netlink *dp = dpif_netlink_cast(dpif);
    struct dpif_netlink_vport_req r;
    struct vport_aux aux;
    uint8_t req[512];
    char *err = NULL;
    int error;

    memset(&r, 0, sizeof r);
    error = dpif_netlink_port_type(type, options, &r.type, &r.dst_port, errp);
    if (error) {
        return error;
    }
    r.cmd = OVS_VPORT_CMD_NEW;
    r.flags = NLM_F_ACK | NLM_F_ECHO;
    r.dp_ifindex = dp->dp_ifindex;
    r.port_no = *port_no == DPIF_PORT_ANY ? UINT32_MAX : *port_no;
    r.name = name;
    r.has_upcall_pid = true; /* Required on NEW; 0 = no upcalls. */

    memset(&aux, 0, sizeof aux);
    pthread_mutex_lock(&dp->mutex);
    r.upcall_pid = dpif_netlink_port_pid__(dp);
    size_t len = dpif_netlink_build_vport(req, sizeof req, dp->fam.vport, &r);
    error = dpif_netlink_chan_transact(&dp->chan, req, len, vport_reply, &aux,
                                       &err);
    pthread_mutex_unlock(&dp->mutex);
    if (!error && aux.ports.n != 1) {
        error = EPROTO;
    }
    if (error) {
        const char *why = (error == ENODEV   ? "no such network device"
                           : error == EBUSY  ? "port number taken, or the "
                                               "device is in use (already a "
                                               "port or enslaved)"
                           : error == EEXIST ? "a device of that name exists"
                                             : nf_strerror(error));
        nf_give_error(errp,
                      xasprintf("%s: cannot add to kernel datapath %s: %s%s%s",
                                name, dpif->name, why, err ? ": " : "",
                                err ? err : ""));
    } else {
        *port_no = aux.ports.ports[0].port_no;
    }
    free(err);
    dpif_ports_free(&aux.ports);
    return error;
}

static int
dpif_netlink_port_del(struct dpif *dpif, uint32_t port_no, char **errp)
{
    struct dpif_netlink *dp = dpif_netlink_cast(dpif);
    struct dpif_netlink_vport_req r = {
        .cmd = OVS_VPORT_CMD_DEL,
        .flags = NLM_F_ACK,
        .dp_ifindex = dp->dp_ifindex,
        .port_no = port_no,
    };
    uint8_t req[256];
    size_t len = dpif_netlink_build_vport(req, sizeof req, dp->fam.vport, &r);
    int error = no_port(dpif_netlink_transact(dp, req, len, NULL, NULL, NULL));

    if (error) {
        nf_give_error(errp, xasprintf("port %" PRIu32 ": %s", port_no,
                                      error == ENOENT ? "no such port"
                                                      : nf_strerror(error)));
    }
    return error;
}

/* GET of one vport by number or name into AUX. */
static int
get_vport(const struct dpif_netlink *dp, uint32_t port_no, const char *name,
          struct vport_aux *aux)
{
    struct dpif_netlink_vport_req r = {
        .cmd = OVS_VPORT_CMD_GET,
        .flags = NLM_F_ACK,
        .dp_ifindex = dp->dp_ifindex,
        .port_no = name ? UINT32_MAX : port_no,
        .name = name,
    };
    uint8_t req[256];
    size_t len = dpif_netlink_build_vport(req, sizeof req, dp->fam.vport, &r);

    memset(aux, 0, sizeof *aux);
    if (!len) {
        return EINVAL; /* A name too long for the request. */
    }
    int error =
        no_port(dpif_netlink_transact(dp, req, len, vport_reply, aux, NULL));
    if (!error && aux->ports.n != 1) {
        error = EPROTO;
    }
    if (error) {
        dpif_ports_free(&aux->ports);
    }
    return error;
}

static int
dpif_netlink_port_query(const struct dpif *dpif, uint32_t port_no,
                        const char *name, struct dpif_port *port)
{
    struct vport_aux aux;
    int error = get_vport(dpif_netlink_cast(dpif), port_no, name, &aux);

    if (!error) {
        *port = aux.ports.ports[0];
        free(aux.ports.ports);
    }
    return error;
}

static int
cmp_ports(const void *a_, const void *b_)
{
    const struct dpif_port *a = a_, *b = b_;
    return a->port_no < b->port_no ? -1 : a->port_no > b->port_no;
}

/* Dumps DP's vports into AUX->ports, in port number order. */
int
dpif_netlink_dump_vports(const struct dpif_netlink *dp, struct vport_aux *aux)
{
    struct dpif_netlink_vport_req r = {
        .cmd = OVS_VPORT_CMD_GET,
        .flags = NLM_F_DUMP,
        .dp_ifindex = dp->dp_ifindex,
        .port_no = UINT32_MAX,
    };
    uint8_t req[256];
    size_t len = dpif_netlink_build_vport(req, sizeof req, dp->fam.vport, &r);

    memset(aux, 0, sizeof *aux);
    int error = dpif_netlink_transact(dp, req, len, vport_reply, aux, NULL);
    if (error) {
        dpif_ports_free(&aux->ports);
        return error;
    }
    /* The kernel dumps in hash order. */
    if (aux->ports.n) {
        qsort(aux->ports.ports, aux->ports.n, sizeof *aux->ports.ports,
              cmp_ports);
    }
    return 0;
}

static int
dpif_netlink_port_dump(const struct dpif *dpif, struct dpif_ports *ports)
{
    struct vport_aux aux;
    int error = dpif_netlink_dump_vports(dpif_netlink_cast(dpif), &aux);

    if (!error) {
        *ports = aux.ports;
    }
    return error;
}

static int
dpif_netlink_port_get_stats(const struct dpif *dpif, uint32_t port_no,
                            struct dpif_port_stats *stats)
{
    struct vport_aux aux;
    int error = get_vport(dpif_netlink_cast(dpif), port_no, NULL, &aux);

    if (error) {
        return error;
    }
    stats->rx_packets = aux.stats.rx_packets;
    stats->rx_bytes = aux.stats.rx_bytes;
    stats->rx_dropped = aux.stats.rx_dropped;
    stats->rx_errors = aux.stats.rx_errors;
    stats->tx_packets = aux.stats.tx_packets;
    stats->tx_bytes = aux.stats.tx_bytes;
    stats->tx_dropped = aux.stats.tx_dropped;
    stats->tx_errors = aux.stats.tx_errors;
    dpif_ports_free(&aux.ports);
    return 0;
}

static const struct dpif_class dpif_netlink_class = {
    .type = "system",
    .open = dpif_netlink_open,
    .close = dpif_netlink_close,
    .destroy = dpif_netlink_destroy,
    .enumerate = dpif_netlink_enumerate,
    .get_stats = dpif_netlink_get_stats,
    .port_add = dpif_netlink_port_add,
    .port_del = dpif_netlink_port_del,
    .port_query = dpif_netlink_port_query,
    .port_dump = dpif_netlink_port_dump,
    .port_get_stats = dpif_netlink_port_get_stats,
    .port_set_config = NULL, /* dst_port is fixed at creation. */
    .flow_put = dpif_netlink_flow_put,
    .flow_put_batch = dpif_netlink_flow_put_batch,
    .flow_get = dpif_netlink_flow_get,
    .flow_del = dpif_netlink_flow_del,
    .flow_flush = dpif_netlink_flow_flush,
    .flow_dump_start = dpif_netlink_flow_dump_start,
    .flow_dump_next = dpif_netlink_flow_dump_next,
    .flow_dump_done = dpif_netlink_flow_dump_done,
    .flow_get_stats = dpif_netlink_flow_get_stats,
    .execute = dpif_netlink_execute,
    .execute_batch = dpif_netlink_execute_batch,
    .recv_set = dpif_netlink_recv_set,
    .recv = dpif_netlink_recv,
    .recv_fd = dpif_netlink_recv_fd,
    .handlers_set = dpif_netlink_handlers_set,
    .recv_handler = dpif_netlink_recv_handler,
    .recv_handler_fd = dpif_netlink_recv_handler_fd,
    .set_flow_limit = dpif_netlink_set_flow_limit,
    .meter_get_features = dpif_netlink_meter_get_features,
    .meter_set = dpif_netlink_meter_set,
    .meter_get = dpif_netlink_meter_get,
    .meter_del = dpif_netlink_meter_del,
};

/* ---------------------------------------------------------------------
 * What only this datapath type offers (dpif-netlink.h).
 * --------------------------------------------------------------------- */

static struct dpif_netlink *
netlink_cast(const struct dpif *dpif)
{
    return (dpif && dpif->class == &dpif_netlink_class
                ? dpif_netlink_cast(dpif)
                : NULL);
}

int
dpif_netlink_user_features(const struct dpif *dpif, uint32_t *features)
{
    const struct dpif_netlink *dp = netlink_cast(dpif);
    struct dp_aux aux;
    uint8_t req[256];

    *features = 0;
    if (!dp) {
        return EINVAL;
    }
    size_t len =
        dpif_netlink_build_dp(req, sizeof req, dp->fam.dp, OVS_DP_CMD_GET,
                              NLM_F_ACK, dp->dp_ifindex, NULL, 0, 0);
    memset(&aux, 0, sizeof aux);
    int error = dpif_netlink_transact(dp, req, len, dp_reply, &aux, NULL);
    if (!error && !aux.found) {
        error = EPROTO;
    }
    if (!error) {
        *features = aux.dp.user_features;
    }
    return error;
}

const char *
dpif_netlink_dispatch_mode(const struct dpif *dpif)
{
    uint32_t features;

    if (dpif_netlink_user_features(dpif, &features)) {
        return NULL;
    }
    return (features & OVS_DP_F_DISPATCH_UPCALL_PER_CPU
                ? "per-cpu dispatch mode"
                : "per-vport dispatch mode");
}

int
dpif_netlink_last_upcall_handler(const struct dpif *dpif)
{
    const struct dpif_netlink *dp = netlink_cast(dpif);

    return dp ? atomic_load(&dp->last_handler) : -1;
}

static void
do_register(void)
{
    int error = dpif_register_class(&dpif_netlink_class);

    if (error && error != EEXIST) {
        VLOG_WARN("cannot register the system datapath type: %s",
                  nf_strerror(error));
    }
}

void
dpif_netlink_register(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, do_register);
}
