/* libFuzzer target for the send-side coalescing of softpath/netdev-gro.c:
 * netdev_gro_plan() and netdev_gro_assemble().
 *
 * The input is a control byte, then up to MAX_PKTS packets, each a 2-byte
 * length (big-endian), a virtio flags byte (bit 0: the packet gets a
 * virtio net header with F_NEEDS_CSUM at the L4 checksum field, UDP's if
 * the IP protocol byte says UDP, else TCP's; bit 1: with F_DATA_VALID;
 * bit 2: a GSO TCPV4 header) and that many frame bytes.  Bit 1 of the
 * control byte lets only frames to the first frame's destination merge
 * (checked).  Bit 0 of the
 * control byte makes the harness fill in the IPv4 header and L4 checksums
 * of every frame that looks like TCP or UDP over IPv4 first, so that the
 * fuzzer reaches the merging paths without having to guess checksums.
 * Frames go into packets without tailroom, so ASan catches a read past one.
 * Checked besides the sanitizers' checks (a violation aborts):
 *   - the runs cover the batch in order, each of at least one packet;
 *   - the packets are not changed;
 *   - a merged run assembles into a frame of the expected size, with a
 *     valid IPv4 header checksum and a TCPV4 or UDP_L4 virtio header, which
 *     netdev_gso_segment() cuts back into exactly the run's payloads. */
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

#define MAX_PKTS 16

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

#define CHECK(COND)                                                          \
    do {                                                                     \
        if (!(COND)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #COND);                                                  \
            abort();                                                         \
        }                                                                    \
    } while (0)

/* Fills in the IPv4 header checksum and the TCP or UDP checksum of P if
 * it looks like TCP or UDP over IPv4 without options. */
static void
fix_csums(struct pkt *p)
{
    uint8_t *d = p->data;

    if (p->size < 14 + 20 + 20 || pkt_get_be16(d + 12) != 0x0800
        || d[14] != 0x45 || (d[14 + 9] != 6 && d[14 + 9] != 17)) {
        return;
    }
    uint8_t proto = d[14 + 9];
    size_t field = 34 + (proto == 6 ? 16 : 6);
    uint16_t zero = 0;
    memcpy(d + 14 + 10, &zero, 2);
    uint16_t ipsum = pkt_csum_finish(pkt_csum_add(0, d + 14, 20));
    memcpy(d + 14 + 10, &ipsum, 2);

    uint32_t src, dst;
    memcpy(&src, d + 14 + 12, 4);
    memcpy(&dst, d + 14 + 16, 4);
    memcpy(d + field, &zero, 2);
    uint32_t sum = pkt_csum_pseudo_ipv4(src, dst, proto, p->size - 34);
    uint16_t tsum = pkt_csum_finish(pkt_csum_add(sum, d + 34, p->size - 34));
    memcpy(d + field, &tsum, 2);
}

static void
check_run(const struct netdev_gro_run *run, struct pkt *const *pkts)
{
    struct virtio_net_hdr vh;
    size_t want = run->hdr_len - sizeof vh;

    CHECK(run->hdr_len > sizeof vh && run->hdr_len <= NETDEV_GRO_HDR_MAX);
    for (size_t k = 0; k < run->n; k++) {
        CHECK(pkts[run->first + k]->size > run->payload_ofs);
        want += pkts[run->first + k]->size - run->payload_ofs;
    }
    struct pkt *m = netdev_gro_assemble(run, pkts);
    CHECK(m->size == want);
    CHECK(netdev_pkt_get_vnet_hdr(m, &vh));
    CHECK(vh.gso_type == VIRTIO_NET_HDR_GSO_TCPV4
          || vh.gso_type == VIRTIO_NET_HDR_GSO_UDP_L4);
    CHECK(vh.csum_offset
          == (vh.gso_type == VIRTIO_NET_HDR_GSO_TCPV4 ? 16 : 6));
    CHECK(vh.flags == VIRTIO_NET_HDR_F_NEEDS_CSUM);
    CHECK(vh.hdr_len == run->payload_ofs && vh.csum_start == 34);
    CHECK(m->size <= 14 + 65535);
    CHECK(!pkt_csum_finish(pkt_csum_add(0, m->data + 14, 20)));

    struct pkt **segs = NULL;
    size_t n = netdev_gso_segment(m, &vh, &segs);
    CHECK(n == run->n);
    for (size_t k = 0; k < n; k++) {
        const struct pkt *o = pkts[run->first + k];
        CHECK(segs[k]->size == o->size);
        CHECK(!memcmp(segs[k]->data + run->payload_ofs,
                      o->data + run->payload_ofs, o->size - run->payload_ofs));
        pkt_delete(segs[k]);
    }
    free(segs);
    pkt_delete(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pkt *pkts[MAX_PKTS];
    uint8_t *copies[MAX_PKTS];
    struct netdev_gro_run runs[MAX_PKTS];
    size_t n = 0;

    if (size < 1) {
        return 0;
    }
    bool fix = data[0] & 1;
    bool only = data[0] & 2;
    data++;
    size--;
    while (n < MAX_PKTS && size >= 3) {
        size_t len = (size_t) data[0] << 8 | data[1];
        uint8_t vflags = data[2];
        data += 3;
        size -= 3;
        if (len > size) {
            len = size;
        }
        struct pkt *p = netdev_pkt_new(len);
        pkt_put(p, data, len);
        data += len;
        size -= len;
        if (fix) {
            fix_csums(p);
        }
        if (vflags & 7) {
            bool udp = p->size > 23 && p->data[23] == 17;
            struct virtio_net_hdr vh = { .csum_start = 34,
                                         .csum_offset = udp ? 6 : 16 };
            if (vflags & 1) {
                vh.flags |= VIRTIO_NET_HDR_F_NEEDS_CSUM;
            }
            if (vflags & 2) {
                vh.flags |= VIRTIO_NET_HDR_F_DATA_VALID;
            }
            if (vflags & 4) {
                vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
                vh.gso_size = 100;
            }
            CHECK(!netdev_pkt_set_vnet_hdr(p, &vh));
        }
        copies[n] = malloc(p->size + 1);
        memcpy(copies[n], p->data, p->size);
        pkts[n++] = p;
    }
    if (!n) {
        return 0;
    }

    /* Bit 1: only frames to the first frame's destination may merge. */
    uint8_t dst[6] = { 0 };
    if (only && pkts[0]->size >= 6) {
        memcpy(dst, pkts[0]->data, 6);
    }
    size_t n_runs = netdev_gro_plan(pkts, n, runs, only ? dst : NULL);
    size_t next = 0;
    CHECK(n_runs >= 1 && n_runs <= n);
    for (size_t r = 0; r < n_runs; r++) {
        CHECK(runs[r].first == next && runs[r].n >= 1);
        next += runs[r].n;
        CHECK(next <= n);
        if (runs[r].n > 1) {
            for (size_t k = 0; only && k < runs[r].n; k++) {
                CHECK(!memcmp(pkts[runs[r].first + k]->data, dst, 6));
            }
            check_run(&runs[r], pkts);
        }
    }
    CHECK(next == n);
    for (size_t i = 0; i < n; i++) {
        CHECK(!memcmp(copies[i], pkts[i]->data, pkts[i]->size));
        free(copies[i]);
        pkt_delete(pkts[i]);
    }
    return 0;
}
