/* Unit tests for the offload manager (offload/): provider selection,
 * the flow life cycle on worker threads, ordering of removals and
 * replacements, cumulative counters, run-time disable, configuration
 * checks and the control commands' text.
 *
 * The provider is a recording test double registered as "tc" (no tc
 * provider is registered in a unit test: nicflowd does that), plus a
 * second double "rteflow" that refuses every port.  The "tc" double can
 * hold its flow_put() at a gate, which makes "a worker is busy with this
 * flow" a state the test controls instead of a race.
 *
 * Nothing here depends on timing: every wait is a bounded poll for a
 * condition (a generous 20 s bound, which only a broken manager reaches).
 * Each test runs with 1 and with 4 worker threads where that matters. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/evloop.h"
#include "lib/util.h"
#include "offload/offload-dummy.h"
#include "offload/offload-private.h"
#include "offload/offload.h"
#include "softpath/odp.h"

static struct evloop *loop;

/* Polls COND, running the event loop, for at most 20 s. */
#define WAIT_FOR(COND)                                       \
    do {                                                     \
        long long deadline__ = nf_time_msec() + 20000;       \
        while (!(COND)) {                                    \
            if (nf_time_msec() > deadline__) {               \
                fail_msg("timed out waiting for %s", #COND); \
            }                                                \
            evloop_run_once(loop, 2);                        \
        }                                                    \
    } while (0)

/* ---------------------------------------------------------------------
 * The recording double, "tc".
 * --------------------------------------------------------------------- */

enum rec_op {
    REC_INIT,
    REC_SET_CONFIG,
    REC_DESTROY,
    REC_PORT_ADD,
    REC_PORT_DEL,
    REC_PUT,
    REC_DEL,
    REC_FLUSH,
};

struct rec_call {
    enum rec_op op;
    uint32_t id;       /* ufid.u32[0] of the flow, port number for ports. */
    size_t batch;      /* Flows in the same call. */
    uint32_t out_port; /* First output action of a put. */
};

#define REC_MAX 8192
#define RULES_MAX 2048

static pthread_mutex_t rec_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rec_cond = PTHREAD_COND_INITIALIZER;
static struct rec_call calls[REC_MAX];
static size_t n_calls;
static bool gate_closed;
static int n_in_put; /* Threads inside flow_put() now. */
static int n_ctx;    /* Contexts alive. */
static uint64_t next_handle;
static char last_policy[16];

/* The double's "device": live rules with counters the test sets. */
static struct {
    bool live;
    struct offload_ufid ufid;
    uint64_t handle;
    uint64_t packets;
} rules[RULES_MAX];

static void
rec(enum rec_op op, uint32_t id, size_t batch, uint32_t out_port)
{
    /* rec_mutex is held. */
    if (n_calls < REC_MAX) {
        calls[n_calls++] = (struct rec_call){ op, id, batch, out_port };
    }
}

static void
double_reset(void)
{
    pthread_mutex_lock(&rec_mutex);
    n_calls = 0;
    gate_closed = false;
    n_in_put = 0;
    memset(rules, 0, sizeof rules);
    last_policy[0] = '\0';
    pthread_mutex_unlock(&rec_mutex);
}

static void
gate_set(bool closed)
{
    pthread_mutex_lock(&rec_mutex);
    gate_closed = closed;
    pthread_cond_broadcast(&rec_cond);
    pthread_mutex_unlock(&rec_mutex);
}

static int
in_put(void)
{
    pthread_mutex_lock(&rec_mutex);
    int n = n_in_put;
    pthread_mutex_unlock(&rec_mutex);
    return n;
}

static size_t
count_calls(enum rec_op op, uint32_t id)
{
    size_t n = 0;

    pthread_mutex_lock(&rec_mutex);
    for (size_t i = 0; i < n_calls; i++) {
        n += calls[i].op == op && calls[i].id == id;
    }
    pthread_mutex_unlock(&rec_mutex);
    return n;
}

static size_t
count_op(enum rec_op op)
{
    size_t n = 0;

    pthread_mutex_lock(&rec_mutex);
    for (size_t i = 0; i < n_calls; i++) {
        n += calls[i].op == op;
    }
    pthread_mutex_unlock(&rec_mutex);
    return n;
}

/* Index in the log of the Nth (0-based) call OP for ID, or -1. */
static long
call_index(enum rec_op op, uint32_t id, size_t nth)
{
    long found = -1;

    pthread_mutex_lock(&rec_mutex);
    for (size_t i = 0; i < n_calls; i++) {
        if (calls[i].op == op && calls[i].id == id && !nth--) {
            found = (long) i;
            break;
        }
    }
    pthread_mutex_unlock(&rec_mutex);
    return found;
}

static size_t
live_rules(void)
{
    size_t n = 0;

    pthread_mutex_lock(&rec_mutex);
    for (size_t i = 0; i < RULES_MAX; i++) {
        n += rules[i].live;
    }
    pthread_mutex_unlock(&rec_mutex);
    return n;
}

/* Sets the counter of the live rule of flow ID. */
static void
rule_set_packets(uint32_t id, uint64_t packets)
{
    pthread_mutex_lock(&rec_mutex);
    for (size_t i = 0; i < RULES_MAX; i++) {
        if (rules[i].live && rules[i].ufid.u32[0] == id) {
            rules[i].packets = packets;
        }
    }
    pthread_mutex_unlock(&rec_mutex);
}

static int
tc_init(const struct offload_global_config *cfg, char **errp NF_UNUSED)
{
    pthread_mutex_lock(&rec_mutex);
    rec(REC_INIT, 0, 0, 0);
    snprintf(last_policy, sizeof last_policy, "%s", cfg->tc_policy);
    pthread_mutex_unlock(&rec_mutex);
    return 0;
}

static void
tc_set_config(const struct offload_global_config *cfg)
{
    pthread_mutex_lock(&rec_mutex);
    rec(REC_SET_CONFIG, 0, 0, 0);
    snprintf(last_policy, sizeof last_policy, "%s", cfg->tc_policy);
    pthread_mutex_unlock(&rec_mutex);
}

static void
tc_destroy(void)
{
    pthread_mutex_lock(&rec_mutex);
    rec(REC_DESTROY, 0, 0, 0);
    pthread_mutex_unlock(&rec_mutex);
}

static void *
tc_ctx_create(void)
{
    pthread_mutex_lock(&rec_mutex);
    n_ctx++;
    pthread_mutex_unlock(&rec_mutex);
    return xzalloc(8);
}

static void
tc_ctx_destroy(void *ctx)
{
    pthread_mutex_lock(&rec_mutex);
    n_ctx--;
    pthread_mutex_unlock(&rec_mutex);
    free(ctx);
}

/* Ports whose names start with 'v' are "virtual": tc refuses them. */
static int
tc_port_probe(const struct offload_port *port, struct offload_reason *why)
{
    if (port->name[0] == 'v') {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_PORT,
                           "tc: %s is not a kernel network device",
                           port->name);
        return ENODEV;
    }
    return 0;
}

