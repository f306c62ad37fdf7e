/* dp-meter.h: one meter of the software datapath — token buckets.
 *
 * A meter has 1 to DPIF_METER_MAX_BANDS bands, each a token bucket with a
 * rate and a capacity (its burst size), as dpif.h's "Meters" section
 * defines them: kilobits or packets per second, the bucket full at
 * creation, a packet taking its cost from every band that has enough, and
 * the exceeded band with the highest rate applying to it.  The datapath
 * keeps the table of meters (by id) and calls dp_meter_charge() from its
 * meter action hook.
 *
 * Arithmetic.  Time is in nanoseconds and given by the caller (NOW_NS
 * arguments), so tests drive the buckets with a clock of their own and
 * get exact answers.  Tokens are counted in units of 10^-9 of a rate unit
 * times one second: a band of rate R gains exactly R tokens per
 * nanosecond, a packet costs 10^9 tokens (pktps) or 8 * 10^6 per byte
 * (kbps: a kilobit is 1000 bits, 10^9 tokens), and a burst of B holds
 * B * 10^9 tokens.  Integer arithmetic only, no rounding drift, and no
 * overflow: B, R < 2^32 keep every bucket below 2^32 * 10^9 < 2^64.
 *
 * Thread-safety.  dp_meter_charge() and dp_meter_get_stats() may be
 * called on the same meter from any number of threads at once: each meter
 * has a mutex (see dp-meter.c for why a mutex and not atomics).
 * dp_meter_create() and dp_meter_destroy() are not concurrent with
 * anything on that meter: the owner of the table publishes a meter after
 * creating it and destroys it only once no thread can reach it. */
#ifndef NICFLOW_SOFTPATH_DP_METER_H
#define NICFLOW_SOFTPATH_DP_METER_H 1

#include <stdbool.h>
#include <stdint.h>

#include "softpath/dpif.h"

struct dp_meter;

/* What dp_meter_charge() returns for a packet no band applied to. */
#define DP_METER_PASS (-1)

/* Creates a meter from CONFIG, which must already be valid (dpif.c's
 * dpif_meter_set() checks it: one unit, 1..DPIF_METER_MAX_BANDS bands,
 * rates > 0).  Buckets start full; NOW_NS is the time of that fill.
 * Never fails (aborts if out of memory, as xmalloc does). */
struct dp_meter *dp_meter_create(const struct dpif_meter_config *config,
                                 uint64_t now_ns);

/* Frees METER (NULL is fine).  No other thread may be using it. */
void dp_meter_destroy(struct dp_meter *meter);

/* Charges a packet of SIZE bytes (the frame, as the datapath counts it)
 * to METER at time NOW_NS: refills every bucket for the time since the
 * last charge (a NOW_NS earlier than that, which racing threads can
 * produce, counts as no time), takes the packet's cost from each band
 * that holds enough, and counts the packet in the meter's statistics.
 * Returns DP_METER_PASS if the packet exceeded no band, otherwise the
 * index (0-based, in configuration order) of the band that applies: the
 * exceeded band with the highest rate, the first one on a tie; that
 * band's statistics count the packet.  With drop bands only (all the
 * datapath offers), any return other than DP_METER_PASS means drop. */
int dp_meter_charge(struct dp_meter *meter, uint32_t size, uint64_t now_ns);

/* Fills *STATS with METER's counters since creation (n_bands included;
 * entries beyond n_bands are zeroed). */
void dp_meter_get_stats(struct dp_meter *meter,
                        struct dpif_meter_stats *stats);

/* The clock datapaths charge meters with: CLOCK_MONOTONIC in nanoseconds,
 * unless a test replaced it with dp_meter_set_clock(). */
uint64_t dp_meter_now_ns(void);

/* Test hook: makes dp_meter_now_ns() return NOW_NS() (NULL restores the
 * monotonic clock), so tests that run packets through a datapath can
 * control time.  Set it before datapath threads run: it is read without
 * synchronisation. */
void dp_meter_set_clock(uint64_t (*now_ns)(void));

#endif /* NICFLOW_SOFTPATH_DP_METER_H */
