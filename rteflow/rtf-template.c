/* rtf-template.c: the template/asynchronous rte_flow API on the ports
 * whose PMD offers it (rtf-private.h has the interface).
 *
 * Devices.  Every ethdev a served port puts rules on (its own, and for an
 * eswitch port its transfer proxy) has a record: the API chosen for it
 * (rtf_api_choose(), which calls rte_flow_configure() once per device)
 * and, on the template API, its cache of template tables.  Records are
 * made and freed by port calls only (no flow call runs then); flow calls
 * find them by DPDK port id in a fixed array, without a lock.
 *
 * Tables.  A template table holds rules of one shape: the rule's
 * attributes (group, priority, direction), its item types in order with
 * each item's mask (and, for an item with a range, its spec and 'last',
 * which a pattern template fixes), and its action types in order.  The
 * pattern template is made from the rule's own items (DPDK reads only
 * their masks), the actions template from its actions with every mask
 * conf NULL: each rule brings its own port ids, addresses, mark ids,
 * meters and encapsulation bytes, so one table serves every rule of its
 * shape.  The few conf sizes that shape what a PMD reserves (RAW_ENCAP
 * and RAW_DECAP sizes, the RSS queue count) are part of the shape.  A
 * table has room for RTF_TPL_TABLE_FLOWS rules; it is made with its
 * templates when the first rule of its shape comes, kept while the port
 * lives (an empty table is cheap, remaking one is not) and destroyed with
 * its templates when its port goes or on flush().
 *
 * Rules.  rte_flow_async_create() on queue 0 (not postponed), then
 * rte_flow_push(), then rte_flow_pull() until the completion carrying
 * the operation's token arrives: the caller learns the rule's fate before
 * the put returns, exactly as with rte_flow_create().  Batching several
 * rules per push and completing them off the put's path is what the API
 * allows beyond this first version.  Deletion goes the same way with
 * rte_flow_async_destroy().  One queue per device means the operations of
 * concurrent flow calls take turns: the device's mutex is held from the
 * enqueue to the completion.  A refusal at any step (templates, table,
 * enqueue, push, pull, a completion with an error status) becomes the
 * flow's reason as rtf_pmd_reason() words the synchronous path's, and
 * nothing made for the rule is left behind (a table that was new for it
 * is destroyed again).  Counters: the rules carry COUNT like synchronous
 * ones and are read with rte_flow_query(), which DPDK 22.11 documents for
 * any rule handle (it has no asynchronous query of a rule). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "rteflow/rtf-private.h"

VLOG_DEFINE_THIS_MODULE(rtf_template);

COVERAGE_DEFINE(rtf_tpl_table_made);
COVERAGE_DEFINE(rtf_tpl_async_create);
COVERAGE_DEFINE(rtf_tpl_async_refused);
COVERAGE_DEFINE(rtf_tpl_async_destroy);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(20, 20);

/* The asynchronous queue the provider uses on every template device
 * (rtf_api_choose() configures one). */
#define RTF_TPL_QUEUE 0

/* Rules per template table. */
#define RTF_TPL_TABLE_FLOWS 4096

/* Waiting for a completion: this many pulls back to back, then pulls
 * with a short sleep between, up to RTF_TPL_MAX_POLLS in all (about a
 * second), after which the operation is taken as lost. */
#define RTF_TPL_SPIN_POLLS 64
#define RTF_TPL_MAX_POLLS 10000
#define RTF_TPL_POLL_SLEEP_NS 100000

struct rtf_tpl_dev;

struct rtf_tpl_table {
    struct hmap_node node; /* In its device's 'tables', by shape hash. */
    struct rtf_tpl_dev *dev;
    uint8_t *key; /* The shape (shape_key()). */
    size_t key_len;
    struct rte_flow_pattern_template *pt;
    struct rte_flow_actions_template *at;
    struct rte_flow_template_table *table;
    uint32_t nb_flows; /* Room. */
    uint32_t n_rules;  /* Rules in it (device mutex). */
};

