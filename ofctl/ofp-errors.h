/* ofp-errors.h: OpenFlow errors, one enum value per error.
 *
 * Decoders return `enum of_err` (0 = OF_ERR_NONE = success) for malformed
 * input so the switch can answer with the right OFPT_ERROR type and code
 * in every version; of_err_name() gives the name ovs-ofctl prints
 * ("OFPBRC_BAD_LEN") and of_err_what() a sentence for users.
 *
 * OF_ERRORS(X) lists every error Open vSwitch 3.1 knows, as
 *   X(NAME, "what it means")
 * in the order of their OpenFlow 1.1+ type and code, experimenter errors
 * last.  How each error is spelled on the wire differs per version (a
 * standard type/code pair, a Nicira vendor error nested in an NXET_VENDOR
 * error in OpenFlow 1.0 and 1.1, an OFPET_EXPERIMENTER error with an
 * experimenter type in 1.2+); that mapping is the declarative table in
 * ofp-errors.c, checked against "ovs-ofctl print-error". */
#ifndef NICFLOW_OFCTL_OFP_ERRORS_H
#define NICFLOW_OFCTL_OFP_ERRORS_H 1

#include <stdbool.h>
#include <stdint.h>

/* clang-format off */
#define OF_ERRORS(X) \
    X(OFPHFC_INCOMPATIBLE, "no OpenFlow version in common") \
    X(OFPHFC_EPERM, "permissions error in hello") \
    X(OFPBRC_BAD_VERSION, "OpenFlow version is not supported") \
    X(OFPBRC_BAD_TYPE, "message type is unknown") \
    X(OFPBRC_BAD_STAT, "multipart type is unknown") \
    X(OFPBRC_BAD_VENDOR, "experimenter id is unknown") \
    X(OFPBRC_BAD_SUBTYPE, "experimenter message subtype is unknown") \
    X(OFPBRC_EPERM, "permissions error in request") \
    X(OFPBRC_BAD_LEN, "request has the wrong length") \
    X(OFPBRC_BUFFER_EMPTY, "buffer was already used") \
    X(OFPBRC_BUFFER_UNKNOWN, "buffer id does not exist") \
    X(OFPBRC_BAD_TABLE_ID, "request names an invalid table") \
    X(OFPBRC_IS_SECONDARY,\
      "controller is secondary and may not change state") \
    X(OFPBRC_BAD_PORT, "request names an invalid port") \
    X(OFPBRC_BAD_PACKET, "packet in packet-out is invalid") \
    X(OFPBRC_MULTIPART_BUFFER_OVERFLOW,\
      "multipart request is too large to buffer") \
    X(OFPBRC_MULTIPART_REQUEST_TIMEOUT, "multipart request timed out") \
    X(OFPBRC_MULTIPART_REPLY_TIMEOUT, "multipart reply timed out") \
    X(OFPBRC_MULTIPART_BAD_SCHED, "multipart request schedule is invalid") \
    X(OFPBRC_PIPELINE_FIELDS_ONLY, "match may only use pipeline fields") \
    X(OFPBRC_UNKNOWN, "request failed for an unspecified reason") \
    X(OFPBAC_BAD_TYPE, "action type is unknown") \
    X(OFPBAC_BAD_LEN, "action has the wrong length") \
    X(OFPBAC_BAD_VENDOR, "action experimenter id is unknown") \
    X(OFPBAC_BAD_VENDOR_TYPE, "action experimenter type is unknown") \
    X(OFPBAC_BAD_OUT_PORT, "action names an invalid output port") \
    X(OFPBAC_BAD_ARGUMENT, "action has a bad argument") \
    X(OFPBAC_EPERM, "permissions error in action") \
    X(OFPBAC_TOO_MANY, "too many actions") \
    X(OFPBAC_BAD_QUEUE, "action names an invalid queue") \
    X(OFPBAC_BAD_OUT_GROUP, "action names an invalid group") \
    X(OFPBAC_MATCH_INCONSISTENT, "action is inconsistent with the match") \
    X(OFPBAC_UNSUPPORTED_ORDER, "action order is not supported") \
    X(OFPBAC_BAD_TAG, "action pushes or sets an invalid tag") \
    X(OFPBAC_BAD_SET_TYPE, "set-field action names an unsupported field") \
    X(OFPBAC_BAD_SET_LEN, "set-field action has the wrong length") \
    X(OFPBAC_BAD_SET_ARGUMENT, "set-field action has a bad argument") \
    X(OFPBAC_BAD_SET_MASK,\
      "set-field action has a mask the switch cannot set") \
    X(OFPBAC_BAD_METER, "action names an invalid meter") \
    X(OFPBIC_UNKNOWN_INST, "instruction type is unknown") \
    X(OFPBIC_UNSUP_INST, "instruction is not supported") \
    X(OFPBIC_BAD_TABLE_ID, "goto-table names an invalid table") \
    X(OFPBIC_UNSUP_METADATA, "metadata value is not supported") \
    X(OFPFMFC_BAD_EMERG_TIMEOUT, "emergency flow has a timeout") \
    X(OFPBIC_UNSUP_METADATA_MASK, "metadata mask is not supported") \
    X(OFPBIC_BAD_EXPERIMENTER, "instruction experimenter id is unknown") \
    X(OFPFMFC_UNSUPPORTED, "flow actions are not supported") \
    X(OFPBIC_BAD_EXP_TYPE, "instruction experimenter type is unknown") \
    X(OFPBIC_BAD_LEN, "instruction has the wrong length") \
    X(OFPBIC_EPERM, "permissions error in instruction") \
    X(OFPBIC_DUP_INST, "instruction appears twice") \
    X(OFPBMC_BAD_TYPE, "match type is unsupported") \
    X(OFPBMC_BAD_LEN, "match has the wrong length") \
    X(OFPBMC_BAD_TAG, "match tag is invalid") \
    X(OFPBMC_BAD_DL_ADDR_MASK, "Ethernet address mask is not supported") \
    X(OFPBMC_BAD_NW_ADDR_MASK, "IP address mask is not supported") \
    X(OFPBMC_BAD_WILDCARDS, "match wildcards are not supported") \
    X(OFPBMC_BAD_FIELD, "match field is unsupported") \
    X(OFPBMC_BAD_VALUE, "match field value is invalid") \
    X(OFPBMC_BAD_MASK, "match mask is not supported for the field") \
    X(OFPBMC_BAD_PREREQ, "match field's prerequisite is not met") \
    X(OFPBMC_DUP_FIELD, "match field appears twice") \
    X(OFPBMC_EPERM, "permissions error in match") \
    X(OFPFMFC_UNKNOWN, "flow mod failed for an unspecified reason") \
    X(OFPFMFC_TABLE_FULL, "flow table is full") \
    X(OFPFMFC_BAD_TABLE_ID, "flow mod names an invalid table") \
    X(OFPFMFC_OVERLAP, "flow overlaps an existing flow") \
    X(OFPFMFC_EPERM, "permissions error in flow mod") \
    X(OFPFMFC_BAD_TIMEOUT, "flow timeout is not supported") \
    X(OFPFMFC_BAD_COMMAND, "flow mod command is unknown") \
    X(OFPFMFC_BAD_FLAGS, "flow mod flags are invalid") \
    X(OFPFMFC_CANT_SYNC, "flow cannot be synchronised to another table") \
    X(OFPFMFC_BAD_PRIORITY, "flow priority is not supported") \
    X(OFPFMFC_IS_SYNC, "table is synchronised and read-only") \
    X(OFPGMFC_GROUP_EXISTS, "group already exists") \
    X(OFPGMFC_INVALID_GROUP, "group id is invalid") \
    X(OFPGMFC_WEIGHT_UNSUPPORTED, "group bucket weights are not supported") \
    X(OFPGMFC_OUT_OF_GROUPS, "switch is out of groups") \
    X(OFPGMFC_OUT_OF_BUCKETS, "group has too many buckets") \
    X(OFPGMFC_CHAINING_UNSUPPORTED, "group chaining is not supported") \
    X(OFPGMFC_WATCH_UNSUPPORTED, "group liveness watch is not supported") \
    X(OFPGMFC_LOOP, "group would create a loop") \
    X(OFPGMFC_UNKNOWN_GROUP, "group does not exist") \
    X(OFPGMFC_CHAINED_GROUP, "group is referenced by another group") \
    X(OFPGMFC_BAD_TYPE, "group type is unsupported") \
    X(OFPGMFC_BAD_COMMAND, "group mod command is unknown") \
    X(OFPGMFC_BAD_BUCKET, "group bucket is invalid") \
    X(OFPGMFC_BAD_WATCH, "group watch port or group is invalid") \
    X(OFPGMFC_EPERM, "permissions error in group mod") \
    X(OFPGMFC_UNKNOWN_BUCKET, "group bucket id does not exist") \
    X(OFPGMFC_BUCKET_EXISTS, "group bucket id already exists") \
    X(OFPPMFC_BAD_PORT, "port does not exist") \
    X(OFPPMFC_BAD_HW_ADDR, "port hardware address does not match") \
    X(OFPPMFC_BAD_CONFIG, "port config is invalid") \
    X(OFPPMFC_BAD_ADVERTISE, "port advertised features are invalid") \
    X(OFPPMFC_EPERM, "permissions error in port mod") \
    X(OFPTMFC_BAD_TABLE, "table mod names an invalid table") \
    X(OFPTMFC_BAD_CONFIG, "table config is invalid") \
    X(OFPTMFC_EPERM, "permissions error in table mod") \
    X(OFPQOFC_BAD_PORT, "queue request names an invalid port") \
    X(OFPQOFC_BAD_QUEUE, "queue does not exist") \
    X(OFPQOFC_EPERM, "permissions error in queue request") \
    X(OFPSCFC_BAD_FLAGS, "switch config flags are invalid") \
    X(OFPSCFC_BAD_LEN, "miss_send_len is invalid") \
    X(OFPSCFC_EPERM, "permissions error in switch config") \
    X(OFPRRFC_STALE, "role request has a stale generation id") \
    X(OFPRRFC_UNSUP, "controller role change is not supported") \
    X(OFPRRFC_BAD_ROLE, "controller role is invalid") \
    X(OFPRRFC_ID_UNSUP, "controller ids are not supported") \
    X(OFPRRFC_ID_IN_USE, "controller id is already in use") \
    X(OFPMMFC_UNKNOWN, "meter mod failed for an unspecified reason") \
    X(OFPMMFC_METER_EXISTS, "meter already exists") \
    X(OFPMMFC_INVALID_METER, "meter id is invalid") \
    X(OFPMMFC_UNKNOWN_METER, "meter does not exist") \
    X(OFPMMFC_BAD_COMMAND, "meter mod command is unknown") \
    X(OFPMMFC_BAD_FLAGS, "meter flags are unsupported") \
    X(OFPMMFC_BAD_RATE, "meter rate is unsupported") \
    X(OFPMMFC_BAD_BURST, "meter burst size is unsupported") \
    X(OFPMMFC_BAD_BAND, "meter band type is unsupported") \
    X(OFPMMFC_BAD_BAND_VALUE, "meter band value is unsupported") \
    X(OFPMMFC_OUT_OF_METERS, "switch is out of meters") \
    X(OFPMMFC_OUT_OF_BANDS, "meter has too many bands") \
    X(OFPTFFC_BAD_TABLE, "table features names an invalid table") \
    X(OFPTFFC_BAD_METADATA, "table metadata mask is invalid") \
    X(OFPTFFC_EPERM, "permissions error in table features") \
    X(OFPTFFC_BAD_CAPA, "table features capabilities are invalid") \
    X(OFPTFFC_BAD_MAX_ENT, "table max_entries is invalid") \
    X(OFPTFFC_BAD_FEATURES, "table features are invalid") \
    X(OFPTFFC_BAD_COMMAND, "table features command is invalid") \
    X(OFPTFFC_TOO_MANY, "table features request has too many tables") \
    X(OFPBPC_BAD_TYPE, "property type is unknown") \
    X(OFPBPC_BAD_LEN, "property has the wrong length") \
    X(OFPBPC_BAD_VALUE, "property value is invalid") \
    X(OFPBPC_TOO_MANY, "too many properties") \
    X(OFPBPC_DUP_TYPE, "property appears twice") \
    X(OFPBPC_BAD_EXPERIMENTER, "property experimenter id is unknown") \
    X(OFPBPC_BAD_EXP_TYPE, "property experimenter type is unknown") \
    X(OFPBPC_BAD_EXP_VALUE, "property experimenter value is invalid") \
    X(OFPBPC_EPERM, "permissions error in property") \
    X(OFPACFC_INVALID, "async config has an invalid value") \
    X(OFPACFC_UNSUPPORTED, "async config requests unsupported behaviour") \
    X(OFPACFC_EPERM, "permissions error in async config") \
    X(OFPMOFC_UNKNOWN, "flow monitor failed for an unspecified reason") \
    X(OFPMOFC_MONITOR_EXISTS, "flow monitor already exists") \
    X(OFPMOFC_INVALID_MONITOR, "flow monitor id is invalid") \
    X(OFPMOFC_UNKNOWN_MONITOR, "flow monitor does not exist") \
    X(OFPMOFC_BAD_COMMAND, "flow monitor command is unknown") \
    X(OFPMOFC_BAD_FLAGS, "flow monitor flags are invalid") \
    X(OFPMOFC_BAD_TABLE_ID, "flow monitor names an invalid table") \
    X(OFPMOFC_BAD_OUT, "flow monitor output port is invalid") \
    X(OFPBFC_UNKNOWN, "bundle failed for an unspecified reason") \
    X(OFPBFC_EPERM, "permissions error in bundle") \
    X(OFPBFC_BAD_ID, "bundle id does not exist") \
    X(OFPBFC_BUNDLE_EXIST, "bundle id already exists") \
    X(OFPBFC_BUNDLE_CLOSED, "bundle is already closed") \
    X(OFPBFC_OUT_OF_BUNDLES, "too many bundles are open") \
    X(OFPBFC_BAD_TYPE, "bundle control type is invalid") \
    X(OFPBFC_BAD_FLAGS, "bundle flags are unsupported") \
    X(OFPBFC_MSG_BAD_LEN, "bundled message has an inconsistent length") \
    X(OFPBFC_MSG_BAD_XID, "bundled message has an inconsistent xid") \
    X(OFPBFC_MSG_UNSUP, "message type cannot be bundled") \
    X(OFPBFC_MSG_CONFLICT,\
      "bundled message conflicts with another in the bundle") \
    X(OFPBFC_MSG_TOO_MANY, "bundle has too many messages") \
    X(OFPBFC_MSG_FAILED, "a bundled message failed") \
    X(OFPBFC_TIMEOUT, "bundle timed out") \
    X(OFPBFC_BUNDLE_IN_PROGRESS, "bundle is being committed") \
    X(OFPBFC_SCHED_NOT_SUPPORTED, "scheduled commit is not supported") \
    X(OFPBFC_SCHED_FUTURE, "scheduled commit time is too far in the future") \
    X(OFPBFC_SCHED_PAST, "scheduled commit time is in the past") \
    X(NXR_NOT_SUPPORTED, "continuations are not supported") \
    X(NXR_STALE, "continuation is stale") \
    X(NXST_NOT_CONFIGURED, "the switch is not configured for this feature") \
    X(NXBAC_BAD_CONJUNCTION, "conjunction action is invalid or inconsistent") \
    X(NXBAC_BAD_ED_PROP, "encap/decap property is invalid") \
    X(NXBAC_BAD_HEADER_TYPE, "encap/decap header type is not supported") \
    X(NXBAC_CT_DATAPATH_SUPPORT,\
      "the datapath does not support this conntrack action") \
    X(NXBAC_MUST_BE_ZERO, "an action field that must be zero is not") \
    X(NXBAC_UNKNOWN_ED_PROP, "encap/decap property is unknown") \
    X(NXBMC_CT_DATAPATH_SUPPORT,\
      "the datapath does not support this conntrack match") \
    X(NXBRC_BAD_REASON, "a packet-in or flow-removed reason is invalid") \
    X(NXBRC_FM_BAD_EVENT, "a flow monitor event is invalid") \
    X(NXBRC_MUST_BE_ZERO, "a request field that must be zero is not") \
    X(NXBRC_NXM_BAD_TYPE, "an NXM/OXM field type is invalid") \
    X(NXBRC_NXM_INVALID, "NXM/OXM match is malformed") \
    X(NXBRC_UNENCODABLE_ERROR,\
      "the switch raised an error this OpenFlow version cannot express") \
    X(NXFMFC_BAD_TABLE_ID, "flow table id is invalid") \
    X(NXFMFC_HARDWARE, "hardware failed to add the flow") \
    X(NXFMFC_INVALID_TLV_FIELD, "tunnel metadata field has no TLV mapping") \
    X(NXQOFC_QUEUE_ERROR, "queue configuration failed") \
    X(NXTFFC_DUP_TABLE, "table features request names a table twice") \
    X(NXTTMFC_ALREADY_MAPPED, "TLV option is already mapped") \
    X(NXTTMFC_BAD_COMMAND, "TLV table mod command is invalid") \
    X(NXTTMFC_BAD_FIELD_IDX, "TLV mapping index is out of range") \
    X(NXTTMFC_BAD_OPT_LEN, "TLV option length is invalid") \
    X(NXTTMFC_DUP_ENTRY, "TLV mapping is duplicated") \
    X(NXTTMFC_INVALID_TLV_DEL, "TLV mapping to delete is in use") \
    X(NXTTMFC_TABLE_FULL, "TLV mapping table is full") \
    X(OFPBFC_BAD_VERSION,\
      "bundled message has another version than the bundle")
