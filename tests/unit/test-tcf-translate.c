/* Unit tests for tc-flower's translation of datapath flows to flower
 * filters (tcf-translate.h).
 *
 * The heart is a table of flows in the ovs-dpctl dump-flows syntax (key
 * and actions, parsed by softpath/odp into the netlink and struct flow
 * forms the provider gets) with, for each, either the filter it must
 * become or the exact reason it must be refused with.  A filter is checked
 * on the wire: the translation is built into an RTM_NEWTFILTER message,
 * that message is parsed back, and the parsed filter is printed with
 * tcf_filter_format(); the built and parsed filters must also agree
 * field by field.  Output ports resolve through a small table of ports of
 * the test's own. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>
#include <linux/rtnetlink.h>
#include <linux/pkt_cls.h>
#include <linux/tc_act/tc_tunnel_key.h>

#include "lib/buf.h"
#include "lib/flow.h"
#include "lib/util.h"
#include "softpath/odp.h"
#include "tc-flower/tcf-filter.h"
#include "tc-flower/tcf-msg.h"
#include "tc-flower/tcf-nl.h"
#include "tc-flower/tcf-translate.h"

/* The test's ports: datapath number, name, type, ifindex, internal. */
static const struct offload_port ports[] = {
    { .odp_port = 1, .name = "p1", .type = "afpacket", .ifindex = 11 },
    { .odp_port = 2, .name = "p2", .type = "afpacket", .ifindex = 12 },
    { .odp_port = 3,
      .name = "br0",
      .type = "internal",
      .ifindex = 13,
      .internal = true },
    { .odp_port = 4, .name = "tap4", .type = "tap", .ifindex = 14 },
    { .odp_port = 9, .name = "p9", .type = "dummy", .ifindex = 0 },
    /* Tunnel vports as the kernel datapath makes them (collect-metadata
     * devices), and one of the userspace datapath (no device). */
    { .odp_port = 5,
      .name = "vxlan_sys_4789",
      .type = "vxlan",
      .ifindex = 15 },
    { .odp_port = 6,
      .name = "genev_sys_6081",
      .type = "geneve",
      .ifindex = 16 },
    { .odp_port = 8, .name = "gre_sys", .type = "gre", .ifindex = 18 },
    { .odp_port = 10,
      .name = "vxlan_sys_4790",
      .type = "vxlan",
      .ifindex = 0 },
};

static const struct offload_port *
lookup(uint32_t odp_port)
{
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        if (ports[i].odp_port == odp_port) {
            return &ports[i];
        }
    }
    return NULL;
}

struct xcase {
    const char *key;               /* dump-flows key text. */
    const char *actions;           /* dump-flows actions text. */
    enum offload_reason_code code; /* OFFLOAD_R_NONE: must translate. */
    const char *want; /* tcf_filter_format() of the parsed-back filter
                       * (without the cookie), or the exact reason. */
};

#define OK OFFLOAD_R_NONE
#define MATCH OFFLOAD_R_UNSUPPORTED_MATCH
#define ACTION OFFLOAD_R_UNSUPPORTED_ACTION
#define PORT OFFLOAD_R_UNSUPPORTED_PORT

#define REDIR2 "mirred egress redirect ifindex 12 stolen"
#define UNSET "tunnel_key unset pipe, "
#define TUN_A "tun_id=0x64,src=10.1.1.2,dst=10.1.1.1"

