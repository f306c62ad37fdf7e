/* hal.c: the HAL plugin loader and the "hal" offload provider (see
 * offload/hal.h; the mapping of flows is in hal-map.c).
 *
 * State.  At most one plugin is loaded: its shared object, operations,
 * open device, capabilities and port map.  The provider's rules (one per
 * flow put, by handle and by ufid) and the FDB entries they share (by
 * MAC and VLAN, with a reference count) live beside it.  'hal_mutex'
 * guards all of it and is held across every plugin call. */
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "offload/hal.h"
#include "offload/offload-private.h"

VLOG_DEFINE_THIS_MODULE(hal);

struct hal_plugin {
    char *path, *args;
    void *dl; /* dlopen() handle. */
    const struct nicflow_hal_ops *ops;
    struct nicflow_hal_dev *dev;
    struct nicflow_hal_caps caps;
    struct nicflow_hal_port *ports;
    struct hal_map_dev map;
    bool rx_path; /* The device delivers misses to us (rx_register). */
    bool events;  /* Its events come to hal_event_cb(). */
};

/* Events the device reported, by enum nicflow_hal_event_type (atomic:
 * the plugin's threads count, hal/show reads). */
#define HAL_N_EVENT_TYPES (NICFLOW_HAL_EV_TABLE_FULL + 1)
static uint64_t hal_n_events[HAL_N_EVENT_TYPES];

/* An FDB entry of the device and the rules that share it. */
struct hal_fdb_ref {
    struct hmap_node node; /* In hal_fdb, by MAC and VID. */
    struct nicflow_hal_fdb_entry entry;
    unsigned n_refs;
};

/* A tunnel encapsulation or decapsulation entry of the device and how many
 * rules use it (equal ones are shared). */
struct hal_encap_ref {
    struct nicflow_hal_tunnel_encap encap;
    uint32_t id;
    unsigned n_refs;
};
struct hal_decap_ref {
    struct nicflow_hal_tunnel_decap decap;
    unsigned n_refs;
};

struct hal_rule {
    struct hmap_node handle_node; /* In hal_rules. */
    struct hmap_node ufid_node;   /* In hal_by_ufid. */
    struct offload_ufid ufid;
    uint64_t handle; /* The ACL entry id, for an ACL rule. */
    uint32_t in_odp_port;
    struct hal_fdb_ref *fdb;     /* Nonnull: an FDB rule. */
    struct hal_encap_ref *encap; /* The rule sends into this tunnel. */
    struct hal_decap_ref *decap; /* The rule takes this tunnel's frames. */
    bool has_counter;
    uint32_t counter;
    uint64_t last_packets; /* To tell when a packet was last seen. */
    long long used;
};

static pthread_mutex_t hal_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct hal_plugin *hal_plugin; /* NULL: none loaded. */
static char *hal_load_error;          /* Why not, if a load failed. */
static struct hmap hal_rules = HMAP_INITIALIZER;
static struct hmap hal_by_ufid = HMAP_INITIALIZER;
static struct hmap hal_fdb = HMAP_INITIALIZER;
static uint64_t hal_next_handle = 1;
static struct hal_encap_ref **hal_encaps; /* In use, any order. */
static size_t hal_n_encaps;
static struct hal_decap_ref **hal_decaps;
static size_t hal_n_decaps;

/* The datapath's meters (offload_provider_class.meter_set), each put into
 * the device as the HAL meter of the same id when the device can police
 * it; hal-map turns a flow's meter action into POLICE with it. */
struct hal_meter {
    struct hmap_node node; /* In hal_meters, by dp_meter. */
    uint32_t dp_meter;
    struct offload_meter m;
    bool in_device;
    char why[96]; /* Why not, if !in_device. */
};
static struct hmap hal_meters = HMAP_INITIALIZER;

/* How the device's frames to the host reach the datapath (set by
 * nicflowd's wiring; NULL in tests that have no datapath). */
static const struct offload_hal_host *hal_host;

/* ---------------------------------------------------------------------
 * Loading.
 * --------------------------------------------------------------------- */

static void
rules_forget(void)
{
    struct hal_rule *r;
    struct hal_fdb_ref *ref;

    HMAP_FOR_EACH_SAFE (r, handle_node, &hal_rules) {
        hmap_remove(&hal_rules, &r->handle_node);
        hmap_remove(&hal_by_ufid, &r->ufid_node);
        free(r);
    }
    HMAP_FOR_EACH_SAFE (ref, node, &hal_fdb) {
        hmap_remove(&hal_fdb, &ref->node);
        free(ref);
    }
    for (size_t i = 0; i < hal_n_encaps; i++) {
        free(hal_encaps[i]);
    }
    hal_n_encaps = 0;
    for (size_t i = 0; i < hal_n_decaps; i++) {
        free(hal_decaps[i]);
    }
    hal_n_decaps = 0;
}

/* The receiver of the device's frames to the host: on the plugin's
 * thread, so it touches nothing but the port map (fixed while the plugin
 * is loaded) and the host's delivery, which never blocks. */
static void
hal_rx_cb(uint32_t chip_port, const void *frame, size_t len, void *aux)
{
    const struct hal_plugin *p = aux;

    for (size_t i = 0; i < p->map.n_ports; i++) {
        if (p->ports[i].chip_port == chip_port) {
            hal_host->deliver(p->ports[i].name, frame, len);
            return;
        }
    }
}

/* The receiver of the device's events, on the plugin's threads: counts
 * them and logs what an operator wants to see. */
static void
hal_event_cb(const struct nicflow_hal_event *ev, void *aux)
{
    static struct vlog_rate_limit ev_rl = VLOG_RATE_LIMIT_INIT(5, 20);
    const struct hal_plugin *p = aux;
    const char *port = "?";

    if (ev->type >= HAL_N_EVENT_TYPES) {
        return;
    }
    __atomic_add_fetch(&hal_n_events[ev->type], 1, __ATOMIC_RELAXED);
    for (size_t i = 0; i < p->map.n_ports; i++) {
        if (p->ports[i].chip_port == ev->chip_port) {
            port = p->ports[i].name;
        }
    }
    switch (ev->type) {
    case NICFLOW_HAL_EV_LINK_UP:
    case NICFLOW_HAL_EV_LINK_DOWN:
        VLOG_INFO_RL(&ev_rl, "%s: port %s (chip port %u) link %s",
                     p->caps.device, port, ev->chip_port,
                     ev->type == NICFLOW_HAL_EV_LINK_UP ? "up" : "down");
        break;
    case NICFLOW_HAL_EV_TABLE_FULL:
        VLOG_WARN_RL(&ev_rl, "%s: table %s is full", p->caps.device,
                     ev->table == NICFLOW_HAL_T_ACL        ? "acl"
                     : ev->table == NICFLOW_HAL_T_FDB      ? "fdb"
                     : ev->table == NICFLOW_HAL_T_COUNTERS ? "counters"
                                                           : "meters");
        break;
    default:
        break;
    }
}

