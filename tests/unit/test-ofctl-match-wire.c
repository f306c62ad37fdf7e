/* Unit tests for the match wire codec, ofctl/ofp-match.
 *
 * The heart is data: tests/unit/ofctl-match-golden.txt holds, for several
 * hundred matches covering every field the codec knows, the bytes the real
 * "ovs-ofctl -mmmmm parse-flow" of Open vSwitch 3.1 put in a flow mod for
 * them as NXM, as an OpenFlow 1.3 ofp_match and (where it fits) as an
 * OpenFlow 1.0 ofp10_match (tests/unit/ofctl-match-golden.sh regenerates
 * it).  Every match must encode to exactly those bytes, and the bytes must
 * decode back to the parsed match (except where a format cannot hold the
 * match exactly; those cases are listed with the reason) and re-encode to
 * themselves.  Malformed input checks every refusal with its exact error,
 * and random matches must survive encode -> decode -> encode. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util.h"
#include "ofctl/flow-text.h"
#include "ofctl/match.h"
#include "ofctl/ofp-match.h"

#define GOLDEN "tests/unit/ofctl-match-golden.txt"

enum fmt { FMT_NXM, FMT_OXM13, FMT_OFP10 };

/* Matches that one format holds only approximately, so the decoded match
 * differs from the parsed one (the bytes still round-trip). */
static const struct {
    const char *match;
    enum fmt fmt;
    const char *why;
} lossy[] = {
    { "dl_vlan=0xffff", FMT_OXM13,
      "OXM has no PCP wildcard for \"no VLAN\": vlan_tci=0/0xffff becomes "
      "vlan_tci=0/0x1fff" },
    { "vlan_tci=0", FMT_OXM13, "as dl_vlan=0xffff" },
    { "in_port=100,dl_vlan=0xffff", FMT_OXM13, "as dl_vlan=0xffff" },
    { "dl_vlan_pcp=2,dl_vlan=0xffff", FMT_OXM13, "as dl_vlan=0xffff" },
    { "vlan_tci=0x0000/0xefff", FMT_OXM13,
      "ovs-ofctl's bytes say VID 0 with any PCP (see below)" },
    { "tun_metadata0=0x00000005", FMT_NXM,
      "Open vSwitch sends the value's significant bytes only" },
    { "tun_metadata0=0x00000005", FMT_OXM13, "as above" },
};

/* Matches that nicflow sends differently from ovs-ofctl on purpose,
 * because ovs-ofctl's bytes mean another match. */
static const struct {
    const char *match;
    enum fmt fmt;
    const char *why;
} deliberate[] = {
    { "vlan_tci=0x0000/0xefff", FMT_OXM13,
      "OXM cannot match a PCP without the VLAN present bit: ovs-ofctl "
      "drops the PCP mask (VLAN_VID=0/0xfff), nicflow sends the Nicira "
      "VLAN_TCI field, which says exactly what the text does" },
};

static bool
is_deliberate(const char *match, enum fmt fmt)
{
    for (size_t i = 0; i < ARRAY_SIZE(deliberate); i++) {
        if (deliberate[i].fmt == fmt && !strcmp(deliberate[i].match, match)) {
            return true;
        }
    }
    return false;
}

/* Matches whose model cannot hold a distinction ovs-ofctl's text makes
 * (the same model comes from two spellings ovs-ofctl encodes
 * differently), or that nicflow's parser reads differently: the bytes are
 * not compared, the decoded match must still equal the parsed one unless
 * the parser is the reason. */
static const struct {
    const char *match;
    bool decodes_equal;
    const char *why;
} model_limits[] = {
    { "tcp,tcp_flags=0/0xfff", true,
      "the same model as tcp_flags=0, which ovs-ofctl sends unmasked" },
    { "eth_src=00:00:00:00:00:00/00:00:00:00:00:00", true,
      "an all-wildcard field leaves the model empty, where ovs-ofctl "
      "still marks the packet type Ethernet" },
    { "tun_metadata0=0x5/0xff", true,
      "the same model as tun_metadata0=0x5, which ovs-ofctl sends "
      "unmasked" },
};

/* Substrings of matches that nicflow's parser reads differently from
 * ovs-ofctl (reported to the parser's owner). */
static const struct {
    const char *substring;
    const char *why;
} parser_differences[] = {
    { "frag=no", "ofctl/field-value.c parses ip_frag=no as 0/1; ovs-ofctl "
                 "parses it as 0/3 (not a fragment, and not a later one)" },
};

