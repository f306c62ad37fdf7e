/* ofp-actions-encode.c: action and instruction lists to the wire (see
 * ofp-actions.h): instructions, the standard OpenFlow actions and
 * set_field in all its spellings.  Nicira extension actions are in
 * ofp-actions-nx.c.
 *
 * Where one model action has several wire forms, the choice is Open
 * vSwitch 3.1's, so that bytes equal ovs-ofctl's for the same text:
 *
 *   - set_field in OpenFlow 1.0 uses the 1.0 actions where one exists
 *     (mod_dl_src, mod_nw_tos, mod_vlan_vid, ...), else NXAST_REG_LOAD;
 *     in 1.2-1.4 it is OFPAT_SET_FIELD when it sets the whole field and
 *     NXAST_REG_LOAD otherwise (and always for "load:"); in 1.5 it is
 *     always OFPAT_SET_FIELD, masked if need be.
 *   - mod_vlan_vid and mod_vlan_pcp in 1.1+ are set_field of vlan_vid or
 *     vlan_pcp, preceded by push_vlan when the packet has no VLAN tag at
 *     that point (judged from the match and the actions before).
 *   - mod_tp_src/mod_tp_dst in 1.1+ are set_field of the TCP, UDP or SCTP
 *     port, whichever the match's nw_proto says.
 *   - enqueue in 1.1+ is set_queue, output, pop_queue. */
#include "ofctl/ofp-actions.h"

#include <arpa/inet.h>
#include <string.h>

#include "ofctl/ofp-actions-private.h"
#include "ofctl/ofp-match.h"

/* Appends an OXM set_field of F to VALUE (masked by MASK unless NULL). */
static void
put_oxm_set_field(struct of_enc *e, const struct of_field *f,
                  const union of_value *value, const union of_value *mask)
{
    size_t ofs = of_wire_put_raw(e, R12_SET_FIELD);

    e->b->len = ofs + 4;
    of_wire_put_entry(e->b, f, true, value, mask);
    of_wire_finish(e, ofs);
}

static void
put_oxm_u64(struct of_enc *e, enum of_field_id id, uint64_t v)
{
    const struct of_field *f = of_field_from_id(id);
    union of_value value;

    of_value_from_u64(f, &value, v);
    put_oxm_set_field(e, f, &value, NULL);
}

/* Writes the low WIDTH bytes of V big-endian at P. */
static void
put_be(uint8_t *p, uint64_t v, size_t width)
{
    for (size_t i = 0; i < width; i++) {
        p[width - 1 - i] = (uint8_t) (v >> (8 * i));
    }
}

/* Appends raw action RAW with the WIDTH-byte value V at body offset OFS. */
static void
put_raw_value(struct of_enc *e, enum of_raw raw, size_t ofs, size_t width,
              uint64_t v)
{
    size_t at = of_wire_put_raw(e, raw);
    put_be(of_wire_at(e, at) + ofs, v, width);
}

/* ---------------------------------------------------------------------
 * set_field.
 * --------------------------------------------------------------------- */

/* OpenFlow 1.0's own actions for set_field of a whole field, as Open
 * vSwitch maps them: the value (masked by VMASK, shifted left by SHIFT)
 * goes into a WIDTH-byte slot at OFS.  vlan_tci has no row: it needs two
 * actions or a strip (enc_legacy_vlan_tci()). */
static const struct {
    enum of_field_id field;
    enum of_raw raw;
    uint8_t ofs, width, shift;
    uint64_t vmask;
} legacy10[] = {
    { OF_F_ETH_SRC, R10_SET_DL_SRC, 4, 6, 0, UINT64_MAX },
    { OF_F_ETH_DST, R10_SET_DL_DST, 4, 6, 0, UINT64_MAX },
    { OF_F_IPV4_SRC, R10_SET_NW_SRC, 4, 4, 0, UINT64_MAX },
    { OF_F_IPV4_DST, R10_SET_NW_DST, 4, 4, 0, UINT64_MAX },
    { OF_F_NW_TOS, R10_SET_NW_TOS, 4, 1, 0, UINT64_MAX },
    { OF_F_IP_DSCP, R10_SET_NW_TOS, 4, 1, 2, UINT64_MAX },
    { OF_F_TCP_SRC, R10_SET_TP_SRC, 4, 2, 0, UINT64_MAX },
    { OF_F_UDP_SRC, R10_SET_TP_SRC, 4, 2, 0, UINT64_MAX },
    { OF_F_TCP_DST, R10_SET_TP_DST, 4, 2, 0, UINT64_MAX },
    { OF_F_UDP_DST, R10_SET_TP_DST, 4, 2, 0, UINT64_MAX },
    { OF_F_VLAN_VID, R10_SET_VLAN_VID, 4, 2, 0, 0xfff },
    { OF_F_VLAN_PCP, R10_SET_VLAN_PCP, 4, 1, 0, UINT64_MAX },
};

