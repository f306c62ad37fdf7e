/* ofp-switch.h: OpenFlow switch-level messages — echo, features,
 * get/set config, desc, barrier, role request/reply/status, get/set async
 * and the Nicira session settings (controller id, flow format, packet-in
 * format, flow-mod table id).
 *
 * For each message: a model in host byte order, an encoder that builds
 * the whole message for a version, a decoder with strict validation that
 * returns the error Open vSwitch would answer with, and a printer that
 * appends exactly what "ovs-ofctl ofp-print" prints after the message's
 * "(xid=0x...):".  Messages without a body (features, get-config and
 * get-async requests, barriers, desc request) use of_switch_empty_*(). */
#ifndef NICFLOW_OFCTL_OFP_SWITCH_H
#define NICFLOW_OFCTL_OFP_SWITCH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/ofp-port.h"
#include "ofctl/ofp.h"

/* ---------------------------------------------------------------------
 * Messages without a body.
 * --------------------------------------------------------------------- */

/* Encodes TYPE (one of the body-less messages above) for VERSION. */
void of_switch_empty_encode(struct buf *, enum of_type, uint8_t version,
                            uint32_t xid);
/* Checks that MSG has no body: OF_ERR_OFPBRC_BAD_LEN otherwise. */
enum of_err of_switch_empty_decode(const struct of_msg *);

/* ---------------------------------------------------------------------
 * Echo.
 * --------------------------------------------------------------------- */

/* Encodes an echo request or reply (TYPE) carrying LEN bytes of DATA. */
void of_echo_encode(struct buf *, enum of_type, uint8_t version, uint32_t xid,
                    const void *data, size_t len);
/* The reply to a received echo request: same version, xid and payload. */
void of_echo_reply_for(struct buf *, const struct of_msg *request);
/* " N bytes of payload\n" and a hex dump of the payload. */
void of_echo_format(struct buf *, const uint8_t *data, size_t len);

/* Appends DATA as Open vSwitch's ovs_hex_dump() does with ASCII: 16
 * bytes a line, offset, hex with a '-' after the 8th byte, and text. */
void of_hex_dump(struct buf *, const void *data, size_t len);

/* ---------------------------------------------------------------------
 * Features.
 * --------------------------------------------------------------------- */

/* Capabilities, version independent (the codec maps each version's). */
#define OF_CAP_FLOW_STATS (1u << 0)
#define OF_CAP_TABLE_STATS (1u << 1)
#define OF_CAP_PORT_STATS (1u << 2)
#define OF_CAP_STP (1u << 3)         /* 1.0 only. */
#define OF_CAP_GROUP_STATS (1u << 4) /* 1.1+ only. */
#define OF_CAP_IP_REASM (1u << 5)
#define OF_CAP_QUEUE_STATS (1u << 6)
#define OF_CAP_ARP_MATCH_IP (1u << 7)     /* 1.0 only (of those spoken). */
#define OF_CAP_PORT_BLOCKED (1u << 8)     /* 1.2+ only. */
#define OF_CAP_BUNDLES (1u << 9)          /* 1.4+ only. */
#define OF_CAP_FLOW_MONITORING (1u << 10) /* 1.4+ only. */

/* OpenFlow 1.0 action bits (the features reply's "actions"). */
#define OF_ACT10_OUTPUT (1u << 0)
#define OF_ACT10_SET_VLAN_VID (1u << 1)
#define OF_ACT10_SET_VLAN_PCP (1u << 2)
#define OF_ACT10_STRIP_VLAN (1u << 3)
#define OF_ACT10_SET_DL_SRC (1u << 4)
#define OF_ACT10_SET_DL_DST (1u << 5)
#define OF_ACT10_SET_NW_SRC (1u << 6)
#define OF_ACT10_SET_NW_DST (1u << 7)
#define OF_ACT10_SET_NW_TOS (1u << 8)
#define OF_ACT10_SET_TP_SRC (1u << 9)
#define OF_ACT10_SET_TP_DST (1u << 10)
#define OF_ACT10_ENQUEUE (1u << 11)
#define OF_ACT10_ALL 0xfffu

struct of_features {
    uint64_t datapath_id;
    uint32_t n_buffers;
    uint8_t n_tables;
    uint8_t auxiliary_id;  /* 1.3+. */
    uint32_t capabilities; /* OF_CAP_*. */
    uint32_t actions;      /* OF_ACT10_* (1.0 only). */
    struct of_ports ports; /* 1.0 only; 1.3+ uses port-desc. */
};

/* Encodes a features reply; the actions bitmap and the ports are sent
 * only in OpenFlow 1.0, the auxiliary id only in 1.3+. */
void of_features_reply_encode(struct buf *, uint8_t version, uint32_t xid,
                              const struct of_features *);
/* Fills *F (caller calls of_features_destroy(), also after an error).
 * Errors: OF_ERR_OFPBRC_BAD_LEN, port errors. */
