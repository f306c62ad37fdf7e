/* ofp-util.c: small wire helpers shared by the OpenFlow codecs: version
 * names and sets, big-endian appends, the bounds-checked read cursor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofctl/ofp.h"

/* Versions by number, with the names -O accepts and ovs-ofctl prints. */
static const struct {
    uint8_t version;
    const char *name;
    const char *shortname;
} versions[] = {
    { OF_V10, "OpenFlow10", "1.0" }, { OF_V11, "OpenFlow11", "1.1" },
    { OF_V12, "OpenFlow12", "1.2" }, { OF_V13, "OpenFlow13", "1.3" },
    { OF_V14, "OpenFlow14", "1.4" }, { OF_V15, "OpenFlow15", "1.5" },
};

const char *
of_version_name(uint8_t version)
{
    for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
        if (versions[i].version == version) {
            return versions[i].name;
        }
    }
    return NULL;
}

const char *
of_version_short(uint8_t version)
{
    static char unknown[8];

    for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
        if (versions[i].version == version) {
            return versions[i].shortname;
        }
    }
    snprintf(unknown, sizeof unknown, "0x%02x", version);
    return unknown;
}

char *
of_versions_parse(const char *s, uint32_t *bitmap)
{
    char *copy = xstrdup(s);
    char *save = NULL;
    uint32_t set = 0;

    for (char *tok = strtok_r(copy, ", \t", &save); tok;
         tok = strtok_r(NULL, ", \t", &save)) {
        uint32_t bits = 0;

        if (!strcmp(tok, "OpenFlow1x") || !strcmp(tok, "any")) {
            bits = OF_VERSIONS_SUPPORTED;
        } else {
            for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
                if (!strcasecmp(tok, versions[i].name)) {
                    bits = OF_VBIT(versions[i].version);
                }
            }
        }
        if (!bits) {
            char *err = xasprintf("%s: unknown OpenFlow version (use "
                                  "OpenFlow10, OpenFlow13, OpenFlow14 or "
                                  "OpenFlow15)",
                                  tok);
            free(copy);
            return err;
        }
        if (!(bits & OF_VERSIONS_SUPPORTED)) {
            char *err = xasprintf("%s: version not supported by nicflow "
                                  "(use OpenFlow10, OpenFlow13, OpenFlow14 "
                                  "or OpenFlow15)",
                                  tok);
            free(copy);
            return err;
        }
        set |= bits;
    }
    free(copy);
    if (!set) {
        return xstrdup("no OpenFlow version given");
    }
    *bitmap = set;
    return NULL;
}

uint8_t
of_versions_highest(uint32_t bitmap)
{
    for (int v = 31; v > 0; v--) {
        if (bitmap & (1u << v)) {
            return (uint8_t) v;
        }
    }
    return 0;
}

void
of_buf_put16(struct buf *b, uint16_t v)
{
    of_put16(buf_put_uninit(b, 2), v);
}

void
of_buf_put32(struct buf *b, uint32_t v)
{
    of_put32(buf_put_uninit(b, 4), v);
}

void
of_buf_put64(struct buf *b, uint64_t v)
{
    of_put64(buf_put_uninit(b, 8), v);
}

void
of_buf_pad8(struct buf *b, size_t start)
{
    size_t n = (b->len - start) % 8;

    if (n) {
        buf_put_zeros(b, 8 - n);
    }
}

const uint8_t *
of_cursor_peek(const struct of_cursor *c, size_t n)
{
    return n <= c->left ? c->p : NULL;
}

const uint8_t *
of_cursor_pull(struct of_cursor *c, size_t n)
{
    const uint8_t *p = of_cursor_peek(c, n);

    if (p) {
        c->p += n;
        c->left -= n;
    }
    return p;
}
