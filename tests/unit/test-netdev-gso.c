/* Tests of the software offloads of softpath/netdev-gso.c:
 * netdev_gso_finish_csum() (a CHECKSUM_PARTIAL L4 checksum filled in) and
 * netdev_gso_segment() (a TCPv4, TCPv6 or UDP_L4 GSO super-frame cut into
 * segments), and of their inverse in softpath/netdev-gro.c:
 * netdev_gro_plan() and netdev_gro_assemble() (segments merged back into
 * the super-frame they were cut from, and only when they may be).  Frames are built by hand, with the pseudo-header partial
 * checksum the kernel leaves in a CHECKSUM_PARTIAL packet, and every result
 * is checked against sums computed here, independently of lib/packet.c.
 * Frames come from pkt_from_data(), which leaves no tailroom, so a read past
 * the end of a frame is caught by the sanitizer tier. */
#include <arpa/inet.h>
#include <linux/virtio_net.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/packet.h"
#include "lib/util.h"
#include "softpath/netdev.h"

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

/* ---------------------------------------------------------------------
 * Independent checksum arithmetic.
 * --------------------------------------------------------------------- */

static uint64_t
sum_bytes(uint64_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += (uint32_t) p[i] << 8 | p[i + 1];
    }
    if (n & 1) {
        sum += (uint32_t) p[n - 1] << 8;
    }
    return sum;
}

/* The folded (not complemented) 16-bit ones' complement sum. */
static uint16_t
fold(uint64_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) sum;
}

static uint16_t
get16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
    return (uint32_t) get16(p) << 16 | get16(p + 2);
}

static void
set16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static void
set32(uint8_t *p, uint32_t v)
{
    set16(p, (uint16_t) (v >> 16));
    set16(p + 2, (uint16_t) v);
}

/* The pseudo-header sum of the IP header at IP for L4_LEN bytes of PROTO. */
static uint64_t
pseudo_sum(const uint8_t *ip, bool ipv6, uint8_t proto, size_t l4_len)
{
    uint64_t sum;

    if (ipv6) {
        sum = sum_bytes(0, ip + 8, 32);
        sum += (uint32_t) (l4_len >> 16) + (uint32_t) (l4_len & 0xffff);
    } else {
        sum = sum_bytes(0, ip + 12, 8);
        sum += (uint32_t) l4_len;
    }
    return sum + proto;
}

/* ---------------------------------------------------------------------
 * Frames.
 * --------------------------------------------------------------------- */

#define TCP_F_FIN 0x01
#define TCP_F_PSH 0x08
#define TCP_F_ACK 0x10
#define TCP_F_CWR 0x80

struct spec {
    bool ipv6;
    int n_vlans;     /* 0, 1 (802.1Q) or 2 (802.1ad + 802.1Q). */
    uint8_t proto;   /* IPPROTO_TCP or IPPROTO_UDP. */
    size_t payload;  /* L4 payload bytes. */
    size_t tcp_opts; /* TCP option bytes (a multiple of 4). */
    uint8_t tcp_flags;
    uint16_t ip_id;
    uint32_t seq;
};

struct frame {
    uint8_t *buf;
    size_t size;
    size_t l3, l4, hdr_len;
    bool ipv6;
    uint8_t proto;
};

static uint8_t
payload_byte(size_t i)
{
    /* Not periodic in 256, so a misplaced chunk shows. */
    return (uint8_t) (i * 31 + (i >> 8) + 7);
}

/* Stores the partial checksum the kernel leaves for CHECKSUM_PARTIAL: the
 * folded pseudo-header sum, not complemented, in the L4 checksum field. */
static void
put_partial_csum(struct frame *f)
{
    uint8_t *field = f->buf + f->l4 + (f->proto == IPPROTO_TCP ? 16 : 6);
    set16(field, fold(pseudo_sum(f->buf + f->l3, f->ipv6, f->proto,
                                 f->size - f->l4)));
}

static void
build(struct frame *f, const struct spec *s)
{
    size_t l4_hdr = s->proto == IPPROTO_TCP ? 20 + s->tcp_opts : 8;
    size_t ofs = 12;

    memset(f, 0, sizeof *f);
    f->ipv6 = s->ipv6;
    f->proto = s->proto;
    f->l3 = 14 + 4 * (size_t) s->n_vlans;
    f->l4 = f->l3 + (s->ipv6 ? 40 : 20);
    f->hdr_len = f->l4 + l4_hdr;
    f->size = f->hdr_len + s->payload;
    f->buf = calloc(1, f->size);
    assert_non_null(f->buf);

    uint8_t *b = f->buf;
    static const uint8_t macs[12] = { 0x02, 0, 0, 0, 0, 0x02,
                                      0x02, 0, 0, 0, 0, 0x01 };
    memcpy(b, macs, sizeof macs);
    if (s->n_vlans == 2) {
        set16(b + ofs, 0x88a8);
        set16(b + ofs + 2, 0x0064);
        ofs += 4;
    }
    if (s->n_vlans >= 1) {
        set16(b + ofs, 0x8100);
        set16(b + ofs + 2, 0x2065);
        ofs += 4;
    }
    set16(b + ofs, s->ipv6 ? 0x86dd : 0x0800);

    uint8_t *ip = b + f->l3;
    if (s->ipv6) {
        set32(ip, 0x60012345);
        set16(ip + 4, (uint16_t) (f->size - f->l3 - 40));
        ip[6] = s->proto;
        ip[7] = 64;
        static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
        memcpy(ip + 8, a6, 16);
        memcpy(ip + 24, a6, 16);
        ip[39] = 2;
    } else {
        ip[0] = 0x45;
        ip[1] = 0x10;
        set16(ip + 2, (uint16_t) (f->size - f->l3));
        set16(ip + 4, s->ip_id);
        set16(ip + 6, 0x4000);
        ip[8] = 64;
        ip[9] = s->proto;
        set32(ip + 12, 0x0a000001);
        set32(ip + 16, 0x0a000002);
        set16(ip + 10, (uint16_t) ~fold(sum_bytes(0, ip, 20)));
    }

    uint8_t *l4 = b + f->l4;
    if (s->proto == IPPROTO_TCP) {
        set16(l4, 40000);
        set16(l4 + 2, 80);
        set32(l4 + 4, s->seq);
        set32(l4 + 8, 0x01020304);
        l4[12] = (uint8_t) ((l4_hdr / 4) << 4);
        l4[13] = s->tcp_flags;
        set16(l4 + 14, 0xfff0);
        set16(l4 + 18, 0);
        for (size_t i = 0; i < s->tcp_opts; i++) {
            /* NOPs, then a timestamp option when there is room. */
            l4[20 + i] = 1;
        }
        if (s->tcp_opts >= 12) {
            static const uint8_t ts[10] = { 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 };
            memcpy(l4 + 22, ts, sizeof ts);
        }
    } else {
        set16(l4, 5000);
        set16(l4 + 2, 6000);
        set16(l4 + 4, (uint16_t) (f->size - f->l4));
    }
    for (size_t i = 0; i < s->payload; i++) {
        b[f->hdr_len + i] = payload_byte(i);
    }
    put_partial_csum(f);
}

