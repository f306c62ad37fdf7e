/* idl.h: the OVSDB client library ("IDL").
 *
 * An IDL keeps an in-memory replica of the tables and columns a program
 * registers, taken from one database on one server, and commits changes to
 * it with optimistic concurrency.  nicflowd reconciles its bridges from the
 * replica; nicflow-vsctl reads it and commits one transaction.  It talks to
 * nicflow-dbd and to Open vSwitch's ovsdb-server alike (RFC 7047 plus the
 * extensions of ovsdb-server(7)).
 *
 * Life cycle:
 *
 *     idl = ovsdb_idl_create("unix:/var/run/nicflow/db.sock",
 *                            "Open_vSwitch");
 *     ovsdb_idl_add_table(idl, "Bridge");            all of its columns
 *     ovsdb_idl_add_column(idl, "Open_vSwitch", "bridges");
 *     ...
 *     then either ovsdb_idl_attach(idl, loop, cb, aux) in a daemon, or
 *     ovsdb_idl_wait_until_synced(idl, timeout_ms) in a command-line tool;
 *     read rows, commit transactions;
 *     ovsdb_idl_destroy(idl).
 *
 * Registration happens before the first ovsdb_idl_run(); it names tables
 * and columns, which are matched against the schema the server reports
 * (get_schema, fetched again on every connection, so one program works with
 * servers of other schema versions).  Registration changed later takes
 * effect with the next session (see ovsdb_idl_force_reconnect()), which
 * then empties and refills the replica.  A registered table or column that the
 * server's schema lacks is logged once per connection and left out: its
 * rows or values read as absent.
 *
 * The session, in order: "list_dbs" (the database must be listed); if the
 * server has a _Server database, a "monitor_cond" on _Server.Database for
 * this database's row (it must exist and be connected, as ovs-vsctl
 * checks); "get_schema"; then "monitor_cond_since" with the id of the last
 * transaction the replica holds (all zeros the first time).  Its reply
 * either replaces the replica (found = false: rows absent from the reply
 * are deleted, rows whose values are unchanged keep their change seqnos)
 * or is applied as a diff (found = true), and "update3" notifications keep
 * it current.  A server that answers monitor_cond_since with "unknown
 * method" gets "monitor_cond" instead, with "update2" notifications.  The
 * IDL answers the server's "echo" requests.  When the session fails it is
 * reopened: at once after a session that had synced, then after 1, 2, 4
 * and 8 seconds (and every 8 seconds after that).
 *
 * Seqnos: ovsdb_idl_get_seqno() increases by one with every batch of
 * changes applied to the replica (a notification, a monitor reply).  Each
 * row records the seqno at which it was inserted, last changed and (if
 * deleted rows are tracked) deleted, and each column the seqno of its last
 * change, so a program can reconcile only what changed since the seqno it
 * last saw.
 *
 * Rows are "const struct ovsdb_idl_row *": they belong to the IDL and stay
 * valid until the next ovsdb_idl_run() (or a helper that runs it) deletes
 * them from the replica.  Deleted rows kept for change tracking stay
 * valid until ovsdb_idl_track_clear().
 *
 * Error convention: 0 or a positive errno; texts for people are available
 * from ovsdb_idl_get_last_error() and ovsdb_idl_txn_get_error().
 *
 * Not thread-safe: one thread uses a given IDL. */
#ifndef NICFLOW_OVSDB_IDL_H
#define NICFLOW_OVSDB_IDL_H 1

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "ovsdb/datum.h"
#include "ovsdb/error.h"
#include "ovsdb/types.h"
#include "ovsdb/uuid.h"

struct evloop;
struct ovsdb_idl;
struct ovsdb_idl_row;
struct ovsdb_idl_txn;
struct ovsdb_schema;

/* Life cycle and registration. */

/* Creates an IDL for database DB_NAME at REMOTE (a stream name such as
 * "unix:PATH" or "tcp:IP:PORT"; the port defaults to 6640).  Nothing is
 * sent until the first ovsdb_idl_run(). */
struct ovsdb_idl *ovsdb_idl_create(const char *remote, const char *db_name);

/* Closes the session and frees everything, including a transaction still
 * open (ovsdb_idl_txn_destroy() it first to be explicit).  NULL is
 * ignored. */
