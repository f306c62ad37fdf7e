/* Unit tests for lib/vlog and lib/coverage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/coverage.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(test_vlog);
COVERAGE_DEFINE(test_vlog_event);

static char *
read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static int
count_lines_with(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle)) {
        n++;
    }
    return n;
}

static void
test_levels_from_string(void **state)
{
    static const struct {
        const char *spec;
        int ok;
        int console, syslog, file; /* Expected levels for test_vlog. */
    } cases[] = {
        { "test_vlog:console:dbg", 1, VLL_DBG, VLL_ERR, VLL_INFO },
        { "test_vlog:file:warn", 1, VLL_DBG, VLL_ERR, VLL_WARN },
        { "any:syslog:off", 1, VLL_DBG, VLL_OFF, VLL_WARN },
        { "console:err", 1, VLL_ERR, VLL_OFF, VLL_WARN },
        { "test_vlog info", 1, VLL_INFO, VLL_INFO, VLL_INFO },
        { "no_such_module:dbg", 0, VLL_INFO, VLL_INFO, VLL_INFO },
        { "test_vlog:console:loud", 0, VLL_INFO, VLL_INFO, VLL_INFO },
        { "any:any:any:dbg", 0, VLL_INFO, VLL_INFO, VLL_INFO },
    };
    struct vlog_module *m = vlog_module_from_name("test_vlog");
    assert_non_null(m);
    vlog_set_levels(NULL, VLF_N_DESTINATIONS, VLL_INFO);
    vlog_set_levels(NULL, VLF_SYSLOG, VLL_ERR);

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *err = NULL;
        int error = vlog_set_levels_from_string(cases[i].spec, &err);
        if (cases[i].ok) {
            assert_int_equal(error, 0);
            assert_null(err);
        } else {
            assert_int_not_equal(error, 0);
            assert_non_null(err);
            free(err);
        }
        assert_int_equal(m->levels[VLF_CONSOLE], cases[i].console);
        assert_int_equal(m->levels[VLF_SYSLOG], cases[i].syslog);
        assert_int_equal(m->levels[VLF_FILE], cases[i].file);
    }
    /* The error names the word that was not understood. */
    char *err = NULL;
    vlog_set_levels_from_string("test_vlog:bogusword", &err);
    assert_non_null(strstr(err, "\"bogusword\""));
    free(err);

    char *list = vlog_list();
    assert_non_null(strstr(list, "test_vlog"));
    assert_non_null(strstr(list, "console    syslog    file"));
    free(list);
}

static void
test_file_and_rate_limit(void **state)
{
    char path[] = "/tmp/nicflow-test-vlog-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);

    vlog_set_levels(NULL, VLF_CONSOLE, VLL_OFF);
    vlog_set_levels(vlog_module_from_name("test_vlog"), VLF_FILE, VLL_INFO);
    assert_int_equal(vlog_set_log_file(path), 0);
    assert_string_equal(vlog_get_log_file(), path);

    VLOG_INFO("hello %d", 1);
    VLOG_DBG("not written at info level");

    /* Burst of 3, 1 a minute: of 10 messages 3 get through, and the next
     * one that passes reports the drops (none passes within this test). */
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 3);
    for (int i = 0; i < 10; i++) {
        VLOG_WARN_RL(&rl, "limited %d", i);
    }
    vlog_close_log_file();
    assert_null(vlog_get_log_file());
    VLOG_INFO("after close, nowhere");

    const char *text = read_file(path);
    assert_int_equal(count_lines_with(text, "|test_vlog|INFO|hello 1"), 1);
    assert_int_equal(count_lines_with(text, "not written"), 0);
    assert_int_equal(count_lines_with(text, "|WARN|limited"), 3);
    assert_int_equal(count_lines_with(text, "after close"), 0);
    assert_int_equal(rl.n_dropped, 7);
    unlink(path);
}

static void
test_coverage(void **state)
{
    unsigned long long before = coverage_get("test_vlog_event");
    for (int i = 0; i < 5; i++) {
        COVERAGE_INC(test_vlog_event);
    }
    assert_int_equal(coverage_get("test_vlog_event"), before + 5);
    assert_int_equal(coverage_get("no_such_counter"), 0);
    coverage_run();
    char *text = coverage_show();
    assert_non_null(strstr(text, "test_vlog_event"));
    assert_non_null(strstr(text, "total: 5"));
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels_from_string),
        cmocka_unit_test(test_file_and_rate_limit),
        cmocka_unit_test(test_coverage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
