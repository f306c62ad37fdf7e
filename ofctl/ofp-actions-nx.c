/* ofp-actions-nx.c: Nicira extension actions (vendor 0x2320 in OpenFlow
 * 1.0, experimenter 0x2320 in 1.1+), encoded and decoded.
 *
 * Layouts and the choice among the several forms of one action
 * (controller vs controller2, sample vs sample2/3, learn vs learn2,
 * reg_load vs reg_load2, output_reg vs output_reg2) follow Open vSwitch
 * 3.1.  Every Nicira action starts with a 10-byte header (type 0xffff,
 * length, vendor, subtype); the offsets below are from the start of the
 * action. */
#include <arpa/inet.h>
#include <string.h>

#include "ofctl/ofp-actions-private.h"
#include "ofctl/ofp-actions.h"
#include "ofctl/ofp-match.h"
#include "ofctl/text.h"

/* ---------------------------------------------------------------------
 * Actions with at most one number, the same in every Nicira and standard
 * form: the value (WIDTH bytes, 0 for none) sits at offset OFS10 of the
 * OpenFlow 1.0 form and at OFS11 of the 1.1+ form, or, when FIELD11 is
 * set, the 1.1+ form is an OXM set_field of that field (in
 * ofp-actions-encode.c).  MAX bounds the value on decoding.
 * --------------------------------------------------------------------- */
static const struct simple {
    enum of_act_type type;
    enum of_raw raw10, raw11;
    uint8_t ofs10, ofs11, width;
    uint32_t max;
} simples[] = {
    { OF_ACT_GROUP, NX_GROUP, R11_GROUP, 12, 4, 4, 0xffffff00u },
    { OF_ACT_SET_MPLS_LABEL, NX_SET_MPLS_LABEL, OF_N_RAWS, 12, 0, 4, 0xfffff },
    { OF_ACT_SET_MPLS_TC, NX_SET_MPLS_TC, OF_N_RAWS, 10, 0, 1, 7 },
    { OF_ACT_SET_MPLS_TTL, NX_SET_MPLS_TTL, R11_SET_MPLS_TTL, 10, 4, 1, 255 },
    { OF_ACT_DEC_MPLS_TTL, NX_DEC_MPLS_TTL, R11_DEC_MPLS_TTL, 0, 0, 0, 0 },
    { OF_ACT_PUSH_MPLS, NX_PUSH_MPLS, R11_PUSH_MPLS, 10, 4, 2, 0xffff },
    { OF_ACT_POP_MPLS, NX_POP_MPLS, R11_POP_MPLS, 10, 4, 2, 0xffff },
    { OF_ACT_SET_QUEUE, NX_SET_QUEUE, R11_SET_QUEUE, 12, 4, 4, UINT32_MAX },
    { OF_ACT_POP_QUEUE, NX_POP_QUEUE, NX_POP_QUEUE, 0, 0, 0, 0 },
    { OF_ACT_EXIT, NX_EXIT, NX_EXIT, 0, 0, 0, 0 },
    { OF_ACT_CT_CLEAR, NX_CT_CLEAR, NX_CT_CLEAR, 0, 0, 0, 0 },
};

