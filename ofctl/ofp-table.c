/* ofp-table.c: OpenFlow table-mod, table statistics and table features
 * (see ofp-table.h).
 *
 * Layouts follow the OpenFlow 1.0-1.5 specifications; printed text and
 * error choices follow Open vSwitch 3.1, checked by
 * tests/unit/test-ofctl-msgs.c. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofctl/match.h"
#include "ofctl/ofp-port.h"
#include "ofctl/ofp-table.h"

/* ---------------------------------------------------------------------
 * Table mod.
 * --------------------------------------------------------------------- */

#define TABLE_MOD_LEN 8
#define TMPT14_EVICTION 2
#define TMPT14_VACANCY 3

void
of_table_mod_encode(struct buf *b, uint8_t version, uint32_t xid,
                    const struct of_table_mod *tm)
{
    of_msg_start(b, OF_T_TABLE_MOD, version, xid);
    buf_put_u8(b, tm->table_id);
    buf_put_zeros(b, 3);
    of_buf_put32(b, tm->config);
    if (version >= OF_V14) {
        if (tm->has_eviction_flags) {
            size_t p = of_prop_start(b, TMPT14_EVICTION);
            of_buf_put32(b, tm->eviction_flags);
            of_prop_end(b, p);
        }
        if (tm->has_vacancy) {
            size_t p = of_prop_start(b, TMPT14_VACANCY);
            buf_put_u8(b, tm->vacancy_down);
            buf_put_u8(b, tm->vacancy_up);
            buf_put_u8(b, 0); /* Current vacancy: only in replies. */
            buf_put_u8(b, 0);
            of_prop_end(b, p);
        }
    }
    of_msg_finish(b);
}

static enum of_err
pull_table_mod_props(struct of_cursor *c, struct of_table_mod *tm)
{
    while (c->left) {
        struct of_cursor body;
        uint16_t type;
        enum of_err err = of_prop_pull(c, &type, &body);

        if (err) {
            return err;
        }
        if (type == TMPT14_EVICTION) {
            if (body.left != 4) {
                return OF_ERR_OFPBPC_BAD_LEN;
            }
            tm->has_eviction_flags = true;
            tm->eviction_flags = of_get32(body.p);
        } else if (type == TMPT14_VACANCY) {
            if (body.left != 4) {
                return OF_ERR_OFPBPC_BAD_LEN;
            }
            tm->has_vacancy = true;
            tm->vacancy_down = body.p[0];
            tm->vacancy_up = body.p[1];
            /* The current vacancy (body.p[2]) belongs in replies only. */
            if (tm->vacancy_down > tm->vacancy_up || tm->vacancy_up > 100
                || body.p[2]) {
                return OF_ERR_OFPBPC_BAD_VALUE;
            }
        } else {
            /* A table-mod that ignored part of itself would half-apply;
             * Open vSwitch answers OFPBRC_BAD_TYPE here, not a property
             * error. */
            return OF_ERR_OFPBRC_BAD_TYPE;
        }
    }
    return 0;
}

enum of_err
of_table_mod_decode(const struct of_msg *msg, struct of_table_mod *tm)
{
    struct of_cursor c;

    memset(tm, 0, sizeof *tm);
    if (msg->version <= OF_V13 ? msg->body_len != TABLE_MOD_LEN
                               : msg->body_len < TABLE_MOD_LEN) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    tm->table_id = msg->body[0];
    tm->config = of_get32(msg->body + 4);
    of_cursor_init(&c, msg->body + TABLE_MOD_LEN,
                   msg->body_len - TABLE_MOD_LEN);
    return pull_table_mod_props(&c, tm);
}

static void
format_table_id(struct buf *b, uint8_t table_id)
{
    if (table_id == OF_TABLE_ALL) {
        buf_put_cstr(b, " table_id: ALL_TABLES");
    } else {
        buf_printf(b, " table_id=%u", table_id);
    }
}

void
of_table_mod_format(struct buf *b, uint8_t version,
                    const struct of_table_mod *tm)
{
    format_table_id(b, tm->table_id);
    if (version >= OF_V14) {
        bool vacancy = tm->config & OF_TC14_VACANCY_EVENTS;

        buf_printf(b, ", eviction=%s",
                   tm->config & OF_TC14_EVICTION ? "on" : "off");
        buf_printf(b, ", vacancy=%s", vacancy ? "on" : "off");
        if (vacancy) {
            buf_printf(b, " vacancy:%u,%u", tm->vacancy_down, tm->vacancy_up);
        }
    }
}

/* ---------------------------------------------------------------------
 * Table statistics.
 * --------------------------------------------------------------------- */

#define TABLE_STATS10_LEN 64
#define TABLE_STATS13_LEN 24
#define TABLE_NAME_LEN 32

void
of_table_stats_list_destroy(struct of_table_stats_list *list)
{
    free(list->stats);
    list->stats = NULL;
    list->n = 0;
}

void
of_table_stats_reply_encode(struct buf *b, uint8_t version, uint32_t xid,
                            const struct of_table_stats_list *list)
{
    of_msg_start(b, OF_T_TABLE_STATS_REPLY, version, xid);
    for (size_t i = 0; i < list->n; i++) {
        const struct of_table_stats *ts = &list->stats[i];

        buf_put_u8(b, ts->table_id);
        buf_put_zeros(b, 3);
        if (version == OF_V10) {
            char name[TABLE_NAME_LEN] = { 0 };
            memcpy(name, ts->name, strnlen(ts->name, TABLE_NAME_LEN - 1));
            buf_put(b, name, sizeof name);
            of_buf_put32(b, ts->wildcards);
            of_buf_put32(b, ts->max_entries);
        }
        of_buf_put32(b, ts->active_count);
        of_buf_put64(b, ts->lookup_count);
        of_buf_put64(b, ts->matched_count);
    }
    of_msg_finish(b);
}

enum of_err
of_table_stats_reply_decode(const struct of_msg *msg,
                            struct of_table_stats_list *list)
{
    size_t len =
        msg->version == OF_V10 ? TABLE_STATS10_LEN : TABLE_STATS13_LEN;
    struct of_cursor c;

