/* dp-execute-set.c: the set and set_masked actions of the datapath action
 * executor (see dp-execute.h).
 *
 * set and set_masked are dispatched by OVS_KEY_ATTR_* through a table of
 * field setters.  Every setter applies "value under mask" to the header
 * fields it knows and fixes the checksums that cover them incrementally
 * (RFC 1624), so a packet is never summed again in full (SCTP's CRC, which
 * cannot be updated, excepted). */
#include "softpath/dp-execute.h"

#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/crc32c.h"
#include "lib/flow.h"
#include "softpath/odp.h"

COVERAGE_DEFINE(dp_execute_set_skipped);
COVERAGE_DEFINE(dp_execute_set_unsupported);
COVERAGE_DEFINE(dp_execute_set_malformed);

/* ---------------------------------------------------------------------
 * Checksum helpers.
 *
 * The one's complement sum does not depend on byte order, so these work on
 * 16-bit words exactly as they are loaded from the frame: no swapping.
 * --------------------------------------------------------------------- */

/* Returns checksum CSUM updated for a 16-bit word changing from OLD to NEW
 * (RFC 1624 equation 3, which never produces the -0 that equation 2 can). */
static uint16_t
csum_update16(uint16_t csum, uint16_t old, uint16_t new)
{
    uint32_t sum = (uint16_t) ~csum + (uint32_t) (uint16_t) ~old + new;

    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t) ~sum;
}

static uint16_t
csum_update32(uint16_t csum, uint32_t old, uint32_t new)
{
    csum = csum_update16(csum, (uint16_t) (old >> 16), (uint16_t) (new >> 16));
    return csum_update16(csum, (uint16_t) old, (uint16_t) new);
}

/* Applies VALUE under MASK to OLD. */
static inline uint32_t
masked32(uint32_t old, uint32_t value, uint32_t mask)
{
    return (value & mask) | (old & ~mask);
}

static inline uint16_t
masked16(uint16_t old, uint16_t value, uint16_t mask)
{
    return (uint16_t) ((value & mask) | (old & ~mask));
}

static inline uint8_t
masked8(uint8_t old, uint8_t value, uint8_t mask)
{
    return (uint8_t) ((value & mask) | (old & ~mask));
}

/* ---------------------------------------------------------------------
 * Finding the layers.
 *
 * The offsets flow_extract() recorded say where each layer starts but not
 * what it is, and the executor has no struct flow.  The EtherType that
 * names the L3 header always sits in the two bytes just before it (after
 * the MAC addresses, after the last VLAN tag or in the SNAP header), except
 * behind MPLS, whose payload type is unknown.
 * --------------------------------------------------------------------- */

/* Whether P has an MPLS label stack: l2_5_ofs names the first tag (always
 * at byte 12) when there is no MPLS, and the first label otherwise. */
static bool
has_mpls(const struct pkt *p)
{
    return p->l2_5_ofs != PKT_OFS_NONE && p->l2_5_ofs != p->l2_ofs + 12;
}

/* Returns the EtherType (host order) of P's L3 header, or 0 if unknown. */
static uint16_t
l3_type(const struct pkt *p)
{
    if (p->l2_ofs == PKT_OFS_NONE || p->l3_ofs == PKT_OFS_NONE
        || p->l3_ofs < p->l2_ofs + ETH_HEADER_LEN || p->l3_ofs > p->size
        || has_mpls(p)) {
        return 0;
    }
    return (uint16_t) (p->data[p->l3_ofs - 2] << 8 | p->data[p->l3_ofs - 1]);
}

static struct pkt_ipv4_hdr *
l3_ipv4(const struct pkt *p)
{
    struct pkt_ipv4_hdr *ip = pkt_l3(p);

    if (l3_type(p) != ETH_TYPE_IP || pkt_l3_size(p) < IPV4_HEADER_LEN
        || ip->ver_ihl >> 4 != 4) {
        return NULL;
    }
    return ip;
}

