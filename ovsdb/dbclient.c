/* nicflow-dbclient: command-line client of an OVSDB server (nicflow-dbd or
 * ovsdb-server), with ovsdb-client(1)'s commands, options and output:
 *
 *   nicflow-dbclient [OPTIONS] COMMAND [SERVER] [ARG...]
 *
 * SERVER defaults to unix:$NICFLOW_RUNDIR/db.sock, DATABASE to
 * Open_vSwitch.  "backup" writes nicflow's own database file format
 * (ovsdb/log.h): the schema record, then one snapshot record. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/buf.h"
#include "lib/crc32c.h"
#include "lib/daemon.h"
#include "lib/jsonrpc.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/datum.h"
#include "ovsdb/error.h"
#include "ovsdb/schema.h"
#include "ovsdb/types.h"
#include "ovsdb/uuid.h"

VLOG_DEFINE_THIS_MODULE(nicflow_dbclient);

#define DEFAULT_DB "Open_vSwitch"

enum format { FMT_TABLE, FMT_LIST, FMT_CSV, FMT_JSON };

static enum format format = FMT_TABLE;
static bool headings = true;
static bool pretty;
static int timeout_ms = -1;
static const char *command_name = "";
static const char *server_name;

static void NF_PRINTF(1, 2) NF_NORETURN fail(const char *fmt, ...)
{
    va_list args;

    fflush(stdout);
    fprintf(stderr, "%s: %s: ", nf_program_name, command_name);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    exit(1);
}

/* Connection. */

static struct jsonrpc_conn *
open_conn(void)
{
    struct stream *stream;
    int error = stream_open_block(server_name, 6640, timeout_ms, &stream);
    if (error) {
        fail("failed to connect to \"%s\" (%s)", server_name,
             nf_strerror(error));
    }
    return jsonrpc_conn_create(stream);
}

/* Sends METHOD with PARAMS (taken) and returns the result (new reference);
 * fails on an error reply or a broken connection. */
static json_t *
request(struct jsonrpc_conn *conn, const char *method, json_t *params)
{
    struct jsonrpc_msg *reply;
    int error = jsonrpc_transact_block(
        conn, jsonrpc_create_request(method, params, NULL), &reply,
        timeout_ms);
    if (error) {
        fail("%s request to \"%s\" failed: %s", method, server_name,
             error == EOF ? "connection closed" : nf_strerror(error));
    }
    if (reply->type == JSONRPC_ERROR) {
        char *s = json_dumps(reply->error, JSON_COMPACT | JSON_SORT_KEYS);
        fail("%s request to \"%s\" returned error: %s", method, server_name,
             s);
    }
    json_t *result = json_incref(reply->result);
    jsonrpc_msg_destroy(reply);
    return result;
}

static json_t *
list_dbs(struct jsonrpc_conn *conn)
{
    json_t *r = request(conn, "list_dbs", NULL);
    if (!json_is_array(r)) {
        fail("list_dbs response is not an array");
    }
    return r;
}

static bool
db_exists(struct jsonrpc_conn *conn, const char *name)
{
    json_t *dbs = list_dbs(conn);
    size_t i;
    json_t *v;
    bool found = false;

    json_array_foreach (dbs, i, v) {
        if (json_is_string(v) && !strcmp(json_string_value(v), name)) {
            found = true;
        }
    }
    json_decref(dbs);
    return found;
}

static json_t *
get_schema_json(struct jsonrpc_conn *conn, const char *db)
{
    return request(conn, "get_schema", json_pack("[s]", db));
}

static struct ovsdb_schema *
get_schema(struct jsonrpc_conn *conn, const char *db)
{
    json_t *j = get_schema_json(conn, db);
    struct ovsdb_schema *schema;
    struct ovsdb_error *err = NULL;

    if (ovsdb_schema_from_json(j, &schema, &err)) {
        char *s = ovsdb_error_to_string(err);
        fail("%s: schema from server is invalid: %s", db, s);
    }
    json_decref(j);
    return schema;
}

static const struct ovsdb_table_schema *
get_table(const struct ovsdb_schema *schema, const char *name)
{
    const struct ovsdb_table_schema *ts = ovsdb_schema_get_table(schema, name);
    if (!ts) {
        fail("%s does not contain a table named %s", schema->name, name);
    }
    return ts;
}

/* Output tables, printed in the --format. */

struct cell {
    char *text;   /* For table, list, csv. */
    json_t *json; /* For json. */
};

struct table {
    char *caption; /* Or NULL. */
    char **headings;
    size_t n_cols;
    struct cell *cells; /* n_rows * n_cols. */
    size_t n_rows, allocated;
};

static void
table_init(struct table *t, const char *caption)
{
    memset(t, 0, sizeof *t);
    t->caption = caption ? xstrdup(caption) : NULL;
}

static void
table_add_column(struct table *t, const char *heading)
{
    t->headings = xrealloc(t->headings, (t->n_cols + 1) * sizeof *t->headings);
    t->headings[t->n_cols++] = xstrdup(heading);
}

