/* Unit tests for the OpenFlow message codecs of ofctl/ofp-errors,
 * ofp-switch, ofp-port and ofp-table.
 *
 * The heart is a catalogue of sample messages (samples[] below), each
 * built from a model by our encoder in every version it exists in.  Each
 * must survive decode -> encode unchanged.  tests/unit/ofctl-msgs-golden.txt
 * holds, for every sample, the bytes we encoded and what the real
 * "ovs-ofctl ofp-print" of Open vSwitch 3.1 printed for them
 * (tests/unit/ofctl-msgs-golden.sh regenerates it by running this
 * program with OFCTL_MSGS_EMIT=1): our encoder must still produce those
 * bytes and our printer the same text.  The same file holds messages that
 * Open vSwitch encoded itself (requests ovs-ofctl sent, error replies
 * from "ovs-ofctl encode-error-reply") and every error's wire form from
 * "ovs-ofctl print-error".  Malformed messages check the exact error. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util.h"
#include "ofctl/match.h"
#include "ofctl/ofp-errors.h"
#include "ofctl/ofp-port.h"
#include "ofctl/ofp-switch.h"
#include "ofctl/ofp-table.h"
#include "ofctl/ofp.h"

#define GOLDEN "tests/unit/ofctl-msgs-golden.txt"

#define V10 OF_VBIT(OF_V10)
#define V13 OF_VBIT(OF_V13)
#define V14 OF_VBIT(OF_V14)
#define V15 OF_VBIT(OF_V15)
#define V13UP (V13 | V14 | V15)
#define V14UP (V14 | V15)
#define VALL (V10 | V13UP)

static const uint8_t versions[] = { OF_V10, OF_V13, OF_V14, OF_V15 };

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

static void
build_echo_request(struct buf *b, uint8_t v)
{
    of_echo_encode(b, OF_T_ECHO_REQUEST, v, 1, "hello, world! 0123456789abc",
                   27);
}

static void
build_echo_reply(struct buf *b, uint8_t v)
{
    of_echo_encode(b, OF_T_ECHO_REPLY, v, 2, NULL, 0);
}

static void
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

static void
build_get_config_reply(struct buf *b, uint8_t v)
{
    struct of_switch_config sc = { OF_CONFIG_FRAG_DROP, 128 };
    of_switch_config_encode(b, OF_T_GET_CONFIG_REPLY, v, 6, &sc);
}

static void
build_set_config(struct buf *b, uint8_t v)
{
    struct of_switch_config sc = { OF_CONFIG_FRAG_NX_MATCH, 0xffff };
    if (v == OF_V10) {
        sc.flags |= OF_CONFIG_INVALID_TTL_TO_CONTROLLER;
    }
    of_switch_config_encode(b, OF_T_SET_CONFIG, v, 7, &sc);
}

static void
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

static void
build_role_request(struct buf *b, uint8_t v)
{
    struct of_role_msg rm = { OF_ROLE_PRIMARY, 12345 };
    of_role_encode(b, OF_T_ROLE_REQUEST, v, 12, &rm);
}

static void
build_role_reply(struct buf *b, uint8_t v)
{
    struct of_role_msg rm = { OF_ROLE_SECONDARY, OF_GENERATION_NONE };
    of_role_encode(b, OF_T_ROLE_REPLY, v, 13, &rm);
}

static void
build_role_nochange(struct buf *b, uint8_t v)
{
    struct of_role_msg rm = { OF_ROLE_NOCHANGE, OF_GENERATION_NONE };
    of_role_encode(b, OF_T_ROLE_REQUEST, v, 14, &rm);
}

static void
build_nx_role_request(struct buf *b, uint8_t v)
{
    struct of_role_msg rm = { OF_ROLE_SECONDARY, OF_GENERATION_NONE };
    of_role_encode(b, OF_T_NXT_ROLE_REQUEST, v, 15, &rm);
}

static void
build_nx_role_reply(struct buf *b, uint8_t v)
{
    struct of_role_msg rm = { OF_ROLE_EQUAL, OF_GENERATION_NONE };
    of_role_encode(b, OF_T_NXT_ROLE_REPLY, v, 16, &rm);
}

static void
build_role_status(struct buf *b, uint8_t v)
{
    struct of_role_status rs = { OF_ROLE_SECONDARY, OF_ROLE_REASON_CONFIG, 7 };
    of_role_status_encode(b, v, 17, &rs);
}

static struct of_async_config
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

static void
build_get_async_reply(struct buf *b, uint8_t v)
{
    struct of_async_config ac = sample_async(v);
    of_async_config_encode(b, OF_T_GET_ASYNC_REPLY, v, 19, &ac);
}

static void
build_set_async(struct buf *b, uint8_t v)
{
    struct of_async_config ac = sample_async(v);
    ac.secondary[OF_ASYNC_PORT_STATUS] = 0x1;
    of_async_config_encode(b, OF_T_SET_ASYNC, v, 20, &ac);
}

static void
build_nx_set_async(struct buf *b, uint8_t v)
{
    struct of_async_config ac = sample_async(OF_V10);
    of_async_config_encode(b, OF_T_NXT_SET_ASYNC_CONFIG, v, 21, &ac);
}

static void
build_port_desc_request(struct buf *b, uint8_t v)
{
    of_port_desc_request_encode(b, v, 26, OF_PORT_NONE);
}

static void
build_port_desc_request_one(struct buf *b, uint8_t v)
{
    of_port_desc_request_encode(b, v, 27, 3);
}

static void
build_port_desc_reply(struct buf *b, uint8_t v)
{
    struct of_port ports[] = { port_local, port_a, port_long_name };
    struct of_ports list = { ports, 3 };
    of_port_desc_reply_encode(b, v, 28, &list);
}

static void
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

static void
build_port_status_add(struct buf *b, uint8_t v)
{
    struct of_port_status ps = { OF_PR_ADD, port_local };
    of_port_status_encode(b, v, 30, &ps);
}

static void
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

static void
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

static void
build_port_stats_request(struct buf *b, uint8_t v)
{
    of_port_stats_request_encode(b, v, 33, OF_PORT_NONE);
}

static void
build_port_stats_request_one(struct buf *b, uint8_t v)
{
    of_port_stats_request_encode(b, v, 34, 12);
}

static void
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

static void
build_queue_stats_request(struct buf *b, uint8_t v)
{
    of_queue_stats_request_encode(b, v, 36, OF_PORT_NONE, OF_QUEUE_ALL);
}

static void
build_queue_stats_request_one(struct buf *b, uint8_t v)
{
    of_queue_stats_request_encode(b, v, 37, 2, 5);
}

static void
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

static void
build_queue_get_config_request(struct buf *b, uint8_t v)
{
    of_queue_get_config_request_encode(b, v, 39, 1);
}

static void
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

static void
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

static void
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

static void
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

static void
build_table_features_request(struct buf *b, uint8_t v)
{
    struct of_table_features_list list = { NULL, 0 };
    of_table_features_encode(b, OF_T_TABLE_FEATURES_REQUEST, v, 45, &list);
}

/* Table features: every property Open vSwitch requires, with ids it
 * knows and some it does not (copy_ttl_out, an experimenter field). */
