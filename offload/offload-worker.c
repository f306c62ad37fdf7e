/* offload-worker.c: the worker threads that put flows into hardware and
 * read their counters.
 *
 * Each worker owns the flows whose ufid hashes to it: a queue of flows
 * with a put to try and a list of flows in hardware.  A pass takes up to
 * OFFLOAD_BATCH_MAX queued flows, removes the old rules of those being
 * replaced (one flow_del() per provider), then puts the new ones (one
 * flow_put() per provider) and records the results.  Every
 * OFFLOAD_STATS_INTERVAL_MS a pass reads the counters of the worker's
 * flows in hardware, all of a provider's in one flow_stats() call (less
 * often when a pass takes long: at most a tenth of the worker's time).
 *
 * A pass holds the read lock from before it takes its flows until after
 * it has recorded the results, and marks its flows busy meanwhile (see
 * offload-private.h for why). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "offload/offload-private.h"

VLOG_DEFINE_THIS_MODULE(offload_worker);

COVERAGE_DEFINE(offload_insert);
COVERAGE_DEFINE(offload_refuse);
COVERAGE_DEFINE(offload_batch);
COVERAGE_DEFINE(offload_adopt);
COVERAGE_DEFINE(offload_stats_read);

/* A worker's provider contexts, created on first use. */
struct wctx {
    void *ctx[OFFLOAD_MAX_PROVIDERS];
    bool made[OFFLOAD_MAX_PROVIDERS];
};

static void *
wctx_get(struct wctx *c, const struct offload_prov *p)
{
    if (!c->made[p->idx]) {
        c->ctx[p->idx] = offload_prov_ctx_create(p);
        c->made[p->idx] = true;
    }
    return c->ctx[p->idx];
}

static void
wctx_destroy(struct wctx *c)
{
    for (size_t i = 0; i < OFFLOAD_MAX_PROVIDERS; i++) {
        if (c->made[i]) {
            offload_prov_ctx_destroy(&offload_mgr.provs[i], c->ctx[i]);
            c->made[i] = false;
        }
    }
}

/* One flow of a put pass. */
struct item {
    struct offload_entry *e;
    struct offload_req *req;
    struct offload_prov *target; /* NULL: refused without asking. */
    struct offload_reason why;   /* If 'target' is NULL. */

    /* The rule being replaced. */
    bool had_old;
    struct offload_prov *old_prov;
    uint64_t old_handle;
    uint32_t old_port;
    struct offload_stats old_final;

    struct offload_stale *stale; /* Found by reconcile() for this ufid. */
    bool adopted;                /* The put replaces 'stale' in place. */

    struct offload_put_result res;
};

/* Removes, per provider, the replaced rules and the stale rules the put
 * does not adopt. */
static void
del_phase(struct item *items, size_t n, struct wctx *c)
{
    const struct offload_port *ports[2 * OFFLOAD_BATCH_MAX];
    struct offload_ufid ufids[2 * OFFLOAD_BATCH_MAX];
    uint64_t handles[2 * OFFLOAD_BATCH_MAX];
    struct offload_stats stats[2 * OFFLOAD_BATCH_MAX];
    int errors[2 * OFFLOAD_BATCH_MAX];
    struct item *owner[2 * OFFLOAD_BATCH_MAX]; /* NULL: a stale rule. */

    for (size_t pi = 0; pi < offload_mgr.n_provs; pi++) {
        struct offload_prov *p = &offload_mgr.provs[pi];
        size_t k = 0;

        for (size_t i = 0; i < n; i++) {
            struct item *it = &items[i];
            const struct offload_port *port;

            if (it->had_old && it->old_prov == p
                && (port = offload_port_lookup(it->old_port))) {
                ports[k] = port;
                ufids[k] = it->e->ufid;
                handles[k] = it->old_handle;
                owner[k++] = it;
            }
            if (it->stale && !it->adopted && it->stale->prov == p
                && (port = offload_port_lookup(it->stale->rule.in_odp_port))
                && port->provider == p->cls) {
                ports[k] = port;
                ufids[k] = it->stale->rule.ufid;
                handles[k] = it->stale->rule.handle;
                owner[k++] = NULL;
            }
        }
        if (!k) {
            continue;
        }
        memset(stats, 0, k * sizeof *stats);
        memset(errors, 0, k * sizeof *errors);
        p->cls->flow_del(wctx_get(c, p), ports, ufids, handles, k, stats,
                         errors);
        for (size_t j = 0; j < k; j++) {
            if (owner[j] && !errors[j]) {
                owner[j]->old_final = stats[j];
            }
        }
    }
}

