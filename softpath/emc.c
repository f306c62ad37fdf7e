/* emc.c: the exact-match cache (see emc.h). */
#include "softpath/emc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

int
emc_init(struct emc *emc, size_t n_entries)
{
    if (!n_entries) {
        n_entries = EMC_DEFAULT_ENTRIES;
    }
    if (n_entries < 2 || n_entries & (n_entries - 1)) {
        return EINVAL;
    }
    memset(emc, 0, sizeof *emc);
    emc->entries = xcalloc(n_entries, sizeof *emc->entries);
    emc->set_mask = n_entries / 2 - 1;
    emc->insert_inv_prob = EMC_DEFAULT_INSERT_INV_PROB;
    emc->prng = 0x9e3779b9u;
    return 0;
}

void
emc_destroy(struct emc *emc)
{
    free(emc->entries);
    emc->entries = NULL;
}

void
emc_flush(struct emc *emc)
{
    memset(emc->entries, 0, (emc->set_mask + 1) * 2 * sizeof *emc->entries);
}

void
emc_set_insert_inv_prob(struct emc *emc, uint32_t inv_prob)
{
    emc->insert_inv_prob = inv_prob;
}

uint32_t
emc_hash(const struct flow *flow)
{
    /* One multiply per word, two independent lanes (see subtable_hash()
     * in classifier.c for why this is good enough for a hash table).
     * Only the words the EMC keeps (EMC_KEY_WORDS, emc.h). */
    const uint64_t *w = (const uint64_t *) (const void *) flow;
    uint64_t a = 0, b = EMC_KEY_WORDS;
    size_t i;

    for (i = 0; i + 1 < EMC_KEY_WORDS; i += 2) {
        a = (a ^ w[i]) * UINT64_C(0x9e3779b97f4a7c15);
        b = (b ^ w[i + 1]) * UINT64_C(0xc2b2ae3d27d4eb4f);
    }
    for (; i < EMC_KEY_WORDS; i++) {
        a = (a ^ w[i]) * UINT64_C(0x9e3779b97f4a7c15);
    }
    a ^= (b >> 29) | (b << 35);
    a ^= a >> 32;
    a *= UINT64_C(0xd6e8feb86659fd93);
    a ^= a >> 32;
    return (uint32_t) a;
}

/* Whether FLOW can be cached: one without Geneve options (see emc.h). */
static inline bool
cacheable(const struct flow *flow)
{
    return !flow->tunnel.opts.len;
}

/* Whether entry key KEY is FLOW's (FLOW cacheable). */
static inline bool
key_equal(const uint64_t *key, const struct flow *flow)
{
    return !memcmp(key, flow, EMC_KEY_WORDS * sizeof(uint64_t));
}

static inline struct emc_entry *
emc_set(const struct emc *emc, uint32_t hash)
{
    return &emc->entries[(hash & emc->set_mask) * 2];
}

static inline bool
entry_is_live(const struct emc_entry *e)
{
    return e->rule && dpcls_rule_is_live(e->rule, e->serial);
}

struct dpcls_rule *
emc_lookup(struct emc *emc, const struct flow *flow, uint32_t hash)
{
    struct emc_entry *set = emc_set(emc, hash);

    if (!cacheable(flow)) {
        emc->n_misses++;
        return NULL;
    }

    for (int i = 0; i < 2; i++) {
        struct emc_entry *e = &set[i];

        if (e->hash == hash && e->rule && key_equal(e->key, flow)) {
            if (NF_LIKELY(dpcls_rule_is_live(e->rule, e->serial))) {
                emc->n_hits++;
                return e->rule;
            }
            /* The megaflow is gone: free the entry for the next insert. */
            e->rule = NULL;
            emc->n_stale++;
            break;
        }
    }
    emc->n_misses++;
    return NULL;
}

static uint32_t
emc_random(struct emc *emc)
{
    /* xorshift32: plenty for choosing victims and sampling inserts. */
    uint32_t x = emc->prng;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    emc->prng = x;
    return x;
}

void
emc_insert(struct emc *emc, const struct flow *flow, uint32_t hash,
           struct dpcls_rule *rule)
{
    struct emc_entry *set = emc_set(emc, hash);
    struct emc_entry *victim = NULL;

    if (!cacheable(flow)) {
        return;
    }

    for (int i = 0; i < 2; i++) {
        struct emc_entry *e = &set[i];

        if (e->rule && e->hash == hash && key_equal(e->key, flow)) {
            /* Same flow: only the megaflow changes. */
            e->rule = rule;
            e->serial = rule->serial;
            emc->n_inserts++;
            return;
        }
        if (!victim && !entry_is_live(e)) {
            victim = e;
        }
    }
    if (!victim) {
        victim = &set[emc_random(emc) & 1];
    }
    memcpy(victim->key, flow, sizeof victim->key);
    victim->hash = hash;
    victim->rule = rule;
    victim->serial = rule->serial;
    emc->n_inserts++;
}

bool
emc_probabilistic_insert(struct emc *emc, const struct flow *flow,
                         uint32_t hash, struct dpcls_rule *rule)
{
    uint32_t n = emc->insert_inv_prob;

    if (!n || !cacheable(flow) || (n > 1 && emc_random(emc) % n)) {
        return false;
    }
    emc_insert(emc, flow, hash, rule);
    return true;
}

void
emc_get_stats(const struct emc *emc, struct emc_stats *stats)
{
    stats->n_hits = emc->n_hits;
    stats->n_misses = emc->n_misses;
    stats->n_inserts = emc->n_inserts;
    stats->n_stale = emc->n_stale;
    stats->n_entries = (emc->set_mask + 1) * 2;
    stats->bytes_in_use = stats->n_entries * sizeof *emc->entries;
}
