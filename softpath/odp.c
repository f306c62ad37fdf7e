/* odp.c: conversion between struct flow and OVS_KEY_ATTR_* attributes,
 * and the policy tables every odp module shares.
 *
 * Encoding follows one rule per attribute, written once in put_layers():
 * the flow (masked, for a megaflow) decides which attributes exist, and
 * the same walk emits the key or the mask.  Decoding walks one nesting
 * level at a time, first collecting the attributes by type (so that
 * duplicates and order do not matter) and then applying them, checking
 * each against the protocol chain the way the kernel's flow_netlink.c
 * does. */
#include "softpath/odp.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F(NAME, TYPE, STRUCT, MEMBER)                 \
    {                                                 \
        NAME, ODP_F_##TYPE, offsetof(STRUCT, MEMBER), \
    }
#define F_END \
    {         \
        NULL  \
    }

static const struct odp_field eth_fields[] = {
    F("src", MAC, struct ovs_key_ethernet, eth_src),
    F("dst", MAC, struct ovs_key_ethernet, eth_dst),
    F_END,
};
static const struct odp_field ipv4_fields[] = {
    F("src", IP4, struct ovs_key_ipv4, ipv4_src),
    F("dst", IP4, struct ovs_key_ipv4, ipv4_dst),
    F("proto", U8, struct ovs_key_ipv4, ipv4_proto),
    F("tos", U8X, struct ovs_key_ipv4, ipv4_tos),
    F("ttl", U8, struct ovs_key_ipv4, ipv4_ttl),
    F("frag", FRAG, struct ovs_key_ipv4, ipv4_frag),
    F_END,
};
static const struct odp_field ipv6_fields[] = {
    F("src", IP6, struct ovs_key_ipv6, ipv6_src),
    F("dst", IP6, struct ovs_key_ipv6, ipv6_dst),
    F("label", BE32X, struct ovs_key_ipv6, ipv6_label),
    F("proto", U8, struct ovs_key_ipv6, ipv6_proto),
    F("tclass", U8X, struct ovs_key_ipv6, ipv6_tclass),
    F("hlimit", U8, struct ovs_key_ipv6, ipv6_hlimit),
    F("frag", FRAG, struct ovs_key_ipv6, ipv6_frag),
    F_END,
};
static const struct odp_field ports_fields[] = {
    F("src", BE16, struct ovs_key_tcp, tcp_src),
    F("dst", BE16, struct ovs_key_tcp, tcp_dst),
    F_END,
};
static const struct odp_field icmp_fields[] = {
    F("type", U8, struct ovs_key_icmp, icmp_type),
    F("code", U8, struct ovs_key_icmp, icmp_code),
    F_END,
};
static const struct odp_field arp_fields[] = {
    F("sip", IP4, struct ovs_key_arp, arp_sip),
    F("tip", IP4, struct ovs_key_arp, arp_tip),
    F("op", BE16, struct ovs_key_arp, arp_op),
    F("sha", MAC, struct ovs_key_arp, arp_sha),
    F("tha", MAC, struct ovs_key_arp, arp_tha),
    F_END,
};
static const struct odp_field nd_fields[] = {
    F("target", IP6, struct ovs_key_nd, nd_target),
    F("sll", MAC, struct ovs_key_nd, nd_sll),
    F("tll", MAC, struct ovs_key_nd, nd_tll),
    F_END,
};
static const struct odp_field u32_fields[] = { { NULL, ODP_F_U32, 0 } };
static const struct odp_field u32x_fields[] = { { NULL, ODP_F_U32X, 0 } };
static const struct odp_field be16x_fields[] = { { NULL, ODP_F_BE16X, 0 } };
static const struct odp_field tcpfl_fields[] = { { NULL, ODP_F_TCPFL, 0 } };

/* Unnamed single-value fields are marked by a NULL name in the first
 * entry; odp-format.c and odp-parse.c know that. */
static const struct odp_key_policy key_policies[] = {
    [OVS_KEY_ATTR_ENCAP] = { "encap", ODP_LEN_NESTED, NULL },
    [OVS_KEY_ATTR_PRIORITY] = { "skb_priority", 4, u32x_fields },
    [OVS_KEY_ATTR_IN_PORT] = { "in_port", 4, u32_fields },
    [OVS_KEY_ATTR_ETHERNET] = { "eth", sizeof(struct ovs_key_ethernet),
                                eth_fields },
    [OVS_KEY_ATTR_VLAN] = { "vlan", 2, NULL },
    [OVS_KEY_ATTR_ETHERTYPE] = { "eth_type", 2, be16x_fields },
    [OVS_KEY_ATTR_IPV4] = { "ipv4", sizeof(struct ovs_key_ipv4), ipv4_fields },
    [OVS_KEY_ATTR_IPV6] = { "ipv6", sizeof(struct ovs_key_ipv6), ipv6_fields },
    [OVS_KEY_ATTR_TCP] = { "tcp", sizeof(struct ovs_key_tcp), ports_fields },
    [OVS_KEY_ATTR_UDP] = { "udp", sizeof(struct ovs_key_udp), ports_fields },
    [OVS_KEY_ATTR_ICMP] = { "icmp", sizeof(struct ovs_key_icmp), icmp_fields },
    [OVS_KEY_ATTR_ICMPV6] = { "icmpv6", sizeof(struct ovs_key_icmpv6),
                              icmp_fields },
    [OVS_KEY_ATTR_ARP] = { "arp", sizeof(struct ovs_key_arp), arp_fields },
    [OVS_KEY_ATTR_ND] = { "nd", sizeof(struct ovs_key_nd), nd_fields },
    [OVS_KEY_ATTR_SKB_MARK] = { "skb_mark", 4, u32x_fields },
    [OVS_KEY_ATTR_TUNNEL] = { "tunnel", ODP_LEN_NESTED, NULL },
    [OVS_KEY_ATTR_SCTP] = { "sctp", sizeof(struct ovs_key_sctp),
                            ports_fields },
    [OVS_KEY_ATTR_TCP_FLAGS] = { "tcp_flags", 2, tcpfl_fields },
    [OVS_KEY_ATTR_DP_HASH] = { "dp_hash", 4, u32x_fields },
    [OVS_KEY_ATTR_RECIRC_ID] = { "recirc_id", 4, u32x_fields },
    [OVS_KEY_ATTR_MPLS] = { "mpls", ODP_LEN_MPLS, NULL },
};

