/* Tests of nicflowd's tunnel interfaces (vswitchd/tnl-port.c): option
 * parsing with Open vSwitch's names, defaults and error messages, which
 * tunnel packets an interface receives, the option text dpif/show prints,
 * the tunnel metadata of an output, the outer headers of tnl_push (byte
 * for byte, and accepted and printed by the datapath's own code), and the
 * shared tunnel vports on a "netdev" datapath of dummy ports. */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "softpath/dpif-netdev.h"
#include "softpath/dpif.h"
#include "softpath/netdev.h"
#include "softpath/odp.h"
#include "vswitchd/tnl-port.h"

static struct in6_addr
mapped(const char *s)
{
    struct in6_addr a;
    struct in_addr v4;

    assert_int_equal(inet_pton(AF_INET, s, &v4), 1);
    memset(&a, 0, sizeof a);
    a.s6_addr[10] = a.s6_addr[11] = 0xff;
    memcpy(&a.s6_addr[12], &v4, 4);
    return a;
}

static struct in6_addr
ip6(const char *s)
{
    struct in6_addr a;

    assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
    return a;
}

static uint32_t
be_ip(const char *s)
{
    struct in_addr v4;

    assert_int_equal(inet_pton(AF_INET, s, &v4), 1);
    return v4.s_addr;
}

/* Parses OPTIONS of interface "t0" of TYPE, which must succeed. */
static struct tnl_port_cfg
parse_ok(const char *type, const char *options)
{
    struct tnl_port_cfg cfg;
    char *err = NULL;

    int error = tnl_port_cfg_parse("t0", type, options, &cfg, &err);
    if (error || err) {
        fail_msg("%s \"%s\": %d %s", type, options, error,
                 err ? err : "(no message)");
    }
    return cfg;
}

/* Parses OPTIONS of interface "t0" of TYPE, which must fail with EINVAL
 * and message MSG; and again without a message pointer. */
static void
parse_err(const char *type, const char *options, const char *msg)
{
    struct tnl_port_cfg cfg;
    char *err = NULL;

    assert_int_equal(tnl_port_cfg_parse("t0", type, options, &cfg, &err),
                     EINVAL);
    assert_non_null(err);
    assert_string_equal(err, msg);
    free(err);
    assert_int_equal(tnl_port_cfg_parse("t0", type, options, &cfg, NULL),
                     EINVAL);
}

/* tnl_port_cfg_format() of TYPE with OPTIONS, in a static buffer. */
static const char *
fmt(const char *type, const char *options)
{
    static char s[256];
    struct tnl_port_cfg cfg = parse_ok(type, options);
    struct buf b = BUF_INITIALIZER;

    tnl_port_cfg_format(&cfg, &b);
    snprintf(s, sizeof s, "%s", buf_cstr(&b));
    buf_destroy(&b);
    return s;
}

/* ---------------------------------------------------------------------
 * Types.
 * --------------------------------------------------------------------- */

static void
test_types(void **state)
{
    (void) state;

    assert_int_equal(tnl_port_type_from_name("vxlan"), ODP_TNL_TYPE_VXLAN);
    assert_int_equal(tnl_port_type_from_name("geneve"), ODP_TNL_TYPE_GENEVE);
    assert_int_equal(tnl_port_type_from_name("gre"), ODP_TNL_TYPE_GRE);
    assert_int_equal(tnl_port_type_from_name("system"), 0);
    assert_int_equal(tnl_port_type_from_name("VXLAN"), 0);
    assert_int_equal(tnl_port_type_from_name(""), 0);
    assert_int_equal(tnl_port_type_from_name(NULL), 0);
    assert_string_equal(tnl_port_type_name(ODP_TNL_TYPE_VXLAN), "vxlan");
    assert_string_equal(tnl_port_type_name(ODP_TNL_TYPE_GENEVE), "geneve");
    assert_string_equal(tnl_port_type_name(ODP_TNL_TYPE_GRE), "gre");
    assert_string_equal(tnl_port_type_name(99), "?");

    parse_err("patch", "remote_ip=1.1.1.1", "t0: \"patch\" is no tunnel type");
    parse_err("", "remote_ip=1.1.1.1", "t0: \"\" is no tunnel type");
}

/* ---------------------------------------------------------------------
 * Parsing.
 * --------------------------------------------------------------------- */

static void
test_parse_defaults(void **state)
{
    (void) state;
    struct in6_addr want = mapped("172.31.0.2");

    struct tnl_port_cfg c = parse_ok("vxlan", "remote_ip=172.31.0.2");
    assert_int_equal(c.type, ODP_TNL_TYPE_VXLAN);
    assert_int_equal(c.dst_port, 4789);
    assert_false(c.remote_flow);
    assert_memory_equal(&c.remote_ip, &want, sizeof want);
    assert_false(c.local_flow);
    assert_false(c.has_local);
    assert_false(c.in_key_flow);
    assert_false(c.out_key_flow);
    assert_false(c.in_key_present);
    assert_false(c.out_key_present);
    assert_false(c.tos_inherit);
    assert_int_equal(c.tos, 0);
    assert_false(c.ttl_inherit);
    assert_int_equal(c.ttl, 64);
    assert_true(c.dont_fragment);
    assert_false(c.csum);

    c = parse_ok("geneve", "remote_ip=172.31.0.2");
    assert_int_equal(c.type, ODP_TNL_TYPE_GENEVE);
    assert_int_equal(c.dst_port, 6081);
    assert_int_equal(c.ttl, 64);
    assert_true(c.dont_fragment);

    c = parse_ok("gre", "remote_ip=172.31.0.2");
    assert_int_equal(c.type, ODP_TNL_TYPE_GRE);
    assert_int_equal(c.dst_port, 0);
    assert_int_equal(c.ttl, 64);
    assert_true(c.dont_fragment);
}

static void
test_parse_addresses(void **state)
{
    (void) state;
    struct in6_addr r = mapped("10.0.0.2"), l = mapped("10.0.0.1");

    struct tnl_port_cfg c = parse_ok("vxlan", "remote_ip=flow");
    assert_true(c.remote_flow);
    assert_false(c.local_flow);
    assert_false(c.has_local);

    c = parse_ok("geneve", "local_ip=flow,remote_ip=flow");
    assert_true(c.remote_flow);
    assert_true(c.local_flow);
    assert_false(c.has_local);

    c = parse_ok("gre", "local_ip=10.0.0.1,remote_ip=10.0.0.2");
    assert_false(c.remote_flow);
    assert_false(c.local_flow);
    assert_true(c.has_local);
    assert_memory_equal(&c.remote_ip, &r, sizeof r);
    assert_memory_equal(&c.local_ip, &l, sizeof l);

    c = parse_ok("vxlan", "local_ip=10.0.0.1,remote_ip=flow");
    assert_true(c.remote_flow);
    assert_true(c.has_local);
    assert_memory_equal(&c.local_ip, &l, sizeof l);

    c = parse_ok("vxlan", "local_ip=flow,remote_ip=10.0.0.2");
    assert_true(c.local_flow);
    assert_false(c.remote_flow);
    assert_memory_equal(&c.remote_ip, &r, sizeof r);

    /* An IPv6 underlay (vxlan and geneve). */
    struct in6_addr r6 = ip6("2001:db8::2"), l6 = ip6("2001:db8::1");
    c = parse_ok("vxlan", "remote_ip=2001:db8::2");
    assert_false(c.remote_flow);
    assert_memory_equal(&c.remote_ip, &r6, sizeof r6);
    c = parse_ok("geneve", "local_ip=2001:db8::1,remote_ip=2001:db8::2");
    assert_true(c.has_local);
    assert_memory_equal(&c.local_ip, &l6, sizeof l6);
    assert_memory_equal(&c.remote_ip, &r6, sizeof r6);
    c = parse_ok("vxlan", "local_ip=2001:db8::1,remote_ip=flow");
    assert_true(c.remote_flow);
    assert_memory_equal(&c.local_ip, &l6, sizeof l6);
    /* An IPv4-mapped IPv6 address is IPv4. */
    c = parse_ok("gre", "remote_ip=::ffff:10.0.0.2");
    assert_memory_equal(&c.remote_ip, &r, sizeof r);
}

