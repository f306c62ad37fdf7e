/* idl-txn.c: transactions of the OVSDB client library (see idl.h). */
#include "ovsdb/idl.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/jsonrpc.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/idl-private.h"
#include "ovsdb/schema.h"

VLOG_DEFINE_THIS_MODULE(ovsdb_idl_txn);
COVERAGE_DEFINE(idl_txn_commit);
COVERAGE_DEFINE(idl_txn_try_again);

/* What a transaction does to one row. */
struct idl_txn_row {
    struct dlist node;            /* In txn->rows, first touched first. */
    struct hmap_node insert_node; /* In txn->inserted (inserted rows). */
    struct ovsdb_idl_txn *txn;
    struct ovsdb_idl_row *row; /* NULL once the row is gone. */
    struct ovsdb_idl_table *table;
    struct ovsdb_uuid uuid;       /* The row's (temporary if inserted). */
    size_t n_columns;             /* 0 after a schema change. */
    struct ovsdb_datum *new;      /* Written values... */
    bool *written;                /* ...where these are set. */
    struct ovsdb_datum *verified; /* Values as read, to verify... */
    bool *verify;                 /* ...where these are set. */
    bool inserted, deleted;
    int op_index;                /* Its "insert" in the reply, or -1. */
    struct ovsdb_uuid real_uuid; /* Inserted: the UUID the server gave. */
    bool have_real_uuid;
    char uuid_name[40]; /* Inserted: its "uuid-name". */
};

struct ovsdb_idl_txn {
    struct ovsdb_idl *idl;
    enum ovsdb_idl_txn_status status;
    struct dlist rows;    /* Contains struct idl_txn_row. */
    struct hmap inserted; /* Inserted idl_txn_rows, by uuid. */
    json_t *comments;     /* Array of strings. */
    char *error;
    json_t *error_json; /* The server's <error>, if it sent one. */
    json_t *request_id;
    uint64_t start_seqno; /* The replica it was built from. */
    unsigned int start_syncs;
    bool schema_stale; /* The schema changed under it. */

    /* Indexes of operations in the reply. */
    int lock_index;
    int first_wait, n_waits;

    /* ovsdb_idl_txn_increment(). */
    bool has_inc;
    char *inc_table, *inc_column;
    struct ovsdb_uuid inc_uuid;
    int inc_index;
    int64_t inc_new_value;
};

const char *
ovsdb_idl_txn_status_to_string(enum ovsdb_idl_txn_status status)
{
    static const char *const names[] = {
        [OVSDB_IDL_TXN_UNCOMMITTED] = "uncommitted",
        [OVSDB_IDL_TXN_INCOMPLETE] = "incomplete",
        [OVSDB_IDL_TXN_UNCHANGED] = "unchanged",
        [OVSDB_IDL_TXN_SUCCESS] = "success",
        [OVSDB_IDL_TXN_TRY_AGAIN] = "try again",
        [OVSDB_IDL_TXN_ERROR] = "error",
        [OVSDB_IDL_TXN_NOT_LOCKED] = "not locked",
        [OVSDB_IDL_TXN_ABORTED] = "aborted",
    };
    return (unsigned) status < ARRAY_SIZE(names) && names[status]
               ? names[status]
               : "<unknown>";
}

struct ovsdb_idl_txn *
ovsdb_idl_txn_create(struct ovsdb_idl *idl)
{
    nf_assert(!idl->txn);
    struct ovsdb_idl_txn *txn = xzalloc(sizeof *txn);
    txn->idl = idl;
    txn->status = OVSDB_IDL_TXN_UNCOMMITTED;
    dlist_init(&txn->rows);
    hmap_init(&txn->inserted);
    txn->comments = json_array();
    txn->start_seqno = idl->seqno;
    txn->start_syncs = idl->sync_count;
    txn->lock_index = -1;
    txn->first_wait = -1;
    txn->inc_index = -1;
    txn->inc_new_value = -1;
    idl->txn = txn;
    return txn;
}

struct ovsdb_idl *
ovsdb_idl_txn_get_idl(const struct ovsdb_idl_txn *txn)
{
    return txn->idl;
}

/* Frees the per-column values of TR (typed by its table's schema). */
static void
txn_row_free_values(struct idl_txn_row *tr)
{
    const struct ovsdb_table_schema *ts = tr->table->ts;
    for (size_t i = 0; i < tr->n_columns; i++) {
        const struct ovsdb_type *type = &ts->columns[i]->type;
        ovsdb_datum_destroy(&tr->new[i], type);
        ovsdb_datum_destroy(&tr->verified[i], type);
    }
    free(tr->new);
    free(tr->written);
    free(tr->verified);
    free(tr->verify);
    tr->new = tr->verified = NULL;
    tr->written = tr->verify = NULL;
    tr->n_columns = 0;
}

/* Ends the overlay of TXN's writes on replica rows: once the transaction
 * completed, the replica tells what the server has. */
static void
txn_unlink_rows(struct ovsdb_idl_txn *txn)
{
    struct idl_txn_row *tr;
    DLIST_FOR_EACH (tr, node, &txn->rows) {
        if (tr->row && !tr->inserted) {
            tr->row->txn_row = NULL;
            tr->row = NULL;
        }
    }
}

