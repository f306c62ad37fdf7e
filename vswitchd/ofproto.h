/* ofproto.h: one bridge's OpenFlow switch — its flow tables, groups,
 * meters, ports as OpenFlow sees them, and its OpenFlow connections.
 *
 * An ofproto knows nothing about datapaths or packets on the wire.  The
 * bridge layer (bridge.c) creates one per Bridge row, adds and removes its
 * ports, and gives it the callbacks in struct ofproto_ops for what needs a
 * datapath (packet-out).  The translation layer (xlate.c) reads the tables
 * through ofproto_lookup() and friends and credits statistics back.
 *
 * Threading: everything here runs on nicflowd's main thread (the event
 * loop); nothing in this interface is thread-safe.
 *
 * Port numbers are OpenFlow 1.0-style 16-bit numbers (OF_PORT_* in
 * ofctl/match.h for the reserved ones); OpenFlow 1.1+ connections see them
 * widened on the wire by the ofctl codec. */
#ifndef NICFLOW_VSWITCHD_OFPROTO_H
#define NICFLOW_VSWITCHD_OFPROTO_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/flow.h"
#include "lib/packet.h"
#include "ofctl/actions.h"
#include "ofctl/flow-text.h"
#include "ofctl/match.h"
#include "ofctl/ofp-group.h"
#include "ofctl/ofp-meter.h"
#include "ofctl/ofp-switch.h"
#include "vswitchd/ofproto-minimatch.h"

struct evloop;
struct ofproto;

/* The key of a packet as the OpenFlow pipeline sees it, and (same layout)
 * a mask over it.  FLOW.in_port holds the OpenFlow port number. */
struct ofproto_key {
    struct flow flow;
    struct of_meta meta;
};

/* How a bridge behaves when no controller is connected. */
enum ofproto_fail_mode {
    OFPROTO_FAIL_STANDALONE, /* Default: behaves like a learning switch. */
    OFPROTO_FAIL_SECURE,     /* Keeps to its flow tables. */
};

/* Callbacks into the bridge layer. */
struct ofproto_ops {
    /* Runs ACTS on the LEN-byte frame PKT as if it had arrived on IN_PORT
     * (OF_PORT_CONTROLLER or OF_PORT_NONE for "no port"), for packet-out.
     * Returns 0 or a positive errno with a message in *ERRP (caller
     * frees), which the connection turns into an OpenFlow error. */
    int (*packet_out)(void *aux, uint16_t in_port, const struct of_acts *acts,
                      const void *pkt, size_t len, char **errp);

    /* Optional (may be NULL): a controller's port-mod changed port
     * OFP_PORT's OFPPC_* config bits from OLD_CONFIG to NEW_CONFIG (the
     * bridge may bring the interface down for OFPPC_PORT_DOWN, say).  The
     * new bits are already visible through ofproto_port_find(). */
    void (*port_mod)(void *aux, uint16_t ofp_port, uint32_t old_config,
                     uint32_t new_config);

    /* Optional: the datapath side of meters.  Called once a transaction
     * that added or changed (MM) or deleted (MM NULL) OpenFlow meter
     * METER_ID has committed, with the datapath meter that carried it
     * (UINT32_MAX for a new meter); returns the datapath meter that
     * carries it now, or UINT32_MAX if none does (its flows then forward
     * unmetered).  Replacing a datapath meter starts its counters at
     * zero: ofproto keeps what they said before (meter_stats). */
    uint32_t (*meter_set)(void *aux, uint32_t meter_id, uint32_t dp_meter,
                          const struct of_meter *mm);
    /* Optional: adds what datapath meter DP_METER counted since it was
     * last set to *STATS (packet_in_count, byte_in_count, bands[]). */
    void (*meter_stats)(void *aux, uint32_t dp_meter,
                        struct of_meter_stats *stats);
};

/* ---------------------------------------------------------------------
 * Lifecycle.
 * --------------------------------------------------------------------- */

