/* tcf-provider.h: the TC flower offload provider ("tc").
 *
 * nicflowd registers tcf_provider_class with offload_provider_register().
 * The provider puts datapath flows into flower filters on the ingress hook
 * of each port's clsact qdisc, over rtnetlink (libmnl), one filter per
 * flow.  Hardware (switchdev representors) gets them through the kernel's
 * flower offload; a plain netdev (a veth, say) runs them in software.
 *
 * Filters it owns: chain 0, priorities 0x4000-0x7fff, and a 16-byte
 * TCA_ACT_COOKIE (the flow's ufid) on the first action; every other filter
 * on a port is left alone (tcf-filter.h has the rules).  See
 * tc-flower/README.md for the whole picture. */
#ifndef NICFLOW_TCF_PROVIDER_H
#define NICFLOW_TCF_PROVIDER_H 1

#include "include/nicflow/offload-provider.h"

extern const struct offload_provider_class tcf_provider_class;

#endif /* NICFLOW_TCF_PROVIDER_H */
