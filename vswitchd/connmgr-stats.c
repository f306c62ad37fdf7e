/* connmgr-stats.c: the OpenFlow requests that read the switch — flow,
 * aggregate, port, queue, table, group and meter statistics and
 * descriptions, table and group and meter features — and flow monitors.
 * The dispatch table in connmgr-handlers.c points here. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "ofctl/ofp-flow.h"
#include "ofctl/ofp-group.h"
#include "ofctl/ofp-meter.h"
#include "ofctl/ofp-monitor.h"
#include "ofctl/ofp-port.h"
#include "ofctl/ofp-switch.h"
#include "ofctl/ofp-table.h"
#include "vswitchd/connmgr-private.h"
#include "vswitchd/ofproto-private.h"

static struct ofproto *
ofp(const struct ofconn *c)
{
    return c->mgr->ofproto;
}

static void
send_and_free(struct ofconn *c, struct buf *b)
{
    ofconn_send(c, b);
    buf_destroy(b);
}

/* ---------------------------------------------------------------------
 * Flow statistics.
 * --------------------------------------------------------------------- */

static void
rule_to_entry(const struct rule *r, long long now,
              struct of_flow_stats_entry *e)
{
    const struct ofproto_rule *u = &r->up;
    long long age = NF_MAX(now - u->created_ms, 0);

    memset(e, 0, sizeof *e);
    of_flow_init(&e->flow, OF_FLOW_ADD);
    ofproto_rule_get_match(u, &e->flow.match);
    e->flow.priority = u->priority;
    e->flow.table_id = u->table_id;
    e->flow.flags = (uint8_t) u->flags;
    e->flow.cookie = u->cookie;
    e->flow.idle_timeout = u->idle_timeout;
    e->flow.hard_timeout = u->hard_timeout;
    e->flow.importance = u->importance;
    e->flow.has_actions = true;
    /* Borrowed: the caller does not destroy E's actions. */
    e->flow.acts = u->acts;
    e->stats.duration_sec = (uint32_t) (age / 1000);
    e->stats.duration_nsec = (uint32_t) (age % 1000) * 1000000;
    e->stats.n_packets = u->n_packets;
    e->stats.n_bytes = u->n_bytes;
    e->stats.idle_age = (int) (NF_MAX(now - u->used_ms, 0) / 1000);
    e->stats.hard_age = (r->modified_ms != u->created_ms
                             ? (int) (NF_MAX(now - r->modified_ms, 0) / 1000)
                             : -1);
}

enum of_err
connmgr_handle_flow_stats(struct ofconn *c, const struct of_msg *m)
{
    struct of_flow_stats_request req;
    struct rule **rules;
    size_t n;
    enum of_err err = of_flow_stats_request_decode(m, &req);
    long long now = nf_time_msec();
    struct buf b = BUF_INITIALIZER;

    if (err) {
        return err;
    }
    if (req.table_id != OF_TABLE_ALL
        && req.table_id >= OFPROTO_N_VISIBLE_TABLES) {
        return OF_ERR_OFPBRC_BAD_TABLE_ID;
    }
    ofproto_collect_rules(ofp(c), req.table_id, &req.match, req.cookie,
                          req.cookie_mask, req.out_port, req.out_group, &rules,
                          &n);
    if (m->type == OF_T_AGGREGATE_REQUEST
        || m->type == OF_T_NXST_AGGREGATE_REQUEST) {
        struct of_aggregate_stats agg = { .flow_count = (uint32_t) n };

        for (size_t i = 0; i < n; i++) {
            agg.packet_count += rules[i]->up.n_packets;
            agg.byte_count += rules[i]->up.n_bytes;
        }
        of_aggregate_reply_encode(&agg, m, &b);
        ofconn_send(c, &b);
    } else {
        bool nxm = m->type == OF_T_NXST_FLOW_REQUEST;
        enum of_type type = nxm ? OF_T_NXST_FLOW_REPLY : OF_T_FLOW_STATS_REPLY;

        of_msg_start(&b, type, c->version, m->xid);
        for (size_t i = 0; i < n; i++) {
            struct of_flow_stats_entry e;
            size_t before = b.len;

            rule_to_entry(rules[i], now, &e);
            of_flow_stats_reply_append(&e, c->version, nxm, &b);
            if (b.len > OF_MSG_MAX
                && before > of_msg_body_offset(type, c->version)) {
                /* Full: send what fits, and start over with this one. */
                b.len = before;
                of_msg_set_mp_flags(&b, OF_MP_MORE);
                of_msg_finish(&b);
                ofconn_send(c, &b);
                of_msg_start(&b, type, c->version, m->xid);
                of_flow_stats_reply_append(&e, c->version, nxm, &b);
            }
        }
        of_msg_finish(&b);
        ofconn_send(c, &b);
    }
    buf_destroy(&b);
    free(rules);
    return 0;
}

