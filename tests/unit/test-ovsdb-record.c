/* Unit tests for committed transactions as the server sees them: the list
 * of changed rows, the change records for the storage log, replaying
 * records and snapshots with ovsdb_apply_record() (and refusing corrupt
 * ones without changing anything), and transactions exactly as ovs-vsctl
 * 3.1 sends them against the real Open_vSwitch schema. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "lib/util.h"
#include "ovsdb/db.h"
#include "ovsdb/row.h"
#include "ovsdb/schema.h"
#include "ovsdb/txn.h"
#include "tests/unit/json-test.h"

#define VSWITCH_SCHEMA "/usr/share/openvswitch/vswitch.ovsschema"

/* Top is a root table; Kid is collected when no Top holds it.  "eye" holds
 * Kids weakly; "stats" is ephemeral. */
static const char rec_schema[] =
    "{"
    "\"name\": \"Rec\", \"tables\": {"
    " \"Top\": {\"isRoot\": true, \"indexes\": [[\"name\"]], \"columns\": {"
    "   \"name\": {\"type\": \"string\"},"
    "   \"n\": {\"type\": \"integer\"},"
    "   \"kids\": {\"type\": {\"key\": {\"type\": \"uuid\","
    "      \"refTable\": \"Kid\"}, \"min\": 0, \"max\": \"unlimited\"}},"
    "   \"eye\": {\"type\": {\"key\": {\"type\": \"uuid\","
    "      \"refTable\": \"Kid\", \"refType\": \"weak\"}, \"min\": 0,"
    "      \"max\": \"unlimited\"}},"
    "   \"opts\": {\"type\": {\"key\": \"string\", \"value\": \"string\","
    "      \"min\": 0, \"max\": \"unlimited\"}},"
    "   \"stats\": {\"type\": {\"key\": \"string\", \"value\": \"integer\","
    "      \"min\": 0, \"max\": \"unlimited\"}, \"ephemeral\": true}}},"
    " \"Kid\": {\"columns\": {"
    "   \"v\": {\"type\": {\"key\": {\"type\": \"integer\","
    "      \"maxInteger\": 100}}},"
    "   \"tags\": {\"type\": {\"key\": \"string\", \"min\": 0,"
    "      \"max\": \"unlimited\"}}}}}}";

#define T1 "22222222-0000-4000-8000-000000000001"
#define T2 "22222222-0000-4000-8000-000000000002"
#define K1 "22222222-0000-4000-8000-000000000011"
#define K2 "22222222-0000-4000-8000-000000000012"

static struct ovsdb_schema *
schema_from_string(const char *s)
{
    json_t *json = parse(s);
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = NULL;
    if (ovsdb_schema_from_json(json, &schema, &error)) {
        fail_msg("schema: %s", ovsdb_error_to_string(error));
    }
    json_decref(json);
    return schema;
}

static struct ovsdb *
new_db(void)
{
    return ovsdb_create(schema_from_string(rec_schema));
}

/* Executes OPS, which must succeed in every operation; returns the
 * committed transaction (NULL if nothing changed). */
static struct ovsdb_txn *
exec_txn(struct ovsdb *db, const char *ops)
{
    json_t *json = parse(ops);
    struct ovsdb_txn *txn;
    json_t *result = ovsdb_execute(db, json, NULL, &txn, NULL, NULL);
    for (size_t i = 0; i < json_array_size(json); i++) {
        const json_t *r = json_array_get(result, i);
        if (!json_is_object(r) || json_object_get(r, "error")) {
            fail_msg("%s\nfailed: %s", ops, dump(result));
        }
    }
    if (json_array_size(result) != json_array_size(json)) {
        fail_msg("%s\ncommit failed: %s", ops, dump(result));
    }
    json_decref(result);
    json_decref(json);
    return txn;
}

/* Returns TXN's record without "_date" (checked to be a plausible wall
 * clock time), and frees TXN. */
static json_t *
take_record(struct ovsdb_txn *txn)
{
    assert_non_null(txn);
    json_t *record = ovsdb_txn_to_record(txn);
    if (record) {
        const json_t *date = json_object_get(record, "_date");
        assert_true(json_is_integer(date));
        assert_true(json_integer_value(date) > 1500000000000LL);
        assert_int_equal(json_integer_value(date), ovsdb_txn_get_date(txn));
        json_object_del(record, "_date");
    }
    ovsdb_txn_destroy(txn);
    return record;
}

