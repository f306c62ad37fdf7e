/* netdev-gso.c: finishing offloaded packets in software (see netdev.h).
 *
 * A GSO super-frame or a packet with its L4 checksum left to the device is
 * only correct together with its virtio net header, and only a device that
 * takes such a header (an afpacket port with PACKET_VNET_HDR) can send it.
 * Where the packet is about to change so that no header can describe it
 * any more (a tunnel header pushed in front: virtio_net_hdr has no
 * "tunnel GSO"), it is finished here instead: the checksum is filled in,
 * or the super-frame is cut into MSS-sized TCP segments (or UDP
 * datagrams) with their own IP lengths, ids, TCP sequence numbers and
 * checksums, as the kernel's own software GSO would cut them. */
#include <arpa/inet.h>
#include <linux/virtio_net.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "softpath/netdev.h"

COVERAGE_DEFINE(netdev_gso_segmented);
COVERAGE_DEFINE(netdev_gso_csum_finished);
COVERAGE_DEFINE(netdev_gso_bad);

/* Newer than Debian 12's linux/virtio_net.h. */
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5
#endif

#define TCP_F_FIN 0x01
#define TCP_F_PSH 0x08
#define TCP_F_CWR 0x80

/* The offset of the IP header of FRAME (SIZE bytes) after the Ethernet
 * header and up to two VLAN tags, and whether it is IPv6; false if the
 * frame is not IP. */
static bool
find_l3(const uint8_t *frame, size_t size, size_t *l3, bool *ipv6)
{
    size_t ofs = 12;

    while (ofs + 2 <= size) {
        uint16_t type = pkt_get_be16(frame + ofs);
        if ((type == 0x8100 || type == 0x88a8) && ofs < 12 + 8) {
            ofs += 4;
            continue;
        }
        *l3 = ofs + 2;
        *ipv6 = type == 0x86dd;
        return type == 0x0800 || type == 0x86dd;
    }
    return false;
}

