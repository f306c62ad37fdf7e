/* Unit tests for softpath/dp-execute: the datapath action executor.
 *
 * The heart is a table of cases: an input packet described by its flow in
 * the dump-flows syntax (composed into a well-formed frame with valid
 * checksums by flow_compose()), an action list in the ovs-dpctl syntax, and
 * the packets that must come out of the hooks, in order, each again as a
 * flow text.  Because flow_compose() computes every checksum from scratch,
 * comparing the executor's output bytes with the composed expected frame
 * checks the incremental checksum updates exactly; every output is also
 * summed again independently.  Further tests cover what a table cannot say
 * well: copies versus hand-over, metadata, hashing, sampling rates, UDP's
 * "no checksum", batches and malformed action lists. */
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
#include <linux/openvswitch.h>

#include "lib/crc32c.h"
#include "lib/flow.h"
#include "softpath/dp-execute.h"
#include "softpath/odp.h"

#define PAYLOAD_LEN 24
#define BE16(x) PKT_HTONS(x)
#define BE32(x) PKT_HTONL(x)

/* ---------------------------------------------------------------------
 * Capturing hooks.
 * --------------------------------------------------------------------- */

#define MAX_EVENTS 64

/* One hook call: 'o'utput, 'r'ecirc or 'u'serspace, with the port, recirc
 * id or userspace pid, and the packet (owned here; a copy for userspace). */
struct event {
    char kind;
    uint32_t id;
    struct pkt *p;
};

struct capture {
    struct event ev[MAX_EVENTS];
    size_t n;
    const struct pkt *orig; /* The input packet, to tell copies apart. */
    int meter_calls;
};

static void
capture_add(struct capture *c, char kind, uint32_t id, struct pkt *p)
{
    assert_true(c->n < MAX_EVENTS);
    c->ev[c->n++] = (struct event){ kind, id, p };
}

static void
hook_output(void *aux, struct pkt *p, uint32_t port)
{
    capture_add(aux, 'o', port, p);
}

static void
hook_userspace(void *aux, struct pkt *p, const struct nlattr *a)
{
    const struct nlattr *s;
    uint32_t pid = UINT32_MAX;

    mnl_attr_for_each_nested(s, a)
    {
        if (mnl_attr_get_type(s) == OVS_USERSPACE_ATTR_PID) {
            pid = mnl_attr_get_u32(s);
        }
    }
    capture_add(aux, 'u', pid, pkt_clone(p));
}

static void
hook_recirc(void *aux, struct pkt *p, uint32_t id)
{
    assert_int_equal(p->recirc_id, id);
    capture_add(aux, 'r', id, p);
}

/* Meter 99 drops everything; the others pass. */
static bool
hook_meter(void *aux, struct pkt *p, uint32_t meter_id)
{
    struct capture *c = aux;
    c->meter_calls++;
    return meter_id != 99;
}

static void
capture_init(struct capture *c, struct dp_execute_hooks *h)
{
    memset(c, 0, sizeof *c);
    *h = (struct dp_execute_hooks){ hook_output, hook_userspace, hook_recirc,
                                    hook_meter, c };
}

static void
capture_clear(struct capture *c)
{
    for (size_t i = 0; i < c->n; i++) {
        pkt_delete(c->ev[i].p);
    }
    c->n = 0;
}

/* ---------------------------------------------------------------------
 * Building packets and actions.
 * --------------------------------------------------------------------- */

/* Parses the dump-flows text S into *FLOW. */
static void
flow_from_text(const char *s, struct flow *flow)
{
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    char *err = NULL;

    if (odp_flow_from_string(s, &key, &mask, &err)
        || odp_key_to_flow(key.data, key.len, flow, &err)) {
        fail_msg("%s: %s", s, err);
    }
    buf_destroy(&key);
    buf_destroy(&mask);
}

/* Returns a packet holding the frame of the flow text S, with offsets set
 * by flow_extract().  The frame has no tailroom, so reading past its end is
 * caught by AddressSanitizer. */
static struct pkt *
packet_from_text(const char *s)
{
    struct flow flow;
    struct pkt *tmp = pkt_new(0, PKT_DEFAULT_HEADROOM);

    flow_from_text(s, &flow);
    if (flow_compose(tmp, &flow, PAYLOAD_LEN)) {
        fail_msg("cannot compose %s", s);
    }
    struct pkt *p = pkt_from_data(tmp->data, tmp->size);
    p->in_port = tmp->in_port;
    p->mark = tmp->mark;
    pkt_delete(tmp);
    flow_extract(p, &flow);
    return p;
}

/* Parses the action text S into OUT and checks that it validates. */
static void
actions_from_text(const char *s, struct buf *out)
{
    char *err = NULL;

    if (odp_actions_from_string(s, out, &err)) {
        fail_msg("%s: %s", s, err);
    }
    if (odp_actions_validate(out->data, out->len, &err)) {
        fail_msg("%s: %s", s, err);
    }
}

