/* Unit tests for the action/instruction wire codec (ofctl/ofp-actions.h).
 *
 * The heart is data: tests/unit/ofctl-actions-golden.txt holds, for every
 * flow of the text corpus that has actions plus extra flows covering every
 * action type, the bytes of the action or instruction list that the real
 * "ovs-ofctl parse-flow" of Open vSwitch 3.1 encodes in OpenFlow 1.0, 1.3,
 * 1.4 and 1.5 (tests/unit/ofctl-actions-golden.sh regenerates it).  Every
 * flow's actions must encode to exactly those bytes, and the bytes must
 * decode to the model the text parses to.  Where the model keeps a
 * spelling the wire cannot carry (mod_dl_src vs set_field, load: vs
 * set_field, strip_vlan vs pop_vlan, enqueue vs set_queue+output+
 * pop_queue in 1.1+, ...), the decoded list must instead encode back to
 * the same bytes.  Malformed lists check that every class of error is
 * refused with the exact OpenFlow error and appends nothing. */
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
#include "ofctl/actions.h"
#include "ofctl/flow-text.h"
#include "ofctl/match.h"
#include "ofctl/ofp-actions.h"
#include "ofctl/ofp.h"

#define GOLDEN "tests/unit/ofctl-actions-golden.txt"

/* Flows whose bytes nicflow knowingly does not reproduce. */
static const struct {
    uint8_t version; /* 0: every 1.1+ version. */
    const char *action;
    const char *why;
} known_differences[] = {
    { OF_V10, "clear_actions",
      "OpenFlow 1.0 cannot say clear_actions: ovs-ofctl silently drops it, "
      "nicflow refuses with OFPBIC_UNSUP_INST" },
    { OF_V10, "write_actions",
      "OpenFlow 1.0 cannot say write_actions: ovs-ofctl silently drops it, "
      "nicflow refuses with OFPBIC_UNSUP_INST" },
    { 0, "enqueue",
      "Open vSwitch writes enqueue in 1.1+ as set_queue, output with "
      "max_len 65535 and pop_queue, and reads it back as those three "
      "actions (as nicflow does); output:N re-encodes with max_len 0, "
      "which only a controller port heeds" },
};

static const char *
known_difference(uint8_t version, const char *flow)
{
    for (size_t i = 0; i < ARRAY_SIZE(known_differences); i++) {
        if ((known_differences[i].version == version
             || (!known_differences[i].version && version > OF_V10))
            && strstr(flow, known_differences[i].action)) {
            return known_differences[i].why;
        }
    }
    return NULL;
}

static uint8_t
parse_version(const char *s)
{
    static const struct {
        const char *name;
        uint8_t version;
    } names[] = {
        { "OpenFlow10", OF_V10 },
        { "OpenFlow13", OF_V13 },
        { "OpenFlow14", OF_V14 },
        { "OpenFlow15", OF_V15 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcmp(s, names[i].name)) {
            return names[i].version;
        }
    }
    fail_msg("%s: unknown version in golden file", s);
    return 0;
}

static void
parse_hex(const char *s, struct buf *b)
{
    size_t n = strlen(s);
    assert_int_equal(n % 2, 0);
    for (size_t i = 0; i < n; i += 2) {
        unsigned x;
        assert_int_equal(sscanf(s + i, "%2x", &x), 1);
        buf_put_u8(b, (uint8_t) x);
    }
}

static bool
same_bytes(const struct buf *a, const struct buf *b)
{
    return a->len == b->len && (!a->len || !memcmp(a->data, b->data, a->len));
}

static char *
to_hex(const struct buf *b)
{
    char *s = xmalloc(2 * b->len + 1);
    for (size_t i = 0; i < b->len; i++) {
        sprintf(s + 2 * i, "%02x", b->data[i]);
    }
    s[2 * b->len] = '\0';
    return s;
}

static char *
format_acts(const struct of_acts *acts)
{
    struct buf b = BUF_INITIALIZER;
    of_acts_format(acts, &b);
    char *s = xstrdup(buf_cstr(&b));
    buf_destroy(&b);
    return s;
}

