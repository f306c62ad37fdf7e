/* Unit tests for the OpenFlow group, meter, packet, bundle and flow
 * monitor codecs: ofctl/ofp-group, ofp-meter, ofp-packet, ofp-bundle,
 * ofp-monitor.  This program checks round trips and the golden data;
 * test-ofctl-msgs2-errors.c checks what the codecs refuse.  Both build
 * their messages from the catalogue in ofctl-msgs2-samples.h.
 *
 * The checks:
 *   - Round trips: every sample message is encoded in every version it
 *     exists in, decoded, compared with the model it came from and
 *     (where the codec is deterministic) encoded again to the same bytes.
 *   - Golden data, tests/unit/ofctl-msgs2-golden.txt, regenerated against
 *     a real Open vSwitch 3.1 by tests/unit/ofctl-msgs2-golden.sh:
 *     "print" records hold our encoding of a sample and what
 *     "ovs-ofctl ofp-print" made of it (our bytes must not change, and our
 *     printer's text must equal ovs-ofctl's); "sent" records hold what
 *     ovs-ofctl itself sent for a command line (our parser plus encoder
 *     must produce the same bytes, and our decoder must read them back).
 *
 * Run with "--emit" it prints "NAME HEX" for every sample instead; the
 * golden script feeds those to ovs-ofctl. */
#include <inttypes.h>
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
#include "ofctl/match.h"
#include "ofctl/ofp-bundle.h"
#include "ofctl/ofp-group.h"
#include "ofctl/ofp-meter.h"
#include "ofctl/ofp-monitor.h"
#include "ofctl/ofp-packet.h"
#include "ofctl/ofp.h"
#include "tests/unit/ofctl-msgs2-samples.h"

#define GOLDEN "tests/unit/ofctl-msgs2-golden.txt"

/* ---------------------------------------------------------------------
 * Helpers.
 * --------------------------------------------------------------------- */

/* The header line ofp-print starts every message with. */
static void
print_header(const struct of_msg *m, struct buf *b)
{
    buf_put_cstr(b, of_type_name(m->type));
    if (m->version != OF_V10) {
        buf_printf(b, " (OF%s)", of_version_short(m->version));
    }
    buf_printf(b, " (xid=0x%" PRIx32 "):", m->xid);
}

static const struct sample *
find_sample(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
        if (!strcmp(samples[i].name, name)) {
            return &samples[i];
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------------
 * Tests.
 * --------------------------------------------------------------------- */

static void
test_round_trips(void **state)
{
    (void) state;
    for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
        struct buf b = BUF_INITIALIZER;
        if (getenv("MSGS2_VERBOSE")) {
            print_message("%s\n", samples[i].name);
        }
        samples[i].build(samples[i].version, samples[i].arg, &b);
        assert_true(b.len >= 8);
        assert_int_equal(of_get16(b.data + 2), b.len);
        buf_destroy(&b);
    }
}

/* Replaces "\n" escapes in S (in place) with newlines. */
static void
unescape(char *s)
{
    char *out = s;
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] == 'n') {
            *out++ = '\n';
            s++;
        } else {
            *out++ = *s;
        }
    }
    *out = '\0';
}

/* Prints MSG as "ovs-ofctl ofp-print" does: the header line, then the
 * body by the module that owns the message (each refuses the others'
 * with OFPBRC_BAD_TYPE); a bundle-add's inner message follows in full. */
static void
print_any(const struct of_msg *msg, struct buf *b)
{
    static enum of_err (*const formatters[])(const struct of_msg *,
                                             struct buf *) = {
        of_group_msg_format,  of_meter_msg_format,   of_packet_msg_format,
        of_bundle_msg_format, of_monitor_msg_format,
    };
    enum of_err err = OF_ERR_OFPBRC_BAD_TYPE;

    print_header(msg, b);
    for (size_t i = 0;
         err == OF_ERR_OFPBRC_BAD_TYPE && i < ARRAY_SIZE(formatters); i++) {
        err = formatters[i](msg, b);
    }
    OK(err);
    if (msg->type == OF_T_BUNDLE_ADD || msg->type == OF_T_ONFT_BUNDLE_ADD) {
        struct of_bundle_add ba;
        struct of_msg inner;
        OK(of_bundle_add_decode(msg, &ba));
        OK(of_msg_decode(ba.msg, ba.msg_len, &inner));
        buf_put_char(b, '\n');
        print_any(&inner, b);
        of_bundle_add_destroy(&ba);
    }
}

