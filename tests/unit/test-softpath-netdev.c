/* Unit tests for softpath/netdev: the registry of port types (unknown
 * types, duplicate names, bad names) and the dummy type (inject, batched
 * receive, send, pop, counters, poll fd, admin state), plus the virtio net
 * header kept in a packet's headroom, and the parts of the afpacket type
 * that need no privileges: its option parser and the rtnetlink messages of
 * rx-after-tc's receive macvlan (built, and replies parsed, including
 * malformed ones). */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "config.h"

/* The afxdp type is registered only where libxdp was found. */
#ifdef HAVE_AFXDP
#define AFXDP_TYPE "afxdp, "
#else
#define AFXDP_TYPE ""
#endif

#include "lib/packet.h"
#include "lib/vlog.h"
#include "softpath/netdev-afpacket-private.h"
#include "softpath/netdev-provider.h"
#include "softpath/netdev.h"

/* Returns a 60-byte frame whose bytes all equal SEQ, so tests can tell
 * packets apart after they went through a queue. */
static struct pkt *
make_frame(uint8_t seq)
{
    uint8_t frame[ETH_TOTAL_MIN];

    memset(frame, seq, sizeof frame);
    return pkt_from_data(frame, sizeof frame);
}

/* Reads the whole log file at PATH (caller frees). */
static char *
read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *s = calloc(1, 65536);

    assert_non_null(f);
    size_t n = fread(s, 1, 65535, f);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void
test_unknown_type(void **state)
{
    (void) state;
    char path[] = "/tmp/test-netdev-log.XXXXXX";
    int fd = mkstemp(path);
    struct netdev *netdev = (struct netdev *) 1;

    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(vlog_set_log_file(path), 0);

    assert_int_equal(netdev_open("p0", "bogus", &netdev), EAFNOSUPPORT);
    assert_null(netdev);

    /* The message names the port, the type and what would have worked. */
    char *log = read_file(path);
    assert_non_null(strstr(log, "port p0: unknown port type \"bogus\""));
    assert_non_null(strstr(log, "dummy"));
    assert_non_null(strstr(log, "afpacket"));
    free(log);
    vlog_close_log_file();
    unlink(path);
}

static void
test_registry(void **state)
{
    (void) state;
    char types[128];

    netdev_types_format(types, sizeof types);
    assert_string_equal(types, "afpacket, " AFXDP_TYPE
                               "tap, internal, dummy, dummy-pmd");

    /* Registering a name twice is refused; a new name is accepted. */
    assert_int_equal(netdev_register_class(&netdev_dummy_class), EEXIST);
    static struct netdev_class other;
    other = netdev_dummy_class;
    other.type = "dummy2";
    assert_int_equal(netdev_register_class(&other), 0);
    netdev_types_format(types, sizeof types);
    assert_string_equal(types, "afpacket, " AFXDP_TYPE
                               "tap, internal, dummy, dummy-pmd, dummy2");

    struct netdev *a, *b;
    assert_int_equal(netdev_open("d0", "dummy2", &a), 0);
    assert_string_equal(netdev_get_type(a), "dummy2");
    assert_ptr_equal(netdev_from_name("d0"), a);

    /* A name is open once, whatever the type. */
    assert_int_equal(netdev_open("d0", "dummy", &b), EBUSY);
    assert_null(b);
    netdev_close(a);
    assert_null(netdev_from_name("d0"));
    assert_int_equal(netdev_open("d0", "dummy", &b), 0);
    netdev_close(b);

    /* Names must fit a Linux interface name. */
    assert_int_equal(netdev_open("", "dummy", &a), EINVAL);
    assert_int_equal(netdev_open("a-name-that-is-too-long", "dummy", &a),
                     EINVAL);
    assert_int_equal(netdev_open("a/b", "dummy", &a), EINVAL);

    /* The default type is afpacket, which needs an existing device. */
    assert_int_equal(netdev_open("nf-no-such-dev", NULL, &a), ENODEV);
    netdev_close(NULL);
}

static void
test_dummy_properties(void **state)
{
    (void) state;
    struct netdev *netdev;
    struct eth_addr ea, ea2;
    int mtu, ifindex;

    assert_int_equal(netdev_open("d1", "dummy", &netdev), 0);
    assert_string_equal(netdev_get_name(netdev), "d1");
    assert_string_equal(netdev_get_type(netdev), "dummy");
    assert_int_equal(netdev_get_etheraddr(netdev, &ea), 0);
    assert_int_equal(ea.ea[0], 0xaa); /* Locally administered, unicast. */
    assert_int_equal(netdev_get_mtu(netdev, &mtu), 0);
    assert_int_equal(mtu, 1500);
    assert_int_equal(netdev_get_ifindex(netdev, &ifindex), EOPNOTSUPP);
    netdev_close(netdev);

    /* The address depends on the name alone. */
    assert_int_equal(netdev_open("d1", "dummy", &netdev), 0);
    assert_int_equal(netdev_get_etheraddr(netdev, &ea2), 0);
    assert_memory_equal(&ea, &ea2, sizeof ea);
    netdev_close(netdev);
}