/* Statistics of the golden run. */
struct golden_stats {
    /* Model action types seen, per version, to prove coverage. */
    uint64_t types[OF_V15 + 1];
    int n, n_encoded, n_known, n_same_model, n_same_bytes, n_failed;
    int n_unparsed;
};

static void
mark_types(const void *data, size_t len, uint64_t *types)
{
    OF_ACT_FOR_EACH(a, data, len)
    {
        size_t nlen;
        const struct of_act *nested = of_act_nested(a, &nlen);
        *types |= UINT64_C(1) << a->type;
        if (nested) {
            mark_types(nested, nlen, types);
        }
    }
}

/* Decoding checked against the flow's match (as a switch does) must accept
 * what ovs-ofctl sent for it, and give the same list as unchecked. */
static bool
decodes_against_match(const struct buf *gold, uint8_t version,
                      bool instructions, const struct of_flow *flow,
                      const struct of_acts *unchecked)
{
    struct of_acts acts = OF_ACTS_INITIALIZER;
    enum of_err e = of_acts_decode(gold->data, gold->len, version,
                                   instructions, &flow->match, &acts);
    bool ok = !e && of_acts_equal(&acts, unchecked);
    of_acts_destroy(&acts);
    return ok;
}

static void
check_golden_line(uint8_t version, const char *text, const struct buf *gold,
                  struct golden_stats *st)
{
    struct of_flow flow;
    size_t ofs = 0;
    char *err = of_flow_parse(&flow, text, OF_FLOW_ADD, &ofs, NULL);
    bool instructions = version != OF_V10;

    if (err) {
        /* The text parser's business, tested in test-ofctl-text. */
        printf("# skipped %s \"%s\": %s\n", of_version_name(version), text,
               err);
        free(err);
        st->n_unparsed++;
        return;
    }
    st->n++;
    mark_types(flow.acts.buf.data, flow.acts.buf.len, &st->types[version]);

    /* Text -> wire. */
    struct buf enc = BUF_INITIALIZER;
    enum of_err e = of_acts_encode(&flow.acts, &flow.match, version, &enc);
    const char *why = known_difference(version, text);
    bool enc_same = !e && same_bytes(&enc, gold);
    if (enc_same) {
        st->n_encoded++;
    } else if (why) {
        st->n_known++;
    } else {
        char *g = to_hex(gold), *h = to_hex(&enc);
        printf("FAIL encode %s \"%s\" (%s):\n   nicflow: %s\n  ovs-ofctl: "
               "%s\n",
               of_version_name(version), text, of_err_name(e), h, g);
        free(g);
        free(h);
        st->n_failed++;
    }

    /* Wire -> model.  goto_table in OpenFlow 1.0 is resubmit(,T) on the
     * wire, and Open vSwitch itself refuses to decode anything after a
     * write_metadata there, so such lists are left out. */
    bool has_goto = strstr(text, "goto_table") != NULL;
    if (version == OF_V10 && (has_goto || why)) {
        goto out;
    }
    struct of_acts dec = OF_ACTS_INITIALIZER;
    e = of_acts_decode(gold->data, gold->len, version, instructions, NULL,
                       &dec);
    if (e) {
        char *g = to_hex(gold);
        printf("FAIL decode %s \"%s\": %s\n  bytes: %s\n",
               of_version_name(version), text, of_err_name(e), g);
        free(g);
        st->n_failed++;
    } else if (!decodes_against_match(gold, version, instructions, &flow,
                                      &dec)) {
        printf("FAIL decode %s \"%s\" against its match\n",
               of_version_name(version), text);
        st->n_failed++;
    } else if (of_acts_equal(&dec, &flow.acts)) {
        st->n_same_model++;
    } else {
        /* A spelling the wire does not keep: the decoded model must say
         * the same thing, i.e. encode back to the same bytes. */
        struct buf re = BUF_INITIALIZER;
        e = of_acts_encode(&dec, &flow.match, version, &re);
        if (!e && same_bytes(&re, gold)) {
            st->n_same_bytes++;
        } else if (!e && why) {
            st->n_known++;
        } else {
            char *a = format_acts(&flow.acts), *b = format_acts(&dec);
            char *g = to_hex(gold), *h = to_hex(&re);
            printf("FAIL round trip %s \"%s\" (%s):\n  parsed:  %s\n  "
                   "decoded: %s\n  bytes:   %s\n  again:   %s\n",
                   of_version_name(version), text, of_err_name(e), a, b, g, h);
            free(a);
            free(b);
            free(g);
            free(h);
            st->n_failed++;
        }
        buf_destroy(&re);
    }
    of_acts_destroy(&dec);
out:
    buf_destroy(&enc);
    of_flow_destroy(&flow);
}

