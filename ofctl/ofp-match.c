/* ofp-match.c: NXM and OXM match entries and the OpenFlow 1.2+ ofp_match
 * (see ofp-match.h).  The OpenFlow 1.0 fixed match is in
 * ofp-match-ofp10.c.
 *
 * Encoding follows the order Open vSwitch 3.1 writes entries in, so that
 * a match encodes to the very bytes ovs-ofctl sends for the same flow:
 * the datapath metadata fields first, then in_port, Ethernet, VLAN, MPLS,
 * L3 and L4 (each only when its prerequisites hold), the tunnel fields,
 * the registers, pkt_mark, the conntrack fields, OpenFlow metadata and
 * finally the NXM cookie.  Decoding accepts the entries in any order but
 * checks each one's prerequisites against the entries before it, as Open
 * vSwitch does. */
#include "ofctl/ofp-match.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <string.h>

#include "lib/packet.h"
#include "lib/util.h"

/* The NXM cookie pseudo-field (Nicira flow mods and stats requests): class
 * 0x0001, field 30, 8 bytes.  It shares its field number with
 * NXM_NX_MPLS_TTL and is told apart by its length. */
#define NXM_COOKIE_CLASS OF_OXM_NXM1
#define NXM_COOKIE_FIELD 30
#define NXM_COOKIE_LEN 8

/* OXM_OF_PACKET_TYPE (OpenFlow 1.5, sent by Open vSwitch in every
 * version): 32 bits, namespace:16 and type:16.  A match here is always on
 * Ethernet frames, packet type 0 (namespace 0, type 0), which Open vSwitch
 * spells out when a flow names a field with prerequisites but none of them
 * ends up in the match. */
#define OXM_PACKET_TYPE_FIELD 44
#define OXM_PACKET_TYPE_LEN 4

/* OpenFlow 1.1+ 32-bit port numbers: the reserved ports sit at the top of
 * the 32-bit space (0xffffff00 and up) instead of the 16-bit one. */
#define OFP11_PORT_RESERVED 0xffffff00u
#define OFP11_PORT_OFFSET 0xffff0000u

/* ---------------------------------------------------------------------
 * Code points.
 * --------------------------------------------------------------------- */

/* Picks the code point field F travels with in VERSION (0 for NXM).
 * Returns false if F has none.  NXM prefers the NXM code point and OXM
 * the OXM one, each falling back to the other, as Open vSwitch does. */
static bool
code_for(const struct of_field *f, uint8_t version, struct of_code *c)
{
    const struct of_code *pri = version ? &f->oxm : &f->nxm;
    const struct of_code *alt = version ? &f->nxm : &f->oxm;
    const struct of_code *code = pri->name ? pri : alt->name ? alt : NULL;

    if (!code) {
        return false;
    }
    *c = *code;
    if (c->oxm_class == OF_OXM_EXPERIMENTER && c->experimenter == OF_EXP_ONF) {
        if (version >= OF_V15) {
            /* OpenFlow 1.5 standardised the ONF experimenter fields of
             * 1.3 (tcp_flags, actset_output) under the same numbers. */
            c->oxm_class = OF_OXM_OPENFLOW;
            c->experimenter = 0;
        } else if (version == OF_V12 && f->nxm.name) {
            /* OpenFlow 1.2 predates the ONF fields. */
            *c = f->nxm;
        }
    }
    return true;
}

static bool
code_matches(const struct of_code *c, uint16_t class, uint8_t field,
             uint32_t experimenter)
{
    return c->name && c->oxm_class == class && c->field == field
           && (class != OF_OXM_EXPERIMENTER
               || c->experimenter == experimenter);
}

/* The non-experimenter classes field_from_code() indexes. */
static const struct of_field *code_index[4][128];

static int
code_slot(uint16_t class)
{
    switch (class) {
    case OF_OXM_NXM0:
        return 0;
    case OF_OXM_NXM1:
        return 1;
    case OF_OXM_OPENFLOW:
        return 2;
    case OF_OXM_PKT_REG:
        return 3;
    default:
        return -1;
    }
}

static void
build_code_index(void)
{
    /* Lower field ids first, so the first row with a code point wins, as
     * in the scan. */
    for (int id = OF_N_FIELDS - 1; id >= 0; id--) {
        const struct of_field *f = of_field_from_id(id);
        const struct of_code *codes[2] = { &f->oxm, &f->nxm };
        for (int k = 1; k >= 0; k--) {
            const struct of_code *c = codes[k];
            int slot =
                c->name && !c->experimenter ? code_slot(c->oxm_class) : -1;
            if (slot >= 0) {
                code_index[slot][c->field & 0x7f] = f;
            }
        }
    }
}

