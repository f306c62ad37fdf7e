/* Unit tests for lib/flow: flow_extract() against hand-built frames,
 * truncation at every length, hashing and equality, formatting, and
 * flow_compose() round trips.
 *
 * The frame table is the heart of it: each entry is a frame written out in
 * hex, byte by byte from the protocol specifications, with the complete
 * struct flow and layer offsets flow_extract() must produce.  The whole
 * flow is compared, so a field the extractor wrongly fills (or leaves
 * zero) fails the case just as surely as a field it gets wrong. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/coverage.h"
#include "lib/crc32c.h"
#include "lib/flow.h"
#include "lib/packet.h"

/* clang-format off */
#define NONE PKT_OFS_NONE
#define BE16(x) PKT_HTONS(x)
#define BE32(x) PKT_HTONL(x)
#define IP4(a, b, c, d) \
    BE32((uint32_t) (a) << 24 | (uint32_t) (b) << 16 | (c) << 8 | (d))
#define MAC(a, b, c, d, e, f) { .ea = { a, b, c, d, e, f } }
#define A6(x) { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,          \
                             0, 0, 0, 0, 0, 0, 0, (x) } }

/* Building blocks of the frames, in hex. */
#define DST "020000000002"
#define SRC "020000000001"
#define ETH(type) DST SRC type
#define IP4_HDR(tot, frag, proto) \
    "45" "00" tot "0001" frag "40" proto "0000" "c0a80001" "c0a80002"
#define TCP_SYN_HDR "3039" "0050" "00000001" "00000000" "5002" "ffff" "0000" "0000"
#define UDP_DNS "1234" "0035" "000c" "0000" "deadbeef"
#define SRC6 "20010db8000000000000000000000001"
#define DST6 "20010db8000000000000000000000002"
#define IP6(vtcf, plen, next) vtcf plen next "40" SRC6 DST6
#define DSTOPT(next) next "00" "0104" "00000000"   /* 8 bytes, PadN. */

/* The same, as flow fields. */
#define L2(type) \
    .dl_dst = MAC(2, 0, 0, 0, 0, 2), .dl_src = MAC(2, 0, 0, 0, 0, 1),     \
    .dl_type = BE16(type)
#define IP4_FIELDS(proto) \
    .nw_src = IP4(192, 168, 0, 1), .nw_dst = IP4(192, 168, 0, 2),         \
    .nw_proto = (proto), .nw_ttl = 64
#define IP6_FIELDS(proto) \
    .ipv6_src = A6(1), .ipv6_dst = A6(2), .nw_proto = (proto), .nw_ttl = 64
#define TP(src, dst) .tp_src = BE16(src), .tp_dst = BE16(dst)

/* Whole frames used by more than one test. */
#define FRAME_TCP ETH("0800") IP4_HDR("0028", "4000", "06") TCP_SYN_HDR
#define FRAME_VLAN_TCP \
    ETH("8100") "6005" "0800" IP4_HDR("0028", "4000", "06") TCP_SYN_HDR
#define FRAME_VLAN_IPV6_TCP \
    ETH("8100") "000a" "86dd" IP6("60000000", "0014", "06") TCP_SYN_HDR
/* clang-format on */

/* Layer offsets: l2, l2_5, l3, l4, payload. */
enum { O_L2, O_L2_5, O_L3, O_L4, O_PAYLOAD, N_OFS };

struct frame_case {
    const char *name;
    const char *hex;     /* The frame. */
    struct flow flow;    /* Expected flow (metadata zero). */
    uint16_t ofs[N_OFS]; /* Expected offsets. */
    const char *format;  /* Expected flow_format(), or NULL. */
    const char *counter; /* Coverage counter that must go up. */
};

