/* rtf-provider.c: the "rteflow" provider class: life cycle, ports, the
 * choice of rte_flow API per port, meters and PMD error reasons.  The
 * flow calls are in rtf-flows.c. */
#include "rteflow/rtf-provider.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "rteflow/rtf-private.h"

VLOG_DEFINE_THIS_MODULE(rtf_provider);

COVERAGE_DEFINE(rtf_port_add);
COVERAGE_DEFINE(rtf_port_del);

struct rtf_state rtf_state = {
    .mutex = PTHREAD_MUTEX_INITIALIZER,
    .tc_mutex = PTHREAD_MUTEX_INITIALIZER,
    .ops = &rtf_dpdk_ops,
    .lookup = offload_port_lookup,
};

void
rtf_provider_set_ops(const struct rtf_ops *ops,
                     const struct offload_port *(*lookup)(uint32_t))
{
    rtf_state.ops = ops ? ops : &rtf_dpdk_ops;
    rtf_state.lookup = lookup ? lookup : offload_port_lookup;
}

uint32_t
rtf_ufid_hash(const struct offload_ufid *ufid)
{
    return hash_bytes(ufid, sizeof *ufid, 0);
}

unsigned
rtf_port_limit(const struct offload_port *port)
{
    return port->max_rules ? port->max_rules
                           : atomic_load(&rtf_state.max_rules);
}

const struct rtf_port *
rtf_port_of(const struct offload_port *port)
{
    return port && port->provider == &rtf_provider_class ? port->provider_data
                                                         : NULL;
}

/* PMD errors. */

/* Names what in R the cause C of an rte_flow error points at, or "". */
static void
describe_cause(const void *c, const struct rtf_rule *r, char *s, size_t n)
{
    *s = '\0';
    if (!c || !r) {
        return;
    }
    if (c == &r->attr) {
        snprintf(s, n, ", at the attributes");
        return;
    }
    for (size_t i = 0; i < r->n_items; i++) {
        const struct rte_flow_item *it = &r->items[i];
        if (c == it || c == it->spec || c == it->mask || c == it->last) {
            const char *name = rtf_item_name(it->type);
            snprintf(s, n, ", at item %zu: %s", i, name ? name : "?");
            return;
        }
    }
    for (size_t i = 0; i < r->n_actions; i++) {
        const struct rte_flow_action *a = &r->actions[i];
        if (c == a || c == a->conf) {
            const char *name = rtf_action_name(a->type);
            snprintf(s, n, ", at action %zu: %s", i, name ? name : "?");
            return;
        }
    }
}

int
rtf_pmd_reason(int ret, const struct rte_flow_error *error,
               const struct rtf_rule *r, struct offload_reason *why)
{
    int err = ret < 0 ? -ret : ret ? ret : EIO;
    char cause[64];

    describe_cause(error->cause, r, cause, sizeof cause);
    rtf_reason(why, err == ENOSPC ? OFFLOAD_R_TABLE_FULL : OFFLOAD_R_DEVICE,
               "PMD refused: %s (type %d%s)",
               error->message && error->message[0] ? error->message
                                                   : nf_strerror(err),
               (int) error->type, cause);
    return err;
}

/* Configuration and life cycle. */

static void
rtf_set_config(const struct offload_global_config *cfg)
{
    atomic_store(&rtf_state.max_rules, cfg->max_rules);
}

static int
rtf_init(const struct offload_global_config *cfg, char **errp)
{
    if (!rtf_state.inited) {
        hmap_init(&rtf_state.flows);
        hmap_init(&rtf_state.handles);
        hmap_init(&rtf_state.marks);
        rtf_state.next_handle = 1;
        rtf_state.next_mark = 1;
        rtf_state.inited = true;
    }
    rtf_set_config(cfg);
    return 0;
}

