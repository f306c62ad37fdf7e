/* Unit tests for the rte_flow provider's flow calls (rteflow/rtf-flows.c,
 * rtf-provider.c) against the recording double of the DPDK calls
 * (rtf-double.h): PMD refusals (the rte_flow_error kept as the reason,
 * nothing created) and partial offload, counters and deletion, the tap
 * PMD's rules made without COUNT and counted by their TC filters, meters,
 * the choice of API, ports and the rule limit.  test-rtf-translate.c has
 * the translation table.
 *
 * Without DPDK the provider is not built and this test reports itself
 * skipped, with the reason. */
#include "config.h"

#include <stdio.h>

#ifndef HAVE_DPDK
int
main(void)
{
    printf("1..1\nok 1 - rteflow-flows # SKIP DPDK not found (libdpdk-dev)\n");
    return 0;
}
#else
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>

#include "lib/buf.h"
#include "lib/flow.h"
#include "lib/util.h"
#include "rteflow/rtf-ops.h"
#include "rteflow/rtf-private.h"
#include "rteflow/rtf-provider.h"
#include "rteflow/rtf-rule.h"
#include "rteflow/rtf-translate.h"
#include "softpath/odp.h"

#include "tests/unit/rtf-double.h"

/* A PMD refusal at validate: the rte_flow_error is the reason (message,
 * type and the item it blames), nothing is created, and since the match
 * alone validates, the flow goes in partially. */
