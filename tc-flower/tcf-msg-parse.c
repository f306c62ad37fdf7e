/* tcf-msg-parse.c: parsers of the kernel's replies to the tc provider.
 *
 * The input is untrusted: every length is checked before a read, values
 * are copied with memcpy() (netlink attributes are only 4-byte aligned),
 * and attributes are looked up through policy tables that give each one's
 * exact (or minimum) length.
 *
 * The ethertypes and VLAN tags come back in a different shape than they
 * were asked for (cls_flower.c, fl_dump_key()): the kernel reports
 * TCA_FLOWER_KEY_ETH_TYPE as the innermost ethertype, never the outer TPID
 * (which only tcm_info's protocol carries), and TCA_FLOWER_KEY_VLAN_ETH_TYPE
 * as the inner TPID or the payload's ethertype.  parse_vlans() accepts both
 * shapes, so that a request decodes to the same model as its echo. */
#include "tc-flower/tcf-msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/gen_stats.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_csum.h>
#include <linux/tc_act/tc_gact.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_pedit.h>
#include <linux/tc_act/tc_skbedit.h>
#include <linux/tc_act/tc_tunnel_key.h>
#include <linux/tc_act/tc_vlan.h>
#include <string.h>

#include "lib/util.h"

#define NLA_TYPE_MASK_ ((uint16_t) ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER))

void
tcf_attr_iter_init(struct tcf_attr_iter *it, const uint8_t *data, size_t len)
{
    it->data = data;
    it->left = len;
}

int
tcf_attr_iter_next(struct tcf_attr_iter *it, uint16_t *type,
                   struct tcf_attr *attr)
{
    struct nlattr nla;

    /* A malformed stream leaves IT where it is, so that every later call
     * finds the same fault again. */
    if (it->left < NLA_HDRLEN) {
        /* Bytes left over that cannot hold a header are malformed; the
         * missing padding of a last attribute never gets here (see
         * below). */
        return it->left ? EINVAL : 0;
    }
    memcpy(&nla, it->data, sizeof nla);
    if (nla.nla_len < NLA_HDRLEN || nla.nla_len > it->left) {
        return EINVAL;
    }
    *type = nla.nla_type & NLA_TYPE_MASK_;
    attr->data = it->data + NLA_HDRLEN;
    attr->len = nla.nla_len - NLA_HDRLEN;
    attr->present = true;

    /* The length of a stream (a nest's nla_len, say) need not count the
     * padding to 4 bytes of its last attribute, so a step that reaches or
     * passes the end ends the walk cleanly. */
    size_t step = NLA_ALIGN(nla.nla_len);
    if (step >= it->left) {
        step = it->left;
    }
    it->data += step;
    it->left -= step;
    return 1;
}

int
tcf_attr_parse(const uint8_t *data, size_t len, struct tcf_attr *tb,
               size_t max)
{
    struct tcf_attr_iter it;
    struct tcf_attr a;
    uint16_t type;
    int r;

    memset(tb, 0, (max + 1) * sizeof *tb);
    tcf_attr_iter_init(&it, data, len);
    while ((r = tcf_attr_iter_next(&it, &type, &a)) == 1) {
        if (type <= max) {
            tb[type] = a;
        }
    }
    return r;
}

int
tcf_attr_get(const struct tcf_attr *a, void *dst, size_t n)
{
    if (a->len != n) {
        return EINVAL;
    }
    memcpy(dst, a->data, n);
    return 0;
}

/* Copies the first N bytes of A, which must have at least N, to DST. */
static int
get_min(const struct tcf_attr *a, void *dst, size_t n)
{
    if (a->len < n) {
        return EINVAL;
    }
    memcpy(dst, a->data, n);
    return 0;
}

int
tcf_attr_get_str(const struct tcf_attr *a, char *dst, size_t size)
{
    const void *nul = a->len ? memchr(a->data, '\0', a->len) : NULL;
    size_t n = nul ? (size_t) ((const uint8_t *) nul - a->data) : 0;

    if (!nul || n >= size) {
        return EINVAL;
    }
    memcpy(dst, a->data, n + 1);
    return 0;
}

const struct nlmsghdr *
tcf_msg_next(const uint8_t **buf, size_t *left, bool *malformed)
{
    struct nlmsghdr h;

    if (*left < sizeof h) {
        if (*left && malformed) {
            *malformed = true;
        }
        *left = 0;
        return NULL;
    }
    memcpy(&h, *buf, sizeof h);
    if (h.nlmsg_len < sizeof h || h.nlmsg_len > *left) {
        if (malformed) {
            *malformed = true;
        }
        *left = 0;
        return NULL;
    }
    /* Messages of a datagram start at 4-byte aligned offsets, so the
     * header may be read in place. */
    const struct nlmsghdr *nlh = (const void *) *buf;
    size_t step = NLMSG_ALIGN(h.nlmsg_len);
    if (step >= *left) {
        *left = 0;
    } else {
        *buf += step;
        *left -= step;
    }
    return nlh;
}

