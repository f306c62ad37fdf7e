/* xlate-tnl.c: native tunnelling in translation (see xlate-private.h).
 *
 * Output through a tunnel port becomes "tnl_push(header, out_port)": the
 * route to the remote end names the underlay bridge (the device holding
 * the local address, br-phy in the usual setup), the neighbour cache gives
 * the next hop's MAC, and the underlay bridge's own pipeline, run on the
 * outer packet as if it came from the bridge's internal port, picks the
 * physical port(s).  Input works the other way round: an underlay packet
 * that the pipeline sends to a bridge's internal port, addressed to that
 * device's address and to a listening tunnel vport, is decapsulated there
 * (tnl_pop) instead of going to the host, and the inner packet comes back
 * in on the vport, where xlate_tnl_receive_port() picks the interface.
 *
 * As in Open vSwitch, nicflowd does not ask the kernel for the underlay's
 * neighbours: it learns them from the ARP replies and neighbour
 * advertisements that reach a bridge's internal port, and on a miss sends
 * an ARP request of its own and drops the packet; the flow is translated
 * again when the neighbour cache changes (xlate_generation()).
 *
 * On the kernel datapath (openvswitch.ko) none of that is nicflowd's: its
 * tunnel vports are kernel tunnel devices in collect-metadata mode, so
 * output is "set(tunnel(...)),output(vport)" and the kernel routes,
 * resolves the next hop and builds the header; input arrives on the vport
 * already decapsulated, with the outer header as tunnel metadata, and
 * underlay packets addressed to the host go up the host stack to the
 * tunnel device as on any Linux host.  Open vSwitch does the same. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/openvswitch.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/dpif.h"
#include "softpath/odp.h"
#include "vswitchd/ofproto-tlv.h"
#include "vswitchd/tnl-neigh.h"
#include "vswitchd/tnl-port.h"
#include "vswitchd/tnl-route.h"
#include "vswitchd/xlate-private.h"

VLOG_DEFINE_THIS_MODULE(xlate_tnl);

COVERAGE_DEFINE(xlate_tnl_push);
COVERAGE_DEFINE(xlate_tnl_pop);
COVERAGE_DEFINE(xlate_tnl_kernel);
COVERAGE_DEFINE(xlate_tnl_no_route);
COVERAGE_DEFINE(xlate_tnl_neigh_miss);
COVERAGE_DEFINE(xlate_tnl_arp_request);
COVERAGE_DEFINE(xlate_tnl_snoop);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

#define XLATE_TNL_MAX_DEPTH 64

static void
v4_mapped(uint32_t be32, struct in6_addr *a)
{
    memset(a, 0, sizeof *a);
    a->s6_addr[10] = a->s6_addr[11] = 0xff;
    memcpy(&a->s6_addr[12], &be32, 4);
}

static bool
is_v4_mapped(const struct in6_addr *a)
{
    static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };
    return !memcmp(a->s6_addr, prefix, sizeof prefix);
}

/* A as text: dotted quad for an IPv4-mapped address. */
static const char *
addr_str(const struct in6_addr *a, char s[INET6_ADDRSTRLEN])
{
    return is_v4_mapped(a)
               ? inet_ntop(AF_INET, &a->s6_addr[12], s, INET6_ADDRSTRLEN)
               : inet_ntop(AF_INET6, a, s, INET6_ADDRSTRLEN);
}

/* Whether CTX's bridge is on the kernel datapath, whose tunnel vports
 * encapsulate and decapsulate by themselves. */
static bool
kernel_tunnels(const struct xctx *ctx)
{
    const struct dpif *dpif = ctx->xbridge->dpif;
    return dpif && !strcmp(dpif_type(dpif), "system");
}

/* ---------------------------------------------------------------------
 * Input.
 * --------------------------------------------------------------------- */

const struct xport *
xlate_tnl_receive_port(uint32_t odp_port, const struct pkt_tunnel *tun,
                       struct ofproto_key *wc)
{
    const struct xport *best = NULL;
    const struct xport *xp;
    int best_score = -1;