static void txn_complete(struct ovsdb_idl_txn *, enum ovsdb_idl_txn_status,
                         const char *fmt, ...) NF_PRINTF(3, 4);

/* Gives TXN its final STATUS, with the error text formatted from FMT (NULL
 * for none). */
static void
txn_complete(struct ovsdb_idl_txn *txn, enum ovsdb_idl_txn_status status,
             const char *fmt, ...)
{
    txn->status = status;
    free(txn->error);
    txn->error = NULL;
    if (fmt) {
        va_list args;
        va_start(args, fmt);
        txn->error = xvasprintf(fmt, args);
        va_end(args);
    }
    json_decref(txn->request_id);
    txn->request_id = NULL;
    txn_unlink_rows(txn);
    if (status == OVSDB_IDL_TXN_TRY_AGAIN) {
        COVERAGE_INC(idl_txn_try_again);
    }
    ovsdb_idl_changed(txn->idl);
}

void
ovsdb_idl_txn_destroy(struct ovsdb_idl_txn *txn)
{
    if (!txn) {
        return;
    }
    struct idl_txn_row *tr, *next;
    DLIST_FOR_EACH_SAFE (tr, next, node, &txn->rows) {
        txn_row_free_values(tr);
        if (tr->row) {
            tr->row->txn_row = NULL;
            if (tr->inserted) {
                ovsdb_idl_row_free(tr->row);
            }
        }
        free(tr);
    }
    hmap_destroy(&txn->inserted);
    json_decref(txn->comments);
    json_decref(txn->request_id);
    json_decref(txn->error_json);
    free(txn->error);
    free(txn->inc_table);
    free(txn->inc_column);
    txn->idl->txn = NULL;
    free(txn);
}

void
ovsdb_idl_txn_abort(struct ovsdb_idl_txn *txn)
{
    if (txn->status == OVSDB_IDL_TXN_UNCOMMITTED) {
        txn_complete(txn, OVSDB_IDL_TXN_ABORTED, NULL);
    }
}

enum ovsdb_idl_txn_status
ovsdb_idl_txn_get_status(const struct ovsdb_idl_txn *txn)
{
    return txn->status;
}

const json_t *
ovsdb_idl_txn_get_error_json(const struct ovsdb_idl_txn *txn)
{
    return txn->error_json;
}

const char *
ovsdb_idl_txn_get_error(const struct ovsdb_idl_txn *txn)
{
    return txn->error;
}

void
ovsdb_idl_txn_add_comment(struct ovsdb_idl_txn *txn, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *s = xvasprintf(fmt, args);
    va_end(args);
    json_array_append_new(txn->comments, json_string(s));
    free(s);
}

/* The transaction state of ROW, created on first use. */
static struct idl_txn_row *
txn_get_row(struct ovsdb_idl_txn *txn, struct ovsdb_idl_row *row)
{
    if (row->txn_row) {
        return row->txn_row;
    }
    struct idl_txn_row *tr = xzalloc(sizeof *tr);
    size_t n = row->table->ts->n_columns;
    tr->txn = txn;
    tr->row = row;
    tr->table = row->table;
    tr->uuid = row->uuid;
    tr->n_columns = n;
    tr->new = xcalloc(n, sizeof *tr->new);
    tr->written = xcalloc(n, sizeof *tr->written);
    tr->verified = xcalloc(n, sizeof *tr->verified);
    tr->verify = xcalloc(n, sizeof *tr->verify);
    tr->op_index = -1;
    dlist_push_back(&txn->rows, &tr->node);
    row->txn_row = tr;
    return tr;
}

/* Checks that ROW can be changed by TXN: it belongs to TXN's IDL and TXN
 * is still being built. */
static bool
txn_row_usable(const struct ovsdb_idl_txn *txn,
               const struct ovsdb_idl_row *row)
{
    nf_assert(txn->status == OVSDB_IDL_TXN_UNCOMMITTED);
    nf_assert(row->table->idl == txn->idl);
    return !txn->schema_stale && row->data && row->table->ts;
}

const struct ovsdb_idl_row *
ovsdb_idl_txn_insert(struct ovsdb_idl_txn *txn, const char *table,
                     const struct ovsdb_uuid *uuid)
{
    nf_assert(txn->status == OVSDB_IDL_TXN_UNCOMMITTED);
    struct ovsdb_idl_table *t = ovsdb_idl_get_write_table(txn->idl, table);
    if (!t || txn->schema_stale) {
        VLOG_WARN("insert: database %s has no table %s", txn->idl->db_name,
                  table);
        return NULL;
    }

    struct ovsdb_uuid fresh;
    if (!uuid) {
        ovsdb_uuid_generate(&fresh);
        uuid = &fresh;
    }
    struct ovsdb_idl_row *row = ovsdb_idl_row_alloc(t, uuid);
    row->txn_inserted = true;
    for (size_t i = OVSDB_N_IMPLICIT_COLUMNS; i < t->ts->n_columns; i++) {
        ovsdb_datum_init_default(&row->data[i], &t->ts->columns[i]->type);
    }
    struct idl_txn_row *tr = txn_get_row(txn, row);
    tr->inserted = true;
    snprintf(tr->uuid_name, sizeof tr->uuid_name, "row%08x%08x%08x%08x",
             uuid->parts[0], uuid->parts[1], uuid->parts[2], uuid->parts[3]);
    hmap_insert(&txn->inserted, &tr->insert_node, ovsdb_uuid_hash(uuid));
    return row;
}

