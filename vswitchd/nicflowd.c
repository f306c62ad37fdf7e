/* nicflowd: the nicflow switch daemon.
 *
 * This file holds the daemon frame: option parsing, daemonizing, the event
 * loop, the control socket and orderly shutdown.  The switch itself
 * (bridges from the database, the OpenFlow pipeline, the datapath) is
 * attached to this frame by the modules that implement it: for now the
 * datapaths (datapaths.c), with their "dpctl/..." commands. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/daemon.h"
#include "lib/evloop.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "vswitchd/datapaths.h"

VLOG_DEFINE_THIS_MODULE(nicflowd);

static void NF_NORETURN
usage(void)
{
    printf("%s: nicflow switch daemon\n"
           "usage: %s [OPTIONS]\n",
           nf_program_name, nf_program_name);
    daemon_usage();
    exit(0);
}

static void
parse_options(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        DAEMON_LONG_OPTIONS,
        { NULL, 0, NULL, 0 },
    };

    for (;;) {
        int c = getopt_long(argc, argv, "hV" DAEMON_SHORT_OPTIONS,
                            long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case 'h':
            usage();
        case 'V':
            printf("%s (nicflow) %s\n", nf_program_name, nf_version());
            exit(0);
        case '?':
            fprintf(stderr, "Try '%s --help' for more information.\n",
                    nf_program_name);
            exit(1);
        default:
            if (!daemon_handle_option(c, optarg)) {
                nf_abort("unhandled option code %d", c);
            }
        }
    }
    if (optind < argc) {
        nf_fatal(0, "unexpected argument \"%s\" (try --help)", argv[optind]);
    }
}

static void
exit_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *loop)
{
    VLOG_INFO("exiting on request of the control socket");
    unixctl_command_reply(conn, NULL);
    evloop_stop(loop);
}

static void
coverage_timer_cb(void *aux)
{
    coverage_run();
}

int
main(int argc, char *argv[])
{
    struct unixctl_server *server;
    struct evloop *loop;
    int error;

    nf_set_program_name(argv[0]);
    parse_options(argc, argv);
    daemon_start();

    loop = evloop_create();
    daemon_watch_signals(loop);
    error = unixctl_server_create(loop, daemon_unixctl_path(), &server);
    if (error) {
        nf_fatal(error, "could not start the control socket");
    }
    unixctl_command_register("exit", "[--cleanup]", 0, 1, exit_cb, loop);
    coverage_run();
    evloop_add_timer(loop, 5000, 5000, coverage_timer_cb, NULL);
    datapaths_init();

    VLOG_INFO("%s %s started; control socket %s", nf_program_name,
              nf_version(), unixctl_server_get_path(server));
    daemon_ready();
    evloop_run(loop);

    datapaths_destroy();
    unixctl_server_destroy(server);
    evloop_destroy(loop);
    VLOG_INFO("%s stopped", nf_program_name);
    return 0;
}