static int
tc_port_add(struct offload_port *port, struct offload_reason *why)
{
    int error = tc_port_probe(port, why);

    if (!error) {
        pthread_mutex_lock(&rec_mutex);
        rec(REC_PORT_ADD, port->odp_port, 0, 0);
        pthread_mutex_unlock(&rec_mutex);
    }
    return error;
}

static void
tc_port_del(struct offload_port *port)
{
    pthread_mutex_lock(&rec_mutex);
    rec(REC_PORT_DEL, port->odp_port, 0, 0);
    pthread_mutex_unlock(&rec_mutex);
}

static void
tc_port_describe(const struct offload_port *port NF_UNUSED, char *buf,
                 size_t size)
{
    snprintf(buf, size, "qdisc clsact (test double)");
}

/* Flows whose ufid ends in 0xdead carry an action the double lacks. */
static int
tc_check(const struct offload_flow *f, struct offload_reason *why)
{
    if (f->ufid.u32[3] == 0xdead) {
        offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_ACTION,
                           "tc: action userspace cannot be offloaded");
        return EOPNOTSUPP;
    }
    return 0;
}

static int
tc_flow_check(void *ctx NF_UNUSED, const struct offload_flow *f,
              struct offload_reason *why)
{
    return tc_check(f, why);
}

static uint32_t
first_output(const struct offload_flow *f)
{
    const struct nlattr *attr;

    mnl_attr_for_each_payload(f->actions, f->actions_len)
    {
        if (mnl_attr_get_type(attr) == OVS_ACTION_ATTR_OUTPUT) {
            return mnl_attr_get_u32(attr);
        }
    }
    return UINT32_MAX;
}

static void
tc_flow_put(void *ctx, const struct offload_flow *flows, size_t n,
            struct offload_put_result *results)
{
    assert_non_null(ctx);
    pthread_mutex_lock(&rec_mutex);
    n_in_put++;
    pthread_cond_broadcast(&rec_cond);
    while (gate_closed) {
        pthread_cond_wait(&rec_cond, &rec_mutex);
    }
    for (size_t i = 0; i < n; i++) {
        const struct offload_flow *f = &flows[i];

        /* In-tree providers get the decoded key. */
        assert_non_null(f->flow);
        assert_non_null(f->in_port);
        rec(REC_PUT, f->ufid.u32[0], n, first_output(f));
        memset(&results[i], 0, sizeof results[i]);
        results[i].error = tc_check(f, &results[i].reason);
        if (results[i].error) {
            continue;
        }
        /* Replace semantics: a live rule of the same ufid is dropped. */
        size_t slot = RULES_MAX;
        for (size_t k = 0; k < RULES_MAX; k++) {
            if (rules[k].live
                && !memcmp(&rules[k].ufid, &f->ufid, sizeof f->ufid)) {
                rules[k].live = false;
            }
            if (!rules[k].live && slot == RULES_MAX) {
                slot = k;
            }
        }
        assert_true(slot < RULES_MAX);
        rules[slot].live = true;
        rules[slot].ufid = f->ufid;
        rules[slot].handle = ++next_handle;
        rules[slot].packets = 0;
        results[i].handle = rules[slot].handle;
        results[i].partial = f->ufid.u32[3] == 0x9a97;
    }
    n_in_put--;
    pthread_mutex_unlock(&rec_mutex);
}

static void
tc_flow_del(void *ctx NF_UNUSED, const struct offload_port *const *ports,
            const struct offload_ufid *ufids, const uint64_t *handles,
            size_t n, struct offload_stats *stats, int *errors)
{
    pthread_mutex_lock(&rec_mutex);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(ports[i]);
        rec(REC_DEL, ufids[i].u32[0], n, 0);
        errors[i] = ENOENT;
        memset(&stats[i], 0, sizeof stats[i]);
        for (size_t k = 0; k < RULES_MAX; k++) {
            if (rules[k].live && rules[k].handle == handles[i]) {
                assert_memory_equal(&rules[k].ufid, &ufids[i],
                                    sizeof ufids[i]);
                rules[k].live = false;
                stats[i].n_packets = rules[k].packets;
                stats[i].n_bytes = rules[k].packets * 100;
                errors[i] = 0;
            }
        }
    }
    pthread_mutex_unlock(&rec_mutex);
}

static void
tc_flow_stats(void *ctx NF_UNUSED, const struct offload_port *const *ports,
              const uint64_t *handles, size_t n, struct offload_stats *stats,
              int *errors)
{
    pthread_mutex_lock(&rec_mutex);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(ports[i]);
        errors[i] = ENOENT;
        memset(&stats[i], 0, sizeof stats[i]);
        for (size_t k = 0; k < RULES_MAX; k++) {
            if (rules[k].live && rules[k].handle == handles[i]) {
                stats[i].n_packets = rules[k].packets;
                stats[i].n_bytes = rules[k].packets * 100;
                errors[i] = 0;
            }
        }
    }
    pthread_mutex_unlock(&rec_mutex);
}

static void
tc_flush(void *ctx NF_UNUSED)
{
    pthread_mutex_lock(&rec_mutex);
    rec(REC_FLUSH, 0, 0, 0);
    memset(rules, 0, sizeof rules);
    pthread_mutex_unlock(&rec_mutex);
}

