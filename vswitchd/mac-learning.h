/* mac-learning.h: the MAC learning table of a bridge's NORMAL action.
 *
 * An entry says that Ethernet address MAC in VLAN VLAN was last seen as the
 * source of a frame arriving on OpenFlow port PORT.  Entries expire AGING_S
 * seconds after they were last refreshed; when the table is full the
 * least recently refreshed entry makes room.  Every change that could
 * change a forwarding decision (a new entry, a move to another port, an
 * expiry, an eviction, a flush) bumps the table's generation, which the
 * revalidators compare to know when installed datapath flows must be
 * translated again.
 *
 * Not thread-safe: nicflowd's main thread owns every table. */
#ifndef NICFLOW_VSWITCHD_MAC_LEARNING_H
#define NICFLOW_VSWITCHD_MAC_LEARNING_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/packet.h"

#define MAC_DEFAULT_AGING_S 300
#define MAC_DEFAULT_MAX 8192

struct mac_learning;

struct mac_learning_stats {
    uint64_t n_learned; /* New entries. */
    uint64_t n_moved;   /* Entries that changed port. */
    uint64_t n_expired; /* Entries that aged out. */
    uint64_t n_evicted; /* Entries dropped to make room. */
};

/* Creates an empty table (AGING_S 0 and MAX 0 take the defaults). */
struct mac_learning *mac_learning_create(unsigned int aging_s, size_t max);
void mac_learning_destroy(struct mac_learning *);

/* Changes the aging time and the size limit; a smaller limit evicts the
 * oldest entries at once. */
void mac_learning_set(struct mac_learning *, unsigned int aging_s, size_t max,
                      long long now_ms);

/* Records that MAC (unicast only: multicast sources are ignored and false
 * is returned) in VLAN was seen on PORT at NOW_MS.  Returns true if this
 * created an entry or moved one to another port (a forwarding change). */
bool mac_learning_learn(struct mac_learning *, const struct eth_addr *mac,
                        uint16_t vlan, uint16_t port, long long now_ms);

/* The port MAC in VLAN was last seen on, or -1 if unknown (or expired at
 * NOW_MS). */
int mac_learning_lookup(const struct mac_learning *,
                        const struct eth_addr *mac, uint16_t vlan,
                        long long now_ms);

/* Removes entries older than the aging time; returns how many. */
size_t mac_learning_expire(struct mac_learning *, long long now_ms);

/* Removes every entry on PORT (a port that went away); returns how many. */
size_t mac_learning_flush_port(struct mac_learning *, uint16_t port);

/* Removes every entry. */
void mac_learning_flush(struct mac_learning *);

size_t mac_learning_count(const struct mac_learning *);
uint64_t mac_learning_generation(const struct mac_learning *);
void mac_learning_get_stats(const struct mac_learning *,
                            struct mac_learning_stats *);
unsigned int mac_learning_aging(const struct mac_learning *);
size_t mac_learning_max(const struct mac_learning *);

/* Appends the table as "ovs-appctl fdb/show" prints it:
 *    port  VLAN  MAC                Age
 *       1     0  50:54:00:00:00:01    3
 * least recently seen first, ports by number ("LOCAL" for the bridge's own
 * port). */
void mac_learning_format(const struct mac_learning *, long long now_ms,
                         struct buf *out);

#endif /* mac-learning.h */
