/* connmgr-pinsched.h: a packet-in scheduler, the rate limiter behind a
 * Controller row's controller_rate_limit and controller_burst_limit (Open
 * vSwitch's "pinsched").
 *
 * A scheduler is a token bucket in front of one FIFO queue per input
 * port.  The bucket fills at RATE messages per second up to BURST
 * messages; each message sent takes one.  A message offered while nothing
 * is queued and a token is available goes out at once ("bypassed");
 * otherwise it is queued behind its port's earlier messages ("queued").
 * The queues hold at most BURST messages together: when they are full, the
 * oldest message of the longest queue is dropped to make room ("dropped"),
 * so that a port that floods loses its own messages rather than the
 * others'.  Queued messages go out as tokens accrue, one port at a time in
 * round robin, so that every port with a backlog gets its share.
 *
 * The scheduler knows nothing about OpenFlow: messages are opaque byte
 * buffers and ports opaque numbers.  Time is passed in by the caller
 * (monotonic milliseconds), never read from the clock, so that tests
 * choose it.  A new scheduler's bucket is full.
 *
 * Life cycle: pinsched_create() → pinsched_send() for every message →
 * pinsched_next() whenever pinsched_wakeup() is due (and
 * pinsched_set_limits() for new limits) → pinsched_pop() to take what is
 * left, or pinsched_destroy(), which frees it.
 *
 * Not thread-safe: one scheduler is used by one thread at a time (in
 * nicflowd, under the daemon lock). */
#ifndef NICFLOW_VSWITCHD_CONNMGR_PINSCHED_H
#define NICFLOW_VSWITCHD_CONNMGR_PINSCHED_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

struct pinsched;

/* A scheduler's counters, as Open vSwitch reports them in a Controller
 * row's status (packet-in-<kind>-<counter>).  Every message offered is
 * counted once as bypassed or queued; a queued message is later either
 * sent, dropped, or still in the backlog, so that the messages sent are
 * N_BYPASSED + N_QUEUED - N_DROPPED - BACKLOG (pinsched_pop() and
 * pinsched_destroy() take messages out of the backlog uncounted). */
struct pinsched_stats {
    uint64_t n_bypassed; /* Sent at once, never queued. */
    uint64_t n_queued;   /* Queued (including those dropped later). */
    uint64_t n_dropped;  /* Dropped from a full backlog. */
    uint64_t backlog;    /* Queued now. */
};

/* Creates a scheduler that sends RATE messages per second with bursts of
 * BURST, its bucket full at NOW_MS.  RATE 0 counts as 1; BURST 0 means
 * RATE / 4, and at least 1, as in Open vSwitch. */
struct pinsched *pinsched_create(unsigned int rate, unsigned int burst,
                                 long long now_ms);

/* Frees PS and every message it still queues (NULL is ignored). */
void pinsched_destroy(struct pinsched *);

/* Changes the limits (RATE and BURST as for pinsched_create()) at NOW_MS,
 * keeping the queued messages and the tokens (up to the new BURST).  A
 * backlog above the new BURST loses messages as when it overflows: the
 * oldest of the longest queue first, counted as dropped. */
void pinsched_set_limits(struct pinsched *, unsigned int rate,
                         unsigned int burst, long long now_ms);

/* The limits in force, after the defaults of pinsched_create(). */
unsigned int pinsched_get_rate(const struct pinsched *);
unsigned int pinsched_get_burst(const struct pinsched *);

/* Offers MSG, a message about a packet that arrived on PORT, at NOW_MS.
 * Returns true if MSG may be sent at once: it is left to the caller, who
 * sends it.  Otherwise returns false having taken MSG's contents (MSG is
 * left empty) into PORT's queue, after dropping one message as described
 * at the top of this file if the backlog was already BURST long; the new
 * message itself is never the one dropped. */
bool pinsched_send(struct pinsched *, uint32_t port, struct buf *msg,
                   long long now_ms);

/* If a message is queued and a token is available at NOW_MS, takes the
 * token, moves the next message in round robin over the ports into *MSG
 * and returns true; the caller sends it and destroys *MSG.  Otherwise
 * returns false.  *MSG must not hold memory on entry (it is
 * overwritten). */
bool pinsched_next(struct pinsched *, long long now_ms, struct buf *msg);

/* Like pinsched_next() without regard to tokens: moves the next queued
 * message (in the same round robin) into *MSG and returns true, or returns
 * false if nothing is queued.  For flushing the backlog when rate limiting
 * stops. */
bool pinsched_pop(struct pinsched *, struct buf *msg);

/* When pinsched_next() will next have something to send, given that
 * nothing else happens in between: NOW_MS if it has now, the time at
 * which the bucket will hold a token if it has a backlog and no token,
 * LLONG_MAX if nothing is queued. */
long long pinsched_wakeup(const struct pinsched *, long long now_ms);

/* Fills *STATS with PS's counters. */
void pinsched_get_stats(const struct pinsched *, struct pinsched_stats *);

#endif /* connmgr-pinsched.h */