bool
netdev_gso_finish_csum(struct pkt *p, const struct virtio_net_hdr *vh)
{
    size_t start = vh->csum_start, field = start + vh->csum_offset;

    if (!(vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
        return true;
    }
    if (start >= p->size || field + 2 > p->size) {
        COVERAGE_INC(netdev_gso_bad);
        return false;
    }
    /* The field holds the pseudo-header's sum already (the kernel's
     * CHECKSUM_PARTIAL convention): summing from csum_start finishes it. */
    uint16_t csum =
        pkt_csum_finish(pkt_csum_add(0, p->data + start, p->size - start));
    if (!csum && vh->csum_offset == 6) {
        csum = 0xffff; /* UDP sends a zero checksum as all ones. */
    }
    memcpy(p->data + field, &csum, 2);
    COVERAGE_INC(netdev_gso_csum_finished);
    return true;
}

/* Fills in the IP lengths (and IPv4 id and checksum) and the L4 checksum
 * of segment S, whose IP header is at L3 and L4 header at L4. */
static void
fix_segment(struct pkt *s, size_t l3, size_t l4, bool ipv6, uint8_t proto,
            uint16_t ip_id)
{
    uint8_t *ip = s->data + l3;
    size_t l4_len = s->size - l4;
    uint32_t sum;

    if (ipv6) {
        pkt_put_be16(ip + 4, (uint16_t) (s->size - l3 - 40));
        struct in6_addr src, dst;
        memcpy(&src, ip + 8, 16);
        memcpy(&dst, ip + 24, 16);
        sum = pkt_csum_pseudo_ipv6(&src, &dst, proto, l4_len);
    } else {
        size_t ihl = (size_t) (ip[0] & 0x0f) * 4;
        uint32_t src, dst;
        uint16_t zero = 0;
        pkt_put_be16(ip + 2, (uint16_t) (s->size - l3));
        pkt_put_be16(ip + 4, ip_id);
        memcpy(ip + 10, &zero, 2);
        uint16_t hc = pkt_csum_finish(pkt_csum_add(0, ip, ihl));
        memcpy(ip + 10, &hc, 2);
        memcpy(&src, ip + 12, 4);
        memcpy(&dst, ip + 16, 4);
        sum = pkt_csum_pseudo_ipv4(src, dst, proto, l4_len);
    }
    size_t field = l4 + (proto == IPPROTO_TCP ? 16 : 6);
    if (proto == IPPROTO_UDP) {
        pkt_put_be16(s->data + l4 + 4, (uint16_t) l4_len);
    }
    memset(s->data + field, 0, 2);
    uint16_t c = pkt_csum_finish(pkt_csum_add(sum, s->data + l4, l4_len));
    if (!c && proto == IPPROTO_UDP) {
        c = 0xffff;
    }
    memcpy(s->data + field, &c, 2);
}

size_t
netdev_gso_segment(const struct pkt *p, const struct virtio_net_hdr *vh,
                   struct pkt ***segsp)
{
    uint8_t gso = vh->gso_type & (uint8_t) ~VIRTIO_NET_HDR_GSO_ECN;
    size_t l3, l4 = vh->csum_start, hdr_len, mss = vh->gso_size;
    uint8_t proto;
    bool ipv6;

    *segsp = NULL;
    if (!find_l3(p->data, p->size, &l3, &ipv6) || !mss || l4 <= l3
        || l4 + 8 > p->size) {
        goto bad;
    }
    if (gso == VIRTIO_NET_HDR_GSO_TCPV4 || gso == VIRTIO_NET_HDR_GSO_TCPV6) {
        proto = IPPROTO_TCP;
        if (l4 + 20 > p->size) {
            goto bad;
        }
        size_t doff = (size_t) (p->data[l4 + 12] >> 4) * 4;
        if (doff < 20) {
            goto bad; /* A TCP header is at least 20 bytes. */
        }
        hdr_len = l4 + doff;
    } else if (gso == VIRTIO_NET_HDR_GSO_UDP_L4) {
        proto = IPPROTO_UDP;
        hdr_len = l4 + 8;
    } else {
        goto bad;
    }
    /* The L4 header must start after the whole IP header. */
    size_t ip_len = ipv6 ? 40 : (size_t) (p->data[l3] & 0x0f) * 4;
    if (hdr_len > p->size || l3 + 20 > p->size || ip_len < 20
        || l3 + ip_len > l4) {
        goto bad;
    }

    size_t payload = p->size - hdr_len;
    size_t n = payload ? (payload + mss - 1) / mss : 1;
    struct pkt **segs = xmalloc(n * sizeof *segs);
    uint16_t ip_id = ipv6 ? 0 : pkt_get_be16(p->data + l3 + 4);
    uint32_t seq = proto == IPPROTO_TCP ? pkt_get_be32(p->data + l4 + 4) : 0;
    uint8_t flags = proto == IPPROTO_TCP ? p->data[l4 + 13] : 0;

    for (size_t i = 0; i < n; i++) {
        size_t off = i * mss;
        size_t len = NF_MIN(mss, payload - off);
        struct pkt *s = pkt_new(hdr_len + len, PKT_DEFAULT_HEADROOM);

        pkt_put(s, p->data, hdr_len);
        pkt_put(s, p->data + hdr_len + off, len);
        s->in_port = p->in_port;
        s->mark = p->mark;
        s->recirc_id = p->recirc_id;
        s->dp_hash = p->dp_hash;
        s->tunnel = p->tunnel;
        if (proto == IPPROTO_TCP) {
            uint8_t f = flags;
            if (i + 1 < n) {
                f &= (uint8_t) ~(TCP_F_FIN | TCP_F_PSH);
            }
            if (i) {
                f &= (uint8_t) ~TCP_F_CWR;
            }
            s->data[l4 + 13] = f;
            pkt_put_be32(s->data + l4 + 4, seq + (uint32_t) off);
        }
        fix_segment(s, l3, l4, ipv6, proto, (uint16_t) (ip_id + i));
        segs[i] = s;
    }
    *segsp = segs;
    COVERAGE_INC(netdev_gso_segmented);
    return n;

bad:
    COVERAGE_INC(netdev_gso_bad);
    return 0;
}
