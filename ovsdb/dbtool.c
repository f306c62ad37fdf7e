/* nicflow-dbtool: offline management of nicflow database files.
 *
 * The commands, options and output formats are ovsdb-tool's (see
 * ovsdb-tool(1)), applied to nicflow's own file format (ovsdb/log.h):
 *
 *   nicflow-dbtool [OPTIONS] COMMAND [ARG...]
 *
 * DB defaults to $NICFLOW_DBDIR/conf.db; SCHEMA to the Open_vSwitch schema
 * shipped with nicflow (see dbtool_find_default_schema()).
 *
 * Commands that change a file (create, compact and convert in place,
 * transact) hold the log's exclusive write lock from the first read to the
 * last write, so they never race nicflow-dbd: while it serves the file they
 * refuse, naming its pid.  Commands that only read (query, show-log, check,
 * the version and checksum queries, compact or convert to a new file) open
 * the file read-only and may run beside the server. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/buf.h"
#include "lib/daemon.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/db.h"
#include "ovsdb/dbtool.h"
#include "ovsdb/log.h"
#include "ovsdb/schema.h"
#include "ovsdb/txn.h"

VLOG_DEFINE_THIS_MODULE(nicflow_dbtool);

/* Where the schema shipped with nicflow is installed. */
#define INSTALLED_SCHEMA "/usr/share/nicflow/vswitch.ovsschema"

int dbtool_show_log_verbosity;

/* The command running, for messages. */
static const char *command_name = "";

/* Prints "nicflow-dbtool: COMMAND: message" on stderr and exits with 1. */
void
dbtool_fail(const char *fmt, ...)
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

/* "s" unless N is 1, for counts in messages. */
const char *
dbtool_plural(unsigned long long n)
{
    return n == 1 ? "" : "s";
}

/* Default file names. */

char *
dbtool_default_db(void)
{
    return xasprintf("%s/conf.db", daemon_dbdir());
}

/* Returns the directory holding the running executable (caller frees), or
 * NULL if /proc does not say. */
static char *
exe_dir(void)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) {
        return NULL;
    }
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (!slash) {
        return NULL;
    }
    *slash = '\0';
    return xstrdup(path[0] ? path : "/");
}

/* Finds the Open_vSwitch schema shipped with nicflow: $NICFLOW_SCHEMA, then
 * the source tree beside a build tree's executable (build/bin/ ->
 * ovsdb/), then the installed copy.  Returns the first that exists (caller
 * frees); if none does, fails with a message listing each place tried. */
char *
dbtool_find_default_schema(void)
{
    char *tried[3];
    size_t n = 0;
    const char *env = getenv("NICFLOW_SCHEMA");

    if (env && env[0]) {
        tried[n++] = xasprintf("%s (from $NICFLOW_SCHEMA)", env);
        if (!access(env, F_OK)) {
            free(tried[0]);
            return xstrdup(env);
        }
    }
    char *dir = exe_dir();
    if (dir) {
        char *p = xasprintf("%s/../../ovsdb/vswitch.ovsschema", dir);
        free(dir);
        if (!access(p, F_OK)) {
            for (size_t i = 0; i < n; i++) {
                free(tried[i]);
            }
            return p;
        }
        tried[n++] = p;
    }
    if (!access(INSTALLED_SCHEMA, F_OK)) {
        for (size_t i = 0; i < n; i++) {
            free(tried[i]);
        }
        return xstrdup(INSTALLED_SCHEMA);
    }
    tried[n++] = xstrdup(INSTALLED_SCHEMA);

    struct buf b = BUF_INITIALIZER;
    for (size_t i = 0; i < n; i++) {
        buf_printf(&b, "%s%s", i ? ", " : "", tried[i]);
        free(tried[i]);
    }
    dbtool_fail("no SCHEMA given and no schema file found; tried %s (give the "
                "schema file's name, or set $NICFLOW_SCHEMA)",
                buf_cstr(&b));
}

/* Schema files. */

/* Reads and parses the schema file PATH.  Returns the parsed schema and
 * stores in *JSONP (if nonnull) its normalized JSON, the form written as a
 * database's record 0.  Fails with a message on error. */
struct ovsdb_schema *
dbtool_load_schema_file(const char *path, json_t **jsonp)
{
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = NULL;

    if (ovsdb_schema_from_file(path, &schema, &error)) {
        char *s = ovsdb_error_to_string(error);
        ovsdb_error_destroy(error);
        dbtool_fail("%s: %s", path, s);
    }
    if (jsonp) {
        *jsonp = ovsdb_schema_to_json(schema);
    }
    return schema;
}

