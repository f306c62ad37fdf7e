/* netdev-handover.c: a port's input handed over to another path (see
 * netdev_rx_handover_set() in netdev.h).
 *
 * Why.  A switch chip that owns the wire of its ports (a HAL device with
 * a path to the host, such as the simulated eswitch) forwards what its
 * tables hold and gives the host only the rest.  The port's own receive
 * path (an AF_PACKET socket on the netdev) would see every frame, those
 * the chip already forwarded too, so while the chip owns the port the
 * datapath must read the chip's frames instead: they are queued here by
 * whichever thread the chip delivers on, and netdev_recv() takes them.
 *
 * Lifetime.  A handover is known by the port's name, not by an open
 * struct netdev, because the chip may claim a port before the bridge
 * opens it (and keeps it when the port is closed and opened again).
 * Handover records are never freed: a port's datapath thread may still
 * hold a pointer to one for an instant after the handover ends, and
 * there are only as many as ports were ever handed over.
 *
 * Locks.  'ho_mutex' guards the list and the 'handover' pointer of open
 * netdevs (written only with it held, read by netdev_recv() with an
 * atomic load); each record's own mutex guards its queue. */
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/netdev-provider.h"
#include "softpath/netdev.h"

VLOG_DEFINE_THIS_MODULE(netdev_handover);

COVERAGE_DEFINE(netdev_handover_rx);      /* Frames delivered. */
COVERAGE_DEFINE(netdev_handover_dropped); /* Frames the queue had no room
                                           * for. */

/* Frames queued per port: about two datapath bursts' worth more than a
 * busy port needs between two polls. */
#define HANDOVER_QUEUE 1024

struct netdev_handover {
    struct netdev_handover *next; /* In 'handovers'. */
    char name[IFNAMSIZ];
    pthread_mutex_t mutex;
    bool active; /* Guarded by ho_mutex and MUTEX: both to change. */
    int efd;     /* Readable while the queue holds a frame. */
    struct pkt *queue[HANDOVER_QUEUE];
    size_t head, n; /* Ring of N frames from HEAD. */
    uint64_t n_in, n_dropped;
};

static pthread_mutex_t ho_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct netdev_handover *handovers;

static struct netdev_handover *
handover_find(const char *name)
{
    for (struct netdev_handover *h = handovers; h; h = h->next) {
        if (!strcmp(h->name, name)) {
            return h;
        }
    }
    return NULL;
}

/* Drops every queued frame and makes the eventfd unreadable.  Called with
 * H->mutex held. */
static void
handover_drain(struct netdev_handover *h)
{
    uint64_t v;

    while (h->n) {
        pkt_delete(h->queue[h->head]);
        h->head = (h->head + 1) % HANDOVER_QUEUE;
        h->n--;
    }
    if (read(h->efd, &v, sizeof v) < 0) {
        /* EAGAIN: it was not readable. */
    }
}

/* Points NETDEV at H (NULL: its own input again) and pauses or resumes the
 * type's own reception.  Called with ho_mutex held. */
static void
handover_attach(struct netdev *netdev, struct netdev_handover *h)
{
    __atomic_store_n(&netdev->handover, h, __ATOMIC_RELEASE);
    if (netdev->class->rx_pause) {
        int error = netdev->class->rx_pause(netdev, h != NULL);
        if (error) {
            VLOG_WARN("port %s: could not %s its own receive path: %s",
                      netdev->name, h ? "pause" : "resume",
                      nf_strerror(error));
        }
    }
}

int
netdev_rx_handover_set(const char *name, bool on)
{
    struct netdev_handover *h;
    int error = 0;

    if (!name || !name[0] || strlen(name) >= IFNAMSIZ) {
        return EINVAL;
    }
    pthread_mutex_lock(&ho_mutex);
    h = handover_find(name);
    if (on && !h) {
        int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (efd < 0) {
            error = errno;
            goto out;
        }
        h = xzalloc(sizeof *h);
        snprintf(h->name, sizeof h->name, "%s", name);
        pthread_mutex_init(&h->mutex, NULL);
        h->efd = efd;
        h->next = handovers;
        handovers = h;
    }
    if (!h || h->active == on) {
        goto out;
    }
    pthread_mutex_lock(&h->mutex);
    h->active = on;
    if (!on) {
        handover_drain(h);
    }
    pthread_mutex_unlock(&h->mutex);

    struct netdev *netdev = netdev_from_name(name);
    if (netdev) {
        handover_attach(netdev, on ? h : NULL);
    }
    VLOG_INFO("port %s: input %s", name,
              on ? "handed over to the device that owns the port"
                 : "read from the port again");
out:
    pthread_mutex_unlock(&ho_mutex);
    return error;
}

