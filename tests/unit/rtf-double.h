/* rtf-double.h: the unit tests' surroundings of the rte_flow provider
 * (tests/unit/test-rtf-*.c): the datapath ports and the DPDK ports the
 * double knows, a recording double of the DPDK calls (struct rtf_ops),
 * set-up/tear-down of the provider with every port added, and flows
 * parsed from the ovs-dpctl syntax.  Included by each test file (its
 * definitions are static), after the headers it names below. */
#ifndef NICFLOW_TESTS_RTF_DOUBLE_H
#define NICFLOW_TESTS_RTF_DOUBLE_H 1

/* ------------------------------------------------------------------
 * The test's ports.
 * ------------------------------------------------------------------ */

/* Datapath ports; port_add() gives each served one its rtf_port. */
static struct offload_port ports[] = {
    { .odp_port = 1, .name = "dpdk0", .type = "dpdk" },
    { .odp_port = 2, .name = "dpdk1", .type = "dpdk" },
    { .odp_port = 3, .name = "rep0", .type = "dpdk" },
    { .odp_port = 4, .name = "rep1", .type = "dpdk" },
    { .odp_port = 5, .name = "rep9", .type = "dpdk" },
    { .odp_port = 6, .name = "p6", .type = "afpacket", .ifindex = 6 },
    { .odp_port = 10, .name = "vxlan0", .type = "vxlan" },
    { .odp_port = 11, .name = "geneve0", .type = "geneve" },
    { .odp_port = 12, .name = "gre0", .type = "gre" },
    { .odp_port = 13, .name = "ghost", .type = "dpdk" },
    { .odp_port = 14, .name = "dtap0", .type = "dpdk" },
};

/* What the double's port_info knows: DPDK port id, transfer proxy,
 * switch domain (UINT16_MAX: none), receive queues, kernel device,
 * whether TC filters count its rules (dtap0 is like the tap PMD).
 * dpdk8 is no datapath port of ports[]: tests add it themselves. */
static const struct {
    const char *name;
    struct rtf_port_info info;
} dpdk_ports[] = {
    { "dpdk0", { 0, 0, false, UINT16_MAX, 2, 0, false } },
    { "dpdk1", { 1, 1, false, UINT16_MAX, 1, 0, false } },
    { "rep0", { 3, 2, true, 7, 4, 0, false } },
    { "rep1", { 4, 2, true, 7, 4, 0, false } },
    { "rep9", { 5, 5, true, 8, 1, 0, false } },
    { "dtap0", { 7, 7, false, UINT16_MAX, 1, 42, true } },
    { "dpdk8", { 8, 8, false, UINT16_MAX, 1, 0, false } },
};

static struct offload_port *
port_by_odp(uint32_t odp_port)
{
    for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
        if (ports[i].odp_port == odp_port) {
            return &ports[i];
        }
    }
    return NULL;
}

static const struct offload_port *
lookup(uint32_t odp_port)
{
    return port_by_odp(odp_port);
}

/* ------------------------------------------------------------------
 * The recording double.
 * ------------------------------------------------------------------ */

struct call {
    char op[32];      /* "validate", "create", "destroy", ... */
    uint16_t port_id; /* The ethdev asked. */
    uintptr_t flow;   /* destroy/query/async_destroy: the rule;
                       * create/async_create: the new one. */
    uintptr_t obj;    /* pattern_template, actions_template, table: the
                       * new object, *_destroy: the one destroyed;
                       * async_create: the table. */
    char text[2048];  /* validate/create/async_create: rtf_format() of the
                       * rule; templates and tables: see below. */
};

/* A template or table the double made. */
struct dbl_obj {
    char kind; /* 'p'attern template, 'a'ctions template, 't'able. */
    uintptr_t handle;
    bool alive;
    struct rte_flow_attr attr;      /* Table: its rules' attributes. */
    int types[RTF_MAX_ACTIONS + 1]; /* Templates: item/action types. */
    size_t n_types;
    uintptr_t pt, at; /* Table: its templates. */
};

