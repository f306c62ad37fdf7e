/* dpif-netdev.c: the userspace datapath ("netdev" datapath type).
 *
 * A datapath here is an object of this process, found by name in a
 * registry.  Handles (struct dpif_netdev) returned by open() point at it
 * and hold a reference; the datapath outlives its handles until
 * destroy() runs, as a kernel datapath outlives the processes that open
 * it.
 *
 * Flows are kept twice: in the megaflow classifier (flow & mask, mask →
 * struct dp_flow), which the packet path uses, and in a hash map by ufid,
 * which the flow API uses.  An exact-match cache sits in front of the
 * classifier; its entries name a rule and that rule's serial, so a removed
 * flow is never returned from it (see emc.h).
 *
 * Packets move only inside dpif_netdev_run(), called by the owner: it
 * takes a batch from every port, looks the packets up (cache, then the
 * classifier in one batch) and runs the actions of the flows hit, or
 * queues a miss upcall.  Outputs are gathered per port and sent in
 * batches.
 *
 * Meters live in a table by id (struct dp_meter_entry → dp-meter.h's
 * token buckets).  The meter action charges the packet to its meter; a
 * meter that does not exist lets every packet pass, as in Open vSwitch's
 * userspace datapath and openvswitch.ko, so a flow installed before its
 * meter (or outliving it) forwards rather than blackholes.
 *
 * Port options ("key=value,...", from port_add or port_set_config) go to
 * the port's netdev (netdev_set_config()), which keeps the set in force.
 *
 * Locking: each datapath has one mutex that every call on it takes, so
 * the classifier and the cache, which are not thread-safe, see one thread
 * at a time, as do the datapath's netdevs and the meter table.  Each
 * meter also locks itself (dp-meter.h), which costs little here and keeps
 * charging correct once packet threads stop taking the datapath's mutex.
 * The registry has its own mutex, always taken before a datapath's.
 *
 * Files: the structures are in dpif-netdev-private.h; the port API in
 * dpif-netdev-port.c; the upcall queues and dpif_recv() in
 * dpif-netdev-upcall.c; the meter table in dpif-netdev-meter.c; the
 * poll-mode threads in dpif-netdev-pmd.c. */
#include "softpath/dpif-netdev.h"
#include "softpath/dpif-netdev-private.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/coverage.h"
#include "lib/flow.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/classifier.h"
#include "softpath/dp-execute.h"
#include "softpath/dp-meter.h"
#include "softpath/dpif-provider.h"
#include "softpath/emc.h"
#include "softpath/netdev.h"
#include "softpath/odp.h"

VLOG_DEFINE_THIS_MODULE(dpif_netdev);

COVERAGE_DEFINE(dpif_netdev_output_no_port);
COVERAGE_DEFINE(dpif_netdev_mark_hit);
COVERAGE_DEFINE(dpif_netdev_mark_miss);

/* dpif_netdev_set_mark_resolver()'s; read on the datapath thread. */
static dpif_netdev_mark_resolver *_Atomic mark_resolver;
COVERAGE_DEFINE(dpif_netdev_recirc_too_deep);
COVERAGE_DEFINE(dpif_netdev_meter_missing);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

/* The state the action hooks need for one packet. */
struct exec_ctx {
    struct dp_netdev *dp;
    int depth;            /* Recirculations so far. */
    struct dp_proc *proc; /* Who processes it, or NULL (execute). */
};

#define PROC_STAT_ADD(PROC, FIELD, N)                             \
    do {                                                          \
        if ((PROC) && (PROC)->stats && (N)) {                     \
            atomic_fetch_add_explicit(&(PROC)->stats->FIELD, (N), \
                                      memory_order_relaxed);      \
        }                                                         \
    } while (0)

static const struct dpif_class dpif_netdev_class;

static pthread_mutex_t dps_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct hmap dps = HMAP_INITIALIZER;

/* Test hooks (see dpif-netdev.h). */
static const char *local_port_type = "internal";
static unsigned int emc_inv_prob = EMC_DEFAULT_INSERT_INV_PROB;

static void process_packet(struct dp_netdev *, struct pkt *, int depth,
                           struct dp_proc *);

/* ---------------------------------------------------------------------
 * Action hooks.
 * --------------------------------------------------------------------- */

static void
port_flush_tx(struct dp_port *port)
{
    if (port->n_tx) {
        /* Failures are counted by the netdev and logged there. */
        netdev_send(port->netdev, port->tx, port->n_tx, true);
        port->n_tx = 0;
    }
}

static void
dp_flush_tx(struct dp_netdev *dp)
{
    struct dp_port *port;

    if (dp->tx_pending) {
        HMAP_FOR_EACH (port, node, &dp->ports) {
            port_flush_tx(port);
        }
        dp->tx_pending = false;
    }
}

static void
hook_output(void *aux, struct pkt *p, uint32_t port_no)
{
    struct exec_ctx *ctx = aux;
    struct dp_port *port = dp_port_lookup(ctx->dp, port_no);

    if (!port) {
        /* A flow may outlive the port it outputs to (see port_del). */
        COVERAGE_INC(dpif_netdev_output_no_port);
        pkt_delete(p);
        return;
    }
    if (ctx->proc && ctx->proc->pmd && netdev_is_multiqueue(port->netdev)) {
        /* The thread's own transmit queue, after the datapath's mutex is
         * released. */
        dpif_netdev_pmd_tx(ctx->proc->pmd, port, p);
        return;
    }
    ctx->dp->tx_pending = true;
    port->tx[port->n_tx++] = p;
    if (port->n_tx == NETDEV_MAX_BURST) {
        port_flush_tx(port);
    }
}

