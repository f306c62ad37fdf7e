/* record.c: change records for the storage log: writing them from committed
 * transactions and snapshots, and applying them at start-up. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "ovsdb/db-private.h"

COVERAGE_DEFINE(ovsdb_apply_record);

/* Whether a modified row's value of COLUMN goes into a record as a
 * difference (see ovsdb_datum_diff()) rather than in full: for sets and
 * maps that can hold more than one element, so that adding one element to
 * a big set costs one element in the log, not the whole set. */
static bool
column_uses_diff(const struct ovsdb_column *column)
{
    return column->type.n_max > 1;
}

/* The type of a difference for COLUMN. */
static void
diff_type_init(struct ovsdb_type *type, const struct ovsdb_column *column)
{
    *type = column->type;
    type->n_min = 0;
    type->n_max = OVSDB_UNLIMITED;
}

/* Returns ROW's persistent user columns as an object: those not at their
 * default (for an inserted row, OLD NULL), or those set in CHANGED (for a
 * modified row, with sets and maps as differences from OLD, and *DIFFS set
 * if there are any). */
static json_t *
row_record(const struct ovsdb_row *row, const struct ovsdb_row *old,
           const unsigned long *changed, bool *diffs)
{
    const struct ovsdb_table_schema *ts = row->table->schema;
    json_t *json = json_object();

    for (size_t i = OVSDB_N_IMPLICIT_COLUMNS; i < ts->n_columns; i++) {
        const struct ovsdb_column *c = ts->columns[i];
        const struct ovsdb_datum *d = &row->fields[i];
        json_t *value;

        if (c->ephemeral) {
            continue;
        } else if (!old || !changed) {
            if (ovsdb_datum_is_default(d, &c->type)) {
                continue;
            }
            value = ovsdb_datum_to_json(d, &c->type);
        } else if (!ovsdb_bitmap_is_set(changed, i)) {
            continue;
        } else if (column_uses_diff(c)) {
            struct ovsdb_type type;
            struct ovsdb_datum diff;
            diff_type_init(&type, c);
            ovsdb_datum_diff(&diff, &old->fields[i], d, &c->type);
            value = ovsdb_datum_to_json(&diff, &type);
            ovsdb_datum_destroy(&diff, &type);
            *diffs = true;
        } else {
            value = ovsdb_datum_to_json(d, &c->type);
        }
        json_object_set_new_nocheck(json, c->name, value);
    }
    return json;
}

json_t *
ovsdb_txn_to_record(const struct ovsdb_txn *txn)
{
    json_t *record = NULL;
    bool diffs = false;

    for (size_t t = 0; t < txn->db->schema->n_tables; t++) {
        json_t *rows = NULL;
        const struct ovsdb_txn_row *trow;
        DLIST_FOR_EACH (trow, node, &txn->tables[t].rows) {
            json_t *value;
            if (!trow->new) {
                value = json_null();
            } else {
                value =
                    row_record(trow->new, trow->old, trow->changed, &diffs);
                if (trow->old && !json_object_size(value)) {
                    /* Only ephemeral columns changed. */
                    json_decref(value);
                    continue;
                }
            }

            char uuid[OVSDB_UUID_LEN + 1];
            if (!rows) {
                rows = json_object();
            }
            json_object_set_new(rows, ovsdb_uuid_format(&trow->uuid, uuid),
                                value);
        }
        if (rows) {
            if (!record) {
                record = json_object();
            }
            json_object_set_new(record, txn->db->schema->tables[t]->name,
                                rows);
        }
    }

    if (record) {
        const char *comment = ovsdb_txn_get_comment(txn);
        json_object_set_new(record, "_date", json_integer(txn->date_msec));
        if (comment) {
            json_object_set_new(record, "_comment", json_string(comment));
        }
        if (diffs) {
            json_object_set_new(record, "_is_diff", json_true());
        }
    }
    return record;
}

json_t *
ovsdb_snapshot_to_json(const struct ovsdb *db)
{
    json_t *record = json_object();

    for (size_t t = 0; t < db->schema->n_tables; t++) {
        const struct ovsdb_table *table = db->tables[t];
        if (hmap_is_empty(&table->rows)) {
            continue;
        }

        json_t *rows = json_object();
        const struct ovsdb_row *row;
        HMAP_FOR_EACH (row, hmap_node, &table->rows) {
            char uuid[OVSDB_UUID_LEN + 1];
            json_object_set_new(
                rows, ovsdb_uuid_format(ovsdb_row_get_uuid(row), uuid),
                row_record(row, NULL, NULL, NULL));
        }
        json_object_set_new(record, table->schema->name, rows);
    }
    return record;
}

/* Parses the columns of a record's row object into ROW, marking them
 * written if ROW is a modified copy.  With DIFFS, set and map columns of a
 * modified row hold differences. */