static const struct odp_field tun_id_fields[] = { { NULL, ODP_F_BE64X, 0 } };
static const struct odp_field tun_ip4_fields[] = { { NULL, ODP_F_IP4, 0 } };
static const struct odp_field tun_ip6_fields[] = { { NULL, ODP_F_IP6, 0 } };
static const struct odp_field tun_u8x_fields[] = { { NULL, ODP_F_U8X, 0 } };
static const struct odp_field tun_u8_fields[] = { { NULL, ODP_F_U8, 0 } };
static const struct odp_field tun_be16_fields[] = { { NULL, ODP_F_BE16, 0 } };

/* In the tunnel() text each nested attribute is one "name=value" field;
 * the zero-length flag attributes print together as flags(df|csum|oam). */
static const struct odp_key_policy tun_policies[] = {
    [OVS_TUNNEL_KEY_ATTR_ID] = { "tun_id", 8, tun_id_fields },
    [OVS_TUNNEL_KEY_ATTR_IPV4_SRC] = { "src", 4, tun_ip4_fields },
    [OVS_TUNNEL_KEY_ATTR_IPV4_DST] = { "dst", 4, tun_ip4_fields },
    [OVS_TUNNEL_KEY_ATTR_IPV6_SRC] = { "ipv6_src", 16, tun_ip6_fields },
    [OVS_TUNNEL_KEY_ATTR_IPV6_DST] = { "ipv6_dst", 16, tun_ip6_fields },
    [OVS_TUNNEL_KEY_ATTR_TOS] = { "tos", 1, tun_u8x_fields },
    [OVS_TUNNEL_KEY_ATTR_TTL] = { "ttl", 1, tun_u8_fields },
    [OVS_TUNNEL_KEY_ATTR_TP_SRC] = { "tp_src", 2, tun_be16_fields },
    [OVS_TUNNEL_KEY_ATTR_TP_DST] = { "tp_dst", 2, tun_be16_fields },
    [OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT] = { "df", 0, NULL },
    [OVS_TUNNEL_KEY_ATTR_CSUM] = { "csum", 0, NULL },
    [OVS_TUNNEL_KEY_ATTR_OAM] = { "oam", 0, NULL },
    [OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS] = { "geneve", ODP_LEN_GENEVE, NULL },
};

const struct odp_tun_flag odp_tun_flags[4] = {
    { OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT, "df" },
    { OVS_TUNNEL_KEY_ATTR_CSUM, "csum" },
    { OVS_TUNNEL_KEY_ATTR_ID, "key" },
    { OVS_TUNNEL_KEY_ATTR_OAM, "oam" },
};

static const struct odp_key_policy no_policy = { NULL, ODP_LEN_NONE, NULL };

const struct odp_key_policy *
odp_key_policy(uint16_t type)
{
    if (type < ARRAY_SIZE(key_policies) && key_policies[type].name) {
        return &key_policies[type];
    }
    return &no_policy;
}

const struct odp_key_policy *
odp_tun_policy(uint16_t type)
{
    if (type < ARRAY_SIZE(tun_policies) && tun_policies[type].name) {
        return &tun_policies[type];
    }
    return &no_policy;
}

const char *
odp_key_name(uint16_t type)
{
    static __thread char name[32];
    const struct odp_key_policy *p = odp_key_policy(type);

    if (p->name) {
        return p->name;
    }
    snprintf(name, sizeof name, "key attribute %u", type);
    return name;
}

/* Encoding. */

static void
put_attr(struct buf *out, uint16_t type, const void *data, size_t len)
{
    struct nlattr *nla = buf_put_zeros(out, MNL_ALIGN(MNL_ATTR_HDRLEN + len));

    nla->nla_type = type;
    nla->nla_len = MNL_ATTR_HDRLEN + len;
    if (len) {
        memcpy((uint8_t *) nla + MNL_ATTR_HDRLEN, data, len);
    }
}

size_t
odp_put_nested_start(struct buf *out, uint16_t type)
{
    size_t start = out->len;

    put_attr(out, type, NULL, 0);
    return start;
}

void
odp_put_nested_end(struct buf *out, size_t start)
{
    struct nlattr *nla = (struct nlattr *) (out->data + start);

    nla->nla_len = out->len - start;
}

static void
put_u32(struct buf *out, uint16_t type, uint32_t v)
{
    put_attr(out, type, &v, sizeof v);
}

