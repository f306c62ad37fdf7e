/* dbclient-monitor.c: nicflow-dbclient's monitor, monitor-cond,
 * monitor-cond-since and wait commands, and the lock commands, printing
 * what ovsdb-client prints.
 *
 * A monitor names one table (or ALL) and any number of column groups,
 * "COLUMN,COLUMN,!MODIFIER...", each a monitor request of its own: the
 * modifiers !initial, !insert, !delete and !modify turn off that kind of
 * change for the group's columns, and a group without columns stands for
 * every column.  Updates are printed as they arrive, one table per update
 * and table; the rows of an update come in the server's order. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/stream.h"
#include "ovsdb/dbclient.h"
#include "ovsdb/uuid.h"

/* The monitored tables and the columns printed for each. */
struct mon_table {
    const struct ovsdb_table_schema *ts;
    const struct ovsdb_column **cols;
    size_t n_cols;
};

enum mon_version {
    MON_V1, /* "monitor": update with old and new rows. */
    MON_V2, /* "monitor_cond": update2 (initial/insert/delete/modify). */
    MON_V3, /* "monitor_cond_since": update3, with transaction ids. */
};

struct monitor {
    const char *db;
    enum mon_version version;
    struct mon_table *tables;
    size_t n_tables;
};

/* The kinds of change a column group can turn off. */
static const char *const selects[] = { "initial", "insert", "delete",
                                       "modify" };

static void
add_column(struct mon_table *mt, const struct ovsdb_column *c, json_t *columns)
{
    for (size_t i = 0; i < mt->n_cols; i++) {
        if (mt->cols[i] == c) {
            dbclient_fail("%s: column \"%s\" mentioned multiple times",
                          dbclient_server, c->name);
        }
    }
    mt->cols = xrealloc(mt->cols, (mt->n_cols + 1) * sizeof *mt->cols);
    mt->cols[mt->n_cols++] = c;
    json_array_append_new(columns, json_string(c->name));
}

