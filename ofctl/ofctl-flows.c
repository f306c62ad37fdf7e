/* ofctl-flows.c: nicflow-ofctl's flow commands — add-flow, add-flows,
 * mod-flows, del-flows, dump-flows, dump-aggregate, replace-flows and
 * diff-flows — with ovs-ofctl's protocol choices and output. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/hmap.h"
#include "ofctl/ofctl.h"
#include "ofctl/ofp-flow.h"

/* ---------------------------------------------------------------------
 * Reading flows.
 * --------------------------------------------------------------------- */

struct flow_list {
    struct of_flow *flows;
    size_t n, cap;
};

static void
flow_list_destroy(struct flow_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        of_flow_destroy(&l->flows[i]);
    }
    free(l->flows);
    l->flows = NULL;
    l->n = l->cap = 0;
}

static struct of_flow *
flow_list_add(struct flow_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->flows = xrealloc(l->flows, l->cap * sizeof *l->flows);
    }
    return &l->flows[l->n++];
}

/* Parses one flow of TEXT for CMD into a new entry of L; exits with the
 * parser's message (prefixed by WHERE, e.g. "flows.txt:3: ") on error. */
static void
parse_flow(struct flow_list *l, const char *text, enum of_flow_cmd cmd,
           const char *where)
{
    struct of_flow *f = flow_list_add(l);
    char *notice = NULL;
    char *err = of_flow_parse(f, text, cmd, NULL, &notice);

    if (err) {
        ofctl_fatal("%s%s", where, err);
    }
    if (notice) {
        /* ovs-ofctl drops fields whose prerequisites are missing without
         * a word; we say so on stderr, which does not disturb scripts. */
        fprintf(stderr, "%s: %s%s\n", nf_program_name, where, notice);
        free(notice);
    }
}

/* Reads every flow of FILE ("-": stdin) for CMD. */
static void
read_flow_file(struct flow_list *l, const char *file, enum of_flow_cmd cmd)
{
    char *text = ofctl_read_file(file);
    const char *pos = text;
    struct buf line = BUF_INITIALIZER;
    int line_no = 0;

    while (of_flow_next_line(&pos, &line, &line_no)) {
        char *where = xasprintf("%s:%d: ", file, line_no);
        parse_flow(l, buf_cstr(&line), cmd, where);
        free(where);
    }
    buf_destroy(&line);
    free(text);
}

void
ofctl_for_each_flow(const char *file, const char *text, int cmd, bool notices,
                    void (*fn)(struct of_flow *, void *aux), void *aux)
{
    const char *pos = text;
    struct buf line = BUF_INITIALIZER;
    int line_no = 0;

    while (of_flow_next_line(&pos, &line, &line_no)) {
        struct of_flow flow;
        char *notice = NULL;
        char *err = of_flow_parse(&flow, buf_cstr(&line), cmd, NULL,
                                  notices ? &notice : NULL);

        if (err) {
            ofctl_fatal("%s:%d: %s", file, line_no, err);
        }
        if (notice) {
            fprintf(stderr, "%s: %s:%d: %s\n", nf_program_name, file, line_no,
                    notice);
            free(notice);
        }
        fn(&flow, aux);
        of_flow_destroy(&flow);
    }
    buf_destroy(&line);
}

/* ---------------------------------------------------------------------
 * Protocols.
 * --------------------------------------------------------------------- */

/* Chooses the protocol for messages USABLE describes on VC and, for
 * OpenFlow 1.0, switches the connection to it as ovs-ofctl does
 * (NXT_SET_FLOW_FORMAT, NXT_FLOW_MOD_TABLE_ID, each followed by a
 * barrier).  PREFER_NXM: flow dumps use NXM whenever they may, because
 * its replies carry more (idle and hard ages). */
