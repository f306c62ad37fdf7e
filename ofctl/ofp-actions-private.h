/* ofp-actions-private.h: what the action wire codec files share (internal
 * to ofctl/).
 *
 * Every wire form of an action nicflow knows is one "raw" action: a row of
 * the declarative table in ofp-actions-decode.c that says how it is
 * spelled (an OpenFlow 1.0 action type, an OpenFlow 1.1+ action type, or a
 * Nicira extension subtype), which versions have it, how long it is and
 * which function decodes it.  The encoder starts every action with
 * of_wire_put_raw(), so the table is the only place that knows types,
 * subtypes and lengths.  Which raw form the encoder picks for a model
 * action in a version is decided in ofp-actions-encode.c (standard
 * actions, instructions) and ofp-actions-nx.c (Nicira extensions), the way
 * Open vSwitch 3.1 decides it. */
#ifndef NICFLOW_OFCTL_OFP_ACTIONS_PRIVATE_H
#define NICFLOW_OFCTL_OFP_ACTIONS_PRIVATE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/actions.h"
#include "ofctl/match.h"
#include "ofctl/ofp-errors.h"
#include "ofctl/ofp.h"

/* Every wire action.  R10_ rows exist only in OpenFlow 1.0, R11_ rows in
 * OpenFlow 1.1 and later (1.5 for R15_), NX_ rows (Nicira vendor or
 * experimenter actions, vendor 0x2320) in every version. */
enum of_raw {
    R10_OUTPUT,
    R10_SET_VLAN_VID,
    R10_SET_VLAN_PCP,
    R10_STRIP_VLAN,
    R10_SET_DL_SRC,
    R10_SET_DL_DST,
    R10_SET_NW_SRC,
    R10_SET_NW_DST,
    R10_SET_NW_TOS,
    R10_SET_TP_SRC,
    R10_SET_TP_DST,
    R10_ENQUEUE,

    R11_OUTPUT,
    R11_SET_MPLS_TTL,
    R11_DEC_MPLS_TTL,
    R11_PUSH_VLAN,
    R11_POP_VLAN,
    R11_PUSH_MPLS,
    R11_POP_MPLS,
    R11_SET_QUEUE,
    R11_GROUP,
    R11_SET_NW_TTL,
    R11_DEC_NW_TTL,
    R12_SET_FIELD,
    R15_COPY_FIELD,
    R15_METER,

    NX_RESUBMIT,
    NX_SET_TUNNEL,
    NX_SET_QUEUE,
    NX_POP_QUEUE,
    NX_REG_MOVE,
    NX_REG_LOAD,
    NX_NOTE,
    NX_SET_TUNNEL64,
    NX_MULTIPATH,
    NX_BUNDLE,
    NX_BUNDLE_LOAD,
    NX_RESUBMIT_TABLE,
    NX_OUTPUT_REG,
    NX_LEARN,
    NX_EXIT,
    NX_DEC_TTL,
    NX_FIN_TIMEOUT,
    NX_CONTROLLER,
    NX_DEC_TTL_CNT_IDS,
    NX_WRITE_METADATA,
    NX_PUSH_MPLS,
    NX_POP_MPLS,
    NX_SET_MPLS_TTL,
    NX_DEC_MPLS_TTL,
    NX_SAMPLE,
    NX_SET_MPLS_LABEL,
    NX_SET_MPLS_TC,
    NX_OUTPUT_REG2,
    NX_REG_LOAD2,
    NX_CONJUNCTION,
    NX_CT,
    NX_NAT,
    NX_CONTROLLER2,
    NX_SAMPLE2,
    NX_OUTPUT_TRUNC,
    NX_GROUP,
    NX_SAMPLE3,
    NX_CLONE,
    NX_CT_CLEAR,
    NX_RESUBMIT_TABLE_CT,
    NX_LEARN2,
    NX_CHECK_PKT_LARGER,
    OF_N_RAWS
};

/* Bytes of the header of a Nicira action (type, len, vendor, subtype):
 * the body of NX_ rows starts here. */
#define OF_NX_HDR_LEN 10

/* Wire constants. */
#define OF_OFPAT_VENDOR 0xffff
#define OF_OFPP11_OFFSET 0xffff0000u /* 1.1+ port = 1.0 port + this. */
#define OF_OFPVID_PRESENT 0x1000

/* State threaded through decoding one list (and its nested lists). */
struct of_dec {
    uint8_t version;
    int depth;  /* Nesting of clone/ct/write_actions. */
    bool in_ct; /* Decoding ct's nested actions. */
    struct of_acts *out;
};

/* State threaded through encoding one list. */
struct of_enc {
    uint8_t version;
    struct buf *b;
    /* Whether the packet has a VLAN tag at this point of the list, as Open
     * vSwitch tracks it to translate mod_vlan_vid/mod_vlan_pcp for
     * OpenFlow 1.1+ (push a tag first only when there is none). */
    bool has_vlan;
    uint8_t nw_proto; /* The match's IP protocol, 0 if not matched. */
};

