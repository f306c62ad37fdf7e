/* coverage.h: event counters, cheaper than a log line.
 *
 * Count an event instead of logging it every time it happens:
 *
 *     COVERAGE_DEFINE(jsonrpc_recv);       (once, at file scope)
 *     COVERAGE_INC(jsonrpc_recv);          (on each event)
 *
 * Counters are process-wide, lock-free (relaxed atomic adds) and listed by
 * the coverage/show control command with their rates over the last 5
 * seconds, minute and hour, as Open vSwitch shows them.  coverage_run() must
 * be called periodically (every daemon's event loop does it) to take the
 * samples the rates come from. */
#ifndef NICFLOW_COVERAGE_H
#define NICFLOW_COVERAGE_H 1

#include <stdatomic.h>
#include <stdint.h>

struct coverage_counter {
    const char *name;
    atomic_ullong count;
    struct coverage_counter *next;
    /* Samples for the rates, taken by coverage_run(). */
    unsigned long long min_total[12]; /* Totals at 5 s steps. */
    unsigned long long hr_total[60];  /* Totals at 1 min steps. */
};

#define COVERAGE_DEFINE(NAME)                                                \
    struct coverage_counter coverage_counter_##NAME = { .name = #NAME };     \
    static void coverage_register_##NAME(void) __attribute__((constructor)); \
    static void coverage_register_##NAME(void)                               \
    {                                                                        \
        coverage_register(&coverage_counter_##NAME);                         \
    }                                                                        \
    extern struct coverage_counter coverage_counter_##NAME

#define COVERAGE_ADD(NAME, N)                                      \
    atomic_fetch_add_explicit(&coverage_counter_##NAME.count, (N), \
                              memory_order_relaxed)
#define COVERAGE_INC(NAME) COVERAGE_ADD(NAME, 1)

void coverage_register(struct coverage_counter *);

/* The current total of the counter called NAME, or 0 if none. */
unsigned long long coverage_get(const char *name);

/* Takes samples if 5 seconds have passed since the last; returns the
 * monotonic msec at which it next wants to be called. */
long long coverage_run(void);

/* The coverage/show text (caller frees). */
char *coverage_show(void);

#endif