void ovsdb_idl_destroy(struct ovsdb_idl *);

/* Replicates TABLE with every column its schema has. */
void ovsdb_idl_add_table(struct ovsdb_idl *, const char *table);

/* Replicates COLUMN of TABLE (and so TABLE, with only the columns added
 * this way unless ovsdb_idl_add_table() is also called for it). */
void ovsdb_idl_add_column(struct ovsdb_idl *, const char *table,
                          const char *column);

/* Replicates every table and column of the database. */
void ovsdb_idl_add_all(struct ovsdb_idl *);

/* Keeps deleted rows (as "tombstones", with their last values) so that
 * ovsdb_idl_track_first() reports deletions; they are freed by
 * ovsdb_idl_track_clear().  Off by default: deleted rows are freed at
 * once. */
void ovsdb_idl_set_track_deleted(struct ovsdb_idl *, bool enable);

/* Asks for the OVSDB lock NAME (RFC 7047 §4.1.8) on every session, and
 * makes every transaction assert it: ovsdb_idl_txn_commit() reports
 * OVSDB_IDL_TXN_NOT_LOCKED while another client owns it.  NULL stops
 * asking (the lock is released with the next session). */
void ovsdb_idl_set_lock(struct ovsdb_idl *, const char *name);

/* Driving. */

/* Does whatever can be done without blocking: opens the session when it is
 * time, sends queued output, receives and handles every message that has
 * arrived (applying updates, answering "echo", completing transactions),
 * and notices a failed session. */
void ovsdb_idl_run(struct ovsdb_idl *);

/* What to wait for before the next ovsdb_idl_run(): *FD (-1 if none) for
 * *EVENTS (EPOLLIN/EPOLLOUT, also valid for poll()), and at most
 * *TIMEOUT_MS milliseconds (-1: no time limit). */
void ovsdb_idl_wants(const struct ovsdb_idl *, int *fd, uint32_t *events,
                     int *timeout_ms);

/* Waits up to TIMEOUT_MS (-1: no limit) for what ovsdb_idl_wants() names,
 * then calls ovsdb_idl_run().  For command-line programs. */
void ovsdb_idl_run_block(struct ovsdb_idl *, int timeout_ms);

/* Called after ovsdb_idl_run() when the seqno changed, the session was
 * synced or lost, a committed transaction completed, or the lock was
 * granted or lost. */
typedef void ovsdb_idl_notify_cb(struct ovsdb_idl *, void *aux);

/* Registers the IDL's socket and reconnection timer in LOOP, which then
 * runs the IDL whenever needed and calls CB (may be NULL).  The IDL keeps
 * the registration current as sessions come and go.  CB may read rows and
 * build and commit transactions, but not destroy or detach the IDL.
 * Returns 0. */
int ovsdb_idl_attach(struct ovsdb_idl *, struct evloop *loop,
                     ovsdb_idl_notify_cb *cb, void *aux);

/* Removes the IDL from its event loop (call before evloop_destroy()). */
void ovsdb_idl_detach(struct ovsdb_idl *);

/* Runs the IDL until its replica is in sync with the server.  Returns 0,
 * ETIMEDOUT after TIMEOUT_MS (-1: no limit), or ENOENT at once when the
 * server says that the database does not exist (the reason is in
 * ovsdb_idl_get_last_error()). */
int ovsdb_idl_wait_until_synced(struct ovsdb_idl *, int timeout_ms);

/* Drops the session and opens a new one at once (the replica resyncs). */
void ovsdb_idl_force_reconnect(struct ovsdb_idl *);

/* State. */

/* Increases whenever the replica changes. */
uint64_t ovsdb_idl_get_seqno(const struct ovsdb_idl *);

/* The seqno at which the current schema took effect: the replica was
 * emptied then (rows of another schema cannot be kept), so a caller that
 * last reconciled before it must reconcile everything. */
uint64_t ovsdb_idl_get_schema_seqno(const struct ovsdb_idl *);

/* True while a session is open and the server has answered on it (the
 * replica may still be syncing). */
bool ovsdb_idl_is_connected(const struct ovsdb_idl *);

/* True while the replica is in sync with an open session (transactions can
 * be committed). */
bool ovsdb_idl_is_synced(const struct ovsdb_idl *);

