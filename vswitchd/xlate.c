/* xlate.c: the walk of a packet through the OpenFlow pipeline (see
 * xlate.h); the bridges and ports it walks are in xlate-config.c.
 *
 * The walk keeps two versions of the packet's headers: ST, what the
 * OpenFlow actions have made of it so far (an of_match whose values are
 * the packet and pipeline fields), and BASE, what the datapath's packet
 * looks like after the datapath actions emitted so far.  Before anything
 * leaves (an output), commit() emits the datapath actions that turn BASE
 * into ST — pop/push VLAN and masked sets — so a header rewrite costs one
 * set however many OpenFlow actions made it.
 *
 * The megaflow mask (WC) collects every bit the result depended on: the
 * masks of the classifier subtables each lookup visited (ofproto_lookup),
 * the fields NORMAL reads, and every header field an action rewrote (the
 * emitted set depends on the original value).  Bits outside WC may differ
 * between packets that share the datapath flow.
 *
 * NORMAL learns MAC addresses as it translates (when allowed) and reads
 * the learning table; its decisions therefore change when the table does,
 * which the table's generation tells the revalidators. */
#include <errno.h>
#include <inttypes.h>
#include <linux/openvswitch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofctl/actions.h"
#include "ofctl/match.h"
#include "softpath/dpif.h"
#include "softpath/odp.h"
#include "vswitchd/ofproto-tlv.h"
#include "vswitchd/xlate-private.h"
#include "vswitchd/tnl-port.h"
#include "vswitchd/xlate.h"

VLOG_DEFINE_THIS_MODULE(xlate);

COVERAGE_DEFINE(xlate_flow);
COVERAGE_DEFINE(xlate_tnl_no_port);
COVERAGE_DEFINE(xlate_geneve_invalid);
COVERAGE_DEFINE(xlate_too_deep);
COVERAGE_DEFINE(xlate_unsupported_action);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Resubmits, goto_tables and patch ports one translation may nest, and
 * table lookups it may make in all, as Open vSwitch bounds them. */
#define XLATE_MAX_DEPTH 64
#define XLATE_MAX_LOOKUPS 4096

/* ---------------------------------------------------------------------
 * Translation context.
 * --------------------------------------------------------------------- */

void
xlate_trace(struct xctx *ctx, const char *fmt, ...)
{
    if (!ctx->trace) {
        return;
    }
    va_list args;
    for (int i = 0; i < ctx->indent; i++) {
        buf_put_cstr(ctx->trace, "    ");
    }
    va_start(args, fmt);
    char *s = xvasprintf(fmt, args);
    va_end(args);
    buf_put_cstr(ctx->trace, s);
    buf_put_cstr(ctx->trace, "\n");
    free(s);
}

/* ORs the whole of field F into the megaflow mask. */
static void
wc_field(struct xctx *ctx, const struct of_field *f)
{
    if (f) {
        of_field_or_exact_mask(f, &ctx->wc.flow, &ctx->wc.meta);
    }
}

void
xlate_wc_id(struct xctx *ctx, enum of_field_id id)
{
    wc_field(ctx, of_field_from_id(id));
}

static void
xhit(struct xctx *ctx, const struct ofproto_rule *rule)
{
    struct xlate_out *out = ctx->out;

    if (out->n_hits == out->allocated_hits) {
        out->allocated_hits =
            out->allocated_hits ? 2 * out->allocated_hits : 4;
        out->hits =
            xrealloc(out->hits, out->allocated_hits * sizeof *out->hits);
    }
    out->hits[out->n_hits++] =
        (struct xlate_hit){ ctx->xbridge->ofproto, rule };
    /* The packet being translated counts for every rule it goes through,
     * as in Open vSwitch: the statistics of the datapath flow installed
     * afterwards cover only the packets after it, and a packet that every
     * time needs userspace (one for a controller) is counted only here. */
    if (ctx->packet) {
        ofproto_rule_credit(rule, 1, ctx->packet->size, nf_time_msec());
    }
}

void
xlate_add_hits(struct xctx *ctx, const struct xlate_out *sub)
{
    struct xlate_out *out = ctx->out;

    for (size_t i = 0; i < sub->n_hits; i++) {
        if (out->n_hits == out->allocated_hits) {
            out->allocated_hits =
                out->allocated_hits ? 2 * out->allocated_hits : 4;
            out->hits =
                xrealloc(out->hits, out->allocated_hits * sizeof *out->hits);
        }
        out->hits[out->n_hits++] = sub->hits[i];
    }
}

/* ---------------------------------------------------------------------
 * Committing header changes as datapath actions.
 * --------------------------------------------------------------------- */

static int
n_vlans(const struct flow *f)
{
    int n = 0;
    while (n < FLOW_MAX_VLAN_HEADERS
           && f->vlans[n].tci & htons(FLOW_VLAN_PRESENT)) {
        n++;
    }
    return n;
}

static void
commit_vlans(struct xctx *ctx)
{
    struct flow *st = &ctx->st.flow;
    struct flow *base = &ctx->base;

    if (!memcmp(st->vlans, base->vlans, sizeof st->vlans)) {
        return;
    }
    /* Rebuild the tag stack: pop every tag the datapath's packet has,
     * push the wanted ones innermost first. */
    for (int i = n_vlans(base); i > 0; i--) {
        odp_put_pop_vlan(&ctx->out->odp_actions);
    }
    for (int i = n_vlans(st); i > 0; i--) {
        odp_put_push_vlan(&ctx->out->odp_actions, st->vlans[i - 1].tpid,
                          st->vlans[i - 1].tci);
    }
    memcpy(base->vlans, st->vlans, sizeof base->vlans);
}

/* Compares the N-byte field A (wanted) with B (now); if they differ, sets
 * the whole field's MASK to ones (a datapath set rewrites whole fields, and
 * prints them unmasked, as Open vSwitch's do).  Returns true if they
 * did. */
static bool
diff_bytes(const void *a, const void *b, void *mask, size_t n)
{
    if (!memcmp(a, b, n)) {
        return false;
    }
    memset(mask, 0xff, n);
    return true;
}

