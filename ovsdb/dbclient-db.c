/* dbclient-db.c: nicflow-dbclient's schema and data commands: list-dbs,
 * get-schema, get-schema-version, get-schema-cksum, list-tables,
 * list-columns, transact, query, dump, backup, restore, convert and
 * needs-conversion, with ovsdb-client's output.
 *
 * "backup" writes nicflow's own database file format (ovsdb/log.h): the
 * schema record, then one snapshot record.  "restore" reads that format
 * and Open vSwitch's standalone one (what ovsdb-client backup writes). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/json-text.h"
#include "lib/crc32c.h"
#include "ovsdb/datum.h"
#include "ovsdb/db.h"
#include "ovsdb/dbclient.h"
#include "ovsdb/error.h"
#include "ovsdb/log.h"
#include "ovsdb/row.h"
#include "ovsdb/uuid.h"

static int
cmp_cstrs(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;
    return strcmp(*a, *b);
}

void
dbclient_cmd_list_dbs(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = dbclient_open();
    json_t *dbs = dbclient_list_dbs(conn);
    size_t i, n = 0;
    json_t *v;
    const char **names = xcalloc(json_array_size(dbs) + 1, sizeof *names);

    /* Sorted, as ovsdb-client prints them. */
    json_array_foreach (dbs, i, v) {
        if (json_is_string(v)) {
            names[n++] = json_string_value(v);
        }
    }
    qsort(names, n, sizeof *names, cmp_cstrs);
    for (i = 0; i < n; i++) {
        puts(names[i]);
    }
    free(names);
    json_decref(dbs);
    jsonrpc_conn_close(conn);
}

void
dbclient_cmd_get_schema(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = dbclient_open();
    json_t *j =
        dbclient_get_schema_json(conn, argc ? argv[0] : DBCLIENT_DEFAULT_DB);
    dbclient_print_json(j);
    json_decref(j);
    jsonrpc_conn_close(conn);
}

void
dbclient_cmd_get_schema_version(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = dbclient_open();
    struct ovsdb_schema *s =
        dbclient_get_schema(conn, argc ? argv[0] : DBCLIENT_DEFAULT_DB);
    puts(s->version ? s->version : "");
    ovsdb_schema_destroy(s);
    jsonrpc_conn_close(conn);
}

void
dbclient_cmd_get_schema_cksum(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = dbclient_open();
    struct ovsdb_schema *s =
        dbclient_get_schema(conn, argc ? argv[0] : DBCLIENT_DEFAULT_DB);
    puts(s->cksum ? s->cksum : "");
    ovsdb_schema_destroy(s);
    jsonrpc_conn_close(conn);
}

void
dbclient_cmd_list_tables(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = dbclient_open();
    struct ovsdb_schema *s =
        dbclient_get_schema(conn, argc ? argv[0] : DBCLIENT_DEFAULT_DB);
    struct dbclient_table t;

    dbclient_table_init(&t, NULL);
    dbclient_table_add_column(&t, "Table");
    for (size_t i = 0; i < s->n_tables; i++) {
        dbclient_cell_set_text(dbclient_table_add_row(&t), s->tables[i]->name);
    }
    dbclient_table_print(&t);
    dbclient_table_destroy(&t);
    ovsdb_schema_destroy(s);
    jsonrpc_conn_close(conn);
}

static void
add_column_rows(struct dbclient_table *t, const struct ovsdb_table_schema *ts,
                bool with_table)
{
    for (size_t i = 0; i < ts->n_columns; i++) {
        const struct ovsdb_column *c = ts->columns[i];
        struct dbclient_cell *row = dbclient_table_add_row(t);
        size_t k = 0;
        if (with_table) {
            dbclient_cell_set_text(&row[k++], ts->name);
        }
        dbclient_cell_set_text(&row[k++], c->name);
        /* A type is JSON, not a datum: printed as JSON in every style. */
        dbclient_cell_set_json(&row[k], ovsdb_type_to_json(&c->type), NULL);
    }
}

