/* Unit tests for the simulated eswitch ("dummy", offload/offload-dummy.c)
 * driven through the offload manager, and for the manager's small pieces
 * that need no provider: reason names, representor port names and the
 * latency histogram.
 *
 * The restart tests stop the manager without flushing (as nicflowd does
 * on a plain exit), start it again and check that the rules left in the
 * simulated device are adopted or removed as offload/README.md says.
 * Waits are bounded polls for conditions, never timing thresholds. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/evloop.h"
#include "lib/util.h"
#include "offload/offload-dummy.h"
#include "offload/offload-private.h"
#include "offload/offload.h"
#include "softpath/odp.h"

static struct evloop *loop;

#define WAIT_FOR(COND)                                       \
    do {                                                     \
        long long deadline__ = nf_time_msec() + 20000;       \
        while (!(COND)) {                                    \
            if (nf_time_msec() > deadline__) {               \
                fail_msg("timed out waiting for %s", #COND); \
            }                                                \
            evloop_run_once(loop, 2);                        \
        }                                                    \
    } while (0)

static struct offload_ufid
ufid_of(uint32_t id)
{
    return (struct offload_ufid){ { id, 0xd0d0, 0, 0x77 } };
}

static void
encode(uint32_t id, uint32_t in_port, const char *extra, const char *actions,
       struct buf *key, struct buf *mask, struct buf *acts)
{
    char text[160];

    snprintf(text, sizeof text,
             "%sin_port(%u),eth(),eth_type(0x0800),ipv4(dst=10.0.%u.%u)",
             extra, in_port, (id >> 8) & 0xff, id & 0xff);
    assert_int_equal(odp_flow_from_string(text, key, mask, NULL), 0);
    assert_int_equal(odp_actions_from_string(actions, acts, NULL), 0);
}

static void
put_extra(uint32_t id, uint32_t in_port, const char *extra,
          const char *actions)
{
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER;
    struct offload_ufid u = ufid_of(id);

    encode(id, in_port, extra, actions, &key, &mask, &acts);
    offload_flow_put(&u, key.data, key.len, mask.data, mask.len, acts.data,
                     acts.len);
    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&acts);
}

static void
put(uint32_t id, uint32_t in_port, const char *actions)
{
    put_extra(id, in_port, "", actions);
}

static enum offload_state
state_of(uint32_t id)
{
    struct offload_flow_status st;
    struct offload_ufid u = ufid_of(id);

    offload_flow_get_status(&u, &st);
    return st.state;
}

static bool
settled(uint32_t id)
{
    enum offload_state s = state_of(id);

    return s == OFFLOAD_ST_OFFLOADED || s == OFFLOAD_ST_REFUSED;
}

static const char *
status_text(uint32_t id)
{
    static char text[512];
    struct buf b = BUF_INITIALIZER;
    struct offload_ufid u = ufid_of(id);

    offload_format_flow_status(&u, "softpath", &b);
    snprintf(text, sizeof text, "%s", buf_cstr(&b));
    buf_destroy(&b);
    return text;
}

static void
config(bool enabled, unsigned n_threads, unsigned delay_ms, unsigned max,
       bool restore_wait)
{
    struct offload_config c;
    char *err = NULL;

    offload_config_init(&c);
    c.enabled = enabled;
    c.priority = "dummy";
    c.n_threads = n_threads;
    c.stats_delay_ms = delay_ms;
    c.max_rules = max;
    c.restore_wait = restore_wait;
    if (offload_set_config(&c, &err)) {
        fail_msg("config refused: %s", err);
    }
}

static unsigned n_threads_param = 1;

static int
setup(void **state)
{
    unsigned *threads = *state;

    n_threads_param = threads ? *threads : 1;
    offload_dummy_reset();
    loop = evloop_create();
    offload_init(loop);
    return 0;
}

static int
teardown(void **state NF_UNUSED)
{
    offload_exit(true);
    offload_dummy_reset();
    evloop_destroy(loop);
    loop = NULL;
    return 0;
}

/* ---------------------------------------------------------------------
 * Pieces without a provider.
 * --------------------------------------------------------------------- */

