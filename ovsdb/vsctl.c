/* nicflow-vsctl: a drop-in for ovs-vsctl 3.1.
 *
 *   nicflow-vsctl [OPTIONS] COMMAND [ARG...] [-- [OPTIONS] COMMAND ...]
 *
 * The commands of one invocation, separated by "--", run against one
 * replica of the Open_vSwitch database and are committed as a single
 * transaction: either all of them take effect or none.  Unless --no-wait,
 * a chain that may write also increments Open_vSwitch.next_cfg, and the
 * program waits until nicflowd reports (cur_cfg) that it applied it.
 *
 * This file: options, parsing the chain, running it (again if the
 * transaction must be retried), printing the output, waiting, --help.  The
 * commands themselves are tables in vsctl-db.c, vsctl-bridge.c and
 * vsctl-misc.c. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/json-text.h"
#include "lib/daemon.h"
#include "lib/vlog.h"
#include "ovsdb/vsctl.h"

VLOG_DEFINE_THIS_MODULE(vsctl_main);

/* The Open_vSwitch schema version this program was written for, reported
 * by --version as ovs-vsctl does. */
#define VSCTL_SCHEMA_VERSION "8.3.1"

/* Global options. */
static const char *db;
static bool wait_for_reload = true;
static bool dry_run;
static bool oneline;
static bool retry;
static unsigned int timeout_secs;
static struct vsctl_style style = {
    VSCTL_FMT_LIST,
    VSCTL_CELL_STRING,
    true,
    false,
};

/* The command tables, searched in order. */
static const struct vsctl_command_syntax *const command_tables[] = {
    vsctl_bridge_commands,
    vsctl_misc_commands,
    vsctl_db_commands,
};

static void NF_PRINTF(1, 2) NF_NORETURN vsctl_fatal(const char *fmt, ...)
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

/* Logs a warning as module MODULE (the names ovs-vsctl logs under, which
 * scripts and tests match on). */
static void NF_PRINTF(2, 3) log_warn(const char *module, const char *fmt, ...)
{
    struct vlog_module *m = vlog_module_from_name(module);
    char *msg;
    va_list args;

    va_start(args, fmt);
    msg = xvasprintf(fmt, args);
    va_end(args);
    vlog(m ? m : &vlog_this_module__, VLL_WARN, "%s", msg);
    free(msg);
}

/* Context helpers for the command handlers. */

int
vsctl_error(struct vsctl_context *ctx, const char *fmt, ...)
{
    va_list args;
    free(ctx->error);
    va_start(args, fmt);
    ctx->error = xvasprintf(fmt, args);
    va_end(args);
    return EINVAL;
}

static const struct vsctl_option *
find_option(const struct vsctl_context *ctx, const char *name)
{
    for (size_t i = 0; i < ctx->cmd->n_options; i++) {
        if (!strcmp(ctx->cmd->options[i].name, name)) {
            return &ctx->cmd->options[i];
        }
    }
    return NULL;
}

bool
vsctl_has_option(const struct vsctl_context *ctx, const char *name)
{
    return find_option(ctx, name) != NULL;
}

const char *
vsctl_option_value(const struct vsctl_context *ctx, const char *name)
{
    const struct vsctl_option *o = find_option(ctx, name);
    return o ? o->value : NULL;
}

char *
vsctl_command_to_string(const struct vsctl_context *ctx)
{
    struct buf b = BUF_INITIALIZER;
    for (size_t i = 0; i < ctx->cmd->n_options; i++) {
        const struct vsctl_option *o = &ctx->cmd->options[i];
        buf_printf(&b, o->value ? "%s=%s " : "%s ", o->name, o->value);
    }
    for (int i = 0; i < ctx->argc; i++) {
        buf_printf(&b, "%s%s", i ? " " : "", ctx->argv[i]);
    }
    return buf_steal_cstr(&b);
}

/* Parsing the command chain. */

