/* Tests of the tunnel neighbour cache (vswitchd/tnl-neigh.c): set and
 * lookup per bridge, what snooping learns from ARP and neighbour
 * advertisements and what it ignores, ageing with a clock the test
 * drives (lookups refresh, tnl/neigh/aging shortens), flushes, and the
 * tnl/neigh, tnl/arp and tnl/egress_port_range commands with the texts
 * ovs-vswitchd 3.1 answers, over a real control socket served on a
 * thread. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tests/unit/unixctl-harness.h"

#include "lib/buf.h"
#include "lib/evloop.h"
#include "lib/flow.h"
#include "lib/jsonrpc.h"
#include "lib/stream.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "vswitchd/tnl-neigh.h"

static long long now_ms;

static long long
test_clock(void)
{
    return now_ms;
}

static struct in6_addr
ip(const char *s)
{
    struct in6_addr a;
    struct in_addr v4;

    if (inet_pton(AF_INET, s, &v4) == 1) {
        memset(&a, 0, sizeof a);
        a.s6_addr[10] = a.s6_addr[11] = 0xff;
        memcpy(&a.s6_addr[12], &v4, 4);
    } else {
        assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
    }
    return a;
}

static struct eth_addr
mac(uint8_t last)
{
    struct eth_addr a = { { 0x50, 0x54, 0x00, 0x00, 0x00, last } };
    return a;
}

/* The last byte of the MAC for IP on DEV, or -1. */
static int
lookup(const char *dev, const char *s)
{
    struct in6_addr a = ip(s);
    struct eth_addr m;

    return tnl_neigh_lookup(dev, &a, &m) ? -1 : m.ea[5];
}

static void
set(const char *dev, const char *s, uint8_t last)
{
    struct in6_addr a = ip(s);
    struct eth_addr m = mac(last);
    tnl_neigh_set(dev, &a, &m, false);
}

static int
reset(void **state)
{
    (void) state;
    tnl_neigh_flush(NULL);
    now_ms = 1000000;
    tnl_neigh_set_clock(test_clock);
    assert_int_equal(tnl_neigh_set_aging(TNL_NEIGH_DEFAULT_AGING_S), 0);
    return 0;
}

static void
test_set_lookup(void **state)
{
    (void) state;
    set("br0", "192.168.10.7", 1);
    set("br0", "2001:db8::7", 2);
    set("br1", "192.168.10.7", 3);
    assert_int_equal(lookup("br0", "192.168.10.7"), 1);
    assert_int_equal(lookup("br1", "192.168.10.7"), 3);
    assert_int_equal(lookup("br0", "2001:db8::7"), 2);
    assert_int_equal(lookup("br2", "192.168.10.7"), -1);
    assert_int_equal(lookup("br0", "192.168.10.8"), -1);
    /* A new MAC replaces the entry. */
    set("br0", "192.168.10.7", 4);
    assert_int_equal(lookup("br0", "192.168.10.7"), 4);
    assert_int_equal(tnl_neigh_count(), 3);
    /* Bridge names are cut to IFNAMSIZ - 1 bytes, as Open vSwitch does. */
    set("averyveryverylongbridgename", "10.0.0.1", 5);
    assert_int_equal(lookup("averyveryverylo", "10.0.0.1"), 5);
    assert_int_equal(lookup("averyveryverylongbridgename", "10.0.0.1"), 5);
}

static void
test_aging(void **state)
{
    (void) state;
    set("br0", "10.0.0.1", 1);
    set("br0", "10.0.0.2", 2);
    now_ms += 600 * 1000;
    /* A lookup pushes the expiry back by the ageing time. */
    assert_int_equal(lookup("br0", "10.0.0.1"), 1);
    now_ms += 300 * 1000;
    assert_int_equal(lookup("br0", "10.0.0.2"), -1);
    assert_int_equal(lookup("br0", "10.0.0.1"), 1);
    /* Expired entries linger (STALE) until tnl_neigh_run(). */
    assert_int_equal(tnl_neigh_count(), 2);
    struct buf b = BUF_INITIALIZER;
    tnl_neigh_format(&b);
    assert_non_null(strstr(buf_cstr(&b), "50:54:00:00:00:02   br0 STALE\n"));
    assert_null(strstr(buf_cstr(&b), "50:54:00:00:00:01   br0 STALE"));
    buf_destroy(&b);
    tnl_neigh_run();
    assert_int_equal(tnl_neigh_count(), 1);
    /* Setting an expired entry's address again makes a fresh entry. */
    set("br0", "10.0.0.2", 2);
    assert_int_equal(lookup("br0", "10.0.0.2"), 2);

    /* A shorter ageing time shortens every entry's life. */
    assert_int_equal(tnl_neigh_set_aging(10), 0);
    assert_int_equal(tnl_neigh_get_aging(), 10000);
    now_ms += 10 * 1000;
    assert_int_equal(lookup("br0", "10.0.0.1"), -1);
    assert_int_equal(lookup("br0", "10.0.0.2"), -1);
    assert_int_equal(tnl_neigh_set_aging(0), EINVAL);
    assert_int_equal(tnl_neigh_set_aging(TNL_NEIGH_MAX_AGING_S + 1), EINVAL);
    assert_int_equal(tnl_neigh_set_aging(TNL_NEIGH_MAX_AGING_S), 0);
}

