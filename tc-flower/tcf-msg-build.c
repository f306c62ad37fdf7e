/* tcf-msg-build.c: requests of the tc provider, built into caller-owned
 * buffers with bounds-checked puts.
 *
 * How flower wants the ethertypes and VLAN tags (net/sched/cls_flower.c,
 * fl_set_key()): TCA_FLOWER_KEY_ETH_TYPE is the outermost ethertype, so
 * for a tagged frame it is the outer TPID; TCA_FLOWER_KEY_VLAN_ETH_TYPE is
 * what follows the outer tag (the inner TPID of a double-tagged frame, or
 * the payload's ethertype); TCA_FLOWER_KEY_CVLAN_ETH_TYPE what follows the
 * inner tag.  VLAN IDs and priorities have no mask attributes: present
 * means exact.  The filter's protocol (tcm_info) is the outermost
 * ethertype too, or ETH_P_ALL when nothing is matched. */
#include "tc-flower/tcf-msg.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
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

/* A message under construction: every put is checked against SIZE, and
 * the first that does not fit marks the whole message as failed. */
struct mb {
    struct nlmsghdr *nlh;
    size_t size;
    bool failed;
};

static void
put(struct mb *m, uint16_t type, size_t len, const void *data)
{
    if (m->failed) {
        return;
    }
    if (!mnl_attr_put_check(m->nlh, m->size, type, len, data)) {
        m->failed = true;
    } else if (MNL_ALIGN(len) != len) {
        /* libmnl 1.0.4 (Debian 12's) leaves the padding after an
         * attribute as the buffer had it: zero it, so that a request is
         * the same bytes whatever the buffer held before. */
        size_t pad = MNL_ALIGN(len) - len;
        memset((uint8_t *) m->nlh + m->nlh->nlmsg_len - pad, 0, pad);
    }
}

static void
put_u8(struct mb *m, uint16_t type, uint8_t v)
{
    put(m, type, 1, &v);
}

static void
put_u16(struct mb *m, uint16_t type, uint16_t v)
{
    put(m, type, 2, &v);
}

static void
put_u32(struct mb *m, uint16_t type, uint32_t v)
{
    put(m, type, 4, &v);
}

static void
put_str(struct mb *m, uint16_t type, const char *s)
{
    put(m, type, strlen(s) + 1, s);
}

static struct nlattr *
nest_start(struct mb *m, uint16_t type)
{
    struct nlattr *n = NULL;

    if (!m->failed) {
        n = mnl_attr_nest_start_check(m->nlh, m->size, type);
        m->failed = !n;
    }
    return n;
}

static void
nest_end(struct mb *m, struct nlattr *n)
{
    if (!m->failed && n) {
        mnl_attr_nest_end(m->nlh, n);
    }
}

/* Starts a tc message of TYPE with a struct tcmsg.  Returns false if even
 * that does not fit. */
static bool
start(struct mb *m, void *buf, size_t size, uint16_t type, uint16_t flags,
      uint32_t seq, int ifindex, uint32_t handle, uint32_t parent,
      uint32_t info)
{
    m->size = size;
    m->failed = false;
    if (size < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct tcmsg))) {
        return false;
    }
    memset(buf, 0, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct tcmsg)));
    m->nlh = mnl_nlmsg_put_header(buf);
    m->nlh->nlmsg_type = type;
    m->nlh->nlmsg_flags = flags;
    m->nlh->nlmsg_seq = seq;
    struct tcmsg *tcm = mnl_nlmsg_put_extra_header(m->nlh, sizeof *tcm);
    tcm->tcm_family = AF_UNSPEC;
    tcm->tcm_ifindex = ifindex;
    tcm->tcm_handle = handle;
    tcm->tcm_parent = parent;
    tcm->tcm_info = info;
    return true;
}

static size_t
finish(const struct mb *m)
{
    return m->failed ? 0 : m->nlh->nlmsg_len;
}

