/* idl-row.c: the replica of the OVSDB client library: rows, applying
 * monitor updates to them, reading them and tracking their changes (see
 * idl.h).  Sessions are in idl.c, transactions in idl-txn.c. */
#include "ovsdb/idl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "ovsdb/idl-private.h"
#include "ovsdb/schema.h"

COVERAGE_DEFINE(idl_update);

/* Frees every row of T, live or kept for tracking. */
void
ovsdb_idl_table_clear(struct ovsdb_idl_table *t)
{
    while (!dlist_is_empty(&t->track)) {
        struct ovsdb_idl_row *row = CONTAINER_OF(
            dlist_pop_front(&t->track), struct ovsdb_idl_row, track_node);
        if (!row->delete_seqno) {
            hmap_remove(&t->rows, &row->hmap_node);
        }
        ovsdb_idl_row_free(row);
    }
    hmap_shrink(&t->rows);
}

int
ovsdb_idl_column_index(const struct ovsdb_idl_table *t, const char *column)
{
    if (!t->ts) {
        return -1;
    }
    const struct ovsdb_column *c =
        ovsdb_table_schema_get_column(t->ts, column);
    return c ? (int) c->index : -1;
}

/* Rows. */

struct ovsdb_idl_row *
ovsdb_idl_row_alloc(struct ovsdb_idl_table *t, const struct ovsdb_uuid *uuid)
{
    struct ovsdb_idl_row *row = xzalloc(sizeof *row);
    row->uuid = *uuid;
    row->table = t;
    row->data = xcalloc(t->ts->n_columns, sizeof *row->data);
    row->col_seqno = xcalloc(t->ts->n_columns, sizeof *row->col_seqno);
    dlist_init(&row->track_node);
    return row;
}

void
ovsdb_idl_row_free(struct ovsdb_idl_row *row)
{
    if (!row) {
        return;
    }
    if (row->txn_row) {
        ovsdb_idl_txn_row_gone(row);
    }
    if (row->data) {
        const struct ovsdb_table_schema *ts = row->table->ts;
        for (size_t i = 0; i < ts->n_columns; i++) {
            ovsdb_datum_destroy(&row->data[i], &ts->columns[i]->type);
        }
    }
    free(row->data);
    free(row->col_seqno);
    free(row);
}

static struct ovsdb_idl_row *
idl_find_row(const struct ovsdb_idl_table *t, const struct ovsdb_uuid *uuid)
{
    struct ovsdb_idl_row *row;
    HMAP_FOR_EACH_WITH_HASH (row, hmap_node, ovsdb_uuid_hash(uuid), &t->rows) {
        if (ovsdb_uuid_equals(&row->uuid, uuid)) {
            return row;
        }
    }
    return NULL;
}

/* Records that ROW changed at SEQNO. */
static void
idl_row_touch(struct ovsdb_idl_row *row, uint64_t seqno)
{
    row->change_seqno = seqno;
    dlist_remove(&row->track_node);
    dlist_push_back(&row->table->track, &row->track_node);
}

static void
idl_row_delete(struct ovsdb_idl *idl, struct ovsdb_idl_row *row,
               uint64_t seqno)
{
    hmap_remove(&row->table->rows, &row->hmap_node);
    if (idl->track_deleted) {
        row->delete_seqno = seqno;
        idl_row_touch(row, seqno);
    } else {
        dlist_remove(&row->track_node);
        ovsdb_idl_row_free(row);
    }
}

/* Stores *D (taken) as column IDX of ROW.  Returns true if the value
 * changed. */
static bool
idl_row_store(struct ovsdb_idl_row *row, unsigned int idx,
              struct ovsdb_datum *d, uint64_t seqno)
{
    const struct ovsdb_type *type = &row->table->ts->columns[idx]->type;
    bool changed = !ovsdb_datum_equals(&row->data[idx], d, type);
    if (changed) {
        ovsdb_datum_swap(&row->data[idx], d);
        row->col_seqno[idx] = seqno;
    }
    ovsdb_datum_destroy(d, type);
    return changed;
}

