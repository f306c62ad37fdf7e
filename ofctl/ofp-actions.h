/* ofp-actions.h: actions and instructions on the wire, to and from the
 * action model of actions.h.
 *
 * OpenFlow 1.0 carries a list of actions (ofp_action_header, Nicira
 * extensions as vendor actions 0x2320 with nx subtypes); OpenFlow 1.1+
 * carries instructions (apply/write/clear actions, write_metadata,
 * goto_table, meter up to 1.4 — 1.5 turns meter into an action) holding
 * action lists whose set_field uses OXM.  The model is the same for all:
 * the encoder chooses each version's spelling the way Open vSwitch 3.1
 * does, so that our bytes equal ovs-ofctl's for the same text (e.g.
 * mod_vlan_vid in 1.3 is push_vlan plus set_field of vlan_vid when the
 * match has no VLAN, as ovs-ofctl encodes it), and the decoder maps every
 * spelling back.
 *
 * Decoding is strict: an unknown action type is OFPBAC_BAD_TYPE, an
 * unknown Nicira subtype OFPBAC_BAD_EXP_TYPE, a wrong length
 * OFPBAC_BAD_LEN, nonzero padding NXBAC_MUST_BE_ZERO, bad ports
 * OFPBAC_BAD_OUT_PORT, bad arguments OFPBAC_BAD_ARGUMENT, set_field of an
 * unknown or read-only field OFPBAC_BAD_SET_TYPE, instructions out of
 * order or repeated OFPBIC_DUP_INST / OFPBAC_UNSUPPORTED_ORDER, unknown
 * instructions OFPBIC_UNKNOWN_INST.  On error nothing is appended to the
 * output list.
 *
 * Versions: OpenFlow 1.0 and 1.2 through 1.5 (1.2 is spelled as 1.3);
 * 1.1, whose action set differs from both, is OFPBRC_BAD_VERSION.
 *
 * Where the codec knowingly differs from Open vSwitch 3.1:
 *   - OpenFlow 1.0 cannot say meter, clear_actions or write_actions;
 *     ovs-ofctl silently drops them, the encoder refuses them.
 *   - push_vlan in 1.0 encodes to nothing, as in Open vSwitch (the
 *     mod_vlan_vid after it adds the tag), so it does not come back.
 *   - The model does not tell mod_nw_ttl from set_field:N->nw_ttl: both
 *     encode as set_field in 1.1+ (ovs-ofctl writes OFPAT_SET_NW_TTL for
 *     mod_nw_ttl); a received OFPAT_SET_NW_TTL decodes to the mod_nw_ttl
 *     spelling and encodes back as such.
 *   - Instructions must arrive in the order OpenFlow lists them (meter,
 *     apply, clear, write, write_metadata, goto_table): out of order is
 *     OFPBAC_UNSUPPORTED_ORDER, where Open vSwitch sorts them.
 *   - In 1.1+, the set_queue + output(max_len 65535) + pop_queue that
 *     Open vSwitch writes for enqueue decodes back to enqueue, not to
 *     three actions.
 * Spellings the wire does not keep (mod_dl_src vs set_field, load: vs
 * set_field, strip_vlan vs pop_vlan, set_tunnel vs set_field of tun_id
 * in 1.1+, ...) decode to a model that encodes to the same bytes. */
#ifndef NICFLOW_OFCTL_OFP_ACTIONS_H
#define NICFLOW_OFCTL_OFP_ACTIONS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/actions.h"
#include "ofctl/match.h"
#include "ofctl/ofp.h"

/* Appends ACTS (actions and instructions) in VERSION's form: for OpenFlow
 * 1.0 a plain action list (write_metadata and goto_table become the
 * Nicira actions Open vSwitch uses; meter, clear_actions and
 * write_actions cannot be expressed and are an error), for 1.1+ a list of
 * instructions.  MATCH is the flow's match (the encoding of some actions
 * depends on it, e.g. mod_vlan_vid in 1.1+), may be NULL.  Returns 0 or
 * the error to report (OFPBIC_UNSUP_INST for an instruction VERSION lacks)
 * and appends nothing on error. */
enum of_err of_acts_encode(const struct of_acts *, const struct of_match *,
                           uint8_t version, struct buf *);

/* Appends ACTS, which must hold actions only (no instructions), as a
 * plain action list in VERSION's form (packet-out, group buckets, the
 * write_actions instruction's payload). */
enum of_err of_acts_encode_actions(const struct of_acts *,
                                   const struct of_match *, uint8_t version,
                                   struct buf *);

/* Decodes LEN bytes at DATA: an instruction list if INSTRUCTIONS (only
 * for VERSION >= 1.1), else an action list, appending to *ACTS.  MATCH
 * may be NULL; when given, actions are checked against it (prerequisites
 * of set_field, ...), like the switch does (OFPBAC_MATCH_INCONSISTENT,
 * OFPBAC_BAD_SET_ARGUMENT). */
enum of_err of_acts_decode(const void *data, size_t len, uint8_t version,
                           bool instructions, const struct of_match *,
                           struct of_acts *);

#endif /* NICFLOW_OFCTL_OFP_ACTIONS_H */
