/* dpctl.c: the ovs-dpctl commands, on any datapath type through dpif.h —
 * used by nicflowd for its "dpctl/..." control commands (the datapaths of
 * type netdev live inside it) and by nicflow-dpctl. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "softpath/dpctl.h"
#include "softpath/dpif.h"
#include "softpath/odp.h"

/* Options parsed from the command line. */
struct dpctl_ctx {
    bool verbose;    /* -m, --more */
    bool stats;      /* -s, --statistics */
    bool clear;      /* --clear (mod-flow: zero the statistics) */
    bool may_create; /* --may-create (mod-flow) */
    struct buf *out;
    char **errp;
};

static int
fail(struct dpctl_ctx *ctx, int error, char *msg)
{
    if (ctx->errp) {
        *ctx->errp = msg;
    } else {
        free(msg);
    }
    return error;
}

/* Opens the datapath NAME, or the only datapath if NAME is NULL. */
static int
open_dp(struct dpctl_ctx *ctx, const char *name, struct dpif **dpifp)
{
    char *err = NULL;
    int error;

    if (!name) {
        struct dpif_names names;
        error = dpif_enumerate(&names);
        if (error) {
            return fail(ctx, error, xstrdup("cannot list the datapaths"));
        }
        if (names.n != 1) {
            size_t n = names.n;
            dpif_names_free(&names);
            return fail(ctx, EINVAL,
                        xasprintf("%s; name one", n ? "there are several "
                                                      "datapaths"
                                                    : "there is no datapath"));
        }
        error = dpif_open(names.names[0], NULL, false, dpifp, &err);
        dpif_names_free(&names);
    } else {
        error = dpif_open(name, NULL, false, dpifp, &err);
    }
    if (error) {
        return fail(ctx, error, err ? err : xstrdup(nf_strerror(error)));
    }
    return 0;
}

/* Parses an interface argument "NAME[,type=T][,port_no=N][,KEY=VALUE]...":
 * KEY=VALUE items other than type and port_no are the port's options,
 * returned in *OPTIONS as "KEY=VALUE,..." (the datapath checks them). */
static int
parse_iface(struct dpctl_ctx *ctx, const char *arg, char **name, char **type,
            uint32_t *port_no, char **options)
{
    char *copy = xstrdup(arg);
    char *save = NULL;
    char *tok = strtok_r(copy, ",", &save);
    struct buf opts = BUF_INITIALIZER;

    *name = xstrdup(tok ? tok : "");
    *type = NULL;
    *port_no = DPIF_PORT_ANY;
    *options = NULL;
    while ((tok = strtok_r(NULL, ",", &save))) {
        char *eq = strchr(tok, '=');
        char *msg = NULL;
        long long v;

        if (!eq) {
            msg = xasprintf("%s: an interface option is key=value", tok);
        } else {
            *eq = '\0';
            if (!strcmp(tok, "type")) {
                free(*type);
                *type = xstrdup(eq + 1);
            } else if (!strcmp(tok, "port_no")) {
                if (nf_parse_int(eq + 1, 1, 0xfeff, &v)) {
                    msg = xasprintf("%s: port_no is 1 to 65279", eq + 1);
                } else {
                    *port_no = (uint32_t) v;
                }
            } else {
                buf_printf(&opts, "%s%s=%s", opts.len ? "," : "", tok, eq + 1);
            }
        }
        if (msg) {
            /* The message is built before COPY goes: TOK points into
             * it. */
            buf_destroy(&opts);
            free(copy);
            return fail(ctx, EINVAL, msg);
        }
    }
    free(copy);
    *options = buf_steal_cstr(&opts);
    return 0;
}

static int
add_ifaces(struct dpctl_ctx *ctx, struct dpif *dpif, int argc,
           const char *argv[])
{
    for (int i = 0; i < argc; i++) {
        char *name, *type, *options, *err = NULL;
        uint32_t port_no;
        int error =
            parse_iface(ctx, argv[i], &name, &type, &port_no, &options);

        if (!error) {
            error = dpif_port_add(dpif, name, type, options, &port_no, &err);
            if (error) {
                fail(ctx, error,
                     xasprintf("adding %s to %s failed: %s", name,
                               dpif_name(dpif),
                               err ? err : nf_strerror(error)));
                free(err);
            }
        }
        free(name);
        free(type);
        free(options);
        if (error) {
            return error;
        }
    }
    return 0;
}

