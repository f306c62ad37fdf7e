/* datum.c: OVSDB atoms and datums: copying, comparison, set algebra,
 * constraint checks, JSON. */
#include "ovsdb/datum.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/hash.h"
#include "lib/util.h"

/* Strings. */

struct ovsdb_str *
ovsdb_str_create(const char *s, size_t len)
{
    nf_assert(len < UINT_MAX);
    struct ovsdb_str *str = xmalloc(sizeof *str + len + 1);
    str->refcnt = 1;
    str->len = len;
    memcpy(str->s, s, len);
    str->s[len] = '\0';
    return str;
}

struct ovsdb_str *
ovsdb_str_empty(void)
{
    static struct ovsdb_str empty = { OVSDB_STR_STATIC, 0 };
    return &empty;
}

void
ovsdb_str_unref(struct ovsdb_str *str)
{
    if (str && str->refcnt != OVSDB_STR_STATIC && !--str->refcnt) {
        free(str);
    }
}

size_t
ovsdb_utf8_length(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        /* Count every byte that does not continue a sequence. */
        n += ((unsigned char) s[i] & 0xc0) != 0x80;
    }
    return n;
}

/* Atoms. */

void
ovsdb_atom_init_default(union ovsdb_atom *atom, enum ovsdb_atomic_type type)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        atom->integer = 0;
        break;
    case OVSDB_TYPE_REAL:
        atom->real = 0.0;
        break;
    case OVSDB_TYPE_BOOLEAN:
        atom->boolean = false;
        break;
    case OVSDB_TYPE_STRING:
        atom->string = ovsdb_str_empty();
        break;
    case OVSDB_TYPE_UUID:
        ovsdb_uuid_zero(&atom->uuid);
        break;
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        nf_abort("default of invalid atomic type %d", type);
    }
}

bool
ovsdb_atom_is_default(const union ovsdb_atom *atom,
                      enum ovsdb_atomic_type type)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return atom->integer == 0;
    case OVSDB_TYPE_REAL:
        return atom->real == 0.0;
    case OVSDB_TYPE_BOOLEAN:
        return !atom->boolean;
    case OVSDB_TYPE_STRING:
        return atom->string->len == 0;
    case OVSDB_TYPE_UUID:
        return ovsdb_uuid_is_zero(&atom->uuid);
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
    nf_abort("default of invalid atomic type %d", type);
}

void
ovsdb_atom_destroy(union ovsdb_atom *atom, enum ovsdb_atomic_type type)
{
    if (type == OVSDB_TYPE_STRING) {
        ovsdb_str_unref(atom->string);
    }
}

void
ovsdb_atom_clone(union ovsdb_atom *dst, const union ovsdb_atom *src,
                 enum ovsdb_atomic_type type)
{
    *dst = *src;
    if (type == OVSDB_TYPE_STRING) {
        ovsdb_str_ref(dst->string);
    }
}

int
ovsdb_atom_compare_3way(const union ovsdb_atom *a, const union ovsdb_atom *b,
                        enum ovsdb_atomic_type type)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return a->integer < b->integer ? -1 : a->integer > b->integer;
    case OVSDB_TYPE_REAL:
        return a->real < b->real ? -1 : a->real > b->real;
    case OVSDB_TYPE_BOOLEAN:
        return (int) a->boolean - (int) b->boolean;
    case OVSDB_TYPE_STRING: {
        if (a->string == b->string) {
            return 0;
        }
        /* memcmp over the shorter length, then length, is strcmp order for
         * strings without NULs and still total with them. */
        unsigned int la = a->string->len, lb = b->string->len;
        int c = memcmp(a->string->s, b->string->s, NF_MIN(la, lb));
        return c ? c : (la < lb ? -1 : la > lb);
    }
    case OVSDB_TYPE_UUID:
        return ovsdb_uuid_compare(&a->uuid, &b->uuid);
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
    nf_abort("compare of invalid atomic type %d", type);
}

uint32_t
ovsdb_atom_hash(const union ovsdb_atom *atom, enum ovsdb_atomic_type type,
                uint32_t basis)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return hash_finish(hash_add64(basis, atom->integer), 8);
    case OVSDB_TYPE_REAL: {
        /* -0.0 == 0.0, so both must hash alike. */
        double d = atom->real == 0.0 ? 0.0 : atom->real;
        uint64_t bits;
        memcpy(&bits, &d, sizeof bits);
        return hash_finish(hash_add64(basis, bits), 8);
    }
    case OVSDB_TYPE_BOOLEAN:
        return hash_int(atom->boolean, basis);
    case OVSDB_TYPE_STRING:
        return hash_bytes(atom->string->s, atom->string->len, basis);
    case OVSDB_TYPE_UUID:
        return hash_int(ovsdb_uuid_hash(&atom->uuid), basis);
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
    nf_abort("hash of invalid atomic type %d", type);
}

/* Appends D in the shortest "%g" form that reads back as the same value. */
static void
put_real(struct buf *out, double d)
{
    char s[40];
    snprintf(s, sizeof s, "%.15g", d);
    if (strtod(s, NULL) != d) {
        snprintf(s, sizeof s, "%.17g", d);
    }
    buf_put_cstr(out, s);
}