static void
frame_free(struct frame *f)
{
    free(f->buf);
    f->buf = NULL;
}

static struct virtio_net_hdr
gso_hdr(const struct frame *f, uint8_t gso_type, uint16_t mss)
{
    struct virtio_net_hdr vh;

    memset(&vh, 0, sizeof vh);
    vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    vh.gso_type = gso_type;
    vh.hdr_len = (uint16_t) f->hdr_len;
    vh.gso_size = mss;
    vh.csum_start = (uint16_t) f->l4;
    vh.csum_offset = f->proto == IPPROTO_TCP ? 16 : 6;
    return vh;
}

static struct pkt *
frame_pkt(const struct frame *f)
{
    struct pkt *p = pkt_from_data(f->buf, f->size);

    p->in_port = 7;
    p->mark = 0xcafe;
    p->recirc_id = 3;
    p->dp_hash = 0x12345678;
    p->tunnel.ip_src = htonl(0xc0a80001);
    p->tunnel.ip_dst = htonl(0xc0a80002);
    p->tunnel.tun_id = PKT_HTONLL(0x7b);
    p->tunnel.flags = PKT_TUN_F_KEY | PKT_TUN_F_DONT_FRAGMENT;
    p->tunnel.ttl = 63;
    p->tunnel.tp_dst = htons(4789);
    return p;
}

/* Asserts that the L4 checksum of the frame at B (SIZE bytes, IP at L3,
 * L4 at L4) verifies: pseudo-header + segment fold to 0xffff. */
static void
assert_l4_csum_ok(const uint8_t *b, size_t size, size_t l3, size_t l4,
                  bool ipv6, uint8_t proto)
{
    uint64_t sum = pseudo_sum(b + l3, ipv6, proto, size - l4);

    sum = sum_bytes(sum, b + l4, size - l4);
    assert_int_equal(fold(sum), 0xffff);
    if (proto == IPPROTO_UDP) {
        assert_int_not_equal(get16(b + l4 + 6), 0);
    }
}

static void
free_segs(struct pkt **segs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pkt_delete(segs[i]);
    }
    free(segs);
}

/* Segments F with VH, checks every segment against F and returns. */
static void
segment_and_check(const struct frame *f, const struct virtio_net_hdr *vh,
                  size_t want_n)
{
    struct pkt *p = frame_pkt(f);
    struct pkt_tunnel tun = p->tunnel;
    struct pkt **segs = (struct pkt **) 1;
    size_t mss = vh->gso_size;
    size_t payload = f->size - f->hdr_len;
    const uint8_t *oip = f->buf + f->l3, *ol4 = f->buf + f->l4;

    size_t n = netdev_gso_segment(p, vh, &segs);
    assert_int_equal(n, want_n);
    assert_non_null(segs);

    /* The original is left as it was. */
    assert_int_equal(p->size, f->size);
    assert_memory_equal(p->data, f->buf, f->size);

    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        const struct pkt *s = segs[i];
        size_t len = NF_MIN(mss, payload - i * mss);
        const uint8_t *b = s->data;
        const uint8_t *ip = b + f->l3, *l4 = b + f->l4;

        assert_int_equal(s->size, f->hdr_len + len);
        /* L2, VLAN tags included, unchanged. */
        assert_memory_equal(b, f->buf, f->l3);
        if (f->ipv6) {
            assert_int_equal(get16(ip + 4), s->size - f->l3 - 40);
            assert_memory_equal(ip, oip, 4);
            assert_memory_equal(ip + 6, oip + 6, 34);
        } else {
            assert_int_equal(get16(ip + 2), s->size - f->l3);
            assert_int_equal(get16(ip + 4), (uint16_t) (get16(oip + 4) + i));
            assert_memory_equal(ip, oip, 2);
            assert_memory_equal(ip + 6, oip + 6, 4);
            assert_memory_equal(ip + 12, oip + 12, 8);
            assert_int_equal(fold(sum_bytes(0, ip, 20)), 0xffff);
        }
        if (f->proto == IPPROTO_TCP) {
            uint8_t flags = ol4[13];
            if (i + 1 < n) {
                flags &= (uint8_t) ~(TCP_F_FIN | TCP_F_PSH);
            }
            if (i) {
                flags &= (uint8_t) ~TCP_F_CWR;
            }
            assert_memory_equal(l4, ol4, 4);
            assert_int_equal(get32(l4 + 4),
                             (uint32_t) (get32(ol4 + 4) + i * mss));
            assert_memory_equal(l4 + 8, ol4 + 8, 5);
            assert_int_equal(l4[13], flags);
            assert_memory_equal(l4 + 14, ol4 + 14, 2);
            assert_memory_equal(l4 + 18, ol4 + 18, f->hdr_len - f->l4 - 18);
        } else {
            assert_memory_equal(l4, ol4, 4);
            assert_int_equal(get16(l4 + 4), s->size - f->l4);
        }
        assert_l4_csum_ok(b, s->size, f->l3, f->l4, f->ipv6, f->proto);

        /* The payloads, in order, are the original's. */
        assert_memory_equal(b + f->hdr_len, f->buf + f->hdr_len + total, len);
        total += len;

        /* Metadata. */
        assert_int_equal(s->in_port, 7);
        assert_int_equal(s->mark, 0xcafe);
        assert_int_equal(s->recirc_id, 3);
        assert_int_equal(s->dp_hash, 0x12345678);
        assert_memory_equal(&s->tunnel, &tun, sizeof tun);
    }
    assert_int_equal(total, payload);
    free_segs(segs, n);
    pkt_delete(p);
}

/* ---------------------------------------------------------------------
 * Segmentation.
 * --------------------------------------------------------------------- */

static void
test_tcpv4_even(void **state)
{
    (void) state;
    struct frame f;
    build(&f, &(struct spec){ .proto = IPPROTO_TCP,
                              .payload = 3000,
                              .tcp_flags = TCP_F_ACK | TCP_F_PSH | TCP_F_FIN
                                           | TCP_F_CWR,
                              .ip_id = 0x1234,
                              .seq = 1000000 });
    struct virtio_net_hdr vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_TCPV4, 1000);
    segment_and_check(&f, &vh, 3);

    /* Spot checks of what segment_and_check() derives. */
    struct pkt *p = pkt_from_data(f.buf, f.size);
    struct pkt **segs;
    assert_int_equal(netdev_gso_segment(p, &vh, &segs), 3);
    const size_t l4 = 34;
    assert_int_equal(segs[0]->size, 54 + 1000);
    assert_int_equal(get16(segs[0]->data + 16), 20 + 20 + 1000);
    assert_int_equal(get16(segs[1]->data + 18), 0x1235);
    assert_int_equal(get16(segs[2]->data + 18), 0x1236);
    assert_int_equal(get32(segs[0]->data + l4 + 4), 1000000);
    assert_int_equal(get32(segs[1]->data + l4 + 4), 1001000);
    assert_int_equal(get32(segs[2]->data + l4 + 4), 1002000);
    assert_int_equal(segs[0]->data[l4 + 13], TCP_F_ACK | TCP_F_CWR);
    assert_int_equal(segs[1]->data[l4 + 13], TCP_F_ACK);
    assert_int_equal(segs[2]->data[l4 + 13],
                     TCP_F_ACK | TCP_F_PSH | TCP_F_FIN);
    free_segs(segs, 3);
    pkt_delete(p);
    frame_free(&f);
}

