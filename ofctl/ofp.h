/* ofp.h: OpenFlow on the wire — versions, the message header, message
 * types and framing.
 *
 * Every OpenFlow message nicflow knows has one `enum of_type` value that is
 * the same in every version ("OF_T_FLOW_MOD"); the declarative table in
 * ofp-msg.c says, per version, how it is spelled on the wire (header type,
 * multipart type, experimenter id and subtype) and its minimum body size.
 * Codecs for the message bodies live in one file per concept
 * (ofp-flow.c, ofp-port.c, ofp-group.c, ...); they all start messages
 * with of_msg_start() and identify received ones with of_msg_decode().
 *
 * Byte order: wire structs use big-endian fields (declared uint16_t etc.
 * and converted with htons()/ntohl()/be64 helpers below); decoded models
 * are in host byte order unless a comment says otherwise. */
#ifndef NICFLOW_OFCTL_OFP_H
#define NICFLOW_OFCTL_OFP_H 1

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/ofp-errors.h"

/* ---------------------------------------------------------------------
 * Versions.
 * --------------------------------------------------------------------- */

#define OF_V10 0x01
#define OF_V11 0x02
#define OF_V12 0x03
#define OF_V13 0x04
#define OF_V14 0x05
#define OF_V15 0x06

/* A set of versions: bit V is version V (OF_V10 = bit 1). */
#define OF_VBIT(V) (1u << (V))
#define OF_VERSIONS_SUPPORTED \
    (OF_VBIT(OF_V10) | OF_VBIT(OF_V13) | OF_VBIT(OF_V14) | OF_VBIT(OF_V15))

/* "OpenFlow13" for OF_V13, NULL for an unknown version. */
const char *of_version_name(uint8_t version);
/* Display name "1.3" for OF_V13, "0x07" style for unknown ones. */
const char *of_version_short(uint8_t version);

/* Parses a comma-separated list of version names as -O/--protocols takes
 * them ("OpenFlow10,OpenFlow13"; "OpenFlow1x" too) into *BITMAP.  Returns
 * NULL or an error message (caller frees) naming the bad token. */
char *of_versions_parse(const char *s, uint32_t *bitmap);
/* Highest version in BITMAP, or 0 if empty. */
uint8_t of_versions_highest(uint32_t bitmap);

/* ---------------------------------------------------------------------
 * Big-endian helpers for wire structs.
 * --------------------------------------------------------------------- */
static inline uint64_t
of_htonll(uint64_t x)
{
    return htobe64(x);
}
static inline uint64_t
of_ntohll(uint64_t x)
{
    return be64toh(x);
}

/* Unaligned big-endian reads and writes (message bodies are only 8-byte
 * aligned relative to the message start, and received buffers may not be
 * aligned at all, so codecs use these instead of casting). */
static inline uint16_t
of_get16(const void *p)
{
    const uint8_t *b = p;
    return (uint16_t) (b[0] << 8 | b[1]);
}
static inline uint32_t
of_get32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 | (uint32_t) b[2] << 8
           | b[3];
}
static inline uint64_t
of_get64(const void *p)
{
    return (uint64_t) of_get32(p) << 32 | of_get32((const uint8_t *) p + 4);
}
static inline void
of_put16(void *p, uint16_t v)
{
    uint8_t *b = p;
    b[0] = v >> 8;
    b[1] = v;
}
static inline void
of_put32(void *p, uint32_t v)
{
    uint8_t *b = p;
    b[0] = v >> 24;
    b[1] = v >> 16;
    b[2] = v >> 8;
    b[3] = v;
}
static inline void
of_put64(void *p, uint64_t v)
{
    of_put32(p, v >> 32);
    of_put32((uint8_t *) p + 4, (uint32_t) v);
}

/* Appends big-endian integers to B. */
void of_buf_put16(struct buf *, uint16_t);
void of_buf_put32(struct buf *, uint32_t);
void of_buf_put64(struct buf *, uint64_t);
/* Appends zeros until B->len is a multiple of 8 (relative to START, the
 * offset where the padded structure began). */
