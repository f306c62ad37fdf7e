/* idl-private.h: what idl.c (sessions and the replica) and idl-txn.c
 * (transactions) share.  Not for callers of the IDL. */
#ifndef NICFLOW_OVSDB_IDL_PRIVATE_H
#define NICFLOW_OVSDB_IDL_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/hmap.h"
#include "lib/list.h"
#include "ovsdb/idl.h"
#include "ovsdb/schema.h"

struct evloop_timer;
struct jsonrpc_conn;
struct jsonrpc_msg;
struct idl_txn_row;

/* A replicated table.  Registration (name, columns) outlives sessions;
 * the rest follows the schema of the current session. */
struct ovsdb_idl_table {
    struct ovsdb_idl *idl;
    char *name;
    bool all_columns; /* ovsdb_idl_add_table(). */
    char **col_names; /* ovsdb_idl_add_column(). */
    size_t n_col_names;

    const struct ovsdb_table_schema *ts; /* NULL: not in the schema. */
    bool *monitored;                     /* ts->n_columns flags. */
    size_t n_monitored;
    struct hmap rows;   /* Live rows, by ovsdb_uuid_hash(). */
    struct dlist track; /* Live rows and tombstones, oldest
                                     * change first. */
};

struct ovsdb_idl_row {
    struct hmap_node hmap_node; /* In table->rows (live rows). */
    struct dlist track_node;    /* In table->track; self-linked for a
                                     * row a transaction inserted. */
    struct ovsdb_uuid uuid;
    struct ovsdb_idl_table *table;
    struct ovsdb_datum *data; /* ts->n_columns values; empty for
                                     * columns not replicated. */
    uint64_t *col_seqno;      /* Last change of each column. */
    uint64_t insert_seqno, change_seqno, delete_seqno;
    bool txn_inserted;           /* Owned by a transaction. */
    bool mark;                   /* Not yet seen while replacing. */
    struct idl_txn_row *txn_row; /* The open transaction's changes. */
};

enum idl_state {
    IDL_S_IDLE,           /* No session; see next_attempt. */
    IDL_S_LIST_DBS,       /* "list_dbs" sent. */
    IDL_S_SERVER_MONITOR, /* "monitor_cond" on _Server sent. */
    IDL_S_GET_SCHEMA,     /* "get_schema" sent. */
    IDL_S_MONITOR,        /* "monitor_cond(_since)" sent. */
    IDL_S_ACTIVE,         /* Replica in sync. */
};

struct ovsdb_idl {
    char *remote;
    char *db_name;

    /* Registration. */
    struct ovsdb_idl_table **tables;
    size_t n_tables;
    bool add_all;
    bool reg_changed; /* Registration changed since the
                                     * schema was installed. */
    bool track_deleted;
    char *lock_name;

    /* Schema of the current (or last) session. */
    struct ovsdb_schema *schema;
    json_t *schema_json;
    uint64_t schema_seqno;

    /* Session. */
    struct jsonrpc_conn *conn;
    enum idl_state state;
    json_t *request_id; /* Handshake request awaiting reply. */
    json_t *lock_request_id;
    bool use_since; /* Cleared by "unknown method". */
    struct ovsdb_uuid last_id;
    long long next_attempt; /* Monotonic msec. */
    int backoff_ms;
    bool ever_synced;
    unsigned int sync_count;
    char *last_error;
    int last_errno;
    bool db_missing;
    bool has_lock;
    bool lock_contended;
    struct ovsdb_uuid server_row; /* This database's _Server row. */
    bool server_row_valid;

    uint64_t seqno;
    bool notify; /* Something for the callback. */

    struct ovsdb_idl_txn *txn; /* The one transaction, if any. */

    /* Event loop attachment. */
    struct evloop *loop;
    ovsdb_idl_notify_cb *cb;
    void *cb_aux;
    bool in_cb;
    int reg_fd;
    uint32_t reg_events;
    struct evloop_timer *timer;
    long long timer_at;
};

/* idl.c. */
struct ovsdb_idl_table *ovsdb_idl_find_table(const struct ovsdb_idl *,
                                             const char *name);
int ovsdb_idl_column_index(const struct ovsdb_idl_table *, const char *column);
struct ovsdb_idl_table *ovsdb_idl_get_write_table(struct ovsdb_idl *,
                                                  const char *name);
char *ovsdb_idl_error_to_string(const json_t *error);
struct ovsdb_idl_row *ovsdb_idl_row_alloc(struct ovsdb_idl_table *,
                                          const struct ovsdb_uuid *);
void ovsdb_idl_row_free(struct ovsdb_idl_row *);
int ovsdb_idl_send(struct ovsdb_idl *, struct jsonrpc_msg *);
void ovsdb_idl_changed(struct ovsdb_idl *);

/* idl-row.c. */

/* Frees every row of the table, live or kept for tracking. */
void ovsdb_idl_table_clear(struct ovsdb_idl_table *);

/* Applies <table-updates2> UPDATES (borrowed) to the replica: as a diff,
 * or with REPLACE as the whole new contents (rows it lacks are deleted).
 * Returns 0, or EPROTO with *ERRP (caller frees); the replica may then be
 * partly updated and the caller resyncs. */
int ovsdb_idl_apply_updates(struct ovsdb_idl *, const json_t *updates,
                            bool replace, char **errp);

/* idl-txn.c, called from idl.c. */

/* Handles the reply MSG (borrowed) if it answers IDL's transaction;
 * returns true if it did. */
bool ovsdb_idl_txn_process_reply(struct ovsdb_idl *,
                                 const struct jsonrpc_msg *msg);

/* The session failed: an INCOMPLETE transaction becomes TRY_AGAIN. */
void ovsdb_idl_txn_session_lost(struct ovsdb_idl *);

/* The schema is about to be replaced: drop every value typed by it. */
void ovsdb_idl_txn_schema_reset(struct ovsdb_idl *);

/* Frees the transaction state of ROW (the row is being freed). */
void ovsdb_idl_txn_row_gone(struct ovsdb_idl_row *);

/* The value of column IDX of ROW written by the open transaction, or
 * NULL. */
const struct ovsdb_datum *ovsdb_idl_txn_written(const struct ovsdb_idl_row *,
                                                unsigned int idx);

#endif /* NICFLOW_OVSDB_IDL_PRIVATE_H */
