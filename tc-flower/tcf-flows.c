/* tcf-flows.c: the tc provider's flow calls: put (batched, echo checked),
 * del, stats (one dump per port), check, reconcile and flush.
 *
 * A put of a ufid the provider already holds replaces its filter: in place
 * (NLM_F_REPLACE on the same priority and handle) when the new filter has
 * the old one's priority, that is the same protocol and mask on the same
 * port; otherwise the new filter is added first and the old one deleted
 * after it is in, so that the flow is never out of the device meanwhile.
 *
 * Every filter added is echoed back by the kernel and compared with the
 * request (tcf_filter_agrees()); one that differs is deleted again and the
 * flow refused with OFFLOAD_R_MISMATCH.  Kernel refusals carry the errno
 * name and the kernel's extack text: "tc: kernel: EOPNOTSUPP: <text>". */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "tc-flower/tcf-police.h"
#include "tc-flower/tcf-private.h"
#include "tc-flower/tcf-translate.h"

VLOG_DEFINE_THIS_MODULE(tcf_flows);

COVERAGE_DEFINE(tcf_put);
COVERAGE_DEFINE(tcf_put_replace);
COVERAGE_DEFINE(tcf_put_refused);
COVERAGE_DEFINE(tcf_put_kernel_error);
COVERAGE_DEFINE(tcf_put_mismatch);
COVERAGE_DEFINE(tcf_put_handle_taken);
COVERAGE_DEFINE(tcf_del);
COVERAGE_DEFINE(tcf_stats_dump);
COVERAGE_DEFINE(tcf_reconcile_adopt);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(20, 20);

/* Flows deleted, replaced or looked at in one netlink batch at most: their
 * echoes are kept in memory together. */
#define CHUNK 64

/* Bookkeeping (tcf_state.mutex held unless said otherwise). */

struct tcf_flow *
tcf_flow_find(const struct offload_ufid *ufid)
{
    struct tcf_flow *f;

    HMAP_FOR_EACH_WITH_HASH (f, by_ufid, tcf_ufid_hash(ufid),
                             &tcf_state.flows) {
        if (!memcmp(&f->ufid, ufid, sizeof *ufid)) {
            return f;
        }
    }
    return NULL;
}

static void
account(struct tcf_flow *f, int delta)
{
    unsigned *n = f->in_hw ? &f->port->n_in_hw : &f->port->n_not_in_hw;

    *n += delta;
}

/* Takes one of TP's rule slots unless LIMIT (nonzero) are taken.  Atomic,
 * so that it holds even for a caller without the mutex. */
static bool
reserve_slot(struct tcf_port *tp, unsigned limit)
{
    unsigned n = atomic_load(&tp->n_rules);

    do {
        if (limit && n >= limit) {
            return false;
        }
    } while (!atomic_compare_exchange_weak(&tp->n_rules, &n, n + 1));
    return true;
}

void
tcf_flow_forget(struct tcf_flow *f)
{
    if (f->installed) {
        hmap_remove(&tcf_state.flows, &f->by_ufid);
        account(f, -1);
        tcf_police_ref_locked(f->meters, f->n_meters, -1);
    }
    hmap_remove(&f->port->handles, &f->by_handle);
    if (f->holds_slot) {
        atomic_fetch_sub(&f->port->n_rules, 1);
    }
    tcf_prio_put(tcf_state.prios, f->prio);
    free(f);
}

static struct tcf_flow *
find_handle(const struct tcf_port *tp, uint32_t handle)
{
    struct tcf_flow *f;

    HMAP_FOR_EACH_WITH_HASH (f, by_handle, handle, &tp->handles) {
        if (f->handle == handle) {
            return f;
        }
    }
    return NULL;
}

/* A filter handle not in use on TP.  Handles are unique per port, which is
 * more than flower needs (per priority) and makes them easy to read. */
