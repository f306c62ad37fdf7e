/* netdev-afpacket.c: the "afpacket" port type, an existing Linux device
 * reached through an AF_PACKET socket.
 *
 * Receive: a packet ring mmap'ed from the kernel, in one of two layouts,
 * or both (options:rx-ring):
 *
 *   - "v2": TPACKET_V2, one fixed 2 KB slot per frame.  The kernel marks
 *     each slot ready and wakes the reader per packet, so a quiet port
 *     adds no delay.  A frame too big for a slot (a GSO super-frame, a
 *     jumbo frame) is queued whole on the socket as well
 *     (PACKET_COPY_THRESH) and its slot carries TP_STATUS_COPY; it is then
 *     read with one recvmsg(), which costs one system call per ~64 KB.
 *   - "v3": TPACKET_V3, variable-size packets packed into 128 KB blocks.
 *     The kernel hands a whole block over when it is full or after
 *     RING_BLOCK_TIMEOUT_MS, so wakeups are rarer under load, but a quiet
 *     port waits for the timer: about a millisecond on every packet.
 *     (Measured here: ping through two v3 ports averages ~1.3 ms against
 *     ~0.1 ms with v2; v3 forwards about twice the small packets.)
 *   - "auto" (the default): one socket of each layout in a PACKET_FANOUT
 *     group whose classic BPF program names the socket that gets every
 *     packet.  A quiet port uses the v2 socket (no delay); once a port
 *     receives more than AUTO_HIGH_PPS it switches to the v3 socket (whole
 *     blocks per wakeup), and back below AUTO_LOW_PPS.  Switching is one
 *     setsockopt() of a one-instruction program: no packet is lost or
 *     duplicated, and both rings are always read.  The datapath sleeps on
 *     both sockets (one epoll descriptor) only while a switch settles, and
 *     on the active one alone after, which is cheaper per wakeup.
 *
 * Either way packets are copied out of the ring into struct pkt and the
 * slot or block is returned at once, so the ring never waits for the
 * datapath.
 *
 * Offloads: the socket uses PACKET_VNET_HDR, so each received packet comes
 * with a struct virtio_net_hdr describing GSO super-frames (up to 64 KB)
 * and partial checksums, and each sent packet goes out with one.  The
 * kernel's own segmentation and checksum offloads therefore keep working
 * through the port and nobody needs "ethtool -K ... tx off".
 *
 * Transmit: sendmmsg() on a socket of its own (bound with protocol 0: it
 * sends on the device and receives nothing), with PACKET_QDISC_BYPASS
 * since a datapath port wants the device queue directly.  Why not the
 * receive socket: every frame sent is charged to the sending socket until
 * the receiver frees or orphans it, and that release wakes whatever waits
 * on the socket; a receive socket always has a waiter (the datapath's
 * epoll set or poll), so each packet cost a wake-up call that found
 * nothing to do (about 4% of the datapath thread's time at 64-byte line
 * rate).  Nobody waits on the send socket.  The virtio header is written
 * into the headroom right in front of the frame, so each message is one
 * iovec (two when a push left too little headroom).  A TX ring would save
 * the system call, but the kernel hands its frames back as soon as the
 * skb is orphaned (a veth peer's IP layer does that on receipt) while the
 * data may still sit in the receiver's socket queue as page fragments of
 * the ring, so a reused slot could change a queued packet; it is not used.
 * With options:tx-coalesce (on by default), runs of consecutive segments
 * of one TCP connection within a batch leave as one GSO super-frame
 * (netdev-gro.c): the headers rebuilt in a small buffer, the segments'
 * payloads gathered in place by the message's iovecs.  What a tunnel's
 * receiving end hands a veth is then one frame per run, not per segment.
 *
 * The socket is promiscuous (PACKET_ADD_MEMBERSHIP) and ignores packets the
 * host itself sends on the device (PACKET_IGNORE_OUTGOING where the kernel
 * has it, and a check of PACKET_OUTGOING in the ring otherwise), so a frame
 * the datapath sends out never comes back in as input.
 *
 * Receiving after TC ingress (options:rx-after-tc=true): a socket bound
 * with ETH_P_ALL is a tap, and __netif_receive_skb_core() hands a frame to
 * the taps before TC ingress runs.  When flows are offloaded to TC (flower
 * in software, tc-policy=none, or a switchdev representor whose flower
 * software path forwards a frame), a frame that a filter redirects is then
 * forwarded twice: by TC and by the softpath, which read it first.  The
 * softpath should see only what TC left alone, the miss path.  The hook
 * that runs after TC ingress is the device's rx_handler, so with this
 * option the port puts a macvlan in passthru mode on the device
 * (netdev-afpacket-rxtc.c: "nfrx<ifindex>", no addresses, the host's
 * stack kept off it) and binds its receive sockets — both of rx-ring=auto,
 * or the one ring — to the macvlan instead:
 *
 *   - unicast: the macvlan's rx_handler moves every frame to the macvlan
 *     (RX_HANDLER_ANOTHER), whose taps are our sockets, in the same
 *     receive call;
 *   - broadcast and multicast: the lower device keeps the frame and the
 *     macvlan gets a clone, through netif_rx (or, before Linux 6.2,
 *     macvlan's broadcast work queue: a little later, and dropped beyond
 *     its 1,000-frame queue); multicast IPv4 fragments are reassembled
 *     first (ip_check_defrag), so such a packet arrives whole;
 *   - GSO super-frames and partial checksums arrive unchanged (the same
 *     skb, only skb->dev changes), so PACKET_VNET_HDR works as before;
 *   - 802.1Q frames for a VLAN device configured on the port's device go
 *     to that VLAN device before any rx_handler, and so never to us.
 *
 * Transmission stays on the device: a separate socket bound to it with
 * protocol 0, which the kernel takes as "send only" (no protocol hook, so
 * it receives nothing).  The macvlan never sees what that socket sends
 * (transmissions do not pass an rx_handler, and with PACKET_QDISC_BYPASS
 * no tap sees them either), so nothing sent comes back; the receive
 * sockets still ignore outgoing packets in case the host sends something
 * on the macvlan.  The device's own IP stack no longer sees unicast
 * frames, so the option is for switch ports, not for a device with host
 * addresses.  The macvlan goes when the port closes or the option is
 * turned off; one left by a process that died is recreated on open.
 * Errors (no macvlan in the kernel; EBUSY when the device already has an
 * rx_handler, e.g. as a Linux bridge port) are reported with the port and
 * the cause, and the port keeps receiving as before. */
#include <errno.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/netdev-afpacket-private.h"
#include "softpath/netdev-provider.h"

VLOG_DEFINE_THIS_MODULE(netdev_afpacket);

