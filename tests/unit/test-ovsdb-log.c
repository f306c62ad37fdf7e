/* Unit tests for ovsdb/log: the database file's format, damage handling,
 * locking, compaction and (group) commit, including a process killed with
 * SIGKILL in the middle of committing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "lib/crc32c.h"
#include "ovsdb/log.h"

/* Each test gets a fresh directory (the cmocka state) holding "db". */
struct fixture {
    char dir[256];
    char db[300];
};

static int
setup_dir(void **state)
{
    struct fixture *fx = xzalloc(sizeof *fx);
    const char *tmp = getenv("TMPDIR");

    snprintf(fx->dir, sizeof fx->dir, "%s/test-ovsdb-log.XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    snprintf(fx->db, sizeof fx->db, "%s/db", fx->dir);
    *state = fx;
    return 0;
}

static int
remove_entry(const char *path, const struct stat *st, int flag,
             struct FTW *ftw)
{
    return remove(path);
}

static int
teardown_dir(void **state)
{
    struct fixture *fx = *state;
    nftw(fx->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(fx);
    return 0;
}

/* Helpers. */

static json_t *
schema_json(void)
{
    return json_pack("{s:s, s:s, s:{s:{s:{s:{s:s}}}}}", "name", "Test",
                     "version", "1.0.0", "tables", "T", "columns", "c", "type",
                     "string");
}

static json_t *
txn_json(int k)
{
    return json_pack("{s:{s:{s:i, s:s}}, s:s, s:i}", "T",
                     "0b1d1e0c-6b43-4d4a-9a3e-3d5f3e2c1a00", "k", k, "pad",
                     "some text \"quoted\" \\ and \xc3\xa9", "_comment",
                     "test", "_date", k);
}

static uint8_t *
read_file(const char *path, size_t *lenp)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t len = 0, cap = 0, n;

    assert_non_null(f);
    do {
        if (cap - len < 4096) {
            cap = cap * 2 + 4096;
            data = xrealloc(data, cap);
        }
        n = fread(data + len, 1, cap - len, f);
        len += n;
    } while (n);
    fclose(f);
    *lenp = len;
    return data;
}

static void
write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static off_t
file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

static bool
exists(const char *path)
{
    struct stat st;
    return !lstat(path, &st);
}

static struct ovsdb_log *
open_ok(const char *path, enum ovsdb_log_mode mode)
{
    struct ovsdb_log *log;
    char *err = NULL;
    int error = ovsdb_log_open(path, mode, &log, &err);

    if (error) {
        fail_msg("open %s: %s", path, err);
    }
    assert_null(err);
    return log;
}

/* Creates PATH holding the schema and transactions 1..N, committed; if
 * OFFSETS is nonnull, stores each record's offset there (N + 2 entries:
 * the last is the file size). */
static void
make_db(const char *path, int n, uint64_t *offsets)
{
    struct ovsdb_log *log = open_ok(path, OVSDB_LOG_CREATE_EXCL);
    json_t *j = schema_json();
    uint64_t seqno;

    if (offsets) {
        offsets[0] = ovsdb_log_get_size(log);
    }
    assert_int_equal(ovsdb_log_append(log, j, &seqno), 0);
    assert_int_equal(seqno, 1);
    json_decref(j);
    for (int k = 1; k <= n; k++) {
        if (offsets) {
            offsets[k] = ovsdb_log_get_size(log);
        }
        j = txn_json(k);
        assert_int_equal(ovsdb_log_append(log, j, &seqno), 0);
        assert_int_equal(seqno, (uint64_t) k + 1);
        json_decref(j);
    }
    if (offsets) {
        offsets[n + 1] = ovsdb_log_get_size(log);
    }
    assert_int_equal(ovsdb_log_commit_block(log), 0);
    assert_int_equal(ovsdb_log_durable_seqno(log), (uint64_t) n + 1);
    ovsdb_log_close(log);
}

/* Reads every record of LOG, checking that they are the schema and then
 * transactions 1..; returns how many transactions, and in *ERRORP the
 * final status (EOF or an error). */
static int
read_txns(struct ovsdb_log *log, int *errorp)
{
    json_t *j, *expect;
    int error, k = 0;

    error = ovsdb_log_read(log, &j);
    if (error) {
        *errorp = error;
        return -1;
    }
    expect = schema_json();
    assert_true(json_equal(j, expect));
    json_decref(expect);
    json_decref(j);
    while (!(error = ovsdb_log_read(log, &j))) {
        k++;
        expect = txn_json(k);
        if (!json_equal(j, expect)) {
            char *s = json_dumps(j, 0);
            fail_msg("record %d is %s", k, s);
        }
        json_decref(expect);
        json_decref(j);
    }
    assert_null(j);
    *errorp = error;
    return k;
}

/* Checks that PATH holds the schema and exactly transactions 1..N. */
static void
check_db(const char *path, int n)
{
    struct ovsdb_log *log = open_ok(path, OVSDB_LOG_READ_ONLY);
    int error;

    assert_int_equal(read_txns(log, &error), n);
    assert_int_equal(error, EOF);
    ovsdb_log_close(log);
}

static void
wait_readable(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    /* A guard against hanging, not a timing criterion. */
    assert_int_equal(poll(&pfd, 1, 120 * 1000), 1);
}

/* CRC-32C. */

static void
test_crc32c(void **state)
{
    static const struct {
        const char *data;
        size_t len;
        uint32_t crc;
    } cases[] = {
        { "", 0, 0 },
        { "123456789", 9, 0xe3069283 },
        { "a", 1, 0xc1d04330 },
        /* RFC 3720 (iSCSI) B.4 test vectors. */
        { "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
          "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
          32, 0x8a9136aa },
        { "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
          "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
          32, 0x62a8ab43 },
    };
    uint8_t buf[1100], ascending[32];

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        assert_int_equal(crc32c_extend(0, cases[i].data, cases[i].len),
                         cases[i].crc);
        assert_int_equal(crc32c_extend_sw(0, cases[i].data, cases[i].len),
                         cases[i].crc);
    }
    for (int i = 0; i < 32; i++) {
        ascending[i] = i;
    }
    assert_int_equal(crc32c_extend(0, ascending, 32), 0x46dd794e);

    /* Both implementations agree at every length and alignment, and a CRC
     * can be continued across pieces. */
    srand(12345);
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] = rand();
    }
    for (size_t off = 0; off < 8; off++) {
        for (size_t len = 0; len + off <= sizeof buf; len += 1 + len / 8) {
            uint32_t whole = crc32c_extend_sw(0, buf + off, len);
            uint32_t split = crc32c_extend(0, buf + off, len / 3);
            split = crc32c_extend(split, buf + off + len / 3, len - len / 3);
            assert_int_equal(crc32c_extend(0, buf + off, len), whole);
            assert_int_equal(split, whole);
        }
    }
    print_message("# crc32c implementation: %s\n",
                  crc32c_is_hw() ? "sse4.2" : "slicing-by-8");
}