void
ovsdb_atom_to_buf(const union ovsdb_atom *atom, enum ovsdb_atomic_type type,
                  struct buf *out)
{
    char uuid[OVSDB_UUID_LEN + 1];

    switch (type) {
    case OVSDB_TYPE_INTEGER:
        buf_printf(out, "%lld", (long long) atom->integer);
        break;
    case OVSDB_TYPE_REAL:
        put_real(out, atom->real);
        break;
    case OVSDB_TYPE_BOOLEAN:
        buf_put_cstr(out, atom->boolean ? "true" : "false");
        break;
    case OVSDB_TYPE_STRING:
        buf_put(out, atom->string->s, atom->string->len);
        break;
    case OVSDB_TYPE_UUID:
        buf_put_cstr(out, ovsdb_uuid_format(&atom->uuid, uuid));
        break;
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
}

static int
check_integer(int64_t v, const struct ovsdb_base_type *base,
              struct ovsdb_error **errp)
{
    int64_t min = base->u.integer.min, max = base->u.integer.max;
    if (v >= min && v <= max) {
        return 0;
    } else if (min != INT64_MIN && max != INT64_MAX) {
        return ovsdb_err(errp, EINVAL, OVSDB_E_CONSTRAINT,
                         "%lld is not in the valid range %lld to %lld "
                         "(inclusive)",
                         (long long) v, (long long) min, (long long) max);
    } else if (v < min) {
        return ovsdb_err(errp, EINVAL, OVSDB_E_CONSTRAINT,
                         "%lld is less than minimum allowed value %lld",
                         (long long) v, (long long) min);
    } else {
        return ovsdb_err(errp, EINVAL, OVSDB_E_CONSTRAINT,
                         "%lld is greater than maximum allowed value %lld",
                         (long long) v, (long long) max);
    }
}

static int
check_real(double v, const struct ovsdb_base_type *base,
           struct ovsdb_error **errp)
{
    double min = base->u.real.min, max = base->u.real.max;
    if (v >= min && v <= max) {
        return 0;
    }

    struct buf b = BUF_INITIALIZER;
    put_real(&b, v);
    if (min != -DBL_MAX && max != DBL_MAX) {
        buf_put_cstr(&b, " is not in the valid range ");
        put_real(&b, min);
        buf_put_cstr(&b, " to ");
        put_real(&b, max);
        buf_put_cstr(&b, " (inclusive)");
    } else if (v < min) {
        buf_put_cstr(&b, " is less than minimum allowed value ");
        put_real(&b, min);
    } else {
        buf_put_cstr(&b, " is greater than maximum allowed value ");
        put_real(&b, max);
    }
    ovsdb_err(errp, EINVAL, OVSDB_E_CONSTRAINT, "%s", buf_cstr(&b));
    buf_destroy(&b);
    return EINVAL;
}

static int
check_string(const struct ovsdb_str *s, const struct ovsdb_base_type *base,
             struct ovsdb_error **errp)
{
    unsigned int min = base->u.string.min_len, max = base->u.string.max_len;
    if (!min && max == UINT_MAX) {
        return 0;
    }

    size_t n = ovsdb_utf8_length(s->s, s->len);
    if (n < min) {
        return ovsdb_err(errp, EINVAL, OVSDB_E_CONSTRAINT,
                         "\"%s\" length %zu is less than minimum allowed "
                         "length %u",
                         s->s, n, min);
    } else if (n > max) {
        return ovsdb_err(errp, EINVAL, OVSDB_E_CONSTRAINT,
                         "\"%s\" length %zu is greater than maximum allowed "
                         "length %u",
                         s->s, n, max);
    }
    return 0;
}

int
ovsdb_atom_check_constraints(const union ovsdb_atom *atom,
                             const struct ovsdb_base_type *base,
                             struct ovsdb_error **errp)
{
    if (base->enum_) {
        if (ovsdb_datum_find_key(base->enum_, atom, base->type) != UINT_MAX) {
            return 0;
        }

        struct ovsdb_type enum_type;
        ovsdb_type_init_scalar(&enum_type, base->type);
        enum_type.n_max = OVSDB_UNLIMITED;

        struct buf b = BUF_INITIALIZER;
        ovsdb_atom_to_buf(atom, base->type, &b);
        buf_put_cstr(&b, " is not one of the allowed values (");
        ovsdb_datum_to_buf(base->enum_, &enum_type, &b);
        buf_put_cstr(&b, ")");
        ovsdb_err(errp, EINVAL, OVSDB_E_CONSTRAINT, "%s", buf_cstr(&b));
        buf_destroy(&b);
        return EINVAL;
    }

    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        return check_integer(atom->integer, base, errp);
    case OVSDB_TYPE_REAL:
        return check_real(atom->real, base, errp);
    case OVSDB_TYPE_STRING:
        return check_string(atom->string, base, errp);
    case OVSDB_TYPE_BOOLEAN:
    case OVSDB_TYPE_UUID:
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
    return 0;
}

/* Named UUIDs. */

void
ovsdb_symtab_init(struct ovsdb_symtab *symtab)
{
    hmap_init(&symtab->symbols);
}

void
ovsdb_symtab_destroy(struct ovsdb_symtab *symtab)
{
    struct ovsdb_symbol *symbol;
    HMAP_FOR_EACH_SAFE (symbol, node, &symtab->symbols) {
        hmap_remove(&symtab->symbols, &symbol->node);
        free(symbol->name);
        free(symbol);
    }
    hmap_destroy(&symtab->symbols);
}

struct ovsdb_symbol *
ovsdb_symtab_find(const struct ovsdb_symtab *symtab, const char *name)
{
    struct ovsdb_symbol *symbol;
    HMAP_FOR_EACH_WITH_HASH (symbol, node, hash_string(name, 0),
                             &symtab->symbols) {
        if (!strcmp(symbol->name, name)) {
            return symbol;
        }
    }
    return NULL;
}

struct ovsdb_symbol *
ovsdb_symtab_get(struct ovsdb_symtab *symtab, const char *name)
{
    struct ovsdb_symbol *symbol = ovsdb_symtab_find(symtab, name);
    if (!symbol) {
        symbol = xzalloc(sizeof *symbol);
        symbol->name = xstrdup(name);
        ovsdb_uuid_generate(&symbol->uuid);
        hmap_insert(&symtab->symbols, &symbol->node, hash_string(name, 0));
    }
    return symbol;
}

/* Atom JSON. */

/* Whether JSON is an array whose first element is the string TAG. */
static bool
is_tagged(const json_t *json, const char *tag)
{
    const json_t *first = json_array_get(json, 0);
    return first && json_is_string(first)
           && !strcmp(json_string_value(first), tag);
}

static int
uuid_from_json(struct ovsdb_uuid *uuid, const json_t *json,
               struct ovsdb_symtab *symtab, struct ovsdb_error **errp)
{
    const json_t *arg = json_array_get(json, 1);

