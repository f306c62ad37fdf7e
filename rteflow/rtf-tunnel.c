/* rtf-tunnel.c: tunnels in rte_flow terms (see rtf-translate.h).
 *
 * Decapsulation.  The userspace datapath's tnl_pop(T) on an underlay port
 * recirculates the inner packet as if it had entered tunnel port T with
 * the outer headers as tunnel() metadata.  In rte_flow the underlay flow
 * becomes a rule jumping to T's group, and each flow of T a rule in that
 * group (on every DPDK port, since any may carry T's packets) that matches
 * the outer headers as the metadata says, decapsulates and goes on with
 * the inner packet.  The outer headers are matched as strictly as the
 * softpath's tnl_pop checks them (VXLAN flags exactly I, Geneve version 0,
 * no options, Ethernet payload, GRE version 0 without routing or
 * sequence numbers), so that hardware never decapsulates what the
 * softpath would drop; and they fix the outer header's size, which
 * RAW_DECAP needs.
 *
 * Encapsulation.  tnl_push carries the whole outer header (Ethernet to
 * VXLAN/Geneve/GRE) precomputed: RAW_ENCAP of those bytes, then the
 * output to its underlay port.  Lengths, the IPv4 checksum and id are the
 * PMD's to fill in (as for any RAW_ENCAP); the UDP source port stays the
 * template's (0 unless set), where the softpath would put a flow hash. */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/flow.h"
#include "lib/util.h"
#include "rteflow/rtf-translate.h"
#include "softpath/odp.h"

#define RTF_TUNNEL_GROUP_BASE 0x10000
#define ETH_TYPE_TEB 0x6558 /* Transparent Ethernet bridging. */

/* GRE flag bits (RFC 2784/2890). */
#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_K 0x2000
#define GRE_S 0x1000
#define GRE_VER 0x0007

/* Geneve's first 16 bits: version (2), option length (6), O, C. */
#define GENEVE_VER 0xc000
#define GENEVE_OPTLEN 0x3f00
#define GENEVE_O 0x0080

uint32_t
rtf_tunnel_group(uint32_t odp_port)
{
    return RTF_TUNNEL_GROUP_BASE + odp_port;
}

enum rtf_tnl_type
rtf_tnl_type_from_string(const char *type)
{
    static const struct {
        const char *name;
        enum rtf_tnl_type type;
    } types[] = {
        { "vxlan", RTF_TNL_VXLAN },
        { "geneve", RTF_TNL_GENEVE },
        { "gre", RTF_TNL_GRE },
    };

    for (size_t i = 0; type && i < ARRAY_SIZE(types); i++) {
        if (!strcmp(type, types[i].name)) {
            return types[i].type;
        }
    }
    return RTF_TNL_NONE;
}

static int
refuse(struct offload_reason *why, const char *name, const char *detail)
{
    rtf_reason(why, OFFLOAD_R_UNSUPPORTED_MATCH, "no match on %s%s", name,
               detail);
    return EOPNOTSUPP;
}

static bool
outer_is_v6(const struct pkt_tunnel *mt)
{
    return !nf_bytes_all(&mt->ipv6_src, sizeof mt->ipv6_src, 0)
           || !nf_bytes_all(&mt->ipv6_dst, sizeof mt->ipv6_dst, 0);
}

/* The GRE flags a rule matches (and its decap header has): the key bit
 * when the flow says (tun_id or the key flag), the checksum bit when the
 * csum flag is matched, nothing else. */
static uint16_t
gre_flags(const struct pkt_tunnel *kt, const struct pkt_tunnel *mt)
{
    uint16_t f = 0;

    if (mt->tun_id || (kt->flags & mt->flags & PKT_TUN_F_KEY)) {
        f |= GRE_K;
    }
    if (kt->flags & mt->flags & PKT_TUN_F_CSUM) {
        f |= GRE_C;
    }
    return f;
}

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

/* The tunnel flags of the metadata: which ones the outer headers can say
 * exactly (see the top for the header bits).  Returns 0 or refuses. */
