/* Unit tests for ovsdb_execute(), data-driven: "where" conditions (every
 * function on every kind of column), mutations (every mutator), and a
 * catalogue of failing transactions with the exact RFC 7047 error name
 * each must produce, each failure leaving the database exactly as it was.
 * The schema and starting rows are those of test-ovsdb-txn.c. */
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

/* Conditions: each "where" and the names of the Root rows it selects. */
static const struct where_case {
    const char *where;
    const char *names; /* Sorted, comma-separated. */
} where_cases[] = {
    { "[]", "a,b" },
    { "[true]", "a,b" },
    { "[false]", "" },
    { "[true, [\"name\", \"==\", \"b\"]]", "b" },
    { "[[\"name\", \"==\", \"a\"]]", "a" },
    { "[[\"name\", \"!=\", \"a\"]]", "b" },
    { "[[\"name\", \"includes\", \"a\"]]", "a" },
    { "[[\"name\", \"excludes\", \"a\"]]", "b" },
    { "[[\"count\", \"<\", 50]]", "a" },
    { "[[\"count\", \"<=\", 50]]", "a,b" },
    { "[[\"count\", \">\", 5]]", "b" },
    { "[[\"count\", \">=\", 5]]", "a,b" },
    { "[[\"count\", \">\", 5], [\"count\", \"<\", 5]]", "" },
    { "[[\"ratio\", \"<=\", 0.25]]", "b" },
    { "[[\"ratio\", \">\", 0]]", "a" },
    /* Optional integers: ordering is false for an empty column. */
    { "[[\"level\", \"<\", 5]]", "a" },
    { "[[\"level\", \">\", 5]]", "" },
    { "[[\"level\", \"==\", [\"set\", []]]]", "b" },
    { "[[\"level\", \"!=\", [\"set\", []]]]", "a" },
    /* Sets. */
    { "[[\"nums\", \"==\", [\"set\", [2, 1]]]]", "a" },
    { "[[\"nums\", \"includes\", 1]]", "a" },
    { "[[\"nums\", \"includes\", [\"set\", [1, 3]]]]", "" },
    { "[[\"nums\", \"includes\", [\"set\", []]]]", "a,b" },
    { "[[\"nums\", \"excludes\", [\"set\", [3, 4]]]]", "a,b" },
    { "[[\"nums\", \"excludes\", [\"set\", [2, 4]]]]", "b" },
    /* Maps: pairs must match, not just keys. */
    { "[[\"tags\", \"includes\", [\"map\", [[\"k\", \"v\"]]]]]", "a" },
    { "[[\"tags\", \"includes\", [\"map\", [[\"k\", \"w\"]]]]]", "" },
    { "[[\"tags\", \"excludes\", [\"map\", [[\"k\", \"w\"]]]]]", "a,b" },
    { "[[\"tags\", \"==\", [\"map\", []]]]", "b" },
    /* UUIDs and references. */
    { "[[\"_uuid\", \"==\", [\"uuid\", \"" R1 "\"]]]", "a" },
    { "[[\"_uuid\", \"!=\", [\"uuid\", \"" R1 "\"]]]", "b" },
    { "[[\"_uuid\", \"==\", [\"uuid\", \"" NOROW "\"]]]", "" },
    { "[[\"_uuid\", \"==\", [\"uuid\", \"" R1 "\"]],"
      " [\"name\", \"==\", \"b\"]]",
      "" },
    { "[[\"children\", \"includes\", [\"uuid\", \"" C1 "\"]]]", "a" },
    { "[[\"flag\", \"==\", false]]", "b" },
};

static void
test_conditions(void **state)
{
    struct ovsdb *db = setup_db();

    for (size_t i = 0; i < sizeof where_cases / sizeof where_cases[0]; i++) {
        char ops[1024];
        snprintf(ops, sizeof ops,
                 "[{\"op\": \"select\", \"table\": \"Root\", \"where\": %s,"
                 "  \"columns\": [\"name\"]}]",
                 where_cases[i].where);
        json_t *result = exec(db, ops);
        assert_success(result, 1);

        /* Collect the names in order. */
        const json_t *rows =
            json_object_get(json_array_get(result, 0), "rows");
        char names[64] = "";
        for (char c = 'a'; c <= 'b'; c++) {
            for (size_t j = 0; j < json_array_size(rows); j++) {
                const char *name = json_string_value(
                    json_object_get(json_array_get(rows, j), "name"));
                if (name[0] == c) {
                    size_t len = strlen(names);
                    snprintf(names + len, sizeof names - len, "%s%c",
                             len ? "," : "", c);
                }
            }
        }
        if (strcmp(names, where_cases[i].names)) {
            fail_msg("where %s: got \"%s\", expected \"%s\"",
                     where_cases[i].where, names, where_cases[i].names);
        }
        json_decref(result);
    }
    ovsdb_destroy(db);
}

