/* monitor.c: OVSDB monitors (see monitor.h). */
#include "ovsdb/monitor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/util.h"
#include "ovsdb/condition.h"
#include "ovsdb/db.h"
#include "ovsdb/row.h"
#include "ovsdb/schema.h"
#include "ovsdb/txn.h"
#include "ovsdb/uuid.h"

/* What one monitored table asks for.  Several requests for one table (the
 * protocol allows an array) are merged: the union of their columns and of
 * their "select" flags, and the disjunction of their conditions. */
struct mon_table {
    const struct ovsdb_table_schema *ts;
    struct ovsdb_table *table;
    struct ovsdb_column_set columns;
    bool initial, insert, delete, modify;
    bool match_all;                /* A request had no "where". */
    struct ovsdb_condition *conds; /* Else a row matches if any of */
    size_t n_conds;                /* these matches. */
};

struct ovsdb_monitor {
    struct ovsdb *db;
    enum ovsdb_monitor_version version;
    struct mon_table *tables;
    size_t n_tables;
    char *key;         /* See ovsdb_monitor_get_key(); NULL if none. */
    uint32_t key_hash; /* hash_string(key). */
};

static void
mon_table_clear_conds(struct mon_table *mt)
{
    for (size_t i = 0; i < mt->n_conds; i++) {
        ovsdb_condition_destroy(&mt->conds[i]);
    }
    free(mt->conds);
    mt->conds = NULL;
    mt->n_conds = 0;
}

static bool
row_matches(const struct mon_table *mt, const struct ovsdb_row *row)
{
    if (!row) {
        return false;
    }
    if (mt->match_all) {
        return true;
    }
    for (size_t i = 0; i < mt->n_conds; i++) {
        /* Within one "where", clauses are alternatives (ovsdb-server(7):
         * a row is sent if it "matches one of the conditions"). */
        if (ovsdb_condition_evaluate_any(&mt->conds[i], row)) {
            return true;
        }
    }
    return false;
}

static int
parse_select(struct mon_table *mt, const json_t *select,
             struct ovsdb_error **errp)
{
    static const char *const names[] = { "initial", "insert", "delete",
                                         "modify" };
    bool *flags[] = { &mt->initial, &mt->insert, &mt->delete, &mt->modify };

    if (!select) {
        for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
            *flags[i] = true;
        }
        return 0;
    }
    if (!json_is_object(select)) {
        return ovsdb_err(errp, EINVAL, OVSDB_E_SYNTAX,
                         "table %s: \"select\" must be an object",
                         mt->ts->name);
    }
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        const json_t *v = json_object_get(select, names[i]);
        if (v && !json_is_boolean(v)) {
            return ovsdb_err(errp, EINVAL, OVSDB_E_SYNTAX,
                             "table %s: \"select\" member \"%s\" must be a "
                             "boolean",
                             mt->ts->name, names[i]);
        }
        /* Missing flags default to true (RFC 7047 §4.1.5); several
         * requests for one table combine. */
        *flags[i] |= !v || json_is_true(v);
    }
    return 0;
}

