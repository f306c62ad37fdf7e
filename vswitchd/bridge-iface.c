/* bridge-iface.c: the ports and interfaces of nicflowd's bridges — Port
 * and Interface rows turned into datapath ports, OpenFlow ports and the
 * translation layer's port descriptions, and the interface state written
 * back to the database.
 *
 * Interface types are a table (bridge-iface-type.c).  A type not in the
 * table is an error on that interface alone.
 *
 * OpenFlow numbers are chosen as Open vSwitch chooses them: the bridge's
 * own interface is LOCAL; an interface with ofport_request gets it if it
 * is free; an interface whose row still holds the number it had before
 * (nicflowd restarted) gets it back; any other gets the next free number
 * after the last one handed out, so that a freed number is not reused at
 * once by a port that old flows would then match. */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofctl/match.h"
#include "ofctl/ofp-port.h"
#include "offload/offload.h"
#include "ovsdb/datum.h"
#include "ovsdb/idl.h"
#include "softpath/dpif.h"
#include "softpath/netdev.h"
#include "vswitchd/bridge-private.h"
#include "vswitchd/tnl-port.h"

#include "config.h" /* HAVE_DPDK */
#ifdef HAVE_DPDK
#include "softpath/netdev-dpdk.h"
#endif

VLOG_DEFINE_THIS_MODULE(bridge_iface);

COVERAGE_DEFINE(bridge_iface_add);
COVERAGE_DEFINE(bridge_iface_del);
COVERAGE_DEFINE(bridge_iface_error);
COVERAGE_DEFINE(bridge_iface_status_change);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 20);

struct hmap bridge_ifaces = HMAP_INITIALIZER;
struct hmap bridge_ifaces_by_name = HMAP_INITIALIZER;

/* Automatically chosen OpenFlow numbers stay in the lower half of the
 * range, leaving the upper half to controllers, as in Open vSwitch. */
#define IFACE_OFP_AUTO_MAX 32767

/* ---------------------------------------------------------------------
 * Lookups.
 * --------------------------------------------------------------------- */

static struct bridge_iface *
iface_find_by_name(const char *name)
{
    struct bridge_iface *iface;

    HMAP_FOR_EACH_WITH_HASH (iface, name_node, hash_string(name, 0),
                             &bridge_ifaces_by_name) {
        if (!strcmp(iface->name, name)) {
            return iface;
        }
    }
    return NULL;
}

static struct bridge_port *
port_find(const struct bridge *br, const struct ovsdb_uuid *uuid)
{
    struct bridge_port *port;

    HMAP_FOR_EACH_WITH_HASH (port, node, ovsdb_uuid_hash(uuid), &br->ports) {
        if (ovsdb_uuid_equals(&port->uuid, uuid)) {
            return port;
        }
    }
    return NULL;
}

/* The interface of PORT if it is in the bridge, else NULL. */
static struct bridge_iface *
port_live_iface(const struct bridge_port *port)
{
    return port->iface && port->iface->ofp_port ? port->iface : NULL;
}

static struct bridge_iface *
iface_find_by_ofp(const struct bridge *br, uint16_t ofp_port)
{
    struct bridge_iface *iface;
    struct bridge_port *port;

    HMAP_FOR_EACH (port, node, &br->ports) {
        if ((iface = port_live_iface(port)) && iface->ofp_port == ofp_port) {
            return iface;
        }
    }
    return NULL;
}

struct bridge_iface *
bridge_local_iface(const struct bridge *br)
{
    return iface_find_by_ofp(br, OF_PORT_LOCAL);
}

bool
bridge_min_system_mac(const struct bridge *br, struct eth_addr *ea)
{
    const struct bridge_iface *iface;
    const struct bridge_port *port;
    bool found = false;

    HMAP_FOR_EACH (port, node, &br->ports) {
        const struct eth_addr *mac;

        if (!(iface = port_live_iface(port))) {
            continue;
        }
        mac = &iface->status.mac;
        /* As Open vSwitch chooses: no multicast and no locally
         * administered address (a veth's random MAC is one; taking it
         * would make the port's own device accept the bridge's frames). */
        if (iface->class->physical && iface->status.has_mac
            && !(mac->ea[0] & 3)
            && (!found || memcmp(mac, ea, sizeof *ea) < 0)) {
            static const struct eth_addr zero;

            if (memcmp(mac, &zero, sizeof zero)) {
                *ea = *mac;
                found = true;
            }
        }
    }
    return found;
}

/* ---------------------------------------------------------------------
 * OpenFlow and translation.
 * --------------------------------------------------------------------- */

static void
iface_to_ofproto_port(const struct bridge_iface *iface,
                      struct ofproto_port *op)
{
    memset(op, 0, sizeof *op);
    op->ofp_port = iface->ofp_port;
    /* OpenFlow port names have 16 bytes: longer names (patch ports may
     * have them) are cut, as Open vSwitch cuts them on the wire. */
    memcpy(op->name, iface->name, strnlen(iface->name, sizeof op->name - 1));
    op->hw_addr = iface->status.mac;
    if (iface->status.known && !iface->status.admin_up) {
        op->config |= OF_PC_PORT_DOWN;
    }
    if (iface->status.known && !iface->status.link_up) {
        op->state |= OF_PS_LINK_DOWN;
    }
    if (!(op->state & OF_PS_LINK_DOWN)) {
        op->state |= OF_PS_LIVE;
    }
}

