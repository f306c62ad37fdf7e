/* Unit tests for ovsdb/idl's transactions and locks, against the
 * scripted OVSDB server double of ovsdb-idl-mock.h (a thread speaking
 * JSON-RPC over a Unix socket in a private temporary directory): the
 * operations a transaction sends, every status it can end with, retries
 * after a concurrent change, and locks (granted, contended, stolen).  The
 * diff rules, the session and the replica are in test-ovsdb-idl.c. */
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
#include "tests/unit/ovsdb-idl-mock.h"

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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_txn_ops),
        cmocka_unit_test(test_txn_statuses),
        cmocka_unit_test(test_commit_retry),
        cmocka_unit_test(test_lock),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
