/* Unit tests for the HAL plugin loader and the "hal" provider
 * (offload/hal.c, offload/hal-map.c) with the sample plugin of
 * examples/hal-sample and two broken plugins (tests/unit/hal-bad-plugin.c),
 * whose paths the build passes as HAL_*_SO.
 *
 * Ports come from the offload manager (so that output actions find them
 * with offload_port_lookup()); flows are handed to the provider's calls
 * directly, and what the sample device received is read back through the
 * sample's nicflow_hal_sample_table(). */
#include <dlfcn.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "lib/evloop.h"
#include "lib/flow.h"
#include "lib/util.h"
#include "offload/hal.h"
#include "offload/offload-private.h"
#include "offload/offload.h"
#include "softpath/odp.h"

static struct evloop *loop;

/* Starts the manager with "hal" as the only provider and ports p1, p2
 * (odp 1, 2) and x9 (odp 9, not a port of the sample device). */
static void
start_manager(void)
{
    struct offload_config c;
    char *err = NULL;

    loop = evloop_create();
    offload_init(loop);
    int error = offload_provider_register(&offload_hal_class);
    assert_true(!error || error == EEXIST);
    offload_config_init(&c);
    c.enabled = true;
    c.priority = "hal";
    c.n_threads = 1;
    if (offload_set_config(&c, &err)) {
        fail_msg("config refused: %s", err);
    }
    offload_port_add(1, "p1", "afpacket", NULL);
    offload_port_add(2, "p2", "afpacket", NULL);
    offload_port_add(9, "x9", "afpacket", NULL);
}

static int
setup_sample(void **state NF_UNUSED)
{
    char *err = NULL;

    if (offload_hal_configure(HAL_SAMPLE_SO, "ports=p1,p2 acl=3", &err)) {
        fail_msg("sample plugin refused: %s", err);
    }
    start_manager();
    return 0;
}

static int
teardown(void **state NF_UNUSED)
{
    char *err = NULL;

    offload_exit(true);
    evloop_destroy(loop);
    loop = NULL;
    assert_int_equal(offload_hal_configure(NULL, NULL, &err), 0);
    return 0;
}

/* The ACL (FDB false) or FDB entries the sample device holds. */
static const void *
sample_table(bool fdb, size_t *n)
{
    void *dl = dlopen(HAL_SAMPLE_SO, RTLD_NOW | RTLD_NOLOAD);
    const void *(*table)(int, size_t *);

    assert_non_null(dl);
    *(void **) &table = dlsym(dl, "nicflow_hal_sample_table");
    assert_non_null(table);
    const void *t = table(fdb, n);
    dlclose(dl);
    return t;
}

/* A flow decoded as the manager would hand it to the provider. */
struct tflow {
    struct buf key, mask, acts;
    struct flow flow, flow_mask;
    struct offload_flow of;
};

static void
tflow_init(struct tflow *t, uint32_t id, const char *match,
           const char *actions)
{
    char *err = NULL;

    memset(t, 0, sizeof *t);
    buf_init(&t->key);
    buf_init(&t->mask);
    buf_init(&t->acts);
    if (odp_flow_from_string(match, &t->key, &t->mask, &err)
        || odp_actions_from_string(actions, &t->acts, &err)) {
        fail_msg("%s / %s: %s", match, actions, err);
    }
    assert_int_equal(odp_key_to_flow(t->key.data, t->key.len, &t->flow, &err),
                     0);
    assert_int_equal(
        odp_mask_to_flow(t->mask.data, t->mask.len, &t->flow_mask, &err), 0);
    t->of.ufid = (struct offload_ufid){ { id, 0x4a1, 0, 0 } };
    t->of.in_port = offload_port_lookup(t->flow.in_port);
    assert_non_null(t->of.in_port);
    t->of.key = t->key.data;
    t->of.key_len = t->key.len;
    t->of.mask = t->mask.data;
    t->of.mask_len = t->mask.len;
    t->of.actions = t->acts.data;
    t->of.actions_len = t->acts.len;
    t->of.flow = &t->flow;
    t->of.flow_mask = &t->flow_mask;
}

static void
tflow_destroy(struct tflow *t)
{
    buf_destroy(&t->key);
    buf_destroy(&t->mask);
    buf_destroy(&t->acts);
}

