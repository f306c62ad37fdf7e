/* hal.h: the nicflow HAL ABI, the C interface a chip SDK shim implements
 * so that nicflow can put flows into a switch ASIC or smart NIC that has
 * neither a TC flower nor an rte_flow driver.
 *
 * Packaging.  A plugin is a shared object that nicflowd loads with
 * dlopen(RTLD_NOW | RTLD_LOCAL) from Open_vSwitch other_config:hal-plugin
 * (a path) and opens with the string other_config:hal-args.  It exports
 * one symbol, NICFLOW_HAL_ENTRY_SYMBOL, a function of type
 * nicflow_hal_entry_fn that returns its operations.  It depends on nothing
 * of nicflow but this header, which depends only on libc headers.
 *
 * Versions.  struct nicflow_hal_ops starts with abi_version and
 * struct_size.  nicflow refuses a plugin whose abi_version differs from
 * its own NICFLOW_HAL_ABI_VERSION or whose struct_size differs from its
 * sizeof(struct nicflow_hal_ops), with a message such as
 *   "hal-plugin /usr/lib/x.so: ABI version 3, this nicflow speaks 1"
 * and the device is then not offloaded: switching continues in software.
 * Any change to a struct or call below changes NICFLOW_HAL_ABI_VERSION.
 *
 * Model.  A device is a set of chip ports (each mapped to the netdev name
 * nicflow knows it by) and tables:
 *   - the ingress ACL TCAM: entries of key templates (which fields, at
 *     which bit widths), with a priority and a list of actions;
 *   - the L2 FDB: (VLAN, MAC) -> chip port;
 *   - counters (packets, bytes) that ACL entries count into;
 *   - meters (policers) that ACL entries police with;
 * and, where the device has them (each optional: zero caps otherwise, and
 * calls that are NULL or fail with EOPNOTSUPP):
 *   - port/VLAN membership: the VLANs each port carries, tagged or not,
 *     its port VLAN for untagged frames, and ingress filtering;
 *   - L3: a router MAC, next hops (port, MACs, VLAN), host entries (full
 *     addresses) and routes (prefixes) that point at next hops;
 *   - tunnels: encapsulations an ACL entry sends a frame into
 *     (TUNNEL_ENCAP) and decapsulation entries that strip a tunnel's outer
 *     headers from frames addressed to a local endpoint.
 *
 * The order in which a frame entering a chip port meets the tables:
 *   1. port/VLAN: a tagged frame of a VLAN the port does not carry is
 *      dropped (when the port has any membership); an untagged frame
 *      belongs to the port VLAN (for the FDB and L3; the ACL still sees it
 *      untagged).
 *   2. tunnel decap: a frame whose outer headers match an entry loses
 *      them, and the inner frame starts again at step 3 as entering the
 *      entry's chip port (a "tunnel port" number of nicflow's choosing).
 *   3. the ACL: the highest-priority matching entry decides.
 *   4. L3: an IP frame to the router MAC with a TTL/hop limit above 1 is
 *      routed by the longest matching host entry or route: MACs and VLAN
 *      from the next hop, TTL decremented, out of the next hop's port.
 *      An IP frame to the router MAC without a route, or with TTL 1 or
 *      less, goes to the host (which answers with ICMP); a frame to the
 *      router MAC that is not IP goes on to the FDB.
 *   5. the FDB, by (port VLAN or tag, destination MAC); the frame leaves
 *      tagged or untagged as the output port's membership of that VLAN
 *      says (as it came, if the port has no membership), and never out
 *      of the port it came in on.
 *   6. anything left goes to the host (see "The path to the host").
 *
 * The path to the host.  A chip that owns the wire of its ports (a switch
 * ASIC, the simulated eswitch) forwards what its tables hold and hands the
 * host only the rest, as an SDK's "packets to CPU" receive does.  Such a
 * plugin implements rx_register: once nicflow has registered a receiver,
 * it delivers there every frame that entered a chip port and that its
 * tables did not take (a miss), and nicflow stops reading those ports'
 * netdevs itself.  What nicflow sends out of a port still goes through the
 * port's netdev.  A device whose ports' netdevs see every frame anyway
 * (a NIC that only adds rules beside the kernel's path) leaves
 * rx_register NULL.
 *
 * Versions of this header: 1 had no rx_register, port_stats,
 * caps.profile, port/VLAN, L3 or tunnel tables, and 16 fields per key
 * template.
 *
 * Values.  Every match and set value is in network byte order (big
 * endian), right-aligned in the field's bytes (table of fields below),
 * with a mask of the same layout: 1 bits are compared or written.
 *
 * Errors.  Every call returns 0 or a positive errno value.  A failing call
 * also writes a NUL-terminated message for a person into the caller's
 * buffer ERR of ERR_SIZE bytes (truncated to fit; ERR_SIZE is at least
 * NICFLOW_HAL_MSG_MAX).  Batch calls return 0 when each entry was tried
 * and report each entry in its own struct nicflow_hal_status; a nonzero
 * return means the whole batch failed and no entry was applied.  The
 * errno values a call may return are listed with it.  nicflow shows the
 * message (if empty, the errno's text) as the reason a flow is not in
 * hardware: ENOSPC counts as a full table, EOPNOTSUPP as an unsupported
 * action, anything else as a device error.
 *
 * Threads.  nicflow never makes two calls into the same device at once:
 * it holds a lock of its own across each call, so a plugin needs no
 * locking for calls nicflow makes.  The entry symbol, open, get_caps,
 * port_list, events_register and close are called from nicflowd's main
 * thread; table, counter and meter calls from its offload worker threads
 * and its main thread, one after the other.  Only the event callback (see
 * nicflow_hal_event_cb) runs on threads of the plugin's choosing.
 *
 * Ownership.  Every pointer nicflow passes is borrowed for the call; a
 * plugin keeps nothing it is given but copies.  Every buffer a plugin
 * fills is the caller's, of the size the call says. */