static void
iface_xlate_set(const struct bridge_iface *iface)
{
    const struct bridge_port *port = iface->port;
    struct xlate_port_cfg cfg = {
        .ofp_port = iface->ofp_port,
        .odp_port = iface->odp_port,
        .name = iface->name,
        .vlan_mode = port->vlan_mode,
        .tag = port->tag,
        .trunks = port->trunks,
        .n_trunks = port->n_trunks,
        .peer_bridge = iface->peer_bridge,
        .peer_ofp_port = iface->peer_ofp_port,
        .flood = true,
        .tnl = iface->tnl,
        .mac = iface->status.mac,
    };

    xlate_port_set(port->bridge->ofproto, &cfg);
}

/* ---------------------------------------------------------------------
 * Interfaces.
 * --------------------------------------------------------------------- */

/* The configuration columns of an Interface row; a change elsewhere (the
 * columns nicflowd writes) needs no reconciliation. */
static const char *const iface_cfg_columns[] = {
    "type", "options", "ofport_request", "other_config", "mtu_request"
};

static bool
iface_row_changed(const struct ovsdb_idl_row *row)
{
    for (size_t i = 0; i < ARRAY_SIZE(iface_cfg_columns); i++) {
        if (ovsdb_idl_row_column_changed_since(row, iface_cfg_columns[i],
                                               bridge_since)) {
            return true;
        }
    }
    return false;
}

/* ROW's interface type, with Open vSwitch's two rules: empty means
 * "system", and the bridge's own interface is always internal. */
static const char *
iface_row_type(const struct bridge *br, const struct ovsdb_idl_row *row)
{
    const char *name = ovsdb_idl_row_get_string(row, "name");
    const char *type = ovsdb_idl_row_get_string(row, "type");

    if (name && !strcmp(name, br->name)) {
        return "internal";
    }
    return type && *type ? type : "system";
}

/* ROW's options as "key=value,..." in key order (the map is sorted).  A
 * dpdk interface's port also gets the mtu_request column as an option of
 * that name (its MTU is the device's, set through DPDK). */
static char *
iface_row_options(const struct ovsdb_idl_row *row)
{
    const struct ovsdb_datum *d = ovsdb_idl_row_get(row, "options");
    const char *type = ovsdb_idl_row_get_string(row, "type");
    struct buf out = BUF_INITIALIZER;

    for (unsigned int i = 0; d && i < d->n; i++) {
        buf_printf(&out, "%s%s=%s", i ? "," : "", d->keys[i].string->s,
                   d->values[i].string->s);
    }
    if (type && !strcmp(type, "dpdk")
        && ovsdb_idl_row_get_n(row, "mtu_request")) {
        buf_printf(
            &out, "%smtu_request=%lld", out.len ? "," : "",
            (long long) ovsdb_idl_row_get_integer(row, "mtu_request", 0));
    }
    return buf_steal_cstr(&out);
}

/* Records ERROR (formatted) as the reason IFACE is not in its bridge and
 * logs it, unless it is the reason already recorded (a retry that failed
 * the same way says nothing new). */
static void NF_PRINTF(3, 4)
    iface_fail(struct bridge_iface *iface, bool retry, const char *fmt, ...)
{
    va_list args;
    char *msg;

    va_start(args, fmt);
    msg = xvasprintf(fmt, args);
    va_end(args);
    COVERAGE_INC(bridge_iface_error);
    if (!iface->error || strcmp(iface->error, msg)) {
        VLOG_WARN_RL(&rl, "bridge %s: %s", iface->port->bridge->name, msg);
    }
    free(iface->error);
    iface->error = msg;
    iface->retry = retry;
}

static bool
iface_ofp_in_use(const struct bridge *br, uint16_t ofp_port)
{
    return iface_find_by_ofp(br, ofp_port) != NULL;
}

/* Chooses the OpenFlow number of a new interface of BR: see the top of
 * this file.  Returns 0 if every number is taken. */
static uint16_t
iface_choose_ofp(struct bridge *br, const char *name, int64_t request,
                 int64_t hint)
{
    if (!strcmp(name, br->name)) {
        return OF_PORT_LOCAL;
    }
    if (request > 0 && request < OF_PORT_MAX) {
        if (!iface_ofp_in_use(br, (uint16_t) request)) {
            return (uint16_t) request;
        }
        VLOG_WARN_RL(&rl,
                     "bridge %s: %s: ofport_request %" PRId64 " is taken; "
                     "choosing another number",
                     br->name, name, request);
    }
    if (hint > 0 && hint < OF_PORT_MAX
        && !iface_ofp_in_use(br, (uint16_t) hint)) {
        return (uint16_t) hint;
    }
    for (int i = 0; i < IFACE_OFP_AUTO_MAX; i++) {
        br->alloc_ofp = br->alloc_ofp >= IFACE_OFP_AUTO_MAX
                            ? 1
                            : (uint16_t) (br->alloc_ofp + 1);
        if (!iface_ofp_in_use(br, br->alloc_ofp)) {
            return br->alloc_ofp;
        }
    }
    return 0;
}

/* Sets *FIELD to a copy of ROW's other_config:KEY (NULL if absent);
 * returns true if it changed. */
static bool
iface_read_other_config(char **field, const struct ovsdb_idl_row *row,
                        const char *key)
{
    const char *v = ovsdb_idl_row_get_map_string(row, "other_config", key);

    if (!v == !*field && (!v || !strcmp(v, *field))) {
        return false;
    }
    free(*field);
    *field = v ? xstrdup(v) : NULL;
    return true;
}

/* Reads IFACE's offload settings from ROW (other_config:
 * hw-offload-priority and hw-profile); returns true if any changed. */
