/* ovsdb-idl-mock.h: what the unit tests of ovsdb/idl
 * (test-ovsdb-idl.c, test-ovsdb-idl-txn.c) share: a scripted OVSDB server
 * double that runs in a thread and speaks JSON-RPC over a Unix socket in
 * a private temporary directory (struct mock: its schema, its initial
 * contents, queued transaction answers and messages, a record of the
 * requests it got), the helpers that run an IDL against it until a
 * condition holds, and the group set-up and tear-down that make and
 * remove the directory.  Include after <cmocka.h>; the functions are
 * static inline so that a program that does not use one is not warned
 * about it. */
#ifndef NICFLOW_TESTS_UNIT_OVSDB_IDL_MOCK_H
#define NICFLOW_TESTS_UNIT_OVSDB_IDL_MOCK_H 1

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "lib/jsonrpc.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/idl.h"
#include "ovsdb/uuid.h"

#define TIMEOUT_MS 10000

static char tmpdir[] = "/tmp/nicflow-test-idl-XXXXXX";

/* Parses JSON text S (new reference); fails the test if it does not
 * parse. */
static inline json_t *
parse_json(const char *s)
{
    json_error_t error;
    json_t *j = json_loads(s, JSON_DECODE_ANY, &error);
    if (!j) {
        fail_msg("bad test JSON %s: %s", s, error.text);
    }
    return j;
}

/* The server double. */

static const char test_schema[] =
    "{\"name\":\"TestDB\",\"version\":\"1.0.0\",\"tables\":{"
    " \"Root\":{\"isRoot\":true,\"columns\":{"
    "  \"name\":{\"type\":\"string\"},"
    "  \"i\":{\"type\":\"integer\"},"
    "  \"b\":{\"type\":\"boolean\"},"
    "  \"opt\":{\"type\":{\"key\":\"string\",\"min\":0,\"max\":1}},"
    "  \"s\":{\"type\":{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}},"
    "  \"m\":{\"type\":{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
    "        \"max\":\"unlimited\"}},"
    "  \"kids\":{\"type\":{\"key\":{\"type\":\"uuid\",\"refTable\":\"Kid\"},"
    "        \"min\":0,\"max\":\"unlimited\"}},"
    "  \"next_cfg\":{\"type\":\"integer\"}}},"
    " \"Kid\":{\"columns\":{\"name\":{\"type\":\"string\"}}}}}";

#define R1 "11111111-1111-4111-8111-111111111111"
#define R2 "22222222-2222-4222-8222-222222222222"
#define R3 "33333333-3333-4333-8333-333333333333"
#define K1 "44444444-4444-4444-8444-444444444444"
#define K2 "55555555-5555-4555-8555-555555555555"
#define L1 "66666666-6666-4666-8666-666666666666"
#define ZERO "00000000-0000-0000-0000-000000000000"

struct mock {
    pthread_mutex_t mutex;
    pthread_t thread;
    char path[128];
    char *remote;
    struct pstream *listener;
    int wake[2];
    bool stop;

    /* Configuration, under the mutex. */
    json_t *dbs; /* list_dbs result. */
    json_t *schema;
    json_t *server_db; /* _Server monitor result, or NULL: error. */
    json_t *initial;   /* The database's initial <table-updates2>. */
    bool since;        /* Implements monitor_cond_since. */
    bool found;
    char *last_id;
    bool lock_granted;
    json_t *transacts; /* Queue of {"pre":[msg...], "result"|"error"}. */

    /* Commands. */
    json_t *outbox; /* Messages to send. */
    bool close_conn;

    /* Records. */
    json_t *requests; /* {"method", "params"} of every request. */
    json_t *replies;  /* Replies the client sent (to "echo"). */
    int n_conns;
    bool connected;
};

static inline void
mock_lock(struct mock *m)
{
    pthread_mutex_lock(&m->mutex);
}

static inline void
mock_unlock(struct mock *m)
{
    pthread_mutex_unlock(&m->mutex);
}

