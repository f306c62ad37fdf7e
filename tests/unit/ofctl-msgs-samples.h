/* ofctl-msgs-samples.h: the catalogue of sample OpenFlow messages that
 * the unit tests of the ofp-errors, ofp-switch, ofp-port and ofp-table
 * codecs (test-ofctl-msgs.c, test-ofctl-msgs-decode.c) share: the models
 * each sample is built from, samples[] with the versions each exists in,
 * build_sample() and find_sample() (each build_NAME(B, V) encodes sample
 * NAME in version V into B), and the two helpers both sides use,
 * from_hex() and print_msg() (the text "ovs-ofctl ofp-print" prints).
 * Include after <cmocka.h>; the functions are static inline so that a
 * program that does not use one is not warned about it. */
#ifndef NICFLOW_TESTS_UNIT_OFCTL_MSGS_SAMPLES_H
#define NICFLOW_TESTS_UNIT_OFCTL_MSGS_SAMPLES_H 1

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "ofctl/match.h"
#include "ofctl/ofp-errors.h"
#include "ofctl/ofp-port.h"
#include "ofctl/ofp-switch.h"
#include "ofctl/ofp-table.h"
#include "ofctl/ofp.h"

#define V10 OF_VBIT(OF_V10)
#define V13 OF_VBIT(OF_V13)
#define V14 OF_VBIT(OF_V14)
#define V15 OF_VBIT(OF_V15)
#define V13UP (V13 | V14 | V15)
#define V14UP (V14 | V15)
#define VALL (V10 | V13UP)

/* ---------------------------------------------------------------------
 * Sample models.
 * --------------------------------------------------------------------- */

static const struct of_port port_a = {
    .port_no = 1,
    .hw_addr = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x01 },
    .name = "p1",
    .config = OF_PC_PORT_DOWN | OF_PC_NO_PACKET_IN,
    .state = OF_PS_LINK_DOWN,
    .curr = OF_PF_10GB_FD | OF_PF_COPPER,
    .advertised = OF_PF_1GB_FD | OF_PF_AUTONEG,
    .supported = OF_PF_10GB_FD | OF_PF_1GB_FD,
    .peer = OF_PF_PAUSE,
    .curr_speed = 10000000,
    .max_speed = 10000000,
};

static const struct of_port port_local = {
    .port_no = OF_PORT_LOCAL,
    .hw_addr = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x09 },
    .name = "br0",
    .config = 0,
    .state = 0,
};

static const struct of_port port_long_name = {
    .port_no = 42,
    .hw_addr = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 },
    .name = "a-long-name-123",
    .config = OF_PC_NO_RECV | OF_PC_NO_FWD,
    .state = OF_PS_LIVE,
    .curr = OF_PF_100MB_FD,
    .curr_speed = 100000,
    .max_speed = 100000,
};

static inline void
build_echo_request(struct buf *b, uint8_t v)
{
    of_echo_encode(b, OF_T_ECHO_REQUEST, v, 1, "hello, world! 0123456789abc",
                   27);
}

static inline void
build_echo_reply(struct buf *b, uint8_t v)
{
    of_echo_encode(b, OF_T_ECHO_REPLY, v, 2, NULL, 0);
}

static inline void
build_features_reply(struct buf *b, uint8_t v)
{
    struct of_port ports[] = { port_long_name, port_local, port_a };
    struct of_features f = {
        .datapath_id = 0x0000123456789abcull,
        .n_buffers = 256,
        .n_tables = 254,
        .auxiliary_id = v >= OF_V13 ? 2 : 0,
        .capabilities =
            OF_CAP_FLOW_STATS | OF_CAP_TABLE_STATS | OF_CAP_PORT_STATS
            | OF_CAP_QUEUE_STATS
            | (v == OF_V10 ? OF_CAP_ARP_MATCH_IP | OF_CAP_STP
                           : OF_CAP_GROUP_STATS | OF_CAP_PORT_BLOCKED),
        .actions = v == OF_V10 ? OF_ACT10_ALL & ~OF_ACT10_ENQUEUE : 0,
        .ports = { ports, v == OF_V10 ? 3 : 0 },
    };
    of_features_reply_encode(b, v, 4, &f);
}

