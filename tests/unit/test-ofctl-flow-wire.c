/* Unit tests for flow messages on the wire: ofctl/ofp-flow.c with the
 * match and action codecs beneath it.
 *
 * The heart is data: tests/unit/ofctl-wire-golden.txt holds, for every
 * flow of the text corpus (tests/unit/ofctl-golden.txt) and each of
 * OpenFlow 1.0, 1.3, 1.4 and 1.5, the flow-mod bytes the real ovs-ofctl
 * 3.1 encodes for "add-flow" (tests/unit/ofctl-wire-golden.sh regenerates
 * it).  For every case:
 *   - we choose a protocol exactly when ovs-ofctl does;
 *   - our encoding of the parsed text is byte for byte ovs-ofctl's;
 *   - ovs-ofctl's bytes decode to the flow the text parses to (match,
 *     settings, and actions compared in their printed form);
 *   - decode(encode(flow)) is stable: encoding the decoded flow again
 *     gives the same bytes.
 * Other tests cover flow stats, aggregate and flow-removed messages in
 * every form, and malformed flow-mods. */
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
#include "ofctl/ofp-flow.h"
#include "ofctl/ofp-match.h"

#define GOLDEN "tests/unit/ofctl-wire-golden.txt"

/* Cases where Open vSwitch's bytes or decoding legitimately differ from
 * ours, each with the check it is excused from and why.  Every other check
 * still runs for them. */
enum excuse { EX_BYTES = 1, EX_DECODE = 2, EX_REENCODE = 4 };
static const struct {
    const char *input;
    unsigned excused;
    const char *why;
} known[] = {
    /* Fields dropped for unmet prerequisites: Open vSwitch leaves a
     * packet_type match behind (sent as OXM_OF_PACKET_TYPE, or the dropped
     * fields themselves in an ofp10_match); nicflow drops them without a
     * trace, so the flow is the catch-all it means. */
    { "arp,nw_tos=4,actions=drop", EX_BYTES, "dropped field" },
    { "ip,mpls_label=5,actions=drop", EX_BYTES, "dropped field" },
    { "ip_frag=no,actions=drop", EX_BYTES, "dropped field" },
    { "nw_proto=6,actions=drop", EX_BYTES, "dropped field" },
    { "nw_src=1.2.3.4,actions=drop", EX_BYTES, "dropped field" },
    { "nw_ttl=5,actions=drop", EX_BYTES, "dropped field" },
    { "tp_dst=80,actions=drop", EX_BYTES, "dropped field" },
    { "udp,tcp_flags=+syn,actions=drop", EX_BYTES, "dropped field" },
    /* Spellings with one meaning that Open vSwitch encodes apart. */
    { "eth_src=00:00:00:00:00:00/00:00:00:00:00:00,actions=drop", EX_BYTES,
      "an all-zero mask is no match at all here" },
    { "tcp,tcp_flags=0/0xfff,actions=drop", EX_BYTES,
      "same match as tcp_flags=0" },
    { "tun_metadata0=0x5/0xff,actions=drop", EX_BYTES,
      "the length of a tun_metadata value follows the text in OVS" },
    { "tun_metadata0=0x00000005,actions=drop", EX_DECODE,
      "the length of a tun_metadata value follows the text in OVS" },
    /* enqueue is set_queue, output (max_len 65535) and pop_queue in
     * 1.1+, read back as those three, whose output re-encodes with
     * max_len 0 (heeded only by controller ports). */
    { "actions=enqueue:1:2,enqueue(LOCAL,5)", EX_REENCODE, "enqueue" },
    { "actions=enqueue:LOCAL:0", EX_REENCODE, "enqueue" },
    /* OpenFlow 1.0 has no goto_table: Open vSwitch sends resubmit. */
    { "actions=goto_table:1", EX_DECODE, "goto_table is resubmit in 1.0" },
    /* OXM cannot say "no VLAN, any PCP" exactly as the text does: the
     * decoded match is the one Open vSwitch itself decodes (the printed
     * line check covers it). */
    { "dl_vlan=0xffff,actions=drop", EX_DECODE, "lossy OXM VLAN" },
    { "dl_vlan_pcp=2,dl_vlan=0xffff,actions=drop", EX_DECODE,
      "lossy OXM VLAN" },
    { "priority=3,in_port=100,dl_vlan=0xffff,actions=mod_vlan_vid:101,normal",
      EX_DECODE, "lossy OXM VLAN" },
    { "vlan_tci=0,actions=drop", EX_DECODE, "lossy OXM VLAN" },
    /* ... and for "VID 0, PCP 0, tag or not" Open vSwitch's OXM bytes
     * drop the PCP; nicflow sends the Nicira VLAN_TCI field instead,
     * which keeps it (ofctl/ofp-match.c, put_vlan).  What Open vSwitch's
     * bytes decode to is its own lossy match, which re-encodes as its
     * bytes rather than ours. */
    { "vlan_tci=0x0000/0xefff,actions=drop",
      EX_DECODE | EX_BYTES | EX_REENCODE, "lossy OXM VLAN" },
};

