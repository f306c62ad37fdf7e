/* bridge-private.h: what the bridge layer's files share: bridge.c
 * (bridges, the database, write-back, control commands), bridge-iface.c
 * and bridge-iface-type.c (ports, interfaces and their types),
 * bridge-ctrl.c, bridge-table.c, bridge-meter.c and bridge-offload.c.
 * Nothing outside the bridge layer includes this file.
 *
 * Object model: one struct bridge per Bridge row, holding one struct
 * bridge_port per Port row, each holding at most one struct bridge_iface
 * (its single Interface row; bonds are refused).  Objects are keyed by the
 * UUID of their row, because the replica's rows only live until the next
 * IDL run; names (immutable in the schema) are kept for logs and lookups.
 * Interfaces are also in two global maps, by UUID and, for patch peers and
 * uniqueness, by name. */
#ifndef NICFLOW_VSWITCHD_BRIDGE_PRIVATE_H
#define NICFLOW_VSWITCHD_BRIDGE_PRIVATE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/hmap.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "ovsdb/idl.h"
#include "ovsdb/uuid.h"
#include "softpath/dpif.h"
#include "vswitchd/ofproto.h"
#include "vswitchd/xlate.h"

struct bridge {
    struct hmap_node node; /* In bridge_all, by UUID hash. */
    struct ovsdb_uuid uuid;
    char *name;
    char *dp_type;           /* As configured ("" for the default). */
    char *error;             /* Why the bridge does not run, or NULL. */
    struct ofproto *ofproto; /* NULL while ERROR is set. */
    struct dpif *dpif;       /* The shared datapath (borrowed), or NULL. */

    /* What was last applied, to change only what differs. */
    uint64_t dpid;
    struct eth_addr ea; /* The bridge's MAC (and its local port's). */
    enum ofproto_fail_mode fail_mode;
    struct ofproto_controller *controllers; /* By target; owns targets. */
    size_t n_controllers;
    /* Per controller: whether it counts as a primary controller for the
     * fail mode and the NORMAL flow.  As in Open vSwitch, that is what its
     * type made it when its target was added: a later change of type
     * changes its connections, not this. */
    bool *ctrl_primary;
    uint64_t ctrl_seqno; /* ofproto_controller_seqno() last written. */
    unsigned int mac_aging_s;
    size_t mac_table_size;
    bool ea_dirty;      /* Ports came or went: choose the MAC again. */
    uint16_t alloc_ofp; /* The OpenFlow number last chosen for an
                              * interface that asked for none. */

    struct hmap ports; /* struct bridge_port, by UUID hash. */
};

struct bridge_port {
    struct hmap_node node; /* In bridge->ports, by UUID hash. */
    struct bridge *bridge;
    struct ovsdb_uuid uuid;
    char *name;
    char *error; /* Why the port's interfaces are not used (a
                              * bond), written to each of them, or NULL. */
    enum xlate_vlan_mode vlan_mode;
    int tag; /* -1: none. */
    uint16_t *trunks;
    size_t n_trunks;
    struct bridge_iface *iface; /* Its interface, or NULL. */
};

/* An interface's state as Open vSwitch reports it in the database. */
struct bridge_iface_status {
    bool known; /* False: nothing could be read. */
    bool admin_up, link_up;
    bool has_mac;
    struct eth_addr mac;
    int mtu;     /* 0: unknown. */
    int ifindex; /* 0: unknown. */
    bool has_stats;
    struct dpif_port_stats stats;
};

/* An interface type (bridge-iface-type.c). */
struct bridge_iface_class {
    const char *type;        /* Interface type ("" is "system"). */
    const char *netdev_type; /* Datapath port type; NULL: no datapath
                              * port (patch). */
    const char *show_type;   /* Type dpif/show prints (Open vSwitch's name
                              * for the netdev). */
    bool takes_options;      /* Options go to the datapath port. */
    bool physical;           /* An existing device of the system, whose MAC
                              * may become the bridge's. */

    /* Checks the configuration beyond the type; 0, or a positive errno
     * with the reason in *ERRP.  NULL: nothing to check. */
    int (*check)(const struct bridge_iface *, char **errp);
    /* Reads the interface's status into *ST (whose statistics are left
     * alone). */
    void (*status)(const struct bridge_iface *, struct bridge_iface_status *);
    /* A tunnel (vxlan, geneve, gre): no device of its own; its datapath
     * port is the vport it shares with the type's other interfaces
     * (tnl-port.h) and its options are the tunnel's. */
    bool tunnel;
};

