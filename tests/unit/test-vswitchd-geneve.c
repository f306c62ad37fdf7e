/* Unit tests for Geneve options between the datapath and OpenFlow
 * (vswitchd/ofproto-tlv-md.c): raw options mapped through a bridge's TLV
 * table to tun_metadata (unknown options ignored, unknown critical ones
 * and length mismatches refused), rules on tun_metadata matching packets
 * in the OpenFlow classifier, the megaflow mask of the options consulted,
 * and the options an output carries. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/evloop.h"
#include "lib/util.h"
#include "ofctl/flow-text.h"
#include "ofctl/ofp-tlv.h"
#include "vswitchd/ofproto-tlv.h"
#include "vswitchd/ofproto.h"

struct fixture {
    struct evloop *loop;
    struct ofproto *p;
};

static int
tlv_mod(struct ofproto *p, const char *text)
{
    struct of_tlv_table_mod tm = { .command = OF_TLV_ADD };
    char *err = of_tlv_maps_parse(text, &tm.maps);
    int error;

    if (err) {
        fail_msg("%s: %s", text, err);
    }
    error = ofproto_tlv_mod(p, &tm);
    of_tlv_maps_destroy(&tm.maps);
    return error;
}

static int
setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    char *err = NULL;

    fx->loop = evloop_create();
    assert_int_equal(
        ofproto_create("gnvbr", 1, fx->loop, NULL, NULL, &fx->p, &err), 0);
    assert_int_equal(tlv_mod(fx->p, "{class=0xffff,type=0,len=4}"
                                    "->tun_metadata0,"
                                    "{class=0x102,type=0x80,len=8}"
                                    "->tun_metadata1"),
                     0);
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *fx = *state;

    ofproto_destroy(fx->p);
    evloop_destroy(fx->loop);
    free(fx);
    return 0;
}

static void
flowmod(struct ofproto *p, const char *s)
{
    struct of_flow f;
    char *err = of_flow_parse(&f, s, OF_FLOW_ADD, NULL, NULL);

    if (err) {
        fail_msg("%s: %s", s, err);
    }
    if (ofproto_flow_mod(p, &f, OF_FLOW_ADD, &err)) {
        fail_msg("%s: %s", s, err);
    }
    of_flow_destroy(&f);
}

static void
raw_set(struct pkt_tun_opts *o, const void *bytes, size_t len)
{
    memset(o, 0, sizeof *o);
    if (len) {
        memcpy(o->data, bytes, len);
    }
    o->len = (uint8_t) len;
}

/* tun_metadataIDX of ST as text ("" when absent). */
static void
md_string(const struct of_match *st, unsigned idx, char *s, size_t n)
{
    const struct of_field *f = of_field_from_id(OF_F_TUN_METADATA0 + idx);
    union of_value v;
    size_t i = 0;

    s[0] = '\0';
    if (!(st->tun_md.present & (UINT64_C(1) << idx))) {
        return;
    }
    of_match_get(st, f, &v, NULL);
    while (i < f->n_bytes - 1u && !v.be[i]) {
        i++;
    }
    size_t k = (size_t) snprintf(s, n, "0x");
    for (; i < f->n_bytes && k + 3 < n; i++) {
        k += (size_t) snprintf(s + k, n - k, "%02x", v.be[i]);
    }
}

static const uint8_t two_opts[] = {
    0xff, 0xff, 0x00, 0x01, 0x00, 0x00, 0x12, 0x34, /* tun_metadata0 */
    0x00, 0x09, 0x01, 0x00,                         /* unknown, ignored */
    0x01, 0x02, 0x80, 0x02, 1,    2,    3,    4,
    5,    6,    7,    8, /* tun_metadata1 */
};

static void
test_from_geneve(void **state)
{
    struct fixture *fx = *state;
    struct pkt_tun_opts raw;
    struct of_match st;
    char *why = NULL;
    char s[300];

    raw_set(&raw, two_opts, sizeof two_opts);
    of_match_init_catchall(&st);
    assert_int_equal(ofproto_tlv_md_from_geneve(fx->p, &raw, &st, &why), 0);
    assert_true(st.tun_md.present == 3);
    md_string(&st, 0, s, sizeof s);
    assert_string_equal(s, "0x1234");
    md_string(&st, 1, s, sizeof s);
    assert_string_equal(s, "0x0102030405060708");

    /* An unknown critical option. */
    static const uint8_t crit[] = { 0x00, 0x09, 0x81, 0x00 };
    raw_set(&raw, crit, sizeof crit);
    of_match_init_catchall(&st);
    assert_int_equal(ofproto_tlv_md_from_geneve(fx->p, &raw, &st, &why),
                     EINVAL);
    assert_string_equal(why, "critical option class=0x9,type=0x81,len=0 "
                             "has no TLV mapping");
    free(why);

    /* A mapped option of another length. */
    static const uint8_t wrong_len[] = { 0xff, 0xff, 0x00, 0x02, 0, 0,
                                         0,    1,    0,    0,    0, 2 };
    raw_set(&raw, wrong_len, sizeof wrong_len);
    assert_int_equal(ofproto_tlv_md_from_geneve(fx->p, &raw, &st, &why),
                     EINVAL);
    assert_non_null(strstr(why, "mapped to tun_metadata0 with length 4"));
    free(why);
}

