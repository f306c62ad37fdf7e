/* tcf-filter.c: the filter model's helpers: ownership rules, handle
 * encoding, counters, comparison of an echo with its request, the field
 * table and a printer. */
#include "tc-flower/tcf-filter.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/tc_act/tc_csum.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_pedit.h>
#include <linux/tc_act/tc_tunnel_key.h>
#include <linux/tc_act/tc_vlan.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"

#define KOFS(MEMBER) offsetof(struct tcf_key, MEMBER)
#define KLEN(MEMBER) sizeof(((struct tcf_key *) 0)->MEMBER)
#define FIELD(NAME, ATTR, MASK_ATTR, MEMBER, CTX, FMT)              \
    {                                                               \
        NAME, ATTR, MASK_ATTR, KOFS(MEMBER), KLEN(MEMBER), CTX, FMT \
    }

/* The order is the printing order.  Transport ports appear three times
 * (TCP, UDP, SCTP attributes for the same key bytes); the context decides
 * which one a filter uses. */
const struct tcf_field tcf_fields[] = {
    FIELD("eth_dst", TCA_FLOWER_KEY_ETH_DST, TCA_FLOWER_KEY_ETH_DST_MASK,
          eth_dst, TCF_CTX_ANY, TCF_FMT_MAC),
    FIELD("eth_src", TCA_FLOWER_KEY_ETH_SRC, TCA_FLOWER_KEY_ETH_SRC_MASK,
          eth_src, TCF_CTX_ANY, TCF_FMT_MAC),
    FIELD("ip_proto", TCA_FLOWER_KEY_IP_PROTO, 0, ip_proto, TCF_CTX_IP,
          TCF_FMT_DEC),
    FIELD("ip_tos", TCA_FLOWER_KEY_IP_TOS, TCA_FLOWER_KEY_IP_TOS_MASK, ip_tos,
          TCF_CTX_IP, TCF_FMT_HEX),
    FIELD("ip_ttl", TCA_FLOWER_KEY_IP_TTL, TCA_FLOWER_KEY_IP_TTL_MASK, ip_ttl,
          TCF_CTX_IP, TCF_FMT_DEC),
    FIELD("ipv4_src", TCA_FLOWER_KEY_IPV4_SRC, TCA_FLOWER_KEY_IPV4_SRC_MASK,
          ipv4_src, TCF_CTX_IPV4, TCF_FMT_IP4),
    FIELD("ipv4_dst", TCA_FLOWER_KEY_IPV4_DST, TCA_FLOWER_KEY_IPV4_DST_MASK,
          ipv4_dst, TCF_CTX_IPV4, TCF_FMT_IP4),
    FIELD("ipv6_src", TCA_FLOWER_KEY_IPV6_SRC, TCA_FLOWER_KEY_IPV6_SRC_MASK,
          ipv6_src, TCF_CTX_IPV6, TCF_FMT_IP6),
    FIELD("ipv6_dst", TCA_FLOWER_KEY_IPV6_DST, TCA_FLOWER_KEY_IPV6_DST_MASK,
          ipv6_dst, TCF_CTX_IPV6, TCF_FMT_IP6),
    FIELD("tcp_src", TCA_FLOWER_KEY_TCP_SRC, TCA_FLOWER_KEY_TCP_SRC_MASK,
          tp_src, TCF_CTX_TCP, TCF_FMT_DEC),
    FIELD("tcp_dst", TCA_FLOWER_KEY_TCP_DST, TCA_FLOWER_KEY_TCP_DST_MASK,
          tp_dst, TCF_CTX_TCP, TCF_FMT_DEC),
    FIELD("tcp_flags", TCA_FLOWER_KEY_TCP_FLAGS, TCA_FLOWER_KEY_TCP_FLAGS_MASK,
          tcp_flags, TCF_CTX_TCP, TCF_FMT_HEX),
    FIELD("udp_src", TCA_FLOWER_KEY_UDP_SRC, TCA_FLOWER_KEY_UDP_SRC_MASK,
          tp_src, TCF_CTX_UDP, TCF_FMT_DEC),
    FIELD("udp_dst", TCA_FLOWER_KEY_UDP_DST, TCA_FLOWER_KEY_UDP_DST_MASK,
          tp_dst, TCF_CTX_UDP, TCF_FMT_DEC),
    FIELD("sctp_src", TCA_FLOWER_KEY_SCTP_SRC, TCA_FLOWER_KEY_SCTP_SRC_MASK,
          tp_src, TCF_CTX_SCTP, TCF_FMT_DEC),
    FIELD("sctp_dst", TCA_FLOWER_KEY_SCTP_DST, TCA_FLOWER_KEY_SCTP_DST_MASK,
          tp_dst, TCF_CTX_SCTP, TCF_FMT_DEC),
    FIELD("icmp_type", TCA_FLOWER_KEY_ICMPV4_TYPE,
          TCA_FLOWER_KEY_ICMPV4_TYPE_MASK, icmp_type, TCF_CTX_ICMPV4,
          TCF_FMT_DEC),
    FIELD("icmp_code", TCA_FLOWER_KEY_ICMPV4_CODE,
          TCA_FLOWER_KEY_ICMPV4_CODE_MASK, icmp_code, TCF_CTX_ICMPV4,
          TCF_FMT_DEC),
    FIELD("icmpv6_type", TCA_FLOWER_KEY_ICMPV6_TYPE,
          TCA_FLOWER_KEY_ICMPV6_TYPE_MASK, icmp_type, TCF_CTX_ICMPV6,
          TCF_FMT_DEC),
    FIELD("icmpv6_code", TCA_FLOWER_KEY_ICMPV6_CODE,
          TCA_FLOWER_KEY_ICMPV6_CODE_MASK, icmp_code, TCF_CTX_ICMPV6,
          TCF_FMT_DEC),
    FIELD("arp_op", TCA_FLOWER_KEY_ARP_OP, TCA_FLOWER_KEY_ARP_OP_MASK, arp_op,
          TCF_CTX_ARP, TCF_FMT_DEC),
    FIELD("arp_sip", TCA_FLOWER_KEY_ARP_SIP, TCA_FLOWER_KEY_ARP_SIP_MASK,
          arp_sip, TCF_CTX_ARP, TCF_FMT_IP4),
    FIELD("arp_tip", TCA_FLOWER_KEY_ARP_TIP, TCA_FLOWER_KEY_ARP_TIP_MASK,
          arp_tip, TCF_CTX_ARP, TCF_FMT_IP4),
    FIELD("arp_sha", TCA_FLOWER_KEY_ARP_SHA, TCA_FLOWER_KEY_ARP_SHA_MASK,
          arp_sha, TCF_CTX_ARP, TCF_FMT_MAC),
    FIELD("arp_tha", TCA_FLOWER_KEY_ARP_THA, TCA_FLOWER_KEY_ARP_THA_MASK,
          arp_tha, TCF_CTX_ARP, TCF_FMT_MAC),
    FIELD("num_vlans", TCA_FLOWER_KEY_NUM_OF_VLANS, 0, num_vlans, TCF_CTX_ANY,
          TCF_FMT_DEC),
    FIELD("ip_flags", TCA_FLOWER_KEY_FLAGS, TCA_FLOWER_KEY_FLAGS_MASK, flags,
          TCF_CTX_ANY, TCF_FMT_HEX),
    /* The tunnel metadata (decapsulation): whatever the inner packet. */
    FIELD("enc_key_id", TCA_FLOWER_KEY_ENC_KEY_ID, 0, enc_key_id, TCF_CTX_ANY,
          TCF_FMT_DEC),
    FIELD("enc_ipv4_src", TCA_FLOWER_KEY_ENC_IPV4_SRC,
          TCA_FLOWER_KEY_ENC_IPV4_SRC_MASK, enc_ipv4_src, TCF_CTX_ANY,
          TCF_FMT_IP4),
    FIELD("enc_ipv4_dst", TCA_FLOWER_KEY_ENC_IPV4_DST,
          TCA_FLOWER_KEY_ENC_IPV4_DST_MASK, enc_ipv4_dst, TCF_CTX_ANY,
          TCF_FMT_IP4),
    FIELD("enc_ipv6_src", TCA_FLOWER_KEY_ENC_IPV6_SRC,
          TCA_FLOWER_KEY_ENC_IPV6_SRC_MASK, enc_ipv6_src, TCF_CTX_ANY,
          TCF_FMT_IP6),
    FIELD("enc_ipv6_dst", TCA_FLOWER_KEY_ENC_IPV6_DST,
          TCA_FLOWER_KEY_ENC_IPV6_DST_MASK, enc_ipv6_dst, TCF_CTX_ANY,
          TCF_FMT_IP6),
    FIELD("enc_dst_port", TCA_FLOWER_KEY_ENC_UDP_DST_PORT,
          TCA_FLOWER_KEY_ENC_UDP_DST_PORT_MASK, enc_tp_dst, TCF_CTX_ANY,
          TCF_FMT_DEC),
    FIELD("enc_tos", TCA_FLOWER_KEY_ENC_IP_TOS, TCA_FLOWER_KEY_ENC_IP_TOS_MASK,
          enc_tos, TCF_CTX_ANY, TCF_FMT_HEX),
    FIELD("enc_ttl", TCA_FLOWER_KEY_ENC_IP_TTL, TCA_FLOWER_KEY_ENC_IP_TTL_MASK,
          enc_ttl, TCF_CTX_ANY, TCF_FMT_DEC),
};
const size_t tcf_n_fields = ARRAY_SIZE(tcf_fields);

