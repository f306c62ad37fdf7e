/* bridge-dump.c: "bridge/dump-flows BRIDGE", every OpenFlow flow of a
 * bridge in every table, as Open vSwitch's command prints them:
 *
 *   duration=47s, n_packets=0, n_bytes=0, priority=0,actions=NORMAL
 *   table_id=5, duration=3s, n_packets=2, n_bytes=196, priority=10,...
 *
 * (table 0's flows without "table_id=").  Open vSwitch adds its hidden
 * flows (in-band, fail-open) here; nicflow has none, so the list is what
 * ovs-ofctl dump-flows shows, in another format. */
#include <inttypes.h>
#include <stdlib.h>

#include "lib/buf.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "ofctl/actions.h"
#include "ofctl/match.h"
#include "vswitchd/bridge-dump.h"
#include "vswitchd/ofproto.h"
#include "vswitchd/xlate.h"

struct dump_ctx {
    struct buf *out;
    long long now;
};

static void
dump_rule(const struct ofproto_rule *rule, void *ctx_)
{
    struct dump_ctx *ctx = ctx_;
    struct buf *out = ctx->out;

    if (rule->table_id) {
        buf_printf(out, "table_id=%u, ", rule->table_id);
    }
    buf_printf(
        out, "duration=%llds, n_packets=%" PRIu64 ", n_bytes=%" PRIu64 ", ",
        (ctx->now - rule->created_ms) / 1000, rule->n_packets, rule->n_bytes);
    /* Always "priority=N", even for the default priority. */
    buf_printf(out, "priority=%u", rule->priority);
    struct of_match match;
    char *m;

    ofproto_rule_get_match(rule, &match);
    m = of_match_to_string(&match, OF_DEFAULT_PRIORITY);
    if (*m) {
        buf_printf(out, ",%s", m);
    }
    free(m);
    buf_put_cstr(out, ",actions=");
    of_acts_format(&rule->acts, out);
    buf_put_cstr(out, "\n");
}

static void
bridge_dump_flows(struct unixctl_conn *conn, int argc NF_UNUSED,
                  const char *argv[], void *aux NF_UNUSED)
{
    struct ofproto *ofp = xlate_ofproto_by_name(argv[1]);

    if (!ofp) {
        unixctl_command_reply_error(conn, "Unknown bridge\n");
        return;
    }
    struct buf out = BUF_INITIALIZER;
    struct dump_ctx ctx = { &out, nf_time_msec() };
    ofproto_rule_for_each(ofp, OF_TABLE_ALL, dump_rule, &ctx);
    unixctl_command_reply(conn, buf_cstr(&out));
    buf_destroy(&out);
}

void
bridge_dump_register(void)
{
    unixctl_command_register("bridge/dump-flows", "BRIDGE", 1, 1,
                             bridge_dump_flows, NULL);
}