static void
assert_record(struct ovsdb_txn *txn, const char *expected_s)
{
    json_t *record = take_record(txn);
    json_t *expected = parse(expected_s);
    assert_non_null(record);
    assert_json_equal(record, expected);
    json_decref(expected);
    json_decref(record);
}

static void
test_record_insert_modify_delete(void **state)
{
    struct ovsdb *db = new_db();

    /* An insert lists the non-default, non-ephemeral columns; a row with
     * nothing but defaults is an empty object. */
    assert_record(
        exec_txn(
            db,
            "[{\"op\": \"insert\", \"table\": \"Kid\", \"uuid-name\": \"k1\","
            "  \"uuid\": \"" K1 "\", \"row\": {\"v\": 7}},"
            " {\"op\": \"insert\", \"table\": \"Kid\", \"uuid-name\": \"k2\","
            "  \"uuid\": \"" K2 "\", \"row\": {}},"
            " {\"op\": \"insert\", \"table\": \"Top\", \"uuid\": \"" T1 "\","
            "  \"row\": {\"name\": \"t1\", \"n\": 0, \"kids\": [\"set\","
            "   [[\"named-uuid\", \"k1\"], [\"named-uuid\", \"k2\"]]],"
            "   \"stats\": [\"map\", [[\"rx\", 1]]]}},"
            " {\"op\": \"comment\", \"comment\": \"add t1\"}]"),
        "{\"Top\": {\"" T1 "\": {\"name\": \"t1\", \"kids\": [\"set\", "
        "  [[\"uuid\", \"" K1 "\"], [\"uuid\", \"" K2 "\"]]]}},"
        " \"Kid\": {\"" K1 "\": {\"v\": 7}, \"" K2 "\": {}},"
        " \"_comment\": \"add t1\"}");

    /* A modification lists only the changed columns, sets and maps as
     * differences: what was added or removed, and for maps the new value
     * of a changed key. */
    assert_record(
        exec_txn(db, "[{\"op\": \"update\", \"table\": \"Top\", \"where\": [],"
                     "  \"row\": {\"name\": \"t1\", \"n\": 5}},"
                     " {\"op\": \"mutate\", \"table\": \"Kid\","
                     "  \"where\": [[\"v\", \"==\", 7]],"
                     "  \"mutations\": [[\"tags\", \"insert\", \"x\"]]}]"),
        "{\"Top\": {\"" T1 "\": {\"n\": 5}},"
        " \"Kid\": {\"" K1 "\": {\"tags\": \"x\"}}, \"_is_diff\": true}");
    assert_record(
        exec_txn(db, "[{\"op\": \"update\", \"table\": \"Top\", \"where\": [],"
                     "  \"row\": {\"opts\": [\"map\", [[\"a\", \"1\"], "
                     "[\"b\", \"2\"]]]}}]"),
        "{\"Top\": {\"" T1 "\": {\"opts\": [\"map\", [[\"a\", \"1\"],"
        "  [\"b\", \"2\"]]]}}, \"_is_diff\": true}");
    assert_record(
        exec_txn(db, "[{\"op\": \"update\", \"table\": \"Top\", \"where\": [],"
                     "  \"row\": {\"opts\": [\"map\", [[\"b\", \"3\"], "
                     "[\"c\", \"4\"]]]}}]"),
        "{\"Top\": {\"" T1 "\": {\"opts\": [\"map\", [[\"a\", \"1\"],"
        "  [\"b\", \"3\"], [\"c\", \"4\"]]]}}, \"_is_diff\": true}");

    /* Changing only ephemeral columns commits (monitors must hear of it)
     * but writes no record. */
    struct ovsdb_txn *txn =
        exec_txn(db, "[{\"op\": \"update\", \"table\": \"Top\", \"where\": [],"
                     "  \"row\": {\"stats\": [\"map\", [[\"rx\", 2]]]}}]");
    assert_non_null(txn);
    assert_null(take_record(txn));

    /* A deletion is null; collected rows are written out explicitly. */
    assert_record(
        exec_txn(db,
                 "[{\"op\": \"mutate\", \"table\": \"Top\", \"where\": [],"
                 "  \"mutations\": [[\"kids\", \"delete\", [\"uuid\", \"" K2
                 "\"]]]}]"),
        "{\"Top\": {\"" T1 "\": {\"kids\": [\"uuid\", \"" K2 "\"]}},"
        " \"Kid\": {\"" K2 "\": null}, \"_is_diff\": true}");
    assert_record(
        exec_txn(db,
                 "[{\"op\": \"delete\", \"table\": \"Top\", \"where\": []}]"),
        "{\"Top\": {\"" T1 "\": null}, \"Kid\": {\"" K1 "\": null}}");

    /* Nothing changed, nothing committed. */
    assert_null(exec_txn(
        db, "[{\"op\": \"select\", \"table\": \"Top\", \"where\": []},"
            " {\"op\": \"comment\", \"comment\": \"just looking\"}]"));
    ovsdb_destroy(db);
}