COVERAGE_DEFINE(afpacket_rx_block); /* Ring blocks handed back. */
COVERAGE_DEFINE(afpacket_rx_gso);   /* Super-frames received. */
COVERAGE_DEFINE(afpacket_rx_csum_partial);
COVERAGE_DEFINE(afpacket_rx_copy);     /* Big frames read from the socket. */
COVERAGE_DEFINE(afpacket_ring_switch); /* auto: v2 <-> v3. */
COVERAGE_DEFINE(afpacket_tx_drop);
COVERAGE_DEFINE(afpacket_tx_coalesce_refused);
COVERAGE_DEFINE(afpacket_rx_after_tc_open);  /* Ports moved to a macvlan. */
COVERAGE_DEFINE(afpacket_rx_after_tc_close); /* ... and moved back. */

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

/* TPACKET_V3: a block must hold the largest GSO frame (64 KB plus
 * headers) after the block descriptor, or the kernel truncates it; 128 KB
 * is the next power of two.  32 blocks give a 4 MB ring: about 3 ms of a
 * 10 Gb/s link. */
#define V3_BLOCK_SIZE (1u << 17)
#define V3_BLOCK_NR 32
#define V3_FRAME_SIZE 2048 /* Only an accounting unit in TPACKET_V3. */

/* How long the kernel keeps a partly filled V3 block before handing it
 * over: the latency bound for a quiet port. */
#define RING_BLOCK_TIMEOUT_MS 1

/* TPACKET_V2: 2 KB slots hold any frame of a 1500-byte MTU after the slot
 * header, the address and the virtio header; 2048 of them (4 MB, the same
 * memory as V3's ring) absorb a burst of small packets.  Blocks are only an
 * allocation unit here; 64 KB keeps every slot inside one block. */
#define V2_FRAME_SIZE 2048
#define V2_BLOCK_SIZE (1u << 16)
#define V2_FRAME_NR 2048

/* The largest frame the copy path reads: a 64 KB GSO super-frame plus its
 * link header and a VLAN tag. */
#define V2_COPY_MAX (65536 + 64)

/* Socket buffers: for sends, several super-frames in flight; for receives,
 * the super-frames the V2 ring passes to the socket queue. */
#define SNDBUF_SIZE (4 << 20)
#define RCVBUF_SIZE (8 << 20)

enum afpacket_ring {
    AFPACKET_RING_V2,
    AFPACKET_RING_V3,
};

/* auto: packets per second above which a port moves to its v3 socket, and
 * below which it moves back, measured over AUTO_WINDOW_MS.  The gap keeps a
 * port near one threshold from flapping. */
#define AUTO_HIGH_PPS 30000
#define AUTO_LOW_PPS 5000
#define AUTO_WINDOW_MS 100

/* auto: AUTO_QUIET_BLOCKS v3 blocks in a row that the timer retired
 * (RING_BLOCK_TIMEOUT_MS) with at most AUTO_QUIET_BLOCK_PKTS packets each
 * mean the traffic has stopped: the port moves back to v2 at once instead
 * of at the end of the window, so the packets after a burst do not each
 * wait for the block timer (measured: 8 to 15 ms on each of the first
 * pings after a flood, the timer being a jiffy or two). */
#define AUTO_QUIET_BLOCK_PKTS 2
#define AUTO_QUIET_BLOCKS 2

/* auto: how long after a switch the datapath still waits on both sockets
 * (through EPFD) rather than on the active one alone.  Frames the kernel
 * was putting in the old ring while the switch happened, and a v3 block
 * the old socket's timer has yet to retire (RING_BLOCK_TIMEOUT_MS), wake
 * the datapath within it; after it nothing more arrives there. */
#define AUTO_SETTLE_MS 50

/* One AF_PACKET socket with its ring. */
struct afpacket_sock {
    int fd;
    enum afpacket_ring ring_type;
    uint8_t *ring;
    size_t ring_size;

    /* V2 receive position: the next slot to look at. */
    unsigned int frame;

    /* V3 receive position: the block being read, the next packet in it and
     * how many packets of it are left (NULL/0 when the block has not been
     * started yet). */
    unsigned int block;
    struct tpacket3_hdr *next_pkt;
    uint32_t pkts_left;
    unsigned int quiet_blocks; /* Nearly empty timed-out blocks in a row. */
};

struct netdev_afpacket {
    struct netdev up;
    int ifindex;
    enum afpacket_mode mode;

    /* rx-after-tc: the receive sockets are bound to RX_IFINDEX, the
     * device's macvlan; otherwise RX_IFINDEX is IFINDEX.  TX_FD, a
     * send-only socket on the device, sends in every mode (see
     * "Transmit" at the top of the file); -1 only while closed. */
    bool rx_after_tc;
    int rx_ifindex;
    int tx_fd;
    /* tx-coalesce: runs of TCP segments and UDP datagrams leave as GSO
     * super-frames (netdev-gro.c).  On a veth only those addressed to the
     * peer device itself (its address in PEER_MAC), looked up every
     * PEER_CHECK_MS: such a frame ends in the peer's own stack, which
     * takes GSO frames, while anything forwarded beyond the peer may reach
     * a raw-socket reader (another switch, a capture) that cannot.  On
     * other devices the kernel or the NIC cuts a super-frame before the
     * wire.  PEER_STATE: PEER_UNKNOWN until looked up or when the lookup
     * failed (no merging then), PEER_NONE (not a veth: any frame),
     * PEER_MAC (a veth). */
    bool tx_coalesce;
    enum { PEER_UNKNOWN, PEER_NONE, PEER_VETH } peer_state;
    uint8_t peer_mac[6];
    long long peer_checked_ms;

    /* The port's input is handed over (netdev-handover.c): every receive
     * socket carries a filter that takes nothing. */
    bool rx_paused;

    /* One socket (v2 or v3 mode) or two, [0] v2 and [1] v3, in one fanout
     * group (auto); they only receive.  EPFD watches both in auto mode so
     * that the datapath has one descriptor to poll around a switch; once
     * the switch has settled it polls the active socket itself
     * (afpacket_get_fd()). */
    struct afpacket_sock socks[2];
    size_t n_socks;
    int epfd;