static void
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

static void
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

static void
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

static void
build_table_status(struct buf *b, uint8_t v)
{
    struct of_table_status ts = {
        OF_TABLE_STATUS_VACANCY_DOWN,
        { 1, OF_TC14_EVICTION | OF_TC14_VACANCY_EVENTS, true,
          OF_TMPEF_OTHER | OF_TMPEF_LIFETIME, true, 20, 80, 15 },
    };
    of_table_status_encode(b, v, 48, &ts);
}

static void
build_table_status_plain(struct buf *b, uint8_t v)
{
    struct of_table_status ts = { OF_TABLE_STATUS_VACANCY_UP,
                                  { .table_id = 9 } };
    of_table_status_encode(b, v, 49, &ts);
}

static void
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
/* ---------------------------------------------------------------------
 * Helpers.
 * --------------------------------------------------------------------- */

static char *
to_hex(const uint8_t *p, size_t n)
{
    char *s = xmalloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) {
        snprintf(s + 2 * i, 3, "%02x", p[i]);
    }
    s[2 * n] = '\0';
    return s;
}

/* Parses hex (spaces allowed) into B. */
static void
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
static char *
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

/* One case of check_round_trip(): decodes the body into a MODEL with
 * DECODE, re-encodes it with ENCODE (which names the model "m", the
 * received message "msg" and the output "b") and frees it with FREE. */
#define RT_CASE(MODEL, DECODE, ENCODE, FREE)   \
    {                                          \
        MODEL m;                               \
        assert_int_equal(DECODE(&msg, &m), 0); \
        ENCODE;                                \
        FREE;                                  \
        break;                                 \
    }
#define V_X msg.version, msg.xid             /* Version and xid. */
#define T_V_X msg.type, msg.version, msg.xid /* And type. */

/* Decodes MSG (LEN bytes), re-encodes its model and fails the test unless
 * the bytes come out the same. */
