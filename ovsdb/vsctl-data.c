/* vsctl-data.c: OVSDB values in the text syntax of ovs-vsctl.
 *
 * Input: a token is a run of characters up to a delimiter (one of
 * ":=, []{}!<>") outside double quotes; a backslash takes the next
 * character literally.  A string atom in double quotes uses JSON escapes;
 * any other string atom is taken as written.  A datum is a list of atoms
 * (or KEY=VALUE pairs for a map) separated by commas or spaces, optionally
 * in "[...]" (sets) or "{...}" (maps).  Integer set elements may be ranges
 * "A-B".
 *
 * Output: sets in "[...]" unless the column holds at most one value and
 * has one, maps in "{...}", strings in double quotes unless they read as
 * a plain identifier.  The messages are those of ovs-vsctl, which users and
 * scripts match on. */
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json-text.h"
#include "ovsdb/vsctl.h"

/* Named rows. */

void
vsctl_symtab_init(struct vsctl_symtab *st)
{
    memset(st, 0, sizeof *st);
}

void
vsctl_symtab_destroy(struct vsctl_symtab *st)
{
    for (size_t i = 0; i < st->n; i++) {
        free(st->syms[i].name);
    }
    free(st->syms);
    memset(st, 0, sizeof *st);
}

struct vsctl_symbol *
vsctl_symtab_find(const struct vsctl_symtab *st, const char *name)
{
    for (size_t i = 0; i < st->n; i++) {
        if (!strcmp(st->syms[i].name, name)) {
            return &st->syms[i];
        }
    }
    return NULL;
}

struct vsctl_symbol *
vsctl_symtab_get(struct vsctl_symtab *st, const char *name)
{
    struct vsctl_symbol *sym = vsctl_symtab_find(st, name);
    if (sym) {
        return sym;
    }
    if (st->n >= st->allocated) {
        st->allocated = st->allocated ? 2 * st->allocated : 8;
        st->syms = xrealloc(st->syms, st->allocated * sizeof *st->syms);
    }
    sym = &st->syms[st->n++];
    memset(sym, 0, sizeof *sym);
    sym->name = xstrdup(name);
    ovsdb_uuid_generate(&sym->uuid);
    return sym;
}

/* Tokens. */

static bool
is_delim(unsigned char c)
{
    return c && strchr(":=, []{}!<>", c) != NULL;
}

char *
vsctl_token_parse(const char **s, char **tokenp)
{
    struct buf out = BUF_INITIALIZER;
    bool in_quotes = false;
    const char *p;

    for (p = *s; *p;) {
        char c = *p++;
        if (c == '\\') {
            if (in_quotes) {
                buf_put_char(&out, '\\');
            }
            if (!*p) {
                buf_destroy(&out);
                return xasprintf("%s: backslash at end of argument", *s);
            }
            buf_put_char(&out, *p++);
        } else if (!in_quotes && is_delim(c)) {
            p--;
            break;
        } else {
            buf_put_char(&out, c);
            if (c == '"') {
                in_quotes = !in_quotes;
            }
        }
    }
    if (in_quotes) {
        buf_destroy(&out);
        return xasprintf("%s: quoted string extends past end of argument", *s);
    }
    *tokenp = buf_steal_cstr(&out);
    *s = p;
    return NULL;
}

/* Atoms. */

/* Parses all of S as a decimal integer. */
static bool
parse_llong(const char *s, long long *x, const char **tailp)
{
    char *tail;
    errno = 0;
    *x = strtoll(s, &tail, 10);
    if (errno == EINVAL || errno == ERANGE || tail == s) {
        return false;
    }
    if (tailp) {
        *tailp = tail;
        return true;
    }
    return *tail == '\0';
}

/* Undoes JSON string escapes in the LEN bytes at S.  Returns NULL with
 * the result in *OUTP, or an error message. */