/* Create, append, commit, reopen, read back. */

static void
test_roundtrip(void **state)
{
    struct fixture *fx = *state;
    struct ovsdb_log_record_info info;
    struct ovsdb_log *log;
    uint64_t offsets[52];
    uint8_t *data;
    size_t len;
    json_t *j;
    int error;

    make_db(fx->db, 50, offsets);
    assert_int_equal(file_size(fx->db), offsets[51]);
    data = read_file(fx->db, &len);
    assert_memory_equal(data, "NICFLOW-OVSDB 1\n", 16);
    assert_int_equal(offsets[0], 16);
    free(data);

    /* Read-only: every record, where it is, then EOF (repeatedly). */
    log = open_ok(fx->db, OVSDB_LOG_READ_ONLY);
    assert_int_equal(ovsdb_log_get_size(log), offsets[51]);
    for (int k = 0; k <= 50; k++) {
        json_t *expect = k ? txn_json(k) : schema_json();
        assert_int_equal(ovsdb_log_read(log, &j), 0);
        assert_true(json_equal(j, expect));
        ovsdb_log_get_last_read(log, &info);
        assert_int_equal(info.index, k);
        assert_int_equal(info.offset, offsets[k]);
        assert_int_equal(info.size, offsets[k + 1] - offsets[k]);
        assert_true(info.length > 2 && info.length < info.size);
        json_decref(expect);
        json_decref(j);
    }
    assert_int_equal(ovsdb_log_read(log, &j), EOF);
    assert_int_equal(ovsdb_log_read(log, &j), EOF);
    assert_null(ovsdb_log_read_error(log));
    assert_int_equal(ovsdb_log_get_n_records(log), 51);
    assert_int_equal(ovsdb_log_get_size(log), offsets[51]);
    assert_int_equal(ovsdb_log_sync_fd(log), -1);
    ovsdb_log_close(log);

    /* Read-write: read, append more, and they follow. */
    log = open_ok(fx->db, OVSDB_LOG_READ_WRITE);
    assert_int_equal(read_txns(log, &error), 50);
    assert_int_equal(error, EOF);
    for (int k = 51; k <= 60; k++) {
        uint64_t seqno;
        j = txn_json(k);
        assert_int_equal(ovsdb_log_append(log, j, &seqno), 0);
        assert_int_equal(seqno, k - 50);
        json_decref(j);
    }
    assert_int_equal(ovsdb_log_commit_block(log), 0);
    assert_int_equal(ovsdb_log_get_n_records(log), 61);
    assert_int_equal(ovsdb_log_get_size(log), file_size(fx->db));
    ovsdb_log_close(log);
    check_db(fx->db, 60);
}

static void
test_large_record(void **state)
{
    struct fixture *fx = *state;
    size_t big = 3 * 1024 * 1024;
    char *s = xmalloc(big + 1);
    struct ovsdb_log *log;
    json_t *rec, *j;

    for (size_t i = 0; i < big; i++) {
        s[i] = 'a' + i % 26;
    }
    s[big] = '\0';
    rec = json_pack("{s:s}", "big", s);
    log = open_ok(fx->db, OVSDB_LOG_CREATE_EXCL);
    assert_int_equal(ovsdb_log_append(log, rec, NULL), 0);
    assert_int_equal(ovsdb_log_append(log, rec, NULL), 0);
    ovsdb_log_close(log); /* Close commits. */

    log = open_ok(fx->db, OVSDB_LOG_READ_ONLY);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(ovsdb_log_read(log, &j), 0);
        assert_true(json_equal(j, rec));
        json_decref(j);
    }
    assert_int_equal(ovsdb_log_read(log, &j), EOF);
    ovsdb_log_close(log);
    json_decref(rec);
    free(s);
}

static void
test_open_errors(void **state)
{
    struct fixture *fx = *state;
    struct ovsdb_log *log;
    char *err = NULL;

    assert_int_equal(ovsdb_log_open(fx->db, OVSDB_LOG_READ_WRITE, &log, &err),
                     ENOENT);
    assert_null(log);
    assert_non_null(strstr(err, fx->db));
    free(err);
    assert_int_equal(ovsdb_log_open(fx->db, OVSDB_LOG_READ_ONLY, &log, &err),
                     ENOENT);
    free(err);

    make_db(fx->db, 1, NULL);
    assert_int_equal(ovsdb_log_open(fx->db, OVSDB_LOG_CREATE_EXCL, &log, &err),
                     EEXIST);
    assert_non_null(strstr(err, "cannot create"));
    free(err);
    check_db(fx->db, 1);

    /* A directory is not a database. */
    assert_int_equal(ovsdb_log_open(fx->dir, OVSDB_LOG_READ_ONLY, &log, &err),
                     EINVAL);
    free(err);
}

