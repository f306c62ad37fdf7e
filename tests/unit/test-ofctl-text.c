/* Unit tests for the ofctl flow syntax: ofctl/flow-text, ofctl/match,
 * ofctl/actions.
 *
 * The heart is data: tests/unit/ofctl-golden.txt holds, for several
 * hundred flows covering every match field and action nicflow parses,
 * what the real "ovs-ofctl --no-stats dump-flows" of Open vSwitch 3.1
 * printed after "ovs-ofctl add-flow" of the same text
 * (tests/unit/ofctl-golden.sh regenerates it).  Every flow must parse,
 * print exactly as ovs-ofctl printed it (except the few known differences
 * listed below, where ovs-ofctl's OpenFlow 1.0 view loses information),
 * and survive print -> parse -> print unchanged.  Error cases check that
 * bad input is refused with a message naming the keyword, its offset and
 * the reason. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util.h"
#include "ofctl/actions.h"
#include "ofctl/flow-text.h"
#include "ofctl/match.h"

#define GOLDEN "tests/unit/ofctl-golden.txt"

/* Flows whose ovs-ofctl output reflects a lossy OpenFlow 1.0 round trip
 * through the switch rather than the flow: nicflow prints the flow. */
static const struct {
    const char *input;
    const char *why;
} known_differences[] = {
    { "actions=goto_table:1",
      "OpenFlow 1.0 has no goto_table; ovs-ofctl shows resubmit(,1)" },
};

static bool
is_known_difference(const char *input)
{
    for (size_t i = 0; i < ARRAY_SIZE(known_differences); i++) {
        if (!strcmp(input, known_differences[i].input)) {
            return true;
        }
    }
    return false;
}

/* Parses S as an add-flow and returns its --no-stats text; fails the test
 * on a parse error. */
static char *
parse_print(const char *s, struct of_flow *flow)
{
    size_t ofs = 0;
    char *err = of_flow_parse(flow, s, OF_FLOW_ADD, &ofs, NULL);
    if (err) {
        fail_msg("\"%s\" does not parse: %s", s, err);
    }
    return of_flow_to_string(flow, 0);
}

/* print(parse(S)) must be a fixed point of parse -> print, and the model
 * parsed back from the printed text must reproduce itself exactly.
 * Returns true if parse(print(parse(S))) equals parse(S) as a model. */
static bool
check_round_trip(const char *s, const char *printed)
{
    struct of_flow f1, f2, f3;
    char *p1 = parse_print(s, &f1);
    char *p2 = parse_print(printed, &f2);
    char *p3 = parse_print(p2, &f3);
    bool same_model = of_flow_equal(&f1, &f2);

    if (strcmp(p2, printed)) {
        fail_msg("print is not a fixed point for \"%s\":\n  first: %s\n  "
                 "again: %s",
                 s, printed, p2);
    }
    if (!of_flow_equal(&f2, &f3)) {
        fail_msg("model of \"%s\" changes on re-parse", printed);
    }
    assert_string_equal(p1, printed);
    free(p1);
    free(p2);
    free(p3);
    of_flow_destroy(&f1);
    of_flow_destroy(&f2);
    of_flow_destroy(&f3);
    return same_model;
}

static void
test_golden(void **state)
{
    FILE *file = fopen(GOLDEN, "r");
    char *line = NULL;
    size_t cap = 0;
    int n = 0, n_same = 0, n_known = 0, n_model = 0;

    if (!file) {
        fail_msg("%s: %s (run from the repository root)", GOLDEN,
                 strerror(errno));
    }
    while (getline(&line, &cap, file) > 0) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || !line[0]) {
            continue;
        }
        char *tab = strchr(line, '\t');
        assert_non_null(tab);
        *tab = '\0';
        const char *input = line, *expected = tab + 1;
        struct of_flow flow;
        char *got = parse_print(input, &flow);

        n++;
        if (!strcmp(got, expected)) {
            n_same++;
        } else if (is_known_difference(input)) {
            n_known++;
        } else {
            fail_msg("\"%s\":\n   nicflow: %s\n  ovs-ofctl: %s", input, got,
                     expected);
        }
        n_model += check_round_trip(input, got);
        free(got);
        of_flow_destroy(&flow);
    }
    free(line);
    fclose(file);
    printf("# golden: %d of %d flows print byte for byte as ovs-ofctl 3.1 "
           "(%d known differences); %d re-parse to the identical model\n",
           n_same, n, n_known, n_model);
    assert_true(n >= 400);
    assert_int_equal(n_same + n_known, n);
}

