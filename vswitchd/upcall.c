/* upcall.c: the upcall handler threads and the revalidator (see
 * upcall.h).  Handler threads take the daemon lock (biglock.h) for
 * everything but reading upcalls, installing flows and executing packets;
 * the revalidator runs on the main thread, which holds the lock.
 *
 * Cost notes, since the flow table can hold hundreds of thousands of
 * flows:
 *
 *   - A revalidator pass walks its own ukeys (an array, so a pass can stop
 *     and resume) and reads their counters with dpif_flow_get_stats(), 64
 *     at a time: no dump, so no copy of any key, mask or actions, and no
 *     second hash lookup to match a dumped flow to its ukey.
 *   - A pass runs in slices of at most REVAL_SLICE_US, resumed from a
 *     timer, so that misses, OpenFlow connections and control commands are
 *     served between slices instead of waiting for a whole pass over every
 *     flow; the handler likewise lets the lock go at least every batch
 *     and stops looking for more after UPCALL_SLICE_US.  While misses keep coming faster than the handler
 *     takes them (it used its whole slice), a slice reads one batch of
 *     counters only, and slices come REVAL_BUSY_GAP_MS apart: setting up
 *     flows comes before crediting counters, which can wait (on the
 *     kernel datapath a pass reads every flow's counters with a request
 *     each, and with tens of thousands of flows passes would otherwise
 *     take a third of the thread).
 *   - A flow is translated again only when the translation generation
 *     changed, or, for a flow that goes through NORMAL, to refresh MAC
 *     learning; a flow whose pipeline learns nothing is never translated
 *     twice just because it keeps forwarding. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/coverage.h"
#include "lib/evloop.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofctl/flow-text.h"
#include "offload/offload.h"
#include "softpath/dpctl.h"
#include "softpath/dpif.h"
#include "softpath/odp.h"
#include "vswitchd/biglock.h"
#include "vswitchd/mac-learning.h"
#include "vswitchd/upcall-private.h"
#include "vswitchd/upcall.h"
#include "vswitchd/xlate.h"

VLOG_DEFINE_THIS_MODULE(upcall);

COVERAGE_DEFINE(upcall_miss);
COVERAGE_DEFINE(upcall_miss_recent);
COVERAGE_DEFINE(upcall_handler_batch); /* Handled on a handler thread. */
COVERAGE_DEFINE(upcall_flow_installed);
COVERAGE_DEFINE(upcall_flow_put_failed);
COVERAGE_DEFINE(upcall_lost_reasserted);
COVERAGE_DEFINE(revalidate_modified);
COVERAGE_DEFINE(revalidate_deleted);
COVERAGE_DEFINE(revalidate_idle);
COVERAGE_DEFINE(revalidate_vanished);
COVERAGE_DEFINE(revalidate_slice);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

static void check_lost_upcalls(void);

/* The longest the handler keeps the main thread per wakeup, so that a
 * flood of misses cannot starve the rest of the main loop; checked every
 * UPCALL_BATCH misses, which are translated one by one, then installed
 * together (dpif_flow_put_batch()) and then sent on together
 * (dpif_execute_batch()): on the kernel datapath, one round trip each
 * for the batch instead of two per miss. */
#define UPCALL_SLICE_US 2000
#define UPCALL_BATCH 32

/* How often a flow that keeps forwarding is translated again with
 * learning allowed, to refresh the MAC entries its packets stand for. */
#define RELEARN_INTERVAL_MS 5000

/* Flows whose counters one dpif_flow_get_stats() call reads: one lock of
 * the datapath per batch, short enough not to hold up its thread. */
#define REVAL_BATCH 64

/* The longest a revalidator slice keeps the main thread.  The next slice
 * runs from a timer 1 ms later (a zero delay would run it within the same
 * round of timers, before any descriptor is served). */
#define REVAL_SLICE_US 2000

/* How long after the handler last used its whole slice (misses queued
 * faster than it took them) revalidator slices stay one batch long, and
 * come REVAL_BUSY_GAP_MS apart instead of 1 ms. */
#define UPCALL_BUSY_MS 50
#define REVAL_BUSY_GAP_MS 10

/* The userdata of the one action of a "slow path" flow: a megaflow whose
 * every packet must come to nicflowd (it goes to a controller).  Such a
 * flow is installed, as Open vSwitch installs its slow_path(controller)
 * flows, so that those packets arrive as action upcalls of a known flow
 * instead of as misses that each try to install one, and so that
 * dpctl/dump-flows shows them (with the reason no hardware takes them). */
static const uint8_t slow_path_userdata[8] = { 'n', 'f', 's', 'l',
                                               'o', 'w', 0,   1 };

void
upcall_slow_path_actions(struct buf *out)
{
    odp_put_userspace(out, 0, slow_path_userdata, sizeof slow_path_userdata);
}

static bool
is_slow_path_upcall(const struct dpif_upcall *up)
{
    return up->type == DPIF_UC_ACTION
           && up->userdata.len == sizeof slow_path_userdata
           && !memcmp(up->userdata.data, slow_path_userdata,
                      sizeof slow_path_userdata);
}

/* One installed datapath flow.  Its key, mask and actions are one
 * allocation of exactly their size, in that order (ukey_key() and the
 * others): a host with a few hundred thousand flows keeps one of these
 * per flow, and the handler makes one per miss. */
struct ukey {
    struct hmap_node node; /* In ukeys, by ufid. */
    size_t idx;            /* In ukv[]. */
    struct dpif_ufid ufid;
    uint8_t *fm; /* Key, then mask, then actions. */
    size_t key_len, mask_len, actions_len;
    struct xlate_hit *hits;
    size_t n_hits;
    uint64_t generation;
    bool learns; /* Its translation went through NORMAL's learning. */
    uint64_t n_packets, n_bytes; /* Already credited. */
    /* Final hardware counters of the rules this flow had before it last
     * left hardware (offload_flow_del() forgets them). */
    uint64_t hw_packets, hw_bytes;
    long long created_ms;
    long long learned_ms;
};

static const uint8_t *
ukey_key(const struct ukey *uk)
{
    return uk->fm;
}

static const uint8_t *
ukey_mask(const struct ukey *uk)
{
    return uk->fm + uk->key_len;
}

