/* ofproto-private.h: the insides of struct ofproto, shared by the files
 * that implement ofproto.h (ofproto.c: lifecycle, ports, transactions;
 * ofproto-flow.c: flow tables; ofproto-group.c: groups and meters) and by
 * the OpenFlow connection manager (connmgr*.c), which reads and changes
 * the switch on behalf of controllers.  Nothing outside those files
 * includes it.
 *
 * Transactions.  Every change to flows, groups and meters runs inside a
 * transaction (struct ofproto_txn) that logs how to undo it.  A single
 * flow-mod opens and commits its own; a bundle opens one, applies every
 * message, and commits them all or aborts them all, which makes bundles
 * atomic without a second copy of the tables.  Until commit, removed
 * rules stay allocated (their undo entries point at them) and
 * flow-removed messages are held back: a controller never hears of a
 * deletion that is then rolled back. */
#ifndef NICFLOW_VSWITCHD_OFPROTO_PRIVATE_H
#define NICFLOW_VSWITCHD_OFPROTO_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/hmap.h"
#include "lib/list.h"
#include "ofctl/ofp-flow.h"
#include "ofctl/ofp-group.h"
#include "ofctl/ofp-meter.h"
#include "ofctl/ofp-port.h"
#include "vswitchd/ofproto-cls.h"
#include "vswitchd/ofproto-tlv.h"
#include "vswitchd/ofproto.h"

struct connmgr;

/* Tables 0..254 exist; 254 is reserved for the bridge's own flows (as in
 * Open vSwitch, where it is hidden and read-only for controllers), so
 * controllers are told about 254 tables. */
#define OFPROTO_N_TABLES 255
#define OFPROTO_N_VISIBLE_TABLES 254
#define OFPROTO_HIDDEN_TABLE 254

/* What this switch offers, as reported in features replies. */
#define OFPROTO_MAX_METERS (1u << 18)
#define OFPROTO_MAX_BANDS 8

/* A flow entry.  UP is what callers of ofproto.h see. */
struct rule {
    struct ofproto_rule up;
    struct ofproto_cls_rule cr;  /* In its table's classifier. */
    struct dlist expirable_node; /* In ofproto's 'expirable' list, if
                                    * it has a timeout (else unlinked). */
    uint64_t serial;             /* Insertion order, for stable dumps. */
    long long modified_ms;       /* Last add/modify. */
    bool in_table;               /* False once removed (awaiting free
                                    * at commit). */
    unsigned int ref_cnt;        /* One for the table (dropped at commit
                                    * after removal), one for each holder
                                    * of ofproto_rule_ref(). */
    /* Its eviction group in its table (ofproto-evict.c), kept because
     * working it out means expanding the match: valid while
     * evict_group_gen is the table's groups_gen + 1. */
    uint32_t evict_group;
    uint32_t evict_group_gen;
    uint64_t mm_words[]; /* Storage of up.mm's words. */
};

static inline struct rule *
rule_cast(const struct ofproto_rule *r)
{
    return CONTAINER_OF(r, struct rule, up);
}

struct ofproto_table {
    struct ofproto_cls cls;
    uint64_t n_lookups, n_matched;
    uint32_t config; /* From table-mod (OF_TC14_*). */

    /* Settings from the database (ofproto_configure_table()). */
    char *name;                 /* NULL: unnamed. */
    unsigned int max_flows;     /* UINT_MAX: no limit. */
    bool evict_db;              /* overflow_policy=evict. */
    struct of_subfield *groups; /* Eviction group fields. */
    size_t n_groups;
    uint32_t groups_gen; /* Changes with the group fields. */

    /* OpenFlow 1.4 vacancy events, from a table-mod (ofproto-vacancy.c). */
    uint8_t vacancy_down, vacancy_up; /* Thresholds, percent. */
    uint8_t vacancy_next;             /* 0: events off; else the event
                                       * armed, OF_TABLE_STATUS_VACANCY_*. */
};

/* ---------------------------------------------------------------------
 * Table limits and eviction (ofproto-evict.c).
 * --------------------------------------------------------------------- */

