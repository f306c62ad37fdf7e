/* Unit tests for tc-flower's translation of datapath flows to flower
 * filters (tcf-translate.h) where tunnels are involved: the parts of
 * tunnel metadata and Geneve options that the dump-flows text cannot
 * write (raw datapath masks and set(tunnel) option lists, with their
 * exact reasons), the hook of tunnel ports, the echo comparison of enc_*
 * keys and tunnel_key actions, Geneve options on the wire (the bytes of
 * built requests, the kernel's shape of a dump, malformed replies) and
 * dumps captured from a real kernel read back and compared with the
 * request.  The table of cases and the plain-device tests are in
 * test-tcf-translate.c; both share tcf-translate-fixtures.h. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>
#include <linux/rtnetlink.h>
#include <linux/pkt_cls.h>
#include <linux/tc_act/tc_tunnel_key.h>

#include "lib/buf.h"
#include "lib/flow.h"
#include "lib/util.h"
#include "softpath/odp.h"
#include "tc-flower/tcf-filter.h"
#include "tc-flower/tcf-msg.h"
#include "tc-flower/tcf-nl.h"
#include "tc-flower/tcf-translate.h"
#include "tests/unit/tcf-translate-fixtures.h"

/* Tunnel parts that the text parser cannot write, the hook of tunnel
 * ports, and the echo comparison of enc_* keys and tunnel_key. */
static void
test_tunnel_raw(void **state)
{
    (void) state;
    static struct tcf_filter f, back;
    struct offload_reason why;
    struct offload_flow of;
    struct flow flow, mask;
    char what[64];

    /* Tunnel ports: ingress, and known as tunnels. */
    assert_int_equal(tcf_port_parent("vxlan"), tcf_ingress_parent());
    assert_int_equal(tcf_port_parent("geneve"), tcf_ingress_parent());
    assert_int_equal(tcf_port_parent("gre"), tcf_ingress_parent());
    assert_int_equal(tcf_port_parent("lisp"), 0);
    assert_true(tcf_port_is_tunnel("vxlan") && tcf_port_is_tunnel("geneve")
                && tcf_port_is_tunnel("gre"));
    assert_false(tcf_port_is_tunnel("afpacket") || tcf_port_is_tunnel(NULL)
                 || tcf_port_is_tunnel("internal"));

    memset(&flow, 0, sizeof flow);
    memset(&mask, 0, sizeof mask);
    mask.in_port = UINT32_MAX;
    memset(&of, 0, sizeof of);
    of.flow = &flow;
    of.flow_mask = &mask;
    uint32_t port;

    /* A packet without a key (GRE): key flag exact and clear, tun_id
     * exact 0: ENC_KEY_ID 0. */
    uint8_t out[8] = { 0 };
    struct nlattr o = { NLA_HDRLEN + 4, OVS_ACTION_ATTR_OUTPUT };
    memcpy(out, &o, sizeof o);
    port = 1;
    memcpy(out + NLA_HDRLEN, &port, 4);
    flow.in_port = 8;
    flow.tunnel.ip_src = htonl(0x0a010102);
    flow.tunnel.ip_dst = htonl(0x0a010101);
    mask.tunnel.ip_src = mask.tunnel.ip_dst = UINT32_MAX;
    mask.tunnel.tun_id = UINT64_MAX;
    mask.tunnel.flags = PKT_TUN_F_KEY | PKT_TUN_F_DONT_FRAGMENT;
    of.in_port = lookup(8);
    of.actions = out;
    of.actions_len = sizeof out;
    assert_int_equal(tcf_translate(&of, 0, lookup, &f, &why), 0);
    assert_int_equal(f.mask.enc_key_id, UINT32_MAX);
    assert_int_equal(f.key.enc_key_id, 0);
    assert_int_equal(f.ifindex, 18);
    assert_int_equal(f.n_actions, 2);
    assert_int_equal(f.actions[0].type, TCF_A_TUNNEL_KEY);
    assert_int_equal(f.actions[0].tunnel_key.t_action,
                     TCA_TUNNEL_KEY_ACT_RELEASE);
    assert_int_equal(f.actions[0].cookie_len, TCF_COOKIE_LEN);

    /* A tunnel mask whose key is all zero on a port that is no tunnel:
     * "not through a tunnel", true of all its packets. */
    memset(&flow.tunnel, 0, sizeof flow.tunnel);
    flow.in_port = 1;
    of.in_port = lookup(1);
    of.actions = out;
    port = 2;
    memcpy(out + NLA_HDRLEN, &port, 4);
    assert_int_equal(tcf_translate(&of, 0, lookup, &f, &why), 0);
    assert_true(nf_bytes_all(&f.mask.enc_key_id, 4, 0));

    /* The echo comparison names each tunnel difference. */
    static const struct xcase c = {
        "tunnel(" TUN_A ",tp_dst=4789),in_port(5),eth()",
        "set(tunnel(tun_id=0xc8,dst=10.1.1.3,ttl=64,tp_dst=6081)),6", OK, NULL
    };
    struct buf key = BUF_INITIALIZER, kmask = BUF_INITIALIZER;
    struct buf bacts = BUF_INITIALIZER;
    parse_case(&c, &flow, &mask, &key, &kmask, &bacts);
    offload_flow_init(&of, &flow, &mask, &key, &kmask, &bacts);
    assert_int_equal(tcf_translate(&of, 0, lookup, &f, &why), 0);
    f.prio = TCF_PRIO_MIN;
    f.handle = 1;
    wire_round_trip(&f, &back);
    assert_true(tcf_filter_agrees(&f, &back, what, sizeof what));
    static const struct {
        size_t ofs, len;
        const char *what;
    } diffs[] = {
        { offsetof(struct tcf_filter, key.enc_key_id), 4, "enc_key_id" },
        { offsetof(struct tcf_filter, key.enc_ipv4_src), 4, "enc_ipv4_src" },
        { offsetof(struct tcf_filter, mask.enc_ipv4_dst), 4, "enc_ipv4_dst" },
        { offsetof(struct tcf_filter, key.enc_tp_dst), 2, "enc_dst_port" },
        { offsetof(struct tcf_filter, actions[0].tunnel_key.t_action), 1,
          "action 1 (tunnel_key)" },
        { offsetof(struct tcf_filter, actions[1].tunnel_key.key_id), 4,
          "action 2 (tunnel_key)" },
        { offsetof(struct tcf_filter, actions[1].tunnel_key.ipv4_dst), 4,
          "action 2 (tunnel_key)" },
        { offsetof(struct tcf_filter, actions[1].tunnel_key.ipv4_src), 4,
          "action 2 (tunnel_key)" },
        { offsetof(struct tcf_filter, actions[1].tunnel_key.dst_port), 2,
          "action 2 (tunnel_key)" },
        { offsetof(struct tcf_filter, actions[1].tunnel_key.ttl), 1,
          "action 2 (tunnel_key)" },
        { offsetof(struct tcf_filter, actions[1].tunnel_key.no_csum), 1,
          "action 2 (tunnel_key)" },
    };
    for (size_t i = 0; i < sizeof diffs / sizeof diffs[0]; i++) {
        static struct tcf_filter changed;
        changed = back;
        ((uint8_t *) &changed)[diffs[i].ofs + diffs[i].len - 1] ^= 1;
        assert_false(tcf_filter_agrees(&f, &changed, what, sizeof what));
        assert_string_equal(what, diffs[i].what);
    }
    /* An IPv6 set: the addresses count. */
    back.actions[1].tunnel_key.has_ipv4 = false;
    back.actions[1].tunnel_key.has_ipv6 = true;
    assert_false(tcf_filter_agrees(&f, &back, what, sizeof what));
    buf_destroy(&key);
    buf_destroy(&kmask);
    buf_destroy(&bacts);
}

