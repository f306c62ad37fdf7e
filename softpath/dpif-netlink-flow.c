/* dpif-netlink-flow.c: flows and packet execution of the
 * "system" datapath type (openvswitch.ko's ovs_flow and ovs_packet
 * families).  See dpif-netlink.h.
 *
 * Flows are named by their ufid in every request, so the kernel finds
 * them without comparing keys.  Keys and masks go to the kernel as nicflow
 * gives them (the same netlink format); what comes back is filtered to
 * the attributes nicflow's flow format knows (dpif_netlink_filter_key()),
 * because the kernel reports conntrack fields of every flow whether or
 * not they are matched. */
#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "lib/coverage.h"
#include "lib/flow.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/dpif-netlink-msg.h"
#include "softpath/dpif-netlink-private.h"
#include "softpath/odp.h"

VLOG_DEFINE_THIS_MODULE(dpif_netlink_flow);

COVERAGE_DEFINE(dpif_netlink_flow_bad_reply);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

/* ---------------------------------------------------------------------
 * Replies.
 * --------------------------------------------------------------------- */

/* Copies the parsed kernel flow F into OUT (a dpif_flow the caller
 * frees), naming it UFID when the reply carries none. */
static void
flow_from_reply(const struct dpif_netlink_flow *f,
                const struct dpif_ufid *ufid, struct dpif_flow *out)
{
    memset(out, 0, sizeof *out);
    if (f->key) {
        dpif_netlink_filter_key(f->key, f->key_len, &out->key);
    }
    if (f->has_ufid) {
        memcpy(&out->ufid, f->ufid, sizeof out->ufid);
    } else if (ufid) {
        out->ufid = *ufid;
    } else {
        /* A flow put without a ufid (by another program): name it by the
         * key as nicflow sees it, stable from one dump to the next. */
        dpif_ufid_from_key(out->key.data, out->key.len, &out->ufid);
    }
    if (f->mask) {
        dpif_netlink_filter_key(f->mask, f->mask_len, &out->mask);
    }
    if (f->actions) {
        buf_put(&out->actions, f->actions, f->actions_len);
    }
    out->stats.n_packets = f->stats.n_packets;
    out->stats.n_bytes = f->stats.n_bytes;
    out->stats.used = (long long) f->used;
    out->stats.tcp_flags = f->tcp_flags;
}

/* What a flow reply callback gathers: the first flow of the replies. */
struct flow_aux {
    const struct dpif_ufid *ufid; /* Name for a reply without one. */
    bool found;
    struct dpif_flow flow; /* Owned once FOUND. */
};

static int
flow_reply(const void *msg, size_t len, void *aux_)
{
    struct flow_aux *aux = aux_;
    struct dpif_netlink_flow f;

    if (dpif_netlink_parse_flow(msg, len, &f)) {
        COVERAGE_INC(dpif_netlink_flow_bad_reply);
        return EPROTO;
    }
    if (!aux->found) {
        flow_from_reply(&f, aux->ufid, &aux->flow);
        aux->found = true;
    }
    return 0;
}

/* Sends the flow request R on DP and gathers its reply in AUX (which the
 * caller has zeroed, and frees AUX->flow of if FOUND). */
static int
flow_transact(const struct dpif_netlink *dp, struct dpif_netlink_flow_req *r,
              struct flow_aux *aux, char **errp)
{
    size_t size = dpif_netlink_flow_req_size(r);
    uint8_t *req = xmalloc(size);

    r->dp_ifindex = dp->dp_ifindex;
    size_t len = dpif_netlink_build_flow(req, size, dp->fam.flow, r);
    int error =
        (len ? dpif_netlink_transact(dp, req, len, flow_reply, aux, errp)
             : EMSGSIZE);
    free(req);
    return error;
}

/* Copies ACTIONS into OUT with every userspace() action that names no
 * pid sent to DP's upcall socket (see dpif_netlink_fill_userspace_pids()
 * and dpif_netlink_action_pid__(); with upcalls off they keep pid 0, and
 * the kernel drops them). */
static uint32_t
upcall_pid(struct dpif_netlink *dp)
{
    pthread_mutex_lock(&dp->mutex);
    uint32_t pid = dpif_netlink_action_pid__(dp);
    pthread_mutex_unlock(&dp->mutex);
    return pid;
}

