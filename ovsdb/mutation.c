/* mutation.c: parsing and applying "mutate" operations' mutations. */
#include "ovsdb/mutation.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* Which column types each mutator applies to. */
enum mutator_kind {
    M_ARITH,     /* Integer or real scalars and sets. */
    M_ARITH_INT, /* Integer scalars and sets. */
    M_SET_OP,    /* Sets and maps. */
};

static const struct mutator_desc {
    const char *name;
    enum ovsdb_mutator mutator;
    enum mutator_kind kind;
} mutators[] = {
    { "+=", OVSDB_M_ADD, M_ARITH },
    { "-=", OVSDB_M_SUB, M_ARITH },
    { "*=", OVSDB_M_MUL, M_ARITH },
    { "/=", OVSDB_M_DIV, M_ARITH },
    { "%=", OVSDB_M_MOD, M_ARITH_INT },
    { "insert", OVSDB_M_INSERT, M_SET_OP },
    { "delete", OVSDB_M_DELETE, M_SET_OP },
};

static const char *
mutator_name(enum ovsdb_mutator mutator)
{
    for (size_t i = 0; i < ARRAY_SIZE(mutators); i++) {
        if (mutators[i].mutator == mutator) {
            return mutators[i].name;
        }
    }
    return "<invalid>";
}

static bool
kind_applies(enum mutator_kind kind, const struct ovsdb_type *type)
{
    enum ovsdb_atomic_type key = type->key.type;
    switch (kind) {
    case M_ARITH:
        return (!ovsdb_type_is_map(type)
                && (key == OVSDB_TYPE_INTEGER || key == OVSDB_TYPE_REAL));
    case M_ARITH_INT:
        return !ovsdb_type_is_map(type) && key == OVSDB_TYPE_INTEGER;
    case M_SET_OP:
        return !ovsdb_type_is_scalar(type);
    }
    return false;
}

static int
mutation_from_json(const struct ovsdb_table_schema *ts, const json_t *json,
                   struct ovsdb_symtab *symtab, struct ovsdb_mutation *m,
                   struct ovsdb_error **errp)
{
    const json_t *column_json = json_array_get(json, 0);
    const json_t *mutator_json = json_array_get(json, 1);
    const json_t *arg_json = json_array_get(json, 2);

    if (!json_is_array(json) || json_array_size(json) != 3
        || !json_is_string(column_json) || !json_is_string(mutator_json)) {
        return ovsdb_syntax_err(errp, json, NULL, "Parse error in mutation.");
    }

    const char *column_name = json_string_value(column_json);
    const struct ovsdb_column *column =
        ovsdb_table_schema_get_column(ts, column_name);
    if (!column) {
        return ovsdb_syntax_err(errp, json, OVSDB_E_UNKNOWN_COLUMN,
                                "No column %s in table %s.", column_name,
                                ts->name);
    }

