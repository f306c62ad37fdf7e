/* nicflow-dbclient: command-line client of an OVSDB server (nicflow-dbd or
 * ovsdb-server), with ovsdb-client(1)'s commands, options and output:
 *
 *   nicflow-dbclient [OPTIONS] COMMAND [SERVER] [ARG...]
 *
 * SERVER defaults to unix:$NICFLOW_RUNDIR/db.sock, DATABASE to
 * Open_vSwitch.  This file holds the command line (options, the command
 * table, --help) and the connection helpers; see dbclient.h for the rest. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/daemon.h"
#include "lib/stream.h"
#include "lib/vlog.h"
#include "ovsdb/dbclient.h"
#include "ovsdb/error.h"

VLOG_DEFINE_THIS_MODULE(nicflow_dbclient);

bool dbclient_force;
int dbclient_timeout_ms = -1;
const char *dbclient_server;
static const char *command_name = "";

void
dbclient_fail(const char *fmt, ...)
{
    va_list args;

    fflush(stdout);
    fprintf(stderr, "%s: %s: ", nf_program_name, command_name);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    exit(1);
}

/* The connection. */

struct jsonrpc_conn *
dbclient_open(void)
{
    struct stream *stream;
    int error =
        stream_open_block(dbclient_server, 6640, dbclient_timeout_ms, &stream);
    if (error) {
        dbclient_fail("failed to connect to \"%s\" (%s)", dbclient_server,
                      nf_strerror(error));
    }
    return jsonrpc_conn_create(stream);
}

json_t *
dbclient_request_or_error(struct jsonrpc_conn *conn, const char *method,
                          json_t *params, json_t **errorp)
{
    struct jsonrpc_msg *reply;
    int error = jsonrpc_transact_block(
        conn, jsonrpc_create_request(method, params, NULL), &reply,
        dbclient_timeout_ms);
    *errorp = NULL;
    if (error) {
        dbclient_fail("%s request to \"%s\" failed: %s", method,
                      dbclient_server,
                      error == EOF ? "connection closed" : nf_strerror(error));
    }
    json_t *result = NULL;
    if (reply->type == JSONRPC_ERROR) {
        *errorp = json_incref(reply->error);
    } else {
        result = json_incref(reply->result);
    }
    jsonrpc_msg_destroy(reply);
    return result;
}

