/* log.c: the database file (format and contract in log.h).
 *
 * Concurrency: the caller's thread owns everything except the fields
 * marked "mutex" below, which it shares with the sync thread.  The sync
 * thread only takes a batch, writes it at write_off, fdatasyncs and
 * publishes the result; reading, truncating and replacing happen in the
 * caller's thread while no batch is in flight.
 *
 * The file's locks are in log-lock.c, its replacement by a snapshot
 * (compaction) in log-replace.c; what they share is in log-private.h. */
#include "ovsdb/log.h"
#include "ovsdb/log-private.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/crc32c.h"
#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(ovsdb_log);

COVERAGE_DEFINE(ovsdb_log_append);
COVERAGE_DEFINE(ovsdb_log_sync);
COVERAGE_DEFINE(ovsdb_log_truncate);

void
ovsdb_log_set_error(char **errp, const char *fmt, ...)
{
    if (errp) {
        va_list args;
        va_start(args, fmt);
        free(*errp);
        *errp = xvasprintf(fmt, args);
        va_end(args);
    }
}

/* Small I/O helpers. */

int
ovsdb_log_write_at(int fd, const void *data, size_t n, uint64_t off)
{
    const uint8_t *p = data;

    while (n) {
        ssize_t r = pwrite(fd, p, n, (off_t) off);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        } else if (r == 0) {
            return EIO;
        }
        p += r;
        n -= r;
        off += r;
    }
    return 0;
}

/* Reads up to N bytes at OFF, fewer only at end of file; *GOTP says how
 * many. */
static int
read_full_at(int fd, void *data, size_t n, uint64_t off, size_t *gotp)
{
    uint8_t *p = data;
    size_t got = 0;

    while (got < n) {
        ssize_t r = pread(fd, p + got, n - got, (off_t) (off + got));
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            *gotp = got;
            return errno;
        } else if (r == 0) {
            break;
        }
        got += r;
    }
    *gotp = got;
    return 0;
}

int
ovsdb_log_fsync_parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = !slash          ? xstrdup(".")
                : slash == path ? xstrdup("/")
                                : xstrndup(path, slash - path);
    int error = 0;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0) {
        error = errno;
    } else {
        /* Some file systems cannot sync a directory and say EINVAL; there
         * is nothing more to do for them. */
        if (fsync(fd) < 0 && errno != EINVAL) {
            error = errno;
        }
        close(fd);
    }
    free(dir);
    return error;
}

/* Replaces bytes that would garble a log line (control characters, from
 * file content quoted in a message) by '?'. */
void
ovsdb_log_sanitize(char *s)
{
    for (; *s; s++) {
        if ((unsigned char) *s < 0x20 || *s == 0x7f) {
            *s = '?';
        }
    }
}

void
ovsdb_log_notify(const struct ovsdb_log *log)
{
    uint64_t one = 1;

    if (log->efd >= 0 && write(log->efd, &one, sizeof one) < 0) {
        /* Only EAGAIN (counter saturated) is possible, and then the fd is
         * readable anyway. */
    }
}

/* Opening and closing. */

