/* ofp-switch.c: OpenFlow switch-level messages (see ofp-switch.h).
 *
 * Layouts follow the OpenFlow 1.0-1.5 specifications and Open vSwitch's
 * Nicira extensions; printed text follows Open vSwitch 3.1's ovs-ofctl,
 * checked by tests/unit/test-ofctl-msgs.c. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofctl/ofp-switch.h"

/* ---------------------------------------------------------------------
 * Properties (OpenFlow 1.4+) and arrays, for every codec (declared in
 * ofp-port.h).
 * --------------------------------------------------------------------- */

enum of_err
of_prop_pull(struct of_cursor *c, uint16_t *type, struct of_cursor *body)
{
    const uint8_t *h = of_cursor_peek(c, 4);
    size_t len;

    if (!h) {
        return OF_ERR_OFPBPC_BAD_LEN;
    }
    len = of_get16(h + 2);
    if (len < 4 || of_prop_padded(len) > c->left) {
        return OF_ERR_OFPBPC_BAD_LEN;
    }
    *type = of_get16(h);
    of_cursor_init(body, h + 4, len - 4);
    of_cursor_pull(c, of_prop_padded(len));
    return 0;
}

size_t
of_prop_start(struct buf *b, uint16_t type)
{
    size_t start = b->len;
    of_buf_put16(b, type);
    of_buf_put16(b, 0);
    return start;
}

void
of_prop_end(struct buf *b, size_t start)
{
    of_put16(b->data + start + 2, (uint16_t) (b->len - start));
    of_buf_pad8(b, start);
}

void *
of_array_grow(void *array, size_t n, size_t *cap, size_t elem_size)
{
    if (n < *cap) {
        return array;
    }
    *cap = *cap ? *cap * 2 : 8;
    return xrealloc(array, *cap * elem_size);
}

/* ---------------------------------------------------------------------
 * Messages without a body.
 * --------------------------------------------------------------------- */

void
of_switch_empty_encode(struct buf *b, enum of_type type, uint8_t version,
                       uint32_t xid)
{
    of_msg_start(b, type, version, xid);
    of_msg_finish(b);
}

enum of_err
of_switch_empty_decode(const struct of_msg *msg)
{
    return msg->body_len ? OF_ERR_OFPBRC_BAD_LEN : 0;
}

/* ---------------------------------------------------------------------
 * Echo.
 * --------------------------------------------------------------------- */

void
of_echo_encode(struct buf *b, enum of_type type, uint8_t version, uint32_t xid,
               const void *data, size_t len)
{
    of_msg_start(b, type, version, xid);
    buf_put(b, data, len);
    of_msg_finish(b);
}

void
of_echo_reply_for(struct buf *b, const struct of_msg *request)
{
    of_echo_encode(b, OF_T_ECHO_REPLY, request->version, request->xid,
                   request->body, request->body_len);
}

