/* offload-private.h: what the offload manager's files share.  Nothing
 * outside offload/ includes it (tests excepted).
 *
 * Files and what each owns:
 *   offload.c          life cycle, configuration, provider registry
 *   offload-port.c     ports, provider selection, stale rules
 *   offload-rep.c      representor facts from sysfs
 *   offload-flow.c     the flow table and the main-thread flow calls
 *   offload-worker.c   worker threads: batched puts, stats refresh
 *   offload-stats.c    counters, latency histograms, offload-stats-show
 *   offload-commands.c control commands, offload/show
 *   offload-reason.c   reason codes and messages
 *   offload-dummy.c    the simulated eswitch provider
 *
 * Threads and locks (the provider header's Threads section is the
 * contract; this is how the manager keeps it):
 *
 *   - Everything in offload.h runs on nicflowd's main thread, the only
 *     thread that changes ports, providers or configuration.  It reads
 *     those without locks; it changes them holding 'rwlock' for writing.
 *
 *   - Workers make every provider call holding 'rwlock' for reading, so
 *     that a port or configuration change (write) waits until no flow call
 *     is running.  The lock prefers writers: a busy worker cannot starve
 *     the main thread.
 *
 *   - 'mutex' protects the flow table, the worker queues and lists, the
 *     stale rules, every counter and each port's 'n_hw'.  Lock order:
 *     rwlock before mutex.  Nobody holds 'mutex' across a provider call.
 *
 *   - An entry is "busy" while a worker makes a provider call for it.  A
 *     worker marks entries busy only while it holds 'rwlock' for reading,
 *     so the main thread, holding it for writing, never meets a busy
 *     entry; offload_flow_del(), holding neither, waits on 'done' until
 *     the entries it removes are not busy. */
#ifndef NICFLOW_OFFLOAD_PRIVATE_H
#define NICFLOW_OFFLOAD_PRIVATE_H 1

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "include/nicflow/offload-provider.h"
#include "lib/buf.h"
#include "lib/flow.h"
#include "lib/hmap.h"
#include "lib/list.h"
#include "offload/offload.h"

#define OFFLOAD_MAX_PROVIDERS 8
#define OFFLOAD_MAX_THREADS 8
#define OFFLOAD_MAX_PRIORITY 16 /* Names in one hw-offload-priority. */
#define OFFLOAD_BATCH_MAX 64    /* Flows per provider flow_put call. */
#define OFFLOAD_STATS_INTERVAL_MS 1000
#define OFFLOAD_SWEEP_INTERVAL_MS 200 /* Stale rule checks. */

/* ---------------------------------------------------------------------
 * Counters (offload-stats.c).  All updated and read under 'mutex'.
 * --------------------------------------------------------------------- */

/* Latency histogram: values below 16 us each have a bucket; above, every
 * power of two is split into four buckets, so a percentile is known to
 * within 25% at any scale, and reading one costs a pass over 168 words. */
#define OFFLOAD_HIST_BUCKETS 168

struct offload_hist {
    uint64_t n;
    uint64_t sum_us;
    uint64_t max_us;
    uint64_t buckets[OFFLOAD_HIST_BUCKETS];
};

struct offload_counters {
    uint64_t enqueued;  /* Puts queued to a worker. */
    uint64_t coalesced; /* Puts superseded before a worker ran them. */
    uint64_t inserted;  /* Puts a provider took. */
    uint64_t refused;   /* Puts refused, by any code. */
    uint64_t refused_by[OFFLOAD_R__N];
    uint64_t removed;            /* Rules taken out of hardware. */
    int64_t in_hw;               /* Rules in hardware now. */
    struct offload_hist latency; /* Enqueue to result, per put tried. */
};

void offload_hist_add(struct offload_hist *, uint64_t us);
/* The value below which a fraction P (0..1) of the samples fall, in us
 * (the upper bound of its bucket, at most the maximum seen); 0 if none. */
uint64_t offload_hist_percentile(const struct offload_hist *, double p);
void offload_counters_add(struct offload_counters *sum,
                          const struct offload_counters *);
