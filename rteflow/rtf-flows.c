/* rtf-flows.c: the rteflow provider's flow calls: put (full, else
 * partial), del, stats, check and flush.
 *
 * Put.  The flow is translated (rtf-translate.h) into one rule per port
 * it goes on: its input port, or for a flow entering a tunnel port every
 * DPDK port the provider serves.  Each rule is validated
 * (rte_flow_validate()) and then created (rte_flow_create()); the
 * rte_flow_error of a refusal becomes the flow's reason, "rteflow: PMD
 * refused: <message> (type N, at item I: <name>)".  A flow whose full
 * offload is refused, on a port of its own (not a tunnel port), whose
 * match translates exactly, is then offloaded partially: the same
 * pattern on the port's ingress with MARK (a fresh id) and RSS over the
 * port's receive queues, or QUEUE 0 where the PMD refuses RSS.  The
 * reason of the full refusal stays in the result, whose 'partial' is set.
 * A put of a ufid the provider holds creates the new rules first and
 * destroys the old ones after, so that the flow never leaves the device
 * meanwhile.
 *
 * On a device whose port is on the template API (rtf-private.h,
 * rtf-template.c) a rule, full or partial, goes in through the template
 * table of its shape with rte_flow_async_create() instead, and leaves
 * with rte_flow_async_destroy(); there is no validate step (the table
 * and the completion say whether the PMD takes the rule) and no rule
 * without COUNT (that is the tap PMD's, which has no template API).
 *
 * Counters: COUNT of each rule, summed (rte_flow_query()).  A partial
 * rule has no counter: the softpath counts its packets.  On the tap PMD,
 * which has no COUNT but makes each rule a TC filter that counts, a full
 * rule goes without COUNT and is counted by its filter (rtf-tapstats.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "lib/buf.h"
#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "rteflow/rtf-private.h"
#include "rteflow/rtf-provider.h"

VLOG_DEFINE_THIS_MODULE(rtf_flows);

COVERAGE_DEFINE(rtf_put);
COVERAGE_DEFINE(rtf_put_partial);
COVERAGE_DEFINE(rtf_put_refused);
COVERAGE_DEFINE(rtf_put_pmd_refused);
COVERAGE_DEFINE(rtf_put_uncounted);
COVERAGE_DEFINE(rtf_del);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(20, 20);

/* Bookkeeping (rtf_state.mutex held). */

static struct rtf_flow *
find_ufid(const struct offload_ufid *ufid)
{
    struct rtf_flow *f;

    HMAP_FOR_EACH_WITH_HASH (f, by_ufid, rtf_ufid_hash(ufid),
                             &rtf_state.flows) {
        if (!memcmp(&f->ufid, ufid, sizeof *ufid)) {
            return f;
        }
    }
    return NULL;
}

static uint32_t
handle_hash(uint64_t handle)
{
    return hash_bytes(&handle, sizeof handle, 0);
}

static struct rtf_flow *
find_handle(uint64_t handle)
{
    struct rtf_flow *f;

    HMAP_FOR_EACH_WITH_HASH (f, by_handle, handle_hash(handle),
                             &rtf_state.handles) {
        if (f->handle == handle) {
            return f;
        }
    }
    return NULL;
}

static uint32_t
mark_hash(uint32_t mark)
{
    return hash_bytes(&mark, sizeof mark, 0);
}

static struct rtf_flow *
find_mark(uint32_t mark)
{
    struct rtf_flow *f;

    HMAP_FOR_EACH_WITH_HASH (f, by_mark, mark_hash(mark), &rtf_state.marks) {
        if (f->mark == mark) {
            return f;
        }
    }
    return NULL;
}

/* A MARK id no flow has.  Ids go round 1..RTF_MARK_MAX, so two puts
 * running at once never get the same one. */
static uint32_t
alloc_mark(void)
{
    uint32_t mark;

    do {
        mark = rtf_state.next_mark++;
        if (rtf_state.next_mark > RTF_MARK_MAX) {
            rtf_state.next_mark = 1;
        }
    } while (find_mark(mark));
    return mark;
}

static void
unmap(struct rtf_flow *f)
{
    hmap_remove(&rtf_state.flows, &f->by_ufid);
    hmap_remove(&rtf_state.handles, &f->by_handle);
    if (f->mark) {
        hmap_remove(&rtf_state.marks, &f->by_mark);
    }
}