static bool
iface_read_offload_priority(struct bridge_iface *iface,
                            const struct ovsdb_idl_row *row)
{
    bool a = iface_read_other_config(&iface->offload_priority, row,
                                     "hw-offload-priority");
    bool b = iface_read_other_config(&iface->hw_profile, row, "hw-profile");
    return a || b;
}

/* Tells the offload manager about IFACE's datapath port (again). */
static void
iface_offload_attach(const struct bridge_iface *iface)
{
    if (iface->odp_port != DPIF_PORT_ANY
        && iface->class && iface->class->netdev_type
        && !iface->class->tunnel) {
        offload_port_add(iface->odp_port, iface->name,
                         iface->class->netdev_type, iface->offload_priority);
        offload_port_set_profile(iface->odp_port, iface->hw_profile);
    }
}

/* The options IFACE's datapath port gets: the row's for types that take
 * them, else what offload needs (bridge-offload.c), else none. */
static const char *
iface_dp_options(const struct bridge_iface *iface)
{
    if (iface->class->takes_options) {
        return iface->options;
    }
    /* The kernel datapath's ports need nothing for offload: TC sits in
     * front of them as it sits in front of Open vSwitch's. */
    return bridge_backer_is_system()
               ? NULL
               : bridge_offload_port_options(iface->class->netdev_type);
}

/* Reads the configuration of IFACE from ROW. */
static void
iface_read_cfg(struct bridge_iface *iface, const struct bridge *br,
               const struct ovsdb_idl_row *row)
{
    const char *peer = ovsdb_idl_row_get_map_string(row, "options", "peer");

    free(iface->type);
    iface->type = xstrdup(iface_row_type(br, row));
    iface->class = bridge_iface_class_find(iface->type);
    free(iface->options);
    iface->options = iface_row_options(row);
    free(iface->peer);
    iface->peer = peer ? xstrdup(peer) : NULL;
    iface->ofport_request =
        ovsdb_idl_row_get_integer(row, "ofport_request", 0);
    iface_read_offload_priority(iface, row);
}

/* Brings IFACE (configured, not yet in the bridge) into its bridge: the
 * datapath port, the OpenFlow port, translation.  HINT is the OpenFlow
 * number the row last had (0: none).  On failure IFACE stays, not in the
 * bridge, with the reason in its ERROR. */
static void
iface_attach(struct bridge_iface *iface, int64_t hint)
{
    struct bridge *br = iface->port->bridge;
    const struct bridge_iface_class *class = iface->class;
    struct ofproto_port op;
    char *err = NULL;
    uint16_t ofp_port;
    int error;

    if (!class) {
        iface_fail(iface, false,
                   "could not open network device %s (unknown interface "
                   "type \"%s\")",
                   iface->name, iface->type);
        return;
    }
    if (iface_find_by_name(iface->name)) {
        iface_fail(iface, false, "interface %s is already in use",
                   iface->name);
        return;
    }
    if (class->check && (error = class->check(iface, &err))) {
        /* ENODEV: what it needs may come (DPDK initialised later). */
        iface_fail(iface, error == ENODEV, "%s", err);
        free(err);
        return;
    }
    if (class->tunnel) {
        uint32_t odp_port = DPIF_PORT_ANY;

        iface->tnl = xmalloc(sizeof *iface->tnl);
        tnl_port_cfg_parse(iface->name, iface->type, iface->options,
                           iface->tnl, NULL); /* Checked above. */
        error = tnl_port_vport_ref(br->dpif, iface->tnl->type,
                                   iface->tnl->dst_port, &odp_port, &err);
        if (error) {
            iface_fail(iface, false,
                       "could not add the tunnel port of %s to the datapath "
                       "(%s)",
                       iface->name, err ? err : nf_strerror(error));
            free(err);
            free(iface->tnl);
            iface->tnl = NULL;
            return;
        }
        iface->odp_port = odp_port;
    } else if (class->netdev_type) {
        uint32_t odp_port = DPIF_PORT_ANY;

        const char *options = iface_dp_options(iface);

        error = dpif_port_add(br->dpif, iface->name, class->netdev_type,
                              options, &odp_port, &err);
        if (error == EEXIST && bridge_backer_is_system()) {
            /* The kernel datapath kept its ports across a restart: the
             * interface takes its port back instead of a duplicate. */
            struct dpif_port dp;

            if (!dpif_port_query_by_name(br->dpif, iface->name, &dp)) {
                VLOG_INFO("bridge %s: %s: adopted datapath port %" PRIu32,
                          br->name, iface->name, dp.port_no);
                odp_port = dp.port_no;
                dpif_port_destroy(&dp);
                free(err);
                err = NULL;
                error = 0;
            }
        }
        if (error && error != ENODEV && !class->takes_options && options) {
            /* What offload asked for (reading after TC) is not possible
             * on this device: it still forwards in software. */
            VLOG_WARN_RL(&rl, "bridge %s: %s: %s; adding it without \"%s\"",
                         br->name, iface->name, err ? err : "error", options);
            free(err);
            err = NULL;
            odp_port = DPIF_PORT_ANY;
            error = dpif_port_add(br->dpif, iface->name, class->netdev_type,
                                  NULL, &odp_port, &err);
        }
        if (error) {
            /* A device that does not exist yet may appear later (a veth
             * created after the port was configured): try again then. */
            iface_fail(iface, error == ENODEV,
                       "could not add network device %s to the datapath "
                       "(%s)",
                       iface->name, err ? err : nf_strerror(error));
            free(err);
            return;
        }
        iface->odp_port = odp_port;
    }

    /* The number comes after the datapath port, so that a device that is
     * still missing does not use up numbers while it is retried. */
    ofp_port = iface_choose_ofp(br, iface->name, iface->ofport_request, hint);
    if (!ofp_port) {
        iface_fail(iface, false, "%s: no free OpenFlow port number",
                   iface->name);
        goto del_dp_port;
    }
    memset(&iface->status, 0, sizeof iface->status);
    iface->ofp_port = ofp_port;
    class->status(iface, &iface->status);
    iface_to_ofproto_port(iface, &op);
    error = ofproto_port_add(br->ofproto, &op);
    if (error) {
        iface->ofp_port = 0;
        iface_fail(iface, false,
                   "could not add %s to bridge %s as OpenFlow port %u (%s)",
                   iface->name, br->name, ofp_port, nf_strerror(error));
        goto del_dp_port;
    }
    hmap_insert(&bridge_ifaces_by_name, &iface->name_node,
                hash_string(iface->name, 0));
    free(iface->error);
    iface->error = NULL;
    iface->retry = false;
    iface_xlate_set(iface);
    iface_offload_attach(iface);
    br->ea_dirty = true;
    COVERAGE_INC(bridge_iface_add);
    if (iface->odp_port != DPIF_PORT_ANY) {
        VLOG_INFO("bridge %s: added interface %s (%s) as OpenFlow port %u, "
                  "datapath port %" PRIu32,
                  br->name, iface->name, iface->type, ofp_port,
                  iface->odp_port);
    } else {
        VLOG_INFO("bridge %s: added interface %s (%s) as OpenFlow port %u",
                  br->name, iface->name, iface->type, ofp_port);
    }
    return;

del_dp_port:
    if (iface->tnl) {
        tnl_port_vport_unref(br->dpif, iface->odp_port);
        free(iface->tnl);
        iface->tnl = NULL;
        iface->odp_port = DPIF_PORT_ANY;
    } else if (iface->odp_port != DPIF_PORT_ANY) {
        dpif_port_del(br->dpif, iface->odp_port, NULL);
        iface->odp_port = DPIF_PORT_ANY;
    }
}

