/* Unit tests for tc-flower's netlink layer and filter model: request
 * building and reply parsing (round trips, and replies hand-built in the
 * shape the kernel gives them), the comparison of an echo with its
 * request, extended acks, the matching of a batch's acks and echoes to
 * its requests by sequence number, dump handling, the rules that make a
 * filter ours, handle encoding, priority allocation and counters. */
#include <arpa/inet.h>
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
#include <linux/gen_stats.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_csum.h>
#include <linux/tc_act/tc_gact.h>
#include <linux/tc_act/tc_mirred.h>
#include <linux/tc_act/tc_pedit.h>
#include <linux/tc_act/tc_skbedit.h>
#include <linux/tc_act/tc_vlan.h>

#include "lib/buf.h"
#include "tc-flower/tcf-alloc.h"
#include "tc-flower/tcf-filter.h"
#include "tc-flower/tcf-msg.h"
#include "tc-flower/tcf-nl.h"
#include "tc-flower/tcf-private.h"

static const uint8_t ufid_bytes[16] = { 1, 2,  3,  4,  5,  6,  7,  8,
                                        9, 10, 11, 12, 13, 14, 15, 16 };

/* A filter using every kind of key and action the provider emits. */
static void
make_filter(struct tcf_filter *f)
{
    tcf_filter_init(f, 7);
    f->prio = 0x4001;
    f->handle = 42;
    f->protocol = htons(ETH_P_8021AD);
    f->flags = TCA_CLS_FLAGS_SKIP_HW;
    f->key.vlan_tpid[0] = htons(ETH_P_8021AD);
    f->mask.vlan_tpid[0] = 0xffff;
    f->key.vlan_id[0] = 100;
    f->mask.vlan_id[0] = 0x0fff;
    f->key.vlan_tpid[1] = htons(ETH_P_8021Q);
    f->mask.vlan_tpid[1] = 0xffff;
    f->key.vlan_id[1] = 200;
    f->mask.vlan_id[1] = 0x0fff;
    f->key.vlan_prio[1] = 5;
    f->mask.vlan_prio[1] = 7;
    f->key.eth_type = htons(ETH_P_IP);
    f->mask.eth_type = 0xffff;
    memcpy(f->key.eth_dst, "\x02\x00\x00\x00\x00\x01", 6);
    memset(f->mask.eth_dst, 0xff, 6);
    f->key.ip_proto = IPPROTO_TCP;
    f->mask.ip_proto = 0xff;
    f->key.ipv4_dst = htonl(0xc0000202);
    f->mask.ipv4_dst = htonl(0xffffff00);
    f->key.tp_dst = htons(80);
    f->mask.tp_dst = 0xffff;
    f->key.flags = 0;
    f->mask.flags = htonl(TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT);

    struct tcf_action *a = f->actions;
    a->type = TCF_A_VLAN;
    strcpy(a->kind, "vlan");
    a->verdict = TC_ACT_PIPE;
    a->vlan.v_action = TCA_VLAN_ACT_POP;
    memcpy(a->cookie, ufid_bytes, 16);
    a->cookie_len = 16;
    a++;
    a->type = TCF_A_PEDIT;
    strcpy(a->kind, "pedit");
    a->verdict = TC_ACT_PIPE;
    a->pedit.n_keys = 2;
    a->pedit.keys[0] = (struct tcf_pedit_key){ TCA_PEDIT_KEY_EX_HDR_TYPE_IP4,
                                               TCA_PEDIT_KEY_EX_CMD_SET, 16, 0,
                                               htonl(0xc0000263) };
    a->pedit.keys[1] =
        (struct tcf_pedit_key){ TCA_PEDIT_KEY_EX_HDR_TYPE_ETH,
                                TCA_PEDIT_KEY_EX_CMD_SET, 4, htonl(0x0000ffff),
                                htonl(0x12340000) };
    a++;
    a->type = TCF_A_CSUM;
    strcpy(a->kind, "csum");
    a->verdict = TC_ACT_PIPE;
    a->csum.flags = TCA_CSUM_UPDATE_FLAG_IPV4HDR | TCA_CSUM_UPDATE_FLAG_TCP;
    a++;
    a->type = TCF_A_VLAN;
    strcpy(a->kind, "vlan");
    a->verdict = TC_ACT_PIPE;
    a->vlan.v_action = TCA_VLAN_ACT_PUSH;
    a->vlan.id = 300;
    a->vlan.prio = 1;
    a->vlan.proto = htons(ETH_P_8021Q);
    a++;
    a->type = TCF_A_SKBEDIT;
    strcpy(a->kind, "skbedit");
    a->verdict = TC_ACT_PIPE;
    a->skbedit.has_ptype = true;
    a->skbedit.ptype = 0;
    a++;
    a->type = TCF_A_MIRRED;
    strcpy(a->kind, "mirred");
    a->verdict = TC_ACT_PIPE;
    a->mirred.eaction = TCA_INGRESS_MIRROR;
    a->mirred.ifindex = 9;
    a++;
    a->type = TCF_A_MIRRED;
    strcpy(a->kind, "mirred");
    a->verdict = TC_ACT_STOLEN;
    a->mirred.eaction = TCA_EGRESS_REDIR;
    a->mirred.ifindex = 8;
    a++;
    f->n_actions = a - f->actions;
}

/* Finds attribute TYPE at the top of the payload P/LEN, or NULL. */
static const struct nlattr *
find_attr(const void *p, size_t len, uint16_t type)
{
    struct tcf_attr tb[128];

    assert_true(type < 128);
    assert_int_equal(tcf_attr_parse(p, len, tb, 127), 0);
    return tb[type].present ? (const void *) (tb[type].data - NLA_HDRLEN)
                            : NULL;
}

static uint16_t
attr_u16(const struct nlattr *a)
{
    uint16_t v;

    assert_non_null(a);
    assert_int_equal(a->nla_len, NLA_HDRLEN + 2);
    memcpy(&v, a + 1, 2);
    return v;
}

