/* tnl-neigh.h: the tunnel neighbour cache (IP → MAC per bridge) and the
 * tunnel UDP source port range.
 *
 * A tunnel's underlay packet needs the Ethernet address of its next hop.
 * As Open vSwitch does, nicflowd does not ask the kernel for it: it learns
 * it from the ARP replies (and gratuitous ARPs) and IPv6 neighbour
 * advertisements that reach a bridge (tnl_neigh_snoop(), called by
 * translation), or from the user (tnl/neigh/set).  Every entry, learned
 * or set, expires after the ageing time (default 900 s) unless a lookup
 * uses it, which pushes its expiry back, as in Open vSwitch.
 *
 * Commands (the same syntax, replies and errors as ovs-vswitchd 3.1):
 * tnl/neigh/show, tnl/neigh/set BRIDGE IP MAC, tnl/neigh/flush,
 * tnl/neigh/aging [SECS], the older names tnl/arp/{show,set,flush,aging},
 * and tnl/egress_port_range [MIN MAX].
 *
 * Threads: every function may be called from any thread; the table is
 * guarded by one mutex.  Addresses are IPv6; an IPv4 address is stored
 * IPv4-mapped (::ffff:a.b.c.d) and printed as a.b.c.d. */
#ifndef NICFLOW_TNL_NEIGH_H
#define NICFLOW_TNL_NEIGH_H 1

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/packet.h"

struct buf;
struct evloop;
struct flow;

/* Ageing limits of tnl/neigh/aging, in seconds, and the default. */
#define TNL_NEIGH_DEFAULT_AGING_S 900
#define TNL_NEIGH_MAX_AGING_S 3600

/* The default tunnel UDP source port range (Linux's ephemeral ports). */
#define TNL_NEIGH_UDP_PORT_MIN 32768
#define TNL_NEIGH_UDP_PORT_MAX 61000

/* Registers the commands and, if LOOP is nonnull, a once-a-second timer
 * that removes expired entries.  Call once, on LOOP's thread. */
void tnl_neigh_init(struct evloop *loop);

/* Removes every entry and cancels the timer.  The commands stay
 * registered (unixctl has no unregistration), answering from an empty
 * table. */
void tnl_neigh_exit(void);

/* Replaces the clock (milliseconds, monotonic) by NOW, for tests; NULL
 * restores nf_time_msec(). */
void tnl_neigh_set_clock(long long (*now)(void));

/* Looks up IP as learned on bridge DEV.  Returns 0 with *MAC set and the
 * entry's expiry pushed back by the ageing time, or ENOENT if there is no
 * entry or it has expired. */
int tnl_neigh_lookup(const char *dev, const struct in6_addr *ip,
                     struct eth_addr *mac);

/* Sets IP → MAC on bridge DEV (truncated to IFNAMSIZ - 1 bytes, as Open
 * vSwitch does).  An entry with the same MAC is only refreshed; one with
 * another MAC is replaced.  LEARNED says whether the entry comes from a
 * packet (true) or from the user (false); both age alike. */
void tnl_neigh_set(const char *dev, const struct in6_addr *ip,
                   const struct eth_addr *mac, bool learned);

/* Learns from the packet whose key is FLOW, seen arriving at bridge DEV:
 * an ARP reply or a gratuitous ARP (request or reply: broadcast
 * destination, sender IP = target IP) with a nonzero sender MAC teaches
 * nw_src → arp_sha; an IPv6 neighbour advertisement (ICMPv6 type 136,
 * code 0) with a target link-layer address option teaches nd_target →
 * arp_tha.  Returns 0 if something was learned, otherwise EINVAL.  The
 * caller owns the megaflow mask: it must un-wildcard the fields named
 * here (dl_type, dl_dst, nw_proto, nw_src, nw_dst, arp_sha; or nw_proto,
 * tp_src, tp_dst, nd_target, arp_tha, ipv6_src, ipv6_dst). */
int tnl_neigh_snoop(const struct flow *flow, const char *dev);

/* Removes the entries of bridge DEV, or every entry if DEV is NULL. */
/* A number that changes whenever an entry is added, changes or goes. */
uint64_t tnl_neigh_generation(void);

void tnl_neigh_flush(const char *dev);

/* Removes expired entries (the timer does this every second). */
void tnl_neigh_run(void);

/* The ageing time in milliseconds. */
unsigned int tnl_neigh_get_aging(void);

/* Sets the ageing time to SECS (1 to TNL_NEIGH_MAX_AGING_S; EINVAL
 * otherwise) and shortens the expiry of entries that would outlive it. */
int tnl_neigh_set_aging(unsigned int secs);

/* Appends tnl/neigh/show's text to OUT: entries oldest first (Open
 * vSwitch's order is random per run), " STALE" after an expired entry not
 * yet removed. */
void tnl_neigh_format(struct buf *out);

/* The number of entries, expired or not. */
unsigned int tnl_neigh_count(void);

/* The tunnel UDP source port range, [*MIN, *MAX]. */
void tnl_neigh_get_port_range(uint16_t *min, uint16_t *max);

#endif