/* Called by the table-add path once a new rule has gone into table
 * TABLE_ID and made it hold more than its limit: evicts (in the open
 * transaction, flow-removed reason "eviction") until the table is back
 * within its limit.  Returns 0, or OF_ERR_OFPFMFC_TABLE_FULL with a
 * message in *ERRP when the table does not evict or no flow in it can be
 * evicted; the caller then takes its new rule out again.  The new rule,
 * not yet on the expirable list, is never chosen. */
int ofproto_table_make_room(struct ofproto *, uint8_t table_id, char **errp);
/* True if table T evicts when full (from the database or a table-mod). */
bool ofproto_table_evicts(const struct ofproto_table *t);
/* Called after a table-mod changed table TABLE_ID's configuration: if it
 * now evicts and holds more than its limit, evicts down to the limit.
 * Returns how many went. */
size_t ofproto_table_config_changed(struct ofproto *, uint8_t table_id);
/* Frees T's settings (not its classifier). */
void ofproto_table_settings_destroy(struct ofproto_table *t);

/* A group and its statistics. */
struct ofgroup {
    struct hmap_node node; /* In ofproto's 'groups', by id. */
    struct of_group g;     /* Command unused (always OF_GC_ADD). */
    long long created_ms;
    uint64_t packets, bytes;
    struct of_bucket_stats *bstats; /* One per bucket. */
};

/* A meter and its statistics. */
struct ofmeter {
    struct hmap_node node; /* In ofproto's 'meters', by id. */
    struct of_meter m;
    long long created_ms;
    /* Counted before the datapath meter was last (re)set. */
    uint64_t packets, bytes;
    struct of_meter_band_stats bands[OF_METER_MAX_BANDS];
    uint32_t dp_meter; /* The datapath meter carrying it, or UINT32_MAX. */
};

/* Tells the datapath about the meter change U made (commit time). */
struct undo;
void ofproto_meter_commit(struct ofproto *, struct undo *u);
/* Takes every meter out of the datapath (at destroy). */
void ofproto_meters_release(struct ofproto *);

/* One undoable change. */
enum undo_kind {
    UNDO_INSERT, /* RULE was inserted. */
    UNDO_REMOVE, /* RULE was removed (REASON for flow-removed, or -1). */
    UNDO_MODIFY, /* RULE's actions etc. were replaced; OLD keeps them. */
    UNDO_GROUP,  /* Group ID was OLD_GROUP (NULL: absent); now NEW_GROUP. */
    UNDO_METER,  /* Same for meters. */
    UNDO_PORT,   /* Port OLD_PORT.ofp_port had config OLD_PORT.config. */
};

struct undo {
    enum undo_kind kind;
    int reason; /* UNDO_REMOVE: enum of_flow_removed_reason, or -1. */
    struct rule *rule;
    uint32_t id; /* UNDO_GROUP/UNDO_METER. */
    /* What each kind remembers, in one union: a transaction of 100,000
     * flow-mods logs as many entries, and their size is memory the
     * commit of a large bundle has to write. */
    union {
        /* UNDO_MODIFY: the replaced settings (owns the old actions).
         * Only what a modify changes: a whole struct ofproto_rule (its
         * match is over 1 kB) made every entry that large. */
        struct undo_rule_old {
            struct of_acts acts;
            uint64_t cookie;
            uint16_t flags, idle_timeout, hard_timeout, importance;
            uint64_t n_packets, n_bytes;
        } old;
        struct { /* UNDO_GROUP. */
            struct ofgroup *old_group, *new_group;
        };
        struct { /* UNDO_METER. */
            struct ofmeter *old_meter, *new_meter;
        };
        struct ofproto_port old_port; /* UNDO_PORT. */
    };
};

/* The undo log.  struct ofproto keeps one (txn_store) whose array it
 * reuses from one transaction to the next, so that a flow-mod applied on
 * its own (a transaction of one entry) allocates nothing for its log. */