static int
cmd_add_dp(struct dpctl_ctx *ctx, int argc, const char *argv[])
{
    struct dpif *dpif;
    char *err = NULL;
    int error = dpif_open(argv[1], NULL, true, &dpif, &err);

    if (error) {
        return fail(ctx, error, err ? err : xstrdup(nf_strerror(error)));
    }
    error = add_ifaces(ctx, dpif, argc - 2, argv + 2);
    dpif_close(dpif);
    return error;
}

static int
cmd_del_dp(struct dpctl_ctx *ctx, int argc NF_UNUSED, const char *argv[])
{
    struct dpif *dpif;
    char *err = NULL;
    int error = open_dp(ctx, argv[1], &dpif);

    if (error) {
        return error;
    }
    error = dpif_destroy(dpif, &err);
    dpif_close(dpif);
    if (error) {
        return fail(ctx, error, err ? err : xstrdup(nf_strerror(error)));
    }
    return 0;
}

static int
cmd_dump_dps(struct dpctl_ctx *ctx, int argc NF_UNUSED,
             const char *argv[] NF_UNUSED)
{
    struct dpif_names names;
    int error = dpif_enumerate(&names);

    if (error) {
        return fail(ctx, error, xstrdup("cannot list the datapaths"));
    }
    for (size_t i = 0; i < names.n; i++) {
        buf_printf(ctx->out, "%s\n", names.names[i]);
    }
    dpif_names_free(&names);
    return 0;
}

/* Appends OPTIONS ("k=v,k2=v2", sorted) as ": k=v, k2=v2". */
static void
show_options(struct buf *out, const char *options)
{
    char sep = ':';

    for (const char *s = options; s && *s;) {
        size_t len = strcspn(s, ",");

        buf_printf(out, "%c %.*s", sep, (int) len, s);
        sep = ',';
        s += len + (s[len] == ',');
    }
}

static void
show_one(struct dpctl_ctx *ctx, struct dpif *dpif)
{
    struct dpif_dp_stats st;
    struct dpif_ports ports;

    buf_printf(ctx->out, "%s@%s:\n", dpif_type(dpif), dpif_name(dpif));
    if (!dpif_get_stats(dpif, &st)) {
        buf_printf(ctx->out,
                   "  lookups: hit:%" PRIu64 " missed:%" PRIu64
                   " lost:%" PRIu64 "\n  flows: %" PRIu64 "\n",
                   st.n_hit, st.n_missed, st.n_lost, st.n_flows);
        uint64_t pkts = st.n_hit + st.n_missed;
        buf_printf(ctx->out,
                   "  masks: hit:%" PRIu64 " total:%" PRIu64 " hit/pkt:%.2f\n",
                   st.n_mask_hit, st.n_masks,
                   pkts ? (double) st.n_mask_hit / pkts : 0.0);
    }
    if (dpif_port_dump(dpif, &ports)) {
        return;
    }
    for (size_t i = 0; i < ports.n; i++) {
        const struct dpif_port *p = &ports.ports[i];
        buf_printf(ctx->out, "  port %" PRIu32 ": %s", p->port_no, p->name);
        /* As ovs-dpctl: the type unless it is the plain Linux device kind
         * ("system" there, afpacket here), then the options, sorted,
         * "(TYPE: K=V, K=V)". */
        if (strcmp(p->type, "afpacket") || (p->options && *p->options)) {
            buf_printf(ctx->out, " (%s", p->type);
            show_options(ctx->out, p->options);
            buf_put_char(ctx->out, ')');
        }
        buf_put_char(ctx->out, '\n');
        struct dpif_port_stats ps;
        if (ctx->stats && !dpif_port_get_stats(dpif, p->port_no, &ps)) {
            buf_printf(ctx->out,
                       "    RX packets:%" PRIu64 " errors:%" PRIu64
                       " dropped:%" PRIu64 " overruns:0 frame:0\n"
                       "    TX packets:%" PRIu64 " errors:%" PRIu64
                       " dropped:%" PRIu64 " aborted:0 carrier:0\n"
                       "    collisions:0\n"
                       "    RX bytes:%" PRIu64 "  TX bytes:%" PRIu64 "\n",
                       ps.rx_packets, ps.rx_errors, ps.rx_dropped,
                       ps.tx_packets, ps.tx_errors, ps.tx_dropped, ps.rx_bytes,
                       ps.tx_bytes);
        }
    }
    dpif_ports_free(&ports);
}

