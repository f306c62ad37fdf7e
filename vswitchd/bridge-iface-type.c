/* bridge-iface-type.c: the interface types of nicflowd's bridges, as a
 * table (iface_classes): each says which datapath port type carries it
 * (none for a patch port, which lives only in OpenFlow and translation),
 * what dpif/show calls it, whether its options go to the datapath port,
 * what it checks in its configuration, and how its status (link state,
 * MAC, MTU, ...) is read.  bridge-iface.c looks types up here. */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/util.h"
#include "softpath/dpif.h"
#include "softpath/netdev.h"
#include "vswitchd/bridge-private.h"
#include "vswitchd/tnl-port.h"

#include "config.h" /* HAVE_DPDK */
#ifdef HAVE_DPDK
#include "softpath/netdev-dpdk.h"
#endif

/* A datagram socket for the interface ioctls, opened on first use in the
 * daemon's network namespace (where its ports are). */
static int ioctl_fd = -1;

/* ---------------------------------------------------------------------
 * Interface types.
 * --------------------------------------------------------------------- */

static int iface_patch_check(const struct bridge_iface *, char **errp);
static void iface_linux_status(const struct bridge_iface *,
                               struct bridge_iface_status *);
static void iface_dummy_status(const struct bridge_iface *,
                               struct bridge_iface_status *);
static void iface_patch_status(const struct bridge_iface *,
                               struct bridge_iface_status *);
static int iface_tunnel_check(const struct bridge_iface *, char **errp);
static int iface_dpdk_check(const struct bridge_iface *, char **errp);
static void iface_netdev_status(const struct bridge_iface *,
                                struct bridge_iface_status *);
static void iface_tunnel_status(const struct bridge_iface *,
                                struct bridge_iface_status *);

/* Sorted by type, as iface_types lists them. */
static const struct bridge_iface_class iface_classes[] = {
    { "afxdp", "afxdp", "afxdp", false, true, NULL, iface_linux_status,
      false },
    { "dpdk", "dpdk", "dpdk", true, false, iface_dpdk_check,
      iface_netdev_status, false },
    { "dummy", "dummy", "dummy", true, false, NULL, iface_dummy_status,
      false },
    { "dummy-pmd", "dummy-pmd", "dummy-pmd", true, false, NULL,
      iface_dummy_status, false },
    { "geneve", "geneve", "geneve", false, false, iface_tunnel_check,
      iface_tunnel_status, true },
    { "gre", "gre", "gre", false, false, iface_tunnel_check,
      iface_tunnel_status, true },
    { "internal", "internal", "tap", false, false, NULL, iface_linux_status,
      false },
    { "patch", NULL, "patch", false, false, iface_patch_check,
      iface_patch_status, false },
    { "system", "afpacket", "system", false, true, NULL, iface_linux_status,
      false },
    { "tap", "tap", "tap", false, false, NULL, iface_linux_status, false },
    { "vxlan", "vxlan", "vxlan", false, false, iface_tunnel_check,
      iface_tunnel_status, true },
};

const struct bridge_iface_class *
bridge_iface_class_find(const char *type)
{
    for (size_t i = 0; i < ARRAY_SIZE(iface_classes); i++) {
        if (!strcmp(iface_classes[i].type, type)) {
            return &iface_classes[i];
        }
    }
    return NULL;
}

size_t
bridge_iface_types(const char ***typesp)
{
    static const char *types[ARRAY_SIZE(iface_classes)];
    size_t n = 0;

    for (size_t i = 0; i < ARRAY_SIZE(iface_classes); i++) {
#ifndef HAVE_DPDK
        /* Known, so that it can say why it cannot be, but not offered. */
        if (!strcmp(iface_classes[i].type, "dpdk")) {
            continue;
        }
#endif
        types[n++] = iface_classes[i].type;
    }
    *typesp = types;
    return n;
}

/* A dpdk interface needs DPDK in the build and EAL initialised; ENODEV
 * (retried every second) while other_config:dpdk-init may still bring
 * it. */
static int
iface_dpdk_check(const struct bridge_iface *iface, char **errp)
{
#ifdef HAVE_DPDK
    const char *why = netdev_dpdk_unavailable_reason();

    if (why) {
        bridge_set_error(errp, "%s: %s", iface->name, why);
        return ENODEV;
    }
    return 0;
#else
    bridge_set_error(errp, "%s: dpdk ports need DPDK, which this build lacks",
                     iface->name);
    return EAFNOSUPPORT;
#endif
}