/* Takes IFACE out of its bridge (if it is in), keeping the object. */
static void
iface_detach(struct bridge_iface *iface)
{
    struct bridge *br = iface->port->bridge;

    if (iface->ofp_port) {
        xlate_port_remove(br->ofproto, iface->ofp_port);
        ofproto_port_del(br->ofproto, iface->ofp_port);
        hmap_remove(&bridge_ifaces_by_name, &iface->name_node);
        br->ea_dirty = true;
        COVERAGE_INC(bridge_iface_del);
        VLOG_INFO("bridge %s: deleted interface %s from OpenFlow port %u",
                  br->name, iface->name, iface->ofp_port);
        iface->ofp_port = 0;
    }
    if (iface->tnl) {
        /* The vport is shared: it goes with its last interface. */
        tnl_port_vport_unref(br->dpif, iface->odp_port);
        free(iface->tnl);
        iface->tnl = NULL;
        iface->odp_port = DPIF_PORT_ANY;
    }
    if (iface->odp_port != DPIF_PORT_ANY && bridge_backer_keeps_ports()) {
        /* nicflowd exits: the kernel datapath keeps the port (and its
         * flows keep forwarding) for the next nicflowd to adopt. */
        iface->odp_port = DPIF_PORT_ANY;
    }
    if (iface->odp_port != DPIF_PORT_ANY) {
        char *err = NULL;

        /* Hardware first: its rules name the port's device. */
        offload_port_del(iface->odp_port);
        if (dpif_port_del(br->dpif, iface->odp_port, &err)) {
            VLOG_WARN_RL(&rl,
                         "bridge %s: could not delete datapath port "
                         "%" PRIu32 " (%s): %s",
                         br->name, iface->odp_port, iface->name,
                         err ? err : "unknown error");
        }
        free(err);
        iface->odp_port = DPIF_PORT_ANY;
    }
    free(iface->peer_bridge);
    iface->peer_bridge = NULL;
    iface->peer_ofp_port = 0;
}

static void
iface_destroy(struct bridge_iface *iface)
{
    iface_detach(iface);
    iface->port->iface = NULL;
    hmap_remove(&bridge_ifaces, &iface->uuid_node);
    free(iface->error);
    free(iface->peer);
    free(iface->options);
    free(iface->offload_priority);
    free(iface->hw_profile);
    free(iface->type);
    free(iface->name);
    free(iface);
}

/* Creates the interface of ROW in PORT and brings it into the bridge. */
static void
iface_create(struct bridge_port *port, const struct ovsdb_idl_row *row)
{
    struct bridge_iface *iface = xzalloc(sizeof *iface);
    int64_t hint = ovsdb_idl_row_get_integer(row, "ofport", 0);

    iface->uuid = *ovsdb_idl_row_get_uuid(row);
    iface->name = xstrdup(ovsdb_idl_row_get_string(row, "name") ?: "");
    iface->port = port;
    iface->odp_port = DPIF_PORT_ANY;
    port->iface = iface;
    hmap_insert(&bridge_ifaces, &iface->uuid_node,
                ovsdb_uuid_hash(&iface->uuid));
    iface_read_cfg(iface, port->bridge, row);
    iface_attach(iface, hint);
}

/* Applies a change of options that needs no new port: a patch port's
 * peer (found again by bridge_patches_resolve()) or a datapath port's
 * options.  Returns false if the interface must be created again. */
