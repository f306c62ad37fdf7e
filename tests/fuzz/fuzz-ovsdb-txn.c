/* libFuzzer target for ovsdb_execute(): the input is parsed as JSON and run
 * as the operations of one "transact" request against a small database
 * (the schema and rows of tests/unit/test-ovsdb-txn.c: root and non-root
 * tables, strong and weak references, indexes, maxRows, an immutable and an
 * ephemeral column), freshly made for each input.
 *
 * Besides the sanitizers' checks (no crash, no leak, no undefined
 * behaviour), these properties are checked and a violation aborts:
 *   - the result is an array (or NULL exactly when the transaction must
 *     wait), with one element per operation, or one more for a commit
 *     failure, and a failed transaction leaves the database unchanged;
 *   - the database's snapshot applies to an empty database and gives the
 *     same snapshot back (so every commit rule still holds: applying
 *     checks them all);
 *   - the committed transaction's change record, applied on top of the
 *     starting contents, gives the same database as executing did. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/db.h"
#include "ovsdb/schema.h"
#include "ovsdb/txn.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(COND)                                                          \
    do {                                                                     \
        if (!(COND)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #COND);                                                  \
            abort();                                                         \
        }                                                                    \
    } while (0)

static const char schema_text[] =
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

/* The starting rows, with the UUIDs the seed corpus refers to. */
static const char setup_text[] =
    "{"
    " \"Root\": {"
    "  \"11111111-0000-4000-8000-000000000001\": {\"name\": \"a\","
    "   \"count\": 5, \"ratio\": 0.5, \"level\": 3,"
    "   \"nums\": [\"set\", [1, 2]], \"tags\": [\"map\", [[\"k\", \"v\"]]],"
    "   \"serial\": 7, \"flag\": true,"
    "   \"children\": [\"uuid\", \"11111111-0000-4000-8000-000000000002\"],"
    "   \"watch\": [\"uuid\", \"11111111-0000-4000-8000-000000000004\"]},"
    "  \"11111111-0000-4000-8000-000000000007\": {\"name\": \"b\","
    "   \"count\": 50}},"
    " \"Child\": {"
    "  \"11111111-0000-4000-8000-000000000002\": {\"name\": \"c1\","
    "   \"leaf\": [\"uuid\", \"11111111-0000-4000-8000-000000000003\"],"
    "   \"peers\": [\"map\", [[\"self\","
    "    [\"uuid\", \"11111111-0000-4000-8000-000000000002\"]]]]}},"
    " \"Leaf\": {"
    "  \"11111111-0000-4000-8000-000000000003\": {\"value\": 1},"
    "  \"11111111-0000-4000-8000-000000000004\": {\"value\": 2}},"
    " \"Anchor\": {"
    "  \"11111111-0000-4000-8000-000000000005\": {"
    "   \"must\": [\"uuid\", \"11111111-0000-4000-8000-000000000004\"],"
    "   \"held\": [\"map\", [[1,"
    "    [\"uuid\", \"11111111-0000-4000-8000-000000000004\"]]]]}},"
    " \"Pair\": {"
    "  \"11111111-0000-4000-8000-000000000006\": {\"a\": \"x\", \"b\": 1}}}";

static struct ovsdb_schema *schema;
static json_t *setup;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    json_error_t jerr;
    json_t *json = json_loads(schema_text, 0, &jerr);

    vlog_set_levels(NULL, VLF_N_DESTINATIONS, VLL_OFF);
    CHECK(json);
    CHECK(!ovsdb_schema_from_json(json, &schema, NULL));
    json_decref(json);
    setup = json_loads(setup_text, 0, &jerr);
    CHECK(setup);
    return 0;
}

/* A database with the starting rows. */
static struct ovsdb *
new_db(void)
{
    struct ovsdb *db = ovsdb_create(ovsdb_schema_clone(schema));
    CHECK(!ovsdb_apply_record(db, setup, NULL));
    return db;
}

static bool
lock_owned(const char *lock, void *aux)
{
    return !strcmp(lock, "mine");
}

/* Exercises the change list the server reads for monitors. */
static void
walk_changes(const struct ovsdb_txn *txn)
{
    for (const struct ovsdb_txn_row *c = ovsdb_txn_first_change(txn); c;
         c = ovsdb_txn_next_change(txn, c)) {
        const struct ovsdb_table_schema *ts = ovsdb_txn_row_get_table(c);
        const struct ovsdb_row *old = ovsdb_txn_row_get_old(c);
        const struct ovsdb_row *new = ovsdb_txn_row_get_new(c);

        CHECK(old || new);
        for (size_t i = 0; i < ts->n_columns; i++) {
            if (ovsdb_txn_row_column_changed(c, ts->columns[i]) && new) {
                json_decref(ovsdb_row_to_json(new, NULL));
                break;
            }
        }
        CHECK(ovsdb_uuid_equals(ovsdb_txn_row_get_uuid(c),
                                ovsdb_row_get_uuid(old ? old : new)));
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *ops =
        json_loadb((const char *) data, size, JSON_DECODE_ANY, &jerr);
    if (!ops) {
        return 0;
    }

    struct ovsdb *db = new_db();
    json_t *before = ovsdb_snapshot_to_json(db);
    struct ovsdb_exec_ctx ctx = {
        .lock_owned = lock_owned,
        .start_msec = 1000,
        .now_msec = 1500,
    };
    struct ovsdb_txn *txn;
    bool must_wait;
    long long deadline;
    json_t *result = ovsdb_execute(db, ops, &ctx, &txn, &must_wait, &deadline);

    /* The shape of the result. */
    if (!result) {
        CHECK(must_wait && !txn && deadline > ctx.now_msec);
    } else {
        size_t n = json_is_array(ops) ? json_array_size(ops) : 1;
        size_t n_results = json_array_size(result);
        CHECK(!must_wait);
        CHECK(json_is_array(result));
        CHECK(n_results == n || n_results == n + 1);
        const json_t *last = json_array_get(result, n_results - 1);
        bool failed =
            (n_results > n
             || (n && (json_is_null(last) || json_object_get(last, "error"))));
        if (failed || !txn) {
            CHECK(!txn);
            json_t *after = ovsdb_snapshot_to_json(db);
            CHECK(json_equal(before, after));
            json_decref(after);
        }
    }

    /* The contents survive a snapshot. */
    json_t *snapshot = ovsdb_snapshot_to_json(db);
    struct ovsdb *copy = ovsdb_create(ovsdb_schema_clone(schema));
    char *error = NULL;
    if (ovsdb_apply_record(copy, snapshot, &error)) {
        fprintf(stderr, "snapshot does not apply: %s\n", error);
        abort();
    }
    json_t *snapshot2 = ovsdb_snapshot_to_json(copy);
    CHECK(json_equal(snapshot, snapshot2));
    json_decref(snapshot2);
    ovsdb_destroy(copy);

    /* The change record reproduces the transaction. */
    if (txn) {
        walk_changes(txn);
        json_t *record = ovsdb_txn_to_record(txn);
        struct ovsdb *replay = new_db();
        if (record && ovsdb_apply_record(replay, record, &error)) {
            fprintf(stderr, "record does not apply: %s\n", error);
            abort();
        }
        json_t *replayed = ovsdb_snapshot_to_json(replay);
        CHECK(json_equal(snapshot, replayed));
        json_decref(replayed);
        json_decref(record);
        ovsdb_destroy(replay);
        ovsdb_txn_destroy(txn);
    }

    json_decref(snapshot);
    json_decref(before);
    json_decref(result);
    json_decref(ops);
    ovsdb_destroy(db);
    return 0;
}
