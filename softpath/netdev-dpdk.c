/* netdev-dpdk.c: DPDK's EAL and the "dpdk" port type (netdev-dpdk.h).
 *
 * Built only when pkg-config finds libdpdk (config.h HAVE_DPDK); DPDK's
 * headers are seen by this file alone in softpath/ (softpath/build.mk).
 *
 * A port is opened unattached: construct only checks that EAL is up.
 * set_config (options:dpdk-devargs, n_rxq, n_txq, n_rxq_desc, n_txq_desc,
 * mtu_request) finds the ethdev: first among the ports that already exist
 * and match the devargs (rte_eth_iterator_*: a --vdev of dpdk-extra, a PCI
 * device EAL probed at start, representors), else after hot-plugging the
 * device with rte_dev_probe() (a PCI address, net_tap/net_af_packet/
 * net_af_xdp vdevs, "0000:08:00.0,representor=vf[0-3]").  A devargs string
 * that matches several ethdevs (a representor range) gives each port the
 * next one no other port uses.  The port is then configured (queues, MTU,
 * an mbuf pool sized for its rings), started and made promiscuous (it is a
 * switch port).  A device the port hot-plugged is closed and removed when
 * the port goes; one that existed before is only stopped, so that it can
 * be taken again.
 *
 * Packets: rx_burst of up to 32 per call over the port's receive queues in
 * turn (recv, for a datapath thread that serves the whole port) or on one
 * queue (rxq_recv, for the poll-mode thread a queue is assigned to), each
 * mbuf copied into a struct pkt (the datapath's packets are not mbufs) and
 * freed at once; tx copies each packet into an mbuf of the port's pool and
 * sends bursts on a transmit queue: queue 0 for send, the caller's for
 * send_txq (each poll-mode thread has its own; a burst the device does not
 * take whole is retried once, then what is left counts as tx_dropped).
 * Threads that end up on one transmit queue (more threads than queues)
 * take turns through the queue's lock.  Packets from Linux ports may carry a virtio net
 * header: GSO super-frames are cut in software (netdev-gso.c) and partial
 * checksums finished, since no offload is asked of the device.
 *
 * The type has no fd: it sets needs_polling, and the datapath thread
 * polls it (vswitchd/datapaths.c).  Counters come from rte_eth_stats plus
 * what this file dropped itself; link state from
 * rte_eth_link_get_nowait().
 *
 * Threads: set_config/construct/destruct run on the main thread while no
 * datapath or poll-mode thread touches the port (dpif-netdev.c pauses
 * them), so a port is never reconfigured under a burst.  recv and send run
 * on the datapath thread, rxq_recv and send_txq on poll-mode threads, one
 * thread per receive queue.  Those threads are no EAL lcores: the mempool
 * serves them without a per-lcore cache, which is thread-safe.  The
 * counters this file keeps itself are atomic. */
#include "softpath/netdev-dpdk.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_version.h>

#include "lib/buf.h"
#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/netdev-provider.h"
#include "softpath/netdev.h"

VLOG_DEFINE_THIS_MODULE(netdev_dpdk);

COVERAGE_DEFINE(netdev_dpdk_tx_nombuf);
COVERAGE_DEFINE(netdev_dpdk_tx_partial);
COVERAGE_DEFINE(netdev_dpdk_tx_oversize);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

/* Ring sizes and queue counts when the options say nothing, as Open
 * vSwitch's netdev-dpdk. */
#define DPDK_DEFAULT_RXD 2048
#define DPDK_DEFAULT_TXD 2048
#define DPDK_MAX_DESC 4096
#define DPDK_MAX_QUEUES 64
/* Per-lcore mempool cache (unused by non-EAL threads). */
#define DPDK_MP_CACHE 256

/* ---------------------------------------------------------------------
 * EAL.
 * --------------------------------------------------------------------- */

static bool eal_attempted;   /* rte_eal_init() was called. */
static bool eal_initialized; /* ... and succeeded. */
static char *eal_settings;   /* What it was called for, to spot changes. */
static char *eal_error;      /* Why it failed. */
/* The EAL arguments, kept for the life of the process: rte_eal_init() may
 * keep pointers into them (and a leak checker then sees them in use). */
static char **volatile eal_argv; /* Written only: volatile keeps the store. */

/* DPDK's log lines go to our log, at the level DPDK gave them. */
static ssize_t
dpdk_log_write(void *cookie NF_UNUSED, const char *buf, size_t size)
{
    int level = rte_log_cur_msg_loglevel();
    size_t start = 0;

    while (start < size) {
        const char *nl = memchr(buf + start, '\n', size - start);
        size_t len = nl ? (size_t) (nl - (buf + start)) : size - start;

        if (len) {
            if (level <= (int) RTE_LOG_ERR) {
                VLOG_ERR("%.*s", (int) len, buf + start);
            } else if (level == (int) RTE_LOG_WARNING) {
                VLOG_WARN("%.*s", (int) len, buf + start);
            } else if (level <= (int) RTE_LOG_INFO) {
                VLOG_INFO("%.*s", (int) len, buf + start);
            } else {
                VLOG_DBG("%.*s", (int) len, buf + start);
            }
        }
        start += len + 1;
    }
    return (ssize_t) size;
}

static void
dpdk_log_redirect(void)
{
    cookie_io_functions_t fns = { .write = dpdk_log_write };
    FILE *f = fopencookie(NULL, "w+", fns);

    if (f) {
        setvbuf(f, NULL, _IOLBF, 0);
        rte_openlog_stream(f);
    }
}

