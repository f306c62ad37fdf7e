/* Unit tests for the OpenFlow group, meter, packet, bundle and flow
 * monitor codecs (ofctl/ofp-group, ofp-meter, ofp-packet, ofp-bundle,
 * ofp-monitor): what they refuse.  Round trips and the golden data are
 * checked by test-ofctl-msgs2.c; both build their messages from the
 * catalogue in ofctl-msgs2-samples.h.
 *
 * The checks:
 *   - Malformed messages (tests/unit/ofctl-msgs2-malformed.txt) are
 *     refused with the exact error Open vSwitch would answer with, and
 *     every sample cut short at every length decodes or fails cleanly.
 *   - Text ovs-ofctl refuses (tests/unit/ofctl-msgs2-text-errors.txt) is
 *     refused with a message naming what is wrong.
 *   - Encoders refuse what a version cannot express, and bundle
 *     properties survive a round trip but are refused cut short. */
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

#define MALFORMED "tests/unit/ofctl-msgs2-malformed.txt"
#define TEXT_ERRORS "tests/unit/ofctl-msgs2-text-errors.txt"

/* Decodes MSG with the decoder for its type and frees what it made. */
static enum of_err
decode_any(const struct of_msg *msg)
{
    struct of_group g, *groups = NULL;
    struct of_group_stats *gstats = NULL;
    struct of_group_features gf;
    struct of_meter m, *meters = NULL;
    struct of_meter_stats *mstats = NULL;
    struct of_meter_features mf;
    struct of_packet_in pin;
    struct of_packet_out po;
    struct of_bundle_ctrl bc;
    struct of_bundle_add ba;
    struct of_flow_monitor_request *reqs = NULL;
    struct of_flow_update *updates = NULL;
    enum of_err err;
    uint32_t id;
    size_t n = 0;

    switch (msg->type) {
    case OF_T_GROUP_DESC_REQUEST:
        return of_group_desc_request_decode(msg, &id);
    case OF_T_GROUP_STATS_REQUEST:
        return of_group_stats_request_decode(msg, &id);
    case OF_T_METER_CONFIG_REQUEST:
    case OF_T_METER_STATS_REQUEST:
        return of_meter_request_decode(msg, &id);
    case OF_T_GROUP_FEATURES_REPLY:
        return of_group_features_reply_decode(msg, &gf);
    case OF_T_METER_MOD:
        return of_meter_mod_decode(msg, &m);
    case OF_T_METER_FEATURES_REPLY:
        return of_meter_features_reply_decode(msg, &mf);
    case OF_T_BUNDLE_CONTROL:
    case OF_T_ONFT_BUNDLE_CONTROL:
        return of_bundle_ctrl_decode(msg, &bc);
    case OF_T_NXT_FLOW_MONITOR_CANCEL:
        return of_flow_monitor_cancel_decode(msg, &id);
    case OF_T_NXT_FLOW_MONITOR_PAUSED:
    case OF_T_NXT_FLOW_MONITOR_RESUMED:
        return of_flow_monitor_pause_decode(msg);
    case OF_T_METER_CONFIG_REPLY:
        err = of_meter_config_reply_decode(msg, &meters, &n);
        free(meters);
        return err;
    case OF_T_METER_STATS_REPLY:
        err = of_meter_stats_reply_decode(msg, &mstats, &n);
        free(mstats);
        return err;
    case OF_T_GROUP_MOD:
        err = of_group_mod_decode(msg, &g);
        of_group_destroy(&g);
        return err;
    case OF_T_GROUP_DESC_REPLY:
        err = of_group_desc_reply_decode(msg, &groups, &n);
        for (size_t i = 0; i < n; i++) {
            of_group_destroy(&groups[i]);
        }
        free(groups);
        return err;
    case OF_T_GROUP_STATS_REPLY:
        err = of_group_stats_reply_decode(msg, &gstats, &n);
        of_group_stats_free(gstats, n);
        return err;
    case OF_T_PACKET_IN:
    case OF_T_NXT_PACKET_IN:
    case OF_T_NXT_PACKET_IN2:
        err = of_packet_in_decode(msg, &pin);
        of_packet_in_destroy(&pin);
        return err;
    case OF_T_PACKET_OUT:
        err = of_packet_out_decode(msg, &po);
        of_packet_out_destroy(&po);
        return err;
    case OF_T_BUNDLE_ADD:
    case OF_T_ONFT_BUNDLE_ADD:
        err = of_bundle_add_decode(msg, &ba);
        of_bundle_add_destroy(&ba);
        return err;
    case OF_T_NXST_FLOW_MONITOR_REQUEST:
    case OF_T_FLOW_MONITOR_REQUEST:
        err = of_flow_monitor_request_decode(msg, &reqs, &n);
        free(reqs);
        return err;
    case OF_T_NXST_FLOW_MONITOR_REPLY:
    case OF_T_FLOW_MONITOR_REPLY:
        err = of_flow_update_decode(msg, &updates, &n);
        for (size_t i = 0; i < n; i++) {
            of_flow_update_destroy(&updates[i]);
        }
        free(updates);
        return err;
    default:
        fail_msg("no decoder for %s", of_type_name(msg->type));
        return OF_ERR_NONE;
    }
}

