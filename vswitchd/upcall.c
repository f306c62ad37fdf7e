/* upcall.c: the upcall handler and the revalidator (see upcall.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/evloop.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofctl/flow-text.h"
#include "softpath/dpif.h"
#include "softpath/odp.h"
#include "vswitchd/mac-learning.h"
#include "vswitchd/upcall.h"
#include "vswitchd/xlate.h"

VLOG_DEFINE_THIS_MODULE(upcall);

COVERAGE_DEFINE(upcall_miss);
COVERAGE_DEFINE(upcall_flow_installed);
COVERAGE_DEFINE(upcall_flow_put_failed);
COVERAGE_DEFINE(revalidate_modified);
COVERAGE_DEFINE(revalidate_deleted);
COVERAGE_DEFINE(revalidate_idle);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Upcalls handled per wakeup, so that a flood of misses cannot starve the
 * rest of the main loop. */
#define UPCALL_BATCH 64

/* How often a flow that keeps forwarding is translated again with
 * learning allowed, to refresh the MAC entries its packets stand for. */
#define RELEARN_INTERVAL_MS 5000

/* One installed datapath flow. */
struct ukey {
    struct hmap_node node; /* In ukeys, by ufid. */
    struct dpif_ufid ufid;
    struct buf key, mask, actions;
    struct xlate_hit *hits;
    size_t n_hits;
    uint64_t generation;
    uint64_t n_packets, n_bytes; /* Already credited. */
    long long created_ms;
    long long learned_ms;
};

static struct evloop *loop;
static struct dpif *dpif;
static int recv_fd = -1;
static struct hmap ukeys = HMAP_INITIALIZER;
static struct evloop_timer *reval_timer;
static size_t flow_limit = UPCALL_DEFAULT_FLOW_LIMIT;
static unsigned int max_idle_ms = UPCALL_DEFAULT_MAX_IDLE_MS;
static uint64_t last_generation;
static long long last_full_pass;
static bool reval_soon;

/* Statistics for upcall/show. */
static uint64_t n_upcalls, n_installed, n_slow;
static size_t max_flows;
static long long last_dump_ms;

static uint32_t
ufid_hash(const struct dpif_ufid *u)
{
    return hash_bytes(u, sizeof *u, 0);
}

static struct ukey *
ukey_find(const struct dpif_ufid *ufid)
{
    struct ukey *uk;

    HMAP_FOR_EACH_WITH_HASH (uk, node, ufid_hash(ufid), &ukeys) {
        if (!memcmp(&uk->ufid, ufid, sizeof *ufid)) {
            return uk;
        }
    }
    return NULL;
}

static void
ukey_set_hits(struct ukey *uk, const struct xlate_out *out)
{
    free(uk->hits);
    uk->hits = out->n_hits
                   ? xmemdup(out->hits, out->n_hits * sizeof *out->hits)
                   : NULL;
    uk->n_hits = out->n_hits;
    uk->generation = out->generation;
}

static void
ukey_destroy(struct ukey *uk)
{
    hmap_remove(&ukeys, &uk->node);
    buf_destroy(&uk->key);
    buf_destroy(&uk->mask);
    buf_destroy(&uk->actions);
    free(uk->hits);
    free(uk);
}

static void
ukeys_clear(void)
{
    struct ukey *uk;

    HMAP_FOR_EACH_SAFE (uk, node, &ukeys) {
        ukey_destroy(uk);
    }
}

/* Credits the packets and bytes a flow forwarded since the last time to
 * the rules it went through. */
static void
ukey_credit(struct ukey *uk, const struct dpif_flow_stats *st)
{
    if (st->n_packets <= uk->n_packets) {
        return;
    }
    uint64_t dp = st->n_packets - uk->n_packets;
    uint64_t db = st->n_bytes - uk->n_bytes;
    for (size_t i = 0; i < uk->n_hits; i++) {
        ofproto_rule_credit(uk->hits[i].ofproto, uk->hits[i].rule, dp, db,
                            st->used);
    }
    uk->n_packets = st->n_packets;
    uk->n_bytes = st->n_bytes;
}