static void
commit_eth(struct xctx *ctx)
{
    const struct flow *st = &ctx->st.flow;
    struct ovs_key_ethernet v, m;
    bool any = false;

    memset(&v, 0, sizeof v);
    memset(&m, 0, sizeof m);
    memcpy(v.eth_src, st->dl_src.ea, 6);
    memcpy(v.eth_dst, st->dl_dst.ea, 6);
    any |= diff_bytes(st->dl_src.ea, ctx->base.dl_src.ea, m.eth_src, 6);
    any |= diff_bytes(st->dl_dst.ea, ctx->base.dl_dst.ea, m.eth_dst, 6);
    if (any) {
        odp_put_set(&ctx->out->odp_actions, OVS_KEY_ATTR_ETHERNET, &v, &m,
                    sizeof v);
        ctx->base.dl_src = st->dl_src;
        ctx->base.dl_dst = st->dl_dst;
    }
}

static void
commit_l3(struct xctx *ctx)
{
    const struct flow *st = &ctx->st.flow;
    struct flow *base = &ctx->base;
    struct buf *acts = &ctx->out->odp_actions;

    if (st->dl_type == htons(ETH_TYPE_IP)) {
        struct ovs_key_ipv4 v = {
            .ipv4_src = st->nw_src,
            .ipv4_dst = st->nw_dst,
            .ipv4_proto = st->nw_proto,
            .ipv4_tos = st->nw_tos,
            .ipv4_ttl = st->nw_ttl,
        };
        struct ovs_key_ipv4 m;
        bool any = false;

        memset(&m, 0, sizeof m);
        any |= diff_bytes(&st->nw_src, &base->nw_src, &m.ipv4_src, 4);
        any |= diff_bytes(&st->nw_dst, &base->nw_dst, &m.ipv4_dst, 4);
        any |= diff_bytes(&st->nw_tos, &base->nw_tos, &m.ipv4_tos, 1);
        any |= diff_bytes(&st->nw_ttl, &base->nw_ttl, &m.ipv4_ttl, 1);
        if (any) {
            odp_put_set(acts, OVS_KEY_ATTR_IPV4, &v, &m, sizeof v);
        }
    } else if (st->dl_type == htons(ETH_TYPE_IPV6)) {
        struct ovs_key_ipv6 v, m;
        bool any = false;

        memset(&v, 0, sizeof v);
        memset(&m, 0, sizeof m);
        memcpy(v.ipv6_src, &st->ipv6_src, 16);
        memcpy(v.ipv6_dst, &st->ipv6_dst, 16);
        v.ipv6_label = st->ipv6_label;
        v.ipv6_proto = st->nw_proto;
        v.ipv6_tclass = st->nw_tos;
        v.ipv6_hlimit = st->nw_ttl;
        any |= diff_bytes(&st->ipv6_src, &base->ipv6_src, m.ipv6_src, 16);
        any |= diff_bytes(&st->ipv6_dst, &base->ipv6_dst, m.ipv6_dst, 16);
        any |=
            diff_bytes(&st->ipv6_label, &base->ipv6_label, &m.ipv6_label, 4);
        any |= diff_bytes(&st->nw_tos, &base->nw_tos, &m.ipv6_tclass, 1);
        any |= diff_bytes(&st->nw_ttl, &base->nw_ttl, &m.ipv6_hlimit, 1);
        if (any) {
            odp_put_set(acts, OVS_KEY_ATTR_IPV6, &v, &m, sizeof v);
        }
    } else {
        return;
    }
    base->nw_src = st->nw_src;
    base->nw_dst = st->nw_dst;
    base->ipv6_src = st->ipv6_src;
    base->ipv6_dst = st->ipv6_dst;
    base->ipv6_label = st->ipv6_label;
    base->nw_tos = st->nw_tos;
    base->nw_ttl = st->nw_ttl;

    uint16_t type;
    switch (st->nw_proto) {
    case 6:
        type = OVS_KEY_ATTR_TCP;
        break;
    case 17:
        type = OVS_KEY_ATTR_UDP;
        break;
    case 132:
        type = OVS_KEY_ATTR_SCTP;
        break;
    default:
        return;
    }
    if (st->nw_frag & FLOW_NW_FRAG_LATER) {
        return;
    }
    struct {
        uint16_t src, dst;
    } v = { st->tp_src, st->tp_dst }, m = { 0, 0 };
    bool any = diff_bytes(&st->tp_src, &base->tp_src, &m.src, 2);
    any |= diff_bytes(&st->tp_dst, &base->tp_dst, &m.dst, 2);
    if (any) {
        odp_put_set(acts, type, &v, &m, sizeof v);
        base->tp_src = st->tp_src;
        base->tp_dst = st->tp_dst;
    }
}

static void
commit(struct xctx *ctx)
{
    commit_eth(ctx);
    commit_l3(ctx);
    commit_vlans(ctx);
}

void
xlate_commit(struct xctx *ctx)
{
    commit(ctx);
}

/* ---------------------------------------------------------------------
 * Outputs.
 * --------------------------------------------------------------------- */

static void xlate_table(struct xctx *, uint8_t table_id);
static void xlate_actions(struct xctx *, const void *acts, size_t len);

static struct ofproto_key
ctx_key(const struct xctx *ctx)
{
    struct ofproto_key key;
    key.flow = ctx->st.flow;
    key.meta = ctx->st.meta;
    /* tun_metadata in the classifier's form (ofproto-tlv.h). */
    ofproto_tlv_md_to_key(&ctx->st, &key.flow.tunnel.opts, NULL);
    return key;
}

/* True if the actions being translated are those of a table-miss flow
 * (priority 0, matching everything), reached by a packet's lookup. */
static bool
xlate_in_table_miss(const struct xctx *ctx)
{
    return (ctx->rule && !ctx->in_packet_out && !ctx->in_indirect
            && ctx->rule->priority == 0
            && ofproto_minimatch_is_catchall(&ctx->rule->mm));
}

static void
send_to_controller(struct xctx *ctx, enum ofproto_packet_in_reason reason,
                   uint16_t max_len, const void *userdata, size_t userdata_len)
{
    /* Every packet must come to userspace to reach the controller, so the
     * datapath flow is not installed. */
    ctx->out->slow = true;
    xlate_trace(ctx, "-> output to controller");
    if (!ctx->packet) {
        return;
    }
    if (reason == OFPROTO_PIN_ACTION && xlate_in_table_miss(ctx)) {
        reason = OFPROTO_PIN_EXPLICIT_MISS;
    }
    /* OpenFlow: the cookie is all-ones when no flow sent the packet (a
     * miss, a packet-out). */
    struct ofproto_key key = ctx_key(ctx);
    ofproto_send_packet_in(ctx->xbridge->ofproto, reason, ctx->table_id,
                           ctx->rule ? ctx->rule->cookie : UINT64_MAX, &key,
                           ctx->packet->data, ctx->packet->size, max_len,
                           userdata, userdata_len);
}

