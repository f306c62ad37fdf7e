/* ofp-msg.c: OpenFlow message types and framing.
 *
 * One row per (message, version range) says how the message is spelled
 * on the wire: the header type, the multipart type for stats messages,
 * the experimenter id and subtype for extensions.  Identification of a
 * received message and the header of a message being built are both
 * driven by this table. */
#include <inttypes.h>
#include <string.h>

#include "ofctl/ofp.h"

/* Header types. */
enum {
    T_HELLO = 0,
    T_ERROR = 1,
    T_ECHO_REQUEST = 2,
    T_ECHO_REPLY = 3,
    T_EXPERIMENTER = 4,
    T_FEATURES_REQUEST = 5,
    T_FEATURES_REPLY = 6,
    T_GET_CONFIG_REQUEST = 7,
    T_GET_CONFIG_REPLY = 8,
    T_SET_CONFIG = 9,
    T_PACKET_IN = 10,
    T_FLOW_REMOVED = 11,
    T_PORT_STATUS = 12,
    T_PACKET_OUT = 13,
    T_FLOW_MOD = 14,
    /* OpenFlow 1.0. */
    T10_PORT_MOD = 15,
    T10_STATS_REQUEST = 16,
    T10_STATS_REPLY = 17,
    T10_BARRIER_REQUEST = 18,
    T10_BARRIER_REPLY = 19,
    T10_QUEUE_GET_CONFIG_REQUEST = 20,
    T10_QUEUE_GET_CONFIG_REPLY = 21,
    /* OpenFlow 1.1+. */
    T11_GROUP_MOD = 15,
    T11_PORT_MOD = 16,
    T11_TABLE_MOD = 17,
    T11_MULTIPART_REQUEST = 18,
    T11_MULTIPART_REPLY = 19,
    T11_BARRIER_REQUEST = 20,
    T11_BARRIER_REPLY = 21,
    T11_QUEUE_GET_CONFIG_REQUEST = 22,
    T11_QUEUE_GET_CONFIG_REPLY = 23,
    T12_ROLE_REQUEST = 24,
    T12_ROLE_REPLY = 25,
    T13_GET_ASYNC_REQUEST = 26,
    T13_GET_ASYNC_REPLY = 27,
    T13_SET_ASYNC = 28,
    T13_METER_MOD = 29,
    T14_ROLE_STATUS = 30,
    T14_TABLE_STATUS = 31,
    T14_REQUESTFORWARD = 32,
    T14_BUNDLE_CONTROL = 33,
    T14_BUNDLE_ADD = 34,
};

/* Pseudo header type for multipart rows: request or reply. */
#define MP_REQ 0x100
#define MP_REP 0x200
#define NONE (-1)

struct msg_row {
    enum of_type type;
    const char *name;
    uint8_t vmin, vmax; /* Versions the row applies to. */
    int wire_type;      /* Header type, or MP_REQ / MP_REP. */
    int mp_type;        /* Multipart type, or NONE. */
    uint32_t vendor;    /* Experimenter, or 0. */
    uint32_t subtype;   /* Experimenter subtype. */
};

#define V10 OF_V10, OF_V10
#define V11UP OF_V11, OF_V15
#define VALL OF_V10, OF_V15
#define V11_13 OF_V11, OF_V13
#define V12UP OF_V12, OF_V15
#define V13UP OF_V13, OF_V15
#define V14UP OF_V14, OF_V15
#define ROW(T, NAME, VERS, WT)               \
    {                                        \
        OF_T_##T, NAME, VERS, WT, NONE, 0, 0 \
    }
#define MP(T, NAME, VERS, RQ, MPT)          \
    {                                       \
        OF_T_##T, NAME, VERS, RQ, MPT, 0, 0 \
    }
#define NXT(T, NAME, SUB)                                             \
    {                                                                 \
        OF_T_##T, NAME, VALL, T_EXPERIMENTER, NONE, OF_VENDOR_NX, SUB \
    }
#define NXST(T, NAME, RQ, SUB)                              \
    {                                                       \
        OF_T_##T, NAME, VALL, RQ, 0xffff, OF_VENDOR_NX, SUB \
    }