/* clang-format off */
static const struct xcase cases[] = {
    /* Matches. */
    { "in_port(1),eth(),eth_type(0x0800),ipv4(dst=192.0.2.2)", "2", OK,
      "prio 0x4000 protocol 0x0800 eth_type 0x0800 ipv4_dst 192.0.2.2 "
      "action " REDIR2 },
    { "recirc_id(0),in_port(1),eth(src=00:11:22:33:44:55,"
      "dst=02:00:00:00:00:00/ff:00:00:00:00:00)", "2", OK,
      "prio 0x4000 protocol 0x0003 eth_dst 02:00:00:00:00:00/"
      "ff:00:00:00:00:00 eth_src 00:11:22:33:44:55 action " REDIR2 },
    { "in_port(1),eth(),eth_type(0x0800),ipv4(src=10.0.0.0/255.0.0.0,"
      "dst=10.1.2.3,proto=6,tos=0x10/0xfc,ttl=64,frag=no),"
      "tcp(src=1024/0xfc00,dst=80),tcp_flags(+syn-ack)", "2", OK,
      "prio 0x4000 protocol 0x0800 eth_type 0x0800 ip_proto 6 "
      "ip_tos 0x10/0xfc ip_ttl 64 ipv4_src 10.0.0.0/255.0.0.0 "
      "ipv4_dst 10.1.2.3 tcp_src 1024/64512 tcp_dst 80 "
      "tcp_flags 0x2/0x12 ip_flags 0/0x1 action " REDIR2 },
    { "in_port(1),eth_type(0x0800),ipv4(proto=17,frag=first),"
      "udp(src=53)", "2", OK,
      "prio 0x4000 protocol 0x0800 eth_type 0x0800 ip_proto 17 "
      "udp_src 53 ip_flags 0x3/0x3 action " REDIR2 },
    { "in_port(1),eth_type(0x0800),ipv4(proto=132,frag=later)", "2", OK,
      "prio 0x4000 protocol 0x0800 eth_type 0x0800 ip_proto 132 "
      "ip_flags 0x1/0x3 action " REDIR2 },
    { "in_port(1),eth_type(0x0800),ipv4(proto=132),sctp(dst=9)", "2", OK,
      "prio 0x4000 protocol 0x0800 eth_type 0x0800 ip_proto 132 "
      "sctp_dst 9 action " REDIR2 },
    { "in_port(1),eth_type(0x0800),ipv4(proto=1),icmp(type=8,code=0)",
      "2", OK,
      "prio 0x4000 protocol 0x0800 eth_type 0x0800 ip_proto 1 "
      "icmp_type 8 icmp_code 0 action " REDIR2 },
    { "in_port(1),eth_type(0x86dd),ipv6(src=2001:db8::1/ffff:ffff::,"
      "dst=2001:db8::2,proto=58,tclass=0x20,hlimit=255),"
      "icmpv6(type=128,code=0)", "2", OK,
      "prio 0x4000 protocol 0x86dd eth_type 0x86dd ip_proto 58 "
      "ip_tos 0x20 ip_ttl 255 ipv6_src 2001:db8::/ffff:ffff:: "
      "ipv6_dst 2001:db8::2 icmpv6_type 128 icmpv6_code 0 action "
      REDIR2 },
    { "in_port(1),eth(),eth_type(0x0806),arp(sip=192.0.2.1,"
      "tip=192.0.2.0/255.255.255.0,op=1,sha=00:11:22:33:44:55,"
      "tha=00:00:00:00:00:00)", "2", OK,
      "prio 0x4000 protocol 0x0806 eth_type 0x0806 arp_op 1 "
      "arp_sip 192.0.2.1 arp_tip 192.0.2.0/255.255.255.0 "
      "arp_sha 00:11:22:33:44:55 arp_tha 00:00:00:00:00:00 action "
      REDIR2 },
    /* One tag, then two. */
    { "in_port(1),eth(),eth_type(0x8100),vlan(vid=10,pcp=3),"
      "encap(eth_type(0x0800),ipv4(proto=6),tcp(dst=80))", "pop_vlan,2",
      OK,
      "prio 0x4000 protocol 0x8100 vlan_tpid 0x8100 vlan_id 10 "
      "vlan_prio 3 eth_type 0x0800 ip_proto 6 tcp_dst 80 action "
      "vlan pop pipe, " REDIR2 },
    { "in_port(1),eth(),eth_type(0x88a8),vlan(vid=100),encap("
      "eth_type(0x8100),vlan(vid=200,pcp=5),encap(eth_type(0x0800)))",
      "2", OK,
      "prio 0x4000 protocol 0x88a8 vlan_tpid 0x88a8 vlan_id 100 "
      "cvlan_tpid 0x8100 cvlan_id 200 cvlan_prio 5 eth_type 0x0800 "
      "action " REDIR2 },
    { "in_port(1),eth(),eth_type(0x8100),vlan(vid=7)", "2", OK,
      "prio 0x4000 protocol 0x8100 vlan_tpid 0x8100 vlan_id 7 action "
      REDIR2 },

    /* Actions. */
    { "in_port(1),eth()", "drop", OK,
      "prio 0x4000 protocol 0x0003 action gact drop shot" },
    { "in_port(1),eth()", "2,4", OK,
      "prio 0x4000 protocol 0x0003 action mirred egress mirror "
      "ifindex 12 pipe, skbedit ptype 0 pipe, mirred ingress redirect "
      "ifindex 14 stolen" },
    { "in_port(1),eth()", "3", OK,
      "prio 0x4000 protocol 0x0003 action skbedit ptype 0 pipe, "
      "mirred ingress redirect ifindex 13 stolen" },
    { "in_port(1),eth()", "3,2", OK,
      "prio 0x4000 protocol 0x0003 action skbedit ptype 0 pipe, "
      "mirred ingress mirror ifindex 13 pipe, " REDIR2 },
    { "in_port(1),eth()", "push_vlan(vid=10,pcp=2),2", OK,
      "prio 0x4000 protocol 0x0003 action vlan push id 10 prio 2 "
      "proto 0x8100 pipe, " REDIR2 },
    { "in_port(1),eth()", "push_vlan(tpid=0x88a8,vid=5,pcp=0),2", OK,
      "prio 0x4000 protocol 0x0003 action vlan push id 5 prio 0 "
      "proto 0x88a8 pipe, " REDIR2 },
    /* pop+push is a modify only where a tag is known to be there. */
    { "in_port(1),eth_type(0x8100),vlan(vid=10)",
      "pop_vlan,push_vlan(vid=20,pcp=1),2", OK,
      "prio 0x4000 protocol 0x8100 vlan_tpid 0x8100 vlan_id 10 action "
      "vlan modify id 20 prio 1 proto 0x8100 pipe, " REDIR2 },
    { "in_port(1),eth()", "pop_vlan,push_vlan(vid=20,pcp=1),2", OK,
      "prio 0x4000 protocol 0x0003 action vlan pop pipe, vlan push "
      "id 20 prio 1 proto 0x8100 pipe, " REDIR2 },
    { "in_port(1),eth()",
      "set(eth(src=00:11:22:33:44:55,dst=66:77:88:99:aa:bb)),2", OK,
      "prio 0x4000 protocol 0x0003 action pedit eth+0 val 66778899 "
      "mask 00000000 eth+4 val aabb0011 mask 00000000 eth+8 "
      "val 22334455 mask 00000000 pipe, " REDIR2 },
    { "in_port(1),eth_type(0x0800),ipv4(dst=192.0.2.99)",
      "set(ipv4(dst=192.0.2.2)),2", OK,
      "prio 0x4000 protocol 0x0800 eth_type 0x0800 ipv4_dst 192.0.2.99 "
      "action pedit ip4+16 val c0000202 mask 00000000 pipe, csum iph "
      "tcp udp pipe, " REDIR2 },
    { "in_port(1),eth_type(0x0800),ipv4(proto=1)",
      "set(ipv4(src=10.0.0.1,ttl=63)),2", OK,
      "prio 0x4000 protocol 0x0800 eth_type 0x0800 ip_proto 1 action "
      "pedit ip4+8 val 3f000000 mask 00ffffff ip4+12 val 0a000001 "
      "mask 00000000 pipe, csum iph pipe, " REDIR2 },
    { "in_port(1),eth_type(0x0800),ipv4(proto=6),tcp()",
      "set(tcp(dst=8080)),2", OK,
      "prio 0x4000 protocol 0x0800 eth_type 0x0800 ip_proto 6 action "
      "pedit tcp+0 val 00001f90 mask ffff0000 pipe, csum tcp pipe, "
      REDIR2 },
    { "in_port(1),eth_type(0x0800),ipv4(proto=17),udp()",
      "set(udp(src=5353)),2", OK,
      "prio 0x4000 protocol 0x0800 eth_type 0x0800 ip_proto 17 action "
      "pedit udp+0 val 14e90000 mask 0000ffff pipe, csum udp pipe, "
      REDIR2 },
    { "in_port(1),eth_type(0x86dd),ipv6(proto=58)",
      "set(ipv6(dst=2001:db8::9,tclass=0xb8,hlimit=9)),2", OK,
      "prio 0x4000 protocol 0x86dd eth_type 0x86dd ip_proto 58 action "
      "pedit ip6+0 val 0b800000 mask f00fffff ip6+4 val 00000009 "
      "mask ffffff00 ip6+24 val 20010db8 mask 00000000 ip6+28 "
      "val 00000000 mask 00000000 ip6+32 val 00000000 mask 00000000 "
      "ip6+36 val 00000009 mask 00000000 pipe, csum icmp pipe, "
      REDIR2 },
    /* Rewrites after the last output change nothing anyone sees. */
    { "in_port(1),eth()", "2,set(eth(dst=66:77:88:99:aa:bb))", OK,
      "prio 0x4000 protocol 0x0003 action " REDIR2 },
    /* Rewrites with no output: dropped anyway. */
    { "in_port(1),eth()", "set(eth(dst=66:77:88:99:aa:bb))", OK,
      "prio 0x4000 protocol 0x0003 action gact drop shot" },
    { "in_port(1),eth()", "2,drop(0),4", OK,
      "prio 0x4000 protocol 0x0003 action " REDIR2 },

    /* Decapsulation: a filter on the tunnel device, with its metadata
     * as enc_* keys (df and csum flags ignored, as Open vSwitch does on
     * kernels without ENC_FLAGS), tunnel_key unset first. */
    { "tunnel(" TUN_A ",tp_dst=4789,flags(-df-csum+key)),in_port(5),eth(),"
      "eth_type(0x0800),ipv4(dst=192.0.2.2)", "2", OK,
      "prio 0x4000 protocol 0x0800 eth_type 0x0800 ipv4_dst 192.0.2.2 "
      "enc_key_id 100 enc_ipv4_src 10.1.1.2 enc_ipv4_dst 10.1.1.1 "
      "enc_dst_port 4789 action " UNSET REDIR2 },
    { "tunnel(tun_id=0x5,src=10.1.0.0/255.255.0.0,dst=10.1.1.1,"
      "tos=0x10/0xfc,ttl=64,tp_dst=6081),in_port(6),eth()", "1", OK,
      "prio 0x4000 protocol 0x0003 enc_key_id 5 enc_ipv4_src "
      "10.1.0.0/255.255.0.0 enc_ipv4_dst 10.1.1.1 enc_dst_port 6081 "
      "enc_tos 0x10/0xfc enc_ttl 64 action " UNSET
      "mirred egress redirect ifindex 11 stolen" },
    { "tunnel(tun_id=0x64,ipv6_src=2001:db8::2,ipv6_dst=2001:db8::1,"
      "tp_dst=4789),in_port(5),eth()", "2", OK,
      "prio 0x4000 protocol 0x0003 enc_key_id 100 enc_ipv6_src "
      "2001:db8::2 enc_ipv6_dst 2001:db8::1 enc_dst_port 4789 action "
      UNSET REDIR2 },
    { "tunnel(tun_id=0x12345678,src=10.1.1.2,dst=10.1.1.1),in_port(8),"
      "eth()", "1", OK,
      "prio 0x4000 protocol 0x0003 enc_key_id 305419896 enc_ipv4_src "
      "10.1.1.2 enc_ipv4_dst 10.1.1.1 action " UNSET
      "mirred egress redirect ifindex 11 stolen" },
    { "tunnel(" TUN_A "),in_port(5),eth()", "drop", OK,
      "prio 0x4000 protocol 0x0003 enc_key_id 100 enc_ipv4_src 10.1.1.2 "
      "enc_ipv4_dst 10.1.1.1 action " UNSET "gact drop shot" },
    { "in_port(5),eth()", "2", OK,
      "prio 0x4000 protocol 0x0003 action " UNSET REDIR2 },
    /* Geneve options: one, exact; two, the second with masks (class,
     * type, data); one whose data is not matched. */
    { "tunnel(" TUN_A ",tp_dst=6081,geneve({class=0xffff,type=0,len=4,"
      "0x1234})),in_port(6),eth()", "2", OK,
      "prio 0x4000 protocol 0x0003 enc_key_id 100 enc_ipv4_src 10.1.1.2 "
      "enc_ipv4_dst 10.1.1.1 enc_dst_port 6081 geneve_opts ffff:00:00001234 "
      "action " UNSET REDIR2 },
    { "tunnel(" TUN_A ",geneve({class=0x102,type=0x80,len=4,0xa}"
      "{class=0xffff/0xff00,type=0x1/0xf,len=8,"
      "0x1122334455667788/0xffffffff00000000})),in_port(6),eth()", "1", OK,
      "prio 0x4000 protocol 0x0003 enc_key_id 100 enc_ipv4_src 10.1.1.2 "
      "enc_ipv4_dst 10.1.1.1 geneve_opts 0102:80:0000000a,"
      "ff00:01:1122334400000000/ff00:0f:ffffffff00000000 action " UNSET
      "mirred egress redirect ifindex 11 stolen" },
    { "tunnel(" TUN_A ",geneve({class=0x102,type=0x5,len=4})),in_port(6),"
      "eth()", "1", OK,
      "prio 0x4000 protocol 0x0003 enc_key_id 100 enc_ipv4_src 10.1.1.2 "
      "enc_ipv4_dst 10.1.1.1 geneve_opts 0102:05:00000000/ffff:ff:00000000 "
      "action " UNSET "mirred egress redirect ifindex 11 stolen" },

    /* Decapsulated, then into another tunnel. */
    { "tunnel(" TUN_A "),in_port(5),eth()",
      "set(tunnel(tun_id=0xc8,dst=10.1.1.3,ttl=64,tp_dst=6081)),6", OK,
      "prio 0x4000 protocol 0x0003 enc_key_id 100 enc_ipv4_src 10.1.1.2 "
      "enc_ipv4_dst 10.1.1.1 action " UNSET "tunnel_key set key_id 200 "
      "src 0.0.0.0 dst 10.1.1.3 dst_port 6081 ttl 64 nocsum pipe, "
      "mirred egress redirect ifindex 16 stolen" },

    /* Encapsulation: tunnel_key set, then the redirect to the tunnel
     * device.  No src: 0, the device picks one; df ignored; csum: no
     * nocsum. */
    { "in_port(1),eth()",
      "set(tunnel(tun_id=0x64,src=10.1.1.1,dst=10.1.1.2,ttl=64,"
      "tp_dst=4789,flags(df|key))),5", OK,
      "prio 0x4000 protocol 0x0003 action tunnel_key set key_id 100 "
      "src 10.1.1.1 dst 10.1.1.2 dst_port 4789 ttl 64 nocsum pipe, "
      "mirred egress redirect ifindex 15 stolen" },
    { "in_port(1),eth()",
      "set(tunnel(tun_id=0x5,dst=10.1.1.2,tos=0x20,ttl=64,tp_dst=6081,"
      "flags(csum|key))),6", OK,
      "prio 0x4000 protocol 0x0003 action tunnel_key set key_id 5 "
      "src 0.0.0.0 dst 10.1.1.2 dst_port 6081 tos 0x20 ttl 64 csum pipe, "
      "mirred egress redirect ifindex 16 stolen" },
    { "in_port(1),eth()",
      "set(tunnel(tun_id=0x64,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,"
      "ttl=64,tp_dst=4789,flags(key))),5", OK,
      "prio 0x4000 protocol 0x0003 action tunnel_key set key_id 100 "
      "src 2001:db8::1 dst 2001:db8::2 dst_port 4789 ttl 64 nocsum pipe, "
      "mirred egress redirect ifindex 15 stolen" },
    { "in_port(1),eth()", "set(tunnel(dst=10.1.1.2,ttl=64)),8", OK,
      "prio 0x4000 protocol 0x0003 action tunnel_key set src 0.0.0.0 "
      "dst 10.1.1.2 ttl 64 nocsum pipe, mirred egress redirect ifindex 18 "
      "stolen" },
    /* With Geneve options: one, then two. */
    { "in_port(1),eth()",
      "set(tunnel(tun_id=0x5,dst=10.0.0.9,ttl=64,tp_dst=6081,"
      "geneve({class=0xffff,type=0,len=4,0x1234}))),6", OK,
      "prio 0x4000 protocol 0x0003 action tunnel_key set key_id 5 "
      "src 0.0.0.0 dst 10.0.0.9 dst_port 6081 ttl 64 nocsum "
      "geneve_opts ffff:00:00001234 pipe, mirred egress redirect ifindex 16 "
      "stolen" },
    { "in_port(1),eth()",
      "set(tunnel(tun_id=0x5,dst=10.0.0.9,ttl=64,tp_dst=6081,"
      "geneve({class=0x102,type=0x1,len=4,0xa}{class=0x103,type=0x7f,"
      "len=8,0x1122334455667788}))),6", OK,
      "prio 0x4000 protocol 0x0003 action tunnel_key set key_id 5 "
      "src 0.0.0.0 dst 10.0.0.9 dst_port 6081 ttl 64 nocsum "
      "geneve_opts 0102:01:0000000a,0103:7f:1122334455667788 pipe, "
      "mirred egress redirect ifindex 16 stolen" },
    /* Several pairs, mixed with plain outputs; the metadata stays for a
     * later output to a tunnel port. */
    { "in_port(1),eth()",
      "2,set(tunnel(tun_id=0x1,dst=10.1.1.2,ttl=64,tp_dst=4789)),5,6,"
      "set(tunnel(tun_id=0x2,dst=10.1.1.3,ttl=64,tp_dst=4789)),5", OK,
      "prio 0x4000 protocol 0x0003 action mirred egress mirror ifindex 12 "
      "pipe, tunnel_key set key_id 1 src 0.0.0.0 dst 10.1.1.2 dst_port "
      "4789 ttl 64 nocsum pipe, mirred egress mirror ifindex 15 pipe, "
      "mirred egress mirror ifindex 16 pipe, tunnel_key set key_id 2 "
      "src 0.0.0.0 dst 10.1.1.3 dst_port 4789 ttl 64 nocsum pipe, "
      "mirred egress redirect ifindex 15 stolen" },

    /* Refused tunnel matches. */
    { "tunnel(tun_id=0x64/0xffff,src=10.1.1.2,dst=10.1.1.1),in_port(5),"
      "eth()", "2", MATCH, "tc: no match on tunnel tun_id (must be exact)" },
    { "tunnel(tun_id=0x100000001,src=10.1.1.2,dst=10.1.1.1),in_port(5),"
      "eth()", "2", MATCH,
      "tc: no match on tunnel tun_id (more than 32 bits)" },
    { "tunnel(tun_id=0x64,src=10.1.1.2,ipv6_dst=2001:db8::1),in_port(5),"
      "eth()", "2", MATCH,
      "tc: no match on tunnel (IPv4 and IPv6 outer addresses)" },
    { "tunnel(" TUN_A ",tp_src=1234),in_port(5),eth()", "2", MATCH,
      "tc: no match on tunnel tp_src" },
    { "tunnel(" TUN_A ",flags(+oam)),in_port(5),eth()", "2", MATCH,
      "tc: no match on tunnel flags (oam)" },
    { "tunnel(" TUN_A "),in_port(2),eth()", "1", MATCH,
      "tc: no match on tunnel (p2 is not a tunnel port)" },
    /* Geneve options: matched by class, type and data under their own
     * masks, each option's length exactly; refused where flower cannot
     * say what the datapath mask says. */
    { "tunnel(" TUN_A ",geneve({class=0x102,type=0x80,len=0})),"
      "in_port(6),eth()", "2", MATCH,
      "tc: no match on geneve options (option class 0x102 type 0x80 has "
      "no data: tc needs 4 to 124 bytes)" },
    { "tunnel(" TUN_A ",geneve({class=0x102,type=0x80,len=4/0x4,0xa})),"
      "in_port(6),eth()", "2", MATCH,
      "tc: no match on geneve options (option class 0x102 type 0x80: "
      "length not matched exactly)" },
    { "tunnel(" TUN_A ",geneve({class=0x102,type=0x1,len=4,0xa}"
      "{class=0x103,type=0x2,len=4/0x4,0xb})),in_port(6),eth()", "2", MATCH,
      "tc: no match on geneve options (option class 0x103 type 0x2: "
      "length not matched exactly)" },
    { "tunnel(" TUN_A ",geneve()),in_port(6),eth()", "2", MATCH,
      "tc: no match on geneve options (absent: flower cannot match a "
      "packet without options)" },

    /* Refused tunnel actions. */
    { "in_port(1),eth()",
      "set(tunnel(tun_id=0x5,dst=10.0.0.9,ttl=64,tp_src=1,tp_dst=4789)),5",
      ACTION, "tc: action set(tunnel) with tp_src cannot be offloaded" },
    { "in_port(1),eth()",
      "set(tunnel(tun_id=0x5,dst=10.0.0.9,ttl=64,flags(oam))),5", ACTION,
      "tc: action set(tunnel) with oam cannot be offloaded" },
    { "in_port(1),eth()",
      "set(tunnel(tun_id=0x5,dst=10.0.0.9,ttl=64,tp_dst=6081,"
      "geneve({class=0x102,type=0x80,len=4,0xa}))),6", ACTION,
      "tc: action set(tunnel) with geneve options cannot be offloaded "
      "(option class 0x102 type 0x80 is critical: act_tunnel_key cannot "
      "set the Geneve header's C bit)" },
    { "in_port(1),eth()",
      "set(tunnel(tun_id=0x5,dst=10.0.0.9,ttl=64,tp_dst=6081,"
      "geneve({class=0x102,type=0x1,len=4,0xa}{class=0x102,type=0x2,"
      "len=0}))),6", ACTION,
      "tc: action set(tunnel) with geneve options cannot be offloaded "
      "(option class 0x102 type 0x2 has no data: tc needs 4 to 124 "
      "bytes)" },
    { "in_port(1),eth()", "5", ACTION,
      "tc: output to vxlan_sys_4789 (a vxlan tunnel port) without "
      "set(tunnel)" },
    { "tunnel(" TUN_A "),in_port(5),eth()", "6", ACTION,
      "tc: output to genev_sys_6081 (a geneve tunnel port) without "
      "set(tunnel)" },
    { "in_port(1),eth()",
      "set(tunnel(tun_id=0x1,dst=10.0.0.9,ttl=64)),"
      "set(tunnel(tun_id=0x2,dst=10.0.0.9,ttl=64)),5", ACTION,
      "tc: action set(tunnel) is not followed by an output to a tunnel "
      "port" },
    { "in_port(1),eth()", "5,set(tunnel(tun_id=0x1,dst=10.0.0.9,ttl=64))",
      ACTION, "tc: output to vxlan_sys_4789 (a vxlan tunnel port) without "
      "set(tunnel)" },
    { "in_port(1),eth()",
      "set(tunnel(tun_id=0x100000000,dst=10.0.0.9,ttl=64)),5", ACTION,
      "tc: action set(tunnel) with a tun_id of more than 32 bits cannot "
      "be offloaded" },
    { "in_port(1),eth()",
      "set(tunnel(dst=10.0.0.9,ipv6_dst=2001:db8::2,ttl=64)),5", ACTION,
      "tc: action set(tunnel) with IPv4 and IPv6 addresses cannot be "
      "offloaded" },
    { "in_port(1),eth()", "set(tunnel(tun_id=0x5,src=10.1.1.1,ttl=64)),5",
      ACTION,
      "tc: action set(tunnel) without a destination address cannot be "
      "offloaded" },
    /* The userspace datapath's vport has no device. */
    { "in_port(1),eth()", "set(tunnel(tun_id=0x5,dst=10.0.0.9,ttl=64)),10",
      PORT, "tc: output to vxlan_sys_4790: not a kernel network device" },
    { "tunnel(" TUN_A "),in_port(10),eth()", "2", PORT,
      "tc: vxlan_sys_4790 is not a kernel network device" },

    /* Refused matches, each named. */
    { "in_port(1),eth_type(0x86dd),ipv6(label=5)", "2", MATCH,
      "tc: no match on ipv6_label" },
    { "recirc_id(5),in_port(1),eth()", "2", MATCH,
      "tc: no match on recirc_id" },
    { "in_port(1),skb_mark(0x10),eth()", "2", MATCH,
      "tc: no match on pkt_mark" },
    { "dp_hash(0xf/0xff),in_port(1),eth()", "2", MATCH,
      "tc: no match on dp_hash" },
    { "tunnel(tun_id=0x5,dst=10.0.0.9,ttl=64),in_port(1),eth()", "2",
      MATCH, "tc: no match on tunnel (p1 is not a tunnel port)" },
    { "in_port(1),eth(),eth_type(0x8847),mpls(label=100,tc=0,ttl=64,"
      "bos=1)", "2", MATCH, "tc: no match on mpls" },
    { "in_port(1),eth(),eth_type(0x86dd),ipv6(proto=58,frag=no),"
      "icmpv6(type=135,code=0),nd(target=2001:db8::5)", "2", MATCH,
      "tc: no match on nd_target" },
    { "in_port(1),eth(),eth_type(0x86dd),ipv6(proto=58,frag=no),"
      "icmpv6(type=136,code=0),nd(tll=00:11:22:33:44:55)", "2", MATCH,
      "tc: no match on nd_tll" },
    { "eth(),eth_type(0x0800)", "2", MATCH,
      "tc: no match on in_port (must be exact)" },
    { "in_port(1),eth_type(0x0800),ipv4(proto=6/0xf0)", "2", MATCH,
      "tc: no match on nw_proto (partial mask)" },
    { "in_port(1),eth(),eth_type(0x8100),vlan(vid=10/0xff)", "2", MATCH,
      "tc: no match on vlan_tci (VID and PCP must be exact)" },

    /* Refused actions, each named. */
    { "in_port(1),eth()", "userspace(pid=123)", ACTION,
      "tc: action userspace cannot be offloaded" },
    { "in_port(1),eth()", "2,userspace(pid=123)", ACTION,
      "tc: action userspace cannot be offloaded" },
    { "in_port(1),eth()", "sample(sample=50.0%,actions(1,2)),3", ACTION,
      "tc: action sample cannot be offloaded" },
    { "in_port(1),eth()", "recirc(0x1)", ACTION,
      "tc: action recirc cannot be offloaded" },
    { "in_port(1),eth()", "hash(l4(0)),recirc(0x2)", ACTION,
      "tc: action hash cannot be offloaded" },
    { "in_port(1),eth()", "trunc(100),2", ACTION,
      "tc: action trunc cannot be offloaded" },
    { "in_port(1),eth()", "ct(commit,zone=5),2", ACTION,
      "tc: action ct cannot be offloaded" },
    { "in_port(1),eth()", "ct_clear,2", ACTION,
      "tc: action ct_clear cannot be offloaded" },
    { "in_port(1),eth()", "clone(2),4", ACTION,
      "tc: action clone cannot be offloaded" },
    /* No meter 5 was ever set (test-tcf-police.c sets some). */
    { "in_port(1),eth()", "meter(5),2", ACTION,
      "tc: meter 5 has no police action: no such meter" },
    { "in_port(1),eth()",
      "set(tunnel(tun_id=0x5,dst=10.0.0.9,ttl=64,flags(df))),2", ACTION,
      "tc: action set(tunnel) is not followed by an output to a tunnel "
      "port" },
    { "in_port(1),eth()", "set(skb_mark(0x5)),2", ACTION,
      "tc: action set(skb_mark) cannot be offloaded" },
    { "in_port(1),eth()", "set(ipv4(dst=1.2.3.4)),2", ACTION,
      "tc: action set(ipv4) cannot be offloaded without a match on "
      "eth_type 0x0800" },

    /* Refused ports. */
    { "in_port(1),eth()", "9", PORT,
      "tc: output to p9: not a kernel network device" },
    { "in_port(1),eth()", "2,7", PORT,
      "tc: output to port 7: no such port" },
    { "in_port(9),eth()", "2", PORT,
      "tc: p9 is not a kernel network device" },
};
/* clang-format on */