static void
test_golden(void **state)
{
    FILE *file = fopen(GOLDEN, "r");
    struct golden_stats st = { 0 };
    char *line = NULL;
    size_t cap = 0;

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
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        assert_non_null(t2);
        *t1 = *t2 = '\0';
        struct buf gold = BUF_INITIALIZER;
        parse_hex(t2 + 1, &gold);
        check_golden_line(parse_version(line), t1 + 1, &gold, &st);
        buf_destroy(&gold);
    }
    free(line);
    fclose(file);
    printf("# golden: %d lists, %d encode byte for byte as ovs-ofctl 3.1 "
           "(%d known differences); decoded: %d to the parsed model, %d to "
           "a model with the same bytes; %d failures\n",
           st.n, st.n_encoded, st.n_known, st.n_same_model, st.n_same_bytes,
           st.n_failed);
    /* Every action type is covered by golden bytes in every version that
     * can express it (OpenFlow 1.0 has no meter, clear_actions or
     * write_actions, and ovs-ofctl refuses push_vlan there). */
    uint64_t all = ((UINT64_C(1) << OF_N_ACT_TYPES) - 1) & ~UINT64_C(1);
    uint64_t not10 = UINT64_C(1) << OF_ACT_METER
                     | UINT64_C(1) << OF_ACT_CLEAR_ACTIONS
                     | UINT64_C(1) << OF_ACT_WRITE_ACTIONS
                     | UINT64_C(1) << OF_ACT_PUSH_VLAN;
    assert_int_equal(st.types[OF_V10] | not10, all);
    assert_int_equal(st.types[OF_V13], all);
    assert_int_equal(st.types[OF_V14], all);
    assert_int_equal(st.types[OF_V15], all);
    assert_true(st.n >= 1000);
    assert_true(st.n_unparsed <= 8);
    assert_int_equal(st.n_failed, 0);
}

/* ---------------------------------------------------------------------
 * Malformed input: one case per class of error, with the exact error.
 * --------------------------------------------------------------------- */