bool
netdev_rx_handover_is_set(const char *name)
{
    pthread_mutex_lock(&ho_mutex);
    struct netdev_handover *h = handover_find(name);
    bool on = h && h->active;
    pthread_mutex_unlock(&ho_mutex);
    return on;
}

int
netdev_rx_handover_deliver(const char *name, const void *frame, size_t len)
{
    struct netdev_handover *h;
    int error = 0;

    pthread_mutex_lock(&ho_mutex);
    h = handover_find(name);
    pthread_mutex_unlock(&ho_mutex);
    if (!h) {
        return ENOENT;
    }

    pthread_mutex_lock(&h->mutex);
    if (!h->active) {
        error = ENOENT;
    } else if (h->n >= HANDOVER_QUEUE) {
        h->n_dropped++;
        COVERAGE_INC(netdev_handover_dropped);
        error = ENOBUFS;
    } else {
        struct pkt *p = netdev_pkt_new(len);

        pkt_put(p, frame, len);
        h->queue[(h->head + h->n) % HANDOVER_QUEUE] = p;
        if (!h->n++) {
            uint64_t one = 1;
            if (write(h->efd, &one, sizeof one) < 0) {
                /* Cannot overflow: it is read back to 0 when emptied. */
            }
        }
        h->n_in++;
    }
    pthread_mutex_unlock(&h->mutex);
    return error;
}

int
netdev_rx_handover_stats(const char *name, uint64_t *n_in, uint64_t *n_dropped)
{
    pthread_mutex_lock(&ho_mutex);
    struct netdev_handover *h = handover_find(name);
    if (h) {
        pthread_mutex_lock(&h->mutex);
        *n_in = h->n_in;
        *n_dropped = h->n_dropped;
        pthread_mutex_unlock(&h->mutex);
    }
    pthread_mutex_unlock(&ho_mutex);
    return h ? 0 : ENOENT;
}

/* ---------------------------------------------------------------------
 * netdev.c's side.
 * --------------------------------------------------------------------- */

void
netdev_handover_opened(struct netdev *netdev)
{
    pthread_mutex_lock(&ho_mutex);
    struct netdev_handover *h = handover_find(netdev->name);
    if (h && h->active) {
        handover_attach(netdev, h);
    }
    pthread_mutex_unlock(&ho_mutex);
}

int
netdev_handover_recv(struct netdev *netdev, struct netdev_handover *h,
                     struct pkt **pkts, size_t max, size_t *n)
{
    if (!netdev->class->rx_pause) {
        /* The type cannot stop its own input: read and drop it, so that
         * it neither piles up nor arrives late once the handover ends. */
        struct pkt *junk[NETDEV_MAX_BURST];
        size_t n_junk = 0;

        if (!netdev->class->recv(netdev, junk, NETDEV_MAX_BURST, &n_junk)) {
            for (size_t i = 0; i < n_junk; i++) {
                pkt_delete(junk[i]);
            }
        }
    }

    pthread_mutex_lock(&h->mutex);
    while (*n < max && h->n) {
        struct pkt *p = h->queue[h->head];

        h->head = (h->head + 1) % HANDOVER_QUEUE;
        h->n--;
        netdev->stats.rx_packets++;
        netdev->stats.rx_bytes += p->size;
        pkts[(*n)++] = p;
    }
    if (!h->n) {
        uint64_t v;
        if (read(h->efd, &v, sizeof v) < 0) {
            /* EAGAIN: already unreadable. */
        }
    }
    pthread_mutex_unlock(&h->mutex);
    if (*n) {
        COVERAGE_ADD(netdev_handover_rx, *n);
    }
    return *n ? 0 : EAGAIN;
}

int
netdev_handover_fd(const struct netdev_handover *h)
{
    return h->efd;
}
