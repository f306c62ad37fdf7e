/* server.c: nicflow-dbd's protocol engine (see server.h). */
#include "ovsdb/server.h"
#include "ovsdb/server-private.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/coverage.h"
#include "lib/evloop.h"
#include "lib/hmap.h"
#include "lib/jsonrpc.h"
#include "lib/list.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/db.h"
#include "ovsdb/lock.h"
#include "ovsdb/log.h"
#include "ovsdb/monitor.h"
#include "ovsdb/remote.h"
#include "ovsdb/txn.h"
#include "ovsdb/uuid.h"

VLOG_DEFINE_THIS_MODULE(ovsdb_server);
COVERAGE_DEFINE(ovsdb_txn_committed);
COVERAGE_DEFINE(ovsdb_txn_failed);
COVERAGE_DEFINE(ovsdb_txn_waiting);
COVERAGE_DEFINE(ovsdb_update_sent);
COVERAGE_DEFINE(ovsdb_compaction);

/* The _Server database (ovsdb-server(5)), which clients such as ovs-vsctl
 * monitor to learn each database's state.  Written from its documented
 * columns. */
static const char server_schema_json[] =
    "{\"name\": \"_Server\", \"version\": \"1.2.0\", \"tables\": {"
    " \"Database\": {\"isRoot\": true, \"columns\": {"
    "  \"name\": {\"type\": \"string\"},"
    "  \"model\": {\"type\": {\"key\": {\"type\": \"string\","
    "     \"enum\": [\"set\", [\"standalone\", \"clustered\", \"relay\"]]}}},"
    "  \"connected\": {\"type\": \"boolean\"},"
    "  \"leader\": {\"type\": \"boolean\"},"
    "  \"schema\": {\"type\": {\"key\": {\"type\": \"string\"},"
    "     \"min\": 0, \"max\": 1}},"
    "  \"cid\": {\"type\": {\"key\": {\"type\": \"uuid\"},"
    "     \"min\": 0, \"max\": 1}},"
    "  \"sid\": {\"type\": {\"key\": {\"type\": \"uuid\"},"
    "     \"min\": 0, \"max\": 1}},"
    "  \"index\": {\"type\": {\"key\": {\"type\": \"integer\"},"
    "     \"min\": 0, \"max\": 1}}}}}}";

/* Compaction policy, like ovsdb-server's: once the log holds more than
 * COMPACT_MIN_RECORDS transactions, is larger than COMPACT_MIN_BYTES and
 * has grown to COMPACT_GROWTH times its size after the last compaction. */
#define COMPACT_MIN_RECORDS 100
#define COMPACT_MIN_BYTES (10ull * 1024 * 1024)
#define COMPACT_GROWTH 4

static void session_request(struct ovsdb_session *, struct jsonrpc_msg *,
                            void *server_);
static void session_closing(struct ovsdb_session *, void *server_);
static void sync_cb(int fd, uint32_t events, void *sdb_);

/* Helpers. */

static json_t *error_json(const char *tag, const char *fmt, ...)
    NF_PRINTF(2, 3);

static json_t *
error_json(const char *tag, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *details = xvasprintf(fmt, args);
    va_end(args);
    json_t *e = json_pack("{s:s,s:s}", "error", tag, "details", details);
    free(details);
    return e;
}

static void
send_error(struct sdata *sd, json_t *id, json_t *error)
{
    ovsdb_session_send(sd->session, jsonrpc_create_error(error, id));
}

static void
send_reply(struct sdata *sd, json_t *id, json_t *result)
{
    ovsdb_session_send(sd->session, jsonrpc_create_reply(result, id));
}

struct server_db *
ovsdb_server_find_db(const struct ovsdb_server *server, const char *name)
{
    struct server_db *sdb;
    DLIST_FOR_EACH (sdb, node, &server->dbs) {
        if (!strcmp(sdb->name, name)) {
            return sdb;
        }
    }
    return NULL;
}

/* Looks up the database named by PARAMS[0]; replies with an error and
 * returns NULL if there is none. */
static struct server_db *
lookup_db(struct sdata *sd, const struct jsonrpc_msg *msg)
{
    const json_t *name = json_array_get(msg->params, 0);
    if (!json_is_string(name)) {
        send_error(sd, msg->id,
                   error_json(OVSDB_E_SYNTAX,
                              "%s: the first parameter must "
                              "be a database name",
                              msg->method));
        return NULL;
    }
    struct server_db *sdb =
        ovsdb_server_find_db(sd->server, json_string_value(name));
    if (!sdb) {
        send_error(sd, msg->id,
                   error_json("unknown database", "%s: no database named %s",
                              msg->method, json_string_value(name)));
    }
    return sdb;
}

/* Executes a transaction that the server itself issues (on _Server). */
static void commit_txn(struct server_db *, struct ovsdb_txn *, uint64_t *);

