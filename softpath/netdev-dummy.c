/* netdev-dummy.c: the "dummy" port type, a port with no device.
 *
 * Frames a test injects with netdev_dummy_receive() come out of
 * netdev_recv(); frames sent wait for netdev_dummy_pop_sent().  Both queues
 * are bounded (NETDEV_DUMMY_QUEUE_MAX), as a device's rings are, so tests
 * can see drops.  The poll fd is an eventfd that is readable exactly while
 * the receive queue is not empty, so event loops treat a dummy like any
 * other port.
 *
 * Options (netdev_set_config()): "ifindex=N" gives the port a kernel-like
 * interface index, which a dummy otherwise lacks, so that code needing
 * one (offload providers keyed by ifindex) can be tested on dummies —
 * the one option of Open vSwitch's dummy netdev that means something
 * here (its others configure packet streams, pcap files and queues this
 * dummy does not have). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/hash.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/netdev-provider.h"

VLOG_DEFINE_THIS_MODULE(netdev_dummy);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

/* A bounded FIFO of packets. */
struct pkt_queue {
    struct pkt *slots[NETDEV_DUMMY_QUEUE_MAX];
    size_t head; /* Index of the oldest packet. */
    size_t n;    /* Packets queued. */
};

/* What the options set (see dummy_set_config()). */
struct dummy_config {
    int ifindex; /* 0: none. */
};

struct netdev_dummy {
    struct netdev up;
    int efd; /* eventfd: readable while rxq is not empty. */
    bool admin_up;
    struct dummy_config config; /* From the options. */
    struct eth_addr ea;
    struct pkt_queue rxq; /* Injected, waiting for netdev_recv(). */
    struct pkt_queue txq; /* Sent, waiting for netdev_dummy_pop_sent(). */
};

static bool
queue_push(struct pkt_queue *q, struct pkt *p)
{
    if (q->n >= NETDEV_DUMMY_QUEUE_MAX) {
        return false;
    }
    q->slots[(q->head + q->n++) % NETDEV_DUMMY_QUEUE_MAX] = p;
    return true;
}

static struct pkt *
queue_pop(struct pkt_queue *q)
{
    if (!q->n) {
        return NULL;
    }
    struct pkt *p = q->slots[q->head];
    q->head = (q->head + 1) % NETDEV_DUMMY_QUEUE_MAX;
    q->n--;
    return p;
}

static void
queue_flush(struct pkt_queue *q)
{
    struct pkt *p;

    while ((p = queue_pop(q))) {
        pkt_delete(p);
    }
}

static struct netdev_dummy *
netdev_dummy_cast(const struct netdev *netdev)
{
    return (struct netdev_dummy *) netdev;
}

static int
dummy_construct(const char *name, struct netdev **netdevp)
{
    struct netdev_dummy *dev = xzalloc(sizeof *dev);

    dev->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (dev->efd < 0) {
        int error = errno;
        VLOG_WARN("port %s: cannot create eventfd: %s", name,
                  nf_strerror(error));
        free(dev);
        return error;
    }
    dev->admin_up = true;

    /* A locally administered unicast address derived from the name, so a
     * port keeps its address across runs. */
    uint32_t h = hash_bytes(name, strlen(name), 0);
    dev->ea = (struct eth_addr){ { 0xaa, 0x55, h >> 24, h >> 16, h >> 8, h } };
    *netdevp = &dev->up;
    return 0;
}

static void
dummy_destruct(struct netdev *netdev)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);

    queue_flush(&dev->rxq);
    queue_flush(&dev->txq);
    close(dev->efd);
    free(dev);
}

/* Keeps the eventfd readable exactly while packets wait. */
static void
dummy_update_fd(struct netdev_dummy *dev)
{
    uint64_t value;

    if (dev->rxq.n) {
        value = 1;
        if (write(dev->efd, &value, sizeof value) < 0) {
            /* Only EAGAIN (counter at its maximum) is possible, and then
             * the fd is readable already. */
        }
    } else {
        if (read(dev->efd, &value, sizeof value) < 0) {
            /* EAGAIN: it was not readable, which is what we want. */
        }
    }
}

static int
dummy_recv(struct netdev *netdev, struct pkt **pkts, size_t max, size_t *n)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    struct pkt *p;

    while (*n < max && (p = queue_pop(&dev->rxq))) {
        netdev->stats.rx_packets++;
        netdev->stats.rx_bytes += p->size;
        pkts[(*n)++] = p;
    }
    dummy_update_fd(dev);
    return *n ? 0 : EAGAIN;
}

