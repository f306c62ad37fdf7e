/* execute.c: the "transact" operations of RFC 7047 section 5.2. */
#include "ovsdb/db.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "ovsdb/condition.h"
#include "ovsdb/db-private.h"
#include "ovsdb/mutation.h"
#include "ovsdb/parser.h"

COVERAGE_DEFINE(ovsdb_execute);
COVERAGE_DEFINE(ovsdb_execute_wait);
COVERAGE_DEFINE(ovsdb_query_scan);
COVERAGE_DEFINE(ovsdb_query_uuid);
COVERAGE_DEFINE(ovsdb_query_index);

/* Returned by an operation that must wait ("wait" not yet satisfied). */
#define EXEC_WAIT EAGAIN

struct exec {
    struct ovsdb *db;
    struct ovsdb_txn *txn;
    struct ovsdb_symtab symtab;
    const struct ovsdb_exec_ctx *ctx;
    long long start_msec;
    long long now_msec;
    long long deadline; /* Earliest "wait" deadline. */
    bool can_wait;      /* The caller can retry later. */
};

/* Rows matching a condition. */
struct row_vec {
    struct ovsdb_row **rows;
    size_t n, allocated;
};

static void
row_vec_push(struct row_vec *v, struct ovsdb_row *row)
{
    if (v->n >= v->allocated) {
        v->allocated = v->allocated ? 2 * v->allocated : 16;
        v->rows = xrealloc(v->rows, v->allocated * sizeof *v->rows);
    }
    v->rows[v->n++] = row;
}

/* If every column of one of TABLE's indexes has an "==" clause in COND,
 * returns that index's number and its hash for the clauses' values in
 * *HASHP; else SIZE_MAX. */
static size_t
find_index_probe(const struct ovsdb_table *table,
                 const struct ovsdb_condition *cond, uint32_t *hashp)
{
    const struct ovsdb_table_schema *ts = table->schema;

    for (size_t i = 0; i < ts->n_indexes; i++) {
        const struct ovsdb_index_schema *index = &ts->indexes[i];
        uint32_t hash = 0;
        size_t j;

        for (j = 0; j < index->n_columns; j++) {
            const struct ovsdb_column *column = index->columns[j];
            const struct ovsdb_clause *eq = NULL;
            for (size_t k = 0; k < cond->n; k++) {
                if (cond->clauses[k].function == OVSDB_F_EQ
                    && cond->clauses[k].column == column) {
                    eq = &cond->clauses[k];
                    break;
                }
            }
            if (!eq) {
                break;
            }
            hash = ovsdb_datum_hash(&eq->arg, &column->type, hash);
        }
        if (j == index->n_columns) {
            *hashp = hash;
            return i;
        }
    }
    return SIZE_MAX;
}

/* Collects the rows of TABLE, as the transaction sees them, that match
 * COND, using a UUID or index look-up instead of a scan when COND allows
 * it. */
static void
query(struct exec *x, struct ovsdb_table *table,
      const struct ovsdb_condition *cond, struct row_vec *out)
{
    const struct ovsdb_uuid *uuid = ovsdb_condition_get_uuid(cond);
    struct ovsdb_row *row;

    if (ovsdb_condition_is_false(cond)) {
        return;
    }
    if (uuid) {
        COVERAGE_INC(ovsdb_query_uuid);
        row = ovsdb_table_find_row_mutable(table, uuid);
        if (row && ovsdb_condition_evaluate(cond, row)) {
            row_vec_push(out, row);
        }
        return;
    }

    uint32_t hash;
    size_t idx = find_index_probe(table, cond, &hash);
    if (idx != SIZE_MAX) {
        /* Committed rows the transaction has not replaced are in the
         * index; the rows it inserted or replaced are on its list. */
        COVERAGE_INC(ovsdb_query_index);
        const struct ovsdb_index_node *in;
        HMAP_FOR_EACH_WITH_HASH (in, node, hash, &table->indexes[idx]) {
            row = in->row;
            if ((!row->txn_row || row->txn_row->new == row)
                && ovsdb_condition_evaluate(cond, row)) {
                row_vec_push(out, row);
            }
        }

        struct ovsdb_txn_row *trow;
        DLIST_FOR_EACH (trow, node,
                        &x->txn->tables[table->schema->index].rows) {
            if (trow->new && trow->new != trow->old
                && ovsdb_condition_evaluate(cond, trow->new)) {
                row_vec_push(out, trow->new);
            }
        }
        return;
    }

    COVERAGE_INC(ovsdb_query_scan);
    HMAP_FOR_EACH (row, hmap_node, &table->rows) {
        if (ovsdb_condition_evaluate(cond, row)) {
            row_vec_push(out, row);
        }
    }
}