/* Adds one <monitor-request> (or <monitor-cond-request>) to MT. */
static int
parse_request(struct ovsdb_monitor *mon, struct mon_table *mt,
              const json_t *req, struct ovsdb_error **errp)
{
    if (!json_is_object(req)) {
        return ovsdb_err(errp, EINVAL, OVSDB_E_SYNTAX,
                         "table %s: a monitor request must be an object",
                         mt->ts->name);
    }
    const char *key;
    json_t *value;
    json_object_foreach ((json_t *) req, key, value) {
        if (strcmp(key, "columns") && strcmp(key, "select")
            && (strcmp(key, "where") || mon->version == OVSDB_MONITOR_V1)) {
            return ovsdb_err(errp, EINVAL, OVSDB_E_SYNTAX,
                             "table %s: unknown member \"%s\" in monitor "
                             "request",
                             mt->ts->name, key);
        }
    }

    const json_t *columns = json_object_get(req, "columns");
    if (columns) {
        struct ovsdb_column_set set = OVSDB_COLUMN_SET_INITIALIZER;
        int error = ovsdb_column_set_from_json(mt->ts, columns, &set, errp);
        if (error) {
            ovsdb_column_set_destroy(&set);
            return error;
        }
        for (size_t i = 0; i < set.n; i++) {
            if (!ovsdb_column_set_contains(&mt->columns,
                                           set.columns[i]->index)) {
                ovsdb_column_set_add(&mt->columns, set.columns[i]);
            }
        }
        ovsdb_column_set_destroy(&set);
    } else {
        /* All columns except the implicit ones, as ovsdb-server does. */
        for (size_t i = OVSDB_N_IMPLICIT_COLUMNS; i < mt->ts->n_columns; i++) {
            if (!ovsdb_column_set_contains(&mt->columns, (unsigned) i)) {
                ovsdb_column_set_add(&mt->columns, mt->ts->columns[i]);
            }
        }
    }

    int error = parse_select(mt, json_object_get(req, "select"), errp);
    if (error) {
        return error;
    }

    const json_t *where = json_object_get(req, "where");
    if (where && !mt->match_all) {
        struct ovsdb_condition cond;
        error = ovsdb_condition_from_json(mt->ts, where, NULL, &cond, errp);
        if (error) {
            return error;
        }
        mt->conds = xrealloc(mt->conds, (mt->n_conds + 1) * sizeof *mt->conds);
        mt->conds[mt->n_conds++] = cond;
    } else if (!where) {
        /* A request without a condition matches every row, which absorbs
         * the other requests' conditions. */
        mt->match_all = true;
        mon_table_clear_conds(mt);
    }
    return 0;
}

int
ovsdb_monitor_create(struct ovsdb *db, enum ovsdb_monitor_version version,
                     const json_t *requests, struct ovsdb_monitor **monp,
                     struct ovsdb_error **errp)
{
    *monp = NULL;
    if (!json_is_object(requests)) {
        return ovsdb_err(errp, EINVAL, OVSDB_E_SYNTAX,
                         "monitor requests must be an object that maps "
                         "table names to requests");
    }
    struct ovsdb_monitor *mon = xzalloc(sizeof *mon);
    mon->db = db;
    mon->version = version;
    mon->tables = xcalloc(json_object_size(requests) + 1, sizeof *mon->tables);

    const char *name;
    json_t *reqs;
    int error = 0;
    json_object_foreach ((json_t *) requests, name, reqs) {
        struct ovsdb_table *table = ovsdb_get_table(db, name);
        if (!table) {
            error = ovsdb_err(errp, EINVAL, OVSDB_E_SYNTAX,
                              "no table named %s", name);
            goto fail;
        }
        struct mon_table *mt = &mon->tables[mon->n_tables++];
        mt->table = table;
        mt->ts = ovsdb_table_get_schema(table);
        ovsdb_column_set_init(&mt->columns);
        /* The conditions of a table with several requests are combined
         * by OR; a table whose requests all lack "where" has none. */
        if (json_is_array(reqs)) {
            size_t i;
            json_t *req;
            json_array_foreach (reqs, i, req) {
                error = parse_request(mon, mt, req, errp);
                if (error) {
                    goto fail;
                }
            }
        } else {
            error = parse_request(mon, mt, reqs, errp);
            if (error) {
                goto fail;
            }
        }
    }
    /* The version and the requests, object members in a canonical
     * order, determine every update. */
    char *text = json_dumps(requests, JSON_COMPACT | JSON_SORT_KEYS);
    if (text) {
        mon->key = xasprintf("%d %s", (int) version, text);
        mon->key_hash = hash_string(mon->key, 0);
        free(text);
    }
    *monp = mon;
    return 0;

fail:
    ovsdb_monitor_destroy(mon);
    return error;
}

void
ovsdb_monitor_destroy(struct ovsdb_monitor *mon)
{
    if (!mon) {
        return;
    }
    for (size_t i = 0; i < mon->n_tables; i++) {
        ovsdb_column_set_destroy(&mon->tables[i].columns);
        mon_table_clear_conds(&mon->tables[i]);
    }
    free(mon->tables);
    free(mon->key);
    free(mon);
}