static void
test_tcpv4_remainder(void **state)
{
    (void) state;
    struct frame f;

    /* 2500 bytes in 1000-byte segments: 1000, 1000, 500. */
    build(&f, &(struct spec){ .proto = IPPROTO_TCP,
                              .payload = 2500,
                              .tcp_flags = TCP_F_ACK | TCP_F_PSH,
                              .ip_id = 7,
                              .seq = 42 });
    struct virtio_net_hdr vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_TCPV4, 1000);
    segment_and_check(&f, &vh, 3);
    struct pkt *p = pkt_from_data(f.buf, f.size);
    struct pkt **segs;
    assert_int_equal(netdev_gso_segment(p, &vh, &segs), 3);
    assert_int_equal(segs[2]->size, 54 + 500);
    assert_int_equal(get16(segs[2]->data + 16), 20 + 20 + 500);
    free_segs(segs, 3);
    pkt_delete(p);
    frame_free(&f);

    /* An odd last segment (checksum over an odd length) and TCP options
     * (a 32-byte header copied into every segment). */
    build(&f, &(struct spec){ .proto = IPPROTO_TCP,
                              .payload = 2501,
                              .tcp_opts = 12,
                              .tcp_flags = TCP_F_ACK,
                              .ip_id = 99,
                              .seq = 5 });
    vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_TCPV4, 1000);
    segment_and_check(&f, &vh, 3);
    frame_free(&f);

    /* An MSS that is not even. */
    build(&f, &(struct spec){ .proto = IPPROTO_TCP,
                              .payload = 4000,
                              .tcp_flags = TCP_F_ACK | TCP_F_FIN });
    vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_TCPV4, 1447);
    segment_and_check(&f, &vh, 3);
    frame_free(&f);
}

static void
test_tcpv6_vlan(void **state)
{
    (void) state;
    struct frame f;

    /* Ethernet + 802.1Q + IPv6 + TCP: 1440, 1440, 1120. */
    build(&f, &(struct spec){ .ipv6 = true,
                              .n_vlans = 1,
                              .proto = IPPROTO_TCP,
                              .payload = 4000,
                              .tcp_opts = 12,
                              .tcp_flags = TCP_F_ACK | TCP_F_PSH | TCP_F_CWR,
                              .seq = 0x10000 });
    assert_int_equal(f.l3, 18);
    struct virtio_net_hdr vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_TCPV6, 1440);
    segment_and_check(&f, &vh, 3);

    struct pkt *p = pkt_from_data(f.buf, f.size);
    struct pkt **segs;
    assert_int_equal(netdev_gso_segment(p, &vh, &segs), 3);
    assert_int_equal(get16(segs[0]->data + 18 + 4), 32 + 1440);
    assert_int_equal(get16(segs[2]->data + 18 + 4), 32 + 1120);
    free_segs(segs, 3);
    pkt_delete(p);
    frame_free(&f);

    /* 802.1ad + 802.1Q + IPv4. */
    build(&f, &(struct spec){ .n_vlans = 2,
                              .proto = IPPROTO_TCP,
                              .payload = 3000,
                              .tcp_flags = TCP_F_ACK });
    vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_TCPV4, 1000);
    segment_and_check(&f, &vh, 3);
    frame_free(&f);
}

static void
test_tcp_wraparound(void **state)
{
    (void) state;
    struct frame f;

    /* The IPv4 id and the sequence number wrap. */
    build(&f, &(struct spec){ .proto = IPPROTO_TCP,
                              .payload = 3000,
                              .tcp_flags = TCP_F_ACK,
                              .ip_id = 0xffff,
                              .seq = 0xfffffc00 });
    struct virtio_net_hdr vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_TCPV4, 1000);
    segment_and_check(&f, &vh, 3);
    struct pkt *p = pkt_from_data(f.buf, f.size);
    struct pkt **segs;
    assert_int_equal(netdev_gso_segment(p, &vh, &segs), 3);
    assert_int_equal(get16(segs[1]->data + 18), 0);
    assert_int_equal(get32(segs[1]->data + 34 + 4), 0xffffffe8u);
    assert_int_equal(get32(segs[2]->data + 34 + 4), 2000 - 1024);
    free_segs(segs, 3);
    pkt_delete(p);
    frame_free(&f);
}

static void
test_tcp_single_segment(void **state)
{
    (void) state;
    struct frame f;

    /* No more payload than one MSS: one segment, which only differs from
     * the super-frame in its finished checksum. */
    build(&f, &(struct spec){ .proto = IPPROTO_TCP,
                              .payload = 999,
                              .tcp_flags = TCP_F_ACK | TCP_F_PSH | TCP_F_FIN
                                           | TCP_F_CWR,
                              .ip_id = 5,
                              .seq = 77 });
    struct virtio_net_hdr vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_TCPV4, 1000);
    segment_and_check(&f, &vh, 1);
    struct pkt *p = pkt_from_data(f.buf, f.size);
    struct pkt **segs;
    assert_int_equal(netdev_gso_segment(p, &vh, &segs), 1);
    assert_memory_equal(segs[0]->data, f.buf, f.l4 + 16);
    assert_memory_equal(segs[0]->data + f.l4 + 18, f.buf + f.l4 + 18,
                        f.size - f.l4 - 18);
    free_segs(segs, 1);
    pkt_delete(p);
    frame_free(&f);

    /* Exactly one MSS, and a bare header (no payload at all). */
    build(&f, &(struct spec){ .ipv6 = true,
                              .proto = IPPROTO_TCP,
                              .payload = 1000,
                              .tcp_flags = TCP_F_ACK });
    vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_TCPV6, 1000);
    segment_and_check(&f, &vh, 1);
    frame_free(&f);
    build(&f, &(struct spec){ .proto = IPPROTO_TCP,
                              .payload = 0,
                              .tcp_flags = TCP_F_ACK | TCP_F_FIN });
    vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_TCPV4, 1000);
    segment_and_check(&f, &vh, 1);
    frame_free(&f);
}