void
dbclient_cmd_list_columns(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = dbclient_open();
    const char *db = argc == 2 ? argv[0] : DBCLIENT_DEFAULT_DB;
    const char *table = argc == 2 ? argv[1] : NULL;

    if (argc == 1) {
        if (dbclient_db_exists(conn, argv[0])) {
            db = argv[0];
        } else {
            table = argv[0];
        }
    }
    struct ovsdb_schema *s = dbclient_get_schema(conn, db);
    struct dbclient_table t;

    dbclient_table_init(&t, NULL);
    if (!table) {
        dbclient_table_add_column(&t, "Table");
    }
    dbclient_table_add_column(&t, "Column");
    dbclient_table_add_column(&t, "Type");
    if (table) {
        add_column_rows(&t, dbclient_get_table(s, table), false);
    } else {
        for (size_t i = 0; i < s->n_tables; i++) {
            add_column_rows(&t, s->tables[i], true);
        }
    }
    dbclient_table_print(&t);
    dbclient_table_destroy(&t);
    ovsdb_schema_destroy(s);
    jsonrpc_conn_close(conn);
}

/* transact and query. */

static void
transact_or_query(char *arg, bool query)
{
    json_t *ops = dbclient_parse_json_arg(arg);
    if (!json_is_array(ops) || !json_array_size(ops)) {
        dbclient_fail("TRANSACTION must be a JSON array, database name "
                      "first");
    }
    size_t n_ops = json_array_size(ops) - 1; /* Less the DB name. */
    if (query) {
        /* An abort at the end makes sure nothing is committed. */
        json_array_append_new(ops, json_pack("{s:s}", "op", "abort"));
    }
    struct jsonrpc_conn *conn = dbclient_open();
    json_t *result = dbclient_request(conn, "transact", ops);
    if (query && json_is_array(result)) {
        /* The abort's own result (an error object) is not the user's. */
        while (json_array_size(result) > n_ops) {
            json_array_remove(result, json_array_size(result) - 1);
        }
    }
    dbclient_print_json(result);
    json_decref(result);
    jsonrpc_conn_close(conn);
}

void
dbclient_cmd_transact(int argc, char *argv[])
{
    transact_or_query(argv[0], false);
}

void
dbclient_cmd_query(int argc, char *argv[])
{
    transact_or_query(argv[0], true);
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
    /* ovsdb-client's order: by each column in turn, those of UUIDs (by
     * their keys) last, since UUIDs are random. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n_sort_columns; i++) {
            bool is_uuid = sort_columns[i]->type.key.type == OVSDB_TYPE_UUID;
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
        dbclient_fail("column %s: bad value from server: %s", c->name, s);
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
                dbclient_fail("Table %s does not have a column %s", ts->name,
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
    json_t *result = dbclient_request(conn, "transact", ops);
    json_t *rows = json_object_get(json_array_get(result, 0), "rows");
    if (!json_is_array(rows)) {
        dbclient_fail("%s table: unexpected reply to select", ts->name);
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
    struct dbclient_table t;
    dbclient_table_init(&t, caption);
    free(caption);
    for (size_t i = 0; i < n; i++) {
        dbclient_table_add_column(&t, cols[i]->name);
    }
    for (size_t r = 0; r < n_rows; r++) {
        struct dbclient_cell *cells = dbclient_table_add_row(&t);
        for (size_t i = 0; i < n; i++) {
            dbclient_cell_set_json(
                &cells[i], ovsdb_datum_to_json(&dr[r].data[i], &cols[i]->type),
                &cols[i]->type);
            ovsdb_datum_destroy(&dr[r].data[i], &cols[i]->type);
        }
        free(dr[r].data);
    }
    dbclient_table_print(&t);
    dbclient_table_destroy(&t);
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

void
dbclient_cmd_dump(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = dbclient_open();
    const char *db = dbclient_take_db(conn, &argc, &argv, 0);
    struct ovsdb_schema *s = dbclient_get_schema(conn, db);

    if (argc) {
        dump_table(conn, db, dbclient_get_table(s, argv[0]), argv + 1,
                   argc - 1);
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

void
dbclient_cmd_backup(int argc, char *argv[])
{
    struct jsonrpc_conn *conn = dbclient_open();
    const char *db = argc ? argv[0] : DBCLIENT_DEFAULT_DB;
    struct ovsdb_schema *s = dbclient_get_schema(conn, db);

    json_t *ops = json_array();
    json_array_append_new(ops, json_string(db));
    for (size_t i = 0; i < s->n_tables; i++) {
        json_array_append_new(ops,
                              json_pack("{s:s,s:s,s:[]}", "op", "select",
                                        "table", s->tables[i]->name, "where"));
    }
    json_t *result = dbclient_request(conn, "transact", ops);
    json_t *snapshot = json_object();
    for (size_t i = 0; i < s->n_tables; i++) {
        const struct ovsdb_table_schema *ts = s->tables[i];
        json_t *rows = json_object_get(json_array_get(result, i), "rows");
        if (!json_is_array(rows)) {
            dbclient_fail("%s table: unexpected reply to select", ts->name);
        }
        json_t *tj = json_object();
        size_t r;
        json_t *row;
        json_array_foreach (rows, r, row) {
            json_t *uuid = json_object_get(row, "_uuid");
            if (!json_is_array(uuid)
                || !json_is_string(json_array_get(uuid, 1))) {
                dbclient_fail("%s table: row without _uuid", ts->name);
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
    printf("%s %d\n", OVSDB_LOG_MAGIC, OVSDB_LOG_VERSION);
    json_t *sj = ovsdb_schema_to_json(s);
    put_record(sj);
    put_record(snapshot);
    json_decref(sj);
    json_decref(snapshot);
    json_decref(result);
    ovsdb_schema_destroy(s);
    jsonrpc_conn_close(conn);
}

/* restore. */

/* Reads all of standard input. */
static void
read_stdin(struct buf *b)
{
    for (;;) {
        char *p = buf_reserve(b, 65536);
        ssize_t n = read(STDIN_FILENO, p, 65536);
        if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0) {
            dbclient_fail("reading the backup from standard input failed "
                          "(%s)",
                          nf_strerror(errno));
        } else if (!n) {
            return;
        }
        b->len += (size_t) n;
    }
}

