/* profile-check.c: offload_profile_check(), a datapath flow against a
 * hardware profile (profile.h).
 *
 * Matches.  A table describes where each profile field lives in struct
 * flow (offset, size, byte order, which bits).  Some members of struct
 * flow stand for different fields depending on the packet (nw_src is the
 * IPv4 source or the ARP sender address, tp_src a port or an ICMP type),
 * so an entry may name an alternative field and the condition on the key
 * under which the alternative applies.  The masked bits of each entry are
 * then held against the profile's masking rule.
 *
 * Actions.  A second table maps each OVS_ACTION_ATTR_* type to the
 * profile's action name; "set" actions are named after the header they
 * rewrite. */
#include "offload/profile.h"

#include <linux/netlink.h>
#include <linux/openvswitch.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lib/flow.h"
#include "lib/util.h"
#include "softpath/odp.h"

/* When an entry's alternative field applies, judged from the key. */
enum pc_cond {
    PC_NEVER,
    PC_ARP,  /* eth_type ARP or RARP. */
    PC_ICMP, /* ICMP over IPv4, or ICMPv6 over IPv6. */
    PC_IPV6, /* eth_type IPv6 (ND link-layer address options). */
};

struct pc_field {
    enum offload_profile_field field;
    enum offload_profile_field alt; /* Used instead when 'cond' holds. */
    enum pc_cond cond;
    uint16_t ofs;      /* In struct flow. */
    uint8_t len;       /* Bytes: 1, 2, 4, 6, 8 or 16. */
    bool host;         /* Host byte order (datapath metadata). */
    uint64_t bits;     /* The field's bits within the member (len <= 8). */
    uint64_t alt_bits; /* The alternative's bits (0: the same). */
};

#define F(FIELD, MEMBER, BITS)                                     \
    {                                                              \
        .field = FIELD, .alt = FIELD, .cond = PC_NEVER,            \
        .ofs = offsetof(struct flow, MEMBER),                      \
        .len = sizeof(((struct flow *) 0)->MEMBER), .host = false, \
        .bits = BITS                                               \
    }
#define H(FIELD, MEMBER)                                          \
    {                                                             \
        .field = FIELD, .alt = FIELD, .cond = PC_NEVER,           \
        .ofs = offsetof(struct flow, MEMBER),                     \
        .len = sizeof(((struct flow *) 0)->MEMBER), .host = true, \
        .bits = UINT64_MAX                                        \
    }
#define ALT(FIELD, ALTF, COND, MEMBER, BITS, ALT_BITS)             \
    {                                                              \
        .field = FIELD, .alt = ALTF, .cond = COND,                 \
        .ofs = offsetof(struct flow, MEMBER),                      \
        .len = sizeof(((struct flow *) 0)->MEMBER), .host = false, \
        .bits = BITS, .alt_bits = ALT_BITS                         \
    }

#define ALL UINT64_MAX