static void
test_tcp_ecn_and_small_mss(void **state)
{
    (void) state;
    struct frame f;

    /* The ECN bit of gso_type does not change the cut. */
    build(&f, &(struct spec){ .proto = IPPROTO_TCP,
                              .payload = 2000,
                              .tcp_flags = TCP_F_ACK | TCP_F_CWR });
    struct virtio_net_hdr vh =
        gso_hdr(&f, VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN, 1000);
    segment_and_check(&f, &vh, 2);
    frame_free(&f);

    /* MSS 1: one byte per segment. */
    build(&f, &(struct spec){ .ipv6 = true,
                              .proto = IPPROTO_TCP,
                              .payload = 37,
                              .tcp_flags = TCP_F_ACK | TCP_F_PSH });
    vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_TCPV6, 1);
    segment_and_check(&f, &vh, 37);
    frame_free(&f);
}

static void
test_udp_l4(void **state)
{
    (void) state;
    struct frame f;

    /* IPv4 + UDP, 2500 bytes in 1000-byte datagrams. */
    build(&f, &(struct spec){
                  .proto = IPPROTO_UDP, .payload = 2500, .ip_id = 0x4000 });
    struct virtio_net_hdr vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_UDP_L4, 1000);
    segment_and_check(&f, &vh, 3);
    struct pkt *p = pkt_from_data(f.buf, f.size);
    struct pkt **segs;
    assert_int_equal(netdev_gso_segment(p, &vh, &segs), 3);
    assert_int_equal(get16(segs[0]->data + 34 + 4), 1008);
    assert_int_equal(get16(segs[1]->data + 34 + 4), 1008);
    assert_int_equal(get16(segs[2]->data + 34 + 4), 508);
    assert_int_equal(get16(segs[2]->data + 16), 20 + 508);
    assert_int_equal(get16(segs[2]->data + 18), 0x4002);
    free_segs(segs, 3);
    pkt_delete(p);
    frame_free(&f);

    /* IPv6 + 802.1Q + UDP, odd sizes. */
    build(&f, &(struct spec){ .ipv6 = true,
                              .n_vlans = 1,
                              .proto = IPPROTO_UDP,
                              .payload = 3333 });
    vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_UDP_L4, 1111);
    segment_and_check(&f, &vh, 3);
    frame_free(&f);
}

/* Sets the last two payload bytes of UDP frame F so that its complete UDP
 * checksum comes out as 0 (the sum, checksum field zero, is 0xffff). */
static void
make_udp_sum_ffff(struct frame *f)
{
    uint8_t *field = f->buf + f->l4 + 6, *last = f->buf + f->size - 2;

    set16(field, 0);
    set16(last, 0);
    uint16_t s = fold(sum_bytes(
        pseudo_sum(f->buf + f->l3, f->ipv6, IPPROTO_UDP, f->size - f->l4),
        f->buf + f->l4, f->size - f->l4));
    set16(last, (uint16_t) (0xffff - s));
    assert_int_equal(fold(sum_bytes(pseudo_sum(f->buf + f->l3, f->ipv6,
                                               IPPROTO_UDP, f->size - f->l4),
                                    f->buf + f->l4, f->size - f->l4)),
                     0xffff);
    put_partial_csum(f);
}

static void
test_udp_zero_csum_sent_as_ffff(void **state)
{
    (void) state;
    struct frame f;

    build(&f, &(struct spec){ .proto = IPPROTO_UDP, .payload = 100 });
    make_udp_sum_ffff(&f);
    struct virtio_net_hdr vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_UDP_L4, 1000);
    struct pkt *p = pkt_from_data(f.buf, f.size);
    struct pkt **segs;
    assert_int_equal(netdev_gso_segment(p, &vh, &segs), 1);
    assert_int_equal(get16(segs[0]->data + f.l4 + 6), 0xffff);
    free_segs(segs, 1);

    /* finish_csum too. */
    assert_true(netdev_gso_finish_csum(p, &vh));
    assert_int_equal(get16(p->data + f.l4 + 6), 0xffff);
    pkt_delete(p);
    frame_free(&f);
}

/* ---------------------------------------------------------------------
 * Checksum only.
 * --------------------------------------------------------------------- */

static void
check_finish(const struct spec *s)
{
    struct frame f;

    build(&f, s);
    struct virtio_net_hdr vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_NONE, 0);
    struct pkt *p = frame_pkt(&f);
    size_t field = f.l4 + vh.csum_offset;

    assert_true(netdev_gso_finish_csum(p, &vh));
    assert_int_equal(p->size, f.size);
    assert_memory_equal(p->data, f.buf, field);
    assert_memory_equal(p->data + field + 2, f.buf + field + 2,
                        f.size - field - 2);
    assert_l4_csum_ok(p->data, p->size, f.l3, f.l4, f.ipv6, f.proto);

    /* Independently: the complement of pseudo-header + L4 with a zero
     * checksum field. */
    set16(f.buf + field, 0);
    uint16_t want = (uint16_t) ~fold(
        sum_bytes(pseudo_sum(f.buf + f.l3, f.ipv6, f.proto, f.size - f.l4),
                  f.buf + f.l4, f.size - f.l4));
    assert_int_equal(get16(p->data + field), want);
    assert_int_equal(p->in_port, 7);
    pkt_delete(p);
    frame_free(&f);
}

static void
test_finish_csum(void **state)
{
    (void) state;

    check_finish(&(struct spec){
        .proto = IPPROTO_TCP, .payload = 100, .tcp_flags = TCP_F_ACK });
    check_finish(&(struct spec){ .proto = IPPROTO_TCP,
                                 .payload = 1,
                                 .tcp_opts = 12,
                                 .tcp_flags = TCP_F_ACK });
    check_finish(&(struct spec){ .ipv6 = true,
                                 .n_vlans = 1,
                                 .proto = IPPROTO_TCP,
                                 .payload = 1401,
                                 .tcp_flags = TCP_F_ACK | TCP_F_PSH });
    check_finish(&(struct spec){ .proto = IPPROTO_UDP, .payload = 333 });
    check_finish(&(struct spec){
        .ipv6 = true, .n_vlans = 2, .proto = IPPROTO_UDP, .payload = 0 });
}

static void
test_finish_csum_not_needed(void **state)
{
    (void) state;
    struct frame f;

    build(&f, &(struct spec){ .proto = IPPROTO_TCP,
                              .payload = 100,
                              .tcp_flags = TCP_F_ACK });
    struct virtio_net_hdr vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_NONE, 0);
    struct pkt *p = pkt_from_data(f.buf, f.size);

    /* Without NEEDS_CSUM: nothing to do, whatever the offsets say. */
    vh.flags = 0;
    assert_true(netdev_gso_finish_csum(p, &vh));
    assert_memory_equal(p->data, f.buf, f.size);
    vh.csum_start = 60000;
    assert_true(netdev_gso_finish_csum(p, &vh));
    assert_memory_equal(p->data, f.buf, f.size);
    pkt_delete(p);
    frame_free(&f);
}