static uint32_t
alloc_handle(struct tcf_port *tp)
{
    for (;;) {
        uint32_t h = tp->next_handle++;
        if (h && !find_handle(tp, h)) {
            return h;
        }
    }
}

static struct tcf_flow *
new_flow(struct tcf_port *tp, const struct offload_ufid *ufid, uint16_t prio,
         uint16_t protocol, uint32_t handle, bool holds_slot)
{
    struct tcf_flow *f = xzalloc(sizeof *f);

    f->ufid = *ufid;
    f->port = tp;
    f->prio = prio;
    f->protocol = protocol;
    f->handle = handle;
    f->holds_slot = holds_slot;
    hmap_insert(&tp->handles, &f->by_handle, handle);
    return f;
}

/* Which meters' police actions F (a filter of ours) binds, for FL. */
static void
set_meters(struct tcf_flow *fl, const struct tcf_filter *f)
{
    fl->n_meters = tcf_police_meters(f, fl->meters);
}

static void
install(struct tcf_flow *f, bool in_hw)
{
    tcf_police_ref_locked(f->meters, f->n_meters, +1);
    f->in_hw = in_hw;
    f->installed = true;
    hmap_insert(&tcf_state.flows, &f->by_ufid, tcf_ufid_hash(&f->ufid));
    account(f, +1);
}

/* Counters. */

void
tcf_filter_stats(const struct tcf_filter *f, struct offload_stats *st)
{
    uint64_t packets, bytes, hw_packets;
    long long ago;

    tcf_filter_counters(f, &packets, &bytes, &hw_packets, &ago);
    /* Software flower counts skb->len: at tc ingress the Ethernet header
     * is already pulled (a tunnel device's too: it pulls the inner one),
     * at tc egress it is not; on both the outer tag is metadata. */
    uint64_t l2 = (f->parent == tcf_egress_parent() ? 0 : ETH_HLEN)
                  + (f->mask.vlan_tpid[0] ? 4 : 0);
    uint64_t sw_packets = packets > hw_packets ? packets - hw_packets : 0;
    st->n_packets = packets;
    st->n_bytes = bytes + sw_packets * l2;
    st->used = ago < 0 ? 0 : NF_MAX(nf_time_msec() - ago, 1LL);
}

/* Reasons. */

static void
kernel_reason(struct offload_reason *why, const struct tcf_ack *ack,
              const struct tcf_port *tp, uint32_t flags)
{
    const char *text = ack->msg[0] ? ack->msg : nf_strerror(ack->error);

    if (!ack->msg[0] && (flags & TCA_CLS_FLAGS_SKIP_SW)) {
        /* Without hardware behind it, the kernel refuses skip_sw with a
         * bare errno: say what that means. */
        tcf_reason(why, OFFLOAD_R_DEVICE,
                   "kernel: %s: %s (tc-policy skip_sw: %s cannot offload "
                   "this filter to hardware)",
                   tcf_errno_name(ack->error), text, tp->name);
    } else {
        tcf_reason(why, OFFLOAD_R_DEVICE, "kernel: %s: %s",
                   tcf_errno_name(ack->error), text);
    }
}

/* Put. */

struct put_op {
    struct offload_put_result *result;
    struct tcf_port *tp;
    struct tcf_filter *filter; /* The request... */
    struct tcf_filter *echo;   /* ...and what the kernel made of it. */
    struct tcf_flow *old;      /* The flow's filter so far, or NULL. */
    struct tcf_flow *added;    /* Allocated for an add; NULL: in place. */
    bool has_req;
    size_t req;
};

static void
del_req(struct tcf_req *r, const struct tcf_port *tp, uint16_t prio,
        uint16_t protocol, uint32_t handle)
{
    memset(r, 0, sizeof *r);
    r->type = TCF_REQ_DEL;
    r->ifindex = tp->ifindex;
    r->parent = tp->parent;
    r->prio = prio;
    r->protocol = protocol;
    r->handle = handle;
}

/* Translates FLOW and allocates its priority, handle and rule slot.
 * Returns false, with OP's result filled, if the flow goes no further. */
