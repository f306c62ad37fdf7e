/* bridge-offload.c: the hardware offload settings of the database, applied
 * to the offload manager (offload/offload.h), the datapath's ports and the
 * upcall layer's flows.
 *
 * Open_vSwitch other_config keys, with Open vSwitch's names where it has
 * them: hw-offload (false), hw-offload-priority ("tc,rteflow,hal"),
 * tc-policy (none), n-offload-threads (1), offloaded-stats-delay (2000 ms),
 * flow-restore-wait (false), and nicflow's test knob hw-offload-max-rules
 * (0: no limit); hal-plugin (a HAL plugin's path, include/nicflow/hal.h)
 * and hal-args (its device's arguments) for the "hal" provider.  Interface other_config:hw-offload-priority overrides the
 * order for one interface ("none" keeps it in software).
 *
 * Why ports change with offload: an afpacket port reads frames with
 * AF_PACKET, which sees them before TC ingress.  With flower filters in
 * the kernel's software path (tc-policy none or skip_hw, and always on a
 * veth), a frame a filter forwards would be forwarded a second time by
 * the softpath; the port's rx-after-tc option makes it read only what TC
 * left alone.  It is on for every afpacket port while offload is on. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "offload/hal.h"
#include "offload/offload.h"
#include "ovsdb/idl.h"
#include "softpath/dpif.h"
#include "softpath/netdev.h"
#include "vswitchd/bridge-private.h"
#include "vswitchd/bridge.h"
#include "vswitchd/upcall.h"

VLOG_DEFINE_THIS_MODULE(bridge_offload);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* What offload_set_config() last accepted (strings owned here). */
static struct offload_config cur;
static char *cur_priority, *cur_tc_policy;
static char *last_error;
/* other_config:hal-plugin and hal-args as last applied. */
static char *cur_hal_plugin, *cur_hal_args;

/* A HAL device that owns its ports' wire hands the userspace datapath
 * what its tables did not take, in place of the ports' own input. */
static const struct offload_hal_host hal_host = {
    .handover = netdev_rx_handover_set,
    .deliver = netdev_rx_handover_deliver,
};

static bool
str_eq_null(const char *a, const char *b)
{
    return !a || !b ? a == b : !strcmp(a, b);
}

/* Loads (or unloads) the HAL plugin when hal-plugin or hal-args changed.
 * A plugin goes only while no port uses it, so with offload on it is
 * switched off around the change and on again, its flows withdrawn and
 * offered again. */
static void
apply_hal_plugin(const struct ovsdb_idl_row *ovs)
{
    const char *plugin =
        ovs ? ovsdb_idl_row_get_map_string(ovs, "other_config", "hal-plugin")
            : NULL;
    const char *args =
        ovs ? ovsdb_idl_row_get_map_string(ovs, "other_config", "hal-args")
            : NULL;
    char *err = NULL;

    if (plugin && !*plugin) {
        plugin = NULL;
    }
    if (str_eq_null(plugin, cur_hal_plugin)
        && str_eq_null(args, cur_hal_args)) {
        return;
    }
    bool on = cur.enabled;
    if (on) {
        struct offload_config off = cur;

        upcall_offload_withdraw();
        off.enabled = false;
        offload_set_config(&off, NULL);
    }
    offload_hal_set_host(&hal_host);
    if (offload_hal_configure(plugin, args, &err)) {
        /* The hal provider now refuses every port with this message, so
         * their flows say it too. */
        VLOG_WARN("%s; the hal provider serves no port", err);
        free(err);
    } else if (plugin) {
        VLOG_INFO("hal-plugin %s loaded (hal-args \"%s\")", plugin,
                  args ? args : "");
    }
    free(cur_hal_plugin);
    free(cur_hal_args);
    cur_hal_plugin = plugin ? xstrdup(plugin) : NULL;
    cur_hal_args = args ? xstrdup(args) : NULL;
    offload_ports_rebind_profiles();
    if (on) {
        offload_set_config(&cur, NULL);
        bridge_offload_ports_sync();
        upcall_offload_reoffer();
    }
}

static bool
parse_bool(const char *s, bool dflt)
{
    if (!s) {
        return dflt;
    }
    return !strcmp(s, "true");
}

static unsigned
parse_uint(const char *key, const char *s, long long min, long long max,
           unsigned dflt)
{
    long long v;

    if (!s) {
        return dflt;
    }
    if (nf_parse_int(s, min, max, &v)) {
        VLOG_WARN_RL(&rl,
                     "other_config:%s=%s: expected an integer from %lld to "
                     "%lld; using %u",
                     key, s, min, max, dflt);
        return dflt;
    }
    return (unsigned) v;
}