static unsigned
excused(const char *input)
{
    for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
        if (!strcmp(known[i].input, input)) {
            return known[i].excused;
        }
    }
    return 0;
}

static uint8_t
version_from_name(const char *s)
{
    uint32_t bitmap;
    char *err = of_versions_parse(s, &bitmap);
    assert_null(err);
    return of_versions_highest(bitmap);
}

static char *
to_hex(const struct buf *b)
{
    char *s = xmalloc(b->len * 2 + 1);
    for (size_t i = 0; i < b->len; i++) {
        sprintf(s + 2 * i, "%02x", b->data[i]);
    }
    s[b->len * 2] = '\0';
    return s;
}

static void
from_hex(const char *s, struct buf *b)
{
    buf_clear(b);
    for (; s[0] && s[1]; s += 2) {
        unsigned x;
        assert_int_equal(sscanf(s, "%2x", &x), 1);
        buf_put_u8(b, (uint8_t) x);
    }
}

/* Compares two flows: match, settings, and (if WITH_ACTIONS) actions by
 * their OpenFlow 1.0 text.  IMPORTANCE: whether importance counts (only
 * OpenFlow 1.4+ carries it). */
static bool
same_flow(const struct of_flow *a, const struct of_flow *b, char **why,
          bool with_actions, bool importance)
{
    struct buf ta = BUF_INITIALIZER, tb = BUF_INITIALIZER;
    bool same;

    if (!of_match_equal(&a->match, &b->match)) {
        char *ma = of_match_to_string(&a->match, a->priority);
        char *mb = of_match_to_string(&b->match, b->priority);
        *why = xasprintf("matches differ: %s vs %s", ma, mb);
        free(ma);
        free(mb);
        return false;
    }
    if (a->priority != b->priority || a->table_id != b->table_id
        || a->cookie != b->cookie || a->idle_timeout != b->idle_timeout
        || a->hard_timeout != b->hard_timeout
        || (importance && a->importance != b->importance)) {
        *why = xasprintf("settings differ");
        return false;
    }
    if (!with_actions) {
        return true;
    }
    of_acts_format(&a->acts, &ta);
    of_acts_format(&b->acts, &tb);
    same = !strcmp(buf_cstr(&ta), buf_cstr(&tb));
    if (!same) {
        *why = xasprintf("actions differ: %s vs %s", buf_cstr(&ta),
                         buf_cstr(&tb));
    }
    buf_destroy(&ta);
    buf_destroy(&tb);
    return same;
}

/* Splits LINE at tabs into up to N fields. */
static int
split_tabs(char *line, char **fields, int n)
{
    int i = 0;
    fields[i++] = line;
    for (char *p = line; *p && i < n; p++) {
        if (*p == '\t') {
            *p = '\0';
            fields[i++] = p + 1;
        }
    }
    return i;
}