/* Puts, per provider, the flows that have one. */
static void
put_phase(struct item *items, size_t n, struct wctx *c)
{
    struct offload_flow flows[OFFLOAD_BATCH_MAX];
    struct offload_put_result results[OFFLOAD_BATCH_MAX];
    struct item *owner[OFFLOAD_BATCH_MAX];

    for (size_t pi = 0; pi < offload_mgr.n_provs; pi++) {
        struct offload_prov *p = &offload_mgr.provs[pi];
        size_t k = 0;

        for (size_t i = 0; i < n; i++) {
            struct item *it = &items[i];
            struct offload_req *r = it->req;

            if (it->target != p) {
                continue;
            }
            flows[k] = offload_req_to_flow(r, &it->e->ufid);
            memset(&results[k], 0, sizeof results[k]);
            owner[k++] = it;
        }
        if (!k) {
            continue;
        }
        COVERAGE_INC(offload_batch);
        p->cls->flow_put(wctx_get(c, p), flows, k, results);
        for (size_t j = 0; j < k; j++) {
            owner[j]->res = results[j];
        }
    }
}

/* Records the outcome of IT (under 'mutex'). */
static void
record_put(struct offload_worker *w, struct item *it, long long now_us)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(20, 20);
    struct offload_entry *e = it->e;
    struct offload_counters *wc = &offload_mgr.worker_counters[w->idx];
    struct offload_counters *pc =
        it->target ? &it->target->counters : &offload_mgr.none_counters;
    uint64_t latency =
        now_us > it->req->enq_us ? (uint64_t) (now_us - it->req->enq_us) : 0;

    if (it->had_old) {
        offload_entry_hw_gone(e, &it->old_final);
    }
    e->last_prov = it->target;
    if (it->target && !it->res.error) {
        offload_entry_hw_set(e, it->target, it->res.handle, it->req->in_port,
                             it->res.partial);
        pc->inserted++;
        wc->inserted++;
        COVERAGE_INC(offload_insert);
    } else {
        struct offload_reason why = it->why;

        if (it->target) {
            why = it->res.reason;
            if (why.code == OFFLOAD_R_NONE || why.code == OFFLOAD_R_PENDING) {
                /* A provider that gave an errno but no reason still gets
                 * its refusal explained. */
                offload_reason_set(
                    &why, OFFLOAD_R_DEVICE, "%s: %s", it->target->cls->name,
                    why.msg[0] ? why.msg : nf_strerror(it->res.error));
            }
        }
        e->state = OFFLOAD_ST_REFUSED;
        e->partial = false;
        e->reason = why;
        offload_counters_refuse(pc, why.code);
        offload_counters_refuse(wc, why.code);
        COVERAGE_INC(offload_refuse);
        VLOG_DBG_RL(&rl, "flow refused: %s", why.msg);
    }
    offload_hist_add(&pc->latency, latency);
    offload_hist_add(&wc->latency, latency);
    e->since_ms = now_us / 1000;
    offload_req_free(e->cur_req);
    e->cur_req = it->req;
    e->busy = false;
    if (e->req && !e->dying) {
        /* Offered again while we worked: the newest goes to the back. */
        offload_entry_enqueue(e);
        if (!e->in_hw) {
            e->state = OFFLOAD_ST_PENDING;
            offload_reason_set(&e->reason, OFFLOAD_R_PENDING, "pending");
        }
    }
}