static const struct offload_provider_class tc_double = {
    .version = OFFLOAD_PROVIDER_VERSION,
    .name = "tc",
    .init = tc_init,
    .set_config = tc_set_config,
    .destroy = tc_destroy,
    .ctx_create = tc_ctx_create,
    .ctx_destroy = tc_ctx_destroy,
    .port_probe = tc_port_probe,
    .port_add = tc_port_add,
    .port_del = tc_port_del,
    .port_describe = tc_port_describe,
    .flow_check = tc_flow_check,
    .flow_put = tc_flow_put,
    .flow_del = tc_flow_del,
    .flow_stats = tc_flow_stats,
    .flush = tc_flush,
};

/* "rteflow": refuses every port. */
static int
rte_port_probe(const struct offload_port *port, struct offload_reason *why)
{
    offload_reason_set(why, OFFLOAD_R_UNSUPPORTED_PORT,
                       "rteflow: %s is not a DPDK port", port->name);
    return ENODEV;
}

static int
rte_port_add(struct offload_port *port, struct offload_reason *why)
{
    return rte_port_probe(port, why);
}

static void
rte_port_del(struct offload_port *port NF_UNUSED)
{
}

static void
rte_flow_put(void *ctx NF_UNUSED, const struct offload_flow *flows NF_UNUSED,
             size_t n NF_UNUSED, struct offload_put_result *results NF_UNUSED)
{
    fail_msg("rteflow serves no port");
}

static void
rte_flow_del(void *ctx NF_UNUSED,
             const struct offload_port *const *ports NF_UNUSED,
             const struct offload_ufid *ufids NF_UNUSED,
             const uint64_t *handles NF_UNUSED, size_t n NF_UNUSED,
             struct offload_stats *stats NF_UNUSED, int *errors NF_UNUSED)
{
    fail_msg("rteflow serves no port");
}

static void
rte_flow_stats(void *ctx NF_UNUSED,
               const struct offload_port *const *ports NF_UNUSED,
               const uint64_t *handles NF_UNUSED, size_t n NF_UNUSED,
               struct offload_stats *stats NF_UNUSED, int *errors NF_UNUSED)
{
    fail_msg("rteflow serves no port");
}

static const struct offload_provider_class rte_double = {
    .version = OFFLOAD_PROVIDER_VERSION,
    .name = "rteflow",
    .port_probe = rte_port_probe,
    .port_add = rte_port_add,
    .port_del = rte_port_del,
    .flow_put = rte_flow_put,
    .flow_del = rte_flow_del,
    .flow_stats = rte_flow_stats,
};

/* ---------------------------------------------------------------------
 * Helpers.
 * --------------------------------------------------------------------- */

static struct offload_ufid
ufid_of(uint32_t id, uint32_t tag)
{
    return (struct offload_ufid){ { id, 0x5eed, 0x0ff1, tag } };
}

/* Offers flow ID (its ufid tagged TAG) entering IN_PORT with ACTIONS. */
static void
put_tagged(uint32_t id, uint32_t tag, uint32_t in_port, const char *actions)
{
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER;
    char text[128];

    snprintf(text, sizeof text,
             "in_port(%u),eth(),eth_type(0x0800),ipv4(src=10.%u.%u.%u)",
             in_port, (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff);
    assert_int_equal(odp_flow_from_string(text, &key, &mask, NULL), 0);
    assert_int_equal(odp_actions_from_string(actions, &acts, NULL), 0);
    struct offload_ufid u = ufid_of(id, tag);
    offload_flow_put(&u, key.data, key.len, mask.data, mask.len, acts.data,
                     acts.len);
    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&acts);
}

static void
put(uint32_t id, uint32_t in_port, const char *actions)
{
    put_tagged(id, 0, in_port, actions);
}

static enum offload_state
state_of(uint32_t id, uint32_t tag)
{
    struct offload_flow_status st;
    struct offload_ufid u = ufid_of(id, tag);

    offload_flow_get_status(&u, &st);
    return st.state;
}

static bool
settled(uint32_t id, uint32_t tag)
{
    enum offload_state s = state_of(id, tag);

    return s == OFFLOAD_ST_OFFLOADED || s == OFFLOAD_ST_REFUSED;
}

/* True if flows LO .. HI - 1 (untagged) have all settled. */
static bool
all_settled(uint32_t lo, uint32_t hi)
{
    for (uint32_t i = lo; i < hi; i++) {
        if (!settled(i, 0)) {
            return false;
        }
    }
    return true;
}

/* The dump-flows -m text of flow ID, in a static buffer. */
static const char *
status_text(uint32_t id, uint32_t tag)
{
    static char text[512];
    struct buf b = BUF_INITIALIZER;
    struct offload_ufid u = ufid_of(id, tag);

    offload_format_flow_status(&u, "softpath", &b);
    snprintf(text, sizeof text, "%s", buf_cstr(&b));
    buf_destroy(&b);
    return text;
}

static void
del(uint32_t id, uint32_t tag, struct offload_stats *stats)
{
    struct offload_ufid u = ufid_of(id, tag);

    offload_flow_del(&u, 1, stats);
}

static struct offload_stats
stats_of(uint32_t id, bool *young)
{
    struct offload_ufid u = ufid_of(id, 0);
    struct offload_stats s;
    bool y;

    offload_flow_get_stats(&u, 1, &s, &y);
    if (young) {
        *young = y;
    }
    return s;
}

/* Applies a configuration; fails the test if it is refused. */
static void
config(bool enabled, const char *priority, unsigned n_threads,
       unsigned delay_ms, bool restore_wait)
{
    struct offload_config c;
    char *err = NULL;

    offload_config_init(&c);
    c.enabled = enabled;
    c.priority = priority;
    c.n_threads = n_threads;
    c.stats_delay_ms = delay_ms;
    c.restore_wait = restore_wait;
    int error = offload_set_config(&c, &err);
    if (error) {
        fail_msg("config refused: %s", err);
    }
}

