/* dpif-netlink-private.h: what dpif-netlink.c (datapaths, ports, the
 * netlink channels), dpif-netlink-flow.c (flows, execution) and
 * dpif-netlink-upcall.c (upcall sockets and dispatch) share.  Not for use outside the "system" datapath type. */
#ifndef NICFLOW_SOFTPATH_DPIF_NETLINK_PRIVATE_H
#define NICFLOW_SOFTPATH_DPIF_NETLINK_PRIVATE_H 1

#include <linux/openvswitch.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "lib/util.h"
#include "softpath/dpif-netlink-msg.h"
#include "softpath/dpif-provider.h"

struct mnl_socket;

/* Receive buffers: dumps come in datagrams of up to 32 kB (the kernel's
 * largest dump skb, when the reader's buffer allows it); an upcall carries
 * a whole packet, up to 64 kB, plus its key. */
#define RX_SIZE (64 * 1024)
#define UPCALL_RX_SIZE (64 * 1024 + 8192)
#define UPCALL_SLOTS 32

/* Batches (dpif_netlink_chan_transact_batch()): at most BATCH_MAX_MSGS
 * requests and BATCH_MAX_BYTES bytes of them (or one larger request) go
 * in one datagram, so that their answers fit in the socket's receive
 * buffer together (BATCH_MAX_MSGS_BIG when answers may be large: echoed
 * flows), and so that the kernel copies the datagram into an ordinary
 * socket buffer: one larger than a page less the buffer's overhead
 * (NLMSG_GOODSIZE, 3,776 bytes on x86-64) is vmalloc()ed and vfree()d,
 * which costs more than the system calls that the bigger datagram
 * saves.  Answers that are known to be small (acks, terse flows) are
 * read BATCH_SLOTS at a time with recvmmsg(), into slots of
 * BATCH_SLOT_SIZE bytes. */
#define BATCH_MAX_MSGS 64
#define BATCH_MAX_MSGS_BIG 16
#define BATCH_MAX_BYTES 3584
#define BATCH_SLOTS 64
#define BATCH_SLOT_SIZE 4096

/* The receive buffer asked for on request sockets (room for a batch's
 * answers) and on the upcall socket (room for a burst of misses). */
#define CHAN_RCVBUF (1024 * 1024)
#define UPCALL_RCVBUF (4 * 1024 * 1024)

/* One netlink socket and its sequence numbers. */
struct nl_chan {
    struct mnl_socket *nl;
    uint32_t portid;
    uint32_t seq;
    uint8_t *rx;    /* RX_SIZE bytes. */
    uint8_t *slots; /* BATCH_SLOTS * BATCH_SLOT_SIZE bytes, or NULL until
                     * a batch needs them. */
};

/* Sets the receive buffer of netlink socket FD to SIZE bytes: with
 * SO_RCVBUFFORCE, which may exceed net.core.rmem_max but needs
 * CAP_NET_ADMIN, else with SO_RCVBUF, which the kernel caps at
 * rmem_max.  Best effort: a smaller buffer only means more losses. */
void dpif_netlink_set_rcvbuf(int fd, int size);

/* One upcall socket (a "handler"): in per-CPU dispatch, handler I
 * receives the upcalls the kernel handles on CPU I; in per-vport dispatch
 * the handle has one, which every port names. */
struct upcall_handler {
    struct mnl_socket *nl;
    uint32_t pid; /* NL's port id. */
};

/* dpif_netlink.flows_bound before a count is read. */
#define FLOWS_UNKNOWN SIZE_MAX

/* One reader of a handle's upcall sockets, read by one thread.  In
 * per-CPU dispatch reader R of N reads the sockets I with I % N == R,
 * which EPOLL_FD holds (level-triggered: readable while any has upcalls
 * queued); in per-vport dispatch the one reader reads socket 0 and
 * EPOLL_FD is -1.  Upcalls are read UPCALL_SLOTS at a time (recvmmsg())
 * from one socket, CUR: slot I is UPCALL_RX_SIZE bytes at RX + I *
 * UPCALL_RX_SIZE, and slots NEXT .. N - 1 are read but not yet handed
 * out.  Once they are, the reader's next socket with upcalls queued after
 * CUR is read (round robin), so that a busy CPU does not starve the
 * others. */