/* Continues the walk in the bridge at the other end of patch port XP. */
static void
output_patch(struct xctx *ctx, const struct xport *xp)
{
    struct xbridge *peer =
        xp->peer_bridge ? xlate_xbridge_find_by_name(xp->peer_bridge) : NULL;
    if (!peer || !xlate_xport_find(peer, xp->peer_ofp_port)) {
        xlate_trace(ctx, "-> patch port %s has no peer: dropped", xp->name);
        return;
    }
    if (ctx->depth >= XLATE_MAX_DEPTH) {
        COVERAGE_INC(xlate_too_deep);
        xlate_trace(ctx, "-> too many nested translations: dropped");
        return;
    }

    /* The packet enters the peer bridge afresh: new in_port, no registers
     * or metadata, but its headers as the actions left them. */
    struct xbridge *save_xb = ctx->xbridge;
    struct of_meta save_meta = ctx->st.meta;
    uint32_t save_in = ctx->st.flow.in_port;
    uint16_t save_in_port = ctx->in_port;
    uint8_t save_table = ctx->table_id;
    const struct ofproto_rule *save_rule = ctx->rule;
    struct of_acts save_set = ctx->action_set;

    of_acts_init(&ctx->action_set);
    ctx->xbridge = peer;
    memset(&ctx->st.meta, 0, sizeof ctx->st.meta);
    ctx->st.flow.in_port = xp->peer_ofp_port;
    ctx->in_port = xp->peer_ofp_port;
    xlate_trace(ctx, "-> patch to bridge %s port %u", peer->name,
                xp->peer_ofp_port);
    ctx->indent++;
    ctx->depth++;
    xlate_table(ctx, 0);
    ctx->depth--;
    ctx->indent--;
    of_acts_destroy(&ctx->action_set);

    ctx->action_set = save_set;
    ctx->rule = save_rule;
    ctx->table_id = save_table;
    ctx->in_port = save_in_port;
    ctx->st.flow.in_port = save_in;
    ctx->st.meta = save_meta;
    ctx->xbridge = save_xb;
    ctx->exit = false;
}

/* Sends the packet out of port OFP_PORT of the current bridge. */
void
xlate_output_port(struct xctx *ctx, uint16_t ofp_port)
{
    const struct xport *xp = xlate_xport_find(ctx->xbridge, ofp_port);

    if (!xp) {
        xlate_trace(ctx, "-> output to nonexistent port %u: dropped",
                    ofp_port);
        return;
    }
    if (xp->tnl) {
        xlate_tnl_output(ctx, xp);
        return;
    }
    if (xp->peer_bridge || xp->odp_port == DPIF_PORT_ANY) {
        output_patch(ctx, xp);
        return;
    }
    if (xp->ofp_port == OF_PORT_LOCAL && xlate_tnl_terminate(ctx, xp)) {
        return;
    }
    commit(ctx);
    odp_put_output(&ctx->out->odp_actions, xp->odp_port);
    xlate_trace(ctx, "-> output to %s (datapath port %u)", xp->name,
                xp->odp_port);
}

static int
cmp_xports(const void *a_, const void *b_)
{
    const struct xport *const *a = a_, *const *b = b_;
    return (*a)->ofp_port < (*b)->ofp_port ? -1
                                           : (*a)->ofp_port > (*b)->ofp_port;
}

/* The bridge's ports in number order (callers free the array). */
const struct xport **
xlate_sorted_ports(const struct xbridge *xb, size_t *n)
{
    const struct xport **v = xcalloc(hmap_count(&xb->ports) + 1, sizeof *v);
    const struct xport *xp;

    *n = 0;
    HMAP_FOR_EACH (xp, ofp_node, &xb->ports) {
        v[(*n)++] = xp;
    }
    qsort(v, *n, sizeof *v, cmp_xports);
    return v;
}

static void
output_flood(struct xctx *ctx, bool all)
{
    size_t n;
    const struct xport **ports = xlate_sorted_ports(ctx->xbridge, &n);

    for (size_t i = 0; i < n; i++) {
        if (ports[i]->ofp_port != ctx->in_port && (all || ports[i]->flood)) {
            xlate_output_port(ctx, ports[i]->ofp_port);
        }
    }
    free(ports);
}

/* ---------------------------------------------------------------------
 * Field writes.
 * --------------------------------------------------------------------- */

/* True for fields that live in the packet (whose rewrites the datapath
 * must apply), false for pipeline fields (registers, metadata). */
static bool
field_in_packet(const struct of_field *f)
{
    switch (f->id) {
    case OF_F_METADATA:
    case OF_F_IN_PORT:
    case OF_F_IN_PORT_OXM:
        return false;
    default:
        /* Tunnel fields are metadata for the output to a tunnel port,
         * which reads them there (xlate-tnl.c), not packet headers. */
        return !(f->id >= OF_F_REG0 && f->id < OF_F_PKT_MARK);
    }
}

/* Sets the bits of field F under MASK to VALUE's. */
static void
set_field(struct xctx *ctx, const struct of_field *f,
          const union of_value *value, const union of_value *mask)
{
    union of_value cur, curmask, v;

    of_match_get(&ctx->st, f, &cur, &curmask);
    for (size_t i = 0; i < f->n_bytes; i++) {
        uint8_t m = mask ? mask->be[i] : 0xff;
        v.be[i] = (uint8_t) ((cur.be[i] & ~m) | (value->be[i] & m));
    }
    of_match_set(&ctx->st, f, &v, NULL);
    if (field_in_packet(f)) {
        /* The set the datapath gets depends on the packet's value. */
        wc_field(ctx, f);
    }
}

/* Reads N_BITS bits of VALUE (N_BYTES big-endian bytes) from bit OFS
 * (bit 0 = least significant). */
