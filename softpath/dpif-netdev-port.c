/* dpif-netdev-port.c: the userspace datapath's ports: the dpif_class
 * members that add, delete, query, dump, count and configure them
 * (softpath/dpif-provider.h).  Ports are struct dp_port
 * (dpif-netdev-private.h) in their datapath's map by number; a change that
 * reaches a netdev the poll-mode threads may be in first pauses them
 * (dpif-netdev-pmd.c) and deals their queues out again after. */
#include "softpath/dpif-netdev-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hmap.h"
#include "lib/util.h"
#include "softpath/dpif-provider.h"
#include "softpath/netdev.h"

static struct dp_port *
port_lookup_by_name(const struct dp_netdev *dp, const char *name)
{
    struct dp_port *port;

    HMAP_FOR_EACH (port, node, &dp->ports) {
        if (!strcmp(netdev_get_name(port->netdev), name)) {
            return port;
        }
    }
    return NULL;
}

int
dpif_netdev_port_add(struct dpif *dpif, const char *name, const char *type,
                     const char *options, uint32_t *port_no, char **errp)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct netdev *netdev;
    uint32_t no = *port_no;
    int error = 0;

    pthread_mutex_lock(&dp->mutex);
    if (dp->destroyed) {
        nf_give_error(errp, xasprintf("%s: datapath was destroyed", dp->name));
        error = ENODEV;
        goto unlock;
    }
    if (port_lookup_by_name(dp, name)) {
        nf_give_error(errp,
                      xasprintf("%s: already a port of %s", name, dp->name));
        error = EEXIST;
        goto unlock;
    }
    if (no == DPIF_PORT_ANY) {
        for (no = 1; dp_port_lookup(dp, no); no++) {
            continue;
        }
    } else if (dp_port_lookup(dp, no)) {
        nf_give_error(errp,
                      xasprintf("%s: port number %u is taken", dp->name, no));
        error = EBUSY;
        goto unlock;
    }
    error = netdev_open(name, type ? type : "afpacket", &netdev);
    if (error) {
        if (error == EBUSY) {
            /* The port layer says the device is open elsewhere, which for
             * a datapath means it is another datapath's port. */
            error = EEXIST;
        }
        nf_give_error(
            errp, xasprintf("%s: cannot open as a port of type %s: %s", name,
                            type ? type : "afpacket", nf_strerror(error)));
        goto unlock;
    }
    /* Options before the port exists, so that a port whose options are
     * refused never carries a packet. */
    error = netdev_set_config(netdev, options ? options : "", errp);
    if (error) {
        goto close_netdev;
    }
    dpif_netdev_port_create(dp, no, netdev);
    *port_no = no;
    pthread_mutex_unlock(&dp->mutex);
    if (netdev_is_multiqueue(netdev)) {
        /* Its queues to the poll-mode threads, if there are any. */
        dpif_netdev_pmd_pause(dp);
        dpif_netdev_pmd_resume(dp);
    }
    return 0;

close_netdev:
    netdev_close(netdev);

unlock:
    pthread_mutex_unlock(&dp->mutex);
    return error;
}

int
dpif_netdev_port_del(struct dpif *dpif, uint32_t port_no, char **errp)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct dp_port *port;
    int error = 0;

    /* No poll-mode thread may be in the port while it goes. */
    dpif_netdev_pmd_pause(dp);
    pthread_mutex_lock(&dp->mutex);
    port = dp_port_lookup(dp, port_no);
    if (!port) {
        nf_give_error(errp, xasprintf("%s: no port %u", dp->name, port_no));
        error = ENOENT;
    } else if (port_no == DPIF_PORT_LOCAL) {
        nf_give_error(errp, xasprintf("%s: the local port cannot be deleted "
                                      "(delete the datapath instead)",
                                      dp->name));
        error = EINVAL;
    } else {
        dpif_netdev_port_destroy(dp, port);
    }
    pthread_mutex_unlock(&dp->mutex);
    dpif_netdev_pmd_resume(dp);
    return error;
}

static void
port_fill(const struct dp_port *port, struct dpif_port *out)
{
    out->port_no = port->port_no;
    out->name = xstrdup(netdev_get_name(port->netdev));
    out->type = xstrdup(netdev_get_type(port->netdev));
    out->options = xstrdup(netdev_get_config(port->netdev));
}

int
dpif_netdev_port_set_config(struct dpif *dpif, uint32_t port_no,
                            const char *options, char **errp)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct dp_port *port;
    int error;

    /* A reconfiguration may set the port's queues up again: no poll-mode
     * thread may be in them meanwhile, and they are dealt out again
     * after. */
    dpif_netdev_pmd_pause(dp);
    pthread_mutex_lock(&dp->mutex);
    port = dp_port_lookup(dp, port_no);
    if (!port) {
        nf_give_error(errp, xasprintf("%s: no port %u", dp->name, port_no));
        error = ENOENT;
    } else {
        /* The netdev keeps its old options if it refuses the new ones. */
        error = netdev_set_config(port->netdev, options, errp);
    }
    pthread_mutex_unlock(&dp->mutex);
    dpif_netdev_pmd_resume(dp);
    return error;
}

int
dpif_netdev_port_query(const struct dpif *dpif, uint32_t port_no,
                       const char *name, struct dpif_port *out)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct dp_port *port;

    pthread_mutex_lock(&dp->mutex);
    port = name ? port_lookup_by_name(dp, name) : dp_port_lookup(dp, port_no);
    if (port) {
        port_fill(port, out);
    }
    pthread_mutex_unlock(&dp->mutex);
    return port ? 0 : ENOENT;
}

static int
compare_ports(const void *a_, const void *b_)
{
    const struct dpif_port *a = a_, *b = b_;

    return a->port_no < b->port_no ? -1 : a->port_no > b->port_no;
}

int
dpif_netdev_port_dump(const struct dpif *dpif, struct dpif_ports *ports)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct dp_port *port;
    size_t first = ports->n;

    pthread_mutex_lock(&dp->mutex);
    ports->ports =
        xrealloc(ports->ports, (ports->n + hmap_count(&dp->ports) + 1)
                                   * sizeof *ports->ports);
    HMAP_FOR_EACH (port, node, &dp->ports) {
        port_fill(port, &ports->ports[ports->n++]);
    }
    pthread_mutex_unlock(&dp->mutex);
    qsort(ports->ports + first, ports->n - first, sizeof *ports->ports,
          compare_ports);
    return 0;
}

int
dpif_netdev_port_get_stats(const struct dpif *dpif, uint32_t port_no,
                           struct dpif_port_stats *stats)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct netdev_stats ns;
    struct dp_port *port;
    int error;

    pthread_mutex_lock(&dp->mutex);
    port = dp_port_lookup(dp, port_no);
    if (!port) {
        error = ENOENT;
        goto unlock;
    }
    error = netdev_get_stats(port->netdev, &ns);
    if (error) {
        goto unlock;
    }
    stats->rx_packets = ns.rx_packets;
    stats->rx_bytes = ns.rx_bytes;
    /* A packet whose upcall was lost was received but went nowhere: it
     * counts as dropped on receive, as the kernel datapath's do. */
    stats->rx_dropped = ns.rx_dropped + port->n_lost;
    stats->rx_errors = ns.rx_errors;
    stats->tx_packets = ns.tx_packets;
    stats->tx_bytes = ns.tx_bytes;
    stats->tx_dropped = ns.tx_dropped;
    stats->tx_errors = ns.tx_errors;

unlock:
    pthread_mutex_unlock(&dp->mutex);
    return error;
}