static void
check_round_trip(const char *name, const uint8_t *data, size_t len)
{
    struct of_msg msg;
    struct buf b;
    enum of_err err = of_msg_decode(data, len, &msg);

    if (err) {
        fail_msg("%s: of_msg_decode: %s", name, of_err_name(err));
    }
    buf_init(&b);
    /* clang-format off */
    switch (msg.type) {
    case OF_T_ECHO_REQUEST:
    case OF_T_ECHO_REPLY:
        of_echo_encode(&b, T_V_X, msg.body, msg.body_len);
        break;
    case OF_T_FEATURES_REQUEST: case OF_T_GET_CONFIG_REQUEST:
    case OF_T_DESC_REQUEST: case OF_T_BARRIER_REQUEST:
    case OF_T_BARRIER_REPLY: case OF_T_GET_ASYNC_REQUEST:
    case OF_T_TABLE_STATS_REQUEST: case OF_T_TABLE_DESC_REQUEST:
        assert_int_equal(of_switch_empty_decode(&msg), 0);
        of_switch_empty_encode(&b, T_V_X);
        break;
    case OF_T_FEATURES_REPLY:
        RT_CASE(struct of_features, of_features_reply_decode,
                of_features_reply_encode(&b, V_X, &m),
                of_features_destroy(&m));
    case OF_T_GET_CONFIG_REPLY:
    case OF_T_SET_CONFIG:
        RT_CASE(struct of_switch_config, of_switch_config_decode,
                of_switch_config_encode(&b, T_V_X, &m), (void) 0);
    case OF_T_DESC_REPLY:
        RT_CASE(struct of_desc, of_desc_reply_decode,
                of_desc_reply_encode(&b, V_X, &m), (void) 0);
    case OF_T_ROLE_REQUEST: case OF_T_ROLE_REPLY:
    case OF_T_NXT_ROLE_REQUEST: case OF_T_NXT_ROLE_REPLY:
        RT_CASE(struct of_role_msg, of_role_decode,
                of_role_encode(&b, T_V_X, &m), (void) 0);
    case OF_T_ROLE_STATUS:
        RT_CASE(struct of_role_status, of_role_status_decode,
                of_role_status_encode(&b, V_X, &m), (void) 0);
    case OF_T_GET_ASYNC_REPLY: case OF_T_SET_ASYNC:
    case OF_T_NXT_SET_ASYNC_CONFIG:
        RT_CASE(struct of_async_config, of_async_config_decode,
                of_async_config_encode(&b, T_V_X, &m), (void) 0);
    case OF_T_NXT_SET_CONTROLLER_ID: case OF_T_NXT_SET_FLOW_FORMAT:
    case OF_T_NXT_SET_PACKET_IN_FORMAT: case OF_T_NXT_FLOW_MOD_TABLE_ID:
        RT_CASE(uint32_t, of_nx_setting_decode,
                of_nx_setting_encode(&b, T_V_X, m), (void) 0);
    case OF_T_PORT_DESC_REQUEST:
        RT_CASE(uint16_t, of_port_desc_request_decode,
                of_port_desc_request_encode(&b, V_X, m), (void) 0);
    case OF_T_PORT_DESC_REPLY:
        RT_CASE(struct of_ports, of_port_desc_reply_decode,
                of_port_desc_reply_encode(&b, V_X, &m),
                of_ports_destroy(&m));
    case OF_T_PORT_STATUS:
        RT_CASE(struct of_port_status, of_port_status_decode,
                of_port_status_encode(&b, V_X, &m), (void) 0);
    case OF_T_PORT_MOD:
        RT_CASE(struct of_port_mod, of_port_mod_decode,
                of_port_mod_encode(&b, V_X, &m), (void) 0);
    case OF_T_PORT_STATS_REQUEST:
        RT_CASE(uint16_t, of_port_stats_request_decode,
                of_port_stats_request_encode(&b, V_X, m), (void) 0);
    case OF_T_PORT_STATS_REPLY:
        RT_CASE(struct of_port_stats_list, of_port_stats_reply_decode,
                of_port_stats_reply_encode(&b, V_X, &m),
                of_port_stats_list_destroy(&m));
    case OF_T_QUEUE_STATS_REQUEST: {
        uint16_t port;
        uint32_t queue;
        assert_int_equal(of_queue_stats_request_decode(&msg, &port, &queue),
                         0);
        of_queue_stats_request_encode(&b, V_X, port, queue);
        break;
    }
    case OF_T_QUEUE_STATS_REPLY:
        RT_CASE(struct of_queue_stats_list, of_queue_stats_reply_decode,
                of_queue_stats_reply_encode(&b, V_X, &m),
                of_queue_stats_list_destroy(&m));
    case OF_T_QUEUE_GET_CONFIG_REQUEST:
        RT_CASE(uint16_t, of_queue_get_config_request_decode,
                of_queue_get_config_request_encode(&b, V_X, m), (void) 0);
    case OF_T_QUEUE_GET_CONFIG_REPLY:
        RT_CASE(struct of_queue_config_reply,
                of_queue_get_config_reply_decode,
                of_queue_get_config_reply_encode(&b, V_X, &m),
                of_queue_config_reply_destroy(&m));
    case OF_T_TABLE_MOD:
        RT_CASE(struct of_table_mod, of_table_mod_decode,
                of_table_mod_encode(&b, V_X, &m), (void) 0);
    case OF_T_TABLE_DESC_REPLY: {
        struct of_table_desc *tds;
        size_t n;
        assert_int_equal(of_table_desc_reply_decode(&msg, &tds, &n), 0);
        of_table_desc_reply_encode(&b, V_X, tds, n);
        free(tds);
        break;
    }
    case OF_T_TABLE_STATUS:
        RT_CASE(struct of_table_status, of_table_status_decode,
                of_table_status_encode(&b, V_X, &m), (void) 0);
    case OF_T_TABLE_STATS_REPLY:
        RT_CASE(struct of_table_stats_list, of_table_stats_reply_decode,
                of_table_stats_reply_encode(&b, V_X, &m),
                of_table_stats_list_destroy(&m));
    case OF_T_TABLE_FEATURES_REQUEST:
    case OF_T_TABLE_FEATURES_REPLY:
        RT_CASE(struct of_table_features_list, of_table_features_decode,
                of_table_features_encode(&b, T_V_X, &m),
                of_table_features_list_destroy(&m));
    default:
        fail_msg("%s: no round trip for %s", name, of_type_name(msg.type));
    }
    /* clang-format on */
    if (b.len != len || memcmp(b.data, data, len)) {
        char *h1 = to_hex(data, len), *h2 = to_hex(b.data, b.len);
        fail_msg("%s: round trip changed the message\n  in:  %s\n  out: %s",
                 name, h1, h2);
    }
    buf_destroy(&b);
}

/* Builds sample S in version V into B. */
static void
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

static const struct sample *
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
 * Round trips of every sample in every version.
 * --------------------------------------------------------------------- */

static void
test_round_trips(void **state)
{
    struct buf b;
    int n = 0;

    (void) state;
    buf_init(&b);
    for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(versions); j++) {
            char name[80];

            if (!(samples[i].versions & OF_VBIT(versions[j]))) {
                continue;
            }
            snprintf(name, sizeof name, "%s/OF%s", samples[i].name,
                     of_version_short(versions[j]));
            build_sample(&samples[i], &b, versions[j]);
            check_round_trip(name, b.data, b.len);
            n++;
        }
    }
    assert_true(n > 150);
    buf_destroy(&b);
}

/* ---------------------------------------------------------------------
 * The golden file.
 *
 *   msg NAME VERSION HEX      our sample; the lines up to the next
 *                             record are ovs-ofctl ofp-print's text
 *   ovs NAME HEX              bytes Open vSwitch encoded; text follows
 *   hex NAME HEX              hand-written bytes; ovs-ofctl's text follows
 *   err NAME V VENDOR TYPE CODE   "ovs-ofctl print-error" (V 1-6)
 *   enc NAME HEX              "ovs-ofctl encode-error-reply NAME" of
 *                             the request hex that follows on the line
 *                             "req HEX"
 * --------------------------------------------------------------------- */

struct record {
    char kind[8];
    char name[64];
    int version;
    char *hex;
    char *req_hex;
    struct buf text;
    unsigned long vendor, type, code;
};