static void
server_transact(struct server_db *sdb, json_t *ops)
{
    struct ovsdb_txn *txn;
    json_t *result = ovsdb_execute(sdb->db, ops, NULL, &txn, NULL, NULL);
    json_decref(ops);
    size_t n = json_array_size(result);
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(result, i);
        if (json_object_get(r, "error")) {
            char *s = json_dumps(r, JSON_COMPACT);
            VLOG_ERR("internal transaction on %s failed: %s", sdb->name, s);
            free(s);
        }
    }
    json_decref(result);
    if (txn) {
        commit_txn(sdb, txn, NULL);
    }
}

static void
publish_db_in_server_db(struct ovsdb_server *server, struct server_db *sdb)
{
    char *schema = json_dumps(sdb->schema_json, JSON_COMPACT);
    json_t *ops =
        json_pack("[{s:s,s:s,s:{s:s,s:s,s:b,s:b,s:s}}]", "op", "insert",
                  "table", "Database", "row", "name", sdb->name, "model",
                  "standalone", "connected", 1, "leader", 1, "schema", schema);
    free(schema);
    server_transact(server->server_db, ops);
}

/* Databases. */

static struct server_db *
server_db_create(struct ovsdb_server *server, const char *name,
                 struct ovsdb *db, struct ovsdb_log *log)
{
    struct server_db *sdb = xzalloc(sizeof *sdb);
    sdb->server = server;
    sdb->name = xstrdup(name);
    sdb->db = db;
    sdb->log = log;
    sdb->schema_json = ovsdb_schema_to_json(ovsdb_get_schema(db));
    dlist_init(&sdb->monitors);
    dlist_init(&sdb->waiting);
    dlist_init(&sdb->unsynced);
    dlist_init(&sdb->queued_updates);
    if (log) {
        sdb->size_after_compact = ovsdb_log_get_size(log);
        evloop_add_fd(server->loop, ovsdb_log_sync_fd(log), EPOLLIN, sync_cb,
                      sdb);
    }
    dlist_push_back(&server->dbs, &sdb->node);
    return sdb;
}

struct ovsdb_server *
ovsdb_server_create(struct evloop *loop)
{
    struct ovsdb_server *server = xzalloc(sizeof *server);
    server->loop = loop;
    server->locks = ovsdb_lock_table_create();
    dlist_init(&server->dbs);
    dlist_init(&server->db_remotes);
    ovsdb_uuid_generate(&server->server_id);

    struct ovsdb_remote_handler handler = {
        .request = session_request,
        .closing = session_closing,
        .aux = server,
    };
    server->remotes = ovsdb_remotes_create(loop, &handler);

    json_error_t jerr;
    json_t *sj = json_loads(server_schema_json, 0, &jerr);
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = NULL;
    if (!sj || ovsdb_schema_from_json(sj, &schema, &error)) {
        nf_abort("built-in _Server schema does not parse");
    }
    json_decref(sj);
    server->server_db =
        server_db_create(server, "_Server", ovsdb_create(schema), NULL);
    publish_db_in_server_db(server, server->server_db);
    return server;
}

int
ovsdb_server_add_db(struct ovsdb_server *server, const char *path, char **errp)
{
    struct ovsdb_log *log;
    struct ovsdb_schema *schema = NULL;
    struct ovsdb_error *oerr = NULL;
    json_t *record = NULL;
    int error;

    *errp = NULL;
    error = ovsdb_log_open(path, OVSDB_LOG_READ_WRITE, &log, errp);
    if (error) {
        return error;
    }
    error = ovsdb_log_read(log, &record);
    if (error) {
        *errp = xasprintf("%s: cannot read the schema record: %s", path,
                          error == EOF ? "the file holds no schema"
                                       : ovsdb_log_read_error(log));
        error = error == EOF ? EBADMSG : error;
        goto close_log;
    }
    error = ovsdb_schema_from_json(record, &schema, &oerr);
    json_decref(record);
    if (error) {
        char *s = ovsdb_error_to_string(oerr);
        *errp = xasprintf("%s: bad schema: %s", path, s);
        free(s);
        ovsdb_error_destroy(oerr);
        goto close_log;
    }
    if (ovsdb_server_find_db(server, schema->name)) {
        *errp = xasprintf("%s: a database named %s is already served", path,
                          schema->name);
        ovsdb_schema_destroy(schema);
        error = EEXIST;
        goto close_log;
    }

    struct ovsdb *db = ovsdb_create(schema);
    unsigned long long n = 0;
    for (;;) {
        error = ovsdb_log_read(log, &record);
        if (error == EOF) {
            error = 0;
            break;
        } else if (error == EBADMSG) {
            /* A torn or corrupt tail: keep every intact record before it
             * (ovsdb_log_truncate_tail() logs what it drops and why). */
            error = ovsdb_log_truncate_tail(log, errp);
            if (error) {
                goto destroy_db;
            }
            break;
        } else if (error) {
            *errp = xasprintf("%s: read failed: %s", path, nf_strerror(error));
            goto destroy_db;
        }
        char *why = NULL;
        error = ovsdb_apply_record(db, record, &why);
        json_decref(record);
        if (error) {
            *errp = xasprintf("%s: transaction %llu cannot be applied: %s",
                              path, n + 1, why ? why : "");
            free(why);
            goto destroy_db;
        }
        n++;
    }
    VLOG_INFO("%s: opened database %s (%llu transactions replayed)", path,
              ovsdb_get_schema(db)->name, n);
    struct server_db *sdb =
        server_db_create(server, ovsdb_get_schema(db)->name, db, log);
    publish_db_in_server_db(server, sdb);
    /* SSL first: a pssl: remote named in the database needs it. */
    ovsdb_server_refresh_ssl(server);
    ovsdb_server_refresh_db_remotes(server);
    return 0;

destroy_db:
    ovsdb_destroy(db);
close_log:
    ovsdb_log_close(log);
    return error;
}