static bool
prepare(struct put_op *op, const struct offload_flow *flow)
{
    struct offload_put_result *r = op->result;
    const struct offload_port *port = flow->in_port;
    struct tcf_filter *f = op->filter;
    struct tcf_port *tp = port ? port->provider_data : NULL;

    if (!tp) {
        tcf_reason(&r->reason, OFFLOAD_R_INTERNAL,
                   "port %s is not served by tc", port ? port->name : "?");
        r->error = ENODEV;
        return false;
    }
    op->tp = tp;
    r->error = tcf_translate(flow, atomic_load(&tcf_state.skip_flags),
                             offload_port_lookup, f, &r->reason);
    if (r->error) {
        return false;
    }
    f->parent = tp->parent;

    pthread_mutex_lock(&tcf_state.mutex);
    struct tcf_flow *old = tcf_flow_find(&flow->ufid);
    uint16_t prio = tcf_prio_get(tcf_state.prios, f->protocol, &f->mask);
    if (!prio) {
        pthread_mutex_unlock(&tcf_state.mutex);
        tcf_reason(&r->reason, OFFLOAD_R_TABLE_FULL,
                   "no free priority in %#x-%#x", TCF_PRIO_MIN, TCF_PRIO_MAX);
        r->error = ENOSPC;
        return false;
    }
    op->old = old;
    if (old && old->port == tp && old->prio == prio
        && old->protocol == f->protocol) {
        /* In place; the new reference to PRIO goes when done. */
        f->handle = old->handle;
    } else {
        /* A replacement on the same port takes over the old one's slot
         * when it is in. */
        bool need_slot = !(old && old->port == tp);
        unsigned limit = tcf_port_limit(port);
        if (need_slot && !reserve_slot(tp, limit)) {
            tcf_prio_put(tcf_state.prios, prio);
            pthread_mutex_unlock(&tcf_state.mutex);
            tcf_reason(&r->reason, OFFLOAD_R_TABLE_FULL, "table full: %u/%u",
                       limit, limit);
            r->error = ENOSPC;
            return false;
        }
        op->added = new_flow(tp, &flow->ufid, prio, f->protocol,
                             alloc_handle(tp), need_slot);
        f->handle = op->added->handle;
    }
    f->prio = prio;
    pthread_mutex_unlock(&tcf_state.mutex);
    return true;
}

/* Finishes OP from the reply REQ; queues deletions in DELS.  Returns true
 * if OP is to be sent again: an addition whose handle a filter of ours
 * that we do not hold (an earlier run's, not reconciled) already has at
 * that priority gets another handle, up to RETRIES times. */