void
tcf_filter_clear(struct tcf_filter *f)
{
    memset(f, 0, offsetof(struct tcf_filter, actions) + sizeof f->actions[0]);
}

void
tcf_filter_init(struct tcf_filter *f, int ifindex)
{
    tcf_filter_clear(f);
    f->ifindex = ifindex;
    f->parent = tcf_ingress_parent();
    f->protocol = htons(ETH_P_ALL);
    f->chain = TCF_CHAIN;
    strcpy(f->kind, "flower");
}

uint32_t
tcf_ingress_parent(void)
{
    return TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS);
}

uint32_t
tcf_egress_parent(void)
{
    return TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS);
}

uint32_t
tcf_port_parent(const char *type)
{
    static const struct {
        const char *type;
        bool egress;
    } types[] = {
        { "afpacket", false }, { "afxdp", false }, { "system", false },
        { "internal", true },  { "tap", true },    { "vxlan", false },
        { "geneve", false },   { "gre", false },
    };

    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        if (!type || !strcmp(type, types[i].type)) {
            return types[i].egress ? tcf_egress_parent()
                                   : tcf_ingress_parent();
        }
    }
    return 0;
}

bool
tcf_port_is_tunnel(const char *type)
{
    static const char *const types[] = { "vxlan", "geneve", "gre" };

    for (size_t i = 0; type && i < ARRAY_SIZE(types); i++) {
        if (!strcmp(type, types[i])) {
            return true;
        }
    }
    return false;
}