static void
test_record_weak(void **state)
{
    struct ovsdb *db = new_db();

    ovsdb_txn_destroy(exec_txn(
        db, "[{\"op\": \"insert\", \"table\": \"Kid\", \"uuid-name\": \"k\","
            "  \"uuid\": \"" K1 "\", \"row\": {}},"
            " {\"op\": \"insert\", \"table\": \"Top\", \"uuid\": \"" T1 "\","
            "  \"row\": {\"name\": \"holder\", \"kids\": [\"named-uuid\", "
            "\"k\"]}},"
            " {\"op\": \"insert\", \"table\": \"Top\", \"uuid\": \"" T2 "\","
            "  \"row\": {\"name\": \"watcher\", \"eye\": [\"named-uuid\", "
            "\"k\"]}}]"));

    /* Deleting the holder collects the Kid, and the watcher, which the
     * transaction never named, loses its weak reference. */
    assert_record(exec_txn(db,
                           "[{\"op\": \"delete\", \"table\": \"Top\","
                           "  \"where\": [[\"name\", \"==\", \"holder\"]]}]"),
                  "{\"Top\": {\"" T1 "\": null, \"" T2
                  "\": {\"eye\": [\"uuid\", \"" K1 "\"]}},"
                  " \"Kid\": {\"" K1 "\": null}, \"_is_diff\": true}");
    ovsdb_destroy(db);
}

static void
test_changes(void **state)
{
    struct ovsdb *db = new_db();
    struct ovsdb_txn *txn;

    ovsdb_txn_destroy(exec_txn(
        db,
        "[{\"op\": \"insert\", \"table\": \"Kid\", \"uuid-name\": \"k\","
        "  \"uuid\": \"" K1 "\", \"row\": {}},"
        " {\"op\": \"insert\", \"table\": \"Top\", \"uuid\": \"" T1 "\","
        "  \"row\": {\"name\": \"a\", \"kids\": [\"named-uuid\", \"k\"]}}]"));

    txn = exec_txn(
        db, "[{\"op\": \"update\", \"table\": \"Top\", \"where\": [],"
            "  \"row\": {\"name\": \"a\", \"n\": 3, \"kids\": [\"set\", []]}},"
            " {\"op\": \"insert\", \"table\": \"Top\", \"uuid\": \"" T2 "\","
            "  \"row\": {\"name\": \"b\"}}]");

    /* Table by table in schema order: Top's modification and insertion,
     * then Kid's collection. */
    const struct ovsdb_txn_row *c;
    size_t n = 0;
    for (c = ovsdb_txn_first_change(txn); c;
         c = ovsdb_txn_next_change(txn, c), n++) {
        const struct ovsdb_table_schema *ts = ovsdb_txn_row_get_table(c);
        const struct ovsdb_row *old = ovsdb_txn_row_get_old(c);
        const struct ovsdb_row *new = ovsdb_txn_row_get_new(c);
        char uuid[OVSDB_UUID_LEN + 1];
        ovsdb_uuid_format(ovsdb_txn_row_get_uuid(c), uuid);
        const struct ovsdb_column *name =
            ovsdb_table_schema_get_column(ts, "name");
        const struct ovsdb_column *nn = ovsdb_table_schema_get_column(ts, "n");
        const struct ovsdb_column *version =
            ovsdb_table_schema_get_column(ts, "_version");

        if (!strcmp(uuid, T1)) {
            assert_string_equal(ts->name, "Top");
            assert_non_null(old);
            assert_non_null(new);
            /* Written with the same value: not changed. */
            assert_false(ovsdb_txn_row_column_changed(c, name));
            assert_true(ovsdb_txn_row_column_changed(c, nn));
            assert_true(ovsdb_txn_row_column_changed(c, version));
            assert_int_equal(ovsdb_row_get_datum(old, nn)->keys[0].integer, 0);
            assert_int_equal(ovsdb_row_get_datum(new, nn)->keys[0].integer, 3);
            assert_false(ovsdb_uuid_equals(ovsdb_row_get_version(old),
                                           ovsdb_row_get_version(new)));
        } else if (!strcmp(uuid, T2)) {
            assert_null(old);
            assert_non_null(new);
            assert_true(ovsdb_txn_row_column_changed(c, name));
        } else if (!strcmp(uuid, K1)) {
            assert_string_equal(ts->name, "Kid");
            assert_non_null(old);
            assert_null(new);
        } else {
            fail_msg("unexpected change to row %s", uuid);
        }
    }
    assert_int_equal(n, 3);
    ovsdb_txn_destroy(txn);
    ovsdb_destroy(db);
}