/* Finds the field with code point CLASS/FIELD (and EXPERIMENTER for class
 * 0xffff), or NULL.  The table has under 200 rows, so a scan is cheap
 * enough for the rate matches arrive at. */
static const struct of_field *
field_from_code(uint16_t class, uint8_t field, uint32_t experimenter)
{
    if (class == OF_OXM_OPENFLOW && (field == 42 || field == 43)) {
        /* The OpenFlow 1.5 spelling of the ONF fields (see code_for()). */
        class = OF_OXM_EXPERIMENTER;
        experimenter = OF_EXP_ONF;
    }
    /* Every entry of every message goes through here, so the common
     * classes (NXM 0 and 1, OpenFlow basic, packet registers) are looked
     * up in a table built on first use; experimenter classes scan. */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    int slot = code_slot(class);

    if (slot >= 0) {
        pthread_once(&once, build_code_index);
        return code_index[slot][field & 0x7f];
    }
    for (int id = 0; id < OF_N_FIELDS; id++) {
        const struct of_field *f = of_field_from_id(id);
        if (code_matches(&f->oxm, class, field, experimenter)
            || code_matches(&f->nxm, class, field, experimenter)) {
            return f;
        }
    }
    return NULL;
}

static bool
is_variable(const struct of_field *f)
{
    return f->where == OF_IN_TUN_MD;
}

/* The header for code point C with the hasmask bit MASKED and PAYLOAD
 * bytes of value and mask. */
static uint32_t
make_header(const struct of_code *c, bool masked, size_t payload)
{
    size_t len = payload + (c->oxm_class == OF_OXM_EXPERIMENTER ? 4 : 0);

    return (uint32_t) c->oxm_class << 16 | (uint32_t) c->field << 9
           | (uint32_t) masked << 8 | (uint32_t) (len & 0xff);
}

static void
put_header(struct buf *b, const struct of_code *c, bool masked, size_t payload)
{
    of_buf_put32(b, make_header(c, masked, payload));
    if (c->oxm_class == OF_OXM_EXPERIMENTER) {
        of_buf_put32(b, c->experimenter);
    }
}

uint32_t
of_field_header(const struct of_field *f, bool oxm, bool masked,
                uint32_t *experimenter)
{
    struct of_code c;

    if (experimenter) {
        *experimenter = 0;
    }
    if (!code_for(f, oxm ? OF_V13 : 0, &c)) {
        return 0;
    }
    if (experimenter && c.oxm_class == OF_OXM_EXPERIMENTER) {
        *experimenter = c.experimenter;
    }
    return make_header(&c, masked, (size_t) f->n_bytes * (masked ? 2 : 1));
}

size_t
of_field_header_len(const struct of_field *f, bool oxm)
{
    struct of_code c;

    if (!code_for(f, oxm ? OF_V13 : 0, &c)) {
        return 0;
    }
    return c.oxm_class == OF_OXM_EXPERIMENTER ? 8 : 4;
}

void
of_field_put_header(struct buf *b, const struct of_field *f, bool oxm,
                    bool masked)
{
    struct of_code c;

    if (code_for(f, oxm ? OF_V13 : 0, &c)) {
        put_header(b, &c, masked, (size_t) f->n_bytes * (masked ? 2 : 1));
    }
}

/* True if a payload of LEN bytes (value, and mask if MASKED) suits F:
 * exactly its width, or for tunnel metadata any width from 1 byte up to
 * the field's. */
static bool
payload_fits(const struct of_field *f, bool masked, size_t len)
{
    if (masked) {
        if (len % 2) {
            return false;
        }
        len /= 2;
    }
    /* ovs-ofctl sends an exact zero option value as no bytes at all. */
    return is_variable(f) ? len <= f->n_bytes : len == f->n_bytes;
}

/* A header as read off the wire, before its code point is looked up. */
struct raw_header {
    uint16_t class;
    uint8_t field;
    bool masked;
    size_t payload;        /* Value and mask bytes after the header. */
    uint32_t experimenter; /* For class 0xffff, else 0. */
    size_t header_len;     /* 4, or 8 with an experimenter id. */
};

/* Reads the header at the cursor into *H without moving the cursor.
 * Returns OF_ERR_OFPBMC_BAD_LEN if the header is truncated or an
 * experimenter header's length cannot even hold the experimenter id. */