static bool
complete(struct put_op *op, const struct tcf_req *req, struct tcf_req *dels,
         size_t *n_dels, int retries)
{
    struct offload_put_result *r = op->result;
    struct tcf_filter *f = op->filter;
    char what[64];

    if (req->ack.error == EEXIST && op->added && retries > 0) {
        COVERAGE_INC(tcf_put_handle_taken);
        pthread_mutex_lock(&tcf_state.mutex);
        hmap_remove(&op->tp->handles, &op->added->by_handle);
        op->added->handle = alloc_handle(op->tp);
        hmap_insert(&op->tp->handles, &op->added->by_handle,
                    op->added->handle);
        f->handle = op->added->handle;
        pthread_mutex_unlock(&tcf_state.mutex);
        return true;
    }
    if (req->ack.error) {
        COVERAGE_INC(tcf_put_kernel_error);
        kernel_reason(&r->reason, &req->ack, op->tp, f->flags);
        r->error = req->ack.error;
        pthread_mutex_lock(&tcf_state.mutex);
        if (op->added) {
            tcf_flow_forget(op->added);
        } else {
            tcf_prio_put(tcf_state.prios, f->prio);
        }
        pthread_mutex_unlock(&tcf_state.mutex);
        return false;
    }

    if (!req->echoed) {
        snprintf(what, sizeof what, "%s",
                 req->echo_malformed ? "malformed echo" : "no echo");
    }
    if (!req->echoed || !tcf_filter_agrees(f, op->echo, what, sizeof what)) {
        /* In the device, but not what was asked: take it out again.  In
         * place, that takes the flow's old filter with it. */
        COVERAGE_INC(tcf_put_mismatch);
        tcf_reason(&r->reason, OFFLOAD_R_MISMATCH,
                   "kernel's filter differs from the request: %s", what);
        r->error = EPROTO;
        del_req(&dels[(*n_dels)++], op->tp, f->prio, f->protocol, f->handle);
        pthread_mutex_lock(&tcf_state.mutex);
        if (op->added) {
            tcf_flow_forget(op->added);
        } else {
            tcf_prio_put(tcf_state.prios, f->prio);
            tcf_flow_forget(op->old);
        }
        pthread_mutex_unlock(&tcf_state.mutex);
        return false;
    }

    bool in_hw = op->echo->flags & TCA_CLS_FLAGS_IN_HW;
    pthread_mutex_lock(&tcf_state.mutex);
    if (!op->added) {
        COVERAGE_INC(tcf_put_replace);
        account(op->old, -1);
        op->old->in_hw = in_hw;
        account(op->old, +1);
        tcf_police_ref_locked(op->old->meters, op->old->n_meters, -1);
        set_meters(op->old, f);
        tcf_police_ref_locked(op->old->meters, op->old->n_meters, +1);
        tcf_prio_put(tcf_state.prios, f->prio);
    } else {
        struct tcf_flow *old = op->old;
        if (old) {
            /* Make before break: the new filter is in; now the old goes,
             * and on the same port its slot passes to the new one. */
            COVERAGE_INC(tcf_put_replace);
            if (old->port == op->added->port && old->holds_slot) {
                old->holds_slot = false;
                op->added->holds_slot = true;
            }
            del_req(&dels[(*n_dels)++], old->port, old->prio, old->protocol,
                    old->handle);
            tcf_flow_forget(old);
        }
        set_meters(op->added, f);
        install(op->added, in_hw);
    }
    pthread_mutex_unlock(&tcf_state.mutex);
    r->error = 0;
    r->handle = tcf_handle_encode(f->prio, f->handle);
    return false;
}

static void
run_deletes(struct tcf_nl *nl, struct tcf_req *dels, size_t n)
{
    tcf_nl_transact(nl, dels, n);
    for (size_t i = 0; i < n; i++) {
        if (dels[i].ack.error && dels[i].ack.error != ENOENT) {
            VLOG_WARN_RL(&rl,
                         "cannot delete filter prio %#x handle %#x on "
                         "ifindex %d: %s",
                         dels[i].prio, dels[i].handle, dels[i].ifindex,
                         dels[i].ack.msg[0] ? dels[i].ack.msg
                                            : nf_strerror(dels[i].ack.error));
        }
    }
}

static bool
same_ufid(const struct offload_flow *flows, size_t from, size_t i)
{
    for (size_t j = from; j < i; j++) {
        if (!memcmp(&flows[j].ufid, &flows[i].ufid, sizeof flows[i].ufid)) {
            return true;
        }
    }
    return false;
}

void
tcf_flow_put(void *ctx, const struct offload_flow *flows, size_t n,
             struct offload_put_result *results)
{
    struct tcf_nl *nl = ctx;

    for (size_t i = 0; i < n; i++) {
        memset(&results[i], 0, sizeof results[i]);
        if (!nl) {
            tcf_reason(&results[i].reason, OFFLOAD_R_INTERNAL,
                       "no rtnetlink socket on this thread");
            results[i].error = ENOTCONN;
        }
    }
    if (!nl || !n) {
        return;
    }
    tcf_police_sweep(nl, false);

