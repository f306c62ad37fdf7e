/* upcall-trace.c: translations made for a person to read, installing
 * nothing: ofproto/trace and offload/explain.
 *
 * ofproto/trace takes Open vSwitch 3.1's two forms,
 *
 *   ofproto/trace BRIDGE BR_FLOW [-generate | PACKET]
 *   ofproto/trace [DP] ODP_FLOW [-generate | PACKET]
 *
 * BR_FLOW in ovs-ofctl's match syntax (its in_port is the OpenFlow port),
 * ODP_FLOW in the datapath's ("in_port(2),eth(...)", as dpctl/dump-flows
 * prints it; DP is accepted and ignored: nicflowd has one datapath).
 * With PACKET (the frame in hex, as ovs-ofctl packet-out takes it) the
 * headers are the packet's and BR_FLOW gives the input port and the
 * metadata.  With PACKET or -generate the translation has its side
 * effects (MAC learning, learn actions), as Open vSwitch's has when it
 * has a packet; with neither, none ("suppressing side effects").  The
 * trace starts with the flow ("Flow:", Open vSwitch's flow_format() text),
 * lists every table visited and ends with "Final flow:" (what the actions
 * made of the flow, or "unchanged"), the megaflow and the datapath
 * actions. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/flow.h"
#include "lib/packet.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "ofctl/flow-text.h"
#include "ofctl/match.h"
#include "offload/offload.h"
#include "softpath/dpif.h"
#include "softpath/odp.h"
#include "vswitchd/ofproto-tlv.h"
#include "vswitchd/upcall-private.h"
#include "vswitchd/xlate.h"

/* Parses FLOW_TEXT (ovs-ofctl match syntax, "in_port=1,dl_src=...") for
 * bridge BRIDGE into *FL, with *FLOW its match with the datapath's input
 * port number.  Returns NULL, or an error message (caller frees) after
 * which there is nothing to destroy. */
static char *
parse_bridge_flow(const char *bridge, const char *flow_text,
                  struct of_flow *fl, struct flow *flow)
{
    struct ofproto *ofp = xlate_ofproto_by_name(bridge);
    if (!ofp) {
        return xstrdup("no such bridge");
    }

    /* A delete needs no actions: the text is only a match. */
    char *err = of_flow_parse(fl, flow_text, OF_FLOW_DELETE, NULL, NULL);
    if (err) {
        return err;
    }

    *flow = fl->match.flow;
    if (fl->match.tun_md.present) {
        /* tun_metadata given in the flow: the options that carry it. */
        uint64_t used;
        flow->tunnel.opts.len = (uint8_t) ofproto_tlv_md_to_geneve(
            ofp, &fl->match, flow->tunnel.opts.data, &used);
    }
    uint16_t ofp_in = (uint16_t) flow->in_port;
    uint32_t odp_in = xlate_odp_port(ofp, ofp_in);
    if (odp_in == DPIF_PORT_ANY) {
        of_flow_destroy(fl);
        return xasprintf("no OpenFlow port %u on bridge %s", ofp_in, bridge);
    }
    flow->in_port = odp_in;
    return NULL;
}

/* parse_bridge_flow(), replying to CONN with the error if it fails;
 * returns true if *FL and *FLOW were filled. */
static bool
parse_bridge_flow_or_reply(struct unixctl_conn *conn, const char *bridge,
                           const char *flow_text, struct of_flow *fl,
                           struct flow *flow)
{
    char *err = parse_bridge_flow(bridge, flow_text, fl, flow);
    if (err) {
        char *msg = xasprintf("%s\n", err);
        unixctl_command_reply_error(conn, msg);
        free(msg);
        free(err);
        return false;
    }
    return true;
}

/* offload/explain BRIDGE FLOW: the megaflow FLOW would get, and what the
 * offload manager would do with it, installing nothing. */