static const struct pc_field pc_fields[] = {
    H(OPF_IN_PORT, in_port),
    H(OPF_PKT_MARK, pkt_mark),
    H(OPF_RECIRC_ID, recirc_id),
    H(OPF_DP_HASH, dp_hash),
    F(OPF_ETH_SRC, dl_src, ALL),
    F(OPF_ETH_DST, dl_dst, ALL),
    F(OPF_ETH_TYPE, dl_type, ALL),
    /* The TPID and the tag-present bit come with any VLAN match. */
    F(OPF_VLAN_VID, vlans[0].tci, 0x0fff),
    F(OPF_VLAN_PCP, vlans[0].tci, 0xe000),
    F(OPF_CVLAN_VID, vlans[1].tci, 0x0fff),
    F(OPF_CVLAN_PCP, vlans[1].tci, 0xe000),
    F(OPF_MPLS_LABEL, mpls_lse[0], 0xfffff000),
    F(OPF_MPLS_TC, mpls_lse[0], 0x00000e00),
    F(OPF_MPLS_BOS, mpls_lse[0], 0x00000100),
    F(OPF_MPLS_TTL, mpls_lse[0], 0x000000ff),
    F(OPF_MPLS_LABEL, mpls_lse[1], 0xfffff000),
    F(OPF_MPLS_TC, mpls_lse[1], 0x00000e00),
    F(OPF_MPLS_BOS, mpls_lse[1], 0x00000100),
    F(OPF_MPLS_TTL, mpls_lse[1], 0x000000ff),
    F(OPF_MPLS_LABEL, mpls_lse[2], 0xfffff000),
    F(OPF_MPLS_TC, mpls_lse[2], 0x00000e00),
    F(OPF_MPLS_BOS, mpls_lse[2], 0x00000100),
    F(OPF_MPLS_TTL, mpls_lse[2], 0x000000ff),
    ALT(OPF_IPV4_SRC, OPF_ARP_SPA, PC_ARP, nw_src, ALL, 0),
    ALT(OPF_IPV4_DST, OPF_ARP_TPA, PC_ARP, nw_dst, ALL, 0),
    F(OPF_IPV6_LABEL, ipv6_label, 0x000fffff),
    F(OPF_IPV6_SRC, ipv6_src, ALL),
    F(OPF_IPV6_DST, ipv6_dst, ALL),
    F(OPF_ND_TARGET, nd_target, ALL),
    ALT(OPF_ARP_SHA, OPF_ND_SLL, PC_IPV6, arp_sha, ALL, 0),
    ALT(OPF_ARP_THA, OPF_ND_TLL, PC_IPV6, arp_tha, ALL, 0),
    ALT(OPF_IP_PROTO, OPF_ARP_OP, PC_ARP, nw_proto, ALL, 0),
    F(OPF_IP_TOS, nw_tos, ALL),
    F(OPF_IP_TTL, nw_ttl, ALL),
    F(OPF_IP_FRAG, nw_frag, FLOW_NW_FRAG_MASK),
    /* ICMP type and code are 8 bits kept in the low byte of a be16. */
    ALT(OPF_TP_SRC, OPF_ICMP_TYPE, PC_ICMP, tp_src, ALL, 0x00ff),
    ALT(OPF_TP_DST, OPF_ICMP_CODE, PC_ICMP, tp_dst, ALL, 0x00ff),
    F(OPF_TCP_FLAGS, tcp_flags, 0x0fff),
    F(OPF_TUN_ID, tunnel.tun_id, ALL),
    F(OPF_TUN_IPV4_SRC, tunnel.ip_src, ALL),
    F(OPF_TUN_IPV4_DST, tunnel.ip_dst, ALL),
    F(OPF_TUN_IPV6_SRC, tunnel.ipv6_src, ALL),
    F(OPF_TUN_IPV6_DST, tunnel.ipv6_dst, ALL),
    F(OPF_TUN_TOS, tunnel.tos, ALL),
    F(OPF_TUN_TTL, tunnel.ttl, ALL),
    F(OPF_TUN_TP_SRC, tunnel.tp_src, ALL),
    F(OPF_TUN_TP_DST, tunnel.tp_dst, ALL),
    H(OPF_TUN_FLAGS, tunnel.flags),
};