#ifndef NICFLOW_HAL_H
#define NICFLOW_HAL_H 1

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this ABI.  A plugin sets it in nicflow_hal_ops. */
#define NICFLOW_HAL_ABI_VERSION 2

/* The one symbol a plugin exports. */
#define NICFLOW_HAL_ENTRY_SYMBOL "nicflow_hal_entry"

#define NICFLOW_HAL_MSG_MAX 128      /* Messages, with the NUL. */
#define NICFLOW_HAL_NAME_MAX 32      /* Names, with the NUL. */
#define NICFLOW_HAL_MAX_TEMPLATES 16 /* Key templates per device. */
#define NICFLOW_HAL_MAX_KEY_FIELDS \
    24                             /* Fields per key template: room for
                                       * every field (NICFLOW_HAL_F__N). */
#define NICFLOW_HAL_MAX_MATCHES 24 /* Matches per ACL entry. */
#define NICFLOW_HAL_MAX_ACTIONS 16 /* Actions per ACL entry. */
#define NICFLOW_HAL_VALUE_MAX 16   /* Bytes of the widest field. */

/* ---------------------------------------------------------------------
 * Fields.
 * --------------------------------------------------------------------- */

/* The fields an ACL key template may hold, with their full width in bits
 * and the bytes their values take in nicflow_hal_match.value:
 *
 *   field        bits bytes  meaning
 *   IN_PORT        32   4    the chip port the packet entered on
 *   ETH_DST        48   6    Ethernet destination
 *   ETH_SRC        48   6    Ethernet source
 *   ETH_TYPE       16   2    EtherType after any VLAN tags
 *   VLAN_TAGGED     1   1    1: the packet has an 802.1Q/802.1ad tag
 *   VLAN_VID       12   2    the outer tag's VLAN id
 *   VLAN_PCP        3   1    the outer tag's priority
 *   IPV4_SRC       32   4    IPv4 source address
 *   IPV4_DST       32   4    IPv4 destination address
 *   IPV6_SRC      128  16    IPv6 source address
 *   IPV6_DST      128  16    IPv6 destination address
 *   IP_PROTO        8   1    IPv4 protocol / IPv6 next header
 *   IP_TOS          8   1    IPv4 TOS / IPv6 traffic class (DSCP, ECN)
 *   IP_TTL          8   1    IPv4 TTL / IPv6 hop limit
 *   IP_FRAG         2   1    bit 0: a fragment; bit 1: not the first one
 *   L4_SRC         16   2    TCP/UDP/SCTP source port, ICMP type
 *   L4_DST         16   2    TCP/UDP/SCTP destination port, ICMP code
 *   TCP_FLAGS      12   2    TCP flags
 *
 * A match on a VLAN field other than VLAN_TAGGED applies to tagged
 * packets only. */
