/* dpif-netdev-pmd.c: the userspace datapath's poll-mode threads.
 *
 * Without them (no CPUs configured, the default) the datapath thread that
 * calls dpif_netdev_run() serves every port, DPDK's included, one port at a
 * time.  With other_config:pmd-cpu-mask naming CPUs, a datapath that has
 * polled multi-queue ports (DPDK, and dummy-pmd for tests) gets one thread
 * per CPU, pinned to it, and the receive queues of those ports are dealt to
 * the threads in turn, port by port in port-number order (Open vSwitch's
 * "roundrobin" assignment).  Each thread receives from its queues, has the
 * batch processed (lookups and actions run under the datapath's mutex, as
 * every packet path here does), and sends what goes to multi-queue ports on
 * a transmit queue of its own (queue 1 + its index; queue 0 is the datapath
 * thread's, and netdev_send_txq() shares a queue among threads when a port
 * has fewer) after releasing the mutex.  So reception, the copies between
 * device buffers and packets, and transmission run in parallel on as many
 * CPUs as the mask names; classification does not (yet).  Outputs to
 * single-queue ports (Linux ports) leave under the mutex, as they do from
 * the datapath thread.
 *
 * Threads hold their own mutex while they work and look at a pause flag
 * between iterations: whoever changes ports (add, delete, reconfigure) or
 * the CPU set raises the flags and takes every thread's mutex, so no thread
 * is inside a port while it changes, then deals the queues out again and
 * lets them go (dpif_netdev_pmd_pause()/resume()).  Lock order: the
 * registry's, dp->pmd_ctl, the threads' mutexes in index order, dp->mutex.
 *
 * Idle threads do not spin forever, unlike Open vSwitch's: after the last
 * packet a thread keeps polling for the busy-poll time
 * (dpif_netdev_pmd_set_busy_poll(), "dpif-netdev/busy-poll"), then sleeps
 * between looks, 50 us at first, doubling to 1 ms.  "always" makes them
 * spin as Open vSwitch's do. */
#include "softpath/dpif-netdev.h"
#include "softpath/dpif-netdev-private.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/netdev.h"

VLOG_DEFINE_THIS_MODULE(dpif_netdev_pmd);

COVERAGE_DEFINE(pmd_reconfigure);
COVERAGE_DEFINE(pmd_tx_early_flush);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

/* Ports one thread buffers outputs for at a time; more in one batch are
 * sent at once. */
#define PMD_TX_PORTS 8

/* Sleeps of an idle thread, in microseconds (see the top of the file). */
#define PMD_SLEEP_MIN_US 50
#define PMD_SLEEP_MAX_US 1000

/* A receive queue a thread polls. */
struct pmd_rxq {
    struct dp_port *port;
    int qid;
    _Atomic uint64_t cycles; /* Spent on its batches since assignment. */
};

/* Outputs waiting for one port. */
struct pmd_tx {
    struct dp_port *port;
    size_t n;
    struct pkt *pkts[NETDEV_MAX_BURST];
};

struct dp_pmd {
    struct dp_netdev *dp;
    int index; /* In dp->pmds. */
    int cpu;   /* The CPU it runs on ("core_id"). */
    int numa;  /* That CPU's NUMA node. */
    int txq;   /* Its transmit queue: 1 + index. */
    pthread_t thread;
    pthread_mutex_t mutex; /* Held by the thread while it works. */
    atomic_bool pause, stop;

    /* Changed only while paused. */
    struct pmd_rxq *rxqs;
    size_t n_rxqs;
    _Atomic uint64_t since_cycles; /* Busy + idle since assignment. */

    /* The thread's own, while it processes a batch. */
    struct pmd_tx tx[PMD_TX_PORTS];
    size_t n_tx;

    struct dp_proc_stats stats;
    struct dp_proc proc; /* { this, &stats }. */
};

/* The configured CPUs (dpif_netdev_set_pmd_cpus()). */
static pthread_mutex_t cfg_mutex = PTHREAD_MUTEX_INITIALIZER;
static int *cfg_cpus;
static size_t cfg_n_cpus;