/* The LEN-byte member at P as an integer: big-endian unless HOST. */
static uint64_t
read_uint(const uint8_t *p, size_t len, bool host)
{
    uint64_t v = 0;

    if (host) {
        uint16_t u16;
        uint32_t u32;

        switch (len) {
        case 1:
            return p[0];
        case 2:
            memcpy(&u16, p, 2);
            return u16;
        case 4:
            memcpy(&u32, p, 4);
            return u32;
        default:
            memcpy(&v, p, 8);
            return v;
        }
    }
    for (size_t i = 0; i < len; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* True if the low WIDTH bits of V are ones followed by zeros (a prefix),
 * counting from the top; zero and all ones are prefixes too. */
static bool
is_prefix(uint64_t v, unsigned width)
{
    uint64_t full = width >= 64 ? UINT64_MAX : (UINT64_C(1) << width) - 1;
    uint64_t inv = ~v & full;

    return !(inv & (inv + 1));
}

/* What the mask of one member says: unused, all of the field's bits, a
 * prefix, or something else. */
enum pc_use { PC_UNUSED, PC_EXACT, PC_PREFIX, PC_OTHER };

static enum pc_use
mask_use(const struct pc_field *pf, uint64_t field_bits,
         const struct flow *mask)
{
    const uint8_t *p = (const uint8_t *) mask + pf->ofs;

    if (pf->len == 16) {
        uint64_t hi = read_uint(p, 8, false), lo = read_uint(p + 8, 8, false);
        if (!hi && !lo) {
            return PC_UNUSED;
        } else if (hi == UINT64_MAX && lo == UINT64_MAX) {
            return PC_EXACT;
        } else if (hi == UINT64_MAX ? is_prefix(lo, 64)
                                    : !lo && is_prefix(hi, 64)) {
            return PC_PREFIX;
        }
        return PC_OTHER;
    }

    uint64_t width_bits =
        pf->len >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * pf->len)) - 1;
    uint64_t bits = field_bits & width_bits;
    uint64_t m = read_uint(p, pf->len, pf->host) & bits;
    if (!m) {
        return PC_UNUSED;
    } else if (m == bits) {
        return PC_EXACT;
    }
    /* The field's bits are contiguous: shift them down and count. */
    unsigned shift = (unsigned) __builtin_ctzll(bits);
    unsigned width = (unsigned) __builtin_popcountll(bits);
    return is_prefix(m >> shift, width) ? PC_PREFIX : PC_OTHER;
}

static bool
cond_holds(enum pc_cond cond, const struct flow *flow)
{
    uint16_t dl_type =
        (uint16_t) read_uint((const uint8_t *) &flow->dl_type, 2, false);

    switch (cond) {
    case PC_ARP:
        return dl_type == 0x0806 || dl_type == 0x8035;
    case PC_ICMP:
        return (dl_type == 0x0800 && flow->nw_proto == 1)
               || (dl_type == 0x86dd && flow->nw_proto == 58);
    case PC_IPV6:
        return dl_type == 0x86dd;
    case PC_NEVER:
    default:
        return false;
    }
}

static int
refuse(struct offload_reason *why, enum offload_reason_code code,
       const char *msg)
{
    if (why) {
        offload_reason_set(why, code, "%s", msg);
    }
    return code;
}

static int
check_match(const struct offload_profile *p, const struct flow *flow,
            const struct flow *mask, bool *tunnel_matched,
            struct offload_reason *why)
{
    char msg[OFFLOAD_REASON_MSG_MAX];

    *tunnel_matched = false;
    for (size_t i = 0; i < ARRAY_SIZE(pc_fields); i++) {
        const struct pc_field *pf = &pc_fields[i];
        bool alt = cond_holds(pf->cond, flow);
        uint64_t bits = alt && pf->alt_bits ? pf->alt_bits : pf->bits;
        enum pc_use use = mask_use(pf, bits, mask);
        if (use == PC_UNUSED
            || (pf->field == OPF_RECIRC_ID && !flow->recirc_id)) {
            continue;
        }
        enum offload_profile_field f = alt ? pf->alt : pf->field;
        const char *name = offload_profile_field_name(f);
        if (f >= OPF_TUN_ID && f <= OPF_TUN_FLAGS) {
            *tunnel_matched = true;
        }
        switch (p->match[f]) {
        case OPM_NONE:
            snprintf(msg, sizeof msg, "profile %s: no match on %s", p->name,
                     name);
            return refuse(why, OFFLOAD_R_UNSUPPORTED_MATCH, msg);
        case OPM_EXACT:
            if (use != PC_EXACT) {
                snprintf(msg, sizeof msg,
                         "profile %s: %s must be matched exactly", p->name,
                         name);
                return refuse(why, OFFLOAD_R_UNSUPPORTED_MATCH, msg);
            }
            break;
        case OPM_PREFIX:
            if (use == PC_OTHER) {
                snprintf(msg, sizeof msg,
                         "profile %s: %s must be matched by prefix", p->name,
                         name);
                return refuse(why, OFFLOAD_R_UNSUPPORTED_MATCH, msg);
            }
            break;
        case OPM_ARBITRARY:
        default:
            break;
        }
    }
    return 0;
}

