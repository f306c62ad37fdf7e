/* rtf-translate.h: datapath flows to rte_flow rules.
 *
 * The match comes from the decoded struct flow and its mask (lib/flow.h),
 * the actions from the OVS_ACTION_ATTR_* netlink list
 * (<linux/openvswitch.h>, plus softpath/odp.h's tnl_push, tnl_pop and
 * drop).  Translation never calls DPDK: it fills a struct rtf_rule or says
 * exactly why it cannot, with a reason of the user-visible shapes
 *
 *   rteflow: no match on ipv6_label                       (UNSUPPORTED_MATCH)
 *   rteflow: no match on nw_frag (not later: no or first)
 *   rteflow: action userspace cannot be offloaded         (UNSUPPORTED_ACTION)
 *   rteflow: output to p9: not a DPDK port                (UNSUPPORTED_PORT)
 *
 * A mask rte_flow cannot say exactly is refused, never widened: a rule
 * that matched more than its flow would take packets the flow's actions
 * are wrong for.  (Matching less is allowed: the packets a rule misses go
 * to the software datapath, which has the flow.)
 *
 * The rule: attributes "transfer" (an eswitch port, created on its
 * transfer proxy with a REPRESENTED_PORT item naming the input port) or
 * "ingress" (created on the input port itself); pattern ETH, VLAN (one or
 * two tags), IPV4 or IPV6 (+ IPV6_FRAG_EXT), TCP/UDP/SCTP/ICMP/ICMP6;
 * actions COUNT first, then what the datapath actions say, and DROP when
 * nothing leaves.  rteflow/README.md has the field-by-field tables.
 *
 * Tunnels (userspace datapath, native tunnelling): a flow whose actions
 * end in tnl_pop(T) on a DPDK port becomes a rule that jumps to T's group
 * (rtf_tunnel_group()); a flow entering tunnel port T (its key holds the
 * tunnel() metadata) becomes, on each DPDK port the caller names, a rule
 * in T's group matching the outer headers (ETH / IPV4|IPV6 / UDP / VXLAN
 * or GENEVE, or GRE [/ GRE_KEY]) from the metadata, then the inner
 * headers, with VXLAN_DECAP or RAW_DECAP before the other actions;
 * tnl_push becomes RAW_ENCAP of its precomputed header followed by the
 * output to its underlay port. */
#ifndef NICFLOW_RTF_TRANSLATE_H
#define NICFLOW_RTF_TRANSLATE_H 1

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/nicflow/offload-provider.h"
#include "rteflow/rtf-rule.h"

struct flow;

/* Tunnel port types of the userspace datapath that rteflow serves. */
enum rtf_tnl_type {
    RTF_TNL_NONE = 0,
    RTF_TNL_VXLAN,
    RTF_TNL_GENEVE,
    RTF_TNL_GRE,
};

/* How rules are put on a port (rtf-provider.c chooses at port_add()). */
enum rtf_api {
    RTF_API_SYNC,     /* rte_flow_validate() + rte_flow_create(). */
    RTF_API_TEMPLATE, /* rte_flow_configure() + templates + async queue. */
};

/* A port the provider serves (offload_port.provider_data). */
struct rtf_port {
    uint32_t odp_port;
    char name[16];
    enum rtf_tnl_type tnl_type; /* Not NONE: a tunnel port, no ethdev. */

    /* An ethdev (tnl_type NONE). */
    uint16_t port_id;       /* DPDK port id. */
    uint16_t proxy_port_id; /* Where transfer rules go (rte_flow_pick_
                              * transfer_proxy()); port_id otherwise. */
    bool transfer;          /* Part of an eswitch: transfer rules. */
    uint16_t switch_domain; /* Eswitch domain (transfer ports only). */
    uint16_t n_rxq;         /* Receive queues, for partial offload RSS. */
    int if_index;           /* The ethdev's kernel device, if any. */
    bool tc_counted;        /* Rules counted by their TC filters (tap). */
    enum rtf_api api;       /* The API flows use on this port. */
    bool template_capable;  /* rte_flow_info_get() says it could. */
    atomic_uint n_rules;    /* rte_flow rules held on this port. */
};

/* The rte_flow group of tunnel port ODP_PORT's decapsulation rules. */
uint32_t rtf_tunnel_group(uint32_t odp_port);

/* The provider's port behind PORT, or NULL if rteflow does not serve it. */
const struct rtf_port *rtf_port_of(const struct offload_port *port);

/* What translation asks of its surroundings: the provider passes
 * offload_port_lookup() and its meter table, unit tests their own. */
struct rtf_env {
    const struct offload_port *(*lookup)(uint32_t odp_port);
    /* 0 if datapath meter DP_METER can be put into an rte_flow METER
     * action, else an errno with the reason in *WHY.  NULL: no meters. */
    int (*meter_check)(uint32_t dp_meter, struct offload_reason *why);
};

/* Translates FLOW into R (rtf_rule_init() first).  VIA is the DPDK port
 * the rule goes on, required when FLOW enters a tunnel port; NULL puts
 * the rule on the input port.  (Partial offload passes a copy of the
 * input port with 'transfer' cleared, for an ingress rule.)  Returns 0, or EOPNOTSUPP with the
 * reason in *WHY (UNSUPPORTED_MATCH, _ACTION or _PORT), or EINVAL for a
 * malformed action list (INTERNAL). */
int rtf_translate(const struct offload_flow *flow, const struct rtf_port *via,
                  const struct rtf_env *env, struct rtf_rule *r,
                  struct offload_reason *why);

/* The match part alone: attributes and pattern of FLOW on VIA (see
 * rtf_translate()).  Partial offload uses it with its own actions. */
int rtf_translate_match(const struct offload_flow *flow,
                        const struct rtf_port *via, struct rtf_rule *r,
                        struct offload_reason *why);

/* The action part: FLOW's actions appended to R (whose attributes and
 * pattern rtf_translate_match() filled in, with the same VIA). */
int rtf_translate_actions(const struct offload_flow *flow,
                          const struct rtf_port *via,
                          const struct rtf_env *env, struct rtf_rule *r,
                          struct offload_reason *why);

/* rtf-tunnel.c, for rtf-match.c and rtf-actions.c. */

/* Appends the outer items of a flow entering tunnel port TNL (KEY/MASK's
 * tunnel() metadata) to R.  0 or EOPNOTSUPP with the reason. */
int rtf_tunnel_match(const struct flow *key, const struct flow *mask,
                     const struct rtf_port *tnl, struct rtf_rule *r,
                     struct offload_reason *why);

/* Appends the decapsulation action for the outer headers rtf_tunnel_match()
 * matched (VXLAN_DECAP, or RAW_DECAP of the header it describes). */
int rtf_tunnel_decap(const struct flow *key, const struct flow *mask,
                     const struct rtf_port *tnl, struct rtf_rule *r,
                     struct offload_reason *why);

/* Appends RAW_ENCAP of tnl_push payload PUSH (LEN bytes) to R and stores
 * its underlay port in *OUT_PORT.  0, EOPNOTSUPP or EINVAL (malformed). */
int rtf_tunnel_encap(const void *push, size_t len, struct rtf_rule *r,
                     uint32_t *out_port, struct offload_reason *why);

/* The tunnel type of datapath port type TYPE ("vxlan", "geneve", "gre"),
 * or RTF_TNL_NONE. */
enum rtf_tnl_type rtf_tnl_type_from_string(const char *type);

#endif /* NICFLOW_RTF_TRANSLATE_H */