static uint64_t
bits_get(const union of_value *v, size_t n_bytes, unsigned ofs,
         unsigned n_bits)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < n_bits && i < 64; i++) {
        unsigned bit = ofs + i;
        size_t byte = n_bytes - 1 - bit / 8;
        if ((v->be[byte] >> (bit % 8)) & 1) {
            r |= UINT64_C(1) << i;
        }
    }
    return r;
}

static void
bits_set(union of_value *v, union of_value *m, size_t n_bytes, unsigned ofs,
         unsigned n_bits, uint64_t x)
{
    for (unsigned i = 0; i < n_bits && i < 64; i++) {
        unsigned bit = ofs + i;
        size_t byte = n_bytes - 1 - bit / 8;
        uint8_t b = (uint8_t) (1u << (bit % 8));
        m->be[byte] |= b;
        if ((x >> i) & 1) {
            v->be[byte] |= b;
        } else {
            v->be[byte] &= (uint8_t) ~b;
        }
    }
}

static uint64_t
subfield_read(struct xctx *ctx, const struct of_subfield *sf)
{
    const struct of_field *f = of_field_from_id(sf->field);
    union of_value v, m;

    if (!f) {
        return 0;
    }
    of_match_get(&ctx->st, f, &v, &m);
    if (field_in_packet(f)) {
        wc_field(ctx, f);
    } else if (f->where == OF_IN_TUN_MD) {
        /* It may be the packet's own option. */
        ctx->wc.flow.tunnel.opts.present |= UINT64_C(1) << f->ofs;
    }
    return bits_get(&v, f->n_bytes, sf->ofs, sf->n_bits);
}

static void
subfield_write(struct xctx *ctx, const struct of_subfield *sf, uint64_t x)
{
    const struct of_field *f = of_field_from_id(sf->field);
    union of_value v, m;

    if (!f) {
        return;
    }
    memset(&v, 0, sizeof v);
    memset(&m, 0, sizeof m);
    bits_set(&v, &m, f->n_bytes, sf->ofs, sf->n_bits, x);
    set_field(ctx, f, &v, &m);
}

/* ---------------------------------------------------------------------
 * Actions.
 * --------------------------------------------------------------------- */

static void
xlate_output(struct xctx *ctx, uint16_t port, uint16_t max_len)
{
    switch (port) {
    case OF_PORT_IN_PORT:
        xlate_output_port(ctx, ctx->in_port);
        break;
    case OF_PORT_TABLE:
        xlate_table(ctx, 0);
        break;
    case OF_PORT_NORMAL:
        xlate_normal(ctx);
        break;
    case OF_PORT_FLOOD:
        output_flood(ctx, false);
        break;
    case OF_PORT_ALL:
        output_flood(ctx, true);
        break;
    case OF_PORT_CONTROLLER:
        send_to_controller(ctx, OFPROTO_PIN_ACTION, max_len, NULL, 0);
        break;
    case OF_PORT_NONE:
        break;
    default:
        if (port == ctx->in_port) {
            /* OpenFlow: output to the input port only through IN_PORT. */
            xlate_trace(ctx, "-> skipping output to input port");
            break;
        }
        xlate_output_port(ctx, port);
        break;
    }
}

static void
xlate_group(struct xctx *ctx, uint32_t group_id)
{
    const struct of_group *g =
        ofproto_group_find(ctx->xbridge->ofproto, group_id);
    if (!g) {
        xlate_trace(ctx, "-> group %u does not exist: dropped", group_id);
        return;
    }
    if (ctx->depth >= XLATE_MAX_DEPTH) {
        COVERAGE_INC(xlate_too_deep);
        return;
    }

    size_t first = 0, last = g->n_buckets;
    switch (g->type) {
    case OF_GT_ALL:
        break;
    case OF_GT_INDIRECT:
        last = g->n_buckets ? 1 : 0;
        break;
    case OF_GT_FF:
        /* The first bucket whose watched port exists and is up. */
        for (first = 0; first < g->n_buckets; first++) {
            uint16_t w = g->buckets[first].watch_port;
            if (w == OF_PORT_NONE || xlate_xport_find(ctx->xbridge, w)) {
                break;
            }
        }
        last = first < g->n_buckets ? first + 1 : first;
        break;
    case OF_GT_SELECT: {
        /* Pick by a hash of the addresses and ports, weighted. */
        xlate_wc_id(ctx, OF_F_ETH_SRC);
        xlate_wc_id(ctx, OF_F_ETH_DST);
        xlate_wc_id(ctx, OF_F_ETH_TYPE);
        const struct flow *f = &ctx->st.flow;
        uint32_t h = hash_bytes(&f->dl_src, sizeof f->dl_src, 0);
        h = hash_bytes(&f->dl_dst, sizeof f->dl_dst, h);
        if (f->dl_type == htons(ETH_TYPE_IP)) {
            xlate_wc_id(ctx, OF_F_IPV4_SRC);
            xlate_wc_id(ctx, OF_F_IPV4_DST);
            h = hash_add(h, f->nw_src);
            h = hash_add(h, f->nw_dst);
        }
        uint64_t total = 0;
        for (size_t i = 0; i < g->n_buckets; i++) {
            total += g->buckets[i].weight;
        }
        if (!total) {
            last = 0;
            break;
        }
        uint64_t pick = h % total;
        for (first = 0; first < g->n_buckets; first++) {
            if (pick < g->buckets[first].weight) {
                break;
            }
            pick -= g->buckets[first].weight;
        }
        last = first + 1;
        break;
    }
    default:
        last = 0;
        break;
    }

    xlate_trace(ctx, "-> group %u", group_id);
    for (size_t i = first; i < last && i < g->n_buckets; i++) {
        /* Each bucket starts from the packet as it entered the group. */
        struct of_match save = ctx->st;
        ctx->indent++;
        ctx->depth++;
        ctx->in_indirect++;
        xlate_actions(ctx, g->buckets[i].acts.buf.data,
                      g->buckets[i].acts.buf.len);
        ctx->in_indirect--;
        ctx->depth--;
        ctx->indent--;
        ctx->st = save;
        ctx->exit = false;
        if (ctx->packet) {
            ofproto_group_credit(ctx->xbridge->ofproto, group_id, i, 1,
                                 ctx->packet->size);
        }
    }
}

