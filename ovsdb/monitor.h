/* monitor.h: OVSDB monitors — "monitor" (RFC 7047 §4.1.5, "update"
 * notifications), "monitor_cond" (update2) and "monitor_cond_since"
 * (update3), as ovsdb-server(7) describes them.
 *
 * A monitor belongs to one client session and one database.  It is created
 * from the client's request, produces the initial contents for the reply,
 * and then, for every committed transaction, the table-updates to send.
 * The server owns the sending; this module only computes JSON.
 *
 * Transaction ids: like a standalone ovsdb-server, this server keeps no
 * transaction history, so monitor_cond_since always answers found=false
 * with the all-zeros id and sends the full contents; clients then resync,
 * which the protocol allows ("if the server does not support transaction
 * uuid, it will be zero uuid"). */
#ifndef NICFLOW_OVSDB_MONITOR_H
#define NICFLOW_OVSDB_MONITOR_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "ovsdb/error.h"

struct ovsdb;
struct ovsdb_txn;
struct ovsdb_monitor;

enum ovsdb_monitor_version {
    OVSDB_MONITOR_V1, /* "monitor" -> "update". */
    OVSDB_MONITOR_V2, /* "monitor_cond" -> "update2". */
    OVSDB_MONITOR_V3, /* "monitor_cond_since" -> "update3". */
};

/* Parses REQUESTS (borrowed), the <monitor-requests> or
 * <monitor-cond-requests> object, for DB.  Returns 0 with a new monitor in
 * *MONP, or EINVAL with an error ("syntax error", "unknown table", "unknown
 * column") in *ERRP. */
int ovsdb_monitor_create(struct ovsdb *db, enum ovsdb_monitor_version,
                         const json_t *requests, struct ovsdb_monitor **monp,
                         struct ovsdb_error **errp);

void ovsdb_monitor_destroy(struct ovsdb_monitor *);

enum ovsdb_monitor_version
ovsdb_monitor_get_version(const struct ovsdb_monitor *);

/* A string that equals another monitor's key (on the same database) only
 * if both produce the same updates for every transaction, so that a
 * server can compute and serialise an update once for all of them; the
 * hash of the key in *HASHP.  NULL if the monitor has no key (its
 * conditions were changed). */
const char *ovsdb_monitor_get_key(const struct ovsdb_monitor *,
                                  uint32_t *hashp);

/* The initial contents (new reference): <table-updates> (V1, rows as
 * {"new": row}) or <table-updates2> (V2/V3, rows as {"initial": row}),
 * for tables whose select includes "initial". */
json_t *ovsdb_monitor_get_initial(const struct ovsdb_monitor *);

/* The updates TXN produced for this monitor (new reference), or NULL if
 * none concern it. */
json_t *ovsdb_monitor_get_update(const struct ovsdb_monitor *,
                                 const struct ovsdb_txn *txn);

/* monitor_cond_change: replaces the conditions (and, if given, columns) of
 * the tables in REQUESTS (borrowed).  Returns 0 and, in *UPDATEP, the
 * update2 contents describing rows that newly match (as "insert") or no
 * longer match (as "delete"), or NULL if none; or EINVAL with *ERRP. */
int ovsdb_monitor_change(struct ovsdb_monitor *, const json_t *requests,
                         json_t **updatep, struct ovsdb_error **errp);

#endif