/* Acks. */

int
tcf_msg_parse_ack(const struct nlmsghdr *nlh, struct tcf_ack *ack)
{
    const uint8_t *p = (const uint8_t *) nlh;
    size_t len = nlh->nlmsg_len;
    size_t tlv_ofs;
    int32_t err;

    memset(ack, 0, sizeof *ack);
    if (len < NLMSG_HDRLEN + sizeof err) {
        return EINVAL;
    }
    memcpy(&err, p + NLMSG_HDRLEN, sizeof err);
    ack->error = err > 0 ? EPROTO : err == INT32_MIN ? EPROTO : -err;

    if (nlh->nlmsg_type == NLMSG_ERROR) {
        struct nlmsghdr orig;
        if (len < NLMSG_HDRLEN + sizeof(struct nlmsgerr)) {
            return EINVAL;
        }
        memcpy(&orig, p + NLMSG_HDRLEN + sizeof err, sizeof orig);
        tlv_ofs = NLMSG_HDRLEN + sizeof(struct nlmsgerr);
        if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
            /* The request follows whole, after its own header. */
            if (orig.nlmsg_len < NLMSG_HDRLEN
                || orig.nlmsg_len - NLMSG_HDRLEN > len - tlv_ofs) {
                return EINVAL;
            }
            tlv_ofs += orig.nlmsg_len - NLMSG_HDRLEN;
        }
    } else {
        tlv_ofs = NLMSG_HDRLEN + sizeof err;
    }
    if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
        return 0;
    }
    tlv_ofs = NLMSG_ALIGN(tlv_ofs);
    if (tlv_ofs > len) {
        return EINVAL;
    }
    struct tcf_attr tb[NLMSGERR_ATTR_MAX + 1];
    int error =
        tcf_attr_parse(p + tlv_ofs, len - tlv_ofs, tb, NLMSGERR_ATTR_MAX);
    if (error) {
        return error;
    }
    if (tb[NLMSGERR_ATTR_MSG].present
        && tcf_attr_get_str(&tb[NLMSGERR_ATTR_MSG], ack->msg,
                            sizeof ack->msg)) {
        /* Keep what fits of an overlong or unterminated message. */
        size_t n = NF_MIN(tb[NLMSGERR_ATTR_MSG].len, sizeof ack->msg - 1);
        memcpy(ack->msg, tb[NLMSGERR_ATTR_MSG].data, n);
        ack->msg[n] = '\0';
        ack->msg[strnlen(ack->msg, n)] = '\0';
    }
    return 0;
}

/* Filters. */

static int
parse_vlans(const struct tcf_attr *tb, uint16_t protocol, struct tcf_filter *f)
{
    struct tcf_key *k = &f->key, *m = &f->mask;
    uint16_t e = 0, v = 0, c = 0;
    bool has_e = tb[TCA_FLOWER_KEY_ETH_TYPE].present;
    bool has_v = tb[TCA_FLOWER_KEY_VLAN_ETH_TYPE].present;
    bool has_c = tb[TCA_FLOWER_KEY_CVLAN_ETH_TYPE].present;

    if ((has_e && tcf_attr_get(&tb[TCA_FLOWER_KEY_ETH_TYPE], &e, 2))
        || (has_v && tcf_attr_get(&tb[TCA_FLOWER_KEY_VLAN_ETH_TYPE], &v, 2))
        || (has_c
            && tcf_attr_get(&tb[TCA_FLOWER_KEY_CVLAN_ETH_TYPE], &c, 2))) {
        return EINVAL;
    }
#define IS_VLAN(T) ((T) == htons(ETH_P_8021Q) || (T) == htons(ETH_P_8021AD))
    bool outer = IS_VLAN(protocol) || (has_e && IS_VLAN(e))
                 || tb[TCA_FLOWER_KEY_VLAN_ID].present
                 || tb[TCA_FLOWER_KEY_VLAN_PRIO].present;
    bool inner = outer
                 && ((has_v && IS_VLAN(v)) || has_c
                     || tb[TCA_FLOWER_KEY_CVLAN_ID].present
                     || tb[TCA_FLOWER_KEY_CVLAN_PRIO].present);
    static const uint16_t id_attr[2] = { TCA_FLOWER_KEY_VLAN_ID,
                                         TCA_FLOWER_KEY_CVLAN_ID };
    static const uint16_t prio_attr[2] = { TCA_FLOWER_KEY_VLAN_PRIO,
                                           TCA_FLOWER_KEY_CVLAN_PRIO };
    int n = inner ? 2 : outer ? 1 : 0;

    /* A TPID the reply does not tell (a filter of protocol "all" keeps
     * its outer TPID to itself) is taken to be 802.1Q's. */
    if (outer) {
        k->vlan_tpid[0] = has_e && IS_VLAN(e) ? e
                          : IS_VLAN(protocol) ? protocol
                                              : htons(ETH_P_8021Q);
        m->vlan_tpid[0] = 0xffff;
    }
    if (inner) {
        k->vlan_tpid[1] = has_v && IS_VLAN(v) ? v : htons(ETH_P_8021Q);
        m->vlan_tpid[1] = 0xffff;
    }
    for (int i = 0; i < n; i++) {
        if (tb[id_attr[i]].present) {
            if (tcf_attr_get(&tb[id_attr[i]], &k->vlan_id[i], 2)) {
                return EINVAL;
            }
            k->vlan_id[i] &= 0x0fff;
            m->vlan_id[i] = 0x0fff;
        }
        if (tb[prio_attr[i]].present) {
            if (tcf_attr_get(&tb[prio_attr[i]], &k->vlan_prio[i], 1)) {
                return EINVAL;
            }
            k->vlan_prio[i] &= 0x7;
            m->vlan_prio[i] = 0x7;
        }
    }

    /* The ethertype after the tags. */
    bool has_type = false;
    uint16_t type = 0;
    if (n == 2 && has_c) {
        type = c, has_type = true;
    } else if (n == 1 && has_v && !IS_VLAN(v)) {
        type = v, has_type = true;
    } else if (has_e && !(n && IS_VLAN(e))) {
        type = e, has_type = true;
    }
#undef IS_VLAN
    if (has_type) {
        k->eth_type = type;
        m->eth_type = 0xffff;
    }
    return 0;
}

