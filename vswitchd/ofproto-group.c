/* ofproto-group.c: groups and meters of an ofproto (see ofproto.h).
 *
 * Both are kept as their OpenFlow models plus statistics.  Every change
 * runs in the ofproto's transaction (ofproto-private.h), so group and
 * meter mods can be bundled atomically with flow-mods.  Errors are those
 * Open vSwitch 3.1 answers with for the same requests. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "vswitchd/ofproto-private.h"

VLOG_DEFINE_THIS_MODULE(ofproto_group);

COVERAGE_DEFINE(ofproto_group_mod);
COVERAGE_DEFINE(ofproto_meter_mod);

/* ---------------------------------------------------------------------
 * Groups.
 * --------------------------------------------------------------------- */

struct ofgroup *
ofproto_group_lookup(const struct ofproto *p, uint32_t id)
{
    struct ofgroup *g;

    HMAP_FOR_EACH_WITH_HASH (g, node, id, &p->groups) {
        if (g->g.group_id == id) {
            return g;
        }
    }
    return NULL;
}

void
ofproto_group_free(struct ofgroup *g)
{
    if (g) {
        of_group_destroy(&g->g);
        free(g->bstats);
        free(g);
    }
}

/* Copies bucket SRC (with its actions) to the end of G. */
static void
bucket_append(struct of_group *g, const struct of_bucket *src)
{
    struct of_bucket *b = of_group_add_bucket(g);

    b->bucket_id = src->bucket_id;
    b->weight = src->weight;
    b->watch_port = src->watch_port;
    b->watch_group = src->watch_group;
    buf_put(&b->acts.buf, src->acts.buf.data, src->acts.buf.len);
}

/* A new group object with SRC's type, id, properties and, unless
 * WITH_BUCKETS is false, buckets. */
static struct ofgroup *
group_new(const struct of_group *src, bool with_buckets)
{
    struct ofgroup *g = xzalloc(sizeof *g);

    of_group_init(&g->g);
    g->g.type = src->type;
    g->g.group_id = src->group_id;
    g->g.props = src->props;
    if (with_buckets) {
        for (size_t i = 0; i < src->n_buckets; i++) {
            bucket_append(&g->g, &src->buckets[i]);
        }
    }
    g->created_ms = nf_time_msec();
    return g;
}

static void
group_finish_stats(struct ofgroup *g)
{
    free(g->bstats);
    g->bstats =
        xcalloc(g->g.n_buckets ? g->g.n_buckets : 1, sizeof *g->bstats);
}

/* Replaces OLD (or nothing) by NEW (or nothing) under ID, logged. */
static void
group_swap_in_txn(struct ofproto *p, uint32_t id, struct ofgroup *old,
                  struct ofgroup *new)
{
    struct undo *u = ofproto_txn_log(p, UNDO_GROUP);

    u->id = id;
    u->old_group = old;
    u->new_group = new;
    if (old) {
        hmap_remove(&p->groups, &old->node);
    }
    if (new) {
        hmap_insert(&p->groups, &new->node, id);
    }
}

/* Checks the actions of every bucket of GM: groups they chain to must
 * exist and must not be the group itself. */
static int
check_buckets(const struct ofproto *p, const struct of_group *gm, char **errp)
{
    for (size_t i = 0; i < gm->n_buckets; i++) {
        const struct buf *b = &gm->buckets[i].acts.buf;

        OF_ACT_FOR_EACH(a, b->data, b->len)
        {
            uint32_t v;

            if (a->type == OF_ACT_GROUP) {
                v = ((const struct of_act_u32 *) a)->value;
                if (v == gm->group_id) {
                    *errp = xasprintf("group %" PRIu32 " would chain to "
                                      "itself",
                                      v);
                    return OF_ERR_OFPGMFC_LOOP;
                }
                if (!ofproto_group_lookup(p, v)) {
                    *errp = xasprintf("group %" PRIu32 " does not exist", v);
                    return OF_ERR_OFPBAC_BAD_OUT_GROUP;
                }
            }
        }
    }
    return 0;
}