bool
bridge_offload_wanted(void)
{
    return cur.enabled;
}

void
bridge_offload_read(const struct ovsdb_idl_row *ovs)
{
    const char *get_prio = ovs ? ovsdb_idl_row_get_map_string(
                               ovs, "other_config", "hw-offload-priority")
                               : NULL;
    const char *get_policy =
        ovs ? ovsdb_idl_row_get_map_string(ovs, "other_config", "tc-policy")
            : NULL;
    struct offload_config cfg = {
        .enabled = ovs
                   && parse_bool(ovsdb_idl_row_get_map_string(
                                     ovs, "other_config", "hw-offload"),
                                 false),
        .priority = get_prio ? get_prio : "tc,rteflow,hal",
        .tc_policy = get_policy ? get_policy : "none",
        .n_threads = parse_uint("n-offload-threads",
                                ovs ? ovsdb_idl_row_get_map_string(
                                    ovs, "other_config", "n-offload-threads")
                                    : NULL,
                                1, 8, 1),
        .stats_delay_ms =
            parse_uint("offloaded-stats-delay",
                       ovs ? ovsdb_idl_row_get_map_string(
                           ovs, "other_config", "offloaded-stats-delay")
                           : NULL,
                       0, 3600000, 2000),
        .max_rules =
            parse_uint("hw-offload-max-rules",
                       ovs ? ovsdb_idl_row_get_map_string(
                           ovs, "other_config", "hw-offload-max-rules")
                           : NULL,
                       0, 100000000, 0),
        .restore_wait =
            ovs
            && parse_bool(ovsdb_idl_row_get_map_string(ovs, "other_config",
                                                       "flow-restore-wait"),
                          false),
    };
    bool was = cur.enabled;
    char *err = NULL;

    apply_hal_plugin(ovs);

    if (cur_priority && cfg.enabled == cur.enabled
        && !strcmp(cfg.priority, cur_priority)
        && !strcmp(cfg.tc_policy, cur_tc_policy)
        && cfg.n_threads == cur.n_threads
        && cfg.stats_delay_ms == cur.stats_delay_ms
        && cfg.max_rules == cur.max_rules
        && cfg.restore_wait == cur.restore_wait) {
        return;
    }

    /* Flows leave hardware while their counters can still be folded into
     * the software flows'; only then does the manager let go. */
    if (was && !cfg.enabled) {
        upcall_offload_withdraw();
    }
    if (offload_set_config(&cfg, &err)) {
        /* The previous settings stay; say why once per bad value. */
        if (!last_error || strcmp(last_error, err)) {
            VLOG_WARN("hardware offload settings refused: %s", err);
        }
        free(last_error);
        last_error = err;
        if (was && !cfg.enabled) {
            upcall_offload_reoffer();
        }
        return;
    }
    free(last_error);
    last_error = NULL;

    free(cur_priority);
    free(cur_tc_policy);
    cur = cfg;
    cur.priority = cur_priority = xstrdup(cfg.priority);
    cur.tc_policy = cur_tc_policy = xstrdup(cfg.tc_policy);
    VLOG_INFO("hardware offload %s (priority %s, tc-policy %s, %u "
              "thread%s%s)",
              cfg.enabled ? "on" : "off", cfg.priority, cfg.tc_policy,
              cfg.n_threads, cfg.n_threads == 1 ? "" : "s",
              cfg.restore_wait ? ", flow-restore-wait" : "");

    if (was != cfg.enabled) {
        bridge_offload_ports_sync();
        if (cfg.enabled) {
            upcall_offload_reoffer();
        }
    }
}

const char *
bridge_offload_port_options(const char *netdev_type)
{
    return cur.enabled && netdev_type && !strcmp(netdev_type, "afpacket")
               ? "rx-after-tc=true"
               : NULL;
}

void
bridge_offload_exit(bool cleanup)
{
    offload_exit(cleanup);
    if (cleanup) {
        /* A HAL device's rules go with its plugin; without --cleanup
         * they stay, as TC's do, until the process itself ends. */
        char *err = NULL;
        offload_hal_configure(NULL, NULL, &err);
        free(err);
    }
    free(cur_priority);
    free(cur_tc_policy);
    free(last_error);
    free(cur_hal_plugin);
    free(cur_hal_args);
    cur_priority = cur_tc_policy = last_error = NULL;
    cur_hal_plugin = cur_hal_args = NULL;
    memset(&cur, 0, sizeof cur);
}