/* Reads the next record from F into *R; false at end of file. */
static bool
read_record(FILE *f, struct record *r, char **pending)
{
    char *line = *pending;
    size_t cap = 0;

    if (!line) {
        if (getline(&line, &cap, f) < 0) {
            free(line);
            return false;
        }
    }
    *pending = NULL;
    buf_clear(&r->text);
    free(r->hex);
    free(r->req_hex);
    r->hex = r->req_hex = NULL;
    line[strcspn(line, "\n")] = '\0';
    if (!strncmp(line, "msg ", 4)) {
        char hex[140000];
        if (sscanf(line, "msg %63s %d %139999s", r->name, &r->version, hex)
            != 3) {
            fail_msg("bad golden line: %s", line);
        }
        strcpy(r->kind, "msg");
        r->hex = xstrdup(hex);
    } else if (!strncmp(line, "ovs ", 4) || !strncmp(line, "enc ", 4)
               || !strncmp(line, "hex ", 4)) {
        char hex[140000];
        if (sscanf(line + 4, "%63s %139999s", r->name, hex) != 2) {
            fail_msg("bad golden line: %s", line);
        }
        memcpy(r->kind, line, 3);
        r->kind[3] = '\0';
        r->hex = xstrdup(hex);
    } else if (!strncmp(line, "err ", 4)) {
        strcpy(r->kind, "err");
        if (sscanf(line, "err %63s %d %lx %lu %lu", r->name, &r->version,
                   &r->vendor, &r->type, &r->code)
            != 5) {
            fail_msg("bad golden line: %s", line);
        }
    } else {
        fail_msg("bad golden line: %s", line);
    }
    free(line);

    /* The text (or request) lines until the next record. */
    for (;;) {
        char *l = NULL;
        size_t c = 0;

        if (getline(&l, &c, f) < 0) {
            free(l);
            break;
        }
        if (!strncmp(l, "msg ", 4) || !strncmp(l, "ovs ", 4)
            || !strncmp(l, "err ", 4) || !strncmp(l, "enc ", 4)
            || !strncmp(l, "hex ", 4)) {
            *pending = l;
            break;
        }
        if (!strncmp(l, "req ", 4) && !strcmp(r->kind, "enc")) {
            l[strcspn(l, "\n")] = '\0';
            r->req_hex = xstrdup(l + 4);
            free(l);
            continue;
        }
        buf_put_cstr(&r->text, l);
        free(l);
    }
    return true;
}

static void
check_msg_record(const struct record *r)
{
    const struct sample *s = find_sample(r->name);
    struct buf ours, bytes;
    enum of_err err;
    char *text;

    if (!s) {
        fail_msg("golden sample %s is not in samples[]", r->name);
    }
    buf_init(&ours);
    buf_init(&bytes);
    build_sample(s, &ours, (uint8_t) r->version);
    from_hex(&bytes, r->hex);
    if (ours.len != bytes.len || memcmp(ours.data, bytes.data, ours.len)) {
        char *h = to_hex(ours.data, ours.len);
        fail_msg("%s/%d: encoder output changed:\n  golden: %s\n  now:    %s",
                 r->name, r->version, r->hex, h);
    }
    text = print_msg(bytes.data, bytes.len, &err);
    if (!text) {
        fail_msg("%s/%d: decode error %s", r->name, r->version,
                 of_err_name(err));
        return;
    }
    if (strcmp(text, buf_cstr((struct buf *) &r->text))) {
        /* cmocka truncates long failure messages: print first. */
        fprintf(stderr, "--- ovs-ofctl\n%s--- nicflow\n%s",
                buf_cstr((struct buf *) &r->text), text);
        fail_msg("%s/%d: text differs from ovs-ofctl", r->name, r->version);
    }
    free(text);
    buf_destroy(&ours);
    buf_destroy(&bytes);
}

/* Checks the text of a received message (and, for ROUND_TRIP, that our
 * encoder reproduces it from its model). */
static void
check_ovs_record(const struct record *r, bool round_trip)
{
    struct buf bytes;
    enum of_err err;
    char *text;

    buf_init(&bytes);
    from_hex(&bytes, r->hex);
    text = print_msg(bytes.data, bytes.len, &err);
    if (!text) {
        fail_msg("%s: decode error %s", r->name, of_err_name(err));
        return;
    }
    if (strcmp(text, buf_cstr((struct buf *) &r->text))) {
        fail_msg("%s: text differs from ovs-ofctl\n--- ovs-ofctl\n%s"
                 "--- nicflow\n%s",
                 r->name, buf_cstr((struct buf *) &r->text), text);
    }
    if (round_trip) {
        check_round_trip(r->name, bytes.data, bytes.len);
    }
    free(text);
    buf_destroy(&bytes);
}

static void
check_err_record(const struct record *r)
{
    enum of_err e = of_err_from_name(r->name);
    struct of_err_wire w;

    if (e == OF_ERR_UNKNOWN) {
        fail_msg("error %s is not in the table", r->name);
    }
    assert_string_equal(of_err_name(e), r->name);
    if (!of_err_to_wire(e, (uint8_t) r->version, &w)) {
        fail_msg("%s has no form in version %d", r->name, r->version);
    }
    if (w.vendor != r->vendor || w.type != r->type || w.code != r->code) {
        fail_msg("%s in version %d: ours (%#x, %u, %u), ovs (%#lx, %lu, %lu)",
                 r->name, r->version, w.vendor, w.type, w.code, r->vendor,
                 r->type, r->code);
    }
    /* Open vSwitch sends a few errors as another's code in old versions
     * (OFPBRC_IS_SECONDARY as OFPBRC_EPERM in 1.0): decoding gives an
     * error with the same wire form. */
    {
        enum of_err back = of_err_from_wire((uint8_t) r->version, &w);
        struct of_err_wire w2;

        assert_true(of_err_to_wire(back, (uint8_t) r->version, &w2));
        assert_memory_equal(&w, &w2, sizeof w);
    }
}

