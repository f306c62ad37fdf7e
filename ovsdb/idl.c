/* idl.c: the OVSDB client library: sessions, the replica and reading it
 * (see idl.h).  Transactions are in idl-txn.c. */
#include "ovsdb/idl.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/coverage.h"
#include "lib/evloop.h"
#include "lib/jsonrpc.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/idl-private.h"
#include "ovsdb/schema.h"

VLOG_DEFINE_THIS_MODULE(ovsdb_idl);
COVERAGE_DEFINE(idl_connect);
COVERAGE_DEFINE(idl_resync);
COVERAGE_DEFINE(idl_echo);

/* Reconnection back-off: the first attempt after a session that synced is
 * immediate, then the delay doubles from 1 s up to 8 s. */
#define IDL_BACKOFF_MIN_MS 1000
#define IDL_BACKOFF_MAX_MS 8000

/* Monitor ids, unique within a session. */
#define IDL_DB_MONITOR_ID "nicflow-idl"
#define IDL_SERVER_MONITOR_ID "nicflow-idl-server"

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

static void idl_connect(struct ovsdb_idl *);
static void idl_disconnect(struct ovsdb_idl *);
static void idl_rearm(struct ovsdb_idl *);
static void idl_notify(struct ovsdb_idl *);

/* Life cycle and registration. */

struct ovsdb_idl *
ovsdb_idl_create(const char *remote, const char *db_name)
{
    struct ovsdb_idl *idl = xzalloc(sizeof *idl);
    idl->remote = xstrdup(remote);
    idl->db_name = xstrdup(db_name);
    idl->state = IDL_S_IDLE;
    idl->backoff_ms = IDL_BACKOFF_MIN_MS;
    idl->use_since = true;
    idl->reg_fd = -1;
    idl->timer_at = LLONG_MAX;
    return idl;
}

void
ovsdb_idl_destroy(struct ovsdb_idl *idl)
{
    if (!idl) {
        return;
    }
    ovsdb_idl_txn_destroy(idl->txn);
    ovsdb_idl_detach(idl);
    idl_disconnect(idl);
    for (size_t i = 0; i < idl->n_tables; i++) {
        struct ovsdb_idl_table *t = idl->tables[i];
        ovsdb_idl_table_clear(t);
        hmap_destroy(&t->rows);
        for (size_t j = 0; j < t->n_col_names; j++) {
            free(t->col_names[j]);
        }
        free(t->col_names);
        free(t->monitored);
        free(t->name);
        free(t);
    }
    free(idl->tables);
    ovsdb_schema_destroy(idl->schema);
    json_decref(idl->schema_json);
    free(idl->last_error);
    free(idl->lock_name);
    free(idl->remote);
    free(idl->db_name);
    free(idl);
}

struct ovsdb_idl_table *
ovsdb_idl_find_table(const struct ovsdb_idl *idl, const char *name)
{
    for (size_t i = 0; i < idl->n_tables; i++) {
        if (!strcmp(idl->tables[i]->name, name)) {
            return idl->tables[i];
        }
    }
    return NULL;
}

/* Sets up T for the current schema: which columns are replicated.  A
 * table with none is known only for writing (see ovsdb_idl_txn_insert())
 * and is not monitored. */
static void
idl_table_setup(struct ovsdb_idl *idl, struct ovsdb_idl_table *t)
{
    free(t->monitored);
    t->monitored = NULL;
    t->n_monitored = 0;
    t->ts = idl->schema ? ovsdb_schema_get_table(idl->schema, t->name) : NULL;
    if (!t->ts) {
        if (idl->schema && (t->all_columns || t->n_col_names)) {
            VLOG_WARN("%s: database %s has no table %s (not replicated)",
                      idl->remote, idl->db_name, t->name);
        }
        return;
    }
    t->monitored = xcalloc(t->ts->n_columns, sizeof *t->monitored);
    if (t->all_columns) {
        for (size_t i = OVSDB_N_IMPLICIT_COLUMNS; i < t->ts->n_columns; i++) {
            t->monitored[i] = true;
        }
    }
    for (size_t i = 0; i < t->n_col_names; i++) {
        const struct ovsdb_column *c =
            ovsdb_table_schema_get_column(t->ts, t->col_names[i]);
        if (!c || c->index < OVSDB_N_IMPLICIT_COLUMNS) {
            VLOG_WARN("%s: table %s of database %s has no column %s (not "
                      "replicated)",
                      idl->remote, t->name, idl->db_name, t->col_names[i]);
            continue;
        }
        t->monitored[c->index] = true;
    }
    for (size_t i = 0; i < t->ts->n_columns; i++) {
        t->n_monitored += t->monitored[i];
    }
}