static struct pkt_ipv6_hdr *
l3_ipv6(const struct pkt *p)
{
    struct pkt_ipv6_hdr *ip6 = pkt_l3(p);

    if (l3_type(p) != ETH_TYPE_IPV6 || pkt_l3_size(p) < IPV6_HEADER_LEN
        || PKT_NTOHL(ip6->vtc_flow) >> 28 != 6) {
        return NULL;
    }
    return ip6;
}

/* Walks the extension headers of the IPv6 packet P up to its L4 header and
 * returns the upper-layer protocol, or -1 if the chain does not lead to the
 * recorded L4 offset (or there is no L4 header).  Sets *ROUTING if a
 * routing header was crossed: the pseudo-header then holds the final
 * destination, not the IPv6 destination. */
static int
ipv6_l4_proto(const struct pkt *p, const struct pkt_ipv6_hdr *ip6,
              bool *routing)
{
    size_t ofs = (size_t) p->l3_ofs + IPV6_HEADER_LEN;
    uint8_t nh = ip6->next;

    *routing = false;
    if (p->l4_ofs == PKT_OFS_NONE) {
        return -1;
    }
    for (int i = 0; i <= FLOW_MAX_IPV6_EXT_HDRS; i++) {
        if (ofs == p->l4_ofs) {
            return nh;
        }
        if (ofs + 2 > p->size || ofs > p->l4_ofs) {
            return -1;
        }
        const uint8_t *h = p->data + ofs;
        switch (nh) {
        case IPPROTO_HOPOPTS:
        case IPPROTO_ROUTING:
        case IPPROTO_DSTOPTS:
            *routing |= nh == IPPROTO_ROUTING;
            ofs += ((size_t) h[1] + 1) * 8;
            break;
        case IPPROTO_FRAGMENT:
            ofs += IPV6_FRAG_HEADER_LEN;
            break;
        case IPPROTO_AH:
            ofs += ((size_t) h[1] + 2) * 4;
            break;
        default:
            return -1;
        }
        nh = h[0];
    }
    return -1;
}

/* The checksum of P's L4 header that covers the IP pseudo-header, for
 * upper-layer protocol PROTO: a pointer to the 2-byte field, or NULL if
 * the protocol has none or its header is not wholly in the frame.  *UDP is
 * set for UDP, whose checksum 0 means "no checksum". */
static uint8_t *
l4_pseudo_csum(const struct pkt *p, int proto, bool *udp)
{
    uint8_t *l4 = pkt_l4(p);
    size_t n = pkt_l4_size(p);

    *udp = false;
    if (!l4) {
        return NULL;
    }
    if (proto == IPPROTO_TCP && n >= TCP_HEADER_LEN) {
        return l4 + offsetof(struct pkt_tcp_hdr, csum);
    } else if (proto == IPPROTO_UDP && n >= UDP_HEADER_LEN) {
        *udp = true;
        return l4 + offsetof(struct pkt_udp_hdr, csum);
    } else if (proto == IPPROTO_ICMPV6 && n >= ICMPV6_HEADER_LEN) {
        return l4 + offsetof(struct pkt_icmp_hdr, csum);
    }
    return NULL;
}

/* Updates the L4 checksum at CSUM_P (may be NULL) for a covered 32-bit
 * word changing from OLD to NEW.  A UDP checksum of 0 stays 0 (none was
 * computed), and a UDP result of 0 is sent as 0xffff (RFC 768). */
static void
l4_update32(uint8_t *csum_p, bool udp, uint32_t old, uint32_t new)
{
    uint16_t c;

    if (!csum_p) {
        return;
    }
    memcpy(&c, csum_p, 2);
    if (udp && !c) {
        return;
    }
    c = csum_update32(c, old, new);
    if (udp && !c) {
        c = 0xffff;
    }
    memcpy(csum_p, &c, 2);
}

static void
l4_update16(uint8_t *csum_p, bool udp, uint16_t old, uint16_t new)
{
    l4_update32(csum_p, udp, old, new);
}

static void
l4_update128(uint8_t *csum_p, bool udp, const uint8_t *old, const uint8_t *new)
{
    for (int i = 0; i < 16; i += 4) {
        uint32_t o, n;
        memcpy(&o, old + i, 4);
        memcpy(&n, new + i, 4);
        l4_update32(csum_p, udp, o, n);
    }
}

