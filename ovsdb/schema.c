/* schema.c: parsing, printing and looking up OVSDB schemas. */
#include "ovsdb/schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/util.h"
#include "ovsdb/parser.h"

static const struct ovsdb_member_rule schema_rules[] = {
    { "name", OVSDB_J_ID, true },
    { "version", OVSDB_J_STRING, false },
    { "cksum", OVSDB_J_STRING, false },
    { "tables", OVSDB_J_OBJECT, true },
};

static const struct ovsdb_member_rule table_rules[] = {
    { "columns", OVSDB_J_OBJECT, true },
    { "maxRows", OVSDB_J_INTEGER, false },
    { "isRoot", OVSDB_J_BOOLEAN, false },
    { "indexes", OVSDB_J_ARRAY, false },
};

static const struct ovsdb_member_rule column_rules[] = {
    { "type", OVSDB_J_STRING | OVSDB_J_OBJECT, true },
    { "ephemeral", OVSDB_J_BOOLEAN, false },
    { "mutable", OVSDB_J_BOOLEAN, false },
};

/* Columns. */

static struct ovsdb_column *
column_create(const char *name, unsigned int index)
{
    struct ovsdb_column *column = xzalloc(sizeof *column);
    column->name = xstrdup(name);
    column->index = index;
    column->is_mutable = true;
    return column;
}

static void
column_destroy(struct ovsdb_column *column)
{
    if (column) {
        ovsdb_type_destroy(&column->type);
        free(column->name);
        free(column);
    }
}

static int
column_from_json(const char *name, const json_t *json, unsigned int index,
                 struct ovsdb_column **columnp, struct ovsdb_error **errp)
{
    if (!json_is_object(json)) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "column schema must be an object");
    }
    if (ovsdb_check_members(json, column_rules, ARRAY_SIZE(column_rules),
                            errp)) {
        return EINVAL;
    }

    struct ovsdb_column *column = column_create(name, index);
    if (ovsdb_type_from_json(&column->type, json_object_get(json, "type"),
                             errp)) {
        ovsdb_base_type_init(&column->type.key, OVSDB_TYPE_VOID);
        ovsdb_base_type_init(&column->type.value, OVSDB_TYPE_VOID);
        column_destroy(column);
        return EINVAL;
    }
    column->ephemeral = json_is_true(json_object_get(json, "ephemeral"));
    column->is_mutable = !json_is_false(json_object_get(json, "mutable"));
    *columnp = column;
    return 0;
}

static json_t *
column_to_json(const struct ovsdb_column *column)
{
    json_t *json = json_object();
    json_object_set_new(json, "type", ovsdb_type_to_json(&column->type));
    if (column->ephemeral) {
        json_object_set_new(json, "ephemeral", json_true());
    }
    if (!column->is_mutable) {
        json_object_set_new(json, "mutable", json_false());
    }
    return json;
}

/* Tables. */

static void
table_add_column(struct ovsdb_table_schema *ts, struct ovsdb_column *column)
{
    ts->columns =
        xrealloc(ts->columns, (ts->n_columns + 1) * sizeof *ts->columns);
    ts->columns[ts->n_columns++] = column;
    hmap_insert(&ts->columns_by_name, &column->name_node,
                hash_string(column->name, 0));
}

static void
table_schema_destroy(struct ovsdb_table_schema *ts)
{
    if (!ts) {
        return;
    }
    for (size_t i = 0; i < ts->n_columns; i++) {
        column_destroy(ts->columns[i]);
    }
    free(ts->columns);
    hmap_destroy(&ts->columns_by_name);
    for (size_t i = 0; i < ts->n_indexes; i++) {
        free(ts->indexes[i].columns);
    }
    free(ts->indexes);
    free(ts->strong_ref_columns);
    free(ts->weak_ref_columns);
    free(ts->name);
    free(ts);
}

static struct ovsdb_table_schema *
table_schema_create(const char *name, unsigned int index)
{
    struct ovsdb_table_schema *ts = xzalloc(sizeof *ts);
    ts->name = xstrdup(name);
    ts->index = index;
    ts->max_rows = UINT_MAX;
    hmap_init(&ts->columns_by_name);

    /* The implicit columns come first, so their indexes are fixed. */
    static const char *const implicit[] = { "_uuid", "_version" };
    for (size_t i = 0; i < ARRAY_SIZE(implicit); i++) {
        struct ovsdb_column *column = column_create(implicit[i], i);
        ovsdb_type_init_scalar(&column->type, OVSDB_TYPE_UUID);
        column->is_mutable = false;
        table_add_column(ts, column);
    }
    return ts;
}