static int
parse_keys(const struct tcf_attr *tb, struct tcf_filter *f)
{
    uint8_t *k = (uint8_t *) &f->key;
    uint8_t *m = (uint8_t *) &f->mask;

    for (size_t i = 0; i < tcf_n_fields; i++) {
        const struct tcf_field *fd = &tcf_fields[i];
        const struct tcf_attr *a = &tb[fd->attr];
        if (!a->present) {
            continue;
        }
        if (tcf_attr_get(a, k + fd->ofs, fd->len)) {
            return EINVAL;
        }
        if (fd->mask_attr && tb[fd->mask_attr].present) {
            if (tcf_attr_get(&tb[fd->mask_attr], m + fd->ofs, fd->len)) {
                return EINVAL;
            }
        } else {
            memset(m + fd->ofs, 0xff, fd->len);
        }
    }
    return 0;
}

/* The CLASS, TYPE, DATA triples of the ENC_OPTS_GENEVE nest NEST, in that
 * order, appended to the *LEN bytes of options in OUT (see
 * parse_geneve_opts() below); attributes of other types are skipped.
 * Returns 0, or EINVAL (*LEN and OUT then unspecified). */
static int
parse_geneve_triples(const struct tcf_attr *nest, struct pkt_tun_opts *out,
                     size_t *len)
{
    struct tcf_attr_iter it;
    struct tcf_attr a;
    uint16_t type;
    int state = 0; /* 0 wants a class, 1 a type, 2 the data. */
    int r;

    tcf_attr_iter_init(&it, nest->data, nest->len);
    while ((r = tcf_attr_iter_next(&it, &type, &a)) == 1) {
        if (type == TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS) {
            if (state != 0 || a.len != 2 || *len + 4 > TCF_ENC_OPTS_MAX) {
                return EINVAL;
            }
            memcpy(out->data + *len, a.data, 2);
            state = 1;
        } else if (type == TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE) {
            if (state != 1 || a.len != 1) {
                return EINVAL;
            }
            out->data[*len + 2] = a.data[0];
            state = 2;
        } else if (type == TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA) {
            if (state != 2 || a.len < TCF_GENEVE_DATA_MIN
                || a.len > TCF_GENEVE_DATA_MAX || a.len % 4
                || *len + 4 + a.len > TCF_ENC_OPTS_MAX) {
                return EINVAL;
            }
            out->data[*len + 3] = a.len / 4;
            memcpy(out->data + *len + 4, a.data, a.len);
            *len += 4 + a.len;
            state = 0;
        }
    }
    /* A walk that ends in the middle of a triple cuts an option short. */
    return r || state ? EINVAL : 0;
}

/* Geneve options (TCA_FLOWER_KEY_ENC_OPTS, its _MASK, or
 * TCA_TUNNEL_KEY_ENC_OPTS: the attribute NEST) into OUT, in the datapath
 * form (LEN bytes of option TLVs, each header's length byte from its
 * data's length, reserved bits clear).  A request carries one
 * ENC_OPTS_GENEVE nest per option; the kernel dumps every option in one
 * such nest, one CLASS, TYPE, DATA triple after the other
 * (fl_dump_key_geneve_opt(), tunnel_key_geneve_opts_dump()).  Both are
 * read: triples in that order, in as many nests as there are.  Nests of
 * other kinds of options (VXLAN, ERSPAN, GTP) are skipped and set *OTHER;
 * attributes of other types inside a Geneve nest are skipped.  Returns 0,
 * or EINVAL for a triple out of order or cut short, a class or type of
 * the wrong size, data that is not 4 to 124 bytes in 4-byte steps, or
 * more than TCF_ENC_OPTS_MAX bytes in all. */
