/* Unit tests for softpath/netdev: the registry of port types (unknown
 * types, duplicate names, bad names) and the dummy type (inject, batched
 * receive, send, pop, counters, poll fd, admin state), plus the virtio net
 * header kept in a packet's headroom. */
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

#include "config.h"

/* The afxdp type is registered only where libxdp was found. */
#ifdef HAVE_AFXDP
#define AFXDP_TYPE "afxdp, "
#else
#define AFXDP_TYPE ""
#endif

#include "lib/packet.h"
#include "lib/vlog.h"
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
    assert_string_equal(types, "afpacket, " AFXDP_TYPE "tap, internal, dummy");

    /* Registering a name twice is refused; a new name is accepted. */
    assert_int_equal(netdev_register_class(&netdev_dummy_class), EEXIST);
    static struct netdev_class other;
    other = netdev_dummy_class;
    other.type = "dummy2";
    assert_int_equal(netdev_register_class(&other), 0);
    netdev_types_format(types, sizeof types);
    assert_string_equal(types, "afpacket, " AFXDP_TYPE
                               "tap, internal, dummy, dummy2");

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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_type),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_dummy_properties),
        cmocka_unit_test(test_dummy_rx_tx),
        cmocka_unit_test(test_dummy_drops),
        cmocka_unit_test(test_inject_into_wrong_type),
        cmocka_unit_test(test_vnet_hdr_meta),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