/* Records the refusal of one put with CODE. */
void offload_counters_refuse(struct offload_counters *,
                             enum offload_reason_code);

/* ---------------------------------------------------------------------
 * Providers (offload.c).
 * --------------------------------------------------------------------- */

struct offload_prov {
    const struct offload_provider_class *cls;
    unsigned idx;   /* In offload_mgr.provs[]; indexes per-thread ctxs. */
    bool inited;    /* init() succeeded and destroy() has not run. */
    void *main_ctx; /* The main thread's ctx (valid if 'has_main_ctx'). */
    bool has_main_ctx;
    struct offload_counters counters;
};

struct offload_prov *offload_prov_find(const char *name);
struct offload_prov *
offload_prov_of_class(const struct offload_provider_class *);
/* True for a name hw-offload-priority accepts: a registered provider or
 * one of the known names a build may lack. */
bool offload_prov_name_known(const char *name);
/* Calls PROV's init() if it has not run.  Returns 0, or an errno with the
 * provider's message in *ERRP (caller frees). */
int offload_prov_ensure_init(struct offload_prov *, char **errp);
/* The main thread's ctx for PROV, created on first use. */
void *offload_prov_main_ctx(struct offload_prov *);
/* ctx_create() for PROV if it has one, else NULL. */
void *offload_prov_ctx_create(const struct offload_prov *);
void offload_prov_ctx_destroy(const struct offload_prov *, void *ctx);

/* ---------------------------------------------------------------------
 * Configuration (offload.c).
 * --------------------------------------------------------------------- */

/* A parsed comma-separated provider list. */
struct offload_prio {
    char *names[OFFLOAD_MAX_PRIORITY];
    size_t n;
};

/* Parses S ("tc, rteflow,hal") into *P.  Returns 0, or EINVAL with a
 * message in *ERRP for an empty list or too many names (unknown names
 * are the caller's to check). */
int offload_prio_parse(const char *s, struct offload_prio *p, char **errp);
void offload_prio_destroy(struct offload_prio *);

struct offload_cfg {
    bool enabled;
    char *priority; /* As given, normalised: "tc,rteflow,hal". */
    struct offload_prio prio;
    char *tc_policy;
    unsigned n_threads;
    unsigned stats_delay_ms;
    unsigned max_rules;
    bool restore_wait;
};

/* ---------------------------------------------------------------------
 * Ports (offload-port.c).
 * --------------------------------------------------------------------- */

struct offload_mport {
    struct hmap_node node;     /* In offload_mgr.ports, by odp port. */
    struct offload_port up;    /* What providers see. */
    char *type;                /* Owned; 'up.type' points here. */
    char *priority;            /* Interface override, or NULL. */
    struct offload_prov *prov; /* Serving provider, or NULL. */
    struct offload_reason why; /* Without a provider: why not. */
    long long up_ms;           /* When 'prov' began serving it. */
    unsigned n_hw;             /* Flows in hardware entering it (mutex). */

    /* Its device profile (offload-profile.c): asked for by name
     * (Interface other_config:hw-profile) or found by driver. */
    char *profile_name;                    /* Asked for, or NULL. */
    const struct offload_profile *profile; /* Bound, or NULL. */
    bool profile_by_hal;                   /* Named by its HAL device. */
    char *profile_error; /* Why the profile asked for is unusable: the
                          * port's flows are refused with it. */
};

struct offload_mport *offload_mport_find(uint32_t odp_port);
/* Chooses providers for every port (offload switched on, or the global
 * priority changed); a port whose choice stays keeps its provider
 * untouched.  With REQUEUE, the flows of a port that changed provider are
 * queued again.  Caller holds 'rwlock' for writing. */
void offload_ports_select_all(bool requeue);
/* Takes every port away from its provider with port_del() and records
 * CODE/MSG as the reason it has none (the flows' rules are already gone:
 * offload_flows_drop()).  Caller holds 'rwlock' for writing; workers are
 * stopped. */