/* Creates the OpenFlow switch of bridge NAME with datapath id DPID.  It
 * listens at once on "punix:<rundir>/NAME.mgmt" (the management socket
 * that ovs-ofctl NAME finds), registered with LOOP.  OPS and AUX are kept.
 * Returns 0 or a positive errno with a message in *ERRP. */
int ofproto_create(const char *name, uint64_t dpid, struct evloop *loop,
                   const struct ofproto_ops *ops, void *aux,
                   struct ofproto **ofprotop, char **errp);
/* Closes every connection, removes the management socket and frees
 * everything. */
void ofproto_destroy(struct ofproto *);

const char *ofproto_name(const struct ofproto *);
void ofproto_set_dpid(struct ofproto *, uint64_t dpid);
uint64_t ofproto_get_dpid(const struct ofproto *);
void ofproto_set_fail_mode(struct ofproto *, enum ofproto_fail_mode);
enum ofproto_fail_mode ofproto_get_fail_mode(const struct ofproto *);
/* How IP fragments are handled, as a controller set it with set-config:
 * OF_CONFIG_FRAG_NORMAL, _DROP or _NX_MATCH (ofctl/ofp-switch.h). */
uint16_t ofproto_get_frag_handling(const struct ofproto *);

/* Periodic work: expires flows past their idle or hard timeout (sending
 * flow-removed where asked), echo and inactivity probes, reconnects.
 * NOW_MS is monotonic milliseconds.  Returns the time (ms) by which it
 * wants to run again. */
long long ofproto_run(struct ofproto *, long long now_ms);

/* Bumped whenever anything that can change a translation changes: flows,
 * groups, meters, ports, their configuration, fail mode.  Translations
 * made at an older generation must be redone. */
uint64_t ofproto_generation(const struct ofproto *);

/* ---------------------------------------------------------------------
 * Ports.
 * --------------------------------------------------------------------- */

struct ofproto_port {
    uint16_t ofp_port; /* OpenFlow port number (1..0xfeff, or LOCAL). */
    char name[16];
    struct eth_addr hw_addr;
    uint32_t config;     /* OFPPC_* (port_down, no_recv, no_fwd, ...). */
    uint32_t state;      /* OFPPS_* (link_down, ...). */
    uint32_t curr;       /* OFPPF_* current features. */
    uint32_t curr_speed; /* kbps. */
    uint32_t max_speed;
};

/* Adds PORT (copied); sends port-status "add" to connected controllers.
 * EEXIST if the number or the name is taken. */
int ofproto_port_add(struct ofproto *, const struct ofproto_port *port);
/* Replaces the port with the same number's description (state changes,
 * say) and sends port-status "modify" if anything changed. */
int ofproto_port_modify(struct ofproto *, const struct ofproto_port *port);
/* Removes port OFP_PORT and sends port-status "delete".  Flows that match
 * on it or output to it stay, as in Open vSwitch.  ENOENT if there is no
 * such port. */
int ofproto_port_del(struct ofproto *, uint16_t ofp_port);
const struct ofproto_port *ofproto_port_find(const struct ofproto *,
                                             uint16_t ofp_port);
const struct ofproto_port *ofproto_port_find_by_name(const struct ofproto *,
                                                     const char *name);
/* Calls CB for every port in number order. */
void ofproto_port_for_each(const struct ofproto *,
                           void (*cb)(const struct ofproto_port *, void *aux),
                           void *aux);
/* Per-port counters a controller sees in port-stats; the bridge layer
 * supplies them on demand. */
struct ofproto_port_stats {
    uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
    uint64_t rx_dropped, tx_dropped, rx_errors, tx_errors;
};
/* CB gets the AUX given to ofproto_create() and returns false if it has
 * no counters for the port (all zeros are then reported). */
void ofproto_set_port_stats_cb(struct ofproto *,
                               bool (*cb)(void *aux, uint16_t ofp_port,
                                          struct ofproto_port_stats *));
/* Fills *STATS through the callback (zeros if there is none, or it has
 * nothing for the port; then returns false). */
