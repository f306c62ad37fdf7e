/* dpif-netlink-upcall.c: upcalls of the "system" datapath type: the
 * sockets the kernel sends misses and userspace() actions to, and the
 * datapath's dispatch mode (see dpif-netlink.h).
 *
 * openvswitch.ko has two ways to pick the socket of an upcall.  Per-vport
 * dispatch (OVS_DP_F_VPORT_PIDS) sends a miss to the pid of the port the
 * packet came in on, and a userspace() action to the pid it names.
 * Per-CPU dispatch (OVS_DP_F_DISPATCH_UPCALL_PER_CPU, Linux 5.14 and
 * later) sends both to OVS_DP_ATTR_PER_CPU_PIDS[cpu % n], the cpu being
 * the one that handles the packet, so upcalls from different CPUs queue
 * on different sockets and never wait behind one another.
 *
 * recv_set(true) tries per-CPU dispatch first, with one socket per
 * possible CPU, and falls back to per-vport dispatch with one socket when
 * the kernel does not have it.  recv_fd() is one descriptor either way:
 * the socket, or an epoll instance holding every socket (level-
 * triggered, so it stays readable while any socket has upcalls queued).
 * recv() reads up to UPCALL_SLOTS upcalls at a time from one socket and
 * then moves on to the next one with upcalls queued, round robin.
 * handlers_set(N) shares the sockets among N readers (struct
 * upcall_reader), one per handler thread: reader 0 is what recv() and
 * recv_fd() use. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/coverage.h"
#include "lib/flow.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/dpif-netlink-msg.h"
#include "softpath/dpif-netlink-private.h"
#include "softpath/dpif-netlink.h"
#include "softpath/odp.h"

VLOG_DEFINE_THIS_MODULE(dpif_netlink_upcall);

COVERAGE_DEFINE(dpif_netlink_upcall_truncated);
COVERAGE_DEFINE(dpif_netlink_upcall_overrun);
COVERAGE_DEFINE(dpif_netlink_upcall_bad);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

/* dpif_netlink_set_dispatch_preference(): whether recv_set(true) tries
 * per-CPU dispatch at all. */
static atomic_bool try_per_cpu = true;

/* A feature bit no kernel defines: a kernel that accepts it does not
 * check the features it is given, so its acceptance of per-CPU dispatch
 * would prove nothing (Open vSwitch probes the same way). */
#define UNKNOWN_FEATURE (1u << 31)

void
dpif_netlink_set_dispatch_preference(bool per_cpu)
{
    atomic_store(&try_per_cpu, per_cpu);
}

uint32_t
dpif_netlink_port_pid__(const struct dpif_netlink *dp)
{
    return (dp->dispatch == DPIF_NETLINK_DISPATCH_PER_VPORT
                ? dp->handlers[0].pid
                : 0);
}

uint32_t
dpif_netlink_action_pid__(const struct dpif_netlink *dp)
{
    return dp->n_handlers ? dp->handlers[0].pid : 0;
}

bool
dpif_netlink_misrouted__(const struct dpif_netlink *dp,
                         const struct dpif_netlink_dp *reply)
{
    uint32_t f = reply->user_features;

    switch (dp->dispatch) {
    case DPIF_NETLINK_DISPATCH_PER_VPORT:
        return (f & OVS_DP_F_DISPATCH_UPCALL_PER_CPU)
               || !(f & OVS_DP_F_VPORT_PIDS);
    case DPIF_NETLINK_DISPATCH_PER_CPU:
        if (!(f & OVS_DP_F_DISPATCH_UPCALL_PER_CPU)) {
            return true;
        }
        /* Kernels since 5.18 or so report the pids (as many as there are
         * CPUs, at most as many as were set): they must be this
         * handle's, in its order.  Older ones do not say. */
        if (reply->n_per_cpu_pids > dp->n_handlers) {
            return true;
        }
        for (size_t i = 0; i < reply->n_per_cpu_pids; i++) {
            if (dpif_netlink_dp_pid(reply, i) != dp->handlers[i].pid) {
                return true;
            }
        }
        return false;
    case DPIF_NETLINK_DISPATCH_NONE:
    default:
        return false;
    }
}