struct bridge_iface {
    struct hmap_node uuid_node; /* In bridge_ifaces, by UUID hash. */
    struct hmap_node name_node; /* In bridge_ifaces_by_name. */
    struct bridge_port *port;
    struct ovsdb_uuid uuid;
    char *name;

    /* Configuration, as last read from the row. */
    const struct bridge_iface_class *class; /* NULL: unknown type. */
    char *type;             /* As configured (forced "internal" for the
                              * bridge's own interface). */
    char *options;          /* "key=value,..." in key order, or "". */
    int64_t ofport_request; /* 0: none. */
    char *peer;             /* Patch: options:peer, or NULL. */
    char *offload_priority; /* other_config:hw-offload-priority, or NULL. */
    char *hw_profile;       /* other_config:hw-profile, or NULL. */

    /* Result. */
    uint16_t ofp_port; /* 0 while the interface is not in the
                              * bridge (see ERROR). */
    uint32_t odp_port; /* DPIF_PORT_ANY: no datapath port. */
    char *error;       /* Why it is not in the bridge, or NULL. */
    bool retry;        /* ERROR may clear by itself (a device that
                              * does not exist yet): retried periodically. */
    char *peer_bridge; /* Patch: the peer's bridge, once found. */
    uint16_t peer_ofp_port;
    struct bridge_iface_status status;
    struct tnl_port_cfg *tnl; /* Tunnels in the bridge: their options. */
};

/* bridge.c */
extern struct evloop *bridge_loop;
extern struct ovsdb_idl *bridge_idl;
extern struct hmap bridge_all;
/* Rows whose columns changed after this replica seqno have changed since
 * the last reconciliation (0: everything is new). */
extern uint64_t bridge_since;

/* Whether the bridges run on the kernel datapath (system@ovs-system). */
bool bridge_backer_is_system(void);
/* Whether taking bridges down now must leave their kernel datapath ports
 * (nicflowd exits without --cleanup). */
bool bridge_backer_keeps_ports(void);

/* Sets *ERRP to the formatted message (freeing what it held). */
void bridge_set_error(char **errp, const char *fmt, ...) NF_PRINTF(2, 3);

/* Whether UUID is an element of COLUMN (a set of references) of ROW. */
bool bridge_row_refers(const struct ovsdb_idl_row *row, const char *column,
                       const struct ovsdb_uuid *uuid);

/* bridge-iface.c */
extern struct hmap bridge_ifaces;
extern struct hmap bridge_ifaces_by_name;

/* Removes the ports and interfaces of BR that ROW (BR's Bridge row) no
 * longer has, or whose configuration changed so that they must be created
 * again.  Must run for every bridge before any bridge_ports_add(), so that
 * an interface that moves between bridges leaves before it arrives. */
void bridge_ports_remove_stale(struct bridge *br,
                               const struct ovsdb_idl_row *row);

/* Adds the ports and interfaces ROW has and BR lacks, and applies port
 * settings (VLANs) that changed.  BR must be running. */
void bridge_ports_add(struct bridge *br, const struct ovsdb_idl_row *row);

/* Destroys PORT and its interface (datapath port, OpenFlow port,
 * translation state). */
void bridge_port_destroy(struct bridge_port *port);

/* Finds every patch interface's peer again and tells translation about
 * the ones whose peer changed. */
void bridge_patches_resolve(void);

/* Tries again to add the interfaces whose error may have cleared.
 * Returns true if any changed (so the database needs a write-back). */
bool bridge_ifaces_retry(void);

/* Reads every interface's status (and, with STATS, its counters) again,
 * updates the OpenFlow ports whose state changed, and returns true if the
 * database needs a write-back. */
bool bridge_ifaces_poll(bool stats);

/* The interface of BR that is BR's own (named like it), or NULL. */
struct bridge_iface *bridge_local_iface(const struct bridge *br);

/* The smallest MAC among BR's system interfaces: true and *EA, or false
 * if there is none. */
bool bridge_min_system_mac(const struct bridge *br, struct eth_addr *ea);

/* Sets the MAC of BR's local interface (a tap device) to EA and tells
 * ofproto.  0 or a positive errno. */
int bridge_local_set_mac(struct bridge *br, const struct eth_addr *ea);

