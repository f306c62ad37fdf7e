/* Unit tests for lib/packet: buffer management (headroom, tailroom, push,
 * pull, clone), layer offsets following the bytes they name, VLAN
 * push/pop, and the checksum helpers against published values. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crc32c.h"
#include "lib/flow.h"
#include "lib/packet.h"

#define NONE PKT_OFS_NONE

static void
test_new_put_push_pull(void **state)
{
    (void) state;
    struct pkt *p = pkt_new(10, 4);

    assert_int_equal(p->size, 0);
    assert_int_equal(pkt_headroom(p), 4);
    assert_int_equal(pkt_tailroom(p), 10);
    assert_int_equal(p->l2_ofs, NONE);
    assert_int_equal(p->in_port, 0);

    pkt_put(p, "abc", 3);
    assert_int_equal(p->size, 3);
    assert_int_equal(pkt_tailroom(p), 7);

    /* Exactly the headroom: no reallocation. */
    uint8_t *base = p->base;
    pkt_push(p, "1234", 4);
    assert_ptr_equal(p->base, base);
    assert_int_equal(pkt_headroom(p), 0);
    assert_memory_equal(p->data, "1234abc", 7);

    /* One more byte than there is room for: reallocates, keeps data. */
    *(uint8_t *) pkt_push_uninit(p, 1) = '0';
    assert_true(pkt_headroom(p) >= PKT_DEFAULT_HEADROOM);
    assert_memory_equal(p->data, "01234abc", 8);

    const uint8_t *old = pkt_pull(p, 2);
    assert_non_null(old);
    assert_memory_equal(old, "01", 2);
    assert_memory_equal(p->data, "234abc", 6);
    assert_null(pkt_pull(p, 7));
    assert_int_equal(p->size, 6);
    assert_non_null(pkt_pull(p, 6));
    assert_int_equal(p->size, 0);

    pkt_put_zeros(p, 3);
    assert_memory_equal(p->data, "\0\0\0", 3);
    pkt_clear(p);
    assert_int_equal(p->size, 0);
    pkt_delete(p);
    pkt_delete(NULL);
}

static void
test_tail_growth(void **state)
{
    (void) state;
    struct pkt *p = pkt_new(0, 0);

    for (int i = 0; i < 1000; i++) {
        uint8_t b = (uint8_t) i;
        pkt_put(p, &b, 1);
    }
    assert_int_equal(p->size, 1000);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(p->data[i], (uint8_t) i);
    }
    pkt_prealloc_tailroom(p, 5000);
    assert_true(pkt_tailroom(p) >= 5000);
    pkt_prealloc_headroom(p, 300);
    assert_true(pkt_headroom(p) >= 300);
    assert_int_equal(p->data[999], (uint8_t) 999);
    pkt_delete(p);
}

static void
set_offsets(struct pkt *p, uint16_t l2, uint16_t l2_5, uint16_t l3,
            uint16_t l4, uint16_t payload)
{
    p->l2_ofs = l2;
    p->l2_5_ofs = l2_5;
    p->l3_ofs = l3;
    p->l4_ofs = l4;
    p->payload_ofs = payload;
}

static void
assert_offsets(const struct pkt *p, uint16_t l2, uint16_t l2_5, uint16_t l3,
               uint16_t l4, uint16_t payload)
{
    assert_int_equal(p->l2_ofs, l2);
    assert_int_equal(p->l2_5_ofs, l2_5);
    assert_int_equal(p->l3_ofs, l3);
    assert_int_equal(p->l4_ofs, l4);
    assert_int_equal(p->payload_ofs, payload);
}

