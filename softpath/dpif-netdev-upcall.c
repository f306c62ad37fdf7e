/* dpif-netdev-upcall.c: the userspace datapath's upcall queues (see
 * dpif-netdev-private.h).
 *
 * Each port has a bounded ring of the upcalls of packets received on it
 * (and one ring collects those of packets from no port); dpif_recv()
 * serves the rings round robin in port number order, so a port that
 * floods misses cannot starve the others.  An eventfd polls readable
 * exactly while some upcall is queued. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/coverage.h"
#include "softpath/dpif-netdev-private.h"
#include "softpath/odp.h"

COVERAGE_DEFINE(dpif_netdev_upcall_lost);

/* Makes the eventfd readable or empties it, so that it polls readable
 * exactly while some upcall is queued. */
static void
upcall_fd_signal(struct dp_netdev *dp, bool readable)
{
    uint64_t v = 1;
    ssize_t n;

    if (readable) {
        n = write(dp->upcall_fd, &v, sizeof v);
    } else {
        n = read(dp->upcall_fd, &v, sizeof v);
    }
    /* A failed write means the counter is already huge and a failed read
     * that it is already zero (EAGAIN): both leave the state we want. */
    (void) n;
}

void
dpif_netdev_upcall_queue_clear(struct dp_netdev *dp, struct upcall_queue *q)
{
    for (size_t i = 0; i < q->n; i++) {
        dpif_upcall_destroy(&q->ring[(q->head + i) % UPCALL_QUEUE_MAX]);
    }
    dp->n_upcalls -= q->n;
    if (q->n && !dp->n_upcalls) {
        upcall_fd_signal(dp, false);
    }
    free(q->ring);
    memset(q, 0, sizeof *q);
}

/* Queues U (taking what it owns) on the queue of the port the packet came
 * in on, or counts it lost if upcalls are disabled or the queue is full. */
void
dpif_netdev_upcall_push(struct dp_netdev *dp, struct dpif_upcall *u)
{
    struct dp_port *port = dp_port_lookup(dp, u->in_port);
    struct upcall_queue *q = port ? &port->upcalls : &dp->misc_upcalls;

    if (!dp->recv_enabled || q->n >= UPCALL_QUEUE_MAX) {
        COVERAGE_INC(dpif_netdev_upcall_lost);
        dp->n_lost++;
        if (port) {
            port->n_lost++;
        }
        dpif_upcall_destroy(u);
        return;
    }
    if (!q->ring) {
        q->ring = xmalloc(UPCALL_QUEUE_MAX * sizeof *q->ring);
    }
    q->ring[(q->head + q->n) % UPCALL_QUEUE_MAX] = *u;
    q->n++;
    if (!dp->n_upcalls++) {
        upcall_fd_signal(dp, true);
    }
}

/* Queues a miss upcall for P (taken), whose flow is FLOW. */
void
dpif_netdev_upcall_miss(struct dp_netdev *dp, struct pkt *p,
                        const struct flow *flow)
{
    struct dpif_upcall u;

    memset(&u, 0, sizeof u);
    u.type = DPIF_UC_MISS;
    u.packet = p;
    u.in_port = p->in_port;
    odp_flow_to_key(&u.key, flow, NULL);
    dpif_ufid_from_key(u.key.data, u.key.len, &u.ufid);
    dpif_netdev_upcall_push(dp, &u);
}

int
dpif_netdev_recv_set(struct dpif *dpif, bool enable)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);

    pthread_mutex_lock(&dp->mutex);
    dp->recv_enabled = enable;
    pthread_mutex_unlock(&dp->mutex);
    return 0;
}

/* The queue to serve next: the first nonempty one at or after the
 * round-robin position in port number order (the queue of packets from no
 * port counts as port DPIF_PORT_ANY), wrapping around, so that a busy port
 * cannot starve the others. */
static struct upcall_queue *
next_queue(struct dp_netdev *dp, uint32_t *port_nop)
{
    struct upcall_queue *after = NULL, *first = NULL;
    uint32_t after_no = 0, first_no = 0;
    struct dp_port *port;

    HMAP_FOR_EACH (port, node, &dp->ports) {
        uint32_t no = port->port_no;

        if (!port->upcalls.n) {
            continue;
        }
        if (no >= dp->rr_next && (!after || no < after_no)) {
            after = &port->upcalls;
            after_no = no;
        }
        if (!first || no < first_no) {
            first = &port->upcalls;
            first_no = no;
        }
    }
    if (dp->misc_upcalls.n && !after) {
        after = &dp->misc_upcalls;
        after_no = DPIF_PORT_ANY;
    }
    if (dp->misc_upcalls.n && !first) {
        first = &dp->misc_upcalls;
        first_no = DPIF_PORT_ANY;
    }
    *port_nop = after ? after_no : first_no;
    return after ? after : first;
}

int
dpif_netdev_recv(struct dpif *dpif, struct dpif_upcall *upcall)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct upcall_queue *q;
    uint32_t port_no;
    int error = 0;

    pthread_mutex_lock(&dp->mutex);
    q = next_queue(dp, &port_no);
    if (!q) {
        error = EAGAIN;
        goto unlock;
    }
    *upcall = q->ring[q->head];
    q->head = (q->head + 1) % UPCALL_QUEUE_MAX;
    q->n--;
    dp->rr_next = port_no + 1; /* Wraps to 0 after DPIF_PORT_ANY. */
    if (!--dp->n_upcalls) {
        upcall_fd_signal(dp, false);
    }

unlock:
    pthread_mutex_unlock(&dp->mutex);
    return error;
}

int
dpif_netdev_recv_fd(const struct dpif *dpif)
{
    return dp_from_dpif(dpif)->upcall_fd;
}