static void
rtf_destroy(void)
{
    if (!rtf_state.inited) {
        return;
    }
    /* Rules stay in the devices (flush() removes them); only the
     * bookkeeping goes. */
    rtf_flows_forget_port(NULL, true);
    rtf_tpl_forget_all();
    hmap_destroy(&rtf_state.flows);
    hmap_destroy(&rtf_state.handles);
    hmap_destroy(&rtf_state.marks);
    for (size_t i = 0; i < rtf_state.n_ports; i++) {
        free(rtf_state.ports[i]);
    }
    free(rtf_state.ports);
    rtf_state.ports = NULL;
    rtf_state.n_ports = rtf_state.allocated_ports = 0;
    free(rtf_state.meters);
    rtf_state.meters = NULL;
    rtf_state.n_meters = 0;
    rtf_state.inited = false;
}

/* rte_flow calls need no per-thread state: a token stands for it. */
static int ctx_token;

static void *
rtf_ctx_create(void)
{
    return &ctx_token;
}

static void
rtf_ctx_destroy(void *ctx)
{
}

/* Ports. */

static int
rtf_port_probe(const struct offload_port *port, struct offload_reason *why)
{
    struct rtf_port_info info;
    struct rte_flow_error error;

    if (rtf_tnl_type_from_string(port->type)) {
        return 0;
    }
    if (!port->type || strcmp(port->type, "dpdk")) {
        rtf_reason(why, OFFLOAD_R_UNSUPPORTED_PORT,
                   "%s is not a DPDK port (type %s)", port->name,
                   port->type ? port->type : "none");
        return EOPNOTSUPP;
    }
    memset(&error, 0, sizeof error);
    int ret = rtf_state.ops->port_info(port->name, &info, &error);
    if (ret) {
        rtf_reason(why, OFFLOAD_R_UNSUPPORTED_PORT,
                   "%s: no DPDK port of that name (%s)", port->name,
                   error.message ? error.message : nf_strerror(-ret));
        return ENODEV;
    }
    return 0;
}

/* The rte_flow API for port PORT_ID: the template/asynchronous one if
 * the PMD says it has queues for it (rte_flow_info_get()) and
 * rte_flow_configure() then succeeds, the synchronous one otherwise.
 * *CAPABLE says whether the PMD offered the template API at all.  Only
 * with WANT_TEMPLATE is configure() called, since on some PMDs it makes
 * the port template-only (mlx5 with dv_flow_en=2).  port_add() asks for
 * it (rtf_tpl_port_attach(), once per ethdev): a PMD without the
 * template API says so at rte_flow_info_get() (no queues) or refuses
 * configure(), and the port stays synchronous. */
enum rtf_api
rtf_api_choose(uint16_t port_id, bool want_template, bool *capable)
{
    const struct rtf_ops *ops = rtf_state.ops;
    struct rte_flow_port_info pinfo;
    struct rte_flow_queue_info qinfo;
    struct rte_flow_error error;

    memset(&pinfo, 0, sizeof pinfo);
    memset(&qinfo, 0, sizeof qinfo);
    memset(&error, 0, sizeof error);
    *capable = ops->info_get && !ops->info_get(port_id, &pinfo, &qinfo, &error)
               && pinfo.max_nb_queues > 0;
    if (!*capable || !want_template || !ops->configure) {
        return RTF_API_SYNC;
    }
    struct rte_flow_port_attr attr = {
        .nb_counters = pinfo.max_nb_counters,
        .nb_meters = pinfo.max_nb_meters,
    };
    struct rte_flow_queue_attr qattr = {
        .size = qinfo.max_size ? NF_MIN(qinfo.max_size, 1024) : 64,
    };
    const struct rte_flow_queue_attr *qattrs[] = { &qattr };
    if (ops->configure(port_id, &attr, 1, qattrs, &error)) {
        VLOG_INFO("port %u: rte_flow_configure failed (%s): using the "
                  "synchronous API",
                  port_id, error.message ? error.message : "no message");
        return RTF_API_SYNC;
    }
    return RTF_API_TEMPLATE;
}

static void
add_to_list(struct rtf_port *rp)
{
    if (rtf_state.n_ports == rtf_state.allocated_ports) {
        rtf_state.allocated_ports = rtf_state.allocated_ports * 2 + 4;
        rtf_state.ports =
            xrealloc(rtf_state.ports,
                     rtf_state.allocated_ports * sizeof *rtf_state.ports);
    }
    rtf_state.ports[rtf_state.n_ports++] = rp;
}