static int
cmp_columns(const void *a_, const void *b_)
{
    const struct ovsdb_column *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

static int
cmp_tables(const void *a_, const void *b_)
{
    const struct ovsdb_table_schema *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

/* Parses column group ARG of MT into a monitor request (new reference). */
static json_t *
parse_group(const struct monitor *m, struct mon_table *mt, const char *arg)
{
    bool select[ARRAY_SIZE(selects)];
    json_t *columns = json_array();
    char *copy = xstrdup(arg), *save = NULL;

    for (size_t i = 0; i < ARRAY_SIZE(selects); i++) {
        select[i] = true;
    }
    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        size_t i;
        for (i = 0; i < ARRAY_SIZE(selects); i++) {
            if (tok[0] == '!' && !strcmp(tok + 1, selects[i])) {
                select[i] = false;
                break;
            }
        }
        if (i < ARRAY_SIZE(selects)) {
            continue;
        }
        const struct ovsdb_column *c =
            ovsdb_table_schema_get_column(mt->ts, tok);
        if (!c) {
            dbclient_fail("%s: table \"%s\" in %s does not have a column "
                          "named \"%s\"",
                          dbclient_server, mt->ts->name, m->db, tok);
        }
        add_column(mt, c, columns);
    }
    free(copy);

    if (!json_array_size(columns)) {
        /* Every column, sorted, then _version (not _uuid: every row
         * shows its UUID anyway). */
        const struct ovsdb_column **all =
            xcalloc(mt->ts->n_columns + 1, sizeof *all);
        size_t n = 0;
        for (size_t i = OVSDB_N_IMPLICIT_COLUMNS; i < mt->ts->n_columns; i++) {
            all[n++] = mt->ts->columns[i];
        }
        qsort(all, n, sizeof *all, cmp_columns);
        for (size_t i = 0; i < n; i++) {
            add_column(mt, all[i], columns);
        }
        add_column(mt, mt->ts->columns[OVSDB_COL_VERSION], columns);
        free(all);
    }

    json_t *request = json_pack("{s:o}", "columns", columns);
    if (!select[0] || !select[1] || !select[2] || !select[3]) {
        json_t *sel = json_object();
        for (size_t i = 0; i < ARRAY_SIZE(selects); i++) {
            json_object_set_new(sel, selects[i], json_boolean(select[i]));
        }
        json_object_set_new(request, "select", sel);
    }
    return request;
}

/* Adds table NAME with the column groups ARGV[0..ARGC-1] to M and its
 * requests (an array of monitor requests) to REQUESTS.  CONDITION, if
 * nonnull, goes into the first group's request. */
static void
add_table(struct monitor *m, const struct ovsdb_schema *s, const char *name,
          int argc, char *argv[], const json_t *condition, json_t *requests)
{
    m->tables = xrealloc(m->tables, (m->n_tables + 1) * sizeof *m->tables);
    struct mon_table *mt = &m->tables[m->n_tables++];
    memset(mt, 0, sizeof *mt);
    mt->ts = dbclient_get_table(s, name);

    json_t *array = json_array();
    for (int i = 0; i < (argc ? argc : 1); i++) {
        json_t *r = parse_group(m, mt, argc ? argv[i] : "");
        if (!i && condition) {
            json_object_set(r, "where", (json_t *) condition);
        }
        json_array_append_new(array, r);
    }
    json_object_set_new(requests, name, array);
}

/* Printing updates. */

static void
print_row(struct dbclient_table *t, const struct mon_table *mt,
          const char *uuid, const char *action, const json_t *row)
{
    struct dbclient_cell *cells = dbclient_table_add_row(t);
    dbclient_cell_set_text(&cells[0], uuid);
    dbclient_cell_set_text(&cells[1], action);
    for (size_t i = 0; row && i < mt->n_cols; i++) {
        json_t *v = json_object_get(row, mt->cols[i]->name);
        if (v) {
            /* In the column's type: a difference (update2's "modify")
             * that does not fit it is shown as JSON. */
            dbclient_cell_set_json(&cells[2 + i], json_incref(v),
                                   &mt->cols[i]->type);
        }
    }
}

static void
print_table_update(const struct monitor *m, const struct mon_table *mt,
                   const json_t *tu, bool initial)
{
    struct dbclient_table t;

    /* A caption only when several tables are monitored: the table's
     * name. */
    dbclient_table_init(&t, m->n_tables > 1 ? mt->ts->name : NULL);
    t.timestamp = dbclient_style.timestamp;
    dbclient_table_add_column(&t, "row");
    dbclient_table_add_column(&t, "action");
    for (size_t c = 0; c < mt->n_cols; c++) {
        dbclient_table_add_column(&t, mt->cols[c]->name);
    }

    const char *uuid;
    json_t *ru;
    json_object_foreach ((json_t *) tu, uuid, ru) {
        if (!json_is_object(ru)) {
            continue;
        }
        if (m->version == MON_V1) {
            json_t *old = json_object_get(ru, "old");
            json_t *new = json_object_get(ru, "new");
            if (initial) {
                print_row(&t, mt, uuid, "initial", new);
            } else if (!old) {
                print_row(&t, mt, uuid, "insert", new);
            } else if (!new) {
                print_row(&t, mt, uuid, "delete", old);
            } else {
                print_row(&t, mt, uuid, "old", old);
                print_row(&t, mt, "", "new", new);
            }
        } else {
            /* One of these; a deleted row comes without values. */
            static const char *const ops[] = { "delete", "initial", "modify",
                                               "insert" };
            for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
                json_t *row = json_object_get(ru, ops[i]);
                if (row) {
                    print_row(&t, mt, uuid, ops[i], i ? row : NULL);
                    break;
                }
            }
        }
    }
    dbclient_table_print(&t);
    dbclient_table_destroy(&t);
}