/* Appends the words of S (split on blanks) to ARGV. */
static void
args_split(const char *s, char ***argv, size_t *argc)
{
    char *copy = xstrdup(s), *save = NULL;

    for (char *w = strtok_r(copy, " \t\n", &save); w;
         w = strtok_r(NULL, " \t\n", &save)) {
        *argv = xrealloc(*argv, (*argc + 2) * sizeof **argv);
        (*argv)[(*argc)++] = xstrdup(w);
        (*argv)[*argc] = NULL;
    }
    free(copy);
}

static void
args_add(char ***argv, size_t *argc, const char *arg)
{
    *argv = xrealloc(*argv, (*argc + 2) * sizeof **argv);
    (*argv)[(*argc)++] = xstrdup(arg);
    (*argv)[*argc] = NULL;
}

/* True if one of ARGV[FIRST..] is one of the options in NAMES (an
 * "--opt=value" form counts). */
static bool
args_have(char **argv, size_t first, size_t argc, const char *const *names)
{
    for (size_t i = first; i < argc; i++) {
        for (const char *const *n = names; *n; n++) {
            size_t len = strlen(*n);

            if (!strncmp(argv[i], *n, len)
                && (argv[i][len] == '\0'
                    || (argv[i][0] == '-' && argv[i][1] == '-'
                        && argv[i][len] == '='))) {
                return true;
            }
        }
    }
    return false;
}

/* The first CPU this thread may run on, for EAL's main lcore. */
static int
first_allowed_cpu(void)
{
    cpu_set_t set;

    if (!sched_getaffinity(0, sizeof set, &set)) {
        for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
            if (CPU_ISSET(cpu, &set)) {
                return cpu;
            }
        }
    }
    return 0;
}

static void
eal_init(const struct netdev_dpdk_settings *s)
{
    static const char *const core_opts[] = { "-c", "-l", "--lcores", NULL };
    static const char *const mem_opts[] = { "--socket-mem", "-m", NULL };
    char **argv = NULL, **argv_copy;
    size_t argc = 0, n_extra_first;
    struct buf text = BUF_INITIALIZER;
    cpu_set_t affinity;
    bool have_affinity;
    int ret;

    args_add(&argv, &argc, "nicflowd");
    n_extra_first = argc;
    if (s->extra) {
        args_split(s->extra, &argv, &argc);
    }
    if (s->lcore_mask && *s->lcore_mask) {
        if (args_have(argv, n_extra_first, argc, core_opts)) {
            VLOG_WARN("other_config:dpdk-lcore-mask ignored: dpdk-extra "
                      "names the cores itself");
        } else {
            args_add(&argv, &argc, "-c");
            args_add(&argv, &argc, s->lcore_mask);
        }
    } else if (!args_have(argv, n_extra_first, argc, core_opts)) {
        char cpu[16];

        snprintf(cpu, sizeof cpu, "%d", first_allowed_cpu());
        args_add(&argv, &argc, "-l");
        args_add(&argv, &argc, cpu);
    }
    if (s->socket_mem && *s->socket_mem) {
        if (args_have(argv, n_extra_first, argc, mem_opts)) {
            VLOG_WARN("other_config:dpdk-socket-mem ignored: dpdk-extra "
                      "sets the memory itself");
        } else {
            args_add(&argv, &argc, "--socket-mem");
            args_add(&argv, &argc, s->socket_mem);
        }
    }
    for (size_t i = 1; i < argc; i++) {
        buf_printf(&text, "%s%s", i > 1 ? " " : "", argv[i]);
    }

    /* rte_eal_init() permutes its argv and may keep pointers into the
     * strings: it gets a copy of the array, and the strings are never
     * freed (EAL is initialised once per process). */
    argv_copy = xmemdup(argv, (argc + 1) * sizeof *argv);
    dpdk_log_redirect();
    /* EAL pins the calling thread to its main lcore: the main thread gets
     * its own affinity back afterwards (threads it starts later inherit
     * it), as Open vSwitch does. */
    have_affinity =
        !pthread_getaffinity_np(pthread_self(), sizeof affinity, &affinity);
    VLOG_INFO("initializing DPDK (%s) with EAL arguments: %s", rte_version(),
              buf_cstr(&text));
    eal_attempted = true;
    ret = rte_eal_init((int) argc, argv_copy);
    if (have_affinity) {
        pthread_setaffinity_np(pthread_self(), sizeof affinity, &affinity);
    }
    if (ret < 0) {
        int err = rte_errno;

        eal_error = xasprintf("DPDK initialization failed: %s (EAL "
                              "arguments: %s); fix other_config:dpdk-* and "
                              "restart",
                              rte_strerror(err), buf_cstr(&text));
        VLOG_ERR("%s", eal_error);
    } else {
        eal_initialized = true;
        VLOG_INFO("DPDK initialized: %u lcore(s), %u ethdev port(s)",
                  rte_lcore_count(), (unsigned) rte_eth_dev_count_avail());
    }
    free(argv_copy);
    eal_argv = argv;
    buf_destroy(&text);
}

void
netdev_dpdk_set_config(const struct netdev_dpdk_settings *s)
{
    bool want =
        s->init && (!strcmp(s->init, "true") || !strcmp(s->init, "try"));
    char *summary = xasprintf("init=%s extra=%s socket-mem=%s lcore-mask=%s",
                              s->init ? s->init : "", s->extra ? s->extra : "",
                              s->socket_mem ? s->socket_mem : "",
                              s->lcore_mask ? s->lcore_mask : "");

    if (eal_attempted) {
        if (strcmp(summary, eal_settings)) {
            VLOG_WARN("DPDK settings changed (now %s; in force %s): EAL is "
                      "set up once per process, restart nicflowd to apply "
                      "them",
                      summary, eal_settings);
            free(eal_settings);
            eal_settings = summary;
        } else {
            free(summary);
        }
        return;
    }
    if (!want) {
        free(summary);
        return;
    }
    free(eal_settings);
    eal_settings = summary;
    eal_init(s);
}