static void
test_build_round_trip(void **state)
{
    (void) state;
    static struct tcf_filter f, back;
    static uint8_t buf[8192];
    const struct nlmsghdr *nlh = (const void *) buf;
    char what[64];

    make_filter(&f);
    size_t len =
        tcf_msg_new_filter(buf, sizeof buf, 77, NLM_F_CREATE | NLM_F_EXCL, &f);
    assert_true(len > 0);
    assert_int_equal(nlh->nlmsg_len, len);
    assert_int_equal(nlh->nlmsg_type, RTM_NEWTFILTER);
    assert_int_equal(nlh->nlmsg_seq, 77);
    assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO
                                           | NLM_F_CREATE | NLM_F_EXCL);
    const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
    assert_int_equal(tcm->tcm_ifindex, 7);
    assert_int_equal(tcm->tcm_handle, 42);
    assert_int_equal(tcm->tcm_parent, 0xfffffff2);
    assert_int_equal(tcm->tcm_info, (0x4001u << 16) | htons(ETH_P_8021AD));

    /* Flower's shape of two tags: outer TPID, inner TPID, inner type. */
    const struct nlattr *opts =
        find_attr(mnl_nlmsg_get_payload_offset(nlh, sizeof *tcm),
                  len - NLMSG_HDRLEN - NLMSG_ALIGN(sizeof *tcm), TCA_OPTIONS);
    assert_non_null(opts);
    const void *op = mnl_attr_get_payload(opts);
    size_t olen = mnl_attr_get_payload_len(opts);
    assert_int_equal(attr_u16(find_attr(op, olen, TCA_FLOWER_KEY_ETH_TYPE)),
                     htons(ETH_P_8021AD));
    assert_int_equal(
        attr_u16(find_attr(op, olen, TCA_FLOWER_KEY_VLAN_ETH_TYPE)),
        htons(ETH_P_8021Q));
    assert_int_equal(
        attr_u16(find_attr(op, olen, TCA_FLOWER_KEY_CVLAN_ETH_TYPE)),
        htons(ETH_P_IP));
    assert_int_equal(attr_u16(find_attr(op, olen, TCA_FLOWER_KEY_VLAN_ID)),
                     100);
    /* Keys of another context (UDP ports, ARP) are not sent. */
    assert_null(find_attr(op, olen, TCA_FLOWER_KEY_UDP_DST));
    assert_non_null(find_attr(op, olen, TCA_FLOWER_KEY_TCP_DST));
    assert_non_null(find_attr(op, olen, TCA_FLOWER_KEY_FLAGS_MASK));

    assert_int_equal(tcf_msg_parse_filter(nlh, &back), 0);
    assert_true(tcf_filter_agrees(&f, &back, what, sizeof what));
    assert_true(tcf_filter_agrees(&back, &f, what, sizeof what));
    assert_int_equal(back.n_actions, 7);
    assert_true(tcf_filter_is_ours(&back, tcf_ingress_parent(), NULL));

    /* Too small a buffer: 0, never a partial message. */
    assert_int_equal(tcf_msg_new_filter(buf, 200, 1, 0, &f), 0);
    assert_int_equal(tcf_msg_new_filter(buf, 10, 1, 0, &f), 0);
}

static void
test_other_requests(void **state)
{
    (void) state;
    static uint8_t buf[512];
    const struct nlmsghdr *nlh = (const void *) buf;
    const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);

    assert_true(tcf_msg_del_filter(buf, sizeof buf, 5, 3, tcf_ingress_parent(),
                                   0x4002, htons(ETH_P_IP), 9, true));
    assert_int_equal(nlh->nlmsg_type, RTM_DELTFILTER);
    assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO);
    assert_int_equal(tcm->tcm_parent, 0xfffffff2);
    assert_int_equal(tcm->tcm_info, (0x4002u << 16) | htons(ETH_P_IP));
    assert_int_equal(tcm->tcm_handle, 9);
    /* A tap port's filter is deleted on its egress hook. */
    assert_true(tcf_msg_del_filter(buf, sizeof buf, 5, 3, tcf_egress_parent(),
                                   0x4002, htons(ETH_P_IP), 9, false));
    assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    assert_int_equal(tcm->tcm_parent, 0xfffffff3);

    assert_true(tcf_msg_dump_filters(buf, sizeof buf, 6, 3,
                                     tcf_egress_parent(), true));
    assert_int_equal(tcm->tcm_parent, 0xfffffff3);

    assert_true(tcf_msg_dump_filters(buf, sizeof buf, 6, 3,
                                     tcf_ingress_parent(), true));
    assert_int_equal(nlh->nlmsg_type, RTM_GETTFILTER);
    assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    const struct nlattr *chain = find_attr(
        mnl_nlmsg_get_payload_offset(nlh, sizeof *tcm),
        nlh->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(sizeof *tcm), TCA_CHAIN);
    assert_non_null(chain);
    assert_int_equal(mnl_attr_get_u32(chain), 0);

    assert_true(tcf_msg_clsact(buf, sizeof buf, 8, RTM_NEWQDISC, 3));
    assert_int_equal(nlh->nlmsg_flags,
                     NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
    assert_int_equal(tcm->tcm_parent, TC_H_CLSACT);
    assert_int_equal(tcm->tcm_handle, 0xffff0000);
}

/* Kernel-shaped replies. */

struct kb {
    uint8_t buf[8192];
    struct nlmsghdr *nlh;
};

static struct nlmsghdr *
kb_start(struct kb *kb, size_t ofs, uint16_t type, uint32_t seq)
{
    kb->nlh = mnl_nlmsg_put_header(kb->buf + ofs);
    kb->nlh->nlmsg_type = type;
    kb->nlh->nlmsg_seq = seq;
    return kb->nlh;
}

static void
put_stats(struct nlmsghdr *nlh, uint64_t bytes, uint32_t packets,
          uint64_t hw_bytes, uint32_t hw_packets, const uint64_t *pkt64)
{
    struct gnet_stats_basic basic = { bytes, packets };
    struct gnet_stats_basic hw = { hw_bytes, hw_packets };
    struct gnet_stats_queue q = { 0 };
    struct nlattr *st = mnl_attr_nest_start(nlh, TCA_ACT_STATS);

    mnl_attr_put(nlh, TCA_STATS_BASIC, sizeof basic, &basic);
    if (pkt64) {
        mnl_attr_put(nlh, TCA_STATS_PKT64, 8, pkt64);
    }
    mnl_attr_put(nlh, TCA_STATS_BASIC_HW, sizeof hw, &hw);
    mnl_attr_put(nlh, TCA_STATS_QUEUE, sizeof q, &q);
    mnl_attr_nest_end(nlh, st);
}

static void
put_tm(struct nlmsghdr *nlh, uint16_t type, uint64_t lastuse)
{
    struct tcf_t tm = { .install = 500, .lastuse = lastuse };
    mnl_attr_put(nlh, type, sizeof tm, &tm);
}

/* The echo the kernel sends for a QinQ filter of ours: the ethertype is
 * reported as the innermost one, the outer TPID only in tcm_info, with
 * the kernel's own flags, action indexes, counters and timestamps. */