bool
rtf_mark_to_ufid(uint32_t mark, struct offload_ufid *ufid)
{
    struct rtf_flow *f;

    pthread_mutex_lock(&rtf_state.mutex);
    f = rtf_state.inited && mark ? find_mark(mark) : NULL;
    if (f) {
        *ufid = f->ufid;
    }
    pthread_mutex_unlock(&rtf_state.mutex);
    return f != NULL;
}

/* Rules (no mutex). */

static void
destroy_rules(struct rtf_flow *f, bool in_device)
{
    for (size_t i = 0; i < f->n_rules; i++) {
        struct rtf_rule_ref *ref = &f->rules[i];
        if (ref->table) {
            struct rte_flow_error error;
            memset(&error, 0, sizeof error);
            int ret = rtf_tpl_remove(ref->port_id, ref->flow, ref->table,
                                     in_device, &error);
            if (ret) {
                VLOG_WARN_RL(&rl, "port %u: rte_flow_async_destroy failed: %s",
                             ref->port_id,
                             error.message ? error.message
                                           : nf_strerror(-ret));
            }
        } else if (in_device) {
            struct rte_flow_error error;
            memset(&error, 0, sizeof error);
            int ret = rtf_state.ops->destroy(ref->port_id, ref->flow, &error);
            if (ret) {
                VLOG_WARN_RL(
                    &rl, "port %u: rte_flow_destroy failed: %s", ref->port_id,
                    error.message ? error.message : nf_strerror(-ret));
            }
        }
        atomic_fetch_sub(&ref->port->n_rules, 1);
    }
    f->n_rules = 0;
}

static void
free_flow(struct rtf_flow *f)
{
    free(f->rules);
    free(f);
}

/* Whether the PMD's refusal ERROR of R points at a COUNT action of R;
 * its index in *IDX. */
static bool
count_refused(const struct rtf_rule *r, const struct rte_flow_error *error,
              size_t *idx)
{
    const struct rte_flow_action *cause = error->cause;

    if (error->type != RTE_FLOW_ERROR_TYPE_ACTION || !cause
        || cause < r->actions || cause >= r->actions + r->n_actions
        || cause->type != RTE_FLOW_ACTION_TYPE_COUNT) {
        return false;
    }
    *idx = (size_t) (cause - r->actions);
    return true;
}

/* The handles of the TC filters on PORT's kernel device, into *HP
 * (malloc'd) and *NP. */
static int
tc_list(const struct rtf_port *port, uint32_t **hp, size_t *np)
{
    size_t max = 256;

    for (;;) {
        uint32_t *h = xmalloc(max * sizeof *h);
        size_t n;
        int error = rtf_state.ops->tc_handles(port->if_index, h, max, &n);

        if (error) {
            free(h);
            return error;
        }
        if (n <= max) {
            *hp = h;
            *np = n;
            return 0;
        }
        free(h);
        max = n + 64;
    }
}

static bool
has_handle(const uint32_t *h, size_t n, uint32_t handle)
{
    for (size_t i = 0; i < n; i++) {
        if (h[i] == handle) {
            return true;
        }
    }
    return false;
}

/* Creates R, which has no COUNT, on tc_counted PORT, and finds the TC
 * filter that holds it: the one filter of the device that was not there
 * before.  0 with the rule in *FLOWP and the filter in *HANDLE, or an
 * errno with the reason in WHY (no rule left behind). */
static int
create_uncounted(struct rtf_rule *r, const struct rtf_port *port,
                 struct rte_flow **flowp, uint32_t *handle,
                 struct offload_reason *why)
{
    const struct rtf_ops *ops = rtf_state.ops;
    struct rte_flow_error error;
    uint32_t *before = NULL, *after = NULL;
    size_t n_before, n_after, n_new = 0;
    int ret;

