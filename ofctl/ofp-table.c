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
#include "ofctl/ofp-table.h"

/* ---------------------------------------------------------------------
 * Properties (OpenFlow 1.4+ style: type, length, body, pad to 8).
 * --------------------------------------------------------------------- */

/* Pulls one property from C: *TYPE, and *BODY the bytes after its
 * header.  OF_ERR_OFPBPC_BAD_LEN if it does not fit. */
static enum of_err
prop_pull(struct of_cursor *c, uint16_t *type, struct of_cursor *body,
          const uint8_t **whole, size_t *whole_len)
{
    const uint8_t *h = of_cursor_peek(c, 4);
    size_t len, padded;

    if (!h) {
        return OF_ERR_OFPBPC_BAD_LEN;
    }
    len = of_get16(h + 2);
    padded = (len + 7) / 8 * 8;
    if (len < 4 || padded > c->left) {
        return OF_ERR_OFPBPC_BAD_LEN;
    }
    *type = of_get16(h);
    of_cursor_init(body, h + 4, len - 4);
    if (whole) {
        *whole = h;
        *whole_len = padded;
    }
    of_cursor_pull(c, padded);
    return 0;
}

static size_t
prop_start(struct buf *b, uint16_t type)
{
    size_t start = b->len;
    of_buf_put16(b, type);
    of_buf_put16(b, 0);
    return start;
}

