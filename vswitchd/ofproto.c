/* ofproto.c: a bridge's OpenFlow switch — lifecycle, ports, transactions
 * and periodic work (see ofproto.h; flows are in ofproto-flow.c, groups
 * and meters in ofproto-group.c, connections in connmgr*.c). */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/daemon.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofctl/ofp-port.h"
#include "ofctl/ofp-switch.h"
#include "vswitchd/connmgr.h"
#include "vswitchd/ofproto-private.h"

VLOG_DEFINE_THIS_MODULE(ofproto);

COVERAGE_DEFINE(ofproto_txn_commit);
COVERAGE_DEFINE(ofproto_txn_abort);
COVERAGE_DEFINE(ofproto_port_change);

int
ofproto_create(const char *name, uint64_t dpid, struct evloop *loop,
               const struct ofproto_ops *ops, void *aux,
               struct ofproto **ofprotop, char **errp)
{
    struct ofproto *p = xzalloc(sizeof *p);
    char *path;
    int error;

    *ofprotop = NULL;
    *errp = NULL;
    p->name = xstrdup(name);
    p->dpid = dpid;
    p->loop = loop;
    p->ops = ops;
    p->aux = aux;
    p->fail_mode = OFPROTO_FAIL_STANDALONE;
    p->frag_handling = OF_CONFIG_FRAG_NORMAL;
    p->generation = 1;
    for (size_t i = 0; i < OFPROTO_N_TABLES; i++) {
        ofproto_cls_init(&p->tables[i].cls);
        p->tables[i].max_flows = UINT_MAX;
    }
    dlist_init(&p->expirable);
    hmap_init(&p->groups);
    hmap_init(&p->meters);

    error = daemon_mkdirs(daemon_rundir());
    if (error) {
        *errp = xasprintf("%s: cannot create run directory %s (%s)", name,
                          daemon_rundir(), nf_strerror(error));
        goto free_ofproto;
    }
    path = xasprintf("%s/%s.mgmt", daemon_rundir(), name);
    error = connmgr_create(p, loop, path, &p->connmgr, errp);
    free(path);
    if (error) {
        goto free_ofproto;
    }
    VLOG_INFO("%s: OpenFlow switch created (datapath id %016llx)", name,
              (unsigned long long) dpid);
    *ofprotop = p;
    return 0;

free_ofproto:
    for (size_t i = 0; i < OFPROTO_N_TABLES; i++) {
        ofproto_cls_destroy(&p->tables[i].cls);
        ofproto_table_settings_destroy(&p->tables[i]);
    }
    hmap_destroy(&p->groups);
    hmap_destroy(&p->meters);
    free(p->name);
    free(p);
    return error;
}

void
ofproto_destroy(struct ofproto *p)
{
    if (!p) {
        return;
    }
    if (p->txn) {
        ofproto_txn_abort(p);
    }
    connmgr_destroy(p->connmgr);
    p->connmgr = NULL;
    ofproto_flows_clear(p);
    ofproto_meters_release(p);
    ofproto_groups_clear(p);
    for (size_t i = 0; i < OFPROTO_N_TABLES; i++) {
        ofproto_cls_destroy(&p->tables[i].cls);
        ofproto_table_settings_destroy(&p->tables[i]);
    }
    hmap_destroy(&p->groups);
    hmap_destroy(&p->meters);
    free(p->txn_store.undos);
    free(p->ports);
    free(p->port_created_ms);
    free(p->name);
    free(p);
}

const char *
ofproto_name(const struct ofproto *p)
{
    return p->name;
}

void
ofproto_set_dpid(struct ofproto *p, uint64_t dpid)
{
    p->dpid = dpid;
}

uint64_t
ofproto_get_dpid(const struct ofproto *p)
{
    return p->dpid;
}

void
ofproto_set_fail_mode(struct ofproto *p, enum ofproto_fail_mode mode)
{
    if (p->fail_mode != mode) {
        p->fail_mode = mode;
        p->generation++;
    }
}

enum ofproto_fail_mode
ofproto_get_fail_mode(const struct ofproto *p)
{
    return p->fail_mode;
}

uint16_t
ofproto_get_frag_handling(const struct ofproto *p)
{
    return p->frag_handling;
}

uint64_t
ofproto_generation(const struct ofproto *p)
{
    return p->generation;
}

long long
ofproto_run(struct ofproto *p, long long now_ms)
{
    long long next = ofproto_expire(p, now_ms);
    long long cm = connmgr_run(p->connmgr, now_ms);

    return NF_MIN(next, cm);
}

