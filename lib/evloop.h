/* evloop.h: an epoll event loop with timers, one per thread that needs it.
 *
 * Callbacks run on the loop's thread, one at a time.  A callback may add or
 * remove any fd or timer, including its own: removal takes effect at once
 * (no further callback for it, even for events already collected in the
 * same wait), and memory is reclaimed after the current dispatch round.
 *
 * Life cycle: evloop_create() → register fds/timers → evloop_run() (until
 * evloop_stop()) or repeated evloop_run_once() → evloop_destroy().
 * Not thread-safe, except evloop_wake(), which any thread may call, and
 * the wait hooks' arrangement below: a program whose other threads share
 * state with the loop's callbacks (nicflowd's upcall handlers) guards it
 * with a lock that the loop's thread holds except while it waits, and
 * its other threads may then add and remove fds and timers while they
 * hold that lock; such a change wakes the waiting loop, so that it takes
 * effect at once. */
#ifndef NICFLOW_EVLOOP_H
#define NICFLOW_EVLOOP_H 1

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

struct evloop;
struct evloop_timer;

/* EVENTS is a mask of EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP. */
typedef void evloop_fd_cb(int fd, uint32_t events, void *aux);
typedef void evloop_timer_cb(void *aux);

struct evloop *evloop_create(void);

/* Frees the loop.  Registered fds are not closed (their owners close
 * them). */
void evloop_destroy(struct evloop *);

/* Watches FD for EVENTS (EPOLLIN/EPOLLOUT; errors and hang-ups are always
 * reported).  An fd may be registered once.  Returns 0 or a positive errno
 * (EEXIST if already registered). */
int evloop_add_fd(struct evloop *, int fd, uint32_t events, evloop_fd_cb *,
                  void *aux);

/* Changes the events watched for FD.  Returns 0 or a positive errno
 * (ENOENT if FD is not registered). */
int evloop_mod_fd(struct evloop *, int fd, uint32_t events);

/* Stops watching FD; harmless if FD is not registered.  Call before closing
 * the fd. */
void evloop_del_fd(struct evloop *, int fd);

/* Calls CB after DELAY_MS milliseconds, then every PERIOD_MS if PERIOD_MS >
 * 0 (otherwise once, after which the timer is freed automatically).  The
 * returned handle is valid until the timer is cancelled or, for a one-shot
 * timer, until its callback returns. */
struct evloop_timer *evloop_add_timer(struct evloop *, long long delay_ms,
                                      long long period_ms, evloop_timer_cb *,
                                      void *aux);

/* Cancels TIMER (NULL is ignored). */
void evloop_cancel_timer(struct evloop *, struct evloop_timer *);

/* Waits at most TIMEOUT_MS (-1: until something happens) and runs what is
 * due.  Returns 0, or a positive errno if epoll_wait() failed (EINTR is
 * not a failure). */
int evloop_run_once(struct evloop *, int timeout_ms);

/* Calls BEFORE(AUX) on the loop's thread just before it blocks waiting
 * for events, and AFTER(AUX) as soon as the wait returns (either may be
 * NULL): the place to release and take again the lock described at the
 * top of this file.  Nothing of the loop is touched between the two. */
void evloop_set_wait_hooks(struct evloop *, void (*before)(void *),
                           void (*after)(void *), void *aux);

/* Runs until evloop_stop(). */
void evloop_run(struct evloop *);

/* Makes evloop_run() return after the current round. */
void evloop_stop(struct evloop *);
bool evloop_is_stopped(const struct evloop *);

/* Wakes a waiting loop from any thread (or a signal handler). */
void evloop_wake(struct evloop *);

#endif