const char *
tcf_hook_name(uint32_t parent)
{
    static __thread char buf[32];

    if (parent == tcf_ingress_parent()) {
        return "ingress";
    } else if (parent == tcf_egress_parent()) {
        return "egress";
    }
    snprintf(buf, sizeof buf, "parent %#" PRIx32, parent);
    return buf;
}

bool
tcf_prio_is_ours(uint32_t prio)
{
    return prio >= TCF_PRIO_MIN && prio <= TCF_PRIO_MAX;
}

bool
tcf_filter_is_ours(const struct tcf_filter *f, uint32_t parent,
                   struct offload_ufid *ufid)
{
    if (f->parent != parent || f->chain != TCF_CHAIN
        || !tcf_prio_is_ours(f->prio) || strcmp(f->kind, "flower")
        || !f->n_actions || f->actions[0].cookie_len != TCF_COOKIE_LEN) {
        return false;
    }
    if (ufid) {
        _Static_assert(sizeof *ufid == TCF_COOKIE_LEN, "ufid is the cookie");
        memcpy(ufid, f->actions[0].cookie, TCF_COOKIE_LEN);
    }
    return true;
}

uint64_t
tcf_handle_encode(uint16_t prio, uint32_t handle)
{
    return ((uint64_t) prio << 32) | handle;
}

bool
tcf_handle_decode(uint64_t h, uint16_t *prio, uint32_t *handle)
{
    uint64_t p = h >> 32;

    *prio = p;
    *handle = (uint32_t) h;
    return tcf_prio_is_ours(p) && *handle != 0;
}

void
tcf_filter_counters(const struct tcf_filter *f, uint64_t *packets,
                    uint64_t *bytes, uint64_t *hw_packets,
                    long long *lastuse_ms)
{
    const struct tcf_counters *best = NULL;
    bool have_lastuse = false;
    uint64_t lastuse = 0;

    for (size_t i = 0; i < f->n_actions; i++) {
        const struct tcf_counters *c = &f->actions[i].stats;
        if (f->actions[i].type == TCF_A_POLICE) {
            /* Shared by every filter of its meter: not this flow's. */
            continue;
        }
        if (!best || c->packets > best->packets) {
            best = c;
        }
        if (c->has_lastuse && (!have_lastuse || c->lastuse < lastuse)) {
            lastuse = c->lastuse;
            have_lastuse = true;
        }
    }
    *packets = best ? best->packets : 0;
    *bytes = best ? best->bytes : 0;
    *hw_packets = best ? best->hw_packets : 0;
    if (!*packets || !have_lastuse) {
        *lastuse_ms = -1;
    } else {
        /* struct tcf_t counts USER_HZ ticks (sysconf(_SC_CLK_TCK)). */
        long hz = sysconf(_SC_CLK_TCK);
        if (hz <= 0) {
            hz = 100;
        }
        *lastuse_ms =
            lastuse > (uint64_t) 1 << 40 ? (1LL << 40) : lastuse * 1000 / hz;
    }
}

bool
tcf_field_ctx_ok(enum tcf_field_ctx ctx, const struct tcf_key *key,
                 const struct tcf_key *mask)
{
    bool eth_exact = mask->eth_type == 0xffff;
    bool proto_exact = mask->ip_proto == 0xff;
    bool ip4 = eth_exact && key->eth_type == htons(ETH_P_IP);
    bool ip6 = eth_exact && key->eth_type == htons(ETH_P_IPV6);

    switch (ctx) {
    case TCF_CTX_ANY:
        return true;
    case TCF_CTX_IP:
        return ip4 || ip6;
    case TCF_CTX_IPV4:
        return ip4;
    case TCF_CTX_IPV6:
        return ip6;
    case TCF_CTX_TCP:
        return (ip4 || ip6) && proto_exact && key->ip_proto == IPPROTO_TCP;
    case TCF_CTX_UDP:
        return (ip4 || ip6) && proto_exact && key->ip_proto == IPPROTO_UDP;
    case TCF_CTX_SCTP:
        return (ip4 || ip6) && proto_exact && key->ip_proto == IPPROTO_SCTP;
    case TCF_CTX_ICMPV4:
        return ip4 && proto_exact && key->ip_proto == IPPROTO_ICMP;
    case TCF_CTX_ICMPV6:
        return ip6 && proto_exact && key->ip_proto == IPPROTO_ICMPV6;
    case TCF_CTX_ARP:
        return eth_exact
               && (key->eth_type == htons(ETH_P_ARP)
                   || key->eth_type == htons(ETH_P_RARP));
    }
    return false;
}

