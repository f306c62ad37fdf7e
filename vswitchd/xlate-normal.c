/* xlate-normal.c: the NORMAL action — a MAC learning switch with VLANs,
 * as a bridge's ports configure them (Port tag, trunks, vlan_mode) — and
 * the fdb/ commands that show its learning tables.
 *
 * A frame's VLAN is decided at the input port (access ports put untagged
 * frames into their tag; trunks take the tag of the frame, if they carry
 * it); the source is learned in that VLAN; the destination is looked up in
 * it, and the frame goes out tagged or untagged as each output port's mode
 * says, or floods to every port that carries the VLAN.  The megaflow
 * depends on the input port, both addresses and the VLAN tag. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/hmap.h"
#include "lib/packet.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "ofctl/match.h"
#include "vswitchd/bridge-dump.h"
#include "vswitchd/mac-learning.h"
#include "vswitchd/xlate-private.h"
#include "vswitchd/xlate.h"

/* ---------------------------------------------------------------------
 * NORMAL: MAC learning switch with VLANs.
 * --------------------------------------------------------------------- */

static bool
xport_trunks(const struct xport *xp, uint16_t vlan)
{
    return xp->all_trunks || (xp->trunks[vlan / 8] >> (vlan % 8)) & 1;
}

/* True if XP carries VLAN. */
static bool
xport_carries(const struct xport *xp, uint16_t vlan)
{
    switch (xp->vlan_mode) {
    case XLATE_VLAN_ACCESS:
        return xp->tag >= 0 ? vlan == xp->tag : vlan == 0;
    case XLATE_VLAN_TRUNK:
        return xp->tag >= 0 && xport_trunks(xp, 0) && xp->all_trunks
                   ? vlan == xp->tag
                   : xport_trunks(xp, vlan);
    case XLATE_VLAN_NATIVE_TAGGED:
    case XLATE_VLAN_NATIVE_UNTAGGED:
        return vlan == xp->tag || xport_trunks(xp, vlan);
    }
    return false;
}

/* The VLAN a frame arriving on XP belongs to, or -1 if XP does not accept
 * it.  TCI is the frame's outer tag (0 when untagged). */
static int
input_vlan(struct xctx *ctx, const struct xport *xp, uint16_t tci)
{
    bool tagged = tci & FLOW_VLAN_PRESENT;
    uint16_t vid = tci & VLAN_VID_MASK;

    switch (xp->vlan_mode) {
    case XLATE_VLAN_ACCESS:
        if (tagged && vid) {
            xlate_trace(ctx,
                        "dropping VLAN %u tagged packet received on port %s "
                        "configured as VLAN %d access port",
                        vid, xp->name, xp->tag < 0 ? 0 : xp->tag);
            return -1;
        }
        return xp->tag < 0 ? 0 : xp->tag;
    case XLATE_VLAN_TRUNK:
        if (xp->tag >= 0 && xp->all_trunks) {
            /* A port with a tag and no trunks is an access port. */
            return tagged && vid ? -1 : xp->tag;
        }
        break;
    case XLATE_VLAN_NATIVE_TAGGED:
    case XLATE_VLAN_NATIVE_UNTAGGED:
        if (!tagged || !vid) {
            return xp->tag < 0 ? 0 : xp->tag;
        }
        break;
    }
    if (!xport_trunks(xp, tagged ? vid : 0)) {
        xlate_trace(ctx,
                    "dropping VLAN %u packet received on port %s not "
                    "configured for trunking VLAN %u",
                    vid, xp->name, vid);
        return -1;
    }
    return tagged ? vid : 0;
}

/* Outputs the frame to XP as a member of VLAN, tagged or not as XP's mode
 * says. */
static void
output_normal(struct xctx *ctx, const struct xport *xp, uint16_t vlan)
{
    struct flow_vlan save = ctx->st.flow.vlans[0];
    bool tagged;

    switch (xp->vlan_mode) {
    case XLATE_VLAN_ACCESS:
        tagged = false;
        break;
    case XLATE_VLAN_NATIVE_UNTAGGED:
        tagged = vlan != xp->tag;
        break;
    case XLATE_VLAN_NATIVE_TAGGED:
    case XLATE_VLAN_TRUNK:
    default:
        tagged = vlan != 0 && !(xp->tag >= 0 && xp->all_trunks);
        break;
    }
    if (tagged) {
        uint16_t pcp = (save.tci & htons(FLOW_VLAN_PRESENT))
                           ? ntohs(save.tci) & VLAN_PCP_MASK
                           : 0;
        ctx->st.flow.vlans[0].tpid = htons(ETH_TYPE_VLAN_8021Q);
        ctx->st.flow.vlans[0].tci = htons(pcp | FLOW_VLAN_PRESENT | vlan);
    } else {
        ctx->st.flow.vlans[0].tpid = 0;
        ctx->st.flow.vlans[0].tci = 0;
    }
    xlate_output_port(ctx, xp->ofp_port);
    ctx->st.flow.vlans[0] = save;
}