static void
hook_userspace(void *aux, struct pkt *p, const struct nlattr *attr)
{
    struct exec_ctx *ctx = aux;
    const struct nlattr *a;
    struct dpif_upcall u;
    struct flow flow;

    memset(&u, 0, sizeof u);
    u.type = DPIF_UC_ACTION;
    u.in_port = p->in_port;
    /* The executor keeps P; the upcall gets a copy, whose key is that of
     * the packet as the actions so far have left it. */
    u.packet = pkt_clone(p);
    flow_extract(u.packet, &flow);
    odp_flow_to_key(&u.key, &flow, NULL);
    dpif_ufid_from_key(u.key.data, u.key.len, &u.ufid);
    mnl_attr_for_each_nested(a, attr)
    {
        if (mnl_attr_get_type(a) == OVS_USERSPACE_ATTR_USERDATA) {
            buf_put(&u.userdata, mnl_attr_get_payload(a),
                    mnl_attr_get_payload_len(a));
        }
    }
    dpif_netdev_upcall_push(ctx->dp, &u);
}

static void
hook_recirc(void *aux, struct pkt *p, uint32_t recirc_id)
{
    struct exec_ctx *ctx = aux;

    (void) recirc_id; /* Already in p->recirc_id. */
    if (ctx->depth >= MAX_RECIRC_DEPTH) {
        COVERAGE_INC(dpif_netdev_recirc_too_deep);
        VLOG_WARN_RL(&rl,
                     "%s: packet recirculated more than %d times, "
                     "dropped",
                     ctx->dp->name, MAX_RECIRC_DEPTH);
        pkt_delete(p);
        return;
    }
    PROC_STAT_ADD(ctx->proc, n_recirc, 1);
    process_packet(ctx->dp, p, ctx->depth + 1, ctx->proc);
}

static bool
hook_meter(void *aux, struct pkt *p, uint32_t meter_id)
{
    struct exec_ctx *ctx = aux;
    struct dp_meter_entry *e = dpif_netdev_meter_lookup(ctx->dp, meter_id);

    if (!e) {
        /* No such meter: the packet passes (see the top of the file). */
        COVERAGE_INC(dpif_netdev_meter_missing);
        return true;
    }
    return dp_meter_charge(e->meter, (uint32_t) p->size, dp_meter_now_ns())
           == DP_METER_PASS;
}

static bool
hook_tnl_port(void *aux, uint32_t port_no, uint32_t *tnl_type,
              uint16_t *dst_port)
{
    struct exec_ctx *ctx = aux;
    struct dp_port *port = dp_port_lookup(ctx->dp, port_no);

    return port && !netdev_vport_get_tnl(port->netdev, tnl_type, dst_port);
}

static void
execute_actions(struct dp_netdev *dp, struct pkt *p, int depth,
                struct dp_proc *proc, const void *actions, size_t len)
{
    struct exec_ctx ctx = { dp, depth, proc };
    struct dp_execute_tnl tnl = {
        .tnl_port = hook_tnl_port,
        .src_min = dp->tnl_src_min,
        .src_max = dp->tnl_src_max,
    };
    struct dp_execute_hooks hooks = {
        .output = hook_output,
        .userspace = hook_userspace,
        .recirc = hook_recirc,
        .meter = hook_meter,
        .aux = &ctx,
    };

    dp_execute_actions_tnl(p, actions, len, &hooks, &tnl);
}

/* ---------------------------------------------------------------------
 * The packet path.
 * --------------------------------------------------------------------- */

static void
flow_hit(struct dp_flow *f, const struct pkt *p, const struct flow *flow,
         long long now)
{
    f->stats.n_packets++;
    f->stats.n_bytes += p->size;
    f->stats.used = now;
    f->stats.tcp_flags |= ntohs(flow->tcp_flags) & TCP_FLAGS_MASK;
}

/* The classifier of PORT_NO's megaflows, created if CREATE, or NULL. */
static struct dpcls *
port_cls(struct dp_netdev *dp, uint32_t port_no, bool create)
{
    struct dp_port_cls *pc;

    HMAP_FOR_EACH_WITH_HASH (pc, node, hash_int(port_no, 0), &dp->port_cls) {
        if (pc->port_no == port_no) {
            return &pc->cls;
        }
    }
    if (!create) {
        return NULL;
    }
    pc = xzalloc(sizeof *pc);
    pc->port_no = port_no;
    dpcls_init(&pc->cls);
    hmap_insert(&dp->port_cls, &pc->node, hash_int(port_no, 0));
    return &pc->cls;
}

/* The classifier a megaflow KEY/MASK belongs in (see dp_netdev.port_cls). */
static struct dpcls *
flow_cls(struct dp_netdev *dp, const struct flow *key, const struct flow *mask,
         bool create)
{
    return mask->in_port == UINT32_MAX ? port_cls(dp, key->in_port, create)
                                       : &dp->cls;
}

static struct dpcls_rule *
cls_lookup(struct dp_netdev *dp, const struct flow *flow)
{
    struct dpcls *pc = port_cls(dp, flow->in_port, false);
    struct dpcls_rule *rule = pc ? dpcls_lookup(pc, flow) : NULL;

    if (!rule && dpcls_count(&dp->cls)) {
        rule = dpcls_lookup(&dp->cls, flow);
    }
    return rule;
}