static void
server_db_destroy(struct server_db *sdb)
{
    /* Sessions (and so monitors and pendings) are gone already. */
    if (sdb->log) {
        evloop_del_fd(sdb->server->loop, ovsdb_log_sync_fd(sdb->log));
        ovsdb_log_close(sdb->log);
    }
    ovsdb_destroy(sdb->db);
    json_decref(sdb->schema_json);
    dlist_remove(&sdb->node);
    free(sdb->name);
    free(sdb);
}

/* Committing. */

/* Sends the queued updates whose changes are durable (log record DURABLE
 * synced): all of them, or if SD is not NULL only that session's. */
static void
send_queued_updates(struct server_db *sdb, uint64_t durable, struct sdata *sd)
{
    struct queued_update *q, *next;
    DLIST_FOR_EACH_SAFE (q, next, node, &sdb->queued_updates) {
        if (q->seqno > durable || (sd && !sd->n_queued)) {
            break;
        } else if (sd && q->m->sd != sd) {
            continue;
        }
        dlist_remove(&q->node);
        q->m->sd->n_queued--;
        COVERAGE_INC(ovsdb_update_sent);
        ovsdb_session_send_text(q->m->sd->session, q->text, q->len);
        free(q);
    }
}

/* One transaction's update for the monitors that share a key (see
 * ovsdb_monitor_get_key()): computed and serialised once. */
struct shared_update {
    struct hmap_node node;
    char *key;
    struct buf text; /* Serialised table-updates; empty if none. */
};

/* Appends to OUT the serialised table-updates of TXN for monitor M, using
 * and filling the cache SHARED.  Returns false if there are none. */
static bool
get_update_text(struct smon *m, const struct ovsdb_txn *txn,
                struct hmap *shared, struct buf *out)
{
    uint32_t hash;
    const char *key = ovsdb_monitor_get_key(m->mon, &hash);
    struct shared_update *fresh = NULL;
    if (key) {
        struct shared_update *su;
        HMAP_FOR_EACH_WITH_HASH (su, node, hash, shared) {
            if (!strcmp(su->key, key)) {
                buf_put(out, su->text.data, su->text.len);
                return su->text.len > 0;
            }
        }
        fresh = xmalloc(sizeof *fresh);
        fresh->key = xstrdup(key);
        buf_init(&fresh->text);
        hmap_insert(shared, &fresh->node, hash);
    }

    json_t *update = ovsdb_monitor_get_update(m->mon, txn);
    if (!update) {
        return false;
    }
    size_t start = out->len;
    bool ok = jsonrpc_json_to_buf(update, out);
    json_decref(update);
    if (!ok) {
        /* Stored strings are valid UTF-8: this is a bug. */
        VLOG_ERR("%s: cannot serialise a monitor update", m->sdb->name);
        out->len = start;
        return false;
    }
    if (fresh) {
        buf_put(&fresh->text, out->data + start, out->len - start);
    }
    return true;
}

/* Computes every monitor's update for TXN and sends it, or queues it until
 * log record SEQNO is durable.  An update that needs no durability still
 * waits behind queued ones, to keep each client's view in commit order. */
static void
send_updates(struct server_db *sdb, const struct ovsdb_txn *txn,
             uint64_t seqno)
{
    static const char zero_uuid[] = "00000000-0000-0000-0000-000000000000";
    uint64_t durable = sdb->log ? ovsdb_log_durable_seqno(sdb->log) : 0;
    if (!seqno && !dlist_is_empty(&sdb->queued_updates)) {
        seqno =
            CONTAINER_OF(sdb->queued_updates.prev, struct queued_update, node)
                ->seqno;
    }
    bool hold = seqno > durable;

    /* Monitors with the same requests (typically many clients of one
     * kind) share one update: each notification is its serialisation with
     * the monitor's id spliced in, as jsonrpc_conn_send() would write
     * {"method": M, "params": [ID, (zero uuid,) UPDATE], "id": null}. */
    struct hmap shared = HMAP_INITIALIZER;
    struct smon *m, *next;
    DLIST_FOR_EACH_SAFE (m, next, db_node, &sdb->monitors) {
        struct buf msg = BUF_INITIALIZER;
        switch (ovsdb_monitor_get_version(m->mon)) {
        case OVSDB_MONITOR_V1:
            buf_put_cstr(&msg, "{\"method\":\"update\",\"params\":[");
            break;
        case OVSDB_MONITOR_V2:
            buf_put_cstr(&msg, "{\"method\":\"update2\",\"params\":[");
            break;
        default:
            buf_put_cstr(&msg, "{\"method\":\"update3\",\"params\":[");
            break;
        }
        /* The id came from the client's request, so it serialises. */
        jsonrpc_json_to_buf(m->id, &msg);
        buf_put_char(&msg, ',');
        if (ovsdb_monitor_get_version(m->mon) == OVSDB_MONITOR_V3) {
            buf_printf(&msg, "\"%s\",", zero_uuid);
        }
        if (!get_update_text(m, txn, &shared, &msg)) {
            buf_destroy(&msg);
            continue;
        }
        buf_put_cstr(&msg, "],\"id\":null}");

        if (hold) {
            struct queued_update *q = xmalloc(sizeof *q);
            q->seqno = seqno;
            q->m = m;
            m->sd->n_queued++;
            q->len = msg.len;
            q->text = (char *) msg.data;
            dlist_push_back(&sdb->queued_updates, &q->node);
        } else {
            COVERAGE_INC(ovsdb_update_sent);
            ovsdb_session_send_text(m->sd->session, (char *) msg.data,
                                    msg.len);
        }
    }

    struct shared_update *su;
    HMAP_FOR_EACH_SAFE (su, node, &shared) {
        hmap_remove(&shared, &su->node);
        buf_destroy(&su->text);
        free(su->key);
        free(su);
    }
    hmap_destroy(&shared);
}