/* Parses C's key and actions into FLOW/MASK and the netlink buffers. */
static void
parse_case(const struct xcase *c, struct flow *flow, struct flow *mask,
           struct buf *key, struct buf *kmask, struct buf *acts)
{
    char *err = NULL;

    if (odp_flow_from_string(c->key, key, kmask, &err)
        || odp_key_to_flow(key->data, key->len, flow, &err)
        || odp_mask_to_flow(kmask->data, kmask->len, mask, &err)
        || odp_actions_from_string(c->actions, acts, &err)) {
        fail_msg("%s / %s: %s", c->key, c->actions, err);
    }
}

static void
offload_flow_init(struct offload_flow *of, const struct flow *flow,
                  const struct flow *mask, const struct buf *key,
                  const struct buf *kmask, const struct buf *acts)
{
    memset(of, 0, sizeof *of);
    of->ufid.u32[0] = 0x01020304;
    of->ufid.u32[3] = 0xa0b0c0d0;
    /* A key without in_port: as if it came in on p1. */
    of->in_port = lookup(mask->in_port ? flow->in_port : 1);
    of->key = key->data;
    of->key_len = key->len;
    of->mask = kmask->data;
    of->mask_len = kmask->len;
    of->actions = acts->data;
    of->actions_len = acts->len;
    of->flow = flow;
    of->flow_mask = mask;
}

