/* types.c: OVSDB column types: parsing, printing, copying. */
#include "ovsdb/types.h"

#include <errno.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "ovsdb/datum.h"
#include "ovsdb/parser.h"

static const char *const atomic_type_names[OVSDB_N_TYPES] = {
    [OVSDB_TYPE_VOID] = "void",     [OVSDB_TYPE_INTEGER] = "integer",
    [OVSDB_TYPE_REAL] = "real",     [OVSDB_TYPE_BOOLEAN] = "boolean",
    [OVSDB_TYPE_STRING] = "string", [OVSDB_TYPE_UUID] = "uuid",
};

const char *
ovsdb_atomic_type_to_string(enum ovsdb_atomic_type type)
{
    return type < OVSDB_N_TYPES ? atomic_type_names[type] : "<invalid>";
}

bool
ovsdb_atomic_type_from_string(const char *s, enum ovsdb_atomic_type *type)
{
    /* "void" is internal: no column can be declared with it. */
    for (int i = OVSDB_TYPE_VOID + 1; i < OVSDB_N_TYPES; i++) {
        if (!strcmp(s, atomic_type_names[i])) {
            *type = i;
            return true;
        }
    }
    return false;
}

/* Base types. */

void
ovsdb_base_type_init(struct ovsdb_base_type *base, enum ovsdb_atomic_type type)
{
    memset(base, 0, sizeof *base);
    base->type = type;
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        base->u.integer.min = INT64_MIN;
        base->u.integer.max = INT64_MAX;
        break;
    case OVSDB_TYPE_REAL:
        base->u.real.min = -DBL_MAX;
        base->u.real.max = DBL_MAX;
        break;
    case OVSDB_TYPE_STRING:
        base->u.string.min_len = 0;
        base->u.string.max_len = UINT_MAX;
        break;
    case OVSDB_TYPE_UUID:
        base->u.uuid.ref_type = OVSDB_REF_STRONG;
        break;
    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
    case OVSDB_N_TYPES:
        break;
    }
}

/* The type of an "enum" set for BASE: one or more atoms of BASE's atomic
 * type, unconstrained. */
static void
enum_type_init(struct ovsdb_type *type, enum ovsdb_atomic_type atomic)
{
    ovsdb_base_type_init(&type->key, atomic);
    ovsdb_base_type_init(&type->value, OVSDB_TYPE_VOID);
    type->n_min = 1;
    type->n_max = OVSDB_UNLIMITED;
}

#define TYPE_BIT(T) (1u << (T))
#define ALL_TYPES (~0u)

/* The members a <base-type> object may have, and for which atomic types
 * each is allowed (RFC 7047 section 3.2). */
static const struct base_member {
    const char *name;
    unsigned int types;
} base_members[] = {
    { "type", ALL_TYPES },
    { "enum", ALL_TYPES },
    { "minInteger", TYPE_BIT(OVSDB_TYPE_INTEGER) },
    { "maxInteger", TYPE_BIT(OVSDB_TYPE_INTEGER) },
    { "minReal", TYPE_BIT(OVSDB_TYPE_REAL) },
    { "maxReal", TYPE_BIT(OVSDB_TYPE_REAL) },
    { "minLength", TYPE_BIT(OVSDB_TYPE_STRING) },
    { "maxLength", TYPE_BIT(OVSDB_TYPE_STRING) },
    { "refTable", TYPE_BIT(OVSDB_TYPE_UUID) },
    { "refType", TYPE_BIT(OVSDB_TYPE_UUID) },
};

static const struct base_member *
find_base_member(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(base_members); i++) {
        if (!strcmp(base_members[i].name, name)) {
            return &base_members[i];
        }
    }
    return NULL;
}

/* Parses optional integer member NAME of OBJ into *VALUE within [MIN, MAX].
 * Leaves *VALUE alone if absent. */
static int
parse_int_member(const json_t *obj, const char *name, long long min,
                 long long max, long long *value, struct ovsdb_error **errp)
{
    const json_t *json = json_object_get(obj, name);
    if (!json) {
        return 0;
    }
    if (!json_is_integer(json)) {
        return ovsdb_syntax_err(errp, json, NULL, "%s must be an integer",
                                name);
    }
    long long v = json_integer_value(json);
    if (v < min || v > max) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "%s out of valid range %lld to %lld", name,
                                min, max);
    }
    *value = v;
    return 0;
}