/* clang-format off */
static const struct frame_case frame_cases[] = {
    /* ---- L2 ---- */
    { "empty", "", { .dl_type = 0 }, { NONE, NONE, NONE, NONE, NONE },
      NULL, "flow_extract_runt" },
    { "runt_13_bytes", DST SRC "08",
      { .dl_type = 0 }, { NONE, NONE, NONE, NONE, NONE },
      "in_port=0,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,"
      "dl_type=0x0000", "flow_extract_runt" },
    { "eth_unknown_type", ETH("88cc") "0207040200000001",
      { L2(0x88cc) }, { 0, NONE, 14, NONE, NONE },
      "in_port=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x88cc", NULL },
    { "eth_header_only_ipv4", ETH("0800"),
      { L2(0x0800) }, { 0, NONE, 14, NONE, NONE },
      NULL, "flow_extract_bad_ipv4" },
    { "llc_stp", ETH("0026") "424203" "000000000000",
      { L2(FLOW_DL_TYPE_NONE) }, { 0, NONE, 14, NONE, NONE }, NULL, NULL },
    { "llc_snap_ipv4_udp",
      ETH("0028") "aaaa03" "000000" "0800" IP4_HDR("0020", "0000", "11")
      UDP_DNS,
      { L2(0x0800), IP4_FIELDS(17), TP(0x1234, 53) },
      { 0, NONE, 22, 42, 50 }, NULL, NULL },
    { "llc_snap_nonzero_oui", ETH("0010") "aaaa03" "00000c" "2000" "0000",
      { L2(FLOW_DL_TYPE_NONE) }, { 0, NONE, 14, NONE, NONE }, NULL, NULL },
    { "llc_snap_length_type", ETH("0010") "aaaa03" "000000" "0100" "0000",
      { L2(FLOW_DL_TYPE_NONE) }, { 0, NONE, 14, NONE, NONE }, NULL, NULL },
    { "llc_snap_truncated", ETH("0003") "aaaa03",
      { L2(FLOW_DL_TYPE_NONE) }, { 0, NONE, 14, NONE, NONE }, NULL, NULL },

    /* ---- VLAN ---- */
    { "vlan_ipv4_udp",
      ETH("8100") "a00a" "0800" IP4_HDR("0020", "0000", "11") UDP_DNS,
      { L2(0x0800), .vlans = { { BE16(0x8100), BE16(0xb00a) } },
        IP4_FIELDS(17), TP(0x1234, 53) },
      { 0, 12, 18, 38, 46 },
      "in_port=0,dl_vlan=10,dl_vlan_pcp=5,dl_src=02:00:00:00:00:01,"
      "dl_dst=02:00:00:00:00:02,dl_type=0x0800,nw_src=192.168.0.1,"
      "nw_dst=192.168.0.2,nw_proto=17,nw_tos=0,nw_ecn=0,nw_ttl=64,"
      "nw_frag=no,tp_src=4660,tp_dst=53", NULL },
    { "vlan_dei_on_wire", ETH("8100") "b00a" "88cc" "00000000",
      { L2(0x88cc), .vlans = { { BE16(0x8100), BE16(0xb00a) } } },
      { 0, 12, 18, NONE, NONE }, NULL, NULL },
    { "vlan_vid0_pcp0", ETH("8100") "0000" "88cc" "00000000",
      { L2(0x88cc), .vlans = { { BE16(0x8100), BE16(0x1000) } } },
      { 0, 12, 18, NONE, NONE }, NULL, NULL },
    { "qinq_ipv4_tcp",
      ETH("88a8") "0064" "8100" "000a" "0800" IP4_HDR("0028", "4000", "06")
      TCP_SYN_HDR,
      { L2(0x0800), .vlans = { { BE16(0x88a8), BE16(0x1064) },
                               { BE16(0x8100), BE16(0x100a) } },
        IP4_FIELDS(6), TP(12345, 80), .tcp_flags = BE16(TCP_SYN) },
      { 0, 12, 22, 42, 62 },
      "in_port=0,dl_vlan=100,dl_vlan_pcp=0,vlan_tpid=0x88a8,dl_vlan1=10,"
      "dl_vlan_pcp1=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x0800,nw_src=192.168.0.1,nw_dst=192.168.0.2,nw_proto=6,"
      "nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=12345,tp_dst=80,"
      "tcp_flags=syn", NULL },
    { "three_tags",
      ETH("8100") "0001" "8100" "0002" "8100" "0003" "0800"
      IP4_HDR("0028", "4000", "06") TCP_SYN_HDR,
      { L2(0x8100), .vlans = { { BE16(0x8100), BE16(0x1001) },
                               { BE16(0x8100), BE16(0x1002) } } },
      { 0, 12, 22, NONE, NONE }, NULL, NULL },
    { "vlan_without_inner_type", ETH("8100") "000a",
      { L2(0x8100) }, { 0, NONE, 14, NONE, NONE }, NULL, NULL },
    { "vlan_llc", ETH("8100") "0005" "0026" "424203" "000000",
      { L2(FLOW_DL_TYPE_NONE), .vlans = { { BE16(0x8100), BE16(0x1005) } } },
      { 0, 12, 18, NONE, NONE }, NULL, NULL },

    /* ---- MPLS ---- */
    { "mpls_single", ETH("8847") "00064140" IP4_HDR("0028", "4000", "06"),
      { L2(0x8847), .mpls_lse = { BE32(0x00064140) } },
      { 0, 14, 18, NONE, NONE },
      "in_port=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x8847,mpls_label=100,mpls_tc=0,mpls_ttl=64,mpls_bos=1",
      NULL },
    { "mpls_mcast", ETH("8848") "00064b40" "00",
      { L2(0x8848), .mpls_lse = { BE32(0x00064b40) } },
      { 0, 14, 18, NONE, NONE }, NULL, NULL },
    { "mpls_four_labels",
      ETH("8847") "00001040" "00002040" "00003040" "00004140" "45000014",
      { L2(0x8847),
        .mpls_lse = { BE32(0x1040), BE32(0x2040), BE32(0x3040) } },
      { 0, 14, 30, NONE, NONE },
      "in_port=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x8847,mpls_label=1,mpls_tc=0,mpls_ttl=64,mpls_bos=0,"
      "mpls_lse1=0x00002040,mpls_lse2=0x00003040", NULL },
    { "mpls_no_bottom", ETH("8847") "00001040" "00002040" "abcd",
      { L2(0x8847), .mpls_lse = { BE32(0x1040), BE32(0x2040) } },
      { 0, 14, NONE, NONE, NONE }, NULL, "flow_extract_bad_mpls" },
    { "vlan_mpls", ETH("8100") "0005" "8847" "00064140" "4500",
      { L2(0x8847), .vlans = { { BE16(0x8100), BE16(0x1005) } },
        .mpls_lse = { BE32(0x00064140) } },
      { 0, 18, 22, NONE, NONE }, NULL, NULL },

    /* ---- ARP ---- */
    { "arp_request_padded",
      ETH("0806") "0001" "0800" "06" "04" "0001" SRC "c0a80001"
      "000000000000" "c0a80002" "000000000000000000000000000000000000",
      { L2(0x0806), .nw_proto = 1, .nw_src = IP4(192, 168, 0, 1),
        .nw_dst = IP4(192, 168, 0, 2), .arp_sha = MAC(2, 0, 0, 0, 0, 1) },
      { 0, NONE, 14, NONE, NONE },
      "in_port=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x0806,arp_spa=192.168.0.1,arp_tpa=192.168.0.2,arp_op=1,"
      "arp_sha=02:00:00:00:00:01,arp_tha=00:00:00:00:00:00", NULL },
    { "rarp_reply",
      ETH("8035") "0001" "0800" "06" "04" "0004" SRC "00000000"
      DST "0a000002",
      { L2(0x8035), .nw_proto = 4, .nw_dst = IP4(10, 0, 0, 2),
        .arp_sha = MAC(2, 0, 0, 0, 0, 1), .arp_tha = MAC(2, 0, 0, 0, 0, 2) },
      { 0, NONE, 14, NONE, NONE }, NULL, NULL },
    { "arp_wide_opcode",
      ETH("0806") "0001" "0800" "06" "04" "0101" SRC "c0a80001"
      DST "c0a80002",
      { L2(0x0806), .nw_proto = 0, .nw_src = IP4(192, 168, 0, 1),
        .nw_dst = IP4(192, 168, 0, 2), .arp_sha = MAC(2, 0, 0, 0, 0, 1),
        .arp_tha = MAC(2, 0, 0, 0, 0, 2) },
      { 0, NONE, 14, NONE, NONE }, NULL, NULL },
    { "arp_not_ethernet",
      ETH("0806") "0006" "0800" "06" "04" "0001" SRC "c0a80001"
      DST "c0a80002",
      { L2(0x0806) }, { 0, NONE, 14, NONE, NONE }, NULL,
      "flow_extract_bad_arp" },
    { "arp_truncated",
      ETH("0806") "0001" "0800" "06" "04" "0001" SRC "c0a80001"
      DST "c0a800",
      { L2(0x0806) }, { 0, NONE, 14, NONE, NONE }, NULL,
      "flow_extract_bad_arp" },

    /* ---- IPv4 ---- */
    { "ipv4_tcp_syn", ETH("0800") IP4_HDR("0028", "4000", "06") TCP_SYN_HDR,
      { L2(0x0800), IP4_FIELDS(6), TP(12345, 80),
        .tcp_flags = BE16(TCP_SYN) },
      { 0, NONE, 14, 34, 54 },
      "in_port=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x0800,nw_src=192.168.0.1,nw_dst=192.168.0.2,nw_proto=6,"
      "nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=12345,tp_dst=80,"
      "tcp_flags=syn", NULL },
    { "ipv4_options_tcp_options_padding",
      ETH("0800") "46" "b9" "0034" "0001" "4000" "40" "06" "0000"
      "c0a80001" "c0a80002" "01010100"
      "3039" "0050" "00000001" "00000002" "6012" "ffff" "0000" "0000"
      "020405b4" "aabbccdd" "0000",
      { L2(0x0800), IP4_FIELDS(6), .nw_tos = 0xb9, TP(12345, 80),
        .tcp_flags = BE16(TCP_SYN | TCP_ACK) },
      { 0, NONE, 14, 38, 62 },
      "in_port=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x0800,nw_src=192.168.0.1,nw_dst=192.168.0.2,nw_proto=6,"
      "nw_tos=184,nw_ecn=1,nw_ttl=64,nw_frag=no,tp_src=12345,tp_dst=80,"
      "tcp_flags=syn|ack", NULL },
    { "ipv4_ihl_too_small",
      ETH("0800") "44" "00" "0028" "0001" "4000" "40" "06" "0000"
      "c0a80001" "c0a80002" TCP_SYN_HDR,
      { L2(0x0800), IP4_FIELDS(6) }, { 0, NONE, 14, NONE, NONE }, NULL,
      "flow_extract_bad_ipv4" },
    { "ipv4_ihl_beyond_frame",
      ETH("0800") "4f" "00" "0028" "0001" "4000" "40" "06" "0000"
      "c0a80001" "c0a80002" TCP_SYN_HDR,
      { L2(0x0800), IP4_FIELDS(6) }, { 0, NONE, 14, NONE, NONE }, NULL,
      "flow_extract_bad_ipv4" },
    { "ipv4_tot_len_below_ihl",
      ETH("0800") IP4_HDR("0010", "4000", "06") TCP_SYN_HDR,
      { L2(0x0800), IP4_FIELDS(6) }, { 0, NONE, 14, NONE, NONE }, NULL,
      "flow_extract_bad_ipv4" },
    { "ipv4_tot_len_beyond_frame",
      ETH("0800") IP4_HDR("0100", "4000", "06") TCP_SYN_HDR,
      { L2(0x0800), IP4_FIELDS(6) }, { 0, NONE, 14, NONE, NONE }, NULL,
      "flow_extract_bad_ipv4" },
    { "ipv4_wrong_version",
      ETH("0800") "65" "00" "0028" "0001" "4000" "40" "06" "0000"
      "c0a80001" "c0a80002" TCP_SYN_HDR,
      { L2(0x0800) }, { 0, NONE, 14, NONE, NONE }, NULL,
      "flow_extract_bad_ipv4" },
    { "ipv4_truncated_header", ETH("0800") "450000280001400040060000c0a800",
      { L2(0x0800) }, { 0, NONE, 14, NONE, NONE }, NULL,
      "flow_extract_bad_ipv4" },
    { "ipv4_udp", ETH("0800") IP4_HDR("0020", "0000", "11") UDP_DNS,
      { L2(0x0800), IP4_FIELDS(17), TP(0x1234, 53) },
      { 0, NONE, 14, 34, 42 }, NULL, NULL },
    { "ipv4_first_fragment", ETH("0800") IP4_HDR("0020", "2000", "11")
      UDP_DNS,
      { L2(0x0800), IP4_FIELDS(17), .nw_frag = FLOW_NW_FRAG_ANY,
        TP(0x1234, 53) },
      { 0, NONE, 14, 34, 42 },
      "in_port=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x0800,nw_src=192.168.0.1,nw_dst=192.168.0.2,nw_proto=17,"
      "nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=first,tp_src=4660,tp_dst=53",
      NULL },
    { "ipv4_later_fragment", ETH("0800") IP4_HDR("0020", "20b9", "11")
      UDP_DNS,
      { L2(0x0800), IP4_FIELDS(17),
        .nw_frag = FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER },
      { 0, NONE, 14, NONE, NONE },
      "in_port=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x0800,nw_src=192.168.0.1,nw_dst=192.168.0.2,nw_proto=17,"
      "nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=later", NULL },
    { "ipv4_last_fragment_mf_clear", ETH("0800")
      IP4_HDR("0020", "00b9", "06") "000000000000000000000000",
      { L2(0x0800), IP4_FIELDS(6),
        .nw_frag = FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER },
      { 0, NONE, 14, NONE, NONE }, NULL, NULL },
    { "ipv4_sctp", ETH("0800") IP4_HDR("0020", "4000", "84")
      "0b59" "0b5a" "00000000" "00000000",
      { L2(0x0800), IP4_FIELDS(132), TP(2905, 2906) },
      { 0, NONE, 14, 34, 46 }, NULL, NULL },
    { "ipv4_icmp_echo", ETH("0800") IP4_HDR("001c", "0000", "01")
      "08" "00" "0000" "00010001",
      { L2(0x0800), IP4_FIELDS(1), TP(8, 0) },
      { 0, NONE, 14, 34, 42 },
      "in_port=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x0800,nw_src=192.168.0.1,nw_dst=192.168.0.2,nw_proto=1,"
      "nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,icmp_type=8,icmp_code=0",
      NULL },
    { "ipv4_icmp_short", ETH("0800") IP4_HDR("001b", "0000", "01")
      "03" "01" "0000" "000000",
      { L2(0x0800), IP4_FIELDS(1) }, { 0, NONE, 14, 34, NONE }, NULL,
      "flow_extract_bad_l4" },
    { "ipv4_udp_short", ETH("0800") IP4_HDR("001b", "0000", "11")
      "1234" "0035" "000c" "00",
      { L2(0x0800), IP4_FIELDS(17) }, { 0, NONE, 14, 34, NONE }, NULL,
      "flow_extract_bad_l4" },
    { "ipv4_udp_in_padding",
      /* Total length covers only the IP header: the UDP header is in the
       * Ethernet padding and must not be read. */
      ETH("0800") IP4_HDR("0014", "0000", "11") UDP_DNS,
      { L2(0x0800), IP4_FIELDS(17) }, { 0, NONE, 14, 34, NONE }, NULL,
      "flow_extract_bad_l4" },
    { "tcp_data_offset_small",
      ETH("0800") IP4_HDR("0028", "4000", "06")
      "3039" "0050" "00000001" "00000000" "4002" "ffff" "0000" "0000",
      { L2(0x0800), IP4_FIELDS(6) }, { 0, NONE, 14, 34, NONE }, NULL,
      "flow_extract_bad_l4" },
    { "tcp_data_offset_beyond_packet",
      ETH("0800") IP4_HDR("0028", "4000", "06")
      "3039" "0050" "00000001" "00000000" "f002" "ffff" "0000" "0000",
      { L2(0x0800), IP4_FIELDS(6) }, { 0, NONE, 14, 34, NONE }, NULL,
      "flow_extract_bad_l4" },
    { "tcp_short", ETH("0800") IP4_HDR("0027", "4000", "06")
      "3039" "0050" "00000001" "00000000" "5002" "ffff" "0000" "00",
      { L2(0x0800), IP4_FIELDS(6) }, { 0, NONE, 14, 34, NONE }, NULL,
      "flow_extract_bad_l4" },
    { "tcp_all_flags",
      ETH("0800") IP4_HDR("0028", "4000", "06")
      "3039" "0050" "00000001" "00000000" "5fff" "ffff" "0000" "0000",
      { L2(0x0800), IP4_FIELDS(6), TP(12345, 80), .tcp_flags = BE16(0xfff) },
      { 0, NONE, 14, 34, 54 },
      "in_port=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x0800,nw_src=192.168.0.1,nw_dst=192.168.0.2,nw_proto=6,"
      "nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=12345,tp_dst=80,"
      "tcp_flags=fin|syn|rst|psh|ack|urg|ece|cwr|ns|0xe00", NULL },
    { "ipv4_gre", ETH("0800") IP4_HDR("0018", "0000", "2f") "00006558",
      { L2(0x0800), IP4_FIELDS(47) }, { 0, NONE, 14, 34, NONE }, NULL,
      NULL },
    { "ipv4_icmpv6_proto_not_parsed",
      ETH("0800") IP4_HDR("001c", "0000", "3a") "80000000" "00000000",
      { L2(0x0800), IP4_FIELDS(58) }, { 0, NONE, 14, 34, NONE }, NULL,
      NULL },

    /* ---- IPv6 ---- */
    { "ipv6_tcp", ETH("86dd") IP6("60000000", "0014", "06") TCP_SYN_HDR,
      { L2(0x86dd), IP6_FIELDS(6), TP(12345, 80),
        .tcp_flags = BE16(TCP_SYN) },
      { 0, NONE, 14, 54, 74 }, NULL, NULL },
    { "ipv6_class_label_udp", ETH("86dd") IP6("6b812345", "000c", "11")
      UDP_DNS,
      { L2(0x86dd), IP6_FIELDS(17), .nw_tos = 0xb8,
        .ipv6_label = BE32(0x12345), TP(0x1234, 53) },
      { 0, NONE, 14, 54, 62 },
      "in_port=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x86dd,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,"
      "ipv6_label=0x12345,nw_proto=17,nw_tos=184,nw_ecn=0,nw_ttl=64,"
      "nw_frag=no,tp_src=4660,tp_dst=53", NULL },
    { "ipv6_hbh_routing_dstopts_udp",
      ETH("86dd") IP6("60000000", "002c", "00")
      "2b00010400000000" "3c00040000000000"
      "1101" "010c" "000000000000000000000000" UDP_DNS,
      { L2(0x86dd), IP6_FIELDS(17), TP(0x1234, 53) },
      { 0, NONE, 14, 86, 94 }, NULL, NULL },
    { "ipv6_ah_tcp",
      ETH("86dd") IP6("60000000", "002c", "33")
      "0604" "0000" "00000100" "00000001" "000000000000000000000000"
      TCP_SYN_HDR,
      { L2(0x86dd), IP6_FIELDS(6), TP(12345, 80),
        .tcp_flags = BE16(TCP_SYN) },
      { 0, NONE, 14, 78, 98 }, NULL, NULL },
    { "ipv6_first_fragment",
      ETH("86dd") IP6("60000000", "0014", "2c") "11" "00" "0001" "12345678"
      UDP_DNS,
      { L2(0x86dd), IP6_FIELDS(17), .nw_frag = FLOW_NW_FRAG_ANY,
        TP(0x1234, 53) },
      { 0, NONE, 14, 62, 70 }, NULL, NULL },
    { "ipv6_atomic_fragment",
      ETH("86dd") IP6("60000000", "0014", "2c") "11" "00" "0000" "12345678"
      UDP_DNS,
      { L2(0x86dd), IP6_FIELDS(17), .nw_frag = FLOW_NW_FRAG_ANY,
        TP(0x1234, 53) },
      { 0, NONE, 14, 62, 70 }, NULL, NULL },
    { "ipv6_later_fragment",
      ETH("86dd") IP6("60000000", "0018", "2c") "11" "00" "05c8" "12345678"
      "00112233445566778899aabbccddeeff",
      { L2(0x86dd), IP6_FIELDS(17),
        .nw_frag = FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER },
      { 0, NONE, 14, NONE, NONE },
      "in_port=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x86dd,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,"
      "ipv6_label=0x00000,nw_proto=17,nw_tos=0,nw_ecn=0,nw_ttl=64,"
      "nw_frag=later", NULL },
    { "ipv6_fragment_header_truncated",
      ETH("86dd") IP6("60000000", "0004", "2c") "11000001",
      { L2(0x86dd), IP6_FIELDS(44) }, { 0, NONE, 14, NONE, NONE }, NULL,
      "flow_extract_bad_ipv6" },
    { "ipv6_ext_chain_at_limit",
      ETH("86dd") IP6("60000000", "005c", "3c")
      DSTOPT("3c") DSTOPT("3c") DSTOPT("3c") DSTOPT("3c") DSTOPT("3c")
      DSTOPT("3c") DSTOPT("3c") DSTOPT("3c") DSTOPT("3c") DSTOPT("11")
      UDP_DNS,
      { L2(0x86dd), IP6_FIELDS(17), TP(0x1234, 53) },
      { 0, NONE, 14, 134, 142 }, NULL, NULL },
    { "ipv6_ext_chain_too_long",
      ETH("86dd") IP6("60000000", "0064", "3c")
      DSTOPT("3c") DSTOPT("3c") DSTOPT("3c") DSTOPT("3c") DSTOPT("3c")
      DSTOPT("3c") DSTOPT("3c") DSTOPT("3c") DSTOPT("3c") DSTOPT("3c")
      DSTOPT("11") UDP_DNS,
      { L2(0x86dd), IP6_FIELDS(60) }, { 0, NONE, 14, NONE, NONE }, NULL,
      "flow_extract_bad_ipv6" },
    { "ipv6_ext_hdr_beyond_payload",
      ETH("86dd") IP6("60000000", "0010", "3c")
      "1105" "0000000000000000000000000000" UDP_DNS,
      { L2(0x86dd), IP6_FIELDS(60) }, { 0, NONE, 14, NONE, NONE }, NULL,
      "flow_extract_bad_ipv6" },
    { "ipv6_ext_hdr_one_byte",
      ETH("86dd") IP6("60000000", "0001", "00") "11",
      { L2(0x86dd), IP6_FIELDS(0) }, { 0, NONE, 14, NONE, NONE }, NULL,
      "flow_extract_bad_ipv6" },
    { "ipv6_payload_beyond_frame",
      ETH("86dd") IP6("60000000", "0100", "11") UDP_DNS,
      { L2(0x86dd), IP6_FIELDS(17) }, { 0, NONE, 14, NONE, NONE }, NULL,
      "flow_extract_bad_ipv6" },
    { "ipv6_wrong_version", ETH("86dd") IP6("40000000", "000c", "11")
      UDP_DNS,
      { L2(0x86dd) }, { 0, NONE, 14, NONE, NONE }, NULL,
      "flow_extract_bad_ipv6" },
    { "ipv6_truncated_header",
      ETH("86dd") "60000000" "000c" "11" "40" SRC6
      "20010db80000000000000000000000",
      { L2(0x86dd) }, { 0, NONE, 14, NONE, NONE }, NULL,
      "flow_extract_bad_ipv6" },
    { "ipv6_esp", ETH("86dd") IP6("60000000", "0010", "32")
      "00000100000000010000000000000000",
      { L2(0x86dd), IP6_FIELDS(50) }, { 0, NONE, 14, 54, NONE }, NULL,
      NULL },
    { "ipv6_no_next_header", ETH("86dd") IP6("60000000", "0000", "3b"),
      { L2(0x86dd), IP6_FIELDS(59) }, { 0, NONE, 14, 54, NONE }, NULL,
      NULL },
    { "ipv6_in_vlan", ETH("8100") "2064" "86dd" IP6("60000000", "000c", "11")
      UDP_DNS,
      { L2(0x86dd), .vlans = { { BE16(0x8100), BE16(0x3064) } },
        IP6_FIELDS(17), TP(0x1234, 53) },
      { 0, 12, 18, 58, 66 }, NULL, NULL },
    { "ipv6_sctp", ETH("86dd") IP6("60000000", "000c", "84")
      "0b59" "0b5a" "00000000" "00000000",
      { L2(0x86dd), IP6_FIELDS(132), TP(2905, 2906) },
      { 0, NONE, 14, 54, 66 }, NULL, NULL },

    /* ---- ICMPv6 and neighbour discovery ---- */
    { "icmpv6_echo", ETH("86dd") IP6("60000000", "0008", "3a")
      "80" "00" "0000" "00010001",
      { L2(0x86dd), IP6_FIELDS(58), TP(128, 0) },
      { 0, NONE, 14, 54, 58 },
      "in_port=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x86dd,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,"
      "ipv6_label=0x00000,nw_proto=58,nw_tos=0,nw_ecn=0,nw_ttl=64,"
      "nw_frag=no,icmpv6_type=128,icmpv6_code=0", NULL },
    { "icmpv6_short", ETH("86dd") IP6("60000000", "0003", "3a") "800000",
      { L2(0x86dd), IP6_FIELDS(58) }, { 0, NONE, 14, 54, NONE }, NULL,
      "flow_extract_bad_l4" },
    { "nd_ns_sll", ETH("86dd") IP6("60000000", "0020", "3a")
      "87" "00" "0000" "00000000" DST6 "0101" SRC,
      { L2(0x86dd), IP6_FIELDS(58), TP(135, 0), .nd_target = A6(2),
        .arp_sha = MAC(2, 0, 0, 0, 0, 1) },
      { 0, NONE, 14, 54, 58 },
      "in_port=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x86dd,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,"
      "ipv6_label=0x00000,nw_proto=58,nw_tos=0,nw_ecn=0,nw_ttl=64,"
      "nw_frag=no,icmpv6_type=135,icmpv6_code=0,nd_target=2001:db8::2,"
      "nd_sll=02:00:00:00:00:01", NULL },
    { "nd_na_tll", ETH("86dd") IP6("60000000", "0020", "3a")
      "88" "00" "0000" "60000000" SRC6 "0201" DST,
      { L2(0x86dd), IP6_FIELDS(58), TP(136, 0), .nd_target = A6(1),
        .arp_tha = MAC(2, 0, 0, 0, 0, 2) },
      { 0, NONE, 14, 54, 58 },
      "in_port=0,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
      "dl_type=0x86dd,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,"
      "ipv6_label=0x00000,nw_proto=58,nw_tos=0,nw_ecn=0,nw_ttl=64,"
      "nw_frag=no,icmpv6_type=136,icmpv6_code=0,nd_target=2001:db8::1,"
      "nd_tll=02:00:00:00:00:02", NULL },
    { "nd_ns_no_options", ETH("86dd") IP6("60000000", "0018", "3a")
      "87" "00" "0000" "00000000" DST6,
      { L2(0x86dd), IP6_FIELDS(58), TP(135, 0), .nd_target = A6(2) },
      { 0, NONE, 14, 54, 58 }, NULL, NULL },
    { "nd_ns_option_len_zero", ETH("86dd") IP6("60000000", "0020", "3a")
      "87" "00" "0000" "00000000" DST6 "0100" SRC,
      { L2(0x86dd), IP6_FIELDS(58), TP(135, 0) },
      { 0, NONE, 14, 54, 58 }, NULL, "flow_extract_bad_nd" },
    { "nd_ns_option_overruns", ETH("86dd") IP6("60000000", "0020", "3a")
      "87" "00" "0000" "00000000" DST6 "0102" SRC,
      { L2(0x86dd), IP6_FIELDS(58), TP(135, 0) },
      { 0, NONE, 14, 54, 58 }, NULL, "flow_extract_bad_nd" },
    { "nd_ns_two_sll", ETH("86dd") IP6("60000000", "0028", "3a")
      "87" "00" "0000" "00000000" DST6 "0101" SRC "0101" DST,
      { L2(0x86dd), IP6_FIELDS(58), TP(135, 0) },
      { 0, NONE, 14, 54, 58 }, NULL, "flow_extract_bad_nd" },
    { "nd_ns_trailing_byte", ETH("86dd") IP6("60000000", "0021", "3a")
      "87" "00" "0000" "00000000" DST6 "0101" SRC "00",
      { L2(0x86dd), IP6_FIELDS(58), TP(135, 0) },
      { 0, NONE, 14, 54, 58 }, NULL, "flow_extract_bad_nd" },
    { "nd_ns_ignores_tll_and_nonce", ETH("86dd")
      IP6("60000000", "0028", "3a")
      "87" "00" "0000" "00000000" DST6 "0201" SRC "0e01" "a1a2a3a4a5a6",
      { L2(0x86dd), IP6_FIELDS(58), TP(135, 0), .nd_target = A6(2) },
      { 0, NONE, 14, 54, 58 }, NULL, NULL },
    { "nd_ns_sll_not_ethernet", ETH("86dd") IP6("60000000", "0028", "3a")
      "87" "00" "0000" "00000000" DST6 "0102" SRC "0000000000000000",
      { L2(0x86dd), IP6_FIELDS(58), TP(135, 0), .nd_target = A6(2) },
      { 0, NONE, 14, 54, 58 }, NULL, NULL },
    { "nd_ns_truncated_target", ETH("86dd") IP6("60000000", "0014", "3a")
      "87" "00" "0000" "00000000" "20010db8000000000000000000000000",
      { L2(0x86dd), IP6_FIELDS(58), TP(135, 0) },
      { 0, NONE, 14, 54, 58 }, NULL, "flow_extract_bad_nd" },
    { "nd_ns_nonzero_code", ETH("86dd") IP6("60000000", "0020", "3a")
      "87" "01" "0000" "00000000" DST6 "0101" SRC,
      { L2(0x86dd), IP6_FIELDS(58), TP(135, 1) },
      { 0, NONE, 14, 54, 58 }, NULL, NULL },
};
/* clang-format on */

