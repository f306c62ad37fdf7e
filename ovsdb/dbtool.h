/* dbtool.h: what the parts of nicflow-dbtool share (private to the
 * program: dbtool.c has the command line, the file helpers and the simple
 * commands; dbtool-show.c show-log; dbtool-convert.c convert).
 *
 * Every helper that can fail prints "nicflow-dbtool: COMMAND: message" on
 * stderr, naming the file and the reason, and exits with status 1: a tool
 * run has nothing to clean up that exit() does not. */
#ifndef NICFLOW_OVSDB_DBTOOL_H
#define NICFLOW_OVSDB_DBTOOL_H 1

#include <jansson.h>

#include "lib/util.h"
#include "ovsdb/db.h"
#include "ovsdb/log.h"
#include "ovsdb/schema.h"

/* -m/--more: how much show-log says about each transaction. */
extern int dbtool_show_log_verbosity;

/* Prints "nicflow-dbtool: COMMAND: message" on stderr and exits with 1. */
void dbtool_fail(const char *fmt, ...) NF_PRINTF(1, 2) NF_NORETURN;

/* "s" unless N is 1, for counts in messages. */
const char *dbtool_plural(unsigned long long n);

/* $NICFLOW_DBDIR/conf.db (caller frees). */
char *dbtool_default_db(void);

/* The Open_vSwitch schema shipped with nicflow: $NICFLOW_SCHEMA, then
 * <executable's dir>/../../ovsdb/vswitch.ovsschema, then the installed
 * copy; fails naming each place tried if none exists (caller frees). */
char *dbtool_find_default_schema(void);

/* ARGV[I] if the command got it, else DFLT()'s value, which *OWNED keeps
 * for the caller to free. */
const char *dbtool_arg_or(int argc, char *argv[], int i, char **owned,
                          char *(*dflt)(void) );

/* Reads and parses the schema file PATH; *JSONP (if nonnull) gets its
 * normalized JSON, the form written as a database's record 0. */
struct ovsdb_schema *dbtool_load_schema_file(const char *path, json_t **jsonp);

/* What replay does on meeting a damaged record. */
enum dbtool_damage_policy {
    DBTOOL_DAMAGE_FAIL,     /* Report it and exit (check). */
    DBTOOL_DAMAGE_STOP,     /* Warn; use the intact records (read-only). */
    DBTOOL_DAMAGE_TRUNCATE, /* Warn; cut the file back, as nicflow-dbd
                             * does (writable). */
};

/* An open database file. */
struct dbtool_db {
    char *path; /* As given. */
    struct ovsdb_log *log;
    json_t *schema_json;       /* Record 0, as read. */
    struct ovsdb *db;          /* After dbtool_db_replay(). */
    unsigned long long n_txns; /* Transactions replayed. */
};

/* Opens PATH in MODE and reads its schema record.  HINT (may be NULL) is
 * added to the message when another process holds the file for writing.
 * A missing file is reported with a suggestion to create it. */
void dbtool_db_open(struct dbtool_db *, const char *path,
                    enum ovsdb_log_mode mode, const char *hint);

/* Parses the schema record (caller destroys the result). */
struct ovsdb_schema *dbtool_db_parse_schema(const struct dbtool_db *);

/* Builds the database from the schema and applies every transaction
 * record, handling a damaged tail by POLICY. */
void dbtool_db_replay(struct dbtool_db *, enum dbtool_damage_policy policy);

void dbtool_db_close(struct dbtool_db *);

/* Adds "_date": now to SNAPSHOT and returns it. */
json_t *dbtool_stamp(json_t *snapshot);

/* Creates PATH (which must not exist) holding SCHEMA_JSON and, if
 * nonnull, SNAPSHOT, durably. */
void dbtool_write_new_db(const char *path, const json_t *schema_json,
                         const json_t *snapshot);

/* Rewrites an open, writable, fully read database as SCHEMA_JSON plus
 * SNAPSHOT (ovsdb_log_replace()). */
void dbtool_replace_db(struct dbtool_db *, const json_t *schema_json,
                       const json_t *snapshot);

/* Commands in their own files. */
void dbtool_cmd_show_log(int argc, char *argv[]); /* dbtool-show.c */
void dbtool_cmd_convert(int argc, char *argv[]);  /* dbtool-convert.c */

#endif /* NICFLOW_OVSDB_DBTOOL_H */