static void
print_updates(const struct monitor *m, const json_t *updates, bool initial)
{
    if (!json_is_object(updates)) {
        return;
    }
    for (size_t i = 0; i < m->n_tables; i++) {
        json_t *tu = json_object_get(updates, m->tables[i].ts->name);
        if (json_is_object(tu)) {
            print_table_update(m, &m->tables[i], tu, initial);
        }
    }
    fflush(stdout);
}

static void
recv_or_fail(struct jsonrpc_conn *conn, struct jsonrpc_msg **msgp)
{
    int error = jsonrpc_conn_recv_block(conn, msgp, -1);
    if (error == EOF) {
        dbclient_fail("connection to \"%s\" closed", dbclient_server);
    } else if (error) {
        dbclient_fail("receive from \"%s\" failed: %s", dbclient_server,
                      nf_strerror(error));
    }
}

static void
monitor(int argc, char *argv[], enum mon_version version)
{
    static const char *const methods[] = { "monitor", "monitor_cond",
                                           "monitor_cond_since" };
    static const char *const updates[] = { "update", "update2", "update3" };
    struct jsonrpc_conn *conn = dbclient_open();
    struct monitor m = { .version = version };
    char last_id[OVSDB_UUID_LEN + 1] = "00000000-0000-0000-0000-000000000000";
    json_t *condition = NULL;

    m.db = dbclient_take_db(conn, &argc, &argv, version == MON_V1 ? 1 : 2);
    if (version == MON_V3 && argc > 2) {
        struct ovsdb_uuid uuid;
        if (ovsdb_uuid_from_string(&uuid, argv[0])) {
            ovsdb_uuid_format(&uuid, last_id);
            argc--;
            argv++;
        }
    }
    if (version != MON_V1) {
        if (argc < 2) {
            dbclient_fail("missing CONDITION or TABLE");
        }
        condition = dbclient_parse_json_arg(argv[0]);
        argc--;
        argv++;
    }
    if (argc < 1) {
        dbclient_fail("missing TABLE");
    }

    struct ovsdb_schema *s = dbclient_get_schema(conn, m.db);
    json_t *requests = json_object();
    if (argc == 1 && !strcmp(argv[0], "ALL")) {
        const struct ovsdb_table_schema **tables =
            xmemdup(s->tables, s->n_tables * sizeof *s->tables + 1);
        qsort(tables, s->n_tables, sizeof *tables, cmp_tables);
        for (size_t i = 0; i < s->n_tables; i++) {
            add_table(&m, s, tables[i]->name, 0, NULL, condition, requests);
        }
        free(tables);
    } else {
        add_table(&m, s, argv[0], argc - 1, argv + 1, condition, requests);
    }

    json_t *params = json_pack("[s,n,o]", m.db, requests);
    if (version == MON_V3) {
        json_array_append_new(params, json_string(last_id));
    }
    json_t *result = dbclient_request(conn, methods[version], params);
    if (version == MON_V3) {
        /* [found, last-id, updates] */
        const char *id = json_string_value(json_array_get(result, 1));
        printf("found: %s, last_id: %s\n",
               json_is_true(json_array_get(result, 0)) ? "true" : "false",
               id ? id : "");
        print_updates(&m, json_array_get(result, 2), true);
    } else {
        print_updates(&m, result, true);
    }
    json_decref(result);

    for (;;) {
        struct jsonrpc_msg *msg;
        recv_or_fail(conn, &msg);
        size_t n = version == MON_V3 ? 3 : 2;
        if (dbclient_answer_echo(conn, msg)) {
            /* Answered. */
        } else if (msg->type == JSONRPC_NOTIFY
                   && !strcmp(msg->method, updates[version])
                   && json_array_size(msg->params) == n) {
            if (version == MON_V3) {
                /* ovsdb-client puts the id on a line of its own after a
                 * blank one, without a new line of its own. */
                const char *id =
                    json_string_value(json_array_get(msg->params, 1));
                printf("\nlast_id: %s", id ? id : "");
            }
            print_updates(&m, json_array_get(msg->params, n - 1), false);
        }
        jsonrpc_msg_destroy(msg);
    }
}

