/* tcf-actions.c: the action half of the translation, OVS_ACTION_ATTR_*
 * netlink to tc actions.
 *
 * Open vSwitch semantics, in tc terms:
 *   - Several outputs: every output but the last is a mirror (the packet
 *     goes on to the next action), the last a redirect (it is taken).  An
 *     output to the bridge's own port (type "internal") or a "tap" port
 *     goes up the host stack: skbedit ptype host, then an ingress
 *     mirror/redirect.
 *   - Header rewrites between outputs: one pedit per run of set()s, then
 *     one csum for the checksums they touched.  Rewrites after the last
 *     output change nothing anybody sees and are dropped.
 *   - No output at all (the empty list, or only rewrites): gact drop.
 *   - pop_vlan directly followed by push_vlan on a flow that matches a tag
 *     is one vlan modify (on an untagged frame modify would do nothing, so
 *     then the pair stays as it is).
 *   - set(tunnel(...)) is metadata for the tunnel port an output sends to
 *     (encapsulation by its collect-metadata device): tunnel_key set just
 *     before the first output to a tunnel port after it, then the mirred
 *     to the tunnel device.  The metadata stays on the packet, so later
 *     outputs to tunnel ports use it too, until the next set(tunnel).  A
 *     set(tunnel) no output to a tunnel port uses, and an output to a
 *     tunnel port with no set(tunnel) before it, are refused.  The df
 *     flag is ignored, as Open vSwitch does on kernels whose
 *     act_tunnel_key has no TCA_TUNNEL_KEY_NO_FRAG (6.1 has none): the
 *     packets leave without DF.  Geneve options go with it
 *     (TCA_TUNNEL_KEY_ENC_OPTS), unless act_tunnel_key would send them
 *     otherwise than the datapath (set_geneve_opts()).  A filter on a
 *     tunnel port starts with tunnel_key unset (added by tcf_translate(),
 *     tcf-match.c).
 *   - meter(N): a police action bound by index to meter N's shared one
 *     (tcf-police.h), in the meter's place; a meter without one (never
 *     set, refused, deleted) refuses the flow: "tc: meter 3 has no police
 *     action: <why>".
 * Each refusal names the action ("tc: action userspace cannot be
 * offloaded"); these messages are part of the user-visible contract. */
#include "tc-flower/tcf-translate.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>
#include <linux/pkt_cls.h>
#include <linux/tc_act/tc_csum.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_pedit.h>
#include <linux/tc_act/tc_tunnel_key.h>
#include <linux/tc_act/tc_vlan.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"
#include "tc-flower/tcf-police.h"

/* The drop action (a u32 reason) of newer kernels, which the
 * <linux/openvswitch.h> we build against may lack (softpath/odp.h calls it
 * ODP_ACTION_ATTR_DROP). */
#define TCF_ODP_ACTION_DROP 24

struct xlate {
    struct tcf_filter *f;
    tcf_port_lookup_fn *lookup;
    struct offload_reason *why;
    size_t ofs; /* Of the action being translated, for messages. */

    /* A run of header rewrites not emitted yet. */
    struct tcf_action pedit;
    uint32_t csum_flags;

    /* The last output: its mirred's index, or -1. */
    int last_output;

    /* Tunnel metadata: none set, set by a set(tunnel) no output has used
     * yet (the tunnel_key action waits in 'tunnel'), or on the packet. */
    enum { TNL_NONE, TNL_PENDING, TNL_SET } tnl;
    struct tcf_action tunnel;
};

static int
refuse(struct xlate *x, enum offload_reason_code code, const char *what)
{
    tcf_reason(x->why, code, "action %s cannot be offloaded", what);
    return EOPNOTSUPP;
}

static int
malformed(struct xlate *x, const char *what)
{
    tcf_reason(x->why, OFFLOAD_R_INTERNAL,
               "malformed action list at offset %zu: %s", x->ofs, what);
    return EINVAL;
}

static int
append(struct xlate *x, const struct tcf_action *a)
{
    struct tcf_filter *f = x->f;

    if (f->n_actions >= TCF_MAX_ACTIONS) {
        tcf_reason(x->why, OFFLOAD_R_UNSUPPORTED_ACTION,
                   "too many actions (tc allows %d)", TCF_MAX_ACTIONS);
        return EOPNOTSUPP;
    }
    f->actions[f->n_actions++] = *a;
    return 0;
}

static void
init_action(struct tcf_action *a, enum tcf_action_type type, const char *kind,
            int verdict)
{
    memset(a, 0, sizeof *a);
    a->type = type;
    a->verdict = verdict;
    strcpy(a->kind, kind);
}

