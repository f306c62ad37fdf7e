/* netdev-afxdp.c: the "afxdp" port type, an existing Linux device reached
 * through an AF_XDP socket on its queue 0.
 *
 * Built only when pkg-config finds libxdp and libbpf (mk/config.mk defines
 * HAVE_AFXDP).  libxdp's xsk API (xsk_umem__create, xsk_socket__create)
 * does the setup: it loads and attaches its default XDP program, which
 * redirects every frame arriving on the queue into the socket, and it
 * shares the device with other XDP users through its multi-program
 * dispatcher where the kernel allows it.  Doing this by hand with libbpf
 * alone would mean shipping and loading our own BPF object.
 *
 * Memory: one UMEM per port, FRAME_SIZE-byte frames, split in two fixed
 * halves.  The receive half circulates between the fill ring and the RX
 * ring: each received frame is copied into a struct pkt and its UMEM frame
 * goes straight back to the fill ring, so the kernel never runs out while
 * the datapath holds packets.  The transmit half is a stack of free frames:
 * send copies each packet into one, posts it on the TX ring, kicks the
 * kernel with sendto() and gets the frame back from the completion ring.
 *
 * Mode: native XDP (XDP_FLAGS_DRV_MODE) is tried first, since the driver
 * then hands frames to the socket without building an skb; generic (SKB)
 * mode, which works on every device, is the fallback.  The mode in use is
 * logged.  The socket always binds in copy mode (XDP_COPY): zero-copy needs
 * driver support that veth and most virtual devices lack, and the datapath
 * copies every packet into a struct pkt anyway.
 *
 * Offloads: unlike afpacket, AF_XDP carries no virtio net header, so there
 * is no GSO or checksum-offload metadata in either direction.  On receive,
 * a frame larger than a UMEM frame (RX_FRAME_MAX bytes), such as a GSO
 * super-frame of a peer with TSO/GSO on, is refused by the kernel; such
 * refusals are counted in rx_errors.  A frame whose L4 checksum the sender
 * left to offload arrives with that checksum unfinished, and nothing says
 * so.  TCP and UDP through an afxdp port therefore need the peers'
 * transmit offloads off ("ethtool -K DEV tx off"), or traffic that is
 * already MTU-sized with full checksums.  On transmit, a packet that
 * carries a virtio net header from another port type gets its partial
 * checksum finished here in software; a GSO super-frame cannot be sent and
 * counts as a tx_error.
 *
 * Polling: get_fd returns the socket, which polls readable while the RX
 * ring holds frames, so the datapath thread sleeps in poll() instead of
 * spinning. */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include <xdp/xsk.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/netdev-provider.h"

VLOG_DEFINE_THIS_MODULE(netdev_afxdp);

COVERAGE_DEFINE(afxdp_tx_kick);       /* sendto() wakeups of the TX ring. */
COVERAGE_DEFINE(afxdp_tx_csum_done);  /* Partial checksums finished. */
COVERAGE_DEFINE(afxdp_rx_fill_empty); /* Frames lost: fill ring empty. */

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

/* 4096 is the largest frame AF_XDP accepts in aligned mode.  The kernel
 * keeps XDP_PACKET_HEADROOM (256 bytes) of each receive frame for itself,
 * which leaves room for 3,840-byte frames: any MTU up to 3,800 or so. */
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define RX_FRAME_MAX (FRAME_SIZE - XDP_PACKET_HEADROOM)

/* Ring sizes (powers of two).  The fill ring holds every receive frame, so
 * a frame taken off the RX ring always has a free fill slot to go back to.
 * The completion ring is as large as the transmit half of the UMEM, so the
 * kernel never waits for room in it. */
#define RX_RING_SIZE 1024
#define TX_RING_SIZE 1024
#define N_RX_FRAMES 2048
#define N_TX_FRAMES 2048
#define FILL_RING_SIZE N_RX_FRAMES
#define COMP_RING_SIZE N_TX_FRAMES
#define N_FRAMES (N_RX_FRAMES + N_TX_FRAMES)