enum of_err of_features_reply_decode(const struct of_msg *,
                                     struct of_features *);
/* Frees F's ports (not F itself). */
void of_features_destroy(struct of_features *);
/* The text after "(xid=...):" (VERSION decides which lines appear). */
void of_features_reply_format(struct buf *, uint8_t version,
                              const struct of_features *);

/* ---------------------------------------------------------------------
 * Switch configuration (get-config reply, set-config).
 * --------------------------------------------------------------------- */

#define OF_CONFIG_FRAG_NORMAL 0
#define OF_CONFIG_FRAG_DROP 1
#define OF_CONFIG_FRAG_REASM 2
#define OF_CONFIG_FRAG_NX_MATCH 3
#define OF_CONFIG_FRAG_MASK 3
/* OpenFlow 1.0 (as a Nicira extension) only. */
#define OF_CONFIG_INVALID_TTL_TO_CONTROLLER 4

struct of_switch_config {
    uint16_t flags; /* OF_CONFIG_*. */
    uint16_t miss_send_len;
};

/* TYPE is OF_T_GET_CONFIG_REPLY or OF_T_SET_CONFIG. */
void of_switch_config_encode(struct buf *, enum of_type, uint8_t version,
                             uint32_t xid, const struct of_switch_config *);
/* Errors: OF_ERR_OFPBRC_BAD_LEN, OF_ERR_OFPSCFC_BAD_FLAGS (flags the
 * version does not define). */
enum of_err of_switch_config_decode(const struct of_msg *,
                                    struct of_switch_config *);
/* " frags=normal miss_send_len=128". */
void of_switch_config_format(struct buf *, const struct of_switch_config *);

/* ---------------------------------------------------------------------
 * Description (OFPST_DESC reply).
 * --------------------------------------------------------------------- */

struct of_desc {
    char mfr_desc[257];
    char hw_desc[257];
    char sw_desc[257];
    char serial_num[33];
    char dp_desc[257];
};

/* Encodes a desc reply; strings longer than their fields are cut. */
void of_desc_reply_encode(struct buf *, uint8_t version, uint32_t xid,
                          const struct of_desc *);
/* Decodes one (each string NUL-terminated at its field's end at the
 * latest).  Errors: OF_ERR_OFPBRC_BAD_LEN. */
enum of_err of_desc_reply_decode(const struct of_msg *, struct of_desc *);
/* A newline and the "Manufacturer: ..." lines. */
void of_desc_reply_format(struct buf *, const struct of_desc *);

/* ---------------------------------------------------------------------
 * Roles.
 * --------------------------------------------------------------------- */

/* Roles in OpenFlow 1.2+ numbering (NXT_ROLE_* is mapped). */
enum of_role {
    OF_ROLE_NOCHANGE = 0,
    OF_ROLE_EQUAL = 1,
    OF_ROLE_PRIMARY = 2,
    OF_ROLE_SECONDARY = 3,
};

#define OF_GENERATION_NONE UINT64_MAX

struct of_role_msg {
    uint32_t role;          /* enum of_role. */
    uint64_t generation_id; /* OF_GENERATION_NONE: none (and always for
                             * Nicira messages). */
};

/* TYPE is OF_T_ROLE_REQUEST, OF_T_ROLE_REPLY (1.2+), OF_T_NXT_ROLE_REQUEST
 * or OF_T_NXT_ROLE_REPLY (any version; NOCHANGE cannot be sent there and
 * is sent as EQUAL). */
void of_role_encode(struct buf *, enum of_type, uint8_t version, uint32_t xid,
                    const struct of_role_msg *);
/* Decodes a role message.  A NOCHANGE request's generation id is not
 * kept (it means nothing, and ovs-ofctl does not show it); Nicira roles
 * carry none.  Errors: OF_ERR_OFPBRC_BAD_LEN, OF_ERR_OFPRRFC_BAD_ROLE. */
enum of_err of_role_decode(const struct of_msg *, struct of_role_msg *);
/* " role=primary generation_id=5". */
void of_role_format(struct buf *, const struct of_role_msg *);

enum of_role_reason {
    OF_ROLE_REASON_PRIMARY_REQUEST = 0,
    OF_ROLE_REASON_CONFIG = 1,
    OF_ROLE_REASON_EXPERIMENTER = 2,
};

struct of_role_status {
    uint32_t role;          /* enum of_role. */
    uint8_t reason;         /* enum of_role_reason. */
    uint64_t generation_id; /* OF_GENERATION_NONE: none. */
};

/* Encodes a role-status message (OpenFlow 1.4+), without properties. */
void of_role_status_encode(struct buf *, uint8_t version, uint32_t xid,
                           const struct of_role_status *);
/* Properties are skipped (the spec defines only experimenter ones).
 * Errors: OF_ERR_OFPBRC_BAD_LEN, OF_ERR_OFPRRFC_BAD_ROLE,
 * OF_ERR_OFPBPC_BAD_LEN. */