static bool
model_limit(const char *match, bool *decodes_equal)
{
    for (size_t i = 0; i < ARRAY_SIZE(model_limits); i++) {
        if (!strcmp(model_limits[i].match, match)) {
            *decodes_equal = model_limits[i].decodes_equal;
            return true;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(parser_differences); i++) {
        if (strstr(match, parser_differences[i].substring)) {
            *decodes_equal = false;
            return true;
        }
    }
    return false;
}

static bool
is_lossy(const char *match, enum fmt fmt)
{
    for (size_t i = 0; i < ARRAY_SIZE(lossy); i++) {
        if (lossy[i].fmt == fmt && !strcmp(lossy[i].match, match)) {
            return true;
        }
    }
    return false;
}

static void
to_hex(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        sprintf(out + 2 * i, "%02x", p[i]);
    }
    out[2 * n] = '\0';
}

static size_t
from_hex(const char *s, uint8_t *out, size_t max)
{
    size_t n = 0;
    while (s[0] && s[1] && n < max) {
        unsigned x;
        sscanf(s, "%2x", &x);
        out[n++] = (uint8_t) x;
        s += 2;
    }
    return n;
}

/* Parses MATCH (without actions) as ovs-ofctl's add-flow would.  Returns
 * true if the parser dropped fields whose prerequisites were missing. */
static bool
parse_match(const char *match, struct of_match *m)
{
    char text[2048];
    struct of_flow flow;
    size_t ofs = 0;
    char *notice = NULL;

    snprintf(text, sizeof text, "%s%sactions=drop", match, *match ? "," : "");
    char *err = of_flow_parse(&flow, text, OF_FLOW_ADD, &ofs, &notice);
    if (err) {
        fail_msg("\"%s\" does not parse: %s", text, err);
    }
    *m = flow.match;
    of_flow_destroy(&flow);
    free(notice);
    return notice != NULL;
}

static void
encode(const struct of_match *m, enum fmt fmt, struct buf *b)
{
    buf_clear(b);
    switch (fmt) {
    case FMT_NXM:
        of_match_put_nxm(m, false, 0, 0, 0, b);
        break;
    case FMT_OXM13:
        of_match_put_ofp(m, OF_V13, b);
        break;
    case FMT_OFP10:
        of_match_put_ofp10(m, b);
        break;
    }
}

static enum of_err
decode(const uint8_t *p, size_t n, enum fmt fmt, struct of_match *m)
{
    struct of_cursor c;

    switch (fmt) {
    case FMT_NXM:
        return of_match_pull_nxm(p, n, false, m, NULL, NULL);
    case FMT_OXM13: {
        of_cursor_init(&c, p, n);
        enum of_err err = of_match_pull_ofp(&c, OF_V13, m);
        return err ? err : c.left ? OF_ERR_OFPBMC_BAD_LEN : 0;
    }
    case FMT_OFP10:
    default:
        return n == OF_OFP10_MATCH_LEN ? of_match_pull_ofp10(p, m)
                                       : OF_ERR_OFPBMC_BAD_LEN;
    }
}

/* Checks that MATCH, for which ovs-ofctl wrote no ofp10_match unless
 * HAS_OFP10, does not fit one here.  Returns 1 if it checked. */
static int
check_no_ofp10(const char *match, bool has_ofp10)
{
    struct of_match m;

    /* ovs-ofctl decides what OpenFlow 1.0 can carry per field name, and
     * refuses some names in it even where other names give the same match
     * (vlan_tci=0x1006/0x1fff is dl_vlan=6, sctp_src=5 is tp_src=5). */
    static const char *nxm_only_names[] = {
        "vlan_tci", "vlan_vid", "vlan_pcp", "sctp_src", "sctp_dst",
    };
    for (size_t i = 0; i < ARRAY_SIZE(nxm_only_names); i++) {
        const char *p = strstr(match, nxm_only_names[i]);
        if (p && (p == match || p[-1] == ',')) {
            return 0;
        }
    }
    if (has_ofp10 || parse_match(match, &m)) {
        return 0;
    }
    if (of_match_fits_ofp10(&m)) {
        fail_msg("\"%s\" fits an ofp10_match here but not in ovs-ofctl",
                 match);
    }
    return 1;
}

