/* Unit tests for ovsdb_execute(): every operation of RFC 7047 "transact"
 * and the commit rules (referential integrity, garbage collection, weak
 * references, indexes, maxRows), with atomicity: a failure leaves the
 * database exactly as it was.  Conditions, mutations and the catalogue of
 * error names are in test-ovsdb-query.c. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "lib/util.h"
#include "ovsdb/condition.h"
#include "ovsdb/db.h"
#include "ovsdb/row.h"
#include "ovsdb/schema.h"
#include "ovsdb/txn.h"

#include "tests/unit/ovsdb-testdb.h"

static size_t
count_rows(const struct ovsdb *db, const char *table)
{
    return ovsdb_table_count_rows(ovsdb_get_table(db, table));
}

/* Returns the value of COLUMN of the row UUID in TABLE as JSON, or NULL if
 * there is no such row. */
static json_t *
get_value(const struct ovsdb *db, const char *table, const char *uuid_s,
          const char *column)
{
    const struct ovsdb_table *t = ovsdb_get_table(db, table);
    struct ovsdb_uuid uuid;
    assert_true(ovsdb_uuid_from_string(&uuid, uuid_s));
    const struct ovsdb_row *row = ovsdb_table_find_row(t, &uuid);
    if (!row) {
        return NULL;
    }
    const struct ovsdb_column *c =
        ovsdb_table_schema_get_column(ovsdb_table_get_schema(t), column);
    assert_non_null(c);
    return ovsdb_datum_to_json(ovsdb_row_get_datum(row, c), &c->type);
}

static void
assert_value(const struct ovsdb *db, const char *table, const char *uuid,
             const char *column, const char *expected_s)
{
    json_t *got = get_value(db, table, uuid, column);
    if (!got) {
        fail_msg("%s row %s does not exist", table, uuid);
    }
    json_t *expected = parse(expected_s);
    assert_json_equal(got, expected);
    json_decref(got);
    json_decref(expected);
}

static bool
row_exists(const struct ovsdb *db, const char *table, const char *uuid_s)
{
    struct ovsdb_uuid uuid;
    assert_true(ovsdb_uuid_from_string(&uuid, uuid_s));
    return ovsdb_table_find_row(ovsdb_get_table(db, table), &uuid) != NULL;
}

/* Operations. */

static void
test_insert_select(void **state)
{
    struct ovsdb *db = new_db();
    json_t *result =
        exec(db, "[{\"op\": \"insert\", \"table\": \"Root\","
                 "  \"row\": {\"name\": \"n1\", \"count\": 3}},"
                 " {\"op\": \"select\", \"table\": \"Root\","
                 "  \"where\": [[\"name\", \"==\", \"n1\"]]},"
                 " {\"op\": \"select\", \"table\": \"Root\", \"where\": [],"
                 "  \"columns\": [\"count\", \"name\"]}]");
    assert_success(result, 3);

    /* The insert's result is the new row's UUID, and the select in the
     * same transaction sees the row with every column, defaults included
     * (RFC 7047 section 5.2.1). */
    const json_t *uuid = json_object_get(json_array_get(result, 0), "uuid");
    assert_true(json_is_array(uuid));
    assert_string_equal(json_string_value(json_array_get(uuid, 0)), "uuid");
    const json_t *rows = json_object_get(json_array_get(result, 1), "rows");
    assert_int_equal(json_array_size(rows), 1);
    const json_t *row = json_array_get(rows, 0);
    assert_json_equal(json_object_get(row, "_uuid"), uuid);
    assert_non_null(json_object_get(row, "_version"));
    json_t *expected =
        parse("{\"name\": \"n1\", \"count\": 3, \"ratio\": 0.0,"
              " \"color\": [\"set\", []], \"label\": [\"set\", []],"
              " \"level\": [\"set\", []], \"tags\": [\"map\", []],"
              " \"nums\": [\"set\", []], \"reals\": [\"set\", []],"
              " \"serial\": 0, \"flag\": false, \"note\": [\"set\", []],"
              " \"children\": [\"set\", []], \"watch\": [\"set\", []]}");
    json_t *copy = json_deep_copy(row);
    json_object_del(copy, "_uuid");
    json_object_del(copy, "_version");
    assert_json_equal(copy, expected);
    json_decref(copy);
    json_decref(expected);

    /* "columns" picks the columns. */
    expected = parse("{\"rows\": [{\"count\": 3, \"name\": \"n1\"}]}");
    assert_json_equal(json_array_get(result, 2), expected);
    json_decref(expected);
    json_decref(result);

    assert_int_equal(count_rows(db, "Root"), 1);
    ovsdb_destroy(db);
}