static int
cmd_show(struct dpctl_ctx *ctx, int argc, const char *argv[])
{
    struct dpif_names names;
    int error;

    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            struct dpif *dpif;
            error = open_dp(ctx, argv[i], &dpif);
            if (error) {
                return error;
            }
            show_one(ctx, dpif);
            dpif_close(dpif);
        }
        return 0;
    }
    error = dpif_enumerate(&names);
    if (error) {
        return fail(ctx, error, xstrdup("cannot list the datapaths"));
    }
    for (size_t i = 0; i < names.n; i++) {
        struct dpif *dpif;
        if (!dpif_open(names.names[i], NULL, false, &dpif, NULL)) {
            show_one(ctx, dpif);
            dpif_close(dpif);
        }
    }
    dpif_names_free(&names);
    return 0;
}

static int
cmd_add_if(struct dpctl_ctx *ctx, int argc, const char *argv[])
{
    struct dpif *dpif;
    int error = open_dp(ctx, argv[1], &dpif);

    if (error) {
        return error;
    }
    error = add_ifaces(ctx, dpif, argc - 2, argv + 2);
    dpif_close(dpif);
    return error;
}

/* A port's options while set-if edits them: parallel arrays of owned
 * strings. */
struct option_list {
    char **keys, **values;
    size_t n;
};

static void
option_list_set(struct option_list *l, const char *key, size_t key_len,
                const char *value)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        if (strlen(l->keys[i]) == key_len
            && !strncmp(l->keys[i], key, key_len)) {
            break;
        }
    }
    if (i == l->n) {
        l->keys = xrealloc(l->keys, (l->n + 1) * sizeof *l->keys);
        l->values = xrealloc(l->values, (l->n + 1) * sizeof *l->values);
        l->keys[i] = xstrndup(key, key_len);
        l->values[i] = NULL;
        l->n++;
    }
    free(l->values[i]);
    l->values[i] = xstrdup(value);
}

static void
option_list_remove(struct option_list *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++) {
        if (!strcmp(l->keys[i], key)) {
            free(l->keys[i]);
            free(l->values[i]);
            l->n--;
            l->keys[i] = l->keys[l->n];
            l->values[i] = l->values[l->n];
            return;
        }
    }
}

/* Adds the items of OPTIONS ("k=v,...", as a datapath reports them). */
static void
option_list_parse(struct option_list *l, const char *options)
{
    for (const char *s = options; s && *s;) {
        size_t len = strcspn(s, ",");
        const char *eq = memchr(s, '=', len);

        if (eq) {
            char *value = xstrndup(eq + 1, len - (size_t) (eq + 1 - s));
            option_list_set(l, s, (size_t) (eq - s), value);
            free(value);
        }
        s += len + (s[len] == ',');
    }
}

static char *
option_list_join(const struct option_list *l)
{
    struct buf b = BUF_INITIALIZER;

    for (size_t i = 0; i < l->n; i++) {
        buf_printf(&b, "%s%s=%s", i ? "," : "", l->keys[i], l->values[i]);
    }
    return buf_steal_cstr(&b);
}

static void
option_list_destroy(struct option_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->keys[i]);
        free(l->values[i]);
    }
    free(l->keys);
    free(l->values);
}

/* set-if for one "NAME[,KEY=VALUE]..." argument, as ovs-dpctl does it:
 * the port's current options, changed by the items (KEY=VALUE sets, KEY=
 * removes; type= and port_no= may only repeat the current values), go
 * back to the datapath as the port's new set. */