static struct ovsdb_idl_table *
idl_add_table__(struct ovsdb_idl *idl, const char *name)
{
    struct ovsdb_idl_table *t = ovsdb_idl_find_table(idl, name);
    if (!t) {
        t = xzalloc(sizeof *t);
        t->idl = idl;
        t->name = xstrdup(name);
        hmap_init(&t->rows);
        dlist_init(&t->track);
        idl->tables =
            xrealloc(idl->tables, (idl->n_tables + 1) * sizeof *idl->tables);
        idl->tables[idl->n_tables++] = t;
        if (idl->schema) {
            idl_table_setup(idl, t);
        }
    }
    return t;
}

/* A table only written to, known from the schema (for inserts into tables
 * that are not replicated). */
struct ovsdb_idl_table *
ovsdb_idl_get_write_table(struct ovsdb_idl *idl, const char *name)
{
    struct ovsdb_idl_table *t = ovsdb_idl_find_table(idl, name);
    if (!t && idl->schema && ovsdb_schema_get_table(idl->schema, name)) {
        t = idl_add_table__(idl, name);
    }
    return t && t->ts ? t : NULL;
}

void
ovsdb_idl_add_table(struct ovsdb_idl *idl, const char *table)
{
    struct ovsdb_idl_table *t = idl_add_table__(idl, table);
    if (!t->all_columns) {
        t->all_columns = true;
        idl->reg_changed = true;
    }
}

void
ovsdb_idl_add_column(struct ovsdb_idl *idl, const char *table,
                     const char *column)
{
    struct ovsdb_idl_table *t = idl_add_table__(idl, table);
    for (size_t i = 0; i < t->n_col_names; i++) {
        if (!strcmp(t->col_names[i], column)) {
            return;
        }
    }
    t->col_names =
        xrealloc(t->col_names, (t->n_col_names + 1) * sizeof *t->col_names);
    t->col_names[t->n_col_names++] = xstrdup(column);
    idl->reg_changed = true;
}

void
ovsdb_idl_add_all(struct ovsdb_idl *idl)
{
    if (!idl->add_all) {
        idl->add_all = true;
        idl->reg_changed = true;
    }
}

void
ovsdb_idl_set_track_deleted(struct ovsdb_idl *idl, bool enable)
{
    idl->track_deleted = enable;
    if (!enable) {
        ovsdb_idl_track_clear(idl);
    }
}

static void
idl_send_lock_request(struct ovsdb_idl *idl, const char *method,
                      const char *name, bool track)
{
    json_t *id;
    struct jsonrpc_msg *msg =
        jsonrpc_create_request(method, json_pack("[s]", name), &id);
    if (track) {
        json_decref(idl->lock_request_id);
        idl->lock_request_id = id;
    } else {
        json_decref(id);
    }
    ovsdb_idl_send(idl, msg);
}

void
ovsdb_idl_set_lock(struct ovsdb_idl *idl, const char *name)
{
    if (name && idl->lock_name && !strcmp(name, idl->lock_name)) {
        return;
    }
    bool active = idl->conn && idl->state == IDL_S_ACTIVE;
    if (idl->lock_name && active) {
        idl_send_lock_request(idl, "unlock", idl->lock_name, false);
    }
    free(idl->lock_name);
    idl->lock_name = name ? xstrdup(name) : NULL;
    idl->has_lock = false;
    idl->lock_contended = false;
    if (idl->lock_name && active) {
        idl_send_lock_request(idl, "lock", idl->lock_name, true);
    }
}

/* Schema. */

/* Installs the schema JSON (borrowed) of a new session.  An unchanged
 * schema (the usual case on reconnection) keeps the replica; another one
 * empties it.  Returns 0, or EPROTO with *ERRP. */
static int
idl_install_schema(struct ovsdb_idl *idl, const json_t *json, char **errp)
{
    if (idl->schema_json && !idl->reg_changed
        && json_equal(idl->schema_json, (json_t *) json)) {
        return 0;
    }

    struct ovsdb_schema *schema;
    struct ovsdb_error *err = NULL;
    if (ovsdb_schema_from_json(json, &schema, &err)) {
        char *s = ovsdb_error_to_string(err);
        *errp = xasprintf("the schema of database %s does not parse: %s",
                          idl->db_name, s);
        free(s);
        ovsdb_error_destroy(err);
        return EPROTO;
    }

    /* Values typed by the old schema go first, then the schema. */
    ovsdb_idl_txn_schema_reset(idl);
    for (size_t i = 0; i < idl->n_tables; i++) {
        ovsdb_idl_table_clear(idl->tables[i]);
    }
    ovsdb_schema_destroy(idl->schema);
    json_decref(idl->schema_json);
    idl->schema = schema;
    idl->schema_json = json_incref((json_t *) json);
    idl->reg_changed = false;

    if (idl->add_all) {
        for (size_t i = 0; i < schema->n_tables; i++) {
            idl_add_table__(idl, schema->tables[i]->name)->all_columns = true;
        }
    }
    for (size_t i = 0; i < idl->n_tables; i++) {
        idl_table_setup(idl, idl->tables[i]);
    }
    idl->schema_seqno = ++idl->seqno;
    ovsdb_idl_changed(idl);
    return 0;
}

