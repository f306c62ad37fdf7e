/* nicflow-ofctl: administer OpenFlow switches, with ovs-ofctl(8)'s
 * commands, options and output.
 *
 *   nicflow-ofctl [OPTIONS] COMMAND SWITCH [ARG...]
 *
 * SWITCH is a bridge name (its management socket
 * $NICFLOW_RUNDIR/<bridge>.mgmt), unix:PATH, tcp:IP[:PORT] or
 * ssl:IP[:PORT].  This file holds option parsing, the connection helpers
 * and the command dispatch; the commands live in ofctl-flows.c and the
 * other ofctl-*.c files. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/stream.h"
#include "lib/vlog.h"
#include "ofctl/ofctl.h"

struct ofctl_opts ofctl_opts = {
    .versions = OF_VBIT(OF_V10),
    .timeout_ms = -1,
};

void
ofctl_fatal(const char *fmt, ...)
{
    va_list args;

    fflush(stdout);
    fprintf(stderr, "%s: ", nf_program_name);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    exit(1);
}

struct of_vconn *
ofctl_open(const char *target)
{
    struct of_vconn *vc;
    char *err;

    if (of_vconn_open(target, ofctl_opts.versions, ofctl_opts.timeout_ms, &vc,
                      &err)) {
        ofctl_fatal("%s", err);
    }
    return vc;
}

void
ofctl_transact(struct of_vconn *vc, const struct buf *request,
               struct buf **replies, size_t *n)
{
    char *err;

    if (of_vconn_transact(vc, request, replies, n, &err)) {
        /* An error reply is printed as the message itself, like ovs-ofctl
         * prints the OFPT_ERROR it received. */
        fflush(stdout);
        if (!strncmp(err, "OFPT_ERROR", 10)) {
            fprintf(stderr, "%s\n", err);
            exit(1);
        }
        ofctl_fatal("%s", err);
    }
}

void
ofctl_transact_noreply(struct of_vconn *vc, const struct buf *msgs, size_t n)
{
    char *err;

    if (of_vconn_transact_noreply(vc, msgs, n, &err)) {
        fflush(stdout);
        if (!strncmp(err, "OFPT_ERROR", 10)) {
            fprintf(stderr, "%s\n", err);
            exit(1);
        }
        ofctl_fatal("%s", err);
    }
}

char *
ofctl_read_file(const char *file)
{
    FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
    struct buf b = BUF_INITIALIZER;
    char tmp[65536];
    size_t n;

    if (!f) {
        ofctl_fatal("%s: open failed (%s)", file, nf_strerror(errno));
    }
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        buf_put(&b, tmp, n);
    }
    if (ferror(f)) {
        ofctl_fatal("%s: read failed (%s)", file, nf_strerror(errno));
    }
    if (f != stdin) {
        fclose(f);
    }
    return buf_steal_cstr(&b);
}

static const struct ofctl_command *const command_tables[] = {
    ofctl_switch_commands, ofctl_flow_commands, ofctl_group_commands,
    ofctl_meter_commands,  ofctl_tlv_commands,  ofctl_dev_commands,
};

static void NF_NORETURN
usage(void)
{
    printf("%s: OpenFlow switch management utility\n"
           "usage: %s [OPTIONS] COMMAND [ARG...]\n\n"
           "For OpenFlow switches:\n",
           nf_program_name, nf_program_name);
    for (size_t t = 0; t < sizeof command_tables / sizeof *command_tables;
         t++) {
        for (const struct ofctl_command *c = command_tables[t]; c->name; c++) {
            printf("  %s %s\n", c->name, c->usage);
        }
    }
    printf("\nSWITCH is a bridge name, unix:PATH, tcp:IP[:PORT] or "
           "ssl:IP[:PORT].\n"
           "\nOptions:\n"
           "  -O, --protocols=LIST        allowed OpenFlow versions "
           "(OpenFlow10,OpenFlow13,\n"
           "                              OpenFlow14,OpenFlow15)\n"
           "  --strict                    use strict match for flow "
           "commands\n"
           "  --readd                     replace flows that haven't "
           "changed\n"
           "  --may-create                mod-group adds a missing group\n"
           "  --bundle                    use a bundle for flow changes\n"
           "  --no-stats                  do not print statistics\n"
           "  --sort[=FIELD]              sort dump-flows output\n"
           "  --rsort[=FIELD]             reverse-sort dump-flows output\n"
           "  --names, --no-names         port names in output\n"
           "  -t, --timeout=SECS          give up after SECS seconds\n"
           "  -p, --private-key=FILE      TLS private key (ssl: targets)\n"
           "  -c, --certificate=FILE      TLS certificate for the key\n"
           "  -C, --ca-cert=FILE          CA certificate to trust\n"
           "  -m, --more                  be more verbose\n"
           "  --timestamp                 (monitor, snoop) print "
           "timestamps\n"
           "  -h, --help                  display this help message\n"
           "  -V, --version               display version information\n");
    exit(0);
}

static void
add_sort(const char *field, bool descending)
{
    if (ofctl_opts.n_sort >= 8) {
        ofctl_fatal("too many --sort and --rsort options");
    }
    ofctl_opts.sort[ofctl_opts.n_sort].field = field;
    ofctl_opts.sort[ofctl_opts.n_sort].descending = descending;
    ofctl_opts.n_sort++;
}

