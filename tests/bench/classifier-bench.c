/* classifier-bench: microbenchmark of the softpath megaflow classifier
 * (softpath/classifier) and exact-match cache (softpath/emc).
 *
 * Workload, after the shape Open vSwitch publishes figures for ("1,000
 * rules in 30 subtables, exact and wildcarded"): 30 masks, half of them
 * exact on the 5-tuple plus L2, half wildcarded (random subsets of fields,
 * some as prefixes), 1,000 megaflows spread evenly across them.  Every mask
 * matches in_port exactly and each subtable has its own in_port, so the
 * megaflows do not overlap, as in a datapath.  Packets pick a megaflow at
 * random and carry random bits wherever its mask has none.
 *
 * Measured, single-threaded (lookups/s of one core):
 *   classifier  dpcls_lookup() of random packets, subtable ranking on
 *   emc_hit     emc_hash() + emc_lookup() of a working set the EMC holds
 *               (misses, if any, fall back to the classifier and count)
 *   batch32     dpcls_lookup_batch() of 32 packets at a time
 * plus the classifier's bytes per megaflow.
 *
 * Usage: classifier-bench [--seconds=S] [--seed=N]
 * Output: one JSON line on stdout, then a table on stderr. */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/flow.h"
#include "lib/util.h"
#include "softpath/classifier.h"
#include "softpath/emc.h"

#define N_SUBTABLES 30
#define N_RULES 1000
#define N_PKTS 65536     /* Classifier packet pool (12 MiB of keys). */
#define N_EMC_FLOWS 4096 /* EMC working set: half the default EMC. */

/* Open vSwitch's published figures for this shape (not measured here). */
#define OVS_PUBLISHED_EMC 9.84e6
#define OVS_PUBLISHED_CLS 4.39e6

static uint64_t rng_state = 88172645463325252ull;

static uint64_t
rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct field {
    size_t ofs;
    size_t len;
};

#define FIELD(MEMBER)                                                      \
    {                                                                      \
        offsetof(struct flow, MEMBER), sizeof(((struct flow *) 0)->MEMBER) \
    }

/* Fields an exact mask covers; a wildcarded mask takes some of them. */
static const struct field fields[] = {
    FIELD(dl_dst),   FIELD(dl_src), FIELD(dl_type),
    FIELD(nw_tos),   FIELD(nw_src), FIELD(nw_dst),
    FIELD(nw_proto), FIELD(tp_src), FIELD(tp_dst),
};

static void
set_field(struct flow *flow, const struct field *f, uint64_t v)
{
    memcpy((char *) flow + f->ofs, &v, f->len);
}

static void
random_flow(struct flow *f)
{
    uint64_t *w = (uint64_t *) (void *) f;

    for (size_t i = 0; i < FLOW_U64S; i++) {
        w[i] = rnd();
    }
}

/* The 5-tuple fields: exact in every "exact" mask. */
#define N_L2_FIELDS 4

static void
make_mask(struct flow *mask, int i)
{
    memset(mask, 0, sizeof *mask);
    mask->in_port = UINT32_MAX;
    for (size_t f = 0; f < ARRAY_SIZE(fields); f++) {
        if (i % 2 == 0) {
            /* Exact: the 5-tuple plus a random subset of the rest (so that
             * the exact masks differ from one another). */
            if (f >= N_L2_FIELDS || rnd() % 2) {
                set_field(mask, &fields[f], UINT64_MAX);
            }
        } else if (rnd() % 2) {
            /* Wildcarded: exact or a prefix of a random half of the
             * fields. */
            set_field(mask, &fields[f],
                      rnd() % 2 ? UINT64_MAX
                                : UINT64_MAX << (rnd() % (fields[f].len * 8)));
        }
    }
}

struct megaflow {
    struct flow key;
    struct flow mask;
};

static void
make_packet(const struct megaflow *mf, struct flow *pkt)
{
    uint64_t *p = (uint64_t *) (void *) pkt;
    const uint64_t *k = (const uint64_t *) (const void *) &mf->key;
    const uint64_t *m = (const uint64_t *) (const void *) &mf->mask;

    random_flow(pkt);
    for (size_t i = 0; i < FLOW_U64S; i++) {
        p[i] = (p[i] & ~m[i]) | (k[i] & m[i]);
    }
}

struct result {
    double rate;
    double avg_subtables;
    double hit_rate;
};