static void
put_pass(struct offload_worker *w, struct wctx *c)
{
    struct item items[OFFLOAD_BATCH_MAX];
    size_t n = 0;

    pthread_rwlock_rdlock(&offload_mgr.rwlock);
    pthread_mutex_lock(&offload_mgr.mutex);
    while (n < OFFLOAD_BATCH_MAX && !dlist_is_empty(&w->queue)) {
        struct offload_entry *e = CONTAINER_OF(dlist_pop_front(&w->queue),
                                               struct offload_entry, qnode);
        struct item *it = &items[n++];

        memset(it, 0, sizeof *it);
        e->queued = false;
        e->busy = true;
        it->e = e;
        it->req = e->req;
        e->req = NULL;
        if (e->in_hw) {
            it->had_old = true;
            it->old_prov = e->hw_prov;
            it->old_handle = e->handle;
            it->old_port = e->hw_port;
            it->old_final = e->cur;
        }
        it->stale = offload_stale_take(&e->ufid);
    }
    w->in_pass = n > 0;
    pthread_mutex_unlock(&offload_mgr.mutex);

    for (size_t i = 0; i < n; i++) {
        struct item *it = &items[i];

        it->target = offload_req_target(it->req, &it->why);
        if (it->stale && it->target && it->stale->prov == it->target
            && it->stale->rule.in_odp_port == it->req->in_port) {
            /* The provider replaces a rule of the same ufid in place:
             * the rule an earlier run left becomes this flow's. */
            it->adopted = true;
            COVERAGE_INC(offload_adopt);
        }
    }
    del_phase(items, n, c);
    put_phase(items, n, c);

    long long now_us = nf_time_usec();
    pthread_mutex_lock(&offload_mgr.mutex);
    for (size_t i = 0; i < n; i++) {
        record_put(w, &items[i], now_us);
        if (items[i].stale && !items[i].adopted) {
            items[i].stale->prov->counters.removed++;
        }
    }
    w->in_pass = false;
    pthread_cond_broadcast(&offload_mgr.done);
    pthread_mutex_unlock(&offload_mgr.mutex);
    pthread_rwlock_unlock(&offload_mgr.rwlock);

    for (size_t i = 0; i < n; i++) {
        free(items[i].stale);
    }
}