/* Stops the device's deliveries and gives the ports their own input
 * back. */
static void
rx_path_stop(struct hal_plugin *p)
{
    char err[NICFLOW_HAL_MSG_MAX] = "";

    if (!p->rx_path) {
        return;
    }
    p->ops->rx_register(p->dev, NULL, NULL, err, sizeof err);
    for (size_t i = 0; i < p->map.n_ports; i++) {
        hal_host->handover(p->ports[i].name, false);
    }
    p->rx_path = false;
}

/* Takes the device's frames to the host, if it has a path of its own, and
 * hands its ports' input over to it.  A failure leaves the ports reading
 * their netdevs, which still switches every frame (in software). */
static void
rx_path_start(struct hal_plugin *p)
{
    char err[NICFLOW_HAL_MSG_MAX] = "";

    if (!p->ops->rx_register || !hal_host) {
        return;
    }
    for (size_t i = 0; i < p->map.n_ports; i++) {
        hal_host->handover(p->ports[i].name, true);
    }
    int error = p->ops->rx_register(p->dev, hal_rx_cb, p, err, sizeof err);
    if (error) {
        VLOG_WARN("hal-plugin %s: cannot take the device's frames to the "
                  "host (%s): its ports read their netdevs",
                  p->path, err[0] ? err : nf_strerror(error));
        for (size_t i = 0; i < p->map.n_ports; i++) {
            hal_host->handover(p->ports[i].name, false);
        }
        return;
    }
    p->rx_path = true;
}

/* Puts meter HM into P's device if it can police it, noting why not
 * otherwise.  Called with hal_mutex held. */
static void
meter_push(struct hal_plugin *p, struct hal_meter *hm)
{
    char err[NICFLOW_HAL_MSG_MAX] = "";

    hm->in_device = false;
    if (!p || !p->caps.meters.supported || !p->ops->meter_set) {
        snprintf(hm->why, sizeof hm->why, "the device has no meters");
    } else if (hm->dp_meter >= p->caps.meters.size) {
        snprintf(hm->why, sizeof hm->why, "the device has meters 0..%u only",
                 p->caps.meters.size - 1);
    } else if (hm->m.n_bands != 1) {
        snprintf(hm->why, sizeof hm->why,
                 "%u bands, the device polices at one rate", hm->m.n_bands);
    } else {
        struct nicflow_hal_meter hw = {
            .flags = hm->m.pktps ? NICFLOW_HAL_METER_PPS : 0,
            .rate = hm->m.rate,
            .burst = hm->m.burst,
        };
        int error =
            p->ops->meter_set(p->dev, hm->dp_meter, &hw, err, sizeof err);
        if (error) {
            snprintf(hm->why, sizeof hm->why, "%s",
                     err[0] ? err : nf_strerror(error));
        } else {
            hm->in_device = true;
            hm->why[0] = '\0';
        }
    }
}

static struct hal_meter *
meter_find(uint32_t dp_meter)
{
    struct hal_meter *hm;

    HMAP_FOR_EACH_WITH_HASH (hm, node, hash_int(dp_meter, 0), &hal_meters) {
        if (hm->dp_meter == dp_meter) {
            return hm;
        }
    }
    return NULL;
}

/* hal_map_dev.meter_usable. */
static bool
meter_usable(uint32_t dp_meter, char *why, size_t size)
{
    const struct hal_meter *hm = meter_find(dp_meter);

    if (!hm) {
        snprintf(why, size, "unknown to the offload layer");
        return false;
    }
    if (!hm->in_device) {
        snprintf(why, size, "%s", hm->why);
    }
    return hm->in_device;
}

static void
hal_meter_set(uint32_t dp_meter, const struct offload_meter *meter)
{
    pthread_mutex_lock(&hal_mutex);
    struct hal_meter *hm = meter_find(dp_meter);
    if (!meter) {
        if (hm) {
            if (hm->in_device && hal_plugin) {
                hal_plugin->ops->meter_del(hal_plugin->dev, dp_meter);
            }
            hmap_remove(&hal_meters, &hm->node);
            free(hm);
        }
    } else {
        if (!hm) {
            hm = xzalloc(sizeof *hm);
            hm->dp_meter = dp_meter;
            hmap_insert(&hal_meters, &hm->node, hash_int(dp_meter, 0));
        }
        hm->m = *meter;
        meter_push(hal_plugin, hm);
    }
    pthread_mutex_unlock(&hal_mutex);
}

static void
plugin_free(struct hal_plugin *p)
{
    if (p->dev) {
        char err[NICFLOW_HAL_MSG_MAX] = "";

        rx_path_stop(p);
        if (p->events) {
            p->ops->events_register(p->dev, NULL, NULL, err, sizeof err);
        }
        p->ops->close(p->dev);
    }
    if (p->dl) {
        dlclose(p->dl);
    }
    free(p->ports);
    free(p->path);
    free(p->args);
    free(p);
}

/* The calls every plugin must have, by offset in the operations. */
static const struct {
    const char *name;
    size_t ofs;
} hal_required[] = {
#define HAL_REQUIRED(CALL)                            \
    {                                                 \
#CALL, offsetof(struct nicflow_hal_ops, CALL) \
    }
    HAL_REQUIRED(open),      HAL_REQUIRED(close),   HAL_REQUIRED(get_caps),
    HAL_REQUIRED(port_list), HAL_REQUIRED(acl_add), HAL_REQUIRED(acl_del),
#undef HAL_REQUIRED
};

/* Loads the plugin at PATH and opens its device with ARGS into *PP.
 * Returns 0, or an errno with the message in *ERRP. */
