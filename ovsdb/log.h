/* log.h: the database file, an append-only log of checksummed JSON records.
 *
 * One file holds one database.  Its layout (nicflow's own, version 1):
 *
 *     NICFLOW-OVSDB 1\n                      file header
 *     <length> <crc32c>\n<length bytes>\n    record 0: the schema
 *     <length> <crc32c>\n<length bytes>\n    record 1: a transaction
 *     ...
 *
 * <length> is decimal, without leading zeros, 1 to OVSDB_LOG_MAX_RECORD;
 * <crc32c> is the CRC-32C (Castagnoli) of the <length> bytes, as exactly 8
 * lowercase hex digits.  Each record is one JSON object.  Record 0 is the
 * schema and records 1..N the committed transactions; the log does not look
 * inside them, it only frames, checksums and parses.
 *
 * Life cycle:
 *
 *   1. ovsdb_log_open().  A writable log holds an exclusive lock on the file,
 *      so two servers (or a server and nicflow-dbtool) never write the same
 *      database; the loser is told the pid holding it.
 *
 *   2. ovsdb_log_read() until it returns EOF.  If it instead reports a
 *      damaged tail (EBADMSG: a torn or corrupt record, as a crash in the
 *      middle of a write leaves), ovsdb_log_read_error() says what and
 *      where, and ovsdb_log_truncate_tail() cuts the file back to the end of
 *      the last intact record, keeping every record before it.
 *
 *   3. ovsdb_log_append() records, and make them durable, either in the
 *      caller's thread (ovsdb_log_commit_block(), for tools) or on the log's
 *      sync thread (ovsdb_log_request_sync(), for the server; see "Group
 *      commit" below).  Now and then ovsdb_log_replace() rewrites the file
 *      as schema + one snapshot record (compaction).
 *
 *   4. ovsdb_log_close().
 *
 * Group commit.  ovsdb_log_append() only serializes the record into an
 * in-memory batch and returns its sequence number (1, 2, ... per open log,
 * never reused, not reset by ovsdb_log_replace()).  ovsdb_log_request_sync()
 * asks for everything appended so far to become durable and returns at
 * once.  The sync thread (started by the first request) takes the whole
 * batch, writes it with one pwrite() and one fdatasync(), then publishes the
 * batch's last seqno as durable and makes ovsdb_log_sync_fd() readable.
 * While it is syncing, new appends gather in a fresh batch; as soon as the
 * sync finishes it takes that batch if a request covers it.  So there is at
 * most one sync in flight, each sync covers every record appended before it
 * began, and no timer delays a commit.  A server replies to a transaction
 * only once ovsdb_log_durable_seqno() reaches the transaction's seqno.
 * The caller's thread never touches the disk on this path.
 *
 * Errors.  Functions return 0 or a positive errno value; ovsdb_log_read()
 * also returns EOF (-1) at the clean end of the file.  A failed write or
 * fdatasync is sticky: nothing appended after the last durable seqno can be
 * trusted to reach the disk (after a failed fdatasync the kernel may have
 * dropped the dirty pages), so every later append or commit returns the
 * same error and the server should stop without acknowledging anything
 * more.
 *
 * Threads.  All functions must be called from one thread (the caller's),
 * except ovsdb_log_durable_seqno(), which any thread may call.  The sync
 * thread runs with every signal blocked.  A log may be carried across
 * fork() (a daemon detaching) into the one process that goes on using it,
 * provided no sync has been requested yet (threads do not survive fork):
 * the exclusive lock is inherited, and the next commit takes again the
 * lock that tells other processes the holder's pid. */
#ifndef NICFLOW_OVSDB_LOG_H
#define NICFLOW_OVSDB_LOG_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The first line of every log file: magic, space, format version. */
#define OVSDB_LOG_MAGIC "NICFLOW-OVSDB"
#define OVSDB_LOG_VERSION 1

/* Largest record (JSON bytes) the log writes or believes a header about. */
#define OVSDB_LOG_MAX_RECORD (1u << 30)

struct ovsdb_log;

enum ovsdb_log_mode {
    OVSDB_LOG_READ_ONLY,   /* Read records; no lock, no writes. */
    OVSDB_LOG_READ_WRITE,  /* Existing file, locked, read then append. */
    OVSDB_LOG_CREATE_EXCL, /* New file (fails with EEXIST if it exists),
                            * locked, empty: append the schema first. */
};