    size_t chunk = NF_MIN(n, (size_t) CHUNK);
    struct put_op *ops = xcalloc(chunk, sizeof *ops);
    struct tcf_req *reqs = xcalloc(chunk, sizeof *reqs);
    struct tcf_req *dels = xcalloc(2 * chunk, sizeof *dels);
    struct tcf_filter *filters = xmalloc(2 * chunk * sizeof *filters);
    size_t start = 0;

    while (start < n) {
        /* A chunk ends early before a second put of the same ufid, which
         * must see the first one's outcome. */
        size_t end = start, n_reqs = 0, n_dels = 0;
        for (; end < n && end - start < chunk; end++) {
            if (same_ufid(flows, start, end)) {
                break;
            }
            struct put_op *op = &ops[end - start];
            memset(op, 0, sizeof *op);
            op->result = &results[end];
            op->filter = &filters[2 * (end - start)];
            op->echo = &filters[2 * (end - start) + 1];
            COVERAGE_INC(tcf_put);
            if (!prepare(op, &flows[end])) {
                COVERAGE_INC(tcf_put_refused);
                continue;
            }
            struct tcf_req *r = &reqs[n_reqs];
            memset(r, 0, sizeof *r);
            r->type = op->added ? TCF_REQ_ADD : TCF_REQ_REPLACE;
            r->filter = op->filter;
            r->echo = op->echo;
            op->has_req = true;
            op->req = n_reqs++;
        }
        for (int retries = 2; n_reqs; retries--) {
            size_t n_again = 0;
            tcf_nl_transact(nl, reqs, n_reqs);
            for (size_t i = start; i < end; i++) {
                struct put_op *op = &ops[i - start];
                if (op->has_req) {
                    op->has_req =
                        complete(op, &reqs[op->req], dels, &n_dels, retries);
                }
                if (op->has_req) {
                    /* Again, with the new handle: compacted to the front,
                     * never past the request being read. */
                    reqs[n_again] = reqs[op->req];
                    op->req = n_again++;
                }
            }
            n_reqs = n_again;
        }
        if (n_dels) {
            run_deletes(nl, dels, n_dels);
        }
        start = end;
    }
    free(filters);
    free(dels);
    free(reqs);
    free(ops);
}

int
tcf_flow_check(void *ctx, const struct offload_flow *flow,
               struct offload_reason *why)
{
    const struct offload_port *port = flow->in_port;
    struct tcf_port *tp = port ? port->provider_data : NULL;
    struct tcf_filter *f;
    int error;

    if (!tp) {
        tcf_reason(why, OFFLOAD_R_INTERNAL, "port %s is not served by tc",
                   port ? port->name : "?");
        return ENODEV;
    }
    f = xmalloc(sizeof *f);
    error = tcf_translate(flow, atomic_load(&tcf_state.skip_flags),
                          offload_port_lookup, f, why);
    free(f);
    if (error) {
        return error;
    }
    unsigned limit = tcf_port_limit(port);
    pthread_mutex_lock(&tcf_state.mutex);
    struct tcf_flow *old = tcf_flow_find(&flow->ufid);
    bool full = limit && atomic_load(&tp->n_rules) >= limit
                && !(old && old->port == tp);
    pthread_mutex_unlock(&tcf_state.mutex);
    if (full) {
        tcf_reason(why, OFFLOAD_R_TABLE_FULL, "table full: %u/%u", limit,
                   limit);
        return ENOSPC;
    }
    return 0;
}

/* Delete. */