static int
set_one_if(struct dpctl_ctx *ctx, struct dpif *dpif, const char *arg)
{
    struct option_list opts = { NULL, NULL, 0 };
    char *copy = xstrdup(arg), *save = NULL, *item;
    char *joined = NULL, *err = NULL;
    const char *name = strtok_r(copy, ",", &save);
    struct dpif_port port;
    int error;

    if (!name) {
        error = fail(ctx, EINVAL,
                     xasprintf("%s is not a valid network device name", arg));
        goto free_copy;
    }
    error = dpif_port_query_by_name(dpif, name, &port);
    if (error) {
        fail(ctx, error,
             xasprintf("%s: failed to query port in %s (%s)", name,
                       dpif_name(dpif), nf_strerror(error)));
        goto free_copy;
    }
    option_list_parse(&opts, port.options);
    while ((item = strtok_r(NULL, ",", &save))) {
        char *eq = strchr(item, '=');
        const char *value = eq ? eq + 1 : "";

        if (eq) {
            *eq = '\0';
        }
        if (!strcmp(item, "type")) {
            if (strcmp(value, port.type)) {
                error = fail(ctx, EINVAL,
                             xasprintf("%s: can't change type from %s to %s",
                                       name, port.type, value));
                goto destroy_opts;
            }
        } else if (!strcmp(item, "port_no")) {
            long long v;

            if (nf_parse_int(value, 0, UINT32_MAX, &v) || v != port.port_no) {
                error = fail(ctx, EINVAL,
                             xasprintf("%s: can't change port number from "
                                       "%" PRIu32 " to %s",
                                       name, port.port_no, value));
                goto destroy_opts;
            }
        } else if (!*value) {
            option_list_remove(&opts, item);
        } else {
            option_list_set(&opts, item, strlen(item), value);
        }
    }
    joined = option_list_join(&opts);
    error = dpif_port_set_config(dpif, port.port_no, joined, &err);
    if (error) {
        fail(ctx, error, err ? err : xstrdup(nf_strerror(error)));
    }
    free(joined);

destroy_opts:
    option_list_destroy(&opts);
    dpif_port_destroy(&port);
free_copy:
    free(copy);
    return error;
}

static int
cmd_set_if(struct dpctl_ctx *ctx, int argc, const char *argv[])
{
    struct dpif *dpif = NULL;
    int error = open_dp(ctx, argv[1], &dpif);

    /* Stops at the first failure, as add-if and del-if do here, so that
     * the message says which port and nothing after it was changed. */
    for (int i = 2; !error && i < argc; i++) {
        error = set_one_if(ctx, dpif, argv[i]);
    }
    dpif_close(dpif);
    return error;
}

static int
cmd_del_if(struct dpctl_ctx *ctx, int argc, const char *argv[])
{
    struct dpif *dpif;
    int error = open_dp(ctx, argv[1], &dpif);

    for (int i = 2; !error && i < argc; i++) {
        struct dpif_port port;
        char *err = NULL;

        error = dpif_port_query_by_name(dpif, argv[i], &port);
        if (error) {
            fail(ctx, error,
                 xasprintf("%s: no port of that name in %s", argv[i],
                           dpif_name(dpif)));
            break;
        }
        error = dpif_port_del(dpif, port.port_no, &err);
        if (error) {
            fail(ctx, error, err ? err : xstrdup(nf_strerror(error)));
        }
        dpif_port_destroy(&port);
    }
    if (dpif) {
        dpif_close(dpif);
    }
    return error;
}

/* The datapath argument of the flow commands is optional: it is there
 * when there are more arguments than the command's own. */
static const char *
dp_arg(int argc, const char *argv[], int own)
{
    return argc > own + 1 ? argv[1] : NULL;
}

static const struct dpctl_flow_hooks *flow_hooks;

void
dpctl_set_flow_hooks(const struct dpctl_flow_hooks *hooks)
{
    flow_hooks = hooks;
}

/* Whether flow UFID passes every filter of TYPES (a comma-separated list
 * of types, as ovs-dpctl takes "type=offloaded,tc"). */
static bool
dump_type_match(const struct dpif_ufid *ufid, const char *types)
{
    if (!types || !flow_hooks || !flow_hooks->filter) {
        return true;
    }
    char *copy = xstrdup(types), *save = NULL;
    bool ok = false;
    for (char *t = strtok_r(copy, ",", &save); t && !ok;
         t = strtok_r(NULL, ",", &save)) {
        ok = flow_hooks->filter(ufid, t) == 1;
    }
    free(copy);
    return ok;
}

