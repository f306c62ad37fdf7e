/* offload.c: the offload manager's life cycle, its configuration and the
 * registry of providers.
 *
 * Configuration is applied whole or not at all: offload_set_config()
 * validates every value first and only then changes anything, so a bad
 * value leaves the running configuration as it was.  Changes that touch
 * providers or ports (switching offload on or off, a new priority order,
 * tc-policy) are made holding the write lock, while no flow call runs;
 * changing the number of workers stops them first (they must not hold the
 * read lock the change waits for). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/evloop.h"
#include "lib/hash.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "offload/offload-dummy.h"
#include "offload/offload-private.h"

VLOG_DEFINE_THIS_MODULE(offload);

struct offload_mgr offload_mgr;

#define DEFAULT_PRIORITY "tc,rteflow,hal"

/* Provider names hw-offload-priority accepts even when this build has no
 * such provider: such names are skipped, so one configuration serves
 * every build. */
static const char *const known_names[] = { "tc", "rteflow", "hal", "dummy" };

/* tc-policy values (the same words as Open vSwitch's). */
static const char *const tc_policies[] = { "none", "skip_sw", "skip_hw" };

static pthread_once_t locks_once = PTHREAD_ONCE_INIT;

static void
init_locks(void)
{
    pthread_rwlockattr_t attr;

    /* Writer preference: workers take the read lock once per batch, and a
     * port change on the main thread must get in between batches rather
     * than wait for the queues to drain. */
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(
        &attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&offload_mgr.rwlock, &attr);
    pthread_rwlockattr_destroy(&attr);
    pthread_mutex_init(&offload_mgr.mutex, NULL);
    pthread_cond_init(&offload_mgr.done, NULL);
    offload_workers_init();
}

/* ---------------------------------------------------------------------
 * Registry.
 * --------------------------------------------------------------------- */

int
offload_provider_register(const struct offload_provider_class *cls)
{
    pthread_once(&locks_once, init_locks);
    if (!cls || cls->version != OFFLOAD_PROVIDER_VERSION || !cls->name
        || !cls->name[0]) {
        VLOG_WARN("offload provider %s refused: interface version %u, "
                  "this build has %u",
                  cls && cls->name ? cls->name : "(unnamed)",
                  cls ? cls->version : 0, OFFLOAD_PROVIDER_VERSION);
        return EINVAL;
    }
    /* The calls every flow and port needs; the others are optional. */
    if (!cls->port_probe || !cls->port_add || !cls->port_del || !cls->flow_put
        || !cls->flow_del || !cls->flow_stats) {
        VLOG_WARN("offload provider %s refused: it lacks a required call",
                  cls->name);
        return EINVAL;
    }
    if (offload_prov_find(cls->name)) {
        return EEXIST;
    }
    if (offload_mgr.n_provs >= OFFLOAD_MAX_PROVIDERS) {
        VLOG_WARN("offload provider %s refused: %d providers already",
                  cls->name, OFFLOAD_MAX_PROVIDERS);
        return ENOSPC;
    }
    /* Workers walk the registry in their passes: a provider registered
     * while they run joins between two passes. */
    pthread_rwlock_wrlock(&offload_mgr.rwlock);
    struct offload_prov *p = &offload_mgr.provs[offload_mgr.n_provs];
    memset(p, 0, sizeof *p);
    p->cls = cls;
    p->idx = offload_mgr.n_provs++;
    pthread_rwlock_unlock(&offload_mgr.rwlock);
    return 0;
}

struct offload_prov *
offload_prov_find(const char *name)
{
    for (size_t i = 0; i < offload_mgr.n_provs; i++) {
        if (!strcmp(offload_mgr.provs[i].cls->name, name)) {
            return &offload_mgr.provs[i];
        }
    }
    return NULL;
}

struct offload_prov *
offload_prov_of_class(const struct offload_provider_class *cls)
{
    for (size_t i = 0; i < offload_mgr.n_provs; i++) {
        if (offload_mgr.provs[i].cls == cls) {
            return &offload_mgr.provs[i];
        }
    }
    return NULL;
}

bool
offload_prov_name_known(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(known_names); i++) {
        if (!strcmp(known_names[i], name)) {
            return true;
        }
    }
    return offload_prov_find(name) != NULL;
}

/* ---------------------------------------------------------------------
 * Meters: the datapath's, as providers see them (main thread only).
 * --------------------------------------------------------------------- */

struct meter_entry {
    struct hmap_node node; /* In 'meters', by dp_meter. */
    uint32_t dp_meter;
    struct offload_meter meter;
};

static struct hmap meters = HMAP_INITIALIZER;