/* Checks the file header line and stores its length in *LENP. */
static int
check_file_header(int fd, const char *path, uint64_t size, uint64_t *lenp,
                  char **errp)
{
    static const char magic[] = OVSDB_LOG_MAGIC " ";
    char line[64];
    size_t got;
    int error;
    const char *nl, *ver;

    if (!size) {
        ovsdb_log_set_error(
            errp,
            "%s: empty file, not a nicflow database (it should begin "
            "with \"%s 1\")",
            path, OVSDB_LOG_MAGIC);
        return EBADMSG;
    }
    error = read_full_at(fd, line, NF_MIN(size, sizeof line), 0, &got);
    if (error) {
        ovsdb_log_set_error(errp, "%s: read failed: %s", path,
                            nf_strerror(error));
        return error;
    }
    nl = memchr(line, '\n', got);
    if (got >= 11
        && (!memcmp(line, "OVSDB JSON ", 11)
            || (got >= 14 && !memcmp(line, "OVSDB CLUSTER ", 14)))) {
        ovsdb_log_set_error(
            errp,
            "%s: this is an Open vSwitch database file; nicflow uses "
            "its own format (\"%s 1\"): create a new database from "
            "the schema and load the data through a client",
            path, OVSDB_LOG_MAGIC);
        return EBADMSG;
    }
    if (!nl && got < sizeof line
        && !memcmp(line, FILE_HEADER, NF_MIN(got, FILE_HEADER_LEN))) {
        ovsdb_log_set_error(errp, "%s: file header is incomplete (%zu bytes)",
                            path, got);
        return EBADMSG;
    }
    if (!nl || got < sizeof magic - 1
        || memcmp(line, magic, sizeof magic - 1)) {
        ovsdb_log_set_error(
            errp,
            "%s: not a nicflow database (it does not begin with "
            "\"%s 1\")",
            path, OVSDB_LOG_MAGIC);
        return EBADMSG;
    }
    ver = line + sizeof magic - 1;
    if (nl - ver != 1 || *ver != '1') {
        char *v = xstrndup(ver, nl - ver);
        bool digits = nl > ver && strspn(v, "0123456789") == strlen(v);

        ovsdb_log_sanitize(v);
        if (digits) {
            ovsdb_log_set_error(
                errp,
                "%s: database format version %s is not supported "
                "(this nicflow reads version %d)",
                path, v, OVSDB_LOG_VERSION);
        } else {
            ovsdb_log_set_error(
                errp, "%s: malformed file header (version \"%s\")", path, v);
        }
        free(v);
        return EBADMSG;
    }
    *lenp = nl - line + 1;
    return 0;
}

static char *
resolve_path(const char *path)
{
    struct stat st;

    if (!lstat(path, &st) && S_ISLNK(st.st_mode)) {
        char *real = realpath(path, NULL);
        if (real) {
            return real;
        }
    }
    return xstrdup(path);
}

static struct ovsdb_log *
log_new(const char *path, enum ovsdb_log_mode mode)
{
    struct ovsdb_log *log = xzalloc(sizeof *log);

    log->path = xstrdup(path);
    log->real_path = resolve_path(path);
    log->mode = mode;
    log->fd = -1;
    log->efd = -1;
    log->tmp_fd = -1;
    pthread_mutex_init(&log->mutex, NULL);
    pthread_cond_init(&log->wake, NULL);
    pthread_cond_init(&log->done, NULL);
    atomic_init(&log->durable_seqno, 0);
    return log;
}

static void
log_free(struct ovsdb_log *log)
{
    if (log->fd >= 0) {
        ovsdb_log_close_and_relock(log->fd);
    }
    if (log->efd >= 0) {
        close(log->efd);
    }
    buf_destroy(&log->rbuf);
    buf_destroy(&log->pending);
    buf_destroy(&log->spare);
    pthread_cond_destroy(&log->done);
    pthread_cond_destroy(&log->wake);
    pthread_mutex_destroy(&log->mutex);
    free(log->read_error_msg);
    free(log->tmp_path);
    free(log->real_path);
    free(log->path);
    free(log);
}

static int
create_file_header(struct ovsdb_log *log, char **errp)
{
    int error = ovsdb_log_write_at(log->fd, FILE_HEADER, FILE_HEADER_LEN, 0);
    const char *what = "write";

    if (!error) {
        what = "fsync";
        error = fsync(log->fd) < 0 ? errno : 0;
    }
    if (!error) {
        what = "fsync of its directory";
        error = ovsdb_log_fsync_parent_dir(log->real_path);
    }
    if (error) {
        ovsdb_log_set_error(errp, "%s: %s failed: %s", log->path, what,
                            nf_strerror(error));
    }
    return error;
}

int
ovsdb_log_open(const char *path, enum ovsdb_log_mode mode,
               struct ovsdb_log **logp, char **errp)
{
    struct ovsdb_log *log = log_new(path, mode);
    uint64_t header_len = FILE_HEADER_LEN;
    struct stat st;
    int error;