static enum of_protocol
set_protocol(struct of_vconn *vc, unsigned usable, bool prefer_nxm)
{
    uint8_t version = of_vconn_version(vc);
    enum of_protocol p;

    if (prefer_nxm && version == OF_V10 && (usable & OF_PROTO_NXM)) {
        p = OF_PROTO_NXM;
    } else {
        p = of_protocol_choose(usable, version);
    }
    if (!p) {
        char *u = of_protocols_to_string(usable);
        char *a = of_protocols_to_string(of_protocols_of_version(version));
        ofctl_fatal("none of the usable flow formats (%s) is among the "
                    "allowed flow formats (%s); use -O to allow another "
                    "OpenFlow version",
                    u, a);
    }
    if (version == OF_V10) {
        struct buf msg = BUF_INITIALIZER;

        if (p == OF_PROTO_NXM || p == OF_PROTO_NXM_TID) {
            of_set_flow_format_encode(true, of_next_xid(), &msg);
            ofctl_transact_noreply(vc, &msg, 1);
        }
        if (p == OF_PROTO_OF10_TID || p == OF_PROTO_NXM_TID) {
            of_flow_mod_table_id_encode(true, of_next_xid(), &msg);
            ofctl_transact_noreply(vc, &msg, 1);
        }
        buf_destroy(&msg);
    }
    return p;
}

enum of_protocol
ofctl_set_protocol(struct of_vconn *vc, unsigned usable)
{
    return set_protocol(vc, usable, false);
}

/* ---------------------------------------------------------------------
 * Flow modifications.
 * --------------------------------------------------------------------- */

/* Sends flow-mods of command CMD for every flow of L to TARGET. */
static void
send_flow_mods(const char *target, struct flow_list *l, enum of_flow_cmd cmd)
{
    unsigned usable = OF_PROTO_ANY;
    struct of_vconn *vc;
    enum of_protocol p;
    struct buf *msgs;

    for (size_t i = 0; i < l->n; i++) {
        usable &= of_protocols_usable_flow_mod(&l->flows[i], cmd);
    }
    if (ofctl_opts.bundle) {
        /* Bundles exist from OpenFlow 1.3 on (there as an ONF extension);
         * like ovs-ofctl, allow OpenFlow 1.4 when no such version is. */
        ofctl_bundle_allow_versions();
        usable &= OF_PROTO_OF13 | OF_PROTO_OF14 | OF_PROTO_OF15;
    }
    vc = ofctl_open(target);
    p = set_protocol(vc, usable, false);

    msgs = xcalloc(l->n ? l->n : 1, sizeof *msgs);
    for (size_t i = 0; i < l->n; i++) {
        struct of_flow_mod fm = {
            .flow = l->flows[i],
            .command = cmd,
            .buffer_id = UINT32_MAX,
            .new_cookie = UINT64_MAX,
        };
        enum of_err err = of_flow_mod_encode(&fm, p, of_next_xid(), &msgs[i]);
        if (err) {
            ofctl_fatal("flow %zu cannot be encoded in %s: %s", i + 1,
                        of_protocol_name(p), of_err_what(err));
        }
    }
    if (ofctl_opts.bundle) {
        /* One atomic, ordered bundle: a flow the switch refuses leaves
         * the tables as they were. */
        ofctl_bundle_transact(vc, msgs, l->n);
    } else {
        ofctl_transact_noreply(vc, msgs, l->n);
    }
    for (size_t i = 0; i < l->n; i++) {
        buf_destroy(&msgs[i]);
    }
    free(msgs);
    of_vconn_close(vc);
}

static enum of_flow_cmd
strict_cmd(enum of_flow_cmd loose, enum of_flow_cmd strict)
{
    return ofctl_opts.strict ? strict : loose;
}

static void
cmd_add_flow(int argc, char *argv[])
{
    struct flow_list l = { 0 };

    ofctl_load_port_names(argv[1]);
    if (argc == 3 && !strcmp(argv[2], "-")) {
        read_flow_file(&l, "-", OF_FLOW_ADD);
    } else {
        for (int i = 2; i < argc; i++) {
            parse_flow(&l, argv[i], OF_FLOW_ADD, "");
        }
    }
    send_flow_mods(argv[1], &l, OF_FLOW_ADD);
    flow_list_destroy(&l);
}

/* add-flows streams: a first pass over the file finds the protocol every
 * flow can use, a second parses each flow again and sends it, so that a
 * file of a million flows needs memory for one (a parsed flow is over a
 * kilobyte). */
