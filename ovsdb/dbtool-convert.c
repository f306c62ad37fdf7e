/* dbtool-convert.c: nicflow-dbtool convert [DB [SCHEMA [TARGET]]].
 *
 * Replays DB under its own schema, then builds a database of the new
 * schema holding every row of every table both schemas have, with the
 * values of the columns both have.  A value that does not fit the new
 * column (its type, constraints, element count, or a reference to a row
 * that will not exist) keeps the elements that do fit, or else falls back
 * to the column's default; each column that lost something gets one
 * warning.  The result is written as the new schema plus one snapshot. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/datum.h"
#include "ovsdb/db.h"
#include "ovsdb/dbtool.h"
#include "ovsdb/log.h"
#include "ovsdb/row.h"
#include "ovsdb/schema.h"

VLOG_DEFINE_THIS_MODULE(dbtool_convert);

/* What conversion lost in one column of the new schema. */
struct column_loss {
    unsigned long long n_rows; /* Rows whose value lost something. */
    char *first;               /* Why, for the first of them. */
};

/* Whether ATOM, a UUID in a column referring to table REF_TABLE, names a
 * row that the converted database will hold. */
static bool
ref_survives(const struct ovsdb *old, const char *ref_table,
             const union ovsdb_atom *atom)
{
    const struct ovsdb_table *t = ovsdb_get_table(old, ref_table);
    return t && ovsdb_table_find_row(t, &atom->uuid);
}

/* Converts one atom of OLD_TYPE to NEW_BASE and returns it as JSON, or
 * returns NULL and stores the reason in *WHY (if it is still NULL). */
static json_t *
convert_atom(const struct ovsdb *old, const union ovsdb_atom *atom,
             enum ovsdb_atomic_type old_type,
             const struct ovsdb_base_type *new_base, char **why)
{
    json_t *json = ovsdb_atom_to_json(atom, old_type);
    struct ovsdb_error *error = NULL;
    union ovsdb_atom parsed;

    if (ovsdb_atom_from_json(&parsed, new_base, json, NULL, &error)) {
        if (!*why) {
            *why = ovsdb_error_to_string(error);
        }
        ovsdb_error_destroy(error);
        json_decref(json);
        return NULL;
    }
    if (ovsdb_base_type_is_ref(new_base)
        && !ref_survives(old, new_base->u.uuid.ref_table_name, &parsed)) {
        if (!*why) {
            char *s = json_dumps(json, JSON_COMPACT);
            *why = xasprintf("%s refers to no row of table %s", s,
                             new_base->u.uuid.ref_table_name);
            free(s);
        }
        json_decref(json);
        json = NULL;
    }
    ovsdb_atom_destroy(&parsed, new_base->type);
    return json;
}

/* Converts D, of OLD_TYPE, to NEW_TYPE: keeps each element that fits
 * NEW_TYPE (the new atomic types, constraints and references) up to its
 * maximum count.  Returns the value as JSON, or NULL if not enough
 * elements fit (then the column takes its default).  *LOST tells whether
 * anything was dropped and *WHY (if anything was) the first reason. */
static json_t *
convert_datum(const struct ovsdb *old, const struct ovsdb_datum *d,
              const struct ovsdb_type *old_type,
              const struct ovsdb_type *new_type, bool *lost, char **why)
{
    bool map = ovsdb_type_is_map(new_type);
    json_t *elems = json_array();

    *lost = false;
    if (map != ovsdb_type_is_map(old_type)) {
        *why = xstrdup(map ? "a set cannot become a map"
                           : "a map cannot become a set");
        goto lose_all;
    }
    for (unsigned int i = 0; i < d->n; i++) {
        json_t *key = convert_atom(old, &d->keys[i], old_type->key.type,
                                   &new_type->key, why);
        json_t *value = NULL;
        if (key && map) {
            value = convert_atom(old, &d->values[i], old_type->value.type,
                                 &new_type->value, why);
        }
        if (!key || (map && !value)) {
            *lost = true;
            json_decref(key);
            continue;
        }
        if (json_array_size(elems) >= new_type->n_max) {
            if (!*why) {
                *why = xasprintf("at most %u values are allowed",
                                 new_type->n_max);
            }
            *lost = true;
            json_decref(key);
            json_decref(value);
            continue;
        }
        json_array_append_new(elems,
                              map ? json_pack("[oo]", key, value) : key);
    }

    /* Whatever survived must still make a valid value as a whole (the
     * element count, and keys that conversion made equal). */
    json_t *result = json_pack("[so]", map ? "map" : "set", elems);
    struct ovsdb_datum check;
    struct ovsdb_error *error = NULL;
    if (ovsdb_datum_from_json(&check, new_type, result, NULL, &error)) {
        if (!*why) {
            *why = ovsdb_error_to_string(error);
        }
        ovsdb_error_destroy(error);
        json_decref(result);
        *lost = true;
        return NULL;
    }
    ovsdb_datum_destroy(&check, new_type);
    return result;

lose_all:
    json_decref(elems);
    *lost = true;
    return NULL;
}