/* Applying updates. */

/* Element by element merge of OLD and DIFF (both sorted) into *OUT. */
static void
idl_diff_merge(const struct ovsdb_datum *old, const struct ovsdb_datum *diff,
               const struct ovsdb_type *type, struct ovsdb_datum *out)
{
    enum ovsdb_atomic_type kt = type->key.type, vt = type->value.type;
    bool map = ovsdb_type_is_map(type);
    unsigned int cap = old->n + diff->n;

    out->n = 0;
    out->keys = xcalloc(cap + 1, sizeof *out->keys);
    out->values = map ? xcalloc(cap + 1, sizeof *out->values) : NULL;
    unsigned int i = 0, j = 0;
    while (i < old->n || j < diff->n) {
        int c = (i >= old->n    ? 1
                 : j >= diff->n ? -1
                                : ovsdb_atom_compare_3way(&old->keys[i],
                                                          &diff->keys[j], kt));
        const struct ovsdb_datum *src;
        unsigned int k, vk;
        if (c < 0) {
            src = old, k = vk = i++;
        } else if (c > 0) {
            src = diff, k = vk = j++;
        } else if (map
                   && !ovsdb_atom_equals(&old->values[i], &diff->values[j],
                                         vt)) {
            /* The key stays, with the value from the diff. */
            ovsdb_atom_clone(&out->keys[out->n], &old->keys[i], kt);
            ovsdb_atom_clone(&out->values[out->n], &diff->values[j], vt);
            out->n++;
            i++, j++;
            continue;
        } else {
            /* In both: the element (or unchanged pair) goes away. */
            i++, j++;
            continue;
        }
        ovsdb_atom_clone(&out->keys[out->n], &src->keys[k], kt);
        if (map) {
            ovsdb_atom_clone(&out->values[out->n], &src->values[vk], vt);
        }
        out->n++;
    }
}

int
ovsdb_idl_apply_diff(struct ovsdb_datum *datum, const struct ovsdb_type *type,
                     const json_t *diff_json, struct ovsdb_error **errp)
{
    /* A diff may hold more (or fewer) elements than the column allows: a
     * set of up to 4 whose 4 elements were all replaced has a diff of 8.
     * The atoms keep their constraints; only the result's count is checked
     * against the real type. */
    struct ovsdb_type relaxed = *type;
    relaxed.n_min = 0;
    relaxed.n_max = OVSDB_UNLIMITED;

    struct ovsdb_datum diff;
    int error = ovsdb_datum_from_json(&diff, &relaxed, diff_json, NULL, errp);
    if (error) {
        return error;
    }

    struct ovsdb_datum result;
    if (type->n_max == 1 && !(diff.n == 2 && !ovsdb_type_is_map(type))) {
        result = diff;
    } else {
        idl_diff_merge(datum, &diff, type, &result);
        ovsdb_datum_destroy(&diff, type);
    }
    error = ovsdb_datum_check_constraints(&result, type, errp);
    if (error) {
        ovsdb_datum_destroy(&result, type);
        return error;
    }
    ovsdb_datum_swap(datum, &result);
    ovsdb_datum_destroy(&result, type);
    return 0;
}

/* Parses a whole <row> of an "initial" or "insert" update into DATA (one
 * empty datum per column of T): the replicated columns it omits have their
 * default values.  Columns not replicated are skipped. */
