/* dpif.h: the datapath interface — what nicflowd, nicflow-dpctl and the
 * offload manager use to drive a datapath of any type.
 *
 * A datapath has ports (numbered network devices) and a table of flows
 * (megaflows: key + mask → actions, named by a 128-bit ufid).  Packets
 * that match a flow get its actions; a packet that matches none is sent
 * up as a miss upcall, as is one that runs a userspace action.  Flows are
 * described in the <linux/openvswitch.h> netlink format (OVS_KEY_ATTR_*,
 * OVS_ACTION_ATTR_*) so that the kernel datapath needs no translation;
 * softpath/odp.h builds, checks and prints them in the familiar syntax
 *   in_port(2),eth(src=...,dst=...),eth_type(0x0800),ipv4(...),
 *   packets:N, bytes:N, used:0.5s, actions:3
 *
 * Datapath types (providers) implement softpath/dpif-provider.h.  Every
 * call returns 0 or a positive errno; calls that can fail for a reason a
 * person can act on also take an ERRP that receives a message (caller
 * frees, ERRP may be NULL).  The arguments documented as checked are
 * checked here, before the provider sees them: malformed keys, masks and
 * actions never reach a datapath. */
#ifndef NICFLOW_SOFTPATH_DPIF_H
#define NICFLOW_SOFTPATH_DPIF_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/flow.h"

struct dpif;
struct dpif_flow_dump;
struct pkt;

/* A flow's unique identifier. */
struct dpif_ufid {
    uint32_t u32[4];
};

/* Port numbers: DPIF_PORT_LOCAL is the datapath's own port (number 0,
 * named like the datapath); DPIF_PORT_ANY asks for any free number. */
#define DPIF_PORT_LOCAL 0u
#define DPIF_PORT_ANY UINT32_MAX

/* ---------------------------------------------------------------------
 * Datapaths.
 * --------------------------------------------------------------------- */

/* Opens the datapath NAME of TYPE ("netdev" when NULL), creating it if
 * CREATE.  A NAME of the form "type@name" names the type itself.  Errors:
 * EAFNOSUPPORT (no such type), EEXIST, ENODEV, or the provider's. */
int dpif_open(const char *name, const char *type, bool create, struct dpif **,
              char **errp);
void dpif_close(struct dpif *);
int dpif_destroy(struct dpif *, char **errp);
const char *dpif_name(const struct dpif *);
const char *dpif_type(const struct dpif *);

/* Names of every datapath of every registered type, as "type@name". */
struct dpif_names {
    char **names;
    size_t n;
};
int dpif_enumerate(struct dpif_names *);
void dpif_names_free(struct dpif_names *);

struct dpif_dp_stats {
    uint64_t n_hit;      /* Packets that matched a flow. */
    uint64_t n_missed;   /* Packets that matched none (upcalls sent). */
    uint64_t n_lost;     /* Upcalls dropped (queue full or disabled). */
    uint64_t n_flows;    /* Flows now. */
    uint64_t n_masks;    /* Distinct masks (classifier subtables) now. */
    uint64_t n_mask_hit; /* Subtables visited by lookups, in total. */
    /* The datapath no longer sends upcalls the way this handle set it to
     * (another program changed its settings, as ovs-dpctl 3.1 does for
     * the kernel's): dpif_recv_set(true) sets them again. */
    bool upcalls_misrouted;
};
int dpif_get_stats(const struct dpif *, struct dpif_dp_stats *);

/* ---------------------------------------------------------------------
 * Ports.
 * --------------------------------------------------------------------- */

struct dpif_port {
    uint32_t port_no;
    char *name;
    char *type;
    char *options; /* The port's options as "key=value,..." with keys in
                    * sorted order, or "" (never NULL once filled). */
};
void dpif_port_destroy(struct dpif_port *);

struct dpif_ports {
    struct dpif_port *ports;
    size_t n;
};
void dpif_ports_free(struct dpif_ports *);

/* Adds device NAME as a port (see dpif_class.port_add): TYPE may be NULL,
 * OPTIONS NULL or "key=value,...", *PORT_NO DPIF_PORT_ANY or the number
 * wanted (checked: below 65280).  NAME is checked (1-15 characters, no
 * '/' or white space). */
int dpif_port_add(struct dpif *, const char *name, const char *type,
                  const char *options, uint32_t *port_no, char **errp);
int dpif_port_del(struct dpif *, uint32_t port_no, char **errp);