    /* auto: the socket the fanout program now names (since STEER_MSEC),
     * and the packets counted since RATE_START.  Both times are
     * nf_time_msec_coarse(): the auto port reads the clock on every
     * receive call, which the datapath makes in a loop while it busy
     * polls, and a tick's resolution is plenty for its 100 ms window. */
    unsigned int active;
    long long steer_msec;
    bool quiet_block; /* The v3 ring handed over a nearly empty block. */
    long long rate_start;
    uint64_t rate_pkts;
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

/* Asks for the ring TYPE on the socket (whose version is already set) and
 * maps it.  On failure returns a positive errno with *WHAT saying which
 * step failed. */
static int
afpacket_setup_ring(struct afpacket_sock *dev, const char **what)
{
    int error;

    if (dev->ring_type == AFPACKET_RING_V3) {
        struct tpacket_req3 req = {
            .tp_block_size = V3_BLOCK_SIZE,
            .tp_block_nr = V3_BLOCK_NR,
            .tp_frame_size = V3_FRAME_SIZE,
            .tp_frame_nr = V3_BLOCK_SIZE / V3_FRAME_SIZE * V3_BLOCK_NR,
            .tp_retire_blk_tov = RING_BLOCK_TIMEOUT_MS,
        };
        error =
            setsockopt(dev->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req)
                    < 0
                ? errno
                : 0;
        dev->ring_size = (size_t) V3_BLOCK_SIZE * V3_BLOCK_NR;
    } else {
        struct tpacket_req req = {
            .tp_block_size = V2_BLOCK_SIZE,
            .tp_block_nr = V2_FRAME_NR / (V2_BLOCK_SIZE / V2_FRAME_SIZE),
            .tp_frame_size = V2_FRAME_SIZE,
            .tp_frame_nr = V2_FRAME_NR,
        };
        error =
            setsockopt(dev->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req)
                    < 0
                ? errno
                : 0;
        dev->ring_size = (size_t) V2_FRAME_SIZE * V2_FRAME_NR;
    }
    if (error) {
        *what = "set up the receive ring (PACKET_RX_RING)";
        return error;
    }
    dev->ring = mmap(NULL, dev->ring_size, PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_POPULATE, dev->fd, 0);
    if (dev->ring == MAP_FAILED) {
        dev->ring = NULL;
        *what = "map the receive ring";
        return errno;
    }
    return 0;
}

/* Opens socket S of port PORT with a ring of S->ring_type and binds it to
 * the device.  With MUTE, a filter that takes nothing is attached before
 * the bind (the caller removes it once the socket is in its fanout group,
 * so that it never sees a packet the other socket also gets).  Leaves
 * nothing open on failure; returns a positive errno with *WHAT saying
 * which step failed. */
static int
afpacket_sock_open(struct netdev_afpacket *port, struct afpacket_sock *dev,
                   bool mute, const char **what)
{
    const char *name = port->up.name;
    int error;

    dev->frame = 0;
    dev->block = 0;
    dev->next_pkt = NULL;
    dev->pkts_left = 0;

    /* Protocol 0 receives nothing until bind(), so no packet arrives before
     * the ring and the options are in place. */
    dev->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (dev->fd < 0) {
        *what = "create AF_PACKET socket";
        return errno;
    }

    /* PACKET_VNET_HDR must precede the ring: the kernel refuses it once a
     * ring exists. */
    *what = "enable PACKET_VNET_HDR";
    error = set_int_opt(dev->fd, SOL_PACKET, PACKET_VNET_HDR, 1);
    if (error) {
        goto close_fd;
    }
    *what = "select the ring version (PACKET_VERSION)";
    error = set_int_opt(dev->fd, SOL_PACKET, PACKET_VERSION,
                        dev->ring_type == AFPACKET_RING_V3 ? TPACKET_V3
                                                           : TPACKET_V2);
    if (error) {
        goto close_fd;
    }
    error = afpacket_setup_ring(dev, what);
    if (error) {
        goto close_fd;
    }
    if (dev->ring_type == AFPACKET_RING_V2) {
        /* Without this a frame bigger than a slot would arrive cut short
         * and have to be dropped. */
        *what = "enable PACKET_COPY_THRESH";
        error = set_int_opt(dev->fd, SOL_PACKET, PACKET_COPY_THRESH, 1);
        if (error) {
            goto unmap_ring;
        }
        if (set_int_opt(dev->fd, SOL_SOCKET, SO_RCVBUFFORCE, RCVBUF_SIZE)) {
            set_int_opt(dev->fd, SOL_SOCKET, SO_RCVBUF, RCVBUF_SIZE);
        }
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
    if (mute) {
        static struct sock_filter take_nothing[] = {
            BPF_STMT(BPF_RET | BPF_K, 0),
        };
        struct sock_fprog prog = { 1, take_nothing };
        *what = "attach a filter (SO_ATTACH_FILTER)";
        if (setsockopt(dev->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
                       sizeof prog)
            < 0) {
            error = errno;
            goto unmap_ring;
        }
    }

    struct packet_mreq mreq = {
        .mr_ifindex = port->rx_ifindex,
        .mr_type = PACKET_MR_PROMISC,
    };
    *what = "enable promiscuous mode (PACKET_ADD_MEMBERSHIP)";
    if (setsockopt(dev->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq,
                   sizeof mreq)
        < 0) {
        error = errno;
        goto unmap_ring;
    }

    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET,
        .sll_protocol = htons(ETH_P_ALL),
        .sll_ifindex = port->rx_ifindex,
    };
    *what = port->rx_after_tc ? "bind the socket to the receive macvlan"
                              : "bind the socket to the device";
    if (bind(dev->fd, (struct sockaddr *) &sll, sizeof sll) < 0) {
        error = errno;
        goto unmap_ring;
    }
    return 0;

unmap_ring:
    munmap(dev->ring, dev->ring_size);
    dev->ring = NULL;
close_fd:
    close(dev->fd);
    dev->fd = -1;
    return error;
}

static void
afpacket_sock_close(struct afpacket_sock *dev)
{
    if (dev->ring) {
        munmap(dev->ring, dev->ring_size);
        dev->ring = NULL;
    }
    if (dev->fd >= 0) {
        close(dev->fd);
        dev->fd = -1;
    }
}

/* Opens DEV->tx_fd, the socket that sends on the device itself (also
 * while rx-after-tc has the receive sockets on the macvlan).  Bound with
 * protocol 0, it has a device to send on but no protocol hook, so the
 * kernel queues nothing to it.  Returns 0 or a positive errno with *WHAT
 * saying which step failed. */
static int
afpacket_tx_open(struct netdev_afpacket *dev, const char **what)
{
    int error;

    *what = "create the send socket";
    dev->tx_fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (dev->tx_fd < 0) {
        return errno;
    }
    *what = "enable PACKET_VNET_HDR on the send socket";
    error = set_int_opt(dev->tx_fd, SOL_PACKET, PACKET_VNET_HDR, 1);
    if (error) {
        goto close_fd;
    }
    if (set_int_opt(dev->tx_fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1)) {
        VLOG_DBG("port %s: no PACKET_QDISC_BYPASS", dev->up.name);
    }
    if (set_int_opt(dev->tx_fd, SOL_SOCKET, SO_SNDBUFFORCE, SNDBUF_SIZE)) {
        set_int_opt(dev->tx_fd, SOL_SOCKET, SO_SNDBUF, SNDBUF_SIZE);
    }

    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET,
        .sll_protocol = 0,
        .sll_ifindex = dev->ifindex,
    };
    *what = "bind the send socket to the device";
    if (bind(dev->tx_fd, (struct sockaddr *) &sll, sizeof sll) < 0) {
        error = errno;
        goto close_fd;
    }
    return 0;

close_fd:
    close(dev->tx_fd);
    dev->tx_fd = -1;
    return error;
}

