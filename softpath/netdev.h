/* netdev.h: the ports of the userspace datapath.
 *
 * A netdev is an open port of some type: "dummy" (no device; frames come
 * and go through netdev_dummy_receive() and netdev_dummy_pop_sent(), for
 * tests), "afpacket" (an existing Linux device, reached through an AF_PACKET
 * socket with an mmap'ed TPACKET_V3 receive ring) and "tap" / "internal" (a
 * tap device the port creates and owns).  Types are implemented by the
 * providers described in netdev-provider.h.
 *
 * Every call is non-blocking: netdev_recv() returns EAGAIN when nothing is
 * waiting, and netdev_get_fd() gives a file descriptor that polls readable
 * when it is worth calling netdev_recv() again, so a datapath thread can
 * sleep in epoll instead of spinning.
 *
 * Offloads.  Linux devices hand nicflow the packets the kernel built, which
 * may be GSO super-frames (up to 64 KB, to be segmented later) or packets
 * whose L4 checksum is still to be filled in (CHECKSUM_PARTIAL).  Such a
 * packet is only meaningful together with its struct virtio_net_hdr, which
 * says how to finish it.  struct pkt (lib/packet.h) has no member for it, so
 * this layer keeps it in the packet's headroom: the first
 * NETDEV_PKT_META_SIZE bytes of the buffer (at pkt->base, as far from the
 * frame as possible, so pushes of tags and tunnel headers do not reach it)
 * hold a tag and the header.  netdev_pkt_get_vnet_hdr() returns it while it
 * is intact: a push that eats into the last NETDEV_PKT_META_SIZE
 * bytes of headroom overwrites it, and it is then no longer returned.
 * pkt_clone() and a reallocation of the headroom do not copy
 * headroom bytes, so after either the header is gone and the packet is sent
 * as a plain frame: callers that clone or grow a super-frame must copy the
 * header themselves.  Layer offsets are relative to the frame, and so is the
 * header's csum_start: whoever pushes bytes in front of the L3 header of
 * such a packet must move csum_start (and hdr_len) along.
 *
 * Not thread-safe: the registry and each port belong to one thread. */
#ifndef NICFLOW_SOFTPATH_NETDEV_H
#define NICFLOW_SOFTPATH_NETDEV_H 1

#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/packet.h"

struct netdev;

/* The most packets one netdev_recv() returns (and a good netdev_send()
 * batch size). */
#define NETDEV_MAX_BURST 32

/* Opens the port NAME of TYPE ("dummy", "afpacket", "tap", "internal"; NULL
 * means "afpacket", for an existing Linux device) and stores it in *NETDEVP.
 * Returns 0, or a positive errno after logging why: EAFNOSUPPORT for an
 * unknown type, EBUSY if a port named NAME is already open, ENODEV if an
 * afpacket port's device does not exist, EINVAL for a bad name, or what the
 * kernel said.  *NETDEVP is NULL on failure. */
int netdev_open(const char *name, const char *type, struct netdev **netdevp);

/* Closes NETDEV (NULL is allowed) and frees everything it owns, including
 * packets queued inside it.  A tap device the port created disappears. */
void netdev_close(struct netdev *netdev);

/* Looks up an open port by name: NULL if none. */
struct netdev *netdev_from_name(const char *name);

/* Input handover (netdev-handover.c).  A device that owns the wire of
 * port NAME (a HAL switch chip) forwards what its tables hold itself and
 * delivers only the rest to the host; while it does, the port must not
 * read its own device (it would see the chip's frames too), and
 * netdev_recv() returns the frames the chip delivers instead.
 *
 * netdev_rx_handover_set(NAME, true) starts that for the port NAME,
 * whether it is open now or opened later (main thread); false ends it,
 * dropping what is queued.  Returns 0, EINVAL for a bad name, or an errno
 * from eventfd().
 *
 * netdev_rx_handover_deliver() queues a copy of FRAME (LEN bytes) as
 * received on NAME; any thread, never blocks.  Returns 0, ENOENT if NAME
 * is not handed over, or ENOBUFS if its queue is full (the frame is
 * dropped and counted).
 *
 * netdev_rx_handover_is_set() says whether NAME is handed over, and
 * netdev_rx_handover_stats() how many frames were delivered and dropped
 * for it since it first was (ENOENT if it never was). */
