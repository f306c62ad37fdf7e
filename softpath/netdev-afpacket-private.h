/* netdev-afpacket-private.h: what netdev-afpacket.c (the port type) and
 * netdev-afpacket-rxtc.c (the receive macvlan of options:rx-after-tc)
 * share, and what tests/unit/test-softpath-netdev.c reaches without the
 * privileges a real port needs.  Nothing else includes this file.
 *
 * Why rx-after-tc exists is told at the top of netdev-afpacket.c. */
#ifndef NICFLOW_SOFTPATH_NETDEV_AFPACKET_PRIVATE_H
#define NICFLOW_SOFTPATH_NETDEV_AFPACKET_PRIVATE_H 1

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

/* What options:rx-ring selects. */
enum afpacket_mode {
    AFPACKET_MODE_AUTO,
    AFPACKET_MODE_V2,
    AFPACKET_MODE_V3,
};

/* An afpacket port's options, as parsed. */
struct netdev_afpacket_options {
    enum afpacket_mode mode; /* rx-ring (default auto). */
    bool rx_after_tc;        /* rx-after-tc (default false). */
    bool tx_coalesce;        /* tx-coalesce (default true). */
};

/* Parses OPTIONS, the canonical "key=value,..." set that netdev.c hands to
 * set_config (keys distinct, each item has an '='), for the port NAME into
 * *OPTS; a key left out or given an empty value takes its default.
 * Returns 0, or EINVAL with a message in *ERRP (caller frees; ERRP may be
 * NULL) naming the port, the option and what it takes.  *OPTS is written
 * only on success. */
int netdev_afpacket_parse_options(const char *name, const char *options,
                                  struct netdev_afpacket_options *opts,
                                  char **errp);

/* The PACKET_FANOUT argument that puts an auto port's socket in its
 * group: with CREATE, a new group whose id the kernel picks
 * (PACKET_FANOUT_FLAG_UNIQUEID, ID ignored); otherwise group ID, which may
 * well be 0.  Either way the group steers with a classic BPF program. */
int netdev_afpacket_fanout_arg(bool create, uint16_t id);

/* Which of an auto port's sockets the datapath should sleep on: the
 * socket the fanout program names (ACTIVE, 0 for v2 or 1 for v3) once the
 * last switch, at STEER_MSEC, is at least SETTLE_MS old at NOW_MSEC; -1,
 * the epoll descriptor that covers both, before that, while frames may
 * still arrive in the ring the port switched away from. */
/* The socket an auto port should receive on (0 for v2, 1 for v3), now on
 * ACTIVE, having received PKTS packets in the ELAPSED_MS since its window
 * began: v2 at once if QUIET_BLOCK (the v3 ring's timer handed over a
 * nearly empty block); otherwise, once the window is complete, v3 above
 * the high rate or v2 below the low one; else ACTIVE. */
unsigned int netdev_afpacket_auto_want(unsigned int active, bool quiet_block,
                                       long long elapsed_ms, uint64_t pkts);

int netdev_afpacket_wait_sock(unsigned int active, long long steer_msec,
                              long long now_msec, long long settle_ms);

/* ---------------------------------------------------------------------
 * The receive macvlan (netdev-afpacket-rxtc.c).
 * --------------------------------------------------------------------- */

/* The receive macvlan of the device with ifindex LOWER is called
 * "nfrx<LOWER>": deterministic, so a process that restarts after a crash
 * finds the one it left, and at most 14 characters for any ifindex. */
#define NETDEV_AFPACKET_RXTC_PREFIX "nfrx"
void netdev_afpacket_rxtc_name(int lower, char name[IFNAMSIZ]);

/* Creates (or, if one was left behind by a process that died, recreates)
 * the receive macvlan of the device LOWER for the port PORT: passthru mode,
 * no addresses, no ARP, IPv6 off, IPv4 neither forwarding nor accepting
 * anything (strict reverse-path filter), all multicast, administratively
 * up.  Stores its ifindex in *IFINDEXP.  Returns 0, or a positive errno
 * with a message for the user in *ERRP (caller frees) naming the port,
 * the device and the cause; on failure nothing is left behind.  Needs
 * CAP_NET_ADMIN. */