static inline void
build_get_config_reply(struct buf *b, uint8_t v)
{
    struct of_switch_config sc = { OF_CONFIG_FRAG_DROP, 128 };
    of_switch_config_encode(b, OF_T_GET_CONFIG_REPLY, v, 6, &sc);
}

static inline void
build_set_config(struct buf *b, uint8_t v)
{
    struct of_switch_config sc = { OF_CONFIG_FRAG_NX_MATCH, 0xffff };
    if (v == OF_V10) {
        sc.flags |= OF_CONFIG_INVALID_TTL_TO_CONTROLLER;
    }
    of_switch_config_encode(b, OF_T_SET_CONFIG, v, 7, &sc);
}

static inline void
build_desc_reply(struct buf *b, uint8_t v)
{
    static const struct of_desc d = {
        .mfr_desc = "Nicira, Inc.",
        .hw_desc = "Open vSwitch",
        .sw_desc = "3.1.0",
        .serial_num = "None",
        .dp_desc = "br0 datapath",
    };
    of_desc_reply_encode(b, v, 9, &d);
}

static inline void
build_role_request(struct buf *b, uint8_t v)
{
    struct of_role_msg rm = { OF_ROLE_PRIMARY, 12345 };
    of_role_encode(b, OF_T_ROLE_REQUEST, v, 12, &rm);
}

static inline void
build_role_reply(struct buf *b, uint8_t v)
{
    struct of_role_msg rm = { OF_ROLE_SECONDARY, OF_GENERATION_NONE };
    of_role_encode(b, OF_T_ROLE_REPLY, v, 13, &rm);
}

static inline void
build_role_nochange(struct buf *b, uint8_t v)
{
    struct of_role_msg rm = { OF_ROLE_NOCHANGE, OF_GENERATION_NONE };
    of_role_encode(b, OF_T_ROLE_REQUEST, v, 14, &rm);
}

static inline void
build_nx_role_request(struct buf *b, uint8_t v)
{
    struct of_role_msg rm = { OF_ROLE_SECONDARY, OF_GENERATION_NONE };
    of_role_encode(b, OF_T_NXT_ROLE_REQUEST, v, 15, &rm);
}

static inline void
build_nx_role_reply(struct buf *b, uint8_t v)
{
    struct of_role_msg rm = { OF_ROLE_EQUAL, OF_GENERATION_NONE };
    of_role_encode(b, OF_T_NXT_ROLE_REPLY, v, 16, &rm);
}

static inline void
build_role_status(struct buf *b, uint8_t v)
{
    struct of_role_status rs = { OF_ROLE_SECONDARY, OF_ROLE_REASON_CONFIG, 7 };
    of_role_status_encode(b, v, 17, &rs);
}

static inline struct of_async_config
sample_async(uint8_t v)
{
    struct of_async_config ac = {
        .primary = { 0x7, 0x7, 0xf, 0, 0, 0 },
        .secondary = { 0x1, 0x7, 0, 0, 0, 0 },
    };
    if (v >= OF_V14) {
        ac.primary[OF_ASYNC_PACKET_IN] = 0x3f;
        ac.primary[OF_ASYNC_ROLE_STATUS] = 0x3;
        ac.primary[OF_ASYNC_TABLE_STATUS] = 0x18;
        ac.secondary[OF_ASYNC_REQUESTFORWARD] = 0x2;
    }
    return ac;
}

static inline void
build_get_async_reply(struct buf *b, uint8_t v)
{
    struct of_async_config ac = sample_async(v);
    of_async_config_encode(b, OF_T_GET_ASYNC_REPLY, v, 19, &ac);
}

static inline void
build_set_async(struct buf *b, uint8_t v)
{
    struct of_async_config ac = sample_async(v);
    ac.secondary[OF_ASYNC_PORT_STATUS] = 0x1;
    of_async_config_encode(b, OF_T_SET_ASYNC, v, 20, &ac);
}