/* Emits the pending pedit and its csum, if any. */
static int
flush_rewrites(struct xlate *x)
{
    int error = 0;

    if (x->pedit.pedit.n_keys) {
        error = append(x, &x->pedit);
        if (!error && x->csum_flags) {
            struct tcf_action csum;
            init_action(&csum, TCF_A_CSUM, "csum", TC_ACT_PIPE);
            csum.csum.flags = x->csum_flags;
            error = append(x, &csum);
        }
    }
    init_action(&x->pedit, TCF_A_PEDIT, "pedit", TC_ACT_PIPE);
    x->csum_flags = 0;
    return error;
}

/* Header rewrites. */

/* Sets the bytes selected by MASK (LEN bytes) at byte OFS of header HTYPE
 * to VAL, merging into the 32-bit pedit keys pending. */
static int
rewrite(struct xlate *x, uint16_t htype, size_t ofs, const uint8_t *val,
        const uint8_t *mask, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!mask[i]) {
            continue;
        }
        uint32_t word_ofs = (ofs + i) & ~(size_t) 3;
        size_t pos = (ofs + i) & 3;
        struct tcf_pedit_key *k = NULL;
        for (size_t j = 0; j < x->pedit.pedit.n_keys; j++) {
            struct tcf_pedit_key *kj = &x->pedit.pedit.keys[j];
            if (kj->htype == htype && kj->off == word_ofs) {
                k = kj;
            }
        }
        if (!k) {
            if (x->pedit.pedit.n_keys >= TCF_PEDIT_MAX_KEYS) {
                tcf_reason(x->why, OFFLOAD_R_UNSUPPORTED_ACTION,
                           "too many header rewrites (more than %d words)",
                           TCF_PEDIT_MAX_KEYS);
                return EOPNOTSUPP;
            }
            k = &x->pedit.pedit.keys[x->pedit.pedit.n_keys++];
            k->htype = htype;
            k->cmd = TCA_PEDIT_KEY_EX_CMD_SET;
            k->off = word_ofs;
            k->mask = UINT32_MAX;
            k->val = 0;
        }
        /* The key's words are in packet byte order (see tcf-filter.h):
         * work on their bytes. */
        uint8_t keep[4], set[4];
        memcpy(keep, &k->mask, 4);
        memcpy(set, &k->val, 4);
        keep[pos] &= ~mask[i];
        set[pos] = (set[pos] & ~mask[i]) | (val[i] & mask[i]);
        memcpy(&k->mask, keep, 4);
        memcpy(&k->val, set, 4);
    }
    return 0;
}

static bool
any(const void *p, size_t n)
{
    const uint8_t *b = p;

    for (size_t i = 0; i < n; i++) {
        if (b[i]) {
            return true;
        }
    }
    return false;
}

/* The checksums of the transport layer that a change of IP addresses
 * touches (the pseudo-header).  act_csum updates only the protocol the
 * packet carries, so without an exact ip_proto every candidate is listed. */
static uint32_t
l4_csum_flags(const struct tcf_filter *f, bool ip6)
{
    uint32_t icmp6 = ip6 ? TCA_CSUM_UPDATE_FLAG_ICMP : 0;

    if (f->mask.ip_proto != 0xff) {
        return TCA_CSUM_UPDATE_FLAG_TCP | TCA_CSUM_UPDATE_FLAG_UDP | icmp6;
    }
    switch (f->key.ip_proto) {
    case IPPROTO_TCP:
        return TCA_CSUM_UPDATE_FLAG_TCP;
    case IPPROTO_UDP:
        return TCA_CSUM_UPDATE_FLAG_UDP;
    case IPPROTO_ICMPV6:
        return icmp6;
    default:
        return 0;
    }
}

static bool
match_eth_type(const struct tcf_filter *f, uint16_t type)
{
    return f->mask.eth_type == 0xffff && f->key.eth_type == htons(type);
}

static bool
match_ip_proto(const struct tcf_filter *f, uint8_t proto)
{
    return f->mask.ip_proto == 0xff && f->key.ip_proto == proto
           && (match_eth_type(f, ETH_P_IP) || match_eth_type(f, ETH_P_IPV6));
}

static int
needs_match(struct xlate *x, const char *action, const char *match)
{
    tcf_reason(x->why, OFFLOAD_R_UNSUPPORTED_ACTION,
               "action %s cannot be offloaded without a match on %s", action,
               match);
    return EOPNOTSUPP;
}

static int
set_ethernet(struct xlate *x, const uint8_t *v, const uint8_t *m)
{
    const struct ovs_key_ethernet *val = (const void *) v;
    const struct ovs_key_ethernet *mask = (const void *) m;
    int error;

    /* The frame has the destination first. */
    error = rewrite(x, TCA_PEDIT_KEY_EX_HDR_TYPE_ETH, 0, val->eth_dst,
                    mask->eth_dst, ETH_ALEN);
    return error ? error
                 : rewrite(x, TCA_PEDIT_KEY_EX_HDR_TYPE_ETH, ETH_ALEN,
                           val->eth_src, mask->eth_src, ETH_ALEN);
}

