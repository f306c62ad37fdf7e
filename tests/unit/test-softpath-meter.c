/* Tests of meters: the token buckets themselves (softpath/dp-meter.c) with
 * a clock the test drives, then meters in the userspace datapath through
 * dpif.h (dummy ports, the same clock through dp_meter_set_clock()), and
 * the checks dpif.c makes before a datapath sees a meter configuration. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/flow.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "softpath/dp-meter.h"
#include "softpath/dpif-netdev.h"
#include "softpath/dpif.h"
#include "softpath/netdev.h"
#include "softpath/odp.h"

#define MS 1000000ull /* Nanoseconds. */
#define SEC 1000000000ull

/* A one-band drop meter. */
static struct dpif_meter_config
one_band(uint16_t flags, uint32_t rate, uint32_t burst)
{
    struct dpif_meter_config c;

    memset(&c, 0, sizeof c);
    c.flags = flags;
    c.n_bands = 1;
    c.bands[0] = (struct dpif_meter_band){ DPIF_METER_BAND_DROP, rate, burst };
    return c;
}

/* Charges N packets of SIZE bytes at NOW and returns how many passed. */
static int
charge_n(struct dp_meter *m, int n, uint32_t size, uint64_t now)
{
    int passed = 0;

    for (int i = 0; i < n; i++) {
        passed += dp_meter_charge(m, size, now) == DP_METER_PASS;
    }
    return passed;
}

/* ---------------------------------------------------------------------
 * The buckets.
 * --------------------------------------------------------------------- */

static void
test_pktps_burst_and_refill(void **state NF_UNUSED)
{
    struct dpif_meter_config c =
        one_band(DPIF_METER_PKTPS | DPIF_METER_BURST, 10, 5);
    struct dp_meter *m = dp_meter_create(&c, 1000 * SEC);
    uint64_t t = 1000 * SEC;

    /* A full bucket of 5, then nothing at the same instant. */
    assert_int_equal(charge_n(m, 5, 60, t), 5);
    assert_int_equal(dp_meter_charge(m, 60, t), 0);
    /* 10 pps: 99 ms is not one packet yet, 100 ms is exactly one. */
    assert_int_equal(charge_n(m, 1, 60, t + 99 * MS), 0);
    assert_int_equal(charge_n(m, 2, 60, t + 100 * MS), 1);
    /* Three tenths of a second: three; a long pause refills only to the
     * burst. */
    assert_int_equal(charge_n(m, 5, 60, t + 400 * MS), 3);
    assert_int_equal(charge_n(m, 9, 60, t + 3600 * SEC), 5);
    /* A clock that goes back (racing threads) adds nothing. */
    assert_int_equal(charge_n(m, 1, 60, t), 0);
    dp_meter_destroy(m);
}

static void
test_default_burst_is_the_rate(void **state NF_UNUSED)
{
    /* Without BURST the burst size is ignored: one second's worth. */
    struct dpif_meter_config c = one_band(DPIF_METER_PKTPS, 10, 3);
    struct dp_meter *m = dp_meter_create(&c, 0);

    assert_int_equal(charge_n(m, 20, 60, 0), 10);
    dp_meter_destroy(m);

    /* With BURST but a size of 0, the same. */
    c = one_band(DPIF_METER_PKTPS | DPIF_METER_BURST, 7, 0);
    m = dp_meter_create(&c, 0);
    assert_int_equal(charge_n(m, 20, 60, 0), 7);
    dp_meter_destroy(m);
}

static void
test_kbps(void **state NF_UNUSED)
{
    /* 8 kbps = 1000 bytes per second; a burst of 8 kb = 1000 bytes. */
    struct dpif_meter_config c =
        one_band(DPIF_METER_KBPS | DPIF_METER_BURST, 8, 8);
    struct dp_meter *m = dp_meter_create(&c, 0);

    assert_int_equal(charge_n(m, 11, 100, 0), 10);
    /* 50 ms bring 50 bytes: not enough for 100, whose failed attempt
     * takes nothing; 50 ms more complete it. */
    assert_int_equal(charge_n(m, 1, 100, 50 * MS), 0);
    assert_int_equal(charge_n(m, 1, 100, 100 * MS), 1);
    assert_int_equal(charge_n(m, 1, 100, 100 * MS), 0);
    /* Size matters: 1 byte needs 1 ms. */
    assert_int_equal(charge_n(m, 2, 1, 101 * MS), 1);
    /* A frame bigger than the bucket never passes. */
    assert_int_equal(charge_n(m, 1, 1001, 3600 * SEC), 0);
    assert_int_equal(charge_n(m, 1, 1000, 3600 * SEC), 1);
    dp_meter_destroy(m);
}