static int
idl_parse_row(const struct ovsdb_idl_table *t, const json_t *json,
              struct ovsdb_datum *data, struct ovsdb_error **errp)
{
    const struct ovsdb_table_schema *ts = t->ts;
    if (!json_is_object(json)) {
        return ovsdb_syntax_err(errp, json, NULL, "a row must be an object");
    }
    for (size_t i = 0; i < ts->n_columns; i++) {
        if (t->monitored[i]) {
            ovsdb_datum_init_default(&data[i], &ts->columns[i]->type);
        }
    }
    const char *name;
    json_t *value;
    json_object_foreach ((json_t *) json, name, value) {
        int idx = ovsdb_idl_column_index(t, name);
        if (idx < 0 || !t->monitored[idx]) {
            continue;
        }
        const struct ovsdb_type *type = &ts->columns[idx]->type;
        struct ovsdb_datum d;
        if (ovsdb_datum_from_json(&d, type, value, NULL, errp)) {
            ovsdb_error_prefix(errp ? *errp : NULL, "column %s: ", name);
            return EINVAL;
        }
        ovsdb_datum_swap(&data[idx], &d);
        ovsdb_datum_destroy(&d, type);
    }
    return 0;
}

static void
idl_free_data(const struct ovsdb_table_schema *ts, struct ovsdb_datum *data)
{
    for (size_t i = 0; i < ts->n_columns; i++) {
        ovsdb_datum_destroy(&data[i], &ts->columns[i]->type);
    }
    free(data);
}

struct idl_apply {
    struct ovsdb_idl *idl;
    uint64_t seqno; /* Of the changes being applied. */
    bool changed;
};

static int
idl_apply_row(struct idl_apply *ap, struct ovsdb_idl_table *t,
              const struct ovsdb_uuid *uuid, const json_t *ru,
              struct ovsdb_error **errp)
{
    const struct ovsdb_table_schema *ts = t->ts;
    if (!json_is_object(ru) || json_object_size(ru) != 1) {
        return ovsdb_syntax_err(errp, ru, NULL,
                                "a <row-update2> must be an object with "
                                "one member");
    }
    const char *op = json_object_iter_key(json_object_iter((json_t *) ru));
    const json_t *arg =
        json_object_iter_value(json_object_iter((json_t *) ru));
    struct ovsdb_idl_row *row = idl_find_row(t, uuid);

    if (!strcmp(op, "initial") || !strcmp(op, "insert")) {
        struct ovsdb_datum *data = xcalloc(ts->n_columns, sizeof *data);
        int error = idl_parse_row(t, arg, data, errp);
        if (error) {
            idl_free_data(ts, data);
            return error;
        }
        if (!row) {
            row = ovsdb_idl_row_alloc(t, uuid);
            free(row->data);
            row->data = data;
            for (size_t i = 0; i < ts->n_columns; i++) {
                row->col_seqno[i] = ap->seqno;
            }
            row->insert_seqno = ap->seqno;
            hmap_insert(&t->rows, &row->hmap_node, ovsdb_uuid_hash(uuid));
            idl_row_touch(row, ap->seqno);
            ap->changed = true;
            return 0;
        }
        /* Known row: a resync, or a server that repeats an insert. */
        row->mark = false;
        bool changed = false;
        for (size_t i = 0; i < ts->n_columns; i++) {
            if (t->monitored[i]) {
                changed |= idl_row_store(row, i, &data[i], ap->seqno);
            }
        }
        free(data);
        if (changed) {
            idl_row_touch(row, ap->seqno);
            ap->changed = true;
        }
        return 0;
    } else if (!strcmp(op, "modify")) {
        if (!row) {
            return ovsdb_err(errp, EINVAL, OVSDB_E_SYNTAX,
                             "\"modify\" of a row the replica does not "
                             "have");
        }
        if (!json_is_object(arg)) {
            return ovsdb_syntax_err(errp, arg, NULL,
                                    "a \"modify\" row must be an object");
        }
        row->mark = false;
        bool changed = false;
        const char *name;
        json_t *value;
        json_object_foreach ((json_t *) arg, name, value) {
            int idx = ovsdb_idl_column_index(t, name);
            if (idx < 0 || !t->monitored[idx]) {
                continue;
            }
            const struct ovsdb_type *type = &ts->columns[idx]->type;
            struct ovsdb_datum d;
            ovsdb_datum_clone(&d, &row->data[idx], type);
            if (ovsdb_idl_apply_diff(&d, type, value, errp)) {
                ovsdb_datum_destroy(&d, type);
                ovsdb_error_prefix(errp ? *errp : NULL, "column %s: ", name);
                return EINVAL;
            }
            changed |= idl_row_store(row, idx, &d, ap->seqno);
        }
        if (changed) {
            idl_row_touch(row, ap->seqno);
            ap->changed = true;
        }
        return 0;
    } else if (!strcmp(op, "delete")) {
        if (row) {
            idl_row_delete(ap->idl, row, ap->seqno);
            ap->changed = true;
        }
        return 0;
    }
    return ovsdb_syntax_err(errp, ru, NULL, "unknown row update \"%s\"", op);
}

