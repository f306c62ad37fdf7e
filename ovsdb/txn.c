/* txn.c: transactions: tracking the rows a transaction touches, aborting,
 * committing, and describing committed changes.  The commit-time rules
 * themselves are in txn-check.c. */
#include "ovsdb/txn.h"

#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "ovsdb/db-private.h"

COVERAGE_DEFINE(ovsdb_txn_commit);
COVERAGE_DEFINE(ovsdb_txn_abort);

struct ovsdb_txn *
ovsdb_txn_begin(struct ovsdb *db)
{
    nf_assert(!db->txn);

    struct ovsdb_txn *txn = xzalloc(sizeof *txn);
    size_t n_tables = db->schema->n_tables;
    txn->db = db;
    txn->tables = xcalloc(n_tables ? n_tables : 1, sizeof *txn->tables);
    for (size_t i = 0; i < n_tables; i++) {
        dlist_init(&txn->tables[i].rows);
    }
    hmap_init(&txn->deleted);
    buf_init(&txn->comment);
    db->txn = txn;
    return txn;
}

static struct ovsdb_txn_row *
txn_row_create(struct ovsdb_txn *txn, struct ovsdb_table *table,
               const struct ovsdb_uuid *uuid, struct ovsdb_row *old,
               struct ovsdb_row *new)
{
    size_t n_longs = OVSDB_BITMAP_LONGS(table->schema->n_columns);
    struct ovsdb_txn_row *trow =
        xzalloc(sizeof *trow + n_longs * sizeof(unsigned long));
    struct ovsdb_txn_table *tt = &txn->tables[table->schema->index];

    trow->table = table;
    trow->uuid = *uuid;
    trow->old = old;
    trow->new = new;
    if (old) {
        old->txn_row = trow;
    }
    if (new) {
        new->txn_row = trow;
    }
    dlist_push_back(&tt->rows, &trow->node);
    tt->n_rows++;
    txn->n_rows++;
    return trow;
}

/* Takes TROW out of the transaction's lists and frees it. */
static void
txn_row_free(struct ovsdb_txn *txn, struct ovsdb_txn_row *trow)
{
    dlist_remove(&trow->node);
    txn->tables[trow->table->schema->index].n_rows--;
    txn->n_rows--;
    if (trow->in_deleted) {
        hmap_remove(&txn->deleted, &trow->deleted_node);
    }
    free(trow);
}

struct ovsdb_txn_row *
ovsdb_txn_row_ref_only(struct ovsdb_txn *txn, struct ovsdb_row *row)
{
    nf_assert(!row->txn_row);
    return txn_row_create(txn, row->table, ovsdb_row_get_uuid(row), row, row);
}

void
ovsdb_txn_row_insert(struct ovsdb_txn *txn, struct ovsdb_row *row)
{
    const struct ovsdb_uuid *uuid = ovsdb_row_get_uuid(row);
    struct ovsdb_txn_row *trow =
        txn_row_create(txn, row->table, uuid, NULL, row);
    size_t n_columns = row->table->schema->n_columns;

    for (size_t i = 0; i < n_columns; i++) {
        ovsdb_bitmap_set(trow->changed, i);
    }
    ovsdb_row_new_version(row);
    hmap_insert(&row->table->rows, &row->hmap_node, ovsdb_uuid_hash(uuid));
}

/* Replaces OLD by NEW in their table's map of rows. */
static void
replace_in_table(struct ovsdb_row *old, struct ovsdb_row *new)
{
    struct hmap *rows = &old->table->rows;
    uint32_t hash = old->hmap_node.hash;
    hmap_remove(rows, &old->hmap_node);
    hmap_insert(rows, &new->hmap_node, hash);
}

struct ovsdb_row *
ovsdb_txn_row_modify(struct ovsdb_txn *txn, struct ovsdb_row *row)
{
    struct ovsdb_txn_row *trow = row->txn_row;

    if (trow && trow->new != trow->old) {
        /* Already the transaction's own version. */
        nf_assert(trow->new == row);
        return row;
    }

    struct ovsdb_row *copy = ovsdb_row_clone(row);
    replace_in_table(row, copy);
    if (trow) {
        trow->new = copy;
        copy->txn_row = trow;
    } else {
        txn_row_create(txn, row->table, ovsdb_row_get_uuid(row), row, copy);
    }
    return copy;
}