static void
test_golden(void **state)
{
    static const char *names[] = { "nxm", "oxm13", "ofp10" };
    FILE *file = fopen(GOLDEN, "r");
    char *line = NULL;
    size_t cap = 0;
    int n = 0, n_bad = 0, n_lossy = 0, n_skipped = 0, n_no_ofp10 = 0;
    char prev_match[2048] = "";
    bool prev_has_ofp10 = true;
    int per_fmt[3] = { 0 };
    struct buf b = BUF_INITIALIZER;

    (void) state;
    if (!file) {
        fail_msg("%s: %s (run from the repository root)", GOLDEN,
                 strerror(errno));
    }
    while (getline(&line, &cap, file) > 0) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || !line[0]) {
            continue;
        }
        char *tab1 = strchr(line, '\t');
        assert_non_null(tab1);
        char *tab2 = strchr(tab1 + 1, '\t');
        assert_non_null(tab2);
        *tab1 = *tab2 = '\0';
        const char *match = line, *hex = tab2 + 1;
        enum fmt fmt = !strcmp(tab1 + 1, "nxm")     ? FMT_NXM
                       : !strcmp(tab1 + 1, "oxm13") ? FMT_OXM13
                                                    : FMT_OFP10;
        struct of_match m, back;
        uint8_t want[2048];
        char got[4200];
        size_t want_len = from_hex(hex, want, sizeof want);

        /* A match ovs-ofctl could not put in an ofp10_match (it has NXM
         * and OXM lines but no ofp10 one) must not fit here either. */
        if (strcmp(match, prev_match)) {
            n_no_ofp10 += check_no_ofp10(prev_match, prev_has_ofp10);
            snprintf(prev_match, sizeof prev_match, "%s", match);
            prev_has_ofp10 = false;
        }
        prev_has_ofp10 |= fmt == FMT_OFP10;
        n++;
        per_fmt[fmt]++;
        /* ovs-ofctl keeps the fields it drops for missing prerequisites in
         * an ofp10_match, and marks the packet type Ethernet in NXM and
         * OXM instead; the model has neither, so only decoding is
         * compared for such flows. */
        bool dropped = parse_match(match, &m);
        bool decodes_equal = true;
        bool limited = model_limit(match, &decodes_equal);
        bool compare_bytes =
            !dropped && !limited && !is_deliberate(match, fmt);
        if (fmt == FMT_OFP10 && !dropped && !of_match_fits_ofp10(&m)) {
            printf("# \"%s\": does not fit ofp10 here\n", match);
            n_bad++;
            continue;
        }
        encode(&m, fmt, &b);
        to_hex(b.data, b.len, got);
        if (!compare_bytes) {
            n_skipped++;
        } else if (strcmp(got, hex)) {
            printf("# \"%s\" %s:\n#    nicflow: %s\n#  ovs-ofctl: %s\n", match,
                   names[fmt], got, hex);
            n_bad++;
            continue;
        }
        enum of_err err = decode(want, want_len, fmt, &back);
        if (err) {
            printf("# \"%s\" %s: decoding refused (error %d)\n", match,
                   names[fmt], (int) err);
            n_bad++;
            continue;
        }
        if (!decodes_equal) {
            continue;
        }
        if (!of_match_equal(&back, &m)) {
            if (is_lossy(match, fmt)) {
                n_lossy++;
            } else {
                char *a = of_match_to_string(&m, OF_DEFAULT_PRIORITY);
                char *z = of_match_to_string(&back, OF_DEFAULT_PRIORITY);
                printf("# \"%s\" %s: decodes to a different match\n#  "
                       "parsed: %s\n# decoded: %s\n",
                       match, names[fmt], a, z);
                free(a);
                free(z);
                n_bad++;
                continue;
            }
        }
        encode(&back, fmt, &b);
        to_hex(b.data, b.len, got);
        if (compare_bytes && strcmp(got, hex)) {
            printf("# \"%s\" %s: re-encodes as %s\n", match, names[fmt], got);
            n_bad++;
        }
    }
    n_no_ofp10 += check_no_ofp10(prev_match, prev_has_ofp10);
    free(line);
    fclose(file);
    buf_destroy(&b);
    printf("# golden: %d matches ovs-ofctl cannot send as ofp10 do not fit "
           "here either\n",
           n_no_ofp10);
    assert_true(n_no_ofp10 >= 50);
    printf("# golden: %d cases (%d NXM, %d OXM, %d ofp10), %d failed, %d "
           "known lossy decodes, %d not compared byte for byte (dropped "
           "fields, model limits)\n",
           n, per_fmt[0], per_fmt[1], per_fmt[2], n_bad, n_lossy, n_skipped);
    assert_true(n >= 240);
    assert_true(n_skipped < n / 10);
    assert_int_equal(n_bad, 0);
}

/* ---------------------------------------------------------------------
 * Field headers.
 * --------------------------------------------------------------------- */