/* Database files. */

/* Opens PATH in MODE and reads its schema record into F.  HINT (may be
 * NULL) is added to the message when another process holds the file. */
void
dbtool_db_open(struct dbtool_db *f, const char *path, enum ovsdb_log_mode mode,
               const char *hint)
{
    char *err = NULL;
    json_t *record;
    int error;

    memset(f, 0, sizeof *f);
    f->path = xstrdup(path);
    error = ovsdb_log_open(path, mode, &f->log, &err);
    if (error == ENOENT) {
        dbtool_fail("%s: database file does not exist (create it with "
                    "\"nicflow-dbtool create %s\")",
                    path, path);
    } else if (error == EBUSY && hint) {
        dbtool_fail("%s (%s)", err, hint);
    } else if (error) {
        dbtool_fail("%s", err ? err : nf_strerror(error));
    }

    error = ovsdb_log_read(f->log, &record);
    if (error == EOF) {
        dbtool_fail("%s: the file holds no schema record (recreate it with "
                    "\"nicflow-dbtool create\")",
                    path);
    } else if (error) {
        dbtool_fail("cannot read the schema record: %s",
                    ovsdb_log_read_error(f->log));
    }
    f->schema_json = record;
}

/* Parses F's schema record.  Fails with a message if it is not a valid
 * schema. */
struct ovsdb_schema *
dbtool_db_parse_schema(const struct dbtool_db *f)
{
    struct ovsdb_schema *schema;
    struct ovsdb_error *error = NULL;

    if (ovsdb_schema_from_json(f->schema_json, &schema, &error)) {
        char *s = ovsdb_error_to_string(error);
        ovsdb_error_destroy(error);
        dbtool_fail("%s: record 0 is not a valid schema: %s", f->path, s);
    }
    return schema;
}

/* Builds F's database from its schema and applies every transaction
 * record, handling a damaged tail according to POLICY.  A record that
 * cannot be applied is reported and the program exits. */
void
dbtool_db_replay(struct dbtool_db *f, enum dbtool_damage_policy policy)
{
    f->db = ovsdb_create(dbtool_db_parse_schema(f));
    for (;;) {
        json_t *record;
        int error = ovsdb_log_read(f->log, &record);
        if (error == EOF) {
            break;
        } else if (error == EBADMSG && policy == DBTOOL_DAMAGE_FAIL) {
            dbtool_fail("%s; the %llu transaction%s before it %s intact (the "
                        "file was not changed; nicflow-dbd drops the damaged "
                        "tail when it next opens the database)",
                        ovsdb_log_read_error(f->log), f->n_txns,
                        dbtool_plural(f->n_txns),
                        f->n_txns == 1 ? "is" : "are");
        } else if (error == EBADMSG && policy == DBTOOL_DAMAGE_STOP) {
            VLOG_WARN("%s; using the %llu transaction%s before it",
                      ovsdb_log_read_error(f->log), f->n_txns,
                      dbtool_plural(f->n_txns));
            break;
        } else if (error == EBADMSG) {
            char *err = NULL;
            VLOG_WARN("%s", ovsdb_log_read_error(f->log));
            if (ovsdb_log_truncate_tail(f->log, &err)) {
                dbtool_fail("%s",
                            err ? err : "cannot truncate the damaged tail");
            }
            break;
        } else if (error) {
            dbtool_fail("%s", ovsdb_log_read_error(f->log));
        }

        struct ovsdb_log_record_info info;
        char *why = NULL;
        ovsdb_log_get_last_read(f->log, &info);
        if (ovsdb_apply_record(f->db, record, &why)) {
            dbtool_fail("%s: record %" PRIu64 " at offset %" PRIu64
                        " cannot be applied: %s",
                        f->path, info.index, info.offset, why ? why : "");
        }
        json_decref(record);
        f->n_txns++;
    }
}

void
dbtool_db_close(struct dbtool_db *f)
{
    ovsdb_log_close(f->log);
    ovsdb_destroy(f->db);
    json_decref(f->schema_json);
    free(f->path);
}

/* Returns SNAPSHOT with a "_date" of now added (for show-log). */
json_t *
dbtool_stamp(json_t *snapshot)
{
    json_object_set_new(snapshot, "_date", json_integer(nf_time_wall_msec()));
    return snapshot;
}