/* Opens the log at PATH in MODE.  On success stores the log in *LOGP and
 * returns 0.  On failure returns a positive errno and, if ERRP is nonnull,
 * stores in it a message naming the file and the reason (caller frees):
 *
 *   ENOENT, EACCES, ... from open(2);
 *   EEXIST     CREATE_EXCL and PATH exists;
 *   EBUSY      another process (its pid and name are in the message), or
 *              another log in this process, holds the file open for
 *              writing;
 *   EBADMSG    the file does not start with a valid "NICFLOW-OVSDB 1" line
 *              (an empty file, an Open vSwitch database, a newer format).
 *
 * A created file holds only the file header, made durable along with its
 * directory entry before this returns. */
int ovsdb_log_open(const char *path, enum ovsdb_log_mode,
                   struct ovsdb_log **logp, char **errp);

/* Stops the sync thread, makes durable whatever was appended and not yet
 * synced (logging if that fails), releases the lock and frees LOG.  A
 * replace started and not committed is aborted.  NULL is allowed. */
void ovsdb_log_close(struct ovsdb_log *);

const char *ovsdb_log_get_path(const struct ovsdb_log *);

/* Reading.
 *
 * Reads the next record, in file order from record 0.  Returns:
 *
 *   0          *RECORDP is the record (a JSON object; caller decrefs);
 *   EOF        the file ends cleanly after the last record;
 *   EBADMSG    the next record is damaged: incomplete or malformed header,
 *              length out of range, data shorter than announced, missing
 *              newline, checksum mismatch, invalid JSON or not an object;
 *   other      an I/O error from pread(2).
 *
 * Every failure is sticky: later calls return it again.  On failure
 * *RECORDP is NULL and ovsdb_log_read_error() describes it.  Lengths in the
 * file are never trusted: a record header announcing more than the rest of
 * the file, or more than OVSDB_LOG_MAX_RECORD, is damage, and no allocation
 * exceeds the file's size. */
int ovsdb_log_read(struct ovsdb_log *, json_t **recordp);

/* Where the last record ovsdb_log_read() returned lies, for the tool's
 * show-log. */
struct ovsdb_log_record_info {
    uint64_t index;  /* Record number: 0 is the schema. */
    uint64_t offset; /* Byte offset of its header line in the file. */
    uint64_t length; /* Bytes of JSON text. */
    uint64_t size;   /* Bytes in the file: header line, JSON, newline. */
    uint32_t crc;    /* CRC-32C of the JSON text. */
};
void ovsdb_log_get_last_read(const struct ovsdb_log *,
                             struct ovsdb_log_record_info *);

/* After ovsdb_log_read() failed: a message naming the file, the record
 * number, its offset and what is wrong, e.g. "conf.db: record 7 at offset
 * 5120: checksum mismatch (header says 1a2b3c4d, data has 99aa0012); 2152
 * bytes to end of file".  If intact records follow the damage (so it is not
 * a torn tail), the message counts them.  NULL if reading has not failed. */
const char *ovsdb_log_read_error(const struct ovsdb_log *);

/* After ovsdb_log_read() returned EBADMSG on a writable log: truncates the
 * file at the end of the last intact record, makes that durable and logs a
 * warning saying how many bytes were dropped and why; appending may then
 * begin.  If intact records followed the damaged one (media corruption
 * rather than a torn write), their bytes are first copied, durably, to
 * "PATH.dropped-OFFSET" so they can be recovered by hand, and the message
 * is logged as an error.
 *
 * Returns 0, or: EINVAL if reading did not fail with EBADMSG; EROFS on a
 * read-only log; an errno from saving or truncating (then the file is
 * unchanged or still ends in the same damaged tail; ERRP says which). */
int ovsdb_log_truncate_tail(struct ovsdb_log *, char **errp);

/* Appending.
 *
 * Appends RECORD (a JSON object; the caller keeps its reference) to the
 * in-memory batch and, if SEQNOP is nonnull, stores its sequence number
 * there.  Nothing reaches the file until a commit (below).  Returns 0, or:
 *
 *   EROFS      the log is read-only;
 *   EINVAL     RECORD is not an object, records remain unread, the tail is
 *              damaged and not yet truncated, or jansson could not encode
 *              RECORD;
 *   EFBIG      the encoded record exceeds OVSDB_LOG_MAX_RECORD;
 *   other      the sticky error of an earlier failed write or sync. */
