/* netdev-vport.c: the tunnel port types "vxlan", "geneve" and "gre".
 *
 * A tunnel vport has no device: it stands for the tunnel in the datapath.
 * Traffic leaves through the tnl_push action (which sends the encapsulated
 * frame out of an underlay port) and enters through tnl_pop (which feeds
 * the decapsulated frame back in as received on the vport), so the port
 * itself never receives (recv: EAGAIN, no fd) and drops what is sent to it
 * (counted in tx_dropped).  Construction always succeeds.
 *
 * Options: "dst_port=N" (1..65535), the UDP destination port tnl_pop
 * accepts, for vxlan (default 4789) and geneve (default 6081); gre takes
 * none. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "softpath/netdev-provider.h"
#include "softpath/odp.h"

struct netdev_vport {
    struct netdev up;
    uint16_t dst_port; /* Host order; 0 for gre. */
};

static struct netdev_vport *
vport_cast(const struct netdev *netdev)
{
    return (struct netdev_vport *) netdev;
}

/* The tunnel type of CLASS (ODP_TNL_TYPE_*), 0 if it is no vport class. */
static uint32_t
class_tnl_type(const struct netdev_class *class)
{
    return class == &netdev_vxlan_class    ? ODP_TNL_TYPE_VXLAN
           : class == &netdev_geneve_class ? ODP_TNL_TYPE_GENEVE
           : class == &netdev_gre_class    ? ODP_TNL_TYPE_GRE
                                           : 0;
}

static uint16_t
default_dst_port(uint32_t tnl_type)
{
    return tnl_type == ODP_TNL_TYPE_VXLAN    ? NETDEV_VXLAN_DST_PORT
           : tnl_type == ODP_TNL_TYPE_GENEVE ? NETDEV_GENEVE_DST_PORT
                                             : 0;
}

static int
vport_construct(const char *name NF_UNUSED, struct netdev **netdevp)
{
    struct netdev_vport *dev = xzalloc(sizeof *dev);

    /* netdev.c sets up.class after construct: the default port comes from
     * the first set_config() or from netdev_vport_get_tnl(). */
    *netdevp = &dev->up;
    return 0;
}

static void
vport_destruct(struct netdev *netdev)
{
    free(vport_cast(netdev));
}

static int
vport_recv(struct netdev *netdev NF_UNUSED, struct pkt **pkts NF_UNUSED,
           size_t max NF_UNUSED, size_t *n)
{
    *n = 0;
    return EAGAIN;
}

static int
vport_send(struct netdev *netdev, struct pkt **pkts NF_UNUSED, size_t n,
           bool may_steal NF_UNUSED)
{
    /* Traffic leaves a tunnel through tnl_push, not through the port. */
    netdev->stats.tx_dropped += n;
    return 0;
}

static int
vport_set_config(struct netdev *netdev, const char *options, char **errp)
{
    struct netdev_vport *dev = vport_cast(netdev);
    uint32_t type = class_tnl_type(netdev->class);
    uint16_t port = default_dst_port(type);
    char *copy = xstrdup(options), *save = NULL, *item, *msg = NULL;

    for (item = strtok_r(copy, ",", &save); item && !msg;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        const char *value = eq ? eq + 1 : "";
        if (eq) {
            *eq = '\0';
        }
        if (!strcmp(item, "dst_port") && type != ODP_TNL_TYPE_GRE) {
            char *end;
            unsigned long v = strtoul(value, &end, 10);
            if (!*value || *end || v < 1 || v > 65535) {
                msg = xasprintf("port %s: option dst_port takes a UDP port "
                                "number (1 to 65535), not \"%s\"",
                                netdev->name, value);
            } else {
                port = (uint16_t) v;
            }
        } else {
            msg = xasprintf("port %s: unknown option \"%s\" (%s takes %s)",
                            netdev->name, item, netdev->class->type,
                            type == ODP_TNL_TYPE_GRE ? "none" : "dst_port");
        }
    }
    free(copy);
    if (msg) {
        nf_give_error(errp, msg);
        return EINVAL;
    }
    dev->dst_port = port;
    return 0;
}

#define VPORT_CLASS(TYPE)                                                   \
    {                                                                       \
        .type = TYPE, .construct = vport_construct,                         \
        .destruct = vport_destruct, .recv = vport_recv, .send = vport_send, \
        .set_config = vport_set_config,                                     \
    }

const struct netdev_class netdev_vxlan_class = VPORT_CLASS("vxlan");
const struct netdev_class netdev_geneve_class = VPORT_CLASS("geneve");
const struct netdev_class netdev_gre_class = VPORT_CLASS("gre");

int
netdev_vport_get_tnl(const struct netdev *netdev, uint32_t *tnl_type,
                     uint16_t *dst_port)
{
    uint32_t type = netdev ? class_tnl_type(netdev->class) : 0;

    if (!type) {
        return EOPNOTSUPP;
    }
    *tnl_type = type;
    /* A port never configured has the default. */
    *dst_port =
        netdev->config ? vport_cast(netdev)->dst_port : default_dst_port(type);
    return 0;
}

static void
do_register(void)
{
    netdev_register_class(&netdev_vxlan_class);
    netdev_register_class(&netdev_geneve_class);
    netdev_register_class(&netdev_gre_class);
}

void
netdev_vport_register(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, do_register);
}