/* Applies <table-updates2> UPDATES (borrowed) to the replica: as a diff,
 * or with REPLACE as the whole new contents.  Returns 0, or EPROTO with
 * *ERRP (the replica may then be partly updated: the caller resyncs). */
int
ovsdb_idl_apply_updates(struct ovsdb_idl *idl, const json_t *updates,
                        bool replace, char **errp)
{
    struct idl_apply ap = { idl, idl->seqno + 1, false };
    struct ovsdb_error *err = NULL;
    int error = 0;

    COVERAGE_INC(idl_update);
    if (!json_is_object(updates)) {
        *errp = xstrdup("<table-updates2> is not an object");
        return EPROTO;
    }
    if (replace) {
        for (size_t i = 0; i < idl->n_tables; i++) {
            struct ovsdb_idl_row *row;
            HMAP_FOR_EACH (row, hmap_node, &idl->tables[i]->rows) {
                row->mark = true;
            }
        }
    }

    const char *tname;
    json_t *tu;
    json_object_foreach ((json_t *) updates, tname, tu) {
        struct ovsdb_idl_table *t = ovsdb_idl_find_table(idl, tname);
        if (!t || !t->ts || !t->n_monitored) {
            continue;
        }
        if (!json_is_object(tu)) {
            *errp = xasprintf("the <table-update2> of table %s is not an "
                              "object",
                              tname);
            error = EPROTO;
            goto done;
        }
        const char *uuid_s;
        json_t *ru;
        json_object_foreach (tu, uuid_s, ru) {
            struct ovsdb_uuid uuid;
            if (!ovsdb_uuid_from_string(&uuid, uuid_s)) {
                *errp =
                    xasprintf("table %s: \"%s\" is not a UUID", tname, uuid_s);
                error = EPROTO;
                goto done;
            }
            if (idl_apply_row(&ap, t, &uuid, ru, &err)) {
                char *s = ovsdb_error_to_string(err);
                *errp = xasprintf("table %s, row %s: %s", tname, uuid_s, s);
                free(s);
                ovsdb_error_destroy(err);
                error = EPROTO;
                goto done;
            }
        }
    }

    if (replace) {
        for (size_t i = 0; i < idl->n_tables; i++) {
            struct ovsdb_idl_row *row;
            HMAP_FOR_EACH_SAFE (row, hmap_node, &idl->tables[i]->rows) {
                if (row->mark) {
                    idl_row_delete(idl, row, ap.seqno);
                    ap.changed = true;
                }
            }
        }
    }

done:
    if (ap.changed) {
        idl->seqno = ap.seqno;
        ovsdb_idl_changed(idl);
    }
    return error;
}

/* Reading rows. */

static struct ovsdb_idl_row *
idl_row_from_node(const struct hmap_node *node)
{
    return node ? CONTAINER_OF(node, struct ovsdb_idl_row, hmap_node) : NULL;
}

const struct ovsdb_idl_row *
ovsdb_idl_first_row(const struct ovsdb_idl *idl, const char *table)
{
    const struct ovsdb_idl_table *t = ovsdb_idl_find_table(idl, table);
    return t ? idl_row_from_node(hmap_first(&t->rows)) : NULL;
}

const struct ovsdb_idl_row *
ovsdb_idl_next_row(const struct ovsdb_idl_row *row)
{
    if (row->delete_seqno || row->txn_inserted) {
        return NULL;
    }
    return idl_row_from_node(hmap_next(&row->table->rows, &row->hmap_node));
}

