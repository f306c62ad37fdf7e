/* classifier.h: the megaflow classifier of the userspace datapath (tuple
 * space search).
 *
 * A megaflow is a key and a mask, both laid out as struct flow: a packet
 * whose flow F satisfies (F & mask) == (key & mask), word by word, matches
 * it.  Each megaflow carries an opaque payload pointer (the datapath's flow
 * entry with its actions and statistics).
 *
 * Megaflows are grouped into subtables, one per distinct mask.  A subtable
 * is a hash table of masked keys, hashed and compared over the mask's
 * nonzero 64-bit words only (each subtable precomputes their indexes), so a
 * lookup costs one hash and one probe per subtable visited.  The table is
 * open-addressed (linear probing, at most half full) and holds each rule's
 * full 32-bit hash next to its pointer, so a probe that misses, the common
 * case when many subtables are visited, reads one cache line and no
 * rule.
 *
 * Match semantics.  In a datapath, megaflows never overlap: xlate makes
 * every mask wide enough that a packet matches at most one installed
 * megaflow.  The classifier relies on that by default and returns the
 * first match it finds, visiting subtables in order of recent hit counts
 * (re-ranked every DPCLS_SORT_INTERVAL lookups, or by dpcls_sort()), so
 * the busiest subtables are probed first.  If overlapping megaflows are
 * inserted with the default priority 0, which of them a packet gets is
 * unspecified.
 *
 * Optional priorities, for generality: as soon as any megaflow with a
 * nonzero priority is present, lookups return the matching megaflow with
 * the highest priority (ties: unspecified), visiting subtables in order of
 * their highest priority and stopping when no remaining subtable can beat
 * the best match found.  That mode is slower (no hit ranking, and batch
 * lookups fall back to one packet at a time); a datapath does not need it.
 *
 * Threading: not thread-safe.  The intended model, for now, is one thread
 * that both modifies and looks up (a PMD thread owning its classifier);
 * every call on one classifier must come from one thread at a time.
 *
 * Memory of removed megaflows: a removed rule's memory is kept by the
 * classifier and reused for later rules of the same size, never returned
 * to malloc before dpcls_destroy().  A stale rule pointer (held, say, by an
 * exact-match cache entry) therefore always points at a struct dpcls_rule,
 * whose 'serial' tells whether it is still the rule it was: removal sets
 * it to 0 and every insertion draws a new, never reused serial.  See
 * emc.h. */
#ifndef NICFLOW_SOFTPATH_CLASSIFIER_H
#define NICFLOW_SOFTPATH_CLASSIFIER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/flow.h"
#include "lib/hmap.h"

/* Most packets dpcls_lookup_batch() takes in one call. */
#define DPCLS_BATCH_MAX 32

/* Lookups between two automatic re-rankings of the subtables. */
#define DPCLS_SORT_INTERVAL 8192

struct dpcls_subtable;

/* One megaflow.  Owned by the classifier; callers read 'payload',
 * 'priority' and 'serial' and change nothing. */
struct dpcls_rule {
    struct dpcls_subtable *subtable; /* NULL once removed. */
    void *payload;                   /* The caller's. */
    uint64_t serial;                 /* Unique while installed; 0 once
                                      * removed. */
    int32_t priority;                /* 0 unless the caller uses them. */
    uint32_t hash;                   /* Of the masked key. */
    uint32_t n_words;                /* Length of words[]. */
    uint64_t words[];                /* Masked key, the mask's nonzero
                                      * words only, in index order. */
};

/* Classifier-wide counters, for dpif/show-style output. */
struct dpcls_stats {
    uint64_t n_lookups;          /* Packets looked up (single or batch). */
    uint64_t n_hits;             /* Of those, matched. */
    uint64_t n_misses;           /* Of those, not matched. */
    uint64_t n_subtables_probed; /* Sum over lookups of subtables probed. */
    size_t n_rules;              /* Megaflows installed. */
    size_t n_subtables;          /* Distinct masks installed. */
    size_t bytes_in_use;         /* Every byte the classifier holds. */
};

/* Per-subtable counters, in current lookup order. */
struct dpcls_subtable_stats {
    struct flow mask; /* The subtable's mask. */
    size_t n_rules;
    unsigned int n_words; /* Nonzero 64-bit words of the mask. */
    uint64_t hits;        /* Since the subtable was created. */
    int32_t max_priority;
};

struct dpcls {
    struct hmap subtables;         /* Of struct dpcls_subtable, by mask. */
    struct dpcls_subtable **order; /* Lookup order. */
    size_t n_order;
    size_t order_cap;
    bool order_stale; /* 'order' must be re-sorted before use. */