/* Geneve options that the text parser cannot write: raw datapath masks
 * (the total length partially masked, the OpenFlow form, reserved flag
 * bits, a mask past the options) and raw set(tunnel) option lists (too
 * long, not whole options, reserved flags), with their exact reasons. */
static void
test_geneve_opts_raw(void **state)
{
    (void) state;
    static const uint8_t opt[8] = { 0x01, 0x02, 0x01, 0x01, 0, 0, 0, 0x0a };
    static struct tcf_filter f;
    static struct flow flow, mask;
    struct offload_reason why;
    struct offload_flow of;
    uint8_t out[8] = { 0 };
    struct nlattr o = { NLA_HDRLEN + 4, OVS_ACTION_ATTR_OUTPUT };
    uint32_t port = 1;

    memcpy(out, &o, sizeof o);
    memcpy(out + NLA_HDRLEN, &port, 4);
    memset(&of, 0, sizeof of);
    of.in_port = lookup(6);
    of.flow = &flow;
    of.flow_mask = &mask;
    of.actions = out;
    of.actions_len = sizeof out;

    /* The base: one option matched exactly, as vswitchd's megaflows have
     * it (LEN 0xff, every header byte and the data). */
    static const struct {
        int change;       /* What is changed from the base. */
        const char *want; /* The reason, or NULL: translates. */
    } raws[] = {
        { 0, NULL },
        { 1, "tc: no match on geneve options (length not matched exactly)" },
        { 2, "tc: no match on geneve options (not in the datapath form)" },
        { 3, "tc: no match on geneve options (option class 0x102 type 0x1: "
             "reserved flags set)" },
        { 4, NULL }, /* Reserved bits set, but not matched. */
        { 5, "tc: no match on geneve options (mask beyond the options)" },
        { 6, "tc: no match on geneve options (not whole options: option class "
             "0x102 type 0x1 has 8 bytes of data, 4 left)" },
        { 7, "tc: no match on geneve options (option class 0x102 type 0x1: "
             "length not matched exactly)" },
    };
    for (size_t i = 0; i < sizeof raws / sizeof raws[0]; i++) {
        memset(&flow, 0, sizeof flow);
        memset(&mask, 0, sizeof mask);
        flow.in_port = 6;
        mask.in_port = UINT32_MAX;
        flow.tunnel.ip_src = htonl(0x0a010102);
        flow.tunnel.ip_dst = htonl(0x0a010101);
        mask.tunnel.ip_src = mask.tunnel.ip_dst = UINT32_MAX;
        memcpy(flow.tunnel.opts.data, opt, sizeof opt);
        flow.tunnel.opts.len = sizeof opt;
        mask.tunnel.opts.len = 0xff;
        memset(mask.tunnel.opts.data, 0xff, sizeof opt);
        switch (raws[i].change) {
        case 1:
            mask.tunnel.opts.len = 0x0f;
            break;
        case 2:
            mask.tunnel.opts.present = 1;
            break;
        case 3:
            flow.tunnel.opts.data[3] |= 0x20;
            break;
        case 4:
            flow.tunnel.opts.data[3] |= 0x40;
            mask.tunnel.opts.data[3] = 0x1f;
            break;
        case 5:
            mask.tunnel.opts.data[8] = 0xff;
            break;
        case 6:
            flow.tunnel.opts.data[3] = 2;
            break;
        case 7:
            mask.tunnel.opts.data[3] = 0x0f;
            break;
        }
        memset(&why, 0, sizeof why);
        int error = tcf_translate(&of, 0, lookup, &f, &why);
        if (!raws[i].want) {
            assert_int_equal(error, 0);
            assert_int_equal(f.key.enc_opts.len, 8);
            assert_int_equal(f.mask.enc_opts.len, 0xff);
            /* Flower's form of the length byte: the key's length in both,
             * the reserved bits clear. */
            assert_int_equal(f.key.enc_opts.data[3], 1);
            assert_int_equal(f.mask.enc_opts.data[3], 1);
            assert_memory_equal(f.key.enc_opts.data + 4, opt + 4, 4);
            assert_true(nf_bytes_all(f.mask.enc_opts.data + 4, 4, 0xff));
            assert_true(nf_bytes_all(f.key.enc_opts.data + 8,
                                     sizeof f.key.enc_opts.data - 8, 0));
        } else {
            assert_int_equal(error, EOPNOTSUPP);
            assert_int_equal(why.code, OFFLOAD_R_UNSUPPORTED_MATCH);
            assert_string_equal(why.msg, raws[i].want);
        }
    }

    /* set(tunnel(dst=10.1.1.2, GENEVE_OPTS)), output to genev_sys_6081,
     * with raw option lists. */
    static uint8_t big[256];
    for (size_t i = 0; i < sizeof big; i += 8) {
        memcpy(big + i, opt, sizeof opt);
    }
    static const uint8_t reserved[8] = { 0x01, 0x02, 0x01, 0x21, 0, 0, 0, 1 };
    static const uint8_t cut[12] = { 0x01, 0x02, 0x01, 0x01, 0,
                                     0,    0,    1,    0x01, 0x03 };
    static const struct {
        const uint8_t *opts;
        size_t len;
        const char *want;
    } sets[] = {
        { opt, sizeof opt, NULL },
        { big, 248, NULL }, /* 31 options, the most one header carries. */
        { big, 256,
          "tc: action set(tunnel) with geneve options cannot be offloaded "
          "(256 bytes: tc takes at most 255)" },
        { opt, 6,
          "tc: action set(tunnel) with geneve options cannot be offloaded "
          "(not whole options: option class 0x102 type 0x1 has 4 bytes of "
          "data, 2 left)" },
        { cut, 10,
          "tc: action set(tunnel) with geneve options cannot be offloaded "
          "(not whole options: 2 bytes left over)" },
        { reserved, sizeof reserved,
          "tc: action set(tunnel) with geneve options cannot be offloaded "
          "(option class 0x102 type 0x1 has reserved flags set)" },
    };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        static uint8_t acts[512];
        size_t olen = sets[i].len, n = 0;
        struct nlattr a;

        memset(acts, 0, sizeof acts);
#define PUT_ATTR(TYPE, LEN)                                   \
    do {                                                      \
        a = (struct nlattr){ (uint16_t) (NLA_HDRLEN + (LEN)), \
                             (uint16_t) (TYPE) };             \
        memcpy(acts + n, &a, sizeof a);                       \
        n += NLA_HDRLEN;                                      \
    } while (0)
        PUT_ATTR(OVS_ACTION_ATTR_SET, 2 * NLA_HDRLEN + 8 + NLA_ALIGN(olen));
        PUT_ATTR(OVS_KEY_ATTR_TUNNEL, NLA_HDRLEN + 8 + NLA_ALIGN(olen));
        PUT_ATTR(OVS_TUNNEL_KEY_ATTR_IPV4_DST, 4);
        uint32_t dst = htonl(0x0a010102);
        memcpy(acts + n, &dst, 4);
        n += 4;
        PUT_ATTR(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, olen);
        memcpy(acts + n, sets[i].opts, olen);
        n += NLA_ALIGN(olen);
        PUT_ATTR(OVS_ACTION_ATTR_OUTPUT, 4);
        port = 6;
        memcpy(acts + n, &port, 4);
        n += 4;
#undef PUT_ATTR
        memset(&flow, 0, sizeof flow);
        memset(&mask, 0, sizeof mask);
        flow.in_port = 1;
        mask.in_port = UINT32_MAX;
        of.in_port = lookup(1);
        of.actions = acts;
        of.actions_len = n;
        memset(&why, 0, sizeof why);
        int error = tcf_translate(&of, 0, lookup, &f, &why);
        if (!sets[i].want) {
            assert_int_equal(error, 0);
            assert_int_equal(f.actions[0].type, TCF_A_TUNNEL_KEY);
            assert_int_equal(f.actions[0].tunnel_key.opts.len, olen);
            assert_memory_equal(f.actions[0].tunnel_key.opts.data,
                                sets[i].opts, olen);
        } else {
            assert_int_equal(error, EOPNOTSUPP);
            assert_int_equal(why.code, OFFLOAD_R_UNSUPPORTED_ACTION);
            assert_string_equal(why.msg, sets[i].want);
        }
    }
}