/* Checks the IPv4 header checksum and the L4 checksum of P by summing them
 * again in full: a UDP checksum of 0 is accepted as "none". */
static void
assert_checksums(struct pkt *p)
{
    struct flow flow;
    uint32_t pseudo;
    size_t l4_len;

    flow_extract(p, &flow);
    if (flow.dl_type == BE16(ETH_TYPE_IP)) {
        const struct pkt_ipv4_hdr *ip = pkt_l3(p);
        assert_non_null(ip);
        size_t hlen = (size_t) (ip->ver_ihl & 0xf) * 4;
        if (pkt_l3_size(p) < hlen) {
            return; /* Cut by trunc. */
        }
        assert_int_equal(pkt_csum_finish(pkt_csum_add(0, ip, hlen)), 0);
        l4_len = PKT_NTOHS(ip->tot_len) - hlen;
        pseudo = pkt_csum_pseudo_ipv4(ip->src, ip->dst, ip->proto, l4_len);
    } else if (flow.dl_type == BE16(ETH_TYPE_IPV6)) {
        const struct pkt_ipv6_hdr *ip6 = pkt_l3(p);
        assert_non_null(ip6);
        struct in6_addr src = ip6->src, dst = ip6->dst;
        l4_len = pkt_l4_size(p);
        pseudo = pkt_csum_pseudo_ipv6(&src, &dst, flow.nw_proto, l4_len);
    } else {
        return;
    }
    const uint8_t *l4 = pkt_l4(p);
    if ((flow.nw_frag & FLOW_NW_FRAG_ANY) || !l4 || pkt_l4_size(p) < l4_len) {
        return; /* Fragments and truncated frames cannot be summed. */
    }
    switch (flow.nw_proto) {
    case IPPROTO_UDP:
        if (!((const struct pkt_udp_hdr *) l4)->csum) {
            break;
        }
        /* Fall through. */
    case IPPROTO_TCP:
    case IPPROTO_ICMPV6:
        assert_int_equal(pkt_csum_finish(pkt_csum_add(pseudo, l4, l4_len)), 0);
        break;
    case IPPROTO_ICMP:
        assert_int_equal(pkt_csum_finish(pkt_csum_add(0, l4, l4_len)), 0);
        break;
    case IPPROTO_SCTP: {
        uint8_t *copy = xmemdup(l4, l4_len);
        uint32_t crc;
        memset(copy + 8, 0, 4);
        crc = crc32c_extend(0, copy, l4_len);
        uint8_t le[4] = { (uint8_t) crc, (uint8_t) (crc >> 8),
                          (uint8_t) (crc >> 16), (uint8_t) (crc >> 24) };
        assert_memory_equal(l4 + 8, le, 4);
        free(copy);
        break;
    }
    default:
        break;
    }
}

/* ---------------------------------------------------------------------
 * The table.
 * --------------------------------------------------------------------- */

/* One packet expected from a hook: KIND and ID as in struct event, the
 * flow text of the frame (NULL: the input frame unchanged), and the length
 * it is cut to (0: whole). */
struct expect {
    char kind;
    uint32_t id;
    const char *flow;
    size_t trunc;
};

struct exec_case {
    const char *in;
    const char *actions;
    struct expect out[6]; /* Ends at the first kind 0. */
};

/* Pieces of flow texts. */
#define IN "in_port(1),"
#define ETH "eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),"
#define V4(SRC, DST, PROTO, TOS, TTL)                                        \
    "eth_type(0x0800),ipv4(src=" SRC ",dst=" DST ",proto=" PROTO ",tos=" TOS \
    ",ttl=" TTL ",frag=no),"
#define V6(SRC, DST, PROTO, LABEL, TCLASS, HLIMIT)               \
    "eth_type(0x86dd),ipv6(src=" SRC ",dst=" DST ",label=" LABEL \
    ",proto=" PROTO ",tclass=" TCLASS ",hlimit=" HLIMIT ",frag=no),"
#define V4X V4("10.0.0.1", "10.0.0.2", "6", "0", "64")
#define TCP(S, D) "tcp(src=" S ",dst=" D ")"
#define UDP(S, D) "udp(src=" S ",dst=" D ")"
#define ICMP "icmp(type=8,code=0)"
#define ICMP6 "icmpv6(type=128,code=0)"
#define A1 "2001:db8::1"
#define A2 "2001:db8::2"

#define V4TCP \
    IN ETH V4("10.0.0.1", "10.0.0.2", "6", "0", "64") TCP("1000", "80")
#define V4UDP \
    IN ETH V4("10.0.0.1", "10.0.0.2", "17", "0", "64") UDP("53", "5353")