/* Builds F into a message and parses it back into *BACK. */
static void
wire_round_trip(const struct tcf_filter *f, struct tcf_filter *back)
{
    static uint8_t msg[16384];
    size_t len =
        tcf_msg_new_filter(msg, sizeof msg, 7, NLM_F_CREATE | NLM_F_EXCL, f);

    assert_true(len > 0);
    assert_int_equal(tcf_msg_parse_filter((struct nlmsghdr *) msg, back), 0);
}

static void
test_cases(void **state)
{
    (void) state;
    static struct tcf_filter f, back;
    size_t failures = 0;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct xcase *c = &cases[i];
        struct buf key = BUF_INITIALIZER, kmask = BUF_INITIALIZER;
        struct buf acts = BUF_INITIALIZER, text = BUF_INITIALIZER;
        struct flow flow, mask;
        struct offload_flow of;
        struct offload_reason why;
        const char *got;

        parse_case(c, &flow, &mask, &key, &kmask, &acts);
        offload_flow_init(&of, &flow, &mask, &key, &kmask, &acts);
        memset(&why, 0, sizeof why);
        int error = tcf_translate(&of, 0, lookup, &f, &why);
        if (c->code == OK) {
            if (error) {
                print_error("case %zu (%s / %s): refused: %s\n", i, c->key,
                            c->actions, why.msg);
                failures++;
                goto next;
            }
            /* The ufid is the first action's cookie, and no other action
             * has one. */
            assert_int_equal(f.actions[0].cookie_len, TCF_COOKIE_LEN);
            assert_memory_equal(f.actions[0].cookie, &of.ufid, 16);
            for (size_t j = 1; j < f.n_actions; j++) {
                assert_int_equal(f.actions[j].cookie_len, 0);
            }
            assert_int_equal(f.ifindex, of.in_port->ifindex);
            assert_int_equal(f.parent, tcf_ingress_parent());
            f.prio = TCF_PRIO_MIN;
            f.handle = 1;
            wire_round_trip(&f, &back);
            char what[64];
            if (!tcf_filter_agrees(&f, &back, what, sizeof what)) {
                print_error("case %zu: parsed back differs in %s\n", i, what);
                failures++;
            }
            struct offload_ufid ufid;
            assert_true(
                tcf_filter_is_ours(&back, tcf_ingress_parent(), &ufid));
            assert_memory_equal(&ufid, &of.ufid, sizeof ufid);
            back.actions[0].cookie_len = 0;
            tcf_filter_format(&text, &back);
            got = buf_cstr(&text);
        } else {
            if (!error) {
                print_error("case %zu (%s / %s): not refused\n", i, c->key,
                            c->actions);
                failures++;
                goto next;
            }
            assert_int_equal(error, EOPNOTSUPP);
            if (why.code != c->code) {
                print_error("case %zu: reason code %d, want %d (%s)\n", i,
                            why.code, c->code, why.msg);
                failures++;
            }
            got = why.msg;
        }
        if (strcmp(got, c->want)) {
            print_error("case %zu (%s / %s):\n  want: %s\n  got:  %s\n", i,
                        c->key, c->actions, c->want, got);
            failures++;
        }
    next:
        buf_destroy(&key);
        buf_destroy(&kmask);
        buf_destroy(&acts);
        buf_destroy(&text);
    }
    assert_int_equal(failures, 0);
}

/* Actions the text parser cannot write: raw netlink. */
static void
test_raw_actions(void **state)
{
    (void) state;
    static struct tcf_filter f;
    static const struct {
        uint16_t type;
        uint16_t len;
        const char *want;
    } raws[] = {
        { OVS_ACTION_ATTR_PUSH_MPLS, 8,
          "tc: action push_mpls cannot be offloaded" },
        { OVS_ACTION_ATTR_POP_MPLS, 2,
          "tc: action pop_mpls cannot be offloaded" },
        { OVS_ACTION_ATTR_DEC_TTL, 0,
          "tc: action dec_ttl cannot be offloaded" },
        { 99, 4, "tc: action type 99 cannot be offloaded" },
    };
    struct flow flow, mask;

    memset(&flow, 0, sizeof flow);
    memset(&mask, 0, sizeof mask);
    flow.in_port = 1;
    mask.in_port = UINT32_MAX;
    for (size_t i = 0; i < sizeof raws / sizeof raws[0]; i++) {
        uint8_t acts[64];
        struct nlattr *a = (struct nlattr *) acts;
        struct offload_reason why;
        struct offload_flow of;

        memset(acts, 0, sizeof acts);
        a->nla_type = raws[i].type;
        a->nla_len = NLA_HDRLEN + raws[i].len;
        memset(&of, 0, sizeof of);
        of.in_port = lookup(1);
        of.flow = &flow;
        of.flow_mask = &mask;
        of.actions = acts;
        of.actions_len = NLA_ALIGN(a->nla_len);
        assert_int_equal(tcf_translate(&of, 0, lookup, &f, &why), EOPNOTSUPP);
        assert_int_equal(why.code, OFFLOAD_R_UNSUPPORTED_ACTION);
        assert_string_equal(why.msg, raws[i].want);
    }

    /* Malformed: an output with a 2-byte payload, an attribute longer than
     * the list. */
    uint8_t bad[8] = { 6, 0, OVS_ACTION_ATTR_OUTPUT, 0, 1, 2, 0, 0 };
    struct offload_reason why;
    struct offload_flow of;
    memset(&of, 0, sizeof of);
    of.in_port = lookup(1);
    of.flow = &flow;
    of.flow_mask = &mask;
    of.actions = bad;
    of.actions_len = sizeof bad;
    assert_int_equal(tcf_translate(&of, 0, lookup, &f, &why), EINVAL);
    assert_int_equal(why.code, OFFLOAD_R_INTERNAL);
    bad[0] = 12;
    assert_int_equal(tcf_translate(&of, 0, lookup, &f, &why), EINVAL);
}

/* tc-policy: the skip flags reach the filter and the wire. */
static void
test_skip_flags(void **state)
{
    (void) state;
    static struct tcf_filter f, back;
    static const struct xcase c = { "in_port(1),eth()", "2", OK, NULL };
    struct buf key = BUF_INITIALIZER, kmask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER;
    struct flow flow, mask;
    struct offload_flow of;
    struct offload_reason why;

    parse_case(&c, &flow, &mask, &key, &kmask, &acts);
    offload_flow_init(&of, &flow, &mask, &key, &kmask, &acts);
    assert_int_equal(
        tcf_translate(&of, TCA_CLS_FLAGS_SKIP_SW, lookup, &f, &why), 0);
    assert_int_equal(f.flags, TCA_CLS_FLAGS_SKIP_SW);
    wire_round_trip(&f, &back);
    assert_int_equal(back.flags, TCA_CLS_FLAGS_SKIP_SW);
    assert_int_equal(
        tcf_translate(&of, TCA_CLS_FLAGS_SKIP_HW, lookup, &f, &why), 0);
    wire_round_trip(&f, &back);
    assert_int_equal(back.flags, TCA_CLS_FLAGS_SKIP_HW);
    buf_destroy(&key);
    buf_destroy(&kmask);
    buf_destroy(&acts);
}

/* What enters from a tap device nicflowd reads (an internal or tap port)
 * was transmitted on it: its filter goes on the egress hook, and is ours
 * there only.  Output to such a port is an ingress redirect (with ptype
 * host), whichever hook the filter is on. */
static void
test_egress_hook(void **state)
{
    (void) state;
    static struct tcf_filter f, back;
    static const struct {
        struct xcase c;
        int ifindex;
        uint32_t parent;
    } hooks[] = {
        { { "in_port(4),eth(),eth_type(0x0800)", "1", OK,
            "prio 0x4000 protocol 0x0800 eth_type 0x0800 action mirred "
            "egress redirect ifindex 11 stolen" },
          14,
          0xfffffff3 },
        { { "in_port(3),eth(),eth_type(0x0806)", "2", OK,
            "prio 0x4000 protocol 0x0806 eth_type 0x0806 action " REDIR2 },
          13,
          0xfffffff3 },
        { { "in_port(2),eth(),eth_type(0x0800)", "4", OK,
            "prio 0x4000 protocol 0x0800 eth_type 0x0800 action skbedit "
            "ptype 0 pipe, mirred ingress redirect ifindex 14 stolen" },
          12,
          0xfffffff2 },
        { { "in_port(1),eth(),eth_type(0x0800)", "3", OK,
            "prio 0x4000 protocol 0x0800 eth_type 0x0800 action skbedit "
            "ptype 0 pipe, mirred ingress redirect ifindex 13 stolen" },
          11,
          0xfffffff2 },
    };

    for (size_t i = 0; i < sizeof hooks / sizeof hooks[0]; i++) {
        struct buf key = BUF_INITIALIZER, kmask = BUF_INITIALIZER;
        struct buf acts = BUF_INITIALIZER, text = BUF_INITIALIZER;
        struct offload_ufid ufid;
        struct flow flow, mask;
        struct offload_flow of;
        struct offload_reason why;
        char what[64];

        parse_case(&hooks[i].c, &flow, &mask, &key, &kmask, &acts);
        offload_flow_init(&of, &flow, &mask, &key, &kmask, &acts);
        assert_int_equal(tcf_translate(&of, 0, lookup, &f, &why), 0);
        assert_int_equal(f.ifindex, hooks[i].ifindex);
        assert_int_equal(f.parent, hooks[i].parent);
        f.prio = TCF_PRIO_MIN;
        f.handle = 1;
        wire_round_trip(&f, &back);
        assert_int_equal(back.parent, hooks[i].parent);
        assert_true(tcf_filter_agrees(&f, &back, what, sizeof what));
        assert_true(tcf_filter_is_ours(&back, hooks[i].parent, &ufid));
        assert_memory_equal(&ufid, &of.ufid, sizeof ufid);
        assert_false(tcf_filter_is_ours(&back,
                                        hooks[i].parent == 0xfffffff3
                                            ? tcf_ingress_parent()
                                            : tcf_egress_parent(),
                                        NULL));
        back.actions[0].cookie_len = 0;
        tcf_filter_format(&text, &back);
        assert_string_equal(buf_cstr(&text), hooks[i].c.want);
        buf_destroy(&key);
        buf_destroy(&kmask);
        buf_destroy(&acts);
        buf_destroy(&text);
    }
}

