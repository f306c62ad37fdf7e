/* field-value.c: field values in text, parsed and printed the way
 * ovs-ofctl writes them (see of_field_parse() and of_field_format() in
 * match.h).  Error messages follow ovs-ofctl's wording: they start with
 * the offending text and say what is wrong with it. */
#include "ofctl/match.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------------
 * Flag names.
 * --------------------------------------------------------------------- */

struct flag_name {
    uint32_t bit;
    const char *name;
};

static const struct flag_name tcp_flag_names[] = {
    { 0x001, "fin" }, { 0x002, "syn" }, { 0x004, "rst" },
    { 0x008, "psh" }, { 0x010, "ack" }, { 0x020, "urg" },
    { 0x040, "ece" }, { 0x080, "cwr" }, { 0x100, "ns" },
};

static const struct flag_name ct_state_names[] = {
    { OF_CS_NEW, "new" },      { OF_CS_ESTABLISHED, "est" },
    { OF_CS_RELATED, "rel" },  { OF_CS_REPLY_DIR, "rpl" },
    { OF_CS_INVALID, "inv" },  { OF_CS_TRACKED, "trk" },
    { OF_CS_SRC_NAT, "snat" }, { OF_CS_DST_NAT, "dnat" },
};

static const struct flag_name tun_flag_names[] = {
    { OF_TUN_FLAG_OAM, "oam" },
};

struct flag_set {
    const struct flag_name *names;
    size_t n;
    uint32_t all;     /* Every valid bit. */
    uint32_t full;    /* A mask this full prints as an exact match. */
    bool bracketed;   /* Unnamed valid bits are written "[hex]". */
    const char *what; /* For messages: "TCP flag". */
};

static const struct flag_set tcp_flags_set = {
    tcp_flag_names, ARRAY_SIZE(tcp_flag_names), 0xfff, 0xfff, true, "TCP flag"
};
static const struct flag_set ct_state_set = {
    ct_state_names, ARRAY_SIZE(ct_state_names), OF_CS_ALL, OF_CS_ALL, false,
    "ct_state flag"
};
static const struct flag_set tun_flags_set = {
    tun_flag_names, ARRAY_SIZE(tun_flag_names), OF_TUN_FLAG_OAM, 0xffff, false,
    "tunnel flag"
};

static const struct flag_set *
flag_set_of(const struct of_field *f)
{
    switch (f->format) {
    case OF_FMT_TCP_FLAGS:
        return &tcp_flags_set;
    case OF_FMT_CT_STATE:
        return &ct_state_set;
    case OF_FMT_TUN_FLAGS:
        return &tun_flags_set;
    default:
        return NULL;
    }
}

/* Looks up one flag name of length LEN; "[hex]" names an unnamed bit. */
static bool
flag_lookup(const struct flag_set *fs, const char *s, size_t len,
            uint32_t *bit)
{
    for (size_t i = 0; i < fs->n; i++) {
        if (strlen(fs->names[i].name) == len
            && !strncasecmp(fs->names[i].name, s, len)) {
            *bit = fs->names[i].bit;
            return true;
        }
    }
    if (fs->bracketed && len > 2 && s[0] == '[' && s[len - 1] == ']') {
        char *end;
        unsigned long v = strtoul(s + 1, &end, 16);
        if (end == s + len - 1 && v && !(v & (v - 1)) && (v & fs->all)) {
            *bit = (uint32_t) v;
            return true;
        }
    }
    return false;
}

/* Parses "+a-b+c" (a masked match) or "a|b|c" (exact). */
static char *
parse_flags(const struct flag_set *fs, const char *s, uint32_t *value,
            uint32_t *mask)
{
    *value = *mask = 0;
    if (*s == '+' || *s == '-') {
        while (*s) {
            bool set = *s == '+';
            if (*s != '+' && *s != '-') {
                return xasprintf("%s: %s(s) must each start with + or -", s,
                                 fs->what);
            }
            s++;
            size_t len = strcspn(s, "+-");
            uint32_t bit;
            if (!flag_lookup(fs, s, len, &bit)) {
                return xasprintf("%.*s: unknown %s(s)", (int) len, s,
                                 fs->what);
            }
            if (*mask & bit) {
                return xasprintf("%.*s: %s specified more than once",
                                 (int) len, s, fs->what);
            }
            *mask |= bit;
            if (set) {
                *value |= bit;
            }
            s += len;
        }
        return NULL;
    }
    while (*s) {
        size_t len = strcspn(s, "|");
        uint32_t bit;
        if (!flag_lookup(fs, s, len, &bit)) {
            return xasprintf("%.*s: unknown %s(s)", (int) len, s, fs->what);
        }
        *value |= bit;
        s += len;
        if (*s == '|') {
            s++;
        }
    }
    *mask = fs->all;
    return NULL;
}

