/* nicflow-dbd: the OVSDB database server.
 *
 * Command line and control commands as ovsdb-server's:
 *
 *   nicflow-dbd [DATABASE...] [--remote=REMOTE]... [--private-key=FILE]
 *               [--certificate=FILE] [--ca-cert=FILE] [daemon options]
 *
 * DATABASE defaults to $NICFLOW_DBDIR/conf.db. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/coverage.h"
#include "lib/daemon.h"
#include "lib/evloop.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/server.h"

VLOG_DEFINE_THIS_MODULE(nicflow_dbd);

enum {
    OPT_REMOTE = 0x2000,
    OPT_PRIVATE_KEY,
    OPT_CERTIFICATE,
    OPT_CA_CERT,
    OPT_BOOTSTRAP_CA_CERT,
};

struct options {
    char **dbs;
    size_t n_dbs;
    char **remotes;
    size_t n_remotes;
    const char *private_key, *certificate, *ca_cert;
    bool bootstrap;
};

static void NF_NORETURN
usage(void)
{
    printf("%s: nicflow OVSDB database server\n"
           "usage: %s [DATABASE...] [OPTIONS]\n"
           "DATABASE is a database file (default: %s/conf.db).\n"
           "\nOptions:\n"
           "  --remote=REMOTE         connect or listen to REMOTE:\n"
           "                          punix:PATH, ptcp:PORT[:IP], "
           "pssl:PORT[:IP],\n"
           "                          unix:PATH, tcp:IP[:PORT], "
           "ssl:IP[:PORT],\n"
           "                          db:DATABASE,TABLE,COLUMN\n"
           "  --private-key=FILE|db:DB,TABLE,COLUMN  SSL private key\n"
           "  --certificate=FILE|db:DB,TABLE,COLUMN  SSL certificate\n"
           "  --ca-cert=FILE|db:DB,TABLE,COLUMN      CA certificate\n"
           "  --bootstrap-ca-cert=FILE  learn the CA certificate from the "
           "first peer\n",
           nf_program_name, nf_program_name, daemon_dbdir());
    daemon_usage();
    exit(0);
}

/* PATH made absolute against the current directory, because --detach
 * changes to "/" before the databases are opened (ovsdb-server accepts a
 * relative database name with --detach). */
static char *
absolute_path(const char *path)
{
    char *cwd;
    if (path[0] == '/' || !(cwd = getcwd(NULL, 0))) {
        return xstrdup(path);
    }
    char *abs = xasprintf("%s/%s", cwd, path);
    free(cwd);
    return abs;
}

static void
parse_options(int argc, char *argv[], struct options *o)
{
    static const struct option long_options[] = {
        { "remote", required_argument, NULL, OPT_REMOTE },
        { "private-key", required_argument, NULL, OPT_PRIVATE_KEY },
        { "certificate", required_argument, NULL, OPT_CERTIFICATE },
        { "ca-cert", required_argument, NULL, OPT_CA_CERT },
        { "bootstrap-ca-cert", required_argument, NULL,
          OPT_BOOTSTRAP_CA_CERT },
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
        case OPT_REMOTE:
            o->remotes =
                xrealloc(o->remotes, (o->n_remotes + 1) * sizeof *o->remotes);
            o->remotes[o->n_remotes++] = optarg;
            break;
        case OPT_PRIVATE_KEY:
            o->private_key = optarg;
            break;
        case OPT_CERTIFICATE:
            o->certificate = optarg;
            break;
        case OPT_CA_CERT:
            o->ca_cert = optarg;
            break;
        case OPT_BOOTSTRAP_CA_CERT:
            o->ca_cert = optarg;
            o->bootstrap = true;
            break;
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
    for (int i = optind; i < argc; i++) {
        o->dbs = xrealloc(o->dbs, (o->n_dbs + 1) * sizeof *o->dbs);
        o->dbs[o->n_dbs++] = absolute_path(argv[i]);
    }
    if (!o->n_dbs) {
        o->dbs = xmalloc(sizeof *o->dbs);
        o->dbs[o->n_dbs++] = xasprintf("%s/conf.db", daemon_dbdir());
    }
}

/* Control commands. */

static void
exit_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *loop)
{
    unixctl_command_reply(conn, NULL);
    evloop_stop(loop);
}

static void
compact_cb(struct unixctl_conn *conn, int argc, const char *argv[],
           void *server)
{
    char *err = NULL;
    if (ovsdb_server_compact(server, argc > 1 ? argv[1] : NULL, &err)) {
        unixctl_command_reply_error(conn, err ? err : "compaction failed");
    } else {
        unixctl_command_reply(conn, NULL);
    }
    free(err);
}