static void
test_reasons(void **state NF_UNUSED)
{
    struct offload_reason r;
    char long_name[600];

    assert_string_equal(offload_reason_code_name(OFFLOAD_R_TABLE_FULL),
                        "table-full");
    assert_string_equal(offload_reason_code_name(OFFLOAD_R_UNSUPPORTED_ACTION),
                        "unsupported-action");
    assert_string_equal(offload_reason_code_name(OFFLOAD_R_PORT_EXCLUDED),
                        "port-excluded");
    assert_string_equal(offload_reason_code_name(OFFLOAD_R__N), "unknown");
    for (int i = 0; i < OFFLOAD_R__N; i++) {
        assert_string_not_equal(offload_reason_code_name(i), "unknown");
    }

    offload_reason_set(&r, OFFLOAD_R_DEVICE, "tc: kernel: %s", "EBUSY");
    assert_int_equal(r.code, OFFLOAD_R_DEVICE);
    assert_string_equal(r.msg, "tc: kernel: EBUSY");

    /* A message longer than the buffer is cut, not overflowed. */
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    offload_reason_set(&r, OFFLOAD_R_DEVICE, "%s", long_name);
    assert_int_equal(strlen(r.msg), OFFLOAD_REASON_MSG_MAX - 1);
}

static void
test_rep_port_names(void **state NF_UNUSED)
{
    static const struct {
        const char *name;
        enum offload_port_flavour flavour;
        int pf, vf, sf;
    } cases[] = {
        { "p0", OFFLOAD_FLAVOUR_UPLINK, -1, -1, -1 },
        { "p1", OFFLOAD_FLAVOUR_UPLINK, -1, -1, -1 },
        { "pf0", OFFLOAD_FLAVOUR_PF, 0, -1, -1 },
        { "pf1vf7", OFFLOAD_FLAVOUR_VF, 1, 7, -1 },
        { "pf0sf88", OFFLOAD_FLAVOUR_SF, 0, -1, 88 },
        { "c1pf0vf2", OFFLOAD_FLAVOUR_VF, 0, 2, -1 },
        { "p0s1", OFFLOAD_FLAVOUR_OTHER, -1, -1, -1 },
        { "eth0", OFFLOAD_FLAVOUR_OTHER, -1, -1, -1 },
        { "pfvf", OFFLOAD_FLAVOUR_OTHER, -1, -1, -1 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct offload_representor rep;

        memset(&rep, 0, sizeof rep);
        rep.pf = rep.vf = rep.sf = -1;
        if (!offload_representor_parse_name(cases[i].name, &rep)) {
            rep.flavour = OFFLOAD_FLAVOUR_OTHER; /* As offload_rep_read(). */
        }
        assert_int_equal(rep.flavour, cases[i].flavour);
        assert_int_equal(rep.pf, cases[i].pf);
        assert_int_equal(rep.vf, cases[i].vf);
        assert_int_equal(rep.sf, cases[i].sf);
    }

    /* A netdev that is no representor ("lo"), and names that are no
     * netdev's at all. */
    struct offload_representor rep;
    offload_rep_read("lo", &rep);
    assert_int_equal(rep.switch_id_len, 0);
    assert_int_equal(rep.flavour, OFFLOAD_FLAVOUR_NONE);
    assert_int_equal(rep.pf, -1);
    offload_rep_read("../../etc", &rep);
    assert_int_equal(rep.switch_id_len, 0);
    offload_rep_read(NULL, &rep);
    assert_int_equal(rep.switch_id_len, 0);
    assert_string_equal(offload_flavour_name(OFFLOAD_FLAVOUR_VF), "vf");
}

static void
test_histogram(void **state NF_UNUSED)
{
    struct offload_hist h;

    memset(&h, 0, sizeof h);
    assert_int_equal(offload_hist_percentile(&h, 0.5), 0);
    /* 90 samples of 100 us, 10 of 10000 us. */
    for (int i = 0; i < 90; i++) {
        offload_hist_add(&h, 100);
    }
    for (int i = 0; i < 10; i++) {
        offload_hist_add(&h, 10000);
    }
    assert_int_equal(h.n, 100);
    assert_int_equal(h.max_us, 10000);
    uint64_t p50 = offload_hist_percentile(&h, 0.5);
    uint64_t p99 = offload_hist_percentile(&h, 0.99);
    /* Within a bucket (25%) of the true values, never below them. */
    assert_true(p50 >= 100 && p50 <= 125);
    assert_true(p99 >= 10000 && p99 <= 10000);
    assert_int_equal(offload_hist_percentile(&h, 1.0), 10000);

    /* Small values are exact; huge ones land in the last bucket. */
    memset(&h, 0, sizeof h);
    offload_hist_add(&h, 3);
    assert_int_equal(offload_hist_percentile(&h, 0.5), 3);
    offload_hist_add(&h, UINT64_MAX / 2);
    assert_int_equal(h.buckets[OFFLOAD_HIST_BUCKETS - 1], 1);
}

/* ---------------------------------------------------------------------
 * The dummy provider.
 * --------------------------------------------------------------------- */

static void
test_dummy_refusals(void **state NF_UNUSED)
{
    config(true, n_threads_param, 2000, 3, false);
    offload_port_add(1, "p1", "afpacket", NULL);
    offload_port_add(2, "p2", "afpacket", NULL);
    offload_port_add(3, "x3", "afpacket", "none");
    offload_port_add(0, "br0", "internal", NULL);

    put(1, 1, "2");
    put(2, 1, "userspace(pid=7)");
    put(3, 1, "recirc(0x1)");
    put(4, 1, "ct(commit),2");
    put(5, 1, "sample(sample=50.0%,actions(2))");
    put(6, 1, "3"); /* Port 3 is not on the simulated eswitch. */
    put(7, 1, "push_vlan(vid=5,pcp=0),0");
    put_extra(8, 1, "recirc_id(0x5),", "2");
    for (uint32_t i = 1; i <= 8; i++) {
        WAIT_FOR(settled(i));
    }
    assert_string_equal(status_text(1), "offloaded:yes, dp:dummy");
    assert_string_equal(status_text(2),
                        "offloaded:no, dp:softpath, offload-reason:\"dummy: "
                        "action userspace cannot be offloaded\"");
    assert_string_equal(status_text(3),
                        "offloaded:no, dp:softpath, offload-reason:\"dummy: "
                        "action recirc cannot be offloaded\"");
    assert_string_equal(status_text(4),
                        "offloaded:no, dp:softpath, offload-reason:\"dummy: "
                        "action ct cannot be offloaded\"");
    assert_string_equal(status_text(5),
                        "offloaded:no, dp:softpath, offload-reason:\"dummy: "
                        "action sample cannot be offloaded\"");
    assert_string_equal(status_text(6),
                        "offloaded:no, dp:softpath, offload-reason:\"dummy: "
                        "output to port 3: not on this eswitch\"");
    assert_string_equal(status_text(7), "offloaded:yes, dp:dummy");
    assert_string_equal(status_text(8),
                        "offloaded:no, dp:softpath, offload-reason:\"dummy: "
                        "recirc_id(0x5) cannot be matched\"");
    assert_int_equal(offload_dummy_n_rules("p1"), 2);

    /* hw-offload-max-rules 3: the fourth rule does not fit. */
    put(9, 1, "2");
    put(10, 1, "2");
    WAIT_FOR(settled(9) && settled(10));
    assert_int_equal(offload_dummy_n_rules("p1"), 3);
    const char *full = "offloaded:no, dp:softpath, offload-reason:\"dummy: "
                       "table full: 3/3\"";
    assert_true(!strcmp(status_text(9), full)
                || !strcmp(status_text(10), full));

    struct buf out = BUF_INITIALIZER;
    offload_stats_show(&out);
    assert_non_null(strstr(buf_cstr(&out), " Refused table-full: 1\n"));
    assert_non_null(
        strstr(buf_cstr(&out), " Refused unsupported-action: 4\n"));
    assert_non_null(strstr(buf_cstr(&out), " Refused unsupported-port: 1\n"));
    buf_clear(&out);
    offload_show(&out);
    assert_non_null(strstr(buf_cstr(&out),
                           "  p1: odp 1, type afpacket, provider dummy, "
                           "flows in hardware 3\n"
                           "    dummy: simulated eswitch, 3 rules, max 3\n"
                           "    representor: none\n"
                           "    profile: -\n"));
    assert_non_null(strstr(buf_cstr(&out),
                           "  br0: odp 0, type internal (internal), "
                           "provider dummy"));
    buf_destroy(&out);

    /* offload/explain says the same without installing anything. */
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER;
    out = (struct buf) BUF_INITIALIZER;
    encode(77, 2, "", "userspace(pid=1)", &key, &mask, &acts);
    assert_int_equal(offload_explain(key.data, key.len, mask.data, mask.len,
                                     acts.data, acts.len, &out),
                     OFFLOAD_R_UNSUPPORTED_ACTION);
    assert_string_equal(buf_cstr(&out),
                        "dummy: action userspace cannot be offloaded");
    buf_clear(&acts);
    buf_clear(&out);
    assert_int_equal(odp_actions_from_string("1", &acts, NULL), 0);
    assert_int_equal(offload_explain(key.data, key.len, mask.data, mask.len,
                                     acts.data, acts.len, &out),
                     OFFLOAD_R_NONE);
    assert_string_equal(buf_cstr(&out), "dummy would offload this flow on p2");
    assert_int_equal(offload_dummy_n_rules("p2"), 0);
    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&acts);
    buf_destroy(&out);

    /* A malformed key is refused with the decoder's words. */
    struct offload_ufid u = ufid_of(99);
    static const uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 1, 2, 3 };
    offload_flow_put(&u, junk, sizeof junk, junk, sizeof junk, NULL, 0);
    assert_int_equal(state_of(99), OFFLOAD_ST_REFUSED);
    assert_non_null(strstr(status_text(99), "cannot decode the flow key"));
}