    *logp = NULL;
    if (errp) {
        *errp = NULL;
    }
    if (mode == OVSDB_LOG_READ_ONLY) {
        /* O_NONBLOCK: a FIFO must not hang us before the S_ISREG check;
         * it changes nothing for a regular file. */
        log->fd = open(log->real_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (log->fd < 0) {
            error = errno;
            ovsdb_log_set_error(errp, "%s: cannot open for reading: %s", path,
                                nf_strerror(error));
            goto free_log;
        }
    } else {
        int flags = mode == OVSDB_LOG_CREATE_EXCL ? O_CREAT | O_EXCL : 0;
        error = ovsdb_log_open_locked(log->real_path, flags, &log->fd, errp);
        if (error) {
            goto free_log;
        }
    }
    if (fstat(log->fd, &st) < 0) {
        error = errno;
        ovsdb_log_set_error(errp, "%s: fstat failed: %s", path,
                            nf_strerror(error));
        goto free_log;
    }
    log->dev = st.st_dev;
    log->ino = st.st_ino;

    if (mode == OVSDB_LOG_CREATE_EXCL) {
        error = create_file_header(log, errp);
        if (error) {
            unlink(log->real_path);
            goto free_log;
        }
        log->state = LOG_AT_END;
    } else {
        if (!S_ISREG(st.st_mode)) {
            error = EINVAL;
            ovsdb_log_set_error(errp, "%s: not a regular file", path);
            goto free_log;
        }
        error =
            check_file_header(log->fd, path, st.st_size, &header_len, errp);
        if (error) {
            goto free_log;
        }
        log->state = LOG_READING;
    }
    log->read_off = header_len;
    log->size =
        mode == OVSDB_LOG_CREATE_EXCL ? header_len : (uint64_t) st.st_size;
    log->write_off = header_len;

    if (mode != OVSDB_LOG_READ_ONLY) {
        log->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (log->efd < 0) {
            error = errno;
            ovsdb_log_set_error(errp, "%s: eventfd failed: %s", path,
                                nf_strerror(error));
            goto free_log;
        }
        log->pid_lock_owner = getpid();
        ovsdb_log_writers_add(log);
    }
    *logp = log;
    return 0;

free_log:
    log_free(log);
    return error;
}

const char *
ovsdb_log_get_path(const struct ovsdb_log *log)
{
    return log->path;
}

/* Reading. */

/* Makes the file's bytes [OFF, OFF + N) available at *DATAP (valid until
 * the next call), reading ahead up to FILE_SIZE.  The caller has checked
 * that OFF + N <= FILE_SIZE, so no allocation exceeds the file.  Returns 0,
 * EBADMSG if the file turned out shorter, or an errno from pread(). */
static int
read_window(struct ovsdb_log *log, uint64_t off, size_t n, uint64_t file_size,
            const uint8_t **datap)
{
    size_t want, got;
    uint8_t *p;
    int error;

    if (off >= log->rbuf_off && off - log->rbuf_off <= log->rbuf.len
        && n <= log->rbuf.len - (off - log->rbuf_off)) {
        *datap = log->rbuf.data + (off - log->rbuf_off);
        return 0;
    }
    want = NF_MAX(n, (size_t) READ_CHUNK);
    if (want > file_size - off) {
        want = file_size - off;
    }
    buf_clear(&log->rbuf);
    log->rbuf_off = off;
    p = buf_reserve(&log->rbuf, want);
    error = read_full_at(log->fd, p, want, off, &got);
    log->rbuf.len = got;
    if (error) {
        return error;
    }
    if (got < n) {
        return EBADMSG;
    }
    *datap = p;
    return 0;
}

struct record_header {
    uint64_t length; /* JSON bytes. */
    uint32_t crc;
    size_t header_len; /* Bytes in the header line, newline included. */
};

static int
hex_digit(uint8_t c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : -1;
}

/* Parses the header line at P (LEN bytes, without its newline). */
static bool
parse_record_header(const uint8_t *p, size_t len, struct record_header *h)
{
    size_t i = 0;

    h->length = 0;
    for (; i < len && i < 10 && p[i] >= '0' && p[i] <= '9'; i++) {
        h->length = h->length * 10 + (p[i] - '0');
    }
    if (i == 0 || p[0] == '0' || len != i + 1 + 8 || p[i] != ' ') {
        return false;
    }
    h->crc = 0;
    for (i++; i < len; i++) {
        int d = hex_digit(p[i]);
        if (d < 0) {
            return false;
        }
        h->crc = (h->crc << 4) | d;
    }
    h->header_len = len + 1;
    return true;
}

/* Checks the framing and checksum of the record at OFF in a file of SIZE
 * bytes.  Returns 0 with *H and *DATAP (the JSON text, valid until the next
 * read_window()) filled in; EBADMSG with the reason in WHY; or an errno
 * from reading. */
static int
check_record(struct ovsdb_log *log, uint64_t off, uint64_t size,
             struct record_header *h, const uint8_t **datap, struct buf *why)
{
    uint64_t remaining = size - off;
    size_t n = NF_MIN(remaining, (uint64_t) RECORD_HEADER_MAX);
    const uint8_t *p, *nl;
    uint32_t crc;
    int error;