void
ovsdb_txn_row_delete(struct ovsdb_txn *txn, struct ovsdb_row *row)
{
    struct ovsdb_txn_row *trow = row->txn_row;

    hmap_remove(&row->table->rows, &row->hmap_node);
    if (!trow) {
        trow = txn_row_create(txn, row->table, ovsdb_row_get_uuid(row), row,
                              NULL);
    } else {
        nf_assert(trow->new == row);
        if (trow->new != trow->old) {
            ovsdb_row_destroy(trow->new);
        }
        trow->new = NULL;
    }
    trow->in_deleted = true;
    hmap_insert(&txn->deleted, &trow->deleted_node,
                ovsdb_uuid_hash(&trow->uuid));
}

bool
ovsdb_txn_was_deleted(const struct ovsdb_txn *txn,
                      const struct ovsdb_table *table,
                      const struct ovsdb_uuid *uuid)
{
    struct ovsdb_txn_row *trow;
    HMAP_FOR_EACH_WITH_HASH (trow, deleted_node, ovsdb_uuid_hash(uuid),
                             &txn->deleted) {
        if (ovsdb_uuid_equals(&trow->uuid, uuid)
            && (!table || trow->table == table)) {
            return true;
        }
    }
    return false;
}

static void
txn_free(struct ovsdb_txn *txn)
{
    hmap_destroy(&txn->deleted);
    buf_destroy(&txn->comment);
    free(txn->tables);
    free(txn);
}

void
ovsdb_txn_abort(struct ovsdb_txn *txn)
{
    size_t n_tables = txn->db->schema->n_tables;

    COVERAGE_INC(ovsdb_txn_abort);
    for (size_t t = 0; t < n_tables; t++) {
        struct ovsdb_txn_row *trow, *next;
        DLIST_FOR_EACH_SAFE (trow, next, node, &txn->tables[t].rows) {
            struct ovsdb_row *old = trow->old, *new = trow->new;
            struct hmap *rows = &trow->table->rows;

            if (new != old) {
                if (new) {
                    hmap_remove(rows, &new->hmap_node);
                    ovsdb_row_destroy(new);
                }
                if (old) {
                    hmap_insert(rows, &old->hmap_node, old->hmap_node.hash);
                }
            }
            if (old) {
                old->txn_row = NULL;
            }
            txn_row_free(txn, trow);
        }
    }
    txn->db->txn = NULL;
    txn_free(txn);
}

static void
index_insert(struct ovsdb_table *table, struct ovsdb_row *row)
{
    const struct ovsdb_table_schema *ts = table->schema;
    for (size_t i = 0; i < ts->n_indexes; i++) {
        hmap_insert(&table->indexes[i], &row->index_nodes[i].node,
                    ovsdb_row_index_hash(row, &ts->indexes[i]));
    }
}

static void
index_remove(struct ovsdb_table *table, struct ovsdb_row *row)
{
    for (size_t i = 0; i < table->schema->n_indexes; i++) {
        hmap_remove(&table->indexes[i], &row->index_nodes[i].node);
    }
}

void
ovsdb_txn_commit(struct ovsdb_txn *txn)
{
    struct ovsdb *db = txn->db;

    COVERAGE_INC(ovsdb_txn_commit);
    for (size_t t = 0; t < db->schema->n_tables; t++) {
        struct ovsdb_txn_row *trow, *next;
        DLIST_FOR_EACH_SAFE (trow, next, node, &txn->tables[t].rows) {
            struct ovsdb_row *old = trow->old, *new = trow->new;

            if (old == new) {
                /* Reference-only, unchanged, or inserted and deleted
                 * again: not a change. */
                if (old) {
                    old->n_refs += trow->ref_delta;
                    old->txn_row = NULL;
                }
                txn_row_free(txn, trow);
                continue;
            }
            if (new) {
                new->n_refs = (old ? old->n_refs : 0) + trow->ref_delta;
                new->txn_row = NULL;
                index_insert(trow->table, new);
            }
            if (old) {
                index_remove(trow->table, old);
                old->txn_row = NULL;
            }
            if (trow->table->schema->n_weak_ref_columns) {
                ovsdb_weak_refs_update(db, trow);
            }
        }
    }
    txn->committed = true;
    txn->date_msec = nf_time_wall_msec();
    db->txn = NULL;
}

