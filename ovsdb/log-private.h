/* log-private.h: what the parts of the database file's code share:
 * log.c (opening, reading, appending, syncing), log-lock.c (the locks
 * that keep a second writer out) and log-replace.c (replacing the file
 * by a snapshot).  Not for use outside ovsdb/log*.c. */
#ifndef NICFLOW_OVSDB_LOG_PRIVATE_H
#define NICFLOW_OVSDB_LOG_PRIVATE_H 1

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "ovsdb/log.h"

/* The file header line. */
#define FILE_HEADER OVSDB_LOG_MAGIC " 1\n"
#define FILE_HEADER_LEN (sizeof FILE_HEADER - 1)

/* A record header line: up to 10 length digits, a space, 8 hex digits and
 * a newline. */
#define RECORD_HEADER_MAX 20

/* Read-ahead when scanning records. */
#define READ_CHUNK (64 * 1024)

/* Batch buffers bigger than this are freed after a sync instead of being
 * kept for reuse. */
#define SPARE_KEEP_MAX (1024 * 1024)

/* Locks.  An open-file-description (OFD) write lock on [0, PID_LOCK_START)
 * is what excludes other writers: unlike a classic POSIX lock it conflicts
 * between two opens in one process and is not dropped when some other
 * descriptor for the file is closed.  OFD locks do not report their owner,
 * so a classic POSIX lock on the single byte at PID_LOCK_START (far beyond
 * any real file size; the ranges must not overlap, because the two kinds
 * conflict even within one process) lets a loser learn the holder's pid. */
#define PID_LOCK_START ((off_t) 1 << 62)

enum log_state {
    LOG_READING,     /* Records remain to be read. */
    LOG_AT_END,      /* Every record read (or a new file): may append. */
    LOG_DAMAGED,     /* A damaged record stopped reading. */
    LOG_READ_FAILED, /* An I/O error stopped reading. */
};

struct ovsdb_log {
    char *path;      /* As the caller named it, for messages. */
    char *real_path; /* Symlinks resolved: what replace renames over. */
    enum ovsdb_log_mode mode;
    int fd;
    dev_t dev; /* Of the open file, for the in-process writer list. */
    ino_t ino;
    struct ovsdb_log *next_writer;
    pid_t pid_lock_owner; /* Process that took the pid lock on fd. */

    /* Reading. */
    enum log_state state;
    uint64_t read_off; /* Offset of the next record to read. */
    struct buf rbuf;   /* Read-ahead window holding... */
    uint64_t rbuf_off; /* ...the file's bytes from this offset. */
    struct ovsdb_log_record_info last;
    int read_errno;          /* Why reading stopped (LOG_DAMAGED: EBADMSG). */
    char *read_error_msg;    /* What stopped reading, or NULL. */
    uint64_t n_intact_after; /* Intact records after the damage. */

    /* Sizes as the caller sees them (caller's thread only). */
    uint64_t size;      /* Bytes in the file once pending is written. */
    uint64_t n_records; /* Records in the file once pending is written. */

    /* Shared with the sync thread. */
    pthread_mutex_t mutex;
    pthread_cond_t wake;      /* Work for the sync thread. */
    pthread_cond_t done;      /* A batch finished. */
    struct buf pending;       /* mutex: records not yet taken by a batch. */
    struct buf spare;         /* mutex: an empty buffer to swap in. */
    uint64_t pending_n;       /* mutex: records in pending. */
    uint64_t last_seqno;      /* mutex (written by the caller only). */
    uint64_t requested_seqno; /* mutex: highest seqno a commit asked. */
    _Atomic uint64_t durable_seqno; /* Written under mutex. */
    uint64_t write_off;             /* mutex: where the next batch goes. */
    bool syncing;                   /* mutex: a batch is in flight. */
    bool replacing;                 /* mutex: replace started, not finished. */
    bool exiting;                   /* mutex: the sync thread should stop. */
    int error;                      /* mutex: sticky write/sync error. */
    struct ovsdb_log_stats stats;   /* mutex. */
    bool thread_started;
    pthread_t thread;
    int efd; /* eventfd: durability advanced. */

    /* Replace in progress (caller's thread). */
    char *tmp_path;
    int tmp_fd;
    uint64_t tmp_size;
    uint64_t snap_seqno;     /* Last seqno the snapshot covers. */
    size_t snap_pending_len; /* pending bytes the snapshot covers... */
    uint64_t snap_pending_n; /* ...and records. */
};

/* Replaces *ERRP (if ERRP is not NULL) by a message made from FMT. */
void ovsdb_log_set_error(char **errp, const char *fmt, ...) NF_PRINTF(2, 3);
/* Writes all N bytes of DATA at offset OFF of FD: 0 or an errno. */
int ovsdb_log_write_at(int fd, const void *data, size_t n, uint64_t off);
/* fsync()s the directory that holds PATH (a rename or create in it then
 * survives a crash): 0 or an errno. */
int ovsdb_log_fsync_parent_dir(const char *path);
/* Replaces the bytes of S that would garble a log line by '?'. */
void ovsdb_log_sanitize(char *s);
/* Tells whoever polls LOG's eventfd that durability advanced. */
void ovsdb_log_notify(const struct ovsdb_log *log);
/* Appends RECORD, framed as the file holds it (header line, then the
 * JSON and a newline), to OUT.  Returns 0, EINVAL (not a JSON object) or
 * EFBIG (empty or longer than OVSDB_LOG_MAX_RECORD). */
int ovsdb_log_frame_record(struct buf *out, const json_t *record);

/* Locks (log-lock.c). */

/* Takes the writer lock on FD, then the pid lock, without waiting: 0,
 * EAGAIN when another holds either, or another errno. */
int ovsdb_log_lock_fd(int fd);
/* Closes FD; where that would drop this process's pid lock on the same
 * file (classic POSIX locks go with any close), takes it again on a log
 * that still holds the file. */
void ovsdb_log_close_and_relock(int fd);
/* Makes sure LOG's pid lock is this process's (after a fork, say). */
void ovsdb_log_refresh_pid_lock(struct ovsdb_log *log);
/* Opens PATH with FLAGS and takes its writer lock: 0 with the fd in
 * *FDP, or an errno with a message naming the holder in *ERRP. */
int ovsdb_log_open_locked(const char *path, int flags, int *fdp, char **errp);
/* The list of this process's writable logs, which names the holder when
 * an open in this same process loses the lock: LOG joins it, leaves it,
 * or records that its file is now the one ST describes. */
void ovsdb_log_writers_add(struct ovsdb_log *log);
void ovsdb_log_writers_remove(struct ovsdb_log *log);
void ovsdb_log_writers_update(struct ovsdb_log *log, const struct stat *st);

#endif /* log-private.h */
