/* field-table.c: the table of OpenFlow match fields (see match.h).
 *
 * Facts (names, widths, maskability, prerequisites, access, code points)
 * come from ovs-fields(7).  A few fields have no row there but are part of
 * the ovs-ofctl syntax: dl_vlan and dl_vlan_pcp (the OpenFlow 1.0 VLAN
 * fields), recirc_id and dp_hash (datapath fields), skb_priority. */
#include "ofctl/match.h"

#include <pthread.h>
#include <string.h>

/* Storage helpers. */
#define SIZEOF_MEMBER(type, m) sizeof(((type *) 0)->m)
#define IN_FLOW(m)                                        \
    .where = OF_IN_FLOW, .ofs = offsetof(struct flow, m), \
    .size = SIZEOF_MEMBER(struct flow, m)
#define IN_META(m)                                           \
    .where = OF_IN_META, .ofs = offsetof(struct of_meta, m), \
    .size = SIZEOF_MEMBER(struct of_meta, m)

/* Code points. */
#define OXM(n, name) .oxm = { name, OF_OXM_OPENFLOW, n, 0 }
#define ONF(n, name) .oxm = { name, OF_OXM_EXPERIMENTER, n, OF_EXP_ONF }
#define NXM_OF(n, name) .nxm = { name, OF_OXM_NXM0, n, 0 }
#define NXM_NX(n, name) .nxm = { name, OF_OXM_NXM1, n, 0 }

/* Shorthands for the common columns. */
#define RW .writable = true
#define MASK .maskable = true