static const struct {
    const char *what;
    uint8_t version;
    bool instructions;
    const char *hex;
    enum of_err err;
} bad_cases[] = {
    /* Unknown types. */
    { "unknown 1.0 action type", OF_V10, false, "00ff000800000000",
      OF_ERR_OFPBAC_BAD_TYPE },
    { "1.0-only action in 1.3", OF_V13, true,
      "00040010000000000001000800050000", OF_ERR_OFPBAC_BAD_TYPE },
    { "unknown vendor", OF_V10, false, "ffff001000001234000e000000000000",
      OF_ERR_OFPBAC_BAD_EXPERIMENTER },
    { "unknown Nicira subtype", OF_V10, false,
      "ffff00100000232000ff000000000000", OF_ERR_OFPBAC_BAD_EXP_TYPE },
    { "1.5 meter action in 1.3", OF_V13, true,
      "0004001000000000001d000800000001", OF_ERR_OFPBAC_BAD_TYPE },

    /* Lengths and truncation. */
    { "output of length 16", OF_V10, false, "00000010000100000000000000000000",
      OF_ERR_OFPBAC_BAD_LEN },
    { "length not a multiple of 8", OF_V10, false,
      "0000000c000100000000000000000000", OF_ERR_OFPBAC_BAD_LEN },
    { "length past the end", OF_V10, false, "0000001000010000",
      OF_ERR_OFPBAC_BAD_LEN },
    { "truncated list", OF_V10, false, "00000008000100000000",
      OF_ERR_OFPBAC_BAD_LEN },
    { "length 0", OF_V10, false, "0000000000010000", OF_ERR_OFPBAC_BAD_LEN },
    { "Nicira action of length 8", OF_V10, false, "ffff000800002320",
      OF_ERR_OFPBAC_BAD_LEN },
    { "truncated instruction", OF_V13, true, "00010008",
      OF_ERR_OFPBIC_BAD_LEN },
    { "goto_table of length 16", OF_V13, true,
      "00010010010000000000000000000000", OF_ERR_OFPBIC_BAD_LEN },
    { "controller2 property past the end", OF_V10, false,
      "ffff00180000232000250000000000000000000800640000"
      "0000",
      OF_ERR_OFPBAC_BAD_LEN },

    /* Padding. */
    { "strip_vlan with nonzero padding", OF_V10, false, "0003000800000001",
      OF_ERR_NXBAC_MUST_BE_ZERO },
    { "resubmit_table with nonzero padding", OF_V10, false,
      "ffff001000002320000e000105000001", OF_ERR_NXBAC_MUST_BE_ZERO },
    { "set_field with nonzero padding", OF_V13, true,
      "000400180000000000190010800008060011223344550001",
      OF_ERR_NXBAC_MUST_BE_ZERO },
    { "learn with garbage after the specs", OF_V10, false,
      "ffff002800002320001000000000800000000000000000000000010000000000"
      "0000000000000001",
      OF_ERR_NXBAC_MUST_BE_ZERO },

    /* Ports. */
    { "1.0 output to 0xff00", OF_V10, false, "00000008ff000000",
      OF_ERR_OFPBAC_BAD_OUT_PORT },
    { "1.0 output to ANY", OF_V10, false, "00000008ffff0000",
      OF_ERR_OFPBAC_BAD_OUT_PORT },
    { "1.3 output to a 32-bit port in no range", OF_V13, true,
      "000400180000000000000010ffff00000000000000000000",
      OF_ERR_OFPBAC_BAD_OUT_PORT },
    { "enqueue to FLOOD", OF_V10, false, "000b0010fffb00000000000000000001",
      OF_ERR_OFPBAC_BAD_OUT_PORT },

    /* Instructions. */
    { "goto_table before apply_actions", OF_V13, true,
      "0001000801000000000400180000000000000010000000010000000000000000",
      OF_ERR_OFPBAC_UNSUPPORTED_ORDER },
    { "goto_table twice", OF_V13, true, "00010008010000000001000802000000",
      OF_ERR_OFPBIC_DUP_INST },
    { "unknown instruction", OF_V13, true, "0007000800000000",
      OF_ERR_OFPBIC_UNKNOWN_INST },
    { "meter instruction in 1.5", OF_V15, true, "0006000800000001",
      OF_ERR_OFPBIC_UNKNOWN_INST },
    { "experimenter instruction", OF_V13, true,
      "ffff0010000023200000000000000000", OF_ERR_OFPBIC_BAD_EXPERIMENTER },
    { "goto_table 255", OF_V13, true, "00010008ff000000",
      OF_ERR_OFPBIC_BAD_TABLE_ID },
    { "1.5 meter action after another action", OF_V15, true,
      "0004002000000000000000100000000100000000000000000"
      "01d000800000001",
      OF_ERR_OFPBAC_UNSUPPORTED_ORDER },
    { "1.0 write_metadata inside clone", OF_V10, false,
      "ffff003000002320002a000000000000ffff002000002320001600000000000000"
      "0000000000000500000000000000ff",
      OF_ERR_OFPBAC_UNSUPPORTED_ORDER },
    { "instructions in 1.0", OF_V10, true, "0001000801000000",
      OF_ERR_OFPBIC_UNKNOWN_INST },
    { "OpenFlow 1.1", OF_V11, false, "0000001000000001ffff000000000000",
      OF_ERR_OFPBRC_BAD_VERSION },

    /* set_field. */
    { "set_field of an unknown OXM field", OF_V13, true,
      "0004001800000000001900108000fe040000000100000000",
      OF_ERR_OFPBAC_BAD_SET_TYPE },
    { "set_field of a read-only field (conj_id)", OF_V13, true,
      "00040018000000000019001000014a040000000100000000",
      OF_ERR_OFPBAC_BAD_SET_TYPE },
    { "set_field of in_port_oxm", OF_V13, true,
      "000400180000000000190010800000040000000100000000",
      OF_ERR_OFPBAC_BAD_SET_ARGUMENT },
    { "masked set_field before 1.5", OF_V13, true,
      "000400200000000000190018800005100000000000000005"
      "00000000000000ff",
      OF_ERR_OFPBAC_BAD_SET_ARGUMENT },
    { "set_field value wider than the field (vlan_pcp 8)", OF_V13, true,
      "00040018000000000019001080000e010800000000000000",
      OF_ERR_OFPBAC_BAD_SET_ARGUMENT },
    { "reg_load of an unknown field", OF_V10, false,
      "ffff0018000023200007001f0001fe040000000000000001",
      OF_ERR_OFPBAC_BAD_SET_TYPE },

    /* Arguments. */
    { "reg_load value wider than its bits", OF_V10, false,
      "ffff0018000023200007000300010004000000000000001f",
      OF_ERR_OFPBAC_BAD_ARGUMENT },
    { "reg_load past the end of the field", OF_V10, false,
      "ffff0018000023200007079f000100040000000000000001",
      OF_ERR_OFPBAC_BAD_ARGUMENT },
    { "conjunction with one clause", OF_V10, false,
      "ffff0010000023200022000100000001", OF_ERR_NXBAC_BAD_CONJUNCTION },
    { "nat outside ct", OF_V10, false, "ffff0010000023200024000000000000",
      OF_ERR_OFPBAC_BAD_ARGUMENT },
    { "ct force without commit", OF_V10, false,
      "ffff00180000232000230002000000000000ff0000000000",
      OF_ERR_OFPBAC_BAD_ARGUMENT },
    { "ct exec with an output", OF_V10, false,
      "ffff00200000232000230001000000000000ff00000000000000000800010000",
      OF_ERR_OFPBAC_BAD_ARGUMENT },
    { "set_vlan_vid 0x1000", OF_V10, false, "0001000810000000",
      OF_ERR_OFPBAC_BAD_ARGUMENT },
    { "push_vlan of a bad TPID", OF_V13, true,
      "00040010000000000011000808000000", OF_ERR_OFPBAC_BAD_ARGUMENT },
    { "sample with probability 0", OF_V10, false,
      "ffff001800002320001d0000000000010000000200000003",
      OF_ERR_OFPBAC_BAD_ARGUMENT },
    { "resubmit to nowhere", OF_V10, false, "ffff001000002320000efff8ff000000",
      OF_ERR_OFPBAC_BAD_ARGUMENT },
    { "output_trunc shorter than an Ethernet header", OF_V10, false,
      "ffff0010000023200027000100000005", OF_ERR_OFPBAC_BAD_ARGUMENT },
};