/* Files that are not (or no longer) valid logs from the first byte. */
static void
test_bad_file_header(void **state)
{
    static const struct {
        const char *content;
        size_t len;
        const char *why;
    } cases[] = {
        { "", 0, "empty file" },
        { "NICFLOW-OV", 10, "incomplete" },
        { "NICFLOW-OVSDB 1", 15, "incomplete" },
        { "OVSDB JSON 62 0123456789abcdef\n{}\n", 34, "Open vSwitch" },
        { "OVSDB CLUSTER 62 0123\n", 22, "Open vSwitch" },
        { "2 297bd0aa\n{}\n", 14, "not a nicflow database" },
        { "NICFLOW-OVSDB 2\n", 16, "version 2 is not supported" },
        { "NICFLOW-OVSDB 10\n", 17, "version 10 is not supported" },
        { "NICFLOW-OVSDB x\n", 16, "malformed file header" },
        { "NICFLOW-OVSDB 1 \n", 17, "malformed file header" },
        { "NICFLOW-OVSDB\n", 14, "not a nicflow database" },
        { "\x00\x01\x02\xff\n", 5, "not a nicflow database" },
        { "nicflow-ovsdb 1\n", 16, "not a nicflow database" },
    };
    struct fixture *fx = *state;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        for (int rw = 0; rw < 2; rw++) {
            struct ovsdb_log *log;
            char *err = NULL;
            int error;

            write_file(fx->db, cases[i].content, cases[i].len);
            error = ovsdb_log_open(
                fx->db, rw ? OVSDB_LOG_READ_WRITE : OVSDB_LOG_READ_ONLY, &log,
                &err);
            if (error != EBADMSG || !err || !strstr(err, cases[i].why)) {
                fail_msg("case %zu: error %d, message \"%s\", expected "
                         "\"%s\"",
                         i, error, err ? err : "(none)", cases[i].why);
            }
            assert_null(log);
            free(err);
            /* Never modified. */
            assert_int_equal(file_size(fx->db), cases[i].len);
        }
    }

    /* A header only (a new database) reads as empty. */
    write_file(fx->db, "NICFLOW-OVSDB 1\n", 16);
    struct ovsdb_log *log = open_ok(fx->db, OVSDB_LOG_READ_ONLY);
    json_t *j;
    assert_int_equal(ovsdb_log_read(log, &j), EOF);
    assert_int_equal(ovsdb_log_get_n_records(log), 0);
    ovsdb_log_close(log);
}

/* Truncation at every byte of the last record: every earlier record is
 * read, the tail is reported, and truncation brings the file back to a
 * clean end that takes new records. */
static void
test_truncated_tail(void **state)
{
    struct fixture *fx = *state;
    uint64_t offsets[7];
    uint8_t *data;
    size_t len;
    char cut_path[400];

    make_db(fx->db, 5, offsets);
    data = read_file(fx->db, &len);
    snprintf(cut_path, sizeof cut_path, "%s/cut", fx->dir);
    for (uint64_t cut = offsets[5]; cut < len; cut++) {
        struct ovsdb_log *log;
        const char *msg;
        char *err = NULL;
        int error;
        json_t *j;

        write_file(cut_path, data, cut);
        log = open_ok(cut_path, OVSDB_LOG_READ_WRITE);
        assert_int_equal(read_txns(log, &error), 4);
        if (cut == offsets[5]) {
            /* A cut exactly between records is a clean end. */
            assert_int_equal(error, EOF);
            assert_int_equal(ovsdb_log_truncate_tail(log, &err), EINVAL);
            free(err);
        } else {
            assert_int_equal(error, EBADMSG);
            msg = ovsdb_log_read_error(log);
            assert_non_null(msg);
            assert_non_null(strstr(msg, "record 5 at offset"));
            assert_null(strstr(msg, "intact"));
            /* Sticky until truncated; no appending over a damaged tail. */
            assert_int_equal(ovsdb_log_read(log, &j), EBADMSG);
            j = txn_json(99);
            assert_int_equal(ovsdb_log_append(log, j, NULL), EINVAL);
            json_decref(j);
            assert_int_equal(ovsdb_log_truncate_tail(log, &err), 0);
            assert_null(err);
            assert_int_equal(file_size(cut_path), offsets[5]);
        }
        assert_int_equal(ovsdb_log_read(log, &j), EOF);
        assert_int_equal(ovsdb_log_get_size(log), offsets[5]);
        j = txn_json(5);
        assert_int_equal(ovsdb_log_append(log, j, NULL), 0);
        json_decref(j);
        assert_int_equal(ovsdb_log_commit_block(log), 0);
        ovsdb_log_close(log);
        assert_int_equal(file_size(cut_path), len);
        check_db(cut_path, 5);
    }

    /* Cuts inside the file header are not recoverable: open says why. */
    for (size_t cut = 0; cut < 16; cut++) {
        struct ovsdb_log *log;
        char *err = NULL;

        write_file(cut_path, data, cut);
        assert_int_equal(
            ovsdb_log_open(cut_path, OVSDB_LOG_READ_WRITE, &log, &err),
            EBADMSG);
        assert_non_null(err);
        free(err);
    }
    free(data);
}

/* Every single-byte change in the last record is detected. */
static void
test_flipped_byte(void **state)
{
    struct fixture *fx = *state;
    uint64_t offsets[5];
    uint8_t *data;
    size_t len;

    make_db(fx->db, 3, offsets);
    data = read_file(fx->db, &len);
    for (uint64_t pos = offsets[3]; pos < len; pos++) {
        for (int bit = 0; bit < 8; bit += 3) {
            struct ovsdb_log *log;
            int error;

            data[pos] ^= 1 << bit;
            write_file(fx->db, data, len);
            data[pos] ^= 1 << bit;
            log = open_ok(fx->db, OVSDB_LOG_READ_ONLY);
            assert_int_equal(read_txns(log, &error), 2);
            assert_int_equal(error, EBADMSG);
            if (pos > offsets[3] + 12 && pos < len - 1) {
                /* In the JSON text: the checksum catches it. */
                assert_non_null(
                    strstr(ovsdb_log_read_error(log), "checksum mismatch"));
            }
            ovsdb_log_close(log);
        }
    }
    free(data);
}