    HMAP_FOR_EACH_WITH_HASH (xp, tnl_node, hash_int(odp_port, 0),
                             &xlate_tnl_xports) {
        const struct tnl_port_cfg *cfg = xp->tnl;

        if (xp->odp_port != odp_port || !tnl_port_cfg_receives(cfg, tun)) {
            continue;
        }
        /* The most specific port wins, as in Open vSwitch: a fixed key
         * over key=flow, a fixed remote over remote_ip=flow, a fixed
         * local address over none. */
        int score =
            (!cfg->in_key_flow) * 4 + (!cfg->remote_flow) * 2 + cfg->has_local;
        if (score > best_score) {
            best = xp;
            best_score = score;
        }
    }
    /* The choice read the outer addresses (of the packet's family only:
     * the kernel refuses a tunnel key with both) and the key. */
    struct pkt_tunnel *m = &wc->flow.tunnel;
    if (tun->ip_src || tun->ip_dst) {
        memset(&m->ip_src, 0xff, sizeof m->ip_src);
        memset(&m->ip_dst, 0xff, sizeof m->ip_dst);
    } else {
        memset(&m->ipv6_src, 0xff, sizeof m->ipv6_src);
        memset(&m->ipv6_dst, 0xff, sizeof m->ipv6_dst);
    }
    memset(&m->tun_id, 0xff, sizeof m->tun_id);
    return best;
}

/* Learns the underlay neighbour of bridge XB from an ARP reply (or
 * gratuitous ARP) or neighbour advertisement on its way to XB's own
 * port. */
static void
snoop(struct xctx *ctx)
{
    const struct flow *st = &ctx->st.flow;

    if (st->dl_type == htons(ETH_TYPE_ARP)) {
        /* Only replies and gratuitous ARPs teach, and the megaflow says
         * no more than it takes to tell (as Open vSwitch's does): the
         * addresses, then the opcode unless it is a gratuitous ARP, then
         * the sender's MAC of one that teaches. */
        xlate_wc_id(ctx, OF_F_ARP_SPA);
        xlate_wc_id(ctx, OF_F_ARP_TPA);
        if (st->nw_src == st->nw_dst) {
            xlate_wc_id(ctx, OF_F_ETH_DST);
        } else {
            xlate_wc_id(ctx, OF_F_ARP_OP);
            if (st->nw_proto != 2 /* reply */) {
                return;
            }
        }
        xlate_wc_id(ctx, OF_F_ARP_SHA);
    } else if (st->dl_type == htons(ETH_TYPE_IPV6)
               && st->nw_proto == IPPROTO_ICMPV6) {
        xlate_wc_id(ctx, OF_F_IP_PROTO);
        xlate_wc_id(ctx, OF_F_ICMPV6_TYPE);
        xlate_wc_id(ctx, OF_F_ICMPV6_CODE);
        xlate_wc_id(ctx, OF_F_IPV6_SRC);
        xlate_wc_id(ctx, OF_F_IPV6_DST);
        xlate_wc_id(ctx, OF_F_ND_TARGET);
        xlate_wc_id(ctx, OF_F_ND_TLL);
    } else {
        return;
    }
    if (ctx->may_learn && !tnl_neigh_snoop(st, ctx->xbridge->name)) {
        COVERAGE_INC(xlate_tnl_snoop);
        xlate_trace(ctx, "-> learned the underlay neighbour for bridge %s",
                    ctx->xbridge->name);
    }
}

