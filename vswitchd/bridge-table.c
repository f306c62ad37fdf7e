/* bridge-table.c: a Bridge's flow_tables (Flow_Table rows) applied to its
 * OpenFlow tables: name, flow_limit, overflow_policy and groups, as Open
 * vSwitch reads them.  The prefixes column tunes Open vSwitch's classifier
 * tries, which nicflow's classifier does not have; it is accepted and has
 * no effect.
 *
 * A table the Bridge row does not list goes back to the defaults (no
 * name, no limit, refuse).  A group field that does not parse is logged
 * and left out, the rest of the row still applies. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "ofctl/text.h"
#include "ovsdb/datum.h"
#include "vswitchd/bridge-private.h"

VLOG_DEFINE_THIS_MODULE(bridge_table);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Tables 0-253 are OpenFlow's; the schema allows 254, which is none. */
#define BRIDGE_N_TABLES 254

/* Reads Flow_Table row FT (of bridge BR, table TABLE_ID) into *S, whose
 * groups the caller frees. */
static void
read_flow_table(const struct bridge *br, unsigned int table_id,
                const struct ovsdb_idl_row *ft,
                struct ofproto_table_settings *s)
{
    const struct ovsdb_datum *groups = ovsdb_idl_row_get(ft, "groups");
    const char *policy = ovsdb_idl_row_get_string(ft, "overflow_policy");
    int64_t limit = ovsdb_idl_row_get_integer(ft, "flow_limit", -1);
    struct of_subfield *sfs = NULL;
    size_t n = 0;

    s->name = ovsdb_idl_row_get_string(ft, "name");
    s->max_flows = (limit < 0           ? UINT_MAX
                    : limit >= UINT_MAX ? UINT_MAX - 1
                                        : (unsigned int) limit);
    s->evict = policy && !strcmp(policy, "evict");
    if (groups && groups->n) {
        sfs = xcalloc(groups->n, sizeof *sfs);
        for (unsigned int i = 0; i < groups->n; i++) {
            const char *text = groups->keys[i].string->s;
            char *err = of_subfield_parse_all(text, &sfs[n], true);

            if (err) {
                VLOG_WARN_RL(&rl,
                             "bridge %s: table %u: eviction group field "
                             "\"%s\" is left out: %s",
                             br->name, table_id, text, err);
                free(err);
            } else {
                n++;
            }
        }
    }
    s->groups = sfs;
    s->n_groups = n;
}

void
bridge_tables_configure(struct bridge *br, const struct ovsdb_idl_row *row)
{
    const struct ovsdb_datum *d = ovsdb_idl_row_get(row, "flow_tables");
    struct ofproto_table_settings settings[BRIDGE_N_TABLES];

    for (unsigned int t = 0; t < BRIDGE_N_TABLES; t++) {
        settings[t] = (struct ofproto_table_settings){ .max_flows = UINT_MAX };
    }
    for (unsigned int i = 0; d && i < d->n; i++) {
        int64_t t = d->keys[i].integer;
        const struct ovsdb_idl_row *ft =
            ovsdb_idl_row_get_ref(row, "flow_tables", i);

        if (t < 0 || t >= BRIDGE_N_TABLES || !ft) {
            continue;
        }
        free((void *) settings[t].groups);
        read_flow_table(br, (unsigned int) t, ft, &settings[t]);
    }
    for (unsigned int t = 0; t < BRIDGE_N_TABLES; t++) {
        /* Evictions this causes are logged by ofproto. */
        ofproto_configure_table(br->ofproto, (uint8_t) t, &settings[t]);
        free((void *) settings[t].groups);
    }
}
