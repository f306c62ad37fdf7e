/* netdev-provider.h: what a port type implements.
 *
 * A type is a struct netdev_class registered with netdev_register_class()
 * (the built-in types are registered on first use of the registry).  Each
 * open port is a provider-defined struct that embeds struct netdev as its
 * first member, so a provider converts with a cast.  netdev.c owns the
 * common members and the bookkeeping around the calls: it checks
 * arguments, caps batch sizes, frees stolen packets and keeps the list of
 * open ports; the provider touches the hardware (or the queues) and counts
 * what happened in netdev->stats.
 *
 * Errors: every function that can fail returns 0 or a positive errno and
 * has already logged why (rate-limited on the data path) before returning
 * it, except that EAGAIN from recv is silent. */
#ifndef NICFLOW_SOFTPATH_NETDEV_PROVIDER_H
#define NICFLOW_SOFTPATH_NETDEV_PROVIDER_H 1

#include "softpath/netdev.h"

struct netdev_class;

/* The common part of every open port. */
struct netdev {
    const struct netdev_class *class;
    char *name;                /* Owned; set by netdev.c after construct. */
    struct netdev_stats stats; /* Counted by the provider. */
    struct netdev *next;       /* netdev.c's list of open ports. */
    char *config;              /* Options in force, sorted "key=value,..."
                                * (NULL: none); owned by netdev.c. */
    struct netdev_handover *handover; /* Nonnull while the port's input
                                       * is handed over (netdev-handover.c);
                                       * atomic. */
};

struct netdev_class {
    /* The type name given to netdev_open(), e.g. "afpacket". */
    const char *type;

    /* Opens the port NAME (already checked to be a non-empty string shorter
     * than IFNAMSIZ and not open as any type).  Allocates the provider's
     * struct (zeroed, so netdev->stats start at zero), acquires the device
     * and stores the embedded struct netdev in *NETDEVP.  netdev.c then
     * fills in class and name.  On failure returns a positive errno (ENODEV
     * when the device does not exist) with everything released and logs
     * why.  Required. */
    int (*construct)(const char *name, struct netdev **netdevp);

    /* Releases everything construct acquired, including packets queued in
     * the port, and frees the provider's struct.  Called once, by
     * netdev_close(); NETDEV->name is still valid during the call and freed
     * by netdev.c afterwards.  Cannot fail.  Required. */
    void (*destruct)(struct netdev *netdev);

    /* Receives up to MAX packets (1 <= MAX <= NETDEV_MAX_BURST) into PKTS,
     * storing the count in *N, and hands them to the caller.  Packets should
     * be allocated with netdev_pkt_new() and carry the device's virtio net
     * header, if it gives one, through netdev_pkt_set_vnet_hdr().  Must not
     * block.  Returns 0 with *N > 0, EAGAIN with *N == 0 when nothing is
     * waiting, or another errno for a failure of the port (packets received
     * before the failure are returned with 0 instead).  Counts rx_packets,
     * rx_bytes and anything dropped or refused.  Required. */
    int (*recv)(struct netdev *netdev, struct pkt **pkts, size_t max,
                size_t *n);

    /* Sends the N (>= 1) packets in PKTS without blocking, in order.  The
     * packets stay the caller's (netdev.c frees them afterwards when the
     * client lets it steal), so a provider that keeps one (dummy) keeps a
     * clone, or takes it only when told via MAY_STEAL, which it may use to
     * avoid a copy: if it takes a packet it sets PKTS[i] to NULL.  A packet
     * with a virtio net header (netdev_pkt_get_vnet_hdr()) goes out with
     * it.  Counts tx_packets and tx_bytes for what left, tx_dropped for
     * packets the device had no room for and tx_errors for packets it
     * refused.  Returns 0 if everything was sent, else the errno of the
     * first failure.  Required. */
    int (*send)(struct netdev *netdev, struct pkt **pkts, size_t n,
                bool may_steal);

    /* Stores the port's Ethernet address.  0, or a positive errno.  NULL
     * means EOPNOTSUPP. */
    int (*get_etheraddr)(const struct netdev *netdev, struct eth_addr *ea);

    /* Stores the port's MTU (L3 bytes).  0, or a positive errno.  NULL
     * means EOPNOTSUPP. */
    int (*get_mtu)(const struct netdev *netdev, int *mtup);

    /* Stores the kernel ifindex.  0, or a positive errno.  NULL means
     * EOPNOTSUPP (types without a kernel device). */
    int (*get_ifindex)(const struct netdev *netdev, int *ifindexp);

    /* Returns the fd to poll for input, owned by the port and valid until
     * destruct, or -1.  NULL means -1. */
    int (*get_fd)(const struct netdev *netdev);