static int
cmd_dump_flows(struct dpctl_ctx *ctx, int argc, const char *argv[])
{
    const char *dp = NULL, *types = NULL;
    struct dpif *dpif;
    int error;

    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "type=", 5)) {
            types = argv[i] + 5;
            continue;
        }
        if (!strncmp(argv[i], "filter=", 7)) {
            continue;
        }
        dp = argv[i];
    }
    if (types && flow_hooks && flow_hooks->filter) {
        /* Refuse a type nobody knows before printing anything. */
        char *copy = xstrdup(types), *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t;
             t = strtok_r(NULL, ",", &save)) {
            static const struct dpif_ufid zero;
            if (flow_hooks->filter(&zero, t) < 0) {
                char *msg = xasprintf("Failed to parse type (%s)", t);
                free(copy);
                return fail(ctx, EINVAL, msg);
            }
        }
        free(copy);
    }
    error = open_dp(ctx, dp, &dpif);
    if (error) {
        return error;
    }
    struct dpif_flow_dump *dump = dpif_flow_dump_start(dpif);
    struct dpif_flow flows[32];
    struct buf extra = BUF_INITIALIZER;
    size_t n;
    while ((n = dpif_flow_dump_next(dump, flows, 32)) > 0) {
        for (size_t i = 0; i < n; i++) {
            struct dpif_flow *f = &flows[i];
            if (dump_type_match(&f->ufid, types)) {
                buf_clear(&extra);
                if (flow_hooks && flow_hooks->merge_stats) {
                    flow_hooks->merge_stats(&f->ufid, &f->stats);
                }
                if (ctx->verbose && flow_hooks && flow_hooks->format_status) {
                    flow_hooks->format_status(&f->ufid, &extra);
                }
                dpif_flow_format_extra(f, ctx->verbose, buf_cstr(&extra),
                                       ctx->out);
                buf_put_char(ctx->out, '\n');
            }
            dpif_flow_destroy(f);
        }
    }
    buf_destroy(&extra);
    dpif_flow_dump_done(dump);
    dpif_close(dpif);
    return 0;
}

/* add-flow and mod-flow: [DP] FLOW ACTIONS. */
static int
put_flow(struct dpctl_ctx *ctx, int argc, const char *argv[], unsigned flags)
{
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER;
    struct dpif_flow_stats stats;
    struct dpif *dpif;
    char *err = NULL;
    int error;

    error = open_dp(ctx, dp_arg(argc, argv, 2), &dpif);
    if (error) {
        return error;
    }
    if (odp_flow_from_string(argv[argc - 2], &key, &mask, &err)
        || odp_actions_from_string(argv[argc - 1], &acts, &err)) {
        error = fail(ctx, EINVAL, err);
        goto out;
    }
    memset(&stats, 0, sizeof stats);
    struct dpif_flow_put put = {
        .flags = flags,
        .key = key.data,
        .key_len = key.len,
        .mask = mask.data,
        .mask_len = mask.len,
        .actions = acts.data,
        .actions_len = acts.len,
        .stats = &stats,
    };
    error = dpif_flow_put(dpif, &put, &err);
    if (error) {
        fail(ctx, error,
             err ? err
                 : xstrdup(error == EEXIST ? "the flow exists (use mod-flow)"
                           : error == ENOENT
                               ? "no such flow (use add-flow, or mod-flow "
                                 "--may-create)"
                               : nf_strerror(error)));
    } else if (ctx->stats && (flags & DPIF_FP_MODIFY)) {
        buf_printf(ctx->out, "packets:%" PRIu64 ", bytes:%" PRIu64 "\n",
                   stats.n_packets, stats.n_bytes);
    }
out:
    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&acts);
    dpif_close(dpif);
    return error;
}

static int
cmd_add_flow(struct dpctl_ctx *ctx, int argc, const char *argv[])
{
    return put_flow(ctx, argc, argv, DPIF_FP_CREATE);
}

