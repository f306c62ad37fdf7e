/* condition.c: parsing and evaluating "where" clauses. */
#include "ovsdb/condition.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* The <function> names and how each constrains the column and argument
 * types. */
enum arg_rule {
    ARG_SAME,    /* The column's type. */
    ARG_FEWER,   /* The column's type with a minimum of 0. */
    ARG_ORDERED, /* One integer or real; the column a scalar or
                         * optional integer or real. */
};

static const struct function_desc {
    const char *name;
    enum ovsdb_function function;
    enum arg_rule rule;
} functions[] = {
    { "==", OVSDB_F_EQ, ARG_SAME },
    { "!=", OVSDB_F_NE, ARG_SAME },
    { "<", OVSDB_F_LT, ARG_ORDERED },
    { "<=", OVSDB_F_LE, ARG_ORDERED },
    { ">", OVSDB_F_GT, ARG_ORDERED },
    { ">=", OVSDB_F_GE, ARG_ORDERED },
    { "includes", OVSDB_F_INCLUDES, ARG_FEWER },
    { "excludes", OVSDB_F_EXCLUDES, ARG_FEWER },
};

const char *
ovsdb_function_to_string(enum ovsdb_function function)
{
    if (function == OVSDB_F_TRUE) {
        return "true";
    } else if (function == OVSDB_F_FALSE) {
        return "false";
    }
    for (size_t i = 0; i < ARRAY_SIZE(functions); i++) {
        if (functions[i].function == function) {
            return functions[i].name;
        }
    }
    return "<invalid>";
}

static const struct function_desc *
find_function(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(functions); i++) {
        if (!strcmp(functions[i].name, name)) {
            return &functions[i];
        }
    }
    return NULL;
}

static void
clause_destroy(struct ovsdb_clause *clause)
{
    if (clause->column) {
        ovsdb_datum_destroy(&clause->arg, &clause->arg_type);
        ovsdb_type_destroy(&clause->arg_type);
    }
}

static int
type_mismatch(const json_t *json, const char *function,
              const struct ovsdb_column *column, struct ovsdb_error **errp)
{
    char *english = ovsdb_type_to_english(&column->type);
    ovsdb_syntax_err(errp, json, NULL,
                     "Type mismatch: \"%s\" operator may not be applied to "
                     "column %s of type %s.",
                     function, column->name, english);
    free(english);
    return EINVAL;
}

static int
clause_from_json(const struct ovsdb_table_schema *ts, const json_t *json,
                 struct ovsdb_symtab *symtab, struct ovsdb_clause *clause,
                 struct ovsdb_error **errp)
{
    memset(clause, 0, sizeof *clause);
    if (json_is_boolean(json)) {
        clause->function = json_is_true(json) ? OVSDB_F_TRUE : OVSDB_F_FALSE;
        return 0;
    }

    const json_t *column_json = json_array_get(json, 0);
    const json_t *function_json = json_array_get(json, 1);
    if (!json_is_array(json) || json_array_size(json) != 3
        || !json_is_string(column_json) || !json_is_string(function_json)) {
        return ovsdb_syntax_err(errp, json, NULL, "Parse error in condition.");
    }

    const char *column_name = json_string_value(column_json);
    const struct ovsdb_column *column =
        ovsdb_table_schema_get_column(ts, column_name);
    if (!column) {
        return ovsdb_syntax_err(errp, json, OVSDB_E_UNKNOWN_COLUMN,
                                "No column %s in table %s.", column_name,
                                ts->name);
    }

    const char *function_name = json_string_value(function_json);
    const struct function_desc *f = find_function(function_name);
    if (!f) {
        return ovsdb_err(errp, EINVAL, OVSDB_E_UNKNOWN_FUNCTION,
                         "No function named %s.", function_name);
    }

    struct ovsdb_type arg_type;
    ovsdb_type_clone(&arg_type, &column->type);
    switch (f->rule) {
    case ARG_SAME:
        break;
    case ARG_FEWER:
        arg_type.n_min = 0;
        break;
    case ARG_ORDERED:
        if ((!ovsdb_type_is_scalar(&column->type)
             && !ovsdb_type_is_optional_scalar(&column->type))
            || (column->type.key.type != OVSDB_TYPE_INTEGER
                && column->type.key.type != OVSDB_TYPE_REAL)) {
            ovsdb_type_destroy(&arg_type);
            return type_mismatch(json, function_name, column, errp);
        }
        arg_type.n_min = arg_type.n_max = 1;
        break;
    }

    if (ovsdb_datum_from_json(&clause->arg, &arg_type, json_array_get(json, 2),
                              symtab, errp)) {
        ovsdb_type_destroy(&arg_type);
        return EINVAL;
    }
    clause->function = f->function;
    clause->column = column;
    clause->arg_type = arg_type;
    return 0;
}