/* Exit without flushing leaves the rules in the simulated device; exit
 * with flushing (teardown) removes them. */
static void
test_dummy_exit_keeps_rules(void **state NF_UNUSED)
{
    config(true, n_threads_param, 2000, 0, false);
    offload_port_add(1, "p1", "afpacket", NULL);
    put(1, 1, "1");
    put(2, 1, "1");
    WAIT_FOR(settled(1) && settled(2));
    assert_int_equal(offload_dummy_n_rules("p1"), 2);

    offload_exit(false);
    assert_int_equal(offload_dummy_n_rules("p1"), 2);
    offload_init(loop);
    config(true, n_threads_param, 2000, 0, false);
    offload_port_add(1, "p1", "afpacket", NULL);
    assert_int_equal(offload_dummy_n_rules("p1"), 2);
    offload_exit(true);
    assert_int_equal(offload_dummy_n_rules("p1"), 0);
    offload_init(loop); /* For teardown. */
}

/* After a restart, flow-restore-wait keeps the old rules; a put of the
 * same ufid adopts its rule (no duplicate); the rest go once restore-wait
 * is false and the grace period has passed. */
static void
test_dummy_restore_wait(void **state NF_UNUSED)
{
    config(true, n_threads_param, 50, 0, false);
    offload_port_add(1, "p1", "afpacket", NULL);
    offload_port_add(2, "p2", "afpacket", NULL);
    put(1, 1, "2");
    put(2, 1, "2");
    put(3, 1, "2");
    put(4, 2, "1");
    WAIT_FOR(settled(1) && settled(2) && settled(3) && settled(4));
    assert_int_equal(offload_dummy_n_rules("p1"), 3);

    /* nicflowd restarts. */
    offload_exit(false);
    offload_init(loop);
    config(true, n_threads_param, 50, 0, true);
    offload_port_add(1, "p1", "afpacket", NULL);
    offload_port_add(2, "p2", "afpacket", NULL);
    assert_int_equal(offload_dummy_n_rules("p1"), 3);

    /* Flow 1 comes back: its rule is replaced in place. */
    put(1, 1, "2");
    WAIT_FOR(settled(1));
    assert_string_equal(status_text(1), "offloaded:yes, dp:dummy");
    assert_int_equal(offload_dummy_n_rules("p1"), 3);

    /* However long restore-wait lasts, the old rules keep forwarding:
     * run the loop well past the grace period (50 ms). */
    long long until = nf_time_msec() + 300;
    while (nf_time_msec() < until) {
        evloop_run_once(loop, 10);
    }
    assert_int_equal(offload_dummy_n_rules("p1"), 3);
    assert_int_equal(offload_dummy_n_rules("p2"), 1);

    /* restore-wait off: the unadopted rules go after the grace period. */
    config(true, n_threads_param, 50, 0, false);
    WAIT_FOR(offload_dummy_n_rules("p1") == 1
             && offload_dummy_n_rules("p2") == 0);
    assert_string_equal(status_text(1), "offloaded:yes, dp:dummy");

    struct buf out = BUF_INITIALIZER;
    offload_stats_show(&out);
    assert_non_null(strstr(buf_cstr(&out), "dummy"));
    assert_non_null(strstr(buf_cstr(&out), " Removed offloads: 3\n"));
    buf_destroy(&out);

    struct offload_ufid u = ufid_of(1);
    offload_flow_del(&u, 1, NULL);
    assert_int_equal(offload_dummy_n_rules("p1"), 0);
}