static void
xlate_resubmit(struct xctx *ctx, uint16_t port, uint8_t table_id)
{
    if (ctx->depth >= XLATE_MAX_DEPTH) {
        COVERAGE_INC(xlate_too_deep);
        xlate_trace(ctx, "-> resubmit nested too deeply: dropped");
        return;
    }
    uint32_t save_in = ctx->st.flow.in_port;
    uint8_t save_table = ctx->table_id;
    const struct ofproto_rule *save_rule = ctx->rule;

    if (port != OF_PORT_IN_PORT) {
        ctx->st.flow.in_port = port;
    }
    ctx->depth++;
    /* Open vSwitch prints the resubmitted table's line at the left, like
     * the first table's. */
    int save_indent = ctx->indent;
    ctx->indent = ctx->base_indent;
    xlate_table(ctx, table_id == OF_TABLE_NONE ? save_table : table_id);
    ctx->indent = save_indent;
    ctx->depth--;
    ctx->st.flow.in_port = save_in;
    ctx->table_id = save_table;
    ctx->rule = save_rule;
    /* A resubmitted table's drop does not end the caller's actions. */
    ctx->exit = false;
}

static void
xlate_vlan_vid(struct xctx *ctx, uint16_t vid)
{
    struct flow_vlan *v = &ctx->st.flow.vlans[0];

    xlate_wc_id(ctx, OF_F_VLAN_TCI);
    if (!(v->tci & htons(FLOW_VLAN_PRESENT))) {
        /* mod_vlan_vid on an untagged frame pushes a tag. */
        memmove(&ctx->st.flow.vlans[1], &ctx->st.flow.vlans[0],
                sizeof ctx->st.flow.vlans[0]);
        v->tpid = htons(ETH_TYPE_VLAN_8021Q);
        v->tci = htons(FLOW_VLAN_PRESENT);
    }
    v->tci = htons((uint16_t) ((ntohs(v->tci) & ~VLAN_VID_MASK)
                               | (vid & VLAN_VID_MASK) | FLOW_VLAN_PRESENT));
}

static void
xlate_vlan_pcp(struct xctx *ctx, uint8_t pcp)
{
    struct flow_vlan *v = &ctx->st.flow.vlans[0];

    xlate_wc_id(ctx, OF_F_VLAN_TCI);
    if (!(v->tci & htons(FLOW_VLAN_PRESENT))) {
        memmove(&ctx->st.flow.vlans[1], &ctx->st.flow.vlans[0],
                sizeof ctx->st.flow.vlans[0]);
        v->tpid = htons(ETH_TYPE_VLAN_8021Q);
        v->tci = htons(FLOW_VLAN_PRESENT);
    }
    v->tci = htons((uint16_t) ((ntohs(v->tci) & ~VLAN_PCP_MASK)
                               | ((pcp & 7) << VLAN_PCP_SHIFT)
                               | FLOW_VLAN_PRESENT));
}

static void
xlate_pop_vlan(struct xctx *ctx)
{
    struct flow *f = &ctx->st.flow;

    xlate_wc_id(ctx, OF_F_VLAN_TCI);
    memmove(&f->vlans[0], &f->vlans[1],
            sizeof f->vlans[0] * (FLOW_MAX_VLAN_HEADERS - 1));
    memset(&f->vlans[FLOW_MAX_VLAN_HEADERS - 1], 0, sizeof f->vlans[0]);
}

static void
xlate_push_vlan(struct xctx *ctx, uint16_t tpid)
{
    struct flow *f = &ctx->st.flow;

    xlate_wc_id(ctx, OF_F_VLAN_TCI);
    memmove(&f->vlans[1], &f->vlans[0],
            sizeof f->vlans[0] * (FLOW_MAX_VLAN_HEADERS - 1));
    /* The new tag copies the old outer tag's VID and PCP, or is 0. */
    f->vlans[0].tpid = htons(tpid);
    f->vlans[0].tci |= htons(FLOW_VLAN_PRESENT);
}

/* Decrements the IP TTL; returns false if the packet must go no
 * further. */
static bool
xlate_dec_ttl(struct xctx *ctx)
{
    struct flow *f = &ctx->st.flow;

    if (f->dl_type != htons(ETH_TYPE_IP)
        && f->dl_type != htons(ETH_TYPE_IPV6)) {
        return true;
    }
    xlate_wc_id(ctx, OF_F_IP_TTL);
    if (f->nw_ttl <= 1) {
        send_to_controller(ctx, OFPROTO_PIN_INVALID_TTL, 0xffff, NULL, 0);
        return false;
    }
    f->nw_ttl--;
    return true;
}