static int
parse_real_member(const json_t *obj, const char *name, double *value,
                  struct ovsdb_error **errp)
{
    const json_t *json = json_object_get(obj, name);
    if (!json) {
        return 0;
    }
    if (!json_is_number(json)) {
        return ovsdb_syntax_err(errp, json, NULL, "%s must be a number", name);
    }
    *value = json_number_value(json);
    return 0;
}

static int
parse_base_constraints(struct ovsdb_base_type *base, const json_t *json,
                       struct ovsdb_error **errp)
{
    switch (base->type) {
    case OVSDB_TYPE_INTEGER: {
        long long min = INT64_MIN, max = INT64_MAX;
        if (parse_int_member(json, "minInteger", INT64_MIN, INT64_MAX, &min,
                             errp)
            || parse_int_member(json, "maxInteger", INT64_MIN, INT64_MAX, &max,
                                errp)) {
            return EINVAL;
        }
        if (min > max) {
            return ovsdb_syntax_err(errp, json, NULL,
                                    "minInteger exceeds maxInteger");
        }
        base->u.integer.min = min;
        base->u.integer.max = max;
        return 0;
    }

    case OVSDB_TYPE_REAL:
        if (parse_real_member(json, "minReal", &base->u.real.min, errp)
            || parse_real_member(json, "maxReal", &base->u.real.max, errp)) {
            return EINVAL;
        }
        if (base->u.real.min > base->u.real.max) {
            return ovsdb_syntax_err(errp, json, NULL,
                                    "minReal exceeds maxReal");
        }
        return 0;

    case OVSDB_TYPE_STRING: {
        long long min = 0, max = UINT_MAX;
        if (parse_int_member(json, "minLength", 0, UINT_MAX, &min, errp)
            || parse_int_member(json, "maxLength", 0, UINT_MAX, &max, errp)) {
            return EINVAL;
        }
        if (min > max) {
            return ovsdb_syntax_err(errp, json, NULL,
                                    "minLength exceeds maxLength");
        }
        base->u.string.min_len = min;
        base->u.string.max_len = max;
        return 0;
    }

    case OVSDB_TYPE_UUID: {
        const json_t *ref_table = json_object_get(json, "refTable");
        const json_t *ref_type = json_object_get(json, "refType");
        if (ref_table) {
            if (!json_is_string(ref_table)
                || !ovsdb_is_id(json_string_value(ref_table))) {
                return ovsdb_syntax_err(errp, ref_table, NULL,
                                        "refTable must be a table name");
            }
        } else if (ref_type) {
            return ovsdb_syntax_err(errp, json, NULL,
                                    "refType requires refTable");
        }
        if (ref_type) {
            const char *s =
                json_is_string(ref_type) ? json_string_value(ref_type) : "";
            if (!strcmp(s, "strong")) {
                base->u.uuid.ref_type = OVSDB_REF_STRONG;
            } else if (!strcmp(s, "weak")) {
                base->u.uuid.ref_type = OVSDB_REF_WEAK;
            } else {
                return ovsdb_syntax_err(errp, ref_type, NULL,
                                        "refType must be \"strong\" or "
                                        "\"weak\"");
            }
        }
        if (ref_table) {
            base->u.uuid.ref_table_name =
                xstrdup(json_string_value(ref_table));
        }
        return 0;
    }

    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
    case OVSDB_N_TYPES:
        break;
    }
    return 0;
}

int
ovsdb_base_type_from_json(struct ovsdb_base_type *base, const json_t *json,
                          struct ovsdb_error **errp)
{
    enum ovsdb_atomic_type atomic;

