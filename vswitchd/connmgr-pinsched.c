/* connmgr-pinsched.c: the packet-in scheduler (see connmgr-pinsched.h).
 *
 * The bucket counts in thousandths of a message, so that RATE messages
 * per second is RATE units per millisecond and no rate loses precision
 * to the millisecond clock.  Only non-empty queues exist; they are in a
 * hash map by port, to find a port's queue, and in a ring in round-robin
 * order, to serve them: the queue at the front sends one message and goes
 * to the back. */
#include <limits.h>
#include <stdlib.h>

#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/list.h"
#include "lib/util.h"
#include "vswitchd/connmgr-pinsched.h"

COVERAGE_DEFINE(pinsched_queued);
COVERAGE_DEFINE(pinsched_dropped);

/* One message's worth of tokens. */
#define TOKEN 1000ULL

/* A queued message. */
struct pinsched_msg {
    struct dlist node; /* In its queue's 'msgs'. */
    struct buf buf;
};

/* The queue of one port, while it holds messages. */
struct pinsched_queue {
    struct hmap_node hmap_node; /* In pinsched's 'queues', by port. */
    struct dlist ring_node;     /* In pinsched's 'ring'. */
    uint32_t port;
    struct dlist msgs; /* struct pinsched_msg, oldest first. */
    size_t n;          /* Length of 'msgs'. */
};

struct pinsched {
    unsigned int rate;  /* Messages per second (thousandths per ms). */
    unsigned int burst; /* Bucket size and backlog limit, in messages. */
    uint64_t tokens;    /* Thousandths of a message, <= burst * TOKEN. */
    long long last_fill_ms;

    struct hmap queues; /* struct pinsched_queue, by hash of port. */
    struct dlist ring;  /* struct pinsched_queue, next to serve first. */
    uint64_t backlog;   /* Messages in all queues. */

    uint64_t n_bypassed, n_queued, n_dropped;
};

/* The tokens PS's bucket holds at NOW_MS (a clock that went back adds
 * nothing). */
static uint64_t
tokens_at(const struct pinsched *ps, long long now_ms)
{
    uint64_t cap = (uint64_t) ps->burst * TOKEN;
    uint64_t missing = cap - ps->tokens;
    uint64_t elapsed;

    if (now_ms <= ps->last_fill_ms || !missing) {
        return ps->tokens;
    }
    elapsed = (uint64_t) (now_ms - ps->last_fill_ms);
    /* Compare before multiplying: a long idle time must not overflow. */
    if (elapsed >= (missing + ps->rate - 1) / ps->rate) {
        return cap;
    }
    return ps->tokens + elapsed * ps->rate;
}

static void
refill(struct pinsched *ps, long long now_ms)
{
    ps->tokens = tokens_at(ps, now_ms);
    if (now_ms > ps->last_fill_ms) {
        ps->last_fill_ms = now_ms;
    }
}

/* Takes one message's worth of tokens at NOW_MS, if there is one. */
static bool
take_token(struct pinsched *ps, long long now_ms)
{
    refill(ps, now_ms);
    if (ps->tokens < TOKEN) {
        return false;
    }
    ps->tokens -= TOKEN;
    return true;
}

static void
apply_limits(struct pinsched *ps, unsigned int rate, unsigned int burst)
{
    ps->rate = rate ? rate : 1;
    ps->burst = burst ? burst : NF_MAX(ps->rate / 4, 1u);
    ps->tokens = NF_MIN(ps->tokens, (uint64_t) ps->burst * TOKEN);
}

static struct pinsched_queue *
queue_find(const struct pinsched *ps, uint32_t port)
{
    struct pinsched_queue *q;

    HMAP_FOR_EACH_WITH_HASH (q, hmap_node, hash_int(port, 0), &ps->queues) {
        if (q->port == port) {
            return q;
        }
    }
    return NULL;
}

/* PORT's queue, created (at the back of the ring) if it has none. */
static struct pinsched_queue *
queue_get(struct pinsched *ps, uint32_t port)
{
    struct pinsched_queue *q = queue_find(ps, port);

    if (!q) {
        q = xzalloc(sizeof *q);
        q->port = port;
        dlist_init(&q->msgs);
        hmap_insert(&ps->queues, &q->hmap_node, hash_int(port, 0));
        dlist_push_back(&ps->ring, &q->ring_node);
    }
    return q;
}

/* Takes Q's oldest message into *MSG, and frees Q if that emptied it. */
static void
queue_pop(struct pinsched *ps, struct pinsched_queue *q, struct buf *msg)
{
    struct pinsched_msg *m =
        CONTAINER_OF(dlist_pop_front(&q->msgs), struct pinsched_msg, node);

    *msg = m->buf;
    free(m);
    q->n--;
    ps->backlog--;
    if (!q->n) {
        hmap_remove(&ps->queues, &q->hmap_node);
        dlist_remove(&q->ring_node);
        free(q);
    }
}

