/* ofp-packet.c: packet-in and packet-out (see ofp-packet.h). */
#include "ofctl/ofp-packet.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/flow.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "ofctl/ofp-actions.h"
#include "ofctl/ofp-match.h"
#include "ofctl/text.h"

#define PIN10_LEN 10 /* buffer_id, total_len, in_port, reason, pad. */
#define PIN12_LEN 8  /* buffer_id, total_len, reason, table_id. */
#define NXPIN_LEN 24 /* ... cookie, match_len, pad[6]. */
#define PO10_LEN 8   /* buffer_id, in_port, actions_len. */
#define PO11_LEN 16  /* buffer_id, in_port(32), actions_len, pad[6]. */
#define PO15_LEN 8   /* buffer_id, actions_len, pad[2]; then match. */

/* NXT_PACKET_IN2 property types. */
enum {
    NXPINT_PACKET = 0,
    NXPINT_FULL_LEN = 1,
    NXPINT_BUFFER_ID = 2,
    NXPINT_TABLE_ID = 3,
    NXPINT_COOKIE = 4,
    NXPINT_REASON = 5,
    NXPINT_METADATA = 6,
    NXPINT_USERDATA = 7,
    NXPINT_CONTINUATION = 8,
};

static uint32_t
port_to_wire(uint16_t port)
{
    return port >= OF_PORT_MAX ? 0xffff0000u | port : port;
}

static bool
port_from_wire(uint32_t port, uint16_t *out)
{
    if (port < OF_PORT_MAX || port >= 0xffffff00u) {
        *out = port & 0xffff;
        return true;
    }
    return false;
}

static uint8_t *
dup_bytes(const void *p, size_t n)
{
    uint8_t *copy = xmalloc(n ? n : 1);
    memcpy(copy, p, n);
    return copy;
}

void
of_match_set_in_port(struct of_match *m, uint16_t port)
{
    const struct of_field *f = of_field_from_id(OF_F_IN_PORT);
    union of_value v;
    of_value_from_u64(f, &v, port);
    of_match_set(m, f, &v, NULL);
}

uint16_t
of_match_get_in_port(const struct of_match *m)
{
    const struct of_field *f = of_field_from_id(OF_F_IN_PORT);
    union of_value v, mask;
    of_match_get(m, f, &v, &mask);
    return of_value_is_zero(f, &mask) ? OF_PORT_NONE : of_value_to_u64(f, &v);
}

/* ---------------------------------------------------------------------
 * Packet-in.
 * --------------------------------------------------------------------- */

void
of_packet_in_init(struct of_packet_in *pin)
{
    memset(pin, 0, sizeof *pin);
    pin->buffer_id = OF_BUFFER_NONE;
    pin->cookie = OF_COOKIE_NONE;
    of_match_init_catchall(&pin->match);
}

void
of_packet_in_destroy(struct of_packet_in *pin)
{
    free(pin->packet);
    free(pin->userdata);
    free(pin->continuation);
    of_packet_in_init(pin);
}

static bool
bytes_equal(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    return an == bn && (!an || !memcmp(a, b, an));
}

bool
of_packet_in_equal(const struct of_packet_in *a, const struct of_packet_in *b)
{
    return a->buffer_id == b->buffer_id && a->total_len == b->total_len
           && a->reason == b->reason && a->table_id == b->table_id
           && a->cookie == b->cookie && of_match_equal(&a->match, &b->match)
           && bytes_equal(a->packet, a->packet_len, b->packet, b->packet_len)
           && bytes_equal(a->userdata, a->userdata_len, b->userdata,
                          b->userdata_len)
           && bytes_equal(a->continuation, a->continuation_len,
                          b->continuation, b->continuation_len);
}

/* Starts an NXT_PACKET_IN2 property of TYPE and returns its offset. */
static size_t
prop_start(struct buf *b, uint16_t type)
{
    size_t start = b->len;
    of_buf_put16(b, type);
    of_buf_put16(b, 0);
    return start;
}