/* More outputs than tc has actions for. */
static void
test_too_many_actions(void **state)
{
    (void) state;
    static struct tcf_filter f;
    struct buf key = BUF_INITIALIZER, kmask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER, text = BUF_INITIALIZER;
    struct flow flow, mask;
    struct offload_flow of;
    struct offload_reason why;

    for (int i = 0; i < 17; i++) {
        /* Internal port outputs take two actions each. */
        buf_printf(&text, "%s3", i ? "," : "");
    }
    struct xcase c = { "in_port(1),eth()", buf_cstr(&text), OK, NULL };
    parse_case(&c, &flow, &mask, &key, &kmask, &acts);
    offload_flow_init(&of, &flow, &mask, &key, &kmask, &acts);
    assert_int_equal(tcf_translate(&of, 0, lookup, &f, &why), EOPNOTSUPP);
    assert_string_equal(why.msg, "tc: too many actions (tc allows 32)");
    buf_destroy(&key);
    buf_destroy(&kmask);
    buf_destroy(&acts);
    buf_destroy(&text);
}

/* Tunnel parts that the text parser cannot write, the hook of tunnel
 * ports, and the echo comparison of enc_* keys and tunnel_key. */
static void
test_tunnel_raw(void **state)
{
    (void) state;
    static struct tcf_filter f, back;
    struct offload_reason why;
    struct offload_flow of;
    struct flow flow, mask;
    char what[64];

    /* Tunnel ports: ingress, and known as tunnels. */
    assert_int_equal(tcf_port_parent("vxlan"), tcf_ingress_parent());
    assert_int_equal(tcf_port_parent("geneve"), tcf_ingress_parent());
    assert_int_equal(tcf_port_parent("gre"), tcf_ingress_parent());
    assert_int_equal(tcf_port_parent("lisp"), 0);
    assert_true(tcf_port_is_tunnel("vxlan") && tcf_port_is_tunnel("geneve")
                && tcf_port_is_tunnel("gre"));
    assert_false(tcf_port_is_tunnel("afpacket") || tcf_port_is_tunnel(NULL)
                 || tcf_port_is_tunnel("internal"));

    memset(&flow, 0, sizeof flow);
    memset(&mask, 0, sizeof mask);
    mask.in_port = UINT32_MAX;
    memset(&of, 0, sizeof of);
    of.flow = &flow;
    of.flow_mask = &mask;
    uint32_t port;

    /* A packet without a key (GRE): key flag exact and clear, tun_id
     * exact 0: ENC_KEY_ID 0. */
    uint8_t out[8] = { 0 };
    struct nlattr o = { NLA_HDRLEN + 4, OVS_ACTION_ATTR_OUTPUT };
    memcpy(out, &o, sizeof o);
    port = 1;
    memcpy(out + NLA_HDRLEN, &port, 4);
    flow.in_port = 8;
    flow.tunnel.ip_src = htonl(0x0a010102);
    flow.tunnel.ip_dst = htonl(0x0a010101);
    mask.tunnel.ip_src = mask.tunnel.ip_dst = UINT32_MAX;
    mask.tunnel.tun_id = UINT64_MAX;
    mask.tunnel.flags = PKT_TUN_F_KEY | PKT_TUN_F_DONT_FRAGMENT;
    of.in_port = lookup(8);
    of.actions = out;
    of.actions_len = sizeof out;
    assert_int_equal(tcf_translate(&of, 0, lookup, &f, &why), 0);
    assert_int_equal(f.mask.enc_key_id, UINT32_MAX);
    assert_int_equal(f.key.enc_key_id, 0);
    assert_int_equal(f.ifindex, 18);
    assert_int_equal(f.n_actions, 2);
    assert_int_equal(f.actions[0].type, TCF_A_TUNNEL_KEY);
    assert_int_equal(f.actions[0].tunnel_key.t_action,
                     TCA_TUNNEL_KEY_ACT_RELEASE);
    assert_int_equal(f.actions[0].cookie_len, TCF_COOKIE_LEN);

    /* A tunnel mask whose key is all zero on a port that is no tunnel:
     * "not through a tunnel", true of all its packets. */
    memset(&flow.tunnel, 0, sizeof flow.tunnel);
    flow.in_port = 1;
    of.in_port = lookup(1);
    of.actions = out;
    port = 2;
    memcpy(out + NLA_HDRLEN, &port, 4);
    assert_int_equal(tcf_translate(&of, 0, lookup, &f, &why), 0);
    assert_true(nf_bytes_all(&f.mask.enc_key_id, 4, 0));

    /* The echo comparison names each tunnel difference. */
    static const struct xcase c = {
        "tunnel(" TUN_A ",tp_dst=4789),in_port(5),eth()",
        "set(tunnel(tun_id=0xc8,dst=10.1.1.3,ttl=64,tp_dst=6081)),6", OK, NULL
    };
    struct buf key = BUF_INITIALIZER, kmask = BUF_INITIALIZER;
    struct buf bacts = BUF_INITIALIZER;
    parse_case(&c, &flow, &mask, &key, &kmask, &bacts);
    offload_flow_init(&of, &flow, &mask, &key, &kmask, &bacts);
    assert_int_equal(tcf_translate(&of, 0, lookup, &f, &why), 0);
    f.prio = TCF_PRIO_MIN;
    f.handle = 1;
    wire_round_trip(&f, &back);
    assert_true(tcf_filter_agrees(&f, &back, what, sizeof what));
    static const struct {
        size_t ofs, len;
        const char *what;
    } diffs[] = {
        { offsetof(struct tcf_filter, key.enc_key_id), 4, "enc_key_id" },
        { offsetof(struct tcf_filter, key.enc_ipv4_src), 4, "enc_ipv4_src" },
        { offsetof(struct tcf_filter, mask.enc_ipv4_dst), 4, "enc_ipv4_dst" },
        { offsetof(struct tcf_filter, key.enc_tp_dst), 2, "enc_dst_port" },
        { offsetof(struct tcf_filter, actions[0].tunnel_key.t_action), 1,
          "action 1 (tunnel_key)" },
        { offsetof(struct tcf_filter, actions[1].tunnel_key.key_id), 4,
          "action 2 (tunnel_key)" },
        { offsetof(struct tcf_filter, actions[1].tunnel_key.ipv4_dst), 4,
          "action 2 (tunnel_key)" },
        { offsetof(struct tcf_filter, actions[1].tunnel_key.ipv4_src), 4,
          "action 2 (tunnel_key)" },
        { offsetof(struct tcf_filter, actions[1].tunnel_key.dst_port), 2,
          "action 2 (tunnel_key)" },
        { offsetof(struct tcf_filter, actions[1].tunnel_key.ttl), 1,
          "action 2 (tunnel_key)" },
        { offsetof(struct tcf_filter, actions[1].tunnel_key.no_csum), 1,
          "action 2 (tunnel_key)" },
    };
    for (size_t i = 0; i < sizeof diffs / sizeof diffs[0]; i++) {
        static struct tcf_filter changed;
        changed = back;
        ((uint8_t *) &changed)[diffs[i].ofs + diffs[i].len - 1] ^= 1;
        assert_false(tcf_filter_agrees(&f, &changed, what, sizeof what));
        assert_string_equal(what, diffs[i].what);
    }
    /* An IPv6 set: the addresses count. */
    back.actions[1].tunnel_key.has_ipv4 = false;
    back.actions[1].tunnel_key.has_ipv6 = true;
    assert_false(tcf_filter_agrees(&f, &back, what, sizeof what));
    buf_destroy(&key);
    buf_destroy(&kmask);
    buf_destroy(&bacts);
}

/* Geneve options that the text parser cannot write: raw datapath masks
 * (the total length partially masked, the OpenFlow form, reserved flag
 * bits, a mask past the options) and raw set(tunnel) option lists (too
 * long, not whole options, reserved flags), with their exact reasons. */