/* Puts one flow; returns its result. */
static struct offload_put_result
put1(uint32_t id, const char *match, const char *actions)
{
    struct offload_put_result res;
    struct tflow t;

    tflow_init(&t, id, match, actions);
    offload_hal_class.flow_put(NULL, &t.of, 1, &res);
    tflow_destroy(&t);
    return res;
}

static const char *
check_reason(const char *match, const char *actions)
{
    static struct offload_reason why;
    struct tflow t;

    tflow_init(&t, 1, match, actions);
    memset(&why, 0, sizeof why);
    assert_int_not_equal(offload_hal_class.flow_check(NULL, &t.of, &why), 0);
    tflow_destroy(&t);
    return why.msg;
}

static const struct nicflow_hal_match *
find_match(const struct nicflow_hal_acl_entry *e, unsigned field)
{
    for (uint32_t i = 0; i < e->n_matches; i++) {
        if (e->matches[i].field == field) {
            return &e->matches[i];
        }
    }
    fail_msg("no match on %s", hal_field_name(field));
    return NULL;
}

/* ---------------------------------------------------------------------
 * Loading.
 * --------------------------------------------------------------------- */

static void
test_load_sample(void **state NF_UNUSED)
{
    struct buf b = BUF_INITIALIZER;
    struct offload_reason why;

    offload_hal_describe(&b);
    const char *text = buf_cstr(&b);
    assert_non_null(strstr(text, "(sample), device sample0, ABI 2\n"));
    assert_non_null(strstr(text, "  ports: p1=100 p2=101\n"));
    assert_non_null(strstr(text, "  acl: 3 entries"));
    assert_non_null(strstr(text, "    template 1 ipv4-5tuple: in_port/32 "
                                 "eth_type/16 ipv4_src/32 ipv4_dst/32 "
                                 "ip_proto/8 ip_frag/2 l4_src/16 "
                                 "l4_dst/16 (2 x 16)\n"));
    assert_non_null(strstr(text, "    template 2 ipv6-dst64: in_port/32 "
                                 "eth_type/16 ipv6_dst/64"));
    assert_non_null(strstr(text, "  fdb: yes\n  counters: no\n  meters: no"));
    buf_destroy(&b);

    /* The port map decides which ports the provider takes. */
    assert_ptr_equal(offload_port_lookup(1)->provider, &offload_hal_class);
    assert_ptr_equal(offload_port_lookup(2)->provider, &offload_hal_class);
    assert_null(offload_port_lookup(9)->provider);
    assert_int_equal(
        offload_hal_class.port_probe(offload_port_lookup(9), &why), ENODEV);
    assert_string_equal(why.msg, "hal: x9 is not a port of sample0");

    /* The same plugin and args again change nothing. */
    char *err = NULL;
    assert_int_equal(
        offload_hal_configure(HAL_SAMPLE_SO, "ports=p1,p2 acl=3", &err), 0);
    assert_null(err);
}

/* Configures PATH, expects the error EXPECT, and checks that the provider
 * then refuses ports with it. */
static void
expect_load_error(const char *path, const char *expect)
{
    struct offload_reason why;
    char reason[512];
    char *err = NULL;

    assert_int_not_equal(offload_hal_configure(path, "ports=p1", &err), 0);
    assert_non_null(err);
    assert_string_equal(err, expect);
    free(err);

    start_manager();
    assert_null(offload_port_lookup(1)->provider);
    assert_int_not_equal(
        offload_hal_class.port_probe(offload_port_lookup(1), &why), 0);
    snprintf(reason, sizeof reason, "hal: %s", expect);
    assert_string_equal(why.msg, reason);

    /* The flows of the port stay in software, with the reason. */
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER, st = BUF_INITIALIZER;
    struct offload_ufid u = { { 77, 0, 0, 0 } };
    assert_int_equal(odp_flow_from_string("in_port(1),eth(),eth_type(0x0800)",
                                          &key, &mask, NULL),
                     0);
    assert_int_equal(odp_actions_from_string("2", &acts, NULL), 0);
    offload_flow_put(&u, key.data, key.len, mask.data, mask.len, acts.data,
                     acts.len);
    offload_format_flow_status(&u, "softpath", &st);
    assert_non_null(strstr(buf_cstr(&st), "offloaded:no, dp:softpath"));
    assert_non_null(strstr(buf_cstr(&st), expect));
    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&acts);
    buf_destroy(&st);
}

