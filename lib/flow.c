/* flow.c: flow key extraction, hashing and frame composition (see flow.h;
 * flow_format() is in flow-format.c).
 *
 * The extractor is the first thing every untrusted frame meets, so it is
 * written around one rule: every read goes through a bounds-checked cursor
 * (struct parser), and every header is read through a packed struct, so
 * neither a short frame nor an odd alignment can make it read outside the
 * frame or invoke undefined behaviour.  Which parser handles which
 * EtherType, IPv6 extension header and upper-layer protocol is data (the
 * tables below), not code. */
#include "flow.h"

#include "crc32c.h"

#include <errno.h>
#include <string.h>

#include "coverage.h"
#include "hash.h"

COVERAGE_DEFINE(flow_extract_runt);
COVERAGE_DEFINE(flow_extract_bad_mpls);
COVERAGE_DEFINE(flow_extract_bad_arp);
COVERAGE_DEFINE(flow_extract_bad_ipv4);
COVERAGE_DEFINE(flow_extract_bad_ipv6);
COVERAGE_DEFINE(flow_extract_bad_l4);
COVERAGE_DEFINE(flow_extract_bad_nd);

/* A bounds-checked read cursor over the frame.  END is where the current
 * layer's data ends: the frame's end, or inside an IP packet the end given
 * by the IP length (so Ethernet padding is never taken for L4 data). */
struct parser {
    const uint8_t *frame;
    size_t ofs;
    size_t end;
};

static size_t
parser_left(const struct parser *ps)
{
    return ps->end - ps->ofs;
}

/* Returns a pointer to the next N bytes without consuming them, or NULL if
 * fewer than N are left. */
static const void *
parser_peek(const struct parser *ps, size_t n)
{
    return parser_left(ps) >= n ? ps->frame + ps->ofs : NULL;
}

/* Like parser_peek(), and consumes the bytes. */
static const void *
parser_pull(struct parser *ps, size_t n)
{
    const void *h = parser_peek(ps, n);

    if (h) {
        ps->ofs += n;
    }
    return h;
}

/* Offsets beyond the 16-bit range are recorded as absent: the parse result
 * is still right, only the shortcut for later stages is lost. */
static uint16_t
ofs16(size_t ofs)
{
    return ofs < PKT_OFS_NONE ? (uint16_t) ofs : PKT_OFS_NONE;
}