static struct meter_entry *
meter_find(uint32_t dp_meter)
{
    struct meter_entry *m;

    HMAP_FOR_EACH_WITH_HASH (m, node, hash_int(dp_meter, 0), &meters) {
        if (m->dp_meter == dp_meter) {
            return m;
        }
    }
    return NULL;
}

void
offload_meter_set(uint32_t dp_meter, const struct offload_meter *meter)
{
    struct meter_entry *m = meter_find(dp_meter);

    if (meter) {
        if (!m) {
            m = xzalloc(sizeof *m);
            m->dp_meter = dp_meter;
            hmap_insert(&meters, &m->node, hash_int(dp_meter, 0));
        }
        m->meter = *meter;
    } else if (m) {
        hmap_remove(&meters, &m->node);
        free(m);
    } else {
        return;
    }
    for (size_t i = 0; i < offload_mgr.n_provs; i++) {
        struct offload_prov *p = &offload_mgr.provs[i];

        if (p->inited && p->cls->meter_set) {
            p->cls->meter_set(dp_meter, meter);
        }
    }
}

/* Tells provider P, just started, of every meter that exists. */
static void
meters_replay(const struct offload_prov *p)
{
    const struct meter_entry *m;

    if (p->cls->meter_set) {
        HMAP_FOR_EACH (m, node, &meters) {
            p->cls->meter_set(m->dp_meter, &m->meter);
        }
    }
}

static void
global_config(struct offload_global_config *gc)
{
    gc->tc_policy = offload_mgr.cfg.tc_policy;
    gc->max_rules = offload_mgr.cfg.max_rules;
}

int
offload_prov_ensure_init(struct offload_prov *p, char **errp)
{
    if (p->inited) {
        return 0;
    }
    if (p->cls->init) {
        struct offload_global_config gc;
        char *err = NULL;

        global_config(&gc);
        int error = p->cls->init(&gc, &err);
        if (error) {
            *errp = err ? err : xstrdup(nf_strerror(error));
            return error;
        }
        free(err);
    }
    p->inited = true;
    meters_replay(p);
    return 0;
}

void *
offload_prov_ctx_create(const struct offload_prov *p)
{
    return p->cls->ctx_create ? p->cls->ctx_create() : NULL;
}

void
offload_prov_ctx_destroy(const struct offload_prov *p, void *ctx)
{
    if (p->cls->ctx_destroy) {
        p->cls->ctx_destroy(ctx);
    }
}

void *
offload_prov_main_ctx(struct offload_prov *p)
{
    if (!p->has_main_ctx) {
        p->main_ctx = offload_prov_ctx_create(p);
        p->has_main_ctx = true;
    }
    return p->main_ctx;
}

/* Stops P: its main-thread ctx first (workers, which hold the others,
 * are stopped by now), then destroy(). */
static void
prov_destroy(struct offload_prov *p)
{
    if (!p->inited) {
        return;
    }
    if (p->has_main_ctx) {
        offload_prov_ctx_destroy(p, p->main_ctx);
        p->main_ctx = NULL;
        p->has_main_ctx = false;
    }
    if (p->cls->destroy) {
        p->cls->destroy();
    }
    p->inited = false;
}

/* ---------------------------------------------------------------------
 * Configuration.
 * --------------------------------------------------------------------- */

int
offload_prio_parse(const char *s, struct offload_prio *p, char **errp)
{
    const char *c = s;

    memset(p, 0, sizeof *p);
    while (*c) {
        c += strspn(c, " \t,");
        size_t len = strcspn(c, " \t,");
        if (!len) {
            break;
        }
        if (p->n >= OFFLOAD_MAX_PRIORITY) {
            *errp = xasprintf("hw-offload-priority: more than %d names",
                              OFFLOAD_MAX_PRIORITY);
            offload_prio_destroy(p);
            return EINVAL;
        }
        p->names[p->n++] = xstrndup(c, len);
        c += len;
    }
    if (!p->n) {
        *errp = xstrdup("hw-offload-priority: no provider named");
        return EINVAL;
    }
    return 0;
}

void
offload_prio_destroy(struct offload_prio *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->names[i]);
    }
    p->n = 0;
}

static char *
prio_join(const struct offload_prio *p)
{
    struct buf b = BUF_INITIALIZER;

    for (size_t i = 0; i < p->n; i++) {
        buf_printf(&b, "%s%s", i ? "," : "", p->names[i]);
    }
    return buf_steal_cstr(&b);
}

static void
cfg_destroy(struct offload_cfg *c)
{
    free(c->priority);
    free(c->tc_policy);
    offload_prio_destroy(&c->prio);
    memset(c, 0, sizeof *c);
}

/* Checks every value of IN and builds *OUT from it, or returns EINVAL
 * with the first problem in *ERRP. */
