/* rtf-ops.h: every DPDK call the provider makes, as a table of function
 * pointers.
 *
 * The provider calls DPDK only through the table in use
 * (rtf_provider_set_ops()), whose default, rtf_dpdk_ops (rtf-dpdk.c),
 * calls the functions of the same names in <rte_flow.h> and
 * <rte_ethdev.h>.  Unit tests put in a recording double instead, so that
 * everything above this table runs without EAL, hugepages or a device.
 *
 * Conventions: DPDK's.  Each member returns 0 or a negative errno and, on
 * failure, fills *ERROR (type, cause, message) when DPDK does; 'create'
 * returns the rule through *FLOWP (rte_flow_create()'s NULL + rte_errno
 * becomes a negative errno here, at the boundary).  The provider turns
 * the negative errno into its positive one and keeps ERROR as the flow's
 * reason. */
#ifndef NICFLOW_RTF_OPS_H
#define NICFLOW_RTF_OPS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_flow.h>

struct offload_meter;

/* What the provider needs to know of an ethdev. */
struct rtf_port_info {
    uint16_t port_id;       /* The ethdev's DPDK port id. */
    uint16_t proxy_port_id; /* rte_flow_pick_transfer_proxy()'s answer. */
    bool transfer;          /* Part of an eswitch (a switch domain). */
    uint16_t switch_domain; /* rte_eth_dev_info.switch_info.domain_id. */
    uint16_t n_rxq;         /* Configured receive queues. */
    int if_index;           /* rte_eth_dev_info.if_index (0: none). */
    bool tc_counted;        /* The PMD's rules are kernel TC filters whose
                             * counters tc_count() reads (net_tap), so a
                             * rule needs no COUNT action to be counted. */
};

struct rtf_ops {
    /* The ethdev named NAME (rte_eth_dev_get_port_by_name(),
     * rte_eth_dev_info_get(), rte_flow_pick_transfer_proxy()).  -ENODEV
     * if there is none. */
    int (*port_info)(const char *name, struct rtf_port_info *info,
                     struct rte_flow_error *error);

    /* rte_flow_validate(). */
    int (*validate)(uint16_t port_id, const struct rte_flow_attr *attr,
                    const struct rte_flow_item pattern[],
                    const struct rte_flow_action actions[],
                    struct rte_flow_error *error);
    /* rte_flow_create(): the rule in *FLOWP, or a negative errno. */
    int (*create)(uint16_t port_id, const struct rte_flow_attr *attr,
                  const struct rte_flow_item pattern[],
                  const struct rte_flow_action actions[],
                  struct rte_flow **flowp, struct rte_flow_error *error);
    /* rte_flow_destroy(). */
    int (*destroy)(uint16_t port_id, struct rte_flow *flow,
                   struct rte_flow_error *error);
    /* rte_flow_query() of ACTION (COUNT: DATA is a struct
     * rte_flow_query_count). */
    int (*query)(uint16_t port_id, struct rte_flow *flow,
                 const struct rte_flow_action *action, void *data,
                 struct rte_flow_error *error);
    /* For ports whose info says tc_counted (net_tap): the handles of the
     * TC filters on kernel device IF_INDEX that hold the PMD's rules (the
     * first MAX into HANDLES, how many into *N), and the counters of the
     * one with HANDLE, the filter of a rule made without COUNT. */
    int (*tc_handles)(int if_index, uint32_t *handles, size_t max, size_t *n);
    int (*tc_count)(int if_index, uint32_t handle,
                    struct rte_flow_query_count *count,
                    struct rte_flow_error *error);
    /* rte_flow_flush(): every rule of PORT_ID. */
    int (*flush)(uint16_t port_id, struct rte_flow_error *error);

    /* rte_flow_info_get(): whether (and how far) the port supports the
     * template/asynchronous API. */
    int (*info_get)(uint16_t port_id, struct rte_flow_port_info *port_info,
                    struct rte_flow_queue_info *queue_info,
                    struct rte_flow_error *error);
    /* rte_flow_configure(): pre-allocates the async queues and objects;
     * on some PMDs (mlx5 with dv_flow_en=2) it also makes the port
     * template-only. */
    int (*configure)(uint16_t port_id, const struct rte_flow_port_attr *attr,
                     uint16_t nb_queue,
                     const struct rte_flow_queue_attr *queue_attr[],
                     struct rte_flow_error *error);