int netdev_rx_handover_set(const char *name, bool on);
bool netdev_rx_handover_is_set(const char *name);
int netdev_rx_handover_deliver(const char *name, const void *frame,
                               size_t len);
int netdev_rx_handover_stats(const char *name, uint64_t *n_in,
                             uint64_t *n_dropped);

const char *netdev_get_name(const struct netdev *);
const char *netdev_get_type(const struct netdev *);

/* Each returns 0 or a positive errno (EOPNOTSUPP where the type has no such
 * property).  *MTUP and *IFINDEXP are untouched on failure. */
int netdev_get_etheraddr(const struct netdev *, struct eth_addr *);
int netdev_get_mtu(const struct netdev *, int *mtup);
int netdev_get_ifindex(const struct netdev *, int *ifindexp);

/* Receives up to MAX (capped at NETDEV_MAX_BURST) packets into PKTS and
 * stores how many in *N.  The caller owns the packets.  Returns 0 with *N >
 * 0, EAGAIN (and *N == 0) if nothing is waiting, or another positive errno
 * for a failure of the port itself.  Received packets carry their virtio
 * net header where the type has one (see netdev_pkt_get_vnet_hdr()). */
int netdev_recv(struct netdev *, struct pkt **pkts, size_t max, size_t *n);

/* Sends the N packets in PKTS, in order, without blocking: a packet the
 * device cannot take now is dropped and counted in tx_dropped.  A packet
 * with a virtio net header in its headroom is sent with it (so GSO frames
 * and partial checksums reach the device as they are); one without is sent
 * as a complete frame.  If MAY_STEAL, the packets are freed, sent or not;
 * otherwise they stay the caller's.  Returns 0 if all were sent, else the
 * errno of the first failure (after logging it, rate-limited). */
int netdev_send(struct netdev *, struct pkt **pkts, size_t n, bool may_steal);

/* A file descriptor that polls readable (EPOLLIN) when netdev_recv() may
 * have packets, or -1 if the type has none.  It stays owned by the port. */
int netdev_get_fd(const struct netdev *);

/* Per-port counters since open.  Bytes are frame bytes, without the virtio
 * net header.  "dropped" is for packets lost for lack of room (full ring,
 * full socket buffer, port down); "errors" for packets refused as bad. */
struct netdev_stats {
    uint64_t rx_packets, rx_bytes;
    uint64_t tx_packets, tx_bytes;
    uint64_t rx_dropped, tx_dropped;
    uint64_t rx_errors, tx_errors;
};
int netdev_get_stats(const struct netdev *, struct netdev_stats *);

/* Stores in *UP whether NETDEV's link is up: 0, or EOPNOTSUPP for a type
 * that does not say (callers then ask the kernel, for Linux devices). */
int netdev_get_carrier(const struct netdev *, bool *up);

/* True if NETDEV has no fd to wait on but may receive (a DPDK port): the
 * datapath must call netdev_recv() on it repeatedly instead of sleeping
 * until an fd polls readable. */
bool netdev_needs_polling(const struct netdev *);

/* Multi-queue ports.  netdev_is_multiqueue() is true for a type whose
 * receive and transmit queues may be served by several threads at once
 * (DPDK, dummy-pmd); such a port has netdev_n_rxq() receive and
 * netdev_n_txq() transmit queues (both 1 for every other port).
 * netdev_rxq_recv() is netdev_recv() on receive queue QID alone (EAGAIN
 * for a queue the port does not have, or while its input is handed over);
 * threads may call it at the same time on distinct queues.
 * netdev_send_txq() is netdev_send() on transmit queue QID (taken modulo
 * the port's count), safe from any number of threads at once; on a port
 * that is not multi-queue it is netdev_send(), whose caller serialises.
 * Nothing of this may run while netdev_set_config() or netdev_close()
 * runs on the port. */
bool netdev_is_multiqueue(const struct netdev *);
int netdev_n_rxq(const struct netdev *);
int netdev_n_txq(const struct netdev *);
int netdev_rxq_recv(struct netdev *, int qid, struct pkt **pkts, size_t max,
                    size_t *n);
int netdev_send_txq(struct netdev *, int qid, struct pkt **pkts, size_t n,
                    bool may_steal);

/* Sets the administrative state (IFF_UP for Linux devices; for a dummy,
 * whether it passes frames).  0 or a positive errno. */
int netdev_set_up(struct netdev *, bool up);