static void
test_snoop(void **state)
{
    (void) state;
    struct flow f;

    /* ARP reply: learned. */
    memset(&f, 0, sizeof f);
    f.dl_type = htons(ETH_TYPE_ARP);
    f.nw_proto = 2;
    inet_pton(AF_INET, "192.168.10.20", &f.nw_src);
    inet_pton(AF_INET, "192.168.10.1", &f.nw_dst);
    f.arp_sha = mac(20);
    assert_int_equal(tnl_neigh_snoop(&f, "br0"), 0);
    assert_int_equal(lookup("br0", "192.168.10.20"), 20);
    /* ...but not with a zero sender MAC. */
    memset(&f.arp_sha, 0, sizeof f.arp_sha);
    inet_pton(AF_INET, "192.168.10.21", &f.nw_src);
    assert_int_equal(tnl_neigh_snoop(&f, "br0"), EINVAL);
    /* A plain ARP request: ignored. */
    f.nw_proto = 1;
    f.arp_sha = mac(21);
    assert_int_equal(tnl_neigh_snoop(&f, "br0"), EINVAL);
    /* A gratuitous request (broadcast, sender = target): learned. */
    memset(&f.dl_dst, 0xff, sizeof f.dl_dst);
    f.nw_dst = f.nw_src;
    assert_int_equal(tnl_neigh_snoop(&f, "br0"), 0);
    assert_int_equal(lookup("br0", "192.168.10.21"), 21);

    /* Neighbour advertisement with a target link-layer address. */
    memset(&f, 0, sizeof f);
    f.dl_type = htons(ETH_TYPE_IPV6);
    f.nw_proto = IPPROTO_ICMPV6;
    f.tp_src = htons(ND_NEIGHBOR_ADVERT);
    f.nd_target = ip("2001:db8::20");
    f.arp_tha = mac(22);
    assert_int_equal(tnl_neigh_snoop(&f, "br0"), 0);
    assert_int_equal(lookup("br0", "2001:db8::20"), 22);
    /* Without one (Linux's answer to a unicast solicitation): ignored. */
    f.nd_target = ip("2001:db8::21");
    memset(&f.arp_tha, 0, sizeof f.arp_tha);
    assert_int_equal(tnl_neigh_snoop(&f, "br0"), EINVAL);
    /* Solicitations, other codes and other ICMPv6: ignored. */
    f.arp_tha = mac(23);
    f.tp_src = htons(ND_NEIGHBOR_SOLICIT);
    assert_int_equal(tnl_neigh_snoop(&f, "br0"), EINVAL);
    f.tp_src = htons(ND_NEIGHBOR_ADVERT);
    f.tp_dst = htons(1);
    assert_int_equal(tnl_neigh_snoop(&f, "br0"), EINVAL);
    f.tp_dst = 0;
    f.nw_proto = IPPROTO_UDP;
    assert_int_equal(tnl_neigh_snoop(&f, "br0"), EINVAL);
    assert_int_equal(lookup("br0", "2001:db8::21"), -1);
    assert_int_equal(tnl_neigh_count(), 3);
}

static void
test_flush(void **state)
{
    (void) state;
    set("br0", "10.0.0.1", 1);
    set("br1", "10.0.0.2", 2);
    set("br0", "10.0.0.3", 3);
    tnl_neigh_flush("br0");
    assert_int_equal(tnl_neigh_count(), 1);
    assert_int_equal(lookup("br1", "10.0.0.2"), 2);
    tnl_neigh_flush(NULL);
    assert_int_equal(tnl_neigh_count(), 0);
}

/* The commands, over a control socket. */

static struct uh_server srv;

static int
start_server(void **state)
{
    (void) state;
    tnl_neigh_init(NULL);
    uh_start(&srv, "tnl-neigh");
    return 0;
}

static int
stop_server(void **state)
{
    (void) state;
    uh_stop(&srv);
    tnl_neigh_exit();
    tnl_neigh_set_clock(NULL);
    return 0;
}

#define CMD(...) UH_CMD(&srv, __VA_ARGS__)