static void maybe_compact(struct server_db *);
static void retry_waiting(struct server_db *);

/* Logs, publishes and frees TXN.  *SEQNOP (if not NULL) gets the log
 * sequence number that must become durable before the change may be
 * acknowledged, or 0 if nothing needs to. */
static void
commit_txn(struct server_db *sdb, struct ovsdb_txn *txn, uint64_t *seqnop)
{
    uint64_t seqno = 0;
    COVERAGE_INC(ovsdb_txn_committed);
    if (sdb->log) {
        json_t *record = ovsdb_txn_to_record(txn);
        if (record) {
            int error = ovsdb_log_append(sdb->log, record, &seqno);
            if (!error) {
                error = ovsdb_log_request_sync(sdb->log);
            }
            if (error) {
                static struct vlog_rate_limit rl =
                    VLOG_RATE_LIMIT_INIT(10, 10);
                VLOG_ERR_RL(&rl, "%s: cannot write the database log: %s",
                            sdb->name, nf_strerror(error));
            }
            json_decref(record);
        }
    }
    send_updates(sdb, txn, seqno);
    ovsdb_txn_destroy(txn);
    if (seqnop) {
        *seqnop = seqno;
    }
    if (sdb->db && sdb != sdb->server->server_db) {
        ovsdb_server_refresh_ssl(sdb->server);
        ovsdb_server_refresh_db_remotes(sdb->server);
    }
    retry_waiting(sdb);
    maybe_compact(sdb);
}

static void
pending_free(struct pending *p)
{
    dlist_remove(&p->node);
    dlist_remove(&p->s_node);
    evloop_cancel_timer(p->sd->server->loop, p->timer);
    ovsdb_session_add_pending(p->sd->session, -1);
    json_decref(p->id);
    json_decref(p->ops);
    json_decref(p->result);
    free(p);
}

static bool
lock_owned(const char *lock, void *sd_)
{
    struct sdata *sd = sd_;
    return ovsdb_lock_is_owner(sd->server->locks, lock, sd);
}

static struct pending *
pending_create(struct sdata *sd, struct server_db *sdb, json_t *id)
{
    struct pending *p = xzalloc(sizeof *p);
    p->sd = sd;
    p->sdb = sdb;
    p->id = json_incref(id);
    p->start_msec = nf_time_msec();
    dlist_init(&p->node);
    dlist_push_back(&sd->pendings, &p->s_node);
    ovsdb_session_add_pending(sd->session, 1);
    return p;
}

static void wait_timeout_cb(void *p_);

/* Runs OPS for session SD as request ID.  P is the pending record if the
 * request waited before, else NULL.  Replies, or parks the request. */
static void
execute(struct sdata *sd, struct server_db *sdb, json_t *id, const json_t *ops,
        struct pending *p)
{
    struct ovsdb_exec_ctx ctx = {
        .lock_owned = lock_owned,
        .aux = sd,
        .start_msec = p ? p->start_msec : nf_time_msec(),
        .now_msec = nf_time_msec(),
        .read_only = sdb == sd->server->server_db,
    };
    struct ovsdb_txn *txn;
    bool must_wait;
    long long deadline;
    json_t *result =
        ovsdb_execute(sdb->db, ops, &ctx, &txn, &must_wait, &deadline);
    if (must_wait) {
        COVERAGE_INC(ovsdb_txn_waiting);
        if (!p) {
            p = pending_create(sd, sdb, id);
            p->ops = json_incref((json_t *) ops);
            dlist_push_back(&sdb->waiting, &p->node);
        }
        if (!p->timer && deadline != LLONG_MAX) {
            p->timer =
                evloop_add_timer(sd->server->loop, deadline - nf_time_msec(),
                                 0, wait_timeout_cb, p);
        }
        return;
    }
    if (p) {
        pending_free(p);
    }