static void
test_golden_flow_mods(void **state NF_UNUSED)
{
    FILE *f = fopen(GOLDEN, "r");
    char *line = NULL;
    size_t cap = 0;
    int n_cases = 0, n_failed = 0;
    struct buf ours = BUF_INITIALIZER, theirs = BUF_INITIALIZER;
    struct buf again = BUF_INITIALIZER;

    assert_non_null(f);
    while (getline(&line, &cap, f) > 0) {
        char *fl[5];
        struct of_flow flow;
        uint8_t version;
        unsigned usable;
        enum of_protocol p;

        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || split_tabs(line, fl, 5) != 5) {
            continue;
        }
        n_cases++;
        version = version_from_name(fl[0]);
        char *err = of_flow_parse(&flow, fl[1], OF_FLOW_ADD, NULL, NULL);
        if (err) {
            /* The text corpus only holds flows ovs-ofctl accepted. */
            print_error("%s: %s: parse error %s\n", fl[0], fl[1], err);
            free(err);
            n_failed++;
            continue;
        }
        usable = of_protocols_usable_flow_mod(&flow, OF_FLOW_ADD);
        p = of_protocol_choose(usable, version);
        if (!strcmp(fl[2], "-")) {
            if (p) {
                print_error("%s: %s: ovs-ofctl finds no protocol, we chose "
                            "%s\n",
                            fl[0], fl[1], of_protocol_name(p));
                n_failed++;
            }
            of_flow_destroy(&flow);
            continue;
        }
        if (!p) {
            print_error("%s: %s: no protocol chosen, ovs-ofctl chose %s\n",
                        fl[0], fl[1], fl[2]);
            n_failed++;
            of_flow_destroy(&flow);
            continue;
        }

        /* Encoding. */
        struct of_flow_mod fm = { .flow = flow,
                                  .command = OF_FLOW_ADD,
                                  .buffer_id = UINT32_MAX,
                                  .new_cookie = UINT64_MAX };
        enum of_err e = of_flow_mod_encode(&fm, p, 1, &ours);
        char *hex = e ? xstrdup("(error)") : to_hex(&ours);
        unsigned excuse = excused(fl[1]);
        if (e || (strcmp(hex, fl[3]) && !(excuse & EX_BYTES))) {
            print_error("%s: %s: encoding differs (%s)\n  ours:   %s\n  "
                        "theirs: %s\n",
                        fl[0], fl[1], e ? of_err_name(e) : "bytes", hex,
                        fl[3]);
            n_failed++;
        }
        free(hex);

        /* Decoding ovs-ofctl's bytes. */
        struct of_flow_mod dm;
        struct of_msg m;
        from_hex(fl[3], &theirs);
        e = of_msg_decode(theirs.data, theirs.len, &m);
        if (!e) {
            e = of_flow_mod_decode(&m, strstr(fl[2], "table_id") != NULL, &dm);
        }
        if (e) {
            print_error("%s: %s: does not decode: %s\n", fl[0], fl[1],
                        of_err_name(e));
            n_failed++;
        } else {
            char *why = NULL;
            /* ovs-ofctl's printing of its own bytes; multi-line ones
             * (with a notice) are left to the flow comparison. */
            struct buf pr = BUF_INITIALIZER;
            of_msg_format_header(&m, &pr);
            buf_put_char(&pr, ' ');
            of_flow_mod_format(&dm, m.version, &pr);
            if (!strchr(fl[4], '\v') && strcmp(buf_cstr(&pr), fl[4])) {
                print_error("%s: %s: printed differently:\n  ours:   %s\n"
                            "  theirs: %s\n",
                            fl[0], fl[1], buf_cstr(&pr), fl[4]);
                n_failed++;
            }
            buf_destroy(&pr);
            /* In 1.1+ ovs-ofctl translates some actions (mod_vlan_vid
             * into push_vlan and set_field, ...): those compare through
             * the printed line above. */
            if (!(excuse & EX_DECODE)
                && !same_flow(&flow, &dm.flow, &why, version == OF_V10,
                              version >= OF_V14)) {
                print_error("%s: %s: decodes differently: %s\n", fl[0], fl[1],
                            why);
                n_failed++;
            } else if (!(excuse & EX_REENCODE)) {
                /* Stability: the decoded flow encodes to the same bytes. */
                dm.new_cookie = UINT64_MAX;
                e = of_flow_mod_encode(&dm, p, 1, &again);
                const struct buf *want = excuse & EX_BYTES ? &ours : &theirs;
                if (e || again.len != want->len
                    || memcmp(again.data, want->data, again.len)) {
                    print_error("%s: %s: re-encoding the decoded flow "
                                "differs\n",
                                fl[0], fl[1]);
                    n_failed++;
                }
            }
            free(why);
            of_flow_destroy(&dm.flow);
        }
        of_flow_destroy(&flow);
    }
    free(line);
    fclose(f);
    buf_destroy(&ours);
    buf_destroy(&theirs);
    buf_destroy(&again);
    print_message("%d golden flow-mods, %d failed\n", n_cases, n_failed);
    assert_true(n_cases > 1000);
    assert_int_equal(n_failed, 0);
}