static void
test_parse_keys(void **state)
{
    (void) state;

    struct tnl_port_cfg c = parse_ok("vxlan", "key=100,remote_ip=1.1.1.1");
    assert_true(c.in_key_present && c.out_key_present);
    assert_false(c.in_key_flow || c.out_key_flow);
    assert_int_equal(c.in_key, 100);
    assert_int_equal(c.out_key, 100);

    /* Hexadecimal. */
    c = parse_ok("vxlan", "key=0x64,remote_ip=1.1.1.1");
    assert_int_equal(c.in_key, 100);
    assert_int_equal(c.out_key, 100);
    c = parse_ok("gre", "key=0xFFFFFFFF,remote_ip=1.1.1.1");
    assert_int_equal(c.in_key, 0xffffffffu);
    c = parse_ok("gre", "key=0,remote_ip=1.1.1.1");
    assert_true(c.in_key_present && c.out_key_present);
    assert_int_equal(c.in_key, 0);
    c = parse_ok("gre", "key=18446744073709551615,remote_ip=1.1.1.1");
    assert_true(c.in_key == UINT64_MAX && c.out_key == UINT64_MAX);

    c = parse_ok("vxlan", "key=flow,remote_ip=1.1.1.1");
    assert_true(c.in_key_flow && c.out_key_flow);
    assert_false(c.in_key_present || c.out_key_present);

    /* in_key and out_key alone. */
    c = parse_ok("vxlan", "in_key=5,remote_ip=1.1.1.1");
    assert_true(c.in_key_present);
    assert_int_equal(c.in_key, 5);
    assert_false(c.out_key_present || c.out_key_flow);
    c = parse_ok("vxlan", "out_key=flow,remote_ip=1.1.1.1");
    assert_true(c.out_key_flow);
    assert_false(c.in_key_present || c.in_key_flow);
    c = parse_ok("vxlan", "in_key=flow,out_key=9,remote_ip=1.1.1.1");
    assert_true(c.in_key_flow);
    assert_false(c.in_key_present);
    assert_true(c.out_key_present);
    assert_false(c.out_key_flow);
    assert_int_equal(c.out_key, 9);

    /* in_key and out_key override key, before it or after it (the
     * database sorts the keys: in_key < key < out_key). */
    static const char *const in_over[] = {
        "in_key=5,key=100,remote_ip=1.1.1.1",
        "key=100,in_key=5,remote_ip=1.1.1.1",
    };
    for (size_t i = 0; i < ARRAY_SIZE(in_over); i++) {
        c = parse_ok("vxlan", in_over[i]);
        assert_true(c.in_key_present && c.out_key_present);
        assert_int_equal(c.in_key, 5);
        assert_int_equal(c.out_key, 100);
    }
    static const char *const out_over[] = {
        "key=100,out_key=7,remote_ip=1.1.1.1",
        "out_key=7,key=100,remote_ip=1.1.1.1",
    };
    for (size_t i = 0; i < ARRAY_SIZE(out_over); i++) {
        c = parse_ok("gre", out_over[i]);
        assert_int_equal(c.in_key, 100);
        assert_int_equal(c.out_key, 7);
    }
    static const char *const flow_over[] = {
        "in_key=5,key=flow,remote_ip=1.1.1.1",
        "key=flow,in_key=5,remote_ip=1.1.1.1",
    };
    for (size_t i = 0; i < ARRAY_SIZE(flow_over); i++) {
        c = parse_ok("geneve", flow_over[i]);
        assert_true(c.in_key_present);
        assert_false(c.in_key_flow);
        assert_int_equal(c.in_key, 5);
        assert_true(c.out_key_flow);
        assert_false(c.out_key_present);
    }
    c = parse_ok("vxlan", "in_key=flow,key=3,out_key=flow,remote_ip=1.1.1.1");
    assert_true(c.in_key_flow && c.out_key_flow);
    assert_false(c.in_key_present || c.out_key_present);
}

static void
test_parse_other_options(void **state)
{
    (void) state;

    struct tnl_port_cfg c =
        parse_ok("vxlan", "dst_port=8472,remote_ip=1.1.1.1");
    assert_int_equal(c.dst_port, 8472);
    c = parse_ok("geneve", "dst_port=1,remote_ip=1.1.1.1");
    assert_int_equal(c.dst_port, 1);
    c = parse_ok("geneve", "dst_port=65535,remote_ip=1.1.1.1");
    assert_int_equal(c.dst_port, 65535);

    c = parse_ok("vxlan", "remote_ip=1.1.1.1,tos=inherit");
    assert_true(c.tos_inherit);
    c = parse_ok("vxlan", "remote_ip=1.1.1.1,tos=0x10");
    assert_false(c.tos_inherit);
    assert_int_equal(c.tos, 0x10);
    c = parse_ok("vxlan", "remote_ip=1.1.1.1,tos=184");
    assert_int_equal(c.tos, 184);
    c = parse_ok("vxlan", "remote_ip=1.1.1.1,tos=0");
    assert_int_equal(c.tos, 0);
    assert_false(c.tos_inherit);

    c = parse_ok("vxlan", "remote_ip=1.1.1.1,ttl=inherit");
    assert_true(c.ttl_inherit);
    c = parse_ok("vxlan", "remote_ip=1.1.1.1,ttl=1");
    assert_false(c.ttl_inherit);
    assert_int_equal(c.ttl, 1);
    c = parse_ok("gre", "remote_ip=1.1.1.1,ttl=255");
    assert_int_equal(c.ttl, 255);

    c = parse_ok("vxlan", "df_default=false,remote_ip=1.1.1.1");
    assert_false(c.dont_fragment);
    c = parse_ok("vxlan", "df_default=true,remote_ip=1.1.1.1");
    assert_true(c.dont_fragment);
    c = parse_ok("gre", "csum=true,remote_ip=1.1.1.1");
    assert_true(c.csum);
    c = parse_ok("gre", "csum=false,remote_ip=1.1.1.1");
    assert_false(c.csum);

    c = parse_ok("vxlan", "packet_type=legacy_l2,remote_ip=1.1.1.1");
    assert_int_equal(c.type, ODP_TNL_TYPE_VXLAN);

    /* Everything at once. */
    c = parse_ok("geneve", "csum=true,df_default=false,dst_port=5000,"
                           "key=0x10,local_ip=10.0.0.1,"
                           "packet_type=legacy_l2,remote_ip=10.0.0.2,"
                           "tos=0x20,ttl=10");
    assert_true(c.csum);
    assert_false(c.dont_fragment);
    assert_int_equal(c.dst_port, 5000);
    assert_int_equal(c.in_key, 16);
    assert_int_equal(c.out_key, 16);
    assert_true(c.has_local);
    assert_int_equal(c.tos, 0x20);
    assert_int_equal(c.ttl, 10);
}