/* Parses the operation's "where" for TABLE and runs the query. */
static int
parse_and_query(struct exec *x, struct ovsdb_table *table, const json_t *op,
                struct row_vec *rows, struct ovsdb_error **errp)
{
    struct ovsdb_condition cond;
    if (ovsdb_condition_from_json(table->schema, json_object_get(op, "where"),
                                  &x->symtab, &cond, errp)) {
        return EINVAL;
    }
    query(x, table, &cond, rows);
    ovsdb_condition_destroy(&cond);
    return 0;
}

static json_t *
count_result(size_t n)
{
    json_t *result = json_object();
    json_object_set_new_nocheck(result, "count", json_integer(n));
    return result;
}

/* Operations.  Each gets the operation object, already checked against its
 * member rules, and TABLE if the operation names one. */

static int
execute_insert(struct exec *x, struct ovsdb_table *table, const json_t *op,
               json_t **resultp, struct ovsdb_error **errp)
{
    const json_t *uuid_json = json_object_get(op, "uuid");
    const json_t *name_json = json_object_get(op, "uuid-name");
    struct ovsdb_symbol *symbol = NULL;
    struct ovsdb_uuid uuid;

    if (uuid_json) {
        /* ovsdb-server's extension: the client chooses the UUID. */
        if (!ovsdb_uuid_from_string(&uuid, json_string_value(uuid_json))) {
            return ovsdb_syntax_err(errp, uuid_json, NULL,
                                    "\"%s\" is not a valid UUID",
                                    json_string_value(uuid_json));
        }
        if (ovsdb_table_find_row_mutable(table, &uuid)
            || ovsdb_txn_was_deleted(x->txn, table, &uuid)) {
            return ovsdb_syntax_err(errp, uuid_json, OVSDB_E_DUP_UUID,
                                    "This UUID would duplicate a UUID "
                                    "already present within the table or "
                                    "deleted within the same transaction.");
        }
    }
    if (name_json) {
        const char *name = json_string_value(name_json);
        symbol = ovsdb_symtab_find(&x->symtab, name);
        if (symbol && symbol->created) {
            return ovsdb_syntax_err(errp, name_json, OVSDB_E_DUP_UUID_NAME,
                                    "This \"uuid-name\" appeared on an "
                                    "earlier \"insert\" operation.");
        }
        if (!symbol) {
            symbol = ovsdb_symtab_get(&x->symtab, name);
            if (uuid_json) {
                symbol->uuid = uuid;
            }
        }
        /* As in ovsdb-server, a chosen "uuid" wins even over a name used
         * before this insert (whose references then dangle). */
        if (!uuid_json) {
            uuid = symbol->uuid;
        }
    } else if (!uuid_json) {
        ovsdb_uuid_generate(&uuid);
    }

    struct ovsdb_row *row = ovsdb_row_create(table);
    if (ovsdb_row_from_json(row, json_object_get(op, "row"), &x->symtab, NULL,
                            errp)) {
        ovsdb_row_destroy(row);
        return EINVAL;
    }
    /* Like ovsdb-server, ignore "_uuid" and "_version" in the row. */
    ovsdb_row_set_uuid(row, &uuid);
    ovsdb_txn_row_insert(x->txn, row);
    if (symbol) {
        symbol->created = true;
    }

    union ovsdb_atom atom = { .uuid = uuid };
    *resultp = json_object();
    json_object_set_new_nocheck(*resultp, "uuid",
                                ovsdb_atom_to_json(&atom, OVSDB_TYPE_UUID));
    return 0;
}

static int
execute_select(struct exec *x, struct ovsdb_table *table, const json_t *op,
               json_t **resultp, struct ovsdb_error **errp)
{
    const json_t *columns_json = json_object_get(op, "columns");
    struct ovsdb_column_set columns = OVSDB_COLUMN_SET_INITIALIZER;
    struct row_vec rows = { NULL, 0, 0 };

    if (columns_json
        && ovsdb_column_set_from_json(table->schema, columns_json, &columns,
                                      errp)) {
        goto error;
    }
    if (parse_and_query(x, table, op, &rows, errp)) {
        goto error;
    }

    json_t *array = json_array();
    for (size_t i = 0; i < rows.n; i++) {
        json_array_append_new(
            array,
            ovsdb_row_to_json(rows.rows[i], columns_json ? &columns : NULL));
    }
    *resultp = json_pack("{so}", "rows", array);
    free(rows.rows);
    ovsdb_column_set_destroy(&columns);
    return 0;

error:
    free(rows.rows);
    ovsdb_column_set_destroy(&columns);
    return EINVAL;
}

