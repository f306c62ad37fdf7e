/* ofp-meter.c: meter messages on the wire (see ofp-meter.h). */
#include "ofctl/ofp-meter.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofctl/text.h"

#define MM_LEN 8    /* command, flags, meter_id. */
#define BAND_LEN 16 /* type, len, rate, burst_size, 4 type bytes. */
#define MC_LEN 8    /* length, flags, meter_id. */
#define MS_LEN 40   /* meter stats without band stats. */
#define MREQ_LEN 8  /* meter_id, pad. */
#define MF_LEN 16   /* meter features. */
#define FLAGS_ALL (OF_MF_KBPS | OF_MF_PKTPS | OF_MF_BURST | OF_MF_STATS)

void
of_meter_init(struct of_meter *m)
{
    memset(m, 0, sizeof *m);
}

bool
of_meter_equal(const struct of_meter *a, const struct of_meter *b)
{
    if (a->command != b->command || a->flags != b->flags
        || a->meter_id != b->meter_id || a->n_bands != b->n_bands) {
        return false;
    }
    for (size_t i = 0; i < a->n_bands; i++) {
        const struct of_meter_band *x = &a->bands[i], *y = &b->bands[i];
        if (x->type != y->type || x->rate != y->rate
            || x->burst_size != y->burst_size
            || x->prec_level != y->prec_level) {
            return false;
        }
    }
    return true;
}

static void
put_bands(const struct of_meter *m, struct buf *b)
{
    for (size_t i = 0; i < m->n_bands; i++) {
        const struct of_meter_band *band = &m->bands[i];
        of_buf_put16(b, band->type);
        of_buf_put16(b, BAND_LEN);
        of_buf_put32(b, band->rate);
        of_buf_put32(b, band->burst_size);
        buf_put_u8(b, band->type == OF_MBT_DSCP_REMARK ? band->prec_level : 0);
        buf_put_zeros(b, 3);
    }
}

/* Decodes LEN bytes of bands at P into M. */
static enum of_err
pull_bands(const uint8_t *p, size_t len, struct of_meter *m)
{
    struct of_cursor c;
    of_cursor_init(&c, p, len);
    while (c.left) {
        const uint8_t *h = of_cursor_pull(&c, BAND_LEN);
        if (!h || of_get16(h + 2) != BAND_LEN) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        uint16_t type = of_get16(h);
        if (type != OF_MBT_DROP && type != OF_MBT_DSCP_REMARK) {
            return OF_ERR_OFPMMFC_BAD_BAND;
        }
        if (m->n_bands >= OF_METER_MAX_BANDS) {
            return OF_ERR_OFPMMFC_OUT_OF_BANDS;
        }
        struct of_meter_band *band = &m->bands[m->n_bands++];
        band->type = type;
        band->rate = of_get32(h + 4);
        band->burst_size = of_get32(h + 8);
        band->prec_level = type == OF_MBT_DSCP_REMARK ? h[12] : 0;
    }
    return OF_ERR_NONE;
}

void
of_meter_mod_encode(const struct of_meter *m, uint8_t version, uint32_t xid,
                    struct buf *b)
{
    of_msg_start(b, OF_T_METER_MOD, version, xid);
    of_buf_put16(b, m->command);
    of_buf_put16(b, m->flags);
    of_buf_put32(b, m->meter_id);
    put_bands(m, b);
    of_msg_finish(b);
}

enum of_err
of_meter_mod_decode(const struct of_msg *msg, struct of_meter *m)
{
    of_meter_init(m);
    if (msg->type != OF_T_METER_MOD || msg->body_len < MM_LEN) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    uint16_t cmd = of_get16(msg->body), flags = of_get16(msg->body + 2);
    if (cmd > OF_MC_DELETE) {
        return OF_ERR_OFPMMFC_BAD_COMMAND;
    }
    if (flags & ~FLAGS_ALL) {
        return OF_ERR_OFPMMFC_BAD_FLAGS;
    }
    m->command = cmd;
    m->flags = flags;
    m->meter_id = of_get32(msg->body + 4);
    enum of_err err =
        pull_bands(msg->body + MM_LEN, msg->body_len - MM_LEN, m);
    if (err) {
        of_meter_init(m);
    }
    return err;
}