/* Sets the property's length (without padding) and pads it to 8. */
static void
prop_end(struct buf *b, size_t start)
{
    of_put16(b->data + start + 2, b->len - start);
    of_buf_pad8(b, start);
}

static void
prop_put_u32(struct buf *b, uint16_t type, uint32_t v)
{
    size_t start = prop_start(b, type);
    of_buf_put32(b, v);
    prop_end(b, start);
}

static void
prop_put_u8(struct buf *b, uint16_t type, uint8_t v)
{
    size_t start = prop_start(b, type);
    buf_put_u8(b, v);
    prop_end(b, start);
}

static void
prop_put_bytes(struct buf *b, uint16_t type, const void *p, size_t n)
{
    size_t start = prop_start(b, type);
    buf_put(b, p, n);
    prop_end(b, start);
}

/* Writes the properties in Open vSwitch's order, with the ones it always
 * writes (packet, table_id, reason, metadata) always present, so that the
 * bytes compare equal with what it sends. */
static void
encode_pin2(const struct of_packet_in *pin, uint8_t version, struct buf *b)
{
    prop_put_bytes(b, NXPINT_PACKET, pin->packet, pin->packet_len);
    if (pin->total_len != pin->packet_len) {
        prop_put_u32(b, NXPINT_FULL_LEN, pin->total_len);
    }
    prop_put_u8(b, NXPINT_TABLE_ID, pin->table_id);
    if (pin->cookie != OF_COOKIE_NONE) {
        size_t start = prop_start(b, NXPINT_COOKIE);
        of_buf_put32(b, 0);
        of_buf_put64(b, pin->cookie);
        prop_end(b, start);
    }
    prop_put_u8(b, NXPINT_REASON, pin->reason);
    size_t start = prop_start(b, NXPINT_METADATA);
    of_match_put_nxm(&pin->match, true, version, 0, 0, b);
    prop_end(b, start);
    if (pin->buffer_id != OF_BUFFER_NONE) {
        prop_put_u32(b, NXPINT_BUFFER_ID, pin->buffer_id);
    }
    if (pin->userdata_len) {
        prop_put_bytes(b, NXPINT_USERDATA, pin->userdata, pin->userdata_len);
    }
    if (pin->continuation_len) {
        prop_put_bytes(b, NXPINT_CONTINUATION, pin->continuation,
                       pin->continuation_len);
    }
}

enum of_err
of_packet_in_encode(const struct of_packet_in *pin, enum of_type type,
                    uint8_t version, uint32_t xid, struct buf *b)
{
    of_msg_start(b, type, version, xid);
    if (type == OF_T_NXT_PACKET_IN2) {
        encode_pin2(pin, version, b);
    } else if (type == OF_T_NXT_PACKET_IN) {
        size_t body = b->len;
        of_buf_put32(b, pin->buffer_id);
        of_buf_put16(b, pin->total_len);
        buf_put_u8(b, pin->reason);
        buf_put_u8(b, pin->table_id);
        of_buf_put64(b, pin->cookie);
        of_buf_put16(b, 0);
        buf_put_zeros(b, 6);
        size_t mstart = b->len;
        size_t mlen = of_match_put_nxm(&pin->match, false, version, 0, 0, b);
        of_put16(b->data + body + 16, mlen);
        of_buf_pad8(b, mstart);
        buf_put_zeros(b, 2);
        buf_put(b, pin->packet, pin->packet_len);
    } else if (version == OF_V10) {
        of_buf_put32(b, pin->buffer_id);
        of_buf_put16(b, pin->total_len);
        of_buf_put16(b, of_match_get_in_port(&pin->match));
        buf_put_u8(b, pin->reason);
        buf_put_u8(b, 0);
        buf_put(b, pin->packet, pin->packet_len);
    } else {
        of_buf_put32(b, pin->buffer_id);
        of_buf_put16(b, pin->total_len);
        buf_put_u8(b, pin->reason);
        buf_put_u8(b, pin->table_id);
        if (version >= OF_V13) {
            of_buf_put64(b, pin->cookie);
        }
        of_match_put_ofp(&pin->match, version, b);
        buf_put_zeros(b, 2);
        buf_put(b, pin->packet, pin->packet_len);
    }
    of_msg_finish(b);
    return OF_ERR_NONE;
}

