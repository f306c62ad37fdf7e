/* dp-execute-tnl.c: the tnl_push and tnl_pop actions (see dp-execute.h).
 *
 * tnl_push prepends the header its attribute carries and fills in what
 * depends on the packet.  tnl_pop checks an underlay frame against the
 * tunnel vport's type and UDP port, reading nothing past the frame (or past
 * the lengths its own headers give), strips the outer headers and records
 * them as the packet's tunnel metadata.  Each reason to refuse a frame has
 * its own coverage counter. */
#include <string.h>

#include "lib/coverage.h"
#include "softpath/dp-execute.h"
#include "softpath/odp.h"

COVERAGE_DEFINE(dp_execute_tnl_push_malformed);
COVERAGE_DEFINE(dp_execute_tnl_push_too_big);
COVERAGE_DEFINE(tnl_pop_malformed);      /* Truncated or bad outer header. */
COVERAGE_DEFINE(tnl_pop_not_ip);         /* Outer EtherType not IPv4/IPv6. */
COVERAGE_DEFINE(tnl_pop_fragment);       /* Outer IP fragment. */
COVERAGE_DEFINE(tnl_pop_bad_csum);       /* IPv4/UDP/GRE checksum wrong. */
COVERAGE_DEFINE(tnl_pop_wrong_proto);    /* Not UDP (vxlan/geneve)/GRE. */
COVERAGE_DEFINE(tnl_pop_wrong_port);     /* UDP port is not the vport's. */
COVERAGE_DEFINE(tnl_pop_vxlan_flags);    /* VXLAN flags not just I. */
COVERAGE_DEFINE(tnl_pop_geneve_version); /* Geneve version not 0. */
COVERAGE_DEFINE(tnl_pop_geneve_proto);   /* Geneve not Ethernet. */
COVERAGE_DEFINE(tnl_pop_geneve_opts_truncated); /* Options past the end. */
COVERAGE_DEFINE(tnl_pop_gre_flags);             /* GRE version/routing bits. */
COVERAGE_DEFINE(tnl_pop_gre_proto);             /* GRE not 0x6558. */
COVERAGE_DEFINE(tnl_pop_inner_short);           /* No whole inner Ethernet. */

#define GRE_F_CSUM 0x8000
#define GRE_F_KEY 0x2000
#define GRE_F_SEQ 0x1000
#define ETH_TYPE_TEB 0x6558 /* Transparent Ethernet bridging. */

/* IPv4 ids of the frames this thread encapsulates without DF. */
static __thread uint16_t ip_id;