static void
test_bad_abi(void **state NF_UNUSED)
{
    expect_load_error(HAL_BAD_ABI_SO,
                      "hal-plugin " HAL_BAD_ABI_SO
                      ": ABI version 3, this nicflow speaks 2");
}

static void
test_no_entry(void **state NF_UNUSED)
{
    expect_load_error(HAL_NO_ENTRY_SO, "hal-plugin " HAL_NO_ENTRY_SO
                                       ": no symbol nicflow_hal_entry");
}

static void
test_missing_plugin(void **state NF_UNUSED)
{
    expect_load_error("/nonexistent/hal.so",
                      "hal-plugin /nonexistent/hal.so: cannot load: "
                      "/nonexistent/hal.so: cannot open shared object file: "
                      "No such file or directory");
}

static void
test_no_plugin(void **state NF_UNUSED)
{
    struct offload_reason why;

    start_manager();
    assert_null(offload_port_lookup(1)->provider);
    assert_int_equal(
        offload_hal_class.port_probe(offload_port_lookup(1), &why), ENODEV);
    assert_string_equal(why.msg,
                        "hal: no plugin loaded (other_config:hal-plugin)");
}

/* ---------------------------------------------------------------------
 * Flows.
 * --------------------------------------------------------------------- */

static void
test_five_tuple_to_acl(void **state NF_UNUSED)
{
    struct offload_put_result res =
        put1(1,
             "in_port(1),eth(),eth_type(0x0800),"
             "ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6),tcp(src=1000,dst=80)",
             "push_vlan(vid=5,pcp=0),2");
    assert_int_equal(res.error, 0);

    size_t n;
    const struct nicflow_hal_acl_entry *e = sample_table(false, &n);
    assert_int_equal(n, 1);
    assert_int_equal(e->id, res.handle);
    assert_int_equal(e->template_id, 1);

    const struct nicflow_hal_match *m = find_match(e, NICFLOW_HAL_F_IN_PORT);
    static const uint8_t port100[4] = { 0, 0, 0, 100 };
    assert_memory_equal(m->value, port100, 4);
    m = find_match(e, NICFLOW_HAL_F_IPV4_DST);
    static const uint8_t dst[4] = { 10, 0, 0, 2 },
                         ones[4] = { 255, 255, 255, 255 };
    assert_memory_equal(m->value, dst, 4);
    assert_memory_equal(m->mask, ones, 4);
    m = find_match(e, NICFLOW_HAL_F_IP_PROTO);
    assert_int_equal(m->value[0], 6);
    m = find_match(e, NICFLOW_HAL_F_L4_DST);
    assert_int_equal(m->value[0] << 8 | m->value[1], 80);
    m = find_match(e, NICFLOW_HAL_F_ETH_TYPE);
    assert_int_equal(m->value[0] << 8 | m->value[1], 0x0800);

    assert_int_equal(e->n_actions, 2);
    assert_int_equal(e->actions[0].type, NICFLOW_HAL_A_VLAN_PUSH);
    assert_int_equal(e->actions[0].tpid, 0x8100);
    assert_int_equal(e->actions[0].tci, 5);
    assert_int_equal(e->actions[1].type, NICFLOW_HAL_A_REDIRECT);
    assert_int_equal(e->actions[1].arg, 101);

    /* Deleted: gone from the device; a second time ENOENT. */
    const struct offload_port *ports[1] = { offload_port_lookup(1) };
    struct offload_ufid u = { { 1, 0x4a1, 0, 0 } };
    struct offload_stats stats;
    int error;
    offload_hal_class.flow_del(NULL, ports, &u, &res.handle, 1, &stats,
                               &error);
    assert_int_equal(error, 0);
    sample_table(false, &n);
    assert_int_equal(n, 0);
    offload_hal_class.flow_del(NULL, ports, &u, &res.handle, 1, &stats,
                               &error);
    assert_int_equal(error, ENOENT);
}