struct rtf_tpl_dev {
    uint16_t port_id;
    unsigned users; /* Served ports that use the device. */
    enum rtf_api api;
    bool capable;          /* rte_flow_info_get() offered the template API. */
    pthread_mutex_t mutex; /* 'tables', the tables' n_rules, queue 0. */
    struct hmap tables;
    uintptr_t next_op; /* Tokens of asynchronous operations. */
};

static struct rtf_tpl_dev *devs[RTE_MAX_ETHPORTS];

/* RTF_TPL_MAX_POLLS unless a test asked for less (rtf_tpl_set_patience()). */
static atomic_uint max_polls = RTF_TPL_MAX_POLLS;

void
rtf_tpl_set_patience(unsigned polls)
{
    atomic_store(&max_polls, polls ? polls : RTF_TPL_MAX_POLLS);
}

static struct rtf_tpl_dev *
dev_find(uint16_t port_id)
{
    return port_id < RTE_MAX_ETHPORTS ? devs[port_id] : NULL;
}

/* Whether OPS has every member the template path calls. */
static bool
ops_complete(const struct rtf_ops *ops)
{
    return ops->pattern_template_create && ops->pattern_template_destroy
           && ops->actions_template_create && ops->actions_template_destroy
           && ops->table_create && ops->table_destroy && ops->async_create
           && ops->async_destroy && ops->push && ops->pull;
}

/* Tables. */

/* What of an action's conf is part of the shape. */
static uint32_t
conf_shape(const struct rte_flow_action *a)
{
    switch (a->type) {
    case RTE_FLOW_ACTION_TYPE_RAW_ENCAP:
        return ((const struct rte_flow_action_raw_encap *) a->conf)->size;
    case RTE_FLOW_ACTION_TYPE_RAW_DECAP:
        return ((const struct rte_flow_action_raw_decap *) a->conf)->size;
    case RTE_FLOW_ACTION_TYPE_RSS:
        return ((const struct rte_flow_action_rss *) a->conf)->queue_num;
    default:
        return 0;
    }
}

/* The shape of R into K (see the file comment). */
static void
shape_key(const struct rtf_rule *r, struct buf *k)
{
    const uint32_t attr[] = {
        r->attr.group,  r->attr.priority, r->attr.ingress,
        r->attr.egress, r->attr.transfer,
    };
    const uint32_t end = RTE_FLOW_ITEM_TYPE_END;

    buf_put(k, attr, sizeof attr);
    for (size_t i = 0; i < r->n_items; i++) {
        const struct rte_flow_item *it = &r->items[i];
        const uint32_t h[] = {
            it->type,
            r->item_size[i],
            (it->mask ? 1 : 0) | (it->last ? 2 : 0),
        };

        buf_put(k, h, sizeof h);
        if (it->mask) {
            buf_put(k, it->mask, r->item_size[i]);
        }
        if (it->last) {
            buf_put(k, it->spec, r->item_size[i]);
            buf_put(k, it->last, r->item_size[i]);
        }
    }
    buf_put(k, &end, sizeof end);
    for (size_t i = 0; i < r->n_actions; i++) {
        const struct rte_flow_action *a = &r->actions[i];
        const uint32_t h[] = { a->type, a->conf ? conf_shape(a) : 0 };

        buf_put(k, h, sizeof h);
    }
}

static void
log_failure(uint16_t port_id, const char *what, int ret,
            const struct rte_flow_error *error)
{
    VLOG_WARN_RL(&rl, "port %u: %s failed: %s", port_id, what,
                 error->message ? error->message : nf_strerror(-ret));
}

/* Destroys T's table and templates (those it has) in the device, unless
 * !IN_DEVICE, and frees T (device mutex held). */