static const struct vsctl_command_syntax *
find_command(const char *name)
{
    for (size_t t = 0; t < ARRAY_SIZE(command_tables); t++) {
        for (const struct vsctl_command_syntax *p = command_tables[t]; p->name;
             p++) {
            if (!strcmp(p->name, name)) {
                return p;
            }
        }
    }
    return NULL;
}

/* Where option NAME appears in the option list SPEC ("--a,--b="), the
 * character after it: ',', '=', '\0', or EOF if it is not there. */
static int
option_in_spec(const char *spec, const char *name)
{
    size_t len = strlen(name);
    for (const char *s = strstr(spec, name); s; s = strstr(s + 1, name)) {
        if ((s == spec || s[-1] == ',') && strchr("=,", s[len])) {
            return s[len];
        }
    }
    return EOF;
}

static void
add_option(struct vsctl_option **options, size_t *n, const char *name,
           const char *value, const char *arg)
{
    for (size_t i = 0; i < *n; i++) {
        if (!strcmp((*options)[i].name, name)) {
            vsctl_fatal("'%s' option specified multiple times", arg);
        }
    }
    *options = xrealloc(*options, (*n + 1) * sizeof **options);
    (*options)[*n].name = xstrdup(name);
    (*options)[*n].value = value ? xstrdup(value) : NULL;
    (*n)++;
}

/* Parses one command (its options, name and arguments) from the ARGC
 * words at ARGV, with OPTIONS given before it on the command line. */
static void
parse_command(int argc, char *argv[], struct vsctl_option *options,
              size_t n_options, struct vsctl_command *cmd)
{
    int i;

    memset(cmd, 0, sizeof *cmd);
    cmd->options = options;
    cmd->n_options = n_options;
    for (i = 0; i < argc && argv[i][0] == '-'; i++) {
        const char *equals = strchr(argv[i], '=');
        char *name =
            equals ? xstrndup(argv[i], equals - argv[i]) : xstrdup(argv[i]);
        add_option(&cmd->options, &cmd->n_options, name,
                   equals ? equals + 1 : NULL, argv[i]);
        free(name);
    }
    if (i == argc) {
        vsctl_fatal("missing command name (use --help for help)");
    }
    const struct vsctl_command_syntax *p = find_command(argv[i]);
    if (!p) {
        vsctl_fatal("unknown command '%s'; use --help for help", argv[i]);
    }
    for (size_t j = 0; j < cmd->n_options; j++) {
        const struct vsctl_option *o = &cmd->options[j];
        int end = option_in_spec(p->options, o->name);
        if (end == EOF) {
            vsctl_fatal("'%s' command has no '%s' option", argv[i], o->name);
        }
        if ((end == '=') != (o->value != NULL)) {
            if (end == '=') {
                vsctl_fatal("missing argument to '%s' option on '%s' command",
                            o->name, argv[i]);
            }
            vsctl_fatal("'%s' option on '%s' does not accept an argument",
                        o->name, argv[i]);
        }
    }
    int n_args = argc - i - 1;
    if (n_args < p->min_args) {
        vsctl_fatal("'%s' command requires at least %d arguments", p->name,
                    p->min_args);
    } else if (n_args > p->max_args) {
        for (int j = i + 1; j < argc; j++) {
            if (argv[j][0] == '-') {
                vsctl_fatal("'%s' command takes at most %d arguments (note "
                            "that options must precede command names and "
                            "follow a \"--\" argument)",
                            p->name, p->max_args);
            }
        }
        vsctl_fatal("'%s' command takes at most %d arguments", p->name,
                    p->max_args);
    }
    cmd->syntax = p;
    cmd->argc = n_args + 1;
    cmd->argv = &argv[i];
    buf_init(&cmd->output);
}

/* Splits ARGV at "--" into commands.  LOCAL_OPTIONS, given among the global
 * options, belong to the first command. */
