/* libFuzzer target for ovsdb/log.c's reader: the input is a whole database
 * file.  It is written to a file in a private directory on tmpfs (made for
 * each input and removed after it, because libFuzzer ends with _Exit() and
 * no exit handler would clean up), opened
 * read-write, read to the end, its damaged tail (if any) truncated, then
 * appended to, compacted and read back.
 *
 * Besides the sanitizers' checks (no crash, no leak, no undefined
 * behaviour), these properties are checked and a violation aborts:
 *   - a read-only open accepts exactly the files a read-write open does;
 *   - reading stops with EOF or EBADMSG (with a message), never another
 *     error, and read-only reading sees the same records;
 *   - truncating a damaged tail succeeds and keeps every record read, and
 *     the file then ends right after them;
 *   - a record appended and committed afterwards reads back after them;
 *   - replacing the file by its first record plus a snapshot leaves
 *     exactly those two records.
 *
 * Mutations rarely keep a record's checksum right, which would leave the
 * JSON side of the reader unexplored; so each input is also run a second
 * time with the checksum of every well-framed record recomputed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/crc32c.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/log.h"

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

static const char *base_dir;
static char dir[128];
static char db_path[160];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    base_dir = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";
    vlog_set_levels(NULL, VLF_N_DESTINATIONS, VLL_OFF);
    return 0;
}

static void
make_dir(void)
{
    snprintf(dir, sizeof dir, "%s/fuzz-ovsdb-log.XXXXXX", base_dir);
    CHECK(mkdtemp(dir) != NULL);
    snprintf(db_path, sizeof db_path, "%s/db", dir);
}

/* Removes the directory and everything in it (the database, saved damaged
 * tails, temporary files). */
static void
remove_dir(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    CHECK(d);
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            char *p = xasprintf("%s/%s", dir, e->d_name);
            unlink(p);
            free(p);
        }
    }
    closedir(d);
    CHECK(rmdir(dir) == 0);
}

/* Reads every record of a log opened in MODE into a new array; returns
 * NULL if the open fails.  *ERRORP gets the final read status. */
static json_t *
read_all(enum ovsdb_log_mode mode, int *errorp, struct ovsdb_log **logp)
{
    struct ovsdb_log *log;
    json_t *records, *j;
    char *err = NULL;
    int error;

    error = ovsdb_log_open(db_path, mode, &log, &err);
    if (error) {
        CHECK(err != NULL);
        free(err);
        *errorp = error;
        return NULL;
    }
    records = json_array();
    while (!(error = ovsdb_log_read(log, &j))) {
        json_array_append_new(records, j);
    }
    CHECK(j == NULL);
    CHECK(error == EOF || error == EBADMSG);
    CHECK((error == EBADMSG) == (ovsdb_log_read_error(log) != NULL));
    CHECK(ovsdb_log_get_n_records(log) == json_array_size(records));
    *errorp = error;
    if (logp) {
        *logp = log;
    } else {
        ovsdb_log_close(log);
    }
    return records;
}

static void
write_input(const uint8_t *data, size_t size)
{
    int fd = open(db_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    CHECK(fd >= 0);
    CHECK(write(fd, data, size) == (ssize_t) size);
    close(fd);
}

/* Rewrites the checksum field of each record whose header is "<digits>
 * <8 bytes>\n" and whose data fits, in order from the first line break,
 * stopping at the first that is not.  Returns true if anything changed. */
static bool
fix_checksums(uint8_t *p, size_t size)
{
    uint8_t *nl = memchr(p, '\n', size);
    size_t off = nl ? (size_t) (nl - p) + 1 : size;
    bool changed = false;

    while (off < size) {
        size_t i = off, len = 0;
        char hex[9];

        while (i < size && i - off < 10 && p[i] >= '0' && p[i] <= '9') {
            len = len * 10 + (p[i++] - '0');
        }
        if (i == off || size - i < 10 || p[i] != ' ' || p[i + 9] != '\n'
            || len > size - (i + 10)) {
            break;
        }
        snprintf(hex, sizeof hex, "%08" PRIx32,
                 crc32c_extend(0, p + i + 10, len));
        if (memcmp(p + i + 1, hex, 8)) {
            memcpy(p + i + 1, hex, 8);
            changed = true;
        }
        off = i + 10 + len + 1;
    }
    return changed;
}

static void run_one(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = xmemdup(data, size);

    run_one(data, size);
    if (fix_checksums(copy, size)) {
        run_one(copy, size);
    }
    free(copy);
    return 0;
}

static void
run_one(const uint8_t *data, size_t size)
{
    json_t *records, *ro_records, *again, *extra;
    struct ovsdb_log *log;
    struct stat st;
    char *err = NULL;
    int error, ro_error;

    make_dir();
    write_input(data, size);
    ro_records = read_all(OVSDB_LOG_READ_ONLY, &ro_error, NULL);
    records = read_all(OVSDB_LOG_READ_WRITE, &error, &log);
    CHECK(!records == !ro_records);
    if (!records) {
        CHECK(error == ro_error && error == EBADMSG);
        goto out;
    }
    CHECK(error == ro_error);
    CHECK(json_equal(records, ro_records));

    if (error == EBADMSG) {
        CHECK(ovsdb_log_truncate_tail(log, &err) == 0);
        CHECK(err == NULL);
    } else {
        CHECK(ovsdb_log_truncate_tail(log, &err) == EINVAL);
        free(err);
        err = NULL;
    }
    CHECK(stat(db_path, &st) == 0);
    CHECK((uint64_t) st.st_size == ovsdb_log_get_size(log));

    /* Append one record: it follows the ones read. */
    extra = json_pack("{s:i}", "fuzz", (int) size);
    CHECK(ovsdb_log_append(log, extra, NULL) == 0);
    CHECK(ovsdb_log_commit_block(log) == 0);
    CHECK(ovsdb_log_durable_seqno(log) == 1);
    ovsdb_log_close(log);
    json_array_append(records, extra);
    again = read_all(OVSDB_LOG_READ_ONLY, &error, NULL);
    CHECK(again && error == EOF);
    CHECK(json_equal(again, records));
    json_decref(again);

    /* Compact: the first record plus a snapshot. */
    again = read_all(OVSDB_LOG_READ_WRITE, &error, &log);
    CHECK(again && error == EOF);
    json_decref(again);
    CHECK(ovsdb_log_replace(log, json_array_get(records, 0), extra, &err)
          == 0);
    CHECK(err == NULL);
    CHECK(ovsdb_log_get_n_records(log) == 2);
    ovsdb_log_close(log);
    again = read_all(OVSDB_LOG_READ_ONLY, &error, NULL);
    CHECK(again && error == EOF && json_array_size(again) == 2);
    CHECK(json_equal(json_array_get(again, 0), json_array_get(records, 0)));
    CHECK(json_equal(json_array_get(again, 1), extra));
    json_decref(again);
    json_decref(extra);

out:
    json_decref(records);
    json_decref(ro_records);
    remove_dir();
}