json_t *
dbclient_request(struct jsonrpc_conn *conn, const char *method, json_t *params)
{
    json_t *error;
    json_t *result = dbclient_request_or_error(conn, method, params, &error);
    if (error) {
        char *s =
            json_dumps(error, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        dbclient_fail("%s request to \"%s\" returned error: %s", method,
                      dbclient_server, s);
    }
    return result;
}

bool
dbclient_answer_echo(struct jsonrpc_conn *conn, const struct jsonrpc_msg *msg)
{
    if (msg->type == JSONRPC_REQUEST && !strcmp(msg->method, "echo")) {
        jsonrpc_conn_send(
            conn, jsonrpc_create_reply(json_incref(msg->params), msg->id));
        return true;
    }
    return false;
}

json_t *
dbclient_list_dbs(struct jsonrpc_conn *conn)
{
    json_t *r = dbclient_request(conn, "list_dbs", NULL);
    if (!json_is_array(r)) {
        dbclient_fail("list_dbs response is not an array");
    }
    return r;
}

bool
dbclient_db_exists(struct jsonrpc_conn *conn, const char *name)
{
    json_t *dbs = dbclient_list_dbs(conn);
    size_t i;
    json_t *v;
    bool found = false;

    json_array_foreach (dbs, i, v) {
        if (json_is_string(v) && !strcmp(json_string_value(v), name)) {
            found = true;
        }
    }
    json_decref(dbs);
    return found;
}

json_t *
dbclient_get_schema_json(struct jsonrpc_conn *conn, const char *db)
{
    return dbclient_request(conn, "get_schema", json_pack("[s]", db));
}

struct ovsdb_schema *
dbclient_get_schema(struct jsonrpc_conn *conn, const char *db)
{
    json_t *j = dbclient_get_schema_json(conn, db);
    struct ovsdb_schema *schema;
    struct ovsdb_error *err = NULL;

    if (ovsdb_schema_from_json(j, &schema, &err)) {
        char *s = ovsdb_error_to_string(err);
        dbclient_fail("%s: schema from server is invalid: %s", db, s);
    }
    json_decref(j);
    return schema;
}

const struct ovsdb_table_schema *
dbclient_get_table(const struct ovsdb_schema *schema, const char *name)
{
    const struct ovsdb_table_schema *ts = ovsdb_schema_get_table(schema, name);
    if (!ts) {
        dbclient_fail("%s does not contain a table named %s", schema->name,
                      name);
    }
    return ts;
}

const char *
dbclient_take_db(struct jsonrpc_conn *conn, int *argc, char ***argv,
                 int min_rest)
{
    if (*argc > min_rest && dbclient_db_exists(conn, (*argv)[0])) {
        const char *db = (*argv)[0];
        (*argc)--;
        (*argv)++;
        return db;
    }
    return DBCLIENT_DEFAULT_DB;
}

json_t *
dbclient_parse_json_arg(const char *s)
{
    json_error_t jerr;
    json_t *j = json_loads(s, JSON_DECODE_ANY, &jerr);
    if (!j) {
        dbclient_fail("\"%s\": invalid JSON: %s", s, jerr.text);
    }
    return j;
}

/* The command table: name, arguments after the optional SERVER (for the
 * usage line and --help), their number, what the command does (--help),
 * the handler.  The man page (docs/nicflow-dbclient.8) and the bash
 * completion (scripts/completion/) list the same commands. */
struct command {
    const char *name;
    const char *args;
    int min_args, max_args;
    const char *help;
    void (*run)(int argc, char *argv[]);
};

static void cmd_help(int argc, char *argv[]);

static const struct command commands[] = {
    { "list-dbs", "", 0, 0, "list the databases available on SERVER",
      dbclient_cmd_list_dbs },
    { "get-schema", "[DATABASE]", 0, 1,
      "print the schema of DATABASE, as JSON", dbclient_cmd_get_schema },
    { "get-schema-version", "[DATABASE]", 0, 1,
      "print only the version of DATABASE's schema",
      dbclient_cmd_get_schema_version },
    { "get-schema-cksum", "[DATABASE]", 0, 1,
      "print only the checksum of DATABASE's schema",
      dbclient_cmd_get_schema_cksum },
    { "list-tables", "[DATABASE]", 0, 1, "list the tables of DATABASE",
      dbclient_cmd_list_tables },
    { "list-columns", "[DATABASE] [TABLE]", 0, 2,
      "list the columns of TABLE (or of every table) and their types",
      dbclient_cmd_list_columns },
    { "transact", "TRANSACTION", 1, 1,
      "run TRANSACTION (the params of a \"transact\" request) and print\n"
      "the reply as JSON",
      dbclient_cmd_transact },
    { "query", "TRANSACTION", 1, 1,
      "like transact, but read-only: an abort is appended and its result\n"
      "removed from the reply",
      dbclient_cmd_query },
    { "dump", "[DATABASE] [TABLE [COLUMN...]]", 0, INT_MAX,
      "print the contents of DATABASE (or of TABLE, or of its COLUMNs)",
      dbclient_cmd_dump },
    { "backup", "[DATABASE] > SNAPSHOT", 0, 1,
      "print DATABASE's schema and contents as a nicflow database file",
      dbclient_cmd_backup },
    { "restore", "[DATABASE] < SNAPSHOT", 0, 1,
      "replace DATABASE's contents, in one transaction, by those of\n"
      "SNAPSHOT (a nicflow or Open vSwitch standalone database file);\n"
      "the schemas must be the same unless --force is given",
      dbclient_cmd_restore },
    { "monitor", "[DATABASE] TABLE [COLUMN,...]... | ALL", 1, INT_MAX,
      "print the contents of COLUMNs of TABLE (or of every table with\n"
      "ALL), then every change; COLUMNs may include !initial, !insert,\n"
      "!delete and !modify to leave out those kinds of change",
      dbclient_cmd_monitor },
    { "monitor-cond", "[DATABASE] CONDITION TABLE [COLUMN,...]...", 2, INT_MAX,
      "like monitor, for the rows that match CONDITION (a JSON array of\n"
      "RFC 7047 conditions, or of true/false)",
      dbclient_cmd_monitor_cond },
    { "monitor-cond-since",
      "[DATABASE] [LASTID] CONDITION TABLE [COLUMN,...]...", 2, INT_MAX,
      "like monitor-cond, with the changes after transaction LASTID\n"
      "(default: all zeros, which means from the start)",
      dbclient_cmd_monitor_cond_since },
    { "wait", "DATABASE STATE", 2, 2,
      "wait until DATABASE on SERVER is \"added\", \"connected\" or\n"
      "\"removed\" (retrying the connection until the server is up)",
      dbclient_cmd_wait },
    { "convert", "SCHEMA", 1, 1,
      "ask SERVER to convert the database named in SCHEMA (a file) to\n"
      "SCHEMA; nicflow-dbd cannot (use nicflow-dbtool convert offline)",
      dbclient_cmd_convert },
    { "needs-conversion", "SCHEMA", 1, 1,
      "print \"yes\" if the database named in SCHEMA (a file) has another\n"
      "schema, else \"no\"",
      dbclient_cmd_needs_conversion },
    { "lock", "LOCK", 1, 1,
      "take or wait for LOCK, print the reply and the notifications",
      dbclient_cmd_lock },
    { "steal", "LOCK", 1, 1,
      "steal LOCK, print the reply and the "
      "notifications",
      dbclient_cmd_steal },
    { "unlock", "LOCK", 1, 1, "release LOCK", dbclient_cmd_unlock },
    { "help", "", 0, 0, "print this help", cmd_help },
};

static void
usage(void)
{
    printf("%s: nicflow database client (ovsdb-client compatible)\n"
           "usage: %s [OPTIONS] COMMAND [SERVER] [ARG...]\n\n"
           "Commands:\n",
           nf_program_name, nf_program_name);
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        const struct command *c = &commands[i];
        printf("\n  %s [SERVER]%s%s\n", c->name, *c->args ? " " : "", c->args);
        /* Each line of the description, indented. */
        for (const char *p = c->help; *p;) {
            size_t n = strcspn(p, "\n");
            printf("    %.*s\n", (int) n, p);
            p += n + (p[n] == '\n');
        }
    }
    printf("\nThe default SERVER is unix:%s/db.sock ($NICFLOW_RUNDIR), the "
           "default DATABASE\nOpen_vSwitch.  SERVER is unix:FILE, "
           "tcp:HOST[:PORT] or ssl:HOST[:PORT].\n"
           "\nOutput options:\n"
           "  -f, --format=FORMAT     table (default), list, html, csv or "
           "json\n"
           "  -d, --data=FORMAT       cells as string (default), bare or "
           "json\n"
           "  --no-headings           omit table headings\n"
           "  --pretty                indent JSON output\n"
           "  --bare                  --format=list --data=bare "
           "--no-headings\n"
           "  --timestamp             monitors: print the time of each "
           "update\n"
           "  --max-column-width=N    --format=table: cut cells to N "
           "characters\n"
           "\nOther options:\n"
           "  --force                 restore: even if the schemas differ\n"
           "  -t, --timeout=SECS      give up after SECS seconds\n"
           "  -p, --private-key=FILE  SSL: private key\n"
           "  -c, --certificate=FILE  SSL: certificate of the private key\n"
           "  -C, --ca-cert=FILE      SSL: CA certificate of the server\n"
           "  --bootstrap-ca-cert=FILE  SSL: CA certificate to read, or to "
           "save\n"
           "                          from the server on first use\n"
           "  -h, --help              print this help and exit\n"
           "  -V, --version           print the version and exit\n",
           daemon_rundir());
}

