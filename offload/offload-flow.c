/* offload-flow.c: the flow table and the flow calls nicflowd's main
 * thread makes.
 *
 * Each flow the manager knows has an entry, keyed by ufid, that says what
 * is in hardware for it (the rule, its cached counters) and what is asked
 * of it (the newest put not yet tried).  An entry belongs to one worker,
 * chosen by the ufid's hash, so that the puts of one flow are handled in
 * order by one thread.
 *
 * Ordering.  offload_flow_del() takes a flow out of hardware before it
 * returns: it cancels a queued put, waits for a worker that is in a
 * provider call for the flow, then calls the provider's flow_del() on the
 * calling thread.  A put of a flow whose rule is in hardware is handled by
 * the worker in two steps, flow_del() of the old rule and then flow_put()
 * of the new one, so that the old rule's final counters are known and
 * added to the flow's base (offload_flow_get_stats() stays cumulative);
 * the flow is in software only between the two.
 *
 * Counters.  'base' holds the final counters of the rules a flow has had,
 * 'cur' the last read of the current rule; the sum never decreases. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "offload/offload-private.h"
#include "softpath/odp.h"

VLOG_DEFINE_THIS_MODULE(offload_flow);

COVERAGE_DEFINE(offload_enqueue);
COVERAGE_DEFINE(offload_coalesce);
COVERAGE_DEFINE(offload_cancel);
COVERAGE_DEFINE(offload_refuse_early);
COVERAGE_DEFINE(offload_remove);

uint32_t
offload_ufid_hash(const struct offload_ufid *ufid)
{
    return hash_bytes(ufid, sizeof *ufid, 0);
}

void
offload_req_free(struct offload_req *r)
{
    if (r) {
        free(r->key);
        free(r->mask);
        free(r->actions);
        free(r->bad);
        free(r);
    }
}

struct offload_flow
offload_req_to_flow(const struct offload_req *r,
                    const struct offload_ufid *ufid)
{
    return (struct offload_flow){
        .ufid = ufid ? *ufid : (struct offload_ufid){ { 0 } },
        .in_port = offload_port_lookup(r->in_port),
        .key = r->key,
        .key_len = r->key_len,
        .mask = r->mask,
        .mask_len = r->mask_len,
        .actions = r->actions,
        .actions_len = r->actions_len,
        .flow = &r->flow,
        .flow_mask = &r->flow_mask,
    };
}

struct offload_entry *
offload_entry_find(const struct offload_ufid *ufid)
{
    struct offload_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, node, offload_ufid_hash(ufid),
                             &offload_mgr.flows) {
        if (!memcmp(&e->ufid, ufid, sizeof *ufid)) {
            return e;
        }
    }
    return NULL;
}

static struct offload_entry *
entry_create(const struct offload_ufid *ufid)
{
    struct offload_entry *e = xzalloc(sizeof *e);
    uint32_t hash = offload_ufid_hash(ufid);

    e->ufid = *ufid;
    e->worker = hash % (offload_mgr.n_workers ? offload_mgr.n_workers : 1);
    dlist_init(&e->qnode);
    dlist_init(&e->hw_node);
    e->state = OFFLOAD_ST_NONE;
    hmap_insert(&offload_mgr.flows, &e->node, hash);
    return e;
}

static void
entry_free(struct offload_entry *e)
{
    offload_req_free(e->req);
    offload_req_free(e->cur_req);
    free(e);
}

static struct offload_counters *
prov_counters(struct offload_prov *p)
{
    return p ? &p->counters : &offload_mgr.none_counters;
}

void
offload_entry_enqueue(struct offload_entry *e)
{
    struct offload_worker *w = &offload_mgr.workers[e->worker];

    dlist_push_back(&w->queue, &e->qnode);
    e->queued = true;
    pthread_cond_signal(&w->wake);
}

static void
stats_add(struct offload_stats *sum, const struct offload_stats *s)
{
    sum->n_packets += s->n_packets;
    sum->n_bytes += s->n_bytes;
    if (s->used > sum->used) {
        sum->used = s->used;
    }
}

void
offload_entry_hw_gone(struct offload_entry *e,
                      const struct offload_stats *final)
{
    struct offload_mport *mp = offload_mport_find(e->hw_port);
    struct offload_counters *wc = &offload_mgr.worker_counters[e->worker];

    /* A provider that lost count gives less than was read before. */
    struct offload_stats last = *final;
    if (last.n_packets < e->cur.n_packets || last.n_bytes < e->cur.n_bytes) {
        last = e->cur;
    }
    stats_add(&e->base, &last);
    memset(&e->cur, 0, sizeof e->cur);
    dlist_remove(&e->hw_node);
    if (mp && mp->n_hw) {
        mp->n_hw--;
    }
    e->hw_prov->counters.removed++;
    e->hw_prov->counters.in_hw--;
    wc->removed++;
    wc->in_hw--;
    COVERAGE_INC(offload_remove);
    e->in_hw = false;
    e->hw_prov = NULL;
    e->handle = 0;
}