/* ---------------------------------------------------------------------
 * Sockets.
 * --------------------------------------------------------------------- */

/* Closes DP's readers' epoll instances and frees their buffers (DP's
 * mutex held, or DP being closed, and no recv in progress). */
static void
close_readers(struct dpif_netlink *dp)
{
    for (size_t r = 0; r < dp->n_readers; r++) {
        if (dp->readers[r].epoll_fd >= 0) {
            close(dp->readers[r].epoll_fd);
        }
        free(dp->readers[r].rx);
    }
    free(dp->readers);
    dp->readers = NULL;
    dp->n_readers = 0;
}

/* Shares DP's open sockets among N readers (at most one per socket; one
 * in per-vport dispatch), replacing the readers DP had.  Returns 0 or a
 * positive errno (DP then has no reader). */
static int
open_readers(struct dpif_netlink *dp, size_t n)
{
    bool epoll = dp->dispatch == DPIF_NETLINK_DISPATCH_PER_CPU;

    close_readers(dp);
    n = epoll ? NF_MAX(NF_MIN(n, dp->n_handlers), (size_t) 1) : 1;
    dp->readers = xcalloc(n, sizeof *dp->readers);
    dp->n_readers = n;
    for (size_t r = 0; r < n; r++) {
        struct upcall_reader *rd = &dp->readers[r];

        rd->epoll_fd = -1;
        /* Address space mostly: a slot's pages are touched only as far
         * as its upcalls reach.  One set of slots serves all the reader's
         * sockets, because one batch is handed out before the next
         * socket is read. */
        rd->rx = xmalloc(UPCALL_SLOTS * UPCALL_RX_SIZE);
        rd->cur = r;
    }
    if (!epoll) {
        return 0;
    }
    for (size_t r = 0; r < n; r++) {
        dp->readers[r].epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (dp->readers[r].epoll_fd < 0) {
            int error = errno;
            close_readers(dp);
            return error;
        }
    }
    for (size_t i = 0; i < dp->n_handlers; i++) {
        struct upcall_reader *rd = &dp->readers[i % n];
        struct epoll_event ev = { .events = EPOLLIN,
                                  .data.u32 = (uint32_t) i };
        if (epoll_ctl(rd->epoll_fd, EPOLL_CTL_ADD,
                      mnl_socket_get_fd(dp->handlers[i].nl), &ev)) {
            int error = errno;
            close_readers(dp);
            return error;
        }
        rd->only_sock = i;
        rd->n_socks++;
    }
    return 0;
}

/* Closes DP's upcall sockets and readers (DP's mutex held or DP being
 * closed). */
static void
close_handlers(struct dpif_netlink *dp)
{
    close_readers(dp);
    for (size_t i = 0; i < dp->n_handlers; i++) {
        if (dp->handlers[i].nl) {
            mnl_socket_close(dp->handlers[i].nl);
        }
    }
    free(dp->handlers);
    dp->handlers = NULL;
    dp->n_handlers = 0;
    atomic_store(&dp->last_handler, -1);
    dp->dispatch = DPIF_NETLINK_DISPATCH_NONE;
}

void
dpif_netlink_close_upcalls(struct dpif_netlink *dp)
{
    /* The kernel keeps these sockets' pids: it counts the upcalls sent
     * to them as lost until someone enables upcalls again. */
    close_handlers(dp);
}

/* Opens N upcall sockets for DP (DP's mutex held, none open yet).
 * Returns 0 or a positive errno (nothing is left open then).  The caller
 * sets the dispatch mode and then opens the readers. */
