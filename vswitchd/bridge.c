/* bridge.c: nicflowd's bridge reconciliation (see bridge.h): the database
 * connection, bridges, the shared datapath, write-back and the control
 * commands.  Ports and interfaces are in bridge-iface.c.
 *
 * Reconciliation runs from the IDL's notification, on the event loop,
 * whenever the replica's seqno moved.  It is a comparison, not a replay:
 * each object remembers what it last applied, and only a difference is
 * acted on, so that a change to one interface touches one interface.
 * Removals run for every bridge before any addition, so that an interface
 * moved from one bridge to another leaves its datapath port before the new
 * bridge asks for it.
 *
 * Write-back is one transaction at a time (the IDL allows no more): while
 * one is in flight, a later change only marks that another is needed.
 * Every write-back writes the whole result (cur_cfg, datapath_id, the
 * interface columns); the IDL sends only the columns whose value differs
 * from the replica, so an unchanged switch costs no message.
 *
 * Like ovs-vswitchd, nicflowd holds the OVSDB lock "ovs_vswitchd" and
 * leaves the switch alone while another daemon holds it: two daemons that
 * fought over the same rows would undo each other's writes. */
#include "vswitchd/bridge.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/coverage.h"
#include "lib/evloop.h"
#include "lib/hash.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofctl/flow-text.h"
#include "ovsdb/datum.h"
#include "ovsdb/idl.h"
#include "softpath/dpif-netlink.h"
#include "softpath/dpif.h"
#include "softpath/netdev-dpdk.h"
#include "vswitchd/bridge-private.h"
#include "vswitchd/datapaths.h"
#include "vswitchd/ofproto.h"
#include "vswitchd/upcall.h"
#include "vswitchd/xlate.h"

#include "config.h" /* HAVE_DPDK */

VLOG_DEFINE_THIS_MODULE(bridge);

COVERAGE_DEFINE(bridge_reconcile);
COVERAGE_DEFINE(bridge_writeback);
COVERAGE_DEFINE(bridge_writeback_failed);
COVERAGE_DEFINE(bridge_flush);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 20);

struct evloop *bridge_loop;
struct ovsdb_idl *bridge_idl;
struct hmap bridge_all = HMAP_INITIALIZER;
uint64_t bridge_since;

/* The lock Open vSwitch's switch daemon holds; sharing its name keeps
 * nicflowd and ovs-vswitchd off each other's database. */
#define BRIDGE_LOCK "ovs_vswitchd"

/* The datapath every bridge shares (its "backer"), named as Open vSwitch
 * names them: the userspace datapath netdev@ovs-netdev or the kernel's
 * system@ovs-system.  nicflowd runs one datapath type at a time (a
 * departure from Open vSwitch, which can run both): a bridge asking for
 * the other type while bridges use this one gets an error.  Created (or,
 * for the kernel's, adopted when it exists) on first need; the userspace
 * one goes with its last bridge, the kernel's with its last bridge
 * removed from the configuration but not when nicflowd exits (the kernel
 * keeps forwarding across a restart), unless "exit --cleanup". */
#define BRIDGE_NETDEV_DP "ovs-netdev"
#define BRIDGE_SYSTEM_DP "ovs-system"
static struct dpif *netdev_dpif;
static const char *backer_type; /* "netdev" or "system" while in use. */
static size_t netdev_dpif_users;
static bool backer_exiting; /* nicflowd is exiting. */
static bool backer_cleanup; /* ... with --cleanup. */

/* Statistics go to the database every 5 s, as in Open vSwitch; status
 * (link state, MAC, MTU) and interfaces that wait for their device are
 * looked at every second. */
#define BRIDGE_POLL_MS 1000
#define BRIDGE_STATS_EVERY 5
/* ofproto_run() runs at least this often, whatever it asked for, since a
 * flow-mod from a controller can bring a timeout in between. */
#define BRIDGE_OFPROTO_MAX_MS 500

static struct evloop_timer *poll_timer;
static struct evloop_timer *ofproto_timer;
static unsigned int poll_ticks;

/* Reconciliation state. */
static uint64_t applied_seqno; /* Replica seqno last reconciled. */
static unsigned int applied_sync_count;
static bool lock_wait_logged;
static bool disconnect_logged;

/* Write-back state. */
static struct ovsdb_idl_txn *wb_txn; /* In flight, or NULL. */
static bool wb_again;                /* Another write-back is needed. */
static bool wb_stats;                /* The next one includes statistics. */

/* ---------------------------------------------------------------------
 * Open_vSwitch other_config.
 * --------------------------------------------------------------------- */

/* The Open_vSwitch other_config keys other modules read, with Open
 * vSwitch's defaults and the ranges we accept. */
struct bridge_setting {
    const char *key;
    long long min, max, dflt;
    long long value;
};

enum {
    SET_FLOW_LIMIT,
    SET_MAX_IDLE,
    SET_N_HANDLERS,
    SET_N_REVALIDATORS,
};

static struct bridge_setting ovs_settings[] = {
    [SET_FLOW_LIMIT] = { "flow-limit", 0, UINT32_MAX, 200000, 200000 },
    [SET_MAX_IDLE] = { "max-idle", 1, INT_MAX, 10000, 10000 },
    [SET_N_HANDLERS] = { "n-handler-threads", 1, 1024, 0, 0 },
    [SET_N_REVALIDATORS] = { "n-revalidator-threads", 1, 1024, 0, 0 },
};

static void
bridge_read_ovs_settings(const struct ovsdb_idl_row *ovs)
{
    for (size_t i = 0; i < ARRAY_SIZE(ovs_settings); i++) {
        struct bridge_setting *s = &ovs_settings[i];
        const char *text =
            ovsdb_idl_row_get_map_string(ovs, "other_config", s->key);
        long long v = s->dflt;

        if (text && nf_parse_int(text, s->min, s->max, &v)) {
            VLOG_WARN_RL(&rl,
                         "other_config:%s=%s: expected an integer from "
                         "%lld to %lld; using the default %lld",
                         s->key, text, s->min, s->max, s->dflt);
            v = s->dflt;
        }
        if (v != s->value) {
            VLOG_INFO("other_config:%s is now %lld", s->key, v);
            s->value = v;
        }
    }
}

