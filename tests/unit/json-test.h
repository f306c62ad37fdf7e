/* json-test.h: JSON helpers for unit tests: parse a literal (failing the
 * test if it does not parse), dump with sorted keys, and compare two values
 * with both printed on failure.  Include after <cmocka.h>. */
#ifndef NICFLOW_TESTS_JSON_TEST_H
#define NICFLOW_TESTS_JSON_TEST_H 1

#include <jansson.h>

#include "lib/util.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"

static json_t *
parse(const char *s)
{
    json_error_t jerr;
    json_t *json = json_loads(s, JSON_DECODE_ANY, &jerr);
    if (!json) {
        fail_msg("test JSON does not parse: %s\n%s", jerr.text, s);
    }
    return json;
}

static char *
dump(const json_t *json)
{
    return json ? json_dumps(json,
                             JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)
                : xstrdup("(null)");
}

static void
assert_json_equal(const json_t *a, const json_t *b)
{
    if (!json_equal((json_t *) a, (json_t *) b)) {
        fail_msg("JSON differs:\n  got      %s\n  expected %s", dump(a),
                 dump(b));
    }
}

#pragma GCC diagnostic pop

#endif
