/* rtf-actions.c: the action half of the translation, OVS_ACTION_ATTR_*
 * netlink to rte_flow actions.
 *
 * Open vSwitch semantics, in rte_flow terms:
 *   - COUNT first, always: the flow's counters (rte_flow_query()).
 *   - output: REPRESENTED_PORT on a transfer rule (the output port must
 *     be on the same eswitch), PORT_ID on an ingress rule.  Several
 *     outputs are several such actions; a header change or meter between
 *     two outputs is refused (rte_flow does not say whether the earlier
 *     output sees it), changes after the last output are dropped (nobody
 *     sees them).
 *   - No output at all (the empty list, drop, or only changes): DROP.
 *   - push_vlan: OF_PUSH_VLAN + OF_SET_VLAN_VID + OF_SET_VLAN_PCP;
 *     pop_vlan: OF_POP_VLAN.
 *   - set/set_masked of Ethernet addresses, IPv4/IPv6 addresses, DSCP,
 *     TTL/hop limit, TCP/UDP ports: the SET_* action of each field, which
 *     sets a whole field: a partial mask (other than the DSCP part of ToS
 *     / traffic class) is refused.  A plain set() rewrites every field of
 *     its header; a field it sets to what the flow matches exactly is no
 *     change and is left out.
 *   - tnl_push: RAW_ENCAP of its header, then the output to its underlay
 *     port; tnl_pop(T): JUMP to T's group (rtf-tunnel.c).  Both end the
 *     list: nothing may follow them.
 *   - meter: METER (the provider's meter table says which it can carry).
 *   - dec_ttl: DEC_TTL when the flow matches a TTL above 1 exactly (the
 *     device cannot run the action's own list for an expiring TTL).
 * Each refusal names the action ("rteflow: action userspace cannot be
 * offloaded"); these messages are part of the user-visible contract. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>
#include <stdio.h>
#include <string.h>

#include "lib/flow.h"
#include "lib/util.h"
#include "rteflow/rtf-translate.h"
#include "softpath/odp.h"

struct ax {
    const struct flow *key, *mask;
    const struct rtf_port *dev; /* The port the rule is on. */
    const struct rtf_env *env;
    struct rtf_rule *r;
    struct offload_reason *why;
    size_t ofs; /* Of the action being translated, for messages. */

    size_t base;          /* Actions before the translated list's. */
    int n_outputs;        /* Outputs so far. */
    size_t after_output;  /* n_actions just after the last output. */
    const char *changed;  /* A change after the last output, or NULL. */
    const char *terminal; /* tnl_push/tnl_pop seen: nothing may follow. */
    bool jumped;          /* The list ended in tnl_pop's JUMP. */
};

static int
refuse(struct ax *x, enum offload_reason_code code, const char *what)
{
    rtf_reason(x->why, code, "action %s cannot be offloaded", what);
    return EOPNOTSUPP;
}

static int
malformed(struct ax *x, const char *what)
{
    rtf_reason(x->why, OFFLOAD_R_INTERNAL,
               "malformed action list at offset %zu: %s", x->ofs, what);
    return EINVAL;
}

static int
add(struct ax *x, enum rte_flow_action_type type, const void *conf,
    size_t size)
{
    int error;

    rtf_rule_action(x->r, type, conf, size, x->why, &error);
    return error;
}

/* Notes a change of the packet (or a meter) called WHAT. */
static void
changed(struct ax *x, const char *what)
{
    if (x->n_outputs && !x->changed) {
        x->changed = what;
    }
}

static bool
match_eth_type(const struct ax *x, uint16_t type)
{
    return x->mask->dl_type == 0xffff && x->key->dl_type == htons(type);
}

static bool
match_ip_proto(const struct ax *x, uint8_t proto)
{
    return x->mask->nw_proto == 0xff && x->key->nw_proto == proto
           && (match_eth_type(x, ETH_TYPE_IP)
               || match_eth_type(x, ETH_TYPE_IPV6));
}

static int
needs_match(struct ax *x, const char *action, const char *match)
{
    rtf_reason(x->why, OFFLOAD_R_UNSUPPORTED_ACTION,
               "action %s cannot be offloaded without a match on %s", action,
               match);
    return EOPNOTSUPP;
}

/* Outputs. */