/* Sessions. */

char *
ovsdb_idl_error_to_string(const json_t *error)
{
    if (json_is_string(error)) {
        return xstrdup(json_string_value(error));
    }
    const json_t *tag = json_object_get(error, "error");
    const json_t *details = json_object_get(error, "details");
    if (json_is_string(tag) && json_is_string(details)) {
        return xasprintf("%s: %s", json_string_value(tag),
                         json_string_value(details));
    } else if (json_is_string(tag)) {
        return xstrdup(json_string_value(tag));
    }
    char *s = json_dumps(error, JSON_COMPACT | JSON_ENCODE_ANY);
    return s ? s : xstrdup("unknown error");
}

static bool
idl_is_unknown_method(const json_t *error)
{
    const json_t *tag =
        json_is_string(error) ? error : json_object_get(error, "error");
    return json_is_string(tag)
           && !strcmp(json_string_value(tag), "unknown method");
}

int
ovsdb_idl_send(struct ovsdb_idl *idl, struct jsonrpc_msg *msg)
{
    if (!idl->conn) {
        jsonrpc_msg_destroy(msg);
        return ENOTCONN;
    }
    /* A failure is the connection's final status: ovsdb_idl_run() sees it
     * on its next receive. */
    int error = jsonrpc_conn_send(idl->conn, msg);
    idl_rearm(idl);
    return error;
}

void
ovsdb_idl_changed(struct ovsdb_idl *idl)
{
    idl->notify = true;
}

static void
idl_request(struct ovsdb_idl *idl, enum idl_state state, const char *method,
            json_t *params)
{
    json_decref(idl->request_id);
    idl->state = state;
    ovsdb_idl_send(idl,
                   jsonrpc_create_request(method, params, &idl->request_id));
}

static void
idl_disconnect(struct ovsdb_idl *idl)
{
    if (!idl->conn) {
        return;
    }
    if (idl->loop && idl->reg_fd >= 0) {
        evloop_del_fd(idl->loop, idl->reg_fd);
        idl->reg_fd = -1;
    }
    jsonrpc_conn_close(idl->conn);
    idl->conn = NULL;
    json_decref(idl->request_id);
    idl->request_id = NULL;
    json_decref(idl->lock_request_id);
    idl->lock_request_id = NULL;
    if (idl->state == IDL_S_ACTIVE || idl->has_lock) {
        ovsdb_idl_changed(idl);
    }
    idl->state = IDL_S_IDLE;
    idl->has_lock = false;
    idl->server_row_valid = false;
    ovsdb_idl_txn_session_lost(idl);
}

/* Ends the session because of ERROR, explained by the text formatted from
 * FMT, and schedules the next attempt. */
static void idl_fail(struct ovsdb_idl *, int error, const char *fmt, ...)
    NF_PRINTF(3, 4);

static void
idl_fail(struct ovsdb_idl *idl, int error, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *text = xvasprintf(fmt, args);
    va_end(args);

    if (idl->state == IDL_S_ACTIVE) {
        VLOG_WARN_RL(&rl, "%s", text);
    } else {
        VLOG_INFO_RL(&rl, "%s", text);
    }
    free(idl->last_error);
    idl->last_error = text;
    idl->last_errno = error;

    idl_disconnect(idl);
    idl->next_attempt = nf_time_msec() + idl->backoff_ms;
    idl->backoff_ms =
        (idl->backoff_ms ? NF_MIN(idl->backoff_ms * 2, IDL_BACKOFF_MAX_MS)
                         : IDL_BACKOFF_MIN_MS);
}

/* The replica may have diverged from the server: forget the last
 * transaction id so that the next session sends everything. */
static void
idl_resync(struct ovsdb_idl *idl, const char *what, char *why)
{
    COVERAGE_INC(idl_resync);
    ovsdb_uuid_zero(&idl->last_id);
    idl_fail(idl, EPROTO, "%s: bad %s from the server (%s); resyncing",
             idl->remote, what, why);
    free(why);
}