/* copy_actions() with DP's upcall pid PID already read. */
static void
copy_actions_pid(uint32_t pid, const void *actions, size_t len,
                 struct buf *out)
{
    buf_put(out, actions ? actions : "", len);
    if (pid && len) {
        dpif_netlink_fill_userspace_pids(out->data, out->len, pid);
    }
}

static void
copy_actions(struct dpif_netlink *dp, const void *actions, size_t len,
             struct buf *out)
{
    copy_actions_pid(upcall_pid(dp), actions, len, out);
}

/* ---------------------------------------------------------------------
 * Flows.
 * --------------------------------------------------------------------- */

/* Whether DP already holds as many flows as the handle's limit allows. */
static size_t flow_room(struct dpif_netlink *, size_t n);
static void count_creates(struct dpif_netlink *, size_t n);

static bool
at_flow_limit(struct dpif_netlink *dp)
{
    return !flow_room(dp, 1);
}

/* The message of a put that failed with ERROR (EXT: the kernel's reason,
 * or NULL); EEXIST and ENOENT are answers, not failures, and get none. */
static void
put_error_msg(const struct dpif *dpif, int error, const char *ext, char **errp)
{
    if (error && error != EEXIST && error != ENOENT) {
        nf_give_error(
            errp, xasprintf("kernel datapath %s refused the flow: %s%s%s%s",
                            dpif->name, nf_strerror(error), ext ? ": " : "",
                            ext ? ext : "",
                            error == EINVAL && !ext
                                ? " (the kernel logs why: see dmesg)"
                                : ""));
    }
}

/* The message of a put refused because DP holds its flow limit. */
static char *
limit_msg(const struct dpif_netlink *dp)
{
    return xasprintf("%s: flow limit of %zu reached", dp->up.name,
                     atomic_load(&dp->flow_limit));
}

int
dpif_netlink_flow_put(struct dpif *dpif, const struct dpif_flow_put *put,
                      char **errp)
{
    struct dpif_netlink *dp = dpif_netlink_cast(dpif);
    bool create = put->flags & DPIF_FP_CREATE;
    bool modify = put->flags & DPIF_FP_MODIFY;
    struct flow_aux aux;
    char *err = NULL;
    int error;

    error = dpif_netlink_check_actions(put->actions, put->actions_len, errp);
    if (error) {
        return error;
    }

    /* With a mask, complete the key the way the kernel wants it (see
     * dpif_netlink_complete_key()); without one every key attribute is
     * exact, and an added one would narrow the flow. */
    struct buf key = BUF_INITIALIZER;
    if (put->mask) {
        dpif_netlink_complete_key(put->key, put->key_len, &key);
    } else {
        buf_put(&key, put->key, put->key_len);
    }
    struct buf acts = BUF_INITIALIZER;
    copy_actions(dp, put->actions, put->actions_len, &acts);
    struct dpif_netlink_flow_req r = {
        .key = key.data,
        .key_len = key.len,
        .mask = put->mask,
        .mask_len = put->mask_len,
        /* An empty attribute is "drop": the kernel wants one on NEW. */
        .actions = acts.len ? (const void *) acts.data : "",
        .actions_len = acts.len,
        .ufid = put->ufid,
        /* The echo carries the replaced flow's counters: asked for only
         * when they are wanted, as the kernel otherwise builds no reply
         * at all. */
        .flags = NLM_F_ACK | (put->stats ? NLM_F_ECHO : 0),
    };

    /* The kernel's commands: NEW with NLM_F_CREATE only creates (EEXIST
     * if the flow is there: it reads NLM_F_CREATE as "exclusive"), NEW
     * without it creates or replaces the actions, SET only modifies
     * (ENOENT if missing) and can zero the counters. */
    bool full = at_flow_limit(dp);
    bool try_set =
        modify && (!create || full || (put->flags & DPIF_FP_ZERO_STATS));
    memset(&aux, 0, sizeof aux);
    aux.ufid = put->ufid;
    if (try_set) {
        r.cmd = OVS_FLOW_CMD_SET;
        r.clear = put->flags & DPIF_FP_ZERO_STATS;
        error = flow_transact(dp, &r, &aux, &err);
        if (error != ENOENT || !create) {
            goto out;
        }
        free(err);
        err = NULL;
    }
    if (full) {
        nf_give_error(errp, limit_msg(dp));
        buf_destroy(&key);
        buf_destroy(&acts);
        return EFBIG;
    }
    r.cmd = OVS_FLOW_CMD_NEW;
    r.clear = false;
    r.flags |= modify ? 0 : NLM_F_CREATE;
    count_creates(dp, 1);
    error = flow_transact(dp, &r, &aux, &err);

out:
    if (!error && put->stats && aux.found) {
        *put->stats = aux.flow.stats;
    } else if (put->stats) {
        memset(put->stats, 0, sizeof *put->stats);
    }
    if (aux.found) {
        dpif_flow_destroy(&aux.flow);
    }
    put_error_msg(dpif, error, err, errp);
    free(err);
    buf_destroy(&key);
    buf_destroy(&acts);
    return error;
}