/* An asynchronous operation waiting for its completion. */
struct dbl_op {
    uint16_t port_id;
    void *user_data;
    bool ok;
    bool pushed;
    bool create; /* A creation (an error completion: no rule). */
};

static struct {
    struct call calls[128];
    size_t n_calls;

    /* What validate/create answer: 0, or this negative errno with this
     * error type and message, its cause the action of type
     * refuse_action (or the item of type refuse_item) if the rule has
     * one; refuse_on: "validate" or "create", or one of the template
     * path's "pattern_template" (items only), "actions_template" (the
     * masks are the actions the cause points into), "table" (only with
     * refuse_all) and "async_create". */
    int refuse_ret;
    enum rte_flow_error_type refuse_type;
    const char *refuse_msg;
    const char *refuse_on;
    int refuse_action; /* -1: none. */
    int refuse_item;   /* -1: none. */
    int refuse_all;    /* Refuse every rule. */

    uintptr_t next_flow;
    uint64_t hits, bytes; /* What query reports per rule. */
    int query_ret;
    uint64_t tc_hits, tc_bytes; /* What tc_count reports per rule. */
    int tc_ret;
    /* The TC filters of device 42 (dtap0): a rule created on DPDK port 7
     * adds one with handle 0x1000 + n (unless tc_no_filter), and
     * tc_handles lists them. */
    uint32_t tc_filters[16];
    size_t n_tc_filters;
    bool tc_no_filter;

    bool info_ok; /* info_get succeeds with queues. */
    int configure_ret;
    int meter_ret;

    /* The template path.  Objects get handles from next_obj.  An
     * operation's completion can be pulled once pushed; creation
     * completions say error if op_error, removal ones if
     * destroy_op_error.  Pulls find nothing pull_empty times first (per
     * completion), or ever (pull_never).  async_destroy, push and pull
     * fail with their *_ret (negative errno). */
    struct dbl_obj objs[32];
    size_t n_objs;
    uintptr_t next_obj;
    struct dbl_op ops[16];
    size_t n_ops;
    bool op_error, destroy_op_error;
    int pull_empty;
    bool pull_never;
    int async_destroy_ret, push_ret, pull_ret;
    unsigned empty_pulls; /* Pulls that found nothing (not recorded). */
    int live_rules;       /* Rules the async calls made, minus removed. */

    /* Calls are not recorded (tests with thousands of rules). */
    bool no_record;
} dbl;

static void
dbl_reset(void)
{
    memset(&dbl, 0, sizeof dbl);
    dbl.refuse_action = -1;
    dbl.refuse_item = -1;
    dbl.next_flow = 0x100;
    dbl.next_obj = 0x9000;
}

static struct call *
record(const char *op, uint16_t port_id)
{
    static struct call scratch;
    struct call *c;

    if (dbl.no_record) {
        c = &scratch;
    } else {
        assert_true(dbl.n_calls < ARRAY_SIZE(dbl.calls));
        c = &dbl.calls[dbl.n_calls++];
    }
    memset(c, 0, sizeof *c);
    snprintf(c->op, sizeof c->op, "%s", op);
    c->port_id = port_id;
    return c;
}

static void
record_rule(struct call *c, const struct rte_flow_attr *attr,
            const struct rte_flow_item *items,
            const struct rte_flow_action *actions)
{
    struct buf b = BUF_INITIALIZER;

    rtf_format(&b, attr, items, actions);
    snprintf(c->text, sizeof c->text, "%s", buf_cstr(&b));
    buf_destroy(&b);
}

/* Whether the double refuses this rule at step OP; fills ERROR. */
static int
dbl_refuses(const char *op, const struct rte_flow_item *items,
            const struct rte_flow_action *actions,
            struct rte_flow_error *error)
{
    const void *cause = NULL;
    bool hit = dbl.refuse_all;