static struct result
bench_classifier(struct dpcls *cls, const struct flow *pkts, double secs)
{
    struct dpcls_stats s0, s1;
    uint64_t n = 0, hits = 0;
    double start = now(), elapsed;

    dpcls_get_stats(cls, &s0);
    do {
        for (size_t i = 0; i < N_PKTS; i++) {
            hits += dpcls_lookup(cls, &pkts[i]) != NULL;
        }
        n += N_PKTS;
        elapsed = now() - start;
    } while (elapsed < secs);
    dpcls_get_stats(cls, &s1);
    return (struct result){
        n / elapsed,
        (double) (s1.n_subtables_probed - s0.n_subtables_probed) / n,
        (double) hits / n,
    };
}

static struct result
bench_batch(struct dpcls *cls, const struct flow *pkts, double secs)
{
    const struct flow *keys[DPCLS_BATCH_MAX];
    struct dpcls_rule *results[DPCLS_BATCH_MAX];
    struct dpcls_stats s0, s1;
    uint64_t n = 0, hits = 0;
    double start = now(), elapsed;

    dpcls_get_stats(cls, &s0);
    do {
        for (size_t i = 0; i < N_PKTS; i += DPCLS_BATCH_MAX) {
            for (size_t j = 0; j < DPCLS_BATCH_MAX; j++) {
                keys[j] = &pkts[i + j];
            }
            hits += dpcls_lookup_batch(cls, keys, DPCLS_BATCH_MAX, results);
        }
        n += N_PKTS;
        elapsed = now() - start;
    } while (elapsed < secs);
    dpcls_get_stats(cls, &s1);
    return (struct result){
        n / elapsed,
        (double) (s1.n_subtables_probed - s0.n_subtables_probed) / n,
        (double) hits / n,
    };
}

/* The EMC working set: up to N_EMC_FLOWS packets of POOL, inserted once;
 * the flows that lost their entry to a later flow of the same set are
 * dropped, so that what is measured is hits.  Returns the set's size. */
static size_t
emc_working_set(struct emc *emc, struct dpcls *cls, const struct flow *pool,
                struct flow *set)
{
    size_t n = 0;

    emc_flush(emc);
    for (size_t i = 0; i < N_EMC_FLOWS; i++) {
        emc_insert(emc, &pool[i], emc_hash(&pool[i]),
                   dpcls_lookup(cls, &pool[i]));
    }
    for (size_t i = 0; i < N_EMC_FLOWS; i++) {
        if (emc_lookup(emc, &pool[i], emc_hash(&pool[i]))) {
            set[n++] = pool[i];
        }
    }
    return n;
}

static struct result
bench_emc(struct emc *emc, struct dpcls *cls, const struct flow *pkts,
          size_t n_pkts, double secs)
{
    uint64_t n = 0, hits = 0;
    double start = now(), elapsed;

    do {
        for (size_t i = 0; i < n_pkts; i++) {
            uint32_t h = emc_hash(&pkts[i]);
            struct dpcls_rule *rule = emc_lookup(emc, &pkts[i], h);

            if (rule) {
                hits++;
            } else {
                /* Not expected; counted in the hit rate. */
                rule = dpcls_lookup(cls, &pkts[i]);
                emc_probabilistic_insert(emc, &pkts[i], h, rule);
            }
        }
        n += n_pkts;
        elapsed = now() - start;
    } while (elapsed < secs);
    return (struct result){ n / elapsed, 0, (double) hits / n };
}

