/* netdev-tap.c: the "tap" and "internal" port types, a tap device that the
 * port creates, owns and brings up.
 *
 * "internal" is the bridge's own interface (what Open vSwitch calls an
 * internal port): in the userspace datapath it is a tap device too, so the
 * two types share everything but the name.
 *
 * The device is opened with IFF_VNET_HDR and told (TUNSETOFFLOAD) that
 * nicflow takes checksum-partial and TSO frames, so the host stack hands
 * over GSO super-frames instead of segmenting them, and accepts the same
 * from us: every read and write carries a struct virtio_net_hdr in front of
 * the frame, as on afpacket ports.  The device is not persistent: it goes
 * away when the port is closed (or the process dies). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/netdev-provider.h"

VLOG_DEFINE_THIS_MODULE(netdev_tap);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

/* The largest frame the device can hand us: a 64 KB GSO frame plus its
 * Ethernet and VLAN headers. */
#define TAP_MAX_FRAME (65535 + ETH_HEADER_LEN + VLAN_HEADER_LEN)

struct netdev_tap {
    struct netdev up;
    int fd;
    int ifindex;
    uint8_t *buf;           /* TAP_MAX_FRAME bytes to read into. */
    unsigned int idle_skip; /* recv() calls to answer EAGAIN unread. */
};

/* A tap has no ring: finding it empty costs a read() system call.  A
 * datapath thread that polls busily calls recv() on every port many times
 * per packet of the other ports, so after an empty read the next few calls
 * answer "nothing" without asking the kernel.  That delays a frame from the
 * host by at most this many datapath rounds (microseconds under load; an
 * idle datapath's poll() wakes it again at once). */
#define TAP_IDLE_SKIP 7

static struct netdev_tap *
netdev_tap_cast(const struct netdev *netdev)
{
    return (struct netdev_tap *) netdev;
}

static int
tap_construct(const char *name, struct netdev **netdevp)
{
    struct netdev_tap *dev = xzalloc(sizeof *dev);
    const char *what;
    int error;

    dev->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (dev->fd < 0) {
        error = errno;
        what = "open /dev/net/tun";
        goto free_dev;
    }

    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, name, sizeof ifr.ifr_name - 1);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    what = "create the tap device (TUNSETIFF)";
    if (ioctl(dev->fd, TUNSETIFF, &ifr) < 0) {
        error = errno;
        goto close_fd;
    }

    int hdr_size = sizeof(struct virtio_net_hdr);
    what = "set the virtio net header size (TUNSETVNETHDRSZ)";
    if (ioctl(dev->fd, TUNSETVNETHDRSZ, &hdr_size) < 0) {
        error = errno;
        goto close_fd;
    }

    /* Without this the host segments and checksums everything before it
     * reaches us, which works but costs the host stack dearly. */
    unsigned int offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
    if (ioctl(dev->fd, TUNSETOFFLOAD, offloads) < 0) {
        VLOG_DBG("port %s: no tap offloads: %s", name, nf_strerror(errno));
    }

    dev->ifindex = (int) if_nametoindex(name);
    what = "bring the device up";
    error = netdev_linux_set_up(name, true);
    if (error) {
        goto close_fd;
    }

    dev->buf = xmalloc(TAP_MAX_FRAME);
    *netdevp = &dev->up;
    return 0;

close_fd:
    close(dev->fd);
free_dev:
    free(dev);
    VLOG_WARN("port %s: cannot %s: %s", name, what, nf_strerror(error));
    return error;
}

static void
tap_destruct(struct netdev *netdev)
{
    struct netdev_tap *dev = netdev_tap_cast(netdev);

    close(dev->fd);
    free(dev->buf);
    free(dev);
}

