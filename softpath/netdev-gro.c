/* netdev-gro.c: coalescing TCP segments and UDP datagrams into GSO
 * super-frames on send (see netdev.h).
 *
 * The receiving end of a tunnel gets a TCP stream as MSS-sized segments:
 * the underlay carried them one by one, and the datapath pops each one's
 * tunnel header on its own.  Handed to a veth one by one, every segment
 * then costs the receiving stack a full pass.  A NIC would merge them
 * (GRO); a veth without XDP does not.  So the send side of a port that
 * takes virtio net headers does it instead: within one batch, a run of
 * segments of one connection that follow each other in sequence leaves as
 * one GSO super-frame (gso_type TCPV4, gso_size the run's MSS) whose L4
 * checksum is left to the kernel.  The kernel's GSO cuts it back into the
 * same segments wherever it has to, so nothing a receiver can see changes
 * but the number of passes.
 *
 * UDP the same way (gso_type UDP_L4, as the kernel's UDP GRO builds for a
 * socket that asks for it): a run of datagrams of one flow, all as long
 * as the first but the last, which may be shorter.  A socket without
 * UDP_GRO gets the run cut back into the same datagrams at its door, so
 * datagram boundaries hold; the stack below it, and the datapath's send,
 * pay once per run.  On a busy 64-byte stream this is most of the
 * datapath's cost, since the receiver's whole IP and UDP receive runs in
 * the send call.
 *
 * A packet only joins a run when every field that Linux's own GRO
 * compares matches (addresses, ports, TOS, TTL; for TCP also ack, window,
 * options, flags ACK with PSH at most on the last, and the next sequence
 * number), and its checksums are known good: verified here for a
 * complete frame, trusted when the kernel said so
 * (VIRTIO_NET_HDR_F_DATA_VALID: the L4 sum; the IP header's is still
 * checked) or when it is a local sender's partial checksum (F_NEEDS_CSUM).
 * A merged frame's checksums are computed afresh, so merging a corrupt
 * packet would launder it; the check is what keeps that from happening.
 * IPv4 without options and with DF set only, which is what TCP and UDP
 * stacks send by default (path MTU discovery). */
#include <arpa/inet.h>
#include <linux/virtio_net.h>
#include <netinet/in.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "softpath/netdev.h"

COVERAGE_DEFINE(netdev_gro_merged);
COVERAGE_DEFINE(netdev_gro_segments);
COVERAGE_DEFINE(netdev_gro_bad_csum);

#define ETH_LEN 14
/* Newer than Debian 12's linux/virtio_net.h. */
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

#define TCP_F_PSH 0x08
#define TCP_F_ACK 0x10
/* A merged frame's IP total length must fit its 16-bit field. */
#define GRO_MAX_IP_LEN 65535
/* Linux refuses a UDP_L4 GSO frame from a packet socket with more than
 * UDP_MAX_SEGMENTS datagrams (64 before Linux 6.4, 128 since); batches
 * are smaller today, but a run never gets longer than the smaller one. */
#define GRO_MAX_SEGS 64

/* What a packet that may join a run looks like. */
struct gro_seg {
    uint8_t proto;  /* IPPROTO_TCP or IPPROTO_UDP. */
    size_t l4;      /* Offset of the L4 header (ETH_LEN + 20). */
    size_t hdr_len; /* Offset of the payload. */
    size_t payload; /* Payload bytes (at least 1). */
    uint32_t seq;   /* TCP only. */
    uint8_t flags;  /* TCP only. */
};

/* Whether P is a TCP or UDP over IPv4 packet with payload that may be
 * merged, with *S filled in.  Checks its checksums unless its virtio
 * header vouches for them. */