/* The value of the offload-stats-show row "<scope> ... <label>: N" in
 * TEXT, or -1 if there is none. */
static long long
row_value(const char *text, const char *scope, const char *label)
{
    char want[128];

    snprintf(want, sizeof want, " %s: ", label);
    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n');
        const char *s = line + strspn(line, " ");
        size_t sl = strlen(scope);
        const char *at = strstr(s, want);

        if (!strncmp(s, scope, sl) && s[sl] == ' ' && at
            && (!end || at < end)) {
            return strtoll(at + strlen(want), NULL, 10);
        }
        line = end ? end + 1 : NULL;
    }
    return -1;
}

/* True if TEXT has a row "<scope> ... <label>: <value>". */
static bool
has_row(const char *text, const char *scope, const char *label,
        const char *value)
{
    return row_value(text, scope, label) == strtoll(value, NULL, 10);
}

static unsigned n_threads_param = 1;

static int
setup(void **state)
{
    unsigned *threads = *state;

    n_threads_param = threads ? *threads : 1;
    loop = evloop_create();
    offload_init(loop);
    int error = offload_provider_register(&tc_double);
    assert_true(!error || error == EEXIST);
    error = offload_provider_register(&rte_double);
    assert_true(!error || error == EEXIST);
    double_reset();
    return 0;
}

static int
teardown(void **state NF_UNUSED)
{
    gate_set(false);
    offload_exit(true);
    offload_dummy_reset();
    evloop_destroy(loop);
    loop = NULL;
    /* Every context the manager created was destroyed. */
    assert_int_equal(n_ctx, 0);
    return 0;
}

/* ---------------------------------------------------------------------
 * Tests.
 * --------------------------------------------------------------------- */

static void
test_registry(void **state NF_UNUSED)
{
    struct offload_provider_class bad = tc_double;

    assert_int_equal(offload_provider_register(&tc_double), EEXIST);
    bad.version = OFFLOAD_PROVIDER_VERSION + 1;
    bad.name = "hal";
    assert_int_equal(offload_provider_register(&bad), EINVAL);
    /* The dummy provider is registered by offload_init(). */
    assert_int_equal(offload_provider_register(&offload_dummy_class), EEXIST);
}

static void
test_config_validation(void **state NF_UNUSED)
{
    struct offload_config c;
    struct buf show = BUF_INITIALIZER;
    char *err = NULL;

    config(true, "tc,dummy", 2, 1000, false);

    offload_config_init(&c);
    c.enabled = true;
    c.priority = "tc,foo";
    assert_int_equal(offload_set_config(&c, &err), EINVAL);
    assert_string_equal(err, "hw-offload-priority: unknown provider \"foo\" "
                             "(known: tc, rteflow, hal, dummy)");
    free(err);

    c.priority = "tc";
    c.tc_policy = "skip_all";
    assert_int_equal(offload_set_config(&c, &err), EINVAL);
    assert_string_equal(err, "tc-policy: \"skip_all\" is not one of none, "
                             "skip_sw, skip_hw");
    free(err);

    c.tc_policy = "skip_sw";
    c.n_threads = 9;
    assert_int_equal(offload_set_config(&c, &err), EINVAL);
    assert_string_equal(err, "n-offload-threads: 9 is out of range 1..8");
    free(err);
    c.n_threads = 0;
    assert_int_equal(offload_set_config(&c, &err), EINVAL);
    free(err);

    /* Nothing of the refused configurations was applied. */
    offload_show(&show);
    assert_non_null(strstr(buf_cstr(&show), "hw-offload: on\n"));
    assert_non_null(strstr(buf_cstr(&show), "tc-policy: none\n"));
    assert_non_null(
        strstr(buf_cstr(&show), "hw-offload-priority: tc,dummy\n"));
    assert_non_null(strstr(buf_cstr(&show), "n-offload-threads: 2\n"));
    buf_destroy(&show);

    /* A known provider this build lacks is accepted ("hal"); tc-policy
     * reaches the provider with set_config(). */
    offload_port_add(1, "p1", "afpacket", NULL); /* tc gets init(). */
    c.priority = "hal,tc";
    c.n_threads = 2;
    c.tc_policy = "skip_hw";
    assert_int_equal(offload_set_config(&c, NULL), 0);
    assert_true(count_op(REC_SET_CONFIG) >= 1);
    pthread_mutex_lock(&rec_mutex);
    assert_string_equal(last_policy, "skip_hw");
    pthread_mutex_unlock(&rec_mutex);
    assert_true(offload_is_enabled());
    /* p1 is still tc's under the new order: not touched. */
    assert_int_equal(count_op(REC_PORT_DEL), 0);

    /* A new order that puts another provider first moves the port. */
    c.priority = "dummy,tc";
    assert_int_equal(offload_set_config(&c, NULL), 0);
    assert_int_equal(count_calls(REC_PORT_DEL, 1), 1);
    offload_show(&show);
    assert_non_null(strstr(buf_cstr(&show), "  p1: odp 1, type afpacket, "
                                            "provider dummy, "));
    buf_destroy(&show);
}