int netdev_afpacket_rxtc_create(const char *port, int lower, int *ifindexp,
                                char **errp);

/* Removes the receive macvlan of LOWER, if there is one that is a macvlan
 * of LOWER (a device of that name that is something else is left alone).
 * Returns 0 (also when there was none), or a positive errno with a message
 * in *ERRP (caller frees). */
int netdev_afpacket_rxtc_destroy(const char *port, int lower, char **errp);

/* The netlink side, exposed for unit tests.  Each request is built in BUF
 * (SIZE bytes, at least NETDEV_AFPACKET_RXTC_BUF) with sequence number SEQ
 * and returned, or NULL if it does not fit. */
#define NETDEV_AFPACKET_RXTC_BUF 1024

/* RTM_NEWLINK creating NAME: a passthru macvlan over LOWER, down, with
 * IFF_NOARP and IFF_ALLMULTI, broadcasts delivered without the macvlan's
 * work queue (IFLA_MACVLAN_BC_CUTOFF -1, ignored by kernels before 6.2). */
struct nlmsghdr *netdev_afpacket_rxtc_msg_create(void *buf, size_t size,
                                                 uint32_t seq,
                                                 const char *name, int lower);

/* What a link dump or RTM_GETLINK reply says about one device. */
struct netdev_afpacket_rxtc_link {
    int ifindex;
    int link;             /* IFLA_LINK: the lower device (a veth's peer). */
    bool link_netns;      /* IFLA_LINK_NETNSID: LINK is in another netns, */
    int32_t link_netnsid; /* ...this one (as the asking netns numbers it). */
    bool macvlan;         /* IFLA_INFO_KIND is "macvlan". */
    bool veth;            /* IFLA_INFO_KIND is "veth". */
    uint32_t mode;        /* IFLA_MACVLAN_MODE, or 0. */
    bool has_addr;        /* IFLA_ADDRESS was 6 bytes, in ADDR. */
    uint8_t addr[6];
    char name[IFNAMSIZ];
};

/* Parses an RTM_NEWLINK message (a reply to RTM_GETLINK) into *LINK.
 * Returns 0, or EINVAL if it is malformed. */
int netdev_afpacket_rxtc_parse_link(const struct nlmsghdr *nlh,
                                    struct netdev_afpacket_rxtc_link *link);

/* Parses an NLMSG_ERROR message: returns its (positive) errno, 0 for an
 * acknowledgement, or EPROTO if it is malformed, and stores the kernel's
 * extended-ack text, if any, in *MSGP (caller frees; else NULL). */
int netdev_afpacket_rxtc_parse_ack(const struct nlmsghdr *nlh, char **msgp);

/* The veth peer of a port's device (netdev-afpacket-rxtc.c, which has the
 * rtnetlink plumbing).  Sets *VETH to whether the device with IFINDEX is a
 * veth and, if it is, stores its peer's Ethernet address in PEER_MAC,
 * looked up in whichever netns the peer is in (RTM_GETLINK with
 * IFLA_TARGET_NETNSID, Linux 4.20 and later).  Returns 0 or a positive
 * errno (the device or its peer could not be looked up). */
int netdev_afpacket_peer_mac(int ifindex, bool *veth, uint8_t peer_mac[6]);

/* RTM_GETLINK for IFINDEX, in the netns NETNSID if TARGET (else this one),
 * built in BUF as the requests above; exposed for unit tests. */
struct nlmsghdr *netdev_afpacket_msg_getlink_index(void *buf, size_t size,
                                                   uint32_t seq, int ifindex,
                                                   bool target,
                                                   int32_t netnsid);

#endif /* NICFLOW_SOFTPATH_NETDEV_AFPACKET_PRIVATE_H */