bool ofproto_get_port_stats(const struct ofproto *, uint16_t ofp_port,
                            struct ofproto_port_stats *stats);

/* ---------------------------------------------------------------------
 * Flows.
 * --------------------------------------------------------------------- */

/* A flow entry.  Read-only for callers. */
struct ofproto_rule {
    uint8_t table_id;
    uint16_t priority;
    uint16_t flags;        /* OF_FLOW_* (send_flow_rem, ...). */
    uint16_t idle_timeout; /* Seconds, 0 = none. */
    uint16_t hard_timeout;
    uint16_t importance;
    uint64_t cookie;
    /* The match, compactly: ofproto_rule_get_match() expands it. */
    struct ofproto_minimatch mm;
    struct of_acts acts;
    long long created_ms; /* Monotonic. */
    long long used_ms;    /* Last packet (or created_ms). */
    uint64_t n_packets, n_bytes;
};

/* Applies a flow-mod (add, modify, modify-strict, delete, delete-strict)
 * with OpenFlow semantics: an add replaces a rule with the same match and
 * priority (keeping its counters unless OF_FLOW_RESET_COUNTS), fails with
 * OFPFMFC_OVERLAP for OF_FLOW_CHECK_OVERLAP; modifies keep counters and
 * timeouts; deletes honour out_port/out_group and the cookie mask, and
 * send flow-removed for rules with OF_FLOW_SEND_FLOW_REM.  The table id
 * must be below 255 for an add.  Returns 0 or an OpenFlow error code
 * (enum of_err from ofctl/ofp-errors.h) with a message in *ERRP.
 *
 * Details, as in Open vSwitch: a modify keeps the cookies of the rules it
 * changes and adds nothing when it selects no rule (ofproto_flow_mod_ext()
 * gives OpenFlow 1.0's new-cookie semantics); the add of a rule that
 * already exists keeps its creation time only through the counters; a
 * flow whose actions use a group or meter that does not exist is refused
 * (OFPBAC_BAD_OUT_GROUP, OFPMMFC_UNKNOWN_METER), as is a goto_table that
 * does not go forward (OFPBIC_BAD_TABLE_ID) and a tun_metadata field the
 * bridge's TLV table does not map (NXFMFC_INVALID_TLV_FIELD; mapped ones
 * take the mapping's length: ofproto-tlv.h).  Table 254 is accepted
 * here (the bridge's own flows) but refused to controllers (OFPBRC_EPERM),
 * which see 254 tables. */
int ofproto_flow_mod(struct ofproto *, const struct of_flow *fm,
                     enum of_flow_cmd cmd, char **errp);
/* The same with NEW_COOKIE for modifies: UINT64_MAX keeps each rule's
 * cookie; any other value replaces it and, when the modify selects no
 * rule and has no cookie mask, makes it add the flow with that cookie
 * (what OpenFlow 1.0 modify messages mean). */
int ofproto_flow_mod_ext(struct ofproto *, const struct of_flow *fm,
                         enum of_flow_cmd cmd, uint64_t new_cookie,
                         char **errp);

/* Applies a flow learned by a learn action (F: a modify-strict of one
 * table with the learn's cookie): adds it, or changes the rule with the
 * same match and priority, or, when that rule already has F's cookie and
 * actions, only starts its hard timeout again (the table's generation
 * then stays).  Refused while a bundle is being applied.  Returns 0 or an
 * OpenFlow error code with a message in *ERRP. */
int ofproto_flow_learn(struct ofproto *, const struct of_flow *f, char **errp);

/* Looks KEY up in table TABLE_ID (0..254) and returns the highest-priority
 * matching rule, or NULL (a table miss).  ORs into *WC every bit of the key
 * that the lookup depended on, so that every packet agreeing with KEY on
 * the bits of *WC gets the same answer — the basis of the megaflow mask.
 * Does not count the lookup against the rule (see ofproto_rule_credit). */