/* Drops the oldest message of the longest queue.  Among queues of equal
 * length the one nearest the front of the ring loses (Open vSwitch picks
 * one at random): deterministic, and that queue is about to be served
 * anyway. */
static void
drop_one(struct pinsched *ps)
{
    struct pinsched_queue *q, *longest = NULL;
    struct buf msg;

    DLIST_FOR_EACH (q, ring_node, &ps->ring) {
        if (!longest || q->n > longest->n) {
            longest = q;
        }
    }
    if (!longest) {
        return;
    }
    COVERAGE_INC(pinsched_dropped);
    ps->n_dropped++;
    queue_pop(ps, longest, &msg);
    buf_destroy(&msg);
}

/* Takes the next message in round robin into *MSG: the front queue's
 * oldest, after which that queue (if not empty) goes to the back. */
static void
ring_pop(struct pinsched *ps, struct buf *msg)
{
    struct pinsched_queue *q =
        CONTAINER_OF(ps->ring.next, struct pinsched_queue, ring_node);

    if (q->n > 1) {
        dlist_remove(&q->ring_node);
        dlist_push_back(&ps->ring, &q->ring_node);
    }
    queue_pop(ps, q, msg);
}

struct pinsched *
pinsched_create(unsigned int rate, unsigned int burst, long long now_ms)
{
    struct pinsched *ps = xzalloc(sizeof *ps);

    hmap_init(&ps->queues);
    dlist_init(&ps->ring);
    apply_limits(ps, rate, burst);
    ps->tokens = (uint64_t) ps->burst * TOKEN;
    ps->last_fill_ms = now_ms;
    return ps;
}

void
pinsched_destroy(struct pinsched *ps)
{
    struct buf msg;

    if (!ps) {
        return;
    }
    while (pinsched_pop(ps, &msg)) {
        buf_destroy(&msg);
    }
    hmap_destroy(&ps->queues);
    free(ps);
}

void
pinsched_set_limits(struct pinsched *ps, unsigned int rate, unsigned int burst,
                    long long now_ms)
{
    /* What accrued so far accrued at the old rate. */
    refill(ps, now_ms);
    apply_limits(ps, rate, burst);
    while (ps->backlog > ps->burst) {
        drop_one(ps);
    }
}

unsigned int
pinsched_get_rate(const struct pinsched *ps)
{
    return ps->rate;
}

unsigned int
pinsched_get_burst(const struct pinsched *ps)
{
    return ps->burst;
}

bool
pinsched_send(struct pinsched *ps, uint32_t port, struct buf *msg,
              long long now_ms)
{
    struct pinsched_queue *q;
    struct pinsched_msg *m;

    /* A message may overtake nothing: with a backlog it queues even when
     * a token is there (the next pinsched_next() takes that token). */
    if (!ps->backlog && take_token(ps, now_ms)) {
        ps->n_bypassed++;
        return true;
    }
    if (ps->backlog >= ps->burst) {
        drop_one(ps);
    }
    COVERAGE_INC(pinsched_queued);
    q = queue_get(ps, port);
    m = xmalloc(sizeof *m);
    m->buf = *msg;
    buf_init(msg);
    dlist_push_back(&q->msgs, &m->node);
    q->n++;
    ps->backlog++;
    ps->n_queued++;
    return false;
}

bool
pinsched_next(struct pinsched *ps, long long now_ms, struct buf *msg)
{
    if (!ps->backlog || !take_token(ps, now_ms)) {
        return false;
    }
    ring_pop(ps, msg);
    return true;
}

bool
pinsched_pop(struct pinsched *ps, struct buf *msg)
{
    if (!ps->backlog) {
        return false;
    }
    ring_pop(ps, msg);
    return true;
}

long long
pinsched_wakeup(const struct pinsched *ps, long long now_ms)
{
    uint64_t tokens;
    long long from;

    if (!ps->backlog) {
        return LLONG_MAX;
    }
    tokens = tokens_at(ps, now_ms);
    if (tokens >= TOKEN) {
        return now_ms;
    }
    /* The bucket fills from the later of NOW_MS and the last fill (a
     * clock that went back). */
    from = NF_MAX(now_ms, ps->last_fill_ms);
    return from + (long long) ((TOKEN - tokens + ps->rate - 1) / ps->rate);
}

void
pinsched_get_stats(const struct pinsched *ps, struct pinsched_stats *stats)
{
    stats->n_bypassed = ps->n_bypassed;
    stats->n_queued = ps->n_queued;
    stats->n_dropped = ps->n_dropped;
    stats->backlog = ps->backlog;
}
