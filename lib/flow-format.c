/* flow-format.c: the readable form of a struct flow (see flow_format() in
 * flow.h).
 *
 * Names follow ovs-fields(7), so a flow printed here reads like the match
 * part of "ovs-ofctl dump-flows" output.  Values are printed the way
 * ovs-ofctl prints them: addresses in their usual notation, ports and
 * codes in decimal, EtherTypes and labels in hex, nw_tos as the DSCP bits
 * in their ToS-byte position with nw_ecn separately. */
#include "flow.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* Appends "NAME=" plus the formatted value, with a comma before it unless
 * it is the first field written since START (the buffer length when
 * flow_format() began). */
static void NF_PRINTF(4, 5) put_field(struct buf *b, size_t start,
                                      const char *name, const char *fmt, ...)
{
    va_list args;

    if (b->len > start) {
        buf_put_char(b, ',');
    }
    buf_printf(b, "%s=", name);
    va_start(args, fmt);
    buf_vprintf(b, fmt, args);
    va_end(args);
}

static void
put_eth(struct buf *b, size_t start, const char *name,
        const struct eth_addr *ea)
{
    put_field(b, start, name, ETH_ADDR_FMT, ETH_ADDR_ARGS(*ea));
}

static void
put_ipv4(struct buf *b, size_t start, const char *name, uint32_t be32)
{
    char s[INET_ADDRSTRLEN];
    struct in_addr a = { .s_addr = be32 };

    put_field(b, start, name, "%s",
              inet_ntop(AF_INET, &a, s, sizeof s) ? s : "?");
}

static void
put_ipv6(struct buf *b, size_t start, const char *name,
         const struct in6_addr *a)
{
    char s[INET6_ADDRSTRLEN];

    put_field(b, start, name, "%s",
              inet_ntop(AF_INET6, a, s, sizeof s) ? s : "?");
}

struct bit_name {
    uint32_t bit;
    const char *name;
};

/* Appends "NAME=a|b|c" for the named bits set in BITS, with any bits
 * without a name as a trailing hex number, or "NAME=0" if none are set. */
static void
put_bits(struct buf *b, size_t start, const char *name, uint32_t bits,
         const struct bit_name *names, size_t n_names)
{
    put_field(b, start, name, "%s", "");
    if (!bits) {
        buf_put_char(b, '0');
        return;
    }
    const char *sep = "";
    for (size_t i = 0; i < n_names; i++) {
        if (bits & names[i].bit) {
            buf_printf(b, "%s%s", sep, names[i].name);
            bits &= ~names[i].bit;
            sep = "|";
        }
    }
    if (bits) {
        buf_printf(b, "%s0x%x", sep, bits);
    }
}

static const struct bit_name tcp_flag_names[] = {
    { TCP_FIN, "fin" }, { TCP_SYN, "syn" }, { TCP_RST, "rst" },
    { TCP_PSH, "psh" }, { TCP_ACK, "ack" }, { TCP_URG, "urg" },
    { TCP_ECE, "ece" }, { TCP_CWR, "cwr" }, { TCP_NS, "ns" },
};

static const struct bit_name tun_flag_names[] = {
    { PKT_TUN_F_DONT_FRAGMENT, "df" },
    { PKT_TUN_F_CSUM, "csum" },
    { PKT_TUN_F_KEY, "key" },
    { PKT_TUN_F_OAM, "oam" },
};

static bool
ipv6_is_zero(const struct in6_addr *a)
{
    static const struct in6_addr zero;
    return !memcmp(a, &zero, sizeof zero);
}

static bool
eth_is_zero(const struct eth_addr *a)
{
    static const struct eth_addr zero;
    return !memcmp(a, &zero, sizeof zero);
}