enum of_err of_role_status_decode(const struct of_msg *,
                                  struct of_role_status *);
/* " role=secondary generation_id=7 reason=configuration_changed". */
void of_role_status_format(struct buf *, const struct of_role_status *);

/* ---------------------------------------------------------------------
 * Asynchronous message configuration.
 * --------------------------------------------------------------------- */

/* The kinds of asynchronous message a controller can filter. */
enum of_async_kind {
    OF_ASYNC_PACKET_IN,
    OF_ASYNC_PORT_STATUS,
    OF_ASYNC_FLOW_REMOVED,
    OF_ASYNC_ROLE_STATUS,    /* 1.4+. */
    OF_ASYNC_TABLE_STATUS,   /* 1.4+. */
    OF_ASYNC_REQUESTFORWARD, /* 1.4+. */
    OF_N_ASYNC_KINDS
};

/* For each kind, a bitmap of the reasons (1 << wire reason) delivered to
 * controllers in the primary/equal role and in the secondary role. */
struct of_async_config {
    uint32_t primary[OF_N_ASYNC_KINDS];
    uint32_t secondary[OF_N_ASYNC_KINDS];
};

/* TYPE is OF_T_GET_ASYNC_REPLY, OF_T_SET_ASYNC (1.3: fixed masks of the
 * first three kinds; 1.4+: one property per kind and role) or
 * OF_T_NXT_SET_ASYNC_CONFIG (the 1.3 layout, any version). */
void of_async_config_encode(struct buf *, enum of_type, uint8_t version,
                            uint32_t xid, const struct of_async_config *);
/* Decodes a get-async reply, set-async or NXT_SET_ASYNC_CONFIG into *AC.
 *
 * The OpenFlow 1.3 layout (and NXT_SET_ASYNC_CONFIG) carries every mask it
 * can express, so *AC is that and nothing else: the 1.4-only kinds are 0.
 * The OpenFlow 1.4+ property layout need not carry every property: *AC
 * starts as *BASIS and only the properties present change it, as in Open
 * vSwitch, so a switch passes the connection's current configuration (a
 * set-async with one property changes one mask) and a reader of a reply
 * passes an all-zero one.  BASIS may be NULL (all zero) and may equal AC.
 *
 * Reasons the version does not define are dropped (also from BASIS's
 * masks) and unknown properties skipped, except in an OpenFlow 1.4+
 * SET_ASYNC, which a switch must refuse as Open vSwitch does.  Errors:
 * OF_ERR_OFPBRC_BAD_LEN, OF_ERR_OFPBPC_BAD_LEN (a property whose length
 * is not 8), OF_ERR_OFPACFC_UNSUPPORTED (unknown property in SET_ASYNC),
 * OF_ERR_OFPACFC_INVALID (undefined reason in SET_ASYNC).  On error *AC
 * is unspecified. */
enum of_err of_async_config_decode(const struct of_msg *,
                                   const struct of_async_config *basis,
                                   struct of_async_config *ac);
/* The " primary:" and " secondary:" blocks, a line per kind. */
void of_async_config_format(struct buf *, const struct of_async_config *);

/* ---------------------------------------------------------------------
 * Nicira session settings.
 * --------------------------------------------------------------------- */

#define OF_NX_FF_OPENFLOW10 0
#define OF_NX_FF_NXM 2

#define OF_NX_PIF_STANDARD 0
#define OF_NX_PIF_NXT_PACKET_IN 1
#define OF_NX_PIF_NXT_PACKET_IN2 2

/* NXT_SET_CONTROLLER_ID (VALUE = id), NXT_SET_FLOW_FORMAT (OF_NX_FF_*),
 * NXT_SET_PACKET_IN_FORMAT (OF_NX_PIF_*), NXT_FLOW_MOD_TABLE_ID (0 or 1):
 * each carries one number. */
void of_nx_setting_encode(struct buf *, enum of_type, uint8_t version,
                          uint32_t xid, uint32_t value);
/* Errors: OF_ERR_OFPBRC_BAD_LEN, OF_ERR_OFPBRC_EPERM (a flow or packet-in
 * format Open vSwitch does not know). */
enum of_err of_nx_setting_decode(const struct of_msg *, uint32_t *value);
/* " id=7", " format=nxm", " format=nxt_packet_in2", " enable". */
void of_nx_setting_format(struct buf *, enum of_type, uint32_t value);

/* ---------------------------------------------------------------------
 * Printing any of the above.
 * --------------------------------------------------------------------- */

/* If MSG is one of the messages above, decodes it and appends what
 * ovs-ofctl prints after its "(xid=0x...):" to B, returning 0 or the
 * decode error; returns OF_ERR_OFPBRC_BAD_TYPE for other messages. */
enum of_err of_switch_msg_format(struct buf *, const struct of_msg *);

#endif /* NICFLOW_OFCTL_OFP_SWITCH_H */