static int
set_ipv4(struct xlate *x, const uint8_t *v, const uint8_t *m, bool masked)
{
    struct ovs_key_ipv4 val, mask;
    const uint16_t ht = TCA_PEDIT_KEY_EX_HDR_TYPE_IP4;
    int error;

    memcpy(&val, v, sizeof val);
    memcpy(&mask, m, sizeof mask);
    if (!match_eth_type(x->f, ETH_P_IP)) {
        return needs_match(x, "set(ipv4)", "eth_type 0x0800");
    }
    if (!masked) {
        /* A plain set() carries the protocol and fragment type as they
         * are; they cannot change. */
        mask.ipv4_proto = mask.ipv4_frag = 0;
    } else if (mask.ipv4_proto || mask.ipv4_frag) {
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION,
                      mask.ipv4_proto ? "set(ipv4 proto)" : "set(ipv4 frag)");
    }
    /* Offsets in the IPv4 header: tos 1, ttl 8, source 12, dest 16. */
    if ((error = rewrite(x, ht, 1, &val.ipv4_tos, &mask.ipv4_tos, 1))
        || (error = rewrite(x, ht, 8, &val.ipv4_ttl, &mask.ipv4_ttl, 1))
        || (error = rewrite(x, ht, 12, (const uint8_t *) &val.ipv4_src,
                            (const uint8_t *) &mask.ipv4_src, 4))
        || (error = rewrite(x, ht, 16, (const uint8_t *) &val.ipv4_dst,
                            (const uint8_t *) &mask.ipv4_dst, 4))) {
        return error;
    }
    if (any(&mask, sizeof mask)) {
        x->csum_flags |= TCA_CSUM_UPDATE_FLAG_IPV4HDR;
    }
    if (mask.ipv4_src || mask.ipv4_dst) {
        x->csum_flags |= l4_csum_flags(x->f, false);
    }
    return 0;
}

static int
set_ipv6(struct xlate *x, const uint8_t *v, const uint8_t *m, bool masked)
{
    struct ovs_key_ipv6 val, mask;
    const uint16_t ht = TCA_PEDIT_KEY_EX_HDR_TYPE_IP6;
    int error;

    memcpy(&val, v, sizeof val);
    memcpy(&mask, m, sizeof mask);
    if (!match_eth_type(x->f, ETH_P_IPV6)) {
        return needs_match(x, "set(ipv6)", "eth_type 0x86dd");
    }
    if (!masked) {
        mask.ipv6_proto = mask.ipv6_frag = 0;
    } else if (mask.ipv6_proto || mask.ipv6_frag) {
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION,
                      mask.ipv6_proto ? "set(ipv6 proto)" : "set(ipv6 frag)");
    }
    /* The first word: version (4 bits), traffic class (8), flow label
     * (20). */
    uint32_t w0 = htonl((uint32_t) val.ipv6_tclass << 20
                        | (ntohl(val.ipv6_label) & 0xfffff));
    uint32_t w0m = htonl((uint32_t) mask.ipv6_tclass << 20
                         | (ntohl(mask.ipv6_label) & 0xfffff));
    if ((error = rewrite(x, ht, 0, (const uint8_t *) &w0,
                         (const uint8_t *) &w0m, 4))
        || (error = rewrite(x, ht, 7, &val.ipv6_hlimit, &mask.ipv6_hlimit, 1))
        || (error = rewrite(x, ht, 8, (const uint8_t *) val.ipv6_src,
                            (const uint8_t *) mask.ipv6_src, 16))
        || (error = rewrite(x, ht, 24, (const uint8_t *) val.ipv6_dst,
                            (const uint8_t *) mask.ipv6_dst, 16))) {
        return error;
    }
    if (any(mask.ipv6_src, 16) || any(mask.ipv6_dst, 16)) {
        x->csum_flags |= l4_csum_flags(x->f, true);
    }
    return 0;
}

static int
set_ports(struct xlate *x, uint16_t type, const uint8_t *v, const uint8_t *m)
{
    bool tcp = type == OVS_KEY_ATTR_TCP;
    uint16_t ht =
        tcp ? TCA_PEDIT_KEY_EX_HDR_TYPE_TCP : TCA_PEDIT_KEY_EX_HDR_TYPE_UDP;

    if (!match_ip_proto(x->f, tcp ? IPPROTO_TCP : IPPROTO_UDP)) {
        return needs_match(x, tcp ? "set(tcp)" : "set(udp)",
                           tcp ? "ip_proto 6" : "ip_proto 17");
    }
    /* Source and destination port: the first word of either header. */
    if (any(m, 4)) {
        x->csum_flags |=
            tcp ? TCA_CSUM_UPDATE_FLAG_TCP : TCA_CSUM_UPDATE_FLAG_UDP;
    }
    return rewrite(x, ht, 0, v, m, 4);
}

