/* vsctl.h: what the sources of nicflow-vsctl (the ovs-vsctl replacement)
 * share.  Not a library interface: only ovsdb/vsctl*.c include it.
 *
 *   vsctl.c          main(): options, the command chain, the transaction,
 *                    waiting for nicflowd, --help
 *   vsctl-data.c     values in ovs-vsctl's text syntax (parsing, printing)
 *   vsctl-table.c    output tables in every --format and --data
 *   vsctl-rows.c     the rows a chain sees, writing them, table and column
 *                    names, record look-up
 *   vsctl-db.c       the generic database commands (list, find, get, set,
 *                    ...)
 *   vsctl-bridge.c   the bridge/port/interface cache and its commands
 *   vsctl-misc.c     controllers, managers, SSL, fail mode, show, emer-reset
 *
 * Every command handler returns 0 or a positive errno; on failure it has
 * stored a message for the user with vsctl_error(), and main() prints it
 * and exits with status 1 without committing anything. */
#ifndef NICFLOW_OVSDB_VSCTL_H
#define NICFLOW_OVSDB_VSCTL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/hmap.h"
#include "lib/util.h"
#include "ovsdb/datum.h"
#include "ovsdb/idl.h"
#include "ovsdb/schema.h"
#include "ovsdb/types.h"
#include "ovsdb/uuid.h"

struct vsctl_context;
struct vsctl_cache;
struct vsctl_table;

/* Named rows: the "@name" symbols of --id options and of values. */
struct vsctl_symbol {
    char *name;
    struct ovsdb_uuid uuid;
    bool created;    /* A --id option defined it. */
    bool strong_ref; /* A strong reference to it was written. */
    bool weak_ref;   /* A weak reference to it was written. */
};

struct vsctl_symtab {
    struct vsctl_symbol *syms;
    size_t n, allocated;
};

void vsctl_symtab_init(struct vsctl_symtab *);
void vsctl_symtab_destroy(struct vsctl_symtab *);
struct vsctl_symbol *vsctl_symtab_find(const struct vsctl_symtab *,
                                       const char *name);
/* Returns the symbol NAME, adding it with a fresh UUID if it is new. */
struct vsctl_symbol *vsctl_symtab_get(struct vsctl_symtab *, const char *name);

/* Commands. */

typedef int vsctl_handler(struct vsctl_context *);

enum vsctl_mode {
    VSCTL_RO, /* Reads the database only. */
    VSCTL_RW, /* May change the database. */
};

/* One command of ovs-vsctl's syntax, as a row of a declarative table. */
struct vsctl_command_syntax {
    const char *name;
    int min_args, max_args; /* Not counting the command name. */
    /* Options the command accepts, ovs-vsctl style: a comma-separated list
     * of "--name" (a flag) and "--name=" (takes a value). */
    const char *options;
    vsctl_handler *run;
    /* Called after a successful commit (e.g. "create" prints the UUID the
     * server gave), or NULL. */
    vsctl_handler *postprocess;
    enum vsctl_mode mode;
    const char *section;   /* --help section. */
    const char *arguments; /* --help synopsis, after the name. */
    const char *help;      /* --help description, or NULL: not listed. */
};

/* The command tables of each source file, ended by a null name. */
extern const struct vsctl_command_syntax vsctl_db_commands[];
extern const struct vsctl_command_syntax vsctl_bridge_commands[];
extern const struct vsctl_command_syntax vsctl_misc_commands[];

struct vsctl_option {
    char *name;  /* "--may-exist". */
    char *value; /* After "=", or NULL. */
};

/* One command of the chain, as parsed from the command line. */
struct vsctl_command {
    const struct vsctl_command_syntax *syntax;
    int argc;    /* Including the command name. */
    char **argv; /* argv[0] is the command name (borrowed). */
    struct vsctl_option *options;
    size_t n_options;
    struct buf output;         /* Text output. */
    struct vsctl_table *table; /* Table output (list, find), or NULL. */
};