static bool
fd_readable(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

static void
test_dummy_rx_tx(void **state)
{
    (void) state;
    struct pkt *pkts[NETDEV_MAX_BURST + 8];
    struct netdev_stats st;
    struct netdev *netdev;
    size_t n;

    assert_int_equal(netdev_open("d2", "dummy", &netdev), 0);
    int fd = netdev_get_fd(netdev);
    assert_true(fd >= 0);
    assert_false(fd_readable(fd));
    assert_int_equal(netdev_recv(netdev, pkts, 32, &n), EAGAIN);
    assert_int_equal(n, 0);

    /* 40 frames in: a batch is at most 32, then the other 8, then none. */
    for (int i = 0; i < 40; i++) {
        assert_int_equal(netdev_dummy_receive(netdev, make_frame(i)), 0);
    }
    assert_true(fd_readable(fd));
    assert_int_equal(netdev_recv(netdev, pkts, 100, &n), 0);
    assert_int_equal(n, NETDEV_MAX_BURST);
    assert_true(fd_readable(fd));
    assert_int_equal(netdev_recv(netdev, pkts + 32, 100, &n), 0);
    assert_int_equal(n, 8);
    assert_false(fd_readable(fd));
    assert_int_equal(netdev_recv(netdev, pkts, 32, &n), EAGAIN);
    for (int i = 0; i < 40; i++) {
        assert_int_equal(pkts[i]->size, ETH_TOTAL_MIN);
        assert_int_equal(pkts[i]->data[0], i); /* In order. */
    }

    /* Send the first 10 without stealing: the caller keeps them and the
     * port keeps copies. */
    assert_int_equal(netdev_send(netdev, pkts, 10, false), 0);
    for (int i = 0; i < 10; i++) {
        assert_non_null(pkts[i]);
        pkt_delete(pkts[i]);
    }
    /* Steal the other 30. */
    assert_int_equal(netdev_send(netdev, pkts + 10, 30, true), 0);
    assert_null(pkts[10]);
    assert_null(pkts[39]);

    for (int i = 0; i < 40; i++) {
        struct pkt *p = netdev_dummy_pop_sent(netdev);
        assert_non_null(p);
        assert_int_equal(p->data[ETH_TOTAL_MIN - 1], i);
        pkt_delete(p);
    }
    assert_null(netdev_dummy_pop_sent(netdev));

    assert_int_equal(netdev_get_stats(netdev, &st), 0);
    assert_int_equal(st.rx_packets, 40);
    assert_int_equal(st.rx_bytes, 40 * ETH_TOTAL_MIN);
    assert_int_equal(st.tx_packets, 40);
    assert_int_equal(st.tx_bytes, 40 * ETH_TOTAL_MIN);
    assert_int_equal(st.rx_dropped + st.tx_dropped, 0);
    assert_int_equal(st.rx_errors + st.tx_errors, 0);

    netdev_close(netdev);
}

/* Input handover: while a port's input is handed over, netdev_recv()
 * returns only what netdev_rx_handover_deliver() queued (the type's own
 * input is read and dropped, as the dummy type cannot pause), and
 * netdev_get_fd() polls the handover queue; a handover set before the port
 * opens applies when it does; ending it gives the port its own input
 * back. */
static void
test_rx_handover(void **state)
{
    (void) state;
    struct pkt *pkts[NETDEV_MAX_BURST];
    uint8_t frame[ETH_TOTAL_MIN];
    uint64_t n_in = 0, n_dropped = 0;
    struct netdev *netdev;
    size_t n;

    assert_int_equal(netdev_rx_handover_set("", true), EINVAL);
    assert_int_equal(netdev_rx_handover_deliver("ho0", frame, sizeof frame),
                     ENOENT);
    assert_int_equal(netdev_rx_handover_set("ho0", true), 0);
    assert_true(netdev_rx_handover_is_set("ho0"));
    assert_int_equal(netdev_open("ho0", "dummy", &netdev), 0);
    int fd = netdev_get_fd(netdev);
    assert_true(fd >= 0);
    assert_false(fd_readable(fd));

    /* The wire's frame is not delivered; the chip's is, once. */
    assert_int_equal(netdev_dummy_receive(netdev, make_frame(7)), 0);
    memset(frame, 9, sizeof frame);
    assert_int_equal(netdev_rx_handover_deliver("ho0", frame, sizeof frame),
                     0);
    assert_true(fd_readable(fd));
    assert_int_equal(netdev_recv(netdev, pkts, NETDEV_MAX_BURST, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(pkts[0]->size, sizeof frame);
    assert_int_equal(pkts[0]->data[0], 9);
    pkt_delete(pkts[0]);
    assert_false(fd_readable(fd));
    assert_int_equal(netdev_recv(netdev, pkts, NETDEV_MAX_BURST, &n), EAGAIN);

    /* A full queue drops and counts. */
    int error = 0;
    size_t queued = 0;
    while (!error) {
        error = netdev_rx_handover_deliver("ho0", frame, sizeof frame);
        queued += !error;
    }
    assert_int_equal(error, ENOBUFS);
    assert_int_equal(netdev_rx_handover_stats("ho0", &n_in, &n_dropped), 0);
    assert_int_equal(n_in, queued + 1);
    assert_int_equal(n_dropped, 1);

    /* Ending it drops the queue and gives the port its own input back. */
    assert_int_equal(netdev_rx_handover_set("ho0", false), 0);
    assert_false(netdev_rx_handover_is_set("ho0"));
    assert_int_equal(netdev_rx_handover_deliver("ho0", frame, sizeof frame),
                     ENOENT);
    assert_true(netdev_get_fd(netdev) != fd); /* The dummy's own again. */
    assert_int_equal(netdev_dummy_receive(netdev, make_frame(5)), 0);
    assert_int_equal(netdev_recv(netdev, pkts, NETDEV_MAX_BURST, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(pkts[0]->data[0], 5);
    pkt_delete(pkts[0]);

    /* Set again while open. */
    assert_int_equal(netdev_rx_handover_set("ho0", true), 0);
    assert_int_equal(netdev_rx_handover_deliver("ho0", frame, sizeof frame),
                     0);
    assert_int_equal(netdev_recv(netdev, pkts, NETDEV_MAX_BURST, &n), 0);
    assert_int_equal(n, 1);
    pkt_delete(pkts[0]);
    assert_int_equal(netdev_rx_handover_set("ho0", false), 0);
    netdev_close(netdev);
}

static void
test_dummy_drops(void **state)
{
    (void) state;
    struct netdev_stats st;
    struct netdev *netdev;
    struct pkt *p;
    size_t n;

    assert_int_equal(netdev_open("d3", "dummy", &netdev), 0);

    /* A full receive queue drops what does not fit. */
    for (int i = 0; i < NETDEV_DUMMY_QUEUE_MAX + 5; i++) {
        netdev_dummy_receive(netdev, make_frame(1));
    }
    netdev_get_stats(netdev, &st);
    assert_int_equal(st.rx_dropped, 5);

    /* A port set down passes nothing, in either direction. */
    assert_int_equal(netdev_set_up(netdev, false), 0);
    netdev_dummy_receive(netdev, make_frame(2));
    p = make_frame(3);
    assert_int_equal(netdev_send(netdev, &p, 1, true), ENETDOWN);
    netdev_get_stats(netdev, &st);
    assert_int_equal(st.rx_dropped, 6);
    assert_int_equal(st.tx_dropped, 1);
    assert_int_equal(st.tx_packets, 0);
    assert_null(netdev_dummy_pop_sent(netdev));

    assert_int_equal(netdev_set_up(netdev, true), 0);
    p = make_frame(4);
    assert_int_equal(netdev_send(netdev, &p, 1, false), 0);
    pkt_delete(p);
    p = netdev_dummy_pop_sent(netdev);
    assert_non_null(p);
    pkt_delete(p);

    /* Packets still queued are freed by close (checked by the sanitizer
     * build). */
    struct pkt *pkts[NETDEV_MAX_BURST];
    assert_int_equal(netdev_recv(netdev, pkts, 1, &n), 0);
    assert_int_equal(n, 1);
    pkt_delete(pkts[0]);
    netdev_close(netdev);
}

static void
test_inject_into_wrong_type(void **state)
{
    (void) state;
    static struct netdev_class fake;
    struct netdev *netdev;

    /* A type built from the dummy's functions is still not "dummy". */
    fake = netdev_dummy_class;
    fake.type = "fake-dummy";
    netdev_register_class(&fake);
    assert_int_equal(netdev_open("f0", "fake-dummy", &netdev), 0);
    assert_int_equal(netdev_dummy_receive(netdev, make_frame(0)), EINVAL);
    assert_null(netdev_dummy_pop_sent(netdev));
    netdev_close(netdev);
}

static void
test_vnet_hdr_meta(void **state)
{
    (void) state;
    struct virtio_net_hdr in = {
        .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
        .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
        .hdr_len = 54,
        .gso_size = 1448,
        .csum_start = 34,
        .csum_offset = 16,
    };
    struct virtio_net_hdr out;

    struct pkt *p = netdev_pkt_new(100);
    assert_true(pkt_headroom(p) >= NETDEV_PKT_META_SIZE);
    assert_false(netdev_pkt_get_vnet_hdr(p, &out));
    assert_int_equal(out.gso_type, 0);

    assert_int_equal(netdev_pkt_set_vnet_hdr(p, &in), 0);
    pkt_put_zeros(p, 60);
    assert_true(netdev_pkt_get_vnet_hdr(p, &out));
    assert_memory_equal(&in, &out, sizeof in);

    /* A VLAN push uses headroom in front of the frame, not the header. */
    assert_int_equal(pkt_push_vlan(p, PKT_HTONS(0x8100), PKT_HTONS(5)), 0);
    assert_true(netdev_pkt_get_vnet_hdr(p, &out));
    assert_memory_equal(&in, &out, sizeof in);

    netdev_pkt_clear_vnet_hdr(p);
    assert_false(netdev_pkt_get_vnet_hdr(p, &out));
    pkt_delete(p);

    /* A packet without room for the header says so. */
    p = pkt_new(10, 4);
    assert_int_equal(netdev_pkt_set_vnet_hdr(p, &in), ENOSPC);
    assert_false(netdev_pkt_get_vnet_hdr(p, &out));
    pkt_delete(p);
}

/* The afpacket options, as data: input, expected result, and for a
 * refusal a piece of the message. */
static void
test_afpacket_options(void **state)
{
    (void) state;
    static const struct {
        const char *options;
        int error;
        enum afpacket_mode mode;
        bool rx_after_tc;
        const char *msg;
    } cases[] = {
        { "", 0, AFPACKET_MODE_AUTO, false, NULL },
        { "rx-after-tc=true", 0, AFPACKET_MODE_AUTO, true, NULL },
        { "rx-after-tc=false", 0, AFPACKET_MODE_AUTO, false, NULL },
        { "rx-after-tc=", 0, AFPACKET_MODE_AUTO, false, NULL },
        { "rx-ring=v3", 0, AFPACKET_MODE_V3, false, NULL },
        { "rx-ring=", 0, AFPACKET_MODE_AUTO, false, NULL },
        { "rx-after-tc=true,rx-ring=v2", 0, AFPACKET_MODE_V2, true, NULL },
        { "rx-ring=auto,rx-after-tc=true", 0, AFPACKET_MODE_AUTO, true, NULL },
        { "rx-after-tc=maybe", EINVAL, 0, false,
          "p0: rx-after-tc=maybe: expected true or false" },
        { "rx-after-tc=TRUE", EINVAL, 0, false,
          "p0: rx-after-tc=TRUE: expected true or false" },
        { "rx-after-tc=1", EINVAL, 0, false, "expected true or false" },
        { "rx-ring=v9", EINVAL, 0, false,
          "p0: rx-ring=v9: expected auto, v2 or v3" },
        { "rx-after-tc=true,rx-ring=v9", EINVAL, 0, false,
          "rx-ring=v9: expected auto, v2 or v3" },
        { "mtu=1400", EINVAL, 0, false,
          "p0: unknown option \"mtu\" (an afpacket port takes rx-ring, "
          "rx-after-tc and tx-coalesce)" },
        { "rx-after-tc", EINVAL, 0, false, "a port option is key=value" },
        { "tx-coalesce=off", EINVAL, 0, false,
          "p0: tx-coalesce=off: expected true or false" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct netdev_afpacket_options opts = {
            .mode = AFPACKET_MODE_V3,
            .rx_after_tc = true,
            .tx_coalesce = false,
        };
        struct netdev_afpacket_options before = opts;
        char *msg = NULL;
        int error =
            netdev_afpacket_parse_options("p0", cases[i].options, &opts, &msg);

        print_message("case \"%s\"\n", cases[i].options);
        assert_int_equal(error, cases[i].error);
        if (error) {
            /* A refusal names the port and the option and changes
             * nothing. */
            assert_non_null(msg);
            assert_non_null(strstr(msg, cases[i].msg));
            assert_memory_equal(&opts, &before, sizeof opts);
            free(msg);
        } else {
            assert_null(msg);
            assert_int_equal(opts.mode, cases[i].mode);
            assert_int_equal(opts.rx_after_tc, cases[i].rx_after_tc);
            /* Only the tx-coalesce cases below turn it off. */
            assert_true(opts.tx_coalesce);
        }
    }

    /* tx-coalesce: on unless set to false, whatever else is set. */
    static const struct {
        const char *options;
        bool coalesce;
    } tx_cases[] = {
        { "tx-coalesce=false", false },
        { "tx-coalesce=true", true },
        { "tx-coalesce=", true },
        { "rx-ring=v2,tx-coalesce=false", false },
        { "tx-coalesce=false,rx-after-tc=true", false },
    };
    for (size_t i = 0; i < sizeof tx_cases / sizeof tx_cases[0]; i++) {
        struct netdev_afpacket_options o = {
            .tx_coalesce = !tx_cases[i].coalesce,
        };

        print_message("case \"%s\"\n", tx_cases[i].options);
        assert_int_equal(
            netdev_afpacket_parse_options("p0", tx_cases[i].options, &o, NULL),
            0);
        assert_int_equal(o.tx_coalesce, tx_cases[i].coalesce);
    }

    /* ERRP may be NULL. */
    struct netdev_afpacket_options opts;
    assert_int_equal(
        netdev_afpacket_parse_options("p0", "rx-after-tc=no", &opts, NULL),
        EINVAL);
}

/* An auto port's second socket joins the group its first one created,
 * whatever id the kernel gave it: the kernel's unique ids start at 0 after
 * boot, and a join that took 0 to mean "no group yet" made a second group,
 * so both rings received (and the datapath forwarded) every packet. */
static void
test_afpacket_fanout_arg(void **state)
{
    (void) state;
    const int cbpf = PACKET_FANOUT_CBPF << 16;
    const int unique = PACKET_FANOUT_FLAG_UNIQUEID << 16;

    /* Creating: the kernel picks the id and wants 0 in the argument. */
    assert_int_equal(netdev_afpacket_fanout_arg(true, 0), cbpf | unique);
    assert_int_equal(netdev_afpacket_fanout_arg(true, 77), cbpf | unique);
    /* Joining: exactly the id given, 0 and the largest included, never
     * asking for a new group. */
    assert_int_equal(netdev_afpacket_fanout_arg(false, 0), cbpf);
    assert_int_equal(netdev_afpacket_fanout_arg(false, 1), cbpf | 1);
    assert_int_equal(netdev_afpacket_fanout_arg(false, 0xffff), cbpf | 0xffff);
}

/* An auto port has the datapath sleep on both sockets (the epoll
 * descriptor, -1 here) only while a switch settles, and on the active one
 * alone after: a port that never left the epoll descriptor forwarded
 * about a tenth fewer 64-byte packets than a v3 port. */
static void
test_afpacket_wait_sock(void **state)
{
    (void) state;

    /* Just switched, and up to the end of the settling time: both. */
    assert_int_equal(netdev_afpacket_wait_sock(1, 1000, 1000, 50), -1);
    assert_int_equal(netdev_afpacket_wait_sock(0, 1000, 1049, 50), -1);
    /* Settled: the socket the fanout program names. */
    assert_int_equal(netdev_afpacket_wait_sock(1, 1000, 1050, 50), 1);
    assert_int_equal(netdev_afpacket_wait_sock(0, 1000, 5000, 50), 0);
    /* A port opened at time 0 of the monotonic clock, never switched. */
    assert_int_equal(netdev_afpacket_wait_sock(0, 0, 50, 50), 0);
}

/* When an auto port moves between its rings. */
static void
test_afpacket_auto_want(void **state)
{
    (void) state;

    /* Within a window nothing moves... */
    assert_int_equal(netdev_afpacket_auto_want(0, false, 50, 100000), 0);
    assert_int_equal(netdev_afpacket_auto_want(1, false, 50, 0), 1);
    /* ...except a v3 port whose ring handed over a nearly empty block:
     * back to v2 at once, so the packets after a burst do not each wait
     * for the block timer.  (On v2 the flag means nothing.) */
    assert_int_equal(netdev_afpacket_auto_want(1, true, 1, 0), 0);
    assert_int_equal(netdev_afpacket_auto_want(0, true, 1, 0), 0);
    /* At the end of a window: up above 30,000 packets/s, down below
     * 5,000, and in between each ring keeps its port. */
    assert_int_equal(netdev_afpacket_auto_want(0, false, 100, 3001), 1);
    assert_int_equal(netdev_afpacket_auto_want(0, false, 100, 3000), 0);
    assert_int_equal(netdev_afpacket_auto_want(1, false, 100, 499), 0);
    assert_int_equal(netdev_afpacket_auto_want(1, false, 100, 500), 1);
    assert_int_equal(netdev_afpacket_auto_want(0, false, 200, 2000), 0);
    assert_int_equal(netdev_afpacket_auto_want(1, false, 200, 2000), 1);
    /* A long quiet gap ends the window with the burst's tail counted
     * over all of it: 10,000 packets in 5 s is 2,000/s, down. */
    assert_int_equal(netdev_afpacket_auto_want(1, false, 5000, 10000), 0);
}

static void
test_afpacket_rxtc_name(void **state)
{
    (void) state;
    char name[IFNAMSIZ];

    netdev_afpacket_rxtc_name(7, name);
    assert_string_equal(name, "nfrx7");
    /* The largest ifindex still fits an interface name. */
    netdev_afpacket_rxtc_name(2147483647, name);
    assert_string_equal(name, "nfrx2147483647");
    assert_true(strlen(name) < IFNAMSIZ);
}

/* What the creation request carries, read back with libmnl. */
struct create_seen {
    char name[IFNAMSIZ];
    uint32_t link;
    char kind[16];
    uint32_t mode;
    int32_t bc_cutoff;
    bool has_bc_cutoff;
};

static int
create_data_attr(const struct nlattr *a, void *seen_)
{
    struct create_seen *seen = seen_;

    if (mnl_attr_get_type(a) == IFLA_MACVLAN_MODE) {
        seen->mode = mnl_attr_get_u32(a);
    } else if (mnl_attr_get_type(a) == IFLA_MACVLAN_BC_QUEUE_LEN_USED + 1) {
        seen->bc_cutoff = (int32_t) mnl_attr_get_u32(a);
        seen->has_bc_cutoff = true;
    }
    return MNL_CB_OK;
}

static int
create_info_attr(const struct nlattr *a, void *seen_)
{
    struct create_seen *seen = seen_;

    if (mnl_attr_get_type(a) == IFLA_INFO_KIND) {
        snprintf(seen->kind, sizeof seen->kind, "%s", mnl_attr_get_str(a));
    } else if (mnl_attr_get_type(a) == IFLA_INFO_DATA) {
        mnl_attr_parse_nested(a, create_data_attr, seen);
    }
    return MNL_CB_OK;
}

static int
create_attr(const struct nlattr *a, void *seen_)
{
    struct create_seen *seen = seen_;

    switch (mnl_attr_get_type(a)) {
    case IFLA_IFNAME:
        snprintf(seen->name, sizeof seen->name, "%s", mnl_attr_get_str(a));
        break;
    case IFLA_LINK:
        seen->link = mnl_attr_get_u32(a);
        break;
    case IFLA_LINKINFO:
        mnl_attr_parse_nested(a, create_info_attr, seen);
        break;
    }
    return MNL_CB_OK;
}

static void
test_afpacket_rxtc_msg_create(void **state)
{
    (void) state;
    uint32_t buf[NETDEV_AFPACKET_RXTC_BUF / 4];
    struct create_seen seen;

    struct nlmsghdr *nlh =
        netdev_afpacket_rxtc_msg_create(buf, sizeof buf, 42, "nfrx9", 9);
    assert_non_null(nlh);
    assert_int_equal(nlh->nlmsg_type, RTM_NEWLINK);
    assert_int_equal(nlh->nlmsg_seq, 42);
    /* Created, and refused if the name is taken. */
    assert_int_equal(nlh->nlmsg_flags
                         & (NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL),
                     NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL);

    /* Down (UP is changed, to 0), no ARP, all multicast. */
    const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    assert_int_equal(ifi->ifi_index, 0);
    assert_int_equal(ifi->ifi_flags, IFF_NOARP | IFF_ALLMULTI);
    assert_true(ifi->ifi_change & IFF_UP);
    assert_true(ifi->ifi_change & IFF_NOARP);
    assert_true(ifi->ifi_change & IFF_ALLMULTI);

    memset(&seen, 0, sizeof seen);
    assert_int_equal(mnl_attr_parse(nlh, sizeof *ifi, create_attr, &seen),
                     MNL_CB_OK);
    assert_string_equal(seen.name, "nfrx9");
    assert_int_equal(seen.link, 9);
    assert_string_equal(seen.kind, "macvlan");
    assert_int_equal(seen.mode, MACVLAN_MODE_PASSTHRU);
    assert_true(seen.has_bc_cutoff);
    assert_int_equal(seen.bc_cutoff, -1);

    /* A buffer too small gets no half message. */
    assert_null(netdev_afpacket_rxtc_msg_create(buf, 40, 1, "nfrx9", 9));
    assert_null(netdev_afpacket_rxtc_msg_create(buf, 8, 1, "nfrx9", 9));
}

/* Builds in BUF an NLMSG_ERROR for ERROR (negative, as the kernel sends
 * it), answering a RTM_NEWLINK of REQ_PAYLOAD bytes (copied in unless
 * CAPPED), with the extended-ack text TEXT unless it is NULL. */
static struct nlmsghdr *
make_ack(void *buf, int error, bool capped, size_t req_payload,
         const char *text)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

    nlh->nlmsg_type = NLMSG_ERROR;
    nlh->nlmsg_flags = capped ? NLM_F_CAPPED : 0;
    struct nlmsgerr *err = mnl_nlmsg_put_extra_header(
        nlh, sizeof *err + (capped ? 0 : req_payload));
    err->error = error;
    err->msg.nlmsg_len = (uint32_t) (sizeof(struct nlmsghdr) + req_payload);
    err->msg.nlmsg_type = RTM_NEWLINK;
    if (text) {
        nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
        mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
        mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
    }
    return nlh;
}

static void
test_afpacket_rxtc_parse_ack(void **state)
{
    (void) state;
    uint32_t buf[256];
    char *msg;

    /* A plain acknowledgement. */
    memset(buf, 0, sizeof buf);
    assert_int_equal(
        netdev_afpacket_rxtc_parse_ack(make_ack(buf, 0, true, 0, NULL), &msg),
        0);
    assert_null(msg);

    /* An error with the kernel's text, capped or with the request. */
    memset(buf, 0, sizeof buf);
    assert_int_equal(
        netdev_afpacket_rxtc_parse_ack(
            make_ack(buf, -EOPNOTSUPP, true, 0, "Unknown device type"), &msg),
        EOPNOTSUPP);
    assert_string_equal(msg, "Unknown device type");
    free(msg);
    memset(buf, 0, sizeof buf);
    assert_int_equal(netdev_afpacket_rxtc_parse_ack(
                         make_ack(buf, -EBUSY, false, 37, "busy"), &msg),
                     EBUSY);
    assert_string_equal(msg, "busy");
    free(msg);
    memset(buf, 0, sizeof buf);
    assert_int_equal(netdev_afpacket_rxtc_parse_ack(
                         make_ack(buf, -EINVAL, false, 64, NULL), &msg),
                     EINVAL);
    assert_null(msg);

    /* Malformed: a positive error, a request longer than the message, a
     * payload shorter than struct nlmsgerr, not an error message. */
    memset(buf, 0, sizeof buf);
    assert_int_equal(
        netdev_afpacket_rxtc_parse_ack(make_ack(buf, 5, true, 0, NULL), &msg),
        EPROTO);
    memset(buf, 0, sizeof buf);
    struct nlmsghdr *nlh = make_ack(buf, -EBUSY, false, 16, "x");
    ((struct nlmsgerr *) mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 4000;
    assert_int_equal(netdev_afpacket_rxtc_parse_ack(nlh, &msg), EPROTO);
    assert_null(msg);
    ((struct nlmsgerr *) mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 3;
    assert_int_equal(netdev_afpacket_rxtc_parse_ack(nlh, &msg), EPROTO);
    nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 4;
    assert_int_equal(netdev_afpacket_rxtc_parse_ack(nlh, &msg), EPROTO);
    nlh->nlmsg_type = RTM_NEWLINK;
    assert_int_equal(netdev_afpacket_rxtc_parse_ack(nlh, &msg), EPROTO);

    /* A text without its NUL is ignored, not read past. */
    memset(buf, 0, sizeof buf);
    nlh = make_ack(buf, -EBUSY, true, 0, NULL);
    nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
    mnl_attr_put(nlh, NLMSGERR_ATTR_MSG, 4, "abcd");
    assert_int_equal(netdev_afpacket_rxtc_parse_ack(nlh, &msg), EBUSY);
    assert_null(msg);
}

/* Builds in BUF a RTM_NEWLINK reply for ifindex IFINDEX called NAME over
 * LINK (0: none) of kind KIND (NULL: none) and macvlan mode MODE. */
static struct nlmsghdr *
make_link(void *buf, int ifindex, const char *name, uint32_t link,
          const char *kind, uint32_t mode)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

    nlh->nlmsg_type = RTM_NEWLINK;
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
    ifi->ifi_index = ifindex;
    if (name) {
        mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    }
    mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
    if (link) {
        mnl_attr_put_u32(nlh, IFLA_LINK, link);
    }
    if (kind) {
        struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
        mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
        struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
        mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, mode);
        mnl_attr_put_u16(nlh, IFLA_MACVLAN_FLAGS, 0);
        mnl_attr_nest_end(nlh, data);
        mnl_attr_nest_end(nlh, info);
    }
    return nlh;
}

static void
test_afpacket_rxtc_parse_link(void **state)
{
    (void) state;
    struct netdev_afpacket_rxtc_link link;
    uint32_t buf[256];

    memset(buf, 0, sizeof buf);
    assert_int_equal(
        netdev_afpacket_rxtc_parse_link(
            make_link(buf, 12, "nfrx3", 3, "macvlan", MACVLAN_MODE_PASSTHRU),
            &link),
        0);
    assert_int_equal(link.ifindex, 12);
    assert_string_equal(link.name, "nfrx3");
    assert_int_equal(link.link, 3);
    assert_false(link.link_netns);
    assert_true(link.macvlan);
    assert_int_equal(link.mode, MACVLAN_MODE_PASSTHRU);

    /* Another kind is no macvlan, whatever its data say, and its data
     * are not read as a macvlan's (a VLAN's attribute 1 is 16 bits). */
    memset(buf, 0, sizeof buf);
    assert_int_equal(netdev_afpacket_rxtc_parse_link(
                         make_link(buf, 12, "nfrx3", 3, "macvlanx", 8), &link),
                     0);
    assert_false(link.macvlan);
    assert_int_equal(link.mode, 0);
    memset(buf, 0, sizeof buf);
    struct nlmsghdr *nlh = make_link(buf, 9, "nfrx3", 3, NULL, 0);
    struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vlan");
    struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
    mnl_attr_put_u16(nlh, IFLA_VLAN_ID, 10);
    mnl_attr_nest_end(nlh, data);
    mnl_attr_nest_end(nlh, info);
    assert_int_equal(netdev_afpacket_rxtc_parse_link(nlh, &link), 0);
    assert_false(link.macvlan);

    /* A macvlan's mode of the wrong size is malformed. */
    memset(buf, 0, sizeof buf);
    nlh = make_link(buf, 12, "nfrx3", 3, NULL, 0);
    info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
    mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvlan");
    data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
    mnl_attr_put_u16(nlh, IFLA_MACVLAN_MODE, 8);
    mnl_attr_nest_end(nlh, data);
    mnl_attr_nest_end(nlh, info);
    assert_int_equal(netdev_afpacket_rxtc_parse_link(nlh, &link), EINVAL);
    memset(buf, 0, sizeof buf);
    assert_int_equal(netdev_afpacket_rxtc_parse_link(
                         make_link(buf, 5, "nfrx3", 0, NULL, 0), &link),
                     0);
    assert_false(link.macvlan);
    assert_int_equal(link.link, 0);

    /* Malformed: no name, no ifindex, a short IFLA_LINK, a short
     * message, a name without its NUL. */
    memset(buf, 0, sizeof buf);
    assert_int_equal(netdev_afpacket_rxtc_parse_link(
                         make_link(buf, 5, NULL, 3, "macvlan", 8), &link),
                     EINVAL);
    memset(buf, 0, sizeof buf);
    assert_int_equal(netdev_afpacket_rxtc_parse_link(
                         make_link(buf, 0, "x", 3, "macvlan", 8), &link),
                     EINVAL);
    memset(buf, 0, sizeof buf);
    nlh = make_link(buf, 5, "x", 0, NULL, 0);
    mnl_attr_put_u16(nlh, IFLA_LINK, 3);
    assert_int_equal(netdev_afpacket_rxtc_parse_link(nlh, &link), EINVAL);
    nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
    assert_int_equal(netdev_afpacket_rxtc_parse_link(nlh, &link), EINVAL);
    memset(buf, 0, sizeof buf);
    nlh = make_link(buf, 5, NULL, 0, NULL, 0);
    mnl_attr_put(nlh, IFLA_IFNAME, 4, "abcd");
    assert_int_equal(netdev_afpacket_rxtc_parse_link(nlh, &link), EINVAL);
    /* A name longer than an interface name. */
    memset(buf, 0, sizeof buf);
    nlh = make_link(buf, 5, "a-name-much-too-long-for-linux", 0, NULL, 0);
    assert_int_equal(netdev_afpacket_rxtc_parse_link(nlh, &link), EINVAL);
}

/* A veth, its peer in another netns, and an address, as RTM_GETLINK
 * replies carry them (the coalescing on send looks the peer up so). */
static void
test_afpacket_peer_link(void **state)
{
    (void) state;
    static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
    struct netdev_afpacket_rxtc_link link;
    uint32_t buf[256];

    memset(buf, 0, sizeof buf);
    struct nlmsghdr *nlh = make_link(buf, 7, "wb", 0, "veth", 0);
    mnl_attr_put_u32(nlh, IFLA_LINK, 31);
    mnl_attr_put_u32(nlh, IFLA_LINK_NETNSID, 4);
    mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
    assert_int_equal(netdev_afpacket_rxtc_parse_link(nlh, &link), 0);
    assert_true(link.veth);
    assert_false(link.macvlan);
    assert_int_equal(link.link, 31);
    assert_true(link.link_netns);
    assert_int_equal(link.link_netnsid, 4);
    assert_true(link.has_addr);
    assert_memory_equal(link.addr, mac, 6);

    /* Not a veth; an address of another length is not kept; a short
     * netnsid is malformed. */
    memset(buf, 0, sizeof buf);
    nlh = make_link(buf, 7, "ip6gre0", 0, "vethx", 0);
    mnl_attr_put(nlh, IFLA_ADDRESS, 16, "0123456789abcdef");
    assert_int_equal(netdev_afpacket_rxtc_parse_link(nlh, &link), 0);
    assert_false(link.veth);
    assert_false(link.has_addr);
    memset(buf, 0, sizeof buf);
    nlh = make_link(buf, 7, "wb", 0, "veth", 0);
    mnl_attr_put_u16(nlh, IFLA_LINK_NETNSID, 4);
    assert_int_equal(netdev_afpacket_rxtc_parse_link(nlh, &link), EINVAL);

    /* The request: by ifindex, statistics skipped, the target netns only
     * when asked for. */
    memset(buf, 0, sizeof buf);
    nlh = netdev_afpacket_msg_getlink_index(buf, sizeof buf, 9, 31, true, 4);
    assert_non_null(nlh);
    assert_int_equal(nlh->nlmsg_type, RTM_GETLINK);
    assert_int_equal(nlh->nlmsg_seq, 9);
    const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    assert_int_equal(ifi->ifi_index, 31);
    const struct nlattr *a;
    bool mask = false, target = false;
    mnl_attr_for_each(a, nlh, sizeof *ifi)
    {
        if (mnl_attr_get_type(a) == IFLA_EXT_MASK) {
            mask = mnl_attr_get_u32(a) == RTEXT_FILTER_SKIP_STATS;
        } else if (mnl_attr_get_type(a) == IFLA_TARGET_NETNSID) {
            target = mnl_attr_get_u32(a) == 4;
        }
    }
    assert_true(mask);
    assert_true(target);
    memset(buf, 0, sizeof buf);
    nlh = netdev_afpacket_msg_getlink_index(buf, sizeof buf, 9, 31, false, 4);
    target = false;
    mnl_attr_for_each(a, nlh, sizeof *ifi)
    {
        target |= mnl_attr_get_type(a) == IFLA_TARGET_NETNSID;
    }
    assert_false(target);
    assert_null(netdev_afpacket_msg_getlink_index(buf, 8, 9, 31, true, 4));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_type),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_rx_handover),
        cmocka_unit_test(test_dummy_properties),
        cmocka_unit_test(test_dummy_rx_tx),
        cmocka_unit_test(test_dummy_drops),
        cmocka_unit_test(test_inject_into_wrong_type),
        cmocka_unit_test(test_vnet_hdr_meta),
        cmocka_unit_test(test_afpacket_options),
        cmocka_unit_test(test_afpacket_fanout_arg),
        cmocka_unit_test(test_afpacket_wait_sock),
        cmocka_unit_test(test_afpacket_auto_want),
        cmocka_unit_test(test_afpacket_rxtc_name),
        cmocka_unit_test(test_afpacket_rxtc_msg_create),
        cmocka_unit_test(test_afpacket_rxtc_parse_ack),
        cmocka_unit_test(test_afpacket_rxtc_parse_link),
        cmocka_unit_test(test_afpacket_peer_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
