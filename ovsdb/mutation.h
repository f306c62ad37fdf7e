/* mutation.h: the "mutations" of a "mutate" operation (RFC 7047 section
 * 5.1 <mutation>).
 *
 * A mutation is [<column>, <mutator>, <value>].  "+=", "-=", "*=", "/="
 * apply to integer and real columns (scalars or sets, element by element)
 * and "%=" to integer columns; "insert" and "delete" apply to sets and
 * maps.  Results must satisfy the column's type: an out-of-range or
 * duplicate-making result is a "constraint violation", integer overflow or
 * a non-finite real a "range error", division by zero a "domain error". */
#ifndef NICFLOW_OVSDB_MUTATION_H
#define NICFLOW_OVSDB_MUTATION_H 1

#include <stddef.h>

#include <jansson.h>

#include "ovsdb/datum.h"
#include "ovsdb/error.h"
#include "ovsdb/row.h"
#include "ovsdb/schema.h"

enum ovsdb_mutator {
    OVSDB_M_ADD,
    OVSDB_M_SUB,
    OVSDB_M_MUL,
    OVSDB_M_DIV,
    OVSDB_M_MOD,
    OVSDB_M_INSERT,
    OVSDB_M_DELETE,
};

struct ovsdb_mutation {
    enum ovsdb_mutator mutator;
    const struct ovsdb_column *column;
    struct ovsdb_type arg_type; /* Type ARG was parsed with. */
    struct ovsdb_datum arg;
};

struct ovsdb_mutation_set {
    struct ovsdb_mutation *mutations;
    size_t n;
};

/* Parses JSON (borrowed), an array of <mutation>s, for table TS into SET.
 * Named UUIDs resolve through SYMTAB (NULL: not allowed).  Immutable
 * columns (including "_uuid" and "_version") are refused with a
 * "constraint violation".  Returns 0, or EINVAL with *ERRP set; on failure
 * SET needs no destruction. */
int ovsdb_mutation_set_from_json(const struct ovsdb_table_schema *ts,
                                 const json_t *json,
                                 struct ovsdb_symtab *symtab,
                                 struct ovsdb_mutation_set *set,
                                 struct ovsdb_error **errp);

void ovsdb_mutation_set_destroy(struct ovsdb_mutation_set *set);

/* Applies SET's mutations in order to ROW, a row the caller may modify.
 * Returns 0, or a positive errno (EINVAL, ERANGE, EDOM) with *ERRP set, and
 * then ROW holds a partial result the caller must discard. */
int ovsdb_mutation_set_execute(struct ovsdb_row *row,
                               const struct ovsdb_mutation_set *set,
                               struct ovsdb_error **errp);

#endif /* NICFLOW_OVSDB_MUTATION_H */
