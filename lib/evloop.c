/* evloop.c: epoll event loop with timers (see evloop.h).
 *
 * Timers live in a binary min-heap ordered by due time.  Fd registrations
 * live in a hash map by fd; epoll's data pointer refers to the registration,
 * which is only marked dead when removed during a dispatch round and freed
 * after it, so events collected earlier in the same epoll_wait() batch
 * never reach a freed registration. */
#include "evloop.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "coverage.h"
#include "hash.h"
#include "hmap.h"
#include "util.h"
#include "vlog.h"

VLOG_DEFINE_THIS_MODULE(evloop);
COVERAGE_DEFINE(evloop_wakeup);

struct evloop_fd {
    struct hmap_node node; /* In evloop->fds, by fd. */
    int fd;
    bool dead;
    evloop_fd_cb *cb;
    void *aux;
    struct evloop_fd *next_dead;
};

struct evloop_timer {
    long long due;    /* Monotonic msec. */
    long long period; /* 0 = one shot. */
    size_t heap_idx;  /* Position in the heap; SIZE_MAX if
                                     * not in it (fired or cancelled). */
    bool cancelled;
    evloop_timer_cb *cb;
    void *aux;
};

struct evloop {
    int epfd;
    int wake_fd; /* eventfd for evloop_wake(). */
    struct hmap fds;
    struct evloop_fd *dead_fds; /* Freed after the dispatch round. */
    struct evloop_timer **heap;
    size_t n_heap, heap_cap;
    bool stopped;

    /* evloop_set_wait_hooks(). */
    void (*before_wait)(void *);
    void (*after_wait)(void *);
    void *wait_aux;

    /* The thread that runs the loop (valid once HAS_OWNER): a change made
     * by any other thread wakes it (see evloop.h). */
    pthread_t owner;
    bool has_owner;
};

/* A change to L's fds or timers was just made: if another thread made
 * it, the loop may be waiting with a timeout that no longer holds. */
static void
changed(struct evloop *l)
{
    if (l->has_owner && !pthread_equal(pthread_self(), l->owner)) {
        evloop_wake(l);
    }
}

static void
heap_swap(struct evloop *l, size_t a, size_t b)
{
    struct evloop_timer *t = l->heap[a];
    l->heap[a] = l->heap[b];
    l->heap[b] = t;
    l->heap[a]->heap_idx = a;
    l->heap[b]->heap_idx = b;
}

static void
heap_up(struct evloop *l, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (l->heap[parent]->due <= l->heap[i]->due) {
            break;
        }
        heap_swap(l, i, parent);
        i = parent;
    }
}

static void
heap_down(struct evloop *l, size_t i)
{
    for (;;) {
        size_t least = i, c1 = 2 * i + 1, c2 = 2 * i + 2;
        if (c1 < l->n_heap && l->heap[c1]->due < l->heap[least]->due) {
            least = c1;
        }
        if (c2 < l->n_heap && l->heap[c2]->due < l->heap[least]->due) {
            least = c2;
        }
        if (least == i) {
            break;
        }
        heap_swap(l, i, least);
        i = least;
    }
}

static void
heap_push(struct evloop *l, struct evloop_timer *t)
{
    if (l->n_heap == l->heap_cap) {
        l->heap_cap = l->heap_cap ? 2 * l->heap_cap : 16;
        l->heap = xrealloc(l->heap, l->heap_cap * sizeof *l->heap);
    }
    t->heap_idx = l->n_heap;
    l->heap[l->n_heap++] = t;
    heap_up(l, t->heap_idx);
}

static void
heap_remove(struct evloop *l, struct evloop_timer *t)
{
    size_t i = t->heap_idx;
    l->n_heap--;
    if (i != l->n_heap) {
        heap_swap(l, i, l->n_heap);
        heap_down(l, i);
        heap_up(l, i);
    }
    t->heap_idx = SIZE_MAX;
}

static void
wake_cb(int fd, uint32_t events, void *aux)
{
    uint64_t v;
    /* Draining may fail with EAGAIN if another round already did it. */
    if (read(fd, &v, sizeof v) < 0 && errno != EAGAIN) {
        VLOG_WARN("reading wake-up eventfd failed: %s", nf_strerror(errno));
    }
    COVERAGE_INC(evloop_wakeup);
}

struct evloop *
evloop_create(void)
{
    struct evloop *l = xzalloc(sizeof *l);
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (l->epfd < 0) {
        nf_abort("epoll_create1 failed: %s", nf_strerror(errno));
    }
    l->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (l->wake_fd < 0) {
        nf_abort("eventfd failed: %s", nf_strerror(errno));
    }
    hmap_init(&l->fds);
    evloop_add_fd(l, l->wake_fd, EPOLLIN, wake_cb, NULL);
    return l;
}

static void
free_dead_fds(struct evloop *l)
{
    while (l->dead_fds) {
        struct evloop_fd *f = l->dead_fds;
        l->dead_fds = f->next_dead;
        free(f);
    }
}

void
evloop_destroy(struct evloop *l)
{
    if (!l) {
        return;
    }
    struct evloop_fd *f;
    HMAP_FOR_EACH_SAFE (f, node, &l->fds) {
        hmap_remove(&l->fds, &f->node);
        free(f);
    }
    free_dead_fds(l);
    hmap_destroy(&l->fds);
    for (size_t i = 0; i < l->n_heap; i++) {
        free(l->heap[i]);
    }
    free(l->heap);
    close(l->wake_fd);
    close(l->epfd);
    free(l);
}