void
dbclient_cmd_monitor(int argc, char *argv[])
{
    monitor(argc, argv, MON_V1);
}

void
dbclient_cmd_monitor_cond(int argc, char *argv[])
{
    monitor(argc, argv, MON_V2);
}

void
dbclient_cmd_monitor_cond_since(int argc, char *argv[])
{
    monitor(argc, argv, MON_V3);
}

/* wait. */

enum wait_state { WAIT_ADDED, WAIT_CONNECTED, WAIT_REMOVED };

static const struct {
    const char *name;
    enum wait_state state;
} wait_states[] = {
    { "added", WAIT_ADDED },
    { "connected", WAIT_CONNECTED },
    { "removed", WAIT_REMOVED },
};

/* The _Server.Database rows as the monitor reported them: name and
 * connected, by UUID. */
struct wait_row {
    char uuid[OVSDB_UUID_LEN + 1];
    char *name;
    bool connected;
};

struct wait_rows {
    struct wait_row *rows;
    size_t n;
};

static struct wait_row *
wait_find(struct wait_rows *w, const char *uuid)
{
    for (size_t i = 0; i < w->n; i++) {
        if (!strcmp(w->rows[i].uuid, uuid)) {
            return &w->rows[i];
        }
    }
    return NULL;
}

static void
wait_apply(struct wait_rows *w, const json_t *updates)
{
    const char *uuid;
    json_t *ru;
    json_object_foreach ((json_t *) json_object_get(updates, "Database"), uuid,
                         ru) {
        json_t *new = json_object_get(ru, "new");
        struct wait_row *row = wait_find(w, uuid);
        if (!new) {
            if (row) {
                free(row->name);
                *row = w->rows[--w->n];
            }
            continue;
        }
        if (!row && strlen(uuid) == OVSDB_UUID_LEN) {
            w->rows = xrealloc(w->rows, (w->n + 1) * sizeof *w->rows);
            row = &w->rows[w->n++];
            memset(row, 0, sizeof *row);
            memcpy(row->uuid, uuid, OVSDB_UUID_LEN + 1);
        }
        if (row) {
            const char *name = json_string_value(json_object_get(new, "name"));
            free(row->name);
            row->name = xstrdup(name ? name : "");
            row->connected = json_is_true(json_object_get(new, "connected"));
        }
    }
}

static bool
wait_reached(const struct wait_rows *w, const char *db, enum wait_state state)
{
    for (size_t i = 0; i < w->n; i++) {
        if (!strcmp(w->rows[i].name, db)) {
            return state == WAIT_ADDED
                   || (state == WAIT_CONNECTED && w->rows[i].connected);
        }
    }
    return state == WAIT_REMOVED;
}

static void
wait_clear(struct wait_rows *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free(w->rows[i].name);
    }
    free(w->rows);
    memset(w, 0, sizeof *w);
}

/* Runs one session: returns true when STATE was reached, false if the
 * connection failed or went away (to retry). */
