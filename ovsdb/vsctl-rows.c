/* vsctl-rows.c: for nicflow-vsctl, the rows a command chain sees (the
 * replica as the chain has changed it so far), writing them, the names of
 * tables and columns (unique abbreviations, as ovs-vsctl accepts them),
 * and finding a record named on the command line with ovs-vsctl's
 * per-table rules. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/hash.h"
#include "ovsdb/vsctl.h"

/* The rows of the transaction. */

#define ROW_PUSH(ARRAY, N, ALLOCATED, ROW)                              \
    do {                                                                \
        if ((N) >= (ALLOCATED)) {                                       \
            (ALLOCATED) = (ALLOCATED) ? 2 * (ALLOCATED) : 16;           \
            (ARRAY) = xrealloc((ARRAY), (ALLOCATED) * sizeof *(ARRAY)); \
        }                                                               \
        (ARRAY)[(N)++] = (ROW);                                         \
    } while (0)

/* A row in one of the context's indexes. */
struct row_node {
    struct hmap_node node;
    const struct ovsdb_idl_row *row;
};

static uint32_t
hash_pointer(const void *p)
{
    return hash_bytes(&p, sizeof p, 0);
}

static void
row_index_add(struct hmap *index, const struct ovsdb_idl_row *row,
              uint32_t hash)
{
    struct row_node *rn = xmalloc(sizeof *rn);
    rn->row = row;
    hmap_insert(index, &rn->node, hash);
}

static bool
row_index_contains(const struct hmap *index, const struct ovsdb_idl_row *row,
                   uint32_t hash)
{
    const struct row_node *rn;
    HMAP_FOR_EACH_WITH_HASH (rn, node, hash, index) {
        if (rn->row == row) {
            return true;
        }
    }
    return false;
}

static void
row_index_clear(struct hmap *index)
{
    struct row_node *rn;
    HMAP_FOR_EACH_SAFE (rn, node, index) {
        hmap_remove(index, &rn->node);
        free(rn);
    }
    hmap_destroy(index);
}

/* A column written by the chain. */
struct written_node {
    struct hmap_node node;
    const struct ovsdb_idl_row *row;
    char column[];
};

static uint32_t
written_hash(const struct ovsdb_idl_row *row, const char *column)
{
    return hash_string(column, hash_pointer(row));
}

const struct ovsdb_idl_row *
vsctl_insert(struct vsctl_context *ctx, const char *table,
             const struct ovsdb_uuid *uuid)
{
    const struct ovsdb_idl_row *row =
        ovsdb_idl_txn_insert(ctx->txn, table, uuid);
    nf_assert(row);
    if (ctx->n_inserted >= ctx->allocated_inserted) {
        ctx->allocated_inserted =
            ctx->allocated_inserted ? 2 * ctx->allocated_inserted : 16;
        ctx->inserted = xrealloc(ctx->inserted, ctx->allocated_inserted
                                                    * sizeof *ctx->inserted);
    }
    ctx->inserted[ctx->n_inserted++] = row;
    row_index_add(&ctx->inserted_index, row,
                  ovsdb_uuid_hash(ovsdb_idl_row_get_uuid(row)));
    return row;
}

void
vsctl_delete(struct vsctl_context *ctx, const struct ovsdb_idl_row *row)
{
    if (vsctl_row_is_deleted(ctx, row)) {
        return;
    }
    const struct ovsdb_table_schema *ts =
        ovsdb_schema_get_table(ctx->schema, ovsdb_idl_row_get_table(row));
    if ((ts && ts->is_root) || vsctl_row_is_inserted(ctx, row)) {
        ovsdb_idl_txn_delete(ctx->txn, row);
    }
    row_index_add(&ctx->deleted_index, row, hash_pointer(row));
}

bool
vsctl_row_is_deleted(const struct vsctl_context *ctx,
                     const struct ovsdb_idl_row *row)
{
    return !hmap_is_empty(&ctx->deleted_index)
           && row_index_contains(&ctx->deleted_index, row, hash_pointer(row));
}

