/* classifier.c: the megaflow classifier (see classifier.h). */
#include "softpath/classifier.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/util.h"

COVERAGE_DEFINE(dpcls_subtable_create);
COVERAGE_DEFINE(dpcls_subtable_destroy);
COVERAGE_DEFINE(dpcls_sort);

/* A subtable's rules: an open-addressed hash table with linear probing,
 * kept at most half full, so that a probe for a key that is not there
 * (most probes, when a lookup visits many subtables) usually ends at the
 * first or second slot it reads.  Deletion shifts later entries of the
 * probe run back instead of leaving tombstones. */
struct dpcls_slot {
    uint32_t hash;
    struct dpcls_rule *rule; /* NULL: empty. */
};

struct rule_table {
    struct dpcls_slot *slots;
    uint32_t mask; /* Number of slots minus one. */
    uint32_t n;    /* Rules held. */
};

#define RULE_TABLE_MIN 8

/* Iterates RULE over the rules in T with hash H. */
#define RULE_TABLE_FOR_EACH_WITH_HASH(RULE, H, T)              \
    for (uint32_t i__ = (H) & (T)->mask; (T)->slots[i__].rule; \
         i__ = (i__ + 1) & (T)->mask)                          \
        if ((T)->slots[i__].hash == (H) && ((RULE) = (T)->slots[i__].rule, 1))

static void
rule_table_init(struct rule_table *t, uint32_t n_slots)
{
    t->slots = xcalloc(n_slots, sizeof *t->slots);
    t->mask = n_slots - 1;
    t->n = 0;
}

static void
rule_table_put(struct rule_table *t, uint32_t hash, struct dpcls_rule *rule)
{
    uint32_t i = hash & t->mask;

    while (t->slots[i].rule) {
        i = (i + 1) & t->mask;
    }
    t->slots[i].hash = hash;
    t->slots[i].rule = rule;
    t->n++;
}

static void
rule_table_insert(struct rule_table *t, struct dpcls_rule *rule)
{
    if ((t->n + 1) * 2 > t->mask + 1) {
        struct rule_table old = *t;

        rule_table_init(t, (old.mask + 1) * 2);
        for (uint32_t i = 0; i <= old.mask; i++) {
            if (old.slots[i].rule) {
                rule_table_put(t, old.slots[i].hash, old.slots[i].rule);
            }
        }
        free(old.slots);
    }
    rule_table_put(t, rule->hash, rule);
}

static void
rule_table_remove(struct rule_table *t, const struct dpcls_rule *rule)
{
    uint32_t i = rule->hash & t->mask;

    while (t->slots[i].rule != rule) {
        nf_assert(t->slots[i].rule);
        i = (i + 1) & t->mask;
    }
    /* Backward-shift deletion: move up every later entry of the run whose
     * home slot does not lie cyclically in (i, j]. */
    for (uint32_t j = (i + 1) & t->mask; t->slots[j].rule;
         j = (j + 1) & t->mask) {
        uint32_t home = t->slots[j].hash & t->mask;
        bool stays = i <= j ? i < home && home <= j : i < home || home <= j;

        if (!stays) {
            t->slots[i] = t->slots[j];
            i = j;
        }
    }
    t->slots[i].rule = NULL;
    t->n--;
}

static size_t
rule_table_bytes(const struct rule_table *t)
{
    return (t->mask + 1) * sizeof *t->slots;
}

/* All megaflows with one mask. */
struct dpcls_subtable {
    struct hmap_node node;   /* In dpcls->subtables, by hash of 'mask'. */
    struct rule_table rules; /* By masked-key hash. */
    uint64_t hits;           /* Since creation. */
    uint64_t hits_recent;    /* Since the last ranking. */
    int32_t max_priority;    /* Highest priority among 'rules'. */
    size_t n_max_priority;   /* Rules at 'max_priority': a removal rescans
                              * only when the last of them goes, since
                              * datapath flows all share one priority and a
                              * rescan per removal made deleting N flows
                              * cost N^2. */
    unsigned int n_words;    /* Nonzero words of 'mask'. */
    uint64_t basis;          /* Hash basis: the classifier's, mixed with
                            * n_words. */
    uint8_t idx[FLOW_U64S];  /* Their indexes, ascending. */
    uint64_t mask_words[FLOW_U64S]; /* Their values, same order. */
    struct flow mask;
};