/* Creates the database file PATH holding SCHEMA_JSON and, if nonnull,
 * SNAPSHOT, durably.  Fails (removing anything half-written) on error. */
void
dbtool_write_new_db(const char *path, const json_t *schema_json,
                    const json_t *snapshot)
{
    struct ovsdb_log *log;
    char *err = NULL;
    int error;

    error = ovsdb_log_open(path, OVSDB_LOG_CREATE_EXCL, &log, &err);
    if (error == EEXIST) {
        dbtool_fail("%s: file already exists (remove it first to replace it)",
                    path);
    } else if (error) {
        dbtool_fail("%s", err ? err : nf_strerror(error));
    }
    error = ovsdb_log_append(log, schema_json, NULL);
    if (!error && snapshot) {
        error = ovsdb_log_append(log, snapshot, NULL);
    }
    if (!error) {
        error = ovsdb_log_commit_block(log);
    }
    if (error) {
        unlink(path);
        ovsdb_log_close(log);
        dbtool_fail("%s: writing failed: %s", path, nf_strerror(error));
    }
    ovsdb_log_close(log);
}

/* Rewrites F in place as SCHEMA_JSON plus SNAPSHOT. */
void
dbtool_replace_db(struct dbtool_db *f, const json_t *schema_json,
                  const json_t *snapshot)
{
    uint64_t before = ovsdb_log_get_size(f->log);
    char *err = NULL;

    if (ovsdb_log_replace(f->log, schema_json, snapshot, &err)) {
        dbtool_fail("%s", err ? err : "cannot rewrite the database");
    }
    VLOG_INFO("%s: rewrote %" PRIu64 " bytes as %" PRIu64, f->path, before,
              ovsdb_log_get_size(f->log));
}

/* Argument helpers: each command's optional arguments in order. */
const char *
dbtool_arg_or(int argc, char *argv[], int i, char **owned,
              char *(*dflt)(void) )
{
    if (i < argc) {
        return argv[i];
    }
    *owned = dflt();
    return *owned;
}

/* create [DB [SCHEMA]] */
static void
cmd_create(int argc, char *argv[])
{
    char *db_owned = NULL, *schema_owned = NULL;
    const char *db =
        dbtool_arg_or(argc, argv, 0, &db_owned, dbtool_default_db);
    const char *sp = dbtool_arg_or(argc, argv, 1, &schema_owned,
                                   dbtool_find_default_schema);
    json_t *schema_json;

    ovsdb_schema_destroy(dbtool_load_schema_file(sp, &schema_json));
    dbtool_write_new_db(db, schema_json, NULL);
    json_decref(schema_json);
    free(db_owned);
    free(schema_owned);
}

/* The schema queries: {db,schema}-{version,cksum,name}. */

enum schema_field { FIELD_VERSION, FIELD_CKSUM, FIELD_NAME };

static void
print_field(const struct ovsdb_schema *schema, enum schema_field field)
{
    const char *s = (field == FIELD_VERSION ? schema->version
                     : field == FIELD_CKSUM ? schema->cksum
                                            : schema->name);
    printf("%s\n", s ? s : "");
}

static void
db_field(int argc, char *argv[], enum schema_field field)
{
    char *owned = NULL;
    struct dbtool_db f;

    dbtool_db_open(&f, dbtool_arg_or(argc, argv, 0, &owned, dbtool_default_db),
                   OVSDB_LOG_READ_ONLY, NULL);
    struct ovsdb_schema *schema = dbtool_db_parse_schema(&f);
    print_field(schema, field);
    ovsdb_schema_destroy(schema);
    dbtool_db_close(&f);
    free(owned);
}

static void
schema_field(int argc, char *argv[], enum schema_field field)
{
    char *owned = NULL;
    struct ovsdb_schema *schema = dbtool_load_schema_file(
        dbtool_arg_or(argc, argv, 0, &owned, dbtool_find_default_schema),
        NULL);
    print_field(schema, field);
    ovsdb_schema_destroy(schema);
    free(owned);
}

static void
cmd_db_version(int argc, char *argv[])
{
    db_field(argc, argv, FIELD_VERSION);
}

static void
cmd_db_cksum(int argc, char *argv[])
{
    db_field(argc, argv, FIELD_CKSUM);
}