/* The kernel's XDP_STATISTICS are read at most this often (one getsockopt
 * from recv), so the drop and error counters lag by up to this much. */
#define STATS_INTERVAL_MS 100

/* In copy mode one sendto() transmits at most 32 frames (the kernel's
 * TX_BATCH_SIZE) and says EAGAIN if more are waiting, so a send of a large
 * batch kicks several times. */
#define KICK_BATCH 32

struct netdev_afxdp {
    struct netdev up;
    int ifindex;
    int fd;           /* xsk_socket__fd(), owned by XSK. */
    const char *mode; /* "native" or "generic". */

    uint8_t *umem_area; /* N_FRAMES frames of FRAME_SIZE, page-aligned. */
    size_t umem_size;
    struct xsk_umem *umem;
    struct xsk_socket *xsk;
    struct xsk_ring_prod fill;
    struct xsk_ring_cons comp;
    struct xsk_ring_cons rx;
    struct xsk_ring_prod tx;

    /* UMEM addresses of the transmit frames not in the kernel's hands. */
    uint64_t tx_free[N_TX_FRAMES];
    size_t n_tx_free;

    /* The kernel's counters as last read, and when. */
    struct xdp_statistics kstats;
    long long kstats_msec;
};

static struct netdev_afxdp *
netdev_afxdp_cast(const struct netdev *netdev)
{
    return (struct netdev_afxdp *) netdev;
}

/* ---------------------------------------------------------------------
 * libbpf and libxdp messages.
 *
 * Both libraries print to stderr by default, including warnings that are
 * expected while probing (native mode refused, no bpffs for the
 * dispatcher).  They go to this module's debug log instead, and the last
 * warning is kept so that a failure reported to the user can say what the
 * library saw.
 * --------------------------------------------------------------------- */

static char last_lib_warning[256];

static void
afxdp_lib_log(bool warning, const char *fmt, va_list args)
{
    char msg[sizeof last_lib_warning];

    /* Both libraries start their messages with their own name. */
    vsnprintf(msg, sizeof msg, fmt, args);
    msg[strcspn(msg, "\n")] = '\0';
    if (!msg[0]) {
        return;
    }
    if (warning) {
        memcpy(last_lib_warning, msg, sizeof msg);
    }
    VLOG_DBG("%s", msg);
}

static int
afxdp_libbpf_print(enum libbpf_print_level level, const char *fmt,
                   va_list args)
{
    afxdp_lib_log(level == LIBBPF_WARN, fmt, args);
    return 0;
}

static int
afxdp_libxdp_print(enum libxdp_print_level level, const char *fmt,
                   va_list args)
{
    afxdp_lib_log(level == LIBXDP_WARN, fmt, args);
    return 0;
}

static void
afxdp_init_logging(void)
{
    static bool done;

    if (!done) {
        done = true;
        libbpf_set_print(afxdp_libbpf_print);
        libxdp_set_print(afxdp_libxdp_print);
    }
}

/* ---------------------------------------------------------------------
 * Setup and teardown.
 * --------------------------------------------------------------------- */

/* Creates the UMEM and the socket with XDP_FLAGS (a mode flag).  Both are
 * created afresh for each mode tried, since a socket that failed to bind
 * may have left the UMEM's rings half configured.  Returns 0, or a
 * positive errno with nothing left behind and *WHAT saying which step
 * failed. */