/* set(tunnel(...)): the OVS_TUNNEL_KEY_ATTR_* list into a tunnel_key set
 * action, pending until an output to a tunnel port uses it.  Each
 * attribute's payload size (-1: variable) and name; a name in
 * 'unsupported' is refused ("action set(tunnel) with oam cannot be
 * offloaded"): act_tunnel_key has no such parameter (the outer UDP source
 * port is a hash the device computes; VXLAN and ERSPAN options are not
 * modelled).  Geneve options become TCA_TUNNEL_KEY_ENC_OPTS; see
 * set_geneve_opts(). */
static const struct {
    const char *name;
    int len;
    bool unsupported;
} tun_attrs[] = {
    [OVS_TUNNEL_KEY_ATTR_ID] = { "tun_id", 8, false },
    [OVS_TUNNEL_KEY_ATTR_IPV4_SRC] = { "src", 4, false },
    [OVS_TUNNEL_KEY_ATTR_IPV4_DST] = { "dst", 4, false },
    [OVS_TUNNEL_KEY_ATTR_TOS] = { "tos", 1, false },
    [OVS_TUNNEL_KEY_ATTR_TTL] = { "ttl", 1, false },
    [OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT] = { "df", 0, false },
    [OVS_TUNNEL_KEY_ATTR_CSUM] = { "csum", 0, false },
    [OVS_TUNNEL_KEY_ATTR_OAM] = { "oam", 0, true },
    [OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS] = { "geneve options", -1, false },
    [OVS_TUNNEL_KEY_ATTR_TP_SRC] = { "tp_src", 2, true },
    [OVS_TUNNEL_KEY_ATTR_TP_DST] = { "tp_dst", 2, false },
    [OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS] = { "vxlan options", -1, true },
    [OVS_TUNNEL_KEY_ATTR_IPV6_SRC] = { "ipv6_src", 16, false },
    [OVS_TUNNEL_KEY_ATTR_IPV6_DST] = { "ipv6_dst", 16, false },
    [OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS] = { "erspan options", -1, true },
    [OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE] = { "ipv4_info_bridge", 0, true },
};

/* Geneve options of a set(tunnel): the option TLVs as the datapath
 * writes them after the Geneve header.  act_tunnel_key takes each option's
 * class, type and data (4 to 124 bytes) and writes the header itself:
 * with the reserved flag bits clear, and without the Geneve header's C
 * bit, which it never sets (the kernel's openvswitch datapath and the
 * userspace one set it when an option is critical, type bit 7).  So
 * options with reserved bits set or a critical one are refused, as are
 * those the kernel would refuse. */
static int
set_geneve_opts(struct xlate *x, const uint8_t *v, size_t vlen,
                struct pkt_tun_opts *opts)
{
    char detail[128];

    if (!tcf_geneve_opts_check(v, vlen, detail, sizeof detail)) {
        tcf_reason(x->why, OFFLOAD_R_UNSUPPORTED_ACTION,
                   "action set(tunnel) with geneve options cannot be "
                   "offloaded (%s)",
                   detail);
        return EOPNOTSUPP;
    }
    for (size_t ofs = 0; ofs < vlen; ofs += 4 + (v[ofs + 3] & 0x1fu) * 4) {
        const uint8_t *o = v + ofs;
        const char *what = o[3] & 0xe0 ? "has reserved flags set"
                           : o[2] & 0x80
                               ? "is critical: act_tunnel_key cannot set "
                                 "the Geneve header's C bit"
                               : NULL;
        if (what) {
            tcf_reason(x->why, OFFLOAD_R_UNSUPPORTED_ACTION,
                       "action set(tunnel) with geneve options cannot be "
                       "offloaded (option class 0x%x type 0x%x %s)",
                       (unsigned) o[0] << 8 | o[1], o[2], what);
            return EOPNOTSUPP;
        }
    }
    memset(opts, 0, sizeof *opts);
    memcpy(opts->data, v, vlen);
    opts->len = vlen;
    return 0;
}