void
tcf_flow_del(void *ctx, const struct offload_port *const *ports,
             const struct offload_ufid *ufids, const uint64_t *handles,
             size_t n, struct offload_stats *stats, int *errors)
{
    struct tcf_nl *nl = ctx;
    size_t chunk = NF_MAX(NF_MIN(n, (size_t) CHUNK), (size_t) 1);
    struct tcf_req *reqs = xcalloc(chunk, sizeof *reqs);
    struct tcf_filter *echoes = xmalloc(chunk * sizeof *echoes);
    size_t *which = xcalloc(chunk, sizeof *which);

    for (size_t start = 0; start < n; start += chunk) {
        size_t end = NF_MIN(n, start + chunk), n_reqs = 0;

        for (size_t i = start; i < end; i++) {
            const struct tcf_port *tp =
                ports[i] ? ports[i]->provider_data : NULL;
            uint16_t prio = 0;
            uint32_t handle = 0;

            memset(&stats[i], 0, sizeof stats[i]);
            errors[i] = ENOENT;
            if (!tcf_handle_decode(handles[i], &prio, &handle) || !tp) {
                continue;
            }
            /* Only a filter we hold, by ufid and handle: a stale handle
             * must never hit someone else's filter. */
            pthread_mutex_lock(&tcf_state.mutex);
            struct tcf_flow *f = tcf_flow_find(&ufids[i]);
            bool ours =
                f && f->port == tp && f->prio == prio && f->handle == handle;
            uint16_t protocol = ours ? f->protocol : 0;
            pthread_mutex_unlock(&tcf_state.mutex);
            if (!ours) {
                continue;
            }
            if (!nl) {
                errors[i] = ENOTCONN;
                continue;
            }
            COVERAGE_INC(tcf_del);
            del_req(&reqs[n_reqs], tp, prio, protocol, handle);
            reqs[n_reqs].echo = &echoes[n_reqs];
            which[n_reqs++] = i;
        }
        tcf_nl_transact(nl, reqs, n_reqs);
        for (size_t k = 0; k < n_reqs; k++) {
            size_t i = which[k];
            int e = reqs[k].ack.error;

            if (reqs[k].echoed) {
                /* The hook decides how the counters are read. */
                echoes[k].parent = reqs[k].parent;
                tcf_filter_stats(&echoes[k], &stats[i]);
            }
            /* A device that is gone took its filters with it. */
            errors[i] = e == ENODEV ? ENOENT : e;
            if (e && e != ENOENT && e != ENODEV) {
                VLOG_WARN_RL(&rl,
                             "%s: deleting filter prio %#x handle %#x: "
                             "%s",
                             ports[i]->name, reqs[k].prio, reqs[k].handle,
                             reqs[k].ack.msg[0] ? reqs[k].ack.msg
                                                : nf_strerror(e));
            }
            /* Forgotten whatever the kernel said: the manager forgets the
             * flow too, and a filter of ours left behind is found again
             * by the next purge (port_del, flush) through its cookie. */
            pthread_mutex_lock(&tcf_state.mutex);
            struct tcf_flow *f = tcf_flow_find(&ufids[i]);
            if (f) {
                tcf_flow_forget(f);
            }
            pthread_mutex_unlock(&tcf_state.mutex);
        }
    }
    free(which);
    free(echoes);
    free(reqs);
    /* A deleted meter's police action can go once its last filter has. */
    tcf_police_sweep(nl, n > 0);
}

/* Stats: one dump per port for every handle asked of it. */

struct stats_item {
    const struct tcf_port *tp;
    uint64_t handle;
    size_t idx;
};

static int
compare_items(const void *a_, const void *b_)
{
    const struct stats_item *a = a_, *b = b_;

    if (a->tp != b->tp) {
        return (uintptr_t) a->tp < (uintptr_t) b->tp ? -1 : 1;
    }
    return a->handle < b->handle ? -1 : a->handle > b->handle;
}

struct stats_aux {
    const struct stats_item *items; /* One port's, sorted by handle. */
    size_t n;
    struct offload_stats *stats;
    int *errors;
};

static void
stats_cb(const struct tcf_filter *f, void *aux_)
{
    struct stats_aux *aux = aux_;
    struct stats_item key = { .handle =
                                  tcf_handle_encode(f->prio, f->handle) };

    key.tp = aux->items[0].tp;
    if (!tcf_filter_is_ours(f, key.tp->parent, NULL)) {
        return;
    }
    const struct stats_item *it =
        bsearch(&key, aux->items, aux->n, sizeof key, compare_items);
    if (it) {
        tcf_filter_stats(f, &aux->stats[it->idx]);
        aux->errors[it->idx] = 0;
    }
}

