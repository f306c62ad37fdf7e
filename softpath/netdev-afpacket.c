/* netdev-afpacket.c: the "afpacket" port type, an existing Linux device
 * reached through an AF_PACKET socket.
 *
 * Receive: a TPACKET_V3 ring mmap'ed from the kernel.  The kernel fills
 * blocks of packets and hands a whole block over at once (when it is full
 * or after RING_BLOCK_TIMEOUT_MS), so one wakeup yields a batch and no
 * system call is made per packet.  Packets are copied out of the ring into
 * struct pkt and the block is returned at once, so the ring never waits for
 * the datapath.
 *
 * Offloads: the socket uses PACKET_VNET_HDR, so each received packet comes
 * with a struct virtio_net_hdr describing GSO super-frames (up to 64 KB)
 * and partial checksums, and each sent packet goes out with one.  The
 * kernel's own segmentation and checksum offloads therefore keep working
 * through the port and nobody needs "ethtool -K ... tx off".  Blocks are
 * large enough (RING_BLOCK_SIZE) for the largest super-frame.
 *
 * Transmit: sendmmsg() on the same socket, header and frame as two iovecs
 * (no copy), with PACKET_QDISC_BYPASS since a datapath port wants the
 * device queue directly.  A TX ring would save the system call but not the
 * copy, and caps frame sizes, so it is not used.
 *
 * The socket is promiscuous (PACKET_ADD_MEMBERSHIP) and ignores packets the
 * host itself sends on the device (PACKET_IGNORE_OUTGOING where the kernel
 * has it, and a check of PACKET_OUTGOING in the ring otherwise), so a frame
 * the datapath sends out never comes back in as input. */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/netdev-provider.h"

VLOG_DEFINE_THIS_MODULE(netdev_afpacket);

COVERAGE_DEFINE(afpacket_rx_block); /* Ring blocks handed back. */
COVERAGE_DEFINE(afpacket_rx_gso);   /* Super-frames received. */
COVERAGE_DEFINE(afpacket_rx_csum_partial);
COVERAGE_DEFINE(afpacket_tx_drop);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/* A block must hold the largest GSO frame (64 KB plus headers) after the
 * block descriptor, or the kernel truncates it; 128 KB is the next power of
 * two.  32 blocks give a 4 MB ring: about 3 ms of a 10 Gb/s link. */
#define RING_BLOCK_SIZE (1u << 17)
#define RING_BLOCK_NR 32
#define RING_FRAME_SIZE 2048 /* Only an accounting unit in TPACKET_V3. */

/* How long the kernel keeps a partly filled block before handing it over:
 * the latency bound for a quiet port. */
#define RING_BLOCK_TIMEOUT_MS 1

/* Socket buffer for sends: several super-frames in flight. */
#define SNDBUF_SIZE (4 << 20)

struct netdev_afpacket {
    struct netdev up;
    int fd;
    int ifindex;
    uint8_t *ring; /* RING_BLOCK_NR blocks of RING_BLOCK_SIZE. */
    size_t ring_size;

    /* Receive position: the block being read, the next packet in it and
     * how many packets of it are left (NULL/0 when the block has not been
     * started yet). */
    unsigned int block;
    struct tpacket3_hdr *next_pkt;
    uint32_t pkts_left;
};

static struct netdev_afpacket *
netdev_afpacket_cast(const struct netdev *netdev)
{
    return (struct netdev_afpacket *) netdev;
}

static int
set_int_opt(int fd, int level, int opt, int value)
{
    return setsockopt(fd, level, opt, &value, sizeof value) < 0 ? errno : 0;
}