static void
put_u16(struct buf *out, uint16_t type, uint16_t v)
{
    put_attr(out, type, &v, sizeof v);
}

static uint8_t
frag_to_odp(uint8_t nw_frag, bool is_mask)
{
    if (is_mask) {
        return nw_frag ? 0xff : 0;
    }
    return !(nw_frag & FLOW_NW_FRAG_ANY)    ? OVS_FRAG_TYPE_NONE
           : (nw_frag & FLOW_NW_FRAG_LATER) ? OVS_FRAG_TYPE_LATER
                                            : OVS_FRAG_TYPE_FIRST;
}

/* Emits tunnel T.  D (the mask, or T itself for an exact key) decides
 * which fields exist, so that key and mask carry the same attributes, with
 * one exception: a megaflow's key (IS_KEY) with an outer destination
 * always carries a TTL, since openvswitch.ko refuses a tunnel key without
 * one ("IP tunnel TTL not specified") even where the mask leaves the TTL
 * out. */
static void
put_tunnel(struct buf *out, const struct pkt_tunnel *t,
           const struct pkt_tunnel *d, bool is_key, size_t opts_len)
{
    size_t start = odp_put_nested_start(out, OVS_KEY_ATTR_TUNNEL);

    if (d->tun_id || d->flags & PKT_TUN_F_KEY) {
        put_attr(out, OVS_TUNNEL_KEY_ATTR_ID, &t->tun_id, 8);
    }
    if (d->ip_src) {
        put_u32(out, OVS_TUNNEL_KEY_ATTR_IPV4_SRC, t->ip_src);
    }
    if (d->ip_dst) {
        put_u32(out, OVS_TUNNEL_KEY_ATTR_IPV4_DST, t->ip_dst);
    }
    if (!nf_is_zero(&d->ipv6_src, 16)) {
        put_attr(out, OVS_TUNNEL_KEY_ATTR_IPV6_SRC, &t->ipv6_src, 16);
    }
    if (!nf_is_zero(&d->ipv6_dst, 16)) {
        put_attr(out, OVS_TUNNEL_KEY_ATTR_IPV6_DST, &t->ipv6_dst, 16);
    }
    if (d->tos) {
        put_attr(out, OVS_TUNNEL_KEY_ATTR_TOS, &t->tos, 1);
    }
    if (d->ttl || (is_key && (d->ip_dst || !nf_is_zero(&d->ipv6_dst, 16)))) {
        put_attr(out, OVS_TUNNEL_KEY_ATTR_TTL, &t->ttl, 1);
    }
    if (t->flags & PKT_TUN_F_DONT_FRAGMENT) {
        put_attr(out, OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT, NULL, 0);
    }
    if (t->flags & PKT_TUN_F_CSUM) {
        put_attr(out, OVS_TUNNEL_KEY_ATTR_CSUM, NULL, 0);
    }
    if (t->flags & PKT_TUN_F_OAM) {
        put_attr(out, OVS_TUNNEL_KEY_ATTR_OAM, NULL, 0);
    }
    if (d->tp_src) {
        put_u16(out, OVS_TUNNEL_KEY_ATTR_TP_SRC, t->tp_src);
    }
    if (d->tp_dst) {
        put_u16(out, OVS_TUNNEL_KEY_ATTR_TP_DST, t->tp_dst);
    }
    /* Geneve options: as long as the key's (a mask's LEN is 0xff and its
     * DATA masks the key's bytes), possibly empty when a megaflow says
     * "no options". */
    if (d->opts.len) {
        put_attr(out, OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, t->opts.data,
                 NF_MIN(opts_len, (size_t) PKT_TUN_OPTS_MAX));
    }
    odp_put_nested_end(out, start);
}

void
odp_put_set_tunnel(struct buf *out, const struct pkt_tunnel *t)
{
    size_t start = odp_put_nested_start(out, OVS_ACTION_ATTR_SET);
    put_tunnel(out, t, t, true, t->opts.len);
    odp_put_nested_end(out, start);
}

/* How many MPLS entries FLOW has: up to the last nonzero one, at least
 * one. */
static size_t
n_mpls(const struct flow *f)
{
    size_t n = FLOW_MAX_MPLS_LABELS;

    while (n > 1 && !f->mpls_lse[n - 1]) {
        n--;
    }
    return n;
}

/* Emits the attributes from eth_type on, for VLAN tag VIDX and inward.
 * KEY decides what exists (the masked flow), SRC gives the values (the
 * key or the mask), MASK is NULL for an exact key. */