static int
open_handlers(struct dpif_netlink *dp, size_t n)
{
    int error = 0;

    dp->handlers = xcalloc(n, sizeof *dp->handlers);
    dp->n_handlers = n;
    for (size_t i = 0; i < n; i++) {
        struct mnl_socket *nl =
            mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID)) {
            error = errno ? errno : ENOMEM;
            if (nl) {
                mnl_socket_close(nl);
            }
            goto close;
        }
        dp->handlers[i].nl = nl;
        dp->handlers[i].pid = mnl_socket_get_portid(nl);
        /* Room for a burst of misses before the kernel counts them
         * lost (SO_RCVBUFFORCE, falling back to SO_RCVBUF: see
         * dpif_netlink_set_rcvbuf()). */
        dpif_netlink_set_rcvbuf(mnl_socket_get_fd(nl), UPCALL_RCVBUF);
    }
    return 0;

close:
    close_handlers(dp);
    return error;
}

/* ---------------------------------------------------------------------
 * Dispatch mode.
 * --------------------------------------------------------------------- */

/* Reply callback of a datapath GET: the features, and whether the
 * per-CPU pids (if reported) are the handle's. */
struct mode_aux {
    const struct dpif_netlink *dp;
    bool found;
    uint32_t features;
    bool misrouted;
};

static int
mode_reply(const void *msg, size_t len, void *aux_)
{
    struct mode_aux *aux = aux_;
    struct dpif_netlink_dp r;

    if (dpif_netlink_parse_dp(msg, len, &r)) {
        return EPROTO;
    }
    aux->found = true;
    aux->features = r.user_features;
    aux->misrouted = dpif_netlink_misrouted__(aux->dp, &r);
    return 0;
}

/* Reads DP's settings back from the kernel (DP's mutex held). */
static int
get_mode(struct dpif_netlink *dp, struct mode_aux *aux)
{
    uint8_t req[256];
    size_t len =
        dpif_netlink_build_dp(req, sizeof req, dp->fam.dp, OVS_DP_CMD_GET,
                              NLM_F_ACK, dp->dp_ifindex, NULL, 0, 0);

    memset(aux, 0, sizeof *aux);
    aux->dp = dp;
    int error =
        dpif_netlink_chan_transact(&dp->chan, req, len, mode_reply, aux, NULL);
    return !error && !aux->found ? EPROTO : error;
}

/* OVS_DP_CMD_SET of FEATURES alone (DP's mutex held). */
static int
set_features(struct dpif_netlink *dp, uint32_t features, char **errp)
{
    uint8_t req[256];
    size_t len =
        dpif_netlink_build_dp(req, sizeof req, dp->fam.dp, OVS_DP_CMD_SET,
                              NLM_F_ACK, dp->dp_ifindex, NULL, 0, features);
    return dpif_netlink_chan_transact(&dp->chan, req, len, NULL, NULL, errp);
}

/* Switches DP to per-CPU dispatch to its sockets, handler I for CPU I
 * (DP's mutex held; DP->dispatch already says per-CPU, for the check).
 * Returns 0, or a positive errno with the reason in *WHY (the caller
 * frees it). */