/* The profile action of one datapath action type; -1 for a type the
 * format has no name for (then NAME is what the refusal says). */
struct pc_action {
    int action;
    const char *name;
};

static const struct pc_action pc_actions[] = {
    [OVS_ACTION_ATTR_OUTPUT] = { OPA_OUTPUT, "output" },
    [OVS_ACTION_ATTR_USERSPACE] = { OPA_USERSPACE, "userspace" },
    [OVS_ACTION_ATTR_PUSH_VLAN] = { OPA_PUSH_VLAN, "push_vlan" },
    [OVS_ACTION_ATTR_POP_VLAN] = { OPA_POP_VLAN, "pop_vlan" },
    [OVS_ACTION_ATTR_SAMPLE] = { OPA_SAMPLE, "sample" },
    [OVS_ACTION_ATTR_RECIRC] = { OPA_RECIRC, "recirc" },
    [OVS_ACTION_ATTR_HASH] = { OPA_HASH, "hash" },
    [OVS_ACTION_ATTR_PUSH_MPLS] = { OPA_PUSH_MPLS, "push_mpls" },
    [OVS_ACTION_ATTR_POP_MPLS] = { OPA_POP_MPLS, "pop_mpls" },
    [OVS_ACTION_ATTR_CT] = { OPA_CT, "ct" },
    [OVS_ACTION_ATTR_TRUNC] = { OPA_TRUNC, "trunc" },
    [OVS_ACTION_ATTR_PUSH_ETH] = { -1, "push_eth" },
    [OVS_ACTION_ATTR_POP_ETH] = { -1, "pop_eth" },
    [OVS_ACTION_ATTR_CT_CLEAR] = { OPA_CT_CLEAR, "ct_clear" },
    [OVS_ACTION_ATTR_PUSH_NSH] = { -1, "push_nsh" },
    [OVS_ACTION_ATTR_POP_NSH] = { -1, "pop_nsh" },
    [OVS_ACTION_ATTR_METER] = { OPA_POLICE, "police" },
    [OVS_ACTION_ATTR_CLONE] = { OPA_CLONE, "clone" },
    [OVS_ACTION_ATTR_CHECK_PKT_LEN] = { OPA_CHECK_PKT_LEN, "check_pkt_len" },
    [OVS_ACTION_ATTR_ADD_MPLS] = { OPA_PUSH_MPLS, "push_mpls" },
    [OVS_ACTION_ATTR_DEC_TTL] = { OPA_DEC_TTL, "dec_ttl" },
    [ODP_ACTION_ATTR_DROP] = { OPA_DROP, "drop" },
    /* The userspace datapath's native tunnelling. */
    [ODP_ACTION_ATTR_TUNNEL_PUSH] = { OPA_TUNNEL_PUSH, "tunnel_push" },
    [ODP_ACTION_ATTR_TUNNEL_POP] = { OPA_TUNNEL_POP, "tunnel_pop" },
};

/* A set or set_masked action, by the key attribute it carries. */
static struct pc_action
set_action(const struct nlattr *a)
{
    const struct nlattr *k = (const struct nlattr *) (a + 1);
    size_t len = a->nla_len - NLA_HDRLEN;

    if (len < NLA_HDRLEN || k->nla_len < NLA_HDRLEN || k->nla_len > len) {
        return (struct pc_action){ -1, "set" };
    }
    switch (k->nla_type & NLA_TYPE_MASK) {
    case OVS_KEY_ATTR_ETHERNET:
        return (struct pc_action){ OPA_SET_ETH, "set_eth" };
    case OVS_KEY_ATTR_IPV4:
        return (struct pc_action){ OPA_SET_IPV4, "set_ipv4" };
    case OVS_KEY_ATTR_IPV6:
        return (struct pc_action){ OPA_SET_IPV6, "set_ipv6" };
    case OVS_KEY_ATTR_TCP:
    case OVS_KEY_ATTR_UDP:
    case OVS_KEY_ATTR_SCTP:
        return (struct pc_action){ OPA_SET_TP, "set_tp" };
    case OVS_KEY_ATTR_TUNNEL:
        /* The kernel datapath encapsulates by setting tunnel metadata
         * before an output to a tunnel port. */
        return (struct pc_action){ OPA_TUNNEL_PUSH, "tunnel_push" };
    case OVS_KEY_ATTR_SKB_MARK:
        return (struct pc_action){ OPA_SET_MARK, "set_mark" };
    case OVS_KEY_ATTR_PRIORITY:
        return (struct pc_action){ OPA_SET_PRIORITY, "set_priority" };
    default:
        return (struct pc_action){ -1, "set" };
    }
}