static void
test_offsets_follow_push_pull(void **state)
{
    (void) state;
    struct pkt *p = pkt_new(100, 0);

    pkt_put_zeros(p, 60);
    set_offsets(p, 0, NONE, 14, 34, 54);
    pkt_push_uninit(p, 8);
    assert_offsets(p, 8, NONE, 22, 42, 62);
    pkt_pull(p, 8);
    assert_offsets(p, 0, NONE, 14, 34, 54);
    pkt_pull(p, 20);
    assert_offsets(p, NONE, NONE, NONE, 14, 34);

    /* An offset pushed past the 16-bit range becomes absent. */
    p->l4_ofs = 65530;
    pkt_push_uninit(p, 10);
    assert_int_equal(p->l4_ofs, NONE);
    assert_int_equal(p->payload_ofs, 44);

    /* Truncation drops offsets beyond the new end, keeps one at it. */
    set_offsets(p, 0, NONE, 14, 30, 31);
    pkt_truncate(p, 30);
    assert_offsets(p, 0, NONE, 14, 30, NONE);
    assert_int_equal(p->size, 30);
    pkt_truncate(p, 100);
    assert_int_equal(p->size, 30);
    pkt_delete(p);
}

static void
test_accessors(void **state)
{
    (void) state;
    struct pkt *p = pkt_from_data("0123456789", 10);

    assert_int_equal(pkt_headroom(p), PKT_DEFAULT_HEADROOM);
    assert_int_equal(pkt_tailroom(p), 0);
    assert_null(pkt_l2(p));
    assert_null(pkt_l3(p));
    assert_int_equal(pkt_l3_size(p), 0);

    set_offsets(p, 0, 2, 4, 10, 11);
    assert_ptr_equal(pkt_l2(p), p->data);
    assert_ptr_equal(pkt_l2_5(p), p->data + 2);
    assert_ptr_equal(pkt_l3(p), p->data + 4);
    assert_int_equal(pkt_l3_size(p), 6);
    /* At the end: valid but empty.  Beyond it: absent. */
    assert_ptr_equal(pkt_l4(p), p->data + 10);
    assert_int_equal(pkt_l4_size(p), 0);
    assert_null(pkt_payload(p));
    assert_int_equal(pkt_payload_size(p), 0);
    pkt_reset_offsets(p);
    assert_offsets(p, NONE, NONE, NONE, NONE, NONE);
    pkt_delete(p);
}

static void
test_clone(void **state)
{
    (void) state;
    struct pkt *p = pkt_from_data("abcdef", 6);

    p->in_port = 4;
    p->mark = 5;
    p->tunnel.tun_id = PKT_HTONLL(77);
    set_offsets(p, 0, NONE, 2, NONE, NONE);

    struct pkt *c = pkt_clone(p);
    assert_ptr_not_equal(c->base, p->base);
    assert_int_equal(c->size, 6);
    assert_int_equal(pkt_headroom(c), pkt_headroom(p));
    assert_memory_equal(c->data, "abcdef", 6);
    assert_int_equal(c->in_port, 4);
    assert_int_equal(c->mark, 5);
    assert_memory_equal(&c->tunnel, &p->tunnel, sizeof p->tunnel);
    assert_offsets(c, 0, NONE, 2, NONE, NONE);

    c->data[0] = 'X';
    assert_int_equal(p->data[0], 'a');
    pkt_delete(p);
    pkt_delete(c);
}

/* Composes an IPv4/UDP frame (optionally tagged) and extracts it, so the
 * packet carries real offsets. */
static struct pkt *
udp_frame(size_t headroom, int n_tags)
{
    struct flow flow = {
        .dl_dst = { { 2, 0, 0, 0, 0, 2 } },
        .dl_src = { { 2, 0, 0, 0, 0, 1 } },
        .dl_type = PKT_HTONS(ETH_TYPE_IP),
        .nw_src = PKT_HTONL(0x0a000001),
        .nw_dst = PKT_HTONL(0x0a000002),
        .nw_proto = IPPROTO_UDP,
        .nw_ttl = 64,
        .tp_src = PKT_HTONS(1),
        .tp_dst = PKT_HTONS(2),
    };
    for (int i = 0; i < n_tags; i++) {
        flow.vlans[i].tpid = PKT_HTONS(ETH_TYPE_VLAN_8021Q);
        flow.vlans[i].tci = PKT_HTONS(FLOW_VLAN_PRESENT | (100 + i));
    }
    struct pkt *p = pkt_new(0, headroom);
    struct flow got;
    assert_int_equal(flow_compose(p, &flow, 10), 0);
    flow_extract(p, &got);
    assert_true(flow_equal(&got, &flow));
    return p;
}