    if (!dbl.refuse_on || strcmp(dbl.refuse_on, op)) {
        return 0;
    }
    for (const struct rte_flow_action *a = actions;
         a->type != RTE_FLOW_ACTION_TYPE_END; a++) {
        if ((int) a->type == dbl.refuse_action) {
            cause = a;
            hit = true;
        }
    }
    for (const struct rte_flow_item *i = items;
         i->type != RTE_FLOW_ITEM_TYPE_END; i++) {
        if ((int) i->type == dbl.refuse_item) {
            cause = i->spec ? i->spec : i;
            hit = true;
        }
    }
    if (!hit) {
        return 0;
    }
    error->type = dbl.refuse_type;
    error->cause = cause;
    error->message = dbl.refuse_msg;
    return dbl.refuse_ret;
}

static int
dbl_port_info(const char *name, struct rtf_port_info *info,
              struct rte_flow_error *error)
{
    for (size_t i = 0; i < ARRAY_SIZE(dpdk_ports); i++) {
        if (!strcmp(dpdk_ports[i].name, name)) {
            *info = dpdk_ports[i].info;
            return 0;
        }
    }
    error->message = "no DPDK port of that name";
    return -ENODEV;
}

static int
dbl_validate(uint16_t port_id, const struct rte_flow_attr *attr,
             const struct rte_flow_item pattern[],
             const struct rte_flow_action actions[],
             struct rte_flow_error *error)
{
    record_rule(record("validate", port_id), attr, pattern, actions);
    return dbl_refuses("validate", pattern, actions, error);
}

static int
dbl_create(uint16_t port_id, const struct rte_flow_attr *attr,
           const struct rte_flow_item pattern[],
           const struct rte_flow_action actions[], struct rte_flow **flowp,
           struct rte_flow_error *error)
{
    struct call *c = record("create", port_id);
    int ret;

    record_rule(c, attr, pattern, actions);
    ret = dbl_refuses("create", pattern, actions, error);
    if (ret) {
        *flowp = NULL;
        return ret;
    }
    c->flow = dbl.next_flow++;
    *flowp = (struct rte_flow *) c->flow;
    if (port_id == 7 && !dbl.tc_no_filter) {
        assert_true(dbl.n_tc_filters < ARRAY_SIZE(dbl.tc_filters));
        dbl.tc_filters[dbl.n_tc_filters] = 0x1000 + dbl.n_tc_filters;
        dbl.n_tc_filters++;
    }
    return 0;
}

static int
dbl_destroy(uint16_t port_id, struct rte_flow *flow,
            struct rte_flow_error *error)
{
    record("destroy", port_id)->flow = (uintptr_t) flow;
    return 0;
}

static int
dbl_query(uint16_t port_id, struct rte_flow *flow,
          const struct rte_flow_action *action, void *data,
          struct rte_flow_error *error)
{
    struct rte_flow_query_count *c = data;

    record("query", port_id)->flow = (uintptr_t) flow;
    assert_int_equal(action->type, RTE_FLOW_ACTION_TYPE_COUNT);
    if (dbl.query_ret) {
        error->type = RTE_FLOW_ERROR_TYPE_UNSPECIFIED;
        error->message = "counter gone";
        return dbl.query_ret;
    }
    assert_int_equal(c->reset, 0);
    c->hits_set = c->bytes_set = 1;
    c->hits = dbl.hits;
    c->bytes = dbl.bytes;
    return 0;
}

/* Recorded with the kernel device's index as its port_id. */
static int
dbl_tc_handles(int if_index, uint32_t *handles, size_t max, size_t *n)
{
    record("tc_handles", (uint16_t) if_index);
    memcpy(handles, dbl.tc_filters,
           NF_MIN(max, dbl.n_tc_filters) * sizeof *handles);
    *n = dbl.n_tc_filters;
    return 0;
}

/* Recorded with the kernel device's index as its port_id and the handle
 * as its flow. */