bool
netdev_dpdk_initialized(void)
{
    return eal_initialized;
}

const char *
netdev_dpdk_version(void)
{
    return rte_version();
}

const char *
netdev_dpdk_unavailable_reason(void)
{
    if (eal_initialized) {
        return NULL;
    }
    return eal_error ? eal_error
                     : "DPDK is not initialized (set "
                       "other_config:dpdk-init=true)";
}

/* ---------------------------------------------------------------------
 * Ports.
 * --------------------------------------------------------------------- */

/* A port's settings from its options. */
struct dpdk_cfg {
    char *devargs;
    int n_rxq, n_txq;
    int rxd, txd;
    int mtu; /* 0: the device's. */
};

struct netdev_dpdk {
    struct netdev up;
    struct netdev_dpdk *next; /* In 'dpdk_ports'. */
    char *name;               /* For messages before up.name is set. */

    bool attached;    /* PORT_ID is ours. */
    bool probed_here; /* rte_dev_probe() made its device. */
    bool started;
    uint16_t port_id;
    struct dpdk_cfg cfg;    /* In force (devargs NULL: none). */
    int n_rxq, n_txq;       /* Configured (after the device's limits). */
    struct rte_mempool *mp; /* Its mbufs. */
    uint32_t mp_room;       /* Data room of MP's mbufs. */
    unsigned int next_rxq;  /* First queue of the next recv. */

    /* Dropped or refused here, on top of the device's counters. */
    _Atomic uint64_t tx_dropped, tx_errors;

    /* One per transmit queue: rte_eth_tx_burst() on a queue is not
     * thread-safe. */
    pthread_mutex_t txq_mutex[DPDK_MAX_QUEUES];
};

/* Every open dpdk port.  Changed by the main thread with the mutex held;
 * read by it without, and by other threads (netdev_dpdk_port_id()) with
 * it. */
static struct netdev_dpdk *dpdk_ports;

/* The pool of an ethdev that was stopped but not closed (one that existed
 * before its port): its queues still hold that pool's mbufs until they are
 * set up again, so the pool lives until then (dpdk_configure()). */
static struct rte_mempool *parked_mp[RTE_MAX_ETHPORTS];
static pthread_mutex_t dpdk_ports_mutex = PTHREAD_MUTEX_INITIALIZER;
static unsigned int mp_serial; /* Mempool names must be unique. */

static struct netdev_dpdk *
dpdk_cast(const struct netdev *netdev)
{
    return CONTAINER_OF(netdev, struct netdev_dpdk, up);
}

static bool
dpdk_port_in_use(uint16_t port_id, const struct netdev_dpdk *except)
{
    for (const struct netdev_dpdk *d = dpdk_ports; d; d = d->next) {
        if (d != except && d->attached && d->port_id == port_id) {
            return true;
        }
    }
    return false;
}

static char *
dpdk_strerror(int err)
{
    /* DPDK returns -errno or sets rte_errno; both are positive here. */
    return xstrdup(rte_strerror(err < 0 ? -err : err));
}

/* The first ethdev matching DEVARGS that no other port uses: 0 and
 * *PORT_ID, or ENOENT (none left; *N_MATCHED says how many matched), or
 * another errno if DEVARGS cannot be parsed. */
static int
dpdk_match(const char *devargs, const struct netdev_dpdk *self,
           uint16_t *port_id, unsigned int *n_matched)
{
    struct rte_dev_iterator it;
    int ret = rte_eth_iterator_init(&it, devargs);

    *n_matched = 0;
    if (ret < 0) {
        return -ret;
    }
    for (uint16_t id = rte_eth_iterator_next(&it); id != RTE_MAX_ETHPORTS;
         id = rte_eth_iterator_next(&it)) {
        ++*n_matched;
        if (!dpdk_port_in_use(id, self)) {
            rte_eth_iterator_cleanup(&it);
            *port_id = id;
            return 0;
        }
    }
    return ENOENT;
}

/* Finds (hot-plugging it if need be) the ethdev of DEVARGS for DEV: 0, or
 * EINVAL (no such device, or DEVARGS malformed) or EBUSY (every port it
 * matches is taken) with the reason in *ERRP.  Never ENODEV, which would
 * make the bridge try again every second. */
static int
dpdk_attach(struct netdev_dpdk *dev, const char *devargs, uint16_t *port_id,
            bool *probed, char **errp)
{
    unsigned int n_matched;
    int err;

    *probed = false;
    err = dpdk_match(devargs, dev, port_id, &n_matched);
    if (err == ENOENT && !n_matched) {
        int ret = rte_dev_probe(devargs);

        if (ret < 0 && ret != -EEXIST) {
            char *why = dpdk_strerror(ret);

            *errp = xasprintf("%s: dpdk-devargs '%s' is not valid: the "
                              "device cannot be attached (%s)",
                              dev->name, devargs, why);
            free(why);
            return EINVAL;
        }
        *probed = ret == 0;
        err = dpdk_match(devargs, dev, port_id, &n_matched);
    }
    if (err == ENOENT) {
        *errp = n_matched ? xasprintf("%s: dpdk-devargs '%s': every DPDK "
                                      "port it matches (%u) is in use",
                                      dev->name, devargs, n_matched)
                          : xasprintf("%s: dpdk-devargs '%s' is not valid: "
                                      "no DPDK port matches it",
                                      dev->name, devargs);
        return n_matched ? EBUSY : EINVAL;
    } else if (err) {
        char *why = dpdk_strerror(err);

        *errp = xasprintf("%s: dpdk-devargs '%s' is not valid: %s", dev->name,
                          devargs, why);
        free(why);
        return EINVAL;
    }
    return 0;
}

