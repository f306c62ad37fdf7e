/* tcf-alloc.c: priorities by protocol and mask, reference-counted.  See
 * tcf-alloc.h. */
#include "tc-flower/tcf-alloc.h"

#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/util.h"

struct prio_entry {
    struct hmap_node by_key;  /* In 'keys', if 'keyed'. */
    struct hmap_node by_prio; /* In 'prios'. */
    uint16_t prio;
    uint16_t protocol;
    struct tcf_key mask;
    unsigned refs;
    bool keyed; /* The priority of (protocol, mask). */
};

struct tcf_prio_table {
    struct hmap keys;  /* prio_entry by (protocol, mask). */
    struct hmap prios; /* prio_entry by prio. */
    uint64_t used[(TCF_N_PRIOS + 63) / 64];
};

static uint32_t
key_hash(uint16_t protocol, const struct tcf_key *mask)
{
    return hash_bytes(mask, sizeof *mask, protocol);
}

static uint32_t
prio_hash(uint16_t prio)
{
    return hash_finish(hash_add(0, prio), 0);
}

static struct prio_entry *
find_key(const struct tcf_prio_table *t, uint16_t protocol,
         const struct tcf_key *mask)
{
    struct prio_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, by_key, key_hash(protocol, mask), &t->keys) {
        if (e->protocol == protocol && !memcmp(&e->mask, mask, sizeof *mask)) {
            return e;
        }
    }
    return NULL;
}

static struct prio_entry *
find_prio(const struct tcf_prio_table *t, uint16_t prio)
{
    struct prio_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, by_prio, prio_hash(prio), &t->prios) {
        if (e->prio == prio) {
            return e;
        }
    }
    return NULL;
}

static void
set_used(struct tcf_prio_table *t, uint16_t prio, bool used)
{
    unsigned i = prio - TCF_PRIO_MIN;
    uint64_t bit = UINT64_C(1) << (i % 64);

    if (used) {
        t->used[i / 64] |= bit;
    } else {
        t->used[i / 64] &= ~bit;
    }
}

static struct prio_entry *
new_entry(struct tcf_prio_table *t, uint16_t prio, uint16_t protocol,
          const struct tcf_key *mask, bool keyed)
{
    struct prio_entry *e = xzalloc(sizeof *e);

    e->prio = prio;
    e->protocol = protocol;
    e->mask = *mask;
    e->refs = 1;
    e->keyed = keyed;
    hmap_insert(&t->prios, &e->by_prio, prio_hash(prio));
    if (keyed) {
        hmap_insert(&t->keys, &e->by_key, key_hash(protocol, mask));
    }
    set_used(t, prio, true);
    return e;
}

struct tcf_prio_table *
tcf_prio_table_create(void)
{
    struct tcf_prio_table *t = xzalloc(sizeof *t);

    hmap_init(&t->keys);
    hmap_init(&t->prios);
    return t;
}

void
tcf_prio_table_destroy(struct tcf_prio_table *t)
{
    struct prio_entry *e;

    if (!t) {
        return;
    }
    HMAP_FOR_EACH_SAFE (e, by_prio, &t->prios) {
        free(e);
    }
    hmap_destroy(&t->keys);
    hmap_destroy(&t->prios);
    free(t);
}

uint16_t
tcf_prio_get(struct tcf_prio_table *t, uint16_t protocol,
             const struct tcf_key *mask)
{
    struct prio_entry *e = find_key(t, protocol, mask);

    if (e) {
        e->refs++;
        return e->prio;
    }
    for (size_t w = 0; w < ARRAY_SIZE(t->used); w++) {
        if (t->used[w] != UINT64_MAX) {
            unsigned i = w * 64 + __builtin_ctzll(~t->used[w]);
            if (i >= TCF_N_PRIOS) {
                break;
            }
            return new_entry(t, TCF_PRIO_MIN + i, protocol, mask, true)->prio;
        }
    }
    return 0;
}

bool
tcf_prio_adopt(struct tcf_prio_table *t, uint16_t prio, uint16_t protocol,
               const struct tcf_key *mask)
{
    struct prio_entry *e;

    if (!tcf_prio_is_ours(prio)) {
        return false;
    }
    e = find_prio(t, prio);
    if (e) {
        if (e->protocol != protocol) {
            return false;
        }
        e->refs++;
        return true;
    }
    new_entry(t, prio, protocol, mask, !find_key(t, protocol, mask));
    return true;
}

void
tcf_prio_put(struct tcf_prio_table *t, uint16_t prio)
{
    struct prio_entry *e = find_prio(t, prio);

    if (!e || --e->refs) {
        return;
    }
    if (e->keyed) {
        hmap_remove(&t->keys, &e->by_key);
    }
    hmap_remove(&t->prios, &e->by_prio);
    set_used(t, prio, false);
    free(e);
}

unsigned
tcf_prio_refs(const struct tcf_prio_table *t, uint16_t prio)
{
    const struct prio_entry *e = find_prio(t, prio);

    return e ? e->refs : 0;
}
