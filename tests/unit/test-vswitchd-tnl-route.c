/* Tests of nicflowd's route table (vswitchd/tnl-route.c): longest prefix
 * match over IPv4 and IPv6 with packet marks, the precedence of local,
 * user and kernel routes as Open vSwitch ranks them, source selection,
 * and the ovs/route/... commands (replies, errors and ovs/route/show's text
 * and order, the expected strings being what ovs-vswitchd 3.1 prints),
 * sent over a real control socket served on a thread.  The kernel is not
 * involved: the test fills the address list itself. */
#include <arpa/inet.h>
#include <errno.h>
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
#include "lib/jsonrpc.h"
#include "lib/stream.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "vswitchd/tnl-route.h"

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

static bool
is_v4(const char *s)
{
    return !strchr(s, ':');
}

/* Adds route S/LEN (LEN as written: 24 for an IPv4 /24). */
static int
add(enum tnl_route_origin o, uint32_t mark, const char *s, unsigned int len,
    const char *dev, const char *gw)
{
    struct in6_addr p = ip(s), g = gw ? ip(gw) : in6addr_any;
    return tnl_route_add(o, mark, &p, len + (is_v4(s) ? 96 : 0), dev, &g,
                         NULL);
}

static void
addr(const char *dev, const char *s, unsigned int len)
{
    struct in6_addr a = ip(s);
    tnl_route_addr_add(dev, &a, len + (is_v4(s) ? 96 : 0));
}

/* Looks DST up for MARK; returns "dev gw src" or "none". */
static const char *
lookup(uint32_t mark, const char *dst)
{
    static char out[200];
    struct in6_addr d = ip(dst), src = in6addr_any, gw;
    char dev[IFNAMSIZ];
    struct buf b = BUF_INITIALIZER;

    if (!tnl_route_lookup(mark, &d, dev, &src, &gw)) {
        return "none";
    }
    buf_printf(&b, "%s ", dev);
    tnl_route_format_addr(&b, &gw);
    buf_put_char(&b, ' ');
    tnl_route_format_addr(&b, &src);
    snprintf(out, sizeof out, "%s", buf_cstr(&b));
    buf_destroy(&b);
    return out;
}

static void
base_addresses(void)
{
    addr("br0", "192.168.10.1", 24);
    addr("br0", "192.168.10.2", 24);
    addr("br0", "2001:db8::1", 64);
    addr("eth1", "172.16.0.1", 16);
    addr("eth1", "2001:db8:1::1", 64);
    addr("lo", "127.0.0.1", 8);
}

static int
reset(void **state)
{
    (void) state;
    tnl_route_exit();
    base_addresses();
    return 0;
}