static void
put_layers(struct buf *out, const struct flow *key, const struct flow *src,
           const struct flow *mask, int vidx)
{
    bool is_mask = src != key;
    uint16_t dl_type = PKT_NTOHS(key->dl_type);

    if (vidx < FLOW_MAX_VLAN_HEADERS && key->vlans[vidx].tpid) {
        put_u16(out, OVS_KEY_ATTR_ETHERTYPE, src->vlans[vidx].tpid);
        put_u16(out, OVS_KEY_ATTR_VLAN, src->vlans[vidx].tci);
        size_t start = odp_put_nested_start(out, OVS_KEY_ATTR_ENCAP);
        put_layers(out, key, src, mask, vidx + 1);
        odp_put_nested_end(out, start);
        return;
    }
    if (mask ? mask->dl_type != 0 : dl_type != FLOW_DL_TYPE_NONE) {
        put_u16(out, OVS_KEY_ATTR_ETHERTYPE, src->dl_type);
    }
    if (mask && mask->dl_type != 0xffff) {
        return;
    }
    if (dl_type == ETH_TYPE_IP) {
        struct ovs_key_ipv4 k = {
            .ipv4_src = src->nw_src,
            .ipv4_dst = src->nw_dst,
            .ipv4_proto = src->nw_proto,
            .ipv4_tos = src->nw_tos,
            .ipv4_ttl = src->nw_ttl,
            .ipv4_frag = frag_to_odp(src->nw_frag, is_mask),
        };
        put_attr(out, OVS_KEY_ATTR_IPV4, &k, sizeof k);
    } else if (dl_type == ETH_TYPE_IPV6) {
        struct ovs_key_ipv6 k = {
            .ipv6_label = src->ipv6_label,
            .ipv6_proto = src->nw_proto,
            .ipv6_tclass = src->nw_tos,
            .ipv6_hlimit = src->nw_ttl,
            .ipv6_frag = frag_to_odp(src->nw_frag, is_mask),
        };
        memcpy(k.ipv6_src, &src->ipv6_src, 16);
        memcpy(k.ipv6_dst, &src->ipv6_dst, 16);
        put_attr(out, OVS_KEY_ATTR_IPV6, &k, sizeof k);
    } else if (dl_type == ETH_TYPE_ARP || dl_type == ETH_TYPE_RARP) {
        struct ovs_key_arp k = {
            .arp_sip = src->nw_src,
            .arp_tip = src->nw_dst,
            .arp_op = PKT_HTONS(
                is_mask && src->nw_proto == 0xff ? 0xffff : src->nw_proto),
        };
        memcpy(k.arp_sha, &src->arp_sha, 6);
        memcpy(k.arp_tha, &src->arp_tha, 6);
        put_attr(out, OVS_KEY_ATTR_ARP, &k, sizeof k);
        return;
    } else if (dl_type == ETH_TYPE_MPLS || dl_type == ETH_TYPE_MPLS_MCAST) {
        size_t n = NF_MAX(n_mpls(key), mask ? n_mpls(mask) : 1);
        put_attr(out, OVS_KEY_ATTR_MPLS, src->mpls_lse, n * 4);
        return;
    } else {
        return;
    }

    /* L4, for IP that is not a later fragment. */
    if ((key->nw_frag & FLOW_NW_FRAG_LATER)
        || (mask && mask->nw_proto != 0xff)) {
        return;
    }
    uint16_t ports[2] = { src->tp_src, src->tp_dst };
    uint8_t icmp[2] = { PKT_NTOHS(src->tp_src), PKT_NTOHS(src->tp_dst) };
    switch (key->nw_proto) {
    case IPPROTO_TCP:
        put_attr(out, OVS_KEY_ATTR_TCP, ports, sizeof ports);
        if (!mask || mask->tcp_flags) {
            put_u16(out, OVS_KEY_ATTR_TCP_FLAGS, src->tcp_flags);
        }
        break;
    case IPPROTO_UDP:
        put_attr(out, OVS_KEY_ATTR_UDP, ports, sizeof ports);
        break;
    case IPPROTO_SCTP:
        put_attr(out, OVS_KEY_ATTR_SCTP, ports, sizeof ports);
        break;
    case IPPROTO_ICMP:
        if (dl_type == ETH_TYPE_IP) {
            put_attr(out, OVS_KEY_ATTR_ICMP, icmp, sizeof icmp);
        }
        break;
    case IPPROTO_ICMPV6:
        if (dl_type != ETH_TYPE_IPV6) {
            break;
        }
        put_attr(out, OVS_KEY_ATTR_ICMPV6, icmp, sizeof icmp);
        uint16_t type = PKT_NTOHS(key->tp_src), code = PKT_NTOHS(key->tp_dst);
        if ((type == 135 || type == 136) && code == 0
            && (!mask
                || (mask->tp_src == PKT_HTONS(0xff)
                    && mask->tp_dst == PKT_HTONS(0xff)))) {
            struct ovs_key_nd k;
            memcpy(k.nd_target, &src->nd_target, 16);
            memcpy(k.nd_sll, &src->arp_sha, 6);
            memcpy(k.nd_tll, &src->arp_tha, 6);
            put_attr(out, OVS_KEY_ATTR_ND, &k, sizeof k);
        }
        break;
    default:
        break;
    }
}

static void
put_flow(struct buf *out, const struct flow *flow, const struct flow *mask,
         bool want_mask)
{
    struct flow masked;

    if (mask) {
        const uint8_t *a = (const uint8_t *) flow;
        const uint8_t *m = (const uint8_t *) mask;
        uint8_t *d = (uint8_t *) &masked;
        memcpy(d, a, sizeof masked);
        for (size_t i = 0; i < sizeof masked; i++) {
            d[i] &= m[i];
        }
        flow = &masked;
    }
    const struct flow *src = want_mask ? mask : flow;

    /* Metadata: in an exact key, only what is set (in_port and recirc_id
     * always); in a megaflow, only what the mask matches. */
    if (mask ? mask->recirc_id != 0 : true) {
        put_u32(out, OVS_KEY_ATTR_RECIRC_ID, src->recirc_id);
    }
    if (mask ? mask->dp_hash != 0 : flow->dp_hash != 0) {
        put_u32(out, OVS_KEY_ATTR_DP_HASH, src->dp_hash);
    }
    if (!nf_is_zero(mask ? &mask->tunnel : &flow->tunnel,
                    sizeof flow->tunnel)) {
        put_tunnel(out, &src->tunnel, mask ? &mask->tunnel : &flow->tunnel,
                   mask && !want_mask, flow->tunnel.opts.len);
    }
    if (mask ? mask->in_port != 0 : true) {
        put_u32(out, OVS_KEY_ATTR_IN_PORT, src->in_port);
    }
    if (mask ? mask->pkt_mark != 0 : flow->pkt_mark != 0) {
        put_u32(out, OVS_KEY_ATTR_SKB_MARK, src->pkt_mark);
    }
    struct ovs_key_ethernet eth;
    memcpy(eth.eth_src, &src->dl_src, 6);
    memcpy(eth.eth_dst, &src->dl_dst, 6);
    put_attr(out, OVS_KEY_ATTR_ETHERNET, &eth, sizeof eth);
    put_layers(out, flow, src, mask, 0);
}