#define V4ICMP IN ETH V4("10.0.0.1", "10.0.0.2", "1", "0", "64") ICMP
#define V6TCP IN ETH V6(A1, A2, "6", "0", "0", "64") TCP("1000", "80")
#define V6UDP IN ETH V6(A1, A2, "17", "0", "0", "64") UDP("53", "5353")
#define V6ICMP IN ETH V6(A1, A2, "58", "0", "0", "64") ICMP6
#define VLAN(VID, PCP) "eth_type(0x8100),vlan(vid=" VID ",pcp=" PCP "),encap("
#define VLAN_V4TCP                                                    \
    IN ETH VLAN("10", "3") V4("10.0.0.1", "10.0.0.2", "6", "0", "64") \
        TCP("1000", "80") ")"
#define VLAN_V6UDP                                          \
    IN ETH VLAN("10", "3") V6(A1, A2, "17", "0", "0", "64") \
        UDP("53", "5353") ")"

#define O(PORT, FLOW)      \
    {                      \
        'o', PORT, FLOW, 0 \
    }
#define OT(PORT, FLOW, N)  \
    {                      \
        'o', PORT, FLOW, N \
    }
#define R(ID, FLOW)      \
    {                    \
        'r', ID, FLOW, 0 \
    }
#define U(PID, FLOW)      \
    {                     \
        'u', PID, FLOW, 0 \
    }

