/* dpif-netdev.h: the userspace datapath ("netdev" datapath type).
 *
 * Datapaths of this type live in the process: their ports are netdevs
 * (softpath/netdev.h), their flows sit in a megaflow classifier behind an
 * exact-match cache, and packets move only when the owner calls
 * dpif_netdev_run().  Everything else goes through dpif.h. */
#ifndef NICFLOW_SOFTPATH_DPIF_NETDEV_H
#define NICFLOW_SOFTPATH_DPIF_NETDEV_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dpif;
struct dpif_ufid;

/* Registers the "netdev" datapath type with dpif_register_class().  May be
 * called any number of times. */
void dpif_netdev_register(void);

/* Receives one batch from every port of DPIF's datapath without blocking,
 * looks each packet up, runs the actions of the flows hit and queues
 * upcalls for the rest.  Returns the number of packets received. */
int dpif_netdev_run(struct dpif *dpif);

/* Sets the range (host order, inclusive, 1 <= MIN <= MAX) the tnl_push
 * action of DPIF's datapath draws outer UDP source ports from, by a hash
 * of the inner flow; the default is 32768..61000, as Open vSwitch's
 * tnl_udp_port_range.  Returns 0, or EINVAL (bad range or DPIF not of
 * this type). */
int dpif_netdev_set_tnl_src_range(struct dpif *dpif, uint16_t min,
                                  uint16_t max);

/* Stores in FDS up to MAX file descriptors that poll readable when
 * dpif_netdev_run() has packets to process (one per port that has one)
 * and returns how many there are in all (which may exceed MAX). */
size_t dpif_netdev_wait_fds(const struct dpif *dpif, int *fds, size_t max);

/* True if some port of DPIF's datapath has no fd to wait on and must be
 * polled (netdev_needs_polling(): DPDK ports): the owner then calls
 * dpif_netdev_run() again after a short sleep at most, instead of
 * sleeping until an fd from dpif_netdev_wait_fds() polls readable. */
bool dpif_netdev_needs_polling(const struct dpif *dpif);

/* Test hook: the port type of the local port (0) of datapaths created
 * from now on.  The default, "internal", creates a tap device and needs
 * privileges; unit tests set "dummy".  NULL restores the default.  TYPE
 * must be a string literal or otherwise outlive its use. */
void dpif_netdev_set_local_port_type(const char *type);

/* Test hook: makes the exact-match caches of datapaths created from now on
 * insert on 1 in INV_PROB misses (0 disables the cache, 1 inserts on every
 * miss; the default is EMC_DEFAULT_INSERT_INV_PROB). */
void dpif_netdev_set_emc_insert_inv_prob(unsigned int inv_prob);

/* Partial offload: the flow a NIC's mark stands for.  A packet that a
 * NIC rule marked (struct pkt hw_mark, set by the dpdk port type) is given
 * the flow whose ufid RESOLVER answers for the mark, without an exact-
 * match cache or classifier lookup; an unknown mark, or a flow the
 * datapath no longer has, falls back to the lookup.  The offload provider
 * that puts the marks resolves them (rteflow's rtf_mark_to_ufid()).
 * RESOLVER runs on the datapath thread and must be thread-safe; NULL (the
 * default) ignores marks.  Set it before the datapath forwards. */
typedef bool dpif_netdev_mark_resolver(uint32_t mark, struct dpif_ufid *ufid);
void dpif_netdev_set_mark_resolver(dpif_netdev_mark_resolver *resolver);

/* Poll-mode threads (dpif-netdev-pmd.c; other_config:pmd-cpu-mask).
 * dpif_netdev_set_pmd_cpus() sets the CPUs (N distinct ids; N == 0: none,
 * the default, when the datapath thread serves every port): every
 * datapath that has polled multi-queue ports (DPDK) then runs one thread
 * on each, pinned to it, and deals the receive queues of those ports to
 * them in turn; the datapath thread keeps the other ports.  Applies to
 * existing datapaths at once and to later ones.  0, or EINVAL for a
 * negative, too large or repeated id (nothing changed). */
struct buf;
int dpif_netdev_set_pmd_cpus(const int *cpus, size_t n);

/* How long a poll-mode thread keeps polling after its last packet before
 * it sleeps between looks, in microseconds (LLONG_MAX: never sleeps). */
void dpif_netdev_pmd_set_busy_poll(long long us);

/* Open vSwitch's dpif-netdev/pmd-rxq-show, pmd-stats-show and
 * pmd-stats-clear: appends to OUT, in Open vSwitch's format, the queues
 * each thread polls, or each thread's counters ("main thread": the
 * datapath thread's), or clears the counters; of the thread on CPU CORE
 * only if CORE >= 0, of datapath DP_NAME only if it is not NULL (ENOENT
 * with a message in *ERRP if there is no such datapath). */
enum dpif_netdev_pmd_cmd {
    DPIF_NETDEV_PMD_RXQ_SHOW,
    DPIF_NETDEV_PMD_STATS_SHOW,
    DPIF_NETDEV_PMD_STATS_CLEAR,
};
int dpif_netdev_pmd_show(enum dpif_netdev_pmd_cmd cmd, int core,
                         const char *dp_name, struct buf *out, char **errp);

#endif /* NICFLOW_SOFTPATH_DPIF_NETDEV_H */
