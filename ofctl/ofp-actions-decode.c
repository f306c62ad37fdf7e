/* ofp-actions-decode.c: the raw action table, and decoding of action and
 * instruction lists from the wire (see ofp-actions.h).
 *
 * Decoding looks every action up in the raw table by its wire spelling,
 * checks its length against the row, and hands it to the row's decoder,
 * which appends the model action.  Lists are decoded into a temporary
 * list that is appended to the caller's only when everything decoded, so
 * a bad action never leaves half a list behind. */
#include "ofctl/ofp-actions.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "ofctl/ofp-actions-private.h"
#include "ofctl/ofp-match.h"
#include "ofctl/text.h"

static of_raw_decoder dec_std;

/* Where a raw action's code lives: the type of an OpenFlow 1.0 action, of
 * an OpenFlow 1.1+ action, or the subtype of a Nicira vendor action. */
enum raw_class { RC_10, RC_11, RC_NX };

struct raw_row {
    uint8_t class; /* enum raw_class. */
    uint16_t code;
    uint8_t min_version, max_version;
    uint16_t len; /* Exact length, or the minimum if VAR. */
    bool var;
    of_raw_decoder *decode;
};

#define STD10(CODE, LEN)                                 \
    {                                                    \
        RC_10, CODE, OF_V10, OF_V10, LEN, false, dec_std \
    }
/* The OpenFlow 1.1 action set differs (set_vlan_vid, set_mpls_label, ...
 * were dropped for set_field in 1.2); nicflow does not speak 1.1, so the
 * 1.1+ rows start at 1.2. */
#define STD12(CODE, LEN)                                 \
    {                                                    \
        RC_11, CODE, OF_V12, OF_V15, LEN, false, dec_std \
    }
#define STD12V(CODE, LEN)                               \
    {                                                   \
        RC_11, CODE, OF_V12, OF_V15, LEN, true, dec_std \
    }
#define STD15(CODE, LEN)                                 \
    {                                                    \
        RC_11, CODE, OF_V15, OF_V15, LEN, false, dec_std \
    }
#define NX(CODE, LEN)                                         \
    {                                                         \
        RC_NX, CODE, OF_V10, OF_V15, LEN, false, of_nx_decode \
    }
#define NXV(CODE, LEN)                                       \
    {                                                        \
        RC_NX, CODE, OF_V10, OF_V15, LEN, true, of_nx_decode \
    }

/* The wire spellings (OpenFlow specs; Nicira subtypes from Open vSwitch's
 * include/openvswitch/ofp-actions.h). */