    error = read_window(log, off, n, size, &p);
    if (error) {
        if (error == EBADMSG) {
            buf_printf(why, "file ended while reading");
        }
        return error;
    }
    nl = memchr(p, '\n', n);
    if (!nl) {
        if (remaining < RECORD_HEADER_MAX) {
            buf_printf(why, "incomplete record header (%" PRIu64 " bytes)",
                       remaining);
        } else {
            char *s = xstrndup((const char *) p, n);
            ovsdb_log_sanitize(s);
            buf_printf(why, "malformed record header \"%s\"", s);
            free(s);
        }
        return EBADMSG;
    }
    if (!parse_record_header(p, nl - p, h)) {
        char *s = xstrndup((const char *) p, nl - p);
        ovsdb_log_sanitize(s);
        buf_printf(why, "malformed record header \"%s\"", s);
        free(s);
        return EBADMSG;
    }
    if (h->length > OVSDB_LOG_MAX_RECORD) {
        buf_printf(why, "record length %" PRIu64 " exceeds the limit of %u",
                   h->length, OVSDB_LOG_MAX_RECORD);
        return EBADMSG;
    }
    remaining -= h->header_len;
    if (h->length >= remaining) {
        buf_printf(why,
                   "incomplete record: header announces %" PRIu64
                   " bytes and a newline, %" PRIu64 " bytes follow",
                   h->length, remaining);
        return EBADMSG;
    }
    error = read_window(log, off + h->header_len, h->length + 1, size, &p);
    if (error) {
        if (error == EBADMSG) {
            buf_printf(why, "file ended while reading");
        }
        return error;
    }
    if (p[h->length] != '\n') {
        buf_printf(why, "record data is not followed by a newline");
        return EBADMSG;
    }
    crc = crc32c_extend(0, p, h->length);
    if (crc != h->crc) {
        buf_printf(why,
                   "checksum mismatch (header says %08" PRIx32
                   ", data has %08" PRIx32 ")",
                   h->crc, crc);
        return EBADMSG;
    }
    *datap = p;
    return 0;
}

/* Returns the offset of the first newline at or after OFF, or SIZE. */
static uint64_t
find_newline(struct ovsdb_log *log, uint64_t off, uint64_t size)
{
    while (off < size) {
        size_t n = NF_MIN(size - off, (uint64_t) READ_CHUNK);
        const uint8_t *p, *nl;

        if (read_window(log, off, n, size, &p)) {
            return size;
        }
        nl = memchr(p, '\n', n);
        if (nl) {
            return off + (nl - p);
        }
        off += n;
    }
    return size;
}

/* Counts the intact records (framing and checksum) that start after the
 * damaged record at FROM: a record starts right after a newline, so every
 * newline is a candidate.  A torn write leaves none; media corruption in
 * the middle of the file leaves the later records. */
static uint64_t
count_intact_after(struct ovsdb_log *log, uint64_t from, uint64_t size)
{
    struct buf why = BUF_INITIALIZER;
    uint64_t count = 0;
    uint64_t pos = from;

    for (;;) {
        struct record_header h;
        const uint8_t *data;
        uint64_t cand = find_newline(log, pos, size) + 1;

        if (cand >= size) {
            break;
        }
        buf_clear(&why);
        if (!check_record(log, cand, size, &h, &data, &why)) {
            count++;
            /* Continue from this record's final newline. */
            pos = cand + h.header_len + h.length;
        } else {
            pos = cand;
        }
    }
    buf_destroy(&why);
    return count;
}

static void
finish_reading(struct ovsdb_log *log)
{
    log->state = LOG_AT_END;
    log->size = log->read_off;
    log->write_off = log->read_off;
    buf_destroy(&log->rbuf);
    log->rbuf_off = 0;
}

/* Stops reading at the record at log->read_off for REASON: EBADMSG
 * (damage described by WHY) or an I/O errno. */
static int
stop_reading(struct ovsdb_log *log, int reason, const char *why, uint64_t size)
{
    uint64_t off = log->read_off;

    if (reason == EBADMSG) {
        struct buf msg = BUF_INITIALIZER;

        log->state = LOG_DAMAGED;
        log->n_intact_after = count_intact_after(log, off, size);
        buf_printf(&msg,
                   "%s: record %" PRIu64 " at offset %" PRIu64 ": %s; %" PRIu64
                   " bytes to end of file",
                   log->path, log->n_records, off, why, size - off);
        if (log->n_intact_after) {
            buf_printf(&msg,
                       "; %" PRIu64 " intact record(s) follow the damage, "
                       "so it is not a torn write",
                       log->n_intact_after);
        }
        log->read_error_msg = buf_steal_cstr(&msg);
    } else {
        log->state = LOG_READ_FAILED;
        log->read_error_msg = xasprintf(
            "%s: reading record %" PRIu64 " at offset %" PRIu64 ": %s",
            log->path, log->n_records, off, nf_strerror(reason));
    }
    log->read_errno = reason;
    buf_destroy(&log->rbuf);
    log->rbuf_off = 0;
    return reason;
}

int
ovsdb_log_read(struct ovsdb_log *log, json_t **recordp)
{
    struct buf why = BUF_INITIALIZER;
    struct record_header h;
    const uint8_t *data;
    json_error_t jerr;
    struct stat st;
    json_t *json;
    uint64_t size;
    int error;

    *recordp = NULL;
    switch (log->state) {
    case LOG_AT_END:
        return EOF;
    case LOG_DAMAGED:
    case LOG_READ_FAILED:
        return log->read_errno;
    case LOG_READING:
        break;
    }

    if (fstat(log->fd, &st) < 0) {
        return stop_reading(log, errno, NULL, 0);
    }
    size = st.st_size;
    if (log->read_off == size) {
        finish_reading(log);
        return EOF;
    } else if (log->read_off > size) {
        return stop_reading(log, EBADMSG, "the file shrank while reading",
                            log->read_off);
    }

    error = check_record(log, log->read_off, size, &h, &data, &why);
    if (error) {
        error = stop_reading(log, error, buf_cstr(&why), size);
        buf_destroy(&why);
        return error;
    }
    json = json_loadb((const char *) data, h.length, 0, &jerr);
    if (!json || !json_is_object(json)) {
        if (json) {
            buf_printf(&why, "record is valid JSON but not an object");
        } else {
            ovsdb_log_sanitize(jerr.text);
            buf_printf(&why, "invalid JSON (%s, at byte %d of the record)",
                       jerr.text, jerr.position);
        }
        json_decref(json);
        error = stop_reading(log, EBADMSG, buf_cstr(&why), size);
        buf_destroy(&why);
        return error;
    }
    buf_destroy(&why);

    log->last.index = log->n_records;
    log->last.offset = log->read_off;
    log->last.length = h.length;
    log->last.size = h.header_len + h.length + 1;
    log->last.crc = h.crc;
    log->read_off += log->last.size;
    log->n_records++;
    *recordp = json;
    return 0;
}

void
ovsdb_log_get_last_read(const struct ovsdb_log *log,
                        struct ovsdb_log_record_info *info)
{
    *info = log->last;
}

const char *
ovsdb_log_read_error(const struct ovsdb_log *log)
{
    return log->read_error_msg;
}

/* Copies the file's bytes [FROM, SIZE) to a new file beside it, durably,
 * and stores its name in *NAMEP (caller frees). */
static int
save_dropped(struct ovsdb_log *log, uint64_t from, uint64_t size, char **namep)
{
    char *name = xasprintf("%s.dropped-%" PRIu64, log->real_path, from);
    int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    int error = 0;

    if (fd < 0 && errno == EEXIST) {
        free(name);
        name = xasprintf("%s.dropped-%" PRIu64 "-%lld", log->real_path, from,
                         nf_time_wall_msec());
        fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    }
    if (fd < 0) {
        error = errno;
        goto free_name;
    }
    for (uint64_t off = from; off < size && !error;) {
        size_t n = NF_MIN(size - off, (uint64_t) 1024 * 1024);
        const uint8_t *p;

        error = read_window(log, off, n, size, &p);
        if (!error) {
            error = ovsdb_log_write_at(fd, p, n, off - from);
        }
        off += n;
    }
    if (!error && fsync(fd) < 0) {
        error = errno;
    }
    close(fd);
    if (!error) {
        error = ovsdb_log_fsync_parent_dir(name);
    }
    buf_destroy(&log->rbuf);
    log->rbuf_off = 0;
    if (error) {
        unlink(name);
        goto free_name;
    }
    *namep = name;
    return 0;

free_name:
    *namep = name;
    return error;
}

int
ovsdb_log_truncate_tail(struct ovsdb_log *log, char **errp)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);
    uint64_t good = log->read_off;
    char *saved = NULL;
    struct stat st;
    uint64_t size;
    int error;

    if (errp) {
        *errp = NULL;
    }
    if (log->mode == OVSDB_LOG_READ_ONLY) {
        ovsdb_log_set_error(errp, "%s: cannot truncate a log opened read-only",
                            log->path);
        return EROFS;
    }
    if (log->state != LOG_DAMAGED) {
        ovsdb_log_set_error(errp, "%s: no damaged tail to truncate",
                            log->path);
        return EINVAL;
    }
    if (fstat(log->fd, &st) < 0) {
        error = errno;
        ovsdb_log_set_error(errp, "%s: fstat failed: %s", log->path,
                            nf_strerror(error));
        return error;
    }
    size = st.st_size;
    if (size < good) {
        ovsdb_log_set_error(
            errp, "%s: file shrank to %" PRIu64 " bytes, not truncating",
            log->path, size);
        return EINVAL;
    }
    if (log->n_intact_after && size > good) {
        error = save_dropped(log, good, size, &saved);
        if (error) {
            ovsdb_log_set_error(errp,
                                "%s: not truncating: saving the %" PRIu64
                                " damaged bytes to %s failed: %s",
                                log->path, size - good, saved,
                                nf_strerror(error));
            free(saved);
            return error;
        }
    }
    if (ftruncate(log->fd, (off_t) good) < 0 || fdatasync(log->fd) < 0) {
        error = errno;
        ovsdb_log_set_error(errp,
                            "%s: truncating to %" PRIu64 " bytes failed: %s",
                            log->path, good, nf_strerror(error));
        free(saved);
        return error;
    }
    COVERAGE_INC(ovsdb_log_truncate);
    if (saved) {
        VLOG_ERR_RL(&rl,
                    "%s; truncated the file to %" PRIu64 " bytes, dropping "
                    "%" PRIu64 " bytes and keeping %" PRIu64 " record(s); the "
                    "dropped bytes are saved in %s",
                    log->read_error_msg, good, size - good, log->n_records,
                    saved);
    } else {
        VLOG_WARN_RL(&rl,
                     "%s; truncated the file to %" PRIu64 " bytes, dropping "
                     "%" PRIu64 " bytes and keeping %" PRIu64 " record(s)",
                     log->read_error_msg, good, size - good, log->n_records);
    }
    free(saved);
    finish_reading(log);
    return 0;
}