/* ---------------------------------------------------------------------
 * Transactions.
 * --------------------------------------------------------------------- */

void
ofproto_txn_begin(struct ofproto *p)
{
    nf_assert(!p->txn);
    p->txn = &p->txn_store;
    p->txn->n = 0;
    p->txn->now_ms = nf_time_msec();
    memset(p->txn->vacancy_check, 0, sizeof p->txn->vacancy_check);
}

void
ofproto_txn_reserve(struct ofproto *p, size_t n)
{
    struct ofproto_txn *t = p->txn;

    nf_assert(t);
    if (t->cap - t->n < n) {
        t->cap = t->n + n;
        t->undos = xrealloc(t->undos, t->cap * sizeof *t->undos);
    }
}

struct undo *
ofproto_txn_log(struct ofproto *p, enum undo_kind kind)
{
    struct ofproto_txn *t = p->txn;
    struct undo *u;

    nf_assert(t);
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->undos = xrealloc(t->undos, t->cap * sizeof *t->undos);
    }
    u = &t->undos[t->n++];
    memset(u, 0, sizeof *u);
    u->kind = kind;
    u->reason = -1;
    return u;
}

/* An undo log longer than this is freed when its transaction ends rather
 * than kept for the next one: a big bundle's log is not worth holding. */
#define TXN_KEEP_UNDOS 1024

static void
txn_free(struct ofproto *p)
{
    struct ofproto_txn *t = p->txn;

    if (t->cap > TXN_KEEP_UNDOS) {
        free(t->undos);
        t->undos = NULL;
        t->cap = 0;
    }
    t->n = 0;
    p->txn = NULL;
}

void
ofproto_txn_commit(struct ofproto *p)
{
    struct ofproto_txn *t = p->txn;
    long long now = nf_time_msec();

    COVERAGE_INC(ofproto_txn_commit);
    /* Vacancy events go before everything else the commit sends, as Open
     * vSwitch sends them before its flow-removed messages. */
    ofproto_vacancy_commit(p);
    /* Tell controllers first, while removed rules still exist. */
    for (size_t i = 0; i < t->n; i++) {
        struct undo *u = &t->undos[i];

        switch (u->kind) {
        case UNDO_INSERT:
            connmgr_flow_event(p->connmgr, &u->rule->up, 1 /* ADDED */, 0);
            break;
        case UNDO_MODIFY:
            connmgr_flow_event(p->connmgr, &u->rule->up, 3 /* MODIFIED */, 0);
            break;
        case UNDO_REMOVE:
            connmgr_flow_event(p->connmgr, &u->rule->up, 2 /* DELETED */,
                               u->reason < 0 ? OF_RR_DELETE : u->reason);
            if (u->reason >= 0
                && (u->rule->up.flags & OF_FLOW_SEND_FLOW_REM)) {
                struct of_flow_removed fr;

                ofproto_rule_to_flow_removed(&u->rule->up, u->reason, now,
                                             &fr);
                connmgr_send_flow_removed(p->connmgr, &fr);
            }
            break;
        case UNDO_PORT: {
            const struct ofproto_port *port =
                ofproto_port_find(p, u->old_port.ofp_port);
            if (port) {
                connmgr_send_port_status(p->connmgr, port, OF_PR_MODIFY);
            }
            break;
        }
        case UNDO_METER:
            ofproto_meter_commit(p, u);
            break;
        case UNDO_GROUP:
        default:
            break;
        }
    }
    /* The delete_learned learns of the rules removed or given other
     * actions: their learned flows go once no rule keeps such a learn. */
    struct ofproto_learned *learned = NULL;
    size_t n_learned = 0, allocated_learned = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct undo *u = &t->undos[i];
        const struct of_acts *acts = u->kind == UNDO_REMOVE ? &u->rule->up.acts
                                     : u->kind == UNDO_MODIFY ? &u->old.acts
                                                              : NULL;
        if (acts) {
            ofproto_learned_collect(acts->buf.data, acts->buf.len, &learned,
                                    &n_learned, &allocated_learned);
        }
    }
    /* Then free what the transaction replaced or removed. */
    for (size_t i = 0; i < t->n; i++) {
        struct undo *u = &t->undos[i];

        switch (u->kind) {
        case UNDO_REMOVE:
            ofproto_rule_free(u->rule);
            break;
        case UNDO_MODIFY:
            of_acts_destroy(&u->old.acts);
            break;
        case UNDO_GROUP:
            ofproto_group_free(u->old_group);
            break;
        case UNDO_METER:
            ofproto_meter_free(u->old_meter);
            break;
        case UNDO_INSERT:
        case UNDO_PORT:
        default:
            break;
        }
    }
    if (t->n) {
        p->generation++;
    }
    txn_free(p);
    if (n_learned) {
        ofproto_learned_flush(p, learned, n_learned);
    }
    free(learned);
}