bool
vsctl_row_is_inserted(const struct vsctl_context *ctx,
                      const struct ovsdb_idl_row *row)
{
    return !hmap_is_empty(&ctx->inserted_index)
           && row_index_contains(&ctx->inserted_index, row,
                                 ovsdb_uuid_hash(ovsdb_idl_row_get_uuid(row)));
}

void
vsctl_rows_reset(struct vsctl_context *ctx)
{
    struct written_node *wn;
    HMAP_FOR_EACH_SAFE (wn, node, &ctx->written) {
        hmap_remove(&ctx->written, &wn->node);
        free(wn);
    }
    hmap_destroy(&ctx->written);
    row_index_clear(&ctx->inserted_index);
    row_index_clear(&ctx->deleted_index);
    free(ctx->inserted);
    ctx->inserted = NULL;
    ctx->n_inserted = ctx->allocated_inserted = 0;
}

static int
cmp_rows_by_uuid(const void *a_, const void *b_)
{
    const struct ovsdb_idl_row *const *a = a_, *const *b = b_;
    return ovsdb_uuid_compare(ovsdb_idl_row_get_uuid(*a),
                              ovsdb_idl_row_get_uuid(*b));
}

size_t
vsctl_rows(const struct vsctl_context *ctx, const char *table,
           const struct ovsdb_idl_row ***rowsp)
{
    const struct ovsdb_idl_row **rows = NULL;
    size_t n = 0, allocated = 0;
    const struct ovsdb_idl_row *row;

    OVSDB_IDL_FOR_EACH (row, ctx->idl, table) {
        if (!vsctl_row_is_deleted(ctx, row)) {
            ROW_PUSH(rows, n, allocated, row);
        }
    }
    if (n) {
        qsort(rows, n, sizeof *rows, cmp_rows_by_uuid);
    }
    for (size_t i = 0; i < ctx->n_inserted; i++) {
        row = ctx->inserted[i];
        if (!strcmp(ovsdb_idl_row_get_table(row), table)
            && !vsctl_row_is_deleted(ctx, row)) {
            ROW_PUSH(rows, n, allocated, row);
        }
    }
    *rowsp = rows;
    return n;
}

const struct ovsdb_idl_row *
vsctl_row_by_uuid(const struct vsctl_context *ctx, const char *table,
                  const struct ovsdb_uuid *uuid)
{
    const struct ovsdb_idl_row *row = ovsdb_idl_get_row(ctx->idl, table, uuid);
    if (!row) {
        const struct row_node *rn;
        HMAP_FOR_EACH_WITH_HASH (rn, node, ovsdb_uuid_hash(uuid),
                                 &ctx->inserted_index) {
            if (ovsdb_uuid_equals(ovsdb_idl_row_get_uuid(rn->row), uuid)
                && !strcmp(ovsdb_idl_row_get_table(rn->row), table)) {
                row = rn->row;
                break;
            }
        }
    }
    return row && !vsctl_row_is_deleted(ctx, row) ? row : NULL;
}

const struct ovsdb_idl_row *
vsctl_deref(const struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
            const char *column, unsigned int idx)
{
    const struct ovsdb_type *type = ovsdb_idl_row_get_type(row, column);
    const struct ovsdb_datum *d = vsctl_read(row, column);
    if (!type || idx >= d->n) {
        return NULL;
    }
    if (ovsdb_base_type_is_ref(&type->key)) {
        return vsctl_row_by_uuid(ctx, type->key.u.uuid.ref_table_name,
                                 &d->keys[idx].uuid);
    } else if (ovsdb_base_type_is_ref(&type->value)) {
        return vsctl_row_by_uuid(ctx, type->value.u.uuid.ref_table_name,
                                 &d->values[idx].uuid);
    }
    return NULL;
}

