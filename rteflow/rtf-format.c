/* rtf-format.c: the text form of rte_flow rules (rtf_format()).
 *
 * Items print from a table of their fields (name, offset, size, how the
 * value reads), one row per field a translation may set, so that what a
 * rule matches is visible byte for byte: a field prints when its mask is
 * not zero, and a bit the spec sets outside its mask prints too (as
 * "!name=..."), since it would be a translation bug.  Actions print with
 * their confs. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "rteflow/rtf-rule.h"

enum fkind {
    F_MAC,  /* 6 bytes. */
    F_IP4,  /* be32 address. */
    F_IP6,  /* 16 bytes. */
    F_U8,   /* Decimal. */
    F_U8X,  /* Hex. */
    F_B16,  /* be16, decimal. */
    F_B16X, /* be16, hex. */
    F_B32X, /* be32, hex. */
    F_U16,  /* Host order, decimal. */
    F_U32,  /* Host order, decimal. */
    F_V3X,  /* 3 bytes (a VNI), hex. */
};

struct ffield {
    const char *name;
    uint16_t ofs;
    uint8_t size;
    enum fkind kind;
};

#define FLD(TYPE, NAME, MEMBER, KIND)                                    \
    {                                                                    \
        NAME, offsetof(TYPE, MEMBER), sizeof(((TYPE *) 0)->MEMBER), KIND \
    }

#define ETH struct rte_flow_item_eth
static const struct ffield eth_fields[] = {
    FLD(ETH, "dst", hdr.dst_addr, F_MAC),
    FLD(ETH, "src", hdr.src_addr, F_MAC),
    FLD(ETH, "type", hdr.ether_type, F_B16X),
    { NULL, 0, 0, 0 },
};
#define VLAN struct rte_flow_item_vlan
static const struct ffield vlan_fields[] = {
    FLD(VLAN, "tci", hdr.vlan_tci, F_B16X),
    FLD(VLAN, "inner_type", hdr.eth_proto, F_B16X),
    { NULL, 0, 0, 0 },
};
#define IP4 struct rte_flow_item_ipv4
static const struct ffield ipv4_fields[] = {
    FLD(IP4, "tos", hdr.type_of_service, F_U8X),
    FLD(IP4, "frag", hdr.fragment_offset, F_B16X),
    FLD(IP4, "ttl", hdr.time_to_live, F_U8),
    FLD(IP4, "proto", hdr.next_proto_id, F_U8),
    FLD(IP4, "src", hdr.src_addr, F_IP4),
    FLD(IP4, "dst", hdr.dst_addr, F_IP4),
    { NULL, 0, 0, 0 },
};
#define IP6 struct rte_flow_item_ipv6
static const struct ffield ipv6_fields[] = {
    FLD(IP6, "vtc_flow", hdr.vtc_flow, F_B32X),
    FLD(IP6, "proto", hdr.proto, F_U8),
    FLD(IP6, "hop_limits", hdr.hop_limits, F_U8),
    FLD(IP6, "src", hdr.src_addr, F_IP6),
    FLD(IP6, "dst", hdr.dst_addr, F_IP6),
    { NULL, 0, 0, 0 },
};
#define FRAG struct rte_flow_item_ipv6_frag_ext
static const struct ffield frag_fields[] = {
    FLD(FRAG, "next_header", hdr.next_header, F_U8),
    FLD(FRAG, "frag_data", hdr.frag_data, F_B16X),
    { NULL, 0, 0, 0 },
};
#define TCP struct rte_flow_item_tcp
static const struct ffield tcp_fields[] = {
    FLD(TCP, "src", hdr.src_port, F_B16),
    FLD(TCP, "dst", hdr.dst_port, F_B16),
    FLD(TCP, "data_off", hdr.data_off, F_U8X),
    FLD(TCP, "flags", hdr.tcp_flags, F_U8X),
    { NULL, 0, 0, 0 },
};
#define UDP struct rte_flow_item_udp
static const struct ffield udp_fields[] = {
    FLD(UDP, "src", hdr.src_port, F_B16),
    FLD(UDP, "dst", hdr.dst_port, F_B16),
    FLD(UDP, "cksum", hdr.dgram_cksum, F_B16X),
    { NULL, 0, 0, 0 },
};
#define SCTP struct rte_flow_item_sctp
static const struct ffield sctp_fields[] = {
    FLD(SCTP, "src", hdr.src_port, F_B16),
    FLD(SCTP, "dst", hdr.dst_port, F_B16),
    { NULL, 0, 0, 0 },
};
#define ICMP struct rte_flow_item_icmp
static const struct ffield icmp_fields[] = {
    FLD(ICMP, "type", hdr.icmp_type, F_U8),
    FLD(ICMP, "code", hdr.icmp_code, F_U8),
    { NULL, 0, 0, 0 },
};
#define ICMP6 struct rte_flow_item_icmp6
static const struct ffield icmp6_fields[] = {
    FLD(ICMP6, "type", type, F_U8),
    FLD(ICMP6, "code", code, F_U8),
    { NULL, 0, 0, 0 },
};
#define VXLAN struct rte_flow_item_vxlan
static const struct ffield vxlan_fields[] = {
    FLD(VXLAN, "flags", flags, F_U8X),
    FLD(VXLAN, "vni", vni, F_V3X),
    { NULL, 0, 0, 0 },
};
#define GENEVE struct rte_flow_item_geneve
static const struct ffield geneve_fields[] = {
    FLD(GENEVE, "flags", ver_opt_len_o_c_rsvd0, F_B16X),
    FLD(GENEVE, "protocol", protocol, F_B16X),
    FLD(GENEVE, "vni", vni, F_V3X),
    { NULL, 0, 0, 0 },
};
#define GRE struct rte_flow_item_gre
static const struct ffield gre_fields[] = {
    FLD(GRE, "flags", c_rsvd0_ver, F_B16X),
    FLD(GRE, "protocol", protocol, F_B16X),
    { NULL, 0, 0, 0 },
};
static const struct ffield gre_key_fields[] = {
    { "key", 0, 4, F_B32X },
    { NULL, 0, 0, 0 },
};
#define REPR struct rte_flow_item_ethdev
static const struct ffield ethdev_fields[] = {
    FLD(REPR, "port_id", port_id, F_U16),
    { NULL, 0, 0, 0 },
};
#define PORTID struct rte_flow_item_port_id
static const struct ffield port_id_fields[] = {
    FLD(PORTID, "id", id, F_U32),
    { NULL, 0, 0, 0 },
};