static int
set_tunnel(struct xlate *x, const uint8_t *p, size_t len)
{
    struct tcf_tunnel_key *t = &x->tunnel.tunnel_key;
    bool has_v4_dst = false, has_v6_dst = false;
    char what[64];

    if (x->tnl == TNL_PENDING) {
        tcf_reason(x->why, OFFLOAD_R_UNSUPPORTED_ACTION,
                   "action set(tunnel) is not followed by an output to a "
                   "tunnel port");
        return EOPNOTSUPP;
    }
    init_action(&x->tunnel, TCF_A_TUNNEL_KEY, "tunnel_key", TC_ACT_PIPE);
    t->t_action = TCA_TUNNEL_KEY_ACT_SET;
    t->no_csum = true; /* Unless the csum flag says otherwise. */
    while (len) {
        struct nlattr nla;
        if (len < NLA_HDRLEN) {
            return malformed(x, "set(tunnel) trailing bytes");
        }
        memcpy(&nla, p, sizeof nla);
        if (nla.nla_len < NLA_HDRLEN || nla.nla_len > len) {
            return malformed(x, "set(tunnel) attribute length");
        }
        uint16_t type = nla.nla_type & NLA_TYPE_MASK;
        const uint8_t *v = p + NLA_HDRLEN;
        size_t vlen = nla.nla_len - NLA_HDRLEN;
        if (type >= ARRAY_SIZE(tun_attrs) || !tun_attrs[type].name) {
            snprintf(what, sizeof what, "set(tunnel) with attribute %u", type);
            return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION, what);
        }
        if (tun_attrs[type].len >= 0 && (size_t) tun_attrs[type].len != vlen) {
            return malformed(x, "set(tunnel) attribute of the wrong size");
        }
        if (tun_attrs[type].unsupported) {
            snprintf(what, sizeof what, "set(tunnel) with %s",
                     tun_attrs[type].name);
            return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION, what);
        }
        switch (type) {
        case OVS_TUNNEL_KEY_ATTR_ID: {
            uint64_t id;
            memcpy(&id, v, 8);
            if (be64toh(id) > UINT32_MAX) {
                return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION,
                              "set(tunnel) with a tun_id of more than 32 "
                              "bits");
            }
            t->has_key_id = true;
            t->key_id = htonl(be64toh(id));
            break;
        }
        case OVS_TUNNEL_KEY_ATTR_IPV4_SRC:
            memcpy(&t->ipv4_src, v, 4);
            t->has_ipv4 = true;
            break;
        case OVS_TUNNEL_KEY_ATTR_IPV4_DST:
            memcpy(&t->ipv4_dst, v, 4);
            t->has_ipv4 = has_v4_dst = true;
            break;
        case OVS_TUNNEL_KEY_ATTR_IPV6_SRC:
            memcpy(&t->ipv6_src, v, 16);
            t->has_ipv6 = true;
            break;
        case OVS_TUNNEL_KEY_ATTR_IPV6_DST:
            memcpy(&t->ipv6_dst, v, 16);
            t->has_ipv6 = has_v6_dst = true;
            break;
        case OVS_TUNNEL_KEY_ATTR_TOS:
            t->tos = v[0];
            break;
        case OVS_TUNNEL_KEY_ATTR_TTL:
            t->ttl = v[0];
            break;
        case OVS_TUNNEL_KEY_ATTR_TP_DST:
            memcpy(&t->dst_port, v, 2);
            break;
        case OVS_TUNNEL_KEY_ATTR_CSUM:
            t->no_csum = false;
            break;
        case OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS: {
            int error = set_geneve_opts(x, v, vlen, &t->opts);
            if (error) {
                return error;
            }
            break;
        }
        case OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT:
        default:
            /* Not expressible on 6.1; see the top. */
            break;
        }
        size_t step = NF_MIN((size_t) NLA_ALIGN(nla.nla_len), len);
        p += step;
        len -= step;
    }
    if (t->has_ipv4 && t->has_ipv6) {
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION,
                      "set(tunnel) with IPv4 and IPv6 addresses");
    }
    if (!(t->has_ipv4
              ? has_v4_dst && t->ipv4_dst
              : has_v6_dst
                    && !nf_bytes_all(&t->ipv6_dst, sizeof t->ipv6_dst, 0))) {
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION,
                      "set(tunnel) without a destination address");
    }
    x->tnl = TNL_PENDING;
    return 0;
}

/* Names of the key attributes set() may carry, for refusals. */
static const char *
key_attr_name(uint16_t type)
{
    static const char *const names[] = {
        [OVS_KEY_ATTR_ENCAP] = "encap",
        [OVS_KEY_ATTR_PRIORITY] = "skb_priority",
        [OVS_KEY_ATTR_IN_PORT] = "in_port",
        [OVS_KEY_ATTR_ETHERNET] = "eth",
        [OVS_KEY_ATTR_VLAN] = "vlan",
        [OVS_KEY_ATTR_ETHERTYPE] = "eth_type",
        [OVS_KEY_ATTR_IPV4] = "ipv4",
        [OVS_KEY_ATTR_IPV6] = "ipv6",
        [OVS_KEY_ATTR_TCP] = "tcp",
        [OVS_KEY_ATTR_UDP] = "udp",
        [OVS_KEY_ATTR_ICMP] = "icmp",
        [OVS_KEY_ATTR_ICMPV6] = "icmpv6",
        [OVS_KEY_ATTR_ARP] = "arp",
        [OVS_KEY_ATTR_ND] = "nd",
        [OVS_KEY_ATTR_SKB_MARK] = "skb_mark",
        [OVS_KEY_ATTR_TUNNEL] = "tunnel",
        [OVS_KEY_ATTR_SCTP] = "sctp",
        [OVS_KEY_ATTR_TCP_FLAGS] = "tcp_flags",
        [OVS_KEY_ATTR_DP_HASH] = "dp_hash",
        [OVS_KEY_ATTR_RECIRC_ID] = "recirc_id",
        [OVS_KEY_ATTR_MPLS] = "mpls",
        [OVS_KEY_ATTR_CT_STATE] = "ct_state",
        [OVS_KEY_ATTR_CT_ZONE] = "ct_zone",
        [OVS_KEY_ATTR_CT_MARK] = "ct_mark",
        [OVS_KEY_ATTR_CT_LABELS] = "ct_label",
        [OVS_KEY_ATTR_NSH] = "nsh",
    };
    return type < ARRAY_SIZE(names) && names[type] ? names[type] : NULL;
}