static void
stats_pass(struct offload_worker *w, struct wctx *c)
{
    struct offload_entry **es;
    uint64_t *handles;
    struct offload_stats *stats;
    const struct offload_port **ports;
    int *errors;
    size_t n = 0;

    pthread_rwlock_rdlock(&offload_mgr.rwlock);
    pthread_mutex_lock(&offload_mgr.mutex);
    size_t cap = dlist_size(&w->hw);
    if (!cap) {
        pthread_mutex_unlock(&offload_mgr.mutex);
        pthread_rwlock_unlock(&offload_mgr.rwlock);
        return;
    }
    es = xcalloc(cap, sizeof *es);
    handles = xcalloc(cap, sizeof *handles);
    stats = xcalloc(cap, sizeof *stats);
    ports = xcalloc(cap, sizeof *ports);
    errors = xcalloc(cap, sizeof *errors);
    struct offload_entry *e;
    DLIST_FOR_EACH (e, hw_node, &w->hw) {
        if (!e->busy && !e->dying) {
            e->busy = true;
            es[n++] = e;
        }
    }
    w->in_pass = n > 0;
    pthread_mutex_unlock(&offload_mgr.mutex);

    /* One call per provider with all of its rules: a provider reads
     * counters by dumping a port's rules (TC has no cheaper way), so
     * calls of a few dozen rules each would dump every port once per call,
     * quadratic in the number of rules.  'idx' keeps the order so the
     * results line up with 'es'. */
    size_t *idx = xcalloc(n ? n : 1, sizeof *idx);
    struct offload_stats *got = xcalloc(n ? n : 1, sizeof *got);
    int *errs = xcalloc(n ? n : 1, sizeof *errs);
    for (size_t pi = 0; pi < offload_mgr.n_provs; pi++) {
        struct offload_prov *p = &offload_mgr.provs[pi];
        size_t k = 0;

        for (size_t i = 0; i < n; i++) {
            if (es[i]->hw_prov != p) {
                continue;
            }
            const struct offload_port *port =
                offload_port_lookup(es[i]->hw_port);
            if (port) {
                ports[k] = port;
                handles[k] = es[i]->handle;
                idx[k++] = i;
            } else {
                errors[i] = ENOENT;
            }
        }
        if (!k) {
            continue;
        }
        memset(got, 0, k * sizeof *got);
        memset(errs, 0, k * sizeof *errs);
        p->cls->flow_stats(wctx_get(c, p), ports, handles, k, got, errs);
        for (size_t j = 0; j < k; j++) {
            stats[idx[j]] = got[j];
            errors[idx[j]] = errs[j];
        }
        COVERAGE_INC(offload_stats_read);
    }
    free(idx);
    free(got);
    free(errs);

    pthread_mutex_lock(&offload_mgr.mutex);
    for (size_t i = 0; i < n; i++) {
        e = es[i];
        /* Counters only grow: a read below the last is a device that
         * reset them, and the last read stands. */
        if (!errors[i] && stats[i].n_packets >= e->cur.n_packets
            && stats[i].n_bytes >= e->cur.n_bytes) {
            long long used = e->cur.used;
            e->cur = stats[i];
            if (used > e->cur.used) {
                e->cur.used = used;
            }
        }
        e->busy = false;
    }
    w->in_pass = false;
    pthread_cond_broadcast(&offload_mgr.done);
    pthread_mutex_unlock(&offload_mgr.mutex);
    pthread_rwlock_unlock(&offload_mgr.rwlock);
    free(es);
    free(handles);
    free(stats);
    free(ports);
    free(errors);
}

static void *
worker_main(void *w_)
{
    struct offload_worker *w = w_;
    struct wctx c;
    char name[16];

    memset(&c, 0, sizeof c);
    snprintf(name, sizeof name, "offload%u", w->idx % 100);
    pthread_setname_np(pthread_self(), name);

    pthread_mutex_lock(&offload_mgr.mutex);
    w->next_stats_ms = nf_time_msec() + OFFLOAD_STATS_INTERVAL_MS;
    while (!w->stop) {
        /* Counters first when due, so that a long queue does not keep
         * them from being read. */
        long long now = nf_time_msec();
        if (now >= w->next_stats_ms) {
            pthread_mutex_unlock(&offload_mgr.mutex);
            long long t0 = nf_time_msec();
            stats_pass(w, &c);
            long long t1 = nf_time_msec();
            pthread_mutex_lock(&offload_mgr.mutex);
            /* Reading counters costs in proportion to the rules in
             * hardware (a dump); with many rules it would crowd out the
             * puts.  Keep it under a tenth of the worker's time: wait ten
             * times as long as the pass took, if that is more than the
             * interval. */
            long long gap = 10 * (t1 - t0);
            w->next_stats_ms = t1
                               + (gap > OFFLOAD_STATS_INTERVAL_MS
                                      ? gap
                                      : OFFLOAD_STATS_INTERVAL_MS);
            continue;
        }
        if (!dlist_is_empty(&w->queue)) {
            pthread_mutex_unlock(&offload_mgr.mutex);
            put_pass(w, &c);
            pthread_mutex_lock(&offload_mgr.mutex);
            continue;
        }
        struct timespec ts;
        long long wait_ms = w->next_stats_ms - now;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += wait_ms / 1000;
        ts.tv_nsec += (wait_ms % 1000) * 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&w->wake, &offload_mgr.mutex, &ts);
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
    wctx_destroy(&c);
    return NULL;
}

