/* ofctl-msgs2-samples.h: what the unit tests of the OpenFlow group,
 * meter, packet, bundle and flow monitor codecs (test-ofctl-msgs2.c,
 * test-ofctl-msgs2-errors.c) share: the catalogue of sample messages
 * (samples[]: each builder encodes a model in one version and checks the
 * round trip), the helpers the builders use, the '|'-separated record
 * splitter of the data files and the group and meter commands of
 * ovs-ofctl.  Include after <cmocka.h>; the functions are static inline
 * so that a program that does not use one is not warned about it. */
#ifndef NICFLOW_TESTS_UNIT_OFCTL_MSGS2_SAMPLES_H
#define NICFLOW_TESTS_UNIT_OFCTL_MSGS2_SAMPLES_H 1

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "ofctl/actions.h"
#include "ofctl/match.h"
#include "ofctl/ofp-bundle.h"
#include "ofctl/ofp-group.h"
#include "ofctl/ofp-meter.h"
#include "ofctl/ofp-monitor.h"
#include "ofctl/ofp-packet.h"
#include "ofctl/ofp.h"

/* ---------------------------------------------------------------------
 * Helpers.
 * --------------------------------------------------------------------- */

/* Fails with the error's name unless ERR is 0. */
static inline void
check_ok(enum of_err err, const char *what)
{
    if (err) {
        fail_msg("%s: %s", what, of_err_name(err));
    }
}
#define OK(X) check_ok((X), #X)

/* Initialises A with the actions S, which must parse. */
static inline void
acts(struct of_acts *a, const char *s)
{
    struct of_act_parse_ctx ctx = { .match = NULL, .base = s };
    of_acts_init(a);
    char *err = of_acts_parse(s, a, &ctx);
    if (err) {
        fail_msg("actions \"%s\": %s", s, err);
    }
}

/* Sets field NAME of M to VALUE (text), which must parse. */
static inline void
set_field(struct of_match *m, const char *name, const char *value)
{
    const struct of_field *f = of_field_from_name(name);
    union of_value v, mask;
    assert_non_null(f);
    char *err = of_field_parse(f, value, &v, &mask);
    if (err) {
        fail_msg("%s=%s: %s", name, value, err);
    }
    OK(of_match_set(m, f, &v, &mask));
}

/* Identifies the message in B, which must be well-formed. */
static inline void
decode_msg(const struct buf *b, struct of_msg *msg)
{
    enum of_err err = of_msg_decode(b->data, b->len, msg);
    if (err) {
        fail_msg("of_msg_decode: %s", of_err_name(err));
    }
}

/* Appends N bytes at P to OUT in hex. */
static inline void
hex_of(const uint8_t *p, size_t n, struct buf *out)
{
    for (size_t i = 0; i < n; i++) {
        buf_printf(out, "%02x", p[i]);
    }
}

/* Replaces OUT's contents with the bytes of hex string S. */
static inline void
parse_hex(const char *s, struct buf *out)
{
    buf_clear(out);
    for (; s[0] && s[1]; s += 2) {
        char pair[3] = { s[0], s[1], 0 };
        buf_put_u8(out, strtoul(pair, NULL, 16));
    }
}

/* Asserts that A and B hold the same bytes, showing both in hex. */
static inline void
assert_bytes(const struct buf *a, const struct buf *b, const char *what)
{
    if (a->len != b->len || memcmp(a->data, b->data, a->len)) {
        struct buf x = BUF_INITIALIZER, y = BUF_INITIALIZER;
        hex_of(a->data, a->len, &x);
        hex_of(b->data, b->len, &y);
        fail_msg("%s: bytes differ\n  got:  %s\n  want: %s", what,
                 buf_cstr(&x), buf_cstr(&y));
    }
}

/* ---------------------------------------------------------------------
 * Samples.  Each builder encodes its model into OUT and checks the round
 * trip; each printer decodes a message and prints it like ofp-print.
 * --------------------------------------------------------------------- */

struct sample {
    const char *name;
    uint8_t version;
    void (*build)(uint8_t version, int arg, struct buf *out);
    int arg; /* Passed to BUILD: which variant to build. */
};