static bool
gro_parse(const struct pkt *p, struct gro_seg *s)
{
    struct virtio_net_hdr vh;
    const uint8_t *d = p->data;

    netdev_pkt_get_vnet_hdr(p, &vh);
    if (vh.gso_type != VIRTIO_NET_HDR_GSO_NONE || p->size < ETH_LEN + 20 + 8
        || pkt_get_be16(d + 12) != 0x0800 || d[ETH_LEN] != 0x45
        || pkt_get_be16(d + ETH_LEN + 2) != p->size - ETH_LEN
        /* DF set, MF clear, offset 0: a whole, unfragmentable packet. */
        || (pkt_get_be16(d + ETH_LEN + 6) & 0xbfff) != 0
        || !(pkt_get_be16(d + ETH_LEN + 6) & 0x4000)) {
        return false;
    }
    s->proto = d[ETH_LEN + 9];
    s->l4 = ETH_LEN + 20;
    const uint8_t *th = d + s->l4;
    size_t csum_field;
    if (s->proto == IPPROTO_TCP) {
        size_t doff = p->size >= s->l4 + 20 ? (size_t) (th[12] >> 4) * 4 : 0;
        if (doff < 20 || s->l4 + doff >= p->size) {
            return false; /* A bad header, or no payload. */
        }
        s->hdr_len = s->l4 + doff;
        s->seq = pkt_get_be32(th + 4);
        s->flags = th[13];
        if ((s->flags & (uint8_t) ~TCP_F_PSH) != TCP_F_ACK) {
            return false; /* SYN, FIN, RST, URG, ECE, CWR end a run. */
        }
        csum_field = 16;
    } else if (s->proto == IPPROTO_UDP) {
        s->hdr_len = s->l4 + 8;
        if (pkt_get_be16(th + 4) != p->size - s->l4 || p->size <= s->hdr_len) {
            return false; /* A bad length, or no payload. */
        }
        s->seq = 0;
        s->flags = 0;
        csum_field = 6;
    } else {
        return false;
    }
    s->payload = p->size - s->hdr_len;
    if (vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
        /* A local sender's segment: the kernel finishes the checksum
         * where the header says, which must be the L4 field. */
        return vh.csum_start == s->l4 && vh.csum_offset == csum_field;
    }
    /* The IP header is not covered by the L4 checksum nor by the
     * kernel's DATA_VALID, and the first one's becomes the merged one's. */
    if (pkt_csum_finish(pkt_csum_add(0, d + ETH_LEN, 20))) {
        COVERAGE_INC(netdev_gro_bad_csum);
        return false;
    }
    if (vh.flags & VIRTIO_NET_HDR_F_DATA_VALID
        || (s->proto == IPPROTO_UDP && !pkt_get_be16(th + 6))) {
        /* Vouched for, or a UDP datagram sent without a checksum (it
         * gets one when merged: nothing it had is lost). */
        return true;
    }
    uint32_t src, dst;
    memcpy(&src, d + ETH_LEN + 12, 4);
    memcpy(&dst, d + ETH_LEN + 16, 4);
    uint32_t sum = pkt_csum_pseudo_ipv4(src, dst, s->proto, p->size - s->l4);
    if (pkt_csum_finish(pkt_csum_add(sum, th, p->size - s->l4))) {
        COVERAGE_INC(netdev_gro_bad_csum);
        return false;
    }
    return true;
}

/* Whether segment B (parsed as *SB) continues the run that A (*SA) began,
 * given that the run so far ends just before sequence number NEXT_SEQ. */
static bool
gro_follows(const struct pkt *a, const struct gro_seg *sa, const struct pkt *b,
            const struct gro_seg *sb, uint32_t next_seq)
{
    const uint8_t *da = a->data, *db = b->data;

    if (sb->proto != sa->proto || sb->hdr_len != sa->hdr_len
        || sb->payload > sa->payload
        || (sa->proto == IPPROTO_TCP && sb->seq != next_seq)) {
        return false;
    }
    if (sa->proto == IPPROTO_UDP) {
        return !memcmp(da, db, 12) && da[ETH_LEN + 1] == db[ETH_LEN + 1]
               && da[ETH_LEN + 8] == db[ETH_LEN + 8]
               && !memcmp(da + ETH_LEN + 12, db + ETH_LEN + 12, 8)
               && !memcmp(da + sa->l4, db + sb->l4, 4);
    }
    return true
           /* Ethernet addresses. */
           && !memcmp(da, db, 12)
           /* TOS; TTL; addresses. */
           && da[ETH_LEN + 1] == db[ETH_LEN + 1]
           && da[ETH_LEN + 8] == db[ETH_LEN + 8]
           && !memcmp(da + ETH_LEN + 12, db + ETH_LEN + 12, 8)
           /* Ports; then ack number; then data offset, flags but PSH,
            * window; then options. */
           && !memcmp(da + sa->l4, db + sb->l4, 4)
           && !memcmp(da + sa->l4 + 8, db + sb->l4 + 8, 4)
           && da[sa->l4 + 12] == db[sb->l4 + 12]
           && !memcmp(da + sa->l4 + 14, db + sb->l4 + 14, 2)
           && !memcmp(da + sa->l4 + 20, db + sb->l4 + 20,
                      sa->hdr_len - sa->l4 - 20);
}

/* Writes RUN's header: the virtio net header, then the first segment's
 * headers with the merged lengths, PSH as the last segment had it, and
 * the checksum fields the kernel expects of a CHECKSUM_PARTIAL frame. */
