/* ofp-bundle.c: bundle messages (see ofp-bundle.h). */
#include "ofctl/ofp-bundle.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

#define BC_LEN 8 /* bundle_id, type (pad for add), flags. */
#define FLAGS_ALL (OF_BF_ATOMIC | OF_BF_ORDERED)

/* Messages that may travel inside a bundle: the ones Open vSwitch
 * applies atomically (it refuses meter and table mods in bundles). */
static const enum of_type bundlable[] = {
    OF_T_FLOW_MOD, OF_T_NXT_FLOW_MOD, OF_T_GROUP_MOD,
    OF_T_PORT_MOD, OF_T_PACKET_OUT,
};

static const char *const ctrl_names[] = {
    "OPEN_REQUEST",   "OPEN_REPLY",   "CLOSE_REQUEST",   "CLOSE_REPLY",
    "COMMIT_REQUEST", "COMMIT_REPLY", "DISCARD_REQUEST", "DISCARD_REPLY",
};

/* Checks that LEN bytes at P are well-formed properties (each a type, a
 * length of at least 4 and padding to 8). */
static enum of_err
check_props(const uint8_t *p, size_t len)
{
    struct of_cursor c;
    of_cursor_init(&c, p, len);
    while (c.left) {
        const uint8_t *h = of_cursor_peek(&c, 4);
        if (!h || of_get16(h + 2) < 4
            || !of_cursor_pull(&c, (of_get16(h + 2) + 7u) & ~7u)) {
            return OF_ERR_OFPBPC_BAD_LEN;
        }
    }
    return len > OF_BUNDLE_MAX_PROPS ? OF_ERR_OFPBPC_TOO_MANY : OF_ERR_NONE;
}

void
of_bundle_ctrl_encode(const struct of_bundle_ctrl *bc, uint8_t version,
                      uint32_t xid, struct buf *b)
{
    of_msg_start(
        b, version == OF_V13 ? OF_T_ONFT_BUNDLE_CONTROL : OF_T_BUNDLE_CONTROL,
        version, xid);
    of_buf_put32(b, bc->bundle_id);
    of_buf_put16(b, bc->type);
    of_buf_put16(b, bc->flags);
    buf_put(b, bc->props, bc->props_len);
    of_msg_finish(b);
}