    uint64_t seqno = 0;
    if (txn) {
        commit_txn(sdb, txn, &seqno);
    } else {
        COVERAGE_INC(ovsdb_txn_failed);
    }
    if (seqno && seqno > ovsdb_log_durable_seqno(sdb->log)) {
        p = pending_create(sd, sdb, id);
        p->result = result;
        p->seqno = seqno;
        dlist_push_back(&sdb->unsynced, &p->node);
    } else {
        send_reply(sd, id, result);
    }
}

static void
wait_timeout_cb(void *p_)
{
    struct pending *p = p_;
    p->timer = NULL;
    /* Run once more: past the deadline the "wait" fails with "timed out"
     * unless the condition now holds. */
    json_t *ops = json_incref(p->ops);
    json_t *id = json_incref(p->id);
    execute(p->sd, p->sdb, id, ops, p);
    json_decref(ops);
    json_decref(id);
}

static void
retry_waiting(struct server_db *sdb)
{
    if (dlist_is_empty(&sdb->waiting)) {
        return;
    }
    /* Detach the list first: a retried request that still waits goes back
     * in, and one that commits retries the others again. */
    struct dlist list;
    dlist_init(&list);
    while (!dlist_is_empty(&sdb->waiting)) {
        dlist_push_back(&list, dlist_pop_front(&sdb->waiting));
    }
    while (!dlist_is_empty(&list)) {
        struct pending *p =
            CONTAINER_OF(dlist_pop_front(&list), struct pending, node);
        dlist_push_back(&sdb->waiting, &p->node);
        json_t *ops = json_incref(p->ops);
        json_t *id = json_incref(p->id);
        execute(p->sd, p->sdb, id, ops, p);
        json_decref(ops);
        json_decref(id);
    }
}

static void
sync_cb(int fd, uint32_t events, void *sdb_)
{
    struct server_db *sdb = sdb_;
    ovsdb_log_sync_fd_drain(sdb->log);
    uint64_t durable = ovsdb_log_durable_seqno(sdb->log);
    int error = ovsdb_log_get_error(sdb->log);

    /* Replies first, so that writers can go on while the updates fan out
     * (as with ovsdb-server); a session that monitors gets its own updates
     * before its reply. */
    struct pending *p, *next;
    DLIST_FOR_EACH_SAFE (p, next, node, &sdb->unsynced) {
        if (p->seqno <= durable) {
            if (p->sd->n_queued) {
                send_queued_updates(sdb, durable, p->sd);
            }
            send_reply(p->sd, p->id, json_incref(p->result));
        } else if (error) {
            /* The change is in memory but could not be made durable: say
             * so rather than acknowledge it. */
            send_error(p->sd, p->id,
                       error_json(OVSDB_E_IO,
                                  "the transaction could not be written to "
                                  "%s: %s",
                                  ovsdb_log_get_path(sdb->log),
                                  nf_strerror(error)));
        } else {
            continue;
        }
        pending_free(p);
    }
    send_queued_updates(sdb, durable, NULL);
}

static void
maybe_compact(struct server_db *sdb)
{
    if (!sdb->log || ovsdb_log_get_n_records(sdb->log) < COMPACT_MIN_RECORDS) {
        return;
    }
    uint64_t size = ovsdb_log_get_size(sdb->log);
    if (size < COMPACT_MIN_BYTES
        || size < COMPACT_GROWTH * sdb->size_after_compact) {
        return;
    }
    char *err = NULL;
    if (ovsdb_server_compact(sdb->server, sdb->name, &err)) {
        VLOG_WARN("%s", err);
        free(err);
    }
}

int
ovsdb_server_compact(struct ovsdb_server *server, const char *db_name,
                     char **errp)
{
    struct server_db *sdb;
    *errp = NULL;
    DLIST_FOR_EACH (sdb, node, &server->dbs) {
        if (!sdb->log || (db_name && strcmp(db_name, sdb->name))) {
            continue;
        }
        json_t *snapshot = ovsdb_snapshot_to_json(sdb->db);
        /* Dated like a transaction, so show-log can tell when it was
         * taken. */
        json_object_set_new(snapshot, "_date",
                            json_integer(nf_time_wall_msec()));
        uint64_t before = ovsdb_log_get_size(sdb->log);
        int error =
            ovsdb_log_replace(sdb->log, sdb->schema_json, snapshot, errp);
        json_decref(snapshot);
        if (error) {
            return error;
        }
        COVERAGE_INC(ovsdb_compaction);
        sdb->size_after_compact = ovsdb_log_get_size(sdb->log);
        VLOG_INFO("%s: compacted %s from %llu to %llu bytes", sdb->name,
                  ovsdb_log_get_path(sdb->log), (unsigned long long) before,
                  (unsigned long long) sdb->size_after_compact);
        /* Replies waiting for records the replace made durable. */
        sync_cb(-1, 0, sdb);
    }
    if (db_name && !ovsdb_server_find_db(server, db_name)) {
        *errp = xasprintf("%s: no database of that name", db_name);
        return ENOENT;
    }
    return 0;
}

