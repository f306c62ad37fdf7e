/* ofp-match-ofp10.c: the OpenFlow 1.0 fixed match, struct ofp10_match
 * (see ofp-match.h).
 *
 * The 40 bytes are: wildcards (32 bits), in_port (16), dl_src, dl_dst
 * (6 bytes each), dl_vlan (16), dl_vlan_pcp (8), one pad byte, dl_type
 * (16), nw_tos, nw_proto (8 each), two pad bytes, nw_src, nw_dst (32
 * each), tp_src, tp_dst (16 each).  A wildcard bit set means "any value";
 * nw_src and nw_dst have a 6-bit count of wildcarded low-order bits
 * instead of a bit.  ICMP type and code travel in tp_src and tp_dst and
 * the ARP opcode in nw_proto, which is where a match keeps them too, so
 * this codec works on those storage locations through the fields that
 * cover them whole. */
#include "ofctl/ofp-match.h"

#include <string.h>

#include "lib/packet.h"
#include "lib/util.h"

/* Wildcard bits. */
#define OFPFW10_IN_PORT (1u << 0)
#define OFPFW10_DL_VLAN (1u << 1)
#define OFPFW10_DL_SRC (1u << 2)
#define OFPFW10_DL_DST (1u << 3)
#define OFPFW10_DL_TYPE (1u << 4)
#define OFPFW10_NW_PROTO (1u << 5)
#define OFPFW10_TP_SRC (1u << 6)
#define OFPFW10_TP_DST (1u << 7)
#define OFPFW10_NW_SRC_SHIFT 8
#define OFPFW10_NW_DST_SHIFT 14
#define OFPFW10_DL_VLAN_PCP (1u << 20)
#define OFPFW10_NW_TOS (1u << 21)
#define OFPFW10_ALL ((1u << 22) - 1)

/* dl_vlan value meaning "no VLAN header". */
#define OFP10_VLAN_NONE 0xffff

/* Byte offsets in struct ofp10_match. */
enum {
    O_WILDCARDS = 0,
    O_IN_PORT = 4,
    O_DL_SRC = 6,
    O_DL_DST = 12,
    O_DL_VLAN = 18,
    O_DL_VLAN_PCP = 20,
    O_DL_TYPE = 22,
    O_NW_TOS = 24,
    O_NW_PROTO = 25,
    O_NW_SRC = 28,
    O_NW_DST = 32,
    O_TP_SRC = 36,
    O_TP_DST = 38,
};

static const struct of_field *
fld(enum of_field_id id)
{
    return of_field_from_id(id);
}

/* The field of a match read as an integer (fields of up to 8 bytes). */
static uint64_t
get_u64(const struct of_match *m, enum of_field_id id, uint64_t *mask)
{
    const struct of_field *f = fld(id);
    union of_value v, k;

    of_match_get(m, f, &v, &k);
    *mask = of_value_to_u64(f, &k);
    return of_value_to_u64(f, &v);
}

static void
set_u64(struct of_match *m, enum of_field_id id, uint64_t value, uint64_t mask)
{
    const struct of_field *f = fld(id);
    union of_value v, k;

    of_value_from_u64(f, &v, value);
    of_value_from_u64(f, &k, mask);
    of_match_set(m, f, &v, &k);
}

/* The number of wildcarded low-order bits of a CIDR netmask, or -1 if
 * MASK is not a CIDR mask. */
static int
cidr_wild_bits(uint32_t mask)
{
    uint32_t inverted = ~mask;

    if (inverted & (inverted + 1)) {
        return -1;
    }
    int n = 0;
    while (n < 32 && (inverted >> n) & 1) {
        n++;
    }
    return n;
}

/* The fields OpenFlow 1.0 has, each covering a whole storage location of
 * a match.  Anything else matched rules OpenFlow 1.0 out. */
static const enum of_field_id ofp10_fields[] = {
    OF_F_IN_PORT,  OF_F_ETH_SRC, OF_F_ETH_DST,  OF_F_VLAN_TCI,
    OF_F_ETH_TYPE, OF_F_NW_TOS,  OF_F_IP_PROTO, OF_F_IPV4_SRC,
    OF_F_IPV4_DST, OF_F_TCP_SRC, OF_F_TCP_DST,
};