/* Flow stats replies, aggregate replies and flow-removed messages survive
 * encode -> decode in every form. */
static void
test_stats_round_trip(void **state NF_UNUSED)
{
    static const char *const flows[] = {
        "priority=3,in_port=100,dl_vlan=7,actions=mod_vlan_vid:101,"
        "normal",
        "table=2,cookie=0x55,idle_timeout=500,hard_timeout=600,ip,"
        "nw_src=1.2.3.4,actions=output:1",
        "reg0=5,tcp,tp_dst=80,actions=drop",
    };
    static const struct {
        uint8_t version;
        bool nxm;
    } forms[] = {
        { OF_V10, false }, { OF_V10, true },  { OF_V13, false },
        { OF_V14, false }, { OF_V15, false },
    };

    for (size_t fi = 0; fi < ARRAY_SIZE(forms); fi++) {
        struct buf b = BUF_INITIALIZER;
        struct of_flow parsed[ARRAY_SIZE(flows)];
        uint64_t want_packets[ARRAY_SIZE(flows)];
        size_t n_in = 0;

        of_msg_start(
            &b, forms[fi].nxm ? OF_T_NXST_FLOW_REPLY : OF_T_FLOW_STATS_REPLY,
            forms[fi].version, 7);
        for (size_t i = 0; i < ARRAY_SIZE(flows); i++) {
            char *err = of_flow_parse(&parsed[n_in], flows[i], OF_FLOW_ADD,
                                      NULL, NULL);
            assert_null(err);
            if (!forms[fi].nxm && forms[fi].version == OF_V10
                && !of_match_fits_ofp10(&parsed[n_in].match)) {
                of_flow_destroy(&parsed[n_in]);
                continue;
            }
            struct of_flow_stats_entry e = {
                .flow = parsed[n_in],
                .stats = { .duration_sec = 5,
                           .duration_nsec = 1000,
                           .n_packets = 10 + i,
                           .n_bytes = 1000 + i,
                           .idle_age = forms[fi].nxm ? 3 : -1,
                           .hard_age = -1 },
            };
            of_flow_stats_reply_append(&e, forms[fi].version, forms[fi].nxm,
                                       &b);
            want_packets[n_in] = 10 + i;
            n_in++;
        }
        of_msg_finish(&b);

        struct of_msg m;
        struct of_flow_stats_entry *out;
        size_t n_out;
        assert_int_equal(of_msg_decode(b.data, b.len, &m), 0);
        assert_int_equal(of_flow_stats_reply_decode(&m, &out, &n_out), 0);
        assert_int_equal(n_out, n_in);
        for (size_t i = 0; i < n_out; i++) {
            char *why = NULL;
            if (!same_flow(&parsed[i], &out[i].flow, &why,
                           forms[fi].version == OF_V10,
                           forms[fi].version >= OF_V14)) {
                fail_msg("form %zu flow %zu: %s", fi, i, why);
            }
            assert_int_equal(out[i].stats.n_packets, want_packets[i]);
            assert_int_equal(out[i].stats.duration_sec, 5);
            if (forms[fi].nxm) {
                assert_int_equal(out[i].stats.idle_age, 3);
            }
            of_flow_destroy(&out[i].flow);
            of_flow_destroy(&parsed[i]);
        }
        free(out);

        /* Truncating the reply by 8 bytes breaks the last entry. */
        of_put16(b.data + 2, (uint16_t) (b.len - 8));
        assert_int_equal(of_msg_decode(b.data, b.len - 8, &m), 0);
        assert_int_equal(of_flow_stats_reply_decode(&m, &out, &n_out),
                         OF_ERR_OFPBRC_BAD_LEN);
        assert_null(out);
        buf_destroy(&b);
    }
}