static enum of_err
peek_raw_header(const struct of_cursor *c, struct raw_header *h)
{
    const uint8_t *p = of_cursor_peek(c, 4);

    if (!p) {
        return OF_ERR_OFPBMC_BAD_LEN;
    }
    uint32_t x = of_get32(p);
    h->class = x >> 16;
    h->field = (x >> 9) & 0x7f;
    h->masked = (x >> 8) & 1;
    h->payload = x & 0xff;
    h->experimenter = 0;
    h->header_len = 4;
    if (h->class == OF_OXM_EXPERIMENTER) {
        p = of_cursor_peek(c, 8);
        if (!p || h->payload < 4) {
            return OF_ERR_OFPBMC_BAD_LEN;
        }
        h->experimenter = of_get32(p + 4);
        h->payload -= 4;
        h->header_len = 8;
    }
    return OF_ERR_NONE;
}

const struct of_field *
of_field_pull_header(struct of_cursor *c, bool *masked, size_t *payload_len,
                     enum of_err *err)
{
    struct raw_header h;
    enum of_err error = peek_raw_header(c, &h);

    if (error) {
        *err = error;
        return NULL;
    }
    of_cursor_pull(c, h.header_len);
    *masked = h.masked;
    *payload_len = h.payload;

    const struct of_field *f =
        field_from_code(h.class, h.field, h.experimenter);
    if (!f || !payload_fits(f, h.masked, h.payload)) {
        /* Open vSwitch looks code points up with their length, so a known
         * field with the wrong length is as unknown as a new field. */
        *err = OF_ERR_OFPBMC_BAD_FIELD;
        return NULL;
    }
    *err = OF_ERR_NONE;
    return f;
}

/* ---------------------------------------------------------------------
 * Encoding.
 * --------------------------------------------------------------------- */

struct put_ctx {
    const struct of_match *m;
    uint8_t version; /* 0 for NXM, else the OpenFlow version of OXM. */
    struct buf *b;
};

static const struct of_field *
fld(enum of_field_id id)
{
    return of_field_from_id(id);
}

/* Reads field ID of M as an integer (fields of up to 8 bytes), its mask
 * in *MASK if MASK is nonnull. */
static uint64_t
get_u64(const struct of_match *m, enum of_field_id id, uint64_t *mask)
{
    const struct of_field *f = fld(id);
    union of_value v, k;

    of_match_get(m, f, &v, &k);
    if (mask) {
        *mask = of_value_to_u64(f, &k);
    }
    return of_value_to_u64(f, &v);
}

/* Appends an entry for F with LEN bytes of VALUE (and of MASK, if
 * nonnull). */
static void
put_raw(struct put_ctx *ctx, const struct of_field *f, const uint8_t *value,
        const uint8_t *mask, size_t len)
{
    struct of_code c;

    if (!code_for(f, ctx->version, &c)) {
        return;
    }
    put_header(ctx->b, &c, mask != NULL, mask ? 2 * len : len);
    buf_put(ctx->b, value, len);
    if (mask) {
        buf_put(ctx->b, mask, len);
    }
}

/* The fields Open vSwitch always sends with a mask, even when the mask
 * covers every defined bit: its exact mask for them (0xff for the 32-bit
 * ct_state, 0x1 for the 16-bit tun_flags) is not all-ones over the
 * field's bytes, so it never counts as exact. */
static bool
full_mask_is_masked(const struct of_field *f)
{
    return f->id == OF_F_TUN_FLAGS || f->id == OF_F_CT_STATE;
}

/* Appends field F of the match if it is matched at all: without a mask if
 * the mask is exact, else with it. */
static void
put_field(struct put_ctx *ctx, enum of_field_id id)
{
    const struct of_field *f = fld(id);
    union of_value v, k, exact;

    if (!of_match_has(ctx->m, f)) {
        return; /* The common case, checked without copying the field. */
    }
    of_match_get(ctx->m, f, &v, &k);
    of_value_exact_mask(f, &exact);
    bool masked = memcmp(k.be, exact.be, f->n_bytes) != 0;
    if (!masked && full_mask_is_masked(f)) {
        masked = true;
    }
    put_raw(ctx, f, v.be, masked ? k.be : NULL, f->n_bytes);
}

/* Appends field F exactly (no mask) if any bit of it is matched: Open
 * vSwitch sends these fields as exact values whatever their mask. */
static void
put_exact(struct put_ctx *ctx, enum of_field_id id)
{
    const struct of_field *f = fld(id);
    union of_value v, k;

    of_match_get(ctx->m, f, &v, &k);
    if (!of_value_is_zero(f, &k)) {
        put_raw(ctx, f, v.be, NULL, f->n_bytes);
    }
}