static void
cmd_help(int argc, char *argv[])
{
    usage();
}

/* Option values, as declarative tables. */
static const struct {
    const char *name;
    enum dbclient_format format;
} formats[] = {
    { "table", DBCLIENT_FMT_TABLE }, { "list", DBCLIENT_FMT_LIST },
    { "html", DBCLIENT_FMT_HTML },   { "csv", DBCLIENT_FMT_CSV },
    { "json", DBCLIENT_FMT_JSON },
};

static const struct {
    const char *name;
    enum dbclient_data data;
} datas[] = {
    { "string", DBCLIENT_DATA_STRING },
    { "bare", DBCLIENT_DATA_BARE },
    { "json", DBCLIENT_DATA_JSON },
};

enum {
    OPT_NO_HEADINGS = 0x2000,
    OPT_PRETTY,
    OPT_BARE,
    OPT_TIMESTAMP,
    OPT_MAX_COLUMN_WIDTH,
    OPT_FORCE,
    OPT_BOOTSTRAP_CA_CERT,
};

static int
parse_options(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "format", required_argument, NULL, 'f' },
        { "data", required_argument, NULL, 'd' },
        { "no-headings", no_argument, NULL, OPT_NO_HEADINGS },
        { "pretty", no_argument, NULL, OPT_PRETTY },
        { "bare", no_argument, NULL, OPT_BARE },
        { "timestamp", no_argument, NULL, OPT_TIMESTAMP },
        { "max-column-width", required_argument, NULL, OPT_MAX_COLUMN_WIDTH },
        { "force", no_argument, NULL, OPT_FORCE },
        { "timeout", required_argument, NULL, 't' },
        { "private-key", required_argument, NULL, 'p' },
        { "certificate", required_argument, NULL, 'c' },
        { "ca-cert", required_argument, NULL, 'C' },
        { "bootstrap-ca-cert", required_argument, NULL,
          OPT_BOOTSTRAP_CA_CERT },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *key = NULL, *cert = NULL;

    for (;;) {
        /* "+": options end at the command, so JSON arguments and
         * conditions are never taken for options.  (ovsdb-client's
         * "restore --force" also works: see main().) */
        int c = getopt_long(argc, argv, "+f:d:t:p:c:C:hV", long_options, NULL);
        long long n;
        size_t i;
        if (c == -1) {
            break;
        }
        switch (c) {
        case 'f':
            for (i = 0; i < ARRAY_SIZE(formats); i++) {
                if (!strcmp(optarg, formats[i].name)) {
                    break;
                }
            }
            if (i >= ARRAY_SIZE(formats)) {
                nf_fatal(0, "unknown output format \"%s\"", optarg);
            }
            dbclient_style.format = formats[i].format;
            break;
        case 'd':
            for (i = 0; i < ARRAY_SIZE(datas); i++) {
                if (!strcmp(optarg, datas[i].name)) {
                    break;
                }
            }
            if (i >= ARRAY_SIZE(datas)) {
                nf_fatal(0, "unknown data format \"%s\"", optarg);
            }
            dbclient_style.data = datas[i].data;
            break;
        case OPT_NO_HEADINGS:
            dbclient_style.headings = false;
            break;
        case OPT_PRETTY:
            dbclient_style.pretty = true;
            break;
        case OPT_BARE:
            dbclient_style.format = DBCLIENT_FMT_LIST;
            dbclient_style.data = DBCLIENT_DATA_BARE;
            dbclient_style.headings = false;
            break;
        case OPT_TIMESTAMP:
            dbclient_style.timestamp = true;
            break;
        case OPT_MAX_COLUMN_WIDTH:
            if (nf_parse_int(optarg, 0, INT_MAX, &n)) {
                nf_fatal(0, "--max-column-width: \"%s\" is not a number",
                         optarg);
            }
            dbclient_style.max_column_width = (unsigned int) n;
            break;
        case OPT_FORCE:
            dbclient_force = true;
            break;
        case 't':
            if (nf_parse_int(optarg, 0, INT_MAX / 1000, &n)) {
                nf_fatal(0, "--timeout: \"%s\" is not a number of seconds",
                         optarg);
            }
            dbclient_timeout_ms = n ? (int) n * 1000 : -1;
            break;
        case 'p':
            key = optarg;
            break;
        case 'c':
            cert = optarg;
            break;
        case 'C':
        case OPT_BOOTSTRAP_CA_CERT:
            if (stream_ssl_set_ca_cert_file(optarg,
                                            c == OPT_BOOTSTRAP_CA_CERT)) {
                nf_fatal(0, "%s: cannot use this CA certificate", optarg);
            }
            break;
        case 'h':
            usage();
            exit(0);
        case 'V':
            printf("%s (nicflow) %s\n", nf_program_name, nf_version());
            exit(0);
        default:
            fprintf(stderr, "Try '%s --help' for more information.\n",
                    nf_program_name);
            exit(1);
        }
    }
    if ((key || cert)
        && (!key || !cert || stream_ssl_set_key_and_cert(key, cert))) {
        nf_fatal(0, "SSL needs both a usable --private-key and "
                    "--certificate");
    }
    return optind;
}