static int
cfg_build(const struct offload_config *in, struct offload_cfg *out,
          char **errp)
{
    const char *prio = in->priority ? in->priority : DEFAULT_PRIORITY;
    const char *policy = in->tc_policy ? in->tc_policy : "none";
    bool policy_ok = false;

    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < ARRAY_SIZE(tc_policies); i++) {
        policy_ok |= !strcmp(policy, tc_policies[i]);
    }
    if (!policy_ok) {
        *errp = xasprintf("tc-policy: \"%s\" is not one of none, skip_sw, "
                          "skip_hw",
                          policy);
        return EINVAL;
    }
    if (in->n_threads < 1 || in->n_threads > OFFLOAD_MAX_THREADS) {
        *errp = xasprintf("n-offload-threads: %u is out of range 1..%d",
                          in->n_threads, OFFLOAD_MAX_THREADS);
        return EINVAL;
    }
    if (offload_prio_parse(prio, &out->prio, errp)) {
        return EINVAL;
    }
    for (size_t i = 0; i < out->prio.n; i++) {
        if (!offload_prov_name_known(out->prio.names[i])) {
            struct buf known = BUF_INITIALIZER;

            for (size_t k = 0; k < ARRAY_SIZE(known_names); k++) {
                buf_printf(&known, "%s%s", k ? ", " : "", known_names[k]);
            }
            for (size_t k = 0; k < offload_mgr.n_provs; k++) {
                const char *n = offload_mgr.provs[k].cls->name;
                bool listed = false;

                for (size_t j = 0; j < ARRAY_SIZE(known_names); j++) {
                    listed |= !strcmp(known_names[j], n);
                }
                if (!listed) {
                    buf_printf(&known, ", %s", n);
                }
            }
            *errp = xasprintf("hw-offload-priority: unknown provider \"%s\" "
                              "(known: %s)",
                              out->prio.names[i], buf_cstr(&known));
            buf_destroy(&known);
            offload_prio_destroy(&out->prio);
            return EINVAL;
        }
    }
    out->enabled = in->enabled;
    out->priority = prio_join(&out->prio);
    out->tc_policy = xstrdup(policy);
    out->n_threads = in->n_threads;
    out->stats_delay_ms = in->stats_delay_ms;
    out->max_rules = in->max_rules;
    out->restore_wait = in->restore_wait;
    return 0;
}

void
offload_config_init(struct offload_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->enabled = false;
    cfg->priority = DEFAULT_PRIORITY;
    cfg->tc_policy = "none";
    cfg->n_threads = 1;
    cfg->stats_delay_ms = 2000;
    cfg->max_rules = 0;
    cfg->restore_wait = false;
}

/* Takes every flow out of hardware and every port away from its provider,
 * then stops the providers in use; with FLUSH, each provider's flush()
 * runs first.  Workers are stopped and the write lock is held. */
static void
providers_teardown(bool flush)
{
    offload_flows_drop(NULL, OFFLOAD_R_DISABLED, "hw-offload is false", true);
    pthread_mutex_lock(&offload_mgr.mutex);
    offload_stale_clear();
    pthread_mutex_unlock(&offload_mgr.mutex);
    for (size_t i = 0; i < offload_mgr.n_provs; i++) {
        struct offload_prov *p = &offload_mgr.provs[i];

        if (flush && p->inited && p->cls->flush) {
            p->cls->flush(offload_prov_main_ctx(p));
        }
    }
    offload_ports_detach_all(OFFLOAD_R_DISABLED, "hw-offload is false");
    for (size_t i = 0; i < offload_mgr.n_provs; i++) {
        prov_destroy(&offload_mgr.provs[i]);
    }
}