static int
execute_update(struct exec *x, struct ovsdb_table *table, const json_t *op,
               json_t **resultp, struct ovsdb_error **errp)
{
    const json_t *row_json = json_object_get(op, "row");
    struct ovsdb_column_set columns = OVSDB_COLUMN_SET_INITIALIZER;
    struct row_vec rows = { NULL, 0, 0 };
    int error = EINVAL;

    struct ovsdb_row *values = ovsdb_row_create(table);
    if (ovsdb_row_from_json(values, row_json, &x->symtab, &columns, errp)) {
        goto out;
    }

    /* Immutable columns are refused even if no row matches, as
     * ovsdb-server does. */
    for (size_t i = 0; i < columns.n; i++) {
        const struct ovsdb_column *c = columns.columns[i];
        if (!c->is_mutable) {
            ovsdb_syntax_err(errp, op, OVSDB_E_CONSTRAINT,
                             "Cannot update immutable column %s in table "
                             "%s.",
                             c->name, table->schema->name);
            goto out;
        }
    }
    if (parse_and_query(x, table, op, &rows, errp)) {
        goto out;
    }

    for (size_t i = 0; i < rows.n; i++) {
        struct ovsdb_row *row = ovsdb_txn_row_modify(x->txn, rows.rows[i]);
        for (size_t j = 0; j < columns.n; j++) {
            const struct ovsdb_column *c = columns.columns[j];
            ovsdb_datum_destroy(&row->fields[c->index], &c->type);
            ovsdb_datum_clone(&row->fields[c->index],
                              &values->fields[c->index], &c->type);
            ovsdb_txn_row_written(row, c->index);
        }
    }
    *resultp = count_result(rows.n);
    error = 0;

out:
    free(rows.rows);
    ovsdb_row_destroy(values);
    ovsdb_column_set_destroy(&columns);
    return error;
}

static int
execute_mutate(struct exec *x, struct ovsdb_table *table, const json_t *op,
               json_t **resultp, struct ovsdb_error **errp)
{
    struct ovsdb_mutation_set mutations;
    struct row_vec rows = { NULL, 0, 0 };
    int error;

    if (ovsdb_mutation_set_from_json(table->schema,
                                     json_object_get(op, "mutations"),
                                     &x->symtab, &mutations, errp)) {
        return EINVAL;
    }
    error = parse_and_query(x, table, op, &rows, errp);
    for (size_t i = 0; !error && i < rows.n; i++) {
        struct ovsdb_row *row = ovsdb_txn_row_modify(x->txn, rows.rows[i]);
        error = ovsdb_mutation_set_execute(row, &mutations, errp);
        for (size_t j = 0; j < mutations.n; j++) {
            ovsdb_txn_row_written(row, mutations.mutations[j].column->index);
        }
    }
    if (!error) {
        *resultp = count_result(rows.n);
    }
    free(rows.rows);
    ovsdb_mutation_set_destroy(&mutations);
    return error;
}

static int
execute_delete(struct exec *x, struct ovsdb_table *table, const json_t *op,
               json_t **resultp, struct ovsdb_error **errp)
{
    struct row_vec rows = { NULL, 0, 0 };

    if (parse_and_query(x, table, op, &rows, errp)) {
        return EINVAL;
    }
    for (size_t i = 0; i < rows.n; i++) {
        ovsdb_txn_row_delete(x->txn, rows.rows[i]);
    }
    *resultp = count_result(rows.n);
    free(rows.rows);
    return 0;
}

/* An expected row of a "wait", and whether a row of the result equals
 * it. */
struct wait_row {
    struct hmap_node node;
    struct ovsdb_row *row;
    bool hit;
};

/* Whether the rows in ACTUAL, projected on COLUMNS, are the same set as
 * EXPECTED. */
