/* ofp-tlv.c: the Nicira TLV table messages (see ofp-tlv.h): codec,
 * ovs-ofctl's printing of them, and the add-tlv-map mapping syntax. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofctl/match.h"
#include "ofctl/ofp-tlv.h"

#define MAP_LEN 8      /* struct nx_tlv_map. */
#define MOD_FIXED 8    /* struct nx_tlv_table_mod. */
#define REPLY_FIXED 16 /* struct nx_tlv_table_reply. */

void
of_tlv_maps_destroy(struct of_tlv_maps *maps)
{
    free(maps->maps);
    maps->maps = NULL;
    maps->n = 0;
}

/* ---------------------------------------------------------------------
 * Encoding.
 * --------------------------------------------------------------------- */

static void
put_maps(struct buf *b, const struct of_tlv_maps *maps)
{
    for (size_t i = 0; i < maps->n; i++) {
        const struct of_tlv_map *m = &maps->maps[i];
        uint8_t *p = buf_put_zeros(b, MAP_LEN);

        of_put16(p, m->option_class);
        p[2] = m->option_type;
        p[3] = m->option_len;
        of_put16(p + 4, m->index);
    }
}

void
of_tlv_table_mod_encode(struct buf *b, uint8_t version, uint32_t xid,
                        const struct of_tlv_table_mod *tm)
{
    of_msg_start(b, OF_T_NXT_TLV_TABLE_MOD, version, xid);
    of_put16(buf_put_zeros(b, MOD_FIXED), (uint16_t) tm->command);
    put_maps(b, &tm->maps);
    of_msg_finish(b);
}

void
of_tlv_table_request_encode(struct buf *b, uint8_t version, uint32_t xid)
{
    of_msg_start(b, OF_T_NXT_TLV_TABLE_REQUEST, version, xid);
    of_msg_finish(b);
}

void
of_tlv_table_reply_encode(struct buf *b, uint8_t version, uint32_t xid,
                          const struct of_tlv_table_reply *r)
{
    uint8_t *p;

    of_msg_start(b, OF_T_NXT_TLV_TABLE_REPLY, version, xid);
    p = buf_put_zeros(b, REPLY_FIXED);
    of_put32(p, r->max_option_space);
    of_put16(p + 4, r->max_fields);
    put_maps(b, &r->maps);
    of_msg_finish(b);
}

/* ---------------------------------------------------------------------
 * Decoding.
 * --------------------------------------------------------------------- */

/* Decodes the maps that fill the rest of a body (LEN bytes at P, a whole
 * number of maps: the caller checked) and checks each as Open vSwitch
 * does, indexes against MAX_FIELDS. */
static enum of_err
pull_maps(const uint8_t *p, size_t len, unsigned max_fields,
          struct of_tlv_maps *maps)
{
    size_t n = len / MAP_LEN;

    maps->maps = xcalloc(n ? n : 1, sizeof *maps->maps);
    maps->n = n;
    for (size_t i = 0; i < n; i++, p += MAP_LEN) {
        struct of_tlv_map *m = &maps->maps[i];

        m->option_class = of_get16(p);
        m->option_type = p[2];
        m->option_len = p[3];
        m->index = of_get16(p + 4);
        /* Checked in this order, per map, as Open vSwitch does: the
         * first bad map decides the error. */
        if (m->option_len % 4 || m->option_len > OF_TUN_MD_MAX) {
            of_tlv_maps_destroy(maps);
            return OF_ERR_NXTTMFC_BAD_OPT_LEN;
        }
        if (m->index >= max_fields) {
            of_tlv_maps_destroy(maps);
            return OF_ERR_NXTTMFC_BAD_FIELD_IDX;
        }
    }
    return 0;
}

enum of_err
of_tlv_table_mod_decode(const struct of_msg *msg, struct of_tlv_table_mod *tm)
{
    uint16_t command;

    memset(tm, 0, sizeof *tm);
    if (msg->body_len < MOD_FIXED || (msg->body_len - MOD_FIXED) % MAP_LEN) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    command = of_get16(msg->body);
    if (command > OF_TLV_CLEAR) {
        return OF_ERR_NXTTMFC_BAD_COMMAND;
    }
    tm->command = (enum of_tlv_cmd) command;
    return pull_maps(msg->body + MOD_FIXED, msg->body_len - MOD_FIXED,
                     OF_TLV_MAX_FIELDS, &tm->maps);
}

enum of_err
of_tlv_table_request_decode(const struct of_msg *msg)
{
    return msg->body_len ? OF_ERR_OFPBRC_BAD_LEN : 0;
}

enum of_err
of_tlv_table_reply_decode(const struct of_msg *msg,
                          struct of_tlv_table_reply *r)
{
    memset(r, 0, sizeof *r);
    if (msg->body_len < REPLY_FIXED
        || (msg->body_len - REPLY_FIXED) % MAP_LEN) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    r->max_option_space = of_get32(msg->body);
    r->max_fields = of_get16(msg->body + 4);
    return pull_maps(msg->body + REPLY_FIXED, msg->body_len - REPLY_FIXED,
                     r->max_fields, &r->maps);
}

