/* dpif-provider.h: what a datapath type implements.
 *
 * A datapath type (the userspace datapath "netdev", the kernel's
 * openvswitch.ko "system", test doubles) fills one struct dpif_class and
 * registers it with dpif_register_class().  The client API (dpif.h) checks
 * arguments, keeps statistics about calls, and then calls these members;
 * a provider may therefore assume arguments that dpif.h documents as
 * checked are valid.
 *
 * Conventions for every member:
 *   - Returns 0 or a positive errno value.  When a failure has a reason a
 *     person can act on, the member stores a message in *ERRP (caller
 *     frees; ERRP may be NULL when the caller does not want one).
 *   - Flows are netlink attribute streams in the <linux/openvswitch.h>
 *     format: keys and masks of OVS_KEY_ATTR_*, actions of
 *     OVS_ACTION_ATTR_* (softpath/odp.h builds, validates and prints them).
 *     The provider copies what it keeps; the caller's buffers are only
 *     borrowed for the call.
 *   - Nothing blocks unless it says so.
 *
 * Life cycle: open() → any number of calls → close().  port_*, flow_* and
 * execute may be called from several threads at once; recv() from one
 * handler thread per queue.  close() is called once, after all other
 * calls have returned. */
#ifndef NICFLOW_SOFTPATH_DPIF_PROVIDER_H
#define NICFLOW_SOFTPATH_DPIF_PROVIDER_H 1

#include "softpath/dpif.h"

struct dpif_class {
    /* The type name, e.g. "netdev" or "system". */
    const char *type;

    /* Creates (if CREATE) or opens the datapath NAME and returns it in
     * *DPIFP.  EEXIST if CREATE and it exists, ENODEV if it does not and
     * not CREATE. */
    int (*open)(const struct dpif_class *, const char *name, bool create,
                struct dpif **dpifp, char **errp);

    /* Frees DPIF (the datapath itself lives on unless destroy() ran). */
    void (*close)(struct dpif *);

    /* Deletes the datapath: its ports are removed and its flows freed.
     * The handle stays valid until close(). */
    int (*destroy)(struct dpif *, char **errp);

    /* Appends the names of this type's datapaths to NAMES (an array the
     * caller frees with dpif_names_free()). */
    int (*enumerate)(struct dpif_names *names);

    /* Datapath-wide counters (hits, misses, lost upcalls, flows, masks). */
    int (*get_stats)(const struct dpif *, struct dpif_dp_stats *);

    /* Ports. */

    /* Adds the network device NAME of port TYPE ("afpacket", "tap",
     * "internal", "dummy", ...; NULL: the type's default) with the options
     * in OPTIONS ("key=value,..." or NULL).  *PORT_NO is the wanted port
     * number, or DPIF_PORT_ANY to let the datapath choose; on success it
     * is the number given.  EBUSY if the number is taken, EEXIST if the
     * device is already a port, ENODEV if there is no such device. */
    int (*port_add)(struct dpif *, const char *name, const char *type,
                    const char *options, uint32_t *port_no, char **errp);

    /* Removes port PORT_NO: ENOENT if there is none.  Flows that output
     * to it stay (their output drops), as in openvswitch.ko. */
    int (*port_del)(struct dpif *, uint32_t port_no, char **errp);

    /* Looks a port up by number or by name (the other argument is
     * DPIF_PORT_ANY or NULL).  Fills *PORT, including its options ("" if
     * none; caller calls dpif_port_destroy()); ENOENT if there is none. */
    int (*port_query)(const struct dpif *, uint32_t port_no, const char *name,
                      struct dpif_port *port);

    /* All ports, in port number order, appended to PORTS (caller frees
     * with dpif_ports_free()). */
    int (*port_dump)(const struct dpif *, struct dpif_ports *ports);

    /* Port counters. */
    int (*port_get_stats)(const struct dpif *, uint32_t port_no,
                          struct dpif_port_stats *);

    /* Replaces the options of port PORT_NO with OPTIONS, the complete set
     * ("key=value,..." with non-empty distinct keys, or "": checked by the
     * caller).  A port type that does not take an option refuses it with
     * EINVAL and a message, leaving the port's options as they were;
     * ENOENT if there is no such port.  port_query() and port_dump()
     * report the options in force.  NULL: the type has no port options
     * (dpif.c answers EOPNOTSUPP for a non-empty set). */
    int (*port_set_config)(struct dpif *, uint32_t port_no,
                           const char *options, char **errp);

    /* Flows. */

    /* Installs, modifies or checks a flow, as PUT->flags say (see
     * dpif.h).  PUT's key, mask and actions have been validated by the
     * caller.  EEXIST (create only, flow exists), ENOENT (modify only,
     * flow missing), EFBIG (flow limit reached). */
    int (*flow_put)(struct dpif *, const struct dpif_flow_put *, char **errp);

    /* Optional.  Runs the N puts as flow_put() runs each, in order, each
     * succeeding or failing on its own: ERRORS[I] receives put I's result
     * (what flow_put() would return) and, if ERRS is nonnull, ERRS[I] its
     * message or NULL.  Every put has been validated by the caller and
     * has a ufid.  The point is to take the batch in fewer round trips
     * than N flow_put() calls.  NULL: dpif.c calls flow_put() for each. */
    void (*flow_put_batch)(struct dpif *, const struct dpif_flow_put *puts,
                           size_t n, int *errors, char **errs);

    /* Finds the flow with UFID (or, if UFID is NULL, exactly KEY) and
     * fills *FLOW with copies the caller frees with dpif_flow_destroy().
     * ENOENT if there is none. */
    int (*flow_get)(const struct dpif *, const struct dpif_ufid *ufid,
                    const void *key, size_t key_len, struct dpif_flow *);