#define REG(N)                                \
    [OF_F_REG0 + N] = { OF_F_REG0 + N,        \
                        "reg" #N,             \
                        NULL,                 \
                        32,                   \
                        4,                    \
                        MASK,                 \
                        RW,                   \
                        .format = OF_FMT_HEX, \
                        .where = OF_IN_REGS,  \
                        .ofs = N,             \
                        .size = 4,            \
                        .host_order = true,   \
                        NXM_NX(N, "NXM_NX_REG" #N) }
#define XREG(N)                      \
    [OF_F_XREG0 +                    \
        N] = { OF_F_XREG0 + N,       \
               "xreg" #N,            \
               NULL,                 \
               64,                   \
               8,                    \
               MASK,                 \
               RW,                   \
               .format = OF_FMT_HEX, \
               .where = OF_IN_REGS,  \
               .ofs = 2 * N,         \
               .size = 8,            \
               .host_order = true,   \
               .oxm = { "OXM_OF_PKT_REG" #N, OF_OXM_PKT_REG, N, 0 } }
#define XXREG(N)                                \
    [OF_F_XXREG0 + N] = { OF_F_XXREG0 + N,      \
                          "xxreg" #N,           \
                          NULL,                 \
                          128,                  \
                          16,                   \
                          MASK,                 \
                          RW,                   \
                          .format = OF_FMT_HEX, \
                          .where = OF_IN_REGS,  \
                          .ofs = 4 * N,         \
                          .size = 16,           \
                          .host_order = true,   \
                          NXM_NX(111 + N, "NXM_NX_XXREG" #N) }
#define TUN_MD(N)                                        \
    [OF_F_TUN_METADATA0 + N] = { OF_F_TUN_METADATA0 + N, \
                                 "tun_metadata" #N,      \
                                 NULL,                   \
                                 OF_TUN_MD_MAX * 8,      \
                                 OF_TUN_MD_MAX,          \
                                 MASK,                   \
                                 RW,                     \
                                 .format = OF_FMT_HEX,   \
                                 .where = OF_IN_TUN_MD,  \
                                 .ofs = N,               \
                                 .size = OF_TUN_MD_MAX,  \
                                 NXM_NX(40 + N, "NXM_NX_TUN_METADATA" #N) }
#define TUN_MD10(N)                                                       \
    TUN_MD(N##0), TUN_MD(N##1), TUN_MD(N##2), TUN_MD(N##3), TUN_MD(N##4), \
        TUN_MD(N##5), TUN_MD(N##6), TUN_MD(N##7), TUN_MD(N##8), TUN_MD(N##9)

/* clang-format off */
const struct of_field of_field_table_[OF_N_FIELDS] = {
    [OF_F_IN_PORT] = { OF_F_IN_PORT, "in_port", NULL, 16, 2, RW,
        .format = OF_FMT_PORT, IN_FLOW(in_port), .host_order = true,
        NXM_OF(0, "NXM_OF_IN_PORT") },
    [OF_F_IN_PORT_OXM] = { OF_F_IN_PORT_OXM, "in_port_oxm", NULL, 16, 4, RW,
        .format = OF_FMT_PORT_OXM, IN_FLOW(in_port), .host_order = true,
        OXM(0, "OXM_OF_IN_PORT") },
    [OF_F_METADATA] = { OF_F_METADATA, "metadata", NULL, 64, 8, MASK, RW,
        .format = OF_FMT_HEX, IN_META(metadata), .host_order = true,
        OXM(2, "OXM_OF_METADATA") },
    REG(0), REG(1), REG(2), REG(3), REG(4), REG(5), REG(6), REG(7),
    REG(8), REG(9), REG(10), REG(11), REG(12), REG(13), REG(14), REG(15),
    XREG(0), XREG(1), XREG(2), XREG(3), XREG(4), XREG(5), XREG(6), XREG(7),
    XXREG(0), XXREG(1), XXREG(2), XXREG(3),

    /* Tunnel. */
    [OF_F_TUN_ID] = { OF_F_TUN_ID, "tun_id", "tunnel_id", 64, 8, MASK, RW,
        .format = OF_FMT_HEX, IN_FLOW(tunnel.tun_id),
        OXM(38, "OXM_OF_TUNNEL_ID"), NXM_NX(16, "NXM_NX_TUN_ID") },
    [OF_F_TUN_SRC] = { OF_F_TUN_SRC, "tun_src", NULL, 32, 4, MASK, RW,
        .format = OF_FMT_IPV4, IN_FLOW(tunnel.ip_src),
        NXM_NX(31, "NXM_NX_TUN_IPV4_SRC") },
    [OF_F_TUN_DST] = { OF_F_TUN_DST, "tun_dst", NULL, 32, 4, MASK, RW,
        .format = OF_FMT_IPV4, IN_FLOW(tunnel.ip_dst),
        NXM_NX(32, "NXM_NX_TUN_IPV4_DST") },
    [OF_F_TUN_IPV6_SRC] = { OF_F_TUN_IPV6_SRC, "tun_ipv6_src", NULL, 128,
        16, MASK, RW, .format = OF_FMT_IPV6, IN_FLOW(tunnel.ipv6_src),
        NXM_NX(109, "NXM_NX_TUN_IPV6_SRC") },
    [OF_F_TUN_IPV6_DST] = { OF_F_TUN_IPV6_DST, "tun_ipv6_dst", NULL, 128,
        16, MASK, RW, .format = OF_FMT_IPV6, IN_FLOW(tunnel.ipv6_dst),
        NXM_NX(110, "NXM_NX_TUN_IPV6_DST") },
    /* The OAM flag is bit 3 of pkt_tunnel.flags (PKT_TUN_F_OAM) and bit 0
     * of the OpenFlow field. */
    [OF_F_TUN_FLAGS] = { OF_F_TUN_FLAGS, "tun_flags", NULL, 1, 2, MASK, RW,
        .format = OF_FMT_TUN_FLAGS, IN_FLOW(tunnel.flags), .shift = 3,
        .host_order = true, NXM_NX(104, "NXM_NX_TUN_FLAGS") },
    [OF_F_TUN_GBP_ID] = { OF_F_TUN_GBP_ID, "tun_gbp_id", NULL, 16, 2, MASK,
        RW, .format = OF_FMT_DEC, IN_META(tun_gbp_id),
        NXM_NX(38, "NXM_NX_TUN_GBP_ID") },
    [OF_F_TUN_GBP_FLAGS] = { OF_F_TUN_GBP_FLAGS, "tun_gbp_flags", NULL, 8,
        1, MASK, RW, .format = OF_FMT_HEX, IN_META(tun_gbp_flags),
        NXM_NX(39, "NXM_NX_TUN_GBP_FLAGS") },
    TUN_MD(0), TUN_MD(1), TUN_MD(2), TUN_MD(3), TUN_MD(4), TUN_MD(5),
    TUN_MD(6), TUN_MD(7), TUN_MD(8), TUN_MD(9), TUN_MD10(1), TUN_MD10(2),
    TUN_MD10(3), TUN_MD10(4), TUN_MD10(5), TUN_MD(60), TUN_MD(61),
    TUN_MD(62), TUN_MD(63),

    /* Metadata. */
    [OF_F_PKT_MARK] = { OF_F_PKT_MARK, "pkt_mark", NULL, 32, 4, MASK, RW,
        .format = OF_FMT_HEX, IN_FLOW(pkt_mark), .host_order = true,
        NXM_NX(33, "NXM_NX_PKT_MARK") },
    [OF_F_SKB_PRIORITY] = { OF_F_SKB_PRIORITY, "skb_priority", NULL, 32, 4,
        .format = OF_FMT_HEX, IN_META(skb_priority), .host_order = true },
    [OF_F_RECIRC_ID] = { OF_F_RECIRC_ID, "recirc_id", NULL, 32, 4,
        .format = OF_FMT_HEX, IN_FLOW(recirc_id), .host_order = true,
        NXM_NX(36, "NXM_NX_RECIRC_ID") },
    [OF_F_DP_HASH] = { OF_F_DP_HASH, "dp_hash", NULL, 32, 4, MASK,
        .format = OF_FMT_HEX, IN_FLOW(dp_hash), .host_order = true,
        NXM_NX(35, "NXM_NX_DP_HASH") },
    [OF_F_CONJ_ID] = { OF_F_CONJ_ID, "conj_id", NULL, 32, 4,
        .format = OF_FMT_DEC, IN_META(conj_id), .host_order = true,
        NXM_NX(37, "NXM_NX_CONJ_ID") },
    [OF_F_ACTSET_OUTPUT] = { OF_F_ACTSET_OUTPUT, "actset_output", NULL, 16,
        4, .format = OF_FMT_PORT_OXM, IN_META(actset_output),
        .host_order = true, ONF(43, "ONFOXM_ET_ACTSET_OUTPUT") },

    /* Connection tracking. */
    [OF_F_CT_STATE] = { OF_F_CT_STATE, "ct_state", NULL, 8, 4, MASK,
        .format = OF_FMT_CT_STATE, IN_META(ct_state), .host_order = true,
        NXM_NX(105, "NXM_NX_CT_STATE") },
    [OF_F_CT_ZONE] = { OF_F_CT_ZONE, "ct_zone", NULL, 16, 2,
        .format = OF_FMT_DEC, IN_META(ct_zone), .host_order = true,
        NXM_NX(106, "NXM_NX_CT_ZONE") },
    [OF_F_CT_MARK] = { OF_F_CT_MARK, "ct_mark", NULL, 32, 4, MASK, RW,
        .format = OF_FMT_HEX, IN_META(ct_mark), .host_order = true,
        NXM_NX(107, "NXM_NX_CT_MARK") },
    [OF_F_CT_LABEL] = { OF_F_CT_LABEL, "ct_label", NULL, 128, 16, MASK, RW,
        .format = OF_FMT_HEX, IN_META(ct_label),
        NXM_NX(108, "NXM_NX_CT_LABEL") },
    [OF_F_CT_NW_SRC] = { OF_F_CT_NW_SRC, "ct_nw_src", NULL, 32, 4, MASK,
        .prereq = OF_PRQ_CT, .format = OF_FMT_IPV4, IN_META(ct_nw_src),
        NXM_NX(120, "NXM_NX_CT_NW_SRC") },
    [OF_F_CT_NW_DST] = { OF_F_CT_NW_DST, "ct_nw_dst", NULL, 32, 4, MASK,
        .prereq = OF_PRQ_CT, .format = OF_FMT_IPV4, IN_META(ct_nw_dst),
        NXM_NX(121, "NXM_NX_CT_NW_DST") },
    [OF_F_CT_IPV6_SRC] = { OF_F_CT_IPV6_SRC, "ct_ipv6_src", NULL, 128, 16,
        MASK, .prereq = OF_PRQ_CT, .format = OF_FMT_IPV6,
        IN_META(ct_ipv6_src), NXM_NX(122, "NXM_NX_CT_IPV6_SRC") },
    [OF_F_CT_IPV6_DST] = { OF_F_CT_IPV6_DST, "ct_ipv6_dst", NULL, 128, 16,
        MASK, .prereq = OF_PRQ_CT, .format = OF_FMT_IPV6,
        IN_META(ct_ipv6_dst), NXM_NX(123, "NXM_NX_CT_IPV6_DST") },
    [OF_F_CT_NW_PROTO] = { OF_F_CT_NW_PROTO, "ct_nw_proto", NULL, 8, 1,
        .prereq = OF_PRQ_CT, .format = OF_FMT_DEC, IN_META(ct_nw_proto),
        NXM_NX(119, "NXM_NX_CT_NW_PROTO") },
    [OF_F_CT_TP_SRC] = { OF_F_CT_TP_SRC, "ct_tp_src", NULL, 16, 2, MASK,
        .prereq = OF_PRQ_CT, .format = OF_FMT_DEC, IN_META(ct_tp_src),
        NXM_NX(124, "NXM_NX_CT_TP_SRC") },
    [OF_F_CT_TP_DST] = { OF_F_CT_TP_DST, "ct_tp_dst", NULL, 16, 2, MASK,
        .prereq = OF_PRQ_CT, .format = OF_FMT_DEC, IN_META(ct_tp_dst),
        NXM_NX(125, "NXM_NX_CT_TP_DST") },

    /* Ethernet and VLAN. */
    [OF_F_ETH_SRC] = { OF_F_ETH_SRC, "eth_src", "dl_src", 48, 6, MASK, RW,
        .format = OF_FMT_ETH, IN_FLOW(dl_src),
        OXM(4, "OXM_OF_ETH_SRC"), NXM_OF(2, "NXM_OF_ETH_SRC") },
    [OF_F_ETH_DST] = { OF_F_ETH_DST, "eth_dst", "dl_dst", 48, 6, MASK, RW,
        .format = OF_FMT_ETH, IN_FLOW(dl_dst),
        OXM(3, "OXM_OF_ETH_DST"), NXM_OF(1, "NXM_OF_ETH_DST") },
    [OF_F_ETH_TYPE] = { OF_F_ETH_TYPE, "eth_type", "dl_type", 16, 2,
        .format = OF_FMT_HEX, IN_FLOW(dl_type),
        OXM(5, "OXM_OF_ETH_TYPE"), NXM_OF(3, "NXM_OF_ETH_TYPE") },
    [OF_F_VLAN_TCI] = { OF_F_VLAN_TCI, "vlan_tci", NULL, 16, 2, MASK, RW,
        .format = OF_FMT_HEX, IN_FLOW(vlans[0].tci),
        NXM_OF(4, "NXM_OF_VLAN_TCI") },
    [OF_F_DL_VLAN] = { OF_F_DL_VLAN, "dl_vlan", NULL, 12, 2, RW,
        .format = OF_FMT_DEC, IN_FLOW(vlans[0].tci) },
    [OF_F_DL_VLAN_PCP] = { OF_F_DL_VLAN_PCP, "dl_vlan_pcp", NULL, 3, 1, RW,
        .format = OF_FMT_DEC, IN_FLOW(vlans[0].tci), .shift = 13 },
    [OF_F_VLAN_VID] = { OF_F_VLAN_VID, "vlan_vid", NULL, 13, 2, MASK, RW,
        .format = OF_FMT_DEC, IN_FLOW(vlans[0].tci),
        OXM(6, "OXM_OF_VLAN_VID") },
    [OF_F_VLAN_PCP] = { OF_F_VLAN_PCP, "vlan_pcp", NULL, 3, 1, RW,
        .prereq = OF_PRQ_VLAN_VID, .format = OF_FMT_DEC,
        IN_FLOW(vlans[0].tci), .shift = 13, OXM(7, "OXM_OF_VLAN_PCP") },

    /* MPLS: the top label stack entry. */
    [OF_F_MPLS_LABEL] = { OF_F_MPLS_LABEL, "mpls_label", NULL, 20, 4, RW,
        .prereq = OF_PRQ_MPLS, .format = OF_FMT_DEC, IN_FLOW(mpls_lse[0]),
        .shift = 12, OXM(34, "OXM_OF_MPLS_LABEL") },
    [OF_F_MPLS_TC] = { OF_F_MPLS_TC, "mpls_tc", NULL, 3, 1, RW,
        .prereq = OF_PRQ_MPLS, .format = OF_FMT_DEC, IN_FLOW(mpls_lse[0]),
        .shift = 9, OXM(35, "OXM_OF_MPLS_TC") },
    [OF_F_MPLS_BOS] = { OF_F_MPLS_BOS, "mpls_bos", NULL, 1, 1,
        .prereq = OF_PRQ_MPLS, .format = OF_FMT_DEC, IN_FLOW(mpls_lse[0]),
        .shift = 8, OXM(36, "OXM_OF_MPLS_BOS") },
    [OF_F_MPLS_TTL] = { OF_F_MPLS_TTL, "mpls_ttl", NULL, 8, 1, RW,
        .prereq = OF_PRQ_MPLS, .format = OF_FMT_DEC, IN_FLOW(mpls_lse[0]),
        NXM_NX(30, "NXM_NX_MPLS_TTL") },

    /* IPv4 and IPv6. */
    [OF_F_IPV4_SRC] = { OF_F_IPV4_SRC, "ip_src", "nw_src", 32, 4, MASK, RW,
        .prereq = OF_PRQ_IPV4, .format = OF_FMT_IPV4, IN_FLOW(nw_src),
        OXM(11, "OXM_OF_IPV4_SRC"), NXM_OF(7, "NXM_OF_IP_SRC") },
    [OF_F_IPV4_DST] = { OF_F_IPV4_DST, "ip_dst", "nw_dst", 32, 4, MASK, RW,
        .prereq = OF_PRQ_IPV4, .format = OF_FMT_IPV4, IN_FLOW(nw_dst),
        OXM(12, "OXM_OF_IPV4_DST"), NXM_OF(8, "NXM_OF_IP_DST") },
    [OF_F_IPV6_SRC] = { OF_F_IPV6_SRC, "ipv6_src", NULL, 128, 16, MASK, RW,
        .prereq = OF_PRQ_IPV6, .format = OF_FMT_IPV6, IN_FLOW(ipv6_src),
        OXM(26, "OXM_OF_IPV6_SRC"), NXM_NX(19, "NXM_NX_IPV6_SRC") },
    [OF_F_IPV6_DST] = { OF_F_IPV6_DST, "ipv6_dst", NULL, 128, 16, MASK, RW,
        .prereq = OF_PRQ_IPV6, .format = OF_FMT_IPV6, IN_FLOW(ipv6_dst),
        OXM(27, "OXM_OF_IPV6_DST"), NXM_NX(20, "NXM_NX_IPV6_DST") },
    [OF_F_IPV6_LABEL] = { OF_F_IPV6_LABEL, "ipv6_label", NULL, 20, 4, MASK,
        RW, .prereq = OF_PRQ_IPV6, .format = OF_FMT_HEX,
        IN_FLOW(ipv6_label), OXM(28, "OXM_OF_IPV6_FLABEL"),
        NXM_NX(27, "NXM_NX_IPV6_LABEL") },
    [OF_F_IP_PROTO] = { OF_F_IP_PROTO, "nw_proto", "ip_proto", 8, 1,
        .prereq = OF_PRQ_IP_ANY, .format = OF_FMT_DEC, IN_FLOW(nw_proto),
        OXM(10, "OXM_OF_IP_PROTO"), NXM_OF(6, "NXM_OF_IP_PROTO") },
    [OF_F_IP_TTL] = { OF_F_IP_TTL, "nw_ttl", NULL, 8, 1, RW,
        .prereq = OF_PRQ_IP_ANY, .format = OF_FMT_DEC, IN_FLOW(nw_ttl),
        NXM_NX(29, "NXM_NX_IP_TTL") },
    [OF_F_IP_FRAG] = { OF_F_IP_FRAG, "ip_frag", "nw_frag", 2, 1, MASK,
        .prereq = OF_PRQ_IP_ANY, .format = OF_FMT_FRAG, IN_FLOW(nw_frag),
        NXM_NX(26, "NXM_NX_IP_FRAG") },
    /* nw_tos is the whole ToS byte with the ECN bits zero (of_match_set()
     * clears them). */
    [OF_F_NW_TOS] = { OF_F_NW_TOS, "nw_tos", NULL, 8, 1, RW,
        .prereq = OF_PRQ_IP_ANY, .format = OF_FMT_DEC, IN_FLOW(nw_tos),
        NXM_OF(5, "NXM_OF_IP_TOS") },
    [OF_F_IP_DSCP] = { OF_F_IP_DSCP, "ip_dscp", NULL, 6, 1, RW,
        .prereq = OF_PRQ_IP_ANY, .format = OF_FMT_DEC, IN_FLOW(nw_tos),
        .shift = 2, OXM(8, "OXM_OF_IP_DSCP") },
    [OF_F_IP_ECN] = { OF_F_IP_ECN, "nw_ecn", "ip_ecn", 2, 1, RW,
        .prereq = OF_PRQ_IP_ANY, .format = OF_FMT_DEC, IN_FLOW(nw_tos),
        OXM(9, "OXM_OF_IP_ECN"), NXM_NX(28, "NXM_NX_IP_ECN") },

    /* ARP: the opcode shares nw_proto, the protocol addresses nw_src and
     * nw_dst (lib/flow.h). */
    [OF_F_ARP_OP] = { OF_F_ARP_OP, "arp_op", NULL, 8, 2, RW,
        .prereq = OF_PRQ_ARP, .format = OF_FMT_DEC, IN_FLOW(nw_proto),
        OXM(21, "OXM_OF_ARP_OP"), NXM_OF(15, "NXM_OF_ARP_OP") },
    [OF_F_ARP_SPA] = { OF_F_ARP_SPA, "arp_spa", NULL, 32, 4, MASK, RW,
        .prereq = OF_PRQ_ARP, .format = OF_FMT_IPV4, IN_FLOW(nw_src),
        OXM(22, "OXM_OF_ARP_SPA"), NXM_OF(16, "NXM_OF_ARP_SPA") },
    [OF_F_ARP_TPA] = { OF_F_ARP_TPA, "arp_tpa", NULL, 32, 4, MASK, RW,
        .prereq = OF_PRQ_ARP, .format = OF_FMT_IPV4, IN_FLOW(nw_dst),
        OXM(23, "OXM_OF_ARP_TPA"), NXM_OF(17, "NXM_OF_ARP_TPA") },
    [OF_F_ARP_SHA] = { OF_F_ARP_SHA, "arp_sha", NULL, 48, 6, MASK, RW,
        .prereq = OF_PRQ_ARP, .format = OF_FMT_ETH, IN_FLOW(arp_sha),
        OXM(24, "OXM_OF_ARP_SHA"), NXM_NX(17, "NXM_NX_ARP_SHA") },
    [OF_F_ARP_THA] = { OF_F_ARP_THA, "arp_tha", NULL, 48, 6, MASK, RW,
        .prereq = OF_PRQ_ARP, .format = OF_FMT_ETH, IN_FLOW(arp_tha),
        OXM(25, "OXM_OF_ARP_THA"), NXM_NX(18, "NXM_NX_ARP_THA") },

    /* Transport. */
    [OF_F_TCP_SRC] = { OF_F_TCP_SRC, "tcp_src", "tp_src", 16, 2, MASK, RW,
        .prereq = OF_PRQ_TCP, .format = OF_FMT_DEC, IN_FLOW(tp_src),
        OXM(13, "OXM_OF_TCP_SRC"), NXM_OF(9, "NXM_OF_TCP_SRC") },
    [OF_F_TCP_DST] = { OF_F_TCP_DST, "tcp_dst", "tp_dst", 16, 2, MASK, RW,
        .prereq = OF_PRQ_TCP, .format = OF_FMT_DEC, IN_FLOW(tp_dst),
        OXM(14, "OXM_OF_TCP_DST"), NXM_OF(10, "NXM_OF_TCP_DST") },
    [OF_F_TCP_FLAGS] = { OF_F_TCP_FLAGS, "tcp_flags", NULL, 12, 2, MASK,
        .prereq = OF_PRQ_TCP, .format = OF_FMT_TCP_FLAGS,
        IN_FLOW(tcp_flags), ONF(42, "ONFOXM_ET_TCP_FLAGS"),
        NXM_NX(34, "NXM_NX_TCP_FLAGS") },
    [OF_F_UDP_SRC] = { OF_F_UDP_SRC, "udp_src", NULL, 16, 2, MASK, RW,
        .prereq = OF_PRQ_UDP, .format = OF_FMT_DEC, IN_FLOW(tp_src),
        OXM(15, "OXM_OF_UDP_SRC"), NXM_OF(11, "NXM_OF_UDP_SRC") },
    [OF_F_UDP_DST] = { OF_F_UDP_DST, "udp_dst", NULL, 16, 2, MASK, RW,
        .prereq = OF_PRQ_UDP, .format = OF_FMT_DEC, IN_FLOW(tp_dst),
        OXM(16, "OXM_OF_UDP_DST"), NXM_OF(12, "NXM_OF_UDP_DST") },
    [OF_F_SCTP_SRC] = { OF_F_SCTP_SRC, "sctp_src", NULL, 16, 2, MASK, RW,
        .prereq = OF_PRQ_SCTP, .format = OF_FMT_DEC, IN_FLOW(tp_src),
        OXM(17, "OXM_OF_SCTP_SRC") },
    [OF_F_SCTP_DST] = { OF_F_SCTP_DST, "sctp_dst", NULL, 16, 2, MASK, RW,
        .prereq = OF_PRQ_SCTP, .format = OF_FMT_DEC, IN_FLOW(tp_dst),
        OXM(18, "OXM_OF_SCTP_DST") },
    [OF_F_ICMPV4_TYPE] = { OF_F_ICMPV4_TYPE, "icmp_type", NULL, 8, 1, RW,
        .prereq = OF_PRQ_ICMPV4, .format = OF_FMT_DEC, IN_FLOW(tp_src),
        OXM(19, "OXM_OF_ICMPV4_TYPE"), NXM_OF(13, "NXM_OF_ICMP_TYPE") },
    [OF_F_ICMPV4_CODE] = { OF_F_ICMPV4_CODE, "icmp_code", NULL, 8, 1, RW,
        .prereq = OF_PRQ_ICMPV4, .format = OF_FMT_DEC, IN_FLOW(tp_dst),
        OXM(20, "OXM_OF_ICMPV4_CODE"), NXM_OF(14, "NXM_OF_ICMP_CODE") },
    [OF_F_ICMPV6_TYPE] = { OF_F_ICMPV6_TYPE, "icmpv6_type", NULL, 8, 1, RW,
        .prereq = OF_PRQ_ICMPV6, .format = OF_FMT_DEC, IN_FLOW(tp_src),
        OXM(29, "OXM_OF_ICMPV6_TYPE"), NXM_NX(21, "NXM_NX_ICMPV6_TYPE") },
    [OF_F_ICMPV6_CODE] = { OF_F_ICMPV6_CODE, "icmpv6_code", NULL, 8, 1, RW,
        .prereq = OF_PRQ_ICMPV6, .format = OF_FMT_DEC, IN_FLOW(tp_dst),
        OXM(30, "OXM_OF_ICMPV6_CODE"), NXM_NX(22, "NXM_NX_ICMPV6_CODE") },
    [OF_F_ND_TARGET] = { OF_F_ND_TARGET, "nd_target", NULL, 128, 16, MASK,
        RW, .prereq = OF_PRQ_ND, .format = OF_FMT_IPV6, IN_FLOW(nd_target),
        OXM(31, "OXM_OF_IPV6_ND_TARGET"), NXM_NX(23, "NXM_NX_ND_TARGET") },
    [OF_F_ND_SLL] = { OF_F_ND_SLL, "nd_sll", NULL, 48, 6, MASK, RW,
        .prereq = OF_PRQ_ND_SOLICIT, .format = OF_FMT_ETH, IN_FLOW(arp_sha),
        OXM(32, "OXM_OF_IPV6_ND_SLL"), NXM_NX(24, "NXM_NX_ND_SLL") },
    [OF_F_ND_TLL] = { OF_F_ND_TLL, "nd_tll", NULL, 48, 6, MASK, RW,
        .prereq = OF_PRQ_ND_ADVERT, .format = OF_FMT_ETH, IN_FLOW(arp_tha),
        OXM(33, "OXM_OF_IPV6_ND_TLL"), NXM_NX(25, "NXM_NX_ND_TLL") },
};
/* clang-format on */

static bool
name_is(const char *name, const char *s, size_t len)
{
    return name && strlen(name) == len && !memcmp(name, s, len);
}

/* Names and aliases sorted for binary search: the flow parser looks up
 * every keyword it reads, so a linear scan of the table shows up in the
 * time to parse a large flow file.  Built on first use; the table never
 * changes afterwards. */
struct name_entry {
    const char *name;
    size_t len;
    const struct of_field *field;
};
static struct name_entry names[2 * OF_N_FIELDS];
static size_t n_names;

static int
compare_names(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? c : (alen > blen) - (alen < blen);
}

static int
compare_entries(const void *a_, const void *b_)
{
    const struct name_entry *a = a_, *b = b_;
    return compare_names(a->name, a->len, b->name, b->len);
}

static void
build_names(void)
{
    for (size_t i = 0; i < OF_N_FIELDS; i++) {
        const char *aliases[2] = { of_field_table_[i].name,
                                   of_field_table_[i].alias };
        for (size_t j = 0; j < 2; j++) {
            if (aliases[j]) {
                names[n_names++] =
                    (struct name_entry){ aliases[j], strlen(aliases[j]),
                                         &of_field_table_[i] };
            }
        }
    }
    /* A stable order for equal names keeps the first table row first. */
    for (size_t i = 1; i < n_names; i++) {
        struct name_entry e = names[i];
        size_t j = i;
        while (j > 0 && compare_entries(&names[j - 1], &e) > 0) {
            names[j] = names[j - 1];
            j--;
        }
        names[j] = e;
    }
}

const struct of_field *
of_field_from_name_len(const char *s, size_t len)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    size_t lo = 0, hi;

    pthread_once(&once, build_names);
    hi = n_names;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = compare_names(names[mid].name, names[mid].len, s, len);
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < n_names
                   && !compare_names(names[lo].name, names[lo].len, s, len)
               ? names[lo].field
               : NULL;
}

const struct of_field *
of_field_from_name(const char *name)
{
    return of_field_from_name_len(name, strlen(name));
}

const struct of_field *
of_field_from_any_name(const char *s, size_t len)
{
    const struct of_field *f = of_field_from_name_len(s, len);
    if (f) {
        return f;
    }
    for (size_t i = 0; i < OF_N_FIELDS; i++) {
        f = &of_field_table_[i];
        if (name_is(f->nxm.name, s, len) || name_is(f->oxm.name, s, len)) {
            return f;
        }
    }
    /* OpenFlow 1.5 spells the ONF extensions as standard fields. */
    if (len == strlen("OXM_OF_TCP_FLAGS")
        && !memcmp(s, "OXM_OF_TCP_FLAGS", len)) {
        return &of_field_table_[OF_F_TCP_FLAGS];
    }
    if (len == strlen("OXM_OF_ACTSET_OUTPUT")
        && !memcmp(s, "OXM_OF_ACTSET_OUTPUT", len)) {
        return &of_field_table_[OF_F_ACTSET_OUTPUT];
    }
    return NULL;
}

const char *
of_field_code_name(const struct of_field *f)
{
    return f->nxm.name ? f->nxm.name : f->oxm.name ? f->oxm.name : f->name;
}
