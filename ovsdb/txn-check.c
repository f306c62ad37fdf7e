/* txn-check.c: the rules RFC 7047 applies when a transaction commits.
 *
 * In order:
 *
 *   1. Strong references are counted: the difference between each changed
 *      row's old and new values moves the counts of the rows they point to.
 *      A new reference to a row that does not exist fails the transaction.
 *   2. Weak references to rows that do not exist (never did, or were
 *      deleted) are removed; if that leaves a column with fewer elements
 *      than its type allows, the transaction fails.
 *   3. Rows of non-root tables that end up unreferenced are deleted
 *      ("garbage collected").  A deletion can drop further references, and
 *      the rows that referred weakly to a deleted row must lose those
 *      references, so steps 1-3 repeat until nothing changes.
 *   4. A deleted row that is still strongly referenced fails the
 *      transaction.
 *   5. Writes that left a row unchanged are dropped; changed rows get a new
 *      "_version".
 *   6. "maxRows" and the uniqueness of each index are checked on the
 *      result.
 *
 * When several rules fail, the error reported is the one ovsdb-server
 * would report: a missing referenced row, then a deleted row still
 * referenced, then "maxRows", then a weak column left too small, then an
 * index.
 *
 * Only rows the transaction touched are examined: the cost is proportional
 * to the size of the change, not of the database. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/coverage.h"
#include "lib/util.h"
#include "ovsdb/db-private.h"

COVERAGE_DEFINE(ovsdb_txn_gc_row);
COVERAGE_DEFINE(ovsdb_txn_weak_ref_removed);

#define FOR_EACH_TXN_TABLE(T, TXN) \
    for (size_t T = 0; T < (TXN)->db->schema->n_tables; T++)

static const char *
uuid_str(const struct ovsdb_uuid *uuid, char buf[OVSDB_UUID_LEN + 1])
{
    return ovsdb_uuid_format(uuid, buf);
}

static struct ovsdb_table *
ref_table(const struct ovsdb_txn *txn, const struct ovsdb_base_type *base)
{
    return txn->db->tables[base->u.uuid.ref_table->index];
}

/* Step 2: weak references. */

static bool
row_exists(const struct ovsdb_table *table, const struct ovsdb_uuid *uuid)
{
    return ovsdb_table_find_row_mutable(table, uuid) != NULL;
}

/* Removes from COLUMN of TROW's new row the weak references to rows that
 * do not exist, setting *CHANGED if there were any.  If that breaks the
 * column's minimum size, stores an error in *ERRP unless one is there
 * already: ovsdb-server reports other errors first, so the caller decides
 * later whether this is the one to report. */
static void
clean_weak_column(struct ovsdb_txn *txn, struct ovsdb_txn_row *trow,
                  const struct ovsdb_column *column, bool *changed,
                  struct ovsdb_error **errp)
{
    const struct ovsdb_type *type = &column->type;
    struct ovsdb_datum *d = &trow->new->fields[column->index];
    bool key_weak = ovsdb_base_type_is_weak_ref(&type->key);
    bool value_weak = ovsdb_base_type_is_weak_ref(&type->value);
    unsigned int n_removed = 0;

    for (unsigned int i = d->n; i-- > 0;) {
        if ((key_weak
             && !row_exists(ref_table(txn, &type->key), &d->keys[i].uuid))
            || (value_weak
                && !row_exists(ref_table(txn, &type->value),
                               &d->values[i].uuid))) {
            ovsdb_datum_remove_at(d, i, type);
            n_removed++;
        }
    }
    if (!n_removed) {
        return;
    }