static const uint8_t *
ukey_actions(const struct ukey *uk)
{
    return uk->fm + uk->key_len + uk->mask_len;
}

/* Gives UK the flow of KEY, MASK and ACTIONS (copied), replacing any it
 * had. */
static void
ukey_set_flow(struct ukey *uk, const void *key, size_t key_len,
              const void *mask, size_t mask_len, const void *actions,
              size_t actions_len)
{
    uint8_t *fm = xmalloc(key_len + mask_len + actions_len);

    /* (The old ones may be the source: copy first, then free.) */
    memcpy(fm, key, key_len);
    if (mask_len) {
        memcpy(fm + key_len, mask, mask_len);
    }
    if (actions_len) {
        memcpy(fm + key_len + mask_len, actions, actions_len);
    }
    free(uk->fm);
    uk->fm = fm;
    uk->key_len = key_len;
    uk->mask_len = mask_len;
    uk->actions_len = actions_len;
}

static struct evloop *loop;
static struct dpif *dpif;
static int recv_fd = -1;
static struct hmap ukeys = HMAP_INITIALIZER;
/* The same ukeys in an array, which a pass walks from the end down:
 * removal moves the last ukey into the hole, and the last one is always
 * one the pass has seen (or one added since it started, which needs no
 * pass), so no ukey is skipped. */
static struct ukey **ukv;
static size_t n_ukv, allocated_ukv;
static struct evloop_timer *reval_timer;
static size_t flow_limit = UPCALL_DEFAULT_FLOW_LIMIT; /* Configured. */
/* The limit in force (upcall_flow_limit_adjust() after every pass), and a
 * running average of the flows, as upcall/show prints them. */
static size_t dyn_limit = UPCALL_DEFAULT_FLOW_LIMIT;
static size_t avg_flows;
static unsigned int max_idle_ms = UPCALL_DEFAULT_MAX_IDLE_MS;
static uint64_t last_generation;
static long long last_full_pass;
static bool reval_soon;

/* The pass in progress, if 'pass_active': ukv[0 .. pass_pos - 1] are yet
 * to be seen; it translates again flows made at a generation other than
 * 'pass_gen'. */
static bool pass_active;
static size_t pass_pos;
static uint64_t pass_gen;
static long long pass_start_ms, pass_busy_us;
static struct evloop_timer *pass_timer;

/* The upcall handler threads (handlers_start()), and the eventfd that
 * tells them to stop, with HANDLERS_STOPPING. */
struct handler;
static struct handler *handlers;
static size_t n_handlers;
static int handlers_stop_fd = -1;
static bool handlers_stopping;
static size_t n_handlers_cfg; /* other_config:n-handler-threads, 0: auto. */

/* When the upcall handler last stopped with misses still queued. */
static long long upcall_busy_ms = LLONG_MIN / 2;

/* Statistics for upcall/show. */
static uint64_t n_upcalls, n_installed, n_slow;
static size_t max_flows;
static long long last_dump_ms, last_pass_wall_ms;

static uint32_t
ufid_hash(const struct dpif_ufid *u)
{
    /* A ufid is already a hash of the key: its first word will do. */
    return u->u32[0];
}

_Static_assert(sizeof(struct dpif_ufid) == sizeof(struct offload_ufid),
               "a datapath ufid is an offload ufid");

static const struct offload_ufid *
oufid(const struct dpif_ufid *u)
{
    return (const struct offload_ufid *) u;
}

/* Offers UK's flow for hardware (a no-op while offload is off). */
static void
ukey_offload(const struct ukey *uk)
{
    if (offload_is_enabled()) {
        offload_flow_put(oufid(&uk->ufid), ukey_key(uk), uk->key_len,
                         ukey_mask(uk), uk->mask_len, ukey_actions(uk),
                         uk->actions_len);
    }
}

/* Takes UK's flow out of hardware, keeping what its rules counted. */
static void
ukey_unoffload(struct ukey *uk)
{
    struct offload_stats hw;

    memset(&hw, 0, sizeof hw);
    offload_flow_del(oufid(&uk->ufid), 1, &hw);
    uk->hw_packets += hw.n_packets;
    uk->hw_bytes += hw.n_bytes;
}

/* Adds to ST (a flow's software counters) what its rules counted in
 * hardware, past and present; returns true while the flow is too young
 * in hardware for its counters to be trusted (offloaded-stats-delay). */
static bool
ukey_add_hw_stats(const struct ukey *uk, const struct offload_stats *hw,
                  bool young, struct dpif_flow_stats *st)
{
    st->n_packets += uk->hw_packets + hw->n_packets;
    st->n_bytes += uk->hw_bytes + hw->n_bytes;
    if (hw->used > st->used) {
        st->used = hw->used;
    }
    return young;
}

static struct ukey *
ukey_find(const struct dpif_ufid *ufid)
{
    struct ukey *uk;

    HMAP_FOR_EACH_WITH_HASH (uk, node, ufid_hash(ufid), &ukeys) {
        if (!memcmp(&uk->ufid, ufid, sizeof *ufid)) {
            return uk;
        }
    }
    return NULL;
}

/* The ukey holds a reference to every rule it credits, so that a
 * flow-mod deleting a rule, or a bridge going away, before the flow's
 * last statistics are credited leaves nothing dangling. */
static void
ukey_unref_hits(struct ukey *uk)
{
    for (size_t i = 0; i < uk->n_hits; i++) {
        ofproto_rule_unref(uk->hits[i].rule);
    }
}

static void
ukey_set_hits(struct ukey *uk, const struct xlate_out *out)
{
    for (size_t i = 0; i < out->n_hits; i++) {
        ofproto_rule_ref(out->hits[i].rule);
    }
    ukey_unref_hits(uk);
    if (out->n_hits != uk->n_hits) {
        free(uk->hits);
        uk->hits =
            out->n_hits ? xmalloc(out->n_hits * sizeof *out->hits) : NULL;
        uk->n_hits = out->n_hits;
    }
    if (out->n_hits) {
        memcpy(uk->hits, out->hits, out->n_hits * sizeof *out->hits);
    }
    uk->generation = out->generation;
    uk->learns = out->learns;
}