/* clang-format off */
static const struct exec_case cases[] = {
    /* Outputs: order, copies, drops. */
    { V4TCP, "3", { O(3, NULL) } },
    { V4TCP, "5,4,3,2,1", { O(5, NULL), O(4, NULL), O(3, NULL), O(2, NULL),
                            O(1, NULL) } },
    { V4TCP, "drop", { { 0 } } },
    { V4TCP, "", { { 0 } } },
    { V4TCP, "2,drop", { O(2, NULL) } },
    /* IPv4 addresses with header and L4 checksums, each protocol. */
    { V4TCP, "set(ipv4(src=192.168.1.1)),1",
      { O(1, IN ETH V4("192.168.1.1", "10.0.0.2", "6", "0", "64")
             TCP("1000", "80")) } },
    { V4TCP, "set(ipv4(src=1.2.3.4,dst=5.6.7.8,proto=6,tos=0,ttl=64,"
             "frag=no)),1",
      { O(1, IN ETH V4("1.2.3.4", "5.6.7.8", "6", "0", "64")
             TCP("1000", "80")) } },
    { V4UDP, "set(ipv4(dst=172.16.0.9)),1",
      { O(1, IN ETH V4("10.0.0.1", "172.16.0.9", "17", "0", "64")
             UDP("53", "5353")) } },
    { V4ICMP, "set(ipv4(src=8.8.8.8,dst=9.9.9.9)),1",
      { O(1, IN ETH V4("8.8.8.8", "9.9.9.9", "1", "0", "64") ICMP) } },
    { V4TCP, "set(ipv4(src=1.2.3.4/255.255.0.0)),1",
      { O(1, IN ETH V4("1.2.0.1", "10.0.0.2", "6", "0", "64")
             TCP("1000", "80")) } },
    { V4UDP, "set(ipv4(tos=0xb8,ttl=63)),1",
      { O(1, IN ETH V4("10.0.0.1", "10.0.0.2", "17", "0xb8", "63")
             UDP("53", "5353")) } },
    { V4TCP, "set(ipv4(tos=0x3/0x3)),1",
      { O(1, IN ETH V4("10.0.0.1", "10.0.0.2", "6", "0x3", "64")
             TCP("1000", "80")) } },
    /* The same behind a VLAN tag. */
    { VLAN_V4TCP, "set(ipv4(src=1.1.1.1,ttl=1)),set(tcp(dst=8080)),2",
      { O(2, IN ETH VLAN("10", "3") V4("1.1.1.1", "10.0.0.2", "6", "0", "1")
             TCP("1000", "8080") ")") } },
    /* IPv6: addresses touch the pseudo-header, the rest nothing. */
    { V6TCP, "set(ipv6(src=2001:db8::99)),1",
      { O(1, IN ETH V6("2001:db8::99", A2, "6", "0", "0", "64")
             TCP("1000", "80")) } },
    { V6UDP, "set(ipv6(src=fe80::1,dst=fe80::2)),1",
      { O(1, IN ETH V6("fe80::1", "fe80::2", "17", "0", "0", "64")
             UDP("53", "5353")) } },
    { V6ICMP, "set(ipv6(dst=2001:db8:ffff::1)),1",
      { O(1, IN ETH V6(A1, "2001:db8:ffff::1", "58", "0", "0", "64")
             ICMP6) } },
    { V6TCP, "set(ipv6(label=0x12345,tclass=0x2e,hlimit=3)),1",
      { O(1, IN ETH V6(A1, A2, "6", "0x12345", "0x2e", "3")
             TCP("1000", "80")) } },
    { V6TCP, "set(ipv6(dst=2001:db8::ff00/ffff:ffff:ffff:ffff:ffff:ffff:"
             "ffff:ff00)),1",
      { O(1, IN ETH V6(A1, "2001:db8::ff02", "6", "0", "0", "64")
             TCP("1000", "80")) } },
    { VLAN_V6UDP, "set(ipv6(src=2001:db8::5)),set(udp(src=1)),7",
      { O(7, IN ETH VLAN("10", "3") V6("2001:db8::5", A2, "17", "0", "0",
                                       "64") UDP("1", "5353") ")") } },
    /* Ports. */
    { V4TCP, "set(tcp(src=4000,dst=443)),1",
      { O(1, IN ETH V4X TCP("4000", "443")) } },
    { V4TCP, "set(tcp(dst=0x1234/0xff00)),1",
      { O(1, IN ETH V4X TCP("1000", "4688")) } },
    { V4UDP, "set(udp(src=67,dst=68)),1",
      { O(1, IN ETH V4("10.0.0.1", "10.0.0.2", "17", "0", "64")
             UDP("67", "68")) } },
    { V6TCP, "set(tcp(src=22)),1",
      { O(1, IN ETH V6(A1, A2, "6", "0", "0", "64") TCP("22", "80")) } },
    { IN ETH V4("10.0.0.1", "10.0.0.2", "132", "0", "64")
          "sctp(src=1,dst=2)",
      "set(sctp(src=5000,dst=5001)),1",
      { O(1, IN ETH V4("10.0.0.1", "10.0.0.2", "132", "0", "64")
             "sctp(src=5000,dst=5001)") } },
    /* Setting a layer the packet lacks changes nothing. */
    { V4UDP, "set(tcp(dst=1)),1", { O(1, NULL) } },
    { V6TCP, "set(ipv4(src=1.1.1.1)),1", { O(1, NULL) } },
    { IN ETH "eth_type(0x0806),arp(sip=10.0.0.1,tip=10.0.0.2,op=1,"
      "sha=00:00:00:00:00:01,tha=00:00:00:00:00:00)",
      "set(ipv4(src=1.1.1.1)),1", { O(1, NULL) } },
    /* A later fragment: addresses change, there is no L4 to fix. */
    { IN ETH "eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,"
      "tos=0,ttl=64,frag=later)",
      "set(ipv4(src=3.3.3.3)),1",
      { O(1, IN ETH "eth_type(0x0800),ipv4(src=3.3.3.3,dst=10.0.0.2,"
             "proto=17,tos=0,ttl=64,frag=later)") } },
    { IN ETH "eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,"
      "tos=0,ttl=64,frag=first)," UDP("1", "2"),
      "set(ipv4(src=3.3.3.3)),1",
      { O(1, IN ETH "eth_type(0x0800),ipv4(src=3.3.3.3,dst=10.0.0.2,"
             "proto=17,tos=0,ttl=64,frag=first)," UDP("1", "2")) } },
    /* IPv6 through a fragment header: the L4 checksum is still found. */
    { IN ETH "eth_type(0x86dd),ipv6(src=2001:db8::1,dst=2001:db8::2,"
      "label=0,proto=17,tclass=0,hlimit=64,frag=first)," UDP("1", "2"),
      "set(ipv6(src=2001:db8::7,dst=2001:db8::8)),set(udp(dst=3)),1",
      { O(1, IN ETH "eth_type(0x86dd),ipv6(src=2001:db8::7,"
             "dst=2001:db8::8,label=0,proto=17,tclass=0,hlimit=64,"
             "frag=first)," UDP("1", "3")) } },
    /* Ethernet. */
    { V4TCP, "set(eth(src=02:00:00:00:00:aa,dst=02:00:00:00:00:bb)),1",
      { O(1, IN "eth(src=02:00:00:00:00:aa,dst=02:00:00:00:00:bb)," V4X
             TCP("1000", "80")) } },
    { V4TCP, "set(eth(dst=ff:00:00:00:00:00/ff:00:00:00:00:00)),1",
      { O(1, IN "eth(src=00:00:00:00:00:01,dst=ff:00:00:00:00:02)," V4X
             TCP("1000", "80")) } },
    /* VLANs. */
    { V4TCP, "push_vlan(vid=10,pcp=3),1", { O(1, VLAN_V4TCP) } },
    { VLAN_V4TCP, "pop_vlan,1", { O(1, V4TCP) } },
    { V4TCP, "pop_vlan,1", { O(1, NULL) } },
    { VLAN_V4TCP, "push_vlan(tpid=0x88a8,vid=20,pcp=0),1",
      { O(1, IN ETH "eth_type(0x88a8),vlan(vid=20,pcp=0),encap("
             VLAN("10", "3") V4X TCP("1000", "80") "))") } },
    { V4TCP, "1,push_vlan(vid=10,pcp=3),2,pop_vlan,3",
      { O(1, NULL), O(2, VLAN_V4TCP), O(3, NULL) } },
    /* An output copy is not changed by what follows. */
    { V4TCP, "2,set(tcp(dst=81)),3",
      { O(2, NULL), O(3, IN ETH V4X TCP("1000", "81")) } },
    /* clone: nested actions on a copy; the original goes on unchanged. */
    { V4TCP, "clone(set(tcp(dst=81)),2),3",
      { O(2, IN ETH V4X TCP("1000", "81")), O(3, NULL) } },
    { V4TCP, "3,clone(push_vlan(vid=10,pcp=3),4)",
      { O(3, NULL), O(4, VLAN_V4TCP) } },
    { V4TCP, "clone(clone(2),drop),clone(ct,5),3",
      { O(2, NULL), O(3, NULL) } },
    /* sample: always, never, nested. */
    { V4TCP, "sample(sample=100.0%,actions(set(tcp(src=1)),2)),3",
      { O(2, IN ETH V4X TCP("1", "80")), O(3, NULL) } },
    { V4TCP, "sample(sample=0.0%,actions(2)),3", { O(3, NULL) } },
    { V4TCP, "3,sample(sample=100.0%,actions(4))",
      { O(3, NULL), O(4, NULL) } },
    /* recirc, userspace, meters, ct. */
    { V4TCP, "set(ipv4(ttl=9)),recirc(0x5)",
      { R(5, IN ETH V4("10.0.0.1", "10.0.0.2", "6", "0", "9")
             TCP("1000", "80")) } },
    { V4TCP, "recirc(0x1),2", { R(1, NULL), O(2, NULL) } },
    { V4TCP, "userspace(pid=7),2", { U(7, NULL), O(2, NULL) } },
    { V4TCP, "userspace(pid=7)", { U(7, NULL) } },
    { V4TCP, "meter(1),2", { O(2, NULL) } },
    { V4TCP, "1,meter(99),2", { O(1, NULL) } },
    { V4TCP, "1,ct,2", { O(1, NULL) } },
    { V4TCP, "ct(commit,zone=5),recirc(0x3)", { { 0 } } },
    { V4TCP, "ct_clear,2", { O(2, NULL) } },
    /* trunc cuts the next output (or upcall) only. */
    { V4TCP, "trunc(40),2,3", { OT(2, NULL, 40), O(3, NULL) } },
    { V4TCP, "trunc(40),2", { OT(2, NULL, 40) } },
    { V4TCP, "trunc(1000),2", { O(2, NULL) } },
    { V4TCP, "trunc(30),userspace(pid=1),2",
      { { 'u', 1, NULL, 30 }, O(2, NULL) } },
    { V4TCP, "trunc(20),clone(2),3", { O(2, NULL), OT(3, NULL, 20) } },
    /* Metadata-only sets leave the frame alone. */
    { V4TCP, "set(skb_mark(0x5)),set(skb_priority(0x3)),1", { O(1, NULL) } },
};
/* clang-format on */

