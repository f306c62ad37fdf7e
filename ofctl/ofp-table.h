/* ofp-table.h: OpenFlow table messages — table-mod, table statistics and
 * table features.
 *
 * As in the other message codecs: models in host byte order, encoders
 * that build the whole message for a version, decoders with strict
 * validation returning the error Open vSwitch would answer with, and
 * printers producing what "ovs-ofctl ofp-print" / "dump-tables" print
 * after the message's "(xid=0x...):". */
#ifndef NICFLOW_OFCTL_OFP_TABLE_H
#define NICFLOW_OFCTL_OFP_TABLE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/flow-text.h" /* OF_TABLE_ALL */
#include "ofctl/ofp.h"

/* ---------------------------------------------------------------------
 * Table mod (OpenFlow 1.1+).
 * --------------------------------------------------------------------- */

/* OpenFlow 1.4+ table config bits. */
#define OF_TC14_EVICTION (1u << 2)
#define OF_TC14_VACANCY_EVENTS (1u << 3)

struct of_table_mod {
    uint8_t table_id; /* OF_TABLE_ALL for every table. */
    uint32_t config;  /* Wire config bits (OF_TC14_* in 1.4+). */
    /* OpenFlow 1.4+ properties, each sent only when present. */
    bool has_eviction_flags;
    uint32_t eviction_flags;
    bool has_vacancy;
    uint8_t vacancy_down, vacancy_up; /* Percentages, down <= up. */
};

/* Encodes a table-mod; properties only in OpenFlow 1.4+. */
void of_table_mod_encode(struct buf *, uint8_t version, uint32_t xid,
                         const struct of_table_mod *);
/* Errors: OF_ERR_OFPBRC_BAD_LEN, OF_ERR_OFPBPC_BAD_LEN (a property of the
 * wrong length), OF_ERR_OFPBRC_BAD_TYPE (an unknown property, as Open
 * vSwitch answers),
 * OF_ERR_OFPBPC_BAD_VALUE (vacancy thresholds above 100 or down > up). */
enum of_err of_table_mod_decode(const struct of_msg *, struct of_table_mod *);
/* " table_id=1" and, in OpenFlow 1.4+, the eviction and vacancy state. */
void of_table_mod_format(struct buf *, uint8_t version,
                         const struct of_table_mod *);

/* ---------------------------------------------------------------------
 * Table statistics.
 * --------------------------------------------------------------------- */

struct of_table_stats {
    uint8_t table_id;
    uint32_t active_count;
    uint64_t lookup_count, matched_count;
    /* OpenFlow 1.0 only. */
    char name[33];
    uint32_t wildcards; /* OpenFlow 1.0 OFPFW10_* bits. */
    uint32_t max_entries;
};

struct of_table_stats_list {
    struct of_table_stats *stats;
    size_t n;
};
/* Frees the array (not LIST itself). */
void of_table_stats_list_destroy(struct of_table_stats_list *);

/* Encodes a table-stats reply: OpenFlow 1.0 entries with name, wildcards
 * and max_entries, 1.3+ compact ones.  (The request has no body:
 * of_switch_empty_encode() builds it.) */
void of_table_stats_reply_encode(struct buf *, uint8_t version, uint32_t xid,
                                 const struct of_table_stats_list *);
/* Fills *LIST (caller destroys it).  Errors: OF_ERR_OFPBRC_BAD_LEN (a
 * partial entry). */
enum of_err of_table_stats_reply_decode(const struct of_msg *,
                                        struct of_table_stats_list *);
/* What "ovs-ofctl dump-tables" prints: per table its counters and, in
 * OpenFlow 1.0, name, max_entries and wildcardable fields; tables like
 * the previous one are abbreviated as ovs-ofctl does ("ditto"). */
void of_table_stats_reply_format(struct buf *, uint8_t version,
                                 const struct of_table_stats_list *);

/* ---------------------------------------------------------------------
 * Table features (OpenFlow 1.3+).
 * --------------------------------------------------------------------- */

/* Property types; each X has an X_MISS twin (X + 1) for the table-miss
 * flow. */
enum of_tfp_type {
    OF_TFPT_INSTRUCTIONS = 0,
    OF_TFPT_NEXT_TABLES = 2,
    OF_TFPT_WRITE_ACTIONS = 4,
    OF_TFPT_APPLY_ACTIONS = 6,
    OF_TFPT_MATCH = 8,
    OF_TFPT_WILDCARDS = 10,
    OF_TFPT_WRITE_SETFIELD = 12,
    OF_TFPT_APPLY_SETFIELD = 14,
    OF_TFPT_N = 16,
};

/* One property that lists ids: instruction or action types (16 bits
 * each), table ids (8 bits) or OXM headers (32 bits; an experimenter
 * OXM's experimenter id in the low half of a 64-bit id). */
struct of_tf_ids {
    bool present;
    size_t n;
    uint64_t *ids;
};

struct of_table_features {
    uint8_t table_id;
    uint8_t command;   /* OpenFlow 1.5 only. */
    uint32_t features; /* OpenFlow 1.5 only. */
    char name[33];
    uint64_t metadata_match, metadata_write;
    uint32_t capabilities; /* "config" in 1.3. */
    uint32_t max_entries;
    struct of_tf_ids props[OF_TFPT_N]; /* Indexed by enum of_tfp_type. */
    /* Properties of other types (experimenter ones), kept whole and
     * resent as they came. */
    uint8_t *other;
    size_t other_len;
};

