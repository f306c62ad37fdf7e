/* Unit tests for the rte_flow provider (rteflow/): the translation of
 * datapath flows into rte_flow rules and the provider's calls, against a
 * recording double of the DPDK calls (struct rtf_ops).
 *
 * The heart is a table of flows in the ovs-dpctl dump-flows syntax (key
 * and actions, parsed by softpath/odp into the netlink and struct flow
 * forms the provider gets) with, for each, either the rule the double must
 * be asked to validate and create (rtf_format()'s text: every item with
 * the spec and mask of each field it matches, every action with its
 * conf), or the exact reason the flow must be refused with.  Further
 * tests check specs and confs as structs, raw encapsulations and tunnel
 * flows; the provider's other calls (PMD refusals, partial offload,
 * counters, meters, ports) are tested in test-rtf-flows.c.  The ports and
 * the recording double are in rtf-double.h.
 *
 * Without DPDK (HAVE_DPDK unset: libdpdk-dev missing, or make
 * HAVE_DPDK=no) the provider is not built and this test reports itself
 * skipped, with the reason. */
#include "config.h"

#include <stdio.h>

#ifndef HAVE_DPDK
int
main(void)
{
    printf("1..1\nok 1 - rteflow # SKIP DPDK not found (libdpdk-dev)\n");
    return 0;
}
#else
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>

#include "lib/buf.h"
#include "lib/flow.h"
#include "lib/util.h"
#include "rteflow/rtf-ops.h"
#include "rteflow/rtf-private.h"
#include "rteflow/rtf-provider.h"
#include "rteflow/rtf-rule.h"
#include "rteflow/rtf-translate.h"
#include "softpath/odp.h"

#include "tests/unit/rtf-double.h"

/* ------------------------------------------------------------------
 * The table.
 * ------------------------------------------------------------------ */

struct xcase {
    const char *key;               /* dump-flows key text. */
    const char *actions;           /* dump-flows actions text. */
    enum offload_reason_code code; /* OFFLOAD_R_NONE: must be offloaded. */
    uint16_t port_id;              /* The ethdev the rule is created on. */
    const char *want; /* rtf_format() of the rule, or the exact reason. */
};

#define OK OFFLOAD_R_NONE
#define MATCH OFFLOAD_R_UNSUPPORTED_MATCH
#define ACTION OFFLOAD_R_UNSUPPORTED_ACTION
#define PORT OFFLOAD_R_UNSUPPORTED_PORT

#define IP4 "in_port(1),eth(),eth_type(0x0800),ipv4(proto=6),tcp()"
#define IP4U "in_port(1),eth(),eth_type(0x0800),ipv4(proto=17),udp()"
#define IP6 "in_port(1),eth(),eth_type(0x86dd),ipv6(proto=6),tcp()"
#define TO1 "port_id id=1 / end"
#define PUSH_VX4                                                       \
    "tnl_push(tnl_port(10),header(size=50,type=4,"                     \
    "eth(dst=00:00:00:00:00:02,src=00:00:00:00:00:01,dl_type=0x0800)," \
    "ipv4(src=1.1.1.1,dst=1.1.1.2,proto=17,tos=0,ttl=64,frag=0x4000)," \
    "udp(src=0,dst=4789,csum=0x0),vxlan(flags=0x8000000,vni=0x7b)),"   \
    "out_port(2))"