struct stream_ctx {
    unsigned usable;
    struct of_vconn *vc;
    enum of_protocol protocol;
    struct buf msg;
    size_t n;
};

static void
stream_usable(struct of_flow *f, void *ctx_)
{
    struct stream_ctx *ctx = ctx_;
    ctx->usable &= of_protocols_usable_flow_mod(f, OF_FLOW_ADD);
}

static void
stream_send(struct of_flow *f, void *ctx_)
{
    struct stream_ctx *ctx = ctx_;
    struct of_flow_mod fm = {
        .flow = *f,
        .command = OF_FLOW_ADD,
        .buffer_id = UINT32_MAX,
        .new_cookie = UINT64_MAX,
    };
    enum of_err err =
        of_flow_mod_encode(&fm, ctx->protocol, of_next_xid(), &ctx->msg);
    char *serr = NULL;

    if (err) {
        ofctl_fatal("flow %zu cannot be encoded in %s: %s", ctx->n + 1,
                    of_protocol_name(ctx->protocol), of_err_what(err));
    }
    if (of_vconn_send(ctx->vc, &ctx->msg, &serr)) {
        ofctl_fatal("%s", serr);
    }
    ctx->n++;
}

static void
cmd_add_flows(int argc NF_UNUSED, char *argv[])
{
    char *text = ofctl_read_file(argv[2]);
    struct stream_ctx ctx = { .usable = OF_PROTO_ANY };

    ofctl_load_port_names(argv[1]);
    if (ofctl_opts.bundle) {
        /* Bundles are sent as a list. */
        struct flow_list l = { 0 };
        read_flow_file(&l, argv[2], OF_FLOW_ADD);
        send_flow_mods(argv[1], &l, OF_FLOW_ADD);
        flow_list_destroy(&l);
        free(text);
        return;
    }
    ofctl_for_each_flow(argv[2], text, OF_FLOW_ADD, true, stream_usable, &ctx);
    ctx.vc = ofctl_open(argv[1]);
    ctx.protocol = set_protocol(ctx.vc, ctx.usable, false);
    ofctl_for_each_flow(argv[2], text, OF_FLOW_ADD, false, stream_send, &ctx);
    /* The barrier, and any error the switch answered with. */
    ofctl_transact_noreply(ctx.vc, NULL, 0);
    buf_destroy(&ctx.msg);
    of_vconn_close(ctx.vc);
    free(text);
}

static void
cmd_mod_flows(int argc NF_UNUSED, char *argv[])
{
    enum of_flow_cmd cmd = strict_cmd(OF_FLOW_MODIFY, OF_FLOW_MODIFY_STRICT);
    struct flow_list l = { 0 };

    ofctl_load_port_names(argv[1]);
    if (!strcmp(argv[2], "-")) {
        read_flow_file(&l, "-", cmd);
    } else {
        parse_flow(&l, argv[2], cmd, "");
    }
    send_flow_mods(argv[1], &l, cmd);
    flow_list_destroy(&l);
}

static void
cmd_del_flows(int argc, char *argv[])
{
    enum of_flow_cmd cmd = strict_cmd(OF_FLOW_DELETE, OF_FLOW_DELETE_STRICT);
    struct flow_list l = { 0 };

    ofctl_load_port_names(argv[1]);
    if (argc > 2 && !strcmp(argv[2], "-")) {
        read_flow_file(&l, "-", cmd);
    } else {
        for (int i = 2; i < argc; i++) {
            parse_flow(&l, argv[i], cmd, "");
        }
        if (argc == 2) {
            parse_flow(&l, "", cmd, "");
        }
    }
    send_flow_mods(argv[1], &l, cmd);
    flow_list_destroy(&l);
}

/* ---------------------------------------------------------------------
 * Dumping flows.
 * --------------------------------------------------------------------- */

/* Sends a flow (or aggregate) stats request for the criteria in TEXT (or
 * all flows) and returns the replies. */
static void
request_flow_stats(struct of_vconn *vc, const char *text, bool aggregate,
                   struct buf **replies, size_t *n)
{
    struct flow_list l = { 0 };
    struct of_flow_stats_request r;
    struct buf msg = BUF_INITIALIZER;
    enum of_protocol p;