void
offload_entry_hw_set(struct offload_entry *e, struct offload_prov *p,
                     uint64_t handle, uint32_t odp_port, bool partial)
{
    struct offload_mport *mp = offload_mport_find(odp_port);

    e->in_hw = true;
    e->hw_prov = p;
    e->handle = handle;
    e->hw_port = odp_port;
    e->hw_since_ms = nf_time_msec();
    memset(&e->cur, 0, sizeof e->cur);
    dlist_push_back(&offload_mgr.workers[e->worker].hw, &e->hw_node);
    if (mp) {
        mp->n_hw++;
    }
    p->counters.in_hw++;
    offload_mgr.worker_counters[e->worker].in_hw++;
    e->state = OFFLOAD_ST_OFFLOADED;
    e->partial = partial;
    offload_reason_set(&e->reason, OFFLOAD_R_NONE, NULL);
}

/* Removes the rules of ES[0 .. N - 1] from hardware on the main thread,
 * one flow_del() per provider, storing each rule's final counters in
 * FINAL[i].  The entries are in hardware and no worker can reach them
 * (the caller unlinked them, or holds the write lock).  Called without
 * 'mutex'. */
static void
main_del_rules(struct offload_entry **es, size_t n,
               struct offload_stats *final)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    const struct offload_port **ports;
    struct offload_ufid *ufids;
    uint64_t *handles;
    struct offload_stats *stats;
    size_t *slot;
    int *errors;

    if (!n) {
        return;
    }
    ports = xcalloc(n, sizeof *ports);
    ufids = xcalloc(n, sizeof *ufids);
    handles = xcalloc(n, sizeof *handles);
    stats = xcalloc(n, sizeof *stats);
    slot = xcalloc(n, sizeof *slot);
    errors = xcalloc(n, sizeof *errors);
    for (size_t i = 0; i < n; i++) {
        final[i] = es[i]->cur;
    }
    for (size_t pi = 0; pi < offload_mgr.n_provs; pi++) {
        struct offload_prov *p = &offload_mgr.provs[pi];
        size_t k = 0;

        for (size_t i = 0; i < n; i++) {
            const struct offload_port *port =
                offload_port_lookup(es[i]->hw_port);

            if (es[i]->hw_prov != p || !port) {
                continue;
            }
            ports[k] = port;
            ufids[k] = es[i]->ufid;
            handles[k] = es[i]->handle;
            memset(&stats[k], 0, sizeof stats[k]);
            errors[k] = 0;
            slot[k++] = i;
        }
        if (!k) {
            continue;
        }
        p->cls->flow_del(offload_prov_main_ctx(p), ports, ufids, handles, k,
                         stats, errors);
        for (size_t j = 0; j < k; j++) {
            if (!errors[j]) {
                final[slot[j]] = stats[j];
            } else if (errors[j] != ENOENT) {
                VLOG_WARN_RL(&rl, "%s: removing a rule on %s failed: %s",
                             p->cls->name, ports[j]->name,
                             nf_strerror(errors[j]));
            }
        }
    }
    free(ports);
    free(ufids);
    free(handles);
    free(stats);
    free(slot);
    free(errors);
}

/* A copy of N bytes at P (P may be NULL when N is 0). */
static void *
dup_bytes(const void *p, size_t n)
{
    return n ? xmemdup(p, n) : xmalloc(0);
}

