/* Unit tests for lib/evloop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/evloop.h"
#include "lib/util.h"

struct ctx {
    struct evloop *loop;
    int fds[2];
    int reads;
    int timer_fires;
    int other_fd; /* Removed by the first callback that runs. */
    int other_calls;
    struct evloop_timer *periodic;
};

static void
read_cb(int fd, uint32_t events, void *aux)
{
    struct ctx *c = aux;
    char buf[16];
    assert_true(events & EPOLLIN);
    assert_true(read(fd, buf, sizeof buf) > 0);
    c->reads++;
}

static void
timer_cb(void *aux)
{
    struct ctx *c = aux;
    c->timer_fires++;
}

static void
test_fd_and_timers(void **state)
{
    struct ctx c = { .loop = evloop_create() };
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, c.fds), 0);

    assert_int_equal(evloop_add_fd(c.loop, c.fds[0], EPOLLIN, read_cb, &c), 0);
    /* A second registration of the same fd is refused. */
    assert_int_equal(evloop_add_fd(c.loop, c.fds[0], EPOLLIN, read_cb, &c),
                     EEXIST);
    assert_int_equal(evloop_mod_fd(c.loop, 12345, EPOLLIN), ENOENT);

    assert_int_equal(write(c.fds[1], "x", 1), 1);
    assert_int_equal(evloop_run_once(c.loop, 1000), 0);
    assert_int_equal(c.reads, 1);

    /* Nothing pending: run_once returns after the timeout with no call. */
    long long t0 = nf_time_msec();
    assert_int_equal(evloop_run_once(c.loop, 50), 0);
    assert_true(nf_time_msec() - t0 >= 45);
    assert_int_equal(c.reads, 1);

    /* One-shot timer fires once; a periodic timer keeps firing until
     * cancelled; a cancelled timer never fires. */
    evloop_add_timer(c.loop, 10, 0, timer_cb, &c);
    struct evloop_timer *never = evloop_add_timer(c.loop, 10, 0, timer_cb, &c);
    evloop_cancel_timer(c.loop, never);
    long long end = nf_time_msec() + 100;
    while (nf_time_msec() < end) {
        evloop_run_once(c.loop, 20);
    }
    assert_int_equal(c.timer_fires, 1);

    c.timer_fires = 0;
    struct evloop_timer *per = evloop_add_timer(c.loop, 0, 10, timer_cb, &c);
    end = nf_time_msec() + 105;
    while (nf_time_msec() < end) {
        evloop_run_once(c.loop, 5);
    }
    evloop_cancel_timer(c.loop, per);
    /* A loaded machine may delay rounds (the timer does not catch up on
     * missed periods), so only bound the count loosely. */
    assert_true(c.timer_fires >= 2 && c.timer_fires <= 12);
    int fired = c.timer_fires;
    evloop_run_once(c.loop, 30);
    assert_int_equal(c.timer_fires, fired);

    evloop_del_fd(c.loop, c.fds[0]);
    assert_int_equal(write(c.fds[1], "y", 1), 1);
    evloop_run_once(c.loop, 20);
    assert_int_equal(c.reads, 1);

    close(c.fds[0]);
    close(c.fds[1]);
    evloop_destroy(c.loop);
}

/* Both fds are readable in the same round; whichever callback runs first
 * removes the other, which then must not be called. */
static void
remover_cb(int fd, uint32_t events, void *aux)
{
    struct ctx *c = aux;
    c->other_calls++;
    int other = fd == c->fds[0] ? c->fds[1] : c->fds[0];
    evloop_del_fd(c->loop, other);
    evloop_del_fd(c->loop, fd);
}

static void
test_remove_during_dispatch(void **state)
{
    struct ctx c = { .loop = evloop_create() };
    int a[2], b[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
    c.fds[0] = a[0];
    c.fds[1] = b[0];
    evloop_add_fd(c.loop, a[0], EPOLLIN, remover_cb, &c);
    evloop_add_fd(c.loop, b[0], EPOLLIN, remover_cb, &c);
    assert_int_equal(write(a[1], "x", 1), 1);
    assert_int_equal(write(b[1], "x", 1), 1);
    evloop_run_once(c.loop, 1000);
    assert_int_equal(c.other_calls, 1);
    close(a[0]);
    close(a[1]);
    close(b[0]);
    close(b[1]);
    evloop_destroy(c.loop);
}

static void
stop_cb(void *aux)
{
    evloop_stop(aux);
}

static void
test_run_until_stop(void **state)
{
    struct evloop *loop = evloop_create();
    evloop_add_timer(loop, 20, 0, stop_cb, loop);
    long long t0 = nf_time_msec();
    evloop_run(loop);
    assert_true(evloop_is_stopped(loop));
    assert_true(nf_time_msec() - t0 >= 15);
    evloop_destroy(loop);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fd_and_timers),
        cmocka_unit_test(test_remove_during_dispatch),
        cmocka_unit_test(test_run_until_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
