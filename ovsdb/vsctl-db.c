/* vsctl-db.c: ovs-vsctl's generic database commands (list, find, get,
 * set, add, remove, clear, create, destroy, wait-until, comment). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/json-text.h"
#include "lib/vlog.h"
#include "ovsdb/vsctl.h"

/* ovs-vsctl reports these warnings from its "db_ctl_base" module; the
 * same name keeps log readers and tests that match on it working. */
VLOG_DEFINE_THIS_MODULE(db_ctl_base);

static int
cmp_columns(const void *a_, const void *b_)
{
    const struct ovsdb_column *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

/* The columns --columns names (NULL stands for "_uuid"), or all of them
 * in name order after "_uuid".  Caller frees *COLUMNSP. */
static int
parse_column_names(struct vsctl_context *ctx, const char *names,
                   const struct ovsdb_table_schema *ts,
                   const struct ovsdb_column ***columnsp, size_t *np)
{
    const struct ovsdb_column **columns;
    size_t n = 0;

    if (!names) {
        columns = xcalloc(ts->n_columns, sizeof *columns);
        columns[n++] = NULL;
        for (size_t i = OVSDB_N_IMPLICIT_COLUMNS; i < ts->n_columns; i++) {
            columns[n++] = ts->columns[i];
        }
        qsort(columns + 1, n - 1, sizeof *columns, cmp_columns);
    } else {
        char *s = xstrdup(names);
        char *save = NULL;
        columns = xcalloc(strlen(names) + 1, sizeof *columns);
        for (char *name = strtok_r(s, ", ", &save); name;
             name = strtok_r(NULL, ", ", &save)) {
            const struct ovsdb_column *column = NULL;
            if (strcasecmp(name, "_uuid")
                && vsctl_get_column(ctx, ts, name, &column)) {
                free(columns);
                free(s);
                return EINVAL;
            }
            columns[n++] = column;
        }
        free(s);
        if (!n) {
            free(columns);
            return vsctl_error(ctx, "must specify at least one column name");
        }
    }
    *columnsp = columns;
    *np = n;
    return 0;
}

/* Parses ARG as COLUMN[:KEY] followed, if VALUEP, by one of OPERATORS and
 * a value (the longest operator that leaves a nonempty value wins). */
static int
parse_column_key_value(struct vsctl_context *ctx, const char *arg,
                       const struct ovsdb_table_schema *ts,
                       const struct ovsdb_column **columnp, char **keyp,
                       const char *const *operators, size_t n_operators,
                       int *operatorp, char **valuep)
{
    static const char *const equals[] = { "=" };
    const char *p = arg;
    char *name;
    char *msg;

    *keyp = NULL;
    if (valuep) {
        *valuep = NULL;
    }
    msg = vsctl_token_parse(&p, &name);
    if (msg) {
        goto error;
    }
    if (!name[0]) {
        free(name);
        msg = xasprintf("%s: missing column name", arg);
        goto error;
    }
    int error = vsctl_get_column(ctx, ts, name, columnp);
    free(name);
    if (error) {
        return error;
    }
    if (*p == ':') {
        p++;
        msg = vsctl_token_parse(&p, keyp);
        if (msg) {
            goto error;
        }
    }
    if (valuep) {
        if (!operators) {
            operators = equals;
            n_operators = 1;
        }
        int best = -1;
        size_t best_len = 0;
        for (size_t i = 0; i < n_operators; i++) {
            size_t len = strlen(operators[i]);
            if (len > best_len && !strncmp(operators[i], p, len) && p[len]) {
                best_len = len;
                best = (int) i;
            }
        }
        if (best < 0) {
            struct buf b = BUF_INITIALIZER;
            buf_printf(&b, "%s: argument does not end in \"%s\"", arg,
                       operators[0]);
            if (n_operators == 2) {
                buf_printf(&b, " or \"%s\"", operators[1]);
            } else if (n_operators > 2) {
                size_t i;
                for (i = 1; i < n_operators - 1; i++) {
                    buf_printf(&b, ", \"%s\"", operators[i]);
                }
                buf_printf(&b, ", or \"%s\"", operators[i]);
            }
            buf_put_cstr(&b, " followed by a value.");
            msg = buf_steal_cstr(&b);
            goto error;
        }
        if (operatorp) {
            *operatorp = best;
        }
        *valuep = xstrdup(p + best_len);
    } else if (*p) {
        msg = xasprintf("%s: trailing garbage \"%s\" in argument", arg, p);
        goto error;
    }
    return 0;

error:
    free(*keyp);
    *keyp = NULL;
    vsctl_error(ctx, "%s", msg);
    free(msg);
    return EINVAL;
}

/* The generic commands. */

static bool
is_mutable(const struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
           const struct ovsdb_column *column)
{
    return column->is_mutable || vsctl_row_is_inserted(ctx, row);
}

static int
check_mutable(struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
              const struct ovsdb_column *column)
{
    return is_mutable(ctx, row, column)
               ? 0
               : vsctl_error(ctx,
                             "cannot modify read-only column %s in table %s",
                             column->name, ovsdb_idl_row_get_table(row));
}

/* Stores MSG (taken), if any, as the command's error.  Returns 0 or
 * EINVAL. */
static int
take_msg(struct vsctl_context *ctx, char *msg)
{
    if (!msg) {
        return 0;
    }
    vsctl_error(ctx, "%s", msg);
    free(msg);
    return EINVAL;
}

int
vsctl_set_column(struct vsctl_context *ctx,
                 const struct ovsdb_table_schema *ts,
                 const struct ovsdb_idl_row *row, const char *arg)
{
    const struct ovsdb_column *column;
    char *key = NULL, *value = NULL;
    int error = parse_column_key_value(ctx, arg, ts, &column, &key, NULL, 0,
                                       NULL, &value);
    if (error) {
        goto out;
    }
    error = check_mutable(ctx, row, column);
    if (error) {
        goto out;
    }
    const struct ovsdb_type *type = &column->type;
    struct ovsdb_datum d;
    if (key) {
        union ovsdb_atom k, v;
        if (!ovsdb_type_is_map(type)) {
            error = vsctl_error(ctx,
                                "cannot specify key to set for non-map "
                                "column %s",
                                column->name);
            goto out;
        }
        error =
            take_msg(ctx, vsctl_atom_from_string(&k, &type->key, key,
                                                 ctx->symtab, false, NULL));
        if (error) {
            goto out;
        }
        error =
            take_msg(ctx, vsctl_atom_from_string(&v, &type->value, value,
                                                 ctx->symtab, false, NULL));
        if (error) {
            ovsdb_atom_destroy(&k, type->key.type);
            goto out;
        }
        /* The new pair first, so that the union keeps its value over the
         * old one for the same key. */
        ovsdb_datum_init_single(&d, type, &k, &v);
        ovsdb_atom_destroy(&k, type->key.type);
        ovsdb_atom_destroy(&v, type->value.type);
        ovsdb_datum_union(&d, vsctl_read(row, column->name), type);
        vsctl_verify(ctx, row, column->name);
    } else {
        error = take_msg(
            ctx, vsctl_datum_from_string(&d, type, value, ctx->symtab));
        if (error) {
            goto out;
        }
    }
    error = vsctl_write(ctx, row, column->name, &d);

out:
    free(key);
    free(value);
    return error;
}

/* Adds a row for ROW with COLUMNS (NULL: "_uuid") to TABLE. */
static void
list_record(const struct ovsdb_idl_row *row,
            const struct ovsdb_column *const *columns, size_t n,
            struct vsctl_table *table)
{
    vsctl_table_add_row(table);
    for (size_t i = 0; i < n; i++) {
        if (!columns[i]) {
            struct ovsdb_datum d;
            union ovsdb_atom a;
            a.uuid = *ovsdb_idl_row_get_uuid(row);
            ovsdb_datum_init_single(&d, vsctl_uuid_type(), &a, NULL);
            vsctl_table_set_cell(table, i, &d, vsctl_uuid_type());
            ovsdb_datum_destroy(&d, vsctl_uuid_type());
        } else {
            vsctl_table_set_cell(table, i, vsctl_read(row, columns[i]->name),
                                 &columns[i]->type);
        }
    }
}

static struct vsctl_table *
list_make_table(const struct ovsdb_column *const *columns, size_t n)
{
    struct vsctl_table *t = vsctl_table_create();
    for (size_t i = 0; i < n; i++) {
        vsctl_table_add_column(t, columns[i] ? columns[i]->name : "_uuid");
    }
    return t;
}

static int
cmd_list(struct vsctl_context *ctx)
{
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_column **columns;
    size_t n_columns;

    int error = vsctl_get_table(ctx, ctx->argv[1], &ts);
    if (!error) {
        error = parse_column_names(ctx, vsctl_option_value(ctx, "--columns"),
                                   ts, &columns, &n_columns);
    }
    if (error) {
        return error;
    }
    struct vsctl_table *out = ctx->cmd->table =
        list_make_table(columns, n_columns);
    if (ctx->argc > 2) {
        for (int i = 2; i < ctx->argc; i++) {
            const struct ovsdb_idl_row *row;
            error =
                vsctl_get_row(ctx, ts->name, ctx->argv[i], must_exist, &row);
            if (error) {
                break;
            }
            if (row) {
                list_record(row, columns, n_columns, out);
            }
        }
    } else {
        const struct ovsdb_idl_row **rows;
        size_t n = vsctl_rows(ctx, ts->name, &rows);
        for (size_t i = 0; i < n; i++) {
            list_record(rows[i], columns, n_columns, out);
        }
        free(rows);
    }
    free(columns);
    return error;
}

/* Relational operators of "find" and "wait-until", longest match wins. */
enum relop {
    RELOP_EQ,
    RELOP_NE,
    RELOP_LT,
    RELOP_GT,
    RELOP_LE,
    RELOP_GE,
    RELOP_SET_EQ,
    RELOP_SET_NE,
    RELOP_SET_LT,
    RELOP_SET_GT,
    RELOP_SET_LE,
    RELOP_SET_GE,
    RELOP_SET_IN,
    RELOP_SET_NOT_IN,
};

static const char *const relop_names[] = {
    [RELOP_EQ] = "=",        [RELOP_NE] = "!=",
    [RELOP_LT] = "<",        [RELOP_GT] = ">",
    [RELOP_LE] = "<=",       [RELOP_GE] = ">=",
    [RELOP_SET_EQ] = "{=}",  [RELOP_SET_NE] = "{!=}",
    [RELOP_SET_LT] = "{<}",  [RELOP_SET_GT] = "{>}",
    [RELOP_SET_LE] = "{<=}", [RELOP_SET_GE] = "{>=}",
    [RELOP_SET_IN] = "{in}", [RELOP_SET_NOT_IN] = "{not-in}",
};

static bool
evaluate_relop(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
               const struct ovsdb_type *type, enum relop op)
{
    switch (op) {
    case RELOP_EQ:
    case RELOP_SET_EQ:
        return ovsdb_datum_compare_3way(a, b, type) == 0;
    case RELOP_NE:
    case RELOP_SET_NE:
        return ovsdb_datum_compare_3way(a, b, type) != 0;
    case RELOP_LT:
        return ovsdb_datum_compare_3way(a, b, type) < 0;
    case RELOP_GT:
        return ovsdb_datum_compare_3way(a, b, type) > 0;
    case RELOP_LE:
        return ovsdb_datum_compare_3way(a, b, type) <= 0;
    case RELOP_GE:
        return ovsdb_datum_compare_3way(a, b, type) >= 0;
    case RELOP_SET_LT:
        return b->n > a->n && ovsdb_datum_includes_all(a, b, type);
    case RELOP_SET_GT:
        return a->n > b->n && ovsdb_datum_includes_all(b, a, type);
    case RELOP_SET_LE:
        return ovsdb_datum_includes_all(a, b, type);
    case RELOP_SET_GE:
        return ovsdb_datum_includes_all(b, a, type);
    case RELOP_SET_IN:
        return ovsdb_datum_includes_all(a, b, type);
    case RELOP_SET_NOT_IN:
        return ovsdb_datum_excludes_all(a, b, type);
    }
    return false;
}

/* Evaluates the condition ARG of "find" or "wait-until" on ROW. */
static int
check_condition(struct vsctl_context *ctx, const struct ovsdb_table_schema *ts,
                const struct ovsdb_idl_row *row, const char *arg,
                bool *satisfied)
{
    const struct ovsdb_column *column;
    char *key = NULL, *value = NULL;
    int op;

    *satisfied = false;
    int error =
        parse_column_key_value(ctx, arg, ts, &column, &key, relop_names,
                               ARRAY_SIZE(relop_names), &op, &value);
    if (error) {
        return error;
    }

    struct ovsdb_type type;
    ovsdb_type_clone(&type, &column->type);
    type.n_max = OVSDB_UNLIMITED;
    const struct ovsdb_datum *have = vsctl_read(row, column->name);
    struct ovsdb_datum b;
    if (key) {
        union ovsdb_atom want_key;
        if (!ovsdb_type_is_map(&column->type)) {
            error = vsctl_error(ctx,
                                "cannot specify key to check for non-map "
                                "column %s",
                                column->name);
            goto out;
        }
        error = take_msg(
            ctx, vsctl_atom_from_string(&want_key, &column->type.key, key,
                                        ctx->symtab, false, NULL));
        if (error) {
            goto out;
        }
        /* Compare the value of KEY as a set of the value type. */
        struct ovsdb_type vtype;
        ovsdb_type_init_scalar(&vtype, OVSDB_TYPE_VOID);
        ovsdb_base_type_clone(&vtype.key, &column->type.value);
        vtype.n_min = 0;
        vtype.n_max = OVSDB_UNLIMITED;
        error = take_msg(
            ctx, vsctl_datum_from_string(&b, &vtype, value, ctx->symtab));
        if (!error) {
            unsigned int idx =
                ovsdb_datum_find_key(have, &want_key, column->type.key.type);
            if (idx == UINT_MAX && op < RELOP_SET_EQ) {
                *satisfied = false;
            } else {
                struct ovsdb_datum a = OVSDB_DATUM_EMPTY;
                if (idx != UINT_MAX) {
                    ovsdb_datum_init_single(&a, &vtype, &have->values[idx],
                                            NULL);
                }
                *satisfied = evaluate_relop(&a, &b, &vtype, op);
                ovsdb_datum_destroy(&a, &vtype);
            }
            ovsdb_datum_destroy(&b, &vtype);
        }
        ovsdb_atom_destroy(&want_key, column->type.key.type);
        ovsdb_type_destroy(&vtype);
    } else {
        error = take_msg(
            ctx, vsctl_datum_from_string(&b, &type, value, ctx->symtab));
        if (!error) {
            *satisfied = evaluate_relop(have, &b, &type, op);
            ovsdb_datum_destroy(&b, &type);
        }
    }

out:
    ovsdb_type_destroy(&type);
    free(key);
    free(value);
    return error;
}

static int
cmd_find(struct vsctl_context *ctx)
{
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_column **columns;
    const struct ovsdb_idl_row **rows;
    size_t n_columns;

    int error = vsctl_get_table(ctx, ctx->argv[1], &ts);
    if (!error) {
        error = parse_column_names(ctx, vsctl_option_value(ctx, "--columns"),
                                   ts, &columns, &n_columns);
    }
    if (error) {
        return error;
    }
    struct vsctl_table *out = ctx->cmd->table =
        list_make_table(columns, n_columns);
    size_t n = vsctl_rows(ctx, ts->name, &rows);
    for (size_t r = 0; r < n && !error; r++) {
        bool satisfied = true;
        for (int i = 2; i < ctx->argc && satisfied && !error; i++) {
            error =
                check_condition(ctx, ts, rows[r], ctx->argv[i], &satisfied);
        }
        if (!error && satisfied) {
            list_record(rows[r], columns, n_columns, out);
        }
    }
    free(rows);
    free(columns);
    return error;
}

static int
cmd_get(struct vsctl_context *ctx)
{
    const char *id = vsctl_option_value(ctx, "--id");
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_idl_row *row = NULL;
    struct buf *out = &ctx->cmd->output;

    if (id && !must_exist) {
        return vsctl_error(ctx, "--if-exists and --id may not be specified "
                                "together");
    }
    int error = vsctl_get_table(ctx, ctx->argv[1], &ts);
    if (!error) {
        error = vsctl_get_row(ctx, ts->name, ctx->argv[2], must_exist, &row);
    }
    if (error || !row) {
        return error;
    }
    if (id) {
        if (id[0] != '@') {
            return vsctl_error(ctx, "row id \"%s\" does not begin with \"@\"",
                               id);
        }
        bool is_new = !vsctl_symtab_find(ctx->symtab, id);
        struct vsctl_symbol *sym = vsctl_symtab_get(ctx->symtab, id);
        if (sym->created) {
            return vsctl_error(ctx,
                               "row id \"%s\" may only be specified on one "
                               "--id option",
                               id);
        }
        sym->created = true;
        if (!is_new) {
            return vsctl_error(ctx,
                               "row id \"%s\" specified on \"get\" command "
                               "was used before it was defined",
                               id);
        }
        sym->uuid = *ovsdb_idl_row_get_uuid(row);
        /* The row exists already, so it needs no reference to survive. */
        sym->strong_ref = true;
    }

    for (int i = 3; i < ctx->argc; i++) {
        const struct ovsdb_column *column;
        char *key;

        /* The row's UUID has no column of its own in the schema's list. */
        if (!strcasecmp(ctx->argv[i], "_uuid")
            || !strcasecmp(ctx->argv[i], "-uuid")) {
            char s[OVSDB_UUID_LEN + 1];
            buf_printf(out, "%s\n",
                       ovsdb_uuid_format(ovsdb_idl_row_get_uuid(row), s));
            continue;
        }
        error = parse_column_key_value(ctx, ctx->argv[i], ts, &column, &key,
                                       NULL, 0, NULL, NULL);
        if (error) {
            return error;
        }
        vsctl_verify(ctx, row, column->name);
        const struct ovsdb_datum *d = vsctl_read(row, column->name);
        if (key) {
            union ovsdb_atom k;
            if (!ovsdb_type_is_map(&column->type)) {
                free(key);
                return vsctl_error(ctx,
                                   "cannot specify key to get for non-map "
                                   "column %s",
                                   column->name);
            }
            error = take_msg(ctx,
                             vsctl_atom_from_string(&k, &column->type.key, key,
                                                    ctx->symtab, false, NULL));
            if (error) {
                free(key);
                return error;
            }
            unsigned int idx =
                ovsdb_datum_find_key(d, &k, column->type.key.type);
            ovsdb_atom_destroy(&k, column->type.key.type);
            if (idx == UINT_MAX) {
                if (must_exist) {
                    error =
                        vsctl_error(ctx,
                                    "no key \"%s\" in %s record \"%s\" "
                                    "column %s",
                                    key, ts->name, ctx->argv[2], column->name);
                    free(key);
                    return error;
                }
            } else {
                vsctl_atom_to_string(&d->values[idx], column->type.value.type,
                                     out);
            }
            free(key);
        } else {
            vsctl_datum_to_string(d, &column->type, out);
        }
        buf_put_char(out, '\n');
    }
    return 0;
}

/* Finds the table, the row and (if COLUMNP) the column of a command
 * "CMD TABLE RECORD COLUMN ...".  *ROWP is NULL (with 0) for a missing row
 * under --if-exists. */
static int
get_table_row_column(struct vsctl_context *ctx,
                     const struct ovsdb_table_schema **tsp,
                     const struct ovsdb_idl_row **rowp,
                     const struct ovsdb_column **columnp)
{
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    int error = vsctl_get_table(ctx, ctx->argv[1], tsp);
    if (!error && columnp) {
        error = vsctl_get_column(ctx, *tsp, ctx->argv[3], columnp);
    }
    if (!error) {
        error =
            vsctl_get_row(ctx, (*tsp)->name, ctx->argv[2], must_exist, rowp);
    }
    return error;
}

static int
cmd_set(struct vsctl_context *ctx)
{
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_idl_row *row = NULL;

    int error = get_table_row_column(ctx, &ts, &row, NULL);
    for (int i = 3; !error && row && i < ctx->argc; i++) {
        error = vsctl_set_column(ctx, ts, row, ctx->argv[i]);
    }
    vsctl_cache_invalidate(ctx);
    return error;
}

/* Whether an "add", "set", "remove" or "clear" later in the chain names
 * COLUMN of TS (table and column names resolved as the commands will
 * resolve them). */
static bool
later_command_rewrites(const struct vsctl_context *ctx,
                       const struct ovsdb_table_schema *ts,
                       const struct ovsdb_column *column)
{
    for (const struct vsctl_command *c = ctx->cmd + 1;
         c < ctx->commands + ctx->n_commands; c++) {
        const char *name = c->syntax->name;
        bool is_set = !strcmp(name, "set");
        bool one_column = !strcmp(name, "remove") || !strcmp(name, "add");
        if ((!is_set && !one_column && strcmp(name, "clear")) || c->argc < 4
            || vsctl_quiet_table(ctx, c->argv[1]) != ts) {
            continue;
        }
        int last = one_column ? 3 : c->argc - 1;
        for (int i = 3; i <= last; i++) {
            char *col = xstrndup(c->argv[i], is_set ? strcspn(c->argv[i], ":=")
                                                    : strlen(c->argv[i]));
            bool match = vsctl_quiet_column(ts, col) == column;
            free(col);
            if (match) {
                return true;
            }
        }
    }
    return false;
}

/* The syntax error ovsdb-server reports for an insertion of ADDS, more
 * elements than TYPE allows. */
static void
set_deferred_syntax_error(struct vsctl_context *ctx,
                          const struct ovsdb_datum *adds,
                          const struct ovsdb_type *type)
{
    struct buf syntax = BUF_INITIALIZER, msg = BUF_INITIALIZER;
    json_t *j = ovsdb_datum_to_json(adds, type);
    nf_json_to_buf(j, false, &syntax);
    json_decref(j);
    buf_printf(&msg,
               "{\"details\":\"%s must have 0 to %u members but %u are "
               "present\",\"error\":\"syntax error\",\"syntax\":",
               ovsdb_type_is_map(type) ? "map" : "set", type->n_max, adds->n);
    nf_json_string(buf_cstr(&syntax), &msg);
    buf_put_char(&msg, '}');
    free(ctx->deferred_error);
    ctx->deferred_error = buf_steal_cstr(&msg);
    buf_destroy(&syntax);
}

static int
cmd_add(struct vsctl_context *ctx)
{
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_column *column;
    const struct ovsdb_idl_row *row = NULL;

    int error = get_table_row_column(ctx, &ts, &row, &column);
    if (error || !row) {
        return error;
    }
    error = check_mutable(ctx, row, column);
    if (error) {
        return error;
    }
    const struct ovsdb_type *type = &column->type;
    struct ovsdb_type add_type;
    ovsdb_type_clone(&add_type, type);
    add_type.n_min = 1;
    add_type.n_max = OVSDB_UNLIMITED;

    /* What to add, all arguments together. */
    struct ovsdb_datum adds = OVSDB_DATUM_EMPTY;
    struct ovsdb_datum old;
    ovsdb_datum_clone(&old, vsctl_read(row, column->name), type);
    for (int i = 4; i < ctx->argc; i++) {
        struct ovsdb_datum add;
        error = take_msg(ctx, vsctl_datum_from_string(
                                  &add, &add_type, ctx->argv[i], ctx->symtab));
        if (error) {
            goto out;
        }
        ovsdb_datum_union(&adds, &add, type);
        ovsdb_datum_destroy(&add, type);
    }

    if (!later_command_rewrites(ctx, ts, column)) {
        /* Like ovs-vsctl, the last "add" to a column becomes an insertion
         * on the server, where a map key the row already has gets the new
         * value (unless the chain wrote the column before), and the
         * server, not this program, refuses too many elements. */
        bool replace = ovsdb_type_is_map(type)
                       && !vsctl_was_written(ctx, row, column->name);
        for (unsigned int i = 0; replace && i < adds.n; i++) {
            unsigned int idx =
                ovsdb_datum_find_key(&old, &adds.keys[i], type->key.type);
            if (idx != UINT_MAX) {
                ovsdb_atom_destroy(&old.values[idx], type->value.type);
                ovsdb_atom_clone(&old.values[idx], &adds.values[i],
                                 type->value.type);
            }
        }
        ovsdb_datum_union(&old, &adds, type);
        if (adds.n > type->n_max) {
            set_deferred_syntax_error(ctx, &adds, type);
            goto out;
        } else if (old.n > type->n_max) {
            char *english = ovsdb_type_to_english(type);
            free(ctx->deferred_error);
            ctx->deferred_error = xasprintf(
                "{\"details\":\"Attempted to store %u elements in %s.\","
                "\"error\":\"constraint violation\"}",
                old.n, english);
            free(english);
            goto out;
        }
    } else {
        ovsdb_datum_union(&old, &adds, type);
        if (old.n > type->n_max) {
            error = vsctl_error(ctx,
                                "\"add\" operation would put %u %s in column "
                                "%s of table %s but the maximum number is %u",
                                old.n,
                                ovsdb_type_is_map(type) ? "pairs" : "values",
                                column->name, ts->name, type->n_max);
            goto out;
        }
        vsctl_verify(ctx, row, column->name);
    }
    error = vsctl_write(ctx, row, column->name, &old);

out:
    ovsdb_datum_destroy(&adds, type);
    ovsdb_datum_destroy(&old, type);
    ovsdb_type_destroy(&add_type);
    vsctl_cache_invalidate(ctx);
    return error;
}

static int
cmd_remove(struct vsctl_context *ctx)
{
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_column *column;
    const struct ovsdb_idl_row *row = NULL;

    int error = get_table_row_column(ctx, &ts, &row, &column);
    if (error || !row) {
        return error;
    }
    error = check_mutable(ctx, row, column);
    if (error) {
        return error;
    }
    const struct ovsdb_type *type = &column->type;
    struct ovsdb_datum old;
    ovsdb_datum_clone(&old, vsctl_read(row, column->name), type);
    for (int i = 4; i < ctx->argc; i++) {
        struct ovsdb_type rm_type;
        struct ovsdb_datum rm;
        ovsdb_type_clone(&rm_type, type);
        rm_type.n_min = 1;
        rm_type.n_max = OVSDB_UNLIMITED;
        char *msg =
            vsctl_datum_from_string(&rm, &rm_type, ctx->argv[i], ctx->symtab);
        if (msg && ovsdb_type_is_map(&rm_type)) {
            /* For a map, the argument may also be a set of keys. */
            free(msg);
            ovsdb_base_type_destroy(&rm_type.value);
            ovsdb_base_type_init(&rm_type.value, OVSDB_TYPE_VOID);
            msg = vsctl_datum_from_string(&rm, &rm_type, ctx->argv[i],
                                          ctx->symtab);
        }
        error = take_msg(ctx, msg);
        if (!error) {
            ovsdb_datum_subtract(&old, type, &rm, &rm_type);
            ovsdb_datum_destroy(&rm, &rm_type);
        }
        ovsdb_type_destroy(&rm_type);
        if (error) {
            goto out;
        }
    }
    if (old.n < type->n_min) {
        error =
            vsctl_error(ctx,
                        "\"remove\" operation would put %u %s in column "
                        "%s of table %s but the minimum number is %u",
                        old.n, ovsdb_type_is_map(type) ? "pairs" : "values",
                        column->name, ts->name, type->n_min);
        goto out;
    }
    vsctl_verify(ctx, row, column->name);
    error = vsctl_write(ctx, row, column->name, &old);

out:
    ovsdb_datum_destroy(&old, type);
    vsctl_cache_invalidate(ctx);
    return error;
}

static int
cmd_clear(struct vsctl_context *ctx)
{
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_idl_row *row = NULL;

    int error = get_table_row_column(ctx, &ts, &row, NULL);
    for (int i = 3; !error && row && i < ctx->argc; i++) {
        const struct ovsdb_column *column;
        error = vsctl_get_column(ctx, ts, ctx->argv[i], &column);
        if (!error) {
            error = check_mutable(ctx, row, column);
        }
        if (!error && column->type.n_min > 0) {
            error = vsctl_error(ctx,
                                "\"clear\" operation cannot be applied to "
                                "column %s of table %s, which is not "
                                "allowed to be empty",
                                column->name, ts->name);
        }
        if (!error) {
            error = vsctl_clear(ctx, row, column->name);
        }
    }
    vsctl_cache_invalidate(ctx);
    return error;
}

static int
cmd_create(struct vsctl_context *ctx)
{
    const char *id = vsctl_option_value(ctx, "--id");
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_uuid *uuid = NULL;

    int error = vsctl_get_table(ctx, ctx->argv[1], &ts);
    if (error) {
        return error;
    }
    if (id) {
        if (id[0] != '@') {
            return vsctl_error(ctx, "row id \"%s\" does not begin with \"@\"",
                               id);
        }
        struct vsctl_symbol *sym = vsctl_symtab_get(ctx->symtab, id);
        if (sym->created) {
            return vsctl_error(ctx,
                               "row id \"%s\" may only be specified on one "
                               "--id option",
                               id);
        }
        sym->created = true;
        if (ts->is_root) {
            /* A root row survives unreferenced: no warning about it. */
            sym->strong_ref = true;
        }
        uuid = &sym->uuid;
    } else if (!ts->is_root) {
        VLOG_WARN("applying \"create\" command to table %s without --id "
                  "option will have no effect",
                  ts->name);
    }
    const struct ovsdb_idl_row *row = vsctl_insert(ctx, ts->name, uuid);
    for (int i = 2; !error && i < ctx->argc; i++) {
        error = vsctl_set_column(ctx, ts, row, ctx->argv[i]);
    }
    char s[OVSDB_UUID_LEN + 1];
    buf_put_cstr(&ctx->cmd->output,
                 ovsdb_uuid_format(ovsdb_idl_row_get_uuid(row), s));
    vsctl_cache_invalidate(ctx);
    return error;
}

/* After the commit: the UUID the server gave the new row. */
static int
post_create(struct vsctl_context *ctx)
{
    struct buf *out = &ctx->cmd->output;
    struct ovsdb_uuid dummy;

    if (ovsdb_uuid_from_string(&dummy, buf_cstr(out))) {
        const struct ovsdb_uuid *real =
            ovsdb_idl_txn_get_insert_uuid(ctx->txn, &dummy);
        if (real) {
            char s[OVSDB_UUID_LEN + 1];
            buf_clear(out);
            buf_put_cstr(out, ovsdb_uuid_format(real, s));
        }
    }
    buf_put_char(out, '\n');
    return 0;
}

static int
cmd_destroy(struct vsctl_context *ctx)
{
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    bool delete_all = vsctl_has_option(ctx, "--all");
    const struct ovsdb_table_schema *ts;

    int error = vsctl_get_table(ctx, ctx->argv[1], &ts);
    if (error) {
        return error;
    }
    if (delete_all && ctx->argc > 2) {
        return vsctl_error(ctx, "--all and records argument should not be "
                                "specified together");
    }
    if (delete_all && !must_exist) {
        return vsctl_error(ctx,
                           "--all and --if-exists should not be specified "
                           "together");
    }
    if (delete_all) {
        const struct ovsdb_idl_row **rows;
        size_t n = vsctl_rows(ctx, ts->name, &rows);
        for (size_t i = 0; i < n; i++) {
            vsctl_delete(ctx, rows[i]);
        }
        free(rows);
    } else {
        for (int i = 2; i < ctx->argc; i++) {
            const struct ovsdb_idl_row *row;
            error =
                vsctl_get_row(ctx, ts->name, ctx->argv[i], must_exist, &row);
            if (error) {
                break;
            }
            if (row) {
                vsctl_delete(ctx, row);
            }
        }
    }
    vsctl_cache_invalidate(ctx);
    return error;
}

static int
cmd_wait_until(struct vsctl_context *ctx)
{
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_idl_row *row = NULL;

    int error = vsctl_get_table(ctx, ctx->argv[1], &ts);
    if (!error) {
        error = vsctl_get_row(ctx, ts->name, ctx->argv[2], false, &row);
    }
    if (error) {
        return error;
    }
    if (!row) {
        ctx->try_again = true;
        return 0;
    }
    for (int i = 3; i < ctx->argc; i++) {
        bool satisfied;
        error = check_condition(ctx, ts, row, ctx->argv[i], &satisfied);
        if (error) {
            return error;
        }
        if (!satisfied) {
            ctx->try_again = true;
            return 0;
        }
    }
    return 0;
}

static int
cmd_comment(struct vsctl_context *ctx)
{
    return 0;
}

#define DB "Database commands"
const struct vsctl_command_syntax vsctl_db_commands[] = {
    { "comment", 0, INT_MAX, "", cmd_comment, NULL, VSCTL_RO, DB, "[ARG]...",
      NULL },
    { "get", 2, INT_MAX, "--if-exists,--id=", cmd_get, NULL, VSCTL_RO, DB,
      "TBL REC COL[:KEY]", "print values of COLumns in RECord in TBL" },
    { "list", 1, INT_MAX, "--if-exists,--columns=", cmd_list, NULL, VSCTL_RO,
      DB, "TBL [REC]", "list RECord (or all records) in TBL" },
    { "find", 1, INT_MAX, "--columns=", cmd_find, NULL, VSCTL_RO, DB,
      "TBL CONDITION...", "list records satisfying CONDITION in TBL" },
    { "set", 3, INT_MAX, "--if-exists", cmd_set, NULL, VSCTL_RW, DB,
      "TBL REC COL[:KEY]=VALUE", "set COLumn values in RECord in TBL" },
    { "add", 4, INT_MAX, "--if-exists", cmd_add, NULL, VSCTL_RW, DB,
      "TBL REC COL [KEY=]VALUE",
      "add (KEY=)VALUE to COLumn in RECord in TBL" },
    { "remove", 4, INT_MAX, "--if-exists", cmd_remove, NULL, VSCTL_RW, DB,
      "TBL REC COL [KEY=]VALUE", "remove (KEY=)VALUE from COLumn" },
    { "clear", 3, INT_MAX, "--if-exists", cmd_clear, NULL, VSCTL_RW, DB,
      "TBL REC COL", "clear values from COLumn in RECord in TBL" },
    { "create", 2, INT_MAX, "--id=", cmd_create, post_create, VSCTL_RW, DB,
      "TBL COL[:KEY]=VALUE", "create and initialize new record" },
    { "destroy", 1, INT_MAX, "--if-exists,--all", cmd_destroy, NULL, VSCTL_RW,
      DB, "TBL REC", "delete RECord from TBL" },
    { "wait-until", 2, INT_MAX, "", cmd_wait_until, NULL, VSCTL_RO, DB,
      "TBL REC [COL[:KEY]=VALUE]", "wait until condition is true" },
    { NULL, 0, 0, NULL, NULL, NULL, VSCTL_RO, NULL, NULL, NULL },
};