void
of_meter_request_encode(enum of_type type, uint32_t meter_id, uint8_t version,
                        uint32_t xid, struct buf *b)
{
    of_msg_start(b, type, version, xid);
    of_buf_put32(b, meter_id);
    of_buf_put32(b, 0);
    of_msg_finish(b);
}

enum of_err
of_meter_request_decode(const struct of_msg *msg, uint32_t *meter_id)
{
    if (msg->body_len != MREQ_LEN) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    *meter_id = of_get32(msg->body);
    return OF_ERR_NONE;
}

void
of_meter_config_reply_encode(const struct of_meter *m, size_t n,
                             uint8_t version, uint32_t xid, struct buf *b)
{
    of_msg_start(b, OF_T_METER_CONFIG_REPLY, version, xid);
    for (size_t i = 0; i < n; i++) {
        of_buf_put16(b, MC_LEN + BAND_LEN * m[i].n_bands);
        of_buf_put16(b, m[i].flags);
        of_buf_put32(b, m[i].meter_id);
        put_bands(&m[i], b);
    }
    of_msg_finish(b);
}

enum of_err
of_meter_config_reply_decode(const struct of_msg *msg, struct of_meter **mp,
                             size_t *np)
{
    struct of_meter *m = NULL;
    size_t n = 0;
    struct of_cursor c;
    enum of_err err = OF_ERR_NONE;

    of_cursor_init(&c, msg->body, msg->body_len);
    while (c.left) {
        const uint8_t *h = of_cursor_peek(&c, MC_LEN);
        uint16_t len = h ? of_get16(h) : 0;
        if (!h || len < MC_LEN || !of_cursor_pull(&c, len)) {
            err = OF_ERR_OFPBRC_BAD_LEN;
            break;
        }
        m = xrealloc(m, (n + 1) * sizeof *m);
        of_meter_init(&m[n]);
        m[n].flags = of_get16(h + 2);
        m[n].meter_id = of_get32(h + 4);
        err = pull_bands(h + MC_LEN, len - MC_LEN, &m[n++]);
        if (err) {
            break;
        }
    }
    if (err) {
        free(m);
        m = NULL;
        n = 0;
    }
    *mp = m;
    *np = n;
    return err;
}

void
of_meter_stats_reply_encode(const struct of_meter_stats *s, size_t n,
                            uint8_t version, uint32_t xid, struct buf *b)
{
    of_msg_start(b, OF_T_METER_STATS_REPLY, version, xid);
    for (size_t i = 0; i < n; i++) {
        of_buf_put32(b, s[i].meter_id);
        of_buf_put16(b, MS_LEN + 16 * s[i].n_bands);
        buf_put_zeros(b, 6);
        of_buf_put32(b, s[i].flow_count);
        of_buf_put64(b, s[i].packet_in_count);
        of_buf_put64(b, s[i].byte_in_count);
        of_buf_put32(b, s[i].duration_sec);
        of_buf_put32(b, s[i].duration_nsec);
        for (size_t j = 0; j < s[i].n_bands; j++) {
            of_buf_put64(b, s[i].bands[j].packets);
            of_buf_put64(b, s[i].bands[j].bytes);
        }
    }
    of_msg_finish(b);
}

enum of_err
of_meter_stats_reply_decode(const struct of_msg *msg,
                            struct of_meter_stats **sp, size_t *np)
{
    struct of_meter_stats *s = NULL;
    size_t n = 0;
    struct of_cursor c;