/* ---------------------------------------------------------------------
 * Ports, tables and queues.
 * --------------------------------------------------------------------- */

static enum of_err
enc_port_desc(const void *items, size_t first, size_t n, uint8_t version,
              uint32_t xid, struct buf *b)
{
    struct of_ports ports = { (struct of_port *) items + first, n };

    of_port_desc_reply_encode(b, version, xid, &ports);
    return 0;
}

enum of_err
connmgr_handle_port_desc(struct ofconn *c, const struct of_msg *m)
{
    struct of_ports ports;
    uint16_t port_no;
    enum of_err err = of_port_desc_request_decode(m, &port_no);

    if (err) {
        return err;
    }
    ofconn_get_ports(ofp(c), &ports);
    if (port_no != OF_PORT_NONE) {
        size_t j = 0;
        for (size_t i = 0; i < ports.n; i++) {
            if (ports.ports[i].port_no == port_no) {
                ports.ports[j++] = ports.ports[i];
            }
        }
        ports.n = j;
    }
    err = ofconn_send_chunked(c, m, ports.ports, ports.n, enc_port_desc);
    of_ports_destroy(&ports);
    return err;
}

static enum of_err
enc_port_stats(const void *items, size_t first, size_t n, uint8_t version,
               uint32_t xid, struct buf *b)
{
    struct of_port_stats_list l = { (struct of_port_stats *) items + first,
                                    n };

    of_port_stats_reply_encode(b, version, xid, &l);
    return 0;
}

enum of_err
connmgr_handle_port_stats(struct ofconn *c, const struct of_msg *m)
{
    const struct ofproto *p = ofp(c);
    struct of_port_stats *st;
    uint16_t port_no;
    size_t n = 0;
    long long now = nf_time_msec();
    enum of_err err = of_port_stats_request_decode(m, &port_no);

    if (err) {
        return err;
    }
    st = xcalloc(p->n_ports ? p->n_ports : 1, sizeof *st);
    for (size_t i = 0; i < p->n_ports; i++) {
        const struct ofproto_port *pp = &p->ports[i];
        struct ofproto_port_stats ps;
        long long age = NF_MAX(now - p->port_created_ms[i], 0);
        struct of_port_stats *s;

        if (port_no != OF_PORT_NONE && pp->ofp_port != port_no) {
            continue;
        }
        ofproto_get_port_stats(p, pp->ofp_port, &ps);
        s = &st[n++];
        s->port_no = pp->ofp_port;
        s->rx_packets = ps.rx_packets;
        s->tx_packets = ps.tx_packets;
        s->rx_bytes = ps.rx_bytes;
        s->tx_bytes = ps.tx_bytes;
        s->rx_dropped = ps.rx_dropped;
        s->tx_dropped = ps.tx_dropped;
        s->rx_errors = ps.rx_errors;
        s->tx_errors = ps.tx_errors;
        s->duration_sec = (uint32_t) (age / 1000);
        s->duration_nsec = (uint32_t) (age % 1000) * 1000000;
    }
    err = ofconn_send_chunked(c, m, st, n, enc_port_stats);
    free(st);
    return err;
}

