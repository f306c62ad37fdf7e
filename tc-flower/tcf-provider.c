/* tcf-provider.c: the "tc" provider class: life cycle, configuration,
 * per-thread contexts and ports.  The flow calls are in tcf-flows.c. */
#include "tc-flower/tcf-provider.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/pkt_cls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "tc-flower/tcf-police.h"
#include "tc-flower/tcf-private.h"
#include "tc-flower/tcf-rep.h"

VLOG_DEFINE_THIS_MODULE(tcf_provider);

COVERAGE_DEFINE(tcf_port_add);
COVERAGE_DEFINE(tcf_port_del);

struct tcf_state tcf_state = {
    .mutex = PTHREAD_MUTEX_INITIALIZER,
};

uint32_t
tcf_ufid_hash(const struct offload_ufid *ufid)
{
    return hash_bytes(ufid, sizeof *ufid, 0);
}

unsigned
tcf_port_limit(const struct offload_port *port)
{
    return port->max_rules ? port->max_rules
                           : atomic_load(&tcf_state.max_rules);
}

/* Configuration. */

/* tc-policy to TCA_CLS_FLAGS_*: "none" (or unset) asks for neither. */
static int
policy_flags(const char *policy, uint32_t *flags)
{
    static const struct {
        const char *name;
        uint32_t flags;
    } policies[] = {
        { "none", 0 },
        { "skip_sw", TCA_CLS_FLAGS_SKIP_SW },
        { "skip_hw", TCA_CLS_FLAGS_SKIP_HW },
    };

    for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
        if (!policy || !strcmp(policy, policies[i].name)) {
            *flags = policies[i].flags;
            return 0;
        }
    }
    return EINVAL;
}

static void
tcf_set_config(const struct offload_global_config *cfg)
{
    uint32_t flags = 0;

    if (policy_flags(cfg->tc_policy, &flags)) {
        VLOG_WARN("unknown tc-policy \"%s\", using none", cfg->tc_policy);
    }
    atomic_store(&tcf_state.skip_flags, flags);
    atomic_store(&tcf_state.max_rules, cfg->max_rules);
}

static int
tcf_init(const struct offload_global_config *cfg, char **errp)
{
    uint32_t flags;
    int error;

    if (tcf_state.inited) {
        tcf_set_config(cfg);
        return 0;
    }
    if (policy_flags(cfg->tc_policy, &flags)) {
        *errp = xasprintf("tc: unknown tc-policy \"%s\" (none, skip_sw or "
                          "skip_hw)",
                          cfg->tc_policy);
        return EINVAL;
    }
    error = tcf_nl_open(&tcf_state.main_nl);
    if (error) {
        *errp = xasprintf("tc: cannot open an rtnetlink socket: %s",
                          nf_strerror(error));
        return error;
    }
    hmap_init(&tcf_state.flows);
    tcf_state.prios = tcf_prio_table_create();
    tcf_set_config(cfg);
    tcf_state.inited = true;
    tcf_police_start(tcf_state.main_nl);
    return 0;
}

static void
free_port(struct tcf_port *tp)
{
    hmap_destroy(&tp->handles);
    free(tp);
}

static void
tcf_destroy(void)
{
    struct tcf_flow *f;

    if (!tcf_state.inited) {
        return;
    }
    /* Police actions that filters left in place still use stay (the
     * kernel refuses to delete them), for the next run to take over. */
    tcf_police_remove_all(tcf_state.main_nl, true);
    HMAP_FOR_EACH_SAFE (f, by_ufid, &tcf_state.flows) {
        free(f);
    }
    hmap_destroy(&tcf_state.flows);
    for (size_t i = 0; i < tcf_state.n_ports; i++) {
        free_port(tcf_state.ports[i]);
    }
    free(tcf_state.ports);
    tcf_state.ports = NULL;
    tcf_state.n_ports = tcf_state.allocated_ports = 0;
    tcf_prio_table_destroy(tcf_state.prios);
    tcf_state.prios = NULL;
    tcf_nl_close(tcf_state.main_nl);
    tcf_state.main_nl = NULL;
    tcf_state.inited = false;
}

