/* hal-map.c: datapath flows onto HAL tables (see offload/hal.h).
 *
 * A flow's key and mask, decoded into struct flow, become a list of HAL
 * matches (tables below say which member is which field); its actions,
 * in the datapath's netlink format, a list of HAL actions.  Then the
 * first key template that holds every match at the bits its mask uses is
 * chosen, or the FDB when the flow is a plain L2 forward. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>
#include <endian.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/flow.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "offload/hal.h"
#include "offload/offload-private.h"
#include "softpath/odp.h"

/* The HAL fields: names for messages, full widths. */
static const struct {
    const char *name;
    unsigned bits;
} hal_fields[NICFLOW_HAL_F__N] = {
    [NICFLOW_HAL_F_IN_PORT] = { "in_port", 32 },
    [NICFLOW_HAL_F_ETH_DST] = { "eth_dst", 48 },
    [NICFLOW_HAL_F_ETH_SRC] = { "eth_src", 48 },
    [NICFLOW_HAL_F_ETH_TYPE] = { "eth_type", 16 },
    [NICFLOW_HAL_F_VLAN_TAGGED] = { "vlan_tagged", 1 },
    [NICFLOW_HAL_F_VLAN_VID] = { "vlan_vid", 12 },
    [NICFLOW_HAL_F_VLAN_PCP] = { "vlan_pcp", 3 },
    [NICFLOW_HAL_F_IPV4_SRC] = { "ipv4_src", 32 },
    [NICFLOW_HAL_F_IPV4_DST] = { "ipv4_dst", 32 },
    [NICFLOW_HAL_F_IPV6_SRC] = { "ipv6_src", 128 },
    [NICFLOW_HAL_F_IPV6_DST] = { "ipv6_dst", 128 },
    [NICFLOW_HAL_F_IP_PROTO] = { "ip_proto", 8 },
    [NICFLOW_HAL_F_IP_TOS] = { "ip_tos", 8 },
    [NICFLOW_HAL_F_IP_TTL] = { "ip_ttl", 8 },
    [NICFLOW_HAL_F_IP_FRAG] = { "ip_frag", 2 },
    [NICFLOW_HAL_F_L4_SRC] = { "l4_src", 16 },
    [NICFLOW_HAL_F_L4_DST] = { "l4_dst", 16 },
    [NICFLOW_HAL_F_TCP_FLAGS] = { "tcp_flags", 12 },
};

const char *
hal_field_name(unsigned field)
{
    return field < NICFLOW_HAL_F__N ? hal_fields[field].name : "?";
}

unsigned
hal_field_bits(unsigned field)
{
    return field < NICFLOW_HAL_F__N ? hal_fields[field].bits : 0;
}

static unsigned
field_bytes(unsigned field)
{
    return (hal_field_bits(field) + 7) / 8;
}

/* An entry matches each field once at most. */
_Static_assert(NICFLOW_HAL_F__N <= NICFLOW_HAL_MAX_MATCHES,
               "an ACL entry cannot hold a match on every field");

/* Members of struct flow that are HAL fields byte for byte (network
 * order, the field's bytes). */
#define FLOW_FIELD(F, MEMBER)                             \
    {                                                     \
        NICFLOW_HAL_F_##F, offsetof(struct flow, MEMBER), \
            sizeof(((struct flow *) 0)->MEMBER)           \
    }
static const struct {
    unsigned field;
    size_t ofs, len;
} flow_fields[] = {
    FLOW_FIELD(ETH_DST, dl_dst),    FLOW_FIELD(ETH_SRC, dl_src),
    FLOW_FIELD(ETH_TYPE, dl_type),  FLOW_FIELD(IPV4_SRC, nw_src),
    FLOW_FIELD(IPV4_DST, nw_dst),   FLOW_FIELD(IPV6_SRC, ipv6_src),
    FLOW_FIELD(IPV6_DST, ipv6_dst), FLOW_FIELD(IP_PROTO, nw_proto),
    FLOW_FIELD(IP_TOS, nw_tos),     FLOW_FIELD(IP_TTL, nw_ttl),
    FLOW_FIELD(IP_FRAG, nw_frag),   FLOW_FIELD(L4_SRC, tp_src),
    FLOW_FIELD(L4_DST, tp_dst),     FLOW_FIELD(TCP_FLAGS, tcp_flags),
};

/* Members no HAL field stands for: a flow whose mask has a bit in one is
 * refused.  recirc_id is among them, but a match on recirc_id 0 (the
 * first pass, every packet a device sees) is no match at all. */