static void
format_tunnel(struct buf *b, size_t start, const struct pkt_tunnel *t)
{
    if (t->tun_id) {
        put_field(b, start, "tun_id", "%#llx",
                  (unsigned long long) PKT_NTOHLL(t->tun_id));
    }
    if (t->ip_src) {
        put_ipv4(b, start, "tun_src", t->ip_src);
    }
    if (t->ip_dst) {
        put_ipv4(b, start, "tun_dst", t->ip_dst);
    }
    if (!ipv6_is_zero(&t->ipv6_src)) {
        put_ipv6(b, start, "tun_ipv6_src", &t->ipv6_src);
    }
    if (!ipv6_is_zero(&t->ipv6_dst)) {
        put_ipv6(b, start, "tun_ipv6_dst", &t->ipv6_dst);
    }
    if (t->tos) {
        put_field(b, start, "tun_tos", "%u", t->tos);
    }
    if (t->ttl) {
        put_field(b, start, "tun_ttl", "%u", t->ttl);
    }
    if (t->tp_src) {
        put_field(b, start, "tun_tp_src", "%u", PKT_NTOHS(t->tp_src));
    }
    if (t->tp_dst) {
        put_field(b, start, "tun_tp_dst", "%u", PKT_NTOHS(t->tp_dst));
    }
    if (t->flags) {
        put_bits(b, start, "tun_flags", t->flags, tun_flag_names,
                 ARRAY_SIZE(tun_flag_names));
    }
}

static void
format_vlans(struct buf *b, size_t start, const struct flow *flow)
{
    /* Outer tag under the ovs-fields names, inner one with a "1" suffix. */
    static const char *const vid_names[] = { "dl_vlan", "dl_vlan1" };
    static const char *const pcp_names[] = { "dl_vlan_pcp", "dl_vlan_pcp1" };
    static const char *const tpid_names[] = { "vlan_tpid", "vlan_tpid1" };

    for (size_t i = 0; i < FLOW_MAX_VLAN_HEADERS; i++) {
        uint16_t tci = PKT_NTOHS(flow->vlans[i].tci);
        uint16_t tpid = PKT_NTOHS(flow->vlans[i].tpid);
        if (!(tci & FLOW_VLAN_PRESENT)) {
            continue;
        }
        put_field(b, start, vid_names[i], "%u", tci & VLAN_VID_MASK);
        put_field(b, start, pcp_names[i], "%u",
                  (tci & VLAN_PCP_MASK) >> VLAN_PCP_SHIFT);
        if (tpid != ETH_TYPE_VLAN_8021Q) {
            put_field(b, start, tpid_names[i], "0x%04x", tpid);
        }
    }
}

static void
format_mpls(struct buf *b, size_t start, const struct flow *flow)
{
    uint32_t lse = PKT_NTOHL(flow->mpls_lse[0]);

    put_field(b, start, "mpls_label", "%u",
              (lse & MPLS_LSE_LABEL_MASK) >> MPLS_LSE_LABEL_SHIFT);
    put_field(b, start, "mpls_tc", "%u",
              (lse & MPLS_LSE_TC_MASK) >> MPLS_LSE_TC_SHIFT);
    put_field(b, start, "mpls_ttl", "%u", lse & MPLS_LSE_TTL_MASK);
    put_field(b, start, "mpls_bos", "%u", (lse & MPLS_LSE_BOS) ? 1 : 0);
    /* Deeper entries have no ovs-fields name; show them whole. */
    for (size_t i = 1; i < FLOW_MAX_MPLS_LABELS; i++) {
        if (flow->mpls_lse[i]) {
            char name[16];
            snprintf(name, sizeof name, "mpls_lse%zu", i);
            put_field(b, start, name, "0x%08x", PKT_NTOHL(flow->mpls_lse[i]));
        }
    }
}

static const char *
nw_frag_name(uint8_t frag)
{
    return (frag & FLOW_NW_FRAG_LATER ? "later"
            : frag & FLOW_NW_FRAG_ANY ? "first"
                                      : "no");
}

static void
format_ip_common(struct buf *b, size_t start, const struct flow *flow)
{
    put_field(b, start, "nw_proto", "%u", flow->nw_proto);
    put_field(b, start, "nw_tos", "%u", flow->nw_tos & 0xfc);
    put_field(b, start, "nw_ecn", "%u", flow->nw_tos & 0x03);
    put_field(b, start, "nw_ttl", "%u", flow->nw_ttl);
    put_field(b, start, "nw_frag", "%s", nw_frag_name(flow->nw_frag));
}