static void
test_finish_csum_bad_offsets(void **state)
{
    (void) state;
    struct frame f;

    build(&f, &(struct spec){ .proto = IPPROTO_TCP,
                              .payload = 10,
                              .tcp_flags = TCP_F_ACK });
    struct virtio_net_hdr vh = gso_hdr(&f, VIRTIO_NET_HDR_GSO_NONE, 0);
    struct pkt *p = pkt_from_data(f.buf, f.size);
    static const struct {
        uint16_t start, offset;
    } bad[] = {
        { 64, 0 },     /* csum_start at the end of the 64-byte frame. */
        { 65, 0 },     /* Beyond it. */
        { 60000, 16 }, /* Far beyond. */
        { 63, 0 },     /* The field would straddle the end. */
        { 34, 29 },    /* Field at 63..64. */
        { 34, 65535 }, /* Field far beyond. */
    };

    assert_int_equal(f.size, 64);
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        vh.csum_start = bad[i].start;
        vh.csum_offset = bad[i].offset;
        assert_false(netdev_gso_finish_csum(p, &vh));
        assert_memory_equal(p->data, f.buf, f.size);
    }

    /* The last two bytes are a field that fits. */
    vh.csum_start = 34;
    vh.csum_offset = 28;
    assert_true(netdev_gso_finish_csum(p, &vh));
    pkt_delete(p);

    /* An empty frame. */
    p = pkt_from_data(NULL, 0);
    vh.csum_start = 0;
    vh.csum_offset = 0;
    assert_false(netdev_gso_finish_csum(p, &vh));
    pkt_delete(p);
    frame_free(&f);
}

/* ---------------------------------------------------------------------
 * Frames the header does not describe.
 * --------------------------------------------------------------------- */

enum bad_kind {
    BAD_START_BEYOND,   /* csum_start past the end. */
    BAD_START_NEAR_END, /* csum_start + 8 past the end. */
    BAD_START_AT_L3,    /* csum_start is the IP header. */
    BAD_START_ZERO,
    BAD_START_IN_IPV4, /* csum_start inside the 20-byte IPv4 header. */
    BAD_START_IN_IPV6, /* csum_start inside the 40-byte IPv6 header. */
    BAD_MSS_ZERO,
    BAD_ARP,             /* EtherType ARP. */
    BAD_THREE_VLANS,     /* A third tag where IP should be. */
    BAD_TCP_TRUNCATED,   /* Frame ends inside the TCP header. */
    BAD_TCP_DOFF_BEYOND, /* Data offset past the end of the frame. */
    BAD_GSO_NONE,
    BAD_GSO_UDP_UFO, /* VIRTIO_NET_HDR_GSO_UDP (UFO): not supported. */
    BAD_GSO_UNKNOWN,
    BAD_TINY, /* Shorter than an Ethernet header. */
    BAD_EMPTY,
};

static const struct bad_case {
    enum bad_kind kind;
    bool ipv6;
    uint8_t proto;
} bad_cases[] = {
    { BAD_START_BEYOND, false, IPPROTO_TCP },
    { BAD_START_BEYOND, true, IPPROTO_UDP },
    { BAD_START_NEAR_END, false, IPPROTO_UDP },
    { BAD_START_AT_L3, false, IPPROTO_TCP },
    { BAD_START_AT_L3, true, IPPROTO_TCP },
    { BAD_START_ZERO, false, IPPROTO_UDP },
    { BAD_START_IN_IPV4, false, IPPROTO_TCP },
    { BAD_START_IN_IPV6, true, IPPROTO_TCP },
    { BAD_START_IN_IPV6, true, IPPROTO_UDP },
    { BAD_MSS_ZERO, false, IPPROTO_TCP },
    { BAD_MSS_ZERO, true, IPPROTO_UDP },
    { BAD_ARP, false, IPPROTO_TCP },
    { BAD_THREE_VLANS, false, IPPROTO_TCP },
    { BAD_TCP_TRUNCATED, false, IPPROTO_TCP },
    { BAD_TCP_TRUNCATED, true, IPPROTO_TCP },
    { BAD_TCP_DOFF_BEYOND, false, IPPROTO_TCP },
    { BAD_GSO_NONE, false, IPPROTO_TCP },
    { BAD_GSO_UDP_UFO, false, IPPROTO_UDP },
    { BAD_GSO_UNKNOWN, false, IPPROTO_TCP },
    { BAD_TINY, false, IPPROTO_TCP },
    { BAD_EMPTY, false, IPPROTO_TCP },
};

static void
test_segment_malformed(void **state)
{
    (void) state;

    for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
        const struct bad_case *c = &bad_cases[i];
        struct frame f;
        build(&f, &(struct spec){ .ipv6 = c->ipv6,
                                  .proto = c->proto,
                                  .payload = 300,
                                  .tcp_flags = TCP_F_ACK });
        uint8_t gso = c->proto == IPPROTO_UDP ? VIRTIO_NET_HDR_GSO_UDP_L4
                      : c->ipv6               ? VIRTIO_NET_HDR_GSO_TCPV6
                                              : VIRTIO_NET_HDR_GSO_TCPV4;
        struct virtio_net_hdr vh = gso_hdr(&f, gso, 100);
        size_t size = f.size;

        switch (c->kind) {
        case BAD_START_BEYOND:
            vh.csum_start = (uint16_t) (size + 100);
            break;
        case BAD_START_NEAR_END:
            vh.csum_start = (uint16_t) (size - 7);
            break;
        case BAD_START_AT_L3:
            vh.csum_start = (uint16_t) f.l3;
            break;
        case BAD_START_ZERO:
            vh.csum_start = 0;
            break;
        case BAD_START_IN_IPV4:
            vh.csum_start = (uint16_t) (f.l3 + 16);
            break;
        case BAD_START_IN_IPV6:
            vh.csum_start = (uint16_t) (f.l3 + 20);
            break;
        case BAD_MSS_ZERO:
            vh.gso_size = 0;
            break;
        case BAD_ARP:
            set16(f.buf + 12, 0x0806);
            break;
        case BAD_THREE_VLANS:
            /* Overwrite the IP header's start with tags: 12..25 are
             * 0x8100 tags, the "IP" header at 26 is never reached. */
            for (size_t ofs = 12; ofs < 24; ofs += 4) {
                set16(f.buf + ofs, 0x8100);
                set16(f.buf + ofs + 2, 1);
            }
            set16(f.buf + 24, 0x0800);
            vh.csum_start = 26 + 20;
            break;
        case BAD_TCP_TRUNCATED:
            size = f.l4 + 19;
            break;
        case BAD_TCP_DOFF_BEYOND:
            f.buf[f.l4 + 12] = 0xf0; /* 60 bytes. */
            size = f.l4 + 40;
            break;
        case BAD_GSO_NONE:
            vh.gso_type = VIRTIO_NET_HDR_GSO_NONE;
            break;
        case BAD_GSO_UDP_UFO:
            vh.gso_type = VIRTIO_NET_HDR_GSO_UDP;
            break;
        case BAD_GSO_UNKNOWN:
            vh.gso_type = 0x7f;
            break;
        case BAD_TINY:
            size = 13;
            vh.csum_start = 10;
            break;
        case BAD_EMPTY:
            size = 0;
            vh.csum_start = 0;
            break;
        }

        struct pkt *p = pkt_from_data(f.buf, size);
        struct pkt **segs = (struct pkt **) 1;
        size_t n = netdev_gso_segment(p, &vh, &segs);
        if (n) {
            free_segs(segs, n);
            fail_msg("bad case %zu (kind %d): %zu segments", i, c->kind, n);
        }
        assert_null(segs);
        assert_int_equal(p->size, size);
        assert_memory_equal(p->data, f.buf, size);
        pkt_delete(p);
        frame_free(&f);
    }
}