static int
dbl_tc_count(int if_index, uint32_t handle, struct rte_flow_query_count *c,
             struct rte_flow_error *error)
{
    record("tc_count", (uint16_t) if_index)->flow = handle;
    if (dbl.tc_ret) {
        error->type = RTE_FLOW_ERROR_TYPE_HANDLE;
        error->message = "the rule's TC filter is gone";
        return dbl.tc_ret;
    }
    c->hits_set = c->bytes_set = 1;
    c->hits = dbl.tc_hits;
    c->bytes = dbl.tc_bytes;
    return 0;
}

static int
dbl_flush(uint16_t port_id, struct rte_flow_error *error)
{
    record("flush", port_id);
    return 0;
}

static int
dbl_info_get(uint16_t port_id, struct rte_flow_port_info *pi,
             struct rte_flow_queue_info *qi, struct rte_flow_error *error)
{
    record("info_get", port_id);
    if (!dbl.info_ok) {
        error->message = "no template API";
        return -ENOTSUP;
    }
    pi->max_nb_queues = 4;
    pi->max_nb_counters = 1000;
    qi->max_size = 256;
    return 0;
}

static int
dbl_configure(uint16_t port_id, const struct rte_flow_port_attr *attr,
              uint16_t nb_queue,
              const struct rte_flow_queue_attr *queue_attr[],
              struct rte_flow_error *error)
{
    struct call *c = record("configure", port_id);

    snprintf(c->text, sizeof c->text, "counters=%u queues=%u size=%u",
             attr->nb_counters, nb_queue, queue_attr[0]->size);
    if (dbl.configure_ret) {
        error->message = "configure refused";
    }
    return dbl.configure_ret;
}

static int
dbl_meter_ensure(uint16_t port_id, uint32_t mtr_id,
                 const struct offload_meter *meter,
                 struct rte_flow_error *error)
{
    struct call *c = record("meter", port_id);

    snprintf(c->text, sizeof c->text, "id=%u rate=%u burst=%u%s", mtr_id,
             meter->rate, meter->burst, meter->pktps ? " pktps" : "");
    if (dbl.meter_ret) {
        error->type = RTE_FLOW_ERROR_TYPE_ACTION;
        error->message = "no meters here";
    }
    return dbl.meter_ret;
}

/* The template path. */

static struct dbl_obj *
obj_new(char kind, uint16_t port_id)
{
    assert_true(dbl.n_objs < ARRAY_SIZE(dbl.objs));
    struct dbl_obj *o = &dbl.objs[dbl.n_objs++];
    memset(o, 0, sizeof *o);
    o->kind = kind;
    o->handle = dbl.next_obj++;
    o->alive = true;
    return o;
}

static struct dbl_obj *
obj_find(char kind, uintptr_t handle)
{
    for (size_t i = 0; i < dbl.n_objs; i++) {
        if (dbl.objs[i].kind == kind && dbl.objs[i].handle == handle) {
            return &dbl.objs[i];
        }
    }
    fail_msg("no object %c %#lx", kind, (unsigned long) handle);
    return NULL;
}

/* Live objects of KIND (only the template tests ask). */
NF_UNUSED static size_t
n_live(char kind)
{
    size_t n = 0;

    for (size_t i = 0; i < dbl.n_objs; i++) {
        n += dbl.objs[i].kind == kind && dbl.objs[i].alive;
    }
    return n;
}

static const struct rte_flow_item no_items[] = {
    { .type = RTE_FLOW_ITEM_TYPE_END },
};
static const struct rte_flow_action no_actions[] = {
    { .type = RTE_FLOW_ACTION_TYPE_END },
};

static void
attr_text(struct buf *b, unsigned ingress, unsigned egress, unsigned transfer)
{
    buf_put_cstr(b, transfer ? "transfer" : egress ? "egress" : "ingress");
    assert_true(ingress + egress + transfer == 1);
}

/* Text: the attributes and the items as rtf_format() says them with each
 * spec replaced by its mask ("eth type=0xffff / ipv4 / end"). */