#define XID 0x1234

/* Groups. */
static inline void
make_group(struct of_group *g, int which, uint8_t version)
{
    of_group_init(g);
    struct of_bucket *b;
    switch (which) {
    case 0: /* select with weights. */
        g->group_id = 1;
        g->type = OF_GT_SELECT;
        b = of_group_add_bucket(g);
        acts(&b->acts, "output:1");
        b = of_group_add_bucket(g);
        b->weight = 10;
        acts(&b->acts, "output:2,set_field:10.0.0.1->ip_dst");
        if (version >= OF_V15) {
            /* The hashed fields: all of eth_dst and ip_src's /24, as raw
             * OXM headers each followed by its mask. */
            static const uint8_t fields[] = {
                0x80, 0x00, 0x06, 0x06, 0xff, 0xff, 0xff, 0xff, 0xff,
                0xff, 0x80, 0x00, 0x16, 0x04, 0xff, 0xff, 0xff, 0x00,
            };
            b->bucket_id = 7;
            strcpy(g->props.method, "hash");
            g->props.param = 5;
            memcpy(g->props.fields, fields, sizeof fields);
            g->props.fields_len = sizeof fields;
        }
        break;
    case 1: /* fast failover with watches. */
        g->group_id = 2;
        g->type = OF_GT_FF;
        b = of_group_add_bucket(g);
        b->watch_port = 3;
        acts(&b->acts, "output:3");
        b = of_group_add_bucket(g);
        b->watch_group = 9;
        b->watch_port = OF_PORT_LOCAL;
        acts(&b->acts, "group:9");
        break;
    case 2: /* delete. */
        g->command = OF_GC_DELETE;
        g->group_id = OF_GROUP_ALL;
        break;
    case 3: /* 1.5 insert bucket. */
        g->command = OF_GC_INSERT_BUCKET;
        g->group_id = 5;
        g->type = OF_GT_ALL;
        g->command_bucket_id = OF_BUCKET_FIRST;
        b = of_group_add_bucket(g);
        b->bucket_id = 3;
        acts(&b->acts, "output:4");
        break;
    case 4: /* 1.5 remove bucket. */
        g->command = OF_GC_REMOVE_BUCKET;
        g->group_id = 5;
        g->command_bucket_id = 3;
        break;
    case 6: /* Open vSwitch's add-or-modify. */
        g->command = OF_GC_ADD_OR_MOD;
        g->group_id = 7;
        b = of_group_add_bucket(g);
        acts(&b->acts, "output:5");
        break;
    default: /* indirect. */
        g->command = OF_GC_MODIFY;
        g->group_id = 6;
        g->type = OF_GT_INDIRECT;
        b = of_group_add_bucket(g);
        acts(&b->acts, "output:1");
        break;
    }
}

static inline void
build_group_mod(uint8_t version, int which, struct buf *out)
{
    struct of_group g, g2;
    struct of_msg msg;
    struct buf again = BUF_INITIALIZER;

    make_group(&g, which, version);
    OK(of_group_mod_encode(&g, version, XID, out));
    decode_msg(out, &msg);
    OK(of_group_mod_decode(&msg, &g2));
    assert_true(of_group_equal(&g, &g2));
    OK(of_group_mod_encode(&g2, version, XID, &again));
    assert_bytes(&again, out, "group-mod re-encode");
    of_group_destroy(&g);
    of_group_destroy(&g2);
    buf_destroy(&again);
}

static inline void
build_gd_request(uint8_t version, int arg, struct buf *out)
{
    struct of_msg msg;
    uint32_t id;
    of_group_desc_request_encode(version >= OF_V15 ? 3 : OF_GROUP_ALL, version,
                                 XID, out);
    decode_msg(out, &msg);
    OK(of_group_desc_request_decode(&msg, &id));
    assert_int_equal(id, version >= OF_V15 ? 3 : OF_GROUP_ALL);
}