/* ---------------------------------------------------------------------
 * Coalescing (netdev-gro.c).
 * --------------------------------------------------------------------- */

/* The GSO type of IPv4 frame F. */
static uint8_t
gro_gso_type(const struct frame *f)
{
    return f->proto == IPPROTO_TCP ? VIRTIO_NET_HDR_GSO_TCPV4
                                   : VIRTIO_NET_HDR_GSO_UDP_L4;
}

/* Cuts the TCPv4 (built with flags ACK|PSH) or UDP/IPv4 super-frame F
 * into segments of MSS payload bytes with netdev_gso_segment(): complete
 * frames, each with its own checksums, as a tunnel's far end receives
 * them. */
static size_t
cut(const struct frame *f, uint16_t mss, struct pkt ***segsp)
{
    struct virtio_net_hdr vh = gso_hdr(f, gro_gso_type(f), mss);
    struct pkt *p = pkt_from_data(f->buf, f->size);
    size_t n = netdev_gso_segment(p, &vh, segsp);

    assert_int_not_equal(n, 0);
    pkt_delete(p);
    return n;
}

/* Asserts that RUNS (N_RUNS of them) have the sizes WANT[] (ending 0). */
static void
assert_runs(const struct netdev_gro_run *runs, size_t n_runs,
            const size_t *want)
{
    size_t first = 0, i = 0;

    for (; want[i]; i++) {
        assert_true(i < n_runs);
        assert_int_equal(runs[i].first, first);
        assert_int_equal(runs[i].n, want[i]);
        first += want[i];
    }
    assert_int_equal(n_runs, i);
}

/* Merging the segments of a super-frame gives back that super-frame, byte
 * for byte, with the virtio header it was cut with; cutting the merged
 * frame again gives the same segments. */
static void
gro_round_trip(uint8_t proto, size_t payload, size_t tcp_opts, uint16_t mss)
{
    struct frame f;
    build(&f, &(struct spec){ .proto = proto,
                              .payload = payload,
                              .tcp_opts = tcp_opts,
                              .tcp_flags = TCP_F_ACK | TCP_F_PSH,
                              .ip_id = 0x4321,
                              .seq = 0xfffff000 });
    struct pkt **segs;
    size_t n = cut(&f, mss, &segs);
    struct netdev_gro_run *runs = calloc(n, sizeof *runs);

    assert_int_equal(netdev_gro_plan(segs, n, runs, NULL), 1);
    assert_int_equal(runs[0].first, 0);
    assert_int_equal(runs[0].n, n);

    struct pkt *m = netdev_gro_assemble(&runs[0], segs);
    struct virtio_net_hdr got, want = gso_hdr(&f, gro_gso_type(&f), mss);
    assert_int_equal(m->size, f.size);
    assert_memory_equal(m->data, f.buf, f.size);
    assert_true(netdev_pkt_get_vnet_hdr(m, &got));
    assert_memory_equal(&got, &want, sizeof got);
    /* The header the port sends is the virtio header, then the frame's
     * first HDR_LEN bytes. */
    assert_int_equal(runs[0].hdr_len, sizeof got + f.hdr_len);
    assert_memory_equal(runs[0].hdr, &want, sizeof want);
    assert_memory_equal(runs[0].hdr + sizeof want, f.buf, f.hdr_len);
    pkt_delete(m);

    segment_and_check(&f, &want, n);
    free(runs);
    free_segs(segs, n);
    frame_free(&f);
}

static void
test_gro_round_trip(void **state)
{
    (void) state;
    gro_round_trip(IPPROTO_TCP, 4 * 1448, 0, 1448); /* Even. */
    /* Timestamps; a short tail. */
    gro_round_trip(IPPROTO_TCP, 3 * 1398 + 100, 12, 1398);
    gro_round_trip(IPPROTO_TCP, 2 * 500, 40, 500); /* Long options. */
    /* The largest merge that fits IP's 16-bit total length. */
    gro_round_trip(IPPROTO_TCP, 65535 - 20 - 20, 0, 1448);
    /* UDP: 64-byte frames' datagrams (22 bytes), and a short last one. */
    gro_round_trip(IPPROTO_UDP, 32 * 22, 0, 22);
    gro_round_trip(IPPROTO_UDP, 5 * 1000 + 1, 0, 1000);
}

/* Runs break where a segment may not join: a bad checksum, a gap, a
 * segment after PSH, another connection. */