static int
cmd_mod_flow(struct dpctl_ctx *ctx, int argc, const char *argv[])
{
    return put_flow(ctx, argc, argv,
                    DPIF_FP_MODIFY | (ctx->may_create ? DPIF_FP_CREATE : 0)
                        | (ctx->clear ? DPIF_FP_ZERO_STATS : 0));
}

/* Parses "ufid:XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX". */
static bool
parse_ufid(const char *s, struct dpif_ufid *u)
{
    unsigned a, b, c, d, e1;
    unsigned long long e;

    if (strncmp(s, "ufid:", 5)
        || sscanf(s + 5, "%8x-%4x-%4x-%4x-%4x%8llx", &a, &b, &c, &d, &e1, &e)
               != 6) {
        return false;
    }
    u->u32[0] = a;
    u->u32[1] = b << 16 | c;
    u->u32[2] = d << 16 | e1;
    u->u32[3] = (uint32_t) e;
    return true;
}

static int
cmd_get_flow(struct dpctl_ctx *ctx, int argc, const char *argv[])
{
    struct dpif_ufid ufid;
    struct dpif_flow flow;
    struct dpif *dpif;
    int error;

    if (!parse_ufid(argv[argc - 1], &ufid)) {
        return fail(ctx, EINVAL,
                    xasprintf("%s: expected ufid:XXXXXXXX-XXXX-XXXX-XXXX-"
                              "XXXXXXXXXXXX",
                              argv[argc - 1]));
    }
    error = open_dp(ctx, dp_arg(argc, argv, 1), &dpif);
    if (error) {
        return error;
    }
    error = dpif_flow_get(dpif, &ufid, NULL, 0, &flow);
    if (error) {
        fail(ctx, error, xstrdup("no flow with that ufid"));
    } else {
        dpif_flow_format(&flow, true, ctx->out);
        buf_put_char(ctx->out, '\n');
        dpif_flow_destroy(&flow);
    }
    dpif_close(dpif);
    return error;
}

static int
cmd_del_flow(struct dpctl_ctx *ctx, int argc, const char *argv[])
{
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct dpif_flow_stats stats;
    struct dpif_ufid ufid;
    struct dpif *dpif;
    char *err = NULL;
    int error;

    error = open_dp(ctx, dp_arg(argc, argv, 1), &dpif);
    if (error) {
        return error;
    }
    if (parse_ufid(argv[argc - 1], &ufid)) {
        error = dpif_flow_del(dpif, &ufid, NULL, 0, &stats);
    } else if (odp_flow_from_string(argv[argc - 1], &key, &mask, &err)) {
        error = fail(ctx, EINVAL, err);
        goto out;
    } else {
        /* A flow is named by its key as put: the ufid of that key. */
        dpif_ufid_from_key(key.data, key.len, &ufid);
        error = dpif_flow_del(dpif, &ufid, NULL, 0, &stats);
    }
    if (error) {
        fail(ctx, error, xstrdup("no such flow"));
    } else if (ctx->stats) {
        buf_printf(ctx->out, "packets:%" PRIu64 ", bytes:%" PRIu64 "\n",
                   stats.n_packets, stats.n_bytes);
    }
out:
    buf_destroy(&key);
    buf_destroy(&mask);
    dpif_close(dpif);
    return error;
}

static int
cmd_del_flows(struct dpctl_ctx *ctx, int argc, const char *argv[])
{
    struct dpif *dpif;
    int error = open_dp(ctx, argc > 1 ? argv[1] : NULL, &dpif);

    if (error) {
        return error;
    }
    error = dpif_flow_flush(dpif);
    dpif_close(dpif);
    return error ? fail(ctx, error, xstrdup(nf_strerror(error))) : 0;
}

/* upcalls [DP] [COUNT] (a nicflow addition, for watching misses without
 * a switch on top): the first call turns upcall queuing on; each call
 * prints and removes up to COUNT queued upcalls (all by default), one line
 * each: its type, the port and the packet's flow key. */