static void
test_named_uuids(void **state)
{
    struct ovsdb *db = new_db();

    /* A reference may come before the insert that names the row. */
    json_t *result = exec(
        db,
        "[{\"op\": \"insert\", \"table\": \"Root\","
        "  \"row\": {\"name\": \"p\","
        "           \"children\": [\"named-uuid\", \"kid\"]}},"
        " {\"op\": \"insert\", \"table\": \"Child\", \"uuid-name\": \"kid\","
        "  \"row\": {\"name\": \"k\", \"leaf\": [\"named-uuid\", \"lf\"]}},"
        " {\"op\": \"insert\", \"table\": \"Leaf\", \"uuid-name\": \"lf\","
        "  \"row\": {\"value\": 9}},"
        " {\"op\": \"select\", \"table\": \"Child\","
        "  \"where\": [[\"_uuid\", \"==\", [\"named-uuid\", \"kid\"]]],"
        "  \"columns\": [\"name\"]}]");
    assert_success(result, 4);
    json_t *expected = parse("{\"rows\": [{\"name\": \"k\"}]}");
    assert_json_equal(json_array_get(result, 3), expected);
    json_decref(expected);

    const char *root = json_string_value(
        json_array_get(json_object_get(json_array_get(result, 0), "uuid"), 1));
    const json_t *kid = json_object_get(json_array_get(result, 1), "uuid");
    json_t *children = get_value(db, "Root", root, "children");
    assert_json_equal(children, kid);
    json_decref(children);
    json_decref(result);
    assert_int_equal(count_rows(db, "Leaf"), 1);

    ovsdb_destroy(db);
}

static void
test_insert_uuid_member(void **state)
{
    struct ovsdb *db = new_db();

    /* ovsdb-server's extension: the client chooses the UUID. */
    json_t *result = exec(
        db,
        "[{\"op\": \"insert\", \"table\": \"Root\", \"uuid\": \"" R1 "\","
        "  \"uuid-name\": \"r\", \"row\": {\"name\": \"a\"}},"
        " {\"op\": \"insert\", \"table\": \"Pair\","
        "  \"row\": {\"a\": \"q\"}},"
        " {\"op\": \"select\", \"table\": \"Root\", \"columns\": [\"name\"],"
        "  \"where\": [[\"_uuid\", \"==\", [\"named-uuid\", \"r\"]]]}]");
    assert_success(result, 3);
    json_t *expected = parse("{\"uuid\": [\"uuid\", \"" R1 "\"]}");
    assert_json_equal(json_array_get(result, 0), expected);
    json_decref(expected);
    assert_int_equal(
        json_array_size(json_object_get(json_array_get(result, 2), "rows")),
        1);
    json_decref(result);
    assert_true(row_exists(db, "Root", R1));
    ovsdb_destroy(db);
}