int
ovsdb_condition_from_json(const struct ovsdb_table_schema *ts,
                          const json_t *json, struct ovsdb_symtab *symtab,
                          struct ovsdb_condition *cond,
                          struct ovsdb_error **errp)
{
    cond->clauses = NULL;
    cond->n = 0;
    if (!json_is_array(json)) {
        return ovsdb_syntax_err(errp, json, NULL,
                                "condition must be an array of clauses");
    }

    size_t n = json_array_size(json);
    cond->clauses = n ? xmalloc(n * sizeof *cond->clauses) : NULL;
    for (size_t i = 0; i < n; i++) {
        if (clause_from_json(ts, json_array_get(json, i), symtab,
                             &cond->clauses[i], errp)) {
            ovsdb_condition_destroy(cond);
            return EINVAL;
        }
        cond->n++;
    }
    return 0;
}

json_t *
ovsdb_condition_to_json(const struct ovsdb_condition *cond)
{
    json_t *json = json_array();
    for (size_t i = 0; i < cond->n; i++) {
        const struct ovsdb_clause *c = &cond->clauses[i];
        if (!c->column) {
            json_array_append_new(json,
                                  json_boolean(c->function == OVSDB_F_TRUE));
        } else {
            json_array_append_new(
                json, json_pack("[sso]", c->column->name,
                                ovsdb_function_to_string(c->function),
                                ovsdb_datum_to_json(&c->arg, &c->arg_type)));
        }
    }
    return json;
}

void
ovsdb_condition_destroy(struct ovsdb_condition *cond)
{
    for (size_t i = 0; i < cond->n; i++) {
        clause_destroy(&cond->clauses[i]);
    }
    free(cond->clauses);
    cond->clauses = NULL;
    cond->n = 0;
}

/* For the ordering functions: compares the single value of a scalar or
 * optional column with the argument.  False for an empty column. */
static bool
evaluate_ordered(const struct ovsdb_clause *clause,
                 const struct ovsdb_datum *d)
{
    if (!d->n) {
        return false;
    }

    int c = ovsdb_atom_compare_3way(&d->keys[0], &clause->arg.keys[0],
                                    clause->column->type.key.type);
    switch (clause->function) {
    case OVSDB_F_LT:
        return c < 0;
    case OVSDB_F_LE:
        return c <= 0;
    case OVSDB_F_GT:
        return c > 0;
    case OVSDB_F_GE:
        return c >= 0;
    case OVSDB_F_FALSE:
    case OVSDB_F_TRUE:
    case OVSDB_F_EQ:
    case OVSDB_F_NE:
    case OVSDB_F_INCLUDES:
    case OVSDB_F_EXCLUDES:
        break;
    }
    return false;
}

bool
ovsdb_clause_evaluate(const struct ovsdb_clause *clause,
                      const struct ovsdb_row *row)
{
    if (!clause->column) {
        return clause->function == OVSDB_F_TRUE;
    }

    const struct ovsdb_datum *d = &row->fields[clause->column->index];
    const struct ovsdb_type *type = &clause->column->type;
    switch (clause->function) {
    case OVSDB_F_EQ:
        return ovsdb_datum_equals(d, &clause->arg, type);
    case OVSDB_F_NE:
        return !ovsdb_datum_equals(d, &clause->arg, type);
    case OVSDB_F_INCLUDES:
        return ovsdb_datum_includes_all(&clause->arg, d, type);
    case OVSDB_F_EXCLUDES:
        return ovsdb_datum_excludes_all(&clause->arg, d, type);
    case OVSDB_F_LT:
    case OVSDB_F_LE:
    case OVSDB_F_GT:
    case OVSDB_F_GE:
        return evaluate_ordered(clause, d);
    case OVSDB_F_FALSE:
    case OVSDB_F_TRUE:
        break;
    }
    return false;
}

bool
ovsdb_condition_evaluate(const struct ovsdb_condition *cond,
                         const struct ovsdb_row *row)
{
    for (size_t i = 0; i < cond->n; i++) {
        if (!ovsdb_clause_evaluate(&cond->clauses[i], row)) {
            return false;
        }
    }
    return true;
}

bool
ovsdb_condition_evaluate_any(const struct ovsdb_condition *cond,
                             const struct ovsdb_row *row)
{
    if (!cond->n) {
        return true;
    }
    for (size_t i = 0; i < cond->n; i++) {
        if (ovsdb_clause_evaluate(&cond->clauses[i], row)) {
            return true;
        }
    }
    return false;
}

const struct ovsdb_uuid *
ovsdb_condition_get_uuid(const struct ovsdb_condition *cond)
{
    for (size_t i = 0; i < cond->n; i++) {
        const struct ovsdb_clause *c = &cond->clauses[i];
        if (c->function == OVSDB_F_EQ && c->column
            && c->column->index == OVSDB_COL_UUID && c->arg.n == 1) {
            return &c->arg.keys[0].uuid;
        }
    }
    return NULL;
}

bool
ovsdb_condition_is_false(const struct ovsdb_condition *cond)
{
    for (size_t i = 0; i < cond->n; i++) {
        if (cond->clauses[i].function == OVSDB_F_FALSE) {
            return true;
        }
    }
    return false;
}