static char *
json_unescape(const char *s, size_t len, char **outp)
{
    struct buf b = BUF_INITIALIZER;
    const char *end = s + len;

    while (s < end) {
        if (*s != '\\') {
            buf_put_char(&b, *s++);
            continue;
        }
        s++;
        if (s >= end) {
            buf_destroy(&b);
            return xstrdup("quoted string may not end with backslash");
        }
        char c = *s++;
        switch (c) {
        case '"':
        case '\\':
        case '/':
            buf_put_char(&b, c);
            break;
        case 'b':
            buf_put_char(&b, '\b');
            break;
        case 'f':
            buf_put_char(&b, '\f');
            break;
        case 'n':
            buf_put_char(&b, '\n');
            break;
        case 'r':
            buf_put_char(&b, '\r');
            break;
        case 't':
            buf_put_char(&b, '\t');
            break;
        case 'u': {
            unsigned int cp = 0;
            for (int i = 0; i < 4; i++) {
                if (s >= end || !isxdigit((unsigned char) *s)) {
                    buf_destroy(&b);
                    return xstrdup("malformed \\u escape");
                }
                char h = *s++;
                cp = cp * 16
                     + (isdigit((unsigned char) h)
                            ? (unsigned int) (h - '0')
                            : (unsigned int) (tolower((unsigned char) h) - 'a'
                                              + 10));
            }
            /* UTF-8 encoding; surrogate pairs are not expected in
             * configuration values and are kept as separate units. */
            if (cp < 0x80) {
                buf_put_char(&b, (char) cp);
            } else if (cp < 0x800) {
                buf_put_char(&b, (char) (0xc0 | (cp >> 6)));
                buf_put_char(&b, (char) (0x80 | (cp & 0x3f)));
            } else {
                buf_put_char(&b, (char) (0xe0 | (cp >> 12)));
                buf_put_char(&b, (char) (0x80 | ((cp >> 6) & 0x3f)));
                buf_put_char(&b, (char) (0x80 | (cp & 0x3f)));
            }
            break;
        }
        default:
            buf_destroy(&b);
            return xasprintf("bad escape \\%c", c);
        }
    }
    *outp = buf_steal_cstr(&b);
    return NULL;
}

/* Turns the constraint error ERR (taken) into a message. */
static char *
constraint_message(struct ovsdb_error *err)
{
    char *s = ovsdb_error_to_string(err);
    ovsdb_error_destroy(err);
    return s;
}

char *
vsctl_atom_from_string(union ovsdb_atom *atom,
                       const struct ovsdb_base_type *base, const char *s,
                       struct vsctl_symtab *symtab, bool range_ok,
                       int64_t *range_end)
{
    bool is_range = false;
    long long end = 0;

    memset(atom, 0, sizeof *atom);
    switch (base->type) {
    case OVSDB_TYPE_INTEGER: {
        long long x;
        const char *tail;
        if (range_ok && parse_llong(s, &x, &tail) && *tail == '-'
            && parse_llong(tail + 1, &end, NULL)) {
            if (end < x) {
                return xasprintf("\"%s\" is not a valid range. Range end "
                                 "cannot be before start.",
                                 s);
            }
            is_range = true;
        } else if (!parse_llong(s, &x, NULL)) {
            return xasprintf(range_ok
                                 ? "\"%s\" is not a valid integer or range"
                                 : "\"%s\" is not a valid integer",
                             s);
        }
        atom->integer = x;
        break;
    }
    case OVSDB_TYPE_REAL: {
        char *tail;
        errno = 0;
        atom->real = strtod(s, &tail);
        if (errno == ERANGE || tail == s || *tail) {
            return xasprintf("\"%s\" is not a valid real number", s);
        }
        if (atom->real == 0.0) {
            atom->real = 0.0; /* No negative zero, as in JSON input. */
        }
        break;
    }
    case OVSDB_TYPE_BOOLEAN:
        if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")
            || !strcmp(s, "1")) {
            atom->boolean = true;
        } else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")
                   || !strcmp(s, "0")) {
            atom->boolean = false;
        } else {
            return xasprintf("\"%s\" is not a valid boolean (use \"true\" or "
                             "\"false\")",
                             s);
        }
        break;
    case OVSDB_TYPE_STRING: {
        size_t len = strlen(s);
        if (!len) {
            return xstrdup("An empty string is not valid as input; use \"\" "
                           "to represent the empty string");
        } else if (*s == '"') {
            char *text = NULL;
            if (len < 2 || s[len - 1] != '"') {
                return xasprintf("%s: missing quote at end of quoted string",
                                 s);
            }
            char *msg = json_unescape(s + 1, len - 2, &text);
            if (msg) {
                char *full = xasprintf("%s: %s", s, msg);
                free(msg);
                return full;
            }
            atom->string = ovsdb_str_create(text, strlen(text));
            free(text);
        } else {
            atom->string = ovsdb_str_create(s, len);
        }
        break;
    }
    case OVSDB_TYPE_UUID:
        if (*s == '@' && symtab) {
            struct vsctl_symbol *sym = vsctl_symtab_get(symtab, s);
            atom->uuid = sym->uuid;
            if (ovsdb_base_type_is_strong_ref(base)) {
                sym->strong_ref = true;
            } else if (ovsdb_base_type_is_weak_ref(base)) {
                sym->weak_ref = true;
            }
        } else if (!ovsdb_uuid_from_string(&atom->uuid, s)) {
            return xasprintf("\"%s\" is not a valid UUID", s);
        }
        break;
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        return xstrdup("internal error: no type");
    }

    struct ovsdb_error *err = NULL;
    if (ovsdb_atom_check_constraints(atom, base, &err)) {
        ovsdb_atom_destroy(atom, base->type);
        memset(atom, 0, sizeof *atom);
        return constraint_message(err);
    }
    if (range_end) {
        *range_end = is_range ? end : atom->integer;
    }
    if (is_range) {
        /* Every value of the range must satisfy the constraints; without
         * an enumeration checking the end suffices. */
        for (long long i = base->enum_ ? atom->integer + 1 : end; i <= end;
             i++) {
            union ovsdb_atom ai = { .integer = i };
            if (ovsdb_atom_check_constraints(&ai, base, &err)) {
                return constraint_message(err);
            }
        }
        if ((uint64_t) end - (uint64_t) atom->integer >= 4096) {
            return xasprintf("constraint violation: Range \"%" PRId64
                             "-%lld\" is too big. Maximum allowed size is "
                             "4096.",
                             atom->integer, end);
        }
    }
    return NULL;
}