static void
test_aggregate_and_removed(void **state NF_UNUSED)
{
    static const uint8_t versions[] = { OF_V10, OF_V13, OF_V14, OF_V15 };

    for (size_t i = 0; i < ARRAY_SIZE(versions); i++) {
        struct buf req = BUF_INITIALIZER, rep = BUF_INITIALIZER;
        struct of_flow_stats_request r = { .aggregate = true,
                                           .table_id = OF_TABLE_ALL,
                                           .out_port = OF_PORT_NONE,
                                           .out_group = OF_GROUP_ANY };
        struct of_aggregate_stats a = { 12, 3400, 5 }, b;
        struct of_msg m;
        enum of_protocol p = of_protocol_choose(OF_PROTO_ANY, versions[i]);

        of_match_init_catchall(&r.match);
        assert_int_equal(of_flow_stats_request_encode(&r, p, 9, &req), 0);
        assert_int_equal(of_msg_decode(req.data, req.len, &m), 0);
        struct of_flow_stats_request r2;
        assert_int_equal(of_flow_stats_request_decode(&m, &r2), 0);
        assert_true(r2.aggregate);
        assert_int_equal(r2.table_id, OF_TABLE_ALL);
        of_aggregate_reply_encode(&a, &m, &rep);
        assert_int_equal(of_msg_decode(rep.data, rep.len, &m), 0);
        assert_int_equal(of_aggregate_reply_decode(&m, &b), 0);
        assert_int_equal(b.packet_count, 12);
        assert_int_equal(b.byte_count, 3400);
        assert_int_equal(b.flow_count, 5);
        buf_destroy(&req);
        buf_destroy(&rep);

        /* Flow removed. */
        struct of_flow_removed fr = { .cookie = 0x99,
                                      .priority = 7,
                                      .reason = OF_RR_HARD_TIMEOUT,
                                      .table_id =
                                          versions[i] == OF_V10 ? 0 : 3,
                                      .duration_sec = 61,
                                      .duration_nsec = 5000000,
                                      .idle_timeout = 10,
                                      .hard_timeout =
                                          versions[i] == OF_V10 ? 0 : 60,
                                      .packet_count = 4,
                                      .byte_count = 256 };
        struct of_flow_removed fr2;
        struct buf msg = BUF_INITIALIZER;
        of_match_init_catchall(&fr.match);
        of_flow_removed_encode(&fr, p, &msg);
        assert_int_equal(of_msg_decode(msg.data, msg.len, &m), 0);
        assert_int_equal(of_flow_removed_decode(&m, &fr2), 0);
        assert_memory_equal(&fr, &fr2, sizeof fr);
        struct buf text = BUF_INITIALIZER;
        of_flow_removed_format(&fr2, &text);
        assert_non_null(strstr(buf_cstr(&text), "reason=hard"));
        buf_destroy(&text);
        buf_destroy(&msg);
    }
}