int ovsdb_log_append(struct ovsdb_log *, const json_t *record,
                     uint64_t *seqnop);

/* Blocking commit: returns once every record appended so far is durable
 * (0) or the write/sync failed (the sticky errno).  Without a sync thread
 * the caller's thread writes and syncs; with one, it waits for it.
 * EBUSY while a two-phase replace is in progress. */
int ovsdb_log_commit_block(struct ovsdb_log *);

/* Non-blocking commit: asks the sync thread (started here on first use) to
 * make every record appended so far durable, and returns.  Returns 0, the
 * sticky error, or an errno from starting the thread. */
int ovsdb_log_request_sync(struct ovsdb_log *);

/* The highest seqno known durable (0: none yet).  Every record with a
 * smaller or equal seqno is durable.  Thread-safe. */
uint64_t ovsdb_log_durable_seqno(const struct ovsdb_log *);

/* The seqno of the last append (0: none yet). */
uint64_t ovsdb_log_last_seqno(const struct ovsdb_log *);

/* The sticky write/sync error, or 0. */
int ovsdb_log_get_error(const struct ovsdb_log *);

/* An eventfd that becomes readable whenever the durable seqno advances or a
 * sticky error occurs, for the server's event loop; -1 for a read-only
 * log.  Level-triggered: call ovsdb_log_sync_fd_drain() when it fires,
 * then ovsdb_log_durable_seqno(). */
int ovsdb_log_sync_fd(const struct ovsdb_log *);
void ovsdb_log_sync_fd_drain(struct ovsdb_log *);

/* Compaction.
 *
 * Replaces the file by a new one holding the file header, SCHEMA and
 * SNAPSHOT (both JSON objects), which must describe the database after
 * every record appended so far.  The new file is written as "PATH.tmp",
 * fsynced, locked, renamed over PATH and the directory fsynced; appends
 * continue in the new file.  Every seqno appended before the call is
 * durable when it returns 0.  On failure the old file is untouched and
 * still in use, appended records are kept, and ERRP says what failed.
 * Blocks the caller for the whole rewrite.  Errors: EINVAL (not yet at the
 * end of the records, not objects), EROFS, the sticky error, or an errno
 * from writing, syncing or renaming.  A failure to fsync the directory
 * after the rename becomes the sticky error.
 *
 * The two-phase form lets a caller (or a test) do the slow part first:
 * ovsdb_log_replace_start() writes and syncs "PATH.tmp" and pauses the sync
 * thread; ovsdb_log_replace_commit() renames and switches; abort removes
 * the temporary file.  Records appended in between go to the new file.
 * A crash in between leaves the old file intact (and a stale "PATH.tmp"
 * that the next replace overwrites). */
int ovsdb_log_replace(struct ovsdb_log *, const json_t *schema,
                      const json_t *snapshot, char **errp);
int ovsdb_log_replace_start(struct ovsdb_log *, const json_t *schema,
                            const json_t *snapshot, char **errp);
int ovsdb_log_replace_commit(struct ovsdb_log *, char **errp);
void ovsdb_log_replace_abort(struct ovsdb_log *);

/* For "compact when grown" policies: the bytes the file holds once every
 * append so far is written, and the records it then holds (read, appended,
 * or 2 right after a replace). */
uint64_t ovsdb_log_get_size(const struct ovsdb_log *);
uint64_t ovsdb_log_get_n_records(const struct ovsdb_log *);

/* Counters since open, for memory/show and tests. */
struct ovsdb_log_stats {
    uint64_t n_appends;        /* Records appended. */
    uint64_t n_syncs;          /* Completed write + fdatasync batches. */
    uint64_t n_synced_records; /* Records those batches covered. */
    uint64_t n_synced_bytes;   /* Bytes those batches wrote. */
    uint64_t max_batch;        /* Most records one batch covered. */
    uint64_t n_replaces;       /* Completed replaces. */
};
void ovsdb_log_get_stats(const struct ovsdb_log *, struct ovsdb_log_stats *);

#endif /* NICFLOW_OVSDB_LOG_H */