/* The payload of the attribute at PATH (N types, each nested in the one
 * before) of the tc message MSG, with its header just before it, or NULL;
 * its length in *LEN. */
static const uint8_t *
find_attr(const void *msg, const uint16_t *path, size_t n, size_t *len)
{
    const struct nlmsghdr *nlh = msg;
    const uint8_t *p = (const uint8_t *) msg + NLMSG_HDRLEN
                       + NLMSG_ALIGN(sizeof(struct tcmsg));
    size_t left = nlh->nlmsg_len - (size_t) (p - (const uint8_t *) msg);

    for (size_t i = 0; i < n; i++) {
        const uint8_t *found = NULL;
        size_t flen = 0;
        while (left >= NLA_HDRLEN) {
            struct nlattr a;
            memcpy(&a, p, sizeof a);
            if (a.nla_len < NLA_HDRLEN || a.nla_len > left) {
                return NULL;
            }
            if ((a.nla_type & NLA_TYPE_MASK) == path[i]) {
                found = p + NLA_HDRLEN;
                flen = a.nla_len - NLA_HDRLEN;
                break;
            }
            size_t step = NLA_ALIGN(a.nla_len);
            if (step >= left) {
                break;
            }
            p += step;
            left -= step;
        }
        if (!found) {
            return NULL;
        }
        p = found;
        left = flen;
    }
    *len = left;
    return p;
}

