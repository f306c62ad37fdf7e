/* libFuzzer target for the software offloads of softpath/netdev-gso.c:
 * netdev_gso_segment() and netdev_gso_finish_csum().
 *
 * The input is a struct virtio_net_hdr in host byte order (flags, gso_type,
 * hdr_len, gso_size, csum_start, csum_offset: 10 bytes) followed by the
 * frame.  The frame goes into a packet without tailroom (pkt_from_data()),
 * so a read or write even one byte past it is caught by AddressSanitizer.
 * Besides the sanitizers' checks, these properties are checked and a
 * violation aborts:
 *   - segmentation leaves the original frame and its size unchanged;
 *   - it returns 0 with a null array, or N segments, each no longer than
 *     the original and with the original's metadata, all fully readable;
 *     the segments share one header length H (the first H bytes of the
 *     first segment's L2 header are the original's, and the payloads, in
 *     order, are the original's bytes after H);
 *   - finishing the checksum of a copy changes at most the two bytes of
 *     the checksum field, and nothing when it fails or is not asked for. */
#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/packet.h"
#include "softpath/netdev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(COND)                                                          \
    do {                                                                     \
        if (!(COND)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #COND);                                                  \
            abort();                                                         \
        }                                                                    \
    } while (0)

/* Reads every byte of P, so ASan sees any segment shorter than its size. */
static uint32_t
touch(const struct pkt *p)
{
    uint32_t sum = 0;

    for (size_t i = 0; i < p->size; i++) {
        sum += p->data[i];
    }
    return sum;
}

static void
check_segments(const struct pkt *p, const struct virtio_net_hdr *vh,
               struct pkt **segs, size_t n)
{
    size_t total = 0, hdr = 0;
    volatile uint32_t sink = 0;

    CHECK(segs);
    /* The header length: every segment has the same one, and all but the
     * last carry exactly gso_size payload bytes.  A single segment is the
     * whole frame. */
    if (n > 1) {
        CHECK(segs[0]->size > vh->gso_size);
        hdr = segs[0]->size - vh->gso_size;
    } else {
        CHECK(segs[0]->size == p->size);
        hdr = segs[0]->size;
    }
    for (size_t i = 0; i < n; i++) {
        const struct pkt *s = segs[i];

        CHECK(s);
        CHECK(s->size <= p->size);
        CHECK(s->size >= hdr);
        CHECK(i + 1 == n || s->size == hdr + vh->gso_size);
        CHECK(s->size - hdr <= vh->gso_size);
        CHECK(n == 1 || s->size > hdr);
        CHECK(s->in_port == p->in_port && s->mark == p->mark
              && s->recirc_id == p->recirc_id && s->dp_hash == p->dp_hash);
        CHECK(!memcmp(&s->tunnel, &p->tunnel, sizeof s->tunnel));
        /* The Ethernet addresses and type are copied unchanged. */
        CHECK(s->size < 14 || !memcmp(s->data, p->data, 14));
        CHECK(hdr + total + (s->size - hdr) <= p->size);
        CHECK(!memcmp(s->data + hdr, p->data + hdr + total, s->size - hdr));
        total += s->size - hdr;
        sink += touch(s);
    }
    CHECK(hdr + total == p->size);
    (void) sink;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct virtio_net_hdr vh;

    if (size < sizeof vh) {
        return 0;
    }
    memcpy(&vh, data, sizeof vh);
    data += sizeof vh;
    size -= sizeof vh;

    struct pkt *p = pkt_from_data(data, size);
    p->in_port = 3;
    p->mark = 0x55;
    p->recirc_id = 2;
    p->dp_hash = 0xabcd;
    p->tunnel.ip_dst = 0x01020304;
    p->tunnel.tun_id = 0x77;

    /* Segmentation. */
    struct pkt **segs = (struct pkt **) &vh; /* Must be overwritten. */
    size_t n = netdev_gso_segment(p, &vh, &segs);
    CHECK(p->size == size);
    CHECK(!size || !memcmp(p->data, data, size));
    if (n) {
        check_segments(p, &vh, segs, n);
        for (size_t i = 0; i < n; i++) {
            pkt_delete(segs[i]);
        }
        free(segs);
    } else {
        CHECK(!segs);
    }

    /* Checksum only, on a copy. */
    struct pkt *c = pkt_clone(p);
    size_t field = (size_t) vh.csum_start + vh.csum_offset;
    if (netdev_gso_finish_csum(c, &vh)
        && (vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
        CHECK(c->size == size);
        CHECK(field + 2 <= size);
        CHECK(!memcmp(c->data, data, field));
        CHECK(
            !memcmp(c->data + field + 2, data + field + 2, size - field - 2));
    } else {
        CHECK(c->size == size);
        CHECK(!size || !memcmp(c->data, data, size));
    }
    pkt_delete(c);
    pkt_delete(p);
    return 0;
}