struct of_table_features_list {
    struct of_table_features *tables;
    size_t n;
};
/* Frees every table's ids and opaque properties, and the array. */
void of_table_features_list_destroy(struct of_table_features_list *);

/* TYPE is OF_T_TABLE_FEATURES_REQUEST (an empty list asks for the
 * features) or OF_T_TABLE_FEATURES_REPLY. */
void of_table_features_encode(struct buf *, enum of_type, uint8_t version,
                              uint32_t xid,
                              const struct of_table_features_list *);
/* Errors: OF_ERR_OFPBRC_BAD_LEN (entry length), OF_ERR_OFPBPC_BAD_LEN
 * (property length or ids that do not fill it), OF_ERR_OFPTFFC_BAD_TABLE
 * (table id 0xff), as Open vSwitch answers.  Fills *LIST (caller destroys
 * it, also after an error). */
enum of_err of_table_features_decode(const struct of_msg *,
                                     struct of_table_features_list *);
/* What "ovs-ofctl dump-table-features" prints: per table its metadata,
 * eviction and vacancy support (1.4+), max_entries, instructions, actions
 * and fields (as Open vSwitch names and orders them; ids it does not know
 * are left out), abbreviating tables like the previous one ("ditto",
 * "(same instructions)", "(same matching)"). */
void of_table_features_format(struct buf *, uint8_t version,
                              const struct of_table_features_list *);

/* ---------------------------------------------------------------------
 * Table descriptions and table status (OpenFlow 1.4+).
 *
 * Table descriptions travel in OFPMP_TABLE_DESC replies and in table
 * status messages.
 * --------------------------------------------------------------------- */

/* Eviction flags (OFPTMPEF14_*). */
#define OF_TMPEF_OTHER (1u << 0)
#define OF_TMPEF_IMPORTANCE (1u << 1)
#define OF_TMPEF_LIFETIME (1u << 2)

struct of_table_desc {
    uint8_t table_id;
    uint32_t config; /* OF_TC14_*. */
    bool has_eviction_flags;
    uint32_t eviction_flags; /* OF_TMPEF_*. */
    bool has_vacancy;
    uint8_t vacancy_down, vacancy_up, vacancy; /* Percentages. */
};

/* Appends one table description with its eviction and vacancy
 * properties (each only when present). */
void of_table_desc_put(struct buf *, const struct of_table_desc *);
/* Pulls one from C.  Unknown properties are skipped, as Open vSwitch
 * does.  Errors: OF_ERR_OFPBRC_BAD_LEN (entry length),
 * OF_ERR_OFPBPC_BAD_LEN (property length). */
enum of_err of_table_desc_pull(struct of_cursor *, struct of_table_desc *);
/* "  table 1:", then the eviction and vacancy lines, as ovs-ofctl prints
 * a table description. */
void of_table_desc_format(struct buf *, const struct of_table_desc *);

/* Encodes a table-desc reply (OpenFlow 1.4+) with the N descriptions at
 * TDS, in one message (254 tables fit well within 64 kB). */
void of_table_desc_reply_encode(struct buf *, uint8_t version, uint32_t xid,
                                const struct of_table_desc *tds, size_t n);
/* Decodes a table-desc reply into a new array *TDSP of *NP descriptions
 * (caller frees; NULL and 0 on error).  Errors as of_table_desc_pull(). */
enum of_err of_table_desc_reply_decode(const struct of_msg *,
                                       struct of_table_desc **tdsp,
                                       size_t *np);

/* Table status reasons. */
#define OF_TABLE_STATUS_VACANCY_DOWN 3
#define OF_TABLE_STATUS_VACANCY_UP 4

struct of_table_status {
    uint8_t reason; /* OF_TABLE_STATUS_*. */
    struct of_table_desc desc;
};

/* Encodes a table-status message (OpenFlow 1.4+). */
void of_table_status_encode(struct buf *, uint8_t version, uint32_t xid,
                            const struct of_table_status *);
/* Errors: OF_ERR_OFPBRC_BAD_LEN, OF_ERR_OFPBPC_BAD_LEN,
 * OF_ERR_OFPBPC_BAD_VALUE (a reason other than the vacancy ones, as Open
 * vSwitch answers). */
enum of_err of_table_status_decode(const struct of_msg *,
                                   struct of_table_status *);
/* " reason=VACANCY_DOWN", "table_desc:-" and the description. */
void of_table_status_format(struct buf *, const struct of_table_status *);

/* ---------------------------------------------------------------------
 * Printing any of the above.
 * --------------------------------------------------------------------- */

/* If MSG is one of the messages above, decodes it and appends what
 * ovs-ofctl prints after its "(xid=0x...):" to B, returning 0 or the
 * decode error; returns OF_ERR_OFPBRC_BAD_TYPE for other messages. */
enum of_err of_table_msg_format(struct buf *, const struct of_msg *);

#endif /* NICFLOW_OFCTL_OFP_TABLE_H */