enum of_err
connmgr_handle_queue_stats(struct ofconn *c, const struct of_msg *m)
{
    struct of_queue_stats_list l = { NULL, 0 };
    struct buf b = BUF_INITIALIZER;
    uint16_t port_no;
    uint32_t queue_id;
    enum of_err err = of_queue_stats_request_decode(m, &port_no, &queue_id);

    if (err) {
        return err;
    }
    if (port_no != OF_PORT_NONE && !ofproto_port_find(ofp(c), port_no)) {
        return OF_ERR_OFPQOFC_BAD_PORT;
    }
    /* No queues are configured yet. */
    of_queue_stats_reply_encode(&b, c->version, m->xid, &l);
    send_and_free(c, &b);
    return 0;
}

enum of_err
connmgr_handle_queue_get_config(struct ofconn *c, const struct of_msg *m)
{
    struct of_queue_config_reply r = { 0 };
    struct buf b = BUF_INITIALIZER;
    uint16_t port_no;
    enum of_err err = of_queue_get_config_request_decode(m, &port_no);

    if (err) {
        return err;
    }
    if (port_no != OF_PORT_NONE && !ofproto_port_find(ofp(c), port_no)) {
        return OF_ERR_OFPQOFC_BAD_PORT;
    }
    r.port_no = port_no;
    of_queue_get_config_reply_encode(&b, c->version, m->xid, &r);
    send_and_free(c, &b);
    return 0;
}

/* What a table's statistics and features give as its size: its flow_limit,
 * or Open vSwitch's figure for an unlimited table. */
static uint32_t
table_max_entries(const struct ofproto_table *t)
{
    return NF_MIN(t->max_flows, 1000000u);
}

enum of_err
connmgr_handle_table_stats(struct ofconn *c, const struct of_msg *m)
{
    struct of_table_stats_list l;
    struct buf b = BUF_INITIALIZER;
    enum of_err err = of_switch_empty_decode(m);

    if (err) {
        return err;
    }
    l.n = OFPROTO_N_VISIBLE_TABLES;
    l.stats = xcalloc(l.n, sizeof *l.stats);
    for (size_t i = 0; i < l.n; i++) {
        const struct ofproto_table *t = &ofp(c)->tables[i];
        struct of_table_stats *ts = &l.stats[i];

        ts->table_id = (uint8_t) i;
        ts->active_count = (uint32_t) ofproto_cls_count(&t->cls);
        ts->lookup_count = t->n_lookups;
        ts->matched_count = t->n_matched;
        /* Unnamed unless a Flow_Table row names it: ovs-ofctl then shows
         * table numbers, as with Open vSwitch. */
        if (t->name) {
            snprintf(ts->name, sizeof ts->name, "%s", t->name);
        }
        ts->wildcards = 0x3fffff; /* OFPFW10_ALL: anything can wildcard. */
        ts->max_entries = table_max_entries(t);
    }
    of_table_stats_reply_encode(&b, c->version, m->xid, &l);
    of_table_stats_list_destroy(&l);
    send_and_free(c, &b);
    return 0;
}

/* Table features: every table offers every instruction, the actions
 * Open vSwitch lists, and every field of the field table. */
/* Appends ID to IDS, which must have been empty (zeroed) and grown only
 * through this function: its capacity is then 8, 16, 32... and full
 * exactly when n is 0 or a power of two from 8 up.  A reallocation per id
 * made a reply of 254 tables (some 300,000 ids, most of them the next
 * tables) cost the switch milliseconds, on the clock of every ovs-ofctl
 * command that asks for table names first (add-flows does). */
static void
tf_ids_add(struct of_tf_ids *ids, uint64_t id)
{
    size_t n = ids->n;

    if (!n || (n >= 8 && !(n & (n - 1)))) {
        ids->ids = xrealloc(ids->ids, (n ? 2 * n : 8) * sizeof *ids->ids);
    }
    ids->ids[ids->n++] = id;
    ids->present = true;
}