/* How many more flows DP's flow limit allows, for a batch of N creates:
 * SIZE_MAX without a limit (or when the count cannot be read, as
 * at_flow_limit() then says "not full").  The datapath is asked for its
 * count only when the bound kept since the last count (flows_bound)
 * comes within N of the limit: a full datapath is found as surely, and
 * far from the limit a batch of puts costs one round trip, not two.
 * (Flows put by other programs since the last count are not in the
 * bound; the revalidator's periodic get_stats() brings them in.) */
static size_t
flow_room(struct dpif_netlink *dp, size_t n)
{
    struct dpif_dp_stats st;
    size_t limit = atomic_load(&dp->flow_limit);
    size_t bound = atomic_load(&dp->flows_bound);

    if (!limit) {
        return SIZE_MAX;
    }
    if (bound != FLOWS_UNKNOWN && bound < limit && limit - bound > n) {
        return limit - bound;
    }
    memset(&st, 0, sizeof st);
    if (dp->up.class->get_stats(&dp->up, &st)) {
        return SIZE_MAX;
    }
    return st.n_flows >= limit ? 0 : limit - st.n_flows;
}

/* N create puts were sent to DP. */
static void
count_creates(struct dpif_netlink *dp, size_t n)
{
    size_t bound = atomic_load(&dp->flows_bound);

    while (bound != FLOWS_UNKNOWN
           && !atomic_compare_exchange_weak(&dp->flows_bound, &bound,
                                            bound + n)) {
        continue;
    }
}

/* The state of a put batch: which put each request of BATCH is. */
struct put_batch {
    struct dpif_netlink_batch batch;
    const struct dpif_flow_put *puts;
    size_t *put_of; /* put_of[request index] = put index. */
    bool big;       /* Some request asks for an echo. */
    int *errors;    /* The caller's. */
    char **errs;    /* The caller's, or NULL. */
};

/* The echo of a put that wants the replaced flow's counters. */
static int
put_reply(size_t idx, const void *msg, size_t len, void *aux)
{
    struct put_batch *pb = aux;
    const struct dpif_flow_put *put = &pb->puts[pb->put_of[idx]];
    struct dpif_netlink_flow f;

    if (dpif_netlink_parse_flow(msg, len, &f)) {
        COVERAGE_INC(dpif_netlink_flow_bad_reply);
        return EPROTO;
    }
    if (put->stats) {
        put->stats->n_packets = f.stats.n_packets;
        put->stats->n_bytes = f.stats.n_bytes;
        put->stats->used = (long long) f.used;
        put->stats->tcp_flags = f.tcp_flags;
    }
    return 0;
}

/* Sends the requests gathered in PB and stores their outcomes. */
static void
put_batch_flush(struct dpif_netlink *dp, struct put_batch *pb)
{
    struct dpif_netlink_batch *b = &pb->batch;

    dpif_netlink_transact_batch(dp, b, pb->big, put_reply, pb);
    for (size_t k = 0; k < b->n; k++) {
        const struct dpif_netlink_batch_item *it = &b->items[k];
        size_t i = pb->put_of[k];

        pb->errors[i] = it->error;
        if (it->error && pb->puts[i].stats) {
            memset(pb->puts[i].stats, 0, sizeof *pb->puts[i].stats);
        }
        put_error_msg(&dp->up, it->error, it->ext_msg,
                      pb->errs ? &pb->errs[i] : NULL);
    }
    dpif_netlink_batch_clear(b);
    pb->big = false;
}