    list->stats = NULL;
    list->n = 0;
    if (msg->body_len % len) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    list->n = msg->body_len / len;
    list->stats = xzalloc(list->n * sizeof *list->stats + 1);
    of_cursor_init(&c, msg->body, msg->body_len);
    for (size_t i = 0; i < list->n; i++) {
        struct of_table_stats *ts = &list->stats[i];
        const uint8_t *p = of_cursor_pull(&c, len);

        ts->table_id = p[0];
        p += 4;
        if (msg->version == OF_V10) {
            memcpy(ts->name, p, TABLE_NAME_LEN);
            ts->name[TABLE_NAME_LEN - 1] = '\0';
            ts->wildcards = of_get32(p + 32);
            ts->max_entries = of_get32(p + 36);
            p += 40;
        }
        ts->active_count = of_get32(p);
        ts->lookup_count = of_get64(p + 4);
        ts->matched_count = of_get64(p + 12);
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Table features.
 * --------------------------------------------------------------------- */

#define TABLE_FEATURES_LEN 64
#define OXM_CLASS_EXPERIMENTER 0xffff

void
of_table_features_list_destroy(struct of_table_features_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        struct of_table_features *tf = &list->tables[i];
        for (int t = 0; t < OF_TFPT_N; t++) {
            free(tf->props[t].ids);
        }
        free(tf->other);
    }
    free(list->tables);
    list->tables = NULL;
    list->n = 0;
}

/* How a property's ids are laid out. */
enum id_kind { IDS_TLV, IDS_TABLE, IDS_OXM };

static enum id_kind
id_kind_of(int type)
{
    switch (type & ~1) {
    case OF_TFPT_NEXT_TABLES:
        return IDS_TABLE;
    case OF_TFPT_MATCH:
    case OF_TFPT_WILDCARDS:
    case OF_TFPT_WRITE_SETFIELD:
    case OF_TFPT_APPLY_SETFIELD:
        return IDS_OXM;
    default:
        return IDS_TLV;
    }
}

static void
put_ids(struct buf *b, int type, const struct of_tf_ids *ids)
{
    size_t p = of_prop_start(b, (uint16_t) type);

    for (size_t i = 0; i < ids->n; i++) {
        uint64_t id = ids->ids[i];

        switch (id_kind_of(type)) {
        case IDS_TABLE:
            buf_put_u8(b, (uint8_t) id);
            break;
        case IDS_OXM:
            of_buf_put32(b, (uint32_t) (id >> 32));
            if ((id >> 48) == OXM_CLASS_EXPERIMENTER) {
                of_buf_put32(b, (uint32_t) id);
            }
            break;
        case IDS_TLV:
            of_buf_put16(b, (uint16_t) id);
            of_buf_put16(b, 4);
            break;
        }
    }
    of_prop_end(b, p);
}

void
of_table_features_encode(struct buf *b, enum of_type type, uint8_t version,
                         uint32_t xid,
                         const struct of_table_features_list *list)
{
    of_msg_start(b, type, version, xid);
    for (size_t i = 0; i < list->n; i++) {
        const struct of_table_features *tf = &list->tables[i];
        size_t start = b->len;
        char name[TABLE_NAME_LEN] = { 0 };

        of_buf_put16(b, 0); /* Length, set below. */
        buf_put_u8(b, tf->table_id);
        if (version >= OF_V15) {
            buf_put_u8(b, tf->command);
            of_buf_put32(b, tf->features);
        } else {
            buf_put_zeros(b, 5);
        }
        memcpy(name, tf->name, strnlen(tf->name, TABLE_NAME_LEN - 1));
        buf_put(b, name, sizeof name);
        of_buf_put64(b, tf->metadata_match);
        of_buf_put64(b, tf->metadata_write);
        of_buf_put32(b, tf->capabilities);
        of_buf_put32(b, tf->max_entries);
        for (int t = 0; t < OF_TFPT_N; t++) {
            if (tf->props[t].present) {
                put_ids(b, t, &tf->props[t]);
            }
        }
        if (tf->other_len) {
            buf_put(b, tf->other, tf->other_len);
        }
        of_put16(b->data + start, (uint16_t) (b->len - start));
    }
    of_msg_finish(b);
}

/* Parses the ids of a property of TYPE from BODY into *IDS. */
static enum of_err
pull_ids(struct of_cursor *body, int type, struct of_tf_ids *ids)
{
    size_t cap = 0;

    free(ids->ids);
    ids->ids = NULL;
    ids->n = 0;
    ids->present = true;
    while (body->left) {
        const uint8_t *p;
        uint64_t id;

        switch (id_kind_of(type)) {
        case IDS_TABLE:
            id = *of_cursor_pull(body, 1);
            break;
        case IDS_OXM:
            p = of_cursor_pull(body, 4);
            if (!p) {
                return OF_ERR_OFPBPC_BAD_LEN;
            }
            id = (uint64_t) of_get32(p) << 32;
            if (of_get16(p) == OXM_CLASS_EXPERIMENTER) {
                p = of_cursor_pull(body, 4);
                if (!p) {
                    return OF_ERR_OFPBPC_BAD_LEN;
                }
                id |= of_get32(p);
            }
            break;
        default: {
            size_t len;

            p = of_cursor_peek(body, 4);
            if (!p) {
                return OF_ERR_OFPBPC_BAD_LEN;
            }
            len = of_get16(p + 2);
            if (len < 4 || len > body->left) {
                return OF_ERR_OFPBPC_BAD_LEN;
            }
            /* An experimenter id after the header is not modelled. */
            id = of_get16(p);
            of_cursor_pull(body, len);
            break;
        }
        }
        ids->ids = of_array_grow(ids->ids, ids->n, &cap, sizeof *ids->ids);
        ids->ids[ids->n++] = id;
    }
    return 0;
}

static enum of_err
pull_table_features(struct of_cursor *c, uint8_t version,
                    struct of_table_features *tf)
{
    const uint8_t *p = of_cursor_peek(c, TABLE_FEATURES_LEN);
    struct of_cursor props;
    size_t len;