static const struct {
    enum rte_flow_item_type type;
    const char *name;
    const struct ffield *fields;
} item_types[] = {
    { RTE_FLOW_ITEM_TYPE_ETH, "eth", eth_fields },
    { RTE_FLOW_ITEM_TYPE_VLAN, "vlan", vlan_fields },
    { RTE_FLOW_ITEM_TYPE_IPV4, "ipv4", ipv4_fields },
    { RTE_FLOW_ITEM_TYPE_IPV6, "ipv6", ipv6_fields },
    { RTE_FLOW_ITEM_TYPE_IPV6_FRAG_EXT, "ipv6_frag_ext", frag_fields },
    { RTE_FLOW_ITEM_TYPE_TCP, "tcp", tcp_fields },
    { RTE_FLOW_ITEM_TYPE_UDP, "udp", udp_fields },
    { RTE_FLOW_ITEM_TYPE_SCTP, "sctp", sctp_fields },
    { RTE_FLOW_ITEM_TYPE_ICMP, "icmp", icmp_fields },
    { RTE_FLOW_ITEM_TYPE_ICMP6, "icmp6", icmp6_fields },
    { RTE_FLOW_ITEM_TYPE_VXLAN, "vxlan", vxlan_fields },
    { RTE_FLOW_ITEM_TYPE_GENEVE, "geneve", geneve_fields },
    { RTE_FLOW_ITEM_TYPE_GRE, "gre", gre_fields },
    { RTE_FLOW_ITEM_TYPE_GRE_KEY, "gre_key", gre_key_fields },
    { RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, "represented_port", ethdev_fields },
    { RTE_FLOW_ITEM_TYPE_PORT_ID, "port_id", port_id_fields },
};

const char *
rtf_item_name(enum rte_flow_item_type type)
{
    for (size_t i = 0; i < ARRAY_SIZE(item_types); i++) {
        if (item_types[i].type == type) {
            return item_types[i].name;
        }
    }
    return NULL;
}