static int
set_per_cpu(struct dpif_netlink *dp, bool probe, char **why)
{
    if (probe
        && !set_features(
            dp, OVS_DP_F_UNALIGNED | OVS_DP_F_VPORT_PIDS | UNKNOWN_FEATURE,
            NULL)) {
        *why = xstrdup("the kernel does not check datapath features, so "
                       "it cannot tell whether it has per-CPU dispatch");
        return EOPNOTSUPP;
    }

    size_t size = dpif_netlink_dp_pids_size(dp->n_handlers);
    uint8_t *req = xmalloc(size);
    uint32_t *pids = xmalloc(dp->n_handlers * sizeof *pids);
    for (size_t i = 0; i < dp->n_handlers; i++) {
        pids[i] = dp->handlers[i].pid;
    }
    size_t len = dpif_netlink_build_dp_pids(
        req, size, dp->fam.dp, NLM_F_ACK, dp->dp_ifindex,
        OVS_DP_F_UNALIGNED | OVS_DP_F_DISPATCH_UPCALL_PER_CPU, pids,
        dp->n_handlers);
    char *err = NULL;
    int error = (len ? dpif_netlink_chan_transact(&dp->chan, req, len, NULL,
                                                  NULL, &err)
                     : EMSGSIZE);
    free(pids);
    free(req);
    if (error) {
        *why = xasprintf("the kernel refused per-CPU dispatch: %s%s%s",
                         nf_strerror(error), err ? ": " : "", err ? err : "");
        free(err);
        return error;
    }

    /* Older kernels may take the request without acting on it: what
     * counts is what a GET reports. */
    struct mode_aux aux;
    error = get_mode(dp, &aux);
    if (error) {
        *why = xasprintf("cannot read the datapath's features back: %s",
                         nf_strerror(error));
        return error;
    }
    if (!(aux.features & OVS_DP_F_DISPATCH_UPCALL_PER_CPU)) {
        *why = xstrdup("the kernel did not keep the per-CPU dispatch flag");
        return EOPNOTSUPP;
    }
    if (aux.misrouted) {
        *why = xstrdup("the kernel did not keep the per-CPU pids");
        return EPROTO;
    }
    return 0;
}

/* Switches DP to per-vport dispatch (DP's mutex held).  Any program that
 * opens the datapath may switch it to per-CPU dispatch (ovs-dpctl 3.1
 * does, and the kernel then sends misses to per-CPU pids nobody set,
 * counting them lost): this asserts the mode. */
static void
set_per_vport(struct dpif_netlink *dp)
{
    int error =
        set_features(dp, OVS_DP_F_UNALIGNED | OVS_DP_F_VPORT_PIDS, NULL);
    if (error) {
        VLOG_WARN_RL(&rl, "%s: cannot select per-vport upcalls: %s",
                     dp->up.name, nf_strerror(error));
    }
}

/* Logs at INFO the dispatch mode DP now uses and WHY (may be NULL), once
 * for each change of mode in the process: nicflowd re-enables upcalls
 * whenever it finds them misrouted. */
static void
log_mode(const struct dpif_netlink *dp, const char *why)
{
    static atomic_int last_logged = DPIF_NETLINK_DISPATCH_NONE;

    if (atomic_exchange(&last_logged, (int) dp->dispatch)
        == (int) dp->dispatch) {
        return;
    }
    if (dp->dispatch == DPIF_NETLINK_DISPATCH_PER_CPU) {
        VLOG_INFO("%s: per-CPU upcall dispatch, %zu handler sockets",
                  dp->up.name, dp->n_handlers);
    } else {
        VLOG_INFO("%s: per-vport upcall dispatch, one handler socket (%s)",
                  dp->up.name, why ? why : "per-vport dispatch asked for");
    }
}

/* The number of CPUs the kernel may run packets on: all it can bring
 * online, so that a CPU brought up later has its own socket. */
static size_t
n_possible_cpus(void)
{
    int n = get_nprocs_conf();
    if (n < 1) {
        long l = sysconf(_SC_NPROCESSORS_CONF);
        n = l > 0 ? (int) l : 1;
    }
    return (size_t) n;
}

/* Opens DP's upcall sockets and selects the dispatch mode (DP's mutex
 * held, no socket open yet). */
static int
start_upcalls(struct dpif_netlink *dp)
{
    char *why = NULL;
    int error;

    if (atomic_load(&try_per_cpu)) {
        size_t n = n_possible_cpus();
        error = open_handlers(dp, n);
        if (!error) {
            dp->dispatch = DPIF_NETLINK_DISPATCH_PER_CPU;
            error = open_readers(dp, 1);
            if (error) {
                close_handlers(dp);
            }
        }
        if (error) {
            why = xasprintf("cannot open %zu upcall sockets: %s", n,
                            nf_strerror(error));
        } else {
            if (!set_per_cpu(dp, true, &why)) {
                log_mode(dp, NULL);
                return 0;
            }
            close_handlers(dp);
        }
    }
    error = open_handlers(dp, 1);
    if (!error) {
        dp->dispatch = DPIF_NETLINK_DISPATCH_PER_VPORT;
        error = open_readers(dp, 1);
        if (error) {
            close_handlers(dp);
        }
    }
    if (error) {
        free(why);
        return error;
    }
    set_per_vport(dp);
    log_mode(dp, why);
    free(why);
    return 0;
}