static void
test_highest_exceeded_band_applies(void **state NF_UNUSED)
{
    struct dpif_meter_config c;
    struct dpif_meter_stats st;
    struct dp_meter *m;

    memset(&c, 0, sizeof c);
    c.flags = DPIF_METER_PKTPS | DPIF_METER_BURST;
    c.n_bands = 3;
    c.bands[0] = (struct dpif_meter_band){ DPIF_METER_BAND_DROP, 10, 2 };
    c.bands[1] = (struct dpif_meter_band){ DPIF_METER_BAND_DROP, 100, 4 };
    c.bands[2] = (struct dpif_meter_band){ DPIF_METER_BAND_DROP, 50, 3 };
    m = dp_meter_create(&c, 0);

    /* Buckets 2, 4, 3.  Two packets fit every band. */
    assert_int_equal(dp_meter_charge(m, 10, 0), DP_METER_PASS);
    assert_int_equal(dp_meter_charge(m, 10, 0), DP_METER_PASS);
    /* Now 0, 2, 1: only band 0 is exceeded. */
    assert_int_equal(dp_meter_charge(m, 10, 0), 0);
    /* 0, 1, 0: bands 0 (rate 10) and 2 (rate 50) exceeded: 2 applies. */
    assert_int_equal(dp_meter_charge(m, 10, 0), 2);
    /* 0, 0, 0: all exceeded: band 1, the highest rate. */
    assert_int_equal(dp_meter_charge(m, 10, 0), 1);
    assert_int_equal(dp_meter_charge(m, 20, 0), 1);

    dp_meter_get_stats(m, &st);
    assert_int_equal(st.n_bands, 3);
    assert_int_equal(st.packet_in_count, 6);
    assert_int_equal(st.byte_in_count, 70);
    assert_int_equal(st.bands[0].n_packets, 1);
    assert_int_equal(st.bands[0].n_bytes, 10);
    assert_int_equal(st.bands[1].n_packets, 2);
    assert_int_equal(st.bands[1].n_bytes, 30);
    assert_int_equal(st.bands[2].n_packets, 1);
    assert_int_equal(st.bands[2].n_bytes, 10);
    dp_meter_destroy(m);

    /* Equal rates: the first band in configuration order applies. */
    c.bands[1].rate = 10;
    c.bands[1].burst_size = 2;
    c.n_bands = 2;
    m = dp_meter_create(&c, 0);
    assert_int_equal(charge_n(m, 2, 10, 0), 2);
    assert_int_equal(dp_meter_charge(m, 10, 0), 0);
    dp_meter_destroy(m);
}

static void
test_extremes_do_not_overflow(void **state NF_UNUSED)
{
    /* The largest rate and burst, and hours between packets: the bucket
     * must fill to exactly its capacity, not wrap. */
    struct dpif_meter_config c =
        one_band(DPIF_METER_PKTPS | DPIF_METER_BURST, UINT32_MAX, UINT32_MAX);
    struct dp_meter *m = dp_meter_create(&c, 0);

    assert_int_equal(charge_n(m, 1000, 60, 0), 1000);
    assert_int_equal(charge_n(m, 1000, 60, 7200 * SEC), 1000);
    dp_meter_destroy(m);

    /* A slow kbps band with a jumbo-sized burst and large frames. */
    c = one_band(DPIF_METER_KBPS | DPIF_METER_BURST, 1, UINT32_MAX);
    m = dp_meter_create(&c, 0);
    assert_int_equal(charge_n(m, 3, 65535, UINT64_MAX / 2), 3);
    dp_meter_destroy(m);
}

/* ---------------------------------------------------------------------
 * Through the userspace datapath.
 * --------------------------------------------------------------------- */

static uint64_t fake_now;

static uint64_t
fake_clock(void)
{
    return fake_now;
}

struct fixture {
    struct dpif *dpif;
    struct netdev *p1, *p2;
};

static int
setup(void **state)
{
    struct fixture *fx = xzalloc(sizeof *fx);
    uint32_t no;

    dpif_netdev_register();
    dpif_netdev_set_local_port_type("dummy");
    dp_meter_set_clock(fake_clock);
    fake_now = 5 * SEC;
    assert_int_equal(dpif_open("tmeter", "netdev", true, &fx->dpif, NULL), 0);
    no = 1;
    assert_int_equal(
        dpif_port_add(fx->dpif, "tm-p1", "dummy", NULL, &no, NULL), 0);
    no = 2;
    assert_int_equal(
        dpif_port_add(fx->dpif, "tm-p2", "dummy", NULL, &no, NULL), 0);
    fx->p1 = netdev_from_name("tm-p1");
    fx->p2 = netdev_from_name("tm-p2");
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *fx = *state;

    assert_int_equal(dpif_destroy(fx->dpif, NULL), 0);
    dpif_close(fx->dpif);
    dp_meter_set_clock(NULL);
    free(fx);
    return 0;
}

