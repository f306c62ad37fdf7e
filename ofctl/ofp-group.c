/* ofp-group.c: group messages on the wire (see ofp-group.h). */
#include "ofctl/ofp-group.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofctl/ofp-actions.h"

/* Wire sizes of the fixed parts. */
#define GM11_LEN 8      /* command, type, pad, group_id. */
#define GM15_LEN 16     /* ... + bucket_array_len, pad, cmd bucket. */
#define BUCKET11_LEN 16 /* len, weight, watch_port/group, pad. */
#define BUCKET15_LEN 8  /* len, action_array_len, bucket_id. */
#define GD11_LEN 8      /* length, type, pad, group_id. */
#define GD15_LEN 16     /* ... + bucket_list_len, pad[6]. */
#define GS_REQ_LEN 8    /* group_id, pad. */
#define GS11_LEN 32     /* OpenFlow 1.1/1.2 group stats. */
#define GS13_LEN 40     /* ... + duration. */
#define GF_LEN 40       /* group features. */

/* OpenFlow 1.5 bucket property types. */
enum { BP_WEIGHT = 0, BP_WATCH_PORT = 1, BP_WATCH_GROUP = 2 };

/* Netronome's experimenter id and the selection_method property, which
 * Open vSwitch uses for select groups. */
#define NTR_VENDOR 0x0000154du
#define NTR_SELECTION_METHOD 1
#define NTR_PROP_LEN 40

/* OpenFlow 1.1+ ports are 32 bits; the model holds 1.0 numbers. */
static uint32_t
port_to_wire(uint16_t port)
{
    return port >= OF_PORT_MAX ? 0xffff0000u | port : port;
}

static enum of_err
port_from_wire(uint32_t port, uint16_t *out)
{
    if (port < OF_PORT_MAX) {
        *out = port;
    } else if (port >= 0xffffff00u) {
        *out = port & 0xffff;
    } else {
        return OF_ERR_OFPBRC_BAD_PORT;
    }
    return OF_ERR_NONE;
}

void
of_group_init(struct of_group *g)
{
    memset(g, 0, sizeof *g);
    g->command = OF_GC_ADD;
    g->type = OF_GT_ALL;
    g->command_bucket_id = OF_BUCKET_ALL;
}

void
of_group_destroy(struct of_group *g)
{
    for (size_t i = 0; i < g->n_buckets; i++) {
        of_acts_destroy(&g->buckets[i].acts);
    }
    free(g->buckets);
    of_group_init(g);
}

struct of_bucket *
of_group_add_bucket(struct of_group *g)
{
    g->buckets = xrealloc(g->buckets, (g->n_buckets + 1) * sizeof *g->buckets);
    struct of_bucket *b = &g->buckets[g->n_buckets];
    b->bucket_id = g->n_buckets;
    b->weight = g->type == OF_GT_SELECT ? 1 : 0;
    b->watch_port = OF_PORT_NONE;
    b->watch_group = OF_GROUP_ANY;
    of_acts_init(&b->acts);
    g->n_buckets++;
    return b;
}

bool
of_group_equal(const struct of_group *a, const struct of_group *b)
{
    if (a->command != b->command || a->type != b->type
        || a->group_id != b->group_id
        || a->command_bucket_id != b->command_bucket_id
        || a->n_buckets != b->n_buckets
        || strcmp(a->props.method, b->props.method)
        || a->props.param != b->props.param
        || a->props.fields_len != b->props.fields_len
        || memcmp(a->props.fields, b->props.fields, a->props.fields_len)) {
        return false;
    }
    for (size_t i = 0; i < a->n_buckets; i++) {
        const struct of_bucket *x = &a->buckets[i], *y = &b->buckets[i];
        if (x->bucket_id != y->bucket_id || x->weight != y->weight
            || x->watch_port != y->watch_port
            || x->watch_group != y->watch_group
            || !of_acts_equal(&x->acts, &y->acts)) {
            return false;
        }
    }
    return true;
}

