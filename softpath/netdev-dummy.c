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
 * dummy does not have).
 *
 * The "dummy-pmd" type (as in Open vSwitch, for tests of poll-mode
 * threads) is a dummy with no fd that must be polled, with "n_rxq=N"
 * receive queues (netdev_dummy_receive_queue() injects into one) and
 * "n_txq=N" transmit queues, each counting what left on it
 * (netdev_dummy_txq_packets()).  Its queues may be served by several
 * threads at once, so every dummy locks itself around its queues and
 * counters. */
#include <pthread.h>
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

/* Queues of a dummy-pmd port, at most. */
#define DUMMY_MAX_QUEUES 16

/* What the options set (see dummy_set_config()). */
struct dummy_config {
    int ifindex;      /* 0: none. */
    int n_rxq, n_txq; /* 1 for a plain dummy. */
};

struct netdev_dummy {
    struct netdev up;
    pthread_mutex_t mutex; /* Guards everything below and up.stats. */
    int efd;               /* eventfd: readable while rxq is not empty. */
    bool admin_up;
    struct dummy_config config; /* From the options. */
    struct eth_addr ea;
    /* Injected, waiting for netdev_recv(): config.n_rxq queues. */
    struct pkt_queue *rxqs[DUMMY_MAX_QUEUES];
    unsigned int next_rxq; /* recv()'s first queue. */
    struct pkt_queue txq;  /* Sent, waiting for netdev_dummy_pop_sent(). */
    uint64_t txq_packets[DUMMY_MAX_QUEUES]; /* Sent on each queue. */
};

static bool
is_dummy(const struct netdev *netdev)
{
    return (netdev->class == &netdev_dummy_class
            || netdev->class == &netdev_dummy_pmd_class);
}

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

    pthread_mutex_init(&dev->mutex, NULL);
    dev->config.n_rxq = dev->config.n_txq = 1;
    dev->rxqs[0] = xzalloc(sizeof *dev->rxqs[0]);
    dev->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (dev->efd < 0) {
        int error = errno;
        VLOG_WARN("port %s: cannot create eventfd: %s", name,
                  nf_strerror(error));
        free(dev->rxqs[0]);
        pthread_mutex_destroy(&dev->mutex);
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

    for (int q = 0; q < DUMMY_MAX_QUEUES; q++) {
        if (dev->rxqs[q]) {
            queue_flush(dev->rxqs[q]);
            free(dev->rxqs[q]);
        }
    }
    queue_flush(&dev->txq);
    close(dev->efd);
    pthread_mutex_destroy(&dev->mutex);
    free(dev);
}

/* Keeps the eventfd readable exactly while packets wait. */
static void
dummy_update_fd(struct netdev_dummy *dev)
{
    uint64_t value;
    size_t waiting = 0;

    for (int q = 0; q < dev->config.n_rxq; q++) {
        waiting += dev->rxqs[q]->n;
    }
    if (waiting) {
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

/* Moves up to MAX - *N packets of receive queue Q to PKTS. */
static void
dummy_rx_queue(struct netdev_dummy *dev, int q, struct pkt **pkts, size_t max,
               size_t *n)
{
    struct pkt *p;

    while (*n < max && (p = queue_pop(dev->rxqs[q]))) {
        dev->up.stats.rx_packets++;
        dev->up.stats.rx_bytes += p->size;
        pkts[(*n)++] = p;
    }
}

static int
dummy_recv(struct netdev *netdev, struct pkt **pkts, size_t max, size_t *n)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);

    pthread_mutex_lock(&dev->mutex);
    for (int i = 0; i < dev->config.n_rxq; i++) {
        dummy_rx_queue(dev,
                       (int) ((dev->next_rxq + (unsigned) i)
                              % (unsigned) dev->config.n_rxq),
                       pkts, max, n);
    }
    dev->next_rxq++;
    dummy_update_fd(dev);
    pthread_mutex_unlock(&dev->mutex);
    return *n ? 0 : EAGAIN;
}