/* Appending and syncing. */

/* Appends the framed RECORD to OUT.  Returns 0, EINVAL or EFBIG. */
int
ovsdb_log_frame_record(struct buf *out, const json_t *record)
{
    char header[RECORD_HEADER_MAX + 1];
    char *text;
    size_t len;
    int n;

    if (!json_is_object(record)) {
        return EINVAL;
    }
    text = json_dumps(record, JSON_COMPACT);
    if (!text) {
        return EINVAL;
    }
    len = strlen(text);
    if (!len || len > OVSDB_LOG_MAX_RECORD) {
        free(text);
        return EFBIG;
    }
    n = snprintf(header, sizeof header, "%zu %08" PRIx32 "\n", len,
                 crc32c_extend(0, text, len));
    buf_put(out, header, n);
    buf_put(out, text, len);
    buf_put_char(out, '\n');
    free(text);
    return 0;
}

int
ovsdb_log_append(struct ovsdb_log *log, const json_t *record, uint64_t *seqnop)
{
    struct buf framed = BUF_INITIALIZER;
    int error;

    if (seqnop) {
        *seqnop = 0;
    }
    if (log->mode == OVSDB_LOG_READ_ONLY) {
        return EROFS;
    }
    if (log->state != LOG_AT_END) {
        return EINVAL;
    }
    error = ovsdb_log_frame_record(&framed, record);
    if (error) {
        buf_destroy(&framed);
        return error;
    }

    pthread_mutex_lock(&log->mutex);
    error = log->error;
    if (!error) {
        buf_put(&log->pending, framed.data, framed.len);
        log->pending_n++;
        log->last_seqno++;
        log->stats.n_appends++;
        if (seqnop) {
            *seqnop = log->last_seqno;
        }
    }
    pthread_mutex_unlock(&log->mutex);

    if (!error) {
        log->size += framed.len;
        log->n_records++;
        COVERAGE_INC(ovsdb_log_append);
    }
    buf_destroy(&framed);
    return error;
}