/* True once any session has synced the replica. */
bool ovsdb_idl_has_ever_synced(const struct ovsdb_idl *);

/* The number of times a session synced the replica (1 after the first
 * connection, 2 after the first reconnection...). */
unsigned int ovsdb_idl_get_sync_count(const struct ovsdb_idl *);

/* Why the last session failed or could not be opened, as a sentence
 * naming the remote ("unix:/x: connection failed (No such file or
 * directory)"), or NULL if none has failed.  ovsdb_idl_get_last_errno()
 * gives the matching errno (ENOENT for a missing database, EPROTO for a
 * protocol error, EOF for a closed connection). */
const char *ovsdb_idl_get_last_error(const struct ovsdb_idl *);
int ovsdb_idl_get_last_errno(const struct ovsdb_idl *);

/* The id of the last transaction the replica holds (all zeros if the
 * server does not report ids). */
const struct ovsdb_uuid *ovsdb_idl_get_last_txn_id(const struct ovsdb_idl *);

/* The schema of the current (or last) session, or NULL before the first. */
const struct ovsdb_schema *ovsdb_idl_get_schema(const struct ovsdb_idl *);

const char *ovsdb_idl_get_remote(const struct ovsdb_idl *);
const char *ovsdb_idl_get_db_name(const struct ovsdb_idl *);

/* Whether this session owns the lock set with ovsdb_idl_set_lock(), and
 * whether another client owns it. */
bool ovsdb_idl_has_lock(const struct ovsdb_idl *);
bool ovsdb_idl_is_lock_contended(const struct ovsdb_idl *);

/* Rows. */

/* Iterates the rows of TABLE in no particular order: the first row, or
 * NULL if there is none (or TABLE is not replicated), then the row after
 * ROW.  Deleted rows are not included; rows inserted by an open
 * transaction are not either. */
const struct ovsdb_idl_row *ovsdb_idl_first_row(const struct ovsdb_idl *,
                                                const char *table);
const struct ovsdb_idl_row *ovsdb_idl_next_row(const struct ovsdb_idl_row *);

#define OVSDB_IDL_FOR_EACH(ROW, IDL, TABLE)              \
    for ((ROW) = ovsdb_idl_first_row(IDL, TABLE); (ROW); \
         (ROW) = ovsdb_idl_next_row(ROW))

size_t ovsdb_idl_count_rows(const struct ovsdb_idl *, const char *table);

/* The row of TABLE with UUID, or NULL. */
const struct ovsdb_idl_row *ovsdb_idl_get_row(const struct ovsdb_idl *,
                                              const char *table,
                                              const struct ovsdb_uuid *);

const struct ovsdb_uuid *ovsdb_idl_row_get_uuid(const struct ovsdb_idl_row *);
const char *ovsdb_idl_row_get_table(const struct ovsdb_idl_row *);

/* The value of COLUMN in ROW: what an open transaction wrote to it, if it
 * did, else the replica's value.  NULL if COLUMN is not replicated (or not
 * in the schema).  The value has the type ovsdb_idl_row_get_type()
 * returns. */
const struct ovsdb_datum *ovsdb_idl_row_get(const struct ovsdb_idl_row *,
                                            const char *column);
const struct ovsdb_type *ovsdb_idl_row_get_type(const struct ovsdb_idl_row *,
                                                const char *column);

/* Type of COLUMN of TABLE in the current schema, or NULL. */
const struct ovsdb_type *ovsdb_idl_get_column_type(const struct ovsdb_idl *,
                                                   const char *table,
                                                   const char *column);

/* Convenience getters for scalar and optional columns.  Each returns the
 * first element of COLUMN, or the stated fallback when COLUMN is empty,
 * not replicated or of another type. */
const char *ovsdb_idl_row_get_string(const struct ovsdb_idl_row *,
                                     const char *column); /* NULL */
int64_t ovsdb_idl_row_get_integer(const struct ovsdb_idl_row *,
                                  const char *column, int64_t fallback);
bool ovsdb_idl_row_get_boolean(const struct ovsdb_idl_row *,
                               const char *column, bool fallback);

/* The number of elements (pairs for a map) of COLUMN (0 if absent). */
unsigned int ovsdb_idl_row_get_n(const struct ovsdb_idl_row *,
                                 const char *column);