/* Decodes the NXT_PACKET_IN2 properties of MSG into PIN. */
static enum of_err
decode_pin2(const struct of_msg *msg, struct of_packet_in *pin)
{
    struct of_cursor c;
    bool have_full_len = false;
    uint32_t seen = 0;

    of_cursor_init(&c, msg->body, msg->body_len);
    while (c.left) {
        const uint8_t *h = of_cursor_peek(&c, 4);
        if (!h) {
            return OF_ERR_OFPBPC_BAD_LEN;
        }
        uint16_t type = of_get16(h), plen = of_get16(h + 2);
        if (plen < 4 || !of_cursor_pull(&c, (plen + 7u) & ~7u)) {
            return OF_ERR_OFPBPC_BAD_LEN;
        }
        const uint8_t *p = h + 4;
        size_t n = plen - 4;
        if (type < 32 && seen & (1u << type)) {
            return OF_ERR_OFPBPC_DUP_TYPE;
        }
        seen |= type < 32 ? 1u << type : 0;
        enum of_err err;
        switch (type) {
        case NXPINT_PACKET:
            pin->packet = dup_bytes(p, n);
            pin->packet_len = n;
            break;
        case NXPINT_FULL_LEN:
        case NXPINT_BUFFER_ID:
            if (n != 4) {
                return OF_ERR_OFPBPC_BAD_LEN;
            }
            if (type == NXPINT_FULL_LEN) {
                pin->total_len = of_get32(p);
                have_full_len = true;
            } else {
                pin->buffer_id = of_get32(p);
            }
            break;
        case NXPINT_TABLE_ID:
        case NXPINT_REASON:
            if (n != 1) {
                return OF_ERR_OFPBPC_BAD_LEN;
            }
            *(type == NXPINT_TABLE_ID ? &pin->table_id : &pin->reason) = *p;
            break;
        case NXPINT_COOKIE:
            if (n != 12) {
                return OF_ERR_OFPBPC_BAD_LEN;
            }
            pin->cookie = of_get64(p + 4);
            break;
        case NXPINT_METADATA:
            err = of_match_pull_nxm(p, n, true, &pin->match, NULL, NULL);
            if (err) {
                return err;
            }
            break;
        case NXPINT_USERDATA:
            pin->userdata = dup_bytes(p, n);
            pin->userdata_len = n;
            break;
        case NXPINT_CONTINUATION:
            pin->continuation = dup_bytes(p, n);
            pin->continuation_len = n;
            break;
        default:
            return OF_ERR_OFPBPC_BAD_TYPE;
        }
    }
    if (!have_full_len) {
        pin->total_len = pin->packet_len;
    }
    return OF_ERR_NONE;
}

