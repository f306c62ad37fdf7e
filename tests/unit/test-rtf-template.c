/* Unit tests for the rte_flow provider's template/asynchronous path
 * (rteflow/rtf-template.c, and its use in rtf-flows.c and rtf-provider.c)
 * against the recording double of the DPDK calls (rtf-double.h), whose
 * PMDs here offer the template API: the API choice per device, the
 * pattern template + actions template + table made for the first rule of
 * a shape and reused after, rules made with async_create + push + pull
 * and removed with async_destroy + push + pull, counters, a refusal at
 * each step becoming the flow's reason with nothing left behind, partial
 * offload and transfer rules through templates, port deletion and flush.
 * No NIC here has the template API (the VM lab's tap PMD has not): the
 * double is what these paths are tested against.
 *
 * Without DPDK the provider is not built and this test reports itself
 * skipped, with the reason. */
#include "config.h"

#include <stdio.h>

#ifndef HAVE_DPDK
int
main(void)
{
    printf("1..1\nok 1 - rteflow-template # SKIP DPDK not found "
           "(libdpdk-dev)\n");
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

/* Every port added while its PMD offers the template API. */
static int
setup_template(void **state)
{
    return setup_ports(true);
}

static int
teardown_template(void **state)
{
    int ret = teardown(state);

    rtf_tpl_set_patience(0);
    return ret;
}

/* The ops recorded so far, space-separated. */
static const char *
ops_seen(void)
{
    static char s[2048];
    size_t len = 0;

    s[0] = '\0';
    for (size_t i = 0; i < dbl.n_calls && len < sizeof s; i++) {
        len += snprintf(s + len, sizeof s - len, "%s%s", i ? " " : "",
                        dbl.calls[i].op);
    }
    return s;
}

/* Nothing the template path made is left in the double. */
static void
assert_nothing_left(void)
{
    assert_int_equal(n_live('p'), 0);
    assert_int_equal(n_live('a'), 0);
    assert_int_equal(n_live('t'), 0);
    assert_int_equal(dbl.live_rules, 0);
}

static const char ipv4_key[] =
    "in_port(1),eth(),eth_type(0x0800),ipv4(dst=192.0.2.2)";
static const char ipv4_rule[] =
    "ingress pattern eth type=0x0800 / ipv4 dst=192.0.2.2 / end actions "
    "count / port_id id=1 / end";

/* The API choice: configure() on each device once (a transfer proxy
 * before its ports), the template API where it succeeds, the
 * synchronous one where it fails. */
static void
test_api_choice(void **state)
{
    struct offload_reason why;
    char line[200];

    memset(&why, 0, sizeof why);
    rtf_provider_class.port_describe(port_by_odp(1), line, sizeof line);
    assert_string_equal(line, "dpdk port 0, template API (template API "
                              "offered), 0 rules, 0 template tables");
    assert_true(rtf_tpl_device(0));
    assert_true(rtf_tpl_device(2)); /* rep0's and rep1's proxy. */

    /* rep0 and rep1 gone: their proxy's record goes with them.  Added
     * again: the proxy is configured first, once. */
    rtf_provider_class.port_del(port_by_odp(3));
    rtf_provider_class.port_del(port_by_odp(4));
    assert_false(rtf_tpl_device(2));
    assert_false(rtf_tpl_device(3));
    dbl.n_calls = 0;
    assert_int_equal(rtf_provider_class.port_add(port_by_odp(3), &why), 0);
    assert_int_equal(rtf_provider_class.port_add(port_by_odp(4), &why), 0);
    assert_string_equal(ops_seen(), "info_get configure info_get configure "
                                    "info_get configure");
    assert_int_equal(nth_call("configure", 0)->port_id, 2);
    assert_int_equal(nth_call("configure", 1)->port_id, 3);
    assert_int_equal(nth_call("configure", 2)->port_id, 4);
    assert_string_equal(nth_call("configure", 0)->text,
                        "counters=1000 queues=1 size=256");
    rtf_provider_class.port_describe(port_by_odp(3), line, sizeof line);
    assert_string_equal(line, "dpdk port 3, transfer via port 2 (switch "
                              "domain 7), template API (template API "
                              "offered), 0 rules, 0 template tables");

    /* A proxy whose configure() fails keeps its ports synchronous, and
     * the ports themselves are not configured. */
    rtf_provider_class.port_del(port_by_odp(3));
    rtf_provider_class.port_del(port_by_odp(4));
    dbl.n_calls = 0;
    dbl.configure_ret = -ENOTSUP;
    assert_int_equal(rtf_provider_class.port_add(port_by_odp(3), &why), 0);
    assert_int_equal(n_calls("configure"), 1);
    assert_string_equal(ops_seen(), "info_get configure info_get");
    rtf_provider_class.port_describe(port_by_odp(3), line, sizeof line);
    assert_string_equal(line, "dpdk port 3, transfer via port 2 (switch "
                              "domain 7), synchronous API (template API "
                              "offered), 0 rules");
    assert_false(rtf_tpl_device(2));
    dbl.configure_ret = 0;
    assert_int_equal(rtf_provider_class.port_add(port_by_odp(4), &why), 0);
    /* The proxy's answer is remembered: rep1 is synchronous too. */
    assert_false(rtf_tpl_device(2));
    assert_false(rtf_tpl_device(4));
}

/* A port whose configure() fails stays on validate + create. */
static void
test_configure_fails(void **state)
{
    struct offload_reason why;
    struct offload_put_result res;
    struct tflow t;

    memset(&why, 0, sizeof why);
    rtf_provider_class.port_del(port_by_odp(2));
    dbl.configure_ret = -EINVAL;
    assert_int_equal(rtf_provider_class.port_add(port_by_odp(2), &why), 0);
    assert_false(rtf_tpl_device(1));
    dbl.n_calls = 0;
    tflow_parse(&t, "in_port(2),eth(),eth_type(0x0800)", "1", 5);
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_string_equal(ops_seen(), "validate create");
    assert_int_equal(n_live('t'), 0);
    tflow_destroy(&t);
}

/* The first flow of a shape makes the templates and the table, the next
 * of that shape reuses them, another shape gets its own; counters; delete
 * and replacement. */
static void
test_tables(void **state)
{
    struct offload_put_result res, res2, res3, res4;
    struct offload_stats st;
    struct tflow t, t2, t3, t4;
    char line[200];
    int err;

    tflow_parse(&t, ipv4_key, "2", 1);
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_false(res.partial);
    assert_string_equal(res.reason.msg, "");
    assert_string_equal(ops_seen(), "pattern_template actions_template "
                                    "table async_create push pull");
    for (size_t i = 0; i < dbl.n_calls; i++) {
        assert_int_equal(dbl.calls[i].port_id, 0);
    }
    /* The pattern template says the masks; the actions template the
     * action types with every conf left to the rule. */
    assert_string_equal(nth_call("pattern_template", 0)->text,
                        "ingress pattern eth type=0xffff / ipv4 "
                        "dst=255.255.255.255 / end actions end");
    assert_string_equal(nth_call("actions_template", 0)->text,
                        "ingress count / port_id / end masks count / "
                        "port_id / end");
    char table_text[128];
    snprintf(table_text, sizeof table_text,
             "ingress group 0 flows=4096 pattern=%#lx actions=%#lx",
             (unsigned long) nth_call("pattern_template", 0)->obj,
             (unsigned long) nth_call("actions_template", 0)->obj);
    assert_string_equal(nth_call("table", 0)->text, table_text);
    const struct call *c = nth_call("async_create", 0);
    assert_string_equal(c->text, ipv4_rule);
    assert_int_equal(c->obj, nth_call("table", 0)->obj);
    uintptr_t table = c->obj, rule = c->flow;
    assert_string_equal(nth_call("pull", 0)->text, "1");
    assert_int_equal(dbl.live_rules, 1);
    rtf_provider_class.port_describe(port_by_odp(1), line, sizeof line);
    assert_string_equal(line, "dpdk port 0, template API (template API "
                              "offered), 1 rules, 1 template tables");
    struct buf b = BUF_INITIALIZER;
    rtf_stats_lines(&b);
    assert_non_null(
        strstr(buf_cstr(&b), "Rules on dpdk0 (port 0, template): 1\n"));
    buf_destroy(&b);

    /* Same shape (another address, another output): the same table, no
     * template calls; the completion may take a few pulls. */
    dbl.n_calls = 0;
    dbl.pull_empty = 3;
    tflow_parse(&t2, "in_port(1),eth(),eth_type(0x0800),ipv4(dst=192.0.2.9)",
                "14", 2);
    res2 = put(&t2);
    assert_int_equal(res2.error, 0);
    assert_string_equal(ops_seen(), "async_create push pull");
    assert_int_equal(dbl.empty_pulls, 3);
    assert_int_equal(nth_call("async_create", 0)->obj, table);
    assert_string_equal(nth_call("async_create", 0)->text,
                        "ingress pattern eth type=0x0800 / ipv4 "
                        "dst=192.0.2.9 / end actions count / port_id id=7 / "
                        "end");

    /* Another mask, or other action types: new tables. */
    dbl.n_calls = 0;
    tflow_parse(&t3,
                "in_port(1),eth(),eth_type(0x0800),ipv4(dst=192.0.2.0/"
                "255.255.255.0)",
                "2", 3);
    res3 = put(&t3);
    assert_int_equal(res3.error, 0);
    assert_string_equal(ops_seen(), "pattern_template actions_template "
                                    "table async_create push pull");
    assert_string_equal(nth_call("pattern_template", 0)->text,
                        "ingress pattern eth type=0xffff / ipv4 "
                        "dst=255.255.255.0/255.255.255.0 / end actions end");
    dbl.n_calls = 0;
    tflow_parse(&t4, "in_port(1),eth(),eth_type(0x0800),ipv4(dst=192.0.2.3)",
                "drop", 4);
    res4 = put(&t4);
    assert_int_equal(res4.error, 0);
    assert_string_equal(ops_seen(), "pattern_template actions_template "
                                    "table async_create push pull");
    assert_string_equal(nth_call("actions_template", 0)->text,
                        "ingress count / drop / end masks count / drop / "
                        "end");
    assert_int_equal(n_live('t'), 3);
    assert_int_equal(dbl.live_rules, 4);

    /* Counters: rte_flow_query() of the rule async_create made. */
    const struct offload_port *pp = t.of.in_port;
    dbl.n_calls = 0;
    dbl.hits = 5;
    dbl.bytes = 500;
    rtf_provider_class.flow_stats(NULL, &pp, &res.handle, 1, &st, &err);
    assert_int_equal(err, 0);
    assert_int_equal(st.n_packets, 5);
    assert_int_equal(st.n_bytes, 500);
    assert_int_equal(nth_call("query", 0)->flow, rule);
    assert_int_equal(nth_call("query", 0)->port_id, 0);

    /* Replacing a flow: the new rule first, then the old one goes. */
    dbl.n_calls = 0;
    struct offload_put_result res1b = put(&t);
    assert_int_equal(res1b.error, 0);
    assert_string_equal(ops_seen(), "async_create push pull async_destroy "
                                    "push pull");
    assert_int_equal(nth_call("async_destroy", 0)->flow, rule);
    rule = nth_call("async_create", 0)->flow;

    /* Delete: the final counters, then async_destroy + push + pull; the
     * table stays for the next rule of its shape. */
    dbl.n_calls = 0;
    dbl.hits = 6;
    rtf_provider_class.flow_del(NULL, &pp, &t.of.ufid, &res1b.handle, 1, &st,
                                &err);
    assert_int_equal(err, 0);
    assert_int_equal(st.n_packets, 6);
    assert_string_equal(ops_seen(), "query async_destroy push pull");
    assert_int_equal(nth_call("async_destroy", 0)->flow, rule);
    assert_int_equal(nth_call("async_destroy", 0)->port_id, 0);
    assert_int_equal(dbl.live_rules, 3);
    assert_int_equal(n_live('t'), 3);
    assert_int_equal(dbl.n_ops, 0);
    dbl.n_calls = 0;
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_string_equal(ops_seen(), "async_create push pull");
    assert_int_equal(nth_call("async_create", 0)->obj, table);

    /* A removal that fails is logged and the flow forgotten all the
     * same. */
    dbl.n_calls = 0;
    dbl.destroy_op_error = true;
    rtf_provider_class.flow_del(NULL, &pp, &t4.of.ufid, &res4.handle, 1, &st,
                                &err);
    assert_int_equal(err, 0);
    assert_string_equal(ops_seen(), "query async_destroy push pull");
    rtf_provider_class.flow_stats(NULL, &pp, &res4.handle, 1, &st, &err);
    assert_int_equal(err, ENOENT);
    dbl.destroy_op_error = false;

    tflow_destroy(&t);
    tflow_destroy(&t2);
    tflow_destroy(&t3);
    tflow_destroy(&t4);
}

/* A refusal at each step of a template port's put: the flow gets the
 * reason (as rtf_pmd_reason() words the synchronous path's, naming the
 * item or action), and nothing made for it stays. */
static void
test_failures(void **state)
{
    static const struct {
        const char *on;   /* dbl.refuse_on, or a knob below. */
        int item, action; /* What the cause points at (-1: none). */
        int ret;
        enum rte_flow_error_type type;
        const char *msg; /* The full refusal's reason. */
        const char *ops; /* The full attempt's calls. */
    } cases[] = {
        { "pattern_template", RTE_FLOW_ITEM_TYPE_IPV4, -1, -ENOTSUP,
          RTE_FLOW_ERROR_TYPE_ITEM,
          "rteflow: PMD refused: nope (type 13, "
          "at item 1: ipv4)",
          "pattern_template" },
        { "actions_template", -1, RTE_FLOW_ACTION_TYPE_PORT_ID, -ENOTSUP,
          RTE_FLOW_ERROR_TYPE_ACTION,
          "rteflow: PMD refused: nope (type 16, "
          "at action 1: port_id)",
          "pattern_template actions_template pattern_template_destroy" },
        { "table", -1, -1, -ENOSPC, RTE_FLOW_ERROR_TYPE_ATTR,
          "rteflow: PMD refused: nope (type 8, at the attributes)",
          "pattern_template actions_template table actions_template_destroy "
          "pattern_template_destroy" },
        { "async_create", RTE_FLOW_ITEM_TYPE_ETH, -1, -EINVAL,
          RTE_FLOW_ERROR_TYPE_ITEM_SPEC,
          "rteflow: PMD refused: nope (type "
          "10, at item 0: eth)",
          "pattern_template actions_template table async_create "
          "table_destroy actions_template_destroy pattern_template_destroy" },
        { "op_error", -1, -1, 0, 0,
          "rteflow: PMD refused: the rule's "
          "insertion completed with an error (type 1)",
          "pattern_template actions_template table async_create push pull "
          "table_destroy actions_template_destroy pattern_template_destroy" },
        { "push", -1, -1, -EIO, 0,
          "rteflow: PMD refused: push failed (type "
          "1)",
          "pattern_template actions_template table async_create push "
          "async_destroy push table_destroy actions_template_destroy "
          "pattern_template_destroy" },
        { "pull", -1, -1, -EIO, 0,
          "rteflow: PMD refused: pull failed (type "
          "1)",
          "pattern_template actions_template table async_create push pull "
          "async_destroy push pull table_destroy actions_template_destroy "
          "pattern_template_destroy" },
        { "pull_never", -1, -1, 0, 0,
          "rteflow: PMD refused: no completion "
          "of the operation came (rte_flow_pull) (type 1)",
          "pattern_template actions_template table async_create push "
          "async_destroy push table_destroy actions_template_destroy "
          "pattern_template_destroy" },
    };

    rtf_tpl_set_patience(100);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct offload_put_result res;
        struct tflow t;
        const char *on = cases[i].on;

        dbl_reset();
        dbl.info_ok = true;
        if (!strcmp(on, "op_error")) {
            dbl.op_error = true;
        } else if (!strcmp(on, "push")) {
            dbl.push_ret = cases[i].ret;
        } else if (!strcmp(on, "pull")) {
            dbl.pull_ret = cases[i].ret;
        } else if (!strcmp(on, "pull_never")) {
            dbl.pull_never = true;
        } else {
            dbl.refuse_on = on;
            dbl.refuse_all = true;
            dbl.refuse_item = cases[i].item;
            dbl.refuse_action = cases[i].action;
            dbl.refuse_ret = cases[i].ret;
            dbl.refuse_type = cases[i].type;
            dbl.refuse_msg = "nope";
        }
        tflow_parse(&t, ipv4_key, "2", 100 + i);
        res = put(&t);
        print_message("case %zu (%s): %s\n", i, on, res.reason.msg);
        /* The partial offload is refused the same way. */
        assert_int_not_equal(res.error, 0);
        assert_false(res.partial);
        assert_int_equal(res.reason.code, cases[i].ret == -ENOSPC
                                              ? OFFLOAD_R_TABLE_FULL
                                              : OFFLOAD_R_DEVICE);
        const char *partial = strstr(res.reason.msg, "; partial offload: ");
        assert_non_null(partial);
        assert_int_equal((size_t) (partial - res.reason.msg),
                         strlen(cases[i].msg));
        assert_memory_equal(res.reason.msg, cases[i].msg,
                            strlen(cases[i].msg));
        /* The full attempt: exactly these calls, then the partial ones
         * (MARK + RSS, MARK + QUEUE) the same way. */
        if (strncmp(ops_seen(), cases[i].ops, strlen(cases[i].ops))) {
            fail_msg("calls: %s", ops_seen());
        }
        assert_int_equal(n_calls("validate") + n_calls("create"), 0);
        /* Completions never pulled stay in the double's queue (a device
         * would hand them out later, to be dropped). */
        if (!dbl.push_ret && !dbl.pull_ret && !dbl.pull_never) {
            assert_int_equal(dbl.n_ops, 0);
        }
        dbl.pull_never = false;
        dbl.pull_ret = 0;
        dbl.push_ret = 0;
        assert_nothing_left();
        tflow_destroy(&t);
    }
}