bool
ovsdb_txn_has_changes(const struct ovsdb_txn *txn)
{
    return txn->n_rows > 0;
}

void
ovsdb_txn_destroy(struct ovsdb_txn *txn)
{
    if (!txn) {
        return;
    }
    nf_assert(txn->committed);
    for (size_t t = 0; t < txn->db->schema->n_tables; t++) {
        struct ovsdb_txn_row *trow, *next;
        DLIST_FOR_EACH_SAFE (trow, next, node, &txn->tables[t].rows) {
            /* The old version left the database at commit. */
            ovsdb_row_destroy(trow->old);
            txn_row_free(txn, trow);
        }
    }
    txn_free(txn);
}

bool
ovsdb_txn_is_durable(const struct ovsdb_txn *txn)
{
    return txn->durable;
}

const char *
ovsdb_txn_get_comment(const struct ovsdb_txn *txn)
{
    return txn->comment.len ? buf_cstr((struct buf *) &txn->comment) : NULL;
}

long long
ovsdb_txn_get_date(const struct ovsdb_txn *txn)
{
    return txn->date_msec;
}

static const struct ovsdb_txn_row *
first_in_tables(const struct ovsdb_txn *txn, size_t t)
{
    for (; t < txn->db->schema->n_tables; t++) {
        const struct dlist *rows = &txn->tables[t].rows;
        if (!dlist_is_empty(rows)) {
            return CONTAINER_OF(rows->next, struct ovsdb_txn_row, node);
        }
    }
    return NULL;
}

const struct ovsdb_txn_row *
ovsdb_txn_first_change(const struct ovsdb_txn *txn)
{
    return first_in_tables(txn, 0);
}

const struct ovsdb_txn_row *
ovsdb_txn_next_change(const struct ovsdb_txn *txn,
                      const struct ovsdb_txn_row *change)
{
    size_t t = change->table->schema->index;
    if (change->node.next != &txn->tables[t].rows) {
        return CONTAINER_OF(change->node.next, struct ovsdb_txn_row, node);
    }
    return first_in_tables(txn, t + 1);
}

const struct ovsdb_table_schema *
ovsdb_txn_row_get_table(const struct ovsdb_txn_row *change)
{
    return change->table->schema;
}

const struct ovsdb_uuid *
ovsdb_txn_row_get_uuid(const struct ovsdb_txn_row *change)
{
    return &change->uuid;
}

const struct ovsdb_row *
ovsdb_txn_row_get_old(const struct ovsdb_txn_row *change)
{
    return change->old;
}

const struct ovsdb_row *
ovsdb_txn_row_get_new(const struct ovsdb_txn_row *change)
{
    return change->new;
}

bool
ovsdb_txn_row_column_changed(const struct ovsdb_txn_row *change,
                             const struct ovsdb_column *column)
{
    return ovsdb_bitmap_is_set(change->changed, column->index);
}

/* The weak reference map. */

static uint32_t
weak_src_hash(const struct ovsdb_uuid *src, unsigned int table,
              unsigned int column)
{
    return hash_int(column, hash_int(table, ovsdb_uuid_hash(src)));
}

static struct ovsdb_weak_target *
weak_target_find(const struct ovsdb *db, const struct ovsdb_uuid *dst)
{
    struct ovsdb_weak_target *target;
    HMAP_FOR_EACH_WITH_HASH (target, node, ovsdb_uuid_hash(dst),
                             &db->weak_targets) {
        if (ovsdb_uuid_equals(&target->dst, dst)) {
            return target;
        }
    }
    return NULL;
}

static struct ovsdb_weak_src *
weak_src_find(const struct ovsdb_weak_target *target,
              const struct ovsdb_uuid *src, unsigned int table,
              unsigned int column)
{
    struct ovsdb_weak_src *ws;
    HMAP_FOR_EACH_WITH_HASH (ws, node, weak_src_hash(src, table, column),
                             &target->srcs) {
        if (ws->table == table && ws->column == column
            && ovsdb_uuid_equals(&ws->src, src)) {
            return ws;
        }
    }
    return NULL;
}