/* Open_vSwitch other_config's DPDK keys (dpdk-init, dpdk-extra,
 * dpdk-socket-mem, dpdk-lcore-mask: EAL, once per process, see
 * softpath/netdev-dpdk.h) and pmd-cpu-mask (the CPUs of the datapath
 * thread, and one poll-mode thread on each for the DPDK ports' queues:
 * vswitchd/datapaths.c). */
static void
bridge_read_dpdk_settings(const struct ovsdb_idl_row *ovs)
{
    static char *pmd_cpu_mask;
    const char *mask =
        ovsdb_idl_row_get_map_string(ovs, "other_config", "pmd-cpu-mask");

#ifdef HAVE_DPDK
    struct netdev_dpdk_settings s = {
        .init = ovsdb_idl_row_get_map_string(ovs, "other_config", "dpdk-init"),
        .extra =
            ovsdb_idl_row_get_map_string(ovs, "other_config", "dpdk-extra"),
        .socket_mem = ovsdb_idl_row_get_map_string(ovs, "other_config",
                                                   "dpdk-socket-mem"),
        .lcore_mask = ovsdb_idl_row_get_map_string(ovs, "other_config",
                                                   "dpdk-lcore-mask"),
    };
    netdev_dpdk_set_config(&s);
#else
    const char *init =
        ovsdb_idl_row_get_map_string(ovs, "other_config", "dpdk-init");
    static bool warned;

    if (init && (!strcmp(init, "true") || !strcmp(init, "try")) && !warned) {
        VLOG_WARN("other_config:dpdk-init=%s: this build has no DPDK", init);
        warned = true;
    }
#endif
    if (!mask != !pmd_cpu_mask || (mask && strcmp(mask, pmd_cpu_mask))) {
        int error = datapaths_set_pmd_cpu_mask(mask);

        if (error) {
            VLOG_WARN("other_config:pmd-cpu-mask=%s: %s (the datapath thread "
                      "keeps its CPUs)",
                      mask ? mask : "", nf_strerror(error));
        } else {
            VLOG_INFO("datapath thread: CPUs %s",
                      mask && *mask ? mask : "of the process");
        }
        free(pmd_cpu_mask);
        pmd_cpu_mask = mask ? xstrdup(mask) : NULL;
    }
}

size_t
bridge_get_flow_limit(void)
{
    return (size_t) ovs_settings[SET_FLOW_LIMIT].value;
}

unsigned int
bridge_get_max_idle(void)
{
    return (unsigned int) ovs_settings[SET_MAX_IDLE].value;
}

unsigned int
bridge_get_n_handler_threads(void)
{
    return (unsigned int) ovs_settings[SET_N_HANDLERS].value;
}

unsigned int
bridge_get_n_revalidator_threads(void)
{
    return (unsigned int) ovs_settings[SET_N_REVALIDATORS].value;
}

/* ---------------------------------------------------------------------
 * Helpers.
 * --------------------------------------------------------------------- */

void
bridge_set_error(char **errp, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    free(*errp);
    *errp = xvasprintf(fmt, args);
    va_end(args);
}

bool
bridge_row_refers(const struct ovsdb_idl_row *row, const char *column,
                  const struct ovsdb_uuid *uuid)
{
    const struct ovsdb_datum *d = ovsdb_idl_row_get(row, column);
    union ovsdb_atom atom = { .uuid = *uuid };

    return d && ovsdb_datum_find_key(d, &atom, OVSDB_TYPE_UUID) != UINT_MAX;
}

static struct bridge *
bridge_find(const struct ovsdb_uuid *uuid)
{
    struct bridge *br;

    HMAP_FOR_EACH_WITH_HASH (br, node, ovsdb_uuid_hash(uuid), &bridge_all) {
        if (ovsdb_uuid_equals(&br->uuid, uuid)) {
            return br;
        }
    }
    return NULL;
}

static struct bridge *
bridge_find_by_name(const char *name)
{
    struct bridge *br;

    HMAP_FOR_EACH (br, node, &bridge_all) {
        if (!strcmp(br->name, name)) {
            return br;
        }
    }
    return NULL;
}

/* Parses "xx:xx:xx:xx:xx:xx".  Returns true on success. */
static bool
bridge_parse_mac(const char *s, struct eth_addr *ea)
{
    unsigned int b[ETH_ADDR_LEN];
    int n = 0;

    if (!s
        || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3],
                  &b[4], &b[5], &n)
               != 6
        || s[n]) {
        return false;
    }
    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        ea->ea[i] = (uint8_t) b[i];
    }
    return true;
}

static bool
bridge_mac_usable(const struct eth_addr *ea)
{
    static const struct eth_addr zero;

    return !(ea->ea[0] & 1) && memcmp(ea, &zero, sizeof zero);
}

/* A datapath id as Open vSwitch's dpid_from_string() takes it: exactly 16
 * hex digits, not all zero.  Returns 0 if S is not one. */
static uint64_t
bridge_parse_dpid(const char *s)
{
    if (!s || strlen(s) != 16 || strspn(s, "0123456789abcdefABCDEF") != 16) {
        return 0;
    }
    return strtoull(s, NULL, 16);
}

/* ---------------------------------------------------------------------
 * The shared userspace datapath.
 * --------------------------------------------------------------------- */

static const char *
backer_name(const char *type)
{
    return !strcmp(type, "system") ? BRIDGE_SYSTEM_DP : BRIDGE_NETDEV_DP;
}

