/* ofp-packet.h: packet-in and packet-out on the wire and in text.
 *
 * Packet-in comes in four spellings: OpenFlow 1.0 OFPT_PACKET_IN (in_port
 * in a fixed field), OpenFlow 1.2+ OFPT_PACKET_IN (an OXM match holding
 * in_port and other pipeline metadata, and from 1.3 a cookie), Nicira
 * NXT_PACKET_IN (an NXM match) and NXT_PACKET_IN2 (properties).  The
 * model is one struct for all of them; which spelling is used is the
 * message type given to the encoder.
 *
 * Packet-out carries in_port in a fixed field up to OpenFlow 1.4 and in a
 * match (with any other metadata) in 1.5.  The model keeps in_port in the
 * match in every version, so it round-trips unchanged.
 *
 * Decoded models own copies of their variable parts (packet, userdata,
 * continuation); free them with the matching destroy function. */
#ifndef NICFLOW_OFCTL_OFP_PACKET_H
#define NICFLOW_OFCTL_OFP_PACKET_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/actions.h"
#include "ofctl/match.h"
#include "ofctl/ofp.h"

#define OF_BUFFER_NONE 0xffffffffu
/* A packet-in cookie that is not there (OpenFlow 1.0 OFPT_PACKET_IN, or
 * NXT_PACKET_IN2 without a cookie property), as Open vSwitch marks it. */
#define OF_COOKIE_NONE UINT64_MAX

/* Packet-in reasons (wire values; 3-5 exist from OpenFlow 1.4). */
enum of_pin_reason {
    OF_PIN_NO_MATCH = 0,
    OF_PIN_ACTION = 1,
    OF_PIN_INVALID_TTL = 2,
    OF_PIN_ACTION_SET = 3,
    OF_PIN_GROUP = 4,
    OF_PIN_PACKET_OUT = 5,
};

struct of_packet_in {
    uint32_t buffer_id;
    uint32_t total_len; /* Length of the whole packet (full_len). */
    uint8_t reason;     /* enum of_pin_reason. */
    uint8_t table_id;
    uint64_t cookie;       /* OF_COOKIE_NONE if absent. */
    struct of_match match; /* in_port and other pipeline metadata. */
    uint8_t *packet;       /* The (possibly truncated) packet. */
    size_t packet_len;
    uint8_t *userdata; /* NXT_PACKET_IN2 only (controller userdata). */
    size_t userdata_len;
    uint8_t *continuation; /* NXT_PACKET_IN2 only, kept opaque. */
    size_t continuation_len;
};

/* Initialises PIN: no buffer, no cookie, reason no_match, table 0, an
 * empty match, no data. */
void of_packet_in_init(struct of_packet_in *);
/* Frees PIN's packet, userdata and continuation and reinitialises it. */
void of_packet_in_destroy(struct of_packet_in *);
/* True if A and B are the same in every field and byte. */
bool of_packet_in_equal(const struct of_packet_in *,
                        const struct of_packet_in *);
/* Makes M match exactly on in_port PORT. */
void of_match_set_in_port(struct of_match *, uint16_t port);
/* The in_port M matches on, or OF_PORT_NONE if it does not. */
uint16_t of_match_get_in_port(const struct of_match *);

/* Encodes PIN as TYPE (OF_T_PACKET_IN, OF_T_NXT_PACKET_IN or
 * OF_T_NXT_PACKET_IN2) in VERSION into B.  OpenFlow 1.0 OFPT_PACKET_IN
 * carries only in_port of the match.  Returns 0 or an error if the match
 * cannot be encoded. */
enum of_err of_packet_in_encode(const struct of_packet_in *, enum of_type,
                                uint8_t version, uint32_t xid, struct buf *);
/* Decodes any of the three packet-in messages into PIN (initialised by
 * the call). */
enum of_err of_packet_in_decode(const struct of_msg *, struct of_packet_in *);

/* Appends the ofp-print text of PIN (received as TYPE in VERSION):
 * "total_len=60 in_port=1 (via no_match) data_len=60 buffer=0xffffffff"
 * and, if there is packet data, a newline and the packet summary. */
void of_packet_in_format(const struct of_packet_in *, enum of_type,
                         uint8_t version, struct buf *);

struct of_packet_out {
    uint32_t buffer_id;
    struct of_match match; /* in_port (always) and 1.5 metadata. */
    struct of_acts acts;
    uint8_t *packet;
    size_t packet_len;
};

/* Initialises PO: no buffer, in_port NONE, no actions, no data. */
void of_packet_out_init(struct of_packet_out *);
/* Frees PO's packet and actions and reinitialises it. */
void of_packet_out_destroy(struct of_packet_out *);
/* True if A and B are the same (buffer, match, actions, packet). */
bool of_packet_out_equal(const struct of_packet_out *,
                         const struct of_packet_out *);

/* Encodes PO in VERSION.  Before 1.5 only in_port of the match can be
 * sent: a match with anything else is refused with OFPBMC_BAD_FIELD.
 * Errors of the action encoder are passed on. */
enum of_err of_packet_out_encode(const struct of_packet_out *, uint8_t version,
                                 uint32_t xid, struct buf *);
/* Decodes an OFPT_PACKET_OUT into PO (initialised by the call): a bad
 * in_port is OFPBRC_BAD_PORT, an action list running past the message
 * OFPBRC_BAD_LEN, a bad 1.5 match or bad actions their decoder's error.
 * The actions are not checked against the metadata (the switch checks
 * them against the packet when it executes them). */
enum of_err of_packet_out_decode(const struct of_msg *,
                                 struct of_packet_out *);

/* Parses what "ovs-ofctl packet-out" accepts as one argument:
 * "in_port=1,packet=<hex>,actions=..." (also buffer_id=N and, for
 * OpenFlow 1.5, match fields such as metadata=...).  Returns NULL or an
 * error message (caller frees). */
char *of_packet_out_parse(struct of_packet_out *, const char *s);
/* The older positional form "packet-out SWITCH IN_PORT ACTIONS PACKET". */
char *of_packet_out_parse_args(struct of_packet_out *, const char *in_port,
                               const char *actions, const char *packet);

/* Appends the ofp-print text of PO: "in_port=1 actions=output:2
 * data_len=14" (or "buffer=0x..." instead of data_len) and, when there is
 * data, a newline and the packet summary. */
void of_packet_out_format(const struct of_packet_out *, struct buf *);

/* Decodes MSG, a packet-in (any of its three spellings) or packet-out,
 * and appends what "ovs-ofctl ofp-print" shows after the header line.
 * Returns the decoder's error (OFPBRC_BAD_TYPE for other messages). */
enum of_err of_packet_msg_format(const struct of_msg *, struct buf *);

/* Appends the one-line summary of an Ethernet frame the way ovs-ofctl
 * prints packets ("ip,vlan_tci=0x0000,dl_src=...,nw_frag=no"). */
void of_packet_summary_format(const void *packet, size_t len, struct buf *);

#endif /* NICFLOW_OFCTL_OFP_PACKET_H */
