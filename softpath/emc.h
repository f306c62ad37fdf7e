/* emc.h: the exact-match cache (EMC) in front of the megaflow classifier.
 *
 * A small fixed-size cache from a packet's full flow key to the megaflow
 * it matched.  A hit costs one hash, at most two key compares and no
 * subtable walk.  It is 2-way set associative: a flow's hash selects a set
 * of two adjacent entries, and a new flow takes an empty or stale entry of
 * its set, or else one of the two chosen pseudo-randomly.
 *
 * Validity: an entry holds the megaflow's rule pointer and the rule's
 * serial at insertion.  A hit is returned only while the rule still has
 * that serial, so an entry for a removed megaflow is never returned, even
 * if the rule's memory now holds another megaflow (the classifier keeps
 * removed rules' memory, typed, until dpcls_destroy(); see classifier.h).
 * Replacing a megaflow's payload with dpcls_replace() keeps the entries
 * valid, and they see the new payload.
 *
 * The cache is only correct for non-overlapping megaflows (a datapath's):
 * with overlapping megaflows and priorities, inserting a megaflow may change
 * which one a cached flow should get, and the caller must emc_flush() after
 * such an insertion.
 *
 * Insertion is probabilistic, as Open vSwitch's emc-insert-inv-prob: on a
 * miss, emc_probabilistic_insert() inserts with probability 1/N, so that
 * traffic with many short flows does not thrash the cache while long flows
 * still enter it after a few packets.
 *
 * Flows with Geneve options are not cached (see EMC_KEY_WORDS): their
 * lookups miss and their inserts do nothing.
 *
 * Threading: as the classifier, one thread (the owner of both).  An EMC
 * must be flushed or destroyed before the classifier its entries point
 * into is destroyed. */
#ifndef NICFLOW_SOFTPATH_EMC_H
#define NICFLOW_SOFTPATH_EMC_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/flow.h"
#include "softpath/classifier.h"

/* Default number of entries and default 1-in-N insertion probability
 * (Open vSwitch's defaults). */
#define EMC_DEFAULT_ENTRIES 8192
#define EMC_DEFAULT_INSERT_INV_PROB 100

/* An entry keeps the words of a flow before its Geneve options' data (the
 * 256 bytes at its end, lib/packet.h): a flow with options (rare, and
 * matched on bytes the megaflow may mask) is never cached, so that the
 * cache keeps less than half of each flow and the rest of the datapath
 * pays nothing for the options' room. */
#define EMC_KEY_WORDS (offsetof(struct flow, tunnel.opts.data) / 8)
_Static_assert(offsetof(struct flow, tunnel.opts.data) % 8 == 0,
               "the EMC keeps whole words");
_Static_assert(offsetof(struct flow, tunnel.opts.data)
                       + sizeof(((struct flow *) 0)->tunnel.opts.data)
                   == sizeof(struct flow),
               "the options' data ends the flow");

struct emc_entry {
    uint64_t key[EMC_KEY_WORDS]; /* The flow's first words. */
    struct dpcls_rule *rule;     /* NULL if the entry is empty. */
    uint64_t serial;             /* rule->serial when inserted. */
    uint32_t hash;
};

struct emc_stats {
    uint64_t n_hits;
    uint64_t n_misses;
    uint64_t n_inserts; /* Entries written. */
    uint64_t n_stale;   /* Lookups that found their flow's entry, but for
                           * a removed megaflow. */
    size_t n_entries;   /* Capacity. */
    size_t bytes_in_use;
};

struct emc {
    struct emc_entry *entries;
    size_t set_mask; /* Number of 2-entry sets minus one. */
    uint32_t insert_inv_prob;
    uint32_t prng;
    uint64_t n_hits;
    uint64_t n_misses;
    uint64_t n_inserts;
    uint64_t n_stale;
};

/* Initializes an empty cache of N_ENTRIES entries, a power of 2 of at
 * least 2 (0 for EMC_DEFAULT_ENTRIES).  Returns 0 or EINVAL. */
int emc_init(struct emc *, size_t n_entries);
void emc_destroy(struct emc *);

/* Empties the cache. */
void emc_flush(struct emc *);

/* Sets N of "insert on 1 in N misses": 0 disables insertion, 1 inserts on
 * every miss. */
void emc_set_insert_inv_prob(struct emc *, uint32_t inv_prob);

/* The hash emc_lookup() and emc_insert() expect for FLOW (any good hash of
 * the whole flow, e.g. the NIC's RSS hash, works as long as it is used
 * for both). */
uint32_t emc_hash(const struct flow *flow);

/* Returns the live megaflow cached for FLOW (whose hash is HASH), or
 * NULL. */
struct dpcls_rule *emc_lookup(struct emc *, const struct flow *flow,
                              uint32_t hash);

/* Caches RULE, an installed megaflow that FLOW matches. */
void emc_insert(struct emc *, const struct flow *flow, uint32_t hash,
                struct dpcls_rule *rule);

/* After a miss: caches RULE with probability 1/insert_inv_prob.  Returns
 * true if it did. */
bool emc_probabilistic_insert(struct emc *, const struct flow *flow,
                              uint32_t hash, struct dpcls_rule *rule);

void emc_get_stats(const struct emc *, struct emc_stats *);

#endif /* NICFLOW_SOFTPATH_EMC_H */
