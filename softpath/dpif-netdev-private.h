/* dpif-netdev-private.h: what the files of the userspace datapath share
 * (dpif-netdev.c: datapaths, ports, the packet path, flows, execution;
 * dpif-netdev-upcall.c: the upcall queues and dpif_recv();
 * dpif-netdev-meter.c: the meter table; dpif-netdev-pmd.c: poll-mode
 * threads).  Nothing else includes it.
 *
 * Every function declared here is called with the datapath's mutex held,
 * except the dpif_class members, which take it themselves, and those of
 * dpif-netdev-pmd.c, which say (see the locking notes at the top of
 * dpif-netdev.c). */
#ifndef NICFLOW_SOFTPATH_DPIF_NETDEV_PRIVATE_H
#define NICFLOW_SOFTPATH_DPIF_NETDEV_PRIVATE_H 1

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/flow.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "softpath/classifier.h"
#include "softpath/dp-meter.h"
#include "softpath/dpif-provider.h"
#include "softpath/emc.h"
#include "softpath/netdev.h"

/* Upcalls queued per port before more are lost: enough to absorb a burst
 * while the handler is busy, small enough that a flood from one port
 * cannot hold much memory. */
#define UPCALL_QUEUE_MAX 1024

/* How many times a packet may be recirculated, as Open vSwitch's
 * MAX_RECIRC_DEPTH: a loop of recirculations must end somewhere. */
#define MAX_RECIRC_DEPTH 6

/* The flow limit when the caller sets none (Open vSwitch's default). */
#define DEFAULT_FLOW_LIMIT 200000

/* Meter ids are 0 .. MAX_METERS - 1: far more than switches configure,
 * and a bound on what a misbehaving client can make the table hold. */
#define MAX_METERS (1u << 18)

/* A bounded ring of upcalls waiting for dpif_recv(). */
struct upcall_queue {
    struct dpif_upcall *ring; /* UPCALL_QUEUE_MAX entries, or NULL. */
    size_t head;              /* Index of the oldest entry. */
    size_t n;                 /* Entries queued. */
};

/* What one thread's packet processing counted (dpif-netdev/pmd-stats-show):
 * a poll-mode thread's, or the datapath thread's ("main thread").  Atomic,
 * so that the control socket reads them while the thread runs; each is
 * added to once per batch. */
struct dp_proc_stats {
    _Atomic uint64_t n_rx;         /* Packets received. */
    _Atomic uint64_t n_recirc;     /* Recirculations. */
    _Atomic uint64_t n_phwol;      /* Found by the NIC's mark. */
    _Atomic uint64_t n_emc;        /* Exact-match cache hits. */
    _Atomic uint64_t n_megaflow;   /* Classifier hits. */
    _Atomic uint64_t n_miss;       /* Misses queued as upcalls. */
    _Atomic uint64_t n_lost;       /* Misses whose upcall was lost. */
    _Atomic uint64_t n_tx_batches; /* Output batches sent... */
    _Atomic uint64_t n_tx_packets; /* ...and their packets. */
    _Atomic uint64_t busy_cycles;  /* Polling that found packets... */
    _Atomic uint64_t idle_cycles;  /* ...and that found none. */
};

struct dp_pmd;

/* Who processes a batch: a poll-mode thread (PMD set) or another thread
 * (PMD NULL), and where its counters go (STATS, or NULL for none). */
struct dp_proc {
    struct dp_pmd *pmd;
    struct dp_proc_stats *stats;
};

struct dp_port {
    struct hmap_node node; /* In dp_netdev.ports, by hash of port_no. */
    uint32_t port_no;
    struct netdev *netdev;
    /* Its receive queues are assigned to poll-mode threads, so the
     * datapath thread leaves them alone (dpif-netdev-pmd.c). */
    bool pmd_polled;
    struct upcall_queue upcalls;      /* Upcalls of packets received here. */
    uint64_t n_lost;                  /* Upcalls of this port lost. */
    struct pkt *tx[NETDEV_MAX_BURST]; /* Outputs not sent yet. */
    size_t n_tx;
};

/* The classifier of the megaflows of one input port. */
struct dp_port_cls {
    struct hmap_node node; /* In dp_netdev.port_cls, by port number. */
    uint32_t port_no;
    struct dpcls cls;
};

struct dp_flow {
    struct hmap_node ufid_node; /* In dp_netdev.flows. */
    struct dpif_ufid ufid;
    struct dpcls_rule *rule;      /* The classifier's rule for it. */
    struct dpcls *cls;            /* The classifier that holds it. */
    struct buf key, mask;         /* As put (mask empty: exact). */
    struct buf actions;           /* As put. */
    struct dpif_flow_stats stats; /* Updated on every hit. */
};

