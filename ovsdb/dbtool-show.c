/* dbtool-show.c: nicflow-dbtool show-log [-m|-mm] [DB].
 *
 * One line per record as ovsdb-tool prints it: record 0 names the schema,
 * each later record gives its date (UTC) and comment.  With -m, each row a
 * record changes ("insert row", an update, "delete row"), called by its
 * "name" column when its table has one, else by its UUID's first 8 digits;
 * with -mm, also each changed column's new value in ovs-vsctl's syntax. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "lib/buf.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/util.h"
#include "ovsdb/datum.h"
#include "ovsdb/dbtool.h"
#include "ovsdb/log.h"
#include "ovsdb/schema.h"

/* What show-log calls each row it has seen: the JSON text of its "name"
 * column, or the first 8 digits of its UUID.  A row is known from the
 * record that inserts it until the record that deletes it, which is how an
 * insert is told from an update (a record's row object is either). */
struct row_name {
    struct hmap_node node; /* In a names map, by UUID text. */
    char uuid[OVSDB_UUID_LEN + 1];
    char *name;
};

static struct row_name *
row_name_find(const struct hmap *names, const char *uuid)
{
    struct row_name *rn;
    HMAP_FOR_EACH_WITH_HASH (rn, node, hash_string(uuid, 0), names) {
        if (!strcmp(rn->uuid, uuid)) {
            return rn;
        }
    }
    return NULL;
}

static void
row_name_set(struct hmap *names, struct row_name *rn, const char *uuid,
             char *name)
{
    if (!rn) {
        rn = xzalloc(sizeof *rn);
        snprintf(rn->uuid, sizeof rn->uuid, "%s", uuid);
        hmap_insert(names, &rn->node, hash_string(rn->uuid, 0));
    }
    free(rn->name);
    rn->name = name;
}

static void
row_name_remove(struct hmap *names, struct row_name *rn)
{
    if (rn) {
        hmap_remove(names, &rn->node);
        free(rn->name);
        free(rn);
    }
}

static void
row_names_destroy(struct hmap *names)
{
    struct row_name *rn;
    HMAP_FOR_EACH_SAFE (rn, node, names) {
        row_name_remove(names, rn);
    }
    hmap_destroy(names);
}

/* Whether the string S must be quoted to be read back as one string, by
 * the rule of ovs-vsctl's value syntax. */
static bool
needs_quotes(const char *s)
{
    if (!s[0] || !strcmp(s, "true") || !strcmp(s, "false")) {
        return true;
    }
    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')
          || s[0] == '_')) {
        return true;
    }
    for (const char *p = s; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
              || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'
              || *p == '.')) {
            return true;
        }
    }
    return false;
}

static void
put_atom(struct buf *b, const union ovsdb_atom *atom,
         enum ovsdb_atomic_type type)
{
    if (type == OVSDB_TYPE_STRING && needs_quotes(atom->string->s)) {
        json_t *j = ovsdb_atom_to_json(atom, type);
        char *s = json_dumps(j, JSON_ENCODE_ANY);
        buf_put_cstr(b, s);
        free(s);
        json_decref(j);
    } else {
        ovsdb_atom_to_buf(atom, type, b);
    }
}

/* Appends D as ovs-vsctl shows values: a lone value of an at-most-one
 * column bare, other sets in [], maps in {} with key=value. */
static void
put_datum(struct buf *b, const struct ovsdb_datum *d,
          const struct ovsdb_type *type)
{
    bool map = ovsdb_type_is_map(type);
    bool bare = !map && type->n_max == 1 && d->n == 1;

    if (!bare) {
        buf_put_char(b, map ? '{' : '[');
    }
    for (unsigned int i = 0; i < d->n; i++) {
        if (i) {
            buf_put_cstr(b, ", ");
        }
        put_atom(b, &d->keys[i], type->key.type);
        if (map) {
            buf_put_char(b, '=');
            put_atom(b, &d->values[i], type->value.type);
        }
    }
    if (!bare) {
        buf_put_char(b, map ? '}' : ']');
    }
}

/* Prints each column of ROW (a record's row object) for -mm: the value in
 * ovs-vsctl's syntax when TS knows the column, else its JSON. */
