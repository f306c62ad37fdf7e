/* offload-dummy.c: "dummy", the simulated eswitch (see offload-dummy.h).
 *
 * State.  The simulated device is a set of ports by netdev name, each
 * with its rules by ufid and by handle.  One mutex guards it all: flow
 * calls come from several workers at once, and the device is small. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/flow.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/util.h"
#include "offload/offload-dummy.h"
#include "offload/offload-private.h"
#include "softpath/odp.h"

struct dummy_rule {
    struct hmap_node ufid_node;   /* In dummy_port.by_ufid. */
    struct hmap_node handle_node; /* In dummy_port.by_handle. */
    struct offload_ufid ufid;
    uint64_t handle;
};

struct dummy_port {
    struct hmap_node node; /* In dummy_ports, by name. */
    char name[16];
    uint32_t odp_port;
    bool attached; /* Served now (between port_add and port_del/destroy). */
    struct hmap by_ufid;
    struct hmap by_handle;
};

static pthread_mutex_t dummy_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct hmap dummy_ports = HMAP_INITIALIZER;
static uint64_t dummy_next_handle = 1;

/* What the simulated eswitch does with each datapath action: a table
 * indexed by OVS_ACTION_ATTR_*, so that a new action is one line. */
static const struct {
    const char *name;
    bool offloadable;
} dummy_actions[] = {
    [OVS_ACTION_ATTR_OUTPUT] = { "output", true },
    [OVS_ACTION_ATTR_USERSPACE] = { "userspace", false },
    [OVS_ACTION_ATTR_SET] = { "set", true },
    [OVS_ACTION_ATTR_PUSH_VLAN] = { "push_vlan", true },
    [OVS_ACTION_ATTR_POP_VLAN] = { "pop_vlan", true },
    [OVS_ACTION_ATTR_SAMPLE] = { "sample", false },
    [OVS_ACTION_ATTR_RECIRC] = { "recirc", false },
    [OVS_ACTION_ATTR_HASH] = { "hash", false },
    [OVS_ACTION_ATTR_SET_MASKED] = { "set", true },
    [OVS_ACTION_ATTR_CT] = { "ct", false },
    [OVS_ACTION_ATTR_TRUNC] = { "trunc", false },
    [OVS_ACTION_ATTR_CT_CLEAR] = { "ct_clear", false },
    [OVS_ACTION_ATTR_METER] = { "meter", false },
    [OVS_ACTION_ATTR_CLONE] = { "clone", false },
    [ODP_ACTION_ATTR_DROP] = { "drop", true },
};

static struct dummy_port *
dport_find(const char *name)
{
    struct dummy_port *dp;

    HMAP_FOR_EACH_WITH_HASH (dp, node, hash_string(name, 0), &dummy_ports) {
        if (!strcmp(dp->name, name)) {
            return dp;
        }
    }
    return NULL;
}

static struct dummy_rule *
rule_by_ufid(const struct dummy_port *dp, const struct offload_ufid *ufid)
{
    struct dummy_rule *r;

    HMAP_FOR_EACH_WITH_HASH (r, ufid_node, offload_ufid_hash(ufid),
                             &dp->by_ufid) {
        if (!memcmp(&r->ufid, ufid, sizeof *ufid)) {
            return r;
        }
    }
    return NULL;
}

static struct dummy_rule *
rule_by_handle(const struct dummy_port *dp, uint64_t handle)
{
    struct dummy_rule *r;

    HMAP_FOR_EACH_WITH_HASH (r, handle_node, hash_add64(0, handle),
                             &dp->by_handle) {
        if (r->handle == handle) {
            return r;
        }
    }
    return NULL;
}

static void
rule_remove(struct dummy_port *dp, struct dummy_rule *r)
{
    hmap_remove(&dp->by_ufid, &r->ufid_node);
    hmap_remove(&dp->by_handle, &r->handle_node);
    free(r);
}

static void
dport_clear(struct dummy_port *dp)
{
    struct dummy_rule *r;

    HMAP_FOR_EACH_SAFE (r, ufid_node, &dp->by_ufid) {
        rule_remove(dp, r);
    }
}

static void
dport_free(struct dummy_port *dp)
{
    dport_clear(dp);
    hmap_remove(&dummy_ports, &dp->node);
    hmap_destroy(&dp->by_ufid);
    hmap_destroy(&dp->by_handle);
    free(dp);
}

/* Checks what the simulated device can do with F: 0, or an errno and
 * the reason.  Called with dummy_mutex held when DP is nonnull (then the
 * table size counts too). */
static int
dummy_check(const struct offload_flow *f, const struct dummy_port *dp,
            struct offload_reason *why)
{
    const struct nlattr *attr;