/* Decodes a put into a new request. */
static struct offload_req *
req_create(const void *key, size_t key_len, const void *mask, size_t mask_len,
           const void *actions, size_t actions_len)
{
    struct offload_req *r = xzalloc(sizeof *r);
    char *err = NULL;

    r->key = dup_bytes(key, key_len);
    r->key_len = key_len;
    r->mask = dup_bytes(mask, mask_len);
    r->mask_len = mask_len;
    r->actions = dup_bytes(actions, actions_len);
    r->actions_len = actions_len;
    r->enq_us = nf_time_usec();
    if (odp_key_to_flow(key, key_len, &r->flow, &err)) {
        r->bad =
            xasprintf("cannot decode the flow key: %s", err ? err : "invalid");
    } else if (odp_mask_to_flow(mask, mask_len, &r->flow_mask, &err)) {
        r->bad = xasprintf("cannot decode the flow mask: %s",
                           err ? err : "invalid");
    } else if (r->flow_mask.in_port != UINT32_MAX) {
        r->bad = xstrdup("the flow does not match on in_port exactly");
    }
    free(err);
    r->in_port = r->bad ? UINT32_MAX : r->flow.in_port;
    return r;
}

/* Why a put of R would be refused without asking any provider, into
 * *WHY; returns the port's provider otherwise (and NULL with a reason
 * if refused).  Main thread, or a worker under the read lock. */
static struct offload_prov *
req_target(const struct offload_req *r, struct offload_reason *why)
{
    if (r->bad) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_MATCH, "%s", r->bad);
        return NULL;
    }
    struct offload_mport *mp = offload_mport_find(r->in_port);
    if (!mp) {
        offload_reason_set(why, OFFLOAD_R_NO_PROVIDER,
                           "in_port %u is not a port known to offload",
                           r->in_port);
        return NULL;
    }
    if (!mp->prov) {
        *why = mp->why;
        return NULL;
    }
    /* The device's profile first: a flow it cannot take is refused with
     * the profile's own rule, before any provider is tried. */
    if (!offload_mport_profile_ok(mp, r, why)) {
        return NULL;
    }
    offload_reason_set(why, OFFLOAD_R_NONE, NULL);
    return mp->prov;
}

struct offload_prov *
offload_req_target(const struct offload_req *r, struct offload_reason *why)
{
    return req_target(r, why);
}