static void
test_condition_api(void **state)
{
    /* The parsed form used by monitors: "all" for transact, "any" for
     * monitor_cond, and the JSON round trip. */
    struct ovsdb *db = setup_db();
    const struct ovsdb_table *t = ovsdb_get_table(db, "Root");
    const struct ovsdb_table_schema *ts = ovsdb_table_get_schema(t);
    struct ovsdb_uuid u1, u2;
    assert_true(ovsdb_uuid_from_string(&u1, R1));
    assert_true(ovsdb_uuid_from_string(&u2, R2));
    const struct ovsdb_row *r1 = ovsdb_table_find_row(t, &u1);
    const struct ovsdb_row *r2 = ovsdb_table_find_row(t, &u2);

    json_t *json =
        parse("[[\"name\", \"==\", \"a\"], [\"count\", \">\", 10]]");
    struct ovsdb_condition cond;
    assert_int_equal(ovsdb_condition_from_json(ts, json, NULL, &cond, NULL),
                     0);
    assert_false(ovsdb_condition_evaluate(&cond, r1));
    assert_false(ovsdb_condition_evaluate(&cond, r2));
    assert_true(ovsdb_condition_evaluate_any(&cond, r1));
    assert_true(ovsdb_condition_evaluate_any(&cond, r2));
    json_t *out = ovsdb_condition_to_json(&cond);
    assert_json_equal(out, json);
    json_decref(out);
    ovsdb_condition_destroy(&cond);
    json_decref(json);

    json = parse("[]");
    assert_int_equal(ovsdb_condition_from_json(ts, json, NULL, &cond, NULL),
                     0);
    assert_true(ovsdb_condition_evaluate_any(&cond, r1));
    ovsdb_condition_destroy(&cond);
    json_decref(json);

    json = parse("[false]");
    assert_int_equal(ovsdb_condition_from_json(ts, json, NULL, &cond, NULL),
                     0);
    assert_true(ovsdb_condition_is_false(&cond));
    assert_false(ovsdb_condition_evaluate_any(&cond, r1));
    ovsdb_condition_destroy(&cond);
    json_decref(json);

    /* Row accessors. */
    struct ovsdb_column_set columns = OVSDB_COLUMN_SET_INITIALIZER;
    json = parse("[\"name\", \"nums\"]");
    assert_int_equal(ovsdb_column_set_from_json(ts, json, &columns, NULL), 0);
    json_decref(json);
    out = ovsdb_row_to_json(r1, &columns);
    json = parse("{\"name\": \"a\", \"nums\": [\"set\", [1, 2]]}");
    assert_json_equal(out, json);
    json_decref(json);
    json_decref(out);
    assert_true(ovsdb_uuid_equals(ovsdb_row_get_uuid(r1), &u1));
    assert_true(ovsdb_column_set_contains(&columns, 2));
    ovsdb_column_set_destroy(&columns);

    size_t n = 0;
    for (const struct ovsdb_row *row = ovsdb_table_first_row(t); row;
         row = ovsdb_table_next_row(t, row)) {
        n++;
    }
    assert_int_equal(n, 2);
    ovsdb_destroy(db);
}

/* Mutations: applied to R1 (count 5, ratio 0.5, nums [1, 2], tags {k=v},
 * color empty), and the column's value afterward. */
