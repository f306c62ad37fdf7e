/* rtf-match.c: the match half of the translation (struct flow + mask to
 * rte_flow attributes and pattern), and rtf_translate(), which runs both
 * halves.
 *
 * Method (as tc-flower/tcf-match.c): a copy of the mask records what is
 * still to be translated; each step that takes a field zeroes its bytes
 * there.  Whatever is left nonzero at the end is a field rte_flow cannot
 * match exactly (or not in this context), and the first such field, in
 * struct flow's order, names the refusal.  Every field is copied as
 * spec = key & mask, mask = mask, so a rule never matches a bit its flow
 * does not. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/flow.h"
#include "lib/util.h"
#include "rteflow/rtf-translate.h"

COVERAGE_DEFINE(rtf_translate_ok);
COVERAGE_DEFINE(rtf_translate_refused);

#define TAKE(LEFT, MEMBER) memset(&(LEFT)->MEMBER, 0, sizeof(LEFT)->MEMBER)

struct mx {
    const struct flow *key, *mask;
    struct flow left;
    struct rtf_rule *r;
    struct offload_reason *why;
};

static int
refuse(struct offload_reason *why, const char *name, const char *detail)
{
    COVERAGE_INC(rtf_translate_refused);
    rtf_reason(why, OFFLOAD_R_UNSUPPORTED_MATCH, "no match on %s%s", name,
               detail);
    return EOPNOTSUPP;
}

/* SPEC = KEY & MASK and MASK = MASK, N bytes. */
static void
put_masked(void *spec, void *mask, const void *key, const void *kmask,
           size_t n)
{
    const uint8_t *k = key, *m = kmask;
    uint8_t *s = spec;

    for (size_t i = 0; i < n; i++) {
        s[i] = k[i] & m[i];
    }
    memcpy(mask, kmask, n);
}

static bool
is_vlan_tpid(uint16_t tpid_be)
{
    return tpid_be == htons(ETH_TYPE_VLAN_8021Q)
           || tpid_be == htons(ETH_TYPE_VLAN_8021AD);
}

/* Sets the EtherType field after the last header so far (the tag VLAN,
 * if any, else the Ethernet header) to TYPE, exactly. */
static void
set_type(struct rte_flow_item_eth *eth, struct rte_flow_item_eth *eth_m,
         struct rte_flow_item_vlan *vlan, struct rte_flow_item_vlan *vlan_m,
         uint16_t type)
{
    if (vlan) {
        vlan->hdr.eth_proto = type;
        vlan_m->hdr.eth_proto = 0xffff;
    } else {
        eth->hdr.ether_type = type;
        eth_m->hdr.ether_type = 0xffff;
    }
}

