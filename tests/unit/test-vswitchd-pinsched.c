/* Tests of the packet-in scheduler (vswitchd/connmgr-pinsched.c), with a
 * clock the test chooses: the token bucket's arithmetic (rates that do
 * and do not divide a second, the cap after a long idle time, the
 * defaults), bypassing, queueing behind a backlog, round robin across
 * ports, overflow dropping the oldest message of the longest queue, the
 * counters, new limits on a busy scheduler, and flushing. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "vswitchd/connmgr-pinsched.h"

/* Offers the message "PORT.SEQ" and returns whether it bypassed; a
 * bypassed message stays the caller's, so it is freed here. */
static bool
offer(struct pinsched *ps, uint32_t port, int seq, long long now)
{
    struct buf b = BUF_INITIALIZER;
    bool sent;

    buf_printf(&b, "%u.%d", port, seq);
    sent = pinsched_send(ps, port, &b, now);
    if (sent) {
        assert_non_null(b.data); /* Left to the caller. */
    } else {
        assert_null(b.data); /* Taken. */
        assert_int_equal(b.len, 0);
    }
    buf_destroy(&b);
    return sent;
}

/* Takes the next message due at NOW into OUT (a string), or returns
 * false. */
static bool
next(struct pinsched *ps, long long now, char *out, size_t size)
{
    struct buf b = BUF_INITIALIZER;

    if (!pinsched_next(ps, now, &b)) {
        return false;
    }
    snprintf(out, size, "%s", buf_cstr(&b));
    buf_destroy(&b);
    return true;
}

/* Every queued message, in the order pinsched_pop() gives them, as
 * "a b c". */
static void
pop_all(struct pinsched *ps, char *out, size_t size)
{
    struct buf all = BUF_INITIALIZER;
    struct buf b = BUF_INITIALIZER;

    while (pinsched_pop(ps, &b)) {
        buf_printf(&all, "%s%s", all.len ? " " : "", buf_cstr(&b));
        buf_destroy(&b);
    }
    snprintf(out, size, "%s", buf_cstr(&all));
    buf_destroy(&all);
}

static void
test_defaults(void **state NF_UNUSED)
{
    struct pinsched *ps = pinsched_create(100, 0, 0);

    /* Burst defaults to a quarter of the rate... */
    assert_int_equal(pinsched_get_rate(ps), 100);
    assert_int_equal(pinsched_get_burst(ps), 25);
    /* ...and is at least 1; a rate of 0 counts as 1. */
    pinsched_set_limits(ps, 3, 0, 0);
    assert_int_equal(pinsched_get_burst(ps), 1);
    pinsched_set_limits(ps, 0, 0, 0);
    assert_int_equal(pinsched_get_rate(ps), 1);
    assert_int_equal(pinsched_get_burst(ps), 1);
    pinsched_set_limits(ps, 1000, 50, 0);
    assert_int_equal(pinsched_get_burst(ps), 50);
    /* Nothing queued: no wakeup. */
    assert_true(pinsched_wakeup(ps, 0) == LLONG_MAX);
    pinsched_destroy(ps);
    pinsched_destroy(NULL);
}

