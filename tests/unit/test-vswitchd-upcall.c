/* Unit tests for the upcall layer's pure parts (vswitchd/upcall.c): the
 * dynamic flow limit after a revalidator pass, against the rule Open
 * vSwitch 3.1 applies (ofproto-dpif-upcall.c's revalidator), with
 * nicflowd's start at the configured limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vswitchd/upcall.h"

static void
test_flow_limit_adjust(void **state)
{
    /* Quick passes: nothing changes at the configured limit, and a limit
     * that came down climbs back by 1,000 while the flows would fit. */
    assert_int_equal(upcall_flow_limit_adjust(200000, 200000, 50000, 20),
                     200000);
    assert_int_equal(upcall_flow_limit_adjust(40000, 200000, 50000, 500),
                     41000);
    /* ... but not when it already holds what a second's pass could. */
    assert_int_equal(upcall_flow_limit_adjust(150000, 200000, 50000, 500),
                     150000);
    /* A pass of no measurable time never divides by zero. */
    assert_int_equal(upcall_flow_limit_adjust(40000, 200000, 0, 0), 41000);
    /* 1.0 to 1.3 s: kept. */
    assert_int_equal(upcall_flow_limit_adjust(80000, 200000, 80000, 1200),
                     80000);
    /* Over 1.3 s: a quarter off; over 2 s: divided by its seconds. */
    assert_int_equal(upcall_flow_limit_adjust(80000, 200000, 80000, 1500),
                     60000);
    assert_int_equal(upcall_flow_limit_adjust(90000, 200000, 90000, 3500),
                     30000);
    /* Never under 1,000, never over the configured limit. */
    assert_int_equal(upcall_flow_limit_adjust(1200, 200000, 1200, 9000), 1000);
    assert_int_equal(upcall_flow_limit_adjust(9800, 10000, 100, 10), 10000);
    assert_int_equal(upcall_flow_limit_adjust(50000, 10000, 100, 10), 10000);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_limit_adjust),
    };
    return cmocka_run_group_tests_name("upcall", tests, NULL, NULL);
}
