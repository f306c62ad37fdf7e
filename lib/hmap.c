/* hmap.c: the hash map of hmap.h. */
#include "hmap.h"

#include <stdlib.h>

void
hmap_init(struct hmap *m)
{
    m->buckets = NULL;
    m->mask = 0;
    m->n = 0;
}

void
hmap_destroy(struct hmap *m)
{
    free(m->buckets);
    hmap_init(m);
}

static void
resize(struct hmap *m, size_t n_buckets)
{
    struct hmap_node **nb = xcalloc(n_buckets, sizeof *nb);
    size_t mask = n_buckets - 1;

    if (m->buckets) {
        for (size_t i = 0; i <= m->mask; i++) {
            struct hmap_node *node = m->buckets[i];
            while (node) {
                struct hmap_node *next = node->next;
                struct hmap_node **b = &nb[node->hash & mask];
                node->next = *b;
                *b = node;
                node = next;
            }
        }
    }
    free(m->buckets);
    m->buckets = nb;
    m->mask = mask;
}

void
hmap_insert(struct hmap *m, struct hmap_node *node, uint32_t hash)
{
    if (!m->buckets) {
        resize(m, 8);
    } else if (m->n >= m->mask + 1) {
        resize(m, 2 * (m->mask + 1));
    }
    struct hmap_node **b = &m->buckets[hash & m->mask];
    node->hash = hash;
    node->next = *b;
    *b = node;
    m->n++;
}

void
hmap_remove(struct hmap *m, struct hmap_node *node)
{
    struct hmap_node **p = &m->buckets[node->hash & m->mask];
    while (*p != node) {
        nf_assert(*p);
        p = &(*p)->next;
    }
    *p = node->next;
    m->n--;
}

void
hmap_shrink(struct hmap *m)
{
    size_t want = 8;
    while (want < m->n) {
        want *= 2;
    }
    if (m->buckets && want < m->mask + 1) {
        resize(m, want);
    }
}

struct hmap_node *
hmap_first_with_hash(const struct hmap *m, uint32_t hash)
{
    if (!m->buckets) {
        return NULL;
    }
    struct hmap_node *node = m->buckets[hash & m->mask];
    while (node && node->hash != hash) {
        node = node->next;
    }
    return node;
}

struct hmap_node *
hmap_next_with_hash(const struct hmap_node *node)
{
    uint32_t hash = node->hash;
    for (node = node->next; node && node->hash != hash; node = node->next) {
        continue;
    }
    return (struct hmap_node *) node;
}

static struct hmap_node *
first_from(const struct hmap *m, size_t start)
{
    if (!m->buckets) {
        return NULL;
    }
    for (size_t i = start; i <= m->mask; i++) {
        if (m->buckets[i]) {
            return m->buckets[i];
        }
    }
    return NULL;
}

struct hmap_node *
hmap_first(const struct hmap *m)
{
    return first_from(m, 0);
}

struct hmap_node *
hmap_next(const struct hmap *m, const struct hmap_node *node)
{
    if (node->next) {
        return node->next;
    }
    return first_from(m, (node->hash & m->mask) + 1);
}