#define FLOW_OTHER(NAME, MEMBER)                \
    {                                           \
        NAME, offsetof(struct flow, MEMBER),    \
            sizeof(((struct flow *) 0)->MEMBER) \
    }
static const struct {
    const char *name;
    size_t ofs, len;
} flow_others[] = {
    FLOW_OTHER("tunnel", tunnel),       FLOW_OTHER("pkt_mark", pkt_mark),
    FLOW_OTHER("dp_hash", dp_hash),     FLOW_OTHER("vlan2", vlans[1]),
    FLOW_OTHER("mpls", mpls_lse),       FLOW_OTHER("ipv6_label", ipv6_label),
    FLOW_OTHER("nd_target", nd_target), FLOW_OTHER("arp_sha", arp_sha),
    FLOW_OTHER("arp_tha", arp_tha),
};

/* Appends a match on FIELD with VALUE and MASK (LEN bytes each, network
 * order, right-aligned in the field's bytes) to E. */
static void
add_match(struct nicflow_hal_acl_entry *e, unsigned field,
          const uint8_t *value, const uint8_t *mask, size_t len)
{
    struct nicflow_hal_match *m = &e->matches[e->n_matches++];
    size_t n = field_bytes(field);

    memset(m, 0, sizeof *m);
    m->field = field;
    for (size_t i = 0; i < len && i < n; i++) {
        m->value[n - 1 - i] = value[len - 1 - i] & mask[len - 1 - i];
        m->mask[n - 1 - i] = mask[len - 1 - i];
    }
}

static void
add_match_u32(struct nicflow_hal_acl_entry *e, unsigned field, uint32_t value,
              uint32_t mask)
{
    uint32_t v = htonl(value), m = htonl(mask);

    add_match(e, field, (const uint8_t *) &v, (const uint8_t *) &m, 4);
}

/* Turns the key and mask of F into E's matches.  Returns 0 or EOPNOTSUPP
 * with the reason. */
static int
map_matches(const struct hal_map_dev *dev, const struct offload_flow *f,
            uint32_t chip_port, struct nicflow_hal_acl_entry *e,
            struct offload_reason *why)
{
    const uint8_t *key = (const uint8_t *) f->flow;
    const uint8_t *mask = (const uint8_t *) f->flow_mask;

    for (size_t i = 0; i < ARRAY_SIZE(flow_others); i++) {
        if (!nf_is_zero(mask + flow_others[i].ofs, flow_others[i].len)) {
            offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_MATCH,
                               "hal: match on %s cannot be offloaded",
                               flow_others[i].name);
            return EOPNOTSUPP;
        }
    }
    if (f->flow->recirc_id & f->flow_mask->recirc_id) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_MATCH,
                           "hal: match on recirc_id cannot be offloaded");
        return EOPNOTSUPP;
    }
    uint16_t dl_type = ntohs(f->flow->dl_type & f->flow_mask->dl_type);
    if ((dl_type == 0x0806 || dl_type == 0x8035)
        && (f->flow_mask->nw_src || f->flow_mask->nw_dst
            || f->flow_mask->nw_proto)) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_MATCH,
                           "hal: match on arp cannot be offloaded");
        return EOPNOTSUPP;
    }

    if (f->flow_mask->in_port) {
        add_match_u32(e, NICFLOW_HAL_F_IN_PORT, chip_port, UINT32_MAX);
    }
    for (size_t i = 0; i < ARRAY_SIZE(flow_fields); i++) {
        const uint8_t *m = mask + flow_fields[i].ofs;

        if (!nf_is_zero(m, flow_fields[i].len)) {
            add_match(e, flow_fields[i].field, key + flow_fields[i].ofs, m,
                      flow_fields[i].len);
        }
    }
    uint16_t tci = ntohs(f->flow->vlans[0].tci);
    uint16_t tci_mask = ntohs(f->flow_mask->vlans[0].tci);
    if (tci_mask & VLAN_CFI) {
        add_match_u32(e, NICFLOW_HAL_F_VLAN_TAGGED, !!(tci & VLAN_CFI), 1);
    }
    if (tci_mask & VLAN_VID_MASK) {
        add_match_u32(e, NICFLOW_HAL_F_VLAN_VID, tci & VLAN_VID_MASK,
                      tci_mask & VLAN_VID_MASK);
    }
    if (tci_mask & VLAN_PCP_MASK) {
        add_match_u32(e, NICFLOW_HAL_F_VLAN_PCP, tci >> VLAN_PCP_SHIFT,
                      tci_mask >> VLAN_PCP_SHIFT);
    }
    (void) dev;
    return 0;
}

