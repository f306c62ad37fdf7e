/* offload-provider.h: the interface between nicflow's offload manager and
 * the back-ends ("providers") that put datapath flows into hardware: TC
 * flower ("tc"), DPDK rte_flow ("rteflow"), a vendor HAL ("hal") and the
 * simulated eswitch ("dummy").
 *
 * Model.  The manager owns every decision of *whether* and *when*: it
 * keeps the list of ports, chooses a provider for each port (the first in
 * the configured priority order whose port_probe() accepts it), queues
 * flows to its worker threads and records what each provider answered.
 * A provider only answers *how*: it turns one datapath flow into its
 * device's rules or says exactly why it cannot.
 *
 * Flows reach a provider in the Linux datapath's netlink format
 * (<linux/openvswitch.h>: OVS_KEY_ATTR_* for key and mask,
 * OVS_ACTION_ATTR_* for actions), the same bytes the software datapath
 * was given, plus (for providers built in the tree) the key and mask
 * already decoded into struct flow.  Output actions name datapath port
 * numbers; a provider turns them into its own ports with
 * offload_port_lookup() (below).
 *
 * Errors.  Calls return 0 or a positive errno.  A refusal also fills a
 * struct offload_reason: a code a program can count and a message a
 * person can act on, written as "<provider>: <what>", for example
 *   "tc: action userspace cannot be offloaded"
 *   "tc: table full: 4096/4096"
 *   "tc: kernel: EOPNOTSUPP: <the kernel's extack text>"
 *
 * Threads.  Flow calls (flow_put, flow_del, flow_stats, flow_check) run
 * on the manager's worker threads and, for deletions and explanations,
 * on nicflowd's main thread, each thread with its own context from
 * ctx_create() (a netlink socket, say), so a provider never needs to
 * lock around its I/O.  Two threads never handle the same flow at once.
 * Port calls (port_probe, port_add, port_del) and init/destroy run on the
 * main thread while no flow call is running (the manager holds a lock
 * that flow calls take shared).  A provider's own shared state (rule
 * counts, handle allocators) must be safe for concurrent flow calls.
 *
 * Life cycle.  init() once when hardware offload is switched on (or the
 * provider is first chosen); reconcile() right after, to take over or
 * remove what a previous run of nicflowd left in the device; then ports
 * and flows; flush() and destroy() when offload is switched off or
 * nicflowd exits (with --cleanup; a plain exit leaves rules in place so
 * that traffic keeps flowing across a restart). */
#ifndef NICFLOW_OFFLOAD_PROVIDER_H
#define NICFLOW_OFFLOAD_PROVIDER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct flow;

/* The version of this interface; a provider built against another
 * version is refused when registered. */
#define OFFLOAD_PROVIDER_VERSION 1

/* ---------------------------------------------------------------------
 * Reasons.
 * --------------------------------------------------------------------- */

/* Why a flow is not (wholly) in hardware.  The codes are counted per
 * provider in dpctl/offload-stats-show; the message is shown per flow in
 * dpctl/dump-flows -m. */
enum offload_reason_code {
    OFFLOAD_R_NONE = 0,           /* In hardware. */
    OFFLOAD_R_PENDING,            /* Queued, not tried yet. */
    OFFLOAD_R_DISABLED,           /* hw-offload is false. */
    OFFLOAD_R_PORT_EXCLUDED,      /* hw-offload-priority=none on the port. */
    OFFLOAD_R_NO_PROVIDER,        /* No provider takes the input port. */
    OFFLOAD_R_UNSUPPORTED_MATCH,  /* A field or mask the device lacks. */
    OFFLOAD_R_UNSUPPORTED_ACTION, /* An action the device lacks. */
    OFFLOAD_R_UNSUPPORTED_PORT,   /* An output port outside the device. */
    OFFLOAD_R_TABLE_FULL,         /* No room for another rule. */
    OFFLOAD_R_DEVICE,             /* The device/kernel refused the rule. */
    OFFLOAD_R_MISMATCH,           /* The read-back differs from the ask. */
    OFFLOAD_R_RESTORE_WAIT,       /* flow-restore-wait is true. */
    OFFLOAD_R_INTERNAL,           /* Out of memory and the like. */
    OFFLOAD_R__N
};

#define OFFLOAD_REASON_MSG_MAX 256

struct offload_reason {
    enum offload_reason_code code;
    char msg[OFFLOAD_REASON_MSG_MAX]; /* NUL-terminated; "" for NONE. */
};