/* Ethernet, VLAN tags and the EtherType after them. */
static int
match_l2(struct mx *x)
{
    static const char *const names[FLOW_MAX_VLAN_HEADERS] = { "vlan_tci",
                                                              "vlan_tci1" };
    const struct flow *key = x->key, *mask = x->mask;
    struct rte_flow_item_eth *eth, *eth_m;
    struct rte_flow_item_vlan *vlan = NULL, *vlan_m = NULL;
    struct rte_flow_item_vlan *vlan0 = NULL, *vlan0_m = NULL;
    bool type_exact = mask->dl_type == 0xffff;
    void *m;

    if (mask->dl_type && !type_exact) {
        return refuse(x->why, "eth_type", " (partial mask)");
    }
    if (type_exact && ntohs(key->dl_type) < ETH_TYPE_MIN) {
        return refuse(x->why, "eth_type", " (802.3 frame)");
    }
    eth = rtf_rule_item(x->r, RTE_FLOW_ITEM_TYPE_ETH, sizeof *eth, &m);
    eth_m = m;
    put_masked(&eth->hdr.dst_addr, &eth_m->hdr.dst_addr, &key->dl_dst,
               &mask->dl_dst, 6);
    put_masked(&eth->hdr.src_addr, &eth_m->hdr.src_addr, &key->dl_src,
               &mask->dl_src, 6);
    TAKE(&x->left, dl_dst);
    TAKE(&x->left, dl_src);

    for (int i = 0; i < FLOW_MAX_VLAN_HEADERS; i++) {
        const struct flow_vlan *kv = &key->vlans[i], *mv = &mask->vlans[i];
        uint16_t ktci = ntohs(kv->tci), mtci = ntohs(mv->tci);

        if (!mv->tpid && !mtci) {
            if (i == 0 && (mask->vlans[1].tpid || mask->vlans[1].tci)) {
                return refuse(x->why, names[1], " without the outer tag");
            }
            break;
        }
        if (!(mtci & VLAN_CFI)) {
            /* VID 0 then says "no tag or a tag with VID 0". */
            return refuse(x->why, names[i], " (tag presence not matched)");
        }
        if (!(ktci & VLAN_CFI)) {
            /* No tag at this level.  An exact EtherType after the tags
             * before it says so already. */
            if (!type_exact) {
                if (vlan) {
                    vlan->has_more_vlan = 0;
                    vlan_m->has_more_vlan = 1;
                } else {
                    eth->has_vlan = 0;
                    eth_m->has_vlan = 1;
                }
            }
            TAKE(&x->left, vlans[i]);
            if (i == 0 && (mask->vlans[1].tpid || mask->vlans[1].tci)) {
                if (ntohs(key->vlans[1].tci) & VLAN_CFI) {
                    return refuse(x->why, names[1], " without the outer tag");
                }
                TAKE(&x->left, vlans[1]);
            }
            break;
        }
        if (mv->tpid == 0xffff && is_vlan_tpid(kv->tpid)) {
            /* The TPID is the EtherType field before the tag. */
            set_type(eth, eth_m, vlan, vlan_m, kv->tpid);
        } else if (mv->tpid) {
            return refuse(x->why, names[i], " (TPID must be exact)");
        }
        if (vlan) {
            vlan->has_more_vlan = 1;
            vlan_m->has_more_vlan = 1;
        } else {
            eth->has_vlan = 1;
            eth_m->has_vlan = 1;
        }
        vlan = rtf_rule_item(x->r, RTE_FLOW_ITEM_TYPE_VLAN, sizeof *vlan, &m);
        vlan_m = m;
        if (!vlan0) {
            vlan0 = vlan;
            vlan0_m = vlan_m;
        }
        /* The flow's CFI bit means "present", not the wire's DEI. */
        vlan->hdr.vlan_tci = htons(ktci & mtci & ~VLAN_CFI);
        vlan_m->hdr.vlan_tci = htons(mtci & ~VLAN_CFI);
        TAKE(&x->left, vlans[i]);
    }
    if (type_exact) {
        set_type(eth, eth_m, vlan, vlan_m, key->dl_type);
        TAKE(&x->left, dl_type);
    }
    /* has_vlan/has_more_vlan are redundant next to an exact TPID. */
    if (eth_m->hdr.ether_type && is_vlan_tpid(eth->hdr.ether_type)) {
        eth->has_vlan = eth_m->has_vlan = 0;
    }
    if (vlan0 && vlan0_m->hdr.eth_proto
        && is_vlan_tpid(vlan0->hdr.eth_proto)) {
        vlan0->has_more_vlan = vlan0_m->has_more_vlan = 0;
    }
    return 0;
}

/* IPv4 fragments: nw_frag's ANY and LATER bits as values of the fragment
 * field's MF bit and offset (DF and the reserved bit are not looked at).
 * A fragment: MF|offset in 1..0x3fff; a later one: offset in 1..0x1fff;
 * the first: MF set, offset 0; none: both 0. */
static void
match_ipv4_frag(struct mx *x, size_t idx, struct rte_flow_item_ipv4 *spec,
                struct rte_flow_item_ipv4 *mask)
{
    uint8_t m = x->mask->nw_frag & FLOW_NW_FRAG_MASK;
    uint8_t k = x->key->nw_frag & m;
    uint16_t s = 0, msk = 0, last = 0;