/* Completions of operations given up on (none came in time) that turn
 * up later are told apart from the awaited one by their token. */
static void
test_stale_completions(void **state)
{
    struct offload_put_result res;
    struct tflow t;

    rtf_tpl_set_patience(100);
    tflow_parse(&t, ipv4_key, "userspace(pid=1)", 1);
    dbl.pull_never = true;
    res = put(&t);
    assert_int_not_equal(res.error, 0);
    /* The abandoned creations and removals wait in the queue. */
    assert_true(dbl.n_ops >= 2);
    size_t stale = dbl.n_ops;
    dbl.pull_never = false;
    dbl.n_calls = 0;
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_true(res.partial);
    assert_string_equal(ops_seen(), "pattern_template actions_template "
                                    "table async_create push pull");
    /* One pull brought the stale completions and the rule's. */
    char n[16];
    snprintf(n, sizeof n, "%zu", stale + 1);
    assert_string_equal(nth_call("pull", 0)->text, n);
    assert_int_equal(dbl.n_ops, 0);
    assert_int_equal(dbl.live_rules, 1);
    tflow_destroy(&t);
}

/* A table takes 4096 rules; the next rule of its shape is refused as
 * table-full (and goes in partially, through a table of its own). */
static void
test_table_full(void **state)
{
    struct offload_put_result res;
    struct tflow t;

    tflow_parse(&t, ipv4_key, "2", 0);
    dbl.no_record = true;
    for (uint32_t i = 0; i < 4096; i++) {
        t.of.ufid.u32[0] = 1000 + i;
        res = put(&t);
        assert_int_equal(res.error, 0);
        assert_false(res.partial);
    }
    dbl.no_record = false;
    assert_int_equal(n_live('t'), 1);
    assert_int_equal(dbl.live_rules, 4096);
    dbl.n_calls = 0;
    t.of.ufid.u32[0] = 999;
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_true(res.partial);
    assert_string_equal(res.reason.msg,
                        "rteflow: template table full: 4096/4096");
    assert_int_equal(n_calls("async_create"), 1);
    assert_non_null(strstr(nth_call("async_create", 0)->text, "mark id="));
    /* Tear-down removes 4097 rules. */
    dbl.no_record = true;
    tflow_destroy(&t);
}