static int
plugin_load(const char *path, const char *args, struct hal_plugin **pp,
            char **errp)
{
    struct hal_plugin *p = xzalloc(sizeof *p);
    char err[NICFLOW_HAL_MSG_MAX] = "";
    int error;

    p->path = xstrdup(path);
    p->args = xstrdup(args);
    p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!p->dl) {
        const char *why = dlerror();

        *errp = xasprintf("hal-plugin %s: cannot load: %s", path,
                          why ? why : "unknown error");
        error = ENOENT;
        goto free_plugin;
    }
    nicflow_hal_entry_fn *entry =
        (nicflow_hal_entry_fn *) dlsym(p->dl, NICFLOW_HAL_ENTRY_SYMBOL);
    if (!entry) {
        *errp = xasprintf("hal-plugin %s: no symbol %s", path,
                          NICFLOW_HAL_ENTRY_SYMBOL);
        error = EINVAL;
        goto free_plugin;
    }
    p->ops = entry();
    if (!p->ops) {
        *errp = xasprintf("hal-plugin %s: %s() returned no operations", path,
                          NICFLOW_HAL_ENTRY_SYMBOL);
        error = EINVAL;
        goto free_plugin;
    }
    if (p->ops->abi_version != NICFLOW_HAL_ABI_VERSION) {
        *errp = xasprintf("hal-plugin %s: ABI version %u, this nicflow "
                          "speaks %d",
                          path, p->ops->abi_version, NICFLOW_HAL_ABI_VERSION);
        error = EPROTO;
        goto free_plugin;
    }
    if (p->ops->struct_size != sizeof *p->ops) {
        *errp = xasprintf("hal-plugin %s: struct nicflow_hal_ops is %u bytes, "
                          "this nicflow's is %zu",
                          path, p->ops->struct_size, sizeof *p->ops);
        error = EPROTO;
        goto free_plugin;
    }
    for (size_t i = 0; i < ARRAY_SIZE(hal_required); i++) {
        if (!*(void *const *) ((const char *) p->ops + hal_required[i].ofs)) {
            *errp = xasprintf("hal-plugin %s: lacks the %s call", path,
                              hal_required[i].name);
            error = EINVAL;
            goto free_plugin;
        }
    }

    error = p->ops->open(args, &p->dev, err, sizeof err);
    if (error || !p->dev) {
        p->dev = NULL;
        *errp = xasprintf("hal-plugin %s: cannot open the device "
                          "(hal-args \"%s\"): %s",
                          path, args, err[0] ? err : nf_strerror(error));
        error = error ? error : EIO;
        goto free_plugin;
    }
    p->caps.struct_size = sizeof p->caps;
    error = p->ops->get_caps(p->dev, &p->caps, err, sizeof err);
    if (error) {
        *errp = xasprintf("hal-plugin %s: capabilities: %s", path,
                          err[0] ? err : nf_strerror(error));
        goto free_plugin;
    }
    p->caps.device[sizeof p->caps.device - 1] = '\0';
    if (p->caps.n_templates > NICFLOW_HAL_MAX_TEMPLATES) {
        p->caps.n_templates = NICFLOW_HAL_MAX_TEMPLATES;
    }

    size_t n = p->caps.n_ports, max = 0;
    do {
        max = n;
        p->ports = xrealloc(p->ports, (max + 1) * sizeof *p->ports);
        error = p->ops->port_list(p->dev, p->ports, max, &n, err, sizeof err);
        if (error) {
            *errp = xasprintf("hal-plugin %s: port map: %s", path,
                              err[0] ? err : nf_strerror(error));
            goto free_plugin;
        }
    } while (n > max);
    for (size_t i = 0; i < n; i++) {
        p->ports[i].name[sizeof p->ports[i].name - 1] = '\0';
    }

    p->map.caps = &p->caps;
    p->map.ports = p->ports;
    p->map.n_ports = n;
    p->map.has_fdb =
        p->caps.fdb.supported && p->ops->fdb_add && p->ops->fdb_del;
    p->map.has_counters =
        p->caps.counters.supported && p->ops->counter_alloc
        && p->ops->counter_read && p->ops->counter_free
        && (p->caps.acl_actions & NICFLOW_HAL_ACTION_BIT(NICFLOW_HAL_A_COUNT));
    p->caps.profile[sizeof p->caps.profile - 1] = '\0';
    p->map.meter_usable = meter_usable;
    struct hal_meter *hm;
    HMAP_FOR_EACH (hm, node, &hal_meters) {
        meter_push(p, hm);
    }
    if (p->ops->events_register
        && !p->ops->events_register(p->dev, hal_event_cb, p, err,
                                    sizeof err)) {
        p->events = true;
    }
    rx_path_start(p);
    *pp = p;
    return 0;

free_plugin:
    plugin_free(p);
    return error;
}

int
offload_hal_configure(const char *plugin_path, const char *args, char **errp)
{
    int error = 0;

    *errp = NULL;
    args = args ? args : "";
    pthread_mutex_lock(&hal_mutex);
    if (hal_plugin && plugin_path && !strcmp(hal_plugin->path, plugin_path)
        && !strcmp(hal_plugin->args, args)) {
        goto unlock;
    }
    rules_forget();
    if (hal_plugin) {
        plugin_free(hal_plugin);
        hal_plugin = NULL;
    }
    free(hal_load_error);
    hal_load_error = NULL;
    if (plugin_path && plugin_path[0]) {
        error = plugin_load(plugin_path, args, &hal_plugin, errp);
        if (error) {
            hal_load_error = xstrdup(*errp);
        }
    }
unlock:
    pthread_mutex_unlock(&hal_mutex);
    return error;
}