    if (!m) {
        return;
    }
    if (k & FLOW_NW_FRAG_LATER) {
        s = 1, last = 0x1fff, msk = 0x1fff;
    } else if (m == FLOW_NW_FRAG_LATER) {
        s = 0, msk = 0x1fff; /* Offset 0: none or the first. */
    } else if (!(k & FLOW_NW_FRAG_ANY)) {
        s = 0, msk = 0x3fff;
    } else if (m & FLOW_NW_FRAG_LATER) {
        s = 0x2000, msk = 0x3fff; /* The first. */
    } else {
        s = 1, last = 0x3fff, msk = 0x3fff; /* Any fragment. */
    }
    spec->hdr.fragment_offset = htons(s);
    mask->hdr.fragment_offset = htons(msk);
    if (last) {
        struct rte_flow_item_ipv4 *l = rtf_rule_item_last(x->r, idx);
        *l = *spec;
        l->hdr.fragment_offset = htons(last);
    }
    TAKE(&x->left, nw_frag);
}

/* IPv6 fragments: the item's has_frag_ext bit and, for the first or a
 * later fragment, an IPV6_FRAG_EXT item on the offset.  A fragment's
 * nw_proto is the fragment header's next header.  "Not a later fragment"
 * (no fragment header, or one with offset 0) is two cases no one item
 * says: refused. */
static int
match_ipv6_frag(struct mx *x, struct rte_flow_item_ipv6 *spec,
                struct rte_flow_item_ipv6 *mask)
{
    uint8_t m = x->mask->nw_frag & FLOW_NW_FRAG_MASK;
    uint8_t k = x->key->nw_frag & m;
    struct rte_flow_item_ipv6_frag_ext *f, *fm;
    bool later = k & FLOW_NW_FRAG_LATER;
    void *v;

    if (!m) {
        spec->hdr.proto = x->key->nw_proto & x->mask->nw_proto;
        mask->hdr.proto = x->mask->nw_proto;
        return 0;
    }
    if (m == FLOW_NW_FRAG_LATER && !later) {
        return refuse(x->why, "nw_frag", " (not later: no or first)");
    }
    TAKE(&x->left, nw_frag);
    mask->has_frag_ext = 1;
    if (!(k & FLOW_NW_FRAG_ANY) && !later) {
        /* Not a fragment. */
        spec->has_frag_ext = 0;
        spec->hdr.proto = x->key->nw_proto & x->mask->nw_proto;
        mask->hdr.proto = x->mask->nw_proto;
        return 0;
    }
    spec->has_frag_ext = 1;
    f = rtf_rule_item(x->r, RTE_FLOW_ITEM_TYPE_IPV6_FRAG_EXT, sizeof *f, &v);
    fm = v;
    f->hdr.next_header = x->key->nw_proto & x->mask->nw_proto;
    fm->hdr.next_header = x->mask->nw_proto;
    if (later) {
        f->hdr.frag_data = htons(1 << 3);
        fm->hdr.frag_data = htons(0xfff8);
        struct rte_flow_item_ipv6_frag_ext *l =
            rtf_rule_item_last(x->r, x->r->n_items - 1);
        *l = *f;
        l->hdr.frag_data = htons(0xfff8);
    } else if (m & FLOW_NW_FRAG_LATER) {
        /* The first: offset 0. */
        f->hdr.frag_data = 0;
        fm->hdr.frag_data = htons(0xfff8);
    }
    return 0;
}