static struct dpcls_rule *
lookup_one(struct dp_netdev *dp, const struct flow *flow, struct dp_proc *proc)
{
    uint32_t hash = emc_hash(flow);
    struct dpcls_rule *rule = emc_lookup(&dp->emc, flow, hash);

    if (rule) {
        PROC_STAT_ADD(proc, n_emc, 1);
    } else {
        rule = cls_lookup(dp, flow);
        if (rule) {
            PROC_STAT_ADD(proc, n_megaflow, 1);
            emc_probabilistic_insert(&dp->emc, flow, hash, rule);
        }
    }
    return rule;
}

/* Queues a miss upcall for P (taken), counting it for PROC. */
static void
miss(struct dp_netdev *dp, struct pkt *p, const struct flow *flow,
     struct dp_proc *proc)
{
    uint64_t lost = dp->n_lost;

    dp->n_missed++;
    dpif_netdev_upcall_miss(dp, p, flow);
    if (dp->n_lost != lost) {
        PROC_STAT_ADD(proc, n_lost, 1);
    } else {
        PROC_STAT_ADD(proc, n_miss, 1);
    }
}

/* Looks P (taken) up again after a recirculation and gives it its flow's
 * actions or a miss upcall. */
static void
process_packet(struct dp_netdev *dp, struct pkt *p, int depth,
               struct dp_proc *proc)
{
    struct dpcls_rule *rule;
    struct flow flow;

    flow_extract(p, &flow);
    rule = lookup_one(dp, &flow, proc);
    if (rule) {
        struct dp_flow *f = rule->payload;

        dp->n_hit++;
        flow_hit(f, p, &flow, nf_time_msec());
        execute_actions(dp, p, depth, proc, f->actions.data, f->actions.len);
    } else {
        miss(dp, p, &flow, proc);
    }
}

static struct dp_flow *flow_lookup_ufid(const struct dp_netdev *,
                                        const struct dpif_ufid *);

/* The rule of the flow a NIC marked with MARK, or NULL. */
static struct dpcls_rule *
mark_lookup(struct dp_netdev *dp, dpif_netdev_mark_resolver *resolve,
            uint32_t mark)
{
    struct dpif_ufid ufid;
    struct dp_flow *f;

    if (resolve(mark, &ufid) && (f = flow_lookup_ufid(dp, &ufid))) {
        COVERAGE_INC(dpif_netdev_mark_hit);
        return f->rule;
    }
    COVERAGE_INC(dpif_netdev_mark_miss);
    return NULL;
}

void
dpif_netdev_set_mark_resolver(dpif_netdev_mark_resolver *resolver)
{
    atomic_store(&mark_resolver, resolver);
}

/* Processes the N packets of PKTS (taken), just received on IN_PORT:
 * the cache first, then the classifier for all the cache's misses at
 * once, then each packet's actions or upcall in arrival order. */
void
dpif_netdev_process_rx(struct dp_netdev *dp, uint32_t in_port,
                       struct pkt **pkts, size_t n, struct dp_proc *proc)
{
    struct flow flows[NETDEV_MAX_BURST];
    struct dpcls_rule *rules[NETDEV_MAX_BURST];
    const struct flow *miss_keys[NETDEV_MAX_BURST];
    struct dpcls_rule *miss_rules[NETDEV_MAX_BURST];
    uint32_t hashes[NETDEV_MAX_BURST];
    size_t miss_idx[NETDEV_MAX_BURST];
    size_t n_miss = 0, n_phwol = 0, n_megaflow = 0;
    long long now = nf_time_msec();

    dpif_netdev_mark_resolver *resolve = atomic_load(&mark_resolver);

    for (size_t i = 0; i < n; i++) {
        pkts[i]->in_port = in_port;
        pkts[i]->recirc_id = 0;
        flow_extract(pkts[i], &flows[i]);
        if (pkts[i]->hw_mark && resolve) {
            rules[i] = mark_lookup(dp, resolve, pkts[i]->hw_mark);
            if (rules[i]) {
                n_phwol++;
                continue;
            }
        }
        hashes[i] = emc_hash(&flows[i]);
        rules[i] = emc_lookup(&dp->emc, &flows[i], hashes[i]);
        if (!rules[i]) {
            miss_idx[n_miss] = i;
            miss_keys[n_miss++] = &flows[i];
        }
    }
    if (n_miss) {
        /* Every packet of the batch came in on IN_PORT. */
        struct dpcls *pc = port_cls(dp, in_port, false);
        if (pc) {
            dpcls_lookup_batch(pc, miss_keys, n_miss, miss_rules);
        } else {
            memset(miss_rules, 0, n_miss * sizeof miss_rules[0]);
        }
        if (dpcls_count(&dp->cls)) {
            for (size_t j = 0; j < n_miss; j++) {
                if (!miss_rules[j]) {
                    miss_rules[j] = dpcls_lookup(&dp->cls, miss_keys[j]);
                }
            }
        }
        for (size_t j = 0; j < n_miss; j++) {
            size_t i = miss_idx[j];

            rules[i] = miss_rules[j];
            if (rules[i]) {
                n_megaflow++;
                emc_probabilistic_insert(&dp->emc, &flows[i], hashes[i],
                                         rules[i]);
            }
        }
    }
    PROC_STAT_ADD(proc, n_rx, n);
    PROC_STAT_ADD(proc, n_phwol, n_phwol);
    PROC_STAT_ADD(proc, n_megaflow, n_megaflow);
    PROC_STAT_ADD(proc, n_emc, n - n_phwol - n_miss);
    for (size_t i = 0; i < n; i++) {
        if (rules[i]) {
            struct dp_flow *f = rules[i]->payload;

            dp->n_hit++;
            flow_hit(f, pkts[i], &flows[i], now);
            execute_actions(dp, pkts[i], 0, proc, f->actions.data,
                            f->actions.len);
        } else {
            miss(dp, pkts[i], &flows[i], proc);
        }
    }
    if (proc && proc->pmd) {
        dp_flush_tx(dp);
    }
}