static struct vsctl_command *
parse_commands(int argc, char *argv[], struct vsctl_option *local_options,
               size_t n_local, size_t *n_commandsp)
{
    struct vsctl_command *commands = NULL;
    size_t n = 0;
    int start = 0;

    for (int i = 0; i <= argc; i++) {
        if (i == argc || !strcmp(argv[i], "--")) {
            if (i > start) {
                commands = xrealloc(commands, (n + 1) * sizeof *commands);
                parse_command(i - start, &argv[start], local_options, n_local,
                              &commands[n++]);
                local_options = NULL;
                n_local = 0;
            } else if (n_local) {
                vsctl_fatal("missing command name (use --help for help)");
            }
            start = i + 1;
        }
    }
    if (!n) {
        vsctl_fatal("missing command name (use --help for help)");
    }
    *n_commandsp = n;
    return commands;
}

/* Help. */

static void
usage(void)
{
    static const char *const sections[] = {
        "Open vSwitch commands",
        "Bridge commands",
        "Port commands (a bond is considered to be a single port)",
        "Interface commands (a bond consists of multiple interfaces)",
        "Controller commands",
        "Manager commands",
        "SSL commands",
        "Database commands",
    };

    printf("%s: nicflow configuration utility (a drop-in for ovs-vsctl)\n"
           "usage: %s [OPTIONS] COMMAND [ARG...] [-- [OPTIONS] COMMAND "
           "[ARG...]]...\n",
           nf_program_name, nf_program_name);
    for (size_t s = 0; s < ARRAY_SIZE(sections); s++) {
        printf("\n%s:\n", sections[s]);
        for (size_t t = 0; t < ARRAY_SIZE(command_tables); t++) {
            for (const struct vsctl_command_syntax *p = command_tables[t];
                 p->name; p++) {
                if (!p->help || strcmp(p->section, sections[s])) {
                    continue;
                }
                char *synopsis = xasprintf(
                    "%s%s%s", p->name, *p->arguments ? " " : "", p->arguments);
                printf("  %-28s%s%s\n", synopsis,
                       strlen(synopsis) > 27 ? "  " : "", p->help);
                free(synopsis);
            }
        }
    }
    printf("Commands are separated by \"--\" and run as one transaction; "
           "options of a\ncommand (--may-exist, --if-exists, --id=@NAME, "
           "...) precede its name.\n");
    vsctl_print_row_id_help();
    printf("\nOptions:\n"
           "  --db=DATABASE               connect to DATABASE\n"
           "                              (default: unix:%s/db.sock)\n"
           "  --no-wait                   do not wait for nicflowd to "
           "reconfigure\n"
           "  --retry                     keep trying to connect to server "
           "forever\n"
           "  -t, --timeout=SECS          wait at most SECS seconds\n"
           "  --dry-run                   do not commit changes to database\n"
           "  --oneline                   print exactly one line of output "
           "per command\n"
           "\nOutput formatting options:\n"
           "  -f, --format=FORMAT         set output formatting to FORMAT\n"
           "                              (\"table\", \"list\", \"html\", "
           "\"csv\", or \"json\")\n"
           "  -d, --data=FORMAT           set table cell output formatting "
           "to\n"
           "                              FORMAT (\"string\", \"bare\", or "
           "\"json\")\n"
           "  --no-headings               omit table heading row\n"
           "  --pretty                    pretty-print JSON in output\n"
           "  --bare                      equivalent to \"--format=list "
           "--data=bare --no-headings\"\n"
           "\nLogging options:\n"
           "  -v, --verbose[=SPEC]        set logging levels (default: "
           "maximum verbosity)\n"
           "  --log-file[=FILE]           also log to FILE (default: "
           "%s/%s.log)\n"
           "\nOther options:\n"
           "  -h, --help                  display this help message\n"
           "  -V, --version               display version information\n",
           daemon_rundir(), daemon_logdir(), nf_program_name);
}

/* Options. */