static void
offload_explain_cmd(struct unixctl_conn *conn, int argc NF_UNUSED,
                    const char *argv[], void *aux NF_UNUSED)
{
    struct of_flow fl;
    struct flow flow;
    if (!parse_bridge_flow_or_reply(conn, argv[1], argv[2], &fl, &flow)) {
        return;
    }

    struct buf out = BUF_INITIALIZER;
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct xlate_out xo;

    xlate_out_init(&xo);
    xlate_flow(&flow, NULL, false, NULL, &xo);
    if (xo.slow) {
        /* What the upcall handler installs for it. */
        buf_clear(&xo.odp_actions);
        upcall_slow_path_actions(&xo.odp_actions);
    }
    odp_flow_to_key(&key, &flow, &xo.mask);
    odp_flow_to_mask(&mask, &flow, &xo.mask);
    buf_put_cstr(&out, "Megaflow: ");
    odp_flow_format(&out, key.data, key.len, mask.data, mask.len);
    buf_put_cstr(&out, "\nDatapath actions: ");
    odp_actions_format(&out, xo.odp_actions.data, xo.odp_actions.len);
    if (xo.slow) {
        buf_put_cstr(&out, " (slow path: packets go to a controller)");
    }
    buf_put_cstr(&out, "\nOffload: ");
    offload_explain(key.data, key.len, mask.data, mask.len,
                    xo.odp_actions.data, xo.odp_actions.len, &out);
    buf_put_cstr(&out, "\n");
    unixctl_command_reply(conn, buf_cstr(&out));

    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&out);
    xlate_out_uninit(&xo);
    of_flow_destroy(&fl);
}

/* Parses the frame in hex TEXT (whitespace allowed between bytes) into a
 * new packet.  NULL with an error message in *ERRP (caller frees). */
static struct pkt *
parse_packet(const char *text, char **errp)
{
    struct buf bytes = BUF_INITIALIZER;
    const char *p = text;

    while (*p) {
        if (isspace((unsigned char) *p)) {
            p++;
            continue;
        }
        if (!isxdigit((unsigned char) p[0])
            || !isxdigit((unsigned char) p[1])) {
            *errp = xasprintf("Trailing garbage in packet data: \"%s\" is "
                              "not a pair of hex digits",
                              p);
            buf_destroy(&bytes);
            return NULL;
        }
        char pair[3] = { p[0], p[1], 0 };
        uint8_t byte = (uint8_t) strtoul(pair, NULL, 16);
        buf_put(&bytes, &byte, 1);
        p += 2;
    }
    if (bytes.len < 14) {
        *errp = xasprintf("packet data of %zu bytes: an Ethernet frame has "
                          "at least 14",
                          bytes.len);
        buf_destroy(&bytes);
        return NULL;
    }
    struct pkt *pkt = pkt_from_data(bytes.data, bytes.len);
    buf_destroy(&bytes);
    return pkt;
}

/* The megaflow of FLOW under MASK as Open vSwitch's trace prints it, in
 * match syntax with the OpenFlow input port OFP_IN:
 * "recirc_id=0,eth,ip,in_port=1,dl_src=...,nw_frag=no". */
static void
format_megaflow(const struct flow *flow, const struct flow *mask,
                uint16_t ofp_in, struct buf *out)
{
    struct of_match m;
    const uint8_t *f = (const uint8_t *) flow, *k = (const uint8_t *) mask;
    uint8_t *v = (uint8_t *) &m.flow;

    of_match_init_catchall(&m);
    for (size_t i = 0; i < sizeof *flow; i++) {
        v[i] = f[i] & k[i];
    }
    m.mask = *mask;
    /* Geneve options as the tun_metadata fields they map to. */
    memset(&m.flow.tunnel.opts, 0, sizeof m.flow.tunnel.opts);
    memset(&m.mask.tunnel.opts, 0, sizeof m.mask.tunnel.opts);
    struct ofproto *ofp = xlate_flow_bridge(flow);
    if (ofp && mask->tunnel.opts.len) {
        char *why = NULL;
        if (ofproto_tlv_md_from_geneve_masked(ofp, &flow->tunnel.opts,
                                              &mask->tunnel.opts, &m, &why)) {
            free(why);
        }
    }
    m.flow.in_port = ofp_in;
    m.mask.in_port = 0xffff;
    /* Every megaflow matches recirc_id and dl_type exactly, so the text
     * has recirc_id and the packet type ("eth") after pkt_mark, where
     * Open vSwitch puts them. */
    m.flow.recirc_id = flow->recirc_id;
    m.mask.recirc_id = UINT32_MAX;
    of_match_format(&m, OF_DEFAULT_PRIORITY, out);
}

/* Copies field ID of ST into M with an exact mask. */
static void
trace_take(struct of_match *m, const struct of_match *st, enum of_field_id id)
{
    const struct of_field *f = of_field_from_id(id);
    union of_value v;

    of_match_get(st, f, &v, NULL);
    of_match_set(m, f, &v, NULL);
}