static void
table_free(struct rtf_tpl_table *t, bool in_device)
{
    const struct rtf_ops *ops = rtf_state.ops;
    uint16_t port_id = t->dev->port_id;
    struct rte_flow_error error;
    int ret;

    if (t->n_rules) {
        VLOG_WARN_RL(&rl,
                     "port %u: destroying a template table that still "
                     "holds %u rules",
                     port_id, t->n_rules);
    }
    if (in_device && t->table) {
        memset(&error, 0, sizeof error);
        ret = ops->table_destroy(port_id, t->table, &error);
        if (ret) {
            log_failure(port_id, "rte_flow_template_table_destroy", ret,
                        &error);
        }
    }
    if (in_device && t->at) {
        memset(&error, 0, sizeof error);
        ret = ops->actions_template_destroy(port_id, t->at, &error);
        if (ret) {
            log_failure(port_id, "rte_flow_actions_template_destroy", ret,
                        &error);
        }
    }
    if (in_device && t->pt) {
        memset(&error, 0, sizeof error);
        ret = ops->pattern_template_destroy(port_id, t->pt, &error);
        if (ret) {
            log_failure(port_id, "rte_flow_pattern_template_destroy", ret,
                        &error);
        }
    }
    free(t->key);
    free(t);
}

/* Points ERROR's cause, if it is one of the objects the template calls
 * were given on R's behalf, at the part of R it stands for, so that
 * rtf_pmd_reason() can name it. */
static void
cause_to_rule(struct rte_flow_error *error, const struct rtf_rule *r,
              const void *attr_copy, const struct rte_flow_action *masks)
{
    const void *c = error->cause;

    if (!c) {
        return;
    }
    if (c == attr_copy) {
        error->cause = &r->attr;
    } else if (masks && (const void *) c >= (const void *) masks
               && (const void *) c
                      < (const void *) (masks + r->n_actions + 1)) {
        size_t idx = (size_t) ((const struct rte_flow_action *) c - masks);
        error->cause = &r->actions[NF_MIN(idx, r->n_actions)];
    }
}

/* Makes the templates and table of R's shape KEY on D (mutex held).  0
 * with the table in *TP (also in D's cache), or a negative errno with
 * ERROR filled in; nothing left behind. */
static int
table_make(struct rtf_tpl_dev *d, const struct rtf_rule *r, struct buf *key,
           uint32_t hash, struct rtf_tpl_table **tp,
           struct rte_flow_error *error)
{
    const struct rtf_ops *ops = rtf_state.ops;
    struct rte_flow_pattern_template_attr pattr = {
        .ingress = r->attr.ingress,
        .egress = r->attr.egress,
        .transfer = r->attr.transfer,
    };
    struct rte_flow_actions_template_attr aattr = {
        .ingress = r->attr.ingress,
        .egress = r->attr.egress,
        .transfer = r->attr.transfer,
    };
    struct rte_flow_template_table_attr tattr = {
        .flow_attr = r->attr,
        .nb_flows = RTF_TPL_TABLE_FLOWS,
    };
    struct rte_flow_action masks[RTF_MAX_ACTIONS + 1];
    struct rtf_tpl_table *t = xzalloc(sizeof *t);
    int ret;

    t->dev = d;
    t->nb_flows = tattr.nb_flows;
    ret = ops->pattern_template_create(d->port_id, &pattr, r->items, &t->pt,
                                       error);
    if (ret) {
        t->pt = NULL;
        cause_to_rule(error, r, &pattr, NULL);
        goto out_free;
    }
    /* Every conf left to the rule (see the file comment). */
    memset(masks, 0, sizeof masks);
    for (size_t i = 0; i <= r->n_actions; i++) {
        masks[i].type = r->actions[i].type;
    }
    ret = ops->actions_template_create(d->port_id, &aattr, r->actions, masks,
                                       &t->at, error);
    if (ret) {
        t->at = NULL;
        cause_to_rule(error, r, &aattr, masks);
        goto out_free;
    }
    ret =
        ops->table_create(d->port_id, &tattr, t->pt, t->at, &t->table, error);
    if (ret) {
        t->table = NULL;
        cause_to_rule(error, r, &tattr, NULL);
        if (error->cause == &tattr.flow_attr) {
            error->cause = &r->attr;
        }
        goto out_free;
    }
    t->key_len = key->len;
    t->key = xmemdup(key->data, key->len);
    hmap_insert(&d->tables, &t->node, hash);
    COVERAGE_INC(rtf_tpl_table_made);
    *tp = t;
    return 0;

out_free:
    table_free(t, true);
    return ret;
}