/* The bits of M's field its mask uses, counted from the most significant:
 * 0 for an empty mask, the full width when the last bit is used. */
static unsigned
mask_prefix_bits(const struct nicflow_hal_match *m)
{
    unsigned bits = hal_field_bits(m->field), n = field_bytes(m->field);

    for (unsigned i = 0; i < bits; i++) {
        /* Bit I from the least significant end. */
        if (m->mask[n - 1 - i / 8] & (1u << (i % 8))) {
            return bits - i;
        }
    }
    return 0;
}

/* The width template T gives FIELD, 0 if it lacks the field. */
static unsigned
template_width(const struct nicflow_hal_key_template *t, unsigned field)
{
    for (uint32_t i = 0; i < t->n_fields && i < NICFLOW_HAL_MAX_KEY_FIELDS;
         i++) {
        if (t->fields[i].field == field) {
            return t->fields[i].width_bits;
        }
    }
    return 0;
}

/* Chooses the template for E's matches into e->template_id.  Returns 0 or
 * EOPNOTSUPP with the fields the nearest template lacks. */
static int
choose_template(const struct hal_map_dev *dev, struct nicflow_hal_acl_entry *e,
                struct offload_reason *why)
{
    const struct nicflow_hal_caps *caps = dev->caps;
    size_t best_missing = SIZE_MAX, best = 0;
    uint32_t n_templates = caps->n_templates < NICFLOW_HAL_MAX_TEMPLATES
                               ? caps->n_templates
                               : NICFLOW_HAL_MAX_TEMPLATES;

    for (uint32_t t = 0; t < n_templates; t++) {
        size_t missing = 0;

        /* The nearest template lacks the fewest fields; one that has a
         * field, if too narrow, is nearer than one without it. */
        for (uint32_t i = 0; i < e->n_matches; i++) {
            const struct nicflow_hal_match *m = &e->matches[i];
            unsigned have = template_width(&caps->templates[t], m->field);

            if (mask_prefix_bits(m) > have) {
                missing += have ? 1 : 2;
            }
        }
        if (!missing) {
            e->template_id = caps->templates[t].id;
            return 0;
        }
        if (missing < best_missing) {
            best_missing = missing;
            best = t;
        }
    }

    struct buf names = BUF_INITIALIZER;
    for (uint32_t i = 0; i < e->n_matches; i++) {
        const struct nicflow_hal_match *m = &e->matches[i];
        unsigned need = mask_prefix_bits(m);
        unsigned have =
            n_templates ? template_width(&caps->templates[best], m->field) : 0;

        if (need > have) {
            buf_printf(&names, "%s%s", names.len ? ", " : "",
                       hal_field_name(m->field));
            if (have) {
                buf_printf(&names, "/%u", need);
            }
        }
    }
    offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_MATCH,
                       "hal: no key template covers %s", buf_cstr(&names));
    buf_destroy(&names);
    return EOPNOTSUPP;
}

/* Datapath actions by OVS_ACTION_ATTR_*: their names, and the HAL action
 * each needs (0: none; -1: cannot be offloaded). */
static const struct {
    const char *name;
    int hal;
} odp_actions[] = {
    [OVS_ACTION_ATTR_OUTPUT] = { "output", NICFLOW_HAL_A_REDIRECT },
    [OVS_ACTION_ATTR_USERSPACE] = { "userspace", -1 },
    [OVS_ACTION_ATTR_SET] = { "set", NICFLOW_HAL_A_SET_FIELD },
    [OVS_ACTION_ATTR_PUSH_VLAN] = { "push_vlan", NICFLOW_HAL_A_VLAN_PUSH },
    [OVS_ACTION_ATTR_POP_VLAN] = { "pop_vlan", NICFLOW_HAL_A_VLAN_POP },
    [OVS_ACTION_ATTR_SAMPLE] = { "sample", -1 },
    [OVS_ACTION_ATTR_RECIRC] = { "recirc", -1 },
    [OVS_ACTION_ATTR_HASH] = { "hash", -1 },
    [OVS_ACTION_ATTR_SET_MASKED] = { "set", NICFLOW_HAL_A_SET_FIELD },
    [OVS_ACTION_ATTR_CT] = { "ct", -1 },
    [OVS_ACTION_ATTR_TRUNC] = { "trunc", -1 },
    [OVS_ACTION_ATTR_CT_CLEAR] = { "ct_clear", -1 },
    [OVS_ACTION_ATTR_METER] = { "meter", NICFLOW_HAL_A_POLICE },
    [OVS_ACTION_ATTR_CLONE] = { "clone", -1 },
    [ODP_ACTION_ATTR_DROP] = { "drop", 0 },
};