/* clang-format off */
static const struct xcase cases[] = {
    /* Matches. */
    { "in_port(1),eth(src=00:11:22:33:44:55,"
      "dst=02:00:00:00:00:00/ff:00:00:00:00:00)", "2", OK, 0,
      "ingress pattern eth dst=02:00:00:00:00:00/ff:00:00:00:00:00 "
      "src=00:11:22:33:44:55 / end actions count / port_id id=1 / end" },
    { "recirc_id(0),in_port(1),eth(),eth_type(0x0800),"
      "ipv4(src=10.0.0.0/255.0.0.0,dst=10.1.2.3,proto=6,tos=0x10/0xfc,"
      "ttl=64,frag=no),tcp(src=1024/0xfc00,dst=80),tcp_flags(+syn-ack)",
      "2", OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 tos=0x10/0xfc "
      "frag=0x0000/0x3fff ttl=64 proto=6 src=10.0.0.0/255.0.0.0 "
      "dst=10.1.2.3 / tcp src=1024/64512 dst=80 flags=0x2/0x12 / end "
      "actions count / port_id id=1 / end" },
    { "in_port(1),eth_type(0x0800),ipv4(proto=17,frag=first),udp(src=53)",
      "2", OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 frag=0x2000/0x3fff "
      "proto=17 / udp src=53 / end actions count / port_id id=1 / end" },
    { "in_port(1),eth_type(0x0800),ipv4(proto=132,frag=later)", "2", OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 "
      "frag=0x0001..0x1fff/0x1fff proto=132 / end actions count / "
      "port_id id=1 / end" },
    { "in_port(1),eth_type(0x0800),ipv4(proto=132),sctp(dst=9)", "2", OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 proto=132 / sctp dst=9 / "
      "end actions count / port_id id=1 / end" },
    { "in_port(1),eth_type(0x0800),ipv4(proto=1),icmp(type=8,code=0)", "2",
      OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 proto=1 / icmp type=8 "
      "code=0 / end actions count / port_id id=1 / end" },
    { "in_port(1),eth_type(0x86dd),ipv6(src=2001:db8::1/ffff:ffff::,"
      "dst=2001:db8::2,label=0x12345,proto=58,tclass=0x20,hlimit=255),"
      "icmpv6(type=128,code=0)", "2", OK, 0,
      "ingress pattern eth type=0x86dd / ipv6 "
      "vtc_flow=0x2012345/0xfffffff proto=58 hop_limits=255 "
      "src=2001:db8::/ffff:ffff:: dst=2001:db8::2 / icmp6 type=128 "
      "code=0 / end actions count / port_id id=1 / end" },
    { "in_port(1),eth_type(0x86dd),ipv6(proto=17,frag=first),udp(dst=53)",
      "2", OK, 0,
      "ingress pattern eth type=0x86dd / ipv6 has_frag_ext=1 / "
      "ipv6_frag_ext next_header=17 frag_data=0x0000/0xfff8 / udp "
      "dst=53 / end actions count / port_id id=1 / end" },
    { "in_port(1),eth_type(0x86dd),ipv6(proto=6,frag=later)", "2", OK, 0,
      "ingress pattern eth type=0x86dd / ipv6 has_frag_ext=1 / "
      "ipv6_frag_ext next_header=6 frag_data=0x0008..0xfff8/0xfff8 / "
      "end actions count / port_id id=1 / end" },
    { "in_port(1),eth_type(0x86dd),ipv6(proto=6,frag=no),tcp(dst=22)", "2",
      OK, 0,
      "ingress pattern eth type=0x86dd / ipv6 proto=6 has_frag_ext=0 / "
      "tcp dst=22 / end actions count / port_id id=1 / end" },
    { "in_port(1),eth(),eth_type(0x8100),vlan(vid=10,pcp=3),"
      "encap(eth_type(0x0800),ipv4(proto=6),tcp(dst=80))", "pop_vlan,2", OK, 0,
      "ingress pattern eth type=0x8100 / vlan tci=0x600a/0xefff "
      "inner_type=0x0800 / ipv4 proto=6 / tcp dst=80 / end actions "
      "count / of_pop_vlan / port_id id=1 / end" },
    { "in_port(1),eth(),eth_type(0x88a8),vlan(vid=100),encap("
      "eth_type(0x8100),vlan(vid=7,pcp=1),encap(eth_type(0x86dd)))", "2", OK, 0,
      "ingress pattern eth type=0x88a8 / vlan tci=0x0064/0x0fff "
      "inner_type=0x8100 / vlan tci=0x2007/0xefff inner_type=0x86dd / "
      "ipv6 / end actions count / port_id id=1 / end" },
    /* A transfer rule, through the eswitch's proxy. */
    { "in_port(3),eth(dst=00:00:00:00:00:04),eth_type(0x0800)", "4", OK, 2,
      "transfer pattern represented_port port_id=3 / eth "
      "dst=00:00:00:00:00:04 type=0x0800 / ipv4 / end actions count / "
      "represented_port port_id=4 / end" },
    { "in_port(3),eth()", "push_vlan(vid=5,pcp=6),4", OK, 2,
      "transfer pattern represented_port port_id=3 / eth / end actions "
      "count / of_push_vlan ethertype=0x8100 / of_set_vlan_vid "
      "vlan_vid=5 / of_set_vlan_pcp vlan_pcp=6 / represented_port "
      "port_id=4 / end" },
    /* Actions. */
    { IP4, "1,2", OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 proto=6 / tcp / end "
      "actions count / port_id id=0 / port_id id=1 / end" },
    { IP4, "2,set(eth(dst=66:77:88:99:aa:bb))", OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 proto=6 / tcp / end "
      "actions count / port_id id=1 / end" },
    { IP4, "drop", OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 proto=6 / tcp / end "
      "actions count / drop / end" },
    { IP4, "set(eth(dst=66:77:88:99:aa:bb))", OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 proto=6 / tcp / end "
      "actions count / drop / end" },
    { IP4, "set(eth(src=00:11:22:33:44:55,dst=66:77:88:99:aa:bb)),2", OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 proto=6 / tcp / end "
      "actions count / set_mac_src 00:11:22:33:44:55 / set_mac_dst "
      "66:77:88:99:aa:bb / port_id id=1 / end" },
    { IP4, "set(ipv4(src=10.0.0.1,ttl=63)),2", OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 proto=6 / tcp / end "
      "actions count / set_ipv4_src 10.0.0.1 / set_ttl 63 / port_id "
      "id=1 / end" },
    { IP4, "set(ipv4(dst=192.0.2.2,tos=0xb8/0xfc)),2", OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 proto=6 / tcp / end "
      "actions count / set_ipv4_dst 192.0.2.2 / set_ipv4_dscp 46 / "
      "port_id id=1 / end" },
    { "in_port(1),eth(),eth_type(0x0800),ipv4(src=1.1.1.1,dst=2.2.2.2,"
      "proto=6,tos=0,ttl=64,frag=no)",
      "set(ipv4(src=10.0.0.1,dst=2.2.2.2,proto=6,tos=0,ttl=64,frag=no)),2",
      OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 tos=0 frag=0x0000/0x3fff "
      "ttl=64 proto=6 src=1.1.1.1 dst=2.2.2.2 / tcp / end actions "
      "count / set_ipv4_src 10.0.0.1 / port_id id=1 / end" },
    { IP6, "set(ipv6(src=2001:db8::8,dst=2001:db8::9,tclass=0xb8/0xfc,"
      "hlimit=9)),2", OK, 0,
      "ingress pattern eth type=0x86dd / ipv6 proto=6 / tcp / end "
      "actions count / set_ipv6_src 2001:db8::8 / set_ipv6_dst "
      "2001:db8::9 / set_ipv6_dscp 46 / set_ttl 9 / port_id id=1 / end" },
    { IP4, "set(tcp(src=1,dst=8080)),2", OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 proto=6 / tcp / end "
      "actions count / set_tp_src 1 / set_tp_dst 8080 / port_id id=1 / "
      "end" },
    { IP4U, "set(udp(src=5353)),2", OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 proto=17 / udp / end "
      "actions count / set_tp_src 5353 / port_id id=1 / end" },
    { IP4U, "tnl_pop(10)", OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 proto=17 / udp / end "
      "actions count / jump group=0x1000a / end" },
    { IP4, PUSH_VX4, OK, 0,
      "ingress pattern eth type=0x0800 / ipv4 proto=6 / tcp / end "
      "actions count / raw_encap size=50 "
      "data=00000000000200000000000108004500000000004000401136e90101010101010102000012b5000000000800000000007b00 "
      "/ port_id id=1 / end" },
    /* Flows entering tunnel ports: the rule on the first DPDK port. */
    { "tunnel(tun_id=0x5,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,"
      "tp_dst=6081,flags(+key)),in_port(11),eth(),eth_type(0x0800)", "2",
      OK, 0,
      "ingress group 0x1000b pattern eth / ipv6 proto=17 "
      "src=2001:db8::1 dst=2001:db8::2 / udp dst=6081 / geneve "
      "flags=0x0000/0xff00 protocol=0x6558 vni=0x5 / eth type=0x0800 / "
      "ipv4 / end actions count / raw_decap size=70 "
      "data=00000000000000000000000086dd60000000000011400000000000000000000000000000000000000000000000000000000000000000000017c1000000000000655800000000 "
      "/ port_id id=1 / end" },
    { "tunnel(tun_id=0x12345678,src=10.1.1.2,dst=10.1.1.1,tos=0x20/0xfc,"
      "ttl=64,flags(-df-csum+key)),in_port(12),eth()", "2", OK, 0,
      "ingress group 0x1000c pattern eth / ipv4 tos=0x20/0xfc "
      "frag=0x0000/0x4000 ttl=64 proto=47 src=10.1.1.2 dst=10.1.1.1 / "
      "gre flags=0x2000/0xf007 protocol=0x6558 / gre_key "
      "key=0x12345678 / eth / end actions count / raw_decap size=42 "
      "data=00000000000000000000000008004500000000000000402f000000000000000000002000655800000000 "
      "/ port_id id=1 / end" },

    /* Refused matches. */
    { "in_port(1),skb_mark(5),eth()", "2", MATCH, 0,
      "rteflow: no match on pkt_mark" },
    { "in_port(1),eth(),eth_type(0x8847),mpls(label=5)", "2", MATCH, 0,
      "rteflow: no match on mpls" },
    { "in_port(1),eth_type(0x86dd),ipv6(proto=58),icmpv6(type=135,code=0),"
      "nd(target=2001:db8::1)", "2", MATCH, 0,
      "rteflow: no match on nd_target" },
    { "in_port(1),eth(),eth_type(0x0806),arp(sip=192.0.2.1)", "2", MATCH, 0,
      "rteflow: no match on arp_spa" },
    { "recirc_id(5),in_port(1),eth()", "2", MATCH, 0,
      "rteflow: no match on recirc_id" },
    { "tunnel(tun_id=0x5,dst=1.1.1.2),in_port(1),eth()", "2", MATCH, 0,
      "rteflow: no match on tunnel (dpdk0 is not a tunnel port)" },
    { "tunnel(tun_id=0x5,src=1.1.1.1,dst=1.1.1.2,tp_src=1000),"
      "in_port(10),eth()", "1", MATCH, 0,
      "rteflow: no match on tunnel tp_src" },
    { "tunnel(tun_id=0x5),in_port(10),eth()", "1", MATCH, 0,
      "rteflow: no match on tunnel (no outer address: IPv4 or IPv6?)" },
    { "tunnel(tun_id=0x5,src=1.1.1.1,dst=1.1.1.2,flags(+csum+key)),"
      "in_port(10),eth()", "1", MATCH, 0,
      "rteflow: no match on tunnel flags (csum)" },
    { "tunnel(tun_id=0x1000000,src=1.1.1.1,dst=1.1.1.2),in_port(10),eth()",
      "1", MATCH, 0, "rteflow: no match on tunnel tun_id (more than 24 bits)" },
    { "in_port(6),eth()", "2", PORT, 0,
      "rteflow: p6 is not a port rteflow serves" },

    /* Refused actions. */
    { IP4, "userspace(pid=1)", ACTION, 0,
      "rteflow: action userspace cannot be offloaded" },
    { IP4, "recirc(5)", ACTION, 0,
      "rteflow: action recirc cannot be offloaded" },
    { IP4, "hash(l4(1)),2", ACTION, 0,
      "rteflow: action hash cannot be offloaded" },
    { IP4, "6", PORT, 0, "rteflow: output to p6: not a DPDK port" },
    { IP4, "99", PORT, 0, "rteflow: output to port 99: no such port" },
    { IP4, "10", PORT, 0,
      "rteflow: output to vxlan0 (a vxlan tunnel port) cannot be offloaded: "
      "no underlay port or outer Ethernet header (tnl_push has them)" },
    { IP4, "set(tunnel(tun_id=0x5,dst=1.1.1.2,ttl=64)),10", ACTION, 0,
      "rteflow: action set(tunnel) cannot be offloaded: no underlay port or "
      "outer Ethernet header (tnl_push has them)" },
    { "in_port(3),eth()", "5", PORT, 2,
      "rteflow: output to rep9: not on the eswitch of rep0" },
    { IP4, "2,set(eth(dst=66:77:88:99:aa:bb)),1", ACTION, 0,
      "rteflow: action set(eth dst) between two outputs cannot be offloaded" },
    { IP4, "set(ipv4(src=1.2.3.4/255.255.0.0)),2", ACTION, 0,
      "rteflow: action set(ipv4 src) with a partial mask cannot be "
      "offloaded" },
    { IP4, "set(ipv4(tos=0x1/0x3)),2", ACTION, 0,
      "rteflow: action set(ipv4 tos) with a partial mask cannot be "
      "offloaded" },
    { "in_port(1),eth(),eth_type(0x0800),ipv4()", "set(tcp(dst=80)),2",
      ACTION, 0,
      "rteflow: action set(tcp) cannot be offloaded without a match on "
      "ip_proto 6" },
    { "in_port(1),eth()", "set(ipv4(dst=1.1.1.1)),2", ACTION, 0,
      "rteflow: action set(ipv4) cannot be offloaded without a match on "
      "eth_type 0x0800" },
    { IP6, "set(ipv6(label=5)),2", ACTION, 0,
      "rteflow: action set(ipv6 label) cannot be offloaded" },
    { "in_port(1),eth(),eth_type(0x0800),ipv4(proto=132),sctp()",
      "set(sctp(src=1)),2", ACTION, 0,
      "rteflow: action set(sctp) cannot be offloaded" },
    { IP4U, "2,tnl_pop(10)", ACTION, 0,
      "rteflow: action tnl_pop after an output cannot be offloaded" },
    { IP4U, "tnl_pop(2)", PORT, 0,
      "rteflow: action tnl_pop(2) cannot be offloaded: not a tunnel port" },
    { IP4U, "tnl_pop(6)", PORT, 0,
      "rteflow: action tnl_pop(6) cannot be offloaded: not a tunnel port "
      "rteflow serves" },
    { IP4, PUSH_VX4 ",1", ACTION, 0,
      "rteflow: action output after tnl_push cannot be offloaded" },
    { IP4, "1," PUSH_VX4, ACTION, 0,
      "rteflow: action tnl_push after an output cannot be offloaded" },
};
/* clang-format on */