/* Copies field ID of ST into M when its value is not zero: Open vSwitch
 * leaves out the metadata fields that are all zeros. */
static void
trace_take_nonzero(struct of_match *m, const struct of_match *st,
                   enum of_field_id id)
{
    const struct of_field *f = of_field_from_id(id);
    union of_value v;

    of_match_get(st, f, &v, NULL);
    if (!of_value_is_zero(f, &v)) {
        of_match_set(m, f, &v, NULL);
    }
}

/* True if ST's conntrack state is a valid connection's (Open vSwitch's
 * is_ct_valid() on a packet: a state bit other than trk and inv, or
 * tracked and not invalid): only then has the packet an original tuple. */
static bool
trace_ct_valid(const struct of_match *st)
{
    uint32_t cs = st->meta.ct_state;

    return (cs & ~(uint32_t) (OF_CS_TRACKED | OF_CS_INVALID))
           || ((cs & OF_CS_TRACKED) && !(cs & OF_CS_INVALID));
}

/* Appends the packet and pipeline fields ST (st->flow.in_port an OpenFlow
 * port; masks ignored) as Open vSwitch 3.1's trace prints a flow ("Flow:"
 * and "Final flow:", its flow_format()): the protocol keyword and every
 * field the packet's protocols have, in match syntax, with the metadata
 * that is not zero.  The fields are those of a match on exactly this
 * packet, so the text is of_match_format_packet()'s with the right fields
 * exact. */