static const struct raw_row raw_rows[OF_N_RAWS] = {
    [R10_OUTPUT] = STD10(0, 8),
    [R10_SET_VLAN_VID] = STD10(1, 8),
    [R10_SET_VLAN_PCP] = STD10(2, 8),
    [R10_STRIP_VLAN] = STD10(3, 8),
    [R10_SET_DL_SRC] = STD10(4, 16),
    [R10_SET_DL_DST] = STD10(5, 16),
    [R10_SET_NW_SRC] = STD10(6, 8),
    [R10_SET_NW_DST] = STD10(7, 8),
    [R10_SET_NW_TOS] = STD10(8, 8),
    [R10_SET_TP_SRC] = STD10(9, 8),
    [R10_SET_TP_DST] = STD10(10, 8),
    [R10_ENQUEUE] = STD10(11, 16),

    [R11_OUTPUT] = STD12(0, 16),
    [R11_SET_MPLS_TTL] = STD12(15, 8),
    [R11_DEC_MPLS_TTL] = STD12(16, 8),
    [R11_PUSH_VLAN] = STD12(17, 8),
    [R11_POP_VLAN] = STD12(18, 8),
    [R11_PUSH_MPLS] = STD12(19, 8),
    [R11_POP_MPLS] = STD12(20, 8),
    [R11_SET_QUEUE] = STD12(21, 8),
    [R11_GROUP] = STD12(22, 8),
    [R11_SET_NW_TTL] = STD12(23, 8),
    [R11_DEC_NW_TTL] = STD12(24, 8),
    [R12_SET_FIELD] = STD12V(25, 8),
    [R15_COPY_FIELD] = { RC_11, 28, OF_V15, OF_V15, 16, true, dec_std },
    [R15_METER] = STD15(29, 8),

    [NX_RESUBMIT] = NX(1, 16),
    [NX_SET_TUNNEL] = NX(2, 16),
    [NX_SET_QUEUE] = NX(4, 16),
    [NX_POP_QUEUE] = NX(5, 16),
    [NX_REG_MOVE] = NX(6, 24),
    [NX_REG_LOAD] = NX(7, 24),
    [NX_NOTE] = NXV(8, 16),
    [NX_SET_TUNNEL64] = NX(9, 24),
    [NX_MULTIPATH] = NX(10, 32),
    [NX_BUNDLE] = NXV(12, 32),
    [NX_BUNDLE_LOAD] = NXV(13, 32),
    [NX_RESUBMIT_TABLE] = NX(14, 16),
    [NX_OUTPUT_REG] = NX(15, 24),
    [NX_LEARN] = NXV(16, 32),
    [NX_EXIT] = NX(17, 16),
    [NX_DEC_TTL] = NX(18, 16),
    [NX_FIN_TIMEOUT] = NX(19, 16),
    [NX_CONTROLLER] = NX(20, 16),
    [NX_DEC_TTL_CNT_IDS] = NXV(21, 16),
    /* An instruction in 1.1+, so the Nicira action only exists in 1.0. */
    [NX_WRITE_METADATA] = { RC_NX, 22, OF_V10, OF_V10, 32, false,
                            of_nx_decode },
    [NX_PUSH_MPLS] = NX(23, 16),
    [NX_POP_MPLS] = NX(24, 16),
    [NX_SET_MPLS_TTL] = NX(25, 16),
    [NX_DEC_MPLS_TTL] = NX(26, 16),
    [NX_SAMPLE] = NX(29, 24),
    [NX_SET_MPLS_LABEL] = NX(30, 16),
    [NX_SET_MPLS_TC] = NX(31, 16),
    [NX_OUTPUT_REG2] = NX(32, 24),
    [NX_REG_LOAD2] = NXV(33, 16),
    [NX_CONJUNCTION] = NX(34, 16),
    [NX_CT] = NXV(35, 24),
    [NX_NAT] = NXV(36, 16),
    [NX_CONTROLLER2] = NXV(37, 16),
    [NX_SAMPLE2] = NX(38, 32),
    [NX_OUTPUT_TRUNC] = NX(39, 16),
    [NX_GROUP] = NX(40, 16),
    [NX_SAMPLE3] = NX(41, 32),
    [NX_CLONE] = NXV(42, 16),
    [NX_CT_CLEAR] = NX(43, 16),
    [NX_RESUBMIT_TABLE_CT] = NX(44, 16),
    [NX_LEARN2] = NXV(45, 40),
    [NX_CHECK_PKT_LARGER] = NX(49, 24),
};

bool
of_wire_raw_exists(enum of_raw raw, uint8_t version)
{
    const struct raw_row *r = &raw_rows[raw];
    return version >= r->min_version && version <= r->max_version;
}

size_t
of_wire_put_raw(struct of_enc *e, enum of_raw raw)
{
    const struct raw_row *r = &raw_rows[raw];
    size_t ofs = e->b->len;
    uint8_t *p = buf_put_zeros(e->b, r->len);

    if (r->class == RC_NX) {
        of_put16(p, OF_OFPAT_VENDOR);
        of_put32(p + 4, OF_VENDOR_NX);
        of_put16(p + 8, r->code);
    } else {
        of_put16(p, r->code);
    }
    of_put16(p + 2, r->len);
    return ofs;
}

void
of_wire_finish(struct of_enc *e, size_t ofs)
{
    of_buf_pad8(e->b, ofs);
    of_put16(e->b->data + ofs + 2, (uint16_t) (e->b->len - ofs));
}

/* ---------------------------------------------------------------------
 * Shared helpers.
 * --------------------------------------------------------------------- */

