/* tnl-route.h: nicflowd's IP route table, for tunnel underlays.
 *
 * As Open vSwitch's ovs-router, nicflowd keeps its own copy of the routes
 * of its network namespace, so that translating a packet into a tunnel
 * can pick the underlay's output bridge, next hop and source address
 * without a system call.  Entries are:
 *   - "Cached": unicast and local routes of every kernel table, learned
 *     at start and followed afterwards (any route or link change reloads
 *     them all, as Open vSwitch does; an address comes and goes with its
 *     local route); local routes are marked
 *     "local" and outrank any other route of the same length;
 *   - "User": added with ovs/route/add; they outrank kernel routes of the
 *     same prefix length and stay until ovs/route/del.
 * A route whose device has no address from which to reach the
 * destination (or its gateway) is not kept, as in Open vSwitch: that
 * address is the route's source.
 *
 * Addresses are IPv6; an IPv4 address is stored IPv4-mapped
 * (::ffff:a.b.c.d) and its prefix length counts the 96 bits of the
 * mapping (an IPv4 /24 is 120), as in Open vSwitch.
 *
 * Commands (the same syntax, replies and errors as ovs-vswitchd 3.1):
 * ovs/route/add IP/LEN BRIDGE [GW] [pkt_mark=MARK] (plus src=IP, which
 * Open vSwitch 3.2 added), ovs/route/del IP/LEN [pkt_mark=MARK],
 * ovs/route/show, ovs/route/lookup IP [pkt_mark=MARK].
 *
 * Threads: the kernel is followed on the event loop's thread; the table
 * functions may be called from any thread (one mutex guards the table).
 * A reload empties and refills the kernel routes in steps, so a lookup
 * from another thread meanwhile may miss a kernel route, as in Open
 * vSwitch. */
#ifndef NICFLOW_TNL_ROUTE_H
#define NICFLOW_TNL_ROUTE_H 1

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct buf;
struct evloop;

/* Where a route comes from. */
enum tnl_route_origin {
    TNL_ROUTE_CACHED, /* A kernel route. */
    TNL_ROUTE_LOCAL,  /* A kernel route of type "local". */
    TNL_ROUTE_USER,   /* ovs/route/add. */
};

/* Registers the commands.  If LOOP is nonnull, also loads the routes and
 * addresses of the current network namespace and follows their changes
 * on LOOP; returns 0, or a positive errno (logged) if the kernel cannot
 * be read, in which case the table has only what users add.  Call once,
 * on LOOP's thread. */
int tnl_route_init(struct evloop *loop);

/* Stops following the kernel and empties the table and address list. */
void tnl_route_exit(void);

/* Looks up the route to DST for packets marked MARK: the longest prefix
 * among routes of that mark, a local route before any other of its
 * length, a user route before a kernel route of its length.  Returns
 * true with OUT (the output bridge or device), *GW (:: for a direct
 * route) and *SRC set.  If *SRC is not :: on entry, it must be the
 * address of a local route (otherwise false) and is left as is. */
bool tnl_route_lookup(uint32_t mark, const struct in6_addr *dst,
                      char out[IFNAMSIZ], struct in6_addr *src,
                      struct in6_addr *gw);

/* Adds the route to PREFIX/PLEN (PLEN 0 to 128, IPv4-mapped for IPv4;
 * host bits are ignored) for MARK through device DEV, with gateway GW
 * (NULL or :: for none).  The source is SRC if nonnull and not ::, which
 * must then be an address of DEV in the destination's (or gateway's)
 * subnet; otherwise the address of DEV that shares the longest prefix
 * with the destination, or with the gateway.  A route of the same
 * prefix, mark and origin is replaced.  Returns 0, EINVAL for a bad
 * length, or ENOENT if DEV has no suitable source address. */
int tnl_route_add(enum tnl_route_origin, uint32_t mark,
                  const struct in6_addr *prefix, unsigned int plen,
                  const char *dev, const struct in6_addr *gw,
                  const struct in6_addr *src);

/* Deletes the user route to PREFIX/PLEN for MARK.  Returns 0 or ENOENT
 * (kernel routes are deleted only by the kernel). */
int tnl_route_del(uint32_t mark, const struct in6_addr *prefix,
                  unsigned int plen);

/* Removes every kernel route (cached and local), keeping user routes. */
void tnl_route_flush_cached(void);

/* The address list from which sources are chosen (the kernel's, kept up
 * to date by tnl_route_init(); tests fill it themselves).  ADDR/PLEN is
 * an address of device DEV, IPv4-mapped for IPv4 (PLEN then counts from
 * the mapped address's bit 96).  Addresses are searched in the order
 * added. */
void tnl_route_addr_add(const char *dev, const struct in6_addr *addr,
                        unsigned int plen);
void tnl_route_addr_clear(void);

/* Tells whether ADDR (IPv4-mapped for IPv4) is an address of device DEV
 * (of any device if DEV is NULL) in the address list. */
bool tnl_route_addr_is_local(const char *dev, const struct in6_addr *addr);

/* A number that changes whenever a route or address is added or removed
 * (translations depending on the table are redone then). */
uint64_t tnl_route_generation(void);

/* Appends ovs/route/show's text to OUT, in Open vSwitch's order (by
 * decreasing precedence of prefix length, then oldest first). */
void tnl_route_format(struct buf *out);

/* Appends ADDR as Open vSwitch prints addresses: a.b.c.d if it is
 * IPv4-mapped, RFC 5952 text otherwise. */
void tnl_route_format_addr(struct buf *out, const struct in6_addr *addr);

/* The number of routes. */
unsigned int tnl_route_count(void);

#endif
