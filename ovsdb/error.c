/* error.c: errors that reach OVSDB clients. */
#include "ovsdb/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/util.h"

static int
ovsdb_verr(struct ovsdb_error **errp, int errnum, const char *tag,
           const json_t *syntax, const char *fmt, va_list args)
{
    nf_assert(errnum > 0);
    if (!errp) {
        return errnum;
    }

    struct ovsdb_error *error = xzalloc(sizeof *error);
    error->tag = tag;
    error->details = xvasprintf(fmt, args);
    error->errnum = errnum;
    if (syntax) {
        /* Sorted keys make the text stable, which tests rely on. */
        error->syntax = json_dumps(syntax, JSON_COMPACT | JSON_SORT_KEYS
                                               | JSON_ENCODE_ANY);
    }
    *errp = error;
    return errnum;
}

int
ovsdb_err(struct ovsdb_error **errp, int errnum, const char *tag,
          const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    ovsdb_verr(errp, errnum, tag, NULL, fmt, args);
    va_end(args);
    return errnum;
}

int
ovsdb_syntax_err(struct ovsdb_error **errp, const json_t *syntax,
                 const char *tag, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    ovsdb_verr(errp, EINVAL, tag ? tag : OVSDB_E_SYNTAX, syntax, fmt, args);
    va_end(args);
    return EINVAL;
}

void
ovsdb_error_prefix(struct ovsdb_error *error, const char *fmt, ...)
{
    if (!error) {
        return;
    }

    va_list args;
    va_start(args, fmt);
    char *prefix = xvasprintf(fmt, args);
    va_end(args);

    char *details = xasprintf("%s%s", prefix, error->details);
    free(prefix);
    free(error->details);
    error->details = details;
}

void
ovsdb_error_destroy(struct ovsdb_error *error)
{
    if (error) {
        free(error->details);
        free(error->syntax);
        free(error);
    }
}

json_t *
ovsdb_error_to_json(const struct ovsdb_error *error)
{
    json_t *json = json_object();

    json_object_set_new(json, "error", json_string(error->tag));
    if (error->details) {
        json_object_set_new(json, "details", json_string(error->details));
    }
    if (error->syntax) {
        json_object_set_new(json, "syntax", json_string(error->syntax));
    }
    return json;
}

char *
ovsdb_error_to_string(const struct ovsdb_error *error)
{
    return (error->details && error->details[0]
                ? xasprintf("%s: %s", error->tag, error->details)
                : xstrdup(error->tag));
}