static void
test_gro_breaks(void **state)
{
    (void) state;
    struct frame f, g;
    build(&f, &(struct spec){ .proto = IPPROTO_TCP,
                              .payload = 6 * 1000,
                              .tcp_flags = TCP_F_ACK | TCP_F_PSH,
                              .seq = 5000 });
    /* G follows F in sequence: only F's PSH separates them. */
    build(&g, &(struct spec){ .proto = IPPROTO_TCP,
                              .payload = 2 * 1000,
                              .tcp_flags = TCP_F_ACK | TCP_F_PSH,
                              .seq = 5000 + 6 * 1000 });
    struct pkt **fs, **gs;
    size_t nf = cut(&f, 1000, &fs), ng = cut(&g, 1000, &gs);
    struct pkt *batch[16];
    struct netdev_gro_run runs[16];
    assert_int_equal(nf, 6);
    assert_int_equal(ng, 2);

    /* F then G: two runs, PSH ends the first. */
    memcpy(batch, fs, 6 * sizeof *batch);
    memcpy(batch + 6, gs, 2 * sizeof *batch);
    assert_runs(runs, netdev_gro_plan(batch, 8, runs, NULL),
                (const size_t[]){ 6, 2, 0 });

    /* Only to a given Ethernet address (a veth's peer): the frames'
     * destination merges, another does not. */
    static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x02 };
    static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x03 };
    assert_runs(runs, netdev_gro_plan(fs, 6, runs, dst),
                (const size_t[]){ 6, 0 });
    assert_runs(runs, netdev_gro_plan(fs, 6, runs, other),
                (const size_t[]){ 1, 1, 1, 1, 1, 1, 0 });

    /* A corrupt payload byte in segment 2: it goes alone, unmerged, and
     * the rest does not follow on from segment 1 any more. */
    fs[2]->data[fs[2]->size - 1] ^= 0x40;
    assert_runs(runs, netdev_gro_plan(fs, 6, runs, NULL),
                (const size_t[]){ 2, 1, 3, 0 });
    fs[2]->data[fs[2]->size - 1] ^= 0x40;
    /* A corrupt IP header (TTL) with a stale checksum: the same. */
    fs[2]->data[14 + 8]--;
    assert_runs(runs, netdev_gro_plan(fs, 6, runs, NULL),
                (const size_t[]){ 2, 1, 3, 0 });
    fs[2]->data[14 + 8]++;

    /* A gap: segment 3 missing. */
    struct pkt *gap[5] = { fs[0], fs[1], fs[2], fs[4], fs[5] };
    assert_runs(runs, netdev_gro_plan(gap, 5, runs, NULL),
                (const size_t[]){ 3, 2, 0 });

    /* Out of order. */
    struct pkt *swapped[6] = { fs[0], fs[2], fs[1], fs[3], fs[4], fs[5] };
    assert_runs(runs, netdev_gro_plan(swapped, 6, runs, NULL),
                (const size_t[]){ 1, 1, 1, 3, 0 });

    /* Another connection's segment in between. */
    struct frame h;
    build(&h, &(struct spec){ .proto = IPPROTO_TCP,
                              .payload = 1000,
                              .tcp_flags = TCP_F_ACK,
                              .seq = 5000 + 3000 });
    set16(h.buf + h.l4, 40001); /* Another source port. */
    struct pkt *hp = pkt_from_data(h.buf, h.size);
    struct virtio_net_hdr hv = gso_hdr(&h, VIRTIO_NET_HDR_GSO_NONE, 0);
    struct pkt *mixed[7] = { fs[0], fs[1], fs[2], hp, fs[3], fs[4], fs[5] };
    /* H's checksum is partial: vouched for by its header, it would be
     * merged if it belonged; it does not. */
    struct pkt *hpn = netdev_pkt_new(h.size);
    pkt_put(hpn, h.buf, h.size);
    assert_int_equal(netdev_pkt_set_vnet_hdr(hpn, &hv), 0);
    mixed[3] = hpn;
    assert_runs(runs, netdev_gro_plan(mixed, 7, runs, NULL),
                (const size_t[]){ 3, 1, 3, 0 });
    /* ...and the same with H's checksum left partial and no header: not
     * verifiable, so not merged with anything. */
    mixed[3] = hp;
    assert_runs(runs, netdev_gro_plan(mixed, 7, runs, NULL),
                (const size_t[]){ 3, 1, 3, 0 });
    pkt_delete(hp);
    pkt_delete(hpn);
    frame_free(&h);

    free_segs(fs, nf);
    free_segs(gs, ng);
    frame_free(&f);
    frame_free(&g);
}

/* Every field Linux's GRO compares breaks a run when it differs; so do
 * flags other than ACK/PSH, a missing DF, IP options, IPv6 and UDP. */