static int
check_flags(const struct pkt_tunnel *kt, const struct pkt_tunnel *mt,
            enum rtf_tnl_type type, bool v6, struct offload_reason *why)
{
    uint16_t mf = mt->flags, kf = kt->flags & mt->flags;

    if ((mf & PKT_TUN_F_OAM) && (kf & PKT_TUN_F_OAM)
        && type != RTF_TNL_GENEVE) {
        return refuse(why, "tunnel flags", " (oam)");
    }
    if ((mf & PKT_TUN_F_KEY) && !(kf & PKT_TUN_F_KEY) && type != RTF_TNL_GRE) {
        /* Every VXLAN and Geneve packet has a VNI. */
        return refuse(why, "tunnel flags", " (no key)");
    }
    if ((kf & PKT_TUN_F_CSUM) && type != RTF_TNL_GRE) {
        /* "Some UDP checksum": no mask says "not zero". */
        return refuse(why, "tunnel flags", " (csum)");
    }
    if ((kf & PKT_TUN_F_DONT_FRAGMENT) && v6) {
        return refuse(why, "tunnel flags", " (df on an IPv6 underlay)");
    }
    return 0;
}

int
rtf_tunnel_match(const struct flow *key, const struct flow *mask,
                 const struct rtf_port *tnl, struct rtf_rule *r,
                 struct offload_reason *why)
{
    const struct pkt_tunnel *kt = &key->tunnel, *mt = &mask->tunnel;
    bool v4 = mt->ip_src || mt->ip_dst;
    bool v6 = outer_is_v6(mt);
    uint64_t id_mask = be64toh(mt->tun_id);
    uint64_t id = be64toh(kt->tun_id) & id_mask;
    uint64_t id_max = tnl->tnl_type == RTF_TNL_GRE ? UINT32_MAX : 0xffffff;
    uint16_t mf = mt->flags, kf = kt->flags & mt->flags;
    void *m;
    int error;

    if (v4 && v6) {
        return refuse(why, "tunnel", " (IPv4 and IPv6 outer addresses)");
    }
    if (!v4 && !v6) {
        return refuse(why, "tunnel", " (no outer address: IPv4 or IPv6?)");
    }
    if (mt->tp_src) {
        return refuse(why, "tunnel tp_src", "");
    }
    if (!nf_bytes_all(&mt->opts, sizeof mt->opts, 0)) {
        /* Geneve options (flower's ENC_OPTS) are not translated. */
        return refuse(why, "geneve options", " (not supported)");
    }
    if (id & ~id_max) {
        return refuse(why, "tunnel tun_id",
                      id_max == UINT32_MAX ? " (more than 32 bits)"
                                           : " (more than 24 bits)");
    }
    id_mask &= id_max;
    error = check_flags(kt, mt, tnl->tnl_type, v6, why);
    if (error) {
        return error;
    }
    uint8_t proto = tnl->tnl_type == RTF_TNL_GRE ? IPPROTO_GRE : IPPROTO_UDP;