static int
parse_geneve_opts(const struct tcf_attr *nest, struct pkt_tun_opts *out,
                  bool *other)
{
    struct tcf_attr_iter it;
    struct tcf_attr opt;
    uint16_t type;
    size_t len = 0;
    int r;

    _Static_assert((int) TCA_FLOWER_KEY_ENC_OPTS_GENEVE
                           == (int) TCA_TUNNEL_KEY_ENC_OPTS_GENEVE
                       && (int) TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS
                              == (int) TCA_TUNNEL_KEY_ENC_OPT_GENEVE_CLASS
                       && (int) TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE
                              == (int) TCA_TUNNEL_KEY_ENC_OPT_GENEVE_TYPE
                       && (int) TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA
                              == (int) TCA_TUNNEL_KEY_ENC_OPT_GENEVE_DATA,
                   "flower and tunnel_key number Geneve options alike");
    _Static_assert(TCF_ENC_OPTS_MAX < sizeof out->data, "room for options");
    memset(out, 0, sizeof *out);
    tcf_attr_iter_init(&it, nest->data, nest->len);
    while ((r = tcf_attr_iter_next(&it, &type, &opt)) == 1) {
        if (type != TCA_FLOWER_KEY_ENC_OPTS_GENEVE) {
            *other = true;
        } else if (parse_geneve_triples(&opt, out, &len)) {
            return EINVAL;
        }
    }
    if (r) {
        return EINVAL;
    }
    out->len = len;
    return 0;
}

/* The Geneve options of a flower match: the key's, and the mask's, which
 * must have the same options of the same lengths (the kernel checks as
 * much: "Key and mask miss aligned"); without a mask, every class, type
 * and data bit counts, as the kernel takes it.  Other kinds of options
 * are not modelled and skipped. */
static int
parse_enc_opts(const struct tcf_attr *tb, struct tcf_filter *f)
{
    struct pkt_tun_opts *k = &f->key.enc_opts, *m = &f->mask.enc_opts;
    bool other = false;

    if (!tb[TCA_FLOWER_KEY_ENC_OPTS].present) {
        return tb[TCA_FLOWER_KEY_ENC_OPTS_MASK].present ? EINVAL : 0;
    }
    if (parse_geneve_opts(&tb[TCA_FLOWER_KEY_ENC_OPTS], k, &other)) {
        return EINVAL;
    }
    if (tb[TCA_FLOWER_KEY_ENC_OPTS_MASK].present) {
        if (parse_geneve_opts(&tb[TCA_FLOWER_KEY_ENC_OPTS_MASK], m, &other)
            || m->len != k->len) {
            return EINVAL;
        }
        for (size_t ofs = 0; ofs < k->len;
             ofs += 4 + (k->data[ofs + 3] & 0x1fu) * 4) {
            if (m->data[ofs + 3] != k->data[ofs + 3]) {
                return EINVAL;
            }
        }
    } else {
        memset(m, 0, sizeof *m);
        memset(m->data, 0xff, k->len);
        for (size_t ofs = 0; ofs < k->len;
             ofs += 4 + (k->data[ofs + 3] & 0x1fu) * 4) {
            m->data[ofs + 3] = k->data[ofs + 3];
        }
    }
    m->len = k->len ? 0xff : 0;
    return 0;
}

/* Where each action kind keeps its struct tcf_t. */
static const struct {
    const char *kind;
    enum tcf_action_type type;
    uint16_t tm_attr;
    uint16_t max_attr;
} kinds[] = {
    { "gact", TCF_A_GACT, TCA_GACT_TM, TCA_GACT_MAX },
    { "mirred", TCF_A_MIRRED, TCA_MIRRED_TM, TCA_MIRRED_MAX },
    { "vlan", TCF_A_VLAN, TCA_VLAN_TM, TCA_VLAN_MAX },
    { "pedit", TCF_A_PEDIT, TCA_PEDIT_TM, TCA_PEDIT_MAX },
    { "csum", TCF_A_CSUM, TCA_CSUM_TM, TCA_CSUM_MAX },
    { "skbedit", TCF_A_SKBEDIT, TCA_SKBEDIT_TM, TCA_SKBEDIT_MAX },
    { "tunnel_key", TCF_A_TUNNEL_KEY, TCA_TUNNEL_KEY_TM, TCA_TUNNEL_KEY_MAX },
    { "police", TCF_A_POLICE, TCA_POLICE_TM, TCA_POLICE_MAX },
};