    if (!f->in_port || f->in_port->provider != &offload_dummy_class) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_PORT,
                           "dummy: the input port is not on this eswitch");
        return EOPNOTSUPP;
    }
    if (f->flow && f->flow_mask
        && (f->flow->recirc_id & f->flow_mask->recirc_id)) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_MATCH,
                           "dummy: recirc_id(%#x) cannot be matched",
                           f->flow->recirc_id);
        return EOPNOTSUPP;
    }
    mnl_attr_for_each_payload(f->actions, f->actions_len)
    {
        uint16_t type = mnl_attr_get_type(attr);

        if (type >= ARRAY_SIZE(dummy_actions) || !dummy_actions[type].name) {
            offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                               "dummy: action %u cannot be offloaded", type);
            return EOPNOTSUPP;
        }
        if (!dummy_actions[type].offloadable) {
            offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                               "dummy: action %s cannot be offloaded",
                               dummy_actions[type].name);
            return EOPNOTSUPP;
        }
        if (type == OVS_ACTION_ATTR_OUTPUT) {
            if (mnl_attr_get_payload_len(attr) != sizeof(uint32_t)) {
                offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                                   "dummy: malformed output action");
                return EINVAL;
            }
            uint32_t out = mnl_attr_get_u32(attr);
            const struct offload_port *op = offload_port_lookup(out);
            if (!op || op->provider != &offload_dummy_class) {
                offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_PORT,
                                   "dummy: output to port %u: not on this "
                                   "eswitch",
                                   out);
                return EOPNOTSUPP;
            }
        }
    }
    unsigned max = f->in_port->max_rules;
    if (dp && max && hmap_count(&dp->by_ufid) >= max
        && !rule_by_ufid(dp, &f->ufid)) {
        offload_reason_set(why, OFFLOAD_R_TABLE_FULL,
                           "dummy: table full: %u/%u", max, max);
        return ENOSPC;
    }
    return 0;
}

static int
dummy_init(const struct offload_global_config *cfg NF_UNUSED,
           char **errp NF_UNUSED)
{
    return 0;
}

static void
dummy_set_config(const struct offload_global_config *cfg NF_UNUSED)
{
}

static void
dummy_destroy(void)
{
    struct dummy_port *dp;

    /* The device keeps its rules: that is what a restart finds. */
    pthread_mutex_lock(&dummy_mutex);
    HMAP_FOR_EACH (dp, node, &dummy_ports) {
        dp->attached = false;
    }
    pthread_mutex_unlock(&dummy_mutex);
}

/* A context stands for a per-thread device channel; the manager must
 * create and destroy one per thread (sanitizer builds see leaks). */
static void *
dummy_ctx_create(void)
{
    return xzalloc(sizeof(int));
}

static void
dummy_ctx_destroy(void *ctx)
{
    free(ctx);
}

static int
dummy_port_probe(const struct offload_port *port, struct offload_reason *why)
{
    if (!port->name[0]) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_PORT,
                           "dummy: a port needs a name");
        return EINVAL;
    }
    return 0;
}

static int
dummy_port_add(struct offload_port *port, struct offload_reason *why)
{
    int error = dummy_port_probe(port, why);

    if (error) {
        return error;
    }
    pthread_mutex_lock(&dummy_mutex);
    struct dummy_port *dp = dport_find(port->name);
    if (!dp) {
        dp = xzalloc(sizeof *dp);
        snprintf(dp->name, sizeof dp->name, "%s", port->name);
        hmap_init(&dp->by_ufid);
        hmap_init(&dp->by_handle);
        hmap_insert(&dummy_ports, &dp->node, hash_string(dp->name, 0));
    }
    dp->odp_port = port->odp_port;
    dp->attached = true;
    port->provider_data = dp;
    pthread_mutex_unlock(&dummy_mutex);
    return 0;
}

static void
dummy_port_del(struct offload_port *port)
{
    pthread_mutex_lock(&dummy_mutex);
    struct dummy_port *dp = port->provider_data;
    if (dp) {
        dport_free(dp);
    }
    port->provider_data = NULL;
    pthread_mutex_unlock(&dummy_mutex);
}

static void
dummy_port_describe(const struct offload_port *port, char *buf, size_t size)
{
    const struct dummy_port *dp = port->provider_data;
    size_t n;

    pthread_mutex_lock(&dummy_mutex);
    n = dp ? hmap_count(&dp->by_ufid) : 0;
    pthread_mutex_unlock(&dummy_mutex);
    if (port->max_rules) {
        snprintf(buf, size, "simulated eswitch, %zu rules, max %u", n,
                 port->max_rules);
    } else {
        snprintf(buf, size, "simulated eswitch, %zu rules, no limit", n);
    }
}

static int
dummy_flow_check(void *ctx NF_UNUSED, const struct offload_flow *f,
                 struct offload_reason *why)
{
    pthread_mutex_lock(&dummy_mutex);
    int error =
        dummy_check(f, f->in_port ? f->in_port->provider_data : NULL, why);
    pthread_mutex_unlock(&dummy_mutex);
    return error;
}

