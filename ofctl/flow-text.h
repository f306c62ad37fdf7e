/* flow-text.h: a flow as ovs-ofctl writes it, parsed and printed.
 *
 * of_flow_parse() accepts what "ovs-ofctl add-flow", "add-flows",
 * "mod-flows" and "del-flows" accept: flow-mod settings (table, priority,
 * cookie, timeouts, flags, out_port, out_group), match fields and
 * shorthands in any order, then "actions=" and the actions, last.  Like
 * ovs-ofctl it silently drops match fields whose prerequisites the match
 * does not meet ("tp_dst=80" without "tcp"), and reports that as a notice
 * rather than an error; what the switch would reject outright (conntrack
 * tuple fields without a valid ct_state, actions inconsistent with the
 * match) is an error.
 *
 * of_flow_format() prints a flow exactly as "ovs-ofctl dump-flows" does
 * with its default protocol (with or without --no-stats). */
#ifndef NICFLOW_OFCTL_FLOW_TEXT_H
#define NICFLOW_OFCTL_FLOW_TEXT_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/actions.h"
#include "ofctl/match.h"

/* Which ovs-ofctl command the text is for: it decides what is required
 * (actions for add and modify), what is allowed (a cookie mask, out_port
 * and out_group only for modify and delete) and the defaults (table 0 for
 * add, all tables otherwise). */
enum of_flow_cmd {
    OF_FLOW_ADD,
    OF_FLOW_MODIFY,
    OF_FLOW_MODIFY_STRICT,
    OF_FLOW_DELETE,
    OF_FLOW_DELETE_STRICT,
};

/* Flow-mod flags (OpenFlow 1.3+ OFPFF_*). */
#define OF_FLOW_SEND_FLOW_REM 0x01
#define OF_FLOW_CHECK_OVERLAP 0x02
#define OF_FLOW_RESET_COUNTS 0x04
#define OF_FLOW_NO_PKT_COUNTS 0x08
#define OF_FLOW_NO_BYT_COUNTS 0x10

#define OF_TABLE_ALL 255 /* table_id of modify/delete without table=. */

struct of_flow {
    struct of_match match;
    uint16_t priority;     /* OF_DEFAULT_PRIORITY unless given. */
    uint8_t table_id;      /* 0 for add, OF_TABLE_ALL for mod/del. */
    uint8_t flags;         /* OF_FLOW_*. */
    uint64_t cookie;       /* Host byte order. */
    uint64_t cookie_mask;  /* Modify/delete only; 0: any cookie. */
    uint16_t idle_timeout; /* Seconds, 0: none. */
    uint16_t hard_timeout;
    uint16_t importance;
    uint16_t out_port;  /* OF_PORT_NONE: any. */
    uint32_t out_group; /* OF_GROUP_ANY: any. */
    bool has_actions;   /* "actions=" was given. */
    bool nxm_only;      /* Written with a masked vlan_tci or vlan_vid,
                         * which ovs-ofctl never sends as an OpenFlow 1.0
                         * ofp10_match even when the result would fit;
                         * not part of the flow's identity. */
    struct of_acts acts;
};

#define OF_GROUP_ANY 0xffffffffu

void of_flow_init(struct of_flow *, enum of_flow_cmd);
void of_flow_destroy(struct of_flow *);

/* True if A and B are the same flow (match, settings, actions). */
bool of_flow_equal(const struct of_flow *, const struct of_flow *);

/* Parses S into FLOW (which it initialises).  Returns NULL on success,
 * else an error message (caller frees) that names the keyword or action
 * at fault, its character offset in S and why, e.g.
 *   "tp_dst (offset 4): abc: bad syntax for tcp_dst value"
 * and, if ERR_OFS is nonnull, stores that offset there.  On success, if
 * NOTICE is nonnull, stores in it NULL or a message (caller frees) saying
 * which fields were dropped for unmet prerequisites. */
char *of_flow_parse(struct of_flow *, const char *s, enum of_flow_cmd,
                    size_t *err_ofs, char **notice);

/* Statistics printed by dump-flows without --no-stats. */
struct of_flow_stats {
    uint32_t duration_sec;
    uint32_t duration_nsec;
    uint64_t n_packets;
    uint64_t n_bytes;
    int idle_age; /* Seconds, or -1 if unknown. */
    int hard_age; /* Seconds, or -1 if not shown. */
};

/* Print options. */
#define OF_FLOW_FMT_OF11 \
    0x02 /* Actions in the OpenFlow 1.1+ view
                               * (of_acts_format_view()). */
#define OF_FLOW_FMT_FLAGS \
    0x01 /* Show flow-mod flags and importance, as
                                * OpenFlow 1.3+ (1.4+) dumps do. */

/* Appends FLOW as one line of "ovs-ofctl dump-flows" output without the
 * leading space: with STATS, or as with --no-stats if STATS is NULL. */
void of_flow_format(const struct of_flow *, const struct of_flow_stats *,
                    unsigned options, struct buf *);
char *of_flow_to_string(const struct of_flow *, unsigned options);

/* Reading flow files (add-flows): returns the next non-blank logical line
 * of the text at *POS in LINE, with "#" comments removed and lines ending
 * in a backslash joined to the next, and advances *POS and *LINE_NO.
 * Returns false at the end of the text. */
bool of_flow_next_line(const char **pos, struct buf *line, int *line_no);

#endif /* NICFLOW_OFCTL_FLOW_TEXT_H */