static bool
rows_equal(const struct row_vec *actual, struct wait_row *expected,
           size_t n_expected, const struct ovsdb_column_set *columns)
{
    struct hmap map = HMAP_INITIALIZER;
    bool equal = true;

    for (size_t i = 0; i < n_expected; i++) {
        hmap_insert(&map, &expected[i].node,
                    ovsdb_row_hash_columns(expected[i].row, columns, 0));
    }
    for (size_t i = 0; equal && i < actual->n; i++) {
        const struct ovsdb_row *row = actual->rows[i];
        uint32_t hash = ovsdb_row_hash_columns(row, columns, 0);
        bool found = false;
        struct wait_row *w;
        HMAP_FOR_EACH_WITH_HASH (w, node, hash, &map) {
            if (ovsdb_row_equal_columns(row, w->row, columns)) {
                w->hit = found = true;
            }
        }
        equal = found;
    }
    for (size_t i = 0; equal && i < n_expected; i++) {
        equal = expected[i].hit;
    }
    hmap_destroy(&map);
    return equal;
}

static int
execute_wait(struct exec *x, struct ovsdb_table *table, const json_t *op,
             json_t **resultp, struct ovsdb_error **errp)
{
    const json_t *until_json = json_object_get(op, "until");
    const json_t *columns_json = json_object_get(op, "columns");
    const json_t *rows_json = json_object_get(op, "rows");
    const json_t *timeout_json = json_object_get(op, "timeout");
    const char *until = json_string_value(until_json);
    struct ovsdb_column_set columns = OVSDB_COLUMN_SET_INITIALIZER;
    struct row_vec actual = { NULL, 0, 0 };
    size_t n_expected = json_array_size(rows_json);
    struct wait_row *expected =
        xcalloc(n_expected ? n_expected : 1, sizeof *expected);
    size_t n_parsed = 0;
    int error = EINVAL;

    if (strcmp(until, "==") && strcmp(until, "!=")) {
        ovsdb_syntax_err(errp, until_json, NULL,
                         "\"until\" must be \"==\" or \"!=\"");
        goto out;
    }
    if (columns_json) {
        if (ovsdb_column_set_from_json(table->schema, columns_json, &columns,
                                       errp)) {
            goto out;
        }
    } else {
        ovsdb_column_set_add_all(&columns, table->schema);
    }
    for (; n_parsed < n_expected; n_parsed++) {
        struct wait_row *w = &expected[n_parsed];
        w->row = ovsdb_row_create(table);
        if (ovsdb_row_from_json(w->row, json_array_get(rows_json, n_parsed),
                                &x->symtab, NULL, errp)) {
            ovsdb_row_destroy(w->row);
            goto out;
        }
    }
    if (parse_and_query(x, table, op, &actual, errp)) {
        goto out;
    }

    bool equal = rows_equal(&actual, expected, n_expected, &columns);
    if (equal == !strcmp(until, "==")) {
        *resultp = json_object();
        error = 0;
        goto out;
    }

    /* Not (yet) satisfied. */
    long long timeout =
        timeout_json ? json_integer_value(timeout_json) : LLONG_MAX;
    long long deadline = (timeout >= LLONG_MAX - x->start_msec
                              ? LLONG_MAX
                              : x->start_msec + NF_MAX(timeout, 0));
    if (!x->can_wait || x->now_msec >= deadline) {
        ovsdb_err(errp, ETIMEDOUT, OVSDB_E_TIMED_OUT,
                  "\"wait\" condition on table %s not met%s",
                  table->schema->name,
                  timeout > 0 ? " before the timeout" : "");
        error = ETIMEDOUT;
    } else {
        COVERAGE_INC(ovsdb_execute_wait);
        x->deadline = NF_MIN(x->deadline, deadline);
        error = EXEC_WAIT;
    }

out:
    for (size_t i = 0; i < n_parsed; i++) {
        ovsdb_row_destroy(expected[i].row);
    }
    free(expected);
    free(actual.rows);
    ovsdb_column_set_destroy(&columns);
    return error;
}

static int
execute_commit(struct exec *x, struct ovsdb_table *table NF_UNUSED,
               const json_t *op, json_t **resultp,
               struct ovsdb_error **errp NF_UNUSED)
{
    if (json_is_true(json_object_get(op, "durable"))) {
        x->txn->durable = true;
    }
    *resultp = json_object();
    return 0;
}

static int
execute_abort(struct exec *x NF_UNUSED, struct ovsdb_table *table NF_UNUSED,
              const json_t *op NF_UNUSED, json_t **resultp NF_UNUSED,
              struct ovsdb_error **errp)
{
    return ovsdb_err(errp, ECANCELED, OVSDB_E_ABORTED, "aborted by request");
}