int
dpif_netdev_set_tnl_src_range(struct dpif *dpif, uint16_t min, uint16_t max)
{
    struct dp_netdev *dp;

    if (!dpif || dpif->class != &dpif_netdev_class || !min || min > max) {
        return EINVAL;
    }
    dp = dp_from_dpif(dpif);
    pthread_mutex_lock(&dp->mutex);
    dp->tnl_src_min = min;
    dp->tnl_src_max = max;
    pthread_mutex_unlock(&dp->mutex);
    return 0;
}

int
dpif_netdev_run(struct dpif *dpif)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct pkt *pkts[NETDEV_MAX_BURST];
    struct dp_port *port;
    int total = 0;

    struct dp_proc proc = { NULL, &dp->main_stats };

    pthread_mutex_lock(&dp->mutex);
    HMAP_FOR_EACH (port, node, &dp->ports) {
        size_t n = 0;
        if (port->pmd_polled && netdev_needs_polling(port->netdev)) {
            continue; /* Its poll-mode threads'. */
        }
        int error = netdev_recv(port->netdev, pkts, NETDEV_MAX_BURST, &n);

        if (error) {
            if (error != EAGAIN) {
                VLOG_WARN_RL(&rl, "%s: receive on port %u (%s) failed: %s",
                             dp->name, port->port_no,
                             netdev_get_name(port->netdev),
                             nf_strerror(error));
            }
            continue;
        }
        dpif_netdev_process_rx(dp, port->port_no, pkts, n, &proc);
        total += (int) n;
    }
    /* Outputs are sent once per run, so that packets from every port to
     * one port leave in as few batches as possible. */
    dp_flush_tx(dp);
    pthread_mutex_unlock(&dp->mutex);
    return total;
}

size_t
dpif_netdev_wait_fds(const struct dpif *dpif, int *fds, size_t max)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct dp_port *port;
    size_t n = 0;

    pthread_mutex_lock(&dp->mutex);
    HMAP_FOR_EACH (port, node, &dp->ports) {
        int fd = netdev_get_fd(port->netdev);

        if (fd >= 0) {
            if (n < max) {
                fds[n] = fd;
            }
            n++;
        }
    }
    pthread_mutex_unlock(&dp->mutex);
    return n;
}

bool
dpif_netdev_needs_polling(const struct dpif *dpif)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct dp_port *port;
    bool polled = false;

    pthread_mutex_lock(&dp->mutex);
    HMAP_FOR_EACH (port, node, &dp->ports) {
        if (netdev_needs_polling(port->netdev) && !port->pmd_polled) {
            polled = true;
            break;
        }
    }
    pthread_mutex_unlock(&dp->mutex);
    return polled;
}

/* ---------------------------------------------------------------------
 * Datapaths.
 * --------------------------------------------------------------------- */

static struct dp_netdev *
dp_lookup(const char *name)
{
    struct dp_netdev *dp;

    HMAP_FOR_EACH_WITH_HASH (dp, node, hash_string(name, 0), &dps) {
        if (!strcmp(dp->name, name)) {
            return dp;
        }
    }
    return NULL;
}

struct dp_port *
dpif_netdev_port_create(struct dp_netdev *dp, uint32_t port_no,
                        struct netdev *netdev)
{
    struct dp_port *port = xzalloc(sizeof *port);

    port->port_no = port_no;
    port->netdev = netdev;
    hmap_insert(&dp->ports, &port->node, hash_int(port_no, 0));
    return port;
}

void
dpif_netdev_port_destroy(struct dp_netdev *dp, struct dp_port *port)
{
    port_flush_tx(port);
    dpif_netdev_upcall_queue_clear(dp, &port->upcalls);
    hmap_remove(&dp->ports, &port->node);
    netdev_close(port->netdev);
    free(port);
}

static void
flow_free(struct dp_flow *f)
{
    buf_destroy(&f->key);
    buf_destroy(&f->mask);
    buf_destroy(&f->actions);
    free(f);
}

static void
flow_remove(struct dp_netdev *dp, struct dp_flow *f)
{
    dpcls_remove(f->cls, f->rule);
    hmap_remove(&dp->flows, &f->ufid_node);
    flow_free(f);
}

static void
flows_flush(struct dp_netdev *dp)
{
    struct dp_flow *f;

    HMAP_FOR_EACH_SAFE (f, ufid_node, &dp->flows) {
        flow_remove(dp, f);
    }
    /* Entries would be stale anyway; flushing frees the cache's slots for
     * the flows to come at once. */
    emc_flush(&dp->emc);
}

/* Creates the datapath NAME with its local port; called with dps_mutex
 * held. */