static void
format_l4(struct buf *b, size_t start, const struct flow *flow, bool v6)
{
    uint8_t proto = flow->nw_proto;

    if (flow->nw_frag & FLOW_NW_FRAG_LATER) {
        return;
    }
    if (proto == IPPROTO_TCP || proto == IPPROTO_UDP
        || proto == IPPROTO_SCTP) {
        put_field(b, start, "tp_src", "%u", PKT_NTOHS(flow->tp_src));
        put_field(b, start, "tp_dst", "%u", PKT_NTOHS(flow->tp_dst));
        if (proto == IPPROTO_TCP) {
            put_bits(b, start, "tcp_flags", PKT_NTOHS(flow->tcp_flags),
                     tcp_flag_names, ARRAY_SIZE(tcp_flag_names));
        }
    } else if (proto == IPPROTO_ICMP && !v6) {
        put_field(b, start, "icmp_type", "%u", PKT_NTOHS(flow->tp_src));
        put_field(b, start, "icmp_code", "%u", PKT_NTOHS(flow->tp_dst));
    } else if (proto == IPPROTO_ICMPV6 && v6) {
        uint16_t type = PKT_NTOHS(flow->tp_src);
        put_field(b, start, "icmpv6_type", "%u", type);
        put_field(b, start, "icmpv6_code", "%u", PKT_NTOHS(flow->tp_dst));
        if ((type == ND_NEIGHBOR_SOLICIT || type == ND_NEIGHBOR_ADVERT)
            && !flow->tp_dst) {
            put_ipv6(b, start, "nd_target", &flow->nd_target);
            if (!eth_is_zero(&flow->arp_sha)) {
                put_eth(b, start, "nd_sll", &flow->arp_sha);
            }
            if (!eth_is_zero(&flow->arp_tha)) {
                put_eth(b, start, "nd_tll", &flow->arp_tha);
            }
        }
    }
}

void
flow_format(struct buf *b, const struct flow *flow)
{
    size_t start = b->len;
    uint16_t dl_type = PKT_NTOHS(flow->dl_type);

    format_tunnel(b, start, &flow->tunnel);
    if (flow->recirc_id) {
        put_field(b, start, "recirc_id", "%#x", flow->recirc_id);
    }
    if (flow->dp_hash) {
        put_field(b, start, "dp_hash", "%#x", flow->dp_hash);
    }
    if (flow->pkt_mark) {
        put_field(b, start, "pkt_mark", "%#x", flow->pkt_mark);
    }
    put_field(b, start, "in_port", "%u", flow->in_port);
    format_vlans(b, start, flow);
    put_eth(b, start, "dl_src", &flow->dl_src);
    put_eth(b, start, "dl_dst", &flow->dl_dst);
    put_field(b, start, "dl_type", "0x%04x", dl_type);

    switch (dl_type) {
    case ETH_TYPE_MPLS:
    case ETH_TYPE_MPLS_MCAST:
        format_mpls(b, start, flow);
        break;
    case ETH_TYPE_ARP:
    case ETH_TYPE_RARP:
        put_ipv4(b, start, "arp_spa", flow->nw_src);
        put_ipv4(b, start, "arp_tpa", flow->nw_dst);
        put_field(b, start, "arp_op", "%u", flow->nw_proto);
        put_eth(b, start, "arp_sha", &flow->arp_sha);
        put_eth(b, start, "arp_tha", &flow->arp_tha);
        break;
    case ETH_TYPE_IP:
        put_ipv4(b, start, "nw_src", flow->nw_src);
        put_ipv4(b, start, "nw_dst", flow->nw_dst);
        format_ip_common(b, start, flow);
        format_l4(b, start, flow, false);
        break;
    case ETH_TYPE_IPV6:
        put_ipv6(b, start, "ipv6_src", &flow->ipv6_src);
        put_ipv6(b, start, "ipv6_dst", &flow->ipv6_dst);
        put_field(b, start, "ipv6_label", "0x%05x",
                  PKT_NTOHL(flow->ipv6_label));
        format_ip_common(b, start, flow);
        format_l4(b, start, flow, true);
        break;
    default:
        break;
    }
}

char *
flow_to_string(const struct flow *flow)
{
    struct buf b = BUF_INITIALIZER;

    flow_format(&b, flow);
    return buf_steal_cstr(&b);
}
