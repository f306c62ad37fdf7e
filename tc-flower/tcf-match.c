/* tcf-match.c: the match half of the translation (struct flow + mask to
 * flower keys), and tcf_translate(), which runs both halves.
 *
 * Method: a copy of the mask records what is still to be translated; each
 * step that takes a field zeroes its bytes there.  Whatever is left
 * nonzero at the end is a field flower cannot match (or not in this
 * context), and the first such field, in struct flow's order, names the
 * refusal.  The fields flower lacks altogether (packet mark, dp_hash,
 * MPLS, the IPv6 flow label, ND) are simply never taken.
 *
 * Tunnel metadata is matched (flower's enc_* keys) only on a filter of a
 * tunnel port, whose collect-metadata device fills it in when it
 * decapsulates; see translate_tunnel(), and translate_geneve_opts() for
 * Geneve options. */
#include "tc-flower/tcf-translate.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/tc_act/tc_tunnel_key.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/flow.h"
#include "lib/util.h"

COVERAGE_DEFINE(tcf_translate_ok);
COVERAGE_DEFINE(tcf_translate_refused);

/* Marks the SIZE bytes at P (inside the 'left' copy) as translated. */
#define TAKE(LEFT, MEMBER) memset(&(LEFT)->MEMBER, 0, sizeof(LEFT)->MEMBER)

static bool
is_vlan_tpid(uint16_t tpid)
{
    return tpid == htons(ETH_P_8021Q) || tpid == htons(ETH_P_8021AD);
}

static int
refuse(struct offload_reason *why, const char *name, const char *detail)
{
    COVERAGE_INC(tcf_translate_refused);
    tcf_reason(why, OFFLOAD_R_UNSUPPORTED_MATCH, "no match on %s%s", name,
               detail);
    return EOPNOTSUPP;
}

static int
refuse_tunnel(struct offload_reason *why, const char *detail)
{
    return refuse(why, "tunnel", detail);
}

static int refuse_opts(struct offload_reason *why, const char *fmt, ...)
    NF_PRINTF(2, 3);

/* "tc: no match on geneve options (DETAIL)". */
static int
refuse_opts(struct offload_reason *why, const char *fmt, ...)
{
    char detail[160];
    va_list args;

    va_start(args, fmt);
    vsnprintf(detail, sizeof detail, fmt, args);
    va_end(args);
    COVERAGE_INC(tcf_translate_refused);
    tcf_reason(why, OFFLOAD_R_UNSUPPORTED_MATCH,
               "no match on geneve options (%s)", detail);
    return EOPNOTSUPP;
}

/* Geneve options (the datapath form of lib/packet.h: LEN bytes of option
 * TLVs, a mask with LEN 0xff and per-byte masks) to flower's ENC_OPTS, as
 * Open vSwitch's netdev-offload-tc does: one option after the other, each
 * with its class, type and data under masks of their own (flower masks
 * them bytewise), in packet order.
 *
 * What flower cannot say is refused: options whose absence is matched (a
 * mask on the length over a key without options: flower only ever
 * matches options that are there), a length that is not matched exactly
 * (the total, or one option's: flower takes the lengths from the key's
 * options and has no mask for them), reserved flag bits that must be set
 * (flower keeps them clear in the key and out of the mask), an option
 * without data (the kernel refuses one), and options that are not whole
 * TLVs.
 *
 * What flower says a little less precisely than the datapath: it compares
 * the options' total length, and each option's length, under a mask of
 * itself (the key's own bits), and ignores the reserved flag bits.  So a
 * packet that has further options after those matched can match too when
 * its total length has every bit of the filter's set (8 bytes of options
 * matched: 12 or 24 bytes of options match, 16 do not), as with Open
 * vSwitch; the reserved bits are zero on every sender (RFC 8926 3.5). */
