/* Unit tests for tc-flower's meters as police actions (tcf-police.h): the
 * RTM_NEWACTION of a kbit/s and a packets/s meter, byte for byte where the
 * kernel is particular (struct tc_police, the rate table and its
 * cell_log, bursts in psched ticks, the 64-bit rates), the delete and dump
 * requests, the translation of a flow's meter action into a bind by
 * index in the meter's place (with the counting gact in front when the
 * police action would come first), the refusals of an unknown and of a
 * multi-band meter, the echo comparison and the flow counters. */
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
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "lib/buf.h"
#include "lib/flow.h"
#include "lib/util.h"
#include "softpath/odp.h"
#include "tc-flower/tcf-filter.h"
#include "tc-flower/tcf-msg.h"
#include "tc-flower/tcf-nl.h"
#include "tc-flower/tcf-police.h"
#include "tc-flower/tcf-translate.h"

static const struct offload_port ports[] = {
    { .odp_port = 1, .name = "p1", .type = "afpacket", .ifindex = 11 },
    { .odp_port = 2, .name = "p2", .type = "afpacket", .ifindex = 12 },
    { .odp_port = 3, .name = "p3", .type = "afpacket", .ifindex = 13 },
};

static const struct offload_port *
lookup(uint32_t odp_port)
{
    for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
        if (ports[i].odp_port == odp_port) {
            return &ports[i];
        }
    }
    return NULL;
}

/* The attributes of a built RTM_NEWACTION: its police options. */
struct police_msg {
    struct nlmsghdr nlh;
    struct tc_police tbf;
    const uint32_t *rtab; /* NULL: no TCA_POLICE_RATE. */
    size_t rtab_len;
    bool has_rate64, has_pktrate, has_pktburst, has_result;
    uint64_t rate64, pktrate, pktburst;
    uint32_t result;
    char kind[16];
};

static const struct nlattr *
only_nested(const struct nlattr *nest, uint16_t type)
{
    const struct nlattr *a, *found = NULL;

    mnl_attr_for_each_nested(a, nest)
    {
        if (mnl_attr_get_type(a) == type) {
            assert_null(found);
            found = a;
        }
    }
    assert_non_null(found);
    return found;
}

static void
read_police_msg(const void *buf, size_t len, struct police_msg *pm)
{
    const struct nlmsghdr *nlh = buf;
    const struct nlattr *a;

    memset(pm, 0, sizeof *pm);
    assert_int_equal(nlh->nlmsg_len, len);
    pm->nlh = *nlh;
    const struct nlattr *tab = NULL;
    mnl_attr_for_each(a, nlh, sizeof(struct tcamsg))
    {
        if (mnl_attr_get_type(a) == TCA_ACT_TAB) {
            tab = a;
        }
    }
    assert_non_null(tab);
    const struct nlattr *act = only_nested(tab, 1);
    snprintf(pm->kind, sizeof pm->kind, "%s",
             mnl_attr_get_str(only_nested(act, TCA_ACT_KIND)));
    const struct nlattr *opts = only_nested(act, TCA_ACT_OPTIONS);
    mnl_attr_for_each_nested(a, opts)
    {
        switch (mnl_attr_get_type(a)) {
        case TCA_POLICE_TBF:
            assert_int_equal(mnl_attr_get_payload_len(a), sizeof pm->tbf);
            memcpy(&pm->tbf, mnl_attr_get_payload(a), sizeof pm->tbf);
            break;
        case TCA_POLICE_RATE:
            pm->rtab = mnl_attr_get_payload(a);
            pm->rtab_len = mnl_attr_get_payload_len(a);
            break;
        case TCA_POLICE_RATE64:
            pm->has_rate64 = true;
            pm->rate64 = mnl_attr_get_u64(a);
            break;
        case TCA_POLICE_PKTRATE64:
            pm->has_pktrate = true;
            pm->pktrate = mnl_attr_get_u64(a);
            break;
        case TCA_POLICE_PKTBURST64:
            pm->has_pktburst = true;
            pm->pktburst = mnl_attr_get_u64(a);
            break;
        case TCA_POLICE_RESULT:
            pm->has_result = true;
            pm->result = mnl_attr_get_u32(a);
            break;
        default:
            fail_msg("unexpected police attribute %u", mnl_attr_get_type(a));
        }
    }
}