/* Checks that the attribute at PATH of MSG, header included, is the
 * WANT_LEN bytes at WANT. */
static void
check_attr(const void *msg, const uint16_t *path, size_t n,
           const uint8_t *want, size_t want_len)
{
    size_t len = 0;
    const uint8_t *p = find_attr(msg, path, n, &len);

    assert_non_null(p);
    assert_int_equal(len + NLA_HDRLEN, want_len);
    assert_memory_equal(p - NLA_HDRLEN, want, want_len);
}

/* Translates KEY / ACTIONS into *F (prio and handle set) and builds it
 * into MSG. */
static void
translate_and_build(const char *key_s, const char *acts_s,
                    struct tcf_filter *f, uint8_t *msg, size_t size)
{
    struct xcase c = { key_s, acts_s, OK, NULL };
    struct buf key = BUF_INITIALIZER, kmask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER;
    struct offload_reason why;
    struct offload_flow of;
    static struct flow flow, mask;

    parse_case(&c, &flow, &mask, &key, &kmask, &acts);
    offload_flow_init(&of, &flow, &mask, &key, &kmask, &acts);
    if (tcf_translate(&of, 0, lookup, f, &why)) {
        fail_msg("%s / %s: %s", key_s, acts_s, why.msg);
    }
    f->prio = TCF_PRIO_MIN;
    f->handle = 1;
    assert_true(tcf_msg_new_filter(msg, size, 7, NLM_F_CREATE | NLM_F_EXCL, f)
                > 0);
    buf_destroy(&key);
    buf_destroy(&kmask);
    buf_destroy(&acts);
}

/* One Geneve option triple, as the kernel dumps them. */
static void
put_triple(struct nlmsghdr *nlh, uint16_t cls, uint8_t type,
           const uint8_t *data, size_t dlen)
{
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, htons(cls));
    mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, type);
    mnl_attr_put(nlh, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, dlen, data);
}

/* A flower filter message of the kernel's shape whose TCA_OPTIONS holds
 * what SHAPE says (see the cases below), in BUF. */
