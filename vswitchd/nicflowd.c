/* nicflowd: the nicflow switch daemon.
 *
 * This file holds the daemon frame: option parsing, daemonizing, the event
 * loop, the control socket and orderly shutdown.  The switch itself
 * (bridges from the database, the OpenFlow pipeline, the datapath) is
 * attached to this frame by the modules that implement it: the datapaths
 * (datapaths.c), with their "dpctl/..." commands, and the bridges
 * reconciled from the database (bridge.c).
 *
 * As ovs-vswitchd, nicflowd takes the database to connect to as its only
 * non-option argument (default unix:$NICFLOW_RUNDIR/db.sock). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/daemon.h"
#include "lib/evloop.h"
#include "lib/stream.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "offload/hal.h"
#include "offload/offload.h"
#include "tc-flower/tcf-provider.h"

#include "config.h" /* HAVE_DPDK */
#ifdef HAVE_DPDK
#include "rteflow/rtf-provider.h"
#include "softpath/dpif-netdev.h"
#include "softpath/dpif.h"
#endif
#include "vswitchd/biglock.h"
#include "vswitchd/bridge.h"
#include "vswitchd/datapaths.h"
#include "vswitchd/tnl-neigh.h"
#include "vswitchd/tnl-port.h"
#include "vswitchd/tnl-route.h"
#include "vswitchd/upcall.h"

VLOG_DEFINE_THIS_MODULE(nicflowd);

/* The steps in which malloc grows its heaps (nf_malloc_grow_in_steps()):
 * 20,000 flows' ukeys take about 8 MB. */
#define NICFLOWD_HEAP_STEP (16u << 20)

/* The database (the non-option argument), or NULL for the default. */
static const char *db_remote;

static void NF_NORETURN
usage(void)
{
    printf("%s: nicflow switch daemon\n"
           "usage: %s [OPTIONS] [DATABASE]\n"
           "where DATABASE is a socket on which ovsdb-server or nicflow-dbd "
           "is listening:\n"
           "  unix:PATH, tcp:IP[:PORT] or ssl:IP[:PORT] "
           "(default: unix:%s/db.sock)\n"
           "\nSSL options (for an ssl: DATABASE):\n"
           "  -p, --private-key=FILE  file with private key\n"
           "  -c, --certificate=FILE  file with certificate for private key\n"
           "  -C, --ca-cert=FILE      file with peer CA certificate\n"
           "  --bootstrap-ca-cert=FILE  file with peer CA certificate to "
           "read or create\n",
           nf_program_name, nf_program_name, daemon_rundir());
    daemon_usage();
    exit(0);
}

enum {
    OPT_BOOTSTRAP_CA_CERT = 0x2000,
};