/* Takes the text up to the next new line from *P (within END), NUL
 * terminated in place; NULL if there is none. */
static char *
take_line(char **p, char *end)
{
    char *nl = memchr(*p, '\n', (size_t) (end - *p));
    if (!nl) {
        return NULL;
    }
    char *line = *p;
    *nl = '\0';
    *p = nl + 1;
    return line;
}

/* The record formats restore reads.  In nicflow's, a "NICFLOW-OVSDB 1"
 * line opens the file and each record is "<length> <crc32c>\n<JSON>\n";
 * in Open vSwitch's standalone format each record is
 * "OVSDB JSON <length> <sha1>\n<JSON>\n", the length counting the JSON's
 * new line.  The CRC is checked; Open
 * vSwitch's SHA-1 is not (the length and the JSON still are). */
static json_t *
next_record(char **p, char *end, bool ovs, int index)
{
    if (*p >= end) {
        return NULL;
    }
    char *header = take_line(p, end);
    unsigned long long len;
    char sum[64];
    int n_used = 0;
    if (!header
        || (ovs ? sscanf(header, "OVSDB JSON %llu %63s%n", &len, sum, &n_used)
                : sscanf(header, "%llu %63s%n", &len, sum, &n_used))
               != 2
        || header[n_used] || len > (unsigned long long) (end - *p)) {
        dbclient_fail("backup record %d: bad or truncated record header",
                      index);
    }
    /* Open vSwitch counts the new line after the JSON in the length. */
    char *json = *p;
    if (ovs && len) {
        len--;
    }
    *p += len;
    if (*p >= end || **p != '\n') {
        dbclient_fail("backup record %d: record not followed by a new line",
                      index);
    }
    *(*p)++ = '\0';
    if (!ovs) {
        char want[16];
        snprintf(want, sizeof want, "%08" PRIx32, crc32c_extend(0, json, len));
        if (strcmp(want, sum)) {
            dbclient_fail("backup record %d: checksum mismatch", index);
        }
    }
    json_error_t jerr;
    json_t *j = json_loadb(json, len, 0, &jerr);
    if (!j) {
        dbclient_fail("backup record %d: invalid JSON: %s", index, jerr.text);
    }
    return j;
}