static void
test_field_headers(void **state)
{
    uint32_t exp;

    (void) state;
    /* NXM_OF_ETH_TYPE, NXM_OF_ETH_SRC_W, OXM_OF_IN_PORT, NXM_NX_REG0. */
    assert_int_equal(
        of_field_header(of_field_from_id(OF_F_ETH_TYPE), false, false, &exp),
        0x00000602);
    assert_int_equal(
        of_field_header(of_field_from_id(OF_F_ETH_SRC), false, true, &exp),
        0x0000050c);
    assert_int_equal(
        of_field_header(of_field_from_id(OF_F_ETH_SRC), true, false, &exp),
        0x80000806);
    assert_int_equal(
        of_field_header(of_field_from_id(OF_F_IN_PORT_OXM), true, false, &exp),
        0x80000004);
    assert_int_equal(
        of_field_header(of_field_from_id(OF_F_REG0), true, false, &exp),
        0x00010004);
    /* NXM_NX_TCP_FLAGS in NXM, ONFOXM_ET_TCP_FLAGS in OXM. */
    assert_int_equal(
        of_field_header(of_field_from_id(OF_F_TCP_FLAGS), false, true, &exp),
        0x00014504);
    assert_int_equal(exp, 0);
    assert_int_equal(
        of_field_header(of_field_from_id(OF_F_TCP_FLAGS), true, true, &exp),
        0xffff5508);
    assert_int_equal(exp, OF_EXP_ONF);
    assert_int_equal(
        of_field_header_len(of_field_from_id(OF_F_ACTSET_OUTPUT), true), 8);
    assert_int_equal(
        of_field_header_len(of_field_from_id(OF_F_ETH_TYPE), true), 4);
    /* A field without any code point. */
    assert_int_equal(of_field_header(of_field_from_id(OF_F_SKB_PRIORITY), true,
                                     false, &exp),
                     0);

    /* Every field with a code point reads back as itself. */
    for (int id = 0; id < OF_N_FIELDS; id++) {
        const struct of_field *f = of_field_from_id(id);
        for (int oxm = 0; oxm < 2; oxm++) {
            for (int masked = 0; masked < 2; masked++) {
                struct buf b = BUF_INITIALIZER;
                if (!of_field_header(f, oxm, masked, NULL)) {
                    continue;
                }
                of_field_put_header(&b, f, oxm, masked);
                assert_int_equal(b.len, of_field_header_len(f, oxm));
                struct of_cursor c;
                bool m;
                size_t len;
                enum of_err err;
                of_cursor_init(&c, b.data, b.len);
                const struct of_field *g =
                    of_field_pull_header(&c, &m, &len, &err);
                if (!g) {
                    fail_msg("%s: header does not read back (%d)", f->name,
                             (int) err);
                }
                /* in_port_oxm and in_port, xreg/reg are distinct rows. */
                assert_int_equal(g->id, f->id);
                assert_int_equal(m, masked);
                assert_int_equal(len, f->n_bytes * (masked ? 2u : 1u));
                assert_int_equal(c.left, 0);
                buf_destroy(&b);
            }
        }
    }

    /* Refusals: truncated, an experimenter length without room for the
     * id, an unknown code point, a known one with the wrong length. */
    static const struct {
        const char *hex;
        enum of_err err;
    } bad[] = {
        { "000006", OF_ERR_OFPBMC_BAD_LEN },
        { "ffff5608", OF_ERR_OFPBMC_BAD_LEN },
        { "ffff56024f4e4600", OF_ERR_OFPBMC_BAD_LEN },
        { "0000fe02", OF_ERR_OFPBMC_BAD_FIELD },
        { "00000604", OF_ERR_OFPBMC_BAD_FIELD },
        { "00000702", OF_ERR_OFPBMC_BAD_FIELD },
        { "ffff560812345678", OF_ERR_OFPBMC_BAD_FIELD },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        uint8_t p[16];
        size_t n = from_hex(bad[i].hex, p, sizeof p);
        struct of_cursor c;
        bool m;
        size_t len;
        enum of_err err = OF_ERR_NONE;
        of_cursor_init(&c, p, n);
        assert_null(of_field_pull_header(&c, &m, &len, &err));
        if (err != bad[i].err) {
            fail_msg("header %s: error %d, expected %d", bad[i].hex, (int) err,
                     (int) bad[i].err);
        }
    }
}

/* ---------------------------------------------------------------------
 * Malformed input.
 * --------------------------------------------------------------------- */

struct bad_case {
    const char *hex;
    enum fmt fmt;
    enum of_err err;
    const char *what;
};