/* Writes and syncs everything pending as one batch.  Called with
 * log->mutex held and no batch in flight; releases the mutex during the
 * I/O. */
static void
sync_batch_locked(struct ovsdb_log *log)
{
    struct buf batch = log->pending;
    uint64_t seqno = log->last_seqno;
    uint64_t n_records = log->pending_n;
    uint64_t off = log->write_off;
    int fd = log->fd;
    const char *what = "write";
    int error = 0;

    log->pending = log->spare;
    buf_init(&log->spare);
    log->pending_n = 0;
    log->syncing = true;
    pthread_mutex_unlock(&log->mutex);

    if (batch.len) {
        error = ovsdb_log_write_at(fd, batch.data, batch.len, off);
        if (error) {
            /* Cut off the partial record, so that the file still ends
             * cleanly if anyone reads it; the error stays sticky. */
            if (ftruncate(fd, (off_t) off) < 0) {
                /* The next reader will find a torn tail instead. */
            }
        } else if (fdatasync(fd) < 0) {
            error = errno;
            what = "fdatasync";
        }
        COVERAGE_INC(ovsdb_log_sync);
    }

    pthread_mutex_lock(&log->mutex);
    log->syncing = false;
    if (error) {
        log->error = error;
        VLOG_ERR("%s: %s of %" PRIu64 " record(s) at offset %" PRIu64
                 " failed (%s); the database can no longer be updated",
                 log->path, what, n_records, off, nf_strerror(error));
    } else {
        log->write_off = off + batch.len;
        atomic_store(&log->durable_seqno, seqno);
        if (batch.len) {
            log->stats.n_syncs++;
            log->stats.n_synced_records += n_records;
            log->stats.n_synced_bytes += batch.len;
            log->stats.max_batch = NF_MAX(log->stats.max_batch, n_records);
        }
    }
    buf_clear(&batch);
    if (!log->spare.data && batch.cap <= SPARE_KEEP_MAX) {
        log->spare = batch;
    } else {
        buf_destroy(&batch);
    }
    pthread_cond_broadcast(&log->done);
    ovsdb_log_notify(log);
}