bool
tcf_geneve_opts_check(const uint8_t *opts, size_t len, char *why,
                      size_t why_size)
{
    if (len > TCF_ENC_OPTS_MAX) {
        snprintf(why, why_size, "%zu bytes: tc takes at most %d", len,
                 TCF_ENC_OPTS_MAX);
        return false;
    }
    for (size_t ofs = 0; ofs < len;) {
        if (len - ofs < 4) {
            snprintf(why, why_size, "not whole options: %zu bytes left over",
                     len - ofs);
            return false;
        }
        const uint8_t *o = opts + ofs;
        /* At most TCF_GENEVE_DATA_MAX: 5 bits of 4-byte words. */
        size_t dlen = (o[3] & 0x1fu) * 4;
        unsigned cls = (unsigned) o[0] << 8 | o[1];
        if (dlen > len - ofs - 4) {
            snprintf(why, why_size,
                     "not whole options: option class 0x%x type 0x%x has "
                     "%zu bytes of data, %zu left",
                     cls, o[2], dlen, len - ofs - 4);
            return false;
        }
        /* The kernel refuses an option without data (cls_flower's and
         * act_tunnel_key's "option data is less than 4 bytes long"). */
        if (dlen < TCF_GENEVE_DATA_MIN) {
            snprintf(why, why_size,
                     "option class 0x%x type 0x%x has no data: tc needs %d "
                     "to %d bytes",
                     cls, o[2], TCF_GENEVE_DATA_MIN, TCF_GENEVE_DATA_MAX);
            return false;
        }
        ofs += 4 + dlen;
    }
    return true;
}

/* Comparison. */

/* True if the LEN bytes at A and B agree under their masks: both masks
 * equal and the masked values equal. */
static bool
masked_equal(const uint8_t *ka, const uint8_t *ma, const uint8_t *kb,
             const uint8_t *mb, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (ma[i] != mb[i] || (ka[i] & ma[i]) != (kb[i] & mb[i])) {
            return false;
        }
    }
    return true;
}

#define KEY_EQUAL(MEMBER)                              \
    masked_equal((const uint8_t *) &want->key.MEMBER,  \
                 (const uint8_t *) &want->mask.MEMBER, \
                 (const uint8_t *) &got->key.MEMBER,   \
                 (const uint8_t *) &got->mask.MEMBER,  \
                 sizeof want->key.MEMBER)

static bool
match_agrees(const struct tcf_filter *want, const struct tcf_filter *got,
             char *what, size_t n)
{
    /* The fields spread over several attributes, as one list. */
    static const struct {
        const char *name;
        size_t ofs, len;
    } special[] = {
        { "vlan_tpid", KOFS(vlan_tpid[0]), KLEN(vlan_tpid[0]) },
        { "vlan_id", KOFS(vlan_id[0]), KLEN(vlan_id[0]) },
        { "vlan_prio", KOFS(vlan_prio[0]), KLEN(vlan_prio[0]) },
        { "cvlan_tpid", KOFS(vlan_tpid[1]), KLEN(vlan_tpid[1]) },
        { "cvlan_id", KOFS(vlan_id[1]), KLEN(vlan_id[1]) },
        { "cvlan_prio", KOFS(vlan_prio[1]), KLEN(vlan_prio[1]) },
        { "eth_type", KOFS(eth_type), KLEN(eth_type) },
    };
    const uint8_t *wk = (const uint8_t *) &want->key;
    const uint8_t *wm = (const uint8_t *) &want->mask;
    const uint8_t *gk = (const uint8_t *) &got->key;
    const uint8_t *gm = (const uint8_t *) &got->mask;

    if (want->protocol != got->protocol) {
        snprintf(what, n, "protocol");
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(special); i++) {
        size_t o = special[i].ofs;
        if (!masked_equal(wk + o, wm + o, gk + o, gm + o, special[i].len)) {
            snprintf(what, n, "%s", special[i].name);
            return false;
        }
    }
    for (size_t i = 0; i < tcf_n_fields; i++) {
        size_t o = tcf_fields[i].ofs;
        if (!masked_equal(wk + o, wm + o, gk + o, gm + o, tcf_fields[i].len)) {
            snprintf(what, n, "%s", tcf_fields[i].name);
            return false;
        }
    }
    /* Geneve options: matched or not, the same layout, and the same bytes
     * under the same masks. */
    const struct pkt_tun_opts *wo = &want->key.enc_opts;
    const struct pkt_tun_opts *go = &got->key.enc_opts;
    if (want->mask.enc_opts.len != got->mask.enc_opts.len
        || (want->mask.enc_opts.len
            && (wo->len != go->len
                || !masked_equal(
                    wo->data, want->mask.enc_opts.data, go->data,
                    got->mask.enc_opts.data,
                    NF_MIN((size_t) wo->len, sizeof wo->data))))) {
        snprintf(what, n, "enc_opts");
        return false;
    }
    return true;
}

/* True if the Geneve options A and B (datapath form) are the same. */
static bool
opts_equal(const struct pkt_tun_opts *a, const struct pkt_tun_opts *b)
{
    return a->len == b->len
           && !memcmp(a->data, b->data,
                      NF_MIN((size_t) a->len, sizeof a->data));
}

