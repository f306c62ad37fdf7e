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
 * has a packet; with neither, none ("suppressing side effects").  The trace lists every table visited and
 * ends with the megaflow and the datapath actions. */
#include <ctype.h>
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
    m.flow.in_port = ofp_in;
    m.mask.in_port = 0xffff;
    m.flow.recirc_id = m.mask.recirc_id = 0;
    buf_printf(out, "recirc_id=%u,eth", flow->recirc_id);
    char *s = of_match_to_string(&m, OF_DEFAULT_PRIORITY);
    if (*s) {
        buf_printf(out, ",%s", s);
    }
    free(s);
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

    buf_put_cstr(&out, "Flow: ");
    flow_format(&out, &shown);
    buf_put_cstr(&out, "\n\n");
    xlate_out_init(&xo);
    xlate_flow(&flow, NULL, side_effects, &tr, &xo);
    buf_put(&out, tr.data, tr.len);

    buf_put_cstr(&out, "\nMegaflow: ");
    format_megaflow(&flow, &xo.mask, fl.match.flow.in_port, &out);
    buf_put_cstr(&out, "\nDatapath actions: ");
    odp_actions_format(&out, xo.odp_actions.data, xo.odp_actions.len);
    if (xo.slow) {
        buf_put_cstr(&out, "\nThis flow is handled by the userspace slow "
                           "path because it:\n  - Sends \"packet-in\" "
                           "messages to the OpenFlow controller.");
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
