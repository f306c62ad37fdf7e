/* types.h: OVSDB column types (RFC 7047 section 3.2).
 *
 * A column holds a set of atoms, or a map from atoms to atoms, with a
 * minimum (0 or 1) and maximum (1 or more, or unlimited) number of
 * elements; a scalar column is a set of exactly one.  Each side of a column
 * (key, and value for a map) has a base type: an atomic type plus
 * constraints (integer and real ranges, string lengths, an enumeration of
 * allowed values, or for UUIDs a referenced table and whether the reference
 * is strong or weak).
 *
 * Reference constraints are "deferred": they are checked when a transaction
 * commits (see txn.h).  The others are "immediate": every parsed value and
 * every mutation result is checked against them at once. */
#ifndef NICFLOW_OVSDB_TYPES_H
#define NICFLOW_OVSDB_TYPES_H 1

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "ovsdb/error.h"

struct ovsdb_datum;
struct ovsdb_table_schema;

enum ovsdb_atomic_type {
    OVSDB_TYPE_VOID,    /* No value: the value side of a set. */
    OVSDB_TYPE_INTEGER, /* int64_t. */
    OVSDB_TYPE_REAL,    /* double (finite). */
    OVSDB_TYPE_BOOLEAN, /* bool. */
    OVSDB_TYPE_STRING,  /* UTF-8 string. */
    OVSDB_TYPE_UUID,    /* struct ovsdb_uuid. */
    OVSDB_N_TYPES
};

/* Returns the RFC 7047 name ("integer", ...; "void" for OVSDB_TYPE_VOID). */
const char *ovsdb_atomic_type_to_string(enum ovsdb_atomic_type);

/* Parses an <atomic-type> name into *TYPE.  Returns true on success. */
bool ovsdb_atomic_type_from_string(const char *, enum ovsdb_atomic_type *);

enum ovsdb_ref_type {
    OVSDB_REF_STRONG, /* Referenced row must exist. */
    OVSDB_REF_WEAK    /* Dangling references are deleted. */
};

struct ovsdb_base_type {
    enum ovsdb_atomic_type type;

    /* If nonnull, the only allowed values: a set (see datum.h) of atoms of
     * TYPE, owned by the base type.  Exclusive with the constraints in U. */
    struct ovsdb_datum *enum_;

    union {
        struct {
            int64_t min, max; /* INT64_MIN, INT64_MAX: none. */
        } integer;
        struct {
            double min, max; /* -DBL_MAX, DBL_MAX: none. */
        } real;
        struct {
            unsigned int min_len; /* In UTF-8 characters; 0: none. */
            unsigned int max_len; /* UINT_MAX: none. */
        } string;
        struct {
            char *ref_table_name; /* Owned, or NULL: not a ref. */
            /* The table REF_TABLE_NAME names, filled in by the schema
             * parser once all tables are known. */
            const struct ovsdb_table_schema *ref_table;
            enum ovsdb_ref_type ref_type;
        } uuid;
    } u;
};

/* Maximum number of elements meaning "unlimited". */
#define OVSDB_UNLIMITED UINT_MAX

struct ovsdb_type {
    struct ovsdb_base_type key;
    struct ovsdb_base_type value; /* Type OVSDB_TYPE_VOID unless a map. */
    unsigned int n_min;           /* 0 or 1. */
    unsigned int n_max;           /* >= max(1, n_min); OVSDB_UNLIMITED. */
};

/* Base types. */

/* Initializes BASE as TYPE with no constraints. */
void ovsdb_base_type_init(struct ovsdb_base_type *base,
                          enum ovsdb_atomic_type type);

/* Parses a <base-type> (an <atomic-type> name or an object with "type" and
 * constraint members) from JSON (borrowed) into *BASE.  "refTable" is
 * recorded by name only; ovsdb_schema_from_json() resolves it.  Returns 0,
 * or EINVAL with a "syntax error" in *ERRP, and then *BASE needs no
 * destruction. */
int ovsdb_base_type_from_json(struct ovsdb_base_type *base, const json_t *json,
                              struct ovsdb_error **errp);

/* Returns BASE in the most compact <base-type> form (new reference). */
json_t *ovsdb_base_type_to_json(const struct ovsdb_base_type *base);

void ovsdb_base_type_destroy(struct ovsdb_base_type *base);

/* Initializes DST as a deep copy of SRC. */
void ovsdb_base_type_clone(struct ovsdb_base_type *dst,
                           const struct ovsdb_base_type *src);

/* Drops every constraint, including the reference (e.g. for the operand of
 * an arithmetic mutation, which need not satisfy the column's range). */
void ovsdb_base_type_clear_constraints(struct ovsdb_base_type *base);

bool ovsdb_base_type_has_constraints(const struct ovsdb_base_type *base);

static inline bool
ovsdb_base_type_is_ref(const struct ovsdb_base_type *base)
{
    return base->type == OVSDB_TYPE_UUID && base->u.uuid.ref_table_name;
}

static inline bool
ovsdb_base_type_is_strong_ref(const struct ovsdb_base_type *base)
{
    return (ovsdb_base_type_is_ref(base)
            && base->u.uuid.ref_type == OVSDB_REF_STRONG);
}

static inline bool
ovsdb_base_type_is_weak_ref(const struct ovsdb_base_type *base)
{
    return (ovsdb_base_type_is_ref(base)
            && base->u.uuid.ref_type == OVSDB_REF_WEAK);
}

/* Column types. */

/* Initializes TYPE as a scalar of KEY_TYPE without constraints. */
void ovsdb_type_init_scalar(struct ovsdb_type *type,
                            enum ovsdb_atomic_type key_type);

/* Parses a column <type> from JSON (borrowed) into *TYPE with the rules of
 * RFC 7047 section 3.2 ("min" 0 or 1, "max" >= 1 and >= "min" or
 * "unlimited").  Returns 0, or EINVAL with a "syntax error" in *ERRP (and
 * *TYPE needs no destruction). */
int ovsdb_type_from_json(struct ovsdb_type *type, const json_t *json,
                         struct ovsdb_error **errp);

/* Returns TYPE in the most compact <type> form (new reference). */
json_t *ovsdb_type_to_json(const struct ovsdb_type *type);

void ovsdb_type_destroy(struct ovsdb_type *type);
void ovsdb_type_clone(struct ovsdb_type *dst, const struct ovsdb_type *src);

static inline bool
ovsdb_type_is_map(const struct ovsdb_type *type)
{
    return type->value.type != OVSDB_TYPE_VOID;
}

static inline bool
ovsdb_type_is_scalar(const struct ovsdb_type *type)
{
    return (type->n_min == 1 && type->n_max == 1
            && type->value.type == OVSDB_TYPE_VOID);
}

/* A set of 0 or 1 elements ("optional" value). */
static inline bool
ovsdb_type_is_optional_scalar(const struct ovsdb_type *type)
{
    return (type->n_min == 0 && type->n_max == 1
            && type->value.type == OVSDB_TYPE_VOID);
}

static inline bool
ovsdb_type_is_set(const struct ovsdb_type *type)
{
    return type->value.type == OVSDB_TYPE_VOID && !ovsdb_type_is_scalar(type);
}

/* Whether the key or the value side holds strong or weak references. */
bool ovsdb_type_has_strong_refs(const struct ovsdb_type *type);
bool ovsdb_type_has_weak_refs(const struct ovsdb_type *type);

/* Describes TYPE in English for error messages, e.g. "set of up to 4
 * integers" (caller frees). */
char *ovsdb_type_to_english(const struct ovsdb_type *type);

#endif /* NICFLOW_OVSDB_TYPES_H */