enum {
    OPT_DB = 0x100,
    OPT_NO_WAIT,
    OPT_DRY_RUN,
    OPT_ONELINE,
    OPT_RETRY,
    OPT_NO_HEADINGS,
    OPT_PRETTY,
    OPT_BARE,
    OPT_LOG_FILE,
    OPT_NO_SYSLOG,
    OPT_LOCAL, /* Options of commands, OPT_LOCAL + index. */
};

/* Collects every option of every command, as ovs-vsctl accepts them
 * before the first command too. */
static size_t
add_local_options(struct option *options, size_t n)
{
    for (size_t t = 0; t < ARRAY_SIZE(command_tables); t++) {
        for (const struct vsctl_command_syntax *p = command_tables[t]; p->name;
             p++) {
            char *spec = xstrdup(p->options);
            char *save = NULL;
            for (char *o = strtok_r(spec, ",", &save); o;
                 o = strtok_r(NULL, ",", &save)) {
                size_t len = strlen(o);
                bool arg = len && o[len - 1] == '=';
                char *name = xstrndup(o + 2, len - 2 - arg);
                bool dup = false;
                for (size_t i = 0; i < n; i++) {
                    dup |= !strcmp(options[i].name, name);
                }
                if (dup) {
                    free(name);
                    continue;
                }
                options[n].name = name;
                options[n].has_arg = arg ? required_argument : no_argument;
                options[n].flag = NULL;
                options[n].val = OPT_LOCAL + (int) n;
                n++;
            }
            free(spec);
        }
    }
    return n;
}