static uint64_t
oxm_id(const struct of_field *f, bool masked)
{
    const struct of_code *code = f->oxm.name ? &f->oxm : &f->nxm;
    bool exp = code->oxm_class == OF_OXM_EXPERIMENTER;
    uint32_t len = f->n_bytes * (masked ? 2u : 1u) + (exp ? 4 : 0);
    uint32_t header = ((uint32_t) code->oxm_class << 16)
                      | ((uint32_t) code->field << 9) | (masked ? 0x100 : 0)
                      | len;

    return ((uint64_t) header << 32) | (exp ? code->experimenter : 0);
}

static void
fill_table_features(struct of_table_features *tf, uint8_t table_id,
                    const struct ofproto_table *table)
{
    static const uint16_t instructions[] = { 1, 2, 3, 4, 5, 6 };
    static const uint16_t actions[] = { 0,  22, 25, 18, 17, 23,
                                        24, 15, 16, 19, 20, 21 };

    memset(tf, 0, sizeof *tf);
    tf->table_id = table_id;
    tf->metadata_match = UINT64_MAX;
    tf->metadata_write = UINT64_MAX;
    tf->max_entries = table_max_entries(table);
    if (table->name) {
        snprintf(tf->name, sizeof tf->name, "%s", table->name);
    }
    for (int miss = 0; miss < 2; miss++) {
        for (size_t i = 0; i < ARRAY_SIZE(instructions); i++) {
            if (instructions[i] != 1
                || table_id + 1 < OFPROTO_N_VISIBLE_TABLES) {
                tf_ids_add(&tf->props[OF_TFPT_INSTRUCTIONS + miss],
                           instructions[i]);
            }
        }
        for (unsigned t = table_id + 1u; t < OFPROTO_N_VISIBLE_TABLES; t++) {
            tf_ids_add(&tf->props[OF_TFPT_NEXT_TABLES + miss], t);
        }
        tf->props[OF_TFPT_NEXT_TABLES + miss].present = true;
        for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
            tf_ids_add(&tf->props[OF_TFPT_WRITE_ACTIONS + miss], actions[i]);
            tf_ids_add(&tf->props[OF_TFPT_APPLY_ACTIONS + miss], actions[i]);
        }
    }
    for (int id = 0; id < OF_N_FIELDS; id++) {
        const struct of_field *f = of_field_from_id(id);

        if (!f || (!f->oxm.name && !f->nxm.name) || f->where == OF_IN_TUN_MD) {
            continue;
        }
        tf_ids_add(&tf->props[OF_TFPT_MATCH], oxm_id(f, f->maskable));
        tf_ids_add(&tf->props[OF_TFPT_WILDCARDS], oxm_id(f, false));
        if (f->writable) {
            for (int miss = 0; miss < 2; miss++) {
                tf_ids_add(&tf->props[OF_TFPT_WRITE_SETFIELD + miss],
                           oxm_id(f, false));
                tf_ids_add(&tf->props[OF_TFPT_APPLY_SETFIELD + miss],
                           oxm_id(f, false));
            }
        }
    }
}

static enum of_err
enc_table_features(const void *items, size_t first, size_t n, uint8_t version,
                   uint32_t xid, struct buf *b)
{
    struct of_table_features_list l = {
        (struct of_table_features *) items + first, n
    };

    of_table_features_encode(b, OF_T_TABLE_FEATURES_REPLY, version, xid, &l);
    return 0;
}

enum of_err
connmgr_handle_table_desc(struct ofconn *c, const struct of_msg *m)
{
    struct of_table_desc tds[OFPROTO_N_VISIBLE_TABLES];
    struct buf b = BUF_INITIALIZER;

    if (m->body_len) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    for (size_t i = 0; i < OFPROTO_N_VISIBLE_TABLES; i++) {
        /* Eviction and vacancy as Open vSwitch reports them (the current
         * vacancy included), the same description table-status messages
         * carry. */
        ofproto_table_describe(ofp(c), (uint8_t) i, &tds[i]);
    }
    of_table_desc_reply_encode(&b, c->version, m->xid, tds,
                               OFPROTO_N_VISIBLE_TABLES);
    send_and_free(c, &b);
    return 0;
}