static int
refuse_action(struct offload_reason *why, const char *name)
{
    offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                       "hal: action %s cannot be offloaded", name);
    return EOPNOTSUPP;
}

static struct nicflow_hal_action *
add_action(struct nicflow_hal_acl_entry *e, unsigned type)
{
    struct nicflow_hal_action *a = &e->actions[e->n_actions++];

    memset(a, 0, sizeof *a);
    a->type = type;
    return a;
}

static void
add_set(struct nicflow_hal_acl_entry *e, unsigned field, const void *value,
        const void *mask, size_t len)
{
    const uint8_t *v = value, *m = mask;

    if (!nf_is_zero(m, len)) {
        struct nicflow_hal_action *a = add_action(e, NICFLOW_HAL_A_SET_FIELD);
        a->field = field;
        memcpy(a->value + field_bytes(field) - len, v, len);
        memcpy(a->mask + field_bytes(field) - len, m, len);
        for (size_t i = 0; i < len; i++) {
            a->value[field_bytes(field) - len + i] &= m[i];
        }
    }
}

/* Maps a set or set_masked action (MASKED) to SET_FIELDs. */
static int
map_set(const struct nlattr *attr, bool masked,
        struct nicflow_hal_acl_entry *e, struct offload_reason *why)
{
    const struct nlattr *inner = mnl_attr_get_payload(attr);
    uint16_t type = mnl_attr_get_type(inner);
    size_t len = mnl_attr_get_payload_len(inner);
    const uint8_t *v = mnl_attr_get_payload(inner);
    char name[64];

    if (type == OVS_KEY_ATTR_ETHERNET
        && len == (masked ? 2 : 1) * sizeof(struct ovs_key_ethernet)) {
        static const uint8_t ones[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
        const struct ovs_key_ethernet *k = (const void *) v;
        const struct ovs_key_ethernet *m = masked ? k + 1 : NULL;

        add_set(e, NICFLOW_HAL_F_ETH_SRC, k->eth_src, m ? m->eth_src : ones,
                6);
        add_set(e, NICFLOW_HAL_F_ETH_DST, k->eth_dst, m ? m->eth_dst : ones,
                6);
        return 0;
    }
    if (type == OVS_KEY_ATTR_IPV4
        && len == (masked ? 2 : 1) * sizeof(struct ovs_key_ipv4)) {
        const struct ovs_key_ipv4 *k = (const void *) v;
        struct ovs_key_ipv4 m;

        if (masked) {
            m = k[1];
        } else {
            /* A plain set writes the addresses, TOS and TTL. */
            memset(&m, 0xff, sizeof m);
            m.ipv4_proto = m.ipv4_frag = 0;
        }
        if (m.ipv4_proto || m.ipv4_frag) {
            return refuse_action(why, "set(ipv4(proto/frag))");
        }
        add_set(e, NICFLOW_HAL_F_IPV4_SRC, &k->ipv4_src, &m.ipv4_src, 4);
        add_set(e, NICFLOW_HAL_F_IPV4_DST, &k->ipv4_dst, &m.ipv4_dst, 4);
        add_set(e, NICFLOW_HAL_F_IP_TOS, &k->ipv4_tos, &m.ipv4_tos, 1);
        add_set(e, NICFLOW_HAL_F_IP_TTL, &k->ipv4_ttl, &m.ipv4_ttl, 1);
        return 0;
    }
    snprintf(name, sizeof name, "set(%s)", odp_key_name(type));
    return refuse_action(why, name);
}

static uint32_t
hal_tnl_type(uint32_t odp_type)
{
    return odp_type == ODP_TNL_TYPE_VXLAN    ? NICFLOW_HAL_TUN_VXLAN
           : odp_type == ODP_TNL_TYPE_GENEVE ? NICFLOW_HAL_TUN_GENEVE
           : odp_type == ODP_TNL_TYPE_GRE    ? NICFLOW_HAL_TUN_GRE
                                             : 0;
}

static const char *
hal_tnl_name(uint32_t hal_type)
{
    return hal_type == NICFLOW_HAL_TUN_VXLAN    ? "vxlan"
           : hal_type == NICFLOW_HAL_TUN_GENEVE ? "geneve"
           : hal_type == NICFLOW_HAL_TUN_GRE    ? "gre"
                                                : "?";
}

/* Maps a tnl_push action (ATTR) onto an encapsulation and E's
 * TUNNEL_ENCAP action; N_OUTS outputs came before it. */
static int
map_tnl_push(const struct hal_map_dev *dev, const struct nlattr *attr,
             struct nicflow_hal_acl_entry *e, size_t n_outs,
             struct hal_map_result *res, struct offload_reason *why)
{
    const uint8_t *payload = mnl_attr_get_payload(attr);
    size_t len = mnl_attr_get_payload_len(attr);
    struct odp_action_push_tnl push;
    struct odp_tnl_layout l;
    struct nicflow_hal_tunnel_encap *en = &res->encap;