static void
test_push_pop_vlan(void **state)
{
    (void) state;
    struct pkt *p = udp_frame(PKT_DEFAULT_HEADROOM, 0);
    struct pkt *orig = pkt_clone(p);
    uint8_t *base = p->base;
    struct flow flow;

    assert_offsets(p, 0, NONE, 14, 34, 42);
    assert_int_equal(
        pkt_push_vlan(p, PKT_HTONS(ETH_TYPE_VLAN_8021Q), PKT_HTONS(0x600a)),
        0);
    assert_ptr_equal(p->base, base); /* Used the headroom. */
    assert_int_equal(p->size, orig->size + 4);
    assert_memory_equal(p->data, orig->data, 12);
    static const uint8_t tag[] = { 0x81, 0x00, 0x60, 0x0a, 0x08, 0x00 };
    assert_memory_equal(p->data + 12, tag, sizeof tag);
    assert_memory_equal(p->data + 16, orig->data + 12, orig->size - 12);
    assert_offsets(p, 0, 12, 18, 38, 46);

    /* The offsets agree with what a fresh extraction finds. */
    struct pkt *c = pkt_clone(p);
    flow_extract(c, &flow);
    assert_offsets(c, 0, 12, 18, 38, 46);
    assert_int_equal(flow.vlans[0].tci, PKT_HTONS(0x700a));
    assert_int_equal(flow.vlans[0].tpid, PKT_HTONS(0x8100));
    pkt_delete(c);

    assert_int_equal(pkt_pop_vlan(p), 0);
    assert_int_equal(p->size, orig->size);
    assert_memory_equal(p->data, orig->data, orig->size);
    assert_offsets(p, 0, NONE, 14, 34, 42);

    assert_int_equal(pkt_pop_vlan(p), ENOENT);
    assert_memory_equal(p->data, orig->data, orig->size);
    pkt_delete(orig);
    pkt_delete(p);
}

static void
test_push_pop_vlan_stacked(void **state)
{
    (void) state;
    struct pkt *p = udp_frame(0, 1); /* No headroom at all. */
    struct flow flow;

    assert_offsets(p, 0, 12, 18, 38, 46);
    assert_int_equal(
        pkt_push_vlan(p, PKT_HTONS(ETH_TYPE_VLAN_8021AD), PKT_HTONS(7)), 0);
    assert_offsets(p, 0, 12, 22, 42, 50);
    flow_extract(p, &flow);
    assert_offsets(p, 0, 12, 22, 42, 50);
    assert_int_equal(flow.vlans[0].tpid, PKT_HTONS(0x88a8));
    assert_int_equal(flow.vlans[0].tci, PKT_HTONS(0x1007));
    assert_int_equal(flow.vlans[1].tci, PKT_HTONS(0x1064));

    /* Popping the outer tag leaves l2_5 on the inner one. */
    assert_int_equal(pkt_pop_vlan(p), 0);
    assert_offsets(p, 0, 12, 18, 38, 46);
    flow_extract(p, &flow);
    assert_int_equal(flow.vlans[0].tci, PKT_HTONS(0x1064));
    assert_int_equal(flow.vlans[1].tci, 0);

    assert_int_equal(pkt_pop_vlan(p), 0);
    assert_offsets(p, 0, NONE, 14, 34, 42);
    assert_int_equal(pkt_pop_vlan(p), ENOENT);
    pkt_delete(p);
}

static void
test_push_pop_vlan_mpls(void **state)
{
    (void) state;
    struct flow flow = {
        .dl_type = PKT_HTONS(ETH_TYPE_MPLS),
        .mpls_lse = { PKT_HTONL(0x00064140) },
    };
    struct pkt *p = pkt_new(0, 0);

    assert_int_equal(flow_compose(p, &flow, 20), 0);
    flow_extract(p, &flow);
    assert_offsets(p, 0, 14, 18, NONE, NONE);

    /* l2_5 names the MPLS label and keeps naming it. */
    assert_int_equal(
        pkt_push_vlan(p, PKT_HTONS(ETH_TYPE_VLAN_8021Q), PKT_HTONS(5)), 0);
    assert_offsets(p, 0, 18, 22, NONE, NONE);
    assert_int_equal(pkt_pop_vlan(p), 0);
    assert_offsets(p, 0, 14, 18, NONE, NONE);
    pkt_delete(p);
}