void of_buf_pad8(struct buf *, size_t start);

/* ---------------------------------------------------------------------
 * A read cursor over a received body.  All pulls are bounds-checked:
 * they return NULL (and leave the cursor alone) when fewer than N bytes
 * remain, so decoders never read past a message.
 * --------------------------------------------------------------------- */
struct of_cursor {
    const uint8_t *p;
    size_t left;
};
static inline void
of_cursor_init(struct of_cursor *c, const void *p, size_t n)
{
    c->p = p;
    c->left = n;
}
const uint8_t *of_cursor_pull(struct of_cursor *, size_t n);
/* Like of_cursor_pull() but does not advance. */
const uint8_t *of_cursor_peek(const struct of_cursor *, size_t n);

/* ---------------------------------------------------------------------
 * The header and message types.
 * --------------------------------------------------------------------- */

struct of_header {
    uint8_t version;
    uint8_t type;
    uint16_t length; /* be16, header included. */
    uint32_t xid;    /* be32. */
};
_Static_assert(sizeof(struct of_header) == 8, "of_header");

#define OF_MSG_MAX 65535 /* Largest message (16-bit length). */

/* Experimenter ids. */
#define OF_VENDOR_NX 0x00002320u  /* Nicira (Open vSwitch extensions). */
#define OF_VENDOR_ONF 0x4f4e4600u /* ONF (OpenFlow 1.3 bundles). */

/* Multipart flags. */
#define OF_MP_MORE 0x0001

/* Every message, version independent.  Requests and replies of multipart
 * ("stats") messages are separate types; Nicira extensions that have a
 * standard twin keep their own type (OF_T_NXT_FLOW_MOD vs OF_T_FLOW_MOD)
 * because their bodies differ. */
enum of_type {
    OF_T_HELLO,
    OF_T_ERROR,
    OF_T_ECHO_REQUEST,
    OF_T_ECHO_REPLY,
    OF_T_FEATURES_REQUEST,
    OF_T_FEATURES_REPLY,
    OF_T_GET_CONFIG_REQUEST,
    OF_T_GET_CONFIG_REPLY,
    OF_T_SET_CONFIG,
    OF_T_PACKET_IN,
    OF_T_FLOW_REMOVED,
    OF_T_PORT_STATUS,
    OF_T_PACKET_OUT,
    OF_T_FLOW_MOD,
    OF_T_GROUP_MOD,
    OF_T_PORT_MOD,
    OF_T_TABLE_MOD,
    OF_T_BARRIER_REQUEST,
    OF_T_BARRIER_REPLY,
    OF_T_QUEUE_GET_CONFIG_REQUEST,
    OF_T_QUEUE_GET_CONFIG_REPLY,
    OF_T_ROLE_REQUEST,
    OF_T_ROLE_REPLY,
    OF_T_GET_ASYNC_REQUEST,
    OF_T_GET_ASYNC_REPLY,
    OF_T_SET_ASYNC,
    OF_T_METER_MOD,
    OF_T_ROLE_STATUS,
    OF_T_TABLE_STATUS,
    OF_T_REQUESTFORWARD,
    OF_T_BUNDLE_CONTROL,
    OF_T_BUNDLE_ADD,