/* Methods. */

static void
handle_list_dbs(struct sdata *sd, struct jsonrpc_msg *msg)
{
    json_t *names = json_array();
    struct server_db *sdb;
    DLIST_FOR_EACH (sdb, node, &sd->server->dbs) {
        json_array_append_new(names, json_string(sdb->name));
    }
    send_reply(sd, msg->id, names);
}

static void
handle_get_schema(struct sdata *sd, struct jsonrpc_msg *msg)
{
    struct server_db *sdb = lookup_db(sd, msg);
    if (sdb) {
        send_reply(sd, msg->id, json_incref(sdb->schema_json));
    }
}

static void
handle_transact(struct sdata *sd, struct jsonrpc_msg *msg)
{
    struct server_db *sdb = lookup_db(sd, msg);
    if (!sdb) {
        return;
    }
    json_t *ops = json_array();
    for (size_t i = 1; i < json_array_size(msg->params); i++) {
        json_array_append(ops, json_array_get(msg->params, i));
    }
    execute(sd, sdb, msg->id, ops, NULL);
    json_decref(ops);
}

static void
handle_cancel(struct sdata *sd, struct jsonrpc_msg *msg)
{
    /* RFC 7047 §4.1.4: cancel is a notification naming a pending request;
     * that request gets an error reply. */
    const json_t *target = json_array_get(msg->params, 0);
    struct pending *p, *next;
    DLIST_FOR_EACH_SAFE (p, next, s_node, &sd->pendings) {
        if (target && p->ops && json_equal(p->id, (json_t *) target)) {
            /* The bare string, as RFC 7047 and ovsdb-server have it. */
            send_error(sd, p->id, json_string("canceled"));
            pending_free(p);
        }
    }
}

static struct smon *
find_monitor(const struct sdata *sd, const json_t *id)
{
    struct smon *m;
    DLIST_FOR_EACH (m, node, &sd->monitors) {
        if (json_equal(m->id, (json_t *) id)) {
            return m;
        }
    }
    return NULL;
}

static void
smon_destroy(struct smon *m)
{
    struct queued_update *q, *next;
    DLIST_FOR_EACH_SAFE (q, next, node, &m->sdb->queued_updates) {
        if (q->m == m) {
            dlist_remove(&q->node);
            m->sd->n_queued--;
            free(q->text);
            free(q);
        }
    }
    dlist_remove(&m->node);
    dlist_remove(&m->db_node);
    json_decref(m->id);
    ovsdb_monitor_destroy(m->mon);
    free(m);
}

static void
handle_monitor(struct sdata *sd, struct jsonrpc_msg *msg,
               enum ovsdb_monitor_version version)
{
    size_t want = version == OVSDB_MONITOR_V3 ? 4 : 3;
    if (json_array_size(msg->params) != want) {
        send_error(sd, msg->id,
                   error_json(OVSDB_E_SYNTAX, "%s: expected %zu parameters",
                              msg->method, want));
        return;
    }
    struct server_db *sdb = lookup_db(sd, msg);
    if (!sdb) {
        return;
    }
    json_t *mid = json_array_get(msg->params, 1);
    if (find_monitor(sd, mid)) {
        send_error(sd, msg->id,
                   error_json(OVSDB_E_SYNTAX, "duplicate monitor ID"));
        return;
    }
    if (version == OVSDB_MONITOR_V3) {
        /* As ovsdb-server: the last transaction ID is a UUID string. */
        const json_t *last = json_array_get(msg->params, 3);
        struct ovsdb_uuid u;
        if (!json_is_string(last)) {
            send_error(
                sd, msg->id,
                error_json(OVSDB_E_SYNTAX, "last-txn-id must be string"));
            return;
        }
        if (!ovsdb_uuid_from_string(&u, json_string_value(last))) {
            send_error(sd, msg->id,
                       error_json(OVSDB_E_SYNTAX,
                                  "last-txn-id must be UUID format."));
            return;
        }
    }
    struct ovsdb_monitor *mon;
    struct ovsdb_error *err = NULL;
    if (ovsdb_monitor_create(sdb->db, version, json_array_get(msg->params, 2),
                             &mon, &err)) {
        send_error(sd, msg->id, ovsdb_error_to_json(err));
        ovsdb_error_destroy(err);
        return;
    }
    struct smon *m = xzalloc(sizeof *m);
    m->sd = sd;
    m->sdb = sdb;
    m->id = json_incref(mid);
    m->mon = mon;
    dlist_push_back(&sd->monitors, &m->node);
    dlist_push_back(&sdb->monitors, &m->db_node);

    json_t *initial = ovsdb_monitor_get_initial(mon);
    if (version == OVSDB_MONITOR_V3) {
        /* No transaction history: the client gets everything. */
        send_reply(sd, msg->id,
                   json_pack("[b,s,o]", 0,
                             "00000000-0000-0000-0000-000000000000", initial));
    } else {
        send_reply(sd, msg->id, initial);
    }
}