/* The ethertypes and tags (see the comment at the top). */
static void
put_vlans(struct mb *m, const struct tcf_filter *f)
{
    const struct tcf_key *k = &f->key, *mk = &f->mask;
    int n_vlans = !mk->vlan_tpid[0] ? 0 : !mk->vlan_tpid[1] ? 1 : 2;
    static const uint16_t id_attr[2] = { TCA_FLOWER_KEY_VLAN_ID,
                                         TCA_FLOWER_KEY_CVLAN_ID };
    static const uint16_t prio_attr[2] = { TCA_FLOWER_KEY_VLAN_PRIO,
                                           TCA_FLOWER_KEY_CVLAN_PRIO };
    static const uint16_t next_attr[2] = { TCA_FLOWER_KEY_VLAN_ETH_TYPE,
                                           TCA_FLOWER_KEY_CVLAN_ETH_TYPE };

    if (!n_vlans) {
        if (mk->eth_type) {
            put_u16(m, TCA_FLOWER_KEY_ETH_TYPE, k->eth_type);
        }
        return;
    }
    put_u16(m, TCA_FLOWER_KEY_ETH_TYPE, k->vlan_tpid[0]);
    for (int i = 0; i < n_vlans; i++) {
        if (mk->vlan_id[i]) {
            put_u16(m, id_attr[i], k->vlan_id[i] & 0x0fff);
        }
        if (mk->vlan_prio[i]) {
            put_u8(m, prio_attr[i], k->vlan_prio[i] & 0x7);
        }
        if (i + 1 < n_vlans) {
            put_u16(m, next_attr[i], k->vlan_tpid[i + 1]);
        } else if (mk->eth_type) {
            put_u16(m, next_attr[i], k->eth_type);
        }
    }
}

/* Geneve options, one TCA_FLOWER_KEY_ENC_OPTS_GENEVE (or
 * TCA_TUNNEL_KEY_ENC_OPTS_GENEVE, the same number) nest per option in
 * packet order, each with the option's class, type and data (cls_flower's
 * fl_set_geneve_opt() and act_tunnel_key's tunnel_key_copy_geneve_opt()
 * read one of each per nest), inside a nest of type TYPE.  The options
 * are walked by the lengths in LENS (the key's); VALUES gives the bytes
 * sent (the key's or the mask's).  Returns false if LENS are not options
 * the kernel takes (tcf_geneve_opts_check()). */
static bool
put_geneve_opts(struct mb *m, uint16_t type, const uint8_t *lens,
                const uint8_t *values, size_t len)
{
    char why[128];

    _Static_assert((int) TCA_FLOWER_KEY_ENC_OPTS_GENEVE
                           == (int) TCA_TUNNEL_KEY_ENC_OPTS_GENEVE
                       && (int) TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS
                              == (int) TCA_TUNNEL_KEY_ENC_OPT_GENEVE_CLASS
                       && (int) TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE
                              == (int) TCA_TUNNEL_KEY_ENC_OPT_GENEVE_TYPE
                       && (int) TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA
                              == (int) TCA_TUNNEL_KEY_ENC_OPT_GENEVE_DATA,
                   "flower and tunnel_key number Geneve options alike");
    if (!len || !tcf_geneve_opts_check(lens, len, why, sizeof why)) {
        return false;
    }
    struct nlattr *outer = nest_start(m, type);
    for (size_t ofs = 0; ofs < len;) {
        size_t dlen = (lens[ofs + 3] & 0x1fu) * 4;
        const uint8_t *v = values + ofs;
        uint16_t cls;
        memcpy(&cls, v, 2);
        struct nlattr *opt = nest_start(m, TCA_FLOWER_KEY_ENC_OPTS_GENEVE);
        put_u16(m, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, cls);
        put_u8(m, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, v[2]);
        put(m, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, dlen, v + 4);
        nest_end(m, opt);
        ofs += 4 + dlen;
    }
    nest_end(m, outer);
    return true;
}

/* The Geneve options of a match: the key's bytes under the mask, then the
 * masks (class, type, data), option by option. */
static bool
put_enc_opts(struct mb *m, const struct tcf_filter *f)
{
    const struct pkt_tun_opts *k = &f->key.enc_opts, *mk = &f->mask.enc_opts;
    uint8_t v[sizeof k->data];
    size_t len = NF_MIN((size_t) k->len, sizeof v);

    if (!mk->len) {
        return true;
    }
    for (size_t i = 0; i < len; i++) {
        v[i] = k->data[i] & mk->data[i];
    }
    return put_geneve_opts(m, TCA_FLOWER_KEY_ENC_OPTS, k->data, v, len)
           && put_geneve_opts(m, TCA_FLOWER_KEY_ENC_OPTS_MASK, k->data,
                              mk->data, len);
}

