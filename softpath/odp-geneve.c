/* odp-geneve.c: Geneve options (Open vSwitch's tun_metadata in the
 * datapath) as datapath flow keys carry them: checking the TLVs, the text
 * of "geneve(...)" inside a tunnel() key as Open vSwitch 3.1's dpctl
 * prints and parses it, and adding options to a tnl_push header.
 *
 * The wire form of one option (RFC 8926 3.5): be16 class, u8 type (bit 7
 * is the critical bit), u8 with 3 reserved bits and the data length in
 * 4-byte words (5 bits), then the data.  A mask has the same layout; in
 * the text a field whose mask is zero is left out, a field whose mask is
 * all ones prints without "/MASK". */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "softpath/odp.h"

#define GENEVE_OPT_HDR_LEN 4
#define GENEVE_BASE_LEN 8
/* Header bytes a mask applies to: class and type (the length stays, so
 * that the options can be walked). */
#define OPT_HDR_MASKED 3

int
odp_geneve_opts_check(const void *opts_, size_t len)
{
    const uint8_t *o = opts_;

    if (len % 4 || len > PKT_TUN_OPTS_MAX) {
        return EINVAL;
    }
    for (size_t ofs = 0; ofs < len;) {
        size_t olen = GENEVE_OPT_HDR_LEN + (o[ofs + 3] & 0x1f) * 4u;
        if (olen > len - ofs) {
            return EINVAL;
        }
        ofs += olen;
    }
    return 0;
}

/* "0x..." with leading zero bytes left out, "0x0" when all are zero. */
static void
put_hex(struct buf *b, const uint8_t *p, size_t n)
{
    size_t i = 0;

    while (i < n && !p[i]) {
        i++;
    }
    if (i == n) {
        buf_put_cstr(b, "0x0");
        return;
    }
    buf_printf(b, "0x%x", p[i]);
    for (i++; i < n; i++) {
        buf_printf(b, "%02x", p[i]);
    }
}

static bool
all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != v) {
            return false;
        }
    }
    return true;
}

/* "NAME=VALUE[/MASK]," for a field of FULL all-ones mask, in %#x form (or
 * decimal with DEC), left out when the mask is zero. */
static void
put_field(struct buf *b, const char *name, unsigned v, const unsigned *m,
          unsigned full, bool dec)
{
    if (m && !*m) {
        return;
    }
    buf_printf(b, dec ? "%s=%u" : "%s=%#x", name, v);
    if (m && *m != full) {
        buf_printf(b, dec ? "/%u" : "/%#x", *m);
    }
    buf_put_char(b, ',');
}

void
odp_geneve_opts_format(struct buf *b, const uint8_t *opts, const uint8_t *mask,
                       size_t len)
{
    size_t ofs = 0;

    while (len - ofs >= GENEVE_OPT_HDR_LEN) {
        const uint8_t *o = opts + ofs;
        const uint8_t *m = mask ? mask + ofs : NULL;
        size_t dlen = (o[3] & 0x1f) * 4u;
        if (GENEVE_OPT_HDR_LEN + dlen > len - ofs) {
            buf_printf(b, "<error: option length %zu, %zu bytes left>",
                       GENEVE_OPT_HDR_LEN + dlen, len - ofs);
            return;
        }
        unsigned cls = (unsigned) o[0] << 8 | o[1];
        unsigned cm = m ? ((unsigned) m[0] << 8 | m[1]) : 0;
        unsigned tm = m ? m[2] : 0;
        /* The length's mask shows as bytes, all ones when its 5 bits are. */
        unsigned lm =
            m ? ((m[3] & 0x1f) == 0x1f ? 0xff : (m[3] & 0x1fu) * 4) : 0;

        buf_put_char(b, '{');
        put_field(b, "class", cls, m ? &cm : NULL, 0xffff, false);
        put_field(b, "type", o[2], m ? &tm : NULL, 0xff, false);
        put_field(b, "len", (unsigned) dlen, m ? &lm : NULL, 0xff, true);
        if (dlen && (!m || !all_bytes(m + 4, dlen, 0))) {
            put_hex(b, o + 4, dlen);
            if (m && !all_bytes(m + 4, dlen, 0xff)) {
                buf_put_char(b, '/');
                put_hex(b, m + 4, dlen);
            }
        }
        if (b->len && ((const char *) b->data)[b->len - 1] == ',') {
            b->len--;
        }
        buf_put_char(b, '}');
        ofs += GENEVE_OPT_HDR_LEN + dlen;
    }
}

/* Parses an unsigned number (C syntax: 0x.. hex, else decimal) of at most
 * MAX at *SP. */
static bool
parse_num(const char **sp, unsigned long max, unsigned long *v)
{
    char *end;

    if (!isdigit((unsigned char) **sp)) {
        return false;
    }
    errno = 0;
    *v = strtoul(*sp, &end, 0);
    if (errno || *v > max || end == *sp) {
        return false;
    }
    *sp = end;
    return true;
}