enum nicflow_hal_field {
    NICFLOW_HAL_F_IN_PORT,
    NICFLOW_HAL_F_ETH_DST,
    NICFLOW_HAL_F_ETH_SRC,
    NICFLOW_HAL_F_ETH_TYPE,
    NICFLOW_HAL_F_VLAN_TAGGED,
    NICFLOW_HAL_F_VLAN_VID,
    NICFLOW_HAL_F_VLAN_PCP,
    NICFLOW_HAL_F_IPV4_SRC,
    NICFLOW_HAL_F_IPV4_DST,
    NICFLOW_HAL_F_IPV6_SRC,
    NICFLOW_HAL_F_IPV6_DST,
    NICFLOW_HAL_F_IP_PROTO,
    NICFLOW_HAL_F_IP_TOS,
    NICFLOW_HAL_F_IP_TTL,
    NICFLOW_HAL_F_IP_FRAG,
    NICFLOW_HAL_F_L4_SRC,
    NICFLOW_HAL_F_L4_DST,
    NICFLOW_HAL_F_TCP_FLAGS,
    NICFLOW_HAL_F__N
};

/* One field of a key template.  WIDTH_BITS (1 .. the field's full width)
 * is how many of the field's most significant bits the template holds:
 * IPV6_DST at 64 matches /64 prefixes at most, and an entry of that
 * template may only use masks whose other bits are 0. */
struct nicflow_hal_key_field {
    uint16_t field;      /* enum nicflow_hal_field. */
    uint16_t width_bits; /* 1 .. the field's full width. */
};

/* An ACL key template: a TCAM key layout the device was configured with.
 * Entries name the template they use; the device looks packets up in
 * every template's slices and, among the entries that match, applies
 * the one with the highest priority. */
struct nicflow_hal_key_template {
    uint32_t id;                     /* Named by nicflow_hal_acl_entry. */
    char name[NICFLOW_HAL_NAME_MAX]; /* For messages ("ipv4-5tuple"). */
    uint32_t n_fields;
    struct nicflow_hal_key_field fields[NICFLOW_HAL_MAX_KEY_FIELDS];
    uint32_t n_slices;          /* TCAM slices given to the template. */
    uint32_t entries_per_slice; /* Capacity = n_slices * this. */
};

/* ---------------------------------------------------------------------
 * Capabilities.
 * --------------------------------------------------------------------- */

/* Action types of ACL entries (enum nicflow_hal_action_type) as bits of
 * nicflow_hal_caps.acl_actions. */
#define NICFLOW_HAL_ACTION_BIT(TYPE) (1u << (TYPE))

struct nicflow_hal_table_caps {
    uint32_t supported; /* 0: the device lacks the table, 1: has it. */
    uint32_t size;      /* Entries (counters, meters) it holds. */
};

/* What a device can do.  nicflow sets struct_size to
 * sizeof(struct nicflow_hal_caps) before the call; the plugin fills the
 * rest.  Caps do not change while the device is open. */
struct nicflow_hal_caps {
    uint32_t struct_size;
    char device[NICFLOW_HAL_NAME_MAX]; /* For messages ("sample0"). */
    uint32_t n_ports;                  /* Chip ports in the port map. */
    struct nicflow_hal_table_caps acl;
    struct nicflow_hal_table_caps fdb;
    struct nicflow_hal_table_caps counters;
    struct nicflow_hal_table_caps meters;
    uint32_t acl_actions;      /* NICFLOW_HAL_ACTION_BIT()s the ACL takes. */
    uint32_t acl_priority_max; /* Entry priorities are 0 .. this. */
    uint32_t n_templates;
    struct nicflow_hal_key_template templates[NICFLOW_HAL_MAX_TEMPLATES];
    /* The hw-profiles/ name that describes the device ("" if none): the
     * profile nicflow checks flows against, for ports not bound to one
     * explicitly (Interface other_config:hw-profile). */
    char profile[NICFLOW_HAL_NAME_MAX];
    struct nicflow_hal_table_caps port_vlans;    /* Memberships. */
    struct nicflow_hal_table_caps nexthops;      /* Ids 0 .. size - 1. */
    struct nicflow_hal_table_caps l3_hosts;      /* Full-length entries. */
    struct nicflow_hal_table_caps l3_routes;     /* Shorter prefixes. */
    struct nicflow_hal_table_caps tunnel_encaps; /* Ids 0 .. size - 1. */
    struct nicflow_hal_table_caps tunnel_decaps;
    uint32_t tunnel_types; /* NICFLOW_HAL_TUNNEL_BIT()s it can do. */
};

/* ---------------------------------------------------------------------
 * Ports.
 * --------------------------------------------------------------------- */

#define NICFLOW_HAL_PORT_LINK_UP 0x1 /* nicflow_hal_port.flags. */

/* One entry of the port map: a chip port and the netdev that stands for
 * it (the name nicflow's Interface has). */
struct nicflow_hal_port {
    uint32_t chip_port;
    char name[NICFLOW_HAL_NAME_MAX]; /* Netdev name, NUL-terminated. */
    uint32_t flags;                  /* NICFLOW_HAL_PORT_*. */
};