/* Damage in the middle of the file: intact records follow, so truncating
 * saves the dropped bytes beside the file. */
static void
test_middle_damage(void **state)
{
    struct fixture *fx = *state;
    struct ovsdb_log *log;
    uint64_t offsets[12];
    uint8_t *data, *saved;
    size_t len, saved_len;
    char saved_path[400];
    char *err = NULL;
    int error;

    make_db(fx->db, 10, offsets);
    data = read_file(fx->db, &len);
    data[offsets[4] + 30] ^= 0x20;
    write_file(fx->db, data, len);

    log = open_ok(fx->db, OVSDB_LOG_READ_WRITE);
    assert_int_equal(read_txns(log, &error), 3);
    assert_int_equal(error, EBADMSG);
    assert_non_null(
        strstr(ovsdb_log_read_error(log), "6 intact record(s) follow"));
    assert_int_equal(ovsdb_log_truncate_tail(log, &err), 0);
    ovsdb_log_close(log);
    check_db(fx->db, 3);

    snprintf(saved_path, sizeof saved_path, "%s.dropped-%" PRIu64, fx->db,
             offsets[4]);
    saved = read_file(saved_path, &saved_len);
    assert_int_equal(saved_len, len - offsets[4]);
    assert_memory_equal(saved, data + offsets[4], saved_len);
    free(saved);
    free(data);
}

/* Damaged records, described as data: the bytes appended after a valid
 * database and the reason the reader must give. */
static void
test_damaged_records(void **state)
{
    static const struct {
        const char *tail;
        const char *why;
    } cases[] = {
        { "hello, world\n", "malformed record header" },
        { "hello, world, this is not a record header\n",
          "malformed record header" },
        { "12", "incomplete record header" },
        { "12 0000", "incomplete record header" },
        { "\n", "malformed record header" },
        { "02 297bd0aa\n{}\n", "malformed record header" },
        { "0 00000000\n\n", "malformed record header" },
        { "2 297BD0AA\n{}\n", "malformed record header" },
        { "2 297bd0a\n{}\n", "malformed record header" },
        { "2  297bd0aa\n{}\n", "malformed record header" },
        { "-2 297bd0aa\n{}\n", "malformed record header" },
        { "99999999999 00000000\n{}\n", "malformed record header" },
        { "2000000000 00000000\n{}\n", "exceeds the limit" },
        { "4294967296 00000000\n{}\n", "exceeds the limit" },
        { "100 00000000\n{}\n", "incomplete record" },
        { "2 297bd0aa\n{}", "incomplete record" },
        { "2 297bd0aa\n{}X", "not followed by a newline" },
        { "2 00000000\n{}\n", "checksum mismatch" },
        { "2 XCRC\n{\n\n", "invalid JSON" },
        { "2 XCRC\n[]\n", "not an object" },
        { "1 XCRC\n7\n", "invalid JSON" },
        { "5 XCRC\n{} {}\n", "invalid JSON" },
        { "4 XCRC\n\"ab\"\n", "invalid JSON" },
    };
    struct fixture *fx = *state;
    uint8_t *base;
    size_t base_len;

    make_db(fx->db, 2, NULL);
    base = read_file(fx->db, &base_len);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const char *x = strstr(cases[i].tail, "XCRC");
        struct ovsdb_log *log;
        uint8_t *content;
        char *err = NULL;
        char *tail;
        int error;

        if (x) {
            /* XCRC stands for the right checksum of the text. */
            const char *text = strchr(cases[i].tail, '\n') + 1;
            size_t n = strtoul(cases[i].tail, NULL, 10);
            tail = xasprintf("%.*s%08" PRIx32 "%s", (int) (x - cases[i].tail),
                             cases[i].tail, crc32c_extend(0, text, n), x + 4);
        } else {
            tail = xstrdup(cases[i].tail);
        }
        content = xmalloc(base_len + strlen(tail));
        memcpy(content, base, base_len);
        memcpy(content + base_len, tail, strlen(tail));
        write_file(fx->db, content, base_len + strlen(tail));

        log = open_ok(fx->db, OVSDB_LOG_READ_WRITE);
        assert_int_equal(read_txns(log, &error), 2);
        if (error != EBADMSG
            || !strstr(ovsdb_log_read_error(log), cases[i].why)) {
            fail_msg("case %zu (%s): error %d, message \"%s\"", i,
                     cases[i].tail, error,
                     ovsdb_log_read_error(log) ? ovsdb_log_read_error(log)
                                               : "(none)");
        }
        assert_int_equal(ovsdb_log_truncate_tail(log, &err), 0);
        ovsdb_log_close(log);
        assert_int_equal(file_size(fx->db), base_len);
        check_db(fx->db, 2);
        free(content);
        free(tail);
    }
    free(base);
}

/* Errors from misuse, which must not change the file. */
static void
test_append_rules(void **state)
{
    struct fixture *fx = *state;
    struct ovsdb_log *log;
    char *err = NULL;
    json_t *j, *arr;
    int error;

    make_db(fx->db, 2, NULL);
    j = txn_json(3);
    arr = json_array();

    log = open_ok(fx->db, OVSDB_LOG_READ_ONLY);
    assert_int_equal(ovsdb_log_append(log, j, NULL), EROFS);
    assert_int_equal(read_txns(log, &error), 2);
    assert_int_equal(ovsdb_log_append(log, j, NULL), EROFS);
    assert_int_equal(ovsdb_log_commit_block(log), EROFS);
    assert_int_equal(ovsdb_log_request_sync(log), EROFS);
    assert_int_equal(ovsdb_log_truncate_tail(log, &err), EROFS);
    free(err);
    assert_int_equal(ovsdb_log_replace(log, j, j, &err), EROFS);
    free(err);
    ovsdb_log_close(log);

    log = open_ok(fx->db, OVSDB_LOG_READ_WRITE);
    /* Records remain unread. */
    assert_int_equal(ovsdb_log_append(log, j, NULL), EINVAL);
    assert_int_equal(ovsdb_log_replace(log, j, j, &err), EINVAL);
    free(err);
    assert_int_equal(read_txns(log, &error), 2);
    assert_int_equal(ovsdb_log_append(log, arr, NULL), EINVAL);
    assert_int_equal(ovsdb_log_replace(log, arr, j, &err), EINVAL);
    free(err);
    assert_int_equal(ovsdb_log_truncate_tail(log, &err), EINVAL);
    free(err);
    /* Nothing to commit is fine. */
    assert_int_equal(ovsdb_log_commit_block(log), 0);
    assert_int_equal(ovsdb_log_request_sync(log), 0);
    assert_int_equal(ovsdb_log_last_seqno(log), 0);
    assert_int_equal(ovsdb_log_append(log, j, NULL), 0);
    assert_int_equal(ovsdb_log_get_error(log), 0);
    ovsdb_log_close(log); /* Commits the append. */
    check_db(fx->db, 3);
    json_decref(arr);
    json_decref(j);
}