/* A table the port had already stays when a rule of it is refused; the
 * put's refusal of its full offload is the reason of its partial one. */
static void
test_refusal_keeps_table(void **state)
{
    struct offload_put_result res;
    struct tflow t;

    tflow_parse(&t, ipv4_key, "2", 1);
    res = put(&t);
    assert_int_equal(res.error, 0);
    dbl.n_calls = 0;
    dbl.refuse_on = "async_create";
    dbl.refuse_action = RTE_FLOW_ACTION_TYPE_PORT_ID;
    dbl.refuse_ret = -ENOTSUP;
    dbl.refuse_type = RTE_FLOW_ERROR_TYPE_ACTION_CONF;
    dbl.refuse_msg = "port 7 unreachable";
    t.of.ufid.u32[0] = 2;
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_true(res.partial);
    assert_string_equal(res.reason.msg,
                        "rteflow: PMD refused: port 7 unreachable (type 15, "
                        "at action 1: port_id)");
    /* The full rule's table stays; the partial rule got its own. */
    assert_int_equal(n_calls("table_destroy"), 0);
    assert_int_equal(n_live('t'), 2);
    assert_string_equal(nth_call("actions_template", 0)->text,
                        "ingress mark / rss / end masks mark / rss / end");
    assert_string_equal(nth_call("async_create", 1)->text,
                        "ingress pattern eth type=0x0800 / ipv4 "
                        "dst=192.0.2.2 / end actions mark id=1 / rss level=0 "
                        "types=0x3afbc queues=0,1 / end");
    assert_int_equal(dbl.live_rules, 2);
    tflow_destroy(&t);
}