/* The error named NAME ("OFPBRC_BAD_LEN"); fails if there is none. */
static enum of_err
err_from_name(const char *name)
{
    for (int e = 0; e < OF_N_ERRS; e++) {
        if (!strcmp(of_err_name(e), name)) {
            return e;
        }
    }
    fail_msg("%s: unknown error name", name);
    return OF_ERR_NONE;
}

/* Malformed messages (tests/unit/ofctl-msgs2-malformed.txt) must be
 * refused with exactly the error given. */
static void
test_malformed(void **state)
{
    FILE *file = fopen(MALFORMED, "r");
    char *line = NULL;
    size_t cap = 0, n = 0;

    (void) state;
    if (!file) {
        fail_msg("%s: cannot open (run from the repository root)", MALFORMED);
    }
    while (getline(&line, &cap, file) > 0) {
        char *f[3];
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#') {
            continue;
        }
        if (split_fields(line, f, 3) != 3) {
            fail_msg("%s: bad record: %s", MALFORMED, line);
        }
        enum of_err want = err_from_name(f[0]);
        struct buf b = BUF_INITIALIZER;
        struct of_msg msg;
        parse_hex(f[2], &b);
        of_put16(b.data + 2, b.len);
        enum of_err err = of_msg_decode(b.data, b.len, &msg);
        if (err) {
            fail_msg("%s: of_msg_decode: %s", f[1], of_err_name(err));
        }
        err = decode_any(&msg);
        if (err != want) {
            fail_msg("%s: got %s, want %s", f[1], of_err_name(err),
                     of_err_name(want));
        }
        buf_destroy(&b);
        n++;
    }
    free(line);
    fclose(file);
    assert_true(n >= 40);
}

/* Truncating any sample at any 8-byte boundary inside its body (and
 * fixing the length) must give an error or a clean decode, never a
 * crash; decoding is checked under the sanitizers. */
static void
test_truncations(void **state)
{
    (void) state;
    for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
        struct buf b = BUF_INITIALIZER;
        samples[i].build(samples[i].version, samples[i].arg, &b);
        for (size_t len = 8; len < b.len; len++) {
            struct of_msg msg;
            uint8_t *copy = xmalloc(len);
            memcpy(copy, b.data, len);
            of_put16(copy + 2, len);
            if (!of_msg_decode(copy, len, &msg)) {
                (void) decode_any(&msg);
            }
            free(copy);
        }
        buf_destroy(&b);
    }
}

/* Parses TEXT as COMMAND does and returns the error message (NULL if it
 * parsed); checks that a refused text leaves an empty model behind. */
static char *
parse_command(const char *command, const char *text)
{
    char *err = NULL;

    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (strcmp(command, commands[i].command)) {
            continue;
        }
        if (commands[i].group_cmd >= 0) {
            struct of_group g;
            err = of_group_parse(&g, text, commands[i].group_cmd);
            assert_int_equal(g.n_buckets, 0);
            of_group_destroy(&g);
        } else {
            struct of_meter m;
            err = of_meter_parse(&m, text, commands[i].meter_cmd);
            assert_int_equal(m.n_bands, 0);
        }
        return err;
    }
    if (!strcmp(command, "packet-out")) {
        struct of_packet_out po;
        err = of_packet_out_parse(&po, text);
        assert_int_equal(po.packet_len, 0);
        of_packet_out_destroy(&po);
    } else if (!strcmp(command, "monitor")) {
        struct of_flow_monitor_request r;
        err = of_flow_monitor_parse(&r, text);
    } else {
        fail_msg("%s: unknown command", command);
    }
    return err;
}

/* Text ovs-ofctl refuses (tests/unit/ofctl-msgs2-text-errors.txt) must be
 * refused, with a message naming what is wrong. */
static void
test_text_errors(void **state)
{
    FILE *file = fopen(TEXT_ERRORS, "r");
    char *line = NULL;
    size_t cap = 0, n = 0;

    (void) state;
    if (!file) {
        fail_msg("%s: cannot open (run from the repository root)",
                 TEXT_ERRORS);
    }
    while (getline(&line, &cap, file) > 0) {
        char *f[3];
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#') {
            continue;
        }
        if (split_fields(line, f, 3) != 3) {
            fail_msg("%s: bad record: %s", TEXT_ERRORS, line);
        }
        char *err = parse_command(f[0], f[1]);
        if (!err) {
            fail_msg("%s \"%s\" parsed", f[0], f[1]);
        } else if (!strstr(err, f[2])) {
            fail_msg("%s \"%s\": \"%s\" lacks \"%s\"", f[0], f[1], err, f[2]);
        }
        free(err);
        n++;
    }
    free(line);
    fclose(file);
    assert_true(n >= 20);
}