/* What a chip port has seen since the device was opened (port_stats).
 * Every frame that enters is counted in rx_* and then in exactly one of
 * hw_* (the tables took it: forwarded, mirrored or dropped by an entry) or
 * host_* (handed to the host, or dropped because no host receiver was
 * registered).  tx_* counts frames the chip's own forwarding sent out of
 * the port, not what the host sent through the port's netdev. */
struct nicflow_hal_port_stats {
    uint64_t rx_packets, rx_bytes;
    uint64_t hw_packets, hw_bytes;
    uint64_t host_packets, host_bytes;
    uint64_t tx_packets, tx_bytes;
};

/* ---------------------------------------------------------------------
 * Port/VLAN membership.
 * --------------------------------------------------------------------- */

#define NICFLOW_HAL_PV_UNTAGGED 0x1 /* Frames leave the port untagged. */
#define NICFLOW_HAL_PV_PVID \
    0x2 /* Untagged frames entering the port
                                     * belong to this VLAN (one per port). */

/* Port CHIP_PORT carries VLAN VID (1 .. 4094). */
struct nicflow_hal_port_vlan {
    uint32_t chip_port;
    uint16_t vid;
    uint16_t flags; /* NICFLOW_HAL_PV_*. */
};

/* ---------------------------------------------------------------------
 * L3: router MAC, next hops, host entries and routes.
 * --------------------------------------------------------------------- */

/* Frames to MAC (on any VLAN) are routed; an all-zero MAC routes
 * nothing. */
struct nicflow_hal_l3_config {
    uint8_t router_mac[6];
    uint16_t pad;
};

/* Where a routed frame goes: out of CHIP_PORT, from SMAC to DMAC, tagged
 * with VID (0: untagged; a tag is pushed as 0x8100 with priority 0, and a
 * frame that has one keeps its TPID and priority). */
struct nicflow_hal_nexthop {
    uint32_t chip_port;
    uint8_t smac[6];
    uint8_t dmac[6];
    uint16_t vid;
    uint16_t pad;
};

/* A host entry (PREFIX_LEN 32 for IPv4, 128 for IPv6: the l3_hosts table)
 * or a route (shorter: the l3_routes table) to next hop NEXTHOP.  ADDR
 * holds 4 or 16 bytes in network order (the rest zero); bits beyond
 * PREFIX_LEN must be zero. */
struct nicflow_hal_route {
    uint8_t family;     /* 4 or 6. */
    uint8_t prefix_len; /* 0 .. 32 or 0 .. 128. */
    uint16_t pad;
    uint8_t addr[16];
    uint32_t nexthop; /* A next hop id set with nexthop_set. */
};

/* ---------------------------------------------------------------------
 * Tunnels.
 * --------------------------------------------------------------------- */

enum nicflow_hal_tunnel_type {
    NICFLOW_HAL_TUN_VXLAN = 1, /* UDP, 8-byte header, 24-bit VNI. */
    NICFLOW_HAL_TUN_GENEVE,    /* UDP, 8-byte header without options. */
    NICFLOW_HAL_TUN_GRE,       /* GRE with a key (transparent Ethernet). */
};
#define NICFLOW_HAL_TUNNEL_BIT(TYPE) (1u << (TYPE))

/* An encapsulation (ACL action TUNNEL_ENCAP with 'arg' its id): the frame
 * gets Ethernet SMAC -> DMAC (VID tag if nonzero), IPv4 or IPv6 SRC -> DST
 * with TTL and TOS, then the tunnel header (VXLAN/Geneve: UDP from a
 * source port hashed from the inner frame to DST_PORT, with VNI; GRE: key
 * VNI), and leaves through CHIP_PORT. */
struct nicflow_hal_tunnel_encap {
    uint32_t type;  /* enum nicflow_hal_tunnel_type. */
    uint32_t vni;   /* VNI (24 bits) or GRE key. */
    uint8_t family; /* 4 or 6. */
    uint8_t ttl;
    uint8_t tos;
    uint8_t pad;
    uint8_t src[16]; /* Network order, 4 or 16 bytes used. */
    uint8_t dst[16];
    uint16_t dst_port; /* UDP destination port, host order (VXLAN 4789). */
    uint16_t vid;
    uint8_t smac[6];
    uint8_t dmac[6];
    uint32_t chip_port;
};