static const struct bad_case bad_cases[] = {
    /* Unknown fields. */
    { "0000fe020000", FMT_NXM, OF_ERR_OFPBMC_BAD_FIELD, "unknown NXM field" },
    { "00010e080000000000000005", FMT_NXM, OF_ERR_OFPBMC_BAD_FIELD,
      "NXM_NX_COOKIE where no cookie is allowed" },
    { "0000060408000800", FMT_NXM, OF_ERR_OFPBMC_BAD_FIELD,
      "NXM_OF_ETH_TYPE with a 4-byte payload" },
    { "ffff4c081234567800000000", FMT_NXM, OF_ERR_OFPBMC_BAD_FIELD,
      "unknown experimenter" },
    /* Duplicates. */
    { "000006020800"
      "000006020800",
      FMT_NXM, OF_ERR_OFPBMC_DUP_FIELD, "eth_type twice" },
    { "000008020005"
      "80000c021005",
      FMT_NXM, OF_ERR_OFPBMC_DUP_FIELD, "vlan_tci and vlan_vid overlap" },
    { "0001000400000001"
      "8001000800000000"
      "00000001",
      FMT_NXM, OF_ERR_OFPBMC_DUP_FIELD, "reg0 and xreg0 overlap" },
    { "000006020800"
      "00000a0100"
      "80001001"
      "00",
      FMT_NXM, OF_ERR_OFPBMC_DUP_FIELD, "nw_tos and ip_dscp overlap" },
    /* Prerequisites. */
    { "00000c0106", FMT_NXM, OF_ERR_OFPBMC_BAD_PREREQ,
      "ip_proto without eth_type" },
    { "000006020800"
      "0000120200500000",
      FMT_NXM, OF_ERR_OFPBMC_BAD_PREREQ, "tcp_src without ip_proto" },
    { "000006020800"
      "00000c0111"
      "000012020050",
      FMT_NXM, OF_ERR_OFPBMC_BAD_PREREQ, "tcp_src with udp" },
    { "80000e0103", FMT_NXM, OF_ERR_OFPBMC_BAD_PREREQ,
      "vlan_pcp without a VLAN" },
    { "00000c0106000006020800", FMT_NXM, OF_ERR_OFPBMC_BAD_PREREQ,
      "prerequisite after the field" },
    /* Masks. */
    { "0000070408000fff", FMT_NXM, OF_ERR_OFPBMC_BAD_MASK,
      "partial mask on eth_type" },
    { "0000050c000100000000ff0000000000", FMT_NXM, OF_ERR_OFPBMC_BAD_WILDCARDS,
      "value bits outside the mask" },
    /* Values. */
    { "000006020800"
      "00000a0103",
      FMT_NXM, OF_ERR_OFPBMC_BAD_VALUE, "ECN bits in NXM_OF_IP_TOS" },
    { "80000c022005", FMT_NXM, OF_ERR_OFPBMC_BAD_VALUE,
      "vlan_vid beyond 13 bits" },
    { "80000004ffef0000", FMT_NXM, OF_ERR_OFPBMC_BAD_VALUE,
      "in_port between the 16-bit and the reserved 32-bit ports" },
    { "000006020806"
      "00001e020100",
      FMT_NXM, OF_ERR_OFPBMC_BAD_VALUE, "arp_op beyond 8 bits" },
    { "000006020800"
      "0001340104",
      FMT_NXM, OF_ERR_OFPBMC_BAD_VALUE, "ip_frag beyond 2 bits" },
    { "0001d0020002", FMT_NXM, OF_ERR_OFPBMC_BAD_VALUE,
      "tun_flags beyond the OAM bit" },
    /* Lengths. */
    { "00000602", FMT_NXM, OF_ERR_OFPBMC_BAD_LEN, "payload missing" },
    { "0000060208", FMT_NXM, OF_ERR_OFPBMC_BAD_LEN, "payload truncated" },
    { "000006", FMT_NXM, OF_ERR_OFPBMC_BAD_LEN, "header truncated" },
    { "ffff5602", FMT_NXM, OF_ERR_OFPBMC_BAD_LEN,
      "experimenter header truncated" },
    { "ffff56024f4e4600", FMT_NXM, OF_ERR_OFPBMC_BAD_LEN,
      "experimenter length shorter than the id" },
    { "00010002", FMT_OXM13, OF_ERR_OFPBMC_BAD_LEN,
      "ofp_match length below 4" },
    { "0001000c80000004", FMT_OXM13, OF_ERR_OFPBMC_BAD_LEN,
      "ofp_match longer than the buffer" },
    { "0001000a80000602080000ff", FMT_OXM13, OF_ERR_OFPBMC_BAD_LEN,
      "nonzero padding" },
    { "0001000a8000060208000000", FMT_OXM13, OF_ERR_OFPBMC_BAD_LEN,
      "ofp_match padding missing from the buffer" },
    { "0000000400000000", FMT_OXM13, OF_ERR_OFPBMC_BAD_TYPE,
      "OFPMT_STANDARD" },
    { "0001", FMT_OXM13, OF_ERR_OFPBMC_BAD_LEN, "ofp_match header cut" },
    /* Packet types: only Ethernet, once. */
    { "8000580400000001", FMT_NXM, OF_ERR_OFPBMC_BAD_VALUE,
      "a packet type other than Ethernet" },
    { "80005804000000008000580400000000", FMT_NXM, OF_ERR_OFPBMC_DUP_FIELD,
      "packet_type twice" },
    { "800059080000000000ff0000", FMT_NXM, OF_ERR_OFPBMC_BAD_MASK,
      "a masked packet type" },
};

