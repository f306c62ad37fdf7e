/* upcall.h: datapath misses and the flows they install, and the
 * revalidator that keeps those flows right.
 *
 * The upcall handler reads misses from the datapath, translates each
 * (xlate_flow), executes the actions on the packet and installs the
 * megaflow.  Every flow it installs has a "ukey" here: the datapath flow's
 * key, mask and actions, the OpenFlow rules it went through and the
 * translation generation it was made at.
 *
 * The revalidator passes over every ukey periodically (every
 * REVALIDATE_INTERVAL_MS, and soon after anything changed the
 * translation generation), reading the datapath's counters of its flow:
 * it credits each flow's new packets and bytes to its OpenFlow rules,
 * removes flows idle for longer than max-idle, forgets ukeys whose flow
 * the datapath no longer has, and translates again the flows made at an
 * older generation, changing or removing those whose result changed.
 *
 * Both run on nicflowd's main thread, in slices of a few milliseconds, so
 * that neither holds up the other or the rest of the main loop for long
 * (upcall/show's "dump duration" is the main-thread time of the last
 * pass, "pass wall time" its elapsed time). */
#ifndef NICFLOW_VSWITCHD_UPCALL_H
#define NICFLOW_VSWITCHD_UPCALL_H 1

#include <stddef.h>

struct dpif;
struct evloop;

#define UPCALL_DEFAULT_MAX_IDLE_MS 10000
#define UPCALL_DEFAULT_FLOW_LIMIT 200000
#define REVALIDATE_INTERVAL_MS 500

/* Starts the module on LOOP and registers its control commands
 * (upcall/show, revalidator/purge, dpif/dump-flows, ofproto/trace). */
void upcall_init(struct evloop *loop);

/* Handles the misses of DPIF (the datapath the bridges use), or stops
 * handling any with NULL.  Flows of a previous datapath are forgotten. */
void upcall_set_dpif(struct dpif *);

/* Open_vSwitch other_config:n-handler-threads (0: one per CPU nicflowd
 * may run on): the upcall handler threads are started again with that
 * many when it changes.  There are never more than the datapath has
 * upcall queues (one for the userspace datapath; one per CPU socket for
 * the kernel's in per-CPU dispatch). */
void upcall_set_n_handlers(unsigned int n);

/* The handler threads running now (0: the main thread reads upcalls). */
size_t upcall_n_handlers(void);

/* Open_vSwitch other_config: flow-limit (0: default) and max-idle in
 * milliseconds (0: default).  The configured flow limit is the one in
 * force until revalidator passes take too long (see below). */
void upcall_set_config(size_t flow_limit, unsigned int max_idle_ms);

/* The flow limit after a revalidator pass over N_FLOWS flows that took
 * DURATION_MS of work, from CUR, never over CONFIGURED nor under 1,000
 * (Open vSwitch's dynamic flow limit; the datapath refuses new flows
 * above it, so that passes stay short).  Pure, for tests. */
size_t upcall_flow_limit_adjust(size_t cur, size_t configured, size_t n_flows,
                                long long duration_ms);

/* Translates again every installed flow now (after a configuration
 * change), instead of at the next periodic pass. */
void upcall_revalidate_soon(void);

/* Hardware offload (offload/offload.h).  Every flow the handler installs
 * is also offered to the offload manager; a flow leaves hardware before
 * it is changed or removed in software, and its hardware counters are
 * added to the software ones.  upcall_offload_withdraw() takes every
 * flow out of hardware now, keeping their counters (before offload is
 * switched off); upcall_offload_reoffer() offers every installed flow
 * again (after it is switched on). */
void upcall_offload_withdraw(void);
void upcall_offload_reoffer(void);

#endif /* upcall.h */