    const char *name = json_string_value(mutator_json);
    const struct mutator_desc *desc = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(mutators); i++) {
        if (!strcmp(mutators[i].name, name)) {
            desc = &mutators[i];
            break;
        }
    }
    if (!desc) {
        return ovsdb_err(errp, EINVAL, OVSDB_E_UNKNOWN_MUTATOR,
                         "No mutator named %s.", name);
    }
    if (!column->is_mutable) {
        return ovsdb_syntax_err(errp, json, OVSDB_E_CONSTRAINT,
                                "Cannot mutate immutable column %s in table "
                                "%s.",
                                column->name, ts->name);
    }
    if (!kind_applies(desc->kind, &column->type)) {
        char *english = ovsdb_type_to_english(&column->type);
        ovsdb_syntax_err(errp, json, NULL,
                         "Type mismatch: \"%s\" operator may not be applied "
                         "to column %s of type %s.",
                         name, column->name, english);
        free(english);
        return EINVAL;
    }

    /* The argument's type: one unconstrained number for arithmetic (the
     * result is what must fit the column); the column's type for
     * "insert"; for "delete", the column's type or, on a map, also a set
     * of keys.  Set operands may have fewer elements than the column's
     * minimum. */
    struct ovsdb_type *type = &m->arg_type;
    if (desc->kind != M_SET_OP) {
        ovsdb_type_init_scalar(type, column->type.key.type);
    } else if (desc->mutator == OVSDB_M_DELETE
               && ovsdb_type_is_map(&column->type)
               && !(json_is_array(arg_json)
                    && json_is_string(json_array_get(arg_json, 0))
                    && !strcmp(json_string_value(json_array_get(arg_json, 0)),
                               "map"))) {
        ovsdb_base_type_clone(&type->key, &column->type.key);
        ovsdb_base_type_init(&type->value, OVSDB_TYPE_VOID);
        type->n_min = 0;
        type->n_max = column->type.n_max;
    } else {
        ovsdb_type_clone(type, &column->type);
        type->n_min = 0;
    }

    if (ovsdb_datum_from_json(&m->arg, type, arg_json, symtab, errp)) {
        ovsdb_type_destroy(type);
        return EINVAL;
    }
    m->mutator = desc->mutator;
    m->column = column;
    return 0;
}

int
ovsdb_mutation_set_from_json(const struct ovsdb_table_schema *ts,
                             const json_t *json, struct ovsdb_symtab *symtab,
                             struct ovsdb_mutation_set *set,
                             struct ovsdb_error **errp)
{
    set->mutations = NULL;
    set->n = 0;
    if (!json_is_array(json)) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "mutations must be an array");
    }

    size_t n = json_array_size(json);
    set->mutations = n ? xmalloc(n * sizeof *set->mutations) : NULL;
    for (size_t i = 0; i < n; i++) {
        if (mutation_from_json(ts, json_array_get(json, i), symtab,
                               &set->mutations[i], errp)) {
            ovsdb_mutation_set_destroy(set);
            return EINVAL;
        }
        set->n++;
    }
    return 0;
}

void
ovsdb_mutation_set_destroy(struct ovsdb_mutation_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        struct ovsdb_mutation *m = &set->mutations[i];
        ovsdb_datum_destroy(&m->arg, &m->arg_type);
        ovsdb_type_destroy(&m->arg_type);
    }
    free(set->mutations);
    set->mutations = NULL;
    set->n = 0;
}

static int
out_of_range(enum ovsdb_mutator mutator, struct ovsdb_error **errp)
{
    return ovsdb_err(errp, ERANGE, OVSDB_E_RANGE,
                     "Result of \"%s\" operation is out of range.",
                     mutator_name(mutator));
}

static int
division_by_zero(struct ovsdb_error **errp)
{
    return ovsdb_err(errp, EDOM, OVSDB_E_DOMAIN, "Division by zero.");
}

static int
mutate_integer(int64_t *x, int64_t y, enum ovsdb_mutator mutator,
               struct ovsdb_error **errp)
{
    int64_t r;

    switch (mutator) {
    case OVSDB_M_ADD:
        if (__builtin_add_overflow(*x, y, &r)) {
            return out_of_range(mutator, errp);
        }
        break;
    case OVSDB_M_SUB:
        if (__builtin_sub_overflow(*x, y, &r)) {
            return out_of_range(mutator, errp);
        }
        break;
    case OVSDB_M_MUL:
        if (__builtin_mul_overflow(*x, y, &r)) {
            return out_of_range(mutator, errp);
        }
        break;
    case OVSDB_M_DIV:
        if (!y) {
            return division_by_zero(errp);
        }
        if (*x == INT64_MIN && y == -1) {
            return out_of_range(mutator, errp);
        }
        r = *x / y;
        break;
    case OVSDB_M_MOD:
        if (!y) {
            return division_by_zero(errp);
        }
        /* INT64_MIN % -1 traps on x86 although the remainder is 0. */
        r = y == -1 ? 0 : *x % y;
        break;
    case OVSDB_M_INSERT:
    case OVSDB_M_DELETE:
    default:
        nf_abort("integer mutation with mutator %d", mutator);
    }
    *x = r;
    return 0;
}