    COVERAGE_ADD(ovsdb_txn_weak_ref_removed, n_removed);
    *changed = true;
    ovsdb_txn_row_written(trow->new, column->index);
    if (d->n < type->n_min && !*errp) {
        char uuid[OVSDB_UUID_LEN + 1];
        ovsdb_err(errp, EINVAL, OVSDB_E_CONSTRAINT,
                  "Deletion of %u weak reference(s) to deleted (or "
                  "never-existing) rows from column \"%s\" in \"%s\" row "
                  "%s%s caused this column to become empty, but constraints "
                  "on this column disallow an empty column.",
                  n_removed, column->name, trow->table->schema->name,
                  uuid_str(&trow->uuid, uuid),
                  trow->old ? "" : " (inserted within this transaction)");
    }
}

/* Sets *CHANGED if it removed any reference.  Records the first column it
 * left too small in *ERRP (see clean_weak_column()). */
static void
clean_weak_refs(struct ovsdb_txn *txn, bool *changed,
                struct ovsdb_error **errp)
{
    *changed = false;
    FOR_EACH_TXN_TABLE(t, txn)
    {
        const struct ovsdb_table_schema *ts = txn->db->tables[t]->schema;
        if (!ts->n_weak_ref_columns) {
            continue;
        }

        struct ovsdb_txn_row *trow;
        DLIST_FOR_EACH (trow, node, &txn->tables[t].rows) {
            if (!trow->new || trow->new == trow->old) {
                continue;
            }
            for (size_t i = 0; i < ts->n_weak_ref_columns; i++) {
                const struct ovsdb_column *column =
                    ts->columns[ts->weak_ref_columns[i]];
                /* An unwritten column of a committed row can only refer to
                 * a row deleted now, and queue_weak_referrers() marks such
                 * columns written. */
                if (trow->old
                    && !ovsdb_bitmap_is_set(trow->changed, column->index)) {
                    continue;
                }
                clean_weak_column(txn, trow, column, changed, errp);
            }
        }
    }
}

/* Whether TYPE refers weakly to table TS. */
static bool
refers_to(const struct ovsdb_type *type, const struct ovsdb_table_schema *ts)
{
    return ((ovsdb_base_type_is_weak_ref(&type->key)
             && type->key.u.uuid.ref_table == ts)
            || (ovsdb_base_type_is_weak_ref(&type->value)
                && type->value.u.uuid.ref_table == ts));
}

/* Makes every committed row that refers weakly to a row deleted by the
 * transaction a modified row with the referring column marked written, so
 * that clean_weak_refs() looks at it.  Returns true if it changed
 * anything. */
static bool
queue_weak_referrers(struct ovsdb_txn *txn)
{
    struct ovsdb *db = txn->db;
    bool changed = false;

    FOR_EACH_TXN_TABLE(t, txn)
    {
        const struct ovsdb_table_schema *ts = db->tables[t]->schema;
        if (!ts->referenced_weakly) {
            continue;
        }

        struct ovsdb_txn_row *trow;
        DLIST_FOR_EACH (trow, node, &txn->tables[t].rows) {
            if (trow->new || !trow->old || trow->referrers_done) {
                continue;
            }
            trow->referrers_done = true;

            const struct ovsdb_weak_target *target =
                ovsdb_weak_refs_find(db, &trow->uuid);
            if (!target) {
                continue;
            }

            const struct ovsdb_weak_src *ws;
            HMAP_FOR_EACH (ws, node, &target->srcs) {
                struct ovsdb_table *src_table = db->tables[ws->table];
                const struct ovsdb_column *column =
                    src_table->schema->columns[ws->column];
                if (!refers_to(&column->type, ts)) {
                    /* A reference to a row of another table that happens
                     * to have the same UUID. */
                    continue;
                }
                struct ovsdb_row *src =
                    ovsdb_table_find_row_mutable(src_table, &ws->src);
                if (src) {
                    src = ovsdb_txn_row_modify(txn, src);
                    if (!ovsdb_bitmap_is_set(src->txn_row->changed,
                                             ws->column)) {
                        ovsdb_txn_row_written(src, ws->column);
                        changed = true;
                    }
                }
            }
        }
    }
    return changed;
}

/* Step 1: strong reference counts. */