static int
parse_options(int argc, char *argv[], struct vsctl_option **localp,
              size_t *n_localp)
{
    static const struct option global_options[] = {
        { "db", required_argument, NULL, OPT_DB },
        { "no-wait", no_argument, NULL, OPT_NO_WAIT },
        { "dry-run", no_argument, NULL, OPT_DRY_RUN },
        { "oneline", no_argument, NULL, OPT_ONELINE },
        { "retry", no_argument, NULL, OPT_RETRY },
        { "timeout", required_argument, NULL, 't' },
        { "format", required_argument, NULL, 'f' },
        { "data", required_argument, NULL, 'd' },
        { "no-headings", no_argument, NULL, OPT_NO_HEADINGS },
        { "pretty", no_argument, NULL, OPT_PRETTY },
        { "bare", no_argument, NULL, OPT_BARE },
        { "verbose", optional_argument, NULL, 'v' },
        { "log-file", optional_argument, NULL, OPT_LOG_FILE },
        { "no-syslog", no_argument, NULL, OPT_NO_SYSLOG },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
    };
    struct option options[128];
    size_t n = ARRAY_SIZE(global_options);

    memcpy(options, global_options, sizeof global_options);
    n = add_local_options(options, n);
    memset(&options[n], 0, sizeof options[n]);

    for (;;) {
        int idx = -1;
        /* "+": options end at the first command, whose own arguments may
         * look like options. */
        int c = getopt_long(argc, argv, "+t:f:d:v::hV", options, &idx);
        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_DB:
            db = optarg;
            break;
        case OPT_NO_WAIT:
            wait_for_reload = false;
            break;
        case OPT_DRY_RUN:
            dry_run = true;
            break;
        case OPT_ONELINE:
            oneline = true;
            break;
        case OPT_RETRY:
            retry = true;
            break;
        case 't': {
            char *end;
            long long secs = strtoll(optarg, &end, 10);
            if (secs < 0 || end == optarg) {
                vsctl_fatal("value %s on -t or --timeout is invalid", optarg);
            }
            timeout_secs = (unsigned int) secs;
            break;
        }
        case 'f':
            if (!strcmp(optarg, "table")) {
                style.format = VSCTL_FMT_TABLE;
            } else if (!strcmp(optarg, "list")) {
                style.format = VSCTL_FMT_LIST;
            } else if (!strcmp(optarg, "html")) {
                style.format = VSCTL_FMT_HTML;
            } else if (!strcmp(optarg, "csv")) {
                style.format = VSCTL_FMT_CSV;
            } else if (!strcmp(optarg, "json")) {
                style.format = VSCTL_FMT_JSON;
            } else {
                vsctl_fatal("unknown output format \"%s\"", optarg);
            }
            break;
        case 'd':
            if (!strcmp(optarg, "string")) {
                style.cell_format = VSCTL_CELL_STRING;
            } else if (!strcmp(optarg, "bare")) {
                style.cell_format = VSCTL_CELL_BARE;
            } else if (!strcmp(optarg, "json")) {
                style.cell_format = VSCTL_CELL_JSON;
            } else {
                vsctl_fatal("unknown data format \"%s\"", optarg);
            }
            break;
        case OPT_NO_HEADINGS:
            style.headings = false;
            break;
        case OPT_PRETTY:
            style.pretty = true;
            break;
        case OPT_BARE:
            style.format = VSCTL_FMT_LIST;
            style.cell_format = VSCTL_CELL_BARE;
            style.headings = false;
            break;
        case 'v':
            if (optarg) {
                char *err = NULL;
                if (vlog_set_levels_from_string(optarg, &err)) {
                    vsctl_fatal("%s", err ? err : "bad -v argument");
                }
            } else {
                vlog_set_levels(NULL, VLF_CONSOLE, VLL_DBG);
            }
            break;
        case OPT_LOG_FILE: {
            char *path = optarg ? xstrdup(optarg)
                                : xasprintf("%s/%s.log", daemon_logdir(),
                                            nf_program_name);
            if (vlog_set_log_file(path)) {
                vsctl_fatal("could not open log file %s", path);
            }
            free(path);
            break;
        }
        case OPT_NO_SYSLOG:
            break;
        case 'h':
            usage();
            exit(0);
        case 'V':
            printf("%s (nicflow) %s\nDB Schema %s\n", nf_program_name,
                   nf_version(), VSCTL_SCHEMA_VERSION);
            exit(0);
        default:
            if (c >= OPT_LOCAL && idx >= 0) {
                /* ovs-vsctl lets such an option repeat here, unlike after
                 * a "--". */
                char *name = xasprintf("--%s", options[idx].name);
                *localp = xrealloc(*localp, (*n_localp + 1) * sizeof **localp);
                (*localp)[*n_localp].name = name;
                (*localp)[*n_localp].value = optarg ? xstrdup(optarg) : NULL;
                (*n_localp)++;
                break;
            }
            /* getopt_long() has said what was wrong. */
            exit(1);
        }
    }
    for (size_t i = ARRAY_SIZE(global_options); i < n; i++) {
        free((char *) options[i].name);
    }
    return optind;
}

/* Timeout: like ovs-vsctl, give up with SIGALRM, logging why first. */

