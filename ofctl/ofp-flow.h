/* ofp-flow.h: flow messages on the wire — flow-mod, flow-removed, flow
 * and aggregate statistics — in every OpenFlow version and in Open
 * vSwitch's Nicira forms, and the choice among those forms ("protocols")
 * that ovs-ofctl makes.
 *
 * A protocol is a version plus, for OpenFlow 1.0, the match format
 * (standard ofp10_match or NXM) and whether the flow_mod_table_id
 * extension is on.  ovs-ofctl picks, for what it is about to send, the
 * first protocol that can express it among those the connection allows,
 * and switches the connection to it with NXT_SET_FLOW_FORMAT /
 * NXT_FLOW_MOD_TABLE_ID; of_protocols_usable_*() and of_protocol_choose()
 * do the same here so the bytes we send equal ovs-ofctl's. */
#ifndef NICFLOW_OFCTL_OFP_FLOW_H
#define NICFLOW_OFCTL_OFP_FLOW_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/flow-text.h"
#include "ofctl/ofp.h"

/* Protocols, as bits so that sets of them are masks. */
enum of_protocol {
    OF_PROTO_OF10 = 1 << 0,     /* OpenFlow 1.0, ofp10_match. */
    OF_PROTO_OF10_TID = 1 << 1, /* ...with flow_mod_table_id. */
    OF_PROTO_NXM = 1 << 2,      /* OpenFlow 1.0, NXM (Nicira flow mods). */
    OF_PROTO_NXM_TID = 1 << 3,  /* ...with flow_mod_table_id. */
    OF_PROTO_OF13 = 1 << 4,     /* OpenFlow 1.3, OXM. */
    OF_PROTO_OF14 = 1 << 5,
    OF_PROTO_OF15 = 1 << 6,
};
#define OF_PROTO_OF10_ANY \
    (OF_PROTO_OF10 | OF_PROTO_OF10_TID | OF_PROTO_NXM | OF_PROTO_NXM_TID)
#define OF_PROTO_ANY \
    (OF_PROTO_OF10_ANY | OF_PROTO_OF13 | OF_PROTO_OF14 | OF_PROTO_OF15)

/* The version a protocol runs in. */
uint8_t of_protocol_version(enum of_protocol);
/* Every protocol of VERSION. */
unsigned of_protocols_of_version(uint8_t version);
/* A name for messages ("OpenFlow10", "NXM+table_id", "OXM-OpenFlow13"),
 * as ovs-ofctl spells them. */
const char *of_protocol_name(enum of_protocol);
/* The set, e.g. "OpenFlow10,NXM" (caller frees). */
char *of_protocols_to_string(unsigned protocols);

/* Protocols able to express a flow-mod of FLOW with command CMD (its
 * match, table, cookie mask, flags, importance and instructions), and
 * able to express a flow/aggregate stats request for it. */
unsigned of_protocols_usable_flow_mod(const struct of_flow *,
                                      enum of_flow_cmd);
unsigned of_protocols_usable_stats(const struct of_flow *);

/* The protocol to use, given the usable set and the negotiated VERSION:
 * for 1.0 the cheapest of standard, NXM, +table_id, in ovs-ofctl's order;
 * for 1.3+ the version's own.  Returns 0 if none fits. */
enum of_protocol of_protocol_choose(unsigned usable, uint8_t version);

/* Flow-mod. */
struct of_flow_mod {
    struct of_flow flow; /* Match, settings and actions. */
    enum of_flow_cmd command;
    uint32_t buffer_id;  /* UINT32_MAX: none. */
    uint64_t new_cookie; /* Modify: UINT64_MAX keeps the cookie. */
};

/* Encodes FM in PROTOCOL into B (which it clears).  Returns 0 or the
 * error that makes it impossible (OFPBIC_UNSUP_INST, ...). */
enum of_err of_flow_mod_encode(const struct of_flow_mod *, enum of_protocol,
                               uint32_t xid, struct buf *);

/* Decodes a flow-mod (OFPT_FLOW_MOD in any version, NXT_FLOW_MOD).
 * TABLE_ID_EXT tells whether the connection enabled flow_mod_table_id
 * (OpenFlow 1.0: the command's high byte is then the table).  The actions
 * are checked against the match.  Returns 0 and fills *FM (which the
 * caller destroys with of_flow_destroy(&fm->flow)), or the error for the
 * sender; *FM is then left destroyed-safe (empty). */