static void
enc_legacy_vlan_tci(struct of_enc *e, uint64_t tci)
{
    /* A tag present (CFI) sets VID and PCP; otherwise the tag goes. */
    if (tci & OF_OFPVID_PRESENT) {
        put_raw_value(e, R10_SET_VLAN_VID, 4, 2, tci & 0xfff);
        put_raw_value(e, R10_SET_VLAN_PCP, 4, 1, tci >> 13);
    } else {
        of_wire_put_raw(e, R10_STRIP_VLAN);
    }
}

static enum of_err
enc_set_field(struct of_enc *e, const struct of_act *a)
{
    const struct of_act_set_field *sf = (const void *) a;
    const struct of_field *f = of_field_from_id(sf->field);
    union of_value v, m;

    of_act_set_field_value(sf, &v);
    of_act_set_field_mask(sf, &m);
    bool exact = of_wire_mask_is_exact(f, &m);
    uint64_t u = of_value_to_u64(f, &v);

    /* mod_nw_tos and mod_nw_ttl keep their own 1.1+ spellings. */
    if (e->version >= OF_V12 && (sf->flags & OF_SET_FIELD_MOD)) {
        if (f->id == OF_F_NW_TOS) {
            put_oxm_u64(e, OF_F_IP_DSCP, u >> 2);
            return OF_ERR_NONE;
        } else if (f->id == OF_F_IP_TTL) {
            put_raw_value(e, R11_SET_NW_TTL, 4, 1, u);
            return OF_ERR_NONE;
        }
    }
    if (e->version >= OF_V15) {
        /* 1.5 set_field takes masks, so reg_load is never needed. */
        put_oxm_set_field(e, f, &v, exact ? NULL : &m);
    } else if (sf->flags & OF_SET_FIELD_LOAD) {
        of_nx_put_load(e, sf);
    } else if (e->version == OF_V10) {
        if (f->id == OF_F_VLAN_TCI) {
            enc_legacy_vlan_tci(e, u);
            return OF_ERR_NONE;
        }
        for (size_t i = 0; i < ARRAY_SIZE(legacy10); i++) {
            if (legacy10[i].field == f->id) {
                put_raw_value(e, legacy10[i].raw, legacy10[i].ofs,
                              legacy10[i].width,
                              (u & legacy10[i].vmask) << legacy10[i].shift);
                return OF_ERR_NONE;
            }
        }
        of_nx_put_load(e, sf);
    } else if (exact) {
        put_oxm_set_field(e, f, &v, NULL);
    } else {
        of_nx_put_load(e, sf);
    }
    return OF_ERR_NONE;
}

/* ---------------------------------------------------------------------
 * Other standard actions.
 * --------------------------------------------------------------------- */

static void
put_output(struct of_enc *e, uint16_t port, uint16_t max_len)
{
    if (e->version == OF_V10) {
        size_t at = of_wire_put_raw(e, R10_OUTPUT);
        of_put16(of_wire_at(e, at) + 4, port);
        of_put16(of_wire_at(e, at) + 6, max_len);
    } else {
        size_t at = of_wire_put_raw(e, R11_OUTPUT);
        of_put32(of_wire_at(e, at) + 4, of_wire_port_to_ofp11(port));
        of_put16(of_wire_at(e, at) + 8, max_len);
    }
}

static enum of_err
enc_output(struct of_enc *e, const struct of_act *a)
{
    const struct of_act_output *o = (const void *) a;

    if (o->max_len) {
        return of_nx_encode(e, a); /* Truncating output. */
    }
    put_output(e, o->port, 0);
    return OF_ERR_NONE;
}