    if (json_is_string(json)) {
        if (!ovsdb_atomic_type_from_string(json_string_value(json), &atomic)) {
            return ovsdb_syntax_err(errp, json, NULL,
                                    "\"%s\" is not an atomic-type",
                                    json_string_value(json));
        }
        ovsdb_base_type_init(base, atomic);
        return 0;
    }
    if (!json_is_object(json)) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "base type must be an atomic-type name or "
                                "an object");
    }

    const json_t *type_json = json_object_get(json, "type");
    if (!type_json) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "base type object lacks required member "
                                "\"type\"");
    }
    if (!json_is_string(type_json)
        || !ovsdb_atomic_type_from_string(json_string_value(type_json),
                                          &atomic)) {
        return ovsdb_syntax_err(errp, type_json, NULL,
                                "\"type\" must be an atomic-type name");
    }

    /* Each member must be known and allowed for this atomic type, and
     * "enum" excludes every other constraint. */
    const json_t *enum_json = json_object_get(json, "enum");
    const char *key;
    const json_t *value;
    json_object_foreach ((json_t *) json, key, value) {
        const struct base_member *m = find_base_member(key);
        if (!m) {
            return ovsdb_syntax_err(errp, json, NULL,
                                    "unknown member \"%s\" in base type", key);
        }
        if (!(m->types & TYPE_BIT(atomic))) {
            return ovsdb_syntax_err(errp, json, NULL,
                                    "member \"%s\" is not allowed in a "
                                    "base type of type %s",
                                    key, ovsdb_atomic_type_to_string(atomic));
        }
        if (enum_json && strcmp(key, "type") && strcmp(key, "enum")) {
            return ovsdb_syntax_err(errp, json, NULL,
                                    "member \"%s\" may not be combined with "
                                    "\"enum\"",
                                    key);
        }
    }

    ovsdb_base_type_init(base, atomic);
    if (parse_base_constraints(base, json, errp)) {
        goto destroy_base;
    }
    if (enum_json) {
        struct ovsdb_type enum_type;
        enum_type_init(&enum_type, atomic);
        base->enum_ = xmalloc(sizeof *base->enum_);
        if (ovsdb_datum_from_json(base->enum_, &enum_type, enum_json, NULL,
                                  errp)) {
            free(base->enum_);
            base->enum_ = NULL;
            goto destroy_base;
        }
    }
    return 0;

destroy_base:
    ovsdb_base_type_destroy(base);
    return EINVAL;
}

bool
ovsdb_base_type_has_constraints(const struct ovsdb_base_type *base)
{
    if (base->enum_) {
        return true;
    }
    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        return (base->u.integer.min != INT64_MIN
                || base->u.integer.max != INT64_MAX);
    case OVSDB_TYPE_REAL:
        return base->u.real.min != -DBL_MAX || base->u.real.max != DBL_MAX;
    case OVSDB_TYPE_STRING:
        return (base->u.string.min_len != 0
                || base->u.string.max_len != UINT_MAX);
    case OVSDB_TYPE_UUID:
        return base->u.uuid.ref_table_name != NULL;
    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
    case OVSDB_N_TYPES:
        break;
    }
    return false;
}

json_t *
ovsdb_base_type_to_json(const struct ovsdb_base_type *base)
{
    const char *name = ovsdb_atomic_type_to_string(base->type);
    if (!ovsdb_base_type_has_constraints(base)) {
        return json_string(name);
    }

    json_t *json = json_object();
    json_object_set_new(json, "type", json_string(name));
    if (base->enum_) {
        struct ovsdb_type enum_type;
        enum_type_init(&enum_type, base->type);
        json_object_set_new(json, "enum",
                            ovsdb_datum_to_json(base->enum_, &enum_type));
        return json;
    }

    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        if (base->u.integer.min != INT64_MIN) {
            json_object_set_new(json, "minInteger",
                                json_integer(base->u.integer.min));
        }
        if (base->u.integer.max != INT64_MAX) {
            json_object_set_new(json, "maxInteger",
                                json_integer(base->u.integer.max));
        }
        break;
    case OVSDB_TYPE_REAL:
        if (base->u.real.min != -DBL_MAX) {
            json_object_set_new(json, "minReal", json_real(base->u.real.min));
        }
        if (base->u.real.max != DBL_MAX) {
            json_object_set_new(json, "maxReal", json_real(base->u.real.max));
        }
        break;
    case OVSDB_TYPE_STRING:
        if (base->u.string.min_len != 0) {
            json_object_set_new(json, "minLength",
                                json_integer(base->u.string.min_len));
        }
        if (base->u.string.max_len != UINT_MAX) {
            json_object_set_new(json, "maxLength",
                                json_integer(base->u.string.max_len));
        }
        break;
    case OVSDB_TYPE_UUID:
        json_object_set_new(json, "refTable",
                            json_string(base->u.uuid.ref_table_name));
        if (base->u.uuid.ref_type == OVSDB_REF_WEAK) {
            json_object_set_new(json, "refType", json_string("weak"));
        }
        break;
    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
    case OVSDB_N_TYPES:
        break;
    }
    return json;
}