/* Every case of the table through flow_put() against the double.  A
 * refusal is first asked of flow_check() (translation only: no DPDK
 * call); then flow_put() must say the same, with the flow partially
 * offloaded (MARK + RSS) where only its actions or output ports are
 * refused on a port of its own. */
static void
test_cases(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct xcase *c = &cases[i];
        struct offload_put_result res;
        struct offload_reason why;
        struct tflow t;

        dbl.n_calls = 0;
        tflow_parse(&t, c->key, c->actions, 1000 + i);
        if (c->code == OFFLOAD_R_NONE) {
            res = put(&t);
            if (res.error || res.partial) {
                fail_msg("case %zu (%s / %s): refused: %s", i, c->key,
                         c->actions, res.reason.msg);
            }
            /* Validated, then created, the same rule. */
            const struct call *v = nth_call("validate", 0);
            const struct call *cr = nth_call("create", 0);
            assert_true(v < cr);
            if (strcmp(v->text, c->want)) {
                fail_msg("case %zu (%s / %s):\n  got  %s\n  want %s", i,
                         c->key, c->actions, v->text, c->want);
            }
            assert_string_equal(cr->text, v->text);
            assert_int_equal(cr->port_id, c->port_id);
            assert_true(res.handle != 0);
            tflow_destroy(&t);
            continue;
        }

        memset(&why, 0, sizeof why);
        assert_int_equal(rtf_provider_class.flow_check(NULL, &t.of, &why),
                         EOPNOTSUPP);
        if (strcmp(why.msg, c->want) || why.code != c->code) {
            fail_msg("case %zu (%s / %s):\n  got  %s (%s)\n  want %s", i,
                     c->key, c->actions, why.msg,
                     offload_reason_code_name(why.code), c->want);
        }
        assert_int_equal(dbl.n_calls, 0);

        const struct rtf_port *in = rtf_port_of(t.of.in_port);
        bool partial = c->code != MATCH && in && !in->tnl_type;
        res = put(&t);
        assert_string_equal(res.reason.msg, c->want);
        assert_int_equal(res.reason.code, c->code);
        if (partial) {
            assert_int_equal(res.error, 0);
            assert_true(res.partial);
            const struct call *cr = nth_call("create", 0);
            assert_non_null(strstr(cr->text, "actions mark id="));
            assert_int_equal(cr->port_id, in->port_id);
        } else {
            assert_int_equal(res.error, EOPNOTSUPP);
            assert_int_equal(dbl.n_calls, 0);
        }
        tflow_destroy(&t);
    }
}