static void
idl_connect(struct ovsdb_idl *idl)
{
    struct stream *stream;

    COVERAGE_INC(idl_connect);
    int error =
        stream_open_with_default_port(idl->remote, STREAM_OVSDB_PORT, &stream);
    if (error) {
        idl_fail(idl, error, "%s: connection failed (%s)", idl->remote,
                 nf_strerror(error));
        return;
    }
    idl->conn = jsonrpc_conn_create(stream);
    idl->use_since = true;
    idl_request(idl, IDL_S_LIST_DBS, "list_dbs", json_array());
}

void
ovsdb_idl_force_reconnect(struct ovsdb_idl *idl)
{
    idl_disconnect(idl);
    idl->next_attempt = 0;
    idl_rearm(idl);
}

static void
idl_send_monitor(struct ovsdb_idl *idl)
{
    json_t *requests = json_object();
    for (size_t i = 0; i < idl->n_tables; i++) {
        const struct ovsdb_idl_table *t = idl->tables[i];
        if (!t->ts || !t->n_monitored) {
            continue;
        }
        json_t *columns = json_array();
        for (size_t j = 0; j < t->ts->n_columns; j++) {
            if (t->monitored[j]) {
                json_array_append_new(columns,
                                      json_string(t->ts->columns[j]->name));
            }
        }
        json_object_set_new(requests, t->name,
                            json_pack("[{s:o}]", "columns", columns));
    }

    if (idl->use_since) {
        char id[OVSDB_UUID_LEN + 1];
        idl_request(idl, IDL_S_MONITOR, "monitor_cond_since",
                    json_pack("[s,s,o,s]", idl->db_name, IDL_DB_MONITOR_ID,
                              requests, ovsdb_uuid_format(&idl->last_id, id)));
    } else {
        idl_request(
            idl, IDL_S_MONITOR, "monitor_cond",
            json_pack("[s,s,o]", idl->db_name, IDL_DB_MONITOR_ID, requests));
    }
}

static void
idl_send_get_schema(struct ovsdb_idl *idl)
{
    idl_request(idl, IDL_S_GET_SCHEMA, "get_schema",
                json_pack("[s]", idl->db_name));
}

static void
idl_handle_list_dbs(struct ovsdb_idl *idl, const struct jsonrpc_msg *reply)
{
    if (reply->type == JSONRPC_ERROR || !json_is_array(reply->result)) {
        char *s = reply->type == JSONRPC_ERROR
                      ? ovsdb_idl_error_to_string(reply->error)
                      : xstrdup("the reply is not an array");
        idl_fail(idl, EPROTO, "%s: list_dbs failed: %s", idl->remote, s);
        free(s);
        return;
    }

    bool found = false, has_server = false;
    struct buf names;
    buf_init(&names);
    size_t i;
    json_t *name;
    json_array_foreach (reply->result, i, name) {
        const char *s = json_string_value(name);
        if (!s) {
            continue;
        }
        buf_printf(&names, "%s%s", names.len ? ", " : "", s);
        found |= !strcmp(s, idl->db_name);
        has_server |= !strcmp(s, "_Server");
    }
    if (!found) {
        idl->db_missing = true;
        idl_fail(idl, ENOENT,
                 "%s: the server has no database named %s (it has: %s)",
                 idl->remote, idl->db_name,
                 names.len ? buf_cstr(&names) : "none");
    } else if (has_server && strcmp(idl->db_name, "_Server")) {
        /* As ovs-vsctl does: check that the database exists and is
         * connected (a clustered database may not be). */
        json_t *where = json_pack("[[s,s,s]]", "name", "==", idl->db_name);
        json_t *columns = json_pack("[s,s,s]", "name", "model", "connected");
        idl_request(idl, IDL_S_SERVER_MONITOR, "monitor_cond",
                    json_pack("[s,s,{s:[{s:o,s:o}]}]", "_Server",
                              IDL_SERVER_MONITOR_ID, "Database", "columns",
                              columns, "where", where));
    } else {
        idl_send_get_schema(idl);
    }
    buf_destroy(&names);
}

/* Looks at _Server.Database updates (borrowed) for this database's row.
 * INITIAL: UPDATES is the monitor reply, which must hold the row.  Returns
 * true if the session can go on (otherwise it has been failed). */