static void
test_update(void **state)
{
    struct ovsdb *db = setup_db();
    struct ovsdb_txn *txn;

    json_t *result =
        exec_ctx(db, NULL, &txn,
                 "[{\"op\": \"update\", \"table\": \"Root\", \"where\": [],"
                 "  \"row\": {\"flag\": true, \"tags\": [\"map\", []]}}]");
    json_t *expected = parse("[{\"count\": 2}]");
    assert_json_equal(result, expected);
    json_decref(expected);
    json_decref(result);
    assert_non_null(txn);
    ovsdb_txn_destroy(txn);
    assert_value(db, "Root", R2, "flag", "true");
    assert_value(db, "Root", R1, "tags", "[\"map\", []]");

    /* Writing the values a row already has changes nothing: no committed
     * transaction, same _version. */
    json_t *before = get_value(db, "Root", R1, "_version");
    result = exec_ctx(db, NULL, &txn,
                      "[{\"op\": \"update\", \"table\": \"Root\","
                      "  \"where\": [[\"name\", \"==\", \"a\"]],"
                      "  \"row\": {\"count\": 5, \"flag\": true}}]");
    expected = parse("[{\"count\": 1}]");
    assert_json_equal(result, expected);
    json_decref(expected);
    json_decref(result);
    assert_null(txn);
    json_t *after = get_value(db, "Root", R1, "_version");
    assert_json_equal(after, before);
    json_decref(after);

    /* A real change gets a new _version. */
    exec_success(
        db, 1,
        "[{\"op\": \"update\", \"table\": \"Root\","
        "  \"where\": [[\"name\", \"==\", \"a\"]], \"row\": {\"count\": 6}}]");
    after = get_value(db, "Root", R1, "_version");
    assert_false(json_equal(after, before));
    json_decref(after);
    json_decref(before);

    /* No match: count 0. */
    result = exec(db, "[{\"op\": \"update\", \"table\": \"Root\","
                      "  \"where\": [[\"name\", \"==\", \"zz\"]], \"row\": "
                      "{\"count\": 1}}]");
    expected = parse("[{\"count\": 0}]");
    assert_json_equal(result, expected);
    json_decref(expected);
    json_decref(result);
    ovsdb_destroy(db);
}

static void
test_delete_and_gc(void **state)
{
    struct ovsdb *db = setup_db();

    /* Deleting R1 releases C1, which releases L1: both are collected. */
    json_t *result = exec(
        db, "[{\"op\": \"delete\", \"table\": \"Root\","
            "  \"where\": [[\"_uuid\", \"==\", [\"uuid\", \"" R1 "\"]]]}]");
    json_t *expected = parse("[{\"count\": 1}]");
    assert_json_equal(result, expected);
    json_decref(expected);
    json_decref(result);
    assert_false(row_exists(db, "Root", R1));
    assert_false(row_exists(db, "Child", C1));
    assert_false(row_exists(db, "Leaf", L1));
    assert_true(row_exists(db, "Leaf", L2)); /* Still held by A1. */

    /* An unreferenced row inserted into a non-root table is collected at
     * once, though the insert reports its UUID. */
    result = exec(
        db,
        "[{\"op\": \"insert\", \"table\": \"Leaf\", \"row\": {\"value\": 5}},"
        " {\"op\": \"select\", \"table\": \"Leaf\","
        "  \"where\": [[\"value\", \"==\", 5]], \"columns\": [\"value\"]}]");
    assert_success(result, 2);
    assert_int_equal(
        json_array_size(json_object_get(json_array_get(result, 1), "rows")),
        1);
    json_decref(result);
    assert_int_equal(count_rows(db, "Leaf"), 1);

    /* Deleting in a non-root table whose row is referenced but also
     * releasing the reference in the same transaction is fine. */
    exec_success(
        db, 3,
        "[{\"op\": \"insert\", \"table\": \"Root\", \"uuid\": \"" R1 "\","
        "  \"row\": {\"name\": \"again\", \"children\": [\"named-uuid\","
        "  \"c\"]}},"
        " {\"op\": \"insert\", \"table\": \"Child\", \"uuid-name\": \"c\","
        "  \"row\": {\"name\": \"cc\"}},"
        " {\"op\": \"delete\", \"table\": \"Anchor\", \"where\": []}]");
    assert_int_equal(count_rows(db, "Child"), 1);
    assert_int_equal(count_rows(db, "Leaf"), 0); /* L2 lost A1. */
    exec_success(
        db, 2,
        "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
        "  \"mutations\": [[\"children\", \"delete\", [\"set\", []]]]},"
        " {\"op\": \"update\", \"table\": \"Root\", \"where\": [],"
        "  \"row\": {\"children\": [\"set\", []]}}]");
    assert_int_equal(count_rows(db, "Child"), 0);
    ovsdb_destroy(db);
}

