/* Unit tests for the dpif client layer (softpath/dpif.c): the registry of
 * datapath types, "type@name" names, the checks every call gets before a
 * provider sees it, ufids, and the dump-flows text of a flow.
 *
 * The provider here is a test double that records what reaches it; the
 * real datapaths have their own tests. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util.h"
#include "softpath/dpif-provider.h"
#include "softpath/odp.h"

/* The double: one datapath, counts of what reached it. */
static int n_opened, n_puts, n_port_adds, n_executes;
static struct dpif the_dpif;

static int
fake_open(const struct dpif_class *c, const char *name, bool create,
          struct dpif **dpifp, char **errp NF_UNUSED)
{
    if (!create && strcmp(name, "dp0")) {
        return ENODEV;
    }
    dpif_init_base(&the_dpif, c, name);
    *dpifp = &the_dpif;
    n_opened++;
    return 0;
}

static void
fake_close(struct dpif *dpif)
{
    dpif_uninit_base(dpif);
}

static int
fake_put(struct dpif *dpif NF_UNUSED, const struct dpif_flow_put *put,
         char **errp NF_UNUSED)
{
    /* The client layer always names the flow. */
    assert_non_null(put->ufid);
    n_puts++;
    return 0;
}

static int
fake_port_add(struct dpif *dpif NF_UNUSED, const char *name NF_UNUSED,
              const char *type NF_UNUSED, const char *options NF_UNUSED,
              uint32_t *port_no, char **errp NF_UNUSED)
{
    if (*port_no == DPIF_PORT_ANY) {
        *port_no = 7;
    }
    n_port_adds++;
    return 0;
}

static int
fake_execute(struct dpif *dpif NF_UNUSED,
             const struct dpif_execute *e NF_UNUSED, char **errp NF_UNUSED)
{
    n_executes++;
    return 0;
}

static int
fake_enumerate(struct dpif_names *names)
{
    names->names = xmalloc(sizeof *names->names);
    names->names[0] = xstrdup("dp0");
    names->n = 1;
    return 0;
}

static const struct dpif_class fake_class = {
    .type = "fake",
    .open = fake_open,
    .close = fake_close,
    .enumerate = fake_enumerate,
    .port_add = fake_port_add,
    .flow_put = fake_put,
    .execute = fake_execute,
};

static int
setup(void **state NF_UNUSED)
{
    static bool registered;
    if (!registered) {
        assert_int_equal(dpif_register_class(&fake_class), 0);
        registered = true;
    }
    n_opened = n_puts = n_port_adds = n_executes = 0;
    return 0;
}

static void
test_registry_and_names(void **state NF_UNUSED)
{
    struct dpif *dpif;
    struct dpif_names names;
    char *err = NULL;

    assert_int_equal(dpif_register_class(&fake_class), EEXIST);

    /* "type@name" picks the type; an unknown type says which exist. */
    assert_int_equal(dpif_open("fake@dp0", NULL, false, &dpif, &err), 0);
    assert_string_equal(dpif_type(dpif), "fake");
    assert_string_equal(dpif_name(dpif), "dp0");
    dpif_close(dpif);
    assert_int_equal(dpif_open("nosuch@dp0", NULL, false, &dpif, &err),
                     EAFNOSUPPORT);
    assert_non_null(strstr(err, "nosuch: unknown datapath type"));
    free(err);
    assert_int_equal(dpif_open("dp1", "fake", false, &dpif, NULL), ENODEV);

    /* Bad names never reach the provider. */
    assert_int_equal(dpif_open("fake@a/b", NULL, true, &dpif, &err), EINVAL);
    free(err);
    assert_int_equal(
        dpif_open("fake@0123456789abcdef", NULL, true, &dpif, &err), EINVAL);
    free(err);
    assert_int_equal(n_opened, 1);

    assert_int_equal(dpif_enumerate(&names), 0);
    assert_int_equal(names.n, 1);
    assert_string_equal(names.names[0], "fake@dp0");
    dpif_names_free(&names);
}