static void
test_pmd_refuses(void **state)
{
    struct offload_put_result res;
    struct tflow t;

    tflow_parse(&t,
                "in_port(1),eth(),eth_type(0x0800),ipv4(proto=6),tcp(dst=80)",
                "2", 7);
    /* Every rule refused: no partial either. */
    dbl.refuse_on = "validate";
    dbl.refuse_all = true;
    dbl.refuse_item = RTE_FLOW_ITEM_TYPE_TCP;
    dbl.refuse_ret = -ENOTSUP;
    dbl.refuse_type = RTE_FLOW_ERROR_TYPE_ITEM_SPEC;
    dbl.refuse_msg = "tcp item not supported";
    res = put(&t);
    assert_int_equal(res.error, ENOTSUP);
    assert_false(res.partial);
    assert_int_equal(res.reason.code, OFFLOAD_R_DEVICE);
    assert_string_equal(
        res.reason.msg,
        "rteflow: PMD refused: tcp item not supported (type 10, at item 2: "
        "tcp); partial offload: PMD refused: tcp item not supported (type "
        "10, at item 2: tcp)");
    assert_int_equal(n_calls("create"), 0);
    /* Full, then partial with RSS, then with QUEUE. */
    assert_int_equal(n_calls("validate"), 3);
    assert_string_equal(nth_call("validate", 1)->text,
                        "ingress pattern eth type=0x0800 / ipv4 proto=6 / "
                        "tcp dst=80 / end actions mark id=1 / rss level=0 "
                        "types=0x3afbc queues=0,1 / end");
    assert_string_equal(nth_call("validate", 2)->text,
                        "ingress pattern eth type=0x0800 / ipv4 proto=6 / "
                        "tcp dst=80 / end actions mark id=1 / queue index=0 / "
                        "end");
    tflow_destroy(&t);

    /* The output refused (as by a PMD without PORT_ID): partial, MARK +
     * RSS; the full refusal stays as the reason. */
    dbl_reset();
    tflow_parse(&t,
                "in_port(1),eth(),eth_type(0x0800),ipv4(proto=6),tcp(dst=80)",
                "2", 8);
    dbl.refuse_on = "validate";
    dbl.refuse_action = RTE_FLOW_ACTION_TYPE_PORT_ID;
    dbl.refuse_ret = -ENOTSUP;
    dbl.refuse_type = RTE_FLOW_ERROR_TYPE_ACTION;
    dbl.refuse_msg = "action not supported";
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_true(res.partial);
    assert_string_equal(res.reason.msg,
                        "rteflow: PMD refused: action not supported (type 16, "
                        "at action 1: port_id)");
    assert_int_equal(n_calls("create"), 1);
    const struct call *c = nth_call("create", 0);
    assert_int_equal(c->port_id, 0);
    assert_string_equal(c->text,
                        "ingress pattern eth type=0x0800 / ipv4 proto=6 / "
                        "tcp dst=80 / end actions mark id=2 / rss level=0 "
                        "types=0x3afbc queues=0,1 / end");
    /* The mark leads back to the flow. */
    struct offload_ufid u;
    assert_true(rtf_mark_to_ufid(2, &u));
    assert_int_equal(u.u32[0], 8);
    assert_false(rtf_mark_to_ufid(1, &u)); /* Its flow was refused. */
    assert_false(rtf_mark_to_ufid(3, &u));
    /* A partial rule has no counters: the softpath counts. */
    struct offload_stats st;
    int err;
    const struct offload_port *pp = t.of.in_port;
    rtf_provider_class.flow_stats(NULL, &pp, &res.handle, 1, &st, &err);
    assert_int_equal(err, 0);
    assert_int_equal(st.n_packets, 0);
    assert_int_equal(n_calls("query"), 0);
    /* Deleting it frees the mark. */
    rtf_provider_class.flow_del(NULL, &pp, &t.of.ufid, &res.handle, 1, &st,
                                &err);
    assert_int_equal(err, 0);
    assert_false(rtf_mark_to_ufid(2, &u));
    assert_int_equal(nth_call("destroy", 0)->flow, c->flow);
    tflow_destroy(&t);

    /* A refusal at create (after validate passed) is kept the same way;
     * a transfer rule's partial offload goes on the port's own ingress. */
    dbl_reset();
    tflow_parse(&t, "in_port(3),eth(dst=00:00:00:00:00:04),eth_type(0x0800)",
                "userspace(pid=1)", 9);
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_true(res.partial);
    assert_string_equal(res.reason.msg,
                        "rteflow: action userspace cannot be offloaded");
    c = nth_call("create", 0);
    assert_int_equal(c->port_id, 3);
    assert_string_equal(c->text,
                        "ingress pattern eth dst=00:00:00:00:00:04 "
                        "type=0x0800 / ipv4 / end actions mark id=3 / rss "
                        "level=0 "
                        "types=0x3afbc queues=0,1,2,3 / end");
    tflow_destroy(&t);

    dbl_reset();
    tflow_parse(&t, "in_port(3),eth(),eth_type(0x0800)", "4", 10);
    dbl.refuse_on = "create";
    dbl.refuse_all = true;
    dbl.refuse_ret = -ENOSPC;
    dbl.refuse_type = RTE_FLOW_ERROR_TYPE_UNSPECIFIED;
    dbl.refuse_msg = "no room in the eswitch table";
    res = put(&t);
    assert_int_equal(res.error, ENOSPC);
    assert_int_equal(res.reason.code, OFFLOAD_R_TABLE_FULL);
    assert_string_equal(res.reason.msg,
                        "rteflow: PMD refused: no room in the eswitch table "
                        "(type 1); partial offload: PMD refused: no room in "
                        "the eswitch table (type 1)");
    assert_int_equal(n_calls("validate"), 3);
    tflow_destroy(&t);

    /* A match that cannot be said exactly gets no partial offload either:
     * the mark would stand for packets the flow does not match. */
    dbl_reset();
    tflow_parse(&t, "in_port(1),skb_mark(5),eth(),eth_type(0x0800)", "2", 11);
    res = put(&t);
    assert_int_equal(res.error, EOPNOTSUPP);
    assert_string_equal(res.reason.msg, "rteflow: no match on pkt_mark");
    assert_int_equal(dbl.n_calls, 0);
    tflow_destroy(&t);
}