static int
index_from_json(struct ovsdb_table_schema *ts, const json_t *json,
                struct ovsdb_index_schema *index, struct ovsdb_error **errp)
{
    if (!json_is_array(json) || !json_array_size(json)) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "index must be an array of one or more "
                                "column names");
    }

    size_t n = json_array_size(json);
    index->columns = xcalloc(n, sizeof *index->columns);
    index->n_columns = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *name = json_array_get(json, i);
        const struct ovsdb_column *column =
            json_is_string(name)
                ? ovsdb_table_schema_get_column(ts, json_string_value(name))
                : NULL;
        if (!column) {
            ovsdb_syntax_err(errp, json, NULL,
                             "index names %s, which is not a column",
                             json_is_string(name) ? json_string_value(name)
                                                  : "a non-string");
            goto free_columns;
        }
        if (column->ephemeral) {
            ovsdb_syntax_err(errp, json, NULL,
                             "ephemeral column %s may not be part of an "
                             "index",
                             column->name);
            goto free_columns;
        }
        for (size_t j = 0; j < index->n_columns; j++) {
            if (index->columns[j] == column) {
                ovsdb_syntax_err(errp, json, NULL,
                                 "index names column %s twice", column->name);
                goto free_columns;
            }
        }
        index->columns[index->n_columns++] = column;
    }
    return 0;

free_columns:
    free(index->columns);
    index->columns = NULL;
    return EINVAL;
}

static int
table_schema_from_json(const char *name, const json_t *json,
                       unsigned int index, struct ovsdb_table_schema **tsp,
                       bool *is_root_given, struct ovsdb_error **errp)
{
    if (!json_is_object(json)) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "table schema must be an object");
    }
    if (ovsdb_check_members(json, table_rules, ARRAY_SIZE(table_rules),
                            errp)) {
        return EINVAL;
    }

    struct ovsdb_table_schema *ts = table_schema_create(name, index);
    const json_t *max_rows = json_object_get(json, "maxRows");
    if (max_rows) {
        long long n = json_integer_value(max_rows);
        if (n < 1 || n > UINT_MAX - 1) {
            ovsdb_syntax_err(errp, max_rows, NULL,
                             "maxRows must be at least 1");
            goto destroy_table;
        }
        ts->max_rows = n;
    }
    *is_root_given = json_is_true(json_object_get(json, "isRoot"));
    ts->is_root = *is_root_given;

    const char *column_name;
    const json_t *column_json;
    json_object_foreach ((json_t *) json_object_get(json, "columns"),
                         column_name, column_json) {
        struct ovsdb_column *column = NULL;

        if (!ovsdb_is_id(column_name)) {
            ovsdb_syntax_err(errp, column_json, NULL,
                             "column name \"%s\" is not an identifier",
                             column_name);
            goto destroy_table;
        }
        if (column_name[0] == '_') {
            ovsdb_syntax_err(errp, column_json, NULL,
                             "column %s: names beginning with \"_\" are "
                             "reserved",
                             column_name);
            goto destroy_table;
        }
        if (column_from_json(column_name, column_json, ts->n_columns, &column,
                             errp)) {
            ovsdb_error_prefix(errp ? *errp : NULL,
                               "column %s: ", column_name);
            goto destroy_table;
        }
        table_add_column(ts, column);
    }

    const json_t *indexes = json_object_get(json, "indexes");
    if (indexes) {
        size_t n = json_array_size(indexes);
        ts->indexes = xcalloc(n, sizeof *ts->indexes);
        for (size_t i = 0; i < n; i++) {
            if (index_from_json(ts, json_array_get(indexes, i),
                                &ts->indexes[i], errp)) {
                goto destroy_table;
            }
            ts->n_indexes++;
        }
    }

    *tsp = ts;
    return 0;

destroy_table:
    table_schema_destroy(ts);
    return EINVAL;
}

static json_t *
table_schema_to_json(const struct ovsdb_table_schema *ts, bool write_root)
{
    json_t *json = json_object();
    json_t *columns = json_object();

    for (size_t i = OVSDB_N_IMPLICIT_COLUMNS; i < ts->n_columns; i++) {
        json_object_set_new(columns, ts->columns[i]->name,
                            column_to_json(ts->columns[i]));
    }
    json_object_set_new(json, "columns", columns);
    if (ts->max_rows != UINT_MAX) {
        json_object_set_new(json, "maxRows", json_integer(ts->max_rows));
    }
    if (write_root && ts->is_root) {
        json_object_set_new(json, "isRoot", json_true());
    }
    if (ts->n_indexes) {
        json_t *indexes = json_array();
        for (size_t i = 0; i < ts->n_indexes; i++) {
            json_t *index = json_array();
            for (size_t j = 0; j < ts->indexes[i].n_columns; j++) {
                json_array_append_new(
                    index, json_string(ts->indexes[i].columns[j]->name));
            }
            json_array_append_new(indexes, index);
        }
        json_object_set_new(json, "indexes", indexes);
    }
    return json;
}