enum of_err
connmgr_handle_table_features(struct ofconn *c, const struct of_msg *m)
{
    struct of_table_features_list l;
    enum of_err err;

    if (m->body_len) {
        /* Changing table features is not supported. */
        return OF_ERR_OFPTFFC_EPERM;
    }
    l.n = OFPROTO_N_VISIBLE_TABLES;
    l.tables = xcalloc(l.n, sizeof *l.tables);
    for (size_t i = 0; i < l.n; i++) {
        fill_table_features(&l.tables[i], (uint8_t) i, &ofp(c)->tables[i]);
    }
    err = ofconn_send_chunked(c, m, l.tables, l.n, enc_table_features);
    of_table_features_list_destroy(&l);
    return err;
}

/* ---------------------------------------------------------------------
 * Groups and meters.
 * --------------------------------------------------------------------- */

static int
group_order(const void *a_, const void *b_)
{
    const struct ofgroup *a = *(const struct ofgroup *const *) a_;
    const struct ofgroup *b = *(const struct ofgroup *const *) b_;

    return a->g.group_id < b->g.group_id ? -1 : a->g.group_id > b->g.group_id;
}

/* The groups GROUP_ID selects (OF_GROUP_ALL: all), by id. */
static struct ofgroup **
select_groups(const struct ofproto *p, uint32_t group_id, size_t *n)
{
    struct ofgroup **v = xcalloc(hmap_count(&p->groups) + 1, sizeof *v);
    struct ofgroup *g;

    *n = 0;
    HMAP_FOR_EACH (g, node, &p->groups) {
        if (group_id == OF_GROUP_ALL || g->g.group_id == group_id) {
            v[(*n)++] = g;
        }
    }
    qsort(v, *n, sizeof *v, group_order);
    return v;
}

static enum of_err
enc_group_desc(const void *items, size_t first, size_t n, uint8_t version,
               uint32_t xid, struct buf *b)
{
    return of_group_desc_reply_encode((const struct of_group *) items + first,
                                      n, version, xid, b);
}

enum of_err
connmgr_handle_group_desc(struct ofconn *c, const struct of_msg *m)
{
    uint32_t group_id;
    enum of_err err = of_group_desc_request_decode(m, &group_id);
    struct ofgroup **v;
    struct of_group *gs;
    size_t n;

    if (err) {
        return err;
    }
    v = select_groups(ofp(c), group_id, &n);
    gs = xcalloc(n + 1, sizeof *gs);
    for (size_t i = 0; i < n; i++) {
        gs[i] = v[i]->g; /* Shallow: the encoder only reads. */
    }
    err = ofconn_send_chunked(c, m, gs, n, enc_group_desc);
    free(gs);
    free(v);
    return err;
}

static enum of_err
enc_group_stats(const void *items, size_t first, size_t n, uint8_t version,
                uint32_t xid, struct buf *b)
{
    of_group_stats_reply_encode((const struct of_group_stats *) items + first,
                                n, version, xid, b);
    return 0;
}

enum of_err
connmgr_handle_group_stats(struct ofconn *c, const struct of_msg *m)
{
    uint32_t group_id;
    enum of_err err = of_group_stats_request_decode(m, &group_id);
    long long now = nf_time_msec();
    struct of_group_stats *st;
    struct ofgroup **v;
    size_t n;

    if (err) {
        return err;
    }
    v = select_groups(ofp(c), group_id, &n);
    st = xcalloc(n + 1, sizeof *st);
    for (size_t i = 0; i < n; i++) {
        long long age = NF_MAX(now - v[i]->created_ms, 0);

        st[i].group_id = v[i]->g.group_id;
        st[i].ref_count = ofproto_group_ref_count(ofp(c), v[i]->g.group_id);
        st[i].packets = v[i]->packets;
        st[i].bytes = v[i]->bytes;
        st[i].duration_sec = (uint32_t) (age / 1000);
        st[i].duration_nsec = (uint32_t) (age % 1000) * 1000000;
        st[i].buckets = v[i]->bstats;
        st[i].n_buckets = v[i]->g.n_buckets;
    }
    err = ofconn_send_chunked(c, m, st, n, enc_group_stats);
    free(st);
    free(v);
    return err;
}

