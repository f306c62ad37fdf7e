/* ofp-flow.c: flow-mod, flow stats, aggregate stats and flow-removed
 * messages in OpenFlow 1.0 (standard and Nicira NXM forms), 1.3, 1.4 and
 * 1.5, and the protocol choice ovs-ofctl makes for them. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ofctl/ofp-actions.h"
#include "ofctl/ofp-flow.h"
#include "ofctl/ofp-match.h"

/* Wire constants. */
#define OFPFC_ADD 0
#define OFPFC_MODIFY 1
#define OFPFC_MODIFY_STRICT 2
#define OFPFC_DELETE 3
#define OFPFC_DELETE_STRICT 4

#define OFPFF10_SEND_FLOW_REM 0x1
#define OFPFF10_CHECK_OVERLAP 0x2
#define OFPFF10_EMERG 0x4

#define OFP11_NO_BUFFER 0xffffffffu
#define OFPP11_ANY 0xffffffffu
#define OFPP10_NONE 0xffff

/* OpenFlow 1.5 statistics (OXS) fields. */
#define OXS_CLASS 0x8002u
#define OXS_DURATION 0
#define OXS_IDLE_TIME 1
#define OXS_FLOW_COUNT 3
#define OXS_PACKET_COUNT 4
#define OXS_BYTE_COUNT 5

/* Sizes of the fixed parts of bodies (after the message's own header). */
#define OFP10_FLOW_MOD_LEN 64 /* match 40 + 24 */
#define NX_FLOW_MOD_LEN 32
#define OFP11_FLOW_MOD_LEN 40
#define OFP10_FLOW_STATS_REQ_LEN 44
#define NX_FLOW_STATS_REQ_LEN 8
#define OFP11_FLOW_STATS_REQ_LEN 32
#define OFP10_FLOW_STATS_LEN 88
#define NX_FLOW_STATS_LEN 48
#define OFP11_FLOW_STATS_LEN 48
#define OFP15_FLOW_STATS_LEN 24
#define AGGREGATE_REPLY_LEN 24
#define OFP10_FLOW_REMOVED_LEN 80
#define NX_FLOW_REMOVED_LEN 40
#define OFP11_FLOW_REMOVED_LEN 40
#define OFP15_FLOW_REMOVED_LEN 16

/* ---------------------------------------------------------------------
 * Protocols.
 * --------------------------------------------------------------------- */

static const struct {
    enum of_protocol p;
    uint8_t version;
    const char *name;
} protocols[] = {
    { OF_PROTO_OF10, OF_V10, "OpenFlow10" },
    { OF_PROTO_OF10_TID, OF_V10, "OpenFlow10+table_id" },
    { OF_PROTO_NXM, OF_V10, "NXM" },
    { OF_PROTO_NXM_TID, OF_V10, "NXM+table_id" },
    { OF_PROTO_OF13, OF_V13, "OXM-OpenFlow13" },
    { OF_PROTO_OF14, OF_V14, "OXM-OpenFlow14" },
    { OF_PROTO_OF15, OF_V15, "OXM-OpenFlow15" },
};
#define N_PROTOCOLS (sizeof protocols / sizeof *protocols)

uint8_t
of_protocol_version(enum of_protocol p)
{
    for (size_t i = 0; i < N_PROTOCOLS; i++) {
        if (protocols[i].p == p) {
            return protocols[i].version;
        }
    }
    return 0;
}

unsigned
of_protocols_of_version(uint8_t version)
{
    unsigned set = 0;

    for (size_t i = 0; i < N_PROTOCOLS; i++) {
        if (protocols[i].version == version) {
            set |= protocols[i].p;
        }
    }
    return set;
}

const char *
of_protocol_name(enum of_protocol p)
{
    for (size_t i = 0; i < N_PROTOCOLS; i++) {
        if (protocols[i].p == p) {
            return protocols[i].name;
        }
    }
    return "none";
}

char *
of_protocols_to_string(unsigned set)
{
    struct buf b = BUF_INITIALIZER;

    for (size_t i = 0; i < N_PROTOCOLS; i++) {
        if (set & protocols[i].p) {
            if (b.len) {
                buf_put_char(&b, ',');
            }
            buf_put_cstr(&b, protocols[i].name);
        }
    }
    if (!b.len) {
        buf_put_cstr(&b, "none");
    }
    return buf_steal_cstr(&b);
}

static bool
is_nxm(enum of_protocol p)
{
    return p == OF_PROTO_NXM || p == OF_PROTO_NXM_TID;
}

static bool
has_tid(enum of_protocol p)
{
    return p == OF_PROTO_OF10_TID || p == OF_PROTO_NXM_TID;
}

/* Protocols able to carry MATCH (with a cookie match if COOKIE_MASK). */
static unsigned
usable_for_match(const struct of_flow *f, uint64_t cookie_mask)
{
    unsigned set = OF_PROTO_ANY;

    if (cookie_mask || f->nxm_only || !of_match_fits_ofp10(&f->match)) {
        set &= ~(OF_PROTO_OF10 | OF_PROTO_OF10_TID);
    }
    return set;
}

/* True if OpenFlow 1.0's ofp10_match can match field ID: ovs-ofctl lets
 * set_field write only those in a standard 1.0 flow-mod. */
static bool
of10_matchable(uint16_t id)
{
    static const enum of_field_id fields[] = {
        OF_F_IN_PORT,  OF_F_ETH_SRC,  OF_F_ETH_DST,     OF_F_ETH_TYPE,
        OF_F_VLAN_TCI, OF_F_DL_VLAN,  OF_F_DL_VLAN_PCP, OF_F_VLAN_VID,
        OF_F_VLAN_PCP, OF_F_IPV4_SRC, OF_F_IPV4_DST,    OF_F_IP_PROTO,
        OF_F_NW_TOS,   OF_F_IP_DSCP,  OF_F_TCP_SRC,     OF_F_TCP_DST,
        OF_F_UDP_SRC,  OF_F_UDP_DST,  OF_F_ICMPV4_TYPE, OF_F_ICMPV4_CODE,
        OF_F_ARP_OP,   OF_F_ARP_SPA,  OF_F_ARP_TPA,
    };
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        if (fields[i] == id) {
            return true;
        }
    }
    return false;
}