static bool
put_match(struct mb *m, const struct tcf_filter *f)
{
    const uint8_t *k = (const uint8_t *) &f->key;
    const uint8_t *mk = (const uint8_t *) &f->mask;

    put_vlans(m, f);
    for (size_t i = 0; i < tcf_n_fields; i++) {
        const struct tcf_field *fd = &tcf_fields[i];
        uint8_t v[16];
        bool any = false;

        for (size_t j = 0; j < fd->len; j++) {
            v[j] = k[fd->ofs + j] & mk[fd->ofs + j];
            any |= mk[fd->ofs + j] != 0;
        }
        if (!any || !tcf_field_ctx_ok(fd->ctx, &f->key, &f->mask)) {
            continue;
        }
        put(m, fd->attr, fd->len, v);
        if (fd->mask_attr) {
            put(m, fd->mask_attr, fd->len, mk + fd->ofs);
        }
    }
    return put_enc_opts(m, f);
}

/* act_tunnel_key (net/sched/act_tunnel_key.c, tunnel_key_init()): a set
 * needs a source and a destination address of one family (a source of 0
 * lets the tunnel device pick one by route); without ENC_KEY_ID the
 * metadata has no key (GRE without a key); NO_CSUM always, so that the
 * echo, which always reports it, says what we meant; Geneve options, if
 * any, as TCA_TUNNEL_KEY_ENC_OPTS. */
static bool
put_tunnel_key(struct mb *m, const struct tcf_tunnel_key *t, int verdict)
{
    struct tc_tunnel_key p = { .action = verdict, .t_action = t->t_action };

    put(m, TCA_TUNNEL_KEY_PARMS, sizeof p, &p);
    if (t->t_action != TCA_TUNNEL_KEY_ACT_SET) {
        return true;
    }
    if (t->has_opts || t->has_ipv4 == t->has_ipv6) {
        return false;
    }
    if (t->has_key_id) {
        put_u32(m, TCA_TUNNEL_KEY_ENC_KEY_ID, t->key_id);
    }
    if (t->has_ipv4) {
        put_u32(m, TCA_TUNNEL_KEY_ENC_IPV4_SRC, t->ipv4_src);
        put_u32(m, TCA_TUNNEL_KEY_ENC_IPV4_DST, t->ipv4_dst);
    } else {
        put(m, TCA_TUNNEL_KEY_ENC_IPV6_SRC, sizeof t->ipv6_src, &t->ipv6_src);
        put(m, TCA_TUNNEL_KEY_ENC_IPV6_DST, sizeof t->ipv6_dst, &t->ipv6_dst);
    }
    if (t->dst_port) {
        put_u16(m, TCA_TUNNEL_KEY_ENC_DST_PORT, t->dst_port);
    }
    if (t->tos) {
        put_u8(m, TCA_TUNNEL_KEY_ENC_TOS, t->tos);
    }
    if (t->ttl) {
        put_u8(m, TCA_TUNNEL_KEY_ENC_TTL, t->ttl);
    }
    put_u8(m, TCA_TUNNEL_KEY_NO_CSUM, t->no_csum);
    if (t->opts.len) {
        size_t len = NF_MIN((size_t) t->opts.len, sizeof t->opts.data);
        return put_geneve_opts(m, TCA_TUNNEL_KEY_ENC_OPTS, t->opts.data,
                               t->opts.data, len);
    }
    return true;
}

/* Psched ticks (64 ns, PSCHED_TICKS2NS() is x << 6) a rate of RATE units
 * per second takes for SIZE units. */
#define TCF_TICKS_PER_SEC (1000000000ull >> 6)

static uint64_t
ticks(uint64_t rate, uint64_t size)
{
    if (!rate) {
        return 0;
    }
    unsigned __int128 t = (unsigned __int128) size * TCF_TICKS_PER_SEC / rate;
    return t > UINT64_MAX ? UINT64_MAX : (uint64_t) t;
}

/* act_police (net/sched/act_police.c, tcf_police_init()).  BIND: only the
 * index (an action that exists is then bound as it is, everything else
 * ignored) with the verdicts.  Otherwise the whole policer: struct
 * tc_police (exceed verdict, burst in ticks, mtu, the byte rate up to 32
 * bits with the rate table's cell_log and an Ethernet link layer, so that
 * the kernel neither guesses one nor changes what it echoes), the rate
 * table the kernel requires with a byte rate (qdisc_get_rtab(): 256 cells,
 * cell I the ticks of (I + 1) << cell_log bytes), TCA_POLICE_RATE64 for a
 * rate beyond 32 bits, or for a packet rate TCA_POLICE_PKTRATE64 and
 * TCA_POLICE_PKTBURST64 (ticks too: the kernel takes it through
 * PSCHED_TICKS2NS()), and the conform verdict. */