/* The cached table of KEY on D, or NULL (mutex held). */
static struct rtf_tpl_table *
table_find(struct rtf_tpl_dev *d, const struct buf *key, uint32_t hash)
{
    struct rtf_tpl_table *t;

    HMAP_FOR_EACH_WITH_HASH (t, node, hash, &d->tables) {
        if (t->key_len == key->len && !memcmp(t->key, key->data, key->len)) {
            return t;
        }
    }
    return NULL;
}

/* Operations. */

/* Pulls D's queue until the completion of operation OP arrives, its
 * status in *OK (mutex held).  0, or a negative errno with ERROR filled
 * in when the pull fails or the completion never comes.  Completions of
 * other operations can only be those of operations given up on before:
 * they are dropped. */
static int
wait_op(struct rtf_tpl_dev *d, uintptr_t op, bool *ok,
        struct rte_flow_error *error)
{
    struct rte_flow_op_result res[32];

    unsigned limit = atomic_load(&max_polls);

    for (unsigned polls = 0; polls < limit; polls++) {
        int n = rtf_state.ops->pull(d->port_id, RTF_TPL_QUEUE, res,
                                    ARRAY_SIZE(res), error);
        if (n < 0) {
            return n;
        }
        for (int i = 0; i < n; i++) {
            if ((uintptr_t) res[i].user_data == op) {
                *ok = res[i].status == RTE_FLOW_OP_SUCCESS;
                return 0;
            }
        }
        if (!n && polls >= RTF_TPL_SPIN_POLLS) {
            struct timespec ts = { 0, RTF_TPL_POLL_SLEEP_NS };
            nanosleep(&ts, NULL);
        }
    }
    error->type = RTE_FLOW_ERROR_TYPE_UNSPECIFIED;
    error->cause = NULL;
    error->message = "no completion of the operation came (rte_flow_pull)";
    return -ETIMEDOUT;
}

/* Destroys rule FLOW of D: enqueue, push, completion (mutex held).  0 or
 * a negative errno with ERROR filled in. */
static int
destroy_op(struct rtf_tpl_dev *d, struct rte_flow *flow,
           struct rte_flow_error *error)
{
    const struct rtf_ops *ops = rtf_state.ops;
    uintptr_t op = ++d->next_op;
    bool ok = false;
    int ret;

    COVERAGE_INC(rtf_tpl_async_destroy);
    ret = ops->async_destroy(d->port_id, RTF_TPL_QUEUE, false, flow,
                             (void *) op, error);
    if (!ret) {
        ret = ops->push(d->port_id, RTF_TPL_QUEUE, error);
    }
    if (!ret) {
        ret = wait_op(d, op, &ok, error);
    }
    if (!ret && !ok) {
        error->type = RTE_FLOW_ERROR_TYPE_UNSPECIFIED;
        error->cause = NULL;
        error->message = "the rule's removal completed with an error";
        ret = -EIO;
    }
    return ret;
}

/* Creates R in table T of D: enqueue, push, completion (mutex held).  0
 * with the rule in *FLOWP, or a negative errno with ERROR filled in; a
 * rule whose creation was enqueued but not seen through is destroyed
 * again. */
static int
create_op(struct rtf_tpl_dev *d, struct rtf_tpl_table *t,
          const struct rtf_rule *r, struct rte_flow **flowp,
          struct rte_flow_error *error)
{
    const struct rtf_ops *ops = rtf_state.ops;
    uintptr_t op = ++d->next_op;
    bool ok = false;
    int ret;