/* Port options, as Open vSwitch's Interface options:column.
 *
 * netdev_set_config() replaces NETDEV's options with OPTIONS ("key=value"
 * items separated by commas, or "" or NULL for none): the complete set,
 * so a key left out returns to its default.  Returns 0, or a positive
 * errno with a message in *ERRP (caller frees; ERRP may be NULL):
 * EINVAL for malformed OPTIONS (an item without '=', an empty key, a key
 * twice), for options given to a type that takes none ("NAME: arguments
 * provided to device that is not configurable", Open vSwitch's words,
 * though Open vSwitch only warns), or for what the type refuses.  On
 * failure the options in force do not change.  Which options each type
 * takes: "dummy" takes ifindex=N (1..2^31-1, the index netdev_get_ifindex()
 * reports; a dummy has none otherwise), as Open vSwitch's dummy does; the
 * other built-in types take none.
 *
 * netdev_get_config() returns the options in force, keys sorted,
 * "key=value,..." or "" (never NULL); valid until the next
 * netdev_set_config() or netdev_close(). */
int netdev_set_config(struct netdev *, const char *options, char **errp);
const char *netdev_get_config(const struct netdev *);

/* Writes the names of the registered types, comma-separated, into BUF of
 * SIZE bytes (always NUL-terminated). */
void netdev_types_format(char *buf, size_t size);

/* The virtio net header kept in a packet's headroom (see the top of this
 * file). */
#define NETDEV_PKT_META_SIZE 16

/* Returns a new empty packet with room for SIZE bytes of frame, with the
 * headroom a netdev packet needs: NETDEV_PKT_META_SIZE for the virtio net
 * header plus PKT_DEFAULT_HEADROOM for pushes.  No header is set. */
struct pkt *netdev_pkt_new(size_t size);

/* Stores HDR in P's headroom.  Returns 0, or ENOSPC if P's headroom is
 * smaller than NETDEV_PKT_META_SIZE (allocate it with netdev_pkt_new()). */
int netdev_pkt_set_vnet_hdr(struct pkt *p, const struct virtio_net_hdr *hdr);

/* Copies P's header into *HDR and returns true, or returns false (and
 * zeroes *HDR, which means "complete frame, no offload") if P has none. */
bool netdev_pkt_get_vnet_hdr(const struct pkt *p, struct virtio_net_hdr *hdr);

/* Forgets P's header, if any. */
void netdev_pkt_clear_vnet_hdr(struct pkt *p);

/* Software offloads (netdev-gso.c), for packets about to change in a way
 * no virtio net header can describe (a tunnel header pushed in front).
 *
 * netdev_gso_finish_csum() fills in the L4 checksum of P that VH says is
 * left to the device (VIRTIO_NET_HDR_F_NEEDS_CSUM; nothing to do
 * otherwise): true, or false if VH's offsets do not fit P.
 *
 * netdev_gso_segment() cuts the GSO super-frame P (VH's gso_type TCPV4,
 * TCPV6 or UDP_L4, with gso_size and csum_start) into complete frames of
 * at most gso_size payload bytes each, with their lengths, IPv4 ids, TCP
 * sequence numbers and flags and checksums fixed, and P's metadata.
 * Returns how many, with the new packets in a new array in *SEGSP (the
 * caller frees both), or 0 (and *SEGSP NULL) for a frame VH does not
 * describe.  P is left as it was. */
bool netdev_gso_finish_csum(struct pkt *p, const struct virtio_net_hdr *vh);
size_t netdev_gso_segment(const struct pkt *p, const struct virtio_net_hdr *vh,
                          struct pkt ***segsp);

/* Coalescing on send (netdev-gro.c), for ports that take virtio net
 * headers: runs of consecutive segments of one TCP/IPv4 connection, or of
 * equal-sized datagrams of one UDP/IPv4 flow, in a batch leave as one GSO
 * super-frame (TCPV4 or UDP_L4), as a NIC's GRO would have merged them, so
 * that a veth's receiving stack makes one pass instead of one per packet.
 * The kernel cuts the super-frame back into the same packets wherever it
 * has to (for UDP, at the receiving socket unless it asked for UDP_GRO).
 *
 * A run of a batch: the packets FIRST..FIRST+N-1.  N 1: one packet, to be
 * sent as it is.  N > 1: merged; the frame to send is HDR (HDR_LEN bytes:
 * the struct virtio_net_hdr, then the first packet's Ethernet, IP and L4
 * headers with the merged lengths and flags) followed by the bytes from
 * PAYLOAD_OFS to the end of each of the N packets, in order. */
