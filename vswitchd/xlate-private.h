/* xlate-private.h: what the translation files (xlate.c, xlate-normal.c)
 * share: bridges and ports as translation keeps them and the state of one
 * translation.  Not for other modules: they use xlate.h. */
#ifndef NICFLOW_VSWITCHD_XLATE_PRIVATE_H
#define NICFLOW_VSWITCHD_XLATE_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/hmap.h"
#include "lib/util.h"
#include "ofctl/actions.h"
#include "ofctl/match.h"
#include "vswitchd/xlate.h"

struct xbridge;

struct xport {
    struct hmap_node ofp_node; /* In xbridge->ports, by ofp_port. */
    struct hmap_node odp_node; /* In xports_by_odp, by odp_port (not for
                                * patch ports). */
    struct xbridge *xbridge;
    uint16_t ofp_port;
    uint32_t odp_port;
    char *name;
    enum xlate_vlan_mode vlan_mode;
    int tag;
    bool all_trunks;          /* No trunks listed: every VLAN. */
    uint8_t trunks[4096 / 8]; /* Bitmap of the trunks listed. */
    char *peer_bridge;        /* Patch ports only. */
    uint16_t peer_ofp_port;
    bool flood;
    struct tnl_port_cfg *tnl;  /* Tunnel ports: options; NULL otherwise. */
    struct hmap_node tnl_node; /* In xlate_tnl_xports, by odp_port. */
    struct eth_addr mac;
};

struct xbridge {
    struct hmap_node node; /* In xbridges, by ofproto pointer. */
    struct ofproto *ofproto;
    struct dpif *dpif;
    char *name;
    struct mac_learning *ml;
    struct hmap ports;
};

/* Every bridge translation knows, by ofproto pointer. */
extern struct hmap xlate_xbridges;
/* Every tunnel port, by the odp port of its vport (shared: a vport has as
 * many entries as tunnel interfaces). */
extern struct hmap xlate_tnl_xports;

struct xctx {
    const struct pkt *packet; /* Nonnull: a real packet (side effects). */
    bool may_learn;
    struct buf *trace;
    int indent;
    int base_indent; /* Where this bridge's table lines start. */
    struct xlate_out *out;

    struct xbridge *xbridge;
    struct of_match st;    /* The packet and pipeline fields now. */
    struct flow base;      /* The datapath's packet now. */
    struct ofproto_key wc; /* Bits the result depends on. */
    uint16_t in_port;      /* OpenFlow in_port in this bridge. */
    uint8_t table_id;
    const struct ofproto_rule *rule;
    int depth;
    int n_lookups;
    bool exit; /* "exit" or a drop that ends the walk. */
    struct of_acts action_set;
    /* Not running a rule's own action list: a packet-out's actions, a
     * group bucket or the action set.  Its output:CONTROLLER is then no
     * table miss, even under the table-miss flow. */
    bool in_packet_out;
    int in_indirect;
};

/* The translation of bridge OFPROTO, or NULL (xlate-config.c). */
struct xbridge *xlate_xbridge_find(const struct ofproto *ofproto);
/* The port whose datapath port is ODP_PORT, or NULL: a tunnel vport, which
 * several interfaces share, is not in this index (xlate_tnl_xports). */
struct xport *xlate_xport_find_by_odp(uint32_t odp_port);
/* The bridge named NAME, or NULL. */
struct xbridge *xlate_xbridge_find_by_name(const char *name);
/* Port OFP_PORT of XB, or NULL. */
struct xport *xlate_xport_find(const struct xbridge *xb, uint16_t ofp_port);
/* XB's ports in number order, in an array the caller frees. */
const struct xport **xlate_sorted_ports(const struct xbridge *xb, size_t *n);
/* Sends the packet out of port OFP_PORT of the current bridge (a patch
 * port continues the walk in its peer). */
void xlate_output_port(struct xctx *, uint16_t ofp_port);
/* ORs field ID into the megaflow mask. */
void xlate_wc_id(struct xctx *, enum of_field_id id);
/* Appends a line to the trace, indented, if the translation is traced. */
void xlate_trace(struct xctx *, const char *fmt, ...) NF_PRINTF(2, 3);

/* Appends the rules SUB visited to CTX's (their statistics then include
 * the packets of the flow CTX makes). */
void xlate_add_hits(struct xctx *ctx, const struct xlate_out *sub);
/* Turns the header changes made so far into datapath set actions. */
void xlate_commit(struct xctx *);
/* Translates FLOW entering bridge XB on OpenFlow port IN_PORT into OUT,
 * as a fresh walk from table 0 (plus the action set) with no packet, so
 * with no side effects; tracing to PARENT's trace, nested DEPTH deep. */
void xlate_nested(const struct xctx *parent, struct xbridge *xb,
                  const struct flow *flow, uint16_t in_port,
                  struct xlate_out *out);

/* learn (xlate-learn.c): builds the flow LEARN describes for the packet
 * in CTX (ORing the fields it reads into the megaflow mask and asking for
 * re-translation with learning) and, if CTX may learn, queues it. */
void xlate_learn(struct xctx *ctx, const struct of_act_learn *learn);
/* Applies the queued learned flows; called when a translation ends. */
void xlate_learn_run(void);

/* NORMAL (xlate-normal.c). */
void xlate_normal(struct xctx *);

/* Tunnels (xlate-tnl.c). */

/* Sends the packet out of tunnel port XP: its tunnel metadata, the route
 * and neighbour of the remote end, the outer header, and the underlay
 * bridge's outputs as tnl_push actions.  What cannot be resolved drops
 * the packet with the reason in the trace (a neighbour miss also sends an
 * ARP request when a real packet is translated). */
void xlate_tnl_output(struct xctx *, const struct xport *xp);
/* Called for an output to XP, a bridge's own (internal) port: if the
 * packet is a tunnel packet for one of the device's addresses and a
 * listening vport, emits tnl_pop and returns true (the output itself is
 * then not made); otherwise learns the underlay neighbour from an ARP
 * reply or neighbour advertisement for the device and returns false. */
bool xlate_tnl_terminate(struct xctx *, const struct xport *xp);
/* The tunnel port a packet decapsulated on vport ODP_PORT with tunnel
 * metadata TUN arrived through, or NULL; marks in WC the tunnel fields
 * the choice depended on. */
const struct xport *xlate_tnl_receive_port(uint32_t odp_port,
                                           const struct pkt_tunnel *tun,
                                           struct ofproto_key *wc);

#endif /* xlate-private.h */