/* Lets go of DEV's ethdev and its pool: stopped; closed and removed if DEV
 * made it, else left for another port with its pool parked. */
static void
dpdk_detach(struct netdev_dpdk *dev)
{
    if (!dev->attached) {
        return;
    }
    if (dev->started) {
        rte_eth_dev_stop(dev->port_id);
        dev->started = false;
    }
    if (dev->probed_here) {
        struct rte_eth_dev_info info;
        struct rte_device *rdev = NULL;

        if (!rte_eth_dev_info_get(dev->port_id, &info)) {
            rdev = info.device;
        }
        rte_eth_dev_close(dev->port_id);
        if (rdev) {
            int ret = rte_dev_remove(rdev);

            if (ret < 0) {
                VLOG_WARN("%s: could not remove DPDK device %s: %s", dev->name,
                          dev->cfg.devargs, rte_strerror(-ret));
            }
        }
    }
    if (dev->probed_here) {
        rte_mempool_free(dev->mp);
    } else {
        rte_mempool_free(parked_mp[dev->port_id]);
        parked_mp[dev->port_id] = dev->mp;
    }
    dev->mp = NULL;
    VLOG_INFO("%s: detached from DPDK port %u", dev->name, dev->port_id);
    dev->attached = false;
    dev->probed_here = false;
}

/* A mempool whose mbufs hold frames of MTU, for a port with N_RXQ queues
 * of RXD descriptors and N_TXQ of TXD. */
static struct rte_mempool *
dpdk_mp_create(const struct netdev_dpdk *dev, int mtu, int n_rxq, int rxd,
               int n_txq, int txd, uint32_t *room)
{
    /* Ethernet header, two VLAN tags, CRC. */
    uint32_t frame = (uint32_t) mtu + 14 + 8 + 4;
    uint32_t data_room = RTE_PKTMBUF_HEADROOM + frame;
    unsigned int n = (unsigned int) (n_rxq * rxd + n_txq * txd) + 4095;
    char name[RTE_MEMPOOL_NAMESIZE];
    struct rte_mempool *mp;

    if (data_room < RTE_MBUF_DEFAULT_BUF_SIZE) {
        data_room = RTE_MBUF_DEFAULT_BUF_SIZE;
    }
    /* 2^k - 1 objects suit the ring under the mempool best. */
    unsigned int k = 1;
    while (k - 1 < n) {
        k <<= 1;
    }
    snprintf(name, sizeof name, "nf_mp%u_%u", dev->port_id, mp_serial++);
    mp = rte_pktmbuf_pool_create(name, k - 1, DPDK_MP_CACHE, 0,
                                 (uint16_t) data_room, SOCKET_ID_ANY);
    *room = data_room;
    return mp;
}