/* Parses HEX (whitespace ignored) into a newly allocated buffer. */
static uint8_t *
hex_to_bytes(const char *hex, size_t *n)
{
    size_t len = strlen(hex);
    uint8_t *out = malloc(len / 2 + 1);
    size_t i = 0;
    int hi = -1;

    for (const char *s = hex; *s; s++) {
        int v = 0;
        if (*s >= '0' && *s <= '9') {
            v = *s - '0';
        } else if (*s >= 'a' && *s <= 'f') {
            v = *s - 'a' + 10;
        } else if (*s == ' ') {
            continue;
        } else {
            fail_msg("bad hex character '%c'", *s);
        }
        if (hi < 0) {
            hi = v;
        } else {
            out[i++] = (uint8_t) (hi << 4 | v);
            hi = -1;
        }
    }
    assert_int_equal(hi, -1); /* Odd number of digits: a typo. */
    *n = i;
    return out;
}

/* Extracts the flow of HEX's frame; the caller frees the packet. */
static struct pkt *
extract_hex(const char *hex, struct flow *flow)
{
    size_t n;
    uint8_t *bytes = hex_to_bytes(hex, &n);
    struct pkt *p = pkt_from_data(bytes, n);

    free(bytes);
    flow_extract(p, flow);
    return p;
}

