/* Unit tests for ovsdb/idl: the update2 diff rules (data-driven), and the
 * IDL's session and replica against a scripted OVSDB server double (from
 * ovsdb-idl-mock.h) that runs in a thread and speaks JSON-RPC over a Unix
 * socket in a private temporary directory: the session handshake, initial
 * contents, insert/modify/delete updates, resyncs (found = false replaces
 * the replica, found = true applies a diff), the fallback to
 * monitor_cond, the _Server checks, "echo" and the event-loop attachment.
 * Transactions and locks are in test-ovsdb-idl-txn.c. */
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

/* Test helpers of the session tests. */

static bool
seqno_changed(struct ovsdb_idl *idl, struct mock *m NF_UNUSED, void *aux)
{
    return ovsdb_idl_get_seqno(idl) != *(uint64_t *) aux;
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
        cmocka_unit_test(test_attach),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