/* For a map of strings to strings (external_ids, other_config...): the
 * value of KEY, or NULL. */
const char *ovsdb_idl_row_get_map_string(const struct ovsdb_idl_row *,
                                         const char *column, const char *key);

/* For a column of references: the row that element IDX refers to (the
 * key side if it holds references, else the value side), or NULL if IDX
 * is out of range or the row is not in the replica (its table is not
 * replicated, or a weak reference dangles). */
const struct ovsdb_idl_row *ovsdb_idl_row_get_ref(const struct ovsdb_idl_row *,
                                                  const char *column,
                                                  unsigned int idx);

/* Change tracking. */

/* Seqnos at which ROW was inserted into the replica, last changed
 * (inserted, modified or deleted), and deleted (0 while it exists). */
uint64_t ovsdb_idl_row_get_insert_seqno(const struct ovsdb_idl_row *);
uint64_t ovsdb_idl_row_get_change_seqno(const struct ovsdb_idl_row *);
uint64_t ovsdb_idl_row_get_delete_seqno(const struct ovsdb_idl_row *);

static inline bool
ovsdb_idl_row_is_deleted(const struct ovsdb_idl_row *row)
{
    return ovsdb_idl_row_get_delete_seqno(row) != 0;
}

/* Whether COLUMN of ROW changed (or ROW was inserted) after SEQNO. */
bool ovsdb_idl_row_column_changed_since(const struct ovsdb_idl_row *,
                                        const char *column, uint64_t seqno);

/* Iterates the rows of TABLE changed after SEQNO — inserted, modified or,
 * with ovsdb_idl_set_track_deleted(), deleted — oldest change first. */
const struct ovsdb_idl_row *ovsdb_idl_track_first(const struct ovsdb_idl *,
                                                  const char *table,
                                                  uint64_t seqno);
const struct ovsdb_idl_row *ovsdb_idl_track_next(const struct ovsdb_idl_row *,
                                                 uint64_t seqno);

/* Frees the deleted rows kept for tracking. */
void ovsdb_idl_track_clear(struct ovsdb_idl *);

/* Transactions.
 *
 * One transaction at a time per IDL, from ovsdb_idl_txn_create() to
 * ovsdb_idl_txn_destroy().  Build it from the replica without running the
 * IDL in between (rows could disappear), then commit.
 *
 * Writes are kept in the transaction and read back by ovsdb_idl_row_get()
 * until it completes; only columns whose written value differs from the
 * replica's are sent.  A reference to a row inserted by the same
 * transaction is written as that row's UUID (the one
 * ovsdb_idl_row_get_uuid() returns) and sent as a named UUID.
 *
 * Concurrency is optimistic: ovsdb_idl_txn_verify() makes the commit
 * fail with TRY_AGAIN if the column changed since it was read (a "wait"
 * operation with timeout 0, sent before the changes), and the caller
 * rebuilds the transaction from the refreshed replica;
 * ovsdb_idl_txn_commit_retry() does that loop. */

enum ovsdb_idl_txn_status {
    OVSDB_IDL_TXN_UNCOMMITTED, /* Being built. */
    OVSDB_IDL_TXN_INCOMPLETE,  /* Sent; no reply yet. */
    OVSDB_IDL_TXN_UNCHANGED,   /* Nothing to change: nothing was sent. */
    OVSDB_IDL_TXN_SUCCESS,     /* Committed. */
    OVSDB_IDL_TXN_TRY_AGAIN,   /* A verified column changed, or the
                                * session was not synced or was lost (the
                                * outcome of a lost transaction is not
                                * known): rebuild from the replica once it
                                * has caught up, and retry. */
    OVSDB_IDL_TXN_ERROR,       /* The server refused it: see
                                * ovsdb_idl_txn_get_error(). */
    OVSDB_IDL_TXN_NOT_LOCKED,  /* The lock set with ovsdb_idl_set_lock() is
                                * not held. */
    OVSDB_IDL_TXN_ABORTED,     /* ovsdb_idl_txn_abort(). */
};

const char *ovsdb_idl_txn_status_to_string(enum ovsdb_idl_txn_status);

/* Starts a transaction.  There must be no other one on IDL. */
struct ovsdb_idl_txn *ovsdb_idl_txn_create(struct ovsdb_idl *);

