/* ofp-tlv.h: the Nicira TLV table messages, which map Geneve options
 * (class, type, length) to the tun_metadata0..63 match fields —
 * NXT_TLV_TABLE_MOD, NXT_TLV_TABLE_REQUEST and NXT_TLV_TABLE_REPLY, in
 * every OpenFlow version nicflow speaks (they are Nicira experimenter
 * messages, the same bytes after the header in all of them) — and the
 * "ovs-ofctl add-tlv-map" text syntax
 * "{class=0xffff,type=0,len=4}->tun_metadata0[,...]".
 *
 * Wire layout (after the 16-byte Nicira header): a mod is command (be16)
 * and 6 pad bytes, a reply is max_option_space (be32), max_fields (be16)
 * and 10 reserved bytes; both are then followed by 8-byte maps: option
 * class (be16), type, length, field index (be16) and 2 pad bytes.  The
 * request has no body.
 *
 * Decoders are strict and all-or-nothing, and return the error Open
 * vSwitch 3.1 answers with: OFPBRC_BAD_LEN for a length that is not the
 * fixed part plus whole maps, NXTTMFC_BAD_COMMAND for a mod command
 * other than add, delete and clear, NXTTMFC_BAD_OPT_LEN for an option
 * length that is not a multiple of 4 or exceeds 124 (OF_TUN_MD_MAX), and
 * NXTTMFC_BAD_FIELD_IDX for an index of 64 or more in a mod (or, in a
 * reply, not below the reply's own max_fields). */
#ifndef NICFLOW_OFCTL_OFP_TLV_H
#define NICFLOW_OFCTL_OFP_TLV_H 1

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/ofp.h"

/* Table-mod commands (NXTTMC_*). */
enum of_tlv_cmd {
    OF_TLV_ADD = 0,    /* New mappings; refused if any is taken. */
    OF_TLV_DELETE = 1, /* Remove the mappings of the listed indexes. */
    OF_TLV_CLEAR = 2,  /* Remove every mapping; any list is ignored. */
};

/* What the switch's table offers (Open vSwitch's values). */
#define OF_TLV_MAX_SPACE 256 /* Bytes of option data, all mappings. */
#define OF_TLV_MAX_FIELDS 64 /* tun_metadata0..63. */

/* One mapping: Geneve option CLASS/TYPE of LEN bytes is tun_metadataINDEX. */
struct of_tlv_map {
    uint16_t option_class;
    uint8_t option_type;
    uint8_t option_len; /* Multiple of 4, at most 124. */
    uint16_t index;     /* 0..63. */
};

/* A list of mappings (owned; of_tlv_maps_destroy() frees it). */
struct of_tlv_maps {
    struct of_tlv_map *maps;
    size_t n;
};
void of_tlv_maps_destroy(struct of_tlv_maps *);

struct of_tlv_table_mod {
    enum of_tlv_cmd command;
    struct of_tlv_maps maps;
};

struct of_tlv_table_reply {
    uint32_t max_option_space;
    uint16_t max_fields;
    struct of_tlv_maps maps;
};

/* Encoders: whole messages for VERSION and XID in B (cleared first). */
void of_tlv_table_mod_encode(struct buf *, uint8_t version, uint32_t xid,
                             const struct of_tlv_table_mod *);
void of_tlv_table_request_encode(struct buf *, uint8_t version, uint32_t xid);
void of_tlv_table_reply_encode(struct buf *, uint8_t version, uint32_t xid,
                               const struct of_tlv_table_reply *);

/* Decoders for received messages of the matching type.  On success the
 * caller owns the maps (of_tlv_maps_destroy()); on failure nothing is
 * left to free. */
enum of_err of_tlv_table_mod_decode(const struct of_msg *,
                                    struct of_tlv_table_mod *);
enum of_err of_tlv_table_request_decode(const struct of_msg *);
enum of_err of_tlv_table_reply_decode(const struct of_msg *,
                                      struct of_tlv_table_reply *);

/* The family printer for ofp-print: appends the body of a TLV table
 * message as "ovs-ofctl ofp-print" shows it, or returns OFPBRC_BAD_TYPE
 * for any other message (and the decode error for a malformed one). */
enum of_err of_tlv_msg_format(const struct of_msg *, struct buf *);

/* Parses ovs-ofctl's mapping list, "{class=C,type=T,len=L}->tun_metadataN"
 * separated by commas (an empty string is an empty list), into *MAPS.
 * Numbers are C integers (decimal, 0x hex, 0 octal, optional sign)
 * truncated to the member's width, as ovs-ofctl reads them; ranges are
 * the switch's business.  Returns NULL, or "invalid tlv mapping" (caller
 * frees) with *MAPS empty. */
char *of_tlv_maps_parse(const char *s, struct of_tlv_maps *maps);

#endif /* NICFLOW_OFCTL_OFP_TLV_H */