    if (!(dev->caps->acl_actions
          & NICFLOW_HAL_ACTION_BIT(NICFLOW_HAL_A_TUNNEL_ENCAP))
        || !dev->caps->tunnel_encaps.supported) {
        return refuse_action(why, "tnl_push");
    }
    if (res->has_encap || n_outs) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                           "hal: tnl_push with another output cannot be "
                           "offloaded");
        return EOPNOTSUPP;
    }
    if (odp_tnl_push_check(payload, len, &l)) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                           "hal: malformed tnl_push");
        return EINVAL;
    }
    memcpy(&push, payload, ODP_TNL_PUSH_FIXED_LEN);
    const uint8_t *h = payload + ODP_TNL_PUSH_FIXED_LEN;
    uint32_t type = hal_tnl_type(push.tnl_type);
    if (!type || !(dev->caps->tunnel_types & NICFLOW_HAL_TUNNEL_BIT(type))) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                           "hal: %s does not encapsulate %s",
                           dev->caps->device,
                           type ? hal_tnl_name(type) : "this tunnel type");
        return EOPNOTSUPP;
    }
    const struct offload_port *op = offload_port_lookup(push.out_port);
    const struct nicflow_hal_port *hp =
        op && op->provider == &offload_hal_class ? hal_map_port(dev, op->name)
                                                 : NULL;
    if (!hp) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_PORT,
                           "hal: tnl_push out of port %u: not a port of %s",
                           push.out_port, dev->caps->device);
        return EOPNOTSUPP;
    }

    memset(en, 0, sizeof *en);
    en->type = type;
    en->chip_port = hp->chip_port;
    memcpy(en->dmac, h, 6);
    memcpy(en->smac, h + 6, 6);
    if (l.l2_5_ofs != UINT16_MAX) {
        en->vid = pkt_get_be16(h + l.l2_5_ofs + 2) & VLAN_VID_MASK;
    }
    const uint8_t *ip = h + l.l3_ofs;
    if (l.ipv6) {
        en->family = 6;
        en->tos = (uint8_t) (pkt_get_be32(ip) >> 20);
        en->ttl = ip[7];
        memcpy(en->src, ip + 8, 16);
        memcpy(en->dst, ip + 24, 16);
    } else {
        en->family = 4;
        en->tos = ip[1];
        en->ttl = ip[8];
        memcpy(en->src, ip + 12, 4);
        memcpy(en->dst, ip + 16, 4);
    }
    if (type == NICFLOW_HAL_TUN_GRE) {
        uint16_t flags = pkt_get_be16(h + l.l4_ofs);
        size_t key_ofs = l.l4_ofs + 4 + (flags & 0x8000 ? 4 : 0);
        en->vni = flags & 0x2000 ? pkt_get_be32(h + key_ofs) : 0;
    } else {
        en->dst_port = pkt_get_be16(h + l.l4_ofs + 2);
        en->vni = pkt_get_be32(h + l.tnl_ofs + 4) >> 8;
    }
    res->has_encap = true;
    res->encap_action = e->n_actions;
    add_action(e, NICFLOW_HAL_A_TUNNEL_ENCAP);
    return 0;
}

bool
hal_map_tunnel_vport(const struct offload_port *port, uint32_t *type,
                     uint16_t *dst_port)
{
    static const struct {
        const char *type, *prefix;
        uint32_t hal;
    } vports[] = {
        { "vxlan", "vxlan_sys_", NICFLOW_HAL_TUN_VXLAN },
        { "geneve", "genev_sys_", NICFLOW_HAL_TUN_GENEVE },
        { "gre", "gre_sys", NICFLOW_HAL_TUN_GRE },
    };

    for (size_t i = 0; port->type && i < ARRAY_SIZE(vports); i++) {
        size_t plen = strlen(vports[i].prefix);
        if (strcmp(port->type, vports[i].type)
            || strncmp(port->name, vports[i].prefix, plen)) {
            continue;
        }
        *type = vports[i].hal;
        *dst_port = vports[i].hal == NICFLOW_HAL_TUN_GRE
                        ? 0
                        : (uint16_t) atoi(port->name + plen);
        return true;
    }
    return false;
}