enum of_err
of_bundle_ctrl_decode(const struct of_msg *msg, struct of_bundle_ctrl *bc)
{
    memset(bc, 0, sizeof *bc);
    if (msg->type != OF_T_BUNDLE_CONTROL
        && msg->type != OF_T_ONFT_BUNDLE_CONTROL) {
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
    if (msg->body_len < BC_LEN) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    uint16_t type = of_get16(msg->body + 4);
    uint16_t flags = of_get16(msg->body + 6);
    if (type > OF_BCT_DISCARD_REPLY) {
        return OF_ERR_OFPBFC_BAD_TYPE;
    }
    if (flags & ~FLAGS_ALL) {
        return OF_ERR_OFPBFC_BAD_FLAGS;
    }
    enum of_err err = check_props(msg->body + BC_LEN, msg->body_len - BC_LEN);
    if (err) {
        return err;
    }
    bc->bundle_id = of_get32(msg->body);
    bc->type = type;
    bc->flags = flags;
    bc->props_len = msg->body_len - BC_LEN;
    memcpy(bc->props, msg->body + BC_LEN, bc->props_len);
    return OF_ERR_NONE;
}

void
of_bundle_add_encode(const struct of_bundle_add *ba, uint8_t version,
                     struct buf *b)
{
    uint32_t xid = ba->msg_len >= 8 ? of_get32(ba->msg + 4) : 0;
    of_msg_start(b, version == OF_V13 ? OF_T_ONFT_BUNDLE_ADD : OF_T_BUNDLE_ADD,
                 version, xid);
    size_t body = b->len;
    of_buf_put32(b, ba->bundle_id);
    of_buf_put16(b, 0);
    of_buf_put16(b, ba->flags);
    buf_put(b, ba->msg, ba->msg_len);
    if (ba->props_len) {
        /* Properties start 8-aligned after the inner message. */
        of_buf_pad8(b, body);
        buf_put(b, ba->props, ba->props_len);
    }
    of_msg_finish(b);
}

static bool
is_bundlable(enum of_type type)
{
    for (size_t i = 0; i < ARRAY_SIZE(bundlable); i++) {
        if (bundlable[i] == type) {
            return true;
        }
    }
    return false;
}

enum of_err
of_bundle_add_decode(const struct of_msg *msg, struct of_bundle_add *ba)
{
    memset(ba, 0, sizeof *ba);
    if (msg->type != OF_T_BUNDLE_ADD && msg->type != OF_T_ONFT_BUNDLE_ADD) {
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
    if (msg->body_len < BC_LEN) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    const uint8_t *inner = msg->body + BC_LEN;
    size_t left = msg->body_len - BC_LEN;
    if (left < sizeof(struct of_header)) {
        return OF_ERR_OFPBFC_MSG_BAD_LEN;
    }
    if (inner[0] != msg->version) {
        return OF_ERR_OFPBRC_BAD_VERSION;
    }
    size_t inner_len = of_get16(inner + 2);
    if (inner_len < sizeof(struct of_header) || inner_len > left) {
        return OF_ERR_OFPBFC_MSG_BAD_LEN;
    }
    if (of_get32(inner + 4) != msg->xid) {
        return OF_ERR_OFPBFC_MSG_BAD_XID;
    }
    struct of_msg im;
    if (of_msg_decode(inner, inner_len, &im) || !is_bundlable(im.type)) {
        return OF_ERR_OFPBFC_MSG_UNSUP;
    }
    /* Anything after the inner message is padding to 8 and properties. */
    size_t padded = (BC_LEN + inner_len + 7) / 8 * 8 - BC_LEN;
    const uint8_t *props = inner + padded;
    size_t props_len = 0;
    if (left > inner_len) {
        if (left < padded) {
            return OF_ERR_OFPBFC_MSG_BAD_LEN;
        }
        props_len = left - padded;
        enum of_err err = check_props(props, props_len);
        if (err) {
            return err;
        }
    }
    ba->bundle_id = of_get32(msg->body);
    ba->flags = of_get16(msg->body + 6);
    if (ba->flags & ~FLAGS_ALL) {
        return OF_ERR_OFPBFC_BAD_FLAGS;
    }
    ba->msg = xmalloc(inner_len);
    memcpy(ba->msg, inner, inner_len);
    ba->msg_len = inner_len;
    memcpy(ba->props, props, props_len);
    ba->props_len = props_len;
    return OF_ERR_NONE;
}

void
of_bundle_add_destroy(struct of_bundle_add *ba)
{
    free(ba->msg);
    memset(ba, 0, sizeof *ba);
}

static void
format_flags(uint16_t flags, struct buf *b)
{
    buf_put_cstr(b, " flags=");
    if (!flags) {
        buf_put_cstr(b, "0");
    }
    if (flags & OF_BF_ATOMIC) {
        buf_put_cstr(b, "atomic");
    }
    if (flags & OF_BF_ORDERED) {
        buf_put_cstr(b, flags & OF_BF_ATOMIC ? " ordered" : "ordered");
    }
}

void
of_bundle_ctrl_format(const struct of_bundle_ctrl *bc, struct buf *b)
{
    buf_printf(b, " bundle_id=%#" PRIx32 " type=", bc->bundle_id);
    if ((size_t) bc->type < ARRAY_SIZE(ctrl_names)) {
        buf_put_cstr(b, ctrl_names[bc->type]);
    } else {
        buf_printf(b, "%u", (unsigned) bc->type);
    }
    format_flags(bc->flags, b);
}

void
of_bundle_add_format(const struct of_bundle_add *ba, struct buf *b)
{
    buf_printf(b, " bundle_id=%#" PRIx32, ba->bundle_id);
    format_flags(ba->flags, b);
}

enum of_err
of_bundle_msg_format(const struct of_msg *msg, struct buf *b)
{
    struct of_bundle_ctrl bc;
    struct of_bundle_add ba;
    enum of_err err;

    if (msg->type == OF_T_BUNDLE_ADD || msg->type == OF_T_ONFT_BUNDLE_ADD) {
        err = of_bundle_add_decode(msg, &ba);
        if (!err) {
            buf_put_char(b, '\n');
            of_bundle_add_format(&ba, b);
            of_bundle_add_destroy(&ba);
        }
        return err;
    }
    err = of_bundle_ctrl_decode(msg, &bc);
    if (!err) {
        buf_put_char(b, '\n');
        of_bundle_ctrl_format(&bc, b);
    }
    return err;
}
