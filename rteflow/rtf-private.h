/* rtf-private.h: state shared by rtf-provider.c (the class, life cycle,
 * ports, meters) and rtf-flows.c (flow calls).  Not for use outside
 * rteflow/.
 *
 * Locking.  Flow calls run concurrently on the manager's worker threads;
 * DPDK's rte_flow calls are thread-safe per port (the ethdev layer locks
 * for PMDs that are not).  'rtf_state.mutex' guards the flow, handle and
 * mark maps and the meter table; it is never held across a DPDK call.
 * Port calls run on the main thread while no flow call runs, so they may
 * create and free struct rtf_port and change the port list. */
#ifndef NICFLOW_RTF_PRIVATE_H
#define NICFLOW_RTF_PRIVATE_H 1

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "include/nicflow/offload-provider.h"
#include "lib/hmap.h"
#include "rteflow/rtf-ops.h"
#include "rteflow/rtf-translate.h"

/* One rte_flow rule of a flow. */
struct rtf_rule_ref {
    struct rtf_port *port; /* The port it was put for. */
    uint16_t port_id;      /* The ethdev it was created on. */
    struct rte_flow *flow;
    bool uncounted;     /* Made without COUNT: ops->tc_count() counts it */
    uint32_t tc_handle; /* by the TC filter with this handle. */
};

/* One flow the provider holds. */
struct rtf_flow {
    struct hmap_node by_ufid;   /* In rtf_state.flows. */
    struct hmap_node by_handle; /* In rtf_state.handles. */
    struct hmap_node by_mark;   /* In rtf_state.marks, if 'mark'. */
    struct offload_ufid ufid;
    uint64_t handle;
    bool partial;  /* MARK + RSS/QUEUE only. */
    uint32_t mark; /* Partial: the MARK id; 0 otherwise. */
    size_t n_rules;
    struct rtf_rule_ref *rules;
    uint64_t last_packets; /* For 'used'. */
    long long used;
};

/* A datapath meter as meter_set() gave it. */
struct rtf_meter {
    uint32_t id;
    struct offload_meter meter;
    uint64_t ports_made[1024 / 64]; /* DPDK ports whose rte_mtr exists. */
};

struct rtf_state {
    pthread_mutex_t mutex;
    bool inited;
    const struct rtf_ops *ops;
    const struct offload_port *(*lookup)(uint32_t odp_port);

    struct hmap flows;   /* struct rtf_flow by ufid (mutex). */
    struct hmap handles; /* struct rtf_flow by handle (mutex). */
    struct hmap marks;   /* struct rtf_flow by mark (mutex). */
    uint64_t next_handle;
    uint32_t next_mark;

    /* Ports added and not deleted; changed by port calls only. */
    struct rtf_port **ports;
    size_t n_ports, allocated_ports;

    /* Meters (mutex). */
    struct rtf_meter *meters;
    size_t n_meters;

    atomic_uint max_rules; /* Global default of the per-port limit. */

    /* Held while a rule without COUNT is made, from listing its device's
     * filters before to listing them after, so that the one new filter is
     * the rule's. */
    pthread_mutex_t tc_mutex;
};

extern struct rtf_state rtf_state;

/* The largest MARK id handed out: PMDs take 24 bits at least. */
#define RTF_MARK_MAX 0xffffff

/* Hash of a ufid. */
uint32_t rtf_ufid_hash(const struct offload_ufid *);

/* The per-port limit of PORT: its own max_rules, else the global one; 0
 * means none. */
unsigned rtf_port_limit(const struct offload_port *port);

/* The rte_flow API for DPDK port PORT_ID (rtf-provider.c has the
 * rules); *CAPABLE: whether the PMD offers the template API. */
enum rtf_api rtf_api_choose(uint16_t port_id, bool want_template,
                            bool *capable);

/* The meter check of struct rtf_env (mutex not held). */
int rtf_meter_check(uint32_t dp_meter, struct offload_reason *why);

/* Makes the rte_mtr objects of the meters R's METER actions name exist on
 * R's port.  0 or a negative errno with *ERROR filled in. */
int rtf_meters_ensure(const struct rtf_rule *r, struct rte_flow_error *error);

/* Fills WHY from a failed DPDK call: "rteflow: PMD refused: <message>
 * (type N[, at item I: <name>])" naming the item or action of R that
 * ERROR's cause points into.  Returns the positive errno of RET. */
int rtf_pmd_reason(int ret, const struct rte_flow_error *error,
                   const struct rtf_rule *r, struct offload_reason *why);

/* Forgets every flow (and destroys its rules, unless FLUSHED) that has a
 * rule on PORT (all flows if PORT is NULL). */
void rtf_flows_forget_port(const struct rtf_port *port, bool flushed);

/* Flow calls (rtf-flows.c), as the class wants them. */
int rtf_flow_check(void *ctx, const struct offload_flow *flow,
                   struct offload_reason *why);
void rtf_flow_put(void *ctx, const struct offload_flow *flows, size_t n,
                  struct offload_put_result *results);
void rtf_flow_del(void *ctx, const struct offload_port *const *ports,
                  const struct offload_ufid *ufids, const uint64_t *handles,
                  size_t n, struct offload_stats *stats, int *errors);
void rtf_flow_stats(void *ctx, const struct offload_port *const *ports,
                    const uint64_t *handles, size_t n,
                    struct offload_stats *stats, int *errors);
void rtf_flush(void *ctx);
/* The class's stats_lines: flows fully and partially offloaded, rules,
 * rules counted by TC filters, rules per DPDK port. */
void rtf_stats_lines(struct buf *out);

#endif /* NICFLOW_RTF_PRIVATE_H */