/* ---------------------------------------------------------------------
 * Printing.
 * --------------------------------------------------------------------- */

/* The mapping table as ovs-ofctl prints it: a header, then one row per
 * map with C's "%#x" spelling (so 0 prints as "0", not "0x0"). */
static void
format_maps(struct buf *b, const struct of_tlv_maps *maps)
{
    buf_put_cstr(b, " mapping table:\n"
                    "  class  type  length  match field\n"
                    " ------  ----  ------  --------------");
    for (size_t i = 0; i < maps->n; i++) {
        const struct of_tlv_map *m = &maps->maps[i];

        buf_printf(b,
                   "\n %#6" PRIx16 "  %#4" PRIx8 "  %6" PRIu8
                   "  tun_metadata%" PRIu16,
                   m->option_class, m->option_type, m->option_len, m->index);
    }
}

enum of_err
of_tlv_msg_format(const struct of_msg *msg, struct buf *b)
{
    static const char *const cmd_names[] = {
        [OF_TLV_ADD] = "ADD",
        [OF_TLV_DELETE] = "DEL",
        [OF_TLV_CLEAR] = "CLEAR",
    };
    enum of_err err;

    switch (msg->type) {
    case OF_T_NXT_TLV_TABLE_MOD: {
        struct of_tlv_table_mod tm;

        err = of_tlv_table_mod_decode(msg, &tm);
        if (err) {
            return err;
        }
        buf_printf(b, "\n %s", cmd_names[tm.command]);
        if (tm.command != OF_TLV_CLEAR) {
            format_maps(b, &tm.maps);
        }
        of_tlv_maps_destroy(&tm.maps);
        return 0;
    }
    case OF_T_NXT_TLV_TABLE_REQUEST:
        return of_tlv_table_request_decode(msg);
    case OF_T_NXT_TLV_TABLE_REPLY: {
        struct of_tlv_table_reply r;
        uint32_t allocated = 0;

        err = of_tlv_table_reply_decode(msg, &r);
        if (err) {
            return err;
        }
        for (size_t i = 0; i < r.maps.n; i++) {
            allocated += r.maps.maps[i].option_len;
        }
        buf_printf(b,
                   "\n max option space=%" PRIu32 " max fields=%" PRIu16
                   "\n allocated option space=%" PRIu32 "\n\n",
                   r.max_option_space, r.max_fields, allocated);
        format_maps(b, &r.maps);
        of_tlv_maps_destroy(&r.maps);
        return 0;
    }
    default:
        return OF_ERR_OFPBRC_BAD_TYPE;
    }
}

/* ---------------------------------------------------------------------
 * Text.
 * --------------------------------------------------------------------- */

/* Matches the literal LIT at *S and advances past it. */
static bool
scan_lit(const char **s, const char *lit)
{
    size_t n = strlen(lit);

    if (strncmp(*s, lit, n)) {
        return false;
    }
    *s += n;
    return true;
}

/* Reads an integer as scanf's %i does (leading white space, sign, base
 * from the prefix) and advances past it.  The caller truncates it to the
 * member's width, which is what ovs-ofctl ends up with too. */
static bool
scan_int(const char **s, long long *x)
{
    char *end;

    /* strtoll() would accept "0x" alone as 0 followed by "x"; so does
     * scanf, so no special case is needed.  A leading '(' or letter is
     * not a number. */
    errno = 0;
    *x = strtoll(*s, &end, 0);
    if (end == *s) {
        return false;
    }
    *s = end;
    return true;
}

char *
of_tlv_maps_parse(const char *s, struct of_tlv_maps *maps)
{
    size_t cap = 0;

    maps->maps = NULL;
    maps->n = 0;
    while (*s) {
        long long cls, type, len, idx;

        /* One comma before each mapping is optional, as in ovs-ofctl; an
         * empty mapping (",," or a trailing comma) is an error. */
        if (*s == ',') {
            s++;
        }
        if (!scan_lit(&s, "{class=") || !scan_int(&s, &cls)
            || !scan_lit(&s, ",type=") || !scan_int(&s, &type)
            || !scan_lit(&s, ",len=") || !scan_int(&s, &len)
            || !scan_lit(&s, "}->tun_metadata") || !scan_int(&s, &idx)) {
            of_tlv_maps_destroy(maps);
            return xstrdup("invalid tlv mapping");
        }
        if (maps->n == cap) {
            cap = cap ? 2 * cap : 8;
            maps->maps = xrealloc(maps->maps, cap * sizeof *maps->maps);
        }
        maps->maps[maps->n++] = (struct of_tlv_map){
            .option_class = (uint16_t) cls,
            .option_type = (uint8_t) type,
            .option_len = (uint8_t) len,
            .index = (uint16_t) idx,
        };
    }
    return NULL;
}