static inline void
build_nx_set_async(struct buf *b, uint8_t v)
{
    struct of_async_config ac = sample_async(OF_V10);
    of_async_config_encode(b, OF_T_NXT_SET_ASYNC_CONFIG, v, 21, &ac);
}

static inline void
build_port_desc_request(struct buf *b, uint8_t v)
{
    of_port_desc_request_encode(b, v, 26, OF_PORT_NONE);
}

static inline void
build_port_desc_request_one(struct buf *b, uint8_t v)
{
    of_port_desc_request_encode(b, v, 27, 3);
}

static inline void
build_port_desc_reply(struct buf *b, uint8_t v)
{
    struct of_port ports[] = { port_local, port_a, port_long_name };
    struct of_ports list = { ports, 3 };
    of_port_desc_reply_encode(b, v, 28, &list);
}

static inline void
build_port_status(struct buf *b, uint8_t v)
{
    struct of_port_status ps = { OF_PR_MODIFY, port_a };
    if (v == OF_V10) {
        ps.desc.state |= OF_PS_STP_FORWARD;
    } else {
        ps.desc.state |= OF_PS_BLOCKED;
        ps.desc.curr |= OF_PF_40GB_FD;
        ps.desc.curr_speed = 40000000;
        ps.desc.max_speed = 50000000;
    }
    of_port_status_encode(b, v, 29, &ps);
}

static inline void
build_port_status_add(struct buf *b, uint8_t v)
{
    struct of_port_status ps = { OF_PR_ADD, port_local };
    of_port_status_encode(b, v, 30, &ps);
}

static inline void
build_port_mod(struct buf *b, uint8_t v)
{
    struct of_port_mod pm = {
        .port_no = 3,
        .hw_addr = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x03 },
        .config = OF_PC_PORT_DOWN,
        .mask = OF_PC_PORT_DOWN | OF_PC_NO_PACKET_IN,
        .advertise = OF_PF_1GB_FD | OF_PF_FIBER,
    };
    of_port_mod_encode(b, v, 31, &pm);
}

static inline void
build_port_mod_local(struct buf *b, uint8_t v)
{
    struct of_port_mod pm = {
        .port_no = OF_PORT_LOCAL,
        .hw_addr = { 0x02, 0, 0, 0, 0, 9 },
        .config = 0,
        .mask = OF_PC_NO_FWD,
        .advertise = 0,
    };
    of_port_mod_encode(b, v, 32, &pm);
}

static inline void
build_port_stats_request(struct buf *b, uint8_t v)
{
    of_port_stats_request_encode(b, v, 33, OF_PORT_NONE);
}

static inline void
build_port_stats_request_one(struct buf *b, uint8_t v)
{
    of_port_stats_request_encode(b, v, 34, 12);
}

static inline void
build_port_stats_reply(struct buf *b, uint8_t v)
{
    struct of_port_stats s[2] = {
        { 1, 10, 20, 1000, 2000, 1, 2, 3, 4, 5, 6, 7, 8, 5, 500000000 },
        { OF_PORT_LOCAL, UINT64_MAX, 0, UINT64_MAX, 0, 0, 0, 0, 0, UINT64_MAX,
          UINT64_MAX, UINT64_MAX, UINT64_MAX, 100, 999999999 },
    };
    struct of_port_stats_list list = { s, 2 };
    if (v == OF_V10) {
        s[0].duration_sec = s[1].duration_sec = UINT32_MAX;
        s[0].duration_nsec = s[1].duration_nsec = 0;
    }
    of_port_stats_reply_encode(b, v, 35, &list);
}

static inline void
build_queue_stats_request(struct buf *b, uint8_t v)
{
    of_queue_stats_request_encode(b, v, 36, OF_PORT_NONE, OF_QUEUE_ALL);
}

static inline void
build_queue_stats_request_one(struct buf *b, uint8_t v)
{
    of_queue_stats_request_encode(b, v, 37, 2, 5);
}