static int
iface_patch_check(const struct bridge_iface *iface, char **errp)
{
    /* Open vSwitch's words for the same two mistakes. */
    if (!iface->peer || !*iface->peer) {
        bridge_set_error(errp, "%s: patch type requires valid 'peer' argument",
                         iface->name);
        return EINVAL;
    }
    if (!strcmp(iface->peer, iface->name)) {
        bridge_set_error(errp, "%s: patch peer must not be self", iface->name);
        return EINVAL;
    }
    return 0;
}

int
bridge_iface_ioctl(unsigned long request, struct ifreq *ifr, const char *name)
{
    if (ioctl_fd < 0) {
        ioctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (ioctl_fd < 0) {
            return errno;
        }
    }
    memset(ifr->ifr_name, 0, sizeof ifr->ifr_name);
    memcpy(ifr->ifr_name, name, strnlen(name, IFNAMSIZ - 1));
    return ioctl(ioctl_fd, request, ifr) ? errno : 0;
}

static int
iface_tunnel_check(const struct bridge_iface *iface, char **errp)
{
    struct tnl_port_cfg cfg;
    char *err = NULL;
    int error = tnl_port_cfg_parse(iface->name, iface->type, iface->options,
                                   &cfg, &err);

    if (error) {
        bridge_set_error(errp, "%s", err);
        free(err);
    }
    return error;
}

static void
iface_tunnel_status(const struct bridge_iface *iface NF_UNUSED,
                    struct bridge_iface_status *st)
{
    /* A tunnel is up while it is configured, as Open vSwitch's are. */
    st->known = true;
    st->admin_up = st->link_up = true;
}

static void
iface_linux_status(const struct bridge_iface *iface,
                   struct bridge_iface_status *st)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    if (bridge_iface_ioctl(SIOCGIFFLAGS, &ifr, iface->name)) {
        return;
    }
    st->known = true;
    st->admin_up = ifr.ifr_flags & IFF_UP;
    st->link_up = ifr.ifr_flags & IFF_RUNNING;
    if (!bridge_iface_ioctl(SIOCGIFHWADDR, &ifr, iface->name)) {
        st->has_mac = true;
        memcpy(st->mac.ea, ifr.ifr_hwaddr.sa_data, ETH_ADDR_LEN);
    }
    if (!bridge_iface_ioctl(SIOCGIFMTU, &ifr, iface->name)) {
        st->mtu = ifr.ifr_mtu;
    }
    if (!bridge_iface_ioctl(SIOCGIFINDEX, &ifr, iface->name)) {
        st->ifindex = ifr.ifr_ifindex;
    }
}

static void
iface_dummy_status(const struct bridge_iface *iface,
                   struct bridge_iface_status *st)
{
    /* A dummy is no kernel device: its port knows its (made-up) MAC, MTU
     * and optional ifindex.  Those never change after the port opened, so
     * reading them from this thread while the datapath thread moves
     * packets through the port is safe. */
    struct netdev *netdev = netdev_from_name(iface->name);

    if (!netdev) {
        return;
    }
    st->known = true;
    st->admin_up = st->link_up = true;
    st->has_mac = !netdev_get_etheraddr(netdev, &st->mac);
    netdev_get_mtu(netdev, &st->mtu);
    netdev_get_ifindex(netdev, &st->ifindex);
}

/* A port with no kernel device (dpdk): what its datapath port says.  The
 * calls read the device's state (link, MAC, MTU), which the datapath
 * thread does not change. */
static void
iface_netdev_status(const struct bridge_iface *iface,
                    struct bridge_iface_status *st)
{
    struct netdev *netdev = netdev_from_name(iface->name);
    bool up;

    if (!netdev) {
        return;
    }
    st->known = true;
    st->admin_up = true;
    st->link_up = !netdev_get_carrier(netdev, &up) && up;
    st->has_mac = !netdev_get_etheraddr(netdev, &st->mac);
    netdev_get_mtu(netdev, &st->mtu);
}

static void
iface_patch_status(const struct bridge_iface *iface,
                   struct bridge_iface_status *st)
{
    st->known = true;
    st->admin_up = true;
    st->link_up = iface->peer_bridge != NULL;
}

void
bridge_iface_ioctl_close(void)
{
    if (ioctl_fd >= 0) {
        close(ioctl_fd);
        ioctl_fd = -1;
    }
}