const struct ovsdb_datum *
vsctl_read(const struct ovsdb_idl_row *row, const char *column)
{
    static const struct ovsdb_datum empty = OVSDB_DATUM_EMPTY;
    const struct ovsdb_datum *d = ovsdb_idl_row_get(row, column);
    return d ? d : &empty;
}

const struct ovsdb_type *
vsctl_column_type(const struct vsctl_context *ctx, const char *table,
                  const char *column)
{
    return ovsdb_idl_get_column_type(ctx->idl, table, column);
}

bool
vsctl_was_written(const struct vsctl_context *ctx,
                  const struct ovsdb_idl_row *row, const char *column)
{
    const struct written_node *wn;
    HMAP_FOR_EACH_WITH_HASH (wn, node, written_hash(row, column),
                             &ctx->written) {
        if (wn->row == row && !strcmp(wn->column, column)) {
            return true;
        }
    }
    return false;
}

void
vsctl_mark_written(struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
                   const char *column)
{
    if (!vsctl_was_written(ctx, row, column)) {
        size_t len = strlen(column);
        struct written_node *wn = xmalloc(sizeof *wn + len + 1);
        wn->row = row;
        memcpy(wn->column, column, len + 1);
        hmap_insert(&ctx->written, &wn->node, written_hash(row, column));
    }
}

int
vsctl_write(struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
            const char *column, struct ovsdb_datum *datum)
{
    vsctl_mark_written(ctx, row, column);
    const struct ovsdb_type *type = ovsdb_idl_row_get_type(row, column);
    if (ovsdb_idl_txn_write(ctx->txn, row, column, datum)) {
        if (type) {
            ovsdb_datum_destroy(datum, type);
        }
        return vsctl_error(ctx, "cannot write column %s of table %s", column,
                           ovsdb_idl_row_get_table(row));
    }
    return 0;
}

static int
write_result(struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
             const char *column, int error)
{
    vsctl_mark_written(ctx, row, column);
    return error ? vsctl_error(ctx, "cannot write column %s of table %s",
                               column, ovsdb_idl_row_get_table(row))
                 : 0;
}

int
vsctl_write_string(struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
                   const char *column, const char *value)
{
    return write_result(
        ctx, row, column,
        ovsdb_idl_txn_write_string(ctx->txn, row, column, value));
}

int
vsctl_write_integer(struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
                    const char *column, int64_t value)
{
    return write_result(
        ctx, row, column,
        ovsdb_idl_txn_write_integer(ctx->txn, row, column, value));
}

int
vsctl_write_boolean(struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
                    const char *column, bool value)
{
    return write_result(
        ctx, row, column,
        ovsdb_idl_txn_write_boolean(ctx->txn, row, column, value));
}

int
vsctl_write_refs(struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
                 const char *column, const struct ovsdb_idl_row **rows,
                 size_t n)
{
    struct ovsdb_datum d;
    d.n = n;
    d.keys = xcalloc(n ? n : 1, sizeof *d.keys);
    d.values = NULL;
    for (size_t i = 0; i < n; i++) {
        d.keys[i].uuid = *ovsdb_idl_row_get_uuid(rows[i]);
    }
    return vsctl_write(ctx, row, column, &d);
}

int
vsctl_clear(struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
            const char *column)
{
    struct ovsdb_datum d = OVSDB_DATUM_EMPTY;
    return vsctl_write(ctx, row, column, &d);
}

void
vsctl_verify(struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
             const char *column)
{
    if (!vsctl_row_is_inserted(ctx, row)) {
        ovsdb_idl_txn_verify(ctx->txn, row, column);
    }
}

/* Names of tables and columns. */

static char
lower_underscore(char c)
{
    return c == '-' ? '_' : (char) tolower((unsigned char) c);
}

/* How well S matches NAME: INT_MAX exactly, INT_MAX - 1 but for case and
 * "-" for "_", else the length of S if it abbreviates NAME, else 0. */
