/* row.c: OVSDB rows and column sets. */
#include "ovsdb/row.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ovsdb/db-private.h"

/* Column sets. */

void
ovsdb_column_set_init(struct ovsdb_column_set *set)
{
    set->columns = NULL;
    set->n = set->allocated = 0;
}

void
ovsdb_column_set_destroy(struct ovsdb_column_set *set)
{
    free(set->columns);
    ovsdb_column_set_init(set);
}

void
ovsdb_column_set_add(struct ovsdb_column_set *set,
                     const struct ovsdb_column *column)
{
    if (set->n >= set->allocated) {
        set->allocated = set->allocated ? 2 * set->allocated : 8;
        set->columns =
            xrealloc(set->columns, set->allocated * sizeof *set->columns);
    }
    set->columns[set->n++] = column;
}

void
ovsdb_column_set_add_all(struct ovsdb_column_set *set,
                         const struct ovsdb_table_schema *ts)
{
    for (size_t i = 0; i < ts->n_columns; i++) {
        ovsdb_column_set_add(set, ts->columns[i]);
    }
}

bool
ovsdb_column_set_contains(const struct ovsdb_column_set *set,
                          unsigned int column_index)
{
    for (size_t i = 0; i < set->n; i++) {
        if (set->columns[i]->index == column_index) {
            return true;
        }
    }
    return false;
}

int
ovsdb_column_set_from_json(const struct ovsdb_table_schema *ts,
                           const json_t *json, struct ovsdb_column_set *set,
                           struct ovsdb_error **errp)
{
    if (!json_is_array(json)) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "array of distinct column names expected");
    }

    size_t i;
    const json_t *name;
    json_array_foreach (json, i, name) {
        const struct ovsdb_column *column =
            json_is_string(name)
                ? ovsdb_table_schema_get_column(ts, json_string_value(name))
                : NULL;
        if (!column) {
            return ovsdb_syntax_err(
                errp, json, NULL,
                "%s is not a valid column name in "
                "table %s",
                json_is_string(name) ? json_string_value(name) : "non-string",
                ts->name);
        }
        if (ovsdb_column_set_contains(set, column->index)) {
            return ovsdb_syntax_err(errp, json, NULL,
                                    "array of distinct column names "
                                    "expected (%s appears twice)",
                                    column->name);
        }
        ovsdb_column_set_add(set, column);
    }
    return 0;
}

/* Rows. */

static struct ovsdb_row *
row_alloc(struct ovsdb_table *table)
{
    const struct ovsdb_table_schema *ts = table->schema;
    size_t fields = ts->n_columns * sizeof(struct ovsdb_datum);
    struct ovsdb_row *row =
        xmalloc(sizeof *row + fields
                + ts->n_indexes * sizeof(struct ovsdb_index_node));
    row->table = table;
    row->txn_row = NULL;
    row->n_refs = 0;
    row->index_nodes = NULL;
    if (ts->n_indexes) {
        row->index_nodes =
            (struct ovsdb_index_node *) (void *) ((char *) row->fields
                                                  + fields);
        for (size_t i = 0; i < ts->n_indexes; i++) {
            row->index_nodes[i].row = row;
        }
    }
    return row;
}

struct ovsdb_row *
ovsdb_row_create(struct ovsdb_table *table)
{
    const struct ovsdb_table_schema *ts = table->schema;
    struct ovsdb_row *row = row_alloc(table);
    for (size_t i = 0; i < ts->n_columns; i++) {
        ovsdb_datum_init_default(&row->fields[i], &ts->columns[i]->type);
    }
    return row;
}

struct ovsdb_row *
ovsdb_row_clone(const struct ovsdb_row *old)
{
    const struct ovsdb_table_schema *ts = old->table->schema;
    struct ovsdb_row *row = row_alloc(old->table);
    for (size_t i = 0; i < ts->n_columns; i++) {
        ovsdb_datum_clone(&row->fields[i], &old->fields[i],
                          &ts->columns[i]->type);
    }
    row->n_refs = old->n_refs;
    return row;
}

void
ovsdb_row_destroy(struct ovsdb_row *row)
{
    if (row) {
        const struct ovsdb_table_schema *ts = row->table->schema;
        for (size_t i = 0; i < ts->n_columns; i++) {
            ovsdb_datum_destroy(&row->fields[i], &ts->columns[i]->type);
        }
        free(row);
    }
}

const struct ovsdb_table_schema *
ovsdb_row_schema(const struct ovsdb_row *row)
{
    return row->table->schema;
}