/* flow_check() says the same as flow_put() without a DPDK call. */
static void
test_check(void **state)
{
    struct offload_reason why;
    struct tflow t;

    tflow_parse(&t, "in_port(1),eth(),eth_type(0x0800),ipv4(proto=6)",
                "userspace(pid=1)", 1);
    memset(&why, 0, sizeof why);
    assert_int_equal(rtf_provider_class.flow_check(NULL, &t.of, &why),
                     EOPNOTSUPP);
    assert_string_equal(why.msg,
                        "rteflow: action userspace cannot be offloaded");
    assert_int_equal(why.code, OFFLOAD_R_UNSUPPORTED_ACTION);
    tflow_destroy(&t);
    tflow_parse(&t, "in_port(1),eth(),eth_type(0x0800),ipv4(proto=6)", "2", 1);
    assert_int_equal(rtf_provider_class.flow_check(NULL, &t.of, &why), 0);
    assert_int_equal(dbl.n_calls, 0);
    tflow_destroy(&t);
}

/* The specs, masks and confs as structs, for one rule of every kind of
 * item the table prints. */
static void
test_structs(void **state)
{
    struct rtf_env env = { .lookup = lookup };
    struct offload_reason why;
    struct rtf_rule *r = xmalloc(sizeof *r);
    struct tflow t;

    /* Two tags, IPv4, UDP; push_vlan; output. */
    tflow_parse(&t,
                "in_port(1),eth(src=00:11:22:33:44:55),eth_type(0x88a8),"
                "vlan(vid=100,pcp=5),encap(eth_type(0x8100),vlan(vid=7),"
                "encap(eth_type(0x0800),ipv4(src=10.0.0.1,proto=17),"
                "udp(dst=53)))",
                "push_vlan(tpid=0x8100,vid=9,pcp=2),2", 1);
    rtf_rule_init(r);
    memset(&why, 0, sizeof why);
    assert_int_equal(rtf_translate(&t.of, NULL, &env, r, &why), 0);
    assert_int_equal(r->attr.ingress, 1);
    assert_int_equal(r->attr.transfer, 0);
    assert_int_equal(r->port_id, 0);
    assert_int_equal(r->n_items, 5);
    assert_int_equal(r->items[5].type, RTE_FLOW_ITEM_TYPE_END);

    const struct rte_flow_item_eth *eth = r->items[0].spec;
    const struct rte_flow_item_eth *eth_m = r->items[0].mask;
    assert_int_equal(r->items[0].type, RTE_FLOW_ITEM_TYPE_ETH);
    assert_memory_equal(eth->hdr.src_addr.addr_bytes,
                        "\x00\x11\x22\x33\x44\x55", 6);
    assert_memory_equal(eth_m->hdr.src_addr.addr_bytes,
                        "\xff\xff\xff\xff\xff\xff", 6);
    assert_true(nf_bytes_all(eth_m->hdr.dst_addr.addr_bytes, 6, 0));
    assert_int_equal(eth->hdr.ether_type, htons(0x88a8));
    assert_int_equal(eth_m->hdr.ether_type, 0xffff);
    assert_int_equal(eth_m->has_vlan, 0);

    const struct rte_flow_item_vlan *v0 = r->items[1].spec;
    const struct rte_flow_item_vlan *v0m = r->items[1].mask;
    assert_int_equal(r->items[1].type, RTE_FLOW_ITEM_TYPE_VLAN);
    assert_int_equal(ntohs(v0->hdr.vlan_tci), 5 << 13 | 100);
    assert_int_equal(ntohs(v0m->hdr.vlan_tci), 0xefff); /* Not DEI. */
    assert_int_equal(v0->hdr.eth_proto, htons(0x8100));
    assert_int_equal(v0m->hdr.eth_proto, 0xffff);
    /* has_more_vlan says nothing inner_type does not. */
    assert_int_equal(v0m->has_more_vlan, 0);

    const struct rte_flow_item_vlan *v1 = r->items[2].spec;
    const struct rte_flow_item_vlan *v1m = r->items[2].mask;
    assert_int_equal(ntohs(v1->hdr.vlan_tci), 7);
    assert_int_equal(v1->hdr.eth_proto, htons(0x0800));
    assert_int_equal(v1m->has_more_vlan, 0);

    const struct rte_flow_item_ipv4 *ip = r->items[3].spec;
    const struct rte_flow_item_ipv4 *ipm = r->items[3].mask;
    assert_int_equal(r->items[3].type, RTE_FLOW_ITEM_TYPE_IPV4);
    assert_int_equal(ip->hdr.src_addr, htonl(0x0a000001));
    assert_int_equal(ipm->hdr.src_addr, UINT32_MAX);
    assert_int_equal(ip->hdr.next_proto_id, 17);
    assert_int_equal(ipm->hdr.next_proto_id, 0xff);
    assert_int_equal(ipm->hdr.dst_addr, 0);
    assert_null(r->items[3].last);

    const struct rte_flow_item_udp *udp = r->items[4].spec;
    const struct rte_flow_item_udp *udpm = r->items[4].mask;
    assert_int_equal(udp->hdr.dst_port, htons(53));
    assert_int_equal(udpm->hdr.dst_port, 0xffff);
    assert_int_equal(udpm->hdr.src_port, 0);

    assert_int_equal(r->n_actions, 5);
    assert_int_equal(r->actions[0].type, RTE_FLOW_ACTION_TYPE_COUNT);
    assert_int_equal(r->actions[1].type, RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN);
    const struct rte_flow_action_of_push_vlan *pv = r->actions[1].conf;
    assert_int_equal(pv->ethertype, htons(0x8100));
    const struct rte_flow_action_of_set_vlan_vid *vid = r->actions[2].conf;
    assert_int_equal(vid->vlan_vid, htons(9));
    const struct rte_flow_action_of_set_vlan_pcp *pcp = r->actions[3].conf;
    assert_int_equal(pcp->vlan_pcp, 2);
    assert_int_equal(r->actions[4].type, RTE_FLOW_ACTION_TYPE_PORT_ID);
    const struct rte_flow_action_port_id *pid = r->actions[4].conf;
    assert_int_equal(pid->id, 1);
    assert_int_equal(r->actions[5].type, RTE_FLOW_ACTION_TYPE_END);
    tflow_destroy(&t);

    /* An IPv4 later fragment: a range on the offset. */
    tflow_parse(&t, "in_port(1),eth(),eth_type(0x0800),ipv4(frag=later)", "2",
                1);
    rtf_rule_init(r);
    assert_int_equal(rtf_translate(&t.of, NULL, &env, r, &why), 0);
    ip = r->items[1].spec;
    ipm = r->items[1].mask;
    const struct rte_flow_item_ipv4 *ipl = r->items[1].last;
    assert_non_null(ipl);
    assert_int_equal(ip->hdr.fragment_offset, htons(1));
    assert_int_equal(ipl->hdr.fragment_offset, htons(0x1fff));
    assert_int_equal(ipm->hdr.fragment_offset, htons(0x1fff));
    tflow_destroy(&t);

    /* tnl_push: RAW_ENCAP of the header's exact bytes. */
    tflow_parse(&t, "in_port(1),eth(),eth_type(0x0800),ipv4()",
                "tnl_push(tnl_port(10),header(size=50,type=4,"
                "eth(dst=00:00:00:00:00:02,src=00:00:00:00:00:01,"
                "dl_type=0x0800),ipv4(src=1.1.1.1,dst=1.1.1.2,proto=17,"
                "tos=0,ttl=64,frag=0x4000),udp(src=0,dst=4789,csum=0x0),"
                "vxlan(flags=0x8000000,vni=0x7b)),out_port(2))",
                1);
    rtf_rule_init(r);
    assert_int_equal(rtf_translate(&t.of, NULL, &env, r, &why), 0);
    assert_int_equal(r->actions[1].type, RTE_FLOW_ACTION_TYPE_RAW_ENCAP);
    const struct rte_flow_action_raw_encap *enc = r->actions[1].conf;
    assert_int_equal(enc->size, 50);
    assert_null(enc->preserve);
    /* The attribute's header, byte for byte. */
    const struct nlattr *nla = (const void *) t.abuf.data;
    assert_int_equal(nla->nla_type, ODP_ACTION_ATTR_TUNNEL_PUSH);
    assert_memory_equal(
        enc->data, (const uint8_t *) (nla + 1) + ODP_TNL_PUSH_FIXED_LEN, 50);
    assert_int_equal(r->actions[2].type, RTE_FLOW_ACTION_TYPE_PORT_ID);
    tflow_destroy(&t);
    free(r);
}