    /* The template/asynchronous API (rtf-template.c), used on ports
     * whose rte_flow_configure() succeeded.  The creators return the new
     * object through their last pointer argument, or a negative errno
     * (DPDK's NULL + rte_errno, converted here at the boundary). */

    /* rte_flow_pattern_template_create(): PATTERN's item types and masks
     * (a spec only where the item has a 'last'). */
    int (*pattern_template_create)(
        uint16_t port_id, const struct rte_flow_pattern_template_attr *attr,
        const struct rte_flow_item pattern[],
        struct rte_flow_pattern_template **ptp, struct rte_flow_error *error);
    /* rte_flow_pattern_template_destroy(): no table may use it any more. */
    int (*pattern_template_destroy)(uint16_t port_id,
                                    struct rte_flow_pattern_template *pt,
                                    struct rte_flow_error *error);
    /* rte_flow_actions_template_create(): the action types of ACTIONS;
     * a non-zero field of a conf in MASKS fixes that field for every rule
     * of the template, a NULL mask conf leaves the whole conf to each
     * rule. */
    int (*actions_template_create)(
        uint16_t port_id, const struct rte_flow_actions_template_attr *attr,
        const struct rte_flow_action actions[],
        const struct rte_flow_action masks[],
        struct rte_flow_actions_template **atp, struct rte_flow_error *error);
    /* rte_flow_actions_template_destroy(): no table may use it any more. */
    int (*actions_template_destroy)(uint16_t port_id,
                                    struct rte_flow_actions_template *at,
                                    struct rte_flow_error *error);
    /* rte_flow_template_table_create() with one pattern template PT and
     * one actions template AT (index 0 of each in async_create). */
    int (*table_create)(uint16_t port_id,
                        const struct rte_flow_template_table_attr *attr,
                        struct rte_flow_pattern_template *pt,
                        struct rte_flow_actions_template *at,
                        struct rte_flow_template_table **tablep,
                        struct rte_flow_error *error);
    /* rte_flow_template_table_destroy(): no rule may be left in it. */
    int (*table_destroy)(uint16_t port_id,
                         struct rte_flow_template_table *table,
                         struct rte_flow_error *error);
    /* rte_flow_async_create() on QUEUE of a rule of TABLE (templates 0):
     * PATTERN and ACTIONS in the templates' order, with this rule's specs
     * and confs.  The handle in *FLOWP only means the operation was
     * enqueued: its completion (pull, USER_DATA) says whether the rule
     * exists.  POSTPONE: wait for push() before telling the device. */
    int (*async_create)(uint16_t port_id, uint32_t queue, bool postpone,
                        struct rte_flow_template_table *table,
                        const struct rte_flow_item pattern[],
                        const struct rte_flow_action actions[],
                        void *user_data, struct rte_flow **flowp,
                        struct rte_flow_error *error);
    /* rte_flow_async_destroy() on QUEUE (the one the rule was made on);
     * done when its completion (USER_DATA) is pulled. */
    int (*async_destroy)(uint16_t port_id, uint32_t queue, bool postpone,
                         struct rte_flow *flow, void *user_data,
                         struct rte_flow_error *error);
    /* rte_flow_push(): sends QUEUE's postponed operations. */
    int (*push)(uint16_t port_id, uint32_t queue,
                struct rte_flow_error *error);
    /* rte_flow_pull(): up to N_RES completions of QUEUE into RES.
     * Unlike the others, returns how many (0: none yet), or a negative
     * errno. */
    int (*pull)(uint16_t port_id, uint32_t queue,
                struct rte_flow_op_result res[], uint16_t n_res,
                struct rte_flow_error *error);

    /* Makes sure meter object MTR_ID exists on PORT_ID and polices as
     * METER says (rte_mtr_*), so that METER actions may name it. */
    int (*meter_ensure)(uint16_t port_id, uint32_t mtr_id,
                        const struct offload_meter *meter,
                        struct rte_flow_error *error);
};

/* The table that calls DPDK. */
extern const struct rtf_ops rtf_dpdk_ops;

#endif /* NICFLOW_RTF_OPS_H */