void
dpif_netlink_flow_put_batch(struct dpif *dpif,
                            const struct dpif_flow_put *puts, size_t n,
                            int *errors, char **errs)
{
    struct dpif_netlink *dp = dpif_netlink_cast(dpif);
    struct put_batch pb = {
        .puts = puts,
        .put_of = xmalloc(n * sizeof *pb.put_of),
        .errors = errors,
        .errs = errs,
    };
    struct buf key = BUF_INITIALIZER, acts = BUF_INITIALIZER;
    uint32_t pid = upcall_pid(dp);
    /* One look at the flow count for the whole batch: each create counts
     * against the limit (one that finds its flow there, EEXIST, too). */
    size_t room = flow_room(dp, n);
    size_t n_creates = 0;

    dpif_netlink_batch_init(&pb.batch);
    for (size_t i = 0; i < n; i++) {
        const struct dpif_flow_put *put = &puts[i];
        bool create = put->flags & DPIF_FP_CREATE;
        bool modify = put->flags & DPIF_FP_MODIFY;
        bool full = !room;
        char **errp = errs ? &errs[i] : NULL;

        if (errp) {
            *errp = NULL;
        }
        if (put->stats) {
            memset(put->stats, 0, sizeof *put->stats);
        }
        errors[i] =
            dpif_netlink_check_actions(put->actions, put->actions_len, errp);
        if (errors[i]) {
            continue;
        }
        bool try_set =
            modify && (!create || full || (put->flags & DPIF_FP_ZERO_STATS));
        if (try_set && create) {
            /* SET, then NEW if the flow is missing: the second request
             * depends on the first's answer, so this put goes alone, in
             * its place in the order. */
            put_batch_flush(dp, &pb);
            errors[i] = dpif_netlink_flow_put(dpif, put, errp);
            room = flow_room(dp, n - i);
            continue;
        }
        if (full && !try_set) {
            nf_give_error(errp, limit_msg(dp));
            errors[i] = EFBIG;
            continue;
        }

        buf_clear(&key);
        if (put->mask) {
            dpif_netlink_complete_key(put->key, put->key_len, &key);
        } else {
            buf_put(&key, put->key, put->key_len);
        }
        buf_clear(&acts);
        copy_actions_pid(pid, put->actions, put->actions_len, &acts);
        struct dpif_netlink_flow_req r = {
            .cmd = try_set ? OVS_FLOW_CMD_SET : OVS_FLOW_CMD_NEW,
            .flags = (NLM_F_ACK | (put->stats ? NLM_F_ECHO : 0)
                      | (!try_set && !modify ? NLM_F_CREATE : 0)),
            .dp_ifindex = dp->dp_ifindex,
            .key = key.data,
            .key_len = key.len,
            .mask = put->mask,
            .mask_len = put->mask_len,
            .actions = acts.len ? (const void *) acts.data : "",
            .actions_len = acts.len,
            .ufid = put->ufid,
            .clear = try_set && (put->flags & DPIF_FP_ZERO_STATS),
        };
        size_t size = dpif_netlink_flow_req_size(&r);
        void *req = dpif_netlink_batch_reserve(&pb.batch, size);
        size_t idx = dpif_netlink_batch_commit(
            &pb.batch, dpif_netlink_build_flow(req, size, dp->fam.flow, &r));
        if (idx == SIZE_MAX) {
            errors[i] = EMSGSIZE;
            put_error_msg(dpif, EMSGSIZE, NULL, errp);
            continue;
        }
        pb.put_of[idx] = i;
        pb.big = pb.big || put->stats;
        if (!try_set) {
            n_creates++;
            if (room != SIZE_MAX) {
                room--;
            }
        }
    }
    count_creates(dp, n_creates);
    put_batch_flush(dp, &pb);
    dpif_netlink_batch_destroy(&pb.batch);
    buf_destroy(&key);
    buf_destroy(&acts);
    free(pb.put_of);
}

int
dpif_netlink_flow_get(const struct dpif *dpif, const struct dpif_ufid *ufid,
                      const void *key, size_t key_len, struct dpif_flow *flow)
{
    struct dpif_netlink_flow_req r = {
        .cmd = OVS_FLOW_CMD_GET,
        .flags = NLM_F_ACK,
        .ufid = ufid,
        .key = ufid ? NULL : key,
        .key_len = ufid ? 0 : key_len,
    };
    struct flow_aux aux;

    memset(&aux, 0, sizeof aux);
    aux.ufid = ufid;
    int error = flow_transact(dpif_netlink_cast(dpif), &r, &aux, NULL);
    if (!error && !aux.found) {
        error = ENOENT;
    }
    if (error) {
        if (aux.found) {
            dpif_flow_destroy(&aux.flow);
        }
        return error;
    }
    *flow = aux.flow;
    return 0;
}