static inline void
mock_wake(struct mock *m)
{
    ssize_t n = write(m->wake[1], "x", 1);
    (void) n;
}

static inline void
mock_send_json(struct jsonrpc_conn *conn, json_t *json)
{
    struct jsonrpc_msg *msg;
    if (!jsonrpc_msg_from_json(json, &msg, NULL)) {
        jsonrpc_conn_send(conn, msg);
    }
}

/* Answers one request (with the mutex held). */
static inline void
mock_handle(struct mock *m, struct jsonrpc_conn *conn,
            const struct jsonrpc_msg *msg)
{
    const char *method = msg->method;
    const char *p0 = json_string_value(json_array_get(msg->params, 0));
    json_t *result = NULL, *error = NULL;

    json_array_append_new(m->requests, json_pack("{s:s,s:O}", "method", method,
                                                 "params", msg->params));
    if (!strcmp(method, "list_dbs")) {
        result = json_incref(m->dbs);
    } else if (!strcmp(method, "get_schema")) {
        if (p0 && !strcmp(p0, "TestDB")) {
            result = json_incref(m->schema);
        } else {
            error = json_pack("{s:s,s:s}", "error", "unknown database",
                              "details", "no such database");
        }
    } else if (!strcmp(method, "monitor_cond") && p0
               && !strcmp(p0, "_Server")) {
        if (m->server_db) {
            result = json_incref(m->server_db);
        } else {
            error = json_pack("{s:s}", "error", "unknown database");
        }
    } else if (!strcmp(method, "monitor_cond")) {
        result = json_incref(m->initial);
    } else if (!strcmp(method, "monitor_cond_since")) {
        if (m->since) {
            result = json_pack("[b,s,O]", m->found, m->last_id, m->initial);
        } else {
            /* ovsdb-server's own form of this error: a bare string. */
            error = json_string("unknown method");
        }
    } else if (!strcmp(method, "transact")) {
        json_t *t = json_array_get(m->transacts, 0);
        if (!t) {
            return; /* No answer: the client waits. */
        }
        size_t i;
        json_t *pre;
        json_array_foreach (json_object_get(t, "pre"), i, pre) {
            mock_send_json(conn, pre);
        }
        result = json_incref(json_object_get(t, "result"));
        error = json_incref(json_object_get(t, "error"));
        json_array_remove(m->transacts, 0);
    } else if (!strcmp(method, "lock")) {
        result = json_pack("{s:b}", "locked", m->lock_granted);
    } else if (!strcmp(method, "echo")) {
        result = json_incref(msg->params);
    } else {
        error = json_string("unknown method");
    }
    if (error) {
        json_decref(result);
        jsonrpc_conn_send(conn, jsonrpc_create_error(error, msg->id));
    } else {
        jsonrpc_conn_send(conn, jsonrpc_create_reply(result, msg->id));
    }
}