/* Configures and starts DEV's ethdev for CFG. */
static int
dpdk_configure(struct netdev_dpdk *dev, const struct dpdk_cfg *cfg,
               char **errp)
{
    uint16_t port = dev->port_id;
    struct rte_eth_conf conf;
    struct rte_eth_dev_info info;
    struct rte_mempool *old_mp = NULL;
    uint16_t rxd = (uint16_t) cfg->rxd, txd = (uint16_t) cfg->txd;
    uint16_t mtu;
    int n_rxq, n_txq;
    int ret;

    ret = rte_eth_dev_info_get(port, &info);
    if (ret < 0) {
        *errp = xasprintf("%s: cannot read DPDK port %u: %s", dev->name, port,
                          rte_strerror(-ret));
        return -ret;
    }
    n_rxq = NF_MIN(cfg->n_rxq, (int) info.max_rx_queues);
    n_txq = NF_MIN(cfg->n_txq, (int) info.max_tx_queues);
    if (n_rxq != cfg->n_rxq || n_txq != cfg->n_txq) {
        VLOG_WARN("%s: DPDK port %u has at most %u rx and %u tx queues; "
                  "using %d and %d",
                  dev->name, port, info.max_rx_queues, info.max_tx_queues,
                  n_rxq, n_txq);
    }
    if (n_rxq < 1 || n_txq < 1) {
        *errp = xasprintf("%s: DPDK port %u has no queues", dev->name, port);
        return EINVAL;
    }

    memset(&conf, 0, sizeof conf);
    if (n_rxq > 1 && info.flow_type_rss_offloads) {
        conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
        conf.rx_adv_conf.rss_conf.rss_hf =
            (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP)
            & info.flow_type_rss_offloads;
    }
    if (dev->started) {
        rte_eth_dev_stop(port);
        dev->started = false;
    }
    ret =
        rte_eth_dev_configure(port, (uint16_t) n_rxq, (uint16_t) n_txq, &conf);
    if (ret < 0) {
        *errp = xasprintf("%s: DPDK port %u refused %d rx / %d tx queues: %s",
                          dev->name, port, n_rxq, n_txq, rte_strerror(-ret));
        return -ret;
    }
    if (cfg->mtu) {
        ret = rte_eth_dev_set_mtu(port, (uint16_t) cfg->mtu);
        if (ret < 0) {
            *errp = xasprintf("%s: mtu_request %d refused by DPDK port %u "
                              "(MTU %u to %u): %s",
                              dev->name, cfg->mtu, port, info.min_mtu,
                              info.max_mtu, rte_strerror(-ret));
            return -ret;
        }
    }
    if (rte_eth_dev_get_mtu(port, &mtu) < 0) {
        mtu = RTE_ETHER_MTU;
    }
    ret = rte_eth_dev_adjust_nb_rx_tx_desc(port, &rxd, &txd);
    if (ret < 0) {
        rxd = (uint16_t) cfg->rxd;
        txd = (uint16_t) cfg->txd;
    }

    uint32_t frame = (uint32_t) mtu + 14 + 8 + 4 + RTE_PKTMBUF_HEADROOM;
    if (!dev->mp || dev->mp_room < frame || n_rxq != dev->n_rxq
        || n_txq != dev->n_txq || cfg->rxd != dev->cfg.rxd
        || cfg->txd != dev->cfg.txd) {
        uint32_t room;
        struct rte_mempool *mp =
            dpdk_mp_create(dev, mtu, n_rxq, rxd, n_txq, txd, &room);

        if (!mp) {
            *errp = xasprintf("%s: cannot allocate mbufs for DPDK port %u "
                              "(MTU %u): %s (more memory: dpdk-socket-mem "
                              "or -m in dpdk-extra)",
                              dev->name, port, mtu, rte_strerror(rte_errno));
            return ENOMEM;
        }
        old_mp = dev->mp;
        dev->mp = mp;
        dev->mp_room = room;
    }
    int socket = rte_eth_dev_socket_id(port);
    for (int q = 0; q < n_rxq; q++) {
        ret = rte_eth_rx_queue_setup(port, (uint16_t) q, rxd,
                                     (unsigned) socket, NULL, dev->mp);
        if (ret < 0) {
            *errp = xasprintf("%s: DPDK port %u: rx queue %d: %s", dev->name,
                              port, q, rte_strerror(-ret));
            goto error;
        }
    }
    for (int q = 0; q < n_txq; q++) {
        ret = rte_eth_tx_queue_setup(port, (uint16_t) q, txd,
                                     (unsigned) socket, NULL);
        if (ret < 0) {
            *errp = xasprintf("%s: DPDK port %u: tx queue %d: %s", dev->name,
                              port, q, rte_strerror(-ret));
            goto error;
        }
    }
    ret = rte_eth_dev_start(port);
    if (ret < 0) {
        *errp = xasprintf("%s: DPDK port %u does not start: %s", dev->name,
                          port, rte_strerror(-ret));
        goto error;
    }
    dev->started = true;
    ret = rte_eth_promiscuous_enable(port);
    if (ret < 0 && ret != -ENOTSUP) {
        VLOG_WARN("%s: DPDK port %u: promiscuous mode: %s", dev->name, port,
                  rte_strerror(-ret));
    }
    /* Queues set up again on a new pool gave the old one's mbufs back. */
    rte_mempool_free(old_mp);
    rte_mempool_free(parked_mp[port]);
    parked_mp[port] = NULL;
    dev->n_rxq = n_rxq;
    dev->n_txq = n_txq;
    dev->next_rxq = 0;
    VLOG_INFO("%s: DPDK port %u (%s) started: %d rx queue(s) of %u, %d tx "
              "queue(s) of %u, MTU %u",
              dev->name, port, info.driver_name, n_rxq, rxd, n_txq, txd, mtu);
    return 0;

error:
    /* The queues may still point into either pool: both stay until the
     * port closes (the old one is then leaked, rarely and boundedly). */
    return ret < 0 ? -ret : EINVAL;
}

/* Option table: each key with its range (0/0: a string). */
struct dpdk_option {
    const char *key;
    long long min, max;
    size_t ofs; /* In struct dpdk_cfg. */
};

static const struct dpdk_option dpdk_options[] = {
    { "dpdk-devargs", 0, 0, offsetof(struct dpdk_cfg, devargs) },
    { "mtu_request", 68, 65535, offsetof(struct dpdk_cfg, mtu) },
    { "n_rxq", 1, DPDK_MAX_QUEUES, offsetof(struct dpdk_cfg, n_rxq) },
    { "n_rxq_desc", 1, DPDK_MAX_DESC, offsetof(struct dpdk_cfg, rxd) },
    { "n_txq", 1, DPDK_MAX_QUEUES, offsetof(struct dpdk_cfg, n_txq) },
    { "n_txq_desc", 1, DPDK_MAX_DESC, offsetof(struct dpdk_cfg, txd) },
};

/* Parses OPTIONS (netdev.c's canonical "key=value,..." with keys sorted)
 * into CFG.  A devargs string has commas of its own ("net_tap0,
 * iface=dtap0", "0000:08:00.0,representor=vf[0-3]") and reaches us split
 * at them: the items that are no option of this type continue
 * dpdk-devargs, in the order they come. */