/* Translates T with the test's ports; returns the error and puts the
 * rule's text (or the reason) in OUT. */
static int
translate_text(struct tflow *t, char *out, size_t size)
{
    struct rtf_env env = { .lookup = lookup };
    struct rtf_rule *r = xmalloc(sizeof *r);
    struct offload_reason why;
    struct buf b = BUF_INITIALIZER;
    int error;

    memset(&why, 0, sizeof why);
    rtf_rule_init(r);
    error = rtf_translate(&t->of, NULL, &env, r, &why);
    if (error) {
        snprintf(out, size, "%s", why.msg);
    } else {
        rtf_rule_format(&b, r);
        snprintf(out, size, "%s", buf_cstr(&b));
    }
    buf_destroy(&b);
    free(r);
    return error;
}

/* What the text syntax cannot say: masks set by hand, dec_ttl. */
static void
test_raw(void **state)
{
    char text[1024];
    struct tflow t;

    /* "No tag" with the EtherType wildcarded: has_vlan=0. */
    tflow_parse(&t, "in_port(1),eth(dst=00:00:00:00:00:01)", "2", 1);
    t.mask.vlans[0].tci = htons(VLAN_CFI);
    assert_int_equal(translate_text(&t, text, sizeof text), 0);
    assert_string_equal(text, "ingress pattern eth dst=00:00:00:00:00:01 "
                              "has_vlan=0 / end actions count / port_id "
                              "id=1 / end");
    /* A tag whose presence is not matched: VID 0 would also mean "no
     * tag". */
    t.mask.vlans[0].tci = htons(VLAN_VID_MASK);
    assert_int_equal(translate_text(&t, text, sizeof text), EOPNOTSUPP);
    assert_string_equal(text, "rteflow: no match on vlan_tci (tag presence "
                              "not matched)");
    /* A partial TPID mask. */
    t.key.vlans[0].tpid = htons(0x8100);
    t.key.vlans[0].tci = htons(VLAN_CFI | 5);
    t.mask.vlans[0].tci = htons(VLAN_CFI | VLAN_VID_MASK);
    t.mask.vlans[0].tpid = htons(0xff00);
    assert_int_equal(translate_text(&t, text, sizeof text), EOPNOTSUPP);
    assert_string_equal(text,
                        "rteflow: no match on vlan_tci (TPID must be exact)");
    /* The inner tag matched without the outer one. */
    memset(&t.mask.vlans[0], 0, sizeof t.mask.vlans[0]);
    t.mask.vlans[1].tci = htons(VLAN_CFI);
    assert_int_equal(translate_text(&t, text, sizeof text), EOPNOTSUPP);
    assert_string_equal(
        text, "rteflow: no match on vlan_tci1 without the outer tag");
    tflow_destroy(&t);

    /* In_port must be exact. */
    tflow_parse(&t, "in_port(1),eth()", "2", 1);
    t.mask.in_port = 0xff;
    assert_int_equal(translate_text(&t, text, sizeof text), EOPNOTSUPP);
    assert_string_equal(text, "rteflow: no match on in_port (must be exact)");
    tflow_destroy(&t);

    /* nw_frag with only the "later" bit: IPv4 says offset 0 exactly; IPv6
     * cannot say "no fragment header or offset 0". */
    tflow_parse(&t, "in_port(1),eth(),eth_type(0x0800),ipv4()", "2", 1);
    t.mask.nw_frag = FLOW_NW_FRAG_LATER;
    assert_int_equal(translate_text(&t, text, sizeof text), 0);
    assert_string_equal(text, "ingress pattern eth type=0x0800 / ipv4 "
                              "frag=0x0000/0x1fff / end actions count / "
                              "port_id id=1 / end");
    /* Any fragment: MF or an offset. */
    t.mask.nw_frag = FLOW_NW_FRAG_ANY;
    t.key.nw_frag = FLOW_NW_FRAG_ANY;
    assert_int_equal(translate_text(&t, text, sizeof text), 0);
    assert_string_equal(text, "ingress pattern eth type=0x0800 / ipv4 "
                              "frag=0x0001..0x3fff/0x3fff / end actions "
                              "count / port_id id=1 / end");
    tflow_destroy(&t);
    tflow_parse(&t, "in_port(1),eth(),eth_type(0x86dd),ipv6()", "2", 1);
    t.mask.nw_frag = FLOW_NW_FRAG_LATER;
    assert_int_equal(translate_text(&t, text, sizeof text), EOPNOTSUPP);
    assert_string_equal(
        text, "rteflow: no match on nw_frag (not later: no or first)");
    /* Any IPv6 fragment: a fragment header, whatever its offset. */
    t.mask.nw_frag = FLOW_NW_FRAG_ANY;
    t.key.nw_frag = FLOW_NW_FRAG_ANY;
    assert_int_equal(translate_text(&t, text, sizeof text), 0);
    assert_string_equal(text, "ingress pattern eth type=0x86dd / ipv6 "
                              "has_frag_ext=1 / ipv6_frag_ext / end actions "
                              "count / port_id id=1 / end");
    tflow_destroy(&t);

    /* TCP flags: NS in the data offset byte; bits above 0xfff refused. */
    tflow_parse(&t, "in_port(1),eth(),eth_type(0x0800),ipv4(proto=6),tcp()",
                "2", 1);
    t.key.tcp_flags = htons(0x102);
    t.mask.tcp_flags = htons(0x1ff);
    assert_int_equal(translate_text(&t, text, sizeof text), 0);
    if (!strstr(text, "/ tcp data_off=0x1/0x1 flags=0x2 / end")) {
        fail_msg("%s", text);
    }
    t.mask.tcp_flags = htons(0x1fff);
    assert_int_equal(translate_text(&t, text, sizeof text), EOPNOTSUPP);
    assert_string_equal(text,
                        "rteflow: no match on tcp_flags (bits above 0xfff)");
    tflow_destroy(&t);

    /* dec_ttl (an action the text syntax lacks): DEC_TTL when the flow
     * matches a TTL above 1 exactly, else refused. */
    tflow_parse(&t, "in_port(1),eth(),eth_type(0x0800),ipv4(ttl=64)", "", 1);
    size_t start = odp_put_nested_start(&t.abuf, OVS_ACTION_ATTR_DEC_TTL);
    odp_put_nested_end(&t.abuf, start);
    odp_put_output(&t.abuf, 2);
    t.of.actions = t.abuf.data;
    t.of.actions_len = t.abuf.len;
    assert_int_equal(translate_text(&t, text, sizeof text), 0);
    assert_string_equal(text, "ingress pattern eth type=0x0800 / ipv4 ttl=64 "
                              "/ end actions count / dec_ttl / port_id id=1 "
                              "/ end");
    t.mask.nw_ttl = 0;
    assert_int_equal(translate_text(&t, text, sizeof text), EOPNOTSUPP);
    assert_string_equal(text, "rteflow: action dec_ttl cannot be offloaded "
                              "without a match on nw_ttl above 1 (exact)");
    tflow_destroy(&t);

    /* Tunnel flags the outer headers can say: df on IPv4, oam on Geneve;
     * and those they cannot. */
    tflow_parse(&t,
                "tunnel(tun_id=0x5,src=1.1.1.1,dst=1.1.1.2,"
                "flags(+df-csum+key)),in_port(11),eth()",
                "2", 1);
    t.mask.tunnel.flags |= PKT_TUN_F_OAM;
    struct rtf_env env = { .lookup = lookup };
    struct rtf_rule *r = xmalloc(sizeof *r);
    struct offload_reason why;
    struct buf b = BUF_INITIALIZER;
    rtf_rule_init(r);
    assert_int_equal(
        rtf_translate(&t.of, rtf_port_of(port_by_odp(1)), &env, r, &why), 0);
    rtf_rule_format(&b, r);
    assert_string_equal(buf_cstr(&b),
                        "ingress group 0x1000b pattern eth / ipv4 "
                        "frag=0x4000/0x4000 proto=17 src=1.1.1.1 "
                        "dst=1.1.1.2 / udp cksum=0x0000 / geneve "
                        "flags=0x0000/0xff80 protocol=0x6558 vni=0x5 / eth / "
                        "end actions count / raw_decap size=50 data="
                        "000000000000000000000000080045000000000000004011"
                        "00000000000000000000000017c100000000000065580000"
                        "0000 / port_id id=1 / end");
    buf_destroy(&b);
    tflow_destroy(&t);
    tflow_parse(&t,
                "tunnel(tun_id=0x5,src=1.1.1.1,dst=1.1.1.2),in_port(10),eth()",
                "2", 1);
    t.mask.tunnel.flags = PKT_TUN_F_OAM;
    t.key.tunnel.flags = PKT_TUN_F_OAM;
    rtf_rule_init(r);
    assert_int_equal(
        rtf_translate(&t.of, rtf_port_of(port_by_odp(1)), &env, r, &why),
        EOPNOTSUPP);
    assert_string_equal(why.msg, "rteflow: no match on tunnel flags (oam)");
    /* Without a DPDK port to put it on. */
    assert_int_equal(rtf_translate(&t.of, NULL, &env, r, &why), EINVAL);
    assert_string_equal(why.msg,
                        "rteflow: no DPDK port given for tunnel port vxlan0");
    tflow_destroy(&t);
    free(r);
}