/* Loads the database file on standard input into memory. */
static struct ovsdb *
read_backup(void)
{
    struct buf b = BUF_INITIALIZER;
    read_stdin(&b);
    buf_put_char(&b, '\0');
    b.len--;

    char *p = (char *) b.data, *end = p + b.len;
    bool ovs;
    if (nf_str_prefix(p, OVSDB_LOG_MAGIC " ")) {
        char *magic = take_line(&p, end);
        if (!magic || strcmp(magic, OVSDB_LOG_MAGIC " 1")) {
            dbclient_fail("/dev/stdin: unsupported nicflow database file "
                          "version");
        }
        ovs = false;
    } else if (nf_str_prefix(p, "OVSDB JSON ")) {
        ovs = true;
    } else if (nf_str_prefix(p, "OVSDB CLUSTER ")) {
        dbclient_fail("/dev/stdin: clustered database files cannot be "
                      "restored; back up the database with \"backup\"");
    } else {
        dbclient_fail("/dev/stdin: cannot identify file type");
    }

    json_t *sj = next_record(&p, end, ovs, 0);
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = NULL;
    if (!sj) {
        dbclient_fail("/dev/stdin: the backup holds no schema");
    } else if (ovsdb_schema_from_json(sj, &schema, &error)) {
        dbclient_fail("/dev/stdin: invalid schema: %s",
                      ovsdb_error_to_string(error));
    }
    json_decref(sj);

    struct ovsdb *db = ovsdb_create(schema);
    json_t *record;
    for (int i = 1; (record = next_record(&p, end, ovs, i)); i++) {
        char *msg;
        if (ovsdb_apply_record(db, record, &msg)) {
            dbclient_fail("backup record %d: %s", i, msg);
        }
        json_decref(record);
    }
    buf_destroy(&b);
    return db;
}

/* Whether the two schemas are the same, as Open vSwitch decides it: by
 * their JSON. */
static bool
schemas_equal(const struct ovsdb_schema *a, const struct ovsdb_schema *b)
{
    json_t *ja = ovsdb_schema_to_json(a);
    json_t *jb = ovsdb_schema_to_json(b);
    bool equal = json_equal(ja, jb);
    json_decref(ja);
    json_decref(jb);
    return equal;
}

/* The "uuid-name" restore gives the row with UUID: the protocol lets a
 * client name the rows it inserts, not choose their UUIDs. */
static char *
row_name(const struct ovsdb_uuid *uuid)
{
    char s[OVSDB_UUID_LEN + 1];
    ovsdb_uuid_format(uuid, s);
    for (char *p = s; *p; p++) {
        if (*p == '-') {
            *p = '_';
        }
    }
    return xasprintf("row%s", s);
}

/* Replaces, in J (a datum's JSON), each ["uuid", U] where U is a row of DB
 * by ["named-uuid", its row name]. */
static json_t *
name_refs(json_t *j, const struct ovsdb *db)
{
    if (!json_is_array(j)) {
        return j;
    }
    const char *tag = json_string_value(json_array_get(j, 0));
    if (tag && !strcmp(tag, "uuid") && json_array_size(j) == 2) {
        struct ovsdb_uuid uuid;
        const char *s = json_string_value(json_array_get(j, 1));
        if (!s || !ovsdb_uuid_from_string(&uuid, s)) {
            return j;
        }
        const struct ovsdb_schema *schema = ovsdb_get_schema(db);
        for (size_t i = 0; i < schema->n_tables; i++) {
            if (ovsdb_table_find_row(ovsdb_get_table_by_index(db, i), &uuid)) {
                char *name = row_name(&uuid);
                json_t *named = json_pack("[s,s]", "named-uuid", name);
                free(name);
                json_decref(j);
                return named;
            }
        }
        return j;
    }
    for (size_t i = 0; i < json_array_size(j); i++) {
        json_t *e = json_incref(json_array_get(j, i));
        json_array_set_new(j, i, name_refs(e, db));
    }
    return j;
}

/* The transaction that replaces the server's DB_NAME contents by DB's:
 * every table emptied, then every row inserted. */
static json_t *
restore_txn(const struct ovsdb *db)
{
    const struct ovsdb_schema *schema = ovsdb_get_schema(db);
    json_t *ops = json_array();

    json_array_append_new(ops, json_string(schema->name));
    for (size_t i = 0; i < schema->n_tables; i++) {
        json_array_append_new(ops, json_pack("{s:s,s:s,s:[]}", "op", "delete",
                                             "table", schema->tables[i]->name,
                                             "where"));
    }
    for (size_t i = 0; i < schema->n_tables; i++) {
        const struct ovsdb_table *table = ovsdb_get_table_by_index(db, i);
        const struct ovsdb_table_schema *ts = schema->tables[i];
        for (const struct ovsdb_row *row = ovsdb_table_first_row(table); row;
             row = ovsdb_table_next_row(table, row)) {
            json_t *rj = json_object();
            for (size_t c = OVSDB_N_IMPLICIT_COLUMNS; c < ts->n_columns; c++) {
                const struct ovsdb_column *col = ts->columns[c];
                const struct ovsdb_datum *d = ovsdb_row_get_datum(row, col);
                if (!col->ephemeral
                    && !ovsdb_datum_is_default(d, &col->type)) {
                    json_object_set_new(
                        rj, col->name,
                        name_refs(ovsdb_datum_to_json(d, &col->type), db));
                }
            }
            char *name = row_name(ovsdb_row_get_uuid(row));
            json_array_append_new(
                ops, json_pack("{s:s,s:s,s:s,s:o}", "op", "insert", "table",
                               ts->name, "uuid-name", name, "row", rj));
            free(name);
        }
    }
    return ops;
}