static void
test_gro_field_mismatch(void **state)
{
    (void) state;
    enum {
        ACK,
        WINDOW,
        TOS,
        TTL,
        MAC,
        OPTS,
        SYN_FLAG,
        NO_DF,
        SHORT_FIRST,
        N_KINDS
    };

    for (int kind = 0; kind < N_KINDS; kind++) {
        struct frame f;
        build(&f, &(struct spec){ .proto = IPPROTO_TCP,
                                  .payload = 3 * 800,
                                  .tcp_opts = 12,
                                  .tcp_flags = TCP_F_ACK | TCP_F_PSH,
                                  .seq = 77 });
        struct pkt **segs;
        size_t n = cut(&f, 800, &segs);
        struct netdev_gro_run runs[3];
        uint8_t *b = segs[1]->data, *ip = b + 14, *th = b + 34;
        static const size_t alone[] = { 1, 1, 1, 0 };
        static const size_t cut_short[] = { 2, 1, 0 };
        const size_t *want = alone;
        assert_int_equal(n, 3);

        switch (kind) {
        case ACK:
            th[11]++;
            break;
        case WINDOW:
            th[15]++;
            break;
        case TOS:
            ip[1] ^= 0x04;
            break;
        case TTL:
            ip[8]--;
            break;
        case MAC:
            b[5] ^= 1;
            break;
        case OPTS:
            th[31]++;
            break; /* The timestamp's echo reply. */
        case SYN_FLAG:
            th[13] |= 0x02;
            break;
        case NO_DF:
            ip[6] &= (uint8_t) ~0x40;
            break;
        case SHORT_FIRST:
            /* Segment 1 one byte short: it ends the run; 2 is then out
             * of sequence. */
            segs[1]->size--;
            set16(ip + 2, (uint16_t) (get16(ip + 2) - 1));
            want = cut_short;
            break;
        }
        /* Checksums made good again, so that only the field differs. */
        set16(ip + 10, 0);
        set16(ip + 10, (uint16_t) ~fold(sum_bytes(0, ip, 20)));
        set16(th + 16, 0);
        set16(th + 16,
              (uint16_t) ~fold(sum_bytes(
                  pseudo_sum(ip, false, IPPROTO_TCP, segs[1]->size - 34), th,
                  segs[1]->size - 34)));
        /* 0 and 2 still match each other, but 1 is between them. */
        print_message("kind %d\n", kind);
        assert_runs(runs, netdev_gro_plan(segs, n, runs, NULL), want);
        free_segs(segs, n);
        frame_free(&f);
    }

    /* IPv6: never merged (only IPv4 is). */
    static const struct spec others[] = {
        { .ipv6 = true,
          .proto = IPPROTO_TCP,
          .payload = 2000,
          .tcp_flags = TCP_F_ACK,
          .seq = 1 },
        { .ipv6 = true, .proto = IPPROTO_UDP, .payload = 2000 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(others); i++) {
        struct frame f;
        build(&f, &others[i]);
        uint8_t type = others[i].proto == IPPROTO_UDP
                           ? VIRTIO_NET_HDR_GSO_UDP_L4
                           : VIRTIO_NET_HDR_GSO_TCPV6;
        struct virtio_net_hdr vh = gso_hdr(&f, type, 500);
        struct pkt *p = pkt_from_data(f.buf, f.size), **segs;
        size_t n = netdev_gso_segment(p, &vh, &segs);
        struct netdev_gro_run runs[4];
        assert_int_equal(n, 4);
        assert_runs(runs, netdev_gro_plan(segs, n, runs, NULL),
                    (const size_t[]){ 1, 1, 1, 1, 0 });
        free_segs(segs, n);
        pkt_delete(p);
        frame_free(&f);
    }
}

/* UDP datagrams of one flow merge while they are as long as the first;
 * another flow, a bad checksum, a longer datagram or one after a shorter
 * one break the run; a datagram without a checksum merges. */
static void
test_gro_udp(void **state)
{
    (void) state;
    struct frame f;
    build(&f, &(struct spec){ .proto = IPPROTO_UDP, .payload = 8 * 22 });
    struct pkt **segs;
    size_t n = cut(&f, 22, &segs);
    struct netdev_gro_run runs[8];
    assert_int_equal(n, 8);

    assert_runs(runs, netdev_gro_plan(segs, n, runs, NULL),
                (const size_t[]){ 8, 0 });

    /* Datagram 3 to another port: alone; the rest merge around it. */
    uint8_t *u = segs[3]->data + 34;
    set16(u + 2, 6001);
    set16(u + 6, 0);
    set16(u + 6,
          (uint16_t) ~fold(sum_bytes(
              pseudo_sum(segs[3]->data + 14, false, IPPROTO_UDP, 30), u, 30)));
    assert_runs(runs, netdev_gro_plan(segs, n, runs, NULL),
                (const size_t[]){ 3, 1, 4, 0 });
    /* Its checksum dropped (zero: none): it still goes alone, another
     * flow. */
    set16(u + 6, 0);
    assert_runs(runs, netdev_gro_plan(segs, n, runs, NULL),
                (const size_t[]){ 3, 1, 4, 0 });
    /* Back on the flow, without a checksum: it merges. */
    set16(u + 2, 6000);
    assert_runs(runs, netdev_gro_plan(segs, n, runs, NULL),
                (const size_t[]){ 8, 0 });
    /* A corrupt payload byte with the checksum left as it was. */
    segs[5]->data[segs[5]->size - 1] ^= 1;
    assert_runs(runs, netdev_gro_plan(segs, n, runs, NULL),
                (const size_t[]){ 5, 1, 2, 0 });
    segs[5]->data[segs[5]->size - 1] ^= 1;
    /* A UDP length that disagrees with the IP length. */
    set16(segs[6]->data + 34 + 4, 29);
    assert_runs(runs, netdev_gro_plan(segs, n, runs, NULL),
                (const size_t[]){ 6, 1, 1, 0 });
    free_segs(segs, n);
    frame_free(&f);

    /* 70 datagrams: a run stops at 64, the most Linux takes in one UDP
     * GSO frame from a packet socket. */
    build(&f, &(struct spec){ .proto = IPPROTO_UDP, .payload = 70 * 22 });
    n = cut(&f, 22, &segs);
    assert_int_equal(n, 70);
    struct netdev_gro_run many[70];
    assert_runs(many, netdev_gro_plan(segs, n, many, NULL),
                (const size_t[]){ 64, 6, 0 });
    free_segs(segs, n);
    frame_free(&f);

    /* Datagrams of 100, 100, 40, 100 bytes: the 40 ends the first run. */
    struct frame a, b;
    build(&a, &(struct spec){ .proto = IPPROTO_UDP, .payload = 240 });
    build(&b, &(struct spec){ .proto = IPPROTO_UDP, .payload = 100 });
    struct pkt **as, **bs;
    assert_int_equal(cut(&a, 100, &as), 3);
    assert_int_equal(cut(&b, 100, &bs), 1);
    struct pkt *batch[4] = { as[0], as[1], as[2], bs[0] };
    assert_runs(runs, netdev_gro_plan(batch, 4, runs, NULL),
                (const size_t[]){ 3, 1, 0 });
    /* 40 then 100: longer than the first, so apart. */
    struct pkt *rev[2] = { as[2], bs[0] };
    assert_runs(runs, netdev_gro_plan(rev, 2, runs, NULL),
                (const size_t[]){ 1, 1, 0 });
    free_segs(as, 3);
    free_segs(bs, 1);
    frame_free(&a);
    frame_free(&b);
}

/* Segments whose checksum a local sender left to the device (virtio
 * F_NEEDS_CSUM) merge without a check; a super-frame does not merge with
 * anything; the 64 KB limit starts a new run. */
static void
test_gro_vnet(void **state)
{
    (void) state;
    struct frame f;
    build(&f, &(struct spec){ .proto = IPPROTO_TCP,
                              .payload = 50 * 1448,
                              .tcp_flags = TCP_F_ACK,
                              .seq = 9 });
    struct pkt **segs;
    size_t n = cut(&f, 1448, &segs);
    struct netdev_gro_run *runs = calloc(n, sizeof *runs);
    assert_int_equal(n, 50);

    /* 45 segments of 1448 bytes fit 65535 - 40 bytes; the 46th does not. */
    assert_runs(runs, netdev_gro_plan(segs, n, runs, NULL),
                (const size_t[]){ 45, 5, 0 });

    /* Partial checksums with their headers: merged as they are. */
    struct pkt *part[3];
    for (size_t i = 0; i < 3; i++) {
        struct virtio_net_hdr vh = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
                                     .csum_start = 34,
                                     .csum_offset = 16 };
        part[i] = netdev_pkt_new(segs[i]->size);
        pkt_put(part[i], segs[i]->data, segs[i]->size);
        set16(part[i]->data + 34 + 16, 0x1234); /* Not a checksum. */
        assert_int_equal(netdev_pkt_set_vnet_hdr(part[i], &vh), 0);
    }
    assert_runs(runs, netdev_gro_plan(part, 3, runs, NULL),
                (const size_t[]){ 3, 0 });
    /* ...but not with a csum_offset that is not TCP's. */
    struct virtio_net_hdr odd = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
                                  .csum_start = 34,
                                  .csum_offset = 6 };
    netdev_pkt_set_vnet_hdr(part[1], &odd);
    assert_runs(runs, netdev_gro_plan(part, 3, runs, NULL),
                (const size_t[]){ 1, 1, 1, 0 });
    /* A GSO super-frame of its own is left alone. */
    struct virtio_net_hdr gso = gso_hdr(&f, VIRTIO_NET_HDR_GSO_TCPV4, 700);
    gso.csum_start = 34;
    netdev_pkt_set_vnet_hdr(part[1], &gso);
    assert_runs(runs, netdev_gro_plan(part, 3, runs, NULL),
                (const size_t[]){ 1, 1, 1, 0 });
    /* One packet: one run of one. */
    assert_runs(runs, netdev_gro_plan(part, 1, runs, NULL),
                (const size_t[]){ 1, 0 });
    for (size_t i = 0; i < 3; i++) {
        pkt_delete(part[i]);
    }

    free(runs);
    free_segs(segs, n);
    frame_free(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcpv4_even),
        cmocka_unit_test(test_tcpv4_remainder),
        cmocka_unit_test(test_tcpv6_vlan),
        cmocka_unit_test(test_tcp_wraparound),
        cmocka_unit_test(test_tcp_single_segment),
        cmocka_unit_test(test_tcp_ecn_and_small_mss),
        cmocka_unit_test(test_udp_l4),
        cmocka_unit_test(test_udp_zero_csum_sent_as_ffff),
        cmocka_unit_test(test_finish_csum),
        cmocka_unit_test(test_finish_csum_not_needed),
        cmocka_unit_test(test_finish_csum_bad_offsets),
        cmocka_unit_test(test_segment_malformed),
        cmocka_unit_test(test_gro_round_trip),
        cmocka_unit_test(test_gro_breaks),
        cmocka_unit_test(test_gro_field_mismatch),
        cmocka_unit_test(test_gro_vnet),
        cmocka_unit_test(test_gro_udp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
