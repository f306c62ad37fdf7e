/* remote.h: nicflow-dbd's connections — listeners ("punix:", "ptcp:",
 * "pssl:"), outgoing connections ("unix:", "tcp:", "ssl:", reconnected with
 * backoff) and the client sessions on them.
 *
 * This layer owns the sockets and the JSON-RPC framing, applies the
 * per-connection limits, probes idle peers with "echo", and hands every
 * received request to the server's dispatcher.  It knows nothing about
 * databases.
 *
 * Limits, per session:
 *   - one message at most OVSDB_MAX_MESSAGE bytes (the framer closes the
 *     connection beyond it);
 *   - at most OVSDB_MAX_PENDING requests being processed (transactions
 *     waiting for durability or for a "wait" operation): beyond it the
 *     session stops reading, so a client cannot queue unbounded work;
 *   - at most OVSDB_MAX_BACKLOG bytes of replies and updates not yet read
 *     by the client: beyond it the client is disconnected, with a logged
 *     reason, because it never reads what it asked for;
 *   - TCP and SSL peers silent for the inactivity probe interval (5 s, as
 *     ovsdb-server) get an "echo" request; silent for another interval,
 *     they are disconnected.  Unix socket peers are local and not probed. */
#ifndef NICFLOW_OVSDB_REMOTE_H
#define NICFLOW_OVSDB_REMOTE_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct evloop;
struct jsonrpc_msg;
struct ovsdb_session;
struct ovsdb_remotes;
struct buf;

#define OVSDB_MAX_MESSAGE (64u * 1024 * 1024)
#define OVSDB_MAX_PENDING 1024
#define OVSDB_MAX_BACKLOG (256u * 1024 * 1024)
#define OVSDB_PROBE_INTERVAL_MS 5000

/* The server's side of the remote layer. */
struct ovsdb_remote_handler {
    /* A request or notification arrived on SESSION.  The handler takes
     * MSG.  "echo" requests are answered by the remote layer itself and
     * never reach here. */
    void (*request)(struct ovsdb_session *, struct jsonrpc_msg *msg,
                    void *aux);
    /* SESSION is about to be freed: drop monitors, locks, pending
     * transactions that refer to it. */
    void (*closing)(struct ovsdb_session *, void *aux);
    void *aux;
};

struct ovsdb_remotes *
ovsdb_remotes_create(struct evloop *, const struct ovsdb_remote_handler *);

/* Closes every listener and session (calling 'closing' for each). */
void ovsdb_remotes_destroy(struct ovsdb_remotes *);

/* Adds remote NAME ("punix:PATH", "ptcp:PORT[:IP]", "pssl:PORT[:IP]",
 * "unix:PATH", "tcp:IP[:PORT]", "ssl:IP[:PORT]"; default port 6640).
 * Returns 0, EEXIST if already present, or the error of opening a listener
 * (with *ERRP, caller frees, saying why).  An active remote that cannot
 * connect yet is not an error: it is retried with backoff. */
int ovsdb_remotes_add(struct ovsdb_remotes *, const char *name, char **errp);

/* Removes remote NAME and closes its sessions.  Returns 0 or ENOENT. */
int ovsdb_remotes_remove(struct ovsdb_remotes *, const char *name);

/* Appends the remotes' names, one a line, sorted. */
void ovsdb_remotes_list(const struct ovsdb_remotes *, struct buf *);

/* Number of sessions, for memory/show. */
size_t ovsdb_remotes_n_sessions(const struct ovsdb_remotes *);

/* Sends MSG (taken) to SESSION.  Disconnects the session if its unread
 * backlog exceeds OVSDB_MAX_BACKLOG.  Returns 0 or an errno (the session
 * is then closing; do not send more). */
int ovsdb_session_send(struct ovsdb_session *, struct jsonrpc_msg *msg);

/* Like ovsdb_session_send(), for a message already serialised: the LEN
 * bytes at TEXT (taken, malloc()ed; see jsonrpc_conn_send_text()). */
int ovsdb_session_send_text(struct ovsdb_session *, char *text, size_t len);

/* Tells the remote layer SESSION has N more (positive) or fewer (negative)
 * requests in progress, for the OVSDB_MAX_PENDING limit. */
void ovsdb_session_add_pending(struct ovsdb_session *, int n);

/* The peer's name, for logs. */
const char *ovsdb_session_name(const struct ovsdb_session *);

/* Per-session data owned by the server layer. */
void *ovsdb_session_get_data(const struct ovsdb_session *);
void ovsdb_session_set_data(struct ovsdb_session *, void *data);

/* Calls CB for every session (e.g. to send "update" notifications). */
void ovsdb_remotes_for_each_session(struct ovsdb_remotes *,
                                    void (*cb)(struct ovsdb_session *,
                                               void *aux),
                                    void *aux);

#endif