static int
translate_geneve_opts(const struct pkt_tun_opts *ko,
                      const struct pkt_tun_opts *mo, struct tcf_filter *f,
                      struct offload_reason *why)
{
    struct pkt_tun_opts *k = &f->key.enc_opts, *m = &f->mask.enc_opts;
    size_t len = ko->len;
    char detail[128];

    if (ko->present || mo->present) {
        /* tun_metadata fields (vswitchd's classifier): never a datapath
         * flow's. */
        return refuse_opts(why, "not in the datapath form");
    }
    if (mo->len != 0xff) {
        return refuse_opts(why, "length not matched exactly");
    }
    if (!len) {
        return refuse_opts(why, "absent: flower cannot match a packet "
                                "without options");
    }
    if (!tcf_geneve_opts_check(ko->data, len, detail, sizeof detail)) {
        return refuse_opts(why, "%s", detail);
    }
    if (!nf_bytes_all(mo->data + len, sizeof mo->data - len, 0)) {
        return refuse_opts(why, "mask beyond the options");
    }
    memset(k, 0, sizeof *k);
    memset(m, 0, sizeof *m);
    for (size_t ofs = 0; ofs < len;) {
        const uint8_t *o = ko->data + ofs, *om = mo->data + ofs;
        size_t olen = 4 + (o[3] & 0x1fu) * 4;
        unsigned cls = (unsigned) o[0] << 8 | o[1];

        /* The length exactly; the reserved bits beside it either way. */
        if ((om[3] & 0x1f) != 0x1f) {
            return refuse_opts(why,
                               "option class 0x%x type 0x%x: length not "
                               "matched exactly",
                               cls, o[2]);
        }
        if (o[3] & om[3] & 0xe0) {
            return refuse_opts(why,
                               "option class 0x%x type 0x%x: reserved flags "
                               "set",
                               cls, o[2]);
        }
        for (size_t i = 0; i < olen; i++) {
            k->data[ofs + i] = o[i] & om[i];
            m->data[ofs + i] = om[i];
        }
        /* Flower's form of the length: the key's, in key and mask. */
        k->data[ofs + 3] = m->data[ofs + 3] = o[3] & 0x1f;
        ofs += olen;
    }
    k->len = len;
    m->len = 0xff;
    return 0;
}

/* The tunnel a packet arrived through, on a tunnel port: as Open vSwitch
 * does (netdev-offload-tc.c) on kernels without TCA_FLOWER_KEY_ENC_FLAGS
 * (6.1 has none), the df and csum flags are not matched (flower cannot),
 * and the key flag is implied by tun_id; oam cannot be matched and is
 * refused.  tun_id becomes ENC_KEY_ID, which has no mask: exact or not at
 * all, and 32 bits at most (a VNI has 24, a GRE key 32).  A flow for a
 * packet without a key (key flag exact and clear) matches ENC_KEY_ID 0,
 * the tun_id the kernel gives such a packet.  The outer UDP source port
 * is refused: it is a hash of the inner flow, which no flow should
 * match. */
static int
translate_tunnel(const struct flow *key, const struct flow *mask,
                 struct flow *left, const struct offload_port *in,
                 struct tcf_filter *f, struct offload_reason *why)
{
    const struct pkt_tunnel *kt = &key->tunnel, *mt = &mask->tunnel;
    struct tcf_key *k = &f->key, *m = &f->mask;