static struct nlmsghdr *
kernel_echo(struct kb *kb, size_t ofs, uint32_t seq, uint16_t prio,
            uint32_t handle, const uint8_t *cookie, size_t cookie_len,
            uint32_t ifindex_out)
{
    struct nlmsghdr *nlh = kb_start(kb, ofs, RTM_NEWTFILTER, seq);
    struct tcmsg *tcm = mnl_nlmsg_put_extra_header(nlh, sizeof *tcm);

    tcm->tcm_ifindex = 7;
    tcm->tcm_handle = handle;
    tcm->tcm_parent = 0xfffffff2;
    tcm->tcm_info = ((uint32_t) prio << 16) | htons(ETH_P_8021AD);
    mnl_attr_put_strz(nlh, TCA_KIND, "flower");
    mnl_attr_put_u32(nlh, TCA_CHAIN, 0);
    struct nlattr *opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    uint8_t dst[6] = { 2, 0, 0, 0, 0, 1 }, ones[6];
    memset(ones, 0xff, 6);
    mnl_attr_put(nlh, TCA_FLOWER_KEY_ETH_DST, 6, dst);
    mnl_attr_put(nlh, TCA_FLOWER_KEY_ETH_DST_MASK, 6, ones);
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ETH_TYPE, htons(ETH_P_IP));
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_VLAN_ID, 100);
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_CVLAN_ID, 200);
    mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_CVLAN_PRIO, 5);
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_VLAN_ETH_TYPE, htons(ETH_P_8021Q));
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_CVLAN_ETH_TYPE, htons(ETH_P_IP));
    mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_IP_PROTO, IPPROTO_TCP);
    /* The key as given (not masked), and its mask. */
    mnl_attr_put_u32(nlh, TCA_FLOWER_KEY_IPV4_DST, htonl(0xc0000202));
    mnl_attr_put_u32(nlh, TCA_FLOWER_KEY_IPV4_DST_MASK, htonl(0xffffff00));
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_TCP_DST, htons(80));
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_TCP_DST_MASK, 0xffff);
    mnl_attr_put_u32(nlh, TCA_FLOWER_KEY_FLAGS, 0);
    mnl_attr_put_u32(nlh, TCA_FLOWER_KEY_FLAGS_MASK,
                     htonl(TCA_FLOWER_KEY_FLAGS_IS_FRAGMENT));
    mnl_attr_put_u32(nlh, TCA_FLOWER_FLAGS,
                     TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_NOT_IN_HW);
    mnl_attr_put_u32(nlh, TCA_FLOWER_IN_HW_COUNT, 0);

    struct nlattr *acts = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
    struct nlattr *act, *aopts;
    uint64_t pkt64 = 5000000000ull;

    /* 1: vlan pop, with the cookie. */
    act = mnl_attr_nest_start(nlh, 1);
    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "vlan");
    put_stats(nlh, 1000, 10, 0, 0, NULL);
    if (cookie_len) {
        mnl_attr_put(nlh, TCA_ACT_COOKIE, cookie_len, cookie);
    }
    mnl_attr_put_u32(nlh, TCA_ACT_IN_HW_COUNT, 0);
    aopts = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
    struct tc_vlan vp = { .index = 3,
                          .action = TC_ACT_PIPE,
                          .refcnt = 1,
                          .bindcnt = 1,
                          .v_action = TCA_VLAN_ACT_POP };
    mnl_attr_put(nlh, TCA_VLAN_PARMS, sizeof vp, &vp);
    put_tm(nlh, TCA_VLAN_TM, 250);
    mnl_attr_nest_end(nlh, aopts);
    mnl_attr_nest_end(nlh, act);

    /* 2: pedit, typed keys. */
    act = mnl_attr_nest_start(nlh, 2);
    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "pedit");
    put_stats(nlh, 1000, 10, 0, 0, NULL);
    aopts = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
    struct {
        struct tc_pedit_sel sel;
        struct tc_pedit_key keys[2];
    } pe;
    memset(&pe, 0, sizeof pe);
    pe.sel.index = 1;
    pe.sel.action = TC_ACT_PIPE;
    pe.sel.nkeys = 2;
    pe.keys[0].off = 16;
    pe.keys[0].val = htonl(0xc0000263);
    pe.keys[1].off = 4;
    pe.keys[1].mask = htonl(0x0000ffff);
    pe.keys[1].val = htonl(0x12340000);
    put_tm(nlh, TCA_PEDIT_TM, 300);
    mnl_attr_put(nlh, TCA_PEDIT_PARMS_EX, sizeof pe, &pe);
    struct nlattr *kex = mnl_attr_nest_start(nlh, TCA_PEDIT_KEYS_EX);
    const uint16_t htypes[2] = { TCA_PEDIT_KEY_EX_HDR_TYPE_IP4,
                                 TCA_PEDIT_KEY_EX_HDR_TYPE_ETH };
    for (int i = 0; i < 2; i++) {
        struct nlattr *k = mnl_attr_nest_start(nlh, TCA_PEDIT_KEY_EX);
        mnl_attr_put_u16(nlh, TCA_PEDIT_KEY_EX_HTYPE, htypes[i]);
        mnl_attr_put_u16(nlh, TCA_PEDIT_KEY_EX_CMD, 0);
        mnl_attr_nest_end(nlh, k);
    }
    mnl_attr_nest_end(nlh, kex);
    mnl_attr_nest_end(nlh, aopts);
    mnl_attr_nest_end(nlh, act);

    /* 3: csum. */
    act = mnl_attr_nest_start(nlh, 3);
    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "csum");
    put_stats(nlh, 1000, 10, 0, 0, NULL);
    aopts = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
    struct tc_csum cp = { .index = 1,
                          .action = TC_ACT_PIPE,
                          .update_flags = TCA_CSUM_UPDATE_FLAG_IPV4HDR
                                          | TCA_CSUM_UPDATE_FLAG_TCP };
    mnl_attr_put(nlh, TCA_CSUM_PARMS, sizeof cp, &cp);
    put_tm(nlh, TCA_CSUM_TM, 300);
    mnl_attr_nest_end(nlh, aopts);
    mnl_attr_nest_end(nlh, act);

    /* 4: vlan push, with the priority the kernel always reports. */
    act = mnl_attr_nest_start(nlh, 4);
    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "vlan");
    put_stats(nlh, 1000, 10, 0, 0, NULL);
    aopts = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
    struct tc_vlan vp2 = { .index = 4,
                           .action = TC_ACT_PIPE,
                           .v_action = TCA_VLAN_ACT_PUSH };
    mnl_attr_put(nlh, TCA_VLAN_PARMS, sizeof vp2, &vp2);
    mnl_attr_put_u16(nlh, TCA_VLAN_PUSH_VLAN_ID, 300);
    mnl_attr_put_u16(nlh, TCA_VLAN_PUSH_VLAN_PROTOCOL, htons(ETH_P_8021Q));
    mnl_attr_put_u8(nlh, TCA_VLAN_PUSH_VLAN_PRIORITY, 1);
    put_tm(nlh, TCA_VLAN_TM, 300);
    mnl_attr_nest_end(nlh, aopts);
    mnl_attr_nest_end(nlh, act);

    /* 5: skbedit ptype host. */
    act = mnl_attr_nest_start(nlh, 5);
    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "skbedit");
    aopts = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
    struct tc_skbedit sp = { .index = 1, .action = TC_ACT_PIPE };
    mnl_attr_put(nlh, TCA_SKBEDIT_PARMS, sizeof sp, &sp);
    mnl_attr_put_u16(nlh, TCA_SKBEDIT_PTYPE, 0);
    mnl_attr_nest_end(nlh, aopts);
    mnl_attr_nest_end(nlh, act);

    /* 6: ingress mirror; 7: egress redirect, with a 64-bit packet count
     * and some of it in hardware. */
    act = mnl_attr_nest_start(nlh, 6);
    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "mirred");
    aopts = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
    struct tc_mirred mp = { .index = 8,
                            .action = TC_ACT_PIPE,
                            .eaction = TCA_INGRESS_MIRROR,
                            .ifindex = 9 };
    mnl_attr_put(nlh, TCA_MIRRED_PARMS, sizeof mp, &mp);
    mnl_attr_nest_end(nlh, aopts);
    mnl_attr_nest_end(nlh, act);
    act = mnl_attr_nest_start(nlh, 7);
    mnl_attr_put_strz(nlh, TCA_ACT_KIND, "mirred");
    put_stats(nlh, 7000000000ull, 705032704, 100, 1, &pkt64);
    aopts = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
    struct tc_mirred mp2 = { .index = 9,
                             .action = TC_ACT_STOLEN,
                             .eaction = TCA_EGRESS_REDIR,
                             .ifindex = ifindex_out };
    put_tm(nlh, TCA_MIRRED_TM, 200);
    mnl_attr_put(nlh, TCA_MIRRED_PARMS, sizeof mp2, &mp2);
    mnl_attr_nest_end(nlh, aopts);
    mnl_attr_nest_end(nlh, act);

    mnl_attr_nest_end(nlh, acts);
    mnl_attr_nest_end(nlh, opts);
    return nlh;
}

