/* db-private.h: the in-memory database's internals, shared by the files of
 * ovsdb/ that implement it (db.c, row.c, txn.c, txn-check.c, execute.c,
 * record.c).  Nothing outside ovsdb/ includes this header: the server uses
 * db.h, txn.h and row.h.
 *
 * Model.  Each table keeps its rows in a hash map by UUID.  While a
 * transaction runs, that map is the transaction's view: a row it modifies
 * is replaced by a private copy, a row it deletes is taken out and a row it
 * inserts is put in, and for each such row a struct ovsdb_txn_row remembers
 * the committed version ("old") and the transaction's ("new").  Aborting
 * puts the old versions back; committing frees them (or hands them to the
 * committed-transaction object so the server can report the change).
 *
 * Committed rows carry the count of strong references to them and are
 * linked into the tables' uniqueness indexes; the database also keeps a
 * reverse map of weak references, so deleting a row finds the rows that
 * refer to it weakly without scanning tables. */
#ifndef NICFLOW_OVSDB_DB_PRIVATE_H
#define NICFLOW_OVSDB_DB_PRIVATE_H 1

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"
#include "lib/hmap.h"
#include "lib/list.h"
#include "ovsdb/db.h"
#include "ovsdb/row.h"
#include "ovsdb/schema.h"
#include "ovsdb/txn.h"

struct ovsdb_table {
    const struct ovsdb_table_schema *schema;
    struct ovsdb *db;
    struct hmap rows; /* struct ovsdb_row, by UUID hash. */

    /* One map per schema index, of committed rows by the hash of the
     * index's columns (struct ovsdb_index_node, a row's index_nodes[i]). */
    struct hmap *indexes;
};

struct ovsdb {
    struct ovsdb_schema *schema;
    struct ovsdb_table **tables; /* Parallel to schema->tables. */
    struct hmap weak_targets;    /* struct ovsdb_weak_target. */
    struct ovsdb_txn *txn;       /* The transaction executing, if any. */
};

/* Reverse map of committed weak references: for each row that some row
 * refers to weakly, which rows (and columns) refer to it. */
struct ovsdb_weak_target {
    struct hmap_node node; /* In db->weak_targets, by dst hash. */
    struct ovsdb_uuid dst;
    struct hmap srcs; /* struct ovsdb_weak_src. */
};

struct ovsdb_weak_src {
    struct hmap_node node; /* In target's srcs. */
    struct ovsdb_uuid src; /* Referring row. */
    unsigned int table;    /* Its table's index in the schema. */
    unsigned int column;   /* The referring column's index. */
    unsigned int n;        /* References (a map may repeat). */
};

/* Bitmaps over a table's columns. */
#define OVSDB_LONG_BITS (sizeof(unsigned long) * CHAR_BIT)
#define OVSDB_BITMAP_LONGS(N) (((N) + OVSDB_LONG_BITS - 1) / OVSDB_LONG_BITS)

static inline bool
ovsdb_bitmap_is_set(const unsigned long *bitmap, size_t i)
{
    return (bitmap[i / OVSDB_LONG_BITS] >> (i % OVSDB_LONG_BITS)) & 1;
}

static inline void
ovsdb_bitmap_set(unsigned long *bitmap, size_t i)
{
    bitmap[i / OVSDB_LONG_BITS] |= 1ul << (i % OVSDB_LONG_BITS);
}

static inline void
ovsdb_bitmap_clear(unsigned long *bitmap, size_t i)
{
    bitmap[i / OVSDB_LONG_BITS] &= ~(1ul << (i % OVSDB_LONG_BITS));
}

/* One row a transaction touches. */
struct ovsdb_txn_row {
    struct dlist node;             /* In the txn's list for the table. */
    struct hmap_node deleted_node; /* In txn->deleted if NEW is NULL. */
    struct ovsdb_table *table;
    struct ovsdb_uuid uuid;

    /* OLD is the committed row (NULL if inserted).  NEW is the
     * transaction's version: NULL if deleted, equal to OLD if only the
     * reference count changes ("reference-only"), else a private copy or a
     * new row. */
    struct ovsdb_row *old;
    struct ovsdb_row *new;