static void
test_priority_and_reasons(void **state NF_UNUSED)
{
    struct buf show = BUF_INITIALIZER;

    config(true, "tc,hal,rteflow,dummy", n_threads_param, 2000, false);
    offload_port_add(1, "p1", "afpacket", NULL);    /* tc */
    offload_port_add(2, "v2", "afpacket", NULL);    /* dummy */
    offload_port_add(3, "p3", "afpacket", "dummy"); /* Own order. */
    offload_port_add(4, "p4", "afpacket", "none");  /* Excluded. */
    offload_port_add(5, "v5", "afpacket", "tc,rteflow");

    offload_show(&show);
    const char *s = buf_cstr(&show);
    assert_non_null(strstr(s, "  p1: odp 1, type afpacket, provider tc, "));
    assert_non_null(strstr(s, "  v2: odp 2, type afpacket, provider dummy, "));
    assert_non_null(strstr(s, "  p3: odp 3, type afpacket, provider dummy, "));
    assert_non_null(strstr(s, "  p4: odp 4, type afpacket, provider none "
                              "(port p4: hw-offload-priority=none), "));
    assert_non_null(strstr(s, "provider none (no provider for v5: tc: v5 is "
                              "not a kernel network device; rteflow: v5 is "
                              "not a DPDK port)"));
    assert_non_null(strstr(s, "    tc: qdisc clsact (test double)\n"));
    assert_non_null(strstr(s, "    dummy: simulated eswitch, 0 rules"));
    assert_non_null(strstr(s, "    profile: -\n"));
    buf_destroy(&show);

    /* Flows entering an excluded port or one without a provider are
     * refused at once, without a worker. */
    put(40, 4, "1");
    assert_int_equal(state_of(40, 0), OFFLOAD_ST_REFUSED);
    assert_string_equal(status_text(40, 0),
                        "offloaded:no, dp:softpath, offload-reason:"
                        "\"port p4: hw-offload-priority=none\"");
    put(50, 5, "1");
    assert_string_equal(status_text(50, 0),
                        "offloaded:no, dp:softpath, offload-reason:\"no "
                        "provider for v5: tc: v5 is not a kernel network "
                        "device; rteflow: v5 is not a DPDK port\"");
    put(60, 6, "1"); /* No port 6. */
    assert_int_equal(state_of(60, 0), OFFLOAD_ST_REFUSED);

    /* Never offered. */
    assert_string_equal(status_text(99, 0), "offloaded:no, dp:softpath");

    /* The others go to their providers. */
    put(10, 1, "1");
    put(20, 2, "3");
    put(30, 3, "2");
    put_tagged(11, 0xdead, 1, "1");
    put_tagged(12, 0x9a97, 1, "1");
    WAIT_FOR(settled(10, 0) && settled(20, 0) && settled(30, 0)
             && settled(11, 0xdead) && settled(12, 0x9a97));
    assert_string_equal(status_text(10, 0), "offloaded:yes, dp:tc");
    assert_string_equal(status_text(20, 0), "offloaded:yes, dp:dummy");
    assert_string_equal(status_text(30, 0), "offloaded:yes, dp:dummy");
    assert_string_equal(status_text(12, 0x9a97), "offloaded:partial, dp:tc");
    assert_string_equal(status_text(11, 0xdead),
                        "offloaded:no, dp:softpath, offload-reason:\"tc: "
                        "action userspace cannot be offloaded\"");

    /* dump-flows type filters. */
    struct offload_ufid u10 = ufid_of(10, 0), u11 = ufid_of(11, 0xdead);
    struct offload_ufid u12 = ufid_of(12, 0x9a97), u20 = ufid_of(20, 0);
    assert_true(offload_flow_matches_type(&u10, "offloaded"));
    assert_true(offload_flow_matches_type(&u12, "offloaded"));
    assert_true(offload_flow_matches_type(&u10, "tc"));
    assert_false(offload_flow_matches_type(&u10, "dummy"));
    assert_true(offload_flow_matches_type(&u20, "dummy"));
    assert_false(offload_flow_matches_type(&u10, "non-offloaded"));
    assert_true(offload_flow_matches_type(&u11, "non-offloaded"));
    assert_true(offload_flow_matches_type(&u11, "softpath"));
    assert_true(offload_flow_matches_type(&u11, "ovs"));
    assert_false(offload_flow_matches_type(&u11, "tc"));
    assert_false(offload_flow_matches_type(&u10, "hal"));
    assert_true(offload_flow_matches_type(&u11, "all"));
    assert_false(offload_flow_matches_type(&u10, "bogus"));

    /* offload/explain: nothing is installed. */
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER, out = BUF_INITIALIZER;
    size_t puts_before = count_op(REC_PUT);
    assert_int_equal(odp_flow_from_string("in_port(1),eth(),eth_type(0x0800)",
                                          &key, &mask, NULL),
                     0);
    assert_int_equal(odp_actions_from_string("2", &acts, NULL), 0);
    assert_int_equal(offload_explain(key.data, key.len, mask.data, mask.len,
                                     acts.data, acts.len, &out),
                     OFFLOAD_R_NONE);
    assert_string_equal(buf_cstr(&out), "tc would offload this flow on p1");
    buf_clear(&out);
    buf_clear(&key);
    buf_clear(&mask);
    assert_int_equal(odp_flow_from_string("in_port(4),eth(),eth_type(0x0800)",
                                          &key, &mask, NULL),
                     0);
    assert_int_equal(offload_explain(key.data, key.len, mask.data, mask.len,
                                     acts.data, acts.len, &out),
                     OFFLOAD_R_PORT_EXCLUDED);
    assert_string_equal(buf_cstr(&out), "port p4: hw-offload-priority=none");
    assert_int_equal(count_op(REC_PUT), puts_before);
    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&acts);
    buf_destroy(&out);
}

/* A port that changes (its priority here) leaves its provider; its flows
 * leave hardware and are offered again to the new provider. */