static int
afxdp_create_socket(struct netdev_afxdp *dev, const char *name,
                    uint32_t xdp_flags, const char **what)
{
    const struct xsk_umem_config ucfg = {
        .fill_size = FILL_RING_SIZE,
        .comp_size = COMP_RING_SIZE,
        .frame_size = FRAME_SIZE,
        .frame_headroom = 0,
        .flags = 0,
    };
    /* XDP_USE_NEED_WAKEUP lets the kernel say when a kick is needed, which
     * saves system calls with drivers that process the rings on their
     * own; in copy mode transmit always needs one. */
    const struct xsk_socket_config scfg = {
        .rx_size = RX_RING_SIZE,
        .tx_size = TX_RING_SIZE,
        .libxdp_flags = 0, /* Load libxdp's default program. */
        .xdp_flags = xdp_flags,
        .bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP,
    };
    int error;

    last_lib_warning[0] = '\0';
    *what = "register the UMEM (xsk_umem__create)";
    error = -xsk_umem__create(&dev->umem, dev->umem_area, dev->umem_size,
                              &dev->fill, &dev->comp, &ucfg);
    if (error) {
        dev->umem = NULL;
        return error;
    }

    *what = "create the AF_XDP socket and attach the XDP program "
            "(xsk_socket__create)";
    error = -xsk_socket__create(&dev->xsk, name, 0, dev->umem, &dev->rx,
                                &dev->tx, &scfg);
    if (error) {
        dev->xsk = NULL;
        goto delete_umem;
    }
    return 0;

delete_umem:
    xsk_umem__delete(dev->umem);
    dev->umem = NULL;
    return error;
}

/* A hint for the errors the kernel gives when it refuses AF_XDP, to go with
 * the errno in the message the user sees. */
static const char *
afxdp_error_hint(int error)
{
    switch (error) {
    case EPERM:
    case EACCES:
        return " (AF_XDP needs CAP_NET_RAW, CAP_NET_ADMIN and CAP_BPF: "
               "run as root)";
    case EOPNOTSUPP:
        return " (the device or kernel does not support XDP in this mode)";
    case EBUSY:
    case EEXIST:
        return " (another XDP program or AF_XDP socket holds the device "
               "or its queue 0)";
    case ENOMEM:
    case ENOBUFS:
        return " (cannot pin the UMEM: check RLIMIT_MEMLOCK)";
    case EAFNOSUPPORT:
        return " (kernel built without CONFIG_XDP_SOCKETS)";
    default:
        return "";
    }
}

/* Puts every receive frame in the fill ring. */
static void
afxdp_fill_all(struct netdev_afxdp *dev)
{
    uint32_t idx;

    if (xsk_ring_prod__reserve(&dev->fill, N_RX_FRAMES, &idx) != N_RX_FRAMES) {
        /* Cannot happen: the ring is empty and exactly this large. */
        nf_abort("afxdp: fill ring smaller than %d", N_RX_FRAMES);
    }
    for (uint32_t i = 0; i < N_RX_FRAMES; i++) {
        *xsk_ring_prod__fill_addr(&dev->fill, idx + i) =
            (uint64_t) i * FRAME_SIZE;
    }
    xsk_ring_prod__submit(&dev->fill, N_RX_FRAMES);
}