bool
xlate_tnl_terminate(struct xctx *ctx, const struct xport *xp)
{
    const struct flow *st = &ctx->st.flow;
    struct in6_addr dst6;
    uint32_t vport, type;
    uint16_t dst_port = 0;
    char s[INET6_ADDRSTRLEN];

    if (!hmap_count(&xlate_tnl_xports) || kernel_tunnels(ctx)) {
        /* No tunnels, or the kernel's: nothing to terminate or learn. */
        return false;
    }
    xlate_wc_id(ctx, OF_F_ETH_TYPE);
    bool v4 = st->dl_type == htons(ETH_TYPE_IP);
    bool v6 = st->dl_type == htons(ETH_TYPE_IPV6);
    if (!v4 && !v6) {
        snoop(ctx);
        return false;
    }
    xlate_wc_id(ctx, OF_F_IP_PROTO);
    if (v6 && st->nw_proto == IPPROTO_ICMPV6) {
        snoop(ctx);
        return false;
    }
    xlate_wc_id(ctx, v4 ? OF_F_IPV4_DST : OF_F_IPV6_DST);
    xlate_wc_id(ctx, OF_F_IP_FRAG);
    if (st->nw_frag) {
        return false; /* Fragments are the host's to reassemble. */
    }
    if (st->nw_proto == IPPROTO_UDP) {
        xlate_wc_id(ctx, OF_F_UDP_DST);
        dst_port = ntohs(st->tp_dst);
        if (!tnl_port_vport_listening(ODP_TNL_TYPE_VXLAN, dst_port, &vport)
            && !tnl_port_vport_listening(ODP_TNL_TYPE_GENEVE, dst_port,
                                         &vport)) {
            return false;
        }
    } else if (st->nw_proto == IPPROTO_GRE && v4) {
        if (!tnl_port_vport_listening(ODP_TNL_TYPE_GRE, 0, &vport)) {
            return false;
        }
    } else {
        return false;
    }
    if (v4) {
        v4_mapped(st->nw_dst, &dst6);
    } else {
        dst6 = st->ipv6_dst;
    }
    if (!tnl_route_addr_is_local(xp->name, &dst6)) {
        return false;
    }
    tnl_port_vport_find(vport, &type, &dst_port);
    xlate_commit(ctx);
    odp_put_tnl_pop(&ctx->out->odp_actions, vport);
    COVERAGE_INC(xlate_tnl_pop);
    xlate_trace(ctx, "-> %s packet to %s: tnl_pop(%" PRIu32 ")",
                tnl_port_type_name(type), addr_str(&dst6, s), vport);
    return true;
}

/* ---------------------------------------------------------------------
 * Output.
 * --------------------------------------------------------------------- */

static void send_from_local(struct xctx *, struct xbridge *,
                            const struct xport *, const uint8_t *frame,
                            size_t size);

/* Whether a neighbour request for IP on bridge DEV may go out now: one a
 * second per address, however many packets wait for it. */
static bool
request_due(const char *dev, const struct in6_addr *ip)
{
    static struct {
        char dev[IFNAMSIZ];
        struct in6_addr ip;
        long long sent;
    } recent[16];
    static size_t next;
    long long now = nf_time_msec();

    for (size_t i = 0; i < ARRAY_SIZE(recent); i++) {
        if (!strcmp(recent[i].dev, dev)
            && !memcmp(&recent[i].ip, ip, sizeof *ip)) {
            if (now - recent[i].sent < 1000) {
                return false;
            }
            recent[i].sent = now;
            return true;
        }
    }
    snprintf(recent[next].dev, sizeof recent[next].dev, "%s", dev);
    recent[next].ip = *ip;
    recent[next].sent = now;
    next = (next + 1) % ARRAY_SIZE(recent);
    return true;
}

/* Sends an ARP request for NEXTHOP from the underlay bridge UB's own port
 * LOCAL (address SRC), through UB's pipeline. */
static void
send_arp_request(struct xctx *ctx, struct xbridge *ub,
                 const struct xport *local, uint32_t src, uint32_t nexthop)
{
    uint8_t frame[42];
    uint8_t *p = frame;

    memset(p, 0xff, ETH_ADDR_LEN);
    memcpy(p + 6, local->mac.ea, ETH_ADDR_LEN);
    p[12] = 0x08;
    p[13] = 0x06;
    p += 14;
    static const uint8_t arp_hdr[8] = { 0, 1, 8, 0, 6, 4, 0, 1 };
    memcpy(p, arp_hdr, sizeof arp_hdr);
    memcpy(p + 8, local->mac.ea, ETH_ADDR_LEN);
    memcpy(p + 14, &src, 4);
    memset(p + 18, 0, ETH_ADDR_LEN);
    memcpy(p + 24, &nexthop, 4);

    send_from_local(ctx, ub, local, frame, sizeof frame);
}

/* Sends FRAME (SIZE bytes) from the underlay bridge UB's own port LOCAL
 * through UB's pipeline. */