static enum of_err
enc_controller(struct of_enc *e, const struct of_act *a)
{
    const struct of_act_controller *c = (const void *) a;

    /* Only the plain form fits an output to the CONTROLLER port. */
    if (c->userdata_len || c->pause || c->meter_id
        || c->reason != OF_CTL_ACTION || c->controller_id) {
        return of_nx_encode(e, a);
    }
    put_output(e, OF_PORT_CONTROLLER, c->max_len);
    return OF_ERR_NONE;
}

static enum of_err
enc_enqueue(struct of_enc *e, const struct of_act *a)
{
    const struct of_act_enqueue *q = (const void *) a;

    if (e->version == OF_V10) {
        size_t at = of_wire_put_raw(e, R10_ENQUEUE);
        of_put16(of_wire_at(e, at) + 4, q->port);
        of_put32(of_wire_at(e, at) + 12, q->queue);
    } else {
        /* Open vSwitch's output here asks for whole packets. */
        put_raw_value(e, R11_SET_QUEUE, 4, 4, q->queue);
        put_output(e, q->port, UINT16_MAX);
        of_wire_put_raw(e, NX_POP_QUEUE);
    }
    return OF_ERR_NONE;
}

static enum of_err
enc_move(struct of_enc *e, const struct of_act *a)
{
    const struct of_act_move *mv = (const void *) a;
    const struct of_field *src = of_field_from_id(mv->src.field);
    const struct of_field *dst = of_field_from_id(mv->dst.field);
    size_t at;

    if (e->version >= OF_V15) {
        at = of_wire_put_raw(e, R15_COPY_FIELD);
        uint8_t *p = of_wire_at(e, at);
        of_put16(p + 4, mv->dst.n_bits);
        of_put16(p + 6, mv->src.ofs);
        of_put16(p + 8, mv->dst.ofs);
        e->b->len = at + 12;
        of_field_put_header(e->b, src, true, false);
        of_field_put_header(e->b, dst, true, false);
        of_wire_finish(e, at);
    } else {
        at = of_wire_put_raw(e, NX_REG_MOVE);
        uint8_t *p = of_wire_at(e, at);
        of_put16(p + 10, mv->dst.n_bits);
        of_put16(p + 12, mv->src.ofs);
        of_put16(p + 14, mv->dst.ofs);
        of_put32(p + 16, of_nx_header(src));
        of_put32(p + 20, of_nx_header(dst));
    }
    return OF_ERR_NONE;
}

/* mod_vlan_vid and mod_vlan_pcp. */
static enum of_err
enc_vlan(struct of_enc *e, const struct of_act *a)
{
    const struct of_act_u32 *u = (const void *) a;
    bool vid = a->type == OF_ACT_SET_VLAN_VID;

    if (e->version == OF_V10) {
        put_raw_value(e, vid ? R10_SET_VLAN_VID : R10_SET_VLAN_PCP, 4,
                      vid ? 2 : 1, u->value);
        return OF_ERR_NONE;
    }
    if (!e->has_vlan) {
        put_raw_value(e, R11_PUSH_VLAN, 4, 2, ETH_TYPE_VLAN_8021Q);
    }
    if (vid) {
        put_oxm_u64(e, OF_F_VLAN_VID, u->value | OF_OFPVID_PRESENT);
    } else {
        put_oxm_u64(e, OF_F_VLAN_PCP, u->value);
    }
    return OF_ERR_NONE;
}

static enum of_err
enc_strip_vlan(struct of_enc *e, const struct of_act *a)
{
    of_wire_put_raw(e, e->version == OF_V10 ? R10_STRIP_VLAN : R11_POP_VLAN);
    return OF_ERR_NONE;
}

static enum of_err
enc_push_vlan(struct of_enc *e, const struct of_act *a)
{
    /* OpenFlow 1.0 has no push_vlan: Open vSwitch relies on the
     * mod_vlan_vid that follows it to add the tag, and writes nothing. */
    if (e->version > OF_V10) {
        put_raw_value(e, R11_PUSH_VLAN, 4, 2,
                      ((const struct of_act_u32 *) a)->value);
    }
    return OF_ERR_NONE;
}

