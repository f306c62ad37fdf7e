/* coverage.c: event counters (see coverage.h). */
#include "coverage.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

static pthread_mutex_t coverage_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct coverage_counter *counters; /* Sorted by name. */
static long long next_sample;             /* Monotonic msec. */
static unsigned int n_samples;            /* 5-second samples taken. */

#define SAMPLE_MSEC 5000

void
coverage_register(struct coverage_counter *c)
{
    pthread_mutex_lock(&coverage_mutex);
    struct coverage_counter **p = &counters;
    while (*p && strcmp((*p)->name, c->name) < 0) {
        p = &(*p)->next;
    }
    c->next = *p;
    *p = c;
    pthread_mutex_unlock(&coverage_mutex);
}

unsigned long long
coverage_get(const char *name)
{
    for (struct coverage_counter *c = counters; c; c = c->next) {
        if (!strcmp(c->name, name)) {
            return atomic_load_explicit(&c->count, memory_order_relaxed);
        }
    }
    return 0;
}

static void
take_sample_locked(void)
{
    unsigned int slot = n_samples % ARRAY_SIZE(counters->min_total);
    bool minute_done = slot == ARRAY_SIZE(counters->min_total) - 1;
    unsigned int hr_slot = (n_samples / ARRAY_SIZE(counters->min_total))
                           % ARRAY_SIZE(counters->hr_total);

    for (struct coverage_counter *c = counters; c; c = c->next) {
        unsigned long long now =
            atomic_load_explicit(&c->count, memory_order_relaxed);
        c->min_total[slot] = now;
        if (minute_done) {
            c->hr_total[hr_slot] = now;
        }
    }
    n_samples++;
}

long long
coverage_run(void)
{
    long long now = nf_time_msec();
    pthread_mutex_lock(&coverage_mutex);
    if (!next_sample) {
        next_sample = now + SAMPLE_MSEC;
        /* The first sample is the baseline all rates are measured from. */
        take_sample_locked();
    } else if (now >= next_sample) {
        take_sample_locked();
        next_sample += SAMPLE_MSEC;
        if (next_sample <= now) {
            next_sample = now + SAMPLE_MSEC;
        }
    }
    long long next = next_sample;
    pthread_mutex_unlock(&coverage_mutex);
    return next;
}

/* Total N samples ago (0 = latest sample) from the 5-second ring, or from
 * the oldest available sample when fewer were taken. */
static unsigned long long
min_ago(const struct coverage_counter *c, unsigned int n)
{
    unsigned int size = ARRAY_SIZE(c->min_total);
    if (!n_samples) {
        return 0;
    }
    n = NF_MIN(n, NF_MIN(n_samples, size) - 1);
    return c->min_total[(n_samples - 1 - n) % size];
}

static unsigned long long
hr_ago(const struct coverage_counter *c, unsigned int n)
{
    unsigned int size = ARRAY_SIZE(c->hr_total);
    unsigned int n_minutes = n_samples / ARRAY_SIZE(c->min_total);
    if (!n_minutes) {
        return min_ago(c, ARRAY_SIZE(c->min_total));
    }
    n = NF_MIN(n, NF_MIN(n_minutes, size) - 1);
    return c->hr_total[(n_minutes - 1 - n) % size];
}

char *
coverage_show(void)
{
    struct buf b = BUF_INITIALIZER;
    unsigned int n_zero = 0;

    pthread_mutex_lock(&coverage_mutex);
    buf_printf(&b,
               "Event coverage, avg rate over last: 5 seconds, "
               "last minute, last hour,  hash=%08x:\n",
               (unsigned int) n_samples);
    for (struct coverage_counter *c = counters; c; c = c->next) {
        unsigned long long total =
            atomic_load_explicit(&c->count, memory_order_relaxed);
        if (!total) {
            n_zero++;
            continue;
        }
        unsigned long long last = min_ago(c, 0);
        double r5 = n_samples > 1 ? (last - min_ago(c, 1)) / 5.0 : 0;
        double rmin = (last - min_ago(c, 11)) / 60.0;
        double rhr = (last - hr_ago(c, 59)) / 3600.0;
        buf_printf(&b, "%-24s %5.1f/sec %9.3f/sec %11.4f/sec   total: %llu\n",
                   c->name, r5, rmin, rhr, total);
    }
    buf_printf(&b, "%u events never hit\n", n_zero);
    pthread_mutex_unlock(&coverage_mutex);
    return buf_steal_cstr(&b);
}