static void
test_vlan_short_frames(void **state)
{
    (void) state;
    static const uint8_t frame[18] = {
        2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x81, 0x00, 0, 5, 0x08, 0x00,
    };
    struct pkt *p = pkt_from_data(frame, 13);

    assert_int_equal(pkt_push_vlan(p, PKT_HTONS(0x8100), 0), EINVAL);
    assert_int_equal(p->size, 13);
    assert_int_equal(pkt_pop_vlan(p), ENOENT);
    pkt_delete(p);

    /* A tag needs its type field too (18 bytes) to be popped. */
    p = pkt_from_data(frame, 17);
    assert_int_equal(pkt_pop_vlan(p), ENOENT);
    pkt_delete(p);
    p = pkt_from_data(frame, 18);
    assert_int_equal(pkt_pop_vlan(p), 0);
    assert_int_equal(p->size, 14);
    assert_memory_equal(p->data, frame, 12);
    assert_int_equal(p->data[12], 0x08);

    /* Exactly an Ethernet header can take a tag. */
    assert_int_equal(pkt_push_vlan(p, PKT_HTONS(0x8100), PKT_HTONS(5)), 0);
    assert_int_equal(p->size, 18);
    assert_memory_equal(p->data, frame, 18);
    pkt_delete(p);
}

static void
test_checksums(void **state)
{
    (void) state;
    /* RFC 1071 section 3 example: the one's complement sum of these bytes
     * is 0xddf2. */
    static const uint8_t rfc1071[] = { 0x00, 0x01, 0xf2, 0x03,
                                       0xf4, 0xf5, 0xf6, 0xf7 };
    assert_int_equal(pkt_csum_finish(pkt_csum_add(0, rfc1071, sizeof rfc1071)),
                     PKT_HTONS(0xffff & ~0xddf2));

    /* A well-known IPv4 header whose checksum is 0xb861. */
    uint8_t ip[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
                       0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
                       0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
    assert_int_equal(pkt_csum_finish(pkt_csum_add(0, ip, sizeof ip)),
                     PKT_HTONS(0xb861));
    ip[10] = 0xb8;
    ip[11] = 0x61;
    assert_int_equal(pkt_csum_finish(pkt_csum_add(0, ip, sizeof ip)), 0);

    /* Odd lengths pad with a zero byte; sums may be split at even
     * boundaries. */
    static const uint8_t odd[] = { 0x12, 0x34, 0x56 };
    assert_int_equal(pkt_csum_add(0, odd, 3), 0x1234 + 0x5600);
    assert_int_equal(pkt_csum_add(pkt_csum_add(0, odd, 2), odd + 2, 1),
                     pkt_csum_add(0, odd, 3));

    /* The CRC32c check value (RFC 3720 B.4 / the Castagnoli catalogue). */
    assert_int_equal(crc32c_extend(0, "123456789", 9), 0xe3069283u);
    static const uint8_t zeros[32];
    assert_int_equal(crc32c_extend(0, zeros, sizeof zeros), 0x8a9136aau);
}

int
main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_put_push_pull),
        cmocka_unit_test(test_tail_growth),
        cmocka_unit_test(test_offsets_follow_push_pull),
        cmocka_unit_test(test_accessors),
        cmocka_unit_test(test_clone),
        cmocka_unit_test(test_push_pop_vlan),
        cmocka_unit_test(test_push_pop_vlan_stacked),
        cmocka_unit_test(test_push_pop_vlan_mpls),
        cmocka_unit_test(test_vlan_short_frames),
        cmocka_unit_test(test_checksums),
    };
    return cmocka_run_group_tests_name("packet", tests, NULL, NULL);
}