static struct idl_txn_row *
txn_find_inserted(const struct ovsdb_idl_txn *txn,
                  const struct ovsdb_uuid *uuid)
{
    struct idl_txn_row *tr;
    HMAP_FOR_EACH_WITH_HASH (tr, insert_node, ovsdb_uuid_hash(uuid),
                             &txn->inserted) {
        if (ovsdb_uuid_equals(&tr->uuid, uuid)) {
            return tr;
        }
    }
    return NULL;
}

/* The writable column COLUMN of ROW, or NULL (logged). */
static const struct ovsdb_column *
txn_writable_column(const struct ovsdb_idl_txn *txn,
                    const struct ovsdb_idl_row *row, const char *column)
{
    if (!txn_row_usable(txn, row)) {
        return NULL;
    }
    int idx = ovsdb_idl_column_index(row->table, column);
    if (idx < OVSDB_N_IMPLICIT_COLUMNS) {
        VLOG_WARN("write: table %s has no writable column %s",
                  row->table->name, column);
        return NULL;
    }
    const struct ovsdb_column *c = row->table->ts->columns[idx];
    if (!row->txn_inserted && !c->is_mutable) {
        VLOG_WARN("write: column %s of table %s is immutable", column,
                  row->table->name);
        return NULL;
    }
    return c;
}

int
ovsdb_idl_txn_write(struct ovsdb_idl_txn *txn,
                    const struct ovsdb_idl_row *row_, const char *column,
                    struct ovsdb_datum *datum)
{
    struct ovsdb_idl_row *row = (struct ovsdb_idl_row *) row_;
    const struct ovsdb_column *c = txn_writable_column(txn, row, column);
    if (!c) {
        return EINVAL;
    }
    struct ovsdb_error *err = NULL;
    if (ovsdb_datum_sort(datum, &c->type)) {
        VLOG_WARN("write: %s.%s: duplicate %s", row->table->name, column,
                  ovsdb_type_is_map(&c->type) ? "keys" : "elements");
        return EINVAL;
    }
    if (ovsdb_datum_check_constraints(datum, &c->type, &err)) {
        char *s = ovsdb_error_to_string(err);
        VLOG_WARN("write: %s.%s: %s", row->table->name, column, s);
        free(s);
        ovsdb_error_destroy(err);
        return EINVAL;
    }
    struct idl_txn_row *tr = txn_get_row(txn, row);
    ovsdb_datum_destroy(&tr->new[c->index], &c->type);
    tr->new[c->index] = *datum;
    tr->written[c->index] = true;
    ovsdb_datum_init_empty(datum);
    return 0;
}

/* Writes *D (taken whatever happens) to COLUMN of ROW. */
static int
txn_write_owned(struct ovsdb_idl_txn *txn, const struct ovsdb_idl_row *row,
                const char *column, struct ovsdb_datum *d,
                const struct ovsdb_type *type)
{
    int error = ovsdb_idl_txn_write(txn, row, column, d);
    ovsdb_datum_destroy(d, type);
    return error;
}

/* Writes the one-element value ATOM (or the empty value if ATOM is NULL)
 * to the scalar or optional column COLUMN of atomic type ATYPE. */
static int
txn_write_atom(struct ovsdb_idl_txn *txn, const struct ovsdb_idl_row *row,
               const char *column, enum ovsdb_atomic_type atype,
               const union ovsdb_atom *atom)
{
    const struct ovsdb_type *type = ovsdb_idl_row_get_type(row, column);
    if (!type) {
        VLOG_WARN("write: table %s has no column %s", row->table->name,
                  column);
        return EINVAL;
    } else if (type->key.type != atype || ovsdb_type_is_map(type)) {
        VLOG_WARN("write: %s.%s is not a column of %ss", row->table->name,
                  column, ovsdb_atomic_type_to_string(atype));
        return EINVAL;
    }
    struct ovsdb_datum d = OVSDB_DATUM_EMPTY;
    if (atom) {
        /* The value argument is ignored for a set: pass the key rather
         * than NULL, which static checkers cannot follow. */
        ovsdb_datum_init_single(&d, type, atom, atom);
    }
    return txn_write_owned(txn, row, column, &d, type);
}

int
ovsdb_idl_txn_write_string(struct ovsdb_idl_txn *txn,
                           const struct ovsdb_idl_row *row, const char *column,
                           const char *value)
{
    union ovsdb_atom atom;
    if (!value) {
        return txn_write_atom(txn, row, column, OVSDB_TYPE_STRING, NULL);
    }
    atom.string = ovsdb_str_create(value, strlen(value));
    int error = txn_write_atom(txn, row, column, OVSDB_TYPE_STRING, &atom);
    ovsdb_str_unref(atom.string);
    return error;
}