/* Where ovs-ofctl's text legitimately differs from ours, each pair
 * rewrites ovs-ofctl's spelling into ours before comparing.  None is left
 * since actions print in the view of the version they came in; the list
 * ends with a null entry. */
static const struct {
    const char *ovs;
    const char *ours;
} known_spellings[] = {
    { NULL, NULL },
};

/* Applies known_spellings to TEXT (in place; replacements are never
 * longer than what they replace). */
static void
apply_known_spellings(char *text)
{
    for (size_t i = 0; known_spellings[i].ovs; i++) {
        size_t olen = strlen(known_spellings[i].ovs);
        size_t nlen = strlen(known_spellings[i].ours);
        char *p;
        while ((p = strstr(text, known_spellings[i].ovs))) {
            memcpy(p, known_spellings[i].ours, nlen);
            memmove(p + nlen, p + olen, strlen(p + olen) + 1);
        }
    }
}

/* Checks one "print" record: NAME's encoding must still be HEX and our
 * printer must print it as ovs-ofctl did. */
/* Print records whose text differs from ovs-ofctl's (all are reported
 * before the test fails). */
static size_t n_print_diffs;

static void
check_print_record(const char *name, const char *hex, char *text)
{
    const struct sample *s = find_sample(name);
    struct buf ours = BUF_INITIALIZER, golden = BUF_INITIALIZER;
    struct buf out = BUF_INITIALIZER;
    struct of_msg msg;

    if (!s) {
        fail_msg("golden record for unknown sample %s", name);
    }
    if (strstr(text, "decode error")) {
        fail_msg("%s: ovs-ofctl could not decode our bytes:\n%s", name, text);
    }
    s->build(s->version, s->arg, &ours);
    parse_hex(hex, &golden);
    assert_bytes(&ours, &golden, name);
    unescape(text);
    apply_known_spellings(text);
    decode_msg(&golden, &msg);
    print_any(&msg, &out);
    if (strcmp(buf_cstr(&out), text)) {
        print_error("%s: printed differently\n  ours:      %s\n  "
                    "ovs-ofctl: %s\n",
                    name, buf_cstr(&out), text);
        n_print_diffs++;
    }
    buf_destroy(&out);
    buf_destroy(&ours);
    buf_destroy(&golden);
}

/* OF_V13 for "OpenFlow13". */
static uint8_t
version_from_name(const char *s)
{
    uint32_t bitmap;
    char *err = of_versions_parse(s, &bitmap);
    assert_null(err);
    return of_versions_highest(bitmap);
}

/* Checks a group or meter command: parse TEXT, encode, compare with what
 * ovs-ofctl sent, decode what it sent and compare models. */