/* Protocols able to carry the LEN bytes of actions at DATA: meter,
 * clear_actions and write_actions exist only from OpenFlow 1.1 on; like
 * ovs-ofctl, a set_field so spelled (not load: or mod_*) and
 * write_metadata rule out the standard OpenFlow 1.0 flow-mod, nested
 * lists included. */
static unsigned
usable_for_action_list(const void *data, size_t len)
{
    unsigned set = OF_PROTO_ANY;

    OF_ACT_FOR_EACH(a, data, len)
    {
        const struct of_act *nested;
        size_t n_len;

        switch (a->type) {
        case OF_ACT_METER:
        case OF_ACT_CLEAR_ACTIONS:
            set &= OF_PROTO_OF13 | OF_PROTO_OF14 | OF_PROTO_OF15;
            break;
        case OF_ACT_WRITE_ACTIONS:
            set &= OF_PROTO_OF13 | OF_PROTO_OF14 | OF_PROTO_OF15;
            nested = of_act_nested(a, &n_len);
            set &= usable_for_action_list(nested, n_len);
            break;
        case OF_ACT_CLONE:
        case OF_ACT_CT:
            nested = of_act_nested(a, &n_len);
            set &= usable_for_action_list(nested, n_len);
            break;
        case OF_ACT_SET_FIELD: {
            const struct of_act_set_field *sf = (const void *) a;
            if (!(sf->flags & (OF_SET_FIELD_LOAD | OF_SET_FIELD_MOD))
                && !of10_matchable(sf->field)) {
                set &= ~(OF_PROTO_OF10 | OF_PROTO_OF10_TID);
            }
            break;
        }
        case OF_ACT_WRITE_METADATA:
            set &= ~(OF_PROTO_OF10 | OF_PROTO_OF10_TID);
            break;
        default:
            break;
        }
    }
    return set;
}

static unsigned
usable_for_actions(const struct of_acts *acts)
{
    return usable_for_action_list(acts->buf.data, acts->buf.len);
}

unsigned
of_protocols_usable_flow_mod(const struct of_flow *f, enum of_flow_cmd cmd)
{
    unsigned set =
        usable_for_match(f, cmd == OF_FLOW_ADD ? 0 : f->cookie_mask);

    /* OpenFlow 1.0 names no table in a flow-mod unless the
     * flow_mod_table_id extension is on. */
    if (cmd == OF_FLOW_ADD ? f->table_id != 0 : f->table_id != OF_TABLE_ALL) {
        set &= ~(OF_PROTO_OF10 | OF_PROTO_NXM);
    }
    if (f->flags & ~(OF_FLOW_SEND_FLOW_REM | OF_FLOW_CHECK_OVERLAP)) {
        set &= ~OF_PROTO_OF10_ANY;
    }
    /* Importance exists from OpenFlow 1.4 on; like ovs-ofctl, earlier
     * versions simply do not carry it. */
    if (f->out_group != OF_GROUP_ANY) {
        set &= ~OF_PROTO_OF10_ANY;
    }
    if (!of_acts_ok_for_of11(&f->acts, &f->match)) {
        set &= OF_PROTO_OF10_ANY;
    }
    return set & usable_for_actions(&f->acts);
}

unsigned
of_protocols_usable_stats(const struct of_flow *f)
{
    unsigned set = usable_for_match(f, f->cookie_mask);

    if (f->out_group != OF_GROUP_ANY) {
        set &= ~OF_PROTO_OF10_ANY;
    }
    return set;
}