static void
test_weak_refs(void **state)
{
    struct ovsdb *db = setup_db();

    /* Deleting A1 collects L2; R1's weak reference to it goes. */
    exec_success(
        db, 1, "[{\"op\": \"delete\", \"table\": \"Anchor\", \"where\": []}]");
    assert_false(row_exists(db, "Leaf", L2));
    assert_value(db, "Root", R1, "watch", "[\"set\", []]");

    /* Weak references to rows that never existed are dropped at commit;
     * a weak map loses the whole pair. */
    exec_success(db, 2,
                 "[{\"op\": \"update\", \"table\": \"Root\", \"where\": [],"
                 "  \"row\": {\"watch\": [\"set\", [[\"uuid\", \"" NOROW "\"],"
                 "                                [\"uuid\", \"" L1 "\"]]]}},"
                 " {\"op\": \"mutate\", \"table\": \"Child\", \"where\": [],"
                 "  \"mutations\": [[\"peers\", \"insert\", [\"map\","
                 "   [[\"ghost\", [\"uuid\", \"" NOROW "\"]]]]]]}]");
    assert_value(db, "Root", R1, "watch", "[\"uuid\", \"" L1 "\"]");
    assert_value(db, "Child", C1, "peers",
                 "[\"map\", [[\"self\", [\"uuid\", \"" C1 "\"]]]]");

    /* A referrer modified in the same transaction loses the reference
     * too. */
    exec_success(
        db, 3,
        "[{\"op\": \"insert\", \"table\": \"Leaf\", \"uuid\": \"" L2 "\","
        "  \"row\": {\"value\": 2}},"
        " {\"op\": \"insert\", \"table\": \"Anchor\", \"uuid\": \"" A1 "\","
        "  \"row\": {\"must\": [\"uuid\", \"" L2 "\"],"
        "           \"held\": [\"map\", [[1, [\"uuid\", \"" L2 "\"]]]]}},"
        " {\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
        "  \"mutations\": [[\"watch\", \"insert\", [\"uuid\", \"" L2
        "\"]]]}]");
    assert_value(db, "Root", R1, "watch",
                 "[\"set\", [[\"uuid\", \"" L1 "\"], [\"uuid\", \"" L2
                 "\"]]]");
    exec_success(db, 2,
                 "[{\"op\": \"update\", \"table\": \"Root\", \"where\": [],"
                 "  \"row\": {\"count\": 9}},"
                 " {\"op\": \"delete\", \"table\": \"Root\","
                 "  \"where\": [[\"name\", \"==\", \"a\"]]}]");
    assert_false(row_exists(db, "Leaf", L1)); /* C1 and L1 collected. */
    assert_true(row_exists(db, "Leaf", L2));
    ovsdb_destroy(db);
}