static void
check_enc_record(const struct record *r)
{
    enum of_err e = of_err_from_name(r->name);
    struct buf req, want, got;
    const uint8_t *data;
    struct of_msg msg;
    enum of_err decoded;
    uint16_t type, code;
    size_t data_len;

    buf_init(&req);
    buf_init(&want);
    buf_init(&got);
    from_hex(&req, r->req_hex);
    from_hex(&want, r->hex);
    of_error_encode(&got, e, req.data[0], req.data, req.len);
    if (got.len != want.len || memcmp(got.data, want.data, got.len)) {
        char *h = to_hex(got.data, got.len);
        fail_msg("error reply %s:\n  ovs: %s\n  ours: %s", r->name, r->hex, h);
    }
    assert_int_equal(of_msg_decode(got.data, got.len, &msg), 0);
    assert_int_equal(msg.type, OF_T_ERROR);
    assert_int_equal(
        of_error_decode(&msg, &decoded, &type, &code, &data, &data_len), 0);
    if (!of_err_to_wire(e, req.data[0], &(struct of_err_wire){ 0, 0, 0 })) {
        e = OF_ERR_NXBRC_UNENCODABLE_ERROR;
    }
    {
        /* Equal, or sharing a wire form (see check_err_record()). */
        struct of_err_wire w1, w2;

        assert_true(of_err_to_wire(e, req.data[0], &w1));
        assert_true(of_err_to_wire(decoded, req.data[0], &w2));
        assert_memory_equal(&w1, &w2, sizeof w1);
    }
    assert_int_equal(data_len, req.len);
    assert_memory_equal(data, req.data, req.len);
    buf_destroy(&req);
    buf_destroy(&want);
    buf_destroy(&got);
}

static void
test_golden(void **state)
{
    FILE *f = fopen(GOLDEN, "r");
    struct record r = { 0 };
    char *pending = NULL;
    int n_msg = 0, n_ovs = 0, n_hex = 0, n_err = 0, n_enc = 0;

    (void) state;
    if (!f) {
        fail_msg("%s: %s (run from the top of the tree)", GOLDEN,
                 strerror(errno));
    }
    buf_init(&r.text);
    while (read_record(f, &r, &pending)) {
        if (!strcmp(r.kind, "msg")) {
            check_msg_record(&r);
            n_msg++;
        } else if (!strcmp(r.kind, "ovs")) {
            check_ovs_record(&r, true);
            n_ovs++;
        } else if (!strcmp(r.kind, "hex")) {
            check_ovs_record(&r, false);
            n_hex++;
        } else if (!strcmp(r.kind, "err")) {
            check_err_record(&r);
            n_err++;
        } else {
            check_enc_record(&r);
            n_enc++;
        }
    }
    fclose(f);
    free(r.hex);
    free(r.req_hex);
    buf_destroy(&r.text);
    print_message("golden: %d samples, %d from ovs, %d hand-written, %d "
                  "error codes, %d error replies\n",
                  n_msg, n_ovs, n_hex, n_err, n_enc);
    assert_true(n_msg > 150);
    assert_true(n_err > 600);
}

/* ---------------------------------------------------------------------
 * Models: decoded fields, beyond the byte round trip.
 * --------------------------------------------------------------------- */

static void
decode_sample(const char *name, uint8_t v, struct buf *b, struct of_msg *m)
{
    build_sample(find_sample(name), b, v);
    assert_int_equal(of_msg_decode(b->data, b->len, m), 0);
}

static void
test_models(void **state)
{
    struct of_features f;
    struct of_port_stats_list ps;
    struct of_ports ports;
    struct of_msg m;
    struct buf b;

    (void) state;
    buf_init(&b);

    /* OpenFlow 1.0 ports carry no speeds: they come from the features. */
    decode_sample("features_reply", OF_V10, &b, &m);
    assert_int_equal(of_features_reply_decode(&m, &f), 0);
    assert_int_equal(f.datapath_id, 0x0000123456789abcull);
    assert_int_equal(f.ports.n, 3);
    assert_int_equal(f.ports.ports[2].port_no, 1);
    assert_int_equal(f.ports.ports[2].curr_speed, 10000000);
    assert_int_equal(f.ports.ports[2].peer, OF_PF_PAUSE);
    assert_string_equal(f.ports.ports[0].name, "a-long-name-123");
    assert_int_equal(f.auxiliary_id, 0);
    of_features_destroy(&f);

    decode_sample("features_reply", OF_V13, &b, &m);
    assert_int_equal(of_features_reply_decode(&m, &f), 0);
    assert_int_equal(f.auxiliary_id, 2);
    assert_int_equal(f.ports.n, 0);
    assert_true(f.capabilities & OF_CAP_GROUP_STATS);
    assert_false(f.capabilities & OF_CAP_STP);
    of_features_destroy(&f);

    /* 1.1+ reserved port numbers map to 1.0's. */
    decode_sample("port_desc_reply", OF_V14, &b, &m);
    assert_int_equal(of_port_desc_reply_decode(&m, &ports), 0);
    assert_int_equal(ports.n, 3);
    assert_int_equal(ports.ports[0].port_no, OF_PORT_LOCAL);
    assert_memory_equal(&ports.ports[1], &port_a, sizeof port_a);
    of_ports_destroy(&ports);

    decode_sample("port_stats_reply", OF_V14, &b, &m);
    assert_int_equal(of_port_stats_reply_decode(&m, &ps), 0);
    assert_int_equal(ps.n, 2);
    assert_int_equal(ps.stats[0].collisions, 8);
    assert_int_equal(ps.stats[0].duration_nsec, 500000000);
    assert_int_equal(ps.stats[1].port_no, OF_PORT_LOCAL);
    of_port_stats_list_destroy(&ps);

    buf_destroy(&b);
}