/* The transport header, for an exact nw_proto that has one. */
static int
match_l4(struct mx *x, bool ip6)
{
    const struct flow *key = x->key, *mask = x->mask;
    void *m;

    if (mask->nw_proto != 0xff
        || (key->nw_frag & mask->nw_frag & FLOW_NW_FRAG_LATER)) {
        return 0;
    }
    switch (key->nw_proto) {
    case IPPROTO_TCP: {
        struct rte_flow_item_tcp *s, *sm;
        uint16_t kf = ntohs(key->tcp_flags), mf = ntohs(mask->tcp_flags);
        s = rtf_rule_item(x->r, RTE_FLOW_ITEM_TYPE_TCP, sizeof *s, &m);
        sm = m;
        put_masked(&s->hdr.src_port, &sm->hdr.src_port, &key->tp_src,
                   &mask->tp_src, 2);
        put_masked(&s->hdr.dst_port, &sm->hdr.dst_port, &key->tp_dst,
                   &mask->tp_dst, 2);
        if (mf & 0xf000) {
            return refuse(x->why, "tcp_flags", " (bits above 0xfff)");
        }
        /* The low 8 flag bits, then NS and the reserved bits in the low
         * nibble of the data offset byte. */
        s->hdr.tcp_flags = kf & mf & 0xff;
        sm->hdr.tcp_flags = mf & 0xff;
        s->hdr.data_off = (kf & mf) >> 8;
        sm->hdr.data_off = mf >> 8;
        TAKE(&x->left, tcp_flags);
        break;
    }
    case IPPROTO_UDP: {
        struct rte_flow_item_udp *s, *sm;
        s = rtf_rule_item(x->r, RTE_FLOW_ITEM_TYPE_UDP, sizeof *s, &m);
        sm = m;
        put_masked(&s->hdr.src_port, &sm->hdr.src_port, &key->tp_src,
                   &mask->tp_src, 2);
        put_masked(&s->hdr.dst_port, &sm->hdr.dst_port, &key->tp_dst,
                   &mask->tp_dst, 2);
        break;
    }
    case IPPROTO_SCTP: {
        struct rte_flow_item_sctp *s, *sm;
        s = rtf_rule_item(x->r, RTE_FLOW_ITEM_TYPE_SCTP, sizeof *s, &m);
        sm = m;
        put_masked(&s->hdr.src_port, &sm->hdr.src_port, &key->tp_src,
                   &mask->tp_src, 2);
        put_masked(&s->hdr.dst_port, &sm->hdr.dst_port, &key->tp_dst,
                   &mask->tp_dst, 2);
        break;
    }
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6: {
        /* Type and code are the low bytes of tp_src and tp_dst; a mask on
         * the high bytes is left over and refused. */
        uint8_t kt = ntohs(key->tp_src) & 0xff, mt = ntohs(mask->tp_src);
        uint8_t kc = ntohs(key->tp_dst) & 0xff, mc = ntohs(mask->tp_dst);
        if ((key->nw_proto == IPPROTO_ICMPV6) != ip6) {
            return 0;
        }
        if (ip6) {
            struct rte_flow_item_icmp6 *s, *sm;
            s = rtf_rule_item(x->r, RTE_FLOW_ITEM_TYPE_ICMP6, sizeof *s, &m);
            sm = m;
            s->type = kt & mt, sm->type = mt;
            s->code = kc & mc, sm->code = mc;
        } else {
            struct rte_flow_item_icmp *s, *sm;
            s = rtf_rule_item(x->r, RTE_FLOW_ITEM_TYPE_ICMP, sizeof *s, &m);
            sm = m;
            s->hdr.icmp_type = kt & mt, sm->hdr.icmp_type = mt;
            s->hdr.icmp_code = kc & mc, sm->hdr.icmp_code = mc;
        }
        if (!(ntohs(mask->tp_src) & 0xff00)) {
            TAKE(&x->left, tp_src);
        }
        if (!(ntohs(mask->tp_dst) & 0xff00)) {
            TAKE(&x->left, tp_dst);
        }
        return 0;
    }
    default:
        return 0;
    }
    TAKE(&x->left, tp_src);
    TAKE(&x->left, tp_dst);
    return 0;
}

