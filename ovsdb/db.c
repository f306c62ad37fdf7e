/* db.c: the in-memory database: tables, rows, look-ups. */
#include "ovsdb/db.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ovsdb/db-private.h"

static struct ovsdb_table *
table_create(struct ovsdb *db, const struct ovsdb_table_schema *ts)
{
    struct ovsdb_table *table = xzalloc(sizeof *table);
    table->schema = ts;
    table->db = db;
    hmap_init(&table->rows);
    table->indexes =
        xcalloc(ts->n_indexes ? ts->n_indexes : 1, sizeof *table->indexes);
    for (size_t i = 0; i < ts->n_indexes; i++) {
        hmap_init(&table->indexes[i]);
    }
    return table;
}

static void
table_destroy(struct ovsdb_table *table)
{
    struct ovsdb_row *row;
    HMAP_FOR_EACH_SAFE (row, hmap_node, &table->rows) {
        hmap_remove(&table->rows, &row->hmap_node);
        ovsdb_row_destroy(row);
    }
    hmap_destroy(&table->rows);
    for (size_t i = 0; i < table->schema->n_indexes; i++) {
        hmap_destroy(&table->indexes[i]);
    }
    free(table->indexes);
    free(table);
}

struct ovsdb *
ovsdb_create(struct ovsdb_schema *schema)
{
    struct ovsdb *db = xzalloc(sizeof *db);
    db->schema = schema;
    db->tables =
        xcalloc(schema->n_tables ? schema->n_tables : 1, sizeof *db->tables);
    for (size_t i = 0; i < schema->n_tables; i++) {
        db->tables[i] = table_create(db, schema->tables[i]);
    }
    hmap_init(&db->weak_targets);
    return db;
}

void
ovsdb_destroy(struct ovsdb *db)
{
    if (!db) {
        return;
    }
    nf_assert(!db->txn);
    for (size_t i = 0; i < db->schema->n_tables; i++) {
        table_destroy(db->tables[i]);
    }
    free(db->tables);
    ovsdb_weak_refs_destroy(db);
    ovsdb_schema_destroy(db->schema);
    free(db);
}

const struct ovsdb_schema *
ovsdb_get_schema(const struct ovsdb *db)
{
    return db->schema;
}

struct ovsdb_table *
ovsdb_get_table(const struct ovsdb *db, const char *name)
{
    const struct ovsdb_table_schema *ts =
        ovsdb_schema_get_table(db->schema, name);
    return ts ? db->tables[ts->index] : NULL;
}

struct ovsdb_table *
ovsdb_get_table_by_index(const struct ovsdb *db, size_t index)
{
    return index < db->schema->n_tables ? db->tables[index] : NULL;
}

const struct ovsdb_table_schema *
ovsdb_table_get_schema(const struct ovsdb_table *table)
{
    return table->schema;
}

size_t
ovsdb_table_count_rows(const struct ovsdb_table *table)
{
    return hmap_count(&table->rows);
}

struct ovsdb_row *
ovsdb_table_find_row_mutable(const struct ovsdb_table *table,
                             const struct ovsdb_uuid *uuid)
{
    struct ovsdb_row *row;
    HMAP_FOR_EACH_WITH_HASH (row, hmap_node, ovsdb_uuid_hash(uuid),
                             &table->rows) {
        if (ovsdb_uuid_equals(ovsdb_row_get_uuid(row), uuid)) {
            return row;
        }
    }
    return NULL;
}

const struct ovsdb_row *
ovsdb_table_find_row(const struct ovsdb_table *table,
                     const struct ovsdb_uuid *uuid)
{
    return ovsdb_table_find_row_mutable(table, uuid);
}

const struct ovsdb_row *
ovsdb_table_first_row(const struct ovsdb_table *table)
{
    return HMAP_NODE_TO(hmap_first(&table->rows), struct ovsdb_row, hmap_node);
}

const struct ovsdb_row *
ovsdb_table_next_row(const struct ovsdb_table *table,
                     const struct ovsdb_row *row)
{
    return HMAP_NODE_TO(hmap_next(&table->rows, &row->hmap_node),
                        struct ovsdb_row, hmap_node);
}

uint32_t
ovsdb_row_index_hash(const struct ovsdb_row *row,
                     const struct ovsdb_index_schema *index)
{
    uint32_t hash = 0;
    for (size_t i = 0; i < index->n_columns; i++) {
        const struct ovsdb_column *c = index->columns[i];
        hash = ovsdb_datum_hash(&row->fields[c->index], &c->type, hash);
    }
    return hash;
}