static const struct nlmsghdr *
kernel_msg(uint8_t *buf, size_t size, int shape)
{
    static const uint8_t d1[4] = { 0, 0, 0, 0x0a };
    static const uint8_t d2[8] = { 0x11, 0x22, 0x33, 0x44 };
    static const uint8_t ones[8] = { 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff };
    static const uint8_t m2[8] = { 0xff, 0xff, 0xff, 0xff };
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(memset(buf, 0, size));
    struct nlattr *n1, *n2, *n3;

    nlh->nlmsg_type = RTM_NEWTFILTER;
    struct tcmsg *tcm = mnl_nlmsg_put_extra_header(nlh, sizeof *tcm);
    tcm->tcm_ifindex = 16;
    tcm->tcm_parent = tcf_ingress_parent();
    tcm->tcm_handle = 1;
    tcm->tcm_info = (uint32_t) TCF_PRIO_MIN << 16 | htons(0x0003);
    mnl_attr_put_strz(nlh, TCA_KIND, "flower");
    struct nlattr *opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    switch (shape) {
    case 0: /* Two options in one nest, key and mask; a tunnel_key set with
             * two options in one nest. */
    case 1: /* The same without the mask: exact. */
        n1 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS);
        n2 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS_GENEVE);
        put_triple(nlh, 0x0102, 0x80, d1, 4);
        put_triple(nlh, 0xff00, 0x01, d2, 8);
        mnl_attr_nest_end(nlh, n2);
        mnl_attr_nest_end(nlh, n1);
        if (shape == 0) {
            n1 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS_MASK);
            n2 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS_GENEVE);
            put_triple(nlh, 0xffff, 0xff, ones, 4);
            put_triple(nlh, 0xff00, 0x0f, m2, 8);
            mnl_attr_nest_end(nlh, n2);
            mnl_attr_nest_end(nlh, n1);
        }
        n1 = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
        n2 = mnl_attr_nest_start(nlh, 1);
        mnl_attr_put_strz(nlh, TCA_ACT_KIND, "tunnel_key");
        n3 = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
        struct tc_tunnel_key p = { .action = TC_ACT_PIPE,
                                   .t_action = TCA_TUNNEL_KEY_ACT_SET };
        mnl_attr_put(nlh, TCA_TUNNEL_KEY_PARMS, sizeof p, &p);
        struct nlattr *eo = mnl_attr_nest_start(nlh, TCA_TUNNEL_KEY_ENC_OPTS);
        struct nlattr *g =
            mnl_attr_nest_start(nlh, TCA_TUNNEL_KEY_ENC_OPTS_GENEVE);
        put_triple(nlh, 0x0102, 0x01, d1, 4);
        put_triple(nlh, 0x0103, 0x7f,
                   (const uint8_t *) "\x11\x22\x33\x44"
                                     "\x55\x66\x77\x88",
                   8);
        mnl_attr_nest_end(nlh, g);
        mnl_attr_nest_end(nlh, eo);
        mnl_attr_nest_end(nlh, n3);
        mnl_attr_nest_end(nlh, n2);
        mnl_attr_nest_end(nlh, n1);
        break;
    case 2: /* A mask whose option is shorter than the key's. */
    case 3: /* A type before the class. */
    case 4: /* Data of 3 bytes. */
    case 5: /* A class and no more. */
    case 6: /* A mask without a key. */
        if (shape != 6) {
            n1 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS);
            n2 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS_GENEVE);
            if (shape == 3) {
                mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 1);
            }
            if (shape == 5) {
                mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 1);
            } else {
                put_triple(nlh, 0x0102, 0x80, d2, shape == 4 ? 3 : 8);
            }
            mnl_attr_nest_end(nlh, n2);
            mnl_attr_nest_end(nlh, n1);
        }
        if (shape == 2 || shape == 6) {
            n1 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS_MASK);
            n2 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS_GENEVE);
            put_triple(nlh, 0xffff, 0xff, ones, 4);
            mnl_attr_nest_end(nlh, n2);
            mnl_attr_nest_end(nlh, n1);
        }
        break;
    case 7: /* VXLAN options only (not modelled), key and mask. */
        for (int i = 0; i < 2; i++) {
            n1 = mnl_attr_nest_start(nlh, i ? TCA_FLOWER_KEY_ENC_OPTS_MASK
                                            : TCA_FLOWER_KEY_ENC_OPTS);
            n2 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS_VXLAN);
            mnl_attr_put_u32(nlh, TCA_FLOWER_KEY_ENC_OPT_VXLAN_GBP, 5);
            mnl_attr_nest_end(nlh, n2);
            mnl_attr_nest_end(nlh, n1);
        }
        break;
    }
    mnl_attr_nest_end(nlh, opts);
    return nlh;
}

/* Geneve options on the wire: the bytes of ENC_OPTS, ENC_OPTS_MASK and
 * tunnel_key's ENC_OPTS of built requests (one nest per option), the
 * round trip parse(build(x)) == x, the kernel's shape of a dump (every
 * option in one nest) read into the same model, malformed replies, the
 * echo comparison, and models the builder refuses. */