static inline void
build_gd_reply(uint8_t version, int arg, struct buf *out)
{
    struct of_group g[2], *g2;
    size_t n;
    struct of_msg msg;

    make_group(&g[0], 0, version);
    make_group(&g[1], 1, version);
    OK(of_group_desc_reply_encode(g, 2, version, XID, out));
    decode_msg(out, &msg);
    OK(of_group_desc_reply_decode(&msg, &g2, &n));
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        assert_true(of_group_equal(&g[i], &g2[i]));
        of_group_destroy(&g[i]);
        of_group_destroy(&g2[i]);
    }
    free(g2);
}

static inline void
build_gs_request(uint8_t version, int arg, struct buf *out)
{
    struct of_msg msg;
    uint32_t id;
    of_group_stats_request_encode(7, version, XID, out);
    decode_msg(out, &msg);
    OK(of_group_stats_request_decode(&msg, &id));
    assert_int_equal(id, 7);
}

static inline void
build_gs_reply(uint8_t version, int arg, struct buf *out)
{
    struct of_bucket_stats bs[2] = { { 5, 500 }, { 6, 600 } };
    struct of_group_stats s[2] = {
        { 1, 2, 11, 1100, 3, 500000000, bs, 2 },
        { 2, 0, 0, 0, 10, 0, NULL, 0 },
    };
    struct of_group_stats *s2;
    size_t n;
    struct of_msg msg;

    of_group_stats_reply_encode(s, 2, version, XID, out);
    decode_msg(out, &msg);
    OK(of_group_stats_reply_decode(&msg, &s2, &n));
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(s2[i].group_id, s[i].group_id);
        assert_int_equal(s2[i].ref_count, s[i].ref_count);
        assert_int_equal(s2[i].packets, s[i].packets);
        assert_int_equal(s2[i].bytes, s[i].bytes);
        assert_int_equal(s2[i].duration_sec, s[i].duration_sec);
        assert_int_equal(s2[i].duration_nsec, s[i].duration_nsec);
        assert_int_equal(s2[i].n_buckets, s[i].n_buckets);
        for (size_t j = 0; j < s[i].n_buckets; j++) {
            assert_int_equal(s2[i].buckets[j].packets, bs[j].packets);
            assert_int_equal(s2[i].buckets[j].bytes, bs[j].bytes);
        }
    }
    of_group_stats_free(s2, n);
}

static inline void
build_gf_reply(uint8_t version, int arg, struct buf *out)
{
    struct of_group_features f = {
        .types = 0xf,
        .capabilities = OF_GFC_SELECT_WEIGHT | OF_GFC_CHAINING,
        .max_groups = {100, 200, 300, 400},
        .actions = {1, (1u << 17) | (1u << 18) | (1u << 22) | (1u << 25),
                    (1u << 11) | (1u << 12) | (1u << 15) | (1u << 16)
                        | (1u << 19) | (1u << 20) | (1u << 21),
                    (1u << 23) | (1u << 24) | (1u << 26) | (1u << 27)},
    }, f2;
    struct of_msg msg;
    of_group_features_reply_encode(&f, version, XID, out);
    decode_msg(out, &msg);
    OK(of_group_features_reply_decode(&msg, &f2));
    assert_memory_equal(&f, &f2, sizeof f);
}

/* Meters. */
static inline void
make_meter(struct of_meter *m, int which)
{
    of_meter_init(m);
    m->meter_id = 1;
    if (which == 0) {
        m->flags = OF_MF_KBPS | OF_MF_BURST | OF_MF_STATS;
        m->n_bands = 2;
        m->bands[0] = (struct of_meter_band){ OF_MBT_DROP, 1000, 100, 0 };
        m->bands[1] = (struct of_meter_band){ OF_MBT_DSCP_REMARK, 10, 20, 1 };
    } else if (which == 1) {
        m->command = OF_MC_MODIFY;
        m->flags = OF_MF_PKTPS;
        m->meter_id = 2;
        m->n_bands = 1;
        m->bands[0] = (struct of_meter_band){ OF_MBT_DROP, 50, 0, 0 };
    } else {
        m->command = OF_MC_DELETE;
        m->meter_id = OF_METER_ALL;
    }
}