void offload_ports_detach_all(enum offload_reason_code code, const char *msg);
/* Applies the configured max_rules to every port (under the write lock). */
void offload_ports_set_max_rules(unsigned max_rules);
/* Frees every port without calling its provider (offload_exit()). */
void offload_ports_free_all(void);
/* Removes stale rules whose grace period is over; the sweep timer's
 * callback, also callable directly. */
void offload_stale_sweep(void);
/* Forgets every stale rule (under 'mutex'). */
void offload_stale_clear(void);

/* Representors (offload-rep.c). */

/* Fills *REP from sysfs for the netdev NAME (all "none" if it is not a
 * representor or not a netdev). */
void offload_rep_read(const char *name, struct offload_representor *rep);
const char *offload_flavour_name(enum offload_port_flavour);

/* ---------------------------------------------------------------------
 * Flows (offload-flow.c, offload-worker.c).
 * --------------------------------------------------------------------- */

/* One put as offload_flow_put() received it. */
struct offload_req {
    uint32_t in_port;
    void *key;
    size_t key_len;
    void *mask;
    size_t mask_len;
    void *actions;
    size_t actions_len;
    struct flow flow;
    struct flow flow_mask;
    char *bad;        /* Why the key or mask cannot be decoded, or NULL. */
    long long enq_us; /* When it was offered, for the latency. */
};

void offload_req_free(struct offload_req *);
/* The provider's view of R for flow UFID (NULL: zero): everything borrowed
 * from R, which must outlive it; the input port looked up now. */
struct offload_flow offload_req_to_flow(const struct offload_req *r,
                                        const struct offload_ufid *ufid);
/* The provider that serves R's input port, or NULL with the reason the
 * put is refused without asking one (undecodable key, unknown port, port
 * excluded or without a provider) in *WHY.  Main thread, or a worker
 * holding the read lock. */
struct offload_prov *offload_req_target(const struct offload_req *r,
                                        struct offload_reason *why);

struct offload_entry {
    struct hmap_node node; /* In offload_mgr.flows, by ufid. */
    struct offload_ufid ufid;
    unsigned worker;             /* Shard: hash % n_threads. */
    struct dlist qnode;          /* In the worker's queue, if 'queued'. */
    struct dlist hw_node;        /* In the worker's 'hw' list, if 'in_hw'. */
    struct offload_req *req;     /* Newest put not yet tried, or NULL. */
    struct offload_req *cur_req; /* The put tried last (or refused). */
    bool queued;
    bool busy;  /* A worker is making a provider call for it. */
    bool dying; /* offload_flow_del() is taking it away. */

    enum offload_state state;
    bool partial;
    struct offload_reason reason;
    long long since_ms;
    struct offload_prov *last_prov; /* Answered the last put, or NULL. */

    /* The rule in hardware, if 'in_hw'. */
    bool in_hw;
    struct offload_prov *hw_prov;
    uint64_t handle;
    uint32_t hw_port;
    long long hw_since_ms;
    struct offload_stats cur;  /* Cached counters of the current rule. */
    struct offload_stats base; /* Final counters of earlier rules. */
};

uint32_t offload_ufid_hash(const struct offload_ufid *);
struct offload_entry *offload_entry_find(const struct offload_ufid *);
/* Puts E on its worker's queue and wakes the worker (under 'mutex'). */
void offload_entry_enqueue(struct offload_entry *);
/* Accounts E's rule as gone from hardware with final counters FINAL
 * (under 'mutex'; E is not busy). */
void offload_entry_hw_gone(struct offload_entry *,
                           const struct offload_stats *final);
/* Accounts E's rule as in hardware (under 'mutex'). */
void offload_entry_hw_set(struct offload_entry *, struct offload_prov *,
                          uint64_t handle, uint32_t odp_port, bool partial);

/* Takes the rules of every flow entering MP (or every flow, if MP is
 * NULL) out of hardware on the main thread and refuses those flows with
 * CODE/MSG; queued puts are cancelled if CANCEL.  Caller holds 'rwlock'
 * for writing. */
void offload_flows_drop(const struct offload_mport *mp,
                        enum offload_reason_code code, const char *msg,
                        bool cancel);
/* Queues again the last put of every flow entering ODP_PORT that is not
 * in hardware (a port came or changed). */
