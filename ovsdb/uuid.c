/* uuid.c: generating, parsing and formatting UUIDs. */
#include "ovsdb/uuid.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "lib/util.h"

/* One getrandom() call serves this many UUIDs. */
#define UUID_BATCH 64

void
ovsdb_uuid_generate(struct ovsdb_uuid *uuid)
{
    static __thread struct ovsdb_uuid batch[UUID_BATCH];
    static __thread unsigned int n_left;

    if (!n_left) {
        size_t got = 0;
        while (got < sizeof batch) {
            ssize_t n = getrandom((char *) batch + got, sizeof batch - got, 0);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                /* Since Linux 3.17 this cannot fail for these sizes. */
                nf_abort("getrandom: %s", nf_strerror(errno));
            }
            got += n;
        }
        n_left = UUID_BATCH;
    }
    *uuid = batch[--n_left];

    /* RFC 4122 version 4 ("random") and variant 10xx. */
    uuid->parts[1] = (uuid->parts[1] & 0xffff0fffu) | 0x00004000u;
    uuid->parts[2] = (uuid->parts[2] & 0x3fffffffu) | 0x80000000u;
}

/* Value of each hex digit, or -1. */
static const signed char hex_value[256] = {
    ['0'] = 0 + 1,  ['1'] = 1 + 1,  ['2'] = 2 + 1,  ['3'] = 3 + 1,
    ['4'] = 4 + 1,  ['5'] = 5 + 1,  ['6'] = 6 + 1,  ['7'] = 7 + 1,
    ['8'] = 8 + 1,  ['9'] = 9 + 1,  ['a'] = 10 + 1, ['b'] = 11 + 1,
    ['c'] = 12 + 1, ['d'] = 13 + 1, ['e'] = 14 + 1, ['f'] = 15 + 1,
    ['A'] = 10 + 1, ['B'] = 11 + 1, ['C'] = 12 + 1, ['D'] = 13 + 1,
    ['E'] = 14 + 1, ['F'] = 15 + 1,
};

/* Parses the N hex digits at S into *VALUE.  (The table stores value + 1
 * so that its zero entries mean "not a digit".) */
static bool
parse_hex(const char *s, int n, uint32_t *value)
{
    uint32_t v = 0;
    for (int i = 0; i < n; i++) {
        int h = hex_value[(unsigned char) s[i]] - 1;
        if (h < 0) {
            return false;
        }
        v = (v << 4) | (uint32_t) h;
    }
    *value = v;
    return true;
}

bool
ovsdb_uuid_from_string(struct ovsdb_uuid *uuid, const char *s)
{
    /* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.  A NUL before the end fails
     * as a non-digit or non-dash, so nothing past it is read. */
    uint32_t a, b, c, d, e, f;
    if (parse_hex(s, 8, &a) && s[8] == '-' && parse_hex(s + 9, 4, &b)
        && s[13] == '-' && parse_hex(s + 14, 4, &c) && s[18] == '-'
        && parse_hex(s + 19, 4, &d) && s[23] == '-' && parse_hex(s + 24, 4, &e)
        && parse_hex(s + 28, 8, &f) && s[OVSDB_UUID_LEN] == '\0') {
        uuid->parts[0] = a;
        uuid->parts[1] = (b << 16) | c;
        uuid->parts[2] = (d << 16) | e;
        uuid->parts[3] = f;
        return true;
    }
    ovsdb_uuid_zero(uuid);
    return false;
}

static char *
put_hex(char *p, uint32_t value, int n)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = n - 1; i >= 0; i--) {
        p[i] = digits[value & 15];
        value >>= 4;
    }
    return p + n;
}

char *
ovsdb_uuid_format(const struct ovsdb_uuid *uuid, char *buf)
{
    /* By hand: this runs for every UUID in every reply and record, and
     * snprintf() would dominate. */
    char *p = buf;
    p = put_hex(p, uuid->parts[0], 8);
    *p++ = '-';
    p = put_hex(p, uuid->parts[1] >> 16, 4);
    *p++ = '-';
    p = put_hex(p, uuid->parts[1] & 0xffff, 4);
    *p++ = '-';
    p = put_hex(p, uuid->parts[2] >> 16, 4);
    *p++ = '-';
    p = put_hex(p, uuid->parts[2] & 0xffff, 4);
    p = put_hex(p, uuid->parts[3], 8);
    *p = '\0';
    return buf;
}