/* Locking. */

/* Forks a child that tries to open PATH read-write and returns what it got:
 * the errno, and the message in MSG. */
static int
open_in_child(const char *path, char *msg, size_t size)
{
    int fds[2], status;
    pid_t pid;
    ssize_t n;

    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        struct ovsdb_log *log;
        char *err = NULL;
        int error = ovsdb_log_open(path, OVSDB_LOG_READ_WRITE, &log, &err);
        if (err && write(fds[1], err, strlen(err)) < 0) {
            _exit(100);
        }
        _exit(error);
    }
    close(fds[1]);
    n = read(fds[0], msg, size - 1);
    msg[n > 0 ? n : 0] = '\0';
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void
test_lock(void **state)
{
    struct fixture *fx = *state;
    struct ovsdb_log *log, *log2;
    char msg[512], expect[64];
    char *err = NULL;
    int error;

    make_db(fx->db, 2, NULL);
    log = open_ok(fx->db, OVSDB_LOG_READ_WRITE);

    /* A second writer in this process is refused, saying so. */
    assert_int_equal(ovsdb_log_open(fx->db, OVSDB_LOG_READ_WRITE, &log2, &err),
                     EBUSY);
    assert_null(log2);
    assert_non_null(strstr(err, "locked for writing"));
    assert_non_null(strstr(err, "this process"));
    free(err);

    /* Another process is told our pid (and name). */
    assert_int_equal(open_in_child(fx->db, msg, sizeof msg), EBUSY);
    snprintf(expect, sizeof expect, "pid %ld", (long) getpid());
    if (!strstr(msg, expect)) {
        fail_msg("\"%s\" does not name %s", msg, expect);
    }

    /* Readers are welcome. */
    log2 = open_ok(fx->db, OVSDB_LOG_READ_ONLY);
    assert_int_equal(read_txns(log2, &error), 2);
    ovsdb_log_close(log2);
    /* Closing a reader's descriptor must not drop the writer's lock. */
    assert_int_equal(open_in_child(fx->db, msg, sizeof msg), EBUSY);

    ovsdb_log_close(log);
    assert_int_equal(open_in_child(fx->db, msg, sizeof msg), 0);

    /* The lock of a process that died is gone. */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        struct ovsdb_log *l;
        if (ovsdb_log_open(fx->db, OVSDB_LOG_READ_WRITE, &l, NULL)) {
            _exit(1);
        }
        _exit(0); /* Dies holding it. */
    }
    assert_int_equal(waitpid(pid, &error, 0), pid);
    assert_int_equal(error, 0);
    log = open_ok(fx->db, OVSDB_LOG_READ_WRITE);
    ovsdb_log_close(log);
}

/* A log opened before a daemon detaches (fork, parent exits) still keeps
 * other writers out, and after the next commit names the new holder. */
static void
test_lock_after_fork(void **state)
{
    struct fixture *fx = *state;
    int ready[2], go[2], status, error, busy;
    char msg[512], expect[64];
    bool named;
    pid_t a, b;

    make_db(fx->db, 1, NULL);
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(go), 0);
    a = fork();
    assert_true(a >= 0);
    if (!a) {
        struct pollfd pfd = { .fd = go[0], .events = POLLIN };
        struct ovsdb_log *log;
        pid_t parent = getpid();
        int null;
        json_t *j;

        if (ovsdb_log_open(fx->db, OVSDB_LOG_READ_WRITE, &log, NULL)
            || read_txns(log, &error) != 1) {
            _exit(1);
        }
        b = fork();
        if (b) {
            _exit(b < 0); /* The detaching parent. */
        }
        /* Never hold the test runner's output open. */
        null = open("/dev/null", O_RDWR);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        close(ready[0]);
        close(go[1]);
        while (getppid() == parent) {
            usleep(1000);
        }
        j = txn_json(2);
        if (ovsdb_log_append(log, j, NULL) || ovsdb_log_commit_block(log)) {
            _exit(2);
        }
        b = getpid();
        if (write(ready[1], &b, sizeof b) != sizeof b) {
            _exit(3);
        }
        /* Until told, or the test process is gone, or a hang guard. */
        poll(&pfd, 1, 120 * 1000);
        _exit(0);
    }
    close(ready[1]);
    close(go[0]);
    assert_int_equal(waitpid(a, &status, 0), a);
    if (status || read(ready[0], &b, sizeof b) != sizeof b) {
        close(go[1]);
        fail_msg("the detached process failed (status %d)", status);
    }
    busy = open_in_child(fx->db, msg, sizeof msg);
    snprintf(expect, sizeof expect, "pid %ld", (long) b);
    named = strstr(msg, expect) != NULL;

    /* Release it before judging; it is not our child, so wait for its lock
     * to go (the bound only guards against a hang). */
    close(go[1]);
    close(ready[0]);
    for (int i = 0; open_in_child(fx->db, msg, sizeof msg); i++) {
        assert_true(i < 60000);
        usleep(1000);
    }
    assert_int_equal(busy, EBUSY);
    if (!named) {
        fail_msg("the lock error does not name %s", expect);
    }
    check_db(fx->db, 2);
}