/* The table.  Rows for the same type must not overlap in versions. */
static const struct msg_row rows[] = {
    ROW(HELLO, "OFPT_HELLO", VALL, T_HELLO),
    ROW(ERROR, "OFPT_ERROR", VALL, T_ERROR),
    ROW(ECHO_REQUEST, "OFPT_ECHO_REQUEST", VALL, T_ECHO_REQUEST),
    ROW(ECHO_REPLY, "OFPT_ECHO_REPLY", VALL, T_ECHO_REPLY),
    ROW(FEATURES_REQUEST, "OFPT_FEATURES_REQUEST", VALL, T_FEATURES_REQUEST),
    ROW(FEATURES_REPLY, "OFPT_FEATURES_REPLY", VALL, T_FEATURES_REPLY),
    ROW(GET_CONFIG_REQUEST, "OFPT_GET_CONFIG_REQUEST", VALL,
        T_GET_CONFIG_REQUEST),
    ROW(GET_CONFIG_REPLY, "OFPT_GET_CONFIG_REPLY", VALL, T_GET_CONFIG_REPLY),
    ROW(SET_CONFIG, "OFPT_SET_CONFIG", VALL, T_SET_CONFIG),
    ROW(PACKET_IN, "OFPT_PACKET_IN", VALL, T_PACKET_IN),
    ROW(FLOW_REMOVED, "OFPT_FLOW_REMOVED", VALL, T_FLOW_REMOVED),
    ROW(PORT_STATUS, "OFPT_PORT_STATUS", VALL, T_PORT_STATUS),
    ROW(PACKET_OUT, "OFPT_PACKET_OUT", VALL, T_PACKET_OUT),
    ROW(FLOW_MOD, "OFPT_FLOW_MOD", VALL, T_FLOW_MOD),
    ROW(GROUP_MOD, "OFPT_GROUP_MOD", V11UP, T11_GROUP_MOD),
    ROW(PORT_MOD, "OFPT_PORT_MOD", V10, T10_PORT_MOD),
    ROW(PORT_MOD, "OFPT_PORT_MOD", V11UP, T11_PORT_MOD),
    ROW(TABLE_MOD, "OFPT_TABLE_MOD", V11UP, T11_TABLE_MOD),
    ROW(BARRIER_REQUEST, "OFPT_BARRIER_REQUEST", V10, T10_BARRIER_REQUEST),
    ROW(BARRIER_REQUEST, "OFPT_BARRIER_REQUEST", V11UP, T11_BARRIER_REQUEST),
    ROW(BARRIER_REPLY, "OFPT_BARRIER_REPLY", V10, T10_BARRIER_REPLY),
    ROW(BARRIER_REPLY, "OFPT_BARRIER_REPLY", V11UP, T11_BARRIER_REPLY),
    ROW(QUEUE_GET_CONFIG_REQUEST, "OFPT_QUEUE_GET_CONFIG_REQUEST", V10,
        T10_QUEUE_GET_CONFIG_REQUEST),
    ROW(QUEUE_GET_CONFIG_REQUEST, "OFPT_QUEUE_GET_CONFIG_REQUEST", V11_13,
        T11_QUEUE_GET_CONFIG_REQUEST),
    ROW(QUEUE_GET_CONFIG_REPLY, "OFPT_QUEUE_GET_CONFIG_REPLY", V10,
        T10_QUEUE_GET_CONFIG_REPLY),
    ROW(QUEUE_GET_CONFIG_REPLY, "OFPT_QUEUE_GET_CONFIG_REPLY", V11_13,
        T11_QUEUE_GET_CONFIG_REPLY),
    ROW(ROLE_REQUEST, "OFPT_ROLE_REQUEST", V12UP, T12_ROLE_REQUEST),
    ROW(ROLE_REPLY, "OFPT_ROLE_REPLY", V12UP, T12_ROLE_REPLY),
    ROW(GET_ASYNC_REQUEST, "OFPT_GET_ASYNC_REQUEST", V13UP,
        T13_GET_ASYNC_REQUEST),
    ROW(GET_ASYNC_REPLY, "OFPT_GET_ASYNC_REPLY", V13UP, T13_GET_ASYNC_REPLY),
    ROW(SET_ASYNC, "OFPT_SET_ASYNC", V13UP, T13_SET_ASYNC),
    ROW(METER_MOD, "OFPT_METER_MOD", V13UP, T13_METER_MOD),
    ROW(ROLE_STATUS, "OFPT_ROLE_STATUS", V14UP, T14_ROLE_STATUS),
    ROW(TABLE_STATUS, "OFPT_TABLE_STATUS", V14UP, T14_TABLE_STATUS),
    ROW(REQUESTFORWARD, "OFPT_REQUESTFORWARD", V14UP, T14_REQUESTFORWARD),
    ROW(BUNDLE_CONTROL, "OFPT_BUNDLE_CONTROL", V14UP, T14_BUNDLE_CONTROL),
    ROW(BUNDLE_ADD, "OFPT_BUNDLE_ADD_MESSAGE", V14UP, T14_BUNDLE_ADD),

    MP(DESC_REQUEST, "OFPST_DESC request", VALL, MP_REQ, 0),
    MP(DESC_REPLY, "OFPST_DESC reply", VALL, MP_REP, 0),
    MP(FLOW_STATS_REQUEST, "OFPST_FLOW request", VALL, MP_REQ, 1),
    MP(FLOW_STATS_REPLY, "OFPST_FLOW reply", VALL, MP_REP, 1),
    MP(AGGREGATE_REQUEST, "OFPST_AGGREGATE request", VALL, MP_REQ, 2),
    MP(AGGREGATE_REPLY, "OFPST_AGGREGATE reply", VALL, MP_REP, 2),
    MP(TABLE_STATS_REQUEST, "OFPST_TABLE request", VALL, MP_REQ, 3),
    MP(TABLE_STATS_REPLY, "OFPST_TABLE reply", VALL, MP_REP, 3),
    MP(PORT_STATS_REQUEST, "OFPST_PORT request", VALL, MP_REQ, 4),
    MP(PORT_STATS_REPLY, "OFPST_PORT reply", VALL, MP_REP, 4),
    MP(QUEUE_STATS_REQUEST, "OFPST_QUEUE request", VALL, MP_REQ, 5),
    MP(QUEUE_STATS_REPLY, "OFPST_QUEUE reply", VALL, MP_REP, 5),
    MP(GROUP_STATS_REQUEST, "OFPST_GROUP request", V11UP, MP_REQ, 6),
    MP(GROUP_STATS_REPLY, "OFPST_GROUP reply", V11UP, MP_REP, 6),
    MP(GROUP_DESC_REQUEST, "OFPST_GROUP_DESC request", V11UP, MP_REQ, 7),
    MP(GROUP_DESC_REPLY, "OFPST_GROUP_DESC reply", V11UP, MP_REP, 7),
    MP(GROUP_FEATURES_REQUEST, "OFPST_GROUP_FEATURES request", V12UP, MP_REQ,
       8),
    MP(GROUP_FEATURES_REPLY, "OFPST_GROUP_FEATURES reply", V12UP, MP_REP, 8),
    MP(METER_STATS_REQUEST, "OFPST_METER request", V13UP, MP_REQ, 9),
    MP(METER_STATS_REPLY, "OFPST_METER reply", V13UP, MP_REP, 9),
    MP(METER_CONFIG_REQUEST, "OFPST_METER_CONFIG request", V13UP, MP_REQ, 10),
    MP(METER_CONFIG_REPLY, "OFPST_METER_CONFIG reply", V13UP, MP_REP, 10),
    MP(METER_FEATURES_REQUEST, "OFPST_METER_FEATURES request", V13UP, MP_REQ,
       11),
    MP(METER_FEATURES_REPLY, "OFPST_METER_FEATURES reply", V13UP, MP_REP, 11),
    MP(TABLE_FEATURES_REQUEST, "OFPST_TABLE_FEATURES request", V13UP, MP_REQ,
       12),
    MP(TABLE_FEATURES_REPLY, "OFPST_TABLE_FEATURES reply", V13UP, MP_REP, 12),
    MP(PORT_DESC_REQUEST, "OFPST_PORT_DESC request", V13UP, MP_REQ, 13),
    MP(PORT_DESC_REPLY, "OFPST_PORT_DESC reply", V13UP, MP_REP, 13),
    MP(TABLE_DESC_REQUEST, "OFPST_TABLE_DESC request", V14UP, MP_REQ, 14),
    MP(TABLE_DESC_REPLY, "OFPST_TABLE_DESC reply", V14UP, MP_REP, 14),
    /* OpenFlow 1.0 has no port-desc request; Open vSwitch answers one
     * sent as stats type 13 anyway (ovs-ofctl dump-ports-desc with 1.0). */
    MP(PORT_DESC_REQUEST, "OFPST_PORT_DESC request", V10, MP_REQ, 13),
    MP(PORT_DESC_REPLY, "OFPST_PORT_DESC reply", V10, MP_REP, 13),
    MP(FLOW_MONITOR_REQUEST, "OFPST_FLOW_MONITOR request", V14UP, MP_REQ, 16),
    MP(FLOW_MONITOR_REPLY, "OFPST_FLOW_MONITOR reply", V14UP, MP_REP, 16),

    NXT(NXT_ROLE_REQUEST, "NXT_ROLE_REQUEST", 10),
    NXT(NXT_ROLE_REPLY, "NXT_ROLE_REPLY", 11),
    /* Open vSwitch takes NXT_SET_FLOW_FORMAT in OpenFlow 1.0 only. */
    { OF_T_NXT_SET_FLOW_FORMAT, "NXT_SET_FLOW_FORMAT", V10, T_EXPERIMENTER,
      NONE, OF_VENDOR_NX, 12 },
    NXT(NXT_FLOW_MOD, "NXT_FLOW_MOD", 13),
    NXT(NXT_FLOW_REMOVED, "NXT_FLOW_REMOVED", 14),
    NXT(NXT_FLOW_MOD_TABLE_ID, "NXT_FLOW_MOD_TABLE_ID", 15),
    NXT(NXT_SET_PACKET_IN_FORMAT, "NXT_SET_PACKET_IN_FORMAT", 16),
    NXT(NXT_PACKET_IN, "NXT_PACKET_IN", 17),
    NXT(NXT_SET_ASYNC_CONFIG, "NXT_SET_ASYNC_CONFIG", 19),
    NXT(NXT_SET_CONTROLLER_ID, "NXT_SET_CONTROLLER_ID", 20),
    NXT(NXT_FLOW_MONITOR_CANCEL, "NXT_FLOW_MONITOR_CANCEL", 21),
    NXT(NXT_FLOW_MONITOR_PAUSED, "NXT_FLOW_MONITOR_PAUSED", 22),
    NXT(NXT_FLOW_MONITOR_RESUMED, "NXT_FLOW_MONITOR_RESUMED", 23),
    NXT(NXT_TLV_TABLE_MOD, "NXT_TLV_TABLE_MOD", 24),
    NXT(NXT_TLV_TABLE_REQUEST, "NXT_TLV_TABLE_REQUEST", 25),
    NXT(NXT_TLV_TABLE_REPLY, "NXT_TLV_TABLE_REPLY", 26),
    NXT(NXT_PACKET_IN2, "NXT_PACKET_IN2", 30),
    NXST(NXST_FLOW_REQUEST, "NXST_FLOW request", MP_REQ, 0),
    NXST(NXST_FLOW_REPLY, "NXST_FLOW reply", MP_REP, 0),
    NXST(NXST_AGGREGATE_REQUEST, "NXST_AGGREGATE request", MP_REQ, 1),
    NXST(NXST_AGGREGATE_REPLY, "NXST_AGGREGATE reply", MP_REP, 1),
    NXST(NXST_FLOW_MONITOR_REQUEST, "NXST_FLOW_MONITOR request", MP_REQ, 2),
    NXST(NXST_FLOW_MONITOR_REPLY, "NXST_FLOW_MONITOR reply", MP_REP, 2),
    { OF_T_ONFT_BUNDLE_CONTROL, "ONFT_BUNDLE_CONTROL", OF_V13, OF_V13,
      T_EXPERIMENTER, NONE, OF_VENDOR_ONF, 2300 },
    { OF_T_ONFT_BUNDLE_ADD, "ONFT_BUNDLE_ADD_MESSAGE", OF_V13, OF_V13,
      T_EXPERIMENTER, NONE, OF_VENDOR_ONF, 2301 },
};
#define N_ROWS (sizeof rows / sizeof *rows)