static void
put_flow(struct fixture *fx, const char *flow, const char *actions)
{
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER;

    assert_int_equal(odp_flow_from_string(flow, &key, &mask, NULL), 0);
    assert_int_equal(odp_actions_from_string(actions, &acts, NULL), 0);
    struct dpif_flow_put put = {
        .flags = DPIF_FP_CREATE,
        .key = key.data,
        .key_len = key.len,
        .mask = mask.data,
        .mask_len = mask.len,
        .actions = acts.data,
        .actions_len = acts.len,
    };
    assert_int_equal(dpif_flow_put(fx->dpif, &put, NULL), 0);
    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&acts);
}

/* Injects N 60-byte frames on port 1, runs the datapath until they are
 * all processed, and returns how many came out of port 2. */
static int
send_burst(struct fixture *fx, int n)
{
    struct pkt *p;
    int out = 0;

    for (int i = 0; i < n; i++) {
        struct flow f;

        memset(&f, 0, sizeof f);
        f.dl_type = htons(0x0800);
        f.nw_proto = 17;
        f.nw_ttl = 64;
        p = netdev_pkt_new(128);
        assert_int_equal(flow_compose(p, &f, 18), 0);
        assert_int_equal(p->size, 60);
        assert_int_equal(netdev_dummy_receive(fx->p1, p), 0);
    }
    while (dpif_netdev_run(fx->dpif) > 0) {
        continue;
    }
    while ((p = netdev_dummy_pop_sent(fx->p2))) {
        pkt_delete(p);
        out++;
    }
    return out;
}

static void
test_datapath_meter(void **state)
{
    struct fixture *fx = *state;
    struct dpif_meter_config c = one_band(
        DPIF_METER_PKTPS | DPIF_METER_BURST | DPIF_METER_STATS, 10, 5);
    struct dpif_meter_features feat;
    struct dpif_meter_stats st;
    char *err = NULL;

    dpif_meter_get_features(fx->dpif, &feat);
    assert_true(feat.max_meters >= 65536);
    assert_int_equal(feat.band_types, 1u << DPIF_METER_BAND_DROP);
    assert_int_equal(feat.capabilities, DPIF_METER_KBPS | DPIF_METER_PKTPS
                                            | DPIF_METER_BURST
                                            | DPIF_METER_STATS);
    assert_int_equal(feat.max_bands, DPIF_METER_MAX_BANDS);

    assert_int_equal(dpif_meter_set(fx->dpif, 7, &c, &err), 0);
    assert_null(err);
    put_flow(fx, "in_port(1),eth()", "meter(7),2");

    /* 40 frames at one instant (more than one receive batch): the burst
     * of 5 passes, the other 35 are dropped by the band. */
    assert_int_equal(send_burst(fx, 40), 5);
    assert_int_equal(dpif_meter_get(fx->dpif, 7, &st), 0);
    assert_int_equal(st.packet_in_count, 40);
    assert_int_equal(st.byte_in_count, 40 * 60);
    assert_int_equal(st.n_bands, 1);
    assert_int_equal(st.bands[0].n_packets, 35);
    assert_int_equal(st.bands[0].n_bytes, 35 * 60);

    /* 300 ms later, three more. */
    fake_now += 300 * MS;
    assert_int_equal(send_burst(fx, 10), 3);

    /* Setting the meter again starts it over: a full bucket, zero
     * statistics. */
    assert_int_equal(dpif_meter_set(fx->dpif, 7, &c, NULL), 0);
    assert_int_equal(dpif_meter_get(fx->dpif, 7, &st), 0);
    assert_int_equal(st.packet_in_count, 0);
    assert_int_equal(send_burst(fx, 8), 5);

    /* Deleted, the meter gives its last counters, and the flow's packets
     * all pass (a meter that does not exist drops nothing). */
    assert_int_equal(dpif_meter_del(fx->dpif, 7, &st), 0);
    assert_int_equal(st.packet_in_count, 8);
    assert_int_equal(st.bands[0].n_packets, 3);
    assert_int_equal(dpif_meter_get(fx->dpif, 7, &st), ENOENT);
    assert_int_equal(dpif_meter_del(fx->dpif, 7, NULL), ENOENT);
    assert_int_equal(send_burst(fx, 12), 12);

    /* A kbps meter: a burst of 48 kb is 6000 bytes, a hundred 60-byte
     * frames; 48 kbps brings ten more in 100 ms. */
    c = one_band(DPIF_METER_KBPS | DPIF_METER_BURST, 48, 48);
    assert_int_equal(dpif_meter_set(fx->dpif, 7, &c, NULL), 0);
    assert_int_equal(send_burst(fx, 130), 100);
    fake_now += 100 * MS;
    assert_int_equal(send_burst(fx, 30), 10);
}