static void
ukey_insert(struct ukey *uk)
{
    hmap_insert(&ukeys, &uk->node, ufid_hash(&uk->ufid));
    if (n_ukv == allocated_ukv) {
        allocated_ukv = allocated_ukv ? 2 * allocated_ukv : 1024;
        ukv = xrealloc(ukv, allocated_ukv * sizeof *ukv);
    }
    uk->idx = n_ukv;
    ukv[n_ukv++] = uk;
    if (n_ukv > max_flows) {
        max_flows = n_ukv;
    }
}

static void
ukey_free(struct ukey *uk)
{
    free(uk->fm);
    ukey_unref_hits(uk);
    free(uk->hits);
    free(uk);
}

static void
ukey_destroy(struct ukey *uk)
{
    hmap_remove(&ukeys, &uk->node);
    struct ukey *last = ukv[--n_ukv];
    ukv[uk->idx] = last;
    last->idx = uk->idx;
    if (pass_pos > n_ukv) {
        pass_pos = n_ukv;
    }
    ukey_free(uk);
}

static void
ukeys_clear(void)
{
    while (n_ukv) {
        ukey_unoffload(ukv[n_ukv - 1]);
        ukey_destroy(ukv[n_ukv - 1]);
    }
    free(ukv);
    ukv = NULL;
    allocated_ukv = 0;
    hmap_destroy(&ukeys);
    hmap_init(&ukeys);
}

/* Credits the packets and bytes a flow forwarded since the last time to
 * the rules it went through. */
static void
ukey_credit(struct ukey *uk, const struct dpif_flow_stats *st)
{
    if (st->n_packets <= uk->n_packets) {
        return;
    }
    uint64_t dp = st->n_packets - uk->n_packets;
    uint64_t db = st->n_bytes - uk->n_bytes;
    for (size_t i = 0; i < uk->n_hits; i++) {
        ofproto_rule_credit(uk->hits[i].rule, dp, db, st->used);
    }
    uk->n_packets = st->n_packets;
    uk->n_bytes = st->n_bytes;
}

/* ---------------------------------------------------------------------
 * Misses.
 * --------------------------------------------------------------------- */

/* Misses recently translated, by the ufid of the packet's exact key: a
 * packet that missed while its megaflow was being installed (queued in the
 * same burst, or before the flow went in) comes back with a key already
 * seen, and when nothing has changed since (same translation generation,
 * the flow still installed) its flow's actions are run on it without a
 * second translation.  Direct-mapped: a collision just forgets the older
 * entry.  Only flows whose translation has no side effects to repeat
 * (no NORMAL learning, not slow-pathed) are kept. */
#define RECENT_SIZE 4096
struct recent_miss {
    struct dpif_ufid exact; /* The upcall's ufid. */
    struct dpif_ufid mega;  /* The installed flow's. */
    uint64_t generation;
    bool used;
};
static struct recent_miss recent[RECENT_SIZE];

static struct recent_miss *
recent_slot(const struct dpif_ufid *exact)
{
    return &recent[ufid_hash(exact) % RECENT_SIZE];
}

/* The installed flow whose actions serve upcall UP as a translation would
 * now, or NULL. */
static struct ukey *
recent_lookup(const struct dpif_upcall *up)
{
    const struct recent_miss *r = recent_slot(&up->ufid);

    if (up->type != DPIF_UC_MISS || !r->used
        || memcmp(&r->exact, &up->ufid, sizeof r->exact)
        || r->generation != xlate_generation()) {
        return NULL;
    }
    struct ukey *uk = ukey_find(&r->mega);
    return uk && uk->generation == r->generation && !uk->learns ? uk : NULL;
}

static void
recent_remember(const struct dpif_upcall *up, const struct ukey *uk)
{
    struct recent_miss *r = recent_slot(&up->ufid);

    r->exact = up->ufid;
    r->mega = uk->ufid;
    r->generation = uk->generation;
    r->used = true;
}

/* One miss of the batch upcall_cb() handles. */
struct miss {
    struct dpif_upcall up;
    struct xlate_out out;
    uint32_t in_port;
    struct ukey *uk; /* The flow to install for it, or NULL. */
};

/* Whether one of MISSES[0 .. N - 1] is to install the flow UFID. */
static bool
batch_has_ufid(const struct miss *misses, size_t n,
               const struct dpif_ufid *ufid)
{
    for (size_t i = 0; i < n; i++) {
        if (misses[i].uk && !memcmp(&misses[i].uk->ufid, ufid, sizeof *ufid)) {
            return true;
        }
    }
    return false;
}

/* Translates miss MISSES[IDX]'s packet and prepares its megaflow in
 * ->uk, which install_misses() puts with the rest of the batch; ->out
 * keeps the actions, which execute_misses() runs on the packet after. */
static void
handle_miss(struct miss *misses, size_t idx)
{
    struct miss *m = &misses[idx];
    struct flow flow;
    char *err = NULL;

    COVERAGE_INC(upcall_miss);
    n_upcalls++;
    m->uk = NULL;
    xlate_out_init(&m->out);
    if (m->up.has_flow) {
        flow = m->up.flow;
    } else if (odp_key_to_flow(m->up.key.data, m->up.key.len, &flow, &err)) {
        VLOG_WARN_RL(&rl, "upcall with a bad key: %s", err);
        free(err);
        return;
    }
    m->in_port = flow.in_port;

    struct ukey *known = recent_lookup(&m->up);
    if (known) {
        /* Its flow's actions, and its packet credited to the flow's rules
         * as a translation would have. */
        COVERAGE_INC(upcall_miss_recent);
        buf_put(&m->out.odp_actions, ukey_actions(known), known->actions_len);
        for (size_t i = 0; i < known->n_hits; i++) {
            ofproto_rule_credit(known->hits[i].rule, 1, m->up.packet->size,
                                nf_time_msec());
        }
        return;
    }
    xlate_flow(&flow, m->up.packet, true, NULL, &m->out);
    if (m->out.slow) {
        n_slow++;
        if (m->up.type != DPIF_UC_MISS) {
            /* Its slow path flow is installed already. */
            return;
        }
    }

    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct dpif_ufid ufid;
    odp_flow_to_key(&key, &flow, &m->out.mask);
    dpif_ufid_from_key(key.data, key.len, &ufid);

    struct ukey *installed = ukey_find(&ufid);
    if (installed || batch_has_ufid(misses, idx, &ufid)) {
        /* Another packet of the same megaflow was queued before the flow
         * went in (or is in this batch). */
        if (installed && !m->out.slow && !m->out.learns
            && installed->generation == m->out.generation) {
            recent_remember(&m->up, installed);
        }
        buf_destroy(&key);
        return;
    }

    struct ukey *uk = xzalloc(sizeof *uk);
    uk->ufid = ufid;
    odp_flow_to_mask(&mask, &flow, &m->out.mask);
    if (m->out.slow) {
        struct buf acts = BUF_INITIALIZER;
        upcall_slow_path_actions(&acts);
        ukey_set_flow(uk, key.data, key.len, mask.data, mask.len, acts.data,
                      acts.len);
        buf_destroy(&acts);
    } else {
        ukey_set_flow(uk, key.data, key.len, mask.data, mask.len,
                      m->out.odp_actions.data, m->out.odp_actions.len);
    }
    buf_destroy(&key);
    buf_destroy(&mask);
    /* The rules are referenced now, while the lock is held: a flow-mod
     * may delete one while the flow is being installed without it. */
    ukey_set_hits(uk, &m->out);
    m->uk = uk;
}