/* Appends a port field (in_port for OXM, actset_output) as an OpenFlow
 * 1.1+ 32-bit port number. */
static void
put_port32(struct put_ctx *ctx, enum of_field_id id)
{
    uint64_t mask;
    uint32_t port = (uint32_t) get_u64(ctx->m, id, &mask);
    uint8_t be[4];

    if (!mask) {
        return;
    }
    if (port >= OF_PORT_MAX) {
        port += OFP11_PORT_OFFSET;
    }
    of_put32(be, port);
    put_raw(ctx, fld(id), be, NULL, 4);
}

static bool
dl_type_is(const struct of_match *m, uint16_t type)
{
    uint64_t mask;
    return get_u64(m, OF_F_ETH_TYPE, &mask) == type && mask == 0xffff;
}

static void
put_vlan(struct put_ctx *ctx)
{
    uint64_t k, v = get_u64(ctx->m, OF_F_VLAN_TCI, &k);

    if (!ctx->version) {
        put_field(ctx, OF_F_VLAN_TCI);
        return;
    }
    /* OXM can carry a PCP only beside a tag that is present.  Without
     * one, a PCP mask means something OXM cannot say: "PCP 0 or no tag"
     * when the present bit is wildcarded (vlan_tci=0/0xe000), "no packet"
     * when the value has VID or PCP bits but no present bit (a VLAN_PCP
     * beside it would fail its prerequisite when decoded; ovs-ofctl 3.1
     * emits it anyway and cannot decode its own message).  The Nicira
     * field carries those as they are.  Only "no tag at all"
     * (vlan_tci=0x0000) goes out as VLAN_VID=none, PCP dropped because a
     * frame without a tag has none, which is how Open vSwitch sends it. */
    if (!(v & VLAN_CFI) && (k & VLAN_PCP_MASK)) {
        bool no_tag = (k & VLAN_CFI) && !(v & (VLAN_VID_MASK | VLAN_PCP_MASK));
        if (!no_tag) {
            put_field(ctx, OF_F_VLAN_TCI);
            return;
        }
    }
    /* OXM splits the TCI into VLAN_VID (VID plus the "present" bit
     * OFPVID_PRESENT, which is the CFI bit of a flow) and VLAN_PCP. */
    uint16_t vid_bits = VLAN_VID_MASK | VLAN_CFI;
    uint8_t vid[2], vid_mask[2];
    of_put16(vid, (uint16_t) (v & vid_bits));
    of_put16(vid_mask, (uint16_t) (k & vid_bits));
    if ((k & vid_bits) == vid_bits) {
        put_raw(ctx, fld(OF_F_VLAN_VID), vid, NULL, 2);
    } else if (k & vid_bits) {
        put_raw(ctx, fld(OF_F_VLAN_VID), vid, vid_mask, 2);
    }
    if ((v & vid_bits) && (k & VLAN_PCP_MASK)) {
        uint8_t pcp = (uint8_t) ((v & VLAN_PCP_MASK) >> VLAN_PCP_SHIFT);
        put_raw(ctx, fld(OF_F_VLAN_PCP), &pcp, NULL, 1);
    }
}

static void
put_l4(struct put_ctx *ctx, bool ipv4)
{
    uint64_t k, proto = get_u64(ctx->m, OF_F_IP_PROTO, &k);

    if (!k) {
        return;
    }
    put_exact(ctx, OF_F_IP_PROTO);
    if (proto == 6) {
        put_field(ctx, OF_F_TCP_SRC);
        put_field(ctx, OF_F_TCP_DST);
        put_field(ctx, OF_F_TCP_FLAGS);
    } else if (proto == 17) {
        put_field(ctx, OF_F_UDP_SRC);
        put_field(ctx, OF_F_UDP_DST);
    } else if (proto == 132) {
        put_field(ctx, OF_F_SCTP_SRC);
        put_field(ctx, OF_F_SCTP_DST);
    } else if (proto == 1 && ipv4) {
        put_exact(ctx, OF_F_ICMPV4_TYPE);
        put_exact(ctx, OF_F_ICMPV4_CODE);
    } else if (proto == 58 && !ipv4) {
        put_exact(ctx, OF_F_ICMPV6_TYPE);
        put_exact(ctx, OF_F_ICMPV6_CODE);
        uint64_t type = get_u64(ctx->m, OF_F_ICMPV6_TYPE, NULL);
        uint64_t code = get_u64(ctx->m, OF_F_ICMPV6_CODE, NULL);
        /* Neighbour discovery: the values decide, as in Open vSwitch. */
        if (!code && (type == 135 || type == 136)) {
            put_field(ctx, OF_F_ND_TARGET);
            put_field(ctx, type == 135 ? OF_F_ND_SLL : OF_F_ND_TLL);
        }
    }
}