    /* Multipart. */
    OF_T_DESC_REQUEST,
    OF_T_DESC_REPLY,
    OF_T_FLOW_STATS_REQUEST,
    OF_T_FLOW_STATS_REPLY,
    OF_T_AGGREGATE_REQUEST,
    OF_T_AGGREGATE_REPLY,
    OF_T_TABLE_STATS_REQUEST,
    OF_T_TABLE_STATS_REPLY,
    OF_T_PORT_STATS_REQUEST,
    OF_T_PORT_STATS_REPLY,
    OF_T_QUEUE_STATS_REQUEST,
    OF_T_QUEUE_STATS_REPLY,
    OF_T_GROUP_STATS_REQUEST,
    OF_T_GROUP_STATS_REPLY,
    OF_T_GROUP_DESC_REQUEST,
    OF_T_GROUP_DESC_REPLY,
    OF_T_GROUP_FEATURES_REQUEST,
    OF_T_GROUP_FEATURES_REPLY,
    OF_T_METER_STATS_REQUEST,
    OF_T_METER_STATS_REPLY,
    OF_T_METER_CONFIG_REQUEST,
    OF_T_METER_CONFIG_REPLY,
    OF_T_METER_FEATURES_REQUEST,
    OF_T_METER_FEATURES_REPLY,
    OF_T_TABLE_FEATURES_REQUEST,
    OF_T_TABLE_FEATURES_REPLY,
    OF_T_PORT_DESC_REQUEST,
    OF_T_PORT_DESC_REPLY,
    OF_T_TABLE_DESC_REQUEST, /* OpenFlow 1.4+ OFPMP_TABLE_DESC. */
    OF_T_TABLE_DESC_REPLY,
    OF_T_FLOW_MONITOR_REQUEST, /* OpenFlow 1.4+ OFPMP_FLOW_MONITOR. */
    OF_T_FLOW_MONITOR_REPLY,

    /* Nicira and ONF extensions. */
    OF_T_NXT_SET_FLOW_FORMAT,
    OF_T_NXT_FLOW_MOD,
    OF_T_NXT_FLOW_REMOVED,
    OF_T_NXT_FLOW_MOD_TABLE_ID,
    OF_T_NXT_SET_PACKET_IN_FORMAT,
    OF_T_NXT_PACKET_IN,
    OF_T_NXT_PACKET_IN2,
    OF_T_NXT_ROLE_REQUEST,
    OF_T_NXT_ROLE_REPLY,
    OF_T_NXT_SET_ASYNC_CONFIG,
    OF_T_NXT_SET_CONTROLLER_ID,
    OF_T_NXT_FLOW_MONITOR_CANCEL,
    OF_T_NXT_FLOW_MONITOR_PAUSED,
    OF_T_NXT_FLOW_MONITOR_RESUMED,
    OF_T_NXST_FLOW_REQUEST,
    OF_T_NXST_FLOW_REPLY,
    OF_T_NXST_AGGREGATE_REQUEST,
    OF_T_NXST_AGGREGATE_REPLY,
    OF_T_NXST_FLOW_MONITOR_REQUEST,
    OF_T_NXST_FLOW_MONITOR_REPLY,
    OF_T_NXT_TLV_TABLE_MOD, /* Geneve option mappings (ofp-tlv.h). */
    OF_T_NXT_TLV_TABLE_REQUEST,
    OF_T_NXT_TLV_TABLE_REPLY,
    OF_T_ONFT_BUNDLE_CONTROL, /* OpenFlow 1.3 bundle extension. */
    OF_T_ONFT_BUNDLE_ADD,
    OF_N_TYPES
};

/* The name ovs-ofctl prints for the message, e.g. "OFPT_FLOW_MOD",
 * "OFPST_FLOW request" (the same in every version). */
const char *of_type_name(enum of_type);

/* True if TYPE is a multipart request or reply. */
bool of_type_is_multipart(enum of_type);

/* The reply type of a request (OF_T_ECHO_REPLY for OF_T_ECHO_REQUEST,
 * ...), or OF_N_TYPES if TYPE has no reply. */
enum of_type of_type_reply(enum of_type);

/* A received message, identified. */
struct of_msg {
    enum of_type type;
    uint8_t version;
    uint32_t xid;
    uint16_t mp_flags;   /* Multipart flags (OF_MP_MORE), else 0. */
    const uint8_t *data; /* The whole message. */
    size_t len;          /* Its length (from the header). */
    const uint8_t *body; /* After the header and any multipart or
                          * experimenter header. */
    size_t body_len;
};

