/* Unit tests for ovsdb/uuid, ovsdb/types, ovsdb/datum and ovsdb/schema:
 * JSON in, parsed value (printed back in canonical form) or the exact
 * RFC 7047 error name out. */
#include <errno.h>
#include <limits.h>
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

#include "lib/buf.h"
#include "ovsdb/datum.h"
#include "ovsdb/error.h"
#include "ovsdb/schema.h"
#include "ovsdb/types.h"
#include "ovsdb/uuid.h"

#define VSWITCH_SCHEMA "/usr/share/openvswitch/vswitch.ovsschema"

static json_t *
parse(const char *s)
{
    json_error_t jerr;
    json_t *json = json_loads(s, JSON_DECODE_ANY, &jerr);
    if (!json) {
        fail_msg("test JSON does not parse: %s: %s", s, jerr.text);
    }
    return json;
}

/* Asserts that A and B are equal JSON, printing both if not. */
static void
assert_json_equal(const json_t *a, const json_t *b)
{
    if (!json_equal((json_t *) a, (json_t *) b)) {
        char *sa =
            json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        char *sb =
            json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        fail_msg("JSON differs:\n  got      %s\n  expected %s", sa, sb);
    }
}

/* UUIDs. */

static void
test_uuid_parse_format(void **state)
{
    static const struct {
        const char *s;
        bool ok;
    } cases[] = {
        { "550e8400-e29b-41d4-a716-446655440000", true },
        { "550E8400-E29B-41D4-A716-446655440000", true },
        { "00000000-0000-0000-0000-000000000000", true },
        { "550e8400-e29b-41d4-a716-44665544000", false },   /* Short. */
        { "550e8400-e29b-41d4-a716-4466554400000", false }, /* Long. */
        { "550e8400xe29b-41d4-a716-446655440000", false },  /* Dash. */
        { "550e8400-e29b-41d4-a716-44665544000g", false },  /* Hex. */
        { "", false },
    };
    char buf[OVSDB_UUID_LEN + 1];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ovsdb_uuid u;
        bool ok = ovsdb_uuid_from_string(&u, cases[i].s);
        if (ok != cases[i].ok) {
            fail_msg("%s: expected %s", cases[i].s,
                     cases[i].ok ? "success" : "failure");
        }
        if (ok) {
            /* Formatting gives the lower-case form back. */
            char lower[OVSDB_UUID_LEN + 1];
            for (int j = 0; j <= OVSDB_UUID_LEN; j++) {
                char c = cases[i].s[j];
                lower[j] = (c >= 'A' && c <= 'F') ? c - 'A' + 'a' : c;
            }
            assert_string_equal(ovsdb_uuid_format(&u, buf), lower);
        } else {
            assert_true(ovsdb_uuid_is_zero(&u));
        }
    }
}

static void
test_uuid_order_and_generate(void **state)
{
    struct ovsdb_uuid a, b;

    /* Comparison follows the text form. */
    assert_true(
        ovsdb_uuid_from_string(&a, "0fffffff-ffff-ffff-ffff-ffffffffffff"));
    assert_true(
        ovsdb_uuid_from_string(&b, "10000000-0000-0000-0000-000000000000"));
    assert_true(ovsdb_uuid_compare(&a, &b) < 0);
    assert_true(ovsdb_uuid_compare(&b, &a) > 0);
    assert_int_equal(ovsdb_uuid_compare(&a, &a), 0);

    /* Generated UUIDs are version 4, variant 10xx, and distinct (across
     * more than one batch of randomness). */
    struct ovsdb_uuid prev;
    ovsdb_uuid_zero(&prev);
    for (int i = 0; i < 200; i++) {
        struct ovsdb_uuid u;
        char s[OVSDB_UUID_LEN + 1];
        ovsdb_uuid_generate(&u);
        ovsdb_uuid_format(&u, s);
        assert_int_equal(s[14], '4');
        assert_true(strchr("89ab", s[19]) != NULL);
        assert_false(ovsdb_uuid_equals(&u, &prev));
        prev = u;
    }
}

/* Types. */