/* Builds meter M as dp meter DP_METER into *PM (and *A). */
static void
build_meter(uint32_t dp_meter, const struct offload_meter *m,
            struct tcf_action *a, struct police_msg *pm)
{
    static uint8_t buf[4096];
    char why[128];

    assert_int_equal(tcf_police_from_meter(dp_meter, m, a, why, sizeof why),
                     0);
    size_t len = tcf_msg_new_action(buf, sizeof buf, 9,
                                    NLM_F_CREATE | NLM_F_REPLACE, a);
    assert_true(len > 0);
    read_police_msg(buf, len, pm);

    /* What the builder wrote parses back into the same action. */
    struct tcf_action back;
    size_t n = 0;
    assert_int_equal(
        tcf_msg_parse_actions((const struct nlmsghdr *) buf, &back, 1, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(back.type, TCF_A_POLICE);
    assert_int_equal(back.police.index, a->police.index);
    assert_true(back.police.rate == a->police.rate);
    assert_int_equal(back.police.burst, a->police.burst);
    assert_int_equal(back.police.mtu, a->police.mtu);
    assert_true(back.police.pkt_rate == a->police.pkt_rate);
    assert_true(back.police.pkt_burst == a->police.pkt_burst);
    assert_int_equal(back.police.conform, TC_ACT_PIPE);
    assert_int_equal(back.verdict, TC_ACT_SHOT);
}

/* 1000 kbit/s, default burst (one second: 1000 kbit). */
static void
test_kbps_meter(void **state)
{
    (void) state;
    struct offload_meter m = { .rate = 1000, .n_bands = 1 };
    struct police_msg pm;
    struct tcf_action a;

    build_meter(3, &m, &a, &pm);
    assert_int_equal(pm.nlh.nlmsg_type, RTM_NEWACTION);
    assert_int_equal(pm.nlh.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO
                                             | NLM_F_CREATE | NLM_F_REPLACE);
    assert_string_equal(pm.kind, "police");
    assert_int_equal(pm.tbf.index, 0x10000003);
    assert_int_equal(pm.tbf.action, TC_ACT_SHOT);
    assert_int_equal(pm.tbf.mtu, 65535);
    /* 1000 kbit/s = 125000 bytes/s; 125000 bytes take 1 s = 15625000
     * ticks of 64 ns. */
    assert_int_equal(pm.tbf.rate.rate, 125000);
    assert_int_equal(pm.tbf.burst, 15625000);
    assert_int_equal(pm.tbf.rate.cell_log, 8);
    assert_int_equal(pm.tbf.rate.linklayer, TC_LINKLAYER_ETHERNET);
    assert_int_equal(pm.tbf.rate.cell_align, -1);
    assert_int_equal(pm.tbf.rate.mpu, 0);
    assert_int_equal(pm.tbf.peakrate.rate, 0);
    /* The rate table: cell I is (I + 1) << 8 bytes. */
    assert_non_null(pm.rtab);
    assert_int_equal(pm.rtab_len, TC_RTAB_SIZE);
    assert_int_equal(pm.rtab[0], 256ull * 15625000 / 125000);  /* 32000 */
    assert_int_equal(pm.rtab[5], 1536ull * 15625000 / 125000); /* 192000 */
    assert_int_equal(pm.rtab[255], 65536ull * 15625000 / 125000);
    assert_false(pm.has_rate64);
    assert_false(pm.has_pktrate);
    assert_false(pm.has_pktburst);
    assert_true(pm.has_result);
    assert_int_equal(pm.result, TC_ACT_PIPE);

    /* An explicit burst of 500 kbit: half a second. */
    m.burst = 500;
    build_meter(3, &m, &a, &pm);
    assert_int_equal(pm.tbf.burst, 7812500);

    /* 40 Gbit/s needs TCA_POLICE_RATE64; the 32-bit rate is saturated. */
    m.rate = 40000000;
    m.burst = 0;
    build_meter(4, &m, &a, &pm);
    assert_int_equal(pm.tbf.index, 0x10000004);
    assert_int_equal(pm.tbf.rate.rate, UINT32_MAX);
    assert_true(pm.has_rate64);
    assert_true(pm.rate64 == 5000000000ull);
    assert_int_equal(pm.tbf.burst, 15625000);
    assert_int_equal(pm.rtab[0], 0); /* 256 bytes: under a tick. */
    assert_int_equal(pm.rtab[255], 65536ull * 15625000 / 5000000000ull);
}

/* 10 packets/s, default burst (10 packets), then a burst of 5. */
static void
test_pktps_meter(void **state)
{
    (void) state;
    struct offload_meter m = { .pktps = true, .rate = 10, .n_bands = 1 };
    struct police_msg pm;
    struct tcf_action a;

    build_meter(0, &m, &a, &pm);
    assert_int_equal(pm.tbf.index, 0x10000000);
    assert_int_equal(pm.tbf.action, TC_ACT_SHOT);
    assert_int_equal(pm.tbf.rate.rate, 0);
    assert_int_equal(pm.tbf.burst, 0);
    assert_int_equal(pm.tbf.mtu, 65535);
    assert_null(pm.rtab);
    assert_false(pm.has_rate64);
    assert_true(pm.has_pktrate);
    assert_true(pm.pktrate == 10);
    /* PKTBURST64 is a time: 10 packets at 10/s take 1 s. */
    assert_true(pm.has_pktburst);
    assert_true(pm.pktburst == 15625000);
    assert_int_equal(pm.result, TC_ACT_PIPE);

    m.burst = 5;
    build_meter(0, &m, &a, &pm);
    assert_true(pm.pktburst == 7812500);

    /* A burst shorter than a tick is still 1, the kernel's minimum. */
    m.rate = UINT32_MAX;
    m.burst = 1;
    build_meter(0, &m, &a, &pm);
    assert_true(pm.pktburst == 1);
}

static void
test_refusals(void **state)
{
    (void) state;
    struct offload_meter m = { .rate = 1000, .n_bands = 2 };
    struct tcf_action a;
    char why[128];

    assert_int_equal(tcf_police_from_meter(1, &m, &a, why, sizeof why),
                     EOPNOTSUPP);
    assert_string_equal(why, "2 bands (a police action has one rate)");
    m.n_bands = 0;
    assert_int_equal(tcf_police_from_meter(1, &m, &a, why, sizeof why),
                     EOPNOTSUPP);
    assert_string_equal(why, "0 bands (a police action has one rate)");
    m.n_bands = 1;
    m.rate = 0;
    assert_int_equal(tcf_police_from_meter(1, &m, &a, why, sizeof why),
                     EOPNOTSUPP);
    m.rate = 1;
    assert_int_equal(
        tcf_police_from_meter(0x10000000, &m, &a, why, sizeof why),
        EOPNOTSUPP);
    assert_string_equal(why, "meter id beyond the police index range");
    assert_int_equal(
        tcf_police_from_meter(0x0fffffff, &m, &a, why, sizeof why), 0);
    assert_int_equal(a.police.index, TCF_POLICE_LAST);
    assert_true(tcf_police_index_is_ours(TCF_POLICE_BASE));
    assert_false(tcf_police_index_is_ours(5));
    assert_false(tcf_police_index_is_ours(TCF_POLICE_LAST + 1));
}

static void
test_del_and_dump_requests(void **state)
{
    (void) state;
    uint8_t buf[256];
    const struct nlattr *a, *tab = NULL;

    size_t len = tcf_msg_del_action(buf, sizeof buf, 5, "police", 0x10000007);
    assert_true(len > 0);
    const struct nlmsghdr *nlh = (const void *) buf;
    assert_int_equal(nlh->nlmsg_type, RTM_DELACTION);
    assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
    mnl_attr_for_each(a, nlh, sizeof(struct tcamsg))
    {
        tab = mnl_attr_get_type(a) == TCA_ACT_TAB ? a : tab;
    }
    assert_non_null(tab);
    const struct nlattr *act = only_nested(tab, 1);
    assert_string_equal(mnl_attr_get_str(only_nested(act, TCA_ACT_KIND)),
                        "police");
    assert_int_equal(mnl_attr_get_u32(only_nested(act, TCA_ACT_INDEX)),
                     0x10000007);

    len = tcf_msg_dump_actions(buf, sizeof buf, 5, "police");
    assert_true(len > 0);
    assert_int_equal(nlh->nlmsg_type, RTM_GETACTION);
    assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    tab = NULL;
    mnl_attr_for_each(a, nlh, sizeof(struct tcamsg))
    {
        tab = mnl_attr_get_type(a) == TCA_ACT_TAB ? a : tab;
    }
    act = only_nested(tab, 1);
    assert_string_equal(mnl_attr_get_str(only_nested(act, TCA_ACT_KIND)),
                        "police");
}

/* Translates KEY / ACTIONS into *F, or returns the error with *WHY. */
static int
translate(const char *key_s, const char *acts_s, struct tcf_filter *f,
          struct offload_reason *why)
{
    struct buf key = BUF_INITIALIZER, kmask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER;
    struct flow flow, mask;
    struct offload_flow of;
    char *err = NULL;

    if (odp_flow_from_string(key_s, &key, &kmask, &err)
        || odp_key_to_flow(key.data, key.len, &flow, &err)
        || odp_mask_to_flow(kmask.data, kmask.len, &mask, &err)
        || odp_actions_from_string(acts_s, &acts, &err)) {
        fail_msg("%s / %s: %s", key_s, acts_s, err);
    }
    memset(&of, 0, sizeof of);
    of.ufid.u32[0] = 0x11223344;
    of.in_port = lookup(1);
    of.key = key.data;
    of.key_len = key.len;
    of.mask = kmask.data;
    of.mask_len = kmask.len;
    of.actions = acts.data;
    of.actions_len = acts.len;
    of.flow = &flow;
    of.flow_mask = &mask;
    memset(why, 0, sizeof *why);
    int error = tcf_translate(&of, 0, lookup, f, why);
    buf_destroy(&key);
    buf_destroy(&kmask);
    buf_destroy(&acts);
    return error;
}

/* F built, parsed back and printed (without the cookie). */
static char *
wire_text(struct tcf_filter *f, struct tcf_filter *back)
{
    static uint8_t msg[16384];
    struct buf text = BUF_INITIALIZER;
    char what[64];

    f->prio = TCF_PRIO_MIN;
    f->handle = 1;
    size_t len =
        tcf_msg_new_filter(msg, sizeof msg, 7, NLM_F_CREATE | NLM_F_EXCL, f);
    assert_true(len > 0);
    assert_int_equal(tcf_msg_parse_filter((struct nlmsghdr *) msg, back), 0);
    assert_true(tcf_filter_agrees(f, back, what, sizeof what));
    assert_true(tcf_filter_is_ours(back, tcf_ingress_parent(), NULL));
    back->actions[0].cookie_len = 0;
    tcf_filter_format(&text, back);
    return buf_steal_cstr(&text);
}

static void
test_translate(void **state)
{
    (void) state;
    static struct tcf_filter f, back;
    struct offload_meter m = { .pktps = true, .rate = 10, .n_bands = 1 };
    struct offload_reason why;
    struct tcf_action a;
    char err[128];
    char *text;

    assert_int_equal(tcf_police_from_meter(3, &m, &a, err, sizeof err), 0);
    tcf_police_note(3, &a, NULL);

    /* The meter first: a counting gact with the cookie, the bind by index,
     * then the output. */
    assert_int_equal(translate("in_port(1),eth()", "meter(3),2", &f, &why), 0);
    assert_int_equal(f.n_actions, 3);
    assert_int_equal(f.actions[0].type, TCF_A_GACT);
    assert_int_equal(f.actions[0].verdict, TC_ACT_PIPE);
    assert_int_equal(f.actions[0].cookie_len, TCF_COOKIE_LEN);
    assert_int_equal(f.actions[1].type, TCF_A_POLICE);
    assert_true(f.actions[1].police.bind);
    assert_int_equal(f.actions[1].police.index, 0x10000003);
    assert_int_equal(f.actions[1].cookie_len, 0);
    assert_int_equal(f.actions[2].type, TCF_A_MIRRED);
    text = wire_text(&f, &back);
    assert_string_equal(text, "prio 0x4000 protocol 0x0003 action gact pipe, "
                              "police index 268435459 conform pipe shot, "
                              "mirred egress redirect ifindex 12 stolen");
    free(text);

    /* The bind carries the index and the verdicts only: no rate, no rate
     * table (the shared action keeps its own). */
    static uint8_t msg[16384];
    size_t len =
        tcf_msg_new_filter(msg, sizeof msg, 7, NLM_F_CREATE | NLM_F_EXCL, &f);
    assert_true(len > 0);
    const uint8_t *tbf = NULL;
    size_t n_tbf = 0;
    for (size_t i = 0; i + 6 <= len; i += 4) {
        /* "police\0" as TCA_ACT_KIND, then the TBF under it. */
        if (!memcmp(msg + i, "police", 7)) {
            for (size_t j = i; j + 4 + sizeof(struct tc_police) <= len;
                 j += 4) {
                struct nlattr nla;
                memcpy(&nla, msg + j, sizeof nla);
                if (nla.nla_type == TCA_POLICE_TBF
                    && nla.nla_len == NLA_HDRLEN + sizeof(struct tc_police)) {
                    tbf = msg + j + NLA_HDRLEN;
                    n_tbf++;
                    break;
                }
            }
        }
    }
    assert_int_equal(n_tbf, 1);
    assert_non_null(tbf);
    struct tc_police tp;
    if (!tbf) {
        return;
    }
    memcpy(&tp, tbf, sizeof tp);
    assert_int_equal(tp.index, 0x10000003);
    assert_int_equal(tp.action, TC_ACT_SHOT);
    assert_int_equal(tp.rate.rate, 0);
    assert_int_equal(tp.burst, 0);
    assert_int_equal(tp.mtu, 0);

    /* In its place: after a rewrite's pedit, before the outputs after it,
     * after an output before it (which then carries the cookie). */
    assert_int_equal(translate("in_port(1),eth()",
                               "set(eth(src=00:00:00:00:00:01)),2,meter(3),3",
                               &f, &why),
                     0);
    text = wire_text(&f, &back);
    assert_string_equal(text,
                        "prio 0x4000 protocol 0x0003 action pedit eth+4 val "
                        "00000000 mask ffff0000 eth+8 val 00000001 mask "
                        "00000000 pipe, mirred egress mirror ifindex 12 pipe, "
                        "police index 268435459 conform pipe shot, mirred "
                        "egress redirect ifindex 13 stolen");
    free(text);

    /* A meter nobody set, and one that cannot be a police action. */
    assert_int_equal(translate("in_port(1),eth()", "meter(7),2", &f, &why),
                     EOPNOTSUPP);
    assert_int_equal(why.code, OFFLOAD_R_UNSUPPORTED_ACTION);
    assert_string_equal(why.msg,
                        "tc: meter 7 has no police action: no such meter");
    m.n_bands = 2;
    assert_int_equal(tcf_police_from_meter(4, &m, &a, err, sizeof err),
                     EOPNOTSUPP);
    tcf_police_note(4, NULL, err);
    assert_int_equal(translate("in_port(1),eth()", "meter(4),2", &f, &why),
                     EOPNOTSUPP);
    assert_int_equal(why.code, OFFLOAD_R_UNSUPPORTED_ACTION);
    assert_string_equal(why.msg, "tc: meter 4 has no police action: 2 bands "
                                 "(a police action has one rate)");

    /* A meter that drops everything it sees: only the drop is left. */
    assert_int_equal(translate("in_port(1),eth()", "meter(3)", &f, &why), 0);
    assert_int_equal(f.n_actions, 1);
    assert_int_equal(f.actions[0].type, TCF_A_DROP);
}

/* The echo of a bind reports the shared action in full. */
static void
test_echo_comparison(void **state)
{
    (void) state;
    static struct tcf_filter want, got;
    struct offload_meter m = { .rate = 1000, .n_bands = 1 };
    struct tcf_action full;
    char what[64], err[64];

    assert_int_equal(tcf_police_from_meter(3, &m, &full, err, sizeof err), 0);
    tcf_filter_init(&want, 11);
    want.n_actions = 1;
    want.actions[0] = full;
    want.actions[0].police.bind = true;
    got = want;
    got.actions[0] = full;
    got.actions[0].police.cell_log = 0; /* Never echoed. */
    assert_true(tcf_filter_agrees(&want, &got, what, sizeof what));
    /* The rate may change (replaced in place). */
    got.actions[0].police.rate *= 2;
    assert_true(tcf_filter_agrees(&want, &got, what, sizeof what));
    /* Created anew by the bind, without a rate: not ours. */
    got.actions[0].police.rate = 0;
    assert_false(tcf_filter_agrees(&want, &got, what, sizeof what));
    assert_string_equal(what, "action 1 (police)");
    got.actions[0] = full;
    got.actions[0].police.index++;
    assert_false(tcf_filter_agrees(&want, &got, what, sizeof what));
    got.actions[0] = full;
    got.actions[0].police.conform = TC_ACT_OK;
    assert_false(tcf_filter_agrees(&want, &got, what, sizeof what));
    got.actions[0] = full;
    got.actions[0].verdict = TC_ACT_PIPE;
    assert_false(tcf_filter_agrees(&want, &got, what, sizeof what));

    /* Two full actions (meter_set()'s echo): every parameter. */
    want.actions[0] = full;
    got.actions[0] = full;
    assert_true(tcf_filter_agrees(&want, &got, what, sizeof what));
    got.actions[0].police.burst++;
    assert_false(tcf_filter_agrees(&want, &got, what, sizeof what));
}

/* The shared police action's counters are every flow's: left out. */
static void
test_counters(void **state)
{
    (void) state;
    static struct tcf_filter f;
    uint64_t packets, bytes, hw;
    long long ago;

    tcf_filter_init(&f, 11);
    f.n_actions = 3;
    f.actions[0].type = TCF_A_GACT;
    f.actions[0].stats.packets = 100; /* Every packet the filter took. */
    f.actions[0].stats.bytes = 8400;
    f.actions[1].type = TCF_A_POLICE;
    f.actions[1].stats.packets = 1000; /* With another flow's. */
    f.actions[1].stats.bytes = 84000;
    f.actions[2].type = TCF_A_MIRRED;
    f.actions[2].stats.packets = 20; /* Those the policer let through. */
    f.actions[2].stats.bytes = 1680;
    tcf_filter_counters(&f, &packets, &bytes, &hw, &ago);
    assert_int_equal(packets, 100);
    assert_int_equal(bytes, 8400);
}

/* A real 6.1 kernel's dump of v0a in tests/vm/t-tcf-provider.sh (the fuzz
 * seed dump-police-meter): a foreign filter and flows of ours, among them
 * the flow of meter 3 (10 packets/s, burst 5) with its counting gact, the
 * bound police action in full and the redirect; taken for the filter the
 * provider asks for. */
struct captured {
    size_t n, n_police;
    struct tcf_filter last;
};

static void
captured_cb(const struct tcf_filter *f, void *aux)
{
    struct captured *c = aux;

    c->n++;
    for (size_t i = 0; i < f->n_actions; i++) {
        if (f->actions[i].type == TCF_A_POLICE) {
            c->n_police++;
            c->last = *f;
        }
    }
}

static void
test_captured_dump(void **state)
{
    (void) state;
    static const char path[] = "tests/fuzz/corpus/tcf-reply/dump-police-meter";
    static uint8_t buf[8192] __attribute__((aligned(8)));
    static struct tcf_filter scratch, want;
    static struct captured c;
    struct offload_meter m = { .pktps = true, .rate = 10, .n_bands = 1 };
    struct offload_reason why;
    struct tcf_action a;
    char what[64], err[64];

    FILE *file = fopen(path, "rb");
    if (!file) {
        fail_msg("%s: cannot open (run from the top of the tree)", path);
    }
    size_t n = fread(buf, 1, sizeof buf, file);
    fclose(file);
    assert_true(n > 1 && buf[0] == 1);
    /* The messages past the mode byte, aligned as a socket's buffer is. */
    memmove(buf, buf + 1, --n);
    memset(&c, 0, sizeof c);
    struct tcf_ack ack;
    int r = tcf_nl_dump_dispatch(buf, n, 1, captured_cb, &c, &scratch, &ack);
    assert_true(r == 0 || r == EOF);
    assert_true(c.n > 1);
    assert_int_equal(c.n_police, 1);

    const struct tcf_filter *f = &c.last;
    struct buf text = BUF_INITIALIZER;
    tcf_filter_format(&text, f);
    assert_string_equal(buf_cstr(&text),
                        "prio 0x4000 protocol 0x0800 eth_type 0x0800 "
                        "ip_proto 1 ipv4_dst 192.0.2.2 not_in_hw action gact "
                        "pipe cookie 00000000000000000000000000000081, police "
                        "index 268435459 pkts_rate 10 pkts_burst 7812500 "
                        "conform pipe shot, mirred egress redirect ifindex "
                        "5 stolen");
    buf_destroy(&text);
    assert_false(f->actions[1].police.bind);
    assert_int_equal(f->actions[1].police.mtu, 65535);
    assert_true(tcf_filter_is_ours(f, tcf_ingress_parent(), NULL));

    /* What the provider asks for that flow agrees with it. */
    m.burst = 5;
    assert_int_equal(tcf_police_from_meter(3, &m, &a, err, sizeof err), 0);
    tcf_police_note(3, &a, NULL);
    assert_int_equal(translate("in_port(1),eth(),eth_type(0x0800),"
                               "ipv4(dst=192.0.2.2,proto=1)",
                               "meter(3),2", &want, &why),
                     0);
    memcpy(want.actions[0].cookie, f->actions[0].cookie, TCF_COOKIE_LEN);
    want.ifindex = f->ifindex;
    want.prio = f->prio;
    want.handle = f->handle;
    want.actions[2].mirred.ifindex = f->actions[2].mirred.ifindex;
    if (!tcf_filter_agrees(&want, f, what, sizeof what)) {
        fail_msg("differs from the request in %s", what);
    }
    /* The shared action's counters are left out of the flow's. */
    uint64_t packets, bytes, hw;
    long long ago;
    tcf_filter_counters(f, &packets, &bytes, &hw, &ago);
    assert_true(packets == f->actions[0].stats.packets);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kbps_meter),
        cmocka_unit_test(test_pktps_meter),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_del_and_dump_requests),
        cmocka_unit_test(test_translate),
        cmocka_unit_test(test_echo_comparison),
        cmocka_unit_test(test_counters),
        cmocka_unit_test(test_captured_dump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