/* Adds DELTA to the reference count of the row UUID in TABLE, on behalf of
 * COLUMN of SRC.  A new reference to a row that does not exist is an
 * error. */
static int
add_ref(struct ovsdb_txn *txn, struct ovsdb_table *table,
        const struct ovsdb_uuid *uuid, int delta,
        const struct ovsdb_txn_row *src, const struct ovsdb_column *column,
        struct ovsdb_error **errp)
{
    struct ovsdb_row *row = ovsdb_table_find_row_mutable(table, uuid);
    struct ovsdb_txn_row *trow = NULL;

    if (row) {
        trow = row->txn_row ? row->txn_row : ovsdb_txn_row_ref_only(txn, row);
    } else {
        struct ovsdb_txn_row *d;
        HMAP_FOR_EACH_WITH_HASH (d, deleted_node, ovsdb_uuid_hash(uuid),
                                 &txn->deleted) {
            if (d->table == table && ovsdb_uuid_equals(&d->uuid, uuid)) {
                trow = d;
                break;
            }
        }
    }

    if (!trow) {
        if (delta < 0) {
            /* The old value referred to a row that no longer exists; the
             * committed database never holds such a reference, so there is
             * nothing to count. */
            return 0;
        }
        char a[OVSDB_UUID_LEN + 1], b[OVSDB_UUID_LEN + 1];
        return ovsdb_err(errp, EINVAL, OVSDB_E_REFERENTIAL,
                         "Table %s column %s row %s references nonexistent "
                         "row %s in table %s.",
                         src->table->schema->name, column->name,
                         uuid_str(&src->uuid, a), uuid_str(uuid, b),
                         table->schema->name);
    }
    trow->ref_delta += delta;
    return 0;
}

/* Counts the change of strong references between OLD and NEW (either may
 * be NULL, meaning empty) in COLUMN of TROW.  Both are sorted by key, so
 * one merge finds the keys (and, for maps, the values) that differ. */
static int
count_column_refs(struct ovsdb_txn *txn, const struct ovsdb_txn_row *trow,
                  const struct ovsdb_column *column,
                  const struct ovsdb_datum *old, const struct ovsdb_datum *new,
                  struct ovsdb_error **errp)
{
    const struct ovsdb_type *type = &column->type;
    bool key_ref = ovsdb_base_type_is_strong_ref(&type->key);
    bool value_ref = ovsdb_base_type_is_strong_ref(&type->value);
    struct ovsdb_table *kt = key_ref ? ref_table(txn, &type->key) : NULL;
    struct ovsdb_table *vt = value_ref ? ref_table(txn, &type->value) : NULL;
    unsigned int n_old = old ? old->n : 0, n_new = new ? new->n : 0;
    unsigned int i = 0, j = 0;

    while (i < n_old || j < n_new) {
        int c = (i >= n_old ? 1
                 : j >= n_new
                     ? -1
                     : ovsdb_atom_compare_3way(&old->keys[i], &new->keys[j],
                                               type->key.type));
        if (c < 0) {
            if ((key_ref
                 && add_ref(txn, kt, &old->keys[i].uuid, -1, trow, column,
                            errp))
                || (value_ref
                    && add_ref(txn, vt, &old->values[i].uuid, -1, trow, column,
                               errp))) {
                return EINVAL;
            }
            i++;
        } else if (c > 0) {
            if ((key_ref
                 && add_ref(txn, kt, &new->keys[j].uuid, 1, trow, column,
                            errp))
                || (value_ref
                    && add_ref(txn, vt, &new->values[j].uuid, 1, trow, column,
                               errp))) {
                return EINVAL;
            }
            j++;
        } else {
            if (value_ref
                && !ovsdb_uuid_equals(&old->values[i].uuid,
                                      &new->values[j].uuid)
                && (add_ref(txn, vt, &old->values[i].uuid, -1, trow, column,
                            errp)
                    || add_ref(txn, vt, &new->values[j].uuid, 1, trow, column,
                               errp))) {
                return EINVAL;
            }
            i++;
            j++;
        }
    }
    return 0;
}