static void
put_value(struct buf *b, enum fkind kind, const uint8_t *p)
{
    char s[INET6_ADDRSTRLEN];
    uint16_t u16;
    uint32_t u32;

    switch (kind) {
    case F_MAC:
        buf_printf(b, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3],
                   p[4], p[5]);
        break;
    case F_IP4:
        buf_put_cstr(b, inet_ntop(AF_INET, p, s, sizeof s));
        break;
    case F_IP6:
        buf_put_cstr(b, inet_ntop(AF_INET6, p, s, sizeof s));
        break;
    case F_U8:
        buf_printf(b, "%u", p[0]);
        break;
    case F_U8X:
        buf_printf(b, "%#x", p[0]);
        break;
    case F_B16:
    case F_B16X:
        memcpy(&u16, p, 2);
        buf_printf(b, kind == F_B16 ? "%u" : "0x%04x", ntohs(u16));
        break;
    case F_B32X:
        memcpy(&u32, p, 4);
        buf_printf(b, "%#x", ntohl(u32));
        break;
    case F_U16:
        memcpy(&u16, p, 2);
        buf_printf(b, "%u", u16);
        break;
    case F_U32:
        memcpy(&u32, p, 4);
        buf_printf(b, "%" PRIu32, u32);
        break;
    case F_V3X:
        buf_printf(b, "%#x", (unsigned) p[0] << 16 | p[1] << 8 | p[2]);
        break;
    }
}

static void
format_fields(struct buf *b, const struct ffield *fields, const uint8_t *spec,
              const uint8_t *mask, const uint8_t *last)
{
    for (const struct ffield *f = fields; f->name; f++) {
        const uint8_t *s = spec + f->ofs, *m = mask + f->ofs;
        bool stray = false;

        for (size_t i = 0; i < f->size; i++) {
            stray |= (s[i] & ~m[i]) != 0;
        }
        if (nf_bytes_all(m, f->size, 0) && !stray) {
            continue;
        }
        buf_printf(b, " %s%s=", stray ? "!" : "", f->name);
        put_value(b, f->kind, s);
        if (last && !nf_bytes_all(last + f->ofs, f->size, 0)
            && memcmp(last + f->ofs, s, f->size)) {
            /* DPDK ignores a 'last' field that is 0 or equals the spec. */
            buf_put_cstr(b, "..");
            put_value(b, f->kind, last + f->ofs);
        }
        if (!nf_bytes_all(m, f->size, 0xff) || stray) {
            buf_put_char(b, '/');
            put_value(b, f->kind, m);
        }
    }
}

/* The one-bit flags that follow some headers (bit-fields: no offsetof). */
static void
format_flag_bits(struct buf *b, enum rte_flow_item_type type, const void *spec,
                 const void *mask)
{
    unsigned s = 0, m = 0;
    const char *name = NULL;

    if (type == RTE_FLOW_ITEM_TYPE_ETH) {
        const struct rte_flow_item_eth *se = spec, *me = mask;
        s = se->has_vlan;
        m = me->has_vlan;
        name = "has_vlan";
    } else if (type == RTE_FLOW_ITEM_TYPE_VLAN) {
        const struct rte_flow_item_vlan *sv = spec, *mv = mask;
        s = sv->has_more_vlan;
        m = mv->has_more_vlan;
        name = "has_more_vlan";
    } else if (type == RTE_FLOW_ITEM_TYPE_IPV6) {
        const struct rte_flow_item_ipv6 *s6 = spec, *m6 = mask;
        s = s6->has_frag_ext;
        m = m6->has_frag_ext;
        name = "has_frag_ext";
    }
    if (name && m) {
        buf_printf(b, " %s=%u", name, s);
    }
}

static void
format_item(struct buf *b, const struct rte_flow_item *item)
{
    const char *name = NULL;
    const struct ffield *fields = NULL;

    for (size_t i = 0; i < ARRAY_SIZE(item_types); i++) {
        if (item_types[i].type == item->type) {
            name = item_types[i].name;
            fields = item_types[i].fields;
        }
    }
    if (!name) {
        buf_printf(b, "item%d", (int) item->type);
        return;
    }
    buf_put_cstr(b, name);
    if (item->spec && item->mask) {
        format_fields(b, fields, item->spec, item->mask, item->last);
        format_flag_bits(b, item->type, item->spec, item->mask);
    } else if (item->spec || item->mask) {
        buf_put_cstr(b, " (spec or mask missing)");
    }
}