    if (json_array_size(json) == 2 && json_is_string(arg)) {
        if (is_tagged(json, "uuid")) {
            if (!ovsdb_uuid_from_string(uuid, json_string_value(arg))) {
                return ovsdb_syntax_err(errp, json, NULL,
                                        "\"%s\" is not a valid UUID",
                                        json_string_value(arg));
            }
            return 0;
        } else if (is_tagged(json, "named-uuid")) {
            if (!symtab) {
                return ovsdb_syntax_err(errp, json, NULL,
                                        "named-uuid is not allowed here");
            }
            *uuid = ovsdb_symtab_get(symtab, json_string_value(arg))->uuid;
            return 0;
        }
    }
    return ovsdb_syntax_err(errp, json, NULL, "expected [\"uuid\", <string>]");
}

/* Parses one atom of BASE's type, without checking BASE's constraints. */
static int
atom_parse(union ovsdb_atom *atom, const struct ovsdb_base_type *base,
           const json_t *json, struct ovsdb_symtab *symtab,
           struct ovsdb_error **errp)
{
    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        if (!json_is_integer(json)) {
            return ovsdb_syntax_err(errp, json, NULL, "expected integer");
        }
        atom->integer = json_integer_value(json);
        break;
    case OVSDB_TYPE_REAL:
        if (!json_is_number(json)) {
            return ovsdb_syntax_err(errp, json, NULL, "expected real");
        }
        atom->real = json_number_value(json);
        break;
    case OVSDB_TYPE_BOOLEAN:
        if (!json_is_boolean(json)) {
            return ovsdb_syntax_err(errp, json, NULL, "expected boolean");
        }
        atom->boolean = json_is_true(json);
        break;
    case OVSDB_TYPE_STRING:
        if (!json_is_string(json)) {
            return ovsdb_syntax_err(errp, json, NULL, "expected string");
        }
        atom->string = ovsdb_str_create(json_string_value(json),
                                        json_string_length(json));
        break;
    case OVSDB_TYPE_UUID:
        if (uuid_from_json(&atom->uuid, json, symtab, errp)) {
            return EINVAL;
        }
        break;
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
    default:
        return ovsdb_err(errp, EINVAL, OVSDB_E_INTERNAL,
                         "atom of invalid type %d", base->type);
    }
    return 0;
}

int
ovsdb_atom_from_json(union ovsdb_atom *atom,
                     const struct ovsdb_base_type *base, const json_t *json,
                     struct ovsdb_symtab *symtab, struct ovsdb_error **errp)
{
    if (atom_parse(atom, base, json, symtab, errp)) {
        return EINVAL;
    }
    if (ovsdb_atom_check_constraints(atom, base, errp)) {
        ovsdb_atom_destroy(atom, base->type);
        return EINVAL;
    }
    return 0;
}

/* Immutable JSON values that every serialised datum may share (a large
 * select or monitor reply holds hundreds of thousands of them): the tags
 * "uuid", "set" and "map", and the empty set and map.  Created once, never
 * freed; jansson's reference counts are atomic, so any thread may take a
 * reference.  Callers must not modify what ovsdb_atom_to_json() and
 * ovsdb_datum_to_json() return in place, except by storing a value back
 * where it was. */