/* Points every port of DP at upcall pid PID (0: none).  Returns the first
 * error; the other ports are still set. */
static int
set_vport_pids(struct dpif_netlink *dp, uint32_t pid)
{
    struct vport_aux ports;
    int first = dpif_netlink_dump_vports(dp, &ports);

    pthread_mutex_lock(&dp->mutex);
    for (size_t i = 0; i < ports.ports.n; i++) {
        struct dpif_netlink_vport_req r = {
            .cmd = OVS_VPORT_CMD_SET,
            .flags = NLM_F_ACK,
            .dp_ifindex = dp->dp_ifindex,
            .port_no = ports.ports.ports[i].port_no,
            .has_upcall_pid = true,
            .upcall_pid = pid,
        };
        uint8_t req[256];
        size_t len =
            dpif_netlink_build_vport(req, sizeof req, dp->fam.vport, &r);
        int error =
            dpif_netlink_chan_transact(&dp->chan, req, len, NULL, NULL, NULL);
        first = first ? first : error;
    }
    pthread_mutex_unlock(&dp->mutex);
    dpif_ports_free(&ports.ports);
    return first;
}

int
dpif_netlink_recv_set(struct dpif *dpif, bool enable)
{
    struct dpif_netlink *dp = dpif_netlink_cast(dpif);
    int error = 0;

    pthread_mutex_lock(&dp->mutex);
    if (!enable) {
        bool was_per_cpu = dp->dispatch == DPIF_NETLINK_DISPATCH_PER_CPU;
        bool on = dp->n_handlers > 0;
        pthread_mutex_unlock(&dp->mutex);
        if (!on) {
            return 0;
        }
        /* Per-CPU pids cannot be taken away (the kernel refuses an empty
         * array): per-vport dispatch to pid 0 stops the upcalls (the
         * kernel counts the misses as lost). */
        if (was_per_cpu) {
            pthread_mutex_lock(&dp->mutex);
            set_per_vport(dp);
            pthread_mutex_unlock(&dp->mutex);
        }
        error = set_vport_pids(dp, 0);
        pthread_mutex_lock(&dp->mutex);
        close_handlers(dp);
        pthread_mutex_unlock(&dp->mutex);
        return error;
    }

    if (!dp->n_handlers) {
        error = start_upcalls(dp);
    } else if (dp->dispatch == DPIF_NETLINK_DISPATCH_PER_CPU) {
        /* Enabling again (nicflowd does when upcalls went astray) puts
         * the mode and this handle's pids back. */
        char *why = NULL;
        if (set_per_cpu(dp, false, &why)) {
            VLOG_WARN_RL(&rl, "%s: cannot select per-CPU upcalls again: %s",
                         dpif->name, why);
        }
        free(why);
    } else {
        set_per_vport(dp);
    }
    uint32_t port_pid = dp->n_handlers ? dpif_netlink_port_pid__(dp) : 0;
    pthread_mutex_unlock(&dp->mutex);
    if (error) {
        return error;
    }
    /* Enabling again points ports added since (by anyone) at us too; in
     * per-CPU dispatch ports need no pid (the kernel does not look at
     * it), and get 0 as Open vSwitch gives them. */
    return set_vport_pids(dp, port_pid);
}

/* ---------------------------------------------------------------------
 * Receiving.
 * --------------------------------------------------------------------- */