/* The largest *_MAX of the kinds above, for one attribute table. */
#define KIND_ATTR_MAX 16
_Static_assert(TCA_GACT_MAX <= KIND_ATTR_MAX && TCA_MIRRED_MAX <= KIND_ATTR_MAX
                   && TCA_VLAN_MAX <= KIND_ATTR_MAX
                   && TCA_PEDIT_MAX <= KIND_ATTR_MAX
                   && TCA_CSUM_MAX <= KIND_ATTR_MAX
                   && TCA_SKBEDIT_MAX <= KIND_ATTR_MAX
                   && TCA_TUNNEL_KEY_MAX <= KIND_ATTR_MAX
                   && TCA_POLICE_MAX <= KIND_ATTR_MAX,
               "KIND_ATTR_MAX too small");

static int
parse_pedit(const struct tcf_attr *tb, struct tcf_action *a)
{
    const struct tcf_attr *parms = tb[TCA_PEDIT_PARMS_EX].present
                                       ? &tb[TCA_PEDIT_PARMS_EX]
                                       : &tb[TCA_PEDIT_PARMS];
    struct tc_pedit_sel sel;

    if (!parms->present || get_min(parms, &sel, sizeof sel)
        || parms->len - sizeof sel
               < (size_t) sel.nkeys * sizeof(struct tc_pedit_key)) {
        return EINVAL;
    }
    a->verdict = sel.action;
    a->pedit.n_keys = sel.nkeys;
    for (size_t i = 0; i < sel.nkeys && i < TCF_PEDIT_MAX_KEYS; i++) {
        struct tc_pedit_key key;
        memcpy(&key, parms->data + sizeof sel + i * sizeof key, sizeof key);
        a->pedit.keys[i].mask = key.mask;
        a->pedit.keys[i].val = key.val;
        a->pedit.keys[i].off = key.off;
    }
    if (!tb[TCA_PEDIT_KEYS_EX].present) {
        return 0;
    }

    /* One TCA_PEDIT_KEY_EX per key, in key order. */
    struct tcf_attr_iter it;
    struct tcf_attr kex;
    uint16_t type;
    size_t i = 0;
    int r;
    tcf_attr_iter_init(&it, tb[TCA_PEDIT_KEYS_EX].data,
                       tb[TCA_PEDIT_KEYS_EX].len);
    while ((r = tcf_attr_iter_next(&it, &type, &kex)) == 1) {
        if (type != TCA_PEDIT_KEY_EX) {
            return EINVAL;
        }
        struct tcf_attr kt[TCA_PEDIT_KEY_EX_MAX + 1];
        if (tcf_attr_parse(kex.data, kex.len, kt, TCA_PEDIT_KEY_EX_MAX)) {
            return EINVAL;
        }
        uint16_t htype = 0, cmd = 0;
        if ((kt[TCA_PEDIT_KEY_EX_HTYPE].present
             && tcf_attr_get(&kt[TCA_PEDIT_KEY_EX_HTYPE], &htype, 2))
            || (kt[TCA_PEDIT_KEY_EX_CMD].present
                && tcf_attr_get(&kt[TCA_PEDIT_KEY_EX_CMD], &cmd, 2))) {
            return EINVAL;
        }
        if (i < TCF_PEDIT_MAX_KEYS && i < sel.nkeys) {
            a->pedit.keys[i].htype = htype;
            a->pedit.keys[i].cmd = cmd;
        }
        i++;
    }
    return r || i != sel.nkeys ? EINVAL : 0;
}

/* act_tunnel_key (tunnel_key_dump()): a set reports its key (if it has
 * one), both addresses of its family, the port (if not 0), NO_CSUM always,
 * its options (Geneve ones into the model; others only mark it), and ToS
 * and TTL (if not 0). */
static int
parse_tunnel_key(const struct tcf_attr *tb, struct tcf_action *a)
{
    struct tcf_tunnel_key *t = &a->tunnel_key;
    struct tc_tunnel_key p;
    uint8_t no_csum = 0;

    if (!tb[TCA_TUNNEL_KEY_PARMS].present
        || get_min(&tb[TCA_TUNNEL_KEY_PARMS], &p, sizeof p)) {
        return EINVAL;
    }
    a->verdict = p.action;
    t->t_action = p.t_action;
    t->has_key_id = tb[TCA_TUNNEL_KEY_ENC_KEY_ID].present;
    t->has_ipv4 = tb[TCA_TUNNEL_KEY_ENC_IPV4_SRC].present
                  || tb[TCA_TUNNEL_KEY_ENC_IPV4_DST].present;
    t->has_ipv6 = tb[TCA_TUNNEL_KEY_ENC_IPV6_SRC].present
                  || tb[TCA_TUNNEL_KEY_ENC_IPV6_DST].present;
    if (tb[TCA_TUNNEL_KEY_ENC_OPTS].present
        && parse_geneve_opts(&tb[TCA_TUNNEL_KEY_ENC_OPTS], &t->opts,
                             &t->has_opts)) {
        return EINVAL;
    }
    static const struct {
        uint16_t attr;
        size_t ofs, len;
    } fields[] = {
#define TK(ATTR, MEMBER)                             \
    { ATTR, offsetof(struct tcf_tunnel_key, MEMBER), \
      sizeof(((struct tcf_tunnel_key *) 0)->MEMBER) }
        TK(TCA_TUNNEL_KEY_ENC_KEY_ID, key_id),
        TK(TCA_TUNNEL_KEY_ENC_IPV4_SRC, ipv4_src),
        TK(TCA_TUNNEL_KEY_ENC_IPV4_DST, ipv4_dst),
        TK(TCA_TUNNEL_KEY_ENC_IPV6_SRC, ipv6_src),
        TK(TCA_TUNNEL_KEY_ENC_IPV6_DST, ipv6_dst),
        TK(TCA_TUNNEL_KEY_ENC_DST_PORT, dst_port),
        TK(TCA_TUNNEL_KEY_ENC_TOS, tos),
        TK(TCA_TUNNEL_KEY_ENC_TTL, ttl),
#undef TK
    };
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        const struct tcf_attr *at = &tb[fields[i].attr];
        if (at->present
            && tcf_attr_get(at, (uint8_t *) t + fields[i].ofs,
                            fields[i].len)) {
            return EINVAL;
        }
    }
    if (tb[TCA_TUNNEL_KEY_NO_CSUM].present
        && tcf_attr_get(&tb[TCA_TUNNEL_KEY_NO_CSUM], &no_csum, 1)) {
        return EINVAL;
    }
    t->no_csum = no_csum != 0;
    return 0;
}