/* Frees TXN, including the rows it inserted.  A transaction still
 * INCOMPLETE is forgotten (its reply will be ignored; whether it commits
 * is then unknown).  NULL is ignored. */
void ovsdb_idl_txn_destroy(struct ovsdb_idl_txn *);

struct ovsdb_idl *ovsdb_idl_txn_get_idl(const struct ovsdb_idl_txn *);

/* Adds a "comment" operation (the server logs it). */
void ovsdb_idl_txn_add_comment(struct ovsdb_idl_txn *, const char *fmt, ...)
    NF_PRINTF(2, 3);

/* Inserts a row into TABLE and returns it: every column has its default
 * value until written.  Its UUID is *UUID if given, else a fresh one; the
 * server assigns the real UUID, which ovsdb_idl_txn_get_insert_uuid()
 * reports after success.  The row belongs to TXN.  Returns NULL if TABLE
 * is not in the schema. */
const struct ovsdb_idl_row *ovsdb_idl_txn_insert(struct ovsdb_idl_txn *,
                                                 const char *table,
                                                 const struct ovsdb_uuid *);

/* Sets COLUMN of ROW to *DATUM (of the type ovsdb_idl_row_get_type()
 * reports; it need not be sorted).  Returns 0 with *DATUM taken (left
 * empty), or EINVAL (logged) with nothing written and *DATUM still the
 * caller's, if COLUMN is not a writable column of the schema (unknown,
 * "_uuid"/"_version", or immutable in an existing row) or DATUM violates
 * its type (element count, constraints, duplicates). */
int ovsdb_idl_txn_write(struct ovsdb_idl_txn *, const struct ovsdb_idl_row *,
                        const char *column, struct ovsdb_datum *datum);

/* Convenience writers for scalar and optional columns (a NULL string
 * empties an optional column). */
int ovsdb_idl_txn_write_string(struct ovsdb_idl_txn *,
                               const struct ovsdb_idl_row *,
                               const char *column, const char *value);
int ovsdb_idl_txn_write_integer(struct ovsdb_idl_txn *,
                                const struct ovsdb_idl_row *,
                                const char *column, int64_t value);
int ovsdb_idl_txn_write_boolean(struct ovsdb_idl_txn *,
                                const struct ovsdb_idl_row *,
                                const char *column, bool value);

/* Adds UUID to, or removes it from, the set of UUIDs (references) in
 * COLUMN, starting from the value ovsdb_idl_row_get() returns. */
int ovsdb_idl_txn_add_uuid(struct ovsdb_idl_txn *,
                           const struct ovsdb_idl_row *, const char *column,
                           const struct ovsdb_uuid *);
int ovsdb_idl_txn_remove_uuid(struct ovsdb_idl_txn *,
                              const struct ovsdb_idl_row *, const char *column,
                              const struct ovsdb_uuid *);

/* Sets KEY to VALUE (NULL: removes KEY) in a map of strings to strings. */
int ovsdb_idl_txn_set_map_string(struct ovsdb_idl_txn *,
                                 const struct ovsdb_idl_row *,
                                 const char *column, const char *key,
                                 const char *value);

/* Deletes ROW (a row inserted by TXN is simply not inserted).  Deleting a
 * row that others still refer to is refused by the server (ERROR, with a
 * referential integrity violation). */
void ovsdb_idl_txn_delete(struct ovsdb_idl_txn *,
                          const struct ovsdb_idl_row *);

/* Makes the commit fail with TRY_AGAIN unless COLUMN of ROW still holds,
 * on the server, the value the replica holds now.  Call it before writing
 * COLUMN.  Returns 0 or EINVAL (COLUMN is not replicated).  A no-op for a
 * row inserted by TXN. */
int ovsdb_idl_txn_verify(struct ovsdb_idl_txn *, const struct ovsdb_idl_row *,
                         const char *column);

/* Adds 1 to the integer COLUMN of ROW on the server ("mutate" +=), and
 * reads the result back ("select"), as Open vSwitch clients do with
 * Open_vSwitch.next_cfg; ovsdb_idl_txn_get_increment_new_value() reports
 * it after success.  One increment per transaction.  Returns 0 or
 * EINVAL. */
int ovsdb_idl_txn_increment(struct ovsdb_idl_txn *,
                            const struct ovsdb_idl_row *, const char *column);