    memset(&error, 0, sizeof error);
    pthread_mutex_lock(&rtf_state.tc_mutex);
    ret = tc_list(port, &before, &n_before);
    if (ret) {
        rtf_reason(why, OFFLOAD_R_DEVICE,
                   "cannot list the TC filters of %s to count its rules: %s",
                   port->name, nf_strerror(ret));
        goto out_unlock;
    }
    ret =
        ops->create(r->port_id, &r->attr, r->items, r->actions, flowp, &error);
    if (ret) {
        COVERAGE_INC(rtf_put_pmd_refused);
        ret = rtf_pmd_reason(ret, &error, r, why);
        goto out_free_before;
    }
    ret = tc_list(port, &after, &n_after);
    for (size_t i = 0; !ret && i < n_after; i++) {
        if (!has_handle(before, n_before, after[i])) {
            *handle = after[i];
            n_new++;
        }
    }
    if (ret || n_new != 1) {
        rtf_reason(why, OFFLOAD_R_DEVICE,
                   "the PMD's rule on %s has no TC filter to count it by "
                   "(%zu new filters%s%s)",
                   port->name, n_new, ret ? ": " : "",
                   ret ? nf_strerror(ret) : "");
        ret = ret ? ret : EPROTO;
        memset(&error, 0, sizeof error);
        ops->destroy(r->port_id, *flowp, &error);
        *flowp = NULL;
    }
    free(after);

out_free_before:
    free(before);
out_unlock:
    pthread_mutex_unlock(&rtf_state.tc_mutex);
    return ret;
}

/* Validates and creates R (meters first, which its METER actions name) on
 * PORT's device; on a template device (rtf_tpl_device()) it goes through
 * rtf_tpl_install() instead, its table in *TABLEP (NULL otherwise).  A
 * port whose rules are counted outside rte_flow
 * (tc_counted: the tap PMD) may refuse R's COUNT action: R is then made
 * without it, *UNCOUNTED set and *TC_HANDLE names the TC filter that
 * counts it (ops->tc_count).  Elsewhere an uncounted rule is never made:
 * the datapath's statistics of the flow would stop.  0, or the errno with
 * the PMD's reason in WHY. */
static int
install(struct rtf_rule *r, const struct rtf_port *port,
        struct rte_flow **flowp, struct rtf_tpl_table **tablep,
        bool *uncounted, uint32_t *tc_handle, struct offload_reason *why)
{
    const struct rtf_ops *ops = rtf_state.ops;
    struct rte_flow_error error;
    size_t idx;
    int ret;

    memset(&error, 0, sizeof error);
    *flowp = NULL;
    *tablep = NULL;
    *uncounted = false;
    *tc_handle = 0;
    if (rtf_tpl_device(r->port_id)) {
        int err = rtf_tpl_install(r, flowp, tablep, why);
        if (err) {
            COVERAGE_INC(rtf_put_pmd_refused);
        }
        return err;
    }
    ret = rtf_meters_ensure(r, &error);
    if (!ret) {
        ret =
            ops->validate(r->port_id, &r->attr, r->items, r->actions, &error);
        if (ret && port->tc_counted && count_refused(r, &error, &idx)) {
            rtf_rule_remove_action(r, idx);
            memset(&error, 0, sizeof error);
            ret = ops->validate(r->port_id, &r->attr, r->items, r->actions,
                                &error);
            if (!ret) {
                COVERAGE_INC(rtf_put_uncounted);
                *uncounted = true;
                return create_uncounted(r, port, flowp, tc_handle, why);
            }
        }
    }
    if (!ret) {
        ret = ops->create(r->port_id, &r->attr, r->items, r->actions, flowp,
                          &error);
    }
    if (ret) {
        COVERAGE_INC(rtf_put_pmd_refused);
        return rtf_pmd_reason(ret, &error, r, why);
    }
    return 0;
}

static void
add_ref(struct rtf_flow *f, struct rtf_port *port, const struct rtf_rule *r,
        struct rte_flow *flow, struct rtf_tpl_table *table, bool uncounted,
        uint32_t tc_handle)
{
    struct rtf_rule_ref *ref = &f->rules[f->n_rules++];

    ref->port = port;
    ref->port_id = r->port_id;
    ref->flow = flow;
    ref->table = table;
    ref->uncounted = uncounted;
    ref->tc_handle = tc_handle;
    atomic_fetch_add(&port->n_rules, 1);
}