static inline const uint64_t *
flow_words(const struct flow *flow)
{
    return (const uint64_t *) (const void *) flow;
}

/* The hash of FLOW's bits under ST's mask.  Only the mask's nonzero words
 * are read, so a narrow mask costs little whatever the flow's size.
 *
 * One multiply per word: each step h = (h ^ w) * K (K odd) is a bijection
 * of h for a given w and of w for a given h, so two keys that differ in a
 * single word never collide before the final fold; the fold mixes the
 * high bits down, since the table indexes with the low ones.  A lookup
 * visiting many subtables spends much of its time here. */
#define DPCLS_HASH_K UINT64_C(0x9e3779b97f4a7c15)

static inline uint32_t
subtable_hash(const struct dpcls_subtable *st, const uint64_t *f)
{
    uint64_t h = st->basis;

    for (unsigned int i = 0; i < st->n_words; i++) {
        h = (h ^ (f[st->idx[i]] & st->mask_words[i])) * DPCLS_HASH_K;
    }
    h ^= h >> 32;
    h *= UINT64_C(0xd6e8feb86659fd93);
    h ^= h >> 32;
    return (uint32_t) h;
}

static inline bool
rule_matches(const struct dpcls_subtable *st, const struct dpcls_rule *rule,
             const uint64_t *f)
{
    for (unsigned int i = 0; i < st->n_words; i++) {
        if ((f[st->idx[i]] & st->mask_words[i]) != rule->words[i]) {
            return false;
        }
    }
    return true;
}

/* True if RULE has exactly masked key WORDS (already masked, packed). */
static bool
rule_has_words(const struct dpcls_rule *rule, const uint64_t *words)
{
    return !memcmp(rule->words, words, rule->n_words * sizeof *words);
}

static uint32_t
mask_hash(const struct flow *mask)
{
    return hash_bytes(mask, sizeof *mask, 0);
}

static size_t
rule_size(unsigned int n_words)
{
    return sizeof(struct dpcls_rule) + n_words * sizeof(uint64_t);
}

void
dpcls_init(struct dpcls *cls)
{
    memset(cls, 0, sizeof *cls);
    hmap_init(&cls->subtables);
    cls->next_serial = 1;
    /* A per-process random basis, so that packets cannot be crafted to
     * collide in every run. */
    cls->hash_basis = (uint64_t) hash_random_basis() << 32;
    cls->lookups_until_sort = DPCLS_SORT_INTERVAL;
}

static void
free_subtable_rules(struct dpcls_subtable *st)
{
    for (uint32_t i = 0; i <= st->rules.mask; i++) {
        free(st->rules.slots[i].rule);
    }
    free(st->rules.slots);
}

void
dpcls_destroy(struct dpcls *cls)
{
    struct dpcls_subtable *st;

    HMAP_FOR_EACH_SAFE (st, node, &cls->subtables) {
        free_subtable_rules(st);
        hmap_remove(&cls->subtables, &st->node);
        free(st);
    }
    hmap_destroy(&cls->subtables);
    for (size_t i = 0; i < ARRAY_SIZE(cls->free_rules); i++) {
        struct dpcls_rule *rule = cls->free_rules[i];

        while (rule) {
            struct dpcls_rule *next = rule->payload;

            free(rule);
            rule = next;
        }
    }
    free(cls->order);
    memset(cls, 0, sizeof *cls);
}

static struct dpcls_subtable *
subtable_find(const struct dpcls *cls, const struct flow *mask, uint32_t h)
{
    struct dpcls_subtable *st;

    HMAP_FOR_EACH_WITH_HASH (st, node, h, &cls->subtables) {
        if (!memcmp(&st->mask, mask, sizeof *mask)) {
            return st;
        }
    }
    return NULL;
}