static bool
sync_work_locked(const struct ovsdb_log *log)
{
    return (log->requested_seqno > atomic_load(&log->durable_seqno)
            && !log->syncing && !log->replacing && !log->error);
}

static void *
sync_thread_main(void *log_)
{
    struct ovsdb_log *log = log_;

    pthread_mutex_lock(&log->mutex);
    for (;;) {
        if (sync_work_locked(log)) {
            sync_batch_locked(log);
        } else if (log->exiting) {
            break;
        } else {
            pthread_cond_wait(&log->wake, &log->mutex);
        }
    }
    pthread_mutex_unlock(&log->mutex);
    return NULL;
}

/* Starts the sync thread with every signal blocked, so that signals keep
 * going to the threads that handle them. */
static int
start_sync_thread_locked(struct ovsdb_log *log)
{
    sigset_t all, old;
    int error;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    error = pthread_create(&log->thread, NULL, sync_thread_main, log);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (error) {
        VLOG_ERR("%s: cannot start the sync thread: %s", log->path,
                 nf_strerror(error));
        return error;
    }
    pthread_setname_np(log->thread, "ovsdb-log-sync");
    log->thread_started = true;
    return 0;
}

int
ovsdb_log_request_sync(struct ovsdb_log *log)
{
    int error;

    if (log->mode == OVSDB_LOG_READ_ONLY) {
        return EROFS;
    }
    ovsdb_log_refresh_pid_lock(log);
    pthread_mutex_lock(&log->mutex);
    error = log->error;
    if (!error && log->last_seqno > atomic_load(&log->durable_seqno)) {
        log->requested_seqno = log->last_seqno;
        if (!log->thread_started) {
            error = start_sync_thread_locked(log);
        }
        pthread_cond_signal(&log->wake);
    }
    pthread_mutex_unlock(&log->mutex);
    return error;
}