/* act_police (tcf_police_dump()): struct tc_police (an older, shorter
 * one is refused), the 64-bit byte rate when the rate needs more than 32
 * bits, the packet rate and burst, the conform verdict when not
 * TC_ACT_OK.  The rate table is never sent back. */
static int
parse_police(const struct tcf_attr *tb, struct tcf_action *a)
{
    struct tcf_police_parms *pp = &a->police;
    struct tc_police p;
    uint32_t result = 0;

    if (!tb[TCA_POLICE_TBF].present
        || tcf_attr_get(&tb[TCA_POLICE_TBF], &p, sizeof p)
        || (tb[TCA_POLICE_RATE64].present
            && tcf_attr_get(&tb[TCA_POLICE_RATE64], &pp->rate, 8))
        || (tb[TCA_POLICE_PKTRATE64].present
            && tcf_attr_get(&tb[TCA_POLICE_PKTRATE64], &pp->pkt_rate, 8))
        || (tb[TCA_POLICE_PKTBURST64].present
            && tcf_attr_get(&tb[TCA_POLICE_PKTBURST64], &pp->pkt_burst, 8))
        || (tb[TCA_POLICE_RESULT].present
            && tcf_attr_get(&tb[TCA_POLICE_RESULT], &result, 4))) {
        return EINVAL;
    }
    a->verdict = p.action;
    pp->index = p.index;
    pp->conform = (int) result;
    pp->burst = p.burst;
    pp->mtu = p.mtu;
    pp->cell_log = p.rate.cell_log;
    if (pp->rate < p.rate.rate) {
        pp->rate = p.rate.rate;
    }
    /* A bind (tcf-msg-build.c) has neither rate nor burst nor mtu; the
     * kernel reports an action without a rate with an mtu of ~0, so what
     * it sends never looks like one. */
    pp->bind =
        !pp->rate && !pp->pkt_rate && !pp->burst && !pp->mtu && !pp->pkt_burst;
    return 0;
}

static int
parse_action_options(const struct tcf_attr *opts, size_t kind_idx,
                     struct tcf_action *a)
{
    struct tcf_attr tb[KIND_ATTR_MAX + 1];