static void
handle_monitor_cond_change(struct sdata *sd, struct jsonrpc_msg *msg)
{
    if (json_array_size(msg->params) != 3) {
        send_error(sd, msg->id,
                   error_json(OVSDB_E_SYNTAX,
                              "monitor_cond_change: expected 3 parameters"));
        return;
    }
    struct smon *m = find_monitor(sd, json_array_get(msg->params, 0));
    json_t *new_id = json_array_get(msg->params, 1);
    if (!m) {
        send_error(sd, msg->id,
                   error_json(OVSDB_E_SYNTAX, "unknown monitor session"));
        return;
    }
    if (!json_equal(new_id, m->id) && find_monitor(sd, new_id)) {
        send_error(sd, msg->id,
                   error_json(OVSDB_E_SYNTAX, "duplicate monitor ID"));
        return;
    }
    json_t *update;
    struct ovsdb_error *err = NULL;
    if (ovsdb_monitor_change(m->mon, json_array_get(msg->params, 2), &update,
                             &err)) {
        send_error(sd, msg->id, ovsdb_error_to_json(err));
        ovsdb_error_destroy(err);
        return;
    }
    json_decref(m->id);
    m->id = json_incref(new_id);
    send_reply(sd, msg->id, json_object());
    if (update) {
        const char *method =
            ovsdb_monitor_get_version(m->mon) == OVSDB_MONITOR_V3 ? "update3"
                                                                  : "update2";
        json_t *params =
            ovsdb_monitor_get_version(m->mon) == OVSDB_MONITOR_V3
                ? json_pack("[O,s,o]", m->id,
                            "00000000-0000-0000-0000-000000000000", update)
                : json_pack("[O,o]", m->id, update);
        ovsdb_session_send(sd->session, jsonrpc_create_notify(method, params));
    }
}

static void
handle_monitor_cancel(struct sdata *sd, struct jsonrpc_msg *msg)
{
    struct smon *m = find_monitor(sd, json_array_get(msg->params, 0));
    if (!m) {
        send_error(sd, msg->id, json_string("unknown monitor"));
        return;
    }
    smon_destroy(m);
    send_reply(sd, msg->id, json_object());
}

static void
notify_lock(const char *method, const char *name, void *session_data)
{
    struct sdata *sd = session_data;
    ovsdb_session_send(sd->session,
                       jsonrpc_create_notify(method, json_pack("[s]", name)));
}

static void
handle_lock(struct sdata *sd, struct jsonrpc_msg *msg, bool steal)
{
    const json_t *name = json_array_get(msg->params, 0);
    if (json_array_size(msg->params) != 1 || !json_is_string(name)) {
        send_error(sd, msg->id,
                   error_json(OVSDB_E_SYNTAX, "%s: expected a lock name",
                              msg->method));
        return;
    }
    void *stolen;
    bool already;
    bool locked =
        ovsdb_lock_request(sd->server->locks, json_string_value(name), sd,
                           steal, &stolen, &already);
    if (already) {
        send_error(sd, msg->id,
                   error_json(OVSDB_E_SYNTAX,
                              "lock %s is already owned or requested by this "
                              "session",
                              json_string_value(name)));
        return;
    }
    send_reply(sd, msg->id, json_pack("{s:b}", "locked", locked));
    if (stolen) {
        notify_lock("stolen", json_string_value(name), stolen);
    }
}

static void
handle_unlock(struct sdata *sd, struct jsonrpc_msg *msg)
{
    const json_t *name = json_array_get(msg->params, 0);
    if (!json_is_string(name)) {
        send_error(sd, msg->id,
                   error_json(OVSDB_E_SYNTAX, "unlock: expected a lock name"));
        return;
    }
    bool found;
    void *owner = ovsdb_lock_release(sd->server->locks,
                                     json_string_value(name), sd, &found);
    if (!found) {
        send_error(sd, msg->id,
                   error_json(OVSDB_E_SYNTAX,
                              "unlock: this session neither owns nor waits "
                              "for lock %s",
                              json_string_value(name)));
        return;
    }
    send_reply(sd, msg->id, json_object());
    if (owner) {
        notify_lock("locked", json_string_value(name), owner);
    }
}

static void
handle_set_db_change_aware(struct sdata *sd, struct jsonrpc_msg *msg)
{
    /* This server never removes or converts a database while serving it,
     * so there is nothing to announce; accept the flag. */
    send_reply(sd, msg->id, json_object());
}

static void
handle_get_server_id(struct sdata *sd, struct jsonrpc_msg *msg)
{
    char buf[OVSDB_UUID_LEN + 1];
    send_reply(sd, msg->id,
               json_string(ovsdb_uuid_format(&sd->server->server_id, buf)));
}

struct method {
    const char *name;
    void (*handler)(struct sdata *, struct jsonrpc_msg *);
};

static void
handle_monitor_v1(struct sdata *sd, struct jsonrpc_msg *msg)
{
    handle_monitor(sd, msg, OVSDB_MONITOR_V1);
}

static void
handle_monitor_v2(struct sdata *sd, struct jsonrpc_msg *msg)
{
    handle_monitor(sd, msg, OVSDB_MONITOR_V2);
}