/* ---------------------------------------------------------------------
 * Buckets.
 * --------------------------------------------------------------------- */

/* Appends G's buckets in VERSION's layout. */
static enum of_err
put_buckets(const struct of_group *g, uint8_t version, struct buf *b)
{
    for (size_t i = 0; i < g->n_buckets; i++) {
        const struct of_bucket *bk = &g->buckets[i];
        size_t start = b->len;
        enum of_err err;

        if (version < OF_V15) {
            of_buf_put16(b, 0);
            of_buf_put16(b, bk->weight);
            of_buf_put32(b, port_to_wire(bk->watch_port));
            of_buf_put32(b, bk->watch_group);
            of_buf_put32(b, 0);
            err = of_acts_encode_actions(&bk->acts, NULL, version, b);
            if (err) {
                return err;
            }
        } else {
            of_buf_put16(b, 0);
            of_buf_put16(b, 0);
            of_buf_put32(b, bk->bucket_id);
            size_t acts_start = b->len;
            err = of_acts_encode_actions(&bk->acts, NULL, version, b);
            if (err) {
                return err;
            }
            of_put16(b->data + start + 2, b->len - acts_start);
            /* Open vSwitch writes the weight only for select groups and
             * the watches only when set, so the bytes compare equal. */
            if (g->type == OF_GT_SELECT) {
                of_buf_put16(b, BP_WEIGHT);
                of_buf_put16(b, 8);
                of_buf_put16(b, bk->weight);
                of_buf_put16(b, 0);
            }
            if (bk->watch_port != OF_PORT_NONE) {
                of_buf_put16(b, BP_WATCH_PORT);
                of_buf_put16(b, 8);
                of_buf_put32(b, port_to_wire(bk->watch_port));
            }
            if (bk->watch_group != OF_GROUP_ANY) {
                of_buf_put16(b, BP_WATCH_GROUP);
                of_buf_put16(b, 8);
                of_buf_put32(b, bk->watch_group);
            }
        }
        of_put16(b->data + start, b->len - start);
    }
    return OF_ERR_NONE;
}

/* Decodes OpenFlow 1.5 bucket properties in LEN bytes at P. */
static enum of_err
pull_bucket_props(const uint8_t *p, size_t len, struct of_bucket *bk)
{
    struct of_cursor c;
    of_cursor_init(&c, p, len);
    while (c.left) {
        const uint8_t *h = of_cursor_peek(&c, 4);
        if (!h) {
            return OF_ERR_OFPBPC_BAD_LEN;
        }
        uint16_t type = of_get16(h), plen = of_get16(h + 2);
        if (plen < 4 || !of_cursor_pull(&c, (plen + 7u) & ~7u)) {
            return OF_ERR_OFPBPC_BAD_LEN;
        }
        if (type <= BP_WATCH_GROUP && plen != 8) {
            return OF_ERR_OFPBPC_BAD_LEN;
        }
        enum of_err err;
        switch (type) {
        case BP_WEIGHT:
            bk->weight = of_get16(h + 4);
            break;
        case BP_WATCH_PORT:
            err = port_from_wire(of_get32(h + 4), &bk->watch_port);
            if (err) {
                return OF_ERR_OFPGMFC_BAD_WATCH;
            }
            break;
        case BP_WATCH_GROUP:
            bk->watch_group = of_get32(h + 4);
            break;
        default:
            return OF_ERR_OFPBPC_BAD_TYPE;
        }
    }
    return OF_ERR_NONE;
}