static void
test_malformed(void **state)
{
    (void) state;
    for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
        const struct bad_case *bc = &bad_cases[i];
        uint8_t p[256];
        size_t n = from_hex(bc->hex, p, sizeof p);
        struct of_match m, before;

        /* Nothing is stored unless the whole match decodes. */
        memset(&m, 0x5a, sizeof m);
        before = m;
        enum of_err err;
        if (bc->fmt == FMT_OXM13) {
            struct of_cursor c;
            of_cursor_init(&c, p, n);
            err = of_match_pull_ofp(&c, OF_V13, &m);
            assert_int_equal(c.left, n);
        } else {
            err = of_match_pull_nxm(p, n, false, &m, NULL, NULL);
        }
        if (err != bc->err) {
            fail_msg("%s (%s): error %d, expected %d", bc->what, bc->hex,
                     (int) err, (int) bc->err);
        }
        assert_memory_equal(&m, &before, sizeof m);
    }

    /* The Ethernet packet type is what every match means already. */
    uint8_t p[16];
    size_t n = from_hex("8000580400000000"
                        "000006020800",
                        p, sizeof p);
    struct of_match m, ip;
    assert_int_equal(of_match_pull_nxm(p, n, true, &m, NULL, NULL), 0);
    parse_match("ip", &ip);
    assert_true(of_match_equal(&m, &ip));
}

static void
test_cookie(void **state)
{
    struct of_match m, back;
    struct buf b = BUF_INITIALIZER;
    uint64_t cookie, mask;
    char hex[256];

    (void) state;
    parse_match("in_port=1", &m);
    of_match_put_nxm(&m, false, 0, 0x1234, UINT64_MAX, &b);
    to_hex(b.data, b.len, hex);
    assert_string_equal(hex, "000000020001"
                             "00013c080000000000001234");
    assert_int_equal(
        of_match_pull_nxm(b.data, b.len, false, &back, &cookie, &mask), 0);
    assert_true(of_match_equal(&m, &back));
    assert_int_equal(cookie, 0x1234);
    assert_int_equal(mask, UINT64_MAX);

    buf_clear(&b);
    of_match_put_nxm(&m, false, 0, 0x1234, 0xff00, &b);
    to_hex(b.data, b.len, hex);
    assert_string_equal(hex, "000000020001"
                             "00013d100000000000001200000000000000ff00");
    assert_int_equal(
        of_match_pull_nxm(b.data, b.len, false, &back, &cookie, &mask), 0);
    assert_int_equal(cookie, 0x1200);
    assert_int_equal(mask, 0xff00);

    /* Without a cookie, both come back 0. */
    buf_clear(&b);
    of_match_put_nxm(&m, false, 0, 0, 0, &b);
    assert_int_equal(
        of_match_pull_nxm(b.data, b.len, false, &back, &cookie, &mask), 0);
    assert_int_equal(cookie, 0);
    assert_int_equal(mask, 0);

    /* Twice is a duplicate. */
    uint8_t two[24];
    size_t n = from_hex("00013c080000000000000001"
                        "00013c080000000000000002",
                        two, sizeof two);
    assert_int_equal(of_match_pull_nxm(two, n, false, &back, &cookie, &mask),
                     OF_ERR_OFPBMC_DUP_FIELD);
    buf_destroy(&b);
}

/* OpenFlow 1.5 spells registers as 64-bit packet registers and the ONF
 * fields as standard ones. */
static void
test_of15(void **state)
{
    struct of_match m, back;
    struct buf b = BUF_INITIALIZER;
    char hex[256];

    (void) state;
    parse_match("tcp,tcp_flags=+syn,reg1=5,actset_output=1", &m);
    of_match_put_nxm(&m, true, OF_V15, 0, 0, &b);
    to_hex(b.data, b.len, hex);
    assert_string_equal(hex, "8000560400000001"
                             "80000a020800"
                             "80001401"
                             "06"
                             "8000550400020002"
                             "80010110"
                             "0000000000000005"
                             "00000000ffffffff");
    /* The mask of xreg0 covers reg1 only; the encoder sends it masked. */
    assert_int_equal(of_match_pull_nxm(b.data, b.len, true, &back, NULL, NULL),
                     0);
    assert_true(of_match_equal(&m, &back));
    buf_destroy(&b);
}