static void
parse_options(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { "private-key", required_argument, NULL, 'p' },
        { "certificate", required_argument, NULL, 'c' },
        { "ca-cert", required_argument, NULL, 'C' },
        { "bootstrap-ca-cert", required_argument, NULL,
          OPT_BOOTSTRAP_CA_CERT },
        DAEMON_LONG_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    const char *private_key = NULL, *certificate = NULL;

    for (;;) {
        int c = getopt_long(argc, argv, "hVp:c:C:" DAEMON_SHORT_OPTIONS,
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
        case 'p':
            private_key = optarg;
            break;
        case 'c':
            certificate = optarg;
            break;
        case 'C':
        case OPT_BOOTSTRAP_CA_CERT: {
            int error = stream_ssl_set_ca_cert_file(
                optarg, c == OPT_BOOTSTRAP_CA_CERT);
            if (error) {
                nf_fatal(error, "%s: cannot use as CA certificate", optarg);
            }
            break;
        }
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
    if ((private_key != NULL) != (certificate != NULL)) {
        nf_fatal(0, "--private-key and --certificate go together");
    }
    if (private_key) {
        int error = stream_ssl_set_key_and_cert(private_key, certificate);
        if (error) {
            nf_fatal(error, "cannot use SSL key %s and certificate %s",
                     private_key, certificate);
        }
    }
    if (optind < argc) {
        db_remote = argv[optind++];
    }
    if (optind < argc) {
        nf_fatal(0, "unexpected argument \"%s\" (try --help)", argv[optind]);
    }
}

/* "exit --cleanup": hardware rules are removed too (a plain exit leaves
 * them, so that offloaded traffic keeps flowing across a restart). */
static bool exit_cleanup;

static void
exit_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *loop)
{
    if (argc > 1) {
        if (strcmp(argv[1], "--cleanup")) {
            unixctl_command_reply_error(conn, "exit: unknown option (the "
                                              "only one is --cleanup)\n");
            return;
        }
        exit_cleanup = true;
    }
    VLOG_INFO("exiting on request of the control socket");
    unixctl_command_reply(conn, NULL);
    evloop_stop(loop);
}

static void
coverage_timer_cb(void *aux)
{
    coverage_run();
}

#ifdef HAVE_DPDK
/* Partial offload: the userspace datapath finds a marked packet's flow
 * through the rteflow provider, which put the mark on the rule. */
static bool
resolve_rteflow_mark(uint32_t mark, struct dpif_ufid *ufid)
{
    struct offload_ufid u;

    if (!rtf_mark_to_ufid(mark, &u)) {
        return false;
    }
    _Static_assert(sizeof u == sizeof *ufid, "ufid sizes");
    memcpy(ufid, &u, sizeof *ufid);
    return true;
}
#endif

int
main(int argc, char *argv[])
{
    struct unixctl_server *server;
    struct evloop *loop;
    int error;

    /* Flow setup allocates in bursts, on the handler threads: see
     * util.h. */
    nf_malloc_grow_in_steps(NICFLOWD_HEAP_STEP);
    nf_set_program_name(argv[0]);
    parse_options(argc, argv);
    daemon_start();

    /* The main thread holds the daemon lock except while its loop waits
     * (vswitchd/biglock.h). */
    biglock_lock();
    loop = evloop_create();
    evloop_set_wait_hooks(loop, biglock_before_wait, biglock_after_wait, NULL);
    daemon_watch_signals(loop);
    error = unixctl_server_create(loop, daemon_unixctl_path(), &server);
    if (error) {
        nf_fatal(error, "could not start the control socket");
    }
    unixctl_command_register("exit", "[--cleanup]", 0, 1, exit_cb, loop);
    coverage_run();
    evloop_add_timer(loop, 5000, 5000, coverage_timer_cb, NULL);
    datapaths_init();
    offload_init(loop);
    offload_provider_register(&tcf_provider_class);
    offload_provider_register(&offload_hal_class);
#ifdef HAVE_DPDK
    offload_provider_register(&rtf_provider_class);
    dpif_netdev_set_mark_resolver(resolve_rteflow_mark);
#endif
    upcall_init(loop);
    tnl_route_init(loop);
    tnl_neigh_init(loop);
    tnl_port_init();
    {
        char *remote = db_remote
                           ? xstrdup(db_remote)
                           : xasprintf("unix:%s/db.sock", daemon_rundir());
        bridge_init(loop, remote);
        free(remote);
    }

    VLOG_INFO("%s %s started; control socket %s", nf_program_name,
              nf_version(), unixctl_server_get_path(server));
    daemon_ready();
    evloop_run(loop);

    /* Offload stops first, so that taking the bridges down leaves their
     * hardware rules alone unless asked to clean up. */
    bridge_offload_exit(exit_cleanup);
    bridge_set_exiting(exit_cleanup);
    bridge_exit();
    datapaths_destroy();
    tnl_neigh_exit();
    tnl_route_exit();
    unixctl_server_destroy(server);
    evloop_destroy(loop);
    VLOG_INFO("%s stopped", nf_program_name);
    return 0;
}
