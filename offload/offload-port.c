/* offload-port.c: the manager's ports, the choice of a provider for each,
 * and the stale rules a previous run left in the devices.
 *
 * A port's provider is the first, in its priority order (the Interface's
 * hw-offload-priority, else the global one), whose port_probe() and then
 * port_add() accept it.  The choice is made when offload is on and the
 * port is added, changed or the global order changes; a port whose
 * choice stays the same is not touched, so its rules stay in hardware.
 *
 * Stale rules.  Right after port_add(), reconcile() lists what an earlier
 * run of nicflowd left on the port.  Those rules keep forwarding while
 * nicflowd rebuilds its flows: a put of the same ufid adopts the rule (the
 * provider replaces it in place), and the rest are removed once
 * flow-restore-wait is false and offloaded-stats-delay has passed since
 * the port came up or flow-restore-wait turned false, whichever is later.
 * While flow-restore-wait is true nothing stale is removed; puts proceed
 * as usual. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "offload/offload-private.h"

VLOG_DEFINE_THIS_MODULE(offload_port);

static uint32_t
port_hash(uint32_t odp_port)
{
    return hash_int(odp_port, 0);
}

struct offload_mport *
offload_mport_find(uint32_t odp_port)
{
    struct offload_mport *mp;

    if (!offload_mgr.inited) {
        return NULL;
    }
    HMAP_FOR_EACH_WITH_HASH (mp, node, port_hash(odp_port),
                             &offload_mgr.ports) {
        if (mp->up.odp_port == odp_port) {
            return mp;
        }
    }
    return NULL;
}

const struct offload_port *
offload_port_lookup(uint32_t odp_port)
{
    struct offload_mport *mp = offload_mport_find(odp_port);

    return mp ? &mp->up : NULL;
}

/* Appends provider P's message WHY to MSGS, "; "-separated, with the
 * provider's name in front if the provider left it out. */
static void
append_msg(struct buf *msgs, const char *name, const char *why)
{
    size_t n = strlen(name);

    if (msgs->len) {
        buf_put_cstr(msgs, "; ");
    }
    if (strncmp(why, name, n) || why[n] != ':') {
        buf_printf(msgs, "%s: ", name);
    }
    buf_put_cstr(msgs, why[0] ? why : "refused");
}

static bool
port_excluded(const struct offload_mport *mp)
{
    return mp->priority && !strcmp(mp->priority, "none");
}

/* The priority order for MP into *OWN (freed by the caller with
 * offload_prio_destroy() if it returns OWN) or the global one. */
static const struct offload_prio *
port_prio(const struct offload_mport *mp, struct offload_prio *own)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    char *err = NULL;

    own->n = 0;
    if (mp->priority) {
        if (!offload_prio_parse(mp->priority, own, &err)) {
            return own;
        }
        VLOG_WARN_RL(&rl, "port %s: %s; using the global order", mp->up.name,
                     err);
        free(err);
    }
    return &offload_mgr.cfg.prio;
}

/* Lists the rules an earlier run left on MP as stale. */
static void
port_reconcile(struct offload_mport *mp)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    struct offload_prov *p = mp->prov;
    struct offload_found_rule *rules = NULL;
    size_t n = 0;

    if (!p->cls->reconcile) {
        return;
    }
    int error =
        p->cls->reconcile(offload_prov_main_ctx(p), &mp->up, &rules, &n);
    if (error) {
        VLOG_WARN_RL(&rl, "port %s: %s could not list earlier rules: %s",
                     mp->up.name, p->cls->name, nf_strerror(error));
        free(rules);
        return;
    }
    pthread_mutex_lock(&offload_mgr.mutex);
    for (size_t i = 0; i < n; i++) {
        struct offload_stale *s = xzalloc(sizeof *s);

        s->rule = rules[i];
        s->rule.in_odp_port = mp->up.odp_port;
        s->prov = p;
        hmap_insert(&offload_mgr.stale, &s->node,
                    offload_ufid_hash(&s->rule.ufid));
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
    if (n) {
        VLOG_INFO("port %s: %s kept %zu rules of an earlier run", mp->up.name,
                  p->cls->name, n);
    }
    free(rules);
}

/* Chooses MP's provider (MP has none).  Offload is on; the write lock is
 * held. */