/* Decodes LEN bytes of buckets at P into G (whose type must be set). */
static enum of_err
pull_buckets(const uint8_t *p, size_t len, uint8_t version, struct of_group *g)
{
    struct of_cursor c;
    of_cursor_init(&c, p, len);
    while (c.left) {
        size_t fixed = version < OF_V15 ? BUCKET11_LEN : BUCKET15_LEN;
        const uint8_t *h = of_cursor_peek(&c, fixed);
        if (!h) {
            return OF_ERR_OFPGMFC_BAD_BUCKET;
        }
        uint16_t blen = of_get16(h);
        if (blen < fixed || blen % 8 || !of_cursor_pull(&c, blen)) {
            return OF_ERR_OFPGMFC_BAD_BUCKET;
        }
        struct of_bucket *bk = of_group_add_bucket(g);
        enum of_err err;
        if (version < OF_V15) {
            bk->weight = of_get16(h + 2);
            if (port_from_wire(of_get32(h + 4), &bk->watch_port)) {
                return OF_ERR_OFPGMFC_BAD_WATCH;
            }
            bk->watch_group = of_get32(h + 8);
            err = of_acts_decode(h + fixed, blen - fixed, version, false, NULL,
                                 &bk->acts);
        } else {
            uint16_t alen = of_get16(h + 2);
            bk->bucket_id = of_get32(h + 4);
            bk->weight = 0;
            if (bk->bucket_id > OF_BUCKET_MAX) {
                return OF_ERR_OFPGMFC_BAD_BUCKET;
            }
            if (alen > blen - fixed) {
                return OF_ERR_OFPGMFC_BAD_BUCKET;
            }
            err = of_acts_decode(h + fixed, alen, version, false, NULL,
                                 &bk->acts);
            if (!err) {
                err = pull_bucket_props(h + fixed + alen, blen - fixed - alen,
                                        bk);
            }
        }
        if (err) {
            return err;
        }
    }
    return OF_ERR_NONE;
}

/* Appends the selection_method property if G has one (1.5 only). */
static void
put_group_props(const struct of_group *g, struct buf *b)
{
    if (!g->props.method[0]) {
        return;
    }
    size_t start = b->len;
    of_buf_put16(b, 0xffff);
    of_buf_put16(b, NTR_PROP_LEN + g->props.fields_len);
    of_buf_put32(b, NTR_VENDOR);
    of_buf_put32(b, NTR_SELECTION_METHOD);
    of_buf_put32(b, 0);
    char name[16] = { 0 };
    memcpy(name, g->props.method, strnlen(g->props.method, 15));
    buf_put(b, name, sizeof name);
    of_buf_put64(b, g->props.param);
    buf_put(b, g->props.fields, g->props.fields_len);
    of_buf_pad8(b, start);
}

static enum of_err
pull_group_props(const uint8_t *p, size_t len, struct of_group *g)
{
    struct of_cursor c;
    of_cursor_init(&c, p, len);
    while (c.left) {
        const uint8_t *h = of_cursor_peek(&c, 4);
        if (!h) {
            return OF_ERR_OFPBPC_BAD_LEN;
        }
        uint16_t type = of_get16(h), plen = of_get16(h + 2);
        if (plen < 4 || !of_cursor_pull(&c, (plen + 7u) & ~7u)) {
            return OF_ERR_OFPBPC_BAD_LEN;
        }
        if (type != 0xffff) {
            return OF_ERR_OFPBPC_BAD_TYPE;
        }
        if (plen < 12 || of_get32(h + 4) != NTR_VENDOR) {
            return OF_ERR_OFPBPC_BAD_EXPERIMENTER;
        }
        if (of_get32(h + 8) != NTR_SELECTION_METHOD) {
            return OF_ERR_OFPBPC_BAD_EXP_TYPE;
        }
        if (plen < NTR_PROP_LEN
            || (size_t) (plen - NTR_PROP_LEN) > sizeof g->props.fields) {
            return OF_ERR_OFPBPC_BAD_LEN;
        }
        /* The name must be NUL-terminated within its 16 bytes. */
        if (!memchr(h + 16, 0, 16)) {
            return OF_ERR_OFPBPC_BAD_VALUE;
        }
        memcpy(g->props.method, h + 16, 16);
        g->props.param = of_get64(h + 32);
        g->props.fields_len = plen - NTR_PROP_LEN;
        memcpy(g->props.fields, h + NTR_PROP_LEN, g->props.fields_len);
    }
    return OF_ERR_NONE;
}