/* Everything a command handler works with.  The fields above "per
 * command" last for one attempt at the whole chain (a transaction);
 * main() rebuilds them when the transaction must be tried again. */
struct vsctl_context {
    struct ovsdb_idl *idl;
    struct ovsdb_idl_txn *txn;
    const struct ovsdb_schema *schema;
    const struct ovsdb_idl_row *ovs; /* The Open_vSwitch row. */
    struct vsctl_symtab *symtab;

    /* The rows this transaction inserted and deleted, so that commands see
     * the database as the chain has changed it so far (the IDL iterates
     * replica rows only).  INSERTED keeps the order of insertion, which
     * vsctl_rows() reports; the indexes make each look-up O(1), since a
     * chain of N commands asks O(N) times each (vsctl-rows.c). */
    const struct ovsdb_idl_row **inserted;
    size_t n_inserted, allocated_inserted;
    struct hmap inserted_index; /* By UUID. */
    struct hmap deleted_index;  /* By row address. */

    /* The bridges' ports and the ports' interfaces were verified once:
     * like ovs-vsctl, the chain verifies them once, not once per command,
     * which would cost O(ports) per command. */
    bool verified_ports;

    /* The bridge/port/interface cache (vsctl-bridge.c), or NULL. */
    struct vsctl_cache *cache;

    /* The columns the chain wrote so far, by row and column name: "add"
     * merges into a value written earlier the way ovs-vsctl does. */
    struct hmap written;

    /* Interfaces that nicflowd should set up, checked after waiting. */
    struct ovsdb_uuid *new_ifaces;
    size_t n_new_ifaces;

    /* An error that ovs-vsctl gets back from the server at commit time
     * (its client lets such a value through); reported as a transaction
     * error instead of committing. */
    char *deferred_error;

    /* The whole chain, and the command running now. */
    struct vsctl_command *commands;
    size_t n_commands;
    struct vsctl_command *cmd;
    int argc;
    char **argv;
    char *error;    /* Set by vsctl_error(). */
    bool try_again; /* wait-until: the condition does not hold yet. */
    int exit_code;  /* Nonzero: exit at once with this status. */
};

/* Stores a message for the user in CTX and returns EINVAL, so that a
 * handler can "return vsctl_error(ctx, ...)". */
int vsctl_error(struct vsctl_context *, const char *fmt, ...) NF_PRINTF(2, 3);

/* Whether the current command was given option NAME ("--if-exists"), and
 * its value (NULL for a flag or an absent option). */
bool vsctl_has_option(const struct vsctl_context *, const char *name);
const char *vsctl_option_value(const struct vsctl_context *, const char *name);

/* The current command as "--opt cmd arg...", as ovs-vsctl quotes it in
 * --may-exist conflicts (caller frees). */
char *vsctl_command_to_string(const struct vsctl_context *);

/* Rows as the chain sees them (vsctl-rows.c). */

/* Inserts a row into TABLE (UUID may be NULL for a fresh one). */
const struct ovsdb_idl_row *vsctl_insert(struct vsctl_context *,
                                         const char *table,
                                         const struct ovsdb_uuid *uuid);

/* Deletes ROW.  Like Open vSwitch's IDL, a row of a non-root table is not
 * deleted explicitly: the server collects it once nothing refers to it. */
void vsctl_delete(struct vsctl_context *, const struct ovsdb_idl_row *);

bool vsctl_row_is_deleted(const struct vsctl_context *,
                          const struct ovsdb_idl_row *);
bool vsctl_row_is_inserted(const struct vsctl_context *,
                           const struct ovsdb_idl_row *);

/* The live rows of TABLE in a new array (caller frees): replica rows in
 * UUID order, then the rows the chain inserted. */
size_t vsctl_rows(const struct vsctl_context *, const char *table,
                  const struct ovsdb_idl_row ***rowsp);