/* Applies RECORD (text) to DB; returns the error message or NULL. */
static char *
apply(struct ovsdb *db, const char *record_s)
{
    json_t *record = parse(record_s);
    char *error = NULL;
    int retval = ovsdb_apply_record(db, record, &error);
    json_decref(record);
    assert_true(retval ? error != NULL : error == NULL);
    return error;
}

static void
test_apply_round_trip(void **state)
{
    static const char *const txns[] = {
        "[{\"op\": \"insert\", \"table\": \"Top\", \"row\": {\"name\": \"a\","
        "  \"kids\": [\"set\", [[\"named-uuid\", \"x\"],"
        "  [\"named-uuid\", \"y\"]]], \"stats\": [\"map\", [[\"q\", 1]]]}},"
        " {\"op\": \"insert\", \"table\": \"Kid\", \"uuid-name\": \"x\","
        "  \"row\": {\"v\": 1, \"tags\": [\"set\", [\"p\", \"q\"]]}},"
        " {\"op\": \"insert\", \"table\": \"Kid\", \"uuid-name\": \"y\","
        "  \"row\": {\"v\": 2}}]",
        "[{\"op\": \"insert\", \"table\": \"Top\", \"row\": {\"name\": \"b\","
        "  \"n\": -4}}]",
        "[{\"op\": \"mutate\", \"table\": \"Kid\", \"where\": [],"
        "  \"mutations\": [[\"v\", \"*=\", 10]]}]",
        "[{\"op\": \"update\", \"table\": \"Top\","
        "  \"where\": [[\"name\", \"==\", \"b\"]], \"row\": {\"name\": "
        "\"c\"}}]",
        "[{\"op\": \"mutate\", \"table\": \"Top\","
        "  \"where\": [[\"name\", \"==\", \"a\"]],"
        "  \"mutations\": [[\"kids\", \"delete\", [\"set\", []]]]}]",
        "[{\"op\": \"delete\", \"table\": \"Top\","
        "  \"where\": [[\"name\", \"==\", \"c\"]]}]",
        "[{\"op\": \"mutate\", \"table\": \"Top\", \"where\": [],"
        "  \"mutations\": [[\"opts\", \"insert\", [\"map\", [[\"a\", \"1\"],"
        "   [\"b\", \"2\"], [\"c\", \"3\"]]]]]}]",
        "[{\"op\": \"update\", \"table\": \"Top\", \"where\": [],"
        "  \"row\": {\"opts\": [\"map\", [[\"a\", \"1\"], [\"b\", \"9\"],"
        "   [\"d\", \"4\"]]]}},"
        " {\"op\": \"mutate\", \"table\": \"Kid\", \"where\": [],"
        "  \"mutations\": [[\"tags\", \"delete\", \"p\"],"
        "   [\"tags\", \"insert\", [\"set\", [\"r\", \"s\"]]]]}]",
    };
    struct ovsdb *a = new_db(), *b = new_db();

    /* Replaying every transaction's record on an empty database gives the
     * same contents, UUIDs included. */
    for (size_t i = 0; i < sizeof txns / sizeof txns[0]; i++) {
        struct ovsdb_txn *txn = exec_txn(a, txns[i]);
        if (!txn) {
            continue;
        }
        json_t *record = ovsdb_txn_to_record(txn);
        ovsdb_txn_destroy(txn);
        if (!record) {
            continue;
        }
        char *error = NULL;
        if (ovsdb_apply_record(b, record, &error)) {
            fail_msg("record %s does not apply: %s", dump(record), error);
        }
        json_decref(record);

        json_t *sa = ovsdb_snapshot_to_json(a),
               *sb = ovsdb_snapshot_to_json(b);
        assert_json_equal(sb, sa);
        json_decref(sa);
        json_decref(sb);
    }

    /* So does one snapshot; and the ephemeral column is not in it. */
    json_t *snapshot = ovsdb_snapshot_to_json(a);
    char *text = dump(snapshot);
    assert_null(strstr(text, "stats"));
    free(text);
    struct ovsdb *c = new_db();
    char *error = NULL;
    assert_int_equal(ovsdb_apply_record(c, snapshot, &error), 0);
    json_t *sc = ovsdb_snapshot_to_json(c);
    assert_json_equal(sc, snapshot);
    json_decref(sc);

    /* The replayed rows carry their reference counts: the collected and
     * the protected rows behave alike in all three databases. */
    struct ovsdb *dbs[] = { a, b, c };
    for (size_t i = 0; i < 3; i++) {
        json_t *ops =
            parse("[{\"op\": \"delete\", \"table\": \"Kid\", \"where\": []}]");
        struct ovsdb_txn *txn;
        json_t *result = ovsdb_execute(dbs[i], ops, NULL, &txn, NULL, NULL);
        assert_int_equal(json_array_size(result), 2);
        assert_string_equal(json_string_value(json_object_get(
                                json_array_get(result, 1), "error")),
                            "referential integrity violation");
        json_decref(result);
        json_decref(ops);
    }

    json_decref(snapshot);
    ovsdb_destroy(a);
    ovsdb_destroy(b);
    ovsdb_destroy(c);
}

