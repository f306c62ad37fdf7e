/* bridge-ctrl.c: a bridge's Controller rows — reading the targets, their
 * types and packet-in rate limits, giving them to the bridge's ofproto when
 * they change, and writing back each row's connection state
 * (is_connected, role, status), as Open vSwitch does.
 *
 * A Controller row's status holds "state" and, while the row has a
 * controller_rate_limit, the counters of the target's two packet-in
 * schedulers (packet-in-miss-backlog, ...-bypassed, ...-queued,
 * ...-dropped, and the same with "action").  Open vSwitch writes them
 * only when a connection comes or goes; here they are written whenever
 * they changed, at most once per bridge poll (bridge_controllers_changed()
 * is asked once a second). */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/datum.h"
#include "ovsdb/idl.h"
#include "vswitchd/bridge-private.h"
#include "vswitchd/ofproto.h"

VLOG_DEFINE_THIS_MODULE(bridge_ctrl);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 20);

/* Targets in order; for the same target (two rows), the smaller numbers
 * first (so 0, no rate limit, before any), so that the row that wins
 * does not depend on the order of the rows. */
static int
bridge_compare_controllers(const void *a_, const void *b_)
{
    const struct ofproto_controller *a = a_, *b = b_;
    int cmp = strcmp(a->target, b->target);

    if (cmp) {
        return cmp;
    } else if (a->type != b->type) {
        return a->type < b->type ? -1 : 1;
    } else if (a->rate_limit != b->rate_limit) {
        return a->rate_limit < b->rate_limit ? -1 : 1;
    } else if (a->burst_limit != b->burst_limit) {
        return a->burst_limit < b->burst_limit ? -1 : 1;
    }
    return 0;
}

static void
bridge_free_controller_array(struct ofproto_controller *ctrls, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *) ctrls[i].target);
    }
    free(ctrls);
}

/* An optional positive integer column of Controller row C as an unsigned
 * int (0: empty; the schema's minimum keeps values positive, but a
 * database that does not check it must not make them wrap). */
static unsigned int
bridge_controller_limit(const struct ovsdb_idl_row *c, const char *column)
{
    int64_t v = ovsdb_idl_row_get_integer(c, column, 0);

    return v <= 0 ? 0 : v >= UINT_MAX ? UINT_MAX : (unsigned int) v;
}

/* Controller row C's type column: empty leaves the choice to the target
 * (see enum ofproto_controller_type); the schema allows only "primary"
 * and "service". */
static enum ofproto_controller_type
bridge_controller_type(const struct ovsdb_idl_row *c)
{
    const char *type = ovsdb_idl_row_get_string(c, "type");

    if (!type || !*type) {
        return OFPROTO_CTRL_DEFAULT;
    }
    return !strcmp(type, "primary") ? OFPROTO_CTRL_PRIMARY
                                    : OFPROTO_CTRL_SERVICE;
}

/* Reads ROW's controllers: sorted by target, a target once. */
static size_t
bridge_read_controllers(const struct ovsdb_idl_row *row,
                        struct ofproto_controller **ctrlsp)
{
    unsigned int n_refs = ovsdb_idl_row_get_n(row, "controller");
    struct ofproto_controller *ctrls = xcalloc(n_refs + 1, sizeof *ctrls);
    size_t n = 0;

    for (unsigned int i = 0; i < n_refs; i++) {
        const struct ovsdb_idl_row *c =
            ovsdb_idl_row_get_ref(row, "controller", i);
        const char *target = c ? ovsdb_idl_row_get_string(c, "target") : NULL;

        if (target && *target) {
            struct ofproto_controller *ctrl = &ctrls[n++];

            ctrl->target = xstrdup(target);
            ctrl->type = bridge_controller_type(c);
            ctrl->rate_limit =
                bridge_controller_limit(c, "controller_rate_limit");
            /* A burst limit means nothing without a rate limit. */
            ctrl->burst_limit =
                ctrl->rate_limit
                    ? bridge_controller_limit(c, "controller_burst_limit")
                    : 0;
        }
    }
    qsort(ctrls, n, sizeof *ctrls, bridge_compare_controllers);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && !strcmp(ctrls[k - 1].target, ctrls[i].target)) {
            free((char *) ctrls[i].target);
        } else {
            ctrls[k++] = ctrls[i];
        }
    }
    *ctrlsp = ctrls;
    return k;
}

static bool
bridge_controllers_equal(const struct ofproto_controller *a, size_t n_a,
                         const struct ofproto_controller *b, size_t n_b)
{
    if (n_a != n_b) {
        return false;
    }
    for (size_t i = 0; i < n_a; i++) {
        if (bridge_compare_controllers(&a[i], &b[i])) {
            return false;
        }
    }
    return true;
}

void
bridge_free_controllers(struct bridge *br)
{
    bridge_free_controller_array(br->controllers, br->n_controllers);
    free(br->ctrl_primary);
    br->controllers = NULL;
    br->ctrl_primary = NULL;
    br->n_controllers = 0;
}

/* The ctrl_primary array for BR's new controllers CTRLS[N]: a target BR
 * had already keeps what it counted as. */
static bool *
bridge_controllers_primary(const struct bridge *br,
                           const struct ofproto_controller *ctrls, size_t n)
{
    bool *primary = xcalloc(n ? n : 1, sizeof *primary);

    for (size_t i = 0; i < n; i++) {
        primary[i] = ofproto_controller_is_primary(&ctrls[i]);
        for (size_t j = 0; j < br->n_controllers; j++) {
            if (!strcmp(br->controllers[j].target, ctrls[i].target)) {
                primary[i] = br->ctrl_primary[j];
                break;
            }
        }
    }
    return primary;
}