    if (!p) {
        return OF_ERR_OFPBPC_BAD_LEN;
    }
    len = of_get16(p);
    if (len < TABLE_FEATURES_LEN || len % 8 || len > c->left) {
        return OF_ERR_OFPBPC_BAD_LEN;
    }
    of_cursor_pull(c, len);
    tf->table_id = p[2];
    if (tf->table_id == OF_TABLE_ALL) {
        return OF_ERR_OFPTFFC_BAD_TABLE;
    }
    if (version >= OF_V15) {
        tf->command = p[3];
        tf->features = of_get32(p + 4);
    }
    memcpy(tf->name, p + 8, TABLE_NAME_LEN);
    tf->name[TABLE_NAME_LEN - 1] = '\0';
    tf->metadata_match = of_get64(p + 40);
    tf->metadata_write = of_get64(p + 48);
    tf->capabilities = of_get32(p + 56);
    tf->max_entries = of_get32(p + 60);

    of_cursor_init(&props, p + TABLE_FEATURES_LEN, len - TABLE_FEATURES_LEN);
    while (props.left) {
        struct of_cursor body;
        const uint8_t *whole;
        size_t whole_len;
        uint16_t type;
        enum of_err err;

        err = of_prop_pull(&props, &type, &body);
        if (err) {
            return err;
        }
        whole = body.p - 4;
        whole_len = of_prop_padded(body.left + 4);
        if (type < OF_TFPT_N) {
            err = pull_ids(&body, type, &tf->props[type]);
            if (err) {
                return err;
            }
        } else {
            /* Experimenter and unknown properties travel opaquely. */
            tf->other = xrealloc(tf->other, tf->other_len + whole_len);
            memcpy(tf->other + tf->other_len, whole, whole_len);
            tf->other_len += whole_len;
        }
    }
    return 0;
}

enum of_err
of_table_features_decode(const struct of_msg *msg,
                         struct of_table_features_list *list)
{
    struct of_cursor c;
    size_t cap = 0;

