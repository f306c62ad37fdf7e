/* ofproto-evict.c: flow table limits and eviction (Open vSwitch's
 * Flow_Table flow_limit, overflow_policy and groups; OpenFlow 1.4's
 * table-mod eviction flag).
 *
 * A table with a limit refuses a new flow that would take it past the
 * limit, unless it evicts: then a flow already in it leaves to make room.
 * Only flows with an idle or hard timeout can be evicted (a permanent flow
 * was asked to stay); among those, the flow with the lowest importance
 * goes first, then the one that would expire soonest, then the oldest.
 * With eviction groups, flows are grouped by the values of the group
 * fields in their matches and the largest group gives up the flow, so
 * that one busy source of flows cannot push everybody else's out.
 *
 * The victim is found by a pass over the bridge's flows with timeouts
 * (the 'expirable' list the expiry code keeps), not through a heap kept
 * up to date on every change as Open vSwitch does: eviction happens only
 * at a full table, and this keeps the flow-add path, which is hot, free
 * of bookkeeping.  The cost is a pass over the timed flows per eviction. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofctl/ofp-errors.h"
#include "ofctl/ofp-table.h"
#include "ofctl/text.h"
#include "vswitchd/connmgr.h"
#include "vswitchd/ofproto-private.h"

VLOG_DEFINE_THIS_MODULE(ofproto_evict);
COVERAGE_DEFINE(ofproto_flow_evict);
COVERAGE_DEFINE(ofproto_table_full);

bool
ofproto_table_evicts(const struct ofproto_table *t)
{
    return t->evict_db || (t->config & OF_TC14_EVICTION);
}

void
ofproto_table_settings_destroy(struct ofproto_table *t)
{
    free(t->name);
    free(t->groups);
    t->name = NULL;
    t->groups = NULL;
    t->n_groups = 0;
}

/* When R would expire (LLONG_MAX: never). */
static long long
rule_expiry(const struct rule *r)
{
    long long when = LLONG_MAX;

    if (r->up.hard_timeout) {
        when = r->modified_ms + r->up.hard_timeout * 1000LL;
    }
    if (r->up.idle_timeout) {
        long long last = NF_MAX(r->up.used_ms, r->modified_ms);
        when = NF_MIN(when, last + r->up.idle_timeout * 1000LL);
    }
    return when;
}

/* True if A should be evicted before B. */
static bool
evict_before(const struct rule *a, const struct rule *b)
{
    if (a->up.importance != b->up.importance) {
        return a->up.importance < b->up.importance;
    }
    long long ea = rule_expiry(a), eb = rule_expiry(b);
    if (ea != eb) {
        return ea < eb;
    }
    return a->serial < b->serial;
}

/* The eviction group of R in table T: a hash of the bits of each group
 * subfield in R's match (a field R does not match on, or whose
 * prerequisites R's match does not meet, counts as zero). */
static uint32_t
rule_group__(const struct ofproto_table *t, const struct rule *r)
{
    struct of_match match;
    uint32_t h = 0;

    if (!t->n_groups) {
        return 0;
    }
    ofproto_rule_get_match(&r->up, &match);
    for (size_t i = 0; i < t->n_groups; i++) {
        const struct of_subfield *sf = &t->groups[i];
        const struct of_field *f = of_field_from_id(sf->field);
        union of_value v, m;

        if (!f || !of_match_prereqs_ok(&match, f)) {
            h = hash_int(0, h);
            continue;
        }
        of_match_get(&match, f, &v, &m);
        for (size_t k = 0; k < f->n_bytes; k++) {
            v.be[k] &= m.be[k];
        }
        for (unsigned bit = 0; bit < (unsigned) f->n_bytes * 8; bit++) {
            if (bit < sf->ofs || bit >= (unsigned) sf->ofs + sf->n_bits) {
                of_bit_set(v.be, f->n_bytes, bit, false);
            }
        }
        h = hash_bytes(v.be, f->n_bytes, h);
    }
    return h;
}

/* The same, worked out once per rule and group fields: a victim search
 * looks at every timed flow of the table. */
static uint32_t
rule_group(const struct ofproto_table *t, struct rule *r)
{
    if (r->evict_group_gen != t->groups_gen + 1) {
        r->evict_group = rule_group__(t, r);
        r->evict_group_gen = t->groups_gen + 1;
    }
    return r->evict_group;
}

/* One eviction group while a victim is chosen. */
struct evict_group {
    struct hmap_node node; /* By group hash. */
    uint32_t hash;
    size_t n;           /* Evictable flows in it. */
    struct rule *first; /* The one it would give up. */
};

/* The flow table TABLE_ID should give up, or NULL if none can go.  A flow
 * being added is not a candidate: it joins the expirable list only once
 * it is in (ofproto-flow.c's rule_attached()). */