static void
test_checks(void **state NF_UNUSED)
{
    struct dpif *dpif;
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER;
    char *err = NULL;
    uint32_t port_no = DPIF_PORT_ANY;

    assert_int_equal(dpif_open("fake@dp0", NULL, false, &dpif, NULL), 0);

    /* Ports: names and numbers are checked. */
    assert_int_equal(dpif_port_add(dpif, "p1", NULL, NULL, &port_no, &err), 0);
    assert_int_equal(port_no, 7);
    port_no = 65280;
    assert_int_equal(dpif_port_add(dpif, "p2", NULL, NULL, &port_no, &err),
                     EINVAL);
    assert_non_null(strstr(err, "65279"));
    free(err);
    port_no = DPIF_PORT_ANY;
    assert_int_equal(
        dpif_port_add(dpif, "bad name", NULL, NULL, &port_no, &err), EINVAL);
    free(err);
    assert_int_equal(dpif_port_del(dpif, DPIF_PORT_LOCAL, &err), EINVAL);
    free(err);
    assert_int_equal(n_port_adds, 1);

    /* Port options: malformed lists never reach the provider. */
    assert_int_equal(
        dpif_port_add(dpif, "p3", NULL, "a=1,b=2", &port_no, &err), 0);
    assert_int_equal(n_port_adds, 2);
    assert_int_equal(
        dpif_port_add(dpif, "p4", NULL, "a=1,a=2", &port_no, &err), EINVAL);
    assert_string_equal(err, "duplicate \"a\" option");
    free(err);
    assert_int_equal(dpif_port_add(dpif, "p4", NULL, "a", &port_no, &err),
                     EINVAL);
    assert_string_equal(err, "\"a\": a port option is key=value");
    free(err);
    assert_int_equal(dpif_port_add(dpif, "p4", NULL, "=1", &port_no, &err),
                     EINVAL);
    free(err);
    assert_int_equal(n_port_adds, 2);
    /* A type without port_set_config accepts no options but an empty
     * set. */
    err = NULL;
    assert_int_equal(dpif_port_set_config(dpif, 7, "", &err), 0);
    assert_int_equal(dpif_port_set_config(dpif, 7, NULL, &err), 0);
    assert_null(err);
    assert_int_equal(dpif_port_set_config(dpif, 7, "a=1", &err), EOPNOTSUPP);
    assert_non_null(strstr(err, "datapath type fake has no port options"));
    free(err);

    /* Meters: a type without them says so. */
    struct dpif_meter_config mc = { .flags = DPIF_METER_PKTPS, .n_bands = 1 };
    struct dpif_meter_features mf;
    struct dpif_meter_stats ms;
    mc.bands[0] = (struct dpif_meter_band){ DPIF_METER_BAND_DROP, 10, 0 };
    dpif_meter_get_features(dpif, &mf);
    assert_int_equal(mf.max_meters, 0);
    assert_int_equal(dpif_meter_set(dpif, 1, &mc, &err), EOPNOTSUPP);
    assert_non_null(strstr(err, "datapath type fake has no meters"));
    free(err);
    assert_int_equal(dpif_meter_get(dpif, 1, &ms), EOPNOTSUPP);
    assert_int_equal(dpif_meter_del(dpif, 1, NULL), EOPNOTSUPP);

    /* Flows: a good one passes. */
    assert_int_equal(odp_flow_from_string("in_port(1),eth(),eth_type(0x0800),"
                                          "ipv4(src=10.0.0.1,frag=no)",
                                          &key, &mask, &err),
                     0);
    assert_int_equal(odp_actions_from_string("2", &acts, &err), 0);
    struct dpif_flow_put put = {
        .flags = DPIF_FP_CREATE,
        .key = key.data,
        .key_len = key.len,
        .mask = mask.data,
        .mask_len = mask.len,
        .actions = acts.data,
        .actions_len = acts.len,
    };
    assert_int_equal(dpif_flow_put(dpif, &put, &err), 0);
    assert_int_equal(n_puts, 1);

    /* No create or modify flag. */
    put.flags = 0;
    assert_int_equal(dpif_flow_put(dpif, &put, &err), EINVAL);
    free(err);
    put.flags = DPIF_FP_CREATE;

    /* A truncated key. */
    put.key_len = key.len - 2;
    assert_int_equal(dpif_flow_put(dpif, &put, &err), EINVAL);
    assert_non_null(strstr(err, "bad flow key"));
    free(err);
    put.key_len = key.len;

    /* Truncated actions. */
    put.actions_len = acts.len - 1;
    assert_int_equal(dpif_flow_put(dpif, &put, &err), EINVAL);
    assert_non_null(strstr(err, "bad actions"));
    free(err);
    put.actions_len = acts.len;

    /* A mask that does not decode. */
    struct buf m2 = BUF_INITIALIZER, k2 = BUF_INITIALIZER;
    put.mask_len = 3;
    assert_int_equal(dpif_flow_put(dpif, &put, &err), EINVAL);
    assert_non_null(strstr(err, "bad flow mask"));
    free(err);
    put.mask_len = mask.len;
    assert_int_equal(n_puts, 1);

    /* Execute checks its actions too. */
    struct dpif_execute ex = { .packet = NULL,
                               .in_port = 1,
                               .actions = acts.data,
                               .actions_len = acts.len - 1 };
    assert_int_equal(dpif_execute(dpif, &ex, &err), EINVAL);
    free(err);
    ex.actions_len = acts.len;
    assert_int_equal(dpif_execute(dpif, &ex, &err), 0);
    assert_int_equal(n_executes, 1);

    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&k2);
    buf_destroy(&m2);
    buf_destroy(&acts);
    dpif_close(dpif);
}

