/* ofp-flow-print.c: flow messages as ovs-ofctl prints them — a flow-mod
 * as ofp-print shows it, a flow-removed as monitor shows it, aggregate
 * statistics as dump-aggregate shows them. */
#include <inttypes.h>

#include "ofctl/actions.h"
#include "ofctl/ofp-flow.h"

void
of_aggregate_format(const struct of_aggregate_stats *a, struct buf *b)
{
    buf_printf(b,
               "packet_count=%" PRIu64 " byte_count=%" PRIu64
               " flow_count=%" PRIu32,
               a->packet_count, a->byte_count, a->flow_count);
}

void
of_flow_removed_format(const struct of_flow_removed *r, struct buf *b)
{
    static const char *const reasons[] = {
        "idle", "hard", "delete", "group_delete", "meter_delete", "eviction",
    };

    of_match_format(&r->match, r->priority, b);
    buf_printf(b, " reason=%s", reasons[r->reason]);
    if (r->table_id) {
        buf_printf(b, " table_id=%u", r->table_id);
    }
    if (r->cookie) {
        buf_printf(b, " cookie:0x%" PRIx64, r->cookie);
    }
    buf_printf(b, " duration%" PRIu32 ".%03us", r->duration_sec,
               (unsigned) (r->duration_nsec / 1000000));
    if (r->idle_timeout) {
        buf_printf(b, " idle%u", r->idle_timeout);
    }
    if (r->hard_timeout) {
        buf_printf(b, " hard%u", r->hard_timeout);
    }
    buf_printf(b, " pkts%" PRIu64 " bytes%" PRIu64, r->packet_count,
               r->byte_count);
}

/* ---------------------------------------------------------------------
 * Printing a flow-mod as "ovs-ofctl ofp-print" (snoop, monitor) does.
 * --------------------------------------------------------------------- */

void
of_flow_mod_format(const struct of_flow_mod *fm, uint8_t version,
                   struct buf *b)
{
    static const char *const names[] = {
        [OF_FLOW_ADD] = "ADD",
        [OF_FLOW_MODIFY] = "MOD",
        [OF_FLOW_MODIFY_STRICT] = "MOD_STRICT",
        [OF_FLOW_DELETE] = "DEL",
        [OF_FLOW_DELETE_STRICT] = "DEL_STRICT",
    };
    static const struct {
        uint8_t flag;
        const char *name;
    } flags[] = {
        { OF_FLOW_SEND_FLOW_REM, "send_flow_rem" },
        { OF_FLOW_CHECK_OVERLAP, "check_overlap" },
        { OF_FLOW_RESET_COUNTS, "reset_counts" },
        { OF_FLOW_NO_PKT_COUNTS, "no_packet_counts" },
        { OF_FLOW_NO_BYT_COUNTS, "no_byte_counts" },
    };
    const struct of_flow *f = &fm->flow;
    size_t start;

    buf_put_cstr(b, names[fm->command]);
    if (f->table_id != 0 && f->table_id != OF_TABLE_ALL) {
        buf_printf(b, " table:%u", f->table_id);
    }
    buf_put_char(b, ' ');
    start = b->len;
    of_match_format(&f->match, f->priority, b);
    if (b->len != start) {
        buf_put_char(b, ' ');
    }
    uint64_t new_cookie =
        fm->command == OF_FLOW_ADD ? f->cookie : fm->new_cookie;
    if (new_cookie != 0 && new_cookie != UINT64_MAX) {
        buf_printf(b, "cookie:0x%" PRIx64 " ", new_cookie);
    }
    if (fm->command != OF_FLOW_ADD && f->cookie_mask) {
        buf_printf(b, "cookie:0x%" PRIx64 "/0x%" PRIx64 " ", f->cookie,
                   f->cookie_mask);
    }
    if (f->idle_timeout) {
        buf_printf(b, "idle:%u ", f->idle_timeout);
    }
    if (f->hard_timeout) {
        buf_printf(b, "hard:%u ", f->hard_timeout);
    }
    if (f->importance) {
        buf_printf(b, "importance:%u ", f->importance);
    }
    if (fm->buffer_id != UINT32_MAX) {
        buf_printf(b, "buf:0x%" PRIx32 " ", fm->buffer_id);
    }
    if (f->out_port != OF_PORT_NONE) {
        buf_put_cstr(b, "out_port:");
        of_port_format(b, f->out_port);
        buf_put_char(b, ' ');
    }
    if (f->out_group != OF_GROUP_ANY) {
        buf_printf(b, "out_group:%" PRIu32 " ", f->out_group);
    }
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
        if (f->flags & flags[i].flag) {
            buf_printf(b, "%s ", flags[i].name);
        }
    }
    buf_put_cstr(b, "actions=");
    of_acts_format_view(&f->acts, version, b);
}