/* Puts back RULE (removed by the transaction) into its table. */
static void
reinsert_rule(struct ofproto *p, struct rule *rule)
{
    struct ofproto_key key, mask;
    struct ofproto_table *t = &p->tables[rule->up.table_id];

    ofproto_rule_key(&rule->up, &key, &mask);
    nf_assert(!ofproto_cls_insert(&t->cls, &rule->cr, &key, &mask,
                                  rule->up.priority));
    rule->in_table = true;
    p->n_rules++;
    if (rule->up.idle_timeout || rule->up.hard_timeout) {
        dlist_push_back(&p->expirable, &rule->expirable_node);
    }
}

static void
replace_group(struct ofproto *p, struct ofgroup *cur, struct ofgroup *prev)
{
    if (cur) {
        hmap_remove(&p->groups, &cur->node);
        ofproto_group_free(cur);
    }
    if (prev) {
        hmap_insert(&p->groups, &prev->node, prev->g.group_id);
    }
}

static void
replace_meter(struct ofproto *p, struct ofmeter *cur, struct ofmeter *prev)
{
    if (cur) {
        hmap_remove(&p->meters, &cur->node);
        ofproto_meter_free(cur);
    }
    if (prev) {
        hmap_insert(&p->meters, &prev->node, prev->m.meter_id);
    }
}

void
ofproto_txn_abort(struct ofproto *p)
{
    struct ofproto_txn *t = p->txn;

    COVERAGE_INC(ofproto_txn_abort);
    for (size_t i = t->n; i-- > 0;) {
        struct undo *u = &t->undos[i];

        switch (u->kind) {
        case UNDO_INSERT:
            ofproto_rule_detach(p, u->rule);
            ofproto_rule_free(u->rule);
            break;
        case UNDO_REMOVE:
            reinsert_rule(p, u->rule);
            break;
        case UNDO_MODIFY: {
            struct ofproto_rule *r = &u->rule->up;
            of_acts_destroy(&r->acts);
            r->acts = u->old.acts;
            r->cookie = u->old.cookie;
            r->flags = u->old.flags;
            r->idle_timeout = u->old.idle_timeout;
            r->hard_timeout = u->old.hard_timeout;
            r->importance = u->old.importance;
            r->n_packets = u->old.n_packets;
            r->n_bytes = u->old.n_bytes;
            break;
        }
        case UNDO_GROUP:
            replace_group(p, u->new_group, u->old_group);
            break;
        case UNDO_METER:
            replace_meter(p, u->new_meter, u->old_meter);
            break;
        case UNDO_PORT:
            for (size_t j = 0; j < p->n_ports; j++) {
                if (p->ports[j].ofp_port == u->old_port.ofp_port) {
                    p->ports[j].config = u->old_port.config;
                }
            }
            break;
        default:
            break;
        }
    }
    txn_free(p);
}

/* ---------------------------------------------------------------------
 * Ports.
 * --------------------------------------------------------------------- */

static size_t
port_index(const struct ofproto *p, uint16_t ofp_port, bool *found)
{
    size_t lo = 0, hi = p->n_ports;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->ports[mid].ofp_port < ofp_port) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    *found = lo < p->n_ports && p->ports[lo].ofp_port == ofp_port;
    return lo;
}

void
ofproto_port_to_of(const struct ofproto_port *pp, struct of_port *op)
{
    memset(op, 0, sizeof *op);
    op->port_no = pp->ofp_port;
    memcpy(op->hw_addr, pp->hw_addr.ea, sizeof op->hw_addr);
    memcpy(op->name, pp->name, sizeof op->name);
    op->name[sizeof op->name - 1] = '\0';
    op->config = pp->config;
    op->state = pp->state;
    op->curr = pp->curr;
    op->curr_speed = pp->curr_speed;
    op->max_speed = pp->max_speed;
}