static int
mutate_real(double *x, double y, enum ovsdb_mutator mutator,
            struct ovsdb_error **errp)
{
    double r;

    switch (mutator) {
    case OVSDB_M_ADD:
        r = *x + y;
        break;
    case OVSDB_M_SUB:
        r = *x - y;
        break;
    case OVSDB_M_MUL:
        r = *x * y;
        break;
    case OVSDB_M_DIV:
        if (y == 0.0) {
            return division_by_zero(errp);
        }
        r = *x / y;
        break;
    case OVSDB_M_MOD:
    case OVSDB_M_INSERT:
    case OVSDB_M_DELETE:
    default:
        nf_abort("real mutation with mutator %d", mutator);
    }
    if (!isfinite(r)) {
        return out_of_range(mutator, errp);
    }
    *x = r;
    return 0;
}

static int
mutate_arith(struct ovsdb_datum *d, const struct ovsdb_mutation *m,
             struct ovsdb_error **errp)
{
    const struct ovsdb_type *type = &m->column->type;
    const union ovsdb_atom *arg = &m->arg.keys[0];

    for (unsigned int i = 0; i < d->n; i++) {
        union ovsdb_atom *atom = &d->keys[i];
        int error =
            (type->key.type == OVSDB_TYPE_INTEGER
                 ? mutate_integer(&atom->integer, arg->integer, m->mutator,
                                  errp)
                 : mutate_real(&atom->real, arg->real, m->mutator, errp));
        if (error) {
            return error;
        }
        if (ovsdb_atom_check_constraints(atom, &type->key, errp)) {
            return EINVAL;
        }
    }

    /* Arithmetic may reorder a set (multiplying by a negative) or merge
     * elements (multiplying by 0). */
    if (d->n > 1 && ovsdb_datum_sort(d, type)) {
        return ovsdb_err(errp, EINVAL, OVSDB_E_CONSTRAINT,
                         "Result of \"%s\" operation contains duplicates.",
                         mutator_name(m->mutator));
    }
    return 0;
}

/* After "insert" or "delete" only the size can be wrong: every atom was
 * already checked, as part of the column or of the argument. */
static int
check_count(const struct ovsdb_datum *d, const struct ovsdb_type *type,
            struct ovsdb_error **errp)
{
    if (d->n >= type->n_min && d->n <= type->n_max) {
        return 0;
    }

    char *english = ovsdb_type_to_english(type);
    ovsdb_err(errp, EINVAL, OVSDB_E_CONSTRAINT,
              "Attempted to store %u elements in %s.", d->n, english);
    free(english);
    return EINVAL;
}

int
ovsdb_mutation_set_execute(struct ovsdb_row *row,
                           const struct ovsdb_mutation_set *set,
                           struct ovsdb_error **errp)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct ovsdb_mutation *m = &set->mutations[i];
        const struct ovsdb_type *type = &m->column->type;
        struct ovsdb_datum *d = &row->fields[m->column->index];
        int error;

        switch (m->mutator) {
        case OVSDB_M_ADD:
        case OVSDB_M_SUB:
        case OVSDB_M_MUL:
        case OVSDB_M_DIV:
        case OVSDB_M_MOD:
            error = mutate_arith(d, m, errp);
            break;
        case OVSDB_M_INSERT:
            ovsdb_datum_union(d, &m->arg, type);
            error = check_count(d, type, errp);
            break;
        case OVSDB_M_DELETE:
            ovsdb_datum_subtract(d, type, &m->arg, &m->arg_type);
            error = check_count(d, type, errp);
            break;
        default:
            nf_abort("invalid mutator %d", m->mutator);
        }
        if (error) {
            return error;
        }
    }
    return 0;
}