static void
weak_ref_add(struct ovsdb *db, const struct ovsdb_uuid *dst,
             const struct ovsdb_uuid *src, unsigned int table,
             unsigned int column)
{
    struct ovsdb_weak_target *target = weak_target_find(db, dst);
    if (!target) {
        target = xmalloc(sizeof *target);
        target->dst = *dst;
        hmap_init(&target->srcs);
        hmap_insert(&db->weak_targets, &target->node, ovsdb_uuid_hash(dst));
    }

    struct ovsdb_weak_src *ws = weak_src_find(target, src, table, column);
    if (!ws) {
        ws = xmalloc(sizeof *ws);
        ws->src = *src;
        ws->table = table;
        ws->column = column;
        ws->n = 0;
        hmap_insert(&target->srcs, &ws->node,
                    weak_src_hash(src, table, column));
    }
    ws->n++;
}

static void
weak_target_free(struct ovsdb *db, struct ovsdb_weak_target *target)
{
    struct ovsdb_weak_src *ws;
    HMAP_FOR_EACH_SAFE (ws, node, &target->srcs) {
        hmap_remove(&target->srcs, &ws->node);
        free(ws);
    }
    hmap_destroy(&target->srcs);
    hmap_remove(&db->weak_targets, &target->node);
    free(target);
}

static void
weak_ref_remove(struct ovsdb *db, const struct ovsdb_uuid *dst,
                const struct ovsdb_uuid *src, unsigned int table,
                unsigned int column)
{
    struct ovsdb_weak_target *target = weak_target_find(db, dst);
    struct ovsdb_weak_src *ws =
        (target ? weak_src_find(target, src, table, column) : NULL);
    if (!ws) {
        /* Only rows that existed at commit are in the map, and those are
         * exactly the references this removes. */
        nf_abort("weak reference map lost a reference");
    }
    if (!--ws->n) {
        hmap_remove(&target->srcs, &ws->node);
        free(ws);
        if (hmap_is_empty(&target->srcs)) {
            weak_target_free(db, target);
        }
    }
}

/* Adds (ADD true) or removes ROW's weak references in COLUMN. */
static void
weak_refs_of_column(struct ovsdb *db, const struct ovsdb_row *row,
                    const struct ovsdb_column *column, bool add)
{
    const struct ovsdb_datum *d = &row->fields[column->index];
    const struct ovsdb_uuid *src = ovsdb_row_get_uuid(row);
    unsigned int table = row->table->schema->index;
    bool key = ovsdb_base_type_is_weak_ref(&column->type.key);
    bool value = ovsdb_base_type_is_weak_ref(&column->type.value);

    for (unsigned int i = 0; i < d->n; i++) {
        for (int side = 0; side < 2; side++) {
            if (side ? !value : !key) {
                continue;
            }
            const struct ovsdb_uuid *dst =
                side ? &d->values[i].uuid : &d->keys[i].uuid;
            if (add) {
                weak_ref_add(db, dst, src, table, column->index);
            } else {
                weak_ref_remove(db, dst, src, table, column->index);
            }
        }
    }
}

void
ovsdb_weak_refs_update(struct ovsdb *db, const struct ovsdb_txn_row *trow)
{
    const struct ovsdb_table_schema *ts = trow->table->schema;

    for (size_t i = 0; i < ts->n_weak_ref_columns; i++) {
        const struct ovsdb_column *column =
            ts->columns[ts->weak_ref_columns[i]];
        if (!ovsdb_bitmap_is_set(trow->changed, column->index)) {
            continue;
        }
        if (trow->old) {
            weak_refs_of_column(db, trow->old, column, false);
        }
        if (trow->new) {
            weak_refs_of_column(db, trow->new, column, true);
        }
    }
}

void
ovsdb_weak_refs_destroy(struct ovsdb *db)
{
    struct ovsdb_weak_target *target;
    HMAP_FOR_EACH_SAFE (target, node, &db->weak_targets) {
        weak_target_free(db, target);
    }
    hmap_destroy(&db->weak_targets);
}

const struct ovsdb_weak_target *
ovsdb_weak_refs_find(const struct ovsdb *db, const struct ovsdb_uuid *dst)
{
    return weak_target_find(db, dst);
}