static void
format_flags(const struct flag_set *fs, uint32_t value, uint32_t mask,
             struct buf *b)
{
    if ((mask & fs->full) == fs->full) {
        const char *sep = "";
        if (!value) {
            buf_put_char(b, '0');
        }
        for (uint32_t bit = 1; bit && bit <= fs->all; bit <<= 1) {
            if (value & bit) {
                const char *name = NULL;
                for (size_t i = 0; i < fs->n; i++) {
                    if (fs->names[i].bit == bit) {
                        name = fs->names[i].name;
                    }
                }
                if (name) {
                    buf_printf(b, "%s%s", sep, name);
                } else {
                    buf_printf(b, "%s[%" PRIx32 "]", sep, bit);
                }
                sep = "|";
            }
        }
        return;
    }
    for (uint32_t bit = 1; bit && bit <= fs->all; bit <<= 1) {
        if (mask & bit) {
            const char *name = NULL;
            for (size_t i = 0; i < fs->n; i++) {
                if (fs->names[i].bit == bit) {
                    name = fs->names[i].name;
                }
            }
            buf_put_char(b, value & bit ? '+' : '-');
            if (name) {
                buf_put_cstr(b, name);
            } else {
                buf_printf(b, "[%" PRIx32 "]", bit);
            }
        }
    }
}

/* ---------------------------------------------------------------------
 * ip_frag names.
 * --------------------------------------------------------------------- */

/* Parsing takes the first row of a name, printing the first row of a
 * value/mask pair: "no" reads as 0 under both bits (as Open vSwitch sends
 * it), while 0 under the "any" bit alone also prints as "no". */
static const struct {
    const char *name;
    uint8_t value, mask;
} frag_names[] = {
    { "no", 0, FLOW_NW_FRAG_MASK },
    { "no", 0, FLOW_NW_FRAG_ANY },
    { "first", FLOW_NW_FRAG_ANY, FLOW_NW_FRAG_MASK },
    { "later", FLOW_NW_FRAG_MASK, FLOW_NW_FRAG_MASK },
    { "yes", FLOW_NW_FRAG_ANY, FLOW_NW_FRAG_ANY },
    { "not_later", 0, FLOW_NW_FRAG_LATER },
};

/* ---------------------------------------------------------------------
 * Numbers.
 * --------------------------------------------------------------------- */

/* Parses a decimal or 0x-hexadecimal number of up to N bytes into V
 * (big-endian, N bytes).  Returns false on bad syntax, sets *TOO_BIG if it
 * does not fit. */
static bool
parse_number(const char *s, size_t n, uint8_t *v, bool *too_big)
{
    *too_big = false;
    memset(v, 0, n);
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        const char *p = s + 2;
        size_t len = strlen(p);
        if (!len) {
            return false;
        }
        for (size_t i = 0; i < len; i++) {
            if (!isxdigit((unsigned char) p[i])) {
                return false;
            }
        }
        while (len > 1 && *p == '0') {
            p++, len--;
        }
        if ((len + 1) / 2 > n) {
            *too_big = true;
            return true;
        }
        for (size_t i = 0; i < len; i++) {
            char c = p[len - 1 - i];
            unsigned d =
                isdigit((unsigned char) c)
                    ? (unsigned) (c - '0')
                    : (unsigned) (tolower((unsigned char) c) - 'a' + 10);
            v[n - 1 - i / 2] |= (uint8_t) (d << (4 * (i % 2)));
        }
        return true;
    }
    if (!*s) {
        return false;
    }
    /* Decimal: at most 64 bits. */
    uint64_t x = 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char) *p)) {
            return false;
        }
        unsigned d = (unsigned) (*p - '0');
        if (x > (UINT64_MAX - d) / 10) {
            *too_big = true;
            return true;
        }
        x = x * 10 + d;
    }
    for (size_t i = n; i-- > 0;) {
        v[i] = x & 0xff;
        x >>= 8;
    }
    *too_big = x != 0;
    return true;
}

static char *
parse_int_part(const struct of_field *f, const char *s, const char *whole,
               union of_value *v)
{
    bool too_big;
    if (!parse_number(s, f->n_bytes, v->be, &too_big)) {
        return xasprintf("%s: bad syntax for %s value", whole, f->name);
    }
    if (too_big) {
        return xasprintf("%s: value too large for %u-byte field %s", s,
                         f->n_bytes, f->name);
    }
    return NULL;
}

