/* parser.h: checking the members of JSON objects against a table of rules.
 *
 * RFC 7047 describes every object (schemas, operations) as a list of
 * members, each with a type and "required" or "optional".  Parsers here
 * state that list as data, a struct ovsdb_member_rule array, and check an
 * object against it in one call, instead of spelling the checks out. */
#ifndef NICFLOW_OVSDB_PARSER_H
#define NICFLOW_OVSDB_PARSER_H 1

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "ovsdb/error.h"

/* Allowed JSON types, as a bitmask. */
#define OVSDB_J_OBJECT (1u << JSON_OBJECT)
#define OVSDB_J_ARRAY (1u << JSON_ARRAY)
#define OVSDB_J_STRING (1u << JSON_STRING)
#define OVSDB_J_INTEGER (1u << JSON_INTEGER)
#define OVSDB_J_REAL (1u << JSON_REAL)
#define OVSDB_J_NUMBER (OVSDB_J_INTEGER | OVSDB_J_REAL)
#define OVSDB_J_BOOLEAN ((1u << JSON_TRUE) | (1u << JSON_FALSE))
#define OVSDB_J_NULL (1u << JSON_NULL)
#define OVSDB_J_ANY (~0u)
/* Not a JSON type: a string that must also be an <id>. */
#define OVSDB_J_ID (1u << 31)

struct ovsdb_member_rule {
    const char *name;
    unsigned int types; /* OVSDB_J_* bits. */
    bool required;
};

/* Checks that OBJ (which must be a JSON object) has only members named in
 * RULES, that every required member is present and that each has an allowed
 * type.  Returns 0, or EINVAL with a "syntax error" whose details name the
 * member (the offending JSON is OBJ). */
int ovsdb_check_members(const json_t *obj,
                        const struct ovsdb_member_rule *rules, size_t n,
                        struct ovsdb_error **errp);

/* Whether S is an <id>: [a-zA-Z_][a-zA-Z0-9_]*. */
bool ovsdb_is_id(const char *s);

#endif /* NICFLOW_OVSDB_PARSER_H */