/* Fails with both flows printed if they differ.  flow_format() hides
 * fields that do not apply, so when the texts agree the first differing
 * byte is reported too. */
static void
assert_flow_equal(const struct flow *got, const struct flow *want)
{
    if (flow_equal(got, want)) {
        return;
    }
    char *g = flow_to_string(got), *w = flow_to_string(want);
    size_t i = 0;
    while (((const uint8_t *) got)[i] == ((const uint8_t *) want)[i]) {
        i++;
    }
    print_error("got:  %s\nwant: %s\nfirst difference at byte %zu\n", g, w, i);
    free(g);
    free(w);
    fail();
}

static void
test_frame_case(void **state)
{
    const struct frame_case *c = *state;
    unsigned long long before = c->counter ? coverage_get(c->counter) : 0;
    struct flow flow;
    struct pkt *p = extract_hex(c->hex, &flow);

    assert_flow_equal(&flow, &c->flow);
    assert_int_equal(p->l2_ofs, c->ofs[O_L2]);
    assert_int_equal(p->l2_5_ofs, c->ofs[O_L2_5]);
    assert_int_equal(p->l3_ofs, c->ofs[O_L3]);
    assert_int_equal(p->l4_ofs, c->ofs[O_L4]);
    assert_int_equal(p->payload_ofs, c->ofs[O_PAYLOAD]);
    if (c->format) {
        char *s = flow_to_string(&flow);
        assert_string_equal(s, c->format);
        free(s);
    }
    if (c->counter) {
        assert_true(coverage_get(c->counter) > before);
    }

    /* Extracting again from the packet (with offsets now set) must give
     * the same result: flow_extract() may not depend on stale offsets. */
    struct flow again;
    flow_extract(p, &again);
    assert_true(flow_equal(&flow, &again));
    pkt_delete(p);
}