struct ofproto_txn {
    struct undo *undos;
    size_t n, cap;
    long long now_ms; /* When it began: the time of the rules it adds. */
    /* Tables whose vacancy the commit checks (ofproto_vacancy_note()):
     * bit T % 64 of word T / 64 for table T. */
    uint64_t vacancy_check[(OFPROTO_N_TABLES + 63) / 64];
};

struct ofproto {
    char *name;
    uint64_t dpid;
    struct evloop *loop;
    const struct ofproto_ops *ops;
    void *aux;
    enum ofproto_fail_mode fail_mode;
    uint16_t frag_handling; /* OF_CONFIG_FRAG_*. */
    uint64_t generation;

    struct ofproto_table tables[OFPROTO_N_TABLES];
    size_t n_rules;
    uint64_t next_serial;
    struct dlist expirable; /* struct rule with idle or hard timeouts. */

    struct ofproto_port *ports; /* Sorted by number. */
    long long *port_created_ms; /* Parallel to PORTS. */
    size_t n_ports, cap_ports;
    bool (*port_stats_cb)(void *aux, uint16_t, struct ofproto_port_stats *);

    struct hmap groups; /* struct ofgroup. */
    struct hmap meters; /* struct ofmeter. */

    struct ofproto_txn *txn;      /* The open transaction (&txn_store), or
                                   * NULL. */
    struct ofproto_txn txn_store; /* Its log, kept between transactions. */
    struct connmgr *connmgr;
    struct ofproto_tlv_table tlv; /* Geneve option mappings. */
};

/* ---------------------------------------------------------------------
 * Vacancy events (ofproto-vacancy.c).
 *
 * As Open vSwitch 3.1: a table-mod with "vacancy:DOWN,UP" arms one event;
 * when a flow is added to the table (not replacing or evicting one) or
 * flows leave it (deleted, expired, evicted to a lower limit, with their
 * group or meter), the commit compares the table's vacancy with the
 * thresholds: below DOWN an armed VACANCY_DOWN is sent and VACANCY_UP
 * armed, above UP the reverse.  Aborted transactions send nothing.
 * --------------------------------------------------------------------- */

struct of_table_desc;

/* Table T's vacancy as Open vSwitch computes it: the percentage of its
 * limit still free, rounded down (0 when full); a table without a limit
 * (UINT_MAX) is 100 while empty and, by the same arithmetic, 99 with any
 * flow in it. */
uint8_t ofproto_table_vacancy(const struct ofproto_table *t);
/* Applies an OpenFlow 1.4 table-mod's vacancy settings to table
 * TABLE_ID: the thresholds DOWN and UP are kept either way; ON arms the
 * event the current vacancy points to (VACANCY_UP if below UP, else
 * VACANCY_DOWN) unless events were already on, !ON turns them off.  Sends
 * nothing. */
void ofproto_table_set_vacancy(struct ofproto *, uint8_t table_id, bool on,
                               uint8_t down, uint8_t up);
/* Fills *TD with table TABLE_ID's description as OFPMP_TABLE_DESC replies
 * and table-status messages carry it: the table-mod eviction flag, the
 * eviction flags, and the vacancy settings with the current vacancy. */
void ofproto_table_describe(const struct ofproto *, uint8_t table_id,
                            struct of_table_desc *td);
/* Called by ofproto_txn_commit() before anything else it does: for every
 * table noted by ofproto_vacancy_note(), sends the vacancy event that is
 * due, if any, to the connections (connmgr_send_table_status()). */
void ofproto_vacancy_commit(struct ofproto *);

/* Notes, in the open transaction, that table TABLE_ID's flow count
 * changed where Open vSwitch checks its vacancy (ofproto-vacancy.c): a
 * flow added that neither replaced nor evicted another, or flows removed
 * other than by the eviction that makes room for an add.  Cheap: nothing
 * unless the table has vacancy events on. */
static inline void
ofproto_vacancy_note(struct ofproto *p, uint8_t table_id)
{
    if (p->tables[table_id].vacancy_next && p->txn) {
        p->txn->vacancy_check[table_id / 64] |= UINT64_C(1) << (table_id % 64);
    }
}

