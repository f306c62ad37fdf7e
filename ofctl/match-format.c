/* match-format.c: a match in ovs-ofctl's text form (see of_match_format()
 * in match.h), and the flow of one packet in Open vSwitch's words
 * (of_match_format_packet()).
 *
 * The order and the names are those "ovs-ofctl dump-flows" uses: pipeline
 * metadata and conntrack first, then the packet type ("eth", see
 * matches_headers()), the protocol shorthand ("tcp", "arp"), registers,
 * tunnel, metadata, in_port, VLAN, Ethernet, L3, L4.
 * Fields print under their traditional names (dl_src, nw_src, tp_dst,
 * nw_frag), ARP protocol addresses as arp_spa/arp_tpa, and ICMPv6 type and
 * code as icmp_type/icmp_code. */
#include "ofctl/match.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fmt_ctx {
    const struct of_match *m;
    struct buf *b;
    size_t start;
};

static void
sep(struct fmt_ctx *c)
{
    if (c->b->len > c->start) {
        buf_put_char(c->b, ',');
    }
}

/* Appends "NAME=value" for field ID if the match has it. */
static void
put(struct fmt_ctx *c, enum of_field_id id, const char *name)
{
    const struct of_field *f = of_field_from_id(id);
    union of_value v, m;

    if (!of_match_has(c->m, f)) {
        return; /* The common case, checked without copying the field. */
    }
    of_match_get(c->m, f, &v, &m);
    sep(c);
    buf_printf(c->b, "%s=", name ? name : f->name);
    of_field_format(f, &v, &m, c->b);
}

static void
put_word(struct fmt_ctx *c, const char *word)
{
    sep(c);
    buf_put_cstr(c->b, word);
}

/* The shorthand for M's dl_type (and nw_proto), or NULL.  Sets *PROTO_DONE
 * when the shorthand also covers nw_proto. */
static const char *
shorthand(const struct of_match *m, bool *proto_done)
{
    static const struct {
        uint16_t dl_type;
        int nw_proto; /* -1: any. */
        const char *name;
    } names[] = {
        { ETH_TYPE_IP, 1, "icmp" },      { ETH_TYPE_IP, 6, "tcp" },
        { ETH_TYPE_IP, 17, "udp" },      { ETH_TYPE_IP, 132, "sctp" },
        { ETH_TYPE_IP, -1, "ip" },       { ETH_TYPE_IPV6, 58, "icmp6" },
        { ETH_TYPE_IPV6, 6, "tcp6" },    { ETH_TYPE_IPV6, 17, "udp6" },
        { ETH_TYPE_IPV6, 132, "sctp6" }, { ETH_TYPE_IPV6, -1, "ipv6" },
        { ETH_TYPE_ARP, -1, "arp" },     { ETH_TYPE_RARP, -1, "rarp" },
        { ETH_TYPE_MPLS, -1, "mpls" },   { ETH_TYPE_MPLS_MCAST, -1, "mplsm" },
    };
    bool exact_proto = m->mask.nw_proto == 0xff;

    *proto_done = false;
    if (m->mask.dl_type != 0xffff) {
        return NULL;
    }
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (htons(names[i].dl_type) != m->flow.dl_type) {
            continue;
        }
        if (names[i].nw_proto < 0) {
            return names[i].name;
        }
        if (exact_proto && m->flow.nw_proto == names[i].nw_proto) {
            *proto_done = true;
            return names[i].name;
        }
    }
    return NULL;
}

static void
put_vlan(struct fmt_ctx *c)
{
    uint16_t tci = ntohs(c->m->flow.vlans[0].tci);
    uint16_t mask = ntohs(c->m->mask.vlans[0].tci);
    uint16_t vid_mask = mask & VLAN_VID_MASK;
    uint16_t pcp_mask = mask & VLAN_PCP_MASK;

    if (!mask) {
        return;
    }
    if ((mask & VLAN_CFI) && (tci & VLAN_CFI)
        && (vid_mask == 0 || vid_mask == VLAN_VID_MASK)
        && (pcp_mask == 0 || pcp_mask == VLAN_PCP_MASK)
        && (vid_mask || pcp_mask)) {
        if (vid_mask) {
            sep(c);
            buf_printf(c->b, "dl_vlan=%u", tci & VLAN_VID_MASK);
        }
        if (pcp_mask) {
            sep(c);
            buf_printf(c->b, "dl_vlan_pcp=%u", tci >> VLAN_PCP_SHIFT);
        }
        return;
    }
    sep(c);
    if (mask == 0xffff) {
        buf_printf(c->b, "vlan_tci=0x%04x", tci);
    } else {
        buf_printf(c->b, "vlan_tci=0x%04x/0x%04x", tci, mask);
    }
}

/* Appends "NAME=0xVALUE[/0xMASK]" for a header below the first (the
 * second VLAN header, the MPLS label stack entries below the top), which
 * no field names: Open vSwitch prints them so only in the flows of its
 * traces and packet-ins (the MPLS entries of MPLS packets only); a match
 * never has them.  N is 2 or 4 bytes in network byte order. */