/* Maps the tunnel part of a flow entering tunnel vport IN (type TYPE, UDP
 * port DST_PORT) onto a decapsulation entry. */
static int
map_decap(const struct hal_map_dev *dev, const struct offload_flow *f,
          uint32_t type, uint16_t dst_port, struct hal_map_result *res,
          struct offload_reason *why)
{
    const struct pkt_tunnel *t = &f->flow->tunnel, *m = &f->flow_mask->tunnel;
    struct nicflow_hal_tunnel_decap *d = &res->decap;
    struct pkt_tunnel rest = *m;

    if (!dev->caps->tunnel_decaps.supported
        || !(dev->caps->tunnel_types & NICFLOW_HAL_TUNNEL_BIT(type))) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_MATCH,
                           "hal: %s does not decapsulate %s",
                           dev->caps->device, hal_tnl_name(type));
        return EOPNOTSUPP;
    }
    /* A decap entry matches the outer destination exactly, the source
     * exactly or not at all, and the key exactly. */
    memset(d, 0, sizeof *d);
    d->type = type;
    d->dst_port = dst_port;
    d->tunnel_port = HAL_TUNNEL_CHIP_PORT(f->in_port->odp_port);
    d->vni = (uint32_t) be64toh(t->tun_id)
             & (type == NICFLOW_HAL_TUN_GRE ? UINT32_MAX : 0xffffff);
    bool key_ok = m->tun_id == UINT64_MAX;
    if (m->ip_dst) {
        d->family = 4;
        key_ok &=
            m->ip_dst == UINT32_MAX && (m->ip_src == UINT32_MAX || !m->ip_src);
        memcpy(d->dst, &t->ip_dst, 4);
        if (m->ip_src) {
            memcpy(d->src, &t->ip_src, 4);
        }
    } else {
        static const struct in6_addr ones = {
            .s6_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                         0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }
        };
        d->family = 6;
        key_ok &= !memcmp(&m->ipv6_dst, &ones, 16)
                  && (!memcmp(&m->ipv6_src, &ones, 16)
                      || IN6_IS_ADDR_UNSPECIFIED(&m->ipv6_src));
        memcpy(d->dst, &t->ipv6_dst, 16);
        if (!IN6_IS_ADDR_UNSPECIFIED(&m->ipv6_src)) {
            memcpy(d->src, &t->ipv6_src, 16);
        }
    }
    rest.ip_src = rest.ip_dst = 0;
    rest.tun_id = 0;
    memset(&rest.ipv6_src, 0, sizeof rest.ipv6_src);
    memset(&rest.ipv6_dst, 0, sizeof rest.ipv6_dst);
    rest.flags &= (uint16_t) ~PKT_TUN_F_KEY;
    if (!key_ok || !nf_is_zero((const uint8_t *) &rest, sizeof rest)) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_MATCH,
                           "hal: a tunnel match other than outer addresses "
                           "and key cannot be offloaded");
        return EOPNOTSUPP;
    }
    res->has_decap = true;
    return 0;
}

/* Turns F's actions into E's; the chip ports of the outputs go to
 * OUTS[0 .. *N_OUTS - 1] and also into E as MIRROR for all but the last
 * and REDIRECT for the last. */
static int
map_actions(const struct hal_map_dev *dev, const struct offload_flow *f,
            struct nicflow_hal_acl_entry *e, uint32_t *outs, size_t *n_outs,
            struct hal_map_result *res, struct offload_reason *why)
{
    const uint32_t have = dev->caps->acl_actions;
    const struct nlattr *attr;
    size_t n = 0;