static const struct msg_row *
row_for(enum of_type type, uint8_t version)
{
    for (size_t i = 0; i < N_ROWS; i++) {
        if (rows[i].type == type && version >= rows[i].vmin
            && version <= rows[i].vmax) {
            return &rows[i];
        }
    }
    return NULL;
}

const char *
of_type_name(enum of_type type)
{
    for (size_t i = 0; i < N_ROWS; i++) {
        if (rows[i].type == type) {
            return rows[i].name;
        }
    }
    return "unknown message";
}

bool
of_type_exists(enum of_type type, uint8_t version)
{
    return row_for(type, version) != NULL;
}

bool
of_type_is_multipart(enum of_type type)
{
    for (size_t i = 0; i < N_ROWS; i++) {
        if (rows[i].type == type) {
            return rows[i].mp_type != NONE;
        }
    }
    return false;
}

enum of_type
of_type_reply(enum of_type type)
{
    static const struct {
        enum of_type req, rep;
    } pairs[] = {
        { OF_T_ECHO_REQUEST, OF_T_ECHO_REPLY },
        { OF_T_FEATURES_REQUEST, OF_T_FEATURES_REPLY },
        { OF_T_GET_CONFIG_REQUEST, OF_T_GET_CONFIG_REPLY },
        { OF_T_BARRIER_REQUEST, OF_T_BARRIER_REPLY },
        { OF_T_QUEUE_GET_CONFIG_REQUEST, OF_T_QUEUE_GET_CONFIG_REPLY },
        { OF_T_ROLE_REQUEST, OF_T_ROLE_REPLY },
        { OF_T_GET_ASYNC_REQUEST, OF_T_GET_ASYNC_REPLY },
        { OF_T_DESC_REQUEST, OF_T_DESC_REPLY },
        { OF_T_FLOW_STATS_REQUEST, OF_T_FLOW_STATS_REPLY },
        { OF_T_AGGREGATE_REQUEST, OF_T_AGGREGATE_REPLY },
        { OF_T_TABLE_STATS_REQUEST, OF_T_TABLE_STATS_REPLY },
        { OF_T_PORT_STATS_REQUEST, OF_T_PORT_STATS_REPLY },
        { OF_T_QUEUE_STATS_REQUEST, OF_T_QUEUE_STATS_REPLY },
        { OF_T_GROUP_STATS_REQUEST, OF_T_GROUP_STATS_REPLY },
        { OF_T_GROUP_DESC_REQUEST, OF_T_GROUP_DESC_REPLY },
        { OF_T_GROUP_FEATURES_REQUEST, OF_T_GROUP_FEATURES_REPLY },
        { OF_T_METER_STATS_REQUEST, OF_T_METER_STATS_REPLY },
        { OF_T_METER_CONFIG_REQUEST, OF_T_METER_CONFIG_REPLY },
        { OF_T_METER_FEATURES_REQUEST, OF_T_METER_FEATURES_REPLY },
        { OF_T_TABLE_FEATURES_REQUEST, OF_T_TABLE_FEATURES_REPLY },
        { OF_T_PORT_DESC_REQUEST, OF_T_PORT_DESC_REPLY },
        { OF_T_TABLE_DESC_REQUEST, OF_T_TABLE_DESC_REPLY },
        { OF_T_FLOW_MONITOR_REQUEST, OF_T_FLOW_MONITOR_REPLY },
        { OF_T_NXT_ROLE_REQUEST, OF_T_NXT_ROLE_REPLY },
        { OF_T_NXST_FLOW_REQUEST, OF_T_NXST_FLOW_REPLY },
        { OF_T_NXST_AGGREGATE_REQUEST, OF_T_NXST_AGGREGATE_REPLY },
        { OF_T_NXST_FLOW_MONITOR_REQUEST, OF_T_NXST_FLOW_MONITOR_REPLY },
        { OF_T_NXT_TLV_TABLE_REQUEST, OF_T_NXT_TLV_TABLE_REPLY },
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        if (pairs[i].req == type) {
            return pairs[i].rep;
        }
    }
    return OF_N_TYPES;
}