void
of_hex_dump(struct buf *b, const void *data_, size_t len)
{
    const uint8_t *data = data_;

    for (size_t ofs = 0; ofs < len; ofs += 16) {
        size_t n = len - ofs < 16 ? len - ofs : 16;

        buf_printf(b, "%08zx  ", ofs);
        for (size_t i = 0; i < 16; i++) {
            if (i < n) {
                buf_printf(b, "%02x%c", data[ofs + i], i == 7 ? '-' : ' ');
            } else {
                buf_put_cstr(b, "   ");
            }
        }
        buf_put_char(b, '|');
        for (size_t i = 0; i < 16; i++) {
            uint8_t c = i < n ? data[ofs + i] : ' ';
            buf_put_char(b, c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
        buf_put_cstr(b, "|\n");
    }
}

void
of_echo_format(struct buf *b, const uint8_t *data, size_t len)
{
    buf_printf(b, " %zu bytes of payload\n", len);
    of_hex_dump(b, data, len);
}

/* ---------------------------------------------------------------------
 * Features.
 * --------------------------------------------------------------------- */

#define FEATURES_LEN 24

/* Wire capability bits that differ between versions. */
#define CAP10_STP (1u << 3)
#define CAP11_GROUP_STATS (1u << 3)
#define CAP_COMMON 0x67u /* Flow, table, port stats, IP reasm, queues. */
#define CAP10_ARP_MATCH_IP (1u << 7)
#define CAP12_PORT_BLOCKED (1u << 8)
#define CAP14_BUNDLES_MONITORING (3u << 9) /* Bundles, flow monitoring. */

static uint32_t
caps_from_wire(uint8_t version, uint32_t w)
{
    uint32_t caps = w & CAP_COMMON;

    if (version == OF_V10) {
        caps |= w & (CAP10_STP | CAP10_ARP_MATCH_IP);
    } else {
        caps |= w & CAP11_GROUP_STATS ? OF_CAP_GROUP_STATS : 0;
        caps |= w & CAP12_PORT_BLOCKED;
        if (version >= OF_V14) {
            caps |= w & CAP14_BUNDLES_MONITORING;
        }
    }
    return caps;
}

static uint32_t
caps_to_wire(uint8_t version, uint32_t caps)
{
    uint32_t w = caps & CAP_COMMON;

    if (version == OF_V10) {
        w |= caps & (OF_CAP_STP | OF_CAP_ARP_MATCH_IP);
    } else {
        w |= caps & OF_CAP_GROUP_STATS ? CAP11_GROUP_STATS : 0;
        w |= caps & OF_CAP_PORT_BLOCKED;
        if (version >= OF_V14) {
            w |= caps & CAP14_BUNDLES_MONITORING;
        }
    }
    return w;
}

void
of_features_reply_encode(struct buf *b, uint8_t version, uint32_t xid,
                         const struct of_features *f)
{
    of_msg_start(b, OF_T_FEATURES_REPLY, version, xid);
    of_buf_put64(b, f->datapath_id);
    of_buf_put32(b, f->n_buffers);
    buf_put_u8(b, f->n_tables);
    buf_put_u8(b, version >= OF_V13 ? f->auxiliary_id : 0);
    of_buf_put16(b, 0);
    of_buf_put32(b, caps_to_wire(version, f->capabilities));
    of_buf_put32(b, version == OF_V10 ? f->actions & OF_ACT10_ALL : 0);
    if (version == OF_V10) {
        for (size_t i = 0; i < f->ports.n; i++) {
            of_port_put(b, version, &f->ports.ports[i]);
        }
    }
    of_msg_finish(b);
}

enum of_err
of_features_reply_decode(const struct of_msg *msg, struct of_features *f)
{
    const uint8_t *p = msg->body;
    struct of_cursor c;

    memset(f, 0, sizeof *f);
    if (msg->body_len < FEATURES_LEN
        || (msg->version >= OF_V13 && msg->body_len != FEATURES_LEN)) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    f->datapath_id = of_get64(p);
    f->n_buffers = of_get32(p + 8);
    f->n_tables = p[12];
    f->auxiliary_id = msg->version >= OF_V13 ? p[13] : 0;
    f->capabilities = caps_from_wire(msg->version, of_get32(p + 16));
    if (msg->version == OF_V10) {
        f->actions = of_get32(p + 20) & OF_ACT10_ALL;
    }
    /* OpenFlow 1.0 lists the ports; each must be whole. */
    of_cursor_init(&c, p + FEATURES_LEN, msg->body_len - FEATURES_LEN);
    if (c.left % 48) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    return of_ports_pull(&c, msg->version, &f->ports);
}

void
of_features_destroy(struct of_features *f)
{
    of_ports_destroy(&f->ports);
}

struct bit_name {
    uint32_t bit;
    const char *name;
};

static const struct bit_name cap_names[] = {
    { OF_CAP_FLOW_STATS, "FLOW_STATS" },
    { OF_CAP_TABLE_STATS, "TABLE_STATS" },
    { OF_CAP_PORT_STATS, "PORT_STATS" },
    { OF_CAP_STP, "STP" },
    { OF_CAP_GROUP_STATS, "GROUP_STATS" },
    { OF_CAP_IP_REASM, "IP_REASM" },
    { OF_CAP_QUEUE_STATS, "QUEUE_STATS" },
    { OF_CAP_ARP_MATCH_IP, "ARP_MATCH_IP" },
    { OF_CAP_PORT_BLOCKED, "PORT_BLOCKED" },
    { OF_CAP_BUNDLES, "BUNDLES" },
    { OF_CAP_FLOW_MONITORING, "FLOW_MONITORING" },
};

/* In the order ovs-ofctl prints them (its action order, not bit order). */
static const struct bit_name action10_names[] = {
    { OF_ACT10_OUTPUT, "output" },
    { OF_ACT10_ENQUEUE, "enqueue" },
    { OF_ACT10_SET_VLAN_VID, "set_vlan_vid" },
    { OF_ACT10_SET_VLAN_PCP, "set_vlan_pcp" },
    { OF_ACT10_STRIP_VLAN, "strip_vlan" },
    { OF_ACT10_SET_DL_SRC, "mod_dl_src" },
    { OF_ACT10_SET_DL_DST, "mod_dl_dst" },
    { OF_ACT10_SET_NW_SRC, "mod_nw_src" },
    { OF_ACT10_SET_NW_DST, "mod_nw_dst" },
    { OF_ACT10_SET_NW_TOS, "mod_nw_tos" },
    { OF_ACT10_SET_TP_SRC, "mod_tp_src" },
    { OF_ACT10_SET_TP_DST, "mod_tp_dst" },
};

/* Appends the names of BITS' bits separated by spaces ("0" if none). */
static void
format_bits(struct buf *b, uint32_t bits, const struct bit_name *names,
            size_t n)
{
    bool first = true;

    if (!bits) {
        buf_put_char(b, '0');
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (bits & names[i].bit) {
            buf_printf(b, "%s%s", first ? "" : " ", names[i].name);
            first = false;
        }
    }
}

void
of_features_reply_format(struct buf *b, uint8_t version,
                         const struct of_features *f)
{
    buf_printf(b, " dpid:%016" PRIx64 "\n", f->datapath_id);
    buf_printf(b, "n_tables:%u, n_buffers:%" PRIu32, f->n_tables,
               f->n_buffers);
    if (f->auxiliary_id) {
        buf_printf(b, ", auxiliary_id:%u", f->auxiliary_id);
    }
    buf_put_cstr(b, "\ncapabilities: ");
    format_bits(b, f->capabilities, cap_names, ARRAY_SIZE(cap_names));
    buf_put_char(b, '\n');
    if (version == OF_V10 && f->actions) {
        buf_put_cstr(b, "actions: ");
        format_bits(b, f->actions, action10_names, ARRAY_SIZE(action10_names));
        buf_put_char(b, '\n');
    }
    of_ports_format(b, &f->ports);
}

/* ---------------------------------------------------------------------
 * Switch configuration.
 * --------------------------------------------------------------------- */

void
of_switch_config_encode(struct buf *b, enum of_type type, uint8_t version,
                        uint32_t xid, const struct of_switch_config *sc)
{
    of_msg_start(b, type, version, xid);
    of_buf_put16(b, sc->flags);
    of_buf_put16(b, sc->miss_send_len);
    of_msg_finish(b);
}

enum of_err
of_switch_config_decode(const struct of_msg *msg, struct of_switch_config *sc)
{
    uint16_t valid = OF_CONFIG_FRAG_MASK;

    if (msg->body_len != 4) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    sc->flags = of_get16(msg->body);
    sc->miss_send_len = of_get16(msg->body + 2);
    if (msg->version == OF_V10) {
        valid |= OF_CONFIG_INVALID_TTL_TO_CONTROLLER;
    }
    return sc->flags & ~valid ? OF_ERR_OFPSCFC_BAD_FLAGS : 0;
}

void
of_switch_config_format(struct buf *b, const struct of_switch_config *sc)
{
    static const char *const frags[] = { "normal", "drop", "reassemble",
                                         "nx-match" };

    buf_printf(b, " frags=%s", frags[sc->flags & OF_CONFIG_FRAG_MASK]);
    if (sc->flags & OF_CONFIG_INVALID_TTL_TO_CONTROLLER) {
        buf_put_cstr(b, " invalid_ttl_to_controller");
    }
    buf_printf(b, " miss_send_len=%u", sc->miss_send_len);
}

/* ---------------------------------------------------------------------
 * Description.
 * --------------------------------------------------------------------- */

#define DESC_STR_LEN 256
#define SERIAL_NUM_LEN 32
#define DESC_LEN (4 * DESC_STR_LEN + SERIAL_NUM_LEN)

static void
put_str(struct buf *b, const char *s, size_t width)
{
    size_t n = strnlen(s, width - 1);

    buf_put(b, s, n);
    buf_put_zeros(b, width - n);
}

static const uint8_t *
get_str(char *dst, const uint8_t *p, size_t width)
{
    memcpy(dst, p, width);
    dst[width] = '\0';
    return p + width;
}

void
of_desc_reply_encode(struct buf *b, uint8_t version, uint32_t xid,
                     const struct of_desc *d)
{
    of_msg_start(b, OF_T_DESC_REPLY, version, xid);
    put_str(b, d->mfr_desc, DESC_STR_LEN);
    put_str(b, d->hw_desc, DESC_STR_LEN);
    put_str(b, d->sw_desc, DESC_STR_LEN);
    put_str(b, d->serial_num, SERIAL_NUM_LEN);
    put_str(b, d->dp_desc, DESC_STR_LEN);
    of_msg_finish(b);
}

enum of_err
of_desc_reply_decode(const struct of_msg *msg, struct of_desc *d)
{
    const uint8_t *p = msg->body;

    if (msg->body_len != DESC_LEN) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    p = get_str(d->mfr_desc, p, DESC_STR_LEN);
    p = get_str(d->hw_desc, p, DESC_STR_LEN);
    p = get_str(d->sw_desc, p, DESC_STR_LEN);
    p = get_str(d->serial_num, p, SERIAL_NUM_LEN);
    get_str(d->dp_desc, p, DESC_STR_LEN);
    return 0;
}

void
of_desc_reply_format(struct buf *b, const struct of_desc *d)
{
    buf_printf(b,
               "\nManufacturer: %s\nHardware: %s\nSoftware: %s\n"
               "Serial Num: %s\nDP Description: %s\n",
               d->mfr_desc, d->hw_desc, d->sw_desc, d->serial_num, d->dp_desc);
}

/* ---------------------------------------------------------------------
 * Roles.
 * --------------------------------------------------------------------- */

/* Nicira roles: other (= equal), master, slave. */
#define NX_ROLE_OTHER 0
#define NX_ROLE_MASTER 1
#define NX_ROLE_SLAVE 2

static bool
is_nx_role(enum of_type type)
{
    return type == OF_T_NXT_ROLE_REQUEST || type == OF_T_NXT_ROLE_REPLY;
}

void
of_role_encode(struct buf *b, enum of_type type, uint8_t version, uint32_t xid,
               const struct of_role_msg *rm)
{
    of_msg_start(b, type, version, xid);
    if (is_nx_role(type)) {
        of_buf_put32(b, rm->role == OF_ROLE_PRIMARY     ? NX_ROLE_MASTER
                        : rm->role == OF_ROLE_SECONDARY ? NX_ROLE_SLAVE
                                                        : NX_ROLE_OTHER);
    } else {
        of_buf_put32(b, rm->role);
        of_buf_put32(b, 0);
        of_buf_put64(b, rm->generation_id);
    }
    of_msg_finish(b);
}

enum of_err
of_role_decode(const struct of_msg *msg, struct of_role_msg *rm)
{
    uint32_t role;

    rm->generation_id = OF_GENERATION_NONE;
    if (is_nx_role(msg->type)) {
        if (msg->body_len != 4) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        role = of_get32(msg->body);
        if (role > NX_ROLE_SLAVE) {
            return OF_ERR_OFPRRFC_BAD_ROLE;
        }
        rm->role = role + 1; /* other/master/slave -> equal/.../... */
        return 0;
    }
    if (msg->body_len != 16) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    role = of_get32(msg->body);
    if (role > OF_ROLE_SECONDARY) {
        return OF_ERR_OFPRRFC_BAD_ROLE;
    }
    rm->role = role;
    /* A "no change" request carries no generation id worth showing. */
    if (role != OF_ROLE_NOCHANGE) {
        rm->generation_id = of_get64(msg->body + 8);
    }
    return 0;
}

static const char *
role_name(uint32_t role)
{
    static const char *const names[] = { "nochange", "equal", "primary",
                                         "secondary" };
    return role <= OF_ROLE_SECONDARY ? names[role] : "unknown";
}

void
of_role_format(struct buf *b, const struct of_role_msg *rm)
{
    buf_printf(b, " role=%s", role_name(rm->role));
    if (rm->generation_id != OF_GENERATION_NONE) {
        buf_printf(b, " generation_id=%" PRIu64, rm->generation_id);
    }
}

void
of_role_status_encode(struct buf *b, uint8_t version, uint32_t xid,
                      const struct of_role_status *rs)
{
    of_msg_start(b, OF_T_ROLE_STATUS, version, xid);
    of_buf_put32(b, rs->role);
    buf_put_u8(b, rs->reason);
    buf_put_zeros(b, 3);
    of_buf_put64(b, rs->generation_id);
    of_msg_finish(b);
}

/* Checks that the properties in P (LEN bytes) are well formed. */
static enum of_err
check_props(const uint8_t *p, size_t len)
{
    struct of_cursor c, body;
    uint16_t type;

    of_cursor_init(&c, p, len);
    while (c.left) {
        enum of_err err = of_prop_pull(&c, &type, &body);
        if (err) {
            return err;
        }
    }
    return 0;
}

enum of_err
of_role_status_decode(const struct of_msg *msg, struct of_role_status *rs)
{
    const uint8_t *p = msg->body;

    if (msg->body_len < 16) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    rs->role = of_get32(p);
    rs->reason = p[4];
    rs->generation_id = of_get64(p + 8);
    if (rs->role > OF_ROLE_SECONDARY) {
        return OF_ERR_OFPRRFC_BAD_ROLE;
    }
    return check_props(p + 16, msg->body_len - 16);
}

void
of_role_status_format(struct buf *b, const struct of_role_status *rs)
{
    static const char *const reasons[] = { "primary_request",
                                           "configuration_changed",
                                           "experimenter_data_changed" };

    buf_printf(b, " role=%s", role_name(rs->role));
    if (rs->generation_id != OF_GENERATION_NONE) {
        buf_printf(b, " generation_id=%" PRIu64, rs->generation_id);
    }
    buf_printf(b, " reason=%s",
               rs->reason < ARRAY_SIZE(reasons) ? reasons[rs->reason]
                                                : "(unknown)");
}

/* ---------------------------------------------------------------------
 * Asynchronous message configuration.
 * --------------------------------------------------------------------- */

/* Per kind: its name, the reasons each version defines, their names. */
static const struct async_kind {
    const char *name;
    uint32_t reasons13; /* OpenFlow 1.0 (Nicira) and 1.3. */
    uint32_t reasons14; /* OpenFlow 1.4+. */
    const char *reason_names[6];
} async_kinds[OF_N_ASYNC_KINDS] = {
    [OF_ASYNC_PACKET_IN] = { "PACKET_IN",
                             0x7,
                             0x3f,
                             { "no_match", "action", "invalid_ttl",
                               "action_set", "group", "packet_out" } },
    [OF_ASYNC_PORT_STATUS] = { "PORT_STATUS",
                               0x7,
                               0x7,
                               { "add", "delete", "modify" } },
    [OF_ASYNC_FLOW_REMOVED] = { "FLOW_REMOVED",
                                0xf,
                                0x3f,
                                { "idle", "hard", "delete", "group_delete",
                                  "meter_delete", "eviction" } },
    [OF_ASYNC_ROLE_STATUS] = { "ROLE_STATUS",
                               0,
                               0x7,
                               { "primary_request", "configuration_changed",
                                 "experimenter_data_changed" } },
    [OF_ASYNC_TABLE_STATUS] = { "TABLE_STATUS",
                                0,
                                0x18,
                                { NULL, NULL, NULL, "vacancy_down",
                                  "vacancy_up" } },
    [OF_ASYNC_REQUESTFORWARD] = { "REQUESTFORWARD",
                                  0,
                                  0x3,
                                  { "group_mod_request",
                                    "meter_mod_request" } },
};

/* The 1.3 layout: three kinds, each a primary and a secondary mask. */
#define ASYNC13_LEN 24
#define ASYNC13_KINDS 3
/* OpenFlow 1.4 property types: 2 * kind for secondary, + 1 primary. */
#define ASYNC14_PROP_MAX 11
#define ASYNC14_PROP_EXPERIMENTER_SLAVE 0xfffe
#define ASYNC14_PROP_EXPERIMENTER_MASTER 0xffff

static bool
async_uses_props(enum of_type type, uint8_t version)
{
    return type != OF_T_NXT_SET_ASYNC_CONFIG && version >= OF_V14;
}

void
of_async_config_encode(struct buf *b, enum of_type type, uint8_t version,
                       uint32_t xid, const struct of_async_config *ac)
{
    of_msg_start(b, type, version, xid);
    if (!async_uses_props(type, version)) {
        for (int k = 0; k < ASYNC13_KINDS; k++) {
            of_buf_put32(b, ac->primary[k]);
            of_buf_put32(b, ac->secondary[k]);
        }
    } else {
        for (int k = 0; k < OF_N_ASYNC_KINDS; k++) {
            of_buf_put16(b, (uint16_t) (2 * k));
            of_buf_put16(b, 8);
            of_buf_put32(b, ac->secondary[k]);
            of_buf_put16(b, (uint16_t) (2 * k + 1));
            of_buf_put16(b, 8);
            of_buf_put32(b, ac->primary[k]);
        }
    }
    of_msg_finish(b);
}

/* Pulls OpenFlow 1.4+ async properties.  A switch receiving SET_ASYNC
 * (STRICT) refuses what it does not understand, as Open vSwitch does:
 * unknown properties with OFPACFC_UNSUPPORTED (not the usual property
 * error) and reasons the version does not define with OFPACFC_INVALID; a
 * controller reading a reply ignores and drops both. */
static enum of_err
pull_async_props(const struct of_msg *msg, bool strict,
                 struct of_async_config *ac)
{
    struct of_cursor c, body;
    uint16_t type;

    of_cursor_init(&c, msg->body, msg->body_len);
    while (c.left) {
        enum of_err err = of_prop_pull(&c, &type, &body);

        if (err) {
            return err;
        }
        if (type <= ASYNC14_PROP_MAX) {
            uint32_t *masks = type & 1 ? ac->primary : ac->secondary;
            uint32_t valid = async_kinds[type / 2].reasons14;

            if (body.left != 4) {
                return OF_ERR_OFPBPC_BAD_LEN;
            }
            masks[type / 2] = of_get32(body.p);
            if (strict && masks[type / 2] & ~valid) {
                return OF_ERR_OFPACFC_INVALID;
            }
        } else if (strict && type != ASYNC14_PROP_EXPERIMENTER_SLAVE
                   && type != ASYNC14_PROP_EXPERIMENTER_MASTER) {
            return OF_ERR_OFPACFC_UNSUPPORTED;
        }
    }
    return 0;
}

enum of_err
of_async_config_decode(const struct of_msg *msg,
                       const struct of_async_config *basis,
                       struct of_async_config *ac)
{
    bool props = async_uses_props(msg->type, msg->version);

    if (msg->type == OF_T_GET_ASYNC_REQUEST) {
        memset(ac, 0, sizeof *ac);
        return of_switch_empty_decode(msg);
    }
    /* Only the property layout keeps what it does not mention. */
    if (props && basis) {
        memmove(ac, basis, sizeof *ac);
    } else {
        memset(ac, 0, sizeof *ac);
    }
    if (!props) {
        if (msg->body_len != ASYNC13_LEN) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        for (int k = 0; k < ASYNC13_KINDS; k++) {
            ac->primary[k] = of_get32(msg->body + 8 * k);
            ac->secondary[k] = of_get32(msg->body + 8 * k + 4);
        }
    } else {
        enum of_err err =
            pull_async_props(msg, msg->type == OF_T_SET_ASYNC, ac);
        if (err) {
            return err;
        }
    }
    /* The fixed-mask layouts carry reasons of their version only; extra
     * bits are dropped, as Open vSwitch does. */
    for (int k = 0; k < OF_N_ASYNC_KINDS; k++) {
        uint32_t valid =
            (props ? async_kinds[k].reasons14 : async_kinds[k].reasons13);
        ac->primary[k] &= valid;
        ac->secondary[k] &= valid;
    }
    return 0;
}

static void
format_async_masks(struct buf *b, const uint32_t masks[])
{
    for (int k = 0; k < OF_N_ASYNC_KINDS; k++) {
        const struct async_kind *ak = &async_kinds[k];
        uint32_t m = masks[k];

        buf_printf(b, "%16s:", ak->name);
        if (!m) {
            buf_put_cstr(b, " (off)");
        }
        for (int r = 0; r < 32; r++) {
            if (m & (1u << r)) {
                const char *name = r < 6 ? ak->reason_names[r] : NULL;
                if (name) {
                    buf_printf(b, " %s", name);
                } else {
                    buf_printf(b, " %d", r);
                }
            }
        }
        buf_put_char(b, '\n');
    }
}

void
of_async_config_format(struct buf *b, const struct of_async_config *ac)
{
    buf_put_cstr(b, "\n primary:\n");
    format_async_masks(b, ac->primary);
    buf_put_cstr(b, "\n secondary:\n");
    format_async_masks(b, ac->secondary);
}

/* ---------------------------------------------------------------------
 * Nicira session settings.
 * --------------------------------------------------------------------- */

void
of_nx_setting_encode(struct buf *b, enum of_type type, uint8_t version,
                     uint32_t xid, uint32_t value)
{
    of_msg_start(b, type, version, xid);
    switch (type) {
    case OF_T_NXT_SET_CONTROLLER_ID:
        buf_put_zeros(b, 6);
        of_buf_put16(b, (uint16_t) value);
        break;
    case OF_T_NXT_FLOW_MOD_TABLE_ID:
        buf_put_u8(b, value != 0);
        buf_put_zeros(b, 7);
        break;
    default:
        of_buf_put32(b, value);
        break;
    }
    of_msg_finish(b);
}

enum of_err
of_nx_setting_decode(const struct of_msg *msg, uint32_t *value)
{
    switch (msg->type) {
    case OF_T_NXT_SET_CONTROLLER_ID:
        if (msg->body_len != 8) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        *value = of_get16(msg->body + 6);
        return 0;
    case OF_T_NXT_FLOW_MOD_TABLE_ID:
        if (msg->body_len != 8) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        *value = msg->body[0] != 0;
        return 0;
    case OF_T_NXT_SET_FLOW_FORMAT:
    case OF_T_NXT_SET_PACKET_IN_FORMAT:
        if (msg->body_len != 4) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        *value = of_get32(msg->body);
        if (msg->type == OF_T_NXT_SET_FLOW_FORMAT
                ? *value != OF_NX_FF_OPENFLOW10 && *value != OF_NX_FF_NXM
                : *value > OF_NX_PIF_NXT_PACKET_IN2) {
            return OF_ERR_OFPBRC_EPERM;
        }
        return 0;
    default:
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
}

void
of_nx_setting_format(struct buf *b, enum of_type type, uint32_t value)
{
    static const char *const pif[] = { "standard", "nxt_packet_in",
                                       "nxt_packet_in2" };

    switch (type) {
    case OF_T_NXT_SET_CONTROLLER_ID:
        buf_printf(b, " id=%" PRIu32, value);
        break;
    case OF_T_NXT_FLOW_MOD_TABLE_ID:
        buf_put_cstr(b, value ? " enable" : " disable");
        break;
    case OF_T_NXT_SET_FLOW_FORMAT:
        buf_printf(b, " format=%s",
                   value == OF_NX_FF_OPENFLOW10 ? "openflow10"
                   : value == OF_NX_FF_NXM      ? "nxm"
                                                : "(unknown)");
        break;
    case OF_T_NXT_SET_PACKET_IN_FORMAT:
        buf_printf(b, " format=%s",
                   value < ARRAY_SIZE(pif) ? pif[value] : "(unknown)");
        break;
    default:
        break;
    }
}

/* ---------------------------------------------------------------------
 * Printing.
 * --------------------------------------------------------------------- */

enum of_err
of_switch_msg_format(struct buf *b, const struct of_msg *msg)
{
    enum of_err err;

    switch (msg->type) {
    case OF_T_FEATURES_REQUEST:
    case OF_T_GET_CONFIG_REQUEST:
    case OF_T_BARRIER_REQUEST:
    case OF_T_BARRIER_REPLY:
    case OF_T_DESC_REQUEST:
        return of_switch_empty_decode(msg);
    case OF_T_ECHO_REQUEST:
    case OF_T_ECHO_REPLY:
        of_echo_format(b, msg->body, msg->body_len);
        return 0;
    case OF_T_FEATURES_REPLY: {
        struct of_features f;
        err = of_features_reply_decode(msg, &f);
        if (!err) {
            of_features_reply_format(b, msg->version, &f);
        }
        of_features_destroy(&f);
        return err;
    }
    case OF_T_GET_CONFIG_REPLY:
    case OF_T_SET_CONFIG: {
        struct of_switch_config sc;
        err = of_switch_config_decode(msg, &sc);
        if (!err) {
            of_switch_config_format(b, &sc);
        }
        return err;
    }
    case OF_T_DESC_REPLY: {
        struct of_desc *d = xmalloc(sizeof *d);
        err = of_desc_reply_decode(msg, d);
        if (!err) {
            of_desc_reply_format(b, d);
        }
        free(d);
        return err;
    }
    case OF_T_ROLE_REQUEST:
    case OF_T_ROLE_REPLY:
    case OF_T_NXT_ROLE_REQUEST:
    case OF_T_NXT_ROLE_REPLY: {
        struct of_role_msg rm;
        err = of_role_decode(msg, &rm);
        if (!err) {
            of_role_format(b, &rm);
        }
        return err;
    }
    case OF_T_ROLE_STATUS: {
        struct of_role_status rs;
        err = of_role_status_decode(msg, &rs);
        if (!err) {
            of_role_status_format(b, &rs);
        }
        return err;
    }
    case OF_T_GET_ASYNC_REQUEST:
        return of_switch_empty_decode(msg);
    case OF_T_GET_ASYNC_REPLY:
    case OF_T_SET_ASYNC:
    case OF_T_NXT_SET_ASYNC_CONFIG: {
        struct of_async_config ac;
        err = of_async_config_decode(msg, NULL, &ac);
        if (!err) {
            of_async_config_format(b, &ac);
        }
        return err;
    }
    case OF_T_NXT_SET_CONTROLLER_ID:
    case OF_T_NXT_SET_FLOW_FORMAT:
    case OF_T_NXT_SET_PACKET_IN_FORMAT:
    case OF_T_NXT_FLOW_MOD_TABLE_ID: {
        uint32_t value;
        err = of_nx_setting_decode(msg, &value);
        if (!err) {
            of_nx_setting_format(b, msg->type, value);
        }
        return err;
    }
    default:
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
}