static int
execute_comment(struct exec *x, struct ovsdb_table *table NF_UNUSED,
                const json_t *op, json_t **resultp,
                struct ovsdb_error **errp NF_UNUSED)
{
    const json_t *comment = json_object_get(op, "comment");
    struct buf *b = &x->txn->comment;

    if (b->len) {
        buf_put_char(b, '\n');
    }
    buf_put(b, json_string_value(comment), json_string_length(comment));
    *resultp = json_object();
    return 0;
}

static int
execute_assert(struct exec *x, struct ovsdb_table *table NF_UNUSED,
               const json_t *op, json_t **resultp, struct ovsdb_error **errp)
{
    const char *lock = json_string_value(json_object_get(op, "lock"));
    const struct ovsdb_exec_ctx *ctx = x->ctx;

    if (!ctx || !ctx->lock_owned || !ctx->lock_owned(lock, ctx->aux)) {
        return ovsdb_err(errp, EPERM, OVSDB_E_NOT_OWNER,
                         "Asserted lock %s not held.", lock);
    }
    *resultp = json_object();
    return 0;
}

/* The operations and their members (RFC 7047 section 5.2). */

#define OP_MEMBER                  \
    {                              \
        "op", OVSDB_J_STRING, true \
    }
#define TABLE_MEMBER                  \
    {                                 \
        "table", OVSDB_J_STRING, true \
    }
#define WHERE_MEMBER                 \
    {                                \
        "where", OVSDB_J_ARRAY, true \
    }

static const struct ovsdb_member_rule insert_rules[] = {
    OP_MEMBER,
    TABLE_MEMBER,
    { "row", OVSDB_J_OBJECT, true },
    { "uuid-name", OVSDB_J_ID, false },
    { "uuid", OVSDB_J_STRING, false },
};
static const struct ovsdb_member_rule select_rules[] = {
    OP_MEMBER,
    TABLE_MEMBER,
    WHERE_MEMBER,
    { "columns", OVSDB_J_ARRAY, false },
};
static const struct ovsdb_member_rule update_rules[] = {
    OP_MEMBER,
    TABLE_MEMBER,
    WHERE_MEMBER,
    { "row", OVSDB_J_OBJECT, true },
};
static const struct ovsdb_member_rule mutate_rules[] = {
    OP_MEMBER,
    TABLE_MEMBER,
    WHERE_MEMBER,
    { "mutations", OVSDB_J_ARRAY, true },
};
static const struct ovsdb_member_rule delete_rules[] = {
    OP_MEMBER,
    TABLE_MEMBER,
    WHERE_MEMBER,
};
static const struct ovsdb_member_rule wait_rules[] = {
    OP_MEMBER,
    TABLE_MEMBER,
    WHERE_MEMBER,
    { "columns", OVSDB_J_ARRAY, false },
    { "until", OVSDB_J_STRING, true },
    { "rows", OVSDB_J_ARRAY, true },
    { "timeout", OVSDB_J_INTEGER, false },
};
static const struct ovsdb_member_rule commit_rules[] = {
    OP_MEMBER,
    { "durable", OVSDB_J_BOOLEAN, true },
};
static const struct ovsdb_member_rule abort_rules[] = {
    OP_MEMBER,
};
static const struct ovsdb_member_rule comment_rules[] = {
    OP_MEMBER,
    { "comment", OVSDB_J_STRING, true },
};
static const struct ovsdb_member_rule assert_rules[] = {
    OP_MEMBER,
    { "lock", OVSDB_J_STRING, true },
};

typedef int op_func(struct exec *, struct ovsdb_table *, const json_t *op,
                    json_t **resultp, struct ovsdb_error **errp);

/* One operation: its handler, its members and whether it writes. */
/* clang-format off */
#define OP(NAME, WRITES) \
    { #NAME, execute_##NAME, NAME##_rules, ARRAY_SIZE(NAME##_rules), WRITES }

static const struct op_desc {
    const char *name;
    op_func *execute;
    const struct ovsdb_member_rule *rules;
    size_t n_rules;
    bool writes;                /* Modifies the database. */
} op_descs[] = {
    OP(insert, true),
    OP(select, false),
    OP(update, true),
    OP(mutate, true),
    OP(delete, true),
    OP(wait, false),
    OP(commit, false),
    OP(abort, false),
    OP(comment, false),
    OP(assert, false),
};
#undef OP
/* clang-format on */

static const struct op_desc *
find_op(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(op_descs); i++) {
        if (!strcmp(op_descs[i].name, name)) {
            return &op_descs[i];
        }
    }
    return NULL;
}