    rtf_rule_item(r, RTE_FLOW_ITEM_TYPE_ETH, sizeof(struct rte_flow_item_eth),
                  &m);
    if (v4) {
        struct rte_flow_item_ipv4 *s, *sm;
        s = rtf_rule_item(r, RTE_FLOW_ITEM_TYPE_IPV4, sizeof *s, &m);
        sm = m;
        put_masked(&s->hdr.src_addr, &sm->hdr.src_addr, &kt->ip_src,
                   &mt->ip_src, 4);
        put_masked(&s->hdr.dst_addr, &sm->hdr.dst_addr, &kt->ip_dst,
                   &mt->ip_dst, 4);
        s->hdr.type_of_service = kt->tos & mt->tos;
        sm->hdr.type_of_service = mt->tos;
        s->hdr.time_to_live = kt->ttl & mt->ttl;
        sm->hdr.time_to_live = mt->ttl;
        s->hdr.next_proto_id = proto;
        sm->hdr.next_proto_id = 0xff;
        if (mf & PKT_TUN_F_DONT_FRAGMENT) {
            s->hdr.fragment_offset =
                htons(kf & PKT_TUN_F_DONT_FRAGMENT ? IPV4_DF : 0);
            sm->hdr.fragment_offset = htons(IPV4_DF);
        }
    } else {
        struct rte_flow_item_ipv6 *s, *sm;
        s = rtf_rule_item(r, RTE_FLOW_ITEM_TYPE_IPV6, sizeof *s, &m);
        sm = m;
        put_masked(s->hdr.src_addr, sm->hdr.src_addr, &kt->ipv6_src,
                   &mt->ipv6_src, 16);
        put_masked(s->hdr.dst_addr, sm->hdr.dst_addr, &kt->ipv6_dst,
                   &mt->ipv6_dst, 16);
        s->hdr.vtc_flow = htonl((uint32_t) (kt->tos & mt->tos) << 20);
        sm->hdr.vtc_flow = htonl((uint32_t) mt->tos << 20);
        s->hdr.hop_limits = kt->ttl & mt->ttl;
        sm->hdr.hop_limits = mt->ttl;
        s->hdr.proto = proto;
        sm->hdr.proto = 0xff;
    }

    if (tnl->tnl_type == RTF_TNL_GRE) {
        struct rte_flow_item_gre *g, *gm;
        uint16_t flags = gre_flags(kt, mt);
        g = rtf_rule_item(r, RTE_FLOW_ITEM_TYPE_GRE, sizeof *g, &m);
        gm = m;
        g->c_rsvd0_ver = htons(flags);
        gm->c_rsvd0_ver = htons(GRE_C | GRE_R | GRE_K | GRE_S | GRE_VER);
        g->protocol = htons(ETH_TYPE_TEB);
        gm->protocol = 0xffff;
        if (flags & GRE_K) {
            rte_be32_t *k, *km;
            k = rtf_rule_item(r, RTE_FLOW_ITEM_TYPE_GRE_KEY, sizeof *k, &m);
            km = m;
            *k = htonl((uint32_t) id);
            *km = htonl((uint32_t) id_mask);
        }
        return 0;
    }

    struct rte_flow_item_udp *u, *um;
    u = rtf_rule_item(r, RTE_FLOW_ITEM_TYPE_UDP, sizeof *u, &m);
    um = m;
    put_masked(&u->hdr.dst_port, &um->hdr.dst_port, &kt->tp_dst, &mt->tp_dst,
               2);
    if (mf & PKT_TUN_F_CSUM) {
        /* Checked above: exactly "no checksum". */
        u->hdr.dgram_cksum = 0;
        um->hdr.dgram_cksum = 0xffff;
    }
    uint8_t vni[3] = { id >> 16, id >> 8, id };
    uint8_t vni_m[3] = { id_mask >> 16, id_mask >> 8, id_mask };
    if (tnl->tnl_type == RTF_TNL_VXLAN) {
        struct rte_flow_item_vxlan *v, *vm;
        v = rtf_rule_item(r, RTE_FLOW_ITEM_TYPE_VXLAN, sizeof *v, &m);
        vm = m;
        v->flags = 0x08; /* I: a VNI, nothing else. */
        vm->flags = 0xff;
        memcpy(v->vni, vni, 3);
        memcpy(vm->vni, vni_m, 3);
    } else {
        struct rte_flow_item_geneve *g, *gm;
        uint16_t bits = GENEVE_VER | GENEVE_OPTLEN;
        uint16_t val = 0;
        g = rtf_rule_item(r, RTE_FLOW_ITEM_TYPE_GENEVE, sizeof *g, &m);
        gm = m;
        if (mf & PKT_TUN_F_OAM) {
            bits |= GENEVE_O;
            val |= kf & PKT_TUN_F_OAM ? GENEVE_O : 0;
        }
        g->ver_opt_len_o_c_rsvd0 = htons(val);
        gm->ver_opt_len_o_c_rsvd0 = htons(bits);
        g->protocol = htons(ETH_TYPE_TEB);
        gm->protocol = 0xffff;
        memcpy(g->vni, vni, 3);
        memcpy(gm->vni, vni_m, 3);
    }
    return 0;
}