/* The live row of TABLE with UUID, or NULL. */
const struct ovsdb_idl_row *vsctl_row_by_uuid(const struct vsctl_context *,
                                              const char *table,
                                              const struct ovsdb_uuid *);

/* The row that element IDX of reference column COLUMN of ROW refers to (the
 * key side, or the value side of a map whose keys are not references), or
 * NULL. */
const struct ovsdb_idl_row *vsctl_deref(const struct vsctl_context *,
                                        const struct ovsdb_idl_row *row,
                                        const char *column, unsigned int idx);

/* The value of COLUMN of ROW (an empty datum if unknown), and its type. */
const struct ovsdb_datum *vsctl_read(const struct ovsdb_idl_row *,
                                     const char *column);
const struct ovsdb_type *vsctl_column_type(const struct vsctl_context *,
                                           const char *table,
                                           const char *column);

/* Writes *DATUM (taken) to COLUMN of ROW.  Returns 0 or EINVAL with a
 * message in CTX. */
int vsctl_write(struct vsctl_context *, const struct ovsdb_idl_row *,
                const char *column, struct ovsdb_datum *datum);
int vsctl_write_string(struct vsctl_context *, const struct ovsdb_idl_row *,
                       const char *column, const char *value);
int vsctl_write_integer(struct vsctl_context *, const struct ovsdb_idl_row *,
                        const char *column, int64_t value);
int vsctl_write_boolean(struct vsctl_context *, const struct ovsdb_idl_row *,
                        const char *column, bool value);
/* Sets COLUMN, a set or map of references, to the N rows ROWS. */
int vsctl_write_refs(struct vsctl_context *, const struct ovsdb_idl_row *,
                     const char *column, const struct ovsdb_idl_row **rows,
                     size_t n);
/* Empties COLUMN. */
int vsctl_clear(struct vsctl_context *, const struct ovsdb_idl_row *,
                const char *column);
void vsctl_verify(struct vsctl_context *, const struct ovsdb_idl_row *,
                  const char *column);
/* Records that the chain wrote COLUMN of ROW (done by the writers above;
 * callers that write through the IDL directly call it themselves). */
void vsctl_mark_written(struct vsctl_context *, const struct ovsdb_idl_row *,
                        const char *column);
bool vsctl_was_written(const struct vsctl_context *,
                       const struct ovsdb_idl_row *, const char *column);
/* Frees what the functions above recorded in CTX (inserted and deleted
 * rows, written columns). */
void vsctl_rows_reset(struct vsctl_context *);

/* Look-up of a record named on the command line, with ovs-vsctl's rules
 * for TABLE (a schema table name).  Returns 0 with *ROWP the row or, if
 * !MUST_EXIST, possibly NULL; or EINVAL with a message in CTX. */
int vsctl_get_row(struct vsctl_context *, const char *table,
                  const char *record_id, bool must_exist,
                  const struct ovsdb_idl_row **rowp);

/* The schema table whose name TABLE abbreviates (unique prefix,
 * case-insensitive, "-" for "_"). */
int vsctl_get_table(struct vsctl_context *, const char *name,
                    const struct ovsdb_table_schema **tsp);
int vsctl_get_column(struct vsctl_context *, const struct ovsdb_table_schema *,
                     const char *name, const struct ovsdb_column **columnp);
/* The same look-ups without a message: NULL if none or ambiguous. */
const struct ovsdb_table_schema *
vsctl_quiet_table(const struct vsctl_context *, const char *name);
const struct ovsdb_column *
vsctl_quiet_column(const struct ovsdb_table_schema *, const char *name);

/* The "set" command's COLUMN[:KEY]=VALUE on ROW of TS. */
int vsctl_set_column(struct vsctl_context *, const struct ovsdb_table_schema *,
                     const struct ovsdb_idl_row *, const char *arg);

/* Prints the row-reference rules of every table, for --help. */
void vsctl_print_row_id_help(void);