static void
xlate_actions(struct xctx *ctx, const void *data, size_t len)
{
    OF_ACT_FOR_EACH(a, data, len)
    {
        if (ctx->exit) {
            return;
        }
        if (ctx->trace) {
            /* One line per action as it runs, as Open vSwitch traces. */
            struct buf b = BUF_INITIALIZER;
            of_acts_format_raw(a, a->len, &b);
            xlate_trace(ctx, "%s", buf_cstr(&b));
            buf_destroy(&b);
        }
        switch ((enum of_act_type) a->type) {
        case OF_ACT_OUTPUT: {
            const struct of_act_output *o = (const void *) a;
            xlate_output(ctx, o->port, o->max_len);
            break;
        }
        case OF_ACT_OUTPUT_REG: {
            const struct of_act_output_reg *o = (const void *) a;
            xlate_output(ctx, (uint16_t) subfield_read(ctx, &o->src),
                         o->max_len);
            break;
        }
        case OF_ACT_ENQUEUE: {
            const struct of_act_enqueue *o = (const void *) a;
            xlate_output(ctx, o->port, 0);
            break;
        }
        case OF_ACT_CONTROLLER: {
            const struct of_act_controller *c = (const void *) a;
            send_to_controller(
                ctx,
                c->reason == OF_CTL_NO_MATCH ? OFPROTO_PIN_NO_MATCH
                                             : OFPROTO_PIN_ACTION,
                c->max_len, of_act_tail(a, sizeof *c), c->userdata_len);
            break;
        }
        case OF_ACT_GROUP:
            xlate_group(ctx, ((const struct of_act_u32 *) a)->value);
            break;
        case OF_ACT_SET_FIELD: {
            const struct of_act_set_field *sf = (const void *) a;
            const struct of_field *f = of_field_from_id(sf->field);
            union of_value tv, tm;
            if (f) {
                set_field(ctx, f, of_act_set_field_value(sf, &tv),
                          of_act_set_field_mask(sf, &tm));
            }
            break;
        }
        case OF_ACT_SET_TUNNEL: {
            /* set_tunnel[64]:N is set_field:N->tun_id (Nicira's older
             * spelling, still what many tunnel setups use). */
            const struct of_act_set_tunnel *t = (const void *) a;
            union of_value v;
            uint64_t be = htobe64(t->tun_id);
            memset(&v, 0, sizeof v);
            memcpy(v.be, &be, sizeof be);
            set_field(ctx, of_field_from_id(OF_F_TUN_ID), &v, NULL);
            break;
        }
        case OF_ACT_MOVE: {
            const struct of_act_move *m = (const void *) a;
            subfield_write(ctx, &m->dst, subfield_read(ctx, &m->src));
            break;
        }
        case OF_ACT_SET_VLAN_VID:
            xlate_vlan_vid(ctx,
                           (uint16_t) ((const struct of_act_u32 *) a)->value);
            break;
        case OF_ACT_SET_VLAN_PCP:
            xlate_vlan_pcp(ctx,
                           (uint8_t) ((const struct of_act_u32 *) a)->value);
            break;
        case OF_ACT_STRIP_VLAN:
            xlate_pop_vlan(ctx);
            break;
        case OF_ACT_PUSH_VLAN:
            xlate_push_vlan(ctx,
                            (uint16_t) ((const struct of_act_u32 *) a)->value);
            break;
        case OF_ACT_SET_L4_SRC:
            xlate_wc_id(ctx, OF_F_IP_PROTO);
            ctx->st.flow.tp_src =
                htons((uint16_t) ((const struct of_act_u32 *) a)->value);
            break;
        case OF_ACT_SET_L4_DST:
            xlate_wc_id(ctx, OF_F_IP_PROTO);
            ctx->st.flow.tp_dst =
                htons((uint16_t) ((const struct of_act_u32 *) a)->value);
            break;
        case OF_ACT_DEC_TTL:
            if (!xlate_dec_ttl(ctx)) {
                ctx->exit = true;
            }
            break;
        case OF_ACT_RESUBMIT: {
            const struct of_act_resubmit *r = (const void *) a;
            xlate_resubmit(ctx, r->port, r->table_id);
            break;
        }
        case OF_ACT_CLONE: {
            size_t n;
            const struct of_act *inner = of_act_nested(a, &n);
            struct of_match save = ctx->st;
            xlate_actions(ctx, inner, n);
            ctx->st = save;
            ctx->exit = false;
            break;
        }
        case OF_ACT_EXIT:
            ctx->exit = true;
            break;
        case OF_ACT_CLEAR_ACTIONS:
            of_acts_clear(&ctx->action_set);
            break;
        case OF_ACT_WRITE_ACTIONS: {
            size_t n;
            const struct of_act *inner = of_act_nested(a, &n);
            buf_put(&ctx->action_set.buf, inner, n);
            break;
        }
        case OF_ACT_WRITE_METADATA: {
            const struct of_act_write_metadata *w = (const void *) a;
            ctx->st.meta.metadata =
                (ctx->st.meta.metadata & ~w->mask) | (w->metadata & w->mask);
            break;
        }
        case OF_ACT_GOTO_TABLE: {
            uint8_t t = (uint8_t) ((const struct of_act_u32 *) a)->value;
            if (ctx->depth >= XLATE_MAX_DEPTH) {
                COVERAGE_INC(xlate_too_deep);
                ctx->exit = true;
                break;
            }
            ctx->depth++;
            xlate_table(ctx, t);
            ctx->depth--;
            /* Nothing of this rule runs after goto_table. */
            ctx->exit = true;
            break;
        }
        case OF_ACT_METER: {
            /* The packet is charged to the datapath meter that carries
             * the OpenFlow meter; one the datapath could not take
             * (ofproto_ops.meter_set) lets packets pass, as a meter that
             * does not exist does in the datapath. */
            uint32_t id = ((const struct of_act_u32 *) a)->value;
            uint32_t dp = ofproto_meter_dp_id(ctx->xbridge->ofproto, id);
            if (dp != UINT32_MAX) {
                odp_put_meter(&ctx->out->odp_actions, dp);
            }
            break;
        }
        case OF_ACT_NOTE:
        case OF_ACT_SET_QUEUE:
        case OF_ACT_POP_QUEUE:
        case OF_ACT_FIN_TIMEOUT:
        case OF_ACT_SAMPLE:
            /* No effect on forwarding. */
            break;
        case OF_ACT_LEARN:
            xlate_learn(ctx, (const struct of_act_learn *) a);
            break;
        case OF_ACT_CONJUNCTION:
            /* A clause of a conjunctive match: lookups never return such
             * a flow (ofproto-conj.c), so only a packet-out gets here. */
            break;
        case OF_ACT_CT:
        case OF_ACT_CT_CLEAR:
        case OF_ACT_MULTIPATH:
        case OF_ACT_BUNDLE:
        case OF_ACT_SET_MPLS_LABEL:
        case OF_ACT_SET_MPLS_TC:
        case OF_ACT_SET_MPLS_TTL:
        case OF_ACT_DEC_MPLS_TTL:
        case OF_ACT_PUSH_MPLS:
        case OF_ACT_POP_MPLS:
        case OF_ACT_CHECK_PKT_LARGER:
        default:
            COVERAGE_INC(xlate_unsupported_action);
            VLOG_WARN_RL(&rl,
                         "bridge %s: an action of type %u is not "
                         "supported by translation yet; it is skipped",
                         ctx->xbridge->name, a->type);
            xlate_trace(ctx, "unsupported action (type %u) skipped", a->type);
            break;
        }
    }
}

/* Runs the action set written by write_actions, at the end of the
 * pipeline: everything but outputs and groups first, then those. */