static void
test_lpm_v4_v6_marks(void **state)
{
    (void) state;
    assert_int_equal(add(TNL_ROUTE_CACHED, 0, "192.168.10.0", 24, "br0", NULL),
                     0);
    assert_int_equal(
        add(TNL_ROUTE_CACHED, 0, "10.0.0.0", 8, "br0", "192.168.10.254"), 0);
    assert_int_equal(
        add(TNL_ROUTE_CACHED, 0, "10.1.0.0", 16, "br0", "192.168.10.253"), 0);
    assert_int_equal(
        add(TNL_ROUTE_CACHED, 0, "0.0.0.0", 0, "eth1", "172.16.0.254"), 0);
    assert_int_equal(
        add(TNL_ROUTE_USER, 5, "10.1.0.0", 16, "br0", "192.168.10.252"), 0);
    assert_int_equal(add(TNL_ROUTE_CACHED, 0, "2001:db8::", 64, "br0", NULL),
                     0);
    assert_int_equal(
        add(TNL_ROUTE_CACHED, 0, "2001:db8:5::", 48, "br0", "2001:db8::fe"),
        0);
    assert_int_equal(
        add(TNL_ROUTE_CACHED, 0, "::", 0, "eth1", "2001:db8:1::fe"), 0);

    assert_string_equal(lookup(0, "10.1.2.3"),
                        "br0 192.168.10.253 192.168.10.1");
    assert_string_equal(lookup(0, "10.2.3.4"),
                        "br0 192.168.10.254 192.168.10.1");
    assert_string_equal(lookup(0, "192.168.10.9"), "br0 :: 192.168.10.1");
    assert_string_equal(lookup(0, "8.8.8.8"), "eth1 172.16.0.254 172.16.0.1");
    /* Marks are exact: mark 5 has only its /16, mark 6 nothing. */
    assert_string_equal(lookup(5, "10.1.2.3"),
                        "br0 192.168.10.252 192.168.10.1");
    assert_string_equal(lookup(5, "10.2.3.4"), "none");
    assert_string_equal(lookup(6, "8.8.8.8"), "none");
    assert_string_equal(lookup(0, "2001:db8:5::9"),
                        "br0 2001:db8::fe 2001:db8::1");
    assert_string_equal(lookup(0, "2001:db8::9"), "br0 :: 2001:db8::1");
    assert_string_equal(lookup(0, "2001:4860::1"),
                        "eth1 2001:db8:1::fe 2001:db8:1::1");
    /* An IPv4 default does not catch IPv6 and vice versa. */
    tnl_route_exit();
    base_addresses();
    assert_int_equal(
        add(TNL_ROUTE_CACHED, 0, "0.0.0.0", 0, "eth1", "172.16.0.254"), 0);
    assert_string_equal(lookup(0, "2001:4860::1"), "none");
    assert_int_equal(tnl_route_count(), 1);
}

static void
test_precedence(void **state)
{
    (void) state;
    /* A user route beats a kernel route of the same length... */
    assert_int_equal(
        add(TNL_ROUTE_CACHED, 0, "10.1.0.0", 16, "br0", "192.168.10.254"), 0);
    assert_int_equal(
        add(TNL_ROUTE_USER, 0, "10.1.0.0", 16, "br0", "192.168.10.6"), 0);
    assert_string_equal(lookup(0, "10.1.1.1"),
                        "br0 192.168.10.6 192.168.10.1");
    /* ...and, Open vSwitch's ranking being length + 32, kernel routes up
     * to 31 bits longer. */
    assert_int_equal(
        add(TNL_ROUTE_CACHED, 0, "10.1.1.0", 24, "br0", "192.168.10.253"), 0);
    assert_string_equal(lookup(0, "10.1.1.1"),
                        "br0 192.168.10.6 192.168.10.1");
    /* A local route beats a user route of the same length. */
    assert_int_equal(
        add(TNL_ROUTE_USER, 0, "192.168.10.2", 32, "br0", "192.168.10.7"), 0);
    assert_string_equal(lookup(0, "192.168.10.2"),
                        "br0 192.168.10.7 192.168.10.1");
    assert_int_equal(add(TNL_ROUTE_LOCAL, 0, "192.168.10.2", 32, "br0", NULL),
                     0);
    assert_string_equal(lookup(0, "192.168.10.2"), "br0 :: 192.168.10.1");

    /* Flushing kernel routes keeps user routes; deleting a user route
     * uncovers the kernel one. */
    assert_int_equal(tnl_route_count(), 5);
    tnl_route_flush_cached();
    assert_int_equal(tnl_route_count(), 2);
    assert_string_equal(lookup(0, "192.168.10.2"),
                        "br0 192.168.10.7 192.168.10.1");
    assert_int_equal(
        add(TNL_ROUTE_CACHED, 0, "10.1.0.0", 16, "br0", "192.168.10.254"), 0);
    struct in6_addr p = ip("10.1.0.0");
    assert_int_equal(tnl_route_del(0, &p, 112), 0);
    assert_int_equal(tnl_route_del(0, &p, 112), ENOENT);
    assert_string_equal(lookup(0, "10.1.1.1"),
                        "br0 192.168.10.254 192.168.10.1");
}