/* A decapsulation entry: a frame of tunnel TYPE addressed to the local
 * endpoint DST (from any source if SRC is all zero, else from SRC), with
 * VNI/key VNI (and, for UDP tunnels, UDP destination port DST_PORT) loses
 * its outer headers; the inner frame continues as entering TUNNEL_PORT, a
 * chip port number outside the port map and not 0 that ACL entries can
 * match as IN_PORT.  Entries are told apart by all of TYPE, FAMILY, DST,
 * SRC, VNI and, for UDP tunnels, DST_PORT (GRE ignores it). */
struct nicflow_hal_tunnel_decap {
    uint32_t type; /* enum nicflow_hal_tunnel_type. */
    uint32_t vni;
    uint8_t family; /* 4 or 6. */
    uint8_t pad[3];
    uint8_t src[16];
    uint8_t dst[16];
    uint16_t dst_port;
    uint16_t pad2;
    uint32_t tunnel_port;
};

/* ---------------------------------------------------------------------
 * ACL entries.
 * --------------------------------------------------------------------- */

/* One field compared by an ACL entry (layout: see Values, above). */
struct nicflow_hal_match {
    uint16_t field; /* enum nicflow_hal_field, one of the template's. */
    uint16_t pad;
    uint8_t value[NICFLOW_HAL_VALUE_MAX];
    uint8_t mask[NICFLOW_HAL_VALUE_MAX];
};

/* What an ACL entry does to a packet, in list order.  An entry whose
 * list holds no REDIRECT drops the packet (after its MIRROR copies). */
enum nicflow_hal_action_type {
    NICFLOW_HAL_A_REDIRECT = 1, /* Send to chip port 'arg'. */
    NICFLOW_HAL_A_MIRROR,       /* Send a copy to chip port 'arg'. */
    NICFLOW_HAL_A_VLAN_PUSH,    /* Push 'tpid' with 'tci' (PCP, VID). */
    NICFLOW_HAL_A_VLAN_POP,     /* Pop the outer tag. */
    NICFLOW_HAL_A_SET_FIELD,    /* Write 'value' under 'mask' to 'field'. */
    NICFLOW_HAL_A_POLICE,       /* Police with meter 'arg'. */
    NICFLOW_HAL_A_COUNT,        /* Count into counter 'arg'. */
    NICFLOW_HAL_A_TUNNEL_ENCAP, /* Encapsulate with tunnel encap 'arg' and
                                 * send out of its chip port (counts as the
                                 * entry's REDIRECT). */
    NICFLOW_HAL_A__N
};

struct nicflow_hal_action {
    uint16_t type;  /* enum nicflow_hal_action_type. */
    uint16_t field; /* SET_FIELD: enum nicflow_hal_field. */
    uint32_t arg;   /* Chip port, meter id or counter id. */
    uint16_t tpid;  /* VLAN_PUSH: 0x8100 or 0x88a8, host order. */
    uint16_t tci;   /* VLAN_PUSH: PCP << 13 | VID, host order. */
    uint8_t value[NICFLOW_HAL_VALUE_MAX]; /* SET_FIELD. */
    uint8_t mask[NICFLOW_HAL_VALUE_MAX];  /* SET_FIELD. */
};

struct nicflow_hal_acl_entry {
    uint64_t id;          /* Chosen by nicflow, unique in the device. */
    uint32_t template_id; /* A nicflow_hal_key_template id. */
    uint32_t priority;    /* Higher wins; 0 .. acl_priority_max. */
    uint32_t n_matches;   /* Fields not listed match anything. */
    uint32_t n_actions;
    struct nicflow_hal_match matches[NICFLOW_HAL_MAX_MATCHES];
    struct nicflow_hal_action actions[NICFLOW_HAL_MAX_ACTIONS];
};

/* ---------------------------------------------------------------------
 * FDB entries, counters, meters, statuses, events.
 * --------------------------------------------------------------------- */

/* A static FDB entry: frames to MAC on VLAN VID go to CHIP_PORT.  VID 0
 * stands for untagged frames of a port without a port VLAN (those of a
 * port with one belong to that VLAN, see Model). */
struct nicflow_hal_fdb_entry {
    uint8_t mac[6];
    uint16_t vid;
    uint32_t chip_port; /* Ignored by fdb_del. */
};

struct nicflow_hal_counter {
    uint64_t n_packets;
    uint64_t n_bytes; /* Whole frames, L2 header included. */
};

#define NICFLOW_HAL_METER_PPS 0x1 /* nicflow_hal_meter.flags. */

/* A single-rate policer: packets beyond RATE (with BURST) are dropped. */
struct nicflow_hal_meter {
    uint32_t flags; /* NICFLOW_HAL_METER_*. */
    uint32_t rate;  /* kbit/s, or packets/s with METER_PPS. */
    uint32_t burst; /* kbit, or packets with METER_PPS. */
};