static void
put_police(struct mb *m, const struct tcf_action *a, bool bind)
{
    const struct tcf_police_parms *pp = &a->police;
    struct tc_police p;

    memset(&p, 0, sizeof p);
    p.index = pp->index;
    p.action = a->verdict;
    if (!bind) {
        p.burst = pp->burst;
        p.mtu = pp->mtu;
        if (pp->rate) {
            p.rate.rate = NF_MIN(pp->rate, (uint64_t) UINT32_MAX);
            p.rate.cell_log = pp->cell_log;
            p.rate.cell_align = -1;
            p.rate.linklayer = TC_LINKLAYER_ETHERNET;
        }
    }
    put(m, TCA_POLICE_TBF, sizeof p, &p);
    if (!bind && pp->rate) {
        uint32_t rtab[TC_RTAB_SIZE / sizeof(uint32_t)];
        for (size_t i = 0; i < ARRAY_SIZE(rtab); i++) {
            uint64_t t = ticks(pp->rate, (uint64_t) (i + 1) << pp->cell_log);
            rtab[i] = NF_MIN(t, (uint64_t) UINT32_MAX);
        }
        put(m, TCA_POLICE_RATE, sizeof rtab, rtab);
        if (pp->rate > UINT32_MAX) {
            put(m, TCA_POLICE_RATE64, sizeof pp->rate, &pp->rate);
        }
    }
    if (!bind && pp->pkt_rate) {
        put(m, TCA_POLICE_PKTRATE64, sizeof pp->pkt_rate, &pp->pkt_rate);
        put(m, TCA_POLICE_PKTBURST64, sizeof pp->pkt_burst, &pp->pkt_burst);
    }
    if (pp->conform) {
        put_u32(m, TCA_POLICE_RESULT, pp->conform);
    }
}

uint64_t
tcf_police_ticks(uint64_t rate, uint64_t size)
{
    return ticks(rate, size);
}

static bool
put_action_options(struct mb *m, const struct tcf_action *a)
{
    switch (a->type) {
    case TCF_A_DROP: {
        struct tc_gact p = { .action = TC_ACT_SHOT };
        put(m, TCA_GACT_PARMS, sizeof p, &p);
        return true;
    }
    case TCF_A_MIRRED: {
        struct tc_mirred p = {
            .action = a->verdict,
            .eaction = a->mirred.eaction,
            .ifindex = a->mirred.ifindex,
        };
        put(m, TCA_MIRRED_PARMS, sizeof p, &p);
        return true;
    }
    case TCF_A_VLAN: {
        struct tc_vlan p = { .action = a->verdict,
                             .v_action = a->vlan.v_action };
        put(m, TCA_VLAN_PARMS, sizeof p, &p);
        if (a->vlan.v_action != TCA_VLAN_ACT_POP) {
            /* The priority always, so that the echo reports what we
             * meant rather than a default. */
            put_u16(m, TCA_VLAN_PUSH_VLAN_ID, a->vlan.id);
            put_u16(m, TCA_VLAN_PUSH_VLAN_PROTOCOL, a->vlan.proto);
            put_u8(m, TCA_VLAN_PUSH_VLAN_PRIORITY, a->vlan.prio);
        }
        return true;
    }
    case TCF_A_PEDIT: {
        size_t n = a->pedit.n_keys;
        if (!n || n > TCF_PEDIT_MAX_KEYS) {
            return false;
        }
        uint8_t raw[sizeof(struct tc_pedit_sel)
                    + TCF_PEDIT_MAX_KEYS * sizeof(struct tc_pedit_key)];
        struct tc_pedit_sel sel;
        memset(raw, 0, sizeof raw);
        memset(&sel, 0, sizeof sel);
        sel.action = a->verdict;
        sel.nkeys = n;
        memcpy(raw, &sel, sizeof sel);
        for (size_t i = 0; i < n; i++) {
            struct tc_pedit_key key = {
                .mask = a->pedit.keys[i].mask,
                .val = a->pedit.keys[i].val,
                .off = a->pedit.keys[i].off,
            };
            memcpy(raw + sizeof sel + i * sizeof key, &key, sizeof key);
        }
        put(m, TCA_PEDIT_PARMS_EX,
            sizeof sel + n * sizeof(struct tc_pedit_key), raw);
        struct nlattr *keys = nest_start(m, TCA_PEDIT_KEYS_EX);
        for (size_t i = 0; i < n; i++) {
            struct nlattr *kex = nest_start(m, TCA_PEDIT_KEY_EX);
            put_u16(m, TCA_PEDIT_KEY_EX_HTYPE, a->pedit.keys[i].htype);
            put_u16(m, TCA_PEDIT_KEY_EX_CMD, a->pedit.keys[i].cmd);
            nest_end(m, kex);
        }
        nest_end(m, keys);
        return true;
    }
    case TCF_A_CSUM: {
        struct tc_csum p = { .action = a->verdict,
                             .update_flags = a->csum.flags };
        put(m, TCA_CSUM_PARMS, sizeof p, &p);
        return true;
    }
    case TCF_A_SKBEDIT: {
        struct tc_skbedit p = { .action = a->verdict };
        put(m, TCA_SKBEDIT_PARMS, sizeof p, &p);
        if (a->skbedit.has_ptype) {
            put_u16(m, TCA_SKBEDIT_PTYPE, a->skbedit.ptype);
        }
        return true;
    }
    case TCF_A_TUNNEL_KEY:
        return put_tunnel_key(m, &a->tunnel_key, a->verdict);
    case TCF_A_GACT: {
        /* The counting action before a leading police action
         * (tcf-translate.h): pipe. */
        struct tc_gact p = { .action = a->verdict };
        put(m, TCA_GACT_PARMS, sizeof p, &p);
        return true;
    }
    case TCF_A_POLICE:
        /* In a filter: a bind to the shared action (tcf-police.h). */
        put_police(m, a, true);
        return true;
    case TCF_A_OTHER:
        break;
    }
    return false;
}