/* ---------------------------------------------------------------------
 * Group-mod.
 * --------------------------------------------------------------------- */

enum of_err
of_group_mod_encode(const struct of_group *g, uint8_t version, uint32_t xid,
                    struct buf *b)
{
    if (version < OF_V11) {
        return OF_ERR_OFPBRC_BAD_VERSION;
    }
    if (version < OF_V15 && g->command > OF_GC_DELETE
        && g->command != OF_GC_ADD_OR_MOD) {
        return OF_ERR_OFPGMFC_BAD_COMMAND;
    }
    of_msg_start(b, OF_T_GROUP_MOD, version, xid);
    size_t body = b->len;
    of_buf_put16(b, g->command);
    buf_put_u8(b, g->type);
    buf_put_u8(b, 0);
    of_buf_put32(b, g->group_id);
    if (version >= OF_V15) {
        of_buf_put16(b, 0);
        of_buf_put16(b, 0);
        of_buf_put32(b, g->command_bucket_id);
    }
    size_t bstart = b->len;
    enum of_err err = put_buckets(g, version, b);
    if (err) {
        return err;
    }
    if (version >= OF_V15) {
        of_put16(b->data + body + 8, b->len - bstart);
        put_group_props(g, b);
    }
    of_msg_finish(b);
    return OF_ERR_NONE;
}

/* The group-mod commands each version knows, as a table. */
static bool
command_ok(uint16_t cmd, uint8_t version)
{
    switch (cmd) {
    case OF_GC_ADD:
    case OF_GC_MODIFY:
    case OF_GC_DELETE:
    case OF_GC_ADD_OR_MOD:
        return true;
    case OF_GC_INSERT_BUCKET:
    case OF_GC_REMOVE_BUCKET:
        return version >= OF_V15;
    default:
        return false;
    }
}

enum of_err
of_group_mod_decode(const struct of_msg *msg, struct of_group *g)
{
    const uint8_t *p = msg->body;
    size_t fixed = msg->version >= OF_V15 ? GM15_LEN : GM11_LEN;
    enum of_err err;

    of_group_init(g);
    if (msg->type != OF_T_GROUP_MOD || msg->body_len < fixed) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    uint16_t cmd = of_get16(p);
    if (!command_ok(cmd, msg->version)) {
        return OF_ERR_OFPGMFC_BAD_COMMAND;
    }
    if (p[2] > OF_GT_FF) {
        return OF_ERR_OFPGMFC_BAD_TYPE;
    }
    g->command = cmd;
    g->type = p[2];
    g->group_id = of_get32(p + 4);
    size_t blen = msg->body_len - fixed;
    if (msg->version >= OF_V15) {
        g->command_bucket_id = of_get32(p + 12);
        if ((size_t) of_get16(p + 8) > blen) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        blen = of_get16(p + 8);
    }
    err = pull_buckets(p + fixed, blen, msg->version, g);
    if (!err && msg->version >= OF_V15) {
        err = pull_group_props(p + fixed + blen, msg->body_len - fixed - blen,
                               g);
    }
    if (err) {
        of_group_destroy(g);
    }
    return err;
}

/* ---------------------------------------------------------------------
 * Group-desc.
 * --------------------------------------------------------------------- */

void
of_group_desc_request_encode(uint32_t group_id, uint8_t version, uint32_t xid,
                             struct buf *b)
{
    of_msg_start(b, OF_T_GROUP_DESC_REQUEST, version, xid);
    if (version >= OF_V15) {
        of_buf_put32(b, group_id);
        of_buf_put32(b, 0);
    }
    of_msg_finish(b);
}

enum of_err
of_group_desc_request_decode(const struct of_msg *msg, uint32_t *group_id)
{
    *group_id = OF_GROUP_ALL;
    if (msg->version < OF_V15) {
        return msg->body_len ? OF_ERR_OFPBRC_BAD_LEN : OF_ERR_NONE;
    }
    if (msg->body_len != 8) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    *group_id = of_get32(msg->body);
    return OF_ERR_NONE;
}