static void
port_select(struct offload_mport *mp)
{
    struct offload_prio own;
    struct buf msgs = BUF_INITIALIZER;

    mp->prov = NULL;
    mp->up.provider = NULL;
    if (port_excluded(mp)) {
        offload_reason_set(&mp->why, OFFLOAD_R_PORT_EXCLUDED,
                           "port %s: hw-offload-priority=none", mp->up.name);
        return;
    }
    const struct offload_prio *prio = port_prio(mp, &own);
    for (size_t i = 0; i < prio->n && !mp->prov; i++) {
        const char *name = prio->names[i];
        struct offload_prov *p = offload_prov_find(name);
        struct offload_reason why;
        char *err = NULL;

        if (!p) {
            /* A known provider this build lacks is skipped silently, so
             * that one priority list serves every build. */
            if (!offload_prov_name_known(name)) {
                append_msg(&msgs, name, "unknown provider");
            }
            continue;
        }
        if (offload_prov_ensure_init(p, &err)) {
            char *m = xasprintf("init failed: %s", err);
            append_msg(&msgs, name, m);
            free(m);
            free(err);
            continue;
        }
        offload_reason_set(&why, OFFLOAD_R_NONE, NULL);
        if (p->cls->port_probe(&mp->up, &why)) {
            append_msg(&msgs, name, why.msg);
            continue;
        }
        offload_reason_set(&why, OFFLOAD_R_NONE, NULL);
        mp->up.provider = p->cls;
        if (p->cls->port_add(&mp->up, &why)) {
            mp->up.provider = NULL;
            mp->up.provider_data = NULL;
            append_msg(&msgs, name, why.msg);
            continue;
        }
        mp->prov = p;
        mp->up_ms = nf_time_msec();
        offload_reason_set(&mp->why, OFFLOAD_R_NONE, NULL);
        port_reconcile(mp);
    }
    if (!mp->prov) {
        if (!msgs.len) {
            buf_printf(&msgs, "none of %s is in this build",
                       mp->priority ? mp->priority : offload_mgr.cfg.priority);
        }
        offload_reason_set(&mp->why, OFFLOAD_R_NO_PROVIDER,
                           "no provider for %s: %s", mp->up.name,
                           buf_cstr(&msgs));
    }
    if (prio == &own) {
        offload_prio_destroy(&own);
    }
    buf_destroy(&msgs);
}

/* True if MP's provider is still the first of its order to accept it. */
static bool
port_choice_stays(struct offload_mport *mp)
{
    struct offload_prio own;
    bool stays = false;

    if (!mp->prov || port_excluded(mp)) {
        return false;
    }
    const struct offload_prio *prio = port_prio(mp, &own);
    for (size_t i = 0; i < prio->n; i++) {
        struct offload_prov *p = offload_prov_find(prio->names[i]);
        struct offload_reason why;
        char *err = NULL;

        if (p == mp->prov) {
            stays = true;
            break;
        }
        if (!p || offload_prov_ensure_init(p, &err)) {
            free(err);
            continue;
        }
        if (!p->cls->port_probe(&mp->up, &why)) {
            break; /* An earlier provider takes it now. */
        }
    }
    if (prio == &own) {
        offload_prio_destroy(&own);
    }
    return stays;
}

/* Takes MP away from its provider: the rules of flows entering it leave
 * hardware (those flows are refused with CODE/MSG until offered again or
 * requeued), its stale rules are forgotten (port_del() removes them), and
 * port_del() runs.  The write lock is held. */