static inline void *
mock_main(void *m_)
{
    struct mock *m = m_;
    struct jsonrpc_conn *conn = NULL;

    for (;;) {
        mock_lock(m);
        if (m->stop) {
            mock_unlock(m);
            break;
        }
        if (conn) {
            size_t i;
            json_t *msg;
            json_array_foreach (m->outbox, i, msg) {
                mock_send_json(conn, msg);
            }
            json_array_clear(m->outbox);
            if (m->close_conn) {
                jsonrpc_conn_close(conn);
                conn = NULL;
                m->connected = false;
            }
        }
        m->close_conn = false;
        mock_unlock(m);

        struct pollfd pfds[3] = {
            { .fd = pstream_fd(m->listener), .events = POLLIN },
            { .fd = m->wake[0], .events = POLLIN },
            { .fd = conn ? jsonrpc_conn_fd(conn) : -1,
              .events = conn ? (short) jsonrpc_conn_wants(conn) : 0 },
        };
        poll(pfds, 3, 1000);
        char buf[64];
        if (pfds[1].revents) {
            ssize_t n = read(m->wake[0], buf, sizeof buf);
            (void) n;
        }

        struct stream *s;
        while (!pstream_accept(m->listener, &s)) {
            jsonrpc_conn_close(conn);
            conn = jsonrpc_conn_create(s);
            mock_lock(m);
            m->n_conns++;
            m->connected = true;
            mock_unlock(m);
        }
        if (!conn) {
            continue;
        }
        int error = jsonrpc_conn_run(conn);
        while (!error) {
            struct jsonrpc_msg *msg;
            error = jsonrpc_conn_recv(conn, &msg);
            if (error) {
                break;
            }
            mock_lock(m);
            if (msg->type == JSONRPC_REQUEST) {
                mock_handle(m, conn, msg);
            } else if (msg->type == JSONRPC_REPLY
                       || msg->type == JSONRPC_ERROR) {
                json_array_append_new(m->replies, jsonrpc_msg_to_json(msg));
            }
            mock_unlock(m);
            jsonrpc_msg_destroy(msg);
        }
        if (error != EAGAIN) {
            jsonrpc_conn_close(conn);
            conn = NULL;
            mock_lock(m);
            m->connected = false;
            mock_unlock(m);
        }
    }
    jsonrpc_conn_close(conn);
    return NULL;
}

/* Starts a server double listening on a new socket in tmpdir, serving
 * TestDB with no rows; mock_stop() stops and frees it. */
static inline struct mock *
mock_start(void)
{
    static int n;
    struct mock *m = xzalloc(sizeof *m);
    pthread_mutex_init(&m->mutex, NULL);
    snprintf(m->path, sizeof m->path, "%s/db%d.sock", tmpdir, n++);
    char *pname = xasprintf("punix:%s", m->path);
    assert_int_equal(pstream_open(pname, &m->listener), 0);
    free(pname);
    m->remote = xasprintf("unix:%s", m->path);
    assert_int_equal(pipe(m->wake), 0);
    assert_int_equal(nf_set_nonblocking(m->wake[0]), 0);

    m->dbs = json_pack("[s]", "TestDB");
    m->schema = parse_json(test_schema);
    m->initial = json_object();
    m->since = true;
    m->last_id = xstrdup(ZERO);
    m->transacts = json_array();
    m->outbox = json_array();
    m->requests = json_array();
    m->replies = json_array();
    assert_int_equal(pthread_create(&m->thread, NULL, mock_main, m), 0);
    return m;
}

/* Stops M's thread and frees M. */
static inline void
mock_stop(struct mock *m)
{
    mock_lock(m);
    m->stop = true;
    mock_unlock(m);
    mock_wake(m);
    pthread_join(m->thread, NULL);
    pstream_close(m->listener);
    close(m->wake[0]);
    close(m->wake[1]);
    json_decref(m->dbs);
    json_decref(m->schema);
    json_decref(m->server_db);
    json_decref(m->initial);
    json_decref(m->transacts);
    json_decref(m->outbox);
    json_decref(m->requests);
    json_decref(m->replies);
    free(m->remote);
    free(m->last_id);
    pthread_mutex_destroy(&m->mutex);
    free(m);
}

/* Replaces the initial contents (JSON text) the server sends. */
static inline void
mock_set_initial(struct mock *m, const char *json)
{
    mock_lock(m);
    json_decref(m->initial);
    m->initial = parse_json(json);
    mock_unlock(m);
}

/* Queues a message (JSON text) for the client. */
static inline void
mock_send(struct mock *m, const char *json)
{
    mock_lock(m);
    json_array_append_new(m->outbox, parse_json(json));
    mock_unlock(m);
    mock_wake(m);
}

/* Closes the client's connection (the IDL is to reconnect). */
static inline void
mock_close(struct mock *m)
{
    mock_lock(m);
    m->close_conn = true;
    mock_unlock(m);
    mock_wake(m);
}

