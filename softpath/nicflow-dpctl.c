/* nicflow-dpctl: administer datapaths, with ovs-dpctl(8)'s commands,
 * options and output:
 *
 *   nicflow-dpctl [OPTIONS] COMMAND [ARG...]
 *
 * Userspace datapaths live in nicflowd, so the command goes to nicflowd's
 * control socket as "dpctl/COMMAND" (what "nicflow-appctl dpctl/COMMAND"
 * sends too), and its answer is printed.  --target names another daemon
 * or socket.
 *
 * Kernel datapaths (type "system", softpath/dpif-netlink.h) live in the
 * kernel, not in nicflowd, so any process can work on them: with
 * --direct, or when an argument names one ("system@NAME"), the command
 * runs in this process instead. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/daemon.h"
#include "lib/jsonrpc.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "softpath/dpctl.h"

/* Runs the command ARGV[0..ARGC-1] (options included) in this process and
 * exits with its status. */
static void NF_NORETURN
run_direct(int argc, const char *argv[])
{
    struct buf out = BUF_INITIALIZER;
    char *err = NULL;
    int error = dpctl_run(argc, argv, &out, &err);

    fputs(buf_cstr(&out), stdout);
    buf_destroy(&out);
    if (error) {
        fprintf(stderr, "%s: %s\n", nf_program_name,
                err ? err : nf_strerror(error));
    }
    free(err);
    exit(error ? 1 : 0);
}

static void NF_NORETURN
usage(void)
{
    printf("%s: Open vSwitch datapath management utility for nicflow\n"
           "usage: %s [OPTIONS] COMMAND [ARG...]\n",
           nf_program_name, nf_program_name);
    for (const struct dpctl_command *c = dpctl_commands(); c->name; c++) {
        printf("  %s %s\n", c->name, c->usage);
    }
    printf("\nOptions:\n"
           "  -s, --statistics       print statistics for port or flow\n"
           "  -m, --more             increase verbosity of output\n"
           "  --clear                reset existing stats to zero\n"
           "  --may-create           create flow if it doesn't exist\n"
           "  --target=DAEMON|PATH   nicflowd (default) or a socket path\n"
           "  --direct               run here, not in nicflowd (kernel\n"
           "                         datapaths; implied by system@DP)\n"
           "  -t, --timeout=SECS     give up after SECS seconds\n"
           "  -h, --help             display this help message\n"
           "  -V, --version          display version information\n");
    exit(0);
}

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "statistics", no_argument, NULL, 's' },
        { "more", no_argument, NULL, 'm' },
        { "clear", no_argument, NULL, 'c' },
        { "may-create", no_argument, NULL, 'C' },
        { "target", required_argument, NULL, 'T' },
        { "direct", no_argument, NULL, 'D' },
        { "timeout", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *target = "nicflowd";
    int timeout_ms = -1;
    json_t *params = json_array();
    bool direct = false;
    /* The options again, for a direct run. */
    const char **opts = xcalloc((size_t) argc + 1, sizeof *opts);
    int n_opts = 0;

    nf_set_program_name(argv[0]);
    for (;;) {
        int c = getopt_long(argc, argv, "+smt:hV", long_options, NULL);
        long long secs;

        if (c == -1) {
            break;
        }
        switch (c) {
        case 's':
            json_array_append_new(params, json_string("-s"));
            opts[n_opts++] = "-s";
            break;
        case 'm':
            json_array_append_new(params, json_string("-m"));
            opts[n_opts++] = "-m";
            break;
        case 'c':
            json_array_append_new(params, json_string("--clear"));
            opts[n_opts++] = "--clear";
            break;
        case 'C':
            json_array_append_new(params, json_string("--may-create"));
            opts[n_opts++] = "--may-create";
            break;
        case 'T':
            target = optarg;
            break;
        case 'D':
            direct = true;
            break;
        case 't':
            if (nf_parse_int(optarg, 1, INT32_MAX / 1000, &secs)) {
                nf_fatal(0, "value %s on -t or --timeout is invalid", optarg);
            }
            timeout_ms = (int) secs * 1000;
            break;
        case 'h':
            usage();
        case 'V':
            printf("%s (nicflow) %s\n", nf_program_name, nf_version());
            exit(0);
        default:
            exit(1);
        }
    }
    if (optind >= argc) {
        nf_fatal(0, "missing command name; use --help for help");
    }
    const char *cmd = argv[optind];
    bool known = false;
    for (const struct dpctl_command *c = dpctl_commands(); c->name; c++) {
        known |= !strcmp(c->name, cmd);
    }
    if (!known) {
        nf_fatal(0, "unknown command '%s'; use --help for help", cmd);
    }
    for (int i = optind + 1; i < argc; i++) {
        direct |= !strncmp(argv[i], "system@", 7);
    }
    if (direct) {
        const char **args = xcalloc((size_t) argc + 1, sizeof *args);
        int n = 0;
        args[n++] = cmd;
        for (int i = 0; i < n_opts; i++) {
            args[n++] = opts[i];
        }
        for (int i = optind + 1; i < argc; i++) {
            args[n++] = argv[i];
        }
        json_decref(params);
        free(opts);
        run_direct(n, args);
    }
    free(opts);
    for (int i = optind + 1; i < argc; i++) {
        json_t *s = json_string(argv[i]);
        if (!s) {
            nf_fatal(0, "argument %d is not valid UTF-8", i - optind);
        }
        json_array_append_new(params, s);
    }

    char *path = strchr(target, '/')
                     ? xstrdup(target)
                     : xasprintf("%s/%s.ctl", daemon_rundir(), target);
    char *name = xasprintf("unix:%s", path);
    struct stream *stream;
    int error = stream_open_block(name, 0, timeout_ms, &stream);
    if (error) {
        fprintf(stderr,
                "%s: cannot reach %s at \"%s\" (%s); the userspace "
                "datapaths live in nicflowd: is it running?\n",
                nf_program_name, target, path, nf_strerror(error));
        exit(1);
    }
    struct jsonrpc_conn *conn = jsonrpc_conn_create(stream);
    char *method = xasprintf("dpctl/%s", cmd);
    struct jsonrpc_msg *reply;
    error = jsonrpc_transact_block(
        conn, jsonrpc_create_request(method, params, NULL), &reply,
        timeout_ms);
    if (error) {
        const char *why = jsonrpc_conn_get_error_text(conn);
        fprintf(stderr, "%s: %s: %s\n", nf_program_name, path,
                why ? why : nf_strerror(error));
        exit(1);
    }
    int status = 0;
    if (reply->type == JSONRPC_ERROR) {
        fprintf(stderr, "%s: %s", nf_program_name,
                json_is_string(reply->error) ? json_string_value(reply->error)
                                             : "error\n");
        status = 1;
    } else if (json_is_string(reply->result)) {
        fputs(json_string_value(reply->result), stdout);
    }
    jsonrpc_msg_destroy(reply);
    jsonrpc_conn_close(conn);
    free(method);
    free(name);
    free(path);
    return status;
}