static _Atomic long long busy_poll_us = 50;

/* The processor's cycle counter where there is one, else nanoseconds: the
 * statistics only compare amounts of it. */
static inline uint64_t
pmd_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
    return __builtin_ia32_rdtsc();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
#endif
}

static void
stat_add(_Atomic uint64_t *v, uint64_t n)
{
    atomic_fetch_add_explicit(v, n, memory_order_relaxed);
}

static uint64_t
stat_get(const _Atomic uint64_t *v)
{
    return atomic_load_explicit(v, memory_order_relaxed);
}

/* The NUMA node of CPU, from sysfs (0 where it does not say). */
static int
cpu_numa_node(int cpu)
{
    for (int node = 0; node < 64; node++) {
        char path[96];

        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/node%d",
                 cpu, node);
        if (!access(path, F_OK)) {
            return node;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * The thread.
 * --------------------------------------------------------------------- */

static void
pmd_send(struct dp_pmd *pmd, struct pmd_tx *t)
{
    if (t->n) {
        stat_add(&pmd->stats.n_tx_batches, 1);
        stat_add(&pmd->stats.n_tx_packets, t->n);
        /* Failures are counted by the netdev and logged there. */
        netdev_send_txq(t->port->netdev, pmd->txq, t->pkts, t->n, true);
        t->n = 0;
    }
}

static void
pmd_flush_tx(struct dp_pmd *pmd)
{
    for (size_t i = 0; i < pmd->n_tx; i++) {
        pmd_send(pmd, &pmd->tx[i]);
    }
    pmd->n_tx = 0;
}

void
dpif_netdev_pmd_tx(struct dp_pmd *pmd, struct dp_port *port, struct pkt *p)
{
    struct pmd_tx *t = NULL;

    for (size_t i = 0; i < pmd->n_tx; i++) {
        if (pmd->tx[i].port == port) {
            t = &pmd->tx[i];
            break;
        }
    }
    if (!t) {
        if (pmd->n_tx == PMD_TX_PORTS) {
            /* Sending under the datapath's mutex is allowed, only
             * slower for the others. */
            COVERAGE_INC(pmd_tx_early_flush);
            pmd_flush_tx(pmd);
        }
        t = &pmd->tx[pmd->n_tx++];
        t->port = port;
        t->n = 0;
    }
    t->pkts[t->n++] = p;
    if (t->n == NETDEV_MAX_BURST) {
        pmd_send(pmd, t);
    }
}

static void
pmd_sleep_us(long us)
{
    struct timespec ts = { .tv_sec = 0, .tv_nsec = us * 1000 };

    nanosleep(&ts, NULL);
}

/* One look at every queue of PMD; returns the packets received. */
static size_t
pmd_poll_once(struct dp_pmd *pmd)
{
    struct dp_netdev *dp = pmd->dp;
    struct pkt *pkts[NETDEV_MAX_BURST];
    size_t total = 0;

    for (size_t i = 0; i < pmd->n_rxqs; i++) {
        struct pmd_rxq *q = &pmd->rxqs[i];
        uint64_t start = pmd_cycles();
        size_t n = 0;
        int error = netdev_rxq_recv(q->port->netdev, q->qid, pkts,
                                    NETDEV_MAX_BURST, &n);

        if (!n) {
            if (error && error != EAGAIN) {
                VLOG_WARN_RL(&rl,
                             "pmd thread core %d: receive on port %s "
                             "queue %d failed: %s",
                             pmd->cpu, netdev_get_name(q->port->netdev),
                             q->qid, nf_strerror(error));
            }
            continue;
        }
        pthread_mutex_lock(&dp->mutex);
        dpif_netdev_process_rx(dp, q->port->port_no, pkts, n, &pmd->proc);
        pthread_mutex_unlock(&dp->mutex);
        pmd_flush_tx(pmd);
        stat_add(&q->cycles, pmd_cycles() - start);
        total += n;
    }
    return total;
}

static void *
pmd_main(void *pmd_)
{
    struct dp_pmd *pmd = pmd_;
    long long last_work = 0;
    long sleep_us = PMD_SLEEP_MIN_US;
    char name[16];
    cpu_set_t set;

    snprintf(name, sizeof name, "pmd-c%02d/id:%d", pmd->cpu, pmd->index);
    pthread_setname_np(pthread_self(), name);
    CPU_ZERO(&set);
    CPU_SET(pmd->cpu, &set);
    int error = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    if (error) {
        VLOG_WARN("pmd thread core %d: cannot run on CPU %d only (%s): it "
                  "runs where the scheduler puts it",
                  pmd->cpu, pmd->cpu, nf_strerror(error));
    }

    pthread_mutex_lock(&pmd->mutex);
    while (!atomic_load(&pmd->stop)) {
        if (atomic_load(&pmd->pause)) {
            pthread_mutex_unlock(&pmd->mutex);
            while (atomic_load(&pmd->pause) && !atomic_load(&pmd->stop)) {
                pmd_sleep_us(20);
            }
            pthread_mutex_lock(&pmd->mutex);
            continue;
        }

        uint64_t start = pmd_cycles();
        size_t n = pmd_poll_once(pmd);
        uint64_t spent = pmd_cycles() - start;

        stat_add(n ? &pmd->stats.busy_cycles : &pmd->stats.idle_cycles, spent);
        stat_add(&pmd->since_cycles, spent);

        long long now = nf_time_usec();
        long long busy = atomic_load(&busy_poll_us);
        if (n) {
            last_work = now;
            sleep_us = PMD_SLEEP_MIN_US;
        } else if (busy != LLONG_MAX && now - last_work >= busy) {
            /* Idle: sleep without the mutex, so that a pause does not
             * wait for the sleep. */
            long us = pmd->n_rxqs ? sleep_us : PMD_SLEEP_MAX_US;
            pthread_mutex_unlock(&pmd->mutex);
            pmd_sleep_us(us);
            sleep_us = NF_MIN(sleep_us * 2, PMD_SLEEP_MAX_US);
            pthread_mutex_lock(&pmd->mutex);
        }
    }
    pthread_mutex_unlock(&pmd->mutex);
    return NULL;
}

/* ---------------------------------------------------------------------
 * Configuration.
 * --------------------------------------------------------------------- */

void
dpif_netdev_pmd_pause(struct dp_netdev *dp)
{
    pthread_mutex_lock(&dp->pmd_ctl);
    for (size_t i = 0; i < dp->n_pmds; i++) {
        atomic_store(&dp->pmds[i]->pause, true);
    }
    for (size_t i = 0; i < dp->n_pmds; i++) {
        pthread_mutex_lock(&dp->pmds[i]->mutex);
    }
}

static void
pmd_stop(struct dp_pmd *pmd)
{
    atomic_store(&pmd->stop, true);
    pthread_join(pmd->thread, NULL);
    pthread_mutex_destroy(&pmd->mutex);
    free(pmd->rxqs);
    free(pmd);
}

/* Stops every thread of DP, which must be paused (their mutexes held). */
static void
pmd_stop_all(struct dp_netdev *dp)
{
    for (size_t i = 0; i < dp->n_pmds; i++) {
        pthread_mutex_unlock(&dp->pmds[i]->mutex);
        pmd_stop(dp->pmds[i]);
    }
    free(dp->pmds);
    dp->pmds = NULL;
    dp->n_pmds = 0;
}

/* A new, paused thread (its mutex held by the caller) on CPU. */
static struct dp_pmd *
pmd_create(struct dp_netdev *dp, int index, int cpu)
{
    struct dp_pmd *pmd = xzalloc(sizeof *pmd);

    pmd->dp = dp;
    pmd->index = index;
    pmd->cpu = cpu;
    pmd->numa = cpu_numa_node(cpu);
    pmd->txq = 1 + index;
    pmd->proc.pmd = pmd;
    pmd->proc.stats = &pmd->stats;
    pthread_mutex_init(&pmd->mutex, NULL);
    atomic_store(&pmd->pause, true);
    pthread_mutex_lock(&pmd->mutex);
    int error = pthread_create(&pmd->thread, NULL, pmd_main, pmd);
    if (error) {
        nf_fatal(error, "cannot start a poll-mode thread");
    }
    return pmd;
}

static int
compare_ports(const void *a_, const void *b_)
{
    const struct dp_port *const *a = a_, *const *b = b_;

    return (*a)->port_no < (*b)->port_no ? -1 : (*a)->port_no > (*b)->port_no;
}

/* The ports of DP whose queues threads poll, in port-number order, in a
 * new array; their count in *N.  Called with DP's mutex held. */
static struct dp_port **
polled_ports(struct dp_netdev *dp, size_t *n)
{
    struct dp_port **ports =
        xmalloc((hmap_count(&dp->ports) + 1) * sizeof *ports);
    struct dp_port *port;

    *n = 0;
    HMAP_FOR_EACH (port, node, &dp->ports) {
        port->pmd_polled = false;
        if (netdev_needs_polling(port->netdev)
            && netdev_is_multiqueue(port->netdev)) {
            ports[(*n)++] = port;
        }
    }
    qsort(ports, *n, sizeof *ports, compare_ports);
    return ports;
}

void
dpif_netdev_pmd_resume(struct dp_netdev *dp)
{
    int *cpus;
    size_t n_cpus;

    COVERAGE_INC(pmd_reconfigure);
    pthread_mutex_lock(&cfg_mutex);
    n_cpus = cfg_n_cpus;
    cpus = n_cpus ? xmemdup(cfg_cpus, n_cpus * sizeof *cpus) : NULL;
    pthread_mutex_unlock(&cfg_mutex);

    pthread_mutex_lock(&dp->mutex);
    size_t n_ports;
    struct dp_port **ports = polled_ports(dp, &n_ports);
    if (!n_ports || dp->destroyed) {
        n_cpus = 0; /* Threads would have nothing to poll. */
    }

    /* The threads: kept if they are on the CPUs configured, else made
     * anew (stopping one takes the mutex it waits for, so not under
     * dp->mutex). */
    bool same = n_cpus == dp->n_pmds;
    for (size_t i = 0; same && i < n_cpus; i++) {
        same = dp->pmds[i]->cpu == cpus[i];
    }
    if (!same) {
        pthread_mutex_unlock(&dp->mutex);
        pmd_stop_all(dp);
        if (n_cpus) {
            dp->pmds = xcalloc(n_cpus, sizeof *dp->pmds);
            for (size_t i = 0; i < n_cpus; i++) {
                dp->pmds[i] = pmd_create(dp, (int) i, cpus[i]);
            }
            dp->n_pmds = n_cpus;
            VLOG_INFO("%s: %zu pmd thread(s) on core(s) of pmd-cpu-mask",
                      dp->name, n_cpus);
        }
        pthread_mutex_lock(&dp->mutex);
        free(ports);
        ports = polled_ports(dp, &n_ports);
    }

    /* Every queue of every polled port, dealt in turn. */
    for (size_t i = 0; i < dp->n_pmds; i++) {
        struct dp_pmd *pmd = dp->pmds[i];

        free(pmd->rxqs);
        pmd->rxqs = NULL;
        pmd->n_rxqs = 0;
        atomic_store(&pmd->since_cycles, 0);
    }
    size_t next = 0;
    for (size_t k = 0; dp->n_pmds && k < n_ports; k++) {
        int n_rxq = netdev_n_rxq(ports[k]->netdev);

        ports[k]->pmd_polled = true;
        for (int q = 0; q < n_rxq; q++) {
            struct dp_pmd *pmd = dp->pmds[next++ % dp->n_pmds];

            pmd->rxqs =
                xrealloc(pmd->rxqs, (pmd->n_rxqs + 1) * sizeof *pmd->rxqs);
            struct pmd_rxq *r = &pmd->rxqs[pmd->n_rxqs++];
            r->port = ports[k];
            r->qid = q;
            atomic_store(&r->cycles, 0);
        }
    }
    pthread_mutex_unlock(&dp->mutex);
    free(ports);
    free(cpus);

    for (size_t i = 0; i < dp->n_pmds; i++) {
        pthread_mutex_unlock(&dp->pmds[i]->mutex);
        atomic_store(&dp->pmds[i]->pause, false);
    }
    pthread_mutex_unlock(&dp->pmd_ctl);
}

void
dpif_netdev_pmd_destroy(struct dp_netdev *dp)
{
    dpif_netdev_pmd_pause(dp);
    pmd_stop_all(dp);
    pthread_mutex_lock(&dp->mutex);
    struct dp_port *port;
    HMAP_FOR_EACH (port, node, &dp->ports) {
        port->pmd_polled = false;
    }
    pthread_mutex_unlock(&dp->mutex);
    pthread_mutex_unlock(&dp->pmd_ctl);
}

int
dpif_netdev_set_pmd_cpus(const int *cpus, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (cpus[i] < 0 || cpus[i] >= CPU_SETSIZE) {
            return EINVAL;
        }
        for (size_t j = 0; j < i; j++) {
            if (cpus[j] == cpus[i]) {
                return EINVAL;
            }
        }
    }
    pthread_mutex_lock(&cfg_mutex);
    free(cfg_cpus);
    cfg_cpus = n ? xmemdup(cpus, n * sizeof *cpus) : NULL;
    cfg_n_cpus = n;
    pthread_mutex_unlock(&cfg_mutex);

    struct dp_netdev **dps;
    size_t n_dps = dpif_netdev_dps_get(&dps);
    for (size_t i = 0; i < n_dps; i++) {
        dpif_netdev_pmd_pause(dps[i]);
        dpif_netdev_pmd_resume(dps[i]);
    }
    dpif_netdev_dps_put(dps, n_dps);
    return 0;
}

void
dpif_netdev_pmd_set_busy_poll(long long us)
{
    atomic_store(&busy_poll_us, us < 0 ? 0 : us);
}

/* ---------------------------------------------------------------------
 * dpif-netdev/pmd-rxq-show, pmd-stats-show, pmd-stats-clear.
 * --------------------------------------------------------------------- */

static unsigned int
percent(uint64_t part, uint64_t whole)
{
    return whole ? (unsigned int) (part * 100 / whole) : 0;
}

static void
rxq_show(const struct dp_pmd *pmd, struct buf *out)
{
    uint64_t whole = stat_get(&pmd->since_cycles);

    /* "pmd usage" is the share of the thread's cycles since the queues
     * were last dealt out that went to the queue's batches (Open vSwitch
     * shows the last minute's). */
    buf_printf(out, "pmd thread numa_id %d core_id %d:\n", pmd->numa,
               pmd->cpu);
    buf_printf(out, "  isolated : false\n");
    for (size_t i = 0; i < pmd->n_rxqs; i++) {
        const struct pmd_rxq *q = &pmd->rxqs[i];

        buf_printf(out,
                   "  port: %-16s  queue-id: %2d (enabled)   pmd usage: "
                   "%2u %%\n",
                   netdev_get_name(q->port->netdev), q->qid,
                   percent(stat_get(&q->cycles), whole));
    }
}

static void
stats_show(const char *title, const struct dp_proc_stats *s, struct buf *out)
{
    uint64_t rx = stat_get(&s->n_rx), recirc = stat_get(&s->n_recirc);
    uint64_t batches = stat_get(&s->n_tx_batches);
    uint64_t busy = stat_get(&s->busy_cycles);
    uint64_t idle = stat_get(&s->idle_cycles);
    uint64_t total = busy + idle;

    buf_printf(out, "%s:\n", title);
    buf_printf(out, "  packets received: %" PRIu64 "\n", rx);
    buf_printf(out, "  packet recirculations: %" PRIu64 "\n", recirc);
    buf_printf(out, "  avg. datapath passes per packet: %.2f\n",
               rx ? (double) (rx + recirc) / (double) rx : 0.0);
    buf_printf(out, "  phwol hits: %" PRIu64 "\n", stat_get(&s->n_phwol));
    buf_printf(out, "  emc hits: %" PRIu64 "\n", stat_get(&s->n_emc));
    buf_printf(out, "  megaflow hits: %" PRIu64 "\n",
               stat_get(&s->n_megaflow));
    buf_printf(out, "  miss with success upcall: %" PRIu64 "\n",
               stat_get(&s->n_miss));
    buf_printf(out, "  miss with failed upcall: %" PRIu64 "\n",
               stat_get(&s->n_lost));
    buf_printf(out, "  avg. packets per output batch: %.2f\n",
               batches ? (double) stat_get(&s->n_tx_packets) / (double) batches
                       : 0.0);
    if (total) {
        buf_printf(out, "  idle cycles: %" PRIu64 " (%.2f%%)\n", idle,
                   100.0 * (double) idle / (double) total);
        buf_printf(out, "  processing cycles: %" PRIu64 " (%.2f%%)\n", busy,
                   100.0 * (double) busy / (double) total);
        if (rx) {
            buf_printf(out,
                       "  avg cycles per packet: %.2f (%" PRIu64 "/%" PRIu64
                       ")\n",
                       (double) total / (double) rx, total, rx);
            buf_printf(out,
                       "  avg processing cycles per packet: %.2f (%" PRIu64
                       "/%" PRIu64 ")\n",
                       (double) busy / (double) rx, busy, rx);
        }
    }
}

static void
stats_clear(struct dp_proc_stats *s)
{
    _Atomic uint64_t *fields[] = {
        &s->n_rx,         &s->n_recirc,    &s->n_phwol,     &s->n_emc,
        &s->n_megaflow,   &s->n_miss,      &s->n_lost,      &s->n_tx_batches,
        &s->n_tx_packets, &s->busy_cycles, &s->idle_cycles,
    };
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        atomic_store_explicit(fields[i], 0, memory_order_relaxed);
    }
}