static int
dbl_pattern_template_create(uint16_t port_id,
                            const struct rte_flow_pattern_template_attr *attr,
                            const struct rte_flow_item pattern[],
                            struct rte_flow_pattern_template **ptp,
                            struct rte_flow_error *error)
{
    struct call *c = record("pattern_template", port_id);
    struct rte_flow_item items[RTF_MAX_ITEMS + 1];
    struct rte_flow_attr fattr = {
        .ingress = attr->ingress,
        .egress = attr->egress,
        .transfer = attr->transfer,
    };
    struct buf b = BUF_INITIALIZER;
    size_t n = 0;
    int ret;

    assert_int_equal(attr->relaxed_matching, 0);
    for (; pattern[n].type != RTE_FLOW_ITEM_TYPE_END; n++) {
        assert_true(n < RTF_MAX_ITEMS);
        items[n] = pattern[n];
        if (!items[n].last) {
            items[n].spec = items[n].mask;
        }
    }
    items[n] = pattern[n];
    rtf_format(&b, &fattr, items, no_actions);
    snprintf(c->text, sizeof c->text, "%s", buf_cstr(&b));
    buf_destroy(&b);
    ret = dbl_refuses("pattern_template", pattern, no_actions, error);
    if (ret) {
        *ptp = NULL;
        return ret;
    }
    struct dbl_obj *o = obj_new('p', port_id);
    for (size_t i = 0; i <= n; i++) {
        o->types[o->n_types++] = pattern[i].type;
    }
    c->obj = o->handle;
    *ptp = (struct rte_flow_pattern_template *) o->handle;
    return 0;
}

static int
dbl_pattern_template_destroy(uint16_t port_id,
                             struct rte_flow_pattern_template *pt,
                             struct rte_flow_error *error)
{
    struct dbl_obj *o = obj_find('p', (uintptr_t) pt);

    record("pattern_template_destroy", port_id)->obj = (uintptr_t) pt;
    assert_true(o->alive);
    o->alive = false;
    return 0;
}

/* Text: the direction, the action names, and the masks ("ingress count /
 * port_id / end masks count / port_id / end", a mask with a conf
 * followed by "(conf)"). */
static int
dbl_actions_template_create(uint16_t port_id,
                            const struct rte_flow_actions_template_attr *attr,
                            const struct rte_flow_action actions[],
                            const struct rte_flow_action masks[],
                            struct rte_flow_actions_template **atp,
                            struct rte_flow_error *error)
{
    struct call *c = record("actions_template", port_id);
    struct buf b = BUF_INITIALIZER;
    size_t n = 0;
    int ret;

    attr_text(&b, attr->ingress, attr->egress, attr->transfer);
    for (; actions[n].type != RTE_FLOW_ACTION_TYPE_END; n++) {
        const char *name = rtf_action_name(actions[n].type);
        buf_printf(&b, " %s /", name ? name : "?");
        assert_int_equal(masks[n].type, actions[n].type);
    }
    assert_int_equal(masks[n].type, RTE_FLOW_ACTION_TYPE_END);
    buf_put_cstr(&b, " end masks");
    for (size_t i = 0; i < n; i++) {
        const char *name = rtf_action_name(masks[i].type);
        buf_printf(&b, " %s%s /", name ? name : "?",
                   masks[i].conf ? "(conf)" : "");
    }
    buf_put_cstr(&b, " end");
    snprintf(c->text, sizeof c->text, "%s", buf_cstr(&b));
    buf_destroy(&b);
    ret = dbl_refuses("actions_template", no_items, masks, error);
    if (ret) {
        *atp = NULL;
        return ret;
    }
    struct dbl_obj *o = obj_new('a', port_id);
    for (size_t i = 0; i <= n; i++) {
        o->types[o->n_types++] = actions[i].type;
    }
    c->obj = o->handle;
    *atp = (struct rte_flow_actions_template *) o->handle;
    return 0;
}