static int
group_check(const struct ofproto *p, const struct of_group *gm, size_t n,
            char **errp)
{
    if (gm->type > OF_GT_FF) {
        *errp = xasprintf("group type %d is not supported", (int) gm->type);
        return OF_ERR_OFPGMFC_BAD_TYPE;
    }
    if (gm->type == OF_GT_INDIRECT && n != 1) {
        *errp = xstrdup("an indirect group must have exactly one bucket");
        return OF_ERR_OFPGMFC_INVALID_GROUP;
    }
    return check_buckets(p, gm, errp);
}

static int
find_bucket(const struct of_group *g, uint32_t bucket_id)
{
    for (size_t i = 0; i < g->n_buckets; i++) {
        if (g->buckets[i].bucket_id == bucket_id) {
            return (int) i;
        }
    }
    return -1;
}

/* OpenFlow 1.5 insert_bucket: GM's buckets go before the bucket
 * GM->command_bucket_id (first, last or an id). */
static int
group_insert_buckets(struct ofproto *p, struct ofgroup *old,
                     const struct of_group *gm, char **errp)
{
    size_t at = old->g.n_buckets;
    struct ofgroup *g;
    int error;

    for (size_t i = 0; i < gm->n_buckets; i++) {
        if (find_bucket(&old->g, gm->buckets[i].bucket_id) >= 0) {
            *errp = xasprintf("bucket %" PRIu32 " already exists",
                              gm->buckets[i].bucket_id);
            return OF_ERR_OFPGMFC_BUCKET_EXISTS;
        }
    }
    if (gm->command_bucket_id == OF_BUCKET_FIRST) {
        at = 0;
    } else if (gm->command_bucket_id != OF_BUCKET_LAST) {
        int i = find_bucket(&old->g, gm->command_bucket_id);
        if (i < 0) {
            *errp = xasprintf("bucket %" PRIu32 " does not exist",
                              gm->command_bucket_id);
            return OF_ERR_OFPGMFC_UNKNOWN_BUCKET;
        }
        at = (size_t) i;
    }
    g = group_new(&old->g, false);
    g->created_ms = old->created_ms;
    g->packets = old->packets;
    g->bytes = old->bytes;
    for (size_t i = 0; i < at; i++) {
        bucket_append(&g->g, &old->g.buckets[i]);
    }
    for (size_t i = 0; i < gm->n_buckets; i++) {
        bucket_append(&g->g, &gm->buckets[i]);
    }
    for (size_t i = at; i < old->g.n_buckets; i++) {
        bucket_append(&g->g, &old->g.buckets[i]);
    }
    error = group_check(p, &g->g, g->g.n_buckets, errp);
    if (error) {
        ofproto_group_free(g);
        return error;
    }
    group_finish_stats(g);
    group_swap_in_txn(p, g->g.group_id, old, g);
    return 0;
}

static int
group_remove_buckets(struct ofproto *p, struct ofgroup *old,
                     const struct of_group *gm, char **errp)
{
    uint32_t which = gm->command_bucket_id;
    struct ofgroup *g;
    int skip = -1;

    if (which == OF_BUCKET_FIRST) {
        skip = old->g.n_buckets ? 0 : -1;
    } else if (which == OF_BUCKET_LAST) {
        skip = (int) old->g.n_buckets - 1;
    } else if (which != OF_BUCKET_ALL) {
        skip = find_bucket(&old->g, which);
        if (skip < 0) {
            *errp = xasprintf("bucket %" PRIu32 " does not exist", which);
            return OF_ERR_OFPGMFC_UNKNOWN_BUCKET;
        }
    }
    g = group_new(&old->g, false);
    g->created_ms = old->created_ms;
    g->packets = old->packets;
    g->bytes = old->bytes;
    if (which != OF_BUCKET_ALL) {
        for (size_t i = 0; i < old->g.n_buckets; i++) {
            if ((int) i != skip) {
                bucket_append(&g->g, &old->g.buckets[i]);
            }
        }
    }
    group_finish_stats(g);
    group_swap_in_txn(p, g->g.group_id, old, g);
    return 0;
}

static void
group_delete_in_txn(struct ofproto *p, struct ofgroup *g)
{
    /* Flows that use a deleted group go with it, as in Open vSwitch. */
    ofproto_remove_rules_using(p, true, g->g.group_id, OF_RR_GROUP_DELETE);
    group_swap_in_txn(p, g->g.group_id, g, NULL);
}