/* Fills U from the kernel's upcall K.  The key is nicflow's own form of
 * the packet's flow (what dpif-netdev gives for the same packet), so that
 * the ufid is the one a put of that key gets. */
static void
upcall_from_kernel(const struct dpif_netlink_upcall *k, struct dpif_upcall *u)
{
    struct buf filtered = BUF_INITIALIZER;
    struct flow flow;

    u->type = k->cmd == OVS_PACKET_CMD_MISS ? DPIF_UC_MISS : DPIF_UC_ACTION;
    u->packet = pkt_from_data(k->packet, k->packet_len);
    dpif_netlink_filter_key(k->key, k->key_len, &filtered);
    u->has_flow = false;
    if (!odp_key_to_flow(filtered.data, filtered.len, &flow, NULL)) {
        u->in_port = flow.in_port;
        odp_flow_to_key(&u->key, &flow, NULL);
        /* A decoded key encodes and decodes back to the same flow
         * (test-softpath-odp checks it), so FLOW is U->key's. */
        u->flow = flow;
        u->has_flow = true;
    } else {
        /* A key nicflow cannot decode (e.g. a protocol it lacks) goes up
         * as the kernel gave it, less what nicflow does not know. */
        COVERAGE_INC(dpif_netlink_upcall_bad);
        buf_put(&u->key, filtered.data, filtered.len);
        u->in_port = DPIF_PORT_ANY;
    }
    buf_destroy(&filtered);
    dpif_ufid_from_key(u->key.data, u->key.len, &u->ufid);

    /* Layer offsets, as the userspace datapath's upcalls have them. */
    struct flow scratch;
    flow_extract(u->packet, &scratch);
    u->packet->in_port = u->in_port;
    if (k->userdata) {
        buf_put(&u->userdata, k->userdata, k->userdata_len);
    }
}

/* Reads up to UPCALL_SLOTS queued upcalls from socket H of DP into
 * reader RD's slots, in one recvmmsg().  Returns 0 (at least one read),
 * EAGAIN, or another errno. */
static int
fill_slots(struct dpif_netlink *dp, struct upcall_reader *rd, size_t h)
{
    memset(rd->msgs, 0, sizeof rd->msgs);
    for (size_t i = 0; i < UPCALL_SLOTS; i++) {
        rd->iov[i].iov_base = rd->rx + i * UPCALL_RX_SIZE;
        rd->iov[i].iov_len = UPCALL_RX_SIZE;
        rd->msgs[i].msg_hdr.msg_iov = &rd->iov[i];
        rd->msgs[i].msg_hdr.msg_iovlen = 1;
    }
    for (;;) {
        int n = recvmmsg(mnl_socket_get_fd(dp->handlers[h].nl), rd->msgs,
                         UPCALL_SLOTS, MSG_DONTWAIT, NULL);
        if (n > 0) {
            rd->next = 0;
            rd->n = (size_t) n;
            rd->cur = h;
            return 0;
        }
        if (n == 0 || errno == EWOULDBLOCK) {
            return EAGAIN;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == ENOBUFS) {
            /* The socket overflowed: upcalls were lost (the kernel
             * counts them too).  Read on. */
            COVERAGE_INC(dpif_netlink_upcall_overrun);
            continue;
        }
        return errno;
    }
}

/* Fills RD's slots from its first socket after the one read last that
 * has upcalls queued.  Returns 0, EAGAIN (none has), or another errno. */
