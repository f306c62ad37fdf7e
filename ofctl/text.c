/* text.c: tokenizer, numbers and subfields of the ovs-ofctl syntax (see
 * text.h). */
#include "ofctl/text.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Returns the closing parenthesis matching the one before P, or NULL. */
static char *
close_paren(char *p)
{
    int depth = 1;
    for (; *p; p++) {
        if (*p == '(') {
            depth++;
        } else if (*p == ')' && !--depth) {
            return p;
        }
    }
    return NULL;
}

char of_text_no_value[1];

bool
of_text_next_kv(char **pos, char **key, char **value, char **arrow)
{
    char *p = *pos;

    if (arrow) {
        *arrow = NULL;
    }
    while (*p == ',' || is_space(*p)) {
        p++;
    }
    if (!*p) {
        *pos = p;
        return false;
    }
    *key = p;
    p += strcspn(p, ":=(, \t\r\n");
    char c = *p;
    if (c == '(') {
        *p++ = '\0';
        char *end = close_paren(p);
        if (!end) {
            *value = NULL;
            *pos = p + strlen(p);
            return false;
        }
        *end = '\0';
        *value = p;
        p = end + 1;
        if (arrow && p[0] == '-' && p[1] == '>') {
            *arrow = p + 2;
            p += 2 + strcspn(p + 2, ", \t\r\n");
            if (*p) {
                *p++ = '\0';
            }
        }
    } else if (c == ':' || c == '=') {
        *p++ = '\0';
        *value = p;
        int depth = 0;
        for (; *p; p++) {
            if (*p == '(') {
                depth++;
            } else if (*p == ')' && depth) {
                depth--;
            } else if (!depth && (*p == ',' || is_space(*p))) {
                break;
            }
        }
        if (*p) {
            *p++ = '\0';
        }
    } else {
        if (*p) {
            *p++ = '\0';
        }
        *value = of_text_no_value;
    }
    *pos = p;
    return true;
}

bool
of_text_parse_uint(const char *s, uint64_t max, uint64_t *v)
{
    char *end;
    if (!isdigit((unsigned char) *s)) {
        return false;
    }
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (*end || errno || x > max) {
        return false;
    }
    /* strtoull() reads a leading 0 as octal; ovs-ofctl does not. */
    if (s[0] == '0' && s[1] && s[1] != 'x' && s[1] != 'X') {
        x = strtoull(s, &end, 10);
        if (*end || x > max) {
            return false;
        }
    }
    *v = x;
    return true;
}

char *
of_subfield_parse(const char *s, struct of_subfield *sf, const char **end,
                  bool allow_bare)
{
    size_t name_len = strcspn(s, "[-,) \t");
    const struct of_field *f = of_field_from_any_name(s, name_len);
    const char *p = s + name_len;

    if (!f) {
        return xasprintf("%.*s: unknown field", (int) name_len, s);
    }
    memset(sf, 0, sizeof *sf);
    sf->field = (uint16_t) f->id;
    if (*p != '[') {
        if (!allow_bare) {
            return xasprintf("%s: missing [ after field name", s);
        }
        sf->n_bits = f->n_bits;
        *end = p;
        return NULL;
    }
    p++;
    if (*p == ']') {
        sf->n_bits = f->n_bits;
        *end = p + 1;
        return NULL;
    }
    char *q;
    unsigned long start = strtoul(p, &q, 10), stop = start;
    if (q == p) {
        return xasprintf("%s: bad bit range syntax", s);
    }
    if (q[0] == '.' && q[1] == '.') {
        p = q + 2;
        stop = strtoul(p, &q, 10);
        if (q == p) {
            return xasprintf("%s: bad bit range syntax", s);
        }
    }
    if (*q != ']') {
        return xasprintf("%s: bad bit range syntax", s);
    }
    if (start > stop) {
        return xasprintf("%s: starting bit %lu is after ending bit %lu", s,
                         start, stop);
    }
    if (stop >= f->n_bits) {
        return xasprintf("%s: bit %lu is outside the %u bits of %s", s, stop,
                         f->n_bits, f->name);
    }
    sf->ofs = (uint16_t) start;
    sf->n_bits = (uint16_t) (stop - start + 1);
    *end = q + 1;
    return NULL;
}

char *
of_subfield_parse_all(const char *s, struct of_subfield *sf, bool allow_bare)
{
    const char *end;
    char *err = of_subfield_parse(s, sf, &end, allow_bare);
    if (!err && *end) {
        err = xasprintf("%s: trailing garbage after field", s);
    }
    return err;
}

void
of_subfield_format(const struct of_subfield *sf, struct buf *b)
{
    const struct of_field *f = of_field_from_id(sf->field);
    buf_put_cstr(b, of_field_code_name(f));
    if (sf->ofs == 0 && sf->n_bits == f->n_bits) {
        buf_put_cstr(b, "[]");
    } else if (sf->n_bits == 1) {
        buf_printf(b, "[%u]", sf->ofs);
    } else {
        buf_printf(b, "[%u..%u]", sf->ofs, sf->ofs + sf->n_bits - 1);
    }
}

void
of_text_put_hex(struct buf *b, const uint8_t *v, size_t n)
{
    size_t i = 0;
    while (i < n && !v[i]) {
        i++;
    }
    if (i == n) {
        buf_put_char(b, '0');
        return;
    }
    buf_printf(b, "0x%x", v[i]);
    for (i++; i < n; i++) {
        buf_printf(b, "%02x", v[i]);
    }
}

bool
of_bit_get(const uint8_t *v, size_t n, unsigned bit)
{
    return (v[n - 1 - bit / 8] >> (bit % 8)) & 1;
}

void
of_bit_set(uint8_t *v, size_t n, unsigned bit, bool on)
{
    uint8_t m = (uint8_t) (1u << (bit % 8));
    if (on) {
        v[n - 1 - bit / 8] |= m;
    } else {
        v[n - 1 - bit / 8] &= (uint8_t) ~m;
    }
}