static int
dbl_actions_template_destroy(uint16_t port_id,
                             struct rte_flow_actions_template *at,
                             struct rte_flow_error *error)
{
    struct dbl_obj *o = obj_find('a', (uintptr_t) at);

    record("actions_template_destroy", port_id)->obj = (uintptr_t) at;
    assert_true(o->alive);
    o->alive = false;
    return 0;
}

/* Text: "ingress group 0 flows=4096 pattern=0x9000 actions=0x9001". */
static int
dbl_table_create(uint16_t port_id,
                 const struct rte_flow_template_table_attr *attr,
                 struct rte_flow_pattern_template *pt,
                 struct rte_flow_actions_template *at,
                 struct rte_flow_template_table **tablep,
                 struct rte_flow_error *error)
{
    struct call *c = record("table", port_id);
    const struct rte_flow_attr *fa = &attr->flow_attr;
    struct buf b = BUF_INITIALIZER;

    assert_true(obj_find('p', (uintptr_t) pt)->alive);
    assert_true(obj_find('a', (uintptr_t) at)->alive);
    attr_text(&b, fa->ingress, fa->egress, fa->transfer);
    buf_printf(&b, " group %u flows=%u pattern=%#lx actions=%#lx", fa->group,
               attr->nb_flows, (unsigned long) pt, (unsigned long) at);
    snprintf(c->text, sizeof c->text, "%s", buf_cstr(&b));
    buf_destroy(&b);
    if (dbl.refuse_on && !strcmp(dbl.refuse_on, "table") && dbl.refuse_all) {
        error->type = dbl.refuse_type;
        error->cause = fa;
        error->message = dbl.refuse_msg;
        *tablep = NULL;
        return dbl.refuse_ret;
    }
    struct dbl_obj *o = obj_new('t', port_id);
    o->attr = *fa;
    o->pt = (uintptr_t) pt;
    o->at = (uintptr_t) at;
    c->obj = o->handle;
    *tablep = (struct rte_flow_template_table *) o->handle;
    return 0;
}

static int
dbl_table_destroy(uint16_t port_id, struct rte_flow_template_table *table,
                  struct rte_flow_error *error)
{
    struct dbl_obj *o = obj_find('t', (uintptr_t) table);

    record("table_destroy", port_id)->obj = (uintptr_t) table;
    assert_true(o->alive);
    /* A table goes after its templates' users, before its templates. */
    assert_true(obj_find('p', o->pt)->alive);
    assert_true(obj_find('a', o->at)->alive);
    o->alive = false;
    return 0;
}

static void
op_add(uint16_t port_id, void *user_data, bool ok, bool create)
{
    assert_true(dbl.n_ops < ARRAY_SIZE(dbl.ops));
    dbl.ops[dbl.n_ops++] = (struct dbl_op){
        .port_id = port_id,
        .user_data = user_data,
        .ok = ok,
        .create = create,
    };
}

/* Text: rtf_format() of the rule with its table's attributes; the rule's
 * item and action types must be its templates'. */
static int
dbl_async_create(uint16_t port_id, uint32_t queue, bool postpone,
                 struct rte_flow_template_table *table,
                 const struct rte_flow_item pattern[],
                 const struct rte_flow_action actions[], void *user_data,
                 struct rte_flow **flowp, struct rte_flow_error *error)
{
    struct call *c = record("async_create", port_id);
    const struct dbl_obj *t = obj_find('t', (uintptr_t) table);
    const struct dbl_obj *pt = obj_find('p', t->pt);
    const struct dbl_obj *at = obj_find('a', t->at);
    int ret;