static void
test_kernel_echo(void **state)
{
    (void) state;
    static struct tcf_filter want, got;
    static struct kb kb;
    char what[64];

    make_filter(&want);
    struct nlmsghdr *nlh =
        kernel_echo(&kb, 0, 1, 0x4001, 42, ufid_bytes, 16, 8);
    assert_int_equal(tcf_msg_parse_filter(nlh, &got), 0);
    if (!tcf_filter_agrees(&want, &got, what, sizeof what)) {
        fail_msg("echo differs in %s", what);
    }
    assert_true(got.flags & TCA_CLS_FLAGS_NOT_IN_HW);
    struct offload_ufid ufid;
    assert_true(tcf_filter_is_ours(&got, tcf_ingress_parent(), &ufid));
    assert_memory_equal(&ufid, ufid_bytes, 16);

    /* Counters: the action that counted most (the 64-bit count of the
     * last), the hardware part, and the most recent use. */
    uint64_t packets, bytes, hw_packets;
    long long ago;
    tcf_filter_counters(&got, &packets, &bytes, &hw_packets, &ago);
    assert_true(packets == 5000000000ull);
    assert_true(bytes == 7000000000ull);
    assert_true(hw_packets == 1);
    assert_true(ago == 2000); /* 200 ticks of USER_HZ 100. */

    /* The same with a different output, cookie or priority: caught. */
    nlh = kernel_echo(&kb, 0, 1, 0x4001, 42, ufid_bytes, 16, 99);
    assert_int_equal(tcf_msg_parse_filter(nlh, &got), 0);
    assert_false(tcf_filter_agrees(&want, &got, what, sizeof what));
    assert_string_equal(what, "action 7 (mirred)");
    nlh = kernel_echo(&kb, 0, 1, 0x4001, 42, ufid_bytes, 8, 8);
    assert_int_equal(tcf_msg_parse_filter(nlh, &got), 0);
    assert_false(tcf_filter_agrees(&want, &got, what, sizeof what));
    assert_string_equal(what, "action 1 (vlan)");
    assert_false(tcf_filter_is_ours(&got, tcf_ingress_parent(), NULL));
    nlh = kernel_echo(&kb, 0, 1, 0x4002, 42, ufid_bytes, 16, 8);
    assert_int_equal(tcf_msg_parse_filter(nlh, &got), 0);
    assert_false(tcf_filter_agrees(&want, &got, what, sizeof what));
}

static void
test_agrees_names_field(void **state)
{
    (void) state;
    static struct tcf_filter a, b;
    char what[64];

    make_filter(&a);
    b = a;
    assert_true(tcf_filter_agrees(&a, &b, what, sizeof what));
    /* Bits outside the mask do not count. */
    b.key.ipv4_dst = htonl(0xc00002ff);
    assert_true(tcf_filter_agrees(&a, &b, what, sizeof what));
    b.mask.ipv4_dst = 0xffffffff;
    assert_false(tcf_filter_agrees(&a, &b, what, sizeof what));
    assert_string_equal(what, "ipv4_dst");
    b = a;
    b.key.vlan_id[1] = 201;
    assert_false(tcf_filter_agrees(&a, &b, what, sizeof what));
    assert_string_equal(what, "cvlan_id");
    b = a;
    b.flags = TCA_CLS_FLAGS_SKIP_SW | TCA_CLS_FLAGS_IN_HW;
    assert_false(tcf_filter_agrees(&a, &b, what, sizeof what));
    assert_string_equal(what, "skip_sw/skip_hw flags");
    /* The kernel's in_hw flags are not part of the request. */
    b.flags = TCA_CLS_FLAGS_SKIP_HW | TCA_CLS_FLAGS_NOT_IN_HW;
    assert_true(tcf_filter_agrees(&a, &b, what, sizeof what));
    b = a;
    b.actions[1].pedit.keys[1].val ^= 1;
    assert_false(tcf_filter_agrees(&a, &b, what, sizeof what));
    assert_string_equal(what, "action 2 (pedit)");
    b = a;
    b.n_actions--;
    assert_false(tcf_filter_agrees(&a, &b, what, sizeof what));
    assert_string_equal(what, "number of actions (7, got 6)");
}

/* Extended acks. */

/* An NLMSG_ERROR for a request of REQ_LEN bytes with sequence SEQ: the
 * request itself unless CAPPED, then a message attribute MSG (if any). */
static struct nlmsghdr *
kernel_ack(struct kb *kb, size_t ofs, uint32_t seq, int error, bool capped,
           const char *msg)
{
    struct nlmsghdr *nlh = kb_start(kb, ofs, NLMSG_ERROR, seq);
    struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof *e);

    e->error = error;
    e->msg.nlmsg_len = NLMSG_HDRLEN + 20;
    e->msg.nlmsg_type = RTM_NEWTFILTER;
    e->msg.nlmsg_seq = seq;
    if (capped) {
        nlh->nlmsg_flags |= NLM_F_CAPPED;
    } else {
        /* The request's payload (20 bytes here) follows. */
        memset(mnl_nlmsg_put_extra_header(nlh, 20), 0xaa, 20);
    }
    if (msg) {
        nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
        mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
        mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 36);
    }
    return nlh;
}

static void
test_extack(void **state)
{
    (void) state;
    static struct kb kb;
    struct tcf_ack ack;

    struct nlmsghdr *nlh = kernel_ack(&kb, 0, 1, -EOPNOTSUPP, true,
                                      "TC offload is disabled on net device");
    assert_int_equal(tcf_msg_parse_ack(nlh, &ack), 0);
    assert_int_equal(ack.error, EOPNOTSUPP);
    assert_string_equal(ack.msg, "TC offload is disabled on net device");

    nlh = kernel_ack(&kb, 0, 1, -EINVAL, false, "Unknown action kind");
    assert_int_equal(tcf_msg_parse_ack(nlh, &ack), 0);
    assert_int_equal(ack.error, EINVAL);
    assert_string_equal(ack.msg, "Unknown action kind");

    nlh = kernel_ack(&kb, 0, 1, 0, true, NULL);
    assert_int_equal(tcf_msg_parse_ack(nlh, &ack), 0);
    assert_int_equal(ack.error, 0);
    assert_string_equal(ack.msg, "");

    /* A request that claims more bytes than the ack has. */
    nlh = kernel_ack(&kb, 0, 1, -ENOENT, false, "x");
    struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
    e->msg.nlmsg_len = 4000;
    assert_int_equal(tcf_msg_parse_ack(nlh, &ack), EINVAL);
    assert_int_equal(ack.error, ENOENT);

    /* An attribute running past the end. */
    nlh = kernel_ack(&kb, 0, 1, -ENOENT, true, "abc");
    struct nlattr *a = (struct nlattr *) ((uint8_t *) nlh + NLMSG_HDRLEN
                                          + sizeof(struct nlmsgerr));
    a->nla_len = 200;
    assert_int_equal(tcf_msg_parse_ack(nlh, &ack), EINVAL);
    assert_int_equal(ack.error, ENOENT);

    /* A message without its terminating NUL is cut, not overrun. */
    nlh = kernel_ack(&kb, 0, 1, -EPERM, true, "abcd");
    a = (struct nlattr *) ((uint8_t *) nlh + NLMSG_HDRLEN
                           + sizeof(struct nlmsgerr));
    ((char *) (a + 1))[4] = 'e';
    assert_int_equal(tcf_msg_parse_ack(nlh, &ack), 0);
    assert_string_equal(ack.msg, "abcde");

    /* NLMSG_DONE of a dump with an error and a message. */
    nlh = kb_start(&kb, 0, NLMSG_DONE, 3);
    nlh->nlmsg_flags = NLM_F_MULTI | NLM_F_ACK_TLVS;
    int32_t err = -ENODEV;
    memcpy(mnl_nlmsg_put_extra_header(nlh, 4), &err, 4);
    mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "Cannot find device");
    assert_int_equal(tcf_msg_parse_ack(nlh, &ack), 0);
    assert_int_equal(ack.error, ENODEV);
    assert_string_equal(ack.msg, "Cannot find device");

    /* Too short for an error code. */
    nlh = kb_start(&kb, 0, NLMSG_ERROR, 3);
    assert_int_equal(tcf_msg_parse_ack(nlh, &ack), EINVAL);
}