#define NETDEV_GRO_HDR_MAX (sizeof(struct virtio_net_hdr) + 14 + 20 + 60)
struct netdev_gro_run {
    size_t first;
    size_t n;
    size_t hdr_len;
    size_t payload_ofs;
    uint8_t hdr[NETDEV_GRO_HDR_MAX];
};

/* Splits PKTS[0..N) into runs, in order, into RUNS (room for N), and
 * returns how many.  A packet joins the run before it only when it is
 * TCP or UDP over IPv4 without IP options, DF set, with payload, no GSO
 * of its own, its checksums verified here or vouched for by its virtio
 * header, and it follows on from the run: same protocol, addresses,
 * ports, TOS and TTL, every packet but the last as long as the first;
 * for TCP also ACK (PSH only on the last of the run), the same ack,
 * window and options, and the next sequence number.  With ONLY_DST
 * nonnull, only packets to that Ethernet address (6 bytes) are merged:
 * what a veth's peer takes into its own stack (see netdev-afpacket.c).
 * PKTS are not changed. */
size_t netdev_gro_plan(struct pkt *const *pkts, size_t n,
                       struct netdev_gro_run *runs, const uint8_t *only_dst);

/* Returns RUN (of PKTS, as netdev_gro_plan() made it) as one new packet
 * with its virtio net header set: what a port sends for it.  For tests
 * and for ports that cannot send the pieces with one gathering write. */
struct pkt *netdev_gro_assemble(const struct netdev_gro_run *run,
                                struct pkt *const *pkts);

/* Tunnel vports (netdev-vport.c): types "vxlan", "geneve" and "gre",
 * virtual ports without a device that stand for a tunnel in the datapath
 * (the tnl_push and tnl_pop actions do the work).  Option "dst_port=N"
 * for vxlan and geneve.  netdev_vport_get_tnl() stores NETDEV's tunnel type
 * (ODP_TNL_TYPE_*, i.e. OVS_VPORT_TYPE_*) and UDP destination port (host
 * order; 0 for gre) and returns 0, or returns EOPNOTSUPP if NETDEV is no
 * tunnel vport. */
#define NETDEV_VXLAN_DST_PORT 4789
#define NETDEV_GENEVE_DST_PORT 6081
int netdev_vport_get_tnl(const struct netdev *netdev, uint32_t *tnl_type,
                         uint16_t *dst_port);

/* Registers the three tunnel types (once; later calls do nothing).  The
 * userspace datapath calls it from dpif_netdev_register(): the types mean
 * nothing without a datapath that runs tnl_push/tnl_pop, so they are not
 * among the types registered on first use of the registry. */
void netdev_vport_register(void);

/* The dummy type.  netdev_dummy_receive() queues P (taking it) to be
 * returned by netdev_recv() on NETDEV, as if it had arrived from a wire;
 * returns 0, or EINVAL if NETDEV is not a dummy (P is freed).  A full queue
 * (NETDEV_DUMMY_QUEUE_MAX) or a port set down drops P, counted in
 * rx_dropped.  netdev_dummy_pop_sent() returns the oldest packet sent on
 * NETDEV (the caller owns it), or NULL if none is waiting. */
#define NETDEV_DUMMY_QUEUE_MAX 1024
int netdev_dummy_receive(struct netdev *netdev, struct pkt *p);
struct pkt *netdev_dummy_pop_sent(struct netdev *netdev);

/* The dummy-pmd type: a dummy without an fd, polled by poll-mode threads,
 * with options n_rxq and n_txq (1 to 16 each).  Every dummy call is
 * thread-safe.  netdev_dummy_receive() injects into receive queue 0,
 * netdev_dummy_receive_queue() into queue QID (EINVAL, P freed, for a queue
 * the port does not have).  netdev_dummy_txq_packets() is how many packets
 * were sent on transmit queue QID (0 for a port of another type). */
int netdev_dummy_receive_queue(struct netdev *netdev, int qid, struct pkt *p);
uint64_t netdev_dummy_txq_packets(struct netdev *netdev, int qid);

#endif /* NICFLOW_SOFTPATH_NETDEV_H */