static int
dpdk_parse(const char *name, const char *options, struct dpdk_cfg *cfg,
           char **errp)
{
    char *copy = xstrdup(options), *save = NULL;
    struct buf rest = BUF_INITIALIZER;
    const char *first_rest = NULL;
    int error = 0;

    memset(cfg, 0, sizeof *cfg);
    cfg->n_rxq = cfg->n_txq = 1;
    cfg->rxd = DPDK_DEFAULT_RXD;
    cfg->txd = DPDK_DEFAULT_TXD;
    for (char *item = strtok_r(copy, ",", &save); item && !error;
         item = strtok_r(NULL, ",", &save)) {
        char *value = strchr(item, '=');
        const struct dpdk_option *o = NULL;

        if (!value) {
            continue; /* netdev.c checked the form. */
        }
        *value++ = '\0';
        for (size_t i = 0; i < ARRAY_SIZE(dpdk_options); i++) {
            if (!strcmp(dpdk_options[i].key, item)) {
                o = &dpdk_options[i];
            }
        }
        if (!o) {
            buf_printf(&rest, ",%s=%s", item, value);
            first_rest = first_rest ? first_rest : item;
        } else if (!o->max) {
            free(cfg->devargs);
            cfg->devargs = xstrdup(value);
        } else {
            long long v;

            if (nf_parse_int(value, o->min, o->max, &v)) {
                *errp = xasprintf("%s: %s=%s: expected an integer from %lld "
                                  "to %lld",
                                  name, o->key, value, o->min, o->max);
                error = EINVAL;
            } else {
                *(int *) (void *) ((char *) cfg + o->ofs) = (int) v;
            }
        }
    }
    if (!error && (!cfg->devargs || !*cfg->devargs)) {
        *errp = first_rest
                    ? xasprintf("%s: unknown option \"%s\" (dpdk ports take "
                                "dpdk-devargs, n_rxq, n_txq, n_rxq_desc, "
                                "n_txq_desc, mtu_request)",
                                name, first_rest)
                    : xasprintf("%s: options:dpdk-devargs is required (a "
                                "PCI address, a vdev such as "
                                "net_tap0,iface=dtap0, or a representor "
                                "such as 0000:08:00.0,representor=vf0)",
                                name);
        error = EINVAL;
    } else if (!error && rest.len) {
        char *joined = xasprintf("%s%s", cfg->devargs, buf_cstr(&rest));

        free(cfg->devargs);
        cfg->devargs = joined;
    }
    free(copy);
    buf_destroy(&rest);
    if (error) {
        free(cfg->devargs);
        cfg->devargs = NULL;
    }
    return error;
}

static int
dpdk_construct(const char *name, struct netdev **netdevp)
{
    struct netdev_dpdk *dev;

    if (!eal_initialized) {
        VLOG_WARN("port %s: %s", name, netdev_dpdk_unavailable_reason());
        return ENODEV;
    }
    dev = xzalloc(sizeof *dev);
    dev->name = xstrdup(name);
    for (int q = 0; q < DPDK_MAX_QUEUES; q++) {
        pthread_mutex_init(&dev->txq_mutex[q], NULL);
    }
    pthread_mutex_lock(&dpdk_ports_mutex);
    dev->next = dpdk_ports;
    dpdk_ports = dev;
    pthread_mutex_unlock(&dpdk_ports_mutex);
    *netdevp = &dev->up;
    return 0;
}

static void
dpdk_destruct(struct netdev *netdev)
{
    struct netdev_dpdk *dev = dpdk_cast(netdev);

    pthread_mutex_lock(&dpdk_ports_mutex);
    dpdk_detach(dev);
    for (struct netdev_dpdk **p = &dpdk_ports; *p; p = &(*p)->next) {
        if (*p == dev) {
            *p = dev->next;
            break;
        }
    }
    pthread_mutex_unlock(&dpdk_ports_mutex);
    rte_mempool_free(dev->mp); /* A pool never given to a port, if any. */
    free(dev->cfg.devargs);
    free(dev->name);
    for (int q = 0; q < DPDK_MAX_QUEUES; q++) {
        pthread_mutex_destroy(&dev->txq_mutex[q]);
    }
    free(dev);
}

static int
dpdk_set_config(struct netdev *netdev, const char *options, char **errp)
{
    struct netdev_dpdk *dev = dpdk_cast(netdev);
    char *err = NULL;
    struct dpdk_cfg cfg;
    int error;

    error = dpdk_parse(dev->name, options, &cfg, &err);
    if (error) {
        goto out;
    }
    if (!dev->attached || strcmp(cfg.devargs, dev->cfg.devargs)) {
        uint16_t port_id;
        bool probed;

        /* The new device first: if it cannot be had, the old one stays. */
        error = dpdk_attach(dev, cfg.devargs, &port_id, &probed, &err);
        if (error) {
            goto out;
        }
        pthread_mutex_lock(&dpdk_ports_mutex);
        if (!dev->attached || port_id != dev->port_id) {
            dpdk_detach(dev);
            dev->attached = true;
            dev->probed_here = probed;
            dev->port_id = port_id;
        }
        pthread_mutex_unlock(&dpdk_ports_mutex);
        free(dev->cfg.devargs);
        dev->cfg.devargs = xstrdup(cfg.devargs);
        dev->n_rxq = dev->n_txq = 0; /* Forces configuration. */
        VLOG_INFO("%s: attached to DPDK port %u (%s%s)", dev->name, port_id,
                  cfg.devargs, probed ? ", hot-plugged" : "");
    } else if (dev->started && cfg.n_rxq == dev->cfg.n_rxq
               && cfg.n_txq == dev->cfg.n_txq && cfg.rxd == dev->cfg.rxd
               && cfg.txd == dev->cfg.txd && cfg.mtu == dev->cfg.mtu) {
        goto out; /* Nothing changed. */
    }
    error = dpdk_configure(dev, &cfg, &err);
    if (!error) {
        free(dev->cfg.devargs);
        dev->cfg = cfg;
        cfg.devargs = NULL;
    }

out:
    free(cfg.devargs);
    if (err) {
        VLOG_WARN_RL(&rl, "%s", err);
        nf_give_error(errp, err);
    }
    return error;
}