void
offload_hal_describe(struct buf *out)
{
    pthread_mutex_lock(&hal_mutex);
    const struct hal_plugin *p = hal_plugin;
    if (!p) {
        buf_printf(out, "hal: %s\n",
                   hal_load_error ? hal_load_error
                                  : "no plugin loaded "
                                    "(other_config:hal-plugin)");
        goto unlock;
    }
    const struct nicflow_hal_caps *c = &p->caps;
    buf_printf(out, "hal-plugin %s (%s), device %s, ABI %u\n", p->path,
               p->ops->name ? p->ops->name : "unnamed", c->device,
               p->ops->abi_version);
    buf_put_cstr(out, "  ports:");
    for (size_t i = 0; i < p->map.n_ports; i++) {
        buf_printf(out, " %s=%u", p->ports[i].name, p->ports[i].chip_port);
    }
    buf_printf(out, "\n  acl: %u entries, actions %#x\n", c->acl.size,
               c->acl_actions);
    for (uint32_t t = 0; t < c->n_templates; t++) {
        const struct nicflow_hal_key_template *kt = &c->templates[t];

        buf_printf(out, "    template %u %.*s:", kt->id, (int) sizeof kt->name,
                   kt->name);
        for (uint32_t i = 0;
             i < kt->n_fields && i < NICFLOW_HAL_MAX_KEY_FIELDS; i++) {
            buf_printf(out, " %s/%u", hal_field_name(kt->fields[i].field),
                       kt->fields[i].width_bits);
        }
        buf_printf(out, " (%u x %u)\n", kt->n_slices, kt->entries_per_slice);
    }
    buf_printf(out, "  fdb: %s\n  counters: %s\n  meters: %s\n",
               p->map.has_fdb ? "yes" : "no",
               p->map.has_counters ? "yes" : "no",
               c->meters.supported && p->ops->meter_set ? "yes" : "no");
    buf_printf(out, "  fdb size %u, counters %u, meters %u\n", c->fdb.size,
               c->counters.size, c->meters.size);
    if (c->port_vlans.supported && p->ops->port_vlan_add) {
        buf_printf(out, "  port/vlan memberships: %u\n", c->port_vlans.size);
    }
    if (c->nexthops.supported && p->ops->route_add) {
        buf_printf(out, "  l3: next hops %u, hosts %u, routes %u\n",
                   c->nexthops.size, c->l3_hosts.size, c->l3_routes.size);
    }
    if (c->tunnel_types && p->ops->tunnel_encap_set) {
        static const char *const names[] = {
            [NICFLOW_HAL_TUN_VXLAN] = "vxlan",
            [NICFLOW_HAL_TUN_GENEVE] = "geneve",
            [NICFLOW_HAL_TUN_GRE] = "gre",
        };
        buf_put_cstr(out, "  tunnels:");
        for (size_t t = 1; t < ARRAY_SIZE(names); t++) {
            if (c->tunnel_types & NICFLOW_HAL_TUNNEL_BIT(t)) {
                buf_printf(out, " %s", names[t]);
            }
        }
        buf_printf(out, "; encaps %u, decaps %u\n", c->tunnel_encaps.size,
                   c->tunnel_decaps.size);
    }
unlock:
    pthread_mutex_unlock(&hal_mutex);
}

/* ---------------------------------------------------------------------
 * Rules.  Everything below runs with hal_mutex held.
 * --------------------------------------------------------------------- */

static struct hal_rule *
rule_by_handle(uint64_t handle)
{
    struct hal_rule *r;

    HMAP_FOR_EACH_WITH_HASH (r, handle_node, hash_add64(0, handle),
                             &hal_rules) {
        if (r->handle == handle) {
            return r;
        }
    }
    return NULL;
}

static struct hal_rule *
rule_by_ufid(const struct offload_ufid *ufid)
{
    struct hal_rule *r;

    HMAP_FOR_EACH_WITH_HASH (r, ufid_node, offload_ufid_hash(ufid),
                             &hal_by_ufid) {
        if (!memcmp(&r->ufid, ufid, sizeof *ufid)) {
            return r;
        }
    }
    return NULL;
}

static uint32_t
fdb_hash(const struct nicflow_hal_fdb_entry *e)
{
    return hash_bytes(e->mac, sizeof e->mac, e->vid);
}

static struct hal_fdb_ref *
fdb_find(const struct nicflow_hal_fdb_entry *e)
{
    struct hal_fdb_ref *ref;

    HMAP_FOR_EACH_WITH_HASH (ref, node, fdb_hash(e), &hal_fdb) {
        if (ref->entry.vid == e->vid
            && !memcmp(ref->entry.mac, e->mac, sizeof e->mac)) {
            return ref;
        }
    }
    return NULL;
}

/* Sets WHY from a plugin's status (ERROR, MSG). */
static void
reason_from_plugin(struct offload_reason *why, int error, const char *msg)
{
    enum offload_reason_code code = error == ENOSPC ? OFFLOAD_R_TABLE_FULL
                                    : error == EOPNOTSUPP
                                        ? OFFLOAD_R_UNSUPPORTED_ACTION
                                        : OFFLOAD_R_DEVICE;

    offload_reason_set(why, code, "hal: %s: %.*s", hal_plugin->caps.device,
                       NICFLOW_HAL_MSG_MAX,
                       msg && msg[0] ? msg : nf_strerror(error));
}

/* Decap entries are told apart by everything but their tunnel port. */
static bool
decap_equal(const struct nicflow_hal_tunnel_decap *a,
            const struct nicflow_hal_tunnel_decap *b)
{
    return a->type == b->type && a->vni == b->vni && a->family == b->family
           && !memcmp(a->src, b->src, sizeof a->src)
           && !memcmp(a->dst, b->dst, sizeof a->dst)
           && (a->type == NICFLOW_HAL_TUN_GRE || a->dst_port == b->dst_port);
}

/* Finds or creates the device's encapsulation equal to ENCAP.  Called with
 * hal_mutex held. */
static int
encap_get(const struct nicflow_hal_tunnel_encap *encap,
          struct hal_encap_ref **refp, struct offload_reason *why)
{
    char err[NICFLOW_HAL_MSG_MAX] = "";
    uint32_t id;