void
ovsdb_base_type_destroy(struct ovsdb_base_type *base)
{
    if (base->enum_) {
        struct ovsdb_type enum_type;
        enum_type_init(&enum_type, base->type);
        ovsdb_datum_destroy(base->enum_, &enum_type);
        free(base->enum_);
        base->enum_ = NULL;
    }
    if (base->type == OVSDB_TYPE_UUID) {
        free(base->u.uuid.ref_table_name);
        base->u.uuid.ref_table_name = NULL;
    }
}

void
ovsdb_base_type_clone(struct ovsdb_base_type *dst,
                      const struct ovsdb_base_type *src)
{
    *dst = *src;
    if (src->enum_) {
        struct ovsdb_type enum_type;
        enum_type_init(&enum_type, src->type);
        dst->enum_ = xmalloc(sizeof *dst->enum_);
        ovsdb_datum_clone(dst->enum_, src->enum_, &enum_type);
    }
    if (src->type == OVSDB_TYPE_UUID && src->u.uuid.ref_table_name) {
        dst->u.uuid.ref_table_name = xstrdup(src->u.uuid.ref_table_name);
    }
}

void
ovsdb_base_type_clear_constraints(struct ovsdb_base_type *base)
{
    enum ovsdb_atomic_type type = base->type;
    ovsdb_base_type_destroy(base);
    ovsdb_base_type_init(base, type);
}

/* Column types. */

void
ovsdb_type_init_scalar(struct ovsdb_type *type,
                       enum ovsdb_atomic_type key_type)
{
    ovsdb_base_type_init(&type->key, key_type);
    ovsdb_base_type_init(&type->value, OVSDB_TYPE_VOID);
    type->n_min = type->n_max = 1;
}

/* The members of a <type> object. */
static const char *const type_members[] = { "key", "value", "min", "max" };

int
ovsdb_type_from_json(struct ovsdb_type *type, const json_t *json,
                     struct ovsdb_error **errp)
{
    ovsdb_base_type_init(&type->value, OVSDB_TYPE_VOID);
    type->n_min = type->n_max = 1;

    if (json_is_string(json)) {
        return ovsdb_base_type_from_json(&type->key, json, errp);
    }
    if (!json_is_object(json)) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "type must be an atomic-type name or an "
                                "object");
    }

    const char *key;
    const json_t *value;
    json_object_foreach ((json_t *) json, key, value) {
        size_t i;
        for (i = 0; i < ARRAY_SIZE(type_members); i++) {
            if (!strcmp(key, type_members[i])) {
                break;
            }
        }
        if (i >= ARRAY_SIZE(type_members)) {
            return ovsdb_syntax_err(errp, json, NULL,
                                    "unknown member \"%s\" in type", key);
        }
    }

    const json_t *key_json = json_object_get(json, "key");
    const json_t *value_json = json_object_get(json, "value");
    const json_t *min_json = json_object_get(json, "min");
    const json_t *max_json = json_object_get(json, "max");
    long long n_min = 1, n_max = 1;

    if (!key_json) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "type object lacks required member "
                                "\"key\"");
    }
    if (min_json) {
        if (!json_is_integer(min_json)) {
            return ovsdb_syntax_err(errp, min_json, NULL,
                                    "\"min\" must be an integer");
        }
        n_min = json_integer_value(min_json);
    }
    if (max_json) {
        if (json_is_string(max_json)
            && !strcmp(json_string_value(max_json), "unlimited")) {
            n_max = OVSDB_UNLIMITED;
        } else if (json_is_integer(max_json)) {
            n_max = json_integer_value(max_json);
        } else {
            return ovsdb_syntax_err(errp, max_json, NULL,
                                    "\"max\" must be an integer or "
                                    "\"unlimited\"");
        }
    }
    if (n_min != 0 && n_min != 1) {
        return ovsdb_syntax_err(errp, json, NULL, "\"min\" must be 0 or 1");
    }
    if (n_max < 1 || n_max > OVSDB_UNLIMITED || n_max < n_min) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "\"max\" must be at least 1 and at least "
                                "\"min\"");
    }

    if (ovsdb_base_type_from_json(&type->key, key_json, errp)) {
        return EINVAL;
    }
    if (value_json
        && ovsdb_base_type_from_json(&type->value, value_json, errp)) {
        ovsdb_base_type_destroy(&type->key);
        return EINVAL;
    }
    type->n_min = n_min;
    type->n_max = n_max;
    return 0;
}