    COVERAGE_INC(rtf_tpl_async_create);
    *flowp = NULL;
    ret = ops->async_create(d->port_id, RTF_TPL_QUEUE, false, t->table,
                            r->items, r->actions, (void *) op, flowp, error);
    if (ret) {
        *flowp = NULL;
        return ret;
    }
    ret = ops->push(d->port_id, RTF_TPL_QUEUE, error);
    if (!ret) {
        ret = wait_op(d, op, &ok, error);
    }
    if (!ret && !ok) {
        /* The PMD tried and failed: there is no rule to destroy.  The
         * completion carries no error of its own. */
        error->type = RTE_FLOW_ERROR_TYPE_UNSPECIFIED;
        error->cause = NULL;
        error->message = "the rule's insertion completed with an error";
        *flowp = NULL;
        return -EIO;
    }
    if (ret) {
        /* The rule may or may not be in the device: take it out. */
        struct rte_flow_error e2;

        memset(&e2, 0, sizeof e2);
        int ret2 = destroy_op(d, *flowp, &e2);
        if (ret2) {
            log_failure(d->port_id,
                        "removing a rule whose creation was not confirmed",
                        ret2, &e2);
        }
        *flowp = NULL;
    }
    return ret;
}

/* Interface. */

/* The record of PORT_ID, made (and the API chosen, WANT_TEMPLATE saying
 * whether the template API may be) if it has none; one more user. */
static struct rtf_tpl_dev *
dev_get(uint16_t port_id, bool want_template)
{
    struct rtf_tpl_dev *d = devs[port_id];

    if (!d) {
        d = xzalloc(sizeof *d);
        d->port_id = port_id;
        pthread_mutex_init(&d->mutex, NULL);
        hmap_init(&d->tables);
        d->api = rtf_api_choose(port_id, want_template, &d->capable);
        devs[port_id] = d;
    }
    d->users++;
    return d;
}

/* Whether PORT's ethdevs can have records (DPDK's port ids are below
 * RTE_MAX_ETHPORTS; a port said otherwise stays synchronous). */
static bool
port_in_range(const struct rtf_port *port)
{
    return port->port_id < RTE_MAX_ETHPORTS
           && port->proxy_port_id < RTE_MAX_ETHPORTS;
}

void
rtf_tpl_port_attach(struct rtf_port *port)
{
    bool want = ops_complete(rtf_state.ops);
    bool proxy_ok = true;

    if (!port_in_range(port)) {
        port->api =
            rtf_api_choose(port->port_id, false, &port->template_capable);
        return;
    }
    if (port->transfer && port->proxy_port_id != port->port_id) {
        /* Transfer rules go on the proxy: it is configured first, and
         * only a template proxy lets the port itself be configured. */
        struct rtf_tpl_dev *proxy = dev_get(port->proxy_port_id, want);
        proxy_ok = proxy->api == RTF_API_TEMPLATE;
    }
    struct rtf_tpl_dev *d = dev_get(port->port_id, want && proxy_ok);
    port->api = d->api == RTF_API_TEMPLATE && proxy_ok ? RTF_API_TEMPLATE
                                                       : RTF_API_SYNC;
    port->template_capable = d->capable;
}

/* One user less of PORT_ID's record: its empty tables go, and the record
 * with all it has when no port uses it any more. */
static void
dev_put(uint16_t port_id)
{
    struct rtf_tpl_dev *d = dev_find(port_id);
    struct rtf_tpl_table *t;
    bool last;

    if (!d) {
        return;
    }
    last = !--d->users;
    pthread_mutex_lock(&d->mutex);
    HMAP_FOR_EACH_SAFE (t, node, &d->tables) {
        if (last || !t->n_rules) {
            hmap_remove(&d->tables, &t->node);
            table_free(t, true);
        }
    }
    pthread_mutex_unlock(&d->mutex);
    if (last) {
        hmap_destroy(&d->tables);
        pthread_mutex_destroy(&d->mutex);
        free(d);
        devs[port_id] = NULL;
    }
}

void
rtf_tpl_port_detach(const struct rtf_port *port)
{
    if (!port_in_range(port)) {
        return;
    }
    dev_put(port->port_id);
    if (port->transfer && port->proxy_port_id != port->port_id) {
        dev_put(port->proxy_port_id);
    }
}

bool
rtf_tpl_device(uint16_t port_id)
{
    const struct rtf_tpl_dev *d = dev_find(port_id);

    return d && d->api == RTF_API_TEMPLATE;
}

