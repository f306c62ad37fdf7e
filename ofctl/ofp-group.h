/* ofp-group.h: OpenFlow groups on the wire and in ovs-ofctl's text.
 *
 * Groups exist in OpenFlow 1.1 and later.  The model (struct of_group)
 * is the same for every version and in host byte order; the codec picks
 * each version's layout: OpenFlow 1.1-1.4 buckets carry weight, watch
 * port and watch group in fixed fields, OpenFlow 1.5 buckets carry a
 * bucket id and put those three in properties, and 1.5 group mods add a
 * command bucket id and group properties (Open vSwitch's selection_method
 * experimenter property among them).
 *
 * Ports are held in OpenFlow 1.0 numbering (OF_PORT_*), as everywhere in
 * the model; the codec maps 1.1+ 32-bit reserved ports onto them.
 *
 * Decoders are strict and all-or-nothing: on error the output model is
 * left empty (initialised) and the OF_ERR_* value says why. */
#ifndef NICFLOW_OFCTL_OFP_GROUP_H
#define NICFLOW_OFCTL_OFP_GROUP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/actions.h"
#include "ofctl/ofp.h"

/* Group ids with special meanings. */
#define OF_GROUP_MAX 0xffffff00u
#define OF_GROUP_ALL 0xfffffffcu
#define OF_GROUP_ANY 0xffffffffu

/* OpenFlow 1.5 bucket ids with special meanings. */
#define OF_BUCKET_MAX 0xffffff00u
#define OF_BUCKET_FIRST 0xfffffffdu
#define OF_BUCKET_LAST 0xfffffffeu
#define OF_BUCKET_ALL 0xffffffffu

/* Group types (the wire values). */
enum of_group_type {
    OF_GT_ALL = 0,
    OF_GT_SELECT = 1,
    OF_GT_INDIRECT = 2,
    OF_GT_FF = 3,
};

/* Group-mod commands (wire values of OpenFlow 1.5; 1.1-1.4 have only the
 * first three).  OF_GC_ADD_OR_MOD is Open vSwitch's extension used by
 * "ovs-ofctl --may-create mod-group". */
enum of_group_cmd {
    OF_GC_ADD = 0,
    OF_GC_MODIFY = 1,
    OF_GC_DELETE = 2,
    OF_GC_INSERT_BUCKET = 3,
    OF_GC_REMOVE_BUCKET = 5,
    OF_GC_ADD_OR_MOD = 0x8000,
};

/* One bucket.  WATCH_PORT is OF_PORT_NONE and WATCH_GROUP OF_GROUP_ANY
 * when unset; BUCKET_ID is only carried by OpenFlow 1.5 (earlier versions
 * number buckets 0, 1, 2, ... in order on decode). */
struct of_bucket {
    uint32_t bucket_id;
    uint16_t weight;
    uint16_t watch_port;
    uint32_t watch_group;
    struct of_acts acts;
};

/* Open vSwitch's selection_method group property (the Netronome
 * experimenter property 0x154d/1): METHOD is "" when absent.  FIELDS holds
 * the hashed fields as they travel: for each, its unmasked OXM header
 * followed by its mask.  Only OpenFlow 1.5 group mods and group-desc
 * replies carry it; encoding in an earlier version leaves it out, as
 * Open vSwitch does. */
struct of_group_props {
    char method[16];
    uint64_t param;
    uint8_t fields[64];
    size_t fields_len;
};

/* A group: what group-mod carries and what group-desc replies describe. */
struct of_group {
    enum of_group_cmd command;
    enum of_group_type type;
    uint32_t group_id;
    uint32_t command_bucket_id; /* 1.5 insert/remove_bucket. */
    struct of_bucket *buckets;
    size_t n_buckets;
    struct of_group_props props;
};

/* Initialises G as an empty "add" of an "all" group. */
void of_group_init(struct of_group *);
/* Frees G's buckets and actions and reinitialises it. */
void of_group_destroy(struct of_group *);
/* Appends a bucket with default settings and returns it. */
struct of_bucket *of_group_add_bucket(struct of_group *);
/* True if A and B are the same (commands, ids, buckets, props). */
bool of_group_equal(const struct of_group *, const struct of_group *);

/* Group-mod: encodes G in VERSION (1.1+) into B.  Returns 0, or an error
 * if G cannot be expressed in VERSION (OFPGMFC_BAD_COMMAND for bucket
 * commands before 1.5) or its actions cannot be encoded.  B is cleared
 * first and holds nothing useful on error. */
enum of_err of_group_mod_encode(const struct of_group *, uint8_t version,
                                uint32_t xid, struct buf *);
/* Decodes a received OFPT_GROUP_MOD into G (initialised by the call). */
enum of_err of_group_mod_decode(const struct of_msg *, struct of_group *);

/* Group-desc request: encodes a request for GROUP_ID, which only
 * OpenFlow 1.5 carries (earlier versions always ask for every group). */
void of_group_desc_request_encode(uint32_t group_id, uint8_t version,
                                  uint32_t xid, struct buf *);
/* Decodes one into *GROUP_ID (OF_GROUP_ALL before 1.5); a body of the
 * wrong size is OFPBRC_BAD_LEN. */
enum of_err of_group_desc_request_decode(const struct of_msg *,
                                         uint32_t *group_id);

/* Group-desc reply: encodes N groups (their COMMAND is ignored).  Fails
 * only if a bucket's actions cannot be encoded in VERSION. */