static void
put_ip(struct put_ctx *ctx, bool ipv4)
{
    uint64_t k;

    if (ipv4) {
        put_field(ctx, OF_F_IPV4_SRC);
        put_field(ctx, OF_F_IPV4_DST);
    } else {
        put_field(ctx, OF_F_IPV6_SRC);
        put_field(ctx, OF_F_IPV6_DST);
    }
    put_field(ctx, OF_F_IP_FRAG);
    get_u64(ctx->m, OF_F_NW_TOS, &k);
    if (k) {
        /* NXM carries DSCP in place in the ToS byte, OXM shifted down. */
        put_exact(ctx, ctx->version ? OF_F_IP_DSCP : OF_F_NW_TOS);
    }
    put_exact(ctx, OF_F_IP_ECN);
    put_exact(ctx, OF_F_IP_TTL);
    put_field(ctx, OF_F_IPV6_LABEL);
    put_l4(ctx, ipv4);
}

/* Appends each present tun_metadata field, in index order. */
static void
put_tun_md(struct put_ctx *ctx)
{
    const struct of_tun_md *md = &ctx->m->tun_md;

    for (int i = 0; i < OF_N_TUN_MD; i++) {
        if (!(md->present & (UINT64_C(1) << i))) {
            continue;
        }
        const uint8_t *v = md->value + md->ofs[i];
        const uint8_t *k = md->mask + md->ofs[i];
        size_t len = md->len[i];
        bool exact = nf_bytes_all(k, len, 0xff);
        /* Open vSwitch sends an option as long as its significant bytes:
         * of the value if exact, else of the mask. */
        while (len > 1 && !(exact ? *v : *k)) {
            v++;
            k++;
            len--;
        }
        put_raw(ctx, fld(OF_F_TUN_METADATA0 + i), v, exact ? NULL : k, len);
    }
}

static void
put_ct(struct put_ctx *ctx)
{
    static const enum of_field_id ct_fields[] = {
        OF_F_CT_STATE,  OF_F_CT_ZONE,     OF_F_CT_MARK,   OF_F_CT_LABEL,
        OF_F_CT_NW_SRC, OF_F_CT_IPV6_SRC, OF_F_CT_NW_DST, OF_F_CT_IPV6_DST,
    };

    for (size_t i = 0; i < ARRAY_SIZE(ct_fields); i++) {
        put_field(ctx, ct_fields[i]);
    }
    /* Open vSwitch writes these three only when the protocol's value is
     * nonzero, which silently widens a match on ct_nw_proto=0 or on ports
     * without a protocol (both of which it accepts when decoding).  Each
     * is written here whenever it is matched: the same bytes for every
     * match with a protocol, and no match is ever widened. */
    put_field(ctx, OF_F_CT_NW_PROTO);
    put_field(ctx, OF_F_CT_TP_SRC);
    put_field(ctx, OF_F_CT_TP_DST);
}