/* Datums. */

static const char *
skip_spaces(const char *p)
{
    while (isspace((unsigned char) *p)) {
        p++;
    }
    return p;
}

/* Appends KEY (and VALUE) to D, growing its arrays; D is sorted later. */
static void
datum_append(struct ovsdb_datum *d, size_t *allocated, bool is_map,
             const union ovsdb_atom *key, const union ovsdb_atom *value)
{
    if (d->n >= *allocated) {
        *allocated = *allocated ? 2 * *allocated : 4;
        d->keys = xrealloc(d->keys, *allocated * sizeof *d->keys);
        if (is_map) {
            d->values = xrealloc(d->values, *allocated * sizeof *d->values);
        }
    }
    d->keys[d->n] = *key;
    if (is_map) {
        d->values[d->n] = *value;
    }
    d->n++;
}

/* Parses one token of *P as an atom of BASE. */
static char *
parse_atom_token(const char **p, const struct ovsdb_base_type *base,
                 union ovsdb_atom *atom, struct vsctl_symtab *symtab,
                 bool range_ok, int64_t *range_end)
{
    char *token;
    char *error = vsctl_token_parse(p, &token);
    if (!error) {
        error = vsctl_atom_from_string(atom, base, token, symtab, range_ok,
                                       range_end);
        free(token);
    }
    return error;
}