bool
dp_execute_tnl_push(struct pkt *p, const void *push_, size_t len,
                    uint32_t hash, uint16_t src_min, uint16_t src_max,
                    uint32_t *out_port)
{
    struct odp_action_push_tnl push;
    struct odp_tnl_layout l;
    uint8_t *h, *ip, *l4;
    size_t l3_len, l4_len;

    if (odp_tnl_push_check(push_, len, &l)) {
        COVERAGE_INC(dp_execute_tnl_push_malformed);
        return false;
    }
    memcpy(&push, push_, ODP_TNL_PUSH_FIXED_LEN);
    if (p->size + push.header_len - l.l3_ofs > UINT16_MAX) {
        COVERAGE_INC(dp_execute_tnl_push_too_big);
        return false;
    }
    h = pkt_push(p, (const uint8_t *) push_ + ODP_TNL_PUSH_FIXED_LEN,
                 push.header_len);
    ip = h + l.l3_ofs;
    l4 = h + l.l4_ofs;
    l3_len = p->size - l.l3_ofs;
    l4_len = p->size - l.l4_ofs;
    if (!l.ipv6) {
        pkt_put_be16(ip + 2, (uint16_t) l3_len);
        if (!(pkt_get_be16(ip + 6) & IPV4_DF)) {
            pkt_put_be16(ip + 4, ip_id++);
        }
        memset(ip + 10, 0, 2);
        uint16_t cs = pkt_csum_finish(pkt_csum_add(0, ip, IPV4_HEADER_LEN));
        memcpy(ip + 10, &cs, 2);
    } else {
        pkt_put_be16(ip + 4, (uint16_t) (l3_len - IPV6_HEADER_LEN));
    }
    if (push.tnl_type == ODP_TNL_TYPE_GRE
        || push.tnl_type == ODP_TNL_TYPE_IP6GRE) {
        if (pkt_get_be16(l4) & GRE_F_CSUM) {
            memset(l4 + 4, 0, 2);
            uint16_t cs = pkt_csum_finish(pkt_csum_add(0, l4, l4_len));
            memcpy(l4 + 4, &cs, 2);
        }
        p->payload_ofs = PKT_OFS_NONE;
    } else {
        uint32_t range = (uint32_t) src_max - src_min + 1;
        uint16_t src =
            (uint16_t) (src_min + (((uint64_t) hash * range) >> 32));

        pkt_put_be16(l4, src);
        pkt_put_be16(l4 + 4, (uint16_t) l4_len);
        memset(l4 + 6, 0, 2);
        if (l.ipv6) {
            struct in6_addr s6, d6;
            memcpy(&s6, ip + 8, 16);
            memcpy(&d6, ip + 24, 16);
            uint32_t sum = pkt_csum_pseudo_ipv6(&s6, &d6, IPPROTO_UDP, l4_len);
            uint16_t cs = pkt_csum_finish(pkt_csum_add(sum, l4, l4_len));
            if (!cs) {
                cs = 0xffff;
            }
            memcpy(l4 + 6, &cs, 2);
        }
        p->payload_ofs = l.l4_ofs + UDP_HEADER_LEN;
    }
    p->l2_ofs = 0;
    p->l2_5_ofs = l.l2_5_ofs == UINT16_MAX ? PKT_OFS_NONE : l.l2_5_ofs;
    p->l3_ofs = l.l3_ofs;
    p->l4_ofs = l.l4_ofs;
    *out_port = push.out_port;
    return true;
}

/* Refuses the frame for REASON. */
#define REFUSE(REASON)        \
    do {                      \
        COVERAGE_INC(REASON); \
        return false;         \
    } while (0)

/* Parses the UDP header and the VXLAN or Geneve header at D + *OFS (the
 * L4 part ends at END) into MD, advancing *OFS past them. */