static inline void
build_queue_stats_reply(struct buf *b, uint8_t v)
{
    struct of_queue_stats s[2] = {
        { 1, 0, 100, 10, 1, 3, 4 },
        { 2, 7, 5000, 50, UINT64_MAX, 0, 123456789 },
    };
    struct of_queue_stats_list list = { s, 2 };
    if (v == OF_V10) {
        s[0].duration_sec = s[1].duration_sec = UINT32_MAX;
        s[0].duration_nsec = s[1].duration_nsec = 0;
    }
    of_queue_stats_reply_encode(b, v, 38, &list);
}

static inline void
build_queue_get_config_request(struct buf *b, uint8_t v)
{
    of_queue_get_config_request_encode(b, v, 39, 1);
}

static inline void
build_queue_get_config_reply(struct buf *b, uint8_t v)
{
    struct of_queue_config q[3] = {
        { 7, 1, 500, v == OF_V10 ? UINT16_MAX : 700 },
        { 8, 1, UINT16_MAX, UINT16_MAX },
        { 9, 1, 2000, UINT16_MAX },
    };
    struct of_queue_config_reply r = { 1, q, 3 };
    of_queue_get_config_reply_encode(b, v, 40, &r);
}

static inline void
build_table_mod(struct buf *b, uint8_t v)
{
    struct of_table_mod tm = { .table_id = 3, .config = 0 };
    if (v >= OF_V14) {
        tm.config = OF_TC14_VACANCY_EVENTS;
        tm.has_vacancy = true;
        tm.vacancy_down = 20;
        tm.vacancy_up = 80;
    }
    of_table_mod_encode(b, v, 41, &tm);
}

static inline void
build_table_mod_all(struct buf *b, uint8_t v)
{
    struct of_table_mod tm = { .table_id = OF_TABLE_ALL };
    if (v >= OF_V14) {
        tm.config = OF_TC14_EVICTION;
        tm.has_eviction_flags = true;
        tm.eviction_flags = 1;
    }
    of_table_mod_encode(b, v, 42, &tm);
}

static inline void
build_table_stats_reply(struct buf *b, uint8_t v)
{
    struct of_table_stats s[4] = {
        { 0, 5, 100, 90, "classifier", 0x3fffff, 1000000 },
        { 1, 0, 0, 0, "table1", 0x3fffff, 1000000 },
        { 2, 1, 2, 3, "t2", 0x0000ff, 10 },
        { 3, 0, 0, 0, "", 0, 10 },
    };
    struct of_table_stats_list list = { s, 4 };
    if (v != OF_V10) {
        for (size_t i = 0; i < 4; i++) {
            s[i].name[0] = '\0';
            s[i].wildcards = s[i].max_entries = 0;
        }
    }
    of_table_stats_reply_encode(b, v, 44, &list);
}

static inline void
build_table_features_request(struct buf *b, uint8_t v)
{
    struct of_table_features_list list = { NULL, 0 };
    of_table_features_encode(b, OF_T_TABLE_FEATURES_REQUEST, v, 45, &list);
}

/* Table features: every property Open vSwitch requires, with ids it
 * knows and some it does not (copy_ttl_out, an experimenter field). */
