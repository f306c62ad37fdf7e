/* tcf-private.h: state shared by tcf-provider.c (the class, life cycle,
 * ports) and tcf-flows.c (flow calls, reconcile, flush).  Not for use
 * outside tc-flower/.
 *
 * Locking.  Flow calls run concurrently on the manager's worker threads,
 * each with its own netlink context (struct tcf_nl), so I/O needs no lock.
 * The bookkeeping below does: 'tcf_state.mutex' guards the flow map, the
 * priority table and every port's handle map and in_hw counts.  It is
 * never held across netlink I/O.  A port's rule count is atomic, so that
 * the max_rules limit is enforced without the mutex (and read by
 * port_describe() at any time).  Port calls run on the main thread while
 * no flow call runs, so they may create and free struct tcf_port. */
#ifndef NICFLOW_TCF_PRIVATE_H
#define NICFLOW_TCF_PRIVATE_H 1

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "include/nicflow/offload-provider.h"
#include "lib/hmap.h"
#include "tc-flower/tcf-alloc.h"
#include "tc-flower/tcf-filter.h"
#include "tc-flower/tcf-nl.h"
#include "tc-flower/tcf-police.h"

/* A port the provider serves (offload_port.provider_data). */
struct tcf_port {
    int ifindex;
    char name[16];
    uint32_t odp_port;
    uint32_t parent;      /* Our hook: tcf_port_parent() of its type. */
    bool qdisc_created;   /* port_add() made the clsact qdisc. */
    atomic_uint n_rules;  /* Filters held or being added. */
    struct hmap handles;  /* struct tcf_flow by handle (mutex). */
    uint32_t next_handle; /* Next handle to try (mutex). */
    unsigned n_in_hw;     /* Of the installed filters (mutex). */
    unsigned n_not_in_hw;
};

/* One flow the provider holds (or is adding) as a filter. */
struct tcf_flow {
    struct hmap_node by_ufid;   /* In tcf_state.flows, once installed. */
    struct hmap_node by_handle; /* In port->handles, from allocation. */
    struct offload_ufid ufid;
    struct tcf_port *port;
    uint16_t prio;
    uint16_t protocol; /* be16. */
    uint32_t handle;
    bool installed;  /* In tcf_state.flows. */
    bool holds_slot; /* Counted in port->n_rules. */
    bool in_hw;      /* TCA_CLS_FLAGS_IN_HW in the kernel's echo. */
    /* The meters whose police actions the installed filter binds
     * (counted in tcf-police.c's registry, so that a deleted meter's
     * action goes once its last filter has). */
    uint8_t n_meters;
    uint32_t meters[TCF_POLICE_MAX_PER_FLOW];
};

struct tcf_state {
    pthread_mutex_t mutex;
    bool inited;
    struct hmap flows; /* struct tcf_flow by ufid (mutex). */
    struct tcf_prio_table *prios;

    /* Ports added and not deleted; changed by port calls only. */
    struct tcf_port **ports;
    size_t n_ports, allocated_ports;

    /* Configuration: read by flow calls, written by set_config(). */
    atomic_uint skip_flags; /* TCA_CLS_FLAGS_SKIP_SW / _SKIP_HW. */
    atomic_uint max_rules;  /* Global default of the per-port limit. */

    /* The context of calls that get none (port_add, port_del). */
    struct tcf_nl *main_nl;
};

extern struct tcf_state tcf_state;

/* Hash of a ufid for tcf_state.flows. */
uint32_t tcf_ufid_hash(const struct offload_ufid *);

/* Finds the installed flow UFID (mutex held), or NULL. */
struct tcf_flow *tcf_flow_find(const struct offload_ufid *ufid);

/* Removes the installed (or allocated) flow F from every map, drops its
 * priority reference and its rule slot, and frees it (mutex held). */
void tcf_flow_forget(struct tcf_flow *f);

/* Deletes every filter of ours on TP's hook (found by a dump, so also
 * those of an earlier run) and forgets every flow of TP.  Returns 0 or the
 * errno of the dump. */
int tcf_port_purge(struct tcf_nl *nl, struct tcf_port *tp);

/* The per-port limit for PORT: its own max_rules, else the global one;
 * 0 means none. */
unsigned tcf_port_limit(const struct offload_port *port);

/* Flow calls (tcf-flows.c), as the class wants them. */
int tcf_flow_check(void *ctx, const struct offload_flow *flow,
                   struct offload_reason *why);
void tcf_flow_put(void *ctx, const struct offload_flow *flows, size_t n,
                  struct offload_put_result *results);
void tcf_flow_del(void *ctx, const struct offload_port *const *ports,
                  const struct offload_ufid *ufids, const uint64_t *handles,
                  size_t n, struct offload_stats *stats, int *errors);
void tcf_flow_stats(void *ctx, const struct offload_port *const *ports,
                    const uint64_t *handles, size_t n,
                    struct offload_stats *stats, int *errors);
int tcf_reconcile(void *ctx, const struct offload_port *port,
                  struct offload_found_rule **rules, size_t *n_rules);
void tcf_flush(void *ctx);

/* Counters of the filter F as flow counters (struct offload_stats):
 * software flower counts skb->len, which on the ingress hook starts at the
 * network header (the Ethernet header was pulled before tc ingress runs)
 * and on the egress hook at the Ethernet header; on both the outer VLAN
 * tag may live outside the packet data.  So what is missing of the L2
 * header is added back for each packet not counted by hardware. */
void tcf_filter_stats(const struct tcf_filter *f, struct offload_stats *st);

#endif /* NICFLOW_TCF_PRIVATE_H */
