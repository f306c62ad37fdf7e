/* lock.c: OVSDB advisory locks (see lock.h). */
#include "ovsdb/lock.h"

#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/util.h"

struct lock {
    struct hmap_node node; /* In table->locks, by name. */
    char *name;
    void **waiters; /* waiters[0] is the owner. */
    size_t n, cap;
};

struct ovsdb_lock_table {
    struct hmap locks;
};

struct ovsdb_lock_table *
ovsdb_lock_table_create(void)
{
    struct ovsdb_lock_table *t = xzalloc(sizeof *t);
    hmap_init(&t->locks);
    return t;
}

static void
lock_free(struct ovsdb_lock_table *t, struct lock *l)
{
    hmap_remove(&t->locks, &l->node);
    free(l->waiters);
    free(l->name);
    free(l);
}

void
ovsdb_lock_table_destroy(struct ovsdb_lock_table *t)
{
    if (!t) {
        return;
    }
    struct lock *l;
    HMAP_FOR_EACH_SAFE (l, node, &t->locks) {
        lock_free(t, l);
    }
    hmap_destroy(&t->locks);
    free(t);
}

static struct lock *
find_lock(const struct ovsdb_lock_table *t, const char *name)
{
    struct lock *l;
    HMAP_FOR_EACH_WITH_HASH (l, node, hash_string(name, 0), &t->locks) {
        if (!strcmp(l->name, name)) {
            return l;
        }
    }
    return NULL;
}

static size_t
waiter_index(const struct lock *l, const void *session)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->waiters[i] == session) {
            return i;
        }
    }
    return SIZE_MAX;
}

static void
insert_waiter(struct lock *l, size_t pos, void *session)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 4;
        l->waiters = xrealloc(l->waiters, l->cap * sizeof *l->waiters);
    }
    memmove(&l->waiters[pos + 1], &l->waiters[pos],
            (l->n - pos) * sizeof *l->waiters);
    l->waiters[pos] = session;
    l->n++;
}

static void
remove_waiter(struct lock *l, size_t pos)
{
    memmove(&l->waiters[pos], &l->waiters[pos + 1],
            (l->n - pos - 1) * sizeof *l->waiters);
    l->n--;
}

bool
ovsdb_lock_request(struct ovsdb_lock_table *t, const char *name, void *session,
                   bool steal, void **stolen, bool *already)
{
    struct lock *l = find_lock(t, name);
    *stolen = NULL;
    *already = false;
    if (!l) {
        l = xzalloc(sizeof *l);
        l->name = xstrdup(name);
        hmap_insert(&t->locks, &l->node, hash_string(name, 0));
    }
    if (waiter_index(l, session) != SIZE_MAX) {
        *already = true;
        return false;
    }
    if (steal) {
        /* The previous owner loses the lock but stays first in line, as
         * with ovsdb-server: it gets the lock back ("locked") when the
         * thief releases it, and may still "unlock" to leave the line. */
        *stolen = l->n ? l->waiters[0] : NULL;
        insert_waiter(l, 0, session);
        return true;
    }
    insert_waiter(l, l->n, session);
    return l->n == 1;
}

void *
ovsdb_lock_release(struct ovsdb_lock_table *t, const char *name, void *session,
                   bool *found)
{
    struct lock *l = find_lock(t, name);
    size_t i = l ? waiter_index(l, session) : SIZE_MAX;
    *found = i != SIZE_MAX;
    if (!*found) {
        return NULL;
    }
    remove_waiter(l, i);
    void *new_owner = i == 0 && l->n ? l->waiters[0] : NULL;
    if (!l->n) {
        lock_free(t, l);
    }
    return new_owner;
}

void
ovsdb_lock_release_all(struct ovsdb_lock_table *t, void *session,
                       void (*notify)(const char *, void *, void *), void *aux)
{
    struct lock *l;
    HMAP_FOR_EACH_SAFE (l, node, &t->locks) {
        size_t i = waiter_index(l, session);
        if (i == SIZE_MAX) {
            continue;
        }
        remove_waiter(l, i);
        if (i == 0 && l->n && notify) {
            notify(l->name, l->waiters[0], aux);
        }
        if (!l->n) {
            lock_free(t, l);
        }
    }
}

bool
ovsdb_lock_is_owner(const struct ovsdb_lock_table *t, const char *name,
                    const void *session)
{
    const struct lock *l = find_lock(t, name);
    return l && l->n && l->waiters[0] == session;
}
