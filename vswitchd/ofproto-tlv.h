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
 * Packets (ofproto-tlv-md.c): the datapath keeps a decapsulated packet's
 * raw Geneve options (lib/packet.h struct pkt_tun_opts, datapath form);
 * translation maps them through the receiving bridge's table into
 * tun_metadataN (ofproto_tlv_md_from_geneve(): an option with no mapping
 * is ignored unless critical; a critical one with no mapping, or an
 * option whose length is not its mapping's, makes the packet invalid, as
 * in Open vSwitch).  The OpenFlow classifier keys tun_metadata in
 * struct flow's tunnel.opts in its OpenFlow form: PRESENT has bit N for
 * tun_metadataN, and DATA one 4-byte slot per field: the field's low 4
 * bytes (masked) when its value is at most 4 bytes long (a packet: the
 * mapping's length; a rule: the length its mask covers), otherwise a
 * hash of the value.  So a field mapped to at most 4 bytes matches with
 * any mask, and a wider one with exact values only: a rule with a
 * partial mask on it matches no packet (pad[0] set in the rule says so).
 *
 * Main thread only, like the rest of ofproto. */
#ifndef NICFLOW_VSWITCHD_OFPROTO_TLV_H
#define NICFLOW_VSWITCHD_OFPROTO_TLV_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/packet.h"
#include "ofctl/match.h"
#include "ofctl/ofp-errors.h"
#include "ofctl/ofp-tlv.h"

struct of_acts;
struct of_flow;
struct of_msg;
struct ofconn;
struct ofproto;
struct ofproto_key;

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

/* True if RULE's tunnel metadata is at least as specific as QUERY's (and
 * agrees with it where QUERY matches): the tunnel metadata half of a
 * non-strict flow-mod or statistics request's selection. */
bool ofproto_tlv_match_covers(const struct of_match *rule,
                              const struct of_match *query);

/* Packets' Geneve options (ofproto-tlv-md.c). */

/* Maps the datapath-form options RAW through P's table into ST's
 * tun_metadata fields.  Returns 0, or EINVAL with the reason in *WHYP
 * (caller frees): a critical option P does not map, an option whose
 * length differs from its mapping's, or options that are not whole. */
int ofproto_tlv_md_from_geneve(const struct ofproto *p,
                               const struct pkt_tun_opts *raw,
                               struct of_match *st, char **whyp);

/* The same for a megaflow whose key has the options RAW and whose mask
 * has RMASK (datapath form): each field gets the option's data masked by
 * RMASK as value and mask (none when that mask is zero); for printing a
 * megaflow in match syntax. */
int ofproto_tlv_md_from_geneve_masked(const struct ofproto *p,
                                      const struct pkt_tun_opts *raw,
                                      const struct pkt_tun_opts *rmask,
                                      struct of_match *st, char **whyp);

/* M's tun_metadata as an OpenFlow-form classifier key KEY, and, when MASK
 * is nonnull, its mask (a rule's match); MASK NULL: a packet's state. */
void ofproto_tlv_md_to_key(const struct of_match *m, struct pkt_tun_opts *key,
                           struct pkt_tun_opts *mask);

/* The tunnel-metadata part of ofproto_key_from_match(). */
void ofproto_tlv_match_to_key(const struct of_match *m,
                              struct ofproto_key *key,
                              struct ofproto_key *mask);

/* The datapath-form megaflow mask for a packet whose raw options are RAW
 * when the translation consulted the fields in WC (OpenFlow form): zero
 * when it consulted none; otherwise the length, every option's header and
 * the data of the options mapped to consulted fields (P's table), so that
 * every packet the megaflow matches has the same consulted values. */
void ofproto_tlv_md_mask(const struct ofproto *p,
                         const struct pkt_tun_opts *raw,
                         const struct pkt_tun_opts *wc,
                         struct pkt_tun_opts *mask);

/* Writes the options for ST's present tun_metadata fields that P maps
 * (in field order, class, type and length from the mapping) to OPTS (room
 * for PKT_TUN_OPTS_MAX bytes) and returns their length; *USED gets the
 * fields written.  Fields that would not fit are left out. */
size_t ofproto_tlv_md_to_geneve(const struct ofproto *p,
                                const struct of_match *st, uint8_t *opts,
                                uint64_t *used);

/* Message handlers for connmgr-handlers.c: NXT_TLV_TABLE_MOD (a change:
 * refused from secondaries by the caller) and NXT_TLV_TABLE_REQUEST.
 * Each returns 0 or the error to answer with. */
enum of_err ofproto_tlv_handle_mod(struct ofconn *, const struct of_msg *);
enum of_err ofproto_tlv_handle_request(struct ofconn *, const struct of_msg *);

#endif /* NICFLOW_VSWITCHD_OFPROTO_TLV_H */