static bool
pop_udp(const uint8_t *d, size_t *ofsp, size_t end, uint32_t tnl_type,
        uint16_t dst_port, const uint8_t *ip, bool ipv6, struct pkt_tunnel *md)
{
    size_t ofs = *ofsp;
    const uint8_t *u = d + ofs, *t;

    if (end - ofs < UDP_HEADER_LEN) {
        REFUSE(tnl_pop_malformed);
    }
    size_t ulen = pkt_get_be16(u + 4);
    if (ulen < UDP_HEADER_LEN || ulen > end - ofs) {
        REFUSE(tnl_pop_malformed);
    }
    end = ofs + ulen;
    if (pkt_get_be16(u + 2) != dst_port) {
        REFUSE(tnl_pop_wrong_port);
    }
    if (pkt_get_be16(u + 6)) {
        uint32_t sum;
        if (ipv6) {
            struct in6_addr s6, d6;
            memcpy(&s6, ip + 8, 16);
            memcpy(&d6, ip + 24, 16);
            sum = pkt_csum_pseudo_ipv6(&s6, &d6, IPPROTO_UDP, ulen);
        } else {
            uint32_t s4, d4;
            memcpy(&s4, ip + 12, 4);
            memcpy(&d4, ip + 16, 4);
            sum = pkt_csum_pseudo_ipv4(s4, d4, IPPROTO_UDP, ulen);
        }
        if (pkt_csum_finish(pkt_csum_add(sum, u, ulen))) {
            REFUSE(tnl_pop_bad_csum);
        }
        md->flags |= PKT_TUN_F_CSUM;
    }
    memcpy(&md->tp_src, u, 2);
    memcpy(&md->tp_dst, u + 2, 2);
    ofs += UDP_HEADER_LEN;
    if (end - ofs < 8) {
        REFUSE(tnl_pop_malformed);
    }
    t = d + ofs;
    if (tnl_type == ODP_TNL_TYPE_VXLAN) {
        if (pkt_get_be32(t) != 0x08000000 || t[7]) {
            REFUSE(tnl_pop_vxlan_flags);
        }
        ofs += 8;
    } else {
        size_t optlen = (t[0] & 0x3f) * 4;
        if (t[0] >> 6) {
            REFUSE(tnl_pop_geneve_version);
        }
        if (optlen > end - ofs - 8) {
            REFUSE(tnl_pop_geneve_opts_truncated);
        }
        if (pkt_get_be16(t + 2) != ETH_TYPE_TEB) {
            REFUSE(tnl_pop_geneve_proto);
        }
        /* Each option must fit in the option area. */
        for (size_t o = 0; o < optlen;) {
            size_t olen = 4 + (t[8 + o + 3] & 0x1f) * 4;
            if (olen > optlen - o) {
                REFUSE(tnl_pop_geneve_opts_truncated);
            }
            o += olen;
        }
        /* The options go with the packet, critical ones included: as in
         * Open vSwitch, translation drops a packet whose critical option
         * its bridge does not know (RFC 8926 3.5.1 leaves that to the
         * endpoint that reads the options). */
        md->opts.len = (uint8_t) optlen;
        memcpy(md->opts.data, t + 8, optlen);
        if (t[1] & 0x80) {
            md->flags |= PKT_TUN_F_OAM;
        }
        ofs += 8 + optlen;
    }
    md->tun_id = PKT_HTONLL((uint64_t) (pkt_get_be32(t + 4) >> 8));
    md->flags |= PKT_TUN_F_KEY;
    *ofsp = ofs;
    return true;
}

static bool
pop_gre(const uint8_t *d, size_t *ofsp, size_t end, struct pkt_tunnel *md)
{
    size_t ofs = *ofsp;
    const uint8_t *g = d + ofs;

    if (end - ofs < 4) {
        REFUSE(tnl_pop_malformed);
    }
    uint16_t flags = pkt_get_be16(g);
    if (flags & ~(GRE_F_CSUM | GRE_F_KEY | GRE_F_SEQ)) {
        REFUSE(tnl_pop_gre_flags);
    }
    size_t glen = 4 + (flags & GRE_F_CSUM ? 4 : 0)
                  + (flags & GRE_F_KEY ? 4 : 0) + (flags & GRE_F_SEQ ? 4 : 0);
    if (glen > end - ofs) {
        REFUSE(tnl_pop_malformed);
    }
    if (pkt_get_be16(g + 2) != ETH_TYPE_TEB) {
        REFUSE(tnl_pop_gre_proto);
    }
    const uint8_t *o = g + 4;
    if (flags & GRE_F_CSUM) {
        if (pkt_csum_finish(pkt_csum_add(0, g, end - ofs))) {
            REFUSE(tnl_pop_bad_csum);
        }
        md->flags |= PKT_TUN_F_CSUM;
        o += 4;
    }
    if (flags & GRE_F_KEY) {
        md->tun_id = PKT_HTONLL((uint64_t) pkt_get_be32(o));
        md->flags |= PKT_TUN_F_KEY;
    }
    *ofsp = ofs + glen;
    return true;
}