/* A VLAN-tagged IPv4 TCP SYN, cut at every length from 0 to its full size
 * (and with padding beyond it): each prefix must yield exactly the fields
 * of the layers it wholly contains. */
static void
test_truncation_every_length(void **state)
{
    (void) state;
    const char *hex = FRAME_VLAN_TCP "00000000";
    size_t full_n;
    uint8_t *full = hex_to_bytes(hex, &full_n);
    const size_t frame_len = 18 + 40;
    struct flow whole;
    struct pkt *wp = pkt_from_data(full, frame_len);

    flow_extract(wp, &whole);
    assert_int_equal(whole.tp_dst, BE16(80));
    pkt_delete(wp);

    for (size_t len = 0; len <= full_n; len++) {
        struct flow want = whole;
        uint16_t want_l3 = 18, want_l4 = 38, want_payload = 58;

        if (len < ETH_HEADER_LEN) {
            memset(&want, 0, sizeof want);
            want_l3 = NONE;
        } else if (len < 18) {
            /* The tag is not whole: the TPID is the type. */
            struct flow l2 = { L2(0x8100) };
            want = l2;
            want_l3 = 14;
        }
        if (len < 18 + IPV4_HEADER_LEN) {
            memset(&want.nw_src, 0,
                   sizeof want - offsetof(struct flow, nw_src));
        }
        if (len < frame_len) {
            want.tp_src = want.tp_dst = want.tcp_flags = 0;
            want_l4 = want_payload = NONE;
        }

        struct pkt *p = pkt_from_data(full, len);
        struct flow got;
        flow_extract(p, &got);
        if (!flow_equal(&got, &want)) {
            print_error("truncated to %zu bytes:\n", len);
        }
        assert_flow_equal(&got, &want);
        assert_int_equal(p->l2_ofs, len >= ETH_HEADER_LEN ? 0 : NONE);
        assert_int_equal(p->l2_5_ofs, len >= 18 ? 12 : NONE);
        assert_int_equal(p->l3_ofs, want_l3);
        assert_int_equal(p->l4_ofs, want_l4);
        assert_int_equal(p->payload_ofs, want_payload);
        pkt_delete(p);
    }
    free(full);
}