static int
match_l3(struct mx *x)
{
    const struct flow *key = x->key, *mask = x->mask;
    uint16_t type = mask->dl_type == 0xffff ? ntohs(key->dl_type) : 0;
    void *m;
    int error;

    if (type == ETH_TYPE_IP) {
        struct rte_flow_item_ipv4 *s, *sm;
        s = rtf_rule_item(x->r, RTE_FLOW_ITEM_TYPE_IPV4, sizeof *s, &m);
        sm = m;
        size_t idx = x->r->n_items - 1;
        put_masked(&s->hdr.src_addr, &sm->hdr.src_addr, &key->nw_src,
                   &mask->nw_src, 4);
        put_masked(&s->hdr.dst_addr, &sm->hdr.dst_addr, &key->nw_dst,
                   &mask->nw_dst, 4);
        s->hdr.type_of_service = key->nw_tos & mask->nw_tos;
        sm->hdr.type_of_service = mask->nw_tos;
        s->hdr.time_to_live = key->nw_ttl & mask->nw_ttl;
        sm->hdr.time_to_live = mask->nw_ttl;
        s->hdr.next_proto_id = key->nw_proto & mask->nw_proto;
        sm->hdr.next_proto_id = mask->nw_proto;
        match_ipv4_frag(x, idx, s, sm);
        TAKE(&x->left, nw_src);
        TAKE(&x->left, nw_dst);
    } else if (type == ETH_TYPE_IPV6) {
        struct rte_flow_item_ipv6 *s, *sm;
        s = rtf_rule_item(x->r, RTE_FLOW_ITEM_TYPE_IPV6, sizeof *s, &m);
        sm = m;
        put_masked(s->hdr.src_addr, sm->hdr.src_addr, &key->ipv6_src,
                   &mask->ipv6_src, 16);
        put_masked(s->hdr.dst_addr, sm->hdr.dst_addr, &key->ipv6_dst,
                   &mask->ipv6_dst, 16);
        /* Version (4 bits), traffic class (8), flow label (20). */
        uint32_t kvtc =
            (uint32_t) key->nw_tos << 20 | (ntohl(key->ipv6_label) & 0xfffff);
        uint32_t mvtc = (uint32_t) mask->nw_tos << 20
                        | (ntohl(mask->ipv6_label) & 0xfffff);
        if (ntohl(key->ipv6_label & mask->ipv6_label) & ~0xfffffu) {
            return refuse(x->why, "ipv6_label", " (more than 20 bits)");
        }
        s->hdr.vtc_flow = htonl(kvtc & mvtc);
        sm->hdr.vtc_flow = htonl(mvtc);
        s->hdr.hop_limits = key->nw_ttl & mask->nw_ttl;
        sm->hdr.hop_limits = mask->nw_ttl;
        error = match_ipv6_frag(x, s, sm);
        if (error) {
            return error;
        }
        TAKE(&x->left, ipv6_src);
        TAKE(&x->left, ipv6_dst);
        TAKE(&x->left, ipv6_label);
    } else {
        return 0;
    }
    TAKE(&x->left, nw_tos);
    TAKE(&x->left, nw_ttl);
    TAKE(&x->left, nw_proto);
    return match_l4(x, type == ETH_TYPE_IPV6);
}