enum shared_json_id {
    SHARED_UUID,
    SHARED_SET,
    SHARED_MAP,
    SHARED_EMPTY_SET,
    SHARED_EMPTY_MAP,
    N_SHARED_JSON
};

static json_t *shared_jsons[N_SHARED_JSON];
static pthread_once_t shared_jsons_once = PTHREAD_ONCE_INIT;

static void
shared_jsons_init(void)
{
    shared_jsons[SHARED_UUID] = json_stringn_nocheck("uuid", 4);
    shared_jsons[SHARED_SET] = json_stringn_nocheck("set", 3);
    shared_jsons[SHARED_MAP] = json_stringn_nocheck("map", 3);
    shared_jsons[SHARED_EMPTY_SET] =
        json_pack("[Oo]", shared_jsons[SHARED_SET], json_array());
    shared_jsons[SHARED_EMPTY_MAP] =
        json_pack("[Oo]", shared_jsons[SHARED_MAP], json_array());
}

/* Returns a new reference to shared value ID. */
static json_t *
shared_json(enum shared_json_id id)
{
    pthread_once(&shared_jsons_once, shared_jsons_init);
    return json_incref(shared_jsons[id]);
}

json_t *
ovsdb_atom_to_json(const union ovsdb_atom *atom, enum ovsdb_atomic_type type)
{
    char uuid[OVSDB_UUID_LEN + 1];

    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return json_integer(atom->integer);
    case OVSDB_TYPE_REAL:
        return json_real(atom->real);
    case OVSDB_TYPE_BOOLEAN:
        return json_boolean(atom->boolean);
    case OVSDB_TYPE_STRING:
        return json_stringn_nocheck(atom->string->s, atom->string->len);
    case OVSDB_TYPE_UUID: {
        json_t *array = json_array();
        json_array_append_new(array, shared_json(SHARED_UUID));
        json_array_append_new(
            array, json_stringn_nocheck(ovsdb_uuid_format(&atom->uuid, uuid),
                                        OVSDB_UUID_LEN));
        return array;
    }
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
    nf_abort("atom of invalid type %d", type);
}

/* Datums. */

void
ovsdb_datum_init_default(struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    if (!type->n_min) {
        ovsdb_datum_init_empty(d);
        return;
    }
    d->n = 1;
    d->keys = xmalloc(sizeof *d->keys);
    ovsdb_atom_init_default(&d->keys[0], type->key.type);
    if (ovsdb_type_is_map(type)) {
        d->values = xmalloc(sizeof *d->values);
        ovsdb_atom_init_default(&d->values[0], type->value.type);
    } else {
        d->values = NULL;
    }
}

bool
ovsdb_datum_is_default(const struct ovsdb_datum *d,
                       const struct ovsdb_type *type)
{
    if (!type->n_min) {
        return d->n == 0;
    }
    return (d->n == 1 && ovsdb_atom_is_default(&d->keys[0], type->key.type)
            && (!ovsdb_type_is_map(type)
                || ovsdb_atom_is_default(&d->values[0], type->value.type)));
}

void
ovsdb_datum_init_single(struct ovsdb_datum *d, const struct ovsdb_type *type,
                        const union ovsdb_atom *key,
                        const union ovsdb_atom *value)
{
    d->n = 1;
    d->keys = xmalloc(sizeof *d->keys);
    ovsdb_atom_clone(&d->keys[0], key, type->key.type);
    if (ovsdb_type_is_map(type) && value) {
        d->values = xmalloc(sizeof *d->values);
        ovsdb_atom_clone(&d->values[0], value, type->value.type);
    } else {
        /* A set (VALUE is then NULL, as the contract says). */
        d->values = NULL;
    }
}

static void
destroy_atoms(union ovsdb_atom *atoms, unsigned int n,
              enum ovsdb_atomic_type type)
{
    if (type == OVSDB_TYPE_STRING) {
        for (unsigned int i = 0; i < n; i++) {
            ovsdb_str_unref(atoms[i].string);
        }
    }
}

void
ovsdb_datum_destroy(struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    destroy_atoms(d->keys, d->n, type->key.type);
    free(d->keys);
    if (d->values) {
        destroy_atoms(d->values, d->n, type->value.type);
        free(d->values);
    }
    ovsdb_datum_init_empty(d);
}

static union ovsdb_atom *
clone_atoms(const union ovsdb_atom *src, unsigned int n,
            enum ovsdb_atomic_type type)
{
    if (!n) {
        return NULL;
    }
    union ovsdb_atom *dst = xmemdup(src, n * sizeof *src);
    if (type == OVSDB_TYPE_STRING) {
        for (unsigned int i = 0; i < n; i++) {
            ovsdb_str_ref(dst[i].string);
        }
    }
    return dst;
}

void
ovsdb_datum_clone(struct ovsdb_datum *dst, const struct ovsdb_datum *src,
                  const struct ovsdb_type *type)
{
    dst->n = src->n;
    dst->keys = clone_atoms(src->keys, src->n, type->key.type);
    dst->values =
        (src->values ? clone_atoms(src->values, src->n, type->value.type)
                     : NULL);
}