static const struct mutate_case {
    const char *mutations;
    const char *column;
    const char *expected;
} mutate_cases[] = {
    { "[[\"count\", \"+=\", 10]]", "count", "15" },
    { "[[\"count\", \"-=\", 5]]", "count", "0" },
    { "[[\"count\", \"*=\", 3]]", "count", "15" },
    { "[[\"count\", \"/=\", 2]]", "count", "2" },
    { "[[\"count\", \"%=\", 3]]", "count", "2" },
    { "[[\"count\", \"+=\", 1], [\"count\", \"*=\", 2]]", "count", "12" },
    /* The operand need not satisfy the column's range, the result must. */
    { "[[\"count\", \"+=\", -5]]", "count", "0" },
    { "[[\"ratio\", \"+=\", 0.25]]", "ratio", "0.75" },
    { "[[\"ratio\", \"*=\", 2]]", "ratio", "1.0" },
    { "[[\"ratio\", \"/=\", 4]]", "ratio", "0.125" },
    { "[[\"nums\", \"+=\", 10]]", "nums", "[\"set\", [11, 12]]" },
    { "[[\"nums\", \"*=\", -1]]", "nums", "[\"set\", [-2, -1]]" },
    { "[[\"nums\", \"insert\", [\"set\", [3, 1]]]]", "nums",
      "[\"set\", [1, 2, 3]]" },
    { "[[\"nums\", \"delete\", 1]]", "nums", "2" },
    { "[[\"nums\", \"delete\", [\"set\", [7]]]]", "nums",
      "[\"set\", [1, 2]]" },
    { "[[\"tags\", \"insert\", [\"map\", [[\"k\", \"z\"], [\"n\", \"m\"]]]]]",
      "tags", "[\"map\", [[\"k\", \"v\"], [\"n\", \"m\"]]]" },
    { "[[\"tags\", \"delete\", [\"map\", [[\"k\", \"z\"]]]]]", "tags",
      "[\"map\", [[\"k\", \"v\"]]]" },
    { "[[\"tags\", \"delete\", [\"map\", [[\"k\", \"v\"]]]]]", "tags",
      "[\"map\", []]" },
    { "[[\"tags\", \"delete\", [\"set\", [\"k\"]]]]", "tags",
      "[\"map\", []]" },
    { "[[\"tags\", \"delete\", \"k\"]]", "tags", "[\"map\", []]" },
    { "[[\"color\", \"insert\", \"red\"]]", "color", "\"red\"" },
    { "[[\"color\", \"delete\", \"red\"]]", "color", "[\"set\", []]" },
    { "[[\"level\", \"+=\", 1]]", "level", "4" },
    { "[[\"reals\", \"*=\", 2]]", "reals", "[\"set\", []]" },
};

static void
test_mutations(void **state)
{
    for (size_t i = 0; i < sizeof mutate_cases / sizeof mutate_cases[0]; i++) {
        struct ovsdb *db = setup_db();
        char ops[1024];
        snprintf(ops, sizeof ops,
                 "[{\"op\": \"mutate\", \"table\": \"Root\","
                 "  \"where\": [[\"name\", \"==\", \"a\"]],"
                 "  \"mutations\": %s}]",
                 mutate_cases[i].mutations);
        json_t *result = exec(db, ops);
        json_t *expected = parse("[{\"count\": 1}]");
        if (!json_equal(result, expected)) {
            fail_msg("%s: %s", mutate_cases[i].mutations, dump(result));
        }
        json_decref(expected);
        json_decref(result);
        assert_value(db, "Root", R1, mutate_cases[i].column,
                     mutate_cases[i].expected);
        ovsdb_destroy(db);
    }
}

/* Failing transactions: each runs on a fresh copy of the setup rows and
 * must fail in slot SLOT (N_OPS means at commit) with error TAG, leaving
 * the database unchanged. */