/* The outcome of one entry of a batch. */
struct nicflow_hal_status {
    int32_t error;                 /* 0 or a positive errno value. */
    char msg[NICFLOW_HAL_MSG_MAX]; /* Why, if ERROR; "" otherwise. */
};

enum nicflow_hal_event_type {
    NICFLOW_HAL_EV_LINK_UP = 1, /* 'chip_port' came up. */
    NICFLOW_HAL_EV_LINK_DOWN,   /* 'chip_port' went down. */
    NICFLOW_HAL_EV_FDB_LEARN,   /* 'mac' on 'vid' seen on 'chip_port'. */
    NICFLOW_HAL_EV_FDB_AGE,     /* A learned 'mac', 'vid' aged out. */
    NICFLOW_HAL_EV_TABLE_FULL,  /* Table 'table' has no room left. */
};

enum nicflow_hal_table {
    NICFLOW_HAL_T_ACL = 1,
    NICFLOW_HAL_T_FDB,
    NICFLOW_HAL_T_COUNTERS,
    NICFLOW_HAL_T_METERS,
    NICFLOW_HAL_T_PORT_VLANS,
    NICFLOW_HAL_T_NEXTHOPS, /* Never full: addressed by id (EINVAL). */
    NICFLOW_HAL_T_L3_HOSTS,
    NICFLOW_HAL_T_L3_ROUTES,
    NICFLOW_HAL_T_TUNNEL_ENCAPS, /* Never full: addressed by id. */
    NICFLOW_HAL_T_TUNNEL_DECAPS,
};

struct nicflow_hal_event {
    uint32_t type;      /* enum nicflow_hal_event_type. */
    uint32_t chip_port; /* LINK_*, FDB_*. */
    uint8_t mac[6];     /* FDB_*. */
    uint16_t vid;       /* FDB_*. */
    uint32_t table;     /* TABLE_FULL: enum nicflow_hal_table. */
};

/* The event callback.  A plugin may call it from any thread, its own
 * included, at any time between events_register() and the return of
 * close(), but never from within a call nicflow is making into the
 * device on the same thread, and never twice at once.  EV is borrowed
 * for the call; AUX is what was registered.  The callback copies the
 * event and returns without calling into the plugin. */
typedef void nicflow_hal_event_cb(const struct nicflow_hal_event *ev,
                                  void *aux);

/* The receiver of frames to the host (see "The path to the host").  A
 * plugin calls it from threads of its own, never from within a call
 * nicflow is making into the device, possibly from several threads at
 * once (one per port, say), at any time between rx_register() and the
 * return of close() or of rx_register() with a NULL receiver.  FRAME is
 * the whole Ethernet frame as it entered CHIP_PORT (with its VLAN tag, if
 * it had one, in the frame), LEN bytes, borrowed for the call.  The
 * receiver copies it and returns without blocking and without calling
 * into the plugin. */
typedef void nicflow_hal_rx_cb(uint32_t chip_port, const void *frame,
                               size_t len, void *aux);

/* ---------------------------------------------------------------------
 * The operations.
 * --------------------------------------------------------------------- */

/* An open device, the plugin's own type. */
struct nicflow_hal_dev;

struct nicflow_hal_ops {
    uint32_t abi_version; /* NICFLOW_HAL_ABI_VERSION. */
    uint32_t struct_size; /* sizeof(struct nicflow_hal_ops). */
    const char *name;     /* The plugin's name, static ("sample"). */

    /* Device life cycle. */

    /* Opens the device ARGS describes (other_config:hal-args verbatim,
     * "" if unset; the syntax is the plugin's) and stores it in *DEVP.
     * Errors: EINVAL (bad ARGS), ENODEV (no such device), ENOMEM, EIO. */
    int (*open)(const char *args, struct nicflow_hal_dev **devp, char *err,
                size_t err_size);
    /* Removes every entry nicflow added, frees every counter and meter,
     * and closes DEV.  No callback runs after it returns. */
    void (*close)(struct nicflow_hal_dev *dev);
    /* Fills CAPS (its struct_size set by the caller).  Errors: EINVAL if
     * caps->struct_size is not the plugin's, EIO. */
    int (*get_caps)(struct nicflow_hal_dev *dev, struct nicflow_hal_caps *caps,
                    char *err, size_t err_size);

    /* The port map. */