void offload_flows_requeue_port(uint32_t odp_port);
/* After offload is switched on: refusals that said "hw-offload is false"
 * become "never offered". */
void offload_flows_forget_disabled(void);
/* Frees every entry and stale rule (offload_exit()). */
void offload_flows_free_all(void);
/* Removes the rules of STALE[0 .. N - 1] from hardware with the main
 * thread's ctxs (stale rules not adopted). */
struct offload_stale;
void offload_stale_remove(struct offload_stale **stale, size_t n);

/* Stale rules: found by reconcile(), waiting to be adopted or removed. */
struct offload_stale {
    struct hmap_node node; /* In offload_mgr.stale, by ufid. */
    struct offload_found_rule rule;
    struct offload_prov *prov;
};
/* Finds and unlinks the stale rule with UFID, if any (under 'mutex'). */
struct offload_stale *offload_stale_take(const struct offload_ufid *);

/* Workers (offload-worker.c). */
struct offload_worker {
    unsigned idx;
    pthread_t thread;
    pthread_cond_t wake;
    struct dlist queue; /* struct offload_entry by 'qnode'. */
    struct dlist hw;    /* struct offload_entry by 'hw_node'. */
    bool running;
    bool stop;
    bool in_pass; /* Inside a batch (tests wait for idle). */
    long long next_stats_ms;
};

void offload_workers_init(void);
/* Starts N workers (workers must be stopped). */
void offload_workers_start(unsigned n);
/* Stops the workers and waits for them; queued work stays queued. */
void offload_workers_stop(void);
/* True if no worker has queued work or is in a batch (tests poll it). */
bool offload_workers_idle(void);
/* Moves every entry to the shard of N workers (workers stopped). */
void offload_workers_reshard(unsigned n);

/* ---------------------------------------------------------------------
 * The manager.
 * --------------------------------------------------------------------- */

struct evloop;
struct evloop_timer;

struct offload_mgr {
    bool inited;
    struct evloop *loop;
    struct evloop_timer *sweep_timer;

    struct offload_cfg cfg;
    long long restore_off_ms; /* When flow-restore-wait turned false. */

    struct offload_prov provs[OFFLOAD_MAX_PROVIDERS];
    size_t n_provs;
    struct offload_counters none_counters; /* Refusals with no provider. */

    struct hmap ports; /* struct offload_mport. */
    pthread_rwlock_t rwlock;

    pthread_mutex_t mutex;
    pthread_cond_t done; /* An entry stopped being busy. */
    struct hmap flows;   /* struct offload_entry. */
    struct hmap stale;   /* struct offload_stale. */
    struct offload_worker workers[OFFLOAD_MAX_THREADS];
    unsigned n_workers; /* Running, or to shard to while stopped. */
    struct offload_counters worker_counters[OFFLOAD_MAX_THREADS];
    struct offload_profile_set *profiles; /* hw-profiles/, loaded once. */
};

extern struct offload_mgr offload_mgr;

/* offload-profile.c */

/* Loads the device profiles (offload_init()); a bad file is logged and
 * left out (hw-profile/list shows its error). */
void offload_profiles_load(void);
void offload_profiles_free(void);
/* Binds MP to the profile it asks for, else the one of its driver, else
 * none.  Caller holds 'rwlock' for writing. */
void offload_mport_bind_profile(struct offload_mport *mp);
void offload_mport_unbind_profile(struct offload_mport *mp);
/* Whether R (a put entering MP) passes MP's profile: true, or false with
 * the profile's reason in *WHY. */
bool offload_mport_profile_ok(const struct offload_mport *mp,
                              const struct offload_req *r,
                              struct offload_reason *why);
/* Appends MP's "    profile: ..." line of offload/show. */
void offload_mport_format_profile(const struct offload_mport *mp,
                                  struct buf *out);
/* Registers hw-profile/list and hw-profile/show. */
void offload_profile_commands_register(void);

/* Formats for the control commands (offload-stats.c, offload-commands.c);
 * see offload.h. */
void offload_commands_register(void);

#endif /* NICFLOW_OFFLOAD_PRIVATE_H */