enum of_err of_flow_mod_decode(const struct of_msg *, bool table_id_ext,
                               struct of_flow_mod *);

/* Appends the body of FM, received in VERSION, as "ovs-ofctl ofp-print"
 * shows a flow-mod after the message header: "ADD table:2 priority=3,ip
 * cookie:0x55 idle:5 send_flow_rem actions=output:1". */
void of_flow_mod_format(const struct of_flow_mod *, uint8_t version,
                        struct buf *);

/* Messages switching a 1.0 connection to PROTOCOL: NXT_SET_FLOW_FORMAT
 * and NXT_FLOW_MOD_TABLE_ID bodies. */
void of_set_flow_format_encode(bool nxm, uint32_t xid, struct buf *);
void of_flow_mod_table_id_encode(bool enable, uint32_t xid, struct buf *);
enum of_err of_set_flow_format_decode(const struct of_msg *, bool *nxm);
enum of_err of_flow_mod_table_id_decode(const struct of_msg *, bool *enable);

/* Flow and aggregate statistics requests. */
struct of_flow_stats_request {
    bool aggregate;
    struct of_match match;
    uint8_t table_id;   /* OF_TABLE_ALL: all. */
    uint16_t out_port;  /* OF_PORT_NONE: any. */
    uint32_t out_group; /* OF_GROUP_ANY: any. */
    uint64_t cookie, cookie_mask;
};

enum of_err of_flow_stats_request_encode(const struct of_flow_stats_request *,
                                         enum of_protocol, uint32_t xid,
                                         struct buf *);
enum of_err of_flow_stats_request_decode(const struct of_msg *,
                                         struct of_flow_stats_request *);

/* One flow of a flow stats reply. */
struct of_flow_stats_entry {
    struct of_flow flow; /* Match, table, priority, cookie, timeouts, flags,
                          * importance, actions. */
    struct of_flow_stats stats; /* Counters and ages (flow-text.h). */
};

/* Appends the flows of a flow stats reply in VERSION (Nicira form if
 * NXM) to B, which holds a reply started with of_msg_start(). */
void of_flow_stats_reply_append(const struct of_flow_stats_entry *,
                                uint8_t version, bool nxm, struct buf *);

/* Decodes every flow of a flow stats reply message into a new array
 * *FLOWS of *N_FLOWS (caller frees each with of_flow_destroy() and the
 * array with free()). */
enum of_err of_flow_stats_reply_decode(const struct of_msg *,
                                       struct of_flow_stats_entry **flows,
                                       size_t *n_flows);

/* Aggregate reply. */
struct of_aggregate_stats {
    uint64_t packet_count;
    uint64_t byte_count;
    uint32_t flow_count;
};
void of_aggregate_reply_encode(const struct of_aggregate_stats *,
                               const struct of_msg *request, struct buf *);
enum of_err of_aggregate_reply_decode(const struct of_msg *,
                                      struct of_aggregate_stats *);
/* "packet_count=N byte_count=N flow_count=N", as ovs-ofctl prints it. */
void of_aggregate_format(const struct of_aggregate_stats *, struct buf *);

/* Flow removed. */
enum of_flow_removed_reason {
    OF_RR_IDLE_TIMEOUT,
    OF_RR_HARD_TIMEOUT,
    OF_RR_DELETE,
    OF_RR_GROUP_DELETE,
    OF_RR_METER_DELETE,
    OF_RR_EVICTION,
};
struct of_flow_removed {
    struct of_match match;
    uint64_t cookie;
    uint16_t priority;
    uint8_t reason; /* enum of_flow_removed_reason. */
    uint8_t table_id;
    uint32_t duration_sec, duration_nsec;
    uint16_t idle_timeout, hard_timeout;
    uint64_t packet_count, byte_count;
};
void of_flow_removed_encode(const struct of_flow_removed *, enum of_protocol,
                            struct buf *);
enum of_err of_flow_removed_decode(const struct of_msg *,
                                   struct of_flow_removed *);
/* The body as "ovs-ofctl monitor" prints it after the message name:
 * "priority=... reason=idle table_id=0 duration... */
void of_flow_removed_format(const struct of_flow_removed *, struct buf *);

#endif /* NICFLOW_OFCTL_OFP_FLOW_H */