/* One refusal per line: type, options, Open vSwitch's (or our) words. */
static const struct {
    const char *type, *options, *msg;
} parse_errors[] = {
    /* remote_ip missing or not an address. */
    { "vxlan", "", "t0: vxlan type requires valid 'remote_ip' argument" },
    { "vxlan", NULL, "t0: vxlan type requires valid 'remote_ip' argument" },
    { "geneve", "key=5",
      "t0: geneve type requires valid 'remote_ip' argument" },
    { "gre", "local_ip=1.1.1.1",
      "t0: gre type requires valid 'remote_ip' argument" },
    { "vxlan",
      "remote_ip=", "t0: vxlan type requires valid 'remote_ip' argument" },
    { "vxlan", "remote_ip=1.1.1",
      "t0: vxlan type requires valid 'remote_ip' argument" },
    { "vxlan", "remote_ip=host.example",
      "t0: vxlan type requires valid 'remote_ip' argument" },
    { "vxlan", "remote_ip=Flow",
      "t0: vxlan type requires valid 'remote_ip' argument" },
    /* Unknown options, in Open vSwitch's words. */
    { "vxlan", "foo=1,remote_ip=1.1.1.1", "t0: unknown vxlan argument 'foo'" },
    { "gre", "remote_ip=1.1.1.1,tunnel=1",
      "t0: unknown gre argument 'tunnel'" },
    { "geneve", "remote_ip=1.1.1.1,Key=1",
      "t0: unknown geneve argument 'Key'" },
    /* Addresses. */
    { "gre", "remote_ip=2001:db8::1",
      "t0: gre over IPv6 is interface type ip6gre, which is not supported "
      "yet" },
    { "gre", "local_ip=2001:db8::2,remote_ip=2001:db8::1",
      "t0: gre over IPv6 is interface type ip6gre, which is not supported "
      "yet" },
    { "gre", "local_ip=2001:db8::1,remote_ip=flow",
      "t0: gre over IPv6 is interface type ip6gre, which is not supported "
      "yet" },
    /* An option without a value (the message quotes it whole). */
    { "vxlan", "remote_ip", "t0: vxlan option \"remote_ip\" has no value" },
    { "vxlan", "csum,remote_ip=1.1.1.1",
      "t0: vxlan option \"csum\" has no value" },
    { "vxlan", "local_ip=1.1.1.2,remote_ip=2001:db8::1",
      "t0: 'local_ip' and 'remote_ip' are of different address families" },
    { "vxlan", "local_ip=2001:db8::1,remote_ip=1.1.1.1",
      "t0: 'local_ip' and 'remote_ip' are of different address families" },
    { "vxlan", "local_ip=nowhere,remote_ip=1.1.1.1",
      "t0: bad vxlan 'local_ip'" },
    { "geneve", "local_ip=,remote_ip=flow", "t0: bad geneve 'local_ip'" },
    /* Keys. */
    { "vxlan", "key=abc,remote_ip=1.1.1.1",
      "t0: bad vxlan 'key': \"abc\" is neither a number nor \"flow\"" },
    { "vxlan", "key=,remote_ip=1.1.1.1",
      "t0: bad vxlan 'key': \"\" is neither a number nor \"flow\"" },
    { "gre", "in_key=-1,remote_ip=1.1.1.1",
      "t0: bad gre 'in_key': \"-1\" is neither a number nor \"flow\"" },
    { "gre", "out_key=12x,remote_ip=1.1.1.1",
      "t0: bad gre 'out_key': \"12x\" is neither a number nor \"flow\"" },
    { "gre", "key=18446744073709551616,remote_ip=1.1.1.1",
      "t0: bad gre 'key': \"18446744073709551616\" is neither a number nor "
      "\"flow\"" },
    { "vxlan", "key=FLOW,remote_ip=1.1.1.1",
      "t0: bad vxlan 'key': \"FLOW\" is neither a number nor \"flow\"" },
    /* dst_port. */
    { "gre", "dst_port=4789,remote_ip=1.1.1.1",
      "t0: gre type does not take 'dst_port'" },
    { "vxlan", "dst_port=0,remote_ip=1.1.1.1",
      "t0: bad vxlan 'dst_port' \"0\" (1 to 65535)" },
    { "vxlan", "dst_port=65536,remote_ip=1.1.1.1",
      "t0: bad vxlan 'dst_port' \"65536\" (1 to 65535)" },
    { "geneve", "dst_port=http,remote_ip=1.1.1.1",
      "t0: bad geneve 'dst_port' \"http\" (1 to 65535)" },
    { "geneve", "dst_port=,remote_ip=1.1.1.1",
      "t0: bad geneve 'dst_port' \"\" (1 to 65535)" },
    { "vxlan", "dst_port=-1,remote_ip=1.1.1.1",
      "t0: bad vxlan 'dst_port' \"-1\" (1 to 65535)" },
    /* tos: a DSCP value (ECN bits clear) or inherit. */
    { "vxlan", "remote_ip=1.1.1.1,tos=1", "t0: invalid TOS 1" },
    { "vxlan", "remote_ip=1.1.1.1,tos=0x03", "t0: invalid TOS 0x03" },
    { "vxlan", "remote_ip=1.1.1.1,tos=256", "t0: invalid TOS 256" },
    { "vxlan", "remote_ip=1.1.1.1,tos=", "t0: invalid TOS " },
    { "vxlan", "remote_ip=1.1.1.1,tos=high", "t0: invalid TOS high" },
    /* ttl. */
    { "vxlan", "remote_ip=1.1.1.1,ttl=0",
      "t0: bad vxlan 'ttl' \"0\" (1 to 255 or \"inherit\")" },
    { "gre", "remote_ip=1.1.1.1,ttl=256",
      "t0: bad gre 'ttl' \"256\" (1 to 255 or \"inherit\")" },
    { "gre", "remote_ip=1.1.1.1,ttl=64s",
      "t0: bad gre 'ttl' \"64s\" (1 to 255 or \"inherit\")" },
    /* Booleans. */
    { "vxlan", "df_default=yes,remote_ip=1.1.1.1",
      "t0: bad vxlan 'df_default' \"yes\" (true or false)" },
    { "gre", "csum=1,remote_ip=1.1.1.1",
      "t0: bad gre 'csum' \"1\" (true or false)" },
    /* packet_type. */
    { "vxlan", "packet_type=ptap,remote_ip=1.1.1.1",
      "t0: vxlan 'packet_type' \"ptap\" is not supported (only legacy_l2)" },
};

static void
test_parse_errors(void **state)
{
    (void) state;

    for (size_t i = 0; i < ARRAY_SIZE(parse_errors); i++) {
        struct tnl_port_cfg cfg;
        char *err = NULL;
        int error = tnl_port_cfg_parse("t0", parse_errors[i].type,
                                       parse_errors[i].options, &cfg, &err);
        if (error != EINVAL || !err || strcmp(err, parse_errors[i].msg)) {
            fail_msg(
                "%s \"%s\": got %d \"%s\", want \"%s\"", parse_errors[i].type,
                parse_errors[i].options ? parse_errors[i].options : "(null)",
                error, err ? err : "(none)", parse_errors[i].msg);
        }
        free(err);
    }

    /* The message names the interface; NULL ERRP is allowed. */
    parse_err("vxlan", "foo=bar,remote_ip=1.1.1.1",
              "t0: unknown vxlan argument 'foo'");
    struct tnl_port_cfg cfg;
    char *err = NULL;
    assert_int_equal(tnl_port_cfg_parse("vx-west", "vxlan", "", &cfg, &err),
                     EINVAL);
    assert_string_equal(err, "vx-west: vxlan type requires valid 'remote_ip' "
                             "argument");
    free(err);
}

/* ---------------------------------------------------------------------
 * Receiving.
 * --------------------------------------------------------------------- */

static struct pkt_tunnel
rx_tun(const char *src, const char *dst, uint64_t key)
{
    struct pkt_tunnel t;

    memset(&t, 0, sizeof t);
    t.ip_src = be_ip(src);
    t.ip_dst = be_ip(dst);
    t.tun_id = htobe64(key);
    return t;
}