static struct dpcls_subtable *
subtable_create(struct dpcls *cls, const struct flow *mask, uint32_t h)
{
    struct dpcls_subtable *st = xzalloc(sizeof *st);
    const uint64_t *m = flow_words(mask);

    rule_table_init(&st->rules, RULE_TABLE_MIN);
    st->mask = *mask;
    st->max_priority = INT32_MIN;
    for (unsigned int i = 0; i < FLOW_U64S; i++) {
        if (m[i]) {
            st->idx[st->n_words] = i;
            st->mask_words[st->n_words] = m[i];
            st->n_words++;
        }
    }
    st->basis = cls->hash_basis ^ st->n_words;
    hmap_insert(&cls->subtables, &st->node, h);

    if (cls->n_order == cls->order_cap) {
        cls->order_cap = cls->order_cap ? 2 * cls->order_cap : 8;
        cls->order = xrealloc(cls->order, cls->order_cap * sizeof *cls->order);
    }
    /* A new subtable goes last; the next ranking moves it up if it is
     * busy. */
    cls->order[cls->n_order++] = st;
    cls->order_stale = true;
    cls->bytes_in_use += sizeof *st;
    COVERAGE_INC(dpcls_subtable_create);
    return st;
}

static void
subtable_destroy(struct dpcls *cls, struct dpcls_subtable *st)
{
    for (size_t i = 0; i < cls->n_order; i++) {
        if (cls->order[i] == st) {
            memmove(&cls->order[i], &cls->order[i + 1],
                    (cls->n_order - i - 1) * sizeof *cls->order);
            cls->n_order--;
            break;
        }
    }
    hmap_remove(&cls->subtables, &st->node);
    free(st->rules.slots);
    cls->bytes_in_use -= sizeof *st;
    free(st);
    COVERAGE_INC(dpcls_subtable_destroy);
}

/* Packs KEY's bits under ST's mask into WORDS[st->n_words]. */
static void
subtable_pack(const struct dpcls_subtable *st, const struct flow *key,
              uint64_t *words)
{
    const uint64_t *k = flow_words(key);

    for (unsigned int i = 0; i < st->n_words; i++) {
        words[i] = k[st->idx[i]] & st->mask_words[i];
    }
}

static struct dpcls_rule *
subtable_find_rule(const struct dpcls_subtable *st, const uint64_t *words,
                   uint32_t h, int32_t priority)
{
    struct dpcls_rule *rule;

    RULE_TABLE_FOR_EACH_WITH_HASH(rule, h, &st->rules)
    {
        if (rule->priority == priority && rule_has_words(rule, words)) {
            return rule;
        }
    }
    return NULL;
}

struct dpcls_rule *
dpcls_find_exact(const struct dpcls *cls, const struct flow *key,
                 const struct flow *mask, int32_t priority)
{
    const struct dpcls_subtable *st =
        subtable_find(cls, mask, mask_hash(mask));
    uint64_t words[FLOW_U64S];

    if (!st) {
        return NULL;
    }
    subtable_pack(st, key, words);
    return subtable_find_rule(st, words, subtable_hash(st, flow_words(key)),
                              priority);
}

static struct dpcls_rule *
rule_alloc(struct dpcls *cls, unsigned int n_words)
{
    struct dpcls_rule *rule = cls->free_rules[n_words];

    if (rule) {
        cls->free_rules[n_words] = rule->payload;
    } else {
        rule = xmalloc(rule_size(n_words));
        cls->bytes_in_use += rule_size(n_words);
    }
    return rule;
}

int
dpcls_insert(struct dpcls *cls, const struct flow *key,
             const struct flow *mask, int32_t priority, void *payload,
             struct dpcls_rule **rulep)
{
    uint32_t mh = mask_hash(mask);
    struct dpcls_subtable *st = subtable_find(cls, mask, mh);
    uint64_t words[FLOW_U64S];
    struct dpcls_rule *rule;
    uint32_t h;

    if (!st) {
        st = subtable_create(cls, mask, mh);
    }
    subtable_pack(st, key, words);
    h = subtable_hash(st, flow_words(key));
    rule = subtable_find_rule(st, words, h, priority);
    if (rule) {
        if (rulep) {
            *rulep = rule;
        }
        return EEXIST;
    }

