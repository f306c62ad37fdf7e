/* server-private.h: what ovsdb/server.c (sessions, transactions,
 * monitors, locks, compaction) and ovsdb/server-remotes.c (the remotes
 * and SSL settings, including those read from the database through
 * "db:DB,TABLE,COLUMN" references) share.  Not for use elsewhere. */
#ifndef NICFLOW_OVSDB_SERVER_PRIVATE_H
#define NICFLOW_OVSDB_SERVER_PRIVATE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/list.h"
#include "ovsdb/server.h"
#include "ovsdb/uuid.h"

struct evloop_timer;
struct ovsdb;
struct ovsdb_log;
struct ovsdb_monitor;
struct ovsdb_remotes;
struct ovsdb_lock_table;
struct ovsdb_session;

struct server_db {
    struct dlist node; /* In server->dbs. */
    struct ovsdb_server *server;
    char *name;
    struct ovsdb *db;
    struct ovsdb_log *log;       /* NULL for _Server. */
    json_t *schema_json;         /* For get_schema. */
    struct dlist monitors;       /* Contains struct smon (db_node). */
    struct dlist waiting;        /* Transactions blocked on "wait". */
    struct dlist unsynced;       /* Replies waiting for durability. */
    struct dlist queued_updates; /* Updates waiting for durability. */
    uint64_t size_after_compact;
};

/* Per-session state. */
struct sdata {
    struct ovsdb_server *server;
    struct ovsdb_session *session;
    struct dlist monitors; /* Contains struct smon (node). */
    struct dlist pendings; /* Contains struct pending (s_node). */
    size_t n_queued;       /* Its updates in queued_updates lists. */
};

struct smon {
    struct dlist node;    /* In sdata->monitors. */
    struct dlist db_node; /* In server_db->monitors. */
    struct sdata *sd;
    struct server_db *sdb;
    json_t *id;
    struct ovsdb_monitor *mon;
};

/* A "transact" that cannot be answered yet. */
struct pending {
    struct dlist node;   /* In server_db's waiting/unsynced. */
    struct dlist s_node; /* In sdata->pendings. */
    struct sdata *sd;
    struct server_db *sdb;
    json_t *id;
    json_t *ops;    /* While waiting on "wait". */
    json_t *result; /* While waiting for durability. */
    uint64_t seqno;
    long long start_msec;
    struct evloop_timer *timer; /* "wait" deadline. */
};

/* A monitor update held back until the change it reports is durable, so
 * that no client learns of a change a crash could still lose (as with
 * ovsdb-server and "durable": true).  Kept in commit order. */
struct queued_update {
    struct dlist node; /* In server_db->queued_updates. */
    uint64_t seqno;
    struct smon *m;
    char *text; /* The serialised notification. */
    size_t len;
};

/* A "db:DB,TABLE,COLUMN" remote or SSL file reference. */
struct db_ref {
    char *db, *table, *column;
};

struct db_remote {
    struct dlist node;
    char *spec; /* As given. */
    struct db_ref ref;
    char **targets; /* Remotes currently derived. */
    size_t n_targets;
};

struct ovsdb_server {
    struct evloop *loop;
    struct ovsdb_remotes *remotes;
    struct ovsdb_lock_table *locks;
    struct dlist dbs;
    struct server_db *server_db; /* _Server. */
    struct dlist db_remotes;     /* Contains struct db_remote. */
    char **plain_remotes;        /* Remotes given directly. */
    size_t n_plain_remotes;
    char *ssl_key, *ssl_cert, *ssl_ca;
    bool ssl_bootstrap;
    char *applied_key, *applied_cert, *applied_ca;
    struct ovsdb_uuid server_id;
};

/* The database named NAME served by SERVER, or NULL. */
struct server_db *ovsdb_server_find_db(const struct ovsdb_server *server,
                                       const char *name);

/* Remotes and SSL (server-remotes.c). */

/* Works out again the remotes that "db:" references name, from the
 * databases' current contents, and adds and removes listeners and
 * connections to match; called after every commit that could change
 * them and when remotes are added or removed. */
void ovsdb_server_refresh_db_remotes(struct ovsdb_server *server);
/* Applies the SSL key, certificate and CA settings (files or "db:"
 * references) if what they resolve to changed. */
void ovsdb_server_refresh_ssl(struct ovsdb_server *server);
/* Frees the N strings of LIST and LIST. */
void ovsdb_server_free_strings(char **list, size_t n);

#endif /* server-private.h */