static void
test_bucket(void **state NF_UNUSED)
{
    struct pinsched *ps = pinsched_create(100, 25, 1000);
    char m[32];

    /* The bucket starts full: a burst of 25 goes out at once. */
    for (int i = 0; i < 25; i++) {
        assert_true(offer(ps, 1, i, 1000));
    }
    assert_false(offer(ps, 1, 25, 1000));
    /* 100 per second: a token every 10 ms. */
    assert_int_equal(pinsched_wakeup(ps, 1000), 1010);
    assert_false(next(ps, 1009, m, sizeof m));
    assert_int_equal(pinsched_wakeup(ps, 1009), 1010);
    assert_true(next(ps, 1010, m, sizeof m));
    assert_string_equal(m, "1.25");
    assert_true(pinsched_wakeup(ps, 1010) == LLONG_MAX);

    /* Idle for 95 ms: 9 tokens and a half; the half carries over. */
    for (int i = 0; i < 11; i++) {
        offer(ps, 1, 100 + i, 1105);
    }
    struct pinsched_stats st;
    pinsched_get_stats(ps, &st);
    assert_int_equal(st.backlog, 2); /* 9 bypassed, 2 queued. */
    assert_int_equal(pinsched_wakeup(ps, 1105), 1110);
    assert_true(next(ps, 1110, m, sizeof m));
    assert_false(next(ps, 1110, m, sizeof m));
    assert_int_equal(pinsched_wakeup(ps, 1110), 1120);
    pinsched_destroy(ps);

    /* A burst of 1: each message offered while one waits drops it. */
    ps = pinsched_create(300, 1, 0);
    assert_true(offer(ps, 1, 0, 0));
    for (int i = 1; i <= 3; i++) {
        assert_false(offer(ps, 1, i, 0));
    }
    pinsched_get_stats(ps, &st);
    assert_int_equal(st.backlog, 1);
    assert_int_equal(st.n_dropped, 2);
    pinsched_destroy(ps);

    /* A rate that does not divide a second: 300 per second is a token
     * every 3 1/3 ms, so the first comes after 4 ms, the next two at 7 and
     * 10 ms (what is left of a token carries over: no drift). */
    ps = pinsched_create(300, 10, 0);
    for (int i = 0; i < 10; i++) {
        assert_true(offer(ps, 1, i, 0));
    }
    assert_false(offer(ps, 1, 10, 0));
    assert_int_equal(pinsched_wakeup(ps, 0), 4);
    assert_false(next(ps, 3, m, sizeof m));
    assert_true(next(ps, 4, m, sizeof m));
    assert_string_equal(m, "1.10");
    assert_false(offer(ps, 1, 11, 4));
    assert_int_equal(pinsched_wakeup(ps, 4), 7);
    assert_false(next(ps, 6, m, sizeof m));
    assert_true(next(ps, 7, m, sizeof m));
    assert_false(offer(ps, 1, 12, 7));
    assert_int_equal(pinsched_wakeup(ps, 7), 10);
    assert_true(next(ps, 10, m, sizeof m));
    assert_string_equal(m, "1.12");
    pinsched_destroy(ps);

    /* A long idle time fills the bucket to its size, no more (and does
     * not overflow the arithmetic). */
    ps = pinsched_create(UINT_MAX, 3, 0);
    for (int i = 0; i < 3; i++) {
        assert_true(offer(ps, 1, i, 0));
    }
    assert_false(offer(ps, 1, 3, 0));
    assert_true(next(ps, LLONG_MAX / 2, m, sizeof m));
    for (int i = 0; i < 3; i++) {
        assert_true(offer(ps, 1, 10 + i, LLONG_MAX / 2 + 1));
    }
    assert_false(offer(ps, 1, 13, LLONG_MAX / 2 + 1));
    pinsched_destroy(ps);

    /* A clock that goes back adds no tokens. */
    ps = pinsched_create(100, 1, 1000);
    assert_true(offer(ps, 1, 0, 1000));
    assert_false(offer(ps, 1, 1, 500));
    assert_int_equal(pinsched_wakeup(ps, 500), 1010);
    assert_false(next(ps, 900, m, sizeof m));
    assert_true(next(ps, 1010, m, sizeof m));
    pinsched_destroy(ps);
}

static void
test_bypass_and_queue(void **state NF_UNUSED)
{
    struct pinsched *ps = pinsched_create(1000, 2, 0);
    struct pinsched_stats st;
    char m[32];

    assert_true(offer(ps, 7, 0, 0));
    assert_true(offer(ps, 7, 1, 0));
    assert_false(offer(ps, 7, 2, 0));
    /* A token has accrued, but a backlog exists: a new message must not
     * overtake it, so it queues too. */
    assert_false(offer(ps, 7, 3, 1));
    pinsched_get_stats(ps, &st);
    assert_int_equal(st.n_bypassed, 2);
    assert_int_equal(st.n_queued, 2);
    assert_int_equal(st.backlog, 2);
    assert_int_equal(pinsched_wakeup(ps, 1), 1);
    assert_true(next(ps, 1, m, sizeof m));
    assert_string_equal(m, "7.2");
    assert_false(next(ps, 1, m, sizeof m));
    assert_true(next(ps, 2, m, sizeof m));
    assert_string_equal(m, "7.3");
    /* Empty again with tokens to spare: bypass. */
    assert_true(offer(ps, 7, 4, 10));
    pinsched_get_stats(ps, &st);
    assert_int_equal(st.n_bypassed, 3);
    assert_int_equal(st.n_queued, 2);
    assert_int_equal(st.n_dropped, 0);
    assert_int_equal(st.backlog, 0);
    pinsched_destroy(ps);
}