int
main(int argc, char *argv[])
{
    static struct megaflow mfs[N_RULES];
    struct flow *pkts;
    double secs = 1.0;
    struct dpcls cls;
    struct emc emc;

    nf_set_program_name(argv[0]);
    for (int i = 1; i < argc; i++) {
        if (nf_str_prefix(argv[i], "--seconds=")) {
            secs = atof(argv[i] + 10);
        } else if (nf_str_prefix(argv[i], "--seed=")) {
            rng_state = strtoull(argv[i] + 7, NULL, 0) | 1;
        } else {
            nf_fatal(0,
                     "unknown argument %s (usage: classifier-bench "
                     "[--seconds=S] [--seed=N])",
                     argv[i]);
        }
    }

    dpcls_init(&cls);
    if (emc_init(&emc, EMC_DEFAULT_ENTRIES)) {
        nf_fatal(0, "emc_init failed");
    }
    struct flow masks[N_SUBTABLES];
    for (int i = 0; i < N_SUBTABLES; i++) {
        bool dup;

        /* Draw until the mask differs from every earlier one: 30 masks,
         * 30 subtables. */
        do {
            make_mask(&masks[i], i);
            dup = false;
            for (int j = 0; j < i; j++) {
                dup = dup || !memcmp(&masks[i], &masks[j], sizeof masks[i]);
            }
        } while (dup);
    }
    for (int i = 0; i < N_RULES;) {
        struct megaflow *mf = &mfs[i];
        int st = i % N_SUBTABLES;

        random_flow(&mf->key);
        mf->key.in_port = st + 1;
        mf->mask = masks[st];
        if (!dpcls_insert(&cls, &mf->key, &mf->mask, 0, mf, NULL)) {
            i++;
        }
    }

    pkts = xmalloc(N_PKTS * sizeof *pkts);
    for (size_t i = 0; i < N_PKTS; i++) {
        make_packet(&mfs[rnd() % N_RULES], &pkts[i]);
    }

    /* Warm-up (and a first ranking) before measuring. */
    bench_classifier(&cls, pkts, secs / 10);

    struct result cls_r = bench_classifier(&cls, pkts, secs);
    struct flow *emc_set = xmalloc(N_EMC_FLOWS * sizeof *emc_set);
    size_t n_emc = emc_working_set(&emc, &cls, pkts, emc_set);
    struct result emc_r = bench_emc(&emc, &cls, emc_set, n_emc, secs);
    struct result batch_r = bench_batch(&cls, pkts, secs);
    struct dpcls_stats stats;
    struct emc_stats estats;

    dpcls_get_stats(&cls, &stats);
    emc_get_stats(&emc, &estats);
    double per_flow = dpcls_memory_per_flow(&cls);

    printf("{\"bench\":\"classifier\",\"rules\":%zu,\"subtables\":%zu,"
           "\"classifier_lookups_per_sec\":%.0f,"
           "\"classifier_avg_subtables\":%.2f,"
           "\"classifier_hit_rate\":%.4f,"
           "\"emc_hit_lookups_per_sec\":%.0f,\"emc_hit_rate\":%.4f,"
           "\"emc_flows\":%zu,"
           "\"batch32_lookups_per_sec\":%.0f,"
           "\"bytes_per_megaflow\":%.1f,\"emc_bytes\":%zu,"
           "\"ovs_published\":{\"emc_hit_lookups_per_sec\":%.0f,"
           "\"classifier_lookups_per_sec\":%.0f,"
           "\"note\":\"published by Open vSwitch, not measured in this "
           "run\"}}\n",
           stats.n_rules, stats.n_subtables, cls_r.rate, cls_r.avg_subtables,
           cls_r.hit_rate, emc_r.rate, emc_r.hit_rate, n_emc, batch_r.rate,
           per_flow, estats.bytes_in_use, OVS_PUBLISHED_EMC,
           OVS_PUBLISHED_CLS);

    fprintf(stderr,
            "classifier-bench: %zu megaflows in %zu subtables (exact and "
            "wildcarded), 1 core, %.1f s per figure\n"
            "  %-28s %12s   %s\n"
            "  %-28s %10.2f M   avg %.1f subtables probed, hit rate %.3f\n"
            "  %-28s %10.2f M   %zu flows cached, hit rate %.3f\n"
            "  %-28s %10.2f M   avg %.1f subtables probed per packet\n"
            "  %-28s %10.0f B\n"
            "  Open vSwitch's published figures for this shape (NOT "
            "measured in this run):\n"
            "    EMC hits %.2f M/s, classifier lookups %.2f M/s\n",
            stats.n_rules, stats.n_subtables, secs, "figure", "lookups/s",
            "notes", "classifier (ranking on)", cls_r.rate / 1e6,
            cls_r.avg_subtables, cls_r.hit_rate, "EMC hits", emc_r.rate / 1e6,
            n_emc, emc_r.hit_rate, "batch of 32", batch_r.rate / 1e6,
            batch_r.avg_subtables, "memory per megaflow", per_flow,
            OVS_PUBLISHED_EMC / 1e6, OVS_PUBLISHED_CLS / 1e6);

    emc_destroy(&emc);
    dpcls_destroy(&cls);
    free(emc_set);
    free(pkts);
    return 0;
}