int
ofproto_port_add(struct ofproto *p, const struct ofproto_port *port)
{
    bool found;
    size_t i;

    if (!port->ofp_port
        || (port->ofp_port >= OF_PORT_MAX && port->ofp_port != OF_PORT_LOCAL)
        || !port->name[0] || !memchr(port->name, '\0', sizeof port->name)) {
        return EINVAL;
    }
    if (ofproto_port_find_by_name(p, port->name)) {
        return EEXIST;
    }
    i = port_index(p, port->ofp_port, &found);
    if (found) {
        return EEXIST;
    }
    if (p->n_ports == p->cap_ports) {
        p->cap_ports = p->cap_ports ? 2 * p->cap_ports : 8;
        p->ports = xrealloc(p->ports, p->cap_ports * sizeof *p->ports);
        p->port_created_ms = xrealloc(
            p->port_created_ms, p->cap_ports * sizeof *p->port_created_ms);
    }
    memmove(&p->ports[i + 1], &p->ports[i],
            (p->n_ports - i) * sizeof *p->ports);
    memmove(&p->port_created_ms[i + 1], &p->port_created_ms[i],
            (p->n_ports - i) * sizeof *p->port_created_ms);
    p->ports[i] = *port;
    p->port_created_ms[i] = nf_time_msec();
    p->n_ports++;
    p->generation++;
    COVERAGE_INC(ofproto_port_change);
    connmgr_send_port_status(p->connmgr, &p->ports[i], OF_PR_ADD);
    return 0;
}

int
ofproto_port_modify(struct ofproto *p, const struct ofproto_port *port)
{
    bool found;
    size_t i = port_index(p, port->ofp_port, &found);

    if (!found) {
        return ENOENT;
    }
    if (!memcmp(&p->ports[i], port, sizeof *port)) {
        return 0;
    }
    p->ports[i] = *port;
    p->generation++;
    COVERAGE_INC(ofproto_port_change);
    connmgr_send_port_status(p->connmgr, &p->ports[i], OF_PR_MODIFY);
    return 0;
}

int
ofproto_port_del(struct ofproto *p, uint16_t ofp_port)
{
    bool found;
    size_t i = port_index(p, ofp_port, &found);
    struct ofproto_port gone;

    if (!found) {
        return ENOENT;
    }
    gone = p->ports[i];
    memmove(&p->ports[i], &p->ports[i + 1],
            (p->n_ports - i - 1) * sizeof *p->ports);
    memmove(&p->port_created_ms[i], &p->port_created_ms[i + 1],
            (p->n_ports - i - 1) * sizeof *p->port_created_ms);
    p->n_ports--;
    p->generation++;
    COVERAGE_INC(ofproto_port_change);
    connmgr_send_port_status(p->connmgr, &gone, OF_PR_DELETE);
    return 0;
}

const struct ofproto_port *
ofproto_port_find(const struct ofproto *p, uint16_t ofp_port)
{
    bool found;
    size_t i = port_index(p, ofp_port, &found);

    return found ? &p->ports[i] : NULL;
}

const struct ofproto_port *
ofproto_port_find_by_name(const struct ofproto *p, const char *name)
{
    for (size_t i = 0; i < p->n_ports; i++) {
        if (!strncmp(p->ports[i].name, name, sizeof p->ports[i].name)) {
            return &p->ports[i];
        }
    }
    return NULL;
}

long long
ofproto_port_created(const struct ofproto *p, uint16_t ofp_port)
{
    bool found;
    size_t i = port_index(p, ofp_port, &found);

    return found ? p->port_created_ms[i] : nf_time_msec();
}

void
ofproto_port_for_each(const struct ofproto *p,
                      void (*cb)(const struct ofproto_port *, void *aux),
                      void *aux)
{
    for (size_t i = 0; i < p->n_ports; i++) {
        cb(&p->ports[i], aux);
    }
}

void
ofproto_set_port_stats_cb(struct ofproto *p,
                          bool (*cb)(void *aux, uint16_t ofp_port,
                                     struct ofproto_port_stats *))
{
    p->port_stats_cb = cb;
}

bool
ofproto_get_port_stats(const struct ofproto *p, uint16_t ofp_port,
                       struct ofproto_port_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    return p->port_stats_cb && p->port_stats_cb(p->aux, ofp_port, stats);
}