/* The puts of one batch of misses, from install_misses() to
 * keep_installed(). */
struct miss_puts {
    struct dpif_flow_put puts[UPCALL_BATCH];
    struct miss *of[UPCALL_BATCH];
    int errors[UPCALL_BATCH];
    char *errs[UPCALL_BATCH];
    size_t n_puts;
};

/* Installs the flows the first N misses of MISSES prepared, all in one
 * dpif_flow_put_batch(), with the daemon lock released (the datapath is
 * thread-safe, and the ukeys are the batch's own until
 * keep_installed()). */
static void
install_misses(struct miss *misses, size_t n, struct miss_puts *p)
{
    struct dpif_flow_put *puts = p->puts;
    struct miss **of = p->of;
    size_t n_puts = 0;

    p->n_puts = 0;
    for (size_t i = 0; i < n; i++) {
        struct ukey *uk = misses[i].uk;
        if (uk) {
            puts[n_puts] = (struct dpif_flow_put){
                .flags = DPIF_FP_CREATE | DPIF_FP_ENCODED,
                .key = ukey_key(uk),
                .key_len = uk->key_len,
                .mask = ukey_mask(uk),
                .mask_len = uk->mask_len,
                .actions = ukey_actions(uk),
                .actions_len = uk->actions_len,
                .ufid = &uk->ufid,
            };
            of[n_puts++] = &misses[i];
        }
    }
    p->n_puts = n_puts;
    if (!n_puts) {
        return;
    }
    biglock_unlock();
    dpif_flow_put_batch(dpif, puts, n_puts, p->errors, p->errs);
    biglock_lock();
}

/* Keeps the ukeys of the flows install_misses() put that went in (the
 * daemon lock held again). */
static void
keep_installed(struct miss_puts *p)
{
    int *errors = p->errors;
    char **errs = p->errs;

    for (size_t k = 0; k < p->n_puts; k++) {
        struct miss *m = p->of[k];
        struct ukey *uk = m->uk;

        m->uk = NULL;
        if (errors[k]) {
            if (errors[k] != EEXIST) {
                COVERAGE_INC(upcall_flow_put_failed);
                VLOG_WARN_RL(&rl, "installing a datapath flow failed: %s",
                             errs[k] ? errs[k] : nf_strerror(errors[k]));
            }
            free(errs[k]);
            ukey_free(uk);
            continue;
        }
        free(errs[k]);
        COVERAGE_INC(upcall_flow_installed);
        n_installed++;
        uk->created_ms = uk->learned_ms = nf_time_msec();
        ukey_insert(uk);
        if (!m->out.slow && !m->out.learns) {
            recent_remember(&m->up, uk);
        }
        ukey_offload(uk);
    }
}

/* Runs the actions of the first N misses of MISSES on their packets, in
 * one batch, and frees them: the daemon lock is not needed, and the
 * caller has released it. */
static void
execute_misses(struct miss *misses, size_t n)
{
    struct dpif_execute execs[UPCALL_BATCH];
    size_t n_execs = 0;
    char *err = NULL;

    for (size_t i = 0; i < n; i++) {
        const struct miss *m = &misses[i];
        if (m->out.odp_actions.len) {
            execs[n_execs++] = (struct dpif_execute){
                .packet = m->up.packet,
                .in_port = m->in_port,
                .actions = m->out.odp_actions.data,
                .actions_len = m->out.odp_actions.len,
            };
        }
    }
    if (n_execs && dpif_execute_batch(dpif, execs, n_execs, &err)) {
        VLOG_WARN_RL(&rl, "executing a missed packet failed: %s", err);
        free(err);
    }
    for (size_t i = 0; i < n; i++) {
        xlate_out_uninit(&misses[i].out);
        dpif_upcall_destroy(&misses[i].up);
    }
}

/* Handles the upcalls queued for reader IDX of the datapath until none is
 * left or UPCALL_SLICE_US have passed, in batches of UPCALL_BATCH, using
 * MISSES (the handler's own).
 * The caller holds the daemon lock; it is released while upcalls are
 * read, flows installed and packets executed, which touch nothing of
 * nicflowd's state but the batch. */
static void
handle_upcalls(size_t idx, struct miss *misses)
{
    long long t0 = nf_time_usec();
    struct miss_puts puts;

    while (dpif && !handlers_stopping) {
        size_t n = 0;
        bool more = true;

        /* Each handler reads its own queue: no lock needed. */
        biglock_unlock();
        while (n < UPCALL_BATCH) {
            struct miss *m = &misses[n];
            if (dpif_recv_handler(dpif, idx, &m->up)) {
                more = false;
                break;
            }
            if (m->up.type != DPIF_UC_MISS && !is_slow_path_upcall(&m->up)) {
                dpif_upcall_destroy(&m->up);
                continue;
            }
            n++;
        }
        biglock_lock();
        for (size_t i = 0; i < n; i++) {
            handle_miss(misses, i);
        }
        install_misses(misses, n, &puts);
        keep_installed(&puts);
        biglock_unlock();
        execute_misses(misses, n);
        biglock_lock();
        if (!more) {
            break;
        }
        if (nf_time_usec() - t0 >= UPCALL_SLICE_US) {
            upcall_busy_ms = nf_time_msec();
            break;
        }
    }
    /* Misses teach MAC addresses, which may change installed flows. */
    if (xlate_generation() != last_generation) {
        upcall_revalidate_soon();
    }
}