static int
afpacket_construct(const char *name, struct netdev **netdevp)
{
    struct netdev_afpacket *dev;
    const char *what;
    int error;

    unsigned int ifindex = if_nametoindex(name);
    if (!ifindex) {
        error = errno == ENXIO ? ENODEV : errno;
        VLOG_WARN("port %s: no such network device (afpacket ports attach "
                  "to an existing device): %s",
                  name, nf_strerror(error));
        return error;
    }

    dev = xzalloc(sizeof *dev);
    dev->ifindex = (int) ifindex;

    /* Protocol 0 receives nothing until bind(), so no packet arrives before
     * the ring and the options are in place. */
    dev->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (dev->fd < 0) {
        error = errno;
        what = "create AF_PACKET socket";
        goto free_dev;
    }

    /* PACKET_VNET_HDR must precede the ring: the kernel refuses it once a
     * ring exists. */
    what = "enable PACKET_VNET_HDR";
    error = set_int_opt(dev->fd, SOL_PACKET, PACKET_VNET_HDR, 1);
    if (error) {
        goto close_fd;
    }
    what = "select TPACKET_V3";
    error = set_int_opt(dev->fd, SOL_PACKET, PACKET_VERSION, TPACKET_V3);
    if (error) {
        goto close_fd;
    }

    struct tpacket_req3 req = {
        .tp_block_size = RING_BLOCK_SIZE,
        .tp_block_nr = RING_BLOCK_NR,
        .tp_frame_size = RING_FRAME_SIZE,
        .tp_frame_nr = RING_BLOCK_SIZE / RING_FRAME_SIZE * RING_BLOCK_NR,
        .tp_retire_blk_tov = RING_BLOCK_TIMEOUT_MS,
    };
    what = "set up the receive ring (PACKET_RX_RING)";
    if (setsockopt(dev->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req)
        < 0) {
        error = errno;
        goto close_fd;
    }
    dev->ring_size = (size_t) RING_BLOCK_SIZE * RING_BLOCK_NR;
    dev->ring = mmap(NULL, dev->ring_size, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_POPULATE, dev->fd, 0);
    if (dev->ring == MAP_FAILED) {
        error = errno;
        what = "map the receive ring";
        goto close_fd;
    }

    /* The options below only make the port faster or quieter, so a kernel
     * without them still gets a working port. */
    error = set_int_opt(dev->fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1);
    if (error) {
        VLOG_DBG("port %s: no PACKET_QDISC_BYPASS: %s", name,
                 nf_strerror(error));
    }
    error = set_int_opt(dev->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1);
    if (error) {
        VLOG_DBG("port %s: no PACKET_IGNORE_OUTGOING: %s", name,
                 nf_strerror(error));
    }
    if (set_int_opt(dev->fd, SOL_SOCKET, SO_SNDBUFFORCE, SNDBUF_SIZE)) {
        set_int_opt(dev->fd, SOL_SOCKET, SO_SNDBUF, SNDBUF_SIZE);
    }

    struct packet_mreq mreq = {
        .mr_ifindex = dev->ifindex,
        .mr_type = PACKET_MR_PROMISC,
    };
    what = "enable promiscuous mode (PACKET_ADD_MEMBERSHIP)";
    if (setsockopt(dev->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq,
                   sizeof mreq)
        < 0) {
        error = errno;
        goto unmap_ring;
    }

    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET,
        .sll_protocol = htons(ETH_P_ALL),
        .sll_ifindex = dev->ifindex,
    };
    what = "bind the socket to the device";
    if (bind(dev->fd, (struct sockaddr *) &sll, sizeof sll) < 0) {
        error = errno;
        goto unmap_ring;
    }

    *netdevp = &dev->up;
    return 0;

unmap_ring:
    munmap(dev->ring, dev->ring_size);
close_fd:
    close(dev->fd);
free_dev:
    free(dev);
    VLOG_WARN("port %s: cannot %s: %s", name, what, nf_strerror(error));
    return error;
}

static void
afpacket_destruct(struct netdev *netdev)
{
    struct netdev_afpacket *dev = netdev_afpacket_cast(netdev);

    munmap(dev->ring, dev->ring_size);
    close(dev->fd);
    free(dev);
}

static struct tpacket_block_desc *
ring_block(const struct netdev_afpacket *dev, unsigned int i)
{
    return (struct tpacket_block_desc *) (dev->ring
                                          + (size_t) i * RING_BLOCK_SIZE);
}

/* Adds the kernel's count of packets it dropped for lack of ring space to
 * rx_dropped.  Reading PACKET_STATISTICS resets the kernel's counters, so
 * each drop is counted once. */