static enum of_err
decode_pin(const struct of_msg *msg, struct of_packet_in *pin)
{
    const uint8_t *p = msg->body;
    size_t n = msg->body_len;

    if (msg->type == OF_T_NXT_PACKET_IN2) {
        return decode_pin2(msg, pin);
    }
    if (msg->type == OF_T_NXT_PACKET_IN) {
        if (n < NXPIN_LEN) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        size_t mlen = of_get16(p + 16);
        size_t padded = (mlen + 7) & ~(size_t) 7;
        if (n < NXPIN_LEN + padded + 2) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        pin->buffer_id = of_get32(p);
        pin->total_len = of_get16(p + 4);
        pin->reason = p[6];
        pin->table_id = p[7];
        pin->cookie = of_get64(p + 8);
        enum of_err err = of_match_pull_nxm(p + NXPIN_LEN, mlen, false,
                                            &pin->match, NULL, NULL);
        if (err) {
            return err;
        }
        p += NXPIN_LEN + padded + 2;
        n -= NXPIN_LEN + padded + 2;
    } else if (msg->version == OF_V10) {
        if (n < PIN10_LEN) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        pin->buffer_id = of_get32(p);
        pin->total_len = of_get16(p + 4);
        of_match_set_in_port(&pin->match, of_get16(p + 6));
        pin->reason = p[8];
        p += PIN10_LEN;
        n -= PIN10_LEN;
    } else {
        size_t fixed = PIN12_LEN + (msg->version >= OF_V13 ? 8 : 0);
        struct of_cursor c;
        if (n < fixed) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        pin->buffer_id = of_get32(p);
        pin->total_len = of_get16(p + 4);
        pin->reason = p[6];
        pin->table_id = p[7];
        pin->cookie =
            msg->version >= OF_V13 ? of_get64(p + 8) : OF_COOKIE_NONE;
        of_cursor_init(&c, p + fixed, n - fixed);
        enum of_err err = of_match_pull_ofp(&c, msg->version, &pin->match);
        if (err) {
            return err;
        }
        if (!of_cursor_pull(&c, 2)) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        p = c.p;
        n = c.left;
    }
    pin->packet = dup_bytes(p, n);
    pin->packet_len = n;
    return OF_ERR_NONE;
}

