/* ofp-print.c: any OpenFlow message printed as "ovs-ofctl ofp-print",
 * "snoop" and "monitor" show it — the header line, then the body as the
 * message's own family prints it. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ofctl/ofp-bundle.h"
#include "ofctl/ofp-flow.h"
#include "ofctl/ofp-group.h"
#include "ofctl/ofp-meter.h"
#include "ofctl/ofp-monitor.h"
#include "ofctl/ofp-packet.h"
#include "ofctl/ofp-port.h"
#include "ofctl/ofp-print.h"
#include "ofctl/ofp-switch.h"
#include "ofctl/ofp-table.h"
#include "ofctl/ofp-tlv.h"

/* Flow messages: flow-mods, flow removed, flow and aggregate stats. */
static enum of_err
format_flow_msg(const struct of_msg *m, struct buf *b)
{
    enum of_err err;

    switch (m->type) {
    case OF_T_FLOW_MOD:
    case OF_T_NXT_FLOW_MOD: {
        struct of_flow_mod fm;
        /* A printer does not know whether the connection enabled table
         * ids; accept them, as ovs-ofctl's printer does. */
        err = of_flow_mod_decode(m, true, &fm);
        if (!err) {
            buf_put_char(b, ' ');
            of_flow_mod_format(&fm, m->version, b);
            of_flow_destroy(&fm.flow);
        }
        return err;
    }
    case OF_T_FLOW_REMOVED:
    case OF_T_NXT_FLOW_REMOVED: {
        struct of_flow_removed r;
        err = of_flow_removed_decode(m, &r);
        if (!err) {
            buf_put_char(b, ' ');
            of_flow_removed_format(&r, b);
        }
        return err;
    }
    case OF_T_FLOW_STATS_REQUEST:
    case OF_T_AGGREGATE_REQUEST:
    case OF_T_NXST_FLOW_REQUEST:
    case OF_T_NXST_AGGREGATE_REQUEST: {
        struct of_flow_stats_request r;
        err = of_flow_stats_request_decode(m, &r);
        if (!err) {
            if (r.table_id != OF_TABLE_ALL) {
                buf_printf(b, " table_id=%u", r.table_id);
            }
            if (r.out_port != OF_PORT_NONE) {
                buf_put_cstr(b, " out_port=");
                of_port_format(b, r.out_port);
            }
            buf_put_char(b, ' ');
            of_match_format(&r.match, OF_DEFAULT_PRIORITY, b);
        }
        return err;
    }
    case OF_T_FLOW_STATS_REPLY:
    case OF_T_NXST_FLOW_REPLY: {
        struct of_flow_stats_entry *e;
        size_t n;
        unsigned opts =
            m->version >= OF_V13 ? OF_FLOW_FMT_FLAGS | OF_FLOW_FMT_OF11 : 0;
        err = of_flow_stats_reply_decode(m, &e, &n);
        for (size_t i = 0; !err && i < n; i++) {
            buf_put_cstr(b, "\n ");
            of_flow_format(&e[i].flow, &e[i].stats, opts, b);
            of_flow_destroy(&e[i].flow);
        }
        if (!err) {
            free(e);
        }
        return err;
    }
    case OF_T_AGGREGATE_REPLY:
    case OF_T_NXST_AGGREGATE_REPLY: {
        struct of_aggregate_stats a;
        err = of_aggregate_reply_decode(m, &a);
        if (!err) {
            buf_put_char(b, ' ');
            of_aggregate_format(&a, b);
        }
        return err;
    }
    default:
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
}

/* Messages with no body worth printing, or whose body is just bytes. */
static enum of_err
format_simple_msg(const struct of_msg *m, struct buf *b)
{
    switch (m->type) {
    case OF_T_HELLO: {
        uint32_t bitmap = of_hello_decode(m);
        buf_put_cstr(b, "\n version bitmap:");
        for (int v = 0; v < 32; v++) {
            if (bitmap & (1u << v)) {
                buf_printf(b, " 0x%02x", v);
            }
        }
        return 0;
    }
    case OF_T_ERROR: {
        enum of_err err;
        uint16_t type, code;
        const uint8_t *data;
        size_t len;
        enum of_err e = of_error_decode(m, &err, &type, &code, &data, &len);
        if (!e) {
            buf_put_char(b, ' ');
            if (err == OF_ERR_UNKNOWN) {
                buf_printf(b, "***decode error: type %u code %u***", type,
                           code);
            } else {
                buf_put_cstr(b, of_err_name(err));
            }
        }
        return e;
    }
    case OF_T_ECHO_REQUEST:
    case OF_T_ECHO_REPLY:
    case OF_T_BARRIER_REQUEST:
    case OF_T_BARRIER_REPLY:
    case OF_T_FEATURES_REQUEST:
    case OF_T_GET_CONFIG_REQUEST:
    case OF_T_GET_ASYNC_REQUEST:
    case OF_T_DESC_REQUEST:
    case OF_T_TABLE_STATS_REQUEST:
    case OF_T_PORT_DESC_REQUEST:
    case OF_T_GROUP_FEATURES_REQUEST:
    case OF_T_METER_FEATURES_REQUEST:
        return 0;
    default:
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
}

/* The switch, port and table printers take their arguments the other way
 * round. */
static enum of_err
format_switch_msg(const struct of_msg *m, struct buf *b)
{
    return of_switch_msg_format(b, m);
}

static enum of_err
format_port_msg(const struct of_msg *m, struct buf *b)
{
    return of_port_msg_format(b, m);
}

static enum of_err
format_table_msg(const struct of_msg *m, struct buf *b)
{
    return of_table_msg_format(b, m);
}

/* The family printers, tried in turn: each answers OFPBRC_BAD_TYPE for a
 * message that is not its own. */
static enum of_err (*const printers[])(const struct of_msg *, struct buf *) = {
    format_simple_msg,    format_flow_msg,     of_monitor_msg_format,
    of_group_msg_format,  of_meter_msg_format, of_packet_msg_format,
    of_bundle_msg_format, format_switch_msg,   format_port_msg,
    format_table_msg,     of_tlv_msg_format,
};

enum of_err
of_msg_format(const struct of_msg *m, struct buf *b)
{
    of_msg_format_header(m, b);
    for (size_t i = 0; i < sizeof printers / sizeof *printers; i++) {
        size_t body = b->len;
        enum of_err err = printers[i](m, b);

        if (err != OF_ERR_OFPBRC_BAD_TYPE) {
            if (err) {
                b->len = body;
                buf_printf(b, " ***decode error: %s***", of_err_name(err));
            }
            return err;
        }
        b->len = body;
    }
    buf_put_cstr(b, " (body not printed)");
    return 0;
}

enum of_err
of_msg_format_raw(const void *data, size_t len, struct buf *b)
{
    struct of_msg m;
    enum of_err err = of_msg_decode(data, len, &m);

    if (err) {
        buf_printf(b, "***decode error: %s***", of_err_name(err));
        return err;
    }
    return of_msg_format(&m, b);
}