static void
test_geneve_opts_raw(void **state)
{
    (void) state;
    static const uint8_t opt[8] = { 0x01, 0x02, 0x01, 0x01, 0, 0, 0, 0x0a };
    static struct tcf_filter f;
    static struct flow flow, mask;
    struct offload_reason why;
    struct offload_flow of;
    uint8_t out[8] = { 0 };
    struct nlattr o = { NLA_HDRLEN + 4, OVS_ACTION_ATTR_OUTPUT };
    uint32_t port = 1;

    memcpy(out, &o, sizeof o);
    memcpy(out + NLA_HDRLEN, &port, 4);
    memset(&of, 0, sizeof of);
    of.in_port = lookup(6);
    of.flow = &flow;
    of.flow_mask = &mask;
    of.actions = out;
    of.actions_len = sizeof out;

    /* The base: one option matched exactly, as vswitchd's megaflows have
     * it (LEN 0xff, every header byte and the data). */
    static const struct {
        int change;       /* What is changed from the base. */
        const char *want; /* The reason, or NULL: translates. */
    } raws[] = {
        { 0, NULL },
        { 1, "tc: no match on geneve options (length not matched exactly)" },
        { 2, "tc: no match on geneve options (not in the datapath form)" },
        { 3, "tc: no match on geneve options (option class 0x102 type 0x1: "
             "reserved flags set)" },
        { 4, NULL }, /* Reserved bits set, but not matched. */
        { 5, "tc: no match on geneve options (mask beyond the options)" },
        { 6, "tc: no match on geneve options (not whole options: option class "
             "0x102 type 0x1 has 8 bytes of data, 4 left)" },
        { 7, "tc: no match on geneve options (option class 0x102 type 0x1: "
             "length not matched exactly)" },
    };
    for (size_t i = 0; i < sizeof raws / sizeof raws[0]; i++) {
        memset(&flow, 0, sizeof flow);
        memset(&mask, 0, sizeof mask);
        flow.in_port = 6;
        mask.in_port = UINT32_MAX;
        flow.tunnel.ip_src = htonl(0x0a010102);
        flow.tunnel.ip_dst = htonl(0x0a010101);
        mask.tunnel.ip_src = mask.tunnel.ip_dst = UINT32_MAX;
        memcpy(flow.tunnel.opts.data, opt, sizeof opt);
        flow.tunnel.opts.len = sizeof opt;
        mask.tunnel.opts.len = 0xff;
        memset(mask.tunnel.opts.data, 0xff, sizeof opt);
        switch (raws[i].change) {
        case 1:
            mask.tunnel.opts.len = 0x0f;
            break;
        case 2:
            mask.tunnel.opts.present = 1;
            break;
        case 3:
            flow.tunnel.opts.data[3] |= 0x20;
            break;
        case 4:
            flow.tunnel.opts.data[3] |= 0x40;
            mask.tunnel.opts.data[3] = 0x1f;
            break;
        case 5:
            mask.tunnel.opts.data[8] = 0xff;
            break;
        case 6:
            flow.tunnel.opts.data[3] = 2;
            break;
        case 7:
            mask.tunnel.opts.data[3] = 0x0f;
            break;
        }
        memset(&why, 0, sizeof why);
        int error = tcf_translate(&of, 0, lookup, &f, &why);
        if (!raws[i].want) {
            assert_int_equal(error, 0);
            assert_int_equal(f.key.enc_opts.len, 8);
            assert_int_equal(f.mask.enc_opts.len, 0xff);
            /* Flower's form of the length byte: the key's length in both,
             * the reserved bits clear. */
            assert_int_equal(f.key.enc_opts.data[3], 1);
            assert_int_equal(f.mask.enc_opts.data[3], 1);
            assert_memory_equal(f.key.enc_opts.data + 4, opt + 4, 4);
            assert_true(nf_bytes_all(f.mask.enc_opts.data + 4, 4, 0xff));
            assert_true(nf_bytes_all(f.key.enc_opts.data + 8,
                                     sizeof f.key.enc_opts.data - 8, 0));
        } else {
            assert_int_equal(error, EOPNOTSUPP);
            assert_int_equal(why.code, OFFLOAD_R_UNSUPPORTED_MATCH);
            assert_string_equal(why.msg, raws[i].want);
        }
    }

    /* set(tunnel(dst=10.1.1.2, GENEVE_OPTS)), output to genev_sys_6081,
     * with raw option lists. */
    static uint8_t big[256];
    for (size_t i = 0; i < sizeof big; i += 8) {
        memcpy(big + i, opt, sizeof opt);
    }
    static const uint8_t reserved[8] = { 0x01, 0x02, 0x01, 0x21, 0, 0, 0, 1 };
    static const uint8_t cut[12] = { 0x01, 0x02, 0x01, 0x01, 0,
                                     0,    0,    1,    0x01, 0x03 };
    static const struct {
        const uint8_t *opts;
        size_t len;
        const char *want;
    } sets[] = {
        { opt, sizeof opt, NULL },
        { big, 248, NULL }, /* 31 options, the most one header carries. */
        { big, 256,
          "tc: action set(tunnel) with geneve options cannot be offloaded "
          "(256 bytes: tc takes at most 255)" },
        { opt, 6,
          "tc: action set(tunnel) with geneve options cannot be offloaded "
          "(not whole options: option class 0x102 type 0x1 has 4 bytes of "
          "data, 2 left)" },
        { cut, 10,
          "tc: action set(tunnel) with geneve options cannot be offloaded "
          "(not whole options: 2 bytes left over)" },
        { reserved, sizeof reserved,
          "tc: action set(tunnel) with geneve options cannot be offloaded "
          "(option class 0x102 type 0x1 has reserved flags set)" },
    };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        static uint8_t acts[512];
        size_t olen = sets[i].len, n = 0;
        struct nlattr a;

        memset(acts, 0, sizeof acts);
#define PUT_ATTR(TYPE, LEN)                                   \
    do {                                                      \
        a = (struct nlattr){ (uint16_t) (NLA_HDRLEN + (LEN)), \
                             (uint16_t) (TYPE) };             \
        memcpy(acts + n, &a, sizeof a);                       \
        n += NLA_HDRLEN;                                      \
    } while (0)
        PUT_ATTR(OVS_ACTION_ATTR_SET, 2 * NLA_HDRLEN + 8 + NLA_ALIGN(olen));
        PUT_ATTR(OVS_KEY_ATTR_TUNNEL, NLA_HDRLEN + 8 + NLA_ALIGN(olen));
        PUT_ATTR(OVS_TUNNEL_KEY_ATTR_IPV4_DST, 4);
        uint32_t dst = htonl(0x0a010102);
        memcpy(acts + n, &dst, 4);
        n += 4;
        PUT_ATTR(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, olen);
        memcpy(acts + n, sets[i].opts, olen);
        n += NLA_ALIGN(olen);
        PUT_ATTR(OVS_ACTION_ATTR_OUTPUT, 4);
        port = 6;
        memcpy(acts + n, &port, 4);
        n += 4;
#undef PUT_ATTR
        memset(&flow, 0, sizeof flow);
        memset(&mask, 0, sizeof mask);
        flow.in_port = 1;
        mask.in_port = UINT32_MAX;
        of.in_port = lookup(1);
        of.actions = acts;
        of.actions_len = n;
        memset(&why, 0, sizeof why);
        int error = tcf_translate(&of, 0, lookup, &f, &why);
        if (!sets[i].want) {
            assert_int_equal(error, 0);
            assert_int_equal(f.actions[0].type, TCF_A_TUNNEL_KEY);
            assert_int_equal(f.actions[0].tunnel_key.opts.len, olen);
            assert_memory_equal(f.actions[0].tunnel_key.opts.data,
                                sets[i].opts, olen);
        } else {
            assert_int_equal(error, EOPNOTSUPP);
            assert_int_equal(why.code, OFFLOAD_R_UNSUPPORTED_ACTION);
            assert_string_equal(why.msg, sets[i].want);
        }
    }
}

/* The payload of the attribute at PATH (N types, each nested in the one
 * before) of the tc message MSG, with its header just before it, or NULL;
 * its length in *LEN. */
static const uint8_t *
find_attr(const void *msg, const uint16_t *path, size_t n, size_t *len)
{
    const struct nlmsghdr *nlh = msg;
    const uint8_t *p = (const uint8_t *) msg + NLMSG_HDRLEN
                       + NLMSG_ALIGN(sizeof(struct tcmsg));
    size_t left = nlh->nlmsg_len - (size_t) (p - (const uint8_t *) msg);

    for (size_t i = 0; i < n; i++) {
        const uint8_t *found = NULL;
        size_t flen = 0;
        while (left >= NLA_HDRLEN) {
            struct nlattr a;
            memcpy(&a, p, sizeof a);
            if (a.nla_len < NLA_HDRLEN || a.nla_len > left) {
                return NULL;
            }
            if ((a.nla_type & NLA_TYPE_MASK) == path[i]) {
                found = p + NLA_HDRLEN;
                flen = a.nla_len - NLA_HDRLEN;
                break;
            }
            size_t step = NLA_ALIGN(a.nla_len);
            if (step >= left) {
                break;
            }
            p += step;
            left -= step;
        }
        if (!found) {
            return NULL;
        }
        p = found;
        left = flen;
    }
    *len = left;
    return p;
}

/* Checks that the attribute at PATH of MSG, header included, is the
 * WANT_LEN bytes at WANT. */
static void
check_attr(const void *msg, const uint16_t *path, size_t n,
           const uint8_t *want, size_t want_len)
{
    size_t len = 0;
    const uint8_t *p = find_attr(msg, path, n, &len);

    assert_non_null(p);
    assert_int_equal(len + NLA_HDRLEN, want_len);
    assert_memory_equal(p - NLA_HDRLEN, want, want_len);
}

/* Translates KEY / ACTIONS into *F (prio and handle set) and builds it
 * into MSG. */
static void
translate_and_build(const char *key_s, const char *acts_s,
                    struct tcf_filter *f, uint8_t *msg, size_t size)
{
    struct xcase c = { key_s, acts_s, OK, NULL };
    struct buf key = BUF_INITIALIZER, kmask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER;
    struct offload_reason why;
    struct offload_flow of;
    static struct flow flow, mask;

    parse_case(&c, &flow, &mask, &key, &kmask, &acts);
    offload_flow_init(&of, &flow, &mask, &key, &kmask, &acts);
    if (tcf_translate(&of, 0, lookup, f, &why)) {
        fail_msg("%s / %s: %s", key_s, acts_s, why.msg);
    }
    f->prio = TCF_PRIO_MIN;
    f->handle = 1;
    assert_true(tcf_msg_new_filter(msg, size, 7, NLM_F_CREATE | NLM_F_EXCL, f)
                > 0);
    buf_destroy(&key);
    buf_destroy(&kmask);
    buf_destroy(&acts);
}

/* One Geneve option triple, as the kernel dumps them. */
static void
put_triple(struct nlmsghdr *nlh, uint16_t cls, uint8_t type,
           const uint8_t *data, size_t dlen)
{
    mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, htons(cls));
    mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, type);
    mnl_attr_put(nlh, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, dlen, data);
}

/* A flower filter message of the kernel's shape whose TCA_OPTIONS holds
 * what SHAPE says (see the cases below), in BUF. */