static int
fill_next(struct dpif_netlink *dp, struct upcall_reader *rd)
{
    size_t n = dp->n_handlers;

    if (rd->epoll_fd < 0) {
        return fill_slots(dp, rd, 0);
    }
    if (rd->n_socks == 1) {
        /* (One CPU per reader: the common case on small hosts.)  A
         * socket with nothing queued answers EAGAIN as epoll would. */
        return fill_slots(dp, rd, rd->only_sock);
    }

    /* The epoll instance says which sockets have upcalls queued, in one
     * system call however many CPUs there are. */
    struct epoll_event evs[64];
    int n_ev;
    do {
        n_ev = epoll_wait(rd->epoll_fd, evs, ARRAY_SIZE(evs), 0);
    } while (n_ev < 0 && errno == EINTR);
    if (n_ev < 0) {
        return errno;
    }
    size_t start = (rd->cur + 1) % n;
    while (n_ev > 0) {
        /* The ready socket nearest after START, round robin. */
        int best = 0;
        size_t best_dist = SIZE_MAX;
        for (int i = 0; i < n_ev; i++) {
            size_t h = evs[i].data.u32;
            size_t dist = (h + n - start) % n;
            if (h < n && dist < best_dist) {
                best = i;
                best_dist = dist;
            }
        }
        if (best_dist == SIZE_MAX) {
            break;
        }
        int error = fill_slots(dp, rd, evs[best].data.u32);
        if (error != EAGAIN) {
            return error;
        }
        /* Nothing there after all (epoll reports a socket error as
         * readable, and reading clears it): try the others. */
        evs[best] = evs[--n_ev];
    }
    return EAGAIN;
}

int
dpif_netlink_recv_handler(struct dpif *dpif, size_t idx, struct dpif_upcall *u)
{
    struct dpif_netlink *dp = dpif_netlink_cast(dpif);

    if (idx >= dp->n_readers) {
        return EAGAIN;
    }
    struct upcall_reader *rd = &dp->readers[idx];
    for (;;) {
        if (rd->next >= rd->n) {
            int error = fill_next(dp, rd);
            if (error) {
                return error;
            }
        }
        size_t i = rd->next++;
        const struct msghdr *mh = &rd->msgs[i].msg_hdr;
        const uint8_t *data = rd->rx + i * UPCALL_RX_SIZE;
        size_t n = rd->msgs[i].msg_len;

        if (mh->msg_flags & MSG_TRUNC) {
            COVERAGE_INC(dpif_netlink_upcall_truncated);
            continue;
        }
        struct dpif_netlink_upcall k;
        if (dpif_netlink_parse_upcall(data, n, &k)
            || ((const struct nlmsghdr *) data)->nlmsg_type
                   != dp->fam.packet) {
            COVERAGE_INC(dpif_netlink_upcall_bad);
            VLOG_WARN_RL(&rl, "%s: dropped a malformed upcall", dpif->name);
            continue;
        }
        upcall_from_kernel(&k, u);
        atomic_store(&dp->last_handler, (int) rd->cur);
        return 0;
    }
}

int
dpif_netlink_recv(struct dpif *dpif, struct dpif_upcall *u)
{
    return dpif_netlink_recv_handler(dpif, 0, u);
}

int
dpif_netlink_recv_handler_fd(const struct dpif *dpif, size_t idx)
{
    const struct dpif_netlink *dp = dpif_netlink_cast(dpif);

    if (idx >= dp->n_readers) {
        return -1;
    }
    return (dp->readers[idx].epoll_fd >= 0
                ? dp->readers[idx].epoll_fd
                : mnl_socket_get_fd(dp->handlers[0].nl));
}

int
dpif_netlink_recv_fd(const struct dpif *dpif)
{
    return dpif_netlink_recv_handler_fd(dpif, 0);
}

size_t
dpif_netlink_handlers_set(struct dpif *dpif, size_t n)
{
    struct dpif_netlink *dp = dpif_netlink_cast(dpif);
    size_t made = 0;

    pthread_mutex_lock(&dp->mutex);
    if (dp->n_handlers) {
        int error = open_readers(dp, n);
        if (error) {
            VLOG_WARN_RL(&rl,
                         "%s: cannot share the upcall sockets among "
                         "%zu readers (%s): one reads them all",
                         dpif->name, n, nf_strerror(error));
            error = open_readers(dp, 1);
        }
        made = error ? 0 : dp->n_readers;
    }
    pthread_mutex_unlock(&dp->mutex);
    return made;
}