/* Identifies the message of LEN bytes at DATA (LEN must be at least the
 * header's length field, which must be at least 8): checks the header,
 * that the version is one nicflow speaks (any version for HELLO and
 * ERROR, and ECHO in any version is accepted too), and that the type (and
 * multipart type, experimenter, subtype) exists in that version; each
 * body decoder checks the body's length itself.  Returns 0 and fills
 * *MSG, or the error to answer with (OF_ERR_OFPBRC_BAD_VERSION,
 * OF_ERR_OFPBRC_BAD_TYPE, OF_ERR_OFPBRC_BAD_MULTIPART,
 * OF_ERR_OFPBRC_BAD_EXPERIMENTER, OF_ERR_OFPBRC_BAD_EXP_TYPE,
 * OF_ERR_OFPBRC_BAD_LEN). */
enum of_err of_msg_decode(const void *data, size_t len, struct of_msg *);

/* Starts message TYPE for VERSION with XID in B (which it clears):
 * writes the header and any multipart/experimenter header, and returns
 * nothing; the body follows at B->len.  Aborts if TYPE does not exist in
 * VERSION (a programming error: callers check of_type_exists()). */
void of_msg_start(struct buf *, enum of_type, uint8_t version, uint32_t xid);
/* Sets the length field (and, for multipart replies, nothing else). */
void of_msg_finish(struct buf *);
/* Sets the multipart flags of a message started with of_msg_start(). */
void of_msg_set_mp_flags(struct buf *, uint16_t flags);
/* Offset of the body in messages of TYPE in VERSION (8 for plain
 * messages, 16 for multipart ones, 16 for Nicira ones, ...). */
size_t of_msg_body_offset(enum of_type, uint8_t version);
/* True if TYPE exists in VERSION. */
bool of_type_exists(enum of_type, uint8_t version);

/* Appends the line ovs-ofctl prints before a message's body:
 * "NXST_FLOW reply (xid=0x4):" or "OFPST_FLOW reply (OF1.3) (xid=0x2):",
 * plus " flags=[more]" for a multipart message with more to come. */
void of_msg_format_header(const struct of_msg *, struct buf *);

/* A process-wide transaction id counter for requests. */
uint32_t of_next_xid(void);

/* ---------------------------------------------------------------------
 * Hello.
 * --------------------------------------------------------------------- */

/* Encodes a hello for the versions in BITMAP: header version = highest,
 * plus a version-bitmap element when more than one version is offered
 * (as Open vSwitch does). */
void of_hello_encode(struct buf *, uint32_t bitmap, uint32_t xid);

/* Decodes a received hello into the bitmap of versions the peer offers
 * (from its bitmap element if present, else every version up to the
 * header's).  Never fails: a malformed element is ignored, as OpenFlow
 * 1.3.1 requires. */
uint32_t of_hello_decode(const struct of_msg *);

/* Negotiation: the highest version in both sets, or 0 if none. */
uint8_t of_hello_negotiate(uint32_t ours, uint32_t theirs);

/* ---------------------------------------------------------------------
 * Errors (the message; the error codes are in ofp-errors.h).
 * --------------------------------------------------------------------- */

/* Encodes an error message answering REQUEST (of REQUEST_LEN bytes,
 * echoed whole, as Open vSwitch does) with ERR in VERSION. */
void of_error_encode(struct buf *, enum of_err, uint8_t version,
                     const void *request, size_t request_len);

/* Decodes a received error message: *ERR is the error (OF_ERR_UNKNOWN
 * with *TYPE and *CODE set if the pair is not known), *DATA and
 * *DATA_LEN the
 * data that follows (usually the start of the offending request). */
enum of_err of_error_decode(const struct of_msg *, enum of_err *err,
                            uint16_t *type, uint16_t *code,
                            const uint8_t **data, size_t *data_len);

#endif /* NICFLOW_OFCTL_OFP_H */