enum of_err
connmgr_handle_group_features(struct ofconn *c, const struct of_msg *m)
{
    /* The OpenFlow 1.1+ action types Open vSwitch lists for buckets. */
    static const uint8_t acts[] = { 0,  22, 25, 18, 17, 23,
                                    24, 15, 16, 19, 20, 21 };
    struct of_group_features gf = {
        .types = 0xf,
        .capabilities =
            (OF_GFC_SELECT_WEIGHT | OF_GFC_SELECT_LIVENESS | OF_GFC_CHAINING),
    };
    struct buf b = BUF_INITIALIZER;
    enum of_err err = of_switch_empty_decode(m);

    if (err) {
        return err;
    }
    for (size_t t = 0; t < 4; t++) {
        gf.max_groups[t] = OF_GROUP_MAX;
        for (size_t i = 0; i < ARRAY_SIZE(acts); i++) {
            gf.actions[t] |= 1u << acts[i];
        }
    }
    of_group_features_reply_encode(&gf, c->version, m->xid, &b);
    send_and_free(c, &b);
    return 0;
}

static int
meter_order(const void *a_, const void *b_)
{
    const struct ofmeter *a = *(const struct ofmeter *const *) a_;
    const struct ofmeter *b = *(const struct ofmeter *const *) b_;

    return a->m.meter_id < b->m.meter_id ? -1 : a->m.meter_id > b->m.meter_id;
}

static struct ofmeter **
select_meters(const struct ofproto *p, uint32_t meter_id, size_t *n)
{
    struct ofmeter **v = xcalloc(hmap_count(&p->meters) + 1, sizeof *v);
    struct ofmeter *mt;

    *n = 0;
    HMAP_FOR_EACH (mt, node, &p->meters) {
        if (meter_id == OF_METER_ALL || mt->m.meter_id == meter_id) {
            v[(*n)++] = mt;
        }
    }
    qsort(v, *n, sizeof *v, meter_order);
    return v;
}

static enum of_err
enc_meter_config(const void *items, size_t first, size_t n, uint8_t version,
                 uint32_t xid, struct buf *b)
{
    of_meter_config_reply_encode((const struct of_meter *) items + first, n,
                                 version, xid, b);
    return 0;
}

static enum of_err
enc_meter_stats(const void *items, size_t first, size_t n, uint8_t version,
                uint32_t xid, struct buf *b)
{
    of_meter_stats_reply_encode((const struct of_meter_stats *) items + first,
                                n, version, xid, b);
    return 0;
}

enum of_err
connmgr_handle_meter_config(struct ofconn *c, const struct of_msg *m)
{
    uint32_t meter_id;
    enum of_err err = of_meter_request_decode(m, &meter_id);
    struct ofmeter **v;
    struct of_meter *ms;
    size_t n;

    if (err) {
        return err;
    }
    v = select_meters(ofp(c), meter_id, &n);
    ms = xcalloc(n + 1, sizeof *ms);
    for (size_t i = 0; i < n; i++) {
        ms[i] = v[i]->m;
    }
    err = ofconn_send_chunked(c, m, ms, n, enc_meter_config);
    free(ms);
    free(v);
    return err;
}

enum of_err
connmgr_handle_meter_stats(struct ofconn *c, const struct of_msg *m)
{
    uint32_t meter_id;
    enum of_err err = of_meter_request_decode(m, &meter_id);
    long long now = nf_time_msec();
    struct of_meter_stats *st;
    struct ofmeter **v;
    size_t n;

    if (err) {
        return err;
    }
    v = select_meters(ofp(c), meter_id, &n);
    st = xcalloc(n + 1, sizeof *st);
    for (size_t i = 0; i < n; i++) {
        long long age = NF_MAX(now - v[i]->created_ms, 0);

        ofproto_meter_get_stats(ofp(c), v[i]->m.meter_id, &st[i]);
        st[i].flow_count = ofproto_meter_flow_count(ofp(c), st[i].meter_id);
        st[i].duration_sec = (uint32_t) (age / 1000);
        st[i].duration_nsec = (uint32_t) (age % 1000) * 1000000;
    }
    err = ofconn_send_chunked(c, m, st, n, enc_meter_stats);
    free(st);
    free(v);
    return err;
}