void
ovsdb_datum_swap(struct ovsdb_datum *a, struct ovsdb_datum *b)
{
    struct ovsdb_datum tmp = *a;
    *a = *b;
    *b = tmp;
}

int
ovsdb_datum_compare_3way(const struct ovsdb_datum *a,
                         const struct ovsdb_datum *b,
                         const struct ovsdb_type *type)
{
    if (a->n != b->n) {
        return a->n < b->n ? -1 : 1;
    }
    for (unsigned int i = 0; i < a->n; i++) {
        int c =
            ovsdb_atom_compare_3way(&a->keys[i], &b->keys[i], type->key.type);
        if (c) {
            return c;
        }
    }
    if (ovsdb_type_is_map(type)) {
        for (unsigned int i = 0; i < a->n; i++) {
            int c = ovsdb_atom_compare_3way(&a->values[i], &b->values[i],
                                            type->value.type);
            if (c) {
                return c;
            }
        }
    }
    return 0;
}

bool
ovsdb_datum_equals(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
                   const struct ovsdb_type *type)
{
    return a->n == b->n && !ovsdb_datum_compare_3way(a, b, type);
}

uint32_t
ovsdb_datum_hash(const struct ovsdb_datum *d, const struct ovsdb_type *type,
                 uint32_t basis)
{
    uint32_t h = basis;
    for (unsigned int i = 0; i < d->n; i++) {
        h = ovsdb_atom_hash(&d->keys[i], type->key.type, h);
        if (d->values) {
            h = ovsdb_atom_hash(&d->values[i], type->value.type, h);
        }
    }
    return hash_int(d->n, h);
}