#define HEADING                                                              \
    "IP                                            MAC                 "     \
    "Bridge\n"                                                               \
    "======================================================================" \
    "====\n"

static void
test_commands(void **state)
{
    (void) state;
    assert_string_equal(CMD("tnl/neigh/show"), "OK: " HEADING);
    assert_string_equal(
        CMD("tnl/neigh/set", "br0", "192.168.10.7", "aa:bb:cc:dd:ee:01"),
        "OK: OK\n");
    assert_string_equal(
        CMD("tnl/arp/set", "br0", "2001:db8::7", "AA:BB:CC:DD:EE:2"),
        "OK: OK\n");
    assert_string_equal(CMD("tnl/neigh/set", "averyveryverylongbridgename",
                            "10.0.0.1", "aa:bb:cc:dd:ee:03"),
                        "OK: OK\n");
    assert_string_equal(
        CMD("tnl/neigh/set", "br0", "bad", "aa:bb:cc:dd:ee:05"),
        "ERR: bad IP address\n");
    assert_string_equal(
        CMD("tnl/neigh/set", "br0", "192.168.10.9/24", "aa:bb:cc:dd:ee:05"),
        "ERR: bad IP address\n");
    assert_string_equal(CMD("tnl/neigh/set", "br0", "192.168.10.9", "bad"),
                        "ERR: bad MAC address\n");
    assert_string_equal(
        CMD("tnl/neigh/set", "br0", "192.168.10.9", "aa:bb:cc:dd:ee"),
        "ERR: bad MAC address\n");
    assert_string_equal(
        CMD("tnl/neigh/set", "br0", "192.168.10.9", "aa:bb:cc:dd:ee:ff:00"),
        "ERR: bad MAC address\n");
    assert_string_equal(CMD("tnl/neigh/show"),
                        "OK: " HEADING
                        "192.168.10.7                                  "
                        "aa:bb:cc:dd:ee:01   br0\n"
                        "2001:db8::7                                   "
                        "aa:bb:cc:dd:ee:02   br0\n"
                        "10.0.0.1                                      "
                        "aa:bb:cc:dd:ee:03   averyveryverylo\n");
    char *neigh_show = xstrdup(CMD("tnl/neigh/show"));
    assert_string_equal(CMD("tnl/arp/show"), neigh_show);
    free(neigh_show);

    assert_string_equal(CMD("tnl/neigh/aging"), "OK: 900\n");
    assert_string_equal(CMD("tnl/neigh/aging", "100"), "OK: OK\n");
    assert_string_equal(CMD("tnl/arp/aging"), "OK: 100\n");
    assert_string_equal(CMD("tnl/neigh/aging", "0"), "ERR: bad aging value\n");
    assert_string_equal(CMD("tnl/neigh/aging", "3601"),
                        "ERR: bad aging value\n");
    assert_string_equal(CMD("tnl/neigh/aging", "abc"),
                        "ERR: bad aging value\n");
    assert_string_equal(CMD("tnl/arp/aging", "3600"), "OK: OK\n");

    assert_string_equal(CMD("tnl/neigh/flush"), "OK: OK\n");
    assert_string_equal(CMD("tnl/neigh/show"), "OK: " HEADING);
    assert_string_equal(CMD("tnl/arp/flush"), "OK: OK\n");

    /* Open vSwitch answers bad numbers with a successful reply. */
    assert_string_equal(CMD("tnl/egress_port_range"),
                        "OK: Tunnel UDP source port range: 32768-61000\n");
    assert_string_equal(CMD("tnl/egress_port_range", "2000", "1000"),
                        "OK: OK\n");
    assert_string_equal(CMD("tnl/egress_port_range", "1000"),
                        "OK: Tunnel UDP source port range: 1000-2000\n");
    assert_string_equal(CMD("tnl/egress_port_range", "0", "70000"),
                        "OK: Invalid min.\n");
    assert_string_equal(CMD("tnl/egress_port_range", "1", "70000"),
                        "OK: Invalid max.\n");
    assert_string_equal(CMD("tnl/egress_port_range", "a", "1"),
                        "OK: Invalid min.\n");
    uint16_t min, max;
    tnl_neigh_get_port_range(&min, &max);
    assert_int_equal(min, 1000);
    assert_int_equal(max, 2000);
    assert_string_equal(CMD("tnl/egress_port_range", "1", "2", "3"),
                        "ERR: \"tnl/egress_port_range\" command takes at "
                        "most 2 arguments\n");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_set_lookup, reset),
        cmocka_unit_test_setup(test_aging, reset),
        cmocka_unit_test_setup(test_snoop, reset),
        cmocka_unit_test_setup(test_flush, reset),
        cmocka_unit_test_setup(test_commands, reset),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