static void
test_index_swap(void **state)
{
    struct ovsdb *db = setup_db();

    /* Two rows may exchange unique values within one transaction: only the
     * result must be unique. */
    exec_success(db, 3,
                 "[{\"op\": \"update\", \"table\": \"Root\","
                 "  \"where\": [[\"name\", \"==\", \"a\"]], \"row\": "
                 "{\"name\": \"t\"}},"
                 " {\"op\": \"update\", \"table\": \"Root\","
                 "  \"where\": [[\"name\", \"==\", \"b\"]], \"row\": "
                 "{\"name\": \"a\"}},"
                 " {\"op\": \"update\", \"table\": \"Root\","
                 "  \"where\": [[\"name\", \"==\", \"t\"]], \"row\": "
                 "{\"name\": \"b\"}}]");
    assert_value(db, "Root", R1, "name", "\"b\"");
    assert_value(db, "Root", R2, "name", "\"a\"");

    /* Index look-ups see the transaction's own changes, and the
     * committed index afterward. */
    json_t *result = exec(
        db,
        "[{\"op\": \"update\", \"table\": \"Root\","
        "  \"where\": [[\"name\", \"==\", \"a\"]], \"row\": {\"name\": "
        "\"z\"}},"
        " {\"op\": \"select\", \"table\": \"Root\", \"columns\": [\"_uuid\"],"
        "  \"where\": [[\"name\", \"==\", \"z\"]]},"
        " {\"op\": \"select\", \"table\": \"Root\", \"columns\": [\"_uuid\"],"
        "  \"where\": [[\"name\", \"==\", \"a\"]]},"
        " {\"op\": \"select\", \"table\": \"Root\", \"columns\": [\"_uuid\"],"
        "  \"where\": [[\"name\", \"==\", \"b\"]]}]");
    json_t *expected = parse(
        "[{\"count\": 1}, {\"rows\": [{\"_uuid\": [\"uuid\", \"" R2 "\"]}]},"
        " {\"rows\": []},"
        " {\"rows\": [{\"_uuid\": [\"uuid\", \"" R1 "\"]}]}]");
    assert_json_equal(result, expected);
    json_decref(expected);
    json_decref(result);

    /* Deleting a row frees its value for a new row. */
    exec_success(db, 2,
                 "[{\"op\": \"delete\", \"table\": \"Pair\", \"where\": []},"
                 " {\"op\": \"insert\", \"table\": \"Pair\","
                 "  \"row\": {\"a\": \"x\", \"b\": 1}}]");
    result = exec(
        db, "[{\"op\": \"select\", \"table\": \"Pair\", \"columns\": [\"a\"],"
            "  \"where\": [[\"b\", \"==\", 1], [\"a\", \"==\", \"x\"]]}]");
    expected = parse("[{\"rows\": [{\"a\": \"x\"}]}]");
    assert_json_equal(result, expected);
    json_decref(expected);
    json_decref(result);
    ovsdb_destroy(db);
}