enum of_err
connmgr_handle_meter_features(struct ofconn *c, const struct of_msg *m)
{
    struct of_meter_features mf = {
        .max_meters = OFPROTO_MAX_METERS,
        .band_types = 1u << OF_MBT_DROP,
        .capabilities = OF_MF_KBPS | OF_MF_PKTPS | OF_MF_BURST | OF_MF_STATS,
        .max_bands = OFPROTO_MAX_BANDS,
        .max_color = 0,
    };
    struct buf b = BUF_INITIALIZER;
    enum of_err err = of_switch_empty_decode(m);

    if (err) {
        return err;
    }
    of_meter_features_reply_encode(&mf, c->version, m->xid, &b);
    send_and_free(c, &b);
    return 0;
}

/* ---------------------------------------------------------------------
 * Flow monitors.
 * --------------------------------------------------------------------- */

/* True if RULE is one monitor MON watches. */
static bool
monitor_selects(const struct ofmonitor *mon, const struct ofproto_rule *r)
{
    const struct of_flow_monitor_request *q = &mon->req;
    struct ofproto_key rk, rm, qk, qm;
    const uint64_t *a, *b, *x, *y;

    if (q->table_id != OF_TABLE_ALL && q->table_id != r->table_id) {
        return false;
    }
    if (!ofproto_rule_has_out(r, q->out_port,
                              mon->nx ? OF_GROUP_ANY : q->out_group)) {
        return false;
    }
    ofproto_rule_key(r, &rk, &rm);
    ofproto_key_from_match(&q->match, &qk, &qm);
    a = (const uint64_t *) (const void *) &rk;
    b = (const uint64_t *) (const void *) &rm;
    x = (const uint64_t *) (const void *) &qk;
    y = (const uint64_t *) (const void *) &qm;
    for (size_t i = 0; i < OFPROTO_KEY_U64S; i++) {
        if ((y[i] & ~b[i]) || ((a[i] ^ x[i]) & y[i])) {
            return false;
        }
    }
    return true;
}

static void
rule_to_update(const struct ofproto_rule *r, enum of_fm_event event,
               int reason, bool with_actions, struct of_flow_update *u)
{
    of_flow_update_init(u, event);
    u->reason = (uint16_t) reason;
    u->idle_timeout = r->idle_timeout;
    u->hard_timeout = r->hard_timeout;
    u->priority = r->priority;
    u->table_id = r->table_id;
    u->cookie = r->cookie;
    ofproto_rule_get_match(r, &u->match);
    if (with_actions) {
        u->acts = r->acts; /* Borrowed. */
    }
}

static enum of_err
enc_updates_nx(const void *items, size_t first, size_t n, uint8_t version,
               uint32_t xid, struct buf *b)
{
    return of_flow_update_encode((const struct of_flow_update *) items + first,
                                 n, OF_T_NXST_FLOW_MONITOR_REPLY, version, xid,
                                 b);
}

static enum of_err
enc_updates_of(const void *items, size_t first, size_t n, uint8_t version,
               uint32_t xid, struct buf *b)
{
    return of_flow_update_encode((const struct of_flow_update *) items + first,
                                 n, OF_T_FLOW_MONITOR_REPLY, version, xid, b);
}