/* mod_tp_src and mod_tp_dst. */
static enum of_err
enc_l4_port(struct of_enc *e, const struct of_act *a)
{
    static const struct {
        uint8_t proto;
        enum of_field_id src, dst;
    } l4[] = {
        { 6, OF_F_TCP_SRC, OF_F_TCP_DST },
        { 17, OF_F_UDP_SRC, OF_F_UDP_DST },
        { 132, OF_F_SCTP_SRC, OF_F_SCTP_DST },
    };
    uint32_t port = ((const struct of_act_u32 *) a)->value;
    bool src = a->type == OF_ACT_SET_L4_SRC;

    if (e->version == OF_V10) {
        put_raw_value(e, src ? R10_SET_TP_SRC : R10_SET_TP_DST, 4, 2, port);
        return OF_ERR_NONE;
    }
    for (size_t i = 0; i < ARRAY_SIZE(l4); i++) {
        if (l4[i].proto == e->nw_proto) {
            put_oxm_u64(e, src ? l4[i].src : l4[i].dst, port);
            return OF_ERR_NONE;
        }
    }
    /* Without a transport protocol in the match there is no field to
     * set in 1.1+ (Open vSwitch refuses such a flow as well). */
    return OF_ERR_OFPBAC_MATCH_INCONSISTENT;
}

static enum of_err
enc_set_tunnel(struct of_enc *e, const struct of_act *a)
{
    if (e->version == OF_V10) {
        return of_nx_encode(e, a);
    }
    put_oxm_u64(e, OF_F_TUN_ID,
                ((const struct of_act_set_tunnel *) a)->tun_id);
    return OF_ERR_NONE;
}

/* The MPLS label and TC have OXM fields in 1.1+, Nicira actions in 1.0. */
static enum of_err
enc_mpls_field(struct of_enc *e, const struct of_act *a)
{
    if (e->version == OF_V10) {
        return of_nx_encode(e, a);
    }
    put_oxm_u64(
        e, a->type == OF_ACT_SET_MPLS_LABEL ? OF_F_MPLS_LABEL : OF_F_MPLS_TC,
        ((const struct of_act_u32 *) a)->value);
    return OF_ERR_NONE;
}

static enum of_err
enc_instruction(struct of_enc *e, const struct of_act *a)
{
    /* In 1.0, write_metadata and goto_table have Nicira spellings; the
     * other instructions cannot be said.  In 1.1+ instructions are not
     * actions and do not belong in an action list. */
    if (e->version == OF_V10
        && (a->type == OF_ACT_WRITE_METADATA
            || a->type == OF_ACT_GOTO_TABLE)) {
        return of_nx_encode(e, a);
    }
    if (e->version >= OF_V15 && a->type == OF_ACT_METER) {
        put_raw_value(e, R15_METER, 4, 4,
                      ((const struct of_act_u32 *) a)->value);
        return OF_ERR_NONE;
    }
    return OF_ERR_OFPBIC_UNSUP_INST;
}

typedef enum of_err act_encoder(struct of_enc *, const struct of_act *);

/* The encoder of each model action; of_nx_encode() for those only Nicira
 * extensions express. */