static struct evloop_fd *
find_fd(const struct evloop *l, int fd)
{
    struct evloop_fd *f;
    HMAP_FOR_EACH_WITH_HASH (f, node, hash_int((uint32_t) fd, 0), &l->fds) {
        if (f->fd == fd) {
            return f;
        }
    }
    return NULL;
}

int
evloop_add_fd(struct evloop *l, int fd, uint32_t events, evloop_fd_cb *cb,
              void *aux)
{
    if (find_fd(l, fd)) {
        return EEXIST;
    }
    struct evloop_fd *f = xzalloc(sizeof *f);
    f->fd = fd;
    f->cb = cb;
    f->aux = aux;
    struct epoll_event ev = { .events = events, .data.ptr = f };
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        int error = errno;
        free(f);
        return error;
    }
    hmap_insert(&l->fds, &f->node, hash_int((uint32_t) fd, 0));
    changed(l);
    return 0;
}

int
evloop_mod_fd(struct evloop *l, int fd, uint32_t events)
{
    struct evloop_fd *f = find_fd(l, fd);
    if (!f) {
        return ENOENT;
    }
    struct epoll_event ev = { .events = events, .data.ptr = f };
    if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0) {
        return errno;
    }
    changed(l);
    return 0;
}

void
evloop_del_fd(struct evloop *l, int fd)
{
    struct evloop_fd *f = find_fd(l, fd);
    if (!f) {
        return;
    }
    /* Failure is possible if the fd was already closed; the kernel then
     * dropped it from the epoll set by itself. */
    epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
    hmap_remove(&l->fds, &f->node);
    f->dead = true;
    f->next_dead = l->dead_fds;
    l->dead_fds = f;
    changed(l);
}

struct evloop_timer *
evloop_add_timer(struct evloop *l, long long delay_ms, long long period_ms,
                 evloop_timer_cb *cb, void *aux)
{
    struct evloop_timer *t = xzalloc(sizeof *t);
    t->due = nf_time_msec() + NF_MAX(delay_ms, 0);
    t->period = NF_MAX(period_ms, 0);
    t->cb = cb;
    t->aux = aux;
    heap_push(l, t);
    changed(l);
    return t;
}

void
evloop_cancel_timer(struct evloop *l, struct evloop_timer *t)
{
    if (!t) {
        return;
    }
    if (t->heap_idx != SIZE_MAX) {
        heap_remove(l, t);
        free(t);
    } else {
        /* The timer is firing right now (its callback cancels it); the
         * dispatcher frees it when the callback returns. */
        t->cancelled = true;
    }
}

static void
run_timers(struct evloop *l)
{
    long long now = nf_time_msec();
    while (l->n_heap && l->heap[0]->due <= now) {
        struct evloop_timer *t = l->heap[0];
        heap_remove(l, t);
        t->cb(t->aux);
        if (t->cancelled || !t->period) {
            free(t);
        } else {
            /* Keep the cadence, but never try to catch up on missed
             * periods all at once. */
            t->due += t->period;
            if (t->due <= now) {
                t->due = now + t->period;
            }
            heap_push(l, t);
        }
    }
}

static int
next_timeout(const struct evloop *l, int timeout_ms)
{
    if (!l->n_heap) {
        return timeout_ms;
    }
    long long wait = l->heap[0]->due - nf_time_msec();
    wait = NF_MAX(wait, 0);
    if (timeout_ms >= 0 && timeout_ms < wait) {
        return timeout_ms;
    }
    return (int) NF_MIN(wait, (long long) 1 << 30);
}

void
evloop_set_wait_hooks(struct evloop *l, void (*before)(void *),
                      void (*after)(void *), void *aux)
{
    l->before_wait = before;
    l->after_wait = after;
    l->wait_aux = aux;
}

int
evloop_run_once(struct evloop *l, int timeout_ms)
{
    struct epoll_event events[64];
    int timeout = next_timeout(l, timeout_ms);

    if (!l->has_owner) {
        l->owner = pthread_self();
        l->has_owner = true;
    }
    if (l->before_wait) {
        l->before_wait(l->wait_aux);
    }
    int n = epoll_wait(l->epfd, events, ARRAY_SIZE(events), timeout);
    int error = n < 0 ? errno : 0;
    if (l->after_wait) {
        l->after_wait(l->wait_aux);
    }
    if (n < 0) {
        return error == EINTR ? 0 : error;
    }
    for (int i = 0; i < n; i++) {
        struct evloop_fd *f = events[i].data.ptr;
        if (!f->dead) {
            f->cb(f->fd, events[i].events, f->aux);
        }
    }
    free_dead_fds(l);
    run_timers(l);
    free_dead_fds(l);
    return 0;
}

void
evloop_run(struct evloop *l)
{
    l->stopped = false;
    while (!l->stopped) {
        int error = evloop_run_once(l, -1);
        if (error) {
            VLOG_ERR("epoll_wait failed: %s", nf_strerror(error));
            break;
        }
    }
}

void
evloop_stop(struct evloop *l)
{
    l->stopped = true;
    evloop_wake(l);
}

bool
evloop_is_stopped(const struct evloop *l)
{
    return l->stopped;
}

void
evloop_wake(struct evloop *l)
{
    uint64_t one = 1;
    /* EAGAIN means the counter is already non-zero: the loop will wake. */
    if (write(l->wake_fd, &one, sizeof one) < 0) {
        return;
    }
}
