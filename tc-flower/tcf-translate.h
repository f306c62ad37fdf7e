/* tcf-translate.h: datapath flows to flower filters.
 *
 * The match comes from the decoded struct flow and its mask (lib/flow.h),
 * the actions from the OVS_ACTION_ATTR_* netlink list
 * (<linux/openvswitch.h>).  Translation never touches the kernel: it fills
 * a struct tcf_filter or says exactly why it cannot, with a reason of the
 * user-visible shapes
 *
 *   tc: no match on ipv6_label                        (UNSUPPORTED_MATCH)
 *   tc: no match on tunnel (p1 is not a tunnel port)  (UNSUPPORTED_MATCH)
 *   tc: action userspace cannot be offloaded          (UNSUPPORTED_ACTION)
 *   tc: action set(tunnel) with tp_src cannot be offloaded
 *   tc: output to vxlan_sys_4789 (a vxlan tunnel port) without set(tunnel)
 *   tc: meter 3 has no police action: no such meter
 *   tc: output to p9: not a kernel network device     (UNSUPPORTED_PORT)
 *
 * What is offloaded: in_port (exact, as the filter's device), Ethernet
 * addresses, ethertype, one or two VLAN tags (TPID, VID, PCP), IPv4 and
 * IPv6 addresses, IP protocol, ToS/traffic class, TTL/hop limit, fragment
 * flags, TCP/UDP/SCTP ports, TCP flags, ICMP/ICMPv6 type and code, ARP
 * opcode and addresses; actions output (mirred; ingress redirect with
 * skbedit ptype host for internal and tap ports), push_vlan,
 * pop_vlan (pop then push: modify), set/set_masked of Ethernet, IPv4,
 * IPv6, TCP and UDP headers (pedit followed by csum), meter (a police
 * action bound to the meter's shared one, tcf-police.h; a filter that
 * would start with it starts with a counting gact pipe, which carries the
 * cookie), and drop.
 *
 * Tunnels (tc-flower/README.md, "Tunnels"): on a tunnel port ("vxlan",
 * "geneve", "gre": a collect-metadata device of the kernel datapath) the
 * tunnel() key becomes flower's enc_* keys (tun_id exact as ENC_KEY_ID,
 * outer IPv4 or IPv6 addresses, UDP destination port, ToS and TTL, all
 * masked, Geneve options as ENC_OPTS with their class, type and data
 * masks; the df and csum flags are ignored, as Open vSwitch does on
 * kernels without ENC_FLAGS) and the filter's first action is tunnel_key
 * unset; set(tunnel(...)) becomes tunnel_key set (Geneve options as its
 * ENC_OPTS) before the next output to a tunnel port, whose mirred the
 * device then encapsulates from.  Geneve options flower cannot express
 * are refused with what is wrong ("tc: no match on geneve options
 * (absent: flower cannot match a packet without options)"). */
#ifndef NICFLOW_TCF_TRANSLATE_H
#define NICFLOW_TCF_TRANSLATE_H 1

#include <stddef.h>
#include <stdint.h>

#include "include/nicflow/offload-provider.h"
#include "tc-flower/tcf-filter.h"

struct flow;

/* Resolves a datapath port number to its port, or NULL: the provider uses
 * offload_port_lookup(), unit tests a table of their own. */
typedef const struct offload_port *tcf_port_lookup_fn(uint32_t odp_port);

/* Translates FLOW into *F: device (the input port's ifindex) and hook
 * (tcf_port_parent() of the input port's type), protocol,
 * match, actions, the first action's cookie (the ufid) and SKIP_FLAGS
 * (TCA_CLS_FLAGS_SKIP_SW / _SKIP_HW, from tc-policy).  Leaves prio and
 * handle 0 for the caller to allocate.  Returns 0, or EOPNOTSUPP with the
 * reason in *WHY (UNSUPPORTED_MATCH, _ACTION or _PORT), or EINVAL for a
 * malformed action list (INTERNAL). */
int tcf_translate(const struct offload_flow *flow, uint32_t skip_flags,
                  tcf_port_lookup_fn *lookup, struct tcf_filter *f,
                  struct offload_reason *why);

/* The match part: KEY/MASK of a flow entering port IN into F's protocol,
 * key and mask (F already initialised); IN's type decides whether tunnel
 * metadata can be matched (tcf_port_is_tunnel()).  Returns 0 or
 * EOPNOTSUPP with an UNSUPPORTED_MATCH reason naming the first field that
 * cannot be matched (in struct flow's order). */
int tcf_translate_match(const struct flow *key, const struct flow *mask,
                        const struct offload_port *in, struct tcf_filter *f,
                        struct offload_reason *why);

/* The action part: ACTIONS (LEN bytes) into F's actions.  F's match must
 * be filled in already: it decides which checksums a header rewrite
 * updates, and whether pop+push may become a VLAN modify.  Returns 0,
 * EOPNOTSUPP with an UNSUPPORTED_ACTION or UNSUPPORTED_PORT reason, or
 * EINVAL (INTERNAL) for a malformed list. */
int tcf_translate_actions(const void *actions, size_t len,
                          tcf_port_lookup_fn *lookup, struct tcf_filter *f,
                          struct offload_reason *why);

#endif /* NICFLOW_TCF_TRANSLATE_H */