static int
xlate_set(struct xlate *x, const uint8_t *p, size_t len, bool masked)
{
    static const uint8_t ones[64] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    };
    struct nlattr nla;
    size_t size;

    if (len < NLA_HDRLEN) {
        return malformed(x, "set() without a key attribute");
    }
    memcpy(&nla, p, sizeof nla);
    if (nla.nla_len < NLA_HDRLEN || nla.nla_len > len) {
        return malformed(x, "set() key attribute length");
    }
    uint16_t type = nla.nla_type & NLA_TYPE_MASK;
    const uint8_t *val = p + NLA_HDRLEN;
    size = nla.nla_len - NLA_HDRLEN;
    if (masked) {
        if (size % 2) {
            return malformed(x, "set_masked() of odd length");
        }
        size /= 2;
    }
    const uint8_t *mask = masked ? val + size : ones;

    static const struct {
        uint16_t type;
        size_t size;
    } sizes[] = {
        { OVS_KEY_ATTR_ETHERNET, sizeof(struct ovs_key_ethernet) },
        { OVS_KEY_ATTR_IPV4, sizeof(struct ovs_key_ipv4) },
        { OVS_KEY_ATTR_IPV6, sizeof(struct ovs_key_ipv6) },
        { OVS_KEY_ATTR_TCP, sizeof(struct ovs_key_tcp) },
        { OVS_KEY_ATTR_UDP, sizeof(struct ovs_key_udp) },
    };
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        if (sizes[i].type == type && sizes[i].size != size) {
            return malformed(x, "set() key attribute of the wrong size");
        }
    }
    _Static_assert(sizeof ones >= sizeof(struct ovs_key_ipv6),
                   "ones[] covers every key set() takes");

    if (type == OVS_KEY_ATTR_TUNNEL && !masked) {
        return set_tunnel(x, val, size);
    }
    switch (type) {
    case OVS_KEY_ATTR_ETHERNET:
        return set_ethernet(x, val, mask);
    case OVS_KEY_ATTR_IPV4:
        return set_ipv4(x, val, mask, masked);
    case OVS_KEY_ATTR_IPV6:
        return set_ipv6(x, val, mask, masked);
    case OVS_KEY_ATTR_TCP:
    case OVS_KEY_ATTR_UDP:
        return set_ports(x, type, val, mask);
    default: {
        const char *name = key_attr_name(type);
        char what[48];
        if (name) {
            snprintf(what, sizeof what, "set(%s)", name);
        } else {
            snprintf(what, sizeof what, "set(key attribute %u)", type);
        }
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION, what);
    }
    }
}

/* The other actions. */

static int
xlate_output(struct xlate *x, uint32_t odp_port)
{
    const struct offload_port *port = x->lookup ? x->lookup(odp_port) : NULL;
    struct tcf_action a;
    int error;

    if (!port) {
        tcf_reason(x->why, OFFLOAD_R_UNSUPPORTED_PORT,
                   "output to port %u: no such port", odp_port);
        return EOPNOTSUPP;
    }
    if (port->ifindex <= 0) {
        tcf_reason(x->why, OFFLOAD_R_UNSUPPORTED_PORT,
                   "output to %s: not a kernel network device", port->name);
        return EOPNOTSUPP;
    }
    error = flush_rewrites(x);
    if (error) {
        return error;
    }
    if (tcf_port_is_tunnel(port->type)) {
        /* Encapsulation by the tunnel device, from the metadata. */
        if (x->tnl == TNL_NONE) {
            tcf_reason(x->why, OFFLOAD_R_UNSUPPORTED_ACTION,
                       "output to %s (a %s tunnel port) without set(tunnel)",
                       port->name, port->type);
            return EOPNOTSUPP;
        }
        if (x->tnl == TNL_PENDING) {
            error = append(x, &x->tunnel);
            if (error) {
                return error;
            }
            x->tnl = TNL_SET;
        }
    }
    /* A tap device nicflowd holds (an internal or tap port, served on its
     * egress hook) receives what the switch sends it through nicflowd's
     * write to its file descriptor, that is on the host side: an egress
     * redirect would hand the packet to nicflowd instead. */
    bool internal =
        port->internal || tcf_port_parent(port->type) == tcf_egress_parent();
    if (internal) {
        /* Up the host stack, which takes only frames addressed to it. */
        init_action(&a, TCF_A_SKBEDIT, "skbedit", TC_ACT_PIPE);
        a.skbedit.has_ptype = true;
        a.skbedit.ptype = PACKET_HOST;
        error = append(x, &a);
        if (error) {
            return error;
        }
    }
    init_action(&a, TCF_A_MIRRED, "mirred", TC_ACT_PIPE);
    a.mirred.eaction = internal ? TCA_INGRESS_MIRROR : TCA_EGRESS_MIRROR;
    a.mirred.ifindex = port->ifindex;
    error = append(x, &a);
    if (!error) {
        x->last_output = x->f->n_actions - 1;
    }
    return error;
}