static int
bridge_backer_ref(const char *type, struct dpif **dpifp, char **errp)
{
    if (netdev_dpif && strcmp(type, backer_type)) {
        bridge_set_error(errp,
                         "datapath type \"%s\" cannot run beside the "
                         "bridges of type \"%s\" (nicflowd runs one datapath "
                         "type at a time)",
                         type, backer_type);
        return EBUSY;
    }
    if (!netdev_dpif) {
        const char *name = backer_name(type);
        char *err = NULL;
        int error = dpif_open(name, type, true, &netdev_dpif, &err);

        if (error == EEXIST) {
            /* Someone made it already (nicflow-dpctl add-dp, or nicflowd
             * before a restart, for the kernel's): use it. */
            free(err);
            err = NULL;
            error = dpif_open(name, type, false, &netdev_dpif, &err);
            if (!error) {
                /* Its ports are taken back one by one; its flows, which
                 * kept forwarding while no nicflowd ran, are flushed: they
                 * may no longer be what the configuration says, and the
                 * first packets of each rebuild them. */
                dpif_flow_flush(netdev_dpif);
                VLOG_INFO("datapath %s@%s adopted (flows flushed)", type,
                          name);
            }
        } else if (!error) {
            VLOG_INFO("datapath %s@%s created", type, name);
        }
        if (error) {
            bridge_set_error(errp, "could not open datapath %s@%s: %s", type,
                             name, err ? err : nf_strerror(error));
            free(err);
            netdev_dpif = NULL;
            return error;
        }
        backer_type = !strcmp(type, "system") ? "system" : "netdev";
        dpif_set_flow_limit(netdev_dpif, bridge_get_flow_limit());
    }
    netdev_dpif_users++;
    *dpifp = netdev_dpif;
    return 0;
}

static void
bridge_backer_unref(void)
{
    if (netdev_dpif && !--netdev_dpif_users) {
        const char *name = backer_name(backer_type);
        bool keep = backer_exiting && !backer_cleanup
                    && !strcmp(backer_type, "system");
        char *err = NULL;

        /* As in Open vSwitch, the datapath goes with its last bridge, so
         * that a stopped switch leaves no tap device behind; the kernel's
         * stays when nicflowd merely exits. */
        if (!keep && dpif_destroy(netdev_dpif, &err)) {
            VLOG_WARN_RL(&rl, "could not destroy %s@%s: %s", backer_type, name,
                         err ? err : "unknown error");
        }
        free(err);
        dpif_close(netdev_dpif);
        netdev_dpif = NULL;
        VLOG_INFO("datapath %s@%s %s", backer_type, name,
                  keep ? "left to the kernel" : "destroyed");
        backer_type = NULL;
    }
}

bool
bridge_backer_is_system(void)
{
    return backer_type && !strcmp(backer_type, "system");
}

bool
bridge_backer_keeps_ports(void)
{
    return backer_exiting && !backer_cleanup && bridge_backer_is_system();
}

void
bridge_set_exiting(bool cleanup)
{
    backer_exiting = true;
    backer_cleanup = cleanup;
}

/* Whether the kernel datapath can run here (its module is loaded): asked
 * once, by opening it without creating it. */
static char *system_unavailable; /* Why not, once asked. */

static bool
bridge_system_available(void)
{
    static int available = -1;

    if (available < 0) {
        struct dpif *dpif = NULL;
        char *err = NULL;
        int error = dpif_open(BRIDGE_SYSTEM_DP, "system", false, &dpif, &err);

        available = !error || error == ENODEV;
        if (!available) {
            system_unavailable = err ? err : xstrdup(nf_strerror(error));
            err = NULL;
        }
        free(err);
        dpif_close(dpif);
    }
    return available;
}

/* Datapath types a Bridge row may ask for. */
struct bridge_dp_type {
    const char *name;    /* Bridge datapath_type. */
    const char *refusal; /* NULL: the userspace datapath; else why not. */
};

static const struct bridge_dp_type bridge_dp_types[] = {
    { "", NULL },
    { "netdev", NULL },
    { "system", NULL },
};