/* clang-format on */

enum of_err {
    OF_ERR_NONE = 0,
#define OF_ERR_ENUM_(NAME, WHAT) OF_ERR_##NAME,
    OF_ERRORS(OF_ERR_ENUM_)
#undef OF_ERR_ENUM_
        OF_ERR_UNKNOWN, /* A received type/code pair we do not know. */
    OF_N_ERRS
};

/* OpenFlow 1.1+ names for errors that Open vSwitch calls by their
 * OpenFlow 1.0 names, and the name Open vSwitch used before 3.0. */
#define OF_ERR_OFPBRC_BAD_MULTIPART OF_ERR_OFPBRC_BAD_STAT
#define OF_ERR_OFPBRC_BAD_EXPERIMENTER OF_ERR_OFPBRC_BAD_VENDOR
#define OF_ERR_OFPBRC_BAD_EXP_TYPE OF_ERR_OFPBRC_BAD_SUBTYPE
#define OF_ERR_OFPBAC_BAD_EXPERIMENTER OF_ERR_OFPBAC_BAD_VENDOR
#define OF_ERR_OFPBAC_BAD_EXP_TYPE OF_ERR_OFPBAC_BAD_VENDOR_TYPE
#define OF_ERR_OFPBRC_IS_SLAVE OF_ERR_OFPBRC_IS_SECONDARY