/* The metadata comes from the packet, not the frame. */
static void
test_metadata(void **state)
{
    (void) state;
    size_t n;
    uint8_t *bytes = hex_to_bytes(FRAME_TCP, &n);
    struct pkt *p = pkt_from_data(bytes, n);
    struct flow flow;

    p->in_port = 7;
    p->mark = 0x55;
    p->recirc_id = 3;
    p->dp_hash = 0xabcd;
    p->tunnel.ip_src = IP4(10, 0, 0, 1);
    p->tunnel.ip_dst = IP4(10, 0, 0, 2);
    p->tunnel.tun_id = PKT_HTONLL(42);
    p->tunnel.ttl = 64;
    p->tunnel.tp_dst = BE16(4789);
    p->tunnel.flags = PKT_TUN_F_KEY | PKT_TUN_F_DONT_FRAGMENT;
    flow_extract(p, &flow);

    assert_int_equal(flow.in_port, 7);
    assert_int_equal(flow.pkt_mark, 0x55);
    assert_int_equal(flow.recirc_id, 3);
    assert_int_equal(flow.dp_hash, 0xabcd);
    assert_memory_equal(&flow.tunnel, &p->tunnel, sizeof flow.tunnel);
    assert_int_equal(flow.tp_dst, BE16(80));

    char *s = flow_to_string(&flow);
    assert_string_equal(
        s, "tun_id=0x2a,tun_src=10.0.0.1,tun_dst=10.0.0.2,tun_ttl=64,"
           "tun_tp_dst=4789,tun_flags=df|key,recirc_id=0x3,dp_hash=0xabcd,"
           "pkt_mark=0x55,in_port=7,dl_src=02:00:00:00:00:01,"
           "dl_dst=02:00:00:00:00:02,dl_type=0x0800,nw_src=192.168.0.1,"
           "nw_dst=192.168.0.2,nw_proto=6,nw_tos=0,nw_ecn=0,nw_ttl=64,"
           "nw_frag=no,tp_src=12345,tp_dst=80,tcp_flags=syn");
    free(s);

    /* The flow's padding must stay zero even if the caller's struct held
     * garbage. */
    memset(&flow, 0xa5, sizeof flow);
    flow_extract(p, &flow);
    assert_int_equal(flow.pad1, 0);
    assert_int_equal(flow.pad2, 0);
    free(bytes);
    pkt_delete(p);
}