    rule = rule_alloc(cls, st->n_words);
    rule->subtable = st;
    rule->payload = payload;
    rule->serial = cls->next_serial++;
    rule->priority = priority;
    rule->n_words = st->n_words;
    memcpy(rule->words, words, st->n_words * sizeof *words);
    rule->hash = h;
    rule_table_insert(&st->rules, rule);

    if (priority > st->max_priority) {
        st->max_priority = priority;
        st->n_max_priority = 1;
        cls->order_stale = true;
    } else if (priority == st->max_priority) {
        st->n_max_priority++;
    }
    cls->n_rules++;
    if (priority) {
        cls->n_prio_rules++;
    }
    if (rulep) {
        *rulep = rule;
    }
    return 0;
}

struct dpcls_rule *
dpcls_replace(struct dpcls *cls, const struct flow *key,
              const struct flow *mask, int32_t priority, void *payload,
              void **old_payload)
{
    struct dpcls_rule *rule;

    if (dpcls_insert(cls, key, mask, priority, payload, &rule) == EEXIST) {
        if (old_payload) {
            *old_payload = rule->payload;
        }
        rule->payload = payload;
    } else if (old_payload) {
        *old_payload = NULL;
    }
    return rule;
}

void
dpcls_remove(struct dpcls *cls, struct dpcls_rule *rule)
{
    struct dpcls_subtable *st = rule->subtable;

    nf_assert(st);
    rule_table_remove(&st->rules, rule);
    cls->n_rules--;
    if (rule->priority) {
        cls->n_prio_rules--;
    }

    if (!st->rules.n) {
        subtable_destroy(cls, st);
    } else if (rule->priority == st->max_priority && !--st->n_max_priority) {
        st->max_priority = INT32_MIN;
        for (uint32_t i = 0; i <= st->rules.mask; i++) {
            const struct dpcls_rule *r = st->rules.slots[i].rule;

            if (!r) {
                continue;
            }
            if (r->priority > st->max_priority) {
                st->max_priority = r->priority;
                st->n_max_priority = 1;
            } else if (r->priority == st->max_priority) {
                st->n_max_priority++;
            }
        }
        cls->order_stale = true;
    }

    /* Keep the memory, typed, for reuse: see "Memory of removed
     * megaflows" in classifier.h. */
    rule->serial = 0;
    rule->subtable = NULL;
    rule->payload = cls->free_rules[rule->n_words];
    cls->free_rules[rule->n_words] = rule;
}

static int
compare_by_hits(const void *a_, const void *b_)
{
    const struct dpcls_subtable *a =
        *(const struct dpcls_subtable *const *) a_;
    const struct dpcls_subtable *b =
        *(const struct dpcls_subtable *const *) b_;

    return a->hits_recent < b->hits_recent   ? 1
           : a->hits_recent > b->hits_recent ? -1
                                             : 0;
}

static int
compare_by_priority(const void *a_, const void *b_)
{
    const struct dpcls_subtable *a =
        *(const struct dpcls_subtable *const *) a_;
    const struct dpcls_subtable *b =
        *(const struct dpcls_subtable *const *) b_;

    if (a->max_priority != b->max_priority) {
        return a->max_priority < b->max_priority ? 1 : -1;
    }
    return compare_by_hits(a_, b_);
}

void
dpcls_sort(struct dpcls *cls)
{
    qsort(cls->order, cls->n_order, sizeof *cls->order,
          cls->n_prio_rules ? compare_by_priority : compare_by_hits);
    /* Halve rather than clear, so that one quiet interval does not undo
     * the ranking of a subtable that is busy over the long run. */
    for (size_t i = 0; i < cls->n_order; i++) {
        cls->order[i]->hits_recent /= 2;
    }
    cls->order_stale = false;
    cls->lookups_until_sort = DPCLS_SORT_INTERVAL;
    COVERAGE_INC(dpcls_sort);
}

/* Re-ranks if due: N lookups are about to happen.  In priority mode the
 * order must be right before any lookup; otherwise it only affects
 * speed. */