    *sp = NULL;
    *np = 0;
    of_cursor_init(&c, msg->body, msg->body_len);
    while (c.left) {
        const uint8_t *h = of_cursor_peek(&c, MS_LEN);
        uint16_t len = h ? of_get16(h + 4) : 0;
        if (!h || len < MS_LEN || (len - MS_LEN) % 16
            || (len - MS_LEN) / 16 > OF_METER_MAX_BANDS
            || !of_cursor_pull(&c, len)) {
            free(s);
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        s = xrealloc(s, (n + 1) * sizeof *s);
        struct of_meter_stats *ms = &s[n++];
        memset(ms, 0, sizeof *ms);
        ms->meter_id = of_get32(h);
        ms->flow_count = of_get32(h + 12);
        ms->packet_in_count = of_get64(h + 16);
        ms->byte_in_count = of_get64(h + 24);
        ms->duration_sec = of_get32(h + 32);
        ms->duration_nsec = of_get32(h + 36);
        ms->n_bands = (len - MS_LEN) / 16;
        for (size_t j = 0; j < ms->n_bands; j++) {
            ms->bands[j].packets = of_get64(h + MS_LEN + 16 * j);
            ms->bands[j].bytes = of_get64(h + MS_LEN + 16 * j + 8);
        }
    }
    *sp = s;
    *np = n;
    return OF_ERR_NONE;
}

void
of_meter_features_reply_encode(const struct of_meter_features *f,
                               uint8_t version, uint32_t xid, struct buf *b)
{
    of_msg_start(b, OF_T_METER_FEATURES_REPLY, version, xid);
    of_buf_put32(b, f->max_meters);
    of_buf_put32(b, f->band_types);
    of_buf_put32(b, f->capabilities);
    buf_put_u8(b, f->max_bands);
    buf_put_u8(b, f->max_color);
    buf_put_zeros(b, 2);
    of_msg_finish(b);
}

enum of_err
of_meter_features_reply_decode(const struct of_msg *msg,
                               struct of_meter_features *f)
{
    memset(f, 0, sizeof *f);
    if (msg->body_len != MF_LEN) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    f->max_meters = of_get32(msg->body);
    f->band_types = of_get32(msg->body + 4);
    f->capabilities = of_get32(msg->body + 8);
    f->max_bands = msg->body[12];
    f->max_color = msg->body[13];
    return OF_ERR_NONE;
}

/* ---------------------------------------------------------------------
 * Text.
 * --------------------------------------------------------------------- */

/* Meter-mod flags by name, in the order ofp-print shows them. */
static const struct {
    const char *name;
    uint16_t flag;
} flag_names[] = {
    { "kbps", OF_MF_KBPS },
    { "pktps", OF_MF_PKTPS },
    { "burst", OF_MF_BURST },
    { "stats", OF_MF_STATS },
};

/* Special meter ids by name. */
static const struct {
    const char *name;
    uint32_t id;
} id_names[] = {
    { "slowpath", OF_METER_SLOWPATH },
    { "controller", OF_METER_CONTROLLER },
    { "all", OF_METER_ALL },
};

static const char *const band_names[] = {
    [OF_MBT_DROP] = "drop",
    [OF_MBT_DSCP_REMARK] = "dscp_remark",
};

static const char *const command_names[] = {
    [OF_MC_ADD] = "ADD",
    [OF_MC_MODIFY] = "MOD",
    [OF_MC_DELETE] = "DEL",
};

static char *
parse_u32(const char *what, const char *s, uint32_t max, uint32_t *v)
{
    uint64_t u;
    if (!of_text_parse_uint(s, max, &u)) {
        return xasprintf("%s: %s: bad number", what, s);
    }
    *v = u;
    return NULL;
}

static char *
parse_meter_id(const char *s, uint32_t *id)
{
    for (size_t i = 0; i < ARRAY_SIZE(id_names); i++) {
        if (!strcmp(s, id_names[i].name)) {
            *id = id_names[i].id;
            return NULL;
        }
    }
    return parse_u32("meter", s, OF_METER_MAX, id);
}

/* Parses the text after "bands=": "type=drop rate=1000 burst_size=100
 * type=dscp_remark rate=10 prec_level=1", each "type" starting a band. */
static char *
parse_bands(char *s, struct of_meter *m)
{
    char *pos = s, *key, *value;
    struct of_meter_band *band = NULL;
    while (of_text_next_kv(&pos, &key, &value, NULL)) {
        char *err = NULL;
        uint32_t u = 0;
        if (!strcmp(key, "type")) {
            if (m->n_bands >= OF_METER_MAX_BANDS) {
                return xstrdup("bands: too many bands");
            }
            band = &m->bands[m->n_bands++];
            if (!strcmp(value, "drop")) {
                band->type = OF_MBT_DROP;
            } else if (!strcmp(value, "dscp_remark")) {
                band->type = OF_MBT_DSCP_REMARK;
            } else {
                return xasprintf("type: %s: unknown band type", value);
            }
        } else if (!band) {
            return xasprintf("%s: band must start with type", key);
        } else if (!strcmp(key, "rate")) {
            err = parse_u32("rate", value, UINT32_MAX, &band->rate);
        } else if (!strcmp(key, "burst_size")) {
            err =
                parse_u32("burst_size", value, UINT32_MAX, &band->burst_size);
        } else if (!strcmp(key, "prec_level")) {
            err = parse_u32("prec_level", value, UINT8_MAX, &u);
            band->prec_level = u;
        } else {
            err = xasprintf("%s: unknown band keyword", key);
        }
        if (err) {
            return err;
        }
    }
    return NULL;
}

char *
of_meter_parse(struct of_meter *m, const char *s, enum of_meter_cmd command)
{
    char *copy = xstrdup(s), *pos = copy, *key, *value;
    char *bands = strstr(copy, "bands=");
    bool have_id = false;
    char *err = NULL;

    of_meter_init(m);
    m->command = command;
    if (bands) {
        *bands = '\0';
        bands += strlen("bands=");
    }
    while (!err && of_text_next_kv(&pos, &key, &value, NULL)) {
        size_t i;
        if (!strcmp(key, "meter")) {
            err = parse_meter_id(value, &m->meter_id);
            have_id = true;
            continue;
        }
        for (i = 0; i < ARRAY_SIZE(flag_names); i++) {
            if (!strcmp(key, flag_names[i].name) && !*value) {
                m->flags |= flag_names[i].flag;
                break;
            }
        }
        if (i == ARRAY_SIZE(flag_names)) {
            err = xasprintf("%s: unknown keyword", key);
        }
    }
    if (!err && bands) {
        err = parse_bands(bands, m);
    }
    if (!err && command == OF_MC_DELETE && !have_id) {
        m->meter_id = OF_METER_ALL;
    } else if (!err && !have_id) {
        err = xstrdup("must specify a meter id (meter=N)");
    }
    if (!err && command != OF_MC_DELETE && !m->n_bands) {
        err = xstrdup("must specify bands");
    }
    for (size_t i = 0; !err && i < m->n_bands; i++) {
        if (m->flags & OF_MF_BURST && !m->bands[i].burst_size) {
            err = xstrdup("band must have 'burst_size' when 'burst' flag "
                          "is set");
        }
    }
    free(copy);
    if (err) {
        of_meter_init(m);
    }
    return err;
}

/* Appends a meter id: its name if it has one, else its number. */
static void
format_meter_id(uint32_t id, struct buf *b)
{
    for (size_t i = 0; i < ARRAY_SIZE(id_names); i++) {
        if (id == id_names[i].id) {
            buf_put_cstr(b, id_names[i].name);
            return;
        }
    }
    buf_printf(b, "%" PRIu32, id);
}

void
of_meter_format(const struct of_meter *m, bool with_command, struct buf *b)
{
    if (with_command) {
        buf_printf(b, "%s ",
                   (size_t) m->command < ARRAY_SIZE(command_names)
                       ? command_names[m->command]
                       : "UNKNOWN");
    }
    buf_put_cstr(b, "meter=");
    format_meter_id(m->meter_id, b);
    buf_put_char(b, ' ');
    for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++) {
        if (m->flags & flag_names[i].flag) {
            buf_printf(b, "%s ", flag_names[i].name);
        }
    }
    buf_put_cstr(b, "bands=");
    for (size_t i = 0; i < m->n_bands; i++) {
        const struct of_meter_band *band = &m->bands[i];
        buf_printf(b, "\ntype=%s rate=%" PRIu32, band_names[band->type],
                   band->rate);
        if (m->flags & OF_MF_BURST) {
            buf_printf(b, " burst_size=%" PRIu32, band->burst_size);
        }
        if (band->type == OF_MBT_DSCP_REMARK) {
            buf_printf(b, " prec_level=%u", band->prec_level);
        }
    }
}