    list->tables = NULL;
    list->n = 0;
    of_cursor_init(&c, msg->body, msg->body_len);
    while (c.left) {
        enum of_err err;

        list->tables =
            of_array_grow(list->tables, list->n, &cap, sizeof *list->tables);
        memset(&list->tables[list->n], 0, sizeof *list->tables);
        list->n++;
        err =
            pull_table_features(&c, msg->version, &list->tables[list->n - 1]);
        if (err) {
            return err;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Table descriptions and table status.
 * --------------------------------------------------------------------- */

#define TABLE_DESC_LEN 8
#define TABLE_STATUS_LEN 8

void
of_table_desc_put(struct buf *b, const struct of_table_desc *td)
{
    size_t start = b->len;

    of_buf_put16(b, 0); /* Length, set below. */
    buf_put_u8(b, td->table_id);
    buf_put_u8(b, 0);
    of_buf_put32(b, td->config);
    if (td->has_eviction_flags) {
        size_t p = of_prop_start(b, TMPT14_EVICTION);
        of_buf_put32(b, td->eviction_flags);
        of_prop_end(b, p);
    }
    if (td->has_vacancy) {
        size_t p = of_prop_start(b, TMPT14_VACANCY);
        buf_put_u8(b, td->vacancy_down);
        buf_put_u8(b, td->vacancy_up);
        buf_put_u8(b, td->vacancy);
        buf_put_u8(b, 0);
        of_prop_end(b, p);
    }
    of_put16(b->data + start, (uint16_t) (b->len - start));
}

enum of_err
of_table_desc_pull(struct of_cursor *c, struct of_table_desc *td)
{
    const uint8_t *p = of_cursor_peek(c, TABLE_DESC_LEN);
    struct of_cursor props, body;
    uint16_t type;
    size_t len;

    memset(td, 0, sizeof *td);
    if (!p) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    len = of_get16(p);
    if (len < TABLE_DESC_LEN || len > c->left) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    of_cursor_pull(c, len);
    td->table_id = p[2];
    td->config = of_get32(p + 4);
    of_cursor_init(&props, p + TABLE_DESC_LEN, len - TABLE_DESC_LEN);
    while (props.left) {
        enum of_err err = of_prop_pull(&props, &type, &body);

        if (err) {
            return err;
        }
        if ((type == TMPT14_EVICTION || type == TMPT14_VACANCY)
            && body.left != 4) {
            return OF_ERR_OFPBPC_BAD_LEN;
        }
        if (type == TMPT14_EVICTION) {
            td->has_eviction_flags = true;
            td->eviction_flags = of_get32(body.p);
        } else if (type == TMPT14_VACANCY) {
            td->has_vacancy = true;
            td->vacancy_down = body.p[0];
            td->vacancy_up = body.p[1];
            td->vacancy = body.p[2];
        }
    }
    return 0;
}

void
of_table_desc_format(struct buf *b, const struct of_table_desc *td)
{
    static const char *const flag_names[] = { "OTHER", "IMPORTANCE",
                                              "LIFETIME" };

    buf_printf(b, "  table %u:\n   eviction=%s eviction_flags=", td->table_id,
               td->config & OF_TC14_EVICTION ? "on" : "off");
    if (!td->has_eviction_flags) {
        buf_put_cstr(b, "(default)");
    } else {
        bool first = true;
        for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++) {
            if (td->eviction_flags & (1u << i)) {
                buf_printf(b, "%s%s", first ? "" : "|", flag_names[i]);
                first = false;
            }
        }
    }
    if (td->config & OF_TC14_VACANCY_EVENTS) {
        buf_printf(b,
                   "\n   vacancy=on vacancy_down=%u%% vacancy_up=%u%% "
                   "vacancy=%u%%\n",
                   td->vacancy_down, td->vacancy_up, td->vacancy);
    } else {
        buf_put_cstr(b, "\n   vacancy=off\n");
    }
}

void
of_table_desc_reply_encode(struct buf *b, uint8_t version, uint32_t xid,
                           const struct of_table_desc *tds, size_t n)
{
    of_msg_start(b, OF_T_TABLE_DESC_REPLY, version, xid);
    for (size_t i = 0; i < n; i++) {
        of_table_desc_put(b, &tds[i]);
    }
    of_msg_finish(b);
}

enum of_err
of_table_desc_reply_decode(const struct of_msg *msg,
                           struct of_table_desc **tdsp, size_t *np)
{
    struct of_table_desc *tds = NULL;
    size_t n = 0, cap = 0;
    struct of_cursor c;

    of_cursor_init(&c, msg->body, msg->body_len);
    while (c.left) {
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            tds = xrealloc(tds, cap * sizeof *tds);
        }
        enum of_err err = of_table_desc_pull(&c, &tds[n]);
        if (err) {
            free(tds);
            *tdsp = NULL;
            *np = 0;
            return err;
        }
        n++;
    }
    *tdsp = tds;
    *np = n;
    return 0;
}

void
of_table_status_encode(struct buf *b, uint8_t version, uint32_t xid,
                       const struct of_table_status *ts)
{
    of_msg_start(b, OF_T_TABLE_STATUS, version, xid);
    buf_put_u8(b, ts->reason);
    buf_put_zeros(b, 7);
    of_table_desc_put(b, &ts->desc);
    of_msg_finish(b);
}

enum of_err
of_table_status_decode(const struct of_msg *msg, struct of_table_status *ts)
{
    struct of_cursor c;
    enum of_err err;

    of_cursor_init(&c, msg->body, msg->body_len);
    if (!of_cursor_pull(&c, TABLE_STATUS_LEN)) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    ts->reason = msg->body[0];
    if (ts->reason != OF_TABLE_STATUS_VACANCY_DOWN
        && ts->reason != OF_TABLE_STATUS_VACANCY_UP) {
        return OF_ERR_OFPBPC_BAD_VALUE;
    }
    err = of_table_desc_pull(&c, &ts->desc);
    return !err && c.left ? OF_ERR_OFPBRC_BAD_LEN : err;
}

void
of_table_status_format(struct buf *b, const struct of_table_status *ts)
{
    buf_printf(b, " reason=%s\ntable_desc:-\n",
               ts->reason == OF_TABLE_STATUS_VACANCY_DOWN ? "VACANCY_DOWN"
                                                          : "VACANCY_UP");
    of_table_desc_format(b, &ts->desc);
}

/* ---------------------------------------------------------------------
 * Printing tables as ovs-ofctl does ("dump-tables", "dump-table-features").
 *
 * ovs-ofctl prints both from one abstract view of a table: its statistics
 * if any, its features (instructions, actions and fields as Open vSwitch
 * knows them, in Open vSwitch's own order), and abbreviations relative to
 * the previous table ("ditto", "(same instructions)").  struct table_view
 * is that view, built from either message.
 * --------------------------------------------------------------------- */

/* Every field Open vSwitch 3.1 knows that nicflow's field table has, in
 * Open vSwitch's internal order, which is the order ovs-ofctl lists
 * fields in.  (Obtained by having ovs-ofctl print them all.) */
static const char *const ovs_field_order[] = {
    "dp_hash",        "recirc_id",      "conj_id",        "tun_id",
    "tun_src",        "tun_dst",        "tun_ipv6_src",   "tun_ipv6_dst",
    "tun_flags",      "tun_gbp_id",     "tun_gbp_flags",  "tun_metadata0",
    "tun_metadata1",  "tun_metadata2",  "tun_metadata3",  "tun_metadata4",
    "tun_metadata5",  "tun_metadata6",  "tun_metadata7",  "tun_metadata8",
    "tun_metadata9",  "tun_metadata10", "tun_metadata11", "tun_metadata12",
    "tun_metadata13", "tun_metadata14", "tun_metadata15", "tun_metadata16",
    "tun_metadata17", "tun_metadata18", "tun_metadata19", "tun_metadata20",
    "tun_metadata21", "tun_metadata22", "tun_metadata23", "tun_metadata24",
    "tun_metadata25", "tun_metadata26", "tun_metadata27", "tun_metadata28",
    "tun_metadata29", "tun_metadata30", "tun_metadata31", "tun_metadata32",
    "tun_metadata33", "tun_metadata34", "tun_metadata35", "tun_metadata36",
    "tun_metadata37", "tun_metadata38", "tun_metadata39", "tun_metadata40",
    "tun_metadata41", "tun_metadata42", "tun_metadata43", "tun_metadata44",
    "tun_metadata45", "tun_metadata46", "tun_metadata47", "tun_metadata48",
    "tun_metadata49", "tun_metadata50", "tun_metadata51", "tun_metadata52",
    "tun_metadata53", "tun_metadata54", "tun_metadata55", "tun_metadata56",
    "tun_metadata57", "tun_metadata58", "tun_metadata59", "tun_metadata60",
    "tun_metadata61", "tun_metadata62", "tun_metadata63", "metadata",
    "in_port",        "in_port_oxm",    "actset_output",  "pkt_mark",
    "ct_state",       "ct_zone",        "ct_mark",        "ct_label",
    "ct_nw_proto",    "ct_nw_src",      "ct_nw_dst",      "ct_ipv6_src",
    "ct_ipv6_dst",    "ct_tp_src",      "ct_tp_dst",      "reg0",
    "reg1",           "reg2",           "reg3",           "reg4",
    "reg5",           "reg6",           "reg7",           "reg8",
    "reg9",           "reg10",          "reg11",          "reg12",
    "reg13",          "reg14",          "reg15",          "xreg0",
    "xreg1",          "xreg2",          "xreg3",          "xreg4",
    "xreg5",          "xreg6",          "xreg7",          "xxreg0",
    "xxreg1",         "xxreg2",         "xxreg3",         "eth_src",
    "eth_dst",        "eth_type",       "vlan_tci",       "vlan_vid",
    "vlan_pcp",       "mpls_label",     "mpls_tc",        "mpls_bos",
    "mpls_ttl",       "ip_src",         "ip_dst",         "ipv6_src",
    "ipv6_dst",       "ipv6_label",     "nw_proto",       "nw_tos",
    "ip_dscp",        "nw_ecn",         "nw_ttl",         "ip_frag",
    "arp_op",         "arp_spa",        "arp_tpa",        "arp_sha",
    "arp_tha",        "tcp_src",        "tcp_dst",        "tcp_flags",
    "udp_src",        "udp_dst",        "sctp_src",       "sctp_dst",
    "icmp_type",      "icmp_code",      "icmpv6_type",    "icmpv6_code",
    "nd_target",      "nd_sll",         "nd_tll",

};
#define N_OVS_FIELDS ARRAY_SIZE(ovs_field_order)

/* A set of fields, by their index in ovs_field_order[]. */
struct field_set {
    uint64_t w[(N_OVS_FIELDS + 63) / 64];
};

static void
field_set_add(struct field_set *fs, int rank)
{
    fs->w[rank / 64] |= UINT64_C(1) << (rank % 64);
}

static bool
field_set_has(const struct field_set *fs, int rank)
{
    return fs->w[rank / 64] >> (rank % 64) & 1;
}

static bool
field_set_empty(const struct field_set *fs)
{
    for (size_t i = 0; i < ARRAY_SIZE(fs->w); i++) {
        if (fs->w[i]) {
            return false;
        }
    }
    return true;
}

static int
field_rank(const char *name)
{
    for (size_t i = 0; i < N_OVS_FIELDS; i++) {
        if (!strcmp(ovs_field_order[i], name)) {
            return (int) i;
        }
    }
    return -1;
}

static bool
code_is(const struct of_code *c, uint16_t class, uint8_t field, uint32_t exp)
{
    return c->name && c->oxm_class == class && c->field == field
           && (class != OXM_CLASS_EXPERIMENTER || c->experimenter == exp);
}

/* The rank of the field with OXM/NXM id ID (as struct of_tf_ids holds
 * them), or -1 if it is unknown or its length is wrong (Open vSwitch
 * ignores both).  *HASMASK is the id's mask bit. */
static int
oxm_rank(uint64_t id, bool *hasmask)
{
    uint32_t header = (uint32_t) (id >> 32);
    uint16_t class = header >> 16;
    uint8_t field = (header >> 9) & 0x7f;
    unsigned int len = header & 0xff;

    *hasmask = header & 0x100;
    if (class == OXM_CLASS_EXPERIMENTER) {
        len -= len >= 4 ? 4 : len;
    }
    for (int i = 0; i < OF_N_FIELDS; i++) {
        const struct of_field *f = of_field_from_id(i);

        if (f
            && (code_is(&f->oxm, class, field, (uint32_t) id)
                || code_is(&f->nxm, class, field, 0))) {
            return len == f->n_bytes * (*hasmask ? 2u : 1u)
                       ? field_rank(f->name)
                       : -1;
        }
    }
    return -1;
}

/* Open vSwitch's instructions and the OpenFlow 1.3 actions it supports,
 * each in the order ovs-ofctl prints them, with their wire types. */
static const struct type_name {
    uint16_t type;
    const char *name;
} ovs_instructions[] = {
    {6, "meter"},          {4, "apply_actions"}, {5, "clear_actions"},
    {3, "write_actions"},  {2, "write_metadata"}, {1, "goto_table"},
}, ovs_actions[] = {
    {0, "output"},        {22, "group"},        {25, "set_field"},
    {18, "strip_vlan"},   {17, "push_vlan"},    {23, "mod_nw_ttl"},
    {24, "dec_ttl"},      {15, "set_mpls_ttl"}, {16, "dec_mpls_ttl"},
    {19, "push_mpls"},    {20, "pop_mpls"},     {21, "set_queue"},
};

/* A bitmap of the entries of TABLE (N of them) that IDS names. */
static uint32_t
type_bits(const struct of_tf_ids *ids, const struct type_name *table, size_t n)
{
    uint32_t bits = 0;

    for (size_t i = 0; i < ids->n; i++) {
        for (size_t j = 0; j < n; j++) {
            if (table[j].type == ids->ids[i]) {
                bits |= 1u << j;
            }
        }
    }
    return bits;
}

struct action_view {
    uint32_t actions; /* Bits of ovs_actions[]. */
    struct field_set set_fields;
};

struct instruction_view {
    uint64_t next[4];      /* Next tables 0..254. */
    uint32_t instructions; /* Bits of ovs_instructions[]. */
    struct action_view write, apply;
};

struct table_view {
    uint8_t table_id;
    char name[33];
    bool has_stats;
    uint32_t active_count;
    uint64_t lookup_count, matched_count;
    uint64_t metadata_match, metadata_write;
    int eviction, vacancy; /* 1 supported, 0 not, -1 not said. */
    uint32_t max_entries;
    struct instruction_view nonmiss, miss;
    struct field_set match, mask, wildcard;
};

static void
fields_from_ids(struct field_set *fs, struct field_set *masked,
                const struct of_tf_ids *ids)
{
    for (size_t i = 0; i < ids->n; i++) {
        bool hasmask;
        int rank = oxm_rank(ids->ids[i], &hasmask);

        if (rank >= 0) {
            field_set_add(fs, rank);
            if (hasmask && masked) {
                field_set_add(masked, rank);
            }
        }
    }
}

static void
instruction_view_init(struct instruction_view *iv,
                      const struct of_table_features *tf, int miss)
{
    const struct of_tf_ids *next = &tf->props[OF_TFPT_NEXT_TABLES + miss];

    memset(iv, 0, sizeof *iv);
    for (size_t i = 0; i < next->n; i++) {
        if (next->ids[i] < OF_TABLE_ALL) {
            iv->next[next->ids[i] / 64] |= UINT64_C(1) << (next->ids[i] % 64);
        }
    }
    iv->instructions =
        type_bits(&tf->props[OF_TFPT_INSTRUCTIONS + miss], ovs_instructions,
                  ARRAY_SIZE(ovs_instructions));
    iv->write.actions = type_bits(&tf->props[OF_TFPT_WRITE_ACTIONS + miss],
                                  ovs_actions, ARRAY_SIZE(ovs_actions));
    iv->apply.actions = type_bits(&tf->props[OF_TFPT_APPLY_ACTIONS + miss],
                                  ovs_actions, ARRAY_SIZE(ovs_actions));
    fields_from_ids(&iv->write.set_fields, NULL,
                    &tf->props[OF_TFPT_WRITE_SETFIELD + miss]);
    fields_from_ids(&iv->apply.set_fields, NULL,
                    &tf->props[OF_TFPT_APPLY_SETFIELD + miss]);
}

static void
view_from_features(struct table_view *v, uint8_t version,
                   const struct of_table_features *tf)
{
    memset(v, 0, sizeof *v);
    v->table_id = tf->table_id;
    memcpy(v->name, tf->name, sizeof v->name);
    v->metadata_match = tf->metadata_match;
    v->metadata_write = tf->metadata_write;
    v->eviction = v->vacancy = -1;
    if (version >= OF_V14) {
        v->eviction = (tf->capabilities & OF_TC14_EVICTION) != 0;
        v->vacancy = (tf->capabilities & OF_TC14_VACANCY_EVENTS) != 0;
    }
    v->max_entries = tf->max_entries;
    instruction_view_init(&v->nonmiss, tf, 0);
    instruction_view_init(&v->miss, tf, 1);
    fields_from_ids(&v->match, &v->mask, &tf->props[OF_TFPT_MATCH]);
    fields_from_ids(&v->wildcard, NULL, &tf->props[OF_TFPT_WILDCARDS]);
    /* As Open vSwitch does: maskable fields are matchable and
     * wildcardable, and only matchable fields can be wildcarded. */
    for (size_t i = 0; i < ARRAY_SIZE(v->match.w); i++) {
        v->match.w[i] |= v->mask.w[i];
        v->wildcard.w[i] = (v->wildcard.w[i] | v->mask.w[i]) & v->match.w[i];
    }
}

/* The fields an OpenFlow 1.0 table can wildcard, with the wildcard bits
 * that make each one wildcardable (any bit of the IP address masks). */
static const struct {
    const char *name;
    uint32_t bits;
} ofp10_wildcard_fields[] = {
    { "in_port", 1u << 0 },   { "vlan_vid", 1u << 1 },
    { "eth_src", 1u << 2 },   { "eth_dst", 1u << 3 },
    { "eth_type", 1u << 4 },  { "nw_proto", 1u << 5 },
    { "tcp_src", 1u << 6 },   { "tcp_dst", 1u << 7 },
    { "ip_src", 0x3fu << 8 }, { "ip_dst", 0x3fu << 14 },
    { "vlan_pcp", 1u << 20 }, { "nw_tos", 1u << 21 },
};

static void
view_from_stats(struct table_view *v, uint8_t version,
                const struct of_table_stats *ts)
{
    memset(v, 0, sizeof *v);
    v->table_id = ts->table_id;
    v->has_stats = true;
    v->active_count = ts->active_count;
    v->lookup_count = ts->lookup_count;
    v->matched_count = ts->matched_count;
    v->eviction = v->vacancy = -1;
    if (version == OF_V10) {
        memcpy(v->name, ts->name, sizeof v->name);
        v->max_entries = ts->max_entries;
        /* OpenFlow 1.0 says only what can be wildcarded; Open vSwitch
         * takes that as what can be matched too. */
        for (size_t i = 0; i < ARRAY_SIZE(ofp10_wildcard_fields); i++) {
            if (ts->wildcards & ofp10_wildcard_fields[i].bits) {
                int rank = field_rank(ofp10_wildcard_fields[i].name);
                field_set_add(&v->match, rank);
                field_set_add(&v->wildcard, rank);
            }
        }
    }
}

static bool
action_view_equal(const struct action_view *a, const struct action_view *b)
{
    return a->actions == b->actions
           && !memcmp(&a->set_fields, &b->set_fields, sizeof a->set_fields);
}

static bool
instruction_view_equal(const struct instruction_view *a,
                       const struct instruction_view *b)
{
    return !memcmp(a->next, b->next, sizeof a->next)
           && a->instructions == b->instructions
           && action_view_equal(&a->write, &b->write)
           && action_view_equal(&a->apply, &b->apply);
}

static bool
instruction_view_empty(const struct instruction_view *iv)
{
    static const struct instruction_view empty;
    return instruction_view_equal(iv, &empty);
}

static bool
matching_equal(const struct table_view *a, const struct table_view *b)
{
    return !memcmp(&a->match, &b->match, sizeof a->match)
           && !memcmp(&a->mask, &b->mask, sizeof a->mask)
           && !memcmp(&a->wildcard, &b->wildcard, sizeof a->wildcard);
}

/* Equal features, the name aside. */
static bool
features_equal(const struct table_view *a, const struct table_view *b)
{
    return a->metadata_match == b->metadata_match
           && a->metadata_write == b->metadata_write
           && a->eviction == b->eviction && a->vacancy == b->vacancy
           && a->max_entries == b->max_entries
           && instruction_view_equal(&a->nonmiss, &b->nonmiss)
           && instruction_view_equal(&a->miss, &b->miss)
           && matching_equal(a, b);
}

static bool
features_empty(const struct table_view *v)
{
    struct table_view empty;

    memset(&empty, 0, sizeof empty);
    empty.eviction = empty.vacancy = -1;
    return features_equal(v, &empty);
}

static bool
stats_equal(const struct table_view *a, const struct table_view *b)
{
    return a->active_count == b->active_count
           && a->lookup_count == b->lookup_count
           && a->matched_count == b->matched_count;
}

/* Appends NAMES (N of them) separated by SEP, abbreviated as ovs-ofctl
 * does: three or more names that differ only in consecutive trailing
 * numbers become "reg0...reg15", and a run of names sharing a prefix up
 * to an underscore becomes "eth_{src,dst}" (recursively). */
static void
format_names(struct buf *b, const char *const *names, size_t n, char sep)
{
    size_t i = 0;

    while (i < n) {
        const char *name = names[i];
        size_t len = strlen(name), stem = len, j;
        const char *us = strchr(name, '_');

        if (i) {
            buf_put_char(b, sep);
        }

        /* A numbered run: same stem, consecutive numbers. */
        while (stem && name[stem - 1] >= '0' && name[stem - 1] <= '9') {
            stem--;
        }
        if (stem && stem < len) {
            long first = strtol(name + stem, NULL, 10);
            j = i + 1;
            while (j < n && strlen(names[j]) > stem
                   && !strncmp(names[j], name, stem)
                   && strspn(names[j] + stem, "0123456789")
                          == strlen(names[j] + stem)
                   && strtol(names[j] + stem, NULL, 10)
                          == first + (long) (j - i)) {
                j++;
            }
            if (j - i >= 3) {
                buf_printf(b, "%s...%s", name, names[j - 1]);
                i = j;
                continue;
            }
        }

        /* A run sharing the prefix up to the first underscore. */
        j = i + 1;
        if (us) {
            size_t plen = (size_t) (us - name) + 1;
            while (j < n && !strncmp(names[j], name, plen)) {
                j++;
            }
            if (j - i > 1) {
                const char **rest = xmalloc((j - i) * sizeof *rest);
                for (size_t k = i; k < j; k++) {
                    rest[k - i] = names[k] + plen;
                }
                buf_printf(b, "%.*s{", (int) plen, name);
                format_names(b, rest, j - i, ',');
                buf_put_char(b, '}');
                free(rest);
                i = j;
                continue;
            }
        }
        buf_put_cstr(b, name);
        i++;
    }
}

/* Appends the fields of FS, abbreviated, after a space. */
static void
format_field_set(struct buf *b, const struct field_set *fs)
{
    const char *names[N_OVS_FIELDS];
    size_t n = 0;

    for (size_t i = 0; i < N_OVS_FIELDS; i++) {
        if (field_set_has(fs, (int) i)) {
            names[n++] = ovs_field_order[i];
        }
    }
    buf_put_char(b, ' ');
    format_names(b, names, n, ' ');
}

static void
format_bits_names(struct buf *b, uint32_t bits, const struct type_name *t,
                  size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (bits & (1u << i)) {
            buf_printf(b, " %s", t[i].name);
        }
    }
}

static void
format_action_view(struct buf *b, const struct action_view *av)
{
    if (av->actions) {
        buf_put_cstr(b, "        actions:");
        format_bits_names(b, av->actions, ovs_actions,
                          ARRAY_SIZE(ovs_actions));
        buf_put_char(b, '\n');
    }
    if (!field_set_empty(&av->set_fields)) {
        buf_put_cstr(b, "        supported on Set-Field:");
        format_field_set(b, &av->set_fields);
        buf_put_char(b, '\n');
    }
}

static void
format_next_tables(struct buf *b, const uint64_t next[4])
{
    bool any = false;

    for (int t = 0; t < OF_TABLE_ALL;) {
        int end = t;

        if (!(next[t / 64] >> (t % 64) & 1)) {
            t++;
            continue;
        }
        while (end + 1 < OF_TABLE_ALL
               && next[(end + 1) / 64] >> ((end + 1) % 64) & 1) {
            end++;
        }
        buf_put_cstr(b, any ? "," : "      next tables: ");
        if (end == t) {
            buf_printf(b, "%d", t);
        } else {
            buf_printf(b, "%d-%d", t, end);
        }
        any = true;
        t = end + 1;
    }
    if (any) {
        buf_put_char(b, '\n');
    }
}

static void
format_instruction_view(struct buf *b, const struct instruction_view *iv,
                        const struct instruction_view *prev)
{
    format_next_tables(b, iv->next);
    if (iv->instructions) {
        if (prev && iv->instructions == prev->instructions) {
            buf_put_cstr(b, "      (same instructions)\n");
        } else {
            buf_put_cstr(b, "      instructions:");
            format_bits_names(b, iv->instructions, ovs_instructions,
                              ARRAY_SIZE(ovs_instructions));
            buf_put_char(b, '\n');
        }
    }
    /* ovs-ofctl abbreviates repeated actions only when they include
     * set-field support. */
    if (prev && action_view_equal(&iv->write, &prev->write)
        && action_view_equal(&iv->apply, &prev->apply)
        && !field_set_empty(&iv->write.set_fields)) {
        buf_put_cstr(b, "      (same actions)\n");
    } else if (!action_view_equal(&iv->write, &iv->apply)) {
        buf_put_cstr(b, "      Write-Actions features:\n");
        format_action_view(b, &iv->write);
        buf_put_cstr(b, "      Apply-Actions features:\n");
        format_action_view(b, &iv->apply);
    } else if (iv->write.actions || !field_set_empty(&iv->write.set_fields)) {
        buf_put_cstr(b, "      Write-Actions and Apply-Actions features:\n");
        format_action_view(b, &iv->write);
    }
}

static void
format_matching(struct buf *b, const struct table_view *v)
{
    struct field_set exact = v->match, wild = v->wildcard;

    for (size_t i = 0; i < ARRAY_SIZE(exact.w); i++) {
        wild.w[i] &= ~v->mask.w[i];
        exact.w[i] &= ~(v->mask.w[i] | v->wildcard.w[i]);
    }
    buf_put_cstr(b, "    matching:\n");
    if (!field_set_empty(&v->mask)) {
        buf_put_cstr(b, "      arbitrary mask:");
        format_field_set(b, &v->mask);
        buf_put_char(b, '\n');
    }
    if (!field_set_empty(&wild)) {
        buf_put_cstr(b, "      exact match or wildcard:");
        format_field_set(b, &wild);
        buf_put_char(b, '\n');
    }
    if (!field_set_empty(&exact)) {
        buf_put_cstr(b, "      must exact match:");
        format_field_set(b, &exact);
        buf_put_char(b, '\n');
    }
}

/* Prints a pending run of unnamed "ditto" tables. */
static void
format_ditto_run(struct buf *b, int first, int last)
{
    if (first < 0) {
        return;
    }
    if (first == last) {
        buf_printf(b, "\n  table %d: ditto\n", first);
    } else {
        buf_printf(b, "\n  tables %d...%d: ditto\n", first, last);
    }
}

static void
format_table_view(struct buf *b, const struct table_view *v,
                  const struct table_view *prev, int *first_ditto,
                  int *last_ditto)
{
    bool same_stats = !v->has_stats || (prev && stats_equal(v, prev));
    bool same_features = prev && features_equal(v, prev);

    if (same_stats && same_features && !v->name[0]) {
        if (*first_ditto < 0) {
            *first_ditto = v->table_id;
        }
        *last_ditto = v->table_id;
        return;
    }
    format_ditto_run(b, *first_ditto, *last_ditto);
    *first_ditto = -1;

    buf_printf(b, "\n  table %u", v->table_id);
    if (v->name[0]) {
        buf_printf(b, " (\"%s\")", v->name);
    }
    buf_put_char(b, ':');
    if (same_stats && same_features) {
        buf_put_cstr(b, " ditto");
        return;
    }
    buf_put_char(b, '\n');
    if (v->has_stats) {
        buf_printf(b,
                   "    active=%" PRIu32 ", lookup=%" PRIu64
                   ", matched=%" PRIu64 "\n",
                   v->active_count, v->lookup_count, v->matched_count);
    }
    if (same_features) {
        if (!features_empty(v)) {
            buf_put_cstr(b, "    (same features)\n");
        }
        return;
    }
    if (v->metadata_match || v->metadata_write) {
        buf_printf(b, "    metadata: match=%#" PRIx64 " write=%#" PRIx64 "\n",
                   v->metadata_match, v->metadata_write);
    }
    if (v->eviction >= 0) {
        buf_printf(b, "    eviction: %ssupported\n",
                   v->eviction ? "" : "not ");
    }
    if (v->vacancy >= 0) {
        buf_printf(b, "    vacancy events: %ssupported\n",
                   v->vacancy ? "" : "not ");
    }
    if (v->max_entries) {
        buf_printf(b, "    max_entries=%" PRIu32 "\n", v->max_entries);
    }
    if (prev && instruction_view_equal(&v->nonmiss, &prev->nonmiss)
        && instruction_view_equal(&v->miss, &prev->miss)) {
        if (!instruction_view_empty(&v->nonmiss)) {
            buf_put_cstr(b, "    (same instructions)\n");
        }
    } else if (!instruction_view_equal(&v->nonmiss, &v->miss)) {
        buf_put_cstr(b, "    instructions (other than table miss):\n");
        format_instruction_view(b, &v->nonmiss, prev ? &prev->nonmiss : NULL);
        buf_put_cstr(b, "    instructions (table miss):\n");
        format_instruction_view(b, &v->miss, prev ? &prev->miss : NULL);
    } else if (!instruction_view_empty(&v->nonmiss)) {
        buf_put_cstr(b, "    instructions (table miss and others):\n");
        format_instruction_view(b, &v->nonmiss, prev ? &prev->nonmiss : NULL);
    }
    if (!field_set_empty(&v->match)) {
        /* ovs-ofctl compares only the matchable fields here. */
        if (prev && !memcmp(&v->match, &prev->match, sizeof v->match)) {
            buf_put_cstr(b, "    (same matching)\n");
        } else {
            format_matching(b, v);
        }
    }
}

static void
format_table_views(struct buf *b, const struct table_view *views, size_t n)
{
    int first_ditto = -1, last_ditto = -1;

    for (size_t i = 0; i < n; i++) {
        format_table_view(b, &views[i], i ? &views[i - 1] : NULL, &first_ditto,
                          &last_ditto);
    }
    format_ditto_run(b, first_ditto, last_ditto);
}

void
of_table_stats_reply_format(struct buf *b, uint8_t version,
                            const struct of_table_stats_list *list)
{
    struct table_view *views = xmalloc((list->n + 1) * sizeof *views);

    for (size_t i = 0; i < list->n; i++) {
        view_from_stats(&views[i], version, &list->stats[i]);
    }
    format_table_views(b, views, list->n);
    free(views);
}

void
of_table_features_format(struct buf *b, uint8_t version,
                         const struct of_table_features_list *list)
{
    struct table_view *views = xmalloc((list->n + 1) * sizeof *views);

    for (size_t i = 0; i < list->n; i++) {
        view_from_features(&views[i], version, &list->tables[i]);
    }
    format_table_views(b, views, list->n);
    free(views);
}

/* ---------------------------------------------------------------------
 * Printing.
 * --------------------------------------------------------------------- */

enum of_err
of_table_msg_format(struct buf *b, const struct of_msg *msg)
{
    enum of_err err;

    switch (msg->type) {
    case OF_T_TABLE_MOD: {
        struct of_table_mod tm;
        err = of_table_mod_decode(msg, &tm);
        if (!err) {
            of_table_mod_format(b, msg->version, &tm);
        }
        return err;
    }
    case OF_T_TABLE_STATS_REQUEST:
    case OF_T_TABLE_DESC_REQUEST:
        return msg->body_len ? OF_ERR_OFPBRC_BAD_LEN : 0;
    case OF_T_TABLE_DESC_REPLY: {
        struct of_table_desc *tds;
        size_t n;
        err = of_table_desc_reply_decode(msg, &tds, &n);
        if (!err) {
            buf_put_cstr(b, "\n");
            /* A blank line between tables, as ovs-ofctl prints. */
            for (size_t i = 0; i < n; i++) {
                if (i) {
                    buf_put_cstr(b, "\n");
                }
                of_table_desc_format(b, &tds[i]);
            }
        }
        free(tds);
        return err;
    }
    case OF_T_TABLE_STATUS: {
        struct of_table_status ts;
        err = of_table_status_decode(msg, &ts);
        if (!err) {
            of_table_status_format(b, &ts);
        }
        return err;
    }
    case OF_T_TABLE_STATS_REPLY: {
        struct of_table_stats_list list;
        err = of_table_stats_reply_decode(msg, &list);
        if (!err) {
            of_table_stats_reply_format(b, msg->version, &list);
        }
        of_table_stats_list_destroy(&list);
        return err;
    }
    case OF_T_TABLE_FEATURES_REQUEST:
    case OF_T_TABLE_FEATURES_REPLY: {
        struct of_table_features_list list;
        err = of_table_features_decode(msg, &list);
        if (!err) {
            of_table_features_format(b, msg->version, &list);
        }
        of_table_features_list_destroy(&list);
        return err;
    }
    default:
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
}