    for (size_t i = 0; i < hal_n_encaps; i++) {
        if (!memcmp(&hal_encaps[i]->encap, encap, sizeof *encap)) {
            hal_encaps[i]->n_refs++;
            *refp = hal_encaps[i];
            return 0;
        }
    }
    /* The lowest free id. */
    for (id = 0; id < hal_plugin->caps.tunnel_encaps.size; id++) {
        size_t i;
        for (i = 0; i < hal_n_encaps && hal_encaps[i]->id != id; i++) {
            continue;
        }
        if (i == hal_n_encaps) {
            break;
        }
    }
    if (id >= hal_plugin->caps.tunnel_encaps.size
        || !hal_plugin->ops->tunnel_encap_set) {
        offload_reason_set(why, OFFLOAD_R_TABLE_FULL,
                           "hal: tunnel encapsulations full: %zu/%u",
                           hal_n_encaps, hal_plugin->caps.tunnel_encaps.size);
        return ENOSPC;
    }
    int error = hal_plugin->ops->tunnel_encap_set(hal_plugin->dev, id, encap,
                                                  err, sizeof err);
    if (error) {
        reason_from_plugin(why, error, err);
        return error;
    }
    struct hal_encap_ref *ref = xzalloc(sizeof *ref);
    ref->encap = *encap;
    ref->id = id;
    ref->n_refs = 1;
    hal_encaps = xrealloc(hal_encaps, (hal_n_encaps + 1) * sizeof *hal_encaps);
    hal_encaps[hal_n_encaps++] = ref;
    *refp = ref;
    return 0;
}

/* Finds or adds the device's decapsulation entry equal to DECAP. */
static int
decap_get(const struct nicflow_hal_tunnel_decap *decap,
          struct hal_decap_ref **refp, struct offload_reason *why)
{
    char err[NICFLOW_HAL_MSG_MAX] = "";
    struct nicflow_hal_status st = { 0, "" };

    for (size_t i = 0; i < hal_n_decaps; i++) {
        if (decap_equal(&hal_decaps[i]->decap, decap)) {
            hal_decaps[i]->n_refs++;
            *refp = hal_decaps[i];
            return 0;
        }
    }
    if (!hal_plugin->ops->tunnel_decap_add) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_MATCH,
                           "hal: the device has no tunnel decapsulation");
        return EOPNOTSUPP;
    }
    int error = hal_plugin->ops->tunnel_decap_add(hal_plugin->dev, decap, 1,
                                                  &st, err, sizeof err);
    if (error || st.error) {
        reason_from_plugin(why, error ? error : st.error,
                           error ? err : st.msg);
        return error ? error : st.error;
    }
    struct hal_decap_ref *ref = xzalloc(sizeof *ref);
    ref->decap = *decap;
    ref->n_refs = 1;
    hal_decaps = xrealloc(hal_decaps, (hal_n_decaps + 1) * sizeof *hal_decaps);
    hal_decaps[hal_n_decaps++] = ref;
    *refp = ref;
    return 0;
}

/* Drops R's uses of tunnel entries, deleting those no rule uses any more
 * (after R's ACL entry is gone). */
static void
rule_put_tunnels(struct hal_rule *r)
{
    char err[NICFLOW_HAL_MSG_MAX];

    if (r->encap && !--r->encap->n_refs) {
        for (size_t i = 0; i < hal_n_encaps; i++) {
            if (hal_encaps[i] == r->encap) {
                hal_encaps[i] = hal_encaps[--hal_n_encaps];
                break;
            }
        }
        if (hal_plugin && hal_plugin->ops->tunnel_encap_del) {
            hal_plugin->ops->tunnel_encap_del(hal_plugin->dev, r->encap->id,
                                              err, sizeof err);
        }
        free(r->encap);
    }
    if (r->decap && !--r->decap->n_refs) {
        struct nicflow_hal_status st;
        for (size_t i = 0; i < hal_n_decaps; i++) {
            if (hal_decaps[i] == r->decap) {
                hal_decaps[i] = hal_decaps[--hal_n_decaps];
                break;
            }
        }
        if (hal_plugin && hal_plugin->ops->tunnel_decap_del) {
            hal_plugin->ops->tunnel_decap_del(
                hal_plugin->dev, &r->decap->decap, 1, &st, err, sizeof err);
        }
        free(r->decap);
    }
    r->encap = NULL;
    r->decap = NULL;
}

static void
rule_insert(struct hal_rule *r)
{
    hmap_insert(&hal_rules, &r->handle_node, hash_add64(0, r->handle));
    hmap_insert(&hal_by_ufid, &r->ufid_node, offload_ufid_hash(&r->ufid));
}

/* Takes the rules RULES[0 .. N - 1] out of the device, storing their last
 * counters in STATS[i] (if nonnull) and 0 or an errno in ERRORS[i], and
 * frees them. */
static void
rules_remove(struct hal_rule **rules, size_t n, struct offload_stats *stats,
             int *errors)
{
    const struct nicflow_hal_ops *ops = hal_plugin->ops;
    uint64_t *ids = xcalloc(n + 1, sizeof *ids);
    size_t *which = xcalloc(n + 1, sizeof *which);
    struct nicflow_hal_status *st = xcalloc(n + 1, sizeof *st);
    char err[NICFLOW_HAL_MSG_MAX] = "";
    size_t n_acl = 0;

    for (size_t i = 0; i < n; i++) {
        struct hal_rule *r = rules[i];

        errors[i] = 0;
        if (stats) {
            memset(&stats[i], 0, sizeof stats[i]);
        }
        if (r->has_counter && stats) {
            struct nicflow_hal_counter c = { 0, 0 };
            struct nicflow_hal_status cst;

            if (!ops->counter_read(hal_plugin->dev, &r->counter, 1, &c, &cst,
                                   err, sizeof err)
                && !cst.error) {
                stats[i].n_packets = c.n_packets;
                stats[i].n_bytes = c.n_bytes;
                stats[i].used =
                    c.n_packets != r->last_packets ? nf_time_msec() : r->used;
            }
        }
        if (r->fdb) {
            if (!--r->fdb->n_refs) {
                int error = ops->fdb_del(hal_plugin->dev, &r->fdb->entry, 1,
                                         st, err, sizeof err);
                errors[i] = error ? error : st[0].error;
                hmap_remove(&hal_fdb, &r->fdb->node);
                free(r->fdb);
            }
        } else {
            ids[n_acl] = r->handle;
            which[n_acl++] = i;
        }
    }
    if (n_acl) {
        int error =
            ops->acl_del(hal_plugin->dev, ids, n_acl, st, err, sizeof err);
        for (size_t k = 0; k < n_acl; k++) {
            errors[which[k]] = error ? error : st[k].error;
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct hal_rule *r = rules[i];

        if (r->has_counter) {
            ops->counter_free(hal_plugin->dev, r->counter);
        }
        rule_put_tunnels(r);
        hmap_remove(&hal_rules, &r->handle_node);
        hmap_remove(&hal_by_ufid, &r->ufid_node);
        free(r);
    }
    free(st);
    free(which);
    free(ids);
}

/* ---------------------------------------------------------------------
 * The provider.
 * --------------------------------------------------------------------- */

static int
hal_init(const struct offload_global_config *cfg NF_UNUSED,
         char **errp NF_UNUSED)
{
    return 0;
}

static void
hal_set_config(const struct offload_global_config *cfg NF_UNUSED)
{
}

static void
hal_destroy(void)
{
}

/* Whether the loaded plugin serves PORT.  Called with hal_mutex held. */
static int
port_check(const struct offload_port *port, struct offload_reason *why)
{
    if (!hal_plugin) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_PORT, "hal: %s",
                           hal_load_error ? hal_load_error
                                          : "no plugin loaded "
                                            "(other_config:hal-plugin)");
        return ENODEV;
    }
    uint32_t type;
    uint16_t dst_port;
    if (hal_map_tunnel_vport(port, &type, &dst_port)) {
        /* A tunnel vport: the device decapsulates its frames itself. */
        if (!(hal_plugin->caps.tunnel_types & NICFLOW_HAL_TUNNEL_BIT(type))
            || !hal_plugin->caps.tunnel_decaps.supported) {
            offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_PORT,
                               "hal: %s does not decapsulate %s tunnels",
                               hal_plugin->caps.device, port->type);
            return ENODEV;
        }
        return 0;
    }
    if (!hal_map_port(&hal_plugin->map, port->name)) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_PORT,
                           "hal: %s is not a port of %s", port->name,
                           hal_plugin->caps.device);
        return ENODEV;
    }
    return 0;
}