enum of_err of_group_desc_reply_encode(const struct of_group *, size_t n,
                                       uint8_t version, uint32_t xid,
                                       struct buf *);
/* Decodes one, allocating *GROUPS (free each with of_group_destroy() and
 * the array with free()); on error *GROUPS is NULL and *N 0.  Entries
 * with a bad length are OFPBRC_BAD_LEN, bad buckets as for group-mod. */
enum of_err of_group_desc_reply_decode(const struct of_msg *,
                                       struct of_group **groups, size_t *n);

/* Group statistics. */
struct of_bucket_stats {
    uint64_t packets;
    uint64_t bytes;
};
struct of_group_stats {
    uint32_t group_id;
    uint32_t ref_count;
    uint64_t packets;
    uint64_t bytes;
    uint32_t duration_sec; /* 1.3+; UINT32_MAX when unknown. */
    uint32_t duration_nsec;
    struct of_bucket_stats *buckets;
    size_t n_buckets;
};
/* Group-stats request for GROUP_ID (OF_GROUP_ALL for every group). */
void of_group_stats_request_encode(uint32_t group_id, uint8_t version,
                                   uint32_t xid, struct buf *);
/* Decodes one into *GROUP_ID; a wrong body size is OFPBRC_BAD_LEN. */
enum of_err of_group_stats_request_decode(const struct of_msg *,
                                          uint32_t *group_id);
/* Group-stats reply for N groups (durations only from OpenFlow 1.3). */
void of_group_stats_reply_encode(const struct of_group_stats *, size_t n,
                                 uint8_t version, uint32_t xid, struct buf *);
/* Decodes one, allocating *STATS (free with of_group_stats_free()); an
 * entry whose length is not its fixed part plus whole bucket counters is
 * OFPBRC_BAD_LEN. */
enum of_err of_group_stats_reply_decode(const struct of_msg *,
                                        struct of_group_stats **stats,
                                        size_t *n);
/* Frees the N entries of STATS and STATS itself. */
void of_group_stats_free(struct of_group_stats *, size_t n);

/* Group features. */
#define OF_GFC_SELECT_WEIGHT 0x1
#define OF_GFC_SELECT_LIVENESS 0x2
#define OF_GFC_CHAINING 0x4
#define OF_GFC_CHAINING_CHECKS 0x8
struct of_group_features {
    uint32_t types;        /* Bit N set: group type N supported. */
    uint32_t capabilities; /* OF_GFC_*. */
    uint32_t max_groups[4];
    uint32_t actions[4]; /* Wire bitmaps of action types, per type. */
};
/* Group-features reply. */
void of_group_features_reply_encode(const struct of_group_features *,
                                    uint8_t version, uint32_t xid,
                                    struct buf *);
/* Decodes one; a body other than 40 bytes is OFPBRC_BAD_LEN. */
enum of_err of_group_features_reply_decode(const struct of_msg *,
                                           struct of_group_features *);

/* ---------------------------------------------------------------------
 * Text (ofp-group-text.c).
 * --------------------------------------------------------------------- */

/* Parses what "ovs-ofctl add-group" (COMMAND OF_GC_ADD), "mod-group"
 * (OF_GC_MODIFY), "del-groups" (OF_GC_DELETE; an empty string means all
 * groups), "insert-buckets" and "remove-buckets" accept, e.g.
 *   group_id=1,type=select,bucket=output:1,bucket=weight:10,actions=2
 * into G (initialised by the call).  Returns NULL or an error message
 * (caller frees). */
char *of_group_parse(struct of_group *, const char *s,
                     enum of_group_cmd command);

/* Appends G as one "ovs-ofctl dump-groups" line for VERSION (without the
 * leading space ovs-ofctl indents it with): "group_id=1,type=select,
 * bucket=bucket_id:0,actions=output:1".  OpenFlow 1.5 prints bucket ids
 * and the selection method; earlier versions do not. */
void of_group_format(const struct of_group *, uint8_t version, struct buf *);

/* Appends G as ofp-print shows a group-mod body: the command ("ADD",
 * "MOD", "DEL", "INSERT_BUCKET", ...), for OpenFlow 1.5 bucket commands
 * "command_bucket_id:first," and then of_group_format()'s text. */
void of_group_mod_format(const struct of_group *, uint8_t version,
                         struct buf *);

/* Appends one "ovs-ofctl dump-group-stats" line. */
void of_group_stats_format(const struct of_group_stats *, struct buf *);

/* Appends "ovs-ofctl dump-group-features" output: several lines, each
 * ending in a newline, as ofp-print shows them after the header line
 * (action bitmaps are named by OpenFlow 1.1+ action type). */
void of_group_features_format(const struct of_group_features *, struct buf *);

/* Decodes MSG, any group message (group-mod, group-desc and group-stats
 * requests and replies, group-features reply), and appends what
 * "ovs-ofctl ofp-print" shows after the header line: e.g. "\n ADD
 * group_id=1,type=all,bucket=actions=output:1".  Returns the decoder's
 * error (then what was appended is incomplete), or OFPBRC_BAD_TYPE for
 * other messages. */
enum of_err of_group_msg_format(const struct of_msg *, struct buf *);

/* The name of group type TYPE ("all", "select", "indirect", "ff"). */
const char *of_group_type_name(enum of_group_type);

#endif /* NICFLOW_OFCTL_OFP_GROUP_H */