/* Compaction. */

static json_t *
snapshot_json(int upto)
{
    return json_pack("{s:{s:{s:i}}, s:s}", "T",
                     "0b1d1e0c-6b43-4d4a-9a3e-3d5f3e2c1a00", "k", upto,
                     "_comment", "snapshot");
}

/* Checks PATH holds schema, snapshot(UPTO), then transactions
 * UPTO+1..UPTO+N_AFTER. */
static void
check_compacted(const char *path, int upto, int n_after)
{
    struct ovsdb_log *log = open_ok(path, OVSDB_LOG_READ_ONLY);
    json_t *j, *expect;

    assert_int_equal(ovsdb_log_read(log, &j), 0);
    expect = schema_json();
    assert_true(json_equal(j, expect));
    json_decref(expect);
    json_decref(j);
    assert_int_equal(ovsdb_log_read(log, &j), 0);
    expect = snapshot_json(upto);
    assert_true(json_equal(j, expect));
    json_decref(expect);
    json_decref(j);
    for (int k = upto + 1; k <= upto + n_after; k++) {
        assert_int_equal(ovsdb_log_read(log, &j), 0);
        expect = txn_json(k);
        assert_true(json_equal(j, expect));
        json_decref(expect);
        json_decref(j);
    }
    assert_int_equal(ovsdb_log_read(log, &j), EOF);
    ovsdb_log_close(log);
}

static void
append_txns(struct ovsdb_log *log, int from, int to)
{
    for (int k = from; k <= to; k++) {
        json_t *j = txn_json(k);
        assert_int_equal(ovsdb_log_append(log, j, NULL), 0);
        json_decref(j);
    }
}

static void
test_replace(void **state)
{
    struct fixture *fx = *state;
    struct ovsdb_log_stats stats;
    struct stat before, after;
    json_t *schema = schema_json();
    json_t *snap = snapshot_json(10);
    struct ovsdb_log *log, *log2;
    char msg[512];
    char *err = NULL;
    int error;

    make_db(fx->db, 10, NULL);
    assert_int_equal(stat(fx->db, &before), 0);
    log = open_ok(fx->db, OVSDB_LOG_READ_WRITE);
    assert_int_equal(read_txns(log, &error), 10);
    assert_int_equal(ovsdb_log_replace(log, schema, snap, &err), 0);
    assert_null(err);
    assert_int_equal(stat(fx->db, &after), 0);
    assert_true(before.st_ino != after.st_ino);
    assert_int_equal(ovsdb_log_get_n_records(log), 2);
    assert_int_equal(ovsdb_log_get_size(log), after.st_size);

    /* Still locked, now on the new file. */
    assert_int_equal(ovsdb_log_open(fx->db, OVSDB_LOG_READ_WRITE, &log2, &err),
                     EBUSY);
    free(err);
    assert_int_equal(open_in_child(fx->db, msg, sizeof msg), EBUSY);

    /* Appends go to the new file. */
    append_txns(log, 11, 13);
    assert_int_equal(ovsdb_log_commit_block(log), 0);
    assert_int_equal(ovsdb_log_get_n_records(log), 5);
    assert_int_equal(ovsdb_log_get_size(log), file_size(fx->db));
    check_compacted(fx->db, 10, 3);

    /* Records appended and not committed are absorbed by the snapshot and
     * count as durable once it is. */
    append_txns(log, 14, 20);
    assert_true(ovsdb_log_durable_seqno(log) < ovsdb_log_last_seqno(log));
    json_decref(snap);
    snap = snapshot_json(20);
    assert_int_equal(ovsdb_log_replace(log, schema, snap, &err), 0);
    assert_int_equal(ovsdb_log_durable_seqno(log), ovsdb_log_last_seqno(log));
    check_compacted(fx->db, 20, 0);

    /* Two-phase, with appends in between: they land after the snapshot. */
    json_decref(snap);
    snap = snapshot_json(20);
    assert_int_equal(ovsdb_log_replace_start(log, schema, snap, &err), 0);
    append_txns(log, 21, 22);
    assert_int_equal(ovsdb_log_commit_block(log), EBUSY);
    assert_int_equal(ovsdb_log_replace_commit(log, &err), 0);
    assert_int_equal(ovsdb_log_get_n_records(log), 4);
    assert_int_equal(ovsdb_log_commit_block(log), 0);
    check_compacted(fx->db, 20, 2);

    /* An aborted replace changes nothing and removes its file. */
    assert_int_equal(ovsdb_log_replace_start(log, schema, snap, &err), 0);
    ovsdb_log_replace_abort(log);
    append_txns(log, 23, 23);
    assert_int_equal(ovsdb_log_commit_block(log), 0);
    check_compacted(fx->db, 20, 3);

    ovsdb_log_get_stats(log, &stats);
    assert_int_equal(stats.n_replaces, 3);
    ovsdb_log_close(log);

    snprintf(msg, sizeof msg, "%s.tmp", fx->db);
    assert_false(exists(msg));
    json_decref(snap);
    json_decref(schema);
}

/* A crash between writing the new file and renaming it leaves the old file
 * as it was; the stale temporary file does not get in the way. */
