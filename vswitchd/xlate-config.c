/* xlate-config.c: the bridges and ports translation knows (see xlate.h:
 * xlate_bridge_set(), xlate_port_set() and their lookups), and the
 * generation that tells revalidators when a translation may have become
 * stale.  bridge.c and bridge-iface.c keep them in step with the
 * database; the walk itself (xlate.c) only reads them. */
#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/dpif.h"
#include "vswitchd/mac-learning.h"
#include "vswitchd/tnl-neigh.h"
#include "vswitchd/tnl-port.h"
#include "vswitchd/tnl-route.h"
#include "vswitchd/xlate-private.h"

VLOG_DEFINE_THIS_MODULE(xlate_config);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

struct hmap xlate_xbridges = HMAP_INITIALIZER;
struct hmap xlate_tnl_xports = HMAP_INITIALIZER;
static struct hmap xports_by_odp = HMAP_INITIALIZER;
static uint64_t xcfg_generation;

/* ---------------------------------------------------------------------
 * Configuration.
 * --------------------------------------------------------------------- */

static uint32_t
ptr_hash(const void *p)
{
    return hash_bytes(&p, sizeof p, 0);
}

struct xbridge *
xlate_xbridge_find(const struct ofproto *ofproto)
{
    struct xbridge *xb;

    HMAP_FOR_EACH_WITH_HASH (xb, node, ptr_hash(ofproto), &xlate_xbridges) {
        if (xb->ofproto == ofproto) {
            return xb;
        }
    }
    return NULL;
}

struct xbridge *
xlate_xbridge_find_by_name(const char *name)
{
    struct xbridge *xb;

    HMAP_FOR_EACH (xb, node, &xlate_xbridges) {
        if (!strcmp(xb->name, name)) {
            return xb;
        }
    }
    return NULL;
}

struct xport *
xlate_xport_find(const struct xbridge *xb, uint16_t ofp_port)
{
    struct xport *xp;

    HMAP_FOR_EACH_WITH_HASH (xp, ofp_node, hash_int(ofp_port, 0), &xb->ports) {
        if (xp->ofp_port == ofp_port) {
            return xp;
        }
    }
    return NULL;
}

struct xport *
xlate_xport_find_by_odp(uint32_t odp_port)
{
    struct xport *xp;

    HMAP_FOR_EACH_WITH_HASH (xp, odp_node, hash_int(odp_port, 0),
                             &xports_by_odp) {
        if (xp->odp_port == odp_port) {
            return xp;
        }
    }
    return NULL;
}

struct ofproto *
xlate_ofproto_by_name(const char *name)
{
    struct xbridge *xb = xlate_xbridge_find_by_name(name);
    return xb ? xb->ofproto : NULL;
}

uint32_t
xlate_odp_port(const struct ofproto *ofproto, uint16_t ofp_port)
{
    struct xbridge *xb = xlate_xbridge_find(ofproto);
    struct xport *xp = xb ? xlate_xport_find(xb, ofp_port) : NULL;
    return xp ? xp->odp_port : DPIF_PORT_ANY;
}

struct ofproto *
xlate_odp_port_bridge(uint32_t odp_port)
{
    struct xport *xp = xlate_xport_find_by_odp(odp_port);
    return xp ? xp->xbridge->ofproto : NULL;
}

uint16_t
xlate_ofp_port(uint32_t odp_port)
{
    struct xport *xp = xlate_xport_find_by_odp(odp_port);
    return xp ? xp->ofp_port : 0xffff;
}

struct ofproto *
xlate_flow_bridge(const struct flow *flow)
{
    const struct xport *xp = xlate_xport_find_by_odp(flow->in_port);
    struct ofproto_key wc;

    if (!xp) {
        xp = xlate_tnl_receive_port(flow->in_port, &flow->tunnel, &wc);
    }
    return xp ? xp->xbridge->ofproto : NULL;
}

struct dpif *
xlate_any_dpif(void)
{
    struct xbridge *xb;

    HMAP_FOR_EACH (xb, node, &xlate_xbridges) {
        if (xb->dpif) {
            return xb->dpif;
        }
    }
    return NULL;
}

struct mac_learning *
xlate_mac_learning(const struct ofproto *ofproto)
{
    struct xbridge *xb = xlate_xbridge_find(ofproto);
    return xb ? xb->ml : NULL;
}