static int
apply_row_columns(struct ovsdb_row *row, const json_t *json, bool modified,
                  bool diffs, struct ovsdb_error **errp)
{
    const struct ovsdb_table_schema *ts = row->table->schema;

    const char *name;
    const json_t *value;
    json_object_foreach ((json_t *) json, name, value) {
        const struct ovsdb_column *c = ovsdb_table_schema_get_column(ts, name);
        if (c && c->index < OVSDB_N_IMPLICIT_COLUMNS) {
            return ovsdb_syntax_err(errp, json, NULL,
                                    "column %s may not appear in a record",
                                    name);
        }
    }
    if (!modified || !diffs) {
        struct ovsdb_column_set columns = OVSDB_COLUMN_SET_INITIALIZER;
        int error = ovsdb_row_from_json(row, json, NULL, &columns, errp);
        for (size_t i = 0; !error && modified && i < columns.n; i++) {
            ovsdb_txn_row_written(row, columns.columns[i]->index);
        }
        ovsdb_column_set_destroy(&columns);
        return error;
    }

    json_object_foreach ((json_t *) json, name, value) {
        const struct ovsdb_column *c = ovsdb_table_schema_get_column(ts, name);
        if (!c) {
            return ovsdb_syntax_err(errp, json, OVSDB_E_UNKNOWN_COLUMN,
                                    "No column %s in table %s.", name,
                                    ts->name);
        }

        struct ovsdb_datum *d = &row->fields[c->index];
        struct ovsdb_type type;
        struct ovsdb_datum new;
        if (column_uses_diff(c)) {
            diff_type_init(&type, c);
        } else {
            type = c->type;
        }
        if (ovsdb_datum_from_json(&new, &type, value, NULL, errp)) {
            ovsdb_error_prefix(errp ? *errp : NULL, "column %s: ", name);
            return EINVAL;
        }
        int error = 0;
        if (column_uses_diff(c)) {
            error = ovsdb_datum_apply_diff(d, &new, &c->type, errp);
            ovsdb_datum_destroy(&new, &type);
        } else {
            ovsdb_datum_swap(d, &new);
            ovsdb_datum_destroy(&new, &type);
        }
        if (error) {
            ovsdb_error_prefix(errp ? *errp : NULL, "column %s: ", name);
            return error;
        }
        ovsdb_txn_row_written(row, c->index);
    }
    return 0;
}

static int
apply_row(struct ovsdb_txn *txn, struct ovsdb_table *table,
          const struct ovsdb_uuid *uuid, const json_t *json, bool diffs,
          struct ovsdb_error **errp)
{
    struct ovsdb_row *row = ovsdb_table_find_row_mutable(table, uuid);

    if (json_is_null(json)) {
        if (!row) {
            return ovsdb_syntax_err(errp, NULL, NULL,
                                    "deletes a row that does not exist");
        }
        ovsdb_txn_row_delete(txn, row);
        return 0;
    }
    if (!json_is_object(json)) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "row must be an object or null");
    }
    if (row) {
        return apply_row_columns(ovsdb_txn_row_modify(txn, row), json, true,
                                 diffs, errp);
    }
    if (ovsdb_txn_was_deleted(txn, table, uuid)) {
        return ovsdb_syntax_err(errp, NULL, NULL,
                                "inserts a row deleted by the same record");
    }

    row = ovsdb_row_create(table);
    if (apply_row_columns(row, json, false, diffs, errp)) {
        ovsdb_row_destroy(row);
        return EINVAL;
    }
    ovsdb_row_set_uuid(row, uuid);
    ovsdb_txn_row_insert(txn, row);
    return 0;
}

static int
apply_table(struct ovsdb_txn *txn, struct ovsdb_table *table,
            const json_t *json, bool diffs, struct ovsdb_error **errp)
{
    if (!json_is_object(json)) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "table %s: changes must be an object",
                                table->schema->name);
    }

    const char *uuid_s;
    const json_t *row_json;
    json_object_foreach ((json_t *) json, uuid_s, row_json) {
        struct ovsdb_uuid uuid;
        if (!ovsdb_uuid_from_string(&uuid, uuid_s)) {
            return ovsdb_syntax_err(errp, NULL, NULL,
                                    "table %s: \"%s\" is not a UUID",
                                    table->schema->name, uuid_s);
        }
        if (apply_row(txn, table, &uuid, row_json, diffs, errp)) {
            ovsdb_error_prefix(errp ? *errp : NULL,
                               "table %s row %s: ", table->schema->name,
                               uuid_s);
            return EINVAL;
        }
    }
    return 0;
}

int
ovsdb_apply_record(struct ovsdb *db, const json_t *record, char **errp)
{
    struct ovsdb_error *error = NULL;

    COVERAGE_INC(ovsdb_apply_record);
    if (errp) {
        *errp = NULL;
    }
    if (!json_is_object(record)) {
        if (errp) {
            *errp = xstrdup("record is not a JSON object");
        }
        return EINVAL;
    }

    const json_t *is_diff = json_object_get(record, "_is_diff");
    if (is_diff && !json_is_boolean(is_diff)) {
        if (errp) {
            *errp = xstrdup("record's \"_is_diff\" is not a boolean");
        }
        return EINVAL;
    }
    bool diffs = json_is_true(is_diff);

    struct ovsdb_txn *txn = ovsdb_txn_begin(db);
    const char *name;
    const json_t *value;
    json_object_foreach ((json_t *) record, name, value) {
        if (name[0] == '_') {
            /* "_date", "_comment", "_is_diff" and any other annotation:
             * names of tables never begin with "_". */
            continue;
        }

        struct ovsdb_table *table = ovsdb_get_table(db, name);
        if (!table) {
            ovsdb_syntax_err(&error, NULL, NULL, "no table named %s", name);
            goto abort;
        }
        if (apply_table(txn, table, value, diffs, &error)) {
            goto abort;
        }
    }
    if (ovsdb_txn_precommit(txn, &error)) {
        goto abort;
    }
    ovsdb_txn_commit(txn);
    ovsdb_txn_destroy(txn);
    return 0;

abort:
    ovsdb_txn_abort(txn);
    if (errp) {
        *errp = ovsdb_error_to_string(error);
    }
    ovsdb_error_destroy(error);
    return EINVAL;
}