static struct cell *
table_add_row(struct table *t)
{
    if (t->n_rows >= t->allocated) {
        t->allocated = t->allocated ? 2 * t->allocated : 8;
        t->cells =
            xrealloc(t->cells, t->allocated * t->n_cols * sizeof *t->cells);
    }
    struct cell *row = &t->cells[t->n_rows++ * t->n_cols];
    memset(row, 0, t->n_cols * sizeof *row);
    return row;
}

static void
cell_set_string(struct cell *c, const char *s)
{
    c->text = xstrdup(s);
    c->json = json_string(s);
}

/* Whether ovsdb-client's string form of S needs quotes: anything but an
 * identifier-like word (letter or "_" first, then letters, digits, "_",
 * "-", "."), and "true", "false" and UUIDs. */
static bool
string_needs_quotes(const char *s)
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

static void
atom_to_string(const union ovsdb_atom *a, enum ovsdb_atomic_type type,
               struct buf *out)
{
    if (type == OVSDB_TYPE_STRING && string_needs_quotes(a->string->s)) {
        json_t *j = json_string(a->string->s);
        char *s = json_dumps(j, JSON_ENCODE_ANY);
        buf_put_cstr(out, s ? s : "\"\"");
        free(s);
        json_decref(j);
    } else {
        ovsdb_atom_to_buf(a, type, out);
    }
}

/* D in ovsdb-client's "string" data format. */
static void
datum_to_string(const struct ovsdb_datum *d, const struct ovsdb_type *type,
                struct buf *out)
{
    bool is_map = type->value.type != OVSDB_TYPE_VOID;
    bool brackets = type->n_max > 1 || d->n != 1;

    if (brackets) {
        buf_put_char(out, is_map ? '{' : '[');
    }
    for (unsigned int i = 0; i < d->n; i++) {
        if (i) {
            buf_put_cstr(out, ", ");
        }
        atom_to_string(&d->keys[i], type->key.type, out);
        if (is_map) {
            buf_put_char(out, '=');
            atom_to_string(&d->values[i], type->value.type, out);
        }
    }
    if (brackets) {
        buf_put_char(out, is_map ? '}' : ']');
    }
}

static void
cell_set_datum(struct cell *c, const struct ovsdb_datum *d,
               const struct ovsdb_type *type)
{
    struct buf b = BUF_INITIALIZER;
    datum_to_string(d, type, &b);
    c->text = buf_steal_cstr(&b);
    c->json = ovsdb_datum_to_json(d, type);
}

static void
table_destroy(struct table *t)
{
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++) {
        free(t->cells[i].text);
        json_decref(t->cells[i].json);
    }
    for (size_t i = 0; i < t->n_cols; i++) {
        free(t->headings[i]);
    }
    free(t->headings);
    free(t->cells);
    free(t->caption);
}

static void
put_line(struct buf *line)
{
    while (line->len && ((char *) line->data)[line->len - 1] == ' ') {
        line->len--;
    }
    puts(buf_cstr(line));
    buf_clear(line);
}

static void
put_csv(const char *s)
{
    if (!strpbrk(s, "\n\",")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"') {
            putchar('"');
        }
        putchar(*s);
    }
    putchar('"');
}