static int
hal_port_probe(const struct offload_port *port, struct offload_reason *why)
{
    pthread_mutex_lock(&hal_mutex);
    int error = port_check(port, why);
    pthread_mutex_unlock(&hal_mutex);
    return error;
}

static int
hal_port_add(struct offload_port *port, struct offload_reason *why)
{
    return hal_port_probe(port, why);
}

static void
hal_port_del(struct offload_port *port)
{
    struct hal_rule **rules, *r;
    size_t n = 0;

    pthread_mutex_lock(&hal_mutex);
    rules = xcalloc(hmap_count(&hal_rules) + 1, sizeof *rules);
    HMAP_FOR_EACH (r, handle_node, &hal_rules) {
        if (r->in_odp_port == port->odp_port) {
            rules[n++] = r;
        }
    }
    if (n && hal_plugin) {
        int *errors = xcalloc(n, sizeof *errors);

        rules_remove(rules, n, NULL, errors);
        free(errors);
    }
    free(rules);
    pthread_mutex_unlock(&hal_mutex);
}

static void
hal_port_describe(const struct offload_port *port, char *buf, size_t size)
{
    pthread_mutex_lock(&hal_mutex);
    const struct nicflow_hal_port *hp =
        hal_plugin ? hal_map_port(&hal_plugin->map, port->name) : NULL;
    if (hp) {
        const struct hal_rule *r;
        size_t n = 0;

        HMAP_FOR_EACH (r, handle_node, &hal_rules) {
            n += r->in_odp_port == port->odp_port;
        }
        snprintf(buf, size, "hal device %s, chip port %u, %zu rules",
                 hal_plugin->caps.device, hp->chip_port, n);
    } else {
        snprintf(buf, size, "hal: not a port of the device");
    }
    pthread_mutex_unlock(&hal_mutex);
}

static int
hal_flow_check(void *ctx NF_UNUSED, const struct offload_flow *f,
               struct offload_reason *why)
{
    struct hal_map_result *m = xmalloc(sizeof *m);
    int error;

    pthread_mutex_lock(&hal_mutex);
    error = f->in_port ? port_check(f->in_port, why) : EINVAL;
    if (!error) {
        error = hal_map_flow(&hal_plugin->map, f, true, m, why);
    }
    pthread_mutex_unlock(&hal_mutex);
    free(m);
    return error;
}

/* Maps F into M, the FDB if it fits and agrees with what the FDB holds,
 * else the ACL.  Returns 0 or an errno with the reason in WHY. */
static int
map_one(const struct offload_flow *f, struct hal_map_result *m,
        struct offload_reason *why)
{
    int error = f->in_port ? port_check(f->in_port, why) : EINVAL;

    if (!error) {
        error = hal_map_flow(&hal_plugin->map, f, true, m, why);
    }
    if (!error && m->is_fdb) {
        const struct hal_fdb_ref *ref = fdb_find(&m->fdb);

        if (ref && ref->entry.chip_port != m->fdb.chip_port) {
            error = hal_map_flow(&hal_plugin->map, f, false, m, why);
        }
    }
    return error;
}

static void
hal_flow_put(void *ctx NF_UNUSED, const struct offload_flow *flows, size_t n,
             struct offload_put_result *results)
{
    struct hal_map_result *maps = xcalloc(n + 1, sizeof *maps);
    struct nicflow_hal_acl_entry *acl = xcalloc(n + 1, sizeof *acl);
    struct nicflow_hal_status *st = xcalloc(n + 1, sizeof *st);
    struct hal_rule **rules = xcalloc(n + 1, sizeof *rules);
    size_t *which = xcalloc(n + 1, sizeof *which);
    char err[NICFLOW_HAL_MSG_MAX] = "";
    size_t n_acl = 0;

