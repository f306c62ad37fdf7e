/* db.h: the in-memory OVSDB database.
 *
 * A struct ovsdb holds the rows of every table of one schema and executes
 * RFC 7047 "transact" requests against them atomically: either every
 * operation succeeds and every commit-time rule holds, and the changes
 * become visible at once, or nothing changes.
 *
 * Life cycle: ovsdb_create() with a parsed schema; at start-up, replay the
 * storage log with ovsdb_apply_record(); then ovsdb_execute() per request;
 * ovsdb_snapshot_to_json() for compaction; ovsdb_destroy().
 *
 * Not thread-safe: one thread owns a database. */
#ifndef NICFLOW_OVSDB_DB_H
#define NICFLOW_OVSDB_DB_H 1

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "ovsdb/error.h"
#include "ovsdb/row.h"
#include "ovsdb/schema.h"
#include "ovsdb/uuid.h"

struct ovsdb;
struct ovsdb_table;
struct ovsdb_txn;

/* Creates an empty database for SCHEMA, taking ownership of it. */
struct ovsdb *ovsdb_create(struct ovsdb_schema *schema);

/* Frees DB, its rows and its schema.  DB may be NULL. */
void ovsdb_destroy(struct ovsdb *db);

const struct ovsdb_schema *ovsdb_get_schema(const struct ovsdb *db);

/* Tables and rows, for the server's monitors and for tests.  Rows returned
 * belong to the database: they stay valid until the next transaction that
 * commits (ovsdb_execute() or ovsdb_apply_record()). */
struct ovsdb_table *ovsdb_get_table(const struct ovsdb *db, const char *name);
struct ovsdb_table *ovsdb_get_table_by_index(const struct ovsdb *db,
                                             size_t index);
const struct ovsdb_table_schema *
ovsdb_table_get_schema(const struct ovsdb_table *table);
size_t ovsdb_table_count_rows(const struct ovsdb_table *table);
const struct ovsdb_row *ovsdb_table_find_row(const struct ovsdb_table *table,
                                             const struct ovsdb_uuid *uuid);

/* Iteration over a table's rows, in no particular order:
 *
 *     const struct ovsdb_row *row;
 *     for (row = ovsdb_table_first_row(t); row;
 *          row = ovsdb_table_next_row(t, row)) { ... }
 */
const struct ovsdb_row *ovsdb_table_first_row(const struct ovsdb_table *table);
const struct ovsdb_row *ovsdb_table_next_row(const struct ovsdb_table *table,
                                             const struct ovsdb_row *row);

/* What ovsdb_execute() needs to know about the session and the clock. */
struct ovsdb_exec_ctx {
    /* Returns true if the session owns the lock named LOCK ("assert").  If
     * NULL, the session owns no locks. */
    bool (*lock_owned)(const char *lock, void *aux);
    void *aux;

    /* Monotonic msec (nf_time_msec()) at which the request first arrived
     * and now; "wait" timeouts count from START_MSEC.  Both 0: now. */
    long long start_msec;
    long long now_msec;

    /* Reject operations that modify the database with "not allowed"
     * (a backup server). */
    bool read_only;
};

/* Executes OPS (borrowed), the <operation>s of a "transact" request (its
 * params without the database name), as one transaction.  CTX may be NULL
 * (no locks owned, time is now, writable).
 *
 * Returns the "result" array (new reference), RFC 7047 section 4.1.3: one
 * element per operation; when operation i fails, element i is its <error>
 * and the elements after it are null; when every operation succeeded but
 * the commit-time checks fail (referential integrity, constraints, indexes,
 * maxRows), an extra last element is the <error>.  Nothing is changed
 * unless every operation and check succeeded.
 *
 * *TXNP is set to the committed transaction (caller frees it with
 * ovsdb_txn_destroy(), see txn.h) if the database changed, else to NULL.
 *
 * If a "wait" operation is not yet satisfied and its timeout (counted from
 * CTX->start_msec) has not expired, nothing is executed: returns NULL,
 * *MUST_WAIT true and *DEADLINE the monotonic msec at which the request
 * times out (LLONG_MAX for no timeout).  The server should run the request
 * again when the database changes, and at the deadline (when it fails with
 * "timed out").  Otherwise *MUST_WAIT is false.  MUST_WAIT and DEADLINE may
 * be NULL if the caller never sends waits with timeouts. */
json_t *ovsdb_execute(struct ovsdb *db, const json_t *ops,
                      const struct ovsdb_exec_ctx *ctx,
                      struct ovsdb_txn **txnp, bool *must_wait,
                      long long *deadline);

/* Applies RECORD (borrowed), a change record as produced by
 * ovsdb_txn_to_record() or ovsdb_snapshot_to_json(), to DB:
 *
 *     {"<table>": {"<uuid>": {<column>: <value>, ...} | null, ...},
 *      "_date": <msec>, "_comment": <string>, "_is_diff": <boolean>}
 *
 * A row object inserts the row with that UUID (unnamed columns default) or
 * updates the named columns of an existing row (with "_is_diff": true, an
 * existing row's set and map columns hold differences to apply, see
 * ovsdb_datum_apply_diff()); null deletes the row.
 * Everything is validated, including every commit-time rule (which apply
 * as in a transaction: unreferenced non-root rows are collected, dangling
 * weak references removed, which a schema conversion relies on).  On any
 * error
 * DB is unchanged, *ERRP (if not NULL) gets a message saying what is wrong
 * (caller frees) and EINVAL is returned.  Returns 0 on success. */
int ovsdb_apply_record(struct ovsdb *db, const json_t *record, char **errp);

/* Returns one record (new reference) that, applied to an empty database
 * with the same schema, recreates DB's persistent contents: every row with
 * its non-default, non-ephemeral columns. */
json_t *ovsdb_snapshot_to_json(const struct ovsdb *db);

#endif /* NICFLOW_OVSDB_DB_H */