static inline void
build_meter_mod(uint8_t version, int which, struct buf *out)
{
    struct of_meter m, m2;
    struct of_msg msg;
    make_meter(&m, which);
    of_meter_mod_encode(&m, version, XID, out);
    decode_msg(out, &msg);
    OK(of_meter_mod_decode(&msg, &m2));
    assert_true(of_meter_equal(&m, &m2));
}

static inline void
build_meter_request(uint8_t version, int type, struct buf *out)
{
    struct of_msg msg;
    uint32_t id;
    of_meter_request_encode(type, 9, version, XID, out);
    decode_msg(out, &msg);
    assert_int_equal(msg.type, type);
    OK(of_meter_request_decode(&msg, &id));
    assert_int_equal(id, 9);
}

static inline void
build_mc_reply(uint8_t version, int arg, struct buf *out)
{
    struct of_meter m[2], *m2;
    size_t n;
    struct of_msg msg;
    make_meter(&m[0], 0);
    make_meter(&m[1], 1);
    m[1].command = OF_MC_ADD;
    of_meter_config_reply_encode(m, 2, version, XID, out);
    decode_msg(out, &msg);
    OK(of_meter_config_reply_decode(&msg, &m2, &n));
    assert_int_equal(n, 2);
    assert_true(of_meter_equal(&m[0], &m2[0]));
    assert_true(of_meter_equal(&m[1], &m2[1]));
    free(m2);
}

static inline void
build_ms_reply(uint8_t version, int arg, struct buf *out)
{
    struct of_meter_stats s = {
        .meter_id = 1,
        .flow_count = 2,
        .packet_in_count = 3,
        .byte_in_count = 4,
        .duration_sec = 5,
        .duration_nsec = 6,
        .n_bands = 2,
        .bands = { { 7, 8 }, { 9, 10 } },
    };
    struct of_meter_stats *s2;
    size_t n;
    struct of_msg msg;
    of_meter_stats_reply_encode(&s, 1, version, XID, out);
    decode_msg(out, &msg);
    OK(of_meter_stats_reply_decode(&msg, &s2, &n));
    assert_int_equal(n, 1);
    assert_memory_equal(&s, s2, sizeof s);
    free(s2);
}

static inline void
build_mf_reply(uint8_t version, int arg, struct buf *out)
{
    struct of_meter_features f = { 1000, 6, 0xf, 4, 0 }, f2;
    struct of_msg msg;
    of_meter_features_reply_encode(&f, version, XID, out);
    decode_msg(out, &msg);
    OK(of_meter_features_reply_decode(&msg, &f2));
    assert_int_equal(f.max_meters, f2.max_meters);
    assert_int_equal(f.band_types, f2.band_types);
    assert_int_equal(f.capabilities, f2.capabilities);
    assert_int_equal(f.max_bands, f2.max_bands);
    assert_int_equal(f.max_color, f2.max_color);
}

/* Packets: an ICMP echo request frame. */
static const char icmp_hex[] =
    "50540000000a50540000000908004500004c7d0a40004001a9320a0000020a000001"
    "0800d25e12340001a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9"
    "babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf";

static inline void
make_pin(struct of_packet_in *pin, enum of_type type, uint8_t version)
{
    struct buf pkt = BUF_INITIALIZER;
    of_packet_in_init(pin);
    parse_hex(icmp_hex, &pkt);
    pin->packet = pkt.data;
    pin->packet_len = pkt.len;
    pin->total_len = pkt.len;
    pin->reason = OF_PIN_NO_MATCH;
    of_match_set_in_port(&pin->match, 1);
    if (version >= OF_V13 || type != OF_T_PACKET_IN) {
        pin->table_id = 3;
        pin->cookie = 0x1122334455667788ull;
        pin->reason = OF_PIN_ACTION;
        set_field(&pin->match, "metadata", "0x5");
    }
    if (type != OF_T_PACKET_IN) {
        set_field(&pin->match, "reg0", "0x7");
    }
    if (type == OF_T_NXT_PACKET_IN2) {
        pin->total_len = 1500;
        pin->buffer_id = 0x100;
        pin->userdata = (uint8_t *) xstrdup("ud");
        pin->userdata_len = 2;
    }
}