/* The seeds' flows, kept here too so that they stay covered. */
static void
test_seed_flows(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "priority=3,in_port=100,dl_vlan=0xffff,actions=mod_vlan_vid:101,"
          "normal",
          "priority=3,in_port=100,vlan_tci=0x0000 "
          "actions=mod_vlan_vid:101,NORMAL" },
        { "in_port=3,dl_vlan=101,actions=strip_vlan,output:1",
          "in_port=3,dl_vlan=101 actions=strip_vlan,output:1" },
        { "priority=1 idle_timeout=0,in_port=100,actions=mod_nw_src:9.181."
          "137.1,normal",
          "priority=1,in_port=100 actions=mod_nw_src:9.181.137.1,NORMAL" },
        { "idle_timeout=0,dl_type=0x0800,nw_proto=1,actions=output:102",
          "icmp actions=output:102" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct of_flow flow;
        char *got = parse_print(cases[i].in, &flow);
        assert_string_equal(got, cases[i].out);
        free(got);
        of_flow_destroy(&flow);
    }

    /* del-flows "in_port=100". */
    struct of_flow flow;
    char *err =
        of_flow_parse(&flow, "in_port=100", OF_FLOW_DELETE, NULL, NULL);
    assert_null(err);
    assert_int_equal(flow.table_id, OF_TABLE_ALL);
    assert_false(flow.has_actions);
    char *s = of_match_to_string(&flow.match, flow.priority);
    assert_string_equal(s, "in_port=100");
    free(s);
    of_flow_destroy(&flow);
}

/* Flows that the default (OpenFlow 1.0) view of ovs-ofctl cannot show:
 * OpenFlow 1.1+ actions and instructions.  They print in ovs-actions(7)
 * syntax and must round-trip. */
static void
test_of11_actions(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "actions=push_vlan:0x8100,set_field:4197->vlan_vid,output:1",
          "actions=push_vlan:0x8100,mod_vlan_vid:101,output:1" },
        { "actions=push_vlan:0x88a8,pop_vlan",
          "actions=push_vlan:0x88a8,strip_vlan" },
        { "actions=meter:1,write_metadata:0x5/0xff,goto_table:2",
          "actions=meter:1,write_metadata:0x5/0xff,goto_table:2" },
        { "actions=output:1,clear_actions,write_actions(output:2),"
          "goto_table:3",
          "actions=output:1,clear_actions,write_actions(output:2),"
          "goto_table:3" },
        { "table=1,actions=write_actions(set_field:1->reg0,group:1)",
          "table=1, actions=write_actions(load:0x1->NXM_NX_REG0[],group:1)" },
        { "actions=write_metadata:0xffffffffffffffff",
          "actions=write_metadata:0xffffffffffffffff" },
        { "actions=meter:7", "actions=meter:7" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct of_flow flow;
        char *got = parse_print(cases[i].in, &flow);
        assert_string_equal(got, cases[i].out);
        check_round_trip(cases[i].in, got);
        free(got);
        of_flow_destroy(&flow);
    }
}