    ofctl_load_port_names(of_vconn_name(vc));
    parse_flow(&l, text ? text : "", OF_FLOW_DELETE, "");
    if (!ofctl_opts.names) {
        ofctl_unload_port_names();
    }
    const struct of_flow *f = &l.flows[0];
    memset(&r, 0, sizeof r);
    r.aggregate = aggregate;
    r.match = f->match;
    r.table_id = f->table_id;
    r.out_port = f->out_port;
    r.out_group = f->out_group;
    r.cookie = f->cookie;
    r.cookie_mask = f->cookie_mask;

    p = set_protocol(vc, of_protocols_usable_stats(f), true);
    of_flow_stats_request_encode(&r, p, of_next_xid(), &msg);
    ofctl_transact(vc, &msg, replies, n);
    buf_destroy(&msg);
    flow_list_destroy(&l);
}

/* Decodes every flow of REPLIES into L, with their statistics in STATS
 * (an array parallel to L->flows that the caller frees). */
static void
decode_flow_replies(struct buf *replies, size_t n, struct flow_list *l,
                    struct of_flow_stats **statsp)
{
    struct of_flow_stats *stats = NULL;

    for (size_t i = 0; i < n; i++) {
        struct of_flow_stats_entry *e;
        size_t n_e;
        struct of_msg m;
        enum of_err err = of_msg_decode(replies[i].data, replies[i].len, &m);

        if (!err) {
            err = of_flow_stats_reply_decode(&m, &e, &n_e);
        }
        if (err) {
            ofctl_fatal("bad flow stats reply from switch: %s",
                        of_err_name(err));
        }
        for (size_t j = 0; j < n_e; j++) {
            *flow_list_add(l) = e[j].flow;
            stats = xrealloc(stats, l->n * sizeof *stats);
            stats[l->n - 1] = e[j].stats;
        }
        free(e);
    }
    *statsp = stats;
}

static unsigned
format_options(uint8_t version)
{
    return version >= OF_V13 ? OF_FLOW_FMT_FLAGS | OF_FLOW_FMT_OF11 : 0;
}

/* Sorting, as --sort and --rsort ask. */
struct sort_item {
    const struct of_flow *flow;
    const struct of_flow_stats *stats;
    size_t index;
};

static int
compare_field(const struct of_flow *a, const struct of_flow *b,
              const struct of_field *f)
{
    union of_value va, ma, vb, mb;
    bool ina, inb;

    /* A flow "has" the field if it matches on it and the field's
     * prerequisites hold: udp,tp_dst=53 has no tcp_dst. */
    ina = of_match_has(&a->match, f) && of_match_prereqs_ok(&a->match, f);
    inb = of_match_has(&b->match, f) && of_match_prereqs_ok(&b->match, f);
    if (ina != inb) {
        /* Flows that match on the field come first in either order. */
        return ina ? -2 : 2;
    }
    if (!ina) {
        return 0;
    }
    of_match_get(&a->match, f, &va, &ma);
    of_match_get(&b->match, f, &vb, &mb);
    int c = memcmp(va.be, vb.be, f->n_bytes);
    return c < 0 ? -1 : c > 0;
}

static int
compare_items(const void *a_, const void *b_)
{
    const struct sort_item *a = a_, *b = b_;

    for (int i = 0; i < ofctl_opts.n_sort; i++) {
        const struct ofctl_sort *s = &ofctl_opts.sort[i];
        int c;

        if (!s->field || !strcmp(s->field, "priority")) {
            c = a->flow->priority < b->flow->priority   ? -1
                : a->flow->priority > b->flow->priority ? 1
                                                        : 0;
        } else {
            c = compare_field(a->flow, b->flow, of_field_from_name(s->field));
            if (c == -2 || c == 2) {
                return c / 2;
            }
        }
        if (c) {
            return s->descending ? -c : c;
        }
    }
    return a->index < b->index ? -1 : a->index > b->index;
}