static int
xlate_push_vlan(struct xlate *x, const struct ovs_action_push_vlan *pv)
{
    struct tcf_filter *f = x->f;
    uint16_t tci = ntohs(pv->vlan_tci);
    struct tcf_action a;
    int error;

    if (pv->vlan_tpid != htons(ETH_P_8021Q)
        && pv->vlan_tpid != htons(ETH_P_8021AD)) {
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION,
                      "push_vlan with a TPID other than 0x8100 or 0x88a8");
    }
    error = flush_rewrites(x);
    if (error) {
        return error;
    }
    struct tcf_action *prev =
        f->n_actions ? &f->actions[f->n_actions - 1] : NULL;
    bool modify = prev && prev->type == TCF_A_VLAN
                  && prev->vlan.v_action == TCA_VLAN_ACT_POP
                  && f->mask.vlan_tpid[0];
    init_action(&a, TCF_A_VLAN, "vlan", TC_ACT_PIPE);
    a.vlan.v_action = modify ? TCA_VLAN_ACT_MODIFY : TCA_VLAN_ACT_PUSH;
    a.vlan.id = tci & 0x0fff;
    a.vlan.prio = tci >> 13;
    a.vlan.proto = pv->vlan_tpid;
    if (modify) {
        *prev = a;
        return 0;
    }
    return append(x, &a);
}

static int
xlate_pop_vlan(struct xlate *x)
{
    struct tcf_action a;
    int error = flush_rewrites(x);

    if (error) {
        return error;
    }
    init_action(&a, TCF_A_VLAN, "vlan", TC_ACT_PIPE);
    a.vlan.v_action = TCA_VLAN_ACT_POP;
    return append(x, &a);
}

/* meter(ID): a police action bound to the meter's shared one
 * (tcf-police.h), where the meter is in the list: after the rewrites
 * before it, before the outputs after it. */
static int
xlate_meter(struct xlate *x, uint32_t dp_meter)
{
    struct tcf_action a;
    size_t n = 0;

    for (size_t i = 0; i < x->f->n_actions; i++) {
        n += x->f->actions[i].type == TCF_A_POLICE;
    }
    if (n >= TCF_POLICE_MAX_PER_FLOW) {
        tcf_reason(x->why, OFFLOAD_R_UNSUPPORTED_ACTION,
                   "more than %d meters in one flow", TCF_POLICE_MAX_PER_FLOW);
        return EOPNOTSUPP;
    }
    int error = flush_rewrites(x);
    if (!error) {
        error = tcf_police_bind(dp_meter, &a, x->why);
    }
    return error ? error : append(x, &a);
}

/* The action table: payload sizes (-1: variable) and names. */
static const struct {
    const char *name;
    int len;
} actions[] = {
    [OVS_ACTION_ATTR_OUTPUT] = { "output", 4 },
    [OVS_ACTION_ATTR_USERSPACE] = { "userspace", -1 },
    [OVS_ACTION_ATTR_SET] = { "set", -1 },
    [OVS_ACTION_ATTR_PUSH_VLAN] = { "push_vlan",
                                    sizeof(struct ovs_action_push_vlan) },
    [OVS_ACTION_ATTR_POP_VLAN] = { "pop_vlan", 0 },
    [OVS_ACTION_ATTR_SAMPLE] = { "sample", -1 },
    [OVS_ACTION_ATTR_RECIRC] = { "recirc", 4 },
    [OVS_ACTION_ATTR_HASH] = { "hash", -1 },
    [OVS_ACTION_ATTR_PUSH_MPLS] = { "push_mpls", -1 },
    [OVS_ACTION_ATTR_POP_MPLS] = { "pop_mpls", -1 },
    [OVS_ACTION_ATTR_SET_MASKED] = { "set", -1 },
    [OVS_ACTION_ATTR_CT] = { "ct", -1 },
    [OVS_ACTION_ATTR_TRUNC] = { "trunc", -1 },
    [OVS_ACTION_ATTR_PUSH_ETH] = { "push_eth", -1 },
    [OVS_ACTION_ATTR_POP_ETH] = { "pop_eth", -1 },
    [OVS_ACTION_ATTR_CT_CLEAR] = { "ct_clear", -1 },
    [OVS_ACTION_ATTR_PUSH_NSH] = { "push_nsh", -1 },
    [OVS_ACTION_ATTR_POP_NSH] = { "pop_nsh", -1 },
    [OVS_ACTION_ATTR_METER] = { "meter", 4 },
    [OVS_ACTION_ATTR_CLONE] = { "clone", -1 },
    [OVS_ACTION_ATTR_CHECK_PKT_LEN] = { "check_pkt_len", -1 },
    [OVS_ACTION_ATTR_ADD_MPLS] = { "add_mpls", -1 },
    [OVS_ACTION_ATTR_DEC_TTL] = { "dec_ttl", -1 },
    [TCF_ODP_ACTION_DROP] = { "drop", 4 },
};