    mnl_attr_for_each_payload(f->actions, f->actions_len)
    {
        uint16_t type = mnl_attr_get_type(attr);
        const char *name =
            type < ARRAY_SIZE(odp_actions) ? odp_actions[type].name : NULL;
        char unknown[32];

        if (type == ODP_ACTION_ATTR_TUNNEL_POP) {
            /* Decapsulation is the decap entries', made from the flows of
             * the packets that come out of the tunnel: the underlay flow
             * only sees what no entry took. */
            offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                               "hal: tnl_pop is done by the decapsulation "
                               "entries of the tunnel's own flows");
            return EOPNOTSUPP;
        }
        if (type == ODP_ACTION_ATTR_TUNNEL_PUSH) {
            int error = map_tnl_push(dev, attr, e, n, res, why);
            if (error) {
                return error;
            }
            continue;
        }
        if (res->has_encap) {
            offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                               "hal: action %s after tnl_push cannot be "
                               "offloaded",
                               name ? name : "?");
            return EOPNOTSUPP;
        }

        if (!name) {
            snprintf(unknown, sizeof unknown, "%u", type);
            return refuse_action(why, unknown);
        }
        int hal = odp_actions[type].hal;
        if (hal < 0 || (hal && !(have & NICFLOW_HAL_ACTION_BIT(hal)))) {
            return refuse_action(why, name);
        }
        if (hal && hal != NICFLOW_HAL_A_REDIRECT && n) {
            offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                               "hal: action %s after an output cannot be "
                               "offloaded",
                               name);
            return EOPNOTSUPP;
        }
        /* Room for this action's entries (a set makes up to 4), the
         * outputs so far and a COUNT. */
        if (e->n_actions + n + 4 + 1 > NICFLOW_HAL_MAX_ACTIONS) {
            offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                               "hal: more actions than an entry holds (%d)",
                               NICFLOW_HAL_MAX_ACTIONS);
            return EOPNOTSUPP;
        }
        if (type == OVS_ACTION_ATTR_OUTPUT) {
            uint32_t odp = mnl_attr_get_u32(attr);
            const struct offload_port *op = offload_port_lookup(odp);
            const struct nicflow_hal_port *hp =
                op && op->provider == &offload_hal_class
                    ? hal_map_port(dev, op->name)
                    : NULL;

            if (!hp) {
                offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_PORT,
                                   "hal: output to port %u: not a port of %s",
                                   odp, dev->caps->device);
                return EOPNOTSUPP;
            }
            outs[n++] = hp->chip_port;
        } else if (type == OVS_ACTION_ATTR_PUSH_VLAN) {
            const struct ovs_action_push_vlan *pv = mnl_attr_get_payload(attr);
            struct nicflow_hal_action *a =
                add_action(e, NICFLOW_HAL_A_VLAN_PUSH);

            a->tpid = ntohs(pv->vlan_tpid);
            a->tci = ntohs(pv->vlan_tci) & ~VLAN_CFI;
        } else if (type == OVS_ACTION_ATTR_POP_VLAN) {
            add_action(e, NICFLOW_HAL_A_VLAN_POP);
        } else if (type == OVS_ACTION_ATTR_METER) {
            uint32_t meter = mnl_attr_get_u32(attr);
            char msg[96] = "the device has no meters";

            if (!dev->meter_usable
                || !dev->meter_usable(meter, msg, sizeof msg)) {
                offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                                   "hal: meter %u: %s", meter, msg);
                return EOPNOTSUPP;
            }
            add_action(e, NICFLOW_HAL_A_POLICE)->arg = meter;
        } else if (type == OVS_ACTION_ATTR_SET
                   || type == OVS_ACTION_ATTR_SET_MASKED) {
            int error =
                map_set(attr, type == OVS_ACTION_ATTR_SET_MASKED, e, why);
            if (error) {
                return error;
            }
        }
    }
    if (n > 1 && !(have & NICFLOW_HAL_ACTION_BIT(NICFLOW_HAL_A_MIRROR))) {
        return refuse_action(why, "output (to more than one port)");
    }
    if (res->has_encap && n) {
        /* TUNNEL_ENCAP is the entry's REDIRECT: plain outputs would have
         * to be mirrors before it, which the model does not order. */
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                           "hal: output beside tnl_push cannot be "
                           "offloaded");
        return EOPNOTSUPP;
    }
    for (size_t i = 0; i < n; i++) {
        add_action(e,
                   i + 1 < n ? NICFLOW_HAL_A_MIRROR : NICFLOW_HAL_A_REDIRECT)
            ->arg = outs[i];
    }
    *n_outs = n;
    return 0;
}

const struct nicflow_hal_port *
hal_map_port(const struct hal_map_dev *dev, const char *name)
{
    for (size_t i = 0; i < dev->n_ports; i++) {
        if (!strcmp(dev->ports[i].name, name)) {
            return &dev->ports[i];
        }
    }
    return NULL;
}

/* Whether E (matches and actions, one output OUT) is a plain L2 forward
 * an FDB entry can hold; if so fills *FDB. */
