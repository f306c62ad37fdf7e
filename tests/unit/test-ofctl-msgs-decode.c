/* Unit tests for the OpenFlow message codecs of ofctl/ofp-errors,
 * ofp-switch, ofp-port and ofp-table, on the decoding side: the decoded
 * models of sample messages beyond the byte round trip, malformed
 * messages (a sample, edited, must decode to an exact error),
 * of_msg_decode()'s checks of versions, types and lengths, and error
 * names, sentences and wire forms.  Round trips and the golden file are
 * checked by test-ofctl-msgs.c; both build their messages from the
 * catalogue in ofctl-msgs-samples.h. */
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
#include "ofctl/match.h"
#include "ofctl/ofp-errors.h"
#include "ofctl/ofp-port.h"
#include "ofctl/ofp-switch.h"
#include "ofctl/ofp-table.h"
#include "ofctl/ofp.h"
#include "tests/unit/ofctl-msgs-samples.h"

/* ---------------------------------------------------------------------
 * Models: decoded fields, beyond the byte round trip.
 * --------------------------------------------------------------------- */

static void
decode_sample(const char *name, uint8_t v, struct buf *b, struct of_msg *m)
{
    build_sample(find_sample(name), b, v);
    assert_int_equal(of_msg_decode(b->data, b->len, m), 0);
}

static void
test_models(void **state)
{
    struct of_features f;
    struct of_port_stats_list ps;
    struct of_ports ports;
    struct of_msg m;
    struct buf b;

    (void) state;
    buf_init(&b);

    /* OpenFlow 1.0 ports carry no speeds: they come from the features. */
    decode_sample("features_reply", OF_V10, &b, &m);
    assert_int_equal(of_features_reply_decode(&m, &f), 0);
    assert_int_equal(f.datapath_id, 0x0000123456789abcull);
    assert_int_equal(f.ports.n, 3);
    assert_int_equal(f.ports.ports[2].port_no, 1);
    assert_int_equal(f.ports.ports[2].curr_speed, 10000000);
    assert_int_equal(f.ports.ports[2].peer, OF_PF_PAUSE);
    assert_string_equal(f.ports.ports[0].name, "a-long-name-123");
    assert_int_equal(f.auxiliary_id, 0);
    of_features_destroy(&f);

    decode_sample("features_reply", OF_V13, &b, &m);
    assert_int_equal(of_features_reply_decode(&m, &f), 0);
    assert_int_equal(f.auxiliary_id, 2);
    assert_int_equal(f.ports.n, 0);
    assert_true(f.capabilities & OF_CAP_GROUP_STATS);
    assert_false(f.capabilities & OF_CAP_STP);
    of_features_destroy(&f);

    /* 1.1+ reserved port numbers map to 1.0's. */
    decode_sample("port_desc_reply", OF_V14, &b, &m);
    assert_int_equal(of_port_desc_reply_decode(&m, &ports), 0);
    assert_int_equal(ports.n, 3);
    assert_int_equal(ports.ports[0].port_no, OF_PORT_LOCAL);
    assert_memory_equal(&ports.ports[1], &port_a, sizeof port_a);
    of_ports_destroy(&ports);

    decode_sample("port_stats_reply", OF_V14, &b, &m);
    assert_int_equal(of_port_stats_reply_decode(&m, &ps), 0);
    assert_int_equal(ps.n, 2);
    assert_int_equal(ps.stats[0].collisions, 8);
    assert_int_equal(ps.stats[0].duration_nsec, 500000000);
    assert_int_equal(ps.stats[1].port_no, OF_PORT_LOCAL);
    of_port_stats_list_destroy(&ps);

    buf_destroy(&b);
}

/* ---------------------------------------------------------------------
 * Malformed messages: a sample, edited, must decode to an exact error.
 * --------------------------------------------------------------------- */