static void
test_port_change_and_del(void **state NF_UNUSED)
{
    config(true, "tc,dummy", n_threads_param, 2000, false);
    offload_port_add(1, "p1", "afpacket", NULL);
    offload_port_add(2, "p2", "afpacket", "dummy");
    put(1, 1, "1");
    put(2, 1, "1");
    WAIT_FOR(settled(1, 0) && settled(2, 0));
    assert_string_equal(status_text(1, 0), "offloaded:yes, dp:tc");

    /* Same facts again: nothing happens. */
    offload_port_add(1, "p1", "afpacket", NULL);
    assert_int_equal(count_op(REC_PORT_DEL), 0);

    offload_port_add(1, "p1", "afpacket", "dummy");
    assert_int_equal(count_calls(REC_DEL, 1), 1);
    assert_int_equal(count_calls(REC_PORT_DEL, 1), 1);
    assert_true(call_index(REC_DEL, 1, 0) < call_index(REC_PORT_DEL, 1, 0));
    WAIT_FOR(state_of(1, 0) == OFFLOAD_ST_OFFLOADED
             && state_of(2, 0) == OFFLOAD_ST_OFFLOADED);
    assert_string_equal(status_text(1, 0), "offloaded:yes, dp:dummy");
    assert_int_equal(offload_dummy_n_rules("p1"), 2);

    /* Removing the port removes its flows' rules first. */
    offload_port_del(1);
    assert_int_equal(offload_dummy_n_rules("p1"), 0);
    assert_string_equal(status_text(1, 0),
                        "offloaded:no, dp:softpath, offload-reason:\"port p1 "
                        "was removed\"");

    /* Back again: the flows are offered anew. */
    offload_port_add(1, "p1", "afpacket", NULL);
    WAIT_FOR(state_of(1, 0) == OFFLOAD_ST_OFFLOADED
             && state_of(2, 0) == OFFLOAD_ST_OFFLOADED);
    assert_string_equal(status_text(1, 0), "offloaded:yes, dp:tc");
    assert_int_equal(live_rules(), 2);

    /* offload_port_del() takes the flows' rules out through flow_del()
     * (the double's port_del() removes nothing), before port_del(). */
    offload_port_del(1);
    assert_int_equal(live_rules(), 0);
    assert_int_equal(count_calls(REC_DEL, 1), 2);
    assert_int_equal(count_calls(REC_DEL, 2), 2);
    assert_int_equal(count_calls(REC_PORT_DEL, 1), 2);
    assert_true(call_index(REC_DEL, 1, 1) < call_index(REC_PORT_DEL, 1, 1));
    assert_true(call_index(REC_DEL, 2, 1) < call_index(REC_PORT_DEL, 1, 1));

    struct offload_ufid us[2] = { ufid_of(1, 0), ufid_of(2, 0) };
    offload_flow_del(us, 2, NULL);
    assert_int_equal(count_calls(REC_DEL, 1), 2);
    assert_int_equal(state_of(1, 0), OFFLOAD_ST_NONE);
}

/* A burst of puts queued behind a busy worker reaches the provider in
 * batches, never more than 64 flows per call. */
static void
test_batching(void **state NF_UNUSED)
{
    enum { N = 200 };

    config(true, "tc", n_threads_param, 2000, false);
    offload_port_add(1, "p1", "afpacket", NULL);
    gate_set(true);
    put(1000, 1, "1");
    WAIT_FOR(in_put() == 1);
    for (uint32_t i = 0; i < N; i++) {
        put(i, 1, "1");
    }
    gate_set(false);
    WAIT_FOR(all_settled(0, N));
    size_t max_batch = 0, n_put = 0;
    pthread_mutex_lock(&rec_mutex);
    for (size_t i = 0; i < n_calls; i++) {
        if (calls[i].op == REC_PUT) {
            n_put++;
            max_batch =
                calls[i].batch > max_batch ? calls[i].batch : max_batch;
        }
    }
    pthread_mutex_unlock(&rec_mutex);
    assert_int_equal(n_put, N + 1);
    assert_true(max_batch > 1);
    assert_true(max_batch <= OFFLOAD_BATCH_MAX);
    for (uint32_t i = 0; i < N; i++) {
        assert_int_equal(state_of(i, 0), OFFLOAD_ST_OFFLOADED);
    }

    struct buf out = BUF_INITIALIZER;
    char n_str[16];
    snprintf(n_str, sizeof n_str, "%d", N + 1);
    offload_stats_show(&out);
    const char *s = buf_cstr(&out);
    assert_true(has_row(s, "Total", "Enqueued offloads", n_str));
    assert_true(has_row(s, "Total", "Inserted offloads", n_str));
    assert_true(has_row(s, "Total", "In hardware now", n_str));
    assert_true(has_row(s, "tc", "Inserted offloads", n_str));
    assert_true(has_row(s, "Total", "Refused offloads", "0"));
    assert_non_null(strstr(s, "Insert latency p99 (ms): "));
    for (unsigned i = 0; i < n_threads_param; i++) {
        char scope[24];

        snprintf(scope, sizeof scope, "Worker %u", i);
        assert_true(has_row(s, scope, "Removed offloads", "0"));
    }
    buf_destroy(&out);
}

/* Puts superseded while queued: only the newest reaches the provider. */
static void
test_coalescing(void **state NF_UNUSED)
{
    config(true, "tc", n_threads_param, 2000, false);
    offload_port_add(1, "p1", "afpacket", NULL);
    offload_port_add(2, "p2", "afpacket", NULL);
    offload_port_add(3, "p3", "afpacket", NULL);
    offload_port_add(4, "p4", "afpacket", NULL);
    gate_set(true);
    /* Block every worker, so that flow 7 waits in a queue whichever
     * worker it hashes to. */
    uint32_t blockers = 0;
    for (uint32_t i = 100; in_put() < (int) n_threads_param; i++) {
        put(i, 1, "1");
        blockers++;
        evloop_run_once(loop, 2);
        assert_true(blockers < 100000);
    }
    put(7, 1, "2");
    put(7, 1, "3");
    put(7, 1, "4");
    assert_int_equal(state_of(7, 0), OFFLOAD_ST_PENDING);
    assert_string_equal(status_text(7, 0),
                        "offloaded:no, dp:softpath, offload-reason:"
                        "\"pending\"");
    gate_set(false);
    WAIT_FOR(settled(7, 0));
    assert_int_equal(count_calls(REC_PUT, 7), 1);
    long i7 = call_index(REC_PUT, 7, 0);
    pthread_mutex_lock(&rec_mutex);
    assert_int_equal(calls[i7].out_port, 4);
    pthread_mutex_unlock(&rec_mutex);

    struct buf out = BUF_INITIALIZER;
    offload_stats_show(&out);
    assert_true(has_row(buf_cstr(&out), "Total", "Coalesced offloads", "2"));
    buf_destroy(&out);
}