/* Returns P's upper-layer protocol (TCP, UDP, ...) if P is IPv4 or IPv6 with
 * an L4 header, else -1. */
static int
l4_proto(const struct pkt *p)
{
    const struct pkt_ipv4_hdr *ip = l3_ipv4(p);
    const struct pkt_ipv6_hdr *ip6;
    bool routing;

    if (ip) {
        return p->l4_ofs == PKT_OFS_NONE ? -1 : ip->proto;
    }
    ip6 = l3_ipv6(p);
    return ip6 ? ipv6_l4_proto(p, ip6, &routing) : -1;
}

/* ---------------------------------------------------------------------
 * set and set_masked: one setter per key attribute.
 *
 * Each receives the attribute's value and a mask of the same size (all
 * ones for plain set) and returns false only if the packet must be
 * dropped.  A packet without the layer is left alone: a datapath flow only
 * sets fields its key matched, so this happens only with hand-made action
 * lists.
 * --------------------------------------------------------------------- */

static bool
set_priority(struct pkt *p, const void *v, const void *m)
{
    /* struct pkt has no skb priority yet: there is nothing to set, and the
     * priority only matters to the kernel's queueing, which the software
     * datapath does not have. */
    return true;
}

static bool
set_skb_mark(struct pkt *p, const void *v_, const void *m_)
{
    uint32_t v, m;

    memcpy(&v, v_, 4);
    memcpy(&m, m_, 4);
    p->mark = masked32(p->mark, v, m);
    return true;
}

static bool
set_ethernet(struct pkt *p, const void *v_, const void *m_)
{
    const struct ovs_key_ethernet *v = v_, *m = m_;
    struct pkt_eth_hdr *eth = pkt_l2(p);

    if (!eth || p->size - p->l2_ofs < 2 * ETH_ADDR_LEN) {
        COVERAGE_INC(dp_execute_set_skipped);
        return true;
    }
    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        eth->src.ea[i] = masked8(eth->src.ea[i], v->eth_src[i], m->eth_src[i]);
        eth->dst.ea[i] = masked8(eth->dst.ea[i], v->eth_dst[i], m->eth_dst[i]);
    }
    return true;
}

/* Sets one IPv4 address (SRC or DST, at FIELD in the header) under MASK,
 * fixing the header checksum and the pseudo-header checksum of L4. */
static void
set_ipv4_addr(struct pkt_ipv4_hdr *ip, uint8_t *field, uint32_t v, uint32_t m,
              uint8_t *l4csum, bool udp)
{
    uint32_t old, new;

    memcpy(&old, field, 4);
    new = masked32(old, v, m);
    if (new != old) {
        ip->csum = csum_update32(ip->csum, old, new);
        l4_update32(l4csum, udp, old, new);
        memcpy(field, &new, 4);
    }
}

static bool
set_ipv4(struct pkt *p, const void *v_, const void *m_)
{
    const struct ovs_key_ipv4 *v = v_, *m = m_;
    struct pkt_ipv4_hdr *ip = l3_ipv4(p);
    uint8_t *l4csum;
    bool udp = false;

    if (!ip) {
        COVERAGE_INC(dp_execute_set_skipped);
        return true;
    }
    /* Only the first fragment (or an unfragmented packet) has an L4 header
     * recorded; later fragments carry no checksum to fix. */
    l4csum =
        p->l4_ofs != PKT_OFS_NONE ? l4_pseudo_csum(p, ip->proto, &udp) : NULL;
    if (ip->proto == IPPROTO_ICMPV6) {
        l4csum = NULL; /* Not an IPv4 protocol; it has no pseudo-header. */
    }
    set_ipv4_addr(ip, (uint8_t *) ip + offsetof(struct pkt_ipv4_hdr, src),
                  v->ipv4_src, m->ipv4_src, l4csum, udp);
    set_ipv4_addr(ip, (uint8_t *) ip + offsetof(struct pkt_ipv4_hdr, dst),
                  v->ipv4_dst, m->ipv4_dst, l4csum, udp);

    /* TOS shares a 16-bit word with version/IHL, TTL with the protocol. */
    uint8_t tos = masked8(ip->tos, v->ipv4_tos, m->ipv4_tos);
    if (tos != ip->tos) {
        ip->csum =
            csum_update16(ip->csum, PKT_HTONS(ip->ver_ihl << 8 | ip->tos),
                          PKT_HTONS(ip->ver_ihl << 8 | tos));
        ip->tos = tos;
    }
    uint8_t ttl = masked8(ip->ttl, v->ipv4_ttl, m->ipv4_ttl);
    if (ttl != ip->ttl) {
        ip->csum = csum_update16(ip->csum, PKT_HTONS(ip->ttl << 8 | ip->proto),
                                 PKT_HTONS(ttl << 8 | ip->proto));
        ip->ttl = ttl;
    }
    return true;
}