/* Upcalls on the main thread: only when no handler thread could be
 * started. */
static void
upcall_cb(int fd NF_UNUSED, uint32_t events NF_UNUSED, void *aux NF_UNUSED)
{
    static struct miss misses[UPCALL_BATCH];

    handle_upcalls(0, misses);
}

/* ---------------------------------------------------------------------
 * Handler threads.
 * --------------------------------------------------------------------- */

/* One upcall handler thread: it waits for upcalls on FD (the datapath's
 * queue it reads) without the daemon lock, and handles them with it. */
struct handler {
    pthread_t thread;
    size_t idx;
    int fd;
    struct miss misses[UPCALL_BATCH];
};

static void *
handler_main(void *h_)
{
    struct handler *h = h_;
    char name[16];

    snprintf(name, sizeof name, "handler%zu", h->idx + 1);
    pthread_setname_np(pthread_self(), name);
    for (;;) {
        struct pollfd pfds[2] = {
            { .fd = h->fd, .events = POLLIN },
            { .fd = handlers_stop_fd, .events = POLLIN },
        };
        if (poll(pfds, 2, -1) < 0 && errno != EINTR) {
            /* Cannot happen with two valid descriptors; do not spin. */
            VLOG_ERR_RL(&rl, "handler %zu: poll failed: %s", h->idx + 1,
                        nf_strerror(errno));
            usleep(10000);
        }
        biglock_lock();
        if (handlers_stopping) {
            biglock_unlock();
            break;
        }
        if (pfds[0].revents) {
            COVERAGE_INC(upcall_handler_batch);
            handle_upcalls(h->idx, h->misses);
        }
        biglock_unlock();
    }
    return NULL;
}

/* The handler threads other_config:n-handler-threads asks for, or by
 * default one per CPU nicflowd may run on (as Open vSwitch). */
static size_t
wanted_handlers(void)
{
    cpu_set_t set;

    if (n_handlers_cfg) {
        return n_handlers_cfg;
    }
    if (!sched_getaffinity(0, sizeof set, &set) && CPU_COUNT(&set) > 0) {
        return (size_t) CPU_COUNT(&set);
    }
    return 1;
}

static void handlers_stop(void);

/* Starts the handler threads of the datapath just set, one per reader of
 * its upcall queues (dpif_handlers_set()); if they cannot all be
 * started, the main thread reads the upcalls from its event loop. */
static void
handlers_start(void)
{
    size_t want = wanted_handlers();
    size_t n = dpif_handlers_set(dpif, want);
    int error;

    if (!n) {
        return;
    }
    handlers_stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (handlers_stop_fd < 0) {
        error = errno;
        goto main_thread;
    }
    handlers = xcalloc(n, sizeof *handlers);
    for (size_t i = 0; i < n; i++) {
        handlers[i].idx = i;
        handlers[i].fd = dpif_recv_handler_fd(dpif, i);
        error = pthread_create(&handlers[i].thread, NULL, handler_main,
                               &handlers[i]);
        if (error) {
            /* Those started so far stop; one reader for the main loop. */
            n_handlers = i;
            handlers_stop();
            dpif_handlers_set(dpif, 1);
            goto main_thread;
        }
    }
    n_handlers = n;
    if (n < want && n_handlers_cfg) {
        VLOG_INFO("%s: %zu upcall handler thread%s (%zu wanted, but the "
                  "datapath has %zu upcall queue%s)",
                  dpif_name(dpif), n, n == 1 ? "" : "s", want, n,
                  n == 1 ? "" : "s");
    } else {
        VLOG_INFO("%s: %zu upcall handler thread%s", dpif_name(dpif), n,
                  n == 1 ? "" : "s");
    }
    return;

main_thread:
    VLOG_WARN("%s: cannot start upcall handler threads (%s): upcalls are "
              "handled on the main thread",
              dpif_name(dpif), nf_strerror(error));
    if (handlers_stop_fd >= 0) {
        close(handlers_stop_fd);
        handlers_stop_fd = -1;
    }
    free(handlers);
    handlers = NULL;
    recv_fd = dpif_recv_fd(dpif);
    if (recv_fd >= 0) {
        evloop_add_fd(loop, recv_fd, EPOLLIN, upcall_cb, NULL);
    }
}

/* Stops the handler threads (or the main thread's reading).  Called on
 * the main thread, which holds the daemon lock: it lets the lock go while
 * the threads finish their batch and see that they must stop. */
static void
handlers_stop(void)
{
    if (recv_fd >= 0) {
        evloop_del_fd(loop, recv_fd);
        recv_fd = -1;
    }
    if (!n_handlers) {
        return;
    }
    uint64_t one = 1;
    handlers_stopping = true;
    if (write(handlers_stop_fd, &one, sizeof one) < 0) {
        VLOG_WARN("waking the handler threads failed: %s", nf_strerror(errno));
    }
    biglock_unlock();
    for (size_t i = 0; i < n_handlers; i++) {
        pthread_join(handlers[i].thread, NULL);
    }
    biglock_lock();
    handlers_stopping = false;
    close(handlers_stop_fd);
    handlers_stop_fd = -1;
    free(handlers);
    handlers = NULL;
    n_handlers = 0;
}

/* ---------------------------------------------------------------------
 * Revalidation.
 * --------------------------------------------------------------------- */

static void
delete_flow(struct ukey *uk)
{
    struct dpif_flow_stats st;
    struct offload_stats none;

    /* Hardware first, so that no packet is forwarded there by a flow
     * software no longer has. */
    ukey_unoffload(uk);
    memset(&st, 0, sizeof st);
    memset(&none, 0, sizeof none);
    if (!dpif_flow_del(dpif, &uk->ufid, NULL, 0, &st)) {
        ukey_add_hw_stats(uk, &none, false, &st);
        ukey_credit(uk, &st);
    }
    ukey_destroy(uk);
}