static int
score_partial_match(const char *name, const char *s)
{
    if (!strcmp(name, s)) {
        return INT_MAX;
    }
    int score;
    for (score = 0;; score++, name++, s++) {
        if (lower_underscore(*name) != lower_underscore(*s)) {
            break;
        } else if (!*name) {
            return INT_MAX - 1;
        }
    }
    return *s ? 0 : score;
}

static int
cmp_names(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;
    return strcmp(*a, *b);
}

/* Appends to OUT, sorted and separated by ", ", the names of the tables
 * (TS null) or of the columns of TS that match NAME with SCORE. */
static void
list_best_matches(const struct vsctl_context *ctx,
                  const struct ovsdb_table_schema *ts, const char *name,
                  int score, struct buf *out)
{
    size_t n_all = ts ? ts->n_columns : ctx->schema->n_tables;
    const char **names = xcalloc(n_all + 1, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < n_all; i++) {
        const char *s =
            ts ? ts->columns[i]->name : ctx->schema->tables[i]->name;
        if ((!ts || i >= OVSDB_N_IMPLICIT_COLUMNS)
            && score_partial_match(s, name) == score) {
            names[n++] = s;
        }
    }
    qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        buf_printf(out, "%s%s", i ? ", " : "", names[i]);
    }
    free(names);
}

/* The table or column NAME designates, or NULL, without a message. */
const struct ovsdb_table_schema *
vsctl_quiet_table(const struct vsctl_context *ctx, const char *name)
{
    const struct ovsdb_table_schema *best = NULL;
    int best_score = 0;
    for (size_t i = 0; i < ctx->schema->n_tables; i++) {
        int score = score_partial_match(ctx->schema->tables[i]->name, name);
        if (score > best_score) {
            best = ctx->schema->tables[i];
            best_score = score;
        } else if (score == best_score) {
            best = NULL;
        }
    }
    return best;
}

const struct ovsdb_column *
vsctl_quiet_column(const struct ovsdb_table_schema *ts, const char *name)
{
    const struct ovsdb_column *best = NULL;
    int best_score = 0;
    for (size_t i = OVSDB_N_IMPLICIT_COLUMNS; i < ts->n_columns; i++) {
        int score = score_partial_match(ts->columns[i]->name, name);
        if (score > best_score) {
            best = ts->columns[i];
            best_score = score;
        } else if (score == best_score) {
            best = NULL;
        }
    }
    return best;
}

int
vsctl_get_table(struct vsctl_context *ctx, const char *name,
                const struct ovsdb_table_schema **tsp)
{
    const struct ovsdb_table_schema *best = NULL;
    int best_score = 0;

    for (size_t i = 0; i < ctx->schema->n_tables; i++) {
        const struct ovsdb_table_schema *ts = ctx->schema->tables[i];
        int score = score_partial_match(ts->name, name);
        if (score > best_score) {
            best = ts;
            best_score = score;
        } else if (score == best_score) {
            best = NULL;
        }
    }
    *tsp = best;
    if (best) {
        return 0;
    } else if (best_score) {
        struct buf b = BUF_INITIALIZER;
        list_best_matches(ctx, NULL, name, best_score, &b);
        vsctl_error(ctx, "\"%s\" matches multiple table names: %s", name,
                    buf_cstr(&b));
        buf_destroy(&b);
        return EINVAL;
    }
    return vsctl_error(ctx, "unknown table \"%s\"", name);
}

int
vsctl_get_column(struct vsctl_context *ctx,
                 const struct ovsdb_table_schema *ts, const char *name,
                 const struct ovsdb_column **columnp)
{
    const struct ovsdb_column *best = NULL;
    int best_score = 0;

    for (size_t i = OVSDB_N_IMPLICIT_COLUMNS; i < ts->n_columns; i++) {
        int score = score_partial_match(ts->columns[i]->name, name);
        if (score > best_score) {
            best = ts->columns[i];
            best_score = score;
        } else if (score == best_score) {
            best = NULL;
        }
    }
    *columnp = best;
    if (best) {
        return 0;
    } else if (best_score) {
        struct buf b = BUF_INITIALIZER;
        list_best_matches(ctx, ts, name, best_score, &b);
        vsctl_error(ctx,
                    "%s contains more than one column whose name matches "
                    "\"%s\": %s",
                    ts->name, name, buf_cstr(&b));
        buf_destroy(&b);
        return EINVAL;
    }
    return vsctl_error(ctx,
                       "%s does not contain a column whose name matches "
                       "\"%s\"",
                       ts->name, name);
}

