/* ofproto-cls.c: the OpenFlow classifier (see ofproto-cls.h). */
#include "vswitchd/ofproto-cls.h"

#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/util.h"

COVERAGE_DEFINE(ofproto_cls_lookup);
COVERAGE_DEFINE(ofproto_cls_subtable_visit);

/* The number of distinct priorities held by a subtable, so that its
 * highest priority can be found again when the last rule with it goes
 * away, without walking every entry. */
struct prio_count {
    struct hmap_node node; /* In subtable's 'prios', by priority. */
    uint16_t priority;
    size_t n;
};

struct ofproto_cls_subtable {
    struct hmap_node node;   /* In cls's 'subtables', by mask hash. */
    struct ofproto_key mask; /* The full mask. */
    uint32_t mask_hash;
    size_t n_words;      /* Nonzero words of the mask... */
    uint16_t *idx;       /* ...and their indexes, ascending. */
    struct hmap entries; /* By hash of the masked key. */
    struct hmap prios;   /* struct prio_count by priority. */
    size_t n_rules;
    uint16_t max_priority; /* Valid while n_rules > 0. */

    /* Entries are carved from chunks rather than allocated one by one, so
     * that they sit together instead of between the callers' rules (over
     * 1 kB each): a probe then walks its bucket through memory that is
     * mostly cached, which makes inserting 100,000 rules markedly faster.
     * Chunks double from ENTRIES_FIRST_CHUNK to ENTRIES_MAX_CHUNK entries,
     * so that a subtable of a few rules stays as compact as before.
     * Freed entries are kept for reuse until the subtable goes. */
    size_t entry_size;
    uint8_t **chunks;
    size_t n_chunks, cap_chunks;
    size_t chunk_used; /* Entries handed out from the last chunk. */
    struct ofproto_cls_entry *free_entries; /* Linked by node.next. */
};

#define ENTRIES_FIRST_CHUNK 4
#define ENTRIES_MAX_CHUNK 512

/* The number of entries chunk I of a subtable holds. */
static size_t
chunk_entries(size_t i)
{
    return i < 7 ? (size_t) ENTRIES_FIRST_CHUNK << i : ENTRIES_MAX_CHUNK;
}

struct ofproto_cls_entry {
    struct hmap_node node; /* In the subtable's 'entries'. */
    struct ofproto_cls_subtable *subtable;
    struct dlist rules; /* Highest priority first. */
    uint64_t words[];   /* Masked key: the mask's nonzero words. */
};

static struct ofproto_cls_entry *
entry_alloc(struct ofproto_cls_subtable *st)
{
    struct ofproto_cls_entry *e = st->free_entries;

    if (e) {
        st->free_entries =
            e->node.next
                ? CONTAINER_OF(e->node.next, struct ofproto_cls_entry, node)
                : NULL;
        return e;
    }
    if (!st->n_chunks || st->chunk_used == chunk_entries(st->n_chunks - 1)) {
        if (st->n_chunks == st->cap_chunks) {
            st->cap_chunks = st->cap_chunks ? 2 * st->cap_chunks : 4;
            st->chunks =
                xrealloc(st->chunks, st->cap_chunks * sizeof *st->chunks);
        }
        st->chunks[st->n_chunks] =
            xmalloc(chunk_entries(st->n_chunks) * st->entry_size);
        st->n_chunks++;
        st->chunk_used = 0;
    }
    return (struct ofproto_cls_entry *) (void *) (st->chunks[st->n_chunks - 1]
                                                  + st->chunk_used++
                                                        * st->entry_size);
}

static void
entry_free(struct ofproto_cls_subtable *st, struct ofproto_cls_entry *e)
{
    e->node.next = st->free_entries ? &st->free_entries->node : NULL;
    st->free_entries = e;
}

static inline const uint64_t *
key_words(const struct ofproto_key *k)
{
    return (const uint64_t *) (const void *) k;
}

static inline uint64_t *
key_words_rw(struct ofproto_key *k)
{
    return (uint64_t *) (void *) k;
}

static uint32_t
hash_mask(const struct ofproto_key *mask)
{
    return hash_bytes(mask, sizeof *mask, 0);
}