static void
run_action_set(struct xctx *ctx)
{
    struct of_acts set = ctx->action_set;
    struct of_acts outs;

    if (of_acts_is_empty(&set)) {
        return;
    }
    of_acts_init(&ctx->action_set);
    of_acts_init(&outs);
    ctx->in_indirect++;
    OF_ACT_FOR_EACH(a, set.buf.data, set.buf.len)
    {
        if (a->type == OF_ACT_OUTPUT || a->type == OF_ACT_GROUP) {
            buf_put(&outs.buf, a, a->len);
        } else {
            xlate_actions(ctx, a, a->len);
        }
    }
    /* A group in the set wins over an output, as OpenFlow says. */
    const struct of_act *group = NULL, *output = NULL;
    OF_ACT_FOR_EACH(a, outs.buf.data, outs.buf.len)
    {
        if (a->type == OF_ACT_GROUP) {
            group = a;
        } else {
            output = a;
        }
    }
    if (group) {
        xlate_actions(ctx, group, group->len);
    } else if (output) {
        xlate_actions(ctx, output, output->len);
    }
    ctx->in_indirect--;
    of_acts_destroy(&outs);
    of_acts_destroy(&set);
}

static void
xlate_table(struct xctx *ctx, uint8_t table_id)
{
    if (++ctx->n_lookups > XLATE_MAX_LOOKUPS) {
        COVERAGE_INC(xlate_too_deep);
        ctx->exit = true;
        return;
    }
    if (table_id == 0 && ofproto_is_fail_open(ctx->xbridge->ofproto)) {
        /* Open vSwitch's fail-open flow: above every flow of table 0. */
        ctx->table_id = 0;
        ctx->rule = NULL;
        xlate_trace(ctx, "0. fail-open mode (no controller): NORMAL");
        ctx->indent++;
        xlate_normal(ctx);
        ctx->indent--;
        return;
    }
    struct ofproto_key key = ctx_key(ctx);
    const struct ofproto_rule *rule =
        ofproto_lookup(ctx->xbridge->ofproto, table_id, &key, &ctx->wc);

    ctx->table_id = table_id;
    ctx->rule = rule;
    if (!rule) {
        xlate_trace(ctx, "%2u. No match.", table_id);
        if (ofproto_wants_implicit_miss(ctx->xbridge->ofproto)) {
            /* An OpenFlow 1.0 controller: the miss is its business. */
            ctx->indent++;
            send_to_controller(ctx, OFPROTO_PIN_IMPLICIT_MISS, UINT16_MAX,
                               NULL, 0);
            ctx->indent--;
        } else {
            xlate_trace(ctx, "    drop");
        }
        return;
    }
    if (ctx->trace) {
        /* Open vSwitch's words: " 1. in_port=2,dl_dst=..., priority 7,
         * cookie 0x5" (no match for a catch-all, no cookie when 0). */
        struct of_match match;
        char *m;
        struct buf line = BUF_INITIALIZER;

        ofproto_rule_get_match(rule, &match);
        m = of_match_to_string(&match, OF_DEFAULT_PRIORITY);
        buf_printf(&line, "%2u. ", table_id);
        if (*m) {
            buf_printf(&line, "%s, ", m);
        }
        buf_printf(&line, "priority %u", rule->priority);
        if (rule->cookie) {
            buf_printf(&line, ", cookie %#" PRIx64, rule->cookie);
        }
        xlate_trace(ctx, "%s", buf_cstr(&line));
        buf_destroy(&line);
        free(m);
    }
    xhit(ctx, rule);
    ctx->indent++;
    xlate_actions(ctx, rule->acts.buf.data, rule->acts.buf.len);
    ctx->indent--;
}

/* Turns the OpenFlow-side mask into the datapath flow's mask. */
static void
finish_mask(struct xctx *ctx)
{
    struct flow *m = &ctx->out->mask;

    *m = ctx->wc.flow;
    /* Datapath keys always match these exactly. */
    m->in_port = UINT32_MAX;
    m->recirc_id = UINT32_MAX;
    m->dl_type = 0xffff;
    /* A later fragment has no L4 header: whether a packet is a fragment
     * always matters once L4 fields do. */
    if (m->nw_proto || m->tp_src || m->tp_dst || m->nw_frag) {
        m->nw_frag = 0xff;
    }
    /* The mask on the VLAN tag covers the whole tag or nothing, as the
     * datapath matches it. */
    for (int i = 0; i < FLOW_MAX_VLAN_HEADERS; i++) {
        if (m->vlans[i].tci) {
            m->vlans[i].tci = 0xffff;
            m->vlans[i].tpid = 0xffff;
        }
    }
}

static void
ctx_init(struct xctx *ctx, struct xbridge *xb, const struct flow *flow,
         uint16_t in_port, const struct pkt *packet, bool may_learn,
         struct buf *trace_out, struct xlate_out *out)
{
    /* (The memset leaves CTX->st a catch-all match.) */
    memset(ctx, 0, sizeof *ctx);
    ctx->packet = packet;
    ctx->may_learn = may_learn;
    ctx->trace = trace_out;
    ctx->out = out;
    ctx->xbridge = xb;
    ctx->st.flow = *flow;
    ctx->st.flow.in_port = in_port;
    ctx->base = *flow;
    ctx->in_port = in_port;
    of_acts_init(&ctx->action_set);
}

void
xlate_nested(const struct xctx *parent, struct xbridge *xb,
             const struct flow *flow, uint16_t in_port, struct xlate_out *out)
{
    struct xctx sub;

    ctx_init(&sub, xb, flow, in_port, NULL, false, parent->trace, out);
    sub.indent = sub.base_indent = parent->indent + 1;
    sub.depth = parent->depth + 1;
    xlate_trace(&sub, "bridge(\"%s\")", xb->name);
    xlate_table(&sub, 0);
    sub.exit = false;
    run_action_set(&sub);
    of_acts_destroy(&sub.action_set);
}

void
xlate_out_init(struct xlate_out *out)
{
    memset(out, 0, sizeof *out);
    buf_init(&out->odp_actions);
}

void
xlate_out_uninit(struct xlate_out *out)
{
    buf_destroy(&out->odp_actions);
    free(out->hits);
    memset(out, 0, sizeof *out);
}

/* Maps the Geneve options of the packet in CTX, which arrived on IN,
 * into its tun_metadata fields.  Returns true, or false after making
 * CTX's translation a drop of every packet with the same options when
 * they are invalid for the bridge (Open vSwitch: "Invalid Geneve tunnel
 * metadata"). */