/* Copies mbuf M into a new packet. */
static struct pkt *
dpdk_mbuf_to_pkt(struct rte_mbuf *m)
{
    uint32_t len = rte_pktmbuf_pkt_len(m);
    struct pkt *p = netdev_pkt_new(len);
    void *dst = pkt_put_uninit(p, len);
    const void *src = rte_pktmbuf_read(m, 0, len, dst);

    if (src && src != dst) {
        memcpy(dst, src, len);
    }
    if (m->ol_flags & RTE_MBUF_F_RX_FDIR_ID) {
        /* A rule's MARK (rteflow's partial offload): the datapath finds
         * the packet's flow by it instead of a lookup. */
        p->hw_mark = m->hash.fdir.hi;
    }
    return p;
}

static int
dpdk_recv(struct netdev *netdev, struct pkt **pkts, size_t max, size_t *n)
{
    struct netdev_dpdk *dev = dpdk_cast(netdev);
    struct rte_mbuf *mbufs[NETDEV_MAX_BURST];
    size_t got = 0;

    *n = 0;
    if (!dev->started) {
        return EAGAIN;
    }
    for (int i = 0; i < dev->n_rxq && got < max; i++) {
        uint16_t q = (uint16_t) ((dev->next_rxq + (unsigned) i)
                                 % (unsigned) dev->n_rxq);
        uint16_t k =
            rte_eth_rx_burst(dev->port_id, q, mbufs, (uint16_t) (max - got));

        for (uint16_t j = 0; j < k; j++) {
            pkts[got++] = dpdk_mbuf_to_pkt(mbufs[j]);
            rte_pktmbuf_free(mbufs[j]);
        }
    }
    dev->next_rxq++;
    *n = got;
    return got ? 0 : EAGAIN;
}

static int
dpdk_rxq_recv(struct netdev *netdev, int qid, struct pkt **pkts, size_t max,
              size_t *n)
{
    struct netdev_dpdk *dev = dpdk_cast(netdev);
    struct rte_mbuf *mbufs[NETDEV_MAX_BURST];

    *n = 0;
    if (!dev->started || qid >= dev->n_rxq) {
        return EAGAIN;
    }
    uint16_t k =
        rte_eth_rx_burst(dev->port_id, (uint16_t) qid, mbufs, (uint16_t) max);
    for (uint16_t j = 0; j < k; j++) {
        pkts[j] = dpdk_mbuf_to_pkt(mbufs[j]);
        rte_pktmbuf_free(mbufs[j]);
    }
    *n = k;
    return k ? 0 : EAGAIN;
}

/* Sends the N mbufs of MBUFS on transmit queue QID (< dev->n_txq); what
 * the device does not take after a second try is freed and counted. */
static void
dpdk_tx_flush(struct netdev_dpdk *dev, int qid, struct rte_mbuf **mbufs,
              size_t n)
{
    uint16_t sent = 0;

    pthread_mutex_lock(&dev->txq_mutex[qid]);
    for (int tries = 0; tries < 2 && sent < n; tries++) {
        sent += rte_eth_tx_burst(dev->port_id, (uint16_t) qid, mbufs + sent,
                                 (uint16_t) (n - sent));
    }
    pthread_mutex_unlock(&dev->txq_mutex[qid]);
    if (sent < n) {
        COVERAGE_INC(netdev_dpdk_tx_partial);
        dev->tx_dropped += n - sent;
        rte_pktmbuf_free_bulk(mbufs + sent, (unsigned) (n - sent));
    }
}

/* Copies the complete frame P into a new mbuf at MBUFS[*N], flushing when
 * the burst is full. */
static void
dpdk_tx_queue(struct netdev_dpdk *dev, int qid, const struct pkt *p,
              struct rte_mbuf **mbufs, size_t *n)
{
    struct rte_mbuf *m;
    char *dst;

    if (p->size > dev->mp_room - RTE_PKTMBUF_HEADROOM) {
        COVERAGE_INC(netdev_dpdk_tx_oversize);
        dev->tx_errors++;
        VLOG_WARN_RL(&rl, "%s: %zu-byte frame does not fit the port's mbufs",
                     dev->name, p->size);
        return;
    }
    m = rte_pktmbuf_alloc(dev->mp);
    if (!m) {
        COVERAGE_INC(netdev_dpdk_tx_nombuf);
        dev->tx_dropped++;
        return;
    }
    dst = rte_pktmbuf_append(m, (uint16_t) p->size);
    if (!dst) {
        rte_pktmbuf_free(m);
        dev->tx_errors++;
        return;
    }
    memcpy(dst, p->data, p->size);
    mbufs[(*n)++] = m;
    if (*n == NETDEV_MAX_BURST) {
        dpdk_tx_flush(dev, qid, mbufs, *n);
        *n = 0;
    }
}

