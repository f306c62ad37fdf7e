/* ofp-match.h: matches on the wire — OXM (OpenFlow 1.2+), NXM (Nicira
 * extended match, used with OpenFlow 1.0) and the OpenFlow 1.0 fixed
 * struct ofp10_match — to and from struct of_match.
 *
 * An OXM/NXM entry is a 32-bit header (class:16, field:7, hasmask:1,
 * length:8), followed for the experimenter class (0xffff) by a 32-bit
 * experimenter id (so the "header" is 64 bits and the length byte counts
 * those 4 bytes too), then the value and, if hasmask, the mask.  The field
 * table (match.h) carries every field's OXM and NXM code points.
 *
 * Encoders write entries in Open vSwitch 3.1's order and spelling, so the
 * bytes equal what ovs-ofctl sends (tests/unit/ofctl-match-golden.txt).
 * The one deliberate difference: ct_nw_proto, ct_tp_src and ct_tp_dst are
 * written whenever they are matched, where Open vSwitch leaves all three
 * out when ct_nw_proto's value is 0 (silently widening the match).
 *
 * Decoders are strict, with Open vSwitch's error codes, and store nothing
 * in the output match unless the whole match decodes:
 *   OFPBMC_BAD_FIELD      unknown code point, or a known one with a length
 *                         that does not suit the field (Open vSwitch looks
 *                         code points up with their length), or the NXM
 *                         cookie where none is allowed;
 *   OFPBMC_DUP_FIELD      a field twice, or two fields sharing bits
 *                         (vlan_tci and vlan_vid, reg0 and xreg0, ...);
 *   OFPBMC_BAD_PREREQ     prerequisites not met by the entries before it;
 *   OFPBMC_BAD_WILDCARDS  value bits set where the mask is 0;
 *   OFPBMC_BAD_MASK       a partial mask on a field that takes none;
 *   OFPBMC_BAD_VALUE      value bits the field does not have (ECN bits in
 *                         NXM_OF_IP_TOS, a 32-bit port between 0xff00 and
 *                         0xfffffeff, a packet type other than Ethernet);
 *   OFPBMC_BAD_LEN        an entry or header running past the end, an
 *                         experimenter length below 4, nonzero padding;
 *   OFPBMC_BAD_TYPE       an ofp_match whose type is not OFPMT_OXM.
 * OXM_OF_PACKET_TYPE with the Ethernet type (0), which Open vSwitch adds
 * in some cases, is accepted and changes nothing. */
#ifndef NICFLOW_OFCTL_OFP_MATCH_H
#define NICFLOW_OFCTL_OFP_MATCH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/match.h"
#include "ofctl/ofp.h"

/* ---------------------------------------------------------------------
 * Single field headers (used by actions too: move, load, output:reg,
 * learn and set_field name fields by their NXM/OXM header).
 * --------------------------------------------------------------------- */

/* The 32-bit header of field F for OXM (OXM == true; OpenFlow 1.2+ code
 * point, falling back to the NXM one when the field has no OXM one) or
 * NXM (falling back to OXM), with the hasmask bit as given and the length
 * of value (and mask).  For experimenter classes, *EXPERIMENTER receives
 * the experimenter id (else 0).  Returns 0 if F has no code point. */
uint32_t of_field_header(const struct of_field *, bool oxm, bool masked,
                         uint32_t *experimenter);

/* Bytes the header of F takes on the wire (4, or 8 with experimenter). */
size_t of_field_header_len(const struct of_field *, bool oxm);

/* Appends F's header (4 or 8 bytes) to B. */
void of_field_put_header(struct buf *, const struct of_field *, bool oxm,
                         bool masked);

