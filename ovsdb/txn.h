/* txn.h: committed transactions, as the server sees them.
 *
 * When ovsdb_execute() commits changes it returns a struct ovsdb_txn that
 * describes them: which rows of which tables were inserted, modified or
 * deleted, with the old and new versions and the columns that changed.  The
 * server uses it to update monitors and to append the change record to the
 * storage log, then frees it.
 *
 * Lifetime: the old versions of rows belong to the transaction object; the
 * new versions belong to the database and are valid only until the next
 * transaction commits, so the server must finish with a transaction before
 * executing the next one. */
#ifndef NICFLOW_OVSDB_TXN_H
#define NICFLOW_OVSDB_TXN_H 1

#include <stdbool.h>

#include <jansson.h>

#include "ovsdb/row.h"
#include "ovsdb/schema.h"
#include "ovsdb/uuid.h"

struct ovsdb_txn;
struct ovsdb_txn_row;

void ovsdb_txn_destroy(struct ovsdb_txn *txn);

/* Whether a "commit" operation asked for {"durable": true}: the server must
 * sync the log record to disk before replying. */
bool ovsdb_txn_is_durable(const struct ovsdb_txn *txn);

/* The "comment" operations' text joined by newlines, or NULL if none. */
const char *ovsdb_txn_get_comment(const struct ovsdb_txn *txn);

/* Wall-clock msec at which the transaction committed. */
long long ovsdb_txn_get_date(const struct ovsdb_txn *txn);

/* Iteration over the changed rows, table by table in schema order:
 *
 *     const struct ovsdb_txn_row *c;
 *     for (c = ovsdb_txn_first_change(txn); c;
 *          c = ovsdb_txn_next_change(txn, c)) { ... }
 *
 * Rows only the commit rules touched are included (rows collected as
 * garbage appear as deletions, rows that lost weak references as
 * modifications); rows written with unchanged values are not. */
const struct ovsdb_txn_row *
ovsdb_txn_first_change(const struct ovsdb_txn *txn);
const struct ovsdb_txn_row *
ovsdb_txn_next_change(const struct ovsdb_txn *txn,
                      const struct ovsdb_txn_row *change);

const struct ovsdb_table_schema *
ovsdb_txn_row_get_table(const struct ovsdb_txn_row *change);
const struct ovsdb_uuid *
ovsdb_txn_row_get_uuid(const struct ovsdb_txn_row *change);

/* The row before the transaction (NULL for an insert) and after it (NULL
 * for a delete). */
const struct ovsdb_row *
ovsdb_txn_row_get_old(const struct ovsdb_txn_row *change);
const struct ovsdb_row *
ovsdb_txn_row_get_new(const struct ovsdb_txn_row *change);

/* Whether COLUMN changed: for a modification, its value differs between
 * the old and new row (always so for "_version"); for an insert or delete,
 * true for every column. */
bool ovsdb_txn_row_column_changed(const struct ovsdb_txn_row *change,
                                  const struct ovsdb_column *column);

/* Returns the change record for the storage log (new reference), or NULL if
 * no persistent data changed (only ephemeral columns, or nothing):
 *
 *     {"<table>": {"<uuid>": <row> | null, ...}, ...,
 *      "_date": <wall msec>, "_comment": "<comment>", "_is_diff": true}
 *
 * An inserted row lists its non-default columns, a modified row its changed
 * columns, a deleted row is null; ephemeral columns, "_uuid" and "_version"
 * never appear; "_comment" only if there is one.  A modified row's set and
 * map columns (those that can hold more than one element) hold the
 * difference from the old value (see ovsdb_datum_diff(); the record then
 * has "_is_diff": true), so a record's size follows the size of the change,
 * not of the columns.  ovsdb_apply_record() reads it back. */
json_t *ovsdb_txn_to_record(const struct ovsdb_txn *txn);

#endif /* NICFLOW_OVSDB_TXN_H */