static inline void
build_pin(uint8_t version, int type, struct buf *out)
{
    struct of_packet_in pin, pin2;
    struct of_msg msg;
    struct buf again = BUF_INITIALIZER;
    make_pin(&pin, type, version);
    OK(of_packet_in_encode(&pin, type, version, XID, out));
    decode_msg(out, &msg);
    assert_int_equal(msg.type, type);
    OK(of_packet_in_decode(&msg, &pin2));
    assert_true(of_packet_in_equal(&pin, &pin2));
    assert_int_equal(of_packet_in_encode(&pin2, type, version, XID, &again),
                     0);
    assert_bytes(&again, out, "packet-in re-encode");
    of_packet_in_destroy(&pin);
    of_packet_in_destroy(&pin2);
    buf_destroy(&again);
}

static inline void
build_po(uint8_t version, int arg, struct buf *out)
{
    struct of_packet_out po, po2;
    struct of_msg msg;
    struct buf pkt = BUF_INITIALIZER;
    of_packet_out_init(&po);
    parse_hex(icmp_hex, &pkt);
    po.packet = pkt.data;
    po.packet_len = pkt.len;
    of_match_set_in_port(&po.match, version == OF_V10 ? OF_PORT_LOCAL : 1);
    if (version >= OF_V15) {
        set_field(&po.match, "metadata", "0x9");
    }
    of_acts_destroy(&po.acts);
    acts(&po.acts, "output:2,output:CONTROLLER");
    OK(of_packet_out_encode(&po, version, XID, out));
    decode_msg(out, &msg);
    OK(of_packet_out_decode(&msg, &po2));
    assert_true(of_packet_out_equal(&po, &po2));
    of_packet_out_destroy(&po);
    of_packet_out_destroy(&po2);
}

/* Bundles. */
static inline void
build_bundle_ctrl(uint8_t version, int arg, struct buf *out)
{
    struct of_bundle_ctrl bc = { .bundle_id = 7,
                                 .type = OF_BCT_COMMIT_REQUEST,
                                 .flags = OF_BF_ATOMIC | OF_BF_ORDERED },
                          bc2;
    struct of_msg msg;
    of_bundle_ctrl_encode(&bc, version, XID, out);
    decode_msg(out, &msg);
    OK(of_bundle_ctrl_decode(&msg, &bc2));
    assert_memory_equal(&bc, &bc2, sizeof bc);
}

static inline void
build_bundle_add(uint8_t version, int arg, struct buf *out)
{
    struct of_group g;
    struct buf inner = BUF_INITIALIZER;
    struct of_msg msg;
    struct of_bundle_add ba = { .bundle_id = 7, .flags = OF_BF_ATOMIC }, ba2;

    make_group(&g, 2, version);
    OK(of_group_mod_encode(&g, version, XID, &inner));
    ba.msg = inner.data;
    ba.msg_len = inner.len;
    of_bundle_add_encode(&ba, version, out);
    decode_msg(out, &msg);
    assert_int_equal(msg.xid, XID);
    OK(of_bundle_add_decode(&msg, &ba2));
    assert_int_equal(ba2.bundle_id, 7);
    assert_int_equal(ba2.flags, OF_BF_ATOMIC);
    assert_int_equal(ba2.msg_len, inner.len);
    assert_memory_equal(ba2.msg, inner.data, inner.len);
    of_bundle_add_destroy(&ba2);
    buf_destroy(&inner);
}

/* Flow monitor. */
static inline void
make_fmr(struct of_flow_monitor_request *r, bool nx)
{
    of_flow_monitor_request_init(r);
    r->id = 4;
    r->flags = OF_FMF_INITIAL | OF_FMF_ADD | OF_FMF_DELETE | OF_FMF_MODIFY
               | OF_FMF_ACTIONS | OF_FMF_OWN;
    r->out_port = 3;
    r->table_id = 1;
    if (!nx) {
        r->out_group = 8;
        r->command = OF_FMC_MODIFY;
    }
    set_field(&r->match, "dl_type", "0x0800");
    set_field(&r->match, "nw_proto", "6");
    set_field(&r->match, "in_port", "1");
}