/* Batches: acks and echoes matched by sequence number. */
static void
test_dispatch(void **state)
{
    (void) state;
    static struct kb kb;
    static struct tcf_filter echoes[3];
    struct tcf_req reqs[3];
    size_t ofs = 0;

    memset(reqs, 0, sizeof reqs);
    for (int i = 0; i < 3; i++) {
        reqs[i].echo = &echoes[i];
    }
    /* One datagram: a stale ack of an earlier batch, the echo and ack of
     * the second request, the refusal of the first, and a message that
     * claims more bytes than are left. */
    struct nlmsghdr *nlh = kernel_ack(&kb, ofs, 50, 0, true, NULL);
    ofs += NLMSG_ALIGN(nlh->nlmsg_len);
    nlh = kernel_echo(&kb, ofs, 101, 0x4001, 42, ufid_bytes, 16, 8);
    ofs += NLMSG_ALIGN(nlh->nlmsg_len);
    nlh = kernel_ack(&kb, ofs, 101, 0, true, NULL);
    ofs += NLMSG_ALIGN(nlh->nlmsg_len);
    nlh = kernel_ack(&kb, ofs, 100, -EOPNOTSUPP, true,
                     "cls_flower: Failed to setup flow action");
    ofs += NLMSG_ALIGN(nlh->nlmsg_len);
    nlh = kernel_ack(&kb, ofs, 102, 0, true, NULL);
    nlh->nlmsg_len = 4000;
    ofs += 40;

    assert_int_equal(tcf_nl_dispatch(kb.buf, ofs, reqs, 3, 100), 2);
    assert_true(reqs[0].acked);
    assert_false(reqs[0].echoed);
    assert_int_equal(reqs[0].ack.error, EOPNOTSUPP);
    assert_string_equal(reqs[0].ack.msg,
                        "cls_flower: Failed to setup flow action");
    assert_true(reqs[1].acked);
    assert_true(reqs[1].echoed);
    assert_int_equal(reqs[1].ack.error, 0);
    assert_int_equal(echoes[1].handle, 42);
    assert_false(reqs[2].acked);

    /* The third one's ack in a later datagram; a repeated ack of the first
     * changes nothing. */
    ofs = 0;
    nlh = kernel_ack(&kb, ofs, 100, 0, true, NULL);
    ofs += NLMSG_ALIGN(nlh->nlmsg_len);
    nlh = kernel_ack(&kb, ofs, 102, -EEXIST, true, NULL);
    ofs += NLMSG_ALIGN(nlh->nlmsg_len);
    assert_int_equal(tcf_nl_dispatch(kb.buf, ofs, reqs, 3, 100), 1);
    assert_int_equal(reqs[0].ack.error, EOPNOTSUPP);
    assert_int_equal(reqs[2].ack.error, EEXIST);
    assert_string_equal(reqs[2].ack.msg, "");

    /* A malformed echo is noted, not taken. */
    memset(reqs, 0, sizeof reqs);
    reqs[0].echo = &echoes[0];
    nlh = kernel_echo(&kb, 0, 100, 0x4001, 42, ufid_bytes, 16, 8);
    struct nlattr *kind =
        (struct nlattr *) ((uint8_t *) nlh + NLMSG_HDRLEN
                           + NLMSG_ALIGN(sizeof(struct tcmsg)));
    kind->nla_len = 3;
    assert_int_equal(tcf_nl_dispatch(kb.buf, nlh->nlmsg_len, reqs, 1, 100), 0);
    assert_false(reqs[0].echoed);
    assert_true(reqs[0].echo_malformed);
}

struct dump_log {
    int n;
    int n_ours;
    uint32_t handles[8];
};

static void
dump_cb(const struct tcf_filter *f, void *log_)
{
    struct dump_log *log = log_;

    log->handles[log->n++] = f->handle;
    log->n_ours += tcf_filter_is_ours(f, tcf_ingress_parent(), NULL);
}

static void
test_dump_dispatch(void **state)
{
    (void) state;
    static struct kb kb;
    static struct tcf_filter scratch;
    struct dump_log log = { 0 };
    struct tcf_ack ack;
    size_t ofs = 0;

    struct nlmsghdr *nlh =
        kernel_echo(&kb, ofs, 9, 0x4001, 1, ufid_bytes, 16, 8);
    nlh->nlmsg_flags = NLM_F_MULTI;
    ofs += NLMSG_ALIGN(nlh->nlmsg_len);
    /* A foreign filter: hand-made priority, no cookie. */
    nlh = kernel_echo(&kb, ofs, 9, 5, 2, NULL, 0, 8);
    ofs += NLMSG_ALIGN(nlh->nlmsg_len);
    /* Another dump's message is not ours to read. */
    nlh = kernel_echo(&kb, ofs, 8, 0x4001, 3, ufid_bytes, 16, 8);
    ofs += NLMSG_ALIGN(nlh->nlmsg_len);
    assert_int_equal(
        tcf_nl_dump_dispatch(kb.buf, ofs, 9, dump_cb, &log, &scratch, &ack),
        0);
    assert_int_equal(log.n, 2);
    assert_int_equal(log.n_ours, 1);
    assert_int_equal(log.handles[0], 1);
    assert_int_equal(log.handles[1], 2);

    /* The end. */
    nlh = kb_start(&kb, 0, NLMSG_DONE, 9);
    int32_t zero = 0;
    memcpy(mnl_nlmsg_put_extra_header(nlh, 4), &zero, 4);
    assert_int_equal(tcf_nl_dump_dispatch(kb.buf, nlh->nlmsg_len, 9, dump_cb,
                                          &log, &scratch, &ack),
                     EOF);
    /* A failed dump. */
    nlh = kernel_ack(&kb, 0, 9, -ENODEV, true, "no such device");
    assert_int_equal(tcf_nl_dump_dispatch(kb.buf, nlh->nlmsg_len, 9, dump_cb,
                                          &log, &scratch, &ack),
                     ENODEV);
    assert_string_equal(ack.msg, "no such device");
}

