/* Unit tests for nicflowd's daemon lock (vswitchd/biglock.c): mutual
 * exclusion, first-come-first-served order (a holder that releases the
 * lock and asks again at once queues behind a thread that was already
 * waiting, which a plain pthread mutex does not promise), the holder
 * check, and the event-loop wait hooks: another thread runs while the
 * loop waits, and a timer it adds wakes the loop. */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/evloop.h"
#include "lib/util.h"
#include "vswitchd/biglock.h"

/* Waits (yielding) until N threads are queued for the lock. */
static void
wait_for_waiters(unsigned int n)
{
    while (biglock_n_waiting() < n) {
        sched_yield();
    }
}

/* The order in which threads got the lock. */
static int order[8];
static size_t n_order;

struct taker {
    int id;
};

static void *
taker_main(void *t_)
{
    const struct taker *t = t_;

    biglock_lock();
    order[n_order++] = t->id; /* Guarded by the lock itself. */
    biglock_unlock();
    return NULL;
}

static void
test_fifo(void **state NF_UNUSED)
{
    struct taker a = { .id = 1 }, b = { .id = 2 };
    pthread_t ta, tb;

    n_order = 0;
    biglock_lock();
    assert_true(biglock_held());
    assert_int_equal(biglock_n_waiting(), 0);

    /* A queues first, then B. */
    assert_int_equal(pthread_create(&ta, NULL, taker_main, &a), 0);
    wait_for_waiters(1);
    assert_int_equal(pthread_create(&tb, NULL, taker_main, &b), 0);
    wait_for_waiters(2);

    /* The holder lets go and asks again at once: it comes after both. */
    biglock_unlock();
    assert_false(biglock_held());
    biglock_lock();
    order[n_order++] = 0;
    biglock_unlock();

    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(n_order, 3);
    assert_int_equal(order[0], 1);
    assert_int_equal(order[1], 2);
    assert_int_equal(order[2], 0);
    assert_int_equal(biglock_n_waiting(), 0);
}

/* Mutual exclusion: increments of a plain counter under the lock from
 * several threads are never lost (and ThreadSanitizer sees no race). */
static long counter;

static void *
counter_main(void *arg NF_UNUSED)
{
    for (int i = 0; i < 20000; i++) {
        biglock_lock();
        counter++;
        biglock_unlock();
    }
    return NULL;
}

static void
test_exclusion(void **state NF_UNUSED)
{
    pthread_t t[4];

    counter = 0;
    for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
        assert_int_equal(pthread_create(&t[i], NULL, counter_main, NULL), 0);
    }
    for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
        pthread_join(t[i], NULL);
    }
    assert_int_equal(counter, 20000 * (long) ARRAY_SIZE(t));
}

/* The wait hooks: while the loop waits, another thread takes the lock and
 * adds a timer due at once; the loop, woken by the change, runs it. */
struct loop_aux {
    struct evloop *loop;
    atomic_bool fired;
    atomic_bool added;
};

static void
timer_cb(void *aux_)
{
    struct loop_aux *aux = aux_;

    assert_true(biglock_held()); /* Callbacks run under the lock. */
    atomic_store(&aux->fired, true);
    evloop_stop(aux->loop);
}

static void *
adder_main(void *aux_)
{
    struct loop_aux *aux = aux_;

    /* The loop's thread holds the lock until it waits. */
    biglock_lock();
    evloop_add_timer(aux->loop, 0, 0, timer_cb, aux);
    atomic_store(&aux->added, true);
    biglock_unlock();
    return NULL;
}

static void
test_wait_hooks(void **state NF_UNUSED)
{
    struct loop_aux aux = { .loop = evloop_create() };
    pthread_t t;

    biglock_lock();
    evloop_set_wait_hooks(aux.loop, biglock_before_wait, biglock_after_wait,
                          NULL);
    assert_int_equal(pthread_create(&t, NULL, adder_main, &aux), 0);
    /* No timer and no fd: without the wake-up this would wait forever. */
    evloop_run(aux.loop);
    assert_true(biglock_held());
    assert_true(atomic_load(&aux.added));
    assert_true(atomic_load(&aux.fired));
    biglock_unlock();
    pthread_join(t, NULL);
    evloop_destroy(aux.loop);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo),
        cmocka_unit_test(test_exclusion),
        cmocka_unit_test(test_wait_hooks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