static void
alarm_handler(int sig)
{
    char msg[160];
    struct timespec ts;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(msg, sizeof msg,
                     "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ|00001|"
                     "fatal_signal|WARN|terminating with signal %d "
                     "(Alarm clock)\n",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, sig);
    if (n > 0) {
        ssize_t w = write(STDERR_FILENO, msg, (size_t) n);
        (void) w;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Running the chain. */

static struct ovsdb_idl *idl;

static void
connect_db(void)
{
    idl = ovsdb_idl_create(db, "Open_vSwitch");
    ovsdb_idl_add_all(idl);
    for (;;) {
        ovsdb_idl_run(idl);
        if (ovsdb_idl_is_synced(idl)) {
            return;
        }
        int err = ovsdb_idl_get_last_errno(idl);
        if (err && !retry) {
            vsctl_fatal("%s: database connection failed (%s)", db,
                        err == EOF ? "End of file" : strerror(err));
        }
        ovsdb_idl_run_block(idl, -1);
    }
}

/* Waits until the replica changed (or resynced). */
static void
wait_for_change(void)
{
    uint64_t seqno = ovsdb_idl_get_seqno(idl);
    unsigned int syncs = ovsdb_idl_get_sync_count(idl);
    do {
        ovsdb_idl_run_block(idl, -1);
    } while (!ovsdb_idl_is_synced(idl)
             || (ovsdb_idl_get_seqno(idl) == seqno
                 && ovsdb_idl_get_sync_count(idl) == syncs));
}

static void
context_reset(struct vsctl_context *ctx)
{
    vsctl_cache_invalidate(ctx);
    vsctl_rows_reset(ctx);
    free(ctx->new_ifaces);
    free(ctx->deferred_error);
    free(ctx->error);
    memset(ctx, 0, sizeof *ctx);
}

/* Checks the named rows of the chain: each must have been created, and a
 * row that nothing refers to strongly will not stay. */
static void
check_symbols(const struct vsctl_symtab *st)
{
    for (size_t i = 0; i < st->n; i++) {
        const struct vsctl_symbol *sym = &st->syms[i];
        if (!sym->created) {
            vsctl_fatal("row id \"%s\" is referenced but never created (e.g. "
                        "with \"-- --id=%s create ...\")",
                        sym->name, sym->name);
        }
        if (!sym->strong_ref) {
            log_warn("vsctl",
                     sym->weak_ref ? "row id \"%s\" was created but only a "
                                     "weak reference to it was inserted, so "
                                     "it will not actually appear in the "
                                     "database"
                                   : "row id \"%s\" was created but no "
                                     "reference to it was inserted, so it "
                                     "will not actually appear in the "
                                     "database",
                     sym->name);
        }
    }
}

static bool
chain_might_write(const struct vsctl_command *commands, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (commands[i].syntax->mode == VSCTL_RW) {
            return true;
        }
    }
    return false;
}

static void
print_output(const struct vsctl_command *c)
{
    if (c->table) {
        vsctl_table_print(c->table, &style);
    } else if (oneline) {
        struct buf b = BUF_INITIALIZER;
        const char *s = buf_cstr((struct buf *) &c->output);
        size_t len = strlen(s);
        if (len && s[len - 1] == '\n') {
            len--;
        }
        for (size_t i = 0; i < len; i++) {
            if (s[i] == '\n') {
                buf_put_cstr(&b, "\\n");
            } else if (s[i] == '\\') {
                buf_put_cstr(&b, "\\\\");
            } else {
                buf_put_char(&b, s[i]);
            }
        }
        puts(buf_cstr(&b));
        buf_destroy(&b);
    } else {
        fwrite(c->output.data, 1, c->output.len, stdout);
    }
}

/* After nicflowd applied the configuration: reports the new interfaces it
 * could not set up (ofport -1), as ovs-vsctl does. */
static void
check_new_ifaces(const struct vsctl_context *ctx,
                 const struct ovsdb_idl_txn *txn)
{
    bool hint = false;
    for (size_t i = 0; i < ctx->n_new_ifaces; i++) {
        const struct ovsdb_uuid *real =
            ovsdb_idl_txn_get_insert_uuid(txn, &ctx->new_ifaces[i]);
        const struct ovsdb_idl_row *iface = ovsdb_idl_get_row(
            idl, "Interface", real ? real : &ctx->new_ifaces[i]);
        if (!iface) {
            continue;
        }
        const struct ovsdb_datum *ofport = vsctl_read(iface, "ofport");
        if (ofport->n && ofport->keys[0].integer != -1) {
            continue;
        }
        const char *name = ovsdb_idl_row_get_string(iface, "name");
        const char *error = ovsdb_idl_row_get_string(iface, "error");
        if (error && *error) {
            fprintf(stderr,
                    "%s: Error detected while setting up '%s': %s.  See "
                    "nicflowd log for details.\n",
                    nf_program_name, name ? name : "", error);
        } else {
            fprintf(stderr,
                    "%s: Error detected while setting up '%s'.  See "
                    "nicflowd log for details.\n",
                    nf_program_name, name ? name : "");
        }
        hint = true;
    }
    if (hint) {
        fprintf(stderr, "%s: The default log directory is \"%s\".\n",
                nf_program_name, daemon_logdir());
    }
}

/* Runs the chain once.  Returns true when done (then the program exits),
 * false if it must be tried again on a newer replica. */
static bool
run_chain(struct vsctl_command *commands, size_t n_commands, const char *args)
{
    struct vsctl_context ctx;
    struct vsctl_symtab symtab;
    int64_t next_cfg = 0;

    memset(&ctx, 0, sizeof ctx);
    vsctl_symtab_init(&symtab);
    ctx.idl = idl;
    ctx.schema = ovsdb_idl_get_schema(idl);
    ctx.symtab = &symtab;
    ctx.commands = commands;
    ctx.n_commands = n_commands;
    ctx.txn = ovsdb_idl_txn_create(idl);
    if (dry_run) {
        ovsdb_idl_txn_add_comment(ctx.txn, "%s (dry run): %s", nf_program_name,
                                  args);
    } else {
        ovsdb_idl_txn_add_comment(ctx.txn, "%s: %s", nf_program_name, args);
    }

    ctx.ovs = ovsdb_idl_first_row(idl, "Open_vSwitch");
    bool ovs_inserted = !ctx.ovs;
    if (ovs_inserted) {
        ctx.ovs = vsctl_insert(&ctx, "Open_vSwitch", NULL);
    }
    if (wait_for_reload) {
        if (ovs_inserted) {
            /* A new row cannot be incremented on the server; it starts at
             * the value an increment of the default would give. */
            vsctl_write_integer(&ctx, ctx.ovs, "next_cfg", 1);
            next_cfg = 1;
        } else {
            ovsdb_idl_txn_increment(ctx.txn, ctx.ovs, "next_cfg");
        }
    }

    for (size_t i = 0; i < n_commands; i++) {
        struct vsctl_command *c = &commands[i];
        buf_clear(&c->output);
        vsctl_table_destroy(c->table);
        c->table = NULL;
        ctx.cmd = c;
        ctx.argc = c->argc;
        ctx.argv = c->argv;
        int error = c->syntax->run(&ctx);
        if (error || ctx.error) {
            vsctl_fatal("%s", ctx.error ? ctx.error : nf_strerror(error));
        }
        if (ctx.exit_code) {
            ovsdb_idl_txn_destroy(ctx.txn);
            exit(ctx.exit_code);
        }
        if (ctx.try_again) {
            ovsdb_idl_txn_destroy(ctx.txn);
            context_reset(&ctx);
            vsctl_symtab_destroy(&symtab);
            return false;
        }
    }
    check_symbols(&symtab);
    if (ctx.deferred_error) {
        log_warn("ovsdb_idl", "transaction error: %s", ctx.deferred_error);
        vsctl_fatal("transaction error: %s", ctx.deferred_error);
    }
    /* The cache holds replica rows that committing may free. */
    vsctl_cache_invalidate(&ctx);

    enum ovsdb_idl_txn_status status;
    if (dry_run) {
        ovsdb_idl_txn_abort(ctx.txn);
        status = OVSDB_IDL_TXN_UNCHANGED;
    } else {
        status = ovsdb_idl_txn_commit_block(ctx.txn, -1);
    }
    if (status == OVSDB_IDL_TXN_SUCCESS && wait_for_reload && !ovs_inserted) {
        next_cfg = ovsdb_idl_txn_get_increment_new_value(ctx.txn);
    }
    switch (status) {
    case OVSDB_IDL_TXN_SUCCESS:
    case OVSDB_IDL_TXN_UNCHANGED:
        for (size_t i = 0; i < n_commands; i++) {
            struct vsctl_command *c = &commands[i];
            if (c->syntax->postprocess) {
                ctx.cmd = c;
                ctx.argc = c->argc;
                ctx.argv = c->argv;
                c->syntax->postprocess(&ctx);
            }
        }
        break;
    case OVSDB_IDL_TXN_TRY_AGAIN:
        ovsdb_idl_txn_destroy(ctx.txn);
        context_reset(&ctx);
        vsctl_symtab_destroy(&symtab);
        return false;
    case OVSDB_IDL_TXN_ERROR: {
        const json_t *ej = ovsdb_idl_txn_get_error_json(ctx.txn);
        struct buf b = BUF_INITIALIZER;
        if (ej) {
            nf_json_to_buf(ej, false, &b);
        } else {
            const char *e = ovsdb_idl_txn_get_error(ctx.txn);
            buf_put_cstr(&b, e ? e : "unknown error");
        }
        log_warn("ovsdb_idl", "transaction error: %s", buf_cstr(&b));
        vsctl_fatal("transaction error: %s", buf_cstr(&b));
    }
    case OVSDB_IDL_TXN_NOT_LOCKED:
        vsctl_fatal("database not locked");
    case OVSDB_IDL_TXN_ABORTED:
        vsctl_fatal("transaction aborted");
    case OVSDB_IDL_TXN_UNCOMMITTED:
    case OVSDB_IDL_TXN_INCOMPLETE:
        vsctl_fatal("transaction did not complete");
    }

    for (size_t i = 0; i < n_commands; i++) {
        print_output(&commands[i]);
    }
    fflush(stdout);

    if (wait_for_reload && status == OVSDB_IDL_TXN_SUCCESS) {
        for (;;) {
            ovsdb_idl_run(idl);
            const struct ovsdb_idl_row *ovs;
            bool done = false;
            OVSDB_IDL_FOR_EACH (ovs, idl, "Open_vSwitch") {
                if (ovsdb_idl_row_get_integer(ovs, "cur_cfg", 0) >= next_cfg) {
                    done = true;
                }
            }
            if (done) {
                check_new_ifaces(&ctx, ctx.txn);
                break;
            }
            ovsdb_idl_run_block(idl, -1);
        }
    }
    ovsdb_idl_txn_destroy(ctx.txn);
    context_reset(&ctx);
    vsctl_symtab_destroy(&symtab);
    return true;
}

/* The command line as one string, for the transaction's comment. */
static char *
join_args(int argc, char *argv[])
{
    struct buf b = BUF_INITIALIZER;
    for (int i = 1; i < argc; i++) {
        buf_printf(&b, "%s%s", i > 1 ? " " : "", argv[i]);
    }
    return buf_steal_cstr(&b);
}

int
main(int argc, char *argv[])
{
    struct vsctl_option *local = NULL;
    size_t n_local = 0, n_commands;

    nf_set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);
    char *args = join_args(argc, argv);

    int i = parse_options(argc, argv, &local, &n_local);
    struct vsctl_command *commands =
        parse_commands(argc - i, argv + i, local, n_local, &n_commands);
    if (!chain_might_write(commands, n_commands)) {
        wait_for_reload = false;
    }

    char *default_db = xasprintf("unix:%s/db.sock", daemon_rundir());
    if (!db) {
        db = default_db;
    }
    if (timeout_secs) {
        signal(SIGALRM, alarm_handler);
        alarm(timeout_secs);
    }

    connect_db();
    while (!run_chain(commands, n_commands, args)) {
        wait_for_change();
    }

    if (fflush(stdout) || ferror(stdout)) {
        vsctl_fatal("writing to standard output failed");
    }
    for (size_t c = 0; c < n_commands; c++) {
        for (size_t o = 0; o < commands[c].n_options; o++) {
            free(commands[c].options[o].name);
            free(commands[c].options[o].value);
        }
        free(commands[c].options);
        buf_destroy(&commands[c].output);
        vsctl_table_destroy(commands[c].table);
    }
    free(commands);
    ovsdb_idl_destroy(idl);
    free(default_db);
    free(args);
    return 0;
}