static int
dummy_rxq_recv(struct netdev *netdev, int qid, struct pkt **pkts, size_t max,
               size_t *n)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);

    pthread_mutex_lock(&dev->mutex);
    if (qid < dev->config.n_rxq) {
        dummy_rx_queue(dev, qid, pkts, max, n);
    }
    pthread_mutex_unlock(&dev->mutex);
    return *n ? 0 : EAGAIN;
}

static int
dummy_send_txq(struct netdev *netdev, int qid, struct pkt **pkts, size_t n,
               bool may_steal)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    int error = 0;

    pthread_mutex_lock(&dev->mutex);
    qid %= dev->config.n_txq;
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
        dev->txq_packets[qid]++;
    }
    pthread_mutex_unlock(&dev->mutex);
    return error;
}

static int
dummy_send(struct netdev *netdev, struct pkt **pkts, size_t n, bool may_steal)
{
    return dummy_send_txq(netdev, 0, pkts, n, may_steal);
}

/* The port's receive (RX) or transmit queues. */
static int
dummy_n_queues(const struct netdev *netdev, bool rx)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);

    pthread_mutex_lock(&dev->mutex);
    int n = rx ? dev->config.n_rxq : dev->config.n_txq;
    pthread_mutex_unlock(&dev->mutex);
    return n;
}

static int
dummy_get_n_rxq(const struct netdev *netdev)
{
    return dummy_n_queues(netdev, true);
}

static int
dummy_get_n_txq(const struct netdev *netdev)
{
    return dummy_n_queues(netdev, false);
}

static int
dummy_get_stats(const struct netdev *netdev, struct netdev_stats *stats)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);

    pthread_mutex_lock(&dev->mutex);
    *stats = netdev->stats;
    pthread_mutex_unlock(&dev->mutex);
    return 0;
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

/* n_rxq and n_txq: meaningful only for dummy-pmd, whose queues poll-mode
 * threads serve; a plain dummy has one queue each way and says so. */
static int
dummy_opt_queues(const char *key, int *out, const char *port,
                 const char *value, char **msgp)
{
    long long v;

    if (nf_parse_int(value, 1, DUMMY_MAX_QUEUES, &v)) {
        *msgp = xasprintf("%s: %s=%s: a dummy-pmd port has 1 to %d queues",
                          port, key, value, DUMMY_MAX_QUEUES);
        return EINVAL;
    }
    *out = (int) v;
    return 0;
}

static int
dummy_opt_n_rxq(struct dummy_config *config, const char *port,
                const char *value, char **msgp)
{
    return dummy_opt_queues("n_rxq", &config->n_rxq, port, value, msgp);
}

static int
dummy_opt_n_txq(struct dummy_config *config, const char *port,
                const char *value, char **msgp)
{
    return dummy_opt_queues("n_txq", &config->n_txq, port, value, msgp);
}

static const struct dummy_option dummy_options[] = {
    { "ifindex", dummy_opt_ifindex },
    { "n_rxq", dummy_opt_n_rxq },
    { "n_txq", dummy_opt_n_txq },
};