/* Records that must be refused, applied to the database test_apply_bad()
 * prepares (T1 "a" holding K1 with v 1). */
static const struct bad_record {
    const char *record;
    const char *message; /* Substring of the error message. */
} bad_records[] = {
    { "[]", "object" },
    { "{\"Nope\": {}}", "Nope" },
    { "{\"Top\": []}", "Top" },
    { "{\"Top\": {\"xyz\": {}}}", "xyz" },
    { "{\"Top\": {\"" T2 "\": 5}}", T2 },
    { "{\"Top\": {\"" T2 "\": null}}", "does not exist" },
    { "{\"Top\": {\"" T2 "\": {\"nope\": 1}}}", "nope" },
    { "{\"Top\": {\"" T2 "\": {\"_uuid\": [\"uuid\", \"" T2 "\"]}}}",
      "_uuid" },
    { "{\"Top\": {\"" T2 "\": {\"_version\": [\"uuid\", \"" T2 "\"]}}}",
      "_version" },
    { "{\"Top\": {\"" T2 "\": {\"n\": \"five\"}}}", "integer" },
    { "{\"Top\": {\"" T2 "\": {\"kids\": [\"named-uuid\", \"k\"]}}}",
      "named-uuid" },
    { "{\"Kid\": {\"" K1 "\": {\"v\": 101}}}", "101" },
    { "{\"Kid\": {\"" K1 "\": {\"tags\": [\"set\", [\"a\", \"a\"]]}}}",
      "duplicate" },
    { "{\"Top\": {\"" T2 "\": {\"kids\": [\"uuid\", \"" K2 "\"]}}}",
      "nonexistent" },
    { "{\"Kid\": {\"" K1 "\": null}}", "referential integrity" },
    { "{\"Top\": {\"" T2 "\": {\"name\": \"a\"}}}", "constraint violation" },
    { "{\"Top\": {\"" T1 "\": {\"kids\": [\"uuid\", \"" K1 "\"]}},"
      " \"_is_diff\": 1}",
      "_is_diff" },
    /* A difference that leaves too few elements. */
    { "{\"Kid\": {\"" K1 "\": {\"v\": [\"set\", []]}}, \"_is_diff\": true}",
      "v" },
    /* A good change and a bad one in the same record: neither applies. */
    { "{\"Top\": {\"" T1 "\": {\"n\": 9}, \"" T2 "\": {\"n\": []}}}", T2 },
    { "{\"Top\": {\"" T1 "\": null}, \"Kid\": {\"" K2 "\": {\"v\": 1000}}}",
      K2 },
};