/* Multipart header sizes: OpenFlow 1.0 has type and flags (4 bytes),
 * 1.1+ adds 4 bytes of padding. */
static size_t
mp_header_len(uint8_t version)
{
    return version == OF_V10 ? 12 : 16;
}

static int
mp_wire_type(uint8_t version, bool reply)
{
    if (version == OF_V10) {
        return reply ? T10_STATS_REPLY : T10_STATS_REQUEST;
    }
    return reply ? T11_MULTIPART_REPLY : T11_MULTIPART_REQUEST;
}

size_t
of_msg_body_offset(enum of_type type, uint8_t version)
{
    const struct msg_row *r = row_for(type, version);

    if (!r) {
        return sizeof(struct of_header);
    }
    if (r->mp_type != NONE) {
        size_t n = mp_header_len(version);
        /* Experimenter stats: experimenter id and subtype, and in 1.0
         * Nicira adds 4 bytes of padding after the subtype. */
        if (r->vendor) {
            n += version == OF_V10 ? 12 : 8;
        }
        return n;
    }
    return r->vendor ? 16 : sizeof(struct of_header);
}

static bool
version_known(uint8_t v)
{
    return v < 32 && (OF_VERSIONS_SUPPORTED & OF_VBIT(v));
}

enum of_err
of_msg_decode(const void *data, size_t len, struct of_msg *msg)
{
    const uint8_t *p = data;
    const struct msg_row *found = NULL;
    uint16_t length;
    uint8_t version, wt;

    if (len < sizeof(struct of_header)) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    version = p[0];
    wt = p[1];
    length = of_get16(p + 2);
    if (length < sizeof(struct of_header) || length > len) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }

    memset(msg, 0, sizeof *msg);
    msg->version = version;
    msg->xid = of_get32(p + 4);
    msg->data = p;
    msg->len = length;

    /* Hello, error and echo are understood in any version: negotiation
     * and keepalives must work before (or without) agreement. */
    if (wt <= T_ECHO_REPLY) {
        static const enum of_type early[] = { OF_T_HELLO, OF_T_ERROR,
                                              OF_T_ECHO_REQUEST,
                                              OF_T_ECHO_REPLY };
        msg->type = early[wt];
        msg->body = p + 8;
        msg->body_len = length - 8;
        return 0;
    }
    if (!version_known(version)) {
        return OF_ERR_OFPBRC_BAD_VERSION;
    }

    bool is_mp = (wt == mp_wire_type(version, false)
                  || wt == mp_wire_type(version, true));
    if (is_mp) {
        size_t hl = mp_header_len(version);
        bool reply = wt == mp_wire_type(version, true);
        uint16_t mpt;

        if (length < hl) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        mpt = of_get16(p + 8);
        msg->mp_flags = of_get16(p + 10);
        if (mpt == 0xffff) {
            uint32_t vendor, sub;
            size_t need = hl + (version == OF_V10 ? 12 : 8);

            if (length < hl + 4) {
                return OF_ERR_OFPBRC_BAD_LEN;
            }
            vendor = of_get32(p + hl);
            if (vendor != OF_VENDOR_NX) {
                return OF_ERR_OFPBRC_BAD_EXPERIMENTER;
            }
            if (length < need) {
                return OF_ERR_OFPBRC_BAD_LEN;
            }
            sub = of_get32(p + hl + 4);
            for (size_t i = 0; i < N_ROWS && !found; i++) {
                const struct msg_row *r = &rows[i];
                if (r->mp_type == 0xffff && r->vendor == vendor
                    && r->subtype == sub
                    && r->wire_type == (reply ? MP_REP : MP_REQ)
                    && version >= r->vmin && version <= r->vmax) {
                    found = r;
                }
            }
            if (!found) {
                return OF_ERR_OFPBRC_BAD_EXP_TYPE;
            }
            msg->body = p + need;
            msg->body_len = length - need;
        } else {
            for (size_t i = 0; i < N_ROWS && !found; i++) {
                const struct msg_row *r = &rows[i];
                if (r->mp_type == mpt && !r->vendor
                    && r->wire_type == (reply ? MP_REP : MP_REQ)
                    && version >= r->vmin && version <= r->vmax) {
                    found = r;
                }
            }
            if (!found) {
                return OF_ERR_OFPBRC_BAD_MULTIPART;
            }
            msg->body = p + hl;
            msg->body_len = length - hl;
        }
    } else if (wt == T_EXPERIMENTER) {
        uint32_t vendor, sub;

        if (length < 16) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        vendor = of_get32(p + 8);
        sub = of_get32(p + 12);
        if (vendor != OF_VENDOR_NX && vendor != OF_VENDOR_ONF) {
            return OF_ERR_OFPBRC_BAD_EXPERIMENTER;
        }
        for (size_t i = 0; i < N_ROWS && !found; i++) {
            const struct msg_row *r = &rows[i];
            if (r->wire_type == T_EXPERIMENTER && r->vendor == vendor
                && r->subtype == sub && version >= r->vmin
                && version <= r->vmax) {
                found = r;
            }
        }
        if (!found) {
            return OF_ERR_OFPBRC_BAD_EXP_TYPE;
        }
        msg->body = p + 16;
        msg->body_len = length - 16;
    } else {
        for (size_t i = 0; i < N_ROWS && !found; i++) {
            const struct msg_row *r = &rows[i];
            if (r->wire_type == wt && r->mp_type == NONE && !r->vendor
                && version >= r->vmin && version <= r->vmax) {
                found = r;
            }
        }
        if (!found) {
            return OF_ERR_OFPBRC_BAD_TYPE;
        }
        msg->body = p + 8;
        msg->body_len = length - 8;
    }
    msg->type = found->type;
    return 0;
}