char *
vsctl_datum_from_string(struct ovsdb_datum *d, const struct ovsdb_type *type,
                        const char *s, struct vsctl_symtab *symtab)
{
    bool is_map = ovsdb_type_is_map(type);
    size_t allocated = 0;
    char end_delim;
    char *error = NULL;

    ovsdb_datum_init_empty(d);
    const char *p = skip_spaces(s);
    if (*p == (is_map ? '{' : '[')) {
        end_delim = is_map ? '}' : ']';
        p = skip_spaces(p + 1);
    } else if (!*p) {
        return xstrdup(is_map ? "use \"{}\" to specify the empty map"
                              : "use \"[]\" to specify the empty set");
    } else {
        end_delim = 0;
    }

    while (*p && *p != end_delim) {
        union ovsdb_atom key, value;
        int64_t range_end;

        if (is_delim(*p)) {
            char *english = ovsdb_type_to_english(type);
            error =
                xasprintf("%s: unexpected \"%c\" parsing %s", s, *p, english);
            free(english);
            goto error;
        }
        const char *start = p;
        bool range_ok = type->key.type == OVSDB_TYPE_INTEGER;
        error = parse_atom_token(&p, &type->key, &key, symtab, range_ok,
                                 &range_end);
        if (error) {
            goto error;
        }
        if (is_map) {
            p = skip_spaces(p);
            if (*p == '=') {
                p = skip_spaces(p + 1);
                error = parse_atom_token(&p, &type->value, &value, symtab,
                                         false, NULL);
            } else {
                /* ovs-vsctl formats the character with %c, so a missing
                 * "=" at the end of the text cuts the message there. */
                error = *p ? xasprintf("%s: syntax error at \"%c\" "
                                       "expecting \"=\"",
                                       start, *p)
                           : xasprintf("%s: syntax error at \"", start);
            }
            if (error) {
                ovsdb_atom_destroy(&key, type->key.type);
                goto error;
            }
        }
        if (!is_map && range_ok && range_end != key.integer) {
            for (int64_t i = key.integer; i <= range_end; i++) {
                union ovsdb_atom ai = { .integer = i };
                datum_append(d, &allocated, false, &ai, NULL);
            }
        } else {
            datum_append(d, &allocated, is_map, &key, &value);
        }

        p = skip_spaces(p);
        if (*p == ',') {
            p = skip_spaces(p + 1);
        }
    }

    if (*p != end_delim) {
        error = xasprintf("%s: missing \"%c\" at end of data", s, end_delim);
        goto error;
    }
    if (end_delim) {
        p = skip_spaces(p + 1);
        if (*p) {
            error =
                xasprintf("%s: trailing garbage after \"%c\"", s, end_delim);
            goto error;
        }
    }

    if (d->n < type->n_min) {
        error =
            xasprintf("%s: %u %s specified but the minimum number is %u", s,
                      d->n, is_map ? "pair(s)" : "value(s)", type->n_min);
        goto error;
    } else if (d->n > type->n_max) {
        error =
            xasprintf("%s: %u %s specified but the maximum number is %u", s,
                      d->n, is_map ? "pair(s)" : "value(s)", type->n_max);
        goto error;
    }
    if (ovsdb_datum_sort(d, type)) {
        error = xasprintf(is_map ? "%s: map contains duplicate key"
                                 : "%s: set contains duplicate value",
                          s);
        goto error;
    }
    return NULL;

error:
    ovsdb_datum_destroy(d, type);
    ovsdb_datum_init_empty(d);
    return error;
}

/* Output. */

void
vsctl_atom_to_string(const union ovsdb_atom *a, enum ovsdb_atomic_type type,
                     struct buf *out)
{
    if (type == OVSDB_TYPE_STRING && ovsdb_string_needs_quotes(a->string->s)) {
        nf_json_string(a->string->s, out);
    } else if (type == OVSDB_TYPE_REAL) {
        buf_printf(out, "%.*g", DBL_DIG, a->real);
    } else {
        ovsdb_atom_to_buf(a, type, out);
    }
}

void
vsctl_datum_to_string(const struct ovsdb_datum *d,
                      const struct ovsdb_type *type, struct buf *out)
{
    bool is_map = ovsdb_type_is_map(type);
    bool brackets = type->n_max > 1 || !d->n;

    if (brackets) {
        buf_put_char(out, is_map ? '{' : '[');
    }
    for (unsigned int i = 0; i < d->n; i++) {
        if (i) {
            buf_put_cstr(out, ", ");
        }
        vsctl_atom_to_string(&d->keys[i], type->key.type, out);
        if (is_map) {
            buf_put_char(out, '=');
            vsctl_atom_to_string(&d->values[i], type->value.type, out);
        }
    }
    if (brackets) {
        buf_put_char(out, is_map ? '}' : ']');
    }
}

static void
atom_to_bare(const union ovsdb_atom *a, enum ovsdb_atomic_type type,
             struct buf *out)
{
    if (type == OVSDB_TYPE_REAL) {
        buf_printf(out, "%.*g", DBL_DIG, a->real);
    } else {
        ovsdb_atom_to_buf(a, type, out);
    }
}

void
vsctl_datum_to_bare(const struct ovsdb_datum *d, const struct ovsdb_type *type,
                    struct buf *out)
{
    bool is_map = ovsdb_type_is_map(type);
    for (unsigned int i = 0; i < d->n; i++) {
        if (i) {
            buf_put_char(out, ' ');
        }
        atom_to_bare(&d->keys[i], type->key.type, out);
        if (is_map) {
            buf_put_char(out, '=');
            atom_to_bare(&d->values[i], type->value.type, out);
        }
    }
}