static int
output(struct ax *x, uint32_t odp_port)
{
    const struct offload_port *p =
        x->env && x->env->lookup ? x->env->lookup(odp_port) : NULL;
    const struct rtf_port *rp = p ? rtf_port_of(p) : NULL;
    int error;

    if (!p) {
        rtf_reason(x->why, OFFLOAD_R_UNSUPPORTED_PORT,
                   "output to port %u: no such port", odp_port);
        return EOPNOTSUPP;
    }
    if (!rp) {
        rtf_reason(x->why, OFFLOAD_R_UNSUPPORTED_PORT,
                   "output to %s: not a DPDK port", p->name);
        return EOPNOTSUPP;
    }
    if (rp->tnl_type) {
        /* The kernel datapath's form of encapsulation (set(tunnel) and
         * an output to the tunnel port, which routes): the underlay port
         * and outer Ethernet header are unknown here. */
        rtf_reason(x->why, OFFLOAD_R_UNSUPPORTED_PORT,
                   "output to %s (a %s tunnel port) cannot be offloaded: "
                   "no underlay port or outer Ethernet header (tnl_push has "
                   "them)",
                   p->name, p->type);
        return EOPNOTSUPP;
    }
    if (x->changed) {
        char what[64];
        snprintf(what, sizeof what, "%s between two outputs", x->changed);
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION, what);
    }
    if (x->dev->transfer) {
        struct rte_flow_action_ethdev e = { .port_id = rp->port_id };
        if (!rp->transfer || rp->switch_domain != x->dev->switch_domain) {
            rtf_reason(x->why, OFFLOAD_R_UNSUPPORTED_PORT,
                       "output to %s: not on the eswitch of %s", p->name,
                       x->dev->name);
            return EOPNOTSUPP;
        }
        error = add(x, RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, &e, sizeof e);
    } else {
        struct rte_flow_action_port_id pid = { .id = rp->port_id };
        error = add(x, RTE_FLOW_ACTION_TYPE_PORT_ID, &pid, sizeof pid);
    }
    if (!error) {
        x->n_outputs++;
        x->after_output = x->r->n_actions;
    }
    return error;
}

static int
push_vlan(struct ax *x, const struct ovs_action_push_vlan *pv)
{
    uint16_t tci = ntohs(pv->vlan_tci);
    struct rte_flow_action_of_push_vlan push = { .ethertype = pv->vlan_tpid };
    struct rte_flow_action_of_set_vlan_vid vid = {
        .vlan_vid = htons(tci & VLAN_VID_MASK),
    };
    struct rte_flow_action_of_set_vlan_pcp pcp = {
        .vlan_pcp = tci >> VLAN_PCP_SHIFT,
    };
    int error;

    if (pv->vlan_tpid != htons(ETH_TYPE_VLAN_8021Q)
        && pv->vlan_tpid != htons(ETH_TYPE_VLAN_8021AD)) {
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION,
                      "push_vlan with a TPID other than 0x8100 or 0x88a8");
    }
    changed(x, "push_vlan");
    if ((error = add(x, RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN, &push, sizeof push))
        || (error = add(x, RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID, &vid,
                        sizeof vid))) {
        return error;
    }
    return add(x, RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP, &pcp, sizeof pcp);
}

/* Header rewrites. */

/* How a rewrite of an N-byte field with mask M can be said: not at all
 * (partial), or as a whole field, or not needed. */
enum field_set { SET_NONE, SET_WHOLE, SET_PARTIAL };

static enum field_set
field_set(const void *m, size_t n)
{
    return nf_bytes_all(m, n, 0)      ? SET_NONE
           : nf_bytes_all(m, n, 0xff) ? SET_WHOLE
                                      : SET_PARTIAL;
}

/* True if a plain set() writes VAL over a field the flow matches exactly
 * with that very value (no change). */
static bool
unchanged(const void *val, const void *key, const void *kmask, size_t n)
{
    return nf_bytes_all(kmask, n, 0xff) && !memcmp(val, key, n);
}

static int
partial(struct ax *x, const char *what)
{
    char s[64];

    snprintf(s, sizeof s, "%s with a partial mask", what);
    return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION, s);
}