static bool
xlate_geneve_opts_in(struct xctx *ctx, const struct xport *in)
{
    char *why = NULL;

    if (ofproto_tlv_md_from_geneve(in->xbridge->ofproto,
                                   &ctx->base.tunnel.opts, &ctx->st, &why)) {
        COVERAGE_INC(xlate_geneve_invalid);
        VLOG_WARN_RL(&rl,
                     "%s: packet from tunnel port %s dropped: invalid "
                     "Geneve tunnel metadata: %s",
                     in->xbridge->name, in->name, why);
        xlate_trace(ctx, "Invalid Geneve tunnel metadata (%s): dropped", why);
        free(why);
        memset(&ctx->out->mask, 0xff, sizeof ctx->out->mask);
        of_acts_destroy(&ctx->action_set);
        return false;
    }
    /* The raw options are the datapath's; OpenFlow sees tun_metadata. */
    memset(&ctx->st.flow.tunnel.opts, 0, sizeof ctx->st.flow.tunnel.opts);
    return true;
}

int
xlate_flow(const struct flow *flow, const struct pkt *packet, bool may_learn,
           struct buf *trace_out, struct xlate_out *out)
{
    const struct xport *in = xlate_xport_find_by_odp(flow->in_port);
    struct ofproto_key tnl_wc;
    struct xctx ctx;

    COVERAGE_INC(xlate_flow);
    out->generation = xlate_generation();
    memset(&tnl_wc, 0, sizeof tnl_wc);
    if (!in && flow->in_port != DPIF_PORT_ANY) {
        /* Decapsulated on a vport: its tunnel says which port. */
        in = xlate_tnl_receive_port(flow->in_port, &flow->tunnel, &tnl_wc);
        if (!in && tnl_port_vport_is(flow->in_port)) {
            /* A wrong key or an unknown remote: no port takes it. */
            COVERAGE_INC(xlate_tnl_no_port);
            memset(&out->mask, 0xff, sizeof out->mask);
            if (trace_out) {
                buf_printf(trace_out,
                           "tunnel packet on datapath port %u "
                           "matches no tunnel port (key, remote or local "
                           "address): dropped\n",
                           flow->in_port);
            }
            return ENODEV;
        }
    }
    if (!in) {
        memset(&out->mask, 0xff, sizeof out->mask);
        if (trace_out) {
            buf_printf(trace_out, "datapath port %u belongs to no bridge\n",
                       flow->in_port);
        }
        return ENODEV;
    }
    ctx_init(&ctx, in->xbridge, flow, in->ofp_port, packet, may_learn,
             trace_out, out);
    if (out->initial_meta) {
        ctx.st.meta = *out->initial_meta;
    }
    if (flow->recirc_id) {
        /* nicflowd's translations never recirculate, so no context can
         * stand behind the id: dropped, in Open vSwitch's words for an id
         * it does not know. */
        xlate_trace(&ctx, "bridge(\"%s\")", in->xbridge->name);
        xlate_trace(&ctx, "-------------");
        xlate_trace(&ctx,
                    "     >>>> Recirculation context not found for "
                    "ID %" PRIu32 " <<<<",
                    flow->recirc_id);
        memset(&ctx.wc, 0, sizeof ctx.wc);
        finish_mask(&ctx);
        if (flow->dl_type == htons(ETH_TYPE_IP)
            || flow->dl_type == htons(ETH_TYPE_IPV6)) {
            out->mask.nw_frag = 0xff;
        }
        if (out->final) {
            *out->final = ctx.st;
        }
        return ENOENT;
    }
    ctx.wc.flow.tunnel = tnl_wc.flow.tunnel;
    if (flow->tunnel.opts.len && !xlate_geneve_opts_in(&ctx, in)) {
        return 0;
    }
    xlate_trace(&ctx, "bridge(\"%s\")", in->xbridge->name);
    xlate_trace(&ctx, "-------------");
    xlate_table(&ctx, 0);
    ctx.exit = false;
    run_action_set(&ctx);
    of_acts_destroy(&ctx.action_set);
    finish_mask(&ctx);
    /* The options consulted, in the datapath's form; a packet that came
     * through no Geneve port has none, and its key no options attribute. */
    if (in->tnl && in->tnl->type == ODP_TNL_TYPE_GENEVE) {
        ofproto_tlv_md_mask(in->xbridge->ofproto, &flow->tunnel.opts,
                            &ctx.wc.flow.tunnel.opts, &out->mask.tunnel.opts);
    } else {
        memset(&out->mask.tunnel.opts, 0, sizeof out->mask.tunnel.opts);
    }
    if (out->final) {
        *out->final = ctx.st;
    }
    xlate_learn_run();
    return 0;
}

int
xlate_packet_out(struct ofproto *ofproto, uint16_t in_port,
                 const struct of_acts *acts, const void *data, size_t len,
                 char **errp)
{
    struct xbridge *xb = xlate_xbridge_find(ofproto);
    if (!xb || !xb->dpif) {
        *errp = xstrdup("the bridge has no datapath");
        return ENODEV;
    }

    struct pkt *p = pkt_from_data(data, len);
    struct flow flow;
    flow_extract(p, &flow);

    /* The datapath executes with some input port; one the packet did not
     * come from is fine since every output is by number.  The bridge's own
     * port is always there. */
    const struct xport *in = xlate_xport_find(xb, in_port);
    const struct xport *local = xlate_xport_find(xb, OF_PORT_LOCAL);
    uint32_t odp_in = in && in->odp_port != DPIF_PORT_ANY ? in->odp_port
                      : local                             ? local->odp_port
                                                          : 0;
    flow.in_port = odp_in;

    struct xlate_out out;
    struct xctx ctx;
    xlate_out_init(&out);
    ctx_init(&ctx, xb, &flow, in_port, p, true, NULL, &out);
    ctx.in_packet_out = true;
    xlate_actions(&ctx, acts->buf.data, acts->buf.len);
    ctx.exit = false;
    run_action_set(&ctx);
    of_acts_destroy(&ctx.action_set);
    xlate_learn_run();

    int error = 0;
    if (out.odp_actions.len) {
        struct dpif_execute ex = {
            .packet = p,
            .in_port = odp_in,
            .actions = out.odp_actions.data,
            .actions_len = out.odp_actions.len,
        };
        error = dpif_execute(xb->dpif, &ex, errp);
    }
    xlate_out_uninit(&out);
    pkt_delete(p);
    return error;
}