static int
count_refs(struct ovsdb_txn *txn, struct ovsdb_error **errp)
{
    FOR_EACH_TXN_TABLE(t, txn)
    {
        struct ovsdb_txn_row *trow;
        DLIST_FOR_EACH (trow, node, &txn->tables[t].rows) {
            trow->ref_delta = 0;
        }
    }

    FOR_EACH_TXN_TABLE(t, txn)
    {
        const struct ovsdb_table_schema *ts = txn->db->tables[t]->schema;
        if (!ts->n_strong_ref_columns) {
            continue;
        }

        /* Rows appended while iterating are reference-only (OLD == NEW) and
         * need no counting themselves. */
        struct ovsdb_txn_row *trow;
        DLIST_FOR_EACH (trow, node, &txn->tables[t].rows) {
            if (trow->old == trow->new) {
                continue;
            }
            for (size_t i = 0; i < ts->n_strong_ref_columns; i++) {
                const struct ovsdb_column *column =
                    ts->columns[ts->strong_ref_columns[i]];
                unsigned int c = column->index;
                if (trow->old && trow->new
                    && !ovsdb_bitmap_is_set(trow->changed, c)) {
                    continue;
                }
                if (count_column_refs(txn, trow, column,
                                      trow->old ? &trow->old->fields[c] : NULL,
                                      trow->new ? &trow->new->fields[c] : NULL,
                                      errp)) {
                    return EINVAL;
                }
            }
        }
    }
    return 0;
}

static long long
final_refs(const struct ovsdb_txn_row *trow)
{
    return (trow->old ? (long long) trow->old->n_refs : 0) + trow->ref_delta;
}

/* Step 3: garbage collection.  Returns true if it deleted any row. */
static bool
collect_garbage(struct ovsdb_txn *txn)
{
    bool changed = false;

    FOR_EACH_TXN_TABLE(t, txn)
    {
        if (txn->db->tables[t]->schema->is_root) {
            continue;
        }

        struct ovsdb_txn_row *trow;
        DLIST_FOR_EACH (trow, node, &txn->tables[t].rows) {
            if (trow->new &&final_refs(trow) <= 0) {
                COVERAGE_INC(ovsdb_txn_gc_row);
                ovsdb_txn_row_delete(txn, trow->new);
                changed = true;
            }
        }
    }
    return changed;
}

/* Step 4. */
static int
check_deleted_refs(const struct ovsdb_txn *txn, struct ovsdb_error **errp)
{
    const struct ovsdb_txn_row *trow;
    HMAP_FOR_EACH (trow, deleted_node, &txn->deleted) {
        long long n = final_refs(trow);
        if (n > 0) {
            char uuid[OVSDB_UUID_LEN + 1];
            return ovsdb_err(errp, EINVAL, OVSDB_E_REFERENTIAL,
                             "cannot delete %s row %s because of %lld "
                             "remaining reference(s)",
                             trow->table->schema->name,
                             uuid_str(&trow->uuid, uuid), n);
        }
    }
    return 0;
}

/* Step 5.  Sets each txn row's "changed" bitmap to what really changed and
 * undoes copies that changed nothing. */