int
rtf_tunnel_decap(const struct flow *key, const struct flow *mask,
                 const struct rtf_port *tnl, struct rtf_rule *r,
                 struct offload_reason *why)
{
    const struct pkt_tunnel *kt = &key->tunnel, *mt = &mask->tunnel;
    bool v6 = outer_is_v6(mt);
    uint8_t hdr[14 + 40 + 8 + 8 + 12];
    struct rte_flow_action_raw_decap dc;
    size_t n = 0;
    int error;

    if (tnl->tnl_type == RTF_TNL_VXLAN) {
        rtf_rule_action(r, RTE_FLOW_ACTION_TYPE_VXLAN_DECAP, NULL, 0, why,
                        &error);
        return error;
    }
    /* A template of the outer header the pattern matched: its size is
     * what RAW_DECAP removes; its types tell a PMD what it removes. */
    memset(hdr, 0, sizeof hdr);
    uint16_t ethertype = htons(v6 ? ETH_TYPE_IPV6 : ETH_TYPE_IP);
    memcpy(hdr + 12, &ethertype, 2);
    n = 14;
    uint8_t proto = tnl->tnl_type == RTF_TNL_GRE ? IPPROTO_GRE : IPPROTO_UDP;
    if (v6) {
        hdr[n] = 0x60;
        hdr[n + 6] = proto;
        hdr[n + 7] = 64;
        n += 40;
    } else {
        hdr[n] = 0x45;
        hdr[n + 8] = 64;
        hdr[n + 9] = proto;
        n += 20;
    }
    uint16_t teb = htons(ETH_TYPE_TEB);
    if (tnl->tnl_type == RTF_TNL_GRE) {
        uint16_t flags = gre_flags(kt, mt), be = htons(flags);
        memcpy(hdr + n, &be, 2);
        memcpy(hdr + n + 2, &teb, 2);
        n += 4 + (flags & GRE_C ? 4 : 0) + (flags & GRE_K ? 4 : 0);
    } else {
        uint16_t dst = mt->tp_dst == 0xffff ? kt->tp_dst : htons(6081);
        memcpy(hdr + n + 2, &dst, 2);
        n += 8;
        memcpy(hdr + n + 2, &teb, 2);
        n += 8;
    }
    dc.data = rtf_rule_alloc(r, n);
    if (!dc.data) {
        rtf_reason(why, OFFLOAD_R_UNSUPPORTED_ACTION, "rule too large");
        return EOPNOTSUPP;
    }
    memcpy(dc.data, hdr, n);
    dc.size = n;
    rtf_rule_action(r, RTE_FLOW_ACTION_TYPE_RAW_DECAP, &dc, sizeof dc, why,
                    &error);
    return error;
}

int
rtf_tunnel_encap(const void *push, size_t len, struct rtf_rule *r,
                 uint32_t *out_port, struct offload_reason *why)
{
    struct odp_action_push_tnl fixed;
    struct rte_flow_action_raw_encap enc;
    const char *bad = odp_tnl_push_check(push, len, NULL);
    int error;

    if (bad) {
        rtf_reason(why, OFFLOAD_R_INTERNAL, "malformed tnl_push: %s", bad);
        return EINVAL;
    }
    memcpy(&fixed, push, ODP_TNL_PUSH_FIXED_LEN);
    memset(&enc, 0, sizeof enc);
    enc.data = rtf_rule_alloc(r, fixed.header_len);
    if (!enc.data) {
        rtf_reason(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                   "action tnl_push cannot be offloaded (rule too large)");
        return EOPNOTSUPP;
    }
    memcpy(enc.data, (const uint8_t *) push + ODP_TNL_PUSH_FIXED_LEN,
           fixed.header_len);
    enc.size = fixed.header_len;
    rtf_rule_action(r, RTE_FLOW_ACTION_TYPE_RAW_ENCAP, &enc, sizeof enc, why,
                    &error);
    *out_port = fixed.out_port;
    return error;
}