static void
test_actions(void **state NF_UNUSED)
{
    struct offload_put_result res =
        put1(2, "in_port(1),eth(),eth_type(0x0800),ipv4(dst=10.0.0.9)",
             "set(ipv4(src=1.2.3.4)),1,2");
    assert_int_equal(res.error, 0);

    size_t n;
    const struct nicflow_hal_acl_entry *e = sample_table(false, &n);
    assert_int_equal(n, 1);
    /* The set of the source alone (a masked set), a copy to p1 and the
     * packet to p2. */
    assert_int_equal(e->n_actions, 3);
    assert_int_equal(e->actions[0].type, NICFLOW_HAL_A_SET_FIELD);
    assert_int_equal(e->actions[0].field, NICFLOW_HAL_F_IPV4_SRC);
    static const uint8_t src[4] = { 1, 2, 3, 4 };
    assert_memory_equal(e->actions[0].value, src, 4);
    assert_int_equal(e->actions[1].type, NICFLOW_HAL_A_MIRROR);
    assert_int_equal(e->actions[1].arg, 100);
    assert_int_equal(e->actions[2].type, NICFLOW_HAL_A_REDIRECT);
    assert_int_equal(e->actions[2].arg, 101);

    /* A drop is an entry without a redirect. */
    res = put1(3, "in_port(1),eth(),eth_type(0x0800),ipv4(dst=10.0.0.8)",
               "drop");
    assert_int_equal(res.error, 0);
    e = sample_table(false, &n);
    assert_int_equal(n, 2);
    assert_int_equal(e[1].n_actions, 0);
}

static void
test_l2_forward_to_fdb(void **state NF_UNUSED)
{
    struct offload_put_result res =
        put1(4, "in_port(1),eth(dst=00:00:00:00:00:02)", "2");
    assert_string_equal(res.reason.msg, "");
    assert_int_equal(res.error, 0);

    size_t n_acl, n;
    sample_table(false, &n_acl);
    assert_int_equal(n_acl, 0);
    const struct nicflow_hal_fdb_entry *f = sample_table(true, &n);
    assert_int_equal(n, 1);
    static const uint8_t mac[6] = { 0, 0, 0, 0, 0, 2 };
    assert_memory_equal(f->mac, mac, 6);
    assert_int_equal(f->vid, 0);
    assert_int_equal(f->chip_port, 101);

    /* The same destination from p2 shares the entry... */
    struct offload_put_result res2 =
        put1(5, "in_port(2),eth(dst=00:00:00:00:00:02)", "2");
    assert_int_equal(res2.error, 0);
    sample_table(true, &n);
    assert_int_equal(n, 1);
    /* ...which goes when the last flow using it goes. */
    const struct offload_port *ports[2] = { offload_port_lookup(1),
                                            offload_port_lookup(2) };
    struct offload_ufid u[2] = { { { 4, 0x4a1, 0, 0 } },
                                 { { 5, 0x4a1, 0, 0 } } };
    uint64_t handles[2] = { res.handle, res2.handle };
    struct offload_stats stats[2];
    int errors[2];
    offload_hal_class.flow_del(NULL, ports, u, handles, 1, stats, errors);
    assert_int_equal(errors[0], 0);
    sample_table(true, &n);
    assert_int_equal(n, 1);
    offload_hal_class.flow_del(NULL, ports + 1, u + 1, handles + 1, 1, stats,
                               errors);
    assert_int_equal(errors[0], 0);
    sample_table(true, &n);
    assert_int_equal(n, 0);

    /* A tagged forward goes in with its VLAN. */
    res = put1(6,
               "in_port(1),eth(dst=00:00:00:00:00:03),eth_type(0x8100),"
               "vlan(vid=7)",
               "1");
    assert_string_equal(res.reason.msg, "");
    assert_int_equal(res.error, 0);
    f = sample_table(true, &n);
    assert_int_equal(n, 1);
    assert_int_equal(f->vid, 7);
    assert_int_equal(f->chip_port, 100);
}