/* A flow entering a tunnel port goes on every DPDK port that can reach
 * its outputs, each rule in the tunnel's group; counters add up; deletion
 * destroys them all. */
static void
test_tunnel_flow(void **state)
{
    struct offload_put_result res;
    struct offload_stats st;
    struct tflow t;
    int err;

    /* To dpdk0: on dpdk0, dpdk1 and dtap0; the eswitch ports cannot reach
     * it. */
    tflow_parse(&t,
                "tunnel(tun_id=0x7b,src=1.1.1.1,dst=1.1.1.2,tp_dst=4789,"
                "flags(-df-csum+key)),in_port(10),eth(),eth_type(0x0800),"
                "ipv4(dst=10.0.0.2)",
                "1", 30);
    res = put(&t);
    if (res.error) {
        fail_msg("%s", res.reason.msg);
    }
    assert_int_equal(n_calls("create"), 3);
    assert_int_equal(nth_call("create", 0)->port_id, 0);
    assert_int_equal(nth_call("create", 1)->port_id, 1);
    assert_int_equal(nth_call("create", 2)->port_id, 7);
    assert_string_equal(
        nth_call("create", 0)->text,
        "ingress group 0x1000a pattern eth / ipv4 frag=0x0000/0x4000 "
        "proto=17 src=1.1.1.1 dst=1.1.1.2 / udp dst=4789 cksum=0x0000 / "
        "vxlan flags=0x8 vni=0x7b / eth type=0x0800 / ipv4 "
        "dst=10.0.0.2 / end actions count / vxlan_decap / port_id id=0 / "
        "end");
    dbl.hits = 3;
    dbl.bytes = 300;
    const struct offload_port *pp = t.of.in_port;
    rtf_provider_class.flow_stats(NULL, &pp, &res.handle, 1, &st, &err);
    assert_int_equal(err, 0);
    assert_int_equal(st.n_packets, 9);
    assert_int_equal(st.n_bytes, 900);
    rtf_provider_class.flow_del(NULL, &pp, &t.of.ufid, &res.handle, 1, &st,
                                &err);
    assert_int_equal(err, 0);
    assert_int_equal(n_calls("destroy"), 3);
    tflow_destroy(&t);

    /* To rep1: a transfer rule through the proxy on rep0 and rep1; rep9
     * (another eswitch) is left out; dpdk0, dpdk1 and dtap0 take one too. */
    dbl.n_calls = 0;
    tflow_parse(&t,
                "tunnel(tun_id=0x7b,src=1.1.1.1,dst=1.1.1.2),in_port(10),"
                "eth(),eth_type(0x0800)",
                "4", 31);
    res = put(&t);
    assert_int_equal(res.error, 0);
    assert_int_equal(n_calls("create"), 5);
    assert_int_equal(nth_call("create", 2)->port_id, 2);
    assert_string_equal(
        nth_call("create", 2)->text,
        "transfer group 0x1000a pattern represented_port port_id=3 / eth / "
        "ipv4 proto=17 src=1.1.1.1 dst=1.1.1.2 / udp / vxlan "
        "flags=0x8 vni=0x7b / eth type=0x0800 / ipv4 / end actions "
        "count / vxlan_decap / represented_port port_id=4 / end");
    assert_int_equal(nth_call("create", 3)->port_id, 2);
    assert_non_null(strstr(nth_call("create", 3)->text,
                           "represented_port port_id=4 / eth"));
    tflow_destroy(&t);

    /* No port can reach the output: refused with the last port's reason. */
    tflow_parse(&t,
                "tunnel(tun_id=0x7b,src=1.1.1.1,dst=1.1.1.2),in_port(10),"
                "eth()",
                "6", 32);
    res = put(&t);
    assert_int_equal(res.error, EOPNOTSUPP);
    assert_string_equal(res.reason.msg,
                        "rteflow: output to p6: not a DPDK port");
    tflow_destroy(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_structs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_raw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tunnel_flow, setup, teardown),
    };
    return cmocka_run_group_tests_name("rteflow", tests, NULL, NULL);
}
#endif /* HAVE_DPDK */
