/* lock.h: OVSDB advisory locks (RFC 7047 §4.1.8-§4.1.10).
 *
 * A lock is a name.  Each session may ask for a lock with "lock" (wait in
 * line) or "steal" (take it from the owner at once); the first waiter owns
 * it.  When the owner unlocks or disconnects, the next waiter becomes owner
 * and is told with a "locked" notification; a session whose lock is stolen
 * is told with "stolen".  This module keeps the queues and says who must
 * be notified; the server sends the notifications.
 *
 * Waiters are opaque session pointers.  Not thread-safe. */
#ifndef OVSDB_LOCK_H
#define OVSDB_LOCK_H 1

#include <stdbool.h>

struct ovsdb_lock_table;

struct ovsdb_lock_table *ovsdb_lock_table_create(void);

/* Frees the table (all locks and waiters). */
void ovsdb_lock_table_destroy(struct ovsdb_lock_table *);

/* SESSION asks for lock NAME.  With STEAL, SESSION becomes owner at once
 * and the previous owner (if any) is returned in *STOLEN; it stays in line
 * right behind SESSION, so it regains the lock when SESSION releases it
 * (as with ovsdb-server).  Without STEAL,
 * SESSION is queued.  Returns true if SESSION owns the lock now.  A session
 * that already waits for or owns NAME gets EEXIST-like treatment: returns
 * false with *ALREADY = true and changes nothing (RFC 7047 makes asking
 * twice an error). */
bool ovsdb_lock_request(struct ovsdb_lock_table *, const char *name,
                        void *session, bool steal, void **stolen,
                        bool *already);

/* SESSION gives up lock NAME (owned or waited for).  If SESSION owned it,
 * returns the new owner (to be sent "locked"), otherwise NULL.  *FOUND is
 * false if SESSION neither owned nor waited for NAME. */
void *ovsdb_lock_release(struct ovsdb_lock_table *, const char *name,
                         void *session, bool *found);

/* Releases every lock SESSION owns or waits for (on disconnect), calling
 * NOTIFY(name, new_owner, aux) for each lock that gets a new owner. */
void ovsdb_lock_release_all(struct ovsdb_lock_table *, void *session,
                            void (*notify)(const char *name, void *new_owner,
                                           void *aux),
                            void *aux);

/* True if SESSION owns lock NAME (for the "assert" operation). */
bool ovsdb_lock_is_owner(const struct ovsdb_lock_table *, const char *name,
                         const void *session);

#endif