static void
finalize_changes(struct ovsdb_txn *txn)
{
    FOR_EACH_TXN_TABLE(t, txn)
    {
        const struct ovsdb_table_schema *ts = txn->db->tables[t]->schema;
        struct ovsdb_txn_row *trow;
        DLIST_FOR_EACH (trow, node, &txn->tables[t].rows) {
            struct ovsdb_row *old = trow->old, *new = trow->new;

            if (!old || !new) {
                /* Inserts and deletes change every column. */
                for (size_t i = 0; i < ts->n_columns; i++) {
                    ovsdb_bitmap_set(trow->changed, i);
                }
                continue;
            }
            if (old == new) {
                continue;
            }

            bool any = false;
            ovsdb_bitmap_clear(trow->changed, OVSDB_COL_UUID);
            ovsdb_bitmap_clear(trow->changed, OVSDB_COL_VERSION);
            for (size_t i = OVSDB_N_IMPLICIT_COLUMNS; i < ts->n_columns; i++) {
                if (!ovsdb_bitmap_is_set(trow->changed, i)) {
                    continue;
                }
                if (ovsdb_datum_equals(&old->fields[i], &new->fields[i],
                                       &ts->columns[i]->type)) {
                    ovsdb_bitmap_clear(trow->changed, i);
                } else {
                    any = true;
                }
            }
            if (any) {
                ovsdb_row_new_version(new);
                ovsdb_bitmap_set(trow->changed, OVSDB_COL_VERSION);
            } else {
                /* Keep the committed row: same data, same _version. */
                struct hmap *rows = &trow->table->rows;
                hmap_remove(rows, &new->hmap_node);
                hmap_insert(rows, &old->hmap_node, old->hmap_node.hash);
                ovsdb_row_destroy(new);
                trow->new = old;
            }
        }
    }
}

/* Step 6: maxRows. */
static int
check_max_rows(const struct ovsdb_txn *txn, struct ovsdb_error **errp)
{
    FOR_EACH_TXN_TABLE(t, txn)
    {
        const struct ovsdb_table *table = txn->db->tables[t];
        size_t n = hmap_count(&table->rows);
        if (txn->tables[t].n_rows && n > table->schema->max_rows) {
            return ovsdb_err(errp, EINVAL, OVSDB_E_CONSTRAINT,
                             "transaction causes \"%s\" table to contain %zu "
                             "rows, greater than the schema-defined limit of "
                             "%u row(s)",
                             table->schema->name, n, table->schema->max_rows);
        }
    }
    return 0;
}

/* Step 6: indexes. */

static bool
index_equal(const struct ovsdb_row *a, const struct ovsdb_row *b,
            const struct ovsdb_index_schema *index)
{
    for (size_t i = 0; i < index->n_columns; i++) {
        const struct ovsdb_column *c = index->columns[i];
        if (!ovsdb_datum_equals(&a->fields[c->index], &b->fields[c->index],
                                &c->type)) {
            return false;
        }
    }
    return true;
}

static const char *
row_story(const struct ovsdb_row *row)
{
    const struct ovsdb_txn_row *trow = row->txn_row;
    if (!trow || trow->old == trow->new) {
        return ("existed in the database before this transaction and was "
                "not modified by the transaction");
    }
    return (trow->old ? "was modified by this transaction"
                      : "was inserted by this transaction");
}

static int
duplicate_error(const struct ovsdb_row *a, const struct ovsdb_row *b,
                const struct ovsdb_index_schema *index,
                struct ovsdb_error **errp)
{
    struct buf values = BUF_INITIALIZER, columns = BUF_INITIALIZER;
    char ua[OVSDB_UUID_LEN + 1], ub[OVSDB_UUID_LEN + 1];

    for (size_t i = 0; i < index->n_columns; i++) {
        const struct ovsdb_column *c = index->columns[i];
        if (i) {
            buf_put_cstr(&values, ", ");
            buf_put_cstr(&columns, ", ");
        }
        ovsdb_datum_to_buf(&a->fields[c->index], &c->type, &values);
        buf_printf(&columns, "\"%s\"", c->name);
    }
    ovsdb_err(errp, EINVAL, OVSDB_E_CONSTRAINT,
              "Transaction causes multiple rows in \"%s\" table to have "
              "identical values (%s) for index on column%s %s.  First row, "
              "with UUID %s, %s.  Second row, with UUID %s, %s.",
              a->table->schema->name, buf_cstr(&values),
              index->n_columns > 1 ? "s" : "", buf_cstr(&columns),
              uuid_str(ovsdb_row_get_uuid(a), ua), row_story(a),
              uuid_str(ovsdb_row_get_uuid(b), ub), row_story(b));
    buf_destroy(&values);
    buf_destroy(&columns);
    return EINVAL;
}