void
of_msg_start(struct buf *b, enum of_type type, uint8_t version, uint32_t xid)
{
    const struct msg_row *r = row_for(type, version);
    uint8_t *h;

    if (!r) {
        nf_abort("%s does not exist in OpenFlow %s", of_type_name(type),
                 of_version_short(version));
    }
    buf_clear(b);
    h = buf_put_zeros(b, 8);
    h[0] = version;
    of_put32(h + 4, xid);
    if (r->mp_type != NONE) {
        h[1] = (uint8_t) mp_wire_type(version, r->wire_type == MP_REP);
        of_buf_put16(b, (uint16_t) r->mp_type);
        of_buf_put16(b, 0);
        if (version != OF_V10) {
            of_buf_put32(b, 0);
        }
        if (r->vendor) {
            of_buf_put32(b, r->vendor);
            of_buf_put32(b, r->subtype);
            if (version == OF_V10) {
                of_buf_put32(b, 0);
            }
        }
    } else {
        h[1] = (uint8_t) r->wire_type;
        if (r->vendor) {
            of_buf_put32(b, r->vendor);
            of_buf_put32(b, r->subtype);
        }
    }
}

void
of_msg_finish(struct buf *b)
{
    if (b->len > OF_MSG_MAX) {
        nf_abort("OpenFlow message of %zu bytes is too long", b->len);
    }
    of_put16(b->data + 2, (uint16_t) b->len);
}

