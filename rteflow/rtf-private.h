/* rtf-private.h: state shared by rtf-provider.c (the class, life cycle,
 * ports, meters) and rtf-flows.c (flow calls).  Not for use outside
 * rteflow/.
 *
 * Locking.  Flow calls run concurrently on the manager's worker threads;
 * DPDK's rte_flow calls are thread-safe per port (the ethdev layer locks
 * for PMDs that are not).  'rtf_state.mutex' guards the flow, handle and
 * mark maps and the meter table; it is never held across a DPDK call.
 * Port calls run on the main thread while no flow call runs, so they may
 * create and free struct rtf_port and change the port list.  The
 * template path (rtf-template.c) has a mutex per ethdev that guards that
 * device's table cache and its asynchronous queue 0; it is held across
 * the DPDK calls of a template, table or rule operation and its
 * completion, and never together with rtf_state.mutex. */
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

struct rtf_tpl_table;

/* One rte_flow rule of a flow. */
struct rtf_rule_ref {
    struct rtf_port *port; /* The port it was put for. */
    uint16_t port_id;      /* The ethdev it was created on. */
    struct rte_flow *flow;
    struct rtf_tpl_table *table; /* Made by rte_flow_async_create() in this
                                  * template table; NULL: rte_flow_create(). */
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

/* The template/asynchronous path (rtf-template.c).
 *
 * Each ethdev a port uses (its own and, for an eswitch port, its transfer
 * proxy) has a record of the API chosen for it, so that a proxy shared by
 * several representors is configured once.  A device on the template API
 * has a cache of template tables, one per rule shape (attributes, item
 * types with their masks, action types), each with its pattern and
 * actions template, made when a rule of that shape first comes and kept
 * until the port goes or flush().  Rules go in through
 * rte_flow_async_create() on queue 0, pushed, then pulled until their
 * completion arrives: the asynchronous API, completed synchronously in
 * this first version (the caller learns the outcome before it returns,
 * as with rte_flow_create()). */

/* Port call: chooses PORT's API (port->api, port->template_capable) from
 * its device record, configuring the device (and first its transfer
 * proxy) for the template API when it offers it and every template op is
 * in rtf_state.ops; a device whose configure() fails stays synchronous.
 * Takes a reference on the records. */
void rtf_tpl_port_attach(struct rtf_port *port);

/* Port call, after PORT's flows are forgotten: destroys the tables (and
 * templates) of PORT's devices that hold no rule, and drops the records
 * no port uses any more. */
void rtf_tpl_port_detach(const struct rtf_port *port);

/* Creates R on R's device (a template device) through the table of R's
 * shape, made first if new (meters too, which R's METER actions name).
 * 0 with the rule in *FLOWP and its table in *TABLEP (which holds a
 * reference for it), or a positive errno with the reason in WHY as
 * rtf_pmd_reason() words it; nothing left behind on failure. */
int rtf_tpl_install(struct rtf_rule *r, struct rte_flow **flowp,
                    struct rtf_tpl_table **tablep, struct offload_reason *why);

/* Removes rule FLOW of TABLE on PORT_ID: rte_flow_async_destroy(),
 * push, pull until done (only if IN_DEVICE), then drops its reference on
 * TABLE.  0 or a negative errno with ERROR filled in. */
int rtf_tpl_remove(uint16_t port_id, struct rte_flow *flow,
                   struct rtf_tpl_table *table, bool in_device,
                   struct rte_flow_error *error);

/* Whether rules on ethdev PORT_ID go through the template API. */
bool rtf_tpl_device(uint16_t port_id);

/* Destroys every table and template of device PORT_ID (its rules must be
 * gone): flush(). */
void rtf_tpl_flush(uint16_t port_id);

/* Template tables cached for device PORT_ID. */
size_t rtf_tpl_n_tables(uint16_t port_id);

/* How many pulls a completion is waited for before its operation is
 * taken as lost (0: the default, about a second's worth).  For tests. */
void rtf_tpl_set_patience(unsigned polls);

/* Frees every record and table without calling DPDK (destroy(): what is
 * in the devices dies with the process). */
void rtf_tpl_forget_all(void);

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
