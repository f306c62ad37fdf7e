/* offload-stats.c: the manager's counters, its latency histograms and the
 * text of dpctl/offload-stats-show.
 *
 * Counters are plain integers updated under the flow mutex, where every
 * event they count already happens; the command copies them under the
 * mutex and formats the copy. */
#include <stdio.h>
#include <string.h>

#include "lib/util.h"
#include "offload/hal.h"
#include "offload/offload-private.h"

/* Bucket of a latency of US microseconds: exact below 16, then four
 * buckets per power of two. */
static size_t
hist_bucket(uint64_t us)
{
    if (us < 16) {
        return us;
    }
    unsigned octave = 63 - __builtin_clzll(us); /* 4 and up. */
    size_t idx = 16 + (octave - 4) * 4 + ((us >> (octave - 2)) & 3);
    return idx < OFFLOAD_HIST_BUCKETS ? idx : OFFLOAD_HIST_BUCKETS - 1;
}

/* The largest value bucket IDX holds. */
static uint64_t
hist_bucket_top(size_t idx)
{
    if (idx < 16) {
        return idx;
    }
    unsigned octave = (idx - 16) / 4 + 4;
    uint64_t sub = (idx - 16) % 4;
    return ((4 + sub + 1) << (octave - 2)) - 1;
}

void
offload_hist_add(struct offload_hist *h, uint64_t us)
{
    h->n++;
    h->sum_us += us;
    if (us > h->max_us) {
        h->max_us = us;
    }
    h->buckets[hist_bucket(us)]++;
}

uint64_t
offload_hist_percentile(const struct offload_hist *h, double p)
{
    if (!h->n) {
        return 0;
    }
    uint64_t want = (uint64_t) (p * (double) h->n + 0.999999);
    uint64_t seen = 0;

    if (want < 1) {
        want = 1;
    }
    for (size_t i = 0; i < OFFLOAD_HIST_BUCKETS; i++) {
        seen += h->buckets[i];
        if (seen >= want) {
            uint64_t top = hist_bucket_top(i);
            return top < h->max_us ? top : h->max_us;
        }
    }
    return h->max_us;
}

void
offload_counters_add(struct offload_counters *sum,
                     const struct offload_counters *c)
{
    sum->enqueued += c->enqueued;
    sum->coalesced += c->coalesced;
    sum->inserted += c->inserted;
    sum->refused += c->refused;
    for (size_t i = 0; i < OFFLOAD_R__N; i++) {
        sum->refused_by[i] += c->refused_by[i];
    }
    sum->removed += c->removed;
    sum->in_hw += c->in_hw;
    sum->latency.n += c->latency.n;
    sum->latency.sum_us += c->latency.sum_us;
    if (c->latency.max_us > sum->latency.max_us) {
        sum->latency.max_us = c->latency.max_us;
    }
    for (size_t i = 0; i < OFFLOAD_HIST_BUCKETS; i++) {
        sum->latency.buckets[i] += c->latency.buckets[i];
    }
}

void
offload_counters_refuse(struct offload_counters *c,
                        enum offload_reason_code code)
{
    c->refused++;
    if ((unsigned) code < OFFLOAD_R__N) {
        c->refused_by[code]++;
    }
}

/* One line: the scope left-aligned, the label right-aligned, so that the
 * colons of a block line up as in Open vSwitch's offload-stats-show. */
static void
row(struct buf *out, const char *scope, const char *label, const char *value)
{
    buf_printf(out, "   %-12s %30s: %s\n", scope, label, value);
}

static void
row_u64(struct buf *out, const char *scope, const char *label, uint64_t v)
{
    char s[32];

    snprintf(s, sizeof s, "%llu", (unsigned long long) v);
    row(out, scope, label, s);
}

static void
row_ms(struct buf *out, const char *scope, const char *label, double us)
{
    char s[32];

    snprintf(s, sizeof s, "%.3f", us / 1000.0);
    row(out, scope, label, s);
}

static void
format_block(struct buf *out, const char *scope,
             const struct offload_counters *c)
{
    const struct offload_hist *h = &c->latency;

    row_u64(out, scope, "Enqueued offloads", c->enqueued);
    row_u64(out, scope, "Coalesced offloads", c->coalesced);
    row_u64(out, scope, "Inserted offloads", c->inserted);
    row_u64(out, scope, "Refused offloads", c->refused);
    for (size_t i = 0; i < OFFLOAD_R__N; i++) {
        if (c->refused_by[i]) {
            char label[64];

            snprintf(label, sizeof label, "Refused %s",
                     offload_reason_code_name(i));
            row_u64(out, scope, label, c->refused_by[i]);
        }
    }
    row_u64(out, scope, "Removed offloads", c->removed);
    row_u64(out, scope, "In hardware now",
            c->in_hw > 0 ? (uint64_t) c->in_hw : 0);
    row_ms(out, scope, "Insert latency mean (ms)",
           h->n ? (double) h->sum_us / (double) h->n : 0.0);
    row_ms(out, scope, "Insert latency p50 (ms)",
           (double) offload_hist_percentile(h, 0.50));
    row_ms(out, scope, "Insert latency p99 (ms)",
           (double) offload_hist_percentile(h, 0.99));
    row_ms(out, scope, "Insert latency max (ms)", (double) h->max_us);
}

static bool
counters_zero(const struct offload_counters *c)
{
    return !c->enqueued && !c->inserted && !c->refused && !c->removed
           && !c->in_hw && !c->coalesced;
}

void
offload_stats_show(struct buf *out)
{
    struct offload_counters provs[OFFLOAD_MAX_PROVIDERS];
    struct offload_counters workers[OFFLOAD_MAX_THREADS];
    struct offload_counters none, total;
    bool inited[OFFLOAD_MAX_PROVIDERS];
    size_t n_provs = offload_mgr.n_provs;
    unsigned n_workers;

    if (!offload_mgr.inited) {
        buf_put_cstr(out, "HW offload stats: offload manager not started\n");
        return;
    }
    /* Copy under the mutex, format outside it. */
    pthread_mutex_lock(&offload_mgr.mutex);
    for (size_t i = 0; i < n_provs; i++) {
        provs[i] = offload_mgr.provs[i].counters;
        inited[i] = offload_mgr.provs[i].inited;
    }
    n_workers = offload_mgr.n_workers;
    memcpy(workers, offload_mgr.worker_counters, sizeof workers);
    none = offload_mgr.none_counters;
    pthread_mutex_unlock(&offload_mgr.mutex);

    memset(&total, 0, sizeof total);
    for (size_t i = 0; i < n_provs; i++) {
        offload_counters_add(&total, &provs[i]);
    }
    offload_counters_add(&total, &none);

    buf_printf(out, "HW offload stats (hw-offload %s, %u worker%s):\n",
               offload_mgr.cfg.enabled ? "on" : "off", n_workers,
               n_workers == 1 ? "" : "s");
    format_block(out, "Total", &total);
    for (size_t i = 0; i < n_provs; i++) {
        if (inited[i] || !counters_zero(&provs[i])) {
            format_block(out, offload_mgr.provs[i].cls->name, &provs[i]);
        }
        if (inited[i] && offload_mgr.provs[i].cls->stats_lines) {
            offload_mgr.provs[i].cls->stats_lines(out);
        }
    }
    if (!counters_zero(&none)) {
        format_block(out, "(none)", &none);
    }
    for (unsigned i = 0; i < n_workers; i++) {
        char scope[24];

        snprintf(scope, sizeof scope, "Worker %u", i);
        format_block(out, scope, &workers[i]);
    }
    offload_hal_stats_lines(out);
}
