/* Unit tests for the compact form in which rules keep their matches
 * (vswitchd/ofproto-minimatch.h): it must expand to exactly the match it
 * was made from, for matches written in ovs-ofctl syntax and for
 * arbitrary sparse ones, keep only the words that are not zero, and
 * answer equality, catch-all and tunnel-metadata questions as the full
 * match would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ofctl/flow-text.h"
#include "vswitchd/ofproto-minimatch.h"
#include "vswitchd/ofproto.h"

/* A minimatch with its storage. */
struct mm_holder {
    struct ofproto_minimatch mm;
    uint64_t *storage;
};

static void
mm_make(struct mm_holder *h, const struct of_match *m)
{
    size_t n = ofproto_minimatch_storage(m);

    h->storage = calloc(n ? n : 1, sizeof *h->storage);
    ofproto_minimatch_init(&h->mm, m, h->storage);
    assert_int_equal(2 * h->mm.n, n);
}

static void
mm_free(struct mm_holder *h)
{
    ofproto_minimatch_destroy(&h->mm);
    free(h->storage);
}

static void
parse_match(const char *s, struct of_match *m)
{
    struct of_flow f;
    char *err = of_flow_parse(&f, s, OF_FLOW_ADD, NULL, NULL);

    if (err) {
        fail_msg("%s: %s", s, err);
    }
    *m = f.match;
    of_flow_destroy(&f);
}

/* Every match of the list expands to itself, equals itself and no other
 * match of the list, and is a catch-all only when it matches
 * everything. */
static void
test_round_trip_text(void **state)
{
    (void) state;
    static const char *const flows[] = {
        "actions=drop",
        "priority=5,udp,nw_src=10.0.0.1,tp_dst=1024,actions=drop",
        "ip,nw_dst=10.99.0.0/16,actions=drop",
        "in_port=3,dl_src=02:00:00:00:00:01,dl_dst=01:00:00:00:00:00/"
        "01:00:00:00:00:00,dl_vlan=10,actions=drop",
        "ipv6,ipv6_src=2001:db8::1/64,ipv6_dst=2001:db8::2,nw_tos=4,"
        "actions=drop",
        "tcp,tcp_flags=+syn-ack,tp_src=0x100/0xff00,actions=drop",
        "reg0=1,reg7=0x5/0xff,metadata=0x1234,actions=drop",
        "xxreg1=0x1,actions=drop",
        "ct_state=+trk+est,ct_mark=0x7,ct_zone=3,ip,actions=drop",
        "arp,arp_spa=192.0.2.1,arp_op=2,actions=drop",
        "tun_id=0x5,tun_src=192.0.2.1,tun_dst=192.0.2.2,actions=drop",
        "tun_metadata0=0x1234,actions=drop",
        "tun_metadata3=0xab/0xff,ip,actions=drop",
        "udp,nw_src=10.0.0.1,tp_dst=1025,actions=drop",
    };
    enum { N = sizeof flows / sizeof flows[0] };
    struct of_match *m = calloc(N, sizeof *m);
    struct mm_holder *h = calloc(N, sizeof *h);

    for (size_t i = 0; i < N; i++) {
        struct of_match back;

        parse_match(flows[i], &m[i]);
        mm_make(&h[i], &m[i]);
        memset(&back, 0x5a, sizeof back);
        ofproto_minimatch_expand(&h[i].mm, &back);
        if (memcmp(&back, &m[i], sizeof back)) {
            fail_msg("%s: does not expand to itself", flows[i]);
        }
        assert_int_equal(ofproto_minimatch_is_catchall(&h[i].mm),
                         of_match_is_catchall(&m[i]));
        assert_int_equal(ofproto_minimatch_tun_md_fields(&h[i].mm),
                         m[i].tun_md.present);
        /* Only what the match uses is kept: a handful of words, where
         * the whole match is close to 2 kB. */
        assert_true(h[i].mm.n <= 12);
        assert_int_equal(h[i].mm.tun_md != NULL, m[i].tun_md.present != 0);
    }
    assert_true(ofproto_minimatch_is_catchall(&h[0].mm));
    assert_int_equal(h[0].mm.n, 0);
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < N; j++) {
            assert_int_equal(ofproto_minimatch_equals(&h[i].mm, &m[j]),
                             i == j);
            assert_int_equal(
                ofproto_minimatch_same_tun_md(&h[i].mm, &m[j].tun_md),
                !memcmp(&m[i].tun_md, &m[j].tun_md, sizeof m[i].tun_md));
        }
    }
    for (size_t i = 0; i < N; i++) {
        mm_free(&h[i]);
    }
    free(h);
    free(m);
}