/* offload_flow_del() cancels a queued put: it never reaches hardware. */
static void
test_del_cancels_queued(void **state NF_UNUSED)
{
    config(true, "tc", 1, 2000, false);
    offload_port_add(1, "p1", "afpacket", NULL);
    gate_set(true);
    put(1, 1, "1");
    WAIT_FOR(in_put() == 1);
    put(2, 1, "1");
    assert_int_equal(state_of(2, 0), OFFLOAD_ST_PENDING);
    struct offload_stats st;
    del(2, 0, &st);
    assert_int_equal(st.n_packets, 0);
    assert_int_equal(state_of(2, 0), OFFLOAD_ST_NONE);
    gate_set(false);
    WAIT_FOR(settled(1, 0));
    WAIT_FOR(offload_workers_idle());
    assert_int_equal(count_calls(REC_PUT, 2), 0);
    assert_int_equal(count_calls(REC_DEL, 2), 0);
}

struct del_thread {
    uint32_t id;
    bool done;
    pthread_mutex_t mutex;
};

static void *
del_thread_main(void *dt_)
{
    struct del_thread *dt = dt_;

    del(dt->id, 0, NULL);
    pthread_mutex_lock(&dt->mutex);
    dt->done = true;
    pthread_mutex_unlock(&dt->mutex);
    return NULL;
}

/* offload_flow_del() of a flow a worker is putting right now waits for
 * the put, then removes the rule it made: put before del, nothing left. */
static void
test_del_waits_for_inflight(void **state NF_UNUSED)
{
    struct del_thread dt = { .id = 1 };
    pthread_t thread;

    config(true, "tc", n_threads_param, 2000, false);
    offload_port_add(1, "p1", "afpacket", NULL);
    gate_set(true);
    put(1, 1, "1");
    WAIT_FOR(in_put() == 1);

    /* The thread plays nicflowd's main thread for this one call; this
     * thread only opens the gate meanwhile. */
    pthread_mutex_init(&dt.mutex, NULL);
    pthread_create(&thread, NULL, del_thread_main, &dt);
    /* The del cannot finish while the put it waits for is held. */
    for (int i = 0; i < 20; i++) {
        evloop_run_once(loop, 1);
        pthread_mutex_lock(&dt.mutex);
        bool done = dt.done;
        pthread_mutex_unlock(&dt.mutex);
        assert_false(done);
    }
    gate_set(false);
    pthread_join(thread, NULL);
    pthread_mutex_destroy(&dt.mutex);

    assert_int_equal(count_calls(REC_PUT, 1), 1);
    assert_int_equal(count_calls(REC_DEL, 1), 1);
    assert_true(call_index(REC_PUT, 1, 0) < call_index(REC_DEL, 1, 0));
    assert_int_equal(live_rules(), 0);
    assert_int_equal(state_of(1, 0), OFFLOAD_ST_NONE);
}

/* Counters stay cumulative and monotonic across a replace; the old rule
 * leaves hardware before the new one goes in; del before a re-put. */
static void
test_replace_and_cumulative_stats(void **state NF_UNUSED)
{
    bool young;

    config(true, "tc", n_threads_param, 600000, false);
    offload_port_add(1, "p1", "afpacket", NULL);
    put(1, 1, "1");
    WAIT_FOR(settled(1, 0));
    assert_int_equal(state_of(1, 0), OFFLOAD_ST_OFFLOADED);
    stats_of(1, &young);
    assert_true(young); /* Within offloaded-stats-delay. */

    rule_set_packets(1, 10);
    WAIT_FOR(stats_of(1, NULL).n_packets == 10);
    assert_int_equal(stats_of(1, NULL).n_bytes, 1000);

    /* Replace: the old rule's final count (15) joins the base. */
    rule_set_packets(1, 15);
    put(1, 1, "2");
    WAIT_FOR(count_calls(REC_PUT, 1) == 2 && settled(1, 0)
             && offload_workers_idle());
    assert_int_equal(count_calls(REC_DEL, 1), 1);
    assert_true(call_index(REC_DEL, 1, 0) < call_index(REC_PUT, 1, 1));
    assert_true(call_index(REC_PUT, 1, 0) < call_index(REC_DEL, 1, 0));
    assert_int_equal(live_rules(), 1);
    assert_int_equal(stats_of(1, NULL).n_packets, 15);

    rule_set_packets(1, 5);
    uint64_t last = 0;
    for (;;) {
        uint64_t now = stats_of(1, NULL).n_packets;
        assert_true(now >= last); /* Never goes back. */
        last = now;
        if (now == 20) {
            break;
        }
        WAIT_FOR(stats_of(1, NULL).n_packets != now);
    }

    /* Final counters: base + the last rule's final count. */
    rule_set_packets(1, 7);
    struct offload_stats st;
    del(1, 0, &st);
    assert_int_equal(st.n_packets, 22);
    assert_int_equal(st.n_bytes, 2200);
    assert_int_equal(live_rules(), 0);

    /* Deleted then offered again: it left hardware before the new put. */
    put(1, 1, "1");
    WAIT_FOR(count_calls(REC_PUT, 1) == 3 && settled(1, 0));
    assert_int_equal(count_calls(REC_DEL, 1), 2);
    assert_true(call_index(REC_DEL, 1, 1) < call_index(REC_PUT, 1, 2));
    assert_int_equal(stats_of(1, NULL).n_packets, 0);

    /* offloaded-stats-delay 0: never young. */
    config(true, "tc", n_threads_param, 0, false);
    stats_of(1, &young);
    assert_false(young);
}

/* Switching offload off removes every rule and flushes the providers;
 * the flows say why they are in software. */