void
of_msg_set_mp_flags(struct buf *b, uint16_t flags)
{
    of_put16(b->data + 10, flags);
}

uint32_t
of_next_xid(void)
{
    static uint32_t xid = 1;
    return xid++;
}

/* ---------------------------------------------------------------------
 * Hello.
 * --------------------------------------------------------------------- */

#define HELLO_ELEM_VERSIONBITMAP 1

void
of_hello_encode(struct buf *b, uint32_t bitmap, uint32_t xid)
{
    uint8_t high = of_versions_highest(bitmap);
    uint8_t *h;

    buf_clear(b);
    h = buf_put_zeros(b, 8);
    h[0] = high;
    h[1] = T_HELLO;
    of_put32(h + 4, xid);

    /* A single version needs no bitmap; OpenFlow 1.0 peers do not know
     * elements at all, so a hello whose highest version is 1.0 has none
     * either. */
    if (high > OF_V10 && (bitmap & (bitmap - 1))) {
        of_buf_put16(b, HELLO_ELEM_VERSIONBITMAP);
        of_buf_put16(b, 8);
        of_buf_put32(b, bitmap);
    }
    of_msg_finish(b);
}

uint32_t
of_hello_decode(const struct of_msg *msg)
{
    struct of_cursor c;

    of_cursor_init(&c, msg->body, msg->body_len);
    while (c.left >= 4) {
        const uint8_t *e = of_cursor_peek(&c, 4);
        uint16_t type = of_get16(e);
        uint16_t len = of_get16(e + 2);
        size_t padded = (len + 7u) / 8 * 8;

        if (len < 4 || padded > c.left) {
            /* A malformed element: ignore the rest, use the header. */
            break;
        }
        if (type == HELLO_ELEM_VERSIONBITMAP && len >= 8) {
            return of_get32(e + 4);
        }
        of_cursor_pull(&c, padded);
    }
    if (msg->version >= 31) {
        return 0xfffffffe;
    }
    /* Every version from 1.0 up to the header's. */
    return (OF_VBIT(msg->version) << 1) - 2;
}

uint8_t
of_hello_negotiate(uint32_t ours, uint32_t theirs)
{
    return of_versions_highest(ours & theirs);
}

void
of_msg_format_header(const struct of_msg *m, struct buf *b)
{
    buf_put_cstr(b, of_type_name(m->type));
    if (m->version != OF_V10) {
        buf_printf(b, " (OF%s)", of_version_short(m->version));
    }
    buf_printf(b, " (xid=0x%" PRIx32 "):", m->xid);
    if (m->mp_flags & OF_MP_MORE) {
        buf_put_cstr(b, " flags=[more]");
    }
}