static void
test_sources(void **state)
{
    (void) state;
    struct in6_addr d, src, gw;
    char dev[IFNAMSIZ];

    /* No address of br0 reaches 10.9/16 and there is no gateway. */
    assert_int_equal(add(TNL_ROUTE_USER, 0, "10.9.0.0", 16, "br0", NULL),
                     ENOENT);
    assert_int_equal(
        add(TNL_ROUTE_USER, 0, "10.9.0.0", 16, "nosuch", "192.168.10.1"),
        ENOENT);
    /* IPv4 destinations never take IPv6 sources. */
    addr("v6only", "2001:db8:7::1", 64);
    assert_int_equal(add(TNL_ROUTE_USER, 0, "10.9.0.0", 16, "v6only", NULL),
                     ENOENT);
    /* The longest matching subnet wins. */
    addr("br0", "10.9.1.1", 16);
    addr("br0", "10.9.2.1", 24);
    assert_int_equal(add(TNL_ROUTE_CACHED, 0, "10.9.2.0", 24, "br0", NULL), 0);
    assert_string_equal(lookup(0, "10.9.2.5"), "br0 :: 10.9.2.1");
    /* A given source must be an address of the device in the subnet. */
    struct in6_addr p = ip("10.9.0.0"), s = ip("10.9.1.1"),
                    bad = ip("1.2.3.4");
    assert_int_equal(
        tnl_route_add(TNL_ROUTE_USER, 0, &p, 112, "br0", NULL, &s), 0);
    assert_string_equal(lookup(0, "10.9.7.7"), "br0 :: 10.9.1.1");
    assert_int_equal(
        tnl_route_add(TNL_ROUTE_USER, 0, &p, 112, "br0", NULL, &bad), ENOENT);
    assert_int_equal(
        tnl_route_add(TNL_ROUTE_USER, 0, &p, 129, "br0", NULL, NULL), EINVAL);

    /* A source given to lookup must be local. */
    assert_int_equal(add(TNL_ROUTE_LOCAL, 0, "10.9.1.1", 32, "br0", NULL), 0);
    d = ip("10.9.7.7");
    src = ip("10.9.1.1");
    assert_true(tnl_route_lookup(0, &d, dev, &src, &gw));
    assert_string_equal(dev, "br0");
    src = ip("10.9.7.8");
    assert_false(tnl_route_lookup(0, &d, dev, &src, &gw));
}

/* The commands, over a control socket. */

static struct uh_server srv;

static int
start_server(void **state)
{
    (void) state;
    assert_int_equal(tnl_route_init(NULL), 0);
    uh_start(&srv, "tnl-route");
    return 0;
}

static int
stop_server(void **state)
{
    (void) state;
    uh_stop(&srv);
    tnl_route_exit();
    return 0;
}

#define CMD(...) UH_CMD(&srv, __VA_ARGS__)