static void
test_receives(void **state)
{
    (void) state;
    struct tnl_port_cfg c;
    struct pkt_tunnel t;

    /* Fixed remote and key. */
    c = parse_ok("vxlan", "key=100,remote_ip=172.31.0.2");
    t = rx_tun("172.31.0.2", "172.31.0.1", 100);
    assert_true(tnl_port_cfg_receives(&c, &t));
    t = rx_tun("172.31.0.3", "172.31.0.1", 100);
    assert_false(tnl_port_cfg_receives(&c, &t));
    t = rx_tun("172.31.0.2", "172.31.0.1", 101);
    assert_false(tnl_port_cfg_receives(&c, &t));
    t = rx_tun("172.31.0.2", "172.31.0.1", 0);
    assert_false(tnl_port_cfg_receives(&c, &t));
    /* No local_ip: any destination. */
    t = rx_tun("172.31.0.2", "9.9.9.9", 100);
    assert_true(tnl_port_cfg_receives(&c, &t));

    /* No key: only key 0. */
    c = parse_ok("gre", "remote_ip=172.31.0.2");
    t = rx_tun("172.31.0.2", "172.31.0.1", 0);
    assert_true(tnl_port_cfg_receives(&c, &t));
    t = rx_tun("172.31.0.2", "172.31.0.1", 5);
    assert_false(tnl_port_cfg_receives(&c, &t));

    /* key=flow: any key. */
    c = parse_ok("vxlan", "key=flow,remote_ip=172.31.0.2");
    t = rx_tun("172.31.0.2", "172.31.0.1", 0);
    assert_true(tnl_port_cfg_receives(&c, &t));
    t = rx_tun("172.31.0.2", "172.31.0.1", 0xffffff);
    assert_true(tnl_port_cfg_receives(&c, &t));
    t = rx_tun("172.31.0.9", "172.31.0.1", 7);
    assert_false(tnl_port_cfg_receives(&c, &t));

    /* remote_ip=flow: any source. */
    c = parse_ok("vxlan", "key=100,remote_ip=flow");
    t = rx_tun("1.2.3.4", "172.31.0.1", 100);
    assert_true(tnl_port_cfg_receives(&c, &t));
    t = rx_tun("4.3.2.1", "172.31.0.1", 100);
    assert_true(tnl_port_cfg_receives(&c, &t));
    t = rx_tun("4.3.2.1", "172.31.0.1", 99);
    assert_false(tnl_port_cfg_receives(&c, &t));
    c = parse_ok("vxlan", "key=flow,remote_ip=flow");
    t = rx_tun("4.3.2.1", "8.8.8.8", 99);
    assert_true(tnl_port_cfg_receives(&c, &t));

    /* Fixed local_ip: that destination only. */
    c = parse_ok("geneve", "local_ip=172.31.0.1,remote_ip=172.31.0.2");
    t = rx_tun("172.31.0.2", "172.31.0.1", 0);
    assert_true(tnl_port_cfg_receives(&c, &t));
    t = rx_tun("172.31.0.2", "172.31.0.7", 0);
    assert_false(tnl_port_cfg_receives(&c, &t));
    c = parse_ok("geneve", "local_ip=flow,remote_ip=172.31.0.2");
    t = rx_tun("172.31.0.2", "172.31.0.7", 0);
    assert_true(tnl_port_cfg_receives(&c, &t));

    /* IPv6 addresses. */
    c = parse_ok("vxlan", "local_ip=2001:db8::1,remote_ip=2001:db8::2");
    memset(&t, 0, sizeof t);
    t.ipv6_src = ip6("2001:db8::2");
    t.ipv6_dst = ip6("2001:db8::1");
    assert_true(tnl_port_cfg_receives(&c, &t));
    t.ipv6_src = ip6("2001:db8::3");
    assert_false(tnl_port_cfg_receives(&c, &t));
    t.ipv6_src = ip6("2001:db8::2");
    t.ipv6_dst = ip6("2001:db8::9");
    assert_false(tnl_port_cfg_receives(&c, &t));
    c = parse_ok("vxlan", "remote_ip=2001:db8::2");
    t.ipv6_dst = ip6("2001:db8::9");
    assert_true(tnl_port_cfg_receives(&c, &t));
    /* An IPv4 interface does not take an IPv6 packet, and the other way
     * round, even where the low 32 bits agree. */
    c = parse_ok("vxlan", "remote_ip=0.0.0.2");
    assert_false(tnl_port_cfg_receives(&c, &t));
    c = parse_ok("vxlan", "remote_ip=2001:db8::2");
    t = rx_tun("0.0.0.2", "1.1.1.1", 0);
    assert_false(tnl_port_cfg_receives(&c, &t));
    c = parse_ok("vxlan", "remote_ip=flow");
    memset(&t, 0, sizeof t);
    t.ipv6_src = ip6("fe80::1");
    assert_true(tnl_port_cfg_receives(&c, &t));

    /* in_key decides, not out_key. */
    c = parse_ok("gre", "in_key=5,out_key=9,remote_ip=172.31.0.2");
    t = rx_tun("172.31.0.2", "172.31.0.1", 5);
    assert_true(tnl_port_cfg_receives(&c, &t));
    t = rx_tun("172.31.0.2", "172.31.0.1", 9);
    assert_false(tnl_port_cfg_receives(&c, &t));
    c = parse_ok("gre", "in_key=flow,out_key=9,remote_ip=172.31.0.2");
    t = rx_tun("172.31.0.2", "172.31.0.1", 1234);
    assert_true(tnl_port_cfg_receives(&c, &t));
    c = parse_ok("gre", "out_key=9,remote_ip=172.31.0.2");
    t = rx_tun("172.31.0.2", "172.31.0.1", 0);
    assert_true(tnl_port_cfg_receives(&c, &t));
    t = rx_tun("172.31.0.2", "172.31.0.1", 9);
    assert_false(tnl_port_cfg_receives(&c, &t));
}

/* ---------------------------------------------------------------------
 * Printing.
 * --------------------------------------------------------------------- */