static void
table_print(const struct table *t)
{
    static int n_printed;
    struct buf line = BUF_INITIALIZER;

    if (format == FMT_JSON) {
        json_t *j = json_object();
        if (t->caption) {
            json_object_set_new(j, "caption", json_string(t->caption));
        }
        json_t *data = json_array();
        for (size_t r = 0; r < t->n_rows; r++) {
            json_t *row = json_array();
            for (size_t c = 0; c < t->n_cols; c++) {
                json_t *v = t->cells[r * t->n_cols + c].json;
                json_array_append(row, v ? v : json_null());
            }
            json_array_append_new(data, row);
        }
        json_object_set_new(j, "data", data);
        if (headings) {
            json_t *h = json_array();
            for (size_t c = 0; c < t->n_cols; c++) {
                json_array_append_new(h, json_string(t->headings[c]));
            }
            json_object_set_new(j, "headings", h);
        }
        char *s =
            json_dumps(j, JSON_SORT_KEYS | JSON_ENCODE_ANY
                              | (pretty ? JSON_INDENT(4) : JSON_COMPACT));
        puts(s);
        free(s);
        json_decref(j);
        n_printed++;
        return;
    }

    if (n_printed++ && format != FMT_LIST) {
        putchar('\n');
    }
    if (t->caption && format != FMT_LIST) {
        puts(t->caption);
    } else if (t->caption) {
        puts(t->caption);
    }

    if (format == FMT_CSV) {
        if (headings) {
            for (size_t c = 0; c < t->n_cols; c++) {
                if (c) {
                    putchar(',');
                }
                put_csv(t->headings[c]);
            }
            putchar('\n');
        }
        for (size_t r = 0; r < t->n_rows; r++) {
            for (size_t c = 0; c < t->n_cols; c++) {
                if (c) {
                    putchar(',');
                }
                const char *s = t->cells[r * t->n_cols + c].text;
                put_csv(s ? s : "");
            }
            putchar('\n');
        }
    } else if (format == FMT_LIST) {
        for (size_t r = 0; r < t->n_rows; r++) {
            if (r) {
                putchar('\n');
            }
            for (size_t c = 0; c < t->n_cols; c++) {
                const char *s = t->cells[r * t->n_cols + c].text;
                if (headings) {
                    printf("%-20s: ", t->headings[c]);
                }
                puts(s ? s : "");
            }
        }
    } else {
        size_t *w = xcalloc(t->n_cols ? t->n_cols : 1, sizeof *w);
        for (size_t c = 0; c < t->n_cols; c++) {
            w[c] = headings ? strlen(t->headings[c]) : 0;
            for (size_t r = 0; r < t->n_rows; r++) {
                const char *s = t->cells[r * t->n_cols + c].text;
                size_t len = s ? strlen(s) : 0;
                if (len > w[c]) {
                    w[c] = len;
                }
            }
        }
        if (headings) {
            for (size_t c = 0; c < t->n_cols; c++) {
                buf_printf(&line, "%s%-*s", c ? " " : "", (int) w[c],
                           t->headings[c]);
            }
            put_line(&line);
            for (size_t c = 0; c < t->n_cols; c++) {
                if (c) {
                    buf_put_char(&line, ' ');
                }
                for (size_t i = 0; i < w[c]; i++) {
                    buf_put_char(&line, '-');
                }
            }
            put_line(&line);
        }
        for (size_t r = 0; r < t->n_rows; r++) {
            for (size_t c = 0; c < t->n_cols; c++) {
                const char *s = t->cells[r * t->n_cols + c].text;
                buf_printf(&line, "%s%-*s", c ? " " : "", (int) w[c],
                           s ? s : "");
            }
            put_line(&line);
        }
        free(w);
    }
    buf_destroy(&line);
    fflush(stdout);
}

static void
print_json_value(const json_t *j)
{
    char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_SORT_KEYS
                                | (pretty ? JSON_INDENT(4) : JSON_COMPACT));
    puts(s);
    free(s);
}

/* Argument helpers. */

/* Takes an optional DB argument: if at least MIN_REST arguments would
 * remain after it, and either that many must remain for sure (ALWAYS) or
 * the server knows a database of that name. */
static const char *
take_db(struct jsonrpc_conn *conn, int *argc, char ***argv, int min_rest)
{
    if (*argc > min_rest && db_exists(conn, (*argv)[0])) {
        const char *db = (*argv)[0];
        (*argc)--;
        (*argv)++;
        return db;
    }
    return DEFAULT_DB;
}

/* Commands. */

static int
cmp_strings(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;
    return strcmp(*a, *b);
}

static void
cmd_list_dbs(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = open_conn();
    json_t *dbs = list_dbs(conn);
    size_t i, n = 0;
    json_t *v;
    const char **names = xcalloc(json_array_size(dbs) + 1, sizeof *names);

    /* Sorted, as ovsdb-client prints them. */
    json_array_foreach (dbs, i, v) {
        if (json_is_string(v)) {
            names[n++] = json_string_value(v);
        }
    }
    qsort(names, n, sizeof *names, cmp_strings);
    for (i = 0; i < n; i++) {
        puts(names[i]);
    }
    free(names);
    json_decref(dbs);
    jsonrpc_conn_close(conn);
}

static void
cmd_get_schema(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = open_conn();
    json_t *j = get_schema_json(conn, argc ? argv[0] : DEFAULT_DB);
    print_json_value(j);
    json_decref(j);
    jsonrpc_conn_close(conn);
}

static void
cmd_get_schema_version(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = open_conn();
    struct ovsdb_schema *s = get_schema(conn, argc ? argv[0] : DEFAULT_DB);
    puts(s->version ? s->version : "");
    ovsdb_schema_destroy(s);
    jsonrpc_conn_close(conn);
}

static void
cmd_get_schema_cksum(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = open_conn();
    struct ovsdb_schema *s = get_schema(conn, argc ? argv[0] : DEFAULT_DB);
    puts(s->cksum ? s->cksum : "");
    ovsdb_schema_destroy(s);
    jsonrpc_conn_close(conn);
}

static void
cmd_list_tables(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = open_conn();
    struct ovsdb_schema *s = get_schema(conn, argc ? argv[0] : DEFAULT_DB);
    struct table t;

    table_init(&t, NULL);
    table_add_column(&t, "Table");
    for (size_t i = 0; i < s->n_tables; i++) {
        cell_set_string(table_add_row(&t), s->tables[i]->name);
    }
    table_print(&t);
    table_destroy(&t);
    ovsdb_schema_destroy(s);
    jsonrpc_conn_close(conn);
}