int
dpif_netdev_pmd_show(enum dpif_netdev_pmd_cmd cmd, int core,
                     const char *dp_name_, struct buf *out, char **errp)
{
    const char *dp_name = dp_name_;
    struct dp_netdev **dps;
    size_t n_dps = dpif_netdev_dps_get(&dps);
    bool found = false;

    /* "netdev@ovs-netdev", as dpif/show names it, or "ovs-netdev". */
    if (dp_name && !strncmp(dp_name, "netdev@", 7)) {
        dp_name += 7;
    }

    for (size_t i = 0; i < n_dps; i++) {
        struct dp_netdev *dp = dps[i];

        if (dp_name && strcmp(dp_name, dp->name)) {
            continue;
        }
        found = true;
        /* The threads and their queue lists stay while pmd_ctl is held. */
        pthread_mutex_lock(&dp->pmd_ctl);
        if (cmd == DPIF_NETDEV_PMD_STATS_CLEAR) {
            stats_clear(&dp->main_stats);
        } else if (cmd == DPIF_NETDEV_PMD_STATS_SHOW && core < 0) {
            stats_show("main thread", &dp->main_stats, out);
        }
        for (size_t k = 0; k < dp->n_pmds; k++) {
            struct dp_pmd *pmd = dp->pmds[k];

            if (core >= 0 && pmd->cpu != core) {
                continue;
            }
            if (cmd == DPIF_NETDEV_PMD_RXQ_SHOW) {
                rxq_show(pmd, out);
            } else if (cmd == DPIF_NETDEV_PMD_STATS_SHOW) {
                char title[64];
                snprintf(title, sizeof title,
                         "pmd thread numa_id %d core_id %d", pmd->numa,
                         pmd->cpu);
                stats_show(title, &pmd->stats, out);
            } else {
                stats_clear(&pmd->stats);
            }
        }
        pthread_mutex_unlock(&dp->pmd_ctl);
    }
    dpif_netdev_dps_put(dps, n_dps);
    if (dp_name && !found) {
        if (errp) {
            *errp = xasprintf("%s: no such datapath", dp_name_);
        }
        return ENOENT;
    }
    return 0;
}