static void
port_detach(struct offload_mport *mp, enum offload_reason_code code,
            const char *msg)
{
    offload_flows_drop(mp, code, msg, false);
    pthread_mutex_lock(&offload_mgr.mutex);
    struct offload_stale *s;
    HMAP_FOR_EACH_SAFE (s, node, &offload_mgr.stale) {
        if (s->rule.in_odp_port == mp->up.odp_port) {
            hmap_remove(&offload_mgr.stale, &s->node);
            free(s);
        }
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
    if (mp->prov) {
        mp->prov->cls->port_del(&mp->up);
    }
    mp->up.provider_data = NULL;
    mp->up.provider = NULL;
    mp->prov = NULL;
    offload_reason_set(&mp->why, code, "%s", msg);
}

void
offload_ports_select_all(bool requeue)
{
    struct offload_mport *mp;

    HMAP_FOR_EACH (mp, node, &offload_mgr.ports) {
        if (port_choice_stays(mp)) {
            continue;
        }
        if (mp->prov) {
            char *msg = xasprintf("port %s changed provider", mp->up.name);
            port_detach(mp, OFFLOAD_R_NO_PROVIDER, msg);
            free(msg);
        }
        port_select(mp);
        if (requeue && mp->prov) {
            offload_flows_requeue_port(mp->up.odp_port);
        }
    }
}

void
offload_ports_detach_all(enum offload_reason_code code, const char *msg)
{
    struct offload_mport *mp;

    HMAP_FOR_EACH (mp, node, &offload_mgr.ports) {
        port_detach(mp, code, msg);
    }
}

void
offload_ports_rebind_profiles(void)
{
    struct offload_mport *mp;

    if (!offload_mgr.inited) {
        return;
    }
    pthread_rwlock_wrlock(&offload_mgr.rwlock);
    HMAP_FOR_EACH (mp, node, &offload_mgr.ports) {
        offload_mport_bind_profile(mp);
    }
    pthread_rwlock_unlock(&offload_mgr.rwlock);
}

void
offload_ports_set_max_rules(unsigned max_rules)
{
    struct offload_mport *mp;

    HMAP_FOR_EACH (mp, node, &offload_mgr.ports) {
        mp->up.max_rules = max_rules;
    }
}

static void
mport_free(struct offload_mport *mp)
{
    free(mp->type);
    offload_mport_unbind_profile(mp);
    free(mp->profile_name);
    free(mp->priority);
    free(mp);
}

void
offload_ports_free_all(void)
{
    struct offload_mport *mp;

    HMAP_FOR_EACH_SAFE (mp, node, &offload_mgr.ports) {
        hmap_remove(&offload_mgr.ports, &mp->node);
        mport_free(mp);
    }
}

static bool
str_eq_null(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* Fills MP's facts from NAME/TYPE/PRIORITY. */
static void
mport_set(struct offload_mport *mp, const char *name, const char *type,
          const char *priority)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    if (strlen(name) >= sizeof mp->up.name) {
        VLOG_WARN_RL(&rl,
                     "port name %s is longer than a netdev name; "
                     "cut to %zu bytes",
                     name, sizeof mp->up.name - 1);
    }
    snprintf(mp->up.name, sizeof mp->up.name, "%s", name);
    free(mp->type);
    mp->type = xstrdup(type ? type : "");
    mp->up.type = mp->type;
    free(mp->priority);
    mp->priority = priority ? xstrdup(priority) : NULL;
    /* The bridge's own port is the host stack's door ("internal" in the
     * kernel datapath, a tap device in the userspace one). */
    mp->up.internal =
        !strcmp(mp->type, "internal") || !strcmp(mp->type, "tap");
    mp->up.ifindex = (int) if_nametoindex(mp->up.name);
    if (mp->up.ifindex) {
        offload_rep_read(mp->up.name, &mp->up.rep);
    } else {
        offload_rep_read(NULL, &mp->up.rep);
    }
    mp->up.max_rules = offload_mgr.cfg.max_rules;
    offload_mport_bind_profile(mp);
}

void
offload_port_add(uint32_t odp_port, const char *name, const char *type,
                 const char *priority)
{
    if (!offload_mgr.inited || !name) {
        return;
    }
    struct offload_mport *mp = offload_mport_find(odp_port);
    if (mp) {
        if (!strcmp(mp->up.name, name) && !strcmp(mp->type, type ? type : "")
            && str_eq_null(mp->priority, priority)) {
            return;
        }
        pthread_rwlock_wrlock(&offload_mgr.rwlock);
        char *msg = xasprintf("port %s changed", mp->up.name);
        port_detach(mp, OFFLOAD_R_NO_PROVIDER, msg);
        free(msg);
    } else {
        mp = xzalloc(sizeof *mp);
        mp->up.odp_port = odp_port;
        pthread_rwlock_wrlock(&offload_mgr.rwlock);
        hmap_insert(&offload_mgr.ports, &mp->node, port_hash(odp_port));
    }
    mport_set(mp, name, type, priority);
    if (offload_mgr.cfg.enabled) {
        port_select(mp);
    } else {
        offload_reason_set(&mp->why, OFFLOAD_R_DISABLED,
                           "hw-offload is false");
    }
    /* Flows offered before the port was known (or while it was
     * different) get another try. */
    if (mp->prov) {
        offload_flows_requeue_port(odp_port);
    }
    pthread_rwlock_unlock(&offload_mgr.rwlock);
}

void
offload_port_del(uint32_t odp_port)
{
    struct offload_mport *mp = offload_mport_find(odp_port);

    if (!mp) {
        return;
    }
    pthread_rwlock_wrlock(&offload_mgr.rwlock);
    char *msg = xasprintf("port %s was removed", mp->up.name);
    port_detach(mp, OFFLOAD_R_NO_PROVIDER, msg);
    free(msg);
    hmap_remove(&offload_mgr.ports, &mp->node);
    pthread_rwlock_unlock(&offload_mgr.rwlock);
    mport_free(mp);
}

/* ---------------------------------------------------------------------
 * Stale rules.
 * --------------------------------------------------------------------- */

struct offload_stale *
offload_stale_take(const struct offload_ufid *ufid)
{
    struct offload_stale *s;

    HMAP_FOR_EACH_WITH_HASH (s, node, offload_ufid_hash(ufid),
                             &offload_mgr.stale) {
        if (!memcmp(&s->rule.ufid, ufid, sizeof *ufid)) {
            hmap_remove(&offload_mgr.stale, &s->node);
            return s;
        }
    }
    return NULL;
}

void
offload_stale_clear(void)
{
    struct offload_stale *s;

    HMAP_FOR_EACH_SAFE (s, node, &offload_mgr.stale) {
        hmap_remove(&offload_mgr.stale, &s->node);
        free(s);
    }
}

void
offload_stale_remove(struct offload_stale **stale, size_t n)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    const struct offload_port **ports = xcalloc(n ? n : 1, sizeof *ports);
    struct offload_ufid *ufids = xcalloc(n ? n : 1, sizeof *ufids);
    uint64_t *handles = xcalloc(n ? n : 1, sizeof *handles);
    struct offload_stats *stats = xcalloc(n ? n : 1, sizeof *stats);
    int *errors = xcalloc(n ? n : 1, sizeof *errors);

    /* One flow_del() per provider. */
    for (size_t pi = 0; pi < offload_mgr.n_provs; pi++) {
        struct offload_prov *p = &offload_mgr.provs[pi];
        size_t k = 0;

        for (size_t i = 0; i < n; i++) {
            const struct offload_port *port =
                offload_port_lookup(stale[i]->rule.in_odp_port);

            if (stale[i]->prov != p || !port || port->provider != p->cls) {
                continue;
            }
            ports[k] = port;
            ufids[k] = stale[i]->rule.ufid;
            handles[k] = stale[i]->rule.handle;
            errors[k] = 0;
            k++;
        }
        if (!k) {
            continue;
        }
        p->cls->flow_del(offload_prov_main_ctx(p), ports, ufids, handles, k,
                         stats, errors);
        size_t n_err = 0;
        for (size_t i = 0; i < k; i++) {
            n_err += errors[i] && errors[i] != ENOENT;
        }
        if (n_err) {
            VLOG_WARN_RL(&rl,
                         "%s: %zu of %zu stale rules could not be "
                         "removed",
                         p->cls->name, n_err, k);
        }
        VLOG_INFO("%s: removed %zu stale rules of an earlier run",
                  p->cls->name, k);
        pthread_mutex_lock(&offload_mgr.mutex);
        p->counters.removed += k;
        pthread_mutex_unlock(&offload_mgr.mutex);
    }
    for (size_t i = 0; i < n; i++) {
        free(stale[i]);
    }
    free(ports);
    free(ufids);
    free(handles);
    free(stats);
    free(errors);
}