static int
rtf_port_add(struct offload_port *port, struct offload_reason *why)
{
    struct rtf_port *rp;
    int error = rtf_port_probe(port, why);

    if (error) {
        return error;
    }
    rp = xzalloc(sizeof *rp);
    rp->odp_port = port->odp_port;
    snprintf(rp->name, sizeof rp->name, "%s", port->name);
    rp->tnl_type = rtf_tnl_type_from_string(port->type);
    if (!rp->tnl_type) {
        struct rtf_port_info info;
        struct rte_flow_error ferr;
        memset(&ferr, 0, sizeof ferr);
        if (rtf_state.ops->port_info(port->name, &info, &ferr)) {
            free(rp);
            rtf_reason(why, OFFLOAD_R_UNSUPPORTED_PORT,
                       "%s: no DPDK port of that name", port->name);
            return ENODEV;
        }
        rp->port_id = info.port_id;
        rp->proxy_port_id = info.proxy_port_id;
        rp->transfer = info.transfer;
        rp->switch_domain = info.switch_domain;
        rp->n_rxq = info.n_rxq;
        rp->if_index = info.if_index;
        rp->tc_counted = info.tc_counted && rtf_state.ops->tc_count
                         && rtf_state.ops->tc_handles;
        rtf_tpl_port_attach(rp);
    }
    atomic_init(&rp->n_rules, 0);
    add_to_list(rp);
    port->provider_data = rp;
    COVERAGE_INC(rtf_port_add);
    return 0;
}

static void
rtf_port_del(struct offload_port *port)
{
    struct rtf_port *rp = port->provider_data;

    if (!rp) {
        return;
    }
    rtf_flows_forget_port(rp, false);
    if (!rp->tnl_type) {
        rtf_tpl_port_detach(rp);
    }
    for (size_t i = 0; i < rtf_state.n_ports; i++) {
        if (rtf_state.ports[i] == rp) {
            rtf_state.ports[i] = rtf_state.ports[--rtf_state.n_ports];
            break;
        }
    }
    free(rp);
    port->provider_data = NULL;
    COVERAGE_INC(rtf_port_del);
}

static void
rtf_port_describe(const struct offload_port *port, char *buf, size_t size)
{
    const struct rtf_port *rp = port->provider_data;
    static const char *const tnl_names[] = {
        [RTF_TNL_VXLAN] = "vxlan",
        [RTF_TNL_GENEVE] = "geneve",
        [RTF_TNL_GRE] = "gre",
    };

    if (!rp) {
        snprintf(buf, size, "not added");
    } else if (rp->tnl_type) {
        snprintf(buf, size, "%s tunnel port, decap rules in group %#x",
                 tnl_names[rp->tnl_type], rtf_tunnel_group(rp->odp_port));
    } else {
        char proxy[48] = "";
        if (rp->transfer) {
            snprintf(proxy, sizeof proxy,
                     ", transfer via port %u (switch domain %u)",
                     rp->proxy_port_id, rp->switch_domain);
        }
        char tables[48] = "";
        if (rp->api == RTF_API_TEMPLATE) {
            snprintf(tables, sizeof tables, ", %zu template tables",
                     rtf_tpl_n_tables(rp->port_id)
                         + (rp->transfer && rp->proxy_port_id != rp->port_id
                                ? rtf_tpl_n_tables(rp->proxy_port_id)
                                : 0));
        }
        snprintf(buf, size,
                 "dpdk port %u%s, %s API (template API %s), %u rules%s",
                 rp->port_id, proxy,
                 rp->api == RTF_API_TEMPLATE ? "template" : "synchronous",
                 rp->template_capable ? "offered" : "not offered",
                 atomic_load(&rp->n_rules), tables);
    }
}

/* Meters. */

static struct rtf_meter *
meter_find(uint32_t id)
{
    for (size_t i = 0; i < rtf_state.n_meters; i++) {
        if (rtf_state.meters[i].id == id) {
            return &rtf_state.meters[i];
        }
    }
    return NULL;
}