int
dpif_netlink_flow_del(struct dpif *dpif, const struct dpif_ufid *ufid,
                      const void *key, size_t key_len,
                      struct dpif_flow_stats *stats)
{
    /* The echo carries the final counters; nothing else is needed. */
    struct dpif_netlink_flow_req r = {
        .cmd = OVS_FLOW_CMD_DEL,
        .flags = NLM_F_ACK | NLM_F_ECHO,
        .ufid = ufid,
        .key = ufid ? NULL : key,
        .key_len = ufid ? 0 : key_len,
        .ufid_flags = ufid ? OVS_UFID_F_OMIT_KEY | OVS_UFID_F_OMIT_MASK
                                 | OVS_UFID_F_OMIT_ACTIONS
                           : 0,
    };
    struct flow_aux aux;

    memset(&aux, 0, sizeof aux);
    aux.ufid = ufid;
    int error = flow_transact(dpif_netlink_cast(dpif), &r, &aux, NULL);
    if (stats) {
        memset(stats, 0, sizeof *stats);
        if (!error && aux.found) {
            *stats = aux.flow.stats;
        }
    }
    if (aux.found) {
        dpif_flow_destroy(&aux.flow);
    }
    return error;
}

int
dpif_netlink_flow_flush(struct dpif *dpif)
{
    /* DEL with neither key nor ufid flushes the table. */
    struct dpif_netlink_flow_req r = {
        .cmd = OVS_FLOW_CMD_DEL,
        .flags = NLM_F_ACK,
    };
    struct flow_aux aux;

    memset(&aux, 0, sizeof aux);
    return flow_transact(dpif_netlink_cast(dpif), &r, &aux, NULL);
}

/* What a terse GET answers: the counters of request IDX's flow. */
struct stats_aux {
    struct dpif_flow_stats *stats;
    bool *found;
};

static int
stats_reply(size_t idx, const void *msg, size_t len, void *aux_)
{
    struct stats_aux *aux = aux_;
    struct dpif_netlink_flow f;

    if (dpif_netlink_parse_flow(msg, len, &f)) {
        COVERAGE_INC(dpif_netlink_flow_bad_reply);
        return EPROTO;
    }
    aux->stats[idx].n_packets = f.stats.n_packets;
    aux->stats[idx].n_bytes = f.stats.n_bytes;
    aux->stats[idx].used = (long long) f.used;
    aux->stats[idx].tcp_flags = f.tcp_flags;
    aux->found[idx] = true;
    return 0;
}

void
dpif_netlink_flow_get_stats(const struct dpif *dpif,
                            const struct dpif_ufid *ufids, size_t n,
                            struct dpif_flow_stats *stats, bool *found)
{
    const struct dpif_netlink *dp = dpif_netlink_cast(dpif);
    struct stats_aux aux = { stats, found };
    struct dpif_netlink_batch b;

    /* Terse GETs without NLM_F_ACK, all in one batch: each is answered
     * by exactly one message, its flow's counters or an error. */
    dpif_netlink_batch_init(&b);
    for (size_t i = 0; i < n; i++) {
        struct dpif_netlink_flow_req r = {
            .cmd = OVS_FLOW_CMD_GET,
            .dp_ifindex = dp->dp_ifindex,
            .ufid = &ufids[i],
            .ufid_flags = OVS_UFID_F_OMIT_KEY | OVS_UFID_F_OMIT_MASK
                          | OVS_UFID_F_OMIT_ACTIONS,
        };
        size_t size = dpif_netlink_flow_req_size(&r);
        void *req = dpif_netlink_batch_reserve(&b, size);

        memset(&stats[i], 0, sizeof stats[i]);
        found[i] = false;
        /* A ufid-only request always fits. */
        dpif_netlink_batch_commit(
            &b, dpif_netlink_build_flow(req, size, dp->fam.flow, &r));
    }
    dpif_netlink_transact_batch(dp, &b, false, stats_reply, &aux);
    for (size_t i = 0; i < b.n; i++) {
        if (b.items[i].error) {
            found[i] = false;
            memset(&stats[i], 0, sizeof stats[i]);
        }
    }
    dpif_netlink_batch_destroy(&b);
}