struct upcall_reader {
    int epoll_fd;
    /* With EPOLL_FD, the sockets it watches: when that is only one
     * (ONLY_SOCK), it is read without asking epoll first. */
    size_t n_socks, only_sock;
    uint8_t *rx;
    struct mmsghdr msgs[UPCALL_SLOTS];
    struct iovec iov[UPCALL_SLOTS];
    size_t next, n, cur;
};

/* How the kernel sends a handle's upcalls (none: upcalls off). */
enum dpif_netlink_dispatch {
    DPIF_NETLINK_DISPATCH_NONE,
    DPIF_NETLINK_DISPATCH_PER_VPORT, /* OVS_DP_F_VPORT_PIDS. */
    DPIF_NETLINK_DISPATCH_PER_CPU,   /* OVS_DP_F_DISPATCH_UPCALL_PER_CPU. */
};

/* A handle on one kernel datapath. */
struct dpif_netlink {
    struct dpif up;
    int dp_ifindex; /* The kernel's name for the datapath in requests. */
    struct dpif_netlink_families fam;

    pthread_mutex_t mutex; /* Guards CHAN and everything below. */
    struct nl_chan chan;   /* Requests. */

    /* Upcalls, from recv_set(true) to recv_set(false): N_HANDLERS
     * sockets (one per possible CPU in per-CPU dispatch, else one), read
     * by N_READERS readers (handlers_set(); one thread each). */
    enum dpif_netlink_dispatch dispatch;
    struct upcall_handler *handlers;
    size_t n_handlers;
    struct upcall_reader *readers;
    size_t n_readers;
    /* The socket of the upcall recv() returned last (-1: none yet), for
     * dpif_netlink_last_upcall_handler(). */
    atomic_int last_handler;
    /* Read by handler threads' puts while the main thread may set it. */
    atomic_size_t flow_limit; /* 0: none. */
    /* At least the flows the datapath holds, for the limit (see
     * flow_room()): the count get_stats() last read, plus every create
     * put since; FLOWS_UNKNOWN until a count is read, and after the limit
     * changes. */
    atomic_size_t flows_bound;
};

static inline struct dpif_netlink *
dpif_netlink_cast(const struct dpif *dpif)
{
    return CONTAINER_OF(dpif, struct dpif_netlink, up);
}

/* Opens C: a bound NETLINK_GENERIC socket that asks for extended and
 * capped acks.  Returns 0 or a positive errno. */
int dpif_netlink_chan_open(struct nl_chan *c);
void dpif_netlink_chan_close(struct nl_chan *c);

/* Called for each reply message of a request (not acks or errors), which
 * is LEN bytes at MSG: returns 0 to go on, or an errno value that the
 * request then returns (the rest of the replies are still read, so the
 * socket stays in step with the kernel). */
typedef int reply_fn(const void *msg, size_t len, void *aux);

/* Sends the request REQ (LEN bytes, NLM_F_ACK or NLM_F_DUMP in its
 * flags; the sequence number is set here) on C and feeds the replies to
 * CB (may be NULL) until the ack or the end of the dump.  Returns 0 or a
 * positive errno; the extended-ack message of a kernel error goes to
 * *ERRP (if ERRP is nonnull and the kernel gave one).  Blocks. */
int dpif_netlink_chan_transact(struct nl_chan *c, void *req, size_t len,
                               reply_fn *cb, void *aux, char **errp);

/* dpif_netlink_chan_transact() on DP's request channel, under its
 * mutex. */
int dpif_netlink_transact(const struct dpif_netlink *dp, void *req, size_t len,
                          reply_fn *cb, void *aux, char **errp);

/* Sends the requests of batch B on C, as few datagrams as the limits
 * above allow, and reads the answers until each request has its outcome
 * in B's items (see dpif-netlink-msg.h; replies go to CB, which may be
 * NULL).  BIG: answers may be larger than BATCH_SLOT_SIZE.  A request
 * the socket refused, or whose answer the socket lost (an overrun),
 * fails with that errno.  Returns 0, or the socket error that stopped
 * the batch (every request not answered then has it).  Blocks. */
int dpif_netlink_chan_transact_batch(struct nl_chan *c,
                                     struct dpif_netlink_batch *b, bool big,
                                     dpif_netlink_batch_cb *cb, void *aux);

/* dpif_netlink_chan_transact_batch() on DP's request channel, under its
 * mutex. */
int dpif_netlink_transact_batch(const struct dpif_netlink *dp,
                                struct dpif_netlink_batch *b, bool big,
                                dpif_netlink_batch_cb *cb, void *aux);