static void
trace_flow_format(const struct of_match *st, struct buf *out)
{
    const struct flow *f = &st->flow;
    uint16_t dl_type = ntohs(f->dl_type);
    bool ip4 = dl_type == ETH_TYPE_IP, ip6 = dl_type == ETH_TYPE_IPV6;
    /* Neighbour discovery: ICMPv6 type 135 or 136, code 0. */
    bool nd = ip6 && f->nw_proto == IPPROTO_ICMPV6
              && (f->tp_src == htons(135) || f->tp_src == htons(136))
              && !f->tp_dst;
    struct of_match m;

    of_match_init_catchall(&m);

    /* Datapath and pipeline metadata, when not zero. */
    static const enum of_field_id meta[] = {
        OF_F_PKT_MARK, OF_F_RECIRC_ID, OF_F_DP_HASH, OF_F_SKB_PRIORITY,
        OF_F_CT_STATE, OF_F_CT_ZONE,   OF_F_CT_MARK, OF_F_CT_LABEL,
        OF_F_METADATA, OF_F_IN_PORT,
    };
    for (size_t i = 0; i < ARRAY_SIZE(meta); i++) {
        trace_take_nonzero(&m, st, meta[i]);
    }
    for (int i = 0; i < OF_N_REGS; i++) {
        trace_take_nonzero(&m, st, OF_F_REG0 + i);
    }
    if ((ip4 || ip6) && st->meta.ct_nw_proto && trace_ct_valid(st)) {
        /* The connection's original tuple; its addresses are not kept
         * for neighbour discovery. */
        if (ip4) {
            trace_take(&m, st, OF_F_CT_NW_SRC);
            trace_take(&m, st, OF_F_CT_NW_DST);
        } else if (!nd) {
            trace_take(&m, st, OF_F_CT_IPV6_SRC);
            trace_take(&m, st, OF_F_CT_IPV6_DST);
        }
        trace_take(&m, st, OF_F_CT_NW_PROTO);
        trace_take(&m, st, OF_F_CT_TP_SRC);
        trace_take(&m, st, OF_F_CT_TP_DST);
    }

    /* The tunnel, when the packet came through one (or was given one):
     * all of it (of_match_format_packet() adds the fields that no
     * OpenFlow field names), tun_id only when the header had a key.
     * Without a destination there is no tunnel, but a tun_id that is not
     * zero still shows. */
    static const struct in6_addr any6;
    if (f->tunnel.ip_dst || memcmp(&f->tunnel.ipv6_dst, &any6, sizeof any6)) {
        static const enum of_field_id tnl[] = {
            OF_F_TUN_SRC,      OF_F_TUN_DST,    OF_F_TUN_IPV6_SRC,
            OF_F_TUN_IPV6_DST, OF_F_TUN_GBP_ID, OF_F_TUN_GBP_FLAGS,
        };
        for (size_t i = 0; i < ARRAY_SIZE(tnl); i++) {
            trace_take(&m, st, tnl[i]);
        }
        if (f->tunnel.flags & PKT_TUN_F_KEY) {
            trace_take(&m, st, OF_F_TUN_ID);
        }
        /* The outer ToS and TTL and every flag, which no OpenFlow field
         * (or only tun_flags' OAM bit) covers. */
        m.flow.tunnel.tos = f->tunnel.tos;
        m.flow.tunnel.ttl = f->tunnel.ttl;
        m.flow.tunnel.flags = f->tunnel.flags;
        m.mask.tunnel.tos = m.mask.tunnel.ttl = 0xff;
        m.mask.tunnel.flags = 0xffff;
        /* tun_metadata the packet's options map to (or actions set). */
        for (unsigned i = 0; i < OF_N_TUN_MD; i++) {
            if (st->tun_md.present & (UINT64_C(1) << i)) {
                trace_take(&m, st, OF_F_TUN_METADATA0 + i);
            }
        }
    } else {
        trace_take_nonzero(&m, st, OF_F_TUN_ID);
    }

    /* Ethernet: the first VLAN header always (vlan_tci=0x0000 when
     * untagged), the second when the first is there. */
    trace_take(&m, st, OF_F_ETH_SRC);
    trace_take(&m, st, OF_F_ETH_DST);
    trace_take(&m, st, OF_F_ETH_TYPE);
    m.flow.vlans[0].tci = f->vlans[0].tci;
    m.mask.vlans[0].tci = 0xffff;
    if (f->vlans[0].tci & htons(VLAN_CFI)) {
        m.flow.vlans[1].tci = f->vlans[1].tci;
        m.mask.vlans[1].tci = 0xffff;
    }

    if (ip4 || ip6) {
        static const enum of_field_id l3v4[] = {
            OF_F_IPV4_SRC, OF_F_IPV4_DST, OF_F_IP_PROTO, OF_F_NW_TOS,
            OF_F_IP_ECN,   OF_F_IP_TTL,   OF_F_IP_FRAG,
        };
        static const enum of_field_id l3v6[] = {
            OF_F_IPV6_SRC, OF_F_IPV6_DST, OF_F_IPV6_LABEL, OF_F_IP_PROTO,
            OF_F_NW_TOS,   OF_F_IP_ECN,   OF_F_IP_TTL,     OF_F_IP_FRAG,
        };
        const enum of_field_id *l3 = ip4 ? l3v4 : l3v6;
        size_t n_l3 = ip4 ? ARRAY_SIZE(l3v4) : ARRAY_SIZE(l3v6);
        for (size_t i = 0; i < n_l3; i++) {
            trace_take(&m, st, l3[i]);
        }

        /* The transport header of the protocols Open vSwitch parses, but
         * for a later fragment, which has none: ICMP's type and code under
         * their names, those of the others (IGMP, or ICMP in IPv6) as
         * tp_src and tp_dst. */
        uint8_t proto = f->nw_proto;
        bool l4 = proto == IPPROTO_TCP || proto == IPPROTO_UDP
                  || proto == IPPROTO_SCTP || proto == IPPROTO_ICMP
                  || proto == IPPROTO_ICMPV6 || proto == IPPROTO_IGMP;
        if (l4 && !(f->nw_frag & FLOW_NW_FRAG_LATER)) {
            if (ip4 && proto == IPPROTO_ICMP) {
                trace_take(&m, st, OF_F_ICMPV4_TYPE);
                trace_take(&m, st, OF_F_ICMPV4_CODE);
            } else if (ip6 && proto == IPPROTO_ICMPV6) {
                trace_take(&m, st, OF_F_ICMPV6_TYPE);
                trace_take(&m, st, OF_F_ICMPV6_CODE);
            } else {
                trace_take(&m, st, OF_F_TCP_SRC);
                trace_take(&m, st, OF_F_TCP_DST);
                if (proto == IPPROTO_TCP) {
                    trace_take(&m, st, OF_F_TCP_FLAGS);
                }
            }
        }
        if (nd) {
            /* Neighbour discovery: target and link addresses. */
            trace_take(&m, st, OF_F_ND_TARGET);
            trace_take(&m, st, OF_F_ND_SLL);
            trace_take(&m, st, OF_F_ND_TLL);
        }
    } else if (dl_type == ETH_TYPE_ARP || dl_type == ETH_TYPE_RARP) {
        static const enum of_field_id arp[] = {
            OF_F_ARP_SPA, OF_F_ARP_TPA, OF_F_ARP_OP,
            OF_F_ARP_SHA, OF_F_ARP_THA,
        };
        for (size_t i = 0; i < ARRAY_SIZE(arp); i++) {
            trace_take(&m, st, arp[i]);
        }
    } else if (dl_type == ETH_TYPE_MPLS || dl_type == ETH_TYPE_MPLS_MCAST) {
        trace_take(&m, st, OF_F_MPLS_LABEL);
        trace_take(&m, st, OF_F_MPLS_TC);
        trace_take(&m, st, OF_F_MPLS_TTL);
        trace_take(&m, st, OF_F_MPLS_BOS);
        /* The entries below the top, whole. */
        for (int i = 1; i < FLOW_MAX_MPLS_LABELS; i++) {
            m.flow.mpls_lse[i] = f->mpls_lse[i];
            m.mask.mpls_lse[i] = 0xffffffff;
        }
    }
    of_match_format_packet(&m, out);
}