    assert_int_equal(queue, 0);
    assert_true(t->alive);
    for (size_t i = 0; i < pt->n_types; i++) {
        assert_int_equal(pattern[i].type, pt->types[i]);
    }
    for (size_t i = 0; i < at->n_types; i++) {
        assert_int_equal(actions[i].type, at->types[i]);
    }
    c->obj = t->handle;
    record_rule(c, &t->attr, pattern, actions);
    ret = dbl_refuses("async_create", pattern, actions, error);
    if (ret) {
        *flowp = NULL;
        return ret;
    }
    c->flow = dbl.next_flow++;
    *flowp = (struct rte_flow *) c->flow;
    /* Not postponed, but the double hands the completion out only after
     * a push, so that a missing push shows. */
    assert_false(postpone);
    op_add(port_id, user_data, !dbl.op_error, true);
    dbl.live_rules++;
    return 0;
}

static int
dbl_async_destroy(uint16_t port_id, uint32_t queue, bool postpone,
                  struct rte_flow *flow, void *user_data,
                  struct rte_flow_error *error)
{
    record("async_destroy", port_id)->flow = (uintptr_t) flow;
    assert_int_equal(queue, 0);
    if (dbl.async_destroy_ret) {
        error->type = RTE_FLOW_ERROR_TYPE_HANDLE;
        error->message = "no such rule";
        return dbl.async_destroy_ret;
    }
    op_add(port_id, user_data, !dbl.destroy_op_error, false);
    dbl.live_rules--;
    return 0;
}

static int
dbl_push(uint16_t port_id, uint32_t queue, struct rte_flow_error *error)
{
    record("push", port_id);
    assert_int_equal(queue, 0);
    if (dbl.push_ret) {
        error->type = RTE_FLOW_ERROR_TYPE_UNSPECIFIED;
        error->message = "push failed";
        return dbl.push_ret;
    }
    for (size_t i = 0; i < dbl.n_ops; i++) {
        if (dbl.ops[i].port_id == port_id) {
            dbl.ops[i].pushed = true;
        }
    }
    return 0;
}

/* Recorded only when it returns completions or fails; text "N". */
static int
dbl_pull(uint16_t port_id, uint32_t queue, struct rte_flow_op_result res[],
         uint16_t n_res, struct rte_flow_error *error)
{
    int n = 0;

    assert_int_equal(queue, 0);
    if (dbl.pull_ret) {
        record("pull", port_id);
        error->type = RTE_FLOW_ERROR_TYPE_UNSPECIFIED;
        error->message = "pull failed";
        return dbl.pull_ret;
    }
    if (dbl.pull_never || dbl.pull_empty > 0) {
        dbl.pull_empty--;
        dbl.empty_pulls++;
        return 0;
    }
    for (size_t i = 0; i < dbl.n_ops && n < n_res;) {
        struct dbl_op *op = &dbl.ops[i];
        if (op->port_id != port_id || !op->pushed) {
            i++;
            continue;
        }
        res[n].status = op->ok ? RTE_FLOW_OP_SUCCESS : RTE_FLOW_OP_ERROR;
        res[n].user_data = op->user_data;
        n++;
        if (op->create && !op->ok) {
            dbl.live_rules--;
        }
        *op = dbl.ops[--dbl.n_ops];
    }
    if (!n) {
        dbl.empty_pulls++;
        return 0;
    }
    snprintf(record("pull", port_id)->text, sizeof dbl.calls[0].text, "%d", n);
    return n;
}

static const struct rtf_ops dbl_ops = {
    .port_info = dbl_port_info,
    .validate = dbl_validate,
    .create = dbl_create,
    .destroy = dbl_destroy,
    .query = dbl_query,
    .tc_handles = dbl_tc_handles,
    .tc_count = dbl_tc_count,
    .flush = dbl_flush,
    .info_get = dbl_info_get,
    .configure = dbl_configure,
    .meter_ensure = dbl_meter_ensure,
    .pattern_template_create = dbl_pattern_template_create,
    .pattern_template_destroy = dbl_pattern_template_destroy,
    .actions_template_create = dbl_actions_template_create,
    .actions_template_destroy = dbl_actions_template_destroy,
    .table_create = dbl_table_create,
    .table_destroy = dbl_table_destroy,
    .async_create = dbl_async_create,
    .async_destroy = dbl_async_destroy,
    .push = dbl_push,
    .pull = dbl_pull,
};