/* Whether stale rule S may be removed now. */
static bool
stale_due(const struct offload_stale *s, long long now)
{
    const struct offload_mport *mp = offload_mport_find(s->rule.in_odp_port);
    long long start = offload_mgr.restore_off_ms;

    if (mp && mp->up_ms > start) {
        start = mp->up_ms;
    }
    return now >= start + (long long) offload_mgr.cfg.stats_delay_ms;
}

void
offload_stale_sweep(void)
{
    long long now = nf_time_msec();
    struct offload_stale *s;
    bool any = false;

    if (!offload_mgr.inited || !offload_mgr.cfg.enabled
        || offload_mgr.cfg.restore_wait) {
        return;
    }
    /* A cheap look first: the write lock stalls the workers. */
    pthread_mutex_lock(&offload_mgr.mutex);
    HMAP_FOR_EACH (s, node, &offload_mgr.stale) {
        if (stale_due(s, now)) {
            any = true;
            break;
        }
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
    if (!any) {
        return;
    }

    /* Under the write lock no worker is putting a ufid that is about to
     * be removed here (an adoption and a removal of the same rule must
     * not cross). */
    pthread_rwlock_wrlock(&offload_mgr.rwlock);
    pthread_mutex_lock(&offload_mgr.mutex);
    size_t n = 0, cap = hmap_count(&offload_mgr.stale);
    struct offload_stale **due = xcalloc(cap ? cap : 1, sizeof *due);
    HMAP_FOR_EACH_SAFE (s, node, &offload_mgr.stale) {
        if (stale_due(s, now)) {
            hmap_remove(&offload_mgr.stale, &s->node);
            due[n++] = s;
        }
    }
    pthread_mutex_unlock(&offload_mgr.mutex);
    offload_stale_remove(due, n);
    pthread_rwlock_unlock(&offload_mgr.rwlock);
    free(due);
}