static void
send_from_local(struct xctx *ctx, struct xbridge *ub,
                const struct xport *local, const uint8_t *frame, size_t size)
{
    struct pkt *pkt = pkt_from_data(frame, size);
    struct flow f;
    flow_extract(pkt, &f);
    f.in_port = local->odp_port;

    struct xlate_out out;
    xlate_out_init(&out);
    xlate_nested(ctx, ub, &f, OF_PORT_LOCAL, &out);
    if (!out.slow && out.odp_actions.len && ub->dpif) {
        struct dpif_execute exec = {
            .packet = pkt,
            .in_port = local->odp_port,
            .actions = out.odp_actions.data,
            .actions_len = out.odp_actions.len,
        };
        char *err = NULL;
        if (dpif_execute(ub->dpif, &exec, &err)) {
            VLOG_WARN_RL(&rl,
                         "bridge %s: could not send a neighbour "
                         "request: %s",
                         ub->name, err ? err : "unknown error");
        } else {
            COVERAGE_INC(xlate_tnl_arp_request);
        }
        free(err);
    }
    xlate_out_uninit(&out);
    pkt_delete(pkt);
}

/* Sends a neighbour solicitation for TARGET from SRC out of the underlay
 * bridge UB's own port LOCAL. */
static void
send_ns(struct xctx *ctx, struct xbridge *ub, const struct xport *local,
        const struct in6_addr *src, const struct in6_addr *target)
{
    uint8_t frame[14 + 40 + 32];
    uint8_t *p = frame;
    struct in6_addr dst = { .s6_addr = { 0xff,
                                         0x02, [11] = 0x01, [12] = 0xff } };

    memcpy(&dst.s6_addr[13], &target->s6_addr[13], 3);
    memset(frame, 0, sizeof frame);
    p[0] = 0x33;
    p[1] = 0x33;
    memcpy(p + 2, &dst.s6_addr[12], 4);
    memcpy(p + 6, local->mac.ea, ETH_ADDR_LEN);
    p[12] = 0x86;
    p[13] = 0xdd;
    p += 14;
    p[0] = 0x60;
    p[5] = 32; /* Payload length. */
    p[6] = IPPROTO_ICMPV6;
    p[7] = 255; /* Hop limit. */
    memcpy(p + 8, src, 16);
    memcpy(p + 24, &dst, 16);
    p += 40;
    p[0] = 135; /* Neighbour solicitation. */
    memcpy(p + 8, target, 16);
    p[24] = 1; /* Source link-layer address option, 8 bytes. */
    p[25] = 1;
    memcpy(p + 26, local->mac.ea, ETH_ADDR_LEN);
    uint16_t csum = pkt_csum_finish(pkt_csum_add(
        pkt_csum_pseudo_ipv6(src, &dst, IPPROTO_ICMPV6, 32), p, 32));
    memcpy(p + 2, &csum, 2);
    send_from_local(ctx, ub, local, frame, sizeof frame);
}

/* Output through tunnel port XP on the kernel datapath: the metadata TUN
 * for the vport, which does the rest. */
static void
output_kernel(struct xctx *ctx, const struct xport *xp,
              const struct pkt_tunnel *tun)
{
    char s[INET6_ADDRSTRLEN];
    struct in6_addr dst6;

    if (tun->ip_dst) {
        v4_mapped(tun->ip_dst, &dst6);
    } else {
        dst6 = tun->ipv6_dst;
    }
    xlate_commit(ctx); /* Pending rewrites of the inner packet first. */
    odp_put_set_tunnel(&ctx->out->odp_actions, tun);
    odp_put_output(&ctx->out->odp_actions, xp->odp_port);
    COVERAGE_INC(xlate_tnl_kernel);
    xlate_trace(ctx,
                "-> output to tunnel %s: %s to %s through the kernel's "
                "tunnel vport %" PRIu32,
                xp->name, tnl_port_type_name(xp->tnl->type),
                addr_str(&dst6, s), xp->odp_port);
}