static bool
has_action(const struct offload_profile *p, int action)
{
    return action >= 0 && (p->actions & (UINT64_C(1) << action));
}

static int
refuse_action(const struct offload_profile *p, const char *name,
              struct offload_reason *why)
{
    char msg[OFFLOAD_REASON_MSG_MAX];

    snprintf(msg, sizeof msg, "profile %s: action %s not supported", p->name,
             name);
    return refuse(why, OFFLOAD_R_UNSUPPORTED_ACTION, msg);
}

static int
check_actions(const struct offload_profile *p, const void *actions, size_t len,
              struct offload_reason *why)
{
    const uint8_t *pos = actions;
    size_t n = 0, n_outputs = 0;

    while (len > 0) {
        const struct nlattr *a = (const struct nlattr *) pos;
        if (len < NLA_HDRLEN || a->nla_len < NLA_HDRLEN || a->nla_len > len) {
            return refuse_action(p, "(malformed)", why);
        }
        unsigned type = a->nla_type & NLA_TYPE_MASK;
        struct pc_action pa = { -1, NULL };
        if (type == OVS_ACTION_ATTR_SET
            || type == OVS_ACTION_ATTR_SET_MASKED) {
            pa = set_action(a);
        } else if (type < ARRAY_SIZE(pc_actions) && pc_actions[type].name) {
            pa = pc_actions[type];
        }
        if (!pa.name) {
            char name[32];
            snprintf(name, sizeof name, "%u", type);
            return refuse_action(p, name, why);
        }
        if (!has_action(p, pa.action)) {
            return refuse_action(p, pa.name, why);
        }
        n_outputs += type == OVS_ACTION_ATTR_OUTPUT;
        n++;
        size_t step = NLA_ALIGN(a->nla_len);
        if (step >= len) {
            break;
        }
        pos += step;
        len -= step;
    }
    if (!n && !has_action(p, OPA_DROP)) {
        /* No action at all is how the datapath says "drop". */
        return refuse_action(p, "drop", why);
    }
    if (n_outputs > 1 && !has_action(p, OPA_MIRROR)) {
        return refuse_action(p, "mirror", why);
    }
    if (p->max_actions_per_rule.published && n > p->max_actions_per_rule.n) {
        char msg[OFFLOAD_REASON_MSG_MAX];
        snprintf(msg, sizeof msg,
                 "profile %s: %zu actions, at most %llu per "
                 "rule",
                 p->name, n, (unsigned long long) p->max_actions_per_rule.n);
        return refuse(why, OFFLOAD_R_UNSUPPORTED_ACTION, msg);
    }
    return 0;
}

int
offload_profile_check(const struct offload_profile *p, const struct flow *flow,
                      const struct flow *mask, const void *actions,
                      size_t actions_len, struct offload_reason *why)
{
    bool tunnel_matched;
    int error = check_match(p, flow, mask, &tunnel_matched, why);

    if (error) {
        return error;
    }
    /* A rule that matches tunnel metadata decapsulates: the device must
     * be able to pop the tunnel. */
    if (tunnel_matched && !has_action(p, OPA_TUNNEL_POP)) {
        return refuse_action(p, "tunnel_pop", why);
    }
    return check_actions(p, actions, actions_len, why);
}