/* Number of calls of OP so far. */
static size_t
n_calls(const char *op)
{
    size_t n = 0;

    for (size_t i = 0; i < dbl.n_calls; i++) {
        n += !strcmp(dbl.calls[i].op, op);
    }
    return n;
}

/* The Ith call of OP. */
static const struct call *
nth_call(const char *op, size_t idx)
{
    for (size_t i = 0; i < dbl.n_calls; i++) {
        if (!strcmp(dbl.calls[i].op, op) && !idx--) {
            return &dbl.calls[i];
        }
    }
    fail_msg("no %s call", op);
    return NULL;
}

/* ------------------------------------------------------------------
 * Set-up: the provider, initialised, with every port added.
 * ------------------------------------------------------------------ */

/* Every port added while the PMDs offer the template API if TEMPLATE. */
static int
setup_ports(bool template)
{
    static const struct offload_global_config cfg = { 0 };
    char *err = NULL;

    dbl_reset();
    dbl.info_ok = template;
    rtf_provider_set_ops(&dbl_ops, lookup);
    assert_int_equal(rtf_provider_class.init(&cfg, &err), 0);
    for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
        struct offload_reason why;
        memset(&why, 0, sizeof why);
        ports[i].provider = NULL;
        ports[i].provider_data = NULL;
        if (!rtf_provider_class.port_add(&ports[i], &why)) {
            ports[i].provider = &rtf_provider_class;
        }
    }
    dbl.n_calls = 0;
    return 0;
}

NF_UNUSED static int
setup(void **state)
{
    return setup_ports(false);
}

static int
teardown(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
        if (ports[i].provider) {
            rtf_provider_class.port_del(&ports[i]);
            ports[i].provider = NULL;
        }
    }
    rtf_provider_class.destroy();
    rtf_provider_set_ops(NULL, NULL);
    return 0;
}

/* A flow parsed from text, with the buffers it points into. */
struct tflow {
    struct flow key, mask;
    struct buf kbuf, mbuf, abuf;
    struct offload_flow of;
};

static void
tflow_parse(struct tflow *t, const char *key, const char *actions,
            uint32_t ufid)
{
    char *err = NULL;

    memset(t, 0, sizeof *t);
    buf_init(&t->kbuf);
    buf_init(&t->mbuf);
    buf_init(&t->abuf);
    if (odp_flow_from_string(key, &t->kbuf, &t->mbuf, &err)
        || odp_key_to_flow(t->kbuf.data, t->kbuf.len, &t->key, &err)
        || odp_mask_to_flow(t->mbuf.data, t->mbuf.len, &t->mask, &err)
        || odp_actions_from_string(actions, &t->abuf, &err)) {
        fail_msg("%s / %s: %s", key, actions, err);
    }
    t->of.ufid.u32[0] = ufid;
    t->of.in_port = lookup(t->mask.in_port ? t->key.in_port : 1);
    t->of.key = t->kbuf.data;
    t->of.key_len = t->kbuf.len;
    t->of.mask = t->mbuf.data;
    t->of.mask_len = t->mbuf.len;
    t->of.actions = t->abuf.data;
    t->of.actions_len = t->abuf.len;
    t->of.flow = &t->key;
    t->of.flow_mask = &t->mask;
}

static void
tflow_destroy(struct tflow *t)
{
    buf_destroy(&t->kbuf);
    buf_destroy(&t->mbuf);
    buf_destroy(&t->abuf);
}

/* Puts T, expecting 0; returns the result. */
static struct offload_put_result
put(struct tflow *t)
{
    struct offload_put_result res;

    rtf_provider_class.flow_put(NULL, &t->of, 1, &res);
    return res;
}

#endif /* NICFLOW_TESTS_RTF_DOUBLE_H */