/* Translates UK's flow again; returns false if the flow must go. */
static bool
revalidate_ukey(struct ukey *uk, bool may_learn)
{
    struct flow flow;
    char *err = NULL;

    if (odp_key_to_flow(ukey_key(uk), uk->key_len, &flow, &err)) {
        free(err);
        return false;
    }

    struct xlate_out out;
    xlate_out_init(&out);
    int error = xlate_flow(&flow, NULL, may_learn, NULL, &out);
    bool keep = !error;

    if (keep && out.slow) {
        /* The flow's datapath actions are the slow path's. */
        buf_clear(&out.odp_actions);
        upcall_slow_path_actions(&out.odp_actions);
    }
    if (keep) {
        struct buf mask = BUF_INITIALIZER;
        odp_flow_to_mask(&mask, &flow, &out.mask);
        if (mask.len != uk->mask_len
            || memcmp(mask.data, ukey_mask(uk), mask.len)) {
            /* A different megaflow: the next miss installs it. */
            keep = false;
        } else if (out.odp_actions.len != uk->actions_len
                   || memcmp(out.odp_actions.data, ukey_actions(uk),
                             uk->actions_len)) {
            struct dpif_flow_put put = {
                .flags = DPIF_FP_MODIFY | DPIF_FP_ENCODED,
                .key = ukey_key(uk),
                .key_len = uk->key_len,
                .mask = ukey_mask(uk),
                .mask_len = uk->mask_len,
                .actions = out.odp_actions.data,
                .actions_len = out.odp_actions.len,
                .ufid = &uk->ufid,
            };
            /* The old actions leave hardware before software changes;
             * the new ones are offered once software has them. */
            ukey_unoffload(uk);
            if (dpif_flow_put(dpif, &put, &err)) {
                free(err);
                keep = false;
            } else {
                COVERAGE_INC(revalidate_modified);
                ukey_set_flow(uk, ukey_key(uk), uk->key_len, ukey_mask(uk),
                              uk->mask_len, out.odp_actions.data,
                              out.odp_actions.len);
                ukey_offload(uk);
            }
        }
        buf_destroy(&mask);
    }
    if (keep) {
        ukey_set_hits(uk, &out);
    }
    xlate_out_uninit(&out);
    return keep;
}

/* One flow of the pass, with its datapath counters ST (FOUND false: the
 * datapath no longer has it, e.g. after dpctl/del-flows, and the ukey
 * would only stop the next miss from installing it again). */
static void
revalidate_one(struct ukey *uk, const struct dpif_flow_stats *st, bool found,
               bool young, long long now)
{
    if (!found) {
        COVERAGE_INC(revalidate_vanished);
        ukey_unoffload(uk);
        ukey_destroy(uk);
        return;
    }

    long long used = st->used ? st->used : uk->created_ms;
    bool fresh = st->n_packets > uk->n_packets;
    if (!young && now - used >= (long long) max_idle_ms) {
        COVERAGE_INC(revalidate_idle);
        delete_flow(uk);
    } else if (uk->generation != pass_gen
               || (uk->learns && fresh
                   && now - uk->learned_ms >= RELEARN_INTERVAL_MS)) {
        bool learn = fresh;
        if (learn) {
            uk->learned_ms = now;
        }
        if (revalidate_ukey(uk, learn)) {
            ukey_credit(uk, st);
        } else {
            COVERAGE_INC(revalidate_deleted);
            delete_flow(uk);
        }
    } else {
        ukey_credit(uk, st);
    }
}

static bool upcalls_busy(long long now_ms);

/* Runs the pass in progress for up to REVAL_SLICE_US; returns true when
 * it is over. */
static bool
pass_slice(void)
{
    long long t0 = nf_time_usec();
    long long now = t0 / 1000;
    /* 0 while misses flood in: one batch, then the handler's turn. */
    long long budget = upcalls_busy(now) ? 0 : REVAL_SLICE_US;

    COVERAGE_INC(revalidate_slice);
    while (pass_pos && dpif) {
        struct ukey *batch[REVAL_BATCH];
        struct dpif_ufid ufids[REVAL_BATCH];
        struct dpif_flow_stats stats[REVAL_BATCH];
        struct offload_stats hw[REVAL_BATCH];
        bool found[REVAL_BATCH], young[REVAL_BATCH];
        size_t n = pass_pos < REVAL_BATCH ? pass_pos : REVAL_BATCH;

        /* Seen from here on: revalidate_one() may remove any of them, and
         * the ukeys moved into their places come from above. */
        pass_pos -= n;
        for (size_t i = 0; i < n; i++) {
            batch[i] = ukv[pass_pos + i];
            ufids[i] = batch[i]->ufid;
        }
        dpif_flow_get_stats(dpif, ufids, n, stats, found);
        memset(hw, 0, sizeof hw);
        memset(young, 0, sizeof young);
        offload_flow_get_stats((const struct offload_ufid *) ufids, n, hw,
                               young);
        for (size_t i = 0; i < n; i++) {
            bool y = ukey_add_hw_stats(batch[i], &hw[i], young[i], &stats[i]);
            revalidate_one(batch[i], &stats[i], found[i], y, now);
        }
        long long t = nf_time_usec();
        now = t / 1000;
        if (t - t0 >= budget) {
            break;
        }
    }
    pass_busy_us += nf_time_usec() - t0;
    if (pass_pos && dpif) {
        return false;
    }
    pass_active = false;
    last_dump_ms = pass_busy_us / 1000;
    last_pass_wall_ms = nf_time_msec() - pass_start_ms;
    avg_flows = (avg_flows + n_ukv) / 2;
    size_t lim =
        upcall_flow_limit_adjust(dyn_limit, flow_limit, n_ukv, last_dump_ms);
    if (lim != dyn_limit) {
        VLOG_INFO_RL(&rl,
                     "flow limit %zu -> %zu (a pass over %zu flows took "
                     "%lld ms)",
                     dyn_limit, lim, n_ukv, last_dump_ms);
        dyn_limit = lim;
        if (dpif) {
            dpif_set_flow_limit(dpif, dyn_limit);
        }
    }
    /* Learning during the pass, or a change while it was sliced, made a
     * newer generation: the next tick starts another pass. */
    if (xlate_generation() != pass_gen) {
        reval_soon = true;
    }
    return true;
}