int
ovsdb_idl_txn_write_integer(struct ovsdb_idl_txn *txn,
                            const struct ovsdb_idl_row *row,
                            const char *column, int64_t value)
{
    union ovsdb_atom atom = { .integer = value };
    return txn_write_atom(txn, row, column, OVSDB_TYPE_INTEGER, &atom);
}

int
ovsdb_idl_txn_write_boolean(struct ovsdb_idl_txn *txn,
                            const struct ovsdb_idl_row *row,
                            const char *column, bool value)
{
    union ovsdb_atom atom = { .boolean = value };
    return txn_write_atom(txn, row, column, OVSDB_TYPE_BOOLEAN, &atom);
}

/* Starts a read-modify-write of COLUMN: *D becomes a copy of its current
 * value (as ovsdb_idl_row_get() sees it).  In a row this transaction
 * inserts, a column not yet written starts empty rather than with its
 * default: the default of a set of at least one reference is the all-zeros
 * UUID, which must not survive an "add". */
static const struct ovsdb_type *
txn_read_for_update(const struct ovsdb_idl_row *row, const char *column,
                    struct ovsdb_datum *d)
{
    const struct ovsdb_type *type = ovsdb_idl_row_get_type(row, column);
    const struct ovsdb_datum *cur = ovsdb_idl_row_get(row, column);
    if (!type) {
        return NULL;
    }
    int idx = ovsdb_idl_column_index(row->table, column);
    if (row->txn_inserted && !ovsdb_idl_txn_written(row, idx)) {
        cur = NULL;
    }
    if (cur) {
        ovsdb_datum_clone(d, cur, type);
    } else {
        ovsdb_datum_init_empty(d);
    }
    return type;
}

static int
txn_update_uuid_set(struct ovsdb_idl_txn *txn, const struct ovsdb_idl_row *row,
                    const char *column, const struct ovsdb_uuid *uuid,
                    bool add)
{
    struct ovsdb_datum d;
    const struct ovsdb_type *type = txn_read_for_update(row, column, &d);
    if (!type || type->key.type != OVSDB_TYPE_UUID
        || ovsdb_type_is_map(type)) {
        if (type) {
            ovsdb_datum_destroy(&d, type);
        }
        VLOG_WARN("write: %s.%s is not a set of UUIDs", row->table->name,
                  column);
        return EINVAL;
    }
    union ovsdb_atom atom = { .uuid = *uuid };
    struct ovsdb_datum one;
    ovsdb_datum_init_single(&one, type, &atom, &atom); /* A set. */
    if (add) {
        ovsdb_datum_union(&d, &one, type);
    } else {
        ovsdb_datum_subtract(&d, type, &one, type);
    }
    ovsdb_datum_destroy(&one, type);
    return txn_write_owned(txn, row, column, &d, type);
}

int
ovsdb_idl_txn_add_uuid(struct ovsdb_idl_txn *txn,
                       const struct ovsdb_idl_row *row, const char *column,
                       const struct ovsdb_uuid *uuid)
{
    return txn_update_uuid_set(txn, row, column, uuid, true);
}

int
ovsdb_idl_txn_remove_uuid(struct ovsdb_idl_txn *txn,
                          const struct ovsdb_idl_row *row, const char *column,
                          const struct ovsdb_uuid *uuid)
{
    return txn_update_uuid_set(txn, row, column, uuid, false);
}

int
ovsdb_idl_txn_set_map_string(struct ovsdb_idl_txn *txn,
                             const struct ovsdb_idl_row *row,
                             const char *column, const char *key,
                             const char *value)
{
    struct ovsdb_datum d;
    const struct ovsdb_type *type = txn_read_for_update(row, column, &d);
    if (!type || type->key.type != OVSDB_TYPE_STRING
        || type->value.type != OVSDB_TYPE_STRING) {
        if (type) {
            ovsdb_datum_destroy(&d, type);
        }
        VLOG_WARN("write: %s.%s is not a map of strings to strings",
                  row->table->name, column);
        return EINVAL;
    }

    /* Remove KEY whatever its value, then add the new pair. */
    struct ovsdb_type key_type;
    ovsdb_type_init_scalar(&key_type, OVSDB_TYPE_STRING);
    union ovsdb_atom k = { .string = ovsdb_str_create(key, strlen(key)) };
    struct ovsdb_datum one;
    ovsdb_datum_init_single(&one, &key_type, &k, &k); /* A set. */
    ovsdb_datum_subtract(&d, type, &one, &key_type);
    ovsdb_datum_destroy(&one, &key_type);
    if (value) {
        union ovsdb_atom v = { .string =
                                   ovsdb_str_create(value, strlen(value)) };
        ovsdb_datum_init_single(&one, type, &k, &v);
        ovsdb_datum_union(&d, &one, type);
        ovsdb_datum_destroy(&one, type);
        ovsdb_str_unref(v.string);
    }
    ovsdb_str_unref(k.string);
    return txn_write_owned(txn, row, column, &d, type);
}

