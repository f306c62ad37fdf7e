/* ofproto-flow.c: the flow tables of an ofproto — flow-mod semantics,
 * lookups, statistics and expiry (see ofproto.h and ofproto-private.h). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofctl/ofp-meter.h"
#include "vswitchd/connmgr.h"
#include "vswitchd/ofproto-private.h"

VLOG_DEFINE_THIS_MODULE(ofproto_flow);

COVERAGE_DEFINE(ofproto_flow_learn_refresh);
COVERAGE_DEFINE(ofproto_flow_delete_learned);
COVERAGE_DEFINE(ofproto_flow_add);
COVERAGE_DEFINE(ofproto_flow_modify);
COVERAGE_DEFINE(ofproto_flow_delete);
COVERAGE_DEFINE(ofproto_flow_expire);
COVERAGE_DEFINE(ofproto_flow_mod_error);

/* ---------------------------------------------------------------------
 * Rules.
 * --------------------------------------------------------------------- */

static void
acts_copy(struct of_acts *dst, const struct of_acts *src)
{
    of_acts_init(dst);
    buf_put(&dst->buf, src->buf.data, src->buf.len);
}

static struct rule *
rule_create(struct ofproto *p, const struct of_flow *f, uint64_t cookie,
            long long now)
{
    size_t n_words = ofproto_minimatch_storage(&f->match);
    struct rule *r = xzalloc(sizeof *r + n_words * sizeof r->mm_words[0]);

    r->up.table_id = f->table_id;
    r->up.priority = f->priority;
    r->up.flags = f->flags;
    r->up.idle_timeout = f->idle_timeout;
    r->up.hard_timeout = f->hard_timeout;
    r->up.importance = f->importance;
    r->up.cookie = cookie;
    ofproto_minimatch_init(&r->up.mm, &f->match, r->mm_words);
    acts_copy(&r->up.acts, &f->acts);
    r->up.created_ms = r->up.used_ms = r->modified_ms = now;
    r->serial = ++p->next_serial;
    r->ref_cnt = 1;
    dlist_init(&r->expirable_node);
    return r;
}

void
ofproto_rule_free(struct rule *r)
{
    if (r) {
        ofproto_rule_unref(&r->up);
    }
}

void
ofproto_rule_ref(const struct ofproto_rule *rule)
{
    rule_cast(rule)->ref_cnt++;
}

void
ofproto_rule_unref(const struct ofproto_rule *rule)
{
    struct rule *r = rule_cast(rule);

    nf_assert(r->ref_cnt > 0);
    if (!--r->ref_cnt) {
        of_acts_destroy(&r->up.acts);
        ofproto_minimatch_destroy(&r->up.mm);
        free(r);
    }
}

static bool
rule_has_timeout(const struct rule *r)
{
    return r->up.idle_timeout || r->up.hard_timeout;
}

/* Accounts for R, just inserted into its table's classifier. */
static void
rule_attached(struct ofproto *p, struct rule *r)
{
    r->in_table = true;
    p->n_rules++;
    if (rule_has_timeout(r)) {
        dlist_push_back(&p->expirable, &r->expirable_node);
    }
}

void
ofproto_rule_detach(struct ofproto *p, struct rule *r)
{
    nf_assert(r->in_table);
    ofproto_cls_remove(&p->tables[r->up.table_id].cls, &r->cr);
    if (rule_has_timeout(r)) {
        dlist_remove(&r->expirable_node);
        dlist_init(&r->expirable_node);
    }
    r->in_table = false;
    p->n_rules--;
}

void
ofproto_rule_remove_in_txn(struct ofproto *p, struct rule *r, int reason)
{
    struct undo *u;

    ofproto_rule_detach(p, r);
    u = ofproto_txn_log(p, UNDO_REMOVE);
    u->rule = r;
    u->reason = reason;
    /* A deletion (not a replacement, reason -1): Open vSwitch looks at
     * the table's vacancy, except after the eviction that makes room for
     * an add (enforce_limit() notes its own evictions). */
    if (reason >= 0 && reason != OF_RR_EVICTION) {
        ofproto_vacancy_note(p, r->up.table_id);
    }
    COVERAGE_INC(ofproto_flow_delete);
}