/* Counters, replacement and deletion. */
static void
test_stats_del(void **state)
{
    struct offload_put_result res, res2;
    struct offload_stats st;
    struct tflow t;
    int err;

    tflow_parse(&t, "in_port(1),eth(),eth_type(0x0800)", "2", 20);
    res = put(&t);
    assert_int_equal(res.error, 0);
    uintptr_t first = nth_call("create", 0)->flow;
    const struct offload_port *pp = t.of.in_port;

    dbl.hits = 10;
    dbl.bytes = 1500;
    rtf_provider_class.flow_stats(NULL, &pp, &res.handle, 1, &st, &err);
    assert_int_equal(err, 0);
    assert_int_equal(st.n_packets, 10);
    assert_int_equal(st.n_bytes, 1500);
    assert_true(st.used > 0);
    assert_int_equal(nth_call("query", 0)->flow, first);
    assert_int_equal(nth_call("query", 0)->port_id, 0);

    /* A query error is the flow's error. */
    dbl.query_ret = -EIO;
    rtf_provider_class.flow_stats(NULL, &pp, &res.handle, 1, &st, &err);
    assert_int_equal(err, EIO);
    dbl.query_ret = 0;

    /* The same ufid again: the new rule first, then the old one goes. */
    dbl.n_calls = 0;
    res2 = put(&t);
    assert_int_equal(res2.error, 0);
    assert_true(res2.handle != res.handle);
    assert_string_equal(dbl.calls[0].op, "validate");
    assert_string_equal(dbl.calls[1].op, "create");
    assert_string_equal(dbl.calls[2].op, "destroy");
    assert_int_equal(dbl.calls[2].flow, first);
    rtf_provider_class.flow_stats(NULL, &pp, &res.handle, 1, &st, &err);
    assert_int_equal(err, ENOENT);

    /* Delete: final counters, then the rule is destroyed. */
    dbl.n_calls = 0;
    dbl.hits = 12;
    dbl.bytes = 1800;
    rtf_provider_class.flow_del(NULL, &pp, &t.of.ufid, &res2.handle, 1, &st,
                                &err);
    assert_int_equal(err, 0);
    assert_int_equal(st.n_packets, 12);
    assert_int_equal(st.n_bytes, 1800);
    assert_string_equal(dbl.calls[0].op, "query");
    assert_string_equal(dbl.calls[1].op, "destroy");
    assert_int_equal(dbl.calls[1].flow, dbl.calls[0].flow);
    /* Already gone. */
    rtf_provider_class.flow_del(NULL, &pp, &t.of.ufid, &res2.handle, 1, &st,
                                &err);
    assert_int_equal(err, ENOENT);
    tflow_destroy(&t);
}

/* Meters: known single-band meters become METER (the rte_mtr made once
 * per port first); others are refused with the reason. */
static void
test_meters(void **state)
{
    struct offload_meter m = { .rate = 1000, .burst = 100, .n_bands = 1 };
    struct offload_meter m2 = { .rate = 1000, .n_bands = 2 };
    struct offload_put_result res;
    struct tflow t;

    rtf_provider_class.meter_set(3, &m);
    rtf_provider_class.meter_set(4, &m2);
    tflow_parse(&t, "in_port(1),eth(),eth_type(0x0800)", "meter(3),2", 40);
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_false(res.partial);
    assert_string_equal(dbl.calls[0].op, "meter");
    assert_string_equal(dbl.calls[0].text, "id=3 rate=1000 burst=100");
    assert_string_equal(nth_call("create", 0)->text,
                        "ingress pattern eth type=0x0800 / ipv4 / end actions "
                        "count / meter mtr_id=3 / port_id id=1 / end");
    /* The second flow on that port finds the meter made. */
    t.of.ufid.u32[0] = 41;
    dbl.n_calls = 0;
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_int_equal(n_calls("meter"), 0);
    tflow_destroy(&t);

    tflow_parse(&t, "in_port(1),eth(),eth_type(0x0800)", "meter(4),2", 42);
    res = put(&t);
    assert_true(res.partial);
    assert_string_equal(res.reason.msg,
                        "rteflow: action meter cannot be offloaded (meter 4 "
                        "has 2 bands, rte_mtr takes one drop band)");
    tflow_destroy(&t);

    tflow_parse(&t, "in_port(1),eth(),eth_type(0x0800)", "meter(5),2", 43);
    res = put(&t);
    assert_true(res.partial);
    assert_string_equal(res.reason.msg,
                        "rteflow: action meter cannot be offloaded (meter 5 "
                        "unknown)");
    tflow_destroy(&t);

    /* The PMD without meters: its error is the reason. */
    dbl.meter_ret = -ENOTSUP;
    tflow_parse(&t, "in_port(2),eth(),eth_type(0x0800)", "meter(3),1", 44);
    res = put(&t);
    assert_true(res.partial);
    assert_string_equal(res.reason.msg,
                        "rteflow: PMD refused: no meters here (type 16)");
    tflow_destroy(&t);
    rtf_provider_class.meter_set(3, NULL);
    rtf_provider_class.meter_set(4, NULL);
}