/* The packet and pipeline state a trace starts from: FLOW's fields, with
 * OFP_IN, the OpenFlow input port, and the pipeline fields the trace's
 * flow gave (registers, metadata, conntrack state: GIVEN's values). */
static void
trace_start_state(const struct flow *flow, uint16_t ofp_in,
                  const struct of_match *given, struct of_match *st)
{
    of_match_init_catchall(st);
    st->flow = *flow;
    st->flow.in_port = ofp_in;
    st->meta = given->meta;
}

/* True if the values of A and B (trace states: masks ignored) are the
 * same.  As Open vSwitch, the trace says "Final flow: unchanged" only then:
 * a field the text leaves out (tun_id without a key) counts too. */
static bool
trace_state_equal(const struct of_match *a, const struct of_match *b)
{
    return !memcmp(&a->flow, &b->flow, sizeof a->flow)
           && !memcmp(&a->meta, &b->meta, sizeof a->meta)
           && a->tun_md.present == b->tun_md.present
           && !memcmp(a->tun_md.len, b->tun_md.len, sizeof a->tun_md.len)
           && !memcmp(a->tun_md.ofs, b->tun_md.ofs, sizeof a->tun_md.ofs)
           && !memcmp(a->tun_md.value, b->tun_md.value,
                      sizeof a->tun_md.value);
}

/* Maps the Geneve options of FLOW (the datapath's flow) into ST's
 * tun_metadata as translation does. */
static void
trace_start_opts(const struct flow *flow, struct of_match *st)
{
    struct ofproto *ofp = xlate_flow_bridge(flow);
    char *why = NULL;

    if (ofp && flow->tunnel.opts.len
        && ofproto_tlv_md_from_geneve(ofp, &flow->tunnel.opts, st, &why)) {
        free(why);
    }
    memset(&st->flow.tunnel.opts, 0, sizeof st->flow.tunnel.opts);
}

/* The datapath-flow form's flow: TEXT in the datapath's syntax
 * ("in_port(2),eth(...),..."), its in_port a datapath port.  Fills *FLOW
 * and *SHOWN (the same with the OpenFlow input port).  NULL or an error
 * message (caller frees). */
static char *
parse_odp_flow(const char *text, struct flow *flow, struct flow *shown)
{
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    char *err = NULL;

    if (!odp_flow_from_string(text, &key, &mask, &err)
        && !odp_key_to_flow(key.data, key.len, flow, &err)) {
        uint16_t ofp = xlate_ofp_port(flow->in_port);
        if (ofp == 0xffff && !xlate_flow_bridge(flow)) {
            err = xasprintf("datapath port %u belongs to no bridge",
                            flow->in_port);
        }
        *shown = *flow;
        shown->in_port = ofp;
    }
    buf_destroy(&key);
    buf_destroy(&mask);
    return err;
}

/* ofproto/trace's forms: BRIDGE BR_FLOW [PACKET | -generate], or
 * [DP] ODP_FLOW [PACKET | -generate] (DP, a datapath name, is optional:
 * nicflowd has one datapath). */
