/* row.h: OVSDB rows and column sets.
 *
 * A row holds one datum per column of its table (see schema.h for the
 * column order: "_uuid" and "_version" first).  Rows in a database belong
 * to it; a transaction works on private copies and swaps them in when it
 * commits (txn.h), so a const row seen by a reader never changes under it
 * while no transaction is executing.
 *
 * A column set is an ordered list of distinct columns of one table, as in
 * the "columns" member of "select" and "wait" and in monitor requests. */
#ifndef NICFLOW_OVSDB_ROW_H
#define NICFLOW_OVSDB_ROW_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/hmap.h"
#include "ovsdb/datum.h"
#include "ovsdb/error.h"
#include "ovsdb/schema.h"

struct ovsdb_table;
struct ovsdb_txn_row;

/* A row's membership in one of its table's uniqueness indexes. */
struct ovsdb_index_node {
    struct hmap_node node; /* In the table's index map. */
    struct ovsdb_row *row; /* The row this is part of. */
};

struct ovsdb_row {
    struct hmap_node hmap_node; /* In the table's rows, by UUID. */
    struct ovsdb_table *table;
    struct ovsdb_txn_row *txn_row;        /* While a transaction touches it. */
    size_t n_refs;                        /* Strong references to this row from
                                     * committed rows. */
    struct ovsdb_index_node *index_nodes; /* One per table index (linked
                                             * for committed rows only),
                                             * inside this allocation. */
    struct ovsdb_datum fields[];          /* One per column. */
};

/* Column sets. */

struct ovsdb_column_set {
    const struct ovsdb_column **columns;
    size_t n;
    size_t allocated;
};

#define OVSDB_COLUMN_SET_INITIALIZER \
    {                                \
        NULL, 0, 0                   \
    }

void ovsdb_column_set_init(struct ovsdb_column_set *);
void ovsdb_column_set_destroy(struct ovsdb_column_set *);
void ovsdb_column_set_add(struct ovsdb_column_set *,
                          const struct ovsdb_column *);

/* Adds every column of TS, implicit ones included, in table order. */
void ovsdb_column_set_add_all(struct ovsdb_column_set *,
                              const struct ovsdb_table_schema *ts);
bool ovsdb_column_set_contains(const struct ovsdb_column_set *,
                               unsigned int column_index);

/* Parses JSON (borrowed), an array of distinct column names of TS, into
 * SET (initialized by the caller).  Returns 0, or EINVAL with a "syntax
 * error" in *ERRP. */
int ovsdb_column_set_from_json(const struct ovsdb_table_schema *ts,
                               const json_t *json,
                               struct ovsdb_column_set *set,
                               struct ovsdb_error **errp);

/* Rows. */

/* Returns a new row of TABLE with every column at its default and an
 * all-zeros UUID, in no table map. */
struct ovsdb_row *ovsdb_row_create(struct ovsdb_table *table);

/* Returns a deep copy of ROW (sharing strings), in no table map, with the
 * same reference count and no transaction. */
struct ovsdb_row *ovsdb_row_clone(const struct ovsdb_row *row);

void ovsdb_row_destroy(struct ovsdb_row *row);

const struct ovsdb_table_schema *ovsdb_row_schema(const struct ovsdb_row *);

static inline const struct ovsdb_uuid *
ovsdb_row_get_uuid(const struct ovsdb_row *row)
{
    return &row->fields[OVSDB_COL_UUID].keys[0].uuid;
}

static inline const struct ovsdb_uuid *
ovsdb_row_get_version(const struct ovsdb_row *row)
{
    return &row->fields[OVSDB_COL_VERSION].keys[0].uuid;
}

static inline const struct ovsdb_datum *
ovsdb_row_get_datum(const struct ovsdb_row *row,
                    const struct ovsdb_column *column)
{
    return &row->fields[column->index];
}

/* Sets ROW's UUID (for a row not yet in a table). */
void ovsdb_row_set_uuid(struct ovsdb_row *row, const struct ovsdb_uuid *);

/* Gives ROW a fresh random _version. */
void ovsdb_row_new_version(struct ovsdb_row *row);

/* Returns ROW as a <row> object (new reference) with the columns in
 * COLUMNS, or with every column if COLUMNS is NULL. */
json_t *ovsdb_row_to_json(const struct ovsdb_row *row,
                          const struct ovsdb_column_set *columns);

/* Parses a <row> object from JSON (borrowed) into ROW, replacing the datum
 * of each column it names, including "_uuid" and "_version" (callers that
 * must not accept those check first).  Named UUIDs resolve through SYMTAB
 * (NULL: not allowed).  Adds each column parsed to INCLUDED if it is not
 * NULL.  Returns 0, or EINVAL with *ERRP set ("unknown column" for a name
 * that is not a column); on failure ROW may hold some of the new values
 * but is still valid. */
int ovsdb_row_from_json(struct ovsdb_row *row, const json_t *json,
                        struct ovsdb_symtab *symtab,
                        struct ovsdb_column_set *included,
                        struct ovsdb_error **errp);

/* Hash and equality over the columns in COLUMNS only. */
uint32_t ovsdb_row_hash_columns(const struct ovsdb_row *row,
                                const struct ovsdb_column_set *columns,
                                uint32_t basis);
bool ovsdb_row_equal_columns(const struct ovsdb_row *a,
                             const struct ovsdb_row *b,
                             const struct ovsdb_column_set *columns);

#endif /* NICFLOW_OVSDB_ROW_H */