/* A meter in dp_netdev.meters. */
struct dp_meter_entry {
    struct hmap_node node; /* By hash of id. */
    uint32_t id;
    struct dp_meter *meter;
};

struct dp_netdev {
    struct hmap_node node; /* In 'dps', by hash of name. */
    char *name;
    unsigned int refcnt; /* Handles and dumps that point here. */
    bool destroyed;      /* destroy() ran: no longer in 'dps'. */
    pthread_mutex_t mutex;

    struct hmap ports; /* Of struct dp_port. */
    /* Megaflows with an exact in_port (all that xlate makes) live in their
     * port's classifier, so each port ranks its subtables by its own
     * traffic; the others (dpctl may wildcard in_port) in CLS, which a
     * lookup consults after the port's.  Rules' payloads are struct
     * dp_flow. */
    struct hmap port_cls; /* Of struct dp_port_cls, by port number. */
    struct dpcls cls;
    struct emc emc;
    struct hmap flows; /* Of struct dp_flow, by ufid. */
    size_t flow_limit;
    uint16_t tnl_src_min, tnl_src_max; /* tnl_push UDP source ports. */
    struct hmap meters;                /* Of struct dp_meter_entry, by id. */

    /* Poll-mode threads (dpif-netdev-pmd.c).  PMD_CTL serialises their
     * reconfiguration and is taken before any thread's mutex and before
     * MUTEX; PMDS and N_PMDS change only with it held and every thread
     * paused. */
    pthread_mutex_t pmd_ctl;
    struct dp_pmd **pmds;
    size_t n_pmds;
    struct dp_proc_stats main_stats; /* The datapath thread's counters. */
    bool tx_pending;                 /* Some dp_port.tx holds packets. */

    bool recv_enabled;
    int upcall_fd;                    /* Eventfd: readable while queued. */
    struct upcall_queue misc_upcalls; /* For in_ports that are no port. */
    size_t n_upcalls;                 /* In all queues. */
    uint32_t rr_next;                 /* First port to serve next. */

    uint64_t n_hit, n_missed, n_lost;
};

struct dpif_netdev {
    struct dpif up;
    struct dp_netdev *dp;
};

struct dp_netdev_flow_dump {
    struct dpif_flow_dump up;
    struct dp_netdev *dp;    /* Referenced until done(). */
    struct dpif_ufid *ufids; /* The flows that existed at start(). */
    size_t n, pos;
};

static inline struct dp_netdev *
dp_from_dpif(const struct dpif *dpif)
{
    return CONTAINER_OF(dpif, struct dpif_netdev, up)->dp;
}