static inline void
maybe_sort(struct dpcls *cls, uint32_t n)
{
    if (NF_UNLIKELY(cls->n_prio_rules && cls->order_stale)) {
        dpcls_sort(cls);
    } else if (NF_UNLIKELY(cls->lookups_until_sort <= n)) {
        dpcls_sort(cls);
    } else {
        cls->lookups_until_sort -= n;
    }
}

static inline void
count_hit(struct dpcls_subtable *st)
{
    st->hits++;
    st->hits_recent++;
}

/* Priority mode: the highest-priority match. */
static struct dpcls_rule *
lookup_priority(struct dpcls *cls, const uint64_t *f)
{
    struct dpcls_rule *best = NULL;
    struct dpcls_subtable *best_st = NULL;

    for (size_t i = 0; i < cls->n_order; i++) {
        struct dpcls_subtable *st = cls->order[i];
        struct dpcls_rule *rule;

        if (best && st->max_priority <= best->priority) {
            break;
        }
        cls->n_subtables_probed++;
        uint32_t h = subtable_hash(st, f);

        RULE_TABLE_FOR_EACH_WITH_HASH(rule, h, &st->rules)
        {
            if ((!best || rule->priority > best->priority)
                && rule_matches(st, rule, f)) {
                best = rule;
                best_st = st;
            }
        }
    }
    if (best) {
        count_hit(best_st);
    }
    return best;
}

static struct dpcls_rule *
lookup_one(struct dpcls *cls, const uint64_t *f)
{
    if (NF_UNLIKELY(cls->n_prio_rules)) {
        return lookup_priority(cls, f);
    }
    for (size_t i = 0; i < cls->n_order; i++) {
        struct dpcls_subtable *st = cls->order[i];
        struct dpcls_rule *rule;

        uint32_t h = subtable_hash(st, f);

        cls->n_subtables_probed++;
        RULE_TABLE_FOR_EACH_WITH_HASH(rule, h, &st->rules)
        {
            if (rule_matches(st, rule, f)) {
                count_hit(st);
                return rule;
            }
        }
    }
    return NULL;
}

struct dpcls_rule *
dpcls_lookup(struct dpcls *cls, const struct flow *flow)
{
    struct dpcls_rule *rule;

    maybe_sort(cls, 1);
    cls->n_lookups++;
    rule = lookup_one(cls, flow_words(flow));
    if (rule) {
        cls->n_hits++;
    }
    return rule;
}

size_t
dpcls_lookup_batch(struct dpcls *cls, const struct flow *keys[], size_t n,
                   struct dpcls_rule *results[])
{
    uint32_t hashes[DPCLS_BATCH_MAX];
    uint32_t left;
    size_t n_hits = 0;

    nf_assert(n <= DPCLS_BATCH_MAX);
    if (!n) {
        return 0;
    }
    maybe_sort(cls, n);
    cls->n_lookups += n;
    memset(results, 0, n * sizeof *results);

    if (NF_UNLIKELY(cls->n_prio_rules)) {
        for (size_t i = 0; i < n; i++) {
            results[i] = lookup_one(cls, flow_words(keys[i]));
            n_hits += results[i] != NULL;
        }
        cls->n_hits += n_hits;
        return n_hits;
    }

    left = n == 32 ? UINT32_MAX : (UINT32_C(1) << n) - 1;
    for (size_t s = 0; s < cls->n_order && left; s++) {
        struct dpcls_subtable *st = cls->order[s];
        const struct rule_table *rules = &st->rules;
        uint32_t map;

        cls->n_subtables_probed += __builtin_popcount(left);

        /* Hash every unmatched packet and prefetch its bucket first, so
         * that the probes below overlap their cache misses. */
        for (map = left; map; map &= map - 1) {
            int i = __builtin_ctz(map);

            hashes[i] = subtable_hash(st, flow_words(keys[i]));
            __builtin_prefetch(&rules->slots[hashes[i] & rules->mask]);
        }
        for (map = left; map; map &= map - 1) {
            int i = __builtin_ctz(map);
            const uint64_t *f = flow_words(keys[i]);
            struct dpcls_rule *rule;

            RULE_TABLE_FOR_EACH_WITH_HASH(rule, hashes[i], rules)
            {
                if (rule_matches(st, rule, f)) {
                    count_hit(st);
                    results[i] = rule;
                    left &= ~(UINT32_C(1) << i);
                    n_hits++;
                    break;
                }
            }
        }
    }
    cls->n_hits += n_hits;
    return n_hits;
}