static const char *
action_kind(enum tcf_action_type type)
{
    switch (type) {
    case TCF_A_DROP:
    case TCF_A_GACT:
        return "gact";
    case TCF_A_MIRRED:
        return "mirred";
    case TCF_A_VLAN:
        return "vlan";
    case TCF_A_PEDIT:
        return "pedit";
    case TCF_A_CSUM:
        return "csum";
    case TCF_A_SKBEDIT:
        return "skbedit";
    case TCF_A_TUNNEL_KEY:
        return "tunnel_key";
    case TCF_A_POLICE:
        return "police";
    case TCF_A_OTHER:
        break;
    }
    return NULL;
}

size_t
tcf_msg_new_filter(void *buf, size_t size, uint32_t seq, uint16_t flags,
                   const struct tcf_filter *f)
{
    struct mb m;

    if (f->n_actions > TCF_MAX_ACTIONS
        || !start(&m, buf, size, RTM_NEWTFILTER,
                  NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO | flags, seq,
                  f->ifindex, f->handle, f->parent,
                  TC_H_MAKE((uint32_t) f->prio << 16, f->protocol))) {
        return 0;
    }
    put_str(&m, TCA_KIND, "flower");
    put_u32(&m, TCA_CHAIN, f->chain);
    struct nlattr *opts = nest_start(&m, TCA_OPTIONS);
    if (f->flags & (TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_SKIP_SW)) {
        put_u32(&m, TCA_FLOWER_FLAGS,
                f->flags & (TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_SKIP_SW));
    }
    if (!put_match(&m, f)) {
        return 0;
    }
    struct nlattr *acts = nest_start(&m, TCA_FLOWER_ACT);
    for (size_t i = 0; i < f->n_actions; i++) {
        const struct tcf_action *a = &f->actions[i];
        const char *kind = action_kind(a->type);
        if (!kind) {
            return 0;
        }
        struct nlattr *act = nest_start(&m, i + 1);
        put_str(&m, TCA_ACT_KIND, kind);
        if (a->cookie_len) {
            if (a->cookie_len > TCF_COOKIE_LEN) {
                return 0;
            }
            put(&m, TCA_ACT_COOKIE, a->cookie_len, a->cookie);
        }
        struct nlattr *aopts = nest_start(&m, TCA_ACT_OPTIONS);
        if (!put_action_options(&m, a)) {
            return 0;
        }
        nest_end(&m, aopts);
        nest_end(&m, act);
    }
    nest_end(&m, acts);
    nest_end(&m, opts);
    return finish(&m);
}