    size_t n_rules;
    size_t n_prio_rules; /* Rules with nonzero priority. */
    uint64_t next_serial;
    uint64_t hash_basis;
    uint32_t lookups_until_sort;

    /* Freed rules, by n_words, for reuse (see "Memory" above). */
    struct dpcls_rule *free_rules[FLOW_U64S + 1];
    size_t bytes_in_use;

    uint64_t n_lookups;
    uint64_t n_hits;
    uint64_t n_subtables_probed;
};

void dpcls_init(struct dpcls *);

/* Frees every rule and subtable (not the payloads).  Exact-match caches
 * that point into this classifier must be flushed first. */
void dpcls_destroy(struct dpcls *);

/* Installs the megaflow KEY/MASK with PRIORITY and PAYLOAD.  Bits of KEY
 * outside MASK are ignored.  On success returns 0 and, if RULEP is
 * nonnull, stores the new rule in *RULEP.  Returns EEXIST (and stores the
 * existing rule in *RULEP) if a megaflow with the same mask, masked key
 * and priority is already installed; use dpcls_replace() for that. */
int dpcls_insert(struct dpcls *, const struct flow *key,
                 const struct flow *mask, int32_t priority, void *payload,
                 struct dpcls_rule **rulep);

/* Like dpcls_insert(), but if the same megaflow (mask, masked key,
 * priority) is already installed, gives it PAYLOAD instead, stores its
 * old payload in *OLD_PAYLOAD (if nonnull) and returns that rule.  A new
 * megaflow sets *OLD_PAYLOAD to NULL.  The replaced rule keeps its serial,
 * so exact-match cache entries for it stay valid and see PAYLOAD. */
struct dpcls_rule *dpcls_replace(struct dpcls *, const struct flow *key,
                                 const struct flow *mask, int32_t priority,
                                 void *payload, void **old_payload);

/* Finds the installed megaflow with exactly this mask, masked key and
 * priority, or NULL. */
struct dpcls_rule *dpcls_find_exact(const struct dpcls *,
                                    const struct flow *key,
                                    const struct flow *mask, int32_t priority);

/* Removes RULE, which must be installed in this classifier.  Its payload
 * is the caller's to free; the rule's memory stays with the classifier. */
void dpcls_remove(struct dpcls *, struct dpcls_rule *rule);

/* Returns the megaflow that FLOW matches (see "Match semantics"), or
 * NULL. */
struct dpcls_rule *dpcls_lookup(struct dpcls *, const struct flow *flow);

/* Looks up the N (at most DPCLS_BATCH_MAX) flows KEYS[] at once: stores
 * in RESULTS[i] what dpcls_lookup(KEYS[i]) would return.  Each subtable
 * is probed only for the packets still unmatched, with all their hashes
 * computed first.  Returns the number of packets matched. */
size_t dpcls_lookup_batch(struct dpcls *, const struct flow *keys[], size_t n,
                          struct dpcls_rule *results[]);

/* Re-ranks the subtables by hits since the last ranking (busiest first);
 * with priorities in use, by highest priority instead.  Lookups call it
 * every DPCLS_SORT_INTERVAL lookups. */
void dpcls_sort(struct dpcls *);

/* True if RULE still is the installed megaflow whose serial was SERIAL. */
static inline bool
dpcls_rule_is_live(const struct dpcls_rule *rule, uint64_t serial)
{
    return serial && rule->serial == serial;
}

/* Reconstructs RULE's masked key and mask into KEY and MASK. */
void dpcls_rule_get(const struct dpcls_rule *rule, struct flow *key,
                    struct flow *mask);

static inline size_t
dpcls_count(const struct dpcls *cls)
{
    return cls->n_rules;
}

void dpcls_get_stats(const struct dpcls *, struct dpcls_stats *);

/* Fills at most MAX entries of STATS, in lookup order, and returns the
 * number of subtables. */
size_t dpcls_get_subtable_stats(struct dpcls *,
                                struct dpcls_subtable_stats *stats,
                                size_t max);

/* Average bytes the classifier holds per installed megaflow (rules,
 * subtables, hash buckets, lookup order, reusable freed rules), or 0 with
 * none installed. */
double dpcls_memory_per_flow(const struct dpcls *);

/* Appends a dpif/show-style summary of the counters and one line per
 * subtable to B. */
void dpcls_format_stats(struct dpcls *, struct buf *b);

#endif /* NICFLOW_SOFTPATH_CLASSIFIER_H */