void
tcf_flow_stats(void *ctx, const struct offload_port *const *ports,
               const uint64_t *handles, size_t n, struct offload_stats *stats,
               int *errors)
{
    struct tcf_nl *nl = ctx;
    struct stats_item *items = xcalloc(n ? n : 1, sizeof *items);

    for (size_t i = 0; i < n; i++) {
        memset(&stats[i], 0, sizeof stats[i]);
        errors[i] = ENOENT;
        items[i].tp = ports[i] ? ports[i]->provider_data : NULL;
        items[i].handle = handles[i];
        items[i].idx = i;
    }
    /* Stats are asked for regularly: a pending deletion of a police
     * action (tcf-police.h) is retried here too. */
    tcf_police_sweep(nl, false);
    qsort(items, n, sizeof *items, compare_items);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && items[j].tp == items[i].tp) {
            j++;
        }
        if (items[i].tp && nl) {
            struct stats_aux aux = { items + i, j - i, stats, errors };
            COVERAGE_INC(tcf_stats_dump);
            int error =
                tcf_nl_dump(nl, items[i].tp->ifindex, items[i].tp->parent,
                            true, stats_cb, &aux, NULL);
            for (size_t k = i; error && k < j; k++) {
                errors[items[k].idx] = error == ENODEV ? ENOENT : error;
            }
        }
        i = j;
    }
    free(items);
}

/* Reconcile, purge, flush. */

/* A filter of ours found in a dump. */
struct found {
    struct offload_ufid ufid;
    uint16_t prio;
    uint16_t protocol;
    uint32_t handle;
    bool in_hw;
    struct tcf_key mask;
    uint8_t n_meters; /* The meters whose police actions it binds. */
    uint32_t meters[TCF_POLICE_MAX_PER_FLOW];
};

struct found_list {
    uint32_t parent; /* The port's hook. */
    struct found *v;
    size_t n, allocated;
};

static void
found_cb(const struct tcf_filter *f, void *list_)
{
    struct found_list *list = list_;
    struct offload_ufid ufid;

    if (!tcf_filter_is_ours(f, list->parent, &ufid)) {
        return;
    }
    if (list->n >= list->allocated) {
        list->allocated = list->allocated * 2 + 16;
        list->v = xrealloc(list->v, list->allocated * sizeof *list->v);
    }
    struct found *fd = &list->v[list->n++];
    fd->ufid = ufid;
    fd->prio = f->prio;
    fd->protocol = f->protocol;
    fd->handle = f->handle;
    fd->in_hw = f->flags & TCA_CLS_FLAGS_IN_HW;
    fd->mask = f->mask;
    fd->n_meters = tcf_police_meters(f, fd->meters);
}

static void
delete_found(struct tcf_nl *nl, const struct tcf_port *tp,
             const struct found *v, size_t n)
{
    struct tcf_req *reqs = xcalloc(n ? n : 1, sizeof *reqs);

    for (size_t i = 0; i < n; i++) {
        del_req(&reqs[i], tp, v[i].prio, v[i].protocol, v[i].handle);
    }
    run_deletes(nl, reqs, n);
    free(reqs);
}

int
tcf_reconcile(void *ctx, const struct offload_port *port,
              struct offload_found_rule **rules, size_t *n_rules)
{
    struct tcf_nl *nl = ctx;
    struct tcf_port *tp = port->provider_data;
    struct found_list list = { .parent = tp ? tp->parent : 0 };
    int error;

    *rules = NULL;
    *n_rules = 0;
    if (!tp || !nl) {
        return !tp ? ENODEV : ENOTCONN;
    }
    tcf_police_sweep(nl, false);
    error =
        tcf_nl_dump(nl, tp->ifindex, tp->parent, true, found_cb, &list, NULL);
    if (error) {
        free(list.v);
        return error;
    }

