/* ofproto-cls.h: the OpenFlow classifier of one flow table — tuple space
 * search over struct ofproto_key (the packet's header fields plus the
 * pipeline fields OpenFlow matches on), with priorities.
 *
 * Rules are grouped into subtables, one per distinct mask.  Within a
 * subtable, rules whose masked keys are equal share one entry, which
 * keeps them in a list ordered by priority (highest first), so a lookup
 * costs one hash probe per subtable visited.  Subtables are visited in
 * decreasing order of the highest priority they hold, and the lookup
 * stops as soon as no remaining subtable can hold a rule that beats the
 * best match found so far (a subtable whose highest priority is equal to
 * the best match's cannot beat it either: ties go to the rule found
 * first, which keeps the answer a function of the visited masks only).
 *
 * Why the lookup's wildcards make megaflows correct: the answer depends
 * only on the masked key in every visited subtable (a hash probe with the
 * key's bits under the subtable's mask) and on the fixed visiting order.
 * A second key that agrees with the first on the union of the visited
 * masks probes exactly the same entries in the same order, finds the same
 * candidates, and stops at the same place, so it gets the same rule (or
 * the same miss).  Unvisited subtables cannot matter to it either: they
 * were skipped because their highest priority could not beat the answer,
 * which is the same answer for the second key.  ofproto_cls_lookup()
 * therefore ORs every visited subtable's mask into the caller's
 * wildcards, and a datapath flow keyed on those bits is safe to reuse for
 * every packet it matches.
 *
 * Identity: a rule is identified by (mask, masked key, priority); at most
 * one rule with a given identity can be inserted.
 *
 * The classifier does not own rules: callers embed struct
 * ofproto_cls_rule in their own structures and free them after removal.
 * Not thread-safe. */
#ifndef NICFLOW_VSWITCHD_OFPROTO_CLS_H
#define NICFLOW_VSWITCHD_OFPROTO_CLS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/hmap.h"
#include "lib/list.h"
#include "vswitchd/ofproto.h"

/* The key's size in 64-bit words (struct flow and struct of_meta are
 * both whole numbers of words without holes). */
#define OFPROTO_KEY_U64S (sizeof(struct ofproto_key) / sizeof(uint64_t))
_Static_assert(sizeof(struct ofproto_key) % sizeof(uint64_t) == 0,
               "ofproto_key must be a whole number of 64-bit words");

struct ofproto_cls_entry;
struct ofproto_cls_subtable;

/* A rule, embedded in the caller's structure.  PRIORITY is set by
 * ofproto_cls_insert(); the other members are the classifier's. */
struct ofproto_cls_rule {
    uint16_t priority;
    struct ofproto_cls_entry *entry; /* NULL while not inserted. */
    struct dlist node;               /* In the entry's list. */
};

struct ofproto_cls {
    struct hmap subtables;               /* By mask hash. */
    struct ofproto_cls_subtable **order; /* By highest priority, desc. */
    size_t n_subtables, cap_subtables;
    size_t n_rules;
    /* The subtable of the last insert, or NULL: flow-mods tend to come
     * in runs of one mask, and comparing a mask is cheaper than hashing
     * it to find its subtable. */
    struct ofproto_cls_subtable *last;
};

/* Initialises an empty classifier. */
void ofproto_cls_init(struct ofproto_cls *);
/* Frees the classifier's own memory.  It must be empty (the caller
 * removes, and frees, its rules first). */
void ofproto_cls_destroy(struct ofproto_cls *);

/* Inserts RULE with match KEY/MASK (KEY is masked here; bits outside MASK
 * may be anything) and PRIORITY.  Returns NULL, or the rule already
 * inserted with the same identity, in which case RULE is not inserted. */
struct ofproto_cls_rule *ofproto_cls_insert(struct ofproto_cls *,
                                            struct ofproto_cls_rule *rule,
                                            const struct ofproto_key *key,
                                            const struct ofproto_key *mask,
                                            uint16_t priority);

/* Removes RULE, which must be inserted in CLS. */
void ofproto_cls_remove(struct ofproto_cls *, struct ofproto_cls_rule *rule);

/* The rule with exactly this identity, or NULL. */
struct ofproto_cls_rule *ofproto_cls_find_exact(const struct ofproto_cls *,
                                                const struct ofproto_key *key,
                                                const struct ofproto_key *mask,
                                                uint16_t priority);

/* The highest-priority rule matching KEY, or NULL.  If WC is nonnull, ORs
 * into it the mask of every subtable visited (see the file comment). */
const struct ofproto_cls_rule *
ofproto_cls_lookup(const struct ofproto_cls *, const struct ofproto_key *key,
                   struct ofproto_key *wc);

/* ofproto_cls_lookup() as if the rules for which SKIP(rule, AUX) returns
 * true were not there (SKIP must depend on the rule only, so that the
 * wildcards in WC stay sufficient). */
const struct ofproto_cls_rule *ofproto_cls_lookup_skip(
    const struct ofproto_cls *, const struct ofproto_key *key,
    struct ofproto_key *wc,
    bool (*skip)(const struct ofproto_cls_rule *, void *aux), void *aux);

/* Calls CB for every rule of priority PRIORITY that KEY matches (in no
 * particular order), ORing into WC (if nonnull) the mask of every
 * subtable that could hold one. */
void ofproto_cls_for_each_match_at(
    const struct ofproto_cls *, const struct ofproto_key *key,
    struct ofproto_key *wc, uint16_t priority,
    void (*cb)(const struct ofproto_cls_rule *, void *aux), void *aux);

/* True if some rule with PRIORITY overlaps the match KEY/MASK: some
 * packet could match both (OFPFF_CHECK_OVERLAP). */
bool ofproto_cls_overlaps(const struct ofproto_cls *,
                          const struct ofproto_key *key,
                          const struct ofproto_key *mask, uint16_t priority);

/* Calls CB for every rule whose match is at least as specific as
 * KEY/MASK (every bit of MASK is in the rule's mask, and the rule's key
 * agrees with KEY under MASK): the rules a non-strict modify or delete
 * with that match selects.  MASK NULL selects every rule.  CB must not
 * change CLS; it returns false to stop the walk. */
void ofproto_cls_visit(const struct ofproto_cls *,
                       const struct ofproto_key *key,
                       const struct ofproto_key *mask,
                       bool (*cb)(struct ofproto_cls_rule *, void *aux),
                       void *aux);

/* The rule's mask and masked key (valid while it is inserted). */
const struct ofproto_key *
ofproto_cls_rule_mask(const struct ofproto_cls_rule *);
void ofproto_cls_rule_key(const struct ofproto_cls_rule *,
                          struct ofproto_key *key);

static inline size_t
ofproto_cls_count(const struct ofproto_cls *cls)
{
    return cls->n_rules;
}

/* Number of subtables (for statistics and tests). */
static inline size_t
ofproto_cls_n_subtables(const struct ofproto_cls *cls)
{
    return cls->n_subtables;
}

#endif /* ofproto-cls.h */