static bool
idl_check_server_db(struct ovsdb_idl *idl, const json_t *updates, bool initial)
{
    const json_t *rows = json_object_get(updates, "Database");
    bool seen = false;
    const char *uuid_s;
    json_t *ru;
    json_object_foreach ((json_t *) rows, uuid_s, ru) {
        struct ovsdb_uuid uuid;
        if (!ovsdb_uuid_from_string(&uuid, uuid_s) || !json_is_object(ru)) {
            continue;
        }
        const json_t *row = json_object_get(ru, "initial");
        if (!row) {
            row = json_object_get(ru, "insert");
        }
        if (row) {
            const json_t *name = json_object_get(row, "name");
            if (!json_is_string(name)
                || strcmp(json_string_value(name), idl->db_name)) {
                continue;
            }
            idl->server_row = uuid;
            idl->server_row_valid = true;
        } else if (!idl->server_row_valid
                   || !ovsdb_uuid_equals(&uuid, &idl->server_row)) {
            continue;
        } else if (json_object_get(ru, "delete")) {
            idl->db_missing = true;
            idl_fail(idl, ENOENT, "%s: database %s was removed", idl->remote,
                     idl->db_name);
            return false;
        } else {
            row = json_object_get(ru, "modify");
            if (!json_object_get(row, "connected")) {
                continue;
            }
        }
        seen = true;
        /* In "initial" and "insert" rows a false "connected" (the default)
         * is omitted; "modify" carries the new value. */
        if (!json_is_true(json_object_get(row, "connected"))) {
            idl_fail(idl, ENOTCONN,
                     "%s: database %s is not connected (a clustered "
                     "database without quorum?)",
                     idl->remote, idl->db_name);
            return false;
        }
    }
    if (initial && !seen) {
        idl->db_missing = true;
        idl_fail(idl, ENOENT,
                 "%s: database %s does not exist (_Server.Database has no "
                 "row for it)",
                 idl->remote, idl->db_name);
        return false;
    }
    return true;
}

static void
idl_handle_server_monitor(struct ovsdb_idl *idl,
                          const struct jsonrpc_msg *reply)
{
    if (reply->type == JSONRPC_ERROR) {
        /* A server whose _Server lacks what we ask for: list_dbs already
         * said the database exists, which is enough. */
        char *s = ovsdb_idl_error_to_string(reply->error);
        VLOG_DBG("%s: monitoring _Server failed (%s); going on without it",
                 idl->remote, s);
        free(s);
    } else if (!idl_check_server_db(idl, reply->result, true)) {
        return;
    }
    idl_send_get_schema(idl);
}

static void
idl_handle_get_schema(struct ovsdb_idl *idl, const struct jsonrpc_msg *reply)
{
    if (reply->type == JSONRPC_ERROR) {
        char *s = ovsdb_idl_error_to_string(reply->error);
        bool unknown = strstr(s, "unknown database") != NULL;
        if (unknown) {
            idl->db_missing = true;
        }
        idl_fail(idl, unknown ? ENOENT : EPROTO,
                 "%s: get_schema for %s failed: %s", idl->remote, idl->db_name,
                 s);
        free(s);
        return;
    }
    char *why = NULL;
    if (idl_install_schema(idl, reply->result, &why)) {
        idl_fail(idl, EPROTO, "%s: %s", idl->remote, why);
        free(why);
        return;
    }
    idl_send_monitor(idl);
}

static void
idl_handle_monitor(struct ovsdb_idl *idl, const struct jsonrpc_msg *reply)
{
    if (reply->type == JSONRPC_ERROR) {
        if (idl->use_since && idl_is_unknown_method(reply->error)) {
            VLOG_DBG("%s: no monitor_cond_since; using monitor_cond",
                     idl->remote);
            idl->use_since = false;
            idl_send_monitor(idl);
            return;
        }
        char *s = ovsdb_idl_error_to_string(reply->error);
        idl_fail(idl, EPROTO, "%s: monitoring %s failed: %s", idl->remote,
                 idl->db_name, s);
        free(s);
        return;
    }

    const json_t *updates = reply->result;
    bool found = false;
    struct ovsdb_uuid last_id;
    ovsdb_uuid_zero(&last_id);
    if (idl->use_since) {
        const json_t *r = reply->result;
        const char *id = json_string_value(json_array_get(r, 1));
        if (json_array_size(r) != 3 || !json_is_boolean(json_array_get(r, 0))
            || !id || !ovsdb_uuid_from_string(&last_id, id)) {
            idl_resync(idl, "monitor_cond_since reply",
                       xstrdup("expected [found, last-txn-id, updates]"));
            return;
        }
        found = json_is_true(json_array_get(r, 0));
        updates = json_array_get(r, 2);
    }

    char *why = NULL;
    if (ovsdb_idl_apply_updates(idl, updates, !found, &why)) {
        idl_resync(idl, "monitor reply", why);
        return;
    }
    idl->last_id = last_id;
    idl->state = IDL_S_ACTIVE;
    idl->ever_synced = true;
    idl->sync_count++;
    idl->backoff_ms = 0;
    idl->db_missing = false;
    ovsdb_idl_changed(idl);

    size_t n_rows = 0;
    for (size_t i = 0; i < idl->n_tables; i++) {
        n_rows += hmap_count(&idl->tables[i]->rows);
    }
    VLOG_INFO("%s: replica of %s synced (%zu rows, %s)", idl->remote,
              idl->db_name, n_rows,
              !idl->use_since ? "monitor_cond"
              : found         ? "changes since the last transaction"
                              : "full contents");

    if (idl->lock_name) {
        idl_send_lock_request(idl, "lock", idl->lock_name, true);
    }
}