int
ofproto_group_mod_in_txn(struct ofproto *p, const struct of_group *gm,
                         char **errp)
{
    struct ofgroup *old;
    struct ofgroup *g;
    int error;

    COVERAGE_INC(ofproto_group_mod);
    if (gm->command == OF_GC_DELETE) {
        if (gm->group_id == OF_GROUP_ALL) {
            struct ofgroup *it;
            HMAP_FOR_EACH_SAFE (it, node, &p->groups) {
                group_delete_in_txn(p, it);
            }
        } else if ((old = ofproto_group_lookup(p, gm->group_id)) != NULL) {
            group_delete_in_txn(p, old);
        }
        return 0;
    }
    if (gm->group_id > OF_GROUP_MAX) {
        *errp = xasprintf("group id %" PRIu32 " is reserved", gm->group_id);
        return OF_ERR_OFPGMFC_INVALID_GROUP;
    }
    old = ofproto_group_lookup(p, gm->group_id);
    switch (gm->command) {
    case OF_GC_ADD:
    case OF_GC_MODIFY:
    case OF_GC_ADD_OR_MOD:
        if (gm->command == OF_GC_ADD && old) {
            *errp =
                xasprintf("group %" PRIu32 " already exists", gm->group_id);
            return OF_ERR_OFPGMFC_GROUP_EXISTS;
        }
        if (gm->command == OF_GC_MODIFY && !old) {
            *errp =
                xasprintf("group %" PRIu32 " does not exist", gm->group_id);
            return OF_ERR_OFPGMFC_UNKNOWN_GROUP;
        }
        error = group_check(p, gm, gm->n_buckets, errp);
        if (error) {
            return error;
        }
        g = group_new(gm, true);
        if (old) {
            /* A modified group keeps its statistics and age. */
            g->created_ms = old->created_ms;
            g->packets = old->packets;
            g->bytes = old->bytes;
        }
        group_finish_stats(g);
        group_swap_in_txn(p, gm->group_id, old, g);
        return 0;

    case OF_GC_INSERT_BUCKET:
    case OF_GC_REMOVE_BUCKET:
        if (!old) {
            *errp =
                xasprintf("group %" PRIu32 " does not exist", gm->group_id);
            return OF_ERR_OFPGMFC_UNKNOWN_GROUP;
        }
        return (gm->command == OF_GC_INSERT_BUCKET
                    ? group_insert_buckets(p, old, gm, errp)
                    : group_remove_buckets(p, old, gm, errp));

    case OF_GC_DELETE:
    default:
        *errp = xasprintf("unknown group-mod command %d", (int) gm->command);
        return OF_ERR_OFPGMFC_BAD_COMMAND;
    }
}

int
ofproto_group_mod(struct ofproto *p, const struct of_group *gm, char **errp)
{
    int error;

    *errp = NULL;
    ofproto_txn_begin(p);
    error = ofproto_group_mod_in_txn(p, gm, errp);
    if (error) {
        ofproto_txn_abort(p);
    } else {
        ofproto_txn_commit(p);
    }
    return error;
}

const struct of_group *
ofproto_group_find(const struct ofproto *p, uint32_t group_id)
{
    const struct ofgroup *g = ofproto_group_lookup(p, group_id);

    return g ? &g->g : NULL;
}

void
ofproto_group_credit(struct ofproto *p, uint32_t group_id, size_t bucket_index,
                     uint64_t n_packets, uint64_t n_bytes)
{
    struct ofgroup *g = ofproto_group_lookup(p, group_id);

    if (g) {
        g->packets += n_packets;
        g->bytes += n_bytes;
        if (bucket_index < g->g.n_buckets) {
            g->bstats[bucket_index].packets += n_packets;
            g->bstats[bucket_index].bytes += n_bytes;
        }
    }
}

/* ---------------------------------------------------------------------
 * Meters.
 * --------------------------------------------------------------------- */

struct ofmeter *
ofproto_meter_lookup(const struct ofproto *p, uint32_t id)
{
    struct ofmeter *m;

    HMAP_FOR_EACH_WITH_HASH (m, node, id, &p->meters) {
        if (m->m.meter_id == id) {
            return m;
        }
    }
    return NULL;
}