void
offload_flow_put(const struct offload_ufid *ufid, const void *key,
                 size_t key_len, const void *mask, size_t mask_len,
                 const void *actions, size_t actions_len)
{
    struct offload_reason why;

    if (!offload_mgr.inited || !offload_mgr.cfg.enabled) {
        /* Nothing is recorded while offload is off: dump-flows then says
         * "offloaded:no" without a reason for every flow, at no cost. */
        return;
    }
    struct offload_req *r =
        req_create(key, key_len, mask, mask_len, actions, actions_len);
    struct offload_prov *target = req_target(r, &why);

    pthread_mutex_lock(&offload_mgr.mutex);
    struct offload_entry *e = offload_entry_find(ufid);
    if (!e) {
        e = entry_create(ufid);
    }
    struct offload_counters *wc = &offload_mgr.worker_counters[e->worker];
    if (!target && !e->in_hw && !e->busy && !e->queued) {
        /* Nothing to take out of hardware and nothing in flight: refuse
         * here rather than wake a worker to say the same. */
        offload_req_free(e->cur_req);
        e->cur_req = r;
        e->state = OFFLOAD_ST_REFUSED;
        e->partial = false;
        e->reason = why;
        e->last_prov = NULL;
        e->since_ms = nf_time_msec();
        offload_counters_refuse(&offload_mgr.none_counters, why.code);
        COVERAGE_INC(offload_refuse_early);
        pthread_mutex_unlock(&offload_mgr.mutex);
        return;
    }
    struct offload_counters *pc = prov_counters(target);
    if (e->queued) {
        /* Superseded before a worker ran it: only the newest is tried. */
        offload_req_free(e->req);
        e->req = r;
        pc->coalesced++;
        wc->coalesced++;
        COVERAGE_INC(offload_coalesce);
    } else {
        offload_req_free(e->req);
        e->req = r;
        if (!e->busy) {
            offload_entry_enqueue(e);
        }
        /* A busy entry is queued again by its worker when it is done. */
    }
    pc->enqueued++;
    wc->enqueued++;
    COVERAGE_INC(offload_enqueue);
    if (!e->in_hw) {
        e->state = OFFLOAD_ST_PENDING;
        offload_reason_set(&e->reason, OFFLOAD_R_PENDING, "pending");
        e->since_ms = nf_time_msec();
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
}

void
offload_flow_del(const struct offload_ufid *ufids, size_t n,
                 struct offload_stats *stats)
{
    struct offload_entry **es, **hw;
    struct offload_stats *final;
    size_t n_hw = 0;

    if (stats) {
        memset(stats, 0, n * sizeof *stats);
    }
    if (!offload_mgr.inited || !n) {
        return;
    }
    es = xcalloc(n, sizeof *es);
    hw = xcalloc(n, sizeof *hw);
    final = xcalloc(n, sizeof *final);

    pthread_mutex_lock(&offload_mgr.mutex);
    for (size_t i = 0; i < n; i++) {
        struct offload_entry *e = offload_entry_find(&ufids[i]);

        /* A ufid named twice is taken once. */
        if (!e || e->dying) {
            continue;
        }
        e->dying = true;
        if (e->queued) {
            dlist_remove(&e->qnode);
            e->queued = false;
        }
        if (e->req) {
            offload_req_free(e->req);
            e->req = NULL;
            COVERAGE_INC(offload_cancel);
        }
        es[i] = e;
    }
    /* A worker in a provider call for one of them finishes first; its
     * result (a rule, maybe) is then removed here. */
    for (size_t i = 0; i < n; i++) {
        while (es[i] && es[i]->busy) {
            pthread_cond_wait(&offload_mgr.done, &offload_mgr.mutex);
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct offload_entry *e = es[i];

        if (e) {
            hmap_remove(&offload_mgr.flows, &e->node);
            if (e->in_hw) {
                /* Out of the worker's list before the provider call, so
                 * that no stats read crosses the removal. */
                dlist_remove(&e->hw_node);
                hw[n_hw++] = e;
            }
        }
    }
    pthread_mutex_unlock(&offload_mgr.mutex);

    main_del_rules(hw, n_hw, final);

    pthread_mutex_lock(&offload_mgr.mutex);
    for (size_t i = 0; i < n_hw; i++) {
        offload_entry_hw_gone(hw[i], &final[i]);
    }
    for (size_t i = 0; i < n; i++) {
        struct offload_entry *e = es[i];

        if (e) {
            if (stats) {
                stats[i] = e->base;
                stats_add(&stats[i], &e->cur);
            }
            entry_free(e);
        }
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
    free(es);
    free(hw);
    free(final);
}

void
offload_flow_get_stats(const struct offload_ufid *ufids, size_t n,
                       struct offload_stats *stats, bool *young)
{
    long long now = nf_time_msec();

    if (!offload_mgr.inited) {
        memset(stats, 0, n * sizeof *stats);
        if (young) {
            memset(young, 0, n * sizeof *young);
        }
        return;
    }
    pthread_mutex_lock(&offload_mgr.mutex);
    for (size_t i = 0; i < n; i++) {
        const struct offload_entry *e = offload_entry_find(&ufids[i]);

        memset(&stats[i], 0, sizeof stats[i]);
        if (young) {
            young[i] = false;
        }
        if (!e) {
            continue;
        }
        stats[i] = e->base;
        stats_add(&stats[i], &e->cur);
        if (young) {
            young[i] = e->in_hw
                       && now - e->hw_since_ms
                              < (long long) offload_mgr.cfg.stats_delay_ms;
        }
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
}

void
offload_flow_get_status(const struct offload_ufid *ufid,
                        struct offload_flow_status *st)
{
    memset(st, 0, sizeof *st);
    st->state = OFFLOAD_ST_NONE;
    if (!offload_mgr.inited) {
        return;
    }
    pthread_mutex_lock(&offload_mgr.mutex);
    const struct offload_entry *e = offload_entry_find(ufid);
    if (e) {
        const struct offload_prov *p =
            e->state == OFFLOAD_ST_OFFLOADED ? e->hw_prov : e->last_prov;

        st->state = e->state;
        st->partial = e->state == OFFLOAD_ST_OFFLOADED && e->partial;
        st->provider = p ? p->cls->name : NULL;
        st->reason = e->reason;
        st->since_ms = e->since_ms;
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
}

void
offload_format_flow_status(const struct offload_ufid *ufid, const char *sw_dp,
                           struct buf *out)
{
    struct offload_flow_status st;

    offload_flow_get_status(ufid, &st);
    switch (st.state) {
    case OFFLOAD_ST_OFFLOADED:
        buf_printf(out, "offloaded:%s, dp:%s", st.partial ? "partial" : "yes",
                   st.provider ? st.provider : "?");
        return;
    case OFFLOAD_ST_PENDING:
    case OFFLOAD_ST_REFUSED:
        buf_printf(out, "offloaded:no, dp:%s, offload-reason:\"", sw_dp);
        for (const char *c = st.state == OFFLOAD_ST_PENDING ? "pending"
                                                            : st.reason.msg;
             *c; c++) {
            if (*c == '"' || *c == '\\') {
                buf_put_char(out, '\\');
            }
            buf_put_char(out, *c);
        }
        buf_put_char(out, '"');
        return;
    case OFFLOAD_ST_NONE:
    default:
        buf_printf(out, "offloaded:no, dp:%s", sw_dp);
        return;
    }
}

bool
offload_flow_matches_type(const struct offload_ufid *ufid, const char *type)
{
    struct offload_flow_status st;

    if (!type || !strcmp(type, "all")) {
        return true;
    }
    offload_flow_get_status(ufid, &st);
    bool offloaded = st.state == OFFLOAD_ST_OFFLOADED;
    if (!strcmp(type, "offloaded")) {
        return offloaded;
    }
    if (!strcmp(type, "non-offloaded") || !strcmp(type, "softpath")
        || !strcmp(type, "kernel") || !strcmp(type, "ovs")) {
        return !offloaded;
    }
    if (offload_prov_name_known(type)) {
        return offloaded && st.provider && !strcmp(st.provider, type);
    }
    return false;
}

enum offload_reason_code
offload_explain(const void *key, size_t key_len, const void *mask,
                size_t mask_len, const void *actions, size_t actions_len,
                struct buf *out)
{
    struct offload_reason why;

    if (!offload_is_enabled()) {
        buf_put_cstr(out, "hw-offload is false");
        return OFFLOAD_R_DISABLED;
    }
    struct offload_req *r =
        req_create(key, key_len, mask, mask_len, actions, actions_len);
    struct offload_prov *p = req_target(r, &why);
    if (!p) {
        buf_put_cstr(out, why.msg);
        offload_req_free(r);
        return why.code;
    }

    struct offload_flow f = offload_req_to_flow(r, NULL);
    const struct offload_port *port = f.in_port;
    offload_reason_set(&why, OFFLOAD_R_NONE, NULL);
    int error = 0;
    if (p->cls->flow_check) {
        error = p->cls->flow_check(offload_prov_main_ctx(p), &f, &why);
    }
    enum offload_reason_code code = OFFLOAD_R_NONE;
    if (error) {
        code = why.code != OFFLOAD_R_NONE ? why.code : OFFLOAD_R_DEVICE;
        if (why.msg[0]) {
            buf_put_cstr(out, why.msg);
        } else {
            buf_printf(out, "%s: %s", p->cls->name, nf_strerror(error));
        }
    } else {
        buf_printf(out, "%s would offload this flow on %s", p->cls->name,
                   port->name);
        if (!p->cls->flow_check) {
            buf_put_cstr(out, " (not checked: the provider cannot tell "
                              "without trying)");
        } else if (why.msg[0]) {
            buf_printf(out, " (%s)", why.msg);
        }
    }
    offload_req_free(r);
    return code;
}

/* ---------------------------------------------------------------------
 * Calls from port and configuration changes.
 * --------------------------------------------------------------------- */

void
offload_flows_drop(const struct offload_mport *mp,
                   enum offload_reason_code code, const char *msg, bool cancel)
{
    struct offload_entry *e, **hw;
    struct offload_stats *final;
    size_t n = 0;

    pthread_mutex_lock(&offload_mgr.mutex);
    hw = xcalloc(hmap_count(&offload_mgr.flows) + 1, sizeof *hw);
    HMAP_FOR_EACH (e, node, &offload_mgr.flows) {
        if (e->in_hw && (!mp || e->hw_port == mp->up.odp_port)) {
            dlist_remove(&e->hw_node);
            hw[n++] = e;
        }
    }
    pthread_mutex_unlock(&offload_mgr.mutex);

    final = xcalloc(n + 1, sizeof *final);
    main_del_rules(hw, n, final);

    long long now = nf_time_msec();
    pthread_mutex_lock(&offload_mgr.mutex);
    for (size_t i = 0; i < n; i++) {
        e = hw[i];
        offload_entry_hw_gone(e, &final[i]);
        e->partial = false;
        e->since_ms = now;
        if (e->queued && !cancel) {
            /* A newer put waits for its worker. */
            e->state = OFFLOAD_ST_PENDING;
            offload_reason_set(&e->reason, OFFLOAD_R_PENDING, "pending");
        } else {
            e->state = OFFLOAD_ST_REFUSED;
            offload_reason_set(&e->reason, code, "%s", msg);
        }
    }
    if (cancel) {
        HMAP_FOR_EACH (e, node, &offload_mgr.flows) {
            if (e->queued) {
                dlist_remove(&e->qnode);
                e->queued = false;
            }
            if (e->req) {
                offload_req_free(e->cur_req);
                e->cur_req = e->req;
                e->req = NULL;
                COVERAGE_INC(offload_cancel);
            }
            if (!mp && e->state != OFFLOAD_ST_NONE) {
                e->state = OFFLOAD_ST_REFUSED;
                e->partial = false;
                offload_reason_set(&e->reason, code, "%s", msg);
                e->since_ms = now;
            }
        }
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
    free(hw);
    free(final);
}

void
offload_flows_requeue_port(uint32_t odp_port)
{
    struct offload_entry *e;
    long long now_us = nf_time_usec();

    pthread_mutex_lock(&offload_mgr.mutex);
    HMAP_FOR_EACH (e, node, &offload_mgr.flows) {
        if (e->dying || e->queued || e->busy || e->in_hw || e->req
            || e->state != OFFLOAD_ST_REFUSED || !e->cur_req
            || e->cur_req->in_port != odp_port) {
            continue;
        }
        struct offload_mport *mp = offload_mport_find(odp_port);
        struct offload_counters *pc = prov_counters(mp ? mp->prov : NULL);

        e->req = e->cur_req;
        e->cur_req = NULL;
        e->req->enq_us = now_us;
        offload_entry_enqueue(e);
        pc->enqueued++;
        offload_mgr.worker_counters[e->worker].enqueued++;
        COVERAGE_INC(offload_enqueue);
        e->state = OFFLOAD_ST_PENDING;
        offload_reason_set(&e->reason, OFFLOAD_R_PENDING, "pending");
        e->since_ms = now_us / 1000;
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
}

void
offload_flows_forget_disabled(void)
{
    struct offload_entry *e;

    pthread_mutex_lock(&offload_mgr.mutex);
    HMAP_FOR_EACH (e, node, &offload_mgr.flows) {
        if (e->state == OFFLOAD_ST_REFUSED
            && e->reason.code == OFFLOAD_R_DISABLED) {
            e->state = OFFLOAD_ST_NONE;
            offload_reason_set(&e->reason, OFFLOAD_R_NONE, NULL);
        }
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
}

void
offload_flows_free_all(void)
{
    struct offload_entry *e;

    pthread_mutex_lock(&offload_mgr.mutex);
    HMAP_FOR_EACH_SAFE (e, node, &offload_mgr.flows) {
        hmap_remove(&offload_mgr.flows, &e->node);
        entry_free(e);
    }
    offload_stale_clear();
    for (size_t i = 0; i < OFFLOAD_MAX_THREADS; i++) {
        dlist_init(&offload_mgr.workers[i].queue);
        dlist_init(&offload_mgr.workers[i].hw);
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
}