void
odp_flow_to_key(struct buf *out, const struct flow *flow,
                const struct flow *mask)
{
    put_flow(out, flow, mask, false);
}

void
odp_flow_to_mask(struct buf *out, const struct flow *flow,
                 const struct flow *mask)
{
    put_flow(out, flow, mask, true);
}

/* Decoding. */

struct decoder {
    const uint8_t *base; /* Start of the outermost attributes. */
    bool is_mask;
    char **errp;
    bool in_tunnel; /* Naming OVS_TUNNEL_KEY_ATTR_* types. */
};

static int NF_PRINTF(3, 4) fail(const struct decoder *d,
                                const struct nlattr *nla, const char *fmt, ...)
{
    if (d->errp) {
        va_list args;
        va_start(args, fmt);
        char *msg = xvasprintf(fmt, args);
        va_end(args);
        if (nla) {
            uint16_t type = mnl_attr_get_type(nla);
            const char *name = (d->in_tunnel ? odp_tun_policy(type)->name
                                             : odp_key_policy(type)->name);
            *d->errp = xasprintf(
                "%s %sattribute %s (type %u) at offset %zu: %s",
                d->is_mask ? "mask" : "key", d->in_tunnel ? "tunnel " : "",
                name ? name : "unknown", type,
                (size_t) ((const uint8_t *) nla - d->base), msg);
        } else {
            *d->errp = xasprintf("%s: %s", d->is_mask ? "mask" : "key", msg);
        }
        free(msg);
    }
    return EINVAL;
}

/* Collects the attributes of one level into SEEN[] (indexed by type),
 * checking that each is whole, known, of the expected length and not
 * repeated.  POLICY gives the expected lengths. */
static int
collect(const struct decoder *d, const void *data, size_t len,
        const struct nlattr **seen, size_t n_seen,
        const struct odp_key_policy *(*policy)(uint16_t))
{
    const struct nlattr *nla = data;
    int rem = len;

    memset(seen, 0, n_seen * sizeof *seen);
    while (mnl_attr_ok(nla, rem)) {
        uint16_t type = mnl_attr_get_type(nla);
        size_t plen = mnl_attr_get_payload_len(nla);
        const struct odp_key_policy *p = policy(type);

        if (!p->name || type >= n_seen) {
            return fail(d, nla, "unknown attribute type");
        }
        if (seen[type]) {
            return fail(d, nla, "attribute repeated");
        }
        if (p->len >= 0 && plen != (size_t) p->len) {
            return fail(d, nla, "length %zu, expected %d", plen, p->len);
        }
        if (p->len == ODP_LEN_GENEVE
            && (plen % 4 || plen > PKT_TUN_OPTS_MAX)) {
            return fail(d, nla, "length %zu, expected 0 to %d in steps of 4",
                        plen, PKT_TUN_OPTS_MAX);
        }
        if (p->len == ODP_LEN_MPLS
            && (plen == 0 || plen % 4 || plen / 4 > FLOW_MAX_MPLS_LABELS)) {
            return fail(d, nla, "length %zu, expected 4 to %d in steps of 4",
                        plen, FLOW_MAX_MPLS_LABELS * 4);
        }
        seen[type] = nla;
        rem -= MNL_ALIGN(nla->nla_len);
        nla = mnl_attr_next(nla);
    }
    if (rem > 0) {
        return fail(d, NULL,
                    "truncated or malformed attribute header at offset %zu",
                    (size_t) ((const uint8_t *) nla - d->base));
    }
    return 0;
}