static void
test_apply_bad(void **state)
{
    struct ovsdb *db = new_db();
    char *error =
        apply(db, "{\"Top\": {\"" T1 "\": {\"name\": \"a\","
                  "  \"kids\": [\"uuid\", \"" K1 "\"]}},"
                  " \"Kid\": {\"" K1 "\": {\"v\": 1}},"
                  " \"_date\": 1700000000000, \"_comment\": \"setup\"}");
    assert_null(error);
    json_t *before = ovsdb_snapshot_to_json(db);

    for (size_t i = 0; i < sizeof bad_records / sizeof bad_records[0]; i++) {
        error = apply(db, bad_records[i].record);
        if (!error) {
            fail_msg("%s: applied but should fail", bad_records[i].record);
        }
        if (!strstr(error, bad_records[i].message)) {
            fail_msg("%s: message \"%s\" does not mention \"%s\"",
                     bad_records[i].record, error, bad_records[i].message);
        }
        free(error);

        json_t *after = ovsdb_snapshot_to_json(db);
        assert_json_equal(after, before);
        json_decref(after);
    }

    /* Good records still apply afterward: a partial modification, a
     * difference, and a deletion that collects. */
    assert_null(apply(db, "{\"Top\": {\"" T1 "\": {\"n\": 2}}}"));
    assert_null(apply(
        db, "{\"Top\": {\"" T1 "\": {\"opts\": [\"map\", [[\"x\", \"y\"]]]}},"
            " \"Kid\": {\"" K1 "\": {\"tags\": [\"set\", [\"t\", \"u\"]]}},"
            " \"_is_diff\": true}"));
    assert_null(apply(db,
                      "{\"Kid\": {\"" K1 "\": {\"tags\": \"t\", \"v\": 3}},"
                      " \"_is_diff\": true}"));
    json_t *snapshot = ovsdb_snapshot_to_json(db);
    json_t *expected =
        parse("{\"Top\": {\"" T1 "\": {\"name\": \"a\", \"n\": 2,"
              "  \"kids\": [\"uuid\", \"" K1 "\"],"
              "  \"opts\": [\"map\", [[\"x\", \"y\"]]]}},"
              " \"Kid\": {\"" K1 "\": {\"v\": 3, \"tags\": \"u\"}}}");
    assert_json_equal(snapshot, expected);
    json_decref(expected);
    json_decref(snapshot);
    assert_null(apply(db, "{\"Top\": {\"" T1 "\": null}}"));
    assert_int_equal(ovsdb_table_count_rows(ovsdb_get_table(db, "Kid")), 0);

    json_decref(before);
    ovsdb_destroy(db);
}

/* The Open_vSwitch schema, with transactions as ovs-vsctl 3.1 sends them
 * (captured from a real ovs-vsctl talking to ovsdb-server). */

/* Executes OPS_FMT with each "%s" replaced by the next of the UUIDs. */
static json_t *
vsctl(struct ovsdb *db, struct ovsdb_txn **txnp, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *ops = xvasprintf(fmt, args);
    va_end(args);

    json_t *json = parse(ops);
    free(ops);
    json_t *result = ovsdb_execute(db, json, NULL, txnp, NULL, NULL);
    if (json_array_size(result) != json_array_size(json)) {
        fail_msg("transaction failed: %s", dump(result));
    }
    for (size_t i = 0; i < json_array_size(result); i++) {
        if (json_object_get(json_array_get(result, i), "error")) {
            fail_msg("transaction failed: %s", dump(result));
        }
    }
    json_decref(json);
    return result;
}

static size_t
vs_count(const struct ovsdb *db, const char *table)
{
    return ovsdb_table_count_rows(ovsdb_get_table(db, table));
}

/* The UUID of the only row of TABLE whose "name" is NAME. */
static void
vs_uuid(const struct ovsdb *db, const char *table, const char *name,
        char uuid[OVSDB_UUID_LEN + 1])
{
    const struct ovsdb_table *t = ovsdb_get_table(db, table);
    const struct ovsdb_column *c =
        ovsdb_table_schema_get_column(ovsdb_table_get_schema(t), "name");
    for (const struct ovsdb_row *row = ovsdb_table_first_row(t); row;
         row = ovsdb_table_next_row(t, row)) {
        if (!strcmp(ovsdb_row_get_datum(row, c)->keys[0].string->s, name)) {
            ovsdb_uuid_format(ovsdb_row_get_uuid(row), uuid);
            return;
        }
    }
    fail_msg("no %s named %s", table, name);
}