void
ofproto_meter_free(struct ofmeter *m)
{
    free(m);
}

static void
meter_swap_in_txn(struct ofproto *p, uint32_t id, struct ofmeter *old,
                  struct ofmeter *new)
{
    struct undo *u = ofproto_txn_log(p, UNDO_METER);

    u->id = id;
    u->old_meter = old;
    u->new_meter = new;
    if (old) {
        hmap_remove(&p->meters, &old->node);
    }
    if (new) {
        hmap_insert(&p->meters, &new->node, id);
    }
}

static void
meter_delete_in_txn(struct ofproto *p, struct ofmeter *m)
{
    ofproto_remove_rules_using(p, false, m->m.meter_id, OF_RR_METER_DELETE);
    meter_swap_in_txn(p, m->m.meter_id, m, NULL);
}

static bool
meter_id_ok(uint32_t id)
{
    return ((id && id <= OF_METER_MAX) || id == OF_METER_SLOWPATH
            || id == OF_METER_CONTROLLER);
}

/* What the switch supports of MM's flags and bands. */
static int
meter_check(const struct of_meter *mm, char **errp)
{
    if ((mm->flags & OF_MF_KBPS) && (mm->flags & OF_MF_PKTPS)) {
        *errp = xstrdup("a meter cannot count both kbps and pktps");
        return OF_ERR_OFPMMFC_BAD_FLAGS;
    }
    if (mm->n_bands > OFPROTO_MAX_BANDS) {
        *errp = xasprintf("a meter has at most %d bands", OFPROTO_MAX_BANDS);
        return OF_ERR_OFPMMFC_OUT_OF_BANDS;
    }
    for (size_t i = 0; i < mm->n_bands; i++) {
        if (mm->bands[i].type != OF_MBT_DROP) {
            *errp = xstrdup("only drop bands are supported");
            return OF_ERR_OFPMMFC_BAD_BAND;
        }
    }
    return 0;
}

int
ofproto_meter_mod_in_txn(struct ofproto *p, const struct of_meter *mm,
                         char **errp)
{
    struct ofmeter *old, *m;
    int error;

    COVERAGE_INC(ofproto_meter_mod);
    if (mm->command == OF_MC_DELETE) {
        if (mm->meter_id == OF_METER_ALL) {
            struct ofmeter *it;
            HMAP_FOR_EACH_SAFE (it, node, &p->meters) {
                meter_delete_in_txn(p, it);
            }
        } else if ((old = ofproto_meter_lookup(p, mm->meter_id)) != NULL) {
            meter_delete_in_txn(p, old);
        }
        return 0;
    }
    if (mm->command != OF_MC_ADD && mm->command != OF_MC_MODIFY) {
        *errp = xasprintf("unknown meter-mod command %d", (int) mm->command);
        return OF_ERR_OFPMMFC_BAD_COMMAND;
    }
    if (!meter_id_ok(mm->meter_id)) {
        *errp = xasprintf("meter id %" PRIu32 " is invalid", mm->meter_id);
        return OF_ERR_OFPMMFC_INVALID_METER;
    }
    old = ofproto_meter_lookup(p, mm->meter_id);
    if (mm->command == OF_MC_ADD && old) {
        *errp = xasprintf("meter %" PRIu32 " already exists", mm->meter_id);
        return OF_ERR_OFPMMFC_METER_EXISTS;
    }
    if (mm->command == OF_MC_MODIFY && !old) {
        *errp = xasprintf("meter %" PRIu32 " does not exist", mm->meter_id);
        return OF_ERR_OFPMMFC_UNKNOWN_METER;
    }
    if (!old && hmap_count(&p->meters) >= OFPROTO_MAX_METERS) {
        *errp = xstrdup("too many meters");
        return OF_ERR_OFPMMFC_OUT_OF_METERS;
    }
    error = meter_check(mm, errp);
    if (error) {
        return error;
    }
    m = xzalloc(sizeof *m);
    m->m = *mm;
    m->m.command = OF_MC_ADD;
    m->dp_meter = UINT32_MAX; /* Until the commit sets it. */
    m->created_ms = old ? old->created_ms : nf_time_msec();
    if (old) {
        m->packets = old->packets;
        m->bytes = old->bytes;
    }
    meter_swap_in_txn(p, mm->meter_id, old, m);
    return 0;
}