static const struct error_case {
    const char *ops;
    size_t n_ops;
    size_t slot;
    const char *tag;
} error_cases[] = {
    /* Malformed operations. */
    { "[{\"op\": \"bogus\"}]", 1, 0, "syntax error" },
    { "[42]", 1, 0, "syntax error" },
    { "[{\"table\": \"Root\"}]", 1, 0, "syntax error" },
    { "[{\"op\": \"insert\", \"table\": \"Nope\", \"row\": {}}]", 1, 0,
      "syntax error" },
    { "[{\"op\": \"insert\", \"table\": \"Root\"}]", 1, 0, "syntax error" },
    { "[{\"op\": \"insert\", \"table\": \"Root\", \"row\": {},"
      " \"extra\": 1}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"insert\", \"table\": \"Root\", \"row\": []}]", 1, 0,
      "syntax error" },
    { "[{\"op\": \"insert\", \"table\": \"Root\", \"row\": {},"
      " \"uuid-name\": \"9x\"}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"insert\", \"table\": \"Root\", \"row\": {},"
      " \"uuid\": \"xyz\"}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"select\", \"table\": \"Root\"}]", 1, 0, "syntax error" },
    { "[{\"op\": \"select\", \"table\": \"Root\", \"where\": \"x\"}]", 1, 0,
      "syntax error" },
    { "[{\"op\": \"select\", \"table\": \"Root\", \"where\": [],"
      " \"columns\": [\"name\", \"name\"]}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"select\", \"table\": \"Root\", \"where\": [],"
      " \"columns\": [\"nope\"]}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"commit\"}]", 1, 0, "syntax error" },
    { "[{\"op\": \"abort\", \"x\": 1}]", 1, 0, "syntax error" },
    { "[{\"op\": \"comment\", \"comment\": 5}]", 1, 0, "syntax error" },
    { "[{\"op\": \"select\", \"table\": \"Root\", \"where\": []},"
      " {\"op\": \"bogus\"}, {\"op\": \"abort\"}]",
      3, 1, "syntax error" },

    /* Values. */
    { "[{\"op\": \"insert\", \"table\": \"Root\", \"row\": {\"zz\": 1}}]", 1,
      0, "unknown column" },
    { "[{\"op\": \"insert\", \"table\": \"Root\","
      " \"row\": {\"count\": 101}}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"insert\", \"table\": \"Root\","
      " \"row\": {\"count\": 1.5}}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"insert\", \"table\": \"Root\","
      " \"row\": {\"ratio\": 1.5}}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"insert\", \"table\": \"Root\","
      " \"row\": {\"color\": \"pink\"}}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"insert\", \"table\": \"Root\","
      " \"row\": {\"label\": \"\"}}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"insert\", \"table\": \"Root\","
      " \"row\": {\"label\": \"123456789\"}}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"insert\", \"table\": \"Root\","
      " \"row\": {\"nums\": [\"set\", [1, 1]]}}]",
      1, 0, "ovsdb error" },
    { "[{\"op\": \"insert\", \"table\": \"Root\","
      " \"row\": {\"tags\": [\"map\", [[\"k\", \"a\"], [\"k\", \"b\"]]]}}]",
      1, 0, "ovsdb error" },
    { "[{\"op\": \"insert\", \"table\": \"Root\","
      " \"row\": {\"nums\": [\"set\", [1, 2, 3, 4, 5]]}}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"insert\", \"table\": \"Root\","
      " \"row\": {\"children\": [\"uuid\", \"bad\"]}}]",
      1, 0, "syntax error" },

    /* Named UUIDs. */
    { "[{\"op\": \"insert\", \"table\": \"Leaf\", \"row\": {},"
      " \"uuid-name\": \"x\"},"
      " {\"op\": \"insert\", \"table\": \"Leaf\", \"row\": {},"
      " \"uuid-name\": \"x\"}]",
      2, 1, "duplicate uuid-name" },
    { "[{\"op\": \"insert\", \"table\": \"Root\", \"uuid\": \"" R2 "\","
      " \"row\": {}}]",
      1, 0, "duplicate uuid" },
    { "[{\"op\": \"delete\", \"table\": \"Root\","
      " \"where\": [[\"name\", \"==\", \"b\"]]},"
      " {\"op\": \"insert\", \"table\": \"Root\", \"uuid\": \"" R2 "\","
      " \"row\": {}}]",
      2, 1, "duplicate uuid" },

    /* Conditions. */
    { "[{\"op\": \"select\", \"table\": \"Root\","
      " \"where\": [[\"zz\", \"==\", 1]]}]",
      1, 0, "unknown column" },
    { "[{\"op\": \"select\", \"table\": \"Root\","
      " \"where\": [[\"name\", \"~=\", \"a\"]]}]",
      1, 0, "unknown function" },
    { "[{\"op\": \"select\", \"table\": \"Root\","
      " \"where\": [[\"name\", \"<\", \"a\"]]}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"select\", \"table\": \"Root\","
      " \"where\": [[\"nums\", \"<\", 1]]}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"select\", \"table\": \"Root\","
      " \"where\": [[\"level\", \"<\", [\"set\", []]]]}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"select\", \"table\": \"Root\","
      " \"where\": [[\"name\", \"==\"]]}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"select\", \"table\": \"Root\", \"where\": [1]}]", 1, 0,
      "syntax error" },
    { "[{\"op\": \"select\", \"table\": \"Root\","
      " \"where\": [[\"name\", \"==\", 1]]}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"select\", \"table\": \"Root\","
      " \"where\": [[\"color\", \"==\", \"pink\"]]}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"select\", \"table\": \"Root\","
      " \"where\": [[\"nums\", \"includes\", [\"set\", [1, 2, 3, 4, 5]]]]}]",
      1, 0, "syntax error" },

    /* Updates. */
    { "[{\"op\": \"update\", \"table\": \"Root\", \"where\": [],"
      " \"row\": {\"serial\": 1}}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"update\", \"table\": \"Root\","
      " \"where\": [[\"name\", \"==\", \"nomatch\"]],"
      " \"row\": {\"serial\": 1}}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"update\", \"table\": \"Root\", \"where\": [],"
      " \"row\": {\"_uuid\": [\"uuid\", \"" R1 "\"]}}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"update\", \"table\": \"Root\", \"where\": [],"
      " \"row\": {\"_version\": [\"uuid\", \"" R1 "\"]}}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"update\", \"table\": \"Root\", \"where\": [],"
      " \"row\": {\"count\": -1}}]",
      1, 0, "constraint violation" },

    /* Mutations. */
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"serial\", \"+=\", 1]]}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"_uuid\", \"insert\", 1]]}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"zz\", \"+=\", 1]]}]",
      1, 0, "unknown column" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"count\", \"frob\", 1]]}]",
      1, 0, "unknown mutator" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"count\", \"+=\"]]}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"name\", \"+=\", 1]]}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"ratio\", \"%=\", 1]]}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"count\", \"insert\", 1]]}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"tags\", \"+=\", 1]]}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"count\", \"/=\", 0]]}]",
      1, 0, "domain error" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"count\", \"%=\", 0]]}]",
      1, 0, "domain error" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"ratio\", \"/=\", 0]]}]",
      1, 0, "domain error" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"count\", \"+=\", 100]]}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"nums\", \"insert\", 9223372036854775807],"
      "                 [\"nums\", \"+=\", 1]]}]",
      1, 0, "range error" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"nums\", \"insert\", -9223372036854775808],"
      "                 [\"nums\", \"/=\", -1]]}]",
      1, 0, "range error" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"nums\", \"insert\", 4611686018427387904],"
      "                 [\"nums\", \"*=\", 2]]}]",
      1, 0, "range error" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"reals\", \"insert\", 1e308],"
      "                 [\"reals\", \"*=\", 10]]}]",
      1, 0, "range error" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"nums\", \"*=\", 0]]}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"nums\", \"insert\", [\"set\", [5, 6, 7]]]]}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"mutate\", \"table\": \"Root\", \"where\": [],"
      " \"mutations\": [[\"color\", \"insert\", \"pink\"]]}]",
      1, 0, "constraint violation" },
    { "[{\"op\": \"mutate\", \"table\": \"Anchor\", \"where\": [],"
      " \"mutations\": [[\"must\", \"delete\", [\"set\", []]]]}]",
      1, 0, "syntax error" },

    /* Other operations. */
    { "[{\"op\": \"insert\", \"table\": \"Leaf\", \"row\": {}},"
      " {\"op\": \"abort\"}, {\"op\": \"comment\", \"comment\": \"x\"}]",
      3, 1, "aborted" },
    { "[{\"op\": \"assert\", \"lock\": \"l\"}]", 1, 0, "not owner" },
    { "[{\"op\": \"wait\", \"table\": \"Root\", \"where\": [],"
      " \"until\": \"===\", \"rows\": []}]",
      1, 0, "syntax error" },
    { "[{\"op\": \"wait\", \"table\": \"Root\", \"where\": [],"
      " \"until\": \"==\", \"rows\": [], \"timeout\": 0}]",
      1, 0, "timed out" },
    { "[{\"op\": \"wait\", \"table\": \"Root\", \"where\": [],"
      " \"until\": \"==\", \"rows\": [{\"zz\": 1}], \"timeout\": 0}]",
      1, 0, "unknown column" },

    /* Commit-time rules: the error is an extra element. */
    { "[{\"op\": \"insert\", \"table\": \"Root\","
      " \"row\": {\"children\": [\"uuid\", \"" NOROW "\"]}}]",
      1, 1, "referential integrity violation" },
    { "[{\"op\": \"insert\", \"table\": \"Root\","
      " \"row\": {\"children\": [\"named-uuid\", \"never\"]}}]",
      1, 1, "referential integrity violation" },
    { "[{\"op\": \"delete\", \"table\": \"Leaf\","
      " \"where\": [[\"value\", \"==\", 1]]}]",
      1, 1, "referential integrity violation" },
    { "[{\"op\": \"delete\", \"table\": \"Child\", \"where\": []}]", 1, 1,
      "referential integrity violation" },
    { "[{\"op\": \"delete\", \"table\": \"Leaf\", \"where\": []},"
      " {\"op\": \"insert\", \"table\": \"Child\","
      " \"row\": {\"leaf\": [\"uuid\", \"" L1 "\"]}}]",
      2, 2, "referential integrity violation" },
    { "[{\"op\": \"insert\", \"table\": \"Anchor\", \"row\": {}}]", 1, 1,
      "constraint violation" },
    { "[{\"op\": \"insert\", \"table\": \"Anchor\","
      " \"row\": {\"must\": [\"uuid\", \"" NOROW "\"]}}]",
      1, 1, "constraint violation" },
    { "[{\"op\": \"mutate\", \"table\": \"Anchor\", \"where\": [],"
      " \"mutations\": [[\"held\", \"delete\", [\"set\", [1]]]]}]",
      1, 1, "constraint violation" },
    { "[{\"op\": \"insert\", \"table\": \"Limited\", \"row\": {}},"
      " {\"op\": \"insert\", \"table\": \"Limited\", \"row\": {}},"
      " {\"op\": \"insert\", \"table\": \"Limited\", \"row\": {}}]",
      3, 3, "constraint violation" },
    { "[{\"op\": \"insert\", \"table\": \"Root\","
      " \"row\": {\"name\": \"a\"}}]",
      1, 1, "constraint violation" },
    { "[{\"op\": \"update\", \"table\": \"Root\", \"where\": [],"
      " \"row\": {\"name\": \"same\"}}]",
      1, 1, "constraint violation" },
    { "[{\"op\": \"insert\", \"table\": \"Pair\","
      " \"row\": {\"a\": \"x\", \"b\": 1}}]",
      1, 1, "constraint violation" },
    { "[{\"op\": \"insert\", \"table\": \"Pair\", \"row\": {\"a\": \"y\"}},"
      " {\"op\": \"insert\", \"table\": \"Pair\", \"row\": {\"a\": \"y\"}}]",
      2, 2, "constraint violation" },
    /* Reported in ovsdb-server's order: a missing row before a weak
     * column left empty. */
    { "[{\"op\": \"insert\", \"table\": \"Anchor\","
      " \"row\": {\"held\": [\"map\", [[1, [\"uuid\", \"" NOROW "\"]]]]}}]",
      1, 1, "referential integrity violation" },
    { "[{\"op\": \"insert\", \"table\": \"Limited\", \"row\": {}},"
      " {\"op\": \"insert\", \"table\": \"Limited\", \"row\": {}},"
      " {\"op\": \"insert\", \"table\": \"Limited\", \"row\": {}},"
      " {\"op\": \"insert\", \"table\": \"Anchor\", \"row\": {}}]",
      4, 4, "constraint violation" },
};

static void
test_errors(void **state)
{
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        const struct error_case *c = &error_cases[i];
        struct ovsdb *db = setup_db();
        json_t *before = ovsdb_snapshot_to_json(db);
        struct ovsdb_txn *txn = (void *) 1;

        json_t *result = exec_ctx(db, NULL, &txn, c->ops);
        assert_error(result, c->n_ops, c->slot, c->tag);
        assert_null(txn);

        /* Nothing changed, not even _version. */
        json_t *after = ovsdb_snapshot_to_json(db);
        if (!json_equal(before, after)) {
            fail_msg("%s: failed transaction changed the database", c->ops);
        }
        assert_value(db, "Root", R1, "name", "\"a\"");
        json_decref(before);
        json_decref(after);
        json_decref(result);
        ovsdb_destroy(db);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_condition_api),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