/* Partial offload of a template port: MARK + RSS through templates, then
 * MARK + QUEUE where RSS is refused. */
static void
test_partial(void **state)
{
    struct offload_put_result res;
    struct offload_ufid u;
    struct tflow t;

    tflow_parse(&t, "in_port(1),eth(),eth_type(0x0800),ipv4(proto=17)",
                "userspace(pid=1)", 7);
    dbl.refuse_on = "actions_template";
    dbl.refuse_action = RTE_FLOW_ACTION_TYPE_RSS;
    dbl.refuse_ret = -ENOTSUP;
    dbl.refuse_type = RTE_FLOW_ERROR_TYPE_ACTION;
    dbl.refuse_msg = "no rss";
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_true(res.partial);
    assert_string_equal(res.reason.msg,
                        "rteflow: action userspace cannot be offloaded");
    assert_string_equal(ops_seen(),
                        "pattern_template actions_template "
                        "pattern_template_destroy pattern_template "
                        "actions_template table async_create push pull");
    assert_string_equal(nth_call("actions_template", 1)->text,
                        "ingress mark / queue / end masks mark / queue / "
                        "end");
    assert_string_equal(nth_call("async_create", 0)->text,
                        "ingress pattern eth type=0x0800 / ipv4 proto=17 / "
                        "udp / end actions mark id=1 / queue index=0 / end");
    assert_true(rtf_mark_to_ufid(1, &u));
    assert_int_equal(u.u32[0], 7);
    assert_int_equal(n_live('t'), 1);
    tflow_destroy(&t);
}