/* Looks the packet with raw options BYTES up in table 0; returns the
 * priority of the rule found (-1: none) and the datapath mask in *MASK. */
static int
lookup(struct ofproto *p, const uint8_t *bytes, size_t len,
       struct pkt_tun_opts *mask)
{
    struct pkt_tun_opts raw;
    struct ofproto_key key, wc;
    struct of_match st;
    char *why = NULL;

    raw_set(&raw, bytes, len);
    of_match_init_catchall(&st);
    assert_int_equal(ofproto_tlv_md_from_geneve(p, &raw, &st, &why), 0);
    memset(&key, 0, sizeof key);
    memset(&wc, 0, sizeof wc);
    ofproto_tlv_md_to_key(&st, &key.flow.tunnel.opts, NULL);
    const struct ofproto_rule *r = ofproto_lookup(p, 0, &key, &wc);
    ofproto_tlv_md_mask(p, &raw, &wc.flow.tunnel.opts, mask);
    return r ? r->priority : -1;
}

static void
test_classifier(void **state)
{
    struct fixture *fx = *state;
    struct pkt_tun_opts mask;

    flowmod(fx->p, "priority=10,tun_metadata0=0x1234,actions=output:1");
    flowmod(fx->p, "priority=9,tun_metadata0=0x4321,actions=output:2");
    flowmod(fx->p, "priority=8,tun_metadata0=0x5600/0xff00,actions=output:3");
    flowmod(fx->p,
            "priority=7,tun_metadata1=0x0102030405060708,actions=output:4");
    flowmod(fx->p, "priority=6,tun_metadata1=0x01/0xff,actions=output:5");

    static const uint8_t v1234[] = {
        0xff, 0xff, 0x00, 0x01, 0, 0, 0x12, 0x34
    };
    static const uint8_t v4321[] = {
        0xff, 0xff, 0x00, 0x01, 0, 0, 0x43, 0x21
    };
    static const uint8_t v5678[] = {
        0xff, 0xff, 0x00, 0x01, 0, 0, 0x56, 0x78
    };
    static const uint8_t v9999[] = {
        0xff, 0xff, 0x00, 0x01, 0, 0, 0x99, 0x99
    };
    static const uint8_t other[] = { 0x01, 0x02, 0x80, 0x02, 1, 2,
                                     3,    4,    5,    6,    7, 9 };

    assert_int_equal(lookup(fx->p, v1234, sizeof v1234, &mask), 10);
    /* Mask: the length, the header and the data of the option. */
    assert_int_equal(mask.len, 0xff);
    assert_memory_equal(mask.data, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
    assert_int_equal(lookup(fx->p, v4321, sizeof v4321, &mask), 9);
    assert_int_equal(lookup(fx->p, v5678, sizeof v5678, &mask), 8);
    assert_int_equal(lookup(fx->p, v9999, sizeof v9999, &mask), -1);
    /* A wide field: the exact value matches, another does not, and the
     * rule with a partial mask on it matches nothing. */
    assert_int_equal(lookup(fx->p, two_opts, sizeof two_opts, &mask), 10);
    assert_int_equal(lookup(fx->p, two_opts + 12, 12, &mask), 7);
    assert_int_equal(lookup(fx->p, other, sizeof other, &mask), -1);
    /* No options: no rule, and the options (none) are matched. */
    assert_int_equal(lookup(fx->p, NULL, 0, &mask), -1);
    assert_int_equal(mask.len, 0xff);
}

/* Only the data of the options consulted is in the mask; every header
 * is. */
static void
test_mask(void **state)
{
    struct fixture *fx = *state;
    struct pkt_tun_opts raw, wc, mask;

    raw_set(&raw, two_opts, sizeof two_opts);
    memset(&wc, 0, sizeof wc);
    ofproto_tlv_md_mask(fx->p, &raw, &wc, &mask);
    assert_int_equal(mask.len, 0);
    assert_true(nf_bytes_all(mask.data, sizeof mask.data, 0));

    wc.present = 2; /* tun_metadata1 */
    ofproto_tlv_md_mask(fx->p, &raw, &wc, &mask);
    assert_int_equal(mask.len, 0xff);
    static const uint8_t want[24] = {
        0xff, 0xff, 0xff, 0xff, 0,    0,    0,    0,    0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    };
    assert_memory_equal(mask.data, want, sizeof want);
    assert_true(nf_bytes_all(mask.data + 24, sizeof mask.data - 24, 0));
}

/* The options an output carries: class, type and length from the table,
 * in field order. */
static void
test_to_geneve(void **state)
{
    struct fixture *fx = *state;
    struct pkt_tun_opts raw;
    struct of_match st;
    uint8_t out[PKT_TUN_OPTS_MAX];
    uint64_t used;
    char *why = NULL;

    of_match_init_catchall(&st);
    assert_int_equal(ofproto_tlv_md_to_geneve(fx->p, &st, out, &used), 0);
    assert_true(used == 0);

    raw_set(&raw, two_opts, sizeof two_opts);
    assert_int_equal(ofproto_tlv_md_from_geneve(fx->p, &raw, &st, &why), 0);
    assert_int_equal(ofproto_tlv_md_to_geneve(fx->p, &st, out, &used), 20);
    assert_true(used == 3);
    assert_memory_equal(out, two_opts, 8);
    assert_memory_equal(out + 8, two_opts + 12, 12);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_from_geneve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_classifier, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_to_geneve, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