/* Hash of KEY under ST's mask: only the mask's nonzero words count, and
 * identical masked keys give identical hashes whatever KEY holds outside
 * the mask. */
static uint32_t
hash_masked(const struct ofproto_cls_subtable *st,
            const struct ofproto_key *key)
{
    const uint64_t *k = key_words(key);
    const uint64_t *m = key_words(&st->mask);
    uint32_t h = st->mask_hash;

    for (size_t i = 0; i < st->n_words; i++) {
        h = hash_add64(h, k[st->idx[i]] & m[st->idx[i]]);
    }
    return hash_finish(h, (uint32_t) st->n_words * 8);
}

static bool
entry_matches(const struct ofproto_cls_entry *e, const struct ofproto_key *key)
{
    const struct ofproto_cls_subtable *st = e->subtable;
    const uint64_t *k = key_words(key);
    const uint64_t *m = key_words(&st->mask);

    for (size_t i = 0; i < st->n_words; i++) {
        if ((k[st->idx[i]] & m[st->idx[i]]) != e->words[i]) {
            return false;
        }
    }
    return true;
}

static struct ofproto_cls_entry *
find_entry(const struct ofproto_cls_subtable *st,
           const struct ofproto_key *key, uint32_t hash)
{
    struct ofproto_cls_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, node, hash, &st->entries) {
        if (entry_matches(e, key)) {
            return e;
        }
    }
    return NULL;
}

static struct ofproto_cls_subtable *
find_subtable(const struct ofproto_cls *cls, const struct ofproto_key *mask,
              uint32_t hash)
{
    struct ofproto_cls_subtable *st;

    HMAP_FOR_EACH_WITH_HASH (st, node, hash, &cls->subtables) {
        if (!memcmp(&st->mask, mask, sizeof *mask)) {
            return st;
        }
    }
    return NULL;
}

/* Restores the order of CLS->order (highest max_priority first) after one
 * subtable's max_priority changed or one was appended: an insertion sort
 * pass, linear on a nearly sorted array.  The sort is stable, so equal
 * subtables keep a fixed order and lookups stay deterministic. */
static void
sort_subtables(struct ofproto_cls *cls)
{
    for (size_t i = 1; i < cls->n_subtables; i++) {
        struct ofproto_cls_subtable *st = cls->order[i];
        size_t j = i;

        while (j > 0 && cls->order[j - 1]->max_priority < st->max_priority) {
            cls->order[j] = cls->order[j - 1];
            j--;
        }
        cls->order[j] = st;
    }
}

static struct ofproto_cls_subtable *
create_subtable(struct ofproto_cls *cls, const struct ofproto_key *mask,
                uint32_t hash)
{
    struct ofproto_cls_subtable *st = xzalloc(sizeof *st);
    const uint64_t *m = key_words(mask);

    st->mask = *mask;
    st->mask_hash = hash;
    st->idx = xcalloc(OFPROTO_KEY_U64S, sizeof *st->idx);
    for (size_t i = 0; i < OFPROTO_KEY_U64S; i++) {
        if (m[i]) {
            st->idx[st->n_words++] = (uint16_t) i;
        }
    }
    st->entry_size =
        sizeof(struct ofproto_cls_entry) + st->n_words * sizeof(uint64_t);
    hmap_init(&st->entries);
    hmap_init(&st->prios);
    hmap_insert(&cls->subtables, &st->node, hash);
    if (cls->n_subtables == cls->cap_subtables) {
        cls->cap_subtables = cls->cap_subtables ? 2 * cls->cap_subtables : 8;
        cls->order =
            xrealloc(cls->order, cls->cap_subtables * sizeof *cls->order);
    }
    cls->order[cls->n_subtables++] = st;
    return st;
}

static void
destroy_subtable(struct ofproto_cls *cls, struct ofproto_cls_subtable *st)
{
    for (size_t i = 0; i < cls->n_subtables; i++) {
        if (cls->order[i] == st) {
            memmove(&cls->order[i], &cls->order[i + 1],
                    (cls->n_subtables - i - 1) * sizeof *cls->order);
            cls->n_subtables--;
            break;
        }
    }
    if (cls->last == st) {
        cls->last = NULL;
    }
    hmap_remove(&cls->subtables, &st->node);
    hmap_destroy(&st->entries);
    hmap_destroy(&st->prios);
    for (size_t i = 0; i < st->n_chunks; i++) {
        free(st->chunks[i]);
    }
    free(st->chunks);
    free(st->idx);
    free(st);
}