unsigned int
ovsdb_datum_find_key(const struct ovsdb_datum *d, const union ovsdb_atom *key,
                     enum ovsdb_atomic_type key_type)
{
    unsigned int lo = 0, hi = d->n;
    while (lo < hi) {
        unsigned int mid = lo + (hi - lo) / 2;
        int c = ovsdb_atom_compare_3way(key, &d->keys[mid], key_type);
        if (!c) {
            return mid;
        } else if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return UINT_MAX;
}

/* Whether element I of A (a pair for a map) is in B. */
static bool
has_element(const struct ovsdb_datum *b, const struct ovsdb_datum *a,
            unsigned int i, const struct ovsdb_type *type)
{
    unsigned int j = ovsdb_datum_find_key(b, &a->keys[i], type->key.type);
    return (j != UINT_MAX
            && (!ovsdb_type_is_map(type)
                || ovsdb_atom_equals(&a->values[i], &b->values[j],
                                     type->value.type)));
}

bool
ovsdb_datum_includes_all(const struct ovsdb_datum *a,
                         const struct ovsdb_datum *b,
                         const struct ovsdb_type *type)
{
    if (a->n > b->n) {
        return false;
    }
    for (unsigned int i = 0; i < a->n; i++) {
        if (!has_element(b, a, i, type)) {
            return false;
        }
    }
    return true;
}

bool
ovsdb_datum_excludes_all(const struct ovsdb_datum *a,
                         const struct ovsdb_datum *b,
                         const struct ovsdb_type *type)
{
    for (unsigned int i = 0; i < a->n; i++) {
        if (has_element(b, a, i, type)) {
            return false;
        }
    }
    return true;
}

void
ovsdb_datum_union(struct ovsdb_datum *d, const struct ovsdb_datum *b,
                  const struct ovsdb_type *type)
{
    enum ovsdb_atomic_type kt = type->key.type, vt = type->value.type;
    bool map = ovsdb_type_is_map(type);

    unsigned int n_new = 0;
    for (unsigned int i = 0; i < b->n; i++) {
        n_new += ovsdb_datum_find_key(d, &b->keys[i], kt) == UINT_MAX;
    }
    if (!n_new) {
        return;
    }

    /* Merge the two sorted arrays into new ones. */
    unsigned int n = d->n + n_new;
    union ovsdb_atom *keys = xmalloc(n * sizeof *keys);
    union ovsdb_atom *values = map ? xmalloc(n * sizeof *values) : NULL;
    unsigned int i = 0, j = 0, k = 0;
    while (i < d->n || j < b->n) {
        int c = (i >= d->n ? 1
                 : j >= b->n
                     ? -1
                     : ovsdb_atom_compare_3way(&d->keys[i], &b->keys[j], kt));
        if (c <= 0) {
            keys[k] = d->keys[i];
            if (map) {
                values[k] = d->values[i];
            }
            i++;
            j += !c;
        } else {
            ovsdb_atom_clone(&keys[k], &b->keys[j], kt);
            if (map) {
                ovsdb_atom_clone(&values[k], &b->values[j], vt);
            }
            j++;
        }
        k++;
    }
    nf_assert(k == n);
    free(d->keys);
    free(d->values);
    d->keys = keys;
    d->values = values;
    d->n = n;
}

void
ovsdb_datum_remove_at(struct ovsdb_datum *d, unsigned int idx,
                      const struct ovsdb_type *type)
{
    ovsdb_atom_destroy(&d->keys[idx], type->key.type);
    memmove(&d->keys[idx], &d->keys[idx + 1],
            (d->n - idx - 1) * sizeof *d->keys);
    if (d->values) {
        ovsdb_atom_destroy(&d->values[idx], type->value.type);
        memmove(&d->values[idx], &d->values[idx + 1],
                (d->n - idx - 1) * sizeof *d->values);
    }
    d->n--;
}

void
ovsdb_datum_subtract(struct ovsdb_datum *d, const struct ovsdb_type *type,
                     const struct ovsdb_datum *b,
                     const struct ovsdb_type *b_type)
{
    bool pairs = ovsdb_type_is_map(b_type) && ovsdb_type_is_map(type);
    unsigned int k = 0;

    for (unsigned int i = 0; i < d->n; i++) {
        unsigned int j = ovsdb_datum_find_key(b, &d->keys[i], type->key.type);
        bool remove = (j != UINT_MAX
                       && (!pairs
                           || ovsdb_atom_equals(&d->values[i], &b->values[j],
                                                type->value.type)));
        if (remove) {
            ovsdb_atom_destroy(&d->keys[i], type->key.type);
            if (d->values) {
                ovsdb_atom_destroy(&d->values[i], type->value.type);
            }
        } else {
            d->keys[k] = d->keys[i];
            if (d->values) {
                d->values[k] = d->values[i];
            }
            k++;
        }
    }
    d->n = k;
}

void
ovsdb_datum_diff(struct ovsdb_datum *diff, const struct ovsdb_datum *old,
                 const struct ovsdb_datum *new, const struct ovsdb_type *type)
{
    enum ovsdb_atomic_type kt = type->key.type, vt = type->value.type;
    bool map = ovsdb_type_is_map(type);
    unsigned int max = old->n + new->n;
    unsigned int i = 0, j = 0, k = 0;

    ovsdb_datum_init_empty(diff);
    if (!max) {
        return;
    }
    diff->keys = xmalloc(max * sizeof *diff->keys);
    diff->values = map ? xmalloc(max * sizeof *diff->values) : NULL;
    while (i < old->n || j < new->n) {
        int c = (i >= old->n   ? 1
                 : j >= new->n ? -1
                               : ovsdb_atom_compare_3way(&old->keys[i],
                                                         &new->keys[j], kt));
        if (c < 0) {
            ovsdb_atom_clone(&diff->keys[k], &old->keys[i], kt);
            if (map) {
                ovsdb_atom_clone(&diff->values[k], &old->values[i], vt);
            }
            k++;
            i++;
        } else if (c > 0
                   || (map
                       && !ovsdb_atom_equals(&old->values[i], &new->values[j],
                                             vt))) {
            ovsdb_atom_clone(&diff->keys[k], &new->keys[j], kt);
            if (map) {
                ovsdb_atom_clone(&diff->values[k], &new->values[j], vt);
            }
            k++;
            i += !c;
            j++;
        } else {
            i++;
            j++;
        }
    }
    diff->n = k;
}

int
ovsdb_datum_apply_diff(struct ovsdb_datum *d, const struct ovsdb_datum *diff,
                       const struct ovsdb_type *type,
                       struct ovsdb_error **errp)
{
    enum ovsdb_atomic_type kt = type->key.type, vt = type->value.type;
    bool map = ovsdb_type_is_map(type);
    unsigned int max = d->n + diff->n;
    union ovsdb_atom *keys = max ? xmalloc(max * sizeof *keys) : NULL;
    union ovsdb_atom *values =
        map && max ? xmalloc(max * sizeof *values) : NULL;
    unsigned int i = 0, j = 0, k = 0;

    /* Merge; D's atoms move into the new arrays or are destroyed. */
    while (i < d->n || j < diff->n) {
        int c = (i >= d->n      ? 1
                 : j >= diff->n ? -1
                                : ovsdb_atom_compare_3way(&d->keys[i],
                                                          &diff->keys[j], kt));
        if (c < 0) {
            keys[k] = d->keys[i];
            if (map) {
                values[k] = d->values[i];
            }
            k++;
            i++;
        } else if (c > 0) {
            ovsdb_atom_clone(&keys[k], &diff->keys[j], kt);
            if (map) {
                ovsdb_atom_clone(&values[k], &diff->values[j], vt);
            }
            k++;
            j++;
        } else if (map
                   && !ovsdb_atom_equals(&d->values[i], &diff->values[j],
                                         vt)) {
            keys[k] = d->keys[i];
            ovsdb_atom_destroy(&d->values[i], vt);
            ovsdb_atom_clone(&values[k], &diff->values[j], vt);
            k++;
            i++;
            j++;
        } else {
            ovsdb_atom_destroy(&d->keys[i], kt);
            if (map) {
                ovsdb_atom_destroy(&d->values[i], vt);
            }
            i++;
            j++;
        }
    }
    free(d->keys);
    free(d->values);
    d->keys = keys;
    d->values = values;
    d->n = k;
    if (!k) {
        free(d->keys);
        free(d->values);
        ovsdb_datum_init_empty(d);
    }

