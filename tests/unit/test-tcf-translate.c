/* Unit tests for tc-flower's translation of datapath flows to flower
 * filters (tcf-translate.h): the table of cases, raw actions, skip flags,
 * the egress hook of tap ports and the action limit.  Tunnel ports,
 * Geneve options on the wire and captured kernel dumps are in
 * test-tcf-translate-tunnel.c; both share tcf-translate-fixtures.h.
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
#include <linux/netlink.h>
#include <linux/openvswitch.h>
#include <linux/pkt_cls.h>

#include "lib/buf.h"
#include "lib/flow.h"
#include "lib/util.h"
#include "softpath/odp.h"
#include "tc-flower/tcf-filter.h"
#include "tc-flower/tcf-msg.h"
#include "tc-flower/tcf-translate.h"
#include "tests/unit/tcf-translate-fixtures.h"

#define MATCH OFFLOAD_R_UNSUPPORTED_MATCH
#define ACTION OFFLOAD_R_UNSUPPORTED_ACTION
#define PORT OFFLOAD_R_UNSUPPORTED_PORT

#define REDIR2 "mirred egress redirect ifindex 12 stolen"
#define UNSET "tunnel_key unset pipe, "

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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_raw_actions),
        cmocka_unit_test(test_skip_flags),
        cmocka_unit_test(test_egress_hook),
        cmocka_unit_test(test_too_many_actions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