/* ---------------------------------------------------------------------
 * Random matches.
 * --------------------------------------------------------------------- */

static uint32_t rnd_state = 12345;

static uint32_t
rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

static const char *bases[] = {
    "",
    "ip",
    "ipv6",
    "arp",
    "tcp",
    "udp",
    "sctp",
    "icmp",
    "icmp6",
    "mpls",
    "tcp6",
    "ct_state=+trk+est,ip",
    "icmp6,icmp_type=135,icmp_code=0",
    "icmp6,icmp_type=136,icmp_code=0",
    "dl_vlan=5",
};

/* Sets a random value (and mask, if F takes masks) of F. */
static void
random_field(struct of_match *m, const struct of_field *f)
{
    union of_value v, k, exact;
    size_t n = f->n_bytes;

    if (f->where == OF_IN_TUN_MD) {
        n = 1 + rnd() % 8;
    }
    memset(v.be, 0, sizeof v.be);
    memset(k.be, 0, sizeof k.be);
    of_value_exact_mask(f, &exact);
    for (size_t i = f->n_bytes - n; i < f->n_bytes; i++) {
        v.be[i] = (uint8_t) rnd();
        k.be[i] = f->maskable && rnd() % 2 ? (uint8_t) rnd() : 0xff;
        if (f->where != OF_IN_TUN_MD) {
            k.be[i] &= exact.be[i];
        }
        v.be[i] &= k.be[i];
    }
    if (f->where == OF_IN_TUN_MD) {
        k.be[f->n_bytes - n] |= 0x80;
        v.be[f->n_bytes - n] |= 0x80;
    }
    if (f->format == OF_FMT_PORT_OXM || f->format == OF_FMT_PORT) {
        of_value_from_u64(f, &v, rnd() % 2 ? rnd() % 0xff00 : 0xfff8);
        of_value_exact_mask(f, &k);
    }
    if (f->id == OF_F_NW_TOS) {
        v.be[0] &= 0xfc;
    }
    if (of_value_is_zero(f, &k)) {
        return;
    }
    of_match_set(m, f, &v, &k);
}

/* True if F may be sent at all as part of a random match: the ones the
 * encoder writes only as whole or exact values are left out, because the
 * random masks would not survive. */
static bool
random_ok(const struct of_field *f, bool oxm)
{
    if (!of_field_header(f, oxm, false, NULL)) {
        return false;
    }
    switch (f->id) {
    case OF_F_IN_PORT:
    case OF_F_IN_PORT_OXM:
        return f->id == (oxm ? OF_F_IN_PORT_OXM : OF_F_IN_PORT);
    case OF_F_VLAN_TCI:
    case OF_F_VLAN_VID:
    case OF_F_VLAN_PCP:
    case OF_F_ETH_TYPE:
    case OF_F_IP_PROTO:
    case OF_F_TUN_FLAGS:
    case OF_F_ICMPV6_TYPE:
    case OF_F_ICMPV6_CODE:
    case OF_F_IP_DSCP:
    case OF_F_NW_TOS:
        return false;
    default:
        /* Registers go as reg0..15 before OpenFlow 1.5. */
        return !(f->id >= OF_F_XREG0 && f->id < OF_F_TUN_ID);
    }
}