    /* Copies up to MAX entries of the port map into PORTS and stores the
     * number of entries the map has in *N (which may exceed MAX: the
     * caller then calls again with room for them).  Errors: EIO. */
    int (*port_list)(struct nicflow_hal_dev *dev,
                     struct nicflow_hal_port *ports, size_t max, size_t *n,
                     char *err, size_t err_size);

    /* The ACL TCAM.  Batches of N entries, one STATUS each. */

    /* Adds ENTRIES[i], replacing in place (atomically, if the device
     * can) an entry with the same id.  Per entry: EINVAL (unknown
     * template, a field outside it, a mask wider than its width, a bad
     * action), EOPNOTSUPP (an action the device lacks), ENOSPC (the
     * template's slices are full), ENOENT (an unknown counter or meter),
     * EIO. */
    int (*acl_add)(struct nicflow_hal_dev *dev,
                   const struct nicflow_hal_acl_entry *entries, size_t n,
                   struct nicflow_hal_status *status, char *err,
                   size_t err_size);
    /* Removes the entries IDS[i].  Per entry: ENOENT (no such entry), EIO.
     * Counters and meters the entries used stay allocated. */
    int (*acl_del)(struct nicflow_hal_dev *dev, const uint64_t *ids, size_t n,
                   struct nicflow_hal_status *status, char *err,
                   size_t err_size);

    /* The L2 FDB (NULL if caps.fdb.supported is 0). */

    /* Adds static ENTRIES[i], replacing one with the same MAC and VID.
     * Per entry: EINVAL (bad port or VID), ENOSPC, EIO. */
    int (*fdb_add)(struct nicflow_hal_dev *dev,
                   const struct nicflow_hal_fdb_entry *entries, size_t n,
                   struct nicflow_hal_status *status, char *err,
                   size_t err_size);
    /* Removes the entries with ENTRIES[i]'s MAC and VID.  Per entry:
     * ENOENT, EIO. */
    int (*fdb_del)(struct nicflow_hal_dev *dev,
                   const struct nicflow_hal_fdb_entry *entries, size_t n,
                   struct nicflow_hal_status *status, char *err,
                   size_t err_size);

    /* Counters (NULL if caps.counters.supported is 0). */

    /* Allocates a counter, zeroed, into *ID.  Errors: ENOSPC, EIO. */
    int (*counter_alloc)(struct nicflow_hal_dev *dev, uint32_t *id, char *err,
                         size_t err_size);
    /* Reads counters IDS[i] into VALUES[i] (cumulative since allocated).
     * Per entry: ENOENT, EIO. */
    int (*counter_read)(struct nicflow_hal_dev *dev, const uint32_t *ids,
                        size_t n, struct nicflow_hal_counter *values,
                        struct nicflow_hal_status *status, char *err,
                        size_t err_size);
    /* Frees counter ID; no entry may count into it any more. */
    void (*counter_free)(struct nicflow_hal_dev *dev, uint32_t id);

    /* Meters (NULL if caps.meters.supported is 0). */

    /* Creates or changes meter ID (0 .. caps.meters.size - 1) to METER.
     * Errors: EINVAL (ID out of range, a rate of 0), EOPNOTSUPP (flags the
     * device lacks), EIO. */
    int (*meter_set)(struct nicflow_hal_dev *dev, uint32_t id,
                     const struct nicflow_hal_meter *meter, char *err,
                     size_t err_size);
    /* Deletes meter ID; no entry may police with it any more. */
    void (*meter_del)(struct nicflow_hal_dev *dev, uint32_t id);

    /* Events. */

    /* Makes CB(ev, AUX) the receiver of DEV's events (NULL: none), after
     * which the plugin reports link changes, FDB learning and ageing and
     * full tables as the callback's contract says.  Errors: EIO. */
    int (*events_register)(struct nicflow_hal_dev *dev,
                           nicflow_hal_event_cb *cb, void *aux, char *err,
                           size_t err_size);

    /* Port/VLAN membership (NULL if caps.port_vlans.supported is 0). */

    /* Adds (or changes the flags of) memberships ENTRIES[i].  Per entry:
     * EINVAL (unknown port, VID outside 1 .. 4094, a second PVID for a
     * port), ENOSPC, EIO. */
    int (*port_vlan_add)(struct nicflow_hal_dev *dev,
                         const struct nicflow_hal_port_vlan *entries, size_t n,
                         struct nicflow_hal_status *status, char *err,
                         size_t err_size);
    /* Removes the memberships of ENTRIES[i] (port and VID; flags
     * ignored).  Per entry: ENOENT, EIO. */
    int (*port_vlan_del)(struct nicflow_hal_dev *dev,
                         const struct nicflow_hal_port_vlan *entries, size_t n,
                         struct nicflow_hal_status *status, char *err,
                         size_t err_size);