/* Values in ovs-vsctl's syntax (vsctl-data.c). */

/* Parses one atom of BASE from S (a whole token; a string may be in
 * double quotes with JSON escapes; "@name" is a named row through SYMTAB,
 * which may be NULL).  RANGE_OK allows "A-B" for integers: *RANGE_END
 * then receives B (else *RANGE_END = *ATOM).  Returns NULL or an error
 * message (caller frees). */
char *vsctl_atom_from_string(union ovsdb_atom *atom,
                             const struct ovsdb_base_type *base, const char *s,
                             struct vsctl_symtab *symtab, bool range_ok,
                             int64_t *range_end);

/* Parses a whole datum of TYPE ("a,b", "[a, b]", "{k=v}", "k=v,..."). */
char *vsctl_datum_from_string(struct ovsdb_datum *d,
                              const struct ovsdb_type *type, const char *s,
                              struct vsctl_symtab *symtab);

/* Splits one token off *S (quotes kept, backslash escapes resolved),
 * stopping at a delimiter (":=, []{}!<>") outside quotes.  Returns NULL or
 * an error message. */
char *vsctl_token_parse(const char **s, char **tokenp);

void vsctl_atom_to_string(const union ovsdb_atom *,
                          enum ovsdb_atomic_type type, struct buf *out);
void vsctl_datum_to_string(const struct ovsdb_datum *,
                           const struct ovsdb_type *, struct buf *out);
void vsctl_datum_to_bare(const struct ovsdb_datum *, const struct ovsdb_type *,
                         struct buf *out);

/* Output tables (vsctl-table.c). */

enum vsctl_format {
    VSCTL_FMT_TABLE,
    VSCTL_FMT_LIST,
    VSCTL_FMT_HTML,
    VSCTL_FMT_CSV,
    VSCTL_FMT_JSON,
};

enum vsctl_cell_format {
    VSCTL_CELL_STRING,
    VSCTL_CELL_BARE,
    VSCTL_CELL_JSON,
};

struct vsctl_style {
    enum vsctl_format format;
    enum vsctl_cell_format cell_format;
    bool headings;
    bool pretty;
};

struct vsctl_table *vsctl_table_create(void);
void vsctl_table_destroy(struct vsctl_table *);
void vsctl_table_add_column(struct vsctl_table *, const char *heading);
void vsctl_table_add_row(struct vsctl_table *);
/* Sets cell COLUMN of the last row to a copy of D of TYPE (which must
 * outlive the table). */
void vsctl_table_set_cell(struct vsctl_table *, size_t column,
                          const struct ovsdb_datum *d,
                          const struct ovsdb_type *type);
void vsctl_table_print(const struct vsctl_table *, const struct vsctl_style *);

/* The type of "_uuid" cells: a UUID that refers to no table. */
const struct ovsdb_type *vsctl_uuid_type(void);

/* The bridge cache (vsctl-bridge.c). */

/* Forgets the cache; the next command that needs it rebuilds it from the
 * rows (after a generic command changed them behind its back). */
void vsctl_cache_invalidate(struct vsctl_context *);

/* Builds the cache from the rows if it is not there.  Returns 0. */
int vsctl_cache_populate(struct vsctl_context *);

/* For vsctl-misc.c: the bridge named NAME, its configuration row (the
 * parent's for a fake bridge) and whether it is fake.  Returns 0 or EINVAL
 * with a message ("no bridge named ..."). */
int vsctl_find_bridge_row(struct vsctl_context *, const char *name,
                          bool must_exist, bool real_only,
                          const struct ovsdb_idl_row **br_cfgp, bool *fakep);

/* Whether TARGET looks like a connection method ovs-vsctl knows (active
 * or passive, for OpenFlow if OPENFLOW, else for OVSDB). */
bool vsctl_target_is_known(const char *target, bool openflow);

#endif /* NICFLOW_OVSDB_VSCTL_H */