static void
cmd_db_name(int argc, char *argv[])
{
    db_field(argc, argv, FIELD_NAME);
}

static void
cmd_schema_version(int argc, char *argv[])
{
    schema_field(argc, argv, FIELD_VERSION);
}

static void
cmd_schema_cksum(int argc, char *argv[])
{
    schema_field(argc, argv, FIELD_CKSUM);
}

static void
cmd_schema_name(int argc, char *argv[])
{
    schema_field(argc, argv, FIELD_NAME);
}

/* needs-conversion [DB [SCHEMA]] */
static void
cmd_needs_conversion(int argc, char *argv[])
{
    char *db_owned = NULL, *schema_owned = NULL;
    struct dbtool_db f;
    json_t *file_json;

    dbtool_db_open(&f,
                   dbtool_arg_or(argc, argv, 0, &db_owned, dbtool_default_db),
                   OVSDB_LOG_READ_ONLY, NULL);
    struct ovsdb_schema *db_schema = dbtool_db_parse_schema(&f);
    struct ovsdb_schema *file_schema =
        dbtool_load_schema_file(dbtool_arg_or(argc, argv, 1, &schema_owned,
                                              dbtool_find_default_schema),
                                &file_json);

    /* Both sides in the normalized form, so that layout and the ways of
     * spelling the same type do not count as differences. */
    json_t *db_json = ovsdb_schema_to_json(db_schema);
    printf("%s\n", json_equal(db_json, file_json) ? "no" : "yes");

    json_decref(db_json);
    json_decref(file_json);
    ovsdb_schema_destroy(db_schema);
    ovsdb_schema_destroy(file_schema);
    dbtool_db_close(&f);
    free(db_owned);
    free(schema_owned);
}

/* check [DB] */
static void
cmd_check(int argc, char *argv[])
{
    char *owned = NULL;
    struct dbtool_db f;

    dbtool_db_open(&f, dbtool_arg_or(argc, argv, 0, &owned, dbtool_default_db),
                   OVSDB_LOG_READ_ONLY, NULL);
    dbtool_db_replay(&f, DBTOOL_DAMAGE_FAIL);
    dbtool_db_close(&f);
    free(owned);
}

/* compact [DB [DST]] */
static void
cmd_compact(int argc, char *argv[])
{
    char *owned = NULL;
    const char *path = dbtool_arg_or(argc, argv, 0, &owned, dbtool_default_db);
    struct dbtool_db f;

    if (argc > 1) {
        dbtool_db_open(&f, path, OVSDB_LOG_READ_ONLY, NULL);
        dbtool_db_replay(&f, DBTOOL_DAMAGE_STOP);
        json_t *snapshot = dbtool_stamp(ovsdb_snapshot_to_json(f.db));
        dbtool_write_new_db(argv[1], f.schema_json, snapshot);
        json_decref(snapshot);
    } else {
        dbtool_db_open(&f, path, OVSDB_LOG_READ_WRITE,
                       "to compact a database that nicflow-dbd is serving, "
                       "run \"nicflow-appctl -t nicflow-dbd "
                       "ovsdb-server/compact\"");
        dbtool_db_replay(&f, DBTOOL_DAMAGE_TRUNCATE);
        json_t *snapshot = dbtool_stamp(ovsdb_snapshot_to_json(f.db));
        dbtool_replace_db(&f, f.schema_json, snapshot);
        json_decref(snapshot);
    }
    dbtool_db_close(&f);
    free(owned);
}

/* query [DB] TRANSACTION and transact [DB] TRANSACTION */

/* Parses TEXT, a "transact" params array whose first element names F's
 * database, and returns its operations (new reference). */
static json_t *
parse_transaction(const struct dbtool_db *f, const char *text)
{
    json_error_t jerr;
    json_t *json = json_loads(text, JSON_DECODE_ANY, &jerr);
    const char *db_name = ovsdb_get_schema(f->db)->name;

    if (!json) {
        dbtool_fail("TRANSACTION is not valid JSON: %s (at character %d)",
                    jerr.text, jerr.position);
    }
    const char *name = json_string_value(json_array_get(json, 0));
    if (!json_is_array(json) || !name) {
        dbtool_fail(
            "TRANSACTION must be a JSON array whose first element is the "
            "database name, e.g. [\"%s\", {\"op\": \"select\", ...}]",
            db_name);
    }
    if (strcmp(name, db_name)) {
        dbtool_fail("TRANSACTION is for database \"%s\" but %s holds \"%s\"",
                    name, f->path, db_name);
    }

    json_t *ops = json_array();
    for (size_t i = 1; i < json_array_size(json); i++) {
        json_array_append(ops, json_array_get(json, i));
    }
    json_decref(json);
    return ops;
}