/* Translates one action of TYPE with payload P/LEN.  Sets *STOP for an
 * action after which nothing else happens to the packet. */
static int
xlate_one(struct xlate *x, uint16_t type, const uint8_t *p, size_t len,
          bool *stop)
{
    const char *name = type < ARRAY_SIZE(actions) ? actions[type].name : NULL;

    if (!name) {
        char what[32];
        snprintf(what, sizeof what, "type %u", type);
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION, what);
    }
    if (actions[type].len >= 0 && (size_t) actions[type].len != len) {
        return malformed(x, name);
    }
    switch (type) {
    case OVS_ACTION_ATTR_OUTPUT: {
        uint32_t port;
        memcpy(&port, p, 4);
        return xlate_output(x, port);
    }
    case OVS_ACTION_ATTR_PUSH_VLAN: {
        struct ovs_action_push_vlan pv;
        memcpy(&pv, p, sizeof pv);
        return xlate_push_vlan(x, &pv);
    }
    case OVS_ACTION_ATTR_POP_VLAN:
        return xlate_pop_vlan(x);
    case OVS_ACTION_ATTR_SET:
    case OVS_ACTION_ATTR_SET_MASKED:
        return xlate_set(x, p, len, type == OVS_ACTION_ATTR_SET_MASKED);
    case OVS_ACTION_ATTR_METER: {
        uint32_t id;
        memcpy(&id, p, 4);
        return xlate_meter(x, id);
    }
    case TCF_ODP_ACTION_DROP:
        *stop = true;
        return 0;
    default:
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION, name);
    }
}

int
tcf_translate_actions(const void *acts, size_t len, tcf_port_lookup_fn *lookup,
                      struct tcf_filter *f, struct offload_reason *why)
{
    struct xlate x = {
        .f = f,
        .lookup = lookup,
        .why = why,
        .last_output = -1,
    };
    const uint8_t *p = acts;
    bool stop = false;
    int error;

    f->n_actions = 0;
    init_action(&x.pedit, TCF_A_PEDIT, "pedit", TC_ACT_PIPE);
    while (len && !stop) {
        struct nlattr nla;
        if (len < NLA_HDRLEN) {
            return malformed(&x, "trailing bytes");
        }
        memcpy(&nla, p, sizeof nla);
        if (nla.nla_len < NLA_HDRLEN || nla.nla_len > len) {
            return malformed(&x, "attribute length");
        }
        error = xlate_one(&x, nla.nla_type & NLA_TYPE_MASK, p + NLA_HDRLEN,
                          nla.nla_len - NLA_HDRLEN, &stop);
        if (error) {
            return error;
        }
        size_t step = NF_MIN((size_t) NLA_ALIGN(nla.nla_len), len);
        p += step;
        len -= step;
        x.ofs += step;
    }

    if (x.tnl == TNL_PENDING) {
        tcf_reason(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                   "action set(tunnel) is not followed by an output to a "
                   "tunnel port");
        return EOPNOTSUPP;
    }
    struct tcf_action drop;
    if (x.last_output < 0) {
        /* Nothing leaves: whatever was done to the packet, it is
         * dropped. */
        f->n_actions = 0;
        init_action(&drop, TCF_A_DROP, "gact", TC_ACT_SHOT);
        return append(&x, &drop);
    }
    /* Rewrites after the last output are lost on the packet anyway; the
     * last output takes the packet. */
    f->n_actions = x.last_output + 1;
    struct tcf_action *last = &f->actions[x.last_output];
    last->mirred.eaction = last->mirred.eaction == TCA_INGRESS_MIRROR
                               ? TCA_INGRESS_REDIR
                               : TCA_EGRESS_REDIR;
    last->verdict = TC_ACT_STOLEN;
    return 0;
}