static void
test_wait(void **state)
{
    struct ovsdb *db = setup_db();
    static const char wait_fmt[] =
        "[{\"op\": \"wait\", \"table\": \"Root\", \"timeout\": %d,"
        "  \"where\": [[\"name\", \"==\", \"a\"]], \"columns\": [\"count\"],"
        "  \"until\": \"%s\", \"rows\": [{\"count\": %d}]},"
        " {\"op\": \"mutate\", \"table\": \"Root\","
        "  \"where\": [[\"name\", \"==\", \"a\"]],"
        "  \"mutations\": [[\"level\", \"+=\", 1]]}]";
    char ops[1024];

    /* The second operation counts, in R1's "level" (initially 3), how many
     * times the transaction ran. */

    /* Satisfied waits succeed with an empty result object. */
    snprintf(ops, sizeof ops, wait_fmt, 0, "==", 5);
    exec_success(db, 2, ops);
    snprintf(ops, sizeof ops, wait_fmt, 0, "!=", 4);
    exec_success(db, 2, ops);

    /* With timeout 0, an unsatisfied wait fails at once. */
    snprintf(ops, sizeof ops, wait_fmt, 0, "==", 4);
    json_t *result = exec(db, ops);
    assert_error(result, 2, 0, "timed out");
    json_decref(result);

    /* With a timeout, the transaction must wait: nothing happens yet. */
    snprintf(ops, sizeof ops, wait_fmt, 1000, "==", 6);
    json_t *json = parse(ops);
    struct ovsdb_exec_ctx ctx = { .start_msec = 10000, .now_msec = 10500 };
    struct ovsdb_txn *txn = (void *) 1;
    bool must_wait = false;
    long long deadline = 0;
    assert_null(ovsdb_execute(db, json, &ctx, &txn, &must_wait, &deadline));
    assert_true(must_wait);
    assert_int_equal(deadline, 11000);
    assert_null(txn);
    assert_value(db, "Root", R1, "level", "5");

    /* After the database changes, the retry succeeds. */
    exec_success(
        db, 1,
        "[{\"op\": \"update\", \"table\": \"Root\","
        "  \"where\": [[\"name\", \"==\", \"a\"]], \"row\": {\"count\": 6}}]");
    result = ovsdb_execute(db, json, &ctx, &txn, &must_wait, &deadline);
    assert_false(must_wait);
    assert_success(result, 2);
    json_decref(result);
    ovsdb_txn_destroy(txn);
    assert_value(db, "Root", R1, "level", "6");

    /* At the deadline it fails with "timed out". */
    exec_success(
        db, 1,
        "[{\"op\": \"update\", \"table\": \"Root\","
        "  \"where\": [[\"name\", \"==\", \"a\"]], \"row\": {\"count\": 7}}]");
    ctx.now_msec = 11000;
    result = ovsdb_execute(db, json, &ctx, &txn, &must_wait, &deadline);
    assert_false(must_wait);
    assert_error(result, 2, 0, "timed out");
    json_decref(result);

    /* A caller that cannot wait gets "timed out" at once. */
    ctx.now_msec = 10500;
    result = ovsdb_execute(db, json, &ctx, &txn, NULL, NULL);
    assert_error(result, 2, 0, "timed out");
    json_decref(result);
    json_decref(json);

    /* No timeout at all: wait forever. */
    json = parse("[{\"op\": \"wait\", \"table\": \"Root\", \"where\": [],"
                 "  \"until\": \"==\", \"rows\": []}]");
    assert_null(ovsdb_execute(db, json, NULL, &txn, &must_wait, &deadline));
    assert_true(must_wait);
    assert_true(deadline == LLONG_MAX);
    json_decref(json);

    /* "rows" compares as a set: duplicates do not matter, and every row
     * of the result must be in it. */
    exec_success(
        db, 1,
        "[{\"op\": \"wait\", \"table\": \"Root\","
        "  \"where\": [[\"name\", \"==\", \"b\"]],"
        "  \"columns\": [\"flag\"], \"until\": \"==\", \"timeout\": 0,"
        "  \"rows\": [{\"flag\": false}, {\"flag\": false}]}]");
    exec_success(
        db, 1,
        "[{\"op\": \"wait\", \"table\": \"Root\", \"where\": [],"
        "  \"columns\": [\"flag\"], \"until\": \"!=\", \"timeout\": 0,"
        "  \"rows\": [{\"flag\": false}]}]");

    /* Without "columns", every column counts, "_uuid" included. */
    exec_success(db, 1,
                 "[{\"op\": \"wait\", \"table\": \"Leaf\","
                 "  \"where\": [[\"value\", \"==\", 1]], \"until\": \"!=\","
                 "  \"timeout\": 0, \"rows\": [{\"value\": 1}]}]");
    ovsdb_destroy(db);
}

static bool
owns_lock(const char *lock, void *aux)
{
    return !strcmp(lock, (const char *) aux);
}