static bool
iface_update_options(struct bridge_iface *iface,
                     const struct ovsdb_idl_row *row)
{
    char *options = iface_row_options(row);
    bool ok = true;

    if (!strcmp(options, iface->options)) {
        free(options);
        return true;
    }
    if (iface->class && iface->class->tunnel) {
        /* New tunnel options may need another vport (dst_port) or be
         * wrong: the interface is made again, keeping its number. */
        free(options);
        return false;
    }
    if (iface->class && !iface->class->netdev_type) {
        const char *peer =
            ovsdb_idl_row_get_map_string(row, "options", "peer");

        char *err = NULL;

        free(iface->peer);
        iface->peer = peer ? xstrdup(peer) : NULL;
        ok = !iface->class->check || !iface->class->check(iface, &err);
        free(err);
    } else if (iface->class && iface->class->takes_options
               && iface->odp_port != DPIF_PORT_ANY) {
        char *err = NULL;

        if (dpif_port_set_config(iface->port->bridge->dpif, iface->odp_port,
                                 options, &err)) {
            /* The port keeps its old options: say why in the row. */
            iface_fail(iface, false, "%s",
                       err ? err : "options refused by the datapath");
            free(err);
        } else {
            free(iface->error);
            iface->error = NULL;
        }
    }
    free(iface->options);
    iface->options = options;
    return ok;
}

/* ---------------------------------------------------------------------
 * Ports.
 * --------------------------------------------------------------------- */

struct vlan_mode_name {
    const char *name;
    enum xlate_vlan_mode mode;
};

static const struct vlan_mode_name vlan_modes[] = {
    { "trunk", XLATE_VLAN_TRUNK },
    { "access", XLATE_VLAN_ACCESS },
    { "native-tagged", XLATE_VLAN_NATIVE_TAGGED },
    { "native-untagged", XLATE_VLAN_NATIVE_UNTAGGED },
};

/* Reads PORT's VLAN settings from ROW; returns true if they changed. */
static bool
port_read_vlan(struct bridge_port *port, const struct ovsdb_idl_row *row)
{
    const struct ovsdb_datum *trunks = ovsdb_idl_row_get(row, "trunks");
    const char *mode_name = ovsdb_idl_row_get_string(row, "vlan_mode");
    int64_t tag = ovsdb_idl_row_get_integer(row, "tag", -1);
    enum xlate_vlan_mode mode;
    size_t n_trunks = 0;
    uint16_t *vids;
    bool changed;

    if (tag < 0 || tag > 4095) {
        tag = -1;
    }
    /* Open vSwitch's default: access if the port has a tag, else trunk. */
    mode = tag >= 0 ? XLATE_VLAN_ACCESS : XLATE_VLAN_TRUNK;
    if (mode_name) {
        size_t i;

        for (i = 0; i < ARRAY_SIZE(vlan_modes); i++) {
            if (!strcmp(vlan_modes[i].name, mode_name)) {
                mode = vlan_modes[i].mode;
                break;
            }
        }
        if (i == ARRAY_SIZE(vlan_modes)) {
            VLOG_WARN_RL(&rl,
                         "port %s: vlan_mode %s is not supported; "
                         "using %s",
                         port->name, mode_name, tag >= 0 ? "access" : "trunk");
        }
    }
    vids = xcalloc(trunks && trunks->n ? trunks->n : 1, sizeof *vids);
    for (unsigned int i = 0; trunks && i < trunks->n; i++) {
        int64_t vid = trunks->keys[i].integer;

        if (vid >= 0 && vid <= 4095) {
            vids[n_trunks++] = (uint16_t) vid;
        }
    }
    changed = mode != port->vlan_mode || tag != port->tag
              || n_trunks != port->n_trunks
              || memcmp(vids, port->trunks ? port->trunks : vids,
                        n_trunks * sizeof *vids);
    port->vlan_mode = mode;
    port->tag = (int) tag;
    free(port->trunks);
    port->trunks = vids;
    port->n_trunks = n_trunks;
    return changed;
}

static struct bridge_port *
port_create(struct bridge *br, const struct ovsdb_idl_row *row)
{
    struct bridge_port *port = xzalloc(sizeof *port);

    port->uuid = *ovsdb_idl_row_get_uuid(row);
    port->name = xstrdup(ovsdb_idl_row_get_string(row, "name") ?: "");
    port->bridge = br;
    port->tag = -1;
    hmap_insert(&br->ports, &port->node, ovsdb_uuid_hash(&port->uuid));
    return port;
}

void
bridge_port_destroy(struct bridge_port *port)
{
    if (port->iface) {
        iface_destroy(port->iface);
    }
    hmap_remove(&port->bridge->ports, &port->node);
    free(port->trunks);
    free(port->error);
    free(port->name);
    free(port);
}

void
bridge_ports_remove_stale(struct bridge *br, const struct ovsdb_idl_row *row)
{
    struct bridge_port *port;

    HMAP_FOR_EACH_SAFE (port, node, &br->ports) {
        const struct ovsdb_idl_row *prow =
            ovsdb_idl_get_row(bridge_idl, "Port", &port->uuid);
        struct bridge_iface *iface = port->iface;
        const struct ovsdb_idl_row *irow;

        if (!prow || !bridge_row_refers(row, "ports", &port->uuid)) {
            bridge_port_destroy(port);
            continue;
        }
        if (!iface) {
            continue;
        }
        irow = ovsdb_idl_get_row(bridge_idl, "Interface", &iface->uuid);
        if (!irow || ovsdb_idl_row_get_n(prow, "interfaces") != 1
            || !bridge_row_refers(prow, "interfaces", &iface->uuid)) {
            iface_destroy(iface);
        } else if (iface_row_changed(irow)) {
            /* A new type or number means a new port; so does any change
             * to an interface that failed (it may be fixed now). */
            if (strcmp(iface->type, iface_row_type(br, irow))
                || iface->ofport_request
                       != ovsdb_idl_row_get_integer(irow, "ofport_request", 0)
                || !iface->ofp_port || !iface_update_options(iface, irow)) {
                iface_destroy(iface);
            } else if (iface_read_offload_priority(iface, irow)) {
                iface_offload_attach(iface);
            }
        }
    }
}