static const struct type_case {
    const char *json;
    const char *canonical; /* NULL: must fail with "syntax error". */
} type_cases[] = {
    { "\"integer\"", "\"integer\"" },
    { "\"real\"", "\"real\"" },
    { "\"boolean\"", "\"boolean\"" },
    { "\"string\"", "\"string\"" },
    { "\"uuid\"", "\"uuid\"" },
    { "{\"key\": \"string\"}", "\"string\"" },
    { "{\"key\": {\"type\": \"string\"}, \"min\": 1, \"max\": 1}",
      "\"string\"" },
    { "{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
      "{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}" },
    { "{\"key\": \"integer\", \"min\": 0, \"max\": 1}",
      "{\"key\": \"integer\", \"min\": 0}" },
    { "{\"key\": \"integer\", \"max\": 4}",
      "{\"key\": \"integer\", \"max\": 4}" },
    { "{\"key\": {\"type\": \"integer\", \"minInteger\": 0, "
      "\"maxInteger\": 4095}}",
      "{\"key\": {\"type\": \"integer\", \"minInteger\": 0, "
      "\"maxInteger\": 4095}}" },
    { "{\"key\": {\"type\": \"integer\", \"minInteger\": 1}}",
      "{\"key\": {\"type\": \"integer\", \"minInteger\": 1}}" },
    { "{\"key\": {\"type\": \"real\", \"minReal\": 0, \"maxReal\": 1.5}}",
      "{\"key\": {\"type\": \"real\", \"minReal\": 0.0, "
      "\"maxReal\": 1.5}}" },
    { "{\"key\": {\"type\": \"string\", \"minLength\": 1, "
      "\"maxLength\": 8}}",
      "{\"key\": {\"type\": \"string\", \"minLength\": 1, "
      "\"maxLength\": 8}}" },
    { "{\"key\": {\"type\": \"string\", \"enum\": [\"set\", [\"b\", "
      "\"a\"]]}}",
      "{\"key\": {\"type\": \"string\", \"enum\": [\"set\", [\"a\", "
      "\"b\"]]}}" },
    { "{\"key\": {\"type\": \"string\", \"enum\": \"only\"}}",
      "{\"key\": {\"type\": \"string\", \"enum\": \"only\"}}" },
    { "{\"key\": {\"type\": \"uuid\", \"refTable\": \"T\"}, \"min\": 0, "
      "\"max\": \"unlimited\"}",
      "{\"key\": {\"type\": \"uuid\", \"refTable\": \"T\"}, \"min\": 0, "
      "\"max\": \"unlimited\"}" },
    { "{\"key\": {\"type\": \"uuid\", \"refTable\": \"T\", "
      "\"refType\": \"strong\"}}",
      "{\"key\": {\"type\": \"uuid\", \"refTable\": \"T\"}}" },
    { "{\"key\": {\"type\": \"uuid\", \"refTable\": \"T\", "
      "\"refType\": \"weak\"}}",
      "{\"key\": {\"type\": \"uuid\", \"refTable\": \"T\", "
      "\"refType\": \"weak\"}}" },
    { "{\"key\": \"string\", \"value\": \"string\", \"min\": 0, "
      "\"max\": \"unlimited\"}",
      "{\"key\": \"string\", \"value\": \"string\", \"min\": 0, "
      "\"max\": \"unlimited\"}" },
    { "{\"key\": \"integer\", \"value\": {\"type\": \"uuid\", "
      "\"refTable\": \"T\"}}",
      "{\"key\": \"integer\", \"value\": {\"type\": \"uuid\", "
      "\"refTable\": \"T\"}}" },

    /* Errors. */
    { "\"void\"", NULL },
    { "\"int\"", NULL },
    { "42", NULL },
    { "[\"integer\"]", NULL },
    { "{\"type\": \"integer\"}", NULL }, /* No "key". */
    { "{\"key\": \"integer\", \"min\": 2}", NULL },
    { "{\"key\": \"integer\", \"min\": -1}", NULL },
    { "{\"key\": \"integer\", \"max\": 0}", NULL },
    { "{\"key\": \"integer\", \"min\": 1, \"max\": \"lots\"}", NULL },
    { "{\"key\": \"integer\", \"min\": \"0\"}", NULL },
    { "{\"key\": \"integer\", \"extra\": 1}", NULL },
    { "{\"key\": {\"type\": \"string\", \"minInteger\": 0}}", NULL },
    { "{\"key\": {\"type\": \"integer\", \"minReal\": 0}}", NULL },
    { "{\"key\": {\"type\": \"integer\", \"enum\": [\"set\", [1]], "
      "\"minInteger\": 0}}",
      NULL },
    { "{\"key\": {\"type\": \"integer\", \"enum\": [\"set\", [1, "
      "\"x\"]]}}",
      NULL },
    { "{\"key\": {\"type\": \"integer\", \"enum\": [\"set\", []]}}", NULL },
    { "{\"key\": {\"type\": \"integer\", \"minInteger\": 5, "
      "\"maxInteger\": 1}}",
      NULL },
    { "{\"key\": {\"type\": \"integer\", \"minInteger\": 1.5}}", NULL },
    { "{\"key\": {\"type\": \"real\", \"minReal\": 2, \"maxReal\": 1}}",
      NULL },
    { "{\"key\": {\"type\": \"string\", \"maxLength\": -1}}", NULL },
    { "{\"key\": {\"type\": \"string\", \"minLength\": 5, "
      "\"maxLength\": 4}}",
      NULL },
    { "{\"key\": {\"type\": \"uuid\", \"refType\": \"weak\"}}", NULL },
    { "{\"key\": {\"type\": \"uuid\", \"refTable\": \"T\", "
      "\"refType\": \"medium\"}}",
      NULL },
    { "{\"key\": {\"type\": \"uuid\", \"refTable\": \"9T\"}}", NULL },
    { "{\"key\": {\"minInteger\": 1}}", NULL }, /* No "type". */
    { "{\"key\": \"string\", \"value\": \"void\"}", NULL },
};

static void
test_types(void **state)
{
    for (size_t i = 0; i < sizeof type_cases / sizeof type_cases[0]; i++) {
        const struct type_case *c = &type_cases[i];
        json_t *json = parse(c->json);
        struct ovsdb_type type;
        struct ovsdb_error *error = NULL;
        int retval = ovsdb_type_from_json(&type, json, &error);

        if (!c->canonical) {
            if (!retval) {
                fail_msg("%s: parsed but should fail", c->json);
            }
            assert_int_equal(retval, EINVAL);
            assert_non_null(error);
            assert_string_equal(error->tag, OVSDB_E_SYNTAX);
            assert_true(strlen(error->details) > 0);
            ovsdb_error_destroy(error);
        } else {
            if (retval) {
                char *s = ovsdb_error_to_string(error);
                fail_msg("%s: %s", c->json, s);
            }
            json_t *out = ovsdb_type_to_json(&type);
            json_t *expected = parse(c->canonical);
            assert_json_equal(out, expected);

            /* A copy prints the same. */
            struct ovsdb_type copy;
            ovsdb_type_clone(&copy, &type);
            json_t *out2 = ovsdb_type_to_json(&copy);
            assert_json_equal(out2, expected);

            json_decref(out2);
            json_decref(out);
            json_decref(expected);
            ovsdb_type_destroy(&copy);
            ovsdb_type_destroy(&type);
        }
        json_decref(json);
    }
}

