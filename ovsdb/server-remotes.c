/* server-remotes.c: the remotes nicflow-dbd listens on or connects to,
 * given directly (--remote=ptcp:..., punix:...) or through references
 * into its databases ("db:Open_vSwitch,Open_vSwitch,manager_options"),
 * which are read again after every commit, and its SSL settings, which
 * may be references too. */
#include "ovsdb/server.h"
#include "ovsdb/server-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/db.h"
#include "ovsdb/remote.h"

VLOG_DEFINE_THIS_MODULE(ovsdb_server_remotes);

/* Remotes. */

static int
parse_db_ref(const char *spec, struct db_ref *ref)
{
    /* "db:DB,TABLE,COLUMN" */
    const char *s = spec + 3;
    const char *c1 = strchr(s, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
    if (!nf_str_prefix(spec, "db:") || !c1 || !c2 || strchr(c2 + 1, ',')
        || c1 == s || c2 == c1 + 1 || !c2[1]) {
        return EINVAL;
    }
    ref->db = xstrndup(s, (size_t) (c1 - s));
    ref->table = xstrndup(c1 + 1, (size_t) (c2 - c1 - 1));
    ref->column = xstrdup(c2 + 1);
    return 0;
}

static void
db_ref_destroy(struct db_ref *ref)
{
    free(ref->db);
    free(ref->table);
    free(ref->column);
}

static void
add_string(char ***list, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++) {
        if (!strcmp((*list)[i], s)) {
            return;
        }
    }
    *list = xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = xstrdup(s);
}

/* Collects the strings REF names: the string values of the column, or for
 * a column of references, the "target" column of the referenced rows. */
static void
resolve_db_ref(const struct ovsdb_server *server, const struct db_ref *ref,
               char ***out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    struct server_db *sdb = ovsdb_server_find_db(server, ref->db);
    struct ovsdb_table *table =
        sdb ? ovsdb_get_table(sdb->db, ref->table) : NULL;
    if (!table) {
        return;
    }
    const struct ovsdb_column *col = ovsdb_table_schema_get_column(
        ovsdb_table_get_schema(table), ref->column);
    if (!col) {
        return;
    }
    const struct ovsdb_table_schema *ref_ts =
        col->type.key.type == OVSDB_TYPE_UUID ? col->type.key.u.uuid.ref_table
                                              : NULL;
    struct ovsdb_table *ref_table =
        ref_ts ? ovsdb_get_table(sdb->db, ref_ts->name) : NULL;
    const struct ovsdb_column *target =
        ref_ts ? ovsdb_table_schema_get_column(ref_ts, "target") : NULL;

    for (const struct ovsdb_row *row = ovsdb_table_first_row(table); row;
         row = ovsdb_table_next_row(table, row)) {
        const struct ovsdb_datum *d = ovsdb_row_get_datum(row, col);
        for (unsigned int i = 0; i < d->n; i++) {
            if (col->type.key.type == OVSDB_TYPE_STRING) {
                add_string(out, n_out, d->keys[i].string->s);
            } else if (ref_table && target
                       && target->type.key.type == OVSDB_TYPE_STRING) {
                const struct ovsdb_row *r =
                    ovsdb_table_find_row(ref_table, &d->keys[i].uuid);
                const struct ovsdb_datum *t =
                    r ? ovsdb_row_get_datum(r, target) : NULL;
                for (unsigned int j = 0; t && j < t->n; j++) {
                    add_string(out, n_out, t->keys[j].string->s);
                }
            }
        }
    }
}

void
ovsdb_server_free_strings(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(list[i]);
    }
    free(list);
}

static bool
contains_string(char **list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(list[i], s)) {
            return true;
        }
    }
    return false;
}

void
ovsdb_server_refresh_db_remotes(struct ovsdb_server *server)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);
    struct db_remote *dr;
    DLIST_FOR_EACH (dr, node, &server->db_remotes) {
        char **now;
        size_t n_now;
        resolve_db_ref(server, &dr->ref, &now, &n_now);
        for (size_t i = 0; i < dr->n_targets; i++) {
            if (!contains_string(now, n_now, dr->targets[i])) {
                ovsdb_remotes_remove(server->remotes, dr->targets[i]);
                VLOG_INFO("%s: removed remote %s", dr->spec, dr->targets[i]);
            }
        }
        /* A remote that could not be opened (say, pssl: before the SSL
         * files are configured) is not recorded, so that the next change
         * to the database tries it again. */
        char **active = NULL;
        size_t n_active = 0;
        for (size_t i = 0; i < n_now; i++) {
            if (contains_string(dr->targets, dr->n_targets, now[i])) {
                add_string(&active, &n_active, now[i]);
                continue;
            }
            char *err = NULL;
            int error = ovsdb_remotes_add(server->remotes, now[i], &err);
            if (error && error != EEXIST) {
                VLOG_WARN_RL(&rl, "%s: %s", dr->spec,
                             err ? err : nf_strerror(error));
            } else {
                if (!error) {
                    VLOG_INFO("%s: added remote %s", dr->spec, now[i]);
                }
                add_string(&active, &n_active, now[i]);
            }
            free(err);
        }
        ovsdb_server_free_strings(now, n_now);
        ovsdb_server_free_strings(dr->targets, dr->n_targets);
        dr->targets = active;
        dr->n_targets = n_active;
    }
}