static int
decode_tunnel(const struct decoder *d, const struct nlattr *outer,
              struct pkt_tunnel *t)
{
    const struct nlattr *a[ARRAY_SIZE(tun_policies)];
    struct decoder td = *d;
    td.in_tunnel = true;
    int err = collect(&td, mnl_attr_get_payload(outer),
                      mnl_attr_get_payload_len(outer), a, ARRAY_SIZE(a),
                      odp_tun_policy);
    if (err) {
        return err;
    }
#define TUN_GET(ATTR, DST)                                          \
    if (a[ATTR]) {                                                  \
        memcpy(&(DST), mnl_attr_get_payload(a[ATTR]), sizeof(DST)); \
    }
    TUN_GET(OVS_TUNNEL_KEY_ATTR_ID, t->tun_id);
    TUN_GET(OVS_TUNNEL_KEY_ATTR_IPV4_SRC, t->ip_src);
    TUN_GET(OVS_TUNNEL_KEY_ATTR_IPV4_DST, t->ip_dst);
    TUN_GET(OVS_TUNNEL_KEY_ATTR_IPV6_SRC, t->ipv6_src);
    TUN_GET(OVS_TUNNEL_KEY_ATTR_IPV6_DST, t->ipv6_dst);
    TUN_GET(OVS_TUNNEL_KEY_ATTR_TOS, t->tos);
    TUN_GET(OVS_TUNNEL_KEY_ATTR_TTL, t->ttl);
    TUN_GET(OVS_TUNNEL_KEY_ATTR_TP_SRC, t->tp_src);
    TUN_GET(OVS_TUNNEL_KEY_ATTR_TP_DST, t->tp_dst);
#undef TUN_GET
    if (a[OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS]) {
        const struct nlattr *g = a[OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS];
        size_t glen = mnl_attr_get_payload_len(g);
        if (!d->is_mask) {
            if (odp_geneve_opts_check(mnl_attr_get_payload(g), glen)) {
                return fail(&td, g, "options are not whole TLVs");
            }
        }
        memcpy(t->opts.data, mnl_attr_get_payload(g), glen);
        /* A mask matches the options' length exactly whenever it has
         * the attribute (a key's length is the attribute's). */
        t->opts.len = d->is_mask ? 0xff : (uint8_t) glen;
    }
    t->flags =
        ((a[OVS_TUNNEL_KEY_ATTR_ID] ? PKT_TUN_F_KEY : 0)
         | (a[OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT] ? PKT_TUN_F_DONT_FRAGMENT : 0)
         | (a[OVS_TUNNEL_KEY_ATTR_CSUM] ? PKT_TUN_F_CSUM : 0)
         | (a[OVS_TUNNEL_KEY_ATTR_OAM] ? PKT_TUN_F_OAM : 0));
    return 0;
}

static int
frag_from_odp(const struct decoder *d, const struct nlattr *nla, uint8_t v,
              uint8_t *nw_frag)
{
    if (d->is_mask) {
        *nw_frag = v ? FLOW_NW_FRAG_MASK : 0;
    } else if (v > OVS_FRAG_TYPE_LATER) {
        return fail(d, nla, "fragment type %u out of range", v);
    } else {
        *nw_frag = (v == OVS_FRAG_TYPE_NONE    ? 0
                    : v == OVS_FRAG_TYPE_FIRST ? FLOW_NW_FRAG_ANY
                                               : FLOW_NW_FRAG_MASK);
    }
    return 0;
}

/* What each attribute needs of the flow decoded so far, for keys: the
 * attribute is rejected if the flow's dl_type / nw_proto differ. */
struct odp_chain_rule {
    uint16_t attr;
    uint16_t dl_type[2]; /* One of these (host order); 0 = any. */
    uint8_t nw_proto;    /* 0 = any. */
};
static const struct odp_chain_rule chain_rules[] = {
    { OVS_KEY_ATTR_IPV4, { ETH_TYPE_IP, ETH_TYPE_IP }, 0 },
    { OVS_KEY_ATTR_IPV6, { ETH_TYPE_IPV6, ETH_TYPE_IPV6 }, 0 },
    { OVS_KEY_ATTR_ARP, { ETH_TYPE_ARP, ETH_TYPE_RARP }, 0 },
    { OVS_KEY_ATTR_MPLS, { ETH_TYPE_MPLS, ETH_TYPE_MPLS_MCAST }, 0 },
    { OVS_KEY_ATTR_TCP, { ETH_TYPE_IP, ETH_TYPE_IPV6 }, IPPROTO_TCP },
    { OVS_KEY_ATTR_TCP_FLAGS, { ETH_TYPE_IP, ETH_TYPE_IPV6 }, IPPROTO_TCP },
    { OVS_KEY_ATTR_UDP, { ETH_TYPE_IP, ETH_TYPE_IPV6 }, IPPROTO_UDP },
    { OVS_KEY_ATTR_SCTP, { ETH_TYPE_IP, ETH_TYPE_IPV6 }, IPPROTO_SCTP },
    { OVS_KEY_ATTR_ICMP, { ETH_TYPE_IP, ETH_TYPE_IP }, IPPROTO_ICMP },
    { OVS_KEY_ATTR_ICMPV6, { ETH_TYPE_IPV6, ETH_TYPE_IPV6 }, IPPROTO_ICMPV6 },
    { OVS_KEY_ATTR_ND, { ETH_TYPE_IPV6, ETH_TYPE_IPV6 }, IPPROTO_ICMPV6 },
};

static int
check_chain(const struct decoder *d, const struct nlattr *const *a,
            const struct flow *f)
{
    uint16_t dl_type = PKT_NTOHS(f->dl_type);

    for (size_t i = 0; i < ARRAY_SIZE(chain_rules); i++) {
        const struct odp_chain_rule *r = &chain_rules[i];
        const struct nlattr *nla = a[r->attr];
        if (!nla) {
            continue;
        }
        if (dl_type != r->dl_type[0] && dl_type != r->dl_type[1]) {
            return fail(d, nla, "not allowed with eth_type 0x%04x", dl_type);
        }
        if (r->nw_proto && f->nw_proto != r->nw_proto) {
            return fail(d, nla, "not allowed with IP protocol %u",
                        f->nw_proto);
        }
        if (r->nw_proto && f->nw_frag & FLOW_NW_FRAG_LATER) {
            return fail(d, nla, "not allowed in a later fragment");
        }
    }
    if (a[OVS_KEY_ATTR_TCP_FLAGS] && !a[OVS_KEY_ATTR_TCP]) {
        return fail(d, a[OVS_KEY_ATTR_TCP_FLAGS], "without a tcp attribute");
    }
    if (a[OVS_KEY_ATTR_ND]) {
        uint16_t type = PKT_NTOHS(f->tp_src), code = PKT_NTOHS(f->tp_dst);
        if (!a[OVS_KEY_ATTR_ICMPV6] || (type != 135 && type != 136)
            || code != 0) {
            return fail(d, a[OVS_KEY_ATTR_ND],
                        "only with icmpv6 type 135 or 136, code 0");
        }
    }
    return 0;
}

