/* xlate.h: translation of a packet's walk through a bridge's OpenFlow
 * pipeline into datapath actions and a megaflow mask, and the bridge
 * configuration that translation needs (ports as the datapath numbers
 * them, VLAN modes, patch peers, MAC learning).
 *
 * The bridge layer (bridge.c) describes bridges and ports here as it
 * reconciles the database; the upcall handler (upcall.c) translates
 * datapath misses and installs the results.  Everything runs on nicflowd's
 * main thread; nothing here is thread-safe. */
#ifndef NICFLOW_VSWITCHD_XLATE_H
#define NICFLOW_VSWITCHD_XLATE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/flow.h"
#include "vswitchd/ofproto.h"

struct tnl_port_cfg;

struct dpif;
struct mac_learning;
struct pkt;

/* Port VLAN modes, as in the Port table's vlan_mode column. */
enum xlate_vlan_mode {
    XLATE_VLAN_TRUNK,           /* Tagged frames of TRUNKS (all if none). */
    XLATE_VLAN_ACCESS,          /* Untagged frames only, in VLAN TAG. */
    XLATE_VLAN_NATIVE_TAGGED,   /* Trunk; untagged frames are VLAN TAG, and
                                  * TAG goes out tagged. */
    XLATE_VLAN_NATIVE_UNTAGGED, /* Trunk; untagged frames are VLAN TAG, and
                                  * TAG goes out untagged. */
};

/* A bridge port as translation sees it. */
struct xlate_port_cfg {
    uint16_t ofp_port; /* OpenFlow number (OF_PORT_LOCAL for the
                           * bridge's own port). */
    uint32_t odp_port; /* Datapath number; DPIF_PORT_ANY for a patch
                           * port, which has none. */
    const char *name;
    enum xlate_vlan_mode vlan_mode;
    int tag;                /* Access/native VLAN, or -1 (none). */
    const uint16_t *trunks; /* VLANs a trunk carries; none = all 4096. */
    size_t n_trunks;
    /* Patch ports: the bridge and port at the other end (NULL/0 while the
     * peer does not exist, when the port drops everything). */
    const char *peer_bridge;
    uint16_t peer_ofp_port;
    bool flood; /* False: left out of flooding (OFPPC_NO_FLOOD). */
    /* Tunnel interfaces: their options (copied); ODP_PORT is then the
     * vport they share.  NULL for every other port. */
    const struct tnl_port_cfg *tnl;
    struct eth_addr mac; /* The device's MAC (all zero if unknown). */
};

/* Describes bridge OFPROTO, whose ports live in datapath DPIF, to
 * translation (again after a change: the settings are replaced).
 * MAC_AGING_S and MAC_TABLE_SIZE configure NORMAL's learning table
 * (defaults 300 and 8192 when 0). */
void xlate_bridge_set(struct ofproto *, struct dpif *, const char *name,
                      unsigned int mac_aging_s, size_t mac_table_size);
/* Forgets bridge OFPROTO and its ports and MAC table. */
void xlate_bridge_remove(struct ofproto *);
/* Adds or replaces port CFG->ofp_port of bridge OFPROTO (CFG is copied). */
void xlate_port_set(struct ofproto *, const struct xlate_port_cfg *cfg);
/* Forgets port OFP_PORT of bridge OFPROTO and what its MAC table learned
 * on it. */
void xlate_port_remove(struct ofproto *, uint16_t ofp_port);

/* The bridge (its OpenFlow switch) named NAME, or NULL. */
struct ofproto *xlate_ofproto_by_name(const char *name);
/* The datapath port number of OpenFlow port OFP_PORT of bridge OFPROTO,
 * or DPIF_PORT_ANY if there is none (no such port, or a patch port). */
uint32_t xlate_odp_port(const struct ofproto *, uint16_t ofp_port);
/* The bridge datapath port ODP_PORT belongs to, or NULL. */
struct ofproto *xlate_odp_port_bridge(uint32_t odp_port);
/* The OpenFlow port number datapath port ODP_PORT has in its bridge, or
 * OF_PORT_NONE (0xffff) if it has none. */
uint16_t xlate_ofp_port(uint32_t odp_port);

/* The bridge the datapath flow FLOW's packets enter (through a tunnel
 * port when its in_port is a tunnel vport), or NULL. */
struct ofproto *xlate_flow_bridge(const struct flow *flow);

/* The datapath of some bridge (all userspace bridges share one), or NULL
 * when there is no bridge. */
struct dpif *xlate_any_dpif(void);

/* The MAC learning table of bridge OFPROTO, or NULL. */
struct mac_learning *xlate_mac_learning(const struct ofproto *);

/* ---------------------------------------------------------------------
 * Translation.
 * --------------------------------------------------------------------- */

/* A rule a translation went through, for crediting statistics. */
struct xlate_hit {
    struct ofproto *ofproto;
    const struct ofproto_rule *rule;
};

struct xlate_out {
    struct buf odp_actions; /* Datapath actions (OVS_ACTION_ATTR_*). */
    struct flow mask;       /* Megaflow mask over the datapath key. */
    bool slow;              /* Must not be installed: every packet needs
                             * userspace (it goes to a controller). */
    bool learns;            /* NORMAL saw an input port: the flow's
                             * packets teach MAC addresses, so translating
                             * it again with learning refreshes them. */
    struct xlate_hit *hits; /* Rules visited, in order. */
    size_t n_hits, allocated_hits;
    uint64_t generation; /* xlate_generation() it was made at. */
    /* Nonnull (set by the caller after xlate_out_init()): xlate_flow()
     * stores there the packet and pipeline fields as the translation
     * left them, in_port the OpenFlow port (ofproto/trace's "Final
     * flow"). */
    struct of_match *final;
    /* Nonnull (set by the caller after xlate_out_init()): the pipeline
     * fields (registers, metadata, conntrack fields...) the translation
     * starts with, as ofproto/trace takes them from its flow argument;
     * NULL: all zero, as for a packet from the datapath. */
    const struct of_meta *initial_meta;
};
void xlate_out_init(struct xlate_out *);
void xlate_out_uninit(struct xlate_out *);

/* Sum of everything that can change a translation: the bridges'
 * generations (flows, groups, ports), the MAC tables' and this module's
 * configuration.  A translation made at another value may be stale. */
uint64_t xlate_generation(void);

/* Translates the datapath flow FLOW (in_port a datapath port number) into
 * OUT (initialised by the caller).  PACKET, when nonnull, is the packet
 * that missed: side effects that need one (packet-ins) happen then.
 * MAY_LEARN lets NORMAL update MAC tables.  TRACE, when nonnull, receives
 * an ofproto/trace style account of every table visited.  Returns 0,
 * ENODEV when the port belongs to no bridge, or ENOENT when FLOW has a
 * recirculation id (nicflowd's translations make none, so there is no
 * context to continue from); OUT drops in both cases. */
int xlate_flow(const struct flow *flow, const struct pkt *packet,
               bool may_learn, struct buf *trace, struct xlate_out *out);

/* Packet-out: runs ACTS on the LEN-byte frame PKT as if it came in on
 * IN_PORT of bridge OFPROTO and executes the result in the datapath.
 * Returns 0 or a positive errno with a message in *ERRP. */
int xlate_packet_out(struct ofproto *, uint16_t in_port,
                     const struct of_acts *acts, const void *pkt, size_t len,
                     char **errp);

/* Periodic work: ages out MAC learning entries (NOW_MS monotonic). */
void xlate_run(long long now_ms);

/* Registers fdb/show, fdb/flush and fdb/stats-show. */
void xlate_register_commands(void);

#endif /* xlate.h */