enum ovsdb_monitor_version
ovsdb_monitor_get_version(const struct ovsdb_monitor *mon)
{
    return mon->version;
}

const char *
ovsdb_monitor_get_key(const struct ovsdb_monitor *mon, uint32_t *hashp)
{
    *hashp = mon->key_hash;
    return mon->key;
}

/* The row's monitored columns, omitting default values when OMIT_DEFAULTS
 * (update2 "initial"/"insert" rows do). */
static json_t *
row_json(const struct mon_table *mt, const struct ovsdb_row *row,
         bool omit_defaults)
{
    json_t *obj = json_object();
    for (size_t i = 0; i < mt->columns.n; i++) {
        const struct ovsdb_column *c = mt->columns.columns[i];
        const struct ovsdb_datum *d = ovsdb_row_get_datum(row, c);
        if (omit_defaults && ovsdb_datum_is_default(d, &c->type)) {
            continue;
        }
        json_object_set_new(obj, c->name, ovsdb_datum_to_json(d, &c->type));
    }
    return obj;
}

static void
add_row_update(json_t *updates, const struct mon_table *mt,
               const struct ovsdb_uuid *uuid, json_t *row_update)
{
    json_t *table = json_object_get(updates, mt->ts->name);
    if (!table) {
        table = json_object();
        json_object_set_new(updates, mt->ts->name, table);
    }
    char buf[OVSDB_UUID_LEN + 1];
    json_object_set_new(table, ovsdb_uuid_format(uuid, buf), row_update);
}

json_t *
ovsdb_monitor_get_initial(const struct ovsdb_monitor *mon)
{
    json_t *updates = json_object();
    for (size_t i = 0; i < mon->n_tables; i++) {
        const struct mon_table *mt = &mon->tables[i];
        if (!mt->initial) {
            continue;
        }
        for (const struct ovsdb_row *row = ovsdb_table_first_row(mt->table);
             row; row = ovsdb_table_next_row(mt->table, row)) {
            if (!row_matches(mt, row)) {
                continue;
            }
            json_t *ru =
                mon->version == OVSDB_MONITOR_V1
                    ? json_pack("{s:o}", "new", row_json(mt, row, false))
                    : json_pack("{s:o}", "initial", row_json(mt, row, true));
            add_row_update(updates, mt, ovsdb_row_get_uuid(row), ru);
        }
    }
    return updates;
}

/* update2 "modify" value of one column: the new value for a scalar
 * (n_max == 1), else the elements in only one of the sets, or for maps the
 * pairs whose key is in only one map plus the changed pairs' new values. */
static json_t *
column_diff(const struct ovsdb_column *c, const struct ovsdb_datum *old,
            const struct ovsdb_datum *new)
{
    const struct ovsdb_type *type = &c->type;
    if (type->n_max == 1) {
        return ovsdb_datum_to_json(new, type);
    }
    bool is_map = type->value.type != OVSDB_TYPE_VOID;
    struct ovsdb_datum diff = OVSDB_DATUM_EMPTY;
    size_t cap = old->n + new->n;
    diff.keys = xcalloc(cap + 1, sizeof *diff.keys);
    if (is_map) {
        diff.values = xcalloc(cap + 1, sizeof *diff.values);
    }
    /* Both datums are sorted by key: merge them. */
    unsigned int i = 0, j = 0;
    while (i < old->n || j < new->n) {
        int cmp = i >= old->n ? 1
                  : j >= new->n
                      ? -1
                      : ovsdb_atom_compare_3way(&old->keys[i], &new->keys[j],
                                                type->key.type);
        if (cmp < 0) {
            diff.keys[diff.n] = old->keys[i];
            if (is_map) {
                diff.values[diff.n] = old->values[i];
            }
            diff.n++;
            i++;
        } else if (cmp > 0) {
            diff.keys[diff.n] = new->keys[j];
            if (is_map) {
                diff.values[diff.n] = new->values[j];
            }
            diff.n++;
            j++;
        } else {
            if (is_map
                && !ovsdb_atom_equals(&old->values[i], &new->values[j],
                                      type->value.type)) {
                diff.keys[diff.n] = new->keys[j];
                diff.values[diff.n] = new->values[j];
                diff.n++;
            }
            i++;
            j++;
        }
    }
    /* DIFF borrows the atoms; format it as a set or map regardless of its
     * size, because a 1-element set would otherwise print as a bare atom
     * that a client could not tell from a scalar. */
    json_t *elems = json_array();
    for (unsigned int k = 0; k < diff.n; k++) {
        json_t *key = ovsdb_atom_to_json(&diff.keys[k], type->key.type);
        if (is_map) {
            json_array_append_new(
                elems, json_pack("[o,o]", key,
                                 ovsdb_atom_to_json(&diff.values[k],
                                                    type->value.type)));
        } else {
            json_array_append_new(elems, key);
        }
    }
    free(diff.keys);
    free(diff.values);
    return json_pack("[s,o]", is_map ? "map" : "set", elems);
}