size_t
tcf_msg_del_filter(void *buf, size_t size, uint32_t seq, int ifindex,
                   uint32_t parent, uint16_t prio, uint16_t protocol,
                   uint32_t handle, bool echo)
{
    struct mb m;

    if (!start(&m, buf, size, RTM_DELTFILTER,
               NLM_F_REQUEST | NLM_F_ACK | (echo ? NLM_F_ECHO : 0), seq,
               ifindex, handle, parent,
               TC_H_MAKE((uint32_t) prio << 16, protocol))) {
        return 0;
    }
    put_str(&m, TCA_KIND, "flower");
    put_u32(&m, TCA_CHAIN, TCF_CHAIN);
    return finish(&m);
}

size_t
tcf_msg_dump_filters(void *buf, size_t size, uint32_t seq, int ifindex,
                     uint32_t parent, bool chain0_only)
{
    struct mb m;

    if (!start(&m, buf, size, RTM_GETTFILTER, NLM_F_REQUEST | NLM_F_DUMP, seq,
               ifindex, 0, parent, 0)) {
        return 0;
    }
    if (chain0_only) {
        put_u32(&m, TCA_CHAIN, TCF_CHAIN);
    }
    return finish(&m);
}

size_t
tcf_msg_clsact(void *buf, size_t size, uint32_t seq, uint16_t type,
               int ifindex)
{
    struct mb m;
    uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;

    if (type == RTM_NEWQDISC) {
        flags |= NLM_F_CREATE | NLM_F_EXCL;
    }
    if (!start(&m, buf, size, type, flags, seq, ifindex,
               TC_H_MAKE(TC_H_CLSACT, 0), TC_H_CLSACT, 0)) {
        return 0;
    }
    put_str(&m, TCA_KIND, "clsact");
    return finish(&m);
}

/* Actions of their own (RTM_*ACTION): a struct tcamsg, then
 * TCA_ACT_TAB with one nest per action (numbered from 1). */
static bool
start_action_msg(struct mb *m, void *buf, size_t size, uint16_t type,
                 uint16_t flags, uint32_t seq)
{
    m->size = size;
    m->failed = false;
    if (size < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct tcamsg))) {
        return false;
    }
    memset(buf, 0, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct tcamsg)));
    m->nlh = mnl_nlmsg_put_header(buf);
    m->nlh->nlmsg_type = type;
    m->nlh->nlmsg_flags = flags;
    m->nlh->nlmsg_seq = seq;
    struct tcamsg *t = mnl_nlmsg_put_extra_header(m->nlh, sizeof *t);
    t->tca_family = AF_UNSPEC;
    return true;
}

size_t
tcf_msg_new_action(void *buf, size_t size, uint32_t seq, uint16_t flags,
                   const struct tcf_action *a)
{
    struct mb m;

    if (a->type != TCF_A_POLICE || a->police.bind
        || !start_action_msg(&m, buf, size, RTM_NEWACTION,
                             NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO | flags,
                             seq)) {
        return 0;
    }
    struct nlattr *tab = nest_start(&m, TCA_ACT_TAB);
    struct nlattr *act = nest_start(&m, 1);
    put_str(&m, TCA_ACT_KIND, "police");
    struct nlattr *opts = nest_start(&m, TCA_ACT_OPTIONS);
    put_police(&m, a, false);
    nest_end(&m, opts);
    nest_end(&m, act);
    nest_end(&m, tab);
    return finish(&m);
}

size_t
tcf_msg_del_action(void *buf, size_t size, uint32_t seq, const char *kind,
                   uint32_t index)
{
    struct mb m;

    if (!start_action_msg(&m, buf, size, RTM_DELACTION,
                          NLM_F_REQUEST | NLM_F_ACK, seq)) {
        return 0;
    }
    struct nlattr *tab = nest_start(&m, TCA_ACT_TAB);
    struct nlattr *act = nest_start(&m, 1);
    put_str(&m, TCA_ACT_KIND, kind);
    put_u32(&m, TCA_ACT_INDEX, index);
    nest_end(&m, act);
    nest_end(&m, tab);
    return finish(&m);
}

size_t
tcf_msg_dump_actions(void *buf, size_t size, uint32_t seq, const char *kind)
{
    struct mb m;

    if (!start_action_msg(&m, buf, size, RTM_GETACTION,
                          NLM_F_REQUEST | NLM_F_DUMP, seq)) {
        return 0;
    }
    struct nlattr *tab = nest_start(&m, TCA_ACT_TAB);
    struct nlattr *act = nest_start(&m, 1);
    put_str(&m, TCA_ACT_KIND, kind);
    nest_end(&m, act);
    nest_end(&m, tab);
    return finish(&m);
}