static act_encoder *const encoders[OF_N_ACT_TYPES] = {
    [OF_ACT_OUTPUT] = enc_output,
    [OF_ACT_OUTPUT_REG] = of_nx_encode,
    [OF_ACT_CONTROLLER] = enc_controller,
    [OF_ACT_ENQUEUE] = enc_enqueue,
    [OF_ACT_GROUP] = of_nx_encode,
    [OF_ACT_SET_FIELD] = enc_set_field,
    [OF_ACT_MOVE] = enc_move,
    [OF_ACT_SET_VLAN_VID] = enc_vlan,
    [OF_ACT_SET_VLAN_PCP] = enc_vlan,
    [OF_ACT_STRIP_VLAN] = enc_strip_vlan,
    [OF_ACT_PUSH_VLAN] = enc_push_vlan,
    [OF_ACT_SET_L4_SRC] = enc_l4_port,
    [OF_ACT_SET_L4_DST] = enc_l4_port,
    [OF_ACT_DEC_TTL] = of_nx_encode,
    [OF_ACT_SET_MPLS_LABEL] = enc_mpls_field,
    [OF_ACT_SET_MPLS_TC] = enc_mpls_field,
    [OF_ACT_SET_MPLS_TTL] = of_nx_encode,
    [OF_ACT_DEC_MPLS_TTL] = of_nx_encode,
    [OF_ACT_PUSH_MPLS] = of_nx_encode,
    [OF_ACT_POP_MPLS] = of_nx_encode,
    [OF_ACT_RESUBMIT] = of_nx_encode,
    [OF_ACT_SET_QUEUE] = of_nx_encode,
    [OF_ACT_POP_QUEUE] = of_nx_encode,
    [OF_ACT_NOTE] = of_nx_encode,
    [OF_ACT_LEARN] = of_nx_encode,
    [OF_ACT_CONJUNCTION] = of_nx_encode,
    [OF_ACT_CT] = of_nx_encode,
    [OF_ACT_CT_CLEAR] = of_nx_encode,
    [OF_ACT_MULTIPATH] = of_nx_encode,
    [OF_ACT_BUNDLE] = of_nx_encode,
    [OF_ACT_FIN_TIMEOUT] = of_nx_encode,
    [OF_ACT_SAMPLE] = of_nx_encode,
    [OF_ACT_EXIT] = of_nx_encode,
    [OF_ACT_CLONE] = of_nx_encode,
    [OF_ACT_CHECK_PKT_LARGER] = of_nx_encode,
    [OF_ACT_SET_TUNNEL] = enc_set_tunnel,
    [OF_ACT_METER] = enc_instruction,
    [OF_ACT_CLEAR_ACTIONS] = enc_instruction,
    [OF_ACT_WRITE_ACTIONS] = enc_instruction,
    [OF_ACT_WRITE_METADATA] = enc_instruction,
    [OF_ACT_GOTO_TABLE] = enc_instruction,
};

enum of_err
of_enc_list(struct of_enc *e, const void *acts, size_t len)
{
    OF_ACT_FOR_EACH(a, acts, len)
    {
        if (!a->type || a->type >= OF_N_ACT_TYPES || !encoders[a->type]) {
            return OF_ERR_OFPBAC_BAD_TYPE;
        }
        enum of_err err = encoders[a->type](e, a);
        if (err) {
            return err;
        }
        /* Track the VLAN tag the way Open vSwitch's action check does. */
        switch (a->type) {
        case OF_ACT_SET_VLAN_VID:
        case OF_ACT_SET_VLAN_PCP:
        case OF_ACT_PUSH_VLAN:
            e->has_vlan = true;
            break;
        case OF_ACT_STRIP_VLAN:
            e->has_vlan = false;
            break;
        default:
            break;
        }
    }
    return OF_ERR_NONE;
}

/* ---------------------------------------------------------------------
 * Entry points.
 * --------------------------------------------------------------------- */

static void
enc_init(struct of_enc *e, const struct of_match *match, uint8_t version,
         struct buf *b)
{
    memset(e, 0, sizeof *e);
    e->version = version;
    e->b = b;
    if (match) {
        uint16_t tci =
            ntohs(match->flow.vlans[0].tci) & ntohs(match->mask.vlans[0].tci);
        e->has_vlan = (tci & OF_OFPVID_PRESENT) != 0;
        if (match->mask.nw_proto == 0xff) {
            e->nw_proto = match->flow.nw_proto;
        }
    }
}

static bool
version_ok(uint8_t version)
{
    return version == OF_V10 || (version >= OF_V12 && version <= OF_V15);
}

enum of_err
of_acts_encode_actions(const struct of_acts *acts,
                       const struct of_match *match, uint8_t version,
                       struct buf *b)
{
    size_t start = b->len;
    struct of_enc e;

    if (!version_ok(version)) {
        return OF_ERR_OFPBRC_BAD_VERSION;
    }
    enc_init(&e, match, version, b);
    enum of_err err = of_enc_list(&e, acts->buf.data, acts->buf.len);
    if (err) {
        b->len = start;
    }
    return err;
}

/* OpenFlow 1.1+ instruction types. */
#define OFPIT_GOTO_TABLE 1
#define OFPIT_WRITE_METADATA 2
#define OFPIT_WRITE_ACTIONS 3
#define OFPIT_APPLY_ACTIONS 4
#define OFPIT_CLEAR_ACTIONS 5
#define OFPIT_METER 6