static void
gro_build_hdr(struct netdev_gro_run *run, const struct pkt *first,
              const struct gro_seg *s, size_t total_payload, uint8_t psh)
{
    const bool tcp = s->proto == IPPROTO_TCP;
    struct virtio_net_hdr vh = {
        .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
        .gso_type = tcp ? VIRTIO_NET_HDR_GSO_TCPV4 : VIRTIO_NET_HDR_GSO_UDP_L4,
        .hdr_len = (uint16_t) s->hdr_len,
        .gso_size = (uint16_t) s->payload,
        .csum_start = (uint16_t) s->l4,
        .csum_offset = tcp ? 16 : 6,
    };
    uint8_t *h = run->hdr + sizeof vh;
    size_t l4_len = s->hdr_len - s->l4 + total_payload;

    memcpy(run->hdr, &vh, sizeof vh);
    memcpy(h, first->data, s->hdr_len);
    run->hdr_len = sizeof vh + s->hdr_len;
    run->payload_ofs = s->hdr_len;

    uint8_t *ip = h + ETH_LEN;
    uint16_t zero = 0;
    pkt_put_be16(ip + 2, (uint16_t) (20 + l4_len));
    memcpy(ip + 10, &zero, 2);
    uint16_t ipsum = pkt_csum_finish(pkt_csum_add(0, ip, 20));
    memcpy(ip + 10, &ipsum, 2);

    uint8_t *th = h + s->l4;
    if (tcp) {
        th[13] = (uint8_t) (TCP_F_ACK | psh);
    } else {
        pkt_put_be16(th + 4, (uint16_t) l4_len);
    }
    uint32_t src, dst;
    memcpy(&src, ip + 12, 4);
    memcpy(&dst, ip + 16, 4);
    /* The pseudo-header's folded sum, not complemented: summing the
     * segment from csum_start over it gives the checksum. */
    uint16_t partial = (uint16_t) ~pkt_csum_finish(
        pkt_csum_pseudo_ipv4(src, dst, s->proto, l4_len));
    memcpy(th + vh.csum_offset, &partial, 2);
}

size_t
netdev_gro_plan(struct pkt *const *pkts, size_t n, struct netdev_gro_run *runs,
                const uint8_t *only_dst)
{
    size_t n_runs = 0;
    size_t i = 0;

    while (i < n) {
        struct netdev_gro_run *run = &runs[n_runs++];
        struct gro_seg first, last;

        run->first = i;
        run->n = 1;
        run->hdr_len = 0;
        run->payload_ofs = 0;
        if (i + 1 >= n
            || (only_dst
                && (pkts[i]->size < 6 || memcmp(pkts[i]->data, only_dst, 6)))
            || !gro_parse(pkts[i], &first)) {
            i++;
            continue;
        }

        size_t total = first.payload;
        uint32_t next_seq = first.seq + (uint32_t) first.payload;
        last = first;
        /* A segment with PSH, or one shorter than the first, ends it. */
        while (i + run->n < n && run->n < GRO_MAX_SEGS
               && !(last.flags & TCP_F_PSH) && last.payload == first.payload) {
            const struct pkt *b = pkts[i + run->n];
            struct gro_seg sb;

            if (!gro_parse(b, &sb)
                || !gro_follows(pkts[i], &first, b, &sb, next_seq)
                || first.hdr_len - ETH_LEN + total + sb.payload
                       > GRO_MAX_IP_LEN) {
                break;
            }
            total += sb.payload;
            next_seq += (uint32_t) sb.payload;
            last = sb;
            run->n++;
        }
        if (run->n > 1) {
            gro_build_hdr(run, pkts[i], &first, total,
                          (uint8_t) (last.flags & TCP_F_PSH));
            COVERAGE_INC(netdev_gro_merged);
            COVERAGE_ADD(netdev_gro_segments, run->n);
        }
        i += run->n;
    }
    return n_runs;
}

struct pkt *
netdev_gro_assemble(const struct netdev_gro_run *run, struct pkt *const *pkts)
{
    struct virtio_net_hdr vh;
    size_t size = run->hdr_len - sizeof vh;

    for (size_t k = 0; k < run->n; k++) {
        size += pkts[run->first + k]->size - run->payload_ofs;
    }
    struct pkt *m = netdev_pkt_new(size);
    memcpy(&vh, run->hdr, sizeof vh);
    pkt_put(m, run->hdr + sizeof vh, run->hdr_len - sizeof vh);
    for (size_t k = 0; k < run->n; k++) {
        const struct pkt *p = pkts[run->first + k];
        pkt_put(m, p->data + run->payload_ofs, p->size - run->payload_ofs);
    }
    netdev_pkt_set_vnet_hdr(m, &vh);
    return m;
}