void
dbclient_cmd_restore(int argc, char *argv[])
{
    if (isatty(STDIN_FILENO)) {
        dbclient_fail("not reading backup from a terminal; please redirect "
                      "stdin from a file");
    }
    struct ovsdb *backup = read_backup();
    const struct ovsdb_schema *schema = ovsdb_get_schema(backup);
    struct jsonrpc_conn *conn = dbclient_open();
    struct ovsdb_schema *server_schema =
        dbclient_get_schema(conn, argc ? argv[0] : DBCLIENT_DEFAULT_DB);

    if (!schemas_equal(schema, server_schema)) {
        const char *v1 = schema->version ? schema->version : "";
        const char *v2 = server_schema->version ? server_schema->version : "";
        char *why = strcmp(v1, v2)
                        ? xasprintf("backup schema has version \"%s\" but "
                                    "database schema has version \"%s\"",
                                    v1, v2)
                        : xasprintf("backup schema and database schema are "
                                    "both version %s but still differ",
                                    v1);
        if (!dbclient_force) {
            dbclient_fail("%s (use --force to override differences, or "
                          "\"convert\" to change the schema)",
                          why);
        }
        fprintf(stderr, "%s: %s\n", nf_program_name, why);
        free(why);
    }
    ovsdb_schema_destroy(server_schema);

    json_t *result = dbclient_request(conn, "transact", restore_txn(backup));
    size_t i;
    json_t *r;
    json_array_foreach (result, i, r) {
        if (json_object_get(r, "error")) {
            struct buf b = BUF_INITIALIZER;
            nf_json_to_buf(r, false, &b);
            dbclient_fail("server returned error reply: %s", buf_cstr(&b));
        }
    }
    json_decref(result);
    ovsdb_destroy(backup);
    jsonrpc_conn_close(conn);
}

/* convert and needs-conversion. */

static struct ovsdb_schema *
read_schema_file(const char *path)
{
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = NULL;
    if (ovsdb_schema_from_file(path, &schema, &error)) {
        dbclient_fail("failed to read schema: %s",
                      ovsdb_error_to_string(error));
    }
    return schema;
}

void
dbclient_cmd_needs_conversion(int argc, char *argv[])
{
    struct ovsdb_schema *schema = read_schema_file(argv[0]);
    struct jsonrpc_conn *conn = dbclient_open();
    struct ovsdb_schema *server_schema =
        dbclient_get_schema(conn, schema->name);
    puts(schemas_equal(schema, server_schema) ? "no" : "yes");
    ovsdb_schema_destroy(server_schema);
    ovsdb_schema_destroy(schema);
    jsonrpc_conn_close(conn);
}

void
dbclient_cmd_convert(int argc, char *argv[])
{
    struct ovsdb_schema *schema = read_schema_file(argv[0]);
    struct jsonrpc_conn *conn = dbclient_open();
    json_t *error = NULL;
    json_t *result = dbclient_request_or_error(
        conn, "convert",
        json_pack("[s,o]", schema->name, ovsdb_schema_to_json(schema)),
        &error);

    if (error) {
        /* A server without online conversion (nicflow-dbd among them)
         * does not know the method: say so, and what to do instead. */
        const char *s = json_string_value(error);
        const char *e = json_string_value(json_object_get(error, "error"));
        if ((s && !strcmp(s, "unknown method"))
            || (e && !strcmp(e, "unknown method"))) {
            dbclient_fail("\"%s\" does not support online schema conversion "
                          "(no \"convert\" method); stop the server and "
                          "convert the database file with nicflow-dbtool "
                          "convert",
                          dbclient_server);
        }
        struct buf b = BUF_INITIALIZER;
        nf_json_to_buf(error, false, &b);
        dbclient_fail("transaction returned error: %s", buf_cstr(&b));
    }
    json_decref(result);
    ovsdb_schema_destroy(schema);
    jsonrpc_conn_close(conn);
}