enum edit_op {
    NOP,
    CUT,   /* Remove VAL bytes from the end. */
    ZEROS, /* Append VAL zero bytes. */
    PROP,  /* Append a property: type VAL >> 16, length VAL & 0xffff, then
            * zeros up to 8 bytes. */
    SET8,  /* Byte at OFS (from the message start) = VAL. */
    SET16,
    SET32,
    SUB16, /* 16-bit field at OFS -= VAL. */
};

struct edit {
    enum edit_op op;
    size_t ofs;
    uint32_t val;
};

/* clang-format off */
static const struct malformed {
    const char *sample;
    uint8_t version;
    struct edit edits[2];
    enum of_err want;
} malformed[] = {
    /* Fixed-size bodies, short or long. */
    {"features_request", OF_V13, {{ZEROS, 0, 8}}, OF_ERR_OFPBRC_BAD_LEN},
    {"features_reply", OF_V13, {{ZEROS, 0, 8}}, OF_ERR_OFPBRC_BAD_LEN},
    {"features_reply", OF_V10, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"get_config_reply", OF_V10, {{CUT, 0, 1}}, OF_ERR_OFPBRC_BAD_LEN},
    {"set_config", OF_V13, {{ZEROS, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"desc_reply", OF_V10, {{CUT, 0, 1}}, OF_ERR_OFPBRC_BAD_LEN},
    {"barrier_reply", OF_V14, {{ZEROS, 0, 8}}, OF_ERR_OFPBRC_BAD_LEN},
    {"role_request", OF_V13, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"nx_role_request", OF_V10, {{ZEROS, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"role_status", OF_V14, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"get_async_reply", OF_V13, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"nx_set_async", OF_V10, {{ZEROS, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"nx_controller_id", OF_V10, {{CUT, 0, 1}}, OF_ERR_OFPBRC_BAD_LEN},
    {"nx_flow_format", OF_V10, {{ZEROS, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_desc_request", OF_V13, {{ZEROS, 0, 8}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"port_desc_request", OF_V15, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_desc_reply", OF_V13, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_status", OF_V10, {{CUT, 0, 1}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_status", OF_V13, {{ZEROS, 0, 8}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_mod", OF_V10, {{ZEROS, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_mod", OF_V13, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_stats_request", OF_V13, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_stats_reply", OF_V10, {{CUT, 0, 1}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_stats_reply", OF_V13, {{ZEROS, 0, 8}}, OF_ERR_OFPBRC_BAD_LEN},
    {"queue_stats_request", OF_V10, {{ZEROS, 0, 4}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"queue_stats_reply", OF_V13, {{CUT, 0, 4}}, OF_ERR_OFPBRC_BAD_LEN},
    {"queue_stats_reply", OF_V14, {{ZEROS, 0, 8}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"queue_get_config_request", OF_V10, {{ZEROS, 0, 4}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"table_mod", OF_V13, {{ZEROS, 0, 8}}, OF_ERR_OFPBRC_BAD_LEN},
    {"table_stats_reply", OF_V10, {{CUT, 0, 1}}, OF_ERR_OFPBRC_BAD_LEN},
    {"table_stats_reply", OF_V13, {{ZEROS, 0, 4}},
     OF_ERR_OFPBRC_BAD_LEN},

    /* Lengths inside the body (offsets are from the message start). */
    {"port_desc_reply", OF_V14, {{SET16, 20, 39}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"port_status", OF_V14, {{SET16, 58, 28}}, OF_ERR_OFPBRC_BAD_LEN},
    {"port_status", OF_V14, {{SET16, 58, 3}}, OF_ERR_OFPBPC_BAD_LEN},
    {"port_stats_reply", OF_V14, {{SET16, 16, 0x1000}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"port_stats_reply", OF_V15, {{SET16, 98, 36}},
     OF_ERR_OFPBPC_BAD_LEN},
    {"queue_stats_reply", OF_V14, {{SET16, 16, 40}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"queue_get_config_reply", OF_V10, {{SET16, 20, 200}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"queue_get_config_reply", OF_V13, {{SET16, 34, 8}},
     OF_ERR_OFPBRC_BAD_LEN},
    {"table_features_reply", OF_V13, {{SUB16, 16, 4}},
     OF_ERR_OFPBPC_BAD_LEN},
    {"table_features_reply", OF_V14, {{SET16, 16, 60}},
     OF_ERR_OFPBPC_BAD_LEN},

    /* Properties: too short, past the end, unknown, wrong size. */
    {"port_mod", OF_V14, {{PROP, 0, 0x20003}}, OF_ERR_OFPBPC_BAD_LEN},
    {"port_mod", OF_V15, {{PROP, 0, 0x20010}}, OF_ERR_OFPBPC_BAD_LEN},
    {"port_mod", OF_V14, {{PROP, 0, 0x12340008}},
     OF_ERR_OFPBPC_BAD_TYPE},
    {"port_mod", OF_V14, {{PROP, 0, 0x00000006}}, OF_ERR_OFPBPC_BAD_LEN},
    {"table_mod", OF_V14, {{PROP, 0, 0x20003}}, OF_ERR_OFPBPC_BAD_LEN},
    {"table_mod", OF_V14, {{PROP, 0, 0x12340008}},
     OF_ERR_OFPBRC_BAD_TYPE},
    {"table_mod", OF_V15, {{PROP, 0, 0x20006}}, OF_ERR_OFPBPC_BAD_LEN},
    {"get_async_reply", OF_V14, {{PROP, 0, 0x20010}},
     OF_ERR_OFPBPC_BAD_LEN},
    {"set_async", OF_V15, {{PROP, 0, 0x12340008}},
     OF_ERR_OFPACFC_UNSUPPORTED},
    {"set_async", OF_V14, {{SET32, 12, 0xffffffff}}, OF_ERR_OFPACFC_INVALID},
    {"get_async_reply", OF_V14, {{PROP, 0, 0x12340008}}, OF_ERR_NONE},
    {"get_async_reply", OF_V15, {{SET32, 12, 0xffffffff}}, OF_ERR_NONE},
    {"set_async", OF_V14, {{SET16, 10, 12}, {ZEROS, 0, 8}},
     OF_ERR_OFPBPC_BAD_LEN},
    {"role_status", OF_V14, {{PROP, 0, 0x20010}}, OF_ERR_OFPBPC_BAD_LEN},

    /* Bad values. */
    {"role_request", OF_V13, {{SET32, 8, 7}}, OF_ERR_OFPRRFC_BAD_ROLE},
    {"nx_role_request", OF_V10, {{SET32, 16, 3}},
     OF_ERR_OFPRRFC_BAD_ROLE},
    {"role_status", OF_V15, {{SET32, 8, 4}}, OF_ERR_OFPRRFC_BAD_ROLE},
    {"port_status", OF_V13, {{SET8, 8, 9}}, OF_ERR_NXBRC_BAD_REASON},
    {"port_status", OF_V13, {{SET32, 16, 0x00ff0000}},
     OF_ERR_OFPBAC_BAD_OUT_PORT},
    {"port_stats_request", OF_V15, {{SET32, 16, 0xfffeffff}},
     OF_ERR_OFPBAC_BAD_OUT_PORT},
    {"set_config", OF_V13, {{SET16, 8, 7}}, OF_ERR_OFPSCFC_BAD_FLAGS},
    {"nx_flow_format", OF_V10, {{SET32, 16, 1}}, OF_ERR_OFPBRC_EPERM},
    {"nx_packet_in_format", OF_V13, {{SET32, 16, 3}},
     OF_ERR_OFPBRC_EPERM},
    {"table_mod", OF_V14, {{SET8, 20, 90}}, OF_ERR_OFPBPC_BAD_VALUE},
    {"table_mod", OF_V14, {{SET8, 21, 101}}, OF_ERR_OFPBPC_BAD_VALUE},
    {"table_mod", OF_V15, {{SET8, 22, 1}}, OF_ERR_OFPBPC_BAD_VALUE},
    {"table_status", OF_V14, {{SET8, 8, 5}}, OF_ERR_OFPBPC_BAD_VALUE},
    {"table_status", OF_V15, {{SET16, 16, 7}}, OF_ERR_OFPBRC_BAD_LEN},
    {"table_status", OF_V14, {{SET16, 26, 12}}, OF_ERR_OFPBPC_BAD_LEN},
    {"table_status_plain", OF_V15, {{ZEROS, 0, 8}}, OF_ERR_OFPBRC_BAD_LEN},
    {"table_features_reply", OF_V13, {{SET8, 18, 0xff}},
     OF_ERR_OFPTFFC_BAD_TABLE},
};
/* clang-format on */
static void
apply_edit(struct buf *b, const struct edit *e)
{
    switch (e->op) {
    case NOP:
        return;
    case CUT:
        b->len -= e->val;
        break;
    case ZEROS:
        buf_put_zeros(b, e->val);
        break;
    case PROP: {
        uint8_t *p = buf_put_zeros(b, 8);
        of_put16(p, (uint16_t) (e->val >> 16));
        of_put16(p + 2, (uint16_t) e->val);
        break;
    }
    case SET8:
        b->data[e->ofs] = (uint8_t) e->val;
        break;
    case SET16:
        of_put16(b->data + e->ofs, (uint16_t) e->val);
        break;
    case SET32:
        of_put32(b->data + e->ofs, e->val);
        break;
    case SUB16:
        of_put16(b->data + e->ofs,
                 (uint16_t) (of_get16(b->data + e->ofs) - e->val));
        break;
    }
    of_put16(b->data + 2, (uint16_t) b->len);
}

static void
test_malformed(void **state)
{
    struct buf b;

    (void) state;
    buf_init(&b);
    for (size_t i = 0; i < ARRAY_SIZE(malformed); i++) {
        const struct malformed *m = &malformed[i];
        enum of_err err;
        char *text;

        build_sample(find_sample(m->sample), &b, m->version);
        for (size_t j = 0; j < ARRAY_SIZE(m->edits); j++) {
            apply_edit(&b, &m->edits[j]);
        }
        text = print_msg(b.data, b.len, &err);
        if (err != m->want) {
            fail_msg("malformed[%zu] %s/OF%s: got %s, want %s", i, m->sample,
                     of_version_short(m->version), of_err_name(err),
                     of_err_name(m->want));
        }
        free(text);
    }
    buf_destroy(&b);
}

/* of_msg_decode() itself: versions, types, lengths. */
static void
test_msg_decode(void **state)
{
    static const struct {
        const char *hex;
        enum of_err want;
    } cases[] = {
        /* Shorter than a header, and a length below 8. */
        { "0105000000", OF_ERR_OFPBRC_BAD_LEN },
        { "0105000400000001", OF_ERR_OFPBRC_BAD_LEN },
        /* Length beyond the bytes given. */
        { "0405001000000001", OF_ERR_OFPBRC_BAD_LEN },
        /* Version 1.1 and 0x07 are not spoken (features request). */
        { "0205000800000001", OF_ERR_OFPBRC_BAD_VERSION },
        { "0705000800000001", OF_ERR_OFPBRC_BAD_VERSION },
        /* Type 99, and table-mod in 1.0. */
        { "0463000800000001", OF_ERR_OFPBRC_BAD_TYPE },
        { "0116000800000001", OF_ERR_OFPBRC_BAD_TYPE },
        /* Multipart type 0x77, and the table-features one in 1.0. */
        { "0412001000000001007700000000000", OF_ERR_OFPBRC_BAD_LEN },
        { "04120010000000010077000000000000", OF_ERR_OFPBRC_BAD_MULTIPART },
        { "0110000c00000001000c0000", OF_ERR_OFPBRC_BAD_MULTIPART },
        /* Multipart header cut short. */
        { "0412000c0000000100040000", OF_ERR_OFPBRC_BAD_LEN },
        /* Experimenter 0x1234, and Nicira subtype 0x999. */
        { "0404001000000001000012340000000a", OF_ERR_OFPBRC_BAD_EXPERIMENTER },
        { "04040010000000010000232000000999", OF_ERR_OFPBRC_BAD_EXP_TYPE },
        /* Experimenter header cut short. */
        { "0404000c0000000100002320", OF_ERR_OFPBRC_BAD_LEN },
    };
    struct buf b;

    (void) state;
    buf_init(&b);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct of_msg msg;
        size_t n = strlen(cases[i].hex);
        enum of_err err;

        if (n % 2) {
            /* An odd number of digits: the message is one byte short. */
            char *h = xstrdup(cases[i].hex);
            h[n - 1] = '\0';
            from_hex(&b, h);
            free(h);
        } else {
            from_hex(&b, cases[i].hex);
        }
        err = of_msg_decode(b.data, b.len, &msg);
        if (err != cases[i].want) {
            fail_msg("%s: got %s, want %s", cases[i].hex, of_err_name(err),
                     of_err_name(cases[i].want));
        }
    }
    buf_destroy(&b);
}

/* Error names, sentences and wire forms. */
static void
test_errors(void **state)
{
    struct of_err_wire w;
    struct of_msg msg;
    struct buf b;
    enum of_err err;
    uint16_t type, code;
    const uint8_t *data;
    size_t data_len;
    static const uint8_t req[] = { 0x04, 0x0e, 0x00, 0x08,
                                   0x00, 0x00, 0x00, 0x2a };

    (void) state;
    for (int e = 1; e < OF_ERR_UNKNOWN; e++) {
        assert_int_equal(of_err_from_name(of_err_name(e)), e);
        assert_true(strlen(of_err_what(e)) > 5);
    }
    assert_string_equal(of_err_name(OF_ERR_NONE), "OFPERR_NONE");
    assert_int_equal(of_err_from_name("OFPBRC_BAD_MULTIPART"),
                     OF_ERR_OFPBRC_BAD_STAT);
    assert_int_equal(of_err_from_name("NO_SUCH_ERROR"), OF_ERR_UNKNOWN);

    /* A 1.5-only error has no 1.0 form: sent as NXBRC_UNENCODABLE_ERROR. */
    assert_false(of_err_to_wire(OF_ERR_OFPBFC_BAD_ID, OF_V10, &w));
    buf_init(&b);
    of_error_encode(&b, OF_ERR_OFPBFC_BAD_ID, OF_V10, req, sizeof req);
    assert_int_equal(of_msg_decode(b.data, b.len, &msg), 0);
    assert_int_equal(
        of_error_decode(&msg, &err, &type, &code, &data, &data_len), 0);
    assert_int_equal(err, OF_ERR_NXBRC_UNENCODABLE_ERROR);
    assert_int_equal(msg.xid, 0x2a);

    /* An unknown pair decodes as OF_ERR_UNKNOWN with its type and code. */
    from_hex(&b, "0101000c0000000100990006");
    assert_int_equal(of_msg_decode(b.data, b.len, &msg), 0);
    assert_int_equal(
        of_error_decode(&msg, &err, &type, &code, &data, &data_len), 0);
    assert_int_equal(err, OF_ERR_UNKNOWN);
    assert_int_equal(type, 0x99);
    assert_int_equal(code, 6);
    assert_int_equal(data_len, 0);

    /* Truncated vendor and experimenter errors. */
    from_hex(&b, "01010010000000010b0c200000000232");
    b.data[8] = 0xb0;
    b.data[9] = 0xc2;
    assert_int_equal(of_msg_decode(b.data, b.len, &msg), 0);
    assert_int_equal(
        of_error_decode(&msg, &err, &type, &code, &data, &data_len),
        OF_ERR_OFPBRC_BAD_LEN);
    from_hex(&b, "0401000e00000001ffff00040000");
    assert_int_equal(of_msg_decode(b.data, b.len, &msg), 0);
    assert_int_equal(
        of_error_decode(&msg, &err, &type, &code, &data, &data_len),
        OF_ERR_OFPBRC_BAD_LEN);
    from_hex(&b, "0401000a000000010001");
    assert_int_equal(of_msg_decode(b.data, b.len, &msg), 0);
    assert_int_equal(
        of_error_decode(&msg, &err, &type, &code, &data, &data_len),
        OF_ERR_OFPBRC_BAD_LEN);
    buf_destroy(&b);
}

/* ---------------------------------------------------------------------
 * Asynchronous configuration: what a set-async does not carry.
 * --------------------------------------------------------------------- */

/* An OpenFlow VERSION SET_ASYNC with one property, TYPE carrying MASK. */
static void
build_one_prop_set_async(struct buf *b, uint8_t version, uint16_t type,
                         uint32_t mask)
{
    buf_init(b);
    of_msg_start(b, OF_T_SET_ASYNC, version, 5);
    of_buf_put16(b, type);
    of_buf_put16(b, 8);
    of_buf_put32(b, mask);
    of_msg_finish(b);
}

static void
test_set_async_keeps_the_rest(void **state)
{
    struct of_async_config basis = sample_async(OF_V14);
    struct of_async_config want = basis, ac;
    struct of_msg m;
    struct buf b;

    (void) state;
    /* A 1.4 set-async with only the primary table-status property
     * (type 2 * OF_ASYNC_TABLE_STATUS + 1) changes that mask alone:
     * packet-in, port status and the rest come from the basis. */
    build_one_prop_set_async(&b, OF_V14, 2 * OF_ASYNC_TABLE_STATUS + 1, 0x8);
    assert_int_equal(of_msg_decode(b.data, b.len, &m), 0);
    assert_int_equal(of_async_config_decode(&m, &basis, &ac), 0);
    want.primary[OF_ASYNC_TABLE_STATUS] = 0x8;
    assert_memory_equal(&ac, &want, sizeof ac);
    /* The basis may be the output itself (how a reader updates a copy). */
    ac = basis;
    assert_int_equal(of_async_config_decode(&m, &ac, &ac), 0);
    assert_memory_equal(&ac, &want, sizeof ac);
    /* Without a basis, everything else is off. */
    assert_int_equal(of_async_config_decode(&m, NULL, &ac), 0);
    memset(&want, 0, sizeof want);
    want.primary[OF_ASYNC_TABLE_STATUS] = 0x8;
    assert_memory_equal(&ac, &want, sizeof ac);
    buf_destroy(&b);

    /* OpenFlow 1.5 too: a secondary packet-in property alone. */
    build_one_prop_set_async(&b, OF_V15, 2 * OF_ASYNC_PACKET_IN, 0x1);
    assert_int_equal(of_msg_decode(b.data, b.len, &m), 0);
    assert_int_equal(of_async_config_decode(&m, &basis, &ac), 0);
    want = basis;
    want.secondary[OF_ASYNC_PACKET_IN] = 0x1;
    assert_memory_equal(&ac, &want, sizeof ac);
    buf_destroy(&b);

    /* A refused message is refused whatever the basis. */
    build_one_prop_set_async(&b, OF_V14, 2 * OF_ASYNC_TABLE_STATUS + 1, 0x1);
    assert_int_equal(of_msg_decode(b.data, b.len, &m), 0);
    assert_int_equal(of_async_config_decode(&m, &basis, &ac),
                     OF_ERR_OFPACFC_INVALID);
    buf_destroy(&b);

    /* The 1.3 layout carries all three kinds, so the basis plays no part:
     * the 1.4-only kinds come out off, as in Open vSwitch. */
    buf_init(&b);
    build_sample(find_sample("set_async"), &b, OF_V13);
    assert_int_equal(of_msg_decode(b.data, b.len, &m), 0);
    assert_int_equal(of_async_config_decode(&m, &basis, &ac), 0);
    want = sample_async(OF_V13);
    want.secondary[OF_ASYNC_PORT_STATUS] = 0x1;
    assert_memory_equal(&ac, &want, sizeof ac);
    assert_int_equal(ac.primary[OF_ASYNC_TABLE_STATUS], 0);
    buf_destroy(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_models),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_msg_decode),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_set_async_keeps_the_rest),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