static void
rtf_meter_set(uint32_t dp_meter, const struct offload_meter *meter)
{
    struct rtf_meter *m;

    pthread_mutex_lock(&rtf_state.mutex);
    m = meter_find(dp_meter);
    if (!meter) {
        if (m) {
            *m = rtf_state.meters[--rtf_state.n_meters];
        }
    } else {
        if (!m) {
            rtf_state.meters =
                xrealloc(rtf_state.meters,
                         (rtf_state.n_meters + 1) * sizeof *rtf_state.meters);
            m = &rtf_state.meters[rtf_state.n_meters++];
        }
        memset(m, 0, sizeof *m);
        m->id = dp_meter;
        m->meter = *meter;
    }
    pthread_mutex_unlock(&rtf_state.mutex);
}

int
rtf_meter_check(uint32_t dp_meter, struct offload_reason *why)
{
    struct rtf_meter *m;
    int error = 0;

    pthread_mutex_lock(&rtf_state.mutex);
    m = meter_find(dp_meter);
    if (!m) {
        rtf_reason(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                   "action meter cannot be offloaded (meter %u unknown)",
                   dp_meter);
        error = EOPNOTSUPP;
    } else if (m->meter.n_bands != 1) {
        rtf_reason(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                   "action meter cannot be offloaded (meter %u has %u bands, "
                   "rte_mtr takes one drop band)",
                   dp_meter, m->meter.n_bands);
        error = EOPNOTSUPP;
    }
    pthread_mutex_unlock(&rtf_state.mutex);
    return error;
}

int
rtf_meters_ensure(const struct rtf_rule *r, struct rte_flow_error *error)
{
    for (size_t i = 0; i < r->n_actions; i++) {
        const struct rte_flow_action_meter *am = r->actions[i].conf;
        struct offload_meter meter;
        bool made;

        if (r->actions[i].type != RTE_FLOW_ACTION_TYPE_METER) {
            continue;
        }
        pthread_mutex_lock(&rtf_state.mutex);
        struct rtf_meter *m = meter_find(am->mtr_id);
        if (!m) {
            pthread_mutex_unlock(&rtf_state.mutex);
            return rte_flow_error_set(error, ENOENT,
                                      RTE_FLOW_ERROR_TYPE_ACTION_CONF, am,
                                      "meter deleted meanwhile");
        }
        meter = m->meter;
        made = r->port_id < 1024
               && (m->ports_made[r->port_id / 64] >> (r->port_id % 64)) & 1;
        pthread_mutex_unlock(&rtf_state.mutex);
        if (made) {
            continue;
        }
        if (!rtf_state.ops->meter_ensure) {
            return rte_flow_error_set(error, ENOTSUP,
                                      RTE_FLOW_ERROR_TYPE_ACTION, am,
                                      "no rte_mtr support");
        }
        int ret =
            rtf_state.ops->meter_ensure(r->port_id, am->mtr_id, &meter, error);
        if (ret) {
            return ret;
        }
        pthread_mutex_lock(&rtf_state.mutex);
        m = meter_find(am->mtr_id);
        if (m && r->port_id < 1024) {
            m->ports_made[r->port_id / 64] |= UINT64_C(1) << (r->port_id % 64);
        }
        pthread_mutex_unlock(&rtf_state.mutex);
    }
    return 0;
}

const struct offload_provider_class rtf_provider_class = {
    .version = OFFLOAD_PROVIDER_VERSION,
    .name = "rteflow",
    .init = rtf_init,
    .set_config = rtf_set_config,
    .destroy = rtf_destroy,
    .ctx_create = rtf_ctx_create,
    .ctx_destroy = rtf_ctx_destroy,
    .port_probe = rtf_port_probe,
    .port_add = rtf_port_add,
    .port_del = rtf_port_del,
    .port_describe = rtf_port_describe,
    .flow_check = rtf_flow_check,
    .flow_put = rtf_flow_put,
    .flow_del = rtf_flow_del,
    .flow_stats = rtf_flow_stats,
    .reconcile = NULL, /* Rules die with the process that made them. */
    .flush = rtf_flush,
    .meter_set = rtf_meter_set,
    .stats_lines = rtf_stats_lines,
};