static bool
wait_session(const char *db, enum wait_state state, long long deadline)
{
    struct stream *stream;
    int timeout = deadline == LLONG_MAX
                      ? -1
                      : (int) NF_MAX(deadline - nf_time_msec(), 1);
    if (stream_open_block(dbclient_server, 6640, timeout, &stream)) {
        return false;
    }
    struct jsonrpc_conn *conn = jsonrpc_conn_create(stream);
    struct wait_rows w = { NULL, 0 };
    json_t *params = json_pack("[s,n,{s:{s:[s,s]}}]", "_Server", "Database",
                               "columns", "name", "connected");
    bool reached = false;
    json_t *request_id = NULL;

    struct jsonrpc_msg *req = jsonrpc_create_request("monitor", params, NULL);
    request_id = json_incref(req->id);
    if (jsonrpc_conn_send(conn, req)) {
        goto close;
    }
    for (;;) {
        struct jsonrpc_msg *msg;
        timeout = deadline == LLONG_MAX
                      ? -1
                      : (int) NF_MAX(deadline - nf_time_msec(), 0);
        if (jsonrpc_conn_recv_block(conn, &msg, timeout)) {
            break;
        }
        if (dbclient_answer_echo(conn, msg)) {
            /* Answered. */
        } else if (msg->type == JSONRPC_REPLY
                   && jsonrpc_msg_is_reply_to(msg, request_id)) {
            wait_apply(&w, msg->result);
        } else if (msg->type == JSONRPC_ERROR
                   && jsonrpc_msg_is_reply_to(msg, request_id)) {
            jsonrpc_msg_destroy(msg);
            jsonrpc_conn_close(conn);
            dbclient_fail("\"%s\" has no _Server database to wait on",
                          dbclient_server);
        } else if (msg->type == JSONRPC_NOTIFY
                   && !strcmp(msg->method, "update")
                   && json_array_size(msg->params) == 2) {
            wait_apply(&w, json_array_get(msg->params, 1));
        } else {
            jsonrpc_msg_destroy(msg);
            continue;
        }
        jsonrpc_msg_destroy(msg);
        if (wait_reached(&w, db, state)) {
            reached = true;
            break;
        }
    }
close:
    json_decref(request_id);
    wait_clear(&w);
    jsonrpc_conn_close(conn);
    return reached;
}

void
dbclient_cmd_wait(int argc, char *argv[])
{
    const char *db = argv[0], *state_name = argv[1];
    long long deadline = dbclient_timeout_ms < 0
                             ? LLONG_MAX
                             : nf_time_msec() + dbclient_timeout_ms;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(wait_states); i++) {
        if (!strcmp(state_name, wait_states[i].name)) {
            break;
        }
    }
    if (i >= ARRAY_SIZE(wait_states)) {
        dbclient_fail("%s: unknown state", state_name);
    }

    /* Like ovsdb-client, keep trying to connect (the server may not be up
     * yet), backing off from 1 s to 8 s between attempts. */
    for (int backoff_ms = 1000;; backoff_ms = NF_MIN(2 * backoff_ms, 8000)) {
        if (wait_session(db, wait_states[i].state, deadline)) {
            return;
        }
        long long now = nf_time_msec();
        if (now >= deadline) {
            dbclient_fail("timed out waiting for database %s to be %s", db,
                          state_name);
        }
        long long nap = NF_MIN((long long) backoff_ms, deadline - now);
        usleep((useconds_t) (nap * 1000));
    }
}

/* Locks. */

static void
lock_cmd(const char *method, const char *lock, bool wait)
{
    struct jsonrpc_conn *conn = dbclient_open();
    json_t *r = dbclient_request(conn, method, json_pack("[s]", lock));
    dbclient_print_json(r);
    fflush(stdout);
    json_decref(r);
    while (wait) {
        struct jsonrpc_msg *msg;
        recv_or_fail(conn, &msg);
        if (!dbclient_answer_echo(conn, msg) && msg->type == JSONRPC_NOTIFY) {
            printf("%s\n", msg->method);
            fflush(stdout);
        }
        jsonrpc_msg_destroy(msg);
    }
    jsonrpc_conn_close(conn);
}

void
dbclient_cmd_lock(int argc, char *argv[])
{
    lock_cmd("lock", argv[0], true);
}

void
dbclient_cmd_steal(int argc, char *argv[])
{
    lock_cmd("steal", argv[0], true);
}

void
dbclient_cmd_unlock(int argc, char *argv[])
{
    lock_cmd("unlock", argv[0], false);
}
