/* ofproto-tlv.h: a bridge's Geneve option mapping table (what Open
 * vSwitch calls the TLV table or tun_metadata table): which Geneve option
 * (class, type, length) each tun_metadata0..63 field stands for, as
 * controllers set it with NXT_TLV_TABLE_MOD and read it with
 * NXT_TLV_TABLE_REQUEST (ofctl/ofp-tlv.h), and how flows that name
 * tun_metadata fields are checked and normalised against it.
 *
 * Semantics follow Open vSwitch 3.1:
 *   - The table offers OF_TLV_MAX_SPACE (256) bytes of option data in
 *     4-byte blocks and OF_TLV_MAX_FIELDS (64) fields.
 *   - ADD is refused as a whole with NXTTMFC_ALREADY_MAPPED (the field is
 *     mapped, also by an earlier map of the same message), DUP_ENTRY (the
 *     class and type are mapped to another field) or TABLE_FULL (no room
 *     left).  DELETE ignores fields that are not mapped.  CLEAR removes
 *     everything.  DELETE and CLEAR are refused with INVALID_TLV_DEL while
 *     a flow names a field they would remove (in its match, in set_field,
 *     load, move or output_reg).  Unlike Open vSwitch, a refused DELETE
 *     leaves the table as it was (Open vSwitch may have unmapped some of
 *     the listed fields by then).
 *   - A flow whose match or actions name an unmapped field is refused
 *     with NXFMFC_INVALID_TLV_FIELD.  A mapped field takes the mapping's
 *     length: a shorter value is zero-extended, a longer one keeps its
 *     leading (most significant) bytes, as Open vSwitch 3.1 does (it does
 *     not refuse them); a move or output_reg reaching past the mapping's
 *     bits is refused with OFPBAC_BAD_SET_LEN.
 *
 * Matching packets on options is not there yet: the datapath does not
 * carry Geneve options, so a rule that matches a tun_metadata field never
 * matches a packet (ofproto_key_from_match() keys it so).
 *
 * Main thread only, like the rest of ofproto. */
#ifndef NICFLOW_VSWITCHD_OFPROTO_TLV_H
#define NICFLOW_VSWITCHD_OFPROTO_TLV_H 1

#include <stdbool.h>
#include <stdint.h>

#include "ofctl/match.h"
#include "ofctl/ofp-errors.h"
#include "ofctl/ofp-tlv.h"

struct of_acts;
struct of_flow;
struct of_msg;
struct ofconn;
struct ofproto;

/* One mapped field. */
struct ofproto_tlv_entry {
    bool valid;
    uint8_t option_type;
    uint8_t option_len; /* Bytes: a multiple of 4, at most 124. */
    uint16_t option_class;
    uint64_t blocks; /* The 4-byte blocks of option space it holds. */
};

/* The table of one bridge, embedded in struct ofproto (all zeros: empty). */
struct ofproto_tlv_table {
    struct ofproto_tlv_entry entries[OF_N_TUN_MD];
    uint64_t used_blocks; /* OF_TLV_MAX_SPACE / 4 = 64 blocks. */
};

/* Applies TM to P's table, all or nothing.  Returns 0 or one of the
 * NXTTMFC_* errors above. */
enum of_err ofproto_tlv_mod(struct ofproto *, const struct of_tlv_table_mod *);

/* Fills R with P's table (mappings in field order; caller destroys
 * R->maps). */
void ofproto_tlv_get(const struct ofproto *, struct of_tlv_table_reply *r);

/* The mapped length in bytes of tun_metadataIDX on P, or -1 if unmapped. */
int ofproto_tlv_field_len(const struct ofproto *, unsigned idx);

/* True if F's match or actions name any tun_metadata field. */
bool ofproto_tlv_flow_uses_md(const struct of_flow *);

/* Checks F's tun_metadata fields against P's table and gives them their
 * mapped lengths, in place (F's actions must be F's own buffer).
 * Returns 0, or NXFMFC_INVALID_TLV_FIELD or OFPBAC_BAD_SET_LEN with a
 * message in *ERRP (caller frees). */
enum of_err ofproto_tlv_normalize_flow(const struct ofproto *,
                                       struct of_flow *, char **errp);

/* The classifier's view of a match's tunnel metadata: 0 when M has none,
 * else a nonzero hash of it, so that rules differing only in tunnel
 * metadata are different rules to the classifier. */
uint32_t ofproto_tlv_match_hash(const struct of_match *);

/* True if RULE's tunnel metadata is at least as specific as QUERY's (and
 * agrees with it where QUERY matches): the tunnel metadata half of a
 * non-strict flow-mod or statistics request's selection. */
bool ofproto_tlv_match_covers(const struct of_match *rule,
                              const struct of_match *query);

/* Message handlers for connmgr-handlers.c: NXT_TLV_TABLE_MOD (a change:
 * refused from secondaries by the caller) and NXT_TLV_TABLE_REQUEST.
 * Each returns 0 or the error to answer with. */
enum of_err ofproto_tlv_handle_mod(struct ofconn *, const struct of_msg *);
enum of_err ofproto_tlv_handle_request(struct ofconn *, const struct of_msg *);

#endif /* NICFLOW_VSWITCHD_OFPROTO_TLV_H */