static void
set_uuid_field(struct ovsdb_row *row, unsigned int column,
               const struct ovsdb_uuid *uuid)
{
    struct ovsdb_datum *d = &row->fields[column];
    nf_assert(d->n == 1);
    d->keys[0].uuid = *uuid;
}

void
ovsdb_row_set_uuid(struct ovsdb_row *row, const struct ovsdb_uuid *uuid)
{
    set_uuid_field(row, OVSDB_COL_UUID, uuid);
}

void
ovsdb_row_new_version(struct ovsdb_row *row)
{
    struct ovsdb_uuid version;
    ovsdb_uuid_generate(&version);
    set_uuid_field(row, OVSDB_COL_VERSION, &version);
}

json_t *
ovsdb_row_to_json(const struct ovsdb_row *row,
                  const struct ovsdb_column_set *columns)
{
    const struct ovsdb_table_schema *ts = row->table->schema;
    json_t *json = json_object();

    if (columns) {
        for (size_t i = 0; i < columns->n; i++) {
            const struct ovsdb_column *c = columns->columns[i];
            json_object_set_new_nocheck(
                json, c->name,
                ovsdb_datum_to_json(&row->fields[c->index], &c->type));
        }
    } else {
        for (size_t i = 0; i < ts->n_columns; i++) {
            const struct ovsdb_column *c = ts->columns[i];
            json_object_set_new_nocheck(
                json, c->name, ovsdb_datum_to_json(&row->fields[i], &c->type));
        }
    }
    return json;
}

int
ovsdb_row_from_json(struct ovsdb_row *row, const json_t *json,
                    struct ovsdb_symtab *symtab,
                    struct ovsdb_column_set *included,
                    struct ovsdb_error **errp)
{
    const struct ovsdb_table_schema *ts = row->table->schema;

    if (!json_is_object(json)) {
        return ovsdb_syntax_err(errp, json, NULL, "row must be an object");
    }

    /* The columns parsed, in a stack array for the usual small rows. */
    const struct ovsdb_column *local[32];
    size_t n_members = json_object_size(json);
    const struct ovsdb_column **parsed =
        (n_members <= ARRAY_SIZE(local) ? local
                                        : xmalloc(n_members * sizeof *parsed));
    size_t n = 0;
    int error = 0;

    /* Every value is parsed before any is checked against its column's
     * constraints, and maps' keys are checked for duplicates last: that is
     * the order in which ovsdb-server reports errors in different columns
     * of one row, and clients see which error comes first. */
    const char *name;
    const json_t *value;
    json_object_foreach ((json_t *) json, name, value) {
        const struct ovsdb_column *column =
            ovsdb_table_schema_get_column(ts, name);
        if (!column) {
            error =
                ovsdb_syntax_err(errp, json, OVSDB_E_UNKNOWN_COLUMN,
                                 "No column %s in table %s.", name, ts->name);
            goto out;
        }

        struct ovsdb_datum datum;
        if (ovsdb_datum_from_json_unchecked(&datum, &column->type, value,
                                            symtab, errp)) {
            error = EINVAL;
            goto out;
        }
        ovsdb_datum_swap(&row->fields[column->index], &datum);
        ovsdb_datum_destroy(&datum, &column->type);
        parsed[n++] = column;
    }
    for (size_t i = 0; i < n; i++) {
        const struct ovsdb_column *column = parsed[i];
        if (ovsdb_datum_check_constraints(&row->fields[column->index],
                                          &column->type, errp)) {
            error = EINVAL;
            goto out;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct ovsdb_column *column = parsed[i];
        if (ovsdb_datum_check_unique(&row->fields[column->index],
                                     &column->type, errp)) {
            error = EINVAL;
            goto out;
        }
        if (included) {
            ovsdb_column_set_add(included, column);
        }
    }

out:
    if (parsed != local) {
        free(parsed);
    }
    return error;
}

uint32_t
ovsdb_row_hash_columns(const struct ovsdb_row *row,
                       const struct ovsdb_column_set *columns, uint32_t basis)
{
    for (size_t i = 0; i < columns->n; i++) {
        const struct ovsdb_column *c = columns->columns[i];
        basis = ovsdb_datum_hash(&row->fields[c->index], &c->type, basis);
    }
    return basis;
}

bool
ovsdb_row_equal_columns(const struct ovsdb_row *a, const struct ovsdb_row *b,
                        const struct ovsdb_column_set *columns)
{
    for (size_t i = 0; i < columns->n; i++) {
        const struct ovsdb_column *c = columns->columns[i];
        if (!ovsdb_datum_equals(&a->fields[c->index], &b->fields[c->index],
                                &c->type)) {
            return false;
        }
    }
    return true;
}