    if (nf_bytes_all(mt, sizeof *mt, 0)) {
        return 0;
    }
    if (!tcf_port_is_tunnel(in->type)) {
        struct pkt_tunnel masked;
        const uint8_t *kb = (const uint8_t *) kt, *mb = (const uint8_t *) mt;
        uint8_t *out = (uint8_t *) &masked;
        for (size_t i = 0; i < sizeof masked; i++) {
            out[i] = kb[i] & mb[i];
        }
        if (nf_bytes_all(&masked, sizeof masked, 0)) {
            /* "Not through a tunnel": true of every packet of a port that
             * is no tunnel. */
            TAKE(left, tunnel);
            return 0;
        }
        char detail[64];
        snprintf(detail, sizeof detail, " (%s is not a tunnel port)",
                 in->name);
        return refuse_tunnel(why, detail);
    }
    bool v4 = mt->ip_src || mt->ip_dst;
    bool v6 = !nf_bytes_all(&mt->ipv6_src, sizeof mt->ipv6_src, 0)
              || !nf_bytes_all(&mt->ipv6_dst, sizeof mt->ipv6_dst, 0);
    if (v4 && v6) {
        return refuse_tunnel(why, " (IPv4 and IPv6 outer addresses)");
    }
    if (mt->flags & PKT_TUN_F_OAM) {
        return refuse(why, "tunnel flags", " (oam)");
    }
    if (mt->tp_src) {
        return refuse(why, "tunnel tp_src", "");
    }
    if (!nf_bytes_all(&mt->opts, sizeof mt->opts, 0)) {
        int error = translate_geneve_opts(&kt->opts, &mt->opts, f, why);
        if (error) {
            return error;
        }
    }
    if (mt->tun_id) {
        uint64_t id = kt->tun_id & mt->tun_id;
        if ((be64toh(mt->tun_id) & UINT32_MAX) != UINT32_MAX) {
            return refuse(why, "tunnel tun_id", " (must be exact)");
        }
        if (be64toh(id) > UINT32_MAX) {
            return refuse(why, "tunnel tun_id", " (more than 32 bits)");
        }
        k->enc_key_id = htonl(be64toh(id));
        m->enc_key_id = UINT32_MAX;
    } else if ((mt->flags & PKT_TUN_F_KEY) && !(kt->flags & PKT_TUN_F_KEY)) {
        /* No key: tun_id 0 in the kernel's metadata. */
        k->enc_key_id = 0;
        m->enc_key_id = UINT32_MAX;
    }
    k->enc_ipv4_src = kt->ip_src & mt->ip_src;
    m->enc_ipv4_src = mt->ip_src;
    k->enc_ipv4_dst = kt->ip_dst & mt->ip_dst;
    m->enc_ipv4_dst = mt->ip_dst;
    for (int i = 0; i < 16; i++) {
        k->enc_ipv6_src.s6_addr[i] =
            kt->ipv6_src.s6_addr[i] & mt->ipv6_src.s6_addr[i];
        k->enc_ipv6_dst.s6_addr[i] =
            kt->ipv6_dst.s6_addr[i] & mt->ipv6_dst.s6_addr[i];
    }
    m->enc_ipv6_src = mt->ipv6_src;
    m->enc_ipv6_dst = mt->ipv6_dst;
    k->enc_tp_dst = kt->tp_dst & mt->tp_dst;
    m->enc_tp_dst = mt->tp_dst;
    k->enc_tos = kt->tos & mt->tos;
    m->enc_tos = mt->tos;
    k->enc_ttl = kt->ttl & mt->ttl;
    m->enc_ttl = mt->ttl;
    TAKE(left, tunnel);
    return 0;
}

/* Up to two tags; see tcf-msg-build.c for how flower wants them. */
static int
translate_vlans(const struct flow *key, const struct flow *mask,
                struct flow *left, struct tcf_filter *f,
                struct offload_reason *why)
{
    static const char *const names[FLOW_MAX_VLAN_HEADERS] = { "vlan_tci",
                                                              "vlan_tci1" };
    bool type_exact = mask->dl_type == 0xffff && !is_vlan_tpid(key->dl_type);
    int n_tags = 0;