int
ofproto_port_mod_in_txn(struct ofproto *p, const struct of_port_mod *pm,
                        char **errp)
{
    /* Config bits a controller may set, in OpenFlow 1.0 numbering (the
     * codec drops the 1.0-only ones in later versions). */
    const uint32_t settable = OF_PC_10_ALL;
    bool found;
    size_t i = port_index(p, pm->port_no, &found);
    struct ofproto_port *port;
    struct undo *u;
    uint32_t config;

    if (!found) {
        *errp = xasprintf("port-mod: no port %u", pm->port_no);
        return OF_ERR_OFPPMFC_BAD_PORT;
    }
    port = &p->ports[i];
    if (memcmp(port->hw_addr.ea, pm->hw_addr, sizeof pm->hw_addr)) {
        *errp = xasprintf("port-mod: port %u has another hardware address",
                          pm->port_no);
        return OF_ERR_OFPPMFC_BAD_HW_ADDR;
    }
    config = (port->config & ~(pm->mask & settable))
             | (pm->config & pm->mask & settable);
    if (config == port->config) {
        return 0;
    }
    u = ofproto_txn_log(p, UNDO_PORT);
    u->old_port = *port;
    port->config = config;
    if (p->ops && p->ops->port_mod) {
        p->ops->port_mod(p->aux, port->ofp_port, u->old_port.config, config);
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Controllers.
 * --------------------------------------------------------------------- */

int
ofproto_set_controllers(struct ofproto *p,
                        const struct ofproto_controller *controllers, size_t n,
                        char **errp)
{
    return connmgr_set_controllers(p->connmgr, controllers, n, errp);
}

bool
ofproto_has_controller(const struct ofproto *p)
{
    return connmgr_has_controller(p->connmgr);
}

bool
ofproto_get_controller_info(const struct ofproto *p, const char *target,
                            struct ofproto_controller_info *info)
{
    return connmgr_get_controller_info(p->connmgr, target, info);
}

bool
ofproto_is_fail_open(const struct ofproto *p)
{
    return connmgr_is_fail_open(p->connmgr);
}

bool
ofproto_wants_implicit_miss(const struct ofproto *p)
{
    return connmgr_wants_implicit_miss(p->connmgr);
}

uint64_t
ofproto_controller_seqno(const struct ofproto *p)
{
    return connmgr_controller_seqno(p->connmgr);
}

void
ofproto_send_packet_in(struct ofproto *p, enum ofproto_packet_in_reason reason,
                       uint8_t table_id, uint64_t cookie,
                       const struct ofproto_key *key, const void *pkt,
                       size_t len, uint16_t max_len, const void *userdata,
                       size_t userdata_len)
{
    connmgr_send_packet_in(p->connmgr, reason, table_id, cookie, key, pkt, len,
                           max_len, userdata, userdata_len);
}

void
ofproto_key_from_match(const struct of_match *m, struct ofproto_key *key,
                       struct ofproto_key *mask)
{
    key->flow = m->flow;
    key->meta = m->meta;
    mask->flow = m->mask;
    mask->meta = m->meta_mask;
    /* Tunnel metadata in its OpenFlow form (ofproto-tlv.h). */
    ofproto_tlv_match_to_key(m, key, mask);
}

bool
ofproto_controller_is_primary(const struct ofproto_controller *c)
{
    return c->type == OFPROTO_CTRL_DEFAULT
               ? pstream_verify_name(c->target) != 0
               : c->type == OFPROTO_CTRL_PRIMARY;
}

void
ofproto_rule_key(const struct ofproto_rule *r, struct ofproto_key *key,
                 struct ofproto_key *mask)
{
    if (r->mm.tun_md) {
        /* Rare: the tunnel metadata's mapping works on the whole match. */
        struct of_match m;

        ofproto_minimatch_expand(&r->mm, &m);
        ofproto_key_from_match(&m, key, mask);
        return;
    }
    /* What ofproto_key_from_match() gives for a match without tunnel
     * metadata: its key's tunnel options are all zero.  They already are
     * unless the compact match stores a word there; the check spares a
     * bundle commit of 100,000 flows two 272-byte clears per flow. */
    ofproto_minimatch_to_key(&r->mm, key, mask);
    if (ofproto_minimatch_touches(
            &r->mm, offsetof(struct ofproto_key, flow.tunnel.opts),
            sizeof key->flow.tunnel.opts)) {
        memset(&key->flow.tunnel.opts, 0, sizeof key->flow.tunnel.opts);
        memset(&mask->flow.tunnel.opts, 0, sizeof mask->flow.tunnel.opts);
    }
}

void
ofproto_rule_get_match(const struct ofproto_rule *r, struct of_match *m)
{
    ofproto_minimatch_expand(&r->mm, m);
}