static int
dpdk_send_txq(struct netdev *netdev, int qid_, struct pkt **pkts, size_t n,
              bool may_steal NF_UNUSED)
{
    struct netdev_dpdk *dev = dpdk_cast(netdev);
    struct rte_mbuf *mbufs[NETDEV_MAX_BURST];
    size_t n_mbufs = 0;

    if (!dev->started) {
        dev->tx_dropped += n;
        return 0;
    }
    int qid = qid_ % dev->n_txq;
    for (size_t i = 0; i < n; i++) {
        const struct pkt *p = pkts[i];
        struct virtio_net_hdr vh;

        if (!netdev_pkt_get_vnet_hdr(p, &vh)
            || (vh.gso_type == VIRTIO_NET_HDR_GSO_NONE
                && !(vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))) {
            dpdk_tx_queue(dev, qid, p, mbufs, &n_mbufs);
        } else if (vh.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
            /* A Linux port's super-frame: cut in software. */
            struct pkt **segs;
            size_t n_segs = netdev_gso_segment(p, &vh, &segs);

            if (!n_segs) {
                dev->tx_errors++;
            }
            for (size_t k = 0; k < n_segs; k++) {
                dpdk_tx_queue(dev, qid, segs[k], mbufs, &n_mbufs);
                pkt_delete(segs[k]);
            }
            free(segs);
        } else {
            /* A checksum left to the device: finished on a copy, so the
             * caller's packet keeps its header for its other outputs. */
            struct pkt *copy = pkt_clone(p);

            if (netdev_gso_finish_csum(copy, &vh)) {
                dpdk_tx_queue(dev, qid, copy, mbufs, &n_mbufs);
            } else {
                dev->tx_errors++;
            }
            pkt_delete(copy);
        }
    }
    if (n_mbufs) {
        dpdk_tx_flush(dev, qid, mbufs, n_mbufs);
    }
    return 0;
}

static int
dpdk_send(struct netdev *netdev, struct pkt **pkts, size_t n, bool may_steal)
{
    return dpdk_send_txq(netdev, 0, pkts, n, may_steal);
}

static int
dpdk_get_n_rxq(const struct netdev *netdev)
{
    const struct netdev_dpdk *dev = dpdk_cast(netdev);

    return dev->n_rxq > 0 ? dev->n_rxq : 1;
}

static int
dpdk_get_n_txq(const struct netdev *netdev)
{
    const struct netdev_dpdk *dev = dpdk_cast(netdev);

    return dev->n_txq > 0 ? dev->n_txq : 1;
}

static int
dpdk_get_etheraddr(const struct netdev *netdev, struct eth_addr *ea)
{
    const struct netdev_dpdk *dev = dpdk_cast(netdev);
    struct rte_ether_addr addr;

    if (!dev->attached) {
        return ENODEV;
    }
    int ret = rte_eth_macaddr_get(dev->port_id, &addr);
    if (ret < 0) {
        return -ret;
    }
    memcpy(ea->ea, addr.addr_bytes, ETH_ADDR_LEN);
    return 0;
}

static int
dpdk_get_mtu(const struct netdev *netdev, int *mtup)
{
    const struct netdev_dpdk *dev = dpdk_cast(netdev);
    uint16_t mtu;

    if (!dev->attached) {
        return ENODEV;
    }
    int ret = rte_eth_dev_get_mtu(dev->port_id, &mtu);
    if (ret < 0) {
        return -ret;
    }
    *mtup = mtu;
    return 0;
}

static int
dpdk_set_up(struct netdev *netdev, bool up)
{
    const struct netdev_dpdk *dev = dpdk_cast(netdev);

    if (!dev->attached) {
        return ENODEV;
    }
    int ret = up ? rte_eth_dev_set_link_up(dev->port_id)
                 : rte_eth_dev_set_link_down(dev->port_id);
    return ret < 0 && ret != -ENOTSUP ? -ret : 0;
}

static int
dpdk_get_stats(const struct netdev *netdev, struct netdev_stats *stats)
{
    const struct netdev_dpdk *dev = dpdk_cast(netdev);
    struct rte_eth_stats st;

    memset(stats, 0, sizeof *stats);
    if (dev->attached && !rte_eth_stats_get(dev->port_id, &st)) {
        stats->rx_packets = st.ipackets;
        stats->rx_bytes = st.ibytes;
        stats->rx_dropped = st.imissed + st.rx_nombuf;
        stats->rx_errors = st.ierrors;
        stats->tx_packets = st.opackets;
        stats->tx_bytes = st.obytes;
        stats->tx_errors = st.oerrors;
    }
    stats->tx_dropped += dev->tx_dropped;
    stats->tx_errors += dev->tx_errors;
    return 0;
}

static int
dpdk_get_carrier(const struct netdev *netdev, bool *up)
{
    const struct netdev_dpdk *dev = dpdk_cast(netdev);
    struct rte_eth_link link;

    *up = false;
    if (dev->started && !rte_eth_link_get_nowait(dev->port_id, &link)) {
        *up = link.link_status == RTE_ETH_LINK_UP;
    }
    return 0;
}

static const struct netdev_class netdev_dpdk_class = {
    .type = "dpdk",
    .construct = dpdk_construct,
    .destruct = dpdk_destruct,
    .recv = dpdk_recv,
    .send = dpdk_send,
    .get_n_rxq = dpdk_get_n_rxq,
    .get_n_txq = dpdk_get_n_txq,
    .rxq_recv = dpdk_rxq_recv,
    .send_txq = dpdk_send_txq,
    .get_etheraddr = dpdk_get_etheraddr,
    .get_mtu = dpdk_get_mtu,
    .set_up = dpdk_set_up,
    .set_config = dpdk_set_config,
    .get_stats = dpdk_get_stats,
    .get_carrier = dpdk_get_carrier,
    .needs_polling = true,
};

int
netdev_dpdk_port_id(const char *name, uint16_t *port_id)
{
    int error = ENODEV;

    pthread_mutex_lock(&dpdk_ports_mutex);
    for (const struct netdev_dpdk *d = dpdk_ports; d; d = d->next) {
        if (d->attached && !strcmp(d->name, name)) {
            *port_id = d->port_id;
            error = 0;
            break;
        }
    }
    pthread_mutex_unlock(&dpdk_ports_mutex);
    return error;
}

void
netdev_dpdk_register(void)
{
    static bool done;

    if (!done) {
        done = true;
        netdev_register_class(&netdev_dpdk_class);
    }
}