static int
dummy_send(struct netdev *netdev, struct pkt **pkts, size_t n, bool may_steal)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    int error = 0;

    for (size_t i = 0; i < n; i++) {
        if (!dev->admin_up || dev->txq.n >= NETDEV_DUMMY_QUEUE_MAX) {
            netdev->stats.tx_dropped++;
            if (!error) {
                error = dev->admin_up ? ENOBUFS : ENETDOWN;
                VLOG_WARN_RL(&rl, "port %s: packet dropped on send: %s",
                             netdev->name,
                             dev->admin_up ? "sent-packet queue is full"
                                           : "port is down");
            }
            continue;
        }
        struct pkt *p = may_steal ? pkts[i] : pkt_clone(pkts[i]);
        if (may_steal) {
            pkts[i] = NULL;
        }
        queue_push(&dev->txq, p);
        netdev->stats.tx_packets++;
        netdev->stats.tx_bytes += p->size;
    }
    return error;
}

static int
dummy_get_etheraddr(const struct netdev *netdev, struct eth_addr *ea)
{
    *ea = netdev_dummy_cast(netdev)->ea;
    return 0;
}

static int
dummy_get_mtu(const struct netdev *netdev NF_UNUSED, int *mtup)
{
    *mtup = 1500;
    return 0;
}

static int
dummy_get_ifindex(const struct netdev *netdev, int *ifindexp)
{
    int ifindex = netdev_dummy_cast(netdev)->config.ifindex;

    if (!ifindex) {
        return EOPNOTSUPP;
    }
    *ifindexp = ifindex;
    return 0;
}

/* The options a dummy takes: a keyword table, so that a new option is a
 * line here and the error message lists them all. */
struct dummy_option {
    const char *key;
    /* Stores VALUE in *CONFIG, or returns EINVAL with a message. */
    int (*apply)(struct dummy_config *config, const char *port,
                 const char *value, char **msgp);
};

static int
dummy_opt_ifindex(struct dummy_config *config, const char *port,
                  const char *value, char **msgp)
{
    long long v;

    if (nf_parse_int(value, 1, INT32_MAX, &v)) {
        *msgp = xasprintf("%s: ifindex=%s: an ifindex is 1 to %d", port, value,
                          INT32_MAX);
        return EINVAL;
    }
    config->ifindex = (int) v;
    return 0;
}

static const struct dummy_option dummy_options[] = {
    { "ifindex", dummy_opt_ifindex },
};

static int
dummy_set_config(struct netdev *netdev, const char *options, char **errp)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    /* Built from the defaults, so that what OPTIONS leaves out returns
     * to its default, and applied only whole, so that a refused set
     * changes nothing. */
    struct dummy_config staged = { .ifindex = 0 };
    char *copy = xstrdup(options), *save = NULL, *item, *msg = NULL;
    int error = 0;

    for (item = strtok_r(copy, ",", &save); item && !error;
         item = strtok_r(NULL, ",", &save)) {
        char *value = strchr(item, '=');
        size_t i, n = sizeof dummy_options / sizeof *dummy_options;

        *value++ = '\0'; /* netdev.c checked there is one. */
        for (i = 0; i < n && strcmp(dummy_options[i].key, item); i++) {
            continue;
        }
        if (i == n) {
            msg = xasprintf("%s: unknown option \"%s\" (a dummy port takes "
                            "ifindex)",
                            netdev->name, item);
            error = EINVAL;
        } else {
            error = dummy_options[i].apply(&staged, netdev->name, value, &msg);
        }
    }
    free(copy);
    if (error) {
        if (errp) {
            *errp = msg;
        } else {
            free(msg);
        }
        return error;
    }
    dev->config = staged;
    return 0;
}

static int
dummy_get_fd(const struct netdev *netdev)
{
    return netdev_dummy_cast(netdev)->efd;
}

static int
dummy_set_up(struct netdev *netdev, bool up)
{
    netdev_dummy_cast(netdev)->admin_up = up;
    return 0;
}

int
netdev_dummy_receive(struct netdev *netdev, struct pkt *p)
{
    if (netdev->class != &netdev_dummy_class) {
        VLOG_WARN_RL(&rl,
                     "port %s: cannot inject a packet: type %s is "
                     "not dummy",
                     netdev->name, netdev->class->type);
        pkt_delete(p);
        return EINVAL;
    }

    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    if (!dev->admin_up || !queue_push(&dev->rxq, p)) {
        netdev->stats.rx_dropped++;
        pkt_delete(p);
        return 0;
    }
    dummy_update_fd(dev);
    return 0;
}

struct pkt *
netdev_dummy_pop_sent(struct netdev *netdev)
{
    if (netdev->class != &netdev_dummy_class) {
        return NULL;
    }
    return queue_pop(&netdev_dummy_cast(netdev)->txq);
}

const struct netdev_class netdev_dummy_class = {
    .type = "dummy",
    .construct = dummy_construct,
    .destruct = dummy_destruct,
    .recv = dummy_recv,
    .send = dummy_send,
    .get_etheraddr = dummy_get_etheraddr,
    .get_mtu = dummy_get_mtu,
    .get_ifindex = dummy_get_ifindex,
    .get_fd = dummy_get_fd,
    .set_up = dummy_set_up,
    .set_config = dummy_set_config,
};