static void
cmd_dump_flows(int argc, char *argv[])
{
    struct of_vconn *vc = ofctl_open(argv[1]);
    uint8_t version = of_vconn_version(vc);
    struct buf *replies;
    size_t n;

    for (int i = 0; i < ofctl_opts.n_sort; i++) {
        const char *name = ofctl_opts.sort[i].field;
        if (name && strcmp(name, "priority") && !of_field_from_name(name)) {
            ofctl_fatal("%s: unknown field name", name);
        }
    }
    request_flow_stats(vc, argc > 2 ? argv[2] : NULL, false, &replies, &n);

    struct buf out = BUF_INITIALIZER;
    if (!ofctl_opts.n_sort && !ofctl_opts.no_stats && !ofctl_opts.names) {
        /* Like ovs-ofctl, print each reply message as it came: its header
         * line, then its flows with every statistic the switch sent. */
        for (size_t i = 0; i < n; i++) {
            struct flow_list l = { 0 };
            struct of_flow_stats *stats;
            struct of_msg m;

            of_msg_decode(replies[i].data, replies[i].len, &m);
            of_msg_format_header(&m, &out);
            buf_put_char(&out, '\n');
            decode_flow_replies(&replies[i], 1, &l, &stats);
            for (size_t j = 0; j < l.n; j++) {
                buf_put_char(&out, ' ');
                of_flow_format(&l.flows[j], &stats[j], format_options(version),
                               &out);
                buf_put_char(&out, '\n');
            }
            free(stats);
            flow_list_destroy(&l);
        }
    } else {
        struct flow_list l = { 0 };
        struct of_flow_stats *stats;
        struct sort_item *items;

        decode_flow_replies(replies, n, &l, &stats);
        items = xcalloc(l.n ? l.n : 1, sizeof *items);
        for (size_t i = 0; i < l.n; i++) {
            items[i] = (struct sort_item){ &l.flows[i], &stats[i], i };
            /* This way of dumping shows no ages, as in ovs-ofctl. */
            stats[i].idle_age = -1;
            stats[i].hard_age = -1;
        }
        if (ofctl_opts.n_sort) {
            qsort(items, l.n, sizeof *items, compare_items);
        }
        for (size_t i = 0; i < l.n; i++) {
            buf_put_char(&out, ' ');
            of_flow_format(items[i].flow,
                           ofctl_opts.no_stats ? NULL : items[i].stats,
                           format_options(version), &out);
            buf_put_char(&out, '\n');
        }
        free(items);
        free(stats);
        flow_list_destroy(&l);
    }
    fputs(buf_cstr(&out), stdout);
    buf_destroy(&out);
    of_vconn_free_replies(replies, n);
    of_vconn_close(vc);
}

static void
cmd_dump_aggregate(int argc, char *argv[])
{
    struct of_vconn *vc = ofctl_open(argv[1]);
    struct buf *replies;
    size_t n;

    request_flow_stats(vc, argc > 2 ? argv[2] : NULL, true, &replies, &n);
    for (size_t i = 0; i < n; i++) {
        struct of_aggregate_stats a;
        struct buf out = BUF_INITIALIZER;
        struct of_msg m;
        enum of_err err = of_msg_decode(replies[i].data, replies[i].len, &m);

        if (!err) {
            err = of_aggregate_reply_decode(&m, &a);
        }
        if (err) {
            ofctl_fatal("bad aggregate stats reply from switch: %s",
                        of_err_name(err));
        }
        of_msg_format_header(&m, &out);
        buf_put_char(&out, ' ');
        of_aggregate_format(&a, &out);
        puts(buf_cstr(&out));
        buf_destroy(&out);
    }
    of_vconn_free_replies(replies, n);
    of_vconn_close(vc);
}

/* ---------------------------------------------------------------------
 * Flow tables: replace-flows and diff-flows.
 * --------------------------------------------------------------------- */

/* A flow keyed by table, priority and match, as a switch identifies it. */
struct fte {
    struct hmap_node node;
    struct of_flow *flow[2]; /* The flow in source 0 and source 1. */
};

static uint32_t
fte_hash(const struct of_flow *f)
{
    uint32_t h = hash_bytes(&f->match, sizeof f->match, 0);
    return hash_add(h, (uint32_t) f->priority << 8 | f->table_id);
}

