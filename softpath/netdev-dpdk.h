/* netdev-dpdk.h: DPDK in the userspace datapath — the Environment
 * Abstraction Layer (EAL), set up once per process, and the "dpdk" port
 * type (netdev-dpdk.c, built only with DPDK: config.h HAVE_DPDK).
 *
 * EAL.  netdev_dpdk_set_config() takes Open vSwitch's Open_vSwitch
 * other_config keys each time they change.  The first time dpdk-init is
 * "true" (or "try") it builds the EAL arguments and calls rte_eal_init():
 * dpdk-lcore-mask → "-c MASK" (else "-l" with the first core the process
 * may run on), dpdk-socket-mem → "--socket-mem", then dpdk-extra split
 * into words (quotes not interpreted, as Open vSwitch splits it).  EAL can
 * be initialised once per process: a later change of these keys is
 * logged as needing a restart, and so is a failed initialisation.  A
 * failure leaves the process running without DPDK (Open vSwitch aborts
 * for dpdk-init=true); dpdk ports then say why they cannot open.
 *
 * Ports (type "dpdk"): see netdev-dpdk.c and softpath/README.md.  Options
 * dpdk-devargs (required), n_rxq, n_txq, n_rxq_desc, n_txq_desc,
 * mtu_request.
 *
 * Main thread only, except where a port's own calls say otherwise. */
#ifndef NICFLOW_SOFTPATH_NETDEV_DPDK_H
#define NICFLOW_SOFTPATH_NETDEV_DPDK_H 1

#include <stdbool.h>
#include <stdint.h>

/* Open_vSwitch other_config's DPDK keys (NULL where absent). */
struct netdev_dpdk_settings {
    const char *init;       /* dpdk-init: "true", "try", else off. */
    const char *extra;      /* dpdk-extra. */
    const char *socket_mem; /* dpdk-socket-mem. */
    const char *lcore_mask; /* dpdk-lcore-mask. */
};

/* Registers the "dpdk" port type (once; later calls do nothing). */
void netdev_dpdk_register(void);

/* Applies SETTINGS: initialises EAL the first time dpdk-init asks for it;
 * later changes are only logged (a restart applies them). */
void netdev_dpdk_set_config(const struct netdev_dpdk_settings *settings);

/* True once rte_eal_init() succeeded. */
bool netdev_dpdk_initialized(void);

/* "DPDK 22.11.x" (rte_version()); valid for the life of the process. */
const char *netdev_dpdk_version(void);

/* Why DPDK is not usable, for the error column of a dpdk interface:
 * "DPDK is not initialized (set other_config:dpdk-init=true)" or the EAL
 * failure; NULL once initialised. */
const char *netdev_dpdk_unavailable_reason(void);

/* The DPDK port id of the open dpdk port NAME (the interface name, not
 * DPDK's name of the device), for the rte_flow provider: 0, or ENODEV if
 * no dpdk port of that name is attached to an ethdev.  Any thread. */
int netdev_dpdk_port_id(const char *name, uint16_t *port_id);

#endif /* NICFLOW_SOFTPATH_NETDEV_DPDK_H */