/* flow_format() appends; it must not disturb what the buffer held. */
static void
test_format_appends(void **state)
{
    (void) state;
    struct flow flow = { L2(0x0800), .in_port = 1, IP4_FIELDS(6), TP(1, 2) };
    struct buf b = BUF_INITIALIZER;

    buf_put_cstr(&b, "flow: ");
    flow_format(&b, &flow);
    assert_string_equal(
        buf_cstr(&b),
        "flow: in_port=1,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
        "dl_type=0x0800,nw_src=192.168.0.1,nw_dst=192.168.0.2,nw_proto=6,"
        "nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=1,tp_dst=2,"
        "tcp_flags=0");
    buf_destroy(&b);
}

/* Equal flows hash equally; every single-bit difference anywhere in the
 * flow (including metadata and padding) makes them unequal, and changes
 * the hash for these inputs. */
static void
test_hash_equal(void **state)
{
    (void) state;
    struct flow a;
    struct pkt *p = extract_hex(FRAME_VLAN_IPV6_TCP, &a);
    struct flow b = a;

    assert_true(flow_equal(&a, &b));
    assert_int_equal(flow_hash(&a, 0), flow_hash(&b, 0));
    assert_int_equal(flow_hash(&a, 99), flow_hash(&b, 99));
    assert_int_not_equal(flow_hash(&a, 0), flow_hash(&a, 1));

    for (size_t i = 0; i < sizeof b * 8; i++) {
        b = a;
        ((uint8_t *) &b)[i / 8] ^= (uint8_t) (1u << (i % 8));
        assert_false(flow_equal(&a, &b));
        assert_int_not_equal(flow_hash(&a, 0), flow_hash(&b, 0));
    }
    pkt_delete(p);
}

/* ---------------------------------------------------------------------
 * flow_compose().
 * --------------------------------------------------------------------- */

/* clang-format off */
static const struct flow compose_cases[] = {
    { L2(0x0800), IP4_FIELDS(6), TP(12345, 80), .tcp_flags = BE16(TCP_SYN),
      .in_port = 3, .pkt_mark = 9, .recirc_id = 2, .dp_hash = 0x77,
      .tunnel = { .ip_src = IP4(10, 0, 0, 1), .ip_dst = IP4(10, 0, 0, 2),
                  .tun_id = PKT_HTONLL(5000), .ttl = 64,
                  .flags = PKT_TUN_F_KEY } },
    { L2(0x0800), IP4_FIELDS(6), TP(1, 65535), .tcp_flags = BE16(0x1ff) },
    { L2(0x0800), IP4_FIELDS(17), .nw_tos = 0xb9, TP(5353, 53) },
    { L2(0x0800), IP4_FIELDS(132), TP(2905, 2906) },
    { L2(0x0800), IP4_FIELDS(1), TP(0, 0) },
    { L2(0x0800), IP4_FIELDS(1), TP(3, 4) },
    { L2(0x0800), IP4_FIELDS(17), .nw_frag = FLOW_NW_FRAG_ANY, TP(1, 2) },
    { L2(0x0800), IP4_FIELDS(17),
      .nw_frag = FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER },
    { L2(0x0800), IP4_FIELDS(47) },
    { L2(0x0800), .vlans = { { BE16(0x8100), BE16(0x100a) } },
      IP4_FIELDS(6), TP(22, 40000), .tcp_flags = BE16(TCP_ACK | TCP_PSH) },
    { L2(0x86dd), .vlans = { { BE16(0x88a8), BE16(0x3fff) },
                             { BE16(0x8100), BE16(0xf001) } },
      IP6_FIELDS(17), TP(4789, 4789) },
    { L2(0x8100), .vlans = { { BE16(0x8100), BE16(0x1001) },
                             { BE16(0x8100), BE16(0x1002) } } },
    { L2(0x0806), .nw_proto = 1, .nw_src = IP4(10, 1, 1, 1),
      .nw_dst = IP4(10, 1, 1, 2), .arp_sha = MAC(2, 0, 0, 0, 0, 1) },
    { L2(0x0806), .nw_proto = 2, .nw_src = IP4(10, 1, 1, 2),
      .nw_dst = IP4(10, 1, 1, 1), .arp_sha = MAC(2, 0, 0, 0, 0, 2),
      .arp_tha = MAC(2, 0, 0, 0, 0, 1) },
    { L2(0x8035), .nw_proto = 3, .arp_sha = MAC(2, 0, 0, 0, 0, 1),
      .arp_tha = MAC(2, 0, 0, 0, 0, 1) },
    { L2(0x86dd), IP6_FIELDS(6), .nw_tos = 0x02,
      .ipv6_label = BE32(0xfffff), TP(443, 50000),
      .tcp_flags = BE16(TCP_FIN | TCP_ACK) },
    { L2(0x86dd), IP6_FIELDS(58), TP(128, 0) },
    { L2(0x86dd), IP6_FIELDS(58), TP(1, 4) },
    { L2(0x86dd), IP6_FIELDS(58), TP(135, 0), .nd_target = A6(9),
      .arp_sha = MAC(2, 0, 0, 0, 0, 1) },
    { L2(0x86dd), IP6_FIELDS(58), TP(135, 0), .nd_target = A6(9) },
    { L2(0x86dd), IP6_FIELDS(58), TP(136, 0), .nd_target = A6(9),
      .arp_tha = MAC(2, 0, 0, 0, 0, 1) },
    { L2(0x86dd), IP6_FIELDS(6), .nw_frag = FLOW_NW_FRAG_ANY, TP(1, 2),
      .tcp_flags = BE16(TCP_SYN) },
    { L2(0x86dd), IP6_FIELDS(17),
      .nw_frag = FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER },
    { L2(0x86dd), IP6_FIELDS(132), TP(7, 8) },
    { L2(0x86dd), IP6_FIELDS(50) },
    { L2(0x8847), .mpls_lse = { BE32(0x00064140) } },
    { L2(0x8848), .mpls_lse = { BE32(0x1040), BE32(0x2040),
                                BE32(0x3140) } },
    { L2(0x8847), .mpls_lse = { BE32(0x1040), BE32(0x2040),
                                BE32(0x3040) } },
    { L2(FLOW_DL_TYPE_NONE) },
    { L2(0x88cc) },
    { L2(0x0800), .vlans = { { BE16(0x8100), BE16(0x1000) } },
      .mpls_lse = { 0 }, IP4_FIELDS(0) },
};
/* clang-format on */

/* Checks the IPv4 header checksum and the L4 checksum of the frame in P,
 * whose offsets flow_extract() has set. */