/* ---------------------------------------------------------------------
 * Addresses.
 * --------------------------------------------------------------------- */

static bool
parse_eth(const char *s, uint8_t ea[ETH_ADDR_LEN])
{
    unsigned x[6];
    int n = -1;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &x[0], &x[1], &x[2], &x[3],
               &x[4], &x[5], &n)
            != 6
        || n < 0 || s[n]) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        if (!isxdigit((unsigned char) s[3 * i])) {
            return false;
        }
        ea[i] = (uint8_t) x[i];
    }
    return true;
}

/* Sets the N_BYTES-byte big-endian mask M to a prefix of BITS ones. */
static void
prefix_mask(uint8_t *m, size_t n_bytes, unsigned bits)
{
    for (size_t i = 0; i < n_bytes; i++) {
        unsigned b = bits > 8 ? 8 : bits;
        m[i] = b ? (uint8_t) (0xff << (8 - b)) : 0;
        bits -= b;
    }
}

/* Returns the prefix length of mask M, or -1 if it is not a prefix. */
static int
mask_prefix_len(const uint8_t *m, size_t n_bytes)
{
    int len = 0;
    size_t i = 0;
    for (; i < n_bytes && m[i] == 0xff; i++) {
        len += 8;
    }
    if (i < n_bytes) {
        uint8_t b = m[i];
        while (b & 0x80) {
            len++;
            b = (uint8_t) (b << 1);
        }
        if (b) {
            return -1;
        }
        for (i++; i < n_bytes; i++) {
            if (m[i]) {
                return -1;
            }
        }
    }
    return len;
}

static bool
parse_prefix_len(const char *s, unsigned max, unsigned *len)
{
    if (!*s || strlen(s) > 3) {
        return false;
    }
    unsigned v = 0;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char) *p)) {
            return false;
        }
        v = v * 10 + (unsigned) (*p - '0');
    }
    *len = v;
    return v <= max;
}

static char *
parse_ip(const struct of_field *f, const char *whole, const char *val,
         const char *msk, union of_value *v, union of_value *m)
{
    bool v6 = f->format == OF_FMT_IPV6;
    int af = v6 ? AF_INET6 : AF_INET;
    unsigned max = v6 ? 128 : 32;

    if (inet_pton(af, val, v->be) != 1) {
        return xasprintf("%s: invalid IP%s address", whole, v6 ? "v6" : "");
    }
    if (!msk) {
        prefix_mask(m->be, f->n_bytes, max);
    } else if (strchr(msk, v6 ? ':' : '.')) {
        if (inet_pton(af, msk, m->be) != 1) {
            return xasprintf("%s: invalid IP%s mask", whole, v6 ? "v6" : "");
        }
    } else {
        unsigned len;
        if (!parse_prefix_len(msk, 1000, &len) || len > max) {
            return xasprintf("%s: IP%s network prefix bits not between 0 "
                             "and %u, inclusive",
                             whole, v6 ? "v6" : "v4", max);
        }
        prefix_mask(m->be, f->n_bytes, len);
    }
    return NULL;
}

/* ---------------------------------------------------------------------
 * Parsing.
 * --------------------------------------------------------------------- */

static char *
parse_value_mask(const struct of_field *f, const char *s, union of_value *v,
                 union of_value *m, bool allow_mask, bool mask_value)
{
    char *copy = xstrdup(s);
    char *slash = strchr(copy, '/');
    char *msk = NULL;
    char *err = NULL;

    memset(v->be, 0, f->n_bytes);
    of_value_exact_mask(f, m);
    if (slash && f->format != OF_FMT_PORT && f->format != OF_FMT_PORT_OXM) {
        *slash = '\0';
        msk = slash + 1;
    }