static bool
tunnel_key_agrees(const struct tcf_action *a, const struct tcf_action *b)
{
    const struct tcf_tunnel_key *x = &a->tunnel_key, *y = &b->tunnel_key;

    if (x->t_action != y->t_action) {
        return false;
    }
    if (x->t_action != TCA_TUNNEL_KEY_ACT_SET) {
        return true;
    }
    return x->has_key_id == y->has_key_id
           && (!x->has_key_id || x->key_id == y->key_id)
           && x->has_ipv4 == y->has_ipv4 && x->has_ipv6 == y->has_ipv6
           && (!x->has_ipv4
               || (x->ipv4_src == y->ipv4_src && x->ipv4_dst == y->ipv4_dst))
           && (!x->has_ipv6
               || (!memcmp(&x->ipv6_src, &y->ipv6_src, sizeof x->ipv6_src)
                   && !memcmp(&x->ipv6_dst, &y->ipv6_dst, sizeof x->ipv6_dst)))
           && x->dst_port == y->dst_port && x->tos == y->tos
           && x->ttl == y->ttl && x->no_csum == y->no_csum
           && x->has_opts == y->has_opts && opts_equal(&x->opts, &y->opts);
}

/* A police action bound by index (A->police.bind) agrees with the shared
 * action the kernel reports if that is the one at the index, with the
 * verdicts asked for, and polices at some rate: a bind to an index where
 * no action is (deleted meanwhile) makes the kernel create one without a
 * rate, which would let everything through.  The rate itself may change
 * at any time (a meter's new rate replaces the action in place) and is
 * not compared.  Otherwise every parameter is. */
static bool
police_agrees(const struct tcf_action *a, const struct tcf_action *b)
{
    const struct tcf_police_parms *x = &a->police, *y = &b->police;

    if (x->index != y->index || x->conform != y->conform) {
        return false;
    }
    if (x->bind && y->bind) {
        return true;
    }
    if (x->bind || y->bind) {
        return (x->bind ? y : x)->rate || (x->bind ? y : x)->pkt_rate;
    }
    return x->rate == y->rate && x->burst == y->burst && x->mtu == y->mtu
           && x->pkt_rate == y->pkt_rate && x->pkt_burst == y->pkt_burst;
}

static bool
action_agrees(const struct tcf_action *a, const struct tcf_action *b)
{
    if (a->type != b->type || a->verdict != b->verdict
        || a->cookie_len != b->cookie_len
        || memcmp(a->cookie, b->cookie,
                  NF_MIN(a->cookie_len, (uint16_t) TCF_COOKIE_LEN))) {
        return false;
    }
    switch (a->type) {
    case TCF_A_OTHER:
        return !strcmp(a->kind, b->kind);
    case TCF_A_DROP:
    case TCF_A_GACT:
        return true;
    case TCF_A_MIRRED:
        return a->mirred.eaction == b->mirred.eaction
               && a->mirred.ifindex == b->mirred.ifindex;
    case TCF_A_VLAN:
        if (a->vlan.v_action != b->vlan.v_action) {
            return false;
        }
        return a->vlan.v_action == TCA_VLAN_ACT_POP
               || (a->vlan.id == b->vlan.id && a->vlan.prio == b->vlan.prio
                   && a->vlan.proto == b->vlan.proto);
    case TCF_A_PEDIT:
        if (a->pedit.n_keys != b->pedit.n_keys) {
            return false;
        }
        for (size_t i = 0; i < a->pedit.n_keys && i < TCF_PEDIT_MAX_KEYS;
             i++) {
            const struct tcf_pedit_key *x = &a->pedit.keys[i];
            const struct tcf_pedit_key *y = &b->pedit.keys[i];
            if (x->htype != y->htype || x->cmd != y->cmd || x->off != y->off
                || x->mask != y->mask || x->val != y->val) {
                return false;
            }
        }
        return true;
    case TCF_A_CSUM:
        return a->csum.flags == b->csum.flags;
    case TCF_A_SKBEDIT:
        return a->skbedit.has_ptype == b->skbedit.has_ptype
               && a->skbedit.ptype == b->skbedit.ptype;
    case TCF_A_TUNNEL_KEY:
        return tunnel_key_agrees(a, b);
    case TCF_A_POLICE:
        return police_agrees(a, b);
    }
    return false;
}

bool
tcf_filter_agrees(const struct tcf_filter *want, const struct tcf_filter *got,
                  char *what, size_t what_size)
{
    const uint32_t skip = TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_SKIP_SW;

    if (strcmp(want->kind, got->kind)) {
        snprintf(what, what_size, "kind");
        return false;
    }
    if (want->prio != got->prio || want->handle != got->handle
        || want->chain != got->chain || want->ifindex != got->ifindex) {
        snprintf(what, what_size, "prio/handle/chain/device");
        return false;
    }
    if (!match_agrees(want, got, what, what_size)) {
        return false;
    }
    if ((want->flags & skip) != (got->flags & skip)) {
        snprintf(what, what_size, "skip_sw/skip_hw flags");
        return false;
    }
    if (want->n_actions != got->n_actions) {
        snprintf(what, what_size, "number of actions (%zu, got %zu)",
                 want->n_actions, got->n_actions);
        return false;
    }
    for (size_t i = 0; i < want->n_actions; i++) {
        if (!action_agrees(&want->actions[i], &got->actions[i])) {
            snprintf(what, what_size, "action %zu (%s)", i + 1,
                     want->actions[i].kind);
            return false;
        }
    }
    return true;
}