static void
test_ufid_and_format(void **state NF_UNUSED)
{
    static const char *const line =
        "recirc_id(0),in_port(1),eth(),eth_type(0x0800),"
        "ipv4(src=172.31.110.4,dst=172.31.110.5)";
    struct dpif_flow f;
    struct dpif_ufid u1, u2;
    struct buf text = BUF_INITIALIZER;
    char *err = NULL;

    memset(&f, 0, sizeof f);
    assert_int_equal(odp_flow_from_string(line, &f.key, &f.mask, &err), 0);
    assert_int_equal(odp_actions_from_string("2", &f.actions, &err), 0);

    /* The ufid of a key is stable and differs for another key. */
    dpif_ufid_from_key(f.key.data, f.key.len, &u1);
    dpif_ufid_from_key(f.key.data, f.key.len, &u2);
    assert_memory_equal(&u1, &u2, sizeof u1);
    dpif_ufid_from_key(f.key.data, f.key.len - 4, &u2);
    assert_memory_not_equal(&u1, &u2, sizeof u1);

    /* The line Open vSwitch 3.1 prints for this flow, unused. */
    dpif_flow_format(&f, false, &text);
    assert_string_equal(buf_cstr(&text),
                        "recirc_id(0),in_port(1),eth(),eth_type(0x0800),"
                        "ipv4(src=172.31.110.4,dst=172.31.110.5), "
                        "packets:0, bytes:0, used:never, actions:2");

    /* Used, with TCP flags, and the ufid in front with -m. */
    buf_clear(&text);
    f.stats.n_packets = 3;
    f.stats.n_bytes = 180;
    f.stats.used = nf_time_msec() - 1500;
    f.stats.tcp_flags = 0x12; /* SYN, ACK */
    f.ufid = (struct dpif_ufid){ { 0x01234567, 0x89abcdef, 0x01234567,
                                   0x89abcdef } };
    dpif_flow_format(&f, true, &text);
    assert_non_null(strstr(buf_cstr(&text),
                           "ufid:01234567-89ab-cdef-0123-456789abcdef, "));
    assert_non_null(strstr(buf_cstr(&text), "packets:3, bytes:180, used:1."));
    assert_non_null(strstr(buf_cstr(&text), ", flags:S., actions:2"));

    buf_destroy(&text);
    dpif_flow_destroy(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_registry_and_names, setup),
        cmocka_unit_test_setup(test_checks, setup),
        cmocka_unit_test_setup(test_ufid_and_format, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