/* A stale rule and a new put of its ufid meeting in the same worker
 * batch: the put adopts it even without restore-wait. */
static void
test_dummy_adopt_many(void **state NF_UNUSED)
{
    enum { N = 40 };

    config(true, n_threads_param, 100000, 0, false);
    offload_port_add(1, "p1", "afpacket", NULL);
    for (uint32_t i = 0; i < N; i++) {
        put(i, 1, "1");
    }
    for (uint32_t i = 0; i < N; i++) {
        WAIT_FOR(settled(i));
    }
    offload_exit(false);
    offload_init(loop);
    config(true, n_threads_param, 100000, 0, false);
    offload_port_add(1, "p1", "afpacket", NULL);
    for (uint32_t i = 0; i < N; i++) {
        put(i, 1, "1");
    }
    for (uint32_t i = 0; i < N; i++) {
        WAIT_FOR(state_of(i) == OFFLOAD_ST_OFFLOADED);
    }
    WAIT_FOR(offload_workers_idle());
    assert_int_equal(offload_dummy_n_rules("p1"), N);
}

int
main(void)
{
    static unsigned one = 1, four = 4;
#define BOTH(T)                                                         \
    cmocka_unit_test_prestate_setup_teardown(T, setup, teardown, &one), \
        cmocka_unit_test_prestate_setup_teardown(T, setup, teardown, &four)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reasons),
        cmocka_unit_test(test_rep_port_names),
        cmocka_unit_test(test_histogram),
        BOTH(test_dummy_refusals),
        BOTH(test_dummy_exit_keeps_rules),
        BOTH(test_dummy_restore_wait),
        BOTH(test_dummy_adopt_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