/* The ports a flow entering IN goes on, into *DEVS (malloc'd). */
static size_t
devices(struct rtf_port *in, struct rtf_port ***devs)
{
    size_t n = 0;

    *devs = xcalloc(rtf_state.n_ports + 1, sizeof **devs);
    if (!in->tnl_type) {
        (*devs)[n++] = in;
        return n;
    }
    for (size_t i = 0; i < rtf_state.n_ports; i++) {
        if (!rtf_state.ports[i]->tnl_type) {
            (*devs)[n++] = rtf_state.ports[i];
        }
    }
    return n;
}

/* Full offload of FLOW into F's rules.  0, or an errno with WHY (no rule
 * left behind). */
static int
put_full(const struct offload_flow *flow, struct rtf_port *in,
         struct rtf_flow *f, struct rtf_rule *r, struct offload_reason *why)
{
    struct rtf_env env = {
        .lookup = rtf_state.lookup,
        .meter_check = rtf_meter_check,
    };
    struct rtf_port **devs;
    size_t n = devices(in, &devs), n_skipped = 0;
    int error = 0;

    f->rules = xcalloc(n ? n : 1, sizeof *f->rules);
    if (!n) {
        rtf_reason(why, OFFLOAD_R_UNSUPPORTED_PORT,
                   "no DPDK port to put the rules of tunnel port %s on",
                   in->name);
        error = EOPNOTSUPP;
    }
    for (size_t i = 0; i < n && !error; i++) {
        struct rte_flow *rf;
        struct rtf_tpl_table *table;
        bool uncounted;
        uint32_t tc_handle;
        rtf_rule_init(r);
        error =
            rtf_translate(flow, in->tnl_type ? devs[i] : NULL, &env, r, why);
        if (error && in->tnl_type && why->code == OFFLOAD_R_UNSUPPORTED_PORT) {
            /* This port cannot reach the flow's outputs (another
             * eswitch): its packets of the tunnel miss the group and go
             * to the softpath.  The others may still take the flow. */
            n_skipped++;
            error = 0;
            continue;
        }
        if (!error) {
            error =
                install(r, devs[i], &rf, &table, &uncounted, &tc_handle, why);
        }
        if (!error) {
            add_ref(f, devs[i], r, rf, table, uncounted, tc_handle);
        }
    }
    if (!error && !f->n_rules && n_skipped) {
        /* WHY holds the last port's refusal. */
        error = EOPNOTSUPP;
    }
    if (error) {
        destroy_rules(f, true);
    }
    free(devs);
    return error;
}

/* Partial offload of FLOW (its full offload refused): the match with MARK
 * and RSS, or QUEUE.  0, or an errno with WHY. */
static int
put_partial(const struct offload_flow *flow, struct rtf_port *in,
            struct rtf_flow *f, struct rtf_rule *r, uint32_t mark,
            struct offload_reason *why)
{
    struct rtf_port ingress;
    struct rte_flow_action_mark am = { .id = mark };
    struct rte_flow *rf;
    struct rtf_tpl_table *table;
    bool uncounted;
    uint32_t tc_handle;
    int error;

    /* The port's own ingress, not the eswitch: what reaches the
     * representor is what the softpath receives. */
    memcpy(&ingress, in, sizeof ingress);
    ingress.transfer = false;
    rtf_rule_init(r);
    error = rtf_translate_match(flow, &ingress, r, why);
    if (error) {
        return error;
    }
    rtf_rule_action(r, RTE_FLOW_ACTION_TYPE_MARK, &am, sizeof am, why, &error);
    if (error) {
        return error;
    }
    size_t n_queues = in->n_rxq ? in->n_rxq : 1;
    uint16_t *queues = rtf_rule_alloc(r, n_queues * sizeof *queues);
    if (queues) {
        struct rte_flow_action_rss rss = {
            .func = RTE_ETH_HASH_FUNCTION_DEFAULT,
            .types = RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP,
            .queue_num = n_queues,
            .queue = queues,
        };
        for (size_t i = 0; i < n_queues; i++) {
            queues[i] = i;
        }
        rtf_rule_action(r, RTE_FLOW_ACTION_TYPE_RSS, &rss, sizeof rss, why,
                        &error);
        if (!error) {
            error = install(r, in, &rf, &table, &uncounted, &tc_handle, why);
        }
        if (!error) {
            add_ref(f, in, r, rf, table, false, 0);
            return 0;
        }
        rtf_rule_remove_action(r, r->n_actions - 1);
    }
    struct rte_flow_action_queue q = { .index = 0 };
    rtf_rule_action(r, RTE_FLOW_ACTION_TYPE_QUEUE, &q, sizeof q, why, &error);
    if (!error) {
        error = install(r, in, &rf, &table, &uncounted, &tc_handle, why);
    }
    if (!error) {
        add_ref(f, in, r, rf, table, false, 0);
    }
    return error;
}