/* Record look-up. */

/* How ovs-vsctl finds a row of TABLE by a name: the row of NAME_TABLE
 * whose NAME_COLUMN equals the name and, if UUID_COLUMN is set, then the
 * row of TABLE that its UUID_COLUMN refers to.  SINGLETON tables (at most
 * one row) are also reachable as ".".  Every table of the schema is listed,
 * for --help. */
struct vsctl_row_id {
    const char *table;
    bool singleton;
    const char *name_table;
    const char *name_column;
    const char *uuid_column;
};

static const struct vsctl_row_id row_ids[] = {
    { "AutoAttach", false, "Bridge", "name", "auto_attach" },
    { "Bridge", false, "Bridge", "name", NULL },
    { "CT_Timeout_Policy", false, NULL, NULL, NULL },
    { "CT_Zone", false, NULL, NULL, NULL },
    { "Controller", false, "Bridge", "name", "controller" },
    { "Datapath", false, NULL, NULL, NULL },
    { "Flow_Sample_Collector_Set", false, "Flow_Sample_Collector_Set", "id",
      NULL },
    { "Flow_Table", false, "Flow_Table", "name", NULL },
    { "IPFIX", false, "Bridge", "name", "ipfix" },
    { "Interface", false, "Interface", "name", NULL },
    { "Manager", false, "Manager", "target", NULL },
    { "Mirror", false, "Mirror", "name", NULL },
    { "NetFlow", false, "Bridge", "name", "netflow" },
    { "Open_vSwitch", true, NULL, NULL, NULL },
    { "Port", false, "Port", "name", NULL },
    { "QoS", false, "Port", "name", "qos" },
    { "Queue", false, NULL, NULL, NULL },
    { "SSL", true, NULL, NULL, NULL },
    { "sFlow", false, "Bridge", "name", "sflow" },
};

void
vsctl_print_row_id_help(void)
{
    printf("Database commands may reference a row in each table in the "
           "following ways:\n");
    for (size_t i = 0; i < ARRAY_SIZE(row_ids); i++) {
        const struct vsctl_row_id *id = &row_ids[i];
        printf("  %s:\n    by UUID\n", id->table);
        if (id->singleton) {
            printf("    as \".\"\n");
        }
        if (id->name_column && id->uuid_column) {
            printf("    via \"%s\" of %s with matching \"%s\"\n",
                   id->uuid_column, id->name_table, id->name_column);
        } else if (id->name_column) {
            printf("    by \"%s\"\n", id->name_column);
        }
    }
}

static const struct vsctl_row_id *
find_row_id(const char *table)
{
    for (size_t i = 0; i < ARRAY_SIZE(row_ids); i++) {
        if (!strcmp(row_ids[i].table, table)) {
            return &row_ids[i];
        }
    }
    return NULL;
}

/* Whether NAME, an atom of TYPE, is what RECORD_ID names: the same string
 * (or, for a string holding a UUID, at least 4 leading characters of it),
 * or the same integer. */
static bool
record_id_equals(const union ovsdb_atom *name, enum ovsdb_atomic_type type,
                 const char *record_id)
{
    if (type == OVSDB_TYPE_STRING) {
        struct ovsdb_uuid uuid;
        size_t len = strlen(record_id);
        return !strcmp(name->string->s, record_id)
               || (len >= 4 && ovsdb_uuid_from_string(&uuid, name->string->s)
                   && !strncmp(name->string->s, record_id, len));
    } else if (type == OVSDB_TYPE_INTEGER) {
        return name->integer == strtoll(record_id, NULL, 10);
    }
    return false;
}