int
main(int argc, char *argv[])
{
    nf_set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);

    int i = parse_options(argc, argv);
    if (i >= argc) {
        nf_fatal(0, "missing command name; use --help for help");
    }

    const char *name = argv[i++];
    for (size_t c = 0; c < ARRAY_SIZE(commands); c++) {
        const struct command *cmd = &commands[c];
        if (strcmp(name, cmd->name)) {
            continue;
        }
        command_name = name;
        /* Options may also follow the command name where ovsdb-client
         * takes them there ("restore --force"). */
        while (i < argc && !strcmp(argv[i], "--force")) {
            dbclient_force = true;
            i++;
        }
        char *def = xasprintf("unix:%s/db.sock", daemon_rundir());
        dbclient_server = def;
        if (i < argc && !stream_verify_name(argv[i])) {
            dbclient_server = argv[i++];
        }
        int n_args = argc - i;
        if (n_args < cmd->min_args || n_args > cmd->max_args) {
            dbclient_fail("%s arguments (usage: %s %s [SERVER]%s%s)",
                          n_args < cmd->min_args ? "missing" : "too many",
                          nf_program_name, cmd->name, *cmd->args ? " " : "",
                          cmd->args);
        }
        cmd->run(n_args, argv + i);
        if (fflush(stdout) || ferror(stdout)) {
            dbclient_fail("writing to standard output failed");
        }
        free(def);
        return 0;
    }
    nf_fatal(0, "unknown command '%s'; use --help for help", name);
}
