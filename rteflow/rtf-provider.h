/* rtf-provider.h: the DPDK rte_flow offload provider ("rteflow").
 *
 * nicflowd registers rtf_provider_class with offload_provider_register()
 * when it is built with DPDK.  The provider serves DPDK ports (port type
 * "dpdk", found by name with the rtf_ops port_info call) and the
 * userspace datapath's tunnel ports ("vxlan", "geneve", "gre"), putting
 * each datapath flow into rte_flow rules: one on its input port (a
 * transfer rule through the eswitch's proxy for representors), or for a
 * flow entering a tunnel port one per DPDK port in the tunnel's group.
 * Where full offload is refused (by translation or by the PMD) and the
 * match alone can be said exactly, the flow is offloaded partially: MARK
 * + RSS (or QUEUE), so that the softpath can find the flow of a packet by
 * its mark (rtf_mark_to_ufid()) instead of a lookup.  See
 * rteflow/README.md. */
#ifndef NICFLOW_RTF_PROVIDER_H
#define NICFLOW_RTF_PROVIDER_H 1

#include <stdbool.h>
#include <stdint.h>

#include "include/nicflow/offload-provider.h"

extern const struct offload_provider_class rtf_provider_class;

struct rtf_ops;

/* Makes the provider call OPS instead of DPDK (NULL: back to
 * rtf_dpdk_ops) and resolve datapath ports with LOOKUP instead of
 * offload_port_lookup() (NULL: back to it).  For unit tests; call while
 * the provider is not initialised. */
void rtf_provider_set_ops(const struct rtf_ops *ops,
                          const struct offload_port *(*lookup)(uint32_t));

/* The ufid of the partially offloaded flow whose rule marks packets with
 * MARK (the id of an rte_flow MARK action, as the PMD reports it in the
 * mbuf's FDIR id).  False if no flow has that mark.  Thread-safe; the
 * softpath's receive path is to call it. */
bool rtf_mark_to_ufid(uint32_t mark, struct offload_ufid *ufid);

#endif /* NICFLOW_RTF_PROVIDER_H */
