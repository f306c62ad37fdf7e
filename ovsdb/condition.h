/* condition.h: "where" clauses (RFC 7047 section 5.1 <condition>).
 *
 * A condition is a list of clauses.  Each clause is either
 * [<column>, <function>, <value>] or, as ovsdb-server accepts, a bare
 * boolean.  The functions are "==", "!=", "includes", "excludes" for every
 * type and "<", "<=", ">", ">=" for integer and real columns, including
 * ovsdb-server's extension to optional (0 or 1 element) integer and real
 * columns, where the ordering functions are false for an empty column.
 *
 * In "transact", a row matches when every clause is true (an empty list
 * matches every row).  "monitor_cond" uses the same syntax but a row
 * matches when any clause is true (ovsdb_condition_evaluate_any()). */
#ifndef NICFLOW_OVSDB_CONDITION_H
#define NICFLOW_OVSDB_CONDITION_H 1

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "ovsdb/datum.h"
#include "ovsdb/error.h"
#include "ovsdb/row.h"
#include "ovsdb/schema.h"

enum ovsdb_function {
    OVSDB_F_FALSE, /* Boolean clause false. */
    OVSDB_F_TRUE,  /* Boolean clause true. */
    OVSDB_F_EQ,
    OVSDB_F_NE,
    OVSDB_F_LT,
    OVSDB_F_LE,
    OVSDB_F_GT,
    OVSDB_F_GE,
    OVSDB_F_INCLUDES,
    OVSDB_F_EXCLUDES,
};

/* Returns the RFC 7047 name of FUNCTION ("==", ...; "true", "false"). */
const char *ovsdb_function_to_string(enum ovsdb_function function);

struct ovsdb_clause {
    enum ovsdb_function function;
    const struct ovsdb_column *column; /* NULL for a boolean clause. */
    struct ovsdb_type arg_type;        /* Type ARG was parsed with. */
    struct ovsdb_datum arg;
};

struct ovsdb_condition {
    struct ovsdb_clause *clauses;
    size_t n;
};

#define OVSDB_CONDITION_INITIALIZER \
    {                               \
        NULL, 0                     \
    }

/* Parses JSON (borrowed), an array of clauses, for table TS into COND.
 * Named UUIDs resolve through SYMTAB (NULL: not allowed).  Arguments must
 * satisfy the column's constraints, with "includes" and "excludes" allowing
 * fewer elements than the column's minimum.  Returns 0, or EINVAL with
 * *ERRP set ("syntax error", "unknown column", "unknown function",
 * "constraint violation"); on failure COND needs no destruction. */
int ovsdb_condition_from_json(const struct ovsdb_table_schema *ts,
                              const json_t *json, struct ovsdb_symtab *symtab,
                              struct ovsdb_condition *cond,
                              struct ovsdb_error **errp);

/* Returns COND as JSON (new reference), the form it was parsed from. */
json_t *ovsdb_condition_to_json(const struct ovsdb_condition *cond);

void ovsdb_condition_destroy(struct ovsdb_condition *cond);

/* Whether ROW satisfies every clause of COND ("transact" semantics). */
bool ovsdb_condition_evaluate(const struct ovsdb_condition *cond,
                              const struct ovsdb_row *row);

/* Whether ROW satisfies at least one clause of COND, or COND is empty
 * ("monitor_cond" semantics). */
bool ovsdb_condition_evaluate_any(const struct ovsdb_condition *cond,
                                  const struct ovsdb_row *row);

/* Whether one clause holds for ROW. */
bool ovsdb_clause_evaluate(const struct ovsdb_clause *clause,
                           const struct ovsdb_row *row);

/* If COND (with "transact" semantics) can only match the row with one
 * UUID, because it has a clause ["_uuid", "==", <uuid>], returns that UUID;
 * else NULL. */
const struct ovsdb_uuid *
ovsdb_condition_get_uuid(const struct ovsdb_condition *cond);

/* Whether COND (with "transact" semantics) matches no row at all because
 * it has a false boolean clause. */
bool ovsdb_condition_is_false(const struct ovsdb_condition *cond);

#endif /* NICFLOW_OVSDB_CONDITION_H */