int
offload_set_config(const struct offload_config *in, char **errp)
{
    struct offload_cfg new, old;
    char *err = NULL;

    if (errp) {
        *errp = NULL;
    }
    if (!offload_mgr.inited) {
        if (errp) {
            *errp = xstrdup("offload manager not started");
        }
        return EINVAL;
    }
    if (cfg_build(in, &new, &err)) {
        VLOG_WARN("offload configuration refused: %s", err);
        nf_give_error(errp, err);
        return EINVAL;
    }

    old = offload_mgr.cfg;
    bool was = old.enabled;
    bool prio_changed = strcmp(old.priority, new.priority) != 0;
    bool threads_changed = old.n_threads != new.n_threads;
    bool gc_changed =
        strcmp(old.tc_policy, new.tc_policy) || old.max_rules != new.max_rules;

    if (was && (!new.enabled || threads_changed)) {
        offload_workers_stop();
    }

    pthread_rwlock_wrlock(&offload_mgr.rwlock);
    if (was && !new.enabled) {
        providers_teardown(true);
        VLOG_INFO("hardware offload switched off");
    }
    if (old.restore_wait && !new.restore_wait) {
        offload_mgr.restore_off_ms = nf_time_msec();
    }
    offload_mgr.cfg = new;
    if (old.max_rules != new.max_rules) {
        offload_ports_set_max_rules(new.max_rules);
    }
    if (gc_changed) {
        struct offload_global_config gc;

        global_config(&gc);
        for (size_t i = 0; i < offload_mgr.n_provs; i++) {
            struct offload_prov *p = &offload_mgr.provs[i];

            if (p->inited && p->cls->set_config) {
                p->cls->set_config(&gc);
            }
        }
    }
    if (new.enabled && (!was || prio_changed)) {
        offload_ports_select_all(was);
    }
    pthread_rwlock_unlock(&offload_mgr.rwlock);

    if (new.enabled && !was) {
        offload_flows_forget_disabled();
        VLOG_INFO("hardware offload switched on (priority %s, %u thread%s)",
                  new.priority, new.n_threads, new.n_threads == 1 ? "" : "s");
    }
    if (new.enabled && (!was || threads_changed)) {
        offload_workers_reshard(new.n_threads);
        offload_workers_start(new.n_threads);
    } else if (!new.enabled) {
        offload_workers_reshard(new.n_threads);
    }
    cfg_destroy(&old);
    return 0;
}

bool
offload_is_enabled(void)
{
    return offload_mgr.inited && offload_mgr.cfg.enabled;
}

/* ---------------------------------------------------------------------
 * Life cycle.
 * --------------------------------------------------------------------- */

static void
sweep_cb(void *aux NF_UNUSED)
{
    offload_stale_sweep();
}

void
offload_init(struct evloop *loop)
{
    struct offload_config defaults;
    char *err = NULL;

    pthread_once(&locks_once, init_locks);
    if (offload_mgr.inited) {
        VLOG_WARN("offload manager started twice");
        return;
    }
    offload_mgr.loop = loop;
    hmap_init(&offload_mgr.ports);
    hmap_init(&offload_mgr.flows);
    hmap_init(&offload_mgr.stale);
    offload_mgr.restore_off_ms = 0;
    memset(&offload_mgr.none_counters, 0, sizeof offload_mgr.none_counters);
    memset(offload_mgr.worker_counters, 0, sizeof offload_mgr.worker_counters);
    for (size_t i = 0; i < offload_mgr.n_provs; i++) {
        memset(&offload_mgr.provs[i].counters, 0,
               sizeof offload_mgr.provs[i].counters);
    }

    offload_config_init(&defaults);
    if (cfg_build(&defaults, &offload_mgr.cfg, &err)) {
        nf_abort("offload defaults refused: %s", err);
    }
    offload_mgr.n_workers = offload_mgr.cfg.n_threads;

    int error = offload_provider_register(&offload_dummy_class);
    if (error && error != EEXIST) {
        VLOG_ERR("cannot register the dummy offload provider: %s",
                 nf_strerror(error));
    }
    offload_commands_register();
    offload_profile_commands_register();
    offload_profiles_load();
    if (loop) {
        offload_mgr.sweep_timer =
            evloop_add_timer(loop, OFFLOAD_SWEEP_INTERVAL_MS,
                             OFFLOAD_SWEEP_INTERVAL_MS, sweep_cb, NULL);
    }
    offload_mgr.inited = true;
}

void
offload_exit(bool flush)
{
    if (!offload_mgr.inited) {
        return;
    }
    offload_workers_stop();
    pthread_rwlock_wrlock(&offload_mgr.rwlock);
    if (offload_mgr.cfg.enabled && flush) {
        providers_teardown(true);
    } else {
        /* Rules stay in the devices, so that traffic keeps flowing while
         * nicflowd restarts; the next run finds them with reconcile(). */
        for (size_t i = 0; i < offload_mgr.n_provs; i++) {
            prov_destroy(&offload_mgr.provs[i]);
        }
    }
    offload_flows_free_all();
    offload_ports_free_all();
    pthread_rwlock_unlock(&offload_mgr.rwlock);

    struct meter_entry *m;
    HMAP_FOR_EACH_SAFE (m, node, &meters) {
        hmap_remove(&meters, &m->node);
        free(m);
    }

    if (offload_mgr.loop) {
        evloop_cancel_timer(offload_mgr.loop, offload_mgr.sweep_timer);
    }
    offload_mgr.sweep_timer = NULL;
    offload_mgr.loop = NULL;
    hmap_destroy(&offload_mgr.ports);
    hmap_destroy(&offload_mgr.flows);
    hmap_destroy(&offload_mgr.stale);
    cfg_destroy(&offload_mgr.cfg);
    offload_profiles_free();
    offload_mgr.inited = false;
}