static int
decode_level(const struct decoder *d, const void *data, size_t len,
             struct flow *f, int vidx)
{
    const struct nlattr *a[ARRAY_SIZE(key_policies)];
    const void *p;
    int err = collect(d, data, len, a, ARRAY_SIZE(a), odp_key_policy);

    if (err) {
        return err;
    }
    if (vidx > 0) {
        static const uint16_t outer_only[] = {
            OVS_KEY_ATTR_PRIORITY,  OVS_KEY_ATTR_IN_PORT,
            OVS_KEY_ATTR_ETHERNET,  OVS_KEY_ATTR_SKB_MARK,
            OVS_KEY_ATTR_TUNNEL,    OVS_KEY_ATTR_DP_HASH,
            OVS_KEY_ATTR_RECIRC_ID,
        };
        for (size_t i = 0; i < ARRAY_SIZE(outer_only); i++) {
            if (a[outer_only[i]]) {
                return fail(d, a[outer_only[i]], "not allowed inside encap");
            }
        }
    }
#define GET(ATTR, DST)                                              \
    if (a[ATTR]) {                                                  \
        memcpy(&(DST), mnl_attr_get_payload(a[ATTR]), sizeof(DST)); \
    }
    GET(OVS_KEY_ATTR_IN_PORT, f->in_port);
    GET(OVS_KEY_ATTR_SKB_MARK, f->pkt_mark);
    GET(OVS_KEY_ATTR_RECIRC_ID, f->recirc_id);
    GET(OVS_KEY_ATTR_DP_HASH, f->dp_hash);
#undef GET
    if (a[OVS_KEY_ATTR_TUNNEL]) {
        err = decode_tunnel(d, a[OVS_KEY_ATTR_TUNNEL], &f->tunnel);
        if (err) {
            return err;
        }
    }
    if (a[OVS_KEY_ATTR_ETHERNET]) {
        const struct ovs_key_ethernet *k;
        k = mnl_attr_get_payload(a[OVS_KEY_ATTR_ETHERNET]);
        memcpy(&f->dl_src, k->eth_src, 6);
        memcpy(&f->dl_dst, k->eth_dst, 6);
    }

    uint16_t ethertype = 0;
    if (a[OVS_KEY_ATTR_ETHERTYPE]) {
        memcpy(&ethertype, mnl_attr_get_payload(a[OVS_KEY_ATTR_ETHERTYPE]), 2);
    } else if (!d->is_mask) {
        ethertype = PKT_HTONS(FLOW_DL_TYPE_NONE);
    }
    if (a[OVS_KEY_ATTR_VLAN]) {
        const struct nlattr *v = a[OVS_KEY_ATTR_VLAN];
        if (vidx >= FLOW_MAX_VLAN_HEADERS) {
            return fail(d, v, "more than %d VLAN tags", FLOW_MAX_VLAN_HEADERS);
        }
        if (!d->is_mask && ethertype != PKT_HTONS(ETH_TYPE_VLAN_8021Q)
            && ethertype != PKT_HTONS(ETH_TYPE_VLAN_8021AD)) {
            return fail(d, v, "needs eth_type 0x8100 or 0x88a8 beside it");
        }
        static const uint16_t inner_only[] = {
            OVS_KEY_ATTR_IPV4, OVS_KEY_ATTR_IPV6,      OVS_KEY_ATTR_ARP,
            OVS_KEY_ATTR_MPLS, OVS_KEY_ATTR_TCP,       OVS_KEY_ATTR_UDP,
            OVS_KEY_ATTR_SCTP, OVS_KEY_ATTR_ICMP,      OVS_KEY_ATTR_ICMPV6,
            OVS_KEY_ATTR_ND,   OVS_KEY_ATTR_TCP_FLAGS,
        };
        for (size_t i = 0; i < ARRAY_SIZE(inner_only); i++) {
            if (a[inner_only[i]]) {
                return fail(d, a[inner_only[i]],
                            "must be inside encap after vlan");
            }
        }
        f->vlans[vidx].tpid = ethertype;
        memcpy(&f->vlans[vidx].tci, mnl_attr_get_payload(v), 2);
        if (a[OVS_KEY_ATTR_ENCAP]) {
            const struct nlattr *e = a[OVS_KEY_ATTR_ENCAP];
            return decode_level(d, mnl_attr_get_payload(e),
                                mnl_attr_get_payload_len(e), f, vidx + 1);
        }
        if (!d->is_mask) {
            f->dl_type = PKT_HTONS(FLOW_DL_TYPE_NONE);
        }
        return 0;
    }
    if (a[OVS_KEY_ATTR_ENCAP]) {
        return fail(d, a[OVS_KEY_ATTR_ENCAP], "without a vlan attribute");
    }
    f->dl_type = ethertype;