static void
test_type_english(void **state)
{
    static const struct {
        const char *json;
        const char *english;
    } cases[] = {
        { "\"integer\"", "integer" },
        { "{\"key\": \"integer\", \"min\": 0}", "set of up to 1 integers" },
        { "{\"key\": \"integer\", \"max\": \"unlimited\"}",
          "set of 1 or more integers" },
        { "{\"key\": \"string\", \"min\": 0, \"max\": \"unlimited\"}",
          "set of strings" },
        { "{\"key\": \"string\", \"max\": 3}", "set of 1 to 3 strings" },
        { "{\"key\": \"string\", \"value\": \"integer\", \"min\": 0, "
          "\"max\": 2}",
          "map of up to 2 string-integer pairs" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *json = parse(cases[i].json);
        struct ovsdb_type type;
        assert_int_equal(ovsdb_type_from_json(&type, json, NULL), 0);
        char *s = ovsdb_type_to_english(&type);
        assert_string_equal(s, cases[i].english);
        free(s);
        ovsdb_type_destroy(&type);
        json_decref(json);
    }
}

/* Datums. */

static const struct datum_case {
    const char *type;
    const char *value;
    const char *result; /* Canonical JSON, or an error name. */
} datum_cases[] = {
    /* Atoms of each type, as scalars. */
    { "\"integer\"", "5", "5" },
    { "\"integer\"", "-9223372036854775808", "-9223372036854775808" },
    { "\"integer\"", "1.5", OVSDB_E_SYNTAX },
    { "\"integer\"", "\"5\"", OVSDB_E_SYNTAX },
    { "\"integer\"", "[\"set\", [5]]", "5" },
    { "\"integer\"", "[\"set\", []]", OVSDB_E_SYNTAX },
    { "\"integer\"", "[\"set\", [1, 2]]", OVSDB_E_SYNTAX },
    { "\"real\"", "1", "1.0" },
    { "\"real\"", "2.5", "2.5" },
    { "\"real\"", "true", OVSDB_E_SYNTAX },
    { "\"boolean\"", "true", "true" },
    { "\"boolean\"", "0", OVSDB_E_SYNTAX },
    { "\"string\"", "\"\"", "\"\"" },
    { "\"string\"", "\"br0\"", "\"br0\"" },
    { "\"string\"", "null", OVSDB_E_SYNTAX },
    { "\"uuid\"", "[\"uuid\", \"550e8400-e29b-41d4-a716-446655440000\"]",
      "[\"uuid\", \"550e8400-e29b-41d4-a716-446655440000\"]" },
    { "\"uuid\"", "[\"uuid\", \"550E8400-E29B-41D4-A716-446655440000\"]",
      "[\"uuid\", \"550e8400-e29b-41d4-a716-446655440000\"]" },
    { "\"uuid\"", "[\"uuid\", \"not-a-uuid\"]", OVSDB_E_SYNTAX },
    { "\"uuid\"", "[\"uuid\"]", OVSDB_E_SYNTAX },
    { "\"uuid\"", "\"550e8400-e29b-41d4-a716-446655440000\"", OVSDB_E_SYNTAX },
    { "\"uuid\"", "[\"named-uuid\", \"x\"]", OVSDB_E_SYNTAX }, /* No
                                                                 * symtab. */

    /* Immediate constraints. */
    { "{\"key\": {\"type\": \"integer\", \"minInteger\": 0, "
      "\"maxInteger\": 100}}",
      "100", "100" },
    { "{\"key\": {\"type\": \"integer\", \"minInteger\": 0, "
      "\"maxInteger\": 100}}",
      "101", OVSDB_E_CONSTRAINT },
    { "{\"key\": {\"type\": \"integer\", \"minInteger\": 0}}", "-1",
      OVSDB_E_CONSTRAINT },
    { "{\"key\": {\"type\": \"real\", \"maxReal\": 1}}", "1.5",
      OVSDB_E_CONSTRAINT },
    { "{\"key\": {\"type\": \"real\", \"minReal\": 0, \"maxReal\": 1}}", "0.5",
      "0.5" },
    /* Lengths count UTF-8 characters, not bytes. */
    { "{\"key\": {\"type\": \"string\", \"maxLength\": 3}}",
      "\"\xc3\xbcn\xc3\xaf\"", "\"\xc3\xbcn\xc3\xaf\"" },
    { "{\"key\": {\"type\": \"string\", \"maxLength\": 3}}",
      "\"\xc3\xbcn\xc3\xafx\"", OVSDB_E_CONSTRAINT },
    { "{\"key\": {\"type\": \"string\", \"minLength\": 1}}", "\"\"",
      OVSDB_E_CONSTRAINT },
    { "{\"key\": {\"type\": \"string\", \"enum\": [\"set\", [\"red\", "
      "\"blue\"]]}}",
      "\"red\"", "\"red\"" },
    { "{\"key\": {\"type\": \"string\", \"enum\": [\"set\", [\"red\", "
      "\"blue\"]]}}",
      "\"pink\"", OVSDB_E_CONSTRAINT },
    { "{\"key\": {\"type\": \"integer\", \"enum\": [\"set\", [1, 2]]}, "
      "\"min\": 0, \"max\": \"unlimited\"}",
      "[\"set\", [2, 3]]", OVSDB_E_CONSTRAINT },

    /* Sets: sorted, duplicates refused, sizes checked. */
    { "{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
      "[\"set\", [3, 1, 2]]", "[\"set\", [1, 2, 3]]" },
    { "{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
      "[\"set\", []]", "[\"set\", []]" },
    { "{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}", "7", "7" },
    { "{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
      "[\"set\", [7]]", "7" },
    { "{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
      "[\"set\", [1, 2, 1]]", OVSDB_E_OVSDB },
    { "{\"key\": \"integer\", \"min\": 0, \"max\": 2}", "[\"set\", [1, 2, 3]]",
      OVSDB_E_SYNTAX },
    { "{\"key\": \"integer\", \"max\": \"unlimited\"}", "[\"set\", []]",
      OVSDB_E_SYNTAX },
    { "{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
      "[\"set\", 1]", OVSDB_E_SYNTAX },
    { "{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
      "[\"set\", [1], 2]", OVSDB_E_SYNTAX },
    { "{\"key\": \"uuid\", \"min\": 0, \"max\": \"unlimited\"}",
      "[\"set\", [[\"uuid\", \"20000000-0000-0000-0000-000000000000\"], "
      "[\"uuid\", \"10000000-0000-0000-0000-000000000000\"]]]",
      "[\"set\", [[\"uuid\", \"10000000-0000-0000-0000-000000000000\"], "
      "[\"uuid\", \"20000000-0000-0000-0000-000000000000\"]]]" },
    { "{\"key\": \"string\", \"min\": 0}", "[\"set\", []]", "[\"set\", []]" },

    /* Maps. */
    { "{\"key\": \"string\", \"value\": \"integer\", \"min\": 0, "
      "\"max\": \"unlimited\"}",
      "[\"map\", [[\"b\", 1], [\"a\", 2]]]",
      "[\"map\", [[\"a\", 2], [\"b\", 1]]]" },
    { "{\"key\": \"string\", \"value\": \"integer\", \"min\": 0, "
      "\"max\": \"unlimited\"}",
      "[\"map\", []]", "[\"map\", []]" },
    { "{\"key\": \"string\", \"value\": \"integer\", \"min\": 0, "
      "\"max\": \"unlimited\"}",
      "[\"map\", [[\"a\", 1], [\"a\", 2]]]", OVSDB_E_OVSDB },
    { "{\"key\": \"string\", \"value\": \"integer\", \"min\": 0, "
      "\"max\": \"unlimited\"}",
      "[\"map\", [[\"a\"]]]", OVSDB_E_SYNTAX },
    { "{\"key\": \"string\", \"value\": \"integer\", \"min\": 0, "
      "\"max\": \"unlimited\"}",
      "[\"map\", [[\"a\", \"x\"]]]", OVSDB_E_SYNTAX },
    { "{\"key\": \"string\", \"value\": \"integer\", \"min\": 0, "
      "\"max\": \"unlimited\"}",
      "[\"set\", []]", OVSDB_E_SYNTAX },
    { "{\"key\": \"string\", \"value\": \"integer\", \"min\": 0, "
      "\"max\": \"unlimited\"}",
      "\"a\"", OVSDB_E_SYNTAX },
    { "{\"key\": \"string\", \"value\": {\"type\": \"integer\", "
      "\"maxInteger\": 9}, \"min\": 0, \"max\": \"unlimited\"}",
      "[\"map\", [[\"a\", 10]]]", OVSDB_E_CONSTRAINT },
};

static void
test_datums(void **state)
{
    for (size_t i = 0; i < sizeof datum_cases / sizeof datum_cases[0]; i++) {
        const struct datum_case *c = &datum_cases[i];
        json_t *type_json = parse(c->type);
        json_t *value = parse(c->value);
        struct ovsdb_type type;
        struct ovsdb_datum datum;
        struct ovsdb_error *error = NULL;

        assert_int_equal(ovsdb_type_from_json(&type, type_json, NULL), 0);
        int retval = ovsdb_datum_from_json(&datum, &type, value, NULL, &error);
        bool want_error = (!strcmp(c->result, OVSDB_E_SYNTAX)
                           || !strcmp(c->result, OVSDB_E_CONSTRAINT)
                           || !strcmp(c->result, OVSDB_E_OVSDB));
        if (want_error) {
            if (!retval) {
                fail_msg("%s as %s: parsed but should fail with %s", c->value,
                         c->type, c->result);
            }
            if (strcmp(error->tag, c->result)) {
                fail_msg("%s as %s: got \"%s\" (%s), expected \"%s\"",
                         c->value, c->type, error->tag, error->details,
                         c->result);
            }
            ovsdb_error_destroy(error);
        } else {
            if (retval) {
                char *s = ovsdb_error_to_string(error);
                fail_msg("%s as %s: %s", c->value, c->type, s);
            }
            json_t *out = ovsdb_datum_to_json(&datum, &type);
            json_t *expected = parse(c->result);
            assert_json_equal(out, expected);

            /* Parsing the output again gives an equal datum, with an
             * equal hash. */
            struct ovsdb_datum again;
            assert_int_equal(
                ovsdb_datum_from_json(&again, &type, out, NULL, NULL), 0);
            assert_true(ovsdb_datum_equals(&datum, &again, &type));
            assert_int_equal(ovsdb_datum_hash(&datum, &type, 7),
                             ovsdb_datum_hash(&again, &type, 7));
            ovsdb_datum_destroy(&again, &type);

            json_decref(out);
            json_decref(expected);
            ovsdb_datum_destroy(&datum, &type);
        }
        ovsdb_type_destroy(&type);
        json_decref(type_json);
        json_decref(value);
    }
}

/* Parses VALUE as TYPE_JSON into *D (which the caller destroys). */
static void
datum_from(struct ovsdb_datum *d, const struct ovsdb_type *type,
           const char *value)
{
    json_t *json = parse(value);
    struct ovsdb_error *error = NULL;
    if (ovsdb_datum_from_json(d, type, json, NULL, &error)) {
        fail_msg("%s: %s", value, error->details);
    }
    json_decref(json);
}

static void
assert_datum_json(const struct ovsdb_datum *d, const struct ovsdb_type *type,
                  const char *expected_s)
{
    json_t *out = ovsdb_datum_to_json(d, type);
    json_t *expected = parse(expected_s);
    assert_json_equal(out, expected);
    json_decref(out);
    json_decref(expected);
}

static void
test_datum_set_algebra(void **state)
{
    struct ovsdb_type set, map, keys;
    json_t *j;

    j = parse("{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}");
    assert_int_equal(ovsdb_type_from_json(&set, j, NULL), 0);
    json_decref(j);
    j = parse("{\"key\": \"string\", \"value\": \"string\", \"min\": 0, "
              "\"max\": \"unlimited\"}");
    assert_int_equal(ovsdb_type_from_json(&map, j, NULL), 0);
    json_decref(j);
    j = parse("{\"key\": \"string\", \"min\": 0, \"max\": \"unlimited\"}");
    assert_int_equal(ovsdb_type_from_json(&keys, j, NULL), 0);
    json_decref(j);

    struct ovsdb_datum a, b, c;

    /* Set union and difference. */
    datum_from(&a, &set, "[\"set\", [1, 3, 5]]");
    datum_from(&b, &set, "[\"set\", [2, 3, 6]]");
    assert_false(ovsdb_datum_includes_all(&b, &a, &set));
    assert_false(ovsdb_datum_excludes_all(&b, &a, &set));
    ovsdb_datum_union(&a, &b, &set);
    assert_datum_json(&a, &set, "[\"set\", [1, 2, 3, 5, 6]]");
    assert_true(ovsdb_datum_includes_all(&b, &a, &set));
    ovsdb_datum_subtract(&a, &set, &b, &set);
    assert_datum_json(&a, &set, "[\"set\", [1, 5]]");
    assert_true(ovsdb_datum_excludes_all(&b, &a, &set));
    assert_int_equal(ovsdb_datum_find_key(&a, &b.keys[0], OVSDB_TYPE_INTEGER),
                     UINT_MAX);
    ovsdb_datum_destroy(&a, &set);
    ovsdb_datum_destroy(&b, &set);

    /* Map union keeps existing values (RFC 7047 "insert"); deleting a map
     * removes only matching pairs, deleting a set of keys removes by key. */
    datum_from(&a, &map, "[\"map\", [[\"k\", \"v\"], [\"x\", \"1\"]]]");
    datum_from(&b, &map, "[\"map\", [[\"k\", \"zz\"], [\"y\", \"2\"]]]");
    ovsdb_datum_union(&a, &b, &map);
    assert_datum_json(&a, &map,
                      "[\"map\", [[\"k\", \"v\"], [\"x\", \"1\"], "
                      "[\"y\", \"2\"]]]");
    assert_false(ovsdb_datum_includes_all(&b, &a, &map));
    ovsdb_datum_subtract(&a, &map, &b, &map);
    assert_datum_json(&a, &map, "[\"map\", [[\"k\", \"v\"], [\"x\", \"1\"]]]");
    datum_from(&c, &keys, "[\"set\", [\"k\", \"nope\"]]");
    ovsdb_datum_subtract(&a, &map, &c, &keys);
    assert_datum_json(&a, &map, "[\"map\", [[\"x\", \"1\"]]]");
    ovsdb_datum_destroy(&a, &map);
    ovsdb_datum_destroy(&b, &map);
    ovsdb_datum_destroy(&c, &keys);

    /* Defaults. */
    struct ovsdb_type scalar;
    ovsdb_type_init_scalar(&scalar, OVSDB_TYPE_STRING);
    ovsdb_datum_init_default(&a, &scalar);
    assert_true(ovsdb_datum_is_default(&a, &scalar));
    assert_datum_json(&a, &scalar, "\"\"");
    ovsdb_datum_destroy(&a, &scalar);
    ovsdb_datum_init_default(&a, &set);
    assert_true(ovsdb_datum_is_default(&a, &set));
    assert_int_equal(a.n, 0);
    ovsdb_datum_destroy(&a, &set);

    /* Copies share strings but are independent datums. */
    datum_from(&a, &keys, "[\"set\", [\"p\", \"q\"]]");
    ovsdb_datum_clone(&b, &a, &keys);
    assert_ptr_equal(a.keys[0].string, b.keys[0].string);
    assert_int_equal(a.keys[0].string->refcnt, 2);
    ovsdb_datum_remove_at(&b, 0, &keys);
    assert_int_equal(a.keys[0].string->refcnt, 1);
    assert_datum_json(&a, &keys, "[\"set\", [\"p\", \"q\"]]");
    assert_datum_json(&b, &keys, "\"q\"");
    ovsdb_datum_destroy(&a, &keys);
    ovsdb_datum_destroy(&b, &keys);

    ovsdb_type_destroy(&set);
    ovsdb_type_destroy(&map);
    ovsdb_type_destroy(&keys);
}

/* Differences: OLD and NEW of a type, the expected difference, and that
 * applying it to OLD gives NEW. */
static const struct diff_case {
    const char *type;
    const char *old, *new, *diff;
} diff_cases[] = {
    { "{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
      "[\"set\", [1, 2, 3]]", "[\"set\", [2, 3, 4]]", "[\"set\", [1, 4]]" },
    { "{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
      "[\"set\", []]", "[\"set\", [5]]", "5" },
    { "{\"key\": \"integer\", \"min\": 0, \"max\": \"unlimited\"}",
      "[\"set\", [5, 6]]", "[\"set\", [5, 6]]", "[\"set\", []]" },
    { "{\"key\": \"integer\", \"max\": 2}", "1", "2", "[\"set\", [1, 2]]" },
    { "{\"key\": \"string\", \"value\": \"string\", \"min\": 0, "
      "\"max\": \"unlimited\"}",
      "[\"map\", [[\"a\", \"1\"], [\"b\", \"2\"], [\"c\", \"3\"]]]",
      "[\"map\", [[\"b\", \"2\"], [\"c\", \"9\"], [\"d\", \"4\"]]]",
      "[\"map\", [[\"a\", \"1\"], [\"c\", \"9\"], [\"d\", \"4\"]]]" },
    { "{\"key\": \"string\", \"value\": \"string\", \"min\": 0, "
      "\"max\": \"unlimited\"}",
      "[\"map\", [[\"a\", \"1\"]]]", "[\"map\", []]",
      "[\"map\", [[\"a\", \"1\"]]]" },
};

static void
test_datum_diff(void **state)
{
    for (size_t i = 0; i < sizeof diff_cases / sizeof diff_cases[0]; i++) {
        const struct diff_case *c = &diff_cases[i];
        json_t *tj = parse(c->type);
        struct ovsdb_type type, diff_type;
        struct ovsdb_datum old, new, diff;

        assert_int_equal(ovsdb_type_from_json(&type, tj, NULL), 0);
        diff_type = type;
        diff_type.n_min = 0;
        diff_type.n_max = OVSDB_UNLIMITED;
        datum_from(&old, &type, c->old);
        datum_from(&new, &type, c->new);
        ovsdb_datum_diff(&diff, &old, &new, &type);
        assert_datum_json(&diff, &diff_type, c->diff);

        assert_int_equal(ovsdb_datum_apply_diff(&old, &diff, &type, NULL), 0);
        assert_true(ovsdb_datum_equals(&old, &new, &type));

        /* Applying it again goes back, for sets (a symmetric
         * difference is its own inverse). */
        if (!ovsdb_type_is_map(&type) && type.n_max == OVSDB_UNLIMITED) {
            assert_int_equal(ovsdb_datum_apply_diff(&old, &diff, &type, NULL),
                             0);
            struct ovsdb_datum orig;
            datum_from(&orig, &type, c->old);
            assert_true(ovsdb_datum_equals(&old, &orig, &type));
            ovsdb_datum_destroy(&orig, &type);
        }

        ovsdb_datum_destroy(&old, &type);
        ovsdb_datum_destroy(&new, &type);
        ovsdb_datum_destroy(&diff, &diff_type);
        ovsdb_type_destroy(&type);
        json_decref(tj);
    }

    /* A difference that breaks the size limits is refused. */
    struct ovsdb_type type;
    json_t *tj = parse("{\"key\": \"integer\", \"max\": 2}");
    assert_int_equal(ovsdb_type_from_json(&type, tj, NULL), 0);
    struct ovsdb_datum d, diff;
    datum_from(&d, &type, "1");
    datum_from(&diff, &type, "1");
    struct ovsdb_error *error = NULL;
    assert_int_equal(ovsdb_datum_apply_diff(&d, &diff, &type, &error), EINVAL);
    assert_string_equal(error->tag, OVSDB_E_CONSTRAINT);
    ovsdb_error_destroy(error);
    ovsdb_datum_destroy(&d, &type);
    ovsdb_datum_destroy(&diff, &type);
    ovsdb_type_destroy(&type);
    json_decref(tj);
}

static void
test_datum_named_uuid(void **state)
{
    struct ovsdb_type type;
    struct ovsdb_symtab symtab;
    struct ovsdb_datum a, b;

    ovsdb_type_init_scalar(&type, OVSDB_TYPE_UUID);
    ovsdb_symtab_init(&symtab);

    /* The first reference creates the symbol; later ones reuse it. */
    json_t *j = parse("[\"named-uuid\", \"row1\"]");
    assert_int_equal(ovsdb_datum_from_json(&a, &type, j, &symtab, NULL), 0);
    assert_int_equal(ovsdb_datum_from_json(&b, &type, j, &symtab, NULL), 0);
    struct ovsdb_symbol *symbol = ovsdb_symtab_find(&symtab, "row1");
    assert_non_null(symbol);
    assert_false(symbol->created);
    assert_true(ovsdb_uuid_equals(&a.keys[0].uuid, &symbol->uuid));
    assert_true(ovsdb_datum_equals(&a, &b, &type));
    assert_null(ovsdb_symtab_find(&symtab, "row2"));

    ovsdb_datum_destroy(&a, &type);
    ovsdb_datum_destroy(&b, &type);
    json_decref(j);
    ovsdb_symtab_destroy(&symtab);
}

static void
test_datum_constraint_messages(void **state)
{
    /* The details name the value and the limits. */
    static const struct {
        const char *type;
        const char *value;
        const char *details;
    } cases[] = {
        { "{\"key\": {\"type\": \"integer\", \"minInteger\": 0, "
          "\"maxInteger\": 100}}",
          "101", "101 is not in the valid range 0 to 100 (inclusive)" },
        { "{\"key\": {\"type\": \"string\", \"enum\": [\"set\", [\"b\", "
          "\"a\"]]}}",
          "\"c\"", "c is not one of the allowed values ([a, b])" },
        { "{\"key\": {\"type\": \"string\", \"maxLength\": 2}}", "\"abc\"",
          "\"abc\" length 3 is greater than maximum allowed length 2" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *tj = parse(cases[i].type), *vj = parse(cases[i].value);
        struct ovsdb_type type;
        struct ovsdb_datum d;
        struct ovsdb_error *error = NULL;
        assert_int_equal(ovsdb_type_from_json(&type, tj, NULL), 0);
        assert_int_equal(ovsdb_datum_from_json(&d, &type, vj, NULL, &error),
                         EINVAL);
        assert_string_equal(error->tag, OVSDB_E_CONSTRAINT);
        assert_string_equal(error->details, cases[i].details);

        json_t *ej = ovsdb_error_to_json(error);
        assert_string_equal(json_string_value(json_object_get(ej, "error")),
                            OVSDB_E_CONSTRAINT);
        json_decref(ej);
        ovsdb_error_destroy(error);
        ovsdb_type_destroy(&type);
        json_decref(tj);
        json_decref(vj);
    }
}

/* Schemas. */

static const char good_schema[] =
    "{\"name\": \"Good\", \"version\": \"1.2.3\", \"cksum\": \"1 2\","
    " \"tables\": {"
    "  \"A\": {\"columns\": {"
    "     \"name\": {\"type\": \"string\", \"mutable\": false},"
    "     \"bs\": {\"type\": {\"key\": {\"type\": \"uuid\","
    "                                 \"refTable\": \"B\"},"
    "                         \"min\": 0, \"max\": \"unlimited\"}},"
    "     \"w\": {\"type\": {\"key\": {\"type\": \"uuid\","
    "                                \"refTable\": \"B\","
    "                                \"refType\": \"weak\"},"
    "                        \"min\": 0, \"max\": 1},"
    "             \"mutable\": false},"
    "     \"stats\": {\"type\": {\"key\": \"string\", \"value\": \"integer\","
    "                            \"min\": 0, \"max\": \"unlimited\"},"
    "                 \"ephemeral\": true}},"
    "   \"isRoot\": true, \"maxRows\": 10, \"indexes\": [[\"name\"]]},"
    "  \"B\": {\"columns\": {\"n\": {\"type\": \"integer\"},"
    "                      \"m\": {\"type\": \"integer\"}},"
    "        \"indexes\": [[\"n\", \"m\"], [\"_uuid\"]]}}}";

static struct ovsdb_schema *
schema_from_string(const char *s)
{
    json_t *json = parse(s);
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = NULL;
    if (ovsdb_schema_from_json(json, &schema, &error)) {
        char *msg = ovsdb_error_to_string(error);
        fail_msg("schema does not parse: %s", msg);
    }
    json_decref(json);
    return schema;
}

static void
test_schema_good(void **state)
{
    struct ovsdb_schema *schema = schema_from_string(good_schema);

    assert_string_equal(schema->name, "Good");
    assert_string_equal(schema->version, "1.2.3");
    assert_string_equal(schema->cksum, "1 2");
    assert_int_equal(schema->n_tables, 2);

    const struct ovsdb_table_schema *a = ovsdb_schema_get_table(schema, "A");
    const struct ovsdb_table_schema *b = ovsdb_schema_get_table(schema, "B");
    assert_non_null(a);
    assert_non_null(b);
    assert_null(ovsdb_schema_get_table(schema, "C"));
    assert_true(a->is_root);
    assert_false(b->is_root); /* Some table is a root: B is not. */
    assert_int_equal(a->max_rows, 10);
    assert_int_equal(b->max_rows, UINT_MAX);

    /* Implicit columns come first. */
    const struct ovsdb_column *uuid =
        ovsdb_table_schema_get_column(a, "_uuid");
    const struct ovsdb_column *version =
        ovsdb_table_schema_get_column(a, "_version");
    assert_int_equal(uuid->index, OVSDB_COL_UUID);
    assert_int_equal(version->index, OVSDB_COL_VERSION);
    assert_false(uuid->is_mutable);
    assert_int_equal(a->n_columns, 2 + 4);

    const struct ovsdb_column *name = ovsdb_table_schema_get_column(a, "name");
    const struct ovsdb_column *w = ovsdb_table_schema_get_column(a, "w");
    const struct ovsdb_column *stats =
        ovsdb_table_schema_get_column(a, "stats");
    assert_false(name->is_mutable);
    assert_true(w->is_mutable); /* Weak references are always mutable. */
    assert_true(stats->ephemeral);
    assert_ptr_equal(
        ovsdb_table_schema_get_column(a, "bs")->type.key.u.uuid.ref_table, b);
    assert_int_equal(a->n_strong_ref_columns, 1);
    assert_int_equal(a->n_weak_ref_columns, 1);
    assert_true(b->referenced_weakly);
    assert_false(a->referenced_weakly);

    assert_int_equal(a->n_indexes, 1);
    assert_int_equal(b->n_indexes, 2);
    assert_int_equal(b->indexes[0].n_columns, 2);
    assert_int_equal(b->indexes[1].columns[0]->index, OVSDB_COL_UUID);

    /* to_json parses back to the same to_json; so does a copy. */
    json_t *j1 = ovsdb_schema_to_json(schema);
    struct ovsdb_schema *copy = ovsdb_schema_clone(schema);
    json_t *j2 = ovsdb_schema_to_json(copy);
    assert_json_equal(j1, j2);
    assert_null(json_object_get(
        json_object_get(json_object_get(j1, "tables"), "B"), "isRoot"));

    json_decref(j1);
    json_decref(j2);
    ovsdb_schema_destroy(copy);
    ovsdb_schema_destroy(schema);
}

static void
test_schema_all_root(void **state)
{
    /* RFC 7047: with no "isRoot" anywhere, every table is a root. */
    struct ovsdb_schema *schema = schema_from_string(
        "{\"name\": \"X\", \"tables\": {"
        " \"T\": {\"columns\": {\"r\": {\"type\": {\"key\": {\"type\": "
        "\"uuid\", \"refTable\": \"U\"}, \"min\": 0}}}},"
        " \"U\": {\"columns\": {}}}}");
    assert_null(schema->version);
    for (size_t i = 0; i < schema->n_tables; i++) {
        assert_true(schema->tables[i]->is_root);
    }
    json_t *json = ovsdb_schema_to_json(schema);
    struct ovsdb_schema *again;
    assert_int_equal(ovsdb_schema_from_json(json, &again, NULL), 0);
    assert_true(ovsdb_schema_get_table(again, "U")->is_root);
    ovsdb_schema_destroy(again);
    json_decref(json);
    ovsdb_schema_destroy(schema);
}

static const struct bad_schema {
    const char *json;
    const char *details; /* Substring the details must contain. */
} bad_schemas[] = {
    { "[]", "object" },
    { "{\"tables\": {}}", "\"name\"" },
    { "{\"name\": \"X\"}", "\"tables\"" },
    { "{\"name\": \"9X\", \"tables\": {}}", "\"name\"" },
    { "{\"name\": \"X\", \"tables\": {}, \"bogus\": 1}", "bogus" },
    { "{\"name\": \"X\", \"version\": \"1.2\", \"tables\": {}}", "1.2" },
    { "{\"name\": \"X\", \"version\": \"1.2.x\", \"tables\": {}}", "1.2.x" },
    { "{\"name\": \"X\", \"tables\": {\"_T\": {\"columns\": {}}}}",
      "reserved" },
    { "{\"name\": \"X\", \"tables\": {\"T-1\": {\"columns\": {}}}}", "T-1" },
    { "{\"name\": \"X\", \"tables\": {\"T\": {}}}", "columns" },
    { "{\"name\": \"X\", \"tables\": {\"T\": {\"columns\": {},"
      " \"maxRows\": 0}}}",
      "maxRows" },
    { "{\"name\": \"X\", \"tables\": {\"T\": {\"columns\": {},"
      " \"isRoot\": 1}}}",
      "isRoot" },
    { "{\"name\": \"X\", \"tables\": {\"T\": {\"columns\": "
      "{\"_c\": {\"type\": \"integer\"}}}}}",
      "column _c" },
    { "{\"name\": \"X\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {\"type\": \"int\"}}}}}",
      "table T: column c: " },
    { "{\"name\": \"X\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {}}}}}",
      "type" },
    { "{\"name\": \"X\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {\"type\": \"integer\", \"ephemeral\": \"yes\"}}}}}",
      "ephemeral" },
    { "{\"name\": \"X\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {\"type\": {\"key\": {\"type\": \"uuid\", "
      "\"refTable\": \"Nope\"}}}}}}}",
      "table T column c: refTable \"Nope\"" },
    { "{\"name\": \"X\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {\"type\": \"integer\"}}, \"indexes\": [[\"d\"]]}}}",
      "d" },
    { "{\"name\": \"X\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {\"type\": \"integer\"}}, \"indexes\": [[]]}}}",
      "index" },
    { "{\"name\": \"X\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {\"type\": \"integer\"}}, \"indexes\": [[\"c\", \"c\"]]}}}",
      "twice" },
    { "{\"name\": \"X\", \"tables\": {\"T\": {\"columns\": "
      "{\"c\": {\"type\": \"integer\", \"ephemeral\": true}}, "
      "\"indexes\": [[\"c\"]]}}}",
      "ephemeral" },
};

static void
test_schema_bad(void **state)
{
    for (size_t i = 0; i < sizeof bad_schemas / sizeof bad_schemas[0]; i++) {
        json_t *json = parse(bad_schemas[i].json);
        struct ovsdb_schema *schema = (void *) 1;
        struct ovsdb_error *error = NULL;
        int retval = ovsdb_schema_from_json(json, &schema, &error);
        if (!retval) {
            fail_msg("%s: parsed but should fail", bad_schemas[i].json);
        }
        assert_int_equal(retval, EINVAL);
        assert_null(schema);
        assert_string_equal(error->tag, OVSDB_E_SYNTAX);
        if (!strstr(error->details, bad_schemas[i].details)) {
            fail_msg("%s: details \"%s\" do not mention \"%s\"",
                     bad_schemas[i].json, error->details,
                     bad_schemas[i].details);
        }
        ovsdb_error_destroy(error);
        json_decref(json);
    }
}

static void
test_schema_file(void **state)
{
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = NULL;

    /* A missing file is an I/O error naming the file. */
    assert_int_equal(
        ovsdb_schema_from_file("/nonexistent/x.ovsschema", &schema, &error),
        ENOENT);
    assert_string_equal(error->tag, OVSDB_E_IO);
    assert_non_null(strstr(error->details, "/nonexistent/x.ovsschema"));
    ovsdb_error_destroy(error);

    /* A file that is not JSON is a syntax error. */
    char path[] = "/tmp/test-ovsdb-data-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "{\"name\":", 8), 8);
    close(fd);
    error = NULL;
    assert_int_equal(ovsdb_schema_from_file(path, &schema, &error), EINVAL);
    assert_string_equal(error->tag, OVSDB_E_SYNTAX);
    ovsdb_error_destroy(error);
    unlink(path);
}

static void
test_schema_vswitch(void **state)
{
    if (access(VSWITCH_SCHEMA, R_OK)) {
        skip();
    }

    struct ovsdb_schema *schema;
    struct ovsdb_error *error = NULL;
    if (ovsdb_schema_from_file(VSWITCH_SCHEMA, &schema, &error)) {
        char *s = ovsdb_error_to_string(error);
        fail_msg("%s", s);
    }
    assert_string_equal(schema->name, "Open_vSwitch");

    const struct ovsdb_table_schema *ovs =
        ovsdb_schema_get_table(schema, "Open_vSwitch");
    const struct ovsdb_table_schema *bridge =
        ovsdb_schema_get_table(schema, "Bridge");
    const struct ovsdb_table_schema *mirror =
        ovsdb_schema_get_table(schema, "Mirror");
    assert_non_null(ovs);
    assert_non_null(bridge);
    assert_non_null(mirror);
    assert_true(ovs->is_root);
    assert_int_equal(ovs->max_rows, 1);
    assert_false(bridge->is_root);
    assert_false(ovsdb_table_schema_get_column(bridge, "name")->is_mutable);
    assert_int_equal(bridge->n_indexes, 1);
    const struct ovsdb_column *src =
        ovsdb_table_schema_get_column(mirror, "select_src_port");
    assert_true(ovsdb_base_type_is_weak_ref(&src->type.key));
    assert_true(ovsdb_schema_get_table(schema, "Port")->referenced_weakly);

    /* The schema survives printing and parsing (what get_schema relies
     * on) unchanged. */
    json_t *j1 = ovsdb_schema_to_json(schema);
    struct ovsdb_schema *again;
    assert_int_equal(ovsdb_schema_from_json(j1, &again, NULL), 0);
    json_t *j2 = ovsdb_schema_to_json(again);
    assert_json_equal(j1, j2);

    /* And every column's type prints as the file's does once parsed (the
     * printed form may be more compact, e.g. "min": 1 left out). */
    json_error_t jerr;
    json_t *file = json_load_file(VSWITCH_SCHEMA, 0, &jerr);
    assert_non_null(file);
    const char *tname;
    json_t *tfile;
    json_object_foreach (json_object_get(file, "tables"), tname, tfile) {
        json_t *tout = json_object_get(json_object_get(j1, "tables"), tname);
        assert_non_null(tout);
        const char *cname;
        json_t *cfile;
        json_object_foreach (json_object_get(tfile, "columns"), cname, cfile) {
            json_t *cout =
                json_object_get(json_object_get(tout, "columns"), cname);
            struct ovsdb_type ta, tb;
            assert_non_null(cout);
            assert_int_equal(ovsdb_type_from_json(
                                 &ta, json_object_get(cfile, "type"), NULL),
                             0);
            assert_int_equal(
                ovsdb_type_from_json(&tb, json_object_get(cout, "type"), NULL),
                0);
            json_t *pa = ovsdb_type_to_json(&ta);
            json_t *pb = ovsdb_type_to_json(&tb);
            assert_json_equal(pa, pb);
            json_decref(pa);
            json_decref(pb);
            ovsdb_type_destroy(&ta);
            ovsdb_type_destroy(&tb);
        }
    }

    json_decref(file);
    json_decref(j1);
    json_decref(j2);
    ovsdb_schema_destroy(again);
    ovsdb_schema_destroy(schema);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uuid_parse_format),
        cmocka_unit_test(test_uuid_order_and_generate),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_type_english),
        cmocka_unit_test(test_datums),
        cmocka_unit_test(test_datum_set_algebra),
        cmocka_unit_test(test_datum_diff),
        cmocka_unit_test(test_datum_named_uuid),
        cmocka_unit_test(test_datum_constraint_messages),
        cmocka_unit_test(test_schema_good),
        cmocka_unit_test(test_schema_all_root),
        cmocka_unit_test(test_schema_bad),
        cmocka_unit_test(test_schema_file),
        cmocka_unit_test(test_schema_vswitch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