static int
dummy_set_config(struct netdev *netdev, const char *options, char **errp)
{
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    /* Built from the defaults, so that what OPTIONS leaves out returns
     * to its default, and applied only whole, so that a refused set
     * changes nothing. */
    struct dummy_config staged = { .ifindex = 0, .n_rxq = 1, .n_txq = 1 };
    bool pmd = netdev->class == &netdev_dummy_pmd_class;
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
            msg = xasprintf("%s: unknown option \"%s\" (a %s port takes "
                            "ifindex%s)",
                            netdev->name, item, netdev->class->type,
                            pmd ? ", n_rxq, n_txq" : "");
            error = EINVAL;
        } else if (!pmd && strcmp(item, "ifindex")) {
            msg = xasprintf("%s: option \"%s\" needs type dummy-pmd (a "
                            "dummy port has one queue each way)",
                            netdev->name, item);
            error = EINVAL;
        } else {
            error = dummy_options[i].apply(&staged, netdev->name, value, &msg);
        }
    }
    free(copy);
    if (error) {
        nf_give_error(errp, msg);
        return error;
    }
    pthread_mutex_lock(&dev->mutex);
    for (int q = 0; q < DUMMY_MAX_QUEUES; q++) {
        if (q < staged.n_rxq && !dev->rxqs[q]) {
            dev->rxqs[q] = xzalloc(sizeof *dev->rxqs[q]);
        } else if (q >= staged.n_rxq && dev->rxqs[q]) {
            /* What waited on a queue the port no longer has is lost, as
             * on a device whose queues are set up again. */
            queue_flush(dev->rxqs[q]);
            free(dev->rxqs[q]);
            dev->rxqs[q] = NULL;
        }
    }
    dev->config = staged;
    dummy_update_fd(dev);
    pthread_mutex_unlock(&dev->mutex);
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
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);

    pthread_mutex_lock(&dev->mutex);
    dev->admin_up = up;
    pthread_mutex_unlock(&dev->mutex);
    return 0;
}

int
netdev_dummy_receive(struct netdev *netdev, struct pkt *p)
{
    return netdev_dummy_receive_queue(netdev, 0, p);
}

int
netdev_dummy_receive_queue(struct netdev *netdev, int qid, struct pkt *p)
{
    if (!is_dummy(netdev)) {
        VLOG_WARN_RL(&rl,
                     "port %s: cannot inject a packet: type %s is "
                     "not dummy",
                     netdev->name, netdev->class->type);
        pkt_delete(p);
        return EINVAL;
    }

    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    pthread_mutex_lock(&dev->mutex);
    if (qid < 0 || qid >= dev->config.n_rxq) {
        pthread_mutex_unlock(&dev->mutex);
        VLOG_WARN_RL(&rl,
                     "port %s: cannot inject a packet: no receive "
                     "queue %d",
                     netdev->name, qid);
        pkt_delete(p);
        return EINVAL;
    }
    if (!dev->admin_up || !queue_push(dev->rxqs[qid], p)) {
        netdev->stats.rx_dropped++;
        pkt_delete(p);
    } else {
        dummy_update_fd(dev);
    }
    pthread_mutex_unlock(&dev->mutex);
    return 0;
}

struct pkt *
netdev_dummy_pop_sent(struct netdev *netdev)
{
    if (!is_dummy(netdev)) {
        return NULL;
    }
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    pthread_mutex_lock(&dev->mutex);
    struct pkt *p = queue_pop(&dev->txq);
    pthread_mutex_unlock(&dev->mutex);
    return p;
}

uint64_t
netdev_dummy_txq_packets(struct netdev *netdev, int qid)
{
    if (!is_dummy(netdev) || qid < 0 || qid >= DUMMY_MAX_QUEUES) {
        return 0;
    }
    struct netdev_dummy *dev = netdev_dummy_cast(netdev);
    pthread_mutex_lock(&dev->mutex);
    uint64_t n = dev->txq_packets[qid];
    pthread_mutex_unlock(&dev->mutex);
    return n;
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
    .get_stats = dummy_get_stats,
};

const struct netdev_class netdev_dummy_pmd_class = {
    .type = "dummy-pmd",
    .construct = dummy_construct,
    .destruct = dummy_destruct,
    .recv = dummy_recv,
    .send = dummy_send,
    .get_etheraddr = dummy_get_etheraddr,
    .get_mtu = dummy_get_mtu,
    .get_ifindex = dummy_get_ifindex,
    .set_up = dummy_set_up,
    .set_config = dummy_set_config,
    .get_stats = dummy_get_stats,
    .needs_polling = true,
    .get_n_rxq = dummy_get_n_rxq,
    .get_n_txq = dummy_get_n_txq,
    .rxq_recv = dummy_rxq_recv,
    .send_txq = dummy_send_txq,
};
