/* Tests of NORMAL's MAC learning table (vswitchd/mac-learning.c): learning,
 * moves, lookups per VLAN, aging with a clock the test chooses, the size
 * limit's eviction of the least recently seen entry, flushes, the
 * generation that tells revalidators to look again, and fdb/show's
 * format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "ofctl/match.h"
#include "vswitchd/mac-learning.h"

static struct eth_addr
mac(uint8_t last)
{
    struct eth_addr a = { { 0x50, 0x54, 0x00, 0x00, 0x00, last } };
    return a;
}

static void
test_learn_lookup_move(void **state)
{
    (void) state;
    struct mac_learning *ml = mac_learning_create(0, 0);
    struct eth_addr a = mac(1);

    assert_int_equal(mac_learning_aging(ml), MAC_DEFAULT_AGING_S);
    assert_int_equal(mac_learning_max(ml), MAC_DEFAULT_MAX);
    assert_int_equal(mac_learning_lookup(ml, &a, 0, 0), -1);

    uint64_t g0 = mac_learning_generation(ml);
    assert_true(mac_learning_learn(ml, &a, 0, 3, 1000));
    assert_true(mac_learning_generation(ml) > g0);
    assert_int_equal(mac_learning_lookup(ml, &a, 0, 1000), 3);
    /* VLANs are separate tables. */
    assert_int_equal(mac_learning_lookup(ml, &a, 10, 1000), -1);

    /* Seen again on the same port: a refresh, not a change. */
    uint64_t g1 = mac_learning_generation(ml);
    assert_false(mac_learning_learn(ml, &a, 0, 3, 2000));
    assert_int_equal(mac_learning_generation(ml), g1);

    /* Seen on another port: a move. */
    assert_true(mac_learning_learn(ml, &a, 0, 4, 3000));
    assert_true(mac_learning_generation(ml) > g1);
    assert_int_equal(mac_learning_lookup(ml, &a, 0, 3000), 4);

    struct mac_learning_stats st;
    mac_learning_get_stats(ml, &st);
    assert_int_equal(st.n_learned, 1);
    assert_int_equal(st.n_moved, 1);

    /* Multicast sources are never learned. */
    struct eth_addr m = { { 0x01, 0x00, 0x5e, 0, 0, 1 } };
    assert_false(mac_learning_learn(ml, &m, 0, 1, 3000));
    assert_int_equal(mac_learning_count(ml), 1);
    mac_learning_destroy(ml);
}

static void
test_aging(void **state)
{
    (void) state;
    struct mac_learning *ml = mac_learning_create(10, 0);
    struct eth_addr a = mac(1), b = mac(2);

    mac_learning_learn(ml, &a, 0, 1, 0);
    mac_learning_learn(ml, &b, 0, 2, 5000);
    /* A lookup past the aging time misses even before expiry runs. */
    assert_int_equal(mac_learning_lookup(ml, &a, 0, 10000), -1);
    assert_int_equal(mac_learning_lookup(ml, &b, 0, 10000), 2);

    uint64_t g = mac_learning_generation(ml);
    assert_int_equal(mac_learning_expire(ml, 10000), 1);
    assert_true(mac_learning_generation(ml) > g);
    assert_int_equal(mac_learning_count(ml), 1);
    assert_int_equal(mac_learning_expire(ml, 14999), 0);
    assert_int_equal(mac_learning_expire(ml, 15000), 1);
    assert_int_equal(mac_learning_count(ml), 0);

    struct mac_learning_stats st;
    mac_learning_get_stats(ml, &st);
    assert_int_equal(st.n_expired, 2);
    mac_learning_destroy(ml);
}

static void
test_limit_evicts_oldest(void **state)
{
    (void) state;
    struct mac_learning *ml = mac_learning_create(0, 3);

    for (uint8_t i = 1; i <= 3; i++) {
        struct eth_addr a = mac(i);
        mac_learning_learn(ml, &a, 0, i, i * 1000);
    }
    /* Refreshing 1 makes 2 the oldest. */
    struct eth_addr a1 = mac(1), a2 = mac(2), a4 = mac(4);
    mac_learning_learn(ml, &a1, 0, 1, 5000);
    mac_learning_learn(ml, &a4, 0, 4, 6000);
    assert_int_equal(mac_learning_count(ml), 3);
    assert_int_equal(mac_learning_lookup(ml, &a2, 0, 6000), -1);
    assert_int_equal(mac_learning_lookup(ml, &a1, 0, 6000), 1);
    assert_int_equal(mac_learning_lookup(ml, &a4, 0, 6000), 4);

    /* Shrinking the table evicts at once. */
    mac_learning_set(ml, 0, 1, 6000);
    assert_int_equal(mac_learning_count(ml), 1);
    assert_int_equal(mac_learning_lookup(ml, &a4, 0, 6000), 4);

    struct mac_learning_stats st;
    mac_learning_get_stats(ml, &st);
    assert_int_equal(st.n_evicted, 3);
    mac_learning_destroy(ml);
}

static void
test_flush_and_format(void **state)
{
    (void) state;
    struct mac_learning *ml = mac_learning_create(0, 0);
    struct eth_addr a = mac(1), b = mac(2), c = mac(3);

    mac_learning_learn(ml, &a, 0, 1, 1000);
    mac_learning_learn(ml, &b, 100, 2, 2000);
    mac_learning_learn(ml, &c, 0, OF_PORT_LOCAL, 3000);

    struct buf out = BUF_INITIALIZER;
    mac_learning_format(ml, 4500, &out);
    assert_string_equal(buf_cstr(&out),
                        " port  VLAN  MAC                Age\n"
                        "    1     0  50:54:00:00:00:01    3\n"
                        "    2   100  50:54:00:00:00:02    2\n"
                        "LOCAL     0  50:54:00:00:00:03    1\n");
    buf_destroy(&out);

    assert_int_equal(mac_learning_flush_port(ml, 2), 1);
    assert_int_equal(mac_learning_lookup(ml, &b, 100, 4500), -1);
    assert_int_equal(mac_learning_count(ml), 2);
    mac_learning_flush(ml);
    assert_int_equal(mac_learning_count(ml), 0);
    mac_learning_destroy(ml);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_learn_lookup_move),
        cmocka_unit_test(test_aging),
        cmocka_unit_test(test_limit_evicts_oldest),
        cmocka_unit_test(test_flush_and_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
