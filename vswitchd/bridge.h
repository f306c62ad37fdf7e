/* bridge.h: nicflowd's bridge reconciliation — the Open_vSwitch database
 * turned into bridges, ports and interfaces.
 *
 * The bridge layer keeps an IDL replica of the Open_vSwitch, Bridge, Port,
 * Interface and Controller tables and, whenever the replica changes,
 * reconciles the switch with it: one OpenFlow switch (struct ofproto) per
 * Bridge row, one datapath port per Interface row, the translation layer's
 * view of ports and VLANs (xlate.h), controllers and fail mode.  Only what
 * changed is touched; a row that cannot be applied gets its reason in the
 * Interface error column and never disturbs the others.  It writes back
 * what Open vSwitch writes back (Open_vSwitch cur_cfg, datapath_types and
 * iface_types; Bridge datapath_id; Interface ofport, error, admin_state,
 * link_state, mac_in_use, mtu, ifindex and statistics), so ovs-vsctl
 * without --no-wait returns once nicflowd has applied its change.
 *
 * Bridges of datapath_type "netdev" (or empty) share one userspace
 * datapath, "netdev@ovs-netdev", as in Open vSwitch; the kernel datapath
 * ("system") is refused with an error on each of the bridge's interfaces.
 *
 * The database connection survives the server going away: the IDL
 * reconnects, and the switch keeps forwarding with the configuration it
 * last saw meanwhile.
 *
 * Control commands: bridge/reconnect [BRIDGE] (drops and reopens the
 * controller connections, as in Open vSwitch) and dpif/show.
 *
 * Everything runs on nicflowd's main thread. */
#ifndef NICFLOW_VSWITCHD_BRIDGE_H
#define NICFLOW_VSWITCHD_BRIDGE_H 1

#include <stdbool.h>
#include <stddef.h>

struct evloop;

/* Connects to the database at REMOTE (a stream name: "unix:PATH",
 * "tcp:IP[:PORT]", "ssl:IP[:PORT]") through an IDL attached to LOOP,
 * registers the control commands and starts the periodic work (interface
 * status and statistics, OpenFlow timers).  Reconciliation starts when the
 * replica first syncs.  Call once, after datapaths_init(). */
void bridge_init(struct evloop *loop, const char *remote);

/* Destroys every bridge (their datapath ports and OpenFlow switches), the
 * shared datapath and the database connection.  Call before the event
 * loop is destroyed. */
void bridge_exit(void);
/* Says that nicflowd is exiting (before bridge_exit()): the kernel
 * datapath and its ports then stay, with their flows, unless CLEANUP. */
void bridge_set_exiting(bool cleanup);

/* Open_vSwitch other_config settings, for the modules that act on them
 * (upcall handlers, revalidators; flow-limit and max-idle are also handed
 * to upcall_set_config() whenever they change).  Each returns the current
 * value, or Open vSwitch's default while the setting is absent or
 * invalid. */

/* other_config:flow-limit: the most datapath flows (default 200000). */
size_t bridge_get_flow_limit(void);
/* other_config:max-idle: milliseconds a datapath flow may stay idle
 * (default 10000). */
unsigned int bridge_get_max_idle(void);
/* other_config:n-handler-threads and n-revalidator-threads: 0 (the
 * default) lets the caller choose. */
unsigned int bridge_get_n_handler_threads(void);
unsigned int bridge_get_n_revalidator_threads(void);

/* Stops hardware offload before bridge_exit(): with CLEANUP, every rule
 * nicflow put into hardware is removed; without, rules stay (so that
 * offloaded traffic keeps flowing while nicflowd restarts) and taking the
 * bridges down afterwards leaves them alone. */
void bridge_offload_exit(bool cleanup);

#endif /* NICFLOW_VSWITCHD_BRIDGE_H */