int
ovsdb_log_commit_block(struct ovsdb_log *log)
{
    uint64_t target;
    int error;

    if (log->mode == OVSDB_LOG_READ_ONLY) {
        return EROFS;
    }
    ovsdb_log_refresh_pid_lock(log);
    pthread_mutex_lock(&log->mutex);
    if (log->replacing) {
        pthread_mutex_unlock(&log->mutex);
        return EBUSY;
    }
    target = log->last_seqno;
    if (target > log->requested_seqno) {
        log->requested_seqno = target;
    }
    while (!log->error && atomic_load(&log->durable_seqno) < target) {
        if (log->thread_started) {
            pthread_cond_signal(&log->wake);
            pthread_cond_wait(&log->done, &log->mutex);
        } else {
            sync_batch_locked(log);
        }
    }
    error = log->error;
    pthread_mutex_unlock(&log->mutex);
    return error;
}

uint64_t
ovsdb_log_durable_seqno(const struct ovsdb_log *log)
{
    return atomic_load(&log->durable_seqno);
}

uint64_t
ovsdb_log_last_seqno(const struct ovsdb_log *log)
{
    /* Only the caller's thread writes last_seqno, so it may read it
     * without the mutex. */
    return log->last_seqno;
}

int
ovsdb_log_get_error(const struct ovsdb_log *log)
{
    struct ovsdb_log *l = (struct ovsdb_log *) log;
    int error;

    pthread_mutex_lock(&l->mutex);
    error = l->error;
    pthread_mutex_unlock(&l->mutex);
    return error;
}

int
ovsdb_log_sync_fd(const struct ovsdb_log *log)
{
    return log->efd;
}

void
ovsdb_log_sync_fd_drain(struct ovsdb_log *log)
{
    uint64_t count;

    if (log->efd >= 0 && read(log->efd, &count, sizeof count) < 0) {
        /* EAGAIN: nothing to drain. */
    }
}

void
ovsdb_log_close(struct ovsdb_log *log)
{
    if (!log) {
        return;
    }
    ovsdb_log_replace_abort(log);
    if (log->thread_started) {
        pthread_mutex_lock(&log->mutex);
        log->exiting = true;
        pthread_cond_signal(&log->wake);
        pthread_mutex_unlock(&log->mutex);
        pthread_join(log->thread, NULL);
        log->thread_started = false;
    }
    if (log->mode != OVSDB_LOG_READ_ONLY) {
        uint64_t lost = 0;

        pthread_mutex_lock(&log->mutex);
        if (!log->error && log->pending_n) {
            sync_batch_locked(log);
        }
        if (log->error) {
            lost = log->last_seqno - atomic_load(&log->durable_seqno);
        }
        pthread_mutex_unlock(&log->mutex);
        if (lost) {
            VLOG_ERR("%s: closing with %" PRIu64 " appended record(s) that "
                     "never became durable",
                     log->path, lost);
        }
        ovsdb_log_writers_remove(log);
    }
    log_free(log);
}

/* Sizes and counters. */

uint64_t
ovsdb_log_get_size(const struct ovsdb_log *log)
{
    return log->size;
}

uint64_t
ovsdb_log_get_n_records(const struct ovsdb_log *log)
{
    return log->n_records;
}

void
ovsdb_log_get_stats(const struct ovsdb_log *log, struct ovsdb_log_stats *s)
{
    struct ovsdb_log *l = (struct ovsdb_log *) log;

    pthread_mutex_lock(&l->mutex);
    *s = l->stats;
    pthread_mutex_unlock(&l->mutex);
}