/* Resolves BASE's refTable against SCHEMA. */
static int
resolve_ref(struct ovsdb_schema *schema, struct ovsdb_table_schema *ts,
            struct ovsdb_column *column, struct ovsdb_base_type *base,
            struct ovsdb_error **errp)
{
    if (!ovsdb_base_type_is_ref(base)) {
        return 0;
    }

    const struct ovsdb_table_schema *ref =
        ovsdb_schema_get_table(schema, base->u.uuid.ref_table_name);
    if (!ref) {
        return ovsdb_syntax_err(errp, NULL, NULL,
                                "table %s column %s: refTable \"%s\" is not "
                                "a table in this schema",
                                ts->name, column->name,
                                base->u.uuid.ref_table_name);
    }
    base->u.uuid.ref_table = ref;
    if (base->u.uuid.ref_type == OVSDB_REF_WEAK) {
        /* ovsdb-server's rule: deleting a row must be able to remove weak
         * references to it, so such columns cannot be immutable. */
        column->is_mutable = true;
        ((struct ovsdb_table_schema *) ref)->referenced_weakly = true;
    }
    return 0;
}

static void
append_index(unsigned int **list, size_t *n, unsigned int index)
{
    *list = xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = index;
}

/* Fills in everything that needs the whole schema: reference targets, the
 * root set, per-table lists of reference columns. */
static int
schema_finish(struct ovsdb_schema *schema, bool any_root,
              struct ovsdb_error **errp)
{
    for (size_t i = 0; i < schema->n_tables; i++) {
        struct ovsdb_table_schema *ts = schema->tables[i];
        for (size_t j = 0; j < ts->n_columns; j++) {
            struct ovsdb_column *column = ts->columns[j];
            if (resolve_ref(schema, ts, column, &column->type.key, errp)
                || resolve_ref(schema, ts, column, &column->type.value,
                               errp)) {
                return EINVAL;
            }
        }
    }

    for (size_t i = 0; i < schema->n_tables; i++) {
        struct ovsdb_table_schema *ts = schema->tables[i];

        /* RFC 7047: with no root table at all, every table is a root (the
         * rule for schemas written before "isRoot" existed). */
        if (!any_root) {
            ts->is_root = true;
        }
        for (size_t j = 0; j < ts->n_columns; j++) {
            const struct ovsdb_type *type = &ts->columns[j]->type;
            if (ovsdb_type_has_strong_refs(type)) {
                append_index(&ts->strong_ref_columns,
                             &ts->n_strong_ref_columns, j);
            }
            if (ovsdb_type_has_weak_refs(type)) {
                append_index(&ts->weak_ref_columns, &ts->n_weak_ref_columns,
                             j);
            }
        }
    }
    return 0;
}

static bool
is_version(const char *s)
{
    /* x.y.z: three non-empty runs of digits. */
    for (int part = 0; part < 3; part++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
        while (*s >= '0' && *s <= '9') {
            s++;
        }
        if (*s != (part < 2 ? '.' : '\0')) {
            return false;
        }
        s++;
    }
    return true;
}

int
ovsdb_schema_from_json(const json_t *json, struct ovsdb_schema **schemap,
                       struct ovsdb_error **errp)
{
    *schemap = NULL;
    if (!json_is_object(json)) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "database schema must be an object");
    }
    if (ovsdb_check_members(json, schema_rules, ARRAY_SIZE(schema_rules),
                            errp)) {
        return EINVAL;
    }

    const json_t *version = json_object_get(json, "version");
    if (version && !is_version(json_string_value(version))) {
        return ovsdb_syntax_err(errp, version, NULL,
                                "schema version \"%s\" is not in the form "
                                "x.y.z",
                                json_string_value(version));
    }

    struct ovsdb_schema *schema = xzalloc(sizeof *schema);
    const json_t *cksum = json_object_get(json, "cksum");
    schema->name = xstrdup(json_string_value(json_object_get(json, "name")));
    schema->version = version ? xstrdup(json_string_value(version)) : NULL;
    schema->cksum = cksum ? xstrdup(json_string_value(cksum)) : NULL;
    hmap_init(&schema->tables_by_name);

    const json_t *tables = json_object_get(json, "tables");
    schema->tables =
        xcalloc(json_object_size(tables) + 1, sizeof *schema->tables);
    bool any_root = false;
    const char *name;
    const json_t *table_json;
    json_object_foreach ((json_t *) tables, name, table_json) {
        struct ovsdb_table_schema *ts = NULL;
        bool is_root = false;

        if (!ovsdb_is_id(name)) {
            ovsdb_syntax_err(errp, table_json, NULL,
                             "table name \"%s\" is not an identifier", name);
            goto destroy_schema;
        }
        if (name[0] == '_') {
            ovsdb_syntax_err(errp, table_json, NULL,
                             "table %s: names beginning with \"_\" are "
                             "reserved",
                             name);
            goto destroy_schema;
        }
        if (table_schema_from_json(name, table_json, schema->n_tables, &ts,
                                   &is_root, errp)) {
            ovsdb_error_prefix(errp ? *errp : NULL, "table %s: ", name);
            goto destroy_schema;
        }
        any_root |= is_root;
        schema->tables[schema->n_tables++] = ts;
        hmap_insert(&schema->tables_by_name, &ts->name_node,
                    hash_string(ts->name, 0));
    }
    if (schema_finish(schema, any_root, errp)) {
        goto destroy_schema;
    }

    *schemap = schema;
    return 0;

