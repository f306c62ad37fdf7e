/* netdev-driver: a test driver for the port layer (softpath/netdev.h),
 * used by tests/system/t-softpath-netdev.sh.
 *
 *   netdev-driver wire PORT1 PORT2 [TYPE]
 *                                    forwards every frame received on one
 *                                    port of TYPE (default afpacket) to the
 *                                    other (a two-port "wire"), with its
 *                                    virtio net header
 *   netdev-driver tap NAME           creates tap port NAME and counts what
 *                                    arrives on it
 *
 * It prints a "port ..." line per port (its name, type, MTU, ifindex and
 * MAC as the port layer reports them) and "ready" on stdout once the ports
 * are open (in tap mode, after sending three broadcast frames into the
 * device), runs until SIGTERM
 * or SIGINT, then prints each port's counters and the largest frame it
 * received, one "NAME key=value..." line per port, after a "coverage"
 * line with the afpacket and afxdp coverage counters, and exits 0.  The event
 * loop sleeps in poll() on the ports' fds: no busy polling. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "softpath/netdev.h"

static volatile sig_atomic_t stop;

static void
on_signal(int sig NF_UNUSED)
{
    stop = 1;
}

static void
usage(void)
{
    fprintf(stderr, "usage: netdev-driver wire PORT1 PORT2 [TYPE]\n"
                    "       netdev-driver tap NAME\n");
    exit(2);
}

static void
print_stats(const struct netdev *netdev, size_t max_frame)
{
    struct netdev_stats st;

    netdev_get_stats(netdev, &st);
    printf("%s rx_packets=%" PRIu64 " rx_bytes=%" PRIu64 " tx_packets=%" PRIu64
           " tx_bytes=%" PRIu64 " rx_dropped=%" PRIu64 " tx_dropped=%" PRIu64
           " rx_errors=%" PRIu64 " tx_errors=%" PRIu64 " max_rx_frame=%zu\n",
           netdev_get_name(netdev), st.rx_packets, st.rx_bytes, st.tx_packets,
           st.tx_bytes, st.rx_dropped, st.tx_dropped, st.rx_errors,
           st.tx_errors, max_frame);
}

/* Prints "port NAME type=T mtu=M ifindex=I mac=M", so the test can compare
 * the port's view with the kernel's. */
static void
print_info(const struct netdev *netdev)
{
    struct eth_addr ea = { { 0 } };
    int mtu = -1, ifindex = -1;

    netdev_get_etheraddr(netdev, &ea);
    netdev_get_mtu(netdev, &mtu);
    netdev_get_ifindex(netdev, &ifindex);
    printf("port %s type=%s mtu=%d ifindex=%d mac=" ETH_ADDR_FMT "\n",
           netdev_get_name(netdev), netdev_get_type(netdev), mtu, ifindex,
           ETH_ADDR_ARGS(ea));
}

/* Sends three broadcast frames of the local experimental EtherType
 * 0x88b5, which the host then counts as received on the device. */
static void
send_test_frames(struct netdev *netdev)
{
    struct pkt *pkts[3];

    for (size_t i = 0; i < 3; i++) {
        struct pkt_eth_hdr eth = {
            .dst = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
            .src = { { 0x02, 0, 0, 0, 0, 1 } },
            .type = PKT_HTONS(0x88b5),
        };
        pkts[i] = netdev_pkt_new(ETH_TOTAL_MIN);
        pkt_put(pkts[i], &eth, sizeof eth);
        pkt_put_zeros(pkts[i], ETH_TOTAL_MIN - sizeof eth);
    }
    int error = netdev_send(netdev, pkts, 3, true);
    if (error) {
        nf_fatal(error, "cannot send on %s", netdev_get_name(netdev));
    }
}

int
main(int argc, char *argv[])
{
    struct netdev *ports[2] = { NULL, NULL };
    size_t max_frame[2] = { 0, 0 };
    size_t n_ports;
    int error;

    nf_set_program_name(argv[0]);
    if ((argc == 4 || argc == 5) && !strcmp(argv[1], "wire")) {
        const char *type = argc == 5 ? argv[4] : "afpacket";

        n_ports = 2;
        for (size_t i = 0; i < 2; i++) {
            error = netdev_open(argv[2 + i], type, &ports[i]);
            if (error) {
                nf_fatal(error, "cannot open port %s", argv[2 + i]);
            }
        }
    } else if (argc == 3 && !strcmp(argv[1], "tap")) {
        n_ports = 1;
        error = netdev_open(argv[2], "tap", &ports[0]);
        if (error) {
            nf_fatal(error, "cannot create tap port %s", argv[2]);
        }
    } else {
        usage();
    }

    /* No SA_RESTART: the signal must interrupt poll(). */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    for (size_t i = 0; i < n_ports; i++) {
        print_info(ports[i]);
    }
    if (n_ports == 1) {
        send_test_frames(ports[0]);
    }
    printf("ready\n");
    fflush(stdout);

    while (!stop) {
        struct pollfd pfds[2];

        for (size_t i = 0; i < n_ports; i++) {
            pfds[i] = (struct pollfd){ netdev_get_fd(ports[i]), POLLIN, 0 };
        }
        if (poll(pfds, n_ports, 1000) < 0 && errno != EINTR) {
            nf_fatal(errno, "poll");
        }
        for (size_t i = 0; i < n_ports; i++) {
            struct pkt *pkts[NETDEV_MAX_BURST];
            size_t n;

            /* The ring may hold a block the fd did not report yet (it was
             * handed over after poll returned), so try every port. */
            while (!netdev_recv(ports[i], pkts, NETDEV_MAX_BURST, &n)) {
                for (size_t k = 0; k < n; k++) {
                    max_frame[i] = NF_MAX(max_frame[i], pkts[k]->size);
                }
                if (n_ports == 2) {
                    /* Drops are counted by the port and logged. */
                    netdev_send(ports[1 - i], pkts, n, true);
                } else {
                    for (size_t k = 0; k < n; k++) {
                        pkt_delete(pkts[k]);
                    }
                }
            }
        }
    }

    /* Evidence that offloaded packets crossed with their headers. */
    printf("coverage afpacket_rx_gso=%llu afpacket_rx_csum_partial=%llu "
           "afpacket_rx_block=%llu afpacket_ring_switch=%llu "
           "afxdp_tx_kick=%llu netdev_gro_segments=%llu\n",
           coverage_get("afpacket_rx_gso"),
           coverage_get("afpacket_rx_csum_partial"),
           coverage_get("afpacket_rx_block"),
           coverage_get("afpacket_ring_switch"), coverage_get("afxdp_tx_kick"),
           coverage_get("netdev_gro_segments"));
    for (size_t i = 0; i < n_ports; i++) {
        print_stats(ports[i], max_frame[i]);
        netdev_close(ports[i]);
    }
    return 0;
}