/* ofproto_minimatch_touches() says whether a stored word overlaps a byte
 * range of the key: the words of tp_dst and reg3 do, the tunnel options
 * (which ofproto_rule_key() clears only when touched) do not. */
static void
test_touches(void **state)
{
    (void) state;
    struct of_match m;
    struct mm_holder h;
    size_t tp = offsetof(struct ofproto_key, flow.tp_dst);
    size_t opts = offsetof(struct ofproto_key, flow.tunnel.opts);

    parse_match("udp,tp_dst=1024,reg3=9,actions=drop", &m);
    mm_make(&h, &m);
    assert_true(ofproto_minimatch_touches(&h.mm, tp, 2));
    assert_true(ofproto_minimatch_touches(&h.mm, tp & ~(size_t) 7, 1));
    assert_true(
        ofproto_minimatch_touches(&h.mm, 0, sizeof(struct ofproto_key)));
    assert_false(
        ofproto_minimatch_touches(&h.mm, opts, sizeof m.flow.tunnel.opts));
    assert_false(ofproto_minimatch_touches(&h.mm, tp, 0));
    mm_free(&h);

    /* A catch-all touches nothing. */
    memset(&m, 0, sizeof m);
    mm_make(&h, &m);
    assert_false(
        ofproto_minimatch_touches(&h.mm, 0, sizeof(struct ofproto_key)));
    mm_free(&h);
}

/* The key and mask a minimatch gives are the match's values and masks in
 * struct ofproto_key's layout. */
static void
test_to_key(void **state)
{
    (void) state;
    struct of_match m;
    struct mm_holder h;
    struct ofproto_key key, mask;

    parse_match("udp,nw_src=10.0.0.1,tp_dst=1024,reg3=9,actions=drop", &m);
    mm_make(&h, &m);
    ofproto_minimatch_to_key(&h.mm, &key, &mask);
    assert_memory_equal(&key.flow, &m.flow, sizeof m.flow);
    assert_memory_equal(&mask.flow, &m.mask, sizeof m.mask);
    assert_memory_equal(&key.meta, &m.meta, sizeof m.meta);
    assert_memory_equal(&mask.meta, &m.meta_mask, sizeof m.meta_mask);
    mm_free(&h);
}

/* Random sparse matches, values outside their masks included (nothing in
 * the minimatch may assume a match is normalised), including the first
 * and last words of the key. */
static void
test_round_trip_random(void **state)
{
    (void) state;
    unsigned seed = 12345;

    for (int iter = 0; iter < 2000; iter++) {
        struct of_match *m = calloc(1, sizeof *m), *back = malloc(sizeof *m);
        uint8_t *parts[] = { (uint8_t *) &m->flow, (uint8_t *) &m->mask,
                             (uint8_t *) &m->meta, (uint8_t *) &m->meta_mask };
        size_t sizes[] = { sizeof m->flow, sizeof m->mask, sizeof m->meta,
                           sizeof m->meta_mask };
        int n_bytes = rand_r(&seed) % 24;
        struct mm_holder h;

        for (int k = 0; k < n_bytes; k++) {
            size_t part = (size_t) rand_r(&seed) % 4;
            size_t ofs = (size_t) rand_r(&seed) % sizes[part];

            if (k == 0) {
                ofs = 0;
            } else if (k == 1) {
                ofs = sizes[part] - 1;
            }
            parts[part][ofs] = (uint8_t) (1 + rand_r(&seed) % 255);
        }
        if (iter % 7 == 0) {
            m->tun_md.present = 1;
            m->tun_md.len[0] = 4;
            m->tun_md.value[iter % OF_TUN_MD_SPACE] = 0x11;
        }
        mm_make(&h, m);
        ofproto_minimatch_expand(&h.mm, back);
        assert_memory_equal(back, m, sizeof *m);
        assert_true(ofproto_minimatch_equals(&h.mm, m));
        /* One bit more anywhere makes it another match. */
        parts[iter % 4][(size_t) iter % sizes[iter % 4]] ^= 0x80;
        assert_false(ofproto_minimatch_equals(&h.mm, m));
        mm_free(&h);
        free(back);
        free(m);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_text),
        cmocka_unit_test(test_to_key),
        cmocka_unit_test(test_touches),
        cmocka_unit_test(test_round_trip_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