/* Ports: which the provider takes, what it says of them, and the choice
 * of rte_flow API. */
static void
test_ports(void **state)
{
    struct offload_reason why;
    char line[160];

    memset(&why, 0, sizeof why);
    assert_int_equal(rtf_provider_class.port_probe(port_by_odp(6), &why),
                     EOPNOTSUPP);
    assert_string_equal(why.msg,
                        "rteflow: p6 is not a DPDK port (type afpacket)");
    assert_int_equal(rtf_provider_class.port_probe(port_by_odp(13), &why),
                     ENODEV);
    assert_string_equal(why.msg, "rteflow: ghost: no DPDK port of that name "
                                 "(no DPDK port of that name)");
    assert_null(port_by_odp(13)->provider);

    rtf_provider_class.port_describe(port_by_odp(3), line, sizeof line);
    assert_string_equal(line,
                        "dpdk port 3, transfer via port 2 (switch domain 7), "
                        "synchronous API (template API not offered), 0 rules");
    rtf_provider_class.port_describe(port_by_odp(10), line, sizeof line);
    assert_string_equal(line,
                        "vxlan tunnel port, decap rules in group 0x1000a");

    /* Template API: offered, chosen only when asked for and configure()
     * succeeds. */
    bool capable;
    dbl.info_ok = true;
    assert_int_equal(rtf_api_choose(0, false, &capable), RTF_API_SYNC);
    assert_true(capable);
    assert_int_equal(n_calls("configure"), 0);
    assert_int_equal(rtf_api_choose(0, true, &capable), RTF_API_TEMPLATE);
    assert_string_equal(nth_call("configure", 0)->text,
                        "counters=1000 queues=1 size=256");
    dbl.configure_ret = -EINVAL;
    assert_int_equal(rtf_api_choose(0, true, &capable), RTF_API_SYNC);
    assert_true(capable);
    dbl.info_ok = false;
    assert_int_equal(rtf_api_choose(0, true, &capable), RTF_API_SYNC);
    assert_false(capable);

    /* A port added while the PMD offers the template API but refuses
     * configure() says so, and stays synchronous. */
    struct offload_port p = { .odp_port = 20,
                              .name = "dpdk8",
                              .type = "dpdk" };
    dbl.info_ok = true;
    dbl.n_calls = 0;
    assert_int_equal(rtf_provider_class.port_add(&p, &why), 0);
    p.provider = &rtf_provider_class;
    assert_int_equal(nth_call("configure", 0)->port_id, 8);
    rtf_provider_class.port_describe(&p, line, sizeof line);
    assert_string_equal(line, "dpdk port 8, synchronous API (template API "
                              "offered), 0 rules");
    rtf_provider_class.port_del(&p);
}

/* Deleting a port takes its flows' rules with it; flush() flushes every
 * DPDK port and forgets every flow. */