static const struct nlmsghdr *
kernel_msg(uint8_t *buf, size_t size, int shape)
{
    static const uint8_t d1[4] = { 0, 0, 0, 0x0a };
    static const uint8_t d2[8] = { 0x11, 0x22, 0x33, 0x44 };
    static const uint8_t ones[8] = { 0xff, 0xff, 0xff, 0xff,
                                     0xff, 0xff, 0xff, 0xff };
    static const uint8_t m2[8] = { 0xff, 0xff, 0xff, 0xff };
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(memset(buf, 0, size));
    struct nlattr *n1, *n2, *n3;

    nlh->nlmsg_type = RTM_NEWTFILTER;
    struct tcmsg *tcm = mnl_nlmsg_put_extra_header(nlh, sizeof *tcm);
    tcm->tcm_ifindex = 16;
    tcm->tcm_parent = tcf_ingress_parent();
    tcm->tcm_handle = 1;
    tcm->tcm_info = (uint32_t) TCF_PRIO_MIN << 16 | htons(0x0003);
    mnl_attr_put_strz(nlh, TCA_KIND, "flower");
    struct nlattr *opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
    switch (shape) {
    case 0: /* Two options in one nest, key and mask; a tunnel_key set with
             * two options in one nest. */
    case 1: /* The same without the mask: exact. */
        n1 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS);
        n2 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS_GENEVE);
        put_triple(nlh, 0x0102, 0x80, d1, 4);
        put_triple(nlh, 0xff00, 0x01, d2, 8);
        mnl_attr_nest_end(nlh, n2);
        mnl_attr_nest_end(nlh, n1);
        if (shape == 0) {
            n1 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS_MASK);
            n2 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS_GENEVE);
            put_triple(nlh, 0xffff, 0xff, ones, 4);
            put_triple(nlh, 0xff00, 0x0f, m2, 8);
            mnl_attr_nest_end(nlh, n2);
            mnl_attr_nest_end(nlh, n1);
        }
        n1 = mnl_attr_nest_start(nlh, TCA_FLOWER_ACT);
        n2 = mnl_attr_nest_start(nlh, 1);
        mnl_attr_put_strz(nlh, TCA_ACT_KIND, "tunnel_key");
        n3 = mnl_attr_nest_start(nlh, TCA_ACT_OPTIONS);
        struct tc_tunnel_key p = { .action = TC_ACT_PIPE,
                                   .t_action = TCA_TUNNEL_KEY_ACT_SET };
        mnl_attr_put(nlh, TCA_TUNNEL_KEY_PARMS, sizeof p, &p);
        struct nlattr *eo = mnl_attr_nest_start(nlh, TCA_TUNNEL_KEY_ENC_OPTS);
        struct nlattr *g =
            mnl_attr_nest_start(nlh, TCA_TUNNEL_KEY_ENC_OPTS_GENEVE);
        put_triple(nlh, 0x0102, 0x01, d1, 4);
        put_triple(nlh, 0x0103, 0x7f,
                   (const uint8_t *) "\x11\x22\x33\x44"
                                     "\x55\x66\x77\x88",
                   8);
        mnl_attr_nest_end(nlh, g);
        mnl_attr_nest_end(nlh, eo);
        mnl_attr_nest_end(nlh, n3);
        mnl_attr_nest_end(nlh, n2);
        mnl_attr_nest_end(nlh, n1);
        break;
    case 2: /* A mask whose option is shorter than the key's. */
    case 3: /* A type before the class. */
    case 4: /* Data of 3 bytes. */
    case 5: /* A class and no more. */
    case 6: /* A mask without a key. */
        if (shape != 6) {
            n1 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS);
            n2 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS_GENEVE);
            if (shape == 3) {
                mnl_attr_put_u8(nlh, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 1);
            }
            if (shape == 5) {
                mnl_attr_put_u16(nlh, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 1);
            } else {
                put_triple(nlh, 0x0102, 0x80, d2, shape == 4 ? 3 : 8);
            }
            mnl_attr_nest_end(nlh, n2);
            mnl_attr_nest_end(nlh, n1);
        }
        if (shape == 2 || shape == 6) {
            n1 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS_MASK);
            n2 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS_GENEVE);
            put_triple(nlh, 0xffff, 0xff, ones, 4);
            mnl_attr_nest_end(nlh, n2);
            mnl_attr_nest_end(nlh, n1);
        }
        break;
    case 7: /* VXLAN options only (not modelled), key and mask. */
        for (int i = 0; i < 2; i++) {
            n1 = mnl_attr_nest_start(nlh, i ? TCA_FLOWER_KEY_ENC_OPTS_MASK
                                            : TCA_FLOWER_KEY_ENC_OPTS);
            n2 = mnl_attr_nest_start(nlh, TCA_FLOWER_KEY_ENC_OPTS_VXLAN);
            mnl_attr_put_u32(nlh, TCA_FLOWER_KEY_ENC_OPT_VXLAN_GBP, 5);
            mnl_attr_nest_end(nlh, n2);
            mnl_attr_nest_end(nlh, n1);
        }
        break;
    }
    mnl_attr_nest_end(nlh, opts);
    return nlh;
}

/* Geneve options on the wire: the bytes of ENC_OPTS, ENC_OPTS_MASK and
 * tunnel_key's ENC_OPTS of built requests (one nest per option), the
 * round trip parse(build(x)) == x, the kernel's shape of a dump (every
 * option in one nest) read into the same model, malformed replies, the
 * echo comparison, and models the builder refuses. */
static void
test_geneve_opts_wire(void **state)
{
    (void) state;
    static uint8_t msg[16384] __attribute__((aligned(8)));
    static struct tcf_filter f, back, enc, changed;
    char what[64];
#define NEST 0x80 /* NLA_F_NESTED, in the high byte of a type. */

    /* Decapsulation with one option. */
    translate_and_build("tunnel(" TUN_A ",geneve({class=0x102,type=0x80,"
                        "len=4,0xa})),in_port(6),eth()",
                        "1", &f, msg, sizeof msg);
    /* clang-format off */
    static const uint8_t one_key[] = {
        32, 0, TCA_FLOWER_KEY_ENC_OPTS, NEST,
        28, 0, TCA_FLOWER_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 0, 0x01, 0x02, 0, 0,
        5, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 0, 0x80, 0, 0, 0,
        8, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, 0, 0, 0, 0, 0x0a,
    };
    /* clang-format on */
    /* clang-format off */
    static const uint8_t one_mask[] = {
        32, 0, TCA_FLOWER_KEY_ENC_OPTS_MASK, NEST,
        28, 0, TCA_FLOWER_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 0, 0xff, 0xff, 0, 0,
        5, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 0, 0xff, 0, 0, 0,
        8, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, 0, 0xff, 0xff, 0xff, 0xff,
    };
    /* clang-format on */
    uint16_t path[5] = { TCA_OPTIONS, TCA_FLOWER_KEY_ENC_OPTS };
    check_attr(msg, path, 2, one_key, sizeof one_key);
    path[1] = TCA_FLOWER_KEY_ENC_OPTS_MASK;
    check_attr(msg, path, 2, one_mask, sizeof one_mask);
    assert_int_equal(tcf_msg_parse_filter((struct nlmsghdr *) msg, &back), 0);
    assert_memory_equal(&back.key.enc_opts, &f.key.enc_opts,
                        sizeof f.key.enc_opts);
    assert_memory_equal(&back.mask.enc_opts, &f.mask.enc_opts,
                        sizeof f.mask.enc_opts);
    assert_true(tcf_filter_agrees(&f, &back, what, sizeof what));

    /* Two options, the second under class, type and data masks. */
    translate_and_build("tunnel(" TUN_A ",geneve({class=0x102,type=0x80,"
                        "len=4,0xa}{class=0xffff/0xff00,type=0x1/0xf,len=8,"
                        "0x1122334455667788/0xffffffff00000000})),"
                        "in_port(6),eth()",
                        "1", &f, msg, sizeof msg);
    /* clang-format off */
    static const uint8_t two_key[] = {
        64, 0, TCA_FLOWER_KEY_ENC_OPTS, NEST,
        28, 0, TCA_FLOWER_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 0, 0x01, 0x02, 0, 0,
        5, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 0, 0x80, 0, 0, 0,
        8, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, 0, 0, 0, 0, 0x0a,
        32, 0, TCA_FLOWER_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 0, 0xff, 0x00, 0, 0,
        5, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 0, 0x01, 0, 0, 0,
        12, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, 0,
        0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0,
    };
    /* clang-format on */
    /* clang-format off */
    static const uint8_t two_mask[] = {
        64, 0, TCA_FLOWER_KEY_ENC_OPTS_MASK, NEST,
        28, 0, TCA_FLOWER_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 0, 0xff, 0xff, 0, 0,
        5, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 0, 0xff, 0, 0, 0,
        8, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, 0, 0xff, 0xff, 0xff, 0xff,
        32, 0, TCA_FLOWER_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_CLASS, 0, 0xff, 0x00, 0, 0,
        5, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_TYPE, 0, 0x0f, 0, 0, 0,
        12, 0, TCA_FLOWER_KEY_ENC_OPT_GENEVE_DATA, 0,
        0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0,
    };
    /* clang-format on */
    path[1] = TCA_FLOWER_KEY_ENC_OPTS;
    check_attr(msg, path, 2, two_key, sizeof two_key);
    path[1] = TCA_FLOWER_KEY_ENC_OPTS_MASK;
    check_attr(msg, path, 2, two_mask, sizeof two_mask);
    assert_int_equal(tcf_msg_parse_filter((struct nlmsghdr *) msg, &back), 0);
    assert_memory_equal(&back.key.enc_opts, &f.key.enc_opts,
                        sizeof f.key.enc_opts);
    assert_memory_equal(&back.mask.enc_opts, &f.mask.enc_opts,
                        sizeof f.mask.enc_opts);
    assert_true(tcf_filter_agrees(&f, &back, what, sizeof what));

    /* The echo comparison: any difference in the options under the mask,
     * in the mask, or whether options are matched at all; none in bytes
     * outside the mask. */
    static const struct {
        size_t ofs;
        const char *what; /* NULL: still agrees. */
    } diffs[] = {
        { offsetof(struct tcf_filter, key.enc_opts.data[5]), "enc_opts" },
        { offsetof(struct tcf_filter, key.enc_opts.data[8]), "enc_opts" },
        { offsetof(struct tcf_filter, key.enc_opts.data[9]), NULL },
        { offsetof(struct tcf_filter, key.enc_opts.data[17]), NULL },
        { offsetof(struct tcf_filter, mask.enc_opts.data[12]), "enc_opts" },
        { offsetof(struct tcf_filter, key.enc_opts.len), "enc_opts" },
        { offsetof(struct tcf_filter, mask.enc_opts.len), "enc_opts" },
    };
    for (size_t i = 0; i < sizeof diffs / sizeof diffs[0]; i++) {
        changed = back;
        ((uint8_t *) &changed)[diffs[i].ofs] ^= 1;
        if (diffs[i].what) {
            assert_false(tcf_filter_agrees(&f, &changed, what, sizeof what));
            assert_string_equal(what, diffs[i].what);
        } else {
            assert_true(tcf_filter_agrees(&f, &changed, what, sizeof what));
        }
    }

    /* The kernel's shape: every option in one nest, the key as it was
     * sent (masked), then the mask; without a mask every bit counts. */
    assert_int_equal(
        tcf_msg_parse_filter(kernel_msg(msg, sizeof msg, 0), &back), 0);
    assert_memory_equal(&back.key.enc_opts, &f.key.enc_opts,
                        sizeof f.key.enc_opts);
    assert_memory_equal(&back.mask.enc_opts, &f.mask.enc_opts,
                        sizeof f.mask.enc_opts);
    assert_int_equal(
        tcf_msg_parse_filter(kernel_msg(msg, sizeof msg, 1), &back), 0);
    assert_int_equal(back.mask.enc_opts.len, 0xff);
    assert_int_equal(back.key.enc_opts.len, 20);
    assert_int_equal(back.mask.enc_opts.data[3], 1);
    assert_int_equal(back.mask.enc_opts.data[11], 2);
    assert_true(nf_bytes_all(back.mask.enc_opts.data + 12, 8, 0xff));

    /* Encapsulation with two options. */
    translate_and_build("in_port(1),eth()",
                        "set(tunnel(tun_id=0x5,dst=10.0.0.9,ttl=64,"
                        "tp_dst=6081,geneve({class=0x102,type=0x1,len=4,0xa}"
                        "{class=0x103,type=0x7f,len=8,0x1122334455667788}))),"
                        "6",
                        &enc, msg, sizeof msg);
    /* clang-format off */
    static const uint8_t enc_opts[] = {
        64, 0, TCA_TUNNEL_KEY_ENC_OPTS, NEST,
        28, 0, TCA_TUNNEL_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_TUNNEL_KEY_ENC_OPT_GENEVE_CLASS, 0, 0x01, 0x02, 0, 0,
        5, 0, TCA_TUNNEL_KEY_ENC_OPT_GENEVE_TYPE, 0, 0x01, 0, 0, 0,
        8, 0, TCA_TUNNEL_KEY_ENC_OPT_GENEVE_DATA, 0, 0, 0, 0, 0x0a,
        32, 0, TCA_TUNNEL_KEY_ENC_OPTS_GENEVE, NEST,
        6, 0, TCA_TUNNEL_KEY_ENC_OPT_GENEVE_CLASS, 0, 0x01, 0x03, 0, 0,
        5, 0, TCA_TUNNEL_KEY_ENC_OPT_GENEVE_TYPE, 0, 0x7f, 0, 0, 0,
        12, 0, TCA_TUNNEL_KEY_ENC_OPT_GENEVE_DATA, 0,
        0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
    };
    /* clang-format on */
    const uint16_t apath[] = { TCA_OPTIONS, TCA_FLOWER_ACT, 1, TCA_ACT_OPTIONS,
                               TCA_TUNNEL_KEY_ENC_OPTS };
    check_attr(msg, apath, 5, enc_opts, sizeof enc_opts);
    path[1] = TCA_FLOWER_KEY_ENC_OPTS;
    size_t len;
    assert_null(find_attr(msg, path, 2, &len));
    assert_int_equal(tcf_msg_parse_filter((struct nlmsghdr *) msg, &back), 0);
    assert_memory_equal(&back.actions[0].tunnel_key.opts,
                        &enc.actions[0].tunnel_key.opts,
                        sizeof enc.actions[0].tunnel_key.opts);
    assert_false(back.actions[0].tunnel_key.has_opts);
    assert_true(tcf_filter_agrees(&enc, &back, what, sizeof what));
    changed = back;
    changed.actions[0].tunnel_key.opts.data[6] ^= 1;
    assert_false(tcf_filter_agrees(&enc, &changed, what, sizeof what));
    assert_string_equal(what, "action 1 (tunnel_key)");
    changed = back;
    changed.actions[0].tunnel_key.opts.len = 8;
    assert_false(tcf_filter_agrees(&enc, &changed, what, sizeof what));
    /* ... and in the kernel's shape. */
    assert_int_equal(
        tcf_msg_parse_filter(kernel_msg(msg, sizeof msg, 0), &back), 0);
    assert_memory_equal(&back.actions[0].tunnel_key.opts,
                        &enc.actions[0].tunnel_key.opts,
                        sizeof enc.actions[0].tunnel_key.opts);

    /* Malformed replies; options of another kind are skipped. */
    for (int shape = 2; shape <= 6; shape++) {
        assert_int_equal(
            tcf_msg_parse_filter(kernel_msg(msg, sizeof msg, shape), &back),
            EINVAL);
    }
    assert_int_equal(
        tcf_msg_parse_filter(kernel_msg(msg, sizeof msg, 7), &back), 0);
    assert_int_equal(back.key.enc_opts.len, 0);
    assert_int_equal(back.mask.enc_opts.len, 0);

    /* The builder refuses options the kernel would not take. */
    changed = f;
    changed.key.enc_opts.data[3] = 0; /* An option without data. */
    assert_int_equal(tcf_msg_new_filter(msg, sizeof msg, 7, 0, &changed), 0);
    changed = f;
    changed.key.enc_opts.len = 10; /* Not whole options. */
    assert_int_equal(tcf_msg_new_filter(msg, sizeof msg, 7, 0, &changed), 0);
    changed = enc;
    changed.actions[0].tunnel_key.opts.data[3] = 3; /* Runs past LEN. */
    assert_int_equal(tcf_msg_new_filter(msg, sizeof msg, 7, 0, &changed), 0);
#undef NEST
}