static void
add_remote_cb(struct unixctl_conn *conn, int argc, const char *argv[],
              void *server)
{
    char *err = NULL;
    int error = ovsdb_server_add_remote(server, argv[1], &err);
    if (error) {
        if (!err) {
            err = xasprintf("%s: %s", argv[1],
                            error == EEXIST ? "already a remote"
                                            : nf_strerror(error));
        }
        unixctl_command_reply_error(conn, err);
    } else {
        unixctl_command_reply(conn, NULL);
    }
    free(err);
}

static void
remove_remote_cb(struct unixctl_conn *conn, int argc, const char *argv[],
                 void *server)
{
    if (ovsdb_server_remove_remote(server, argv[1])) {
        char *s = xasprintf("%s: no such remote", argv[1]);
        unixctl_command_reply_error(conn, s);
        free(s);
    } else {
        unixctl_command_reply(conn, NULL);
    }
}

static void
list_remotes_cb(struct unixctl_conn *conn, int argc, const char *argv[],
                void *server)
{
    struct buf b = BUF_INITIALIZER;
    ovsdb_server_list_remotes(server, &b);
    unixctl_command_reply(conn, buf_cstr(&b));
    buf_destroy(&b);
}

static void
list_dbs_cb(struct unixctl_conn *conn, int argc, const char *argv[],
            void *server)
{
    struct buf b = BUF_INITIALIZER;
    ovsdb_server_list_dbs(server, &b);
    unixctl_command_reply(conn, buf_cstr(&b));
    buf_destroy(&b);
}

static void
memory_report(struct buf *out, void *server)
{
    ovsdb_server_memory_report(server, out);
}

static void
coverage_timer_cb(void *aux)
{
    coverage_run();
}

int
main(int argc, char *argv[])
{
    struct options o = { 0 };
    struct unixctl_server *unixctl;
    int error;

    nf_set_program_name(argv[0]);
    parse_options(argc, argv, &o);
    daemon_start();

    struct evloop *loop = evloop_create();
    daemon_watch_signals(loop);
    struct ovsdb_server *server = ovsdb_server_create(loop);
    for (size_t i = 0; i < o.n_dbs; i++) {
        char *err = NULL;
        error = ovsdb_server_add_db(server, o.dbs[i], &err);
        if (error) {
            if (error == ENOENT) {
                nf_fatal(0,
                         "%s (create it with \"nicflow-dbtool create "
                         "%s\")",
                         err, o.dbs[i]);
            }
            nf_fatal(0, "%s", err ? err : nf_strerror(error));
        }
    }
    ovsdb_server_set_ssl(server, o.private_key, o.certificate, o.ca_cert,
                         o.bootstrap);
    for (size_t i = 0; i < o.n_remotes; i++) {
        char *err = NULL;
        error = ovsdb_server_add_remote(server, o.remotes[i], &err);
        if (error) {
            nf_fatal(0, "%s", err ? err : nf_strerror(error));
        }
    }

    error = unixctl_server_create(loop, daemon_unixctl_path(), &unixctl);
    if (error) {
        nf_fatal(error, "could not start the control socket");
    }
    unixctl_command_register("exit", "", 0, 0, exit_cb, loop);
    unixctl_command_register("ovsdb-server/compact", "[DB]", 0, 1, compact_cb,
                             server);
    unixctl_command_register("ovsdb-server/add-remote", "REMOTE", 1, 1,
                             add_remote_cb, server);
    unixctl_command_register("ovsdb-server/remove-remote", "REMOTE", 1, 1,
                             remove_remote_cb, server);
    unixctl_command_register("ovsdb-server/list-remotes", "", 0, 0,
                             list_remotes_cb, server);
    unixctl_command_register("ovsdb-server/list-dbs", "", 0, 0, list_dbs_cb,
                             server);
    unixctl_memory_register(memory_report, server);
    coverage_run();
    evloop_add_timer(loop, 5000, 5000, coverage_timer_cb, NULL);

    daemon_ready();
    evloop_run(loop);

    unixctl_server_destroy(unixctl);
    ovsdb_server_destroy(server);
    evloop_destroy(loop);
    for (size_t i = 0; i < o.n_dbs; i++) {
        free(o.dbs[i]);
    }
    free(o.dbs);
    free(o.remotes);
    VLOG_INFO("%s stopped", nf_program_name);
    return 0;
}