static const struct bridge_dp_type *
bridge_dp_type_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(bridge_dp_types); i++) {
        if (!strcmp(bridge_dp_types[i].name, name)) {
            return &bridge_dp_types[i];
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------------
 * Bridges.
 * --------------------------------------------------------------------- */

static int
bridge_packet_out(void *aux, uint16_t in_port, const struct of_acts *acts,
                  const void *pkt, size_t len, char **errp)
{
    struct bridge *br = aux;

    return xlate_packet_out(br->ofproto, in_port, acts, pkt, len, errp);
}

static const struct ofproto_ops bridge_ofproto_ops = {
    .packet_out = bridge_packet_out,
    .meter_set = bridge_meter_set,
    .meter_stats = bridge_meter_stats,
};

/* True if one of BR's Controller rows counts as a primary controller (the
 * only kind Open vSwitch counts for the fail mode and the NORMAL flow;
 * see ctrl_primary). */
static bool
bridge_has_primary_controllers(const struct bridge *br)
{
    for (size_t i = 0; i < br->n_controllers; i++) {
        if (br->ctrl_primary[i]) {
            return true;
        }
    }
    return false;
}

/* Deletes every flow of BR, then adds the "priority=0,actions=NORMAL" flow
 * if BR has no controller and is standalone, as Open vSwitch's
 * ofproto_flush_flows() and connmgr_flushed() do.  Open vSwitch adds that
 * flow only at such moments (creation, a change of fail mode without
 * controllers, controllers appearing or going), never behind the user's
 * back: a user who deletes it keeps a bridge without it. */
static void
bridge_flush_flows(struct bridge *br, bool flush)
{
    struct of_flow fm;
    char *err = NULL;

    if (flush) {
        COVERAGE_INC(bridge_flush);
        of_flow_init(&fm, OF_FLOW_DELETE);
        if (ofproto_flow_mod(br->ofproto, &fm, OF_FLOW_DELETE, &err)) {
            VLOG_WARN_RL(&rl, "bridge %s: could not flush the flows: %s",
                         br->name, err ? err : "unknown error");
        }
        of_flow_destroy(&fm);
        free(err);
        err = NULL;
    }
    if (bridge_has_primary_controllers(br)
        || br->fail_mode != OFPROTO_FAIL_STANDALONE) {
        return;
    }
    err = of_flow_parse(&fm, "priority=0,actions=NORMAL", OF_FLOW_ADD, NULL,
                        NULL);
    if (err) {
        nf_abort("cannot parse the NORMAL flow: %s", err);
    }
    if (ofproto_flow_mod(br->ofproto, &fm, OF_FLOW_ADD, &err)) {
        VLOG_WARN_RL(&rl, "bridge %s: could not add the NORMAL flow: %s",
                     br->name, err ? err : "unknown error");
    }
    of_flow_destroy(&fm);
    free(err);
}

/* Parses a positive integer setting of a Bridge's other_config; 0 (the
 * translation layer's default) if absent or bad. */
static long long
bridge_other_config_int(const struct bridge *br,
                        const struct ovsdb_idl_row *row, const char *key,
                        long long max)
{
    const char *text = ovsdb_idl_row_get_map_string(row, "other_config", key);
    long long v = 0;

    if (text && nf_parse_int(text, 1, max, &v)) {
        VLOG_WARN_RL(&rl,
                     "bridge %s: other_config:%s=%s: expected an integer "
                     "from 1 to %lld; using the default",
                     br->name, key, text, max);
        v = 0;
    }
    return v;
}

/* Chooses BR's MAC and datapath id as Open vSwitch does, and applies them
 * where they changed.  The MAC: other_config:hwaddr, else the smallest MAC
 * among the bridge's system interfaces, else the local interface's own,
 * else one made from the bridge's name.  The datapath id:
 * other_config:datapath-id, else the MAC as a number. */
static void
bridge_update_ea_dpid(struct bridge *br, const struct ovsdb_idl_row *row)
{
    const char *hwaddr =
        ovsdb_idl_row_get_map_string(row, "other_config", "hwaddr");
    struct bridge_iface *local = bridge_local_iface(br);
    struct eth_addr ea;
    uint64_t dpid;

    if (hwaddr && !(bridge_parse_mac(hwaddr, &ea) && bridge_mac_usable(&ea))) {
        VLOG_WARN_RL(&rl,
                     "bridge %s: other_config:hwaddr=%s is not a "
                     "unicast MAC address; ignored",
                     br->name, hwaddr);
        hwaddr = NULL;
    }
    if (!hwaddr && !bridge_min_system_mac(br, &ea)) {
        if (local && local->status.has_mac
            && bridge_mac_usable(&local->status.mac)) {
            ea = local->status.mac;
        } else {
            uint32_t h = hash_string(br->name, 0);

            /* Locally administered, stable across restarts. */
            ea = (struct eth_addr){ { 0x02, 0x4e, h >> 24, h >> 16, h >> 8,
                                      h } };
        }
    }
    br->ea_dirty = false;
    if (memcmp(&ea, &br->ea, sizeof ea)) {
        br->ea = ea;
        VLOG_INFO("bridge %s: using MAC " ETH_ADDR_FMT, br->name,
                  ETH_ADDR_ARGS(ea));
    }
    if (local && local->ofp_port
        && (!local->status.has_mac
            || memcmp(&local->status.mac, &ea, sizeof ea))) {
        bridge_local_set_mac(br, &ea);
    }

    dpid = bridge_parse_dpid(
        ovsdb_idl_row_get_map_string(row, "other_config", "datapath-id"));
    if (!dpid) {
        dpid = 0;
        for (int i = 0; i < ETH_ADDR_LEN; i++) {
            dpid = (dpid << 8) | ea.ea[i];
        }
    }
    if (dpid != br->dpid) {
        br->dpid = dpid;
        ofproto_set_dpid(br->ofproto, dpid);
        VLOG_INFO("bridge %s: using datapath ID %016" PRIx64, br->name, dpid);
    }
}

/* Applies ROW's bridge-wide settings to BR (running), where they changed.
 * CREATED says BR was just created, when everything is applied and the
 * NORMAL flow added. */
static void
bridge_reconfigure(struct bridge *br, const struct ovsdb_idl_row *row,
                   bool created)
{
    const char *mode = ovsdb_idl_row_get_string(row, "fail_mode");
    enum ofproto_fail_mode fail_mode = mode && !strcmp(mode, "secure")
                                           ? OFPROTO_FAIL_SECURE
                                           : OFPROTO_FAIL_STANDALONE;
    bool had_controllers = bridge_has_primary_controllers(br);
    bool fail_mode_changed = fail_mode != br->fail_mode;

    if (created || fail_mode_changed) {
        br->fail_mode = fail_mode;
        ofproto_set_fail_mode(br->ofproto, fail_mode);
        if (!created) {
            VLOG_INFO("bridge %s: fail mode %s", br->name,
                      fail_mode == OFPROTO_FAIL_SECURE ? "secure"
                                                       : "standalone");
        }
    }
    bridge_update_controllers(br, row, created);

    /* Open vSwitch flushes the flow table when the fail mode changes while
     * there is no controller, and when controllers appear or all go; each
     * time the NORMAL flow comes back if the bridge is now standalone
     * without controllers.  Only primary controllers count: a passive
     * target (ptcp:, punix:) is a service one unless its type says
     * otherwise. */
    bool has_controllers = bridge_has_primary_controllers(br);
    if (created) {
        bridge_flush_flows(br, false);
    } else if ((fail_mode_changed && !has_controllers)
               || had_controllers != has_controllers) {
        bridge_flush_flows(br, true);
    }

    unsigned int aging = (unsigned int) bridge_other_config_int(
        br, row, "mac-aging-time", INT_MAX);
    size_t size =
        (size_t) bridge_other_config_int(br, row, "mac-table-size", INT_MAX);
    if (created || aging != br->mac_aging_s || size != br->mac_table_size) {
        br->mac_aging_s = aging;
        br->mac_table_size = size;
        xlate_bridge_set(br->ofproto, br->dpif, br->name, aging, size);
    }
    bridge_tables_configure(br, row);
}

/* Creates the bridge of ROW.  A bridge that cannot run is still created,
 * with its reason in ERROR, so that its interfaces get the reason in their
 * error column. */
static struct bridge *
bridge_create(const struct ovsdb_idl_row *row)
{
    const char *dp_type = ovsdb_idl_row_get_string(row, "datapath_type");
    const struct bridge_dp_type *type;
    struct bridge *br = xzalloc(sizeof *br);
    char *err = NULL;
    uint64_t dpid;

    br->uuid = *ovsdb_idl_row_get_uuid(row);
    br->name = xstrdup(ovsdb_idl_row_get_string(row, "name") ?: "");
    br->dp_type = xstrdup(dp_type ?: "");
    br->fail_mode = OFPROTO_FAIL_STANDALONE;
    br->ea_dirty = true;
    hmap_init(&br->ports);
    hmap_insert(&bridge_all, &br->node, ovsdb_uuid_hash(&br->uuid));

    type = bridge_dp_type_find(br->dp_type);
    if (!type) {
        bridge_set_error(&br->error,
                         "bridge %s: unknown datapath type \"%s\" (supported: "
                         "netdev, system)",
                         br->name, br->dp_type);
        goto refuse;
    }
    if (type->refusal) {
        bridge_set_error(&br->error, "bridge %s: %s", br->name, type->refusal);
        goto refuse;
    }
    /* An empty type is the best available: the type already running, else
     * the kernel's where its module is loaded, else the userspace one. */
    const char *use = br->dp_type;
    if (!*use) {
        use = backer_type                 ? backer_type
              : bridge_system_available() ? "system"
                                          : "netdev";
        VLOG_INFO(
            "bridge %s: datapath_type is empty: using \"%s\"%s", br->name, use,
            backer_type              ? " (the type in use)"
            : !strcmp(use, "system") ? " (the kernel datapath is available)"
                                     : " (no kernel datapath here)");
    }
    if (!strcmp(use, "system") && !bridge_system_available()) {
        bridge_set_error(&br->error, "bridge %s: %s", br->name,
                         system_unavailable);
        goto refuse;
    }
    if (bridge_backer_ref(use, &br->dpif, &err)) {
        bridge_set_error(&br->error, "bridge %s: %s", br->name, err);
        goto refuse;
    }
    dpid = bridge_parse_dpid(
        ovsdb_idl_row_get_map_string(row, "other_config", "datapath-id"));
    if (ofproto_create(br->name, dpid, bridge_loop, &bridge_ofproto_ops, br,
                       &br->ofproto, &err)) {
        bridge_set_error(&br->error, "bridge %s: %s", br->name,
                         err ? err : "could not create the OpenFlow switch");
        goto unref_backer;
    }
    br->dpid = dpid;
    ofproto_set_port_stats_cb(br->ofproto, bridge_port_stats_cb);
    bridge_reconfigure(br, row, true);
    VLOG_INFO("bridge %s: created (datapath %s@%s)", br->name, backer_type,
              backer_name(backer_type));
    free(err);
    return br;

unref_backer:
    br->dpif = NULL;
    bridge_backer_unref();
refuse:
    VLOG_ERR("%s", br->error);
    free(err);
    return br;
}

static void
bridge_destroy(struct bridge *br)
{
    struct bridge_port *port;

    HMAP_FOR_EACH_SAFE (port, node, &br->ports) {
        bridge_port_destroy(port);
    }
    if (br->ofproto) {
        VLOG_INFO("bridge %s: deleted", br->name);
        xlate_bridge_remove(br->ofproto);
        ofproto_destroy(br->ofproto);
        bridge_backer_unref();
    }
    hmap_remove(&bridge_all, &br->node);
    hmap_destroy(&br->ports);
    bridge_free_controllers(br);
    free(br->error);
    free(br->dp_type);
    free(br->name);
    free(br);
}

/* Whether BR must be destroyed and created again for ROW: its datapath
 * type changed, or it failed and the row changed since (maybe fixed). */
static bool
bridge_needs_recreate(const struct bridge *br, const struct ovsdb_idl_row *row)
{
    const char *dp_type = ovsdb_idl_row_get_string(row, "datapath_type");

    return strcmp(br->dp_type, dp_type ?: "")
           || (br->error
               && ovsdb_idl_row_get_change_seqno(row) > bridge_since);
}

/* ---------------------------------------------------------------------
 * Reconciliation.
 * --------------------------------------------------------------------- */

static void
bridge_update_macs(bool all)
{
    struct bridge *br;

    HMAP_FOR_EACH (br, node, &bridge_all) {
        const struct ovsdb_idl_row *row;

        if (!br->ofproto) {
            continue;
        }
        row = ovsdb_idl_get_row(bridge_idl, "Bridge", &br->uuid);
        if (row
            && (all || br->ea_dirty
                || ovsdb_idl_row_column_changed_since(row, "other_config",
                                                      bridge_since))) {
            bridge_update_ea_dpid(br, row);
        }
    }
}

static void
bridge_reconcile(void)
{
    const struct ovsdb_idl_row *ovs =
        ovsdb_idl_first_row(bridge_idl, "Open_vSwitch");
    uint64_t seqno = ovsdb_idl_get_seqno(bridge_idl);
    bool full = !applied_seqno
                || ovsdb_idl_get_schema_seqno(bridge_idl) > applied_seqno;
    struct bridge *br;

    COVERAGE_INC(bridge_reconcile);
    bridge_since = full ? 0 : applied_seqno;
    if (ovs
        && ovsdb_idl_row_column_changed_since(ovs, "other_config",
                                              bridge_since)) {
        bridge_read_ovs_settings(ovs);
        bridge_read_dpdk_settings(ovs);
        if (netdev_dpif) {
            dpif_set_flow_limit(netdev_dpif, bridge_get_flow_limit());
        }
        upcall_set_config(bridge_get_flow_limit(), bridge_get_max_idle());
        upcall_set_n_handlers(bridge_get_n_handler_threads());
        bridge_offload_read(ovs);
    }

    /* Removals first, everywhere. */
    HMAP_FOR_EACH_SAFE (br, node, &bridge_all) {
        const struct ovsdb_idl_row *row =
            ovs ? ovsdb_idl_get_row(bridge_idl, "Bridge", &br->uuid) : NULL;

        if (!row || !bridge_row_refers(ovs, "bridges", &br->uuid)
            || bridge_needs_recreate(br, row)) {
            bridge_destroy(br);
        } else if (br->ofproto) {
            bridge_ports_remove_stale(br, row);
        }
    }

    /* Then additions and changes. */
    unsigned int n = ovs ? ovsdb_idl_row_get_n(ovs, "bridges") : 0;
    for (unsigned int i = 0; i < n; i++) {
        const struct ovsdb_idl_row *row =
            ovsdb_idl_row_get_ref(ovs, "bridges", i);
        bool created = false;

        if (!row || !ovsdb_idl_row_get_string(row, "name")) {
            continue;
        }
        br = bridge_find(ovsdb_idl_row_get_uuid(row));
        if (!br) {
            br = bridge_create(row);
            created = true;
        }
        if (br->ofproto) {
            if (!created) {
                bridge_reconfigure(br, row, false);
            }
            bridge_ports_add(br, row);
        }
    }
    bridge_patches_resolve();
    bridge_update_macs(full);
    applied_seqno = seqno;
}

/* ---------------------------------------------------------------------
 * Write-back.
 * --------------------------------------------------------------------- */

static void
bridge_write_string_set(struct ovsdb_idl_txn *txn,
                        const struct ovsdb_idl_row *row, const char *column,
                        const char **strings, size_t n)
{
    struct ovsdb_datum d = { .n = (unsigned int) n };

    d.keys = xcalloc(n + 1, sizeof *d.keys);
    for (size_t i = 0; i < n; i++) {
        d.keys[i].string = ovsdb_str_create(strings[i], strlen(strings[i]));
    }
    if (ovsdb_idl_txn_write(txn, row, column, &d)) {
        ovsdb_datum_destroy(&d, ovsdb_idl_row_get_type(row, column));
    }
}

/* Writes the interfaces of the rows under Bridge row BROW (BR's, or NULL
 * if there is no such bridge object). */
static void
bridge_write_ifaces(struct ovsdb_idl_txn *txn, const struct bridge *br,
                    const struct ovsdb_idl_row *brow, bool stats)
{
    unsigned int n_ports = ovsdb_idl_row_get_n(brow, "ports");

    for (unsigned int i = 0; i < n_ports; i++) {
        const struct ovsdb_idl_row *prow =
            ovsdb_idl_row_get_ref(brow, "ports", i);
        const struct bridge_port *port = NULL;

        if (!prow) {
            continue;
        }
        if (br) {
            const struct ovsdb_uuid *uuid = ovsdb_idl_row_get_uuid(prow);
            const struct bridge_port *p;

            HMAP_FOR_EACH_WITH_HASH (p, node, ovsdb_uuid_hash(uuid),
                                     &br->ports) {
                if (ovsdb_uuid_equals(&p->uuid, uuid)) {
                    port = p;
                }
            }
        }
        unsigned int n_ifaces = ovsdb_idl_row_get_n(prow, "interfaces");
        for (unsigned int k = 0; k < n_ifaces; k++) {
            const struct ovsdb_idl_row *irow =
                ovsdb_idl_row_get_ref(prow, "interfaces", k);
            const struct bridge_iface *iface = NULL;
            const char *error = NULL;

            if (!irow) {
                continue;
            }
            if (port && port->iface
                && ovsdb_uuid_equals(&port->iface->uuid,
                                     ovsdb_idl_row_get_uuid(irow))) {
                iface = port->iface;
            } else if (br && br->error) {
                error = br->error;
            } else if (port) {
                error = port->error;
            }
            bridge_iface_write(txn, irow, iface, error, stats);
        }
    }
}

/* Looks at the write-back transaction in flight: once it completed, notes
 * what it means and frees it. */
static void
bridge_writeback_check(void)
{
    enum ovsdb_idl_txn_status status = ovsdb_idl_txn_get_status(wb_txn);

    switch (status) {
    case OVSDB_IDL_TXN_UNCOMMITTED:
    case OVSDB_IDL_TXN_INCOMPLETE:
        return;
    case OVSDB_IDL_TXN_UNCHANGED:
    case OVSDB_IDL_TXN_SUCCESS:
    case OVSDB_IDL_TXN_ABORTED:
    case OVSDB_IDL_TXN_NOT_LOCKED:
        break;
    case OVSDB_IDL_TXN_TRY_AGAIN:
        /* Not now: the next notification (a change or a resync) tries
         * again. */
        wb_again = true;
        break;
    case OVSDB_IDL_TXN_ERROR:
        COVERAGE_INC(bridge_writeback_failed);
        VLOG_WARN_RL(&rl,
                     "could not write the switch's state to the "
                     "database: %s",
                     ovsdb_idl_txn_get_error(wb_txn) ?: "unknown error");
        break;
    }
    ovsdb_idl_txn_destroy(wb_txn);
    wb_txn = NULL;
}

/* Writes the switch's state to the database (or notes that it must be
 * written once the transaction in flight completes). */
static void
bridge_writeback(void)
{
    const struct ovsdb_idl_row *ovs;
    const char **iface_types;
    size_t n_iface_types;
    static const char *dp_types[] = { "netdev", "system" };

    if (!ovsdb_idl_is_synced(bridge_idl) || !ovsdb_idl_has_lock(bridge_idl)) {
        return;
    }
    if (wb_txn) {
        wb_again = true;
        return;
    }
    wb_again = false;
    ovs = ovsdb_idl_first_row(bridge_idl, "Open_vSwitch");
    if (!ovs) {
        return;
    }
    COVERAGE_INC(bridge_writeback);
    wb_txn = ovsdb_idl_txn_create(bridge_idl);

    int64_t next_cfg = ovsdb_idl_row_get_integer(ovs, "next_cfg", 0);
    if (ovsdb_idl_row_get_integer(ovs, "cur_cfg", 0) != next_cfg) {
        ovsdb_idl_txn_write_integer(wb_txn, ovs, "cur_cfg", next_cfg);
    }
    bridge_write_string_set(wb_txn, ovs, "datapath_types", dp_types,
                            bridge_system_available() ? 2 : 1);
    if (ovsdb_idl_get_column_type(bridge_idl, "Open_vSwitch",
                                  "dpdk_initialized")) {
#ifdef HAVE_DPDK
        ovsdb_idl_txn_write_boolean(wb_txn, ovs, "dpdk_initialized",
                                    netdev_dpdk_initialized());
#else
        ovsdb_idl_txn_write_boolean(wb_txn, ovs, "dpdk_initialized", false);
#endif
    }
#ifdef HAVE_DPDK
    if (ovsdb_idl_get_column_type(bridge_idl, "Open_vSwitch",
                                  "dpdk_version")) {
        /* Open vSwitch writes it once DPDK is initialized. */
        ovsdb_idl_txn_write_string(
            wb_txn, ovs, "dpdk_version",
            netdev_dpdk_initialized() ? netdev_dpdk_version() : NULL);
    }
#endif
    n_iface_types = bridge_iface_types(&iface_types);
    bridge_write_string_set(wb_txn, ovs, "iface_types", iface_types,
                            n_iface_types);

    unsigned int n = ovsdb_idl_row_get_n(ovs, "bridges");
    for (unsigned int i = 0; i < n; i++) {
        const struct ovsdb_idl_row *brow =
            ovsdb_idl_row_get_ref(ovs, "bridges", i);
        struct bridge *br;

        if (!brow) {
            continue;
        }
        br = bridge_find(ovsdb_idl_row_get_uuid(brow));
        if (br && br->ofproto) {
            char dpid[17];

            snprintf(dpid, sizeof dpid, "%016" PRIx64, br->dpid);
            ovsdb_idl_txn_write_string(wb_txn, brow, "datapath_id", dpid);
        }
        bridge_write_ifaces(wb_txn, br, brow, wb_stats);
        bridge_write_controllers(wb_txn, br, brow);
    }
    wb_stats = false;
    ovsdb_idl_txn_commit(wb_txn);
    bridge_writeback_check();
}

/* ---------------------------------------------------------------------
 * Event-loop glue.
 * --------------------------------------------------------------------- */

static void
bridge_idl_cb(struct ovsdb_idl *idl, void *aux NF_UNUSED)
{
    if (wb_txn) {
        bridge_writeback_check();
    }
    if (!ovsdb_idl_is_synced(idl)) {
        if (!disconnect_logged && ovsdb_idl_has_ever_synced(idl)) {
            VLOG_WARN("lost the database (%s); forwarding goes on with the "
                      "last configuration while reconnecting",
                      ovsdb_idl_get_last_error(idl) ?: "connection closed");
            disconnect_logged = true;
        }
        return;
    }
    disconnect_logged = false;
    if (!ovsdb_idl_has_lock(idl)) {
        /* Until the server answers the lock request, nobody has it. */
        if (!lock_wait_logged && ovsdb_idl_is_lock_contended(idl)) {
            VLOG_WARN("another switch daemon holds the database lock \"%s\"; "
                      "waiting for it to go away",
                      BRIDGE_LOCK);
            lock_wait_logged = true;
        }
        return;
    }
    if (lock_wait_logged) {
        VLOG_INFO("got the database lock \"%s\"", BRIDGE_LOCK);
        lock_wait_logged = false;
    }
    if (ovsdb_idl_get_sync_count(idl) != applied_sync_count) {
        /* A new session: an ovsdb-server that restarted lost the ephemeral
         * columns, so everything is written again. */
        applied_sync_count = ovsdb_idl_get_sync_count(idl);
        wb_again = true;
        wb_stats = true;
        VLOG_INFO("connected to the database at %s",
                  ovsdb_idl_get_remote(idl));
    }
    if (ovsdb_idl_get_seqno(idl) != applied_seqno) {
        bridge_reconcile();
        wb_again = true;
    }
    if (wb_again) {
        bridge_writeback();
    }
}

static void
bridge_poll_cb(void *aux NF_UNUSED)
{
    bool stats = ++poll_ticks % BRIDGE_STATS_EVERY == 0;
    bool changed = false;

    if (bridge_ifaces_retry()) {
        bridge_patches_resolve();
        changed = true;
    }
    changed |= bridge_ifaces_poll(stats);
    if (changed && ovsdb_idl_is_synced(bridge_idl)) {
        bridge_update_macs(false);
    }
    if (stats) {
        wb_stats = true;
    }
    changed |= bridge_controllers_changed();
    if (changed || stats) {
        bridge_writeback();
    }
}

static void
bridge_ofproto_cb(void *aux NF_UNUSED)
{
    long long now = nf_time_msec();
    long long next = now + BRIDGE_OFPROTO_MAX_MS;
    struct bridge *br;

    ofproto_timer = NULL;
    HMAP_FOR_EACH (br, node, &bridge_all) {
        if (br->ofproto) {
            long long want = ofproto_run(br->ofproto, now);

            next = NF_MIN(next, want);
        }
    }
    ofproto_timer = evloop_add_timer(bridge_loop, NF_MAX(next - now, 1), 0,
                                     bridge_ofproto_cb, NULL);
}

/* ---------------------------------------------------------------------
 * Control commands.
 * --------------------------------------------------------------------- */

static int
bridge_compare_by_name(const void *a, const void *b)
{
    const struct bridge *const *x = a, *const *y = b;

    return strcmp((*x)->name, (*y)->name);
}

/* The running bridges, sorted by name (caller frees the array). */
static size_t
bridge_sorted(const struct bridge ***brsp)
{
    const struct bridge **brs =
        xcalloc(hmap_count(&bridge_all) + 1, sizeof *brs);
    const struct bridge *br;
    size_t n = 0;

    HMAP_FOR_EACH (br, node, &bridge_all) {
        if (br->ofproto) {
            brs[n++] = br;
        }
    }
    qsort(brs, n, sizeof *brs, bridge_compare_by_name);
    *brsp = brs;
    return n;
}

static void
bridge_dpif_show_cb(struct unixctl_conn *conn, int argc NF_UNUSED,
                    const char *argv[] NF_UNUSED, void *aux NF_UNUSED)
{
    struct buf out = BUF_INITIALIZER;
    const struct bridge **brs;
    size_t n = bridge_sorted(&brs);

    if (netdev_dpif) {
        struct dpif_dp_stats stats = { 0 };

        dpif_get_stats(netdev_dpif, &stats);
        buf_printf(&out, "%s@%s: hit:%" PRIu64 " missed:%" PRIu64 "\n",
                   backer_type, backer_name(backer_type), stats.n_hit,
                   stats.n_missed);
        for (size_t i = 0; i < n; i++) {
            buf_printf(&out, "  %s:\n", brs[i]->name);
            bridge_iface_show(brs[i], &out);
        }
    }
    unixctl_command_reply(conn, buf_cstr(&out));
    free(brs);
    buf_destroy(&out);
}

/* Open vSwitch's "dpif-netlink/dispatch-mode": the upcall dispatch mode
 * of the kernel datapath, "NAME: per-cpu dispatch mode" (or per-vport),
 * one line per datapath; nothing when the backer is not a kernel
 * datapath. */
static void
bridge_dispatch_mode_cb(struct unixctl_conn *conn, int argc NF_UNUSED,
                        const char *argv[] NF_UNUSED, void *aux NF_UNUSED)
{
    struct buf out = BUF_INITIALIZER;
    const char *mode =
        netdev_dpif ? dpif_netlink_dispatch_mode(netdev_dpif) : NULL;

    if (mode) {
        buf_printf(&out, "%s: %s\n", dpif_name(netdev_dpif), mode);
    }
    unixctl_command_reply(conn, buf_cstr(&out));
    buf_destroy(&out);
}

static void
bridge_reconnect_cb(struct unixctl_conn *conn, int argc, const char *argv[],
                    void *aux NF_UNUSED)
{
    struct bridge *br;

    if (argc > 1) {
        br = bridge_find_by_name(argv[1]);
        if (!br || !br->ofproto) {
            char *msg = xasprintf("no such bridge \"%s\"\n", argv[1]);

            unixctl_command_reply_error(conn, msg);
            free(msg);
            return;
        }
        bridge_reconnect(br);
    } else {
        HMAP_FOR_EACH (br, node, &bridge_all) {
            if (br->ofproto) {
                bridge_reconnect(br);
            }
        }
    }
    unixctl_command_reply(conn, NULL);
}

/* ---------------------------------------------------------------------
 * Life cycle.
 * --------------------------------------------------------------------- */

void
bridge_init(struct evloop *loop, const char *remote)
{
    static const char *tables[] = {
        "Open_vSwitch", "Bridge",     "Port",
        "Interface",    "Controller", "Flow_Table"
    };

    bridge_loop = loop;
#ifdef HAVE_DPDK
    netdev_dpdk_register();
#endif
    bridge_idl = ovsdb_idl_create(remote, "Open_vSwitch");
    for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
        ovsdb_idl_add_table(bridge_idl, tables[i]);
    }
    ovsdb_idl_set_lock(bridge_idl, BRIDGE_LOCK);
    ovsdb_idl_attach(bridge_idl, loop, bridge_idl_cb, NULL);

    unixctl_command_register("dpif/show", "", 0, 0, bridge_dpif_show_cb, NULL);
    unixctl_command_register("dpif-netlink/dispatch-mode", "", 0, 0,
                             bridge_dispatch_mode_cb, NULL);
    unixctl_command_register("bridge/reconnect", "[BRIDGE]", 0, 1,
                             bridge_reconnect_cb, NULL);
    poll_timer = evloop_add_timer(loop, BRIDGE_POLL_MS, BRIDGE_POLL_MS,
                                  bridge_poll_cb, NULL);
    ofproto_timer = evloop_add_timer(loop, BRIDGE_OFPROTO_MAX_MS, 0,
                                     bridge_ofproto_cb, NULL);
    VLOG_INFO("database %s", remote);
}

void
bridge_exit(void)
{
    struct bridge *br;

    if (!bridge_loop) {
        return;
    }
    evloop_cancel_timer(bridge_loop, poll_timer);
    evloop_cancel_timer(bridge_loop, ofproto_timer);
    HMAP_FOR_EACH_SAFE (br, node, &bridge_all) {
        bridge_destroy(br);
    }
    ovsdb_idl_txn_destroy(wb_txn);
    wb_txn = NULL;
    ovsdb_idl_detach(bridge_idl);
    ovsdb_idl_destroy(bridge_idl);
    bridge_idl = NULL;
    bridge_iface_exit();
    bridge_loop = NULL;
}