static int
cmd_upcalls(struct dpctl_ctx *ctx, int argc, const char *argv[])
{
    const char *dp = NULL;
    long long count = -1;
    struct dpif *dpif;
    int error;

    for (int i = 1; i < argc; i++) {
        long long v;
        if (!nf_parse_int(argv[i], 0, INT32_MAX, &v)) {
            count = v;
        } else {
            dp = argv[i];
        }
    }
    error = open_dp(ctx, dp, &dpif);
    if (error) {
        return error;
    }
    error = dpif_recv_set(dpif, true);
    for (long long n = 0; !error && (count < 0 || n < count); n++) {
        struct dpif_upcall u;

        if (dpif_recv(dpif, &u)) {
            break;
        }
        buf_printf(ctx->out, "%s: in_port %" PRIu32 ", ",
                   u.type == DPIF_UC_MISS ? "miss" : "action", u.in_port);
        odp_flow_format(ctx->out, u.key.data, u.key.len, NULL, 0);
        if (u.userdata.len) {
            buf_put_cstr(ctx->out, ", userdata:");
            for (size_t i = 0; i < u.userdata.len; i++) {
                buf_printf(ctx->out, "%02x", u.userdata.data[i]);
            }
        }
        buf_put_char(ctx->out, '\n');
        dpif_upcall_destroy(&u);
    }
    dpif_close(dpif);
    return error ? fail(ctx, error, xstrdup(nf_strerror(error))) : 0;
}

static const struct dpctl_command commands[] = {
    { "add-dp", "DP [IFACE...]", 1, 64, cmd_add_dp },
    { "del-dp", "DP", 1, 1, cmd_del_dp },
    { "dump-dps", "", 0, 0, cmd_dump_dps },
    { "show", "[-s] [DP...]", 0, 64, cmd_show },
    { "add-if", "DP IFACE[,type=T][,port_no=N][,OPTION=VALUE]...", 2, 64,
      cmd_add_if },
    { "set-if", "DP IFACE[,OPTION=VALUE]...", 2, 64, cmd_set_if },
    { "del-if", "DP IFACE...", 2, 64, cmd_del_if },
    { "dump-flows", "[-m] [DP] [type=...]", 0, 3, cmd_dump_flows },
    { "add-flow", "[DP] FLOW ACTIONS", 2, 3, cmd_add_flow },
    { "mod-flow", "[--clear] [--may-create] [-s] [DP] FLOW ACTIONS", 2, 3,
      cmd_mod_flow },
    { "get-flow", "[DP] ufid:UFID", 1, 2, cmd_get_flow },
    { "del-flow", "[-s] [DP] FLOW|ufid:UFID", 1, 2, cmd_del_flow },
    { "del-flows", "[DP]", 0, 1, cmd_del_flows },
    { "upcalls", "[DP] [COUNT]", 0, 2, cmd_upcalls },
    { NULL, NULL, 0, 0, NULL },
};

const struct dpctl_command *
dpctl_commands(void)
{
    return commands;
}

int
dpctl_run(int argc, const char *argv[], struct buf *out, char **errp)
{
    struct dpctl_ctx ctx = { .out = out, .errp = errp };
    const char **args = xcalloc((size_t) argc + 1, sizeof *args);
    int n = 0;

    if (errp) {
        *errp = NULL;
    }
    /* Options may come anywhere, as ovs-dpctl takes them. */
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (i && (!strcmp(a, "-m") || !strcmp(a, "--more"))) {
            ctx.verbose = true;
        } else if (i && (!strcmp(a, "-s") || !strcmp(a, "--statistics"))) {
            ctx.stats = true;
        } else if (i && !strcmp(a, "--clear")) {
            ctx.clear = true;
        } else if (i && !strcmp(a, "--may-create")) {
            ctx.may_create = true;
        } else {
            args[n++] = a;
        }
    }
    int error = EINVAL;
    const struct dpctl_command *c;
    for (c = commands; c->name; c++) {
        if (n && !strcmp(c->name, args[0])) {
            break;
        }
    }
    if (!n || !c->name) {
        error = fail(&ctx, EINVAL,
                     xasprintf("%s: unknown command (try help)",
                               n ? args[0] : "(none)"));
    } else if (n - 1 < c->min_args || n - 1 > c->max_args) {
        error = fail(&ctx, EINVAL,
                     xasprintf("%s: wrong number of arguments (usage: %s %s)",
                               c->name, c->name, c->usage));
    } else {
        error = c->handler(&ctx, n, args);
    }
    free(args);
    return error;
}