/* One whole-field SET_* action of N bytes: VAL/M, or refused as WHAT. */
static int
set_field(struct ax *x, enum rte_flow_action_type type, const void *val,
          const void *m, size_t n, const char *what)
{
    switch (field_set(m, n)) {
    case SET_NONE:
        return 0;
    case SET_PARTIAL:
        return partial(x, what);
    case SET_WHOLE:
    default:
        changed(x, what);
        /* Every SET_* conf used here starts with the field's bytes. */
        return add(x, type, val, n);
    }
}

/* The DSCP part of ToS/traffic class VAL under mask *M (the ECN bits must
 * be left alone).  TYPE is SET_IPV4_DSCP or SET_IPV6_DSCP. */
static int
set_dscp(struct ax *x, enum rte_flow_action_type type, uint8_t val, uint8_t m,
         const char *what)
{
    struct rte_flow_action_set_dscp d = { .dscp = val >> 2 };

    if (!m) {
        return 0;
    }
    if (m != 0xfc) {
        return partial(x, what);
    }
    changed(x, what);
    return add(x, type, &d, sizeof d);
}

static int
set_ttl(struct ax *x, uint8_t val, uint8_t m, const char *what)
{
    struct rte_flow_action_set_ttl t = { .ttl_value = val };

    if (!m) {
        return 0;
    }
    if (m != 0xff) {
        return partial(x, what);
    }
    changed(x, what);
    return add(x, RTE_FLOW_ACTION_TYPE_SET_TTL, &t, sizeof t);
}

static int
set_ethernet(struct ax *x, const uint8_t *v, const uint8_t *m)
{
    const struct ovs_key_ethernet *val = (const void *) v;
    const struct ovs_key_ethernet *mask = (const void *) m;
    int error;

    error = set_field(x, RTE_FLOW_ACTION_TYPE_SET_MAC_SRC, val->eth_src,
                      mask->eth_src, 6, "set(eth src)");
    return error ? error
                 : set_field(x, RTE_FLOW_ACTION_TYPE_SET_MAC_DST, val->eth_dst,
                             mask->eth_dst, 6, "set(eth dst)");
}

static int
set_ipv4(struct ax *x, const uint8_t *v, const uint8_t *m, bool masked)
{
    struct ovs_key_ipv4 val, mask;
    int error;

    memcpy(&val, v, sizeof val);
    memcpy(&mask, m, sizeof mask);
    if (!match_eth_type(x, ETH_TYPE_IP)) {
        return needs_match(x, "set(ipv4)", "eth_type 0x0800");
    }
    if (!masked) {
        /* A plain set() carries the protocol and fragment type as they
         * are; they cannot change.  Fields written with the value the
         * flow matches are no change. */
        mask.ipv4_proto = mask.ipv4_frag = 0;
        if (unchanged(&val.ipv4_src, &x->key->nw_src, &x->mask->nw_src, 4)) {
            mask.ipv4_src = 0;
        }
        if (unchanged(&val.ipv4_dst, &x->key->nw_dst, &x->mask->nw_dst, 4)) {
            mask.ipv4_dst = 0;
        }
        if (unchanged(&val.ipv4_ttl, &x->key->nw_ttl, &x->mask->nw_ttl, 1)) {
            mask.ipv4_ttl = 0;
        }
        if ((x->mask->nw_tos & 0x03) == 0x03
            && (val.ipv4_tos & 0x03) == (x->key->nw_tos & 0x03)) {
            mask.ipv4_tos &= 0xfc; /* The ECN bits stay as they are. */
        }
        if (unchanged(&val.ipv4_tos, &x->key->nw_tos, &x->mask->nw_tos, 1)) {
            mask.ipv4_tos = 0;
        }
    } else if (mask.ipv4_proto || mask.ipv4_frag) {
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION,
                      mask.ipv4_proto ? "set(ipv4 proto)" : "set(ipv4 frag)");
    }
    if ((error = set_field(x, RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC, &val.ipv4_src,
                           &mask.ipv4_src, 4, "set(ipv4 src)"))
        || (error =
                set_field(x, RTE_FLOW_ACTION_TYPE_SET_IPV4_DST, &val.ipv4_dst,
                          &mask.ipv4_dst, 4, "set(ipv4 dst)"))
        || (error = set_dscp(x, RTE_FLOW_ACTION_TYPE_SET_IPV4_DSCP,
                             val.ipv4_tos, mask.ipv4_tos, "set(ipv4 tos)"))) {
        return error;
    }
    return set_ttl(x, val.ipv4_ttl, mask.ipv4_ttl, "set(ipv4 ttl)");
}