static void
afpacket_close(struct netdev_afpacket *dev)
{
    if (dev->epfd >= 0) {
        close(dev->epfd);
        dev->epfd = -1;
    }
    for (size_t i = 0; i < dev->n_socks; i++) {
        afpacket_sock_close(&dev->socks[i]);
    }
    dev->n_socks = 0;
    if (dev->tx_fd >= 0) {
        close(dev->tx_fd);
        dev->tx_fd = -1;
    }
}

/* Points DEV's fanout group at socket IDX (auto mode). */
static int
afpacket_steer(struct netdev_afpacket *dev, unsigned int idx)
{
    struct sock_filter ret_idx[] = {
        BPF_STMT(BPF_RET | BPF_K, idx),
    };
    struct sock_fprog prog = { 1, ret_idx };

    if (setsockopt(dev->socks[0].fd, SOL_PACKET, PACKET_FANOUT_DATA, &prog,
                   sizeof prog)
        < 0) {
        return errno;
    }
    dev->active = idx;
    dev->steer_msec = nf_time_msec_coarse();
    return 0;
}

/* Joins socket S to DEV's fanout group.  With CREATE the kernel makes a
 * new group with an id of its choosing, returned in *ID; otherwise S joins
 * group *ID.  Zero is an id like any other: the kernel's unique ids start
 * there after boot, so "no group yet" cannot be told by the id.  Returns 0,
 * a positive errno from the kernel, or EXDEV when S is in a group other
 * than *ID after joining. */
static int
afpacket_join_fanout(struct afpacket_sock *s, bool create, uint16_t *id)
{
    int arg = netdev_afpacket_fanout_arg(create, *id);

    if (setsockopt(s->fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) < 0) {
        return errno;
    }
    /* Read the group back either way: a socket that ended up in another
     * group than its sibling's would receive every frame a second time, so
     * that is refused here rather than found as duplicates on the wire. */
    int got = 0;
    socklen_t len = sizeof got;
    if (getsockopt(s->fd, SOL_PACKET, PACKET_FANOUT, &got, &len) < 0) {
        return errno;
    }
    if (create) {
        *id = (uint16_t) (got & 0xffff);
    } else if ((uint16_t) (got & 0xffff) != *id) {
        return EXDEV;
    }
    return 0;
}

int
netdev_afpacket_fanout_arg(bool create, uint16_t id)
{
    int flags = PACKET_FANOUT_CBPF;

    if (create) {
        /* The kernel wants id 0 with this flag and picks the id itself. */
        flags |= PACKET_FANOUT_FLAG_UNIQUEID;
        id = 0;
    }
    return (int) id | (flags << 16);
}

/* Opens DEV's sockets for DEV->mode, receiving on DEV->rx_ifindex, and the
 * send socket.  Leaves nothing open on failure; returns a positive errno
 * with *WHAT saying which step failed. */
static int afpacket_pause_socks(struct netdev_afpacket *, bool pause);
static int afpacket_open(struct netdev_afpacket *, const char **what);

static int
afpacket_open__(struct netdev_afpacket *dev, const char **what)
{
    int error;

    dev->epfd = -1;
    dev->tx_fd = -1;
    dev->n_socks = 0;
    dev->active = 0;
    dev->rate_start = nf_time_msec_coarse();
    dev->rate_pkts = 0;
    error = afpacket_tx_open(dev, what);
    if (error) {
        return error;
    }
    dev->socks[0] = (struct afpacket_sock){
        .fd = -1,
        .ring_type = dev->mode == AFPACKET_MODE_V3 ? AFPACKET_RING_V3
                                                   : AFPACKET_RING_V2,
    };
    error = afpacket_sock_open(dev, &dev->socks[0], false, what);
    if (error) {
        goto close;
    }
    dev->n_socks = 1;
    if (dev->mode != AFPACKET_MODE_AUTO) {
        return 0;
    }

    uint16_t id = 0;
    *what = "create a fanout group (PACKET_FANOUT)";
    error = afpacket_join_fanout(&dev->socks[0], true, &id);
    if (error) {
        goto close;
    }
    *what = "steer the fanout group (PACKET_FANOUT_DATA)";
    error = afpacket_steer(dev, 0);
    if (error) {
        goto close;
    }
    dev->socks[1] =
        (struct afpacket_sock){ .fd = -1, .ring_type = AFPACKET_RING_V3 };
    error = afpacket_sock_open(dev, &dev->socks[1], true, what);
    if (error) {
        goto close;
    }
    dev->n_socks = 2;
    *what = "join the fanout group (PACKET_FANOUT)";
    error = afpacket_join_fanout(&dev->socks[1], false, &id);
    if (error == EXDEV) {
        *what = "join the v2 ring's fanout group (PACKET_FANOUT put the v3 "
                "socket in another group)";
    }
    if (error) {
        goto close;
    }
    *what = "remove the setup filter (SO_DETACH_FILTER)";
    int zero = 0;
    if (setsockopt(dev->socks[1].fd, SOL_SOCKET, SO_DETACH_FILTER, &zero,
                   sizeof zero)
        < 0) {
        error = errno;
        goto close;
    }

    *what = "create an epoll descriptor for the two sockets";
    dev->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (dev->epfd < 0) {
        error = errno;
        goto close;
    }
    for (size_t i = 0; i < 2; i++) {
        struct epoll_event ev = { .events = EPOLLIN };
        if (epoll_ctl(dev->epfd, EPOLL_CTL_ADD, dev->socks[i].fd, &ev) < 0) {
            error = errno;
            goto close;
        }
    }
    return 0;

close:
    afpacket_close(dev);
    return error;
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
    dev->rx_ifindex = dev->ifindex;
    dev->mode = AFPACKET_MODE_AUTO;
    dev->tx_coalesce = true;
    dev->epfd = -1;
    dev->tx_fd = -1;
    /* The name is set by the caller after construct; the messages below
     * need it before. */
    dev->up.name = (char *) name;
    error = afpacket_open(dev, &what);
    if (error && dev->mode == AFPACKET_MODE_AUTO) {
        /* A kernel without classic-BPF fanout still gets a working port,
         * on the ring that never delays a packet. */
        VLOG_WARN("port %s: cannot %s (%s): receiving on the v2 ring only",
                  name, what, nf_strerror(error));
        dev->mode = AFPACKET_MODE_V2;
        error = afpacket_open(dev, &what);
    }
    dev->up.name = NULL;
    if (error) {
        VLOG_WARN("port %s: cannot %s: %s", name, what, nf_strerror(error));
        free(dev);
        return error;
    }
    *netdevp = &dev->up;
    return 0;
}