static void
test_errors(void **state)
{
    static const struct {
        enum of_flow_cmd cmd;
        const char *in;
        const char *msg; /* Substring of the message. */
        size_t ofs;      /* Offset of the offending text. */
    } cases[] = {
        /* Match fields. */
        { OF_FLOW_ADD, "foo=1,actions=drop", "unknown keyword foo", 0 },
        { OF_FLOW_ADD, "ip,tp_dst=abc,actions=drop",
          "tp_dst (offset 3): abc: bad syntax for tcp_dst value", 3 },
        { OF_FLOW_ADD, "tcp,tp_dst=65536,actions=drop",
          "65536: value too large for 2-byte field tcp_dst", 4 },
        { OF_FLOW_ADD, "ct_zone=5/0xff,actions=drop",
          "5/0xff: invalid mask for field ct_zone", 0 },
        { OF_FLOW_ADD, "dl_src=00:11:22:33:44,actions=drop",
          "invalid Ethernet address", 0 },
        { OF_FLOW_ADD, "ip,nw_src=1.2.3.4/33,actions=drop",
          "IPv4 network prefix bits not between 0 and 32", 3 },
        { OF_FLOW_ADD, "ipv6,ipv6_src=foo,actions=drop",
          "foo: invalid IPv6 address", 5 },
        { OF_FLOW_ADD, "tcp,tcp_flags=+foo,actions=drop",
          "foo: unknown TCP flag(s)", 4 },
        { OF_FLOW_ADD, "ct_state=+foo,actions=drop",
          "foo: unknown ct_state flag(s)", 0 },
        { OF_FLOW_ADD, "ct_state=0x100/0x100,actions=drop",
          "unknown ct_state flag(s)", 0 },
        { OF_FLOW_ADD, "ip,ip_frag=maybe,actions=drop",
          "unknown fragment type", 3 },
        { OF_FLOW_ADD, "in_port=0x5,actions=drop",
          "0x5: invalid or unknown port for in_port", 0 },
        { OF_FLOW_ADD, "reg0=0x100000000,actions=drop",
          "value too large for 4-byte field reg0", 0 },
        { OF_FLOW_ADD,
          "ct_label=0x100000000000000000000000000000001,"
          "actions=drop",
          "value too large for 16-byte field ct_label", 0 },
        { OF_FLOW_ADD, "priority=70000,actions=drop",
          "invalid priority \"70000\"", 0 },
        { OF_FLOW_ADD, "table=300,actions=drop", "unknown table \"300\"", 0 },
        { OF_FLOW_ADD, "idle_timeout=-1,actions=drop",
          "invalid idle_timeout \"-1\"", 0 },
        { OF_FLOW_ADD, "cookie=0x5/0xff,actions=drop",
          "flow additions cannot use a cookie mask", 0 },
        { OF_FLOW_ADD, "out_port=1,actions=drop", "unknown keyword out_port",
          0 },
        /* Prerequisites the switch enforces. */
        { OF_FLOW_ADD, "ip,ct_nw_src=1.1.1.1,actions=drop",
          "ct_nw_src: prerequisites not met", 0 },
        { OF_FLOW_ADD, "ct_state=+new+trk,ct_nw_src=1.1.1.1,actions=drop",
          "ct_nw_src: prerequisites not met", 0 },
        { OF_FLOW_ADD, "tcp,ip_frag=later,tp_dst=5,actions=drop",
          "prerequisites not met (later fragments", 0 },
        /* Required and forbidden parts. */
        { OF_FLOW_ADD, "in_port=1", "must specify an action", 9 },
        { OF_FLOW_ADD, "", "must specify an action", 0 },
        { OF_FLOW_MODIFY, "in_port=1", "must specify an action", 9 },
        { OF_FLOW_DELETE, "in_port=1,actions=drop", "actions are not allowed",
          10 },
        { OF_FLOW_DELETE, "cookie=0x5", "specify a mask, e.g. cookie=0x5/-1",
          0 },
        /* Actions. */
        { OF_FLOW_ADD, "actions=foo", "unknown action foo", 8 },
        { OF_FLOW_ADD, "actions=output:1,drop",
          "\"drop\" must not be accompanied", 8 },
        { OF_FLOW_ADD, "actions=output:1,foo(1)", "unknown action foo", 17 },
        { OF_FLOW_ADD, "actions=mod_vlan_vid:4096",
          "4096: not a valid VLAN VID", 8 },
        { OF_FLOW_ADD, "actions=mod_vlan_pcp:8", "8: not a valid VLAN PCP",
          8 },
        { OF_FLOW_ADD, "ip,actions=mod_nw_tos:3", "3: not a valid TOS", 11 },
        { OF_FLOW_ADD, "actions=load:0x5->NXM_NX_REG0[4]",
          "value 0x5 does not fit into 1 bits", 8 },
        { OF_FLOW_ADD, "actions=load:0xffffffff->NXM_NX_REG0[0..15]",
          "does not fit into 16 bits", 8 },
        { OF_FLOW_ADD, "actions=set_field:1.2.3.4->ip_src",
          "set_field ip_src lacks correct prerequisites", 8 },
        { OF_FLOW_ADD, "actions=set_field:5->vlan_vid",
          "set_field vlan_vid lacks correct prerequisites", 8 },
        { OF_FLOW_ADD, "actions=set_field:0x800->eth_type",
          "eth_type is read-only", 25 },
        { OF_FLOW_ADD, "actions=set_field:5->actset_output",
          "actset_output is read-only", 21 },
        { OF_FLOW_ADD, "actions=set_field:1->ct_mark",
          "cannot set CT fields outside of ct action", 8 },
        { OF_FLOW_ADD, "actions=set_field:1->nosuchfield",
          "nosuchfield is not a valid OXM field name", 21 },
        { OF_FLOW_ADD, "actions=move:reg0[0..3]->reg1[0..4]",
          "source field is 4 bits wide but destination is 5", 8 },
        { OF_FLOW_ADD, "actions=ct(commit)", "ct needs an IP or IPv6 match",
          8 },
        { OF_FLOW_ADD, "ip,actions=ct(alg=ftp,commit)",
          "ct alg=ftp needs a TCP match", 11 },
        { OF_FLOW_ADD, "ip,actions=ct(nat(src))",
          "CT action requires commit flag", 11 },
        { OF_FLOW_ADD, "ip,actions=ct(commit,alg=21)",
          "invalid conntrack helper \"21\"", 21 },
        { OF_FLOW_ADD, "ip,actions=resubmit(,5,ct)", "needs a valid ct_state",
          11 },
        { OF_FLOW_ADD, "actions=resubmit:IN_PORT",
          "at least one \"in_port\" or \"table\"", 8 },
        { OF_FLOW_ADD, "actions=output(port=reg0[0..15],max_len=128)",
          "output to unknown truncate port", 8 },
        { OF_FLOW_ADD, "actions=conjunction(1,3/2)",
          "clause index must be between 1", 8 },
        { OF_FLOW_ADD,
          "actions=bundle_load(eth_dst,0,hrw,ofport,reg0[],"
          "members:2)",
          "unknown fields `eth_dst'", 8 },
        { OF_FLOW_ADD,
          "actions=learn(table=2,NXM_OF_IP_DST[]=NXM_OF_IP_"
          "SRC[])",
          "source field ip_src lacks correct prerequisites", 8 },
        { OF_FLOW_ADD, "actions=goto_table:1,meter:1",
          "meter must appear before goto_table", 21 },
        { OF_FLOW_ADD, "actions=write_metadata:0x5/0xff,output:1",
          "apply_actions must appear before write_metadata", 32 },
        { OF_FLOW_ADD, "table=3,actions=goto_table:1",
          "must name a later table", 16 },
        { OF_FLOW_ADD, "actions=clone(goto_table:1)",
          "instruction goto_table not allowed", 14 },
        { OF_FLOW_ADD, "actions=encap(ethernet)",
          "encap: action not supported yet", 8 },
        { OF_FLOW_ADD, "actions=clone(output:1", "unbalanced parentheses", 8 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct of_flow flow;
        size_t ofs = SIZE_MAX;
        char *err =
            of_flow_parse(&flow, cases[i].in, cases[i].cmd, &ofs, NULL);
        if (!err) {
            fail_msg("\"%s\" parsed but should fail with \"%s\"", cases[i].in,
                     cases[i].msg);
        }
        if (!strstr(err, cases[i].msg)) {
            fail_msg("\"%s\": error \"%s\" lacks \"%s\"", cases[i].in, err,
                     cases[i].msg);
        }
        if (ofs != cases[i].ofs) {
            fail_msg("\"%s\": error \"%s\" at offset %zu, expected %zu",
                     cases[i].in, err, ofs, cases[i].ofs);
        }
        free(err);
        of_flow_destroy(&flow);
    }
}

/* Fields whose prerequisites are not met are dropped, with a notice. */
static void
test_normalisation(void **state)
{
    static const struct {
        const char *in, *out, *dropped;
    } cases[] = {
        { "tp_dst=80,actions=drop", "actions=drop", "tp_dst" },
        { "nw_src=1.2.3.4,actions=drop", "actions=drop", "nw_src" },
        { "udp,tcp_flags=+syn,actions=drop", "udp actions=drop", "tcp_flags" },
        { "ct_state=+trk+est,ip,ct_tp_dst=5,actions=drop",
          "ct_state=+est+trk,ip actions=drop", "ct_tp_dst" },
        { "icmp6,icmp_type=135,icmp_code=0,nd_tll=00:00:00:00:00:01,"
          "actions=drop",
          "icmp6,icmp_type=135,icmp_code=0 actions=drop", "arp_tha" },
        { "tcp,tp_dst=80,actions=drop", "tcp,tp_dst=80 actions=drop", NULL },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct of_flow flow;
        char *notice = NULL;
        char *err =
            of_flow_parse(&flow, cases[i].in, OF_FLOW_ADD, NULL, &notice);
        assert_null(err);
        char *s = of_flow_to_string(&flow, 0);
        assert_string_equal(s, cases[i].out);
        if (cases[i].dropped) {
            assert_non_null(notice);
            assert_non_null(strstr(notice, cases[i].dropped));
            assert_non_null(strstr(notice, "prerequisites not met"));
        } else {
            assert_null(notice);
        }
        free(s);
        free(notice);
        of_flow_destroy(&flow);
    }
}

static void
test_mod_del(void **state)
{
    struct of_flow flow;
    char *err = of_flow_parse(&flow,
                              "cookie=0x5/-1,table=3,out_port=2,"
                              "out_group=7,tcp,tp_dst=80",
                              OF_FLOW_DELETE_STRICT, NULL, NULL);
    assert_null(err);
    assert_int_equal(flow.cookie, 5);
    assert_true(flow.cookie_mask == UINT64_MAX);
    assert_int_equal(flow.table_id, 3);
    assert_int_equal(flow.out_port, 2);
    assert_int_equal(flow.out_group, 7);
    of_flow_destroy(&flow);

    err = of_flow_parse(&flow, "cookie=0x10/0xf0,actions=output:1",
                        OF_FLOW_MODIFY, NULL, NULL);
    assert_null(err);
    assert_int_equal(flow.cookie_mask, 0xf0);
    assert_int_equal(flow.table_id, OF_TABLE_ALL);
    assert_true(flow.has_actions);
    of_flow_destroy(&flow);

    /* Flags are kept and printed on request, as OpenFlow 1.3+ dumps do. */
    err = of_flow_parse(&flow,
                        "send_flow_rem,check_overlap,reset_counts,"
                        "no_packet_counts,no_byte_counts,importance=9,"
                        "cookie=0x1,priority=9,actions=drop",
                        OF_FLOW_ADD, NULL, NULL);
    assert_null(err);
    char *s = of_flow_to_string(&flow, OF_FLOW_FMT_FLAGS);
    assert_string_equal(s, "cookie=0x1, send_flow_rem check_overlap "
                           "reset_counts no_packet_counts no_byte_counts "
                           "importance=9, priority=9 actions=drop");
    free(s);
    of_flow_destroy(&flow);
}

static void
test_stats_format(void **state)
{
    struct of_flow flow;
    struct of_flow_stats st = { 12, 345678901, 3, 180, 2, -1 };
    struct buf b = BUF_INITIALIZER;
    char *err = of_flow_parse(&flow,
                              "priority=100,idle_timeout=60,tcp,tp_dst=80,"
                              "actions=output:2",
                              OF_FLOW_ADD, NULL, NULL);
    assert_null(err);
    of_flow_format(&flow, &st, 0, &b);
    assert_string_equal(buf_cstr(&b),
                        "cookie=0x0, duration=12.345s, table=0, "
                        "n_packets=3, n_bytes=180, idle_timeout=60, "
                        "idle_age=2, priority=100,tcp,tp_dst=80 "
                        "actions=output:2");
    buf_destroy(&b);
    of_flow_destroy(&flow);

    /* A line printed by dump-flows parses back (statistics ignored). */
    err = of_flow_parse(&flow,
                        " cookie=0x0, duration=0.016s, table=0, "
                        "n_packets=0, n_bytes=0, idle_age=0, tcp "
                        "actions=drop",
                        OF_FLOW_ADD, NULL, NULL);
    assert_null(err);
    char *s = of_flow_to_string(&flow, 0);
    assert_string_equal(s, "tcp actions=drop");
    free(s);
    of_flow_destroy(&flow);
}

static void
test_file_lines(void **state)
{
    const char *text = "# a comment\n"
                       "\n"
                       "in_port=1,actions=output:2   # trailing comment\n"
                       "   \t\n"
                       "priority=5,\\\n"
                       "  tcp,actions=drop\n"
                       "actions=drop";
    const char *pos = text;
    struct buf line = BUF_INITIALIZER;
    int line_no = 0;

    assert_true(of_flow_next_line(&pos, &line, &line_no));
    assert_string_equal(buf_cstr(&line), "in_port=1,actions=output:2");
    assert_int_equal(line_no, 3);
    assert_true(of_flow_next_line(&pos, &line, &line_no));
    assert_string_equal(buf_cstr(&line), "priority=5,  tcp,actions=drop");
    assert_int_equal(line_no, 6);
    assert_true(of_flow_next_line(&pos, &line, &line_no));
    assert_string_equal(buf_cstr(&line), "actions=drop");
    assert_false(of_flow_next_line(&pos, &line, &line_no));
    buf_destroy(&line);
}

/* Every field of the table stores and reads back its values, and every
 * name and alias finds it. */
static void
test_field_table(void **state)
{
    for (int id = 0; id < OF_N_FIELDS; id++) {
        const struct of_field *f = of_field_from_id(id);
        struct of_match m;
        union of_value v, mask, v2, m2, exact;

        assert_non_null(f);
        assert_int_equal(f->id, id);
        assert_ptr_equal(of_field_from_name(f->name), f);
        if (f->alias) {
            assert_ptr_equal(of_field_from_name(f->alias), f);
        }
        if (f->nxm.name) {
            assert_ptr_equal(
                of_field_from_any_name(f->nxm.name, strlen(f->nxm.name)), f);
        }
        of_match_init_catchall(&m);
        of_value_exact_mask(f, &exact);
        for (size_t i = 0; i < f->n_bytes; i++) {
            v.be[i] = (uint8_t) (0xa5 ^ (i * 7 + (unsigned) id));
        }
        assert_int_equal(of_match_set(&m, f, &v, NULL), 0);
        of_match_get(&m, f, &v2, &m2);
        for (size_t i = 0; i < f->n_bytes; i++) {
            if (v2.be[i] != (v.be[i] & exact.be[i])
                || m2.be[i] != exact.be[i]) {
                fail_msg("%s: byte %zu reads back as %#x/%#x, expected "
                         "%#x/%#x",
                         f->name, i, v2.be[i], m2.be[i], v.be[i] & exact.be[i],
                         exact.be[i]);
            }
        }
        assert_true(of_match_has(&m, f));
        of_match_clear(&m, f);
        assert_false(of_match_has(&m, f));
        if (f->where != OF_IN_TUN_MD && f->id != OF_F_ICMPV4_TYPE
            && f->id != OF_F_ICMPV4_CODE && f->id != OF_F_ICMPV6_TYPE
            && f->id != OF_F_ICMPV6_CODE) {
            assert_true(of_match_is_catchall(&m));
        }
        (void) mask;
    }
    assert_null(of_field_from_name("no_such_field"));
    assert_ptr_equal(of_field_from_name("tp_dst"),
                     of_field_from_id(OF_F_TCP_DST));
    assert_ptr_equal(of_field_from_name("ip_src"),
                     of_field_from_id(OF_F_IPV4_SRC));
    assert_string_equal(of_field_code_name(of_field_from_id(OF_F_METADATA)),
                        "OXM_OF_METADATA");
}

/* Tunnel metadata fields share one 256-byte space, packed in order. */
static void
test_tun_metadata(void **state)
{
    struct of_match m;
    union of_value v;
    const struct of_field *f0 = of_field_from_id(OF_F_TUN_METADATA0);
    const struct of_field *f5 = of_field_from_id(OF_F_TUN_METADATA0 + 5);

    of_match_init_catchall(&m);
    memset(v.be, 0, sizeof v.be);
    v.be[OF_TUN_MD_MAX - 1] = 0x11;
    v.be[OF_TUN_MD_MAX - 2] = 0x22;
    assert_int_equal(of_match_set(&m, f5, &v, NULL), 0);
    assert_int_equal(m.tun_md.len[5], 2);
    v.be[OF_TUN_MD_MAX - 2] = 0;
    assert_int_equal(of_match_set(&m, f0, &v, NULL), 0);
    assert_int_equal(m.tun_md.ofs[0], 0);
    assert_int_equal(m.tun_md.ofs[5], 1);
    char *s = of_match_to_string(&m, OF_DEFAULT_PRIORITY);
    assert_string_equal(s, "tun_metadata0=0x11,tun_metadata5=0x2211");
    free(s);
    of_match_clear(&m, f0);
    assert_int_equal(m.tun_md.ofs[5], 0);
    s = of_match_to_string(&m, OF_DEFAULT_PRIORITY);
    assert_string_equal(s, "tun_metadata5=0x2211");
    free(s);

    /* 2 + 124 + 124 bytes fit in 256, another 124 do not. */
    memset(v.be, 0xff, OF_TUN_MD_MAX);
    assert_int_equal(of_match_set(&m, f0, &v, NULL), 0);
    assert_int_equal(
        of_match_set(&m, of_field_from_id(OF_F_TUN_METADATA0 + 1), &v, NULL),
        0);
    assert_int_equal(
        of_match_set(&m, of_field_from_id(OF_F_TUN_METADATA0 + 2), &v, NULL),
        EINVAL);
}

/* The order of the metadata and the packet type, as "ovs-ofctl parse-flow"
 * of Open vSwitch 3.1 prints these flows: pkt_mark first, and "eth" after
 * the conntrack fields when the match has recirc_id and a header field
 * (a match on metadata alone has no packet type). */
static void
test_metadata_order(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "recirc_id=2,pkt_mark=1,dp_hash=3,conj_id=4,ct_state=0x21,ip,"
          "actions=drop",
          "pkt_mark=0x1,recirc_id=0x2,dp_hash=0x3,conj_id=4,"
          "ct_state=new|trk,eth,ip actions=drop" },
        { "recirc_id=0,tcp,actions=drop", "recirc_id=0,eth,tcp actions=drop" },
        { "recirc_id=2,dl_src=00:00:00:00:00:01,actions=drop",
          "recirc_id=0x2,eth,dl_src=00:00:00:00:00:01 actions=drop" },
        { "recirc_id=2,vlan_tci=0,actions=drop",
          "recirc_id=0x2,eth,vlan_tci=0x0000 actions=drop" },
        { "recirc_id=2,metadata=1,reg0=1,tun_id=1,ct_mark=1,in_port=1,"
          "pkt_mark=1,actset_output=1,actions=drop",
          "pkt_mark=0x1,recirc_id=0x2,actset_output=1,ct_mark=0x1,reg0=0x1,"
          "tun_id=0x1,metadata=0x1,in_port=1 actions=drop" },
        { "pkt_mark=1,ip,actions=drop", "pkt_mark=0x1,ip actions=drop" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct of_flow flow;
        char *got = parse_print(cases[i].in, &flow);
        assert_string_equal(got, cases[i].out);
        free(got);
        of_flow_destroy(&flow);
    }
}