static int
afxdp_construct(const char *name, struct netdev **netdevp)
{
    struct netdev_afxdp *dev;
    char native_why[320];
    const char *what;
    int error;

    afxdp_init_logging();

    unsigned int ifindex = if_nametoindex(name);
    if (!ifindex) {
        error = errno == ENXIO ? ENODEV : errno;
        VLOG_WARN("port %s: no such network device (afxdp ports attach to "
                  "an existing device): %s",
                  name, nf_strerror(error));
        return error;
    }

    dev = xzalloc(sizeof *dev);
    dev->ifindex = (int) ifindex;

    /* The UMEM must be page-aligned, which mmap guarantees. */
    dev->umem_size = (size_t) N_FRAMES * FRAME_SIZE;
    dev->umem_area = mmap(NULL, dev->umem_size, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (dev->umem_area == MAP_FAILED) {
        error = errno;
        what = "allocate the UMEM";
        goto free_dev;
    }

    const char *native_what;
    error = afxdp_create_socket(dev, name, XDP_FLAGS_DRV_MODE, &native_what);
    if (!error) {
        dev->mode = "native";
    } else if (error == EPERM || error == EACCES || error == ENOMEM
               || error == EAFNOSUPPORT) {
        /* Generic mode would fail the same way. */
        what = native_what;
        goto unmap_umem;
    } else {
        int native_error = error;

        snprintf(native_why, sizeof native_why, "%s%s%s%s",
                 nf_strerror(native_error), last_lib_warning[0] ? " [" : "",
                 last_lib_warning, last_lib_warning[0] ? "]" : "");
        /* A socket that got as far as binding to the queue in the native
         * attempt is released by the kernel from a workqueue, so for a
         * moment the queue may still look taken: EBUSY is retried for up
         * to half a second. */
        for (int tries = 0; tries < 50; tries++) {
            error = afxdp_create_socket(dev, name, XDP_FLAGS_SKB_MODE, &what);
            if (error != EBUSY) {
                break;
            }
            usleep(10 * 1000);
        }
        if (error) {
            /* Both modes failed.  The generic-mode error is the one to
             * report (native mode is refused by many drivers), but the
             * native one is logged too in case it says more. */
            VLOG_WARN("port %s: native XDP mode failed first: cannot %s: %s",
                      name, native_what, native_why);
            goto unmap_umem;
        }
        dev->mode = "generic";
        VLOG_INFO("port %s: native XDP mode unavailable (%s), using generic "
                  "(SKB) mode",
                  name, native_why);
    }
    dev->fd = xsk_socket__fd(dev->xsk);

    afxdp_fill_all(dev);
    for (size_t i = 0; i < N_TX_FRAMES; i++) {
        dev->tx_free[i] = (uint64_t) (N_RX_FRAMES + i) * FRAME_SIZE;
    }
    dev->n_tx_free = N_TX_FRAMES;
    dev->kstats_msec = nf_time_msec();

    VLOG_INFO("port %s: AF_XDP socket on queue 0 in %s mode, copy mode, "
              "%d frames of %d bytes",
              name, dev->mode, N_FRAMES, FRAME_SIZE);
    *netdevp = &dev->up;
    return 0;

unmap_umem:
    munmap(dev->umem_area, dev->umem_size);
free_dev:
    free(dev);
    VLOG_WARN("port %s: cannot %s: %s%s%s%s", name, what, nf_strerror(error),
              afxdp_error_hint(error), last_lib_warning[0] ? "; " : "",
              last_lib_warning);
    return error;
}

static void
afxdp_destruct(struct netdev *netdev)
{
    struct netdev_afxdp *dev = netdev_afxdp_cast(netdev);

    /* The socket goes first: deleting it detaches libxdp's program once no
     * socket uses it, and the UMEM cannot be deleted while a socket uses
     * it. */
    xsk_socket__delete(dev->xsk);
    xsk_umem__delete(dev->umem);
    munmap(dev->umem_area, dev->umem_size);
    free(dev);
}

/* ---------------------------------------------------------------------
 * Counters.
 * --------------------------------------------------------------------- */

/* Adds what the kernel counted since the last call to the port's counters.
 * The kernel's rx_dropped counts both frames too large for a UMEM frame
 * and frames that found the fill ring empty; the latter are also counted
 * in rx_fill_ring_empty_descs, so the difference is the oversized frames,
 * which are errors rather than drops. */
static void
afxdp_collect_kernel_stats(struct netdev_afxdp *dev)
{
    struct xdp_statistics st;
    socklen_t len = sizeof st;

    if (getsockopt(dev->fd, SOL_XDP, XDP_STATISTICS, &st, &len)) {
        return;
    }
    uint64_t dropped = st.rx_dropped - dev->kstats.rx_dropped;
    uint64_t fill_empty =
        st.rx_fill_ring_empty_descs - dev->kstats.rx_fill_ring_empty_descs;
    uint64_t no_fill = NF_MIN(dropped, fill_empty);

    COVERAGE_ADD(afxdp_rx_fill_empty, no_fill);
    dev->up.stats.rx_errors += dropped - no_fill;
    dev->up.stats.rx_errors +=
        st.rx_invalid_descs - dev->kstats.rx_invalid_descs;
    dev->up.stats.rx_dropped +=
        no_fill + (st.rx_ring_full - dev->kstats.rx_ring_full);
    dev->up.stats.tx_errors +=
        st.tx_invalid_descs - dev->kstats.tx_invalid_descs;
    if (dropped > no_fill) {
        VLOG_WARN_RL(&rl,
                     "port %s: the kernel refused %llu frames larger than "
                     "an AF_XDP frame (%d bytes); turn off GSO/TSO on the "
                     "sender or lower its MTU",
                     dev->up.name, (unsigned long long) (dropped - no_fill),
                     RX_FRAME_MAX);
    }
    dev->kstats = st;
}

static void
afxdp_maybe_collect_kernel_stats(struct netdev_afxdp *dev)
{
    long long now = nf_time_msec();

    if (now - dev->kstats_msec >= STATS_INTERVAL_MS) {
        dev->kstats_msec = now;
        afxdp_collect_kernel_stats(dev);
    }
}

/* ---------------------------------------------------------------------
 * Receive.
 * --------------------------------------------------------------------- */

static int
afxdp_recv(struct netdev *netdev, struct pkt **pkts, size_t max, size_t *n)
{
    struct netdev_afxdp *dev = netdev_afxdp_cast(netdev);
    uint32_t idx_rx, idx_fill;

    afxdp_maybe_collect_kernel_stats(dev);

    uint32_t got = xsk_ring_cons__peek(&dev->rx, (uint32_t) max, &idx_rx);
    if (!got) {
        /* Drivers that fill their hardware ring from the fill ring in
         * their own context want a wakeup once it has entries again. */
        if (xsk_ring_prod__needs_wakeup(&dev->fill)) {
            recvfrom(dev->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
        }
        return EAGAIN;
    }

    /* Every receive frame is either in the fill ring or was taken off the
     * RX ring, so the fill ring has room for the ones just taken. */
    if (xsk_ring_prod__reserve(&dev->fill, got, &idx_fill) != got) {
        xsk_ring_cons__cancel(&dev->rx, got);
        VLOG_ERR_RL(&rl, "port %s: no room in the fill ring for %u frames",
                    netdev->name, got);
        return EAGAIN;
    }

    for (uint32_t i = 0; i < got; i++) {
        const struct xdp_desc *desc =
            xsk_ring_cons__rx_desc(&dev->rx, idx_rx + i);
        const uint8_t *frame = xsk_umem__get_data(dev->umem_area, desc->addr);

        /* Copied out, so the frame can go back to the kernel at once. */
        struct pkt *p = netdev_pkt_new(desc->len);
        pkt_put(p, frame, desc->len);
        pkts[(*n)++] = p;
        netdev->stats.rx_packets++;
        netdev->stats.rx_bytes += desc->len;

        /* The descriptor's address points past the kernel's headroom; the
         * fill ring takes the start of the frame. */
        *xsk_ring_prod__fill_addr(&dev->fill, idx_fill + i) =
            desc->addr - desc->addr % FRAME_SIZE;
    }
    xsk_ring_prod__submit(&dev->fill, got);
    xsk_ring_cons__release(&dev->rx, got);
    return 0;
}

/* ---------------------------------------------------------------------
 * Transmit.
 * --------------------------------------------------------------------- */

/* Takes the frames the kernel has finished sending back into the free
 * stack. */
static void
afxdp_reap_completions(struct netdev_afxdp *dev)
{
    uint32_t idx;
    uint32_t done = xsk_ring_cons__peek(&dev->comp, COMP_RING_SIZE, &idx);

    for (uint32_t i = 0; i < done; i++) {
        uint64_t addr = *xsk_ring_cons__comp_addr(&dev->comp, idx + i);
        dev->tx_free[dev->n_tx_free++] = addr - addr % FRAME_SIZE;
    }
    if (done) {
        xsk_ring_cons__release(&dev->comp, done);
    }
}

/* Makes the kernel transmit what the TX ring holds.  Returns 0, or a
 * positive errno if the kernel refused for a reason other than being busy
 * (in which case the frames stay queued for the next kick). */
static int
afxdp_kick(struct netdev_afxdp *dev, size_t queued)
{
    size_t tries = queued / KICK_BATCH + 2;

    while (tries-- > 0) {
        if (!xsk_ring_prod__needs_wakeup(&dev->tx)) {
            return 0;
        }
        COVERAGE_INC(afxdp_tx_kick);
        if (sendto(dev->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0) {
            /* EAGAIN and EBUSY mean the kernel has more to do or is busy
             * with the ring elsewhere, ENOBUFS that the completion ring
             * is full: all pass.  Anything else (ENETDOWN, ENXIO) is the
             * port's failure. */
            int error = errno;
            if (error != EAGAIN && error != EBUSY && error != ENOBUFS
                && error != EINTR) {
                return error;
            }
        }
        /* Everything posted has been consumed: done. */
        if (xsk_prod_nb_free(&dev->tx, TX_RING_SIZE) == TX_RING_SIZE) {
            return 0;
        }
        afxdp_reap_completions(dev);
    }
    return 0;
}

/* Finishes the L4 checksum that a virtio net header says is still to be
 * computed (VIRTIO_NET_HDR_F_NEEDS_CSUM), in the copy of the frame at
 * FRAME.  The field already holds the pseudo-header sum, so summing from
 * csum_start to the end and complementing gives the final value, as the
 * kernel's skb_checksum_help() does.  The offsets were checked by
 * afxdp_check_tx(). */
static void
afxdp_finish_csum(uint8_t *frame, size_t size,
                  const struct virtio_net_hdr *vnet)
{
    size_t start = vnet->csum_start, ofs = vnet->csum_offset;
    uint16_t csum =
        pkt_csum_finish(pkt_csum_add(0, frame + start, size - start));
    if (!csum) {
        /* 0 means "no checksum" to UDP; 0xffff is the same value in one's
         * complement. */
        csum = 0xffff;
    }
    memcpy(frame + start + ofs, &csum, sizeof csum);
    COVERAGE_INC(afxdp_tx_csum_done);
}

/* Why packet P cannot be sent at all, as an errno, or 0 if it can.  Stores
 * P's virtio net header (all zeros if it has none) in *VNET. */
static int
afxdp_check_tx(const struct pkt *p, struct virtio_net_hdr *vnet)
{
    netdev_pkt_get_vnet_hdr(p, vnet);
    if (vnet->gso_type != VIRTIO_NET_HDR_GSO_NONE || p->size > FRAME_SIZE) {
        return EMSGSIZE;
    }
    if (vnet->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM
        && (vnet->csum_start >= p->size
            || vnet->csum_offset + 2u > p->size - vnet->csum_start)) {
        /* A checksum to finish outside the frame: a corrupt header. */
        return EINVAL;
    }
    return 0;
}

static int
afxdp_send(struct netdev *netdev, struct pkt **pkts, size_t n,
           bool may_steal NF_UNUSED)
{
    struct netdev_afxdp *dev = netdev_afxdp_cast(netdev);
    struct virtio_net_hdr vnet;
    int error = 0;

    afxdp_reap_completions(dev);

    /* First pass: how many can go, so that exactly that many TX slots are
     * reserved (the ring's reservation cannot be given back). */
    size_t room =
        NF_MIN(dev->n_tx_free, xsk_prod_nb_free(&dev->tx, TX_RING_SIZE));
    size_t n_ok = 0;
    for (size_t i = 0; i < n; i++) {
        if (!afxdp_check_tx(pkts[i], &vnet)) {
            n_ok++;
        }
    }
    size_t n_send = NF_MIN(n_ok, room);
    uint32_t idx = 0;
    if (n_send
        && xsk_ring_prod__reserve(&dev->tx, (uint32_t) n_send, &idx)
               != n_send) {
        n_send = 0;
    }

    size_t posted = 0;
    for (size_t i = 0; i < n; i++) {
        const struct pkt *p = pkts[i];
        int err = afxdp_check_tx(p, &vnet);

        if (!err && posted == n_send) {
            err = ENOBUFS;
        }
        if (!err) {
            uint64_t addr = dev->tx_free[--dev->n_tx_free];
            uint8_t *frame = xsk_umem__get_data(dev->umem_area, addr);

            memcpy(frame, p->data, p->size);
            if (vnet.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
                afxdp_finish_csum(frame, p->size, &vnet);
            }
            struct xdp_desc *desc = xsk_ring_prod__tx_desc(&dev->tx, idx++);
            desc->addr = addr;
            desc->len = (uint32_t) p->size;
            desc->options = 0;
            posted++;
            netdev->stats.tx_packets++;
            netdev->stats.tx_bytes += p->size;
            continue;
        }

        if (err == ENOBUFS) {
            netdev->stats.tx_dropped++;
        } else {
            netdev->stats.tx_errors++;
        }
        if (!error) {
            error = err;
            if (err == EMSGSIZE) {
                VLOG_WARN_RL(&rl,
                             "port %s: cannot send a %zu-byte %s: AF_XDP "
                             "has no segmentation offload and frames of at "
                             "most %d bytes",
                             netdev->name, p->size,
                             vnet.gso_type ? "GSO super-frame" : "frame",
                             FRAME_SIZE);
            } else if (err == EINVAL) {
                VLOG_WARN_RL(&rl,
                             "port %s: cannot send a %zu-byte packet: its "
                             "virtio net header asks for a checksum at "
                             "%u+%u, outside the frame",
                             netdev->name, p->size, vnet.csum_start,
                             vnet.csum_offset);
            } else {
                VLOG_WARN_RL(&rl,
                             "port %s: dropped a %zu-byte packet on send: "
                             "no free AF_XDP frame or TX ring slot",
                             netdev->name, p->size);
            }
        }
    }

    if (posted) {
        xsk_ring_prod__submit(&dev->tx, (uint32_t) posted);
        int kick_error = afxdp_kick(dev, posted);
        if (kick_error) {
            VLOG_WARN_RL(&rl, "port %s: cannot wake up AF_XDP transmit: %s",
                         netdev->name, nf_strerror(kick_error));
            if (!error) {
                error = kick_error;
            }
        }
    }
    return error;
}

/* ---------------------------------------------------------------------
 * Properties.
 * --------------------------------------------------------------------- */

static int
afxdp_get_etheraddr(const struct netdev *netdev, struct eth_addr *ea)
{
    return netdev_linux_get_etheraddr(netdev->name, ea);
}

static int
afxdp_get_mtu(const struct netdev *netdev, int *mtup)
{
    return netdev_linux_get_mtu(netdev->name, mtup);
}

static int
afxdp_get_ifindex(const struct netdev *netdev, int *ifindexp)
{
    *ifindexp = netdev_afxdp_cast(netdev)->ifindex;
    return 0;
}

static int
afxdp_get_fd(const struct netdev *netdev)
{
    return netdev_afxdp_cast(netdev)->fd;
}

static int
afxdp_set_up(struct netdev *netdev, bool up)
{
    return netdev_linux_set_up(netdev->name, up);
}

const struct netdev_class netdev_afxdp_class = {
    .type = "afxdp",
    .construct = afxdp_construct,
    .destruct = afxdp_destruct,
    .recv = afxdp_recv,
    .send = afxdp_send,
    .get_etheraddr = afxdp_get_etheraddr,
    .get_mtu = afxdp_get_mtu,
    .get_ifindex = afxdp_get_ifindex,
    .get_fd = afxdp_get_fd,
    .set_up = afxdp_set_up,
};