/* ---------------------------------------------------------------------
 * Malformed messages: a sample, edited, must decode to an exact error.
 * --------------------------------------------------------------------- */

enum edit_op {
    NOP,
    CUT,   /* Remove VAL bytes from the end. */
    ZEROS, /* Append VAL zero bytes. */
    PROP,  /* Append a property: type VAL >> 16, length VAL & 0xffff, then
            * zeros up to 8 bytes. */
    SET8,  /* Byte at OFS (from the message start) = VAL. */
    SET16,
    SET32,
    SUB16, /* 16-bit field at OFS -= VAL. */
};

struct edit {
    enum edit_op op;
    size_t ofs;
    uint32_t val;
};

/* clang-format off */
static const struct malformed {
    const char *sample;
    uint8_t version;
    struct edit edits[2];
    enum of_err want;
} malformed[] = {
    /* Fixed-size bodies, short or long. */
    {"features_request", OF_V13, {{ZEROS, 0, 8}}, OF_ERR_OFPBRC_BAD_LEN},
    {"features_reply", OF_V13, {{ZEROS, 0, 8}}, OF_ERR_OFPBRC_BAD_LEN},
    {"features_reply", OF_V10, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"get_config_reply", OF_V10, {{CUT, 0, 1}}, OF_ERR_OFPBRC_BAD_LEN},
    {"set_config", OF_V13, {{ZEROS, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"desc_reply", OF_V10, {{CUT, 0, 1}}, OF_ERR_OFPBRC_BAD_LEN},
    {"barrier_reply", OF_V14, {{ZEROS, 0, 8}}, OF_ERR_OFPBRC_BAD_LEN},
    {"role_request", OF_V13, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"nx_role_request", OF_V10, {{ZEROS, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"role_status", OF_V14, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"get_async_reply", OF_V13, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"nx_set_async", OF_V10, {{ZEROS, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"nx_controller_id", OF_V10, {{CUT, 0, 1}}, OF_ERR_OFPBRC_BAD_LEN},
    {"nx_flow_format", OF_V10, {{ZEROS, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_desc_request", OF_V13, {{ZEROS, 0, 8}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"port_desc_request", OF_V15, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_desc_reply", OF_V13, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_status", OF_V10, {{CUT, 0, 1}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_status", OF_V13, {{ZEROS, 0, 8}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_mod", OF_V10, {{ZEROS, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_mod", OF_V13, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_stats_request", OF_V13, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_stats_reply", OF_V10, {{CUT, 0, 1}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_stats_reply", OF_V13, {{ZEROS, 0, 8}}, OF_ERR_OFPBRC_BAD_LEN},
    {"queue_stats_request", OF_V10, {{ZEROS, 0, 4}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"queue_stats_reply", OF_V13, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"queue_stats_reply", OF_V14, {{ZEROS, 0, 8}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"queue_get_config_request", OF_V10, {{ZEROS, 0, 4}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"table_mod", OF_V13, {{ZEROS, 0, 8}}, OF_ERR_OFPBRC_BAD_LEN},
    {"table_stats_reply", OF_V10, {{CUT, 0, 1}}, OF_ERR_OFPBRC_BAD_LEN},
    {"table_stats_reply", OF_V13, {{ZEROS, 0, 4}},
     OF_ERR_OFPBRC_BAD_LEN},

    /* Lengths inside the body (offsets are from the message start). */
    {"port_desc_reply", OF_V14, {{SET16, 20, 39}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"port_status", OF_V14, {{SET16, 58, 28}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_status", OF_V14, {{SET16, 58, 3}}, OF_ERR_OFPBPC_BAD_LEN},
    {"port_stats_reply", OF_V14, {{SET16, 16, 0x1000}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"port_stats_reply", OF_V15, {{SET16, 98, 36}},
     OF_ERR_OFPBPC_BAD_LEN},
    {"queue_stats_reply", OF_V14, {{SET16, 16, 40}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"queue_get_config_reply", OF_V10, {{SET16, 20, 200}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"queue_get_config_reply", OF_V13, {{SET16, 34, 8}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"table_features_reply", OF_V13, {{SUB16, 16, 4}},
     OF_ERR_OFPBPC_BAD_LEN},
    {"table_features_reply", OF_V14, {{SET16, 16, 60}},
     OF_ERR_OFPBPC_BAD_LEN},

    /* Properties: too short, past the end, unknown, wrong size. */
    {"port_mod", OF_V14, {{PROP, 0, 0x20003}}, OF_ERR_OFPBPC_BAD_LEN},
    {"port_mod", OF_V15, {{PROP, 0, 0x20010}}, OF_ERR_OFPBPC_BAD_LEN},
    {"port_mod", OF_V14, {{PROP, 0, 0x12340008}},
     OF_ERR_OFPBPC_BAD_TYPE},
    {"port_mod", OF_V14, {{PROP, 0, 0x00000006}}, OF_ERR_OFPBPC_BAD_LEN},
    {"table_mod", OF_V14, {{PROP, 0, 0x20003}}, OF_ERR_OFPBPC_BAD_LEN},
    {"table_mod", OF_V14, {{PROP, 0, 0x12340008}},
     OF_ERR_OFPBRC_BAD_TYPE},
    {"table_mod", OF_V15, {{PROP, 0, 0x20006}}, OF_ERR_OFPBPC_BAD_LEN},
    {"get_async_reply", OF_V14, {{PROP, 0, 0x20010}},
     OF_ERR_OFPBPC_BAD_LEN},
    {"set_async", OF_V15, {{PROP, 0, 0x12340008}},
     OF_ERR_OFPACFC_UNSUPPORTED},
    {"set_async", OF_V14, {{SET32, 12, 0xffffffff}}, OF_ERR_OFPACFC_INVALID},
    {"get_async_reply", OF_V14, {{PROP, 0, 0x12340008}}, OF_ERR_NONE},
    {"get_async_reply", OF_V15, {{SET32, 12, 0xffffffff}}, OF_ERR_NONE},
    {"set_async", OF_V14, {{SET16, 10, 12}, {ZEROS, 0, 8}},
     OF_ERR_OFPBPC_BAD_LEN},
    {"role_status", OF_V14, {{PROP, 0, 0x20010}}, OF_ERR_OFPBPC_BAD_LEN},

    /* Bad values. */
    {"role_request", OF_V13, {{SET32, 8, 7}}, OF_ERR_OFPRRFC_BAD_ROLE},
    {"nx_role_request", OF_V10, {{SET32, 16, 3}},
     OF_ERR_OFPRRFC_BAD_ROLE},
    {"role_status", OF_V15, {{SET32, 8, 4}}, OF_ERR_OFPRRFC_BAD_ROLE},
    {"port_status", OF_V13, {{SET8, 8, 9}}, OF_ERR_NXBRC_BAD_REASON},
    {"port_status", OF_V13, {{SET32, 16, 0x00ff0000}},
     OF_ERR_OFPBAC_BAD_OUT_PORT},
    {"port_stats_request", OF_V15, {{SET32, 16, 0xfffeffff}},
     OF_ERR_OFPBAC_BAD_OUT_PORT},
    {"set_config", OF_V13, {{SET16, 8, 7}}, OF_ERR_OFPSCFC_BAD_FLAGS},
    {"nx_flow_format", OF_V10, {{SET32, 16, 1}}, OF_ERR_OFPBRC_EPERM},
    {"nx_packet_in_format", OF_V13, {{SET32, 16, 3}},
     OF_ERR_OFPBRC_EPERM},
    {"table_mod", OF_V14, {{SET8, 20, 90}}, OF_ERR_OFPBPC_BAD_VALUE},
    {"table_mod", OF_V14, {{SET8, 21, 101}}, OF_ERR_OFPBPC_BAD_VALUE},
    {"table_mod", OF_V15, {{SET8, 22, 1}}, OF_ERR_OFPBPC_BAD_VALUE},
    {"table_status", OF_V14, {{SET8, 8, 5}}, OF_ERR_OFPBPC_BAD_VALUE},
    {"table_status", OF_V15, {{SET16, 16, 7}}, OF_ERR_OFPBRC_BAD_LEN},
    {"table_status", OF_V14, {{SET16, 26, 12}}, OF_ERR_OFPBPC_BAD_LEN},
    {"table_status_plain", OF_V15, {{ZEROS, 0, 8}}, OF_ERR_OFPBRC_BAD_LEN},
    {"table_features_reply", OF_V13, {{SET8, 18, 0xff}},
     OF_ERR_OFPTFFC_BAD_TABLE},
};
/* clang-format on */
static void
apply_edit(struct buf *b, const struct edit *e)
{
    switch (e->op) {
    case NOP:
        return;
    case CUT:
        b->len -= e->val;
        break;
    case ZEROS:
        buf_put_zeros(b, e->val);
        break;
    case PROP: {
        uint8_t *p = buf_put_zeros(b, 8);
        of_put16(p, (uint16_t) (e->val >> 16));
        of_put16(p + 2, (uint16_t) e->val);
        break;
    }
    case SET8:
        b->data[e->ofs] = (uint8_t) e->val;
        break;
    case SET16:
        of_put16(b->data + e->ofs, (uint16_t) e->val);
        break;
    case SET32:
        of_put32(b->data + e->ofs, e->val);
        break;
    case SUB16:
        of_put16(b->data + e->ofs,
                 (uint16_t) (of_get16(b->data + e->ofs) - e->val));
        break;
    }
    of_put16(b->data + 2, (uint16_t) b->len);
}

static void
test_malformed(void **state)
{
    struct buf b;

    (void) state;
    buf_init(&b);
    for (size_t i = 0; i < ARRAY_SIZE(malformed); i++) {
        const struct malformed *m = &malformed[i];
        enum of_err err;
        char *text;

        build_sample(find_sample(m->sample), &b, m->version);
        for (size_t j = 0; j < ARRAY_SIZE(m->edits); j++) {
            apply_edit(&b, &m->edits[j]);
        }
        text = print_msg(b.data, b.len, &err);
        if (err != m->want) {
            fail_msg("malformed[%zu] %s/OF%s: got %s, want %s", i, m->sample,
                     of_version_short(m->version), of_err_name(err),
                     of_err_name(m->want));
        }
        free(text);
    }
    buf_destroy(&b);
}

/* of_msg_decode() itself: versions, types, lengths. */
static void
test_msg_decode(void **state)
{
    static const struct {
        const char *hex;
        enum of_err want;
    } cases[] = {
        /* Shorter than a header, and a length below 8. */
        { "0105000000", OF_ERR_OFPBRC_BAD_LEN },
        { "0105000400000001", OF_ERR_OFPBRC_BAD_LEN },
        /* Length beyond the bytes given. */
        { "0405001000000001", OF_ERR_OFPBRC_BAD_LEN },
        /* Version 1.1 and 0x07 are not spoken (features request). */
        { "0205000800000001", OF_ERR_OFPBRC_BAD_VERSION },
        { "0705000800000001", OF_ERR_OFPBRC_BAD_VERSION },
        /* Type 99, and table-mod in 1.0. */
        { "0463000800000001", OF_ERR_OFPBRC_BAD_TYPE },
        { "0116000800000001", OF_ERR_OFPBRC_BAD_TYPE },
        /* Multipart type 0x77, and the table-features one in 1.0. */
        { "0412001000000001007700000000000", OF_ERR_OFPBRC_BAD_LEN },
        { "04120010000000010077000000000000", OF_ERR_OFPBRC_BAD_MULTIPART },
        { "0110000c00000001000c0000", OF_ERR_OFPBRC_BAD_MULTIPART },
        /* Multipart header cut short. */
        { "0412000c0000000100040000", OF_ERR_OFPBRC_BAD_LEN },
        /* Experimenter 0x1234, and Nicira subtype 0x999. */
        { "0404001000000001000012340000000a", OF_ERR_OFPBRC_BAD_EXPERIMENTER },
        { "04040010000000010000232000000999", OF_ERR_OFPBRC_BAD_EXP_TYPE },
        /* Experimenter header cut short. */
        { "0404000c0000000100002320", OF_ERR_OFPBRC_BAD_LEN },
    };
    struct buf b;

    (void) state;
    buf_init(&b);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct of_msg msg;
        size_t n = strlen(cases[i].hex);
        enum of_err err;

        if (n % 2) {
            /* An odd number of digits: the message is one byte short. */
            char *h = xstrdup(cases[i].hex);
            h[n - 1] = '\0';
            from_hex(&b, h);
            free(h);
        } else {
            from_hex(&b, cases[i].hex);
        }
        err = of_msg_decode(b.data, b.len, &msg);
        if (err != cases[i].want) {
            fail_msg("%s: got %s, want %s", cases[i].hex, of_err_name(err),
                     of_err_name(cases[i].want));
        }
    }
    buf_destroy(&b);
}

/* Error names, sentences and wire forms. */
static void
test_errors(void **state)
{
    struct of_err_wire w;
    struct of_msg msg;
    struct buf b;
    enum of_err err;
    uint16_t type, code;
    const uint8_t *data;
    size_t data_len;
    static const uint8_t req[] = { 0x04, 0x0e, 0x00, 0x08,
                                   0x00, 0x00, 0x00, 0x2a };

    (void) state;
    for (int e = 1; e < OF_ERR_UNKNOWN; e++) {
        assert_int_equal(of_err_from_name(of_err_name(e)), e);
        assert_true(strlen(of_err_what(e)) > 5);
    }
    assert_string_equal(of_err_name(OF_ERR_NONE), "OFPERR_NONE");
    assert_int_equal(of_err_from_name("OFPBRC_BAD_MULTIPART"),
                     OF_ERR_OFPBRC_BAD_STAT);
    assert_int_equal(of_err_from_name("NO_SUCH_ERROR"), OF_ERR_UNKNOWN);

    /* A 1.5-only error has no 1.0 form: sent as NXBRC_UNENCODABLE_ERROR. */
    assert_false(of_err_to_wire(OF_ERR_OFPBFC_BAD_ID, OF_V10, &w));
    buf_init(&b);
    of_error_encode(&b, OF_ERR_OFPBFC_BAD_ID, OF_V10, req, sizeof req);
    assert_int_equal(of_msg_decode(b.data, b.len, &msg), 0);
    assert_int_equal(
        of_error_decode(&msg, &err, &type, &code, &data, &data_len), 0);
    assert_int_equal(err, OF_ERR_NXBRC_UNENCODABLE_ERROR);
    assert_int_equal(msg.xid, 0x2a);

    /* An unknown pair decodes as OF_ERR_UNKNOWN with its type and code. */
    from_hex(&b, "0101000c0000000100990006");
    assert_int_equal(of_msg_decode(b.data, b.len, &msg), 0);
    assert_int_equal(
        of_error_decode(&msg, &err, &type, &code, &data, &data_len), 0);
    assert_int_equal(err, OF_ERR_UNKNOWN);
    assert_int_equal(type, 0x99);
    assert_int_equal(code, 6);
    assert_int_equal(data_len, 0);

    /* Truncated vendor and experimenter errors. */
    from_hex(&b, "01010010000000010b0c200000000232");
    b.data[8] = 0xb0;
    b.data[9] = 0xc2;
    assert_int_equal(of_msg_decode(b.data, b.len, &msg), 0);
    assert_int_equal(
        of_error_decode(&msg, &err, &type, &code, &data, &data_len),
        OF_ERR_OFPBRC_BAD_LEN);
    from_hex(&b, "0401000e00000001ffff00040000");
    assert_int_equal(of_msg_decode(b.data, b.len, &msg), 0);
    assert_int_equal(
        of_error_decode(&msg, &err, &type, &code, &data, &data_len),
        OF_ERR_OFPBRC_BAD_LEN);
    from_hex(&b, "0401000a000000010001");
    assert_int_equal(of_msg_decode(b.data, b.len, &msg), 0);
    assert_int_equal(
        of_error_decode(&msg, &err, &type, &code, &data, &data_len),
        OF_ERR_OFPBRC_BAD_LEN);
    buf_destroy(&b);
}

/* With OFCTL_MSGS_EMIT=1 in the environment, prints "NAME VERSION HEX"
 * for every sample, for tests/unit/ofctl-msgs-golden.sh. */
static void
emit_samples(void)
{
    struct buf b;

    buf_init(&b);
    for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(versions); j++) {
            char *hex;

            if (!(samples[i].versions & OF_VBIT(versions[j]))) {
                continue;
            }
            build_sample(&samples[i], &b, versions[j]);
            hex = to_hex(b.data, b.len);
            printf("%s %d %s\n", samples[i].name, versions[j], hex);
            free(hex);
        }
    }
    buf_destroy(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips), cmocka_unit_test(test_golden),
        cmocka_unit_test(test_models),      cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_msg_decode),  cmocka_unit_test(test_errors),
    };

    if (getenv("OFCTL_MSGS_EMIT")) {
        emit_samples();
        return 0;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