/* Replaces the options of port PORT_NO with OPTIONS ("key=value,..." or ""
 * for the type's defaults; NULL means "").  The whole set is given, not a
 * change: a key left out goes back to its default (nicflow-dpctl's set-if
 * merges changes into the current set first).  Checked here: OPTIONS is a
 * comma-separated list of key=value items with non-empty, distinct keys
 * (EINVAL otherwise).  The provider then refuses options a port type does
 * not take (EINVAL, with the port layer's reason, e.g. "p1: arguments
 * provided to device that is not configurable"), ENOENT if there is no
 * such port, EOPNOTSUPP if the datapath type has no port options. */
int dpif_port_set_config(struct dpif *, uint32_t port_no, const char *options,
                         char **errp);
int dpif_port_query_by_number(const struct dpif *, uint32_t port_no,
                              struct dpif_port *);
int dpif_port_query_by_name(const struct dpif *, const char *name,
                            struct dpif_port *);
int dpif_port_dump(const struct dpif *, struct dpif_ports *);

struct dpif_port_stats {
    uint64_t rx_packets, rx_bytes, rx_dropped, rx_errors;
    uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
};
int dpif_port_get_stats(const struct dpif *, uint32_t port_no,
                        struct dpif_port_stats *);

/* ---------------------------------------------------------------------
 * Flows.
 * --------------------------------------------------------------------- */

struct dpif_flow_stats {
    uint64_t n_packets;
    uint64_t n_bytes;
    long long used;     /* Time of the last packet, msec (nf_time_msec()),
                        * 0 if never. */
    uint16_t tcp_flags; /* OR of the TCP flags seen. */
};

/* Flags of a put. */
#define DPIF_FP_CREATE 0x1 /* May add a new flow. */
#define DPIF_FP_MODIFY 0x2 /* May change an existing flow's actions. */
#define DPIF_FP_ZERO_STATS \
    0x4 /* Resets the statistics of a modified
                                * flow. */
/* The key and mask are odp_flow_to_key() and odp_flow_to_mask() output and
 * the actions a translation's: the dpif layer does not decode them again
 * to check them (the upcall handler's puts; a provider still refuses
 * what it cannot take). */
#define DPIF_FP_ENCODED 0x8

struct dpif_flow_put {
    unsigned flags; /* DPIF_FP_*. */
    const void *key;
    size_t key_len;
    const void *mask; /* NULL: exact match on every key attribute. */
    size_t mask_len;
    const void *actions;
    size_t actions_len;
    const struct dpif_ufid *ufid;  /* NULL: derived from the key. */
    struct dpif_flow_stats *stats; /* Nonnull: receives the statistics of
                                    * the flow replaced, if any. */
};

/* Installs or modifies a flow.  Checked here: the key and mask decode
 * (odp_key_to_flow()), the mask has no bit the key lacks, the actions
 * validate (odp_actions_validate()); EINVAL with the reason otherwise. */
int dpif_flow_put(struct dpif *, const struct dpif_flow_put *, char **errp);

/* Runs PUTS[0 .. N - 1] as dpif_flow_put() runs each, in order, but
 * lets the datapath take them together (the kernel datapath sends them
 * in one message and reads the answers after: one round trip for the
 * batch instead of one per flow).  Each put is checked as dpif_flow_put()
 * checks it and succeeds or fails on its own: a bad or refused one does
 * not stop the others.  ERRORS[I] receives put I's result, the value
 * dpif_flow_put() would return (0, EEXIST, ENOENT, EFBIG, EINVAL, ...),
 * and, if ERRS is nonnull, ERRS[I] its message or NULL (caller frees
 * each).  A put's STATS, if nonnull, are filled as dpif_flow_put() fills
 * them.  Returns the number of puts that failed.  Against a flow limit,
 * a batch counts each of its creates as a flow added. */
size_t dpif_flow_put_batch(struct dpif *, const struct dpif_flow_put *puts,
                           size_t n, int *errors, char **errs);

/* A flow as dumps and gets return it: copies the caller frees with
 * dpif_flow_destroy(). */
struct dpif_flow {
    struct dpif_ufid ufid;
    struct buf key, mask, actions;
    struct dpif_flow_stats stats;
};
void dpif_flow_destroy(struct dpif_flow *);

int dpif_flow_get(const struct dpif *, const struct dpif_ufid *ufid,
                  const void *key, size_t key_len, struct dpif_flow *);
int dpif_flow_del(struct dpif *, const struct dpif_ufid *ufid, const void *key,
                  size_t key_len, struct dpif_flow_stats *);
int dpif_flow_flush(struct dpif *);

/* For each I < N: STATS[I] receives the counters of the flow with
 * UFIDS[I] and FOUND[I] whether it exists (STATS[I] is zero if not).
 * Cheaper per flow than a dump or dpif_flow_get(): nothing is copied but
 * the counters. */