static void
ofproto_trace(struct unixctl_conn *conn, int argc, const char *argv[],
              void *aux NF_UNUSED)
{
    struct of_flow fl;
    struct flow flow;
    struct flow shown;
    int i_flow, i_extra;
    bool odp_form;

    /* A datapath flow has parentheses; a bridge's flow has none. */
    if (strchr(argv[1], '(')) {
        odp_form = true;
        i_flow = 1;
    } else if (argc > 2 && strchr(argv[2], '(')
               && !xlate_ofproto_by_name(argv[1])) {
        odp_form = true;
        i_flow = 2;
    } else {
        odp_form = false;
        i_flow = 2;
    }
    i_extra = i_flow + 1;
    if (argc < i_flow + 1 || argc > i_extra + 1) {
        unixctl_command_reply_error(conn, "usage: ofproto/trace BRIDGE "
                                          "BR_FLOW [-generate | PACKET] or "
                                          "[DP] ODP_FLOW [-generate | "
                                          "PACKET]\n");
        return;
    }
    bool generate = argc > i_extra && !strcmp(argv[i_extra], "-generate");
    bool side_effects = argc > i_extra;

    of_flow_init(&fl, OF_FLOW_DELETE);
    if (odp_form) {
        char *err = parse_odp_flow(argv[i_flow], &flow, &shown);
        if (err) {
            char *msg = xasprintf("%s\n", err);
            unixctl_command_reply_error(conn, msg);
            free(msg);
            free(err);
            of_flow_destroy(&fl);
            return;
        }
        fl.match.flow.in_port = shown.in_port;
    } else {
        of_flow_destroy(&fl);
        if (!parse_bridge_flow_or_reply(conn, argv[1], argv[2], &fl, &flow)) {
            return;
        }
        shown = fl.match.flow;
    }
    if (argc > i_extra && !generate) {
        /* The packet's headers; in_port and metadata from the flow. */
        char *err = NULL;
        struct pkt *pkt = parse_packet(argv[i_extra], &err);
        if (!pkt) {
            char *msg = xasprintf("%s\n", err);
            unixctl_command_reply_error(conn, msg);
            free(msg);
            free(err);
            of_flow_destroy(&fl);
            return;
        }
        struct flow pf;
        flow_extract(pkt, &pf);
        pkt_delete(pkt);
        pf.in_port = flow.in_port;
        pf.tunnel = flow.tunnel;
        pf.pkt_mark = flow.pkt_mark;
        pf.recirc_id = flow.recirc_id;
        flow = pf;
        shown = pf;
        shown.in_port = fl.match.flow.in_port;
    }

    struct buf out = BUF_INITIALIZER;
    struct buf tr = BUF_INITIALIZER;
    struct xlate_out xo;

    struct of_match start, final;
    trace_start_state(&shown, fl.match.flow.in_port, &fl.match, &start);
    trace_start_opts(&flow, &start);
    buf_put_cstr(&out, "Flow: ");
    trace_flow_format(&start, &out);
    buf_put_cstr(&out, "\n\n");
    xlate_out_init(&xo);
    final = start;
    xo.final = &final;
    /* Registers, metadata and the like given in the flow take part in
     * the lookups, as in Open vSwitch's trace. */
    xo.initial_meta = &start.meta;
    int xerr = xlate_flow(&flow, NULL, side_effects, &tr, &xo);
    buf_put(&out, tr.data, tr.len);

    buf_put_cstr(&out, "\nFinal flow: ");
    if (trace_state_equal(&start, &final)) {
        buf_put_cstr(&out, "unchanged");
    } else {
        trace_flow_format(&final, &out);
    }
    buf_put_cstr(&out, "\nMegaflow: ");
    format_megaflow(&flow, &xo.mask, fl.match.flow.in_port, &out);
    buf_put_cstr(&out, "\nDatapath actions: ");
    odp_actions_format(&out, xo.odp_actions.data, xo.odp_actions.len);
    if (xo.slow) {
        buf_put_cstr(&out, "\nThis flow is handled by the userspace slow "
                           "path because it:\n  - Sends \"packet-in\" "
                           "messages to the OpenFlow controller.");
    }
    if (xerr == ENOENT) {
        buf_put_cstr(&out, "\nTranslation failed (No recirculation "
                           "context), packet is dropped.");
    }
    buf_put_cstr(&out, "\n");
    unixctl_command_reply(conn, buf_cstr(&out));

    buf_destroy(&tr);
    buf_destroy(&out);
    xlate_out_uninit(&xo);
    of_flow_destroy(&fl);
}

void
upcall_trace_register(void)
{
    unixctl_command_register("ofproto/trace",
                             "{BRIDGE BR_FLOW | [DP] ODP_FLOW} "
                             "[-generate | PACKET]",
                             1, 3, ofproto_trace, NULL);
    unixctl_command_register("offload/explain", "BRIDGE FLOW", 2, 2,
                             offload_explain_cmd, NULL);
}