static inline void
build_fmr(uint8_t version, int type, struct buf *out)
{
    bool nx = type == OF_T_NXST_FLOW_MONITOR_REQUEST;
    struct of_flow_monitor_request r, *r2;
    size_t n;
    struct of_msg msg;
    make_fmr(&r, nx);
    assert_int_equal(
        of_flow_monitor_request_encode(&r, 1, type, version, XID, out), 0);
    decode_msg(out, &msg);
    OK(of_flow_monitor_request_decode(&msg, &r2, &n));
    assert_int_equal(n, 1);
    assert_true(of_flow_monitor_request_equal(&r, r2));
    free(r2);
}

static inline void
build_fmu(uint8_t version, int type, struct buf *out)
{
    bool nx = type == OF_T_NXST_FLOW_MONITOR_REPLY;
    struct of_flow_update u[4], *u2;
    size_t n_u = nx ? 3 : 4, n;
    struct of_msg msg;

    of_flow_update_init(&u[0], nx ? OF_FME_ADDED : OF_FME_INITIAL);
    u[0].priority = 100;
    u[0].idle_timeout = 5;
    u[0].hard_timeout = 6;
    u[0].table_id = 1;
    u[0].cookie = 0xabc;
    set_field(&u[0].match, "in_port", "2");
    of_acts_destroy(&u[0].acts);
    acts(&u[0].acts, "output:1");
    of_flow_update_init(&u[1], OF_FME_DELETED);
    u[1].reason = 2;
    u[1].priority = 7;
    of_flow_update_init(&u[2], OF_FME_ABBREV);
    u[2].xid = 0x55;
    of_flow_update_init(&u[3], OF_FME_PAUSED);
    assert_int_equal(of_flow_update_encode(u, n_u, type, version, XID, out),
                     0);
    decode_msg(out, &msg);
    OK(of_flow_update_decode(&msg, &u2, &n));
    assert_int_equal(n, n_u);
    for (size_t i = 0; i < n; i++) {
        assert_true(of_flow_update_equal(&u[i], &u2[i]));
        of_flow_update_destroy(&u2[i]);
    }
    for (size_t i = 0; i < 4; i++) {
        of_flow_update_destroy(&u[i]);
    }
    free(u2);
}

static inline void
build_fm_cancel(uint8_t version, int arg, struct buf *out)
{
    struct of_msg msg;
    uint32_t id;
    of_flow_monitor_cancel_encode(0x42, version, XID, out);
    decode_msg(out, &msg);
    OK(of_flow_monitor_cancel_decode(&msg, &id));
    assert_int_equal(id, 0x42);
}

static inline void
build_fm_paused(uint8_t version, int arg, struct buf *out)
{
    struct of_msg msg;
    of_msg_start(out, OF_T_NXT_FLOW_MONITOR_PAUSED, version, XID);
    of_msg_finish(out);
    decode_msg(out, &msg);
    OK(of_flow_monitor_pause_decode(&msg));
}

/* Every sample in every version it exists in. */
#define V10 OF_V10
#define V13 OF_V13
#define V14 OF_V14
#define V15 OF_V15
/* clang-format off */
#define ONE(NAME, V, BUILD, ARG) {NAME, V, BUILD, ARG}
#define EACH_11UP(NAME, BUILD, ARG)                                 \
    ONE(NAME "/1.3", V13, BUILD, ARG),                              \
    ONE(NAME "/1.4", V14, BUILD, ARG),                              \
    ONE(NAME "/1.5", V15, BUILD, ARG)
#define EACH(NAME, BUILD, ARG)                                      \
    ONE(NAME "/1.0", V10, BUILD, ARG),                              \
    EACH_11UP(NAME, BUILD, ARG)