/* ---------------------------------------------------------------------
 * Flow dumps.
 *
 * A dump has a socket of its own and reads the kernel's datagrams as
 * next() needs them; a datagram holds several flows, so the position in
 * the current one is kept between calls.
 * --------------------------------------------------------------------- */

struct dpif_netlink_flow_dump {
    struct dpif_flow_dump up;
    struct nl_chan chan;
    uint32_t seq;
    bool done;
    size_t ofs, len; /* Unread part of the datagram in CHAN.rx. */
};

struct dpif_flow_dump *
dpif_netlink_flow_dump_start(const struct dpif *dpif)
{
    const struct dpif_netlink *dp = dpif_netlink_cast(dpif);
    struct dpif_netlink_flow_dump *d = xzalloc(sizeof *d);
    struct dpif_netlink_flow_req r = {
        .cmd = OVS_FLOW_CMD_GET,
        .flags = NLM_F_DUMP,
        .dp_ifindex = dp->dp_ifindex,
    };
    uint8_t req[256];

    d->up.class = dpif->class;
    size_t len = dpif_netlink_build_flow(req, sizeof req, dp->fam.flow, &r);
    if (dpif_netlink_chan_open(&d->chan)) {
        /* An empty dump: next() returns 0 at once. */
        VLOG_WARN_RL(&rl, "%s: cannot open a socket for a flow dump",
                     dpif->name);
        d->done = true;
        return &d->up;
    }
    struct nlmsghdr *nlh = (struct nlmsghdr *) req;
    d->seq = nlh->nlmsg_seq = ++d->chan.seq;
    if (mnl_socket_sendto(d->chan.nl, req, len) < 0) {
        VLOG_WARN_RL(&rl, "%s: flow dump request failed: %s", dpif->name,
                     nf_strerror(errno));
        d->done = true;
    }
    return &d->up;
}

size_t
dpif_netlink_flow_dump_next(struct dpif_flow_dump *dump,
                            struct dpif_flow *flows, size_t max)
{
    struct dpif_netlink_flow_dump *d =
        CONTAINER_OF(dump, struct dpif_netlink_flow_dump, up);
    size_t n = 0;

    while (n < max && !d->done) {
        if (d->ofs >= d->len) {
            ssize_t got =
                recv(mnl_socket_get_fd(d->chan.nl), d->chan.rx, RX_SIZE, 0);
            if (got < 0 && errno == EINTR) {
                continue;
            }
            if (got <= 0) {
                VLOG_WARN_RL(&rl, "flow dump: %s",
                             got ? nf_strerror(errno) : "connection closed");
                d->done = true;
                break;
            }
            d->ofs = 0;
            d->len = (size_t) got;
        }
        const struct nlmsghdr *m = (const void *) (d->chan.rx + d->ofs);
        size_t left = d->len - d->ofs;
        if (left < sizeof *m || m->nlmsg_len < sizeof *m
            || m->nlmsg_len > left) {
            d->ofs = d->len; /* Malformed rest of the datagram. */
            COVERAGE_INC(dpif_netlink_flow_bad_reply);
            continue;
        }
        d->ofs += NF_MIN(left, MNL_ALIGN(m->nlmsg_len));
        if (m->nlmsg_seq != d->seq) {
            continue;
        }
        if (m->nlmsg_type == NLMSG_DONE || m->nlmsg_type == NLMSG_ERROR) {
            int error = 0;
            if (m->nlmsg_type == NLMSG_ERROR
                && !dpif_netlink_parse_error(m, left, &error, NULL) && error) {
                VLOG_WARN_RL(&rl, "flow dump: %s", nf_strerror(error));
            }
            d->done = true;
            break;
        }
        struct dpif_netlink_flow f;
        if (dpif_netlink_parse_flow(m, m->nlmsg_len, &f)) {
            COVERAGE_INC(dpif_netlink_flow_bad_reply);
            continue;
        }
        flow_from_reply(&f, NULL, &flows[n++]);
    }
    return n;
}

void
dpif_netlink_flow_dump_done(struct dpif_flow_dump *dump)
{
    struct dpif_netlink_flow_dump *d =
        CONTAINER_OF(dump, struct dpif_netlink_flow_dump, up);

    /* Closing the socket abandons whatever the kernel still had to
     * send. */
    dpif_netlink_chan_close(&d->chan);
    free(d);
}

/* ---------------------------------------------------------------------
 * Execution.
 * --------------------------------------------------------------------- */