size_t
of_match_put_nxm(const struct of_match *m, bool oxm, uint8_t version,
                 uint64_t cookie, uint64_t cookie_mask, struct buf *b)
{
    struct put_ctx ctx = { m, oxm ? (version ? version : OF_V13) : 0, b };
    size_t start = b->len;
    uint64_t k;

    put_field(&ctx, OF_F_DP_HASH);
    put_exact(&ctx, OF_F_RECIRC_ID);
    put_exact(&ctx, OF_F_CONJ_ID);
    if (ctx.version) {
        put_port32(&ctx, OF_F_IN_PORT_OXM);
    } else {
        put_exact(&ctx, OF_F_IN_PORT);
    }
    put_port32(&ctx, OF_F_ACTSET_OUTPUT);

    put_field(&ctx, OF_F_ETH_SRC);
    put_field(&ctx, OF_F_ETH_DST);
    put_field(&ctx, OF_F_ETH_TYPE);
    put_vlan(&ctx);

    if (dl_type_is(m, ETH_TYPE_MPLS) || dl_type_is(m, ETH_TYPE_MPLS_MCAST)) {
        put_exact(&ctx, OF_F_MPLS_TC);
        put_exact(&ctx, OF_F_MPLS_BOS);
        put_exact(&ctx, OF_F_MPLS_TTL);
        put_exact(&ctx, OF_F_MPLS_LABEL);
    }

    if (dl_type_is(m, ETH_TYPE_IP) || dl_type_is(m, ETH_TYPE_IPV6)) {
        put_ip(&ctx, dl_type_is(m, ETH_TYPE_IP));
    } else if (dl_type_is(m, ETH_TYPE_ARP) || dl_type_is(m, ETH_TYPE_RARP)) {
        get_u64(m, OF_F_ARP_OP, &k);
        if (k) {
            put_exact(&ctx, OF_F_ARP_OP);
        }
        put_field(&ctx, OF_F_ARP_SPA);
        put_field(&ctx, OF_F_ARP_TPA);
        put_field(&ctx, OF_F_ARP_SHA);
        put_field(&ctx, OF_F_ARP_THA);
    }

    put_field(&ctx, OF_F_TUN_ID);
    put_field(&ctx, OF_F_TUN_FLAGS);
    put_field(&ctx, OF_F_TUN_SRC);
    put_field(&ctx, OF_F_TUN_DST);
    put_field(&ctx, OF_F_TUN_IPV6_SRC);
    put_field(&ctx, OF_F_TUN_IPV6_DST);
    put_field(&ctx, OF_F_TUN_GBP_ID);
    put_field(&ctx, OF_F_TUN_GBP_FLAGS);
    put_tun_md(&ctx);

    /* OpenFlow 1.5 has 64-bit packet registers; before it, and in NXM,
     * Open vSwitch sends the 32-bit Nicira registers. */
    if (ctx.version >= OF_V15) {
        for (int i = 0; i < OF_N_REGS / 2; i++) {
            put_field(&ctx, OF_F_XREG0 + i);
        }
    } else {
        for (int i = 0; i < OF_N_REGS; i++) {
            put_field(&ctx, OF_F_REG0 + i);
        }
    }
    put_field(&ctx, OF_F_PKT_MARK);
    put_ct(&ctx);
    put_field(&ctx, OF_F_METADATA);

    if (cookie_mask && !oxm) {
        struct of_code c = { "NXM_NX_COOKIE", NXM_COOKIE_CLASS,
                             NXM_COOKIE_FIELD, 0 };
        bool masked = cookie_mask != UINT64_MAX;
        put_header(b, &c, masked, NXM_COOKIE_LEN * (masked ? 2 : 1));
        of_buf_put64(b, cookie & cookie_mask);
        if (masked) {
            of_buf_put64(b, cookie_mask);
        }
    }
    return b->len - start;
}

size_t
of_match_put_ofp(const struct of_match *m, uint8_t version, struct buf *b)
{
    size_t start = b->len;

    of_buf_put16(b, 1); /* OFPMT_OXM. */
    of_buf_put16(b, 0); /* Length, filled in below. */
    size_t len = 4 + of_match_put_nxm(m, true, version, 0, 0, b);
    of_put16((uint8_t *) b->data + start + 2, (uint16_t) len);
    of_buf_pad8(b, start);
    return b->len - start;
}

/* ---------------------------------------------------------------------
 * Decoding.
 * --------------------------------------------------------------------- */

/* Checks a decoded VALUE of F for bits its field does not have; Open
 * vSwitch refuses those with OFPBMC_BAD_VALUE. */
static bool
value_ok(const struct of_field *f, const union of_value *v)
{
    if (is_variable(f)) {
        return true;
    }
    if (f->format == OF_FMT_PORT_OXM) {
        /* A 32-bit port: a physical port or a reserved one. */
        uint32_t port = (uint32_t) of_value_to_u64(f, v);
        return port < OF_PORT_MAX || port >= OFP11_PORT_RESERVED;
    }
    if (f->id == OF_F_NW_TOS) {
        /* NXM_OF_IP_TOS is the ToS byte with its ECN bits clear. */
        return !(v->be[0] & 0x03);
    }
    union of_value exact;
    of_value_exact_mask(f, &exact);
    for (size_t i = 0; i < f->n_bytes; i++) {
        if (v->be[i] & ~exact.be[i]) {
            return false;
        }
    }
    return true;
}

/* Prerequisites as Open vSwitch checks them while decoding.  For
 * neighbour discovery it looks at the ICMPv6 type and code values only,
 * so a wildcarded code (value 0) is as good as code 0. */