enum of_err
of_group_desc_reply_encode(const struct of_group *groups, size_t n,
                           uint8_t version, uint32_t xid, struct buf *b)
{
    of_msg_start(b, OF_T_GROUP_DESC_REPLY, version, xid);
    for (size_t i = 0; i < n; i++) {
        const struct of_group *g = &groups[i];
        size_t start = b->len;
        of_buf_put16(b, 0);
        buf_put_u8(b, g->type);
        buf_put_u8(b, 0);
        of_buf_put32(b, g->group_id);
        if (version >= OF_V15) {
            buf_put_zeros(b, 8);
        }
        size_t bstart = b->len;
        enum of_err err = put_buckets(g, version, b);
        if (err) {
            return err;
        }
        if (version >= OF_V15) {
            of_put16(b->data + start + 8, b->len - bstart);
            put_group_props(g, b);
        }
        of_put16(b->data + start, b->len - start);
    }
    of_msg_finish(b);
    return OF_ERR_NONE;
}

enum of_err
of_group_desc_reply_decode(const struct of_msg *msg, struct of_group **groupsp,
                           size_t *np)
{
    struct of_group *groups = NULL;
    size_t n = 0;
    size_t fixed = msg->version >= OF_V15 ? GD15_LEN : GD11_LEN;
    enum of_err err = OF_ERR_NONE;
    struct of_cursor c;

    of_cursor_init(&c, msg->body, msg->body_len);
    while (c.left) {
        const uint8_t *h = of_cursor_peek(&c, fixed);
        uint16_t len = h ? of_get16(h) : 0;
        if (!h || len < fixed || !of_cursor_pull(&c, len)) {
            err = OF_ERR_OFPBRC_BAD_LEN;
            break;
        }
        groups = xrealloc(groups, (n + 1) * sizeof *groups);
        struct of_group *g = &groups[n++];
        of_group_init(g);
        if (h[2] > OF_GT_FF) {
            err = OF_ERR_OFPGMFC_BAD_TYPE;
            break;
        }
        g->type = h[2];
        g->group_id = of_get32(h + 4);
        size_t blen = len - fixed;
        if (msg->version >= OF_V15) {
            if ((size_t) of_get16(h + 8) > blen) {
                err = OF_ERR_OFPBRC_BAD_LEN;
                break;
            }
            blen = of_get16(h + 8);
        }
        err = pull_buckets(h + fixed, blen, msg->version, g);
        if (!err && msg->version >= OF_V15) {
            err = pull_group_props(h + fixed + blen, len - fixed - blen, g);
        }
        if (err) {
            break;
        }
    }
    if (err) {
        for (size_t i = 0; i < n; i++) {
            of_group_destroy(&groups[i]);
        }
        free(groups);
        groups = NULL;
        n = 0;
    }
    *groupsp = groups;
    *np = n;
    return err;
}

/* ---------------------------------------------------------------------
 * Group statistics and features.
 * --------------------------------------------------------------------- */

void
of_group_stats_request_encode(uint32_t group_id, uint8_t version, uint32_t xid,
                              struct buf *b)
{
    of_msg_start(b, OF_T_GROUP_STATS_REQUEST, version, xid);
    of_buf_put32(b, group_id);
    of_buf_put32(b, 0);
    of_msg_finish(b);
}

enum of_err
of_group_stats_request_decode(const struct of_msg *msg, uint32_t *group_id)
{
    if (msg->body_len != GS_REQ_LEN) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    *group_id = of_get32(msg->body);
    return OF_ERR_NONE;
}