    long long ref_delta; /* Change of strong references. */
    bool in_deleted;     /* In txn->deleted. */
    bool referrers_done; /* Weak referrers queued for cleanup. */

    /* Before commit: columns the transaction wrote.  After commit: columns
     * whose value changed (every column for an insert or delete). */
    unsigned long changed[];
};

struct ovsdb_txn_table {
    struct dlist rows; /* struct ovsdb_txn_row. */
    size_t n_rows;
};

struct ovsdb_txn {
    struct ovsdb *db;
    struct ovsdb_txn_table *tables; /* Parallel to db->tables. */
    struct hmap deleted;            /* Deleted txn rows, by UUID hash. */
    size_t n_rows;
    bool durable;        /* A "commit" asked for durability. */
    struct buf comment;  /* "comment" ops, joined by '\n'. */
    long long date_msec; /* Wall clock at commit. */
    bool committed;
};

/* Tables. */
struct ovsdb_row *ovsdb_table_find_row_mutable(const struct ovsdb_table *,
                                               const struct ovsdb_uuid *);

/* Starts a transaction on DB (none may be running). */
struct ovsdb_txn *ovsdb_txn_begin(struct ovsdb *db);

/* Adds ROW, a new row whose UUID is set and unique in its table, to the
 * transaction's view.  The transaction owns it. */
void ovsdb_txn_row_insert(struct ovsdb_txn *, struct ovsdb_row *row);

/* Returns a version of ROW (a row in the transaction's view) that the
 * transaction may modify, copying it first if needed. */
struct ovsdb_row *ovsdb_txn_row_modify(struct ovsdb_txn *,
                                       struct ovsdb_row *row);

/* Records that the transaction wrote COLUMN of ROW (a row returned by
 * ovsdb_txn_row_modify() or inserted). */
static inline void
ovsdb_txn_row_written(struct ovsdb_row *row, unsigned int column)
{
    ovsdb_bitmap_set(row->txn_row->changed, column);
}

/* Creates the reference-only txn row for ROW, a committed row the
 * transaction has not touched, so that its reference count can change. */
struct ovsdb_txn_row *ovsdb_txn_row_ref_only(struct ovsdb_txn *,
                                             struct ovsdb_row *row);

/* Deletes ROW, a row in the transaction's view. */
void ovsdb_txn_row_delete(struct ovsdb_txn *, struct ovsdb_row *row);

/* Whether a row with UUID was deleted within the transaction (from TABLE,
 * or from any table if TABLE is NULL). */
bool ovsdb_txn_was_deleted(const struct ovsdb_txn *,
                           const struct ovsdb_table *table,
                           const struct ovsdb_uuid *uuid);

/* Applies the commit-time rules: weak references to missing rows are
 * removed, unreferenced non-root rows are collected, strong references
 * must point to existing rows and deleted rows must be unreferenced, then
 * "maxRows" and indexes hold, and writes that changed nothing are dropped.
 * Returns 0, or a positive errno with *ERRP set; either way the
 * transaction must then be committed (ovsdb_txn_commit(), only after 0) or
 * aborted. */
int ovsdb_txn_precommit(struct ovsdb_txn *, struct ovsdb_error **errp);

/* Makes the transaction's view the committed database.  The transaction
 * object then describes the changes (txn.h) until ovsdb_txn_destroy(). */
void ovsdb_txn_commit(struct ovsdb_txn *);

/* Restores the committed database and frees the transaction. */
void ovsdb_txn_abort(struct ovsdb_txn *);

/* Whether the committed transaction changed anything. */
bool ovsdb_txn_has_changes(const struct ovsdb_txn *);

/* Hash of ROW's values in the columns of index I of its table. */
uint32_t ovsdb_row_index_hash(const struct ovsdb_row *row,
                              const struct ovsdb_index_schema *index);

/* The weak reference map (txn.c): updated for each changed row at commit;
 * looked up for the committed rows that refer weakly to DST. */
void ovsdb_weak_refs_update(struct ovsdb *, const struct ovsdb_txn_row *);
void ovsdb_weak_refs_destroy(struct ovsdb *);
const struct ovsdb_weak_target *
ovsdb_weak_refs_find(const struct ovsdb *, const struct ovsdb_uuid *dst);

#endif /* NICFLOW_OVSDB_DB_PRIVATE_H */