static const struct {
    enum rte_flow_action_type type;
    const char *name;
} action_types[] = {
    { RTE_FLOW_ACTION_TYPE_COUNT, "count" },
    { RTE_FLOW_ACTION_TYPE_DROP, "drop" },
    { RTE_FLOW_ACTION_TYPE_PORT_ID, "port_id" },
    { RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, "represented_port" },
    { RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN, "of_push_vlan" },
    { RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID, "of_set_vlan_vid" },
    { RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP, "of_set_vlan_pcp" },
    { RTE_FLOW_ACTION_TYPE_OF_POP_VLAN, "of_pop_vlan" },
    { RTE_FLOW_ACTION_TYPE_SET_MAC_SRC, "set_mac_src" },
    { RTE_FLOW_ACTION_TYPE_SET_MAC_DST, "set_mac_dst" },
    { RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC, "set_ipv4_src" },
    { RTE_FLOW_ACTION_TYPE_SET_IPV4_DST, "set_ipv4_dst" },
    { RTE_FLOW_ACTION_TYPE_SET_IPV6_SRC, "set_ipv6_src" },
    { RTE_FLOW_ACTION_TYPE_SET_IPV6_DST, "set_ipv6_dst" },
    { RTE_FLOW_ACTION_TYPE_SET_IPV4_DSCP, "set_ipv4_dscp" },
    { RTE_FLOW_ACTION_TYPE_SET_IPV6_DSCP, "set_ipv6_dscp" },
    { RTE_FLOW_ACTION_TYPE_SET_TP_SRC, "set_tp_src" },
    { RTE_FLOW_ACTION_TYPE_SET_TP_DST, "set_tp_dst" },
    { RTE_FLOW_ACTION_TYPE_SET_TTL, "set_ttl" },
    { RTE_FLOW_ACTION_TYPE_DEC_TTL, "dec_ttl" },
    { RTE_FLOW_ACTION_TYPE_RAW_ENCAP, "raw_encap" },
    { RTE_FLOW_ACTION_TYPE_RAW_DECAP, "raw_decap" },
    { RTE_FLOW_ACTION_TYPE_VXLAN_DECAP, "vxlan_decap" },
    { RTE_FLOW_ACTION_TYPE_JUMP, "jump" },
    { RTE_FLOW_ACTION_TYPE_METER, "meter" },
    { RTE_FLOW_ACTION_TYPE_MARK, "mark" },
    { RTE_FLOW_ACTION_TYPE_QUEUE, "queue" },
    { RTE_FLOW_ACTION_TYPE_RSS, "rss" },
};

const char *
rtf_action_name(enum rte_flow_action_type type)
{
    for (size_t i = 0; i < ARRAY_SIZE(action_types); i++) {
        if (action_types[i].type == type) {
            return action_types[i].name;
        }
    }
    return NULL;
}

static void
put_hex(struct buf *b, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf_printf(b, "%02x", p[i]);
    }
}