/* The port of DP numbered PORT_NO, or NULL. */
static inline struct dp_port *
dp_port_lookup(const struct dp_netdev *dp, uint32_t port_no)
{
    struct dp_port *port;

    HMAP_FOR_EACH_WITH_HASH (port, node, hash_int(port_no, 0), &dp->ports) {
        if (port->port_no == port_no) {
            return port;
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------------
 * dpif-netdev.c, for the other files.
 * --------------------------------------------------------------------- */

/* A new port PORT_NO of DP over NETDEV (taken), in DP's map. */
struct dp_port *dpif_netdev_port_create(struct dp_netdev *dp, uint32_t port_no,
                                        struct netdev *netdev);

/* Sends what PORT has buffered, drops its upcalls, closes its netdev and
 * frees it (no poll-mode thread may be in it: see
 * dpif_netdev_pmd_pause()). */
void dpif_netdev_port_destroy(struct dp_netdev *dp, struct dp_port *port);

/* Processes the N packets of PKTS (taken), just received on IN_PORT, for
 * PROC (see struct dp_proc): lookups, actions, upcalls, statistics.  For
 * a poll-mode thread, outputs to multi-queue ports wait in the thread's
 * buffers (dpif_netdev_pmd_tx()) and the rest are sent before it returns;
 * for another thread, all wait in the ports' buffers until the caller
 * sends them (dpif_netdev_run() does, once per run). */
void dpif_netdev_process_rx(struct dp_netdev *dp, uint32_t in_port,
                            struct pkt **pkts, size_t n, struct dp_proc *proc);

/* Every datapath of the registry, referenced, in an array in *DPSP: N
 * returned; dpif_netdev_dps_put() drops the references and the array.
 * Called without any datapath's mutex. */
size_t dpif_netdev_dps_get(struct dp_netdev ***dpsp);
void dpif_netdev_dps_put(struct dp_netdev **dps, size_t n);

/* ---------------------------------------------------------------------
 * dpif-netdev-pmd.c: poll-mode threads.
 *
 * other_config:pmd-cpu-mask names CPUs (dpif_netdev_set_pmd_cpus()); a
 * datapath that has ports with polled, multi-queue netdevs (DPDK) gets a
 * thread on each of them, and the receive queues of those ports are dealt
 * to the threads in turn.  Reconfiguration pauses the threads: the
 * functions below are called WITHOUT the datapath's mutex.
 * --------------------------------------------------------------------- */

/* Pauses DP's poll-mode threads (taking DP->pmd_ctl): when it returns, none
 * touches a port until dpif_netdev_pmd_resume(). */
void dpif_netdev_pmd_pause(struct dp_netdev *dp);

/* Brings DP's threads in line with the configured CPUs and the ports DP
 * has now (starting or stopping threads, dealing the receive queues out
 * again), lets them run and releases DP->pmd_ctl.  Takes DP's mutex. */
void dpif_netdev_pmd_resume(struct dp_netdev *dp);

/* Stops and frees DP's threads; DP's ports are then polled by the
 * datapath thread again. */
void dpif_netdev_pmd_destroy(struct dp_netdev *dp);

/* Queues P (taken), an output to PORT, in PMD's buffers; called with DP's
 * mutex held while PMD processes a batch. */
void dpif_netdev_pmd_tx(struct dp_pmd *pmd, struct dp_port *port,
                        struct pkt *p);

/* ---------------------------------------------------------------------
 * dpif-netdev-port.c: the dpif_class members of ports (dpif-provider.h).
 * --------------------------------------------------------------------- */

int dpif_netdev_port_add(struct dpif *dpif, const char *name, const char *type,
                         const char *options, uint32_t *port_no, char **errp);
int dpif_netdev_port_del(struct dpif *dpif, uint32_t port_no, char **errp);
int dpif_netdev_port_query(const struct dpif *dpif, uint32_t port_no,
                           const char *name, struct dpif_port *out);
int dpif_netdev_port_dump(const struct dpif *dpif, struct dpif_ports *ports);
int dpif_netdev_port_get_stats(const struct dpif *dpif, uint32_t port_no,
                               struct dpif_port_stats *stats);
int dpif_netdev_port_set_config(struct dpif *dpif, uint32_t port_no,
                                const char *options, char **errp);

/* ---------------------------------------------------------------------
 * dpif-netdev-upcall.c.
 * --------------------------------------------------------------------- */

/* Frees every upcall in Q and Q's ring, keeping DP's count and eventfd
 * right. */
void dpif_netdev_upcall_queue_clear(struct dp_netdev *dp,
                                    struct upcall_queue *q);

/* Queues U (taking what it owns) on the queue of the port the packet came
 * in on, or counts it lost if upcalls are disabled or the queue is full. */
void dpif_netdev_upcall_push(struct dp_netdev *dp, struct dpif_upcall *u);

/* Queues a miss upcall for P (taken), whose flow is FLOW. */
void dpif_netdev_upcall_miss(struct dp_netdev *dp, struct pkt *p,
                             const struct flow *flow);

/* The dpif_class members of upcall reception (dpif-provider.h). */
int dpif_netdev_recv_set(struct dpif *dpif, bool enable);
int dpif_netdev_recv(struct dpif *dpif, struct dpif_upcall *upcall);
int dpif_netdev_recv_fd(const struct dpif *dpif);

/* ---------------------------------------------------------------------
 * dpif-netdev-meter.c.
 * --------------------------------------------------------------------- */

/* The meter ID of DP, or NULL. */
struct dp_meter_entry *dpif_netdev_meter_lookup(const struct dp_netdev *dp,
                                                uint32_t id);
/* Removes E from DP's table and frees it with its meter. */
void dpif_netdev_meter_remove(struct dp_netdev *dp, struct dp_meter_entry *e);

/* The dpif_class members of meters (dpif-provider.h). */
void dpif_netdev_meter_get_features(const struct dpif *dpif,
                                    struct dpif_meter_features *f);
int dpif_netdev_meter_set(struct dpif *dpif, uint32_t meter_id,
                          const struct dpif_meter_config *config, char **errp);
int dpif_netdev_meter_get(const struct dpif *dpif, uint32_t meter_id,
                          struct dpif_meter_stats *stats);
int dpif_netdev_meter_del(struct dpif *dpif, uint32_t meter_id,
                          struct dpif_meter_stats *stats);

#endif /* NICFLOW_SOFTPATH_DPIF_NETDEV_PRIVATE_H */