static int
dp_create(const char *name, struct dp_netdev **dpp, char **errp)
{
    struct netdev *local;
    struct dp_netdev *dp;
    int error;

    dp = xzalloc(sizeof *dp);
    dp->upcall_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (dp->upcall_fd < 0) {
        error = errno;
        nf_give_error(errp,
                      xasprintf("%s: cannot create the upcall eventfd: %s",
                                name, nf_strerror(error)));
        goto free_dp;
    }
    error = netdev_open(name, local_port_type, &local);
    if (error) {
        nf_give_error(errp,
                      xasprintf("%s: cannot open the local port (type %s): "
                                "%s",
                                name, local_port_type, nf_strerror(error)));
        goto close_fd;
    }
    error = emc_init(&dp->emc, 0);
    if (error) {
        nf_give_error(errp,
                      xasprintf("%s: cannot create the exact-match cache: "
                                "%s",
                                name, nf_strerror(error)));
        goto close_local;
    }
    emc_set_insert_inv_prob(&dp->emc, emc_inv_prob);
    dp->name = xstrdup(name);
    pthread_mutex_init(&dp->mutex, NULL);
    pthread_mutex_init(&dp->pmd_ctl, NULL);
    hmap_init(&dp->ports);
    hmap_init(&dp->flows);
    hmap_init(&dp->meters);
    dpcls_init(&dp->cls);
    hmap_init(&dp->port_cls);
    dp->flow_limit = DEFAULT_FLOW_LIMIT;
    dp->tnl_src_min = DP_EXECUTE_TNL_SRC_MIN;
    dp->tnl_src_max = DP_EXECUTE_TNL_SRC_MAX;
    dpif_netdev_port_create(dp, DPIF_PORT_LOCAL, local);
    hmap_insert(&dps, &dp->node, hash_string(name, 0));
    *dpp = dp;
    return 0;

close_local:
    netdev_close(local);
close_fd:
    close(dp->upcall_fd);
free_dp:
    free(dp);
    return error;
}

/* Empties DP of ports, flows, meters and upcalls; called with its mutex
 * held. */
static void
dp_clear(struct dp_netdev *dp)
{
    struct dp_meter_entry *e;
    struct dp_port *port;

    HMAP_FOR_EACH_SAFE (port, node, &dp->ports) {
        dpif_netdev_port_destroy(dp, port);
    }
    flows_flush(dp);
    HMAP_FOR_EACH_SAFE (e, node, &dp->meters) {
        dpif_netdev_meter_remove(dp, e);
    }
    dpif_netdev_upcall_queue_clear(dp, &dp->misc_upcalls);
}

/* Frees DP, which destroy() removed from the registry and no one
 * references any more. */
static void
dp_free(struct dp_netdev *dp)
{
    dpif_netdev_pmd_destroy(dp);
    dp_clear(dp);
    emc_destroy(&dp->emc);
    dpcls_destroy(&dp->cls);
    struct dp_port_cls *pc;
    HMAP_FOR_EACH_SAFE (pc, node, &dp->port_cls) {
        hmap_remove(&dp->port_cls, &pc->node);
        dpcls_destroy(&pc->cls);
        free(pc);
    }
    hmap_destroy(&dp->port_cls);
    hmap_destroy(&dp->meters);
    hmap_destroy(&dp->flows);
    hmap_destroy(&dp->ports);
    close(dp->upcall_fd);
    pthread_mutex_destroy(&dp->pmd_ctl);
    pthread_mutex_destroy(&dp->mutex);
    free(dp->name);
    free(dp);
}

static void
dp_ref(struct dp_netdev *dp)
{
    pthread_mutex_lock(&dps_mutex);
    dp->refcnt++;
    pthread_mutex_unlock(&dps_mutex);
}

static void
dp_unref(struct dp_netdev *dp)
{
    bool free_it;

    pthread_mutex_lock(&dps_mutex);
    free_it = !--dp->refcnt && dp->destroyed;
    pthread_mutex_unlock(&dps_mutex);
    if (free_it) {
        dp_free(dp);
    }
}

static int
dpif_netdev_open(const struct dpif_class *class, const char *name, bool create,
                 struct dpif **dpifp, char **errp)
{
    struct dpif_netdev *handle;
    struct dp_netdev *dp;
    int error = 0;

    *dpifp = NULL;
    pthread_mutex_lock(&dps_mutex);
    dp = dp_lookup(name);
    if (dp && create) {
        nf_give_error(errp,
                      xasprintf("%s: a datapath of that name exists", name));
        error = EEXIST;
    } else if (!dp && !create) {
        nf_give_error(errp, xasprintf("%s: no such datapath", name));
        error = ENODEV;
    } else if (!dp) {
        error = dp_create(name, &dp, errp);
    }
    if (!error && dp) {
        dp->refcnt++;
        handle = xzalloc(sizeof *handle);
        dpif_init_base(&handle->up, class, name);
        handle->dp = dp;
        *dpifp = &handle->up;
    }
    pthread_mutex_unlock(&dps_mutex);
    return error;
}

static void
dpif_netdev_close(struct dpif *dpif)
{
    struct dpif_netdev *handle = CONTAINER_OF(dpif, struct dpif_netdev, up);
    struct dp_netdev *dp = handle->dp;

    dpif_uninit_base(&handle->up);
    free(handle);
    dp_unref(dp);
}

static int
dpif_netdev_destroy(struct dpif *dpif, char **errp)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);

    (void) errp;
    pthread_mutex_lock(&dps_mutex);
    if (!dp->destroyed) {
        dp->destroyed = true;
        hmap_remove(&dps, &dp->node);
    }
    pthread_mutex_unlock(&dps_mutex);

    /* The ports go now, so that their names can be reused at once; the
     * memory goes with the last handle. */
    dpif_netdev_pmd_destroy(dp);
    pthread_mutex_lock(&dp->mutex);
    dp_clear(dp);
    pthread_mutex_unlock(&dp->mutex);
    return 0;
}

static int
dpif_netdev_enumerate(struct dpif_names *names)
{
    struct dp_netdev *dp;

    pthread_mutex_lock(&dps_mutex);
    names->names = xrealloc(names->names, (names->n + hmap_count(&dps) + 1)
                                              * sizeof *names->names);
    HMAP_FOR_EACH (dp, node, &dps) {
        names->names[names->n++] = xstrdup(dp->name);
    }
    pthread_mutex_unlock(&dps_mutex);
    return 0;
}

