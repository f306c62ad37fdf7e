/* record.c: change records for the storage log: writing them from committed
 * transactions and snapshots, and applying them at start-up. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "ovsdb/db-private.h"

COVERAGE_DEFINE(ovsdb_apply_record);

/* Returns ROW's persistent user columns as an object: those set in CHANGED,
 * or, if CHANGED is NULL, those not at their default. */
static json_t *
row_record(const struct ovsdb_row *row, const unsigned long *changed)
{
    const struct ovsdb_table_schema *ts = row->table->schema;
    json_t *json = json_object();

    for (size_t i = OVSDB_N_IMPLICIT_COLUMNS; i < ts->n_columns; i++) {
        const struct ovsdb_column *c = ts->columns[i];
        if (c->ephemeral
            || (changed ? !ovsdb_bitmap_is_set(changed, i)
                        : ovsdb_datum_is_default(&row->fields[i], &c->type))) {
            continue;
        }
        json_object_set_new_nocheck(json, c->name,
                                    ovsdb_datum_to_json(&row->fields[i],
                                                        &c->type));
    }
    return json;
}

json_t *
ovsdb_txn_to_record(const struct ovsdb_txn *txn)
{
    json_t *record = NULL;

    for (size_t t = 0; t < txn->db->schema->n_tables; t++) {
        json_t *rows = NULL;
        const struct ovsdb_txn_row *trow;
        DLIST_FOR_EACH (trow, node, &txn->tables[t].rows) {
            json_t *value;
            if (!trow->new) {
                value = json_null();
            } else if (!trow->old) {
                value = row_record(trow->new, NULL);
            } else {
                value = row_record(trow->new, trow->changed);
                if (!json_object_size(value)) {
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
            json_object_set_new(rows,
                                ovsdb_uuid_format(ovsdb_row_get_uuid(row),
                                                  uuid),
                                row_record(row, NULL));
        }
        json_object_set_new(record, table->schema->name, rows);
    }
    return record;
}

/* Parses the columns of a record's row object into ROW, marking them
 * written if ROW is a modified copy. */
static int
apply_row_columns(struct ovsdb_row *row, const json_t *json, bool mark,
                  struct ovsdb_error **errp)
{
    const struct ovsdb_table_schema *ts = row->table->schema;
    struct ovsdb_column_set columns = OVSDB_COLUMN_SET_INITIALIZER;

    const char *name;
    const json_t *value;
    json_object_foreach ((json_t *) json, name, value) {
        const struct ovsdb_column *c = ovsdb_table_schema_get_column(ts,
                                                                     name);
        if (c && c->index < OVSDB_N_IMPLICIT_COLUMNS) {
            return ovsdb_syntax_err(errp, json, NULL,
                                    "column %s may not appear in a record",
                                    name);
        }
    }
    if (ovsdb_row_from_json(row, json, NULL, &columns, errp)) {
        ovsdb_column_set_destroy(&columns);
        return EINVAL;
    }
    if (mark) {
        for (size_t i = 0; i < columns.n; i++) {
            ovsdb_txn_row_written(row, columns.columns[i]->index);
        }
    }
    ovsdb_column_set_destroy(&columns);
    return 0;
}

static int
apply_row(struct ovsdb_txn *txn, struct ovsdb_table *table,
          const struct ovsdb_uuid *uuid, const json_t *json,
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
                                 errp);
    }
    if (ovsdb_txn_was_deleted(txn, table, uuid)) {
        return ovsdb_syntax_err(errp, NULL, NULL,
                                "inserts a row deleted by the same record");
    }

    row = ovsdb_row_create(table);
    if (apply_row_columns(row, json, false, errp)) {
        ovsdb_row_destroy(row);
        return EINVAL;
    }
    ovsdb_row_set_uuid(row, uuid);
    ovsdb_txn_row_insert(txn, row);
    return 0;
}

static int
apply_table(struct ovsdb_txn *txn, struct ovsdb_table *table,
            const json_t *json, struct ovsdb_error **errp)
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
        if (apply_row(txn, table, &uuid, row_json, errp)) {
            ovsdb_error_prefix(errp ? *errp : NULL, "table %s row %s: ",
                               table->schema->name, uuid_s);
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

    struct ovsdb_txn *txn = ovsdb_txn_begin(db);
    const char *name;
    const json_t *value;
    json_object_foreach ((json_t *) record, name, value) {
        if (name[0] == '_') {
            /* "_date", "_comment" and any other annotation: they carry no
             * data, and names of tables never begin with "_". */
            continue;
        }

        struct ovsdb_table *table = ovsdb_get_table(db, name);
        if (!table) {
            ovsdb_syntax_err(&error, NULL, NULL, "no table named %s", name);
            goto abort;
        }
        if (apply_table(txn, table, value, &error)) {
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