static void
idl_handle_handshake(struct ovsdb_idl *idl, const struct jsonrpc_msg *reply)
{
    switch (idl->state) {
    case IDL_S_LIST_DBS:
        idl_handle_list_dbs(idl, reply);
        break;
    case IDL_S_SERVER_MONITOR:
        idl_handle_server_monitor(idl, reply);
        break;
    case IDL_S_GET_SCHEMA:
        idl_handle_get_schema(idl, reply);
        break;
    case IDL_S_MONITOR:
        idl_handle_monitor(idl, reply);
        break;
    case IDL_S_IDLE:
    case IDL_S_ACTIVE:
        break;
    }
}

static bool
idl_params_name(const struct jsonrpc_msg *msg, size_t n, const char *id)
{
    const json_t *p0 = json_array_get(msg->params, 0);
    return (json_array_size(msg->params) == n && json_is_string(p0)
            && !strcmp(json_string_value(p0), id));
}

static void
idl_handle_notify(struct ovsdb_idl *idl, const struct jsonrpc_msg *msg)
{
    const char *m = msg->method;
    if (!strcmp(m, "update3") && idl_params_name(msg, 3, IDL_DB_MONITOR_ID)) {
        struct ovsdb_uuid last_id;
        const char *id = json_string_value(json_array_get(msg->params, 1));
        if (idl->state != IDL_S_ACTIVE) {
            return;
        }
        if (!id || !ovsdb_uuid_from_string(&last_id, id)) {
            idl_resync(idl, "update3", xstrdup("bad last-txn-id"));
            return;
        }
        char *why = NULL;
        if (ovsdb_idl_apply_updates(idl, json_array_get(msg->params, 2), false,
                                    &why)) {
            idl_resync(idl, "update3", why);
            return;
        }
        idl->last_id = last_id;
    } else if (!strcmp(m, "update2")
               && idl_params_name(msg, 2, IDL_DB_MONITOR_ID)) {
        char *why = NULL;
        if (idl->state == IDL_S_ACTIVE
            && ovsdb_idl_apply_updates(idl, json_array_get(msg->params, 1),
                                       false, &why)) {
            idl_resync(idl, "update2", why);
        }
    } else if (!strcmp(m, "update2")
               && idl_params_name(msg, 2, IDL_SERVER_MONITOR_ID)) {
        idl_check_server_db(idl, json_array_get(msg->params, 1), false);
    } else if ((!strcmp(m, "locked") || !strcmp(m, "stolen")) && idl->lock_name
               && idl_params_name(msg, 1, idl->lock_name)) {
        idl->has_lock = !strcmp(m, "locked");
        idl->lock_contended = !idl->has_lock;
        ovsdb_idl_changed(idl);
    } else if (!strcmp(m, "monitor_canceled")) {
        idl_fail(idl, ECANCELED, "%s: the server canceled the monitor of %s",
                 idl->remote, idl->db_name);
        idl->next_attempt = 0;
    } else {
        VLOG_DBG("%s: ignoring notification %s", idl->remote, m);
    }
}

static void
idl_handle_lock_reply(struct ovsdb_idl *idl, const struct jsonrpc_msg *reply)
{
    if (reply->type == JSONRPC_ERROR) {
        char *s = ovsdb_idl_error_to_string(reply->error);
        VLOG_WARN_RL(&rl, "%s: lock %s: %s", idl->remote,
                     idl->lock_name ? idl->lock_name : "", s);
        free(s);
        return;
    }
    idl->has_lock = json_is_true(json_object_get(reply->result, "locked"));
    idl->lock_contended = !idl->has_lock;
    ovsdb_idl_changed(idl);
}