void
xlate_tnl_output(struct xctx *ctx, const struct xport *xp)
{
    const struct tnl_port_cfg *cfg = xp->tnl;
    const struct flow *st = &ctx->st.flow;
    bool ip = st->dl_type == htons(ETH_TYPE_IP)
              || st->dl_type == htons(ETH_TYPE_IPV6);
    char s[INET6_ADDRSTRLEN], s2[INET6_ADDRSTRLEN];
    struct pkt_tunnel tun;

    if (cfg->tos_inherit || cfg->ttl_inherit) {
        xlate_wc_id(ctx, OF_F_ETH_TYPE);
        if (ip) {
            xlate_wc_id(ctx, cfg->tos_inherit ? OF_F_NW_TOS : OF_F_IP_TTL);
            if (cfg->tos_inherit && cfg->ttl_inherit) {
                xlate_wc_id(ctx, OF_F_IP_TTL);
            }
        }
    }
    /* Fields taken from the flow make the output depend on them when
     * they are the tunnel the packet came through; a value set_field
     * wrote depends only on the rules that wrote it. */
    const struct pkt_tunnel *in = &ctx->base.tunnel;
    if (cfg->remote_flow && st->tunnel.ip_dst == in->ip_dst) {
        xlate_wc_id(ctx, OF_F_TUN_DST);
    }
    if (cfg->local_flow && st->tunnel.ip_src == in->ip_src) {
        xlate_wc_id(ctx, OF_F_TUN_SRC);
    }
    if (cfg->out_key_flow && st->tunnel.tun_id == in->tun_id) {
        xlate_wc_id(ctx, OF_F_TUN_ID);
    }
    tnl_port_cfg_output(cfg, &st->tunnel, ip ? st->nw_tos : 0,
                        ip ? st->nw_ttl : 0, &tun);
    /* tun_metadata goes out as Geneve options (the whole options the
     * bridge maps; the output depends on every field it reads). */
    memset(&tun.opts, 0, sizeof tun.opts);
    if (cfg->type == ODP_TNL_TYPE_GENEVE) {
        uint64_t used;
        tun.opts.len = (uint8_t) ofproto_tlv_md_to_geneve(
            ctx->xbridge->ofproto, &ctx->st, tun.opts.data, &used);
        ctx->wc.flow.tunnel.opts.present |= used;
    }
    bool v6 = !tun.ip_dst;
    if (v6 && IN6_IS_ADDR_UNSPECIFIED(&tun.ipv6_dst)) {
        xlate_trace(ctx,
                    "-> output to tunnel %s: no remote address "
                    "(remote_ip=flow without tun_dst): dropped",
                    xp->name);
        return;
    }
    if (kernel_tunnels(ctx)) {
        output_kernel(ctx, xp, &tun);
        return;
    }

    /* The underlay: route, bridge, source address, next hop. */
    struct in6_addr dst6, src6, gw;
    char dev[IFNAMSIZ];
    if (v6) {
        dst6 = tun.ipv6_dst;
        src6 = tun.ipv6_src;
    } else {
        v4_mapped(tun.ip_dst, &dst6);
        if (tun.ip_src) {
            v4_mapped(tun.ip_src, &src6);
        } else {
            memset(&src6, 0, sizeof src6);
        }
    }
    if (!tnl_route_lookup(st->pkt_mark, &dst6, dev, &src6, &gw)) {
        /* Not cached as a drop: the route may come any moment, and only
         * packets that reach userspace can use it before a revalidation
         * notices. */
        ctx->out->slow = true;
        COVERAGE_INC(xlate_tnl_no_route);
        xlate_trace(ctx,
                    "-> output to tunnel %s: native tunnel routing "
                    "failed: no route to %s: dropped",
                    xp->name, addr_str(&dst6, s));
        return;
    }
    struct xbridge *ub = xlate_xbridge_find_by_name(dev);
    const struct xport *local =
        ub ? xlate_xport_find(ub, OF_PORT_LOCAL) : NULL;
    if (!local) {
        xlate_trace(ctx,
                    "-> output to tunnel %s: the route to %s leaves "
                    "by %s, which is not a bridge: dropped",
                    xp->name, addr_str(&dst6, s), dev);
        return;
    }
    if (is_v4_mapped(&src6) == v6) {
        xlate_trace(ctx,
                    "-> output to tunnel %s: no IPv%d source address "
                    "on %s: dropped",
                    xp->name, v6 ? 6 : 4, dev);
        return;
    }
    if (v6) {
        tun.ipv6_src = src6;
    } else {
        memcpy(&tun.ip_src, &src6.s6_addr[12], 4);
    }
    struct in6_addr nh = gw;
    if (IN6_IS_ADDR_UNSPECIFIED(&gw)) {
        nh = dst6;
    }

    struct eth_addr nh_mac;
    if (tnl_neigh_lookup(dev, &nh, &nh_mac)) {
        /* Every packet comes to userspace until the neighbour is known:
         * a translation without a packet (a revalidation) sends no
         * request, so a flow cached now would wait for a reply that no
         * request asked for. */
        ctx->out->slow = true;
        COVERAGE_INC(xlate_tnl_neigh_miss);
        xlate_trace(ctx,
                    "-> output to tunnel %s: neighbor cache miss for "
                    "%s on bridge %s, sending %s request: dropped",
                    xp->name, addr_str(&nh, s), dev, v6 ? "ND" : "ARP");
        if (ctx->packet && request_due(dev, &nh)) {
            if (v6) {
                send_ns(ctx, ub, local, &src6, &nh);
            } else {
                uint32_t nh4;
                memcpy(&nh4, &nh.s6_addr[12], 4);
                send_arp_request(ctx, ub, local, tun.ip_src, nh4);
            }
        }
        return;
    }
    if (ctx->depth >= XLATE_TNL_MAX_DEPTH) {
        xlate_trace(ctx, "-> too many nested translations: dropped");
        return;
    }

    struct odp_action_push_tnl push;
    memset(&push, 0, sizeof push);
    push.tnl_port = xp->odp_port;
    push.tnl_type = cfg->type;
    push.header_len = (uint32_t) tnl_port_build_header(
        cfg->type, cfg->dst_port, (tun.flags & PKT_TUN_F_CSUM) != 0, &tun,
        &local->mac, &nh_mac, push.header);
    if (!push.header_len
        || odp_tnl_push_add_geneve_opts(&push, tun.opts.data, tun.opts.len)) {
        xlate_trace(ctx,
                    "-> output to tunnel %s: cannot build the outer "
                    "header: dropped",
                    xp->name);
        return;
    }

    /* The outer packet, as the underlay bridge sees it from its own
     * port; only its outputs are used (the header is fixed above). */
    struct flow of;
    memset(&of, 0, sizeof of);
    of.in_port = local->odp_port;
    of.dl_src = local->mac;
    of.dl_dst = nh_mac;
    if (v6) {
        of.dl_type = htons(ETH_TYPE_IPV6);
        of.ipv6_src = tun.ipv6_src;
        of.ipv6_dst = tun.ipv6_dst;
    } else {
        of.dl_type = htons(ETH_TYPE_IP);
        of.nw_src = tun.ip_src;
        of.nw_dst = tun.ip_dst;
    }
    of.nw_tos = tun.tos;
    of.nw_ttl = tun.ttl;
    if (cfg->type == ODP_TNL_TYPE_GRE) {
        of.nw_proto = IPPROTO_GRE;
    } else {
        of.nw_proto = IPPROTO_UDP;
        of.tp_dst = htons(cfg->dst_port);
    }
    xlate_trace(ctx, "-> output to tunnel %s: %s from %s to %s via bridge %s",
                xp->name, tnl_port_type_name(cfg->type), addr_str(&src6, s),
                addr_str(&dst6, s2), dev);

    struct xlate_out sub;
    xlate_out_init(&sub);
    xlate_nested(ctx, ub, &of, OF_PORT_LOCAL, &sub);
    xlate_add_hits(ctx, &sub);

    /* Pending rewrites of the inner packet come first. */
    xlate_commit(ctx);
    const struct nlattr *a;
    size_t n_out = 0;
    bool other = sub.slow;
    const uint8_t *p = sub.odp_actions.data;
    size_t left = sub.odp_actions.len;
    while (left >= sizeof(struct nlattr)) {
        a = (const struct nlattr *) p;
        if (a->nla_len < sizeof *a || a->nla_len > left) {
            other = true;
            break;
        }
        if (mnl_attr_get_type(a) == OVS_ACTION_ATTR_OUTPUT
            && mnl_attr_get_payload_len(a) == 4) {
            push.out_port = mnl_attr_get_u32(a);
            odp_put_tnl_push(&ctx->out->odp_actions, &push);
            n_out++;
        } else {
            other = true;
        }
        size_t step = MNL_ALIGN(a->nla_len);
        if (step > left) {
            break;
        }
        p += step;
        left -= step;
    }
    if (other) {
        xlate_trace(ctx, "   (the underlay bridge's actions other than "
                         "output are not applied to tunnel packets)");
    }
    if (!n_out) {
        xlate_trace(ctx,
                    "   the underlay bridge %s sent the tunnel packet "
                    "nowhere: dropped",
                    dev);
    } else {
        COVERAGE_INC(xlate_tnl_push);
    }
    xlate_out_uninit(&sub);
}
