/* offload.h: the offload manager, as nicflowd uses it.
 *
 * Datapath flows are installed in the software datapath first; the
 * upcall handler then offers each one here with offload_flow_put().  The
 * manager picks the provider of the flow's input port and queues the flow
 * to a worker thread, which puts it into hardware in a batch with others.
 * A flow's life: pending -> offloaded | refused(reason) -> removed.  A
 * refused flow keeps forwarding in software; its reason is kept for
 * dpctl/dump-flows -m and counted for dpctl/offload-stats-show.
 *
 * A flow leaves hardware before it changes or leaves software:
 * offload_flow_del() removes it from hardware synchronously (cancelling
 * it if still queued) and returns its final hardware counters; the caller
 * then modifies or deletes the software flow, and offers a modified flow
 * again with offload_flow_put().
 *
 * Hardware counters are read by the workers every stats interval and
 * cached; offload_flow_get_stats() returns the cached cumulative counters
 * of all the hardware rules a flow has had (a modified flow's earlier
 * rules included), so that the revalidator can add them to the software
 * counters.
 *
 * Everything here is called from nicflowd's main thread. */
#ifndef NICFLOW_OFFLOAD_OFFLOAD_H
#define NICFLOW_OFFLOAD_OFFLOAD_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/nicflow/offload-provider.h"
#include "lib/buf.h"

struct evloop;

/* Open_vSwitch other_config, as bridge.c reads it.  Strings are
 * borrowed for the call.  offload_config_init() fills in the defaults. */
struct offload_config {
    /* hw-offload (default false). */
    bool enabled;
    /* hw-offload-priority: a comma-separated list of provider names,
     * "tc,rteflow,hal" by default (NULL: the default). */
    const char *priority;
    /* tc-policy: none (default; NULL too), skip_sw, skip_hw. */
    const char *tc_policy;
    /* n-offload-threads: 1 (default) .. 8; 0 is refused. */
    unsigned n_threads;
    /* offloaded-stats-delay in ms (default 2000). */
    unsigned stats_delay_ms;
    /* hw-offload-max-rules: a per-port rule limit for tests (0: none). */
    unsigned max_rules;
    /* flow-restore-wait (default false). */
    bool restore_wait;
};

/* Starts the manager on LOOP, registers the "dummy" provider and the
 * control commands (dpctl/offload-stats-show, offload/show).  Offload
 * stays off until offload_set_config() enables it.  LOOP runs the timer
 * that removes stale rules after a restart (see offload_port_add()); it
 * may be NULL only in tests that need no such removal.  Providers may be
 * registered before or after this call; they stay registered across
 * offload_exit() (a second registration gives EEXIST). */
void offload_init(struct evloop *loop);

/* Stops the workers.  With FLUSH, every rule nicflow put into hardware is
 * removed first (nicflowd's "exit --cleanup"); without, rules stay so that
 * traffic keeps flowing across a restart. */
void offload_exit(bool flush);

/* Applies CFG.  Switching offload off removes every flow from hardware
 * (they keep forwarding in software), then calls each provider's flush(),
 * port_del() and destroy(); the flows stay known, refused with
 * "hw-offload is false".  Switching it on offers nothing by itself: the
 * caller offers the flows it has again.  Returns 0, or EINVAL with a
 * message in *ERRP (caller frees; ERRP may be NULL) for a bad value (an
 * unknown provider name, a tc-policy other than the three, n_threads
 * outside 1..8), in which case the previous configuration stays. */
int offload_set_config(const struct offload_config *cfg, char **errp);

/* Fills CFG with the defaults listed in struct offload_config (offload
 * off, "tc,rteflow,hal", tc-policy none, 1 thread, 2000 ms, no limit, no
 * restore wait), for the caller to change what the database sets. */
void offload_config_init(struct offload_config *cfg);

/* True once offload_set_config() has switched hw-offload on. */
bool offload_is_enabled(void);

/* Ports.  NAME is the netdev name, TYPE the datapath port type ("internal"
 * and "tap" mark the bridge's own port), PRIORITY the Interface's
 * other_config:hw-offload-priority (NULL: the global order; "none": never
 * offload this port).  Adding a port already known with the same facts
 * does nothing; with other facts, its flows leave hardware, the provider
 * is chosen again and the flows are offered again.  Flows refused before
 * the port was known are offered again too.
 *
 * Right after a provider takes a port, the rules an earlier run of
 * nicflowd left on it (the provider's reconcile()) are kept as "stale": a
 * put of the same ufid adopts its rule; the others are removed once
 * flow-restore-wait is false and offloaded-stats-delay has passed since
 * the port came up or flow-restore-wait turned false, whichever is
 * later. */
void offload_port_add(uint32_t odp_port, const char *name, const char *type,
                      const char *priority);
/* Binds port ODP_PORT to the device profile NAME (Interface
 * other_config:hw-profile), or, with NULL, to the profile its HAL device
 * names if it is a port of one (hal/show), else to the profile of its
 * driver if one lists it.  Flows entering the port are then checked against the
 * profile before any provider sees them; a NAME that does not exist or
 * did not load refuses them all with that error. */
void offload_port_set_profile(uint32_t odp_port, const char *name);

