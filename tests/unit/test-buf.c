/* Unit tests for lib/buf and lib/util. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <stdio.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "lib/util.h"

static void
test_buf_growth(void **state)
{
    struct buf b = BUF_INITIALIZER;
    for (int i = 0; i < 10000; i++) {
        buf_put_u8(&b, (uint8_t) i);
    }
    assert_int_equal(b.len, 10000);
    assert_true(b.cap > b.len);
    for (int i = 0; i < 10000; i++) {
        assert_int_equal(b.data[i], (uint8_t) i);
    }
    buf_pull(&b, 9990);
    assert_int_equal(b.len, 10);
    assert_int_equal(b.data[0], (uint8_t) 9990);
    buf_destroy(&b);
    assert_null(b.data);
}

static void
test_buf_printf(void **state)
{
    struct buf b = BUF_INITIALIZER;
    buf_printf(&b, "%s=%d", "port", 42);
    assert_string_equal(buf_cstr(&b), "port=42");
    /* A long format result forces the second vsnprintf path. */
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    buf_printf(&b, ",%s", big);
    assert_int_equal(b.len, 7 + 1 + 2999);
    assert_int_equal(buf_cstr(&b)[b.len - 1], 'x');
    buf_clear(&b);
    buf_put_cstr(&b, "line \t\n\n");
    buf_chomp(&b);
    assert_string_equal(buf_cstr(&b), "line");
    char *s = buf_steal_cstr(&b);
    assert_string_equal(s, "line");
    assert_int_equal(b.len, 0);
    free(s);
}

static void
test_parse_int(void **state)
{
    static const struct {
        const char *s;
        long long min, max;
        int error;
        long long value;
    } cases[] = {
        { "42", 0, 100, 0, 42 },
        { "0x10", 0, 100, 0, 16 },
        { "-1", -5, 5, 0, -1 },
        { "101", 0, 100, ERANGE, 0 },
        { "", 0, 100, EINVAL, 0 },
        { "12abc", 0, 100, EINVAL, 0 },
        { "99999999999999999999999", 0, 100, ERANGE, 0 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        long long v = -12345;
        int error = nf_parse_int(cases[i].s, cases[i].min, cases[i].max, &v);
        assert_int_equal(error, cases[i].error);
        if (!error) {
            assert_int_equal(v, cases[i].value);
        }
    }
    assert_true(nf_str_prefix("punix:/x", "punix:"));
    assert_false(nf_str_prefix("unix:/x", "punix:"));
    assert_true(nf_str_suffix("nicflowd.ctl", ".ctl"));
    assert_false(nf_str_suffix("ctl", "nicflowd.ctl"));
}

static void
test_bytes_all(void **state)
{
    static const uint8_t ones[5] = { 0xff, 0xff, 0xff, 0xff, 0xff };
    static const uint8_t mixed[5] = { 0xff, 0xff, 0x7f, 0xff, 0xff };
    static const uint8_t zeros[5] = { 0 };

    (void) state;
    assert_true(nf_bytes_all(ones, sizeof ones, 0xff));
    assert_false(nf_bytes_all(ones, sizeof ones, 0));
    assert_false(nf_bytes_all(mixed, sizeof mixed, 0xff));
    assert_true(nf_bytes_all(mixed, 2, 0xff)); /* Only the first N. */
    assert_true(nf_bytes_all(zeros, sizeof zeros, 0));
    assert_true(nf_bytes_all(mixed, 0, 0)); /* Nothing to differ. */
}

static void
test_xasprintf(void **state)
{
    char *s = xasprintf("%s-%04d", "br", 7);
    assert_string_equal(s, "br-0007");
    free(s);
    assert_string_equal(nf_strerror(EOF), "end of file");
    assert_string_equal(nf_strerror(ENOENT), "No such file or directory");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_growth), cmocka_unit_test(test_buf_printf),
        cmocka_unit_test(test_parse_int),  cmocka_unit_test(test_xasprintf),
        cmocka_unit_test(test_bytes_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
