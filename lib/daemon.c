/* daemon.c: directories, common options, pidfile, detach, signals. */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evloop.h"
#include "vlog.h"

VLOG_DEFINE_THIS_MODULE(daemon);

static char *pidfile; /* --pidfile path, or NULL. */
static bool overwrite_pidfile;
static int pidfile_fd = -1;
static bool detach;
static bool chdir_root = true;
static bool log_file_wanted;
static char *log_file; /* --log-file=FILE, or NULL default. */
static char *unixctl_path;
static int ready_fd = -1; /* Write end of the --detach pipe. */
static int signalfd_fd = -1;
static int stop_signal;

static const char *
env_dir(const char *var, const char *dflt)
{
    const char *v = getenv(var);
    return v && *v ? v : dflt;
}

const char *
daemon_rundir(void)
{
    return env_dir("NICFLOW_RUNDIR", "/var/run/nicflow");
}

const char *
daemon_dbdir(void)
{
    return env_dir("NICFLOW_DBDIR", "/etc/nicflow");
}

const char *
daemon_logdir(void)
{
    return env_dir("NICFLOW_LOGDIR", "/var/log/nicflow");
}

int
daemon_mkdirs(const char *dir)
{
    char *copy = xstrdup(dir);
    int error = 0;
    for (char *p = copy + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = '\0';
            if (mkdir(copy, 0755) < 0 && errno != EEXIST) {
                error = errno;
                break;
            }
            *p = c;
            if (!c) {
                break;
            }
        }
    }
    free(copy);
    return error;
}

bool
daemon_handle_option(int c, const char *arg)
{
    char *err;
    switch (c) {
    case DAEMON_OPT_PIDFILE:
        free(pidfile);
        pidfile =
            arg ? xstrdup(arg)
                : xasprintf("%s/%s.pid", daemon_rundir(), nf_program_name);
        return true;
    case DAEMON_OPT_OVERWRITE_PIDFILE:
        overwrite_pidfile = true;
        return true;
    case DAEMON_OPT_DETACH:
        detach = true;
        return true;
    case DAEMON_OPT_NO_CHDIR:
        chdir_root = false;
        return true;
    case DAEMON_OPT_MONITOR:
        /* Restart-on-crash supervision is left to the service manager
         * (systemd's Restart=); accepted so existing command lines work. */
        VLOG_INFO("--monitor accepted; use the service manager to restart "
                  "on crashes");
        return true;
    case DAEMON_OPT_LOG_FILE:
        log_file_wanted = true;
        free(log_file);
        log_file = arg ? xstrdup(arg) : NULL;
        return true;
    case DAEMON_OPT_UNIXCTL:
        free(unixctl_path);
        unixctl_path = xstrdup(arg);
        return true;
    case 'v':
        if (vlog_set_levels_from_string(arg ? arg : "dbg", &err)) {
            nf_fatal(0, "-v: %s", err);
        }
        return true;
    default:
        return false;
    }
}

void
daemon_usage(void)
{
    printf("\nDaemon options:\n"
           "  --detach                run in background as daemon\n"
           "  --no-chdir              do not chdir to '/'\n"
           "  --pidfile[=FILE]        create pidfile (default: %s/%s.pid)\n"
           "  --overwrite-pidfile     with --pidfile, start even if already "
           "running\n"
           "\nLogging options:\n"
           "  -vSPEC, --verbose=SPEC  set logging levels "
           "(module:destination:level)\n"
           "  -v, --verbose           set maximum verbosity level\n"
           "  --log-file[=FILE]       enable logging to specified FILE\n"
           "                          (default: %s/%s.log)\n"
           "\nOther options:\n"
           "  --unixctl=SOCKET        override default control socket name\n"
           "  -h, --help              display this help message\n"
           "  -V, --version           display version information\n",
           daemon_rundir(), nf_program_name, daemon_logdir(), nf_program_name);
}

const char *
daemon_unixctl_path(void)
{
    return unixctl_path;
}

void
daemon_remove_pidfile(void)
{
    if (pidfile && pidfile_fd >= 0) {
        unlink(pidfile);
        close(pidfile_fd);
        pidfile_fd = -1;
    }
}