static void
prop_end(struct buf *b, size_t start)
{
    of_put16(b->data + start + 2, (uint16_t) (b->len - start));
    of_buf_pad8(b, start);
}

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
            size_t p = prop_start(b, TMPT14_EVICTION);
            of_buf_put32(b, tm->eviction_flags);
            prop_end(b, p);
        }
        if (tm->has_vacancy) {
            size_t p = prop_start(b, TMPT14_VACANCY);
            buf_put_u8(b, tm->vacancy_down);
            buf_put_u8(b, tm->vacancy_up);
            buf_put_u8(b, 0); /* Current vacancy: only in replies. */
            buf_put_u8(b, 0);
            prop_end(b, p);
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
        enum of_err err = prop_pull(c, &type, &body, NULL, NULL);

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
            /* A table-mod that ignored part of itself would half-apply. */
            return OF_ERR_OFPBPC_BAD_TYPE;
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

/* The fields an OpenFlow 1.0 table can wildcard, in the order ovs-ofctl
 * lists them, with the wildcard bits that make each one wildcardable. */
static const struct {
    const char *name;
    uint32_t bits;
} ofp10_wildcard_fields[] = {
    { "in_port", 1u << 0 },   { "eth_src", 1u << 2 },
    { "eth_dst", 1u << 3 },   { "eth_type", 1u << 4 },
    { "vlan_vid", 1u << 1 },  { "vlan_pcp", 1u << 20 },
    { "ip_src", 0x3fu << 8 }, { "ip_dst", 0x3fu << 14 },
    { "nw_proto", 1u << 5 },  { "nw_tos", 1u << 21 },
    { "tcp_src", 1u << 6 },   { "tcp_dst", 1u << 7 },
};

/* Appends NAMES (N of them), folding runs that share a prefix up to the
 * first '_' into "prefix_{a,b}" as ovs-ofctl does. */
static void
format_field_names(struct buf *b, const char *const *names, size_t n)
{
    size_t i = 0;

    while (i < n) {
        const char *us = strchr(names[i], '_');
        size_t plen = us ? (size_t) (us - names[i]) + 1 : 0;
        size_t j = i + 1;

        while (plen && j < n && !strncmp(names[j], names[i], plen)) {
            j++;
        }
        buf_put_char(b, ' ');
        if (j - i == 1) {
            buf_put_cstr(b, names[i]);
        } else {
            buf_printf(b, "%.*s{", (int) plen, names[i]);
            for (size_t k = i; k < j; k++) {
                buf_printf(b, "%s%s", k > i ? "," : "", names[k] + plen);
            }
            buf_put_char(b, '}');
        }
        i = j;
    }
}

static void
format_ofp10_matching(struct buf *b, uint32_t wildcards)
{
    const char *names[ARRAY_SIZE(ofp10_wildcard_fields)];
    size_t n = 0;

    for (size_t i = 0; i < ARRAY_SIZE(ofp10_wildcard_fields); i++) {
        if (wildcards & ofp10_wildcard_fields[i].bits) {
            names[n++] = ofp10_wildcard_fields[i].name;
        }
    }
    if (n) {
        buf_put_cstr(b, "    matching:\n      exact match or wildcard:");
        format_field_names(b, names, n);
        buf_put_char(b, '\n');
    }
}

void
of_table_stats_reply_format(struct buf *b, uint8_t version,
                            const struct of_table_stats_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        const struct of_table_stats *ts = &list->stats[i];

        buf_printf(b, "\n  table %u", ts->table_id);
        if (version == OF_V10 && ts->name[0]) {
            buf_printf(b, " (\"%s\")", ts->name);
        }
        buf_printf(b,
                   ":\n    active=%" PRIu32 ", lookup=%" PRIu64
                   ", matched=%" PRIu64 "\n",
                   ts->active_count, ts->lookup_count, ts->matched_count);
        if (version != OF_V10) {
            continue;
        }
        /* ovs-ofctl abbreviates features equal to the previous table's. */
        if (i && ts->max_entries == list->stats[i - 1].max_entries
            && ts->wildcards == list->stats[i - 1].wildcards) {
            buf_put_cstr(b, "    (same features)\n");
            continue;
        }
        buf_printf(b, "    max_entries=%" PRIu32 "\n", ts->max_entries);
        format_ofp10_matching(b, ts->wildcards);
    }
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
    size_t p = prop_start(b, (uint16_t) type);

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
    prop_end(b, p);
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
        if (ids->n == cap) {
            cap = cap ? cap * 2 : 16;
            ids->ids = xrealloc(ids->ids, cap * sizeof *ids->ids);
        }
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
        const uint8_t *whole;
        struct of_cursor body;
        size_t whole_len;
        uint16_t type;
        enum of_err err;

        err = prop_pull(&props, &type, &body, &whole, &whole_len);
        if (err) {
            return err;
        }
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

        if (list->n == cap) {
            cap = cap ? cap * 2 : 8;
            list->tables = xrealloc(list->tables, cap * sizeof *list->tables);
        }
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

void
of_table_features_format(struct buf *b,
                         const struct of_table_features_list *list)
{
    static const char *const prop_names[OF_TFPT_N / 2] = {
        "instructions", "next_tables", "write_actions",  "apply_actions",
        "match",        "wildcards",   "write_setfield", "apply_setfield",
    };

    for (size_t i = 0; i < list->n; i++) {
        const struct of_table_features *tf = &list->tables[i];

        buf_printf(b, "\n  table %u", tf->table_id);
        if (tf->name[0]) {
            buf_printf(b, " (\"%s\")", tf->name);
        }
        buf_printf(b,
                   ":\n    metadata: match=%#" PRIx64 " write=%#" PRIx64
                   "\n    max_entries=%" PRIu32 "\n",
                   tf->metadata_match, tf->metadata_write, tf->max_entries);
        for (int t = 0; t < OF_TFPT_N; t++) {
            if (tf->props[t].present) {
                buf_printf(b, "    %s%s: %zu\n", prop_names[t / 2],
                           t & 1 ? "_miss" : "", tf->props[t].n);
            }
        }
        if (tf->other_len) {
            buf_printf(b, "    other properties: %zu bytes\n", tf->other_len);
        }
    }
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
        return msg->body_len ? OF_ERR_OFPBRC_BAD_LEN : 0;
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
            of_table_features_format(b, &list);
        }
        of_table_features_list_destroy(&list);
        return err;
    }
    default:
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
}