static struct prio_count *
find_prio(const struct ofproto_cls_subtable *st, uint16_t priority)
{
    struct prio_count *pc;

    HMAP_FOR_EACH_WITH_HASH (pc, node, hash_int(priority, 0), &st->prios) {
        if (pc->priority == priority) {
            return pc;
        }
    }
    return NULL;
}

void
ofproto_cls_init(struct ofproto_cls *cls)
{
    memset(cls, 0, sizeof *cls);
    hmap_init(&cls->subtables);
}

void
ofproto_cls_destroy(struct ofproto_cls *cls)
{
    nf_assert(!cls->n_rules);
    while (cls->n_subtables) {
        destroy_subtable(cls, cls->order[0]);
    }
    hmap_destroy(&cls->subtables);
    free(cls->order);
    memset(cls, 0, sizeof *cls);
}

struct ofproto_cls_rule *
ofproto_cls_insert(struct ofproto_cls *cls, struct ofproto_cls_rule *rule,
                   const struct ofproto_key *key,
                   const struct ofproto_key *mask, uint16_t priority)
{
    struct ofproto_cls_subtable *st = cls->last;
    struct ofproto_cls_entry *e = NULL;
    uint32_t hash;

    if (!st || memcmp(&st->mask, mask, sizeof *mask)) {
        uint32_t mhash = hash_mask(mask);

        st = find_subtable(cls, mask, mhash);
        if (!st) {
            st = create_subtable(cls, mask, mhash);
        }
        cls->last = st;
    }
    hash = hash_masked(st, key);
    e = find_entry(st, key, hash);
    if (e) {
        struct ofproto_cls_rule *r;

        /* Keep the list sorted; a rule of equal priority is a duplicate
         * (same mask, same masked key, same priority). */
        DLIST_FOR_EACH (r, node, &e->rules) {
            if (r->priority == priority) {
                return r;
            }
            if (r->priority < priority) {
                break;
            }
        }
        dlist_insert(&r->node, &rule->node);
    } else {
        const uint64_t *k = key_words(key);
        const uint64_t *m = key_words(&st->mask);

        e = entry_alloc(st);
        e->subtable = st;
        for (size_t i = 0; i < st->n_words; i++) {
            e->words[i] = k[st->idx[i]] & m[st->idx[i]];
        }
        dlist_init(&e->rules);
        dlist_push_back(&e->rules, &rule->node);
        hmap_insert(&st->entries, &e->node, hash);
    }
    rule->priority = priority;
    rule->entry = e;

    struct prio_count *pc = find_prio(st, priority);
    if (!pc) {
        pc = xzalloc(sizeof *pc);
        pc->priority = priority;
        hmap_insert(&st->prios, &pc->node, hash_int(priority, 0));
    }
    pc->n++;
    if (!st->n_rules++ || priority > st->max_priority) {
        st->max_priority = priority;
        sort_subtables(cls);
    }
    cls->n_rules++;
    return NULL;
}

void
ofproto_cls_remove(struct ofproto_cls *cls, struct ofproto_cls_rule *rule)
{
    struct ofproto_cls_entry *e = rule->entry;
    struct ofproto_cls_subtable *st = e->subtable;
    struct prio_count *pc = find_prio(st, rule->priority);

    dlist_remove(&rule->node);
    rule->entry = NULL;
    if (dlist_is_empty(&e->rules)) {
        hmap_remove(&st->entries, &e->node);
        entry_free(st, e);
    }
    cls->n_rules--;

    nf_assert(pc && pc->n);
    if (!--pc->n) {
        hmap_remove(&st->prios, &pc->node);
        free(pc);
    }
    if (!--st->n_rules) {
        destroy_subtable(cls, st);
        return;
    }
    if (rule->priority == st->max_priority && !find_prio(st, rule->priority)) {
        struct prio_count *p;

        st->max_priority = 0;
        HMAP_FOR_EACH (p, node, &st->prios) {
            st->max_priority = NF_MAX(st->max_priority, p->priority);
        }
        /* The subtable only moved down: bubble it towards the end. */
        for (size_t i = 0; i + 1 < cls->n_subtables; i++) {
            if (cls->order[i] == st) {
                while (i + 1 < cls->n_subtables
                       && cls->order[i + 1]->max_priority > st->max_priority) {
                    cls->order[i] = cls->order[i + 1];
                    cls->order[++i] = st;
                }
                break;
            }
        }
    }
}