/* Printing. */

static void
format_value(struct buf *b, enum tcf_field_fmt fmt, const uint8_t *p,
             size_t len)
{
    char s[INET6_ADDRSTRLEN];
    unsigned long long v = 0;

    switch (fmt) {
    case TCF_FMT_MAC:
        buf_printf(b, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3],
                   p[4], p[5]);
        return;
    case TCF_FMT_IP4:
        buf_put_cstr(b, inet_ntop(AF_INET, p, s, sizeof s));
        return;
    case TCF_FMT_IP6:
        buf_put_cstr(b, inet_ntop(AF_INET6, p, s, sizeof s));
        return;
    case TCF_FMT_DEC:
    case TCF_FMT_HEX:
        /* Multi-byte fields are in network order. */
        for (size_t i = 0; i < len; i++) {
            v = (v << 8) | p[i];
        }
        buf_printf(b, fmt == TCF_FMT_DEC ? "%llu" : "%#llx", v);
        return;
    }
}

static const char *
verdict_name(int verdict)
{
    switch (verdict) {
    case TC_ACT_OK:
        return "ok";
    case TC_ACT_SHOT:
        return "shot";
    case TC_ACT_STOLEN:
        return "stolen";
    case TC_ACT_PIPE:
        return "pipe";
    default:
        return NULL;
    }
}

/* Geneve options as tc prints them, " geneve_opts CLASS:TYPE:DATA,..."
 * in hex, with "/CLASS:TYPE:DATA" of MASK (NULL: exact) after an option
 * whose mask is not all ones.  The options are walked by the lengths in
 * OPTS (LEN bytes); a broken tail prints as "<N bytes>". */
static void
format_geneve_opts(struct buf *b, const uint8_t *opts, const uint8_t *mask,
                   size_t len)
{
    buf_put_cstr(b, " geneve_opts ");
    for (size_t ofs = 0; ofs < len;) {
        const uint8_t *o = opts + ofs;
        size_t olen = len - ofs < 4 ? 0 : 4 + (o[3] & 0x1fu) * 4;
        if (!olen || olen > len - ofs) {
            buf_printf(b, "%s<%zu bytes>", ofs ? "," : "", len - ofs);
            return;
        }
        const uint8_t *om = mask ? mask + ofs : NULL;
        bool exact = !om
                     || (nf_bytes_all(om, 3, 0xff)
                         && nf_bytes_all(om + 4, olen - 4, 0xff));
        for (int m = 0; m < (exact ? 1 : 2); m++) {
            const uint8_t *p = m ? om : o;
            buf_printf(b, "%s%02x%02x:%02x:",
                       m     ? "/"
                       : ofs ? ","
                             : "",
                       p[0], p[1], p[2]);
            for (size_t i = 4; i < olen; i++) {
                buf_printf(b, "%02x", p[i]);
            }
        }
        ofs += olen;
    }
}

/* "tunnel_key set key_id 100 src 10.1.1.1 dst 10.1.1.2 dst_port 4789
 * tos 0x0 ttl 64 nocsum", "tunnel_key unset". */
static void
format_tunnel_key(struct buf *b, const struct tcf_action *a)
{
    const struct tcf_tunnel_key *t = &a->tunnel_key;
    char s[INET6_ADDRSTRLEN];

    if (t->t_action == TCA_TUNNEL_KEY_ACT_RELEASE) {
        buf_put_cstr(b, "tunnel_key unset");
        return;
    } else if (t->t_action != TCA_TUNNEL_KEY_ACT_SET) {
        buf_printf(b, "tunnel_key t_action %d", t->t_action);
        return;
    }
    buf_put_cstr(b, "tunnel_key set");
    if (t->has_key_id) {
        buf_printf(b, " key_id %" PRIu32, ntohl(t->key_id));
    }
    if (t->has_ipv4) {
        buf_printf(b, " src %s",
                   inet_ntop(AF_INET, &t->ipv4_src, s, sizeof s));
        buf_printf(b, " dst %s",
                   inet_ntop(AF_INET, &t->ipv4_dst, s, sizeof s));
    }
    if (t->has_ipv6) {
        buf_printf(b, " src %s",
                   inet_ntop(AF_INET6, &t->ipv6_src, s, sizeof s));
        buf_printf(b, " dst %s",
                   inet_ntop(AF_INET6, &t->ipv6_dst, s, sizeof s));
    }
    if (t->dst_port) {
        buf_printf(b, " dst_port %u", ntohs(t->dst_port));
    }
    if (t->tos) {
        buf_printf(b, " tos %#x", t->tos);
    }
    if (t->ttl) {
        buf_printf(b, " ttl %u", t->ttl);
    }
    buf_put_cstr(b, t->no_csum ? " nocsum" : " csum");
    if (t->opts.len) {
        format_geneve_opts(b, t->opts.data, NULL,
                           NF_MIN((size_t) t->opts.len, sizeof t->opts.data));
    }
    if (t->has_opts) {
        buf_put_cstr(b, " opts");
    }
}