void
ofproto_flows_clear(struct ofproto *p)
{
    struct rule **rules;
    size_t n;

    for (size_t t = 0; t < OFPROTO_N_TABLES; t++) {
        ofproto_collect_rules(p, (uint8_t) t, NULL, 0, 0, OF_PORT_NONE,
                              OF_GROUP_ANY, &rules, &n);
        for (size_t i = 0; i < n; i++) {
            ofproto_rule_detach(p, rules[i]);
            ofproto_rule_free(rules[i]);
        }
        free(rules);
    }
}

/* ---------------------------------------------------------------------
 * Walking actions.
 * --------------------------------------------------------------------- */

/* Calls CB for every action in the LEN bytes at DATA, nested lists
 * included; stops and returns true when CB does. */
static bool
acts_any(const void *data, size_t len,
         bool (*cb)(const struct of_act *, const void *aux), const void *aux)
{
    OF_ACT_FOR_EACH(a, data, len)
    {
        const struct of_act *inner;
        size_t inner_len;

        if (cb(a, aux)) {
            return true;
        }
        inner = of_act_nested(a, &inner_len);
        if (inner && inner_len && acts_any(inner, inner_len, cb, aux)) {
            return true;
        }
    }
    return false;
}

struct out_filter {
    uint16_t port;
    uint32_t group;
};

static bool
act_outputs_to(const struct of_act *a, const void *port_)
{
    uint16_t port = *(const uint16_t *) port_;

    switch (a->type) {
    case OF_ACT_OUTPUT:
        return ((const struct of_act_output *) a)->port == port;
    case OF_ACT_ENQUEUE:
        return ((const struct of_act_enqueue *) a)->port == port;
    case OF_ACT_CONTROLLER:
        return port == OF_PORT_CONTROLLER;
    default:
        return false;
    }
}

static bool
act_uses_group(const struct of_act *a, const void *group_)
{
    return (a->type == OF_ACT_GROUP
            && ((const struct of_act_u32 *) a)->value
                   == *(const uint32_t *) group_);
}

static bool
act_uses_meter(const struct of_act *a, const void *meter_)
{
    return (a->type == OF_ACT_METER
            && ((const struct of_act_u32 *) a)->value
                   == *(const uint32_t *) meter_);
}