    /* L3 (NULL if caps.nexthops.supported is 0). */

    /* Sets the router MAC.  Errors: EIO. */
    int (*l3_config)(struct nicflow_hal_dev *dev,
                     const struct nicflow_hal_l3_config *config, char *err,
                     size_t err_size);
    /* Creates or changes next hop ID (0 .. caps.nexthops.size - 1).
     * Errors: EINVAL (ID out of range, unknown port, bad VID), EIO. */
    int (*nexthop_set)(struct nicflow_hal_dev *dev, uint32_t id,
                       const struct nicflow_hal_nexthop *nexthop, char *err,
                       size_t err_size);
    /* Deletes next hop ID.  Errors: ENOENT, EBUSY (a route uses it). */
    int (*nexthop_del)(struct nicflow_hal_dev *dev, uint32_t id, char *err,
                       size_t err_size);
    /* Adds ROUTES[i], replacing one with the same family, prefix length
     * and address; full-length ones go to the host table.  Per entry:
     * EINVAL (bad family, prefix length or address bits), ENOENT (no
     * such next hop), ENOSPC, EIO. */
    int (*route_add)(struct nicflow_hal_dev *dev,
                     const struct nicflow_hal_route *routes, size_t n,
                     struct nicflow_hal_status *status, char *err,
                     size_t err_size);
    /* Removes the entries with ROUTES[i]'s family, prefix length and
     * address.  Per entry: ENOENT, EIO. */
    int (*route_del)(struct nicflow_hal_dev *dev,
                     const struct nicflow_hal_route *routes, size_t n,
                     struct nicflow_hal_status *status, char *err,
                     size_t err_size);

    /* Tunnels (NULL if caps.tunnel_types is 0). */

    /* Creates or changes encapsulation ID (0 .. caps.tunnel_encaps.size
     * - 1).  Errors: EINVAL (ID out of range, bad family or port),
     * EOPNOTSUPP (a type the device lacks), EIO. */
    int (*tunnel_encap_set)(struct nicflow_hal_dev *dev, uint32_t id,
                            const struct nicflow_hal_tunnel_encap *encap,
                            char *err, size_t err_size);
    /* Deletes encapsulation ID; no ACL entry may use it any more.
     * Errors: ENOENT, EBUSY (an ACL entry uses it). */
    int (*tunnel_encap_del)(struct nicflow_hal_dev *dev, uint32_t id,
                            char *err, size_t err_size);
    /* Adds decapsulation ENTRIES[i] (an equal one is replaced).  Per
     * entry: EINVAL (bad family, a tunnel port inside the port map),
     * EOPNOTSUPP (a type the device lacks), ENOSPC, EIO. */
    int (*tunnel_decap_add)(struct nicflow_hal_dev *dev,
                            const struct nicflow_hal_tunnel_decap *entries,
                            size_t n, struct nicflow_hal_status *status,
                            char *err, size_t err_size);
    /* Removes the entries equal to ENTRIES[i] (tunnel_port ignored).  Per
     * entry: ENOENT, EIO. */
    int (*tunnel_decap_del)(struct nicflow_hal_dev *dev,
                            const struct nicflow_hal_tunnel_decap *entries,
                            size_t n, struct nicflow_hal_status *status,
                            char *err, size_t err_size);

    /* The path to the host (NULL: the device has none of its own). */

    /* Makes CB(chip_port, frame, len, AUX) the receiver of every frame the
     * device does not forward itself (NULL: none; the device then drops
     * them and counts them in host_*).  The previous receiver gets no
     * call after this returns.  Errors: EIO. */
    int (*rx_register)(struct nicflow_hal_dev *dev, nicflow_hal_rx_cb *cb,
                       void *aux, char *err, size_t err_size);

    /* Port statistics (NULL: the device keeps none). */

    /* Fills *STATS for CHIP_PORT.  Errors: ENOENT (no such port), EIO. */
    int (*port_stats)(struct nicflow_hal_dev *dev, uint32_t chip_port,
                      struct nicflow_hal_port_stats *stats, char *err,
                      size_t err_size);
};

/* The type of the entry symbol.  It returns the plugin's operations,
 * static for the life of the shared object; nicflow calls it once, on
 * its main thread, right after dlopen(). */
typedef const struct nicflow_hal_ops *nicflow_hal_entry_fn(void);

/* What a plugin defines (with default visibility). */
const struct nicflow_hal_ops *nicflow_hal_entry(void);

#ifdef __cplusplus
}
#endif

#endif /* NICFLOW_HAL_H */
