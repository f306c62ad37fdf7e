/* rtf-dpdk.c: rtf_dpdk_ops, the table of rtf-ops.h that calls DPDK.
 *
 * The only file that calls DPDK functions: the boundary where
 * rte_flow_create()'s NULL + rte_errno becomes a negative errno and
 * rte_mtr's errors become rte_flow errors.  rte_flow_info_get(),
 * rte_flow_configure() and the whole template/asynchronous API (templates,
 * template tables, rte_flow_async_create/destroy(), push, pull) are still
 * "experimental" symbols in DPDK 22.11, hence ALLOW_EXPERIMENTAL_API here
 * (and only here). */
#define ALLOW_EXPERIMENTAL_API 1

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_flow.h>
#include <rte_mtr.h>

#include "include/nicflow/offload-provider.h"
#include "rteflow/rtf-ops.h"
#include "rteflow/rtf-tapstats.h"
#include "softpath/netdev-dpdk.h"

static int
dpdk_port_info(const char *name, struct rtf_port_info *info,
               struct rte_flow_error *error)
{
    struct rte_eth_dev_info dev;
    uint16_t port_id;
    int ret;

    memset(info, 0, sizeof *info);
    /* A dpdk port of the softpath knows its ethdev; else NAME may be the
     * ethdev's own name. */
    ret = netdev_dpdk_port_id(name, &port_id)
              ? rte_eth_dev_get_port_by_name(name, &port_id)
              : 0;
    if (ret) {
        return rte_flow_error_set(error, ENODEV,
                                  RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
                                  "no DPDK port of that name");
    }
    ret = rte_eth_dev_info_get(port_id, &dev);
    if (ret) {
        return rte_flow_error_set(error, -ret, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
                                  NULL, "rte_eth_dev_info_get failed");
    }
    info->port_id = port_id;
    info->proxy_port_id = port_id;
    info->n_rxq = dev.nb_rx_queues;
    info->if_index = (int) dev.if_index;
    /* The tap PMD says rules in TC flower and has no COUNT action; its
     * filters count instead (rtf-tapstats.h). */
    info->tc_counted =
        dev.driver_name && dev.if_index && !strcmp(dev.driver_name, "net_tap");
    info->switch_domain = dev.switch_info.domain_id;
    info->transfer =
        dev.switch_info.domain_id != RTE_ETH_DEV_SWITCH_DOMAIN_ID_INVALID;
    if (info->transfer
        && rte_flow_pick_transfer_proxy(port_id, &info->proxy_port_id,
                                        error)) {
        /* No proxy: the port takes its own transfer rules. */
        info->proxy_port_id = port_id;
    }
    return 0;
}

static int
dpdk_validate(uint16_t port_id, const struct rte_flow_attr *attr,
              const struct rte_flow_item pattern[],
              const struct rte_flow_action actions[],
              struct rte_flow_error *error)
{
    return rte_flow_validate(port_id, attr, pattern, actions, error);
}

static int
dpdk_create(uint16_t port_id, const struct rte_flow_attr *attr,
            const struct rte_flow_item pattern[],
            const struct rte_flow_action actions[], struct rte_flow **flowp,
            struct rte_flow_error *error)
{
    *flowp = rte_flow_create(port_id, attr, pattern, actions, error);
    return *flowp ? 0 : -(rte_errno ? rte_errno : EIO);
}

static int
dpdk_destroy(uint16_t port_id, struct rte_flow *flow,
             struct rte_flow_error *error)
{
    return rte_flow_destroy(port_id, flow, error);
}

static int
dpdk_query(uint16_t port_id, struct rte_flow *flow,
           const struct rte_flow_action *action, void *data,
           struct rte_flow_error *error)
{
    return rte_flow_query(port_id, flow, action, data, error);
}

static int
dpdk_tc_handles(int if_index, uint32_t *handles, size_t max, size_t *n)
{
    return rtf_tapstats_handles(if_index, handles, max, n);
}

static int
dpdk_tc_count(int if_index, uint32_t handle,
              struct rte_flow_query_count *count, struct rte_flow_error *error)
{
    struct rtf_tc_count c;
    int ret = rtf_tapstats_read(if_index, handle, &c);