/* ---------------------------------------------------------------------
 * The raw table (ofp-actions-decode.c).
 * --------------------------------------------------------------------- */

/* Appends raw action RAW for the encoder's version with a zeroed body of
 * its fixed length, and returns its offset in B (the caller fills the
 * body through of_wire_at()).  For variable-length actions the caller
 * appends the rest and calls of_wire_finish(). */
size_t of_wire_put_raw(struct of_enc *, enum of_raw);
/* Pads the action started at OFS with zeros to a multiple of 8 bytes and
 * stores its length. */
void of_wire_finish(struct of_enc *, size_t ofs);
static inline uint8_t *
of_wire_at(struct of_enc *e, size_t ofs)
{
    return e->b->data + ofs;
}

/* True if RAW exists in VERSION. */
bool of_wire_raw_exists(enum of_raw, uint8_t version);

/* Decodes an action list of LEN bytes at P (used for nested lists too). */
enum of_err of_dec_list(struct of_dec *, const uint8_t *p, size_t len);

/* Encodes an action list (no instructions) of LEN bytes at ACTS. */
enum of_err of_enc_list(struct of_enc *, const void *acts, size_t len);

/* ---------------------------------------------------------------------
 * Helpers shared by the codec files.
 * --------------------------------------------------------------------- */

/* True if the N bytes at P are all zero. */
bool of_wire_is_zero(const void *p, size_t n);

/* True if M is F's exact-match mask. */
bool of_wire_mask_is_exact(const struct of_field *, const union of_value *m);

/* Appends F's OXM (OXM == true) or NXM entry: header, VALUE and, unless
 * MASK is NULL, MASK.  Variable-length fields (tunnel metadata) take only
 * the bytes from the first nonzero one of value or mask on, as Open
 * vSwitch writes them. */
void of_wire_put_entry(struct buf *, const struct of_field *, bool oxm,
                       const union of_value *value,
                       const union of_value *mask);

/* OpenFlow 1.0 port checks as Open vSwitch makes them for output: a
 * physical port or one of the reserved ports an output may name. */
bool of_wire_port_ok(uint16_t port);

/* 1.1+ 32-bit port numbers to and from the model's 16-bit ones.
 * of_wire_port_from_ofp11() returns false for numbers in neither range. */
uint32_t of_wire_port_to_ofp11(uint16_t port);
bool of_wire_port_from_ofp11(uint32_t port, uint16_t *out);

/* "ofs_nbits" as Nicira actions pack a subfield's offset and width. */
static inline uint16_t
of_ofs_nbits(uint16_t ofs, uint16_t n_bits)
{
    return (uint16_t) (ofs << 6 | (n_bits - 1));
}

/* The 32-bit NXM header of F (exact match), for the fixed header slots of
 * Nicira actions. */
uint32_t of_nx_header(const struct of_field *);

/* Reads the 4-byte field header at P, as Nicira actions hold them, and
 * the subfield OFS_NBITS (or OFS and N_BITS) names in it: *SF is filled
 * and checked to lie inside the field.  Returns 0 or
 * OFPBAC_BAD_ARGUMENT. */
enum of_err of_nx_pull_subfield(const uint8_t *p, uint16_t ofs,
                                uint16_t n_bits, struct of_subfield *sf);
enum of_err of_nx_pull_subfield_packed(const uint8_t *p, uint16_t ofs_nbits,
                                       struct of_subfield *sf);

/* Nicira actions (ofp-actions-nx.c): encoders of model actions that only
 * Nicira extensions express, and decoders of NX_ rows. */
enum of_err of_nx_encode(struct of_enc *, const struct of_act *);
typedef enum of_err of_raw_decoder(struct of_dec *, enum of_raw,
                                   const uint8_t *act, size_t len);
of_raw_decoder of_nx_decode;

/* set_field as Open vSwitch writes it with Nicira "load" actions: one
 * NXAST_REG_LOAD per run of mask bits, or NXAST_REG_LOAD2 for fields
 * without a 32-bit NXM header. */
void of_nx_put_load(struct of_enc *, const struct of_act_set_field *);

/* Decodes the OXM/NXM entry (header, value, mask if MAY_MASK allows one)
 * of a set_field (OFPAT_SET_FIELD, NXAST_REG_LOAD2) that fills the LEN
 * bytes at ENTRY with zero padding, and appends the set_field. */
enum of_err of_dec_oxm_set_field(struct of_dec *, const uint8_t *entry,
                                 size_t len, bool may_mask);

/* Appends an exact set_field of field ID to VALUE (right-aligned in the
 * field's bytes, host order) to the decoded list. */
void of_dec_put_set_field_u64(struct of_dec *, enum of_field_id, uint64_t,
                              uint8_t flags);

#endif /* NICFLOW_OFCTL_OFP_ACTIONS_PRIVATE_H */