static void
add_column_rows(struct table *t, const struct ovsdb_table_schema *ts,
                bool with_table)
{
    for (size_t i = 0; i < ts->n_columns; i++) {
        const struct ovsdb_column *c = ts->columns[i];
        struct cell *row = table_add_row(t);
        size_t k = 0;
        if (with_table) {
            cell_set_string(&row[k++], ts->name);
        }
        cell_set_string(&row[k++], c->name);
        json_t *type = ovsdb_type_to_json(&c->type);
        row[k].text =
            json_dumps(type, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        row[k].json = type;
    }
}

static void
cmd_list_columns(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = open_conn();
    const char *db = argc == 2 ? argv[0] : DEFAULT_DB;
    const char *table = argc == 2 ? argv[1] : NULL;

    if (argc == 1) {
        if (db_exists(conn, argv[0])) {
            db = argv[0];
        } else {
            table = argv[0];
        }
    }
    struct ovsdb_schema *s = get_schema(conn, db);
    struct table t;

    table_init(&t, NULL);
    if (!table) {
        table_add_column(&t, "Table");
    }
    table_add_column(&t, "Column");
    table_add_column(&t, "Type");
    if (table) {
        add_column_rows(&t, get_table(s, table), false);
    } else {
        for (size_t i = 0; i < s->n_tables; i++) {
            add_column_rows(&t, s->tables[i], true);
        }
    }
    table_print(&t);
    table_destroy(&t);
    ovsdb_schema_destroy(s);
    jsonrpc_conn_close(conn);
}

static json_t *
parse_json_arg(const char *s)
{
    json_error_t jerr;
    json_t *j = json_loads(s, JSON_DECODE_ANY, &jerr);
    if (!j) {
        fail("\"%s\": invalid JSON: %s", s, jerr.text);
    }
    return j;
}

static void
transact_or_query(int argc, char *argv[], bool query)
{
    json_t *ops = parse_json_arg(argv[0]);
    if (!json_is_array(ops) || !json_array_size(ops)) {
        fail("TRANSACTION must be a JSON array, database name first");
    }
    size_t n_ops = json_array_size(ops) - 1; /* Less the DB name. */
    if (query) {
        json_array_append_new(ops, json_pack("{s:s}", "op", "abort"));
    }
    struct jsonrpc_conn *conn = open_conn();
    json_t *result = request(conn, "transact", ops);
    if (query && json_is_array(result) && json_array_size(result) >= n_ops) {
        while (json_array_size(result) > n_ops) {
            json_array_remove(result, json_array_size(result) - 1);
        }
        /* The abort's result is an error object; drop it if present. */
    }
    print_json_value(result);
    json_decref(result);
    jsonrpc_conn_close(conn);
}

static void
cmd_transact(int argc, char *argv[])
{
    transact_or_query(argc, argv, false);
}

static void
cmd_query(int argc, char *argv[])
{
    transact_or_query(argc, argv, true);
}

/* dump. */

static int
cmp_column_names(const void *a_, const void *b_)
{
    const struct ovsdb_column *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

struct dump_row {
    struct ovsdb_datum *data;
};

static const struct ovsdb_column **sort_columns;
static size_t n_sort_columns;

static int
cmp_rows(const void *a_, const void *b_)
{
    const struct dump_row *a = a_, *b = b_;
    /* ovsdb-client's order: by each column in turn, _uuid last. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n_sort_columns; i++) {
            bool is_uuid = !strcmp(sort_columns[i]->name, "_uuid");
            if (is_uuid != (pass == 1)) {
                continue;
            }
            int c = ovsdb_datum_compare_3way(&a->data[i], &b->data[i],
                                             &sort_columns[i]->type);
            if (c) {
                return c;
            }
        }
    }
    return 0;
}

static void
parse_cell(struct ovsdb_datum *d, const struct ovsdb_column *c,
           const json_t *v)
{
    struct ovsdb_error *err = NULL;
    if (!v) {
        ovsdb_datum_init_default(d, &c->type);
    } else if (ovsdb_datum_from_json(d, &c->type, v, NULL, &err)) {
        char *s = ovsdb_error_to_string(err);
        fail("column %s: bad value from server: %s", c->name, s);
    }
}

static void
dump_table(struct jsonrpc_conn *conn, const char *db,
           const struct ovsdb_table_schema *ts, char **colnames, int n_names)
{
    const struct ovsdb_column **cols;
    size_t n = 0;

    cols = xcalloc(ts->n_columns + n_names + 1, sizeof *cols);
    if (n_names) {
        for (int i = 0; i < n_names; i++) {
            const struct ovsdb_column *c =
                ovsdb_table_schema_get_column(ts, colnames[i]);
            if (!c) {
                fail("Table %s does not have a column %s", ts->name,
                     colnames[i]);
            }
            cols[n++] = c;
        }
    } else {
        for (size_t i = 0; i < ts->n_columns; i++) {
            if (i != OVSDB_COL_VERSION) {
                cols[n++] = ts->columns[i];
            }
        }
    }
    qsort(cols, n, sizeof *cols, cmp_column_names);

    json_t *names = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(names, json_string(cols[i]->name));
    }
    json_t *ops = json_pack("[s,{s:s,s:s,s:[],s:o}]", db, "op", "select",
                            "table", ts->name, "where", "columns", names);
    json_t *result = request(conn, "transact", ops);
    json_t *rows = json_object_get(json_array_get(result, 0), "rows");
    if (!json_is_array(rows)) {
        fail("%s table: unexpected reply to select", ts->name);
    }

    size_t n_rows = json_array_size(rows);
    struct dump_row *dr = xcalloc(n_rows + 1, sizeof *dr);
    for (size_t r = 0; r < n_rows; r++) {
        json_t *row = json_array_get(rows, r);
        dr[r].data = xcalloc(n, sizeof *dr[r].data);
        for (size_t i = 0; i < n; i++) {
            parse_cell(&dr[r].data[i], cols[i],
                       json_object_get(row, cols[i]->name));
        }
    }
    sort_columns = cols;
    n_sort_columns = n;
    qsort(dr, n_rows, sizeof *dr, cmp_rows);

    char *caption = xasprintf("%s table", ts->name);
    struct table t;
    table_init(&t, caption);
    free(caption);
    for (size_t i = 0; i < n; i++) {
        table_add_column(&t, cols[i]->name);
    }
    for (size_t r = 0; r < n_rows; r++) {
        struct cell *cells = table_add_row(&t);
        for (size_t i = 0; i < n; i++) {
            cell_set_datum(&cells[i], &dr[r].data[i], &cols[i]->type);
            ovsdb_datum_destroy(&dr[r].data[i], &cols[i]->type);
        }
        free(dr[r].data);
    }
    table_print(&t);
    table_destroy(&t);
    free(dr);
    free(cols);
    json_decref(result);
}

static int
cmp_tables(const void *a_, const void *b_)
{
    const struct ovsdb_table_schema *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

static void
cmd_dump(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = open_conn();
    const char *db = take_db(conn, &argc, &argv, 0);
    struct ovsdb_schema *s = get_schema(conn, db);

    if (argc) {
        dump_table(conn, db, get_table(s, argv[0]), argv + 1, argc - 1);
    } else {
        const struct ovsdb_table_schema **tables =
            xmemdup(s->tables, s->n_tables * sizeof *s->tables + 1);
        qsort(tables, s->n_tables, sizeof *tables, cmp_tables);
        for (size_t i = 0; i < s->n_tables; i++) {
            dump_table(conn, db, tables[i], NULL, 0);
        }
        free(tables);
    }
    ovsdb_schema_destroy(s);
    jsonrpc_conn_close(conn);
}

/* backup. */

static void
put_record(const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    size_t len = strlen(s);
    printf("%zu %08" PRIx32 "\n%s\n", len, crc32c_extend(0, s, len), s);
    free(s);
}

static void
cmd_backup(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = open_conn();
    const char *db = argc ? argv[0] : DEFAULT_DB;
    struct ovsdb_schema *s = get_schema(conn, db);

    json_t *ops = json_array();
    json_array_append_new(ops, json_string(db));
    for (size_t i = 0; i < s->n_tables; i++) {
        json_array_append_new(ops,
                              json_pack("{s:s,s:s,s:[]}", "op", "select",
                                        "table", s->tables[i]->name, "where"));
    }
    json_t *result = request(conn, "transact", ops);
    json_t *snapshot = json_object();
    for (size_t i = 0; i < s->n_tables; i++) {
        const struct ovsdb_table_schema *ts = s->tables[i];
        json_t *rows = json_object_get(json_array_get(result, i), "rows");
        if (!json_is_array(rows)) {
            fail("%s table: unexpected reply to select", ts->name);
        }
        json_t *tj = json_object();
        size_t r;
        json_t *row;
        json_array_foreach (rows, r, row) {
            json_t *uuid = json_object_get(row, "_uuid");
            if (!json_is_array(uuid)
                || !json_is_string(json_array_get(uuid, 1))) {
                fail("%s table: row without _uuid", ts->name);
            }
            json_t *rj = json_object();
            for (size_t c = OVSDB_N_IMPLICIT_COLUMNS; c < ts->n_columns; c++) {
                const struct ovsdb_column *col = ts->columns[c];
                json_t *v = json_object_get(row, col->name);
                struct ovsdb_datum d;
                if (col->ephemeral || !v) {
                    continue;
                }
                parse_cell(&d, col, v);
                if (!ovsdb_datum_is_default(&d, &col->type)) {
                    json_object_set_new(rj, col->name,
                                        ovsdb_datum_to_json(&d, &col->type));
                }
                ovsdb_datum_destroy(&d, &col->type);
            }
            json_object_set_new(tj, json_string_value(json_array_get(uuid, 1)),
                                rj);
        }
        if (json_object_size(tj)) {
            json_object_set_new(snapshot, ts->name, tj);
        } else {
            json_decref(tj);
        }
    }
    printf("%s %d\n", "NICFLOW-OVSDB", 1);
    json_t *sj = ovsdb_schema_to_json(s);
    put_record(sj);
    put_record(snapshot);
    json_decref(sj);
    json_decref(snapshot);
    json_decref(result);
    ovsdb_schema_destroy(s);
    jsonrpc_conn_close(conn);
}

/* monitor and monitor-cond. */

struct mon_table {
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_column **cols;
    size_t n_cols;
};

static struct mon_table *mon_tables;
static size_t n_mon_tables;

static void
mon_add_table(const struct ovsdb_schema *s, const char *name,
              const char *colspec)
{
    struct mon_table *mt;

    mon_tables = xrealloc(mon_tables, (n_mon_tables + 1) * sizeof *mt);
    mt = &mon_tables[n_mon_tables++];
    memset(mt, 0, sizeof *mt);
    mt->ts = get_table(s, name);
    mt->cols = xcalloc(mt->ts->n_columns + 1, sizeof *mt->cols);
    if (colspec) {
        char *copy = xstrdup(colspec), *save = NULL;
        for (char *tok = strtok_r(copy, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            const struct ovsdb_column *c =
                ovsdb_table_schema_get_column(mt->ts, tok);
            if (!c) {
                fail("Table %s does not have a column %s", name, tok);
            }
            if (mt->n_cols < mt->ts->n_columns) {
                mt->cols[mt->n_cols++] = c;
            }
        }
        free(copy);
    } else {
        for (size_t i = OVSDB_N_IMPLICIT_COLUMNS; i < mt->ts->n_columns; i++) {
            mt->cols[mt->n_cols++] = mt->ts->columns[i];
        }
    }
}

static json_t *
mon_columns_json(const struct mon_table *mt)
{
    json_t *a = json_array();
    for (size_t i = 0; i < mt->n_cols; i++) {
        json_array_append_new(a, json_string(mt->cols[i]->name));
    }
    return a;
}

static void
mon_row(struct table *t, const struct mon_table *mt, const char *uuid,
        const char *action, const json_t *row, bool diff)
{
    struct cell *cells = table_add_row(t);
    cell_set_string(&cells[0], uuid);
    cell_set_string(&cells[1], action);
    for (size_t i = 0; i < mt->n_cols; i++) {
        json_t *v = row ? json_object_get(row, mt->cols[i]->name) : NULL;
        if (v) {
            struct ovsdb_type type = mt->cols[i]->type;
            struct ovsdb_datum d;
            struct ovsdb_error *err = NULL;
            if (diff && type.n_max > 1) {
                type.n_min = 0;
                type.n_max = UINT_MAX;
            }
            if (ovsdb_datum_from_json(&d, &type, v, NULL, &err)) {
                fail("column %s: bad value from server", mt->cols[i]->name);
            }
            cell_set_datum(&cells[2 + i], &d, &type);
            ovsdb_datum_destroy(&d, &type);
        }
    }
}

static void
print_updates(const json_t *updates, bool initial, bool v2)
{
    for (size_t i = 0; i < n_mon_tables; i++) {
        struct mon_table *mt = &mon_tables[i];
        json_t *tu = json_object_get(updates, mt->ts->name);
        if (!json_is_object(tu)) {
            continue;
        }
        struct table t;
        char *caption = xasprintf("%s table", mt->ts->name);
        table_init(&t, n_mon_tables > 1 ? caption : NULL);
        free(caption);
        table_add_column(&t, "row");
        table_add_column(&t, "action");
        for (size_t c = 0; c < mt->n_cols; c++) {
            table_add_column(&t, mt->cols[c]->name);
        }

        const char *uuid;
        json_t *ru;
        json_object_foreach (tu, uuid, ru) {
            if (v2) {
                json_t *v;
                if ((v = json_object_get(ru, "initial"))
                    || (v = json_object_get(ru, "insert"))) {
                    mon_row(&t, mt, uuid,
                            json_object_get(ru, "initial") ? "initial"
                                                           : "insert",
                            v, false);
                } else if (json_object_get(ru, "delete")) {
                    mon_row(&t, mt, uuid, "delete", NULL, false);
                } else if ((v = json_object_get(ru, "modify"))) {
                    /* Sets and maps as differences, as ovsdb-client
                     * prints them. */
                    mon_row(&t, mt, uuid, "modify", v, true);
                }
            } else {
                json_t *old = json_object_get(ru, "old");
                json_t *new = json_object_get(ru, "new");
                if (!old) {
                    mon_row(&t, mt, uuid, initial ? "initial" : "insert", new,
                            false);
                } else if (!new) {
                    mon_row(&t, mt, uuid, "delete", old, false);
                } else {
                    mon_row(&t, mt, uuid, "old", old, false);
                    mon_row(&t, mt, "", "new", new, false);
                }
            }
        }
        table_print(&t);
        table_destroy(&t);
    }
}

static void
monitor(int argc, char *argv[], bool cond)
{
    struct jsonrpc_conn *conn = open_conn();
    const char *db = take_db(conn, &argc, &argv, cond ? 2 : 1);
    json_t *conds = NULL;

    if (cond) {
        if (argc < 2) {
            fail("missing CONDITIONS or TABLE");
        }
        conds = parse_json_arg(argv[0]);
        argc--;
        argv++;
    }
    if (argc < 1) {
        fail("missing TABLE");
    }
    struct ovsdb_schema *s = get_schema(conn, db);
    if (!cond && argc == 1 && !strcmp(argv[0], "ALL")) {
        for (size_t i = 0; i < s->n_tables; i++) {
            mon_add_table(s, s->tables[i]->name, NULL);
        }
    } else {
        for (int i = 0; i < argc; i++) {
            const char *name = argv[i];
            const char *cols = NULL;
            if (i + 1 < argc && !ovsdb_schema_get_table(s, argv[i + 1])
                && ovsdb_schema_get_table(s, name)) {
                cols = argv[++i];
            }
            mon_add_table(s, name, cols);
        }
    }

    json_t *reqs = json_object();
    for (size_t i = 0; i < n_mon_tables; i++) {
        json_t *r =
            json_pack("{s:o}", "columns", mon_columns_json(&mon_tables[i]));
        if (cond) {
            json_object_set(r, "where", conds);
            r = json_pack("[o]", r);
        }
        json_object_set_new(reqs, mon_tables[i].ts->name, r);
    }
    json_t *result = request(conn, cond ? "monitor_cond" : "monitor",
                             json_pack("[s,n,o]", db, reqs));
    print_updates(result, true, cond);
    json_decref(result);

    for (;;) {
        struct jsonrpc_msg *msg;
        int error = jsonrpc_conn_recv_block(conn, &msg, -1);
        if (error == EOF) {
            fail("connection to \"%s\" closed", server_name);
        } else if (error) {
            fail("receive from \"%s\" failed: %s", server_name,
                 nf_strerror(error));
        }
        if (msg->type == JSONRPC_REQUEST && !strcmp(msg->method, "echo")) {
            jsonrpc_conn_send(
                conn, jsonrpc_create_reply(json_incref(msg->params), msg->id));
        } else if (msg->type == JSONRPC_NOTIFY
                   && !strcmp(msg->method, cond ? "update2" : "update")
                   && json_array_size(msg->params) == 2) {
            print_updates(json_array_get(msg->params, 1), false, cond);
        }
        jsonrpc_msg_destroy(msg);
    }
}

static void
cmd_monitor(int argc, char *argv[])
{
    monitor(argc, argv, false);
}

static void
cmd_monitor_cond(int argc, char *argv[])
{
    monitor(argc, argv, true);
}

/* Locks. */

static void
lock_cmd(const char *method, const char *lock, bool wait)
{
    struct jsonrpc_conn *conn = open_conn();
    json_t *r = request(conn, method, json_pack("[s]", lock));
    print_json_value(r);
    fflush(stdout);
    json_decref(r);
    while (wait) {
        struct jsonrpc_msg *msg;
        int error = jsonrpc_conn_recv_block(conn, &msg, -1);
        if (error) {
            fail("connection to \"%s\" failed: %s", server_name,
                 error == EOF ? "closed" : nf_strerror(error));
        }
        if (msg->type == JSONRPC_REQUEST && !strcmp(msg->method, "echo")) {
            jsonrpc_conn_send(
                conn, jsonrpc_create_reply(json_incref(msg->params), msg->id));
        } else if (msg->type == JSONRPC_NOTIFY) {
            printf("%s\n", msg->method);
            fflush(stdout);
        }
        jsonrpc_msg_destroy(msg);
    }
    jsonrpc_conn_close(conn);
}

static void
cmd_lock(int argc, char *argv[])
{
    lock_cmd("lock", argv[0], true);
}

static void
cmd_steal(int argc, char *argv[])
{
    lock_cmd("steal", argv[0], true);
}

static void
cmd_unlock(int argc, char *argv[])
{
    lock_cmd("unlock", argv[0], false);
}

/* The command table and the command line. */

struct command {
    const char *name;
    const char *args;
    int min_args, max_args;
    void (*run)(int argc, char *argv[]);
};

static void cmd_help(int argc, char *argv[]);

static const struct command commands[] = {
    { "list-dbs", "[SERVER]", 0, 0, cmd_list_dbs },
    { "get-schema", "[SERVER] [DB]", 0, 1, cmd_get_schema },
    { "get-schema-version", "[SERVER] [DB]", 0, 1, cmd_get_schema_version },
    { "get-schema-cksum", "[SERVER] [DB]", 0, 1, cmd_get_schema_cksum },
    { "list-tables", "[SERVER] [DB]", 0, 1, cmd_list_tables },
    { "list-columns", "[SERVER] [DB] [TABLE]", 0, 2, cmd_list_columns },
    { "transact", "[SERVER] TRANSACTION", 1, 1, cmd_transact },
    { "query", "[SERVER] TRANSACTION", 1, 1, cmd_query },
    { "dump", "[SERVER] [DB] [TABLE [COLUMN...]]", 0, INT_MAX, cmd_dump },
    { "backup", "[SERVER] [DB] > FILE", 0, 1, cmd_backup },
    { "monitor", "[SERVER] [DB] TABLE [COLUMN,...]... | ALL", 1, INT_MAX,
      cmd_monitor },
    { "monitor-cond", "[SERVER] [DB] CONDITIONS TABLE [COLUMN,...]...", 2,
      INT_MAX, cmd_monitor_cond },
    { "lock", "[SERVER] LOCK", 1, 1, cmd_lock },
    { "steal", "[SERVER] LOCK", 1, 1, cmd_steal },
    { "unlock", "[SERVER] LOCK", 1, 1, cmd_unlock },
    { "help", "", 0, 0, cmd_help },
};

static void
usage(void)
{
    printf("%s: nicflow database client (ovsdb-client compatible)\n"
           "usage: %s [OPTIONS] COMMAND [SERVER] [ARG...]\n\nCommands:\n",
           nf_program_name, nf_program_name);
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        printf("  %s %s\n", commands[i].name, commands[i].args);
    }
    printf("\nThe default SERVER is unix:%s/db.sock ($NICFLOW_RUNDIR), the "
           "default DB Open_vSwitch.\n"
           "\nOptions:\n"
           "  -f, --format=FORMAT     table (default), list, csv or json\n"
           "  --no-headings           omit table headings\n"
           "  --pretty                indent JSON output\n"
           "  -t, --timeout=SECS      give up after SECS seconds\n"
           "  -h, --help              print this help and exit\n"
           "  -V, --version           print the version and exit\n",
           daemon_rundir());
}

static void
cmd_help(int argc, char *argv[])
{
    usage();
}

enum { OPT_NO_HEADINGS = 0x2000, OPT_PRETTY };

static int
parse_options(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "format", required_argument, NULL, 'f' },
        { "no-headings", no_argument, NULL, OPT_NO_HEADINGS },
        { "pretty", no_argument, NULL, OPT_PRETTY },
        { "timeout", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };

    for (;;) {
        /* "+": options end at the command, so JSON arguments and
         * conditions are never taken for options. */
        int c = getopt_long(argc, argv, "+f:t:hV", long_options, NULL);
        long long secs;
        if (c == -1) {
            return optind;
        }
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "table")) {
                format = FMT_TABLE;
            } else if (!strcmp(optarg, "list")) {
                format = FMT_LIST;
            } else if (!strcmp(optarg, "csv")) {
                format = FMT_CSV;
            } else if (!strcmp(optarg, "json")) {
                format = FMT_JSON;
            } else {
                nf_fatal(0, "unknown output format \"%s\"", optarg);
            }
            break;
        case OPT_NO_HEADINGS:
            headings = false;
            break;
        case OPT_PRETTY:
            pretty = true;
            break;
        case 't':
            if (nf_parse_int(optarg, 0, INT_MAX / 1000, &secs)) {
                nf_fatal(0, "--timeout: \"%s\" is not a number of seconds",
                         optarg);
            }
            timeout_ms = secs ? (int) secs * 1000 : -1;
            break;
        case 'h':
            usage();
            exit(0);
        case 'V':
            printf("%s (nicflow) %s\n", nf_program_name, nf_version());
            exit(0);
        default:
            fprintf(stderr, "Try '%s --help' for more information.\n",
                    nf_program_name);
            exit(1);
        }
    }
}

int
main(int argc, char *argv[])
{
    nf_set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);

    int i = parse_options(argc, argv);
    if (i >= argc) {
        nf_fatal(0, "missing command name; use --help for help");
    }

    const char *name = argv[i++];
    for (size_t c = 0; c < ARRAY_SIZE(commands); c++) {
        const struct command *cmd = &commands[c];
        if (strcmp(name, cmd->name)) {
            continue;
        }
        command_name = name;
        char *def = xasprintf("unix:%s/db.sock", daemon_rundir());
        server_name = def;
        if (i < argc && !stream_verify_name(argv[i])) {
            server_name = argv[i++];
        }
        int n_args = argc - i;
        if (n_args < cmd->min_args || n_args > cmd->max_args) {
            fail("%s arguments (usage: %s %s %s)",
                 n_args < cmd->min_args ? "missing" : "too many",
                 nf_program_name, cmd->name, cmd->args);
        }
        cmd->run(n_args, argv + i);
        if (fflush(stdout) || ferror(stdout)) {
            fail("writing to standard output failed");
        }
        free(def);
        return 0;
    }
    nf_fatal(0, "unknown command '%s'; use --help for help", name);
}