/* The row update for one change, or NULL if this table's monitor does not
 * report it. */
static json_t *
change_update(const struct ovsdb_monitor *mon, const struct mon_table *mt,
              const struct ovsdb_txn_row *change)
{
    const struct ovsdb_row *old = ovsdb_txn_row_get_old(change);
    const struct ovsdb_row *new = ovsdb_txn_row_get_new(change);
    bool old_match = row_matches(mt, old);
    bool new_match = row_matches(mt, new);

    if (old_match && new_match) {
        if (!mt->modify) {
            return NULL;
        }
        json_t *diff = json_object(), *olds = NULL;
        if (mon->version == OVSDB_MONITOR_V1) {
            olds = json_object();
        }
        for (size_t i = 0; i < mt->columns.n; i++) {
            const struct ovsdb_column *c = mt->columns.columns[i];
            if (!ovsdb_txn_row_column_changed(change, c)) {
                continue;
            }
            const struct ovsdb_datum *od = ovsdb_row_get_datum(old, c);
            const struct ovsdb_datum *nd = ovsdb_row_get_datum(new, c);
            if (mon->version == OVSDB_MONITOR_V1) {
                json_object_set_new(olds, c->name,
                                    ovsdb_datum_to_json(od, &c->type));
            } else {
                json_object_set_new(diff, c->name, column_diff(c, od, nd));
            }
        }
        if (mon->version == OVSDB_MONITOR_V1) {
            json_decref(diff);
            if (!json_object_size(olds)) {
                json_decref(olds);
                return NULL;
            }
            /* RFC 7047: "old" has the changed columns' old values, "new"
             * every monitored column. */
            return json_pack("{s:o,s:o}", "old", olds, "new",
                             row_json(mt, new, false));
        }
        if (!json_object_size(diff)) {
            json_decref(diff);
            return NULL;
        }
        return json_pack("{s:o}", "modify", diff);
    } else if (new_match) {
        /* Inserted, or now matching the condition. */
        if (!mt->insert) {
            return NULL;
        }
        return mon->version == OVSDB_MONITOR_V1
                   ? json_pack("{s:o}", "new", row_json(mt, new, false))
                   : json_pack("{s:o}", "insert", row_json(mt, new, true));
    } else if (old_match) {
        /* Deleted, or no longer matching. */
        if (!mt->delete) {
            return NULL;
        }
        return mon->version == OVSDB_MONITOR_V1
                   ? json_pack("{s:o}", "old", row_json(mt, old, false))
                   : json_pack("{s:n}", "delete");
    }
    return NULL;
}

json_t *
ovsdb_monitor_get_update(const struct ovsdb_monitor *mon,
                         const struct ovsdb_txn *txn)
{
    json_t *updates = NULL;
    for (const struct ovsdb_txn_row *c = ovsdb_txn_first_change(txn); c;
         c = ovsdb_txn_next_change(txn, c)) {
        const struct ovsdb_table_schema *ts = ovsdb_txn_row_get_table(c);
        for (size_t i = 0; i < mon->n_tables; i++) {
            const struct mon_table *mt = &mon->tables[i];
            if (mt->ts != ts) {
                continue;
            }
            json_t *ru = change_update(mon, mt, c);
            if (ru) {
                if (!updates) {
                    updates = json_object();
                }
                add_row_update(updates, mt, ovsdb_txn_row_get_uuid(c), ru);
            }
        }
    }
    return updates;
}