int
rtf_tpl_install(struct rtf_rule *r, struct rte_flow **flowp,
                struct rtf_tpl_table **tablep, struct offload_reason *why)
{
    struct rtf_tpl_dev *d = dev_find(r->port_id);
    struct rtf_tpl_table *t;
    struct rte_flow_error error;
    struct buf key;
    bool made = false;
    int ret;

    *flowp = NULL;
    *tablep = NULL;
    memset(&error, 0, sizeof error);
    if (!d || d->api != RTF_API_TEMPLATE) {
        rtf_reason(why, OFFLOAD_R_INTERNAL,
                   "port %u is not on the template API", r->port_id);
        return EINVAL;
    }
    ret = rtf_meters_ensure(r, &error);
    if (ret) {
        COVERAGE_INC(rtf_tpl_async_refused);
        return rtf_pmd_reason(ret, &error, r, why);
    }

    buf_init(&key);
    shape_key(r, &key);
    uint32_t hash = hash_bytes(key.data, key.len, 0);
    pthread_mutex_lock(&d->mutex);
    t = table_find(d, &key, hash);
    if (!t) {
        ret = table_make(d, r, &key, hash, &t, &error);
        made = !ret;
    }
    if (!ret && t->n_rules >= t->nb_flows) {
        pthread_mutex_unlock(&d->mutex);
        buf_destroy(&key);
        rtf_reason(why, OFFLOAD_R_TABLE_FULL, "template table full: %u/%u",
                   t->n_rules, t->nb_flows);
        return ENOSPC;
    }
    if (!ret) {
        ret = create_op(d, t, r, flowp, &error);
        if (!ret) {
            t->n_rules++;
            *tablep = t;
        } else if (made) {
            /* Made for this rule alone: not kept. */
            hmap_remove(&d->tables, &t->node);
            table_free(t, true);
        }
    }
    pthread_mutex_unlock(&d->mutex);
    buf_destroy(&key);
    if (ret) {
        COVERAGE_INC(rtf_tpl_async_refused);
        return rtf_pmd_reason(ret, &error, r, why);
    }
    return 0;
}

int
rtf_tpl_remove(uint16_t port_id, struct rte_flow *flow,
               struct rtf_tpl_table *table, bool in_device,
               struct rte_flow_error *error)
{
    struct rtf_tpl_dev *d = table->dev;
    int ret = 0;

    nf_assert(d->port_id == port_id);
    pthread_mutex_lock(&d->mutex);
    if (in_device) {
        ret = destroy_op(d, flow, error);
    }
    /* A rule that would not go is forgotten all the same: nothing could
     * take it out later either. */
    table->n_rules--;
    pthread_mutex_unlock(&d->mutex);
    return ret;
}

void
rtf_tpl_flush(uint16_t port_id)
{
    struct rtf_tpl_dev *d = dev_find(port_id);
    struct rtf_tpl_table *t;

    if (!d) {
        return;
    }
    pthread_mutex_lock(&d->mutex);
    HMAP_FOR_EACH_SAFE (t, node, &d->tables) {
        hmap_remove(&d->tables, &t->node);
        table_free(t, true);
    }
    pthread_mutex_unlock(&d->mutex);
}

size_t
rtf_tpl_n_tables(uint16_t port_id)
{
    struct rtf_tpl_dev *d = dev_find(port_id);
    size_t n;

    if (!d) {
        return 0;
    }
    pthread_mutex_lock(&d->mutex);
    n = hmap_count(&d->tables);
    pthread_mutex_unlock(&d->mutex);
    return n;
}

void
rtf_tpl_forget_all(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(devs); i++) {
        struct rtf_tpl_dev *d = devs[i];
        struct rtf_tpl_table *t;

        if (!d) {
            continue;
        }
        HMAP_FOR_EACH_SAFE (t, node, &d->tables) {
            hmap_remove(&d->tables, &t->node);
            t->n_rules = 0;
            table_free(t, false);
        }
        hmap_destroy(&d->tables);
        pthread_mutex_destroy(&d->mutex);
        free(d);
        devs[i] = NULL;
    }
}