/* Composes the frame of expectation X for a case whose input is IN. */
static struct pkt *
expected_packet(const char *in, const struct expect *x)
{
    struct pkt *p = packet_from_text(x->flow ? x->flow : in);

    if (x->trunc) {
        pkt_truncate(p, x->trunc);
    }
    return p;
}

static void
test_table(void **state)
{
    struct capture c;
    struct dp_execute_hooks h;

    capture_init(&c, &h);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct exec_case *tc = &cases[i];
        struct buf acts = BUF_INITIALIZER;
        size_t n_want = 0;

        actions_from_text(tc->actions, &acts);
        struct pkt *p = packet_from_text(tc->in);
        dp_execute_actions(p, acts.data, acts.len, &h);

        while (n_want < ARRAY_SIZE(tc->out) && tc->out[n_want].kind) {
            n_want++;
        }
        if (c.n != n_want) {
            fail_msg("case %zu (%s): %zu packets out, want %zu", i,
                     tc->actions, c.n, n_want);
        }
        for (size_t j = 0; j < n_want; j++) {
            const struct expect *x = &tc->out[j];
            struct pkt *want = expected_packet(tc->in, x);
            struct pkt *got = c.ev[j].p;

            if (c.ev[j].kind != x->kind || c.ev[j].id != x->id) {
                fail_msg("case %zu (%s): event %zu is %c%u, want %c%u", i,
                         tc->actions, j, c.ev[j].kind, c.ev[j].id, x->kind,
                         x->id);
            }
            if (got->size != want->size
                || memcmp(got->data, want->data, got->size)) {
                for (size_t k = 0; k < got->size && k < want->size; k++) {
                    if (got->data[k] != want->data[k]) {
                        print_error("first difference at byte %zu: "
                                    "%02x, want %02x\n",
                                    k, got->data[k], want->data[k]);
                        break;
                    }
                }
                fail_msg("case %zu (%s): packet %zu differs (%zu bytes, "
                         "want %zu)",
                         i, tc->actions, j, got->size, want->size);
            }
            assert_checksums(got);
            pkt_delete(want);
        }
        capture_clear(&c);
        buf_destroy(&acts);
    }
}