static void *
tcf_ctx_create(void)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    struct tcf_nl *nl;
    int error = tcf_nl_open(&nl);

    if (error) {
        /* The flow calls then refuse with a reason saying so. */
        VLOG_ERR_RL(&rl, "cannot open an rtnetlink socket: %s",
                    nf_strerror(error));
        return NULL;
    }
    return nl;
}

static void
tcf_ctx_destroy(void *ctx)
{
    tcf_nl_close(ctx);
}

/* Ports. */

/* Whether the kernel has the flower classifier, learnt by the first
 * port_add() (DESIGN: probe capabilities, gate on the result): without it
 * every put would fail, and the port is better left to another provider.
 * A kernel that lacks cls_flower may get it by a modprobe later, so a "no"
 * is asked again at most every FLOWER_RETRY_MS. */
enum flower_cap { FLOWER_UNKNOWN, FLOWER_YES, FLOWER_NO };
static enum flower_cap flower_cap;
static struct tcf_ack flower_ack; /* Why not. */
static long long flower_when;
#define FLOWER_RETRY_MS 60000

/* The probe: a flower filter without actions (so that it needs no act_*
 * module, and a frame it matched would go on as if it had not) that can
 * match nothing real anyway (the local experimental ethertype 0x88b5), in
 * software only, added and deleted on IFINDEX's hook PARENT at the top of
 * our priority range.  Only "no such classifier"
 * answers (ENOENT, EOPNOTSUPP) mean no; any other error (a foreign filter
 * of another protocol at that priority, say) says nothing about flower. */
static enum flower_cap
probe_flower(int ifindex, uint32_t parent)
{
    static struct tcf_filter f;
    struct tcf_req req;

    tcf_filter_init(&f, ifindex);
    f.parent = parent;
    f.prio = TCF_PRIO_MAX;
    f.handle = UINT32_MAX;
    f.protocol = htons(0x88b5);
    f.key.eth_type = f.protocol;
    f.mask.eth_type = 0xffff;
    f.flags = TCA_CLS_FLAGS_SKIP_HW;

    memset(&req, 0, sizeof req);
    req.type = TCF_REQ_ADD;
    req.filter = &f;
    tcf_nl_transact(tcf_state.main_nl, &req, 1);
    flower_ack = req.ack;
    flower_when = nf_time_msec();
    if (!req.ack.error) {
        memset(&req, 0, sizeof req);
        req.type = TCF_REQ_DEL;
        req.ifindex = ifindex;
        req.parent = parent;
        req.prio = f.prio;
        req.protocol = f.protocol;
        req.handle = f.handle;
        tcf_nl_transact(tcf_state.main_nl, &req, 1);
        return FLOWER_YES;
    }
    if (req.ack.error == ENOENT || req.ack.error == EOPNOTSUPP) {
        VLOG_WARN("the kernel has no flower classifier (%s: %s): tc offloads "
                  "nothing",
                  tcf_errno_name(req.ack.error),
                  req.ack.msg[0] ? req.ack.msg : nf_strerror(req.ack.error));
        return FLOWER_NO;
    }
    return FLOWER_YES;
}

static bool
flower_known_missing(void)
{
    return flower_cap == FLOWER_NO
           && nf_time_msec() - flower_when < FLOWER_RETRY_MS;
}

static void
no_flower_reason(struct offload_reason *why)
{
    tcf_reason(why, OFFLOAD_R_DEVICE,
               "the kernel has no flower classifier: kernel: %s: %s",
               tcf_errno_name(flower_ack.error),
               flower_ack.msg[0] ? flower_ack.msg
                                 : nf_strerror(flower_ack.error));
}