static void
dummy_flow_put(void *ctx NF_UNUSED, const struct offload_flow *flows, size_t n,
               struct offload_put_result *results)
{
    pthread_mutex_lock(&dummy_mutex);
    for (size_t i = 0; i < n; i++) {
        const struct offload_flow *f = &flows[i];
        struct offload_put_result *res = &results[i];
        struct dummy_port *dp = f->in_port ? f->in_port->provider_data : NULL;

        memset(res, 0, sizeof *res);
        res->error = dummy_check(f, dp, &res->reason);
        if (res->error) {
            continue;
        }
        /* A rule with the same ufid is replaced in place and keeps its
         * handle, as a flower filter replaced by handle does (a rule
         * adopted after a restart, say). */
        struct dummy_rule *r = rule_by_ufid(dp, &f->ufid);
        if (!r) {
            r = xzalloc(sizeof *r);
            r->ufid = f->ufid;
            r->handle = dummy_next_handle++;
            hmap_insert(&dp->by_ufid, &r->ufid_node,
                        offload_ufid_hash(&r->ufid));
            hmap_insert(&dp->by_handle, &r->handle_node,
                        hash_add64(0, r->handle));
        }
        res->handle = r->handle;
    }
    pthread_mutex_unlock(&dummy_mutex);
}

static void
dummy_flow_del(void *ctx NF_UNUSED, const struct offload_port *const *ports,
               const struct offload_ufid *ufids, const uint64_t *handles,
               size_t n, struct offload_stats *stats, int *errors)
{
    pthread_mutex_lock(&dummy_mutex);
    for (size_t i = 0; i < n; i++) {
        struct dummy_port *dp = ports[i]->provider_data;
        struct dummy_rule *r = dp ? rule_by_handle(dp, handles[i]) : NULL;

        memset(&stats[i], 0, sizeof stats[i]);
        if (r && !memcmp(&r->ufid, &ufids[i], sizeof r->ufid)) {
            rule_remove(dp, r);
            errors[i] = 0;
        } else {
            errors[i] = ENOENT;
        }
    }
    pthread_mutex_unlock(&dummy_mutex);
}

static void
dummy_flow_stats(void *ctx NF_UNUSED, const struct offload_port *const *ports,
                 const uint64_t *handles, size_t n,
                 struct offload_stats *stats, int *errors)
{
    pthread_mutex_lock(&dummy_mutex);
    for (size_t i = 0; i < n; i++) {
        struct dummy_port *dp = ports[i]->provider_data;

        /* The simulated eswitch forwards nothing: its counters stay 0. */
        memset(&stats[i], 0, sizeof stats[i]);
        errors[i] = dp && rule_by_handle(dp, handles[i]) ? 0 : ENOENT;
    }
    pthread_mutex_unlock(&dummy_mutex);
}

static int
dummy_reconcile(void *ctx NF_UNUSED, const struct offload_port *port,
                struct offload_found_rule **rules, size_t *n_rules)
{
    const struct dummy_port *dp = port->provider_data;
    const struct dummy_rule *r;
    size_t n = 0;

    *rules = NULL;
    *n_rules = 0;
    if (!dp) {
        return 0;
    }
    pthread_mutex_lock(&dummy_mutex);
    *rules = xcalloc(hmap_count(&dp->by_ufid) + 1, sizeof **rules);
    HMAP_FOR_EACH (r, ufid_node, &dp->by_ufid) {
        (*rules)[n].ufid = r->ufid;
        (*rules)[n].handle = r->handle;
        (*rules)[n].in_odp_port = port->odp_port;
        n++;
    }
    pthread_mutex_unlock(&dummy_mutex);
    *n_rules = n;
    return 0;
}

static void
dummy_flush(void *ctx NF_UNUSED)
{
    struct dummy_port *dp;

    pthread_mutex_lock(&dummy_mutex);
    HMAP_FOR_EACH (dp, node, &dummy_ports) {
        if (dp->attached) {
            dport_clear(dp);
        }
    }
    pthread_mutex_unlock(&dummy_mutex);
}

const struct offload_provider_class offload_dummy_class = {
    .version = OFFLOAD_PROVIDER_VERSION,
    .name = "dummy",
    .init = dummy_init,
    .set_config = dummy_set_config,
    .destroy = dummy_destroy,
    .ctx_create = dummy_ctx_create,
    .ctx_destroy = dummy_ctx_destroy,
    .port_probe = dummy_port_probe,
    .port_add = dummy_port_add,
    .port_del = dummy_port_del,
    .port_describe = dummy_port_describe,
    .flow_check = dummy_flow_check,
    .flow_put = dummy_flow_put,
    .flow_del = dummy_flow_del,
    .flow_stats = dummy_flow_stats,
    .reconcile = dummy_reconcile,
    .flush = dummy_flush,
};

size_t
offload_dummy_n_rules(const char *name)
{
    size_t n = 0;

    pthread_mutex_lock(&dummy_mutex);
    const struct dummy_port *dp = dport_find(name);
    if (dp) {
        n = hmap_count(&dp->by_ufid);
    }
    pthread_mutex_unlock(&dummy_mutex);
    return n;
}

void
offload_dummy_reset(void)
{
    struct dummy_port *dp;

    pthread_mutex_lock(&dummy_mutex);
    HMAP_FOR_EACH_SAFE (dp, node, &dummy_ports) {
        dport_free(dp);
    }
    hmap_destroy(&dummy_ports);
    hmap_init(&dummy_ports);
    pthread_mutex_unlock(&dummy_mutex);
}