/* Fills R with CODE and a printf-style message (truncated to fit). */
void offload_reason_set(struct offload_reason *r, enum offload_reason_code,
                        const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The short name of CODE as offload-stats-show prints it
 * ("unsupported-action", "table-full", ...). */
const char *offload_reason_code_name(enum offload_reason_code);

/* ---------------------------------------------------------------------
 * Ports.
 * --------------------------------------------------------------------- */

/* What a switchdev representor says of itself (rtnetlink
 * IFLA_PHYS_SWITCH_ID / IFLA_PHYS_PORT_NAME, devlink port flavour).  A
 * port with no switch id is a plain netdev (a veth, say): a software
 * flower filter can still serve it. */
enum offload_port_flavour {
    OFFLOAD_FLAVOUR_NONE = 0, /* Not a representor. */
    OFFLOAD_FLAVOUR_UPLINK,   /* Physical port (devlink "physical"). */
    OFFLOAD_FLAVOUR_PF,       /* PCI PF representor. */
    OFFLOAD_FLAVOUR_VF,       /* PCI VF representor. */
    OFFLOAD_FLAVOUR_SF,       /* PCI SF representor. */
    OFFLOAD_FLAVOUR_OTHER,
};

struct offload_representor {
    uint8_t switch_id[32]; /* IFLA_PHYS_SWITCH_ID. */
    uint8_t switch_id_len; /* 0: not part of an eswitch. */
    char port_name[32];    /* IFLA_PHYS_PORT_NAME ("pf0vf1"), or "". */
    enum offload_port_flavour flavour;
    int pf, vf, sf; /* From the port name or devlink; -1 if none. */
};

/* Parses a physical port name (IFLA_PHYS_PORT_NAME) into REP's flavour and
 * numbers: "p0" (uplink), "pf0" (PF), "pf0vf3" (VF), "pf0sf1" (SF), each
 * optionally after a controller prefix "c1" (an external host's
 * functions).  Returns false, leaving REP alone, for any other name. */
bool offload_representor_parse_name(const char *name,
                                    struct offload_representor *rep);

/* A datapath port as the manager knows it.  Owned by the manager;
 * providers may read every member and own only 'provider_data'. */
struct offload_port {
    uint32_t odp_port; /* Datapath port number. */
    char name[16];     /* Netdev name. */
    const char *type;  /* Datapath port type: "afpacket", "tap",
                             * "internal", "dummy", "afxdp", ... */
    int ifindex;       /* 0 if the port is not a kernel netdev. */
    bool internal;     /* The bridge's own (host stack) port. */
    struct offload_representor rep;
    const struct offload_provider_class *provider; /* NULL: none. */
    void *provider_data;
    unsigned max_rules; /* Test knob / profile limit; 0: no limit. */
};

/* Finds the port with datapath number ODP_PORT, or NULL.  Valid during a
 * provider call; the pointer must not be kept past it. */
const struct offload_port *offload_port_lookup(uint32_t odp_port);

/* ---------------------------------------------------------------------
 * Flows.
 * --------------------------------------------------------------------- */

/* A 128-bit flow id, the datapath's ufid. */
struct offload_ufid {
    uint32_t u32[4];
};

/* One datapath flow offered to a provider.  Everything is borrowed for
 * the call. */
struct offload_flow {
    struct offload_ufid ufid;
    const struct offload_port *in_port;
    const void *key;
    size_t key_len;
    const void *mask;
    size_t mask_len;
    const void *actions;
    size_t actions_len;
    const struct flow *flow;      /* Decoded key (in-tree providers). */
    const struct flow *flow_mask; /* Decoded mask. */
};

/* Counters of a flow in hardware, cumulative since it went in. */
struct offload_stats {
    uint64_t n_packets;
    uint64_t n_bytes;
    long long used; /* nf_time_msec() of the last packet; 0: none seen. */
};

/* The result of one put: 0 and a handle, or an errno and a reason. */
struct offload_put_result {
    int error;
    struct offload_reason reason;
    uint64_t handle; /* Provider's id of the rule(s), for del/stats. */
    bool partial;    /* Only part of the work is in hardware (e.g. the
                       * match, with a mark for the software path). */
};

/* ---------------------------------------------------------------------
 * The provider class.
 * --------------------------------------------------------------------- */

/* Global settings a provider may use (Open_vSwitch other_config). */
struct offload_global_config {
    const char *tc_policy; /* "none", "skip_sw" or "skip_hw". */
    unsigned max_rules;    /* hw-offload-max-rules test knob; 0: none. */
};

/* One rule found in a device by reconcile(): what a previous run left.
 * The manager adopts rules whose ufid it is about to install again and
 * removes the rest. */
struct offload_found_rule {
    struct offload_ufid ufid;
    uint64_t handle;
    uint32_t in_odp_port;
};

/* A datapath meter as a provider sees it: one drop band (a single-rate
 * policer), the form every device that polices can take.  A meter with
 * more bands keeps N_BANDS so that providers refuse it. */
struct offload_meter {
    bool pktps;       /* RATE and BURST in packets, else kbit(/s). */
    uint32_t rate;    /* > 0. */
    uint32_t burst;   /* 0: the provider's default. */
    uint32_t n_bands; /* The datapath meter's drop bands. */
};

struct offload_provider_class {
    unsigned version; /* OFFLOAD_PROVIDER_VERSION. */
    const char *name; /* "tc", "rteflow", "hal", "dummy". */

    /* Starts the provider with CFG.  Errors are reported with *ERRP
     * (malloc'd, caller frees) and leave the provider unused. */
    int (*init)(const struct offload_global_config *cfg, char **errp);
    /* Applies a changed CFG (tc-policy, say) to rules put from now on. */
    void (*set_config)(const struct offload_global_config *cfg);
    /* Stops the provider.  Rules stay in the devices unless flush() ran
     * first. */
    void (*destroy)(void);

    /* Per-thread contexts: created once per calling thread, passed to
     * every flow call made from that thread. */
    void *(*ctx_create)(void);
    void (*ctx_destroy)(void *ctx);

    /* Whether this provider can serve PORT: 0, or an errno with the
     * reason (e.g. "tc: p1 is not a kernel network device").  Cheap and
     * without side effects. */
    int (*port_probe)(const struct offload_port *port,
                      struct offload_reason *why);
    /* Prepares PORT (the clsact qdisc, say).  May set
     * PORT->provider_data.  Errors with a reason as for port_probe. */
    int (*port_add)(struct offload_port *port, struct offload_reason *why);
    /* Removes every rule of this provider on PORT and what port_add()
     * made (but never anything the provider did not make). */
    void (*port_del)(struct offload_port *port);
    /* Appends one line of facts about PORT for offload/show, e.g.
     * "qdisc clsact, chain 0, prio 1-4096, 12 rules". */
    void (*port_describe)(const struct offload_port *port, char *buf,
                          size_t size);

    /* Says whether FLOW could be put, without touching the device:
     * 0, or an errno and the reason.  offload/explain uses it. */
    int (*flow_check)(void *ctx, const struct offload_flow *flow,
                      struct offload_reason *why);
    /* Puts FLOWS[0 .. N - 1] (batched: one device round trip for many if
     * the device allows), filling RESULTS[i] for each.  A flow with the
     * ufid of a rule the provider already has replaces it. */
    void (*flow_put)(void *ctx, const struct offload_flow *flows, size_t n,
                     struct offload_put_result *results);
    /* Removes the rules HANDLES[0 .. N - 1] of the flows with UFIDS[i] on
     * PORTS[i], storing their final counters in STATS[i] (zero if
     * unknown) and 0 or an errno in ERRORS[i] (ENOENT: already gone). */
    void (*flow_del)(void *ctx, const struct offload_port *const *ports,
                     const struct offload_ufid *ufids, const uint64_t *handles,
                     size_t n, struct offload_stats *stats, int *errors);
    /* Reads the counters of the rules HANDLES[0 .. N - 1] on PORTS[i]
     * into STATS[i]; ERRORS[i] as for flow_del.  A device that counts
     * bytes without the L2 header adds it back here. */
    void (*flow_stats)(void *ctx, const struct offload_port *const *ports,
                       const uint64_t *handles, size_t n,
                       struct offload_stats *stats, int *errors);

    /* Lists the rules a previous run left on PORT into *RULES (malloc'd
     * array, caller frees) and *N_RULES.  Optional (NULL: none kept). */
    int (*reconcile)(void *ctx, const struct offload_port *port,
                     struct offload_found_rule **rules, size_t *n_rules);
    /* Removes every rule of this provider on every port it serves. */
    void (*flush)(void *ctx);

    /* Optional: datapath meter DP_METER (the id of the datapath's meter
     * action) now polices as METER says, or (METER NULL) is gone.  Called
     * on nicflowd's main thread, for every meter that exists when the
     * provider starts and for every change after; a provider that cannot
     * carry a meter refuses the flows that use it, with a reason. */
    void (*meter_set)(uint32_t dp_meter, const struct offload_meter *meter);

    /* Optional: appends the provider's own lines to dpctl/offload-stats-
     * show (after the counters the manager keeps for it), each as
     * "   <name padded to 12> <label right-aligned in 30>: <value>\n".
     * Called on nicflowd's main thread, with no manager lock held. */
    void (*stats_lines)(struct buf *out);
};

/* Registers CLASS.  offload_init() registers the simulated "dummy"
 * provider; nicflowd registers "tc" (tc-flower/tcf-provider.h) and the
 * others it was built with, so that offload/ depends on none of them.
 * EINVAL if its version differs, EEXIST if the name is taken. */
int offload_provider_register(const struct offload_provider_class *cls);

#endif /* NICFLOW_OFFLOAD_PROVIDER_H */