    for (int i = 0; i < FLOW_MAX_VLAN_HEADERS; i++) {
        const struct flow_vlan *kv = &key->vlans[i];
        const struct flow_vlan *mv = &mask->vlans[i];
        uint16_t ktci = ntohs(kv->tci), mtci = ntohs(mv->tci);

        if (!mv->tpid && !mtci) {
            continue;
        }
        if (i != n_tags) {
            /* A tag matched behind one that is not. */
            return refuse(why, names[i], " without the outer tag");
        }
        if (ktci & FLOW_VLAN_PRESENT) {
            uint16_t vid_mask = mtci & VLAN_VID_MASK;
            uint16_t pcp_mask = mtci & VLAN_PCP_MASK;
            if (mv->tpid != 0xffff || !is_vlan_tpid(kv->tpid)) {
                return refuse(why, names[i], " (TPID must be exact)");
            }
            if ((vid_mask && vid_mask != VLAN_VID_MASK)
                || (pcp_mask && pcp_mask != VLAN_PCP_MASK)) {
                return refuse(why, names[i], " (VID and PCP must be exact)");
            }
            f->key.vlan_tpid[i] = kv->tpid;
            f->mask.vlan_tpid[i] = 0xffff;
            if (vid_mask) {
                f->key.vlan_id[i] = ktci & VLAN_VID_MASK;
                f->mask.vlan_id[i] = VLAN_VID_MASK;
            }
            if (pcp_mask) {
                f->key.vlan_prio[i] = ktci >> VLAN_PCP_SHIFT;
                f->mask.vlan_prio[i] = 0x7;
            }
            n_tags++;
        } else {
            /* No tag at this level.  An exact ethertype after the tags
             * before it says so already (the filter's protocol or its
             * VLAN_ETH_TYPE); otherwise count the tags. */
            if (!type_exact) {
                f->key.num_vlans = i;
                f->mask.num_vlans = 0xff;
            }
            TAKE(left, vlans[i]);
            if (i == 0 && (mask->vlans[1].tpid || mask->vlans[1].tci)) {
                if (ntohs(key->vlans[1].tci) & FLOW_VLAN_PRESENT) {
                    return refuse(why, names[1], " without the outer tag");
                }
                TAKE(left, vlans[1]);
            }
            break;
        }
        TAKE(left, vlans[i]);
    }
    return 0;
}

/* Fragments: flow nw_frag bits (ANY, LATER) to flower's IS_FRAGMENT and
 * FRAG_IS_FIRST key flags.  A later fragment is a fragment that is not
 * the first. */
static int
translate_frag(uint8_t key, uint8_t mask, struct tcf_filter *f,
               struct offload_reason *why)
{
    uint32_t k = 0, m = 0;

    mask &= FLOW_NW_FRAG_MASK;
    if (!mask) {
        return 0;
    }
    if (mask & FLOW_NW_FRAG_ANY) {
        m |= TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT;
        if (key & FLOW_NW_FRAG_ANY) {
            k |= TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT;
        }
    }
    if (mask & FLOW_NW_FRAG_LATER) {
        if (key & FLOW_NW_FRAG_LATER) {
            /* A later fragment: a fragment, not the first. */
            k |= TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT;
            m |= TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT
                 | TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST;
        } else if (k & TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT) {
            /* A fragment, and the first. */
            k |= TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST;
            m |= TCA_FLOWER_KEY_FLAGS_FRAG_IS_FIRST;
        } else if (!(m & TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT)) {
            /* "Not a later fragment" (none or the first): two cases,
             * which one flower key cannot say. */
            return refuse(why, "nw_frag", " (not later: no or first)");
        }
    }
    f->key.flags = htonl(k);
    f->mask.flags = htonl(m);
    return 0;
}

/* An exact-or-nothing byte (ip_proto, ARP opcode). */
static int
take_exact_u8(uint8_t key, uint8_t mask, uint8_t *fk, uint8_t *fm,
              const char *name, struct offload_reason *why)
{
    if (mask && mask != 0xff) {
        return refuse(why, name, " (partial mask)");
    }
    *fk = key & mask;
    *fm = mask;
    return 0;
}