void
ovsdb_idl_txn_delete(struct ovsdb_idl_txn *txn,
                     const struct ovsdb_idl_row *row_)
{
    struct ovsdb_idl_row *row = (struct ovsdb_idl_row *) row_;
    if (txn_row_usable(txn, row)) {
        txn_get_row(txn, row)->deleted = true;
    }
}

int
ovsdb_idl_txn_verify(struct ovsdb_idl_txn *txn,
                     const struct ovsdb_idl_row *row_, const char *column)
{
    struct ovsdb_idl_row *row = (struct ovsdb_idl_row *) row_;
    if (!txn_row_usable(txn, row)) {
        return EINVAL;
    }
    if (row->txn_inserted) {
        return 0;
    }
    int idx = ovsdb_idl_column_index(row->table, column);
    if (idx < 0 || !row->table->monitored[idx]) {
        VLOG_WARN("verify: column %s of table %s is not replicated", column,
                  row->table->name);
        return EINVAL;
    }
    struct idl_txn_row *tr = txn_get_row(txn, row);
    if (!tr->verify[idx]) {
        tr->verify[idx] = true;
        ovsdb_datum_clone(&tr->verified[idx], &row->data[idx],
                          &row->table->ts->columns[idx]->type);
    }
    return 0;
}

int
ovsdb_idl_txn_increment(struct ovsdb_idl_txn *txn,
                        const struct ovsdb_idl_row *row, const char *column)
{
    if (!txn_row_usable(txn, row)) {
        return EINVAL;
    }
    nf_assert(!txn->has_inc);
    const struct ovsdb_type *type = ovsdb_idl_row_get_type(row, column);
    if (row->txn_inserted || !type || !ovsdb_type_is_scalar(type)
        || type->key.type != OVSDB_TYPE_INTEGER) {
        VLOG_WARN("increment: %s.%s is not an integer column of an "
                  "existing row",
                  row->table->name, column);
        return EINVAL;
    }
    txn->has_inc = true;
    txn->inc_table = xstrdup(row->table->name);
    txn->inc_column = xstrdup(column);
    txn->inc_uuid = row->uuid;
    return 0;
}

/* Building the request. */

static json_t *
txn_where_uuid(const struct ovsdb_uuid *uuid)
{
    char s[OVSDB_UUID_LEN + 1];
    return json_pack("[[s,s,[s,s]]]", "_uuid", "==", "uuid",
                     ovsdb_uuid_format(uuid, s));
}

/* Replaces, in JSON (taken), every ["uuid", U] where U is a row TXN
 * inserts by ["named-uuid", NAME].  Returns the result (a new reference). */
static json_t *
txn_subst_named(const struct ovsdb_idl_txn *txn, json_t *json)
{
    if (!json_is_array(json)) {
        return json;
    }
    const json_t *tag = json_array_get(json, 0);
    const json_t *arg = json_array_get(json, 1);
    if (json_array_size(json) == 2 && json_is_string(tag)
        && !strcmp(json_string_value(tag), "uuid") && json_is_string(arg)) {
        struct ovsdb_uuid uuid;
        const struct idl_txn_row *tr;
        if (ovsdb_uuid_from_string(&uuid, json_string_value(arg))
            && (tr = txn_find_inserted(txn, &uuid)) && !tr->deleted) {
            json_decref(json);
            return json_pack("[s,s]", "named-uuid", tr->uuid_name);
        }
        return json;
    }
    for (size_t i = 0; i < json_array_size(json); i++) {
        json_t *elem = json_incref(json_array_get(json, i));
        json_array_set_new(json, i, txn_subst_named(txn, elem));
    }
    return json;
}

static json_t *
txn_value_json(const struct ovsdb_idl_txn *txn, const struct ovsdb_datum *d,
               const struct ovsdb_type *type)
{
    json_t *json = ovsdb_datum_to_json(d, type);
    if (hmap_is_empty(&txn->inserted)
        || (type->key.type != OVSDB_TYPE_UUID
            && type->value.type != OVSDB_TYPE_UUID)) {
        return json;
    }
    return txn_subst_named(txn, json);
}

/* Appends to OPS a "wait" asserting that the verified columns of TR still
 * hold the values read. */
static bool
txn_add_wait(json_t *ops, const struct idl_txn_row *tr)
{
    const struct ovsdb_table_schema *ts = tr->table->ts;
    json_t *columns = json_array(), *row = json_object();
    for (size_t i = 0; i < tr->n_columns; i++) {
        if (tr->verify[i]) {
            const struct ovsdb_column *c = ts->columns[i];
            json_array_append_new(columns, json_string(c->name));
            json_object_set_new(
                row, c->name, ovsdb_datum_to_json(&tr->verified[i], &c->type));
        }
    }
    if (!json_array_size(columns)) {
        json_decref(columns);
        json_decref(row);
        return false;
    }
    json_array_append_new(
        ops, json_pack("{s:s,s:s,s:o,s:o,s:s,s:[o],s:i}", "op", "wait",
                       "table", tr->table->name, "where",
                       txn_where_uuid(&tr->uuid), "columns", columns, "until",
                       "==", "rows", row, "timeout", 0));
    return true;
}