/* Replies of a real kernel (6.1, in the VM lab: tests/vm/t-tcf-tunnel.sh
 * and t-tcf-geneve-opts.sh raw-dump, kept as seeds of the fuzz target): a
 * dump of an encap filter on a veth and of a decap filter on a vxlan
 * device (with a foreign filter before it), and of a decap filter on a
 * geneve device matching two options and an encap filter setting one.
 * Each is read back into the model and printed. */
struct captured {
    char text[8][512];
    size_t n;
    struct tcf_filter last;
};

static void
captured_cb(const struct tcf_filter *f, void *aux)
{
    struct captured *c = aux;
    struct buf text = BUF_INITIALIZER;

    tcf_filter_format(&text, f);
    c->last = *f;
    if (c->n < 8) {
        snprintf(c->text[c->n++], sizeof c->text[0], "%s", buf_cstr(&text));
    }
    buf_destroy(&text);
}

static void
test_captured_dumps(void **state)
{
    (void) state;
    static const struct {
        const char *file;
        const char *want; /* The last filter of the dump. */
    } dumps[] = {
        { "dump-tunnel-encap",
          "prio 0x4000 protocol 0x0003 not_in_hw action tunnel_key set "
          "key_id 100 src 0.0.0.0 dst 192.0.2.2 dst_port 4789 ttl 64 "
          "nocsum pipe cookie 00000000000000000000000000000011, mirred "
          "egress redirect ifindex 7 stolen" },
        { "dump-tunnel-decap",
          "prio 0x4001 protocol 0x0003 enc_key_id 100 enc_ipv4_src "
          "192.0.2.2 enc_ipv4_dst 192.0.2.1 enc_dst_port 4789 not_in_hw "
          "action tunnel_key unset pipe cookie "
          "00000000000000000000000000000012, mirred egress redirect "
          "ifindex 6 stolen" },
        /* tests/vm/t-tcf-geneve-opts.sh: the kernel dumps every option
         * in one nest, key and mask, tunnel_key's too. */
        { "dump-geneve-opts-decap",
          "prio 0x4001 protocol 0x0003 enc_key_id 100 enc_ipv4_src "
          "192.0.2.2 enc_ipv4_dst 192.0.2.1 enc_dst_port 6081 geneve_opts "
          "0102:02:aabbccdd,0103:03:0102030405060708 not_in_hw action "
          "tunnel_key unset pipe cookie 00000000000000000000000000000002, "
          "mirred egress redirect ifindex 3 stolen" },
        { "dump-geneve-opts-encap",
          "prio 0x4000 protocol 0x0003 not_in_hw action tunnel_key set "
          "key_id 100 src 0.0.0.0 dst 192.0.2.2 dst_port 6081 ttl 64 nocsum "
          "geneve_opts 0102:01:1122ffff pipe cookie "
          "00000000000000000000000000000001, mirred egress redirect "
          "ifindex 4 stolen" },
    };
    /* The flows they were put for (the driver's ports 1 and 2 are p1 and
     * vxlan_sys_4789 here, its port 3 genev_sys_6081). */
    static const struct xcase flows[] = {
        { "in_port(1),eth()",
          "set(tunnel(tun_id=0x64,dst=192.0.2.2,ttl=64,tp_dst=4789,"
          "flags(df|key))),5",
          OK, NULL },
        { "tunnel(tun_id=0x64,src=192.0.2.2,dst=192.0.2.1,tp_dst=4789),"
          "in_port(5),eth()",
          "1", OK, NULL },
        /* Those of t-tcf-geneve-opts.sh (port 3 there, 6 here). */
        { "tunnel(tun_id=0x64,src=192.0.2.2,dst=192.0.2.1,tp_dst=6081,"
          "geneve({class=0x102,type=0x2,len=4,0xaabbccdd}{class=0x103,"
          "type=0x3,len=8,0x102030405060708}),flags(+key)),in_port(6),eth()",
          "1", OK, NULL },
        { "in_port(1),eth()",
          "set(tunnel(tun_id=0x64,dst=192.0.2.2,ttl=64,tp_dst=6081,"
          "geneve({class=0x102,type=0x1,len=4,0x1122ffff}),flags(df|key))),"
          "6",
          OK, NULL },
    };
    static struct tcf_filter scratch, want;

    for (size_t i = 0; i < sizeof dumps / sizeof dumps[0]; i++) {
        static uint8_t buf[4096] __attribute__((aligned(8)));
        char path[128];
        snprintf(path, sizeof path, "tests/fuzz/corpus/tcf-reply/%s",
                 dumps[i].file);
        FILE *file = fopen(path, "rb");
        if (!file) {
            fail_msg("%s: cannot open (run from the top of the tree)", path);
        }
        size_t n = fread(buf, 1, sizeof buf, file);
        fclose(file);
        /* The fuzz target's first byte picks its mode (1: dump). */
        assert_true(n > 1 && buf[0] == 1);
        /* The messages past the mode byte, aligned as a socket's buffer is. */
        memmove(buf, buf + 1, --n);
        static struct captured c;
        memset(&c, 0, sizeof c);
        struct tcf_ack ack;
        int r =
            tcf_nl_dump_dispatch(buf, n, 1, captured_cb, &c, &scratch, &ack);
        assert_true(r == 0 || r == EOF);
        assert_true(c.n > 0);
        assert_string_equal(c.text[c.n - 1], dumps[i].want);

        /* The echo comparison takes the kernel's filter for what the
         * provider asks for that flow, with the kernel's numbers. */
        struct buf key = BUF_INITIALIZER, kmask = BUF_INITIALIZER;
        struct buf acts = BUF_INITIALIZER;
        struct offload_flow of;
        struct offload_reason why;
        struct flow flow, mask;
        char what[64];
        parse_case(&flows[i], &flow, &mask, &key, &kmask, &acts);
        offload_flow_init(&of, &flow, &mask, &key, &kmask, &acts);
        memcpy(&of.ufid, c.last.actions[0].cookie, sizeof of.ufid);
        assert_int_equal(tcf_translate(&of, 0, lookup, &want, &why), 0);
        want.ifindex = c.last.ifindex;
        want.prio = c.last.prio;
        want.handle = c.last.handle;
        assert_int_equal(want.n_actions, 2);
        assert_int_equal(c.last.n_actions, 2);
        want.actions[1].mirred.ifindex = c.last.actions[1].mirred.ifindex;
        if (!tcf_filter_agrees(&want, &c.last, what, sizeof what)) {
            fail_msg("%s: differs from the request in %s", dumps[i].file,
                     what);
        }
        assert_true(tcf_filter_is_ours(&c.last, tcf_ingress_parent(), NULL));
        buf_destroy(&key);
        buf_destroy(&kmask);
        buf_destroy(&acts);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_raw_actions),
        cmocka_unit_test(test_skip_flags),
        cmocka_unit_test(test_egress_hook),
        cmocka_unit_test(test_too_many_actions),
        cmocka_unit_test(test_tunnel_raw),
        cmocka_unit_test(test_geneve_opts_raw),
        cmocka_unit_test(test_geneve_opts_wire),
        cmocka_unit_test(test_captured_dumps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