/* Sets the IPv6 address at FIELD to V under mask M (both as four be32
 * words), fixing the L4 checksum at L4CSUM (may be NULL). */
static void
set_ipv6_addr(uint8_t *field, const uint32_t v[4], const uint32_t m[4],
              uint8_t *l4csum, bool udp)
{
    uint8_t new[16];

    for (int i = 0; i < 4; i++) {
        uint32_t old;
        memcpy(&old, field + 4 * i, 4);
        old = masked32(old, v[i], m[i]);
        memcpy(new + 4 * i, &old, 4);
    }
    if (memcmp(new, field, 16)) {
        l4_update128(l4csum, udp, field, new);
        memcpy(field, new, 16);
    }
}

static bool
set_ipv6(struct pkt *p, const void *v_, const void *m_)
{
    const struct ovs_key_ipv6 *v = v_, *m = m_;
    struct pkt_ipv6_hdr *ip6 = l3_ipv6(p);
    uint8_t *l4csum = NULL;
    bool udp = false, routing;
    int proto;

    if (!ip6) {
        COVERAGE_INC(dp_execute_set_skipped);
        return true;
    }
    proto = ipv6_l4_proto(p, ip6, &routing);
    if (proto >= 0) {
        l4csum = l4_pseudo_csum(p, proto, &udp);
    }
    uint8_t *base = (uint8_t *) ip6;
    set_ipv6_addr(base + offsetof(struct pkt_ipv6_hdr, src), v->ipv6_src,
                  m->ipv6_src, l4csum, udp);
    /* With a routing header, the pseudo-header holds the final destination
     * from that header, which this action does not change. */
    set_ipv6_addr(base + offsetof(struct pkt_ipv6_hdr, dst), v->ipv6_dst,
                  m->ipv6_dst, routing ? NULL : l4csum, udp);

    /* Class, label and hop limit are covered by no checksum. */
    uint32_t vtc = PKT_NTOHL(ip6->vtc_flow);
    uint32_t label_m = PKT_NTOHL(m->ipv6_label) & IPV6_LABEL_MASK;
    vtc = masked32(vtc, PKT_NTOHL(v->ipv6_label), label_m);
    vtc = masked32(vtc, (uint32_t) v->ipv6_tclass << 20,
                   (uint32_t) m->ipv6_tclass << 20);
    ip6->vtc_flow = PKT_HTONL(vtc);
    ip6->hop_limit = masked8(ip6->hop_limit, v->ipv6_hlimit, m->ipv6_hlimit);
    return true;
}

/* Sets the two ports at the start of the L4 header L4 under mask, fixing
 * the checksum at CSUM_P if there is one. */
static void
set_ports(uint8_t *l4, uint16_t vs, uint16_t vd, uint16_t ms, uint16_t md,
          uint8_t *csum_p, bool udp)
{
    uint16_t old[2], new[2];

    memcpy(old, l4, 4);
    new[0] = masked16(old[0], vs, ms);
    new[1] = masked16(old[1], vd, md);
    l4_update16(csum_p, udp, old[0], new[0]);
    l4_update16(csum_p, udp, old[1], new[1]);
    memcpy(l4, new, 4);
}