static uint16_t
get_be16(const void *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static bool
is_vlan_tpid(uint16_t tpid_be)
{
    return tpid_be == PKT_HTONS(ETH_TYPE_VLAN_8021Q)
           || tpid_be == PKT_HTONS(ETH_TYPE_VLAN_8021AD);
}

/* ---------------------------------------------------------------------
 * L4.
 *
 * Each parser gets a cursor at the start of the L4 header whose end is the
 * end of the IP payload, at least MIN_LEN bytes long.  It fills the flow
 * and returns the header's length (where the payload starts), or 0 if the
 * header is malformed, in which case it must have filled nothing.
 * --------------------------------------------------------------------- */

/* TCP: ports, flags.  The data offset must cover the fixed header and fit
 * in the packet; otherwise none of the fields are trusted. */
static size_t
parse_tcp(const struct parser *ps, struct flow *flow)
{
    const struct pkt_tcp_hdr *tcp = parser_peek(ps, TCP_HEADER_LEN);
    uint16_t ctl = PKT_NTOHS(tcp->ctl);
    size_t hlen = (size_t) (ctl >> 12) * 4;

    if (hlen < TCP_HEADER_LEN || hlen > parser_left(ps)) {
        return 0;
    }
    flow->tp_src = tcp->src;
    flow->tp_dst = tcp->dst;
    flow->tcp_flags = PKT_HTONS(ctl & TCP_FLAGS_MASK);
    return hlen;
}

/* UDP and SCTP: the ports are the first four bytes of both. */
static size_t
parse_udp(const struct parser *ps, struct flow *flow)
{
    const struct pkt_udp_hdr *udp = parser_peek(ps, UDP_HEADER_LEN);

    flow->tp_src = udp->src;
    flow->tp_dst = udp->dst;
    return UDP_HEADER_LEN;
}

static size_t
parse_sctp(const struct parser *ps, struct flow *flow)
{
    const struct pkt_sctp_hdr *sctp = parser_peek(ps, SCTP_HEADER_LEN);

    flow->tp_src = sctp->src;
    flow->tp_dst = sctp->dst;
    return SCTP_HEADER_LEN;
}

static size_t
parse_icmp(const struct parser *ps, struct flow *flow)
{
    const struct pkt_icmp_hdr *icmp = parser_peek(ps, ICMP_HEADER_LEN);

    flow->tp_src = PKT_HTONS(icmp->type);
    flow->tp_dst = PKT_HTONS(icmp->code);
    return ICMP_HEADER_LEN;
}

/* Neighbour Solicitation / Advertisement: the target address and the
 * link-layer address option that belongs to the message type (SLL for NS,
 * TLL for NA, RFC 4861 4.3/4.4).  Options are walked within the ICMPv6
 * message.  Any malformation (message too short for the target, an option
 * of length 0 or running past the end, a second link-layer option of the
 * kind we record) makes all three ND fields zero: a half-parsed ND message
 * must not be matched as if it were well formed.  Link-layer options of
 * another length than one unit are for other link layers and skipped. */
static void
parse_nd(const struct parser *ps, uint8_t type, struct flow *flow)
{
    const struct pkt_nd_hdr *nd = parser_peek(ps, ND_HEADER_LEN);
    uint8_t want = (type == ND_NEIGHBOR_SOLICIT ? ND_OPT_SOURCE_LINKADDR
                                                : ND_OPT_TARGET_LINKADDR);
    struct eth_addr *lla =
        (type == ND_NEIGHBOR_SOLICIT ? &flow->arp_sha : &flow->arp_tha);
    bool have_lla = false;

    if (!nd) {
        goto invalid;
    }
    flow->nd_target = nd->target;

    struct parser opts = { ps->frame, ps->ofs + ND_HEADER_LEN, ps->end };
    while (parser_left(&opts)) {
        const struct pkt_nd_opt *opt = parser_peek(&opts, sizeof *opt);
        if (!opt || !opt->len) {
            goto invalid;
        }
        size_t len = (size_t) opt->len * ND_OPT_UNIT;
        const uint8_t *body = parser_pull(&opts, len);
        if (!body) {
            goto invalid;
        }
        if (opt->type == want && len == ND_OPT_UNIT) {
            if (have_lla) {
                goto invalid;
            }
            memcpy(lla, body + sizeof *opt, sizeof *lla);
            have_lla = true;
        }
    }
    return;

invalid:
    COVERAGE_INC(flow_extract_bad_nd);
    memset(&flow->nd_target, 0, sizeof flow->nd_target);
    memset(&flow->arp_sha, 0, sizeof flow->arp_sha);
    memset(&flow->arp_tha, 0, sizeof flow->arp_tha);
}

static size_t
parse_icmpv6(const struct parser *ps, struct flow *flow)
{
    const struct pkt_icmp_hdr *icmp = parser_peek(ps, ICMPV6_HEADER_LEN);
    uint8_t type = icmp->type;

    flow->tp_src = PKT_HTONS(type);
    flow->tp_dst = PKT_HTONS(icmp->code);
    /* RFC 4861 requires code 0; anything else is not ND. */
    if ((type == ND_NEIGHBOR_SOLICIT || type == ND_NEIGHBOR_ADVERT)
        && icmp->code == 0) {
        parse_nd(ps, type, flow);
    }
    return ICMPV6_HEADER_LEN;
}

#define L4_IPV4 0x1
#define L4_IPV6 0x2

/* clang-format off */
static const struct l4_parser {
    uint8_t proto;              /* IPPROTO_*. */
    uint8_t versions;           /* L4_IPV4 | L4_IPV6: where it applies. */
    size_t min_len;             /* Bytes needed before calling PARSE. */
    size_t (*parse)(const struct parser *, struct flow *);
} l4_parsers[] = {
    { IPPROTO_TCP,    L4_IPV4 | L4_IPV6, TCP_HEADER_LEN,    parse_tcp },
    { IPPROTO_UDP,    L4_IPV4 | L4_IPV6, UDP_HEADER_LEN,    parse_udp },
    { IPPROTO_SCTP,   L4_IPV4 | L4_IPV6, SCTP_HEADER_LEN,   parse_sctp },
    { IPPROTO_ICMP,   L4_IPV4,           ICMP_HEADER_LEN,   parse_icmp },
    { IPPROTO_ICMPV6, L4_IPV6,           ICMPV6_HEADER_LEN, parse_icmpv6 },
};
/* clang-format on */

/* Records the L4 offset and parses the header if nicflow knows the
 * protocol.  A known protocol whose header is short or malformed leaves
 * the L4 fields zero and the payload offset absent. */
static void
parse_l4(struct parser *ps, struct pkt *p, struct flow *flow, uint8_t version)
{
    p->l4_ofs = ofs16(ps->ofs);
    for (size_t i = 0; i < ARRAY_SIZE(l4_parsers); i++) {
        const struct l4_parser *l4 = &l4_parsers[i];
        if (l4->proto != flow->nw_proto || !(l4->versions & version)) {
            continue;
        }
        size_t hlen =
            (parser_left(ps) >= l4->min_len ? l4->parse(ps, flow) : 0);
        if (hlen) {
            p->payload_ofs = ofs16(ps->ofs + hlen);
        } else {
            COVERAGE_INC(flow_extract_bad_l4);
        }
        return;
    }
}

/* ---------------------------------------------------------------------
 * L3.  Each parser gets a cursor at the start of the L3 header.
 * --------------------------------------------------------------------- */

/* IPv4.  With a whole fixed header of version 4, the addresses, protocol,
 * ToS, TTL and fragment bits are filled (they are at fixed places).  The
 * upper layer is parsed only if the header length is at least 20, the
 * total length covers the header and the frame holds the total length,
 * and the packet is not a later fragment. */
static void
parse_ipv4(struct parser *ps, struct pkt *p, struct flow *flow)
{
    const struct pkt_ipv4_hdr *ip = parser_peek(ps, IPV4_HEADER_LEN);

    if (!ip || ip->ver_ihl >> 4 != 4) {
        COVERAGE_INC(flow_extract_bad_ipv4);
        return;
    }
    flow->nw_src = ip->src;
    flow->nw_dst = ip->dst;
    flow->nw_proto = ip->proto;
    flow->nw_tos = ip->tos;
    flow->nw_ttl = ip->ttl;

    uint16_t frag_off = PKT_NTOHS(ip->frag_off);
    if (frag_off & (IPV4_MF | IPV4_FRAG_OFF_MASK)) {
        flow->nw_frag = FLOW_NW_FRAG_ANY;
        if (frag_off & IPV4_FRAG_OFF_MASK) {
            flow->nw_frag |= FLOW_NW_FRAG_LATER;
        }
    }

    size_t ihl = (size_t) (ip->ver_ihl & 0x0f) * 4;
    size_t tot_len = PKT_NTOHS(ip->tot_len);
    if (ihl < IPV4_HEADER_LEN || tot_len < ihl || tot_len > parser_left(ps)) {
        COVERAGE_INC(flow_extract_bad_ipv4);
        return;
    }
    if (flow->nw_frag & FLOW_NW_FRAG_LATER) {
        return;
    }
    struct parser l4 = { ps->frame, ps->ofs + ihl, ps->ofs + tot_len };
    parse_l4(&l4, p, flow, L4_IPV4);
}

/* How the length of each IPv6 extension header nicflow walks is coded
 * (RFC 8200 4.3-4.6, RFC 4302 2.2 for AH). */
enum ext_len_kind {
    EXT_LEN_8OCTETS,  /* (len + 1) * 8 bytes. */
    EXT_LEN_AH,       /* (len + 2) * 4 bytes. */
    EXT_LEN_FRAGMENT, /* Always 8 bytes; fragment rules apply. */
};

/* clang-format off */
static const struct ipv6_ext {
    uint8_t proto;
    enum ext_len_kind kind;
} ipv6_exts[] = {
    { IPPROTO_HOPOPTS,  EXT_LEN_8OCTETS },
    { IPPROTO_ROUTING,  EXT_LEN_8OCTETS },
    { IPPROTO_DSTOPTS,  EXT_LEN_8OCTETS },
    { IPPROTO_AH,       EXT_LEN_AH },
    { IPPROTO_FRAGMENT, EXT_LEN_FRAGMENT },
};
/* clang-format on */

static const struct ipv6_ext *
ipv6_ext_lookup(uint8_t proto)
{
    for (size_t i = 0; i < ARRAY_SIZE(ipv6_exts); i++) {
        if (ipv6_exts[i].proto == proto) {
            return &ipv6_exts[i];
        }
    }
    return NULL;
}

/* IPv6.  With a whole fixed header of version 6, the addresses, flow label,
 * traffic class and hop limit are filled.  Then, within the payload
 * length (which the frame must hold), the extension headers of the table
 * above are walked, at most FLOW_MAX_IPV6_EXT_HDRS of them: nw_proto is
 * the first header that is not one of them, and that header is parsed as
 * the upper layer.  A fragment header sets nw_frag; after a later
 * fragment's header nothing is walked (nw_proto is its next header).  If
 * the payload is truncated, an extension header does not fit, or the
 * chain is too long, nw_proto is the next-header value where the walk
 * stopped and no upper layer is parsed. */
static void
parse_ipv6(struct parser *ps, struct pkt *p, struct flow *flow)
{
    const struct pkt_ipv6_hdr *ip6 = parser_pull(ps, IPV6_HEADER_LEN);

    if (!ip6 || PKT_NTOHL(ip6->vtc_flow) >> 28 != 6) {
        COVERAGE_INC(flow_extract_bad_ipv6);
        return;
    }
    uint32_t vtc_flow = PKT_NTOHL(ip6->vtc_flow);
    flow->ipv6_src = ip6->src;
    flow->ipv6_dst = ip6->dst;
    flow->ipv6_label = PKT_HTONL(vtc_flow & IPV6_LABEL_MASK);
    flow->nw_tos = (uint8_t) (vtc_flow >> 20);
    flow->nw_ttl = ip6->hop_limit;

    uint8_t next = ip6->next;
    size_t plen = PKT_NTOHS(ip6->payload_len);
    if (plen > parser_left(ps)) {
        goto malformed;
    }
    ps->end = ps->ofs + plen;

    for (size_t n = 0;; n++) {
        const struct ipv6_ext *ext = ipv6_ext_lookup(next);
        if (!ext) {
            break;
        }
        if (n >= FLOW_MAX_IPV6_EXT_HDRS) {
            goto malformed;
        }
        if (ext->kind == EXT_LEN_FRAGMENT) {
            const struct pkt_ipv6_frag_hdr *frag =
                parser_pull(ps, IPV6_FRAG_HEADER_LEN);
            if (!frag) {
                goto malformed;
            }
            next = frag->next;
            flow->nw_frag = FLOW_NW_FRAG_ANY;
            if (PKT_NTOHS(frag->off_flags) & IPV6_FRAG_OFF_MASK) {
                flow->nw_frag |= FLOW_NW_FRAG_LATER;
                flow->nw_proto = next;
                return;
            }
            continue;
        }
        const uint8_t *hdr = parser_peek(ps, 2);
        if (!hdr) {
            goto malformed;
        }
        size_t len = (ext->kind == EXT_LEN_AH ? ((size_t) hdr[1] + 2) * 4
                                              : ((size_t) hdr[1] + 1) * 8);
        if (!parser_pull(ps, len)) {
            goto malformed;
        }
        next = hdr[0];
    }
    flow->nw_proto = next;
    parse_l4(ps, p, flow, L4_IPV6);
    return;

malformed:
    COVERAGE_INC(flow_extract_bad_ipv6);
    flow->nw_proto = next;
}

/* ARP and RARP, only for Ethernet hardware and IPv4 protocol addresses
 * (the only combination struct flow has fields for); other kinds leave
 * the L3 fields zero. */
static void
parse_arp(struct parser *ps, struct pkt *p NF_UNUSED, struct flow *flow)
{
    const struct pkt_arp_hdr *arp = parser_peek(ps, ARP_HEADER_LEN);

    if (!arp || arp->hrd != PKT_HTONS(ARP_HRD_ETHERNET)
        || arp->pro != PKT_HTONS(ETH_TYPE_IP) || arp->hln != ETH_ADDR_LEN
        || arp->pln != 4) {
        COVERAGE_INC(flow_extract_bad_arp);
        return;
    }
    uint16_t op = PKT_NTOHS(arp->op);
    flow->nw_proto = op <= UINT8_MAX ? (uint8_t) op : 0;
    flow->nw_src = arp->spa;
    flow->nw_dst = arp->tpa;
    flow->arp_sha = arp->sha;
    flow->arp_tha = arp->tha;
}

/* MPLS: the label stack is walked to the bottom-of-stack entry; the top
 * FLOW_MAX_MPLS_LABELS entries are kept.  l2_5_ofs names the top entry and
 * l3_ofs what follows the bottom one; a stack that runs off the end of the
 * frame keeps its entries but has no L3 offset.  What the stack carries is
 * not parsed (MPLS does not say what it is). */
static void
parse_mpls(struct parser *ps, struct pkt *p, struct flow *flow)
{
    p->l2_5_ofs = ofs16(ps->ofs);
    p->l3_ofs = PKT_OFS_NONE;
    for (size_t n = 0;; n++) {
        const void *lse = parser_pull(ps, MPLS_HEADER_LEN);
        if (!lse) {
            COVERAGE_INC(flow_extract_bad_mpls);
            return;
        }
        uint32_t v;
        memcpy(&v, lse, sizeof v);
        if (n < FLOW_MAX_MPLS_LABELS) {
            flow->mpls_lse[n] = v;
        }
        if (PKT_NTOHL(v) & MPLS_LSE_BOS) {
            p->l3_ofs = ofs16(ps->ofs);
            return;
        }
    }
}

/* clang-format off */
static const struct l3_parser {
    uint16_t dl_type;           /* Host byte order. */
    void (*parse)(struct parser *, struct pkt *, struct flow *);
} l3_parsers[] = {
    { ETH_TYPE_IP,         parse_ipv4 },
    { ETH_TYPE_IPV6,       parse_ipv6 },
    { ETH_TYPE_ARP,        parse_arp },
    { ETH_TYPE_RARP,       parse_arp },
    { ETH_TYPE_MPLS,       parse_mpls },
    { ETH_TYPE_MPLS_MCAST, parse_mpls },
};
/* clang-format on */

/* ---------------------------------------------------------------------
 * L2.
 * --------------------------------------------------------------------- */

/* Reads the type field at the cursor: an EtherType, or for 802.3 frames
 * (a length there) the EtherType of an LLC/SNAP header with a zero OUI,
 * or FLOW_DL_TYPE_NONE.  Consumes the type field and the SNAP header it
 * uses.  The caller has checked that two bytes are there. */
static uint16_t
parse_ethertype(struct parser *ps)
{
    uint16_t type = get_be16(parser_pull(ps, 2));

    if (PKT_NTOHS(type) >= ETH_TYPE_MIN) {
        return type;
    }

    const struct pkt_llc_snap_hdr *snap = parser_peek(ps, sizeof *snap);
    if (!snap || snap->dsap != LLC_SAP_SNAP || snap->ssap != LLC_SAP_SNAP
        || snap->control != LLC_CONTROL_UI || snap->oui[0] || snap->oui[1]
        || snap->oui[2] || PKT_NTOHS(snap->type) < ETH_TYPE_MIN) {
        return PKT_HTONS(FLOW_DL_TYPE_NONE);
    }
    ps->ofs += sizeof *snap;
    return snap->type;
}

/* Ethernet, up to FLOW_MAX_VLAN_HEADERS tags, and the type.  Returns false
 * if the frame is shorter than an Ethernet header (no L2 at all). */
static bool
parse_l2(struct parser *ps, struct pkt *p, struct flow *flow)
{
    const struct pkt_eth_hdr *eth = parser_peek(ps, ETH_HEADER_LEN);

    if (!eth) {
        COVERAGE_INC(flow_extract_runt);
        return false;
    }
    p->l2_ofs = 0;
    flow->dl_dst = eth->dst;
    flow->dl_src = eth->src;
    ps->ofs += 2 * ETH_ADDR_LEN;

    /* A tag counts only if the type field after it is there too, so the
     * type below is always readable. */
    for (size_t n = 0; n < FLOW_MAX_VLAN_HEADERS; n++) {
        const struct pkt_vlan_hdr *tag = parser_peek(ps, VLAN_HEADER_LEN + 2);
        if (!tag || !is_vlan_tpid(tag->tpid)) {
            break;
        }
        if (n == 0) {
            p->l2_5_ofs = ofs16(ps->ofs);
        }
        flow->vlans[n].tpid = tag->tpid;
        flow->vlans[n].tci = tag->tci | PKT_HTONS(FLOW_VLAN_PRESENT);
        ps->ofs += VLAN_HEADER_LEN;
    }

    flow->dl_type = parse_ethertype(ps);
    return true;
}

void
flow_extract(struct pkt *p, struct flow *flow)
{
    struct parser ps = { p->data, 0, p->size };

    memset(flow, 0, sizeof *flow);
    flow->tunnel = p->tunnel;
    flow->in_port = p->in_port;
    flow->pkt_mark = p->mark;
    flow->recirc_id = p->recirc_id;
    flow->dp_hash = p->dp_hash;

    pkt_reset_offsets(p);
    if (!parse_l2(&ps, p, flow)) {
        return;
    }

    p->l3_ofs = ofs16(ps.ofs);
    uint16_t dl_type = PKT_NTOHS(flow->dl_type);
    for (size_t i = 0; i < ARRAY_SIZE(l3_parsers); i++) {
        if (l3_parsers[i].dl_type == dl_type) {
            l3_parsers[i].parse(&ps, p, flow);
            break;
        }
    }
}

uint32_t
flow_hash(const struct flow *flow, uint32_t basis)
{
    return hash_bytes(flow, sizeof *flow, basis);
}

bool
flow_equal(const struct flow *a, const struct flow *b)
{
    return !memcmp(a, b, sizeof *a);
}

/* ---------------------------------------------------------------------
 * Composition.
 * --------------------------------------------------------------------- */

/* Fragment offset (in 8-byte units) used for composed later fragments: any
 * non-zero value would do; this is where a second 1480-byte fragment
 * starts. */
#define COMPOSE_FRAG_OFF 185

/* The largest payload for which every composed length field (IPv4 total
 * length, IPv6 payload length, UDP length, 802.3 length) still fits in 16
 * bits, whatever headers come before it. */
#define COMPOSE_MAX_PAYLOAD (UINT16_MAX - 128)

static bool
flow_is_ip(const struct flow *flow)
{
    return flow->dl_type == PKT_HTONS(ETH_TYPE_IP)
           || flow->dl_type == PKT_HTONS(ETH_TYPE_IPV6);
}

static bool
flow_is_nd(const struct flow *flow)
{
    return (flow->dl_type == PKT_HTONS(ETH_TYPE_IPV6)
            && flow->nw_proto == IPPROTO_ICMPV6
            && !(flow->nw_frag & FLOW_NW_FRAG_LATER)
            && (flow->tp_src == PKT_HTONS(ND_NEIGHBOR_SOLICIT)
                || flow->tp_src == PKT_HTONS(ND_NEIGHBOR_ADVERT))
            && flow->tp_dst == 0);
}

static bool
eth_addr_is_zero(const struct eth_addr *a)
{
    static const struct eth_addr zero;
    return !memcmp(a, &zero, sizeof zero);
}

/* Checks the structural promises flow_compose() documents. */
static bool
compose_check(const struct flow *flow, size_t payload_len)
{
    if (payload_len > COMPOSE_MAX_PAYLOAD) {
        return false;
    }
    if (PKT_NTOHS(flow->dl_type) < ETH_TYPE_MIN
        && flow->dl_type != PKT_HTONS(FLOW_DL_TYPE_NONE)) {
        return false;
    }
    for (size_t i = 0; i < FLOW_MAX_VLAN_HEADERS; i++) {
        const struct flow_vlan *v = &flow->vlans[i];
        if (!(v->tci & PKT_HTONS(FLOW_VLAN_PRESENT))) {
            if (v->tci || v->tpid) {
                return false;
            }
            continue;
        }
        if (!is_vlan_tpid(v->tpid)
            || (i > 0
                && !(flow->vlans[i - 1].tci & PKT_HTONS(FLOW_VLAN_PRESENT)))) {
            return false;
        }
    }
    /* A VLAN TPID as dl_type means a third tag, which needs two before
     * it; with fewer, the composed "type" would be parsed as a tag. */
    if (is_vlan_tpid(flow->dl_type)
        && !(flow->vlans[FLOW_MAX_VLAN_HEADERS - 1].tci
             & PKT_HTONS(FLOW_VLAN_PRESENT))) {
        return false;
    }
    if (flow->nw_frag && !flow_is_ip(flow)) {
        return false;
    }
    if (flow->dl_type == PKT_HTONS(ETH_TYPE_IPV6)
        && !(flow->nw_frag & FLOW_NW_FRAG_LATER)
        && ipv6_ext_lookup(flow->nw_proto)) {
        return false;
    }
    return true;
}

/* Appends the upper-layer header of FLOW (if nicflow knows the protocol)
 * and the payload; returns the L4 length so the IP header can be filled in
 * afterwards.  Checksums are left to finish_l4_csum(), which needs the
 * final IP addresses and length. */
static size_t
compose_l4(struct pkt *p, const struct flow *flow, size_t payload_len)
{
    size_t start = p->size;
    bool v6 = flow->dl_type == PKT_HTONS(ETH_TYPE_IPV6);

    if (flow->nw_frag & FLOW_NW_FRAG_LATER) {
        /* Later fragments carry no L4 header. */
    } else if (flow->nw_proto == IPPROTO_TCP) {
        struct pkt_tcp_hdr *tcp = pkt_put_zeros(p, sizeof *tcp);
        tcp->src = flow->tp_src;
        tcp->dst = flow->tp_dst;
        tcp->ctl = PKT_HTONS((TCP_HEADER_LEN / 4) << 12
                             | (PKT_NTOHS(flow->tcp_flags) & TCP_FLAGS_MASK));
        tcp->window = PKT_HTONS(65535);
    } else if (flow->nw_proto == IPPROTO_UDP) {
        struct pkt_udp_hdr *udp = pkt_put_zeros(p, sizeof *udp);
        udp->src = flow->tp_src;
        udp->dst = flow->tp_dst;
    } else if (flow->nw_proto == IPPROTO_SCTP) {
        struct pkt_sctp_hdr *sctp = pkt_put_zeros(p, sizeof *sctp);
        sctp->src = flow->tp_src;
        sctp->dst = flow->tp_dst;
    } else if (flow->nw_proto == (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP)) {
        struct pkt_icmp_hdr *icmp;
        if (flow_is_nd(flow)) {
            struct pkt_nd_hdr *nd = pkt_put_zeros(p, sizeof *nd);
            nd->type = (uint8_t) PKT_NTOHS(flow->tp_src);
            nd->target = flow->nd_target;
            const struct eth_addr *lla =
                (nd->type == ND_NEIGHBOR_SOLICIT ? &flow->arp_sha
                                                 : &flow->arp_tha);
            if (!eth_addr_is_zero(lla)) {
                uint8_t *opt = pkt_put_zeros(p, ND_OPT_UNIT);
                opt[0] =
                    (nd->type == ND_NEIGHBOR_SOLICIT ? ND_OPT_SOURCE_LINKADDR
                                                     : ND_OPT_TARGET_LINKADDR);
                opt[1] = 1;
                memcpy(opt + 2, lla, sizeof *lla);
            }
            /* Bytes after ND options would be read as options; carry the
             * filler in options of the experimental type instead (RFC
             * 4727), which the extractor skips. */
            size_t units = (payload_len + ND_OPT_UNIT - 1) / ND_OPT_UNIT;
            while (units) {
                size_t n = NF_MIN(units, UINT8_MAX);
                uint8_t *exp = pkt_put_zeros(p, n * ND_OPT_UNIT);
                exp[0] = ND_OPT_EXPERIMENTAL;
                exp[1] = (uint8_t) n;
                units -= n;
            }
            payload_len = 0;
        } else {
            icmp = pkt_put_zeros(p, ICMP_HEADER_LEN);
            icmp->type = (uint8_t) PKT_NTOHS(flow->tp_src);
            icmp->code = (uint8_t) PKT_NTOHS(flow->tp_dst);
        }
    }

    uint8_t *fill = pkt_put_uninit(p, payload_len);
    for (size_t i = 0; i < payload_len; i++) {
        fill[i] = (uint8_t) i;
    }
    return p->size - start;
}

/* Fills in the L4 length and checksum fields once the L4 bytes at L4 (L4_LEN
 * long) are final.  PSEUDO is the IP pseudo-header sum. */
static void
finish_l4(uint8_t *l4, size_t l4_len, const struct flow *flow, uint32_t pseudo)
{
    bool v6 = flow->dl_type == PKT_HTONS(ETH_TYPE_IPV6);

    if (flow->nw_frag & FLOW_NW_FRAG_LATER) {
        return;
    }
    if (flow->nw_proto == IPPROTO_TCP) {
        struct pkt_tcp_hdr *tcp = (struct pkt_tcp_hdr *) l4;
        tcp->csum = pkt_csum_finish(pkt_csum_add(pseudo, l4, l4_len));
    } else if (flow->nw_proto == IPPROTO_UDP) {
        struct pkt_udp_hdr *udp = (struct pkt_udp_hdr *) l4;
        udp->len = PKT_HTONS((uint16_t) l4_len);
        uint16_t csum = pkt_csum_finish(pkt_csum_add(pseudo, l4, l4_len));
        /* A computed zero is sent as all ones (RFC 768). */
        udp->csum = csum ? csum : 0xffff;
    } else if (flow->nw_proto == IPPROTO_SCTP) {
        struct pkt_sctp_hdr *sctp = (struct pkt_sctp_hdr *) l4;
        uint32_t crc = crc32c_extend(0, l4, l4_len);
        uint8_t le[4] = { (uint8_t) crc, (uint8_t) (crc >> 8),
                          (uint8_t) (crc >> 16), (uint8_t) (crc >> 24) };
        memcpy(&sctp->csum, le, sizeof le);
    } else if (flow->nw_proto == IPPROTO_ICMP && !v6) {
        struct pkt_icmp_hdr *icmp = (struct pkt_icmp_hdr *) l4;
        icmp->csum = pkt_csum_finish(pkt_csum_add(0, l4, l4_len));
    } else if (flow->nw_proto == IPPROTO_ICMPV6 && v6) {
        struct pkt_icmp_hdr *icmp = (struct pkt_icmp_hdr *) l4;
        icmp->csum = pkt_csum_finish(pkt_csum_add(pseudo, l4, l4_len));
    }
}

static void
compose_ipv4(struct pkt *p, const struct flow *flow, size_t payload_len)
{
    size_t l3 = p->size;
    pkt_put_zeros(p, IPV4_HEADER_LEN);
    size_t l4_len = compose_l4(p, flow, payload_len);

    /* Pointers are taken only now: compose_l4() may have moved the
     * buffer. */
    struct pkt_ipv4_hdr *ip = (struct pkt_ipv4_hdr *) (p->data + l3);
    ip->ver_ihl = 4 << 4 | IPV4_HEADER_LEN / 4;
    ip->tos = flow->nw_tos;
    ip->tot_len = PKT_HTONS((uint16_t) (IPV4_HEADER_LEN + l4_len));
    if (flow->nw_frag & FLOW_NW_FRAG_LATER) {
        ip->frag_off = PKT_HTONS(COMPOSE_FRAG_OFF);
    } else if (flow->nw_frag & FLOW_NW_FRAG_ANY) {
        ip->frag_off = PKT_HTONS(IPV4_MF);
    }
    ip->ttl = flow->nw_ttl;
    ip->proto = flow->nw_proto;
    ip->src = flow->nw_src;
    ip->dst = flow->nw_dst;
    ip->csum = pkt_csum_finish(pkt_csum_add(0, ip, IPV4_HEADER_LEN));

    finish_l4(p->data + l3 + IPV4_HEADER_LEN, l4_len, flow,
              pkt_csum_pseudo_ipv4(ip->src, ip->dst, ip->proto, l4_len));
}

static void
compose_ipv6(struct pkt *p, const struct flow *flow, size_t payload_len)
{
    size_t l3 = p->size;
    size_t frag_len = flow->nw_frag ? IPV6_FRAG_HEADER_LEN : 0;

    pkt_put_zeros(p, IPV6_HEADER_LEN + frag_len);
    size_t l4_len = compose_l4(p, flow, payload_len);

    struct pkt_ipv6_hdr *ip6 = (struct pkt_ipv6_hdr *) (p->data + l3);
    ip6->vtc_flow =
        PKT_HTONL(6u << 28 | (uint32_t) flow->nw_tos << 20
                  | (PKT_NTOHL(flow->ipv6_label) & IPV6_LABEL_MASK));
    ip6->payload_len = PKT_HTONS((uint16_t) (frag_len + l4_len));
    ip6->next = frag_len ? IPPROTO_FRAGMENT : flow->nw_proto;
    ip6->hop_limit = flow->nw_ttl;
    ip6->src = flow->ipv6_src;
    ip6->dst = flow->ipv6_dst;
    if (frag_len) {
        struct pkt_ipv6_frag_hdr *frag =
            (struct pkt_ipv6_frag_hdr *) (p->data + l3 + IPV6_HEADER_LEN);
        frag->next = flow->nw_proto;
        frag->off_flags = PKT_HTONS(flow->nw_frag & FLOW_NW_FRAG_LATER
                                        ? COMPOSE_FRAG_OFF << 3
                                        : IPV6_FRAG_MORE);
    }

    struct in6_addr src = ip6->src, dst = ip6->dst;
    finish_l4(p->data + l3 + IPV6_HEADER_LEN + frag_len, l4_len, flow,
              pkt_csum_pseudo_ipv6(&src, &dst, flow->nw_proto, l4_len));
}

static void
compose_arp(struct pkt *p, const struct flow *flow, size_t payload_len)
{
    struct pkt_arp_hdr *arp = pkt_put_zeros(p, sizeof *arp);

    arp->hrd = PKT_HTONS(ARP_HRD_ETHERNET);
    arp->pro = PKT_HTONS(ETH_TYPE_IP);
    arp->hln = ETH_ADDR_LEN;
    arp->pln = 4;
    arp->op = PKT_HTONS(flow->nw_proto);
    arp->sha = flow->arp_sha;
    arp->spa = flow->nw_src;
    arp->tha = flow->arp_tha;
    arp->tpa = flow->nw_dst;
    pkt_put_zeros(p, payload_len);
}

static void
compose_mpls(struct pkt *p, const struct flow *flow, size_t payload_len)
{
    bool bos = false;

    for (size_t i = 0; i < FLOW_MAX_MPLS_LABELS && !bos; i++) {
        pkt_put(p, &flow->mpls_lse[i], sizeof flow->mpls_lse[i]);
        bos = (PKT_NTOHL(flow->mpls_lse[i]) & MPLS_LSE_BOS) != 0;
    }
    if (!bos) {
        uint32_t lse = PKT_HTONL(MPLS_LSE_BOS | 64);
        pkt_put(p, &lse, sizeof lse);
    }
    pkt_put_zeros(p, payload_len);
}

int
flow_compose(struct pkt *p, const struct flow *flow, size_t payload_len)
{
    if (!compose_check(flow, payload_len)) {
        return EINVAL;
    }

    pkt_clear(p);
    p->in_port = flow->in_port;
    p->mark = flow->pkt_mark;
    p->recirc_id = flow->recirc_id;
    p->dp_hash = flow->dp_hash;
    p->tunnel = flow->tunnel;

    pkt_put(p, &flow->dl_dst, sizeof flow->dl_dst);
    pkt_put(p, &flow->dl_src, sizeof flow->dl_src);
    for (size_t i = 0; i < FLOW_MAX_VLAN_HEADERS; i++) {
        const struct flow_vlan *v = &flow->vlans[i];
        if (v->tci & PKT_HTONS(FLOW_VLAN_PRESENT)) {
            struct pkt_vlan_hdr tag = {
                .tpid = v->tpid,
                .tci = (uint16_t) (v->tci & ~PKT_HTONS(FLOW_VLAN_PRESENT)),
            };
            pkt_put(p, &tag, sizeof tag);
        }
    }

    uint16_t dl_type = PKT_NTOHS(flow->dl_type);
    if (dl_type < ETH_TYPE_MIN) {
        /* 802.3 with an LLC header that is not SNAP (a spanning-tree BPDU
         * header, say): the type field holds the length. */
        static const uint8_t llc[LLC_HEADER_LEN] = { 0x42, 0x42,
                                                     LLC_CONTROL_UI };
        uint16_t len = PKT_HTONS((uint16_t) (sizeof llc + payload_len));
        pkt_put(p, &len, sizeof len);
        pkt_put(p, llc, sizeof llc);
        pkt_put_zeros(p, payload_len);
        return 0;
    }
    pkt_put(p, &flow->dl_type, sizeof flow->dl_type);

    switch (dl_type) {
    case ETH_TYPE_IP:
        compose_ipv4(p, flow, payload_len);
        break;
    case ETH_TYPE_IPV6:
        compose_ipv6(p, flow, payload_len);
        break;
    case ETH_TYPE_ARP:
    case ETH_TYPE_RARP:
        compose_arp(p, flow, payload_len);
        break;
    case ETH_TYPE_MPLS:
    case ETH_TYPE_MPLS_MCAST:
        compose_mpls(p, flow, payload_len);
        break;
    default:
        pkt_put_zeros(p, payload_len);
        break;
    }
    return 0;
}

#define FF(NAME, MEMBER)                        \
    {                                           \
        NAME, offsetof(struct flow, MEMBER),    \
            sizeof(((struct flow *) 0)->MEMBER) \
    }

/* Every field of struct flow, in its order, by its name for
 * flow_first_nonzero_field(). */
static const struct {
    const char *name;
    size_t ofs, len;
} flow_fields[] = {
    FF("tunnel", tunnel),       FF("in_port", in_port),
    FF("pkt_mark", pkt_mark),   FF("recirc_id", recirc_id),
    FF("dp_hash", dp_hash),     FF("eth_dst", dl_dst),
    FF("eth_src", dl_src),      FF("eth_type", dl_type),
    FF("vlan_tci", vlans[0]),   FF("vlan_tci1", vlans[1]),
    FF("mpls", mpls_lse),       FF("nw_src", nw_src),
    FF("nw_dst", nw_dst),       FF("ipv6_label", ipv6_label),
    FF("ipv6_src", ipv6_src),   FF("ipv6_dst", ipv6_dst),
    FF("nd_target", nd_target), FF("arp_sha", arp_sha),
    FF("arp_tha", arp_tha),     FF("nw_proto", nw_proto),
    FF("nw_tos", nw_tos),       FF("nw_ttl", nw_ttl),
    FF("nw_frag", nw_frag),     FF("tp_src", tp_src),
    FF("tp_dst", tp_dst),       FF("tcp_flags", tcp_flags),
};

const char *
flow_first_nonzero_field(const struct flow *f)
{
    const uint8_t *p = (const uint8_t *) f;

    for (size_t i = 0; i < sizeof flow_fields / sizeof flow_fields[0]; i++) {
        for (size_t j = 0; j < flow_fields[i].len; j++) {
            if (p[flow_fields[i].ofs + j]) {
                return flow_fields[i].name;
            }
        }
    }
    return NULL;
}
