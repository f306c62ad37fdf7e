/* dbclient.h: what the sources of nicflow-dbclient (the ovsdb-client
 * replacement) share.  Not a library interface: only ovsdb/dbclient*.c
 * include it.
 *
 *   dbclient.c          main(): options, the command table, --help, the
 *                       connection and request helpers
 *   dbclient-table.c    output tables in every --format and --data, and
 *                       JSON printed the way Open vSwitch prints it
 *   dbclient-db.c       schema and data commands: list-*, get-schema*,
 *                       transact, query, dump, backup, restore, convert,
 *                       needs-conversion
 *   dbclient-monitor.c  monitor, monitor-cond, monitor-cond-since, wait and
 *                       the lock commands
 *
 * Errors go through dbclient_fail(), which prints "PROGRAM: COMMAND: ..."
 * on stderr and exits with status 1, as ovsdb-client's fatal errors do. */
#ifndef NICFLOW_OVSDB_DBCLIENT_H
#define NICFLOW_OVSDB_DBCLIENT_H 1

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "lib/buf.h"
#include "lib/jsonrpc.h"
#include "lib/util.h"
#include "ovsdb/schema.h"
#include "ovsdb/types.h"

#define DBCLIENT_DEFAULT_DB "Open_vSwitch"

/* Output style, from the command line. */
enum dbclient_format {
    DBCLIENT_FMT_TABLE,
    DBCLIENT_FMT_LIST,
    DBCLIENT_FMT_HTML,
    DBCLIENT_FMT_CSV,
    DBCLIENT_FMT_JSON,
};

enum dbclient_data {
    DBCLIENT_DATA_STRING, /* ovs-vsctl's value syntax. */
    DBCLIENT_DATA_BARE,   /* The same without brackets and quotes. */
    DBCLIENT_DATA_JSON,   /* RFC 7047 JSON. */
};

struct dbclient_style {
    enum dbclient_format format;
    enum dbclient_data data;
    bool headings;
    bool pretty;                   /* JSON outside tables, indented. */
    bool timestamp;                /* monitor: time of each update. */
    unsigned int max_column_width; /* --format=table only; 0: none. */
};

extern struct dbclient_style dbclient_style;

/* Options that only some commands use. */
extern bool dbclient_force;     /* restore --force */
extern int dbclient_timeout_ms; /* -t, or -1 */
extern const char *dbclient_server;

/* Errors. */
void dbclient_fail(const char *fmt, ...) NF_PRINTF(1, 2) NF_NORETURN;

/* The connection (dbclient.c). */
struct jsonrpc_conn *dbclient_open(void);
/* Sends METHOD with PARAMS (taken) and returns the result (new reference);
 * fails on an error reply or a broken connection. */
json_t *dbclient_request(struct jsonrpc_conn *, const char *method,
                         json_t *params);
/* Like dbclient_request(), but an error reply is returned in *ERRORP (new
 * reference) with NULL as the result, for callers that explain it. */
json_t *dbclient_request_or_error(struct jsonrpc_conn *, const char *method,
                                  json_t *params, json_t **errorp);
/* Answers an "echo" request from the server; returns true if MSG was one. */
bool dbclient_answer_echo(struct jsonrpc_conn *, const struct jsonrpc_msg *);
bool dbclient_db_exists(struct jsonrpc_conn *, const char *name);
json_t *dbclient_list_dbs(struct jsonrpc_conn *);
json_t *dbclient_get_schema_json(struct jsonrpc_conn *, const char *db);
struct ovsdb_schema *dbclient_get_schema(struct jsonrpc_conn *,
                                         const char *db);
const struct ovsdb_table_schema *
dbclient_get_table(const struct ovsdb_schema *, const char *name);
/* Takes an optional DB argument from *ARGV: if more than MIN_REST
 * arguments remain and the server knows a database named like the first.
 * Returns the database (DBCLIENT_DEFAULT_DB if none was taken). */
const char *dbclient_take_db(struct jsonrpc_conn *, int *argc, char ***argv,
                             int min_rest);
json_t *dbclient_parse_json_arg(const char *s);

/* Output tables (dbclient-table.c).  A cell holds either TEXT, printed as
 * it is (and as a JSON string in --format=json), or JSON with an optional
 * TYPE: with a type it is a datum, printed in the --data style; without,
 * JSON text.  Cells never set print empty (null in JSON). */
struct dbclient_cell {
    char *text;
    json_t *json;
    const struct ovsdb_type *type; /* Must outlive the table. */
};

struct dbclient_table {
    char *caption; /* Or NULL. */
    char **headings;
    size_t n_cols;
    struct dbclient_cell *cells; /* n_rows * n_cols. */
    size_t n_rows, allocated;
    bool timestamp; /* Print the time of printing above the table. */
};

void dbclient_table_init(struct dbclient_table *, const char *caption);
void dbclient_table_add_column(struct dbclient_table *, const char *heading);
/* Adds an empty row; returns its first cell. */
struct dbclient_cell *dbclient_table_add_row(struct dbclient_table *);
void dbclient_cell_set_text(struct dbclient_cell *, const char *);
/* Sets JSON (taken) and TYPE (NULL: plain JSON). */
void dbclient_cell_set_json(struct dbclient_cell *, json_t *json,
                            const struct ovsdb_type *type);
void dbclient_table_print(struct dbclient_table *);
void dbclient_table_destroy(struct dbclient_table *);

/* Prints J and a new line, --pretty if given. */
void dbclient_print_json(const json_t *);

/* Command handlers (dbclient-db.c, dbclient-monitor.c): ARGV holds the
 * arguments after the optional SERVER. */
void dbclient_cmd_list_dbs(int argc, char *argv[]);
void dbclient_cmd_get_schema(int argc, char *argv[]);
void dbclient_cmd_get_schema_version(int argc, char *argv[]);
void dbclient_cmd_get_schema_cksum(int argc, char *argv[]);
void dbclient_cmd_list_tables(int argc, char *argv[]);
void dbclient_cmd_list_columns(int argc, char *argv[]);
void dbclient_cmd_transact(int argc, char *argv[]);
void dbclient_cmd_query(int argc, char *argv[]);
void dbclient_cmd_dump(int argc, char *argv[]);
void dbclient_cmd_backup(int argc, char *argv[]);
void dbclient_cmd_restore(int argc, char *argv[]);
void dbclient_cmd_convert(int argc, char *argv[]);
void dbclient_cmd_needs_conversion(int argc, char *argv[]);
void dbclient_cmd_monitor(int argc, char *argv[]);
void dbclient_cmd_monitor_cond(int argc, char *argv[]);
void dbclient_cmd_monitor_cond_since(int argc, char *argv[]);
void dbclient_cmd_wait(int argc, char *argv[]);
void dbclient_cmd_lock(int argc, char *argv[]);
void dbclient_cmd_steal(int argc, char *argv[]);
void dbclient_cmd_unlock(int argc, char *argv[]);

#endif /* NICFLOW_OVSDB_DBCLIENT_H */