static inline void
table_features_fill(struct of_table_features *tf, uint8_t v, uint8_t id,
                    const char *name)
{
    static uint64_t inst[] = { 1, 2, 3, 4, 5, 6, 7 };
    static uint64_t next[] = { 1, 2, 3, 5, 7, 8, 9, 200 };
    static uint64_t acts[] = { 0, 11, 17, 18, 22, 25 };
    static uint64_t oxms[] = {
        (uint64_t) 0x80000004 << 32,              /* OXM_OF_IN_PORT. */
        (uint64_t) 0x8000070c << 32,              /* OXM_OF_ETH_DST, masked. */
        (uint64_t) 0x80000a02 << 32,              /* OXM_OF_ETH_TYPE. */
        (uint64_t) 0x00010004 << 32,              /* NXM_NX_REG0. */
        (uint64_t) 0x00010204 << 32,              /* NXM_NX_REG1. */
        (uint64_t) 0x00010404 << 32,              /* NXM_NX_REG2. */
        (uint64_t) 0x80001401 << 32,              /* OXM_OF_IP_PROTO. */
        (uint64_t) 0xffff0408 << 32 | 0x00002320, /* Experimenter. */
    };
    /* Properties other than "match" take no masks. */
    static uint64_t plain[] = {
        (uint64_t) 0x80000606 << 32, /* OXM_OF_ETH_DST. */
        (uint64_t) 0x80000004 << 32, /* OXM_OF_IN_PORT. */
        (uint64_t) 0x80001401 << 32, /* OXM_OF_IP_PROTO. */
        (uint64_t) 0x80000a02 << 32, /* OXM_OF_ETH_TYPE. */
    };

    memset(tf, 0, sizeof *tf);
    tf->table_id = id;
    snprintf(tf->name, sizeof tf->name, "%s", name);
    tf->metadata_match = UINT64_MAX;
    tf->metadata_write = UINT64_MAX;
    tf->capabilities = v >= OF_V14 ? OF_TC14_EVICTION : 0;
    tf->max_entries = 1000000;
    for (int t = 0; t < OF_TFPT_N; t++) {
        if (t != OF_TFPT_MATCH + 1 && t != OF_TFPT_WILDCARDS + 1) {
            tf->props[t].present = true;
        }
    }
    tf->props[OF_TFPT_INSTRUCTIONS] = (struct of_tf_ids){ true, 7, inst };
    tf->props[OF_TFPT_INSTRUCTIONS + 1] = (struct of_tf_ids){ true, 2, inst };
    tf->props[OF_TFPT_NEXT_TABLES] = (struct of_tf_ids){ true, 8, next };
    tf->props[OF_TFPT_WRITE_ACTIONS] = (struct of_tf_ids){ true, 6, acts };
    tf->props[OF_TFPT_APPLY_ACTIONS] = (struct of_tf_ids){ true, 6, acts };
    tf->props[OF_TFPT_APPLY_ACTIONS + 1] = (struct of_tf_ids){ true, 1, acts };
    tf->props[OF_TFPT_MATCH] = (struct of_tf_ids){ true, 8, oxms };
    tf->props[OF_TFPT_WILDCARDS] = (struct of_tf_ids){ true, 2, plain };
    tf->props[OF_TFPT_WRITE_SETFIELD] = (struct of_tf_ids){ true, 4, plain };
    tf->props[OF_TFPT_APPLY_SETFIELD] = (struct of_tf_ids){ true, 3, plain };
    tf->props[OF_TFPT_APPLY_SETFIELD + 1] =
        (struct of_tf_ids){ true, 1, plain };
}

static inline void
build_table_features_reply(struct buf *b, uint8_t v)
{
    struct of_table_features tf[5];
    struct of_table_features_list list = { tf, 5 };

    table_features_fill(&tf[0], v, 0, "classifier");
    table_features_fill(&tf[1], v, 1, "");
    table_features_fill(&tf[2], v, 2, "");
    table_features_fill(&tf[3], v, 3, "named");
    table_features_fill(&tf[4], v, 4, "");
    tf[3].max_entries = 10;
    tf[4].props[OF_TFPT_INSTRUCTIONS + 1].n = 3;
    tf[4].props[OF_TFPT_WILDCARDS].n = 3;
    of_table_features_encode(b, OF_T_TABLE_FEATURES_REPLY, v, 46, &list);
}

static inline void
build_table_features_reply_exp(struct buf *b, uint8_t v)
{
    static const uint8_t exp_prop[] = { 0xff, 0xfe, 0x00, 0x0c, 0x00, 0x00,
                                        0x23, 0x20, 0x00, 0x00, 0x00, 0x01,
                                        0x00, 0x00, 0x00, 0x00 };
    struct of_table_features tf;
    struct of_table_features_list list = { &tf, 1 };

    table_features_fill(&tf, v, 7, "t7");
    tf.other = (uint8_t *) exp_prop;
    tf.other_len = sizeof exp_prop;
    of_table_features_encode(b, OF_T_TABLE_FEATURES_REPLY, v, 47, &list);
}