/* An interface waiting to be created, with the number it wants. */
struct iface_todo {
    struct bridge_port *port;
    const struct ovsdb_idl_row *row;
    int rank; /* 0: LOCAL, 1: ofport_request, 2: old number, 3: none. */
    int64_t want;
};

static int
iface_todo_compare(const void *a_, const void *b_)
{
    const struct iface_todo *a = a_, *b = b_;

    if (a->rank != b->rank) {
        return a->rank < b->rank ? -1 : 1;
    }
    if (a->want != b->want) {
        return a->want < b->want ? -1 : 1;
    }
    return strcmp(a->port->name, b->port->name);
}

void
bridge_ports_add(struct bridge *br, const struct ovsdb_idl_row *row)
{
    unsigned int n_ports = ovsdb_idl_row_get_n(row, "ports");
    struct iface_todo *todo = xcalloc(n_ports + 1, sizeof *todo);
    size_t n_todo = 0;

    for (unsigned int i = 0; i < n_ports; i++) {
        const struct ovsdb_idl_row *prow =
            ovsdb_idl_row_get_ref(row, "ports", i);
        struct bridge_port *port;
        unsigned int n_ifaces;
        bool created = false;

        if (!prow || !ovsdb_idl_row_get_string(prow, "name")) {
            continue;
        }
        port = port_find(br, ovsdb_idl_row_get_uuid(prow));
        if (!port) {
            port = port_create(br, prow);
            created = true;
        }
        n_ifaces = ovsdb_idl_row_get_n(prow, "interfaces");
        if (created || ovsdb_idl_row_get_change_seqno(prow) > bridge_since) {
            bool vlan_changed = port_read_vlan(port, prow);

            free(port->error);
            port->error = NULL;
            if (n_ifaces > 1) {
                port->error = xasprintf("port %s has %u interfaces: bonds are "
                                        "not supported yet",
                                        port->name, n_ifaces);
                VLOG_WARN_RL(&rl, "bridge %s: %s", br->name, port->error);
            }
            if (vlan_changed && port->iface && port->iface->ofp_port) {
                iface_xlate_set(port->iface);
            }
        }
        if (n_ifaces == 1 && !port->iface) {
            const struct ovsdb_idl_row *irow =
                ovsdb_idl_row_get_ref(prow, "interfaces", 0);
            const char *name =
                irow ? ovsdb_idl_row_get_string(irow, "name") : NULL;

            if (name) {
                struct iface_todo *t = &todo[n_todo++];
                int64_t request =
                    ovsdb_idl_row_get_integer(irow, "ofport_request", 0);
                int64_t old = ovsdb_idl_row_get_integer(irow, "ofport", 0);

                t->port = port;
                t->row = irow;
                t->rank = !strcmp(name, br->name)        ? 0
                          : request > 0                  ? 1
                          : old > 0 && old < OF_PORT_MAX ? 2
                                                         : 3;
                t->want = t->rank == 1 ? request : t->rank == 2 ? old : 0;
            }
        }
    }

    /* The bridge's own interface first (the others may be named after
     * it), then interfaces that ask for a number, then those that had
     * one, so that none of them finds its number taken by an interface
     * that would have taken any. */
    qsort(todo, n_todo, sizeof *todo, iface_todo_compare);
    for (size_t i = 0; i < n_todo; i++) {
        iface_create(todo[i].port, todo[i].row);
    }
    free(todo);
}

/* ---------------------------------------------------------------------
 * Patch ports, retries, status.
 * --------------------------------------------------------------------- */

void
bridge_patches_resolve(void)
{
    struct bridge_iface *iface;

    HMAP_FOR_EACH (iface, uuid_node, &bridge_ifaces) {
        const struct bridge_iface *peer;
        const char *peer_bridge = NULL;
        uint16_t peer_ofp = 0;

        if (!iface->ofp_port || !iface->class || iface->class->netdev_type) {
            continue;
        }
        /* Like Open vSwitch, a peer is any patch interface of that name in
         * a bridge of the same datapath; it need not name us back. */
        peer = iface->peer ? iface_find_by_name(iface->peer) : NULL;
        if (peer && peer->class && !peer->class->netdev_type
            && peer->port->bridge->dpif == iface->port->bridge->dpif) {
            peer_bridge = peer->port->bridge->name;
            peer_ofp = peer->ofp_port;
        }
        if ((peer_bridge == NULL) != (iface->peer_bridge == NULL)
            || (peer_bridge && strcmp(peer_bridge, iface->peer_bridge))
            || peer_ofp != iface->peer_ofp_port) {
            struct ofproto_port op;

            free(iface->peer_bridge);
            iface->peer_bridge = peer_bridge ? xstrdup(peer_bridge) : NULL;
            iface->peer_ofp_port = peer_ofp;
            iface_xlate_set(iface);
            /* A patch port's link is up exactly while it has a peer. */
            iface->class->status(iface, &iface->status);
            iface_to_ofproto_port(iface, &op);
            ofproto_port_modify(iface->port->bridge->ofproto, &op);
        }
    }
}