    /* Adopt each ufid once; duplicates (a replace cut short by a crash)
     * and filters whose priority we cannot take go. */
    struct found *extra = xcalloc(list.n ? list.n : 1, sizeof *extra);
    size_t n_extra = 0;
    *rules = xcalloc(list.n ? list.n : 1, sizeof **rules);
    pthread_mutex_lock(&tcf_state.mutex);
    for (size_t i = 0; i < list.n; i++) {
        const struct found *fd = &list.v[i];
        struct tcf_flow *known = tcf_flow_find(&fd->ufid);

        if (known) {
            if (known->port != tp || known->prio != fd->prio
                || known->handle != fd->handle) {
                extra[n_extra++] = *fd;
            }
            continue;
        }
        if (find_handle(tp, fd->handle)
            || !tcf_prio_adopt(tcf_state.prios, fd->prio, fd->protocol,
                               &fd->mask)) {
            extra[n_extra++] = *fd;
            continue;
        }
        /* Counted even beyond max_rules: it is there already. */
        atomic_fetch_add(&tp->n_rules, 1);
        struct tcf_flow *f =
            new_flow(tp, &fd->ufid, fd->prio, fd->protocol, fd->handle, true);
        f->n_meters = fd->n_meters;
        memcpy(f->meters, fd->meters, sizeof f->meters);
        install(f, fd->in_hw);
        if (fd->handle >= tp->next_handle) {
            tp->next_handle = fd->handle + 1;
        }
        COVERAGE_INC(tcf_reconcile_adopt);
        struct offload_found_rule *r = &(*rules)[(*n_rules)++];
        r->ufid = fd->ufid;
        r->handle = tcf_handle_encode(fd->prio, fd->handle);
        r->in_odp_port = tp->odp_port;
    }
    pthread_mutex_unlock(&tcf_state.mutex);
    if (n_extra) {
        VLOG_INFO("%s: removing %zu duplicate filters of an earlier run",
                  tp->name, n_extra);
        delete_found(nl, tp, extra, n_extra);
        tcf_police_sweep(nl, true);
    }
    free(extra);
    free(list.v);
    return 0;
}

int
tcf_port_purge(struct tcf_nl *nl, struct tcf_port *tp)
{
    struct found_list list = { .parent = tp->parent };
    int error = ENOTCONN;

    if (nl) {
        error = tcf_nl_dump(nl, tp->ifindex, tp->parent, true, found_cb, &list,
                            NULL);
    }
    if (!error) {
        delete_found(nl, tp, list.v, list.n);
        tcf_police_sweep(nl, list.n > 0);
    }
    free(list.v);

    /* Forgotten even if the dump failed: the port is going, and with it
     * everything that points to it. */
    struct tcf_flow *f;
    pthread_mutex_lock(&tcf_state.mutex);
    HMAP_FOR_EACH_SAFE (f, by_handle, &tp->handles) {
        tcf_flow_forget(f);
    }
    pthread_mutex_unlock(&tcf_state.mutex);
    return error;
}

void
tcf_flush(void *ctx)
{
    struct tcf_nl *nl = ctx ? ctx : tcf_state.main_nl;
    struct tcf_port **ports;
    size_t n;

    pthread_mutex_lock(&tcf_state.mutex);
    n = tcf_state.n_ports;
    ports = xmemdup(tcf_state.ports, n * sizeof *ports);
    pthread_mutex_unlock(&tcf_state.mutex);
    for (size_t i = 0; i < n; i++) {
        int error = tcf_port_purge(nl, ports[i]);
        if (error && error != ENODEV) {
            VLOG_WARN_RL(&rl, "%s: flush: %s", ports[i]->name,
                         nf_strerror(error));
        }
    }
    free(ports);
    /* With every filter of ours gone, so can our police actions. */
    tcf_police_remove_all(nl, false);
}