/* Sends TXN and returns INCOMPLETE, or returns at once UNCHANGED (nothing
 * to change), TRY_AGAIN (the replica is not synced) or NOT_LOCKED.  Once
 * sent, the status changes when ovsdb_idl_run() handles the reply (or
 * sees the session fail: TRY_AGAIN); calling this again returns the
 * current status. */
enum ovsdb_idl_txn_status ovsdb_idl_txn_commit(struct ovsdb_idl_txn *);

/* Commits TXN and runs the IDL until it completes or TIMEOUT_MS (-1: no
 * limit) passes (then INCOMPLETE).  If the replica is not synced, first
 * waits for it within the same time. */
enum ovsdb_idl_txn_status ovsdb_idl_txn_commit_block(struct ovsdb_idl_txn *,
                                                     int timeout_ms);

enum ovsdb_idl_txn_status
ovsdb_idl_txn_get_status(const struct ovsdb_idl_txn *);

/* Drops an uncommitted transaction's changes; its status becomes
 * ABORTED. */
void ovsdb_idl_txn_abort(struct ovsdb_idl_txn *);

/* Why TXN ended with ERROR, TRY_AGAIN or NOT_LOCKED ("referential
 * integrity violation: ..."), or NULL. */
const char *ovsdb_idl_txn_get_error(const struct ovsdb_idl_txn *);

/* After ERROR because the server refused the transaction: the <error>
 * object it sent (an operation's {"error": ..., "details": ...}, or the
 * JSON-RPC error), borrowed from TXN; NULL for errors found by the IDL
 * itself.  For clients that must show the server's words as it sent them
 * (ovs-vsctl prints the object). */
const json_t *ovsdb_idl_txn_get_error_json(const struct ovsdb_idl_txn *);

/* After SUCCESS: the UUID the server gave to the row that TXN inserted
 * as *UUID (ovsdb_idl_row_get_uuid() of the row ovsdb_idl_txn_insert()
 * returned), or NULL. */
const struct ovsdb_uuid *
ovsdb_idl_txn_get_insert_uuid(const struct ovsdb_idl_txn *,
                              const struct ovsdb_uuid *uuid);

/* After SUCCESS: the incremented column's new value (-1 if none). */
int64_t ovsdb_idl_txn_get_increment_new_value(const struct ovsdb_idl_txn *);

/* Builds a transaction: returns 0 to commit it, or a positive errno to
 * give up (the result is then ABORTED). */
typedef int ovsdb_idl_txn_build_fn(struct ovsdb_idl_txn *, void *aux);

/* Waits for the replica to be synced, builds a transaction with BUILD and
 * commits it; on TRY_AGAIN waits until the replica changed (or resynced)
 * and starts again, until TIMEOUT_MS (-1: no limit) passes.  Returns the
 * last status; if TXNP is non-null, the last transaction is stored there
 * for inspection (error text, inserted UUIDs, increment; the caller
 * destroys it), otherwise it is destroyed. */
enum ovsdb_idl_txn_status
ovsdb_idl_txn_commit_retry(struct ovsdb_idl *, ovsdb_idl_txn_build_fn *build,
                           void *aux, int timeout_ms,
                           struct ovsdb_idl_txn **txnp);

/* Helpers, exposed for tests and tools. */

/* Applies an update2 "modify" DIFF (borrowed JSON) to *DATUM of TYPE, as
 * ovsdb-server(7) defines it: for a column of at most one element the
 * diff is the new value; for a set, the elements in only one of old and
 * new (each element of DIFF is added if absent, removed if present); for
 * a map, the pairs whose key is in only one of old and new plus the
 * changed pairs with their new value (a pair of DIFF equal to the old pair
 * removes it, another value for an existing key replaces it, a new key is
 * added).  As a tolerance, a two-element diff for an optional column is
 * applied as a set difference.  Returns 0, or EINVAL with *ERRP set (if
 * ERRP is non-null) when DIFF does not parse or the result violates TYPE;
 * *DATUM is unchanged then. */
int ovsdb_idl_apply_diff(struct ovsdb_datum *datum,
                         const struct ovsdb_type *type, const json_t *diff,
                         struct ovsdb_error **errp);

#endif /* NICFLOW_OVSDB_IDL_H */