static bool
set_tcp(struct pkt *p, const void *v_, const void *m_)
{
    const struct ovs_key_tcp *v = v_, *m = m_;
    uint8_t *csum_p;
    bool udp;

    if (l4_proto(p) != IPPROTO_TCP
        || !(csum_p = l4_pseudo_csum(p, IPPROTO_TCP, &udp))) {
        COVERAGE_INC(dp_execute_set_skipped);
        return true;
    }
    set_ports(pkt_l4(p), v->tcp_src, v->tcp_dst, m->tcp_src, m->tcp_dst,
              csum_p, udp);
    return true;
}

static bool
set_udp(struct pkt *p, const void *v_, const void *m_)
{
    const struct ovs_key_udp *v = v_, *m = m_;
    uint8_t *csum_p;
    bool udp;

    if (l4_proto(p) != IPPROTO_UDP
        || !(csum_p = l4_pseudo_csum(p, IPPROTO_UDP, &udp))) {
        COVERAGE_INC(dp_execute_set_skipped);
        return true;
    }
    set_ports(pkt_l4(p), v->udp_src, v->udp_dst, m->udp_src, m->udp_dst,
              csum_p, udp);
    return true;
}

/* Returns the length of P's L4 data: up to the end of the IP payload (not
 * Ethernet padding), clamped to the frame. */
static size_t
l4_len(const struct pkt *p)
{
    const struct pkt_ipv4_hdr *ip = l3_ipv4(p);
    const struct pkt_ipv6_hdr *ip6 = l3_ipv6(p);
    size_t end = p->size;

    if (ip) {
        end = NF_MIN(end, p->l3_ofs + (size_t) PKT_NTOHS(ip->tot_len));
    } else if (ip6) {
        end = NF_MIN(end, p->l3_ofs + IPV6_HEADER_LEN
                              + (size_t) PKT_NTOHS(ip6->payload_len));
    }
    return end > p->l4_ofs ? end - p->l4_ofs : 0;
}

/* Returns the CRC32c of the SCTP packet at L4 (N bytes) as it would be
 * stored, computed with the checksum field taken as zero. */
static uint32_t
sctp_crc(uint8_t *l4, size_t n)
{
    uint32_t saved, zero = 0, crc;

    memcpy(&saved, l4 + offsetof(struct pkt_sctp_hdr, csum), 4);
    memcpy(l4 + offsetof(struct pkt_sctp_hdr, csum), &zero, 4);
    crc = crc32c_extend(0, l4, n);
    memcpy(l4 + offsetof(struct pkt_sctp_hdr, csum), &saved, 4);
    return crc;
}

static bool
set_sctp(struct pkt *p, const void *v_, const void *m_)
{
    const struct ovs_key_sctp *v = v_, *m = m_;
    uint8_t *l4 = pkt_l4(p);
    size_t n;

    if (l4_proto(p) != IPPROTO_SCTP || (n = l4_len(p)) < SCTP_HEADER_LEN) {
        COVERAGE_INC(dp_execute_set_skipped);
        return true;
    }
    /* SCTP's CRC cannot be updated incrementally.  As the kernel does, keep
     * a CRC that was wrong by the same error: stored ^ correct-before
     * ^ correct-after. */
    uint32_t stored, before = sctp_crc(l4, n), after, le;
    memcpy(&stored, l4 + offsetof(struct pkt_sctp_hdr, csum), 4);
    set_ports(l4, v->sctp_src, v->sctp_dst, m->sctp_src, m->sctp_dst, NULL,
              false);
    after = sctp_crc(l4, n);
    uint8_t b[4] = { (uint8_t) before, (uint8_t) (before >> 8),
                     (uint8_t) (before >> 16), (uint8_t) (before >> 24) };
    uint8_t a[4] = { (uint8_t) after, (uint8_t) (after >> 8),
                     (uint8_t) (after >> 16), (uint8_t) (after >> 24) };
    memcpy(&before, b, 4);
    memcpy(&after, a, 4);
    le = stored ^ before ^ after;
    memcpy(l4 + offsetof(struct pkt_sctp_hdr, csum), &le, 4);
    return true;
}