static void
translate_l4(const struct flow *key, const struct flow *mask,
             struct flow *left, struct tcf_filter *f, bool ip6)
{
    uint8_t proto = key->nw_proto;

    if (mask->nw_proto != 0xff) {
        return;
    }
    switch (proto) {
    case IPPROTO_TCP:
        f->key.tcp_flags = key->tcp_flags & mask->tcp_flags;
        f->mask.tcp_flags = mask->tcp_flags;
        TAKE(left, tcp_flags);
        /* The ports, as for UDP and SCTP. */
        /* Fall through. */
    case IPPROTO_UDP:
    case IPPROTO_SCTP:
        f->key.tp_src = key->tp_src & mask->tp_src;
        f->mask.tp_src = mask->tp_src;
        f->key.tp_dst = key->tp_dst & mask->tp_dst;
        f->mask.tp_dst = mask->tp_dst;
        TAKE(left, tp_src);
        TAKE(left, tp_dst);
        break;
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
        if ((proto == IPPROTO_ICMPV6) != ip6) {
            break;
        }
        /* Type and code are the low bytes of tp_src and tp_dst. */
        f->mask.icmp_type = ntohs(mask->tp_src) & 0xff;
        f->key.icmp_type = ntohs(key->tp_src) & f->mask.icmp_type;
        f->mask.icmp_code = ntohs(mask->tp_dst) & 0xff;
        f->key.icmp_code = ntohs(key->tp_dst) & f->mask.icmp_code;
        if (!(ntohs(mask->tp_src) & 0xff00)) {
            TAKE(left, tp_src);
        }
        if (!(ntohs(mask->tp_dst) & 0xff00)) {
            TAKE(left, tp_dst);
        }
        break;
    default:
        break;
    }
}

static int
translate_l3(const struct flow *key, const struct flow *mask,
             struct flow *left, struct tcf_filter *f,
             struct offload_reason *why)
{
    uint16_t type = mask->dl_type == 0xffff ? ntohs(key->dl_type) : 0;
    int error;

    if (type == ETH_P_IP || type == ETH_P_IPV6) {
        error = take_exact_u8(key->nw_proto, mask->nw_proto, &f->key.ip_proto,
                              &f->mask.ip_proto, "nw_proto", why);
        if (error) {
            return error;
        }
        f->key.ip_tos = key->nw_tos & mask->nw_tos;
        f->mask.ip_tos = mask->nw_tos;
        f->key.ip_ttl = key->nw_ttl & mask->nw_ttl;
        f->mask.ip_ttl = mask->nw_ttl;
        error = translate_frag(key->nw_frag, mask->nw_frag, f, why);
        if (error) {
            return error;
        }
        TAKE(left, nw_proto);
        TAKE(left, nw_tos);
        TAKE(left, nw_ttl);
        TAKE(left, nw_frag);
        if (type == ETH_P_IP) {
            f->key.ipv4_src = key->nw_src & mask->nw_src;
            f->mask.ipv4_src = mask->nw_src;
            f->key.ipv4_dst = key->nw_dst & mask->nw_dst;
            f->mask.ipv4_dst = mask->nw_dst;
            TAKE(left, nw_src);
            TAKE(left, nw_dst);
        } else {
            for (int i = 0; i < 16; i++) {
                f->key.ipv6_src.s6_addr[i] =
                    key->ipv6_src.s6_addr[i] & mask->ipv6_src.s6_addr[i];
                f->key.ipv6_dst.s6_addr[i] =
                    key->ipv6_dst.s6_addr[i] & mask->ipv6_dst.s6_addr[i];
            }
            f->mask.ipv6_src = mask->ipv6_src;
            f->mask.ipv6_dst = mask->ipv6_dst;
            TAKE(left, ipv6_src);
            TAKE(left, ipv6_dst);
        }
        translate_l4(key, mask, left, f, type == ETH_P_IPV6);
    } else if (type == ETH_P_ARP || type == ETH_P_RARP) {
        /* nw_proto is the opcode's low byte, nw_src/nw_dst the protocol
         * addresses. */
        error = take_exact_u8(key->nw_proto, mask->nw_proto, &f->key.arp_op,
                              &f->mask.arp_op, "nw_proto", why);
        if (error) {
            return error;
        }
        f->key.arp_sip = key->nw_src & mask->nw_src;
        f->mask.arp_sip = mask->nw_src;
        f->key.arp_tip = key->nw_dst & mask->nw_dst;
        f->mask.arp_tip = mask->nw_dst;
        for (int i = 0; i < 6; i++) {
            f->key.arp_sha[i] = key->arp_sha.ea[i] & mask->arp_sha.ea[i];
            f->key.arp_tha[i] = key->arp_tha.ea[i] & mask->arp_tha.ea[i];
        }
        memcpy(f->mask.arp_sha, mask->arp_sha.ea, 6);
        memcpy(f->mask.arp_tha, mask->arp_tha.ea, 6);
        TAKE(left, nw_proto);
        TAKE(left, nw_src);
        TAKE(left, nw_dst);
        TAKE(left, arp_sha);
        TAKE(left, arp_tha);
    }
    return 0;
}