void
offload_workers_init(void)
{
    pthread_condattr_t attr;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    for (size_t i = 0; i < OFFLOAD_MAX_THREADS; i++) {
        struct offload_worker *w = &offload_mgr.workers[i];

        w->idx = i;
        pthread_cond_init(&w->wake, &attr);
        dlist_init(&w->queue);
        dlist_init(&w->hw);
    }
    pthread_condattr_destroy(&attr);
}

void
offload_workers_start(unsigned n)
{
    offload_mgr.n_workers = n;
    for (unsigned i = 0; i < n; i++) {
        struct offload_worker *w = &offload_mgr.workers[i];
        int error;

        pthread_mutex_lock(&offload_mgr.mutex);
        w->stop = false;
        w->running = true;
        pthread_mutex_unlock(&offload_mgr.mutex);
        error = pthread_create(&w->thread, NULL, worker_main, w);
        if (error) {
            nf_abort("offload: cannot start worker %u: %s", i,
                     nf_strerror(error));
        }
    }
}

void
offload_workers_stop(void)
{
    pthread_mutex_lock(&offload_mgr.mutex);
    for (size_t i = 0; i < OFFLOAD_MAX_THREADS; i++) {
        struct offload_worker *w = &offload_mgr.workers[i];

        if (w->running) {
            w->stop = true;
            pthread_cond_signal(&w->wake);
        }
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
    for (size_t i = 0; i < OFFLOAD_MAX_THREADS; i++) {
        struct offload_worker *w = &offload_mgr.workers[i];

        if (w->running) {
            pthread_join(w->thread, NULL);
            w->running = false;
        }
    }
}

bool
offload_workers_idle(void)
{
    bool idle = true;

    pthread_mutex_lock(&offload_mgr.mutex);
    for (size_t i = 0; i < OFFLOAD_MAX_THREADS; i++) {
        const struct offload_worker *w = &offload_mgr.workers[i];

        if (!dlist_is_empty(&w->queue) || w->in_pass) {
            idle = false;
        }
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
    return idle;
}

void
offload_workers_reshard(unsigned n)
{
    struct dlist queued, hw;
    struct offload_entry *e;

    if (!n) {
        n = 1;
    }
    pthread_mutex_lock(&offload_mgr.mutex);
    dlist_init(&queued);
    dlist_init(&hw);
    /* Queue order is kept across the move, worker by worker. */
    for (size_t i = 0; i < OFFLOAD_MAX_THREADS; i++) {
        struct offload_worker *w = &offload_mgr.workers[i];

        while (!dlist_is_empty(&w->queue)) {
            dlist_push_back(&queued, dlist_pop_front(&w->queue));
        }
        while (!dlist_is_empty(&w->hw)) {
            dlist_push_back(&hw, dlist_pop_front(&w->hw));
        }
    }
    offload_mgr.n_workers = n;
    HMAP_FOR_EACH (e, node, &offload_mgr.flows) {
        unsigned to = e->node.hash % n;

        if (e->in_hw && to != e->worker) {
            offload_mgr.worker_counters[e->worker].in_hw--;
            offload_mgr.worker_counters[to].in_hw++;
        }
        e->worker = to;
    }
    while (!dlist_is_empty(&queued)) {
        e = CONTAINER_OF(dlist_pop_front(&queued), struct offload_entry,
                         qnode);
        dlist_push_back(&offload_mgr.workers[e->worker].queue, &e->qnode);
    }
    while (!dlist_is_empty(&hw)) {
        e = CONTAINER_OF(dlist_pop_front(&hw), struct offload_entry, hw_node);
        dlist_push_back(&offload_mgr.workers[e->worker].hw, &e->hw_node);
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
}
