/* Fuzz target: the match wire decoders of ofctl/ofp-match.
 *
 * The first input byte picks how the rest is read: as NXM entries (with
 * and without a cookie allowed), as an OpenFlow 1.3 ofp_match, or as a
 * 40-byte ofp10_match.  Decoding must never read out of bounds (the buffer
 * is exactly the input's size) and must leave the output alone when it
 * fails.  A match that decodes must encode to bytes that decode to the
 * same match, and encoding that match again must give the same bytes: the
 * encoder's output is a fixed point. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/packet.h"
#include "lib/util.h"
#include "ofctl/match.h"
#include "ofctl/ofp-match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum mode { M_NXM, M_NXM_COOKIE, M_OXM, M_OFP10, N_MODES };

/* Returns whether A and B match the same packets, allowing for the one
 * spelling OXM changes: a TCI that says "no tag" (present bit matched as
 * 0, value 0) with a PCP mask comes back without the PCP mask, because a
 * frame without a tag has no PCP (vlan_tci=0x0000 is VLAN_VID=none). */
static bool
matches_same(const struct of_match *a, const struct of_match *b)
{
    const struct of_field *f = of_field_from_id(OF_F_VLAN_TCI);
    struct of_match na = *a, nb = *b;
    struct of_match *ms[2] = { &na, &nb };

    for (size_t i = 0; i < 2; i++) {
        union of_value v, k;
        of_match_get(ms[i], f, &v, &k);
        uint64_t vv = of_value_to_u64(f, &v), kk = of_value_to_u64(f, &k);
        if ((kk & VLAN_CFI) && !vv && (kk & VLAN_PCP_MASK)) {
            of_value_from_u64(f, &k, kk & ~(uint64_t) VLAN_PCP_MASK);
            of_match_set(ms[i], f, &v, &k);
        }
    }
    return of_match_equal(&na, &nb);
}

/* Encodes M in MODE into B (cleared first). */
static void
encode(const struct of_match *m, enum mode mode, uint64_t cookie,
       uint64_t cookie_mask, struct buf *b)
{
    buf_clear(b);
    switch (mode) {
    case M_NXM:
    case M_NXM_COOKIE:
        of_match_put_nxm(m, false, 0, cookie, cookie_mask, b);
        break;
    case M_OXM:
        of_match_put_ofp(m, OF_V13, b);
        break;
    case M_OFP10:
    case N_MODES:
    default:
        of_match_put_ofp10(m, b);
        break;
    }
}

/* Decodes LEN bytes at P in MODE.  A failed decode must not touch *M. */
static enum of_err
decode(const uint8_t *p, size_t len, enum mode mode, struct of_match *m,
       uint64_t *cookie, uint64_t *cookie_mask)
{
    struct of_match before = *m;
    struct of_cursor c;
    enum of_err err;

    switch (mode) {
    case M_NXM:
        err = of_match_pull_nxm(p, len, false, m, NULL, NULL);
        break;
    case M_NXM_COOKIE:
        err = of_match_pull_nxm(p, len, false, m, cookie, cookie_mask);
        break;
    case M_OXM:
        of_cursor_init(&c, p, len);
        err = of_match_pull_ofp(&c, OF_V13, m);
        if (err && c.left != len) {
            abort();
        }
        break;
    case M_OFP10:
    case N_MODES:
    default:
        if (len < OF_OFP10_MATCH_LEN) {
            return OF_ERR_OFPBMC_BAD_LEN;
        }
        err = of_match_pull_ofp10(p, m);
        break;
    }
    if (err && memcmp(m, &before, sizeof *m)) {
        abort();
    }
    return err;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) {
        return 0;
    }
    enum mode mode = data[0] % N_MODES;
    size--;
    uint8_t *p = xmemdup(data + 1, size);
    struct of_match m, m2;
    uint64_t cookie = 0, cookie_mask = 0, cookie2, cookie_mask2;
    struct buf b = BUF_INITIALIZER, b2 = BUF_INITIALIZER;

    memset(&m, 0x5a, sizeof m);
    if (!decode(p, size, mode, &m, &cookie, &cookie_mask)) {
        /* The decoded match must be in canonical form: value bits only
         * under mask bits, which is what makes matches comparable. */
        encode(&m, mode, cookie, cookie_mask, &b);
        memset(&m2, 0, sizeof m2);
        if (decode(b.data, b.len, mode, &m2, &cookie2, &cookie_mask2)
            || !matches_same(&m, &m2)) {
            abort();
        }
        if (mode == M_NXM_COOKIE
            && (cookie2 != cookie || cookie_mask2 != cookie_mask)) {
            abort();
        }
        encode(&m2, mode, cookie, cookie_mask, &b2);
        if (b.len != b2.len || (b.len && memcmp(b.data, b2.data, b.len))) {
            abort();
        }
        /* Whatever fits an ofp10_match must come back from one exactly
         * (the decoder accepts some matches, IPv6 with L4 fields, that
         * Open vSwitch and of_match_fits_ofp10() send as NXM instead). */
        if (of_match_fits_ofp10(&m)) {
            encode(&m, M_OFP10, 0, 0, &b);
            if (b.len != OF_OFP10_MATCH_LEN || of_match_pull_ofp10(b.data, &m2)
                || !of_match_equal(&m, &m2)) {
                abort();
            }
        }
        /* Every match encodes in the other format too. */
        encode(&m, mode == M_OXM ? M_NXM : M_OXM, 0, 0, &b);
    }
    buf_destroy(&b);
    buf_destroy(&b2);
    free(p);
    return 0;
}