static void
put_one(const struct offload_flow *flow, struct rtf_rule *r,
        struct offload_put_result *res)
{
    struct rtf_port *in = (struct rtf_port *) rtf_port_of(flow->in_port);
    struct rtf_flow *f, *old;
    unsigned limit;
    int error;

    memset(res, 0, sizeof *res);
    COVERAGE_INC(rtf_put);
    if (!in) {
        rtf_reason(&res->reason, OFFLOAD_R_UNSUPPORTED_PORT,
                   "%s is not a port rteflow serves",
                   flow->in_port ? flow->in_port->name : "?");
        res->error = EOPNOTSUPP;
        return;
    }
    limit = rtf_port_limit(flow->in_port);
    if (limit && !in->tnl_type && atomic_load(&in->n_rules) >= limit) {
        rtf_reason(&res->reason, OFFLOAD_R_TABLE_FULL, "table full: %u/%u",
                   atomic_load(&in->n_rules), limit);
        res->error = ENOSPC;
        return;
    }

    f = xzalloc(sizeof *f);
    f->ufid = flow->ufid;
    error = put_full(flow, in, f, r, &res->reason);
    if (error && !in->tnl_type
        && res->reason.code != OFFLOAD_R_UNSUPPORTED_MATCH
        && res->reason.code != OFFLOAD_R_INTERNAL) {
        struct offload_reason pwhy;
        uint32_t mark;

        pthread_mutex_lock(&rtf_state.mutex);
        mark = alloc_mark();
        pthread_mutex_unlock(&rtf_state.mutex);
        memset(&pwhy, 0, sizeof pwhy);
        if (!put_partial(flow, in, f, r, mark, &pwhy)) {
            f->partial = true;
            f->mark = mark;
            res->partial = true;
            error = 0;
            COVERAGE_INC(rtf_put_partial);
            VLOG_DBG_RL(&rl, "partial offload (mark %u): %s", mark,
                        res->reason.msg);
        } else {
            /* Both refusals, the full one first. */
            const char *p = pwhy.msg;
            if (!strncmp(p, "rteflow: ", 9)) {
                p += 9;
            }
            size_t len = strlen(res->reason.msg);
            snprintf(res->reason.msg + len, sizeof res->reason.msg - len,
                     "; partial offload: %s", p);
        }
    }
    if (error) {
        COVERAGE_INC(rtf_put_refused);
        res->error = error;
        free_flow(f);
        return;
    }
    if (!res->partial) {
        memset(&res->reason, 0, sizeof res->reason);
    }

    pthread_mutex_lock(&rtf_state.mutex);
    old = find_ufid(&f->ufid);
    if (old) {
        unmap(old);
    }
    f->handle = rtf_state.next_handle++;
    hmap_insert(&rtf_state.flows, &f->by_ufid, rtf_ufid_hash(&f->ufid));
    hmap_insert(&rtf_state.handles, &f->by_handle, handle_hash(f->handle));
    if (f->mark) {
        hmap_insert(&rtf_state.marks, &f->by_mark, mark_hash(f->mark));
    }
    pthread_mutex_unlock(&rtf_state.mutex);
    res->handle = f->handle;
    if (old) {
        destroy_rules(old, true);
        free_flow(old);
    }
}

void
rtf_flow_put(void *ctx, const struct offload_flow *flows, size_t n,
             struct offload_put_result *results)
{
    struct rtf_rule *r = xmalloc(sizeof *r);

    for (size_t i = 0; i < n; i++) {
        put_one(&flows[i], r, &results[i]);
    }
    free(r);
}

int
rtf_flow_check(void *ctx, const struct offload_flow *flow,
               struct offload_reason *why)
{
    const struct rtf_port *in = rtf_port_of(flow->in_port);
    struct rtf_env env = {
        .lookup = rtf_state.lookup,
        .meter_check = rtf_meter_check,
    };
    struct rtf_port **devs;
    struct rtf_rule *r;
    int error;

