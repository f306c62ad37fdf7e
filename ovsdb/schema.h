/* schema.h: OVSDB database schemas (RFC 7047 section 3.2).
 *
 * A schema names the database, gives its version ("x.y.z") and optional
 * checksum, and describes each table: its columns and their types, whether
 * the table is in the "root set" (rows that live without being referenced),
 * a maximum row count and sets of columns that must be unique together
 * ("indexes").
 *
 * Every table has two implicit columns, "_uuid" (the row's identity) and
 * "_version" (changes whenever the row does).  They are columns 0 and 1 of
 * every table (OVSDB_COL_UUID, OVSDB_COL_VERSION); the schema's own columns
 * follow in the order the schema lists them.
 *
 * A parsed schema is immutable.  Everything in it is owned by the struct
 * ovsdb_schema and lives until ovsdb_schema_destroy(). */
#ifndef NICFLOW_OVSDB_SCHEMA_H
#define NICFLOW_OVSDB_SCHEMA_H 1

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "lib/hmap.h"
#include "ovsdb/error.h"
#include "ovsdb/types.h"

enum {
    OVSDB_COL_UUID = 0,    /* "_uuid". */
    OVSDB_COL_VERSION = 1, /* "_version". */
    OVSDB_N_IMPLICIT_COLUMNS
};

struct ovsdb_column {
    struct hmap_node name_node; /* In the table's columns_by_name. */
    char *name;
    unsigned int index; /* Position in the table's columns. */
    struct ovsdb_type type;
    bool ephemeral;  /* Not stored durably. */
    bool is_mutable; /* May change after "insert". */
};

/* A set of columns that must be unique together. */
struct ovsdb_index_schema {
    const struct ovsdb_column **columns;
    size_t n_columns;
};

struct ovsdb_table_schema {
    struct hmap_node name_node; /* In the schema's tables_by_name. */
    char *name;
    unsigned int index;    /* Position in the schema's tables. */
    bool is_root;          /* Rows live without references. */
    unsigned int max_rows; /* UINT_MAX: no limit. */

    struct ovsdb_column **columns; /* _uuid, _version, then the schema's. */
    size_t n_columns;
    struct hmap columns_by_name;

    struct ovsdb_index_schema *indexes;
    size_t n_indexes;

    /* Derived facts that spare the transaction code repeated scans.  Column
     * index lists are in ascending order. */
    unsigned int *strong_ref_columns; /* Columns with strong refs. */
    size_t n_strong_ref_columns;
    unsigned int *weak_ref_columns; /* Columns with weak refs. */
    size_t n_weak_ref_columns;
    bool referenced_weakly; /* Some column weakly refers here. */
};

struct ovsdb_schema {
    char *name;
    char *version;                      /* "x.y.z", or NULL if omitted. */
    char *cksum;                        /* Or NULL. */
    struct ovsdb_table_schema **tables; /* In the schema's order. */
    size_t n_tables;
    struct hmap tables_by_name;
};

/* Parses a <database-schema> from JSON (borrowed).  Validates everything
 * RFC 7047 requires: names are <id>s not beginning with "_", the version
 * has the form x.y.z (it may be omitted, as ovsdb-server allows), types are
 * well formed, every refTable names a table of this schema, maxRows is
 * positive, index columns exist and are not ephemeral.  Following RFC 7047,
 * if no table has "isRoot": true, every table is a root table; and, as
 * ovsdb-server does, columns holding weak references are always mutable.
 *
 * Returns 0 and a new schema in *SCHEMAP (caller frees with
 * ovsdb_schema_destroy()), or EINVAL with a "syntax error" in *ERRP whose
 * details say which table and column are wrong. */
int ovsdb_schema_from_json(const json_t *json, struct ovsdb_schema **schemap,
                           struct ovsdb_error **errp);

/* Reads and parses the schema file at PATH.  Returns 0, or a positive errno
 * with *ERRP set: an "I/O error" if the file cannot be read, a "syntax
 * error" if it is not valid JSON or not a valid schema. */
int ovsdb_schema_from_file(const char *path, struct ovsdb_schema **schemap,
                           struct ovsdb_error **errp);

/* Returns SCHEMA as a <database-schema> (new reference) that parses back to
 * an equivalent schema (what "get_schema" returns). */
json_t *ovsdb_schema_to_json(const struct ovsdb_schema *schema);

/* Returns a deep copy of SCHEMA. */
struct ovsdb_schema *ovsdb_schema_clone(const struct ovsdb_schema *schema);

void ovsdb_schema_destroy(struct ovsdb_schema *schema);

/* Look-ups by name; NULL if absent. */
const struct ovsdb_table_schema *
ovsdb_schema_get_table(const struct ovsdb_schema *, const char *name);
const struct ovsdb_column *
ovsdb_table_schema_get_column(const struct ovsdb_table_schema *,
                              const char *name);

#endif /* NICFLOW_OVSDB_SCHEMA_H */
