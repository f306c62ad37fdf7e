/* nicflow-appctl: send a command to a running daemon's control socket.
 *
 * Same command line and exit codes as Open vSwitch's ovs-appctl: 0 on
 * success, 1 when the daemon cannot be reached, 2 when it answers with an
 * error.  Works against nicflow daemons and Open vSwitch daemons alike. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "jsonrpc.h"
#include "stream.h"
#include "util.h"
#include "vlog.h"

static void NF_NORETURN
usage(void)
{
    printf("%s, for querying and controlling nicflow daemons\n"
           "usage: %s [TARGET] COMMAND [ARG...]\n"
           "Targets:\n"
           "  -t, --target=TARGET  pidfile or socket to contact "
           "(default: nicflowd)\n"
           "     TARGET is a program name (its socket is\n"
           "     $NICFLOW_RUNDIR/TARGET.ctl, currently %s/TARGET.ctl)\n"
           "     or the path of a control socket.\n"
           "Common commands:\n"
           "  list-commands        List commands supported by the target\n"
           "  version              Print version of the target\n"
           "  vlog/list            List current logging levels\n"
           "  vlog/set [SPEC]      Set log levels, SPEC is "
           "[module[:destination[:level]]]\n"
           "  vlog/reopen          Make the program reopen its log file\n"
           "Other options:\n"
           "  -T, --timeout=SECS   wait at most SECS seconds for a reply\n"
           "  -h, --help           Print this helpful information\n"
           "  -V, --version        Display version information\n",
           nf_program_name, nf_program_name, daemon_rundir());
    exit(0);
}

/* Resolves TARGET to a socket path (caller frees).  A name with a slash is
 * a path; otherwise the nicflow layout RUNDIR/TARGET.ctl is used, or, if
 * only a pidfile exists, the Open vSwitch layout RUNDIR/TARGET.PID.ctl, so
 * NICFLOW_RUNDIR may point at an Open vSwitch run directory too. */
static char *
target_to_path(const char *target)
{
    if (strchr(target, '/')) {
        return xstrdup(target);
    }
    const char *dir = daemon_rundir();
    char *path = xasprintf("%s/%s.ctl", dir, target);
    if (access(path, F_OK)) {
        char *pidfile = xasprintf("%s/%s.pid", dir, target);
        FILE *f = fopen(pidfile, "r");
        long pid;
        if (f && fscanf(f, "%ld", &pid) == 1 && pid > 0) {
            free(path);
            path = xasprintf("%s/%s.%ld.ctl", dir, target, pid);
        }
        if (f) {
            fclose(f);
        }
        free(pidfile);
    }
    return path;
}

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "target", required_argument, NULL, 't' },
        { "timeout", required_argument, NULL, 'T' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *target = "nicflowd";
    int timeout_ms = -1;

    nf_set_program_name(argv[0]);
    /* Log messages would mix with the command's output. */
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);
    for (;;) {
        /* "+" stops at the first non-option: the command's own arguments
         * may start with "-". */
        int c = getopt_long(argc, argv, "+t:T:hV", long_options, NULL);
        if (c == -1) {
            break;
        }
        long long secs;
        switch (c) {
        case 't':
            target = optarg;
            break;
        case 'T':
            if (nf_parse_int(optarg, 0, 86400, &secs)) {
                nf_fatal(0,
                         "--timeout: \"%s\" is not a number of seconds "
                         "(0 to 86400)",
                         optarg);
            }
            timeout_ms = secs ? (int) secs * 1000 : -1;
            break;
        case 'h':
            usage();
        case 'V':
            printf("%s (nicflow) %s\n", nf_program_name, nf_version());
            exit(0);
        default:
            fprintf(stderr, "Try '%s --help' for more information.\n",
                    nf_program_name);
            exit(1);
        }
    }
    if (optind >= argc) {
        nf_fatal(0, "at least one non-option argument is required "
                    "(use --help for help)");
    }

    char *path = target_to_path(target);
    char *name = xasprintf("unix:%s", path);
    struct stream *stream;
    int error = stream_open_block(name, 0, timeout_ms, &stream);
    if (error) {
        fprintf(stderr, "%s: cannot connect to \"%s\" (%s)\n", nf_program_name,
                path, nf_strerror(error));
        exit(1);
    }
    struct jsonrpc_conn *conn = jsonrpc_conn_create(stream);

    json_t *params = json_array();
    for (int i = optind + 1; i < argc; i++) {
        json_t *s = json_string(argv[i]);
        if (!s) {
            nf_fatal(0, "argument %d is not valid UTF-8", i - optind);
        }
        json_array_append_new(params, s);
    }
    struct jsonrpc_msg *reply;
    error = jsonrpc_transact_block(
        conn, jsonrpc_create_request(argv[optind], params, NULL), &reply,
        timeout_ms);
    if (error) {
        const char *why = jsonrpc_conn_get_error_text(conn);
        fprintf(stderr, "%s: %s: transaction error (%s)\n", nf_program_name,
                path, why ? why : nf_strerror(error));
        exit(1);
    }

    int status = 0;
    if (reply->type == JSONRPC_ERROR) {
        if (json_is_string(reply->error)) {
            fputs(json_string_value(reply->error), stderr);
        } else {
            char *s = json_dumps(reply->error, JSON_ENCODE_ANY);
            fprintf(stderr, "%s\n", s ? s : "(unprintable error)");
            free(s);
        }
        fprintf(stderr, "%s: %s: server returned an error\n", nf_program_name,
                target);
        status = 2;
    } else if (json_is_string(reply->result)) {
        fputs(json_string_value(reply->result), stdout);
    } else {
        char *s = json_dumps(reply->result, JSON_ENCODE_ANY | JSON_INDENT(2));
        printf("%s\n", s ? s : "");
        free(s);
    }
    jsonrpc_msg_destroy(reply);
    jsonrpc_conn_close(conn);
    free(name);
    free(path);
    return status;
}