const struct ofproto_rule *ofproto_lookup(struct ofproto *, uint8_t table_id,
                                          const struct ofproto_key *key,
                                          struct ofproto_key *wc);

/* Adds N_PACKETS/N_BYTES to RULE's counters and moves its used time to
 * USED_MS if later (revalidators credit datapath statistics this way).
 * RULE may have left its table, and its bridge may be gone: the caller
 * only needs a reference to it (ofproto_rule_ref). */
void ofproto_rule_credit(const struct ofproto_rule *rule, uint64_t n_packets,
                         uint64_t n_bytes, long long used_ms);

/* Keeps RULE's memory alive after a flow-mod or the bridge's removal takes
 * it out of its table, for a holder that credits it later (a datapath
 * flow's ukey).  Every ofproto_rule_ref() needs one ofproto_rule_unref().
 * Main thread only. */
void ofproto_rule_ref(const struct ofproto_rule *rule);
void ofproto_rule_unref(const struct ofproto_rule *rule);

/* Writes RULE's match into *M (a rule keeps it compactly: this expands
 * it, about 2 kB, so callers that only need to know whether it is the
 * catch-all use ofproto_minimatch_is_catchall(&RULE->mm)). */
void ofproto_rule_get_match(const struct ofproto_rule *rule,
                            struct of_match *m);

/* Number of rules in all tables. */
size_t ofproto_n_rules(const struct ofproto *);

/* Calls CB for each rule of table TABLE_ID (OF_TABLE_ALL: every table) in
 * table, then priority (highest first) order. */
void ofproto_rule_for_each(const struct ofproto *, uint8_t table_id,
                           void (*cb)(const struct ofproto_rule *, void *aux),
                           void *aux);

/* ---------------------------------------------------------------------
 * Groups and meters.
 * --------------------------------------------------------------------- */

/* Applies a group-mod; returns 0 or an OpenFlow error code with *ERRP. */
int ofproto_group_mod(struct ofproto *, const struct of_group *gm,
                      char **errp);
/* The group with id GROUP_ID (its type and buckets), or NULL. */
const struct of_group *ofproto_group_find(const struct ofproto *,
                                          uint32_t group_id);
/* Applies a meter-mod (add, modify, delete; deleting a meter deletes the
 * flows that use it, as in Open vSwitch).  Returns 0 or an OpenFlow error
 * code (OFPMMFC_METER_EXISTS, OFPMMFC_UNKNOWN_METER, OFPMMFC_INVALID_METER,
 * OFPMMFC_BAD_FLAGS, OFPMMFC_BAD_BAND, OFPMMFC_OUT_OF_BANDS) with *ERRP. */
int ofproto_meter_mod(struct ofproto *, const struct of_meter *mm,
                      char **errp);
/* The datapath meter that carries OpenFlow meter METER_ID (see
 * ofproto_ops.meter_set), or UINT32_MAX if none does. */
uint32_t ofproto_meter_dp_id(const struct ofproto *, uint32_t meter_id);
/* Fills *STATS with meter METER_ID's counters (all zero for an unknown
 * id): what ofproto kept plus what its datapath meter counts now. */
void ofproto_meter_get_stats(const struct ofproto *, uint32_t meter_id,
                             struct of_meter_stats *stats);

/* The meter with id METER_ID, or NULL. */
const struct of_meter *ofproto_meter_find(const struct ofproto *,
                                          uint32_t meter_id);
/* Counts a packet through GROUP_ID's bucket BUCKET_INDEX. */
void ofproto_group_credit(struct ofproto *, uint32_t group_id,
                          size_t bucket_index, uint64_t n_packets,
                          uint64_t n_bytes);

/* ---------------------------------------------------------------------
 * Flow table limits and eviction.
 * --------------------------------------------------------------------- */

/* Settings of one flow table, as Open vSwitch's Flow_Table rows give
 * them. */
