/* Unit tests for ovsdb/lock: queueing, stealing, release and hand-over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ovsdb/lock.h"

static int a, b, c; /* Three sessions, by address. */

struct handover {
    const char *name;
    void *owner;
    int calls;
};

static void
record_handover(const char *name, void *new_owner, void *aux)
{
    struct handover *h = aux;
    h->name = name;
    h->owner = new_owner;
    h->calls++;
}

static void
test_queue_and_release(void **state)
{
    struct ovsdb_lock_table *t = ovsdb_lock_table_create();
    void *stolen;
    bool already, found;

    assert_true(ovsdb_lock_request(t, "L", &a, false, &stolen, &already));
    assert_false(ovsdb_lock_request(t, "L", &b, false, &stolen, &already));
    assert_false(already);
    /* Asking twice is refused and changes nothing. */
    assert_false(ovsdb_lock_request(t, "L", &b, false, &stolen, &already));
    assert_true(already);
    assert_true(ovsdb_lock_is_owner(t, "L", &a));
    assert_false(ovsdb_lock_is_owner(t, "L", &b));

    /* The owner releases: the next in line owns it now. */
    assert_ptr_equal(ovsdb_lock_release(t, "L", &a, &found), &b);
    assert_true(found);
    assert_true(ovsdb_lock_is_owner(t, "L", &b));
    /* Releasing what one does not hold is reported. */
    assert_null(ovsdb_lock_release(t, "L", &a, &found));
    assert_false(found);
    /* A waiter that leaves hands nothing over. */
    assert_false(ovsdb_lock_request(t, "L", &c, false, &stolen, &already));
    assert_null(ovsdb_lock_release(t, "L", &c, &found));
    assert_true(found);
    assert_true(ovsdb_lock_is_owner(t, "L", &b));
    ovsdb_lock_table_destroy(t);
}

static void
test_steal_keeps_victim_in_line(void **state)
{
    struct ovsdb_lock_table *t = ovsdb_lock_table_create();
    void *stolen;
    bool already, found;

    assert_true(ovsdb_lock_request(t, "L", &a, false, &stolen, &already));
    assert_true(ovsdb_lock_request(t, "L", &b, true, &stolen, &already));
    assert_ptr_equal(stolen, &a);
    assert_true(ovsdb_lock_is_owner(t, "L", &b));
    /* The thief releases: the victim gets the lock back. */
    assert_ptr_equal(ovsdb_lock_release(t, "L", &b, &found), &a);
    assert_true(ovsdb_lock_is_owner(t, "L", &a));

    /* Stealing a free lock steals from nobody. */
    assert_true(ovsdb_lock_request(t, "M", &c, true, &stolen, &already));
    assert_null(stolen);
    ovsdb_lock_table_destroy(t);
}

static void
test_release_all(void **state)
{
    struct ovsdb_lock_table *t = ovsdb_lock_table_create();
    void *stolen;
    bool already;
    struct handover h = { 0 };

    ovsdb_lock_request(t, "L", &a, false, &stolen, &already);
    ovsdb_lock_request(t, "L", &b, false, &stolen, &already);
    ovsdb_lock_request(t, "M", &b, false, &stolen, &already);
    ovsdb_lock_request(t, "M", &a, false, &stolen, &already);

    /* A disconnects: it owned L (B gets it) and waited for M (no
     * hand-over). */
    ovsdb_lock_release_all(t, &a, record_handover, &h);
    assert_int_equal(h.calls, 1);
    assert_string_equal(h.name, "L");
    assert_ptr_equal(h.owner, &b);
    assert_true(ovsdb_lock_is_owner(t, "L", &b));
    assert_true(ovsdb_lock_is_owner(t, "M", &b));
    ovsdb_lock_table_destroy(t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_and_release),
        cmocka_unit_test(test_steal_keeps_victim_in_line),
        cmocka_unit_test(test_release_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