/* Counts the rows of OLD_TABLE that hold a non-default COLUMN. */
static unsigned long long
count_set_values(const struct ovsdb_table *old_table,
                 const struct ovsdb_column *column)
{
    unsigned long long n = 0;
    for (const struct ovsdb_row *row = ovsdb_table_first_row(old_table); row;
         row = ovsdb_table_next_row(old_table, row)) {
        n += !ovsdb_datum_is_default(ovsdb_row_get_datum(row, column),
                                     &column->type);
    }
    return n;
}

/* Warns about the tables and columns of OLD that NEW_SCHEMA lacks, when
 * they hold data that conversion therefore drops. */
static void
warn_dropped(const struct ovsdb *old, const struct ovsdb_schema *new_schema)
{
    const struct ovsdb_schema *old_schema = ovsdb_get_schema(old);

    for (size_t t = 0; t < old_schema->n_tables; t++) {
        const struct ovsdb_table_schema *ots = old_schema->tables[t];
        const struct ovsdb_table *ot = ovsdb_get_table_by_index(old, t);
        const struct ovsdb_table_schema *nts =
            ovsdb_schema_get_table(new_schema, ots->name);
        size_t n_rows = ovsdb_table_count_rows(ot);

        if (!nts) {
            if (n_rows) {
                VLOG_WARN("table %s is not in the new schema: its %zu "
                          "row%s dropped",
                          ots->name, n_rows, n_rows == 1 ? " is" : "s are");
            }
            continue;
        }
        for (size_t c = OVSDB_N_IMPLICIT_COLUMNS; c < ots->n_columns; c++) {
            const struct ovsdb_column *oc = ots->columns[c];
            unsigned long long n;
            if (!oc->ephemeral && !ovsdb_table_schema_get_column(nts, oc->name)
                && (n = count_set_values(ot, oc))) {
                VLOG_WARN("table %s column %s is not in the new schema: its "
                          "values in %llu row%s are dropped",
                          ots->name, oc->name, n, dbtool_plural(n));
            }
        }
    }
}

/* Returns a record that inserts into an empty database of NEW_SCHEMA the
 * rows of OLD, converted column by column; warns once per column whose
 * values did not all fit. */