static int
dpif_netdev_get_stats(const struct dpif *dpif, struct dpif_dp_stats *stats)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct dpcls_stats cs;

    pthread_mutex_lock(&dp->mutex);
    dpcls_get_stats(&dp->cls, &cs);
    struct dp_port_cls *pc;
    HMAP_FOR_EACH (pc, node, &dp->port_cls) {
        struct dpcls_stats ps;
        dpcls_get_stats(&pc->cls, &ps);
        cs.n_subtables += ps.n_subtables;
        cs.n_subtables_probed += ps.n_subtables_probed;
    }
    stats->n_hit = dp->n_hit;
    stats->n_missed = dp->n_missed;
    stats->n_lost = dp->n_lost;
    stats->n_flows = hmap_count(&dp->flows);
    stats->n_masks = cs.n_subtables;
    stats->n_mask_hit = cs.n_subtables_probed;
    pthread_mutex_unlock(&dp->mutex);
    return 0;
}

static int
dpif_netdev_set_flow_limit(struct dpif *dpif, size_t limit)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);

    pthread_mutex_lock(&dp->mutex);
    dp->flow_limit = limit ? limit : DEFAULT_FLOW_LIMIT;
    pthread_mutex_unlock(&dp->mutex);
    return 0;
}

/* ---------------------------------------------------------------------
 * Flows.
 * --------------------------------------------------------------------- */

static uint32_t
ufid_hash(const struct dpif_ufid *ufid)
{
    /* A ufid is already a hash (or random); its first word will do. */
    return ufid->u32[0];
}

static struct dp_flow *
flow_lookup_ufid(const struct dp_netdev *dp, const struct dpif_ufid *ufid)
{
    struct dp_flow *f;

    HMAP_FOR_EACH_WITH_HASH (f, ufid_node, ufid_hash(ufid), &dp->flows) {
        if (!memcmp(&f->ufid, ufid, sizeof *ufid)) {
            return f;
        }
    }
    return NULL;
}

/* Finds the flow whose key is exactly KEY: first under the ufid the key
 * would get, then, for flows put with a ufid of their own, by a scan. */
static struct dp_flow *
flow_lookup_key(const struct dp_netdev *dp, const void *key, size_t key_len)
{
    struct dpif_ufid ufid;
    struct dp_flow *f;

    dpif_ufid_from_key(key, key_len, &ufid);
    f = flow_lookup_ufid(dp, &ufid);
    if (f && f->key.len == key_len && !memcmp(f->key.data, key, key_len)) {
        return f;
    }
    HMAP_FOR_EACH (f, ufid_node, &dp->flows) {
        if (f->key.len == key_len && !memcmp(f->key.data, key, key_len)) {
            return f;
        }
    }
    return NULL;
}

static struct dp_flow *
flow_lookup(const struct dp_netdev *dp, const struct dpif_ufid *ufid,
            const void *key, size_t key_len)
{
    return ufid ? flow_lookup_ufid(dp, ufid)
                : flow_lookup_key(dp, key, key_len);
}

/* Appends to OUT a mask that matches every bit of every attribute of the
 * key ATTRS: the same attributes, with nested ones walked and every other
 * payload byte 0xff.  This is what a put without a mask means. */
static void
exact_mask(struct buf *out, const void *attrs, size_t len, bool in_tunnel)
{
    const struct nlattr *a = attrs;
    int left = (int) len;

    for (; mnl_attr_ok(a, left);
         left -= MNL_ALIGN(a->nla_len), a = mnl_attr_next(a)) {
        uint16_t type = mnl_attr_get_type(a);
        const struct odp_key_policy *pol =
            in_tunnel ? odp_tun_policy(type) : odp_key_policy(type);

        if (pol->len == ODP_LEN_NESTED) {
            size_t start = odp_put_nested_start(out, type);

            exact_mask(out, mnl_attr_get_payload(a),
                       mnl_attr_get_payload_len(a),
                       in_tunnel || type == OVS_KEY_ATTR_TUNNEL);
            odp_put_nested_end(out, start);
        } else {
            size_t plen = mnl_attr_get_payload_len(a);
            struct nlattr *m =
                buf_put_zeros(out, MNL_ALIGN(MNL_ATTR_HDRLEN + plen));

            m->nla_type = type;
            m->nla_len = MNL_ATTR_HDRLEN + plen;
            memset(m + 1, 0xff, plen);
        }
    }
}

/* Decodes PUT's key and mask into the classifier's form. */
static int
put_to_flows(const struct dpif_flow_put *put, struct flow *key,
             struct flow *mask, char **errp)
{
    struct buf exact = BUF_INITIALIZER;
    int error;

    error = odp_key_to_flow(put->key, put->key_len, key, errp);
    if (error) {
        return error;
    }
    if (put->mask) {
        return odp_mask_to_flow(put->mask, put->mask_len, mask, errp);
    }
    exact_mask(&exact, put->key, put->key_len, false);
    error = odp_mask_to_flow(exact.data, exact.len, mask, errp);
    buf_destroy(&exact);
    return error;
}