    if (d->n < type->n_min || d->n > type->n_max) {
        char *english = ovsdb_type_to_english(type);
        ovsdb_err(errp, EINVAL, OVSDB_E_CONSTRAINT,
                  "applying a difference leaves %u elements in %s", d->n,
                  english);
        free(english);
        return EINVAL;
    }
    return 0;
}

struct sort_aux {
    const struct ovsdb_datum *d;
    enum ovsdb_atomic_type key_type;
};

static int
compare_key_index(const void *a_, const void *b_, void *aux_)
{
    const unsigned int *a = a_, *b = b_;
    const struct sort_aux *aux = aux_;
    return ovsdb_atom_compare_3way(&aux->d->keys[*a], &aux->d->keys[*b],
                                   aux->key_type);
}

static bool
is_sorted(const struct ovsdb_datum *d, enum ovsdb_atomic_type kt, bool *dup)
{
    *dup = false;
    for (unsigned int i = 1; i < d->n; i++) {
        int c = ovsdb_atom_compare_3way(&d->keys[i - 1], &d->keys[i], kt);
        if (c > 0) {
            return false;
        }
        *dup |= !c;
    }
    return true;
}

int
ovsdb_datum_sort(struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    enum ovsdb_atomic_type kt = type->key.type;
    bool dup;

    /* Clients usually send sets already in order. */
    if (is_sorted(d, kt, &dup)) {
        return dup ? EEXIST : 0;
    }

    /* Sort a permutation, then apply it to keys and values alike. */
    unsigned int *perm = xmalloc(d->n * sizeof *perm);
    for (unsigned int i = 0; i < d->n; i++) {
        perm[i] = i;
    }
    struct sort_aux aux = { d, kt };
    qsort_r(perm, d->n, sizeof *perm, compare_key_index, &aux);

    union ovsdb_atom *keys = xmalloc(d->n * sizeof *keys);
    union ovsdb_atom *values =
        d->values ? xmalloc(d->n * sizeof *values) : NULL;
    for (unsigned int i = 0; i < d->n; i++) {
        keys[i] = d->keys[perm[i]];
        if (values) {
            values[i] = d->values[perm[i]];
        }
    }
    free(perm);
    free(d->keys);
    free(d->values);
    d->keys = keys;
    d->values = values;

    is_sorted(d, kt, &dup);
    return dup ? EEXIST : 0;
}

int
ovsdb_datum_check_constraints(const struct ovsdb_datum *d,
                              const struct ovsdb_type *type,
                              struct ovsdb_error **errp)
{
    if (d->n < type->n_min || d->n > type->n_max) {
        char *english = ovsdb_type_to_english(type);
        ovsdb_err(errp, EINVAL, OVSDB_E_CONSTRAINT,
                  "Attempted to store %u elements in %s.", d->n, english);
        free(english);
        return EINVAL;
    }
    for (unsigned int i = 0; i < d->n; i++) {
        if (ovsdb_atom_check_constraints(&d->keys[i], &type->key, errp)
            || (d->values
                && ovsdb_atom_check_constraints(&d->values[i], &type->value,
                                                errp))) {
            return EINVAL;
        }
    }
    return 0;
}

int
ovsdb_datum_check_unique(const struct ovsdb_datum *d,
                         const struct ovsdb_type *type,
                         struct ovsdb_error **errp)
{
    for (unsigned int i = 1; i < d->n; i++) {
        if (ovsdb_atom_equals(&d->keys[i - 1], &d->keys[i], type->key.type)) {
            return ovsdb_err(errp, EINVAL, OVSDB_E_OVSDB,
                             ovsdb_type_is_map(type)
                                 ? "map contains duplicate key"
                                 : "set contains duplicate");
        }
    }
    return 0;
}

/* Datum JSON. */

static int
count_error(const json_t *json, const struct ovsdb_type *type, size_t n,
            struct ovsdb_error **errp)
{
    const char *what = ovsdb_type_is_map(type) ? "map" : "set";
    if (type->n_min == type->n_max) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "%s must have exactly %u member%s but %zu "
                                "are present",
                                what, type->n_min, type->n_min == 1 ? "" : "s",
                                n);
    } else if (type->n_max == OVSDB_UNLIMITED) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "%s must have at least %u member%s but %zu "
                                "are present",
                                what, type->n_min, type->n_min == 1 ? "" : "s",
                                n);
    }
    return ovsdb_syntax_err(errp, json, NULL,
                            "%s must have %u to %u members but %zu are "
                            "present",
                            what, type->n_min, type->n_max, n);
}

int
ovsdb_datum_from_json_unchecked(struct ovsdb_datum *d,
                                const struct ovsdb_type *type,
                                const json_t *json,
                                struct ovsdb_symtab *symtab,
                                struct ovsdb_error **errp)
{
    bool map = ovsdb_type_is_map(type);
    const json_t *elems = NULL;
    size_t n;

    if (map || is_tagged(json, "set")) {
        const char *tag = map ? "map" : "set";
        elems = json_array_get(json, 1);
        if (json_array_size(json) != 2 || !is_tagged(json, tag)
            || !json_is_array(elems)) {
            return ovsdb_syntax_err(errp, json, NULL,
                                    "expected [\"%s\", <array>]", tag);
        }
        n = json_array_size(elems);
    } else {
        n = 1;
    }
    if (n < type->n_min || n > type->n_max) {
        return count_error(json, type, n, errp);
    }