struct index_entry {
    struct hmap_node node;
    const struct ovsdb_row *row;
};

static int
check_index(const struct ovsdb_txn *txn, const struct ovsdb_table *table,
            size_t idx, struct ovsdb_error **errp)
{
    const struct ovsdb_index_schema *index = &table->schema->indexes[idx];
    const struct ovsdb_txn_table *tt = &txn->tables[table->schema->index];
    struct index_entry *entries = xmalloc(tt->n_rows * sizeof *entries);
    struct hmap seen = HMAP_INITIALIZER;
    size_t n = 0;
    int error = 0;

    const struct ovsdb_txn_row *trow;
    DLIST_FOR_EACH (trow, node, &tt->rows) {
        const struct ovsdb_row *row = trow->new;
        if (!row || row == trow->old) {
            continue;
        }
        uint32_t hash = ovsdb_row_index_hash(row, index);

        /* Against committed rows the transaction leaves alone (the others
         * are checked through their new versions, below). */
        const struct ovsdb_index_node *in;
        HMAP_FOR_EACH_WITH_HASH (in, node, hash, &table->indexes[idx]) {
            const struct ovsdb_row *c = in->row;
            bool untouched = !c->txn_row || c->txn_row->new == c;
            if (untouched && index_equal(c, row, index)) {
                error = duplicate_error(row, c, index, errp);
                goto out;
            }
        }

        /* Against the other rows this transaction inserted or changed. */
        const struct index_entry *e;
        HMAP_FOR_EACH_WITH_HASH (e, node, hash, &seen) {
            if (index_equal(e->row, row, index)) {
                error = duplicate_error(row, e->row, index, errp);
                goto out;
            }
        }
        entries[n].row = row;
        hmap_insert(&seen, &entries[n].node, hash);
        n++;
    }

out:
    hmap_destroy(&seen);
    free(entries);
    return error;
}

static int
check_indexes(const struct ovsdb_txn *txn, struct ovsdb_error **errp)
{
    FOR_EACH_TXN_TABLE(t, txn)
    {
        const struct ovsdb_table *table = txn->db->tables[t];
        if (!txn->tables[t].n_rows) {
            continue;
        }
        for (size_t i = 0; i < table->schema->n_indexes; i++) {
            if (check_index(txn, table, i, errp)) {
                return EINVAL;
            }
        }
    }
    return 0;
}

int
ovsdb_txn_precommit(struct ovsdb_txn *txn, struct ovsdb_error **errp)
{
    struct ovsdb_error *weak_error = NULL;
    int error = EINVAL;

    if (!txn->n_rows) {
        /* Nothing written (only "select", "wait" and the like). */
        return 0;
    }
    for (;;) {
        bool removed;

        /* Removing weak references can drop strong ones (a map from weak
         * keys to strong values), so a removal means counting again. */
        if (count_refs(txn, errp)) {
            goto out;
        }
        clean_weak_refs(txn, &removed, &weak_error);
        if (removed || collect_garbage(txn)) {
            continue;
        }
        if (!queue_weak_referrers(txn)) {
            break;
        }
    }

    /* Report errors in the order ovsdb-server does: references, maxRows,
     * weak references, indexes. */
    if (check_deleted_refs(txn, errp)) {
        goto out;
    }
    finalize_changes(txn);
    if (check_max_rows(txn, errp)) {
        goto out;
    }
    if (weak_error) {
        if (errp) {
            *errp = weak_error;
            weak_error = NULL;
        }
        goto out;
    }
    if (check_indexes(txn, errp)) {
        goto out;
    }
    error = 0;

out:
    ovsdb_error_destroy(weak_error);
    return error;
}