static int
dpif_netdev_flow_put(struct dpif *dpif, const struct dpif_flow_put *put,
                     char **errp)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct flow key, mask;
    struct dp_flow *f;
    int error;

    error = put_to_flows(put, &key, &mask, errp);
    if (error) {
        return error;
    }

    pthread_mutex_lock(&dp->mutex);
    f = flow_lookup_ufid(dp, put->ufid);
    if (!f) {
        /* The same megaflow under another ufid is still the same flow:
         * the classifier cannot hold it twice. */
        struct dpcls *cls = flow_cls(dp, &key, &mask, false);
        struct dpcls_rule *rule =
            cls ? dpcls_find_exact(cls, &key, &mask, 0) : NULL;

        f = rule ? rule->payload : NULL;
    }
    if (f) {
        if (!(put->flags & DPIF_FP_MODIFY)) {
            nf_give_error(errp, xstrdup("flow exists"));
            error = EEXIST;
            goto unlock;
        }
        if (put->stats) {
            *put->stats = f->stats;
        }
        buf_clear(&f->actions);
        buf_put(&f->actions, put->actions, put->actions_len);
        if (put->flags & DPIF_FP_ZERO_STATS) {
            memset(&f->stats, 0, sizeof f->stats);
        }
        goto unlock;
    }
    if (!(put->flags & DPIF_FP_CREATE)) {
        nf_give_error(errp, xstrdup("no such flow to modify"));
        error = ENOENT;
        goto unlock;
    }
    if (hmap_count(&dp->flows) >= dp->flow_limit) {
        nf_give_error(errp, xasprintf("%s: flow limit of %zu flows reached",
                                      dp->name, dp->flow_limit));
        error = EFBIG;
        goto unlock;
    }
    f = xzalloc(sizeof *f);
    f->ufid = *put->ufid;
    buf_put(&f->key, put->key, put->key_len);
    if (put->mask) {
        buf_put(&f->mask, put->mask, put->mask_len);
    }
    buf_put(&f->actions, put->actions, put->actions_len);
    f->cls = flow_cls(dp, &key, &mask, true);
    error = dpcls_insert(f->cls, &key, &mask, 0, f, &f->rule);
    if (error) {
        /* Not expected: dpcls_find_exact() found no such rule above. */
        nf_give_error(errp, xasprintf("classifier refused the flow: %s",
                                      nf_strerror(error)));
        flow_free(f);
        goto unlock;
    }
    hmap_insert(&dp->flows, &f->ufid_node, ufid_hash(&f->ufid));
    if (put->stats) {
        memset(put->stats, 0, sizeof *put->stats);
    }

unlock:
    pthread_mutex_unlock(&dp->mutex);
    return error;
}

static void
flow_copy(const struct dp_flow *f, struct dpif_flow *out)
{
    memset(out, 0, sizeof *out);
    out->ufid = f->ufid;
    buf_put(&out->key, f->key.data, f->key.len);
    buf_put(&out->mask, f->mask.data, f->mask.len);
    buf_put(&out->actions, f->actions.data, f->actions.len);
    out->stats = f->stats;
}

static int
dpif_netdev_flow_get(const struct dpif *dpif, const struct dpif_ufid *ufid,
                     const void *key, size_t key_len, struct dpif_flow *out)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct dp_flow *f;

    pthread_mutex_lock(&dp->mutex);
    f = flow_lookup(dp, ufid, key, key_len);
    if (f) {
        flow_copy(f, out);
    }
    pthread_mutex_unlock(&dp->mutex);
    return f ? 0 : ENOENT;
}

static void
dpif_netdev_flow_get_stats(const struct dpif *dpif,
                           const struct dpif_ufid *ufids, size_t n,
                           struct dpif_flow_stats *stats, bool *found)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);

    pthread_mutex_lock(&dp->mutex);
    for (size_t i = 0; i < n; i++) {
        const struct dp_flow *f = flow_lookup_ufid(dp, &ufids[i]);

        found[i] = f != NULL;
        if (f) {
            stats[i] = f->stats;
        }
    }
    pthread_mutex_unlock(&dp->mutex);
}

static int
dpif_netdev_flow_del(struct dpif *dpif, const struct dpif_ufid *ufid,
                     const void *key, size_t key_len,
                     struct dpif_flow_stats *stats)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct dp_flow *f;

    pthread_mutex_lock(&dp->mutex);
    f = flow_lookup(dp, ufid, key, key_len);
    if (f) {
        if (stats) {
            *stats = f->stats;
        }
        flow_remove(dp, f);
    }
    pthread_mutex_unlock(&dp->mutex);
    return f ? 0 : ENOENT;
}

static int
dpif_netdev_flow_flush(struct dpif *dpif)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);

    pthread_mutex_lock(&dp->mutex);
    flows_flush(dp);
    pthread_mutex_unlock(&dp->mutex);
    return 0;
}

/* A dump takes the ufids of all flows at start() and looks each up again
 * as it goes, so every flow that lives through the dump is seen exactly
 * once and one that goes away meanwhile is skipped, without holding the
 * datapath's lock between calls. */
static struct dpif_flow_dump *
dpif_netdev_flow_dump_start(const struct dpif *dpif)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct dp_netdev_flow_dump *dump = xzalloc(sizeof *dump);
    struct dp_flow *f;

    dump->up.class = &dpif_netdev_class;
    dump->dp = dp;
    dp_ref(dp);
    pthread_mutex_lock(&dp->mutex);
    dump->ufids = xmalloc((hmap_count(&dp->flows) + 1) * sizeof *dump->ufids);
    HMAP_FOR_EACH (f, ufid_node, &dp->flows) {
        dump->ufids[dump->n++] = f->ufid;
    }
    pthread_mutex_unlock(&dp->mutex);
    return &dump->up;
}