/* Creates the pidfile and keeps a write lock on it for the process's life,
 * so a second instance can tell a live owner from a stale file left by a
 * crash. */
static void
make_pidfile(void)
{
    char *dir = xstrdup(pidfile);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        daemon_mkdirs(dir);
    }
    free(dir);

    int fd = open(pidfile, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        nf_fatal(errno, "%s: could not open pidfile", pidfile);
    }
    struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    if (fcntl(fd, F_SETLK, &lk) < 0) {
        int error = errno;
        if ((error == EAGAIN || error == EACCES) && !overwrite_pidfile) {
            fcntl(fd, F_GETLK, &lk);
            nf_fatal(0,
                     "%s: already running as pid %ld (pidfile locked); "
                     "stop it first or use --overwrite-pidfile",
                     pidfile, (long) lk.l_pid);
        } else if (error != EAGAIN && error != EACCES) {
            nf_fatal(error, "%s: could not lock pidfile", pidfile);
        }
    }
    char text[32];
    int len = snprintf(text, sizeof text, "%ld\n", (long) getpid());
    if (ftruncate(fd, 0) < 0 || write(fd, text, (size_t) len) != len) {
        nf_fatal(errno, "%s: could not write pidfile", pidfile);
    }
    pidfile_fd = fd;
    atexit(daemon_remove_pidfile);
}

/* Forks; the parent waits for the child's readiness byte and exits. */
static void
fork_and_wait(void)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        nf_fatal(errno, "pipe failed");
    }
    pid_t pid = fork();
    if (pid < 0) {
        nf_fatal(errno, "fork failed");
    } else if (pid > 0) {
        close(fds[1]);
        char c;
        ssize_t n;
        do {
            n = read(fds[0], &c, 1);
        } while (n < 0 && errno == EINTR);
        if (n == 1) {
            _exit(0);
        }
        int status;
        if (waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
            _exit(WEXITSTATUS(status) ? WEXITSTATUS(status) : 1);
        }
        fprintf(stderr, "%s: child process died before it was ready\n",
                nf_program_name);
        _exit(1);
    }
    close(fds[0]);
    ready_fd = fds[1];
    setsid();
}

void
daemon_start(void)
{
    if (detach) {
        fork_and_wait();
    }
    if (log_file_wanted) {
        if (!log_file) {
            daemon_mkdirs(daemon_logdir());
        }
        if (vlog_set_log_file(log_file)) {
            exit(1);
        }
    }
    if (pidfile) {
        make_pidfile();
    }
    if (detach && chdir_root && chdir("/") < 0) {
        VLOG_WARN("chdir to / failed: %s", nf_strerror(errno));
    }
}

void
daemon_ready(void)
{
    if (ready_fd < 0) {
        return;
    }
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        if (null > STDERR_FILENO) {
            close(null);
        }
    }
    /* A detached daemon has no console: keep its messages in the log file
     * (and syslog) only. */
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_OFF);
    char c = 0;
    if (write(ready_fd, &c, 1) < 0) {
        VLOG_WARN("could not notify parent: %s", nf_strerror(errno));
    }
    close(ready_fd);
    ready_fd = -1;
}

static void
signal_cb(int fd, uint32_t events, void *aux)
{
    struct evloop *loop = aux;
    struct signalfd_siginfo si;

    while (read(fd, &si, sizeof si) == (ssize_t) sizeof si) {
        if (si.ssi_signo == SIGHUP) {
            VLOG_INFO("SIGHUP: reopening log file");
            vlog_reopen_log_file();
        } else {
            VLOG_INFO("%s: stopping", strsignal((int) si.ssi_signo));
            stop_signal = (int) si.ssi_signo;
            evloop_stop(loop);
        }
    }
}

void
daemon_watch_signals(struct evloop *loop)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
        nf_fatal(errno, "sigprocmask failed");
    }
    signal(SIGPIPE, SIG_IGN);
    signalfd_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (signalfd_fd < 0) {
        nf_fatal(errno, "signalfd failed");
    }
    evloop_add_fd(loop, signalfd_fd, EPOLLIN, signal_cb, loop);
}

int
daemon_stop_signal(void)
{
    return stop_signal;
}
