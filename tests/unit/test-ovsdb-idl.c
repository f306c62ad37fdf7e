/* Unit tests for ovsdb/idl: the update2 diff rules (data-driven), and the
 * IDL against a scripted OVSDB server double that runs in a thread and
 * speaks JSON-RPC over a Unix socket in a private temporary directory:
 * the session handshake, initial contents, insert/modify/delete updates,
 * resyncs (found = false replaces the replica, found = true applies a
 * diff), the fallback to monitor_cond, the _Server checks, "echo",
 * transactions (the operations sent, every status, retries), locks and
 * the event-loop attachment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/evloop.h"
#include "lib/jsonrpc.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/datum.h"
#include "ovsdb/idl.h"
#include "ovsdb/types.h"
#include "ovsdb/uuid.h"

#define TIMEOUT_MS 10000

static char tmpdir[] = "/tmp/nicflow-test-idl-XXXXXX";

/* update2 "modify" diffs, data-driven. */

struct diff_case {
    const char *name;
    const char *type; /* <type> JSON. */
    const char *old;  /* <value> JSON. */
    const char *diff;
    const char *expect; /* <value> JSON, or NULL: EINVAL expected. */
};

static const struct diff_case diff_cases[] = {
    /* Scalars: the diff is the new value. */
    { "integer", "\"integer\"", "1", "5", "5" },
    { "string", "\"string\"", "\"a\"", "\"b\"", "\"b\"" },
    { "boolean", "\"boolean\"", "false", "true", "true" },
    { "uuid", "\"uuid\"",
      "[\"uuid\",\"11111111-1111-4111-8111-111111111111\"]",
      "[\"uuid\",\"22222222-2222-4222-8222-222222222222\"]",
      "[\"uuid\",\"22222222-2222-4222-8222-222222222222\"]" },
    { "scalar, empty diff", "\"integer\"", "1", "[\"set\",[]]", NULL },
    { "scalar, wrong type", "\"integer\"", "1", "\"x\"", NULL },
    /* Optional scalars: the new value too, as ovsdb-server sends it. */
    { "optional set", "{\"key\":\"string\",\"min\":0,\"max\":1}",
      "[\"set\",[]]", "\"x\"", "\"x\"" },
    { "optional change", "{\"key\":\"string\",\"min\":0,\"max\":1}", "\"x\"",
      "\"y\"", "\"y\"" },
    { "optional clear", "{\"key\":\"string\",\"min\":0,\"max\":1}", "\"x\"",
      "[\"set\",[]]", "[\"set\",[]]" },
    { "optional as set diff", "{\"key\":\"integer\",\"min\":0,\"max\":1}", "3",
      "[\"set\",[3,4]]", "4" },
    /* Sets: the symmetric difference. */
    { "set add", "{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}",
      "[\"set\",[1,2]]", "[\"set\",[3]]", "[\"set\",[1,2,3]]" },
    { "set remove", "{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}",
      "[\"set\",[1,2]]", "[\"set\",[1]]", "2" },
    { "set mixed", "{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}",
      "[\"set\",[1,2,5]]", "[\"set\",[0,2,3,9]]", "[\"set\",[0,1,3,5,9]]" },
    { "set bare atom diff",
      "{\"key\":\"string\",\"min\":0,\"max\":\"unlimited\"}",
      "[\"set\",[\"a\"]]", "\"b\"", "[\"set\",[\"a\",\"b\"]]" },
    { "set to empty", "{\"key\":\"integer\",\"min\":0,\"max\":\"unlimited\"}",
      "[\"set\",[4,7]]", "[\"set\",[7,4]]", "[\"set\",[]]" },
    { "set diff longer than max", "{\"key\":\"integer\",\"min\":0,\"max\":2}",
      "[\"set\",[1,2]]", "[\"set\",[1,2,3,4]]", "[\"set\",[3,4]]" },
    { "set result over max", "{\"key\":\"integer\",\"min\":0,\"max\":2}",
      "[\"set\",[1,2]]", "[\"set\",[3]]", NULL },
    { "set result under min", "{\"key\":\"integer\",\"min\":1,\"max\":3}", "1",
      "1", NULL },
    { "set of refs",
      "{\"key\":{\"type\":\"uuid\",\"refTable\":\"T\"},\"min\":0,"
      "\"max\":\"unlimited\"}",
      "[\"set\",[[\"uuid\",\"11111111-1111-4111-8111-111111111111\"]]]",
      "[\"set\",[[\"uuid\",\"11111111-1111-4111-8111-111111111111\"],"
      "[\"uuid\",\"22222222-2222-4222-8222-222222222222\"]]]",
      "[\"uuid\",\"22222222-2222-4222-8222-222222222222\"]" },
    { "set element violates enum",
      "{\"key\":{\"type\":\"string\",\"enum\":[\"set\",[\"a\",\"b\"]]},"
      "\"min\":0,\"max\":\"unlimited\"}",
      "\"a\"", "\"c\"", NULL },
    /* Maps: new keys added, equal pairs removed, other values replaced. */
    { "map add",
      "{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
      "\"max\":\"unlimited\"}",
      "[\"map\",[[\"a\",\"1\"]]]", "[\"map\",[[\"b\",\"2\"]]]",
      "[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]" },
    { "map remove",
      "{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
      "\"max\":\"unlimited\"}",
      "[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]", "[\"map\",[[\"a\",\"1\"]]]",
      "[\"map\",[[\"b\",\"2\"]]]" },
    { "map change",
      "{\"key\":\"string\",\"value\":\"string\",\"min\":0,"
      "\"max\":\"unlimited\"}",
      "[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]", "[\"map\",[[\"a\",\"3\"]]]",
      "[\"map\",[[\"a\",\"3\"],[\"b\",\"2\"]]]" },
    { "map mixed",
      "{\"key\":\"string\",\"value\":\"integer\",\"min\":0,"
      "\"max\":\"unlimited\"}",
      "[\"map\",[[\"a\",1],[\"b\",2],[\"c\",3]]]",
      "[\"map\",[[\"a\",1],[\"b\",5],[\"d\",4]]]",
      "[\"map\",[[\"b\",5],[\"c\",3],[\"d\",4]]]" },
    { "map diff not a map",
      "{\"key\":\"string\",\"value\":\"string\","
      "\"min\":0,\"max\":\"unlimited\"}",
      "[\"map\",[]]", "[\"set\",[\"a\"]]", NULL },
    { "map integer keys",
      "{\"key\":\"integer\",\"value\":\"boolean\","
      "\"min\":0,\"max\":\"unlimited\"}",
      "[\"map\",[[1,true],[2,false]]]", "[\"map\",[[2,true],[3,false]]]",
      "[\"map\",[[1,true],[2,true],[3,false]]]" },
};

static json_t *
parse_json(const char *s)
{
    json_error_t error;
    json_t *j = json_loads(s, JSON_DECODE_ANY, &error);
    if (!j) {
        fail_msg("bad test JSON %s: %s", s, error.text);
    }
    return j;
}