enum of_err
connmgr_handle_flow_monitor(struct ofconn *c, const struct of_msg *m)
{
    struct of_flow_monitor_request *reqs;
    struct of_flow_update *ups = NULL;
    size_t n_reqs, n_ups = 0, cap_ups = 0;
    bool nx = m->type == OF_T_NXST_FLOW_MONITOR_REQUEST;
    enum of_err err = of_flow_monitor_request_decode(m, &reqs, &n_reqs);

    if (err) {
        return err;
    }
    for (size_t i = 0; i < n_reqs; i++) {
        for (size_t j = 0; j < c->n_monitors; j++) {
            if (c->monitors[j].req.id == reqs[i].id) {
                free(reqs);
                return OF_ERR_OFPMOFC_MONITOR_EXISTS;
            }
        }
        if (reqs[i].table_id != OF_TABLE_ALL
            && reqs[i].table_id >= OFPROTO_N_VISIBLE_TABLES) {
            free(reqs);
            return OF_ERR_OFPMOFC_BAD_TABLE_ID;
        }
    }
    c->monitors =
        xrealloc(c->monitors, (c->n_monitors + n_reqs) * sizeof *c->monitors);
    for (size_t i = 0; i < n_reqs; i++) {
        struct ofmonitor *mon = &c->monitors[c->n_monitors++];
        struct rule **rules;
        size_t n;

        mon->req = reqs[i];
        mon->nx = nx;
        if (!(mon->req.flags & OF_FMF_INITIAL)) {
            continue;
        }
        ofproto_collect_rules(ofp(c), OF_TABLE_ALL, NULL, 0, 0, OF_PORT_NONE,
                              OF_GROUP_ANY, &rules, &n);
        for (size_t j = 0; j < n; j++) {
            if (!monitor_selects(mon, &rules[j]->up)) {
                continue;
            }
            if (n_ups == cap_ups) {
                cap_ups = cap_ups ? 2 * cap_ups : 16;
                ups = xrealloc(ups, cap_ups * sizeof *ups);
            }
            rule_to_update(&rules[j]->up, nx ? OF_FME_ADDED : OF_FME_INITIAL,
                           0, mon->req.flags & OF_FMF_ACTIONS, &ups[n_ups++]);
        }
        free(rules);
    }
    err = ofconn_send_chunked(c, m, ups, n_ups,
                              nx ? enc_updates_nx : enc_updates_of);
    free(ups);
    free(reqs);
    return err;
}

enum of_err
connmgr_handle_monitor_cancel(struct ofconn *c, const struct of_msg *m)
{
    uint32_t id;
    enum of_err err = of_flow_monitor_cancel_decode(m, &id);

    if (err) {
        return err;
    }
    for (size_t i = 0; i < c->n_monitors; i++) {
        if (c->monitors[i].req.id == id) {
            c->monitors[i] = c->monitors[--c->n_monitors];
            return 0;
        }
    }
    return OF_ERR_OFPMOFC_UNKNOWN_MONITOR;
}

void
connmgr_flow_event(struct connmgr *mgr, const struct ofproto_rule *r,
                   int event, int reason)
{
    static const uint16_t flag_for[] = {
        [OF_FME_ADDED] = OF_FMF_ADD,
        [OF_FME_DELETED] = OF_FMF_DELETE,
        [OF_FME_MODIFIED] = OF_FMF_MODIFY,
    };
    struct ofconn *c;

    if (!mgr || event < OF_FME_ADDED || event > OF_FME_MODIFIED) {
        return;
    }
    DLIST_FOR_EACH (c, node, &mgr->conns) {
        for (size_t i = 0; !c->dead && i < c->n_monitors; i++) {
            const struct ofmonitor *mon = &c->monitors[i];
            struct of_flow_update u;
            struct buf b = BUF_INITIALIZER;

            if (!(mon->req.flags & flag_for[event])
                || !monitor_selects(mon, r)) {
                continue;
            }
            rule_to_update(r, event, reason, mon->req.flags & OF_FMF_ACTIONS,
                           &u);
            if (!of_flow_update_encode(&u, 1,
                                       mon->nx ? OF_T_NXST_FLOW_MONITOR_REPLY
                                               : OF_T_FLOW_MONITOR_REPLY,
                                       c->version, 0, &b)) {
                ofconn_send(c, &b);
            }
            buf_destroy(&b);
            /* One update per connection, even if several monitors match. */
            break;
        }
    }
}