static void
test_msg_next(void **state)
{
    (void) state;
    uint8_t buf[64];
    const uint8_t *p = buf;
    struct nlmsghdr h = { .nlmsg_len = 20 };
    bool malformed = false;
    size_t left;

    memset(buf, 0, sizeof buf);
    memcpy(buf, &h, sizeof h);
    h.nlmsg_len = 40;
    memcpy(buf + 20, &h, sizeof h);
    left = 50;
    assert_non_null(tcf_msg_next(&p, &left, &malformed));
    assert_int_equal(left, 30);
    /* The second claims 40 bytes; 30 are left. */
    assert_null(tcf_msg_next(&p, &left, &malformed));
    assert_true(malformed);
    assert_int_equal(left, 0);
    /* Shorter than a header. */
    p = buf;
    left = 10;
    malformed = false;
    assert_null(tcf_msg_next(&p, &left, &malformed));
    assert_true(malformed);
    /* A length below the header's own. */
    h.nlmsg_len = 8;
    memcpy(buf, &h, sizeof h);
    p = buf;
    left = 64;
    malformed = false;
    assert_null(tcf_msg_next(&p, &left, &malformed));
    assert_true(malformed);
}

/* The attribute iterator on hand-made streams.  A stream is written from
 * pieces: a header { LEN, TYPE }, or { N, RAW }, N bytes of 0xaa (a
 * payload, padding, or a tail), up to an all-zero piece.  The expected
 * walk lists each attribute (its masked type, its payload's offset in the
 * stream, never 0, and its length) up to an all-zero entry, and the
 * result that ends the walk. */
struct iter_piece {
    uint16_t len;
    int32_t type; /* An nla_type, or RAW. */
};
#define RAW (-1)

struct iter_attr {
    uint16_t type;
    size_t ofs, len;
};

static const struct iter_case {
    const char *name;
    struct iter_piece pieces[8];
    struct iter_attr attrs[4];
    int end; /* 0 or EINVAL. */
} iter_cases[] = {
    { "empty", { { 0 } }, { { 0 } }, 0 },
    { "clean walk, every attribute padded",
      { { 8, 1 }, { 4, RAW }, { 5, 2 }, { 4, RAW }, { 4, 3 } },
      { { 1, 4, 4 }, { 2, 12, 1 }, { 3, 20, 0 } },
      0 },
    { "last attribute's padding missing",
      { { 8, 1 }, { 4, RAW }, { 5, 2 }, { 1, RAW } },
      { { 1, 4, 4 }, { 2, 12, 1 } },
      0 },
    { "last attribute's padding partly there",
      { { 8, 1 }, { 4, RAW }, { 6, 2 }, { 3, RAW } },
      { { 1, 4, 4 }, { 2, 12, 2 } },
      0 },
    { "nla_len 0", { { 0, 1 }, { 4, RAW } }, { { 0 } }, EINVAL },
    { "nla_len 3 after an attribute",
      { { 4, 1 }, { 3, 2 }, { 4, RAW } },
      { { 1, 4, 0 } },
      EINVAL },
    { "nla_len exactly what is left",
      { { 8, 1 }, { 4, RAW } },
      { { 1, 4, 4 } },
      0 },
    { "nla_len one beyond what is left",
      { { 9, 1 }, { 4, RAW } },
      { { 0 } },
      EINVAL },
    { "nla_len beyond what is left, after an attribute",
      { { 4, 1 }, { 12, 2 }, { 4, RAW } },
      { { 1, 4, 0 } },
      EINVAL },
    { "short tail after an attribute",
      { { 8, 1 }, { 4, RAW }, { 2, RAW } },
      { { 1, 4, 4 } },
      EINVAL },
    { "short tail after a padded attribute",
      { { 5, 1 }, { 4, RAW }, { 3, RAW } },
      { { 1, 4, 1 } },
      EINVAL },
    { "short tail alone", { { 3, RAW } }, { { 0 } }, EINVAL },
    { "a type twice (tcf_attr_parse() keeps the last)",
      { { 8, 1 }, { 4, RAW }, { 5, 1 }, { 4, RAW } },
      { { 1, 4, 4 }, { 1, 12, 1 } },
      0 },
    { "type flags masked",
      { { 4, NLA_F_NESTED | 7 },
        { 4, NLA_F_NET_BYTEORDER | 0x3fff },
        { 4, NLA_F_NESTED | NLA_F_NET_BYTEORDER | 1 } },
      { { 7, 4, 0 }, { 0x3fff, 8, 0 }, { 1, 12, 0 } },
      0 },
};

/* Writes PIECES (up to an all-zero one) into BUF; returns the stream's
 * length. */
static size_t
iter_write(const struct iter_piece *pieces, size_t n_pieces, uint8_t *buf,
           size_t size)
{
    size_t n = 0;

    for (size_t i = 0; i < n_pieces; i++) {
        const struct iter_piece *pc = &pieces[i];
        if (!pc->len && !pc->type) {
            break;
        }
        if (pc->type == RAW) {
            assert_true(n + pc->len <= size);
            memset(buf + n, 0xaa, pc->len);
            n += pc->len;
        } else {
            struct nlattr nla = { .nla_len = pc->len,
                                  .nla_type = (uint16_t) pc->type };
            assert_true(n + sizeof nla <= size);
            memcpy(buf + n, &nla, sizeof nla);
            n += sizeof nla;
        }
    }
    return n;
}

static void
test_attr_iter(void **state)
{
    (void) state;

    for (size_t i = 0; i < ARRAY_SIZE(iter_cases); i++) {
        const struct iter_case *c = &iter_cases[i];
        uint8_t buf[64];
        size_t len =
            iter_write(c->pieces, ARRAY_SIZE(c->pieces), buf, sizeof buf);
        struct tcf_attr_iter it;
        struct tcf_attr a;
        uint16_t type;

        print_message("%s\n", c->name);
        tcf_attr_iter_init(&it, len ? buf : NULL, len);
        for (size_t j = 0; j < ARRAY_SIZE(c->attrs) && c->attrs[j].ofs; j++) {
            assert_int_equal(tcf_attr_iter_next(&it, &type, &a), 1);
            assert_int_equal(type, c->attrs[j].type);
            assert_ptr_equal(a.data, buf + c->attrs[j].ofs);
            assert_int_equal(a.len, c->attrs[j].len);
            assert_true(a.present);
        }
        /* The end, twice, and neither call writes the outputs. */
        for (int k = 0; k < 2; k++) {
            type = 0xabcd;
            a = (struct tcf_attr){ NULL, 99, false };
            assert_int_equal(tcf_attr_iter_next(&it, &type, &a), c->end);
            assert_int_equal(type, 0xabcd);
            assert_null(a.data);
            assert_int_equal(a.len, 99);
        }

        /* tcf_attr_parse() walks alike: the same result, and each type up
         * to its MAX holding the last attribute of that type. */
        struct tcf_attr tb[8];
        assert_int_equal(tcf_attr_parse(buf, len, tb, 7), c->end);
        for (uint16_t t = 0; t < 8; t++) {
            const struct iter_attr *last = NULL;
            for (size_t j = 0; j < ARRAY_SIZE(c->attrs) && c->attrs[j].ofs;
                 j++) {
                if (c->attrs[j].type == t) {
                    last = &c->attrs[j];
                }
            }
            assert_int_equal(tb[t].present, last != NULL);
            if (last) {
                assert_ptr_equal(tb[t].data, buf + last->ofs);
                assert_int_equal(tb[t].len, last->len);
            }
        }
    }
}

/* Nests: an iterator over a nest's payload is independent of the one
 * over the stream that holds it.  A nest whose own last attribute lacks
 * its padding ends cleanly although the outer stream pads the nest; a
 * nest with malformed contents fails its own walk only. */