static struct fte *
fte_find(struct hmap *t, const struct of_flow *f, uint32_t hash)
{
    struct fte *e;

    HMAP_FOR_EACH_WITH_HASH (e, node, hash, t) {
        const struct of_flow *g = e->flow[0] ? e->flow[0] : e->flow[1];
        if (g->priority == f->priority && g->table_id == f->table_id
            && of_match_equal(&g->match, &f->match)) {
            return e;
        }
    }
    return NULL;
}

static void
fte_insert(struct hmap *t, struct of_flow *f, int which)
{
    uint32_t hash = fte_hash(f);
    struct fte *e = fte_find(t, f, hash);

    if (!e) {
        e = xzalloc(sizeof *e);
        hmap_insert(t, &e->node, hash);
    }
    e->flow[which] = f;
}

/* Reads SOURCE (a file, or a switch if it names one) into L. */
static void
read_flows_from_source(const char *source, struct flow_list *l)
{
    FILE *f = strcmp(source, "-") ? fopen(source, "r") : NULL;

    if (f || !strcmp(source, "-")) {
        if (f) {
            fclose(f);
        }
        read_flow_file(l, source, OF_FLOW_ADD);
        for (size_t i = 0; i < l->n; i++) {
            of_match_normalize(&l->flows[i].match, NULL);
        }
        return;
    }

    struct of_vconn *vc = ofctl_open(source);
    struct of_flow_stats *stats;
    struct buf *replies;
    size_t n;

    request_flow_stats(vc, NULL, false, &replies, &n);
    decode_flow_replies(replies, n, l, &stats);
    free(stats);
    of_vconn_free_replies(replies, n);
    of_vconn_close(vc);
}

/* Two versions of a flow are the same if their actions, cookie, timeouts
 * and importance agree. */
static bool
fte_same(const struct of_flow *a, const struct of_flow *b)
{
    return a->cookie == b->cookie && a->idle_timeout == b->idle_timeout
           && a->hard_timeout == b->hard_timeout
           && a->importance == b->importance
           && of_acts_equal(&a->acts, &b->acts);
}

/* diff-flows prints a version as ovs-ofctl does: "table=N " when not 0,
 * the match with its priority, then cookie, timeouts and actions. */
static void
fte_format(const struct of_flow *f, struct buf *b)
{
    if (f->table_id) {
        buf_printf(b, "table=%u ", f->table_id);
    }
    of_match_format(&f->match, f->priority, b);
    if (f->cookie) {
        buf_printf(b, " cookie=0x%" PRIx64, f->cookie);
    }
    if (f->idle_timeout) {
        buf_printf(b, " idle_timeout=%u", f->idle_timeout);
    }
    if (f->hard_timeout) {
        buf_printf(b, " hard_timeout=%u", f->hard_timeout);
    }
    if (f->importance) {
        buf_printf(b, " importance=%u", f->importance);
    }
    buf_put_cstr(b, " actions=");
    of_acts_format(&f->acts, b);
}

static int
compare_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static void
cmd_diff_flows(int argc NF_UNUSED, char *argv[])
{
    struct flow_list l[2] = { { 0 }, { 0 } };
    struct hmap t;
    struct fte *e;
    char **lines = NULL;
    size_t n_lines = 0;

    read_flows_from_source(argv[1], &l[0]);
    read_flows_from_source(argv[2], &l[1]);
    hmap_init(&t);
    for (int w = 0; w < 2; w++) {
        for (size_t i = 0; i < l[w].n; i++) {
            fte_insert(&t, &l[w].flows[i], w);
        }
    }
    HMAP_FOR_EACH (e, node, &t) {
        if (e->flow[0] && e->flow[1] && fte_same(e->flow[0], e->flow[1])) {
            continue;
        }
        for (int w = 0; w < 2; w++) {
            if (e->flow[w]) {
                struct buf b = BUF_INITIALIZER;
                /* Sort key first so the output is stable: the flow's text,
                 * then "-" before "+". */
                fte_format(e->flow[w], &b);
                buf_printf(&b, "\t%c", w ? '+' : '-');
                lines = xrealloc(lines, (n_lines + 1) * sizeof *lines);
                lines[n_lines++] = buf_steal_cstr(&b);
            }
        }
    }
    if (n_lines) {
        qsort(lines, n_lines, sizeof *lines, compare_lines);
    }
    for (size_t i = 0; i < n_lines; i++) {
        char *tab = strrchr(lines[i], '\t');
        *tab = '\0';
        printf("%c%s\n", tab[1], lines[i]);
        free(lines[i]);
    }
    free(lines);
    HMAP_FOR_EACH_SAFE (e, node, &t) {
        hmap_remove(&t, &e->node);
        free(e);
    }
    hmap_destroy(&t);
    flow_list_destroy(&l[0]);
    flow_list_destroy(&l[1]);
    exit(n_lines ? 2 : 0);
}