static size_t
dpif_netdev_flow_dump_next(struct dpif_flow_dump *dump_,
                           struct dpif_flow *flows, size_t max)
{
    struct dp_netdev_flow_dump *dump =
        CONTAINER_OF(dump_, struct dp_netdev_flow_dump, up);
    struct dp_netdev *dp = dump->dp;
    size_t n = 0;

    pthread_mutex_lock(&dp->mutex);
    while (n < max && dump->pos < dump->n) {
        const struct dp_flow *f =
            flow_lookup_ufid(dp, &dump->ufids[dump->pos++]);

        if (f) {
            flow_copy(f, &flows[n++]);
        }
    }
    pthread_mutex_unlock(&dp->mutex);
    return n;
}

static void
dpif_netdev_flow_dump_done(struct dpif_flow_dump *dump_)
{
    struct dp_netdev_flow_dump *dump =
        CONTAINER_OF(dump_, struct dp_netdev_flow_dump, up);

    dp_unref(dump->dp);
    free(dump->ufids);
    free(dump);
}

/* ---------------------------------------------------------------------
 * Execution.
 * --------------------------------------------------------------------- */

static int
dpif_netdev_execute(struct dpif *dpif, const struct dpif_execute *exec,
                    char **errp)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct pkt *p = pkt_clone(exec->packet);
    struct flow flow;

    (void) errp;
    p->in_port = exec->in_port;
    /* The executor needs the layer offsets that extraction records. */
    flow_extract(p, &flow);
    pthread_mutex_lock(&dp->mutex);
    execute_actions(dp, p, 0, NULL, exec->actions, exec->actions_len);
    dp_flush_tx(dp);
    pthread_mutex_unlock(&dp->mutex);
    return 0;
}

static int
dpif_netdev_execute_batch(struct dpif *dpif, const struct dpif_execute *execs,
                          size_t n, char **errp)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct pkt *pkts[64];
    size_t i = 0;

    (void) errp;
    while (i < n) {
        /* Packets are prepared outside the lock, a bounded batch at a
         * time. */
        size_t m = NF_MIN(n - i, ARRAY_SIZE(pkts));
        for (size_t k = 0; k < m; k++) {
            struct flow flow;

            pkts[k] = pkt_clone(execs[i + k].packet);
            pkts[k]->in_port = execs[i + k].in_port;
            flow_extract(pkts[k], &flow);
        }
        pthread_mutex_lock(&dp->mutex);
        for (size_t k = 0; k < m; k++) {
            execute_actions(dp, pkts[k], 0, NULL, execs[i + k].actions,
                            execs[i + k].actions_len);
        }
        dp_flush_tx(dp);
        pthread_mutex_unlock(&dp->mutex);
        i += m;
    }
    return 0;
}

static const struct dpif_class dpif_netdev_class = {
    .type = "netdev",
    .open = dpif_netdev_open,
    .close = dpif_netdev_close,
    .destroy = dpif_netdev_destroy,
    .enumerate = dpif_netdev_enumerate,
    .get_stats = dpif_netdev_get_stats,
    .port_add = dpif_netdev_port_add,
    .port_del = dpif_netdev_port_del,
    .port_query = dpif_netdev_port_query,
    .port_dump = dpif_netdev_port_dump,
    .port_get_stats = dpif_netdev_port_get_stats,
    .port_set_config = dpif_netdev_port_set_config,
    .flow_put = dpif_netdev_flow_put,
    .flow_get = dpif_netdev_flow_get,
    .flow_del = dpif_netdev_flow_del,
    .flow_flush = dpif_netdev_flow_flush,
    .flow_dump_start = dpif_netdev_flow_dump_start,
    .flow_dump_next = dpif_netdev_flow_dump_next,
    .flow_dump_done = dpif_netdev_flow_dump_done,
    .flow_get_stats = dpif_netdev_flow_get_stats,
    .execute = dpif_netdev_execute,
    .execute_batch = dpif_netdev_execute_batch,
    .recv_set = dpif_netdev_recv_set,
    .recv = dpif_netdev_recv,
    .recv_fd = dpif_netdev_recv_fd,
    .set_flow_limit = dpif_netdev_set_flow_limit,
    .meter_get_features = dpif_netdev_meter_get_features,
    .meter_set = dpif_netdev_meter_set,
    .meter_get = dpif_netdev_meter_get,
    .meter_del = dpif_netdev_meter_del,
};

size_t
dpif_netdev_dps_get(struct dp_netdev ***dpsp)
{
    struct dp_netdev *dp, **out;
    size_t n = 0;

    pthread_mutex_lock(&dps_mutex);
    out = xmalloc((hmap_count(&dps) + 1) * sizeof *out);
    HMAP_FOR_EACH (dp, node, &dps) {
        dp->refcnt++;
        out[n++] = dp;
    }
    pthread_mutex_unlock(&dps_mutex);
    *dpsp = out;
    return n;
}

void
dpif_netdev_dps_put(struct dp_netdev **dps_, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dp_unref(dps_[i]);
    }
    free(dps_);
}

static void
do_register(void)
{
    int error = dpif_register_class(&dpif_netdev_class);

    netdev_vport_register(); /* Its tunnel ports. */

    if (error) {
        VLOG_WARN("cannot register the netdev datapath type: %s",
                  nf_strerror(error));
    }
}

void
dpif_netdev_register(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, do_register);
}

void
dpif_netdev_set_local_port_type(const char *type)
{
    local_port_type = type ? type : "internal";
}

void
dpif_netdev_set_emc_insert_inv_prob(unsigned int inv_prob)
{
    emc_inv_prob = inv_prob;
}