static void
test_random_round_trip(void **state)
{
    struct buf b = BUF_INITIALIZER, b2 = BUF_INITIALIZER;
    int n_ofp10 = 0;

    (void) state;
    for (int iter = 0; iter < 3000; iter++) {
        struct of_match m, back;
        bool oxm = iter % 2;

        parse_match(bases[rnd() % ARRAY_SIZE(bases)], &m);
        int n = 1 + rnd() % 6;
        for (int j = 0; j < n; j++) {
            const struct of_field *f = of_field_from_id(rnd() % OF_N_FIELDS);
            if (random_ok(f, oxm) && of_match_prereqs_ok(&m, f)
                && !of_match_has(&m, f)) {
                random_field(&m, f);
            }
        }
        buf_clear(&b);
        if (oxm) {
            of_match_put_ofp(&m, OF_V13, &b);
        } else {
            of_match_put_nxm(&m, false, 0, 0, 0, &b);
        }
        enum of_err err =
            decode(b.data, b.len, oxm ? FMT_OXM13 : FMT_NXM, &back);
        if (err || !of_match_equal(&m, &back)) {
            char *a = of_match_to_string(&m, OF_DEFAULT_PRIORITY);
            char *z = of_match_to_string(&back, OF_DEFAULT_PRIORITY);
            fail_msg("iteration %d (%s): error %d\n  match: %s\n   back: %s",
                     iter, oxm ? "OXM" : "NXM", (int) err, a, err ? "" : z);
        }
        encode(&back, oxm ? FMT_OXM13 : FMT_NXM, &b2);
        if (!oxm) {
            buf_clear(&b2);
            of_match_put_nxm(&back, false, 0, 0, 0, &b2);
        }
        assert_int_equal(b.len, b2.len);
        assert_memory_equal(b.data, b2.data, b.len);

        if (of_match_fits_ofp10(&m)) {
            n_ofp10++;
            buf_clear(&b);
            of_match_put_ofp10(&m, &b);
            assert_int_equal(b.len, OF_OFP10_MATCH_LEN);
            assert_int_equal(of_match_pull_ofp10(b.data, &back), 0);
            assert_true(of_match_equal(&m, &back));
        }
    }
    printf("# random: 3000 matches round-tripped, %d of them as ofp10 too\n",
           n_ofp10);
    assert_true(n_ofp10 > 100);
    buf_destroy(&b);
    buf_destroy(&b2);
}

/* ofp10_match: what fits, and how Open vSwitch's normalisation applies. */
static void
test_ofp10(void **state)
{
    struct of_match m;
    uint8_t p[OF_OFP10_MATCH_LEN];

    (void) state;
    parse_match("ipv6,ipv6_src=::1", &m);
    assert_false(of_match_fits_ofp10(&m));
    parse_match("dl_src=00:00:00:00:00:00/01:00:00:00:00:00", &m);
    assert_false(of_match_fits_ofp10(&m));
    parse_match("ip,nw_src=10.1.2.3/255.0.255.0", &m);
    assert_false(of_match_fits_ofp10(&m));
    parse_match("reg0=1", &m);
    assert_false(of_match_fits_ofp10(&m));
    parse_match("tcp,nw_src=10.0.0.0/8,tp_dst=80", &m);
    assert_true(of_match_fits_ofp10(&m));

    /* tp_dst without nw_proto: ignored, as Open vSwitch does. */
    from_hex("003820af"
             "0000"
             "000000000000"
             "000000000000"
             "0000"
             "00"
             "00"
             "0800"
             "00"
             "00"
             "0000"
             "00000000"
             "00000000"
             "0000"
             "0050",
             p, sizeof p);
    assert_int_equal(of_match_pull_ofp10(p, &m), 0);
    struct of_match ip;
    parse_match("ip", &ip);
    assert_true(of_match_equal(&m, &ip));
}

/* of_field_or_exact_mask() gives, for every field, what of_match_set()
 * puts in a catch-all match's masks for an exact match, ORed into masks
 * that already have bits. */
static void
test_exact_masks(void **state)
{
    union of_value ones;

    (void) state;
    memset(&ones, 0xff, sizeof ones);
    for (size_t id = 0; id < OF_N_FIELDS; id++) {
        const struct of_field *f = of_field_from_id(id);
        struct of_match want;
        struct flow fm;
        struct of_meta mm;

        /* A mask with one bit set in every other byte. */
        memset(&fm, 0, sizeof fm);
        memset(&mm, 0, sizeof mm);
        for (size_t i = 0; i < sizeof fm; i += 2) {
            ((uint8_t *) &fm)[i] = 0x10;
        }
        for (size_t i = 0; i < sizeof mm; i += 2) {
            ((uint8_t *) &mm)[i] = 0x10;
        }
        of_match_init_catchall(&want);
        want.mask = fm;
        want.meta_mask = mm;
        if (of_match_set(&want, f, &ones, &ones)) {
            continue;
        }
        /* of_match_set() replaces the field's bits; ORing adds them. */
        for (size_t i = 0; i < sizeof fm; i++) {
            ((uint8_t *) &want.mask)[i] |= ((uint8_t *) &fm)[i];
        }
        for (size_t i = 0; i < sizeof mm; i++) {
            ((uint8_t *) &want.meta_mask)[i] |= ((uint8_t *) &mm)[i];
        }
        of_field_or_exact_mask(f, &fm, &mm);
        if (memcmp(&fm, &want.mask, sizeof fm)
            || memcmp(&mm, &want.meta_mask, sizeof mm)) {
            fail_msg("field %s: exact mask differs from of_match_set()'s",
                     f->name);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_field_headers),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_cookie),
        cmocka_unit_test(test_of15),
        cmocka_unit_test(test_random_round_trip),
        cmocka_unit_test(test_ofp10),
        cmocka_unit_test(test_exact_masks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