size_t
ovsdb_idl_count_rows(const struct ovsdb_idl *idl, const char *table)
{
    const struct ovsdb_idl_table *t = ovsdb_idl_find_table(idl, table);
    return t ? hmap_count(&t->rows) : 0;
}

const struct ovsdb_idl_row *
ovsdb_idl_get_row(const struct ovsdb_idl *idl, const char *table,
                  const struct ovsdb_uuid *uuid)
{
    const struct ovsdb_idl_table *t = ovsdb_idl_find_table(idl, table);
    return t ? idl_find_row(t, uuid) : NULL;
}

const struct ovsdb_uuid *
ovsdb_idl_row_get_uuid(const struct ovsdb_idl_row *row)
{
    return &row->uuid;
}

const char *
ovsdb_idl_row_get_table(const struct ovsdb_idl_row *row)
{
    return row->table->name;
}

/* The value of COLUMN in ROW and its type, or NULL. */
static const struct ovsdb_datum *
idl_row_read(const struct ovsdb_idl_row *row, const char *column,
             const struct ovsdb_type **typep)
{
    const struct ovsdb_idl_table *t = row->table;
    int idx = ovsdb_idl_column_index(t, column);
    if (idx < OVSDB_N_IMPLICIT_COLUMNS || !row->data) {
        return NULL;
    }
    const struct ovsdb_datum *d = ovsdb_idl_txn_written(row, idx);
    if (!d && (row->txn_inserted || t->monitored[idx])) {
        d = &row->data[idx];
    }
    if (d && typep) {
        *typep = &t->ts->columns[idx]->type;
    }
    return d;
}

const struct ovsdb_datum *
ovsdb_idl_row_get(const struct ovsdb_idl_row *row, const char *column)
{
    return idl_row_read(row, column, NULL);
}

const struct ovsdb_type *
ovsdb_idl_row_get_type(const struct ovsdb_idl_row *row, const char *column)
{
    int idx = ovsdb_idl_column_index(row->table, column);
    return idx < 0 ? NULL : &row->table->ts->columns[idx]->type;
}

const struct ovsdb_type *
ovsdb_idl_get_column_type(const struct ovsdb_idl *idl, const char *table,
                          const char *column)
{
    const struct ovsdb_column *c = NULL;
    if (idl->schema) {
        const struct ovsdb_table_schema *ts =
            ovsdb_schema_get_table(idl->schema, table);
        c = ts ? ovsdb_table_schema_get_column(ts, column) : NULL;
    }
    return c ? &c->type : NULL;
}

const char *
ovsdb_idl_row_get_string(const struct ovsdb_idl_row *row, const char *column)
{
    const struct ovsdb_type *type;
    const struct ovsdb_datum *d = idl_row_read(row, column, &type);
    return (d && d->n && type->key.type == OVSDB_TYPE_STRING
            && !ovsdb_type_is_map(type))
               ? d->keys[0].string->s
               : NULL;
}

int64_t
ovsdb_idl_row_get_integer(const struct ovsdb_idl_row *row, const char *column,
                          int64_t fallback)
{
    const struct ovsdb_type *type;
    const struct ovsdb_datum *d = idl_row_read(row, column, &type);
    return (d && d->n && type->key.type == OVSDB_TYPE_INTEGER
            && !ovsdb_type_is_map(type))
               ? d->keys[0].integer
               : fallback;
}

bool
ovsdb_idl_row_get_boolean(const struct ovsdb_idl_row *row, const char *column,
                          bool fallback)
{
    const struct ovsdb_type *type;
    const struct ovsdb_datum *d = idl_row_read(row, column, &type);
    return (d && d->n && type->key.type == OVSDB_TYPE_BOOLEAN
            && !ovsdb_type_is_map(type))
               ? d->keys[0].boolean
               : fallback;
}

unsigned int
ovsdb_idl_row_get_n(const struct ovsdb_idl_row *row, const char *column)
{
    const struct ovsdb_datum *d = idl_row_read(row, column, NULL);
    return d ? d->n : 0;
}