/* Binds every port's profile again: after a HAL plugin was loaded or
 * unloaded, since a port of a HAL device takes the profile the device
 * names when it has none of its own.  Main thread. */
void offload_ports_rebind_profiles(void);

/* Datapath meter DP_METER (the id in the datapath's meter action) now
 * polices as METER says, or (METER NULL) is gone; passed on to every
 * provider that takes meters, now and whenever one starts.  Main
 * thread. */
void offload_meter_set(uint32_t dp_meter, const struct offload_meter *meter);

/* Removes every hardware rule of flows entering ODP_PORT and forgets the
 * port.  Flows that merely output to the port are the caller's to
 * remove (their software flows change). */
void offload_port_del(uint32_t odp_port);

/* Flows. */

/* The state of one flow, for dpctl/dump-flows -m and offload/explain. */
enum offload_state {
    OFFLOAD_ST_NONE,      /* Never offered (or removed). */
    OFFLOAD_ST_PENDING,   /* Queued for a worker. */
    OFFLOAD_ST_OFFLOADED, /* In hardware. */
    OFFLOAD_ST_REFUSED,   /* Stays in software: see the reason. */
};

struct offload_flow_status {
    enum offload_state state;
    bool partial;
    /* Static string: the provider of the rule in hardware (OFFLOADED),
     * or the one that refused the last put (REFUSED); NULL: none (a flow
     * refused without asking a provider, say). */
    const char *provider;
    struct offload_reason reason;
    long long since_ms; /* When it entered its state. */
};

/* Offers the datapath flow UFID (key/mask/actions in netlink format) for
 * hardware.  Copies what it needs; returns at once.  A flow whose key
 * cannot be decoded or whose input port is unknown, excluded or without a
 * provider is refused here; the others are queued to their worker, where
 * a put superseded before it ran is dropped for the newest.  A flow
 * already in hardware is replaced: its worker removes the old rule with
 * flow_del() (its final counters join the flow's cumulative ones) and
 * then puts the new one; the status stays "offloaded" until then.  While
 * offload is off nothing is recorded. */
void offload_flow_put(const struct offload_ufid *ufid, const void *key,
                      size_t key_len, const void *mask, size_t mask_len,
                      const void *actions, size_t actions_len);

/* Removes the flows UFIDS[0 .. N - 1] from hardware now, in one batch per
 * provider, and forgets them.  STATS, if nonnull, receives each flow's
 * final cumulative hardware counters (zero for one never offloaded). */
void offload_flow_del(const struct offload_ufid *ufids, size_t n,
                      struct offload_stats *stats);

/* Cached cumulative hardware counters of flows UFIDS[0 .. N - 1] into
 * STATS[i]; YOUNG[i] (if YOUNG is nonnull) is true while the flow has
 * been in hardware for less than offloaded-stats-delay, during which the
 * caller must not expire it as idle (its hardware counters may not have
 * been read yet). */
void offload_flow_get_stats(const struct offload_ufid *ufids, size_t n,
                            struct offload_stats *stats, bool *young);

/* The status of flow UFID (state NONE if unknown). */
void offload_flow_get_status(const struct offload_ufid *ufid,
                             struct offload_flow_status *status);

/* Says what would happen to the datapath flow KEY/MASK/ACTIONS if it were
 * offered now, without installing anything: which provider would take it
 * (OUT gets "tc would offload this flow on p1", followed by " (...)" with
 * the message the provider's flow_check() gave, if any) or the exact
 * reason it would not ("dummy: action userspace cannot be offloaded").
 * One line, no newline.  Returns 0 if it would be offloaded, else the
 * reason's code. */
enum offload_reason_code offload_explain(const void *key, size_t key_len,
                                         const void *mask, size_t mask_len,
                                         const void *actions,
                                         size_t actions_len, struct buf *out);

/* Appends the dpctl/dump-flows -m fields of flow UFID, with SW_DP the
 * software datapath's name: "offloaded:yes, dp:tc" / "offloaded:partial,
 * dp:tc" / "offloaded:no, dp:softpath, offload-reason:\"<msg>\"" (a
 * queued flow's message is "pending"; quotes and backslashes in <msg> are
 * escaped) / "offloaded:no, dp:softpath" for a flow never offered. */
void offload_format_flow_status(const struct offload_ufid *ufid,
                                const char *sw_dp, struct buf *out);

/* True if flow UFID passes the dump-flows filter TYPE: "offloaded" (in
 * hardware, partial included), "non-offloaded" and "softpath"/"ovs"
 * (everything else), a provider name ("tc", "rteflow", "hal", "dummy":
 * in hardware through that provider), "all" or NULL (every flow); false
 * for a type it does not know. */
bool offload_flow_matches_type(const struct offload_ufid *ufid,
                               const char *type);

/* Control commands.  offload_init() registers them; these functions
 * produce their text, for tests and for other front ends. */

/* Appends the dpctl/offload-stats-show text: counters per provider and
 * per worker (see offload/README.md for the format). */
void offload_stats_show(struct buf *out);

/* Appends the offload/show text: the configuration, then each port with
 * its provider or the reason it has none. */
void offload_show(struct buf *out);

#endif /* NICFLOW_OFFLOAD_OFFLOAD_H */