int
tcf_translate_match(const struct flow *key, const struct flow *mask,
                    const struct offload_port *in, struct tcf_filter *f,
                    struct offload_reason *why)
{
    struct flow left = *mask;
    int error;

    /* The filter sits on the input port's ingress: the port is implied,
     * and must therefore be exact. */
    if (mask->in_port != UINT32_MAX) {
        return refuse(why, "in_port", " (must be exact)");
    }
    if (key->in_port != in->odp_port) {
        return refuse(why, "in_port", " (not the flow's input port)");
    }
    TAKE(&left, in_port);
    error = translate_tunnel(key, mask, &left, in, f, why);
    if (error) {
        return error;
    }
    /* Only the first pass through the datapath (recirc_id 0). */
    if (mask->recirc_id == UINT32_MAX && !key->recirc_id) {
        TAKE(&left, recirc_id);
    }

    for (int i = 0; i < 6; i++) {
        f->key.eth_dst[i] = key->dl_dst.ea[i] & mask->dl_dst.ea[i];
        f->key.eth_src[i] = key->dl_src.ea[i] & mask->dl_src.ea[i];
    }
    memcpy(f->mask.eth_dst, mask->dl_dst.ea, 6);
    memcpy(f->mask.eth_src, mask->dl_src.ea, 6);
    TAKE(&left, dl_dst);
    TAKE(&left, dl_src);

    if (mask->dl_type == 0xffff) {
        if (ntohs(key->dl_type) < ETH_P_802_3_MIN) {
            return refuse(why, "eth_type", " (802.3 frame)");
        }
        f->key.eth_type = key->dl_type;
        f->mask.eth_type = 0xffff;
        TAKE(&left, dl_type);
    } else if (mask->dl_type) {
        return refuse(why, "eth_type", " (partial mask)");
    }
    error = translate_vlans(key, mask, &left, f, why);
    if (!error) {
        error = translate_l3(key, mask, &left, f, why);
    }
    if (error) {
        return error;
    }

    /* What is left cannot be matched. */
    bool ip6 = mask->dl_type == 0xffff && key->dl_type == htons(ETH_P_IPV6);
    const char *name = flow_first_nonzero_field(&left);
    if (name) {
        if (ip6 && !strcmp(name, "arp_sha")) {
            name = "nd_sll";
        } else if (ip6 && !strcmp(name, "arp_tha")) {
            name = "nd_tll";
        }
        return refuse(why, name, "");
    }

    f->protocol = f->mask.vlan_tpid[0] ? f->key.vlan_tpid[0]
                  : f->mask.eth_type   ? f->key.eth_type
                                       : htons(ETH_P_ALL);
    return 0;
}