    switch (f->format) {
    case OF_FMT_DEC:
    case OF_FMT_HEX:
        err = parse_int_part(f, copy, s, v);
        if (!err && msk) {
            err = parse_int_part(f, msk, s, m);
        } else if (!err && f->where == OF_IN_TUN_MD && mask_value) {
            /* Tunnel metadata is as long as the value as written. */
            size_t n = 0;
            if (copy[0] == '0' && (copy[1] == 'x' || copy[1] == 'X')) {
                n = (strlen(copy + 2) + 1) / 2;
            } else {
                for (n = f->n_bytes; n > 1 && !v->be[f->n_bytes - n]; n--) {
                    continue;
                }
            }
            memset(m->be, 0, f->n_bytes);
            memset(&m->be[f->n_bytes - n], 0xff, n);
        }
        break;
    case OF_FMT_ETH:
        if (!parse_eth(copy, v->be) || (msk && !parse_eth(msk, m->be))) {
            err = xasprintf("%s: invalid Ethernet address", s);
        }
        break;
    case OF_FMT_IPV4:
    case OF_FMT_IPV6:
        err = parse_ip(f, s, copy, msk, v, m);
        break;
    case OF_FMT_PORT:
    case OF_FMT_PORT_OXM: {
        uint16_t port;
        if (!of_port_parse(copy, &port)) {
            err = xasprintf("%s: invalid or unknown port for %s", s, f->name);
        } else {
            of_value_from_u64(f, v, port);
        }
        break;
    }
    case OF_FMT_FRAG: {
        size_t i;
        for (i = 0; i < ARRAY_SIZE(frag_names); i++) {
            if (!strcmp(copy, frag_names[i].name) && !msk) {
                v->be[0] = frag_names[i].value;
                m->be[0] = frag_names[i].mask;
                break;
            }
        }
        if (i == ARRAY_SIZE(frag_names)) {
            err = parse_int_part(f, copy, s, v);
            if (!err && msk) {
                err = parse_int_part(f, msk, s, m);
            }
            if (err) {
                free(err);
                err = xasprintf("%s: unknown fragment type (valid types "
                                "are \"no\", \"yes\", \"first\", "
                                "\"later\", \"not_later\")",
                                s);
            }
        }
        break;
    }
    case OF_FMT_TCP_FLAGS:
    case OF_FMT_CT_STATE:
    case OF_FMT_TUN_FLAGS: {
        const struct flag_set *fs = flag_set_of(f);
        if (isdigit((unsigned char) copy[0])) {
            err = parse_int_part(f, copy, s, v);
            if (!err && msk) {
                err = parse_int_part(f, msk, s, m);
            }
            if (!err
                && ((of_value_to_u64(f, v) | of_value_to_u64(f, m))
                    & ~(uint64_t) fs->all)) {
                err = xasprintf("%s: unknown %s(s)", s, fs->what);
            }
        } else if (msk) {
            err = xasprintf("%s: bad syntax for %s value", s, f->name);
        } else {
            uint32_t fv, fm;
            err = parse_flags(fs, copy, &fv, &fm);
            if (!err) {
                of_value_from_u64(f, v, fv);
                of_value_from_u64(f, m, fm);
            }
        }
        break;
    }
    }

    if (!err && msk && !allow_mask) {
        err = xasprintf("%s: a mask is not allowed here", s);
    }
    if (!err && !f->maskable && !of_value_is_all_ones(f, m)) {
        /* A mask that covers the whole field is just an exact match. */
        union of_value exact;
        of_value_exact_mask(f, &exact);
        bool covers = true;
        for (size_t i = 0; i < f->n_bytes; i++) {
            if ((m->be[i] & exact.be[i]) != exact.be[i]) {
                covers = false;
            }
        }
        if (!covers) {
            err = xasprintf("%s: invalid mask for field %s", s, f->name);
        }
    }
    if (!err) {
        /* Bits beyond the field's width are dropped, as ovs-ofctl does
         * (dl_vlan=4096 is dl_vlan=0). */
        union of_value exact;
        of_value_exact_mask(f, &exact);
        for (size_t i = 0; i < f->n_bytes; i++) {
            m->be[i] &= exact.be[i];
            v->be[i] &= mask_value ? m->be[i] : exact.be[i];
        }
    }
    free(copy);
    return err;
}

char *
of_field_parse(const struct of_field *f, const char *s, union of_value *v,
               union of_value *m)
{
    return parse_value_mask(f, s, v, m, true, true);
}

char *
of_field_parse_unmasked(const struct of_field *f, const char *s,
                        union of_value *v, union of_value *m)
{
    return parse_value_mask(f, s, v, m, true, false);
}

char *
of_field_parse_value(const struct of_field *f, const char *s,
                     union of_value *v)
{
    union of_value m;
    return parse_value_mask(f, s, v, &m, false, true);
}

/* ---------------------------------------------------------------------
 * Printing.
 * --------------------------------------------------------------------- */

/* Appends the N-byte big-endian V as 0x-hex without leading zeros ("0"
 * when zero, if ZERO_PLAIN, else "0x0"). */