/* Gives BR's ofproto BR's controllers (logging a bad target). */
static void
bridge_apply_controllers(struct bridge *br)
{
    char *err = NULL;

    if (ofproto_set_controllers(br->ofproto, br->controllers,
                                br->n_controllers, &err)) {
        VLOG_WARN_RL(&rl, "bridge %s: %s", br->name,
                     err ? err : "could not set the controllers");
    }
    free(err);
}

void
bridge_update_controllers(struct bridge *br, const struct ovsdb_idl_row *row,
                          bool created)
{
    struct ofproto_controller *ctrls;
    size_t n = bridge_read_controllers(row, &ctrls);

    if (created
        || !bridge_controllers_equal(ctrls, n, br->controllers,
                                     br->n_controllers)) {
        bool *primary = bridge_controllers_primary(br, ctrls, n);

        bridge_free_controllers(br);
        br->controllers = ctrls;
        br->ctrl_primary = primary;
        br->n_controllers = n;
        bridge_apply_controllers(br);
    } else {
        bridge_free_controller_array(ctrls, n);
    }
}

void
bridge_reconnect(struct bridge *br)
{
    char *err = NULL;

    ofproto_set_controllers(br->ofproto, NULL, 0, &err);
    free(err);
    bridge_apply_controllers(br);
}

/* The Controller table's role names (Open vSwitch 3.1's schema). */
static const char *
bridge_role_name(enum of_role role)
{
    switch (role) {
    case OF_ROLE_EQUAL:
        return "other";
    case OF_ROLE_PRIMARY:
        return "master";
    case OF_ROLE_SECONDARY:
        return "slave";
    case OF_ROLE_NOCHANGE:
    default:
        return NULL;
    }
}

/* Appends KEY=VALUE to STATUS (a string-to-string map with room). */
static void
bridge_status_add(struct ovsdb_datum *status, const char *key,
                  const char *value)
{
    status->keys[status->n].string = ovsdb_str_create(key, strlen(key));
    status->values[status->n].string = ovsdb_str_create(value, strlen(value));
    status->n++;
}

/* Appends the four packet-in-KIND-* counters of ST to STATUS. */
static void
bridge_status_add_pin(struct ovsdb_datum *status, const char *kind,
                      const struct ofproto_pin_stats *st)
{
    const struct {
        const char *name;
        uint64_t value;
    } counters[] = {
        { "backlog", st->backlog },
        { "bypassed", st->bypassed },
        { "dropped", st->dropped },
        { "queued", st->queued },
    };

    for (size_t i = 0; i < ARRAY_SIZE(counters); i++) {
        char key[64], value[24];

        snprintf(key, sizeof key, "packet-in-%s-%s", kind, counters[i].name);
        snprintf(value, sizeof value, "%" PRIu64, counters[i].value);
        bridge_status_add(status, key, value);
    }
}

void
bridge_write_controllers(struct ovsdb_idl_txn *txn, struct bridge *br,
                         const struct ovsdb_idl_row *brow)
{
    unsigned int n = ovsdb_idl_row_get_n(brow, "controller");

    for (unsigned int i = 0; i < n; i++) {
        const struct ovsdb_idl_row *crow =
            ovsdb_idl_row_get_ref(brow, "controller", i);
        struct ofproto_controller_info info = { .role = OF_ROLE_NOCHANGE };
        struct ovsdb_datum status = OVSDB_DATUM_EMPTY;
        const char *target;

        if (!crow) {
            continue;
        }
        target = ovsdb_idl_row_get_string(crow, "target");
        if (!br || !br->ofproto || !target
            || !ofproto_get_controller_info(br->ofproto, target, &info)) {
            memset(&info, 0, sizeof info);
            info.role = OF_ROLE_NOCHANGE;
        }
        ovsdb_idl_txn_write_boolean(txn, crow, "is_connected",
                                    info.is_connected);
        ovsdb_idl_txn_write_string(txn, crow, "role",
                                   bridge_role_name(info.role));
        /* At most "state" and eight counters, in key order. */
        status.keys = xcalloc(9, sizeof *status.keys);
        status.values = xcalloc(9, sizeof *status.values);
        if (info.rate_limited) {
            bridge_status_add_pin(&status, "action", &info.pin_action);
            bridge_status_add_pin(&status, "miss", &info.pin_miss);
        }
        if (info.state) {
            bridge_status_add(&status, "state", info.state);
        }
        if (!status.n) {
            free(status.keys);
            free(status.values);
            ovsdb_datum_init_empty(&status);
        }
        if (ovsdb_idl_txn_write(txn, crow, "status", &status)) {
            ovsdb_datum_destroy(&status,
                                ovsdb_idl_row_get_type(crow, "status"));
        }
    }
    if (br && br->ofproto) {
        br->ctrl_seqno = ofproto_controller_seqno(br->ofproto);
    }
}

bool
bridge_controllers_changed(void)
{
    const struct bridge *br;

    HMAP_FOR_EACH (br, node, &bridge_all) {
        if (br->ofproto
            && ofproto_controller_seqno(br->ofproto) != br->ctrl_seqno) {
            return true;
        }
    }
    return false;
}