bool
of_wire_is_zero(const void *p_, size_t n)
{
    const uint8_t *p = p_;
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

bool
of_wire_mask_is_exact(const struct of_field *f, const union of_value *m)
{
    union of_value exact;
    of_value_exact_mask(f, &exact);
    return !memcmp(exact.be, m->be, f->n_bytes);
}

/* Bytes of the N-byte big-endian V from its first nonzero byte on (at
 * least 1). */
static size_t
significant_bytes(const uint8_t *v, size_t n)
{
    size_t i = 0;
    while (i + 1 < n && !v[i]) {
        i++;
    }
    return n - i;
}

void
of_wire_put_entry(struct buf *b, const struct of_field *f, bool oxm,
                  const union of_value *value, const union of_value *mask)
{
    size_t n = f->n_bytes, len = n;
    uint32_t exp;
    uint32_t h = of_field_header(f, oxm, mask != NULL, &exp);

    if (f->where == OF_IN_TUN_MD) {
        len = significant_bytes(value->be, n);
        if (mask && significant_bytes(mask->be, n) > len) {
            len = significant_bytes(mask->be, n);
        }
        h = (h & ~0xffu) | (uint32_t) (len * (mask ? 2 : 1));
    }
    of_buf_put32(b, h);
    if (exp) {
        of_buf_put32(b, exp);
    }
    buf_put(b, value->be + n - len, len);
    if (mask) {
        buf_put(b, mask->be + n - len, len);
    }
}

bool
of_wire_port_ok(uint16_t port)
{
    return port < OF_PORT_MAX
           || (port >= OF_PORT_IN_PORT && port <= OF_PORT_LOCAL);
}

uint32_t
of_wire_port_to_ofp11(uint16_t port)
{
    return port >= OF_PORT_MAX ? port + OF_OFPP11_OFFSET : port;
}

bool
of_wire_port_from_ofp11(uint32_t port, uint16_t *out)
{
    if (port < OF_PORT_MAX) {
        *out = (uint16_t) port;
        return true;
    }
    if (port >= OF_OFPP11_OFFSET + OF_PORT_MAX) {
        *out = (uint16_t) (port - OF_OFPP11_OFFSET);
        return true;
    }
    return false;
}

uint32_t
of_nx_header(const struct of_field *f)
{
    return of_field_header(f, false, false, NULL);
}

enum of_err
of_nx_pull_subfield(const uint8_t *p, uint16_t ofs, uint16_t n_bits,
                    struct of_subfield *sf)
{
    struct of_cursor c;
    enum of_err err;
    bool masked;
    size_t plen;

    /* The slot holds 4 bytes, so experimenter headers (8 bytes) fail to
     * pull, as they should. */
    of_cursor_init(&c, p, 4);
    const struct of_field *f = of_field_pull_header(&c, &masked, &plen, &err);
    if (!f || masked || !n_bits || (unsigned) ofs + n_bits > f->n_bits) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    memset(sf, 0, sizeof *sf);
    sf->field = (uint16_t) f->id;
    sf->ofs = ofs;
    sf->n_bits = n_bits;
    return OF_ERR_NONE;
}

enum of_err
of_nx_pull_subfield_packed(const uint8_t *p, uint16_t ofs_nbits,
                           struct of_subfield *sf)
{
    return of_nx_pull_subfield(p, ofs_nbits >> 6, (ofs_nbits & 63) + 1, sf);
}

void
of_dec_put_set_field_u64(struct of_dec *d, enum of_field_id id, uint64_t v,
                         uint8_t flags)
{
    const struct of_field *f = of_field_from_id(id);
    union of_value value;

    of_value_from_u64(f, &value, v);
    of_acts_put_set_field(d->out, f, &value, NULL, flags);
}

static void
put_u32(struct of_dec *d, enum of_act_type type, uint32_t value)
{
    struct of_act_u32 *a = of_acts_put(d->out, type, sizeof *a, 0);
    a->value = value;
}

/* ---------------------------------------------------------------------
 * Standard actions.
 * --------------------------------------------------------------------- */

static enum of_err
dec_output(struct of_dec *d, uint16_t port, uint16_t max_len)
{
    if (!of_wire_port_ok(port)) {
        return OF_ERR_OFPBAC_BAD_OUT_PORT;
    }
    if (port == OF_PORT_CONTROLLER) {
        struct of_act_controller *c =
            of_acts_put(d->out, OF_ACT_CONTROLLER, sizeof *c, 0);
        c->max_len = max_len;
    } else {
        /* max_len only means something for the controller; the model's
         * max_len is the truncating output of NXAST_OUTPUT_TRUNC. */
        struct of_act_output *o =
            of_acts_put(d->out, OF_ACT_OUTPUT, sizeof *o, 0);
        o->port = port;
    }
    return OF_ERR_NONE;
}

enum of_err
of_dec_oxm_set_field(struct of_dec *d, const uint8_t *entry, size_t len,
                     bool may_mask)
{
    struct of_cursor c;
    union of_value v, m;
    enum of_err err;
    bool masked;
    size_t plen;

    of_cursor_init(&c, entry, len);
    const struct of_field *f = of_field_pull_header(&c, &masked, &plen, &err);
    if (!f) {
        return err == OF_ERR_OFPBMC_BAD_FIELD ? OF_ERR_OFPBAC_BAD_SET_TYPE
                                              : OF_ERR_OFPBAC_BAD_SET_LEN;
    }
    if (masked && !may_mask) {
        return OF_ERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    /* Tunnel metadata may be shorter than the field: its value and mask
     * are right-aligned in the field. */
    size_t n = masked ? plen / 2 : plen;
    if (f->where == OF_IN_TUN_MD ? !n || n > f->n_bytes : n != f->n_bytes) {
        return OF_ERR_OFPBAC_BAD_SET_LEN;
    }
    size_t lead = f->n_bytes - n;
    const uint8_t *vp = of_cursor_pull(&c, plen);
    if (!vp || c.left >= 8) {
        return OF_ERR_OFPBAC_BAD_SET_LEN;
    }
    if (!of_wire_is_zero(c.p, c.left)) {
        return OF_ERR_NXBAC_MUST_BE_ZERO;
    }
    if (!f->writable) {
        return OF_ERR_OFPBAC_BAD_SET_TYPE;
    }
    /* OpenFlow forbids setting OXM_OF_IN_PORT with set_field. */
    if (f->id == OF_F_IN_PORT_OXM) {
        return OF_ERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    memset(v.be, 0, lead);
    memcpy(v.be + lead, vp, n);
    if (masked) {
        memset(m.be, 0, lead);
        memcpy(m.be + lead, vp + n, n);
    } else {
        of_value_exact_mask(f, &m);
    }
    for (unsigned bit = f->n_bits; bit < f->n_bytes * 8u; bit++) {
        if (of_bit_get(v.be, f->n_bytes, bit)
            || of_bit_get(m.be, f->n_bytes, bit)) {
            return OF_ERR_OFPBAC_BAD_SET_ARGUMENT;
        }
    }
    /* nw_tos holds the DSCP bits only; a zero mask sets nothing. */
    if (of_value_is_zero(f, &m) || (f->id == OF_F_NW_TOS && (v.be[0] & 3))) {
        return OF_ERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    of_acts_put_set_field(d->out, f, &v, &m, 0);
    return OF_ERR_NONE;
}

/* OpenFlow 1.5 copy_field: Open vSwitch's move in 1.5. */
static enum of_err
dec_copy_field(struct of_dec *d, const uint8_t *a, size_t len)
{
    uint16_t n_bits = of_get16(a + 4);
    uint16_t ofs[2] = { of_get16(a + 6), of_get16(a + 8) };
    struct of_subfield sf[2];
    struct of_cursor c;

    if (!of_wire_is_zero(a + 10, 2)) {
        return OF_ERR_NXBAC_MUST_BE_ZERO;
    }
    of_cursor_init(&c, a + 12, len - 12);
    for (int i = 0; i < 2; i++) {
        enum of_err err;
        bool masked;
        size_t plen;
        const struct of_field *f =
            of_field_pull_header(&c, &masked, &plen, &err);
        if (!f || masked || !n_bits
            || ofs[i] + (unsigned) n_bits > f->n_bits) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        memset(&sf[i], 0, sizeof sf[i]);
        sf[i].field = (uint16_t) f->id;
        sf[i].ofs = ofs[i];
        sf[i].n_bits = n_bits;
    }
    if (c.left >= 8) {
        return OF_ERR_OFPBAC_BAD_LEN;
    }
    if (!of_wire_is_zero(c.p, c.left)) {
        return OF_ERR_NXBAC_MUST_BE_ZERO;
    }
    if (!of_field_from_id(sf[1].field)->writable) {
        return OF_ERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    struct of_act_move *mv = of_acts_put(d->out, OF_ACT_MOVE, sizeof *mv, 0);
    mv->src = sf[0];
    mv->dst = sf[1];
    return OF_ERR_NONE;
}

/* Bytes of padding each fixed-length standard action ends with, checked
 * to be zero before the action is decoded. */
static const struct {
    uint8_t ofs, n;
} std_pads[OF_N_RAWS] = {
    [R10_SET_VLAN_VID] = { 6, 2 }, [R10_SET_VLAN_PCP] = { 5, 3 },
    [R10_STRIP_VLAN] = { 4, 4 },   [R10_SET_DL_SRC] = { 10, 6 },
    [R10_SET_DL_DST] = { 10, 6 },  [R10_SET_NW_TOS] = { 5, 3 },
    [R10_SET_TP_SRC] = { 6, 2 },   [R10_SET_TP_DST] = { 6, 2 },
    [R10_ENQUEUE] = { 6, 6 },      [R11_OUTPUT] = { 10, 6 },
    [R11_SET_MPLS_TTL] = { 5, 3 }, [R11_DEC_MPLS_TTL] = { 4, 4 },
    [R11_PUSH_VLAN] = { 6, 2 },    [R11_POP_VLAN] = { 4, 4 },
    [R11_PUSH_MPLS] = { 6, 2 },    [R11_POP_MPLS] = { 6, 2 },
    [R11_SET_NW_TTL] = { 5, 3 },   [R11_DEC_NW_TTL] = { 4, 4 },
};

static enum of_err
dec_std(struct of_dec *d, enum of_raw raw, const uint8_t *a, size_t len)
{
    const struct of_field *f;
    uint16_t port;

    if (!of_wire_is_zero(a + std_pads[raw].ofs, std_pads[raw].n)) {
        return OF_ERR_NXBAC_MUST_BE_ZERO;
    }
    switch (raw) {
    case R10_OUTPUT:
        return dec_output(d, of_get16(a + 4), of_get16(a + 6));
    case R11_OUTPUT:
        if (!of_wire_port_from_ofp11(of_get32(a + 4), &port)) {
            return OF_ERR_OFPBAC_BAD_OUT_PORT;
        }
        return dec_output(d, port, of_get16(a + 8));
    case R10_SET_VLAN_VID:
        if (of_get16(a + 4) > 0xfff) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        put_u32(d, OF_ACT_SET_VLAN_VID, of_get16(a + 4));
        return OF_ERR_NONE;
    case R10_SET_VLAN_PCP:
        if (a[4] > 7) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        put_u32(d, OF_ACT_SET_VLAN_PCP, a[4]);
        return OF_ERR_NONE;
    case R10_STRIP_VLAN:
    case R11_POP_VLAN:
        /* The model remembers the spelling: pop_vlan is 1.1+'s. */
        put_u32(d, OF_ACT_STRIP_VLAN, raw == R11_POP_VLAN);
        return OF_ERR_NONE;
    case R10_SET_DL_SRC:
    case R10_SET_DL_DST: {
        union of_value v;
        f = of_field_from_id(raw == R10_SET_DL_SRC ? OF_F_ETH_SRC
                                                   : OF_F_ETH_DST);
        memcpy(v.be, a + 4, 6);
        of_acts_put_set_field(d->out, f, &v, NULL, OF_SET_FIELD_MOD);
        return OF_ERR_NONE;
    }
    case R10_SET_NW_SRC:
    case R10_SET_NW_DST:
        of_dec_put_set_field_u64(
            d, raw == R10_SET_NW_SRC ? OF_F_IPV4_SRC : OF_F_IPV4_DST,
            of_get32(a + 4), OF_SET_FIELD_MOD);
        return OF_ERR_NONE;
    case R10_SET_NW_TOS:
        if (a[4] & 3) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        of_dec_put_set_field_u64(d, OF_F_NW_TOS, a[4], OF_SET_FIELD_MOD);
        return OF_ERR_NONE;
    case R10_SET_TP_SRC:
    case R10_SET_TP_DST:
        put_u32(d,
                raw == R10_SET_TP_SRC ? OF_ACT_SET_L4_SRC : OF_ACT_SET_L4_DST,
                of_get16(a + 4));
        return OF_ERR_NONE;
    case R10_ENQUEUE: {
        port = of_get16(a + 4);
        if (port >= OF_PORT_MAX && port != OF_PORT_IN_PORT
            && port != OF_PORT_LOCAL) {
            return OF_ERR_OFPBAC_BAD_OUT_PORT;
        }
        struct of_act_enqueue *e =
            of_acts_put(d->out, OF_ACT_ENQUEUE, sizeof *e, 0);
        e->port = port;
        e->queue = of_get32(a + 12);
        return OF_ERR_NONE;
    }
    case R11_SET_MPLS_TTL:
        put_u32(d, OF_ACT_SET_MPLS_TTL, a[4]);
        return OF_ERR_NONE;
    case R11_DEC_MPLS_TTL:
        of_acts_put(d->out, OF_ACT_DEC_MPLS_TTL, sizeof(struct of_act), 0);
        return OF_ERR_NONE;
    case R11_PUSH_VLAN:
        if (of_get16(a + 4) != ETH_TYPE_VLAN_8021Q
            && of_get16(a + 4) != ETH_TYPE_VLAN_8021AD) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        put_u32(d, OF_ACT_PUSH_VLAN, of_get16(a + 4));
        return OF_ERR_NONE;
    case R11_PUSH_MPLS:
        if (of_get16(a + 4) != ETH_TYPE_MPLS
            && of_get16(a + 4) != ETH_TYPE_MPLS_MCAST) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        put_u32(d, OF_ACT_PUSH_MPLS, of_get16(a + 4));
        return OF_ERR_NONE;
    case R11_POP_MPLS:
        put_u32(d, OF_ACT_POP_MPLS, of_get16(a + 4));
        return OF_ERR_NONE;
    case R11_SET_QUEUE:
        put_u32(d, OF_ACT_SET_QUEUE, of_get32(a + 4));
        return OF_ERR_NONE;
    case R11_GROUP:
        if (of_get32(a + 4) > 0xffffff00u) {
            return OF_ERR_OFPBAC_BAD_OUT_GROUP;
        }
        put_u32(d, OF_ACT_GROUP, of_get32(a + 4));
        return OF_ERR_NONE;
    case R11_SET_NW_TTL:
        /* mod_nw_ttl's 1.1+ spelling; the flag brings it back. */
        of_dec_put_set_field_u64(d, OF_F_IP_TTL, a[4], OF_SET_FIELD_MOD);
        return OF_ERR_NONE;
    case R11_DEC_NW_TTL:
        /* Without controller ids, as NXAST_DEC_TTL. */
        of_acts_put(d->out, OF_ACT_DEC_TTL, sizeof(struct of_act_dec_ttl), 0);
        return OF_ERR_NONE;
    case R12_SET_FIELD:
        /* Masks came with OpenFlow 1.5. */
        return of_dec_oxm_set_field(d, a + 4, len - 4, d->version >= OF_V15);
    case R15_COPY_FIELD:
        return dec_copy_field(d, a, len);
    case R15_METER:
        if (!of_get32(a + 4) || of_get32(a + 4) > 0xffff0000u) {
            return OF_ERR_OFPBAC_BAD_ARGUMENT;
        }
        put_u32(d, OF_ACT_METER, of_get32(a + 4));
        return OF_ERR_NONE;
    default:
        return OF_ERR_OFPBAC_BAD_TYPE;
    }
}

/* ---------------------------------------------------------------------
 * Lists.
 * --------------------------------------------------------------------- */

/* Finds the row for the action at A (at least 8 bytes, LEN its length). */
static enum of_err
lookup(uint8_t version, const uint8_t *a, size_t len, enum of_raw *raw)
{
    uint16_t type = of_get16(a);
    uint8_t class;
    uint16_t code;

    if (type == OF_OFPAT_VENDOR) {
        if (of_get32(a + 4) != OF_VENDOR_NX) {
            return OF_ERR_OFPBAC_BAD_EXPERIMENTER;
        }
        if (len < 16) {
            return OF_ERR_OFPBAC_BAD_LEN;
        }
        class = RC_NX;
        code = of_get16(a + 8);
    } else {
        class = version == OF_V10 ? RC_10 : RC_11;
        code = type;
    }
    for (size_t i = 0; i < OF_N_RAWS; i++) {
        const struct raw_row *r = &raw_rows[i];
        if (r->class == class && r->code == code
            && of_wire_raw_exists((enum of_raw) i, version)) {
            *raw = (enum of_raw) i;
            return OF_ERR_NONE;
        }
    }
    return class == RC_NX ? OF_ERR_OFPBAC_BAD_EXP_TYPE
                          : OF_ERR_OFPBAC_BAD_TYPE;
}

enum of_err
of_dec_list(struct of_dec *d, const uint8_t *p, size_t len)
{
    if (d->depth > 16) {
        return OF_ERR_OFPBAC_BAD_ARGUMENT;
    }
    while (len) {
        enum of_raw raw;
        enum of_err err;

        if (len < 8) {
            return OF_ERR_OFPBAC_BAD_LEN;
        }
        size_t alen = of_get16(p + 2);
        if (alen < 8 || alen % 8 || alen > len) {
            return OF_ERR_OFPBAC_BAD_LEN;
        }
        err = lookup(d->version, p, alen, &raw);
        if (err) {
            return err;
        }
        const struct raw_row *r = &raw_rows[raw];
        if (r->var ? alen < r->len : alen != r->len) {
            return OF_ERR_OFPBAC_BAD_LEN;
        }
        err = r->decode(d, raw, p, alen);
        if (err) {
            return err;
        }
        p += alen;
        len -= alen;
    }
    return OF_ERR_NONE;
}

/* The rank of a model action in OpenFlow 1.1+ instruction order (the same
 * order the text parser enforces). */
static int
rank(uint16_t type)
{
    switch (type) {
    case OF_ACT_METER:
        return 0;
    case OF_ACT_CLEAR_ACTIONS:
        return 2;
    case OF_ACT_WRITE_ACTIONS:
        return 3;
    case OF_ACT_WRITE_METADATA:
        return 4;
    case OF_ACT_GOTO_TABLE:
        return 5;
    default:
        return 1;
    }
}

/* Checks that the decoded list at DATA follows instruction order (at top
 * level) or holds no instructions at all (nested lists), recursing into
 * nested lists.  The wire cannot always express the order (an OpenFlow
 * 1.0 NXAST_WRITE_METADATA may be followed by anything; a 1.5 meter
 * action may sit anywhere), and Open vSwitch refuses such lists too. */
static enum of_err
check_order(const void *data, size_t len, bool top)
{
    int last = -1;

    OF_ACT_FOR_EACH(a, data, len)
    {
        int r = rank(a->type);
        size_t nlen;
        const struct of_act *nested = of_act_nested(a, &nlen);

        if ((!top && r != 1) || r < last || (r == last && r != 1)) {
            return OF_ERR_OFPBAC_UNSUPPORTED_ORDER;
        }
        last = r;
        if (nested) {
            enum of_err err = check_order(nested, nlen, false);
            if (err) {
                return err;
            }
        }
    }
    return OF_ERR_NONE;
}

/* OpenFlow 1.1+ instruction types, and their rank in the order Open
 * vSwitch writes (and nicflow requires) them. */
#define OFPIT_GOTO_TABLE 1
#define OFPIT_WRITE_METADATA 2
#define OFPIT_WRITE_ACTIONS 3
#define OFPIT_APPLY_ACTIONS 4
#define OFPIT_CLEAR_ACTIONS 5
#define OFPIT_METER 6
#define OFPIT_EXPERIMENTER 0xffff

static const struct {
    uint16_t len; /* Exact, or 0 for a nested action list (>= 8). */
    int rank;
} insts[] = {
    [OFPIT_GOTO_TABLE] = { 8, 5 },    [OFPIT_WRITE_METADATA] = { 24, 4 },
    [OFPIT_WRITE_ACTIONS] = { 0, 3 }, [OFPIT_APPLY_ACTIONS] = { 0, 1 },
    [OFPIT_CLEAR_ACTIONS] = { 8, 2 }, [OFPIT_METER] = { 8, 0 },
};

static enum of_err
dec_instructions(struct of_dec *d, const uint8_t *p, size_t len)
{
    int last = -1;

    while (len) {
        if (len < 8) {
            return OF_ERR_OFPBIC_BAD_LEN;
        }
        uint16_t type = of_get16(p);
        size_t ilen = of_get16(p + 2);
        if (ilen < 8 || ilen % 8 || ilen > len) {
            return OF_ERR_OFPBIC_BAD_LEN;
        }
        if (type == OFPIT_EXPERIMENTER) {
            return OF_ERR_OFPBIC_BAD_EXPERIMENTER;
        }
        /* OpenFlow 1.5 made meter an action. */
        if (!type || type >= ARRAY_SIZE(insts)
            || (type == OFPIT_METER && d->version >= OF_V15)) {
            return OF_ERR_OFPBIC_UNKNOWN_INST;
        }
        if (insts[type].len ? ilen != insts[type].len : ilen < 8) {
            return OF_ERR_OFPBIC_BAD_LEN;
        }
        if (insts[type].rank == last) {
            return OF_ERR_OFPBIC_DUP_INST;
        }
        if (insts[type].rank < last) {
            return OF_ERR_OFPBAC_UNSUPPORTED_ORDER;
        }
        last = insts[type].rank;

        enum of_err err = OF_ERR_NONE;
        switch (type) {
        case OFPIT_GOTO_TABLE:
            if (!of_wire_is_zero(p + 5, 3)) {
                return OF_ERR_NXBAC_MUST_BE_ZERO;
            }
            if (p[4] == 255) {
                return OF_ERR_OFPBIC_BAD_TABLE_ID;
            }
            put_u32(d, OF_ACT_GOTO_TABLE, p[4]);
            break;
        case OFPIT_WRITE_METADATA: {
            if (!of_wire_is_zero(p + 4, 4)) {
                return OF_ERR_NXBAC_MUST_BE_ZERO;
            }
            struct of_act_write_metadata *wm =
                of_acts_put(d->out, OF_ACT_WRITE_METADATA, sizeof *wm, 0);
            wm->metadata = of_get64(p + 8);
            wm->mask = of_get64(p + 16);
            break;
        }
        case OFPIT_METER:
            if (!of_get32(p + 4) || of_get32(p + 4) > 0xffff0000u) {
                return OF_ERR_OFPBAC_BAD_ARGUMENT;
            }
            put_u32(d, OF_ACT_METER, of_get32(p + 4));
            break;
        case OFPIT_CLEAR_ACTIONS:
            if (!of_wire_is_zero(p + 4, 4)) {
                return OF_ERR_NXBAC_MUST_BE_ZERO;
            }
            of_acts_put(d->out, OF_ACT_CLEAR_ACTIONS, sizeof(struct of_act),
                        0);
            break;
        case OFPIT_APPLY_ACTIONS:
        case OFPIT_WRITE_ACTIONS: {
            if (!of_wire_is_zero(p + 4, 4)) {
                return OF_ERR_NXBAC_MUST_BE_ZERO;
            }
            size_t ofs = SIZE_MAX;
            if (type == OFPIT_WRITE_ACTIONS) {
                struct of_act_nest *n =
                    of_acts_put(d->out, OF_ACT_WRITE_ACTIONS, sizeof *n, 0);
                ofs = of_acts_offset(d->out, n);
                d->depth++;
            }
            err = of_dec_list(d, p + 8, ilen - 8);
            if (ofs != SIZE_MAX) {
                d->depth--;
                of_acts_nest_end(d->out, ofs);
            }
            break;
        }
        }
        if (err) {
            return err;
        }
        p += ilen;
        len -= ilen;
    }
    return OF_ERR_NONE;
}

enum of_err
of_acts_decode(const void *data, size_t len, uint8_t version,
               bool instructions, const struct of_match *match,
               struct of_acts *acts)
{
    struct of_acts tmp = OF_ACTS_INITIALIZER;
    struct of_dec d = { .version = version, .out = &tmp };
    enum of_err err;

    if (version != OF_V10 && (version < OF_V12 || version > OF_V15)) {
        return OF_ERR_OFPBRC_BAD_VERSION;
    }
    if (instructions && version == OF_V10) {
        return OF_ERR_OFPBIC_UNKNOWN_INST;
    }
    /* Room for what the actions usually decode to, so that the buffer is
     * allocated once rather than grown action by action. */
    buf_reserve(&tmp.buf, NF_MIN(2 * len + 64, (size_t) 4096));
    err = instructions ? dec_instructions(&d, data, len)
                       : of_dec_list(&d, data, len);
    if (!err) {
        err = check_order(tmp.buf.data, tmp.buf.len, true);
    }
    if (!err && match) {
        /* A 1.1+ message gets the 1.1+ checks too, as Open vSwitch
         * checks a flow against the protocol it came in. */
        char *msg = version == OF_V10 ? of_acts_check(&tmp, match)
                                      : of_acts_check_of11(&tmp, match);
        if (msg) {
            free(msg);
            err = OF_ERR_OFPBAC_MATCH_INCONSISTENT;
        }
    }
    if (!err && tmp.buf.len) {
        if (!acts->buf.len) {
            /* The usual case, nothing to append to: hand over the buffer
             * rather than copy it (a flow-mod is decoded once when it
             * arrives and once more when a bundle commits it). */
            buf_destroy(&acts->buf);
            acts->buf = tmp.buf;
            buf_init(&tmp.buf);
        } else {
            buf_put(&acts->buf, tmp.buf.data, tmp.buf.len);
        }
    }
    of_acts_destroy(&tmp);
    return err;
}
