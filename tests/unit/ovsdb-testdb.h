/* ovsdb-testdb.h: the test database shared by the OVSDB transaction unit
 * tests (test-ovsdb-txn.c, test-ovsdb-query.c): its schema, its starting
 * rows and helpers that execute transactions and check their results.
 * Include after <cmocka.h>.  Every helper is static and may go unused in
 * one of the including files. */
#ifndef NICFLOW_TESTS_OVSDB_TESTDB_H
#define NICFLOW_TESTS_OVSDB_TESTDB_H 1

#include <jansson.h>

#include "lib/util.h"
#include "ovsdb/db.h"
#include "ovsdb/schema.h"
#include "tests/unit/json-test.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"

/* Root tables Root, Anchor, Limited, Pair; non-root Child and Leaf.  Root
 * refers strongly to Child and weakly to Leaf; Child strongly to Leaf and
 * weakly to other Children; Anchor weakly (with a minimum of 1) and
 * strongly to Leaf. */
static const char test_schema[] =
    "{"
    "\"name\": \"TestDB\", \"version\": \"1.2.3\", \"tables\": {"
    " \"Root\": {\"isRoot\": true, \"indexes\": [[\"name\"]], \"columns\": {"
    "   \"name\": {\"type\": \"string\"},"
    "   \"children\": {\"type\": {\"key\": {\"type\": \"uuid\","
    "      \"refTable\": \"Child\"}, \"min\": 0, \"max\": \"unlimited\"}},"
    "   \"watch\": {\"type\": {\"key\": {\"type\": \"uuid\","
    "      \"refTable\": \"Leaf\", \"refType\": \"weak\"}, \"min\": 0,"
    "      \"max\": \"unlimited\"}},"
    "   \"count\": {\"type\": {\"key\": {\"type\": \"integer\","
    "      \"minInteger\": 0, \"maxInteger\": 100}}},"
    "   \"ratio\": {\"type\": {\"key\": {\"type\": \"real\","
    "      \"minReal\": 0, \"maxReal\": 1}}},"
    "   \"color\": {\"type\": {\"key\": {\"type\": \"string\", \"enum\":"
    "      [\"set\", [\"red\", \"green\", \"blue\"]]}, \"min\": 0,"
    "      \"max\": 1}},"
    "   \"label\": {\"type\": {\"key\": {\"type\": \"string\","
    "      \"minLength\": 1, \"maxLength\": 8}, \"min\": 0, \"max\": 1}},"
    "   \"level\": {\"type\": {\"key\": \"integer\", \"min\": 0,"
    "      \"max\": 1}},"
    "   \"tags\": {\"type\": {\"key\": \"string\", \"value\": \"string\","
    "      \"min\": 0, \"max\": \"unlimited\"}},"
    "   \"nums\": {\"type\": {\"key\": \"integer\", \"min\": 0,"
    "      \"max\": 4}},"
    "   \"reals\": {\"type\": {\"key\": \"real\", \"min\": 0,"
    "      \"max\": \"unlimited\"}},"
    "   \"serial\": {\"type\": \"integer\", \"mutable\": false},"
    "   \"flag\": {\"type\": \"boolean\"},"
    "   \"note\": {\"type\": {\"key\": \"string\", \"min\": 0, \"max\": 1},"
    "      \"ephemeral\": true}}},"
    " \"Child\": {\"columns\": {"
    "   \"name\": {\"type\": \"string\"},"
    "   \"leaf\": {\"type\": {\"key\": {\"type\": \"uuid\","
    "      \"refTable\": \"Leaf\"}, \"min\": 0, \"max\": 1}},"
    "   \"peers\": {\"type\": {\"key\": \"string\", \"value\": {\"type\":"
    "      \"uuid\", \"refTable\": \"Child\", \"refType\": \"weak\"},"
    "      \"min\": 0, \"max\": \"unlimited\"}}}},"
    " \"Leaf\": {\"columns\": {\"value\": {\"type\": \"integer\"}}},"
    " \"Anchor\": {\"isRoot\": true, \"columns\": {"
    "   \"must\": {\"type\": {\"key\": {\"type\": \"uuid\","
    "      \"refTable\": \"Leaf\", \"refType\": \"weak\"}}},"
    "   \"held\": {\"type\": {\"key\": \"integer\", \"value\": {\"type\":"
    "      \"uuid\", \"refTable\": \"Leaf\"}, \"min\": 0,"
    "      \"max\": \"unlimited\"}}}},"
    " \"Limited\": {\"isRoot\": true, \"maxRows\": 2, \"columns\": {"
    "   \"n\": {\"type\": \"integer\"}}},"
    " \"Pair\": {\"isRoot\": true, \"indexes\": [[\"a\", \"b\"]],"
    "   \"columns\": {\"a\": {\"type\": \"string\"},"
    "                 \"b\": {\"type\": \"integer\"}}}}}";

/* Fixed UUIDs of the rows setup_rows() inserts. */
#define R1 "11111111-0000-4000-8000-000000000001"
#define C1 "11111111-0000-4000-8000-000000000002"
#define L1 "11111111-0000-4000-8000-000000000003"
#define L2 "11111111-0000-4000-8000-000000000004"
#define A1 "11111111-0000-4000-8000-000000000005"
#define P1 "11111111-0000-4000-8000-000000000006"
#define R2 "11111111-0000-4000-8000-000000000007"
#define NOROW "99999999-0000-4000-8000-000000000009"

