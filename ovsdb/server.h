/* server.h: nicflow-dbd's protocol engine — the databases it serves, the
 * RFC 7047 methods and their extensions, monitors, locks and durable
 * commits.  The program frame (options, control socket) is in dbd.c.
 *
 * Durability: every transaction that changes persistent data is appended
 * to its database's log and acknowledged only once the log's sync thread
 * has made it durable (group commit, see log.h), whether or not the client
 * asked for "durable": true.  Monitors see a change as soon as it is in
 * memory, before it is durable, as with ovsdb-server. */
#ifndef NICFLOW_OVSDB_SERVER_H
#define NICFLOW_OVSDB_SERVER_H 1

#include <stdbool.h>

struct buf;
struct evloop;
struct ovsdb_server;

struct ovsdb_server *ovsdb_server_create(struct evloop *);

/* Closes every session, flushes and closes every database log. */
void ovsdb_server_destroy(struct ovsdb_server *);

/* Opens the database file PATH (replaying its log, truncating a damaged
 * tail with a warning) and serves it.  Returns 0, or a positive errno with
 * a message in *ERRP (caller frees). */
int ovsdb_server_add_db(struct ovsdb_server *, const char *path, char **errp);

/* Adds a remote: "punix:", "ptcp:", "pssl:", "unix:", "tcp:", "ssl:", or
 * "db:DB,TABLE,COLUMN" (remotes named by a column of the database: a
 * string column, or references to rows with a "target" column, like
 * Open_vSwitch's manager_options).  Returns 0 or an errno with *ERRP. */
int ovsdb_server_add_remote(struct ovsdb_server *, const char *name,
                            char **errp);
int ovsdb_server_remove_remote(struct ovsdb_server *, const char *name);

/* Appends the configured remotes, one a line (ovsdb-server/list-remotes). */
void ovsdb_server_list_remotes(const struct ovsdb_server *, struct buf *);

/* Appends the database names, one a line (ovsdb-server/list-dbs). */
void ovsdb_server_list_dbs(const struct ovsdb_server *, struct buf *);

/* Sets the SSL files, each a file name or "db:DB,TABLE,COLUMN" resolved
 * against the databases (re-read when they change).  NULL leaves one
 * unset. */
void ovsdb_server_set_ssl(struct ovsdb_server *, const char *private_key,
                          const char *certificate, const char *ca_cert,
                          bool bootstrap_ca_cert);

/* Compacts DB_NAME (NULL: every database).  Returns 0 or an errno with
 * *ERRP. */
int ovsdb_server_compact(struct ovsdb_server *, const char *db_name,
                         char **errp);

/* Appends memory/show figures ("cells:N monitors:N sessions:N ..."). */
void ovsdb_server_memory_report(const struct ovsdb_server *, struct buf *);

#endif