void
of_group_stats_reply_encode(const struct of_group_stats *s, size_t n,
                            uint8_t version, uint32_t xid, struct buf *b)
{
    of_msg_start(b, OF_T_GROUP_STATS_REPLY, version, xid);
    for (size_t i = 0; i < n; i++) {
        size_t fixed = version >= OF_V13 ? GS13_LEN : GS11_LEN;
        of_buf_put16(b, fixed + 16 * s[i].n_buckets);
        of_buf_put16(b, 0);
        of_buf_put32(b, s[i].group_id);
        of_buf_put32(b, s[i].ref_count);
        of_buf_put32(b, 0);
        of_buf_put64(b, s[i].packets);
        of_buf_put64(b, s[i].bytes);
        if (version >= OF_V13) {
            of_buf_put32(b, s[i].duration_sec);
            of_buf_put32(b, s[i].duration_nsec);
        }
        for (size_t j = 0; j < s[i].n_buckets; j++) {
            of_buf_put64(b, s[i].buckets[j].packets);
            of_buf_put64(b, s[i].buckets[j].bytes);
        }
    }
    of_msg_finish(b);
}

void
of_group_stats_free(struct of_group_stats *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(s[i].buckets);
    }
    free(s);
}

enum of_err
of_group_stats_reply_decode(const struct of_msg *msg,
                            struct of_group_stats **sp, size_t *np)
{
    struct of_group_stats *s = NULL;
    size_t n = 0;
    size_t fixed = msg->version >= OF_V13 ? GS13_LEN : GS11_LEN;
    struct of_cursor c;

    *sp = NULL;
    *np = 0;
    of_cursor_init(&c, msg->body, msg->body_len);
    while (c.left) {
        const uint8_t *h = of_cursor_peek(&c, fixed);
        uint16_t len = h ? of_get16(h) : 0;
        if (!h || len < fixed || (len - fixed) % 16
            || !of_cursor_pull(&c, len)) {
            of_group_stats_free(s, n);
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        s = xrealloc(s, (n + 1) * sizeof *s);
        struct of_group_stats *gs = &s[n++];
        memset(gs, 0, sizeof *gs);
        gs->group_id = of_get32(h + 4);
        gs->ref_count = of_get32(h + 8);
        gs->packets = of_get64(h + 16);
        gs->bytes = of_get64(h + 24);
        gs->duration_sec = gs->duration_nsec = UINT32_MAX;
        if (msg->version >= OF_V13) {
            gs->duration_sec = of_get32(h + 32);
            gs->duration_nsec = of_get32(h + 36);
        }
        gs->n_buckets = (len - fixed) / 16;
        gs->buckets = xmalloc(gs->n_buckets * sizeof *gs->buckets + 1);
        for (size_t j = 0; j < gs->n_buckets; j++) {
            gs->buckets[j].packets = of_get64(h + fixed + 16 * j);
            gs->buckets[j].bytes = of_get64(h + fixed + 16 * j + 8);
        }
    }
    *sp = s;
    *np = n;
    return OF_ERR_NONE;
}

void
of_group_features_reply_encode(const struct of_group_features *f,
                               uint8_t version, uint32_t xid, struct buf *b)
{
    of_msg_start(b, OF_T_GROUP_FEATURES_REPLY, version, xid);
    of_buf_put32(b, f->types);
    of_buf_put32(b, f->capabilities);
    for (int i = 0; i < 4; i++) {
        of_buf_put32(b, f->max_groups[i]);
    }
    for (int i = 0; i < 4; i++) {
        of_buf_put32(b, f->actions[i]);
    }
    of_msg_finish(b);
}

enum of_err
of_group_features_reply_decode(const struct of_msg *msg,
                               struct of_group_features *f)
{
    memset(f, 0, sizeof *f);
    if (msg->body_len != GF_LEN) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    f->types = of_get32(msg->body);
    f->capabilities = of_get32(msg->body + 4);
    for (int i = 0; i < 4; i++) {
        f->max_groups[i] = of_get32(msg->body + 8 + 4 * i);
        f->actions[i] = of_get32(msg->body + 24 + 4 * i);
    }
    return OF_ERR_NONE;
}