/* ---------------------------------------------------------------------
 * Transactions (ofproto.c).
 * --------------------------------------------------------------------- */

/* Opens a transaction; one at a time. */
void ofproto_txn_begin(struct ofproto *);
/* Makes room in the open transaction's undo log for N more entries, for
 * a caller that knows how many changes it is about to make (a bundle's
 * commit): the log is then allocated once rather than grown by doubling,
 * each time copying what it holds. */
void ofproto_txn_reserve(struct ofproto *, size_t n);
/* Makes the changes final: frees what they removed, sends the flow-removed
 * messages they owe, bumps the generation if anything changed. */
void ofproto_txn_commit(struct ofproto *);
/* Undoes every change since ofproto_txn_begin(), newest first. */
void ofproto_txn_abort(struct ofproto *);
/* Appends an undo entry to the open transaction and returns it. */
struct undo *ofproto_txn_log(struct ofproto *, enum undo_kind);

/* ---------------------------------------------------------------------
 * Flows (ofproto-flow.c).
 * --------------------------------------------------------------------- */

/* Applies FM (a decoded flow-mod: NEW_COOKIE UINT64_MAX keeps cookies on
 * modify; a modify that selects nothing adds the flow only when it
 * carries a new cookie and no cookie mask, OpenFlow 1.0's rule) inside
 * the open transaction.  Returns 0 or an OpenFlow error with *ERRP. */
int ofproto_flow_mod_in_txn(struct ofproto *, const struct of_flow *,
                            enum of_flow_cmd, uint64_t new_cookie,
                            char **errp);
/* The rule an "add" flow-mod F will put into its table, made ahead of
 * the transaction that adds it: a bundle makes its adds as they arrive,
 * while the controller is still sending, so that its commit only checks
 * and inserts them.  NULL when F cannot be prepared (a table id out of
 * range, or tun_metadata fields, which take the TLV table's lengths at
 * commit): it then goes through ofproto_flow_mod_in_txn().  Freed with
 * ofproto_rule_free() unless added. */
struct rule *ofproto_rule_prepare(struct ofproto *, const struct of_flow *f);
/* Adds prepared rule R in the open transaction as
 * ofproto_flow_mod_in_txn() adds its flow (the same checks and errors).
 * On success R belongs to its table; on error it is still the caller's. */
int ofproto_flow_add_prepared_in_txn(struct ofproto *, struct rule *r,
                                     char **errp);
/* Removes RULE inside the open transaction, with flow-removed REASON (or
 * -1 for none). */
void ofproto_rule_remove_in_txn(struct ofproto *, struct rule *, int reason);
/* Takes RULE out of its table without logging anything (for undoing an
 * insertion). */
void ofproto_rule_detach(struct ofproto *, struct rule *);
/* Drops the tables' reference to a rule that is not in any table; it is
 * freed now unless someone else still holds an ofproto_rule_ref(). */
void ofproto_rule_free(struct rule *);
/* Removes and frees every rule (at destroy). */
void ofproto_flows_clear(struct ofproto *);

/* True if RULE's actions output to PORT (OF_PORT_NONE: always) and use
 * GROUP (OF_GROUP_ANY: always), as the out_port/out_group filters of
 * delete and statistics requests ask. */
bool ofproto_rule_has_out(const struct ofproto_rule *, uint16_t port,
                          uint32_t group);

/* Calls CB for every rule of table TABLE_ID (OF_TABLE_ALL: all) that a
 * non-strict request with MATCH, COOKIE/COOKIE_MASK, OUT_PORT and
 * OUT_GROUP selects, in table then priority order. */
void ofproto_collect_rules(const struct ofproto *, uint8_t table_id,
                           const struct of_match *match, uint64_t cookie,
                           uint64_t cookie_mask, uint16_t out_port,
                           uint32_t out_group, struct rule ***rulesp,
                           size_t *n_rulesp);

/* Expires rules whose timeouts passed at NOW_MS; returns the next time a
 * timeout falls due (LLONG_MAX if none). */