/* The name a refusal gives field NAME of a flow of EtherType TYPE. */
static const char *
field_name(const char *name, uint16_t type)
{
    static const struct {
        uint16_t type;
        const char *field, *name;
    } renames[] = {
        { ETH_TYPE_IPV6, "arp_sha", "nd_sll" },
        { ETH_TYPE_IPV6, "arp_tha", "nd_tll" },
        { ETH_TYPE_ARP, "nw_src", "arp_spa" },
        { ETH_TYPE_ARP, "nw_dst", "arp_tpa" },
        { ETH_TYPE_ARP, "nw_proto", "arp_op" },
        { ETH_TYPE_RARP, "nw_src", "arp_spa" },
        { ETH_TYPE_RARP, "nw_dst", "arp_tpa" },
        { ETH_TYPE_RARP, "nw_proto", "arp_op" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(renames); i++) {
        if (renames[i].type == type && !strcmp(renames[i].field, name)) {
            return renames[i].name;
        }
    }
    return name;
}

/* The rule's home: attributes, the port item of a transfer rule, and for
 * a flow entering a tunnel port the group and outer items. */
static int
match_port(struct mx *x, const struct offload_flow *flow,
           const struct rtf_port *via)
{
    const struct rtf_port *in = rtf_port_of(flow->in_port);
    const struct rtf_port *dev;
    void *m;

    if (!in) {
        rtf_reason(x->why, OFFLOAD_R_UNSUPPORTED_PORT, "%s is not a DPDK port",
                   flow->in_port ? flow->in_port->name : "?");
        return EOPNOTSUPP;
    }
    dev = via ? via : in;
    if (dev->tnl_type) {
        rtf_reason(x->why, OFFLOAD_R_INTERNAL,
                   "no DPDK port given for tunnel port %s", in->name);
        return EINVAL;
    }
    /* The rule belongs to the input port: it must be exact. */
    if (x->mask->in_port != UINT32_MAX) {
        return refuse(x->why, "in_port", " (must be exact)");
    }
    if (x->key->in_port != in->odp_port) {
        return refuse(x->why, "in_port", " (not the flow's input port)");
    }
    TAKE(&x->left, in_port);
    if (dev->transfer) {
        struct rte_flow_item_ethdev *e, *em;
        x->r->attr.transfer = 1;
        x->r->port_id = dev->proxy_port_id;
        e = rtf_rule_item(x->r, RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, sizeof *e,
                          &m);
        em = m;
        e->port_id = dev->port_id;
        em->port_id = UINT16_MAX;
    } else {
        x->r->attr.ingress = 1;
        x->r->port_id = dev->port_id;
    }
    if (in->tnl_type) {
        int error;
        x->r->attr.group = rtf_tunnel_group(in->odp_port);
        error = rtf_tunnel_match(x->key, x->mask, in, x->r, x->why);
        if (error) {
            return error;
        }
        TAKE(&x->left, tunnel);
    } else if (!nf_bytes_all(&x->mask->tunnel, sizeof x->mask->tunnel, 0)) {
        struct pkt_tunnel t;
        put_masked(&t, &(struct pkt_tunnel){ 0 }, &x->key->tunnel,
                   &x->mask->tunnel, sizeof t);
        if (!nf_bytes_all(&t, sizeof t, 0)) {
            char detail[48];
            snprintf(detail, sizeof detail, " (%s is not a tunnel port)",
                     in->name);
            return refuse(x->why, "tunnel", detail);
        }
        /* "Not through a tunnel": true of every packet here. */
        TAKE(&x->left, tunnel);
    }
    return 0;
}

int
rtf_translate_match(const struct offload_flow *flow,
                    const struct rtf_port *via, struct rtf_rule *r,
                    struct offload_reason *why)
{
    struct mx x;
    int error;

    if (!flow->flow || !flow->flow_mask) {
        rtf_reason(why, OFFLOAD_R_INTERNAL, "flow key not decoded");
        return EINVAL;
    }
    x.key = flow->flow;
    x.mask = flow->flow_mask;
    x.left = *flow->flow_mask;
    x.r = r;
    x.why = why;

    error = match_port(&x, flow, via);
    if (error) {
        return error;
    }
    /* Only the first pass through the datapath (recirc_id 0). */
    if (x.mask->recirc_id == UINT32_MAX && !x.key->recirc_id) {
        TAKE(&x.left, recirc_id);
    }
    error = match_l2(&x);
    if (!error) {
        error = match_l3(&x);
    }
    if (error) {
        return error;
    }

    /* What is left cannot be matched. */
    uint16_t type = x.mask->dl_type == 0xffff ? ntohs(x.key->dl_type) : 0;
    const char *name = flow_first_nonzero_field(&x.left);
    if (name) {
        return refuse(why, field_name(name, type), "");
    }
    rtf_rule_finish(r);
    return 0;
}

int
rtf_translate(const struct offload_flow *flow, const struct rtf_port *via,
              const struct rtf_env *env, struct rtf_rule *r,
              struct offload_reason *why)
{
    int error = rtf_translate_match(flow, via, r, why);

    if (!error) {
        error = rtf_translate_actions(flow, via, env, r, why);
    }
    if (!error) {
        COVERAGE_INC(rtf_translate_ok);
    }
    return error;
}