static void
test_replace_crash_before_rename(void **state)
{
    struct fixture *fx = *state;
    uint8_t *before, *after;
    size_t before_len, after_len;
    char tmp[400];
    struct ovsdb_log *log;
    char *err = NULL;
    int error, status;
    pid_t pid;

    make_db(fx->db, 5, NULL);
    before = read_file(fx->db, &before_len);
    pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        json_t *schema = schema_json(), *snap = snapshot_json(5);
        int e;
        if (ovsdb_log_open(fx->db, OVSDB_LOG_READ_WRITE, &log, NULL)) {
            _exit(1);
        }
        while (!(e = ovsdb_log_read(log, &schema))) {
            json_decref(schema);
        }
        schema = schema_json();
        if (e != EOF || ovsdb_log_replace_start(log, schema, snap, NULL)) {
            _exit(2);
        }
        _exit(0); /* "Crash": no rename, no cleanup. */
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(status, 0);

    snprintf(tmp, sizeof tmp, "%s.tmp", fx->db);
    assert_true(exists(tmp));
    after = read_file(fx->db, &after_len);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, before_len);
    check_db(fx->db, 5);

    /* Recovery: open, read, and replacing works over the stale file. */
    json_t *schema = schema_json(), *snap = snapshot_json(5);
    log = open_ok(fx->db, OVSDB_LOG_READ_WRITE);
    assert_int_equal(read_txns(log, &error), 5);
    assert_int_equal(ovsdb_log_replace(log, schema, snap, &err), 0);
    ovsdb_log_close(log);
    assert_false(exists(tmp));
    check_compacted(fx->db, 5, 0);
    json_decref(schema);
    json_decref(snap);
    free(before);
    free(after);
}

/* A replace that fails leaves the old file in place and in use. */
static void
test_replace_failure(void **state)
{
    struct fixture *fx = *state;
    json_t *schema = schema_json(), *snap = snapshot_json(3);
    uint8_t *before, *after;
    size_t before_len, after_len;
    struct ovsdb_log *log;
    char tmp[400];
    char *err = NULL;
    int error;

    make_db(fx->db, 3, NULL);
    before = read_file(fx->db, &before_len);
    snprintf(tmp, sizeof tmp, "%s.tmp", fx->db);
    assert_int_equal(mkdir(tmp, 0700), 0);

    log = open_ok(fx->db, OVSDB_LOG_READ_WRITE);
    assert_int_equal(read_txns(log, &error), 3);
    append_txns(log, 4, 4);
    error = ovsdb_log_replace(log, schema, snap, &err);
    assert_int_equal(error, EISDIR);
    assert_non_null(strstr(err, ".tmp"));
    free(err);
    after = read_file(fx->db, &after_len);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, before_len);

    /* The pending append survived and the log goes on. */
    append_txns(log, 5, 5);
    assert_int_equal(ovsdb_log_commit_block(log), 0);
    ovsdb_log_close(log);
    check_db(fx->db, 5);
    assert_int_equal(rmdir(tmp), 0);
    json_decref(schema);
    json_decref(snap);
    free(before);
    free(after);
}