static void
test_round_robin(void **state NF_UNUSED)
{
    struct pinsched *ps = pinsched_create(1000, 20, 0);
    struct buf order = BUF_INITIALIZER;
    char m[32];
    long long t = 0;

    /* Use up the bucket, then queue 5 for port 1, 2 for port 2, 1 for
     * port 3, interleaved as a burst of misses might be. */
    for (int i = 0; i < 20; i++) {
        assert_true(offer(ps, 9, i, 0));
    }
    for (int i = 0; i < 5; i++) {
        assert_false(offer(ps, 1, i, 0));
        if (i < 2) {
            assert_false(offer(ps, 2, i, 0));
        }
    }
    assert_false(offer(ps, 3, 0, 0));
    while (pinsched_wakeup(ps, t) != LLONG_MAX) {
        t = pinsched_wakeup(ps, t);
        assert_true(next(ps, t, m, sizeof m));
        buf_printf(&order, "%s%s", order.len ? " " : "", m);
    }
    /* One per port in turn; each port's own in order. */
    assert_string_equal(buf_cstr(&order), "1.0 2.0 3.0 1.1 2.1 1.2 1.3 1.4");
    assert_int_equal(t, 8);
    buf_destroy(&order);

    /* A port whose queue emptied joins at the back when it comes back:
     * port 2, already waiting, goes first. */
    for (int i = 0; i < 20; i++) {
        offer(ps, 9, i, 1000);
    }
    assert_false(offer(ps, 1, 0, 1000));
    assert_false(offer(ps, 2, 0, 1000));
    assert_false(offer(ps, 2, 1, 1000));
    assert_true(next(ps, 1001, m, sizeof m));
    assert_string_equal(m, "1.0");
    assert_false(offer(ps, 1, 1, 1001));
    pop_all(ps, m, sizeof m);
    assert_string_equal(m, "2.0 1.1 2.1");
    pinsched_destroy(ps);
}

static void
test_overflow(void **state NF_UNUSED)
{
    struct pinsched *ps = pinsched_create(100, 4, 0);
    struct pinsched_stats st;
    char m[64];

    for (int i = 0; i < 4; i++) {
        assert_true(offer(ps, 9, i, 0));
    }
    /* Backlog 4 (the burst): port 1 has 3, port 2 has 1. */
    offer(ps, 1, 0, 0);
    offer(ps, 1, 1, 0);
    offer(ps, 2, 0, 0);
    offer(ps, 1, 2, 0);
    /* Full: a new message for port 2 drops port 1's oldest. */
    assert_false(offer(ps, 2, 1, 0));
    pinsched_get_stats(ps, &st);
    assert_int_equal(st.backlog, 4);
    assert_int_equal(st.n_dropped, 1);
    /* Ports 1 and 2 now have 2 each: the tie goes to the queue served
     * next (port 1, at the front of the ring). */
    assert_false(offer(ps, 3, 0, 0));
    pinsched_get_stats(ps, &st);
    assert_int_equal(st.n_dropped, 2);
    pop_all(ps, m, sizeof m);
    assert_string_equal(m, "1.2 2.0 3.0 2.1");

    /* A flooding port loses only its own messages: once the two queues
     * are as long, the tie goes against port 1 (at the front). */
    for (int i = 0; i < 100; i++) {
        offer(ps, 1, i, 0);
        if (i % 50 == 0) {
            offer(ps, 2, i, 0);
        }
    }
    pop_all(ps, m, sizeof m);
    assert_string_equal(m, "1.98 2.0 1.99 2.50");
    pinsched_get_stats(ps, &st);
    assert_int_equal(st.n_bypassed, 4);
    assert_int_equal(st.n_queued, 6 + 102);
    assert_int_equal(st.n_dropped, 2 + 102 - 4);
    assert_int_equal(st.backlog, 0);
    pinsched_destroy(ps);
}

/* The counters add up: everything offered was sent at once, sent later,
 * dropped, or is still queued. */