static inline void
build_table_status(struct buf *b, uint8_t v)
{
    struct of_table_status ts = {
        OF_TABLE_STATUS_VACANCY_DOWN,
        { 1, OF_TC14_EVICTION | OF_TC14_VACANCY_EVENTS, true,
          OF_TMPEF_OTHER | OF_TMPEF_LIFETIME, true, 20, 80, 15 },
    };
    of_table_status_encode(b, v, 48, &ts);
}

static inline void
build_table_status_plain(struct buf *b, uint8_t v)
{
    struct of_table_status ts = { OF_TABLE_STATUS_VACANCY_UP,
                                  { .table_id = 9 } };
    of_table_status_encode(b, v, 49, &ts);
}

static inline void
build_table_desc_reply(struct buf *b, uint8_t v)
{
    const struct of_table_desc tds[] = {
        { .table_id = 0,
          .config = OF_TC14_EVICTION,
          .has_eviction_flags = true,
          .eviction_flags =
              OF_TMPEF_OTHER | OF_TMPEF_IMPORTANCE | OF_TMPEF_LIFETIME },
        { .table_id = 1,
          .config = OF_TC14_VACANCY_EVENTS,
          .has_vacancy = true,
          .vacancy_down = 10,
          .vacancy_up = 90,
          .vacancy = 50 },
        { .table_id = 2 },
    };
    of_table_desc_reply_encode(b, v, 50, tds, ARRAY_SIZE(tds));
}

/* A sample message: NAME, the versions it exists in and its builder. */
struct sample {
    const char *name;
    uint32_t versions;
    void (*build)(struct buf *, uint8_t version);
    /* Without BUILD: message TYPE, with no body or (for the Nicira
     * settings) VALUE. */
    enum of_type type;
    uint32_t value;
};

/* clang-format off */
#define B(NAME, VERSIONS, BUILD) {NAME, VERSIONS, BUILD, 0, 0}
#define E(NAME, VERSIONS, TYPE, VALUE) {NAME, VERSIONS, NULL, TYPE, VALUE}
static const struct sample samples[] = {
    B("echo_request", VALL, build_echo_request),
    B("echo_reply", VALL, build_echo_reply),
    E("features_request", VALL, OF_T_FEATURES_REQUEST, 0),
    B("features_reply", VALL, build_features_reply),
    E("get_config_request", VALL, OF_T_GET_CONFIG_REQUEST, 0),
    B("get_config_reply", VALL, build_get_config_reply),
    B("set_config", VALL, build_set_config),
    E("desc_request", VALL, OF_T_DESC_REQUEST, 0),
    B("desc_reply", VALL, build_desc_reply),
    E("barrier_request", VALL, OF_T_BARRIER_REQUEST, 0),
    E("barrier_reply", VALL, OF_T_BARRIER_REPLY, 0),
    B("role_request", V13UP, build_role_request),
    B("role_reply", V13UP, build_role_reply),
    B("role_nochange", V13UP, build_role_nochange),
    B("nx_role_request", VALL, build_nx_role_request),
    B("nx_role_reply", VALL, build_nx_role_reply),
    B("role_status", V14UP, build_role_status),
    E("get_async_request", V13UP, OF_T_GET_ASYNC_REQUEST, 0),
    B("get_async_reply", V13UP, build_get_async_reply),
    B("set_async", V13UP, build_set_async),
    B("nx_set_async", VALL, build_nx_set_async),
    E("nx_controller_id", VALL, OF_T_NXT_SET_CONTROLLER_ID, 1234),
    E("nx_flow_format", V10, OF_T_NXT_SET_FLOW_FORMAT, OF_NX_FF_NXM),
    E("nx_packet_in_format", VALL,
      OF_T_NXT_SET_PACKET_IN_FORMAT, OF_NX_PIF_NXT_PACKET_IN),
    E("nx_flow_mod_table_id", VALL, OF_T_NXT_FLOW_MOD_TABLE_ID, 1),
    B("port_desc_request", VALL, build_port_desc_request),
    B("port_desc_request_one", V15, build_port_desc_request_one),
    B("port_desc_reply", VALL, build_port_desc_reply),
    B("port_status", VALL, build_port_status),
    B("port_status_add", VALL, build_port_status_add),
    B("port_mod", VALL, build_port_mod),
    B("port_mod_local", VALL, build_port_mod_local),
    B("port_stats_request", VALL, build_port_stats_request),
    B("port_stats_request_one", VALL, build_port_stats_request_one),
    B("port_stats_reply", VALL, build_port_stats_reply),
    B("queue_stats_request", VALL, build_queue_stats_request),
    B("queue_stats_request_one", VALL, build_queue_stats_request_one),
    B("queue_stats_reply", VALL, build_queue_stats_reply),
    B("queue_get_config_request", V10 | V13, build_queue_get_config_request),
    B("queue_get_config_reply", V10 | V13, build_queue_get_config_reply),
    B("table_mod", V13UP, build_table_mod),
    B("table_mod_all", V13UP, build_table_mod_all),
    E("table_stats_request", VALL, OF_T_TABLE_STATS_REQUEST, 0),
    B("table_stats_reply", VALL, build_table_stats_reply),
    B("table_features_request", V13UP, build_table_features_request),
    B("table_features_reply", V13UP, build_table_features_reply),
    B("table_features_reply_exp", V13UP, build_table_features_reply_exp),
    B("table_status", V14UP, build_table_status),
    B("table_status_plain", V14UP, build_table_status_plain),
    E("table_desc_request", V14UP, OF_T_TABLE_DESC_REQUEST, 0),
    B("table_desc_reply", V14UP, build_table_desc_reply),
};
/* clang-format on */