static int
set_ipv6(struct ax *x, const uint8_t *v, const uint8_t *m, bool masked)
{
    struct ovs_key_ipv6 val, mask;
    int error;

    memcpy(&val, v, sizeof val);
    memcpy(&mask, m, sizeof mask);
    if (!match_eth_type(x, ETH_TYPE_IPV6)) {
        return needs_match(x, "set(ipv6)", "eth_type 0x86dd");
    }
    if (!masked) {
        mask.ipv6_proto = mask.ipv6_frag = 0;
        if (unchanged(val.ipv6_src, &x->key->ipv6_src, &x->mask->ipv6_src,
                      16)) {
            memset(mask.ipv6_src, 0, 16);
        }
        if (unchanged(val.ipv6_dst, &x->key->ipv6_dst, &x->mask->ipv6_dst,
                      16)) {
            memset(mask.ipv6_dst, 0, 16);
        }
        if (unchanged(&val.ipv6_hlimit, &x->key->nw_ttl, &x->mask->nw_ttl,
                      1)) {
            mask.ipv6_hlimit = 0;
        }
        if ((x->mask->nw_tos & 0x03) == 0x03
            && (val.ipv6_tclass & 0x03) == (x->key->nw_tos & 0x03)) {
            mask.ipv6_tclass &= 0xfc;
        }
        if (unchanged(&val.ipv6_tclass, &x->key->nw_tos, &x->mask->nw_tos,
                      1)) {
            mask.ipv6_tclass = 0;
        }
        if ((ntohl(x->mask->ipv6_label) & 0xfffff) == 0xfffff
            && (ntohl(val.ipv6_label) & 0xfffff)
                   == (ntohl(x->key->ipv6_label) & 0xfffff)) {
            mask.ipv6_label = 0;
        }
    } else if (mask.ipv6_proto || mask.ipv6_frag) {
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION,
                      mask.ipv6_proto ? "set(ipv6 proto)" : "set(ipv6 frag)");
    }
    if (ntohl(mask.ipv6_label) & 0xfffff) {
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION, "set(ipv6 label)");
    }
    if ((error = set_field(x, RTE_FLOW_ACTION_TYPE_SET_IPV6_SRC, val.ipv6_src,
                           mask.ipv6_src, 16, "set(ipv6 src)"))
        || (error =
                set_field(x, RTE_FLOW_ACTION_TYPE_SET_IPV6_DST, val.ipv6_dst,
                          mask.ipv6_dst, 16, "set(ipv6 dst)"))
        || (error = set_dscp(x, RTE_FLOW_ACTION_TYPE_SET_IPV6_DSCP,
                             val.ipv6_tclass, mask.ipv6_tclass,
                             "set(ipv6 tclass)"))) {
        return error;
    }
    return set_ttl(x, val.ipv6_hlimit, mask.ipv6_hlimit, "set(ipv6 hlimit)");
}

static int
set_ports(struct ax *x, uint16_t type, const uint8_t *v, const uint8_t *m)
{
    bool tcp = type == OVS_KEY_ATTR_TCP;
    const char *name = tcp ? "set(tcp)" : "set(udp)";
    int error;

    if (!match_ip_proto(x, tcp ? IPPROTO_TCP : IPPROTO_UDP)) {
        return needs_match(x, name, tcp ? "ip_proto 6" : "ip_proto 17");
    }
    /* Source then destination port, as in ovs_key_tcp/ovs_key_udp. */
    error = set_field(x, RTE_FLOW_ACTION_TYPE_SET_TP_SRC, v, m, 2,
                      tcp ? "set(tcp src)" : "set(udp src)");
    return error ? error
                 : set_field(x, RTE_FLOW_ACTION_TYPE_SET_TP_DST, v + 2, m + 2,
                             2, tcp ? "set(tcp dst)" : "set(udp dst)");
}

/* Names of the key attributes set() may carry, for refusals. */
static const char *const key_names[] = {
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
};