static void
put_inner(struct fmt_ctx *c, const char *name, const void *value,
          const void *mask, int n)
{
    uint32_t v, k;

    if (n == 2) {
        uint16_t v16, k16;
        memcpy(&v16, value, 2);
        memcpy(&k16, mask, 2);
        v = ntohs(v16);
        k = ntohs(k16);
    } else {
        memcpy(&v, value, 4);
        memcpy(&k, mask, 4);
        v = ntohl(v);
        k = ntohl(k);
    }
    if (!k) {
        return;
    }
    sep(c);
    if (n == 2) {
        buf_printf(c->b, "%s=0x%04" PRIx32, name, v);
    } else {
        buf_printf(c->b, "%s=%#" PRIx32, name, v);
    }
    if (k != (n == 2 ? 0xffffu : 0xffffffffu)) {
        buf_printf(c->b, "/%#" PRIx32, k);
    }
}

/* True if M matches a header field (Ethernet or above).  Open vSwitch
 * gives such a match the packet type Ethernet too, and prints it ("eth")
 * when the match also has recirc_id, as its datapath flows have: a match
 * on metadata alone (in_port, registers, the tunnel) has no packet type. */
static bool
matches_headers(const struct of_match *m)
{
    const uint8_t *mask = (const uint8_t *) &m->mask;

    for (size_t i = offsetof(struct flow, dl_dst);
         i < offsetof(struct flow, tunnel); i++) {
        if (mask[i]) {
            return true;
        }
    }
    return false;
}

/* A packet's tunnel after tun_gbp_flags, as Open vSwitch's flow_format()
 * prints it: the outer ToS (in hex, without "0x") and TTL, its ERSPAN and
 * GTP-U fields, which nicflow does not keep and so are zero, and
 * tun_flags as the set of flags the packet has, in Open vSwitch's bit
 * order ("0" for none, "df|key"), not the OpenFlow view's "+oam"/"-oam". */
static void
put_packet_tunnel(struct fmt_ctx *c)
{
    static const struct {
        uint16_t bit;
        const char *name;
    } flags[] = {
        { PKT_TUN_F_OAM, "oam" },
        { PKT_TUN_F_DONT_FRAGMENT, "df" },
        { PKT_TUN_F_CSUM, "csum" },
        { PKT_TUN_F_KEY, "key" },
    };
    const struct pkt_tunnel *t = &c->m->flow.tunnel;
    bool any = false;

    sep(c);
    buf_printf(c->b, "tun_tos=%x,tun_ttl=%u", t->tos, t->ttl);
    buf_put_cstr(c->b, ",tun_erspan_ver=0,gtpu_flags=0,gtpu_msgtype=0");
    buf_put_cstr(c->b, ",tun_flags=");
    for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
        if (t->flags & flags[i].bit) {
            if (any) {
                buf_put_char(c->b, '|');
            }
            buf_put_cstr(c->b, flags[i].name);
            any = true;
        }
    }
    if (!any) {
        buf_put_char(c->b, '0');
    }
}

static void
format_match(const struct of_match *m, int priority, bool packet,
             struct buf *b)
{
    struct fmt_ctx c = { m, b, b->len };
    bool proto_done;
    const char *sh = shorthand(m, &proto_done);
    uint16_t dl_type = m->mask.dl_type == 0xffff ? ntohs(m->flow.dl_type) : 0;
    bool arp = dl_type == ETH_TYPE_ARP || dl_type == ETH_TYPE_RARP;
    bool mpls = dl_type == ETH_TYPE_MPLS || dl_type == ETH_TYPE_MPLS_MCAST;
    bool icmp4 = dl_type == ETH_TYPE_IP && m->mask.nw_proto == 0xff
                 && m->flow.nw_proto == 1;
    bool icmp6 = dl_type == ETH_TYPE_IPV6 && m->mask.nw_proto == 0xff
                 && m->flow.nw_proto == 58;

    if (priority != OF_DEFAULT_PRIORITY) {
        sep(&c);
        buf_printf(b, "priority=%d", priority);
    }

    /* Datapath and pipeline metadata, conntrack. */
    static const enum of_field_id early[] = {
        OF_F_PKT_MARK,  OF_F_RECIRC_ID,    OF_F_DP_HASH,
        OF_F_CONJ_ID,   OF_F_SKB_PRIORITY, OF_F_ACTSET_OUTPUT,
        OF_F_CT_STATE,  OF_F_CT_ZONE,      OF_F_CT_MARK,
        OF_F_CT_LABEL,  OF_F_CT_NW_SRC,    OF_F_CT_IPV6_SRC,
        OF_F_CT_NW_DST, OF_F_CT_IPV6_DST,  OF_F_CT_NW_PROTO,
        OF_F_CT_TP_SRC, OF_F_CT_TP_DST,
    };
    for (size_t i = 0; i < ARRAY_SIZE(early); i++) {
        put(&c, early[i], NULL);
    }