void
xlate_bridge_set(struct ofproto *ofproto, struct dpif *dpif, const char *name,
                 unsigned int mac_aging_s, size_t mac_table_size)
{
    struct xbridge *xb = xlate_xbridge_find(ofproto);

    if (!xb) {
        xb = xzalloc(sizeof *xb);
        xb->ofproto = ofproto;
        xb->ml = mac_learning_create(mac_aging_s, mac_table_size);
        hmap_init(&xb->ports);
        hmap_insert(&xlate_xbridges, &xb->node, ptr_hash(ofproto));
    } else {
        mac_learning_set(xb->ml, mac_aging_s, mac_table_size, nf_time_msec());
        free(xb->name);
    }
    xb->name = xstrdup(name);
    xb->dpif = dpif;
    xcfg_generation++;
}

static void
xport_destroy(struct xport *xp)
{
    struct xbridge *xb = xp->xbridge;

    hmap_remove(&xb->ports, &xp->ofp_node);
    if (xp->tnl) {
        hmap_remove(&xlate_tnl_xports, &xp->tnl_node);
        free(xp->tnl);
    } else if (xp->odp_port != DPIF_PORT_ANY) {
        hmap_remove(&xports_by_odp, &xp->odp_node);
    }
    free(xp->name);
    free(xp->peer_bridge);
    free(xp);
}

void
xlate_bridge_remove(struct ofproto *ofproto)
{
    struct xbridge *xb = xlate_xbridge_find(ofproto);
    struct xport *xp;

    if (!xb) {
        return;
    }
    HMAP_FOR_EACH_SAFE (xp, ofp_node, &xb->ports) {
        xport_destroy(xp);
    }
    hmap_destroy(&xb->ports);
    hmap_remove(&xlate_xbridges, &xb->node);
    mac_learning_destroy(xb->ml);
    free(xb->name);
    free(xb);
    xcfg_generation++;
}

void
xlate_port_set(struct ofproto *ofproto, const struct xlate_port_cfg *cfg)
{
    struct xbridge *xb = xlate_xbridge_find(ofproto);

    if (!xb) {
        VLOG_WARN_RL(&rl, "port %s: its bridge is unknown to translation",
                     cfg->name);
        return;
    }
    struct xport *old = xlate_xport_find(xb, cfg->ofp_port);
    if (old) {
        xport_destroy(old);
    }

    struct xport *xp = xzalloc(sizeof *xp);
    xp->xbridge = xb;
    xp->ofp_port = cfg->ofp_port;
    xp->odp_port = cfg->odp_port;
    xp->name = xstrdup(cfg->name ? cfg->name : "");
    xp->vlan_mode = cfg->vlan_mode;
    xp->tag = cfg->tag;
    xp->all_trunks = !cfg->n_trunks;
    for (size_t i = 0; i < cfg->n_trunks; i++) {
        uint16_t v = cfg->trunks[i] & VLAN_VID_MASK;
        xp->trunks[v / 8] |= (uint8_t) (1u << (v % 8));
    }
    xp->peer_bridge = cfg->peer_bridge ? xstrdup(cfg->peer_bridge) : NULL;
    xp->peer_ofp_port = cfg->peer_ofp_port;
    xp->flood = cfg->flood;
    xp->mac = cfg->mac;
    hmap_insert(&xb->ports, &xp->ofp_node, hash_int(xp->ofp_port, 0));
    if (cfg->tnl) {
        /* Many tunnel ports share one vport: they are found by their
         * tunnel's addresses and key, not by the port number alone. */
        xp->tnl = xmemdup(cfg->tnl, sizeof *cfg->tnl);
        hmap_insert(&xlate_tnl_xports, &xp->tnl_node,
                    hash_int(xp->odp_port, 0));
    } else if (xp->odp_port != DPIF_PORT_ANY) {
        hmap_insert(&xports_by_odp, &xp->odp_node, hash_int(xp->odp_port, 0));
    }
    xcfg_generation++;
}

void
xlate_port_remove(struct ofproto *ofproto, uint16_t ofp_port)
{
    struct xbridge *xb = xlate_xbridge_find(ofproto);
    struct xport *xp = xb ? xlate_xport_find(xb, ofp_port) : NULL;

    if (xp) {
        mac_learning_flush_port(xb->ml, ofp_port);
        xport_destroy(xp);
        xcfg_generation++;
    }
}

uint64_t
xlate_generation(void)
{
    uint64_t g = xcfg_generation;
    struct xbridge *xb;

    HMAP_FOR_EACH (xb, node, &xlate_xbridges) {
        g += ofproto_generation(xb->ofproto) + mac_learning_generation(xb->ml);
    }
    if (hmap_count(&xlate_tnl_xports)) {
        /* A tunnel's output depends on the route and neighbour tables (a
         * flow translated on a neighbour miss drops until it is redone). */
        g += tnl_route_generation() + tnl_neigh_generation();
    }
    return g;
}