static void
afpacket_destruct(struct netdev *netdev)
{
    struct netdev_afpacket *dev = netdev_afpacket_cast(netdev);

    afpacket_close(dev);
    if (dev->rx_after_tc) {
        char *msg = NULL;

        if (netdev_afpacket_rxtc_destroy(netdev->name, dev->ifindex, &msg)) {
            VLOG_WARN("%s", msg);
        }
        free(msg);
        COVERAGE_INC(afpacket_rx_after_tc_close);
    }
    free(dev);
}

/* Adds the kernel's count of packets it dropped for lack of ring space to
 * rx_dropped.  Reading PACKET_STATISTICS resets the kernel's counters, so
 * each drop is counted once.  (struct tpacket_stats is a prefix of the V3
 * layout, so one buffer serves both versions.) */
static void
afpacket_collect_drops(struct netdev_afpacket *dev, struct afpacket_sock *s)
{
    struct tpacket_stats_v3 st;
    socklen_t len = sizeof st;

    if (!getsockopt(s->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len)) {
        dev->up.stats.rx_dropped += st.tp_drops;
    }
}

/* Finishes a received packet P whose virtio header is VNET: puts back a
 * VLAN tag the device took off (TP_STATUS_VLAN_VALID in STATUS, TPID and
 * TCI given), then attaches the header.  The datapath wants the frame as it
 * was on the wire, so the tag goes back in and the offsets in the virtio
 * header move with the bytes behind it. */
static void
afpacket_finish_pkt(struct pkt *p, struct virtio_net_hdr *vnet,
                    uint32_t status, uint16_t tpid, uint16_t tci)
{
    if (vnet->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
        COVERAGE_INC(afpacket_rx_gso);
    }
    if (vnet->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
        COVERAGE_INC(afpacket_rx_csum_partial);
    }
    if (status & TP_STATUS_VLAN_VALID) {
        if (!(status & TP_STATUS_VLAN_TPID_VALID)) {
            tpid = ETH_TYPE_VLAN_8021Q;
        }
        if (!pkt_push_vlan(p, htons(tpid), htons(tci))) {
            if (vnet->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
                vnet->csum_start += VLAN_HEADER_LEN;
            }
            if (vnet->hdr_len) {
                vnet->hdr_len += VLAN_HEADER_LEN;
            }
        }
    }
    netdev_pkt_set_vnet_hdr(p, vnet);
}

/* Counts a frame the ring cut short (only possible when it would not fit
 * anywhere): a part of a frame is no use to anybody. */
static void
afpacket_truncated(struct netdev_afpacket *dev, uint32_t len, uint32_t snap)
{
    dev->up.stats.rx_errors++;
    VLOG_WARN_RL(&rl,
                 "port %s: dropped a %u-byte frame truncated to %u bytes "
                 "by the receive ring",
                 dev->up.name, len, snap);
}

/* Copies the V3 packet described by HDR out of the ring, or returns NULL if
 * it is to be skipped (counted where it should be). */
static struct pkt *
afpacket_copy_pkt_v3(struct netdev_afpacket *dev, struct afpacket_sock *s,
                     const struct tpacket3_hdr *hdr)
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
        afpacket_truncated(dev, hdr->tp_len, hdr->tp_snaplen);
        return NULL;
    }
    if (hdr->tp_status & TP_STATUS_LOSING) {
        afpacket_collect_drops(dev, s);
    }

    /* The kernel puts the virtio net header right in front of the frame. */
    memcpy(&vnet, frame - sizeof vnet, sizeof vnet);

    struct pkt *p = netdev_pkt_new(hdr->tp_snaplen);
    pkt_put(p, frame, hdr->tp_snaplen);
    afpacket_finish_pkt(p, &vnet, hdr->tp_status, hdr->hv1.tp_vlan_tpid,
                        hdr->hv1.tp_vlan_tci);
    return p;
}

static int
afpacket_recv_v3(struct netdev_afpacket *dev, struct afpacket_sock *s,
                 struct pkt **pkts, size_t max, size_t *n)
{
    while (*n < max) {
        struct tpacket_block_desc *bd =
            (struct tpacket_block_desc *) (s->ring
                                           + (size_t) s->block
                                                 * V3_BLOCK_SIZE);

        /* The acquire load pairs with the kernel's release of the block:
         * packet contents are read only after the status says so. */
        uint32_t status =
            __atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
        if (!(status & TP_STATUS_USER)) {
            break;
        }
        if (!s->next_pkt) {
            s->next_pkt =
                (struct tpacket3_hdr *) ((uint8_t *) bd
                                         + bd->hdr.bh1.offset_to_first_pkt);
            s->pkts_left = bd->hdr.bh1.num_pkts;
            /* Blocks the timer handed over nearly empty, twice in a row:
             * the traffic that moved an auto port to this ring has
             * stopped (one such block may be a sender that paused for a
             * few milliseconds under load). */
            if ((status & TP_STATUS_BLK_TMO)
                && s->pkts_left <= AUTO_QUIET_BLOCK_PKTS) {
                if (++s->quiet_blocks >= AUTO_QUIET_BLOCKS) {
                    dev->quiet_block = true;
                }
            } else {
                s->quiet_blocks = 0;
            }
        }
        if (!s->pkts_left) {
            /* Done with this block: give it back and go on. */
            __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
                             __ATOMIC_RELEASE);
            COVERAGE_INC(afpacket_rx_block);
            s->block = (s->block + 1) % V3_BLOCK_NR;
            s->next_pkt = NULL;
            continue;
        }

        struct tpacket3_hdr *hdr = s->next_pkt;
        s->pkts_left--;
        s->next_pkt =
            (struct tpacket3_hdr *) ((uint8_t *) hdr + hdr->tp_next_offset);
        struct pkt *p = afpacket_copy_pkt_v3(dev, s, hdr);
        if (p) {
            pkts[(*n)++] = p;
        }
    }
    return 0;
}

/* Reads the whole frame that the V2 slot HDR stands for from the socket
 * queue (the slot has TP_STATUS_COPY and only the frame's first bytes). */