/* The payload sizes of the key attributes translated below. */
static const struct {
    uint16_t type;
    size_t size;
} set_sizes[] = {
    { OVS_KEY_ATTR_ETHERNET, sizeof(struct ovs_key_ethernet) },
    { OVS_KEY_ATTR_IPV4, sizeof(struct ovs_key_ipv4) },
    { OVS_KEY_ATTR_IPV6, sizeof(struct ovs_key_ipv6) },
    { OVS_KEY_ATTR_TCP, sizeof(struct ovs_key_tcp) },
    { OVS_KEY_ATTR_UDP, sizeof(struct ovs_key_udp) },
};

static int
xlate_set(struct ax *x, const uint8_t *p, size_t len, bool masked)
{
    static const uint8_t ones[sizeof(struct ovs_key_ipv6)] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    };
    struct nlattr nla;
    size_t size;
    char what[48];

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
    for (size_t i = 0; i < ARRAY_SIZE(set_sizes); i++) {
        if (set_sizes[i].type == type && set_sizes[i].size != size) {
            return malformed(x, "set() key attribute of the wrong size");
        }
    }
    _Static_assert(sizeof ones >= sizeof(struct ovs_key_ipv6)
                       && sizeof ones >= sizeof(struct ovs_key_ethernet),
                   "ones[] covers every key set() takes");
    const uint8_t *mask = masked ? val + size : ones;

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
    case OVS_KEY_ATTR_TUNNEL:
        /* See output(): encapsulation is tnl_push's. */
        rtf_reason(x->why, OFFLOAD_R_UNSUPPORTED_ACTION,
                   "action set(tunnel) cannot be offloaded: no underlay port "
                   "or outer Ethernet header (tnl_push has them)");
        return EOPNOTSUPP;
    default:
        if (type < ARRAY_SIZE(key_names) && key_names[type]) {
            snprintf(what, sizeof what, "set(%s)", key_names[type]);
        } else {
            snprintf(what, sizeof what, "set(key attribute %u)", type);
        }
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION, what);
    }
}

/* Other actions. */

static int
xlate_meter(struct ax *x, uint32_t id)
{
    struct rte_flow_action_meter m = { .mtr_id = id };
    int error;

    if (!x->env || !x->env->meter_check) {
        rtf_reason(x->why, OFFLOAD_R_UNSUPPORTED_ACTION,
                   "action meter cannot be offloaded (no meters)");
        return EOPNOTSUPP;
    }
    error = x->env->meter_check(id, x->why);
    if (error) {
        return error;
    }
    changed(x, "meter");
    return add(x, RTE_FLOW_ACTION_TYPE_METER, &m, sizeof m);
}

static int
xlate_dec_ttl(struct ax *x)
{
    bool ip =
        match_eth_type(x, ETH_TYPE_IP) || match_eth_type(x, ETH_TYPE_IPV6);

    if (!ip || x->mask->nw_ttl != 0xff || x->key->nw_ttl <= 1) {
        return needs_match(x, "dec_ttl", "nw_ttl above 1 (exact)");
    }
    changed(x, "dec_ttl");
    return add(x, RTE_FLOW_ACTION_TYPE_DEC_TTL, NULL, 0);
}

static int
xlate_tnl_push(struct ax *x, const uint8_t *p, size_t len)
{
    uint32_t out_port;
    int error;

    /* The encapsulation changes the packet: not between outputs. */
    changed(x, "tnl_push");
    if (x->changed) {
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION,
                      "tnl_push after an output");
    }
    error = rtf_tunnel_encap(p, len, x->r, &out_port, x->why);
    if (!error) {
        error = output(x, out_port);
    }
    x->terminal = "tnl_push";
    return error;
}

static int
xlate_tnl_pop(struct ax *x, uint32_t odp_port)
{
    const struct offload_port *p =
        x->env && x->env->lookup ? x->env->lookup(odp_port) : NULL;
    const struct rtf_port *rp = p ? rtf_port_of(p) : NULL;
    struct rte_flow_action_jump j;

    if (!rp || !rp->tnl_type) {
        rtf_reason(x->why, OFFLOAD_R_UNSUPPORTED_PORT,
                   "action tnl_pop(%u) cannot be offloaded: %s", odp_port,
                   !p    ? "no such port"
                   : !rp ? "not a tunnel port rteflow serves"
                         : "not a tunnel port");
        return EOPNOTSUPP;
    }
    if (x->n_outputs) {
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION,
                      "tnl_pop after an output");
    }
    j.group = rtf_tunnel_group(odp_port);
    x->terminal = "tnl_pop";
    x->jumped = true;
    return add(x, RTE_FLOW_ACTION_TYPE_JUMP, &j, sizeof j);
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
    [ODP_ACTION_ATTR_DROP] = { "drop", 4 },
    [ODP_ACTION_ATTR_TUNNEL_PUSH] = { "tnl_push", -1 },
    [ODP_ACTION_ATTR_TUNNEL_POP] = { "tnl_pop", 4 },
};