void
dpcls_rule_get(const struct dpcls_rule *rule, struct flow *key,
               struct flow *mask)
{
    const struct dpcls_subtable *st = rule->subtable;
    uint64_t *k = (uint64_t *) (void *) key;

    nf_assert(st);
    *mask = st->mask;
    memset(key, 0, sizeof *key);
    for (unsigned int i = 0; i < st->n_words; i++) {
        k[st->idx[i]] = rule->words[i];
    }
}

static size_t
hmap_bytes(const struct hmap *m)
{
    return m->buckets ? (m->mask + 1) * sizeof *m->buckets : 0;
}

static size_t
bytes_in_use(const struct dpcls *cls)
{
    const struct dpcls_subtable *st;
    size_t bytes = cls->bytes_in_use + hmap_bytes(&cls->subtables)
                   + cls->order_cap * sizeof *cls->order;

    HMAP_FOR_EACH (st, node, &cls->subtables) {
        bytes += rule_table_bytes(&st->rules);
    }
    return bytes;
}

void
dpcls_get_stats(const struct dpcls *cls, struct dpcls_stats *stats)
{
    stats->n_lookups = cls->n_lookups;
    stats->n_hits = cls->n_hits;
    stats->n_misses = cls->n_lookups - cls->n_hits;
    stats->n_subtables_probed = cls->n_subtables_probed;
    stats->n_rules = cls->n_rules;
    stats->n_subtables = hmap_count(&cls->subtables);
    stats->bytes_in_use = bytes_in_use(cls);
}

size_t
dpcls_get_subtable_stats(struct dpcls *cls, struct dpcls_subtable_stats *stats,
                         size_t max)
{
    if (cls->n_prio_rules && cls->order_stale) {
        dpcls_sort(cls);
    }
    for (size_t i = 0; i < cls->n_order && i < max; i++) {
        const struct dpcls_subtable *st = cls->order[i];

        stats[i].mask = st->mask;
        stats[i].n_rules = st->rules.n;
        stats[i].n_words = st->n_words;
        stats[i].hits = st->hits;
        stats[i].max_priority = st->max_priority;
    }
    return cls->n_order;
}

double
dpcls_memory_per_flow(const struct dpcls *cls)
{
    return cls->n_rules ? (double) bytes_in_use(cls) / cls->n_rules : 0.0;
}

void
dpcls_format_stats(struct dpcls *cls, struct buf *b)
{
    struct dpcls_stats s;
    size_t n;
    struct dpcls_subtable_stats *sub;

    dpcls_get_stats(cls, &s);
    buf_printf(b,
               "  megaflows: %zu in %zu subtables, %zu bytes (%.1f per "
               "megaflow)\n",
               s.n_rules, s.n_subtables, s.bytes_in_use,
               dpcls_memory_per_flow(cls));
    buf_printf(b,
               "  lookups: %" PRIu64 " hit: %" PRIu64 " missed: %" PRIu64
               " avg. subtables per lookup: %.2f\n",
               s.n_lookups, s.n_hits, s.n_misses,
               s.n_lookups ? (double) s.n_subtables_probed / s.n_lookups
                           : 0.0);

    sub = xcalloc(s.n_subtables ? s.n_subtables : 1, sizeof *sub);
    n = dpcls_get_subtable_stats(cls, sub, s.n_subtables);
    for (size_t i = 0; i < n; i++) {
        buf_printf(b,
                   "  subtable %zu: %zu megaflows, %u mask words, hits: "
                   "%" PRIu64 "\n",
                   i, sub[i].n_rules, sub[i].n_words, sub[i].hits);
    }
    free(sub);
}