/* Malformed flow-mods are refused with the right error. */
static void
test_malformed_flow_mods(void **state NF_UNUSED)
{
    struct of_flow flow;
    struct buf b = BUF_INITIALIZER;
    struct of_flow_mod fm, dm;
    struct of_msg m;

    assert_null(
        of_flow_parse(&flow, "ip,actions=output:1", OF_FLOW_ADD, NULL, NULL));
    fm = (struct of_flow_mod){ .flow = flow,
                               .command = OF_FLOW_ADD,
                               .buffer_id = UINT32_MAX,
                               .new_cookie = UINT64_MAX };

    /* OpenFlow 1.3: bad command. */
    assert_int_equal(of_flow_mod_encode(&fm, OF_PROTO_OF13, 1, &b), 0);
    b.data[8 + 17] = 9;
    assert_int_equal(of_msg_decode(b.data, b.len, &m), 0);
    assert_int_equal(of_flow_mod_decode(&m, false, &dm),
                     OF_ERR_OFPFMFC_BAD_COMMAND);
    b.data[8 + 17] = 0;

    /* Unknown flags. */
    b.data[8 + 36] = 0x80;
    assert_int_equal(of_msg_decode(b.data, b.len, &m), 0);
    assert_int_equal(of_flow_mod_decode(&m, false, &dm),
                     OF_ERR_OFPFMFC_BAD_FLAGS);
    b.data[8 + 36] = 0;

    /* Adding to table 255. */
    b.data[8 + 16] = 255;
    assert_int_equal(of_msg_decode(b.data, b.len, &m), 0);
    assert_int_equal(of_flow_mod_decode(&m, false, &dm),
                     OF_ERR_OFPFMFC_BAD_TABLE_ID);
    b.data[8 + 16] = 0;

    /* Too short for the fixed part. */
    of_put16(b.data + 2, 40);
    assert_int_equal(of_msg_decode(b.data, 40, &m), 0);
    assert_int_equal(of_flow_mod_decode(&m, false, &dm),
                     OF_ERR_OFPBRC_BAD_LEN);

    /* OpenFlow 1.0: a table in the command without the extension. */
    assert_int_equal(of_flow_mod_encode(&fm, OF_PROTO_OF10, 1, &b), 0);
    b.data[8 + 48] = 3;
    assert_int_equal(of_msg_decode(b.data, b.len, &m), 0);
    assert_int_equal(of_flow_mod_decode(&m, false, &dm),
                     OF_ERR_OFPFMFC_BAD_COMMAND);
    assert_int_equal(of_flow_mod_decode(&m, true, &dm), 0);
    assert_int_equal(dm.flow.table_id, 3);
    of_flow_destroy(&dm.flow);

    /* NXM: nonzero padding after match_len. */
    assert_int_equal(of_flow_mod_encode(&fm, OF_PROTO_NXM, 1, &b), 0);
    b.data[16 + 27] = 1;
    assert_int_equal(of_msg_decode(b.data, b.len, &m), 0);
    assert_int_equal(of_flow_mod_decode(&m, false, &dm),
                     OF_ERR_NXBRC_MUST_BE_ZERO);

    buf_destroy(&b);
    of_flow_destroy(&flow);
}

/* Protocol choice follows ovs-ofctl. */
static void
test_protocol_choice(void **state NF_UNUSED)
{
    static const struct {
        const char *flow;
        enum of_flow_cmd cmd;
        enum of_protocol of10;
    } cases[] = {
        { "ip,actions=drop", OF_FLOW_ADD, OF_PROTO_OF10 },
        { "table=1,ip,actions=drop", OF_FLOW_ADD, OF_PROTO_OF10_TID },
        { "reg0=1,actions=drop", OF_FLOW_ADD, OF_PROTO_NXM },
        { "table=1,reg0=1,actions=drop", OF_FLOW_ADD, OF_PROTO_NXM_TID },
        { "cookie=1/1,ip", OF_FLOW_DELETE, OF_PROTO_NXM },
        { "ip,actions=write_actions(output:1)", OF_FLOW_ADD, 0 },
        { "importance=3,ip,actions=drop", OF_FLOW_ADD, OF_PROTO_OF10 },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct of_flow f;
        assert_null(
            of_flow_parse(&f, cases[i].flow, cases[i].cmd, NULL, NULL));
        unsigned u = of_protocols_usable_flow_mod(&f, cases[i].cmd);
        assert_int_equal(of_protocol_choose(u, OF_V10), cases[i].of10);
        of_flow_destroy(&f);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_flow_mods),
        cmocka_unit_test(test_stats_round_trip),
        cmocka_unit_test(test_aggregate_and_removed),
        cmocka_unit_test(test_malformed_flow_mods),
        cmocka_unit_test(test_protocol_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