json_t *
ovsdb_type_to_json(const struct ovsdb_type *type)
{
    if (ovsdb_type_is_scalar(type)
        && !ovsdb_base_type_has_constraints(&type->key)) {
        return ovsdb_base_type_to_json(&type->key);
    }

    json_t *json = json_object();
    json_object_set_new(json, "key", ovsdb_base_type_to_json(&type->key));
    if (ovsdb_type_is_map(type)) {
        json_object_set_new(json, "value",
                            ovsdb_base_type_to_json(&type->value));
    }
    if (type->n_min != 1) {
        json_object_set_new(json, "min", json_integer(type->n_min));
    }
    if (type->n_max == OVSDB_UNLIMITED) {
        json_object_set_new(json, "max", json_string("unlimited"));
    } else if (type->n_max != 1) {
        json_object_set_new(json, "max", json_integer(type->n_max));
    }
    return json;
}

void
ovsdb_type_destroy(struct ovsdb_type *type)
{
    ovsdb_base_type_destroy(&type->key);
    ovsdb_base_type_destroy(&type->value);
}

void
ovsdb_type_clone(struct ovsdb_type *dst, const struct ovsdb_type *src)
{
    ovsdb_base_type_clone(&dst->key, &src->key);
    ovsdb_base_type_clone(&dst->value, &src->value);
    dst->n_min = src->n_min;
    dst->n_max = src->n_max;
}

bool
ovsdb_type_has_strong_refs(const struct ovsdb_type *type)
{
    return (ovsdb_base_type_is_strong_ref(&type->key)
            || ovsdb_base_type_is_strong_ref(&type->value));
}

bool
ovsdb_type_has_weak_refs(const struct ovsdb_type *type)
{
    return (ovsdb_base_type_is_weak_ref(&type->key)
            || ovsdb_base_type_is_weak_ref(&type->value));
}

static void
base_to_english(const struct ovsdb_base_type *base, bool plural,
                struct buf *out)
{
    buf_put_cstr(out, ovsdb_atomic_type_to_string(base->type));
    if (plural) {
        buf_put_char(out, 's');
    }
    if (ovsdb_base_type_is_ref(base)) {
        buf_printf(out, " (%s references to %s)",
                   base->u.uuid.ref_type == OVSDB_REF_WEAK ? "weak" : "strong",
                   base->u.uuid.ref_table_name);
    }
}

char *
ovsdb_type_to_english(const struct ovsdb_type *type)
{
    struct buf out = BUF_INITIALIZER;

    if (ovsdb_type_is_scalar(type)) {
        base_to_english(&type->key, false, &out);
        return buf_steal_cstr(&out);
    }

    buf_put_cstr(&out, ovsdb_type_is_map(type) ? "map of " : "set of ");
    if (type->n_max == OVSDB_UNLIMITED) {
        if (type->n_min) {
            buf_printf(&out, "%u or more ", type->n_min);
        }
    } else if (type->n_min == type->n_max) {
        buf_printf(&out, "exactly %u ", type->n_min);
    } else if (!type->n_min) {
        buf_printf(&out, "up to %u ", type->n_max);
    } else {
        buf_printf(&out, "%u to %u ", type->n_min, type->n_max);
    }
    if (ovsdb_type_is_map(type)) {
        base_to_english(&type->key, false, &out);
        buf_put_cstr(&out, "-");
        base_to_english(&type->value, false, &out);
        buf_put_cstr(&out, " pairs");
    } else {
        base_to_english(&type->key, true, &out);
    }
    return buf_steal_cstr(&out);
}