    if (!in) {
        rtf_reason(why, OFFLOAD_R_UNSUPPORTED_PORT,
                   "%s is not a port rteflow serves",
                   flow->in_port ? flow->in_port->name : "?");
        return EOPNOTSUPP;
    }
    size_t n = devices((struct rtf_port *) in, &devs);
    if (!n) {
        rtf_reason(why, OFFLOAD_R_UNSUPPORTED_PORT,
                   "no DPDK port to put the rules of tunnel port %s on",
                   in->name);
        free(devs);
        return EOPNOTSUPP;
    }
    /* A tunnel port's flow needs one port that takes it. */
    r = xmalloc(sizeof *r);
    error = EOPNOTSUPP;
    for (size_t i = 0; i < n && error; i++) {
        rtf_rule_init(r);
        error =
            rtf_translate(flow, in->tnl_type ? devs[i] : NULL, &env, r, why);
    }
    free(r);
    free(devs);
    return error;
}

/* Reads the counters of F into *ST.  0 or a positive errno. */
static int
query(struct rtf_flow *f, struct offload_stats *st)
{
    static const struct rte_flow_action count[] = {
        { .type = RTE_FLOW_ACTION_TYPE_COUNT },
        { .type = RTE_FLOW_ACTION_TYPE_END },
    };
    uint64_t packets = 0, bytes = 0;

    memset(st, 0, sizeof *st);
    if (f->partial) {
        return 0;
    }
    for (size_t i = 0; i < f->n_rules; i++) {
        struct rte_flow_query_count c;
        struct rte_flow_error error;

        memset(&c, 0, sizeof c);
        memset(&error, 0, sizeof error);
        const struct rtf_rule_ref *ref = &f->rules[i];
        int ret = ref->uncounted
                      ? rtf_state.ops->tc_count(ref->port->if_index,
                                                ref->tc_handle, &c, &error)
                      : rtf_state.ops->query(ref->port_id, ref->flow, count,
                                             &c, &error);
        if (ret) {
            VLOG_WARN_RL(&rl, "port %u: reading a rule's counters failed: %s",
                         f->rules[i].port_id,
                         error.message ? error.message : nf_strerror(-ret));
            return -ret;
        }
        packets += c.hits_set ? c.hits : 0;
        bytes += c.bytes_set ? c.bytes : 0;
    }
    if (packets > f->last_packets) {
        f->used = nf_time_msec();
        f->last_packets = packets;
    }
    st->n_packets = packets;
    st->n_bytes = bytes;
    st->used = f->used;
    return 0;
}

void
rtf_flow_del(void *ctx, const struct offload_port *const *ports,
             const struct offload_ufid *ufids, const uint64_t *handles,
             size_t n, struct offload_stats *stats, int *errors)
{
    for (size_t i = 0; i < n; i++) {
        struct rtf_flow *f;

        memset(&stats[i], 0, sizeof stats[i]);
        pthread_mutex_lock(&rtf_state.mutex);
        f = find_handle(handles[i]);
        if (f && memcmp(&f->ufid, &ufids[i], sizeof f->ufid)) {
            f = NULL;
        }
        if (f) {
            unmap(f);
        }
        pthread_mutex_unlock(&rtf_state.mutex);
        if (!f) {
            errors[i] = ENOENT;
            continue;
        }
        /* The final counters, then the rules. */
        query(f, &stats[i]);
        destroy_rules(f, true);
        free_flow(f);
        errors[i] = 0;
        COVERAGE_INC(rtf_del);
    }
}

void
rtf_flow_stats(void *ctx, const struct offload_port *const *ports,
               const uint64_t *handles, size_t n, struct offload_stats *stats,
               int *errors)
{
    for (size_t i = 0; i < n; i++) {
        struct rtf_flow *f;

        pthread_mutex_lock(&rtf_state.mutex);
        f = find_handle(handles[i]);
        pthread_mutex_unlock(&rtf_state.mutex);
        /* No other thread handles this flow meanwhile (see
         * offload-provider.h), so F stays valid. */
        if (!f) {
            memset(&stats[i], 0, sizeof stats[i]);
            errors[i] = ENOENT;
        } else {
            errors[i] = query(f, &stats[i]);
        }
    }
}