/* Queues the answer (JSON text) to the next "transact". */
static inline void
mock_queue_transact(struct mock *m, const char *json)
{
    mock_lock(m);
    json_array_append_new(m->transacts, parse_json(json));
    mock_unlock(m);
}

/* The params of the last request for METHOD (new reference), or NULL. */
static inline json_t *
mock_last_request(struct mock *m, const char *method)
{
    json_t *params = NULL;
    mock_lock(m);
    size_t i;
    json_t *r;
    json_array_foreach (m->requests, i, r) {
        if (!strcmp(json_string_value(json_object_get(r, "method")), method)) {
            json_decref(params);
            params = json_incref(json_object_get(r, "params"));
        }
    }
    mock_unlock(m);
    return params;
}

/* How many requests for METHOD the server has received. */
static inline int
mock_count_requests(struct mock *m, const char *method)
{
    int n = 0;
    mock_lock(m);
    size_t i;
    json_t *r;
    json_array_foreach (m->requests, i, r) {
        n += !strcmp(json_string_value(json_object_get(r, "method")), method);
    }
    mock_unlock(m);
    return n;
}

/* Test helpers. */

typedef bool cond_fn(struct ovsdb_idl *, struct mock *, void *aux);

/* Runs IDL until COND holds; fails the test after TIMEOUT_MS (a guard
 * against hangs, not a measurement). */
static inline void
run_until(struct ovsdb_idl *idl, struct mock *m, cond_fn *cond, void *aux,
          const char *what)
{
    long long deadline = nf_time_msec() + TIMEOUT_MS;
    while (!cond(idl, m, aux)) {
        if (nf_time_msec() > deadline) {
            fail_msg("timed out waiting until %s", what);
        }
        ovsdb_idl_run_block(idl, 50);
    }
}

/* A condition for run_until(): IDL is synced, at least *AUX times. */
static inline bool
synced_n(struct ovsdb_idl *idl, struct mock *m NF_UNUSED, void *aux)
{
    return ovsdb_idl_is_synced(idl)
           && ovsdb_idl_get_sync_count(idl) >= *(unsigned int *) aux;
}

/* Runs IDL until it is synced for at least the Nth time. */
static inline void
wait_synced_n(struct ovsdb_idl *idl, struct mock *m, unsigned int n)
{
    run_until(idl, m, synced_n, &n, "the replica is synced");
}

/* The UUID in text S, which must parse. */
static inline struct ovsdb_uuid
uuid_of(const char *s)
{
    struct ovsdb_uuid u;
    assert_true(ovsdb_uuid_from_string(&u, s));
    return u;
}

/* The replica's row UUID (text) of TABLE, or NULL. */
static inline const struct ovsdb_idl_row *
get_row(struct ovsdb_idl *idl, const char *table, const char *uuid)
{
    struct ovsdb_uuid u = uuid_of(uuid);
    return ovsdb_idl_get_row(idl, table, &u);
}

/* A new IDL for M's TestDB replicating all of Root and Kid's name. */
static inline struct ovsdb_idl *
idl_for(struct mock *m)
{
    struct ovsdb_idl *idl = ovsdb_idl_create(m->remote, "TestDB");
    ovsdb_idl_add_table(idl, "Root");
    ovsdb_idl_add_column(idl, "Kid", "name");
    return idl;
}

/* Group set-up and tear-down: the temporary directory. */

/* Quietens the IDL's warnings and makes tmpdir. */
static inline int
setup(void **state NF_UNUSED)
{
    /* The tests provoke the IDL's warnings on purpose; keep the output to
     * the results. */
    char *err = NULL;
    if (vlog_set_levels_from_string("ovsdb_idl:console:err", &err)
        || vlog_set_levels_from_string("ovsdb_idl_txn:console:err", &err)) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return -1;
    }
    return mkdtemp(tmpdir) ? 0 : -1;
}

/* Removes tmpdir (the sockets in it are gone by then). */
static inline int
teardown(void **state NF_UNUSED)
{
    return rmdir(tmpdir) ? -1 : 0;
}

#endif