/* Bundle properties are kept opaque but must survive a round trip, after
 * the inner message's padding in a bundle-add. */
static void
test_bundle_props(void **state)
{
    static const uint8_t prop[16] = { 0xff, 0xff, 0x00, 0x0c, 0x00, 0x00,
                                      0x23, 0x20, 0x00, 0x00, 0x00, 0x01 };
    struct of_bundle_ctrl bc = { .bundle_id = 1, .type = OF_BCT_OPEN_REQUEST },
                          bc2;
    struct of_bundle_add ba = { .bundle_id = 1 }, ba2;
    struct buf b = BUF_INITIALIZER, inner = BUF_INITIALIZER;
    struct of_packet_out po;
    struct of_msg msg;

    (void) state;
    memcpy(bc.props, prop, sizeof prop);
    bc.props_len = sizeof prop;
    of_bundle_ctrl_encode(&bc, OF_V14, 9, &b);
    decode_msg(&b, &msg);
    OK(of_bundle_ctrl_decode(&msg, &bc2));
    assert_int_equal(bc2.props_len, sizeof prop);
    assert_memory_equal(bc2.props, prop, sizeof prop);

    /* A 45-byte packet-out leaves 3 bytes of padding before the
     * properties. */
    of_packet_out_init(&po);
    of_acts_destroy(&po.acts);
    acts(&po.acts, "output:2");
    po.packet = (uint8_t *) xstrdup("abcde");
    po.packet_len = 5;
    OK(of_packet_out_encode(&po, OF_V14, 9, &inner));
    of_packet_out_destroy(&po);
    assert_int_not_equal(inner.len % 8, 0);
    ba.msg = inner.data;
    ba.msg_len = inner.len;
    memcpy(ba.props, prop, sizeof prop);
    ba.props_len = sizeof prop;
    of_bundle_add_encode(&ba, OF_V14, &b);
    decode_msg(&b, &msg);
    OK(of_bundle_add_decode(&msg, &ba2));
    assert_int_equal(ba2.msg_len, inner.len);
    assert_memory_equal(ba2.msg, inner.data, inner.len);
    assert_int_equal(ba2.props_len, sizeof prop);
    assert_memory_equal(ba2.props, prop, sizeof prop);
    of_bundle_add_destroy(&ba2);

    /* Properties cut short are refused. */
    b.len -= 4;
    of_put16(b.data + 2, b.len);
    decode_msg(&b, &msg);
    assert_int_equal(of_bundle_add_decode(&msg, &ba2), OF_ERR_OFPBPC_BAD_LEN);
    of_bundle_add_destroy(&ba2);
    buf_destroy(&b);
    buf_destroy(&inner);
}

/* Encoders refuse what a version cannot express. */
static void
test_encode_limits(void **state)
{
    struct buf b = BUF_INITIALIZER;
    struct of_group g;
    struct of_packet_out po;
    struct of_flow_update u;
    struct of_flow_monitor_request r;

    (void) state;
    make_group(&g, 3, OF_V15);
    assert_int_equal(of_group_mod_encode(&g, OF_V13, 1, &b),
                     OF_ERR_OFPGMFC_BAD_COMMAND);
    of_group_destroy(&g);

    of_packet_out_init(&po);
    set_field(&po.match, "metadata", "1");
    assert_int_equal(of_packet_out_encode(&po, OF_V13, 1, &b),
                     OF_ERR_OFPBMC_BAD_FIELD);
    OK(of_packet_out_encode(&po, OF_V15, 1, &b));
    of_packet_out_destroy(&po);

    of_flow_update_init(&u, OF_FME_PAUSED);
    assert_int_equal(of_flow_update_encode(&u, 1, OF_T_NXST_FLOW_MONITOR_REPLY,
                                           OF_V10, 1, &b),
                     OF_ERR_NXBRC_FM_BAD_EVENT);
    of_flow_monitor_request_init(&r);
    r.flags = OF_FMF_NO_ABBREV;
    assert_int_equal(of_flow_monitor_request_encode(
                         &r, 1, OF_T_NXST_FLOW_MONITOR_REQUEST, OF_V10, 1, &b),
                     OF_ERR_OFPMOFC_BAD_FLAGS);
    buf_destroy(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_text_errors),
        cmocka_unit_test(test_encode_limits),
        cmocka_unit_test(test_bundle_props),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
