/* hmap.h: intrusive hash map keyed by a caller-computed 32-bit hash.
 *
 * The map stores struct hmap_node members embedded in the caller's
 * elements; the caller computes hashes and compares keys itself, so one map
 * type serves every key type.  Several nodes may share a hash.  The bucket
 * array doubles when the map would hold more than one node per bucket: a
 * miss then walks fewer nodes, each likely a cache miss in a big map (8
 * bytes of buckets per node at most, against 4 at a load of two).  Removal
 * never resizes (so removing during HMAP_FOR_EACH_SAFE is safe); call
 * hmap_shrink() after removing many nodes.  Not thread-safe. */
#ifndef NICFLOW_HMAP_H
#define NICFLOW_HMAP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct hmap_node {
    uint32_t hash;
    struct hmap_node *next;
};

struct hmap {
    struct hmap_node **buckets;
    size_t mask; /* Number of buckets minus one. */
    size_t n;    /* Number of nodes. */
};

#define HMAP_INITIALIZER \
    {                    \
        NULL, 0, 0       \
    }

void hmap_init(struct hmap *);

/* Frees the bucket array only; the caller owns the elements. */
void hmap_destroy(struct hmap *);

/* Inserts NODE with HASH (duplicates allowed). */
void hmap_insert(struct hmap *, struct hmap_node *node, uint32_t hash);

/* Removes NODE, which must be in the map. */
void hmap_remove(struct hmap *, struct hmap_node *node);

/* Shrinks the bucket array to fit the current count.  Not to be called
 * while iterating. */
void hmap_shrink(struct hmap *);

static inline size_t
hmap_count(const struct hmap *m)
{
    return m->n;
}
static inline bool
hmap_is_empty(const struct hmap *m)
{
    return !m->n;
}

/* First node with HASH, or NULL; continue with hmap_next_with_hash(). */
struct hmap_node *hmap_first_with_hash(const struct hmap *, uint32_t hash);
struct hmap_node *hmap_next_with_hash(const struct hmap_node *);

/* Iteration in bucket order: first node, then the node after NODE. */
struct hmap_node *hmap_first(const struct hmap *);
struct hmap_node *hmap_next(const struct hmap *, const struct hmap_node *);

#define HMAP_NODE_TO(NODE, TYPE, MEMBER) \
    ((NODE) ? CONTAINER_OF(NODE, TYPE, MEMBER) : NULL)

#define HMAP_FOR_EACH_WITH_HASH(ITER, MEMBER, HASH, MAP)                      \
    for (struct hmap_node *hn__ = hmap_first_with_hash(MAP, HASH);            \
         hn__ && ((ITER) = CONTAINER_OF(hn__, __typeof__(*ITER), MEMBER), 1); \
         hn__ = hmap_next_with_hash(hn__))

#define HMAP_FOR_EACH(ITER, MEMBER, MAP)                                      \
    for (struct hmap_node *hn__ = hmap_first(MAP);                            \
         hn__ && ((ITER) = CONTAINER_OF(hn__, __typeof__(*ITER), MEMBER), 1); \
         hn__ = hmap_next(MAP, hn__))

/* Safe against removal (and freeing) of ITER in the body. */
#define HMAP_FOR_EACH_SAFE(ITER, MEMBER, MAP)                            \
    for (struct hmap_node *hn__ = hmap_first(MAP), *hnx__ = NULL;        \
         hn__ && ((hnx__ = hmap_next(MAP, hn__)), 1)                     \
         && ((ITER) = CONTAINER_OF(hn__, __typeof__(*ITER), MEMBER), 1); \
         hn__ = hnx__)

#endif