destroy_schema:
    ovsdb_schema_destroy(schema);
    return EINVAL;
}

int
ovsdb_schema_from_file(const char *path, struct ovsdb_schema **schemap,
                       struct ovsdb_error **errp)
{
    *schemap = NULL;

    FILE *file = fopen(path, "r");
    if (!file) {
        int err = errno;
        return ovsdb_err(errp, err, OVSDB_E_IO, "%s: cannot open: %s", path,
                         nf_strerror(err));
    }

    json_error_t jerr;
    json_t *json = json_loadf(file, 0, &jerr);
    int read_error = ferror(file);
    fclose(file);
    if (!json) {
        if (read_error) {
            return ovsdb_err(errp, EIO, OVSDB_E_IO, "%s: read error", path);
        }
        return ovsdb_err(errp, EINVAL, OVSDB_E_SYNTAX,
                         "%s: line %d, column %d: %s", path, jerr.line,
                         jerr.column, jerr.text);
    }

    int error = ovsdb_schema_from_json(json, schemap, errp);
    json_decref(json);
    if (error) {
        ovsdb_error_prefix(errp ? *errp : NULL, "%s: ", path);
    }
    return error;
}

json_t *
ovsdb_schema_to_json(const struct ovsdb_schema *schema)
{
    json_t *json = json_object();
    json_object_set_new(json, "name", json_string(schema->name));
    if (schema->version) {
        json_object_set_new(json, "version", json_string(schema->version));
    }
    if (schema->cksum) {
        json_object_set_new(json, "cksum", json_string(schema->cksum));
    }

    /* When every table is a root, "isRoot" is left out everywhere: that
     * reads back the same, and it is how such schemas are written. */
    bool all_root = true;
    for (size_t i = 0; i < schema->n_tables; i++) {
        all_root &= schema->tables[i]->is_root;
    }

    json_t *tables = json_object();
    for (size_t i = 0; i < schema->n_tables; i++) {
        const struct ovsdb_table_schema *ts = schema->tables[i];
        json_object_set_new(tables, ts->name,
                            table_schema_to_json(ts, !all_root));
    }
    json_object_set_new(json, "tables", tables);
    return json;
}

struct ovsdb_schema *
ovsdb_schema_clone(const struct ovsdb_schema *schema)
{
    /* A round trip through JSON is a deep copy by construction, and a
     * schema is copied rarely (once per database). */
    json_t *json = ovsdb_schema_to_json(schema);
    struct ovsdb_schema *copy;
    struct ovsdb_error *error = NULL;

    if (ovsdb_schema_from_json(json, &copy, &error)) {
        char *s = ovsdb_error_to_string(error);
        nf_abort("schema does not survive a copy: %s", s);
    }
    json_decref(json);
    return copy;
}

void
ovsdb_schema_destroy(struct ovsdb_schema *schema)
{
    if (!schema) {
        return;
    }
    for (size_t i = 0; i < schema->n_tables; i++) {
        table_schema_destroy(schema->tables[i]);
    }
    free(schema->tables);
    hmap_destroy(&schema->tables_by_name);
    free(schema->name);
    free(schema->version);
    free(schema->cksum);
    free(schema);
}

const struct ovsdb_table_schema *
ovsdb_schema_get_table(const struct ovsdb_schema *schema, const char *name)
{
    struct ovsdb_table_schema *ts;
    HMAP_FOR_EACH_WITH_HASH (ts, name_node, hash_string(name, 0),
                             &schema->tables_by_name) {
        if (!strcmp(ts->name, name)) {
            return ts;
        }
    }
    return NULL;
}

const struct ovsdb_column *
ovsdb_table_schema_get_column(const struct ovsdb_table_schema *ts,
                              const char *name)
{
    struct ovsdb_column *column;
    HMAP_FOR_EACH_WITH_HASH (column, name_node, hash_string(name, 0),
                             &ts->columns_by_name) {
        if (!strcmp(column->name, name)) {
            return column;
        }
    }
    return NULL;
}