/* Executes OPS on F's database.  An offline database never changes by
 * itself, so a "wait" that is not satisfied now never will be: it is run
 * again as if its timeout had passed. */
static json_t *
execute(struct dbtool_db *f, const json_t *ops, struct ovsdb_txn **txnp)
{
    bool must_wait;
    long long deadline;
    json_t *result =
        ovsdb_execute(f->db, ops, NULL, txnp, &must_wait, &deadline);
    if (!result && must_wait && deadline != LLONG_MAX) {
        struct ovsdb_exec_ctx ctx = {
            .start_msec = nf_time_msec(),
            .now_msec = deadline,
        };
        result = ovsdb_execute(f->db, ops, &ctx, txnp, &must_wait, NULL);
    }
    if (!result) {
        dbtool_fail(
            "a \"wait\" operation without a timeout is not satisfied, and "
            "an offline database cannot change to satisfy it");
    }
    return result;
}

static void
print_json(const json_t *json)
{
    char *s = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
    printf("%s\n", s);
    free(s);
}

static void
query_or_transact(int argc, char *argv[], bool commit)
{
    char *owned = NULL;
    const char *path = argc > 1 ? argv[0] : (owned = dbtool_default_db());
    const char *text = argv[argc - 1];
    struct ovsdb_txn *txn = NULL;
    struct dbtool_db f;

    if (commit) {
        dbtool_db_open(&f, path, OVSDB_LOG_READ_WRITE,
                       "to change a database that nicflow-dbd is serving, "
                       "send the transaction to the server, e.g. with "
                       "\"nicflow-dbclient transact\"");
    } else {
        dbtool_db_open(&f, path, OVSDB_LOG_READ_ONLY, NULL);
    }
    dbtool_db_replay(&f, commit ? DBTOOL_DAMAGE_TRUNCATE : DBTOOL_DAMAGE_STOP);

    json_t *ops = parse_transaction(&f, text);
    json_t *result = execute(&f, ops, &txn);
    if (txn && commit) {
        json_t *record = ovsdb_txn_to_record(txn);
        if (record) {
            int error = ovsdb_log_append(f.log, record, NULL);
            if (!error) {
                error = ovsdb_log_commit_block(f.log);
            }
            if (error) {
                dbtool_fail("%s: cannot write the transaction: %s", f.path,
                            nf_strerror(error));
            }
            json_decref(record);
        }
    }
    ovsdb_txn_destroy(txn);
    print_json(result);

    json_decref(result);
    json_decref(ops);
    dbtool_db_close(&f);
    free(owned);
}

static void
cmd_query(int argc, char *argv[])
{
    query_or_transact(argc, argv, false);
}

static void
cmd_transact(int argc, char *argv[])
{
    query_or_transact(argc, argv, true);
}

/* The command table and the command line. */

struct command {
    const char *name;
    const char *args; /* For the help text. */
    int min_args, max_args;
    void (*run)(int argc, char *argv[]);
};

static void cmd_help(int argc, char *argv[]);

static const struct command commands[] = {
    { "create", "[DB [SCHEMA]]", 0, 2, cmd_create },
    { "compact", "[DB [DST]]", 0, 2, cmd_compact },
    { "convert", "[DB [SCHEMA [TARGET]]]", 0, 3, dbtool_cmd_convert },
    { "needs-conversion", "[DB [SCHEMA]]", 0, 2, cmd_needs_conversion },
    { "db-name", "[DB]", 0, 1, cmd_db_name },
    { "schema-name", "[SCHEMA]", 0, 1, cmd_schema_name },
    { "db-version", "[DB]", 0, 1, cmd_db_version },
    { "schema-version", "[SCHEMA]", 0, 1, cmd_schema_version },
    { "db-cksum", "[DB]", 0, 1, cmd_db_cksum },
    { "schema-cksum", "[SCHEMA]", 0, 1, cmd_schema_cksum },
    { "query", "[DB] TRANSACTION", 1, 2, cmd_query },
    { "transact", "[DB] TRANSACTION", 1, 2, cmd_transact },
    { "show-log", "[DB]", 0, 1, dbtool_cmd_show_log },
    { "check", "[DB]", 0, 1, cmd_check },
    { "help", "", 0, 0, cmd_help },
};