/* Wire type of an OpenFlow 1.0/1.1 error that wraps a vendor error, and
 * of an OpenFlow 1.2+ experimenter error. */
#define OF_ERR_NXET_VENDOR 0xb0c2
#define OF_ERR_OFPET12_EXPERIMENTER 0xffff

/* "OFPBRC_BAD_LEN" for OF_ERR_OFPBRC_BAD_LEN, "OFPERR_NONE" for
 * OF_ERR_NONE, "unknown error" for anything else. */
const char *of_err_name(enum of_err);

/* The error named NAME (as of_err_name() spells it, or one of the aliases
 * above without the OF_ERR_ prefix), or OF_ERR_UNKNOWN. */
enum of_err of_err_from_name(const char *name);

/* A short explanation for users ("request has the wrong length"). */
const char *of_err_what(enum of_err);

/* How an error is spelled in one version, as "ovs-ofctl print-error"
 * shows it.  For a standard error VENDOR is 0 and TYPE/CODE are the
 * header's.  For an experimenter error VENDOR is its experimenter id and,
 * in OpenFlow 1.0 and 1.1, TYPE/CODE are the vendor's own (nested in an
 * NXET_VENDOR error); in 1.2+ TYPE is the experimenter type sent in the
 * code field of an OFPET_EXPERIMENTER error and CODE is 0. */
struct of_err_wire {
    uint32_t vendor;
    uint16_t type;
    uint16_t code;
};

/* Fills *W with ERR's spelling in VERSION.  Returns false, leaving *W
 * alone, if VERSION has no spelling for ERR (of_error_encode() then sends
 * NXBRC_UNENCODABLE_ERROR, as Open vSwitch does). */
bool of_err_to_wire(enum of_err, uint8_t version, struct of_err_wire *);

/* The error spelled *W in VERSION, or OF_ERR_UNKNOWN. */
enum of_err of_err_from_wire(uint8_t version, const struct of_err_wire *);

#endif /* NICFLOW_OFCTL_OFP_ERRORS_H */