static void
test_malformed(void **state)
{
    (void) state;
    for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
        struct buf bytes = BUF_INITIALIZER;
        struct of_acts acts = OF_ACTS_INITIALIZER;
        const char *hex = bad_cases[i].hex;

        /* Odd-length strings are deliberately cut mid-byte: drop the
         * last digit. */
        char *even = xstrdup(hex);
        even[strlen(even) & ~(size_t) 1] = '\0';
        parse_hex(even, &bytes);
        free(even);

        /* A list that already holds an action must be left alone. */
        struct of_act_u32 *g = of_acts_put(&acts, OF_ACT_GROUP, sizeof *g, 0);
        g->value = 1;
        size_t before = acts.buf.len;
        enum of_err err =
            of_acts_decode(bytes.data, bytes.len, bad_cases[i].version,
                           bad_cases[i].instructions, NULL, &acts);
        if (err != bad_cases[i].err) {
            fail_msg("%s: got %s, expected %s", bad_cases[i].what,
                     of_err_name(err), of_err_name(bad_cases[i].err));
        }
        assert_int_equal(acts.buf.len, before);
        of_acts_destroy(&acts);
        buf_destroy(&bytes);
    }
}

/* Parses FLOW's actions and encodes them in VERSION, expecting ERR and an
 * untouched buffer. */
static void
expect_encode_error(const char *text, uint8_t version, enum of_err expected)
{
    struct of_flow flow;
    struct buf b = BUF_INITIALIZER;
    char *err = of_flow_parse(&flow, text, OF_FLOW_ADD, NULL, NULL);

    assert_null(err);
    buf_put(&b, "xy", 2);
    enum of_err e = of_acts_encode(&flow.acts, &flow.match, version, &b);
    if (e != expected) {
        fail_msg("%s in %s: got %s, expected %s", text,
                 of_version_name(version), of_err_name(e),
                 of_err_name(expected));
    }
    assert_int_equal(b.len, 2);
    buf_destroy(&b);
    of_flow_destroy(&flow);
}