struct ofproto_table_settings {
    const char *name;       /* Reported in table statistics and features;
                             * NULL for none. */
    unsigned int max_flows; /* flow_limit; UINT_MAX for none. */
    bool evict;             /* overflow_policy=evict (else refuse). */
    /* Eviction groups (Flow_Table "groups"): flows are grouped by the
     * values of these subfields and the largest group gives up a flow
     * first; none makes the whole table one group. */
    const struct of_subfield *groups;
    size_t n_groups;
};
/* Applies SETTINGS to table TABLE_ID (0-253; others are ignored).  A
 * table over its new limit keeps its flows when it does not evict (new
 * flows are refused), and evicts down to the limit when it does, as Open
 * vSwitch.  A flow is evictable only if it has an idle or hard timeout;
 * the one with the lowest importance goes first, then the one that would
 * expire soonest.  Evicted flows get flow-removed messages with reason
 * "eviction" (sent to connections whose asynchronous configuration asks
 * for it: OpenFlow 1.4+ by default).  Returns how many flows were
 * evicted. */
size_t ofproto_configure_table(struct ofproto *, uint8_t table_id,
                               const struct ofproto_table_settings *);

/* ---------------------------------------------------------------------
 * Controllers.
 * --------------------------------------------------------------------- */

/* A controller target and its settings (a Controller row). */
/* The kind of connection a controller target makes (the Controller
 * table's "type" column), as in Open vSwitch. */
enum ofproto_controller_type {
    /* By the target, as Open vSwitch chooses when the column is empty:
     * active targets (tcp:, ssl:, unix:) primary, passive ones (ptcp:,
     * pssl:, punix:) service. */
    OFPROTO_CTRL_DEFAULT,
    /* A controller: asynchronous messages from the start, counted for the
     * bridge's fail mode. */
    OFPROTO_CTRL_PRIMARY,
    /* Occasional support and maintenance (ovs-ofctl): no asynchronous
     * messages until it sets a miss_send_len or sends a set-async; not
     * counted for the fail mode. */
    OFPROTO_CTRL_SERVICE,
};

struct ofproto_controller {
    const char *target;
    enum ofproto_controller_type type;
    /* Packet-in rate limit (controller_rate_limit): at most RATE_LIMIT
     * packet-ins per second, in bursts of at most BURST_LIMIT
     * (controller_burst_limit; 0: RATE_LIMIT / 4, at least 1), for table
     * misses and as many again for the other packet-ins, on each
     * connection of the target; what exceeds them waits in per-port
     * queues of BURST_LIMIT packets (the oldest packet of the longest
     * queue dropped when they are full) and goes out as the rate allows,
     * the ports served in turn (connmgr-pinsched.h).  0: no limit. */
    unsigned int rate_limit;
    unsigned int burst_limit;
};

/* Sets the bridge's controller targets ("tcp:IP[:PORT]", "ssl:...",
 * "unix:PATH" to connect to; "ptcp:[PORT][:IP]", "pssl:...", "punix:PATH"
 * to listen on) and their settings, replacing the previous set:
 * connections to targets still present are kept, and take the new rate
 * limits at once (removing a limit sends what it had queued).  The
 * management socket is not in this list and always stays.  Returns 0, or
 * a positive errno and a message naming the bad target (the good ones are
 * still applied). */
int ofproto_set_controllers(struct ofproto *,
                            const struct ofproto_controller *controllers,
                            size_t n, char **errp);
/* True if controller C makes primary connections (not service ones): its
 * type says so, or it has none and its target is an active one. */
bool ofproto_controller_is_primary(const struct ofproto_controller *c);

/* True if at least one primary controller connection (not a service
 * connection: see enum ofproto_controller_type) is connected with a role
 * other than secondary. */
bool ofproto_has_controller(const struct ofproto *);