static bool
set_mpls(struct pkt *p, const void *v_, const void *m_)
{
    const struct ovs_key_mpls *v = v_, *m = m_;
    uint32_t lse;

    if (!has_mpls(p) || (size_t) p->l2_5_ofs + MPLS_HEADER_LEN > p->size) {
        COVERAGE_INC(dp_execute_set_skipped);
        return true;
    }
    memcpy(&lse, p->data + p->l2_5_ofs, 4);
    lse = masked32(lse, v->mpls_lse, m->mpls_lse);
    memcpy(p->data + p->l2_5_ofs, &lse, 4);
    return true;
}

/* One settable key attribute: its payload size and setter. */
struct set_handler {
    size_t len;
    bool (*set)(struct pkt *, const void *value, const void *mask);
};

/* clang-format off */
static const struct set_handler set_handlers[OVS_KEY_ATTR_MAX + 1] = {
    [OVS_KEY_ATTR_PRIORITY] = { 4, set_priority },
    [OVS_KEY_ATTR_SKB_MARK] = { 4, set_skb_mark },
    [OVS_KEY_ATTR_ETHERNET] = { sizeof(struct ovs_key_ethernet),
                                set_ethernet },
    [OVS_KEY_ATTR_IPV4] = { sizeof(struct ovs_key_ipv4), set_ipv4 },
    [OVS_KEY_ATTR_IPV6] = { sizeof(struct ovs_key_ipv6), set_ipv6 },
    [OVS_KEY_ATTR_TCP] = { sizeof(struct ovs_key_tcp), set_tcp },
    [OVS_KEY_ATTR_UDP] = { sizeof(struct ovs_key_udp), set_udp },
    [OVS_KEY_ATTR_SCTP] = { sizeof(struct ovs_key_sctp), set_sctp },
    [OVS_KEY_ATTR_MPLS] = { sizeof(struct ovs_key_mpls), set_mpls },
};
/* clang-format on */

/* The mask of a plain set(): every bit of the largest key attribute. */
static const uint8_t all_ones[sizeof(struct ovs_key_ipv6)] = {
    [0 ... sizeof(struct ovs_key_ipv6) - 1] = 0xff,
};

/* Replaces P's tunnel metadata with the nested OVS_KEY_ATTR_TUNNEL K (a
 * plain set of the whole tunnel, as the kernel does). */
static bool
set_tunnel(struct pkt *p, const struct nlattr *k)
{
    struct flow f;

    if (odp_key_to_flow(k, k->nla_len, &f, NULL)) {
        return false;
    }
    p->tunnel = f.tunnel;
    return true;
}

bool
dp_execute_set_action(struct pkt *p, const struct nlattr *a, bool masked)
{
    const struct nlattr *k = mnl_attr_get_payload(a);
    int len = (int) mnl_attr_get_payload_len(a);

    if (!mnl_attr_ok(k, len)) {
        COVERAGE_INC(dp_execute_set_malformed);
        return false;
    }
    uint16_t type = mnl_attr_get_type(k);
    size_t plen = mnl_attr_get_payload_len(k);
    if (type == OVS_KEY_ATTR_TUNNEL && !masked) {
        if (set_tunnel(p, k)) {
            return true;
        }
        COVERAGE_INC(dp_execute_set_malformed);
        return false;
    }
    if (type > OVS_KEY_ATTR_MAX || !set_handlers[type].set) {
        /* ND (and anything unknown) is not implemented: dropping is safer
         * than sending a packet without the change the flow asked for. */
        COVERAGE_INC(dp_execute_set_unsupported);
        return false;
    }
    const struct set_handler *h = &set_handlers[type];
    if (plen != h->len * (masked ? 2 : 1)) {
        COVERAGE_INC(dp_execute_set_malformed);
        return false;
    }
    /* Copies give the setters aligned structs to read. */
    uint8_t value[sizeof all_ones], mask[sizeof all_ones];
    memcpy(value, mnl_attr_get_payload(k), h->len);
    memcpy(mask,
           masked ? (const uint8_t *) mnl_attr_get_payload(k) + h->len
                  : all_ones,
           h->len);
    return h->set(p, value, mask);
}