bool
bridge_ifaces_retry(void)
{
    struct bridge_iface *iface;
    bool changed = false;

    HMAP_FOR_EACH (iface, uuid_node, &bridge_ifaces) {
        /* Asking the kernel first is cheaper, and quieter in the log,
         * than a port that fails to open every second. */
        if (!iface->ofp_port && iface->retry
            && (!iface->class || !iface->class->physical
                || if_nametoindex(iface->name))) {
            const struct ovsdb_idl_row *row =
                ovsdb_idl_get_row(bridge_idl, "Interface", &iface->uuid);

            iface_attach(
                iface, row ? ovsdb_idl_row_get_integer(row, "ofport", 0) : 0);
            changed |= iface->ofp_port != 0;
        }
    }
    return changed;
}

static bool
iface_status_equal(const struct bridge_iface_status *a,
                   const struct bridge_iface_status *b)
{
    return a->known == b->known && a->admin_up == b->admin_up
           && a->link_up == b->link_up && a->has_mac == b->has_mac
           && !memcmp(&a->mac, &b->mac, sizeof a->mac) && a->mtu == b->mtu
           && a->ifindex == b->ifindex;
}

bool
bridge_ifaces_poll(bool stats)
{
    struct bridge_iface *iface;
    bool changed = false;

    HMAP_FOR_EACH (iface, uuid_node, &bridge_ifaces) {
        struct bridge_iface_status st;
        struct bridge *br;

        if (!iface->ofp_port) {
            continue;
        }
        br = iface->port->bridge;
        memset(&st, 0, sizeof st);
        iface->class->status(iface, &st);
        st.has_stats = iface->status.has_stats;
        st.stats = iface->status.stats;
        if (stats && iface->odp_port != DPIF_PORT_ANY) {
            st.has_stats =
                !dpif_port_get_stats(br->dpif, iface->odp_port, &st.stats);
        }
        if (!iface_status_equal(&st, &iface->status)) {
            struct ofproto_port op;

            COVERAGE_INC(bridge_iface_status_change);
            bool mac_changed =
                memcmp(&st.mac, &iface->status.mac, sizeof st.mac) != 0;
            if (mac_changed && iface->class->physical) {
                br->ea_dirty = true;
            }
            iface->status = st;
            if (mac_changed) {
                /* Tunnels take their outer source MAC from here. */
                iface_xlate_set(iface);
            }
            iface_to_ofproto_port(iface, &op);
            ofproto_port_modify(br->ofproto, &op);
            changed = true;
        } else {
            iface->status = st;
        }
    }
    return changed;
}