/* ---------------------------------------------------------------------
 * Misses.
 * --------------------------------------------------------------------- */

static void
handle_miss(struct dpif_upcall *up)
{
    struct flow flow;
    char *err = NULL;

    COVERAGE_INC(upcall_miss);
    n_upcalls++;
    if (odp_key_to_flow(up->key.data, up->key.len, &flow, &err)) {
        VLOG_WARN_RL(&rl, "upcall with a bad key: %s", err);
        free(err);
        return;
    }

    struct xlate_out out;
    xlate_out_init(&out);
    xlate_flow(&flow, up->packet, true, NULL, &out);

    if (out.odp_actions.len) {
        struct dpif_execute ex = {
            .packet = up->packet,
            .in_port = flow.in_port,
            .actions = out.odp_actions.data,
            .actions_len = out.odp_actions.len,
        };
        if (dpif_execute(dpif, &ex, &err)) {
            VLOG_WARN_RL(&rl, "executing a missed packet failed: %s", err);
            free(err);
            err = NULL;
        }
    }

    if (out.slow) {
        n_slow++;
        xlate_out_uninit(&out);
        return;
    }

    struct ukey *uk = xzalloc(sizeof *uk);
    buf_init(&uk->key);
    buf_init(&uk->mask);
    buf_init(&uk->actions);
    odp_flow_to_key(&uk->key, &flow, &out.mask);
    odp_flow_to_mask(&uk->mask, &flow, &out.mask);
    buf_put(&uk->actions, out.odp_actions.data, out.odp_actions.len);
    dpif_ufid_from_key(uk->key.data, uk->key.len, &uk->ufid);

    if (ukey_find(&uk->ufid)) {
        /* Another packet of the same megaflow was queued before the flow
         * went in. */
        goto free_ukey;
    }

    struct dpif_flow_put put = {
        .flags = DPIF_FP_CREATE,
        .key = uk->key.data,
        .key_len = uk->key.len,
        .mask = uk->mask.data,
        .mask_len = uk->mask.len,
        .actions = uk->actions.data,
        .actions_len = uk->actions.len,
        .ufid = &uk->ufid,
    };
    int error = dpif_flow_put(dpif, &put, &err);
    if (error) {
        if (error != EEXIST) {
            COVERAGE_INC(upcall_flow_put_failed);
            VLOG_WARN_RL(&rl, "installing a datapath flow failed: %s",
                         err ? err : nf_strerror(error));
        }
        free(err);
        goto free_ukey;
    }
    COVERAGE_INC(upcall_flow_installed);
    n_installed++;
    ukey_set_hits(uk, &out);
    uk->created_ms = uk->learned_ms = nf_time_msec();
    hmap_insert(&ukeys, &uk->node, ufid_hash(&uk->ufid));
    if (hmap_count(&ukeys) > max_flows) {
        max_flows = hmap_count(&ukeys);
    }
    xlate_out_uninit(&out);
    return;

free_ukey:
    buf_destroy(&uk->key);
    buf_destroy(&uk->mask);
    buf_destroy(&uk->actions);
    free(uk);
    xlate_out_uninit(&out);
}

static void
upcall_cb(int fd NF_UNUSED, uint32_t events NF_UNUSED, void *aux NF_UNUSED)
{
    for (int i = 0; i < UPCALL_BATCH && dpif; i++) {
        struct dpif_upcall up;

        if (dpif_recv(dpif, &up)) {
            break;
        }
        if (up.type == DPIF_UC_MISS) {
            handle_miss(&up);
        }
        dpif_upcall_destroy(&up);
    }
    /* Misses teach MAC addresses, which may change installed flows. */
    if (xlate_generation() != last_generation) {
        upcall_revalidate_soon();
    }
}

/* ---------------------------------------------------------------------
 * Revalidation.
 * --------------------------------------------------------------------- */