bool
of_match_fits_ofp10(const struct of_match *m)
{
    static const struct of_meta no_meta;
    struct of_match rest;
    struct buf b = BUF_INITIALIZER;
    struct of_match back;
    bool fits;

    /* None of OpenFlow 1.0's fields lives in the pipeline fields or the
     * tunnel metadata: the cheap checks first. */
    if (m->tun_md.present || memcmp(&m->meta_mask, &no_meta, sizeof no_meta)) {
        return false;
    }
    rest = *m;

    /* Nothing outside the OpenFlow 1.0 locations may be matched. */
    for (size_t i = 0; i < ARRAY_SIZE(ofp10_fields); i++) {
        of_match_clear(&rest, fld(ofp10_fields[i]));
    }
    if (!of_match_is_catchall(&rest)) {
        return false;
    }
    /* OpenFlow 1.0 knows nw_proto, nw_tos and the ports in IPv4 only;
     * Open vSwitch sends IPv6 L3/L4 fields as NXM or OXM. */
    uint64_t k, dl_type = get_u64(m, OF_F_ETH_TYPE, &k);
    if (k && dl_type == ETH_TYPE_IPV6) {
        static const enum of_field_id l4[] = {
            OF_F_IP_PROTO,
            OF_F_NW_TOS,
            OF_F_TCP_SRC,
            OF_F_TCP_DST,
        };
        for (size_t i = 0; i < ARRAY_SIZE(l4); i++) {
            if (of_match_has(m, fld(l4[i]))) {
                return false;
            }
        }
    }
    /* What remains fits if it survives a round trip: that rules out
     * partial masks OpenFlow 1.0 cannot express (Ethernet masks, non-CIDR
     * IP masks, TCI masks other than the VID/PCP/no-VLAN forms, ...) with
     * the encoder as the single statement of what it can. */
    of_match_put_ofp10(m, &b);
    fits = !of_match_pull_ofp10(b.data, &back) && of_match_equal(&back, m);
    buf_destroy(&b);
    return fits;
}

void
of_match_put_ofp10(const struct of_match *m, struct buf *b)
{
    uint8_t *p = buf_put_zeros(b, OF_OFP10_MATCH_LEN);
    uint32_t wc = 0;
    uint64_t k, v;
    union of_value val, msk;

    v = get_u64(m, OF_F_IN_PORT, &k);
    if (k) {
        of_put16(p + O_IN_PORT, (uint16_t) v);
    } else {
        wc |= OFPFW10_IN_PORT;
    }

    /* VLAN: no match at all, "no VLAN header", or VID and PCP each
     * matched or wildcarded. */
    v = get_u64(m, OF_F_VLAN_TCI, &k);
    if (!k) {
        wc |= OFPFW10_DL_VLAN | OFPFW10_DL_VLAN_PCP;
    } else if ((k & VLAN_CFI) && !(v & VLAN_CFI)) {
        /* The PCP stays unwildcarded (and zero), as Open vSwitch sends
         * it; a switch ignores it with OFP10_VLAN_NONE. */
        of_put16(p + O_DL_VLAN, OFP10_VLAN_NONE);
    } else {
        if (k & VLAN_VID_MASK) {
            of_put16(p + O_DL_VLAN, (uint16_t) (v & VLAN_VID_MASK));
        } else {
            wc |= OFPFW10_DL_VLAN;
        }
        if (k & VLAN_PCP_MASK) {
            p[O_DL_VLAN_PCP] = (uint8_t) ((v & VLAN_PCP_MASK) >> 13);
        } else {
            wc |= OFPFW10_DL_VLAN_PCP;
        }
    }

    of_match_get(m, fld(OF_F_ETH_SRC), &val, &msk);
    if (of_value_is_zero(fld(OF_F_ETH_SRC), &msk)) {
        wc |= OFPFW10_DL_SRC;
    } else {
        memcpy(p + O_DL_SRC, val.be, 6);
    }
    of_match_get(m, fld(OF_F_ETH_DST), &val, &msk);
    if (of_value_is_zero(fld(OF_F_ETH_DST), &msk)) {
        wc |= OFPFW10_DL_DST;
    } else {
        memcpy(p + O_DL_DST, val.be, 6);
    }

    v = get_u64(m, OF_F_ETH_TYPE, &k);
    if (k) {
        of_put16(p + O_DL_TYPE, (uint16_t) v);
    } else {
        wc |= OFPFW10_DL_TYPE;
    }

    /* Only the DSCP bits: OpenFlow 1.0 has no ECN match. */
    v = get_u64(m, OF_F_NW_TOS, &k);
    if (k) {
        p[O_NW_TOS] = (uint8_t) v;
    } else {
        wc |= OFPFW10_NW_TOS;
    }

    v = get_u64(m, OF_F_IP_PROTO, &k);
    if (k) {
        p[O_NW_PROTO] = (uint8_t) v;
    } else {
        wc |= OFPFW10_NW_PROTO;
    }

    static const struct {
        enum of_field_id id;
        int ofs, shift;
    } nw[] = {
        { OF_F_IPV4_SRC, O_NW_SRC, OFPFW10_NW_SRC_SHIFT },
        { OF_F_IPV4_DST, O_NW_DST, OFPFW10_NW_DST_SHIFT },
    };
    for (size_t i = 0; i < ARRAY_SIZE(nw); i++) {
        v = get_u64(m, nw[i].id, &k);
        int bits = cidr_wild_bits((uint32_t) k);
        of_put32(p + nw[i].ofs, (uint32_t) v);
        wc |= (uint32_t) (bits < 0 ? 32 : bits) << nw[i].shift;
    }

    v = get_u64(m, OF_F_TCP_SRC, &k);
    if (k) {
        of_put16(p + O_TP_SRC, (uint16_t) v);
    } else {
        wc |= OFPFW10_TP_SRC;
    }
    v = get_u64(m, OF_F_TCP_DST, &k);
    if (k) {
        of_put16(p + O_TP_DST, (uint16_t) v);
    } else {
        wc |= OFPFW10_TP_DST;
    }

    of_put32(p + O_WILDCARDS, wc);
}