static void
test_commit_comment_assert(void **state)
{
    struct ovsdb *db = new_db();
    struct ovsdb_txn *txn;
    struct ovsdb_exec_ctx ctx = { .lock_owned = owns_lock, .aux = "mine" };

    json_t *result =
        exec_ctx(db, &ctx, &txn,
                 "[{\"op\": \"comment\", \"comment\": \"first\"},"
                 " {\"op\": \"insert\", \"table\": \"Leaf\", \"row\": {}},"
                 " {\"op\": \"insert\", \"table\": \"Limited\", \"row\": {}},"
                 " {\"op\": \"commit\", \"durable\": true},"
                 " {\"op\": \"assert\", \"lock\": \"mine\"},"
                 " {\"op\": \"comment\", \"comment\": \"second\"}]");
    json_t *expected = parse("[{}, {\"uuid\": 0}, {\"uuid\": 0}, {}, {}, {}]");
    assert_int_equal(json_array_size(result), 6);
    for (size_t i = 0; i < 6; i++) {
        if (i == 1 || i == 2) {
            assert_non_null(
                json_object_get(json_array_get(result, i), "uuid"));
        } else {
            assert_json_equal(json_array_get(result, i),
                              json_array_get(expected, i));
        }
    }
    json_decref(expected);
    json_decref(result);
    assert_non_null(txn);
    assert_true(ovsdb_txn_is_durable(txn));
    assert_string_equal(ovsdb_txn_get_comment(txn), "first\nsecond");
    assert_true(ovsdb_txn_get_date(txn) > 0);
    ovsdb_txn_destroy(txn);
    assert_int_equal(count_rows(db, "Limited"), 1);
    assert_int_equal(count_rows(db, "Leaf"), 0); /* Collected. */

    /* "durable": false does not make it durable. */
    result =
        exec_ctx(db, NULL, &txn,
                 "[{\"op\": \"insert\", \"table\": \"Limited\", \"row\": {}},"
                 " {\"op\": \"commit\", \"durable\": false}]");
    assert_success(result, 2);
    json_decref(result);
    assert_non_null(txn);
    assert_false(ovsdb_txn_is_durable(txn));
    assert_null(ovsdb_txn_get_comment(txn));
    ovsdb_txn_destroy(txn);

    /* Another session's lock. */
    result = exec_ctx(db, &ctx, NULL,
                      "[{\"op\": \"assert\", \"lock\": \"theirs\"}]");
    assert_error(result, 1, 0, "not owner");
    json_decref(result);
    ovsdb_destroy(db);
}

static void
test_read_only(void **state)
{
    struct ovsdb *db = setup_db();
    struct ovsdb_exec_ctx ctx = { .read_only = true };

    json_t *result =
        exec_ctx(db, &ctx, NULL,
                 "[{\"op\": \"select\", \"table\": \"Root\", \"where\": []},"
                 " {\"op\": \"delete\", \"table\": \"Root\", \"where\": []}]");
    assert_error(result, 2, 1, "not allowed");
    json_decref(result);
    assert_int_equal(count_rows(db, "Root"), 2);
    ovsdb_destroy(db);
}

static void
test_not_an_array(void **state)
{
    struct ovsdb *db = new_db();
    json_t *json = parse("{\"op\": \"select\"}");
    struct ovsdb_txn *txn;
    json_t *result = ovsdb_execute(db, json, NULL, &txn, NULL, NULL);
    assert_int_equal(json_array_size(result), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(result, 0), "error")),
        "syntax error");
    json_decref(result);
    json_decref(json);

    /* An empty transaction succeeds with an empty result. */
    result = exec(db, "[]");
    assert_int_equal(json_array_size(result), 0);
    json_decref(result);
    ovsdb_destroy(db);
}