void
xlate_normal(struct xctx *ctx)
{
    struct xbridge *xb = ctx->xbridge;
    const struct flow *f = &ctx->st.flow;
    const struct xport *in = xlate_xport_find(xb, ctx->in_port);
    long long now = nf_time_msec();

    /* Everything NORMAL looks at. */
    xlate_wc_id(ctx, OF_F_IN_PORT);
    xlate_wc_id(ctx, OF_F_ETH_SRC);
    xlate_wc_id(ctx, OF_F_ETH_DST);
    xlate_wc_id(ctx, OF_F_VLAN_TCI);

    if (!in) {
        xlate_trace(ctx, "no input bundle: dropped");
        return;
    }
    int vlan = input_vlan(ctx, in, ntohs(f->vlans[0].tci));
    if (vlan < 0) {
        return;
    }
    ctx->out->learns = true;
    if (ctx->may_learn
        && mac_learning_learn(xb->ml, &f->dl_src, (uint16_t) vlan,
                              in->ofp_port, now)) {
        xlate_trace(ctx,
                    "learned that %02x:%02x:%02x:%02x:%02x:%02x is on port "
                    "%s in VLAN %d",
                    f->dl_src.ea[0], f->dl_src.ea[1], f->dl_src.ea[2],
                    f->dl_src.ea[3], f->dl_src.ea[4], f->dl_src.ea[5],
                    in->name, vlan);
    }

    int port =
        (f->dl_dst.ea[0] & 1)
            ? -1
            : mac_learning_lookup(xb->ml, &f->dl_dst, (uint16_t) vlan, now);
    if (port >= 0) {
        const struct xport *out = xlate_xport_find(xb, (uint16_t) port);
        if (!out || out == in) {
            xlate_trace(ctx, "learned port is input port, dropping");
            return;
        }
        xlate_trace(ctx, "forwarding to learned port");
        output_normal(ctx, out, (uint16_t) vlan);
        return;
    }

    xlate_trace(ctx, "no learned MAC for destination, flooding");
    size_t n;
    const struct xport **ports = xlate_sorted_ports(xb, &n);
    for (size_t i = 0; i < n; i++) {
        const struct xport *xp = ports[i];
        if (xp != in && xp->flood && xport_carries(xp, (uint16_t) vlan)) {
            output_normal(ctx, xp, (uint16_t) vlan);
        }
    }
    free(ports);
}

/* ---------------------------------------------------------------------
 * fdb/ commands.
 * --------------------------------------------------------------------- */

static struct xbridge *
fdb_bridge(struct unixctl_conn *conn, const char *name)
{
    struct xbridge *xb = xlate_xbridge_find_by_name(name);
    if (!xb) {
        unixctl_command_reply_error(conn, "no such bridge\n");
    }
    return xb;
}

static void
fdb_show(struct unixctl_conn *conn, int argc NF_UNUSED, const char *argv[],
         void *aux NF_UNUSED)
{
    struct xbridge *xb = fdb_bridge(conn, argv[1]);
    if (xb) {
        struct buf out = BUF_INITIALIZER;
        long long now = nf_time_msec();
        mac_learning_expire(xb->ml, now);
        mac_learning_format(xb->ml, now, &out);
        unixctl_command_reply(conn, buf_cstr(&out));
        buf_destroy(&out);
    }
}

static void
fdb_flush(struct unixctl_conn *conn, int argc, const char *argv[],
          void *aux NF_UNUSED)
{
    if (argc > 1) {
        struct xbridge *xb = fdb_bridge(conn, argv[1]);
        if (!xb) {
            return;
        }
        mac_learning_flush(xb->ml);
    } else {
        struct xbridge *xb;
        HMAP_FOR_EACH (xb, node, &xlate_xbridges) {
            mac_learning_flush(xb->ml);
        }
    }
    unixctl_command_reply(conn, "table successfully flushed\n");
}

static void
fdb_stats_show(struct unixctl_conn *conn, int argc NF_UNUSED,
               const char *argv[], void *aux NF_UNUSED)
{
    struct xbridge *xb = fdb_bridge(conn, argv[1]);
    if (xb) {
        struct mac_learning_stats st;
        struct buf out = BUF_INITIALIZER;

        mac_learning_get_stats(xb->ml, &st);
        buf_printf(&out, "Statistics for bridge \"%s\":\n", xb->name);
        buf_printf(&out,
                   "  Current/maximum MAC entries in the table: "
                   "%zu/%zu\n",
                   mac_learning_count(xb->ml), mac_learning_max(xb->ml));
        buf_printf(&out,
                   "  Total number of learned MAC entries     : %" PRIu64 "\n",
                   st.n_learned);
        buf_printf(&out,
                   "  Total number of expired MAC entries     : %" PRIu64 "\n",
                   st.n_expired);
        buf_printf(&out,
                   "  Total number of evicted MAC entries     : %" PRIu64 "\n",
                   st.n_evicted);
        buf_printf(&out,
                   "  Total number of port moved MAC entries  : %" PRIu64 "\n",
                   st.n_moved);
        unixctl_command_reply(conn, buf_cstr(&out));
        buf_destroy(&out);
    }
}

void
xlate_run(long long now_ms)
{
    struct xbridge *xb;

    HMAP_FOR_EACH (xb, node, &xlate_xbridges) {
        mac_learning_expire(xb->ml, now_ms);
    }
}

void
xlate_register_commands(void)
{
    bridge_dump_register();
    unixctl_command_register("fdb/show", "BRIDGE", 1, 1, fdb_show, NULL);
    unixctl_command_register("fdb/flush", "[BRIDGE]", 0, 1, fdb_flush, NULL);
    unixctl_command_register("fdb/stats-show", "BRIDGE", 1, 1, fdb_stats_show,
                             NULL);
}