    /* Removes the flow with UFID (or KEY); fills *STATS with its final
     * counters if STATS is nonnull.  ENOENT if there is none. */
    int (*flow_del)(struct dpif *, const struct dpif_ufid *ufid,
                    const void *key, size_t key_len,
                    struct dpif_flow_stats *stats);

    /* Removes every flow. */
    int (*flow_flush)(struct dpif *);

    /* Dumping: start() returns a dump state, next() fills up to MAX flows
     * at a time (copies the caller frees) and returns how many (0: done),
     * done() frees the state.  A dump sees every flow that exists for the
     * whole dump exactly once; flows added or removed meanwhile may or may
     * not appear. */
    struct dpif_flow_dump *(*flow_dump_start)(const struct dpif *);
    size_t (*flow_dump_next)(struct dpif_flow_dump *, struct dpif_flow *,
                             size_t max);
    void (*flow_dump_done)(struct dpif_flow_dump *);

    /* Optional.  For each I < N: fills STATS[I] with the counters of the
     * flow with UFIDS[I] and sets FOUND[I] to whether there is one.  This
     * is what a revalidator reads of every flow on every pass, so it
     * copies no key, mask or actions, as a dump or a get does.  NULL:
     * dpif.c uses flow_get() per flow. */
    void (*flow_get_stats)(const struct dpif *, const struct dpif_ufid *ufids,
                           size_t n, struct dpif_flow_stats *stats,
                           bool *found);

    /* Execution and upcalls. */

    /* Runs EXEC->actions on EXEC->packet as if it had arrived on
     * EXEC->in_port (the packet is borrowed; outputs are copies). */
    int (*execute)(struct dpif *, const struct dpif_execute *, char **errp);

    /* Optional.  Runs the N executions as execute() runs each, in order,
     * but together: the userspace datapath sends what they output at the
     * end (one send per port, not one per packet), the kernel datapath
     * sends all of them in one message and reads the answers after.
     * Returns 0 or the first error, with its message.  NULL: dpif.c
     * calls execute() for each. */
    int (*execute_batch)(struct dpif *, const struct dpif_execute *execs,
                         size_t n, char **errp);

    /* Makes the datapath queue upcalls (misses and userspace actions):
     * ENABLE false drops them and counts them as lost. */
    int (*recv_set)(struct dpif *, bool enable);

    /* Receives the next upcall into *UPCALL (caller frees with
     * dpif_upcall_destroy()); EAGAIN if none is queued. */
    int (*recv)(struct dpif *, struct dpif_upcall *);

    /* A file descriptor that becomes readable when an upcall may be
     * queued (for the caller's event loop), or -1. */
    int (*recv_fd)(const struct dpif *);

    /* Optional (a provider without them has one queue, read by recv()):
     * handlers_set() shares the upcall queues among N readers, each of
     * which one thread reads with recv_handler() and waits for on
     * recv_handler_fd(); returns how many readers have queues (at least
     * 1 once upcalls are enabled), which may be fewer than N.  Reader 0
     * is what recv() and recv_fd() read.  No recv may be in progress
     * during handlers_set(); recv_set(true) after recv_set(false) starts
     * again with one reader. */
    size_t (*handlers_set)(struct dpif *, size_t n);
    int (*recv_handler)(struct dpif *, size_t idx, struct dpif_upcall *);
    int (*recv_handler_fd)(const struct dpif *, size_t idx);

    /* The most flows the datapath will hold (new puts beyond it fail with
     * EFBIG); 0 means the type's default. */
    int (*set_flow_limit)(struct dpif *, size_t limit);

    /* Meters (see dpif.h for their semantics).  All four are NULL for a
     * type without meters; dpif.c then reports EOPNOTSUPP. */

    /* Fills *FEATURES (zeroed by the caller).  dpif.c checks every
     * meter_set() against them. */
    void (*meter_get_features)(const struct dpif *,
                               struct dpif_meter_features *features);

    /* Creates or replaces meter METER_ID.  The caller has checked
     * METER_ID < max_meters, the flags (exactly one unit, only supported
     * capabilities), 1 <= n_bands <= max_bands, every band's type against
     * band_types and every rate > 0.  A replaced meter starts over: full
     * buckets, zero statistics.  May fail with ENOMEM. */
    int (*meter_set)(struct dpif *, uint32_t meter_id,
                     const struct dpif_meter_config *config, char **errp);

    /* Fills *STATS (zeroed by the caller) with meter METER_ID's counters;
     * ENOENT if there is none. */
    int (*meter_get)(const struct dpif *, uint32_t meter_id,
                     struct dpif_meter_stats *stats);

    /* Removes meter METER_ID after storing its counters in *STATS (if
     * nonnull, zeroed by the caller); ENOENT if there is none.  Packets
     * charged to it afterwards pass. */
    int (*meter_del)(struct dpif *, uint32_t meter_id,
                     struct dpif_meter_stats *stats);
};

/* A provider's flow dump state starts with this, so that
 * dpif_flow_dump_next() and _done() find the provider. */
struct dpif_flow_dump {
    const struct dpif_class *class;
};

/* Registers a datapath type.  EEXIST if the type name is taken. */
int dpif_register_class(const struct dpif_class *);

/* The base every provider's datapath handle starts with. */
struct dpif {
    const struct dpif_class *class;
    char *name;      /* The datapath's name. */
    char *full_name; /* "type@name". */
};

/* For providers: initialises the base of a new handle. */
void dpif_init_base(struct dpif *, const struct dpif_class *,
                    const char *name);
/* For providers: frees what dpif_init_base() allocated. */
void dpif_uninit_base(struct dpif *);

#endif /* NICFLOW_SOFTPATH_DPIF_PROVIDER_H */