    if (ret) {
        return rte_flow_error_set(error, ret, RTE_FLOW_ERROR_TYPE_HANDLE, NULL,
                                  ret == ENOENT
                                      ? "the rule's TC filter is gone"
                                      : "reading the rule's TC filter failed");
    }
    memset(count, 0, sizeof *count);
    count->hits_set = count->bytes_set = 1;
    count->hits = c.packets;
    count->bytes = c.bytes;
    return 0;
}

static int
dpdk_flush(uint16_t port_id, struct rte_flow_error *error)
{
    return rte_flow_flush(port_id, error);
}

static int
dpdk_info_get(uint16_t port_id, struct rte_flow_port_info *port_info,
              struct rte_flow_queue_info *queue_info,
              struct rte_flow_error *error)
{
    return rte_flow_info_get(port_id, port_info, queue_info, error);
}

static int
dpdk_configure(uint16_t port_id, const struct rte_flow_port_attr *attr,
               uint16_t nb_queue,
               const struct rte_flow_queue_attr *queue_attr[],
               struct rte_flow_error *error)
{
    return rte_flow_configure(port_id, attr, nb_queue, queue_attr, error);
}

/* A creator's NULL + rte_errno as a negative errno. */
static int
created(const void *object)
{
    return object ? 0 : -(rte_errno ? rte_errno : EIO);
}

static int
dpdk_pattern_template_create(uint16_t port_id,
                             const struct rte_flow_pattern_template_attr *attr,
                             const struct rte_flow_item pattern[],
                             struct rte_flow_pattern_template **ptp,
                             struct rte_flow_error *error)
{
    *ptp = rte_flow_pattern_template_create(port_id, attr, pattern, error);
    return created(*ptp);
}

static int
dpdk_pattern_template_destroy(uint16_t port_id,
                              struct rte_flow_pattern_template *pt,
                              struct rte_flow_error *error)
{
    return rte_flow_pattern_template_destroy(port_id, pt, error);
}

static int
dpdk_actions_template_create(uint16_t port_id,
                             const struct rte_flow_actions_template_attr *attr,
                             const struct rte_flow_action actions[],
                             const struct rte_flow_action masks[],
                             struct rte_flow_actions_template **atp,
                             struct rte_flow_error *error)
{
    *atp =
        rte_flow_actions_template_create(port_id, attr, actions, masks, error);
    return created(*atp);
}

static int
dpdk_actions_template_destroy(uint16_t port_id,
                              struct rte_flow_actions_template *at,
                              struct rte_flow_error *error)
{
    return rte_flow_actions_template_destroy(port_id, at, error);
}

static int
dpdk_table_create(uint16_t port_id,
                  const struct rte_flow_template_table_attr *attr,
                  struct rte_flow_pattern_template *pt,
                  struct rte_flow_actions_template *at,
                  struct rte_flow_template_table **tablep,
                  struct rte_flow_error *error)
{
    struct rte_flow_pattern_template *pts[] = { pt };
    struct rte_flow_actions_template *ats[] = { at };

    *tablep =
        rte_flow_template_table_create(port_id, attr, pts, 1, ats, 1, error);
    return created(*tablep);
}

static int
dpdk_table_destroy(uint16_t port_id, struct rte_flow_template_table *table,
                   struct rte_flow_error *error)
{
    return rte_flow_template_table_destroy(port_id, table, error);
}

static int
dpdk_async_create(uint16_t port_id, uint32_t queue, bool postpone,
                  struct rte_flow_template_table *table,
                  const struct rte_flow_item pattern[],
                  const struct rte_flow_action actions[], void *user_data,
                  struct rte_flow **flowp, struct rte_flow_error *error)
{
    const struct rte_flow_op_attr op = { .postpone = postpone };

    *flowp = rte_flow_async_create(port_id, queue, &op, table, pattern, 0,
                                   actions, 0, user_data, error);
    return created(*flowp);
}

static int
dpdk_async_destroy(uint16_t port_id, uint32_t queue, bool postpone,
                   struct rte_flow *flow, void *user_data,
                   struct rte_flow_error *error)
{
    const struct rte_flow_op_attr op = { .postpone = postpone };