/* Whether misses have been coming faster than the handler takes them. */
static bool
upcalls_busy(long long now_ms)
{
    return now_ms - upcall_busy_ms < UPCALL_BUSY_MS;
}

static void
pass_timer_cb(void *aux NF_UNUSED)
{
    pass_timer = NULL;
    if (pass_active && !pass_slice()) {
        int gap = upcalls_busy(nf_time_msec()) ? REVAL_BUSY_GAP_MS : 1;
        pass_timer = evloop_add_timer(loop, gap, 0, pass_timer_cb, NULL);
    }
}

static void
pass_cancel(void)
{
    pass_active = false;
    pass_pos = 0;
    if (pass_timer) {
        evloop_cancel_timer(loop, pass_timer);
        pass_timer = NULL;
    }
}

/* Starts a pass over every flow, if FULL or the translation generation
 * changed, unless one is still running. */
static void
revalidate(bool full)
{
    if (!dpif || pass_active) {
        return;
    }
    uint64_t gen = xlate_generation();
    bool changed = gen != last_generation;
    if (!changed && !full) {
        return;
    }
    last_generation = gen;
    reval_soon = false;

    pass_active = true;
    pass_pos = n_ukv;
    pass_gen = gen;
    pass_start_ms = nf_time_msec();
    pass_busy_us = 0;
    pass_timer_cb(NULL);
}

static void
reval_timer_cb(void *aux NF_UNUSED)
{
    long long now = nf_time_msec();

    /* Follow the bridges' datapath: the first bridge creates it and the
     * last one's removal ends it. */
    struct dpif *d = xlate_any_dpif();
    if (d != dpif) {
        upcall_set_dpif(d);
    }
    bool full = now - last_full_pass >= REVALIDATE_INTERVAL_MS;

    /* MAC entries age even when nothing forwards. */
    if (full) {
        last_full_pass = now;
        xlate_run(now);
        check_lost_upcalls();
    }
    revalidate(full || reval_soon);
}

/* The kernel datapath sends misses where its settings say, and any
 * program that opens it may change them (ovs-dpctl 3.1 switches a
 * datapath to per-CPU dispatch, whose sockets nobody reads here): when
 * the settings are not nicflowd's or the kernel counts upcalls lost,
 * nicflowd's settings are put back (checked every revalidation
 * interval). */
static void
check_lost_upcalls(void)
{
    static uint64_t last_lost;
    struct dpif_dp_stats st;

    if (!dpif || strcmp(dpif_type(dpif), "system")) {
        return;
    }
    memset(&st, 0, sizeof st);
    if (dpif_get_stats(dpif, &st)) {
        return;
    }
    if (st.n_lost > last_lost || st.upcalls_misrouted) {
        COVERAGE_INC(upcall_lost_reasserted);
        VLOG_WARN_RL(&rl,
                     "%s: %s: setting the datapath's upcall dispatch "
                     "again",
                     dpif_name(dpif),
                     st.upcalls_misrouted
                         ? "another program changed its upcall settings"
                         : "upcalls were lost");
        dpif_recv_set(dpif, true);
    }
    last_lost = st.n_lost;
}

void
upcall_revalidate_soon(void)
{
    reval_soon = true;
}

/* ---------------------------------------------------------------------
 * Control commands.
 * --------------------------------------------------------------------- */

static void
upcall_show(struct unixctl_conn *conn, int argc NF_UNUSED,
            const char *argv[] NF_UNUSED, void *aux NF_UNUSED)
{
    struct buf out = BUF_INITIALIZER;

    if (dpif) {
        buf_printf(&out, "%s:\n", dpif_name(dpif));
        buf_printf(&out,
                   "  flows         : (current %zu) (avg %zu) (max %zu) "
                   "(limit %zu)\n",
                   n_ukv, avg_flows, max_flows, dyn_limit);
        /* As Open vSwitch's: the time the last pass spent (here in
         * slices, on the main thread), then how long it took from start
         * to end. */
        buf_printf(&out, "  dump duration : %lldms\n", last_dump_ms);
        buf_printf(&out, "  pass wall time: %lldms\n", last_pass_wall_ms);
        buf_printf(&out, "  ufid enabled : true\n");
        buf_printf(&out,
                   "  upcalls       : %" PRIu64 " (installed %" PRIu64
                   ", slow path %" PRIu64 ")\n",
                   n_upcalls, n_installed, n_slow);
        buf_printf(&out, "  max-idle      : %ums\n", max_idle_ms);
    }
    unixctl_command_reply(conn, buf_cstr(&out));
    buf_destroy(&out);
}

static void
revalidator_purge(struct unixctl_conn *conn, int argc NF_UNUSED,
                  const char *argv[] NF_UNUSED, void *aux NF_UNUSED)
{
    while (n_ukv) {
        delete_flow(ukv[n_ukv - 1]);
    }
    unixctl_command_reply(conn, "");
}

/* ---------------------------------------------------------------------
 * Offload: what dump-flows shows, and switching it on and off.
 * --------------------------------------------------------------------- */

static void
hook_merge_stats(const struct dpif_ufid *ufid, struct dpif_flow_stats *st)
{
    const struct ukey *uk = ukey_find(ufid);
    struct offload_stats hw;
    bool young = false;

    memset(&hw, 0, sizeof hw);
    offload_flow_get_stats(oufid(ufid), 1, &hw, &young);
    if (uk) {
        ukey_add_hw_stats(uk, &hw, young, st);
    } else {
        st->n_packets += hw.n_packets;
        st->n_bytes += hw.n_bytes;
        if (hw.used > st->used) {
            st->used = hw.used;
        }
    }
}

static void
hook_format_status(const struct dpif_ufid *ufid, struct buf *out)
{
    /* The software below the hardware: the kernel's datapath or ours. */
    offload_format_flow_status(
        oufid(ufid),
        dpif && !strcmp(dpif_type(dpif), "system") ? "kernel" : "softpath",
        out);
}