static int
tap_recv(struct netdev *netdev, struct pkt **pkts, size_t max, size_t *n)
{
    struct netdev_tap *dev = netdev_tap_cast(netdev);
    int error = 0;

    if (dev->idle_skip) {
        dev->idle_skip--;
        return EAGAIN;
    }
    while (*n < max) {
        struct virtio_net_hdr vnet;
        struct iovec iov[2] = {
            { &vnet, sizeof vnet },
            { dev->buf, TAP_MAX_FRAME },
        };
        ssize_t len = readv(dev->fd, iov, 2);

        if (len < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN) {
                error = errno;
                netdev->stats.rx_errors++;
                VLOG_WARN_RL(&rl, "port %s: read from tap failed: %s",
                             netdev->name, nf_strerror(error));
            }
            break;
        }
        if ((size_t) len < sizeof vnet + ETH_HEADER_LEN) {
            netdev->stats.rx_errors++;
            continue;
        }

        size_t size = (size_t) len - sizeof vnet;
        struct pkt *p = netdev_pkt_new(size);
        pkt_put(p, dev->buf, size);
        netdev_pkt_set_vnet_hdr(p, &vnet);
        netdev->stats.rx_packets++;
        netdev->stats.rx_bytes += size;
        pkts[(*n)++] = p;
    }
    if (!*n && !error) {
        dev->idle_skip = TAP_IDLE_SKIP;
    }
    return *n ? 0 : error ? error : EAGAIN;
}

static int
tap_send(struct netdev *netdev, struct pkt **pkts, size_t n,
         bool may_steal NF_UNUSED)
{
    struct netdev_tap *dev = netdev_tap_cast(netdev);
    int error = 0;

    for (size_t i = 0; i < n; i++) {
        struct pkt *p = pkts[i];
        struct virtio_net_hdr vnet;

        netdev_pkt_get_vnet_hdr(p, &vnet);
        struct iovec iov[2] = {
            { &vnet, sizeof vnet },
            { p->data, p->size },
        };
        ssize_t len;
        do {
            len = writev(dev->fd, iov, 2);
        } while (len < 0 && errno == EINTR);

        if (len >= 0) {
            netdev->stats.tx_packets++;
            netdev->stats.tx_bytes += p->size;
            continue;
        }
        /* EIO means the device is down: like a full queue, nothing is wrong
         * with the packet itself. */
        int err = errno;
        if (err == EAGAIN || err == ENOBUFS || err == EIO) {
            netdev->stats.tx_dropped++;
        } else {
            netdev->stats.tx_errors++;
        }
        if (!error) {
            error = err;
            VLOG_WARN_RL(&rl,
                         "port %s: dropped a %zu-byte packet on send: "
                         "%s",
                         netdev->name, p->size, nf_strerror(err));
        }
    }
    return error;
}

static int
tap_get_etheraddr(const struct netdev *netdev, struct eth_addr *ea)
{
    return netdev_linux_get_etheraddr(netdev->name, ea);
}

static int
tap_get_mtu(const struct netdev *netdev, int *mtup)
{
    return netdev_linux_get_mtu(netdev->name, mtup);
}

static int
tap_get_ifindex(const struct netdev *netdev, int *ifindexp)
{
    int ifindex = netdev_tap_cast(netdev)->ifindex;

    if (!ifindex) {
        return ENODEV;
    }
    *ifindexp = ifindex;
    return 0;
}

static int
tap_get_fd(const struct netdev *netdev)
{
    return netdev_tap_cast(netdev)->fd;
}

static int
tap_set_up(struct netdev *netdev, bool up)
{
    return netdev_linux_set_up(netdev->name, up);
}

#define TAP_CLASS(TYPE)                                                     \
    {                                                                       \
        .type = TYPE, .construct = tap_construct, .destruct = tap_destruct, \
        .recv = tap_recv, .send = tap_send,                                 \
        .get_etheraddr = tap_get_etheraddr, .get_mtu = tap_get_mtu,         \
        .get_ifindex = tap_get_ifindex, .get_fd = tap_get_fd,               \
        .set_up = tap_set_up,                                               \
    }

const struct netdev_class netdev_tap_class = TAP_CLASS("tap");
const struct netdev_class netdev_internal_class = TAP_CLASS("internal");