/* An eswitch port's rules: templates and table on the transfer proxy,
 * shared by the proxy's ports. */
static void
test_transfer(void **state)
{
    struct offload_put_result res;
    struct tflow t, t2;
    char line[200];

    tflow_parse(&t, "in_port(3),eth(),eth_type(0x0800)", "4", 8);
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_string_equal(ops_seen(), "pattern_template actions_template "
                                    "table async_create push pull");
    for (size_t i = 0; i < dbl.n_calls; i++) {
        assert_int_equal(dbl.calls[i].port_id, 2);
    }
    assert_string_equal(nth_call("pattern_template", 0)->text,
                        "transfer pattern represented_port port_id=65535 / "
                        "eth type=0xffff / ipv4 / end actions end");
    assert_string_equal(nth_call("actions_template", 0)->text,
                        "transfer count / represented_port / end masks "
                        "count / represented_port / end");
    assert_string_equal(nth_call("async_create", 0)->text,
                        "transfer pattern represented_port port_id=3 / eth "
                        "type=0x0800 / ipv4 / end actions count / "
                        "represented_port port_id=4 / end");
    rtf_provider_class.port_describe(port_by_odp(3), line, sizeof line);
    assert_string_equal(line, "dpdk port 3, transfer via port 2 (switch "
                              "domain 7), template API (template API "
                              "offered), 1 rules, 1 template tables");

    /* rep1's flow of that shape goes into the same table. */
    dbl.n_calls = 0;
    tflow_parse(&t2, "in_port(4),eth(),eth_type(0x0800)", "3", 9);
    res = put(&t2);
    assert_int_equal(res.error, 0);
    assert_string_equal(ops_seen(), "async_create push pull");

    /* rep0 goes: its rule, not rep1's; the table stays for rep1. */
    dbl.n_calls = 0;
    rtf_provider_class.port_del(port_by_odp(3));
    port_by_odp(3)->provider = NULL;
    assert_string_equal(ops_seen(), "async_destroy push pull");
    assert_int_equal(n_live('t'), 1);
    /* rep1 goes: the table and its templates with it. */
    dbl.n_calls = 0;
    rtf_provider_class.port_del(port_by_odp(4));
    port_by_odp(4)->provider = NULL;
    assert_string_equal(ops_seen(),
                        "async_destroy push pull table_destroy "
                        "actions_template_destroy pattern_template_destroy");
    assert_nothing_left();
    tflow_destroy(&t);
    tflow_destroy(&t2);
}