static bool
is_instruction(uint16_t type)
{
    return type >= OF_ACT_METER && type < OF_N_ACT_TYPES;
}

/* Starts instruction TYPE (type, length, 4 bytes of padding) and returns
 * its offset. */
static size_t
start_inst(struct of_enc *e, uint16_t type)
{
    size_t ofs = e->b->len;
    uint8_t *p = buf_put_zeros(e->b, 8);
    of_put16(p, type);
    of_put16(p + 2, 8);
    return ofs;
}

static void
end_inst(struct of_enc *e, size_t ofs)
{
    of_put16(e->b->data + ofs + 2, (uint16_t) (e->b->len - ofs));
}

/* Appends the 1.1+ instructions of ACTS in OpenFlow order: meter (an
 * action at the head of apply_actions in 1.5), apply_actions (omitted
 * when empty, as Open vSwitch does), clear_actions, write_actions,
 * write_metadata, goto_table. */
static enum of_err
enc_instructions(struct of_enc *e, const struct of_acts *acts)
{
    const struct of_act *meter = NULL, *clear = NULL, *write = NULL;
    const struct of_act *wm = NULL, *go = NULL;
    bool apply = false;
    enum of_err err = OF_ERR_NONE;

    OF_ACT_FOR_EACH(a, acts->buf.data, acts->buf.len)
    {
        switch (a->type) {
        case OF_ACT_METER:
            meter = a;
            break;
        case OF_ACT_CLEAR_ACTIONS:
            clear = a;
            break;
        case OF_ACT_WRITE_ACTIONS:
            write = a;
            break;
        case OF_ACT_WRITE_METADATA:
            wm = a;
            break;
        case OF_ACT_GOTO_TABLE:
            go = a;
            break;
        default:
            apply = true;
            break;
        }
    }
    if (meter && e->version < OF_V15) {
        size_t ofs = start_inst(e, OFPIT_METER);
        of_put32(e->b->data + ofs + 4,
                 ((const struct of_act_u32 *) meter)->value);
    }
    if (apply || (meter && e->version >= OF_V15)) {
        size_t ofs = start_inst(e, OFPIT_APPLY_ACTIONS);
        if (meter && e->version >= OF_V15) {
            put_raw_value(e, R15_METER, 4, 4,
                          ((const struct of_act_u32 *) meter)->value);
        }
        OF_ACT_FOR_EACH(a, acts->buf.data, acts->buf.len)
        {
            if (!is_instruction(a->type)) {
                err = of_enc_list(e, a, a->len);
                if (err) {
                    return err;
                }
            }
        }
        end_inst(e, ofs);
    }
    if (clear) {
        start_inst(e, OFPIT_CLEAR_ACTIONS);
    }
    if (write) {
        size_t ofs = start_inst(e, OFPIT_WRITE_ACTIONS), nlen;
        const struct of_act *nested = of_act_nested(write, &nlen);
        bool had_vlan = e->has_vlan;
        err = of_enc_list(e, nested, nlen);
        e->has_vlan = had_vlan;
        if (err) {
            return err;
        }
        end_inst(e, ofs);
    }
    if (wm) {
        const struct of_act_write_metadata *w = (const void *) wm;
        size_t ofs = start_inst(e, OFPIT_WRITE_METADATA);
        buf_put_zeros(e->b, 16);
        of_put64(e->b->data + ofs + 8, w->metadata);
        of_put64(e->b->data + ofs + 16, w->mask);
        end_inst(e, ofs);
    }
    if (go) {
        size_t ofs = start_inst(e, OFPIT_GOTO_TABLE);
        e->b->data[ofs + 4] =
            (uint8_t) ((const struct of_act_u32 *) go)->value;
    }
    return OF_ERR_NONE;
}

enum of_err
of_acts_encode(const struct of_acts *acts, const struct of_match *match,
               uint8_t version, struct buf *b)
{
    size_t start = b->len;
    struct of_enc e;
    enum of_err err;

    if (!version_ok(version)) {
        return OF_ERR_OFPBRC_BAD_VERSION;
    }
    enc_init(&e, match, version, b);
    err = version == OF_V10 ? of_enc_list(&e, acts->buf.data, acts->buf.len)
                            : enc_instructions(&e, acts);
    if (err) {
        b->len = start;
    }
    return err;
}