static void
test_vswitch_vsctl(void **state)
{
    if (access(VSWITCH_SCHEMA, R_OK)) {
        skip();
    }

    struct ovsdb_schema *schema;
    struct ovsdb_error *error = NULL;
    if (ovsdb_schema_from_file(VSWITCH_SCHEMA, &schema, &error)) {
        fail_msg("%s", ovsdb_error_to_string(error));
    }
    struct ovsdb *db = ovsdb_create(schema);
    struct ovsdb_txn *txn;

    /* ovs-vsctl init. */
    json_t *result =
        vsctl(db, &txn,
              "[{\"where\":[],\"rows\":[],\"until\":\"==\","
              "\"table\":\"Open_vSwitch\",\"op\":\"wait\",\"timeout\":0},"
              "{\"uuid-name\":\"row24e9f3e4_0e9f_4c90_8339_ef8decf4cec7\","
              "\"table\":\"Open_vSwitch\",\"op\":\"insert\",\"row\":{}},"
              "{\"comment\":\"ovs-vsctl: ovs-vsctl --no-wait init\","
              "\"op\":\"comment\"}]");
    char ovs[OVSDB_UUID_LEN + 1];
    snprintf(ovs, sizeof ovs, "%s",
             json_string_value(json_array_get(
                 json_object_get(json_array_get(result, 1), "uuid"), 1)));
    json_decref(result);
    json_t *record = take_record(txn);
    json_t *ovs_rows = json_object_get(record, "Open_vSwitch");
    assert_int_equal(json_object_size(ovs_rows), 1);
    assert_string_equal(json_string_value(json_object_get(record, "_comment")),
                        "ovs-vsctl: ovs-vsctl --no-wait init");
    json_decref(record);

    /* ovs-vsctl add-br br0: the update of "bridges" names the Bridge
     * before the insert that creates it. */
    result = vsctl(
        db, &txn,
        "[{\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"%s\"]]],"
        "\"rows\":[{\"bridges\":[\"set\",[]]}],\"until\":\"==\","
        "\"table\":\"Open_vSwitch\",\"op\":\"wait\",\"timeout\":0,"
        "\"columns\":[\"bridges\"]},"
        "{\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"%s\"]]],"
        "\"table\":\"Open_vSwitch\",\"op\":\"update\",\"row\":{\"bridges\":"
        "[\"named-uuid\",\"row4266d08f_53b0_4493_8d17_e4f4dd10b000\"]}},"
        "{\"uuid-name\":\"row135306dd_3fff_4215_ab44_c0c7db18be22\","
        "\"table\":\"Interface\",\"op\":\"insert\","
        "\"row\":{\"name\":\"br0\",\"type\":\"internal\"}},"
        "{\"uuid-name\":\"row9c24c13a_67d9_476c_ad4d_a8214e09ad76\","
        "\"table\":\"Port\",\"op\":\"insert\",\"row\":{\"name\":\"br0\","
        "\"interfaces\":[\"named-uuid\","
        "\"row135306dd_3fff_4215_ab44_c0c7db18be22\"]}},"
        "{\"uuid-name\":\"row4266d08f_53b0_4493_8d17_e4f4dd10b000\","
        "\"table\":\"Bridge\",\"op\":\"insert\",\"row\":{\"name\":\"br0\","
        "\"ports\":[\"named-uuid\","
        "\"row9c24c13a_67d9_476c_ad4d_a8214e09ad76\"]}},"
        "{\"comment\":\"ovs-vsctl: ovs-vsctl --no-wait add-br br0\","
        "\"op\":\"comment\"}]",
        ovs, ovs);
    json_decref(result);
    assert_int_equal(vs_count(db, "Bridge"), 1);
    assert_int_equal(vs_count(db, "Port"), 1);
    assert_int_equal(vs_count(db, "Interface"), 1);
    record = take_record(txn);
    assert_int_equal(json_object_size(json_object_get(record, "Bridge")), 1);
    assert_int_equal(json_object_size(json_object_get(record, "Interface")),
                     1);
    json_decref(record);

    char br[OVSDB_UUID_LEN + 1], port[OVSDB_UUID_LEN + 1];
    char iface[OVSDB_UUID_LEN + 1];
    vs_uuid(db, "Bridge", "br0", br);
    vs_uuid(db, "Port", "br0", port);
    vs_uuid(db, "Interface", "br0", iface);

    /* ovs-vsctl add-port br0 p1 -- set Interface p1 type=internal. */
    result = vsctl(
        db, &txn,
        "[{\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"%s\"]]],"
        "\"rows\":[{\"bridges\":[\"uuid\",\"%s\"]}],\"until\":\"==\","
        "\"table\":\"Open_vSwitch\",\"op\":\"wait\",\"timeout\":0,"
        "\"columns\":[\"bridges\"]},"
        "{\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"%s\"]]],"
        "\"rows\":[{\"ports\":[\"uuid\",\"%s\"]}],\"until\":\"==\","
        "\"table\":\"Bridge\",\"op\":\"wait\",\"timeout\":0,"
        "\"columns\":[\"ports\"]},"
        "{\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"%s\"]]],"
        "\"rows\":[{\"interfaces\":[\"uuid\",\"%s\"]}],\"until\":\"==\","
        "\"table\":\"Port\",\"op\":\"wait\",\"timeout\":0,"
        "\"columns\":[\"interfaces\"]},"
        "{\"uuid-name\":\"rowc2c493f4_38ec_4a8f_a081_78c35b3baf50\","
        "\"table\":\"Port\",\"op\":\"insert\",\"row\":{\"name\":\"p1\","
        "\"interfaces\":[\"named-uuid\","
        "\"row43fbb314_ae5e_41ce_994b_288beddfd470\"]}},"
        "{\"uuid-name\":\"row43fbb314_ae5e_41ce_994b_288beddfd470\","
        "\"table\":\"Interface\",\"op\":\"insert\",\"row\":{\"name\":\"p1\","
        "\"type\":\"internal\"}},"
        "{\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"%s\"]]],"
        "\"table\":\"Bridge\",\"op\":\"update\",\"row\":{\"ports\":"
        "[\"set\",[[\"uuid\",\"%s\"],[\"named-uuid\","
        "\"rowc2c493f4_38ec_4a8f_a081_78c35b3baf50\"]]]}},"
        "{\"comment\":\"ovs-vsctl: ovs-vsctl --no-wait add-port br0 p1\","
        "\"op\":\"comment\"}]",
        ovs, br, br, port, port, iface, br, port);
    json_decref(result);
    ovsdb_txn_destroy(txn);
    assert_int_equal(vs_count(db, "Port"), 2);
    assert_int_equal(vs_count(db, "Interface"), 2);

    /* The switch reports ephemeral state: committed, but no record. */
    result = vsctl(db, &txn,
                   "[{\"op\":\"update\",\"table\":\"Interface\","
                   "\"where\":[[\"name\",\"==\",\"p1\"]],"
                   "\"row\":{\"statistics\":[\"map\",[[\"rx_packets\",5]]],"
                   "\"ofport\":1}}]");
    json_decref(result);
    record = take_record(txn);
    json_t *expected =
        json_pack("{s:{s:{s:i}}}", "Interface", "", "ofport", 1);
    char p1[OVSDB_UUID_LEN + 1];
    vs_uuid(db, "Interface", "p1", p1);
    json_object_set(
        json_object_get(expected, "Interface"), p1,
        json_object_get(json_object_get(expected, "Interface"), ""));
    json_object_del(json_object_get(expected, "Interface"), "");
    assert_json_equal(record, expected);
    json_decref(expected);
    json_decref(record);

    /* An immutable name stays immutable. */
    json_t *ops = parse("[{\"op\":\"update\",\"table\":\"Bridge\","
                        "\"where\":[],\"row\":{\"name\":\"br1\"}}]");
    result = ovsdb_execute(db, ops, NULL, &txn, NULL, NULL);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(result, 0), "error")),
        "constraint violation");
    json_decref(result);
    json_decref(ops);

    /* Only one Open_vSwitch row may exist (maxRows 1). */
    ops = parse("[{\"op\":\"insert\",\"table\":\"Open_vSwitch\","
                "\"row\":{}}]");
    result = ovsdb_execute(db, ops, NULL, &txn, NULL, NULL);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(result, 1), "error")),
        "constraint violation");
    json_decref(result);
    json_decref(ops);

    /* ovs-vsctl del-br br0 empties "bridges"; the bridge, its ports and
     * their interfaces are collected and the record says so. */
    result =
        vsctl(db, &txn,
              "[{\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"%s\"]]],"
              "\"rows\":[{\"bridges\":[\"uuid\",\"%s\"]}],\"until\":\"==\","
              "\"table\":\"Open_vSwitch\",\"op\":\"wait\",\"timeout\":0,"
              "\"columns\":[\"bridges\"]},"
              "{\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"%s\"]]],"
              "\"table\":\"Open_vSwitch\",\"op\":\"update\","
              "\"row\":{\"bridges\":[\"set\",[]]}},"
              "{\"comment\":\"ovs-vsctl: ovs-vsctl --no-wait del-br br0\","
              "\"op\":\"comment\"}]",
              ovs, br, ovs);
    json_decref(result);
    record = take_record(txn);
    assert_int_equal(vs_count(db, "Bridge"), 0);
    assert_int_equal(vs_count(db, "Port"), 0);
    assert_int_equal(vs_count(db, "Interface"), 0);
    assert_int_equal(vs_count(db, "Open_vSwitch"), 1);
    assert_int_equal(json_object_size(json_object_get(record, "Port")), 2);
    assert_true(
        json_is_null(json_object_get(json_object_get(record, "Bridge"), br)));
    json_decref(record);

    ovsdb_destroy(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_insert_modify_delete),
        cmocka_unit_test(test_record_weak),
        cmocka_unit_test(test_changes),
        cmocka_unit_test(test_apply_round_trip),
        cmocka_unit_test(test_apply_bad),
        cmocka_unit_test(test_vswitch_vsctl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