enum of_err
of_packet_in_decode(const struct of_msg *msg, struct of_packet_in *pin)
{
    of_packet_in_init(pin);
    if (msg->type != OF_T_PACKET_IN && msg->type != OF_T_NXT_PACKET_IN
        && msg->type != OF_T_NXT_PACKET_IN2) {
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
    enum of_err err = decode_pin(msg, pin);
    if (err) {
        of_packet_in_destroy(pin);
    }
    return err;
}

static const char *const pin_reasons[] = {
    [OF_PIN_NO_MATCH] = "no_match",
    [OF_PIN_ACTION] = "action",
    [OF_PIN_INVALID_TTL] = "invalid_ttl",
    [OF_PIN_ACTION_SET] = "action_set",
    [OF_PIN_GROUP] = "group",
    [OF_PIN_PACKET_OUT] = "packet_out",
};

void
of_packet_in_format(const struct of_packet_in *pin, enum of_type type,
                    uint8_t version, struct buf *b)
{
    (void) type;
    (void) version;
    if (pin->table_id) {
        buf_printf(b, " table_id=%u", pin->table_id);
    }
    if (pin->cookie != OF_COOKIE_NONE) {
        buf_printf(b, " cookie=0x%" PRIx64, pin->cookie);
    }
    buf_printf(b, " total_len=%" PRIu32 " ", pin->total_len);
    of_match_format(&pin->match, OF_DEFAULT_PRIORITY, b);
    if (pin->reason < ARRAY_SIZE(pin_reasons)) {
        buf_printf(b, " (via %s)", pin_reasons[pin->reason]);
    } else {
        buf_printf(b, " (via %u)", pin->reason);
    }
    buf_printf(b, " data_len=%zu", pin->packet_len);
    if (pin->buffer_id == OF_BUFFER_NONE) {
        buf_put_cstr(b, " (unbuffered)");
    } else {
        buf_printf(b, " buffer=0x%08" PRIx32, pin->buffer_id);
    }
    if (pin->userdata_len) {
        buf_put_cstr(b, "\n userdata=");
        for (size_t i = 0; i < pin->userdata_len; i++) {
            buf_printf(b, "%s%02x", i ? "." : "", pin->userdata[i]);
        }
    }
    if (pin->continuation_len) {
        buf_printf(b, "\n continuation.len=%zu", pin->continuation_len);
    }
    if (pin->packet_len) {
        buf_put_char(b, '\n');
        of_packet_summary_format(pin->packet, pin->packet_len, b);
    }
}

/* ---------------------------------------------------------------------
 * Packet-out.
 * --------------------------------------------------------------------- */

void
of_packet_out_init(struct of_packet_out *po)
{
    memset(po, 0, sizeof *po);
    po->buffer_id = OF_BUFFER_NONE;
    of_match_init_catchall(&po->match);
    of_match_set_in_port(&po->match, OF_PORT_NONE);
    of_acts_init(&po->acts);
}

void
of_packet_out_destroy(struct of_packet_out *po)
{
    free(po->packet);
    of_acts_destroy(&po->acts);
    of_packet_out_init(po);
}

bool
of_packet_out_equal(const struct of_packet_out *a,
                    const struct of_packet_out *b)
{
    return a->buffer_id == b->buffer_id && of_match_equal(&a->match, &b->match)
           && of_acts_equal(&a->acts, &b->acts)
           && bytes_equal(a->packet, a->packet_len, b->packet, b->packet_len);
}

enum of_err
of_packet_out_encode(const struct of_packet_out *po, uint8_t version,
                     uint32_t xid, struct buf *b)
{
    uint16_t in_port = of_match_get_in_port(&po->match);
    size_t alen_ofs;

    if (version < OF_V15) {
        struct of_match only_port;
        of_match_init_catchall(&only_port);
        of_match_set_in_port(&only_port, in_port);
        if (!of_match_equal(&only_port, &po->match)) {
            return OF_ERR_OFPBMC_BAD_FIELD;
        }
    }
    of_msg_start(b, OF_T_PACKET_OUT, version, xid);
    size_t body = b->len;
    of_buf_put32(b, po->buffer_id);
    if (version == OF_V10) {
        of_buf_put16(b, in_port);
        alen_ofs = b->len;
        of_buf_put16(b, 0);
    } else if (version < OF_V15) {
        of_buf_put32(b, port_to_wire(in_port));
        alen_ofs = b->len;
        of_buf_put16(b, 0);
        buf_put_zeros(b, 6);
    } else {
        alen_ofs = b->len;
        of_buf_put16(b, 0);
        buf_put_zeros(b, 2);
        of_match_put_ofp(&po->match, version, b);
    }
    size_t astart = b->len;
    enum of_err err =
        of_acts_encode_actions(&po->acts, &po->match, version, b);
    if (err) {
        return err;
    }
    of_put16(b->data + alen_ofs, b->len - astart);
    (void) body;
    buf_put(b, po->packet, po->packet_len);
    of_msg_finish(b);
    return OF_ERR_NONE;
}

static enum of_err
decode_po(const struct of_msg *msg, struct of_packet_out *po)
{
    const uint8_t *p = msg->body;
    size_t n = msg->body_len, alen;
    struct of_cursor c;

    if (msg->type != OF_T_PACKET_OUT) {
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
    of_cursor_init(&c, p, n);
    if (msg->version == OF_V10) {
        if (!of_cursor_pull(&c, PO10_LEN)) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        of_match_set_in_port(&po->match, of_get16(p + 4));
        alen = of_get16(p + 6);
    } else if (msg->version < OF_V15) {
        uint16_t port;
        if (!of_cursor_pull(&c, PO11_LEN)) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        if (!port_from_wire(of_get32(p + 4), &port)) {
            return OF_ERR_OFPBRC_BAD_PORT;
        }
        of_match_set_in_port(&po->match, port);
        alen = of_get16(p + 8);
    } else {
        if (!of_cursor_pull(&c, PO15_LEN)) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        alen = of_get16(p + 4);
        of_match_init_catchall(&po->match);
        enum of_err err = of_match_pull_ofp(&c, msg->version, &po->match);
        if (err) {
            return err;
        }
        if (!of_match_has(&po->match, of_field_from_id(OF_F_IN_PORT))) {
            of_match_set_in_port(&po->match, OF_PORT_NONE);
        }
    }
    po->buffer_id = of_get32(p);
    const uint8_t *acts = of_cursor_pull(&c, alen);
    if (!acts) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    /* The actions are checked against the packet when it is executed,
     * not against the metadata here, as the switch does. */
    enum of_err err =
        of_acts_decode(acts, alen, msg->version, false, NULL, &po->acts);
    if (err) {
        return err;
    }
    po->packet = dup_bytes(c.p, c.left);
    po->packet_len = c.left;
    return OF_ERR_NONE;
}

enum of_err
of_packet_out_decode(const struct of_msg *msg, struct of_packet_out *po)
{
    of_packet_out_init(po);
    enum of_err err = decode_po(msg, po);
    if (err) {
        of_packet_out_destroy(po);
    }
    return err;
}

/* Parses hex digits (spaces and dots allowed between bytes, as ovs-ofctl
 * allows) into a new buffer. */
static char *
parse_hex(const char *s, uint8_t **data, size_t *len)
{
    struct buf b = BUF_INITIALIZER;
    while (*s) {
        if (isspace((unsigned char) *s) || *s == '.') {
            s++;
            continue;
        }
        if (!isxdigit((unsigned char) s[0])
            || !isxdigit((unsigned char) s[1])) {
            buf_destroy(&b);
            return xasprintf("%s: bad hex packet data", s);
        }
        char pair[3] = { s[0], s[1], 0 };
        buf_put_u8(&b, strtoul(pair, NULL, 16));
        s += 2;
    }
    *len = b.len;
    *data = dup_bytes(b.data, b.len);
    buf_destroy(&b);
    return NULL;
}

static char *
parse_actions(struct of_packet_out *po, const char *s)
{
    struct of_act_parse_ctx ctx = { .match = &po->match, .base = s };
    char *err = of_acts_parse(s, &po->acts, &ctx);
    if (err) {
        char *msg = xasprintf("actions: %s", err);
        free(err);
        return msg;
    }
    return NULL;
}

char *
of_packet_out_parse(struct of_packet_out *po, const char *s)
{
    char *copy = xstrdup(s), *pos = copy, *key, *value, *arrow;
    char *err = NULL;

    of_packet_out_init(po);
    while (!err && of_text_next_kv(&pos, &key, &value, &arrow)) {
        uint64_t u;
        if (!strcmp(key, "actions")) {
            /* Everything after "actions=" is the action list. */
            err = parse_actions(po, s + (value - copy));
            break;
        } else if (!strcmp(key, "in_port")) {
            uint16_t port;
            if (!of_port_parse(value, &port)) {
                err = xasprintf("in_port: %s: bad port", value);
            } else {
                of_match_set_in_port(&po->match, port);
            }
        } else if (!strcmp(key, "packet")) {
            free(po->packet);
            po->packet = NULL;
            err = parse_hex(value, &po->packet, &po->packet_len);
        } else if (!strcmp(key, "buffer_id")) {
            if (!of_text_parse_uint(value, UINT32_MAX, &u)) {
                err = xasprintf("buffer_id: %s: bad number", value);
            } else {
                po->buffer_id = u;
            }
        } else {
            const struct of_field *f = of_field_from_name(key);
            if (!f) {
                err = xasprintf("%s: unknown keyword", key);
            } else {
                union of_value v, m;
                err = of_field_parse(f, value, &v, &m);
                if (!err) {
                    of_match_set(&po->match, f, &v, &m);
                }
            }
        }
    }
    free(copy);
    if (err) {
        of_packet_out_destroy(po);
    }
    return err;
}

char *
of_packet_out_parse_args(struct of_packet_out *po, const char *in_port,
                         const char *actions, const char *packet)
{
    uint16_t port;
    char *err = NULL;

    of_packet_out_init(po);
    if (!of_port_parse(in_port, &port)) {
        err = xasprintf("%s: bad port", in_port);
    } else {
        of_match_set_in_port(&po->match, port);
        err = parse_actions(po, actions);
        if (!err) {
            free(po->packet);
            po->packet = NULL;
            err = parse_hex(packet, &po->packet, &po->packet_len);
        }
    }
    if (err) {
        of_packet_out_destroy(po);
    }
    return err;
}

void
of_packet_out_format(const struct of_packet_out *po, struct buf *b)
{
    buf_put_char(b, ' ');
    of_match_format(&po->match, OF_DEFAULT_PRIORITY, b);
    buf_put_cstr(b, " actions=");
    of_acts_format(&po->acts, b);
    if (po->buffer_id == OF_BUFFER_NONE) {
        buf_printf(b, " data_len=%zu", po->packet_len);
    } else {
        buf_printf(b, " buffer=0x%08" PRIx32, po->buffer_id);
    }
    if (po->packet_len) {
        buf_put_char(b, '\n');
        of_packet_summary_format(po->packet, po->packet_len, b);
    }
}

/* Where each L4 protocol keeps its checksum, and how ovs-ofctl names it
 * after the packet's flow. */
static const struct {
    uint8_t proto;
    size_t ofs;
    size_t len;
    const char *name;
} l4_csums[] = {
    { 6, 16, 2, "tcp_csum" },   { 17, 6, 2, "udp_csum" },
    { 132, 8, 4, "sctp_csum" }, { 1, 2, 2, "icmp_csum" },
    { 58, 2, 2, "icmp6_csum" },
};

void
of_packet_summary_format(const void *packet, size_t len, struct buf *b)
{
    struct pkt *p = pkt_from_data(packet, len);
    struct of_match m;
    struct flow flow;

    flow_extract(p, &flow);

    /* The summary is the flow as an exact match on what the packet has:
     * every header field, none of the datapath metadata, then whatever
     * the protocol's prerequisites rule out dropped. */
    of_match_init_catchall(&m);
    m.flow = flow;
    memset(&m.mask, 0xff, sizeof m.mask);
    memset(&m.flow.tunnel, 0, sizeof m.flow.tunnel);
    memset(&m.mask.tunnel, 0, sizeof m.mask.tunnel);
    m.flow.in_port = m.mask.in_port = 0;
    m.flow.pkt_mark = m.mask.pkt_mark = 0;
    m.flow.recirc_id = m.mask.recirc_id = 0;
    m.flow.dp_hash = m.mask.dp_hash = 0;
    m.mask.pad1 = m.mask.pad2 = 0;
    for (size_t i = 1; i < FLOW_MAX_VLAN_HEADERS; i++) {
        memset(&m.mask.vlans[i], 0, sizeof m.mask.vlans[i]);
        memset(&m.flow.vlans[i], 0, sizeof m.flow.vlans[i]);
    }
    of_match_normalize(&m, NULL);
    of_match_format(&m, OF_DEFAULT_PRIORITY, b);

    const uint8_t *l4 = pkt_l4(p);
    bool is_ip =
        flow.dl_type == htons(0x0800) || flow.dl_type == htons(0x86dd);
    if (l4 && is_ip && !(flow.nw_frag & FLOW_NW_FRAG_LATER)) {
        for (size_t i = 0; i < ARRAY_SIZE(l4_csums); i++) {
            if (l4_csums[i].proto == flow.nw_proto
                && pkt_l4_size(p) >= l4_csums[i].ofs + l4_csums[i].len) {
                uint32_t csum = l4_csums[i].len == 2
                                    ? of_get16(l4 + l4_csums[i].ofs)
                                    : of_get32(l4 + l4_csums[i].ofs);
                buf_printf(b, " %s:%0*" PRIx32, l4_csums[i].name,
                           (int) l4_csums[i].len * 2, csum);
            }
        }
    }
    pkt_delete(p);
}

enum of_err
of_packet_msg_format(const struct of_msg *msg, struct buf *b)
{
    struct of_packet_in pin;
    struct of_packet_out po;
    enum of_err err;

    if (msg->type == OF_T_PACKET_OUT) {
        err = of_packet_out_decode(msg, &po);
        if (!err) {
            of_packet_out_format(&po, b);
            of_packet_out_destroy(&po);
        }
        return err;
    }
    err = of_packet_in_decode(msg, &pin);
    if (!err) {
        of_packet_in_format(&pin, msg->type, msg->version, b);
        of_packet_in_destroy(&pin);
    }
    return err;
}