static void
print_columns(const struct ovsdb_table_schema *ts, const json_t *row)
{
    for (void *it = json_object_iter((json_t *) row); it;
         it = json_object_iter_next((json_t *) row, it)) {
        const char *name = json_object_iter_key(it);
        const json_t *value = json_object_iter_value(it);
        const struct ovsdb_column *c =
            (ts ? ovsdb_table_schema_get_column(ts, name) : NULL);
        struct ovsdb_datum d;
        char *s;

        if (c && !ovsdb_datum_from_json(&d, &c->type, value, NULL, NULL)) {
            struct buf b = BUF_INITIALIZER;
            put_datum(&b, &d, &c->type);
            ovsdb_datum_destroy(&d, &c->type);
            s = buf_steal_cstr(&b);
        } else {
            s = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
        }
        printf("    %s=%s\n", name, s);
        free(s);
    }
}

/* Prints, for -m, each row RECORD changes, and keeps NAMES up to date. */
static void
print_changes(const json_t *record, const struct ovsdb_schema *schema,
              struct hmap *names)
{
    for (void *ti = json_object_iter((json_t *) record); ti;
         ti = json_object_iter_next((json_t *) record, ti)) {
        const char *table = json_object_iter_key(ti);
        const json_t *rows = json_object_iter_value(ti);
        if (table[0] == '_' || !json_is_object(rows)) {
            continue;
        }
        const struct ovsdb_table_schema *ts =
            ovsdb_schema_get_table(schema, table);
        for (void *ri = json_object_iter((json_t *) rows); ri;
             ri = json_object_iter_next((json_t *) rows, ri)) {
            const char *uuid = json_object_iter_key(ri);
            const json_t *row = json_object_iter_value(ri);
            struct row_name *rn = row_name_find(names, uuid);
            const json_t *name_json = json_object_get(row, "name");
            char *new_name =
                (name_json
                     ? json_dumps(name_json, JSON_COMPACT | JSON_ENCODE_ANY)
                     : NULL);

            if (rn) {
                printf("  table %s row %s (%.8s):\n", table, rn->name, uuid);
            } else if (new_name) {
                printf("  table %s insert row %s (%.8s):\n", table, new_name,
                       uuid);
            } else {
                printf("  table %s insert row %.8s:\n", table, uuid);
            }

            if (json_is_object(row)) {
                if (dbtool_show_log_verbosity > 1) {
                    print_columns(ts, row);
                }
                if (new_name) {
                    row_name_set(names, rn, uuid, new_name);
                    new_name = NULL;
                } else if (!rn) {
                    row_name_set(names, NULL, uuid, xasprintf("%.8s", uuid));
                }
            } else if (json_is_null(row)) {
                printf("    delete row\n");
                row_name_remove(names, rn);
            }
            free(new_name);
        }
    }
}

/* Prints the "_date" member (msec since the epoch) of RECORD in UTC. */
static void
print_date(const json_t *record)
{
    const json_t *date = json_object_get(record, "_date");
    if (!json_is_integer(date)) {
        return;
    }
    long long msec = json_integer_value(date);
    time_t secs = (time_t) (msec / 1000);
    struct tm tm;
    char s[64];

    if (msec >= 0 && gmtime_r(&secs, &tm)
        && strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S", &tm)) {
        printf(" %s.%03lld", s, msec % 1000);
    }
}

void
dbtool_cmd_show_log(int argc, char *argv[])
{
    char *owned = NULL;
    struct hmap names = HMAP_INITIALIZER;
    struct dbtool_db f;

    dbtool_db_open(&f, dbtool_arg_or(argc, argv, 0, &owned, dbtool_default_db),
                   OVSDB_LOG_READ_ONLY, NULL);
    struct ovsdb_schema *schema = dbtool_db_parse_schema(&f);

    printf("record 0: \"%s\" schema", schema->name);
    if (schema->version) {
        printf(", version=\"%s\"", schema->version);
    }
    if (schema->cksum) {
        printf(", cksum=\"%s\"", schema->cksum);
    }
    printf("\n\n");

    for (;;) {
        struct ovsdb_log_record_info info;
        json_t *record;
        int error = ovsdb_log_read(f.log, &record);
        if (error == EOF) {
            break;
        } else if (error) {
            dbtool_fail("%s", ovsdb_log_read_error(f.log));
        }
        ovsdb_log_get_last_read(f.log, &info);

        printf("record %" PRIu64 ":", info.index);
        print_date(record);
        const json_t *comment = json_object_get(record, "_comment");
        if (json_is_string(comment)) {
            char *s = json_dumps(comment, JSON_ENCODE_ANY);
            printf(" %s", s);
            free(s);
        }
        putchar('\n');
        if (dbtool_show_log_verbosity > 0) {
            print_changes(record, schema, &names);
            putchar('\n');
        }
        json_decref(record);
    }

    row_names_destroy(&names);
    ovsdb_schema_destroy(schema);
    dbtool_db_close(&f);
    free(owned);
}