int
bridge_local_set_mac(struct bridge *br, const struct eth_addr *ea)
{
    struct bridge_iface *local = bridge_local_iface(br);
    struct ofproto_port op;
    struct ifreq ifr;
    int error;

    if (!local) {
        return ENODEV;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    memcpy(ifr.ifr_hwaddr.sa_data, ea->ea, ETH_ADDR_LEN);
    error = bridge_iface_ioctl(SIOCSIFHWADDR, &ifr, local->name);
    if (error) {
        VLOG_WARN_RL(
            &rl,
            "bridge %s: could not set the MAC of %s to " ETH_ADDR_FMT ": %s",
            br->name, local->name, ETH_ADDR_ARGS(*ea), nf_strerror(error));
        return error;
    }
    local->status.has_mac = true;
    local->status.mac = *ea;
    iface_to_ofproto_port(local, &op);
    ofproto_port_modify(br->ofproto, &op);
    iface_xlate_set(local); /* Tunnel headers carry the bridge's MAC. */
    return 0;
}

bool
bridge_port_stats_cb(void *aux, uint16_t ofp_port,
                     struct ofproto_port_stats *out)
{
    const struct bridge *br = aux;
    const struct bridge_iface *iface = iface_find_by_ofp(br, ofp_port);
    struct dpif_port_stats s;

    if (!iface || iface->odp_port == DPIF_PORT_ANY
        || dpif_port_get_stats(br->dpif, iface->odp_port, &s)) {
        return false;
    }
    *out = (struct ofproto_port_stats){
        .rx_packets = s.rx_packets,
        .tx_packets = s.tx_packets,
        .rx_bytes = s.rx_bytes,
        .tx_bytes = s.tx_bytes,
        .rx_dropped = s.rx_dropped,
        .tx_dropped = s.tx_dropped,
        .rx_errors = s.rx_errors,
        .tx_errors = s.tx_errors,
    };
    return true;
}

/* ---------------------------------------------------------------------
 * Database write-back and dpif/show.
 * --------------------------------------------------------------------- */

static void
iface_write_empty(struct ovsdb_idl_txn *txn, const struct ovsdb_idl_row *row,
                  const char *column)
{
    struct ovsdb_datum empty = OVSDB_DATUM_EMPTY;

    if (ovsdb_idl_row_get_n(row, column)) {
        ovsdb_idl_txn_write(txn, row, column, &empty);
    }
}

static void
iface_write_stats(struct ovsdb_idl_txn *txn, const struct ovsdb_idl_row *row,
                  const struct dpif_port_stats *s)
{
    /* In key order, as the column holds them. */
    const struct {
        const char *key;
        uint64_t value;
    } items[] = {
        { "rx_bytes", s->rx_bytes },   { "rx_dropped", s->rx_dropped },
        { "rx_errors", s->rx_errors }, { "rx_packets", s->rx_packets },
        { "tx_bytes", s->tx_bytes },   { "tx_dropped", s->tx_dropped },
        { "tx_errors", s->tx_errors }, { "tx_packets", s->tx_packets },
    };
    struct ovsdb_datum d = { .n = ARRAY_SIZE(items) };

    d.keys = xcalloc(ARRAY_SIZE(items), sizeof *d.keys);
    d.values = xcalloc(ARRAY_SIZE(items), sizeof *d.values);
    for (size_t i = 0; i < ARRAY_SIZE(items); i++) {
        d.keys[i].string =
            ovsdb_str_create(items[i].key, strlen(items[i].key));
        d.values[i].integer = (int64_t) items[i].value;
    }
    if (ovsdb_idl_txn_write(txn, row, "statistics", &d)) {
        ovsdb_datum_destroy(&d, ovsdb_idl_row_get_type(row, "statistics"));
    }
}

void
bridge_iface_write(struct ovsdb_idl_txn *txn, const struct ovsdb_idl_row *row,
                   const struct bridge_iface *iface, const char *error,
                   bool stats)
{
    if (!iface || !iface->ofp_port) {
        static const char *const status_columns[] = {
            "admin_state", "link_state", "mac_in_use", "mtu", "ifindex",
        };

        ovsdb_idl_txn_write_integer(txn, row, "ofport", -1);
        ovsdb_idl_txn_write_string(txn, row, "error",
                                   iface ? iface->error : error);
        for (size_t i = 0; i < ARRAY_SIZE(status_columns); i++) {
            iface_write_empty(txn, row, status_columns[i]);
        }
        return;
    }

    const struct bridge_iface_status *st = &iface->status;

    ovsdb_idl_txn_write_integer(txn, row, "ofport", iface->ofp_port);
    ovsdb_idl_txn_write_string(txn, row, "error", iface->error);
    if (st->known) {
        ovsdb_idl_txn_write_string(txn, row, "admin_state",
                                   st->admin_up ? "up" : "down");
        ovsdb_idl_txn_write_string(txn, row, "link_state",
                                   st->link_up ? "up" : "down");
    }
    if (st->has_mac) {
        char mac[18];

        snprintf(mac, sizeof mac, ETH_ADDR_FMT, ETH_ADDR_ARGS(st->mac));
        ovsdb_idl_txn_write_string(txn, row, "mac_in_use", mac);
    }
    if (st->mtu > 0) {
        ovsdb_idl_txn_write_integer(txn, row, "mtu", st->mtu);
    }
    if (st->ifindex > 0) {
        ovsdb_idl_txn_write_integer(txn, row, "ifindex", st->ifindex);
    }
    if (stats && st->has_stats) {
        iface_write_stats(txn, row, &st->stats);
    }
}

static int
iface_compare_by_name(const void *a, const void *b)
{
    const struct bridge_iface *const *x = a, *const *y = b;

    return strcmp((*x)->name, (*y)->name);
}

void
bridge_iface_show(const struct bridge *br, struct buf *out)
{
    const struct bridge_iface **ifaces =
        xcalloc(hmap_count(&br->ports) + 1, sizeof *ifaces);
    const struct bridge_iface *iface;
    const struct bridge_port *port;
    size_t n = 0;

    HMAP_FOR_EACH (port, node, &br->ports) {
        if ((iface = port_live_iface(port))) {
            ifaces[n++] = iface;
        }
    }
    /* Open vSwitch lists a bridge's ports by name. */
    qsort(ifaces, n, sizeof *ifaces, iface_compare_by_name);
    for (size_t i = 0; i < n; i++) {
        iface = ifaces[i];
        buf_printf(out, "    %s %u/", iface->name, iface->ofp_port);
        if (iface->odp_port != DPIF_PORT_ANY) {
            buf_printf(out, "%" PRIu32 ":", iface->odp_port);
        } else {
            buf_put_cstr(out, "none:");
        }
        buf_printf(out, " (%s", iface->class->show_type);
        if (iface->tnl) {
            buf_put_cstr(out, ": ");
            tnl_port_cfg_format(iface->tnl, out);
        } else if (!iface->class->netdev_type) {
            buf_printf(out, ": peer=%s", iface->peer);
        } else if (iface->class->takes_options && *iface->options) {
            /* "k=v,k2=v2" printed as Open vSwitch prints a config map:
             * ": k=v, k2=v2". */
            const char *p = iface->options;

            buf_put_cstr(out, ": ");
            for (; *p; p++) {
                buf_put_cstr(out, *p == ',' ? ", " : (char[]){ *p, 0 });
            }
        }
        buf_put_cstr(out, ")\n");
    }
    free(ifaces);
}

void
bridge_iface_exit(void)
{
    bridge_iface_ioctl_close();
}

void
bridge_offload_ports_sync(void)
{
    struct bridge_iface *iface;

    HMAP_FOR_EACH (iface, uuid_node, &bridge_ifaces) {
        if (iface->odp_port == DPIF_PORT_ANY
            || !iface->class || !iface->class->netdev_type
            || iface->class->tunnel) {
            continue;
        }
        if (!iface->class->takes_options) {
            const char *options = iface_dp_options(iface);
            char *err = NULL;

            if (dpif_port_set_config(iface->port->bridge->dpif,
                                     iface->odp_port, options ? options : "",
                                     &err)) {
                VLOG_WARN_RL(&rl, "%s: %s", iface->name,
                             err ? err : "could not change its options");
            }
            free(err);
        }
        iface_offload_attach(iface);
    }
}