static void
format_action(struct buf *b, const struct rte_flow_action *a)
{
    const char *name = rtf_action_name(a->type);
    char s[INET6_ADDRSTRLEN];
    const void *c = a->conf;

    if (!name) {
        buf_printf(b, "action%d", (int) a->type);
        return;
    }
    buf_put_cstr(b, name);
    if (!c) {
        return;
    }
    switch (a->type) {
    case RTE_FLOW_ACTION_TYPE_PORT_ID: {
        const struct rte_flow_action_port_id *p = c;
        buf_printf(b, " id=%" PRIu32, p->id);
        break;
    }
    case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT: {
        const struct rte_flow_action_ethdev *p = c;
        buf_printf(b, " port_id=%u", p->port_id);
        break;
    }
    case RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN: {
        const struct rte_flow_action_of_push_vlan *p = c;
        buf_printf(b, " ethertype=0x%04x", ntohs(p->ethertype));
        break;
    }
    case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID: {
        const struct rte_flow_action_of_set_vlan_vid *p = c;
        buf_printf(b, " vlan_vid=%u", ntohs(p->vlan_vid));
        break;
    }
    case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP: {
        const struct rte_flow_action_of_set_vlan_pcp *p = c;
        buf_printf(b, " vlan_pcp=%u", p->vlan_pcp);
        break;
    }
    case RTE_FLOW_ACTION_TYPE_SET_MAC_SRC:
    case RTE_FLOW_ACTION_TYPE_SET_MAC_DST: {
        const struct rte_flow_action_set_mac *p = c;
        buf_put_char(b, ' ');
        put_value(b, F_MAC, p->mac_addr);
        break;
    }
    case RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC:
    case RTE_FLOW_ACTION_TYPE_SET_IPV4_DST: {
        const struct rte_flow_action_set_ipv4 *p = c;
        buf_printf(b, " %s", inet_ntop(AF_INET, &p->ipv4_addr, s, sizeof s));
        break;
    }
    case RTE_FLOW_ACTION_TYPE_SET_IPV6_SRC:
    case RTE_FLOW_ACTION_TYPE_SET_IPV6_DST: {
        const struct rte_flow_action_set_ipv6 *p = c;
        buf_printf(b, " %s", inet_ntop(AF_INET6, p->ipv6_addr, s, sizeof s));
        break;
    }
    case RTE_FLOW_ACTION_TYPE_SET_IPV4_DSCP:
    case RTE_FLOW_ACTION_TYPE_SET_IPV6_DSCP: {
        const struct rte_flow_action_set_dscp *p = c;
        buf_printf(b, " %u", p->dscp);
        break;
    }
    case RTE_FLOW_ACTION_TYPE_SET_TP_SRC:
    case RTE_FLOW_ACTION_TYPE_SET_TP_DST: {
        const struct rte_flow_action_set_tp *p = c;
        buf_printf(b, " %u", ntohs(p->port));
        break;
    }
    case RTE_FLOW_ACTION_TYPE_SET_TTL: {
        const struct rte_flow_action_set_ttl *p = c;
        buf_printf(b, " %u", p->ttl_value);
        break;
    }
    case RTE_FLOW_ACTION_TYPE_RAW_ENCAP: {
        const struct rte_flow_action_raw_encap *p = c;
        buf_printf(b, " size=%zu data=", p->size);
        put_hex(b, p->data, p->size);
        break;
    }
    case RTE_FLOW_ACTION_TYPE_RAW_DECAP: {
        const struct rte_flow_action_raw_decap *p = c;
        buf_printf(b, " size=%zu", p->size);
        if (p->data) {
            buf_put_cstr(b, " data=");
            put_hex(b, p->data, p->size);
        }
        break;
    }
    case RTE_FLOW_ACTION_TYPE_JUMP: {
        const struct rte_flow_action_jump *p = c;
        buf_printf(b, " group=%#" PRIx32, p->group);
        break;
    }
    case RTE_FLOW_ACTION_TYPE_METER: {
        const struct rte_flow_action_meter *p = c;
        buf_printf(b, " mtr_id=%" PRIu32, p->mtr_id);
        break;
    }
    case RTE_FLOW_ACTION_TYPE_MARK: {
        const struct rte_flow_action_mark *p = c;
        buf_printf(b, " id=%" PRIu32, p->id);
        break;
    }
    case RTE_FLOW_ACTION_TYPE_QUEUE: {
        const struct rte_flow_action_queue *p = c;
        buf_printf(b, " index=%u", p->index);
        break;
    }
    case RTE_FLOW_ACTION_TYPE_RSS: {
        const struct rte_flow_action_rss *p = c;
        buf_printf(b,
                   " level=%" PRIu32 " types=%#" PRIx64 " queues=", p->level,
                   p->types);
        for (uint32_t i = 0; i < p->queue_num; i++) {
            buf_printf(b, "%s%u", i ? "," : "", p->queue[i]);
        }
        break;
    }
    default:
        buf_put_cstr(b, " (conf)");
        break;
    }
}

void
rtf_format(struct buf *b, const struct rte_flow_attr *attr,
           const struct rte_flow_item *items,
           const struct rte_flow_action *actions)
{
    buf_put_cstr(b, attr->transfer ? "transfer"
                    : attr->egress ? "egress"
                                   : "ingress");
    if (attr->group) {
        buf_printf(b, " group %#" PRIx32, attr->group);
    }
    if (attr->priority) {
        buf_printf(b, " priority %" PRIu32, attr->priority);
    }
    buf_put_cstr(b, " pattern ");
    for (; items->type != RTE_FLOW_ITEM_TYPE_END; items++) {
        format_item(b, items);
        buf_put_cstr(b, " / ");
    }
    buf_put_cstr(b, "end actions ");
    for (; actions->type != RTE_FLOW_ACTION_TYPE_END; actions++) {
        format_action(b, actions);
        buf_put_cstr(b, " / ");
    }
    buf_put_cstr(b, "end");
}

void
rtf_rule_format(struct buf *b, const struct rtf_rule *r)
{
    rtf_format(b, &r->attr, r->items, r->actions);
}