int
ovsdb_server_add_remote(struct ovsdb_server *server, const char *name,
                        char **errp)
{
    *errp = NULL;
    if (nf_str_prefix(name, "db:")) {
        struct db_remote *dr = xzalloc(sizeof *dr);
        if (parse_db_ref(name, &dr->ref)) {
            *errp = xasprintf("%s: expected db:DATABASE,TABLE,COLUMN", name);
            free(dr);
            return EINVAL;
        }
        dr->spec = xstrdup(name);
        dlist_push_back(&server->db_remotes, &dr->node);
        ovsdb_server_refresh_db_remotes(server);
        return 0;
    }
    int error = ovsdb_remotes_add(server->remotes, name, errp);
    if (!error) {
        add_string(&server->plain_remotes, &server->n_plain_remotes, name);
    }
    return error;
}

int
ovsdb_server_remove_remote(struct ovsdb_server *server, const char *name)
{
    struct db_remote *dr;
    DLIST_FOR_EACH (dr, node, &server->db_remotes) {
        if (!strcmp(dr->spec, name)) {
            for (size_t i = 0; i < dr->n_targets; i++) {
                ovsdb_remotes_remove(server->remotes, dr->targets[i]);
            }
            ovsdb_server_free_strings(dr->targets, dr->n_targets);
            db_ref_destroy(&dr->ref);
            free(dr->spec);
            dlist_remove(&dr->node);
            free(dr);
            return 0;
        }
    }
    for (size_t i = 0; i < server->n_plain_remotes; i++) {
        if (!strcmp(server->plain_remotes[i], name)) {
            ovsdb_remotes_remove(server->remotes, name);
            free(server->plain_remotes[i]);
            server->plain_remotes[i] =
                server->plain_remotes[--server->n_plain_remotes];
            return 0;
        }
    }
    return ENOENT;
}

static int
compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

void
ovsdb_server_list_remotes(const struct ovsdb_server *server, struct buf *out)
{
    char **names = NULL;
    size_t n = 0;
    for (size_t i = 0; i < server->n_plain_remotes; i++) {
        add_string(&names, &n, server->plain_remotes[i]);
    }
    struct db_remote *dr;
    DLIST_FOR_EACH (dr, node, &server->db_remotes) {
        add_string(&names, &n, dr->spec);
    }
    qsort(names, n, sizeof *names, compare_strings);
    for (size_t i = 0; i < n; i++) {
        buf_printf(out, "%s\n", names[i]);
    }
    ovsdb_server_free_strings(names, n);
}

void
ovsdb_server_list_dbs(const struct ovsdb_server *server, struct buf *out)
{
    struct server_db *sdb;
    DLIST_FOR_EACH (sdb, node, &server->dbs) {
        if (sdb != server->server_db) {
            buf_printf(out, "%s\n", sdb->name);
        }
    }
}

/* SSL. */

/* The file named by SPEC: SPEC itself, or for "db:..." the first value
 * found in the database (NULL if none yet). */
static char *
resolve_file(const struct ovsdb_server *server, const char *spec)
{
    if (!spec) {
        return NULL;
    }
    if (!nf_str_prefix(spec, "db:")) {
        return xstrdup(spec);
    }
    struct db_ref ref;
    if (parse_db_ref(spec, &ref)) {
        return NULL;
    }
    char **values;
    size_t n;
    resolve_db_ref(server, &ref, &values, &n);
    char *file = n ? xstrdup(values[0]) : NULL;
    ovsdb_server_free_strings(values, n);
    db_ref_destroy(&ref);
    return file;
}

static bool
str_changed(char **applied, char *now)
{
    bool changed = (!*applied != !now) || (now && strcmp(*applied, now));
    if (changed) {
        free(*applied);
        *applied = now;
    } else {
        free(now);
    }
    return changed;
}

void
ovsdb_server_refresh_ssl(struct ovsdb_server *server)
{
    char *key = resolve_file(server, server->ssl_key);
    char *cert = resolve_file(server, server->ssl_cert);
    char *ca = resolve_file(server, server->ssl_ca);
    bool kc = str_changed(&server->applied_key, key);
    kc |= str_changed(&server->applied_cert, cert);
    if (kc && server->applied_key && server->applied_cert) {
        stream_ssl_set_key_and_cert(server->applied_key, server->applied_cert);
    }
    if (str_changed(&server->applied_ca, ca) && server->applied_ca) {
        stream_ssl_set_ca_cert_file(server->applied_ca, server->ssl_bootstrap);
    }
}

void
ovsdb_server_set_ssl(struct ovsdb_server *server, const char *private_key,
                     const char *certificate, const char *ca_cert,
                     bool bootstrap_ca_cert)
{
    free(server->ssl_key);
    free(server->ssl_cert);
    free(server->ssl_ca);
    server->ssl_key = private_key ? xstrdup(private_key) : NULL;
    server->ssl_cert = certificate ? xstrdup(certificate) : NULL;
    server->ssl_ca = ca_cert ? xstrdup(ca_cert) : NULL;
    server->ssl_bootstrap = bootstrap_ca_cert;
    ovsdb_server_refresh_ssl(server);
}