bool
ofproto_rule_has_out(const struct ofproto_rule *r, uint16_t port,
                     uint32_t group)
{
    const struct buf *b = &r->acts.buf;

    if (port != OF_PORT_NONE
        && !acts_any(b->data, b->len, act_outputs_to, &port)) {
        return false;
    }
    if (group != OF_GROUP_ANY
        && !acts_any(b->data, b->len, act_uses_group, &group)) {
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------------
 * Selecting rules.
 * --------------------------------------------------------------------- */

struct collect {
    uint64_t cookie, cookie_mask;
    uint16_t out_port;
    uint32_t out_group;
    /* A non-strict selection's tunnel metadata, which the classifier key
     * does not hold (ofproto-tlv.h), or NULL. */
    const struct of_match *md_query;
    struct rule **rules;
    size_t n, cap;
};

static bool
collect_cb(struct ofproto_cls_rule *cr, void *c_)
{
    struct collect *c = c_;
    struct rule *r = CONTAINER_OF(cr, struct rule, cr);

    if ((r->up.cookie ^ c->cookie) & c->cookie_mask) {
        return true;
    }
    if (!ofproto_rule_has_out(&r->up, c->out_port, c->out_group)) {
        return true;
    }
    if (c->md_query) {
        struct of_match m;

        ofproto_rule_get_match(&r->up, &m);
        if (!ofproto_tlv_match_covers(&m, c->md_query)) {
            return true;
        }
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        c->rules = xrealloc(c->rules, c->cap * sizeof *c->rules);
    }
    c->rules[c->n++] = r;
    return true;
}

static int
rule_order(const void *a_, const void *b_)
{
    const struct rule *a = *(const struct rule *const *) a_;
    const struct rule *b = *(const struct rule *const *) b_;

    if (a->up.table_id != b->up.table_id) {
        return a->up.table_id < b->up.table_id ? -1 : 1;
    }
    if (a->up.priority != b->up.priority) {
        return a->up.priority > b->up.priority ? -1 : 1;
    }
    return a->serial < b->serial ? -1 : a->serial > b->serial;
}

/* The tables that TABLE_ID selects: all but the hidden one for
 * OF_TABLE_ALL. */
static void
table_range(uint8_t table_id, size_t *first, size_t *end)
{
    if (table_id == OF_TABLE_ALL) {
        *first = 0;
        *end = OFPROTO_N_VISIBLE_TABLES;
    } else {
        *first = table_id;
        *end = (size_t) table_id + 1;
    }
}

void
ofproto_collect_rules(const struct ofproto *p, uint8_t table_id,
                      const struct of_match *match, uint64_t cookie,
                      uint64_t cookie_mask, uint16_t out_port,
                      uint32_t out_group, struct rule ***rulesp,
                      size_t *n_rulesp)
{
    struct collect c = {
        .cookie = cookie,
        .cookie_mask = cookie_mask,
        .out_port = out_port,
        .out_group = out_group,
    };
    struct ofproto_key key, mask;
    struct of_match *md_query = NULL;
    size_t first, end;

    if (match && match->tun_md.present) {
        /* Tunnel metadata is selected outside the classifier, after the
         * query's fields get their mapped lengths; a query naming an
         * unmapped field selects nothing. */
        struct of_flow q = { .match = *match };
        char *err = NULL;

        if (ofproto_tlv_normalize_flow(p, &q, &err)) {
            free(err);
            *rulesp = NULL;
            *n_rulesp = 0;
            return;
        }
        md_query = xmemdup(&q.match, sizeof q.match);
        c.md_query = md_query;
        match = md_query;
    }
    if (match) {
        ofproto_key_from_match(match, &key, &mask);
        key.meta.pad = mask.meta.pad = 0;
    }
    table_range(table_id, &first, &end);
    for (size_t t = first; t < end; t++) {
        ofproto_cls_visit(&p->tables[t].cls, match ? &key : NULL,
                          match ? &mask : NULL, collect_cb, &c);
    }
    if (c.n > 1) {
        qsort(c.rules, c.n, sizeof *c.rules, rule_order);
    }
    free(md_query);
    *rulesp = c.rules;
    *n_rulesp = c.n;
}

/* True if CR's tunnel metadata is M's (the classifier compares only a
 * hash of it: ofproto_key_from_match()). */
static bool
same_tun_md(const struct ofproto_cls_rule *cr, const struct of_match *m)
{
    const struct rule *r = CONTAINER_OF(cr, struct rule, cr);

    return ofproto_minimatch_same_tun_md(&r->up.mm, &m->tun_md);
}

/* The same for the tunnel metadata of rule R. */
static bool
same_rule_tun_md(const struct ofproto_cls_rule *cr, const struct rule *r)
{
    const struct of_tun_md *a =
        CONTAINER_OF(cr, struct rule, cr)->up.mm.tun_md;
    const struct of_tun_md *b = r->up.mm.tun_md;

    /* A minimatch keeps no tunnel metadata when it is all zero. */
    return a && b ? !memcmp(a, b, sizeof *a) : a == b;
}

/* The rules a strict request selects: at most one per table. */
static void
collect_strict(const struct ofproto *p, const struct of_flow *f,
               uint16_t out_port, uint32_t out_group, struct rule ***rulesp,
               size_t *n_rulesp)
{
    struct collect c = {
        .cookie = f->cookie,
        .cookie_mask = f->cookie_mask,
        .out_port = out_port,
        .out_group = out_group,
    };
    struct ofproto_key key, mask;
    size_t first, end;

    ofproto_key_from_match(&f->match, &key, &mask);
    table_range(f->table_id, &first, &end);
    for (size_t t = first; t < end; t++) {
        struct ofproto_cls_rule *cr = ofproto_cls_find_exact(
            &p->tables[t].cls, &key, &mask, f->priority);
        if (cr && !same_tun_md(cr, &f->match)) {
            cr = NULL; /* The classifier saw only a hash of it. */
        }
        if (cr) {
            collect_cb(cr, &c);
        }
    }
    *rulesp = c.rules;
    *n_rulesp = c.n;
}

/* ---------------------------------------------------------------------
 * Flow-mod.
 * --------------------------------------------------------------------- */

struct acts_check {
    const struct ofproto *p;
    uint8_t table_id;
    int error;
    char *msg;
};

static bool
check_act(const struct of_act *a, const void *c_)
{
    struct acts_check *c = (struct acts_check *) c_;
    uint32_t v;

    switch (a->type) {
    case OF_ACT_GROUP:
        v = ((const struct of_act_u32 *) a)->value;
        if (!ofproto_group_lookup(c->p, v)) {
            c->error = OF_ERR_OFPBAC_BAD_OUT_GROUP;
            c->msg = xasprintf("group %" PRIu32 " does not exist", v);
            return true;
        }
        break;
    case OF_ACT_METER:
        v = ((const struct of_act_u32 *) a)->value;
        if (!ofproto_meter_lookup(c->p, v)) {
            c->error = OF_ERR_OFPMMFC_UNKNOWN_METER;
            c->msg = xasprintf("meter %" PRIu32 " does not exist", v);
            return true;
        }
        break;
    case OF_ACT_GOTO_TABLE:
        v = ((const struct of_act_u32 *) a)->value;
        if (v <= c->table_id || v >= OFPROTO_N_TABLES) {
            c->error = OF_ERR_OFPBIC_BAD_TABLE_ID;
            c->msg = xasprintf("goto_table:%" PRIu32 " from table %u does "
                               "not go forward",
                               v, c->table_id);
            return true;
        }
        break;
    default:
        break;
    }
    return false;
}

/* Checks what the switch (rather than the codec) must check about F. */
static int
check_acts(const struct ofproto *p, uint8_t table_id,
           const struct of_acts *acts, char **errp)
{
    struct acts_check c = { .p = p, .table_id = table_id };

    /* tun_metadata fields were checked against the TLV table, and given
     * their mapped lengths, on the way in (ofproto_flow_mod_in_txn()). */
    if (acts_any(acts->buf.data, acts->buf.len, check_act, &c)) {
        *errp = c.msg;
        return c.error;
    }
    return 0;
}

static int
check_flow(const struct ofproto *p, const struct of_flow *f, char **errp)
{
    return check_acts(p, f->table_id, &f->acts, errp);
}

/* Puts rule R (made by rule_create(), not yet in any table) into its
 * table in the open transaction.  On error, R is still the caller's. */
static int
flow_add_rule(struct ofproto *p, struct rule *r, char **errp)
{
    uint8_t table_id = r->up.table_id;
    uint16_t priority = r->up.priority;
    struct ofproto_table *t;
    struct ofproto_key key, mask;
    struct ofproto_cls_rule *old;
    int error;

    if (table_id >= OFPROTO_N_TABLES) {
        *errp = xasprintf("flows cannot be added to table %u", table_id);
        return OF_ERR_OFPFMFC_BAD_TABLE_ID;
    }
    error = check_acts(p, table_id, &r->up.acts, errp);
    if (error) {
        return error;
    }
    t = &p->tables[table_id];
    ofproto_rule_key(&r->up, &key, &mask);
    if (key.meta.pad) {
        struct ofproto_cls_rule *same =
            ofproto_cls_find_exact(&t->cls, &key, &mask, priority);
        if (same && !same_rule_tun_md(same, r)) {
            *errp = xstrdup("another flow's tunnel metadata has the same "
                            "classifier hash");
            return OF_ERR_OFPFMFC_TABLE_FULL;
        }
    }
    if ((r->up.flags & OF_FLOW_CHECK_OVERLAP)
        && ofproto_cls_overlaps(&t->cls, &key, &mask, priority)) {
        *errp = xasprintf("flow overlaps an existing flow of priority %u in "
                          "table %u",
                          priority, table_id);
        return OF_ERR_OFPFMFC_OVERLAP;
    }

    /* One classifier lookup for the common case, a new rule: the insert
     * itself finds the rule this one replaces, if any. */
    old = ofproto_cls_insert(&t->cls, &r->cr, &key, &mask, priority);
    if (old) {
        struct rule *o = CONTAINER_OF(old, struct rule, cr);

        /* A replacement takes over the counters unless asked not to. */
        if (!(r->up.flags & OF_FLOW_RESET_COUNTS)) {
            r->up.n_packets = o->up.n_packets;
            r->up.n_bytes = o->up.n_bytes;
            r->up.used_ms = o->up.used_ms;
        }
        ofproto_rule_remove_in_txn(p, o, -1);
        nf_assert(!ofproto_cls_insert(&t->cls, &r->cr, &key, &mask, priority));
    } else if (ofproto_cls_count(&t->cls) > t->max_flows) {
        /* A new flow in a full table: another goes, or this one is
         * refused. */
        error = ofproto_table_make_room(p, table_id, errp);
        if (error) {
            ofproto_cls_remove(&t->cls, &r->cr);
            return error;
        }
    } else {
        /* One flow more: the only kind of add after which Open vSwitch
         * looks at the table's vacancy. */
        ofproto_vacancy_note(p, table_id);
    }
    rule_attached(p, r);
    ofproto_txn_log(p, UNDO_INSERT)->rule = r;
    COVERAGE_INC(ofproto_flow_add);
    return 0;
}

static int
flow_add(struct ofproto *p, const struct of_flow *f, uint64_t cookie,
         char **errp)
{
    struct rule *r;
    int error;

    if (f->table_id >= OFPROTO_N_TABLES) {
        *errp = xasprintf("flows cannot be added to table %u", f->table_id);
        return OF_ERR_OFPFMFC_BAD_TABLE_ID;
    }
    r = rule_create(p, f, cookie, p->txn->now_ms);
    error = flow_add_rule(p, r, errp);
    if (error) {
        ofproto_rule_free(r);
    }
    return error;
}

struct rule *
ofproto_rule_prepare(struct ofproto *p, const struct of_flow *f)
{
    if (f->table_id >= OFPROTO_N_TABLES || ofproto_tlv_flow_uses_md(f)) {
        return NULL;
    }
    return rule_create(p, f, f->cookie, nf_time_msec());
}

int
ofproto_flow_add_prepared_in_txn(struct ofproto *p, struct rule *r,
                                 char **errp)
{
    int error;

    *errp = NULL;
    /* Its life starts with the transaction (the bundle's commit), not
     * when its message arrived; one clock reading serves a whole
     * bundle. */
    r->up.created_ms = r->up.used_ms = r->modified_ms = p->txn->now_ms;
    error = flow_add_rule(p, r, errp);
    if (error) {
        COVERAGE_INC(ofproto_flow_mod_error);
    }
    return error;
}

static void
rule_modify_in_txn(struct ofproto *p, struct rule *r, const struct of_flow *f,
                   uint64_t new_cookie)
{
    struct undo *u = ofproto_txn_log(p, UNDO_MODIFY);

    u->rule = r;
    u->old = (struct undo_rule_old){
        .acts = r->up.acts, /* Takes over the old actions' buffer. */
        .cookie = r->up.cookie,
        .flags = r->up.flags,
        .idle_timeout = r->up.idle_timeout,
        .hard_timeout = r->up.hard_timeout,
        .importance = r->up.importance,
        .n_packets = r->up.n_packets,
        .n_bytes = r->up.n_bytes,
    };
    acts_copy(&r->up.acts, &f->acts);
    if (new_cookie != UINT64_MAX) {
        r->up.cookie = new_cookie;
    }
    if (f->flags & OF_FLOW_RESET_COUNTS) {
        r->up.n_packets = r->up.n_bytes = 0;
    }
    r->modified_ms = nf_time_msec();
    COVERAGE_INC(ofproto_flow_modify);
}

static int
flow_mod_in_txn__(struct ofproto *p, const struct of_flow *f,
                  enum of_flow_cmd cmd, uint64_t new_cookie, char **errp)
{
    struct rule **rules = NULL;
    size_t n = 0;
    int error = 0;

    switch (cmd) {
    case OF_FLOW_ADD:
        return flow_add(p, f, f->cookie, errp);

    case OF_FLOW_MODIFY:
    case OF_FLOW_MODIFY_STRICT:
        error = check_flow(p, f, errp);
        if (error) {
            return error;
        }
        if (cmd == OF_FLOW_MODIFY) {
            ofproto_collect_rules(p, f->table_id, &f->match, f->cookie,
                                  f->cookie_mask, OF_PORT_NONE, OF_GROUP_ANY,
                                  &rules, &n);
        } else {
            collect_strict(p, f, OF_PORT_NONE, OF_GROUP_ANY, &rules, &n);
        }
        if (!n) {
            /* OpenFlow 1.0: a modify that finds nothing is an add. */
            if (new_cookie != UINT64_MAX && !f->cookie_mask) {
                struct of_flow add = *f;

                if (add.table_id == OF_TABLE_ALL) {
                    add.table_id = 0;
                }
                error = flow_add(p, &add, new_cookie, errp);
            }
            break;
        }
        for (size_t i = 0; i < n; i++) {
            rule_modify_in_txn(p, rules[i], f, new_cookie);
        }
        break;

    case OF_FLOW_DELETE:
    case OF_FLOW_DELETE_STRICT:
        if (cmd == OF_FLOW_DELETE) {
            ofproto_collect_rules(p, f->table_id, &f->match, f->cookie,
                                  f->cookie_mask, f->out_port, f->out_group,
                                  &rules, &n);
        } else {
            collect_strict(p, f, f->out_port, f->out_group, &rules, &n);
        }
        for (size_t i = 0; i < n; i++) {
            ofproto_rule_remove_in_txn(p, rules[i], OF_RR_DELETE);
        }
        break;

    default:
        *errp = xasprintf("unknown flow-mod command %d", (int) cmd);
        error = OF_ERR_OFPFMFC_BAD_COMMAND;
        break;
    }
    free(rules);
    return error;
}

int
ofproto_flow_mod_in_txn(struct ofproto *p, const struct of_flow *f,
                        enum of_flow_cmd cmd, uint64_t new_cookie, char **errp)
{
    struct of_flow copy;
    int error;

    if (!ofproto_tlv_flow_uses_md(f)) {
        return flow_mod_in_txn__(p, f, cmd, new_cookie, errp);
    }
    /* Fields named by the flow take the lengths of their TLV mappings
     * (or the flow is refused): in a copy, since F is the caller's. */
    copy = *f;
    acts_copy(&copy.acts, &f->acts);
    error = ofproto_tlv_normalize_flow(p, &copy, errp);
    if (!error) {
        error = flow_mod_in_txn__(p, &copy, cmd, new_cookie, errp);
    }
    of_acts_destroy(&copy.acts);
    return error;
}

int
ofproto_flow_mod_ext(struct ofproto *p, const struct of_flow *f,
                     enum of_flow_cmd cmd, uint64_t new_cookie, char **errp)
{
    int error;

    *errp = NULL;
    ofproto_txn_begin(p);
    error = ofproto_flow_mod_in_txn(p, f, cmd, new_cookie, errp);
    if (error) {
        COVERAGE_INC(ofproto_flow_mod_error);
        ofproto_txn_abort(p);
    } else {
        ofproto_txn_commit(p);
    }
    return error;
}

int
ofproto_flow_mod(struct ofproto *p, const struct of_flow *f,
                 enum of_flow_cmd cmd, char **errp)
{
    return ofproto_flow_mod_ext(p, f, cmd, UINT64_MAX, errp);
}

int
ofproto_flow_learn(struct ofproto *p, const struct of_flow *f, char **errp)
{
    struct rule **rules;
    size_t n;

    *errp = NULL;
    if (f->table_id >= OFPROTO_N_TABLES || p->txn) {
        /* Table 255 is no table; a bundle being applied owns the tables
         * until it ends, as Open vSwitch's learn waits for it. */
        *errp = xstrdup(p->txn ? "a bundle is being applied"
                               : "learn into table 255");
        return OF_ERR_OFPFMFC_BAD_TABLE_ID;
    }
    collect_strict(p, f, OF_PORT_NONE, OF_GROUP_ANY, &rules, &n);
    if (n == 1 && rules[0]->up.cookie == f->cookie
        && of_acts_equal(&rules[0]->up.acts, &f->acts)) {
        /* Learned again: its hard timeout starts again, nothing else
         * changes (so the generation stays). */
        rules[0]->modified_ms = nf_time_msec();
        free(rules);
        COVERAGE_INC(ofproto_flow_learn_refresh);
        return 0;
    }
    free(rules);
    return ofproto_flow_mod_ext(p, f, OF_FLOW_MODIFY_STRICT, f->cookie, errp);
}

/* ---------------------------------------------------------------------
 * Lookups and statistics.
 * --------------------------------------------------------------------- */

const struct ofproto_rule *
ofproto_lookup(struct ofproto *p, uint8_t table_id,
               const struct ofproto_key *key, struct ofproto_key *wc)
{
    struct ofproto_table *t;
    const struct ofproto_cls_rule *cr;

    if (table_id >= OFPROTO_N_TABLES) {
        return NULL;
    }
    t = &p->tables[table_id];
    t->n_lookups++;
    cr = ofproto_conj_lookup(&t->cls, key, wc);
    if (!cr) {
        return NULL;
    }
    t->n_matched++;
    return &CONTAINER_OF(cr, struct rule, cr)->up;
}

void
ofproto_rule_credit(const struct ofproto_rule *rule_, uint64_t n_packets,
                    uint64_t n_bytes, long long used_ms)
{
    struct rule *r = rule_cast(rule_);

    if (!(r->up.flags & OF_FLOW_NO_PKT_COUNTS)) {
        r->up.n_packets += n_packets;
    }
    if (!(r->up.flags & OF_FLOW_NO_BYT_COUNTS)) {
        r->up.n_bytes += n_bytes;
    }
    if (used_ms > r->up.used_ms) {
        r->up.used_ms = used_ms;
    }
}

size_t
ofproto_n_rules(const struct ofproto *p)
{
    return p->n_rules;
}

void
ofproto_rule_for_each(const struct ofproto *p, uint8_t table_id,
                      void (*cb)(const struct ofproto_rule *, void *aux),
                      void *aux)
{
    struct rule **rules;
    size_t n;

    if (table_id == OF_TABLE_ALL) {
        /* Every table here, the bridge's own included. */
        for (size_t t = 0; t < OFPROTO_N_TABLES; t++) {
            ofproto_rule_for_each(p, (uint8_t) t, cb, aux);
        }
        return;
    }
    ofproto_collect_rules(p, table_id, NULL, 0, 0, OF_PORT_NONE, OF_GROUP_ANY,
                          &rules, &n);
    for (size_t i = 0; i < n; i++) {
        cb(&rules[i]->up, aux);
    }
    free(rules);
}

static uint32_t
count_rules_with(const struct ofproto *p,
                 bool (*cb)(const struct of_act *, const void *),
                 const void *aux)
{
    uint32_t n = 0;

    for (size_t t = 0; t < OFPROTO_N_TABLES; t++) {
        struct rule **rules;
        size_t n_rules;

        ofproto_collect_rules(p, (uint8_t) t, NULL, 0, 0, OF_PORT_NONE,
                              OF_GROUP_ANY, &rules, &n_rules);
        for (size_t i = 0; i < n_rules; i++) {
            const struct buf *b = &rules[i]->up.acts.buf;
            n += acts_any(b->data, b->len, cb, aux);
        }
        free(rules);
    }
    return n;
}

struct learned_acc {
    struct ofproto_learned **keys;
    size_t *n, *allocated;
};

static bool
act_collect_learned(const struct of_act *a, const void *acc_)
{
    const struct learned_acc *acc = acc_;
    const struct of_act_learn *l = (const struct of_act_learn *) a;

    if (a->type == OF_ACT_LEARN && (l->flags & OF_LEARN_DELETE_LEARNED)) {
        if (*acc->n == *acc->allocated) {
            *acc->allocated = *acc->allocated * 2 + 4;
            *acc->keys =
                xrealloc(*acc->keys, *acc->allocated * sizeof **acc->keys);
        }
        (*acc->keys)[(*acc->n)++] = (struct ofproto_learned){
            .table_id = l->table_id,
            .cookie = l->cookie,
        };
    }
    return false; /* Every action. */
}

void
ofproto_learned_collect(const void *data, size_t len,
                        struct ofproto_learned **keys, size_t *n,
                        size_t *allocated)
{
    struct learned_acc acc = { keys, n, allocated };
    acts_any(data, len, act_collect_learned, &acc);
}

static bool
act_keeps_learned(const struct of_act *a, const void *key_)
{
    const struct ofproto_learned *key = key_;
    const struct of_act_learn *l = (const struct of_act_learn *) a;

    return a->type == OF_ACT_LEARN && (l->flags & OF_LEARN_DELETE_LEARNED)
           && l->table_id == key->table_id && l->cookie == key->cookie;
}

void
ofproto_learned_flush(struct ofproto *p, const struct ofproto_learned *keys,
                      size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct ofproto_learned *k = &keys[i];
        bool seen = false;

        for (size_t j = 0; j < i && !seen; j++) {
            seen =
                keys[j].table_id == k->table_id && keys[j].cookie == k->cookie;
        }
        if (seen || count_rules_with(p, act_keeps_learned, k)) {
            continue;
        }
        /* As Open vSwitch: a delete of the table's flows with the cookie,
         * their flow-removed reason "delete". */
        struct of_flow del;
        char *err = NULL;
        of_flow_init(&del, OF_FLOW_DELETE);
        del.table_id = k->table_id;
        del.cookie = k->cookie;
        del.cookie_mask = UINT64_MAX;
        COVERAGE_INC(ofproto_flow_delete_learned);
        ofproto_flow_mod(p, &del, OF_FLOW_DELETE, &err);
        free(err);
        of_flow_destroy(&del);
    }
}

uint32_t
ofproto_group_ref_count(const struct ofproto *p, uint32_t group_id)
{
    return count_rules_with(p, act_uses_group, &group_id);
}

uint32_t
ofproto_meter_flow_count(const struct ofproto *p, uint32_t meter_id)
{
    return count_rules_with(p, act_uses_meter, &meter_id);
}

void
ofproto_remove_rules_using(struct ofproto *p, bool group, uint32_t id,
                           int reason)
{
    for (size_t t = 0; t < OFPROTO_N_TABLES; t++) {
        struct rule **rules;
        size_t n;

        ofproto_collect_rules(p, (uint8_t) t, NULL, 0, 0, OF_PORT_NONE,
                              OF_GROUP_ANY, &rules, &n);
        for (size_t i = 0; i < n; i++) {
            const struct buf *b = &rules[i]->up.acts.buf;
            if (acts_any(b->data, b->len,
                         group ? act_uses_group : act_uses_meter, &id)) {
                ofproto_rule_remove_in_txn(p, rules[i], reason);
            }
        }
        free(rules);
    }
}

void
ofproto_rule_to_flow_removed(const struct ofproto_rule *r, int reason,
                             long long now_ms, struct of_flow_removed *fr)
{
    long long age = now_ms - r->created_ms;

    memset(fr, 0, sizeof *fr);
    ofproto_rule_get_match(r, &fr->match);
    fr->cookie = r->cookie;
    fr->priority = r->priority;
    fr->reason = (uint8_t) reason;
    fr->table_id = r->table_id;
    if (age < 0) {
        age = 0;
    }
    fr->duration_sec = (uint32_t) (age / 1000);
    fr->duration_nsec = (uint32_t) (age % 1000) * 1000000;
    fr->idle_timeout = r->idle_timeout;
    fr->hard_timeout = r->hard_timeout;
    fr->packet_count = r->n_packets;
    fr->byte_count = r->n_bytes;
}

/* ---------------------------------------------------------------------
 * Expiry.
 * --------------------------------------------------------------------- */

/* When R expires, and why (through *REASON). */
static long long
rule_deadline(const struct rule *r, int *reason)
{
    long long when = LLONG_MAX;

    if (r->up.hard_timeout) {
        when = r->modified_ms + r->up.hard_timeout * 1000LL;
        *reason = OF_RR_HARD_TIMEOUT;
    }
    if (r->up.idle_timeout) {
        long long last = NF_MAX(r->up.used_ms, r->modified_ms);
        long long idle = last + r->up.idle_timeout * 1000LL;
        if (idle < when) {
            when = idle;
            *reason = OF_RR_IDLE_TIMEOUT;
        }
    }
    return when;
}

long long
ofproto_expire(struct ofproto *p, long long now_ms)
{
    long long next = LLONG_MAX;
    struct rule *r, *nx;
    bool opened = false;

    if (p->txn) {
        /* A bundle is being applied: expire next time. */
        return now_ms + 100;
    }
    DLIST_FOR_EACH_SAFE (r, nx, expirable_node, &p->expirable) {
        int reason = -1;
        long long when = rule_deadline(r, &reason);

        if (when <= now_ms) {
            if (!opened) {
                ofproto_txn_begin(p);
                opened = true;
            }
            COVERAGE_INC(ofproto_flow_expire);
            ofproto_rule_remove_in_txn(p, r, reason);
        } else if (when < next) {
            next = when;
        }
    }
    if (opened) {
        ofproto_txn_commit(p);
    }
    return next;
}