static void
idl_handle_msg(struct ovsdb_idl *idl, const struct jsonrpc_msg *msg)
{
    switch (msg->type) {
    case JSONRPC_REQUEST:
        if (!strcmp(msg->method, "echo")) {
            COVERAGE_INC(idl_echo);
            ovsdb_idl_send(
                idl, jsonrpc_create_reply(json_incref(msg->params), msg->id));
        } else {
            ovsdb_idl_send(
                idl, jsonrpc_create_error(json_pack("{s:s,s:s}", "error",
                                                    "unknown method",
                                                    "details", msg->method),
                                          msg->id));
        }
        break;
    case JSONRPC_NOTIFY:
        idl_handle_notify(idl, msg);
        break;
    case JSONRPC_REPLY:
    case JSONRPC_ERROR:
        if (idl->request_id && jsonrpc_msg_is_reply_to(msg, idl->request_id)) {
            json_decref(idl->request_id);
            idl->request_id = NULL;
            idl_handle_handshake(idl, msg);
        } else if (idl->lock_request_id
                   && jsonrpc_msg_is_reply_to(msg, idl->lock_request_id)) {
            json_decref(idl->lock_request_id);
            idl->lock_request_id = NULL;
            idl_handle_lock_reply(idl, msg);
        } else if (!ovsdb_idl_txn_process_reply(idl, msg)) {
            VLOG_DBG("%s: ignoring a reply to an unknown request",
                     idl->remote);
        }
        break;
    }
}

/* Driving. */

void
ovsdb_idl_run(struct ovsdb_idl *idl)
{
    if (!idl->conn && nf_time_msec() >= idl->next_attempt) {
        idl_connect(idl);
    }
    if (idl->conn) {
        int error = jsonrpc_conn_run(idl->conn);
        while (!error && idl->conn) {
            struct jsonrpc_msg *msg;
            error = jsonrpc_conn_recv(idl->conn, &msg);
            if (!error) {
                idl_handle_msg(idl, msg);
                jsonrpc_msg_destroy(msg);
            }
        }
        if (idl->conn && error && error != EAGAIN) {
            const char *text = jsonrpc_conn_get_error_text(idl->conn);
            idl_fail(idl, error, "%s: connection %s (%s)", idl->remote,
                     idl->state == IDL_S_ACTIVE ? "lost" : "failed",
                     text ? text : nf_strerror(error));
        }
    }
    idl_notify(idl);
    idl_rearm(idl);
}

void
ovsdb_idl_wants(const struct ovsdb_idl *idl, int *fd, uint32_t *events,
                int *timeout_ms)
{
    if (idl->conn) {
        *fd = jsonrpc_conn_fd(idl->conn);
        *events = jsonrpc_conn_wants(idl->conn);
        *timeout_ms = -1;
    } else {
        long long delay = idl->next_attempt - nf_time_msec();
        *fd = -1;
        *events = 0;
        *timeout_ms = delay <= 0 ? 0 : (int) NF_MIN(delay, INT_MAX);
    }
}

void
ovsdb_idl_run_block(struct ovsdb_idl *idl, int timeout_ms)
{
    int fd, wait_ms;
    uint32_t events;
    ovsdb_idl_wants(idl, &fd, &events, &wait_ms);
    if (wait_ms < 0 || (timeout_ms >= 0 && timeout_ms < wait_ms)) {
        wait_ms = timeout_ms;
    }
    struct pollfd pfd = { .fd = fd, .events = (short) events };
    if (poll(&pfd, fd >= 0 ? 1 : 0, wait_ms) < 0 && errno != EINTR) {
        VLOG_WARN_RL(&rl, "poll failed (%s)", nf_strerror(errno));
    }
    ovsdb_idl_run(idl);
}

int
ovsdb_idl_wait_until_synced(struct ovsdb_idl *idl, int timeout_ms)
{
    long long deadline =
        timeout_ms < 0 ? LLONG_MAX : nf_time_msec() + timeout_ms;
    for (;;) {
        ovsdb_idl_run(idl);
        if (idl->state == IDL_S_ACTIVE) {
            return 0;
        } else if (idl->db_missing) {
            return ENOENT;
        }
        long long now = nf_time_msec();
        if (now >= deadline) {
            return ETIMEDOUT;
        }
        ovsdb_idl_run_block(idl, deadline == LLONG_MAX
                                     ? -1
                                     : (int) NF_MIN(deadline - now, INT_MAX));
    }
}

static void
idl_notify(struct ovsdb_idl *idl)
{
    if (!idl->cb || idl->in_cb) {
        return;
    }
    idl->in_cb = true;
    while (idl->notify) {
        idl->notify = false;
        idl->cb(idl, idl->cb_aux);
    }
    idl->in_cb = false;
}

static void
idl_fd_cb(int fd, uint32_t events, void *idl_)
{
    ovsdb_idl_run(idl_);
}

static void
idl_timer_cb(void *idl_)
{
    struct ovsdb_idl *idl = idl_;
    idl->timer = NULL;
    idl->timer_at = LLONG_MAX;
    ovsdb_idl_run(idl);
}

