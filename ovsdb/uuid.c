/* uuid.c: generating, parsing and formatting UUIDs. */
#include "ovsdb/uuid.h"

#include <errno.h>
#include <stdio.h>
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
            ssize_t n = getrandom((char *) batch + got, sizeof batch - got,
                                  0);
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

static int
hexit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    } else if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool
ovsdb_uuid_from_string(struct ovsdb_uuid *uuid, const char *s)
{
    /* Where the dashes are in the 36-character form. */
    static const bool dash[OVSDB_UUID_LEN] = {
        [8] = true, [13] = true, [18] = true, [23] = true,
    };
    uint32_t parts[4] = { 0, 0, 0, 0 };
    int n_hex = 0;

    for (int i = 0; i < OVSDB_UUID_LEN; i++) {
        if (dash[i]) {
            if (s[i] != '-') {
                goto error;
            }
            continue;
        }
        int h = hexit(s[i]);
        if (h < 0) {
            goto error;
        }
        parts[n_hex / 8] = (parts[n_hex / 8] << 4) | (uint32_t) h;
        n_hex++;
    }
    if (s[OVSDB_UUID_LEN] != '\0') {
        goto error;
    }
    memcpy(uuid->parts, parts, sizeof parts);
    return true;

error:
    ovsdb_uuid_zero(uuid);
    return false;
}

char *
ovsdb_uuid_format(const struct ovsdb_uuid *uuid, char *buf)
{
    snprintf(buf, OVSDB_UUID_LEN + 1, "%08x-%04x-%04x-%04x-%04x%08x",
             uuid->parts[0], uuid->parts[1] >> 16, uuid->parts[1] & 0xffff,
             uuid->parts[2] >> 16, uuid->parts[2] & 0xffff, uuid->parts[3]);
    return buf;
}