static int
tcf_port_probe(const struct offload_port *port, struct offload_reason *why)
{
    if (port->ifindex <= 0) {
        tcf_reason(why, OFFLOAD_R_UNSUPPORTED_PORT,
                   "%s is not a kernel network device", port->name);
        return EOPNOTSUPP;
    }
    /* Kernel network devices of their own are served on their ingress
     * hook, tap devices nicflowd reads from ("internal", "tap") on their
     * egress hook (tcf_port_parent()). */
    if (!tcf_port_parent(port->type)) {
        tcf_reason(why, OFFLOAD_R_UNSUPPORTED_PORT,
                   "%s: port type %s is not served by tc", port->name,
                   port->type);
        return EOPNOTSUPP;
    }
    if (flower_known_missing()) {
        no_flower_reason(why);
        return EOPNOTSUPP;
    }
    return 0;
}

static void
kernel_reason(struct offload_reason *why, const char *what,
              const struct tcf_ack *ack)
{
    tcf_reason(why, OFFLOAD_R_DEVICE, "%s: kernel: %s: %s", what,
               tcf_errno_name(ack->error),
               ack->msg[0] ? ack->msg : nf_strerror(ack->error));
}

static int
tcf_port_add(struct offload_port *port, struct offload_reason *why)
{
    struct tcf_ack ack;
    int error;

    error = tcf_port_probe(port, why);
    if (error) {
        return error;
    }
    if (!tcf_state.inited || !tcf_state.main_nl) {
        tcf_reason(why, OFFLOAD_R_INTERNAL, "provider not initialised");
        return ENXIO;
    }

    struct tcf_port *tp = xzalloc(sizeof *tp);
    tp->ifindex = port->ifindex;
    snprintf(tp->name, sizeof tp->name, "%s", port->name);
    tp->odp_port = port->odp_port;
    tp->parent = tcf_port_parent(port->type);
    tp->next_handle = 1;
    atomic_init(&tp->n_rules, 0);
    hmap_init(&tp->handles);

    error = tcf_nl_clsact_add(tcf_state.main_nl, tp->ifindex,
                              &tp->qdisc_created, &ack);
    if (error) {
        char what[64];
        snprintf(what, sizeof what, "%s: clsact qdisc", port->name);
        kernel_reason(why, what, &ack);
        goto free_port;
    }
    if (flower_cap != FLOWER_YES) {
        flower_cap = probe_flower(tp->ifindex, tp->parent);
        if (flower_cap == FLOWER_NO) {
            no_flower_reason(why);
            error = EOPNOTSUPP;
            goto del_qdisc;
        }
    }
    error = tcf_rep_read(tcf_state.main_nl, tp->ifindex, &port->rep);
    if (error) {
        /* Not fatal: the port works as a plain netdev. */
        VLOG_WARN("%s: cannot read representor facts: %s", port->name,
                  nf_strerror(error));
        tcf_rep_init(&port->rep);
    }
    if (tcf_state.n_ports >= tcf_state.allocated_ports) {
        tcf_state.allocated_ports = tcf_state.allocated_ports * 2 + 4;
        tcf_state.ports =
            xrealloc(tcf_state.ports,
                     tcf_state.allocated_ports * sizeof *tcf_state.ports);
    }
    tcf_state.ports[tcf_state.n_ports++] = tp;
    port->provider_data = tp;
    COVERAGE_INC(tcf_port_add);
    VLOG_INFO("%s: serving %s (clsact %s)", port->name,
              tcf_hook_name(tp->parent),
              tp->qdisc_created ? "created" : "already there");
    return 0;

del_qdisc:
    if (tp->qdisc_created) {
        (void) tcf_nl_clsact_del(tcf_state.main_nl, tp->ifindex, NULL);
    }
free_port:
    free_port(tp);
    return error;
}

/* Counts the filters under PARENT (any chain, anyone's). */
static void
count_cb(const struct tcf_filter *f, void *n_)
{
    size_t *n = n_;
    (void) f;
    ++*n;
}