int
ovsdb_monitor_change(struct ovsdb_monitor *mon, const json_t *requests,
                     json_t **updatep, struct ovsdb_error **errp)
{
    *updatep = NULL;
    if (!json_is_object(requests)) {
        return ovsdb_err(errp, EINVAL, OVSDB_E_SYNTAX,
                         "monitor_cond_change requests must be an object");
    }

    /* Parse everything first so that a bad request changes nothing. */
    size_t n = json_object_size(requests), k = 0;
    struct mon_table *fresh = xcalloc(n + 1, sizeof *fresh);
    struct mon_table **targets = xcalloc(n + 1, sizeof *targets);
    const char *name;
    json_t *reqs;
    int error = 0;
    json_object_foreach ((json_t *) requests, name, reqs) {
        struct mon_table *mt = NULL;
        for (size_t i = 0; i < mon->n_tables; i++) {
            if (!strcmp(mon->tables[i].ts->name, name)) {
                mt = &mon->tables[i];
            }
        }
        if (!mt) {
            error = ovsdb_err(errp, EINVAL, OVSDB_E_SYNTAX,
                              "monitor_cond_change: table %s is not "
                              "monitored",
                              name);
            goto done;
        }
        struct mon_table *f = &fresh[k];
        targets[k++] = mt;
        f->ts = mt->ts;
        f->table = mt->table;
        ovsdb_column_set_init(&f->columns);
        const json_t *list = json_is_array(reqs) ? reqs : NULL;
        size_t count = list ? json_array_size(list) : 1;
        for (size_t i = 0; i < count; i++) {
            const json_t *req = list ? json_array_get(list, i) : reqs;
            const json_t *where = json_object_get(req, "where");
            if (!where) {
                f->match_all = true;
            } else if (!f->match_all) {
                struct ovsdb_condition cond;
                error =
                    ovsdb_condition_from_json(f->ts, where, NULL, &cond, errp);
                if (error) {
                    goto done;
                }
                f->conds =
                    xrealloc(f->conds, (f->n_conds + 1) * sizeof *f->conds);
                f->conds[f->n_conds++] = cond;
            }
            const json_t *columns = json_object_get(req, "columns");
            if (columns) {
                error = ovsdb_column_set_from_json(f->ts, columns, &f->columns,
                                                   errp);
                if (error) {
                    goto done;
                }
            }
        }
    }

    /* Apply: rows that stop matching are deleted, rows that start
     * matching inserted, from the client's point of view.  The original
     * requests no longer describe the monitor: it gets no key. */
    free(mon->key);
    mon->key = NULL;
    json_t *updates = json_object();
    for (size_t i = 0; i < k; i++) {
        struct mon_table *mt = targets[i], *f = &fresh[i];
        for (const struct ovsdb_row *row = ovsdb_table_first_row(mt->table);
             row; row = ovsdb_table_next_row(mt->table, row)) {
            bool was = row_matches(mt, row), is = row_matches(f, row);
            if (was && !is) {
                add_row_update(updates, mt, ovsdb_row_get_uuid(row),
                               json_pack("{s:n}", "delete"));
            } else if (!was && is) {
                add_row_update(
                    updates, mt, ovsdb_row_get_uuid(row),
                    json_pack("{s:o}", "insert",
                              row_json(f->columns.n ? f : mt, row, true)));
            }
        }
        mon_table_clear_conds(mt);
        mt->match_all = f->match_all;
        mt->conds = f->conds;
        mt->n_conds = f->n_conds;
        f->conds = NULL;
        f->n_conds = 0;
        if (f->columns.n) {
            ovsdb_column_set_destroy(&mt->columns);
            mt->columns = f->columns;
            ovsdb_column_set_init(&f->columns);
        }
    }
    if (json_object_size(updates)) {
        *updatep = updates;
    } else {
        json_decref(updates);
    }

done:
    for (size_t i = 0; i < n; i++) {
        ovsdb_column_set_destroy(&fresh[i].columns);
        mon_table_clear_conds(&fresh[i]);
    }
    free(fresh);
    free(targets);
    return error;
}