static void
test_commands_add_del_lookup(void **state)
{
    (void) state;
    /* Replies and errors as ovs-vswitchd 3.1 gives them. */
    static const struct {
        const char *args[6];
        const char *reply;
    } cases[] = {
        { { "ovs/route/add", "10.9.0.0/16", "br0", "192.168.10.5",
            "pkt_mark=7" },
          "OK: OK\n" },
        { { "ovs/route/add", "10.1.0.0/16", "br0", "pkt_mark=3",
            "192.168.10.6" },
          "ERR: Invalid pkt_mark\n" },
        { { "ovs/route/add", "10.1.0.0/16", "br0", "192.168.10.6" },
          "OK: OK\n" },
        { { "ovs/route/add", "10.9.0.0/16", "br0" },
          "ERR: Error while inserting route.\n" },
        { { "ovs/route/add", "10.9.0.0/33", "br0" },
          "ERR: Invalid parameters\n" },
        { { "ovs/route/add", "2001:db8::/129", "br0" },
          "ERR: Invalid parameters\n" },
        { { "ovs/route/add", "10.0.0.0/255.0.255.0", "br0" },
          "ERR: Invalid parameters\n" },
        { { "ovs/route/add", "10.0.0.0/16x", "br0" },
          "ERR: Invalid parameters\n" },
        { { "ovs/route/add", "10.9.0.0/16", "br0", "foo" },
          "ERR: Invalid pkt_mark or gateway\n" },
        { { "ovs/route/add", "2001:db8:9::/48", "br0", "1.2.3.4" },
          "ERR: Invalid pkt_mark or IPv6 gateway\n" },
        { { "ovs/route/add", "10.8.0.0/16", "br0", "pkt_mark=abc" },
          "ERR: Invalid pkt_mark or gateway\n" },
        { { "ovs/route/add", "1.2.3.0/24", "br0", "a", "b", "c" },
          "ERR: \"ovs/route/add\" command takes at most 4 arguments\n" },
        { { "ovs/route/add", "10.1.0.0/16" },
          "ERR: \"ovs/route/add\" command requires at least 2 arguments\n" },
        { { "ovs/route/add", "2001:db8:9::/48", "br0", "2001:db8::fe" },
          "OK: OK\n" },
        { { "ovs/route/add", "172.16.5.0/255.255.255.0", "eth1" },
          "OK: OK\n" },
        { { "ovs/route/add", "192.168.10.0/24", "br0", "src=192.168.10.2" },
          "OK: OK\n" },
        { { "ovs/route/lookup", "10.9.1.1" }, "ERR: Not found\n" },
        { { "ovs/route/lookup", "10.9.1.1", "pkt_mark=7" },
          "OK: src 192.168.10.1\ngateway 192.168.10.5\ndev br0\n" },
        { { "ovs/route/lookup", "10.9.1.1", "pkt_mark=0x7" },
          "OK: src 192.168.10.1\ngateway 192.168.10.5\ndev br0\n" },
        { { "ovs/route/lookup", "192.168.10.9" },
          "OK: src 192.168.10.2\ngateway ::\ndev br0\n" },
        { { "ovs/route/lookup", "2001:db8:9::1" },
          "OK: src 2001:db8::1\ngateway 2001:db8::fe\ndev br0\n" },
        { { "ovs/route/lookup", "10.9.1.1/24" }, "ERR: Invalid parameters\n" },
        { { "ovs/route/lookup", "10.9.1.1/32" }, "ERR: Not found\n" },
        { { "ovs/route/lookup", "bad" }, "ERR: Invalid parameters\n" },
        { { "ovs/route/lookup", "10.9.1.1", "pkt_mark=x" },
          "ERR: Invalid pkt_mark\n" },
        { { "ovs/route/del", "10.9.0.0/16", "pkt_mark=7" }, "OK: OK\n" },
        { { "ovs/route/del", "10.9.0.0/16", "pkt_mark=7" },
          "ERR: Not found\n" },
        { { "ovs/route/del", "bad" }, "ERR: Invalid parameters\n" },
        { { "ovs/route/del", "10.1.0.0/16", "pkt_mark=z" },
          "ERR: Invalid pkt_mark\n" },
        { { "ovs/route/del", "10.1.0.0" }, "ERR: Not found\n" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const char *const *a = cases[i].args;
        const char *got = UH_CMD(&srv, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (strcmp(got, cases[i].reply)) {
            fail_msg("case %zu (%s %s): got \"%s\", want \"%s\"", i, a[0],
                     a[1] ? a[1] : "", got, cases[i].reply);
        }
    }
}

static void
test_commands_show(void **state)
{
    (void) state;
    assert_string_equal(CMD("ovs/route/show"), "OK: Route Table:\n");

    assert_int_equal(add(TNL_ROUTE_LOCAL, 0, "127.0.0.1", 32, "lo", NULL), 0);
    /* No IPv6 address on lo yet: no source, no route. */
    assert_int_equal(add(TNL_ROUTE_LOCAL, 0, "::1", 128, "lo", NULL), ENOENT);
    addr("lo", "::1", 128);
    assert_int_equal(add(TNL_ROUTE_LOCAL, 0, "::1", 128, "lo", NULL), 0);
    assert_int_equal(add(TNL_ROUTE_LOCAL, 0, "127.0.0.0", 8, "lo", NULL), 0);
    assert_int_equal(add(TNL_ROUTE_CACHED, 0, "192.168.10.0", 24, "br0", NULL),
                     0);
    assert_int_equal(
        add(TNL_ROUTE_CACHED, 0, "10.3.0.0", 16, "br0", "192.168.10.253"), 0);
    assert_int_equal(add(TNL_ROUTE_CACHED, 0, "2001:db8::", 64, "br0", NULL),
                     0);
    assert_int_equal(
        add(TNL_ROUTE_CACHED, 0, "2001:db8:5::", 48, "br0", "2001:db8::fe"),
        0);
    assert_string_equal(CMD("ovs/route/add", "192.168.10.0/24", "br0"),
                        "OK: OK\n");
    assert_string_equal(CMD("ovs/route/add", "10.9.0.0/16", "br0",
                            "192.168.10.5", "pkt_mark=7"),
                        "OK: OK\n");
    assert_string_equal(
        CMD("ovs/route/add", "2001:db8:9::/48", "br0", "2001:db8::fe"),
        "OK: OK\n");
    /* The order ovs-vswitchd 3.1 printed for the same steps: groups of one
     * length by decreasing highest priority (the user /48 lifts its group
     * above the /64), oldest first within a group. */
    assert_string_equal(
        CMD("ovs/route/show"),
        "OK: Route Table:\n"
        "Cached: 127.0.0.1/32 dev lo SRC 127.0.0.1 local\n"
        "Cached: ::1/128 dev lo SRC ::1 local\n"
        "Cached: 127.0.0.0/8 dev lo SRC 127.0.0.1 local\n"
        "Cached: 192.168.10.0/24 dev br0 SRC 192.168.10.1\n"
        "User: 192.168.10.0/24 dev br0 SRC 192.168.10.1\n"
        "Cached: 10.3.0.0/16 dev br0 GW 192.168.10.253 SRC 192.168.10.1\n"
        "User: 10.9.0.0/16 MARK 7 dev br0 GW 192.168.10.5 SRC 192.168.10.1\n"
        "Cached: 2001:db8:5::/48 dev br0 GW 2001:db8::fe SRC 2001:db8::1\n"
        "User: 2001:db8:9::/48 dev br0 GW 2001:db8::fe SRC 2001:db8::1\n"
        "Cached: 2001:db8::/64 dev br0 SRC 2001:db8::1\n");

    /* A reload (flush, then the kernel's routes again) puts kernel routes
     * after the user routes of their length. */
    tnl_route_flush_cached();
    assert_int_equal(add(TNL_ROUTE_CACHED, 0, "192.168.10.0", 24, "br0", NULL),
                     0);
    assert_string_equal(CMD("ovs/route/show"),
                        "OK: Route Table:\n"
                        "User: 192.168.10.0/24 dev br0 SRC 192.168.10.1\n"
                        "Cached: 192.168.10.0/24 dev br0 SRC 192.168.10.1\n"
                        "User: 10.9.0.0/16 MARK 7 dev br0 GW 192.168.10.5 SRC "
                        "192.168.10.1\n"
                        "User: 2001:db8:9::/48 dev br0 GW 2001:db8::fe SRC "
                        "2001:db8::1\n");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_lpm_v4_v6_marks, reset),
        cmocka_unit_test_setup(test_precedence, reset),
        cmocka_unit_test_setup(test_sources, reset),
        cmocka_unit_test_setup(test_commands_add_del_lookup, reset),
        cmocka_unit_test_setup(test_commands_show, reset),
    };
    return cmocka_run_group_tests(tests, start_server, stop_server);
}