static void
tcf_port_del(struct offload_port *port)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    struct tcf_port *tp = port->provider_data;
    int error;

    if (!tp) {
        return;
    }
    COVERAGE_INC(tcf_port_del);
    error = tcf_port_purge(tcf_state.main_nl, tp);
    if (error && error != ENODEV) {
        VLOG_WARN_RL(&rl, "%s: cannot list filters to remove: %s", port->name,
                     nf_strerror(error));
    }

    /* The qdisc, shared by both hooks, goes only if we made it and nobody
     * else uses it: a filter left on either hook (chain and priority
     * notwithstanding) keeps it. */
    if (tp->qdisc_created && !error) {
        size_t n = 0;
        if (!tcf_nl_dump(tcf_state.main_nl, tp->ifindex, tcf_ingress_parent(),
                         false, count_cb, &n, NULL)
            && !tcf_nl_dump(tcf_state.main_nl, tp->ifindex,
                            tcf_egress_parent(), false, count_cb, &n, NULL)
            && !n) {
            struct tcf_ack ack;
            error = tcf_nl_clsact_del(tcf_state.main_nl, tp->ifindex, &ack);
            if (error && error != ENODEV && error != ENOENT) {
                VLOG_WARN_RL(&rl, "%s: cannot remove the clsact qdisc: %s",
                             port->name,
                             ack.msg[0] ? ack.msg : nf_strerror(error));
            }
        }
    }
    for (size_t i = 0; i < tcf_state.n_ports; i++) {
        if (tcf_state.ports[i] == tp) {
            tcf_state.ports[i] = tcf_state.ports[--tcf_state.n_ports];
            break;
        }
    }
    free_port(tp);
    port->provider_data = NULL;
}

static void
tcf_port_describe(const struct offload_port *port, char *buf, size_t size)
{
    const struct tcf_port *tp = port->provider_data;
    const struct offload_representor *rep = &port->rep;
    char id[2 * sizeof rep->switch_id + 1] = "-";
    unsigned n = 0, in_hw = 0, not_in_hw = 0;

    if (tp) {
        n = atomic_load(&((struct tcf_port *) tp)->n_rules);
        pthread_mutex_lock(&tcf_state.mutex);
        in_hw = tp->n_in_hw;
        not_in_hw = tp->n_not_in_hw;
        pthread_mutex_unlock(&tcf_state.mutex);
    }
    for (size_t i = 0; i < rep->switch_id_len && i < sizeof rep->switch_id;
         i++) {
        snprintf(id + 2 * i, 3, "%02x", rep->switch_id[i]);
    }
    /* The manager prints the provider's name in front of this line. */
    snprintf(buf, size,
             "clsact (%s), %s, prio %#x-%#x, %u filters, %u in_hw %u "
             "not_in_hw; switch id %s, port name %s",
             !tp                 ? "none"
             : tp->qdisc_created ? "ours"
                                 : "not ours",
             tp ? tcf_hook_name(tp->parent) : "-", TCF_PRIO_MIN, TCF_PRIO_MAX,
             n, in_hw, not_in_hw, id,
             rep->port_name[0] ? rep->port_name : "-");
}

const struct offload_provider_class tcf_provider_class = {
    .version = OFFLOAD_PROVIDER_VERSION,
    .name = "tc",
    .init = tcf_init,
    .set_config = tcf_set_config,
    .destroy = tcf_destroy,
    .ctx_create = tcf_ctx_create,
    .ctx_destroy = tcf_ctx_destroy,
    .port_probe = tcf_port_probe,
    .port_add = tcf_port_add,
    .port_del = tcf_port_del,
    .port_describe = tcf_port_describe,
    .flow_check = tcf_flow_check,
    .flow_put = tcf_flow_put,
    .flow_del = tcf_flow_del,
    .flow_stats = tcf_flow_stats,
    .reconcile = tcf_reconcile,
    .flush = tcf_flush,
    .meter_set = tcf_police_meter_set,
};