static void
test_atomicity(void **state)
{
    /* Many changes, then a failure: none of the changes remain, and the
     * committed indexes and reference counts still work afterward. */
    struct ovsdb *db = setup_db();
    json_t *before = ovsdb_snapshot_to_json(db);

    json_t *result =
        exec(db, "[{\"op\": \"insert\", \"table\": \"Root\","
                 "  \"row\": {\"name\": \"new\"}},"
                 " {\"op\": \"update\", \"table\": \"Root\","
                 "  \"where\": [[\"name\", \"==\", \"a\"]], \"row\": "
                 "{\"name\": \"q\"}},"
                 " {\"op\": \"delete\", \"table\": \"Root\","
                 "  \"where\": [[\"name\", \"==\", \"b\"]]},"
                 " {\"op\": \"delete\", \"table\": \"Anchor\", \"where\": []},"
                 " {\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
                 "  \"mutations\": [[\"count\", \"+=\", 1]]},"
                 " {\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
                 "  \"mutations\": [[\"count\", \"/=\", 0]]}]");
    assert_error(result, 6, 5, "domain error");
    json_decref(result);
    json_t *after = ovsdb_snapshot_to_json(db);
    assert_json_equal(after, before);
    json_decref(after);

    /* The same changes, failing at commit instead. */
    result =
        exec(db, "[{\"op\": \"insert\", \"table\": \"Root\","
                 "  \"row\": {\"name\": \"new\"}},"
                 " {\"op\": \"update\", \"table\": \"Root\","
                 "  \"where\": [[\"name\", \"==\", \"a\"]], \"row\": "
                 "{\"name\": \"q\"}},"
                 " {\"op\": \"delete\", \"table\": \"Anchor\", \"where\": []},"
                 " {\"op\": \"insert\", \"table\": \"Root\","
                 "  \"row\": {\"name\": \"b\"}}]");
    assert_error(result, 4, 4, "constraint violation");
    json_decref(result);
    after = ovsdb_snapshot_to_json(db);
    assert_json_equal(after, before);
    json_decref(after);
    json_decref(before);

    /* The index still finds "a" and still refuses a second "b"; reference
     * counts still protect L1. */
    result = exec(
        db,
        "[{\"op\": \"select\", \"table\": \"Root\", \"columns\": [\"name\"],"
        "  \"where\": [[\"name\", \"==\", \"a\"]]}]");
    json_t *expected = parse("[{\"rows\": [{\"name\": \"a\"}]}]");
    assert_json_equal(result, expected);
    json_decref(expected);
    json_decref(result);
    result = exec(db, "[{\"op\": \"insert\", \"table\": \"Root\","
                      "  \"row\": {\"name\": \"b\"}}]");
    assert_error(result, 1, 1, "constraint violation");
    json_decref(result);
    result = exec(db, "[{\"op\": \"delete\", \"table\": \"Leaf\","
                      "  \"where\": [[\"value\", \"==\", 1]]}]");
    assert_error(result, 1, 1, "referential integrity violation");
    json_decref(result);
    ovsdb_destroy(db);
}

static void
test_many_rows(void **state)
{
    /* Enough rows to resize the maps; index and UUID look-ups stay exact. */
    enum { N = 2000 };
    struct ovsdb *db = new_db();
    char ops[256];

    for (int i = 0; i < N; i++) {
        snprintf(ops, sizeof ops,
                 "[{\"op\": \"insert\", \"table\": \"Root\","
                 "  \"row\": {\"name\": \"r%d\", \"count\": %d}}]",
                 i, i % 100);
        exec_success(db, 1, ops);
    }
    assert_int_equal(count_rows(db, "Root"), N);
    for (int i = 0; i < N; i += 97) {
        snprintf(ops, sizeof ops,
                 "[{\"op\": \"select\", \"table\": \"Root\","
                 "  \"where\": [[\"name\", \"==\", \"r%d\"]],"
                 "  \"columns\": [\"count\"]}]",
                 i);
        json_t *result = exec(db, ops);
        const json_t *rows =
            json_object_get(json_array_get(result, 0), "rows");
        assert_int_equal(json_array_size(rows), 1);
        assert_int_equal(json_integer_value(json_object_get(
                             json_array_get(rows, 0), "count")),
                         i % 100);
        json_decref(result);
    }
    json_t *result = exec(db, "[{\"op\": \"delete\", \"table\": \"Root\","
                              "  \"where\": [[\"count\", \">=\", 50]]}]");
    json_t *expected = parse("[{\"count\": 1000}]");
    assert_json_equal(result, expected);
    json_decref(expected);
    json_decref(result);
    assert_int_equal(count_rows(db, "Root"), N / 2);
    ovsdb_destroy(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_select),
        cmocka_unit_test(test_named_uuids),
        cmocka_unit_test(test_insert_uuid_member),
        cmocka_unit_test(test_update),
        cmocka_unit_test(test_delete_and_gc),
        cmocka_unit_test(test_weak_refs),
        cmocka_unit_test(test_index_swap),
        cmocka_unit_test(test_wait),
        cmocka_unit_test(test_commit_comment_assert),
        cmocka_unit_test(test_read_only),
        cmocka_unit_test(test_not_an_array),
        cmocka_unit_test(test_atomicity),
        cmocka_unit_test(test_many_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