/* ---------------------------------------------------------------------
 * What the table does not show.
 * --------------------------------------------------------------------- */

/* Runs the action text S on P with capturing hooks into *C. */
static void
run(struct capture *c, struct pkt *p, const char *s)
{
    struct dp_execute_hooks h;
    struct buf acts = BUF_INITIALIZER;

    capture_init(c, &h);
    c->orig = p;
    actions_from_text(s, &acts);
    dp_execute_actions(p, acts.data, acts.len, &h);
    buf_destroy(&acts);
}

/* The last output or recirc takes the packet itself; earlier ones get
 * copies. */
static void
test_no_copy_when_last(void **state)
{
    struct capture c;
    struct pkt *p = packet_from_text(V4TCP);

    run(&c, p, "set(ipv4(ttl=1)),2");
    assert_int_equal(c.n, 1);
    assert_ptr_equal(c.ev[0].p, c.orig);
    capture_clear(&c);

    p = packet_from_text(V4TCP);
    run(&c, p, "2,3,recirc(0x9)");
    assert_int_equal(c.n, 3);
    assert_ptr_not_equal(c.ev[0].p, c.orig);
    assert_ptr_not_equal(c.ev[1].p, c.orig);
    assert_ptr_equal(c.ev[2].p, c.orig);
    capture_clear(&c);

    /* A clone or sample that ends the list works on the packet itself. */
    p = packet_from_text(V4TCP);
    run(&c, p, "clone(2)");
    assert_int_equal(c.n, 1);
    assert_ptr_equal(c.ev[0].p, c.orig);
    capture_clear(&c);
}

static void
test_metadata(void **state)
{
    struct capture c;
    struct pkt *p = packet_from_text(V4TCP);

    p->mark = 0xf0f0;
    run(&c, p, "set(skb_mark(0x5)),2,set(skb_mark(0x0a/0x0f)),3");
    assert_int_equal(c.n, 2);
    assert_int_equal(c.ev[0].p->mark, 0x5);
    assert_int_equal(c.ev[1].p->mark, 0xa);
    capture_clear(&c);

    p = packet_from_text(V4TCP);
    run(&c, p, "set(tunnel(tun_id=0x5,dst=10.0.0.9,ttl=64,flags(df))),4");
    assert_int_equal(c.n, 1);
    assert_int_equal(c.ev[0].p->tunnel.ip_dst, BE32(0x0a000009));
    assert_true(c.ev[0].p->tunnel.tun_id == PKT_HTONLL(5));
    assert_int_equal(c.ev[0].p->tunnel.ttl, 64);
    capture_clear(&c);

    p = packet_from_text(V4TCP);
    p->in_port = 7;
    run(&c, p, "recirc(0x2a)");
    assert_int_equal(c.ev[0].p->recirc_id, 0x2a);
    assert_int_equal(c.ev[0].p->in_port, 7);
    capture_clear(&c);
}

/* Returns the dp_hash that "hash(ALG)" gives the packet of flow text S. */
static uint32_t
hash_of(const char *s, const char *alg)
{
    struct capture c;
    char acts[64];

    snprintf(acts, sizeof acts, "hash(%s),recirc(0x1)", alg);
    run(&c, packet_from_text(s), acts);
    assert_int_equal(c.n, 1);
    uint32_t h = c.ev[0].p->dp_hash;
    capture_clear(&c);
    return h;
}

static void
test_hash(void **state)
{
    const char *fwd = V4TCP;
    const char *rev =
        IN ETH V4("10.0.0.2", "10.0.0.1", "6", "0", "64") TCP("80", "1000");
    const char *other =
        IN ETH V4("10.0.0.1", "10.0.0.2", "6", "0", "64") TCP("1001", "80");

    assert_int_not_equal(hash_of(fwd, "l4(0)"), 0);
    assert_int_equal(hash_of(fwd, "l4(0)"), hash_of(fwd, "l4(0)"));
    assert_int_not_equal(hash_of(fwd, "l4(0)"), hash_of(other, "l4(0)"));
    assert_int_not_equal(hash_of(fwd, "l4(0)"), hash_of(fwd, "l4(1)"));
    assert_int_not_equal(hash_of(fwd, "l4(0)"), hash_of(rev, "l4(0)"));
    /* Only the five-tuple counts: TTL and MACs do not. */
    assert_int_equal(hash_of(fwd, "l4(0)"),
                     hash_of(IN ETH V4("10.0.0.1", "10.0.0.2", "6", "0", "3")
                                 TCP("1000", "80"),
                             "l4(0)"));
    assert_int_equal(hash_of(fwd, "sym_l4(0)"), hash_of(rev, "sym_l4(0)"));
    assert_int_equal(hash_of(V6UDP, "l4(3)"), hash_of(V6UDP, "l4(3)"));
    assert_int_not_equal(hash_of(V6UDP, "l4(3)"), hash_of(V6TCP, "l4(3)"));
}