/* The upcall pid that userspace() actions and new ports get on DP
 * (DP's mutex held): in per-vport dispatch the handle's socket; in
 * per-CPU dispatch the kernel picks the socket of the CPU itself, so
 * ports get 0 (as Open vSwitch gives them) and actions the socket of
 * handler 0 (the kernel ignores it, but it names a socket that is read
 * should another program switch the datapath back to per-vport
 * dispatch); 0 with upcalls off. */
uint32_t dpif_netlink_port_pid__(const struct dpif_netlink *dp);
uint32_t dpif_netlink_action_pid__(const struct dpif_netlink *dp);

/* What a vport reply callback gathers: each vport, appended to PORTS, and
 * the counters of the last one. */
struct vport_aux {
    struct dpif_ports ports;
    struct ovs_vport_stats stats;
};

/* Dumps DP's vports into AUX->ports (AUX is initialised here), in port
 * number order. */
int dpif_netlink_dump_vports(const struct dpif_netlink *dp,
                             struct vport_aux *aux);

/* dpif-netlink-flow.c: the dpif_class members for flows and execution;
 * dpif-netlink-upcall.c: those for upcalls (see dpif-provider.h). */
int dpif_netlink_flow_put(struct dpif *, const struct dpif_flow_put *,
                          char **errp);
int dpif_netlink_flow_get(const struct dpif *, const struct dpif_ufid *,
                          const void *key, size_t key_len, struct dpif_flow *);
int dpif_netlink_flow_del(struct dpif *, const struct dpif_ufid *,
                          const void *key, size_t key_len,
                          struct dpif_flow_stats *);
int dpif_netlink_flow_flush(struct dpif *);
struct dpif_flow_dump *dpif_netlink_flow_dump_start(const struct dpif *);
size_t dpif_netlink_flow_dump_next(struct dpif_flow_dump *, struct dpif_flow *,
                                   size_t max);
void dpif_netlink_flow_dump_done(struct dpif_flow_dump *);
void dpif_netlink_flow_get_stats(const struct dpif *,
                                 const struct dpif_ufid *ufids, size_t n,
                                 struct dpif_flow_stats *stats, bool *found);
int dpif_netlink_execute(struct dpif *, const struct dpif_execute *,
                         char **errp);
int dpif_netlink_execute_batch(struct dpif *, const struct dpif_execute *,
                               size_t n, char **errp);
void dpif_netlink_flow_put_batch(struct dpif *, const struct dpif_flow_put *,
                                 size_t n, int *errors, char **errs);
int dpif_netlink_recv_set(struct dpif *, bool enable);
int dpif_netlink_recv(struct dpif *, struct dpif_upcall *);
int dpif_netlink_recv_fd(const struct dpif *);
size_t dpif_netlink_handlers_set(struct dpif *, size_t n);
int dpif_netlink_recv_handler(struct dpif *, size_t idx, struct dpif_upcall *);
int dpif_netlink_recv_handler_fd(const struct dpif *, size_t idx);
int dpif_netlink_set_flow_limit(struct dpif *, size_t limit);

/* dpif-netlink-upcall.c: closes DP's upcall sockets, if any, leaving
 * the kernel as it is (dpif_close()). */
void dpif_netlink_close_upcalls(struct dpif_netlink *dp);

/* Whether the kernel's datapath settings REPLY (a GET's answer) send DP's
 * upcalls elsewhere than where DP set them up (DP's mutex held): per-CPU
 * dispatch when DP set up per-vport dispatch, or per-vport dispatch, or
 * per-CPU pids that are not DP's sockets, when DP set up per-CPU
 * dispatch.  False with upcalls off. */
bool dpif_netlink_misrouted__(const struct dpif_netlink *dp,
                              const struct dpif_netlink_dp *reply);

/* dpif-netlink-meter.c: the meter members (see dpif-provider.h). */
void dpif_netlink_meter_get_features(const struct dpif *,
                                     struct dpif_meter_features *);
int dpif_netlink_meter_set(struct dpif *, uint32_t meter_id,
                           const struct dpif_meter_config *, char **errp);
int dpif_netlink_meter_get(const struct dpif *, uint32_t meter_id,
                           struct dpif_meter_stats *);
int dpif_netlink_meter_del(struct dpif *, uint32_t meter_id,
                           struct dpif_meter_stats *);

#endif /* NICFLOW_SOFTPATH_DPIF_NETLINK_PRIVATE_H */