static bool
decode_prereqs_ok(const struct of_match *m, const struct of_field *f)
{
    uint64_t type_mask, type, code;

    switch (f->prereq) {
    case OF_PRQ_ND:
    case OF_PRQ_ND_SOLICIT:
    case OF_PRQ_ND_ADVERT:
        /* Read only here: every entry of every match is checked, and
         * only neighbour discovery fields need these two. */
        type = get_u64(m, OF_F_ICMPV6_TYPE, &type_mask);
        code = get_u64(m, OF_F_ICMPV6_CODE, NULL);
        if (!of_match_prereqs_ok(m, fld(OF_F_ICMPV6_TYPE)) || !type_mask
            || code) {
            return false;
        }
        return f->prereq == OF_PRQ_ND           ? type == 135 || type == 136
               : f->prereq == OF_PRQ_ND_SOLICIT ? type == 135
                                                : type == 136;
    default:
        return of_match_prereqs_ok(m, f);
    }
}

/* Stores entry F = VALUE/MASK (MASK NULL: exact) of LEN bytes each into
 * M, checking it the way Open vSwitch does, in its order. */
static enum of_err
store_entry(struct of_match *m, const struct of_field *f, const uint8_t *value,
            const uint8_t *mask, size_t len)
{
    union of_value v, k;

    if (is_variable(f) && mask && !len) {
        /* "tun_metadata0=0/0": matches nothing, like an all-zero mask
         * (Open vSwitch keeps the field as present; the model cannot). */
        return OF_ERR_NONE;
    }
    if (is_variable(f) && mask) {
        /* Leading bytes under a zero mask say nothing (the value there
         * must be zero too, checked below if it is not): drop them, as the
         * encoder does, so that a mask of all ones over what is left reads
         * as the exact match it is. */
        while (len > 1 && !*mask && !*value) {
            mask++;
            value++;
            len--;
        }
    }
    if (is_variable(f) && mask && nf_bytes_all(mask, len, 0xff)) {
        /* An all-ones mask over the option's bytes is an exact match. */
        mask = NULL;
    }
    if (is_variable(f) && !mask && !len) {
        /* An exact match on a zero value of no bytes (what ovs-ofctl sends
         * for "tun_metadata0=0"): one zero byte, exact, in the model. */
        static const uint8_t zero;
        value = &zero;
        len = 1;
    }
    if (is_variable(f) && !mask) {
        /* Open vSwitch sends an exact option value without its leading
         * zero bytes, and so does the encoder: keep the match in that
         * form so that it re-encodes to the same bytes. */
        while (len > 1 && !*value) {
            value++;
            len--;
        }
    }
    size_t ofs = f->n_bytes - len;

    /* Value bits under a zero mask bit are refused first. */
    if (mask) {
        for (size_t i = 0; i < len; i++) {
            if (value[i] & ~mask[i]) {
                return OF_ERR_OFPBMC_BAD_WILDCARDS;
            }
        }
    }
    memset(v.be, 0, f->n_bytes);
    memset(k.be, 0, f->n_bytes);
    memcpy(v.be + ofs, value, len);
    if (mask) {
        memcpy(k.be + ofs, mask, len);
    } else {
        memset(k.be + ofs, 0xff, len);
    }
    if (mask && !f->maskable && !nf_bytes_all(mask, len, 0)
        && !nf_bytes_all(mask, len, 0xff)) {
        return OF_ERR_OFPBMC_BAD_MASK;
    }
    if (!value_ok(f, &v)) {
        return OF_ERR_OFPBMC_BAD_VALUE;
    }
    if (!decode_prereqs_ok(m, f)) {
        return OF_ERR_OFPBMC_BAD_PREREQ;
    }
    if (of_match_has(m, f)) {
        return OF_ERR_OFPBMC_DUP_FIELD;
    }
    if (f->format == OF_FMT_PORT_OXM) {
        uint32_t port = (uint32_t) of_value_to_u64(f, &v);
        if (port >= OFP11_PORT_RESERVED) {
            of_value_from_u64(f, &v, port - OFP11_PORT_OFFSET);
        }
        if (!nf_bytes_all(k.be, f->n_bytes, 0)) {
            of_value_exact_mask(f, &k);
        }
    } else if (!f->maskable && !nf_bytes_all(k.be, f->n_bytes, 0)) {
        /* An all-ones mask on a field without masks means "exact". */
        of_value_exact_mask(f, &k);
    }
    if (is_variable(f) && nf_bytes_all(k.be, f->n_bytes, 0)) {
        return OF_ERR_NONE;
    }
    if (of_match_set(m, f, &v, &k)) {
        /* No room left for more tunnel metadata. */
        return OF_ERR_OFPBMC_BAD_LEN;
    }
    return OF_ERR_NONE;
}

