/* tcf-police.h: datapath meters as shared TC police actions.
 *
 * Each datapath meter (the id of OVS_ACTION_ATTR_METER) that the provider
 * can carry becomes one police action of its own, made with RTM_NEWACTION
 * at index TCF_POLICE_BASE + the meter's id: a single-rate policer whose
 * conform verdict is pipe (the filter's next action runs) and whose
 * exceed verdict is drop (TC_ACT_SHOT).  A flow's meter action becomes a
 * police action in its filter that binds to that index, so that every
 * flow of one meter shares one token bucket, as they share the datapath
 * meter.  A new rate replaces the action in place (NLM_F_REPLACE): the
 * filters keep it.
 *
 * Ours are the police actions at indexes TCF_POLICE_BASE..TCF_POLICE_LAST;
 * police actions elsewhere (made by hand, usually at small indexes) are
 * never touched.
 *
 * Locking: the registry is guarded by tcf_state.mutex, never held across
 * netlink I/O; the netlink work on police actions is serialised by a
 * mutex of its own, which the flow calls only try (they skip the retry of
 * a pending deletion when the main thread is busy with one). */
#ifndef NICFLOW_TCF_POLICE_H
#define NICFLOW_TCF_POLICE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/nicflow/offload-provider.h"
#include "tc-flower/tcf-filter.h"

struct tcf_nl;

/* Our police indexes: TCF_POLICE_BASE + the datapath meter id. */
#define TCF_POLICE_BASE 0x10000000u
#define TCF_POLICE_LAST 0x1fffffffu

/* What the provider puts into every police action of a meter: an mtu
 * that lets every packet up to 64 KiB (a GSO packet, say) be measured
 * rather than dropped for its size, and the rate table's cell_log for it
 * (65535 >> 8 < 256). */
#define TCF_POLICE_MTU 65535
#define TCF_POLICE_CELL_LOG 8

/* The most meter actions one flow may have (each a police action in its
 * filter). */
#define TCF_POLICE_MAX_PER_FLOW 4

/* True if INDEX is in our range. */
bool tcf_police_index_is_ours(uint32_t index);

/* The police action (*A, a full one, not a bind) that carries datapath
 * meter DP_METER as M says: a kbit/s meter polices RATE * 1000 / 8 bytes
 * per second with a burst of BURST kbit (0: one second's worth, RATE, as
 * Open vSwitch and the userspace datapath take it) turned into ticks, a
 * pktps meter RATE packets per second with a burst of BURST packets (0:
 * RATE), also in ticks.  Returns 0, or EOPNOTSUPP with the reason in WHY
 * (SIZE bytes): a meter of more than one band, a rate of 0, an id beyond
 * our index range. */
int tcf_police_from_meter(uint32_t dp_meter, const struct offload_meter *m,
                          struct tcf_action *a, char *why, size_t size);

/* Fills *A with the bind to datapath meter DP_METER's police action, for
 * a filter.  Returns 0, or EOPNOTSUPP with an UNSUPPORTED_ACTION reason
 * "tc: meter 3 has no police action: <why>" when the provider has none in
 * the kernel (never set, refused, deleted). */
int tcf_police_bind(uint32_t dp_meter, struct tcf_action *a,
                    struct offload_reason *why);

/* Records in the registry, without any I/O, that DP_METER's police action
 * A is in the kernel (A nonnull) or that the meter cannot have one, for
 * the reason WHY (A null).  For unit tests and tcf_police_meter_set(). */
void tcf_police_note(uint32_t dp_meter, const struct tcf_action *a,
                     const char *why);

/* Stores in DP_METERS (at most TCF_POLICE_MAX_PER_FLOW) the meters whose
 * police actions (of our range) F binds, and returns how many. */
size_t tcf_police_meters(const struct tcf_filter *f, uint32_t *dp_meters);

/* Adds DELTA to the count of installed filters that bind the police
 * actions of DP_METERS[0 .. N - 1] (tcf_state.mutex held). */
void tcf_police_ref_locked(const uint32_t *dp_meters, size_t n, int delta);

/* The class's meter_set(): creates, replaces or deletes DP_METER's police
 * action.  Main thread. */
void tcf_police_meter_set(uint32_t dp_meter, const struct offload_meter *m);

/* At init(): finds the police actions an earlier run left in our range
 * (RTM_GETACTION dump).  meter_set() calls made before the first flow
 * call (the manager replays its meters right after init) take them over
 * and replace them; the others are deleted by the first
 * tcf_police_sweep(). */
void tcf_police_start(struct tcf_nl *nl);

/* Retries the deletion of police actions no meter needs any more (a
 * deleted meter's, while filters still used it; an earlier run's), at
 * most once a second each, or now if NOW (after filters were deleted).
 * Flow calls pass their context; cheap when there is nothing to do. */
void tcf_police_sweep(struct tcf_nl *nl, bool now);

/* Deletes every police action of ours (flush(); destroy(), where the
 * kernel keeps those that filters left in place still use, for the next
 * run).  FORGET also empties the registry. */
void tcf_police_remove_all(struct tcf_nl *nl, bool forget);

#endif /* NICFLOW_TCF_POLICE_H */