enum of_protocol
of_protocol_choose(unsigned usable, uint8_t version)
{
    for (size_t i = 0; i < N_PROTOCOLS; i++) {
        if (protocols[i].version == version && (usable & protocols[i].p)) {
            return protocols[i].p;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Shared pieces.
 * --------------------------------------------------------------------- */

static uint8_t
command_to_wire(enum of_flow_cmd cmd)
{
    static const uint8_t map[] = {
        [OF_FLOW_ADD] = OFPFC_ADD,
        [OF_FLOW_MODIFY] = OFPFC_MODIFY,
        [OF_FLOW_MODIFY_STRICT] = OFPFC_MODIFY_STRICT,
        [OF_FLOW_DELETE] = OFPFC_DELETE,
        [OF_FLOW_DELETE_STRICT] = OFPFC_DELETE_STRICT,
    };
    return map[cmd];
}

static bool
command_from_wire(uint8_t c, enum of_flow_cmd *cmd)
{
    static const enum of_flow_cmd map[] = {
        OF_FLOW_ADD,    OF_FLOW_MODIFY,        OF_FLOW_MODIFY_STRICT,
        OF_FLOW_DELETE, OF_FLOW_DELETE_STRICT,
    };
    if (c >= sizeof map / sizeof *map) {
        return false;
    }
    *cmd = map[c];
    return true;
}

/* OpenFlow 1.1+ 32-bit port numbers <-> the model's 1.0 numbering. */
static uint32_t
port_to_of11(uint16_t port)
{
    return port >= OF_PORT_MAX ? 0xffff0000u | port : port;
}

static bool
port_from_of11(uint32_t p, uint16_t *port)
{
    if (p < OF_PORT_MAX) {
        *port = (uint16_t) p;
        return true;
    }
    if (p >= 0xffffff00u) {
        *port = (uint16_t) (p - 0xffff0000u);
        return true;
    }
    return false;
}

static enum of_err
encode_actions(const struct of_flow *f, uint8_t version, struct buf *b)
{
    return of_acts_encode(&f->acts, &f->match, version, b);
}

/* Pads NXM entries of LEN bytes that started at START to 8 bytes. */
static void
pad_match(struct buf *b, size_t start)
{
    of_buf_pad8(b, start);
}

/* Pulls an NXM match of MATCH_LEN bytes plus padding. */
static enum of_err
pull_nxm(struct of_cursor *c, size_t match_len, struct of_match *m,
         uint64_t *cookie, uint64_t *cookie_mask)
{
    size_t padded = (match_len + 7) / 8 * 8;
    const uint8_t *p = of_cursor_pull(c, padded);

    if (!p) {
        return OF_ERR_OFPBMC_BAD_LEN;
    }
    for (size_t i = match_len; i < padded; i++) {
        if (p[i]) {
            return OF_ERR_OFPBMC_BAD_LEN;
        }
    }
    return of_match_pull_nxm(p, match_len, false, m, cookie, cookie_mask);
}

/* ---------------------------------------------------------------------
 * Flow-mod.
 * --------------------------------------------------------------------- */

enum of_err
of_flow_mod_encode(const struct of_flow_mod *fm, enum of_protocol protocol,
                   uint32_t xid, struct buf *b)
{
    const struct of_flow *f = &fm->flow;
    uint8_t version = of_protocol_version(protocol);
    uint8_t cmd = command_to_wire(fm->command);
    uint16_t wire_cmd = cmd;
    uint64_t cookie;
    size_t start;
    enum of_err err;

    if (has_tid(protocol)) {
        wire_cmd |= (uint16_t) f->table_id << 8;
    }
    /* For a 1.0 flow-mod the cookie field is the flow's new cookie; a
     * modify that matches on the cookie leaves it alone (all-ones). */
    if (fm->command == OF_FLOW_ADD) {
        cookie = f->cookie;
    } else if (f->cookie_mask) {
        cookie = UINT64_MAX;
    } else {
        cookie = fm->new_cookie == UINT64_MAX ? 0 : fm->new_cookie;
    }

    if (protocol == OF_PROTO_OF10 || protocol == OF_PROTO_OF10_TID) {
        of_msg_start(b, OF_T_FLOW_MOD, OF_V10, xid);
        of_match_put_ofp10(&f->match, b);
        of_buf_put64(b, cookie);
        of_buf_put16(b, wire_cmd);
        of_buf_put16(b, f->idle_timeout);
        of_buf_put16(b, f->hard_timeout);
        of_buf_put16(b, f->priority);
        of_buf_put32(b, fm->buffer_id);
        of_buf_put16(b, f->out_port);
        of_buf_put16(b, f->flags
                            & (OFPFF10_SEND_FLOW_REM | OFPFF10_CHECK_OVERLAP));
    } else if (is_nxm(protocol)) {
        size_t len_ofs;

        of_msg_start(b, OF_T_NXT_FLOW_MOD, OF_V10, xid);
        of_buf_put64(b, cookie);
        of_buf_put16(b, wire_cmd);
        of_buf_put16(b, f->idle_timeout);
        of_buf_put16(b, f->hard_timeout);
        of_buf_put16(b, f->priority);
        of_buf_put32(b, fm->buffer_id);
        of_buf_put16(b, f->out_port);
        of_buf_put16(b, f->flags
                            & (OFPFF10_SEND_FLOW_REM | OFPFF10_CHECK_OVERLAP));
        len_ofs = b->len;
        of_buf_put16(b, 0);
        buf_put_zeros(b, 6);
        start = b->len;
        size_t n = of_match_put_nxm(
            &f->match, false, OF_V10, f->cookie,
            fm->command == OF_FLOW_ADD ? 0 : f->cookie_mask, b);
        of_put16(b->data + len_ofs, (uint16_t) n);
        pad_match(b, start);
    } else {
        of_msg_start(b, OF_T_FLOW_MOD, version, xid);
        of_buf_put64(b, f->cookie);
        of_buf_put64(b, fm->command == OF_FLOW_ADD ? 0 : f->cookie_mask);
        /* OpenFlow 1.1+ allows "all tables" only when deleting; ovs-ofctl
         * sends a modify without a table to table 0. */
        buf_put_u8(b, f->table_id == OF_TABLE_ALL
                              && (fm->command == OF_FLOW_MODIFY
                                  || fm->command == OF_FLOW_MODIFY_STRICT)
                          ? 0
                          : f->table_id);
        buf_put_u8(b, cmd);
        of_buf_put16(b, f->idle_timeout);
        of_buf_put16(b, f->hard_timeout);
        of_buf_put16(b, f->priority);
        of_buf_put32(b, fm->buffer_id);
        of_buf_put32(b, port_to_of11(f->out_port));
        of_buf_put32(b, f->out_group);
        of_buf_put16(b, f->flags);
        of_buf_put16(b, version >= OF_V14 ? f->importance : 0);
        of_match_put_ofp(&f->match, version, b);
    }
    err = encode_actions(f, version, b);
    if (err) {
        buf_clear(b);
        return err;
    }
    of_msg_finish(b);
    return 0;
}

/* Checks flow-mod flags received in VERSION. */
static enum of_err
check_flags(uint16_t flags, uint8_t version, uint8_t *out)
{
    uint16_t allowed =
        version == OF_V10
            ? OFPFF10_SEND_FLOW_REM | OFPFF10_CHECK_OVERLAP | OFPFF10_EMERG
            : OF_FLOW_SEND_FLOW_REM | OF_FLOW_CHECK_OVERLAP
                  | OF_FLOW_RESET_COUNTS | OF_FLOW_NO_PKT_COUNTS
                  | OF_FLOW_NO_BYT_COUNTS;
    if (flags & ~allowed) {
        return version == OF_V10 ? OF_ERR_OFPFMFC_UNSUPPORTED
                                 : OF_ERR_OFPFMFC_BAD_FLAGS;
    }
    if (version == OF_V10 && (flags & OFPFF10_EMERG)) {
        /* Emergency flows were dropped from OpenFlow after 1.0; Open
         * vSwitch refuses them the same way. */
        return OF_ERR_OFPFMFC_BAD_COMMAND;
    }
    *out = (uint8_t) flags;
    return 0;
}

enum of_err
of_flow_mod_decode(const struct of_msg *msg, bool table_id_ext,
                   struct of_flow_mod *fm)
{
    struct of_cursor c;
    struct of_flow *f = &fm->flow;
    const uint8_t *p;
    enum of_err err;
    uint16_t wire_cmd;
    uint8_t cmd;

    /* of_flow_init() clears the flow (over 1 kB) itself: clearing the
     * whole of *FM first as well showed in profiles of bundle commits. */
    of_flow_init(f, OF_FLOW_ADD);
    fm->command = OF_FLOW_ADD;
    fm->buffer_id = 0;
    fm->new_cookie = UINT64_MAX;
    of_cursor_init(&c, msg->body, msg->body_len);

    if (msg->type == OF_T_FLOW_MOD && msg->version == OF_V10) {
        p = of_cursor_pull(&c, OFP10_FLOW_MOD_LEN);
        if (!p) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        err = of_match_pull_ofp10(p, &f->match);
        if (err) {
            goto fail;
        }
        p += OF_OFP10_MATCH_LEN;
        fm->new_cookie = of_get64(p);
        wire_cmd = of_get16(p + 8);
        f->idle_timeout = of_get16(p + 10);
        f->hard_timeout = of_get16(p + 12);
        f->priority = of_get16(p + 14);
        fm->buffer_id = of_get32(p + 16);
        f->out_port = of_get16(p + 20);
        err = check_flags(of_get16(p + 22), OF_V10, &f->flags);
    } else if (msg->type == OF_T_NXT_FLOW_MOD) {
        uint16_t match_len;

        p = of_cursor_pull(&c, NX_FLOW_MOD_LEN);
        if (!p) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        fm->new_cookie = of_get64(p);
        wire_cmd = of_get16(p + 8);
        f->idle_timeout = of_get16(p + 10);
        f->hard_timeout = of_get16(p + 12);
        f->priority = of_get16(p + 14);
        fm->buffer_id = of_get32(p + 16);
        f->out_port = of_get16(p + 20);
        err = check_flags(of_get16(p + 22), OF_V10, &f->flags);
        match_len = of_get16(p + 24);
        for (int i = 26; i < 32 && !err; i++) {
            if (p[i]) {
                err = OF_ERR_NXBRC_MUST_BE_ZERO;
            }
        }
        if (!err) {
            err = pull_nxm(&c, match_len, &f->match, &f->cookie,
                           &f->cookie_mask);
        }
    } else if (msg->type == OF_T_FLOW_MOD) {
        uint32_t out_port;

        p = of_cursor_pull(&c, OFP11_FLOW_MOD_LEN);
        if (!p) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        f->cookie = of_get64(p);
        f->cookie_mask = of_get64(p + 8);
        f->table_id = p[16];
        cmd = p[17];
        wire_cmd = cmd;
        f->idle_timeout = of_get16(p + 18);
        f->hard_timeout = of_get16(p + 20);
        f->priority = of_get16(p + 22);
        fm->buffer_id = of_get32(p + 24);
        out_port = of_get32(p + 28);
        f->out_group = of_get32(p + 32);
        err = check_flags(of_get16(p + 36), msg->version, &f->flags);
        if (msg->version >= OF_V14) {
            f->importance = of_get16(p + 38);
        }
        if (!err && !port_from_of11(out_port, &f->out_port)) {
            err = OF_ERR_OFPFMFC_BAD_COMMAND;
        }
        if (!err) {
            err = of_match_pull_ofp(&c, msg->version, &f->match);
        }
    } else {
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
    if (err) {
        goto fail;
    }

    /* The command, and in OpenFlow 1.0 the table in its high byte. */
    cmd = (uint8_t) wire_cmd;
    if (msg->version == OF_V10) {
        uint8_t tid = wire_cmd >> 8;
        if (tid && !table_id_ext) {
            err = OF_ERR_OFPFMFC_BAD_COMMAND;
            goto fail;
        }
        if (!command_from_wire(cmd, &fm->command)) {
            err = OF_ERR_OFPFMFC_BAD_COMMAND;
            goto fail;
        }
        if (table_id_ext) {
            /* With flow_mod_table_id, ovs-ofctl sends a flow without
             * "table=" as table 255, "the switch's choice", which Open
             * vSwitch takes as table 0 for an add. */
            f->table_id =
                (fm->command == OF_FLOW_ADD && tid == OF_TABLE_ALL ? 0 : tid);
        } else {
            f->table_id = fm->command == OF_FLOW_ADD ? 0 : OF_TABLE_ALL;
        }
        if (fm->command == OF_FLOW_ADD) {
            f->cookie = fm->new_cookie;
            fm->new_cookie = UINT64_MAX;
        }
    } else if (!command_from_wire(cmd, &fm->command)) {
        err = OF_ERR_OFPFMFC_BAD_COMMAND;
        goto fail;
    }
    if (f->table_id == OF_TABLE_ALL
        && (fm->command == OF_FLOW_ADD
            || (msg->version != OF_V10
                && (fm->command == OF_FLOW_MODIFY
                    || fm->command == OF_FLOW_MODIFY_STRICT)))) {
        /* "All tables" is for deleting (and, in 1.0, for modifying with
         * no table named); Open vSwitch refuses it otherwise. */
        err = OF_ERR_OFPFMFC_BAD_TABLE_ID;
        goto fail;
    }
    if (fm->command == OF_FLOW_ADD && msg->version != OF_V10
        && f->cookie_mask) {
        /* Additions have no cookie to match; 1.1+ says to ignore the
         * mask, as Open vSwitch does. */
        f->cookie_mask = 0;
    }

    err = of_acts_decode(c.p, c.left, msg->version, msg->version != OF_V10,
                         &f->match, &f->acts);
    if (err) {
        goto fail;
    }
    f->has_actions = true;
    return 0;

fail:
    of_flow_destroy(f);
    of_flow_init(f, OF_FLOW_ADD);
    return err;
}

void
of_set_flow_format_encode(bool nxm, uint32_t xid, struct buf *b)
{
    of_msg_start(b, OF_T_NXT_SET_FLOW_FORMAT, OF_V10, xid);
    of_buf_put32(b, nxm ? 2 : 0);
    of_msg_finish(b);
}

void
of_flow_mod_table_id_encode(bool enable, uint32_t xid, struct buf *b)
{
    of_msg_start(b, OF_T_NXT_FLOW_MOD_TABLE_ID, OF_V10, xid);
    buf_put_u8(b, enable);
    buf_put_zeros(b, 7);
    of_msg_finish(b);
}

enum of_err
of_set_flow_format_decode(const struct of_msg *msg, bool *nxm)
{
    uint32_t format;

    if (msg->body_len != 4) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    format = of_get32(msg->body);
    if (format != 0 && format != 2) {
        return OF_ERR_OFPBRC_EPERM;
    }
    *nxm = format == 2;
    return 0;
}

enum of_err
of_flow_mod_table_id_decode(const struct of_msg *msg, bool *enable)
{
    if (msg->body_len != 8) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    if (msg->body[0] > 1) {
        return OF_ERR_OFPBRC_EPERM;
    }
    *enable = msg->body[0];
    return 0;
}

/* ---------------------------------------------------------------------
 * Flow and aggregate statistics requests.
 * --------------------------------------------------------------------- */

enum of_err
of_flow_stats_request_encode(const struct of_flow_stats_request *r,
                             enum of_protocol protocol, uint32_t xid,
                             struct buf *b)
{
    uint8_t version = of_protocol_version(protocol);

    if (protocol == OF_PROTO_OF10 || protocol == OF_PROTO_OF10_TID) {
        of_msg_start(
            b, r->aggregate ? OF_T_AGGREGATE_REQUEST : OF_T_FLOW_STATS_REQUEST,
            OF_V10, xid);
        of_match_put_ofp10(&r->match, b);
        buf_put_u8(b, r->table_id);
        buf_put_u8(b, 0);
        of_buf_put16(b, r->out_port);
    } else if (is_nxm(protocol)) {
        size_t len_ofs, start, n;

        of_msg_start(b,
                     r->aggregate ? OF_T_NXST_AGGREGATE_REQUEST
                                  : OF_T_NXST_FLOW_REQUEST,
                     OF_V10, xid);
        of_buf_put16(b, r->out_port);
        len_ofs = b->len;
        of_buf_put16(b, 0);
        buf_put_u8(b, r->table_id);
        buf_put_zeros(b, 3);
        start = b->len;
        n = of_match_put_nxm(&r->match, false, OF_V10, r->cookie,
                             r->cookie_mask, b);
        of_put16(b->data + len_ofs, (uint16_t) n);
        pad_match(b, start);
    } else {
        of_msg_start(
            b, r->aggregate ? OF_T_AGGREGATE_REQUEST : OF_T_FLOW_STATS_REQUEST,
            version, xid);
        buf_put_u8(b, r->table_id);
        buf_put_zeros(b, 3);
        of_buf_put32(b, port_to_of11(r->out_port));
        of_buf_put32(b, r->out_group);
        buf_put_zeros(b, 4);
        of_buf_put64(b, r->cookie);
        of_buf_put64(b, r->cookie_mask);
        of_match_put_ofp(&r->match, version, b);
    }
    of_msg_finish(b);
    return 0;
}

enum of_err
of_flow_stats_request_decode(const struct of_msg *msg,
                             struct of_flow_stats_request *r)
{
    struct of_cursor c;
    const uint8_t *p;
    enum of_err err;

    memset(r, 0, sizeof *r);
    of_match_init_catchall(&r->match);
    r->out_group = OF_GROUP_ANY;
    r->aggregate = (msg->type == OF_T_AGGREGATE_REQUEST
                    || msg->type == OF_T_NXST_AGGREGATE_REQUEST);
    of_cursor_init(&c, msg->body, msg->body_len);

    if (msg->type == OF_T_NXST_FLOW_REQUEST
        || msg->type == OF_T_NXST_AGGREGATE_REQUEST) {
        p = of_cursor_pull(&c, NX_FLOW_STATS_REQ_LEN);
        if (!p) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        r->out_port = of_get16(p);
        r->table_id = p[4];
        if (p[5] || p[6] || p[7]) {
            return OF_ERR_NXBRC_MUST_BE_ZERO;
        }
        err = pull_nxm(&c, of_get16(p + 2), &r->match, &r->cookie,
                       &r->cookie_mask);
    } else if (msg->version == OF_V10) {
        p = of_cursor_pull(&c, OFP10_FLOW_STATS_REQ_LEN);
        if (!p) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        err = of_match_pull_ofp10(p, &r->match);
        r->table_id = p[40];
        r->out_port = of_get16(p + 42);
    } else {
        uint32_t port;

        p = of_cursor_pull(&c, OFP11_FLOW_STATS_REQ_LEN);
        if (!p) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        r->table_id = p[0];
        port = of_get32(p + 4);
        r->out_group = of_get32(p + 8);
        r->cookie = of_get64(p + 16);
        r->cookie_mask = of_get64(p + 24);
        if (!port_from_of11(port, &r->out_port)) {
            return OF_ERR_OFPBRC_BAD_PORT;
        }
        err = of_match_pull_ofp(&c, msg->version, &r->match);
    }
    if (!err && c.left) {
        err = OF_ERR_OFPBRC_BAD_LEN;
    }
    return err;
}

/* ---------------------------------------------------------------------
 * Flow statistics replies.
 * --------------------------------------------------------------------- */

/* OXS statistics (OpenFlow 1.5): appends "ofp_stats" with the fields
 * Open vSwitch sends, padded to 8. */
static void
put_oxs(struct buf *b, const struct of_flow_stats *st, bool with_idle,
        bool flow_stats, uint32_t flow_count)
{
    size_t start = b->len;

    of_buf_put16(b, 0);
    of_buf_put16(b, 0);
    if (flow_stats) {
        of_buf_put32(b, OXS_CLASS << 16 | OXS_DURATION << 9 | 8);
        of_buf_put32(b, st->duration_sec);
        of_buf_put32(b, st->duration_nsec);
        if (with_idle) {
            of_buf_put32(b, OXS_CLASS << 16 | OXS_IDLE_TIME << 9 | 8);
            of_buf_put32(b, st->idle_age >= 0 ? (uint32_t) st->idle_age : 0);
            of_buf_put32(b, 0);
        }
    }
    of_buf_put32(b, OXS_CLASS << 16 | OXS_PACKET_COUNT << 9 | 8);
    of_buf_put64(b, st->n_packets);
    of_buf_put32(b, OXS_CLASS << 16 | OXS_BYTE_COUNT << 9 | 8);
    of_buf_put64(b, st->n_bytes);
    if (!flow_stats) {
        of_buf_put32(b, OXS_CLASS << 16 | OXS_FLOW_COUNT << 9 | 4);
        of_buf_put32(b, flow_count);
    }
    of_put16(b->data + start + 2, (uint16_t) (b->len - start));
    of_buf_pad8(b, start);
}

/* Pulls "ofp_stats" (OpenFlow 1.5) off C. */
static enum of_err
pull_oxs(struct of_cursor *c, struct of_flow_stats *st, uint32_t *flow_count)
{
    const uint8_t *p = of_cursor_peek(c, 4);
    struct of_cursor fields;
    size_t len, padded;

    if (!p) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    len = of_get16(p + 2);
    padded = (len + 7) / 8 * 8;
    if (len < 4 || !of_cursor_peek(c, padded)) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    of_cursor_init(&fields, p + 4, len - 4);
    of_cursor_pull(c, padded);
    while (fields.left) {
        const uint8_t *h = of_cursor_pull(&fields, 4);
        uint32_t hdr;
        const uint8_t *v;

        if (!h) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        hdr = of_get32(h);
        v = of_cursor_pull(&fields, hdr & 0xff);
        if (!v || hdr >> 16 != OXS_CLASS) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        switch ((hdr >> 9) & 0x7f) {
        case OXS_DURATION:
            if ((hdr & 0xff) == 8) {
                st->duration_sec = of_get32(v);
                st->duration_nsec = of_get32(v + 4);
            }
            break;
        case OXS_IDLE_TIME:
            if ((hdr & 0xff) == 8) {
                st->idle_age = (int) of_get32(v);
            }
            break;
        case OXS_FLOW_COUNT:
            if ((hdr & 0xff) == 4 && flow_count) {
                *flow_count = of_get32(v);
            }
            break;
        case OXS_PACKET_COUNT:
            if ((hdr & 0xff) == 8) {
                st->n_packets = of_get64(v);
            }
            break;
        case OXS_BYTE_COUNT:
            if ((hdr & 0xff) == 8) {
                st->n_bytes = of_get64(v);
            }
            break;
        default:
            break;
        }
    }
    return 0;
}

void
of_flow_stats_reply_append(const struct of_flow_stats_entry *e,
                           uint8_t version, bool nxm, struct buf *b)
{
    const struct of_flow *f = &e->flow;
    const struct of_flow_stats *st = &e->stats;
    size_t start = b->len;

    if (nxm) {
        size_t len_ofs, mstart, n;

        of_buf_put16(b, 0);
        buf_put_u8(b, f->table_id);
        buf_put_u8(b, 0);
        of_buf_put32(b, st->duration_sec);
        of_buf_put32(b, st->duration_nsec);
        of_buf_put16(b, f->priority);
        of_buf_put16(b, f->idle_timeout);
        of_buf_put16(b, f->hard_timeout);
        len_ofs = b->len;
        of_buf_put16(b, 0);
        /* Ages travel plus one so that zero can mean "unknown". */
        of_buf_put16(b, st->idle_age >= 0 ? (uint16_t) (st->idle_age + 1) : 0);
        of_buf_put16(b, st->hard_age >= 0 ? (uint16_t) (st->hard_age + 1) : 0);
        of_buf_put64(b, f->cookie);
        of_buf_put64(b, st->n_packets);
        of_buf_put64(b, st->n_bytes);
        mstart = b->len;
        n = of_match_put_nxm(&f->match, false, OF_V10, 0, 0, b);
        of_put16(b->data + len_ofs, (uint16_t) n);
        pad_match(b, mstart);
    } else if (version == OF_V10) {
        of_buf_put16(b, 0);
        buf_put_u8(b, f->table_id);
        buf_put_u8(b, 0);
        of_match_put_ofp10(&f->match, b);
        of_buf_put32(b, st->duration_sec);
        of_buf_put32(b, st->duration_nsec);
        of_buf_put16(b, f->priority);
        of_buf_put16(b, f->idle_timeout);
        of_buf_put16(b, f->hard_timeout);
        buf_put_zeros(b, 6);
        of_buf_put64(b, f->cookie);
        of_buf_put64(b, st->n_packets);
        of_buf_put64(b, st->n_bytes);
    } else if (version < OF_V15) {
        of_buf_put16(b, 0);
        buf_put_u8(b, f->table_id);
        buf_put_u8(b, 0);
        of_buf_put32(b, st->duration_sec);
        of_buf_put32(b, st->duration_nsec);
        of_buf_put16(b, f->priority);
        of_buf_put16(b, f->idle_timeout);
        of_buf_put16(b, f->hard_timeout);
        of_buf_put16(b, f->flags);
        of_buf_put16(b, version >= OF_V14 ? f->importance : 0);
        buf_put_zeros(b, 2);
        of_buf_put64(b, f->cookie);
        of_buf_put64(b, st->n_packets);
        of_buf_put64(b, st->n_bytes);
        of_match_put_ofp(&f->match, version, b);
    } else {
        of_buf_put16(b, 0);
        of_buf_put16(b, 0);
        buf_put_u8(b, f->table_id);
        buf_put_u8(b, 0);
        of_buf_put16(b, f->priority);
        of_buf_put16(b, f->idle_timeout);
        of_buf_put16(b, f->hard_timeout);
        of_buf_put16(b, f->flags);
        of_buf_put16(b, f->importance);
        of_buf_put64(b, f->cookie);
        of_match_put_ofp(&f->match, version, b);
        put_oxs(b, st, st->idle_age >= 0, true, 0);
    }
    if (version == OF_V10) {
        of_acts_encode(&f->acts, &f->match, OF_V10, b);
    } else {
        of_acts_encode(&f->acts, &f->match, version, b);
    }
    of_put16(b->data + start, (uint16_t) (b->len - start));
}

/* Decodes one flow stats entry of LEN bytes at P. */
static enum of_err
decode_flow_stats(const struct of_msg *msg, const uint8_t *p, size_t len,
                  struct of_flow_stats_entry *e)
{
    struct of_flow *f = &e->flow;
    struct of_flow_stats *st = &e->stats;
    struct of_cursor c;
    enum of_err err;
    const uint8_t *h;

    of_flow_init(f, OF_FLOW_ADD);
    memset(st, 0, sizeof *st);
    st->idle_age = -1;
    st->hard_age = -1;
    f->has_actions = true;
    of_cursor_init(&c, p, len);

    if (msg->type == OF_T_NXST_FLOW_REPLY) {
        uint16_t idle_age, hard_age;

        h = of_cursor_pull(&c, NX_FLOW_STATS_LEN);
        if (!h) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        f->table_id = h[2];
        st->duration_sec = of_get32(h + 4);
        st->duration_nsec = of_get32(h + 8);
        f->priority = of_get16(h + 12);
        f->idle_timeout = of_get16(h + 14);
        f->hard_timeout = of_get16(h + 16);
        idle_age = of_get16(h + 20);
        hard_age = of_get16(h + 22);
        st->idle_age = idle_age ? idle_age - 1 : -1;
        st->hard_age = hard_age ? hard_age - 1 : -1;
        if (st->hard_age == (int) st->duration_sec) {
            /* A flow never modified: its hard age is its age, which
             * ovs-ofctl does not repeat. */
            st->hard_age = -1;
        }
        f->cookie = of_get64(h + 24);
        st->n_packets = of_get64(h + 32);
        st->n_bytes = of_get64(h + 40);
        err = pull_nxm(&c, of_get16(h + 18), &f->match, NULL, NULL);
    } else if (msg->version == OF_V10) {
        h = of_cursor_pull(&c, OFP10_FLOW_STATS_LEN);
        if (!h) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        f->table_id = h[2];
        err = of_match_pull_ofp10(h + 4, &f->match);
        st->duration_sec = of_get32(h + 44);
        st->duration_nsec = of_get32(h + 48);
        f->priority = of_get16(h + 52);
        f->idle_timeout = of_get16(h + 54);
        f->hard_timeout = of_get16(h + 56);
        f->cookie = of_get64(h + 64);
        st->n_packets = of_get64(h + 72);
        st->n_bytes = of_get64(h + 80);
    } else if (msg->version < OF_V15) {
        h = of_cursor_pull(&c, OFP11_FLOW_STATS_LEN);
        if (!h) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        f->table_id = h[2];
        st->duration_sec = of_get32(h + 4);
        st->duration_nsec = of_get32(h + 8);
        f->priority = of_get16(h + 12);
        f->idle_timeout = of_get16(h + 14);
        f->hard_timeout = of_get16(h + 16);
        f->flags = (uint8_t) of_get16(h + 18);
        if (msg->version >= OF_V14) {
            f->importance = of_get16(h + 20);
        }
        f->cookie = of_get64(h + 24);
        st->n_packets = of_get64(h + 32);
        st->n_bytes = of_get64(h + 40);
        err = of_match_pull_ofp(&c, msg->version, &f->match);
    } else {
        h = of_cursor_pull(&c, OFP15_FLOW_STATS_LEN);
        if (!h) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        f->table_id = h[4];
        f->priority = of_get16(h + 6);
        f->idle_timeout = of_get16(h + 8);
        f->hard_timeout = of_get16(h + 10);
        f->flags = (uint8_t) of_get16(h + 12);
        f->importance = of_get16(h + 14);
        f->cookie = of_get64(h + 16);
        err = of_match_pull_ofp(&c, msg->version, &f->match);
        if (!err) {
            err = pull_oxs(&c, st, NULL);
        }
    }
    if (!err) {
        /* Not checked against the match: what the switch holds is what it
         * holds (a flow added in 1.0 may not be one 1.3 would accept), and
         * a dump shows it as it is. */
        err = of_acts_decode(c.p, c.left, msg->version, msg->version != OF_V10,
                             NULL, &f->acts);
    }
    return err;
}

enum of_err
of_flow_stats_reply_decode(const struct of_msg *msg,
                           struct of_flow_stats_entry **flowsp,
                           size_t *n_flowsp)
{
    struct of_flow_stats_entry *flows = NULL;
    size_t n = 0, cap = 0;
    struct of_cursor c;
    enum of_err err = 0;

    of_cursor_init(&c, msg->body, msg->body_len);
    while (c.left) {
        const uint8_t *p = of_cursor_peek(&c, 2);
        size_t len = p ? of_get16(p) : 0;

        if (!p || len < 2 || len % 8 || !of_cursor_peek(&c, len)) {
            err = OF_ERR_OFPBRC_BAD_LEN;
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            flows = xrealloc(flows, cap * sizeof *flows);
        }
        err = decode_flow_stats(msg, p, len, &flows[n]);
        n++;
        if (err) {
            break;
        }
        of_cursor_pull(&c, len);
    }
    if (err) {
        for (size_t i = 0; i < n; i++) {
            of_flow_destroy(&flows[i].flow);
        }
        free(flows);
        *flowsp = NULL;
        *n_flowsp = 0;
        return err;
    }
    *flowsp = flows;
    *n_flowsp = n;
    return 0;
}

/* ---------------------------------------------------------------------
 * Aggregate replies.
 * --------------------------------------------------------------------- */

void
of_aggregate_reply_encode(const struct of_aggregate_stats *a,
                          const struct of_msg *request, struct buf *b)
{
    enum of_type type = request->type == OF_T_NXST_AGGREGATE_REQUEST
                            ? OF_T_NXST_AGGREGATE_REPLY
                            : OF_T_AGGREGATE_REPLY;

    of_msg_start(b, type, request->version, request->xid);
    if (request->version >= OF_V15) {
        struct of_flow_stats st = { .n_packets = a->packet_count,
                                    .n_bytes = a->byte_count };
        put_oxs(b, &st, false, false, a->flow_count);
    } else {
        of_buf_put64(b, a->packet_count);
        of_buf_put64(b, a->byte_count);
        of_buf_put32(b, a->flow_count);
        of_buf_put32(b, 0);
    }
    of_msg_finish(b);
}

enum of_err
of_aggregate_reply_decode(const struct of_msg *msg,
                          struct of_aggregate_stats *a)
{
    struct of_cursor c;

    memset(a, 0, sizeof *a);
    of_cursor_init(&c, msg->body, msg->body_len);
    if (msg->version >= OF_V15 && msg->type == OF_T_AGGREGATE_REPLY) {
        struct of_flow_stats st = { 0 };
        enum of_err err = pull_oxs(&c, &st, &a->flow_count);
        a->packet_count = st.n_packets;
        a->byte_count = st.n_bytes;
        return err;
    }
    const uint8_t *p = of_cursor_pull(&c, AGGREGATE_REPLY_LEN);
    if (!p || c.left) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    a->packet_count = of_get64(p);
    a->byte_count = of_get64(p + 8);
    a->flow_count = of_get32(p + 16);
    return 0;
}

/* ---------------------------------------------------------------------
 * Flow removed.
 * --------------------------------------------------------------------- */

void
of_flow_removed_encode(const struct of_flow_removed *r,
                       enum of_protocol protocol, struct buf *b)
{
    uint8_t version = of_protocol_version(protocol);

    if (protocol == OF_PROTO_OF10 || protocol == OF_PROTO_OF10_TID) {
        of_msg_start(b, OF_T_FLOW_REMOVED, OF_V10, 0);
        of_match_put_ofp10(&r->match, b);
        of_buf_put64(b, r->cookie);
        of_buf_put16(b, r->priority);
        buf_put_u8(b, r->reason);
        buf_put_u8(b, 0);
        of_buf_put32(b, r->duration_sec);
        of_buf_put32(b, r->duration_nsec);
        of_buf_put16(b, r->idle_timeout);
        of_buf_put16(b, 0);
        of_buf_put64(b, r->packet_count);
        of_buf_put64(b, r->byte_count);
    } else if (is_nxm(protocol)) {
        size_t len_ofs, start, n;

        of_msg_start(b, OF_T_NXT_FLOW_REMOVED, OF_V10, 0);
        of_buf_put64(b, r->cookie);
        of_buf_put16(b, r->priority);
        buf_put_u8(b, r->reason);
        buf_put_u8(b, r->table_id);
        of_buf_put32(b, r->duration_sec);
        of_buf_put32(b, r->duration_nsec);
        of_buf_put16(b, r->idle_timeout);
        len_ofs = b->len;
        of_buf_put16(b, 0);
        of_buf_put64(b, r->packet_count);
        of_buf_put64(b, r->byte_count);
        start = b->len;
        n = of_match_put_nxm(&r->match, false, OF_V10, 0, 0, b);
        of_put16(b->data + len_ofs, (uint16_t) n);
        pad_match(b, start);
    } else if (version < OF_V15) {
        of_msg_start(b, OF_T_FLOW_REMOVED, version, 0);
        of_buf_put64(b, r->cookie);
        of_buf_put16(b, r->priority);
        buf_put_u8(b, r->reason);
        buf_put_u8(b, r->table_id);
        of_buf_put32(b, r->duration_sec);
        of_buf_put32(b, r->duration_nsec);
        of_buf_put16(b, r->idle_timeout);
        of_buf_put16(b, r->hard_timeout);
        of_buf_put64(b, r->packet_count);
        of_buf_put64(b, r->byte_count);
        of_match_put_ofp(&r->match, version, b);
    } else {
        struct of_flow_stats st = {
            .duration_sec = r->duration_sec,
            .duration_nsec = r->duration_nsec,
            .n_packets = r->packet_count,
            .n_bytes = r->byte_count,
            .idle_age = -1,
        };
        of_msg_start(b, OF_T_FLOW_REMOVED, version, 0);
        buf_put_u8(b, r->table_id);
        buf_put_u8(b, r->reason);
        of_buf_put16(b, r->priority);
        of_buf_put16(b, r->idle_timeout);
        of_buf_put16(b, r->hard_timeout);
        of_buf_put64(b, r->cookie);
        of_match_put_ofp(&r->match, version, b);
        put_oxs(b, &st, false, true, 0);
    }
    of_msg_finish(b);
}

/* The Nicira and OpenFlow 1.1-1.4 flow-removed bodies share everything
 * but the 16 bits at offset 22 (match length, hard timeout). */
static void
pull_removed_common(const uint8_t *p, struct of_flow_removed *r)
{
    r->cookie = of_get64(p);
    r->priority = of_get16(p + 8);
    r->reason = p[10];
    r->table_id = p[11];
    r->duration_sec = of_get32(p + 12);
    r->duration_nsec = of_get32(p + 16);
    r->idle_timeout = of_get16(p + 20);
    r->packet_count = of_get64(p + 24);
    r->byte_count = of_get64(p + 32);
}

enum of_err
of_flow_removed_decode(const struct of_msg *msg, struct of_flow_removed *r)
{
    struct of_cursor c;
    const uint8_t *p;
    enum of_err err;

    memset(r, 0, sizeof *r);
    of_cursor_init(&c, msg->body, msg->body_len);
    if (msg->type == OF_T_NXT_FLOW_REMOVED) {
        p = of_cursor_pull(&c, NX_FLOW_REMOVED_LEN);
        if (!p) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        pull_removed_common(p, r);
        err = pull_nxm(&c, of_get16(p + 22), &r->match, NULL, NULL);
    } else if (msg->version == OF_V10) {
        p = of_cursor_pull(&c, OFP10_FLOW_REMOVED_LEN);
        if (!p) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        err = of_match_pull_ofp10(p, &r->match);
        r->cookie = of_get64(p + 40);
        r->priority = of_get16(p + 48);
        r->reason = p[50];
        r->duration_sec = of_get32(p + 52);
        r->duration_nsec = of_get32(p + 56);
        r->idle_timeout = of_get16(p + 60);
        r->packet_count = of_get64(p + 64);
        r->byte_count = of_get64(p + 72);
    } else if (msg->version < OF_V15) {
        p = of_cursor_pull(&c, OFP11_FLOW_REMOVED_LEN);
        if (!p) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        pull_removed_common(p, r);
        r->hard_timeout = of_get16(p + 22);
        err = of_match_pull_ofp(&c, msg->version, &r->match);
    } else {
        struct of_flow_stats st = { 0 };

        p = of_cursor_pull(&c, OFP15_FLOW_REMOVED_LEN);
        if (!p) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        r->table_id = p[0];
        r->reason = p[1];
        r->priority = of_get16(p + 2);
        r->idle_timeout = of_get16(p + 4);
        r->hard_timeout = of_get16(p + 6);
        r->cookie = of_get64(p + 8);
        err = of_match_pull_ofp(&c, msg->version, &r->match);
        if (!err) {
            err = pull_oxs(&c, &st, NULL);
        }
        r->duration_sec = st.duration_sec;
        r->duration_nsec = st.duration_nsec;
        r->packet_count = st.n_packets;
        r->byte_count = st.n_bytes;
    }
    if (!err && r->reason > OF_RR_EVICTION) {
        err = OF_ERR_OFPBRC_BAD_LEN;
    }
    return err;
}