static struct rule *
choose_victim(struct ofproto *p, uint8_t table_id)
{
    const struct ofproto_table *t = &p->tables[table_id];
    struct hmap groups = HMAP_INITIALIZER;
    struct evict_group *g, *best = NULL;
    struct rule *r, *victim = NULL;

    DLIST_FOR_EACH (r, expirable_node, &p->expirable) {
        if (r->up.table_id != table_id || !r->in_table) {
            continue;
        }
        if (!t->n_groups) {
            if (!victim || evict_before(r, victim)) {
                victim = r;
            }
            continue;
        }
        uint32_t h = rule_group(t, r);
        bool found = false;
        HMAP_FOR_EACH_WITH_HASH (g, node, h, &groups) {
            if (g->hash == h) {
                found = true;
                break;
            }
        }
        if (!found) {
            g = xzalloc(sizeof *g);
            g->hash = h;
            hmap_insert(&groups, &g->node, h);
        }
        g->n++;
        if (!g->first || evict_before(r, g->first)) {
            g->first = r;
        }
    }
    if (!t->n_groups) {
        return victim;
    }
    /* The largest group gives up its first flow; between groups of one
     * size, the one whose first flow would go first anyway. */
    HMAP_FOR_EACH (g, node, &groups) {
        if (!best || g->n > best->n
            || (g->n == best->n && evict_before(g->first, best->first))) {
            best = g;
        }
    }
    victim = best ? best->first : NULL;
    HMAP_FOR_EACH_SAFE (g, node, &groups) {
        hmap_remove(&groups, &g->node);
        free(g);
    }
    hmap_destroy(&groups);
    return victim;
}

/* Evicts from table TABLE_ID, in the open transaction, until it holds no
 * more than its limit or nothing more can go.  Returns the number
 * evicted. */
static size_t
evict_excess(struct ofproto *p, uint8_t table_id)
{
    struct ofproto_table *t = &p->tables[table_id];
    size_t n = 0;

    while (ofproto_cls_count(&t->cls) > t->max_flows) {
        struct rule *victim = choose_victim(p, table_id);
        if (!victim) {
            break;
        }
        COVERAGE_INC(ofproto_flow_evict);
        ofproto_rule_remove_in_txn(p, victim, OF_RR_EVICTION);
        n++;
    }
    return n;
}

int
ofproto_table_make_room(struct ofproto *p, uint8_t table_id, char **errp)
{
    struct ofproto_table *t = &p->tables[table_id];

    if (ofproto_table_evicts(t)) {
        evict_excess(p, table_id);
        if (ofproto_cls_count(&t->cls) <= t->max_flows) {
            return 0;
        }
    }
    COVERAGE_INC(ofproto_table_full);
    *errp = xasprintf(
        "table %u is full (flow_limit=%u)%s", table_id, t->max_flows,
        !ofproto_table_evicts(t)
            ? ": its overflow_policy is refuse"
            : ": no flow in it can be evicted (only flows with an idle or "
              "hard timeout can be)");
    return OF_ERR_OFPFMFC_TABLE_FULL;
}

/* True if table T already has exactly SETTINGS. */
static bool
same_settings(const struct ofproto_table *t,
              const struct ofproto_table_settings *s)
{
    bool same_name = (!t->name && !s->name)
                     || (t->name && s->name && !strcmp(t->name, s->name));

    return same_name && t->max_flows == s->max_flows && t->evict_db == s->evict
           && t->n_groups == s->n_groups
           && (!s->n_groups
               || !memcmp(t->groups, s->groups,
                          s->n_groups * sizeof *s->groups));
}

/* Evicts from table TABLE_ID down to its limit, if it evicts, in a
 * transaction of its own; returns how many went. */
static size_t
enforce_limit(struct ofproto *p, uint8_t table_id)
{
    struct ofproto_table *t = &p->tables[table_id];
    size_t n;

    if (!ofproto_table_evicts(t) || ofproto_cls_count(&t->cls) <= t->max_flows
        || p->txn) {
        return 0;
    }
    ofproto_txn_begin(p);
    n = evict_excess(p, table_id);
    if (n) {
        /* Flows deleted to meet the limit: Open vSwitch looks at the
         * vacancy then, unlike after an add's eviction. */
        ofproto_vacancy_note(p, table_id);
    }
    ofproto_txn_commit(p);
    if (n) {
        VLOG_INFO("%s: table %u: evicted %zu flow%s to stay within "
                  "flow_limit=%u",
                  p->name, table_id, n, n == 1 ? "" : "s", t->max_flows);
    }
    return n;
}

size_t
ofproto_configure_table(struct ofproto *p, uint8_t table_id,
                        const struct ofproto_table_settings *s)
{
    struct ofproto_table *t;

    if (table_id >= OFPROTO_N_VISIBLE_TABLES) {
        return 0;
    }
    t = &p->tables[table_id];
    if (same_settings(t, s)) {
        return 0;
    }
    ofproto_table_settings_destroy(t);
    t->groups_gen++; /* Every rule's group is to be worked out again. */
    t->name = s->name ? xstrdup(s->name) : NULL;
    t->max_flows = s->max_flows;
    t->evict_db = s->evict;
    if (s->n_groups) {
        t->groups = xmemdup(s->groups, s->n_groups * sizeof *s->groups);
        t->n_groups = s->n_groups;
    }
    return enforce_limit(p, table_id);
}

size_t
ofproto_table_config_changed(struct ofproto *p, uint8_t table_id)
{
    return enforce_limit(p, table_id);
}