/* The "row" of an insert or update: the written columns, for an update
 * only those whose value differs from the replica's. */
static json_t *
txn_row_json(const struct ovsdb_idl_txn *txn, const struct idl_txn_row *tr)
{
    const struct ovsdb_idl_table *t = tr->table;
    json_t *row = json_object();
    for (size_t i = 0; i < tr->n_columns; i++) {
        if (!tr->written[i]) {
            continue;
        }
        const struct ovsdb_column *c = t->ts->columns[i];
        if (!tr->inserted && tr->row && t->monitored[i]
            && ovsdb_datum_equals(&tr->new[i], &tr->row->data[i], &c->type)) {
            continue;
        }
        json_object_set_new(row, c->name,
                            txn_value_json(txn, &tr->new[i], &c->type));
    }
    return row;
}

/* Builds the "transact" params.  *ANY_CHANGE tells whether the
 * transaction changes anything (waits and comments alone do not). */
static json_t *
txn_build(struct ovsdb_idl_txn *txn, bool *any_change)
{
    struct ovsdb_idl *idl = txn->idl;
    json_t *ops = json_array();
    struct idl_txn_row *tr;
    int n = 0;

    *any_change = false;
    json_array_append_new(ops, json_string(idl->db_name));
    if (idl->lock_name) {
        json_array_append_new(ops, json_pack("{s:s,s:s}", "op", "assert",
                                             "lock", idl->lock_name));
        txn->lock_index = n++;
    }

    /* The waits go first: they check the values as read, before this
     * transaction's own changes. */
    txn->first_wait = n;
    txn->n_waits = 0;
    DLIST_FOR_EACH (tr, node, &txn->rows) {
        if (!tr->inserted && tr->n_columns && txn_add_wait(ops, tr)) {
            txn->n_waits++;
            n++;
        }
    }

    /* Inserts next (references to their rows may come before them, but
     * reading the request is easier this way), then updates and
     * deletes. */
    DLIST_FOR_EACH (tr, node, &txn->rows) {
        tr->op_index = -1;
        if (tr->n_columns && tr->inserted && !tr->deleted) {
            json_array_append_new(
                ops, json_pack("{s:s,s:s,s:s,s:o}", "op", "insert", "table",
                               tr->table->name, "uuid-name", tr->uuid_name,
                               "row", txn_row_json(txn, tr)));
            tr->op_index = n++;
            *any_change = true;
        }
    }
    DLIST_FOR_EACH (tr, node, &txn->rows) {
        if (!tr->n_columns || tr->inserted) {
            continue;
        } else if (tr->deleted) {
            json_array_append_new(ops,
                                  json_pack("{s:s,s:s,s:o}", "op", "delete",
                                            "table", tr->table->name, "where",
                                            txn_where_uuid(&tr->uuid)));
            n++;
            *any_change = true;
        } else {
            json_t *row = txn_row_json(txn, tr);
            if (!json_object_size(row)) {
                json_decref(row);
                continue;
            }
            json_array_append_new(
                ops, json_pack("{s:s,s:s,s:o,s:o}", "op", "update", "table",
                               tr->table->name, "where",
                               txn_where_uuid(&tr->uuid), "row", row));
            n++;
            *any_change = true;
        }
    }

    size_t i;
    json_t *comment;
    json_array_foreach (txn->comments, i, comment) {
        json_array_append_new(
            ops, json_pack("{s:s,s:O}", "op", "comment", "comment", comment));
        n++;
    }

    if (txn->has_inc) {
        json_array_append_new(
            ops,
            json_pack("{s:s,s:s,s:o,s:[[s,s,i]]}", "op", "mutate", "table",
                      txn->inc_table, "where", txn_where_uuid(&txn->inc_uuid),
                      "mutations", txn->inc_column, "+=", 1));
        txn->inc_index = n++;
        json_array_append_new(ops,
                              json_pack("{s:s,s:s,s:o,s:[s]}", "op", "select",
                                        "table", txn->inc_table, "where",
                                        txn_where_uuid(&txn->inc_uuid),
                                        "columns", txn->inc_column));
        n++;
        *any_change = true;
    }
    return ops;
}