static const struct sample samples[] = {
    EACH_11UP("group-mod-select", build_group_mod, 0),
    EACH_11UP("group-mod-ff", build_group_mod, 1),
    EACH_11UP("group-mod-delete", build_group_mod, 2),
    EACH_11UP("group-mod-modify", build_group_mod, 5),
    EACH_11UP("group-mod-add-or-mod", build_group_mod, 6),
    ONE("group-mod-insert-bucket/1.5", V15, build_group_mod, 3),
    ONE("group-mod-remove-bucket/1.5", V15, build_group_mod, 4),
    EACH_11UP("group-desc-request", build_gd_request, 0),
    EACH_11UP("group-desc-reply", build_gd_reply, 0),
    EACH_11UP("group-stats-request", build_gs_request, 0),
    EACH_11UP("group-stats-reply", build_gs_reply, 0),
    EACH_11UP("group-features-reply", build_gf_reply, 0),
    EACH_11UP("meter-mod-add", build_meter_mod, 0),
    EACH_11UP("meter-mod-modify", build_meter_mod, 1),
    EACH_11UP("meter-mod-delete", build_meter_mod, 2),
    EACH_11UP("meter-config-request", build_meter_request,
              OF_T_METER_CONFIG_REQUEST),
    EACH_11UP("meter-stats-request", build_meter_request,
              OF_T_METER_STATS_REQUEST),
    EACH_11UP("meter-config-reply", build_mc_reply, 0),
    EACH_11UP("meter-stats-reply", build_ms_reply, 0),
    EACH_11UP("meter-features-reply", build_mf_reply, 0),
    EACH("packet-in", build_pin, OF_T_PACKET_IN),
    EACH("nxt-packet-in", build_pin, OF_T_NXT_PACKET_IN),
    EACH("nxt-packet-in2", build_pin, OF_T_NXT_PACKET_IN2),
    EACH("packet-out", build_po, 0),
    EACH_11UP("bundle-control", build_bundle_ctrl, 0),
    EACH_11UP("bundle-add", build_bundle_add, 0),
    /* Open vSwitch 3.1 speaks the Nicira flow monitor in OpenFlow 1.0
     * only (1.3 uses an ONF extension that ofp-msg.c does not know). */
    ONE("nxst-flow-monitor-request/1.0", V10, build_fmr,
        OF_T_NXST_FLOW_MONITOR_REQUEST),
    ONE("flow-monitor-request/1.4", V14, build_fmr,
        OF_T_FLOW_MONITOR_REQUEST),
    ONE("flow-monitor-request/1.5", V15, build_fmr,
        OF_T_FLOW_MONITOR_REQUEST),
    ONE("nxst-flow-monitor-reply/1.0", V10, build_fmu,
        OF_T_NXST_FLOW_MONITOR_REPLY),
    ONE("flow-monitor-reply/1.4", V14, build_fmu, OF_T_FLOW_MONITOR_REPLY),
    ONE("flow-monitor-reply/1.5", V15, build_fmu, OF_T_FLOW_MONITOR_REPLY),
    ONE("nxt-flow-monitor-cancel/1.0", V10, build_fm_cancel, 0),
    ONE("nxt-flow-monitor-paused/1.0", V10, build_fm_paused, 0),
};
/* clang-format on */

/* ---------------------------------------------------------------------
 * Data files and commands.
 * --------------------------------------------------------------------- */

/* Splits LINE at '|' into at most MAX fields (empty ones included);
 * returns how many. */
static inline size_t
split_fields(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *tok;
    while (n < max && (tok = strsep(&line, "|"))) {
        fields[n++] = tok;
    }
    return n;
}

/* Group and meter commands ovs-ofctl was run with. */
static const struct {
    const char *command;
    int group_cmd; /* enum of_group_cmd, or -1. */
    int meter_cmd; /* enum of_meter_cmd, or -1. */
} commands[] = {
    { "add-group", OF_GC_ADD, -1 },
    { "mod-group", OF_GC_MODIFY, -1 },
    { "mod-group-may-create", OF_GC_ADD_OR_MOD, -1 },
    { "del-groups", OF_GC_DELETE, -1 },
    { "insert-buckets", OF_GC_INSERT_BUCKET, -1 },
    { "remove-buckets", OF_GC_REMOVE_BUCKET, -1 },
    { "add-meter", -1, OF_MC_ADD },
    { "mod-meter", -1, OF_MC_MODIFY },
    { "del-meters", -1, OF_MC_DELETE },
};

#endif