static void
handle_monitor_v3(struct sdata *sd, struct jsonrpc_msg *msg)
{
    handle_monitor(sd, msg, OVSDB_MONITOR_V3);
}

static void
handle_lock_wait(struct sdata *sd, struct jsonrpc_msg *msg)
{
    handle_lock(sd, msg, false);
}

static void
handle_steal(struct sdata *sd, struct jsonrpc_msg *msg)
{
    handle_lock(sd, msg, true);
}

static const struct method methods[] = {
    { "list_dbs", handle_list_dbs },
    { "get_schema", handle_get_schema },
    { "transact", handle_transact },
    { "monitor", handle_monitor_v1 },
    { "monitor_cond", handle_monitor_v2 },
    { "monitor_cond_since", handle_monitor_v3 },
    { "monitor_cond_change", handle_monitor_cond_change },
    { "monitor_cancel", handle_monitor_cancel },
    { "lock", handle_lock_wait },
    { "steal", handle_steal },
    { "unlock", handle_unlock },
    { "set_db_change_aware", handle_set_db_change_aware },
    { "get_server_id", handle_get_server_id },
};

static struct sdata *
session_data(struct ovsdb_server *server, struct ovsdb_session *session)
{
    struct sdata *sd = ovsdb_session_get_data(session);
    if (!sd) {
        sd = xzalloc(sizeof *sd);
        sd->server = server;
        sd->session = session;
        dlist_init(&sd->monitors);
        dlist_init(&sd->pendings);
        ovsdb_session_set_data(session, sd);
    }
    return sd;
}

static void
session_request(struct ovsdb_session *session, struct jsonrpc_msg *msg,
                void *server_)
{
    struct sdata *sd = session_data(server_, session);

    if (msg->type == JSONRPC_NOTIFY) {
        if (!strcmp(msg->method, "cancel")) {
            handle_cancel(sd, msg);
        }
        jsonrpc_msg_destroy(msg);
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(methods); i++) {
        if (!strcmp(methods[i].name, msg->method)) {
            methods[i].handler(sd, msg);
            jsonrpc_msg_destroy(msg);
            return;
        }
    }
    /* The bare string, as ovsdb-server sends it: the C and Python IDLs
     * compare the error with "unknown method" to fall back to an older
     * method (monitor_cond_since -> monitor_cond -> monitor). */
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);
    VLOG_DBG_RL(&rl, "%s: unknown method %s", ovsdb_session_name(sd->session),
                msg->method);
    send_error(sd, msg->id, json_string("unknown method"));
    jsonrpc_msg_destroy(msg);
}

static void
lock_handed_over(const char *name, void *new_owner, void *aux)
{
    notify_lock("locked", name, new_owner);
}

static void
session_closing(struct ovsdb_session *session, void *server_)
{
    struct ovsdb_server *server = server_;
    struct sdata *sd = ovsdb_session_get_data(session);
    if (!sd) {
        return;
    }
    while (!dlist_is_empty(&sd->monitors)) {
        smon_destroy(CONTAINER_OF(sd->monitors.next, struct smon, node));
    }
    /* Committed transactions stay committed; only their replies are
     * dropped. */
    while (!dlist_is_empty(&sd->pendings)) {
        pending_free(CONTAINER_OF(sd->pendings.next, struct pending, s_node));
    }
    ovsdb_lock_release_all(server->locks, sd, lock_handed_over, NULL);
    ovsdb_session_set_data(session, NULL);
    free(sd);
}

void
ovsdb_server_memory_report(const struct ovsdb_server *server, struct buf *out)
{
    size_t n_rows = 0, n_monitors = 0;
    struct server_db *sdb;
    DLIST_FOR_EACH (sdb, node, &server->dbs) {
        const struct ovsdb_schema *schema = ovsdb_get_schema(sdb->db);
        for (size_t i = 0; i < schema->n_tables; i++) {
            n_rows +=
                ovsdb_table_count_rows(ovsdb_get_table_by_index(sdb->db, i));
        }
        n_monitors += dlist_size(&sdb->monitors);
    }
    buf_printf(out, "monitors:%zu rows:%zu sessions:%zu", n_monitors, n_rows,
               ovsdb_remotes_n_sessions(server->remotes));
}

void
ovsdb_server_destroy(struct ovsdb_server *server)
{
    if (!server) {
        return;
    }
    ovsdb_remotes_destroy(server->remotes);
    while (!dlist_is_empty(&server->db_remotes)) {
        struct db_remote *dr =
            CONTAINER_OF(server->db_remotes.next, struct db_remote, node);
        ovsdb_server_remove_remote(server, dr->spec);
    }
    ovsdb_server_free_strings(server->plain_remotes, server->n_plain_remotes);
    while (!dlist_is_empty(&server->dbs)) {
        server_db_destroy(
            CONTAINER_OF(server->dbs.next, struct server_db, node));
    }
    ovsdb_lock_table_destroy(server->locks);
    free(server->ssl_key);
    free(server->ssl_cert);
    free(server->ssl_ca);
    free(server->applied_key);
    free(server->applied_cert);
    free(server->applied_ca);
    free(server);
}