    if (m->mask.recirc_id && matches_headers(m)) {
        put_word(&c, "eth");
    }
    if (sh) {
        put_word(&c, sh);
    }

    for (int i = 0; i < OF_N_REGS; i++) {
        put(&c, OF_F_REG0 + i, NULL);
    }

    /* Tunnel. */
    static const enum of_field_id tunnel[] = {
        OF_F_TUN_ID,        OF_F_TUN_SRC,      OF_F_TUN_DST,
        OF_F_TUN_IPV6_SRC,  OF_F_TUN_IPV6_DST, OF_F_TUN_GBP_ID,
        OF_F_TUN_GBP_FLAGS, OF_F_TUN_FLAGS,
    };
    /* A packet with a tunnel destination has the rest of its tunnel
     * printed where a match's tun_flags would be. */
    static const struct in6_addr any6;
    bool whole = packet
                 && (m->mask.tunnel.ip_dst
                     || memcmp(&m->mask.tunnel.ipv6_dst, &any6, sizeof any6));
    for (size_t i = 0; i < ARRAY_SIZE(tunnel); i++) {
        if (whole && tunnel[i] == OF_F_TUN_FLAGS) {
            put_packet_tunnel(&c);
        } else {
            put(&c, tunnel[i], NULL);
        }
    }
    for (int i = 0; i < OF_N_TUN_MD; i++) {
        if (m->tun_md.present & (UINT64_C(1) << i)) {
            put(&c, OF_F_TUN_METADATA0 + i, NULL);
        }
    }

    put(&c, OF_F_METADATA, NULL);
    put(&c, OF_F_IN_PORT, NULL);
    put_vlan(&c);
    put_inner(&c, "vlan_tci1", &m->flow.vlans[1].tci, &m->mask.vlans[1].tci,
              2);
    put(&c, OF_F_ETH_SRC, "dl_src");
    put(&c, OF_F_ETH_DST, "dl_dst");
    if (!sh) {
        put(&c, OF_F_ETH_TYPE, "dl_type");
    }

    /* L3. */
    put(&c, OF_F_IPV6_SRC, NULL);
    put(&c, OF_F_IPV6_DST, NULL);
    put(&c, OF_F_IPV6_LABEL, NULL);
    if (arp) {
        put(&c, OF_F_ARP_SPA, NULL);
        put(&c, OF_F_ARP_TPA, NULL);
        put(&c, OF_F_ARP_OP, NULL);
        put(&c, OF_F_ARP_SHA, NULL);
        put(&c, OF_F_ARP_THA, NULL);
    } else {
        put(&c, OF_F_IPV4_SRC, "nw_src");
        put(&c, OF_F_IPV4_DST, "nw_dst");
        if (!proto_done) {
            put(&c, OF_F_IP_PROTO, "nw_proto");
        }
    }
    put(&c, OF_F_NW_TOS, NULL);
    put(&c, OF_F_IP_ECN, "nw_ecn");
    put(&c, OF_F_IP_TTL, NULL);
    put(&c, OF_F_MPLS_LABEL, NULL);
    put(&c, OF_F_MPLS_TC, NULL);
    put(&c, OF_F_MPLS_TTL, NULL);
    put(&c, OF_F_MPLS_BOS, NULL);
    for (int i = 1; mpls && i < FLOW_MAX_MPLS_LABELS; i++) {
        char name[16];
        snprintf(name, sizeof name, "mpls_lse%d", i);
        put_inner(&c, name, &m->flow.mpls_lse[i], &m->mask.mpls_lse[i], 4);
    }
    put(&c, OF_F_IP_FRAG, "nw_frag");

    /* L4. */
    if (icmp4 || icmp6) {
        put(&c, OF_F_ICMPV4_TYPE, "icmp_type");
        put(&c, OF_F_ICMPV4_CODE, "icmp_code");
    } else {
        put(&c, OF_F_TCP_SRC, "tp_src");
        put(&c, OF_F_TCP_DST, "tp_dst");
    }
    if (icmp6 || !arp) {
        put(&c, OF_F_ND_TARGET, NULL);
    }
    if (!arp) {
        put(&c, OF_F_ND_SLL, NULL);
        put(&c, OF_F_ND_TLL, NULL);
    }
    put(&c, OF_F_TCP_FLAGS, NULL);
}

void
of_match_format(const struct of_match *m, int priority, struct buf *b)
{
    format_match(m, priority, false, b);
}

void
of_match_format_packet(const struct of_match *m, struct buf *b)
{
    format_match(m, OF_DEFAULT_PRIORITY, true, b);
}

char *
of_match_to_string(const struct of_match *m, int priority)
{
    struct buf b = BUF_INITIALIZER;
    of_match_format(m, priority, &b);
    return buf_steal_cstr(&b);
}