    /* Sets the administrative state.  0, or a positive errno.  NULL means
     * EOPNOTSUPP. */
    int (*set_up)(struct netdev *netdev, bool up);

    /* Applies the port options OPTIONS: the complete set, not a change
     * (a key left out returns to its default; "" means all defaults).
     * netdev.c has checked the syntax: "key=value" items separated by
     * commas, keys non-empty and distinct, sorted by key; values may be
     * empty.  The provider checks keys and values itself and either
     * applies all of them and returns 0, or applies none and returns a
     * positive errno (EINVAL for an unknown key or a bad value) with a
     * message in *ERRP naming the port, the option and what it takes
     * (ERRP may be NULL; the caller frees).  Called after construct, any
     * number of times; netdev.c remembers the set last accepted for
     * netdev_get_config().  NULL: the type takes no options, and
     * netdev_set_config() refuses any. */
    int (*set_config)(struct netdev *netdev, const char *options, char **errp);

    /* Stops (PAUSE true) or restarts the port's own reception while its
     * input is handed over to another path (netdev_rx_handover_set()):
     * what the device receives meanwhile is not kept anywhere, and set
     * config changes keep the pause.  0, or a positive errno after logging
     * why.  NULL: netdev.c reads and drops the type's own input during a
     * handover instead. */
    int (*rx_pause)(struct netdev *netdev, bool pause);

    /* Stores the port's counters in *STATS, for a type whose device
     * counts them itself (DPDK's rte_eth_stats); netdev->stats is then
     * the provider's to use as it likes.  0, or a positive errno.  NULL:
     * netdev_get_stats() returns netdev->stats. */
    int (*get_stats)(const struct netdev *netdev, struct netdev_stats *stats);

    /* Stores whether the link is up (carrier).  0, or a positive errno.
     * NULL means EOPNOTSUPP. */
    int (*get_carrier)(const struct netdev *netdev, bool *up);

    /* True for a type that has no fd to wait on and must be polled: its
     * recv is called over and over (DPDK poll-mode drivers).  get_fd then
     * returns -1. */
    bool needs_polling;

    /* Multi-queue types (DPDK), whose queues poll-mode threads serve in
     * parallel.  get_n_rxq and get_n_txq return how many receive and
     * transmit queues the port has now (at least 1).  rxq_recv is recv
     * restricted to receive queue QID (0 <= QID < get_n_rxq()): calls on
     * distinct queues may run at the same time on different threads, as
     * may calls on one queue that are serialised by the caller.  send_txq
     * is send on transmit queue QID modulo get_n_txq(); it may be called
     * from any number of threads at once (the provider serialises calls
     * that share a queue) and at the same time as send, which uses queue
     * 0.  The queue counts change only in set_config, which the caller
     * never runs concurrently with these.  All four NULL: the port has one
     * queue, served by recv and send from one thread at a time. */
    int (*get_n_rxq)(const struct netdev *netdev);
    int (*get_n_txq)(const struct netdev *netdev);
    int (*rxq_recv)(struct netdev *netdev, int qid, struct pkt **pkts,
                    size_t max, size_t *n);
    int (*send_txq)(struct netdev *netdev, int qid, struct pkt **pkts,
                    size_t n, bool may_steal);
};

/* netdev-handover.c's side of netdev.c: called once a port is open (it
 * may have been handed over before), by netdev_recv() for a port handed
 * over to H, and by netdev_get_fd() for it. */
struct netdev_handover;
void netdev_handover_opened(struct netdev *);
int netdev_handover_recv(struct netdev *, struct netdev_handover *h,
                         struct pkt **pkts, size_t max, size_t *n);
int netdev_handover_fd(const struct netdev_handover *h);

/* Adds CLASS (which must live forever) to the registry.  Returns 0, or
 * EEXIST if a type of that name is registered. */
int netdev_register_class(const struct netdev_class *class);

extern const struct netdev_class netdev_dummy_class;
extern const struct netdev_class netdev_dummy_pmd_class;
extern const struct netdev_class netdev_afpacket_class;
extern const struct netdev_class netdev_tap_class;
extern const struct netdev_class netdev_internal_class;
extern const struct netdev_class netdev_vxlan_class;  /* netdev-vport.c */
extern const struct netdev_class netdev_geneve_class; /* netdev-vport.c */
extern const struct netdev_class netdev_gre_class;    /* netdev-vport.c */

/* Helpers for the providers of Linux devices, through an AF_INET socket
 * opened on first use.  Each returns 0 or a positive errno, without
 * logging. */
int netdev_linux_get_etheraddr(const char *name, struct eth_addr *ea);
int netdev_linux_get_mtu(const char *name, int *mtup);
int netdev_linux_set_up(const char *name, bool up);

#endif /* NICFLOW_SOFTPATH_NETDEV_PROVIDER_H */