static void
test_counters(void **state NF_UNUSED)
{
    struct pinsched *ps = pinsched_create(200, 10, 0);
    struct pinsched_stats st;
    unsigned int sent = 0, offered = 0;
    char m[32];

    for (long long t = 0; t < 2000; t++) {
        /* 3 messages per ms from 4 ports against 0.2 per ms. */
        for (int k = 0; k < 3; k++) {
            sent += offer(ps, (uint32_t) (t + k) % 4, (int) t, t);
            offered++;
        }
        while (next(ps, t, m, sizeof m)) {
            sent++;
        }
    }
    pinsched_get_stats(ps, &st);
    assert_int_equal(st.n_bypassed + st.n_queued, offered);
    assert_int_equal(st.n_bypassed + st.n_queued - st.n_dropped - st.backlog,
                     sent);
    /* 10 at once, then 200 per second for 1999 ms: 399 more. */
    assert_int_equal(sent, 10 + 399);
    assert_int_equal(st.backlog, 10);
    pinsched_destroy(ps);
}

static void
test_set_limits(void **state NF_UNUSED)
{
    struct pinsched *ps = pinsched_create(100, 10, 0);
    struct pinsched_stats st;
    char m[64];

    for (int i = 0; i < 10; i++) {
        assert_true(offer(ps, 9, i, 0));
    }
    for (int i = 0; i < 6; i++) {
        offer(ps, 1, i, 0);
    }
    offer(ps, 2, 0, 0);
    offer(ps, 2, 1, 0);
    assert_int_equal(pinsched_wakeup(ps, 0), 10);
    /* Five ms at 100 per second: half a token.  A faster rate from then
     * on (1000 per second) needs the other half in 1 ms, not 5. */
    pinsched_set_limits(ps, 1000, 10, 5);
    assert_int_equal(pinsched_wakeup(ps, 5), 6);
    assert_true(next(ps, 6, m, sizeof m));
    assert_string_equal(m, "1.0");
    /* A smaller burst drops the backlog down to it, longest queue
     * first: port 1 has 5, port 2 has 2; once both have 2, port 2 (at
     * the front, since port 1 was just served) loses the tie. */
    pinsched_set_limits(ps, 1000, 3, 6);
    pinsched_get_stats(ps, &st);
    assert_int_equal(st.backlog, 3);
    assert_int_equal(st.n_dropped, 4);
    assert_int_equal(pinsched_get_burst(ps), 3);
    /* The tokens are capped at the new size too: after a long idle time
     * only 3 go at once. */
    pop_all(ps, m, sizeof m);
    assert_string_equal(m, "2.1 1.4 1.5");
    for (int i = 0; i < 3; i++) {
        assert_true(offer(ps, 1, i, 100000));
    }
    assert_false(offer(ps, 1, 3, 100000));
    pinsched_destroy(ps);
}

/* When rate limiting stops, pinsched_pop() hands out the whole backlog
 * at once, in round robin; pinsched_destroy() frees what is left. */
static void
test_flush(void **state NF_UNUSED)
{
    struct pinsched *ps = pinsched_create(100, 25, 0);
    struct pinsched_stats st;
    char m[128];

    for (int i = 0; i < 25; i++) {
        offer(ps, 9, i, 0);
    }
    for (int i = 0; i < 3; i++) {
        offer(ps, 4, i, 0);
        offer(ps, 5, i, 0);
    }
    assert_false(next(ps, 0, m, sizeof m));
    pop_all(ps, m, sizeof m);
    assert_string_equal(m, "4.0 5.0 4.1 5.1 4.2 5.2");
    pinsched_get_stats(ps, &st);
    assert_int_equal(st.backlog, 0);
    assert_int_equal(st.n_queued, 6);
    assert_int_equal(st.n_dropped, 0);
    assert_true(pinsched_wakeup(ps, 0) == LLONG_MAX);

    /* Destroying a scheduler with a backlog frees it (checked by the
     * sanitizers' leak check). */
    offer(ps, 4, 9, 0);
    offer(ps, 6, 9, 0);
    pinsched_destroy(ps);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_bucket),
        cmocka_unit_test(test_bypass_and_queue),
        cmocka_unit_test(test_round_robin),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_counters),
        cmocka_unit_test(test_set_limits),
        cmocka_unit_test(test_flush),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