enum ovsdb_idl_txn_status
ovsdb_idl_txn_commit(struct ovsdb_idl_txn *txn)
{
    struct ovsdb_idl *idl = txn->idl;
    if (txn->status != OVSDB_IDL_TXN_UNCOMMITTED) {
        return txn->status;
    }
    if (txn->schema_stale) {
        txn_complete(txn, OVSDB_IDL_TXN_TRY_AGAIN,
                     "the database schema changed while the transaction "
                     "was built");
        return txn->status;
    }

    bool any_change;
    json_t *ops = txn_build(txn, &any_change);
    if (!any_change) {
        json_decref(ops);
        txn_complete(txn, OVSDB_IDL_TXN_UNCHANGED, NULL);
    } else if (!ovsdb_idl_is_synced(idl)) {
        json_decref(ops);
        txn_complete(txn, OVSDB_IDL_TXN_TRY_AGAIN, "not connected to %s%s%s",
                     idl->remote, idl->last_error ? ": " : "",
                     idl->last_error ? idl->last_error : "");
    } else if (idl->lock_name && !idl->has_lock) {
        json_decref(ops);
        txn_complete(txn, OVSDB_IDL_TXN_NOT_LOCKED, "lock %s is not held",
                     idl->lock_name);
    } else {
        COVERAGE_INC(idl_txn_commit);
        txn->status = OVSDB_IDL_TXN_INCOMPLETE;
        ovsdb_idl_send(
            idl, jsonrpc_create_request("transact", ops, &txn->request_id));
    }
    return txn->status;
}

/* Handles a successful reply's RESULT (borrowed).  Returns false (with
 * TXN completed as ERROR) if it lacks what the transaction needs. */
static bool
txn_process_results(struct ovsdb_idl_txn *txn, const json_t *result)
{
    struct idl_txn_row *tr;
    DLIST_FOR_EACH (tr, node, &txn->rows) {
        if (!tr->inserted || tr->op_index < 0) {
            continue;
        }
        const json_t *u =
            json_object_get(json_array_get(result, tr->op_index), "uuid");
        const char *s = json_string_value(json_array_get(u, 1));
        if (!s || !ovsdb_uuid_from_string(&tr->real_uuid, s)) {
            txn_complete(txn, OVSDB_IDL_TXN_ERROR,
                         "the reply lacks the UUID of a row inserted into "
                         "table %s",
                         tr->table->name);
            return false;
        }
        tr->have_real_uuid = true;
    }

    if (txn->has_inc) {
        const json_t *count =
            json_object_get(json_array_get(result, txn->inc_index), "count");
        const json_t *rows = json_object_get(
            json_array_get(result, txn->inc_index + 1), "rows");
        const json_t *value =
            json_object_get(json_array_get(rows, 0), txn->inc_column);
        if (json_integer_value(count) != 1 || !json_is_integer(value)) {
            txn_complete(txn, OVSDB_IDL_TXN_ERROR,
                         "the %s row whose %s was to be incremented no "
                         "longer exists",
                         txn->inc_table, txn->inc_column);
            return false;
        }
        txn->inc_new_value = json_integer_value(value);
    }
    return true;
}

bool
ovsdb_idl_txn_process_reply(struct ovsdb_idl *idl,
                            const struct jsonrpc_msg *msg)
{
    struct ovsdb_idl_txn *txn = idl->txn;
    if (!txn || !txn->request_id
        || !jsonrpc_msg_is_reply_to(msg, txn->request_id)) {
        return false;
    }
    if (msg->type == JSONRPC_ERROR) {
        char *s = ovsdb_idl_error_to_string(msg->error);
        json_decref(txn->error_json);
        txn->error_json = json_incref(msg->error);
        txn_complete(txn, OVSDB_IDL_TXN_ERROR, "%s", s);
        free(s);
        return true;
    }
    if (!json_is_array(msg->result)) {
        txn_complete(txn, OVSDB_IDL_TXN_ERROR,
                     "the reply to \"transact\" is not an array");
        return true;
    }

    /* The first failed operation decides (RFC 7047 §4.1.3): an error past
     * the last operation is a failure of the commit itself. */
    size_t i;
    json_t *r;
    json_array_foreach (msg->result, i, r) {
        const json_t *tag = json_object_get(r, "error");
        if (!tag) {
            continue;
        }
        char *s = ovsdb_idl_error_to_string(r);
        const char *name = json_string_value(tag);
        int idx = (int) i;
        if (name && idx == txn->lock_index && !strcmp(name, "not owner")) {
            txn_complete(txn, OVSDB_IDL_TXN_NOT_LOCKED, "%s", s);
        } else if (name && !strcmp(name, "timed out") && idx >= txn->first_wait
                   && idx < txn->first_wait + txn->n_waits) {
            txn_complete(txn, OVSDB_IDL_TXN_TRY_AGAIN,
                         "a verified column changed since it was read (%s)",
                         s);
        } else {
            json_decref(txn->error_json);
            txn->error_json = json_incref(r);
            txn_complete(txn, OVSDB_IDL_TXN_ERROR, "%s", s);
        }
        free(s);
        return true;
    }

    if (txn_process_results(txn, msg->result)) {
        txn_complete(txn, OVSDB_IDL_TXN_SUCCESS, NULL);
    }
    return true;
}

void
ovsdb_idl_txn_session_lost(struct ovsdb_idl *idl)
{
    struct ovsdb_idl_txn *txn = idl->txn;
    if (txn && txn->status == OVSDB_IDL_TXN_INCOMPLETE) {
        txn_complete(txn, OVSDB_IDL_TXN_TRY_AGAIN,
                     "the connection to %s was lost before the outcome of "
                     "the transaction was known",
                     idl->remote);
    }
}