/* Replacing through a symlink replaces the file it points to. */
static void
test_replace_symlink(void **state)
{
    struct fixture *fx = *state;
    json_t *schema = schema_json(), *snap = snapshot_json(2);
    char link_path[400];
    struct ovsdb_log *log;
    struct stat st;
    char *err = NULL;
    int error;

    make_db(fx->db, 2, NULL);
    snprintf(link_path, sizeof link_path, "%s/link", fx->dir);
    assert_int_equal(symlink("db", link_path), 0);
    log = open_ok(link_path, OVSDB_LOG_READ_WRITE);
    assert_int_equal(read_txns(log, &error), 2);
    assert_int_equal(ovsdb_log_replace(log, schema, snap, &err), 0);
    ovsdb_log_close(log);
    assert_int_equal(lstat(link_path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    check_compacted(fx->db, 2, 0);
    json_decref(schema);
    json_decref(snap);
}

/* Group commit. */

static void
test_group_commit(void **state)
{
    struct fixture *fx = *state;
    struct ovsdb_log_stats stats, stats2;
    struct ovsdb_log *log;
    json_t *j = schema_json();
    uint64_t seqno = 0;
    int fd;

    log = open_ok(fx->db, OVSDB_LOG_CREATE_EXCL);
    fd = ovsdb_log_sync_fd(log);
    assert_true(fd >= 0);
    assert_int_equal(ovsdb_log_append(log, j, &seqno), 0);
    json_decref(j);

    /* Many appends, each followed by a request, as a server would do per
     * transaction; the sync thread coalesces them. */
    assert_int_equal(ovsdb_log_request_sync(log), 0);
    for (int k = 1; k <= 1000; k++) {
        j = txn_json(k);
        assert_int_equal(ovsdb_log_append(log, j, &seqno), 0);
        assert_int_equal(seqno, k + 1);
        json_decref(j);
        assert_int_equal(ovsdb_log_request_sync(log), 0);
        assert_true(ovsdb_log_durable_seqno(log) <= seqno);
    }
    while (ovsdb_log_durable_seqno(log) < seqno) {
        wait_readable(fd);
        ovsdb_log_sync_fd_drain(log);
    }
    assert_int_equal(ovsdb_log_durable_seqno(log), 1001);
    ovsdb_log_get_stats(log, &stats);
    assert_int_equal(stats.n_appends, 1001);
    assert_int_equal(stats.n_synced_records, 1001);
    assert_true(stats.n_syncs >= 1 && stats.n_syncs <= 1001);
    print_message("# group commit: 1001 records in %" PRIu64
                  " syncs (largest batch %" PRIu64 ")\n",
                  stats.n_syncs, stats.max_batch);
    assert_int_equal(file_size(fx->db), ovsdb_log_get_size(log));

    /* Appends without a request are not written; one request covers them
     * all with exactly one sync. */
    append_txns(log, 1001, 1100);
    assert_int_equal(ovsdb_log_durable_seqno(log), 1001);
    assert_true(file_size(fx->db) < (off_t) ovsdb_log_get_size(log));
    assert_int_equal(ovsdb_log_request_sync(log), 0);
    while (ovsdb_log_durable_seqno(log) < 1101) {
        wait_readable(fd);
        ovsdb_log_sync_fd_drain(log);
    }
    ovsdb_log_get_stats(log, &stats2);
    assert_int_equal(stats2.n_syncs, stats.n_syncs + 1);
    assert_true(stats2.max_batch >= 100);

    /* The blocking commit works with the thread running, too. */
    append_txns(log, 1101, 1110);
    assert_int_equal(ovsdb_log_commit_block(log), 0);
    assert_int_equal(ovsdb_log_durable_seqno(log), 1111);
    ovsdb_log_close(log);
    check_db(fx->db, 1110);
}

/* A failed write is sticky and leaves the file ending cleanly.  The write
 * fails because of RLIMIT_FSIZE, in a child so the limit stays there. */
static void
test_write_error(void **state)
{
    struct fixture *fx = *state;
    int status;
    pid_t pid;

    make_db(fx->db, 2, NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        struct ovsdb_log *log;
        struct rlimit rl;
        char *big = xmalloc(10001);
        json_t *j;
        int error;

        if (ovsdb_log_open(fx->db, OVSDB_LOG_READ_WRITE, &log, NULL)
            || read_txns(log, &error) != 2) {
            _exit(1);
        }
        signal(SIGXFSZ, SIG_IGN);
        rl.rlim_cur = rl.rlim_max = file_size(fx->db) + 5000;
        if (setrlimit(RLIMIT_FSIZE, &rl)) {
            _exit(2);
        }
        memset(big, 'x', 10000);
        big[10000] = '\0';
        j = json_pack("{s:s}", "big", big);
        if (ovsdb_log_append(log, j, NULL) || ovsdb_log_request_sync(log)) {
            _exit(3);
        }
        while (!ovsdb_log_get_error(log)) {
            wait_readable(ovsdb_log_sync_fd(log));
            ovsdb_log_sync_fd_drain(log);
        }
        if (ovsdb_log_get_error(log) != EFBIG
            || ovsdb_log_append(log, j, NULL) != EFBIG
            || ovsdb_log_commit_block(log) != EFBIG
            || ovsdb_log_request_sync(log) != EFBIG
            || ovsdb_log_durable_seqno(log) != 0) {
            _exit(4);
        }
        ovsdb_log_close(log);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    check_db(fx->db, 2);
}

/* kill -9: a child commits transactions in a loop and reports each one it
 * knows durable through a pipe; it is killed at a random moment.  Every
 * reported transaction must be there, intact and in order. */
static void
child_commit_loop(const char *path, bool threaded, int report_fd)
{
    struct ovsdb_log *log;
    json_t *j = schema_json();
    uint64_t reported = 0;
    int k = 0;

    if (ovsdb_log_open(path, OVSDB_LOG_CREATE_EXCL, &log, NULL)
        || ovsdb_log_append(log, j, NULL) || ovsdb_log_commit_block(log)) {
        _exit(1);
    }
    json_decref(j);
    for (;;) {
        /* Seqno s is transaction s - 1. */
        if (!threaded) {
            j = txn_json(++k);
            if (ovsdb_log_append(log, j, NULL) || ovsdb_log_commit_block(log)
                || write(report_fd, &k, sizeof k) != sizeof k) {
                _exit(2);
            }
            json_decref(j);
            continue;
        }
        int n = 1 + rand() % 20;
        for (int i = 0; i < n; i++) {
            j = txn_json(++k);
            if (ovsdb_log_append(log, j, NULL)) {
                _exit(3);
            }
            json_decref(j);
        }
        if (ovsdb_log_request_sync(log)) {
            _exit(4);
        }
        if (rand() % 2) {
            wait_readable(ovsdb_log_sync_fd(log));
            ovsdb_log_sync_fd_drain(log);
        }
        uint64_t durable = ovsdb_log_durable_seqno(log);
        if (durable > reported) {
            int done = durable - 1;
            if (write(report_fd, &done, sizeof done) != sizeof done) {
                _exit(5);
            }
            reported = durable;
        }
    }
}

static void
kill9_round(const char *path, bool threaded, unsigned int seed)
{
    int fds[2], status, acked = 0, k, error;
    struct timespec delay;
    struct ovsdb_log *log;
    char *err = NULL;
    ssize_t n;
    pid_t pid;

    unlink(path);
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        close(fds[0]);
        srand(seed);
        child_commit_loop(path, threaded, fds[1]);
        _exit(9);
    }
    close(fds[1]);
    srand(seed);
    delay.tv_sec = 0;
    delay.tv_nsec = (10 + rand() % 200) * 1000000L;
    nanosleep(&delay, NULL);
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    while ((n = read(fds[0], &k, sizeof k)) == sizeof k) {
        assert_true(k >= acked);
        acked = k;
    }
    close(fds[0]);

    assert_int_equal(ovsdb_log_open(path, OVSDB_LOG_READ_WRITE, &log, &err),
                     0);
    k = read_txns(log, &error);
    if (error == EBADMSG) {
        assert_int_equal(ovsdb_log_truncate_tail(log, &err), 0);
    } else {
        assert_int_equal(error, EOF);
    }
    if (k < acked) {
        fail_msg("%s: %d transactions acknowledged, only %d in the file",
                 threaded ? "threaded" : "blocking", acked, k);
    }
    ovsdb_log_close(log);
    check_db(path, k);
    print_message("# kill -9 (%s): %d acknowledged, %d in the file\n",
                  threaded ? "group commit" : "blocking", acked, k);
}

static void
test_kill9(void **state)
{
    struct fixture *fx = *state;
    unsigned int seed = (unsigned int) time(NULL) ^ (unsigned int) getpid();

    print_message("# kill -9 seed %u\n", seed);
    for (int round = 0; round < 4; round++) {
        kill9_round(fx->db, false, seed + round);
        kill9_round(fx->db, true, seed + 100 + round);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(NAME) cmocka_unit_test_setup_teardown(NAME, setup_dir, teardown_dir)
        T(test_crc32c),
        T(test_roundtrip),
        T(test_large_record),
        T(test_open_errors),
        T(test_bad_file_header),
        T(test_truncated_tail),
        T(test_flipped_byte),
        T(test_middle_damage),
        T(test_damaged_records),
        T(test_append_rules),
        T(test_lock),
        T(test_lock_after_fork),
        T(test_replace),
        T(test_replace_crash_before_rename),
        T(test_replace_failure),
        T(test_replace_symlink),
        T(test_group_commit),
        T(test_write_error),
        T(test_kill9),
#undef T
    };

    /* Truncation warnings are expected here; keep the output to results. */
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_OFF);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