static void
put_hex(struct buf *b, const uint8_t *v, size_t n, bool zero_plain)
{
    size_t i = 0;
    while (i < n && !v[i]) {
        i++;
    }
    if (i == n) {
        buf_put_cstr(b, zero_plain ? "0" : "0x0");
        return;
    }
    buf_printf(b, "0x%x", v[i]);
    for (i++; i < n; i++) {
        buf_printf(b, "%02x", v[i]);
    }
}

static void
put_ip(struct buf *b, const struct of_field *f, const uint8_t *v)
{
    char s[INET6_ADDRSTRLEN];
    int af = f->format == OF_FMT_IPV6 ? AF_INET6 : AF_INET;
    buf_put_cstr(b, inet_ntop(af, v, s, sizeof s) ? s : "?");
}

void
of_field_format(const struct of_field *f, const union of_value *v,
                const union of_value *m, struct buf *b)
{
    bool exact = !m || of_value_is_all_ones(f, m);
    uint64_t x = of_value_to_u64(f, v);
    uint64_t mx = m ? of_value_to_u64(f, m) : 0;

    switch (f->format) {
    case OF_FMT_DEC:
        if (exact) {
            buf_printf(b, "%" PRIu64, x);
        } else {
            buf_printf(b, "0x%" PRIx64 "/0x%" PRIx64, x, mx);
        }
        return;
    case OF_FMT_HEX:
        if (f->id == OF_F_IPV6_LABEL) {
            buf_printf(b, "0x%05" PRIx64, x);
            if (!exact) {
                buf_printf(b, "/0x%05" PRIx64, mx);
            }
        } else if (f->id == OF_F_ETH_TYPE || f->id == OF_F_VLAN_TCI) {
            buf_printf(b, "0x%04" PRIx64, x);
            if (!exact) {
                buf_printf(b, "/0x%04" PRIx64, mx);
            }
        } else if (f->where == OF_IN_TUN_MD) {
            /* Variable length: print the bytes the match has ("0" for
             * none set, as Open vSwitch prints a zero option). */
            put_hex(b, v->be, f->n_bytes, true);
            if (!exact && m) {
                /* Exact over the value's own length prints bare. */
                size_t first = 0;
                while (first < f->n_bytes && !m->be[first]) {
                    first++;
                }
                bool ones = true;
                for (size_t i = first; i < f->n_bytes; i++) {
                    ones &= m->be[i] == 0xff;
                }
                if (!ones) {
                    buf_put_char(b, '/');
                    put_hex(b, m->be, f->n_bytes, false);
                }
            }
        } else {
            put_hex(b, v->be, f->n_bytes, true);
            if (!exact) {
                buf_put_char(b, '/');
                put_hex(b, m->be, f->n_bytes, true);
            }
        }
        return;
    case OF_FMT_ETH:
        buf_printf(b, ETH_ADDR_FMT, v->be[0], v->be[1], v->be[2], v->be[3],
                   v->be[4], v->be[5]);
        if (!exact) {
            buf_printf(b, "/" ETH_ADDR_FMT, m->be[0], m->be[1], m->be[2],
                       m->be[3], m->be[4], m->be[5]);
        }
        return;
    case OF_FMT_IPV4:
    case OF_FMT_IPV6:
        put_ip(b, f, v->be);
        if (!exact) {
            int len = mask_prefix_len(m->be, f->n_bytes);
            if (len >= 0) {
                buf_printf(b, "/%d", len);
            } else {
                buf_put_char(b, '/');
                put_ip(b, f, m->be);
            }
        }
        return;
    case OF_FMT_PORT:
    case OF_FMT_PORT_OXM:
        of_port_format(b, (uint16_t) x);
        return;
    case OF_FMT_FRAG:
        for (size_t i = 0; i < ARRAY_SIZE(frag_names); i++) {
            uint8_t fm = m ? m->be[0] : FLOW_NW_FRAG_MASK;
            if (frag_names[i].value == v->be[0] && frag_names[i].mask == fm) {
                buf_put_cstr(b, frag_names[i].name);
                return;
            }
        }
        buf_printf(b, "0x%" PRIx64 "/0x%" PRIx64, x, m ? mx : 3);
        return;
    case OF_FMT_TCP_FLAGS:
    case OF_FMT_CT_STATE:
    case OF_FMT_TUN_FLAGS:
        format_flags(flag_set_of(f), (uint32_t) x,
                     m ? (uint32_t) mx : UINT32_MAX, b);
        return;
    }
}