void
ovsdb_idl_txn_schema_reset(struct ovsdb_idl *idl)
{
    struct ovsdb_idl_txn *txn = idl->txn;
    if (!txn) {
        return;
    }
    struct idl_txn_row *tr;
    DLIST_FOR_EACH (tr, node, &txn->rows) {
        txn_row_free_values(tr);
        if (tr->row && tr->inserted) {
            /* The row stays (the caller may hold it) but loses its
             * values, which the old schema typed. */
            struct ovsdb_idl_row *row = tr->row;
            const struct ovsdb_table_schema *ts = row->table->ts;
            for (size_t i = 0; i < ts->n_columns; i++) {
                ovsdb_datum_destroy(&row->data[i], &ts->columns[i]->type);
            }
            free(row->data);
            row->data = NULL;
        } else if (tr->row) {
            tr->row->txn_row = NULL;
            tr->row = NULL;
        }
    }
    txn->schema_stale = true;
}

void
ovsdb_idl_txn_row_gone(struct ovsdb_idl_row *row)
{
    row->txn_row->row = NULL;
    row->txn_row = NULL;
}

const struct ovsdb_datum *
ovsdb_idl_txn_written(const struct ovsdb_idl_row *row, unsigned int idx)
{
    const struct idl_txn_row *tr = row->txn_row;
    return tr && idx < tr->n_columns && tr->written[idx] ? &tr->new[idx]
                                                         : NULL;
}

const struct ovsdb_uuid *
ovsdb_idl_txn_get_insert_uuid(const struct ovsdb_idl_txn *txn,
                              const struct ovsdb_uuid *uuid)
{
    const struct idl_txn_row *tr = txn_find_inserted(txn, uuid);
    return tr && tr->have_real_uuid ? &tr->real_uuid : NULL;
}

int64_t
ovsdb_idl_txn_get_increment_new_value(const struct ovsdb_idl_txn *txn)
{
    return txn->inc_new_value;
}

/* Blocking helpers. */

static long long
txn_deadline(int timeout_ms)
{
    return timeout_ms < 0 ? LLONG_MAX : nf_time_msec() + timeout_ms;
}

static int
txn_remaining(long long deadline)
{
    if (deadline == LLONG_MAX) {
        return -1;
    }
    long long left = deadline - nf_time_msec();
    return left <= 0 ? 0 : (int) NF_MIN(left, INT_MAX);
}

enum ovsdb_idl_txn_status
ovsdb_idl_txn_commit_block(struct ovsdb_idl_txn *txn, int timeout_ms)
{
    struct ovsdb_idl *idl = txn->idl;
    long long deadline = txn_deadline(timeout_ms);

    if (txn->status == OVSDB_IDL_TXN_UNCOMMITTED
        && !ovsdb_idl_is_synced(idl)) {
        ovsdb_idl_wait_until_synced(idl, txn_remaining(deadline));
    }
    enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit(txn);
    while (status == OVSDB_IDL_TXN_INCOMPLETE) {
        int left = txn_remaining(deadline);
        if (!left) {
            break;
        }
        ovsdb_idl_run_block(idl, left);
        status = txn->status;
    }
    return status;
}

enum ovsdb_idl_txn_status
ovsdb_idl_txn_commit_retry(struct ovsdb_idl *idl,
                           ovsdb_idl_txn_build_fn *build, void *aux,
                           int timeout_ms, struct ovsdb_idl_txn **txnp)
{
    long long deadline = txn_deadline(timeout_ms);
    struct ovsdb_idl_txn *txn;
    enum ovsdb_idl_txn_status status;

    for (;;) {
        int synced = ovsdb_idl_wait_until_synced(idl, txn_remaining(deadline));
        txn = ovsdb_idl_txn_create(idl);
        if (synced == ENOENT) {
            txn_complete(txn, OVSDB_IDL_TXN_ERROR, "%s",
                         idl->last_error ? idl->last_error
                                         : "the database does not exist");
            status = txn->status;
            break;
        }
        int error = build(txn, aux);
        if (error) {
            if (txn->status == OVSDB_IDL_TXN_UNCOMMITTED) {
                txn_complete(txn, OVSDB_IDL_TXN_ABORTED,
                             "the transaction was abandoned (%s)",
                             nf_strerror(error));
            }
            status = txn->status;
            break;
        }
        status = ovsdb_idl_txn_commit_block(txn, txn_remaining(deadline));
        if (status != OVSDB_IDL_TXN_TRY_AGAIN) {
            break;
        }

        /* Wait for the replica to show what made the transaction fail:
         * a change, or a new session. */
        VLOG_DBG("transaction must be retried: %s",
                 txn->error ? txn->error : "");
        int left;
        while ((left = txn_remaining(deadline))
               && !(ovsdb_idl_is_synced(idl)
                    && (idl->seqno != txn->start_seqno
                        || idl->sync_count != txn->start_syncs))) {
            ovsdb_idl_run_block(idl, left);
        }
        if (!left) {
            break;
        }
        ovsdb_idl_txn_destroy(txn);
    }

    if (txnp) {
        *txnp = txn;
    } else {
        ovsdb_idl_txn_destroy(txn);
    }
    return status;
}