    pthread_mutex_lock(&hal_mutex);
    for (size_t i = 0; i < n; i++) {
        const struct offload_flow *f = &flows[i];
        struct offload_put_result *res = &results[i];

        memset(res, 0, sizeof *res);
        /* A rule with this ufid is replaced: the old one goes first. */
        struct hal_rule *old = rule_by_ufid(&f->ufid);
        if (old && hal_plugin) {
            int error;

            rules_remove(&old, 1, NULL, &error);
        }
        res->error = map_one(f, &maps[i], &res->reason);
        if (res->error) {
            continue;
        }

        struct hal_rule *r = xzalloc(sizeof *r);
        r->ufid = f->ufid;
        r->in_odp_port = f->in_port->odp_port;
        r->handle = hal_next_handle++;
        rules[i] = r;
        if (maps[i].is_fdb) {
            /* Done now, one at a time: a later flow of this batch may
             * share the entry. */
            struct hal_fdb_ref *ref = fdb_find(&maps[i].fdb);
            if (!ref) {
                int error = hal_plugin->ops->fdb_add(
                    hal_plugin->dev, &maps[i].fdb, 1, st, err, sizeof err);
                if (error || st[0].error) {
                    reason_from_plugin(&res->reason,
                                       error ? error : st[0].error,
                                       error ? err : st[0].msg);
                    res->error = error ? error : st[0].error;
                    free(r);
                    rules[i] = NULL;
                    continue;
                }
                ref = xzalloc(sizeof *ref);
                ref->entry = maps[i].fdb;
                hmap_insert(&hal_fdb, &ref->node, fdb_hash(&ref->entry));
            }
            ref->n_refs++;
            r->fdb = ref;
            continue;
        }

        int terr = 0;
        if (maps[i].has_decap) {
            terr = decap_get(&maps[i].decap, &r->decap, &res->reason);
        }
        if (!terr && maps[i].has_encap) {
            terr = encap_get(&maps[i].encap, &r->encap, &res->reason);
            if (!terr) {
                maps[i].acl.actions[maps[i].encap_action].arg = r->encap->id;
            }
        }
        if (terr) {
            rule_put_tunnels(r);
            res->error = terr;
            free(r);
            rules[i] = NULL;
            continue;
        }

        struct nicflow_hal_acl_entry *e = &acl[n_acl];
        *e = maps[i].acl;
        e->id = r->handle;
        if (hal_plugin->map.has_counters
            && e->n_actions < NICFLOW_HAL_MAX_ACTIONS
            && !hal_plugin->ops->counter_alloc(hal_plugin->dev, &r->counter,
                                               err, sizeof err)) {
            r->has_counter = true;
            struct nicflow_hal_action *a = &e->actions[e->n_actions++];
            memset(a, 0, sizeof *a);
            a->type = NICFLOW_HAL_A_COUNT;
            a->arg = r->counter;
        }
        which[n_acl++] = i;
    }