static void
assert_checksums(const struct pkt *p, const struct flow *flow)
{
    uint32_t pseudo;
    size_t l4_len;

    if (flow->dl_type == BE16(ETH_TYPE_IP)) {
        const struct pkt_ipv4_hdr *ip = pkt_l3(p);
        assert_non_null(ip);
        assert_int_equal(pkt_csum_finish(pkt_csum_add(0, ip, IPV4_HEADER_LEN)),
                         0);
        l4_len = PKT_NTOHS(ip->tot_len) - IPV4_HEADER_LEN;
        pseudo = pkt_csum_pseudo_ipv4(ip->src, ip->dst, ip->proto, l4_len);
    } else if (flow->dl_type == BE16(ETH_TYPE_IPV6)) {
        const struct pkt_ipv6_hdr *ip6 = pkt_l3(p);
        struct in6_addr src = ip6->src, dst = ip6->dst;
        assert_non_null(ip6);
        l4_len = pkt_l4_size(p);
        pseudo = pkt_csum_pseudo_ipv6(&src, &dst, flow->nw_proto, l4_len);
    } else {
        return;
    }
    if (flow->nw_frag & FLOW_NW_FRAG_LATER) {
        return;
    }

    const uint8_t *l4 = pkt_l4(p);
    assert_non_null(l4);
    assert_int_equal(pkt_l4_size(p), l4_len);
    switch (flow->nw_proto) {
    case IPPROTO_TCP:
    case IPPROTO_UDP:
    case IPPROTO_ICMPV6:
        assert_int_equal(pkt_csum_finish(pkt_csum_add(pseudo, l4, l4_len)), 0);
        break;
    case IPPROTO_ICMP:
        assert_int_equal(pkt_csum_finish(pkt_csum_add(0, l4, l4_len)), 0);
        break;
    case IPPROTO_SCTP: {
        uint8_t copy[1500];
        assert_true(l4_len <= sizeof copy);
        memcpy(copy, l4, l4_len);
        memset(copy + 8, 0, 4);
        uint32_t crc = crc32c_extend(0, copy, l4_len);
        assert_int_equal(
            l4[8] | l4[9] << 8 | l4[10] << 16 | (uint32_t) l4[11] << 24, crc);
        break;
    }
    default:
        break;
    }
    if (flow->nw_proto == IPPROTO_UDP) {
        assert_int_equal(l4[4] << 8 | l4[5], l4_len);
    }
}

static void
test_compose_round_trip(void **state)
{
    (void) state;
    static const size_t payload_lens[] = { 0, 1, 100, 1400 };

    for (size_t i = 0; i < ARRAY_SIZE(compose_cases); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(payload_lens); j++) {
            const struct flow *want = &compose_cases[i];
            struct pkt *p = pkt_new(0, 0); /* Forces reallocation. */
            struct flow got;

            assert_int_equal(flow_compose(p, want, payload_lens[j]), 0);
            assert_int_equal(p->l3_ofs, NONE);
            flow_extract(p, &got);
            if (!flow_equal(&got, want)) {
                print_error("compose case %zu, payload %zu:\n", i,
                            payload_lens[j]);
            }
            assert_flow_equal(&got, want);
            assert_checksums(p, want);
            /* The filler follows the L4 header exactly, except after
             * ICMPv6, whose 4-byte header is followed by the message body
             * (echo id/sequence, ND target) before the filler. */
            if (want->nw_proto != IPPROTO_ICMPV6 && p->payload_ofs != NONE) {
                assert_int_equal(pkt_payload_size(p), payload_lens[j]);
            }
            pkt_delete(p);
        }
    }
}

/* A composed IPv4/TCP frame, byte for byte. */
static void
test_compose_exact_bytes(void **state)
{
    (void) state;
    struct flow flow = { L2(0x0800), IP4_FIELDS(6), TP(12345, 80),
                         .tcp_flags = BE16(TCP_SYN) };
    struct pkt *p = pkt_from_data(NULL, 0);
    size_t n;
    /* The checksums (IPv4 0xf97c, TCP 0xfe05) were computed outside
     * nicflow, with a few lines of Python following RFC 1071 and the
     * RFC 793 pseudo-header, so this does not test the code against
     * itself. */
    uint8_t *want = hex_to_bytes(ETH("0800") "45000028000000004006"
                                             "f97c"
                                             "c0a80001c0a80002"
                                             "303900500000000000000000"
                                             "5002ffff"
                                             "fe05"
                                             "0000",
                                 &n);

    assert_int_equal(flow_compose(p, &flow, 0), 0);
    assert_int_equal(p->size, n);
    assert_memory_equal(p->data, want, n);
    free(want);
    pkt_delete(p);
}

static void
test_compose_rejects(void **state)
{
    (void) state;
    /* clang-format off */
    static const struct flow bad[] = {
        { L2(0x0100) },
        { L2(0x86dd), IP6_FIELDS(0) },
        { L2(0x86dd), IP6_FIELDS(43) },
        { L2(0x86dd), IP6_FIELDS(44) },
        { L2(0x86dd), IP6_FIELDS(51) },
        { L2(0x86dd), IP6_FIELDS(60) },
        { L2(0x0806), .nw_frag = FLOW_NW_FRAG_ANY },
        { L2(0x0800), .vlans = { { BE16(0x8100), BE16(0x000a) } } },
        { L2(0x0800), .vlans = { { 0, 0 }, { BE16(0x8100), BE16(0x100a) } } },
        { L2(0x0800), .vlans = { { BE16(0x9100), BE16(0x100a) } } },
        { L2(0x88a8) },
        { L2(0x8100), .vlans = { { BE16(0x8100), BE16(0x100a) } } },
    };
    /* clang-format on */
    struct pkt *p = pkt_new(64, 16);

    pkt_put_zeros(p, 5);
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_int_equal(flow_compose(p, &bad[i], 0), EINVAL);
        assert_int_equal(p->size, 5);
    }
    struct flow ok = { L2(0x0800), IP4_FIELDS(17) };
    assert_int_equal(flow_compose(p, &ok, UINT16_MAX), EINVAL);
    assert_int_equal(flow_compose(p, &ok, 1000), 0);
    pkt_delete(p);
}

int
main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_truncation_every_length),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_format_appends),
        cmocka_unit_test(test_hash_equal),
        cmocka_unit_test(test_compose_round_trip),
        cmocka_unit_test(test_compose_exact_bytes),
        cmocka_unit_test(test_compose_rejects),
    };
    size_t n_cases = ARRAY_SIZE(frame_cases);
    size_t n = n_cases + ARRAY_SIZE(fixed);
    struct CMUnitTest *tests = calloc(n, sizeof *tests);

    /* One cmocka test per frame, named after it, so a failure names the
     * frame. */
    for (size_t i = 0; i < n_cases; i++) {
        tests[i].name = frame_cases[i].name;
        tests[i].test_func = test_frame_case;
        tests[i].initial_state = (void *) &frame_cases[i];
    }
    memcpy(&tests[n_cases], fixed, sizeof fixed);

    int failed = _cmocka_run_group_tests("flow", tests, n, NULL, NULL);
    free(tests);
    return failed;
}