void
of_meter_stats_format(const struct of_meter_stats *s, struct buf *b)
{
    buf_put_cstr(b, "meter:");
    format_meter_id(s->meter_id, b);
    buf_printf(b,
               " flow_count:%" PRIu32 " packet_in_count:%" PRIu64
               " byte_in_count:%" PRIu64 " duration:%" PRIu32 ".%09" PRIu32
               "s bands:",
               s->flow_count, s->packet_in_count, s->byte_in_count,
               s->duration_sec, s->duration_nsec);
    for (size_t i = 0; i < s->n_bands; i++) {
        buf_printf(b, "\n%zu: packet_count:%" PRIu64 " byte_count:%" PRIu64, i,
                   s->bands[i].packets, s->bands[i].bytes);
    }
}

/* Appends the names of the bits in BITS per NAMES (by bit number),
 * space-separated. */
static void
format_names(uint32_t bits, const char *const *names, size_t n, struct buf *b)
{
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (names[i] && bits & (1u << i)) {
            buf_printf(b, "%s%s", first ? "" : " ", names[i]);
            first = false;
        }
    }
}

void
of_meter_features_format(const struct of_meter_features *f, struct buf *b)
{
    static const char *const cap_names[] = { "kbps", "pktps", "burst",
                                             "stats" };
    buf_printf(b, "\nmax_meter:%" PRIu32 " max_bands:%u max_color:%u",
               f->max_meters, f->max_bands, f->max_color);
    buf_put_cstr(b, "\nband_types: ");
    format_names(f->band_types, band_names, ARRAY_SIZE(band_names), b);
    buf_put_cstr(b, "\ncapabilities: ");
    format_names(f->capabilities, cap_names, ARRAY_SIZE(cap_names), b);
}

