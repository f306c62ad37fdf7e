/* error.h: errors that reach OVSDB clients.
 *
 * RFC 7047 reports a failed operation as {"error": NAME, "details": TEXT},
 * where NAME is one of a small set of strings clients match on ("constraint
 * violation", "referential integrity violation", ...).  A struct ovsdb_error
 * carries that name (the "tag"), a details string a person can act on and,
 * for parse errors, the JSON text that could not be parsed ("syntax", as
 * ovsdb-server adds it).
 *
 * Convention inside ovsdb/: a function that can fail returns 0 or a positive
 * errno value and, on failure, stores a new error in *ERRP when ERRP is not
 * NULL (the caller then owns it and frees it with ovsdb_error_destroy()).
 * ovsdb_err() and ovsdb_syntax_err() build the error and return the errno in
 * one step, so a failure path reads "return ovsdb_err(errp, EINVAL, ...)". */
#ifndef NICFLOW_OVSDB_ERROR_H
#define NICFLOW_OVSDB_ERROR_H 1

#include <jansson.h>

#include "lib/util.h"

/* Error names.  The first group is from RFC 7047; the second group are the
 * additional names ovsdb-server uses (see ovsdb-server(7)), which clients
 * such as ovs-vsctl and the Python IDL may see. */
#define OVSDB_E_REFERENTIAL "referential integrity violation"
#define OVSDB_E_CONSTRAINT "constraint violation"
#define OVSDB_E_RESOURCES "resources exhausted"
#define OVSDB_E_IO "I/O error"
#define OVSDB_E_DUP_UUID_NAME "duplicate uuid-name"
#define OVSDB_E_DOMAIN "domain error"
#define OVSDB_E_RANGE "range error"
#define OVSDB_E_TIMED_OUT "timed out"
#define OVSDB_E_NOT_SUPPORTED "not supported"
#define OVSDB_E_ABORTED "aborted"
#define OVSDB_E_NOT_OWNER "not owner"
#define OVSDB_E_SYNTAX "syntax error"
#define OVSDB_E_UNKNOWN_COLUMN "unknown column"
#define OVSDB_E_UNKNOWN_FUNCTION "unknown function"
#define OVSDB_E_UNKNOWN_MUTATOR "unknown mutator"
#define OVSDB_E_OVSDB "ovsdb error"
#define OVSDB_E_DUP_UUID "duplicate uuid"
#define OVSDB_E_NOT_ALLOWED "not allowed"
#define OVSDB_E_INTERNAL "internal error"

struct ovsdb_error {
    const char *tag; /* One of the OVSDB_E_* names (static storage). */
    char *details;   /* Human-readable explanation (owned). */
    char *syntax;    /* Compact JSON text of the offending input, or
                         * NULL (owned). */
    int errnum;      /* The errno value the failing function returned. */
};

/* Stores in *ERRP (if ERRP is not NULL) a new error with TAG and details
 * formatted from FMT, and returns ERRNUM (which must be positive). */
int ovsdb_err(struct ovsdb_error **errp, int errnum, const char *tag,
              const char *fmt, ...) NF_PRINTF(4, 5);

/* Like ovsdb_err() with errno EINVAL, and records SYNTAX (borrowed; may be
 * NULL) as the offending JSON.  TAG NULL means OVSDB_E_SYNTAX. */
int ovsdb_syntax_err(struct ovsdb_error **errp, const json_t *syntax,
                     const char *tag, const char *fmt, ...) NF_PRINTF(4, 5);

/* Prepends text formatted from FMT to ERROR's details (for adding context
 * such as which operation failed).  ERROR may be NULL (no-op). */
void ovsdb_error_prefix(struct ovsdb_error *error, const char *fmt, ...)
    NF_PRINTF(2, 3);

void ovsdb_error_destroy(struct ovsdb_error *);

/* Returns the RFC 7047 <error> object {"error":..., "details":...,
 * "syntax":...} for ERROR (new reference). */
json_t *ovsdb_error_to_json(const struct ovsdb_error *);

/* Returns "TAG: DETAILS" (caller frees). */
char *ovsdb_error_to_string(const struct ovsdb_error *);

#endif /* NICFLOW_OVSDB_ERROR_H */