/* Translates one action of TYPE with payload P/LEN.  Sets *STOP for an
 * action after which nothing else happens to the packet. */
static int
xlate_one(struct ax *x, uint16_t type, const uint8_t *p, size_t len,
          bool *stop)
{
    const char *name = type < ARRAY_SIZE(actions) ? actions[type].name : NULL;
    uint32_t u32;

    if (!name) {
        char what[32];
        snprintf(what, sizeof what, "type %u", type);
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION, what);
    }
    if (actions[type].len >= 0 && (size_t) actions[type].len != len) {
        return malformed(x, name);
    }
    if (x->terminal) {
        char what[48];
        snprintf(what, sizeof what, "%s after %s", name, x->terminal);
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION, what);
    }
    switch (type) {
    case OVS_ACTION_ATTR_OUTPUT:
        memcpy(&u32, p, 4);
        return output(x, u32);
    case OVS_ACTION_ATTR_PUSH_VLAN: {
        struct ovs_action_push_vlan pv;
        memcpy(&pv, p, sizeof pv);
        return push_vlan(x, &pv);
    }
    case OVS_ACTION_ATTR_POP_VLAN:
        changed(x, "pop_vlan");
        return add(x, RTE_FLOW_ACTION_TYPE_OF_POP_VLAN, NULL, 0);
    case OVS_ACTION_ATTR_SET:
    case OVS_ACTION_ATTR_SET_MASKED:
        return xlate_set(x, p, len, type == OVS_ACTION_ATTR_SET_MASKED);
    case OVS_ACTION_ATTR_METER:
        memcpy(&u32, p, 4);
        return xlate_meter(x, u32);
    case OVS_ACTION_ATTR_DEC_TTL:
        return xlate_dec_ttl(x);
    case ODP_ACTION_ATTR_DROP:
        *stop = true;
        return 0;
    case ODP_ACTION_ATTR_TUNNEL_PUSH:
        return xlate_tnl_push(x, p, len);
    case ODP_ACTION_ATTR_TUNNEL_POP:
        memcpy(&u32, p, 4);
        return xlate_tnl_pop(x, u32);
    default:
        return refuse(x, OFFLOAD_R_UNSUPPORTED_ACTION, name);
    }
}

int
rtf_translate_actions(const struct offload_flow *flow,
                      const struct rtf_port *via, const struct rtf_env *env,
                      struct rtf_rule *r, struct offload_reason *why)
{
    const struct rtf_port *in = rtf_port_of(flow->in_port);
    struct ax x = {
        .key = flow->flow,
        .mask = flow->flow_mask,
        .dev = via ? via : in,
        .env = env,
        .r = r,
        .why = why,
    };
    const uint8_t *p = flow->actions;
    size_t len = flow->actions_len;
    bool stop = false;
    int error;

    if (!in || !x.dev || x.dev->tnl_type || !x.key || !x.mask) {
        rtf_reason(why, OFFLOAD_R_INTERNAL, "flow without a DPDK port or key");
        return EINVAL;
    }
    /* Counters first; then, for a flow entering a tunnel port, the
     * decapsulation of the outer headers its pattern matched. */
    error = add(&x, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
    if (!error && in->tnl_type) {
        error = rtf_tunnel_decap(x.key, x.mask, in, r, why);
    }
    if (error) {
        return error;
    }
    x.base = r->n_actions;
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

    if (x.jumped) {
        return 0;
    }
    if (!x.n_outputs) {
        /* Nothing leaves: whatever was done to the packet, it is
         * dropped. */
        while (r->n_actions > x.base) {
            rtf_rule_remove_action(r, r->n_actions - 1);
        }
        return add(&x, RTE_FLOW_ACTION_TYPE_DROP, NULL, 0);
    }
    /* Changes after the last output are lost on the packet anyway. */
    while (r->n_actions > x.after_output) {
        rtf_rule_remove_action(r, r->n_actions - 1);
    }
    return 0;
}