/* "police index 268435459 rate 125000Bps burst 15625000 mtu 65535
 * conform pipe", then the exceed verdict as for every action; a bind
 * prints only the index and the verdicts. */
static void
format_police(struct buf *b, const struct tcf_action *a)
{
    const struct tcf_police_parms *p = &a->police;
    const char *conform = verdict_name(p->conform);

    buf_printf(b, "police index %" PRIu32, p->index);
    if (p->rate) {
        buf_printf(b, " rate %" PRIu64 "Bps burst %" PRIu32 " mtu %" PRIu32,
                   p->rate, p->burst, p->mtu);
    }
    if (p->pkt_rate) {
        buf_printf(b, " pkts_rate %" PRIu64 " pkts_burst %" PRIu64,
                   p->pkt_rate, p->pkt_burst);
    }
    if (conform) {
        buf_printf(b, " conform %s", conform);
    } else {
        buf_printf(b, " conform %d", p->conform);
    }
}

static void
format_action(struct buf *b, const struct tcf_action *a)
{
    static const char *const htypes[] = { "net", "eth", "ip4",
                                          "ip6", "tcp", "udp" };
    static const struct {
        uint32_t flag;
        const char *name;
    } csums[] = {
        { TCA_CSUM_UPDATE_FLAG_IPV4HDR, "iph" },
        { TCA_CSUM_UPDATE_FLAG_ICMP, "icmp" },
        { TCA_CSUM_UPDATE_FLAG_IGMP, "igmp" },
        { TCA_CSUM_UPDATE_FLAG_TCP, "tcp" },
        { TCA_CSUM_UPDATE_FLAG_UDP, "udp" },
        { TCA_CSUM_UPDATE_FLAG_UDPLITE, "udplite" },
        { TCA_CSUM_UPDATE_FLAG_SCTP, "sctp" },
    };

    switch (a->type) {
    case TCF_A_OTHER:
        buf_printf(b, "%s", a->kind);
        break;
    case TCF_A_DROP:
        buf_put_cstr(b, "gact drop");
        break;
    case TCF_A_GACT:
        buf_put_cstr(b, "gact");
        break;
    case TCF_A_MIRRED: {
        int e = a->mirred.eaction;
        buf_printf(
            b, "mirred %s %s ifindex %" PRIu32,
            e == TCA_INGRESS_REDIR || e == TCA_INGRESS_MIRROR ? "ingress"
                                                              : "egress",
            e == TCA_EGRESS_MIRROR || e == TCA_INGRESS_MIRROR ? "mirror"
                                                              : "redirect",
            a->mirred.ifindex);
        break;
    }
    case TCF_A_VLAN:
        if (a->vlan.v_action == TCA_VLAN_ACT_POP) {
            buf_put_cstr(b, "vlan pop");
        } else {
            buf_printf(b, "vlan %s id %u prio %u proto 0x%04x",
                       a->vlan.v_action == TCA_VLAN_ACT_PUSH ? "push"
                                                             : "modify",
                       a->vlan.id, a->vlan.prio, ntohs(a->vlan.proto));
        }
        break;
    case TCF_A_PEDIT:
        buf_put_cstr(b, "pedit");
        for (size_t i = 0; i < a->pedit.n_keys && i < TCF_PEDIT_MAX_KEYS;
             i++) {
            const struct tcf_pedit_key *k = &a->pedit.keys[i];
            buf_printf(b, " %s+%" PRIu32 " val %08" PRIx32 " mask %08" PRIx32,
                       k->htype < ARRAY_SIZE(htypes) ? htypes[k->htype] : "?",
                       k->off, ntohl(k->val), ntohl(k->mask));
        }
        break;
    case TCF_A_CSUM:
        buf_put_cstr(b, "csum");
        for (size_t i = 0; i < ARRAY_SIZE(csums); i++) {
            if (a->csum.flags & csums[i].flag) {
                buf_printf(b, " %s", csums[i].name);
            }
        }
        break;
    case TCF_A_SKBEDIT:
        buf_put_cstr(b, "skbedit");
        if (a->skbedit.has_ptype) {
            buf_printf(b, " ptype %u", a->skbedit.ptype);
        }
        break;
    case TCF_A_TUNNEL_KEY:
        format_tunnel_key(b, a);
        break;
    case TCF_A_POLICE:
        format_police(b, a);
        break;
    }
    const char *v = verdict_name(a->verdict);
    if (v) {
        buf_printf(b, " %s", v);
    } else {
        buf_printf(b, " verdict %d", a->verdict);
    }
    if (a->cookie_len) {
        buf_put_cstr(b, " cookie ");
        for (size_t i = 0; i < a->cookie_len && i < TCF_COOKIE_LEN; i++) {
            buf_printf(b, "%02x", a->cookie[i]);
        }
    }
}