/* A filter on a tunnel port first drops the metadata of the tunnel the
 * packet came through (tunnel_key unset, as Open vSwitch does), so that
 * nothing after it (an output to another tunnel port, say, which must
 * have its own set(tunnel)) can use it. */
static int
release_tunnel(struct tcf_filter *f, struct offload_reason *why)
{
    struct tcf_action *a = &f->actions[0];

    if (f->n_actions >= TCF_MAX_ACTIONS) {
        tcf_reason(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                   "too many actions (tc allows %d)", TCF_MAX_ACTIONS);
        return EOPNOTSUPP;
    }
    memmove(a + 1, a, f->n_actions * sizeof *a);
    f->n_actions++;
    memset(a, 0, sizeof *a);
    a->type = TCF_A_TUNNEL_KEY;
    strcpy(a->kind, "tunnel_key");
    a->verdict = TC_ACT_PIPE;
    a->tunnel_key.t_action = TCA_TUNNEL_KEY_ACT_RELEASE;
    return 0;
}

/* A police action is shared by every filter of its meter: it cannot
 * carry one flow's cookie (a bind would set the shared action's cookie),
 * and its counters are every flow's.  So a filter that would start with
 * one starts with a gact pipe instead, which carries the cookie and counts
 * every packet the filter matches, those the policer drops included (as
 * the datapath counts a flow's packets before its meter). */
static int
count_first(struct tcf_filter *f, struct offload_reason *why)
{
    struct tcf_action *a = &f->actions[0];

    if (f->n_actions >= TCF_MAX_ACTIONS) {
        tcf_reason(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                   "too many actions (tc allows %d)", TCF_MAX_ACTIONS);
        return EOPNOTSUPP;
    }
    memmove(a + 1, a, f->n_actions * sizeof *a);
    f->n_actions++;
    memset(a, 0, sizeof *a);
    a->type = TCF_A_GACT;
    strcpy(a->kind, "gact");
    a->verdict = TC_ACT_PIPE;
    return 0;
}

int
tcf_translate(const struct offload_flow *flow, uint32_t skip_flags,
              tcf_port_lookup_fn *lookup, struct tcf_filter *f,
              struct offload_reason *why)
{
    const struct offload_port *in = flow->in_port;
    int error;

    if (!in || !in->ifindex) {
        tcf_reason(why, OFFLOAD_R_UNSUPPORTED_PORT,
                   "%s is not a kernel network device", in ? in->name : "?");
        return EOPNOTSUPP;
    }
    if (!flow->flow || !flow->flow_mask) {
        tcf_reason(why, OFFLOAD_R_INTERNAL, "flow key not decoded");
        return EINVAL;
    }
    tcf_filter_init(f, in->ifindex);
    if (tcf_port_parent(in->type)) {
        /* Egress for a tap device nicflowd reads from. */
        f->parent = tcf_port_parent(in->type);
    }
    f->flags = skip_flags & (TCA_CLS_FLAGS_SKIP_SW | TCA_CLS_FLAGS_SKIP_HW);
    error = tcf_translate_match(flow->flow, flow->flow_mask, in, f, why);
    if (!error) {
        error = tcf_translate_actions(flow->actions, flow->actions_len, lookup,
                                      f, why);
    }
    if (!error && tcf_port_is_tunnel(in->type)) {
        error = release_tunnel(f, why);
    }
    if (!error && f->actions[0].type == TCF_A_POLICE) {
        error = count_first(f, why);
    }
    if (error) {
        return error;
    }
    /* Our mark: the ufid, as the first action's cookie. */
    memcpy(f->actions[0].cookie, &flow->ufid, TCF_COOKIE_LEN);
    f->actions[0].cookie_len = TCF_COOKIE_LEN;
    COVERAGE_INC(tcf_translate_ok);
    return 0;
}
