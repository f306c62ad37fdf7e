/* log-lock.c: the locks that keep a second writer away from a database
 * file (see PID_LOCK_START in log-private.h for why there are two). */
#include "ovsdb/log-private.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writable logs open in this process, to name the holder when an open in
 * this same process loses the lock. */
static pthread_mutex_t writers_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct ovsdb_log *writers;

/* Locking. */

int
ovsdb_log_lock_fd(int fd)
{
    struct flock ofd = {
        .l_type = F_WRLCK,
        .l_whence = SEEK_SET,
        .l_start = 0,
        .l_len = PID_LOCK_START,
    };
    struct flock pid = {
        .l_type = F_WRLCK,
        .l_whence = SEEK_SET,
        .l_start = PID_LOCK_START,
        .l_len = 1,
    };

    if (fcntl(fd, F_OFD_SETLK, &ofd) < 0) {
        return errno == EACCES ? EAGAIN : errno;
    }
    if (fcntl(fd, F_SETLK, &pid) < 0) {
        return errno == EACCES ? EAGAIN : errno;
    }
    return 0;
}

static bool
held_by_this_process(dev_t dev, ino_t ino)
{
    bool found = false;

    pthread_mutex_lock(&writers_mutex);
    for (const struct ovsdb_log *w = writers; w; w = w->next_writer) {
        if (w->dev == dev && w->ino == ino) {
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&writers_mutex);
    return found;
}

/* Closing any descriptor of a file drops every classic POSIX lock the
 * process holds on it, including the pid lock of a log writing that file
 * in this process; so closing a reader's descriptor (or a failed open's)
 * takes the pid lock again for such a writer.  The OFD lock that excludes
 * other writers is never affected. */
void
ovsdb_log_close_and_relock(int fd)
{
    struct stat st;
    bool known = !fstat(fd, &st);

    close(fd);
    if (!known) {
        return;
    }
    pthread_mutex_lock(&writers_mutex);
    for (const struct ovsdb_log *w = writers; w; w = w->next_writer) {
        if (w->dev == st.st_dev && w->ino == st.st_ino && w->fd >= 0) {
            struct flock pid = {
                .l_type = F_WRLCK,
                .l_whence = SEEK_SET,
                .l_start = PID_LOCK_START,
                .l_len = 1,
            };
            if (fcntl(w->fd, F_SETLK, &pid) < 0) {
                /* Only the pid in a loser's message is lost. */
            }
        }
    }
    pthread_mutex_unlock(&writers_mutex);
}

/* Names whoever holds the write lock on FD's file (caller frees). */
static char *
describe_holder(int fd)
{
    struct flock fl = {
        .l_type = F_WRLCK,
        .l_whence = SEEK_SET,
        .l_start = PID_LOCK_START,
        .l_len = 1,
    };
    struct stat st;

    if (!fcntl(fd, F_GETLK, &fl) && fl.l_type != F_UNLCK && fl.l_pid > 0) {
        char *comm_path = xasprintf("/proc/%ld/comm", (long) fl.l_pid);
        char comm[64] = "";
        FILE *f = fopen(comm_path, "re");
        char *s;

        if (f) {
            if (fgets(comm, sizeof comm, f)) {
                comm[strcspn(comm, "\n")] = '\0';
            }
            fclose(f);
        }
        free(comm_path);
        ovsdb_log_sanitize(comm);
        s = comm[0] ? xasprintf("pid %ld (%s)", (long) fl.l_pid, comm)
                    : xasprintf("pid %ld", (long) fl.l_pid);
        return s;
    }
    if (!fstat(fd, &st) && held_by_this_process(st.st_dev, st.st_ino)) {
        return xasprintf("another open log in this process (pid %ld)",
                         (long) getpid());
    }
    return xstrdup("a process whose pid is unknown");
}

/* Classic POSIX locks are not inherited by fork(), unlike the OFD lock: a
 * log opened before a daemon detaches keeps other writers out but would no
 * longer name its holder.  Commits call this to take the pid lock again in
 * the new process (it fails, harmlessly, while the parent still runs). */
void
ovsdb_log_refresh_pid_lock(struct ovsdb_log *log)
{
    pid_t self = getpid();

    if (log->pid_lock_owner != self) {
        struct flock pid = {
            .l_type = F_WRLCK,
            .l_whence = SEEK_SET,
            .l_start = PID_LOCK_START,
            .l_len = 1,
        };
        if (!fcntl(log->fd, F_SETLK, &pid)) {
            log->pid_lock_owner = self;
        }
    }
}

/* Opens PATH read-write (FLAGS may add O_CREAT | O_EXCL) and locks it.
 * The file might be replaced (renamed over) between open() and the lock by
 * the writer that held it; then the descriptor names a dead file, so the
 * open is retried until the locked file is the one PATH names. */
int
ovsdb_log_open_locked(const char *path, int flags, int *fdp, char **errp)
{
    *fdp = -1;
    for (int attempt = 0;; attempt++) {
        struct stat fst, pst;
        int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | flags, 0640);
        int error;

        if (fd < 0) {
            error = errno;
            ovsdb_log_set_error(errp, "%s: cannot %s: %s", path,
                                flags & O_CREAT ? "create"
                                                : "open for writing",
                                nf_strerror(error));
            return error;
        }
        error = ovsdb_log_lock_fd(fd);
        if (error == EAGAIN) {
            char *who = describe_holder(fd);
            ovsdb_log_set_error(
                errp,
                "%s: database is locked for writing by %s; stop it "
                "first or open the database read-only",
                path, who);
            free(who);
            ovsdb_log_close_and_relock(fd);
            return EBUSY;
        } else if (error) {
            ovsdb_log_set_error(errp, "%s: cannot lock: %s", path,
                                nf_strerror(error));
            ovsdb_log_close_and_relock(fd);
            return error;
        }
        if (fstat(fd, &fst) < 0) {
            error = errno;
            ovsdb_log_set_error(errp, "%s: fstat failed: %s", path,
                                nf_strerror(error));
            ovsdb_log_close_and_relock(fd);
            return error;
        }
        if (!stat(path, &pst) && pst.st_dev == fst.st_dev
            && pst.st_ino == fst.st_ino) {
            *fdp = fd;
            return 0;
        }
        ovsdb_log_close_and_relock(fd);
        if (attempt >= 100 || flags & O_EXCL) {
            ovsdb_log_set_error(
                errp, "%s: file keeps being replaced while opening", path);
            return EBUSY;
        }
    }
}

void
ovsdb_log_writers_add(struct ovsdb_log *log)
{
    pthread_mutex_lock(&writers_mutex);
    log->next_writer = writers;
    writers = log;
    pthread_mutex_unlock(&writers_mutex);
}

void
ovsdb_log_writers_remove(struct ovsdb_log *log)
{
    pthread_mutex_lock(&writers_mutex);
    for (struct ovsdb_log **p = &writers; *p; p = &(*p)->next_writer) {
        if (*p == log) {
            *p = log->next_writer;
            break;
        }
    }
    pthread_mutex_unlock(&writers_mutex);
}

void
ovsdb_log_writers_update(struct ovsdb_log *log, const struct stat *st)
{
    pthread_mutex_lock(&writers_mutex);
    log->dev = st->st_dev;
    log->ino = st->st_ino;
    pthread_mutex_unlock(&writers_mutex);
}