static void
test_attr_iter_nested(void **state)
{
    (void) state;
    static const struct iter_piece pieces[] = {
        { 17, NLA_F_NESTED | 5 }, /* Bytes 0-19: 8 + 5 inside, 3 pad. */
        { 8, 1 },
        { 4, RAW },
        { 5, 2 },
        { 4, RAW },
        { 12, NLA_F_NESTED | 6 }, /* Bytes 20-31: a bad nest. */
        { 4, 1 },
        { 2, 2 },
    };
    uint8_t buf[64];
    struct tcf_attr_iter it, in;
    struct tcf_attr a, b;
    uint16_t type;

    size_t len = iter_write(pieces, ARRAY_SIZE(pieces), buf, sizeof buf);
    assert_int_equal(len, 32);
    tcf_attr_iter_init(&it, buf, len);

    assert_int_equal(tcf_attr_iter_next(&it, &type, &a), 1);
    assert_int_equal(type, 5);
    assert_ptr_equal(a.data, buf + 4);
    assert_int_equal(a.len, 13);
    tcf_attr_iter_init(&in, a.data, a.len);
    assert_int_equal(tcf_attr_iter_next(&in, &type, &b), 1);
    assert_int_equal(type, 1);
    assert_ptr_equal(b.data, buf + 8);
    assert_int_equal(b.len, 4);
    assert_int_equal(tcf_attr_iter_next(&in, &type, &b), 1);
    assert_int_equal(type, 2);
    assert_ptr_equal(b.data, buf + 16);
    assert_int_equal(b.len, 1);
    assert_int_equal(tcf_attr_iter_next(&in, &type, &b), 0);

    assert_int_equal(tcf_attr_iter_next(&it, &type, &a), 1);
    assert_int_equal(type, 6);
    assert_ptr_equal(a.data, buf + 24);
    assert_int_equal(a.len, 8);
    tcf_attr_iter_init(&in, a.data, a.len);
    assert_int_equal(tcf_attr_iter_next(&in, &type, &b), 1);
    assert_int_equal(type, 1);
    assert_int_equal(b.len, 0);
    assert_int_equal(tcf_attr_iter_next(&in, &type, &b), EINVAL);
    /* The outer walk goes on to its clean end. */
    assert_int_equal(tcf_attr_iter_next(&it, &type, &a), 0);
}
#undef RAW

/* Which filters are ours. */
static void
test_is_ours(void **state)
{
    (void) state;
    static struct tcf_filter f, g;
    struct offload_ufid ufid;

    make_filter(&f);
    assert_true(tcf_filter_is_ours(&f, tcf_ingress_parent(), &ufid));
    assert_memory_equal(&ufid, ufid_bytes, 16);
    static const struct {
        uint16_t prio;
        bool ours;
    } prios[] = {
        { 1, false },     { 0x3fff, false }, { 0x4000, true },
        { 0x7fff, true }, { 0x8000, false }, { 0xffff, false },
    };
    for (size_t i = 0; i < sizeof prios / sizeof prios[0]; i++) {
        g = f;
        g.prio = prios[i].prio;
        assert_int_equal(tcf_filter_is_ours(&g, tcf_ingress_parent(), NULL),
                         prios[i].ours);
        assert_int_equal(tcf_prio_is_ours(prios[i].prio), prios[i].ours);
    }
    g = f;
    g.chain = 1;
    assert_false(tcf_filter_is_ours(&g, tcf_ingress_parent(), NULL));
    /* The hook must be the port's: a filter of ours in every other way
     * is foreign on the other hook, and ours on its own. */
    assert_false(tcf_filter_is_ours(&f, tcf_egress_parent(), NULL));
    g = f;
    g.parent = TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS);
    assert_false(tcf_filter_is_ours(&g, tcf_ingress_parent(), NULL));
    assert_true(tcf_filter_is_ours(&g, tcf_egress_parent(), &ufid));
    assert_memory_equal(&ufid, ufid_bytes, 16);
    g.chain = 1;
    assert_false(tcf_filter_is_ours(&g, tcf_egress_parent(), NULL));
    g = f;
    g.parent = TC_H_MAKE(TC_H_CLSACT, 0);
    assert_false(tcf_filter_is_ours(&g, tcf_ingress_parent(), NULL));
    assert_false(tcf_filter_is_ours(&g, tcf_egress_parent(), NULL));
    g = f;
    strcpy(g.kind, "u32");
    assert_false(tcf_filter_is_ours(&g, tcf_ingress_parent(), NULL));
    g = f;
    g.actions[0].cookie_len = 8;
    assert_false(tcf_filter_is_ours(&g, tcf_ingress_parent(), NULL));
    g.actions[0].cookie_len = 20;
    assert_false(tcf_filter_is_ours(&g, tcf_ingress_parent(), NULL));
    g = f;
    g.actions[0].cookie_len = 0;
    g.actions[1].cookie_len = 16;
    assert_false(tcf_filter_is_ours(&g, tcf_ingress_parent(), NULL));
    g = f;
    g.n_actions = 0;
    assert_false(tcf_filter_is_ours(&g, tcf_ingress_parent(), NULL));
}

/* Which hook a port's filters live on, by its datapath port type. */
static void
test_port_parent(void **state)
{
    (void) state;
    static const struct {
        const char *type;
        uint32_t parent;
    } types[] = {
        { NULL, 0xfffffff2 },
        { "afpacket", 0xfffffff2 },
        { "afxdp", 0xfffffff2 },
        { "system", 0xfffffff2 },
        { "internal", 0xfffffff3 },
        { "tap", 0xfffffff3 },
        { "dummy", 0 },
        { "dpdk", 0 },
        { "", 0 },
    };

    assert_int_equal(tcf_ingress_parent(), 0xfffffff2);
    assert_int_equal(tcf_egress_parent(), 0xfffffff3);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        assert_int_equal(tcf_port_parent(types[i].type), types[i].parent);
    }
    assert_string_equal(tcf_hook_name(tcf_ingress_parent()), "ingress");
    assert_string_equal(tcf_hook_name(tcf_egress_parent()), "egress");
    assert_string_equal(tcf_hook_name(0xffff0000), "parent 0xffff0000");
}

static void
test_handles(void **state)
{
    (void) state;
    uint16_t prio;
    uint32_t handle;

    uint64_t h = tcf_handle_encode(0x4abc, 0x12345678);
    assert_true(h == 0x00004abc12345678ull);
    assert_true(tcf_handle_decode(h, &prio, &handle));
    assert_int_equal(prio, 0x4abc);
    assert_int_equal(handle, 0x12345678);
    assert_false(tcf_handle_decode(tcf_handle_encode(5, 1), &prio, &handle));
    assert_false(
        tcf_handle_decode(tcf_handle_encode(0x4000, 0), &prio, &handle));
    assert_false(tcf_handle_decode(0xffffffff00000001ull, &prio, &handle));
}