static struct pkt *
afpacket_read_copied(struct netdev_afpacket *dev, struct afpacket_sock *s,
                     const struct tpacket2_hdr *hdr)
{
    struct virtio_net_hdr vnet;
    size_t want = NF_MIN((size_t) hdr->tp_len, (size_t) V2_COPY_MAX);
    struct pkt *p = netdev_pkt_new(want);
    struct iovec iov[2] = {
        { &vnet, sizeof vnet },
        { pkt_put_uninit(p, want), want },
    };
    struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
    ssize_t r;

    COVERAGE_INC(afpacket_rx_copy);
    do {
        r = recvmsg(s->fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        /* The kernel queues the frame before it marks the slot, so this
         * means the socket lost it. */
        dev->up.stats.rx_errors++;
        VLOG_WARN_RL(&rl,
                     "port %s: a %u-byte frame was not on the socket "
                     "queue: %s",
                     dev->up.name, hdr->tp_len, nf_strerror(errno));
        pkt_delete(p);
        return NULL;
    }
    if ((size_t) r < sizeof vnet || (size_t) r - sizeof vnet > want) {
        afpacket_truncated(dev, hdr->tp_len, (uint32_t) want);
        pkt_delete(p);
        return NULL;
    }
    p->size = (size_t) r - sizeof vnet;
    afpacket_finish_pkt(p, &vnet, hdr->tp_status, hdr->tp_vlan_tpid,
                        hdr->tp_vlan_tci);
    return p;
}

/* Copies the frame in V2 slot HDR (status STATUS) out of the ring, or
 * reads it from the socket queue; returns NULL if it is to be skipped
 * (counted where it should be). */
static struct pkt *
afpacket_copy_pkt_v2(struct netdev_afpacket *dev, struct afpacket_sock *s,
                     const struct tpacket2_hdr *hdr, uint32_t status)
{
    const struct sockaddr_ll *sll =
        (const void *) ((const uint8_t *) hdr
                        + TPACKET_ALIGN(sizeof(struct tpacket2_hdr)));
    const uint8_t *frame = (const uint8_t *) hdr + hdr->tp_mac;
    struct virtio_net_hdr vnet;

    if (status & TP_STATUS_LOSING) {
        afpacket_collect_drops(dev, s);
    }
    if (status & TP_STATUS_COPY) {
        /* Read even an outgoing one, or the queue falls out of step with
         * the ring. */
        struct pkt *p = afpacket_read_copied(dev, s, hdr);
        if (p && sll->sll_pkttype == PACKET_OUTGOING) {
            pkt_delete(p);
            p = NULL;
        }
        return p;
    }
    if (sll->sll_pkttype == PACKET_OUTGOING) {
        return NULL;
    }
    if (hdr->tp_snaplen < hdr->tp_len) {
        afpacket_truncated(dev, hdr->tp_len, hdr->tp_snaplen);
        return NULL;
    }
    memcpy(&vnet, frame - sizeof vnet, sizeof vnet);

    struct pkt *p = netdev_pkt_new(hdr->tp_snaplen);
    pkt_put(p, frame, hdr->tp_snaplen);
    afpacket_finish_pkt(p, &vnet, status, hdr->tp_vlan_tpid, hdr->tp_vlan_tci);
    return p;
}

static int
afpacket_recv_v2(struct netdev_afpacket *dev, struct afpacket_sock *s,
                 struct pkt **pkts, size_t max, size_t *n)
{
    while (*n < max) {
        struct tpacket2_hdr *hdr =
            (struct tpacket2_hdr *) (s->ring
                                     + (size_t) s->frame * V2_FRAME_SIZE);

        /* The acquire load pairs with the kernel's release of the slot. */
        uint32_t status = __atomic_load_n(&hdr->tp_status, __ATOMIC_ACQUIRE);
        if (!(status & TP_STATUS_USER)) {
            break;
        }
        struct pkt *p = afpacket_copy_pkt_v2(dev, s, hdr, status);
        __atomic_store_n(&hdr->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        s->frame = (s->frame + 1) % V2_FRAME_NR;
        if (p) {
            pkts[(*n)++] = p;
        }
    }
    return 0;
}

unsigned int
netdev_afpacket_auto_want(unsigned int active, bool quiet_block,
                          long long elapsed_ms, uint64_t pkts)
{
    if (active == 1 && quiet_block) {
        return 0;
    }
    if (elapsed_ms < AUTO_WINDOW_MS) {
        return active;
    }
    uint64_t pps = pkts * 1000 / (uint64_t) elapsed_ms;
    if (active == 0 && pps > AUTO_HIGH_PPS) {
        return 1;
    } else if (active == 1 && pps < AUTO_LOW_PPS) {
        return 0;
    }
    return active;
}

/* auto: counts N more packets and moves the port to the socket
 * netdev_afpacket_auto_want() names; a new window starts at each switch
 * and at the end of each window. */
static void
afpacket_auto_steer(struct netdev_afpacket *dev, size_t n)
{
    long long now = nf_time_msec_coarse();
    long long elapsed = now - dev->rate_start;

    dev->rate_pkts += n;
    unsigned int want = netdev_afpacket_auto_want(
        dev->active, dev->quiet_block, elapsed, dev->rate_pkts);
    dev->quiet_block = false;
    if (want == dev->active && elapsed < AUTO_WINDOW_MS) {
        return;
    }
    uint64_t pps = elapsed > 0 ? dev->rate_pkts * 1000 / (uint64_t) elapsed
                               : dev->rate_pkts;
    if (want != dev->active) {
        int error = afpacket_steer(dev, want);
        if (error) {
            VLOG_WARN_RL(&rl, "port %s: cannot switch receive rings: %s",
                         dev->up.name, nf_strerror(error));
        } else {
            COVERAGE_INC(afpacket_ring_switch);
            VLOG_DBG("port %s: %" PRIu64 " packets/s: receiving on the %s "
                     "ring",
                     dev->up.name, pps, want ? "v3" : "v2");
        }
    }
    dev->rate_start = now;
    dev->rate_pkts = 0;
}

static int
afpacket_recv(struct netdev *netdev, struct pkt **pkts, size_t max, size_t *n)
{
    struct netdev_afpacket *dev = netdev_afpacket_cast(netdev);
    size_t before = *n;

    /* Both rings of an auto port: a switch leaves packets in the one it
     * left. */
    for (size_t i = 0; i < dev->n_socks; i++) {
        struct afpacket_sock *s = &dev->socks[i];
        if (s->ring_type == AFPACKET_RING_V3) {
            afpacket_recv_v3(dev, s, pkts, max, n);
        } else {
            afpacket_recv_v2(dev, s, pkts, max, n);
        }
    }
    for (size_t i = before; i < *n; i++) {
        netdev->stats.rx_packets++;
        netdev->stats.rx_bytes += pkts[i]->size;
    }
    if (dev->mode == AFPACKET_MODE_AUTO) {
        afpacket_auto_steer(dev, *n - before);
    }
    return *n ? 0 : EAGAIN;
}

/* How often a port that coalesces looks up its veth peer again: a peer
 * moved to another netns, or given another address, is seen this late. */
#define PEER_CHECK_MS 1000

/* Looks up DEV's veth peer when due (see struct netdev_afpacket) and
 * returns what DEV knows of it. */
static int
afpacket_peer_refresh(struct netdev_afpacket *dev)
{
    long long now = nf_time_msec_coarse();

    if (dev->peer_checked_ms && now - dev->peer_checked_ms < PEER_CHECK_MS) {
        return dev->peer_state;
    }
    dev->peer_checked_ms = now ? now : 1;

    bool veth;
    int error = netdev_afpacket_peer_mac(dev->ifindex, &veth, dev->peer_mac);
    if (error) {
        VLOG_WARN_RL(&rl,
                     "port %s: cannot look up the device%s (%s); no "
                     "coalescing on send until it can",
                     dev->up.name, veth ? "'s veth peer" : "",
                     nf_strerror(error));
        dev->peer_state = PEER_UNKNOWN;
    } else {
        dev->peer_state = veth ? PEER_VETH : PEER_NONE;
    }
    return dev->peer_state;
}

static int
afpacket_send(struct netdev *netdev, struct pkt **pkts, size_t n,
              bool may_steal NF_UNUSED)
{
    struct netdev_afpacket *dev = netdev_afpacket_cast(netdev);
    struct netdev_gro_run runs[NETDEV_MAX_BURST];
    struct virtio_net_hdr vnet[NETDEV_MAX_BURST];
    /* A single packet takes at most two pieces, a run of K segments K + 1,
     * so a batch never needs more than two per packet. */
    struct iovec iov[2 * NETDEV_MAX_BURST];
    struct mmsghdr msgs[NETDEV_MAX_BURST];
    int error = 0;

    for (size_t base = 0; base < n; base += NETDEV_MAX_BURST) {
        size_t batch = NF_MIN(n - base, NETDEV_MAX_BURST);
        size_t n_runs, n_iov = 0;

        if (dev->tx_coalesce && batch > 1
            && afpacket_peer_refresh(dev) != PEER_UNKNOWN) {
            n_runs = netdev_gro_plan(
                pkts + base, batch, runs,
                dev->peer_state == PEER_VETH ? dev->peer_mac : NULL);
        } else {
            for (size_t i = 0; i < batch; i++) {
                runs[i].first = i;
                runs[i].n = 1;
            }
            n_runs = batch;
        }
        memset(msgs, 0, n_runs * sizeof msgs[0]);
        for (size_t r = 0; r < n_runs; r++) {
            const struct netdev_gro_run *run = &runs[r];
            struct pkt *p = pkts[base + run->first];
            struct iovec *v = &iov[n_iov];

            msgs[r].msg_hdr.msg_iov = v;
            if (run->n > 1) {
                /* The merged headers, then every segment's payload, in
                 * place: the kernel gathers them into one frame. */
                v[0] = (struct iovec){ (void *) run->hdr, run->hdr_len };
                for (size_t k = 0; k < run->n; k++) {
                    struct pkt *s = pkts[base + run->first + k];
                    v[1 + k] = (struct iovec){ s->data + run->payload_ofs,
                                               s->size - run->payload_ofs };
                }
                msgs[r].msg_hdr.msg_iovlen = 1 + run->n;
                n_iov += 1 + run->n;
                continue;
            }
            netdev_pkt_get_vnet_hdr(p, &vnet[r]);
            if (pkt_headroom(p) >= NETDEV_PKT_META_SIZE + sizeof vnet[r]) {
                /* The header goes in the headroom right in front of the
                 * frame (above the metadata it was read from), so the
                 * kernel imports and copies one segment instead of two. */
                uint8_t *hdr = p->data - sizeof vnet[r];

                memcpy(hdr, &vnet[r], sizeof vnet[r]);
                v[0] = (struct iovec){ hdr, sizeof vnet[r] + p->size };
                msgs[r].msg_hdr.msg_iovlen = 1;
                n_iov += 1;
            } else {
                v[0] = (struct iovec){ &vnet[r], sizeof vnet[r] };
                v[1] = (struct iovec){ p->data, p->size };
                msgs[r].msg_hdr.msg_iovlen = 2;
                n_iov += 2;
            }
        }

        size_t r = 0;
        while (r < n_runs) {
            int sent =
                sendmmsg(dev->tx_fd >= 0 ? dev->tx_fd : dev->socks[0].fd,
                         &msgs[r], (unsigned int) (n_runs - r), MSG_DONTWAIT);
            if (sent > 0) {
                /* Counted as the packets the datapath handed over, one
                 * per segment of a merged run. */
                for (int k = 0; k < sent; k++) {
                    const struct netdev_gro_run *run = &runs[r + k];
                    for (size_t j = 0; j < run->n; j++) {
                        netdev->stats.tx_packets++;
                        netdev->stats.tx_bytes +=
                            pkts[base + run->first + j]->size;
                    }
                }
                r += (size_t) sent;
                continue;
            }

            int err = sent < 0 ? errno : EAGAIN;
            if (err == EINTR) {
                continue;
            }
            if (err == EINVAL && runs[r].n > 1) {
                /* A kernel that does not know a merged frame's GSO type
                 * (UDP_L4 came with Linux 4.18): the port stops merging
                 * and the run goes out as the packets it was. */
                if (dev->tx_coalesce) {
                    VLOG_WARN("port %s: the kernel refused a merged GSO "
                              "frame (%s); tx-coalesce is off for this "
                              "port from now on",
                              netdev->name, nf_strerror(err));
                    dev->tx_coalesce = false;
                }
                COVERAGE_INC(afpacket_tx_coalesce_refused);
                err = afpacket_send(netdev, pkts + base + runs[r].first,
                                    runs[r].n, false);
                if (err && !error) {
                    error = err;
                }
                r++;
                continue;
            }
            /* The frame at R cannot go: count it and go on with the rest,
             * since a later one (shorter, say) may still fit. */
            COVERAGE_INC(afpacket_tx_drop);
            if (err == EAGAIN || err == ENOBUFS) {
                netdev->stats.tx_dropped += runs[r].n;
            } else {
                netdev->stats.tx_errors += runs[r].n;
            }
            if (!error) {
                error = err;
                VLOG_WARN_RL(&rl, "port %s: dropped %s on send: %s",
                             netdev->name,
                             runs[r].n > 1 ? "a run of merged TCP segments"
                                           : "a packet",
                             nf_strerror(err));
            }
            r++;
        }
    }
    return error;
}

/* Moves DEV to OPTS.  The macvlan that rx-after-tc needs is created before
 * anything else changes, so a device that cannot have one leaves the port
 * as it was; the sockets are then reopened (packets that arrive meanwhile
 * are lost, as with any reconfiguration of a port), and a macvlan no
 * longer needed goes only once the sockets on the device are open.
 * Returns 0, or a positive errno with a message in *MSGP and DEV as it
 * was. */
static int
afpacket_reconfigure(struct netdev_afpacket *dev,
                     const struct netdev_afpacket_options *opts, char **msgp)
{
    const char *name = dev->up.name;
    const enum afpacket_mode old_mode = dev->mode;
    const bool old_rxtc = dev->rx_after_tc;
    const int old_rx_ifindex = dev->rx_ifindex;
    const bool add_rxtc = opts->rx_after_tc && !old_rxtc;
    const bool del_rxtc = old_rxtc && !opts->rx_after_tc;
    int rx_ifindex = opts->rx_after_tc ? dev->rx_ifindex : dev->ifindex;
    const char *what;
    int error;

    /* Only a send-time choice: no socket changes for it. */
    dev->tx_coalesce = opts->tx_coalesce;
    if (opts->mode == old_mode && opts->rx_after_tc == old_rxtc) {
        return 0;
    }
    if (add_rxtc) {
        error =
            netdev_afpacket_rxtc_create(name, dev->ifindex, &rx_ifindex, msgp);
        if (error) {
            return error;
        }
    }

    afpacket_close(dev);
    dev->mode = opts->mode;
    dev->rx_after_tc = opts->rx_after_tc;
    dev->rx_ifindex = rx_ifindex;
    error = afpacket_open(dev, &what);
    if (error) {
        *msgp = xasprintf("%s: cannot %s: %s", name, what, nf_strerror(error));
        /* Back to what worked, so the port stays usable. */
        dev->mode = old_mode;
        dev->rx_after_tc = old_rxtc;
        dev->rx_ifindex = old_rx_ifindex;
        if (add_rxtc) {
            char *msg = NULL;
            if (netdev_afpacket_rxtc_destroy(name, dev->ifindex, &msg)) {
                VLOG_ERR("%s", msg);
            }
            free(msg);
        }
        if (afpacket_open(dev, &what)) {
            VLOG_ERR("port %s: cannot reopen after a failed "
                     "reconfiguration: %s",
                     name, what);
        }
        return error;
    }

    if (add_rxtc) {
        COVERAGE_INC(afpacket_rx_after_tc_open);
        VLOG_INFO("port %s: receiving after TC ingress, through macvlan "
                  "ifindex %d",
                  name, rx_ifindex);
    } else if (del_rxtc) {
        char *msg = NULL;
        COVERAGE_INC(afpacket_rx_after_tc_close);
        if (netdev_afpacket_rxtc_destroy(name, dev->ifindex, &msg)) {
            /* The port works; only the macvlan stays behind. */
            VLOG_WARN("%s", msg);
        }
        free(msg);
        VLOG_INFO("port %s: receiving from the device again (before TC "
                  "ingress)",
                  name);
    }
    return 0;
}

/* Options: rx-ring=auto|v2|v3 and rx-after-tc=false|true (see the top of
 * the file), all applied or none. */
static int
afpacket_set_config(struct netdev *netdev, const char *options, char **errp)
{
    struct netdev_afpacket *dev = netdev_afpacket_cast(netdev);
    struct netdev_afpacket_options opts;
    char *msg = NULL;
    int error;

    error = netdev_afpacket_parse_options(netdev->name, options, &opts, &msg);
    if (!error) {
        error = afpacket_reconfigure(dev, &opts, &msg);
    }
    if (error) {
        nf_give_error(errp, msg);
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

/* Attaches (PAUSE) or removes the take-nothing filter on every receive
 * socket of DEV.  Pausing also empties the rings, so that nothing received
 * before the pause is delivered after it ends. */
static int
afpacket_pause_socks(struct netdev_afpacket *dev, bool pause)
{
    static struct sock_filter take_nothing[] = {
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog prog = { 1, take_nothing };
    int zero = 0;

    for (size_t i = 0; i < dev->n_socks; i++) {
        int r = pause ? setsockopt(dev->socks[i].fd, SOL_SOCKET,
                                   SO_ATTACH_FILTER, &prog, sizeof prog)
                      : setsockopt(dev->socks[i].fd, SOL_SOCKET,
                                   SO_DETACH_FILTER, &zero, sizeof zero);
        if (r < 0) {
            return errno;
        }
    }
    if (pause) {
        struct pkt *pkts[NETDEV_MAX_BURST];
        size_t n;

        for (int round = 0; round < 4096; round++) {
            n = 0;
            if (afpacket_recv(&dev->up, pkts, NETDEV_MAX_BURST, &n) || !n) {
                break;
            }
            for (size_t i = 0; i < n; i++) {
                pkt_delete(pkts[i]);
            }
        }
    }
    return 0;
}

/* Opens DEV's sockets (afpacket_open__()), paused if DEV's input is
 * handed over. */
static int
afpacket_open(struct netdev_afpacket *dev, const char **what)
{
    int error = afpacket_open__(dev, what);

    if (!error && dev->rx_paused) {
        *what = "pause the receive sockets (SO_ATTACH_FILTER)";
        error = afpacket_pause_socks(dev, true);
        if (error) {
            afpacket_close(dev);
        }
    }
    return error;
}

static int
afpacket_rx_pause(struct netdev *netdev, bool pause)
{
    struct netdev_afpacket *dev = netdev_afpacket_cast(netdev);
    int error = afpacket_pause_socks(dev, pause);

    if (error) {
        VLOG_WARN("port %s: cannot %s its receive sockets: %s", netdev->name,
                  pause ? "pause" : "resume", nf_strerror(error));
        return error;
    }
    dev->rx_paused = pause;
    return 0;
}

static int
afpacket_get_ifindex(const struct netdev *netdev, int *ifindexp)
{
    *ifindexp = netdev_afpacket_cast(netdev)->ifindex;
    return 0;
}

/* The descriptor the datapath sleeps on, asked for again before every
 * sleep.  An auto port's epoll descriptor covers both sockets, but a
 * wakeup through it costs more than one on the socket itself: nested
 * wakeups in the sender's softirq, and a readiness check of both sockets
 * on every poll.  At 64-byte rates that cost about a tenth of the packets
 * a v3 port forwards on this 2-core machine, so once a switch has settled
 * (AUTO_SETTLE_MS) the datapath waits on the active socket alone: the
 * other one receives nothing then. */
int
netdev_afpacket_wait_sock(unsigned int active, long long steer_msec,
                          long long now_msec, long long settle_ms)
{
    return now_msec - steer_msec >= settle_ms ? (int) active : -1;
}

static int
afpacket_get_fd(const struct netdev *netdev)
{
    const struct netdev_afpacket *dev = netdev_afpacket_cast(netdev);

    if (dev->epfd < 0) {
        return dev->socks[0].fd;
    }
    int i = netdev_afpacket_wait_sock(dev->active, dev->steer_msec,
                                      nf_time_msec_coarse(), AUTO_SETTLE_MS);
    return i < 0 ? dev->epfd : dev->socks[i].fd;
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
    .set_config = afpacket_set_config,
    .rx_pause = afpacket_rx_pause,
};