int
main(int argc, char *argv[])
{
    enum {
        OPT_STRICT = 256,
        OPT_READD,
        OPT_BUNDLE,
        OPT_NO_STATS,
        OPT_SORT,
        OPT_RSORT,
        OPT_NAMES,
        OPT_NO_NAMES,
        OPT_TIMESTAMP,
        OPT_MAY_CREATE,
    };
    const char *ssl_key = NULL, *ssl_cert = NULL, *ssl_ca = NULL;
    static const struct option long_options[] = {
        { "protocols", required_argument, NULL, 'O' },
        { "strict", no_argument, NULL, OPT_STRICT },
        { "readd", no_argument, NULL, OPT_READD },
        { "bundle", no_argument, NULL, OPT_BUNDLE },
        { "no-stats", no_argument, NULL, OPT_NO_STATS },
        { "sort", optional_argument, NULL, OPT_SORT },
        { "rsort", optional_argument, NULL, OPT_RSORT },
        { "names", no_argument, NULL, OPT_NAMES },
        { "no-names", no_argument, NULL, OPT_NO_NAMES },
        { "timeout", required_argument, NULL, 't' },
        { "more", no_argument, NULL, 'm' },
        { "timestamp", no_argument, NULL, OPT_TIMESTAMP },
        { "may-create", no_argument, NULL, OPT_MAY_CREATE },
        { "private-key", required_argument, NULL, 'p' },
        { "certificate", required_argument, NULL, 'c' },
        { "ca-cert", required_argument, NULL, 'C' },
        { "verbose", optional_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };

    nf_set_program_name(argv[0]);
    for (;;) {
        int c =
            getopt_long(argc, argv, "O:t:mv::hVp:c:C:", long_options, NULL);
        char *err;
        long long secs;

        if (c == -1) {
            break;
        }
        switch (c) {
        case 'O':
            err = of_versions_parse(optarg, &ofctl_opts.versions);
            if (err) {
                ofctl_fatal("%s", err);
            }
            break;
        case OPT_STRICT:
            ofctl_opts.strict = true;
            break;
        case OPT_READD:
            ofctl_opts.readd = true;
            break;
        case OPT_BUNDLE:
            ofctl_opts.bundle = true;
            break;
        case OPT_NO_STATS:
            ofctl_opts.no_stats = true;
            break;
        case OPT_SORT:
        case OPT_RSORT:
            add_sort(optarg, c == OPT_RSORT);
            break;
        case OPT_NAMES:
            ofctl_opts.names = true;
            break;
        case OPT_NO_NAMES:
            ofctl_opts.names = false;
            break;
        case OPT_TIMESTAMP:
            ofctl_opts.timestamp = true;
            break;
        case OPT_MAY_CREATE:
            ofctl_opts.may_create = true;
            break;
        case 'p':
            ssl_key = optarg;
            break;
        case 'c':
            ssl_cert = optarg;
            break;
        case 'C':
            ssl_ca = optarg;
            break;
        case 't':
            if (nf_parse_int(optarg, 1, INT32_MAX / 1000, &secs)) {
                ofctl_fatal("value %s on -t or --timeout is invalid", optarg);
            }
            ofctl_opts.timeout_ms = (int) secs * 1000;
            break;
        case 'm':
            ofctl_opts.more++;
            break;
        case 'v': {
            char *verr = NULL;
            if (vlog_set_levels_from_string(optarg ? optarg : "dbg", &verr)) {
                ofctl_fatal("%s", verr);
            }
            break;
        }
        case 'h':
            usage();
            /* usage() does not return. */
        case 'V':
            printf("%s (nicflow) %s\n", nf_program_name, nf_version());
            exit(0);
        default:
            exit(1);
        }
    }

    if (optind >= argc) {
        ofctl_fatal("missing command name; use --help for help");
    }
    /* TLS for ssl: targets, as ovs-ofctl's -p/-c/-C. */
    if (ssl_key || ssl_cert) {
        if (!ssl_key || !ssl_cert) {
            ofctl_fatal("--private-key and --certificate go together");
        }
        if (stream_ssl_set_key_and_cert(ssl_key, ssl_cert)) {
            ofctl_fatal("cannot use %s and %s for TLS (see the log "
                        "message above)",
                        ssl_key, ssl_cert);
        }
    }
    if (ssl_ca && stream_ssl_set_ca_cert_file(ssl_ca, false)) {
        ofctl_fatal("cannot use %s as the TLS CA certificate", ssl_ca);
    }
    const char *name = argv[optind];
    int n_args = argc - optind - 1;
    for (size_t t = 0; t < sizeof command_tables / sizeof *command_tables;
         t++) {
        for (const struct ofctl_command *c = command_tables[t]; c->name; c++) {
            if (strcmp(c->name, name)) {
                continue;
            }
            if (n_args < c->min_args) {
                ofctl_fatal("'%s' command requires at least %d arguments",
                            name, c->min_args);
            }
            if (n_args > c->max_args) {
                ofctl_fatal("'%s' command takes at most %d arguments", name,
                            c->max_args);
            }
            c->handler(n_args + 1, argv + optind);
            return 0;
        }
    }
    ofctl_fatal("unknown command '%s'; use --help for help", name);
}