struct ofproto_cls_rule *
ofproto_cls_find_exact(const struct ofproto_cls *cls,
                       const struct ofproto_key *key,
                       const struct ofproto_key *mask, uint16_t priority)
{
    const struct ofproto_cls_subtable *st =
        find_subtable(cls, mask, hash_mask(mask));
    const struct ofproto_cls_entry *e;
    struct ofproto_cls_rule *r;

    if (!st) {
        return NULL;
    }
    e = find_entry(st, key, hash_masked(st, key));
    if (!e) {
        return NULL;
    }
    DLIST_FOR_EACH (r, node, &e->rules) {
        if (r->priority == priority) {
            return r;
        }
    }
    return NULL;
}

const struct ofproto_cls_rule *
ofproto_cls_lookup(const struct ofproto_cls *cls,
                   const struct ofproto_key *key, struct ofproto_key *wc)
{
    const struct ofproto_cls_rule *best = NULL;

    COVERAGE_INC(ofproto_cls_lookup);
    for (size_t i = 0; i < cls->n_subtables; i++) {
        const struct ofproto_cls_subtable *st = cls->order[i];
        const struct ofproto_cls_entry *e;

        if (best && st->max_priority <= best->priority) {
            break;
        }
        COVERAGE_INC(ofproto_cls_subtable_visit);
        if (wc) {
            uint64_t *w = key_words_rw(wc);
            const uint64_t *m = key_words(&st->mask);

            for (size_t j = 0; j < st->n_words; j++) {
                w[st->idx[j]] |= m[st->idx[j]];
            }
        }
        e = find_entry(st, key, hash_masked(st, key));
        if (e) {
            const struct ofproto_cls_rule *r =
                CONTAINER_OF(e->rules.next, struct ofproto_cls_rule, node);
            if (!best || r->priority > best->priority) {
                best = r;
            }
        }
    }
    return best;
}

/* ORs subtable ST's mask into WC (if nonnull). */
static void
wc_add(struct ofproto_key *wc, const struct ofproto_cls_subtable *st)
{
    if (wc) {
        uint64_t *w = key_words_rw(wc);
        const uint64_t *m = key_words(&st->mask);

        for (size_t j = 0; j < st->n_words; j++) {
            w[st->idx[j]] |= m[st->idx[j]];
        }
    }
}

const struct ofproto_cls_rule *
ofproto_cls_lookup_skip(const struct ofproto_cls *cls,
                        const struct ofproto_key *key, struct ofproto_key *wc,
                        bool (*skip)(const struct ofproto_cls_rule *, void *),
                        void *aux)
{
    const struct ofproto_cls_rule *best = NULL;

    /* The same walk as ofproto_cls_lookup(), taking in each entry the
     * first rule SKIP lets through: which rules are skipped depends only
     * on the rules, so the visited masks still decide the answer. */
    for (size_t i = 0; i < cls->n_subtables; i++) {
        const struct ofproto_cls_subtable *st = cls->order[i];
        const struct ofproto_cls_entry *e;

        if (best && st->max_priority <= best->priority) {
            break;
        }
        wc_add(wc, st);
        e = find_entry(st, key, hash_masked(st, key));
        if (!e) {
            continue;
        }
        const struct ofproto_cls_rule *r;
        DLIST_FOR_EACH (r, node, &e->rules) {
            if (best && r->priority <= best->priority) {
                break;
            }
            if (!skip(r, aux)) {
                best = r;
                break;
            }
        }
    }
    return best;
}