static bool
fdb_fits(const struct nicflow_hal_acl_entry *e, uint32_t out,
         struct nicflow_hal_fdb_entry *fdb)
{
    bool has_dst = false, has_vid = false;
    int tagged = -1;

    memset(fdb, 0, sizeof *fdb);
    if (e->n_actions != 1) {
        return false;
    }
    for (uint32_t i = 0; i < e->n_matches; i++) {
        const struct nicflow_hal_match *m = &e->matches[i];

        switch (m->field) {
        case NICFLOW_HAL_F_IN_PORT:
            break;
        case NICFLOW_HAL_F_ETH_DST:
            for (int j = 0; j < 6; j++) {
                if (m->mask[j] != 0xff) {
                    return false;
                }
            }
            memcpy(fdb->mac, m->value, 6);
            has_dst = true;
            break;
        case NICFLOW_HAL_F_VLAN_TAGGED:
            tagged = m->value[0];
            break;
        case NICFLOW_HAL_F_VLAN_VID:
            if (m->mask[0] != 0x0f || m->mask[1] != 0xff) {
                return false;
            }
            fdb->vid = (m->value[0] << 8) | m->value[1];
            has_vid = true;
            break;
        default:
            return false;
        }
    }
    /* Untagged frames are VID 0.  A flow that does not match the VLAN
     * goes in as VLAN 0 too: the entry then misses tagged frames, which
     * stay in software, rather than catch more than the flow does. */
    if (!has_dst || (tagged == 1 && !has_vid) || (tagged == 0 && has_vid)) {
        return false;
    }
    fdb->chip_port = out;
    return true;
}

int
hal_map_flow(const struct hal_map_dev *dev, const struct offload_flow *f,
             bool allow_fdb, struct hal_map_result *out,
             struct offload_reason *why)
{
    struct nicflow_hal_acl_entry *e = &out->acl;
    uint32_t outs[NICFLOW_HAL_MAX_ACTIONS];
    size_t n_outs;
    int error;

    memset(out, 0, sizeof *out);
    if (!f->flow || !f->flow_mask || !f->in_port) {
        offload_reason_set(why, OFFLOAD_R_INTERNAL,
                           "hal: the flow was not decoded");
        return EINVAL;
    }
    const struct nicflow_hal_port *in = hal_map_port(dev, f->in_port->name);
    uint32_t in_chip, tnl_type;
    uint16_t tnl_port;
    struct offload_flow inner;
    struct flow inner_mask;

    if (in) {
        in_chip = in->chip_port;
    } else if (hal_map_tunnel_vport(f->in_port, &tnl_type, &tnl_port)) {
        /* Out of a tunnel: the decap entry takes the outer match, the
         * ACL the rest, as entering the tunnel's chip port. */
        error = map_decap(dev, f, tnl_type, tnl_port, out, why);
        if (error) {
            return error;
        }
        inner = *f;
        inner_mask = *f->flow_mask;
        memset(&inner_mask.tunnel, 0, sizeof inner_mask.tunnel);
        inner.flow_mask = &inner_mask;
        f = &inner;
        in_chip = out->decap.tunnel_port;
    } else {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_PORT,
                           "hal: %s is not a port of %s", f->in_port->name,
                           dev->caps->device);
        return EOPNOTSUPP;
    }
    error = map_matches(dev, f, in_chip, e, why);
    if (!error) {
        error = map_actions(dev, f, e, outs, &n_outs, out, why);
    }
    if (error) {
        return error;
    }
    if (allow_fdb && dev->has_fdb && n_outs == 1 && !out->has_decap
        && fdb_fits(e, outs[0], &out->fdb)) {
        out->is_fdb = true;
        return 0;
    }
    if (!dev->caps->acl.supported) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_MATCH,
                           "hal: %s has no ACL table", dev->caps->device);
        return EOPNOTSUPP;
    }
    error = choose_template(dev, e, why);
    if (error) {
        return error;
    }

    /* Megaflows do not overlap, so the priority only breaks ties the
     * datapath never has: more specific entries first. */
    unsigned bits = 0;
    for (uint32_t i = 0; i < e->n_matches; i++) {
        for (unsigned j = 0; j < NICFLOW_HAL_VALUE_MAX; j++) {
            bits += __builtin_popcount(e->matches[i].mask[j]);
        }
    }
    e->priority = bits < dev->caps->acl_priority_max
                      ? bits
                      : dev->caps->acl_priority_max;
    return 0;
}