static int
hook_filter(const struct dpif_ufid *ufid, const char *type)
{
    /* Open vSwitch's types, with "softpath" for its "ovs". */
    static const char *const known[] = {
        "all",
        "ovs",
        "softpath",
        "kernel",
        "offloaded",
        "non-offloaded",
        "partially-offloaded",
        "tc",
        "rteflow",
        "hal",
        "dummy",
        "dpdk",
    };
    bool ok = false;

    for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
        ok = ok || !strcmp(type, known[i]);
    }
    if (!ok) {
        return -1;
    }
    if (!strcmp(type, "all")) {
        return 1;
    }
    if (!strcmp(type, "partially-offloaded")) {
        struct offload_flow_status st;
        offload_flow_get_status(oufid(ufid), &st);
        return st.state == OFFLOAD_ST_OFFLOADED && st.partial;
    }
    return offload_flow_matches_type(oufid(ufid),
                                     !strcmp(type, "dpdk") ? "rteflow" : type);
}

static const struct dpctl_flow_hooks flow_hooks = {
    .merge_stats = hook_merge_stats,
    .format_status = hook_format_status,
    .filter = hook_filter,
};

void
upcall_offload_withdraw(void)
{
    for (size_t i = 0; i < n_ukv; i++) {
        ukey_unoffload(ukv[i]);
    }
}

void
upcall_offload_reoffer(void)
{
    for (size_t i = 0; i < n_ukv; i++) {
        ukey_offload(ukv[i]);
    }
}

static void
dpif_dump_flows(struct unixctl_conn *conn, int argc, const char *argv[],
                void *aux NF_UNUSED)
{
    const char *bridge = argv[argc - 1];
    bool verbose = false;

    for (int i = 1; i < argc - 1; i++) {
        if (!strcmp(argv[i], "-m")) {
            verbose = true;
        }
    }
    struct ofproto *ofp = xlate_ofproto_by_name(bridge);
    if (!ofp) {
        unixctl_command_reply_error(conn, "no such bridge\n");
        return;
    }
    if (!dpif) {
        unixctl_command_reply(conn, "");
        return;
    }

    struct buf out = BUF_INITIALIZER;
    struct dpif_flow_dump *dump = dpif_flow_dump_start(dpif);
    struct dpif_flow flows[64];
    size_t n;
    while (dump && (n = dpif_flow_dump_next(dump, flows, 64)) > 0) {
        for (size_t i = 0; i < n; i++) {
            struct flow flow;
            char *err = NULL;
            if (!odp_key_to_flow(flows[i].key.data, flows[i].key.len, &flow,
                                 &err)
                && xlate_flow_bridge(&flow) == ofp) {
                struct buf extra = BUF_INITIALIZER;
                hook_merge_stats(&flows[i].ufid, &flows[i].stats);
                if (verbose) {
                    hook_format_status(&flows[i].ufid, &extra);
                }
                dpif_flow_format_extra(&flows[i], verbose, buf_cstr(&extra),
                                       &out);
                buf_put_cstr(&out, "\n");
                buf_destroy(&extra);
            }
            free(err);
            dpif_flow_destroy(&flows[i]);
        }
    }
    if (dump) {
        dpif_flow_dump_done(dump);
    }
    unixctl_command_reply(conn, buf_cstr(&out));
    buf_destroy(&out);
}

/* upcall/set-flow-limit N: the limit in force until the next pass adjusts
 * it (Open vSwitch's, for tests and emergencies). */
static void
upcall_set_flow_limit_cmd(struct unixctl_conn *conn, int argc NF_UNUSED,
                          const char *argv[], void *aux NF_UNUSED)
{
    long long n;

    if (nf_parse_int(argv[1], 1, UINT32_MAX, &n)) {
        unixctl_command_reply_error(conn, "bad flow limit\n");
        return;
    }
    dyn_limit = (size_t) n;
    if (dpif) {
        dpif_set_flow_limit(dpif, dyn_limit);
    }
    char *msg = xasprintf("set flow_limit to %zu\n", dyn_limit);
    unixctl_command_reply(conn, msg);
    free(msg);
}

void
upcall_init(struct evloop *l)
{
    loop = l;
    reval_timer = evloop_add_timer(loop, 100, 100, reval_timer_cb, NULL);
    unixctl_command_register("upcall/show", "", 0, 0, upcall_show, NULL);
    unixctl_command_register("revalidator/purge", "", 0, 0, revalidator_purge,
                             NULL);
    unixctl_command_register("dpif/dump-flows", "[-m] BRIDGE", 1, 2,
                             dpif_dump_flows, NULL);
    upcall_trace_register();
    unixctl_command_register("upcall/set-flow-limit", "flow-limit-number", 1,
                             1, upcall_set_flow_limit_cmd, NULL);
    dpctl_set_flow_hooks(&flow_hooks);
    xlate_register_commands();
}

void
upcall_set_dpif(struct dpif *d)
{
    if (d == dpif) {
        return;
    }
    if (dpif) {
        handlers_stop();
        dpif_recv_set(dpif, false);
        pass_cancel();
        ukeys_clear();
    }
    dpif = d;
    if (dpif) {
        dpif_recv_set(dpif, true);
        dpif_set_flow_limit(dpif, dyn_limit);
        handlers_start();
    }
}

void
upcall_set_n_handlers(unsigned int n)
{
    if (n == n_handlers_cfg) {
        return;
    }
    n_handlers_cfg = n;
    if (dpif) {
        handlers_stop();
        handlers_start();
    }
}

size_t
upcall_n_handlers(void)
{
    return n_handlers;
}

void
upcall_set_config(size_t limit, unsigned int idle_ms)
{
    size_t old = flow_limit;
    flow_limit = limit ? limit : UPCALL_DEFAULT_FLOW_LIMIT;
    max_idle_ms = idle_ms ? idle_ms : UPCALL_DEFAULT_MAX_IDLE_MS;
    if (flow_limit != old) {
        /* A new configured limit is the one in force until passes say
         * otherwise. */
        dyn_limit = flow_limit;
        if (dpif) {
            dpif_set_flow_limit(dpif, dyn_limit);
        }
    }
}