/* Port deletion and flush destroy the rules one by one, then the tables
 * and templates; flush() does not call rte_flow_flush() on template
 * devices. */
static void
test_port_del_flush(void **state)
{
    struct offload_put_result res;
    struct offload_stats st;
    struct tflow t, t2;
    int err;

    tflow_parse(&t, ipv4_key, "2", 1);
    res = put(&t);
    assert_int_equal(res.error, 0);
    dbl.n_calls = 0;
    rtf_provider_class.port_del(port_by_odp(1));
    port_by_odp(1)->provider = NULL;
    assert_string_equal(ops_seen(),
                        "async_destroy push pull table_destroy "
                        "actions_template_destroy pattern_template_destroy");
    assert_nothing_left();
    const struct offload_port *pp = t.of.in_port;
    rtf_provider_class.flow_stats(NULL, &pp, &res.handle, 1, &st, &err);
    assert_int_equal(err, ENOENT);
    tflow_destroy(&t);

    tflow_parse(&t, "in_port(2),eth(),eth_type(0x0800)", "14", 2);
    res = put(&t);
    assert_int_equal(res.error, 0);
    tflow_parse(&t2, "in_port(3),eth(),eth_type(0x0800)", "4", 3);
    res = put(&t2);
    assert_int_equal(res.error, 0);
    assert_int_equal(n_live('t'), 2);
    dbl.n_calls = 0;
    rtf_provider_class.flush(NULL);
    assert_int_equal(n_calls("flush"), 0);
    assert_int_equal(n_calls("async_destroy"), 2);
    assert_int_equal(n_calls("table_destroy"), 2);
    assert_nothing_left();
    pp = t.of.in_port;
    rtf_provider_class.flow_stats(NULL, &pp, &res.handle, 1, &st, &err);
    assert_int_equal(err, ENOENT);
    /* The ports stay on the template API: the next flow makes its table
     * again. */
    dbl.n_calls = 0;
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_string_equal(ops_seen(), "pattern_template actions_template "
                                    "table async_create push pull");
    tflow_destroy(&t);
    tflow_destroy(&t2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_api_choice, setup_template,
                                        teardown_template),
        cmocka_unit_test_setup_teardown(test_configure_fails, setup_template,
                                        teardown_template),
        cmocka_unit_test_setup_teardown(test_tables, setup_template,
                                        teardown_template),
        cmocka_unit_test_setup_teardown(test_failures, setup_template,
                                        teardown_template),
        cmocka_unit_test_setup_teardown(test_stale_completions, setup_template,
                                        teardown_template),
        cmocka_unit_test_setup_teardown(test_table_full, setup_template,
                                        teardown_template),
        cmocka_unit_test_setup_teardown(test_refusal_keeps_table,
                                        setup_template, teardown_template),
        cmocka_unit_test_setup_teardown(test_partial, setup_template,
                                        teardown_template),
        cmocka_unit_test_setup_teardown(test_transfer, setup_template,
                                        teardown_template),
        cmocka_unit_test_setup_teardown(test_port_del_flush, setup_template,
                                        teardown_template),
    };
    return cmocka_run_group_tests_name("rteflow-template", tests, NULL, NULL);
}
#endif /* HAVE_DPDK */