void dpif_flow_get_stats(const struct dpif *, const struct dpif_ufid *ufids,
                         size_t n, struct dpif_flow_stats *stats, bool *found);

/* Dumping: see dpif_class.flow_dump_*. */
struct dpif_flow_dump *dpif_flow_dump_start(const struct dpif *);
size_t dpif_flow_dump_next(struct dpif_flow_dump *, struct dpif_flow *,
                           size_t max);
void dpif_flow_dump_done(struct dpif_flow_dump *);

/* The ufid a key gets when a put names none (a hash of the key, so that
 * putting the same key again finds the same flow). */
void dpif_ufid_from_key(const void *key, size_t key_len, struct dpif_ufid *);

/* Appends FLOW as "ovs-dpctl dump-flows" prints it: key/mask, then
 * "packets:N, bytes:N, used:Xs" (with ", flags:..." when TCP flags were
 * seen) and "actions:...".  With VERBOSE, "ufid:..., " first, as -m. */
void dpif_flow_format(const struct dpif_flow *, bool verbose, struct buf *);
/* The same with EXTRA (if nonnull and not empty) and ", " printed just
 * before "actions:", as Open vSwitch prints "offloaded:yes, dp:tc, ". */
void dpif_flow_format_extra(const struct dpif_flow *, bool verbose,
                            const char *extra, struct buf *);

/* ---------------------------------------------------------------------
 * Execution and upcalls.
 * --------------------------------------------------------------------- */

struct dpif_execute {
    const struct pkt *packet; /* Borrowed. */
    uint32_t in_port;
    const void *actions; /* Checked like a put's. */
    size_t actions_len;
};
int dpif_execute(struct dpif *, const struct dpif_execute *, char **errp);
/* Runs EXECS[0 .. N - 1] as dpif_execute() would, in order, with what
 * they output sent together at the end.  Each is checked as
 * dpif_execute() checks; a bad one is skipped.  Returns 0 or the first
 * error, with its message in *ERRP. */
int dpif_execute_batch(struct dpif *, const struct dpif_execute *execs,
                       size_t n, char **errp);

enum dpif_upcall_type {
    DPIF_UC_MISS,   /* No flow matched. */
    DPIF_UC_ACTION, /* A userspace action ran. */
};

struct dpif_upcall {
    enum dpif_upcall_type type;
    struct pkt *packet;    /* Owned by the upcall. */
    struct buf key;        /* The packet's flow key. */
    struct dpif_ufid ufid; /* The ufid a flow for it would get. */
    struct buf userdata;   /* DPIF_UC_ACTION: the action's userdata. */
    uint32_t in_port;
    /* When HAS_FLOW, FLOW is what odp_key_to_flow() makes of KEY: a
     * provider that decoded the key to build it saves its reader a second
     * decode.  Otherwise the reader decodes KEY itself. */
    bool has_flow;
    struct flow flow;
};
void dpif_upcall_destroy(struct dpif_upcall *);

int dpif_recv_set(struct dpif *, bool enable);
int dpif_recv(struct dpif *, struct dpif_upcall *);
int dpif_recv_fd(const struct dpif *);

/* Upcall handler threads: dpif_handlers_set() (upcalls enabled, no recv
 * in progress) shares the datapath's upcall queues among up to N readers
 * and returns how many it made (1 for a datapath with one queue, such as
 * the userspace one; 0 when upcalls are off); reader IDX is then read
 * with dpif_recv_handler() by one thread, which waits for
 * dpif_recv_handler_fd(IDX) to become readable.  Reader 0 is the one
 * dpif_recv() and dpif_recv_fd() read.  For an IDX without a reader,
 * dpif_recv_handler() returns EAGAIN and dpif_recv_handler_fd() -1. */
size_t dpif_handlers_set(struct dpif *, size_t n);
int dpif_recv_handler(struct dpif *, size_t idx, struct dpif_upcall *);
int dpif_recv_handler_fd(const struct dpif *, size_t idx);

int dpif_set_flow_limit(struct dpif *, size_t limit);

