/* list.h: intrusive circular doubly linked list ("dlist").
 *
 * A struct dlist is either a list head or a node embedded in an element.
 * An empty list points to itself.  All operations are O(1) except
 * dlist_size(). */
#ifndef NICFLOW_LIST_H
#define NICFLOW_LIST_H 1

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct dlist {
    struct dlist *prev, *next;
};

#define DLIST_INITIALIZER(L) \
    {                        \
        (L), (L)             \
    }

static inline void
dlist_init(struct dlist *l)
{
    l->prev = l->next = l;
}

static inline bool
dlist_is_empty(const struct dlist *l)
{
    return l->next == l;
}

/* Inserts NODE just before BEFORE (so dlist_insert(list, n) appends). */
static inline void
dlist_insert(struct dlist *before, struct dlist *node)
{
    node->prev = before->prev;
    node->next = before;
    before->prev->next = node;
    before->prev = node;
}

static inline void
dlist_push_back(struct dlist *l, struct dlist *node)
{
    dlist_insert(l, node);
}

static inline void
dlist_push_front(struct dlist *l, struct dlist *node)
{
    dlist_insert(l->next, node);
}

/* Unlinks NODE and returns the node that followed it. */
static inline struct dlist *
dlist_remove(struct dlist *node)
{
    struct dlist *next = node->next;
    node->prev->next = node->next;
    node->next->prev = node->prev;
    node->prev = node->next = node;
    return next;
}

/* Removes and returns the first node; the list must not be empty. */
static inline struct dlist *
dlist_pop_front(struct dlist *l)
{
    struct dlist *n = l->next;
    dlist_remove(n);
    return n;
}

static inline size_t
dlist_size(const struct dlist *l)
{
    size_t n = 0;
    for (const struct dlist *e = l->next; e != l; e = e->next) {
        n++;
    }
    return n;
}

#define DLIST_FOR_EACH(ITER, MEMBER, LIST)                             \
    for (ITER = CONTAINER_OF((LIST)->next, __typeof__(*ITER), MEMBER); \
         &(ITER)->MEMBER != (LIST);                                    \
         ITER = CONTAINER_OF((ITER)->MEMBER.next, __typeof__(*ITER), MEMBER))

/* Safe against removal of ITER inside the loop body. */
#define DLIST_FOR_EACH_SAFE(ITER, NEXT, MEMBER, LIST)                      \
    for (ITER = CONTAINER_OF((LIST)->next, __typeof__(*ITER), MEMBER);     \
         &(ITER)->MEMBER != (LIST)                                         \
         && ((NEXT) = CONTAINER_OF((ITER)->MEMBER.next, __typeof__(*ITER), \
                                   MEMBER),                                \
            1);                                                            \
         ITER = (NEXT))

#endif