/* Forgets every flow with a rule on PORT (any port if NULL) and, if
 * TEMPLATED, only those with a rule of a template table; destroys their
 * rules in the devices if IN_DEVICE. */
static void
forget(const struct rtf_port *port, bool templated, bool in_device)
{
    struct rtf_flow *f, **gone = NULL;
    size_t n = 0, allocated = 0;

    pthread_mutex_lock(&rtf_state.mutex);
    HMAP_FOR_EACH_SAFE (f, by_ufid, &rtf_state.flows) {
        bool hit = false;
        for (size_t i = 0; !hit && i < f->n_rules; i++) {
            hit = (!port || f->rules[i].port == port)
                  && (!templated || f->rules[i].table);
        }
        if (!port && !templated) {
            hit = true;
        }
        if (hit) {
            unmap(f);
            if (n == allocated) {
                allocated = allocated * 2 + 16;
                gone = xrealloc(gone, allocated * sizeof *gone);
            }
            gone[n++] = f;
        }
    }
    pthread_mutex_unlock(&rtf_state.mutex);
    for (size_t i = 0; i < n; i++) {
        destroy_rules(gone[i], in_device);
        free_flow(gone[i]);
    }
    free(gone);
}

void
rtf_flows_forget_port(const struct rtf_port *port, bool flushed)
{
    forget(port, false, !flushed);
}

/* Empties device PORT_ID: its template tables and templates on the
 * template API (its rules are gone by then), rte_flow_flush() otherwise.
 * rte_flow_flush() is not used on template devices: DPDK 22.11 does not
 * say that it reaches rules of template tables, and a table can only be
 * destroyed once it is empty, so those rules are destroyed one by one
 * first. */
static void
flush_device(uint16_t port_id)
{
    struct rte_flow_error error;

    if (rtf_tpl_device(port_id)) {
        rtf_tpl_flush(port_id);
        return;
    }
    memset(&error, 0, sizeof error);
    if (rtf_state.ops->flush(port_id, &error)) {
        VLOG_WARN_RL(&rl, "port %u: rte_flow_flush failed: %s", port_id,
                     error.message ? error.message : "no message");
    }
}

void
rtf_flush(void *ctx)
{
    forget(NULL, true, true);
    for (size_t i = 0; i < rtf_state.n_ports; i++) {
        const struct rtf_port *rp = rtf_state.ports[i];

        if (rp->tnl_type) {
            continue;
        }
        flush_device(rp->port_id);
        if (rp->transfer && rp->proxy_port_id != rp->port_id) {
            flush_device(rp->proxy_port_id);
        }
    }
    rtf_flows_forget_port(NULL, true);
}

/* One offload-stats-show line in the manager's layout. */
static void
stats_row(struct buf *out, const char *label, unsigned long long v)
{
    buf_printf(out, "   %-12s %30s: %llu\n", "rteflow", label, v);
}

void
rtf_stats_lines(struct buf *out)
{
    unsigned long long full = 0, partial = 0, rules = 0, uncounted = 0;
    const struct rtf_flow *f;

    pthread_mutex_lock(&rtf_state.mutex);
    HMAP_FOR_EACH (f, by_ufid, &rtf_state.flows) {
        if (f->partial) {
            partial++;
        } else {
            full++;
        }
        rules += f->n_rules;
        for (size_t i = 0; i < f->n_rules; i++) {
            uncounted += f->rules[i].uncounted;
        }
    }
    pthread_mutex_unlock(&rtf_state.mutex);
    stats_row(out, "Flows offloaded fully", full);
    stats_row(out, "Flows offloaded partially", partial);
    stats_row(out, "rte_flow rules", rules);
    stats_row(out, "Rules counted by TC filters", uncounted);
    /* Port changes happen on the main thread, which is this one. */
    for (size_t i = 0; i < rtf_state.n_ports; i++) {
        const struct rtf_port *rp = rtf_state.ports[i];
        char label[64];

        if (rp->tnl_type) {
            continue;
        }
        snprintf(label, sizeof label, "Rules on %s (port %u, %s)", rp->name,
                 rp->port_id,
                 rp->api == RTF_API_TEMPLATE ? "template" : "sync");
        stats_row(out, label, atomic_load(&rp->n_rules));
    }
}