bool
dp_execute_tnl_pop(struct pkt *p, uint32_t tnl_type, uint16_t dst_port)
{
    const uint8_t *d = p->data, *ip;
    size_t n = p->size, ofs = ETH_HEADER_LEN, end;
    struct pkt_tunnel md;
    uint16_t type;
    uint8_t proto;
    bool ipv6;

    memset(&md, 0, sizeof md);
    if (n < ETH_HEADER_LEN) {
        REFUSE(tnl_pop_malformed);
    }
    type = pkt_get_be16(d + 12);
    if (type == ETH_TYPE_VLAN_8021Q) {
        if (n < ETH_HEADER_LEN + VLAN_HEADER_LEN) {
            REFUSE(tnl_pop_malformed);
        }
        type = pkt_get_be16(d + 16);
        ofs += VLAN_HEADER_LEN;
    }
    ip = d + ofs;
    if (type == ETH_TYPE_IP) {
        size_t hl, tot;
        if (n - ofs < IPV4_HEADER_LEN || ip[0] >> 4 != 4) {
            REFUSE(tnl_pop_malformed);
        }
        hl = (ip[0] & 0xf) * 4;
        tot = pkt_get_be16(ip + 2);
        if (hl < IPV4_HEADER_LEN || tot < hl || tot > n - ofs) {
            REFUSE(tnl_pop_malformed);
        }
        if (pkt_csum_finish(pkt_csum_add(0, ip, hl))) {
            REFUSE(tnl_pop_bad_csum);
        }
        if (pkt_get_be16(ip + 6) & (IPV4_MF | IPV4_FRAG_OFF_MASK)) {
            REFUSE(tnl_pop_fragment);
        }
        if (pkt_get_be16(ip + 6) & IPV4_DF) {
            md.flags |= PKT_TUN_F_DONT_FRAGMENT;
        }
        memcpy(&md.ip_src, ip + 12, 4);
        memcpy(&md.ip_dst, ip + 16, 4);
        md.tos = ip[1];
        md.ttl = ip[8];
        proto = ip[9];
        ipv6 = false;
        end = ofs + tot;
        ofs += hl;
    } else if (type == ETH_TYPE_IPV6) {
        size_t plen;
        if (n - ofs < IPV6_HEADER_LEN || ip[0] >> 4 != 6) {
            REFUSE(tnl_pop_malformed);
        }
        plen = pkt_get_be16(ip + 4);
        if (plen > n - ofs - IPV6_HEADER_LEN) {
            REFUSE(tnl_pop_malformed);
        }
        proto = ip[6];
        if (proto == IPPROTO_FRAGMENT) {
            REFUSE(tnl_pop_fragment);
        }
        memcpy(&md.ipv6_src, ip + 8, 16);
        memcpy(&md.ipv6_dst, ip + 24, 16);
        md.tos = (uint8_t) (pkt_get_be32(ip) >> 20);
        md.ttl = ip[7];
        ipv6 = true;
        end = ofs + IPV6_HEADER_LEN + plen;
        ofs += IPV6_HEADER_LEN;
    } else {
        REFUSE(tnl_pop_not_ip);
    }
    if (tnl_type == ODP_TNL_TYPE_GRE) {
        if (proto != IPPROTO_GRE) {
            REFUSE(tnl_pop_wrong_proto);
        }
        if (!pop_gre(d, &ofs, end, &md)) {
            return false;
        }
    } else if (tnl_type == ODP_TNL_TYPE_VXLAN
               || tnl_type == ODP_TNL_TYPE_GENEVE) {
        if (proto != IPPROTO_UDP) {
            REFUSE(tnl_pop_wrong_proto);
        }
        if (!pop_udp(d, &ofs, end, tnl_type, dst_port, ip, ipv6, &md)) {
            return false;
        }
    } else {
        REFUSE(tnl_pop_malformed);
    }
    if (end - ofs < ETH_HEADER_LEN) {
        REFUSE(tnl_pop_inner_short);
    }
    pkt_truncate(p, end);
    pkt_pull(p, ofs);
    pkt_reset_offsets(p);
    p->tunnel = md;
    return true;
}