static void
test_format(void **state)
{
    (void) state;
    static const struct {
        const char *type, *options, *want;
    } cases[] = {
        { "vxlan", "remote_ip=172.31.0.2", "remote_ip=172.31.0.2" },
        { "vxlan", "key=100,remote_ip=172.31.0.2",
          "key=100, remote_ip=172.31.0.2" },
        { "gre", "key=0x64,remote_ip=172.31.0.2",
          "key=100, remote_ip=172.31.0.2" },
        { "vxlan", "key=flow,remote_ip=flow", "key=flow, remote_ip=flow" },
        { "geneve", "in_key=5,out_key=9,remote_ip=10.0.0.2",
          "in_key=5, out_key=9, remote_ip=10.0.0.2" },
        { "geneve", "in_key=5,key=100,remote_ip=10.0.0.2",
          "in_key=5, out_key=100, remote_ip=10.0.0.2" },
        { "geneve", "in_key=5,out_key=5,remote_ip=10.0.0.2",
          "key=5, remote_ip=10.0.0.2" },
        { "geneve", "in_key=flow,out_key=flow,remote_ip=10.0.0.2",
          "key=flow, remote_ip=10.0.0.2" },
        { "vxlan", "in_key=flow,out_key=3,remote_ip=10.0.0.2",
          "in_key=flow, out_key=3, remote_ip=10.0.0.2" },
        { "vxlan", "in_key=7,remote_ip=10.0.0.2",
          "in_key=7, remote_ip=10.0.0.2" },
        { "vxlan", "out_key=flow,remote_ip=10.0.0.2",
          "out_key=flow, remote_ip=10.0.0.2" },
        { "vxlan", "key=0,remote_ip=10.0.0.2", "key=0, remote_ip=10.0.0.2" },
        { "vxlan", "dst_port=8472,remote_ip=10.0.0.2",
          "dst_port=8472, remote_ip=10.0.0.2" },
        { "vxlan", "dst_port=4789,remote_ip=10.0.0.2", "remote_ip=10.0.0.2" },
        { "geneve", "dst_port=4789,remote_ip=10.0.0.2",
          "dst_port=4789, remote_ip=10.0.0.2" },
        { "geneve", "dst_port=6081,remote_ip=10.0.0.2", "remote_ip=10.0.0.2" },
        { "gre", "csum=true,remote_ip=10.0.0.2",
          "csum=true, remote_ip=10.0.0.2" },
        { "gre", "csum=false,df_default=true,remote_ip=10.0.0.2,ttl=64",
          "remote_ip=10.0.0.2" },
        { "vxlan", "df_default=false,remote_ip=10.0.0.2",
          "df_default=false, remote_ip=10.0.0.2" },
        { "vxlan", "remote_ip=10.0.0.2,tos=0x10",
          "remote_ip=10.0.0.2, tos=0x10" },
        { "vxlan", "remote_ip=10.0.0.2,tos=184",
          "remote_ip=10.0.0.2, tos=0xb8" },
        { "vxlan", "remote_ip=10.0.0.2,tos=0", "remote_ip=10.0.0.2" },
        { "vxlan", "remote_ip=10.0.0.2,tos=inherit,ttl=inherit",
          "remote_ip=10.0.0.2, tos=inherit, ttl=inherit" },
        { "vxlan", "remote_ip=10.0.0.2,ttl=5", "remote_ip=10.0.0.2, ttl=5" },
        { "vxlan", "local_ip=10.0.0.1,remote_ip=10.0.0.2",
          "local_ip=10.0.0.1, remote_ip=10.0.0.2" },
        { "vxlan", "local_ip=flow,remote_ip=flow",
          "local_ip=flow, remote_ip=flow" },
        { "vxlan", "remote_ip=2001:db8::2", "remote_ip=2001:db8::2" },
        { "geneve", "key=7,local_ip=2001:db8::1,remote_ip=2001:DB8:0::2",
          "key=7, local_ip=2001:db8::1, remote_ip=2001:db8::2" },
        { "vxlan", "remote_ip=::ffff:10.0.0.2", "remote_ip=10.0.0.2" },
        { "vxlan", "packet_type=legacy_l2,remote_ip=10.0.0.2",
          "remote_ip=10.0.0.2" },
        { "geneve",
          "csum=true,df_default=false,dst_port=5000,in_key=1,"
          "local_ip=10.0.0.1,out_key=flow,remote_ip=10.0.0.2,tos=0x20,"
          "ttl=10",
          "csum=true, df_default=false, dst_port=5000, in_key=1, "
          "local_ip=10.0.0.1, out_key=flow, remote_ip=10.0.0.2, tos=0x20, "
          "ttl=10" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const char *got = fmt(cases[i].type, cases[i].options);
        if (strcmp(got, cases[i].want)) {
            fail_msg("%s \"%s\": got \"%s\", want \"%s\"", cases[i].type,
                     cases[i].options, got, cases[i].want);
        }
    }

    /* It appends. */
    struct tnl_port_cfg c = parse_ok("vxlan", "key=1,remote_ip=10.0.0.2");
    struct buf b = BUF_INITIALIZER;
    buf_put_cstr(&b, "(vxlan: ");
    tnl_port_cfg_format(&c, &b);
    buf_put_cstr(&b, ")");
    assert_string_equal(buf_cstr(&b), "(vxlan: key=1, remote_ip=10.0.0.2)");
    buf_destroy(&b);
}

/* ---------------------------------------------------------------------
 * Output metadata.
 * --------------------------------------------------------------------- */

static void
test_output(void **state)
{
    (void) state;
    struct pkt_tunnel cur, out;
    struct tnl_port_cfg c;

    /* Whatever the current metadata holds is replaced. */
    memset(&cur, 0, sizeof cur);
    cur.ip_src = be_ip("9.9.9.1");
    cur.ip_dst = be_ip("9.9.9.2");
    cur.tun_id = htobe64(0xabc);
    cur.ipv6_dst.s6_addr[0] = 0x20;
    cur.tp_src = htons(1234);
    cur.tos = 0x44;
    cur.ttl = 3;
    cur.flags = PKT_TUN_F_OAM;

    c = parse_ok("vxlan", "key=100,local_ip=10.0.0.1,remote_ip=10.0.0.2");
    tnl_port_cfg_output(&c, &cur, 0x2e, 17, &out);
    assert_int_equal(out.ip_dst, be_ip("10.0.0.2"));
    assert_int_equal(out.ip_src, be_ip("10.0.0.1"));
    assert_true(out.tun_id == htobe64(100));
    assert_int_equal(out.flags, PKT_TUN_F_KEY | PKT_TUN_F_DONT_FRAGMENT);
    assert_int_equal(out.ttl, 64);
    assert_int_equal(out.tos, 0);
    assert_int_equal(out.tp_dst, htons(4789));
    assert_int_equal(out.tp_src, 0);
    struct in6_addr zero6;
    memset(&zero6, 0, sizeof zero6);
    assert_memory_equal(&out.ipv6_src, &zero6, sizeof zero6);
    assert_memory_equal(&out.ipv6_dst, &zero6, sizeof zero6);

    /* key=flow, remote_ip=flow, local_ip=flow: from the current fields. */
    c = parse_ok("geneve", "key=flow,local_ip=flow,remote_ip=flow");
    tnl_port_cfg_output(&c, &cur, 0, 0, &out);
    assert_int_equal(out.ip_dst, be_ip("9.9.9.2"));
    assert_int_equal(out.ip_src, be_ip("9.9.9.1"));
    assert_true(out.tun_id == htobe64(0xabc));
    assert_int_equal(out.flags, PKT_TUN_F_KEY | PKT_TUN_F_DONT_FRAGMENT);
    assert_int_equal(out.tp_dst, htons(6081));

    /* No key, no local_ip: no key flag, source left to the route. */
    c = parse_ok("gre", "remote_ip=10.0.0.2");
    tnl_port_cfg_output(&c, &cur, 0, 0, &out);
    assert_int_equal(out.ip_src, 0);
    assert_true(out.tun_id == 0);
    assert_int_equal(out.flags, PKT_TUN_F_DONT_FRAGMENT);
    assert_int_equal(out.tp_dst, 0);

    /* out_key, not in_key; csum; no DF. */
    c = parse_ok("gre", "csum=true,df_default=false,in_key=5,out_key=0x99,"
                        "remote_ip=10.0.0.2");
    tnl_port_cfg_output(&c, &cur, 0, 0, &out);
    assert_true(out.tun_id == htobe64(0x99));
    assert_int_equal(out.flags, PKT_TUN_F_KEY | PKT_TUN_F_CSUM);
    c = parse_ok("gre", "in_key=5,out_key=flow,remote_ip=10.0.0.2");
    tnl_port_cfg_output(&c, &cur, 0, 0, &out);
    assert_true(out.tun_id == htobe64(0xabc));
    assert_true(out.flags & PKT_TUN_F_KEY);
    c = parse_ok("gre", "in_key=5,remote_ip=10.0.0.2");
    tnl_port_cfg_output(&c, &cur, 0, 0, &out);
    assert_true(out.tun_id == 0);
    assert_false(out.flags & PKT_TUN_F_KEY);

    /* Fixed tos and ttl. */
    c = parse_ok("vxlan", "remote_ip=10.0.0.2,tos=0x20,ttl=9");
    tnl_port_cfg_output(&c, &cur, 0xff, 200, &out);
    assert_int_equal(out.tos, 0x20);
    assert_int_equal(out.ttl, 9);

    /* Inherited: the inner DSCP (ECN bits dropped) and TTL; a non-IP inner
     * packet (TTL 0) gets the default TTL. */
    c = parse_ok("vxlan", "remote_ip=10.0.0.2,tos=inherit,ttl=inherit");
    tnl_port_cfg_output(&c, &cur, 0xbb, 17, &out);
    assert_int_equal(out.tos, 0xb8);
    assert_int_equal(out.ttl, 17);
    tnl_port_cfg_output(&c, &cur, 0, 0, &out);
    assert_int_equal(out.tos, 0);
    assert_int_equal(out.ttl, 64);

    /* IPv6: the addresses go to ipv6_src/ipv6_dst, ip_src/ip_dst stay 0. */
    struct in6_addr r6 = ip6("2001:db8::2"), l6 = ip6("2001:db8::1");
    c = parse_ok("vxlan", "key=5,local_ip=2001:db8::1,remote_ip=2001:db8::2");
    tnl_port_cfg_output(&c, &cur, 0, 0, &out);
    assert_int_equal(out.ip_dst, 0);
    assert_int_equal(out.ip_src, 0);
    assert_memory_equal(&out.ipv6_dst, &r6, sizeof r6);
    assert_memory_equal(&out.ipv6_src, &l6, sizeof l6);
    assert_true(out.tun_id == htobe64(5));
    c = parse_ok("vxlan", "remote_ip=2001:db8::2");
    tnl_port_cfg_output(&c, &cur, 0, 0, &out);
    assert_memory_equal(&out.ipv6_src, &zero6, sizeof zero6);
    /* csum unset: UDP over IPv6 has a checksum (Open vSwitch's default),
     * IPv4 and GRE do not; csum=false turns it off. */
    assert_true(out.flags & PKT_TUN_F_CSUM);
    c = parse_ok("vxlan", "remote_ip=2001:db8::2,csum=false");
    tnl_port_cfg_output(&c, &cur, 0, 0, &out);
    assert_false(out.flags & PKT_TUN_F_CSUM);
    c = parse_ok("vxlan", "remote_ip=10.0.0.2");
    tnl_port_cfg_output(&c, &cur, 0, 0, &out);
    assert_false(out.flags & PKT_TUN_F_CSUM);
    c = parse_ok("vxlan", "remote_ip=10.0.0.2,csum=true");
    tnl_port_cfg_output(&c, &cur, 0, 0, &out);
    assert_true(out.flags & PKT_TUN_F_CSUM);
    /* remote_ip=flow and local_ip=flow take both families from CUR. */
    struct pkt_tunnel cur6;
    memset(&cur6, 0, sizeof cur6);
    cur6.ipv6_src = ip6("2001:db8::a");
    cur6.ipv6_dst = ip6("2001:db8::b");
    c = parse_ok("geneve", "local_ip=flow,remote_ip=flow");
    tnl_port_cfg_output(&c, &cur6, 0, 0, &out);
    assert_int_equal(out.ip_dst, 0);
    assert_memory_equal(&out.ipv6_src, &cur6.ipv6_src, 16);
    assert_memory_equal(&out.ipv6_dst, &cur6.ipv6_dst, 16);

    /* A non-default UDP port. */
    c = parse_ok("vxlan", "dst_port=8472,remote_ip=10.0.0.2");
    tnl_port_cfg_output(&c, &cur, 0, 0, &out);
    assert_int_equal(out.tp_dst, htons(8472));
}

/* ---------------------------------------------------------------------
 * Outer headers.
 * --------------------------------------------------------------------- */

static const struct eth_addr src_mac = { { 0, 0, 0, 0, 0, 1 } };
static const struct eth_addr dst_mac = { { 0, 0, 0, 0, 0, 2 } };

static struct pkt_tunnel
tx_tun(uint64_t key, uint16_t flags, uint8_t tos, uint8_t ttl)
{
    struct pkt_tunnel t;

    memset(&t, 0, sizeof t);
    t.ip_src = be_ip("1.1.1.1");
    t.ip_dst = be_ip("1.1.1.2");
    t.tun_id = htobe64(key);
    t.flags = flags;
    t.tos = tos;
    t.ttl = ttl;
    return t;
}

/* An IPv6 underlay: 2001:db8::1 to 2001:db8::2. */
static struct pkt_tunnel
tx_tun6(uint64_t key, uint16_t flags, uint8_t tos, uint8_t ttl)
{
    struct pkt_tunnel t = tx_tun(key, flags, tos, ttl);

    t.ip_src = t.ip_dst = 0;
    t.ipv6_src = ip6("2001:db8::1");
    t.ipv6_dst = ip6("2001:db8::2");
    return t;
}

/* Builds the header, checks that the datapath accepts it as a tnl_push of
 * TYPE and that its text is WANT_TEXT (NULL: not checked), and returns its
 * length with the bytes in *PUSH. */
static size_t
build_checked(uint32_t type, uint16_t dst_port, bool csum,
              const struct pkt_tunnel *tun, struct odp_action_push_tnl *push,
              const char *want_text)
{
    memset(push, 0xa5, sizeof *push);
    size_t n = tnl_port_build_header(type, dst_port, csum, tun, &src_mac,
                                     &dst_mac, push->header);
    assert_true(n > 0 && n <= ODP_TNL_PUSH_HEADER_MAX);
    /* Nothing written past the header. */
    for (size_t i = n; i < ODP_TNL_PUSH_HEADER_MAX; i++) {
        assert_int_equal(push->header[i], 0xa5);
    }
    push->tnl_port = 10;
    push->out_port = 100;
    push->header_len = (uint32_t) n;
    push->tnl_type = type;

    struct odp_tnl_layout lo;
    const char *why =
        odp_tnl_push_check(push, ODP_TNL_PUSH_FIXED_LEN + n, &lo);
    if (why) {
        fail_msg("type %u: %s", type, why);
    }
    bool v6 = !tun->ip_dst;
    size_t l4 = v6 ? 54 : 34;
    assert_int_equal(lo.l2_5_ofs, UINT16_MAX);
    assert_int_equal(lo.l3_ofs, 14);
    assert_int_equal(lo.l4_ofs, l4);
    assert_int_equal(lo.ipv6, v6);
    assert_int_equal(lo.tnl_ofs, type == ODP_TNL_TYPE_GRE ? l4 : l4 + 8);

    if (want_text) {
        struct buf b = BUF_INITIALIZER;
        odp_tnl_push_format(&b, push, ODP_TNL_PUSH_FIXED_LEN + n);
        assert_string_equal(buf_cstr(&b), want_text);
        buf_destroy(&b);
    }
    return n;
}

#define MAC2 "eth(dst=00:00:00:00:00:02,src=00:00:00:00:00:01,dl_type=0x0800),"

static void
test_header_vxlan(void **state)
{
    (void) state;
    struct odp_action_push_tnl push;
    struct pkt_tunnel t =
        tx_tun(0x7b, PKT_TUN_F_KEY | PKT_TUN_F_DONT_FRAGMENT, 0, 64);
    static const uint8_t want[50] = {
        /* Ethernet. */
        0,
        0,
        0,
        0,
        0,
        2,
        0,
        0,
        0,
        0,
        0,
        1,
        0x08,
        0x00,
        /* IPv4: lengths, id and checksum left to the datapath. */
        0x45,
        0x00,
        0,
        0,
        0,
        0,
        0x40,
        0x00,
        64,
        17,
        0,
        0,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
        2,
        /* UDP to 4789. */
        0,
        0,
        0x12,
        0xb5,
        0,
        0,
        0,
        0,
        /* VXLAN: I flag, VNI 0x7b. */
        0x08,
        0,
        0,
        0,
        0,
        0,
        0x7b,
        0,
    };

    /* Open vSwitch's own example header. */
    size_t n = build_checked(
        ODP_TNL_TYPE_VXLAN, 4789, false, &t, &push,
        "tnl_push(tnl_port(10),header(size=50,type=4," MAC2
        "ipv4(src=1.1.1.1,dst=1.1.1.2,proto=17,tos=0,ttl=64,frag=0x4000),"
        "udp(src=0,dst=4789,csum=0x0),vxlan(flags=0x8000000,vni=0x7b)),"
        "out_port(100))");
    assert_int_equal(n, 50);
    assert_memory_equal(push.header, want, sizeof want);

    /* A 24-bit VNI keeps its low 24 bits; tos, ttl, no DF, another port. */
    t = tx_tun(0x12345678, PKT_TUN_F_KEY, 0xb8, 5);
    n = build_checked(ODP_TNL_TYPE_VXLAN, 8472, false, &t, &push, NULL);
    assert_int_equal(n, 50);
    assert_int_equal(push.header[15], 0xb8); /* tos */
    assert_int_equal(push.header[20], 0);    /* no DF */
    assert_int_equal(push.header[21], 0);
    assert_int_equal(push.header[22], 5); /* ttl */
    assert_memory_equal(push.header + 36, "\x21\x18", 2);
    assert_memory_equal(push.header + 42, "\x08\0\0\0\x34\x56\x78\0", 8);
}

static void
test_header_geneve(void **state)
{
    (void) state;
    struct odp_action_push_tnl push;
    struct pkt_tunnel t =
        tx_tun(0x7b, PKT_TUN_F_KEY | PKT_TUN_F_DONT_FRAGMENT, 0, 64);
    static const uint8_t geneve[8] = { 0, 0, 0x65, 0x58, 0, 0, 0x7b, 0 };

    size_t n = build_checked(
        ODP_TNL_TYPE_GENEVE, 6081, false, &t, &push,
        "tnl_push(tnl_port(10),header(size=50,type=5," MAC2
        "ipv4(src=1.1.1.1,dst=1.1.1.2,proto=17,tos=0,ttl=64,frag=0x4000),"
        "udp(src=0,dst=6081,csum=0x0),geneve(vni=0x7b)),out_port(100))");
    assert_int_equal(n, 50);
    assert_int_equal(push.header[23], 17);
    assert_memory_equal(push.header + 34, "\0\0\x17\xc1\0\0\0\0", 8);
    assert_memory_equal(push.header + 42, geneve, sizeof geneve);

    /* The 24 bits of the VNI. */
    t = tx_tun(0xfedcba, 0, 0, 64);
    n = build_checked(ODP_TNL_TYPE_GENEVE, 6081, true, &t, &push, NULL);
    assert_int_equal(n, 50);
    assert_memory_equal(push.header + 46, "\xfe\xdc\xba\0", 4);
}

static void
test_header_gre(void **state)
{
    (void) state;
    struct odp_action_push_tnl push;
    struct pkt_tunnel t;
    size_t n;

    /* With a key: Open vSwitch's example. */
    t = tx_tun(0x7b, PKT_TUN_F_KEY | PKT_TUN_F_DONT_FRAGMENT, 0, 64);
    n = build_checked(
        ODP_TNL_TYPE_GRE, 0, false, &t, &push,
        "tnl_push(tnl_port(10),header(size=42,type=3," MAC2
        "ipv4(src=1.1.1.1,dst=1.1.1.2,proto=47,tos=0,ttl=64,frag=0x4000),"
        "gre((flags=0x2000,proto=0x6558),key=0x7b)),out_port(100))");
    assert_int_equal(n, 42);
    assert_int_equal(push.header[23], 47);
    assert_memory_equal(push.header + 34, "\x20\0\x65\x58\0\0\0\x7b", 8);

    /* Without a key. */
    t = tx_tun(0, PKT_TUN_F_DONT_FRAGMENT, 0, 64);
    n = build_checked(
        ODP_TNL_TYPE_GRE, 0, false, &t, &push,
        "tnl_push(tnl_port(10),header(size=38,type=3," MAC2
        "ipv4(src=1.1.1.1,dst=1.1.1.2,proto=47,tos=0,ttl=64,frag=0x4000),"
        "gre((flags=0x0,proto=0x6558))),out_port(100))");
    assert_int_equal(n, 38);
    assert_memory_equal(push.header + 34, "\0\0\x65\x58", 4);

    /* With a checksum and a key: the 32-bit key of a wider tun_id. */
    t = tx_tun(0x1122334455667788ull, PKT_TUN_F_KEY | PKT_TUN_F_CSUM, 0x10,
               255);
    n = build_checked(ODP_TNL_TYPE_GRE, 0, true, &t, &push, NULL);
    assert_int_equal(n, 46);
    assert_int_equal(push.header[15], 0x10);
    assert_int_equal(push.header[20], 0);
    assert_int_equal(push.header[22], 255);
    assert_memory_equal(push.header + 34,
                        "\xa0\0\x65\x58\0\0\0\0\x55\x66\x77\x88", 12);

    /* With a checksum, no key. */
    t = tx_tun(0, 0, 0, 64);
    n = build_checked(ODP_TNL_TYPE_GRE, 0, true, &t, &push, NULL);
    assert_int_equal(n, 42);
    assert_memory_equal(push.header + 34, "\x80\0\x65\x58\0\0\0\0", 8);
}

#define MAC2V6 \
    "eth(dst=00:00:00:00:00:02,src=00:00:00:00:00:01,dl_type=0x86dd),"

static void
test_header_ipv6(void **state)
{
    (void) state;
    struct odp_action_push_tnl push;
    struct pkt_tunnel t =
        tx_tun6(0x7b, PKT_TUN_F_KEY | PKT_TUN_F_DONT_FRAGMENT, 0, 64);
    static const uint8_t want[70] = {
        /* Ethernet. */
        0,
        0,
        0,
        0,
        0,
        2,
        0,
        0,
        0,
        0,
        0,
        1,
        0x86,
        0xdd,
        /* IPv6: payload length left to the datapath. */
        0x60,
        0,
        0,
        0,
        0,
        0,
        17,
        64,
        0x20,
        0x01,
        0x0d,
        0xb8,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
        0x20,
        0x01,
        0x0d,
        0xb8,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        2,
        /* UDP to 4789. */
        0,
        0,
        0x12,
        0xb5,
        0,
        0,
        0,
        0,
        /* VXLAN. */
        0x08,
        0,
        0,
        0,
        0,
        0,
        0x7b,
        0,
    };

    size_t n = build_checked(
        ODP_TNL_TYPE_VXLAN, 4789, false, &t, &push,
        "tnl_push(tnl_port(10),header(size=70,type=4," MAC2V6
        "ipv6(src=2001:db8::1,dst=2001:db8::2,label=0,proto=17,tclass=0x0,"
        "hlimit=64),udp(src=0,dst=4789,csum=0x0),"
        "vxlan(flags=0x8000000,vni=0x7b)),out_port(100))");
    assert_int_equal(n, 70);
    assert_memory_equal(push.header, want, sizeof want);

    /* Geneve; the ToS is the traffic class, the TTL the hop limit. */
    t = tx_tun6(0xabcdef, PKT_TUN_F_KEY, 0xb8, 7);
    n = build_checked(
        ODP_TNL_TYPE_GENEVE, 6081, false, &t, &push,
        "tnl_push(tnl_port(10),header(size=70,type=5," MAC2V6
        "ipv6(src=2001:db8::1,dst=2001:db8::2,label=0,proto=17,tclass=0xb8,"
        "hlimit=7),udp(src=0,dst=6081,csum=0x0),geneve(vni=0xabcdef)),"
        "out_port(100))");
    assert_int_equal(n, 70);
    assert_memory_equal(push.header + 14, "\x6b\x80\0\0\0\0\x11\x07", 8);
    assert_memory_equal(push.header + 54, "\0\0\x17\xc1\0\0\0\0", 8);
    assert_memory_equal(push.header + 62, "\0\0\x65\x58\xab\xcd\xef\0", 8);
}

static void
test_header_refused(void **state)
{
    (void) state;
    uint8_t h[ODP_TNL_PUSH_HEADER_MAX];
    struct pkt_tunnel t = tx_tun(1, PKT_TUN_F_KEY, 0, 64);

    assert_int_equal(
        tnl_port_build_header(99, 4789, false, &t, &src_mac, &dst_mac, h), 0);
    assert_int_equal(tnl_port_build_header(ODP_TNL_TYPE_IP6GRE, 0, false, &t,
                                           &src_mac, &dst_mac, h),
                     0);
    t.ip_dst = 0;
    assert_int_equal(tnl_port_build_header(ODP_TNL_TYPE_VXLAN, 4789, false, &t,
                                           &src_mac, &dst_mac, h),
                     0);
    t = tx_tun(1, PKT_TUN_F_KEY, 0, 64);
    t.ip_src = 0;
    assert_int_equal(tnl_port_build_header(ODP_TNL_TYPE_GRE, 0, false, &t,
                                           &src_mac, &dst_mac, h),
                     0);
    /* An IPv6 underlay needs both addresses. */
    t = tx_tun6(1, PKT_TUN_F_KEY, 0, 64);
    memset(&t.ipv6_src, 0, sizeof t.ipv6_src);
    assert_int_equal(tnl_port_build_header(ODP_TNL_TYPE_GENEVE, 6081, false,
                                           &t, &src_mac, &dst_mac, h),
                     0);
    t = tx_tun6(1, PKT_TUN_F_KEY, 0, 64);
    memset(&t.ipv6_dst, 0, sizeof t.ipv6_dst);
    assert_int_equal(tnl_port_build_header(ODP_TNL_TYPE_VXLAN, 4789, false, &t,
                                           &src_mac, &dst_mac, h),
                     0);
}

/* ---------------------------------------------------------------------
 * Shared vports.
 * --------------------------------------------------------------------- */

static void
assert_port(struct dpif *dpif, const char *name, const char *type,
            uint32_t port_no)
{
    struct dpif_port p;

    assert_int_equal(dpif_port_query_by_name(dpif, name, &p), 0);
    assert_string_equal(p.type, type);
    assert_int_equal(p.port_no, port_no);
    dpif_port_destroy(&p);
}

static void
assert_no_port(struct dpif *dpif, const char *name)
{
    struct dpif_port p;

    if (!dpif_port_query_by_name(dpif, name, &p)) {
        dpif_port_destroy(&p);
        fail_msg("%s still exists", name);
    }
}

static void
test_vports(void **state)
{
    (void) state;
    struct dpif *dpif;
    uint32_t vx, vx2, gn, gre, again, type, no;
    uint16_t port;
    char *err = NULL;

    dpif_netdev_register();
    dpif_netdev_set_local_port_type("dummy");
    assert_int_equal(dpif_open("ttp", "netdev", true, &dpif, NULL), 0);

    assert_false(tnl_port_vport_listening(ODP_TNL_TYPE_VXLAN, 4789, &no));
    assert_int_equal(
        tnl_port_vport_ref(dpif, ODP_TNL_TYPE_VXLAN, 4789, &vx, &err), 0);
    assert_null(err);
    assert_port(dpif, "vxlan_sys_4789", "vxlan", vx);
    assert_true(tnl_port_vport_listening(ODP_TNL_TYPE_VXLAN, 4789, &no));
    assert_int_equal(no, vx);
    assert_false(tnl_port_vport_listening(ODP_TNL_TYPE_VXLAN, 8472, &no));
    assert_false(tnl_port_vport_listening(ODP_TNL_TYPE_GENEVE, 4789, &no));
    assert_true(tnl_port_vport_find(vx, &type, &port));
    assert_int_equal(type, ODP_TNL_TYPE_VXLAN);
    assert_int_equal(port, 4789);

    /* A second user shares the vport. */
    assert_int_equal(
        tnl_port_vport_ref(dpif, ODP_TNL_TYPE_VXLAN, 4789, &again, &err), 0);
    assert_int_equal(again, vx);

    /* Another port is another vport; so is each type. */
    assert_int_equal(
        tnl_port_vport_ref(dpif, ODP_TNL_TYPE_VXLAN, 8472, &vx2, &err), 0);
    assert_int_not_equal(vx2, vx);
    assert_port(dpif, "vxlan_sys_8472", "vxlan", vx2);
    assert_int_equal(
        tnl_port_vport_ref(dpif, ODP_TNL_TYPE_GENEVE, 6081, &gn, &err), 0);
    assert_port(dpif, "genev_sys_6081", "geneve", gn);
    assert_int_equal(tnl_port_vport_ref(dpif, ODP_TNL_TYPE_GRE, 0, &gre, &err),
                     0);
    assert_port(dpif, "gre_sys", "gre", gre);
    assert_true(tnl_port_vport_find(gre, &type, &port));
    assert_int_equal(type, ODP_TNL_TYPE_GRE);
    assert_int_equal(port, 0);
    /* GRE has no port: any number names the one vport. */
    assert_true(tnl_port_vport_listening(ODP_TNL_TYPE_GRE, 1234, &no));
    assert_int_equal(no, gre);
    assert_int_equal(
        tnl_port_vport_ref(dpif, ODP_TNL_TYPE_GRE, 47, &again, &err), 0);
    assert_int_equal(again, gre);

    /* The datapath knows the vports' ports. */
    uint32_t dp_type;
    uint16_t dp_port;
    struct netdev *nd = netdev_from_name("vxlan_sys_8472");
    assert_non_null(nd);
    assert_int_equal(netdev_vport_get_tnl(nd, &dp_type, &dp_port), 0);
    assert_int_equal(dp_type, ODP_TNL_TYPE_VXLAN);
    assert_int_equal(dp_port, 8472);

    /* An unknown type. */
    assert_int_equal(tnl_port_vport_ref(dpif, 99, 1, &no, &err), EINVAL);
    assert_non_null(err);
    assert_string_equal(err, "no tunnel type 99");
    free(err);
    err = NULL;
    assert_false(tnl_port_vport_find(12345, &type, &port));

    /* The last user deletes the vport. */
    tnl_port_vport_unref(dpif, vx);
    assert_port(dpif, "vxlan_sys_4789", "vxlan", vx);
    assert_true(tnl_port_vport_listening(ODP_TNL_TYPE_VXLAN, 4789, &no));
    tnl_port_vport_unref(dpif, vx);
    assert_no_port(dpif, "vxlan_sys_4789");
    assert_false(tnl_port_vport_listening(ODP_TNL_TYPE_VXLAN, 4789, &no));
    assert_false(tnl_port_vport_find(vx, &type, &port));
    assert_true(tnl_port_vport_find(vx2, &type, &port));
    assert_int_equal(port, 8472);

    tnl_port_vport_unref(dpif, vx2);
    tnl_port_vport_unref(dpif, gn);
    tnl_port_vport_unref(dpif, gre);
    assert_true(tnl_port_vport_listening(ODP_TNL_TYPE_GRE, 0, &no));
    tnl_port_vport_unref(dpif, gre);
    assert_no_port(dpif, "vxlan_sys_8472");
    assert_no_port(dpif, "genev_sys_6081");
    assert_no_port(dpif, "gre_sys");
    assert_false(tnl_port_vport_listening(ODP_TNL_TYPE_GRE, 0, &no));
    /* Unknown numbers are ignored. */
    tnl_port_vport_unref(dpif, 4242);

    /* Added again after deletion. */
    assert_int_equal(
        tnl_port_vport_ref(dpif, ODP_TNL_TYPE_GENEVE, 6081, &gn, &err), 0);
    assert_port(dpif, "genev_sys_6081", "geneve", gn);
    tnl_port_vport_unref(dpif, gn);
    assert_no_port(dpif, "genev_sys_6081");

    assert_int_equal(dpif_destroy(dpif, NULL), 0);
    dpif_close(dpif);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_parse_defaults),
        cmocka_unit_test(test_parse_addresses),
        cmocka_unit_test(test_parse_keys),
        cmocka_unit_test(test_parse_other_options),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_receives),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_output),
        cmocka_unit_test(test_header_vxlan),
        cmocka_unit_test(test_header_geneve),
        cmocka_unit_test(test_header_gre),
        cmocka_unit_test(test_header_ipv6),
        cmocka_unit_test(test_header_refused),
        cmocka_unit_test(test_vports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