static void
delete_flow(struct ukey *uk)
{
    struct dpif_flow_stats st;

    memset(&st, 0, sizeof st);
    if (!dpif_flow_del(dpif, &uk->ufid, NULL, 0, &st)) {
        ukey_credit(uk, &st);
    }
    ukey_destroy(uk);
}

/* Translates UK's flow again; returns false if the flow must go. */
static bool
revalidate_ukey(struct ukey *uk, bool may_learn)
{
    struct flow flow;
    char *err = NULL;

    if (odp_key_to_flow(uk->key.data, uk->key.len, &flow, &err)) {
        free(err);
        return false;
    }

    struct xlate_out out;
    xlate_out_init(&out);
    int error = xlate_flow(&flow, NULL, may_learn, NULL, &out);
    bool keep = !error && !out.slow;

    if (keep) {
        struct buf mask = BUF_INITIALIZER;
        odp_flow_to_mask(&mask, &flow, &out.mask);
        if (mask.len != uk->mask.len
            || memcmp(mask.data, uk->mask.data, mask.len)) {
            /* A different megaflow: the next miss installs it. */
            keep = false;
        } else if (out.odp_actions.len != uk->actions.len
                   || memcmp(out.odp_actions.data, uk->actions.data,
                             uk->actions.len)) {
            struct dpif_flow_put put = {
                .flags = DPIF_FP_MODIFY,
                .key = uk->key.data,
                .key_len = uk->key.len,
                .mask = uk->mask.data,
                .mask_len = uk->mask.len,
                .actions = out.odp_actions.data,
                .actions_len = out.odp_actions.len,
                .ufid = &uk->ufid,
            };
            if (dpif_flow_put(dpif, &put, &err)) {
                free(err);
                keep = false;
            } else {
                COVERAGE_INC(revalidate_modified);
                buf_clear(&uk->actions);
                buf_put(&uk->actions, out.odp_actions.data,
                        out.odp_actions.len);
            }
        }
        buf_destroy(&mask);
    }
    if (keep) {
        ukey_set_hits(uk, &out);
    }
    xlate_out_uninit(&out);
    return keep;
}

static void
revalidate(bool full)
{
    long long now = nf_time_msec();

    if (!dpif) {
        return;
    }
    uint64_t gen = xlate_generation();
    bool changed = gen != last_generation;
    if (!changed && !full) {
        return;
    }
    last_generation = gen;
    reval_soon = false;

    struct dpif_flow_dump *dump = dpif_flow_dump_start(dpif);
    struct dpif_flow flows[64];
    size_t n;
    while (dump && (n = dpif_flow_dump_next(dump, flows, 64)) > 0) {
        for (size_t i = 0; i < n; i++) {
            struct dpif_flow *f = &flows[i];
            struct ukey *uk = ukey_find(&f->ufid);

            if (uk) {
                long long used =
                    f->stats.used ? f->stats.used : uk->created_ms;
                bool fresh = f->stats.n_packets > uk->n_packets;
                if (now - used >= (long long) max_idle_ms) {
                    COVERAGE_INC(revalidate_idle);
                    delete_flow(uk);
                } else if (uk->generation != gen
                           || (fresh
                               && now - uk->learned_ms
                                      >= RELEARN_INTERVAL_MS)) {
                    bool learn = fresh;
                    if (learn) {
                        uk->learned_ms = now;
                    }
                    if (revalidate_ukey(uk, learn)) {
                        ukey_credit(uk, &f->stats);
                    } else {
                        COVERAGE_INC(revalidate_deleted);
                        delete_flow(uk);
                    }
                } else {
                    ukey_credit(uk, &f->stats);
                }
            }
            dpif_flow_destroy(f);
        }
    }
    if (dump) {
        dpif_flow_dump_done(dump);
    }
    last_dump_ms = nf_time_msec() - now;
    /* Learning during revalidation may itself have changed things; the
     * next pass picks that up. */
    last_generation = gen;
}