    d->n = 0;
    d->keys = n ? xmalloc(n * sizeof *d->keys) : NULL;
    d->values = map && n ? xmalloc(n * sizeof *d->values) : NULL;
    for (size_t i = 0; i < n; i++) {
        const json_t *elem = elems ? json_array_get(elems, i) : json;
        if (map) {
            if (!json_is_array(elem) || json_array_size(elem) != 2) {
                ovsdb_syntax_err(errp, elem, NULL, "expected 2-element array");
                goto destroy_datum;
            }
            if (atom_parse(&d->keys[i], &type->key, json_array_get(elem, 0),
                           symtab, errp)) {
                goto destroy_datum;
            }
            if (atom_parse(&d->values[i], &type->value,
                           json_array_get(elem, 1), symtab, errp)) {
                ovsdb_atom_destroy(&d->keys[i], type->key.type);
                goto destroy_datum;
            }
        } else if (atom_parse(&d->keys[i], &type->key, elem, symtab, errp)) {
            goto destroy_datum;
        }
        d->n++;
    }

    /* A duplicate in a set is reported now, one in a map only by
     * ovsdb_datum_check_constraints(): the order ovsdb-server reports them
     * in. */
    if (ovsdb_datum_sort(d, type) && !map) {
        ovsdb_err(errp, EINVAL, OVSDB_E_OVSDB, "set contains duplicate");
        goto destroy_datum;
    }
    return 0;

destroy_datum:
    ovsdb_datum_destroy(d, type);
    return EINVAL;
}

int
ovsdb_datum_from_json(struct ovsdb_datum *d, const struct ovsdb_type *type,
                      const json_t *json, struct ovsdb_symtab *symtab,
                      struct ovsdb_error **errp)
{
    if (ovsdb_datum_from_json_unchecked(d, type, json, symtab, errp)) {
        return EINVAL;
    }
    if (ovsdb_datum_check_constraints(d, type, errp)
        || ovsdb_datum_check_unique(d, type, errp)) {
        ovsdb_datum_destroy(d, type);
        return EINVAL;
    }
    return 0;
}

/* Returns [TAG, ELEMS], taking ELEMS's reference; TAG is SHARED_SET or
 * SHARED_MAP. */
static json_t *
tagged_array(enum shared_json_id tag, json_t *elems)
{
    json_t *json = json_array();
    json_array_append_new(json, shared_json(tag));
    json_array_append_new(json, elems);
    return json;
}

json_t *
ovsdb_datum_to_json(const struct ovsdb_datum *d, const struct ovsdb_type *type)
{
    if (ovsdb_type_is_map(type)) {
        if (!d->n) {
            return shared_json(SHARED_EMPTY_MAP);
        }
        json_t *pairs = json_array();
        for (unsigned int i = 0; i < d->n; i++) {
            json_t *pair = json_array();
            json_array_append_new(
                pair, ovsdb_atom_to_json(&d->keys[i], type->key.type));
            json_array_append_new(
                pair, ovsdb_atom_to_json(&d->values[i], type->value.type));
            json_array_append_new(pairs, pair);
        }
        return tagged_array(SHARED_MAP, pairs);
    }
    if (d->n == 1) {
        return ovsdb_atom_to_json(&d->keys[0], type->key.type);
    } else if (!d->n) {
        return shared_json(SHARED_EMPTY_SET);
    }

    json_t *elems = json_array();
    for (unsigned int i = 0; i < d->n; i++) {
        json_array_append_new(elems,
                              ovsdb_atom_to_json(&d->keys[i], type->key.type));
    }
    return tagged_array(SHARED_SET, elems);
}

void
ovsdb_datum_to_buf(const struct ovsdb_datum *d, const struct ovsdb_type *type,
                   struct buf *out)
{
    bool map = ovsdb_type_is_map(type);
    bool bare = !map && ovsdb_type_is_scalar(type) && d->n == 1;

    if (!bare) {
        buf_put_char(out, map ? '{' : '[');
    }
    for (unsigned int i = 0; i < d->n; i++) {
        if (i) {
            buf_put_cstr(out, ", ");
        }
        ovsdb_atom_to_buf(&d->keys[i], type->key.type, out);
        if (map) {
            buf_put_char(out, '=');
            ovsdb_atom_to_buf(&d->values[i], type->value.type, out);
        }
    }
    if (!bare) {
        buf_put_char(out, map ? '}' : ']');
    }
}

bool
ovsdb_string_needs_quotes(const char *s)
{
    struct ovsdb_uuid uuid;

    if (!isalpha((unsigned char) *s) && *s != '_') {
        return true;
    }
    for (const char *p = s + 1; *p; p++) {
        if (!isalnum((unsigned char) *p) && *p != '_' && *p != '-'
            && *p != '.') {
            return true;
        }
    }
    return !strcmp(s, "true") || !strcmp(s, "false")
           || ovsdb_uuid_from_string(&uuid, s);
}