/* Builds sample S in version V into B. */
static inline void
build_sample(const struct sample *s, struct buf *b, uint8_t v)
{
    uint32_t xid = (uint32_t) (s - samples) + 100;

    if (s->build) {
        s->build(b, v);
    } else if (s->type == OF_T_NXT_SET_CONTROLLER_ID
               || s->type == OF_T_NXT_SET_FLOW_FORMAT
               || s->type == OF_T_NXT_SET_PACKET_IN_FORMAT
               || s->type == OF_T_NXT_FLOW_MOD_TABLE_ID) {
        of_nx_setting_encode(b, s->type, v, xid, s->value);
    } else {
        of_switch_empty_encode(b, s->type, v, xid);
    }
}

/* The sample called NAME, or NULL. */
static inline const struct sample *
find_sample(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
        if (!strcmp(samples[i].name, name)) {
            return &samples[i];
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------------
 * Helpers.
 * --------------------------------------------------------------------- */

/* Parses hex (spaces allowed) into B. */
static inline void
from_hex(struct buf *b, const char *s)
{
    buf_clear(b);
    while (*s) {
        unsigned int x;
        if (*s == ' ') {
            s++;
            continue;
        }
        if (sscanf(s, "%2x", &x) != 1) {
            fail_msg("bad hex \"%s\"", s);
        }
        buf_put_u8(b, (uint8_t) x);
        s += 2;
    }
}

/* Decodes and prints a message as "ovs-ofctl ofp-print" would: header
 * line and body.  Returns the text (caller frees) or NULL and *ERR. */
static inline char *
print_msg(const uint8_t *data, size_t len, enum of_err *errp)
{
    struct of_msg msg;
    struct buf b;
    enum of_err err = of_msg_decode(data, len, &msg);

    *errp = err;
    if (err) {
        return NULL;
    }
    buf_init(&b);
    buf_put_cstr(&b, of_type_name(msg.type));
    if (msg.version != OF_V10) {
        buf_printf(&b, " (OF%s)", of_version_short(msg.version));
    }
    buf_printf(&b, " (xid=0x%x):", msg.xid);
    err = of_switch_msg_format(&b, &msg);
    if (err == OF_ERR_OFPBRC_BAD_TYPE) {
        err = of_port_msg_format(&b, &msg);
    }
    if (err == OF_ERR_OFPBRC_BAD_TYPE) {
        err = of_table_msg_format(&b, &msg);
    }
    *errp = err;
    if (err) {
        buf_destroy(&b);
        return NULL;
    }
    if (!b.len || b.data[b.len - 1] != '\n') {
        buf_put_char(&b, '\n');
    }
    return buf_steal_cstr(&b);
}

#endif