static void
test_prio_table(void **state)
{
    (void) state;
    struct tcf_prio_table *t = tcf_prio_table_create();
    struct tcf_key m1, m2;

    memset(&m1, 0, sizeof m1);
    memset(&m2, 0, sizeof m2);
    m1.ipv4_dst = 0xffffffff;
    m2.ipv4_src = 0xffffffff;
    uint16_t ip = htons(ETH_P_IP), arp = htons(ETH_P_ARP);

    /* One priority per (protocol, mask), shared and counted. */
    uint16_t a = tcf_prio_get(t, ip, &m1);
    assert_int_equal(a, TCF_PRIO_MIN);
    assert_int_equal(tcf_prio_get(t, ip, &m1), a);
    assert_int_equal(tcf_prio_refs(t, a), 2);
    uint16_t b = tcf_prio_get(t, ip, &m2);
    uint16_t c = tcf_prio_get(t, arp, &m1);
    assert_int_equal(b, TCF_PRIO_MIN + 1);
    assert_int_equal(c, TCF_PRIO_MIN + 2);
    tcf_prio_put(t, a);
    assert_int_equal(tcf_prio_refs(t, a), 1);
    tcf_prio_put(t, a);
    assert_int_equal(tcf_prio_refs(t, a), 0);
    /* A free priority is the lowest one handed out next. */
    assert_int_equal(tcf_prio_get(t, arp, &m2), a);

    /* Adopting: a found priority becomes the combination's, unless the
     * combination has one; a priority of another protocol is refused. */
    struct tcf_key m3;
    memset(&m3, 0, sizeof m3);
    m3.tp_dst = 0xffff;
    assert_true(tcf_prio_adopt(t, 0x5000, ip, &m3));
    assert_int_equal(tcf_prio_get(t, ip, &m3), 0x5000);
    assert_true(tcf_prio_adopt(t, 0x5001, ip, &m3));
    assert_int_equal(tcf_prio_get(t, ip, &m3), 0x5000);
    assert_false(tcf_prio_adopt(t, 0x5000, arp, &m3));
    assert_false(tcf_prio_adopt(t, 5, ip, &m3));
    assert_int_equal(tcf_prio_refs(t, 0x5001), 1);
    tcf_prio_put(t, 0x5001);
    assert_int_equal(tcf_prio_refs(t, 0x5001), 0);

    /* Geneve options are part of the mask, each option's length byte
     * included (flower's form): one option with 12 bytes of data and two
     * with 4 each have the same total and all-ones masks, but not the
     * same layout, so not the same priority. */
    static struct tcf_key g1, g2;
    memset(&g1, 0, sizeof g1);
    memset(&g2, 0, sizeof g2);
    g1.enc_opts.len = g2.enc_opts.len = 0xff;
    memset(g1.enc_opts.data, 0xff, 16);
    memset(g2.enc_opts.data, 0xff, 16);
    g1.enc_opts.data[3] = 3;
    g2.enc_opts.data[3] = g2.enc_opts.data[11] = 1;
    uint16_t pg1 = tcf_prio_get(t, ip, &g1);
    uint16_t pg2 = tcf_prio_get(t, ip, &g2);
    assert_int_not_equal(pg1, 0);
    assert_int_not_equal(pg2, 0);
    assert_int_not_equal(pg1, pg2);
    assert_int_equal(tcf_prio_get(t, ip, &g1), pg1);

    /* Exhaustion. */
    tcf_prio_table_destroy(t);
    t = tcf_prio_table_create();
    struct tcf_key m;
    memset(&m, 0, sizeof m);
    for (unsigned i = 0; i < TCF_N_PRIOS; i++) {
        m.tp_src = i;
        assert_int_equal(tcf_prio_get(t, ip, &m), TCF_PRIO_MIN + i);
    }
    m.tp_src = 0xffff;
    assert_int_equal(tcf_prio_get(t, ip, &m), 0);
    tcf_prio_put(t, 0x6000);
    assert_int_equal(tcf_prio_get(t, ip, &m), 0x6000);
    tcf_prio_table_destroy(t);
}

/* Flow counters of a filter: the L2 header software flower does not count
 * is added back for each packet not counted by hardware. */
static void
test_filter_stats(void **state)
{
    (void) state;
    static struct tcf_filter f;
    struct offload_stats st;

    tcf_filter_init(&f, 1);
    f.n_actions = 2;
    f.actions[0].stats.packets = 10;
    f.actions[0].stats.bytes = 1000;
    f.actions[0].stats.hw_packets = 4;
    f.actions[0].stats.hw_bytes = 500;
    f.actions[0].stats.has_lastuse = true;
    f.actions[0].stats.lastuse = 50;
    f.actions[1].stats.packets = 9;
    f.actions[1].stats.bytes = 900;
    tcf_filter_stats(&f, &st);
    assert_int_equal(st.n_packets, 10);
    assert_int_equal(st.n_bytes, 1000 + 6 * 14);
    assert_true(st.used > 0);

    /* A tagged flow: the outer tag is metadata too. */
    f.mask.vlan_tpid[0] = 0xffff;
    tcf_filter_stats(&f, &st);
    assert_int_equal(st.n_bytes, 1000 + 6 * 18);

    /* On the egress hook the Ethernet header is still in the packet; the
     * outer tag is metadata there too. */
    f.parent = tcf_egress_parent();
    tcf_filter_stats(&f, &st);
    assert_int_equal(st.n_bytes, 1000 + 6 * 4);
    f.mask.vlan_tpid[0] = 0;
    tcf_filter_stats(&f, &st);
    assert_int_equal(st.n_packets, 10);
    assert_int_equal(st.n_bytes, 1000);
    f.parent = tcf_ingress_parent();

    /* Never hit: never used. */
    memset(f.actions, 0, sizeof f.actions);
    f.actions[0].stats.has_lastuse = true;
    f.actions[0].stats.lastuse = 7;
    tcf_filter_stats(&f, &st);
    assert_int_equal(st.n_packets, 0);
    assert_int_equal(st.n_bytes, 0);
    assert_int_equal(st.used, 0);
}

static void
test_errno_names(void **state)
{
    (void) state;
    assert_string_equal(tcf_errno_name(EOPNOTSUPP), "EOPNOTSUPP");
    assert_string_equal(tcf_errno_name(EINVAL), "EINVAL");
    assert_string_equal(tcf_errno_name(ENOSPC), "ENOSPC");
    assert_string_equal(tcf_errno_name(524), "ENOTSUPP");
    assert_string_equal(tcf_errno_name(4095), "errno 4095");

    struct offload_reason r;
    tcf_reason(&r, OFFLOAD_R_TABLE_FULL, "table full: %u/%u", 4096, 4096);
    assert_int_equal(r.code, OFFLOAD_R_TABLE_FULL);
    assert_string_equal(r.msg, "tc: table full: 4096/4096");
    char long_text[400];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    tcf_reason(&r, OFFLOAD_R_DEVICE, "%s", long_text);
    assert_int_equal(strlen(r.msg), OFFLOAD_REASON_MSG_MAX - 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_round_trip),
        cmocka_unit_test(test_other_requests),
        cmocka_unit_test(test_kernel_echo),
        cmocka_unit_test(test_agrees_names_field),
        cmocka_unit_test(test_extack),
        cmocka_unit_test(test_dispatch),
        cmocka_unit_test(test_dump_dispatch),
        cmocka_unit_test(test_msg_next),
        cmocka_unit_test(test_attr_iter),
        cmocka_unit_test(test_attr_iter_nested),
        cmocka_unit_test(test_is_ours),
        cmocka_unit_test(test_port_parent),
        cmocka_unit_test(test_handles),
        cmocka_unit_test(test_prio_table),
        cmocka_unit_test(test_filter_stats),
        cmocka_unit_test(test_errno_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