static void
test_refusals(void **state NF_UNUSED)
{
    assert_string_equal(
        check_reason("in_port(1),eth(),eth_type(0x0800),ipv4(dst=10.0.0.1)",
                     "userspace(pid=1)"),
        "hal: action userspace cannot be offloaded");
    assert_string_equal(check_reason("in_port(1),eth(),eth_type(0x0800),"
                                     "ipv4(dst=10.0.0.1,tos=0x10)",
                                     "2"),
                        "hal: no key template covers ip_tos");
    /* The IPv6 template holds /64 destinations only. */
    assert_string_equal(
        check_reason("in_port(1),eth(),eth_type(0x86dd),ipv6(dst=::2)", "2"),
        "hal: no key template covers ipv6_dst/128");
    assert_string_equal(
        check_reason("in_port(1),eth(),eth_type(0x0800),ipv4(dst=10.0.0.1)",
                     "9"),
        "hal: output to port 9: not a port of sample0");
    assert_string_equal(
        check_reason("in_port(1),eth(),eth_type(0x0800),ipv4(dst=10.0.0.1)",
                     "set(tcp(src=22)),2"),
        "hal: action set(tcp) cannot be offloaded");
    assert_string_equal(
        check_reason("in_port(1),eth(),eth_type(0x0800),ipv4(dst=10.0.0.1)",
                     "2,pop_vlan,1"),
        "hal: action pop_vlan after an output cannot be offloaded");
    /* The sample takes no POLICE: a metered flow stays in software (the
     * simulated eswitch polices, t-nicflowd-halsim.sh). */
    assert_string_equal(
        check_reason("in_port(1),eth(),eth_type(0x0800),ipv4(dst=10.0.0.1)",
                     "meter(3),2"),
        "hal: action meter cannot be offloaded");

    /* A /64 destination fits the IPv6 template. */
    struct offload_put_result res =
        put1(8,
             "in_port(1),eth(),eth_type(0x86dd),"
             "ipv6(dst=2001:db8::/ffff:ffff:ffff:ffff::)",
             "2");
    assert_int_equal(res.error, 0);
    size_t n;
    const struct nicflow_hal_acl_entry *e = sample_table(false, &n);
    assert_int_equal(n, 1);
    assert_int_equal(e->template_id, 2);
}

static void
test_batch_status(void **state NF_UNUSED)
{
    static const char *const actions[5] = { "2", "userspace(pid=1)", "2", "2",
                                            "2" };
    struct offload_put_result res[5];
    struct offload_flow flows[5];
    struct tflow t[5];

    for (int i = 0; i < 5; i++) {
        char match[128];

        snprintf(match, sizeof match,
                 "in_port(1),eth(),eth_type(0x0800),ipv4(dst=10.1.0.%d)", i);
        tflow_init(&t[i], 100 + i, match, actions[i]);
        flows[i] = t[i].of;
    }
    offload_hal_class.flow_put(NULL, flows, 5, res);

    /* The device holds 3 entries: the fifth flow finds it full. */
    assert_int_equal(res[0].error, 0);
    assert_int_equal(res[1].error, EOPNOTSUPP);
    assert_int_equal(res[1].reason.code, OFFLOAD_R_UNSUPPORTED_ACTION);
    assert_string_equal(res[1].reason.msg,
                        "hal: action userspace cannot be offloaded");
    assert_int_equal(res[2].error, 0);
    assert_int_equal(res[3].error, 0);
    assert_int_equal(res[4].error, ENOSPC);
    assert_int_equal(res[4].reason.code, OFFLOAD_R_TABLE_FULL);
    assert_string_equal(res[4].reason.msg,
                        "hal: sample0: sample: table full: 3/3");
    size_t n;
    sample_table(false, &n);
    assert_int_equal(n, 3);
    char line[128];
    offload_hal_class.port_describe(offload_port_lookup(1), line, sizeof line);
    assert_string_equal(line, "hal device sample0, chip port 100, 3 rules");

    /* Stats of the rules: the sample has no counters, so zeros. */
    const struct offload_port *ports[3];
    uint64_t handles[3] = { res[0].handle, res[2].handle, res[3].handle };
    struct offload_stats stats[3];
    int errors[3];
    for (int i = 0; i < 3; i++) {
        ports[i] = offload_port_lookup(1);
    }
    offload_hal_class.flow_stats(NULL, ports, handles, 3, stats, errors);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(errors[i], 0);
        assert_int_equal(stats[i].n_packets, 0);
    }

    /* port_del takes the port's rules out of the device. */
    offload_hal_class.port_del((struct offload_port *) offload_port_lookup(1));
    sample_table(false, &n);
    assert_int_equal(n, 0);
    for (int i = 0; i < 5; i++) {
        tflow_destroy(&t[i]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_load_sample, setup_sample,
                                        teardown),
        cmocka_unit_test_teardown(test_bad_abi, teardown),
        cmocka_unit_test_teardown(test_no_entry, teardown),
        cmocka_unit_test_teardown(test_missing_plugin, teardown),
        cmocka_unit_test_teardown(test_no_plugin, teardown),
        cmocka_unit_test_setup_teardown(test_five_tuple_to_acl, setup_sample,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_actions, setup_sample, teardown),
        cmocka_unit_test_setup_teardown(test_l2_forward_to_fdb, setup_sample,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup_sample, teardown),
        cmocka_unit_test_setup_teardown(test_batch_status, setup_sample,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