/* A 50% sample takes about half the packets, and the same seed takes the
 * same ones. */
static void
test_sample_rate(void **state)
{
    struct buf acts = BUF_INITIALIZER;
    struct capture c;
    struct dp_execute_hooks h;
    uint8_t first[1000];
    int hits = 0;

    actions_from_text("sample(sample=50.0%,actions(2))", &acts);
    capture_init(&c, &h);
    dp_execute_seed_random(12345);
    for (int i = 0; i < 1000; i++) {
        dp_execute_actions(packet_from_text(V4UDP), acts.data, acts.len, &h);
        first[i] = (uint8_t) c.n;
        hits += (int) c.n;
        capture_clear(&c);
    }
    assert_in_range(hits, 430, 570);
    dp_execute_seed_random(12345);
    for (int i = 0; i < 1000; i++) {
        dp_execute_actions(packet_from_text(V4UDP), acts.data, acts.len, &h);
        assert_int_equal(c.n, first[i]);
        capture_clear(&c);
    }
    buf_destroy(&acts);
}

/* A UDP checksum of 0 means "none" and must stay 0. */
static void
test_udp_no_checksum(void **state)
{
    static const char *const ins[] = { V4UDP, V6UDP };
    static const char *const acts[] = { "set(ipv4(src=1.1.1.1)),1",
                                        "set(ipv6(src=::1)),1" };

    for (size_t i = 0; i < ARRAY_SIZE(ins); i++) {
        struct capture c;
        struct pkt *p = packet_from_text(ins[i]);
        struct pkt_udp_hdr *udp = pkt_l4(p);
        udp->csum = 0;
        run(&c, p, acts[i]);
        assert_int_equal(c.n, 1);
        udp = pkt_l4(c.ev[0].p);
        assert_int_equal(udp->csum, 0);
        capture_clear(&c);

        /* Setting ports keeps it 0 too. */
        p = packet_from_text(ins[i]);
        ((struct pkt_udp_hdr *) pkt_l4(p))->csum = 0;
        run(&c, p, "set(udp(src=9)),1");
        assert_int_equal(((struct pkt_udp_hdr *) pkt_l4(c.ev[0].p))->csum, 0);
        capture_clear(&c);
    }
}

/* A packet without offsets (not yet extracted) is extracted on entry. */
static void
test_unextracted_packet(void **state)
{
    struct capture c;
    struct pkt *p = packet_from_text(V4TCP);

    pkt_reset_offsets(p);
    run(&c, p, "set(tcp(dst=81)),1");
    assert_int_equal(c.n, 1);
    struct pkt *want = packet_from_text(IN ETH V4X TCP("1000", "81"));
    assert_int_equal(c.ev[0].p->size, want->size);
    assert_memory_equal(c.ev[0].p->data, want->data, want->size);
    pkt_delete(want);
    capture_clear(&c);
}

static void
test_batch(void **state)
{
    struct buf acts = BUF_INITIALIZER;
    struct capture c;
    struct dp_execute_hooks h;
    struct pkt *pkts[DP_EXECUTE_BATCH_MAX];

    actions_from_text("set(udp(dst=9)),1,2", &acts);
    capture_init(&c, &h);
    for (size_t i = 0; i < DP_EXECUTE_BATCH_MAX; i++) {
        pkts[i] = packet_from_text(i % 2 ? V6UDP : V4UDP);
        pkts[i]->in_port = (uint32_t) i;
    }
    dp_execute_actions_batch(pkts, DP_EXECUTE_BATCH_MAX, acts.data, acts.len,
                             &h);
    assert_int_equal(c.n, 2 * DP_EXECUTE_BATCH_MAX);
    for (size_t i = 0; i < c.n; i++) {
        assert_int_equal(c.ev[i].id, i % 2 + 1);
        assert_int_equal(c.ev[i].p->in_port, i / 2);
        assert_int_equal(((struct pkt_udp_hdr *) pkt_l4(c.ev[i].p))->dst,
                         BE16(9));
        assert_checksums(c.ev[i].p);
    }
    capture_clear(&c);
    buf_destroy(&acts);
}