/* Sets field ID of M to V, exactly. */
static void
set_u64(struct of_match *m, enum of_field_id id, uint64_t v)
{
    const struct of_field *f = of_field_from_id(id);
    union of_value value;

    of_value_from_u64(f, &value, v);
    assert_int_equal(of_match_set(m, f, &value, NULL), 0);
}

/* A packet's flow (of_match_format_packet()) as Open vSwitch 3.1's
 * ofproto/trace printed it for a VXLAN packet with a key, DF and an outer
 * ToS: the whole tunnel, tun_tos in hex, the fields nicflow lacks as zero,
 * tun_flags as the packet's flags.  Without a tunnel destination the text
 * is of_match_format()'s. */
static void
test_packet_format(void **state)
{
    struct of_match m;
    struct buf b = BUF_INITIALIZER;

    of_match_init_catchall(&m);
    set_u64(&m, OF_F_TUN_ID, 5);
    set_u64(&m, OF_F_TUN_SRC, 0xc0000201);
    set_u64(&m, OF_F_TUN_DST, 0xc0000202);
    set_u64(&m, OF_F_TUN_IPV6_SRC, 0);
    set_u64(&m, OF_F_TUN_IPV6_DST, 0);
    set_u64(&m, OF_F_TUN_GBP_ID, 0);
    set_u64(&m, OF_F_TUN_GBP_FLAGS, 0);
    set_u64(&m, OF_F_IN_PORT, 4);
    m.flow.tunnel.tos = 0x10;
    m.flow.tunnel.ttl = 64;
    m.flow.tunnel.flags = PKT_TUN_F_DONT_FRAGMENT | PKT_TUN_F_KEY;
    m.mask.tunnel.tos = m.mask.tunnel.ttl = 0xff;
    m.mask.tunnel.flags = 0xffff;
    of_match_format_packet(&m, &b);
    assert_string_equal(
        buf_cstr(&b),
        "tun_id=0x5,tun_src=192.0.2.1,tun_dst=192.0.2.2,tun_ipv6_src=::,"
        "tun_ipv6_dst=::,tun_gbp_id=0,tun_gbp_flags=0,tun_tos=10,"
        "tun_ttl=64,tun_erspan_ver=0,gtpu_flags=0,gtpu_msgtype=0,"
        "tun_flags=df|key,in_port=4");

    /* Every flag, in Open vSwitch's order; none is "0". */
    m.flow.tunnel.flags = PKT_TUN_F_KEY | PKT_TUN_F_CSUM | PKT_TUN_F_OAM
                          | PKT_TUN_F_DONT_FRAGMENT;
    buf_clear(&b);
    of_match_format_packet(&m, &b);
    assert_non_null(strstr(buf_cstr(&b), ",tun_flags=oam|df|csum|key,"));
    m.flow.tunnel.flags = 0;
    buf_clear(&b);
    of_match_format_packet(&m, &b);
    assert_non_null(strstr(buf_cstr(&b), ",tun_flags=0,in_port=4"));

    /* No destination: no tunnel to print whole. */
    of_match_init_catchall(&m);
    set_u64(&m, OF_F_TUN_ID, 5);
    set_u64(&m, OF_F_IN_PORT, 4);
    buf_clear(&b);
    of_match_format_packet(&m, &b);
    assert_string_equal(buf_cstr(&b), "tun_id=0x5,in_port=4");
    buf_destroy(&b);
}