    if (tcf_attr_parse(opts->data, opts->len, tb, kinds[kind_idx].max_attr)) {
        return EINVAL;
    }
    switch (a->type) {
    case TCF_A_GACT: {
        struct tc_gact p;
        if (!tb[TCA_GACT_PARMS].present
            || get_min(&tb[TCA_GACT_PARMS], &p, sizeof p)) {
            return EINVAL;
        }
        a->verdict = p.action;
        if (p.action == TC_ACT_SHOT) {
            a->type = TCF_A_DROP;
        }
        break;
    }
    case TCF_A_MIRRED: {
        struct tc_mirred p;
        if (!tb[TCA_MIRRED_PARMS].present
            || get_min(&tb[TCA_MIRRED_PARMS], &p, sizeof p)) {
            return EINVAL;
        }
        a->verdict = p.action;
        a->mirred.eaction = p.eaction;
        a->mirred.ifindex = p.ifindex;
        break;
    }
    case TCF_A_VLAN: {
        struct tc_vlan p;
        if (!tb[TCA_VLAN_PARMS].present
            || get_min(&tb[TCA_VLAN_PARMS], &p, sizeof p)
            || (tb[TCA_VLAN_PUSH_VLAN_ID].present
                && tcf_attr_get(&tb[TCA_VLAN_PUSH_VLAN_ID], &a->vlan.id, 2))
            || (tb[TCA_VLAN_PUSH_VLAN_PROTOCOL].present
                && tcf_attr_get(&tb[TCA_VLAN_PUSH_VLAN_PROTOCOL],
                                &a->vlan.proto, 2))
            || (tb[TCA_VLAN_PUSH_VLAN_PRIORITY].present
                && tcf_attr_get(&tb[TCA_VLAN_PUSH_VLAN_PRIORITY],
                                &a->vlan.prio, 1))) {
            return EINVAL;
        }
        a->verdict = p.action;
        a->vlan.v_action = p.v_action;
        break;
    }
    case TCF_A_PEDIT:
        if (parse_pedit(tb, a)) {
            return EINVAL;
        }
        break;
    case TCF_A_CSUM: {
        struct tc_csum p;
        if (!tb[TCA_CSUM_PARMS].present
            || get_min(&tb[TCA_CSUM_PARMS], &p, sizeof p)) {
            return EINVAL;
        }
        a->verdict = p.action;
        a->csum.flags = p.update_flags;
        break;
    }
    case TCF_A_SKBEDIT: {
        struct tc_skbedit p;
        if (!tb[TCA_SKBEDIT_PARMS].present
            || get_min(&tb[TCA_SKBEDIT_PARMS], &p, sizeof p)) {
            return EINVAL;
        }
        a->verdict = p.action;
        if (tb[TCA_SKBEDIT_PTYPE].present) {
            if (tcf_attr_get(&tb[TCA_SKBEDIT_PTYPE], &a->skbedit.ptype, 2)) {
                return EINVAL;
            }
            a->skbedit.has_ptype = true;
        }
        break;
    }
    case TCF_A_TUNNEL_KEY:
        if (parse_tunnel_key(tb, a)) {
            return EINVAL;
        }
        break;
    case TCF_A_POLICE:
        if (parse_police(tb, a)) {
            return EINVAL;
        }
        break;
    case TCF_A_OTHER:
    case TCF_A_DROP:
        break;
    }

    const struct tcf_attr *tm = &tb[kinds[kind_idx].tm_attr];
    struct tcf_t t;
    if (tm->present) {
        if (get_min(tm, &t, sizeof t)) {
            return EINVAL;
        }
        a->stats.lastuse = t.lastuse;
        a->stats.has_lastuse = true;
    }
    return 0;
}

/* TCA_ACT_STATS: the basic counters, the hardware part, and 64-bit packet
 * counts (TCA_STATS_PKT64), each of which completes the basic counter
 * attribute just before it. */
static int
parse_stats(const struct tcf_attr *st, struct tcf_counters *c)
{
    struct tcf_attr_iter it;
    struct tcf_attr a;
    uint16_t type;
    uint16_t last = 0;
    int r;

    tcf_attr_iter_init(&it, st->data, st->len);
    while ((r = tcf_attr_iter_next(&it, &type, &a)) == 1) {
        if (type == TCA_STATS_BASIC || type == TCA_STATS_BASIC_HW) {
            /* struct gnet_stats_basic: u64 bytes, u32 packets (padded to
             * 16 bytes on 64-bit kernels). */
            uint64_t bytes;
            uint32_t packets;
            if (a.len < 12) {
                return EINVAL;
            }
            memcpy(&bytes, a.data, 8);
            memcpy(&packets, a.data + 8, 4);
            if (type == TCA_STATS_BASIC) {
                c->bytes = bytes;
                c->packets = packets;
            } else {
                c->hw_bytes = bytes;
                c->hw_packets = packets;
            }
            last = type;
        } else if (type == TCA_STATS_PKT64) {
            uint64_t packets;
            if (tcf_attr_get(&a, &packets, 8)) {
                return EINVAL;
            }
            if (last == TCA_STATS_BASIC) {
                c->packets = packets;
            } else if (last == TCA_STATS_BASIC_HW) {
                c->hw_packets = packets;
            }
        }
    }
    return r;
}

static int
parse_action(const struct tcf_attr *nest, struct tcf_action *a)
{
    struct tcf_attr tb[TCA_ACT_MAX + 1];

    if (tcf_attr_parse(nest->data, nest->len, tb, TCA_ACT_MAX)
        || !tb[TCA_ACT_KIND].present
        || tcf_attr_get_str(&tb[TCA_ACT_KIND], a->kind, sizeof a->kind)) {
        return EINVAL;
    }
    size_t kind_idx = ARRAY_SIZE(kinds);
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        if (!strcmp(kinds[i].kind, a->kind)) {
            kind_idx = i;
            a->type = kinds[i].type;
        }
    }
    if (kind_idx < ARRAY_SIZE(kinds) && tb[TCA_ACT_OPTIONS].present
        && parse_action_options(&tb[TCA_ACT_OPTIONS], kind_idx, a)) {
        return EINVAL;
    }
    if (tb[TCA_ACT_COOKIE].present) {
        const struct tcf_attr *ck = &tb[TCA_ACT_COOKIE];
        a->cookie_len = NF_MIN(ck->len, (size_t) UINT16_MAX);
        memcpy(a->cookie, ck->data, NF_MIN(ck->len, sizeof a->cookie));
    }
    if (tb[TCA_ACT_STATS].present
        && parse_stats(&tb[TCA_ACT_STATS], &a->stats)) {
        return EINVAL;
    }
    return 0;
}

