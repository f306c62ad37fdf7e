/* ofp-monitor.c: flow monitor messages (see ofp-monitor.h). */
#include "ofctl/ofp-monitor.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofctl/ofp-actions.h"
#include "ofctl/flow-text.h"
#include "ofctl/ofp-match.h"
#include "ofctl/text.h"

#define NXREQ_LEN 16 /* id, flags, out_port, match_len, table, zeros. */
#define OFREQ_LEN 16 /* id, out_port, out_group, flags, table, command. */
#define UPD_FULL_LEN 24
#define UPD_SHORT_LEN 8

/* Flags: model bit, Nicira wire bit, OpenFlow 1.4 wire bit (0: none). */
static const struct {
    uint16_t model, nx, of14;
    const char *name;
} flag_map[] = {
    { OF_FMF_INITIAL, 0x01, 0x01, "initial" },
    { OF_FMF_ADD, 0x02, 0x02, "add" },
    { OF_FMF_DELETE, 0x04, 0x04, "delete" },
    { OF_FMF_MODIFY, 0x08, 0x08, "modify" },
    { OF_FMF_ACTIONS, 0x10, 0x10, "actions" },
    { OF_FMF_OWN, 0x20, 0x40, "own" },
    { OF_FMF_NO_ABBREV, 0, 0x20, "no_abbrev" },
};

/* Events: model value -> Nicira wire value, OpenFlow 1.4 wire value
 * (-1: none). */