long long ofproto_expire(struct ofproto *, long long now_ms);

/* Number of rules whose actions use group GROUP_ID or meter METER_ID. */
uint32_t ofproto_group_ref_count(const struct ofproto *, uint32_t group_id);
uint32_t ofproto_meter_flow_count(const struct ofproto *, uint32_t meter_id);

/* Removes, inside the open transaction, every rule whose actions use group
 * (GROUP true) or meter ID, with flow-removed REASON. */
void ofproto_remove_rules_using(struct ofproto *, bool group, uint32_t id,
                                int reason);

/* delete_learned (ovs-actions(7)): the table and cookie of a learn action
 * with that flag.  When the last rule whose actions hold such a learn for
 * a table and cookie leaves (deleted, replaced, or modified to other
 * actions), the flows of that table with that cookie are deleted. */
struct ofproto_learned {
    uint8_t table_id;
    uint64_t cookie;
};
/* Appends to *KEYS (*N of *ALLOCATED used) the delete_learned learns of
 * the LEN bytes of actions at DATA, nested lists included. */
void ofproto_learned_collect(const void *data, size_t len,
                             struct ofproto_learned **keys, size_t *n,
                             size_t *allocated);
/* Deletes the learned flows of each of the N KEYS no rule's actions keep
 * a delete_learned learn for any more (outside any transaction). */
void ofproto_learned_flush(struct ofproto *,
                           const struct ofproto_learned *keys, size_t n);

/* Fills the flow-removed message for RULE removed for REASON at NOW_MS. */
void ofproto_rule_to_flow_removed(const struct ofproto_rule *, int reason,
                                  long long now_ms, struct of_flow_removed *);

/* ---------------------------------------------------------------------
 * Groups and meters (ofproto-group.c).
 * --------------------------------------------------------------------- */

struct ofgroup *ofproto_group_lookup(const struct ofproto *, uint32_t id);
struct ofmeter *ofproto_meter_lookup(const struct ofproto *, uint32_t id);
/* Applies a group-mod or meter-mod inside the open transaction.  Returns
 * 0 or an OpenFlow error with *ERRP. */
int ofproto_group_mod_in_txn(struct ofproto *, const struct of_group *,
                             char **errp);
int ofproto_meter_mod_in_txn(struct ofproto *, const struct of_meter *,
                             char **errp);
void ofproto_group_free(struct ofgroup *);
void ofproto_meter_free(struct ofmeter *);
/* Frees every group and meter (at destroy). */
void ofproto_groups_clear(struct ofproto *);

/* ---------------------------------------------------------------------
 * Ports (ofproto.c).
 * --------------------------------------------------------------------- */

/* The OpenFlow description of PORT. */
void ofproto_port_to_of(const struct ofproto_port *, struct of_port *);
/* When port OFP_PORT was added (for port statistics durations). */
long long ofproto_port_created(const struct ofproto *, uint16_t ofp_port);
/* Applies a port-mod inside the open transaction (config bits only):
 * 0, OF_ERR_OFPPMFC_BAD_PORT or OF_ERR_OFPPMFC_BAD_HW_ADDR. */
int ofproto_port_mod_in_txn(struct ofproto *, const struct of_port_mod *,
                            char **errp);

/* Converts between a match and the classifier's key and mask. */
void ofproto_key_from_match(const struct of_match *, struct ofproto_key *key,
                            struct ofproto_key *mask);
/* The same for a rule's match. */
void ofproto_rule_key(const struct ofproto_rule *, struct ofproto_key *key,
                      struct ofproto_key *mask);

/* ofproto_cls_lookup() with conjunctive matches (ofproto-conj.c): the
 * rule KEY gets in CLS when flows with conjunction actions are clauses of
 * conjunctions rather than rules of their own. */
const struct ofproto_cls_rule *
ofproto_conj_lookup(const struct ofproto_cls *cls,
                    const struct ofproto_key *key, struct ofproto_key *wc);

#endif /* ofproto-private.h */