static void
cmd_replace_flows(int argc NF_UNUSED, char *argv[])
{
    struct flow_list want = { 0 }, have = { 0 };
    struct flow_list adds = { 0 }, dels = { 0 };
    struct hmap t;
    struct fte *e;

    read_flow_file(&want, argv[2], OF_FLOW_ADD);
    for (size_t i = 0; i < want.n; i++) {
        of_match_normalize(&want.flows[i].match, NULL);
    }
    read_flows_from_source(argv[1], &have);

    hmap_init(&t);
    for (size_t i = 0; i < have.n; i++) {
        fte_insert(&t, &have.flows[i], 0);
    }
    for (size_t i = 0; i < want.n; i++) {
        fte_insert(&t, &want.flows[i], 1);
    }
    HMAP_FOR_EACH (e, node, &t) {
        if (e->flow[0] && !e->flow[1]) {
            struct of_flow *d = flow_list_add(&dels);
            of_flow_init(d, OF_FLOW_DELETE_STRICT);
            d->match = e->flow[0]->match;
            d->priority = e->flow[0]->priority;
            d->table_id = e->flow[0]->table_id;
        } else if (e->flow[1]
                   && (!e->flow[0] || ofctl_opts.readd
                       || !fte_same(e->flow[0], e->flow[1]))) {
            struct of_flow *a = flow_list_add(&adds);
            *a = *e->flow[1];
            of_acts_init(&a->acts);
            buf_put(&a->acts.buf, e->flow[1]->acts.buf.data,
                    e->flow[1]->acts.buf.len);
        }
    }
    HMAP_FOR_EACH_SAFE (e, node, &t) {
        hmap_remove(&t, &e->node);
        free(e);
    }
    hmap_destroy(&t);

    if (dels.n) {
        send_flow_mods(argv[1], &dels, OF_FLOW_DELETE_STRICT);
    }
    if (adds.n) {
        send_flow_mods(argv[1], &adds, OF_FLOW_ADD);
    }
    flow_list_destroy(&adds);
    flow_list_destroy(&dels);
    flow_list_destroy(&want);
    flow_list_destroy(&have);
}

const struct ofctl_command ofctl_flow_commands[] = {
    { "add-flow", "SWITCH FLOW          add flow described by FLOW", 2, 2,
      cmd_add_flow },
    { "add-flows", "SWITCH FILE         add flows from FILE", 2, 2,
      cmd_add_flows },
    { "mod-flows", "SWITCH FLOW         modify actions of matching FLOWs", 2,
      2, cmd_mod_flows },
    { "del-flows", "SWITCH [FLOW]       delete matching FLOWs", 1, 64,
      cmd_del_flows },
    { "replace-flows", "SWITCH FILE     replace flows with those in FILE", 2,
      2, cmd_replace_flows },
    { "diff-flows", "SOURCE1 SOURCE2   compare flows from two sources", 2, 2,
      cmd_diff_flows },
    { "dump-flows", "SWITCH [FLOW]      print matching FLOWs", 1, 2,
      cmd_dump_flows },
    { "dump-aggregate", "SWITCH [FLOW]  print aggregate stats for FLOWs", 1, 2,
      cmd_dump_aggregate },
    { NULL, NULL, 0, 0, NULL },
};