static const char *const command_help[] = {
    "create DB with the given SCHEMA (fails if DB exists)",
    "compact DB in place, or into the new file DST",
    "convert DB to SCHEMA, in place or into the new file TARGET",
    "print \"yes\" if DB's schema differs from SCHEMA, else \"no\"",
    "print the name of DB's schema",
    "print the name of SCHEMA",
    "print the version of DB's schema",
    "print the version of SCHEMA",
    "print the checksum of DB's schema",
    "print the checksum of SCHEMA",
    "execute TRANSACTION on DB without changing it",
    "execute TRANSACTION on DB and commit it durably",
    "print DB's records (-m: changed rows, -mm: values too)",
    "verify every record of DB (checksums and contents)",
    "print this help",
};

static void
usage(void)
{
    char *db = dbtool_default_db();

    printf("%s: nicflow database management utility\n"
           "usage: %s [OPTIONS] COMMAND [ARG...]\n\nCommands:\n",
           nf_program_name, nf_program_name);
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        char *s = xasprintf("%s %s", commands[i].name, commands[i].args);
        printf("  %-31s %s\n", s, command_help[i]);
        free(s);
    }
    printf("\nThe default DB is %s ($NICFLOW_DBDIR/conf.db).\n"
           "The default SCHEMA is $NICFLOW_SCHEMA, else the build tree's\n"
           "ovsdb/vswitch.ovsschema (beside build/bin/), else %s.\n"
           "TRANSACTION is a \"transact\" params array, database name "
           "first:\n"
           "  '[\"Open_vSwitch\", {\"op\": \"select\", \"table\": "
           "\"Bridge\", \"where\": []}]'\n"
           "\nOptions:\n"
           "  -m, --more              more detail from show-log (repeat "
           "for values)\n"
           "  -v, --verbose[=SPEC]    set log levels "
           "(MODULE:DESTINATION:LEVEL)\n"
           "  --log-file[=FILE]       also log to FILE (default "
           "$NICFLOW_LOGDIR/%s.log)\n"
           "  -h, --help              print this help and exit\n"
           "  -V, --version           print the version and exit\n",
           db, INSTALLED_SCHEMA, nf_program_name);
    free(db);
}

static void
cmd_help(int argc, char *argv[])
{
    usage();
}

enum { OPT_LOG_FILE = 0x2000 };

static int
parse_options(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "more", no_argument, NULL, 'm' },
        { "verbose", optional_argument, NULL, 'v' },
        { "log-file", optional_argument, NULL, OPT_LOG_FILE },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };

    for (;;) {
        /* Options may follow the command, as in "show-log -m"; "--" ends
         * them before a file name that begins with "-". */
        int c = getopt_long(argc, argv, "mhVv::", long_options, NULL);
        if (c == -1) {
            return optind;
        }
        switch (c) {
        case 'm':
            dbtool_show_log_verbosity++;
            break;
        case OPT_LOG_FILE: {
            int error = vlog_set_log_file(optarg);
            if (error) {
                nf_fatal(error, "--log-file: cannot open %s",
                         optarg ? optarg : "the default log file");
            }
            break;
        }
        case 'h':
            usage();
            exit(0);
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
}

int
main(int argc, char *argv[])
{
    nf_set_program_name(argv[0]);
    /* A tool's console shows warnings and errors, not progress. */
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);

    int i = parse_options(argc, argv);
    if (i >= argc) {
        nf_fatal(0, "missing command name; use --help for help");
    }

    const char *name = argv[i];
    int n_args = argc - i - 1;
    for (size_t c = 0; c < ARRAY_SIZE(commands); c++) {
        const struct command *cmd = &commands[c];
        if (strcmp(name, cmd->name)) {
            continue;
        }
        command_name = name;
        if (n_args < cmd->min_args || n_args > cmd->max_args) {
            dbtool_fail("%s arguments (usage: %s %s %s)",
                        n_args < cmd->min_args ? "missing" : "too many",
                        nf_program_name, cmd->name, cmd->args);
        }
        cmd->run(n_args, argv + i + 1);
        if (fflush(stdout) || ferror(stdout)) {
            dbtool_fail("writing to standard output failed");
        }
        return 0;
    }
    nf_fatal(0, "unknown command \"%s\"; use --help for help", name);
}