enum of_err
of_match_pull_ofp10(const void *data, struct of_match *match)
{
    const uint8_t *p = data;
    uint32_t wc = of_get32(p + O_WILDCARDS) & OFPFW10_ALL;
    struct of_match m;

    of_match_init_catchall(&m);
    if (!(wc & OFPFW10_IN_PORT)) {
        set_u64(&m, OF_F_IN_PORT, of_get16(p + O_IN_PORT), 0xffff);
    }
    if (!(wc & OFPFW10_DL_TYPE)) {
        set_u64(&m, OF_F_ETH_TYPE, of_get16(p + O_DL_TYPE), 0xffff);
    }
    if (!(wc & OFPFW10_TP_SRC)) {
        set_u64(&m, OF_F_TCP_SRC, of_get16(p + O_TP_SRC), 0xffff);
    }
    if (!(wc & OFPFW10_TP_DST)) {
        set_u64(&m, OF_F_TCP_DST, of_get16(p + O_TP_DST), 0xffff);
    }
    if (!(wc & OFPFW10_DL_SRC)) {
        union of_value v;
        memcpy(v.be, p + O_DL_SRC, 6);
        of_match_set(&m, fld(OF_F_ETH_SRC), &v, NULL);
    }
    if (!(wc & OFPFW10_DL_DST)) {
        union of_value v;
        memcpy(v.be, p + O_DL_DST, 6);
        of_match_set(&m, fld(OF_F_ETH_DST), &v, NULL);
    }
    if (!(wc & OFPFW10_NW_PROTO)) {
        set_u64(&m, OF_F_IP_PROTO, p[O_NW_PROTO], 0xff);
    }
    if (!(wc & OFPFW10_NW_TOS)) {
        set_u64(&m, OF_F_NW_TOS, p[O_NW_TOS] & 0xfc, 0xfc);
    }

    /* IP addresses: a count of wildcarded low bits, 32 or more meaning
     * all of them. */
    static const struct {
        enum of_field_id id;
        int ofs, shift;
    } nw[] = {
        { OF_F_IPV4_SRC, O_NW_SRC, OFPFW10_NW_SRC_SHIFT },
        { OF_F_IPV4_DST, O_NW_DST, OFPFW10_NW_DST_SHIFT },
    };
    for (size_t i = 0; i < ARRAY_SIZE(nw); i++) {
        unsigned bits = (wc >> nw[i].shift) & 0x3f;
        if (bits < 32) {
            uint32_t k = (uint32_t) (UINT64_C(0xffffffff) << bits);
            set_u64(&m, nw[i].id, of_get32(p + nw[i].ofs) & k, k);
        }
    }

    /* VLAN: dl_vlan 0xffff means "no VLAN header" (and makes the PCP
     * meaningless); otherwise the VID and PCP each imply a header. */
    uint16_t tci = 0, tci_mask = 0;
    uint16_t vid = of_get16(p + O_DL_VLAN);
    if (!(wc & OFPFW10_DL_VLAN) && vid == OFP10_VLAN_NONE) {
        tci_mask = 0xffff;
    } else {
        if (!(wc & OFPFW10_DL_VLAN)) {
            tci |= (vid & VLAN_VID_MASK) | VLAN_CFI;
            tci_mask |= VLAN_VID_MASK | VLAN_CFI;
        }
        if (!(wc & OFPFW10_DL_VLAN_PCP)) {
            tci |= (uint16_t) ((p[O_DL_VLAN_PCP] & 7) << VLAN_PCP_SHIFT)
                   | VLAN_CFI;
            tci_mask |= VLAN_PCP_MASK | VLAN_CFI;
        }
    }
    if (tci_mask) {
        set_u64(&m, OF_F_VLAN_TCI, tci, tci_mask);
    }

    /* Open vSwitch ignores the fields whose prerequisites the match does
     * not meet (an OpenFlow 1.0 switch matches nothing there). */
    of_match_normalize(&m, NULL);
    *match = m;
    return OF_ERR_NONE;
}
