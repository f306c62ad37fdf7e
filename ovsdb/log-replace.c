/* log-replace.c: replacing a database file by a snapshot of its
 * contents (compaction): the snapshot is written to a temporary file
 * beside it, synced, and renamed over it, while appends go on. */
#include "ovsdb/log-private.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/coverage.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(ovsdb_log_replace);

COVERAGE_DEFINE(ovsdb_log_replace);

/* Compaction. */

int
ovsdb_log_replace_start(struct ovsdb_log *log, const json_t *schema,
                        const json_t *snapshot, char **errp)
{
    struct buf content = BUF_INITIALIZER;
    struct stat st;
    int error;

    if (errp) {
        *errp = NULL;
    }
    if (log->mode == OVSDB_LOG_READ_ONLY) {
        ovsdb_log_set_error(errp, "%s: cannot replace a log opened read-only",
                            log->path);
        return EROFS;
    }
    if (log->state != LOG_AT_END || log->tmp_path) {
        ovsdb_log_set_error(errp, "%s: cannot replace %s", log->path,
                            log->tmp_path
                                ? "while a replace is in progress"
                                : "before every record has been read");
        return EINVAL;
    }
    buf_put(&content, FILE_HEADER, FILE_HEADER_LEN);
    error = ovsdb_log_frame_record(&content, schema);
    if (!error) {
        error = ovsdb_log_frame_record(&content, snapshot);
    }
    if (error) {
        ovsdb_log_set_error(errp, "%s: cannot replace: %s", log->path,
                            error == EFBIG
                                ? "a record is too large"
                                : "schema and snapshot must be JSON objects");
        goto free_content;
    }

    /* Pause the sync thread: from here to the commit, pending holds every
     * record the snapshot covers, and then those appended later. */
    pthread_mutex_lock(&log->mutex);
    while (log->syncing) {
        pthread_cond_wait(&log->done, &log->mutex);
    }
    error = log->error;
    if (!error) {
        log->replacing = true;
        log->snap_seqno = log->last_seqno;
        log->snap_pending_len = log->pending.len;
        log->snap_pending_n = log->pending_n;
    }
    pthread_mutex_unlock(&log->mutex);
    if (error) {
        ovsdb_log_set_error(errp, "%s: cannot replace after a write error: %s",
                            log->path, nf_strerror(error));
        goto free_content;
    }

    log->tmp_path = xasprintf("%s.tmp", log->real_path);
    if (fstat(log->fd, &st) < 0) {
        st.st_mode = 0640;
    }
    log->tmp_fd = open(log->tmp_path,
                       O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                       st.st_mode & 0777);
    if (log->tmp_fd < 0) {
        error = errno;
        ovsdb_log_set_error(errp, "%s: cannot create %s: %s", log->path,
                            log->tmp_path, nf_strerror(error));
        goto abort;
    }
    error = ovsdb_log_lock_fd(log->tmp_fd);
    if (error) {
        ovsdb_log_set_error(errp, "%s: cannot lock %s: %s", log->path,
                            log->tmp_path, nf_strerror(error));
        goto abort;
    }
    error = ovsdb_log_write_at(log->tmp_fd, content.data, content.len, 0);
    if (!error && fsync(log->tmp_fd) < 0) {
        error = errno;
    }
    if (error) {
        ovsdb_log_set_error(errp, "%s: writing %s failed: %s", log->path,
                            log->tmp_path, nf_strerror(error));
        goto abort;
    }
    log->tmp_size = content.len;
    buf_destroy(&content);
    return 0;

abort:
    ovsdb_log_replace_abort(log);
free_content:
    buf_destroy(&content);
    return error;
}

void
ovsdb_log_replace_abort(struct ovsdb_log *log)
{
    if (!log->tmp_path) {
        return;
    }
    if (log->tmp_fd >= 0) {
        close(log->tmp_fd);
        log->tmp_fd = -1;
        unlink(log->tmp_path);
    }
    free(log->tmp_path);
    log->tmp_path = NULL;
    pthread_mutex_lock(&log->mutex);
    log->replacing = false;
    pthread_cond_signal(&log->wake);
    pthread_mutex_unlock(&log->mutex);
}

int
ovsdb_log_replace_commit(struct ovsdb_log *log, char **errp)
{
    uint64_t n_after;
    struct stat st;
    int old_fd;
    int error;

    if (errp) {
        *errp = NULL;
    }
    if (!log->tmp_path || log->tmp_fd < 0) {
        ovsdb_log_set_error(errp, "%s: no replace in progress", log->path);
        return EINVAL;
    }
    if (rename(log->tmp_path, log->real_path) < 0) {
        error = errno;
        ovsdb_log_set_error(errp, "%s: renaming %s over it failed: %s",
                            log->path, log->tmp_path, nf_strerror(error));
        ovsdb_log_replace_abort(log);
        return error;
    }
    /* Until the directory is synced, a crash could bring the old file
     * back, which lacks the records the snapshot absorbed: only then may
     * they count as durable. */
    error = ovsdb_log_fsync_parent_dir(log->real_path);

    pthread_mutex_lock(&log->mutex);
    old_fd = log->fd;
    log->fd = log->tmp_fd;
    if (log->snap_pending_len) {
        buf_pull(&log->pending, log->snap_pending_len);
    }
    n_after = log->pending_n - log->snap_pending_n;
    log->pending_n = n_after;
    log->write_off = log->tmp_size;
    if (error) {
        log->error = error;
    } else if (log->snap_seqno > atomic_load(&log->durable_seqno)) {
        atomic_store(&log->durable_seqno, log->snap_seqno);
    }
    log->size = log->tmp_size + log->pending.len;
    log->replacing = false;
    log->stats.n_replaces++;
    pthread_cond_broadcast(&log->done);
    pthread_cond_signal(&log->wake);
    pthread_mutex_unlock(&log->mutex);

    log->tmp_fd = -1;
    free(log->tmp_path);
    log->tmp_path = NULL;
    log->n_records = 2 + n_after;
    log->pid_lock_owner = getpid();
    if (!fstat(log->fd, &st)) {
        ovsdb_log_writers_update(log, &st);
    }
    /* Closing the old file releases its locks; the new one was locked
     * before the rename, so no other writer could slip in between. */
    close(old_fd);
    ovsdb_log_notify(log);
    COVERAGE_INC(ovsdb_log_replace);

    if (error) {
        ovsdb_log_set_error(
            errp, "%s: fsync of the directory after replacing failed: %s",
            log->path, nf_strerror(error));
        VLOG_ERR("%s: fsync of the directory after replacing failed (%s); "
                 "the database can no longer be updated",
                 log->path, nf_strerror(error));
        return error;
    }
    VLOG_INFO("%s: replaced by a snapshot (%" PRIu64 " bytes)", log->path,
              log->tmp_size);
    return 0;
}

int
ovsdb_log_replace(struct ovsdb_log *log, const json_t *schema,
                  const json_t *snapshot, char **errp)
{
    int error = ovsdb_log_replace_start(log, schema, snapshot, errp);
    return error ? error : ovsdb_log_replace_commit(log, errp);
}