/* Action lists compare by bytes and nest. */
static void
test_action_model(void **state)
{
    struct of_acts a = OF_ACTS_INITIALIZER, b = OF_ACTS_INITIALIZER;
    struct of_act_parse_ctx ctx = { 0 };
    char *err;

    err = of_acts_parse("clone(output:1,ct(commit)),set_field:5->reg3", &a,
                        &ctx);
    assert_null(err);
    err = of_acts_parse("clone(output:1,ct(commit)),load:5->reg3[]", &b, &ctx);
    assert_null(err);
    assert_false(of_acts_equal(&a, &b)); /* load keeps its spelling. */

    int n = 0;
    OF_ACT_FOR_EACH(act, a.buf.data, a.buf.len)
    {
        n++;
        if (act->type == OF_ACT_CLONE) {
            size_t len;
            const struct of_act *inner = of_act_nested(act, &len);
            int n_inner = 0;
            OF_ACT_FOR_EACH(x, inner, len)
            {
                n_inner++;
                assert_true(x->type == OF_ACT_OUTPUT || x->type == OF_ACT_CT);
            }
            assert_int_equal(n_inner, 2);
        } else {
            assert_int_equal(act->type, OF_ACT_SET_FIELD);
        }
        assert_int_equal(act->len % OF_ACT_ALIGN, 0);
    }
    assert_int_equal(n, 2);

    struct buf s = BUF_INITIALIZER;
    of_acts_format(&a, &s);
    assert_string_equal(buf_cstr(&s),
                        "clone(output:1,ct(commit)),load:0x5->NXM_NX_REG3[]");
    buf_destroy(&s);
    of_acts_destroy(&a);
    of_acts_destroy(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_seed_flows),
        cmocka_unit_test(test_of11_actions),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_normalisation),
        cmocka_unit_test(test_mod_del),
        cmocka_unit_test(test_stats_format),
        cmocka_unit_test(test_file_lines),
        cmocka_unit_test(test_field_table),
        cmocka_unit_test(test_tun_metadata),
        cmocka_unit_test(test_metadata_order),
        cmocka_unit_test(test_packet_format),
        cmocka_unit_test(test_action_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