    return rte_flow_async_destroy(port_id, queue, &op, flow, user_data, error);
}

static int
dpdk_push(uint16_t port_id, uint32_t queue, struct rte_flow_error *error)
{
    return rte_flow_push(port_id, queue, error);
}

static int
dpdk_pull(uint16_t port_id, uint32_t queue, struct rte_flow_op_result res[],
          uint16_t n_res, struct rte_flow_error *error)
{
    return rte_flow_pull(port_id, queue, res, n_res, error);
}

static int
mtr_error(int ret, const struct rte_mtr_error *me,
          struct rte_flow_error *error)
{
    return rte_flow_error_set(error, -ret, RTE_FLOW_ERROR_TYPE_ACTION, NULL,
                              me->message ? me->message : "rte_mtr failed");
}

/* One single-rate policer: a srTCM profile (CIR = the rate, CBS = the
 * burst, no excess burst) and a policy that drops red packets, both under
 * the meter's own id.  An existing object of that id is taken as it is
 * (the provider calls this once per port and meter). */
static int
dpdk_meter_ensure(uint16_t port_id, uint32_t mtr_id,
                  const struct offload_meter *meter,
                  struct rte_flow_error *error)
{
    static const struct rte_flow_action drop[] = {
        { .type = RTE_FLOW_ACTION_TYPE_DROP },
        { .type = RTE_FLOW_ACTION_TYPE_END },
    };
    struct rte_mtr_meter_profile prof;
    struct rte_mtr_meter_policy_params policy;
    struct rte_mtr_params params;
    struct rte_mtr_error me;
    uint64_t rate, burst;
    int ret;

    memset(&me, 0, sizeof me);
    memset(&prof, 0, sizeof prof);
    rate = meter->pktps ? meter->rate : (uint64_t) meter->rate * 1000 / 8;
    burst = meter->pktps ? meter->burst : (uint64_t) meter->burst * 1000 / 8;
    prof.alg = RTE_MTR_SRTCM_RFC2697;
    prof.srtcm_rfc2697.cir = rate;
    prof.srtcm_rfc2697.cbs = burst ? burst : rate; /* One second. */
    prof.srtcm_rfc2697.ebs = 0;
    prof.packet_mode = meter->pktps;
    ret = rte_mtr_meter_profile_add(port_id, mtr_id, &prof, &me);
    if (ret && ret != -EEXIST) {
        return mtr_error(ret, &me, error);
    }
    memset(&policy, 0, sizeof policy);
    policy.actions[RTE_COLOR_RED] = drop;
    ret = rte_mtr_meter_policy_add(port_id, mtr_id, &policy, &me);
    if (ret && ret != -EEXIST) {
        return mtr_error(ret, &me, error);
    }
    memset(&params, 0, sizeof params);
    params.meter_profile_id = mtr_id;
    params.meter_policy_id = mtr_id;
    params.meter_enable = 1;
    ret = rte_mtr_create(port_id, mtr_id, &params, 1, &me);
    if (ret && ret != -EEXIST) {
        return mtr_error(ret, &me, error);
    }
    return 0;
}

const struct rtf_ops rtf_dpdk_ops = {
    .port_info = dpdk_port_info,
    .validate = dpdk_validate,
    .create = dpdk_create,
    .destroy = dpdk_destroy,
    .query = dpdk_query,
    .tc_handles = dpdk_tc_handles,
    .tc_count = dpdk_tc_count,
    .flush = dpdk_flush,
    .info_get = dpdk_info_get,
    .configure = dpdk_configure,
    .pattern_template_create = dpdk_pattern_template_create,
    .pattern_template_destroy = dpdk_pattern_template_destroy,
    .actions_template_create = dpdk_actions_template_create,
    .actions_template_destroy = dpdk_actions_template_destroy,
    .table_create = dpdk_table_create,
    .table_destroy = dpdk_table_destroy,
    .async_create = dpdk_async_create,
    .async_destroy = dpdk_async_destroy,
    .push = dpdk_push,
    .pull = dpdk_pull,
    .meter_ensure = dpdk_meter_ensure,
};