static void
test_port_del_flush(void **state)
{
    struct offload_put_result res;
    struct offload_stats st;
    struct tflow t;
    char line[160];
    int err;

    tflow_parse(&t, "in_port(2),eth(),eth_type(0x0800)", "1", 50);
    res = put(&t);
    assert_int_equal(res.error, 0);
    rtf_provider_class.port_describe(port_by_odp(2), line, sizeof line);
    assert_string_equal(line, "dpdk port 1, synchronous API (template API "
                              "not offered), 1 rules");
    dbl.n_calls = 0;
    rtf_provider_class.port_del(port_by_odp(2));
    port_by_odp(2)->provider = NULL;
    assert_int_equal(n_calls("destroy"), 1);
    const struct offload_port *pp = t.of.in_port;
    rtf_provider_class.flow_stats(NULL, &pp, &res.handle, 1, &st, &err);
    assert_int_equal(err, ENOENT);
    tflow_destroy(&t);

    tflow_parse(&t, "in_port(1),eth(),eth_type(0x0800)", "1", 51);
    res = put(&t);
    assert_int_equal(res.error, 0);
    dbl.n_calls = 0;
    rtf_provider_class.flush(NULL);
    /* dpdk0, rep0 and rep1 (and their proxy), rep9, dtap0; no destroy. */
    assert_int_equal(n_calls("destroy"), 0);
    assert_int_equal(n_calls("flush"), 7);
    rtf_provider_class.flow_stats(NULL, &pp, &res.handle, 1, &st, &err);
    assert_int_equal(err, ENOENT);
    tflow_destroy(&t);
}

/* The max_rules limit. */
static void
test_limit(void **state)
{
    struct offload_put_result res;
    struct tflow t;

    port_by_odp(1)->max_rules = 1;
    tflow_parse(&t, "in_port(1),eth(),eth_type(0x0800)", "2", 60);
    res = put(&t);
    assert_int_equal(res.error, 0);
    t.of.ufid.u32[0] = 61;
    res = put(&t);
    assert_int_equal(res.error, ENOSPC);
    assert_int_equal(res.reason.code, OFFLOAD_R_TABLE_FULL);
    assert_string_equal(res.reason.msg, "rteflow: table full: 1/1");
    port_by_odp(1)->max_rules = 0;
    tflow_destroy(&t);
}
/* The tap PMD has no COUNT: on a port whose rules its TC filters count
 * (tc_counted), a full rule refused for its COUNT action is made without
 * it, and its counters come from tc_count.  On other ports COUNT stays
 * required (the flow goes partial, never uncounted). */