/* Checks an OXM_OF_PACKET_TYPE entry: only the Ethernet packet type, which
 * every match implies, is accepted, and then changes nothing. */
static enum of_err
pull_packet_type(const uint8_t *payload, bool masked, bool *seen)
{
    uint32_t v = of_get32(payload);
    uint32_t k = masked ? of_get32(payload + 4) : UINT32_MAX;

    if (v & ~k) {
        return OF_ERR_OFPBMC_BAD_WILDCARDS;
    }
    if (k && k != UINT32_MAX) {
        return OF_ERR_OFPBMC_BAD_MASK;
    }
    if (v) {
        return OF_ERR_OFPBMC_BAD_VALUE;
    }
    if (*seen) {
        return OF_ERR_OFPBMC_DUP_FIELD;
    }
    *seen = true;
    return OF_ERR_NONE;
}

enum of_err
of_match_pull_nxm(const void *data, size_t len, bool oxm,
                  struct of_match *match, uint64_t *cookie,
                  uint64_t *cookie_mask)
{
    struct of_match m;
    struct of_cursor c;
    uint64_t ck = 0, ck_mask = 0;
    bool seen_packet_type = false;

    (void) oxm; /* NXM and OXM entries share one namespace. */
    of_match_init_catchall(&m);
    of_cursor_init(&c, data, len);
    while (c.left) {
        struct raw_header h;
        enum of_err err = peek_raw_header(&c, &h);
        if (err) {
            return err;
        }
        if (c.left < h.header_len + h.payload) {
            return OF_ERR_OFPBMC_BAD_LEN;
        }
        const uint8_t *payload = c.p + h.header_len;
        if (h.class == OF_OXM_OPENFLOW && h.field == OXM_PACKET_TYPE_FIELD
            && h.payload == OXM_PACKET_TYPE_LEN * (h.masked ? 2u : 1u)) {
            err = pull_packet_type(payload, h.masked, &seen_packet_type);
            if (err) {
                return err;
            }
        } else if (h.class == NXM_COOKIE_CLASS && h.field == NXM_COOKIE_FIELD
                   && h.payload == NXM_COOKIE_LEN * (h.masked ? 2u : 1u)) {
            /* The cookie pseudo-field, allowed only where the caller
             * asks for it and then at most once. */
            if (!cookie) {
                return OF_ERR_OFPBMC_BAD_FIELD;
            }
            uint64_t v = of_get64(payload);
            uint64_t k = h.masked ? of_get64(payload + 8) : UINT64_MAX;
            if (v & ~k) {
                return OF_ERR_OFPBMC_BAD_WILDCARDS;
            }
            if (ck_mask) {
                return OF_ERR_OFPBMC_DUP_FIELD;
            }
            ck = v;
            ck_mask = k;
        } else {
            bool masked;
            size_t plen;
            const struct of_field *f =
                of_field_pull_header(&c, &masked, &plen, &err);
            if (!f) {
                return err;
            }
            size_t w = masked ? plen / 2 : plen;
            err = store_entry(&m, f, c.p, masked ? c.p + w : NULL, w);
            if (err) {
                return err;
            }
            of_cursor_pull(&c, plen);
            continue;
        }
        of_cursor_pull(&c, h.header_len + h.payload);
    }
    *match = m;
    if (cookie) {
        *cookie = ck;
        *cookie_mask = ck_mask;
    }
    return OF_ERR_NONE;
}

enum of_err
of_match_pull_ofp(struct of_cursor *c, uint8_t version, struct of_match *match)
{
    const uint8_t *p = of_cursor_peek(c, 4);

    (void) version;
    if (!p) {
        return OF_ERR_OFPBMC_BAD_LEN;
    }
    uint16_t type = of_get16(p), len = of_get16(p + 2);
    if (len < 4) {
        return OF_ERR_OFPBMC_BAD_LEN;
    }
    if (type != 1) {
        return OF_ERR_OFPBMC_BAD_TYPE;
    }
    size_t padded = (len + 7u) & ~7u;
    p = of_cursor_peek(c, padded);
    if (!p) {
        return OF_ERR_OFPBMC_BAD_LEN;
    }
    if (!nf_bytes_all(p + len, padded - len, 0)) {
        return OF_ERR_OFPBMC_BAD_LEN;
    }
    enum of_err err =
        of_match_pull_nxm(p + 4, len - 4u, true, match, NULL, NULL);
    if (!err) {
        of_cursor_pull(c, padded);
    }
    return err;
}