static void
test_meter_checks(void **state)
{
    struct fixture *fx = *state;
    struct dpif_meter_config c = one_band(DPIF_METER_PKTPS, 10, 0);
    struct dpif_meter_features feat;
    char *err = NULL;

    dpif_meter_get_features(fx->dpif, &feat);

    /* Each refusal: its errno, a message naming the problem, and no
     * meter left behind. */
    assert_int_equal(dpif_meter_set(fx->dpif, feat.max_meters, &c, &err),
                     EFBIG);
    assert_non_null(strstr(err, "meter ids go up to"));
    free(err);
    err = NULL;

    c = one_band(DPIF_METER_PKTPS, 0, 0);
    assert_int_equal(dpif_meter_set(fx->dpif, 1, &c, &err), EBADRQC);
    assert_non_null(strstr(err, "meter 1: band 1: the rate must not be 0"));
    free(err);
    err = NULL;

    c = one_band(DPIF_METER_PKTPS, 10, 0);
    c.n_bands = 0;
    assert_int_equal(dpif_meter_set(fx->dpif, 1, &c, &err), EINVAL);
    assert_non_null(strstr(err, "at least one band"));
    free(err);
    err = NULL;

    c = one_band(DPIF_METER_PKTPS, 10, 0);
    c.n_bands = DPIF_METER_MAX_BANDS + 1;
    assert_int_equal(dpif_meter_set(fx->dpif, 1, &c, &err), EINVAL);
    assert_non_null(strstr(err, "at most 8"));
    free(err);
    err = NULL;

    c = one_band(DPIF_METER_PKTPS | DPIF_METER_KBPS, 10, 0);
    assert_int_equal(dpif_meter_set(fx->dpif, 1, &c, &err), EBADF);
    assert_non_null(strstr(err, "exactly one unit"));
    free(err);
    err = NULL;

    c = one_band(DPIF_METER_BURST, 10, 0);
    assert_int_equal(dpif_meter_set(fx->dpif, 1, &c, &err), EBADF);
    assert_non_null(strstr(err, "exactly one unit"));
    free(err);
    err = NULL;

    c = one_band(DPIF_METER_PKTPS | 0x100, 10, 0);
    assert_int_equal(dpif_meter_set(fx->dpif, 1, &c, &err), EBADF);
    assert_non_null(strstr(err, "flags 0x100 not supported"));
    free(err);
    err = NULL;

    c = one_band(DPIF_METER_PKTPS, 10, 0);
    c.bands[0].type = 2; /* OpenFlow's DSCP remark. */
    assert_int_equal(dpif_meter_set(fx->dpif, 1, &c, &err), ENODEV);
    assert_non_null(strstr(err, "band type 2 not supported"));
    free(err);
    err = NULL;

    /* Nothing was created by any of them; a NULL ERRP is fine. */
    struct dpif_meter_stats st;
    assert_int_equal(dpif_meter_get(fx->dpif, 1, &st), ENOENT);
    c = one_band(DPIF_METER_PKTPS, 0, 0);
    assert_int_equal(dpif_meter_set(fx->dpif, 1, &c, NULL), EBADRQC);

    /* The highest id is fine. */
    c = one_band(DPIF_METER_PKTPS, 10, 0);
    assert_int_equal(dpif_meter_set(fx->dpif, feat.max_meters - 1, &c, NULL),
                     0);
    assert_int_equal(dpif_meter_get(fx->dpif, feat.max_meters - 1, &st), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pktps_burst_and_refill),
        cmocka_unit_test(test_default_burst_is_the_rate),
        cmocka_unit_test(test_kbps),
        cmocka_unit_test(test_highest_exceeded_band_applies),
        cmocka_unit_test(test_extremes_do_not_overflow),
        cmocka_unit_test_setup_teardown(test_datapath_meter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_meter_checks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