static void
check_mod_record(int gcmd, int mcmd, uint8_t version, const char *text,
                 const struct buf *sent)
{
    struct buf ours = BUF_INITIALIZER;
    struct of_msg msg;
    char *err;

    decode_msg(sent, &msg);
    if (gcmd >= 0) {
        struct of_group g, g2;
        err = of_group_parse(&g, text, gcmd);
        if (err) {
            fail_msg("\"%s\": %s", text, err);
        }
        assert_int_equal(of_group_mod_encode(&g, version, msg.xid, &ours), 0);
        assert_bytes(&ours, sent, text);
        OK(of_group_mod_decode(&msg, &g2));
        /* The action model remembers spellings the wire does not carry
         * (mod_dl_src: is set_field on the OpenFlow 1.1+ wire), so a
         * decoded group may differ from the parsed one in that alone; it
         * must then still print the same and encode to the same bytes. */
        struct buf x = BUF_INITIALIZER, y = BUF_INITIALIZER;
        struct buf again = BUF_INITIALIZER;
        of_group_mod_format(&g, version, &x);
        of_group_mod_format(&g2, version, &y);
        OK(of_group_mod_encode(&g2, version, msg.xid, &again));
        assert_bytes(&again, sent, text);
        if (!of_group_equal(&g, &g2) && strcmp(buf_cstr(&x), buf_cstr(&y))) {
            fail_msg("\"%s\": decodes to a different group\n  parsed:  "
                     "%s\n  decoded: %s",
                     text, buf_cstr(&x), buf_cstr(&y));
        }
        buf_destroy(&x);
        buf_destroy(&y);
        buf_destroy(&again);
        of_group_destroy(&g);
        of_group_destroy(&g2);
    } else {
        struct of_meter m, m2;
        err = of_meter_parse(&m, text, mcmd);
        if (err) {
            fail_msg("\"%s\": %s", text, err);
        }
        of_meter_mod_encode(&m, version, msg.xid, &ours);
        assert_bytes(&ours, sent, text);
        OK(of_meter_mod_decode(&msg, &m2));
        assert_true(of_meter_equal(&m, &m2));
    }
    buf_destroy(&ours);
}

static void
check_packet_out_record(uint8_t version, char *text, const struct buf *sent)
{
    struct of_packet_out po, po2;
    struct buf ours = BUF_INITIALIZER;
    struct of_msg msg;
    char *err;

    decode_msg(sent, &msg);
    char *space = strchr(text, ' ');
    if (space) {
        /* The positional form: IN_PORT ACTIONS PACKET. */
        char *args[3], *save = NULL;
        size_t n = 0;
        for (char *tok = strtok_r(text, " ", &save); tok && n < 3;
             tok = strtok_r(NULL, " ", &save)) {
            args[n++] = tok;
        }
        assert_int_equal(n, 3);
        err = of_packet_out_parse_args(&po, args[0], args[1], args[2]);
    } else {
        err = of_packet_out_parse(&po, text);
    }
    if (err) {
        fail_msg("packet-out \"%s\": %s", text, err);
    }
    OK(of_packet_out_encode(&po, version, msg.xid, &ours));
    assert_bytes(&ours, sent, "packet-out");
    OK(of_packet_out_decode(&msg, &po2));
    /* As for groups, action spellings may differ; text and bytes not. */
    if (!of_packet_out_equal(&po, &po2)) {
        struct buf x = BUF_INITIALIZER, y = BUF_INITIALIZER;
        struct buf again = BUF_INITIALIZER;
        of_packet_out_format(&po, &x);
        of_packet_out_format(&po2, &y);
        assert_string_equal(buf_cstr(&x), buf_cstr(&y));
        OK(of_packet_out_encode(&po2, version, msg.xid, &again));
        assert_bytes(&again, sent, "packet-out re-encode");
        buf_destroy(&x);
        buf_destroy(&y);
        buf_destroy(&again);
    }
    of_packet_out_destroy(&po);
    of_packet_out_destroy(&po2);
    buf_destroy(&ours);
}

/* Decodes and re-encodes a message ovs-ofctl sent for "--bundle" or
 * "monitor", which must give the same bytes. */
static void
check_reencode(const struct buf *sent)
{
    struct of_msg msg;
    struct buf ours = BUF_INITIALIZER;

    decode_msg(sent, &msg);
    switch (msg.type) {
    case OF_T_BUNDLE_CONTROL:
    case OF_T_ONFT_BUNDLE_CONTROL: {
        struct of_bundle_ctrl bc;
        OK(of_bundle_ctrl_decode(&msg, &bc));
        of_bundle_ctrl_encode(&bc, msg.version, msg.xid, &ours);
        break;
    }
    case OF_T_BUNDLE_ADD:
    case OF_T_ONFT_BUNDLE_ADD: {
        struct of_bundle_add ba;
        OK(of_bundle_add_decode(&msg, &ba));
        of_bundle_add_encode(&ba, msg.version, &ours);
        of_bundle_add_destroy(&ba);
        break;
    }
    case OF_T_NXST_FLOW_MONITOR_REQUEST:
    case OF_T_FLOW_MONITOR_REQUEST: {
        struct of_flow_monitor_request *r;
        size_t n;
        OK(of_flow_monitor_request_decode(&msg, &r, &n));
        assert_int_equal(of_flow_monitor_request_encode(
                             r, n, msg.type, msg.version, msg.xid, &ours),
                         0);
        free(r);
        break;
    }
    default:
        fail_msg("unexpected %s in golden data", of_type_name(msg.type));
    }
    assert_bytes(&ours, sent, of_type_name(msg.type));
    buf_destroy(&ours);
}