/* Reads a field header at the cursor (4 bytes, or 8 for class 0xffff).
 * Returns the field and sets *MASKED and *PAYLOAD_LEN: the bytes of value
 * (and mask) that follow the header, i.e. the header's length byte, less
 * the 4 bytes of the experimenter id for class 0xffff.  On failure returns
 * NULL with *ERR set: OFPBMC_BAD_LEN for a truncated header or an
 * experimenter length below 4 (the cursor is left alone), OFPBMC_BAD_FIELD
 * for an unknown code point or a length that does not suit the field (the
 * header is consumed and *MASKED and *PAYLOAD_LEN are set, so a lenient
 * caller can skip the entry).  tun_metadata accepts any length from 1 to
 * 124 bytes (times 2 if masked); other fields only their own width. */
const struct of_field *of_field_pull_header(struct of_cursor *, bool *masked,
                                            size_t *payload_len,
                                            enum of_err *err);

/* ---------------------------------------------------------------------
 * Whole matches.
 * --------------------------------------------------------------------- */

/* Appends the NXM (OXM == false) or OXM entries of MATCH to B, in the
 * order Open vSwitch writes them (so bytes compare equal with what
 * ovs-ofctl sends), and returns their length (no padding).  With OXM,
 * fields that have no OXM code point use their NXM one, as Open vSwitch
 * does, and VERSION (0 means OpenFlow 1.3) picks the spelling: registers
 * go as NXM_NX_REGn before 1.5 and as OXM_OF_PKT_REGn (xreg) from 1.5 on,
 * tcp_flags and actset_output as ONF experimenter fields in 1.3/1.4 and
 * standard ones from 1.5 (tcp_flags as NXM_NX_TCP_FLAGS in 1.2).
 * COOKIE/COOKIE_MASK (NXM only, for Nicira stats requests and flow mods)
 * are appended as NXM_NX_COOKIE when COOKIE_MASK is nonzero. */
size_t of_match_put_nxm(const struct of_match *, bool oxm, uint8_t version,
                        uint64_t cookie, uint64_t cookie_mask, struct buf *);

/* Decodes LEN bytes of NXM or OXM entries (no padding) into *MATCH.  NXM
 * and OXM code points are accepted in both (they share one namespace, and
 * Open vSwitch mixes them).  If COOKIE is nonnull, NXM_NX_COOKIE is
 * accepted and stored in *COOKIE and *COOKIE_MASK (0/0 if absent);
 * otherwise it is OFPBMC_BAD_FIELD. */
enum of_err of_match_pull_nxm(const void *data, size_t len, bool oxm,
                              struct of_match *, uint64_t *cookie,
                              uint64_t *cookie_mask);

/* OpenFlow 1.2+ struct ofp_match (type OFPMT_OXM, length, entries, then
 * padding to 8): appends it and returns its padded length. */
size_t of_match_put_ofp(const struct of_match *, uint8_t version,
                        struct buf *);
/* Pulls an ofp_match (with its padding) off the cursor; on failure the
 * cursor is left where it was. */
enum of_err of_match_pull_ofp(struct of_cursor *, uint8_t version,
                              struct of_match *);

/* OpenFlow 1.0: struct ofp10_match is 40 bytes. */
#define OF_OFP10_MATCH_LEN 40

/* True if MATCH can be expressed as an ofp10_match (only the fields and
 * masks OpenFlow 1.0 has: CIDR masks on nw_src/nw_dst, VID and PCP each
 * whole or "no VLAN", nothing else partially masked, no ECN, TTL,
 * fragments, registers, IPv6 addresses or IPv6 L4 fields, tunnels, ...),
 * that is, if the ofp10_match decodes back to MATCH exactly. */
bool of_match_fits_ofp10(const struct of_match *);

/* Appends MATCH as an ofp10_match (40 bytes).  MATCH must fit. */
void of_match_put_ofp10(const struct of_match *, struct buf *);

/* Decodes a 40-byte ofp10_match at DATA, normalising like Open vSwitch
 * (fields whose prerequisites are missing are ignored; dl_vlan 0xffff
 * means "no VLAN header").  Wildcard bits above bit 21 are ignored, so
 * this never fails; it returns an enum of_err for symmetry. */
enum of_err of_match_pull_ofp10(const void *data, struct of_match *);

#endif /* NICFLOW_OFCTL_OFP_MATCH_H */