    if (n_acl) {
        int error = hal_plugin->ops->acl_add(hal_plugin->dev, acl, n_acl, st,
                                             err, sizeof err);
        for (size_t k = 0; k < n_acl; k++) {
            size_t i = which[k];
            int e = error ? error : st[k].error;

            if (e) {
                reason_from_plugin(&results[i].reason, e,
                                   error ? err : st[k].msg);
                results[i].error = e;
                if (rules[i]->has_counter) {
                    hal_plugin->ops->counter_free(hal_plugin->dev,
                                                  rules[i]->counter);
                }
                rule_put_tunnels(rules[i]);
                free(rules[i]);
                rules[i] = NULL;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (rules[i]) {
            rule_insert(rules[i]);
            results[i].handle = rules[i]->handle;
        }
    }
    pthread_mutex_unlock(&hal_mutex);
    free(which);
    free(rules);
    free(st);
    free(acl);
    free(maps);
}

static void
hal_flow_del(void *ctx NF_UNUSED, const struct offload_port *const *ports,
             const struct offload_ufid *ufids, const uint64_t *handles,
             size_t n, struct offload_stats *stats, int *errors)
{
    struct hal_rule **rules = xcalloc(n + 1, sizeof *rules);
    size_t *which = xcalloc(n + 1, sizeof *which);
    struct offload_stats *st = xcalloc(n + 1, sizeof *st);
    int *errs = xcalloc(n + 1, sizeof *errs);
    size_t k = 0;

    pthread_mutex_lock(&hal_mutex);
    for (size_t i = 0; i < n; i++) {
        struct hal_rule *r = hal_plugin ? rule_by_handle(handles[i]) : NULL;

        memset(&stats[i], 0, sizeof stats[i]);
        errors[i] = ENOENT;
        if (r && !memcmp(&r->ufid, &ufids[i], sizeof r->ufid)
            && r->in_odp_port == ports[i]->odp_port) {
            rules[k] = r;
            which[k++] = i;
        }
    }
    if (k) {
        rules_remove(rules, k, st, errs);
        for (size_t j = 0; j < k; j++) {
            stats[which[j]] = st[j];
            errors[which[j]] = errs[j];
        }
    }
    pthread_mutex_unlock(&hal_mutex);
    free(errs);
    free(st);
    free(which);
    free(rules);
}

static void
hal_flow_stats(void *ctx NF_UNUSED, const struct offload_port *const *ports,
               const uint64_t *handles, size_t n, struct offload_stats *stats,
               int *errors)
{
    uint32_t *ids = xcalloc(n + 1, sizeof *ids);
    size_t *which = xcalloc(n + 1, sizeof *which);
    struct nicflow_hal_counter *values = xcalloc(n + 1, sizeof *values);
    struct nicflow_hal_status *st = xcalloc(n + 1, sizeof *st);
    char err[NICFLOW_HAL_MSG_MAX] = "";
    size_t k = 0;

    pthread_mutex_lock(&hal_mutex);
    for (size_t i = 0; i < n; i++) {
        struct hal_rule *r = hal_plugin ? rule_by_handle(handles[i]) : NULL;

        memset(&stats[i], 0, sizeof stats[i]);
        errors[i] = r && r->in_odp_port == ports[i]->odp_port ? 0 : ENOENT;
        if (!errors[i] && r->has_counter) {
            ids[k] = r->counter;
            which[k++] = i;
        }
    }
    if (k) {
        int error = hal_plugin->ops->counter_read(hal_plugin->dev, ids, k,
                                                  values, st, err, sizeof err);
        for (size_t j = 0; j < k; j++) {
            size_t i = which[j];
            struct hal_rule *r = rule_by_handle(handles[i]);

            errors[i] = error ? error : st[j].error;
            if (errors[i]) {
                continue;
            }
            if (values[j].n_packets != r->last_packets) {
                r->last_packets = values[j].n_packets;
                r->used = nf_time_msec();
            }
            stats[i].n_packets = values[j].n_packets;
            stats[i].n_bytes = values[j].n_bytes;
            stats[i].used = r->used;
        }
    }
    pthread_mutex_unlock(&hal_mutex);
    free(st);
    free(values);
    free(which);
    free(ids);
}

static void
hal_flush(void *ctx NF_UNUSED)
{
    struct hal_rule **rules, *r;
    size_t n = 0;

    pthread_mutex_lock(&hal_mutex);
    rules = xcalloc(hmap_count(&hal_rules) + 1, sizeof *rules);
    HMAP_FOR_EACH (r, handle_node, &hal_rules) {
        rules[n++] = r;
    }
    if (n && hal_plugin) {
        int *errors = xcalloc(n, sizeof *errors);

        rules_remove(rules, n, NULL, errors);
        free(errors);
    }
    free(rules);
    pthread_mutex_unlock(&hal_mutex);
}

const struct offload_provider_class offload_hal_class = {
    .version = OFFLOAD_PROVIDER_VERSION,
    .name = "hal",
    .init = hal_init,
    .set_config = hal_set_config,
    .destroy = hal_destroy,
    .port_probe = hal_port_probe,
    .port_add = hal_port_add,
    .port_del = hal_port_del,
    .port_describe = hal_port_describe,
    .flow_check = hal_flow_check,
    .flow_put = hal_flow_put,
    .flow_del = hal_flow_del,
    .flow_stats = hal_flow_stats,
    .flush = hal_flush,
    .meter_set = hal_meter_set,
};

/* ---------------------------------------------------------------------
 * The path to the host, and what hal/show and offload-stats-show say.
 * --------------------------------------------------------------------- */

void
offload_hal_set_host(const struct offload_hal_host *host)
{
    hal_host = host;
}

char *
offload_hal_port_profile(const char *name)
{
    char *profile = NULL;

    pthread_mutex_lock(&hal_mutex);
    if (hal_plugin && hal_plugin->caps.profile[0]
        && hal_map_port(&hal_plugin->map, name)) {
        profile = xstrdup(hal_plugin->caps.profile);
    }
    pthread_mutex_unlock(&hal_mutex);
    return profile;
}

/* How many of the device's entries nicflow holds: ACL entries, FDB
 * entries, counters.  Called with hal_mutex held. */
static void
tables_used(size_t *acl, size_t *fdb, size_t *counters)
{
    const struct hal_rule *r;

    *acl = *counters = 0;
    HMAP_FOR_EACH (r, handle_node, &hal_rules) {
        *acl += !r->fdb;
        *counters += r->has_counter;
    }
    *fdb = hmap_count(&hal_fdb);
}

/* Appends the tables' and ports' lines, each prefixed by INDENT.  Called
 * with hal_mutex held and a plugin loaded. */
static void
format_usage(struct buf *out, const char *indent)
{
    const struct hal_plugin *p = hal_plugin;
    const struct nicflow_hal_caps *c = &p->caps;
    size_t acl, fdb, counters;

    tables_used(&acl, &fdb, &counters);
    buf_printf(out, "%stables: acl %zu/%u", indent, acl, c->acl.size);
    if (p->map.has_fdb) {
        buf_printf(out, ", fdb %zu/%u", fdb, c->fdb.size);
    }
    if (p->map.has_counters) {
        buf_printf(out, ", counters %zu/%u", counters, c->counters.size);
    }
    if (c->tunnel_types) {
        buf_printf(out, ", tunnel encaps %zu/%u, decaps %zu/%u", hal_n_encaps,
                   c->tunnel_encaps.size, hal_n_decaps, c->tunnel_decaps.size);
    }
    buf_put_char(out, '\n');
    for (size_t i = 0; i < p->map.n_ports; i++) {
        const struct nicflow_hal_port *port = &p->ports[i];
        struct nicflow_hal_port_stats st;
        char err[NICFLOW_HAL_MSG_MAX] = "";

        buf_printf(out, "%sport %s (chip port %u): ", indent, port->name,
                   port->chip_port);
        memset(&st, 0, sizeof st);
        if (!p->ops->port_stats) {
            buf_put_cstr(out, "no statistics (the device keeps none)\n");
            continue;
        }
        int error =
            p->ops->port_stats(p->dev, port->chip_port, &st, err, sizeof err);
        if (error) {
            buf_printf(out, "statistics: %s\n",
                       err[0] ? err : nf_strerror(error));
            continue;
        }
        buf_printf(out,
                   "rx %" PRIu64 " packets (hardware %" PRIu64
                   ", to host %" PRIu64 "), tx %" PRIu64 " packets\n",
                   st.rx_packets, st.hw_packets, st.host_packets,
                   st.tx_packets);
    }
}

void
offload_hal_show(struct buf *out)
{
    offload_hal_describe(out);
    pthread_mutex_lock(&hal_mutex);
    const struct hal_plugin *p = hal_plugin;
    if (p) {
        buf_printf(out, "  profile: %s\n",
                   p->caps.profile[0] ? p->caps.profile : "-");
        buf_printf(out, "  path to the host: %s\n",
                   p->rx_path ? "the device's own (ports' input handed over)"
                   : p->ops->rx_register ? "none taken (no datapath)"
                                         : "the ports' netdevs");
        format_usage(out, "  ");
        if (p->events) {
            uint64_t n[HAL_N_EVENT_TYPES];

            for (size_t i = 0; i < HAL_N_EVENT_TYPES; i++) {
                n[i] = __atomic_load_n(&hal_n_events[i], __ATOMIC_RELAXED);
            }
            buf_printf(out,
                       "  events: link-up %" PRIu64 ", link-down %" PRIu64
                       ", fdb-learn %" PRIu64 ", fdb-age %" PRIu64
                       ", table-full %" PRIu64 "\n",
                       n[NICFLOW_HAL_EV_LINK_UP], n[NICFLOW_HAL_EV_LINK_DOWN],
                       n[NICFLOW_HAL_EV_FDB_LEARN], n[NICFLOW_HAL_EV_FDB_AGE],
                       n[NICFLOW_HAL_EV_TABLE_FULL]);
        } else {
            buf_put_cstr(out, "  events: none (the device reports none)\n");
        }
    }
    pthread_mutex_unlock(&hal_mutex);
}

void
offload_hal_stats_lines(struct buf *out)
{
    pthread_mutex_lock(&hal_mutex);
    if (hal_plugin) {
        buf_printf(
            out, "  hal device %s (profile %s):\n", hal_plugin->caps.device,
            hal_plugin->caps.profile[0] ? hal_plugin->caps.profile : "-");
        format_usage(out, "    ");
    }
    pthread_mutex_unlock(&hal_mutex);
}