static void
reval_timer_cb(void *aux NF_UNUSED)
{
    long long now = nf_time_msec();

    /* Follow the bridges' datapath: the first bridge creates it and the
     * last one's removal ends it. */
    struct dpif *d = xlate_any_dpif();
    if (d != dpif) {
        upcall_set_dpif(d);
    }
    bool full = now - last_full_pass >= REVALIDATE_INTERVAL_MS;

    /* MAC entries age even when nothing forwards. */
    if (full) {
        last_full_pass = now;
        xlate_run(now);
    }
    revalidate(full || reval_soon);
}

void
upcall_revalidate_soon(void)
{
    reval_soon = true;
}

/* ---------------------------------------------------------------------
 * Control commands.
 * --------------------------------------------------------------------- */

static void
upcall_show(struct unixctl_conn *conn, int argc NF_UNUSED,
            const char *argv[] NF_UNUSED, void *aux NF_UNUSED)
{
    struct buf out = BUF_INITIALIZER;

    if (dpif) {
        buf_printf(&out, "%s:\n", dpif_name(dpif));
        buf_printf(&out,
                   "  flows         : (current %zu) (max %zu) (limit %zu)\n",
                   hmap_count(&ukeys), max_flows, flow_limit);
        buf_printf(&out, "  dump duration : %lldms\n", last_dump_ms);
        buf_printf(&out, "  ufid enabled : true\n");
        buf_printf(&out,
                   "  upcalls       : %" PRIu64 " (installed %" PRIu64
                   ", slow path %" PRIu64 ")\n",
                   n_upcalls, n_installed, n_slow);
        buf_printf(&out, "  max-idle      : %ums\n", max_idle_ms);
    }
    unixctl_command_reply(conn, buf_cstr(&out));
    buf_destroy(&out);
}

static void
revalidator_purge(struct unixctl_conn *conn, int argc NF_UNUSED,
                  const char *argv[] NF_UNUSED, void *aux NF_UNUSED)
{
    struct ukey *uk;

    HMAP_FOR_EACH_SAFE (uk, node, &ukeys) {
        delete_flow(uk);
    }
    unixctl_command_reply(conn, "");
}

static void
dpif_dump_flows(struct unixctl_conn *conn, int argc, const char *argv[],
                void *aux NF_UNUSED)
{
    const char *bridge = argv[argc - 1];
    bool verbose = false;

    for (int i = 1; i < argc - 1; i++) {
        if (!strcmp(argv[i], "-m")) {
            verbose = true;
        }
    }
    struct ofproto *ofp = xlate_ofproto_by_name(bridge);
    if (!ofp) {
        unixctl_command_reply_error(conn, "no such bridge\n");
        return;
    }
    if (!dpif) {
        unixctl_command_reply(conn, "");
        return;
    }

    struct buf out = BUF_INITIALIZER;
    struct dpif_flow_dump *dump = dpif_flow_dump_start(dpif);
    struct dpif_flow flows[64];
    size_t n;
    while (dump && (n = dpif_flow_dump_next(dump, flows, 64)) > 0) {
        for (size_t i = 0; i < n; i++) {
            struct flow flow;
            char *err = NULL;
            if (!odp_key_to_flow(flows[i].key.data, flows[i].key.len, &flow,
                                 &err)
                && xlate_odp_port_bridge(flow.in_port) == ofp) {
                dpif_flow_format(&flows[i], verbose, &out);
                buf_put_cstr(&out, "\n");
            }
            free(err);
            dpif_flow_destroy(&flows[i]);
        }
    }
    if (dump) {
        dpif_flow_dump_done(dump);
    }
    unixctl_command_reply(conn, buf_cstr(&out));
    buf_destroy(&out);
}

/* ofproto/trace BRIDGE FLOW: FLOW in ovs-ofctl match syntax
 * ("in_port=1,dl_src=...,dl_dst=..."). */