static void
test_encode_errors(void **state)
{
    (void) state;
    expect_encode_error("actions=meter:1,output:1", OF_V10,
                        OF_ERR_OFPBIC_UNSUP_INST);
    expect_encode_error("actions=output:1,clear_actions", OF_V10,
                        OF_ERR_OFPBIC_UNSUP_INST);
    expect_encode_error("actions=output:2,write_actions(output:1)", OF_V10,
                        OF_ERR_OFPBIC_UNSUP_INST);
    expect_encode_error("actions=output:1", OF_V11, OF_ERR_OFPBRC_BAD_VERSION);

    /* Without a transport protocol, 1.1+ has no field for mod_tp_src. */
    struct of_acts acts = OF_ACTS_INITIALIZER;
    struct of_act_u32 *u = of_acts_put(&acts, OF_ACT_SET_L4_SRC, sizeof *u, 0);
    struct buf b = BUF_INITIALIZER;
    u->value = 80;
    assert_int_equal(of_acts_encode(&acts, NULL, OF_V13, &b),
                     OF_ERR_OFPBAC_MATCH_INCONSISTENT);
    assert_int_equal(b.len, 0);
    assert_int_equal(of_acts_encode(&acts, NULL, OF_V10, &b), OF_ERR_NONE);
    assert_int_equal(b.len, 8);
    buf_destroy(&b);
    of_acts_destroy(&acts);
}

/* Plain action lists (packet-out, group buckets, write_actions payload)
 * and decoding against a match. */
static void
test_action_lists(void **state)
{
    struct of_flow flow;
    struct buf b = BUF_INITIALIZER;
    struct of_acts back = OF_ACTS_INITIALIZER;

    (void) state;
    assert_null(
        of_flow_parse(&flow,
                      "tcp,actions=mod_tp_dst:80,output:1,"
                      "load:1->NXM_NX_REG0[],ct(commit,nat(src=1.2.3.4))",
                      OF_FLOW_ADD, NULL, NULL));
    for (uint8_t v = OF_V13; v <= OF_V15; v++) {
        buf_clear(&b);
        of_acts_clear(&back);
        assert_int_equal(
            of_acts_encode_actions(&flow.acts, &flow.match, v, &b), 0);
        /* No instruction header: the list starts with the action. */
        assert_int_equal(of_get16(b.data), 25); /* OFPAT_SET_FIELD */
        assert_int_equal(
            of_acts_decode(b.data, b.len, v, false, &flow.match, &back), 0);
        assert_int_equal(of_acts_encode_actions(&back, &flow.match, v, &b), 0);
    }

    /* Checked against a match that lacks TCP, the same bytes are
     * inconsistent. */
    struct of_match ip;
    of_match_init_catchall(&ip);
    buf_clear(&b);
    assert_int_equal(
        of_acts_encode_actions(&flow.acts, &flow.match, OF_V10, &b), 0);
    of_acts_clear(&back);
    assert_int_equal(of_acts_decode(b.data, b.len, OF_V10, false, &ip, &back),
                     OF_ERR_OFPBAC_MATCH_INCONSISTENT);
    assert_true(of_acts_is_empty(&back));
    assert_int_equal(
        of_acts_decode(b.data, b.len, OF_V10, false, &flow.match, &back), 0);
    assert_true(of_acts_equal(&back, &flow.acts));

    /* Instructions are refused in a plain list in 1.1+. */
    of_flow_destroy(&flow);
    assert_null(
        of_flow_parse(&flow, "actions=goto_table:1", OF_FLOW_ADD, NULL, NULL));
    assert_int_equal(of_acts_encode_actions(&flow.acts, NULL, OF_V13, &b),
                     OF_ERR_OFPBIC_UNSUP_INST);
    of_flow_destroy(&flow);
    of_acts_destroy(&back);
    buf_destroy(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_encode_errors),
        cmocka_unit_test(test_action_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