static void
parse_value(struct ovsdb_datum *d, const struct ovsdb_type *type,
            const char *s)
{
    json_t *j = parse_json(s);
    struct ovsdb_error *err = NULL;
    int error = ovsdb_datum_from_json(d, type, j, NULL, &err);
    if (error) {
        char *m = ovsdb_error_to_string(err);
        fail_msg("value %s does not parse: %s", s, m);
    }
    json_decref(j);
}

static void
test_apply_diff(void **state NF_UNUSED)
{
    for (size_t i = 0; i < ARRAY_SIZE(diff_cases); i++) {
        const struct diff_case *c = &diff_cases[i];
        struct ovsdb_type type;
        json_t *tj = parse_json(c->type);
        assert_int_equal(ovsdb_type_from_json(&type, tj, NULL), 0);
        json_decref(tj);

        struct ovsdb_datum d, orig;
        parse_value(&d, &type, c->old);
        ovsdb_datum_clone(&orig, &d, &type);
        json_t *diff = parse_json(c->diff);
        struct ovsdb_error *err = NULL;
        int error = ovsdb_idl_apply_diff(&d, &type, diff, &err);
        json_decref(diff);

        if (c->expect) {
            if (error) {
                char *m = ovsdb_error_to_string(err);
                fail_msg("case \"%s\": unexpected error %s", c->name, m);
            }
            struct ovsdb_datum want;
            parse_value(&want, &type, c->expect);
            if (!ovsdb_datum_equals(&d, &want, &type)) {
                json_t *got = ovsdb_datum_to_json(&d, &type);
                char *s = json_dumps(got, JSON_ENCODE_ANY);
                fail_msg("case \"%s\": got %s, expected %s", c->name, s,
                         c->expect);
            }
            ovsdb_datum_destroy(&want, &type);
        } else {
            if (error != EINVAL) {
                fail_msg("case \"%s\": expected EINVAL, got %d", c->name,
                         error);
            }
            assert_non_null(err);
            ovsdb_error_destroy(err);
            /* A failed diff leaves the value alone. */
            assert_true(ovsdb_datum_equals(&d, &orig, &type));
        }
        ovsdb_datum_destroy(&orig, &type);
        ovsdb_datum_destroy(&d, &type);
        ovsdb_type_destroy(&type);
    }
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

static void
mock_lock(struct mock *m)
{
    pthread_mutex_lock(&m->mutex);
}

static void
mock_unlock(struct mock *m)
{
    pthread_mutex_unlock(&m->mutex);
}

static void
mock_wake(struct mock *m)
{
    ssize_t n = write(m->wake[1], "x", 1);
    (void) n;
}

static void
mock_send_json(struct jsonrpc_conn *conn, json_t *json)
{
    struct jsonrpc_msg *msg;
    if (!jsonrpc_msg_from_json(json, &msg, NULL)) {
        jsonrpc_conn_send(conn, msg);
    }
}

/* Answers one request (with the mutex held). */
static void
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

static void *
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

static struct mock *
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

static void
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
static void
mock_set_initial(struct mock *m, const char *json)
{
    mock_lock(m);
    json_decref(m->initial);
    m->initial = parse_json(json);
    mock_unlock(m);
}

/* Queues a message (JSON text) for the client. */
static void
mock_send(struct mock *m, const char *json)
{
    mock_lock(m);
    json_array_append_new(m->outbox, parse_json(json));
    mock_unlock(m);
    mock_wake(m);
}

static void
mock_close(struct mock *m)
{
    mock_lock(m);
    m->close_conn = true;
    mock_unlock(m);
    mock_wake(m);
}

/* Queues the answer (JSON text) to the next "transact". */
static void
mock_queue_transact(struct mock *m, const char *json)
{
    mock_lock(m);
    json_array_append_new(m->transacts, parse_json(json));
    mock_unlock(m);
}

/* The params of the last request for METHOD (new reference), or NULL. */
static json_t *
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

static int
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
static void
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

static bool
seqno_changed(struct ovsdb_idl *idl, struct mock *m NF_UNUSED, void *aux)
{
    return ovsdb_idl_get_seqno(idl) != *(uint64_t *) aux;
}

static bool
synced_n(struct ovsdb_idl *idl, struct mock *m NF_UNUSED, void *aux)
{
    return ovsdb_idl_is_synced(idl)
           && ovsdb_idl_get_sync_count(idl) >= *(unsigned int *) aux;
}

static bool
got_reply(struct ovsdb_idl *idl NF_UNUSED, struct mock *m, void *aux NF_UNUSED)
{
    mock_lock(m);
    bool got = json_array_size(m->replies) > 0;
    mock_unlock(m);
    return got;
}

static void
wait_seqno_change(struct ovsdb_idl *idl, struct mock *m, uint64_t seqno)
{
    run_until(idl, m, seqno_changed, &seqno, "the replica changes");
}

static void
wait_synced_n(struct ovsdb_idl *idl, struct mock *m, unsigned int n)
{
    run_until(idl, m, synced_n, &n, "the replica is synced");
}

static struct ovsdb_uuid
uuid_of(const char *s)
{
    struct ovsdb_uuid u;
    assert_true(ovsdb_uuid_from_string(&u, s));
    return u;
}

static const struct ovsdb_idl_row *
get_row(struct ovsdb_idl *idl, const char *table, const char *uuid)
{
    struct ovsdb_uuid u = uuid_of(uuid);
    return ovsdb_idl_get_row(idl, table, &u);
}

/* Whether COLUMN of ROW equals the value in JSON text. */
static bool
column_is(const struct ovsdb_idl_row *row, const char *column,
          const char *json)
{
    const struct ovsdb_type *type = ovsdb_idl_row_get_type(row, column);
    const struct ovsdb_datum *d = ovsdb_idl_row_get(row, column);
    assert_non_null(type);
    assert_non_null(d);
    struct ovsdb_datum want;
    parse_value(&want, type, json);
    bool eq = ovsdb_datum_equals(d, &want, type);
    if (!eq) {
        json_t *j = ovsdb_datum_to_json(d, type);
        char *s = json_dumps(j, JSON_ENCODE_ANY);
        print_message("%s is %s, expected %s\n", column, s, json);
        free(s);
        json_decref(j);
    }
    ovsdb_datum_destroy(&want, type);
    return eq;
}

static const char initial_two[] =
    "{\"Root\":{\"" R1 "\":{\"initial\":{\"name\":\"a\",\"i\":1,"
    "  \"s\":[\"set\",[1,2]],\"m\":[\"map\",[[\"k\",\"v\"]]],"
    "  \"kids\":[\"uuid\",\"" K1 "\"]}},"
    " \"" R2 "\":{\"initial\":{\"name\":\"b\"}}},"
    " \"Kid\":{\"" K1 "\":{\"initial\":{\"name\":\"k1\"}}}}";

static struct ovsdb_idl *
idl_for(struct mock *m)
{
    struct ovsdb_idl *idl = ovsdb_idl_create(m->remote, "TestDB");
    ovsdb_idl_add_table(idl, "Root");
    ovsdb_idl_add_column(idl, "Kid", "name");
    return idl;
}

/* Session and replica. */

static void
test_initial_contents(void **state NF_UNUSED)
{
    struct mock *m = mock_start();
    mock_set_initial(m, initial_two);
    struct ovsdb_idl *idl = idl_for(m);

    assert_false(ovsdb_idl_has_ever_synced(idl));
    assert_int_equal(ovsdb_idl_wait_until_synced(idl, TIMEOUT_MS), 0);
    assert_true(ovsdb_idl_is_synced(idl));
    assert_true(ovsdb_idl_is_connected(idl));
    assert_true(ovsdb_idl_has_ever_synced(idl));
    assert_int_equal(ovsdb_idl_get_sync_count(idl), 1);
    assert_null(ovsdb_idl_get_last_error(idl));

    /* The handshake, and what was monitored. */
    assert_int_equal(mock_count_requests(m, "list_dbs"), 1);
    assert_int_equal(mock_count_requests(m, "get_schema"), 1);
    assert_int_equal(mock_count_requests(m, "monitor_cond"), 0);
    json_t *p = mock_last_request(m, "monitor_cond_since");
    assert_non_null(p);
    assert_string_equal(json_string_value(json_array_get(p, 0)), "TestDB");
    assert_string_equal(json_string_value(json_array_get(p, 3)), ZERO);
    json_t *reqs = json_array_get(p, 2);
    assert_int_equal(json_object_size(reqs), 2);
    json_t *kid_cols = json_object_get(
        json_array_get(json_object_get(reqs, "Kid"), 0), "columns");
    assert_int_equal(json_array_size(kid_cols), 1);
    json_t *root_cols = json_object_get(
        json_array_get(json_object_get(reqs, "Root"), 0), "columns");
    assert_int_equal(json_array_size(root_cols), 8);
    json_decref(p);

    /* Rows, defaults for omitted columns, getters. */
    assert_int_equal(ovsdb_idl_count_rows(idl, "Root"), 2);
    assert_int_equal(ovsdb_idl_count_rows(idl, "Kid"), 1);
    const struct ovsdb_idl_row *r1 = get_row(idl, "Root", R1);
    const struct ovsdb_idl_row *r2 = get_row(idl, "Root", R2);
    assert_non_null(r1);
    assert_non_null(r2);
    assert_string_equal(ovsdb_idl_row_get_table(r1), "Root");
    assert_string_equal(ovsdb_idl_row_get_string(r1, "name"), "a");
    assert_int_equal(ovsdb_idl_row_get_integer(r1, "i", -1), 1);
    assert_int_equal(ovsdb_idl_row_get_integer(r2, "i", -1), 0);
    assert_false(ovsdb_idl_row_get_boolean(r2, "b", true));
    assert_null(ovsdb_idl_row_get_string(r1, "opt"));
    assert_int_equal(ovsdb_idl_row_get_n(r1, "s"), 2);
    assert_string_equal(ovsdb_idl_row_get_map_string(r1, "m", "k"), "v");
    assert_null(ovsdb_idl_row_get_map_string(r1, "m", "nope"));
    assert_null(ovsdb_idl_row_get(r1, "nope"));
    assert_null(ovsdb_idl_row_get(r1, "_uuid"));
    const struct ovsdb_idl_row *k1 = ovsdb_idl_row_get_ref(r1, "kids", 0);
    assert_non_null(k1);
    assert_string_equal(ovsdb_idl_row_get_string(k1, "name"), "k1");
    assert_null(ovsdb_idl_row_get_ref(r1, "kids", 1));
    assert_true(column_is(r2, "s", "[\"set\",[]]"));

    /* Iteration sees each row once. */
    int n = 0;
    const struct ovsdb_idl_row *row;
    OVSDB_IDL_FOR_EACH (row, idl, "Root") {
        n++;
    }
    assert_int_equal(n, 2);
    assert_null(ovsdb_idl_first_row(idl, "Unknown"));

    /* A type the schema gave. */
    const struct ovsdb_type *t = ovsdb_idl_get_column_type(idl, "Root", "m");
    assert_non_null(t);
    assert_true(ovsdb_type_is_map(t));

    ovsdb_idl_destroy(idl);
    mock_stop(m);
}

static void
test_updates(void **state NF_UNUSED)
{
    struct mock *m = mock_start();
    mock_set_initial(m, initial_two);
    struct ovsdb_idl *idl = idl_for(m);
    ovsdb_idl_set_track_deleted(idl, true);
    assert_int_equal(ovsdb_idl_wait_until_synced(idl, TIMEOUT_MS), 0);

    uint64_t s1 = ovsdb_idl_get_seqno(idl);
    const struct ovsdb_idl_row *r1 = get_row(idl, "Root", R1);
    assert_int_equal(ovsdb_idl_row_get_insert_seqno(r1), s1);
    assert_null(ovsdb_idl_track_first(idl, "Root", s1));

    /* Insert R3, modify R1. */
    mock_send(m, "{\"method\":\"update3\",\"id\":null,\"params\":"
                 "[\"nicflow-idl\",\"" L1 "\",{\"Root\":{"
                 "\"" R3 "\":{\"insert\":{\"name\":\"c\",\"b\":true}},"
                 "\"" R1 "\":{\"modify\":{\"i\":5,\"s\":[\"set\",[2,3]],"
                 "  \"m\":[\"map\",[[\"k\",\"v2\"],[\"n\",\"1\"]]],"
                 "  \"opt\":\"x\"}}}}]}");
    wait_seqno_change(idl, m, s1);
    uint64_t s2 = ovsdb_idl_get_seqno(idl);
    assert_int_equal(s2, s1 + 1);

    assert_true(column_is(r1, "i", "5"));
    assert_true(column_is(r1, "s", "[\"set\",[1,3]]"));
    assert_true(
        column_is(r1, "m", "[\"map\",[[\"k\",\"v2\"],[\"n\",\"1\"]]]"));
    assert_string_equal(ovsdb_idl_row_get_string(r1, "opt"), "x");
    assert_string_equal(ovsdb_idl_row_get_string(r1, "name"), "a");
    assert_true(ovsdb_idl_row_column_changed_since(r1, "i", s1));
    assert_false(ovsdb_idl_row_column_changed_since(r1, "name", s1));
    assert_int_equal(ovsdb_idl_row_get_change_seqno(r1), s2);
    assert_int_equal(ovsdb_idl_row_get_insert_seqno(r1), s1);
    const struct ovsdb_idl_row *r3 = get_row(idl, "Root", R3);
    assert_non_null(r3);
    assert_true(ovsdb_idl_row_get_boolean(r3, "b", false));
    assert_int_equal(ovsdb_idl_row_get_insert_seqno(r3), s2);
    struct ovsdb_uuid l1 = uuid_of(L1);
    assert_true(ovsdb_uuid_equals(ovsdb_idl_get_last_txn_id(idl), &l1));

    /* Both changed rows are tracked since S1, none since S2. */
    const struct ovsdb_idl_row *t = ovsdb_idl_track_first(idl, "Root", s1);
    int n = 0;
    for (; t; t = ovsdb_idl_track_next(t, s1)) {
        assert_true(t == r1 || t == r3);
        n++;
    }
    assert_int_equal(n, 2);
    assert_null(ovsdb_idl_track_first(idl, "Root", s2));

    /* A modify that changes nothing does not bump the seqno; a delete
     * keeps a tombstone with the last values. */
    mock_send(m, "{\"method\":\"update3\",\"id\":null,\"params\":"
                 "[\"nicflow-idl\",\"" L1 "\",{\"Root\":{"
                 "\"" R3 "\":{\"delete\":null},"
                 "\"" R1 "\":{\"modify\":{\"name\":\"a\"}}}}]}");
    wait_seqno_change(idl, m, s2);
    uint64_t s3 = ovsdb_idl_get_seqno(idl);
    assert_null(get_row(idl, "Root", R3));
    assert_int_equal(ovsdb_idl_count_rows(idl, "Root"), 2);
    t = ovsdb_idl_track_first(idl, "Root", s2);
    assert_true(t == r3);
    assert_true(ovsdb_idl_row_is_deleted(t));
    assert_int_equal(ovsdb_idl_row_get_delete_seqno(t), s3);
    assert_string_equal(ovsdb_idl_row_get_string(t, "name"), "c");
    assert_null(ovsdb_idl_track_next(t, s2));
    assert_int_equal(ovsdb_idl_row_get_change_seqno(r1), s2);
    ovsdb_idl_track_clear(idl);
    assert_null(ovsdb_idl_track_first(idl, "Root", s2));

    /* The server's "echo" is answered with its params. */
    mock_send(m, "{\"method\":\"echo\",\"id\":\"e1\",\"params\":[\"x\",1]}");
    run_until(idl, m, got_reply, NULL, "the echo is answered");
    mock_lock(m);
    json_t *reply = json_array_get(m->replies, 0);
    assert_string_equal(json_string_value(json_object_get(reply, "id")), "e1");
    json_t *want = json_pack("[s,i]", "x", 1);
    assert_true(json_equal(json_object_get(reply, "result"), want));
    json_decref(want);
    mock_unlock(m);

    ovsdb_idl_destroy(idl);
    mock_stop(m);
}

/* A bad update makes the IDL drop the session and resync from scratch. */
static void
test_bad_update_resyncs(void **state NF_UNUSED)
{
    struct mock *m = mock_start();
    mock_set_initial(m, initial_two);
    struct ovsdb_idl *idl = idl_for(m);
    assert_int_equal(ovsdb_idl_wait_until_synced(idl, TIMEOUT_MS), 0);

    mock_send(m, "{\"method\":\"update3\",\"id\":null,\"params\":"
                 "[\"nicflow-idl\",\"" L1 "\",{\"Root\":{"
                 "\"" R3 "\":{\"modify\":{\"i\":2}}}}]}");
    wait_synced_n(idl, m, 2);
    assert_int_equal(ovsdb_idl_get_last_errno(idl), EPROTO);
    assert_non_null(strstr(ovsdb_idl_get_last_error(idl), "modify"));
    /* The resync asked for everything. */
    json_t *p = mock_last_request(m, "monitor_cond_since");
    assert_string_equal(json_string_value(json_array_get(p, 3)), ZERO);
    json_decref(p);
    assert_int_equal(ovsdb_idl_count_rows(idl, "Root"), 2);

    ovsdb_idl_destroy(idl);
    mock_stop(m);
}

static bool
last_id_is_l1(struct ovsdb_idl *idl, struct mock *m NF_UNUSED,
              void *aux NF_UNUSED)
{
    struct ovsdb_uuid l1 = uuid_of(L1);
    return ovsdb_uuid_equals(ovsdb_idl_get_last_txn_id(idl), &l1);
}

/* found = false: the reply replaces the replica; unchanged rows keep their
 * seqnos, rows it lacks are deleted. */
static void
test_reconnect_replaces(void **state NF_UNUSED)
{
    struct mock *m = mock_start();
    mock_set_initial(m, initial_two);
    struct ovsdb_idl *idl = idl_for(m);
    assert_int_equal(ovsdb_idl_wait_until_synced(idl, TIMEOUT_MS), 0);

    /* An update with no changes still moves the last transaction id. */
    uint64_t s1 = ovsdb_idl_get_seqno(idl);
    mock_send(m, "{\"method\":\"update3\",\"id\":null,\"params\":"
                 "[\"nicflow-idl\",\"" L1 "\",{}]}");
    run_until(idl, m, last_id_is_l1, NULL, "the last txn id is L1");
    assert_int_equal(ovsdb_idl_get_seqno(idl), s1);

    const struct ovsdb_idl_row *r1 = get_row(idl, "Root", R1);
    const struct ovsdb_idl_row *r2 = get_row(idl, "Root", R2);
    uint64_t r1_change = ovsdb_idl_row_get_change_seqno(r1);

    /* The server restarts with other contents: R1 as it was, R2 renamed,
     * R3 new, K1 gone. */
    mock_set_initial(m, "{\"Root\":{\"" R1 "\":{\"initial\":{\"name\":\"a\","
                        "  \"i\":1,\"s\":[\"set\",[1,2]],"
                        "  \"m\":[\"map\",[[\"k\",\"v\"]]],"
                        "  \"kids\":[\"uuid\",\"" K1 "\"]}},"
                        " \"" R2 "\":{\"initial\":{\"name\":\"b2\"}},"
                        " \"" R3 "\":{\"initial\":{\"name\":\"c\"}}}}");
    mock_close(m);
    wait_synced_n(idl, m, 2);

    /* It resumed from the last id it had. */
    json_t *p = mock_last_request(m, "monitor_cond_since");
    assert_string_equal(json_string_value(json_array_get(p, 3)), L1);
    json_decref(p);
    assert_int_equal(mock_count_requests(m, "get_schema"), 2);

    uint64_t s2 = ovsdb_idl_get_seqno(idl);
    assert_true(s2 > s1);
    assert_true(get_row(idl, "Root", R1) == r1);
    assert_int_equal(ovsdb_idl_row_get_change_seqno(r1), r1_change);
    assert_true(get_row(idl, "Root", R2) == r2);
    assert_string_equal(ovsdb_idl_row_get_string(r2, "name"), "b2");
    assert_int_equal(ovsdb_idl_row_get_change_seqno(r2), s2);
    assert_non_null(get_row(idl, "Root", R3));
    assert_null(get_row(idl, "Kid", K1));
    assert_int_equal(ovsdb_idl_count_rows(idl, "Kid"), 0);
    assert_null(ovsdb_idl_row_get_ref(r1, "kids", 0));
    /* The server sent the zero id with found = false. */
    assert_true(ovsdb_uuid_is_zero(ovsdb_idl_get_last_txn_id(idl)));
    /* Nothing else in the replica was reset: the schema did not change. */
    assert_true(ovsdb_idl_get_schema_seqno(idl) < s1);

    ovsdb_idl_destroy(idl);
    mock_stop(m);
}

/* found = true: the reply is a diff on top of the replica. */
static void
test_reconnect_found(void **state NF_UNUSED)
{
    struct mock *m = mock_start();
    mock_set_initial(m, initial_two);
    struct ovsdb_idl *idl = idl_for(m);
    assert_int_equal(ovsdb_idl_wait_until_synced(idl, TIMEOUT_MS), 0);

    mock_lock(m);
    m->found = true;
    free(m->last_id);
    m->last_id = xstrdup(L1);
    mock_unlock(m);
    mock_set_initial(m, "{\"Root\":{\"" R2 "\":{\"modify\":{\"i\":9}}}}");
    mock_close(m);
    wait_synced_n(idl, m, 2);

    assert_int_equal(ovsdb_idl_count_rows(idl, "Root"), 2);
    assert_int_equal(ovsdb_idl_count_rows(idl, "Kid"), 1);
    assert_int_equal(
        ovsdb_idl_row_get_integer(get_row(idl, "Root", R2), "i", -1), 9);
    assert_string_equal(
        ovsdb_idl_row_get_string(get_row(idl, "Root", R1), "name"), "a");
    struct ovsdb_uuid l1 = uuid_of(L1);
    assert_true(ovsdb_uuid_equals(ovsdb_idl_get_last_txn_id(idl), &l1));

    ovsdb_idl_destroy(idl);
    mock_stop(m);
}

/* A server without monitor_cond_since gets monitor_cond, then update2. */
static void
test_fallback_monitor_cond(void **state NF_UNUSED)
{
    struct mock *m = mock_start();
    m->since = false;
    mock_set_initial(m, initial_two);
    struct ovsdb_idl *idl = idl_for(m);
    assert_int_equal(ovsdb_idl_wait_until_synced(idl, TIMEOUT_MS), 0);
    assert_int_equal(mock_count_requests(m, "monitor_cond_since"), 1);
    assert_int_equal(mock_count_requests(m, "monitor_cond"), 1);
    assert_int_equal(ovsdb_idl_count_rows(idl, "Root"), 2);

    uint64_t s1 = ovsdb_idl_get_seqno(idl);
    mock_send(m, "{\"method\":\"update2\",\"id\":null,\"params\":"
                 "[\"nicflow-idl\",{\"Root\":{\"" R2 "\":{\"modify\":"
                 "{\"b\":true}}}}]}");
    wait_seqno_change(idl, m, s1);
    assert_true(
        ovsdb_idl_row_get_boolean(get_row(idl, "Root", R2), "b", false));

    ovsdb_idl_destroy(idl);
    mock_stop(m);
}

static bool
synced_and_errno(struct ovsdb_idl *idl, struct mock *m NF_UNUSED, void *aux)
{
    return ovsdb_idl_is_synced(idl) && ovsdb_idl_get_sync_count(idl) >= 2
           && ovsdb_idl_get_last_errno(idl) == *(int *) aux;
}

/* _Server.Database is checked when the server has _Server. */
static void
test_server_db(void **state NF_UNUSED)
{
    struct mock *m = mock_start();
    mock_lock(m);
    json_decref(m->dbs);
    m->dbs = json_pack("[s,s]", "_Server", "TestDB");
    m->server_db = parse_json(
        "{\"Database\":{\"" R1 "\":{\"initial\":{\"name\":\"TestDB\","
        "\"model\":\"standalone\",\"connected\":true}}}}");
    mock_unlock(m);
    mock_set_initial(m, initial_two);
    struct ovsdb_idl *idl = idl_for(m);
    assert_int_equal(ovsdb_idl_wait_until_synced(idl, TIMEOUT_MS), 0);

    json_t *p = mock_last_request(m, "monitor_cond");
    assert_string_equal(json_string_value(json_array_get(p, 0)), "_Server");
    json_t *req =
        json_array_get(json_object_get(json_array_get(p, 2), "Database"), 0);
    json_t *want = parse_json("[[\"name\",\"==\",\"TestDB\"]]");
    assert_true(json_equal(json_object_get(req, "where"), want));
    json_decref(want);
    json_decref(p);

    /* The database disconnects: the session is dropped and reopened. */
    mock_send(m, "{\"method\":\"update2\",\"id\":null,\"params\":"
                 "[\"nicflow-idl-server\",{\"Database\":{\"" R1 "\":"
                 "{\"modify\":{\"connected\":false}}}}]}");
    int want_errno = ENOTCONN;
    run_until(idl, m, synced_and_errno, &want_errno, "the session reopens");
    assert_non_null(strstr(ovsdb_idl_get_last_error(idl), "not connected"));
    ovsdb_idl_destroy(idl);

    /* _Server has no row for the database. */
    mock_lock(m);
    json_decref(m->server_db);
    m->server_db = parse_json("{\"Database\":{\"" R1
                              "\":{\"initial\":{\"name\":\"Other\","
                              "\"connected\":true}}}}");
    mock_unlock(m);
    idl = idl_for(m);
    assert_int_equal(ovsdb_idl_wait_until_synced(idl, TIMEOUT_MS), ENOENT);
    assert_non_null(strstr(ovsdb_idl_get_last_error(idl), "does not exist"));
    assert_false(ovsdb_idl_is_synced(idl));
    ovsdb_idl_destroy(idl);

    /* list_dbs does not list it. */
    mock_lock(m);
    json_decref(m->dbs);
    m->dbs = json_pack("[s]", "Other");
    mock_unlock(m);
    idl = idl_for(m);
    assert_int_equal(ovsdb_idl_wait_until_synced(idl, TIMEOUT_MS), ENOENT);
    assert_non_null(
        strstr(ovsdb_idl_get_last_error(idl), "has no database named TestDB"));
    assert_int_equal(ovsdb_idl_get_last_errno(idl), ENOENT);
    ovsdb_idl_destroy(idl);

    mock_stop(m);
}

/* Transactions. */

static const char initial_txn[] =
    "{\"Root\":{\"" R1 "\":{\"initial\":{\"name\":\"a\",\"i\":1,"
    "  \"next_cfg\":7,\"m\":[\"map\",[[\"k\",\"v\"]]],"
    "  \"kids\":[\"uuid\",\"" K1 "\"]}}},"
    " \"Kid\":{\"" K1 "\":{\"initial\":{\"name\":\"k1\"}}}}";

static json_t *
op_of(json_t *params, size_t i)
{
    return json_array_get(params, i);
}

static void
test_txn_ops(void **state NF_UNUSED)
{
    struct mock *m = mock_start();
    mock_set_initial(m, initial_txn);
    struct ovsdb_idl *idl = idl_for(m);
    assert_int_equal(ovsdb_idl_wait_until_synced(idl, TIMEOUT_MS), 0);
    const struct ovsdb_idl_row *r1 = get_row(idl, "Root", R1);

    struct ovsdb_idl_txn *txn = ovsdb_idl_txn_create(idl);
    assert_true(ovsdb_idl_txn_get_idl(txn) == idl);
    assert_int_equal(ovsdb_idl_txn_verify(txn, r1, "name"), 0);
    assert_int_equal(ovsdb_idl_txn_write_string(txn, r1, "name", "a"), 0);
    assert_int_equal(ovsdb_idl_txn_write_integer(txn, r1, "i", 7), 0);
    /* Reads see the transaction's writes. */
    assert_int_equal(ovsdb_idl_row_get_integer(r1, "i", -1), 7);
    const struct ovsdb_idl_row *k2 = ovsdb_idl_txn_insert(txn, "Kid", NULL);
    assert_non_null(k2);
    assert_int_equal(ovsdb_idl_txn_write_string(txn, k2, "name", "k2"), 0);
    assert_string_equal(ovsdb_idl_row_get_string(k2, "name"), "k2");
    assert_int_equal(
        ovsdb_idl_txn_add_uuid(txn, r1, "kids", ovsdb_idl_row_get_uuid(k2)),
        0);
    assert_int_equal(ovsdb_idl_row_get_n(r1, "kids"), 2);
    assert_int_equal(ovsdb_idl_txn_set_map_string(txn, r1, "m", "x", "y"), 0);
    assert_int_equal(ovsdb_idl_txn_set_map_string(txn, r1, "m", "k", NULL), 0);
    ovsdb_idl_txn_add_comment(txn, "hello %d", 1);
    assert_int_equal(ovsdb_idl_txn_increment(txn, r1, "next_cfg"), 0);

    /* Bad writes are refused and change nothing. */
    assert_int_equal(ovsdb_idl_txn_write_string(txn, r1, "nope", "x"), EINVAL);
    assert_int_equal(ovsdb_idl_txn_write_string(txn, r1, "i", "x"), EINVAL);
    assert_int_equal(ovsdb_idl_txn_write_string(txn, r1, "_uuid", "x"),
                     EINVAL);
    assert_int_equal(ovsdb_idl_txn_verify(txn, r1, "nope"), EINVAL);
    assert_null(ovsdb_idl_txn_insert(txn, "Nope", NULL));

    mock_queue_transact(m, "{\"result\":[{},{\"uuid\":[\"uuid\",\"" K2 "\"]},"
                           "{\"count\":1},{},{\"count\":1},"
                           "{\"rows\":[{\"next_cfg\":8}]}]}");
    assert_int_equal(ovsdb_idl_txn_commit_block(txn, TIMEOUT_MS),
                     OVSDB_IDL_TXN_SUCCESS);
    assert_null(ovsdb_idl_txn_get_error(txn));
    struct ovsdb_uuid k2_real = uuid_of(K2);
    const struct ovsdb_uuid *got =
        ovsdb_idl_txn_get_insert_uuid(txn, ovsdb_idl_row_get_uuid(k2));
    assert_non_null(got);
    assert_true(ovsdb_uuid_equals(got, &k2_real));
    assert_int_equal(ovsdb_idl_txn_get_increment_new_value(txn), 8);
    /* Once complete, reads show the replica again. */
    assert_int_equal(ovsdb_idl_row_get_integer(r1, "i", -1), 1);

    /* What was sent. */
    json_t *p = mock_last_request(m, "transact");
    assert_non_null(p);
    assert_int_equal(json_array_size(p), 7);
    assert_string_equal(json_string_value(op_of(p, 0)), "TestDB");
    json_t *want = parse_json(
        "{\"op\":\"wait\",\"table\":\"Root\",\"where\":[[\"_uuid\",\"==\","
        "[\"uuid\",\"" R1 "\"]]],\"columns\":[\"name\"],\"until\":\"==\","
        "\"rows\":[{\"name\":\"a\"}],\"timeout\":0}");
    assert_true(json_equal(op_of(p, 1), want));
    json_decref(want);

    json_t *ins = op_of(p, 2);
    assert_string_equal(json_string_value(json_object_get(ins, "op")),
                        "insert");
    assert_string_equal(json_string_value(json_object_get(ins, "table")),
                        "Kid");
    const char *name = json_string_value(json_object_get(ins, "uuid-name"));
    assert_non_null(name);
    want = parse_json("{\"name\":\"k2\"}");
    assert_true(json_equal(json_object_get(ins, "row"), want));
    json_decref(want);

    json_t *upd = op_of(p, 3);
    assert_string_equal(json_string_value(json_object_get(upd, "op")),
                        "update");
    json_t *row = json_object_get(upd, "row");
    assert_int_equal(json_object_size(row), 3); /* Not "name". */
    assert_int_equal(json_integer_value(json_object_get(row, "i")), 7);
    want = parse_json("[\"map\",[[\"x\",\"y\"]]]");
    assert_true(json_equal(json_object_get(row, "m"), want));
    json_decref(want);
    json_t *kids = json_array_get(json_object_get(row, "kids"), 1);
    assert_int_equal(json_array_size(kids), 2);
    json_t *named = json_pack("[s,s]", "named-uuid", name);
    json_t *k1 = json_pack("[s,s]", "uuid", K1);
    assert_true(json_equal(json_array_get(kids, 0), named)
                || json_equal(json_array_get(kids, 1), named));
    assert_true(json_equal(json_array_get(kids, 0), k1)
                || json_equal(json_array_get(kids, 1), k1));
    json_decref(named);
    json_decref(k1);

    want = parse_json("{\"op\":\"comment\",\"comment\":\"hello 1\"}");
    assert_true(json_equal(op_of(p, 4), want));
    json_decref(want);
    want = parse_json(
        "{\"op\":\"mutate\",\"table\":\"Root\",\"where\":[[\"_uuid\",\"==\","
        "[\"uuid\",\"" R1 "\"]]],\"mutations\":[[\"next_cfg\",\"+=\",1]]}");
    assert_true(json_equal(op_of(p, 5), want));
    json_decref(want);
    want = parse_json(
        "{\"op\":\"select\",\"table\":\"Root\",\"where\":[[\"_uuid\",\"==\","
        "[\"uuid\",\"" R1 "\"]]],\"columns\":[\"next_cfg\"]}");
    assert_true(json_equal(op_of(p, 6), want));
    json_decref(want);
    json_decref(p);

    ovsdb_idl_txn_destroy(txn);
    ovsdb_idl_destroy(idl);
    mock_stop(m);
}

static bool
got_transact(struct ovsdb_idl *idl NF_UNUSED, struct mock *m, void *aux)
{
    return mock_count_requests(m, "transact") >= *(int *) aux;
}

static bool
txn_done(struct ovsdb_idl *idl NF_UNUSED, struct mock *m NF_UNUSED, void *txn)
{
    return ovsdb_idl_txn_get_status(txn) != OVSDB_IDL_TXN_INCOMPLETE;
}

static void
test_txn_statuses(void **state NF_UNUSED)
{
    struct mock *m = mock_start();
    mock_set_initial(m, initial_txn);
    struct ovsdb_idl *idl = idl_for(m);
    assert_int_equal(ovsdb_idl_wait_until_synced(idl, TIMEOUT_MS), 0);
    const struct ovsdb_idl_row *r1 = get_row(idl, "Root", R1);
    const struct ovsdb_idl_row *k1 = get_row(idl, "Kid", K1);

    /* Nothing to change: nothing sent. */
    struct ovsdb_idl_txn *txn = ovsdb_idl_txn_create(idl);
    ovsdb_idl_txn_verify(txn, r1, "i");
    ovsdb_idl_txn_write_integer(txn, r1, "i", 1);
    ovsdb_idl_txn_add_comment(txn, "no-op");
    assert_int_equal(ovsdb_idl_txn_commit(txn), OVSDB_IDL_TXN_UNCHANGED);
    assert_int_equal(ovsdb_idl_txn_commit(txn), OVSDB_IDL_TXN_UNCHANGED);
    ovsdb_idl_txn_destroy(txn);
    assert_int_equal(mock_count_requests(m, "transact"), 0);

    /* A failed "wait": TRY_AGAIN. */
    txn = ovsdb_idl_txn_create(idl);
    ovsdb_idl_txn_verify(txn, r1, "i");
    ovsdb_idl_txn_write_integer(txn, r1, "i", 2);
    mock_queue_transact(m, "{\"result\":[{\"error\":\"timed out\","
                           "\"details\":\"\\\"where\\\" clause test "
                           "failed\"}]}");
    assert_int_equal(ovsdb_idl_txn_commit_block(txn, TIMEOUT_MS),
                     OVSDB_IDL_TXN_TRY_AGAIN);
    assert_non_null(strstr(ovsdb_idl_txn_get_error(txn), "timed out"));
    ovsdb_idl_txn_destroy(txn);

    /* A commit-time error past the last operation: ERROR. */
    txn = ovsdb_idl_txn_create(idl);
    ovsdb_idl_txn_delete(txn, k1);
    mock_queue_transact(
        m, "{\"result\":[{\"count\":1},{\"error\":\"referential integrity "
           "violation\",\"details\":\"cannot delete Kid row\"}]}");
    assert_int_equal(ovsdb_idl_txn_commit_block(txn, TIMEOUT_MS),
                     OVSDB_IDL_TXN_ERROR);
    assert_string_equal(ovsdb_idl_txn_get_error(txn),
                        "referential integrity violation: cannot delete Kid "
                        "row");
    json_t *p = mock_last_request(m, "transact");
    json_t *want = parse_json(
        "[\"TestDB\",{\"op\":\"delete\",\"table\":\"Kid\",\"where\":"
        "[[\"_uuid\",\"==\",[\"uuid\",\"" K1 "\"]]]}]");
    assert_true(json_equal(p, want));
    json_decref(want);
    json_decref(p);
    ovsdb_idl_txn_destroy(txn);

    /* A JSON-RPC error reply: ERROR. */
    txn = ovsdb_idl_txn_create(idl);
    ovsdb_idl_txn_write_integer(txn, r1, "i", 3);
    mock_queue_transact(m, "{\"error\":{\"error\":\"syntax error\","
                           "\"details\":\"bad\"}}");
    assert_int_equal(ovsdb_idl_txn_commit_block(txn, TIMEOUT_MS),
                     OVSDB_IDL_TXN_ERROR);
    assert_string_equal(ovsdb_idl_txn_get_error(txn), "syntax error: bad");
    ovsdb_idl_txn_destroy(txn);

    /* The session is lost before the reply: TRY_AGAIN. */
    txn = ovsdb_idl_txn_create(idl);
    ovsdb_idl_txn_write_integer(txn, r1, "i", 4);
    assert_int_equal(ovsdb_idl_txn_commit(txn), OVSDB_IDL_TXN_INCOMPLETE);
    int n = 4;
    run_until(idl, m, got_transact, &n, "the server has the transaction");
    mock_close(m);
    run_until(idl, m, txn_done, txn, "the transaction completes");
    assert_int_equal(ovsdb_idl_txn_get_status(txn), OVSDB_IDL_TXN_TRY_AGAIN);
    assert_non_null(strstr(ovsdb_idl_txn_get_error(txn), "lost"));
    ovsdb_idl_txn_destroy(txn);
    wait_synced_n(idl, m, 2);

    /* Not synced: TRY_AGAIN at once, nothing sent. */
    txn = ovsdb_idl_txn_create(idl);
    ovsdb_idl_txn_write_integer(txn, r1, "i", 5);
    ovsdb_idl_force_reconnect(idl);
    assert_int_equal(ovsdb_idl_txn_commit(txn), OVSDB_IDL_TXN_TRY_AGAIN);
    assert_non_null(strstr(ovsdb_idl_txn_get_error(txn), "not connected"));
    ovsdb_idl_txn_destroy(txn);

    /* Aborted. */
    wait_synced_n(idl, m, 3);
    txn = ovsdb_idl_txn_create(idl);
    ovsdb_idl_txn_write_integer(txn, r1, "i", 6);
    ovsdb_idl_txn_abort(txn);
    assert_int_equal(ovsdb_idl_txn_commit(txn), OVSDB_IDL_TXN_ABORTED);
    assert_int_equal(ovsdb_idl_row_get_integer(r1, "i", -1), 1);
    ovsdb_idl_txn_destroy(txn);
    assert_int_equal(mock_count_requests(m, "transact"), 4);
    assert_string_equal(
        ovsdb_idl_txn_status_to_string(OVSDB_IDL_TXN_TRY_AGAIN), "try again");

    ovsdb_idl_destroy(idl);
    mock_stop(m);
}

struct retry_ctx {
    const struct ovsdb_uuid *uuid;
    int attempts;
    int64_t read[4];
};

static int
build_increment_i(struct ovsdb_idl_txn *txn, void *ctx_)
{
    struct retry_ctx *ctx = ctx_;
    struct ovsdb_idl *idl = ovsdb_idl_txn_get_idl(txn);
    const struct ovsdb_idl_row *r1 = ovsdb_idl_get_row(idl, "Root", ctx->uuid);
    if (!r1) {
        return ENOENT;
    }
    int64_t i = ovsdb_idl_row_get_integer(r1, "i", 0);
    if (ctx->attempts < 4) {
        ctx->read[ctx->attempts] = i;
    }
    ctx->attempts++;
    ovsdb_idl_txn_verify(txn, r1, "i");
    return ovsdb_idl_txn_write_integer(txn, r1, "i", i + 1);
}

/* A concurrent change makes the first attempt fail; the retry rebuilds
 * from the updated replica. */
static void
test_commit_retry(void **state NF_UNUSED)
{
    struct mock *m = mock_start();
    mock_set_initial(m, initial_txn);
    struct ovsdb_idl *idl = idl_for(m);
    assert_int_equal(ovsdb_idl_wait_until_synced(idl, TIMEOUT_MS), 0);

    /* The server tells of another client's change just before it answers
     * the first attempt, as ovsdb-server does. */
    mock_queue_transact(
        m, "{\"pre\":[{\"method\":\"update3\",\"id\":null,\"params\":"
           "[\"nicflow-idl\",\"" ZERO "\",{\"Root\":{\"" R1 "\":"
           "{\"modify\":{\"i\":10}}}}]}],"
           "\"result\":[{\"error\":\"timed out\",\"details\":\"x\"}]}");
    mock_queue_transact(m, "{\"result\":[{},{\"count\":1}]}");
    struct ovsdb_uuid r1 = uuid_of(R1);
    struct retry_ctx ctx = { .uuid = &r1 };
    struct ovsdb_idl_txn *txn;
    assert_int_equal(ovsdb_idl_txn_commit_retry(idl, build_increment_i, &ctx,
                                                TIMEOUT_MS, &txn),
                     OVSDB_IDL_TXN_SUCCESS);
    assert_int_equal(ctx.attempts, 2);
    assert_int_equal(ctx.read[0], 1);
    assert_int_equal(ctx.read[1], 10);
    ovsdb_idl_txn_destroy(txn);

    json_t *p = mock_last_request(m, "transact");
    json_t *want = parse_json(
        "[\"TestDB\",{\"op\":\"wait\",\"table\":\"Root\",\"where\":"
        "[[\"_uuid\",\"==\",[\"uuid\",\"" R1 "\"]]],\"columns\":[\"i\"],"
        "\"until\":\"==\",\"rows\":[{\"i\":10}],\"timeout\":0},"
        "{\"op\":\"update\",\"table\":\"Root\",\"where\":"
        "[[\"_uuid\",\"==\",[\"uuid\",\"" R1 "\"]]],\"row\":{\"i\":11}}]");
    assert_true(json_equal(p, want));
    json_decref(want);
    json_decref(p);

    /* A build function that gives up: ABORTED, nothing sent. */
    struct ovsdb_uuid nope = uuid_of(R3);
    ctx.uuid = &nope;
    assert_int_equal(ovsdb_idl_txn_commit_retry(idl, build_increment_i, &ctx,
                                                TIMEOUT_MS, NULL),
                     OVSDB_IDL_TXN_ABORTED);
    assert_int_equal(mock_count_requests(m, "transact"), 2);

    ovsdb_idl_destroy(idl);
    mock_stop(m);
}

static bool
lock_state(struct ovsdb_idl *idl, struct mock *m NF_UNUSED, void *aux)
{
    return ovsdb_idl_has_lock(idl) == *(bool *) aux
           && ovsdb_idl_is_lock_contended(idl) != *(bool *) aux;
}

static void
test_lock(void **state NF_UNUSED)
{
    struct mock *m = mock_start();
    mock_set_initial(m, initial_txn);
    struct ovsdb_idl *idl = idl_for(m);
    ovsdb_idl_set_lock(idl, "L");
    assert_int_equal(ovsdb_idl_wait_until_synced(idl, TIMEOUT_MS), 0);
    bool held = false;
    run_until(idl, m, lock_state, &held, "the lock is contended");
    const struct ovsdb_idl_row *r1 = get_row(idl, "Root", R1);

    struct ovsdb_idl_txn *txn = ovsdb_idl_txn_create(idl);
    ovsdb_idl_txn_write_integer(txn, r1, "i", 3);
    assert_int_equal(ovsdb_idl_txn_commit(txn), OVSDB_IDL_TXN_NOT_LOCKED);
    ovsdb_idl_txn_destroy(txn);
    assert_int_equal(mock_count_requests(m, "transact"), 0);

    mock_send(m, "{\"method\":\"locked\",\"id\":null,\"params\":[\"L\"]}");
    held = true;
    run_until(idl, m, lock_state, &held, "the lock is granted");

    txn = ovsdb_idl_txn_create(idl);
    ovsdb_idl_txn_write_integer(txn, r1, "i", 3);
    mock_queue_transact(m, "{\"result\":[{\"error\":\"not owner\","
                           "\"details\":\"Asserted lock L not held.\"}]}");
    assert_int_equal(ovsdb_idl_txn_commit_block(txn, TIMEOUT_MS),
                     OVSDB_IDL_TXN_NOT_LOCKED);
    ovsdb_idl_txn_destroy(txn);
    json_t *p = mock_last_request(m, "transact");
    json_t *want = parse_json("{\"op\":\"assert\",\"lock\":\"L\"}");
    assert_true(json_equal(op_of(p, 1), want));
    json_decref(want);
    json_decref(p);

    mock_send(m, "{\"method\":\"stolen\",\"id\":null,\"params\":[\"L\"]}");
    held = false;
    run_until(idl, m, lock_state, &held, "the lock is stolen");

    ovsdb_idl_destroy(idl);
    mock_stop(m);
}

/* Event loop attachment. */

struct attach_ctx {
    int calls;
    uint64_t last_seqno;
};

static void
attach_cb(struct ovsdb_idl *idl, void *ctx_)
{
    struct attach_ctx *ctx = ctx_;
    ctx->calls++;
    ctx->last_seqno = ovsdb_idl_get_seqno(idl);
}

static void
loop_until(struct evloop *loop, struct ovsdb_idl *idl, unsigned int syncs,
           uint64_t seqno_above, const char *what)
{
    long long deadline = nf_time_msec() + TIMEOUT_MS;
    while (!(ovsdb_idl_is_synced(idl) && ovsdb_idl_get_sync_count(idl) >= syncs
             && ovsdb_idl_get_seqno(idl) > seqno_above)) {
        if (nf_time_msec() > deadline) {
            fail_msg("timed out waiting until %s", what);
        }
        assert_int_equal(evloop_run_once(loop, 100), 0);
    }
}

static void
test_attach(void **state NF_UNUSED)
{
    struct mock *m = mock_start();
    mock_set_initial(m, initial_two);
    struct evloop *loop = evloop_create();
    struct ovsdb_idl *idl = idl_for(m);
    struct attach_ctx ctx = { 0, 0 };

    /* Synced before attaching: the change is still reported, from the
     * loop, although the server sends nothing more. */
    assert_int_equal(ovsdb_idl_wait_until_synced(idl, TIMEOUT_MS), 0);
    assert_int_equal(ovsdb_idl_attach(idl, loop, attach_cb, &ctx), 0);
    assert_int_equal(ctx.calls, 0);
    long long deadline = nf_time_msec() + TIMEOUT_MS;
    while (!ctx.calls && nf_time_msec() < deadline) {
        assert_int_equal(evloop_run_once(loop, 100), 0);
    }
    assert_int_equal(ctx.calls, 1);
    assert_int_equal(ctx.last_seqno, ovsdb_idl_get_seqno(idl));

    uint64_t s1 = ovsdb_idl_get_seqno(idl);
    int calls = ctx.calls;
    mock_send(m, "{\"method\":\"update3\",\"id\":null,\"params\":"
                 "[\"nicflow-idl\",\"" ZERO "\",{\"Root\":{\"" R2 "\":"
                 "{\"delete\":null}}}]}");
    loop_until(loop, idl, 1, s1, "the update is applied");
    assert_true(ctx.calls > calls);
    assert_int_equal(ctx.last_seqno, ovsdb_idl_get_seqno(idl));
    assert_null(get_row(idl, "Root", R2));

    /* The IDL reconnects by itself from the loop. */
    mock_close(m);
    loop_until(loop, idl, 2, 0, "the replica is synced again");
    assert_non_null(get_row(idl, "Root", R2));

    ovsdb_idl_detach(idl);
    ovsdb_idl_destroy(idl);
    evloop_destroy(loop);
    mock_stop(m);
}

static int
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

static int
teardown(void **state NF_UNUSED)
{
    return rmdir(tmpdir) ? -1 : 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_apply_diff),
        cmocka_unit_test(test_initial_contents),
        cmocka_unit_test(test_updates),
        cmocka_unit_test(test_bad_update_resyncs),
        cmocka_unit_test(test_reconnect_replaces),
        cmocka_unit_test(test_reconnect_found),
        cmocka_unit_test(test_fallback_monitor_cond),
        cmocka_unit_test(test_server_db),
        cmocka_unit_test(test_txn_ops),
        cmocka_unit_test(test_txn_statuses),
        cmocka_unit_test(test_commit_retry),
        cmocka_unit_test(test_lock),
        cmocka_unit_test(test_attach),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