/* TCA_FLOWER_ACT: one nest per action, typed with its order (1, 2, ...). */
static int
parse_actions(const struct tcf_attr *acts, struct tcf_filter *f)
{
    struct tcf_attr tb[TCF_MAX_ACTIONS + 1];

    if (tcf_attr_parse(acts->data, acts->len, tb, TCF_MAX_ACTIONS)) {
        return EINVAL;
    }
    f->n_actions = 0;
    for (size_t i = 1; i <= TCF_MAX_ACTIONS; i++) {
        if (!tb[i].present) {
            continue;
        }
        if (i != f->n_actions + 1) {
            return EINVAL; /* A gap in the order. */
        }
        memset(&f->actions[i - 1], 0, sizeof f->actions[i - 1]);
        if (parse_action(&tb[i], &f->actions[i - 1])) {
            return EINVAL;
        }
        f->n_actions = i;
    }
    return 0;
}

static int
parse_flower(const struct tcf_attr *opts, struct tcf_filter *f)
{
    struct tcf_attr tb[TCA_FLOWER_MAX + 1];

    if (tcf_attr_parse(opts->data, opts->len, tb, TCA_FLOWER_MAX)
        || parse_vlans(tb, f->protocol, f) || parse_keys(tb, f)
        || parse_enc_opts(tb, f)
        || (tb[TCA_FLOWER_FLAGS].present
            && tcf_attr_get(&tb[TCA_FLOWER_FLAGS], &f->flags, 4))
        || (tb[TCA_FLOWER_IN_HW_COUNT].present
            && tcf_attr_get(&tb[TCA_FLOWER_IN_HW_COUNT], &f->in_hw_count, 4))
        || (tb[TCA_FLOWER_ACT].present
            && parse_actions(&tb[TCA_FLOWER_ACT], f))) {
        return EINVAL;
    }
    return 0;
}

int
tcf_msg_parse_filter(const struct nlmsghdr *nlh, struct tcf_filter *f)
{
    const uint8_t *p = (const uint8_t *) nlh;
    size_t len = nlh->nlmsg_len;
    size_t ofs = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct tcmsg));
    struct tcmsg tcm;

    tcf_filter_clear(f);
    if (len < NLMSG_HDRLEN + sizeof tcm) {
        return EINVAL;
    }
    memcpy(&tcm, p + NLMSG_HDRLEN, sizeof tcm);
    f->ifindex = tcm.tcm_ifindex;
    f->handle = tcm.tcm_handle;
    f->parent = tcm.tcm_parent;
    f->prio = tcm.tcm_info >> 16;
    f->protocol = tcm.tcm_info & 0xffff;
    if (ofs > len) {
        return EINVAL;
    }

    struct tcf_attr tb[TCA_MAX + 1];
    if (tcf_attr_parse(p + ofs, len - ofs, tb, TCA_MAX)
        || (tb[TCA_KIND].present
            && tcf_attr_get_str(&tb[TCA_KIND], f->kind, sizeof f->kind))
        || (tb[TCA_CHAIN].present
            && tcf_attr_get(&tb[TCA_CHAIN], &f->chain, 4))) {
        return EINVAL;
    }
    if (!strcmp(f->kind, "flower") && tb[TCA_OPTIONS].present) {
        return parse_flower(&tb[TCA_OPTIONS], f);
    }
    return 0;
}

int
tcf_msg_parse_actions(const struct nlmsghdr *nlh, struct tcf_action *acts,
                      size_t max, size_t *n)
{
    const uint8_t *p = (const uint8_t *) nlh;
    size_t len = nlh->nlmsg_len;
    size_t ofs = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct tcamsg));
    struct tcf_attr tb[TCA_ROOT_MAX + 1];

    *n = 0;
    if (ofs > len || tcf_attr_parse(p + ofs, len - ofs, tb, TCA_ROOT_MAX)) {
        return EINVAL;
    }
    if (!tb[TCA_ACT_TAB].present) {
        return 0;
    }
    /* The nests are taken in order; their types (their numbers) are not
     * looked at, since a dump numbers them from 0 and an echo from 1. */
    struct tcf_attr_iter it;
    struct tcf_attr nest;
    uint16_t type;
    int r;
    tcf_attr_iter_init(&it, tb[TCA_ACT_TAB].data, tb[TCA_ACT_TAB].len);
    while ((r = tcf_attr_iter_next(&it, &type, &nest)) == 1) {
        if (*n < max) {
            memset(&acts[*n], 0, sizeof acts[*n]);
            if (parse_action(&nest, &acts[*n])) {
                return EINVAL;
            }
            ++*n;
        }
    }
    return r;
}