int
dpif_netlink_execute(struct dpif *dpif, const struct dpif_execute *exec,
                     char **errp)
{
    struct dpif_netlink *dp = dpif_netlink_cast(dpif);
    char *err = NULL;
    int error;

    error = dpif_netlink_check_actions(exec->actions, exec->actions_len, errp);
    if (error) {
        return error;
    }
    struct buf acts = BUF_INITIALIZER;
    copy_actions(dp, exec->actions, exec->actions_len, &acts);
    size_t size = dpif_netlink_execute_size(exec->packet->size, acts.len);
    uint8_t *req = xmalloc(size);
    size_t len = dpif_netlink_build_execute(
        req, size, dp->fam.packet, dp->dp_ifindex, exec->packet->data,
        exec->packet->size, exec->in_port,
        acts.len ? (const void *) acts.data : "", acts.len);
    error =
        len ? dpif_netlink_transact(dp, req, len, NULL, NULL, &err) : EMSGSIZE;
    free(req);
    buf_destroy(&acts);
    if (error) {
        nf_give_error(errp,
                      xasprintf("kernel datapath %s could not execute the "
                                "packet: %s%s%s",
                                dpif->name, nf_strerror(error),
                                err ? ": " : "", err ? err : ""));
    }
    free(err);
    return error;
}

/* The message of an execution that failed with ERROR. */
static char *
execute_error_msg(const struct dpif *dpif, int error, const char *ext)
{
    return xasprintf("kernel datapath %s could not execute the packet: "
                     "%s%s%s",
                     dpif->name, nf_strerror(error), ext ? ": " : "",
                     ext ? ext : "");
}

int
dpif_netlink_execute_batch(struct dpif *dpif, const struct dpif_execute *execs,
                           size_t n, char **errp)
{
    struct dpif_netlink *dp = dpif_netlink_cast(dpif);
    struct dpif_netlink_batch b;
    struct buf acts = BUF_INITIALIZER;
    uint32_t pid = upcall_pid(dp);
    /* The first failure in the order of EXECS: one refused here (FIRST_I)
     * or one the kernel refused (an item of B). */
    size_t first_i = SIZE_MAX;
    char *first_err = NULL;
    int first = 0;
    size_t *exec_of = xmalloc(n * sizeof *exec_of);

    dpif_netlink_batch_init(&b);
    for (size_t i = 0; i < n; i++) {
        const struct dpif_execute *e = &execs[i];
        char *err = NULL;
        int error =
            dpif_netlink_check_actions(e->actions, e->actions_len, &err);
        if (!error) {
            buf_clear(&acts);
            copy_actions_pid(pid, e->actions, e->actions_len, &acts);
            size_t size = dpif_netlink_execute_size(e->packet->size, acts.len);
            void *req = dpif_netlink_batch_reserve(&b, size);
            size_t idx = dpif_netlink_batch_commit(
                &b, dpif_netlink_build_execute(
                        req, size, dp->fam.packet, dp->dp_ifindex,
                        e->packet->data, e->packet->size, e->in_port,
                        acts.len ? (const void *) acts.data : "", acts.len));
            if (idx != SIZE_MAX) {
                exec_of[idx] = i;
                continue;
            }
            error = EMSGSIZE;
            err = execute_error_msg(dpif, error, NULL);
        }
        if (first_i == SIZE_MAX) {
            first_i = i;
            first = error;
            first_err = err;
        } else {
            free(err);
        }
    }
    dpif_netlink_transact_batch(dp, &b, false, NULL, NULL);
    for (size_t k = 0; k < b.n; k++) {
        const struct dpif_netlink_batch_item *it = &b.items[k];
        if (it->error && exec_of[k] < first_i) {
            free(first_err);
            first_i = exec_of[k];
            first = it->error;
            first_err = execute_error_msg(dpif, it->error, it->ext_msg);
            break;
        }
    }
    if (first) {
        nf_give_error(errp, first_err);
    } else {
        free(first_err);
    }
    dpif_netlink_batch_destroy(&b);
    buf_destroy(&acts);
    free(exec_of);
    return first;
}

int
dpif_netlink_set_flow_limit(struct dpif *dpif, size_t limit)
{
    struct dpif_netlink *dp = dpif_netlink_cast(dpif);

    atomic_store(&dp->flow_limit, limit);
    /* A new limit is checked against a fresh count. */
    atomic_store(&dp->flows_bound, FLOWS_UNKNOWN);
    return 0;
}