void
ofproto_cls_for_each_match_at(
    const struct ofproto_cls *cls, const struct ofproto_key *key,
    struct ofproto_key *wc, uint16_t priority,
    void (*cb)(const struct ofproto_cls_rule *, void *), void *aux)
{
    for (size_t i = 0; i < cls->n_subtables; i++) {
        const struct ofproto_cls_subtable *st = cls->order[i];
        const struct ofproto_cls_entry *e;

        if (st->max_priority < priority) {
            break;
        }
        wc_add(wc, st);
        e = find_entry(st, key, hash_masked(st, key));
        if (!e) {
            continue;
        }
        const struct ofproto_cls_rule *r;
        DLIST_FOR_EACH (r, node, &e->rules) {
            if (r->priority < priority) {
                break;
            }
            if (r->priority == priority) {
                cb(r, aux);
            }
        }
    }
}

/* True if masks M1 and M2 leave some packet able to match both K1 and
 * K2: they agree on every bit both masks care about. */
static bool
words_overlap(const struct ofproto_cls_entry *e, const struct ofproto_key *key,
              const struct ofproto_key *mask)
{
    const struct ofproto_cls_subtable *st = e->subtable;
    const uint64_t *k = key_words(key);
    const uint64_t *m = key_words(mask);

    for (size_t i = 0; i < st->n_words; i++) {
        size_t w = st->idx[i];
        if ((e->words[i] ^ k[w]) & m[w] & key_words(&st->mask)[w]) {
            return false;
        }
    }
    return true;
}

bool
ofproto_cls_overlaps(const struct ofproto_cls *cls,
                     const struct ofproto_key *key,
                     const struct ofproto_key *mask, uint16_t priority)
{
    for (size_t i = 0; i < cls->n_subtables; i++) {
        const struct ofproto_cls_subtable *st = cls->order[i];
        const struct ofproto_cls_entry *e;

        if (!find_prio(st, priority)) {
            continue;
        }
        HMAP_FOR_EACH (e, node, &st->entries) {
            const struct ofproto_cls_rule *r;

            if (!words_overlap(e, key, mask)) {
                continue;
            }
            DLIST_FOR_EACH (r, node, &e->rules) {
                if (r->priority == priority) {
                    return true;
                }
            }
        }
    }
    return false;
}

/* True if every bit of MASK is in ST's mask. */
static bool
subtable_covers(const struct ofproto_cls_subtable *st,
                const struct ofproto_key *mask)
{
    const uint64_t *a = key_words(&st->mask);
    const uint64_t *b = key_words(mask);

    for (size_t i = 0; i < OFPROTO_KEY_U64S; i++) {
        if (b[i] & ~a[i]) {
            return false;
        }
    }
    return true;
}

void
ofproto_cls_visit(const struct ofproto_cls *cls, const struct ofproto_key *key,
                  const struct ofproto_key *mask,
                  bool (*cb)(struct ofproto_cls_rule *, void *aux), void *aux)
{
    for (size_t i = 0; i < cls->n_subtables; i++) {
        const struct ofproto_cls_subtable *st = cls->order[i];
        const struct ofproto_cls_entry *e;

        if (mask && !subtable_covers(st, mask)) {
            continue;
        }
        HMAP_FOR_EACH (e, node, &st->entries) {
            struct ofproto_cls_rule *r;

            /* Under a covered mask, "agrees with KEY under MASK" is the
             * overlap test. */
            if (mask && !words_overlap(e, key, mask)) {
                continue;
            }
            DLIST_FOR_EACH (r, node, &e->rules) {
                if (!cb(r, aux)) {
                    return;
                }
            }
        }
    }
}

const struct ofproto_key *
ofproto_cls_rule_mask(const struct ofproto_cls_rule *rule)
{
    return &rule->entry->subtable->mask;
}

void
ofproto_cls_rule_key(const struct ofproto_cls_rule *rule,
                     struct ofproto_key *key)
{
    const struct ofproto_cls_entry *e = rule->entry;
    const struct ofproto_cls_subtable *st = e->subtable;
    uint64_t *k = key_words_rw(key);

    memset(key, 0, sizeof *key);
    for (size_t i = 0; i < st->n_words; i++) {
        k[st->idx[i]] = e->words[i];
    }
}