/* Root "a" (R1) holds Child C1, which holds Leaf L1 and names itself as a
 * weak peer; R1 watches L2, which Anchor A1 holds strongly and must have
 * weakly.  Root "b" (R2) is plain. */
static const char setup_ops[] =
    "["
    "{\"op\": \"insert\", \"table\": \"Root\", \"uuid\": \"" R1 "\","
    " \"row\": {\"name\": \"a\", \"count\": 5, \"ratio\": 0.5,"
    "  \"level\": 3, \"nums\": [\"set\", [1, 2]],"
    "  \"tags\": [\"map\", [[\"k\", \"v\"]]], \"serial\": 7,"
    "  \"flag\": true, \"children\": [\"uuid\", \"" C1 "\"],"
    "  \"watch\": [\"uuid\", \"" L2 "\"]}},"
    "{\"op\": \"insert\", \"table\": \"Child\", \"uuid\": \"" C1 "\","
    " \"row\": {\"name\": \"c1\", \"leaf\": [\"uuid\", \"" L1 "\"],"
    "  \"peers\": [\"map\", [[\"self\", [\"uuid\", \"" C1 "\"]]]]}},"
    "{\"op\": \"insert\", \"table\": \"Leaf\", \"uuid\": \"" L1 "\","
    " \"row\": {\"value\": 1}},"
    "{\"op\": \"insert\", \"table\": \"Leaf\", \"uuid\": \"" L2 "\","
    " \"row\": {\"value\": 2}},"
    "{\"op\": \"insert\", \"table\": \"Anchor\", \"uuid\": \"" A1 "\","
    " \"row\": {\"must\": [\"uuid\", \"" L2 "\"],"
    "  \"held\": [\"map\", [[1, [\"uuid\", \"" L2 "\"]]]]}},"
    "{\"op\": \"insert\", \"table\": \"Pair\", \"uuid\": \"" P1 "\","
    " \"row\": {\"a\": \"x\", \"b\": 1}},"
    "{\"op\": \"insert\", \"table\": \"Root\", \"uuid\": \"" R2 "\","
    " \"row\": {\"name\": \"b\", \"count\": 50}}]";

static struct ovsdb *
new_db(void)
{
    json_t *json = parse(test_schema);
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = NULL;
    if (ovsdb_schema_from_json(json, &schema, &error)) {
        fail_msg("test schema: %s", ovsdb_error_to_string(error));
    }
    json_decref(json);
    return ovsdb_create(schema);
}

/* Executes OPS (a JSON array, as text) with CTX.  Returns the result; the
 * committed transaction goes to *TXNP if TXNP is nonnull, else is freed. */
static json_t *
exec_ctx(struct ovsdb *db, const struct ovsdb_exec_ctx *ctx,
         struct ovsdb_txn **txnp, const char *ops)
{
    json_t *json = parse(ops);
    struct ovsdb_txn *txn;
    bool must_wait;
    long long deadline;
    json_t *result = ovsdb_execute(db, json, ctx, &txn, &must_wait, &deadline);
    json_decref(json);
    assert_false(must_wait);
    assert_non_null(result);
    if (txnp) {
        *txnp = txn;
    } else {
        ovsdb_txn_destroy(txn);
    }
    return result;
}

static json_t *
exec(struct ovsdb *db, const char *ops)
{
    return exec_ctx(db, NULL, NULL, ops);
}

/* Asserts that RESULT, for N operations, reports success for all. */
static void
assert_success(const json_t *result, size_t n)
{
    if (json_array_size(result) != n) {
        fail_msg("expected %zu results: %s", n, dump(result));
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *r = json_array_get(result, i);
        if (!json_is_object(r) || json_object_get(r, "error")) {
            fail_msg("operation %zu failed: %s", i, dump(result));
        }
    }
}

/* Asserts that RESULT, for N operations, has its first error in slot IDX
 * (N for a commit failure: an extra element) with name TAG, successes
 * before it and nulls after it. */
static void
assert_error(const json_t *result, size_t n, size_t idx, const char *tag)
{
    size_t expected_size = idx < n ? n : n + 1;
    if (json_array_size(result) != expected_size) {
        fail_msg("expected %zu results: %s", expected_size, dump(result));
    }
    for (size_t i = 0; i < expected_size; i++) {
        const json_t *r = json_array_get(result, i);
        const json_t *error = json_object_get(r, "error");
        if (i < idx) {
            if (!json_is_object(r) || error) {
                fail_msg("slot %zu should succeed: %s", i, dump(result));
            }
        } else if (i == idx) {
            if (!json_is_string(error)
                || strcmp(json_string_value(error), tag)) {
                fail_msg("slot %zu should be \"%s\": %s", i, tag,
                         dump(result));
            }
            const json_t *details = json_object_get(r, "details");
            if (!json_is_string(details) || !json_string_length(details)) {
                fail_msg("error without details: %s", dump(result));
            }
        } else if (!json_is_null(r)) {
            fail_msg("slot %zu should be null: %s", i, dump(result));
        }
    }
}

static void
exec_success(struct ovsdb *db, size_t n, const char *ops)
{
    json_t *result = exec(db, ops);
    assert_success(result, n);
    json_decref(result);
}

static struct ovsdb *
setup_db(void)
{
    struct ovsdb *db = new_db();
    exec_success(db, 7, setup_ops);
    return db;
}

#pragma GCC diagnostic pop

#endif