static const struct ovsdb_idl_row *
get_row_by_id(struct vsctl_context *ctx, const char *table,
              const struct vsctl_row_id *id, const char *record_id,
              bool *multiple)
{
    const struct ovsdb_idl_row **rows;
    const struct ovsdb_idl_row *referrer = NULL;

    *multiple = false;
    if (!id || !id->name_column) {
        return NULL;
    }
    const struct ovsdb_type *type =
        vsctl_column_type(ctx, id->name_table, id->name_column);
    if (!type) {
        return NULL;
    }
    size_t n = vsctl_rows(ctx, id->name_table, &rows);
    for (size_t i = 0; i < n; i++) {
        const struct ovsdb_datum *d = vsctl_read(rows[i], id->name_column);
        if (d->n == 1
            && record_id_equals(&d->keys[0], type->key.type, record_id)) {
            if (referrer) {
                *multiple = true;
                free(rows);
                return NULL;
            }
            referrer = rows[i];
        }
    }
    free(rows);
    if (!referrer || !id->uuid_column) {
        return referrer;
    }
    vsctl_verify(ctx, referrer, id->uuid_column);
    const struct ovsdb_datum *d = vsctl_read(referrer, id->uuid_column);
    return d->n == 1 ? vsctl_row_by_uuid(ctx, table, &d->keys[0].uuid) : NULL;
}

/* If S could begin a UUID ("xxxxxxxx-xxxx-..."), the number of its
 * characters, else 0. */
static size_t
uuid_partial_length(const char *s)
{
    static const char tmpl[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    size_t i;
    for (i = 0; s[i]; i++) {
        if (i >= OVSDB_UUID_LEN) {
            return 0;
        }
        if (tmpl[i] == 'x' ? !isxdigit((unsigned char) s[i]) : s[i] != '-') {
            return 0;
        }
    }
    return i;
}

int
vsctl_get_row(struct vsctl_context *ctx, const char *table,
              const char *record_id, bool must_exist,
              const struct ovsdb_idl_row **rowp)
{
    const struct ovsdb_idl_row *row = NULL;
    struct ovsdb_uuid uuid;

    *rowp = NULL;
    if (ovsdb_uuid_from_string(&uuid, record_id)) {
        row = vsctl_row_by_uuid(ctx, table, &uuid);
    }
    if (!row && !strcmp(record_id, ".")) {
        const struct ovsdb_idl_row **rows;
        if (vsctl_rows(ctx, table, &rows) == 1) {
            row = rows[0];
        }
        free(rows);
    }
    if (!row) {
        bool multiple;
        row = get_row_by_id(ctx, table, find_row_id(table), record_id,
                            &multiple);
        if (multiple) {
            return vsctl_error(ctx, "multiple rows in %s match \"%s\"", table,
                               record_id);
        }
    }
    if (!row && uuid_partial_length(record_id) >= 4) {
        const struct ovsdb_idl_row **rows;
        size_t n = vsctl_rows(ctx, table, &rows);
        size_t len = strlen(record_id);
        for (size_t i = 0; i < n; i++) {
            char s[OVSDB_UUID_LEN + 1];
            ovsdb_uuid_format(ovsdb_idl_row_get_uuid(rows[i]), s);
            if (strncasecmp(s, record_id, len)) {
                continue;
            }
            if (row) {
                char a[OVSDB_UUID_LEN + 1];
                ovsdb_uuid_format(ovsdb_idl_row_get_uuid(row), a);
                free(rows);
                return vsctl_error(ctx,
                                   "%s contains 2 or more rows whose UUIDs "
                                   "begin with %s: at least %s and %s",
                                   table, record_id, a, s);
            }
            row = rows[i];
        }
        free(rows);
    }
    if (must_exist && !row) {
        return vsctl_error(ctx, "no row \"%s\" in table %s", record_id, table);
    }
    *rowp = row;
    return 0;
}