static int
execute_op(struct exec *x, const json_t *op, size_t i, size_t n,
           json_t **resultp, struct ovsdb_error **errp)
{
    const json_t *name = json_is_object(op) ? json_object_get(op, "op") : NULL;
    const struct op_desc *desc = NULL;
    int error;

    if (!json_is_object(op)) {
        error =
            ovsdb_syntax_err(errp, op, NULL, "operation must be an object");
    } else if (!json_is_string(name)) {
        error = ovsdb_syntax_err(errp, op, NULL,
                                 "operation lacks a string \"op\" member");
    } else if (!(desc = find_op(json_string_value(name)))) {
        error = ovsdb_syntax_err(errp, op, NULL, "No operation \"%s\"",
                                 json_string_value(name));
    } else {
        error = ovsdb_check_members(op, desc->rules, desc->n_rules, errp);
    }
    if (error) {
        ovsdb_error_prefix(errp ? *errp : NULL,
                           "Parsing operation %zu of %zu failed: ", i + 1, n);
        return error;
    }

    struct ovsdb_table *table = NULL;
    const json_t *table_json = json_object_get(op, "table");
    if (table_json) {
        table = ovsdb_get_table(x->db, json_string_value(table_json));
        if (!table) {
            return ovsdb_syntax_err(errp, op, NULL,
                                    "Parsing operation %zu of %zu failed: "
                                    "No table named %s.",
                                    i + 1, n, json_string_value(table_json));
        }
    }
    if (desc->writes && x->ctx && x->ctx->read_only) {
        return ovsdb_err(errp, EPERM, OVSDB_E_NOT_ALLOWED,
                         "\"%s\" is not allowed: this database is "
                         "read-only",
                         desc->name);
    }
    return desc->execute(x, table, op, resultp, errp);
}

json_t *
ovsdb_execute(struct ovsdb *db, const json_t *ops,
              const struct ovsdb_exec_ctx *ctx, struct ovsdb_txn **txnp,
              bool *must_wait, long long *deadline)
{
    struct ovsdb_error *error = NULL;
    json_t *results = json_array();

    COVERAGE_INC(ovsdb_execute);
    *txnp = NULL;
    if (must_wait) {
        *must_wait = false;
    }
    if (deadline) {
        *deadline = LLONG_MAX;
    }
    if (!json_is_array(ops)) {
        ovsdb_syntax_err(&error, ops, NULL,
                         "\"transact\" parameters must be an array of "
                         "operations");
        json_array_append_new(results, ovsdb_error_to_json(error));
        ovsdb_error_destroy(error);
        return results;
    }

    struct exec x = {
        .db = db,
        .txn = ovsdb_txn_begin(db),
        .ctx = ctx,
        .now_msec = ctx && ctx->now_msec ? ctx->now_msec : nf_time_msec(),
        .deadline = LLONG_MAX,
        .can_wait = must_wait != NULL,
    };
    x.start_msec = ctx && ctx->start_msec ? ctx->start_msec : x.now_msec;
    ovsdb_symtab_init(&x.symtab);

    size_t n = json_array_size(ops);
    for (size_t i = 0; i < n; i++) {
        json_t *result = NULL;
        int err =
            execute_op(&x, json_array_get(ops, i), i, n, &result, &error);
        if (err == EXEC_WAIT) {
            ovsdb_txn_abort(x.txn);
            ovsdb_symtab_destroy(&x.symtab);
            json_decref(results);
            *must_wait = true;
            if (deadline) {
                *deadline = x.deadline;
            }
            return NULL;
        }
        if (err) {
            json_array_append_new(results, ovsdb_error_to_json(error));
            ovsdb_error_destroy(error);
            for (i++; i < n; i++) {
                json_array_append_new(results, json_null());
            }
            goto abort;
        }
        json_array_append_new(results, result);
    }

    if (ovsdb_txn_precommit(x.txn, &error)) {
        json_array_append_new(results, ovsdb_error_to_json(error));
        ovsdb_error_destroy(error);
        goto abort;
    }
    ovsdb_txn_commit(x.txn);
    if (ovsdb_txn_has_changes(x.txn)) {
        *txnp = x.txn;
    } else {
        ovsdb_txn_destroy(x.txn);
    }
    ovsdb_symtab_destroy(&x.symtab);
    return results;

abort:
    ovsdb_txn_abort(x.txn);
    ovsdb_symtab_destroy(&x.symtab);
    return results;
}