static void
test_disable_at_run_time(void **state NF_UNUSED)
{
    config(true, "tc,dummy", n_threads_param, 2000, false);
    offload_port_add(1, "p1", "afpacket", NULL);
    offload_port_add(2, "v2", "afpacket", NULL);
    put(1, 1, "1");
    put(2, 1, "1");
    put(3, 2, "2");
    WAIT_FOR(settled(1, 0) && settled(2, 0) && settled(3, 0));
    assert_int_equal(live_rules(), 2);
    assert_int_equal(offload_dummy_n_rules("v2"), 1);

    config(false, "tc,dummy", n_threads_param, 2000, false);
    assert_false(offload_is_enabled());
    assert_int_equal(count_calls(REC_DEL, 1), 1);
    assert_int_equal(count_calls(REC_DEL, 2), 1);
    assert_int_equal(count_op(REC_FLUSH), 1);
    assert_int_equal(count_calls(REC_PORT_DEL, 1), 1);
    assert_int_equal(count_op(REC_DESTROY), 1);
    assert_true(call_index(REC_DEL, 1, 0) < call_index(REC_FLUSH, 0, 0));
    assert_int_equal(live_rules(), 0);
    assert_int_equal(offload_dummy_n_rules("v2"), 0);
    assert_string_equal(status_text(1, 0),
                        "offloaded:no, dp:softpath, offload-reason:"
                        "\"hw-offload is false\"");
    assert_string_equal(status_text(3, 0),
                        "offloaded:no, dp:softpath, offload-reason:"
                        "\"hw-offload is false\"");

    /* While off, new flows are not recorded. */
    put(4, 1, "1");
    assert_string_equal(status_text(4, 0), "offloaded:no, dp:softpath");

    struct buf show = BUF_INITIALIZER;
    offload_show(&show);
    assert_non_null(strstr(buf_cstr(&show), "hw-offload: off\n"));
    assert_non_null(
        strstr(buf_cstr(&show), "provider none (hw-offload is false)"));
    buf_destroy(&show);

    /* On again: nothing is offered by itself; the caller offers. */
    config(true, "tc,dummy", n_threads_param, 2000, false);
    assert_int_equal(count_op(REC_INIT), 2);
    assert_string_equal(status_text(1, 0), "offloaded:no, dp:softpath");
    put(1, 1, "1");
    WAIT_FOR(settled(1, 0));
    assert_string_equal(status_text(1, 0), "offloaded:yes, dp:tc");
}

/* Changing the number of workers at run time keeps every flow and its
 * rule; removal afterwards finds them all. */
static void
test_thread_change(void **state NF_UNUSED)
{
    enum { N = 50 };

    config(true, "tc", 1, 2000, false);
    offload_port_add(1, "p1", "afpacket", NULL);
    for (uint32_t i = 0; i < N; i++) {
        put(i, 1, "1");
    }
    config(true, "tc", 4, 2000, false);
    for (uint32_t i = N; i < 2 * N; i++) {
        put(i, 1, "1");
    }
    WAIT_FOR(all_settled(0, 2 * N));
    assert_int_equal(live_rules(), 2 * N);

    /* The workers' gauges add up to the flows in hardware. */
    struct buf out = BUF_INITIALIZER;
    offload_stats_show(&out);
    assert_non_null(strstr(buf_cstr(&out), "(hw-offload on, 4 workers)"));
    long long sum = 0;
    for (unsigned w = 0; w < 4; w++) {
        char scope[24];

        snprintf(scope, sizeof scope, "Worker %u", w);
        long long v = row_value(buf_cstr(&out), scope, "In hardware now");
        assert_true(v >= 0);
        sum += v;
    }
    assert_int_equal(sum, 2 * N);
    buf_destroy(&out);

    struct offload_ufid us[2 * N];
    for (uint32_t i = 0; i < 2 * N; i++) {
        us[i] = ufid_of(i, 0);
    }
    offload_flow_del(us, 2 * N, NULL);
    assert_int_equal(live_rules(), 0);
    /* One flow_del() call for the whole batch. */
    pthread_mutex_lock(&rec_mutex);
    size_t last_del = 0;
    for (size_t i = 0; i < n_calls; i++) {
        if (calls[i].op == REC_DEL) {
            last_del = calls[i].batch;
        }
    }
    pthread_mutex_unlock(&rec_mutex);
    assert_int_equal(last_del, 2 * N);

    buf_init(&out);
    offload_stats_show(&out);
    char n_str[16];
    snprintf(n_str, sizeof n_str, "%d", 2 * N);
    assert_true(has_row(buf_cstr(&out), "Total", "In hardware now", "0"));
    assert_true(has_row(buf_cstr(&out), "Total", "Removed offloads", n_str));
    for (unsigned w = 0; w < 4; w++) {
        char scope[24];

        snprintf(scope, sizeof scope, "Worker %u", w);
        assert_true(has_row(buf_cstr(&out), scope, "In hardware now", "0"));
    }
    buf_destroy(&out);
}

/* Refusals are counted by reason code name. */
static void
test_refusal_counts(void **state NF_UNUSED)
{
    config(true, "tc", n_threads_param, 2000, false);
    offload_port_add(1, "p1", "afpacket", NULL);
    offload_port_add(4, "p4", "afpacket", "none");
    put_tagged(1, 0xdead, 1, "1");
    put_tagged(2, 0xdead, 1, "1");
    put(3, 1, "1");
    put(4, 4, "1");
    WAIT_FOR(settled(1, 0xdead) && settled(2, 0xdead) && settled(3, 0));

    struct buf out = BUF_INITIALIZER;
    offload_stats_show(&out);
    const char *s = buf_cstr(&out);
    assert_true(has_row(s, "Total", "Refused offloads", "3"));
    assert_true(has_row(s, "Total", "Refused unsupported-action", "2"));
    assert_true(has_row(s, "Total", "Refused port-excluded", "1"));
    assert_true(has_row(s, "tc", "Refused unsupported-action", "2"));
    assert_true(has_row(s, "(none)", "Refused port-excluded", "1"));
    assert_true(has_row(s, "tc", "Inserted offloads", "1"));
    buf_destroy(&out);
}

int
main(void)
{
    static unsigned one = 1, four = 4;
#define BOTH(T)                                                         \
    cmocka_unit_test_prestate_setup_teardown(T, setup, teardown, &one), \
        cmocka_unit_test_prestate_setup_teardown(T, setup, teardown, &four)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_registry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_validation, setup,
                                        teardown),
        BOTH(test_priority_and_reasons),
        BOTH(test_port_change_and_del),
        BOTH(test_batching),
        BOTH(test_coalescing),
        cmocka_unit_test_setup_teardown(test_del_cancels_queued, setup,
                                        teardown),
        BOTH(test_del_waits_for_inflight),
        BOTH(test_replace_and_cumulative_stats),
        BOTH(test_disable_at_run_time),
        cmocka_unit_test_setup_teardown(test_thread_change, setup, teardown),
        BOTH(test_refusal_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