/* "NAME=V[/M]" at *SP if it is there (then true in *SEEN). */
static bool
parse_field(const char **sp, const char *name, unsigned long max,
            unsigned long *v, unsigned long *m, bool *seen)
{
    size_t n = strlen(name);

    *seen = false;
    if (strncmp(*sp, name, n) || (*sp)[n] != '=') {
        return true;
    }
    *sp += n + 1;
    if (!parse_num(sp, max, v)) {
        return false;
    }
    *m = max;
    if (**sp == '/') {
        (*sp)++;
        if (!parse_num(sp, max, m)) {
            return false;
        }
    }
    *seen = true;
    if (**sp == ',') {
        (*sp)++;
    }
    return true;
}

/* Hex "0x..." right-aligned into N bytes at DST. */
static bool
parse_hex(const char **sp, uint8_t *dst, size_t n)
{
    const char *p = *sp;

    memset(dst, 0, n);
    if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X')) {
        return false;
    }
    p += 2;
    size_t digits = strspn(p, "0123456789abcdefABCDEF");
    if (!digits || digits > 2 * n) {
        return false;
    }
    for (size_t i = 0; i < digits; i++) {
        char c = p[digits - 1 - i];
        unsigned v = isdigit((unsigned char) c)
                         ? (unsigned) (c - '0')
                         : (unsigned) (tolower((unsigned char) c) - 'a' + 10);
        dst[n - 1 - i / 2] |= (uint8_t) (i % 2 ? v << 4 : v);
    }
    *sp = p + digits;
    return true;
}

int
odp_geneve_opts_parse(const char **sp, uint8_t *key, uint8_t *mask,
                      size_t *lenp, const char **errat)
{
    const char *s = *sp;
    size_t len = 0;

    while (*s == '{') {
        unsigned long cls = 0, cm = 0, type = 0, tm = 0, dlen = 0, lm = 0;
        bool seen;
        s++;
        *errat = s;
        if (!parse_field(&s, "class", 0xffff, &cls, &cm, &seen)
            || !parse_field(&s, "type", 0xff, &type, &tm, &seen)
            || !parse_field(&s, "len", 124, &dlen, &lm, &seen)) {
            return EINVAL;
        }
        if (dlen % 4 || len + GENEVE_OPT_HDR_LEN + dlen > PKT_TUN_OPTS_MAX) {
            *errat = s;
            return EINVAL;
        }
        uint8_t *k = key + len, *m = mask + len;
        k[0] = (uint8_t) (cls >> 8);
        k[1] = (uint8_t) cls;
        m[0] = (uint8_t) (cm >> 8);
        m[1] = (uint8_t) cm;
        k[2] = (uint8_t) type;
        m[2] = (uint8_t) tm;
        k[3] = (uint8_t) (dlen / 4);
        /* A whole length matches the reserved bits beside it too. */
        m[3] = !seen ? 0 : lm == 124 ? 0xff : (uint8_t) ((lm / 4) & 0x1f);
        for (size_t i = 0; i < OPT_HDR_MASKED; i++) {
            k[i] &= m[i];
        }
        memset(k + 4, 0, dlen);
        memset(m + 4, 0, dlen);
        if (*s == '0' && dlen) {
            if (!parse_hex(&s, k + 4, dlen)) {
                *errat = s;
                return EINVAL;
            }
            memset(m + 4, 0xff, dlen);
            if (*s == '/') {
                s++;
                if (!parse_hex(&s, m + 4, dlen)) {
                    *errat = s;
                    return EINVAL;
                }
            }
            for (size_t i = 0; i < dlen; i++) {
                k[4 + i] &= m[4 + i];
            }
        }
        if (*s != '}') {
            *errat = s;
            return EINVAL;
        }
        s++;
        len += GENEVE_OPT_HDR_LEN + dlen;
    }
    *lenp = len;
    *sp = s;
    return 0;
}

int
odp_tnl_push_add_geneve_opts(struct odp_action_push_tnl *push,
                             const uint8_t *opts, size_t len)
{
    struct odp_tnl_layout l;

    if (!len) {
        return 0;
    }
    if (push->tnl_type != ODP_TNL_TYPE_GENEVE
        || odp_geneve_opts_check(opts, len)) {
        return EINVAL;
    }
    if (odp_tnl_push_check(push, ODP_TNL_PUSH_FIXED_LEN + push->header_len,
                           &l)) {
        return EINVAL;
    }
    uint8_t *g = push->header + l.tnl_ofs;
    size_t cur = (g[0] & 0x3f) * 4u;
    /* The options go at the end: the Geneve header is the last one. */
    if (l.tnl_ofs + GENEVE_BASE_LEN + cur != push->header_len
        || cur + len > PKT_TUN_OPTS_MAX
        || push->header_len + len > ODP_TNL_PUSH_HEADER_MAX) {
        return EMSGSIZE;
    }
    memcpy(push->header + push->header_len, opts, len);
    push->header_len += (uint32_t) len;
    g[0] = (uint8_t) ((g[0] & 0xc0) | ((cur + len) / 4));
    /* The C bit: some option is critical (RFC 8926 3.4). */
    for (size_t ofs = 0; ofs < len; ofs += 4 + (opts[ofs + 3] & 0x1fu) * 4) {
        if (opts[ofs + 2] & 0x80) {
            g[1] |= 0x40;
        }
    }
    return 0;
}