static void
afpacket_collect_drops(struct netdev_afpacket *dev)
{
    struct tpacket_stats_v3 st;
    socklen_t len = sizeof st;

    if (!getsockopt(dev->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len)) {
        dev->up.stats.rx_dropped += st.tp_drops;
    }
}

/* Copies the packet described by HDR out of the ring, or returns NULL if it
 * is to be skipped (counted where it should be). */
static struct pkt *
afpacket_copy_pkt(struct netdev_afpacket *dev, const struct tpacket3_hdr *hdr)
{
    const struct sockaddr_ll *sll =
        (const void *) ((const uint8_t *) hdr
                        + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
    const uint8_t *frame = (const uint8_t *) hdr + hdr->tp_mac;
    struct virtio_net_hdr vnet;

    if (sll->sll_pkttype == PACKET_OUTGOING) {
        return NULL;
    }
    if (hdr->tp_snaplen < hdr->tp_len) {
        /* Only a frame larger than a block can be cut short; a part of a
         * frame is no use to anybody. */
        dev->up.stats.rx_errors++;
        VLOG_WARN_RL(&rl,
                     "port %s: dropped a %u-byte frame truncated to %u "
                     "bytes by the receive ring",
                     dev->up.name, hdr->tp_len, hdr->tp_snaplen);
        return NULL;
    }
    if (hdr->tp_status & TP_STATUS_LOSING) {
        afpacket_collect_drops(dev);
    }

    /* The kernel puts the virtio net header right in front of the frame. */
    memcpy(&vnet, frame - sizeof vnet, sizeof vnet);

    if (vnet.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
        COVERAGE_INC(afpacket_rx_gso);
    }
    if (vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
        COVERAGE_INC(afpacket_rx_csum_partial);
    }

    struct pkt *p = netdev_pkt_new(hdr->tp_snaplen);
    pkt_put(p, frame, hdr->tp_snaplen);

    /* The kernel strips a VLAN tag a device accelerated and reports it
     * beside the frame; the datapath wants the frame as it was on the
     * wire, so the tag goes back in, and the offsets in the virtio header
     * move with the bytes behind it. */
    if (hdr->tp_status & TP_STATUS_VLAN_VALID) {
        uint16_t tpid =
            (hdr->tp_status & TP_STATUS_VLAN_TPID_VALID ? hdr->hv1.tp_vlan_tpid
                                                        : ETH_TYPE_VLAN_8021Q);
        if (!pkt_push_vlan(p, htons(tpid), htons(hdr->hv1.tp_vlan_tci))) {
            if (vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
                vnet.csum_start += VLAN_HEADER_LEN;
            }
            if (vnet.hdr_len) {
                vnet.hdr_len += VLAN_HEADER_LEN;
            }
        }
    }
    netdev_pkt_set_vnet_hdr(p, &vnet);
    return p;
}

static int
afpacket_recv(struct netdev *netdev, struct pkt **pkts, size_t max, size_t *n)
{
    struct netdev_afpacket *dev = netdev_afpacket_cast(netdev);

    while (*n < max) {
        struct tpacket_block_desc *bd = ring_block(dev, dev->block);

        /* The acquire load pairs with the kernel's release of the block:
         * packet contents are read only after the status says so. */
        uint32_t status =
            __atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
        if (!(status & TP_STATUS_USER)) {
            break;
        }
        if (!dev->next_pkt) {
            dev->next_pkt =
                (struct tpacket3_hdr *) ((uint8_t *) bd
                                         + bd->hdr.bh1.offset_to_first_pkt);
            dev->pkts_left = bd->hdr.bh1.num_pkts;
        }
        if (!dev->pkts_left) {
            /* Done with this block: give it back and go on. */
            __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
                             __ATOMIC_RELEASE);
            COVERAGE_INC(afpacket_rx_block);
            dev->block = (dev->block + 1) % RING_BLOCK_NR;
            dev->next_pkt = NULL;
            continue;
        }

        struct tpacket3_hdr *hdr = dev->next_pkt;
        dev->pkts_left--;
        dev->next_pkt =
            (struct tpacket3_hdr *) ((uint8_t *) hdr + hdr->tp_next_offset);
        struct pkt *p = afpacket_copy_pkt(dev, hdr);
        if (p) {
            netdev->stats.rx_packets++;
            netdev->stats.rx_bytes += p->size;
            pkts[(*n)++] = p;
        }
    }
    return *n ? 0 : EAGAIN;
}