/* Brings the event loop registration in line with the session: the socket
 * and the events it needs, and a timer for the next attempt or for a
 * pending notification. */
static void
idl_rearm(struct ovsdb_idl *idl)
{
    if (!idl->loop) {
        return;
    }
    int fd = idl->conn ? jsonrpc_conn_fd(idl->conn) : -1;
    uint32_t events = idl->conn ? jsonrpc_conn_wants(idl->conn) : 0;
    if (fd != idl->reg_fd) {
        if (idl->reg_fd >= 0) {
            evloop_del_fd(idl->loop, idl->reg_fd);
            idl->reg_fd = -1;
        }
        if (fd >= 0) {
            int error = evloop_add_fd(idl->loop, fd, events, idl_fd_cb, idl);
            if (error) {
                VLOG_ERR("%s: cannot watch the session's socket (%s)",
                         idl->remote, nf_strerror(error));
            } else {
                idl->reg_fd = fd;
                idl->reg_events = events;
            }
        }
    } else if (fd >= 0 && events != idl->reg_events) {
        evloop_mod_fd(idl->loop, fd, events);
        idl->reg_events = events;
    }

    /* A notification still pending (the caller attached after the IDL
     * changed, or changed it outside a callback) is delivered at once. */
    bool pending = idl->notify && idl->cb && !idl->in_cb;
    long long at = (pending ? 0 : idl->conn ? LLONG_MAX : idl->next_attempt);
    if (at != idl->timer_at) {
        evloop_cancel_timer(idl->loop, idl->timer);
        idl->timer = NULL;
        idl->timer_at = at;
        if (at != LLONG_MAX) {
            long long delay = NF_MAX(at - nf_time_msec(), 0);
            idl->timer =
                evloop_add_timer(idl->loop, delay, 0, idl_timer_cb, idl);
        }
    }
}

int
ovsdb_idl_attach(struct ovsdb_idl *idl, struct evloop *loop,
                 ovsdb_idl_notify_cb *cb, void *aux)
{
    ovsdb_idl_detach(idl);
    idl->loop = loop;
    idl->cb = cb;
    idl->cb_aux = aux;
    idl_rearm(idl);
    return 0;
}

void
ovsdb_idl_detach(struct ovsdb_idl *idl)
{
    if (!idl->loop) {
        return;
    }
    if (idl->reg_fd >= 0) {
        evloop_del_fd(idl->loop, idl->reg_fd);
    }
    evloop_cancel_timer(idl->loop, idl->timer);
    idl->timer = NULL;
    idl->timer_at = LLONG_MAX;
    idl->reg_fd = -1;
    idl->loop = NULL;
    idl->cb = NULL;
    idl->cb_aux = NULL;
}

/* State. */

uint64_t
ovsdb_idl_get_seqno(const struct ovsdb_idl *idl)
{
    return idl->seqno;
}

uint64_t
ovsdb_idl_get_schema_seqno(const struct ovsdb_idl *idl)
{
    return idl->schema_seqno;
}

bool
ovsdb_idl_is_connected(const struct ovsdb_idl *idl)
{
    /* The first reply proves the stream works. */
    return idl->conn && !jsonrpc_conn_get_status(idl->conn)
           && idl->state != IDL_S_LIST_DBS;
}

bool
ovsdb_idl_is_synced(const struct ovsdb_idl *idl)
{
    return idl->conn && idl->state == IDL_S_ACTIVE;
}

bool
ovsdb_idl_has_ever_synced(const struct ovsdb_idl *idl)
{
    return idl->ever_synced;
}

unsigned int
ovsdb_idl_get_sync_count(const struct ovsdb_idl *idl)
{
    return idl->sync_count;
}

const char *
ovsdb_idl_get_last_error(const struct ovsdb_idl *idl)
{
    return idl->last_error;
}

int
ovsdb_idl_get_last_errno(const struct ovsdb_idl *idl)
{
    return idl->last_errno;
}

const struct ovsdb_uuid *
ovsdb_idl_get_last_txn_id(const struct ovsdb_idl *idl)
{
    return &idl->last_id;
}

const struct ovsdb_schema *
ovsdb_idl_get_schema(const struct ovsdb_idl *idl)
{
    return idl->schema;
}

const char *
ovsdb_idl_get_remote(const struct ovsdb_idl *idl)
{
    return idl->remote;
}

const char *
ovsdb_idl_get_db_name(const struct ovsdb_idl *idl)
{
    return idl->db_name;
}

bool
ovsdb_idl_has_lock(const struct ovsdb_idl *idl)
{
    return idl->has_lock;
}

bool
ovsdb_idl_is_lock_contended(const struct ovsdb_idl *idl)
{
    return idl->lock_contended;
}