/* Writes IFACE's results into ROW (its Interface row) in TXN: ofport,
 * error and status columns, statistics with STATS.  IFACE NULL (the
 * interface was never added) writes ofport -1 and ERROR. */
void bridge_iface_write(struct ovsdb_idl_txn *txn,
                        const struct ovsdb_idl_row *row,
                        const struct bridge_iface *iface, const char *error,
                        bool stats);

/* Appends BR's ports as "ovs-appctl dpif/show" prints them. */
void bridge_iface_show(const struct bridge *br, struct buf *out);

/* The interface types, sorted, for Open_vSwitch iface_types. */
size_t bridge_iface_types(const char ***typesp);

/* The ofproto port-stats callback: AUX is the struct bridge. */
bool bridge_port_stats_cb(void *aux, uint16_t ofp_port,
                          struct ofproto_port_stats *);

/* Frees the interface layer's process-wide state. */
void bridge_iface_exit(void);

/* bridge-offload.c */

/* Reads the Open_vSwitch row OVS's offload settings and applies what
 * changed: the manager's configuration, the ports' options, and (when
 * offload turns on or off) the installed flows. */
void bridge_offload_read(const struct ovsdb_idl_row *ovs);

/* Whether hw-offload is on. */
bool bridge_offload_wanted(void);

/* The datapath port options offload needs for a port of NETDEV_TYPE whose
 * interface type takes none of its own, or NULL. */
const char *bridge_offload_port_options(const char *netdev_type);

/* (bridge-iface.c) Gives every datapath port the options offload needs
 * now and tells the manager about it again. */
void bridge_offload_ports_sync(void);

/* bridge-ctrl.c: the Controller rows. */

/* Reads the controllers of ROW (BR's Bridge row) and, when they differ
 * from what BR applied (targets, rate limits) or CREATED, gives them to
 * BR's ofproto (running).  Connections to targets that stay are kept. */
void bridge_update_controllers(struct bridge *br,
                               const struct ovsdb_idl_row *row, bool created);

/* Drops BR's controller connections and opens them again, by giving its
 * ofproto no targets and then its targets back. */
void bridge_reconnect(struct bridge *br);

/* Forgets BR's controllers (when BR goes). */
void bridge_free_controllers(struct bridge *br);

/* Writes the connection state of the Controller rows of Bridge row BROW,
 * as Open vSwitch does: is_connected, role (empty while not connected)
 * and status (state, and the packet-in rate limiters' counters while the
 * row has a rate limit).  BR is BROW's bridge, or NULL (nothing is then
 * connected); it notes what it wrote for bridge_controllers_changed(). */
void bridge_write_controllers(struct ovsdb_idl_txn *txn, struct bridge *br,
                              const struct ovsdb_idl_row *brow);

/* True if what a bridge's Controller rows would say changed since they
 * were last written (a connection came, went or changed role, a rate
 * limiter counted a packet-in). */
bool bridge_controllers_changed(void);

/* bridge-meter.c: the ofproto_ops meter hooks (see ofproto.h); AUX is the
 * struct bridge, whose datapath carries the meters. */
uint32_t bridge_meter_set(void *aux, uint32_t meter_id, uint32_t dp_meter,
                          const struct of_meter *mm);
void bridge_meter_stats(void *aux, uint32_t dp_meter,
                        struct of_meter_stats *stats);

/* bridge-iface-type.c: the type named TYPE ("system", "internal", ...), or
 * NULL if there is none. */
const struct bridge_iface_class *bridge_iface_class_find(const char *type);
/* The interface ioctl REQUEST on device NAME, through a datagram socket
 * opened on first use in the daemon's network namespace; 0 or an errno.
 * bridge_iface_ioctl_close() closes that socket (at exit). */
struct ifreq;
int bridge_iface_ioctl(unsigned long request, struct ifreq *ifr,
                       const char *name);
void bridge_iface_ioctl_close(void);

/* bridge-table.c: applies Bridge row ROW's flow_tables (Flow_Table rows:
 * name, flow_limit, overflow_policy, groups) to BR's OpenFlow tables;
 * tables it does not list get the defaults.  Cheap when nothing changed
 * (ofproto_configure_table() compares). */
void bridge_tables_configure(struct bridge *br,
                             const struct ovsdb_idl_row *row);

#endif /* NICFLOW_VSWITCHD_BRIDGE_PRIVATE_H */