static void
ofproto_trace(struct unixctl_conn *conn, int argc NF_UNUSED,
              const char *argv[], void *aux NF_UNUSED)
{
    struct ofproto *ofp = xlate_ofproto_by_name(argv[1]);
    if (!ofp) {
        unixctl_command_reply_error(conn, "no such bridge\n");
        return;
    }

    struct of_flow fl;
    /* A delete needs no actions: the text is only a match. */
    char *err = of_flow_parse(&fl, argv[2], OF_FLOW_DELETE, NULL, NULL);
    if (err) {
        char *msg = xasprintf("%s\n", err);
        unixctl_command_reply_error(conn, msg);
        free(msg);
        free(err);
        return;
    }

    struct flow flow = fl.match.flow;
    uint16_t ofp_in = (uint16_t) flow.in_port;
    uint32_t odp_in = xlate_odp_port(ofp, ofp_in);
    if (odp_in == DPIF_PORT_ANY) {
        char *msg =
            xasprintf("no OpenFlow port %u on bridge %s\n", ofp_in, argv[1]);
        unixctl_command_reply_error(conn, msg);
        free(msg);
        of_flow_destroy(&fl);
        return;
    }
    flow.in_port = odp_in;

    struct buf out = BUF_INITIALIZER;
    struct buf tr = BUF_INITIALIZER;
    struct xlate_out xo;
    struct flow shown = fl.match.flow;

    buf_put_cstr(&out, "Flow: ");
    flow_format(&out, &shown);
    buf_put_cstr(&out, "\n\n");
    xlate_out_init(&xo);
    xlate_flow(&flow, NULL, false, &tr, &xo);
    buf_put(&out, tr.data, tr.len);

    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    odp_flow_to_key(&key, &flow, &xo.mask);
    odp_flow_to_mask(&mask, &flow, &xo.mask);
    buf_put_cstr(&out, "\nMegaflow: ");
    odp_flow_format(&out, key.data, key.len, mask.data, mask.len);
    buf_put_cstr(&out, "\nDatapath actions: ");
    odp_actions_format(&out, xo.odp_actions.data, xo.odp_actions.len);
    if (xo.slow) {
        buf_put_cstr(&out, "\nThis flow is handled by the userspace slow "
                           "path because it:\n  - Sends \"packet-in\" "
                           "messages to the OpenFlow controller.");
    }
    buf_put_cstr(&out, "\n");
    unixctl_command_reply(conn, buf_cstr(&out));

    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&tr);
    buf_destroy(&out);
    xlate_out_uninit(&xo);
    of_flow_destroy(&fl);
}

void
upcall_init(struct evloop *l)
{
    loop = l;
    reval_timer = evloop_add_timer(loop, 100, 100, reval_timer_cb, NULL);
    unixctl_command_register("upcall/show", "", 0, 0, upcall_show, NULL);
    unixctl_command_register("revalidator/purge", "", 0, 0, revalidator_purge,
                             NULL);
    unixctl_command_register("dpif/dump-flows", "[-m] BRIDGE", 1, 2,
                             dpif_dump_flows, NULL);
    unixctl_command_register("ofproto/trace", "BRIDGE FLOW", 2, 2,
                             ofproto_trace, NULL);
    xlate_register_commands();
}

void
upcall_set_dpif(struct dpif *d)
{
    if (d == dpif) {
        return;
    }
    if (dpif) {
        if (recv_fd >= 0) {
            evloop_del_fd(loop, recv_fd);
        }
        dpif_recv_set(dpif, false);
        ukeys_clear();
        recv_fd = -1;
    }
    dpif = d;
    if (dpif) {
        char *err = NULL;
        dpif_recv_set(dpif, true);
        dpif_set_flow_limit(dpif, flow_limit);
        recv_fd = dpif_recv_fd(dpif);
        if (recv_fd >= 0) {
            evloop_add_fd(loop, recv_fd, EPOLLIN, upcall_cb, NULL);
        }
        free(err);
    }
}

void
upcall_set_config(size_t limit, unsigned int idle_ms)
{
    flow_limit = limit ? limit : UPCALL_DEFAULT_FLOW_LIMIT;
    max_idle_ms = idle_ms ? idle_ms : UPCALL_DEFAULT_MAX_IDLE_MS;
    if (dpif) {
        dpif_set_flow_limit(dpif, flow_limit);
    }
}