static int
afpacket_send(struct netdev *netdev, struct pkt **pkts, size_t n,
              bool may_steal NF_UNUSED)
{
    struct netdev_afpacket *dev = netdev_afpacket_cast(netdev);
    struct virtio_net_hdr vnet[NETDEV_MAX_BURST];
    struct iovec iov[NETDEV_MAX_BURST][2];
    struct mmsghdr msgs[NETDEV_MAX_BURST];
    int error = 0;

    for (size_t base = 0; base < n; base += NETDEV_MAX_BURST) {
        size_t batch = NF_MIN(n - base, NETDEV_MAX_BURST);

        memset(msgs, 0, batch * sizeof msgs[0]);
        for (size_t i = 0; i < batch; i++) {
            struct pkt *p = pkts[base + i];

            netdev_pkt_get_vnet_hdr(p, &vnet[i]);
            iov[i][0] = (struct iovec){ &vnet[i], sizeof vnet[i] };
            iov[i][1] = (struct iovec){ p->data, p->size };
            msgs[i].msg_hdr.msg_iov = iov[i];
            msgs[i].msg_hdr.msg_iovlen = 2;
        }

        size_t i = 0;
        while (i < batch) {
            int sent = sendmmsg(dev->fd, &msgs[i], (unsigned int) (batch - i),
                                MSG_DONTWAIT);
            if (sent > 0) {
                for (int k = 0; k < sent; k++) {
                    netdev->stats.tx_packets++;
                    netdev->stats.tx_bytes += pkts[base + i + k]->size;
                }
                i += (size_t) sent;
                continue;
            }

            int err = sent < 0 ? errno : EAGAIN;
            if (err == EINTR) {
                continue;
            }
            /* The packet at I cannot go: count it and go on with the rest,
             * since a later one (shorter, say) may still fit. */
            COVERAGE_INC(afpacket_tx_drop);
            if (err == EAGAIN || err == ENOBUFS) {
                netdev->stats.tx_dropped++;
            } else {
                netdev->stats.tx_errors++;
            }
            if (!error) {
                error = err;
                VLOG_WARN_RL(&rl,
                             "port %s: dropped a %zu-byte packet on "
                             "send: %s",
                             netdev->name, pkts[base + i]->size,
                             nf_strerror(err));
            }
            i++;
        }
    }
    return error;
}

static int
afpacket_get_etheraddr(const struct netdev *netdev, struct eth_addr *ea)
{
    return netdev_linux_get_etheraddr(netdev->name, ea);
}

static int
afpacket_get_mtu(const struct netdev *netdev, int *mtup)
{
    return netdev_linux_get_mtu(netdev->name, mtup);
}

static int
afpacket_get_ifindex(const struct netdev *netdev, int *ifindexp)
{
    *ifindexp = netdev_afpacket_cast(netdev)->ifindex;
    return 0;
}

static int
afpacket_get_fd(const struct netdev *netdev)
{
    return netdev_afpacket_cast(netdev)->fd;
}

static int
afpacket_set_up(struct netdev *netdev, bool up)
{
    return netdev_linux_set_up(netdev->name, up);
}

const struct netdev_class netdev_afpacket_class = {
    .type = "afpacket",
    .construct = afpacket_construct,
    .destruct = afpacket_destruct,
    .recv = afpacket_recv,
    .send = afpacket_send,
    .get_etheraddr = afpacket_get_etheraddr,
    .get_mtu = afpacket_get_mtu,
    .get_ifindex = afpacket_get_ifindex,
    .get_fd = afpacket_get_fd,
    .set_up = afpacket_set_up,
};