static const struct {
    int nx, of14;
} event_map[] = {
    [OF_FME_INITIAL] = { -1, 0 }, [OF_FME_ADDED] = { 0, 1 },
    [OF_FME_DELETED] = { 1, 2 },  [OF_FME_MODIFIED] = { 2, 3 },
    [OF_FME_ABBREV] = { 3, 4 },   [OF_FME_PAUSED] = { -1, 5 },
    [OF_FME_RESUMED] = { -1, 6 },
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

/* Converts model FLAGS to wire flags (NX or not); false if one has no
 * wire spelling. */
static bool
flags_to_wire(uint16_t flags, bool nx, uint16_t *wire)
{
    *wire = 0;
    for (size_t i = 0; i < ARRAY_SIZE(flag_map); i++) {
        if (flags & flag_map[i].model) {
            uint16_t w = nx ? flag_map[i].nx : flag_map[i].of14;
            if (!w) {
                return false;
            }
            *wire |= w;
            flags &= ~flag_map[i].model;
        }
    }
    return !flags;
}

static bool
flags_from_wire(uint16_t wire, bool nx, uint16_t *flags)
{
    *flags = 0;
    for (size_t i = 0; i < ARRAY_SIZE(flag_map); i++) {
        uint16_t w = nx ? flag_map[i].nx : flag_map[i].of14;
        if (w && wire & w) {
            *flags |= flag_map[i].model;
            wire &= ~w;
        }
    }
    return !wire;
}

void
of_flow_monitor_request_init(struct of_flow_monitor_request *r)
{
    memset(r, 0, sizeof *r);
    r->out_port = OF_PORT_NONE;
    r->out_group = 0xffffffffu;
    r->table_id = 0xff;
    of_match_init_catchall(&r->match);
}

bool
of_flow_monitor_request_equal(const struct of_flow_monitor_request *a,
                              const struct of_flow_monitor_request *b)
{
    return a->id == b->id && a->flags == b->flags && a->out_port == b->out_port
           && a->out_group == b->out_group && a->table_id == b->table_id
           && a->command == b->command && of_match_equal(&a->match, &b->match);
}

enum of_err
of_flow_monitor_request_encode(const struct of_flow_monitor_request *r,
                               size_t n, enum of_type type, uint8_t version,
                               uint32_t xid, struct buf *b)
{
    bool nx = type == OF_T_NXST_FLOW_MONITOR_REQUEST;
    of_msg_start(b, type, version, xid);
    for (size_t i = 0; i < n; i++) {
        uint16_t flags;
        if (!flags_to_wire(r[i].flags, nx, &flags)) {
            return OF_ERR_OFPMOFC_BAD_FLAGS;
        }
        if (nx) {
            size_t start = b->len;
            of_buf_put32(b, r[i].id);
            of_buf_put16(b, flags);
            of_buf_put16(b, r[i].out_port);
            of_buf_put16(b, 0);
            buf_put_u8(b, r[i].table_id);
            buf_put_zeros(b, 5);
            size_t mstart = b->len;
            size_t mlen =
                of_match_put_nxm(&r[i].match, false, version, 0, 0, b);
            of_put16(b->data + start + 8, mlen);
            of_buf_pad8(b, mstart);
        } else {
            of_buf_put32(b, r[i].id);
            of_buf_put32(b, port_to_wire(r[i].out_port));
            of_buf_put32(b, r[i].out_group);
            of_buf_put16(b, flags);
            buf_put_u8(b, r[i].table_id);
            buf_put_u8(b, r[i].command);
            of_match_put_ofp(&r[i].match, version, b);
        }
    }
    of_msg_finish(b);
    return OF_ERR_NONE;
}

/* Decodes one request at the cursor. */
static enum of_err
pull_request(struct of_cursor *c, bool nx, uint8_t version,
             struct of_flow_monitor_request *r)
{
    const uint8_t *h = of_cursor_pull(c, nx ? NXREQ_LEN : OFREQ_LEN);
    uint16_t wire;

    of_flow_monitor_request_init(r);
    if (!h) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    r->id = of_get32(h);
    if (nx) {
        wire = of_get16(h + 4);
        r->out_port = of_get16(h + 6);
        r->table_id = h[10];
        for (int i = 11; i < 16; i++) {
            if (h[i]) {
                return OF_ERR_NXBRC_MUST_BE_ZERO;
            }
        }
        size_t mlen = of_get16(h + 8);
        size_t padded = (mlen + 7) & ~(size_t) 7;
        const uint8_t *m = of_cursor_pull(c, padded);
        if (!m) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        enum of_err err =
            of_match_pull_nxm(m, mlen, false, &r->match, NULL, NULL);
        if (err) {
            return err;
        }
    } else {
        if (!port_from_wire(of_get32(h + 4), &r->out_port)) {
            return OF_ERR_OFPMOFC_BAD_OUT;
        }
        r->out_group = of_get32(h + 8);
        wire = of_get16(h + 12);
        r->table_id = h[14];
        if (h[15] > OF_FMC_DELETE) {
            return OF_ERR_OFPMOFC_BAD_COMMAND;
        }
        r->command = h[15];
        enum of_err err = of_match_pull_ofp(c, version, &r->match);
        if (err) {
            return err;
        }
    }
    if (!flags_from_wire(wire, nx, &r->flags)) {
        return nx ? OF_ERR_OFPMOFC_BAD_FLAGS : OF_ERR_OFPMOFC_BAD_FLAGS;
    }
    return OF_ERR_NONE;
}

enum of_err
of_flow_monitor_request_decode(const struct of_msg *msg,
                               struct of_flow_monitor_request **rp, size_t *np)
{
    bool nx = msg->type == OF_T_NXST_FLOW_MONITOR_REQUEST;
    struct of_flow_monitor_request *r = NULL;
    size_t n = 0;
    struct of_cursor c;

    *rp = NULL;
    *np = 0;
    if (!nx && msg->type != OF_T_FLOW_MONITOR_REQUEST) {
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
    of_cursor_init(&c, msg->body, msg->body_len);
    while (c.left) {
        r = xrealloc(r, (n + 1) * sizeof *r);
        enum of_err err = pull_request(&c, nx, msg->version, &r[n++]);
        if (err) {
            free(r);
            return err;
        }
    }
    *rp = r;
    *np = n;
    return OF_ERR_NONE;
}

/* ---------------------------------------------------------------------
 * Updates.
 * --------------------------------------------------------------------- */

void
of_flow_update_init(struct of_flow_update *u, enum of_fm_event event)
{
    memset(u, 0, sizeof *u);
    u->event = event;
    of_match_init_catchall(&u->match);
    of_acts_init(&u->acts);
}

void
of_flow_update_destroy(struct of_flow_update *u)
{
    of_acts_destroy(&u->acts);
    of_flow_update_init(u, OF_FME_ADDED);
}

static bool
is_full(enum of_fm_event e)
{
    return e <= OF_FME_MODIFIED;
}

bool
of_flow_update_equal(const struct of_flow_update *a,
                     const struct of_flow_update *b)
{
    if (a->event != b->event) {
        return false;
    }
    if (a->event == OF_FME_ABBREV) {
        return a->xid == b->xid;
    }
    if (!is_full(a->event)) {
        return true;
    }
    return a->reason == b->reason && a->idle_timeout == b->idle_timeout
           && a->hard_timeout == b->hard_timeout && a->priority == b->priority
           && a->table_id == b->table_id && a->cookie == b->cookie
           && of_match_equal(&a->match, &b->match)
           && of_acts_equal(&a->acts, &b->acts);
}

static enum of_err
put_update(const struct of_flow_update *u, bool nx, uint8_t version,
           struct buf *b)
{
    int event = nx ? event_map[u->event].nx : event_map[u->event].of14;
    size_t start = b->len;
    enum of_err err = OF_ERR_NONE;

    if (event < 0) {
        return OF_ERR_NXBRC_FM_BAD_EVENT;
    }
    of_buf_put16(b, 0);
    of_buf_put16(b, event);
    if (u->event == OF_FME_ABBREV) {
        of_buf_put32(b, u->xid);
    } else if (!is_full(u->event)) {
        of_buf_put32(b, 0);
    } else if (nx) {
        of_buf_put16(b, u->reason);
        of_buf_put16(b, u->priority);
        of_buf_put16(b, u->idle_timeout);
        of_buf_put16(b, u->hard_timeout);
        of_buf_put16(b, 0);
        buf_put_u8(b, u->table_id);
        buf_put_u8(b, 0);
        of_buf_put64(b, u->cookie);
        size_t mstart = b->len;
        size_t mlen = of_match_put_nxm(&u->match, false, version, 0, 0, b);
        of_put16(b->data + start + 12, mlen);
        of_buf_pad8(b, mstart);
        err = of_acts_encode_actions(&u->acts, &u->match, version, b);
    } else {
        buf_put_u8(b, u->table_id);
        buf_put_u8(b, u->reason);
        of_buf_put16(b, u->idle_timeout);
        of_buf_put16(b, u->hard_timeout);
        of_buf_put16(b, u->priority);
        of_buf_put32(b, 0);
        of_buf_put64(b, u->cookie);
        of_match_put_ofp(&u->match, version, b);
        err = of_acts_encode(&u->acts, &u->match, version, b);
    }
    of_put16(b->data + start, b->len - start);
    return err;
}

enum of_err
of_flow_update_encode(const struct of_flow_update *u, size_t n,
                      enum of_type type, uint8_t version, uint32_t xid,
                      struct buf *b)
{
    bool nx = type == OF_T_NXST_FLOW_MONITOR_REPLY;
    of_msg_start(b, type, version, xid);
    for (size_t i = 0; i < n; i++) {
        enum of_err err = put_update(&u[i], nx, version, b);
        if (err) {
            return err;
        }
    }
    of_msg_finish(b);
    return OF_ERR_NONE;
}

/* Maps wire event EVENT to the model; false if unknown. */
static bool
event_from_wire(uint16_t event, bool nx, enum of_fm_event *out)
{
    for (size_t i = 0; i < ARRAY_SIZE(event_map); i++) {
        if ((nx ? event_map[i].nx : event_map[i].of14) == event) {
            *out = i;
            return true;
        }
    }
    return false;
}

static enum of_err
pull_update(const uint8_t *h, size_t len, bool nx, uint8_t version,
            struct of_flow_update *u)
{
    enum of_fm_event event;
    /* Initialised first: the caller destroys U even on failure. */
    of_flow_update_init(u, OF_FME_ADDED);
    if (!event_from_wire(of_get16(h + 2), nx, &event)) {
        return OF_ERR_NXBRC_FM_BAD_EVENT;
    }
    u->event = event;
    if (!is_full(event)) {
        if (len != UPD_SHORT_LEN) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        u->xid = event == OF_FME_ABBREV ? of_get32(h + 4) : 0;
        return OF_ERR_NONE;
    }
    if (len < UPD_FULL_LEN) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    u->cookie = of_get64(h + 16);
    if (nx) {
        u->reason = of_get16(h + 4);
        u->priority = of_get16(h + 6);
        u->idle_timeout = of_get16(h + 8);
        u->hard_timeout = of_get16(h + 10);
        u->table_id = h[14];
        size_t mlen = of_get16(h + 12);
        size_t padded = (mlen + 7) & ~(size_t) 7;
        if (UPD_FULL_LEN + padded > len) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        enum of_err err = of_match_pull_nxm(h + UPD_FULL_LEN, mlen, false,
                                            &u->match, NULL, NULL);
        if (err) {
            return err;
        }
        size_t ofs = UPD_FULL_LEN + padded;
        return of_acts_decode(h + ofs, len - ofs, version, false, &u->match,
                              &u->acts);
    }
    u->table_id = h[4];
    u->reason = h[5];
    u->idle_timeout = of_get16(h + 6);
    u->hard_timeout = of_get16(h + 8);
    u->priority = of_get16(h + 10);
    struct of_cursor c;
    of_cursor_init(&c, h + UPD_FULL_LEN, len - UPD_FULL_LEN);
    enum of_err err = of_match_pull_ofp(&c, version, &u->match);
    if (err) {
        return err;
    }
    return of_acts_decode(c.p, c.left, version, true, &u->match, &u->acts);
}

enum of_err
of_flow_update_decode(const struct of_msg *msg, struct of_flow_update **up,
                      size_t *np)
{
    bool nx = msg->type == OF_T_NXST_FLOW_MONITOR_REPLY;
    struct of_flow_update *u = NULL;
    size_t n = 0;
    enum of_err err = OF_ERR_NONE;
    struct of_cursor c;

    *up = NULL;
    *np = 0;
    if (!nx && msg->type != OF_T_FLOW_MONITOR_REPLY) {
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
    of_cursor_init(&c, msg->body, msg->body_len);
    while (c.left) {
        const uint8_t *h = of_cursor_peek(&c, 4);
        size_t len = h ? of_get16(h) : 0;
        if (!h || len < UPD_SHORT_LEN || len % 8 || !of_cursor_pull(&c, len)) {
            err = OF_ERR_OFPBRC_BAD_LEN;
            break;
        }
        u = xrealloc(u, (n + 1) * sizeof *u);
        err = pull_update(h, len, nx, msg->version, &u[n++]);
        if (err) {
            break;
        }
    }
    if (err) {
        for (size_t i = 0; i < n; i++) {
            of_flow_update_destroy(&u[i]);
        }
        free(u);
        return err;
    }
    *up = u;
    *np = n;
    return OF_ERR_NONE;
}

void
of_flow_monitor_cancel_encode(uint32_t id, uint8_t version, uint32_t xid,
                              struct buf *b)
{
    of_msg_start(b, OF_T_NXT_FLOW_MONITOR_CANCEL, version, xid);
    of_buf_put32(b, id);
    of_msg_finish(b);
}

enum of_err
of_flow_monitor_cancel_decode(const struct of_msg *msg, uint32_t *id)
{
    if (msg->type != OF_T_NXT_FLOW_MONITOR_CANCEL) {
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
    if (msg->body_len != 4) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    *id = of_get32(msg->body);
    return OF_ERR_NONE;
}

enum of_err
of_flow_monitor_pause_decode(const struct of_msg *msg)
{
    if (msg->type != OF_T_NXT_FLOW_MONITOR_PAUSED
        && msg->type != OF_T_NXT_FLOW_MONITOR_RESUMED) {
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
    return msg->body_len ? OF_ERR_OFPBRC_BAD_LEN : OF_ERR_NONE;
}

void
of_flow_monitor_request_format(const struct of_flow_monitor_request *r,
                               struct buf *b)
{
    buf_printf(b, "\n id=%" PRIu32 " flags=", r->id);
    bool first = true;
    for (size_t i = 0; i < ARRAY_SIZE(flag_map); i++) {
        if (r->flags & flag_map[i].model) {
            buf_printf(b, "%s%s", first ? "" : ",", flag_map[i].name);
            first = false;
        }
    }
    if (r->out_port != OF_PORT_NONE) {
        buf_put_cstr(b, " out_port=");
        of_port_format(b, r->out_port);
    }
    if (r->out_group != 0xffffffffu) {
        buf_printf(b, " out_group=%" PRIu32, r->out_group);
    }
    if (r->table_id != 0xff) {
        buf_printf(b, " table=%u", r->table_id);
    }
    buf_put_char(b, ' ');
    of_match_format(&r->match, OF_DEFAULT_PRIORITY, b);
}

static const char *const event_names[] = {
    [OF_FME_INITIAL] = "INITIAL", [OF_FME_ADDED] = "ADDED",
    [OF_FME_DELETED] = "DELETED", [OF_FME_MODIFIED] = "MODIFIED",
    [OF_FME_ABBREV] = "ABBREV",   [OF_FME_PAUSED] = "PAUSED",
    [OF_FME_RESUMED] = "RESUMED",
};

/* Flow-removed reasons (OFPRR_*) as ofp-print names them. */
static const char *const removed_reasons[] = {
    "idle", "hard", "delete", "group_delete", "meter_delete", "eviction",
};

void
of_flow_update_format(const struct of_flow_update *u, struct buf *b)
{
    buf_printf(b, "\n event=%s", event_names[u->event]);
    if (u->event == OF_FME_ABBREV) {
        buf_printf(b, " xid=%#" PRIx32, u->xid);
    }
    if (!is_full(u->event)) {
        return;
    }
    if (u->event == OF_FME_DELETED) {
        if (u->reason < ARRAY_SIZE(removed_reasons)) {
            buf_printf(b, " reason=%s", removed_reasons[u->reason]);
        } else {
            buf_printf(b, " reason=%u", u->reason);
        }
    }
    buf_printf(b, " table=%u", u->table_id);
    if (u->idle_timeout) {
        buf_printf(b, " idle_timeout=%u", u->idle_timeout);
    }
    if (u->hard_timeout) {
        buf_printf(b, " hard_timeout=%u", u->hard_timeout);
    }
    buf_printf(b, " cookie=%#" PRIx64 " ", u->cookie);
    of_match_format(&u->match, OF_DEFAULT_PRIORITY, b);
    if (!of_acts_is_empty(&u->acts)) {
        buf_put_cstr(b, " actions=");
        of_acts_format(&u->acts, b);
    }
}

/* The flags "watch:" sets unless told "!name". */
#define WATCH_DEFAULT_FLAGS                                      \
    (OF_FMF_INITIAL | OF_FMF_ADD | OF_FMF_DELETE | OF_FMF_MODIFY \
     | OF_FMF_ACTIONS | OF_FMF_OWN)

char *
of_flow_monitor_parse(struct of_flow_monitor_request *r, const char *s)
{
    struct buf rest = BUF_INITIALIZER;
    char *copy, *save = NULL, *err = NULL;

    of_flow_monitor_request_init(r);
    r->flags = WATCH_DEFAULT_FLAGS;
    if (!strncmp(s, "watch:", 6)) {
        s += 6;
    }
    copy = xstrdup(s);
    for (char *tok = strtok_r(copy, ", ", &save); tok && !err;
         tok = strtok_r(NULL, ", ", &save)) {
        if (tok[0] == '!') {
            size_t i;
            for (i = 0; i < ARRAY_SIZE(flag_map); i++) {
                if (flag_map[i].model & WATCH_DEFAULT_FLAGS
                    && !strcmp(tok + 1, flag_map[i].name)) {
                    r->flags &= ~flag_map[i].model;
                    break;
                }
            }
            if (i == ARRAY_SIZE(flag_map)) {
                err = xasprintf("%s: unknown monitor flag", tok + 1);
            }
        } else if (!strncmp(tok, "id=", 3)) {
            uint64_t id;
            if (!of_text_parse_uint(tok + 3, UINT32_MAX, &id)) {
                err = xasprintf("%s: bad monitor id", tok + 3);
            }
            r->id = id;
        } else {
            buf_printf(&rest, "%s%s", rest.len ? "," : "", tok);
        }
    }
    if (!err) {
        /* The match, out_port and table are del-flows syntax. */
        struct of_flow flow;
        err =
            of_flow_parse(&flow, buf_cstr(&rest), OF_FLOW_DELETE, NULL, NULL);
        if (!err) {
            r->match = flow.match;
            r->out_port = flow.out_port;
            r->out_group = flow.out_group;
            r->table_id = flow.table_id;
        }
        of_flow_destroy(&flow);
    }
    free(copy);
    buf_destroy(&rest);
    if (err) {
        of_flow_monitor_request_init(r);
    }
    return err;
}

enum of_err
of_monitor_msg_format(const struct of_msg *msg, struct buf *b)
{
    struct of_flow_monitor_request *reqs;
    struct of_flow_update *updates;
    enum of_err err;
    uint32_t id;
    size_t n;

    switch (msg->type) {
    case OF_T_NXST_FLOW_MONITOR_REQUEST:
    case OF_T_FLOW_MONITOR_REQUEST:
        err = of_flow_monitor_request_decode(msg, &reqs, &n);
        for (size_t i = 0; i < n; i++) {
            of_flow_monitor_request_format(&reqs[i], b);
        }
        free(reqs);
        return err;
    case OF_T_NXST_FLOW_MONITOR_REPLY:
    case OF_T_FLOW_MONITOR_REPLY:
        err = of_flow_update_decode(msg, &updates, &n);
        for (size_t i = 0; i < n; i++) {
            of_flow_update_format(&updates[i], b);
            of_flow_update_destroy(&updates[i]);
        }
        free(updates);
        return err;
    case OF_T_NXT_FLOW_MONITOR_CANCEL:
        err = of_flow_monitor_cancel_decode(msg, &id);
        if (!err) {
            buf_printf(b, " id=%" PRIu32, id);
        }
        return err;
    case OF_T_NXT_FLOW_MONITOR_PAUSED:
    case OF_T_NXT_FLOW_MONITOR_RESUMED:
        return of_flow_monitor_pause_decode(msg);
    default:
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
}
