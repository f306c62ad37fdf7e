/* daemon.h: what every nicflow daemon shares — directories, the common
 * command-line options, pidfile, detaching, and clean shutdown on signals.
 *
 * Typical main():
 *
 *     nf_set_program_name(argv[0]);
 *     ... getopt_long() with DAEMON_LONG_OPTIONS in the table, passing
 *         unknown codes to daemon_handle_option() ...
 *     daemon_start();              detach (parent waits), pidfile, log file
 *     loop = evloop_create();
 *     daemon_watch_signals(loop);  SIGTERM/SIGINT stop the loop
 *     unixctl_server_create(loop, NULL, &server);
 *     daemon_ready();              the detached parent exits 0 now
 *     evloop_run(loop);
 *     ... cleanup; daemon_exit() ...
 */
#ifndef NICFLOW_DAEMON_H
#define NICFLOW_DAEMON_H 1

#include <getopt.h>
#include <stdbool.h>

#include "util.h"

struct evloop;

/* Directories from NICFLOW_RUNDIR, NICFLOW_DBDIR, NICFLOW_LOGDIR, with the
 * defaults /var/run/nicflow, /etc/nicflow, /var/log/nicflow. */
const char *daemon_rundir(void);
const char *daemon_dbdir(void);
const char *daemon_logdir(void);

/* Creates DIR (and missing parents) with mode 0755.  0 or positive errno. */
int daemon_mkdirs(const char *dir);

enum {
    DAEMON_OPT_PIDFILE = 0x1000,
    DAEMON_OPT_DETACH,
    DAEMON_OPT_NO_CHDIR,
    DAEMON_OPT_LOG_FILE,
    DAEMON_OPT_UNIXCTL,
    DAEMON_OPT_VERBOSE,
    DAEMON_OPT_OVERWRITE_PIDFILE,
    DAEMON_OPT_MONITOR,
};

/* The options every daemon accepts, with Open vSwitch's names:
 * --pidfile[=FILE], --overwrite-pidfile, --detach, --no-chdir, --monitor,
 * --log-file[=FILE], --unixctl=PATH, -v/--verbose[=SPEC]. */
#define DAEMON_LONG_OPTIONS                                           \
    { "pidfile", optional_argument, NULL, DAEMON_OPT_PIDFILE },       \
        { "overwrite-pidfile", no_argument, NULL,                     \
          DAEMON_OPT_OVERWRITE_PIDFILE },                             \
        { "detach", no_argument, NULL, DAEMON_OPT_DETACH },           \
        { "no-chdir", no_argument, NULL, DAEMON_OPT_NO_CHDIR },       \
        { "monitor", no_argument, NULL, DAEMON_OPT_MONITOR },         \
        { "log-file", optional_argument, NULL, DAEMON_OPT_LOG_FILE }, \
        { "unixctl", required_argument, NULL, DAEMON_OPT_UNIXCTL },   \
    {                                                                 \
        "verbose", optional_argument, NULL, 'v'                       \
    }
#define DAEMON_SHORT_OPTIONS "v::"

/* Handles option code C (from getopt_long) with ARG if it is one of the
 * daemon options above and returns true; returns false otherwise.  Exits
 * with a message on a bad argument (e.g. an unknown -v word). */
bool daemon_handle_option(int c, const char *arg);

/* Prints the daemon options' help text. */
void daemon_usage(void);

/* The --unixctl path, or NULL for the default. */
const char *daemon_unixctl_path(void);

/* Applies the options: with --detach, forks (the parent waits for
 * daemon_ready() in the child, then exits with 0, or with 1 if the child
 * died first); opens the log file; creates the pidfile, failing if another
 * live process holds it.  Exits with a message on failure. */
void daemon_start(void);

/* Tells a waiting parent (--detach) that the daemon is ready to serve, and
 * detaches stdio from the terminal.  Harmless without --detach. */
void daemon_ready(void);

/* Makes SIGTERM, SIGINT stop LOOP and SIGHUP reopen the log file, through a
 * signalfd the loop watches.  SIGPIPE is ignored. */
void daemon_watch_signals(struct evloop *loop);

/* The signal that stopped the loop (0 if none). */
int daemon_stop_signal(void);

/* Removes the pidfile.  Called automatically at exit. */
void daemon_remove_pidfile(void);

#endif