void
tcf_filter_format(struct buf *b, const struct tcf_filter *f)
{
    static const char *const vlan_names[2][3] = {
        { "vlan_tpid", "vlan_id", "vlan_prio" },
        { "cvlan_tpid", "cvlan_id", "cvlan_prio" },
    };
    const uint8_t *k = (const uint8_t *) &f->key;
    const uint8_t *m = (const uint8_t *) &f->mask;

    buf_printf(b, "prio %#x protocol 0x%04x", f->prio, ntohs(f->protocol));
    for (int i = 0; i < 2; i++) {
        if (f->mask.vlan_tpid[i]) {
            buf_printf(b, " %s 0x%04x", vlan_names[i][0],
                       ntohs(f->key.vlan_tpid[i]));
        }
        if (f->mask.vlan_id[i]) {
            buf_printf(b, " %s %u", vlan_names[i][1], f->key.vlan_id[i]);
        }
        if (f->mask.vlan_prio[i]) {
            buf_printf(b, " %s %u", vlan_names[i][2], f->key.vlan_prio[i]);
        }
    }
    if (f->mask.eth_type) {
        buf_printf(b, " eth_type 0x%04x", ntohs(f->key.eth_type));
    }
    for (size_t i = 0; i < tcf_n_fields; i++) {
        const struct tcf_field *fd = &tcf_fields[i];
        if (nf_bytes_all(m + fd->ofs, fd->len, 0)
            || !tcf_field_ctx_ok(fd->ctx, &f->key, &f->mask)) {
            continue;
        }
        uint8_t v[16];
        for (size_t j = 0; j < fd->len; j++) {
            v[j] = k[fd->ofs + j] & m[fd->ofs + j];
        }
        buf_printf(b, " %s ", fd->name);
        format_value(b, fd->fmt, v, fd->len);
        if (!nf_bytes_all(m + fd->ofs, fd->len, 0xff)) {
            buf_put_char(b, '/');
            format_value(b, fd->fmt, m + fd->ofs, fd->len);
        }
    }
    if (f->mask.enc_opts.len) {
        uint8_t v[sizeof f->key.enc_opts.data];
        size_t len = NF_MIN((size_t) f->key.enc_opts.len, sizeof v);
        for (size_t i = 0; i < len; i++) {
            v[i] = f->key.enc_opts.data[i] & f->mask.enc_opts.data[i];
        }
        /* The length bytes are the key's own (the mask holds them too). */
        for (size_t ofs = 0; ofs + 4 <= len;
             ofs += 4 + (f->key.enc_opts.data[ofs + 3] & 0x1fu) * 4) {
            v[ofs + 3] = f->key.enc_opts.data[ofs + 3];
        }
        format_geneve_opts(b, v, f->mask.enc_opts.data, len);
    }
    static const struct {
        uint32_t flag;
        const char *name;
    } flags[] = {
        { TCA_CLS_FLAGS_SKIP_HW, "skip_hw" },
        { TCA_CLS_FLAGS_SKIP_SW, "skip_sw" },
        { TCA_CLS_FLAGS_IN_HW, "in_hw" },
        { TCA_CLS_FLAGS_NOT_IN_HW, "not_in_hw" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
        if (f->flags & flags[i].flag) {
            buf_printf(b, " %s", flags[i].name);
        }
    }
    for (size_t i = 0; i < f->n_actions; i++) {
        buf_put_cstr(b, i ? ", " : " action ");
        format_action(b, &f->actions[i]);
    }
}

/* Reasons. */

void
tcf_reason(struct offload_reason *r, enum offload_reason_code code,
           const char *fmt, ...)
{
    va_list args;

    if (!r) {
        return;
    }
    r->code = code;
    memcpy(r->msg, "tc: ", 5);
    va_start(args, fmt);
    vsnprintf(r->msg + 4, sizeof r->msg - 4, fmt, args);
    va_end(args);
}

const char *
tcf_errno_name(int error)
{
    /* The errors a tc request can meet.  524 is the kernel-internal
     * ENOTSUPP, which some drivers let escape to user space. */
    static const struct {
        int error;
        const char *name;
    } names[] = {
        { EPERM, "EPERM" },
        { ENOENT, "ENOENT" },
        { EINTR, "EINTR" },
        { EIO, "EIO" },
        { ENXIO, "ENXIO" },
        { E2BIG, "E2BIG" },
        { EBADF, "EBADF" },
        { EAGAIN, "EAGAIN" },
        { ENOMEM, "ENOMEM" },
        { EACCES, "EACCES" },
        { EFAULT, "EFAULT" },
        { EBUSY, "EBUSY" },
        { EEXIST, "EEXIST" },
        { ENODEV, "ENODEV" },
        { EINVAL, "EINVAL" },
        { ENOSPC, "ENOSPC" },
        { ERANGE, "ERANGE" },
        { ENODATA, "ENODATA" },
        { ETIMEDOUT, "ETIMEDOUT" },
        { EPROTO, "EPROTO" },
        { EBADMSG, "EBADMSG" },
        { EMSGSIZE, "EMSGSIZE" },
        { EPROTONOSUPPORT, "EPROTONOSUPPORT" },
        { EOPNOTSUPP, "EOPNOTSUPP" },
        { EAFNOSUPPORT, "EAFNOSUPPORT" },
        { ENOBUFS, "ENOBUFS" },
        { ENOLINK, "ENOLINK" },
        { 524, "ENOTSUPP" },
    };
    static __thread char other[32];

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (names[i].error == error) {
            return names[i].name;
        }
    }
    snprintf(other, sizeof other, "errno %d", error);
    return other;
}