static uint32_t
get_be(const uint8_t *p, size_t width)
{
    uint32_t v = 0;
    for (size_t i = 0; i < width; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

static void
put_be(uint8_t *p, uint32_t v, size_t width)
{
    for (size_t i = 0; i < width; i++) {
        p[width - 1 - i] = (uint8_t) (v >> (8 * i));
    }
}

static enum of_err
enc_simple(struct of_enc *e, const struct simple *s, const struct of_act *a)
{
    bool v10 = e->version == OF_V10;
    enum of_raw raw = v10 ? s->raw10 : s->raw11;
    size_t at = of_wire_put_raw(e, raw);

    if (s->width) {
        put_be(of_wire_at(e, at) + (v10 ? s->ofs10 : s->ofs11),
               ((const struct of_act_u32 *) a)->value, s->width);
    }
    return OF_ERR_NONE;
}

static enum of_err
dec_simple(struct of_dec *d, const struct simple *s, const uint8_t *a,
           size_t len)
{
    uint32_t v = s->width ? get_be(a + s->ofs10, s->width) : 0;

    /* Everything but the value is padding. */
    for (size_t i = OF_NX_HDR_LEN; i < len; i++) {
        if ((i < s->ofs10 || i >= s->ofs10 + s->width) && a[i]) {
            return OF_ERR_NXBAC_MUST_BE_ZERO;
        }
    }
    if (v > s->max) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    if (s->type == OF_ACT_PUSH_MPLS && v != ETH_TYPE_MPLS
        && v != ETH_TYPE_MPLS_MCAST) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    if (s->width) {
        struct of_act_u32 *u = of_acts_put(d->out, s->type, sizeof *u, 0);
        u->value = v;
    } else {
        of_acts_put(d->out, s->type, sizeof(struct of_act), 0);
    }
    return OF_ERR_NONE;
}

/* ---------------------------------------------------------------------
 * Helpers.
 * --------------------------------------------------------------------- */

static size_t
round8(size_t n)
{
    return (n + 7) / 8 * 8;
}

/* Model controller reasons are numbered from "action"; OpenFlow's
 * OFPR_NO_MATCH is 0 and OFPR_ACTION 1.  The mapping is its own
 * inverse. */
static uint8_t
reason_swap(uint8_t r)
{
    return r <= 1 ? (uint8_t) (1 - r) : r;
}

static enum of_err
check_zero(const uint8_t *p, size_t n)
{
    return of_wire_is_zero(p, n) ? OF_ERR_NONE : OF_ERR_NXBAC_MUST_BE_ZERO;
}

static bool
writable(const struct of_subfield *sf)
{
    return of_field_from_id(sf->field)->writable;
}

/* Encodes the nested list of A (clone, ct) at the current position; the
 * VLAN state the list leaves behind does not outlive it, as in Open
 * vSwitch's check. */
static enum of_err
enc_nested(struct of_enc *e, const struct of_act *a)
{
    size_t nlen;
    const struct of_act *nested = of_act_nested(a, &nlen);
    bool had_vlan = e->has_vlan;
    enum of_err err = of_enc_list(e, nested, nlen);
    e->has_vlan = had_vlan;
    return err;
}

/* ---------------------------------------------------------------------
 * set_field as reg_load.
 * --------------------------------------------------------------------- */

void
of_nx_put_load(struct of_enc *e, const struct of_act_set_field *sf)
{
    const struct of_field *f = of_field_from_id(sf->field);
    union of_value v, m;
    size_t at;

    of_act_set_field_value(sf, &v);
    of_act_set_field_mask(sf, &m);
    bool exact = of_wire_mask_is_exact(f, &m);
    if (of_field_header_len(f, false) != 4 || f->where == OF_IN_TUN_MD) {
        /* No 32-bit header, or variable length (tunnel metadata):
         * reg_load2 carries a whole entry, masked unless exact. */
        at = of_wire_put_raw(e, NX_REG_LOAD2);
        e->b->len = at + OF_NX_HDR_LEN;
        of_wire_put_entry(e->b, f, false, &v, exact ? NULL : &m);
        of_wire_finish(e, at);
        return;
    }
    /* Open vSwitch's arp_op is 16 bits wide (the model keeps the 8 that
     * a flow can hold), so a whole-field write covers 16 bits. */
    unsigned width = f->id == OF_F_ARP_OP && exact ? 16 : f->n_bits;
    if (width != f->n_bits) {
        memset(m.be, 0xff, f->n_bytes);
    }
    /* One reg_load per run of mask bits, at most 64 bits each, lowest
     * bits first. */
    for (unsigned bit = 0; bit < width;) {
        if (!of_bit_get(m.be, f->n_bytes, bit)) {
            bit++;
            continue;
        }
        unsigned start = bit;
        uint64_t value = 0;
        while (bit < width && bit - start < 64
               && of_bit_get(m.be, f->n_bytes, bit)) {
            value |= (uint64_t) of_bit_get(v.be, f->n_bytes, bit)
                     << (bit - start);
            bit++;
        }
        at = of_wire_put_raw(e, NX_REG_LOAD);
        uint8_t *p = of_wire_at(e, at);
        of_put16(p + 10,
                 of_ofs_nbits((uint16_t) start, (uint16_t) (bit - start)));
        of_put32(p + 12, of_nx_header(f));
        of_put64(p + 16, value);
    }
}

static enum of_err
dec_reg_load(struct of_dec *d, const uint8_t *a)
{
    struct of_subfield dst;
    union of_value v, m;
    uint16_t ofs_nbits = of_get16(a + 10);
    uint64_t value = of_get64(a + 16);
    struct of_cursor c;
    enum of_err err;
    bool masked;
    size_t plen;

    of_cursor_init(&c, a + 12, 4);
    const struct of_field *f = of_field_pull_header(&c, &masked, &plen, &err);
    if (!f || masked || !f->writable) {
        return OF_ERR_OFPBAC_BAD_SET_TYPE;
    }
    if (f->id == OF_F_ARP_OP && ofs_nbits == of_ofs_nbits(0, 16)) {
        /* A whole 16-bit arp_op write (see of_nx_put_load()): the model
         * holds the low 8 bits. */
        if (value > 0xff) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        ofs_nbits = of_ofs_nbits(0, 8);
    }
    err = of_nx_pull_subfield_packed(a + 12, ofs_nbits, &dst);
    if (err) {
        return err;
    }
    if (dst.n_bits < 64 && value >> dst.n_bits) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    memset(v.be, 0, f->n_bytes);
    memset(m.be, 0, f->n_bytes);
    for (unsigned i = 0; i < dst.n_bits; i++) {
        of_bit_set(v.be, f->n_bytes, dst.ofs + i, (value >> i) & 1);
        of_bit_set(m.be, f->n_bytes, dst.ofs + i, true);
    }
    of_acts_put_set_field(d->out, f, &v, &m, OF_SET_FIELD_LOAD);
    return OF_ERR_NONE;
}

/* ---------------------------------------------------------------------
 * controller.
 * --------------------------------------------------------------------- */

/* NXAST_CONTROLLER2 property types. */
enum {
    NXAC2PT_MAX_LEN,
    NXAC2PT_CONTROLLER_ID,
    NXAC2PT_REASON,
    NXAC2PT_USERDATA,
    NXAC2PT_PAUSE,
    NXAC2PT_METER_ID,
};

static void
put_prop(struct buf *b, uint16_t type, const void *data, size_t n)
{
    size_t start = b->len;
    of_buf_put16(b, type);
    of_buf_put16(b, (uint16_t) (4 + n));
    if (n) {
        buf_put(b, data, n);
    }
    of_buf_pad8(b, start);
}

static enum of_err
enc_controller(struct of_enc *e, const struct of_act_controller *c)
{
    size_t at;

    if (!c->userdata_len && !c->pause && !c->meter_id) {
        at = of_wire_put_raw(e, NX_CONTROLLER);
        uint8_t *p = of_wire_at(e, at);
        of_put16(p + 10, c->max_len);
        of_put16(p + 12, c->controller_id);
        p[14] = reason_swap(c->reason);
        return OF_ERR_NONE;
    }
    /* Properties only for what differs from the defaults. */
    at = of_wire_put_raw(e, NX_CONTROLLER2);
    uint8_t x[4];
    /* The 16-bit properties carry two bytes of padding inside their
     * length, as Open vSwitch writes them. */
    memset(x, 0, sizeof x);
    if (c->max_len != UINT16_MAX) {
        of_put16(x, c->max_len);
        put_prop(e->b, NXAC2PT_MAX_LEN, x, 4);
    }
    if (c->controller_id) {
        of_put16(x, c->controller_id);
        put_prop(e->b, NXAC2PT_CONTROLLER_ID, x, 4);
    }
    if (c->reason != OF_CTL_ACTION) {
        x[0] = reason_swap(c->reason);
        put_prop(e->b, NXAC2PT_REASON, x, 1);
    }
    if (c->userdata_len) {
        put_prop(e->b, NXAC2PT_USERDATA, c + 1, c->userdata_len);
    }
    if (c->pause) {
        put_prop(e->b, NXAC2PT_PAUSE, NULL, 0);
    }
    if (c->meter_id) {
        of_put32(x, c->meter_id);
        put_prop(e->b, NXAC2PT_METER_ID, x, 4);
    }
    of_wire_finish(e, at);
    return OF_ERR_NONE;
}

static enum of_err
dec_controller2(struct of_dec *d, const uint8_t *a, size_t len)
{
    struct of_act_controller c;
    const uint8_t *userdata = NULL;
    size_t ofs = 16;

    memset(&c, 0, sizeof c);
    c.max_len = UINT16_MAX;
    if (!of_wire_is_zero(a + 10, 6)) {
        return OF_ERR_NXBAC_MUST_BE_ZERO;
    }
    while (ofs < len) {
        if (len - ofs < 4) {
            return OF_ERR_OFPBAC_BAD_LEN;
        }
        uint16_t type = of_get16(a + ofs), plen = of_get16(a + ofs + 2);
        if (plen < 4 || round8(plen) > len - ofs) {
            return OF_ERR_OFPBAC_BAD_LEN;
        }
        const uint8_t *v = a + ofs + 4;
        static const uint8_t want[] = {
            [NXAC2PT_MAX_LEN] = 8, [NXAC2PT_CONTROLLER_ID] = 8,
            [NXAC2PT_REASON] = 5,  [NXAC2PT_USERDATA] = 0,
            [NXAC2PT_PAUSE] = 4,   [NXAC2PT_METER_ID] = 8,
        };
        if (type >= ARRAY_SIZE(want)) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        if (want[type] && plen != want[type]) {
            return OF_ERR_OFPBAC_BAD_LEN;
        }
        switch (type) {
        case NXAC2PT_MAX_LEN:
        case NXAC2PT_CONTROLLER_ID:
            if (v[2] || v[3]) {
                return OF_ERR_NXBAC_MUST_BE_ZERO;
            }
            *(type == NXAC2PT_MAX_LEN ? &c.max_len : &c.controller_id) =
                of_get16(v);
            break;
        case NXAC2PT_REASON:
            if (v[0] > OF_CTL_PACKET_OUT) {
                return OF_ERR_OFPBAC_BAD_ARGUMENT;
            }
            c.reason = reason_swap(v[0]);
            break;
        case NXAC2PT_USERDATA:
            userdata = v;
            c.userdata_len = (uint16_t) (plen - 4);
            break;
        case NXAC2PT_PAUSE:
            c.pause = 1;
            break;
        case NXAC2PT_METER_ID:
            c.meter_id = of_get32(v);
            break;
        }
        if (!of_wire_is_zero(a + ofs + plen, round8(plen) - plen)) {
            return OF_ERR_NXBAC_MUST_BE_ZERO;
        }
        ofs += round8(plen);
    }
    struct of_act_controller *p =
        of_acts_put(d->out, OF_ACT_CONTROLLER, sizeof *p, c.userdata_len);
    c.hdr = p->hdr;
    *p = c;
    if (c.userdata_len) {
        memcpy(p + 1, userdata, c.userdata_len);
    }
    return OF_ERR_NONE;
}

/* ---------------------------------------------------------------------
 * learn.
 * --------------------------------------------------------------------- */

#define NX_LEARN_SRC_IMMEDIATE 0x2000
#define NX_LEARN_DST_SHIFT 11
#define NX_LEARN_RESERVED 0xc400

static void
put_subfield_ref(struct buf *b, const struct of_subfield *sf)
{
    of_field_put_header(b, of_field_from_id(sf->field), false, false);
    of_buf_put16(b, sf->ofs);
}

static enum of_err
enc_learn(struct of_enc *e, const struct of_act_learn *l)
{
    bool v2 = l->limit || (l->flags & OF_LEARN_WRITE_RESULT);
    size_t at = of_wire_put_raw(e, v2 ? NX_LEARN2 : NX_LEARN);
    uint8_t *p = of_wire_at(e, at);

    of_put16(p + 10, l->idle_timeout);
    of_put16(p + 12, l->hard_timeout);
    of_put16(p + 14, l->priority);
    of_put64(p + 16, l->cookie);
    of_put16(p + 24, l->flags);
    p[26] = l->table_id;
    of_put16(p + 28, l->fin_idle_timeout);
    of_put16(p + 30, l->fin_hard_timeout);
    if (v2) {
        of_put32(p + 32, l->limit);
        if (l->flags & OF_LEARN_WRITE_RESULT) {
            of_put16(p + 36, l->result_dst.ofs);
            of_field_put_header(e->b, of_field_from_id(l->result_dst.field),
                                false, false);
        }
    }
    OF_LEARN_SPEC_FOR_EACH(s, l)
    {
        of_buf_put16(e->b,
                     (uint16_t) (s->n_bits
                                 | (s->src_imm ? NX_LEARN_SRC_IMMEDIATE : 0)
                                 | s->kind << NX_LEARN_DST_SHIFT));
        if (s->src_imm) {
            /* Immediates travel in 16-bit units, right-aligned. */
            size_t wire = (s->n_bits + 15u) / 16 * 2;
            buf_put_zeros(e->b, wire - s->imm_bytes);
            buf_put(e->b, s + 1, s->imm_bytes);
        } else {
            put_subfield_ref(e->b, &s->src);
        }
        if (s->kind != OF_LEARN_OUTPUT) {
            put_subfield_ref(e->b, &s->dst);
        }
    }
    of_wire_finish(e, at);
    return OF_ERR_NONE;
}

/* Pulls a field header and 16-bit offset for a subfield N_BITS wide. */
static enum of_err
pull_subfield_ref(struct of_cursor *c, uint16_t n_bits, struct of_subfield *sf)
{
    enum of_err err;
    bool masked;
    size_t plen;
    const struct of_field *f = of_field_pull_header(c, &masked, &plen, &err);
    const uint8_t *ofs = f ? of_cursor_pull(c, 2) : NULL;

    if (!ofs || masked || of_get16(ofs) + (unsigned) n_bits > f->n_bits) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    memset(sf, 0, sizeof *sf);
    sf->field = (uint16_t) f->id;
    sf->ofs = of_get16(ofs);
    sf->n_bits = n_bits;
    return OF_ERR_NONE;
}

static enum of_err
dec_learn_spec(struct of_cursor *c, uint16_t h, struct buf *specs)
{
    struct of_learn_spec s;
    uint8_t imm[OF_VALUE_MAX] = { 0 };
    enum of_err err;

    memset(&s, 0, sizeof s);
    s.n_bits = h & 0x3ff;
    s.src_imm = (h & NX_LEARN_SRC_IMMEDIATE) != 0;
    s.kind = (h >> NX_LEARN_DST_SHIFT) & 3;
    if ((h & NX_LEARN_RESERVED) || s.kind > OF_LEARN_OUTPUT || !s.n_bits
        || (s.kind == OF_LEARN_OUTPUT && s.src_imm)
        || s.n_bits > OF_VALUE_MAX * 8) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    if (s.src_imm) {
        size_t wire = (s.n_bits + 15u) / 16 * 2;
        const uint8_t *v = of_cursor_pull(c, wire);
        if (!v) {
            return OF_ERR_OFPBAC_BAD_LEN;
        }
        s.imm_bytes = (uint16_t) ((s.n_bits + 7u) / 8);
        size_t lead = wire - s.imm_bytes;
        /* Bits above N_BITS would not survive the model. */
        if (!of_wire_is_zero(v, lead)
            || (s.n_bits % 8 && v[lead] >> (s.n_bits % 8))) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        memcpy(imm, v + lead, s.imm_bytes);
    } else if ((err = pull_subfield_ref(c, s.n_bits, &s.src))) {
        return err;
    }
    if (s.kind != OF_LEARN_OUTPUT) {
        err = pull_subfield_ref(c, s.n_bits, &s.dst);
        if (err) {
            return err;
        }
        if (s.kind == OF_LEARN_LOAD && !writable(&s.dst)) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
    }
    s.len = (uint16_t) round8(sizeof s + s.imm_bytes);
    uint8_t *p = buf_put_zeros(specs, s.len);
    memcpy(p, &s, sizeof s);
    memcpy(p + sizeof s, imm, s.imm_bytes);
    return OF_ERR_NONE;
}

static enum of_err
dec_learn(struct of_dec *d, enum of_raw raw, const uint8_t *a, size_t len)
{
    struct of_act_learn l;
    struct buf specs = BUF_INITIALIZER;
    struct of_cursor c;
    enum of_err err = OF_ERR_NONE;
    uint16_t flags = of_get16(a + 24);

    memset(&l, 0, sizeof l);
    l.idle_timeout = of_get16(a + 10);
    l.hard_timeout = of_get16(a + 12);
    l.priority = of_get16(a + 14);
    l.cookie = of_get64(a + 16);
    l.table_id = a[26];
    l.fin_idle_timeout = of_get16(a + 28);
    l.fin_hard_timeout = of_get16(a + 30);
    if (a[27]) {
        return OF_ERR_NXBAC_MUST_BE_ZERO;
    }
    if (flags
            & ~(OF_LEARN_SEND_FLOW_REM | OF_LEARN_DELETE_LEARNED
                | (raw == NX_LEARN2 ? OF_LEARN_WRITE_RESULT : 0))
        || l.table_id == 255) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    l.flags = (uint8_t) flags;
    of_cursor_init(&c, a + 32, len - 32);
    if (raw == NX_LEARN2) {
        const uint8_t *p = of_cursor_pull(&c, 8);
        l.limit = of_get32(p);
        if (p[6] || p[7]) {
            return OF_ERR_NXBAC_MUST_BE_ZERO;
        }
        if (flags & OF_LEARN_WRITE_RESULT) {
            enum of_err e2;
            bool masked;
            size_t plen;
            const struct of_field *f =
                of_field_pull_header(&c, &masked, &plen, &e2);
            if (!f || masked || of_get16(p + 4) >= f->n_bits || !f->writable) {
                return OF_ERR_OFPBAC_BAD_ARGUMENT;
            }
            l.result_dst.field = (uint16_t) f->id;
            l.result_dst.ofs = of_get16(p + 4);
            l.result_dst.n_bits = 1;
        } else if (of_get16(p + 4)) {
            return OF_ERR_NXBAC_MUST_BE_ZERO;
        }
    }
    while (!err && c.left >= 2 && of_get16(c.p)) {
        uint16_t h = of_get16(of_cursor_pull(&c, 2));
        err = dec_learn_spec(&c, h, &specs);
        l.n_specs++;
    }
    if (!err && !of_wire_is_zero(c.p, c.left)) {
        err = OF_ERR_NXBAC_MUST_BE_ZERO;
    }
    if (!err) {
        struct of_act_learn *p =
            of_acts_put(d->out, OF_ACT_LEARN, sizeof *p, specs.len);
        l.hdr = p->hdr;
        *p = l;
        if (specs.len) {
            memcpy(p + 1, specs.data, specs.len);
        }
    }
    buf_destroy(&specs);
    return err;
}

/* ---------------------------------------------------------------------
 * ct and nat.
 * --------------------------------------------------------------------- */

#define NX_NAT_RANGE_IPV4_MIN 0x01
#define NX_NAT_RANGE_IPV4_MAX 0x02
#define NX_NAT_RANGE_IPV6_MIN 0x04
#define NX_NAT_RANGE_IPV6_MAX 0x08
#define NX_NAT_RANGE_PROTO_MIN 0x10
#define NX_NAT_RANGE_PROTO_MAX 0x20
#define NX_CT_F_ALL 0x3
#define NX_NAT_F_ALL 0x1f

static void
enc_nat(struct of_enc *e, const struct of_nat *nat)
{
    size_t at = of_wire_put_raw(e, NX_NAT), alen = 0;
    uint16_t range = 0;

    e->b->len = at + 16;
    if (nat->af) {
        alen = nat->af == AF_INET ? 4 : 16;
        bool max = memcmp(&nat->addr_min, &nat->addr_max, alen) != 0;
        range |=
            nat->af == AF_INET ? NX_NAT_RANGE_IPV4_MIN : NX_NAT_RANGE_IPV6_MIN;
        buf_put(e->b, &nat->addr_min, alen);
        if (max) {
            range |= nat->af == AF_INET ? NX_NAT_RANGE_IPV4_MAX
                                        : NX_NAT_RANGE_IPV6_MAX;
            buf_put(e->b, &nat->addr_max, alen);
        }
    }
    if (nat->has_ports) {
        range |= NX_NAT_RANGE_PROTO_MIN;
        of_buf_put16(e->b, nat->port_min);
        if (nat->port_max != nat->port_min) {
            range |= NX_NAT_RANGE_PROTO_MAX;
            of_buf_put16(e->b, nat->port_max);
        }
    }
    of_put16(of_wire_at(e, at) + 12, nat->flags);
    of_put16(of_wire_at(e, at) + 14, range);
    of_wire_finish(e, at);
}

static enum of_err
dec_nat(const uint8_t *a, size_t len, struct of_nat *nat)
{
    uint16_t flags = of_get16(a + 12), range = of_get16(a + 14);
    struct of_cursor c;

    memset(nat, 0, sizeof *nat);
    nat->present = 1;
    if (a[10] || a[11]) {
        return OF_ERR_NXBAC_MUST_BE_ZERO;
    }
    if ((flags & ~NX_NAT_F_ALL) || (range & ~0x3f)
        || ((flags & OF_NAT_SRC) && (flags & OF_NAT_DST))
        || ((flags & OF_NAT_HASH) && (flags & OF_NAT_RANDOM))) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    nat->flags = (uint8_t) flags;
    bool v4 = range & (NX_NAT_RANGE_IPV4_MIN | NX_NAT_RANGE_IPV4_MAX);
    bool v6 = range & (NX_NAT_RANGE_IPV6_MIN | NX_NAT_RANGE_IPV6_MAX);
    /* What the text syntax cannot say, the model cannot hold: a maximum
     * without a minimum, ports or flags without addresses, addresses
     * without a direction, two families. */
    if ((v4 && v6)
        || ((range & NX_NAT_RANGE_IPV4_MAX)
            && !(range & NX_NAT_RANGE_IPV4_MIN))
        || ((range & NX_NAT_RANGE_IPV6_MAX)
            && !(range & NX_NAT_RANGE_IPV6_MIN))
        || ((range & NX_NAT_RANGE_PROTO_MAX)
            && !(range & NX_NAT_RANGE_PROTO_MIN))
        || (!v4 && !v6 && (range || (flags & ~(OF_NAT_SRC | OF_NAT_DST))))
        || ((v4 || v6) && !(flags & (OF_NAT_SRC | OF_NAT_DST)))) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    of_cursor_init(&c, a + 16, len - 16);
    size_t alen = v4 ? 4 : 16;
    if (v4 || v6) {
        const uint8_t *p = of_cursor_pull(&c, alen);
        if (!p) {
            return OF_ERR_OFPBAC_BAD_LEN;
        }
        nat->af = v4 ? AF_INET : AF_INET6;
        memcpy(&nat->addr_min, p, alen);
        nat->addr_max = nat->addr_min;
        if (range & (NX_NAT_RANGE_IPV4_MAX | NX_NAT_RANGE_IPV6_MAX)) {
            p = of_cursor_pull(&c, alen);
            if (!p) {
                return OF_ERR_OFPBAC_BAD_LEN;
            }
            memcpy(&nat->addr_max, p, alen);
            if (memcmp(&nat->addr_max, &nat->addr_min, alen) < 0) {
                return OF_ERR_OFPBAC_BAD_ARGUMENT;
            }
        }
    }
    if (range & NX_NAT_RANGE_PROTO_MIN) {
        const uint8_t *p = of_cursor_pull(&c, 2);
        if (!p) {
            return OF_ERR_OFPBAC_BAD_LEN;
        }
        nat->has_ports = 1;
        nat->port_min = nat->port_max = of_get16(p);
        if (range & NX_NAT_RANGE_PROTO_MAX) {
            p = of_cursor_pull(&c, 2);
            if (!p) {
                return OF_ERR_OFPBAC_BAD_LEN;
            }
            nat->port_max = of_get16(p);
            if (nat->port_max < nat->port_min) {
                return OF_ERR_OFPBAC_BAD_ARGUMENT;
            }
        }
    }
    if (c.left >= 8) {
        return OF_ERR_OFPBAC_BAD_LEN;
    }
    return check_zero(c.p, c.left);
}

static enum of_err
enc_ct(struct of_enc *e, const struct of_act_ct *ct)
{
    size_t at = of_wire_put_raw(e, NX_CT);
    uint8_t *p = of_wire_at(e, at);

    of_put16(p + 10, ct->flags);
    if (ct->zone_src.n_bits) {
        of_put32(p + 12, of_nx_header(of_field_from_id(ct->zone_src.field)));
        of_put16(p + 16, of_ofs_nbits(ct->zone_src.ofs, ct->zone_src.n_bits));
    } else {
        of_put16(p + 16, ct->zone_imm);
    }
    p[18] = ct->recirc_table;
    of_put16(p + 22, ct->alg);
    if (ct->nat.present) {
        enc_nat(e, &ct->nat);
    }
    enum of_err err = enc_nested(e, &ct->hdr);
    of_wire_finish(e, at);
    return err;
}

static enum of_err
dec_ct(struct of_dec *d, const uint8_t *a, size_t len)
{
    uint16_t flags = of_get16(a + 10);
    struct of_act_ct ct;
    enum of_err err;

    if (d->in_ct) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    memset(&ct, 0, sizeof ct);
    if ((flags & ~NX_CT_F_ALL)
        || ((flags & OF_CT_FORCE) && !(flags & OF_CT_COMMIT))) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    if ((err = check_zero(a + 19, 3))) {
        return err;
    }
    ct.flags = (uint8_t) flags;
    ct.recirc_table = a[18];
    ct.alg = of_get16(a + 22);
    if (of_get32(a + 12)) {
        err =
            of_nx_pull_subfield_packed(a + 12, of_get16(a + 16), &ct.zone_src);
        if (err || ct.zone_src.n_bits != 16) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
    } else {
        ct.zone_imm = of_get16(a + 16);
    }

    /* A nat action may open the nested list; the rest are the "exec"
     * actions, which may only set ct_mark and ct_label. */
    const uint8_t *n = a + 24;
    size_t nlen = len - 24;
    if (nlen >= 16 && of_get16(n) == OF_OFPAT_VENDOR
        && of_get32(n + 4) == OF_VENDOR_NX && of_get16(n + 8) == 36) {
        size_t alen = of_get16(n + 2);
        if (alen < 16 || alen % 8 || alen > nlen) {
            return OF_ERR_OFPBAC_BAD_LEN;
        }
        err = dec_nat(n, alen, &ct.nat);
        if (err) {
            return err;
        }
        n += alen;
        nlen -= alen;
    }
    struct of_act_ct *p = of_acts_put(d->out, OF_ACT_CT, sizeof *p, 0);
    size_t ofs = of_acts_offset(d->out, p);
    ct.hdr = p->hdr;
    *p = ct;
    d->in_ct = true;
    d->depth++;
    err = of_dec_list(d, n, nlen);
    d->depth--;
    d->in_ct = false;
    of_acts_nest_end(d->out, ofs);
    if (!err) {
        size_t elen;
        const struct of_act *exec =
            of_act_nested((const void *) (d->out->buf.data + ofs), &elen);
        OF_ACT_FOR_EACH(x, exec, elen)
        {
            const struct of_act_set_field *sf = (const void *) x;
            if (x->type != OF_ACT_SET_FIELD
                || (sf->field != OF_F_CT_MARK && sf->field != OF_F_CT_LABEL)) {
                return OF_ERR_OFPBAC_BAD_ARGUMENT;
            }
        }
    }
    return err;
}

/* ---------------------------------------------------------------------
 * Encoding.
 * --------------------------------------------------------------------- */

enum of_err
of_nx_encode(struct of_enc *e, const struct of_act *a)
{
    size_t at;
    uint8_t *p;

    for (size_t i = 0; i < ARRAY_SIZE(simples); i++) {
        if (simples[i].type == a->type) {
            return enc_simple(e, &simples[i], a);
        }
    }
    switch (a->type) {
    case OF_ACT_OUTPUT: {
        const struct of_act_output *o = (const void *) a;
        at = of_wire_put_raw(e, NX_OUTPUT_TRUNC);
        of_put16(of_wire_at(e, at) + 10, o->port);
        of_put32(of_wire_at(e, at) + 12, o->max_len);
        return OF_ERR_NONE;
    }
    case OF_ACT_OUTPUT_REG: {
        const struct of_act_output_reg *o = (const void *) a;
        const struct of_field *f = of_field_from_id(o->src.field);
        /* Open vSwitch writes UINT16_MAX when no max_len was given. */
        uint16_t max_len = o->max_len ? o->max_len : UINT16_MAX;
        if (of_field_header_len(f, false) == 4) {
            at = of_wire_put_raw(e, NX_OUTPUT_REG);
            p = of_wire_at(e, at);
            of_put16(p + 10, of_ofs_nbits(o->src.ofs, o->src.n_bits));
            of_put32(p + 12, of_nx_header(f));
            of_put16(p + 16, max_len);
        } else {
            at = of_wire_put_raw(e, NX_OUTPUT_REG2);
            p = of_wire_at(e, at);
            of_put16(p + 10, of_ofs_nbits(o->src.ofs, o->src.n_bits));
            of_put16(p + 12, max_len);
            e->b->len = at + 14;
            of_field_put_header(e->b, f, false, false);
            of_wire_finish(e, at);
        }
        return OF_ERR_NONE;
    }
    case OF_ACT_CONTROLLER:
        return enc_controller(e, (const void *) a);
    case OF_ACT_DEC_TTL: {
        const struct of_act_dec_ttl *dt = (const void *) a;
        if (!dt->n_ids) {
            of_wire_put_raw(e, e->version == OF_V10 ? NX_DEC_TTL
                                                    : R11_DEC_NW_TTL);
            return OF_ERR_NONE;
        }
        const uint16_t *ids = (const void *) (dt + 1);
        at = of_wire_put_raw(e, NX_DEC_TTL_CNT_IDS);
        of_put16(of_wire_at(e, at) + 10, dt->n_ids);
        for (size_t i = 0; i < dt->n_ids; i++) {
            of_buf_put16(e->b, ids[i]);
        }
        of_wire_finish(e, at);
        return OF_ERR_NONE;
    }
    case OF_ACT_RESUBMIT: {
        const struct of_act_resubmit *r = (const void *) a;
        at = of_wire_put_raw(e, r->with_ct ? NX_RESUBMIT_TABLE_CT
                                           : NX_RESUBMIT_TABLE);
        of_put16(of_wire_at(e, at) + 10, r->port);
        of_wire_at(e, at)[12] = r->table_id;
        return OF_ERR_NONE;
    }
    case OF_ACT_GOTO_TABLE:
        /* OpenFlow 1.0 only: Open vSwitch's resubmit(,T). */
        at = of_wire_put_raw(e, NX_RESUBMIT_TABLE);
        of_put16(of_wire_at(e, at) + 10, OF_PORT_IN_PORT);
        of_wire_at(e, at)[12] =
            (uint8_t) ((const struct of_act_u32 *) a)->value;
        return OF_ERR_NONE;
    case OF_ACT_WRITE_METADATA: {
        const struct of_act_write_metadata *w = (const void *) a;
        at = of_wire_put_raw(e, NX_WRITE_METADATA);
        of_put64(of_wire_at(e, at) + 16, w->metadata);
        of_put64(of_wire_at(e, at) + 24, w->mask);
        return OF_ERR_NONE;
    }
    case OF_ACT_NOTE: {
        const struct of_act_note *n = (const void *) a;
        at = of_wire_put_raw(e, NX_NOTE);
        e->b->len = at + OF_NX_HDR_LEN;
        buf_put(e->b, n + 1, n->n_bytes);
        of_wire_finish(e, at);
        return OF_ERR_NONE;
    }
    case OF_ACT_LEARN:
        return enc_learn(e, (const void *) a);
    case OF_ACT_CONJUNCTION: {
        const struct of_act_conjunction *c = (const void *) a;
        at = of_wire_put_raw(e, NX_CONJUNCTION);
        p = of_wire_at(e, at);
        p[10] = c->clause;
        p[11] = c->n_clauses;
        of_put32(p + 12, c->id);
        return OF_ERR_NONE;
    }
    case OF_ACT_CT:
        return enc_ct(e, (const void *) a);
    case OF_ACT_MULTIPATH: {
        const struct of_act_multipath *m = (const void *) a;
        at = of_wire_put_raw(e, NX_MULTIPATH);
        p = of_wire_at(e, at);
        of_put16(p + 10, m->fields);
        of_put16(p + 12, m->basis);
        of_put16(p + 16, m->algorithm);
        of_put16(p + 18, m->max_link);
        of_put32(p + 20, m->arg);
        of_put16(p + 26, of_ofs_nbits(m->dst.ofs, m->dst.n_bits));
        of_put32(p + 28, of_nx_header(of_field_from_id(m->dst.field)));
        return OF_ERR_NONE;
    }
    case OF_ACT_BUNDLE: {
        const struct of_act_bundle *bd = (const void *) a;
        const uint16_t *members = (const void *) (bd + 1);
        bool load = bd->dst.n_bits != 0;
        at = of_wire_put_raw(e, load ? NX_BUNDLE_LOAD : NX_BUNDLE);
        p = of_wire_at(e, at);
        of_put16(p + 10, bd->algorithm);
        of_put16(p + 12, bd->fields);
        of_put16(p + 14, bd->basis);
        of_put32(p + 16, of_nx_header(of_field_from_id(OF_F_IN_PORT)));
        of_put16(p + 20, bd->n_members);
        if (load) {
            of_put16(p + 22, of_ofs_nbits(bd->dst.ofs, bd->dst.n_bits));
            of_put32(p + 24, of_nx_header(of_field_from_id(bd->dst.field)));
        }
        for (size_t i = 0; i < bd->n_members; i++) {
            of_buf_put16(e->b, members[i]);
        }
        of_wire_finish(e, at);
        return OF_ERR_NONE;
    }
    case OF_ACT_FIN_TIMEOUT: {
        const struct of_act_fin_timeout *ft = (const void *) a;
        at = of_wire_put_raw(e, NX_FIN_TIMEOUT);
        of_put16(of_wire_at(e, at) + 10, ft->idle_timeout);
        of_put16(of_wire_at(e, at) + 12, ft->hard_timeout);
        return OF_ERR_NONE;
    }
    case OF_ACT_SAMPLE: {
        const struct of_act_sample *s = (const void *) a;
        enum of_raw raw = s->direction != OF_SAMPLE_DEFAULT  ? NX_SAMPLE3
                          : s->sampling_port != OF_PORT_NONE ? NX_SAMPLE2
                                                             : NX_SAMPLE;
        at = of_wire_put_raw(e, raw);
        p = of_wire_at(e, at);
        of_put16(p + 10, s->probability);
        of_put32(p + 12, s->collector_set_id);
        of_put32(p + 16, s->obs_domain_id);
        of_put32(p + 20, s->obs_point_id);
        if (raw != NX_SAMPLE) {
            of_put16(p + 24, s->sampling_port);
        }
        if (raw == NX_SAMPLE3) {
            p[26] = s->direction;
        }
        return OF_ERR_NONE;
    }
    case OF_ACT_CLONE: {
        at = of_wire_put_raw(e, NX_CLONE);
        enum of_err err = enc_nested(e, a);
        of_wire_finish(e, at);
        return err;
    }
    case OF_ACT_CHECK_PKT_LARGER: {
        const struct of_act_check_pkt_larger *c = (const void *) a;
        at = of_wire_put_raw(e, NX_CHECK_PKT_LARGER);
        p = of_wire_at(e, at);
        of_put16(p + 10, c->pkt_len);
        of_put16(p + 12, c->dst.ofs);
        of_put32(p + 14, of_nx_header(of_field_from_id(c->dst.field)));
        return OF_ERR_NONE;
    }
    case OF_ACT_SET_TUNNEL: {
        const struct of_act_set_tunnel *t = (const void *) a;
        if (t->is64 || t->tun_id > UINT32_MAX) {
            at = of_wire_put_raw(e, NX_SET_TUNNEL64);
            of_put64(of_wire_at(e, at) + 16, t->tun_id);
        } else {
            at = of_wire_put_raw(e, NX_SET_TUNNEL);
            of_put32(of_wire_at(e, at) + 12, (uint32_t) t->tun_id);
        }
        return OF_ERR_NONE;
    }
    default:
        return OF_ERR_OFPBAC_BAD_TYPE;
    }
}

/* ---------------------------------------------------------------------
 * Decoding.
 * --------------------------------------------------------------------- */

/* Bytes of padding after the fixed fields of the fixed-length Nicira
 * actions decoded in of_nx_decode(), checked before decoding. */
static const struct {
    uint8_t ofs, n;
} nx_pads[OF_N_RAWS] = {
    [NX_SET_TUNNEL] = { 10, 2 },
    [NX_SET_TUNNEL64] = { 10, 6 },
    [NX_MULTIPATH] = { 14, 2 },
    [NX_RESUBMIT_TABLE] = { 13, 3 },
    [NX_RESUBMIT_TABLE_CT] = { 13, 3 },
    [NX_OUTPUT_REG] = { 18, 6 },
    [NX_DEC_TTL] = { 10, 6 },
    [NX_FIN_TIMEOUT] = { 14, 2 },
    [NX_CONTROLLER] = { 15, 1 },
    [NX_WRITE_METADATA] = { 10, 6 },
    [NX_SAMPLE2] = { 26, 6 },
    [NX_SAMPLE3] = { 27, 5 },
    [NX_CLONE] = { 10, 6 },
    [NX_CT_CLEAR] = { 10, 6 },
    [NX_CHECK_PKT_LARGER] = { 18, 6 },
    [NX_DEC_TTL_CNT_IDS] = { 12, 4 },
};

static enum of_err
dec_sample(struct of_dec *d, enum of_raw raw, const uint8_t *a)
{
    struct of_act_sample *s;

    if (!of_get16(a + 10) || (raw == NX_SAMPLE3 && a[26] > OF_SAMPLE_EGRESS)) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    s = of_acts_put(d->out, OF_ACT_SAMPLE, sizeof *s, 0);
    s->probability = of_get16(a + 10);
    s->collector_set_id = of_get32(a + 12);
    s->obs_domain_id = of_get32(a + 16);
    s->obs_point_id = of_get32(a + 20);
    s->sampling_port = raw == NX_SAMPLE ? OF_PORT_NONE : of_get16(a + 24);
    s->direction = raw == NX_SAMPLE3 ? a[26] : OF_SAMPLE_DEFAULT;
    return OF_ERR_NONE;
}

static enum of_err
dec_bundle(struct of_dec *d, enum of_raw raw, const uint8_t *a, size_t len)
{
    struct of_act_bundle bd;
    uint16_t alg = of_get16(a + 10), fields = of_get16(a + 12);
    size_t n = of_get16(a + 20);
    enum of_err err;

    memset(&bd, 0, sizeof bd);
    if ((err = check_zero(a + 28, 4))) {
        return err;
    }
    if (alg > OF_BD_HRW || fields > OF_HASH_SYMMETRIC_L3
        || of_get32(a + 16) != of_nx_header(of_field_from_id(OF_F_IN_PORT))
        || 32 + 2 * n > len) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    if (raw == NX_BUNDLE_LOAD) {
        err = of_nx_pull_subfield_packed(a + 24, of_get16(a + 22), &bd.dst);
        if (err || !writable(&bd.dst)) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
    } else if (of_get16(a + 22) || of_get32(a + 24)) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    if ((err = check_zero(a + 32 + 2 * n, len - 32 - 2 * n))) {
        return err;
    }
    bd.algorithm = (uint8_t) alg;
    bd.fields = (uint8_t) fields;
    bd.basis = of_get16(a + 14);
    bd.n_members = (uint16_t) n;
    struct of_act_bundle *p =
        of_acts_put(d->out, OF_ACT_BUNDLE, sizeof *p, 2 * n);
    bd.hdr = p->hdr;
    *p = bd;
    uint16_t *members = (uint16_t *) (p + 1);
    for (size_t i = 0; i < n; i++) {
        members[i] = of_get16(a + 32 + 2 * i);
    }
    return OF_ERR_NONE;
}

static enum of_err
dec_multipath(struct of_dec *d, const uint8_t *a)
{
    struct of_act_multipath m;
    uint16_t fields = of_get16(a + 10), alg = of_get16(a + 16);
    enum of_err err;

    memset(&m, 0, sizeof m);
    if ((err = check_zero(a + 24, 2))) {
        return err;
    }
    err = of_nx_pull_subfield_packed(a + 28, of_get16(a + 26), &m.dst);
    if (err || !writable(&m.dst) || fields > OF_HASH_SYMMETRIC_L3
        || alg > OF_MP_ITER_HASH) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    m.fields = (uint8_t) fields;
    m.algorithm = (uint8_t) alg;
    m.basis = of_get16(a + 12);
    m.max_link = of_get16(a + 18);
    m.arg = of_get32(a + 20);
    /* The destination must be able to hold every link number. */
    if (m.dst.n_bits < 16 && m.max_link >= 1u << m.dst.n_bits) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    struct of_act_multipath *p =
        of_acts_put(d->out, OF_ACT_MULTIPATH, sizeof *p, 0);
    m.hdr = p->hdr;
    *p = m;
    return OF_ERR_NONE;
}

static enum of_err
dec_output_reg(struct of_dec *d, enum of_raw raw, const uint8_t *a)
{
    struct of_act_output_reg *o;
    struct of_subfield sf;
    uint16_t max_len;
    enum of_err err;

    if (raw == NX_OUTPUT_REG) {
        err = of_nx_pull_subfield_packed(a + 12, of_get16(a + 10), &sf);
        max_len = of_get16(a + 16);
    } else {
        /* The header (4 or 8 bytes) sits at 14, zeros fill to 24. */
        struct of_cursor c;
        bool masked;
        size_t plen;
        uint16_t ofs_nbits = of_get16(a + 10);
        of_cursor_init(&c, a + 14, 10);
        const struct of_field *f =
            of_field_pull_header(&c, &masked, &plen, &err);
        if (!f || masked) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        if ((err = check_zero(c.p, c.left))) {
            return err;
        }
        memset(&sf, 0, sizeof sf);
        sf.field = (uint16_t) f->id;
        sf.ofs = ofs_nbits >> 6;
        sf.n_bits = (ofs_nbits & 63) + 1;
        err = sf.ofs + (unsigned) sf.n_bits > f->n_bits
                  ? OF_ERR_OFPBAC_BAD_ARGUMENT
                  : OF_ERR_NONE;
        max_len = of_get16(a + 12);
    }
    if (err || sf.n_bits > 32) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    o = of_acts_put(d->out, OF_ACT_OUTPUT_REG, sizeof *o, 0);
    o->src = sf;
    o->max_len = max_len == UINT16_MAX ? 0 : max_len;
    return OF_ERR_NONE;
}

enum of_err
of_nx_decode(struct of_dec *d, enum of_raw raw, const uint8_t *a, size_t len)
{
    enum of_err err;

    for (size_t i = 0; i < ARRAY_SIZE(simples); i++) {
        if (simples[i].raw10 == raw) {
            return dec_simple(d, &simples[i], a, len);
        }
    }
    if ((err = check_zero(a + nx_pads[raw].ofs, nx_pads[raw].n))) {
        return err;
    }
    switch (raw) {
    case NX_RESUBMIT:
    case NX_RESUBMIT_TABLE:
    case NX_RESUBMIT_TABLE_CT: {
        /* Plain NXAST_RESUBMIT has no table; Open vSwitch ignores the
         * bytes where the others keep it. */
        uint16_t port = of_get16(a + 10);
        uint8_t table = raw == NX_RESUBMIT ? OF_TABLE_NONE : a[12];
        if (port == OF_PORT_IN_PORT && table == OF_TABLE_NONE) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        struct of_act_resubmit *r =
            of_acts_put(d->out, OF_ACT_RESUBMIT, sizeof *r, 0);
        r->port = port;
        r->table_id = table;
        r->with_ct = raw == NX_RESUBMIT_TABLE_CT;
        return OF_ERR_NONE;
    }
    case NX_SET_TUNNEL:
    case NX_SET_TUNNEL64: {
        struct of_act_set_tunnel *t =
            of_acts_put(d->out, OF_ACT_SET_TUNNEL, sizeof *t, 0);
        t->is64 = raw == NX_SET_TUNNEL64;
        t->tun_id = t->is64 ? of_get64(a + 16) : of_get32(a + 12);
        return OF_ERR_NONE;
    }
    case NX_REG_MOVE: {
        struct of_act_move mv;
        uint16_t n_bits = of_get16(a + 10);
        memset(&mv, 0, sizeof mv);
        err = of_nx_pull_subfield(a + 16, of_get16(a + 12), n_bits, &mv.src);
        if (!err) {
            err =
                of_nx_pull_subfield(a + 20, of_get16(a + 14), n_bits, &mv.dst);
        }
        if (err || !writable(&mv.dst)) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        struct of_act_move *p = of_acts_put(d->out, OF_ACT_MOVE, sizeof *p, 0);
        mv.hdr = p->hdr;
        *p = mv;
        return OF_ERR_NONE;
    }
    case NX_REG_LOAD:
        return dec_reg_load(d, a);
    case NX_REG_LOAD2:
        return of_dec_oxm_set_field(d, a + OF_NX_HDR_LEN, len - OF_NX_HDR_LEN,
                                    true);
    case NX_NOTE: {
        size_t n = len - OF_NX_HDR_LEN;
        struct of_act_note *note =
            of_acts_put(d->out, OF_ACT_NOTE, sizeof *note, n);
        note->n_bytes = (uint32_t) n;
        memcpy(note + 1, a + OF_NX_HDR_LEN, n);
        return OF_ERR_NONE;
    }
    case NX_MULTIPATH:
        return dec_multipath(d, a);
    case NX_BUNDLE:
    case NX_BUNDLE_LOAD:
        return dec_bundle(d, raw, a, len);
    case NX_OUTPUT_REG:
    case NX_OUTPUT_REG2:
        return dec_output_reg(d, raw, a);
    case NX_LEARN:
    case NX_LEARN2:
        return dec_learn(d, raw, a, len);
    case NX_DEC_TTL:
        of_acts_put(d->out, OF_ACT_DEC_TTL, sizeof(struct of_act_dec_ttl), 0);
        return OF_ERR_NONE;
    case NX_DEC_TTL_CNT_IDS: {
        size_t n = of_get16(a + 10);
        if (16 + 2 * n > len) {
            return OF_ERR_OFPBAC_BAD_LEN;
        }
        if ((err = check_zero(a + 16 + 2 * n, len - 16 - 2 * n))) {
            return err;
        }
        struct of_act_dec_ttl *dt =
            of_acts_put(d->out, OF_ACT_DEC_TTL, sizeof *dt, 2 * n);
        dt->n_ids = (uint16_t) n;
        uint16_t *ids = (uint16_t *) (dt + 1);
        for (size_t i = 0; i < n; i++) {
            ids[i] = of_get16(a + 16 + 2 * i);
        }
        return OF_ERR_NONE;
    }
    case NX_FIN_TIMEOUT: {
        struct of_act_fin_timeout *ft =
            of_acts_put(d->out, OF_ACT_FIN_TIMEOUT, sizeof *ft, 0);
        ft->idle_timeout = of_get16(a + 10);
        ft->hard_timeout = of_get16(a + 12);
        return OF_ERR_NONE;
    }
    case NX_CONTROLLER: {
        if (a[14] > OF_CTL_PACKET_OUT) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        struct of_act_controller *c =
            of_acts_put(d->out, OF_ACT_CONTROLLER, sizeof *c, 0);
        c->max_len = of_get16(a + 10);
        c->controller_id = of_get16(a + 12);
        c->reason = reason_swap(a[14]);
        return OF_ERR_NONE;
    }
    case NX_CONTROLLER2:
        return dec_controller2(d, a, len);
    case NX_WRITE_METADATA: {
        struct of_act_write_metadata *w =
            of_acts_put(d->out, OF_ACT_WRITE_METADATA, sizeof *w, 0);
        w->metadata = of_get64(a + 16);
        w->mask = of_get64(a + 24);
        return OF_ERR_NONE;
    }
    case NX_SAMPLE:
    case NX_SAMPLE2:
    case NX_SAMPLE3:
        return dec_sample(d, raw, a);
    case NX_CONJUNCTION: {
        if (a[11] < 2 || a[11] > 64 || a[10] >= a[11]) {
            return OF_ERR_NXBAC_BAD_CONJUNCTION;
        }
        struct of_act_conjunction *c =
            of_acts_put(d->out, OF_ACT_CONJUNCTION, sizeof *c, 0);
        c->clause = a[10];
        c->n_clauses = a[11];
        c->id = of_get32(a + 12);
        return OF_ERR_NONE;
    }
    case NX_CT:
        return dec_ct(d, a, len);
    case NX_NAT:
        /* nat only exists as the first action inside ct. */
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    case NX_OUTPUT_TRUNC: {
        uint16_t port = of_get16(a + 10);
        uint32_t max_len = of_get32(a + 12);
        if (!of_wire_port_ok(port) || port == OF_PORT_CONTROLLER) {
            return OF_ERR_OFPBAC_BAD_OUT_PORT;
        }
        /* Shorter than an Ethernet header makes no sense (and 0 would be
         * a plain output). */
        if (max_len < 14 || max_len > UINT16_MAX) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        struct of_act_output *o =
            of_acts_put(d->out, OF_ACT_OUTPUT, sizeof *o, 0);
        o->port = port;
        o->max_len = (uint16_t) max_len;
        return OF_ERR_NONE;
    }
    case NX_CLONE: {
        if (d->in_ct) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        struct of_act_nest *n =
            of_acts_put(d->out, OF_ACT_CLONE, sizeof *n, 0);
        size_t ofs = of_acts_offset(d->out, n);
        d->depth++;
        err = of_dec_list(d, a + 16, len - 16);
        d->depth--;
        of_acts_nest_end(d->out, ofs);
        return err;
    }
    case NX_CHECK_PKT_LARGER: {
        struct of_act_check_pkt_larger *c;
        struct of_subfield dst;
        err = of_nx_pull_subfield(a + 14, of_get16(a + 12), 1, &dst);
        if (err || !writable(&dst)) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        c = of_acts_put(d->out, OF_ACT_CHECK_PKT_LARGER, sizeof *c, 0);
        c->pkt_len = of_get16(a + 10);
        c->dst = dst;
        return OF_ERR_NONE;
    }
    default:
        return OF_ERR_OFPBAC_BAD_EXP_TYPE;
    }
}