static void
test_geneve_opts_wire(void **state)
{
    (void) state;
    static uint8_t msg[16384] __attribute__((aligned(8)));
    static struct tcf_filter f, back, enc, changed;
    char what[64];
#define NEST 0x80 /* NLA_F_NESTED, in the high byte of a type. */

    /* Decapsulation with one option. */
    translate_and_build("tunnel(" TUN_A ",geneve({class=0x102,type=0x80,"
                        "len=4,0xa})),in_port(6),eth()",
                        "1", &f, msg, sizeof msg);
    /* clang-format off */
    static const uint8_t one_key[] = {
        32, 0, TCA_FLOWER_KEY_ENC_OPTS, NEST,
        28, 0, TCA_FLOWER_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 0, 0x01, 0x02, 0, 0,
        5, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 0, 0x80, 0, 0, 0,
        8, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, 0, 0, 0, 0, 0x0a,
    };
    /* clang-format on */
    /* clang-format off */
    static const uint8_t one_mask[] = {
        32, 0, TCA_FLOWER_KEY_ENC_OPTS_MASK, NEST,
        28, 0, TCA_FLOWER_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 0, 0xff, 0xff, 0, 0,
        5, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 0, 0xff, 0, 0, 0,
        8, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, 0, 0xff, 0xff, 0xff, 0xff,
    };
    /* clang-format on */
    uint16_t path[5] = { TCA_OPTIONS, TCA_FLOWER_KEY_ENC_OPTS };
    check_attr(msg, path, 2, one_key, sizeof one_key);
    path[1] = TCA_FLOWER_KEY_ENC_OPTS_MASK;
    check_attr(msg, path, 2, one_mask, sizeof one_mask);
    assert_int_equal(tcf_msg_parse_filter((struct nlmsghdr *) msg, &back), 0);
    assert_memory_equal(&back.key.enc_opts, &f.key.enc_opts,
                        sizeof f.key.enc_opts);
    assert_memory_equal(&back.mask.enc_opts, &f.mask.enc_opts,
                        sizeof f.mask.enc_opts);
    assert_true(tcf_filter_agrees(&f, &back, what, sizeof what));

    /* Two options, the second under class, type and data masks. */
    translate_and_build("tunnel(" TUN_A ",geneve({class=0x102,type=0x80,"
                        "len=4,0xa}{class=0xffff/0xff00,type=0x1/0xf,len=8,"
                        "0x1122334455667788/0xffffffff00000000})),"
                        "in_port(6),eth()",
                        "1", &f, msg, sizeof msg);
    /* clang-format off */
    static const uint8_t two_key[] = {
        64, 0, TCA_FLOWER_KEY_ENC_OPTS, NEST,
        28, 0, TCA_FLOWER_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 0, 0x01, 0x02, 0, 0,
        5, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 0, 0x80, 0, 0, 0,
        8, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, 0, 0, 0, 0, 0x0a,
        32, 0, TCA_FLOWER_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 0, 0xff, 0x00, 0, 0,
        5, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 0, 0x01, 0, 0, 0,
        12, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, 0,
        0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0,
    };
    /* clang-format on */
    /* clang-format off */
    static const uint8_t two_mask[] = {
        64, 0, TCA_FLOWER_KEY_ENC_OPTS_MASK, NEST,
        28, 0, TCA_FLOWER_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 0, 0xff, 0xff, 0, 0,
        5, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 0, 0xff, 0, 0, 0,
        8, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, 0, 0xff, 0xff, 0xff, 0xff,
        32, 0, TCA_FLOWER_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 0, 0xff, 0x00, 0, 0,
        5, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 0, 0x0f, 0, 0, 0,
        12, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, 0,
        0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0,
    };
    /* clang-format on */
    path[1] = TCA_FLOWER_KEY_ENC_OPTS;
    check_attr(msg, path, 2, two_key, sizeof two_key);
    path[1] = TCA_FLOWER_KEY_ENC_OPTS_MASK;
    check_attr(msg, path, 2, two_mask, sizeof two_mask);
    assert_int_equal(tcf_msg_parse_filter((struct nlmsghdr *) msg, &back), 0);
    assert_memory_equal(&back.key.enc_opts, &f.key.enc_opts,
                        sizeof f.key.enc_opts);
    assert_memory_equal(&back.mask.enc_opts, &f.mask.enc_opts,
                        sizeof f.mask.enc_opts);
    assert_true(tcf_filter_agrees(&f, &back, what, sizeof what));

    /* The echo comparison: any difference in the options under the mask,
     * in the mask, or whether options are matched at all; none in bytes
     * outside the mask. */
    static const struct {
        size_t ofs;
        const char *what; /* NULL: still agrees. */
    } diffs[] = {
        { offsetof(struct tcf_filter, key.enc_opts.data[5]), "enc_opts" },
        { offsetof(struct tcf_filter, key.enc_opts.data[8]), "enc_opts" },
        { offsetof(struct tcf_filter, key.enc_opts.data[9]), NULL },
        { offsetof(struct tcf_filter, key.enc_opts.data[17]), NULL },
        { offsetof(struct tcf_filter, mask.enc_opts.data[12]), "enc_opts" },
        { offsetof(struct tcf_filter, key.enc_opts.len), "enc_opts" },
        { offsetof(struct tcf_filter, mask.enc_opts.len), "enc_opts" },
    };
    for (size_t i = 0; i < sizeof diffs / sizeof diffs[0]; i++) {
        changed = back;
        ((uint8_t *) &changed)[diffs[i].ofs] ^= 1;
        if (diffs[i].what) {
            assert_false(tcf_filter_agrees(&f, &changed, what, sizeof what));
            assert_string_equal(what, diffs[i].what);
        } else {
            assert_true(tcf_filter_agrees(&f, &changed, what, sizeof what));
        }
    }

    /* The kernel's shape: every option in one nest, the key as it was
     * sent (masked), then the mask; without a mask every bit counts. */
    assert_int_equal(
        tcf_msg_parse_filter(kernel_msg(msg, sizeof msg, 0), &back), 0);
    assert_memory_equal(&back.key.enc_opts, &f.key.enc_opts,
                        sizeof f.key.enc_opts);
    assert_memory_equal(&back.mask.enc_opts, &f.mask.enc_opts,
                        sizeof f.mask.enc_opts);
    assert_int_equal(
        tcf_msg_parse_filter(kernel_msg(msg, sizeof msg, 1), &back), 0);
    assert_int_equal(back.mask.enc_opts.len, 0xff);
    assert_int_equal(back.key.enc_opts.len, 20);
    assert_int_equal(back.mask.enc_opts.data[3], 1);
    assert_int_equal(back.mask.enc_opts.data[11], 2);
    assert_true(nf_bytes_all(back.mask.enc_opts.data + 12, 8, 0xff));

    /* Encapsulation with two options. */
    translate_and_build("in_port(1),eth()",
                        "set(tunnel(tun_id=0x5,dst=10.0.0.9,ttl=64,"
                        "tp_dst=6081,geneve({class=0x102,type=0x1,len=4,0xa}"
                        "{class=0x103,type=0x7f,len=8,0x1122334455667788}))),"
                        "6",
                        &enc, msg, sizeof msg);
    /* clang-format off */
    static const uint8_t enc_opts[] = {
        64, 0, TCA_TUNNEL_KEY_ENC_OPTS, NEST,
        28, 0, TCA_TUNNEL_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_TUNNEL_KEY_ENC_OPT_GENEVE_CLASS, 0, 0x01, 0x02, 0, 0,
        5, 0, TCA_TUNNEL_KEY_ENC_OPT_GENEVE_TYPE, 0, 0x01, 0, 0, 0,
        8, 0, TCA_TUNNEL_KEY_ENC_OPT_GENEVE_DATA, 0, 0, 0, 0, 0x0a,
        32, 0, TCA_TUNNEL_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_TUNNEL_KEY_ENC_OPT_GENEVE_CLASS, 0, 0x01, 0x03, 0, 0,
        5, 0, TCA_TUNNEL_KEY_ENC_OPT_GENEVE_TYPE, 0, 0x7f, 0, 0, 0,
        12, 0, TCA_TUNNEL_KEY_ENC_OPT_GENEVE_DATA, 0,
        0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
    };
    /* clang-format on */
    const uint16_t apath[] = { TCA_OPTIONS, TCA_FLOWER_ACT, 1, TCA_ACT_OPTIONS,
                               TCA_TUNNEL_KEY_ENC_OPTS };
    check_attr(msg, apath, 5, enc_opts, sizeof enc_opts);
    path[1] = TCA_FLOWER_KEY_ENC_OPTS;
    size_t len;
    assert_null(find_attr(msg, path, 2, &len));
    assert_int_equal(tcf_msg_parse_filter((struct nlmsghdr *) msg, &back), 0);
    assert_memory_equal(&back.actions[0].tunnel_key.opts,
                        &enc.actions[0].tunnel_key.opts,
                        sizeof enc.actions[0].tunnel_key.opts);
    assert_false(back.actions[0].tunnel_key.has_opts);
    assert_true(tcf_filter_agrees(&enc, &back, what, sizeof what));
    changed = back;
    changed.actions[0].tunnel_key.opts.data[6] ^= 1;
    assert_false(tcf_filter_agrees(&enc, &changed, what, sizeof what));
    assert_string_equal(what, "action 1 (tunnel_key)");
    changed = back;
    changed.actions[0].tunnel_key.opts.len = 8;
    assert_false(tcf_filter_agrees(&enc, &changed, what, sizeof what));
    /* ... and in the kernel's shape. */
    assert_int_equal(
        tcf_msg_parse_filter(kernel_msg(msg, sizeof msg, 0), &back), 0);
    assert_memory_equal(&back.actions[0].tunnel_key.opts,
                        &enc.actions[0].tunnel_key.opts,
                        sizeof enc.actions[0].tunnel_key.opts);

    /* Malformed replies; options of another kind are skipped. */
    for (int shape = 2; shape <= 6; shape++) {
        assert_int_equal(
            tcf_msg_parse_filter(kernel_msg(msg, sizeof msg, shape), &back),
            EINVAL);
    }
    assert_int_equal(
        tcf_msg_parse_filter(kernel_msg(msg, sizeof msg, 7), &back), 0);
    assert_int_equal(back.key.enc_opts.len, 0);
    assert_int_equal(back.mask.enc_opts.len, 0);

    /* The builder refuses options the kernel would not take. */
    changed = f;
    changed.key.enc_opts.data[3] = 0; /* An option without data. */
    assert_int_equal(tcf_msg_new_filter(msg, sizeof msg, 7, 0, &changed), 0);
    changed = f;
    changed.key.enc_opts.len = 10; /* Not whole options. */
    assert_int_equal(tcf_msg_new_filter(msg, sizeof msg, 7, 0, &changed), 0);
    changed = enc;
    changed.actions[0].tunnel_key.opts.data[3] = 3; /* Runs past LEN. */
    assert_int_equal(tcf_msg_new_filter(msg, sizeof msg, 7, 0, &changed), 0);
#undef NEST
}