/* Hooks may be NULL: outputs and recircs are freed, upcalls and meters do
 * nothing.  (Leaks show under the sanitizers.) */
static void
test_null_hooks(void **state)
{
    struct dp_execute_hooks h = { 0 };
    struct buf acts = BUF_INITIALIZER;

    actions_from_text("userspace(pid=1),meter(1),recirc(0x1),2,clone(3),4",
                      &acts);
    dp_execute_actions(packet_from_text(V4TCP), acts.data, acts.len, &h);
    dp_execute_actions(NULL, acts.data, acts.len, &h);
    buf_destroy(&acts);
}

/* Hand-made malformed lists: the packet is dropped where the list goes
 * wrong, after whatever came before. */
static void
test_malformed(void **state)
{
    static const struct {
        const char *name;
        const char *hex; /* Netlink attributes. */
        size_t n_out;
    } bad[] = {
        { "unknown action", "04006300", 0 },
        { "output then unknown",
          "0800010002000000"
          "04006300",
          1 },
        { "output too short", "06000100020000000", 0 },
        { "truncated attribute",
          "0800010002000000"
          "0c000100",
          1 },
        { "attribute longer than the list", "1000010002000000", 0 },
        { "header cut short", "0800", 0 },
        { "push_vlan too short", "0600040081000000", 0 },
        { "set without key", "04000300", 0 },
        { "set of nd",
          "0800030004000e00"
          "0800010002000000",
          0 },
        { "set ipv4 wrong size",
          "0c0003000800070001020304"
          "08000100"
          "02000000",
          0 },
        { "sample without actions", "0c000600080001000000ffff", 0 },
        { "hash with unknown algorithm",
          "0c000700090000000000000008000100"
          "02000000",
          0 },
        { "drop",
          "0800180000000000"
          "0800010002000000",
          0 },
    };
    struct capture c;
    struct dp_execute_hooks h;

    capture_init(&c, &h);
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        size_t n = strlen(bad[i].hex) / 2;
        uint8_t *a = xmalloc(n + 1);
        for (size_t j = 0; j < n; j++) {
            unsigned int byte;
            sscanf(bad[i].hex + 2 * j, "%2x", &byte);
            a[j] = (uint8_t) byte;
        }
        dp_execute_actions(packet_from_text(V4TCP), a, n, &h);
        if (c.n != bad[i].n_out) {
            fail_msg("%s: %zu outputs, want %zu", bad[i].name, c.n,
                     bad[i].n_out);
        }
        capture_clear(&c);
        free(a);
    }
}

/* Every prefix of a rich action list runs without crashing, and outputs no
 * more than the whole list does. */
static void
test_truncated_lists(void **state)
{
    struct buf acts = BUF_INITIALIZER;
    struct capture c;
    struct dp_execute_hooks h;

    actions_from_text("push_vlan(vid=1,pcp=0),set(ipv4(src=1.1.1.1)),"
                      "clone(set(tcp(dst=1)),2),sample(sample=100.0%,"
                      "actions(userspace(pid=3),3)),trunc(30),4,pop_vlan,5",
                      &acts);
    capture_init(&c, &h);
    for (size_t n = 0; n <= acts.len; n++) {
        uint8_t *copy = xmemdup(acts.data, n);
        dp_execute_actions(packet_from_text(V4TCP), copy, n, &h);
        assert_true(c.n <= 5);
        if (n == acts.len) {
            assert_int_equal(c.n, 5);
        }
        for (size_t i = 0; i < c.n; i++) {
            assert_checksums(c.ev[i].p);
        }
        capture_clear(&c);
        free(copy);
    }
    buf_destroy(&acts);
}

/* Random bytes as actions never crash (the sanitizers watch). */
static void
test_garbage(void **state)
{
    struct capture c;
    struct dp_execute_hooks h;
    uint32_t x = 1;

    capture_init(&c, &h);
    for (int i = 0; i < 2000; i++) {
        uint8_t a[64];
        size_t n = (size_t) (i % 64);
        for (size_t j = 0; j < n; j++) {
            x = x * 1103515245u + 12345u;
            a[j] = (uint8_t) (x >> 16);
        }
        /* Plausible headers more often than chance would give. */
        if (n >= 4 && i % 3) {
            a[0] = (uint8_t) n;
            a[1] = 0;
            a[2] = (uint8_t) (a[2] % 26);
            a[3] = 0;
        }
        dp_execute_actions(packet_from_text(i % 2 ? V6TCP : VLAN_V4TCP), a, n,
                           &h);
        capture_clear(&c);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_no_copy_when_last),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_sample_rate),
        cmocka_unit_test(test_udp_no_checksum),
        cmocka_unit_test(test_unextracted_packet),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_null_hooks),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_truncated_lists),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