static json_t *
convert_rows(const struct ovsdb *old, const struct ovsdb_schema *new_schema)
{
    json_t *record = json_object();

    for (size_t t = 0; t < new_schema->n_tables; t++) {
        const struct ovsdb_table_schema *nts = new_schema->tables[t];
        const struct ovsdb_table *ot = ovsdb_get_table(old, nts->name);
        if (!ot || !ovsdb_table_count_rows(ot)) {
            continue;
        }
        const struct ovsdb_table_schema *ots = ovsdb_table_get_schema(ot);
        struct column_loss *losses = xcalloc(nts->n_columns, sizeof *losses);
        json_t *rows = json_object();

        for (const struct ovsdb_row *row = ovsdb_table_first_row(ot); row;
             row = ovsdb_table_next_row(ot, row)) {
            json_t *cols = json_object();
            for (size_t c = OVSDB_N_IMPLICIT_COLUMNS; c < nts->n_columns;
                 c++) {
                const struct ovsdb_column *nc = nts->columns[c];
                const struct ovsdb_column *oc =
                    ovsdb_table_schema_get_column(ots, nc->name);
                if (!oc || oc->ephemeral || nc->ephemeral
                    || ovsdb_datum_is_default(ovsdb_row_get_datum(row, oc),
                                              &oc->type)) {
                    continue;
                }
                bool lost;
                char *why = NULL;
                json_t *value =
                    convert_datum(old, ovsdb_row_get_datum(row, oc), &oc->type,
                                  &nc->type, &lost, &why);
                if (value) {
                    json_object_set_new(cols, nc->name, value);
                }
                if (lost && !losses[c].n_rows++) {
                    losses[c].first = why;
                    why = NULL;
                }
                free(why);
            }
            char uuid[OVSDB_UUID_LEN + 1];
            json_object_set_new(
                rows, ovsdb_uuid_format(ovsdb_row_get_uuid(row), uuid), cols);
        }
        json_object_set_new(record, nts->name, rows);

        for (size_t c = OVSDB_N_IMPLICIT_COLUMNS; c < nts->n_columns; c++) {
            if (losses[c].n_rows) {
                char *type = ovsdb_type_to_english(&nts->columns[c]->type);
                VLOG_WARN("table %s column %s: values in %llu row%s do "
                          "not fit the new type (%s) and were dropped or "
                          "defaulted (first: %s)",
                          nts->name, nts->columns[c]->name, losses[c].n_rows,
                          dbtool_plural(losses[c].n_rows), type,
                          losses[c].first ? losses[c].first : "?");
                free(type);
            }
            free(losses[c].first);
        }
        free(losses);
    }
    return record;
}

/* Warns about each table of NEW_DB that holds fewer rows than RECORD
 * inserted: rows of non-root tables that no row refers to any more under
 * the new schema, which the commit rules collected as garbage. */
static void
warn_collected(const struct ovsdb *new_db, const json_t *record)
{
    const struct ovsdb_schema *schema = ovsdb_get_schema(new_db);

    for (size_t t = 0; t < schema->n_tables; t++) {
        const char *name = schema->tables[t]->name;
        size_t inserted = json_object_size(json_object_get(record, name));
        size_t kept = ovsdb_table_count_rows(ovsdb_get_table(new_db, name));
        if (kept < inserted) {
            VLOG_WARN("table %s: rows referenced by nothing under the new "
                      "schema were removed (%zu of %zu)",
                      name, inserted - kept, inserted);
        }
    }
}

void
dbtool_cmd_convert(int argc, char *argv[])
{
    char *db_owned = NULL, *schema_owned = NULL;
    const char *path =
        dbtool_arg_or(argc, argv, 0, &db_owned, dbtool_default_db);
    const char *schema_path = dbtool_arg_or(argc, argv, 1, &schema_owned,
                                            dbtool_find_default_schema);
    const char *target = argc > 2 ? argv[2] : NULL;
    json_t *new_schema_json;
    struct dbtool_db f;
    char *why = NULL;

    if (target) {
        dbtool_db_open(&f, path, OVSDB_LOG_READ_ONLY, NULL);
        dbtool_db_replay(&f, DBTOOL_DAMAGE_STOP);
    } else {
        dbtool_db_open(&f, path, OVSDB_LOG_READ_WRITE,
                       "stop nicflow-dbd before converting the database in "
                       "place, or convert to a new file with \"nicflow-dbtool "
                       "convert DB SCHEMA TARGET\"");
        dbtool_db_replay(&f, DBTOOL_DAMAGE_TRUNCATE);
    }
    struct ovsdb_schema *new_schema =
        dbtool_load_schema_file(schema_path, &new_schema_json);

    warn_dropped(f.db, new_schema);
    json_t *rows = convert_rows(f.db, new_schema);
    struct ovsdb *new_db = ovsdb_create(new_schema);
    if (ovsdb_apply_record(new_db, rows, &why)) {
        dbtool_fail("%s: the data does not fit schema %s: %s", path,
                    schema_path, why ? why : "");
    }
    warn_collected(new_db, rows);
    json_t *snapshot = dbtool_stamp(ovsdb_snapshot_to_json(new_db));

    if (target) {
        dbtool_write_new_db(target, new_schema_json, snapshot);
    } else {
        dbtool_replace_db(&f, new_schema_json, snapshot);
    }

    json_decref(snapshot);
    json_decref(rows);
    json_decref(new_schema_json);
    ovsdb_destroy(new_db);
    dbtool_db_close(&f);
    free(db_owned);
    free(schema_owned);
}