static void
test_tap_uncounted(void **state)
{
    struct offload_put_result res;
    struct offload_stats st;
    struct tflow t;
    int err;

    tflow_parse(&t,
                "in_port(14),eth(),eth_type(0x0800),ipv4(proto=17),udp(dst="
                "9999)",
                "drop", 30);
    dbl.tc_filters[0] = 0x77; /* Somebody's filter. */
    dbl.n_tc_filters = 1;
    dbl.refuse_on = "validate";
    dbl.refuse_action = RTE_FLOW_ACTION_TYPE_COUNT;
    dbl.refuse_ret = -ENOTSUP;
    dbl.refuse_type = RTE_FLOW_ERROR_TYPE_ACTION;
    dbl.refuse_msg = "action not supported";
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_false(res.partial);
    assert_string_equal(res.reason.msg, "");
    assert_int_equal(n_calls("validate"), 2);
    assert_string_equal(nth_call("validate", 0)->text,
                        "ingress pattern eth type=0x0800 / ipv4 proto=17 / "
                        "udp dst=9999 / end actions count / drop / end");
    assert_string_equal(nth_call("validate", 1)->text,
                        "ingress pattern eth type=0x0800 / ipv4 proto=17 / "
                        "udp dst=9999 / end actions drop / end");
    assert_int_equal(n_calls("create"), 1);
    const struct call *c = nth_call("create", 0);
    assert_int_equal(c->port_id, 7);
    assert_string_equal(c->text, nth_call("validate", 1)->text);
    uintptr_t rule = c->flow;

    /* offload-stats-show's rteflow lines say so. */
    struct buf b = BUF_INITIALIZER;
    rtf_stats_lines(&b);
    assert_non_null(strstr(buf_cstr(&b),
                           "   rteflow      " /* 12 + 1 */
                           "         Flows offloaded fully: 1\n"));
    assert_non_null(strstr(buf_cstr(&b), "Rules counted by TC filters: 1\n"));
    assert_non_null(
        strstr(buf_cstr(&b), "Rules on dtap0 (port 7, sync): 1\n"));
    assert_non_null(
        strstr(buf_cstr(&b), "Rules on dpdk0 (port 0, sync): 0\n"));
    buf_destroy(&b);

    /* Its filter was learnt: the one new handle on device 42 (another
     * filter was there before). */
    assert_int_equal(n_calls("tc_handles"), 2);
    assert_int_equal(nth_call("tc_handles", 0)->port_id, 42);

    /* Counters from the rule's TC filter on device 42, never
     * rte_flow_query(). */
    const struct offload_port *pp = t.of.in_port;
    dbl.tc_hits = 9;
    dbl.tc_bytes = 900;
    rtf_provider_class.flow_stats(NULL, &pp, &res.handle, 1, &st, &err);
    assert_int_equal(err, 0);
    assert_int_equal(st.n_packets, 9);
    assert_int_equal(st.n_bytes, 900);
    assert_true(st.used > 0);
    assert_int_equal(n_calls("query"), 0);
    assert_int_equal(nth_call("tc_count", 0)->port_id, 42);
    assert_int_equal(nth_call("tc_count", 0)->flow, 0x1001);
    dbl.tc_ret = -EIO;
    rtf_provider_class.flow_stats(NULL, &pp, &res.handle, 1, &st, &err);
    assert_int_equal(err, EIO);
    dbl.tc_ret = 0;

    /* Deleted: the final counters from the filter, then the rule. */
    dbl.n_calls = 0;
    dbl.tc_hits = 11;
    rtf_provider_class.flow_del(NULL, &pp, &t.of.ufid, &res.handle, 1, &st,
                                &err);
    assert_int_equal(err, 0);
    assert_int_equal(st.n_packets, 11);
    assert_string_equal(dbl.calls[0].op, "tc_count");
    assert_string_equal(dbl.calls[1].op, "destroy");
    assert_int_equal(dbl.calls[1].flow, rule);

    /* A rule whose filter cannot be found is not kept: destroyed, and its
     * reason is the flow's (which then goes in partially here). */
    dbl.n_calls = 0;
    dbl.tc_no_filter = true;
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_true(res.partial);
    assert_string_equal(res.reason.msg,
                        "rteflow: the PMD's rule on dtap0 has no TC filter "
                        "to count it by (0 new filters)");
    assert_int_equal(n_calls("create"), 2);
    assert_int_equal(n_calls("destroy"), 1);
    assert_int_equal(nth_call("destroy", 0)->flow,
                     nth_call("create", 0)->flow);
    assert_non_null(strstr(nth_call("create", 1)->text, "actions mark"));
    rtf_provider_class.flow_del(NULL, &pp, &t.of.ufid, &res.handle, 1, &st,
                                &err);
    assert_int_equal(err, 0);
    dbl.tc_no_filter = false;
    tflow_destroy(&t);

    /* The same refusal on dpdk0, whose rules nothing else counts: no rule
     * without COUNT; the refusal is the reason and the flow goes in
     * partially. */
    dbl.n_calls = 0;
    tflow_parse(&t,
                "in_port(1),eth(),eth_type(0x0800),ipv4(proto=17),udp(dst="
                "9999)",
                "drop", 31);
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_true(res.partial);
    assert_string_equal(res.reason.msg,
                        "rteflow: PMD refused: action not supported (type 16, "
                        "at action 0: count)");
    for (size_t i = 0; i < n_calls("validate"); i++) {
        assert_null(strstr(nth_call("validate", i)->text, "actions drop"));
    }
    assert_int_equal(n_calls("tc_count"), 0);
    tflow_destroy(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pmd_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats_del, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tap_uncounted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_meters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_del_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
    };
    return cmocka_run_group_tests_name("rteflow-flows", tests, NULL, NULL);
}
#endif /* HAVE_DPDK */