    if ((p = a[OVS_KEY_ATTR_IPV4] ? mnl_attr_get_payload(a[OVS_KEY_ATTR_IPV4])
                                  : NULL)) {
        const struct ovs_key_ipv4 *k = p;
        f->nw_src = k->ipv4_src;
        f->nw_dst = k->ipv4_dst;
        f->nw_proto = k->ipv4_proto;
        f->nw_tos = k->ipv4_tos;
        f->nw_ttl = k->ipv4_ttl;
        err =
            frag_from_odp(d, a[OVS_KEY_ATTR_IPV4], k->ipv4_frag, &f->nw_frag);
        if (err) {
            /* Stop at the first fault: a second would overwrite (and
             * leak) the message of the first. */
            return err;
        }
    }
    if ((p = a[OVS_KEY_ATTR_IPV6] ? mnl_attr_get_payload(a[OVS_KEY_ATTR_IPV6])
                                  : NULL)) {
        const struct ovs_key_ipv6 *k = p;
        memcpy(&f->ipv6_src, k->ipv6_src, 16);
        memcpy(&f->ipv6_dst, k->ipv6_dst, 16);
        f->ipv6_label = k->ipv6_label;
        f->nw_proto = k->ipv6_proto;
        f->nw_tos = k->ipv6_tclass;
        f->nw_ttl = k->ipv6_hlimit;
        if (!d->is_mask && PKT_NTOHL(k->ipv6_label) > 0xfffff) {
            return fail(d, a[OVS_KEY_ATTR_IPV6],
                        "flow label %#x wider than 20 bits",
                        PKT_NTOHL(k->ipv6_label));
        }
        err = err ? err
                  : frag_from_odp(d, a[OVS_KEY_ATTR_IPV6], k->ipv6_frag,
                                  &f->nw_frag);
    }
    if (err) {
        return err;
    }
    if ((p = a[OVS_KEY_ATTR_ARP] ? mnl_attr_get_payload(a[OVS_KEY_ATTR_ARP])
                                 : NULL)) {
        const struct ovs_key_arp *k = p;
        uint16_t op = PKT_NTOHS(k->arp_op);
        if (!d->is_mask && op > 0xff) {
            return fail(d, a[OVS_KEY_ATTR_ARP], "opcode %u does not fit", op);
        }
        f->nw_src = k->arp_sip;
        f->nw_dst = k->arp_tip;
        f->nw_proto = op & 0xff;
        memcpy(&f->arp_sha, k->arp_sha, 6);
        memcpy(&f->arp_tha, k->arp_tha, 6);
    }
    if (a[OVS_KEY_ATTR_MPLS]) {
        memcpy(f->mpls_lse, mnl_attr_get_payload(a[OVS_KEY_ATTR_MPLS]),
               mnl_attr_get_payload_len(a[OVS_KEY_ATTR_MPLS]));
    }
    static const uint16_t port_attrs[] = { OVS_KEY_ATTR_TCP, OVS_KEY_ATTR_UDP,
                                           OVS_KEY_ATTR_SCTP };
    for (size_t i = 0; i < ARRAY_SIZE(port_attrs); i++) {
        if (a[port_attrs[i]]) {
            const uint16_t *ports = mnl_attr_get_payload(a[port_attrs[i]]);
            f->tp_src = ports[0];
            f->tp_dst = ports[1];
        }
    }
    static const uint16_t icmp_attrs[] = { OVS_KEY_ATTR_ICMP,
                                           OVS_KEY_ATTR_ICMPV6 };
    for (size_t i = 0; i < ARRAY_SIZE(icmp_attrs); i++) {
        if (a[icmp_attrs[i]]) {
            const uint8_t *tc = mnl_attr_get_payload(a[icmp_attrs[i]]);
            f->tp_src = PKT_HTONS(tc[0]);
            f->tp_dst = PKT_HTONS(tc[1]);
        }
    }
    if (a[OVS_KEY_ATTR_TCP_FLAGS]) {
        memcpy(&f->tcp_flags, mnl_attr_get_payload(a[OVS_KEY_ATTR_TCP_FLAGS]),
               2);
    }
    if (a[OVS_KEY_ATTR_ND]) {
        const struct ovs_key_nd *k = mnl_attr_get_payload(a[OVS_KEY_ATTR_ND]);
        memcpy(&f->nd_target, k->nd_target, 16);
        memcpy(&f->arp_sha, k->nd_sll, 6);
        memcpy(&f->arp_tha, k->nd_tll, 6);
    }
    return d->is_mask ? 0 : check_chain(d, a, f);
}

static int
decode(const void *attrs, size_t len, struct flow *flow, bool is_mask,
       char **errp)
{
    struct decoder d = { attrs, is_mask, errp, false };

    memset(flow, 0, sizeof *flow);
    if (errp) {
        *errp = NULL;
    }
    if (len > INT32_MAX) {
        return fail(&d, NULL, "%zu bytes is too long", len);
    }
    int err = decode_level(&d, attrs, len, flow, 0);
    if (err) {
        memset(flow, 0, sizeof *flow);
    }
    return err;
}

int
odp_key_to_flow(const void *attrs, size_t len, struct flow *flow, char **errp)
{
    return decode(attrs, len, flow, false, errp);
}

int
odp_mask_to_flow(const void *attrs, size_t len, struct flow *mask, char **errp)
{
    return decode(attrs, len, mask, true, errp);
}