/* "ovs-ofctl monitor SWITCH TEXT": parse, encode as the version's
 * monitor request, compare; also decode and re-encode what was sent. */
static void
check_monitor_record(uint8_t version, const char *text, const struct buf *sent)
{
    struct of_flow_monitor_request r;
    struct buf ours = BUF_INITIALIZER;
    struct of_msg msg;
    char *err = of_flow_monitor_parse(&r, text);

    if (err) {
        fail_msg("monitor \"%s\": %s", text, err);
    }
    decode_msg(sent, &msg);
    OK(of_flow_monitor_request_encode(&r, 1, msg.type, version, msg.xid,
                                      &ours));
    assert_bytes(&ours, sent, text);
    buf_destroy(&ours);
    check_reencode(sent);
}

static void
check_sent_record(const char *command, const char *version_name, char *text,
                  char *hexes)
{
    uint8_t version = version_from_name(version_name);
    struct buf sent = BUF_INITIALIZER;
    char *save = NULL;

    for (char *hex = strtok_r(hexes, " ", &save); hex;
         hex = strtok_r(NULL, " ", &save)) {
        parse_hex(hex, &sent);
        if (!strcmp(command, "packet-out")) {
            check_packet_out_record(version, text, &sent);
        } else if (!strcmp(command, "monitor")) {
            check_monitor_record(version, text, &sent);
        } else if (!strcmp(command, "bundle")) {
            check_reencode(&sent);
        } else {
            size_t i;
            for (i = 0; i < ARRAY_SIZE(commands); i++) {
                if (!strcmp(command, commands[i].command)) {
                    check_mod_record(commands[i].group_cmd,
                                     commands[i].meter_cmd, version, text,
                                     &sent);
                    break;
                }
            }
            if (i == ARRAY_SIZE(commands)) {
                fail_msg("unknown command %s in golden data", command);
            }
        }
    }
    buf_destroy(&sent);
}

static void
test_golden(void **state)
{
    FILE *file = fopen(GOLDEN, "r");
    char *line = NULL;
    size_t cap = 0, n_print = 0, n_sent = 0;

    (void) state;
    if (!file) {
        fail_msg("%s: cannot open (run from the repository root)", GOLDEN);
    }
    while (getline(&line, &cap, file) > 0) {
        char *f[5];
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#') {
            continue;
        }
        size_t n = split_fields(line, f, 5);
        if (n == 4 && !strcmp(f[0], "print")) {
            check_print_record(f[1], f[2], f[3]);
            n_print++;
        } else if (n == 5 && !strcmp(f[0], "sent")) {
            check_sent_record(f[1], f[2], f[3], f[4]);
            n_sent++;
        } else {
            fail_msg("%s: bad record: %s", GOLDEN, line);
        }
    }
    free(line);
    fclose(file);
    assert_int_equal(n_print_diffs, 0);
    /* Every sample must have its golden record. */
    assert_int_equal(n_print, ARRAY_SIZE(samples));
    assert_true(n_sent >= 20);
    print_message("golden: %zu encodings, %zu commands\n", n_print, n_sent);
}

static int
emit(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
        struct buf b = BUF_INITIALIZER, hex = BUF_INITIALIZER;
        samples[i].build(samples[i].version, samples[i].arg, &b);
        hex_of(b.data, b.len, &hex);
        printf("%s %s\n", samples[i].name, buf_cstr(&hex));
        buf_destroy(&b);
        buf_destroy(&hex);
    }
    return 0;
}

int
main(int argc, char *argv[])
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_golden),
    };
    if (argc > 1 && !strcmp(argv[1], "--emit")) {
        return emit();
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