/* ---------------------------------------------------------------------
 * Meters.
 *
 * A meter is a set of token buckets ("bands") that flows charge packets
 * to with the meter(ID) action, as OpenFlow 1.3 meters and the kernel
 * datapath's OVS_METER_* define them:
 *   - a meter measures in kilobits per second (DPIF_METER_KBPS; a
 *     kilobit is 1000 bits, frame bytes counted) or in packets per second
 *     (DPIF_METER_PKTPS): exactly one of the two;
 *   - each band has a rate in that unit and a bucket that holds up to
 *     its burst size: with DPIF_METER_BURST, BURST_SIZE kilobits or
 *     packets; without it (or with a burst size of 0) the rate itself,
 *     i.e. one second's worth, as Open vSwitch's datapath interface does
 *     (dpif-netlink sends the rate as the burst when OFPMF13_BURST is
 *     unset);
 *   - a bucket starts full and refills at the band's rate; a packet takes
 *     its cost (one packet, or its size in bits) from every band that has
 *     enough, and "exceeds" the others; of the bands it exceeds, the one
 *     with the highest rate applies (OpenFlow: the band with the highest
 *     rate below the measured rate) — a drop band drops the packet;
 *   - a packet charged to a meter id that has no meter passes, as in
 *     Open vSwitch's userspace datapath and openvswitch.ko.
 * Meter ids are datapath meter ids, 0 .. max_meters - 1 (not OpenFlow
 * meter ids: the switch maps those).
 * --------------------------------------------------------------------- */

/* Meter flags (the values of OpenFlow 1.3's OFPMF13_*). */
#define DPIF_METER_KBPS 0x1  /* Rates in kilobits per second. */
#define DPIF_METER_PKTPS 0x2 /* Rates in packets per second. */
#define DPIF_METER_BURST 0x4 /* Bands' burst_size applies. */
#define DPIF_METER_STATS 0x8 /* Keep statistics (see dpif_meter_get()). */

/* Band types (the values of OpenFlow 1.3's OFPMBT13_*). */
#define DPIF_METER_BAND_DROP 1 /* Drops packets above the rate. */

/* The most bands a meter may have in this interface (a datapath may
 * allow fewer: dpif_meter_features.max_bands). */
#define DPIF_METER_MAX_BANDS 8

struct dpif_meter_band {
    uint16_t type;       /* DPIF_METER_BAND_*. */
    uint32_t rate;       /* Kilobits or packets per second; > 0. */
    uint32_t burst_size; /* Kilobits or packets (DPIF_METER_BURST). */
};

struct dpif_meter_config {
    uint16_t flags;   /* DPIF_METER_*. */
    uint16_t n_bands; /* 1 .. DPIF_METER_MAX_BANDS. */
    struct dpif_meter_band bands[DPIF_METER_MAX_BANDS];
};

/* What a datapath's meters can do (OpenFlow's meter features). */
struct dpif_meter_features {
    uint32_t max_meters;   /* Meter ids 0 .. max_meters - 1; 0: none. */
    uint32_t band_types;   /* 1 << DPIF_METER_BAND_* for each type. */
    uint32_t capabilities; /* DPIF_METER_* flags supported. */
    uint8_t max_bands;     /* Bands per meter, <= DPIF_METER_MAX_BANDS. */
};

struct dpif_meter_band_stats {
    uint64_t n_packets; /* Packets this band applied to. */
    uint64_t n_bytes;
};

struct dpif_meter_stats {
    uint64_t packet_in_count; /* Packets charged to the meter. */
    uint64_t byte_in_count;
    uint16_t n_bands; /* As configured. */
    struct dpif_meter_band_stats bands[DPIF_METER_MAX_BANDS];
};

/* Fills *FEATURES (all zero when the datapath type has no meters). */
void dpif_meter_get_features(const struct dpif *,
                             struct dpif_meter_features *features);

/* Creates meter METER_ID from CONFIG, or replaces it (its buckets start
 * full again and its statistics at zero, as Open vSwitch's userspace
 * datapath does).  Checked here, against the datapath's features, each
 * with a message: EOPNOTSUPP (the type has no meters), EFBIG (METER_ID
 * not below max_meters), EBADF (unknown or unsupported flags, or not
 * exactly one of KBPS and PKTPS), EINVAL (no bands, or more than
 * max_bands), ENODEV (a band type the datapath lacks), EBADRQC (a rate of
 * 0).  The error values are those of Open vSwitch's dpif-netdev. */
int dpif_meter_set(struct dpif *, uint32_t meter_id,
                   const struct dpif_meter_config *, char **errp);

/* Fills *STATS with meter METER_ID's counters.  Statistics are kept
 * whether or not the meter has DPIF_METER_STATS (the flag costs nothing
 * to honour this way and OpenFlow allows counting more).  ENOENT if
 * there is no such meter, EOPNOTSUPP without meters. */
int dpif_meter_get(const struct dpif *, uint32_t meter_id,
                   struct dpif_meter_stats *stats);

/* Removes meter METER_ID, storing its final counters in *STATS if STATS
 * is nonnull.  Flows that charge it stay; their packets then pass (no
 * meter).  ENOENT if there is none, EOPNOTSUPP without meters. */
int dpif_meter_del(struct dpif *, uint32_t meter_id,
                   struct dpif_meter_stats *stats);

#endif /* NICFLOW_SOFTPATH_DPIF_H */