int
ofproto_meter_mod(struct ofproto *p, const struct of_meter *mm, char **errp)
{
    int error;

    *errp = NULL;
    ofproto_txn_begin(p);
    error = ofproto_meter_mod_in_txn(p, mm, errp);
    if (error) {
        ofproto_txn_abort(p);
    } else {
        ofproto_txn_commit(p);
    }
    return error;
}

/* Adds what datapath meter M->dp_meter counted since it was set to
 * *STATS. */
static void
meter_add_dp_stats(const struct ofproto *p, const struct ofmeter *m,
                   struct of_meter_stats *stats)
{
    if (m->dp_meter != UINT32_MAX && p->ops && p->ops->meter_stats) {
        p->ops->meter_stats(p->aux, m->dp_meter, stats);
    }
}

void
ofproto_meter_commit(struct ofproto *p, struct undo *u)
{
    struct ofmeter *old = u->old_meter, *new = u->new_meter;
    uint32_t dp = old ? old->dp_meter : UINT32_MAX;

    if (!p->ops || !p->ops->meter_set) {
        return;
    }
    if (old && new) {
        /* Setting the datapath meter again starts its counters at zero:
         * the new meter keeps what the old one had counted. */
        struct of_meter_stats st;

        memset(&st, 0, sizeof st);
        meter_add_dp_stats(p, old, &st);
        new->packets += st.packet_in_count;
        new->bytes += st.byte_in_count;
        for (size_t i = 0; i < OF_METER_MAX_BANDS; i++) {
            new->bands[i].packets += st.bands[i].packets;
            new->bands[i].bytes += st.bands[i].bytes;
        }
    }
    uint32_t now = p->ops->meter_set(p->aux, u->id, dp, new ? &new->m : NULL);
    if (new) {
        new->dp_meter = now;
    }
    if (old) {
        old->dp_meter = UINT32_MAX;
    }
}

void
ofproto_meters_release(struct ofproto *p)
{
    struct ofmeter *m;

    if (!p->ops || !p->ops->meter_set) {
        return;
    }
    HMAP_FOR_EACH (m, node, &p->meters) {
        if (m->dp_meter != UINT32_MAX) {
            p->ops->meter_set(p->aux, m->m.meter_id, m->dp_meter, NULL);
            m->dp_meter = UINT32_MAX;
        }
    }
}

uint32_t
ofproto_meter_dp_id(const struct ofproto *p, uint32_t meter_id)
{
    const struct ofmeter *m = ofproto_meter_lookup(p, meter_id);

    return m ? m->dp_meter : UINT32_MAX;
}

void
ofproto_meter_get_stats(const struct ofproto *p, uint32_t meter_id,
                        struct of_meter_stats *stats)
{
    const struct ofmeter *m = ofproto_meter_lookup(p, meter_id);

    memset(stats, 0, sizeof *stats);
    stats->meter_id = meter_id;
    if (!m) {
        return;
    }
    stats->packet_in_count = m->packets;
    stats->byte_in_count = m->bytes;
    stats->n_bands = m->m.n_bands;
    memcpy(stats->bands, m->bands, sizeof stats->bands);
    meter_add_dp_stats(p, m, stats);
}

const struct of_meter *
ofproto_meter_find(const struct ofproto *p, uint32_t meter_id)
{
    const struct ofmeter *m = ofproto_meter_lookup(p, meter_id);

    return m ? &m->m : NULL;
}

void
ofproto_groups_clear(struct ofproto *p)
{
    struct ofgroup *g;
    struct ofmeter *m;

    HMAP_FOR_EACH_SAFE (g, node, &p->groups) {
        hmap_remove(&p->groups, &g->node);
        ofproto_group_free(g);
    }
    HMAP_FOR_EACH_SAFE (m, node, &p->meters) {
        hmap_remove(&p->meters, &m->node);
        ofproto_meter_free(m);
    }
}