enum of_err
of_meter_msg_format(const struct of_msg *msg, struct buf *b)
{
    struct of_meter m, *meters;
    struct of_meter_stats *stats;
    struct of_meter_features f;
    enum of_err err;
    uint32_t id;
    size_t n;

    switch (msg->type) {
    case OF_T_METER_MOD:
        err = of_meter_mod_decode(msg, &m);
        if (!err) {
            buf_put_char(b, ' ');
            of_meter_format(&m, true, b);
        }
        return err;
    case OF_T_METER_CONFIG_REQUEST:
    case OF_T_METER_STATS_REQUEST:
        err = of_meter_request_decode(msg, &id);
        if (!err) {
            buf_put_cstr(b, " meter=");
            format_meter_id(id, b);
        }
        return err;
    case OF_T_METER_CONFIG_REPLY:
        /* ofp-print separates meters with a blank line. */
        err = of_meter_config_reply_decode(msg, &meters, &n);
        for (size_t i = 0; i < n; i++) {
            buf_put_cstr(b, i ? "\n\n" : "\n");
            of_meter_format(&meters[i], false, b);
        }
        free(meters);
        return err;
    case OF_T_METER_STATS_REPLY:
        err = of_meter_stats_reply_decode(msg, &stats, &n);
        for (size_t i = 0; i < n; i++) {
            buf_put_char(b, '\n');
            of_meter_stats_format(&stats[i], b);
        }
        free(stats);
        return err;
    case OF_T_METER_FEATURES_REPLY:
        err = of_meter_features_reply_decode(msg, &f);
        if (!err) {
            of_meter_features_format(&f, b);
        }
        return err;
    default:
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
}