/* What the Controller table reports about one controller target. */
struct ofproto_controller_info {
    bool is_connected; /* A connection of the target is past its hello. */
    enum of_role role; /* That connection's role (the first one's, for a
                        * passive target); OF_ROLE_NOCHANGE when none. */
    /* Connection state as Open vSwitch names it: "ACTIVE" (connected),
     * "CONNECTING" (waiting for the hello), "BACKOFF" (waiting to
     * reconnect); NULL for a passive target without connections.  A
     * static string. */
    const char *state;
    /* Whether the target has a packet-in rate limit; if so, the counters
     * of its two schedulers (see struct pinsched_stats), summed over the
     * target's connections (all zero while it has none): Open vSwitch's
     * status keys packet-in-{miss,action}-{backlog,bypassed,queued,
     * dropped}. */
    bool rate_limited;
    struct ofproto_pin_stats {
        uint64_t backlog;  /* Queued now. */
        uint64_t bypassed; /* Sent at once. */
        uint64_t queued;   /* Queued (then sent, dropped, or still there). */
        uint64_t dropped;  /* Dropped from a full queue. */
    } pin_miss, pin_action;
};
/* Fills *INFO for TARGET, one of the targets given to
 * ofproto_set_controllers().  Returns false if TARGET is not one. */
bool ofproto_get_controller_info(const struct ofproto *, const char *target,
                                 struct ofproto_controller_info *info);
/* True if the bridge is in "fail-open" mode, as Open vSwitch names it: it
 * is standalone, has active controller targets, and none has been
 * connected for three inactivity probe intervals.  Every packet then
 * goes to NORMAL ahead of the flow tables, as if a flow above every
 * priority said so, until a controller connects.  The generation moves
 * when this changes. */
bool ofproto_is_fail_open(const struct ofproto *);
/* True if some connection wants packet-ins for lookups that match no
 * flow (OFPROTO_PIN_IMPLICIT_MISS): an OpenFlow 1.0-1.2 connection that
 * takes packet-ins.  Translation sends such misses to userspace only
 * then; the generation moves when the answer changes. */
bool ofproto_wants_implicit_miss(const struct ofproto *);
/* Changes whenever the answer of ofproto_get_controller_info() may have
 * changed for some target (a connection came, went or changed role, a
 * rate limiter counted a packet-in), so that the bridge writes the
 * Controller rows only then. */
uint64_t ofproto_controller_seqno(const struct ofproto *);

/* Why a packet goes to the controller. */
enum ofproto_packet_in_reason {
    OFPROTO_PIN_NO_MATCH,    /* Table miss. */
    OFPROTO_PIN_ACTION,      /* output:CONTROLLER / controller(...). */
    OFPROTO_PIN_INVALID_TTL, /* dec_ttl reached 0. */
    /* output:CONTROLLER among the actions of a table-miss flow (priority
     * 0, matching everything): OpenFlow 1.3 defines the table miss as that
     * flow, so 1.3+ connections see OFPR_NO_MATCH, older ones
     * OFPR_ACTION, as from Open vSwitch. */
    OFPROTO_PIN_EXPLICIT_MISS,
    /* A lookup that matched no flow at all.  Before OpenFlow 1.3 a table
     * miss goes to the controller, so 1.0-1.2 connections get it as
     * OFPR_NO_MATCH; 1.3+ ones, whose default table miss is a drop, get
     * nothing (Open vSwitch's default table-miss configuration). */
    OFPROTO_PIN_IMPLICIT_MISS,
};

/* Sends a packet-in for the LEN-byte frame PKT with pipeline state KEY
 * (in_port, metadata, registers, tunnel: sent as the packet-in match) to
 * every connection that wants REASON (asynchronous config), cut to MAX_LEN
 * bytes (0xffff: whole; OpenFlow buffers are not kept), with TABLE_ID and
 * COOKIE of the rule that sent it and USERDATA from controller(...).  A
 * connection whose target has a rate limit may queue it or drop it (see
 * struct ofproto_controller). */
void ofproto_send_packet_in(struct ofproto *,
                            enum ofproto_packet_in_reason reason,
                            uint8_t table_id, uint64_t cookie,
                            const struct ofproto_key *key, const void *pkt,
                            size_t len, uint16_t max_len, const void *userdata,
                            size_t userdata_len);

#endif /* ofproto.h */