/* Replies of a real kernel (6.1, in the VM lab: tests/vm/t-tcf-tunnel.sh
 * and t-tcf-geneve-opts.sh raw-dump, kept as seeds of the fuzz target): a
 * dump of an encap filter on a veth and of a decap filter on a vxlan
 * device (with a foreign filter before it), and of a decap filter on a
 * geneve device matching two options and an encap filter setting one.
 * Each is read back into the model and printed. */
struct captured {
    char text[8][512];
    size_t n;
    struct tcf_filter last;
};

static void
captured_cb(const struct tcf_filter *f, void *aux)
{
    struct captured *c = aux;
    struct buf text = BUF_INITIALIZER;

    tcf_filter_format(&text, f);
    c->last = *f;
    if (c->n < 8) {
        snprintf(c->text[c->n++], sizeof c->text[0], "%s", buf_cstr(&text));
    }
    buf_destroy(&text);
}

static void
test_captured_dumps(void **state)
{
    (void) state;
    static const struct {
        const char *file;
        const char *want; /* The last filter of the dump. */
    } dumps[] = {
        { "dump-tunnel-encap",
          "prio 0x4000 protocol 0x0003 not_in_hw action tunnel_key set "
          "key_id 100 src 0.0.0.0 dst 192.0.2.2 dst_port 4789 ttl 64 "
          "nocsum pipe cookie 00000000000000000000000000000011, mirred "
          "egress redirect ifindex 7 stolen" },
        { "dump-tunnel-decap",
          "prio 0x4001 protocol 0x0003 enc_key_id 100 enc_ipv4_src "
          "192.0.2.2 enc_ipv4_dst 192.0.2.1 enc_dst_port 4789 not_in_hw "
          "action tunnel_key unset pipe cookie "
          "00000000000000000000000000000012, mirred egress redirect "
          "ifindex 6 stolen" },
        /* tests/vm/t-tcf-geneve-opts.sh: the kernel dumps every option
         * in one nest, key and mask, tunnel_key's too. */
        { "dump-geneve-opts-decap",
          "prio 0x4001 protocol 0x0003 enc_key_id 100 enc_ipv4_src "
          "192.0.2.2 enc_ipv4_dst 192.0.2.1 enc_dst_port 6081 geneve_opts "
          "0102:02:aabbccdd,0103:03:0102030405060708 not_in_hw action "
          "tunnel_key unset pipe cookie 00000000000000000000000000000002, "
          "mirred egress redirect ifindex 3 stolen" },
        { "dump-geneve-opts-encap",
          "prio 0x4000 protocol 0x0003 not_in_hw action tunnel_key set "
          "key_id 100 src 0.0.0.0 dst 192.0.2.2 dst_port 6081 ttl 64 nocsum "
          "geneve_opts 0102:01:1122ffff pipe cookie "
          "00000000000000000000000000000001, mirred egress redirect "
          "ifindex 4 stolen" },
    };
    /* The flows they were put for (the driver's ports 1 and 2 are p1 and
     * vxlan_sys_4789 here, its port 3 genev_sys_6081). */
    static const struct xcase flows[] = {
        { "in_port(1),eth()",
          "set(tunnel(tun_id=0x64,dst=192.0.2.2,ttl=64,tp_dst=4789,"
          "flags(df|key))),5",
          OK, NULL },
        { "tunnel(tun_id=0x64,src=192.0.2.2,dst=192.0.2.1,tp_dst=4789),"
          "in_port(5),eth()",
          "1", OK, NULL },
        /* Those of t-tcf-geneve-opts.sh (port 3 there, 6 here). */
        { "tunnel(tun_id=0x64,src=192.0.2.2,dst=192.0.2.1,tp_dst=6081,"
          "geneve({class=0x102,type=0x2,len=4,0xaabbccdd}{class=0x103,"
          "type=0x3,len=8,0x102030405060708}),flags(+key)),in_port(6),eth()",
          "1", OK, NULL },
        { "in_port(1),eth()",
          "set(tunnel(tun_id=0x64,dst=192.0.2.2,ttl=64,tp_dst=6081,"
          "geneve({class=0x102,type=0x1,len=4,0x1122ffff}),flags(df|key))),"
          "6",
          OK, NULL },
    };
    static struct tcf_filter scratch, want;

    for (size_t i = 0; i < sizeof dumps / sizeof dumps[0]; i++) {
        static uint8_t buf[4096] __attribute__((aligned(8)));
        char path[128];
        snprintf(path, sizeof path, "tests/fuzz/corpus/tcf-reply/%s",
                 dumps[i].file);
        FILE *file = fopen(path, "rb");
        if (!file) {
            fail_msg("%s: cannot open (run from the top of the tree)", path);
        }
        size_t n = fread(buf, 1, sizeof buf, file);
        fclose(file);
        /* The fuzz target's first byte picks its mode (1: dump). */
        assert_true(n > 1 && buf[0] == 1);
        /* The messages past the mode byte, aligned as a socket's buffer is. */
        memmove(buf, buf + 1, --n);
        static struct captured c;
        memset(&c, 0, sizeof c);
        struct tcf_ack ack;
        int r =
            tcf_nl_dump_dispatch(buf, n, 1, captured_cb, &c, &scratch, &ack);
        assert_true(r == 0 || r == EOF);
        assert_true(c.n > 0);
        assert_string_equal(c.text[c.n - 1], dumps[i].want);

        /* The echo comparison takes the kernel's filter for what the
         * provider asks for that flow, with the kernel's numbers. */
        struct buf key = BUF_INITIALIZER, kmask = BUF_INITIALIZER;
        struct buf acts = BUF_INITIALIZER;
        struct offload_flow of;
        struct offload_reason why;
        struct flow flow, mask;
        char what[64];
        parse_case(&flows[i], &flow, &mask, &key, &kmask, &acts);
        offload_flow_init(&of, &flow, &mask, &key, &kmask, &acts);
        memcpy(&of.ufid, c.last.actions[0].cookie, sizeof of.ufid);
        assert_int_equal(tcf_translate(&of, 0, lookup, &want, &why), 0);
        want.ifindex = c.last.ifindex;
        want.prio = c.last.prio;
        want.handle = c.last.handle;
        assert_int_equal(want.n_actions, 2);
        assert_int_equal(c.last.n_actions, 2);
        want.actions[1].mirred.ifindex = c.last.actions[1].mirred.ifindex;
        if (!tcf_filter_agrees(&want, &c.last, what, sizeof what)) {
            fail_msg("%s: differs from the request in %s", dumps[i].file,
                     what);
        }
        assert_true(tcf_filter_is_ours(&c.last, tcf_ingress_parent(), NULL));
        buf_destroy(&key);
        buf_destroy(&kmask);
        buf_destroy(&acts);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tunnel_raw),
        cmocka_unit_test(test_geneve_opts_raw),
        cmocka_unit_test(test_geneve_opts_wire),
        cmocka_unit_test(test_captured_dumps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
