/* tcf-translate-fixtures.h: what the unit tests of tc-flower's
 * translation (test-tcf-translate.c, test-tcf-translate-tunnel.c) share:
 * a small table of ports of the tests' own (plain devices, an internal
 * port, a tap, tunnel vports) with their lookup function, flows written
 * in the ovs-dpctl dump-flows syntax (struct xcase) parsed into the forms
 * the provider gets, and the build-and-parse-back round trip of a filter
 * through an RTM_NEWTFILTER message.  Include after <cmocka.h>; the
 * functions are static inline so that a program that does not use one is
 * not warned about it. */
#ifndef NICFLOW_TESTS_UNIT_TCF_TRANSLATE_FIXTURES_H
#define NICFLOW_TESTS_UNIT_TCF_TRANSLATE_FIXTURES_H 1

#include <stdint.h>
#include <string.h>
#include <linux/netlink.h>

#include "lib/buf.h"
#include "lib/flow.h"
#include "softpath/odp.h"
#include "tc-flower/tcf-filter.h"
#include "tc-flower/tcf-msg.h"
#include "tc-flower/tcf-translate.h"

/* The tests' ports: datapath number, name, type, ifindex, internal. */
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

/* The port numbered ODP_PORT in ports[], or NULL: the provider's port
 * lookup function. */
static inline const struct offload_port *
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

/* Tunnel metadata most tunnel cases match on or set. */
#define TUN_A "tun_id=0x64,src=10.1.1.2,dst=10.1.1.1"

/* Parses C's key and actions into FLOW/MASK and the netlink buffers. */
static inline void
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

/* Initialises *OF as the provider gets a flow: the parsed FLOW and MASK,
 * the netlink KEY, KMASK and ACTS (which must outlive *OF), a fixed ufid
 * and the port it came in on. */
static inline void
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
static inline void
wire_round_trip(const struct tcf_filter *f, struct tcf_filter *back)
{
    static uint8_t msg[16384];
    size_t len =
        tcf_msg_new_filter(msg, sizeof msg, 7, NLM_F_CREATE | NLM_F_EXCL, f);

    assert_true(len > 0);
    assert_int_equal(tcf_msg_parse_filter((struct nlmsghdr *) msg, back), 0);
}

#endif