const char *
ovsdb_idl_row_get_map_string(const struct ovsdb_idl_row *row,
                             const char *column, const char *key)
{
    const struct ovsdb_type *type;
    const struct ovsdb_datum *d = idl_row_read(row, column, &type);
    if (!d || type->key.type != OVSDB_TYPE_STRING
        || type->value.type != OVSDB_TYPE_STRING) {
        return NULL;
    }
    for (unsigned int i = 0; i < d->n; i++) {
        if (!strcmp(d->keys[i].string->s, key)) {
            return d->values[i].string->s;
        }
    }
    return NULL;
}

const struct ovsdb_idl_row *
ovsdb_idl_row_get_ref(const struct ovsdb_idl_row *row, const char *column,
                      unsigned int idx)
{
    const struct ovsdb_type *type;
    const struct ovsdb_datum *d = idl_row_read(row, column, &type);
    if (!d || idx >= d->n) {
        return NULL;
    }
    const struct ovsdb_base_type *base;
    const union ovsdb_atom *atom;
    if (ovsdb_base_type_is_ref(&type->key)) {
        base = &type->key;
        atom = &d->keys[idx];
    } else if (ovsdb_base_type_is_ref(&type->value)) {
        base = &type->value;
        atom = &d->values[idx];
    } else {
        return NULL;
    }
    return ovsdb_idl_get_row(row->table->idl, base->u.uuid.ref_table_name,
                             &atom->uuid);
}

/* Change tracking. */

uint64_t
ovsdb_idl_row_get_insert_seqno(const struct ovsdb_idl_row *row)
{
    return row->insert_seqno;
}

uint64_t
ovsdb_idl_row_get_change_seqno(const struct ovsdb_idl_row *row)
{
    return row->change_seqno;
}

uint64_t
ovsdb_idl_row_get_delete_seqno(const struct ovsdb_idl_row *row)
{
    return row->delete_seqno;
}

bool
ovsdb_idl_row_column_changed_since(const struct ovsdb_idl_row *row,
                                   const char *column, uint64_t seqno)
{
    int idx = ovsdb_idl_column_index(row->table, column);
    return idx >= 0 && row->col_seqno && row->col_seqno[idx] > seqno;
}

static const struct ovsdb_idl_row *
idl_row_from_track(const struct dlist *node)
{
    return CONTAINER_OF(node, struct ovsdb_idl_row, track_node);
}

const struct ovsdb_idl_row *
ovsdb_idl_track_first(const struct ovsdb_idl *idl, const char *table,
                      uint64_t seqno)
{
    const struct ovsdb_idl_table *t = ovsdb_idl_find_table(idl, table);
    if (!t) {
        return NULL;
    }
    /* The list is in change order: walk back from the newest change. */
    const struct dlist *first = NULL;
    for (const struct dlist *n = t->track.prev; n != &t->track; n = n->prev) {
        if (idl_row_from_track(n)->change_seqno <= seqno) {
            break;
        }
        first = n;
    }
    return first ? idl_row_from_track(first) : NULL;
}

const struct ovsdb_idl_row *
ovsdb_idl_track_next(const struct ovsdb_idl_row *row, uint64_t seqno)
{
    if (row->txn_inserted || row->track_node.next == &row->table->track) {
        return NULL;
    }
    const struct ovsdb_idl_row *next =
        idl_row_from_track(row->track_node.next);
    return next->change_seqno > seqno ? next : NULL;
}

void
ovsdb_idl_track_clear(struct ovsdb_idl *idl)
{
    for (size_t i = 0; i < idl->n_tables; i++) {
        struct ovsdb_idl_row *row, *next;
        DLIST_FOR_EACH_SAFE (row, next, track_node, &idl->tables[i]->track) {
            if (row->delete_seqno) {
                dlist_remove(&row->track_node);
                ovsdb_idl_row_free(row);
            }
        }
    }
}
