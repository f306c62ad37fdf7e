/* ofp-errors.c: OpenFlow error codes and error messages.
 *
 * The table below gives, for each error and each range of versions, its
 * spelling on the wire.  It was generated from "ovs-ofctl print-error"
 * of Open vSwitch 3.1 for every error that program knows, so nicflow
 * sends and understands exactly the codes Open vSwitch does. */
#include <string.h>

#include "ofctl/ofp.h"

/* Wire header type of an error message. */
#define T_ERROR 1

#define NX OF_VENDOR_NX
#define ONF OF_VENDOR_ONF

struct err_row {
    enum of_err err;
    uint8_t vmin, vmax; /* Wire versions (1 = OpenFlow 1.0). */
    uint32_t vendor;
    uint16_t type, code;
};

#define W(NAME, VMIN, VMAX, VENDOR, TYPE, CODE)       \
    {                                                 \
        OF_ERR_##NAME, VMIN, VMAX, VENDOR, TYPE, CODE \
    }

/* clang-format off */
static const struct err_row err_rows[] = {
    W(OFPHFC_INCOMPATIBLE, 1, 6, 0, 0, 0),
    W(OFPHFC_EPERM, 1, 6, 0, 0, 1),
    W(OFPBRC_BAD_VERSION, 1, 6, 0, 1, 0),
    W(OFPBRC_BAD_TYPE, 1, 6, 0, 1, 1),
    W(OFPBRC_BAD_STAT, 1, 6, 0, 1, 2),
    W(OFPBRC_BAD_VENDOR, 1, 6, 0, 1, 3),
    W(OFPBRC_BAD_SUBTYPE, 1, 6, 0, 1, 4),
    W(OFPBRC_EPERM, 1, 6, 0, 1, 5),
    W(OFPBRC_BAD_LEN, 1, 6, 0, 1, 6),
    W(OFPBRC_BUFFER_EMPTY, 1, 6, 0, 1, 7),
    W(OFPBRC_BUFFER_UNKNOWN, 1, 6, 0, 1, 8),
    W(OFPBRC_BAD_TABLE_ID, 1, 1, NX, 1, 512),
    W(OFPBRC_BAD_TABLE_ID, 2, 6, 0, 1, 9),
    W(OFPBRC_IS_SECONDARY, 1, 2, 0, 1, 5),
    W(OFPBRC_IS_SECONDARY, 3, 6, 0, 1, 10),
    W(OFPBRC_BAD_PORT, 1, 2, NX, 1, 514),
    W(OFPBRC_BAD_PORT, 3, 6, 0, 1, 11),
    W(OFPBRC_BAD_PACKET, 3, 6, 0, 1, 12),
    W(OFPBRC_MULTIPART_BUFFER_OVERFLOW, 4, 6, 0, 1, 13),
    W(OFPBRC_MULTIPART_REQUEST_TIMEOUT, 4, 4, ONF, 2640, 0),
    W(OFPBRC_MULTIPART_REQUEST_TIMEOUT, 5, 6, 0, 1, 14),
    W(OFPBRC_MULTIPART_REPLY_TIMEOUT, 4, 4, ONF, 2641, 0),
    W(OFPBRC_MULTIPART_REPLY_TIMEOUT, 5, 6, 0, 1, 15),
    W(OFPBRC_MULTIPART_BAD_SCHED, 6, 6, 0, 1, 16),
    W(OFPBRC_PIPELINE_FIELDS_ONLY, 6, 6, 0, 1, 17),
    W(OFPBRC_UNKNOWN, 6, 6, 0, 1, 18),
    W(OFPBAC_BAD_TYPE, 1, 6, 0, 2, 0),
    W(OFPBAC_BAD_LEN, 1, 6, 0, 2, 1),
    W(OFPBAC_BAD_VENDOR, 1, 6, 0, 2, 2),
    W(OFPBAC_BAD_VENDOR_TYPE, 1, 6, 0, 2, 3),
    W(OFPBAC_BAD_OUT_PORT, 1, 6, 0, 2, 4),
    W(OFPBAC_BAD_ARGUMENT, 1, 6, 0, 2, 5),
    W(OFPBAC_EPERM, 1, 6, 0, 2, 6),
    W(OFPBAC_TOO_MANY, 1, 6, 0, 2, 7),
    W(OFPBAC_BAD_QUEUE, 1, 6, 0, 2, 8),
    W(OFPBAC_BAD_OUT_GROUP, 1, 1, NX, 2, 9),
    W(OFPBAC_BAD_OUT_GROUP, 2, 6, 0, 2, 9),
    W(OFPBAC_MATCH_INCONSISTENT, 1, 1, NX, 1, 522),
    W(OFPBAC_MATCH_INCONSISTENT, 2, 6, 0, 2, 10),
    W(OFPBAC_UNSUPPORTED_ORDER, 2, 6, 0, 2, 11),
    W(OFPBAC_BAD_TAG, 2, 6, 0, 2, 12),
    W(OFPBAC_BAD_SET_TYPE, 1, 2, NX, 1, 523),
    W(OFPBAC_BAD_SET_TYPE, 3, 6, 0, 2, 13),
    W(OFPBAC_BAD_SET_LEN, 1, 2, NX, 1, 524),
    W(OFPBAC_BAD_SET_LEN, 3, 6, 0, 2, 14),
    W(OFPBAC_BAD_SET_ARGUMENT, 1, 2, NX, 1, 525),
    W(OFPBAC_BAD_SET_ARGUMENT, 3, 6, 0, 2, 15),
    W(OFPBAC_BAD_SET_MASK, 4, 5, ONF, 4250, 0),
    W(OFPBAC_BAD_SET_MASK, 6, 6, 0, 2, 16),
    W(OFPBAC_BAD_METER, 6, 6, 0, 2, 17),
    W(OFPBIC_UNKNOWN_INST, 2, 6, 0, 3, 0),
    W(OFPBIC_UNSUP_INST, 1, 1, NX, 2, 257),
    W(OFPBIC_UNSUP_INST, 2, 6, 0, 3, 1),
    W(OFPBIC_BAD_TABLE_ID, 2, 6, 0, 3, 2),
    W(OFPBIC_UNSUP_METADATA, 2, 6, 0, 3, 3),
    W(OFPFMFC_BAD_EMERG_TIMEOUT, 1, 1, 0, 3, 3),
    W(OFPBIC_UNSUP_METADATA_MASK, 2, 6, 0, 3, 4),
    W(OFPBIC_BAD_EXPERIMENTER, 2, 6, 0, 3, 5),
    W(OFPFMFC_UNSUPPORTED, 1, 1, 0, 3, 5),
    W(OFPBIC_BAD_EXP_TYPE, 2, 2, 0, 3, 5),
    W(OFPBIC_BAD_EXP_TYPE, 3, 6, 0, 3, 6),
    W(OFPBIC_BAD_LEN, 3, 6, 0, 3, 7),
    W(OFPBIC_EPERM, 3, 6, 0, 3, 8),
    W(OFPBIC_DUP_INST, 2, 2, NX, 3, 256),
    W(OFPBIC_DUP_INST, 3, 4, ONF, 2600, 0),
    W(OFPBIC_DUP_INST, 5, 6, 0, 3, 9),
    W(OFPBMC_BAD_TYPE, 2, 6, 0, 4, 0),
    W(OFPBMC_BAD_LEN, 2, 6, 0, 4, 1),
    W(OFPBMC_BAD_TAG, 2, 6, 0, 4, 2),
    W(OFPBMC_BAD_DL_ADDR_MASK, 2, 6, 0, 4, 3),
    W(OFPBMC_BAD_NW_ADDR_MASK, 2, 6, 0, 4, 4),
    W(OFPBMC_BAD_WILDCARDS, 1, 1, NX, 1, 262),
    W(OFPBMC_BAD_WILDCARDS, 2, 6, 0, 4, 5),
    W(OFPBMC_BAD_FIELD, 1, 1, NX, 0, 263),
    W(OFPBMC_BAD_FIELD, 2, 6, 0, 4, 6),
    W(OFPBMC_BAD_VALUE, 1, 1, NX, 1, 258),
    W(OFPBMC_BAD_VALUE, 2, 6, 0, 4, 7),
    W(OFPBMC_BAD_MASK, 1, 2, NX, 1, 259),
    W(OFPBMC_BAD_MASK, 3, 6, 0, 4, 8),
    W(OFPBMC_BAD_PREREQ, 1, 2, NX, 1, 260),
    W(OFPBMC_BAD_PREREQ, 3, 6, 0, 4, 9),
    W(OFPBMC_DUP_FIELD, 1, 2, NX, 1, 261),
    W(OFPBMC_DUP_FIELD, 3, 6, 0, 4, 10),
    W(OFPBMC_EPERM, 3, 6, 0, 4, 11),
    W(OFPFMFC_UNKNOWN, 2, 6, 0, 5, 0),
    W(OFPFMFC_TABLE_FULL, 1, 1, 0, 3, 0),
    W(OFPFMFC_TABLE_FULL, 2, 6, 0, 5, 1),
    W(OFPFMFC_BAD_TABLE_ID, 2, 6, 0, 5, 2),
    W(OFPFMFC_OVERLAP, 1, 1, 0, 3, 1),
    W(OFPFMFC_OVERLAP, 2, 6, 0, 5, 3),
    W(OFPFMFC_EPERM, 1, 1, 0, 3, 2),
    W(OFPFMFC_EPERM, 2, 6, 0, 5, 4),
    W(OFPFMFC_BAD_TIMEOUT, 2, 6, 0, 5, 5),
    W(OFPFMFC_BAD_COMMAND, 1, 1, 0, 3, 4),
    W(OFPFMFC_BAD_COMMAND, 2, 6, 0, 5, 6),
    W(OFPFMFC_BAD_FLAGS, 1, 1, NX, 3, 258),
    W(OFPFMFC_BAD_FLAGS, 2, 2, NX, 5, 258),
    W(OFPFMFC_BAD_FLAGS, 3, 6, 0, 5, 7),
    W(OFPFMFC_CANT_SYNC, 5, 6, 0, 5, 8),
    W(OFPFMFC_BAD_PRIORITY, 4, 4, ONF, 2360, 0),
    W(OFPFMFC_BAD_PRIORITY, 5, 6, 0, 5, 9),
    W(OFPFMFC_IS_SYNC, 5, 6, 0, 5, 10),
    W(OFPGMFC_GROUP_EXISTS, 1, 1, NX, 6, 0),
    W(OFPGMFC_GROUP_EXISTS, 2, 6, 0, 6, 0),
    W(OFPGMFC_INVALID_GROUP, 1, 1, NX, 6, 1),
    W(OFPGMFC_INVALID_GROUP, 2, 6, 0, 6, 1),
    W(OFPGMFC_WEIGHT_UNSUPPORTED, 1, 1, NX, 6, 2),
    W(OFPGMFC_WEIGHT_UNSUPPORTED, 2, 6, 0, 6, 2),
    W(OFPGMFC_OUT_OF_GROUPS, 1, 1, NX, 6, 3),
    W(OFPGMFC_OUT_OF_GROUPS, 2, 6, 0, 6, 3),
    W(OFPGMFC_OUT_OF_BUCKETS, 1, 1, NX, 6, 4),
    W(OFPGMFC_OUT_OF_BUCKETS, 2, 6, 0, 6, 4),
    W(OFPGMFC_CHAINING_UNSUPPORTED, 1, 1, NX, 6, 5),
    W(OFPGMFC_CHAINING_UNSUPPORTED, 2, 6, 0, 6, 5),
    W(OFPGMFC_WATCH_UNSUPPORTED, 1, 1, NX, 6, 6),
    W(OFPGMFC_WATCH_UNSUPPORTED, 2, 6, 0, 6, 6),
    W(OFPGMFC_LOOP, 1, 1, NX, 6, 7),
    W(OFPGMFC_LOOP, 2, 6, 0, 6, 7),
    W(OFPGMFC_UNKNOWN_GROUP, 1, 1, NX, 6, 8),
    W(OFPGMFC_UNKNOWN_GROUP, 2, 6, 0, 6, 8),
    W(OFPGMFC_CHAINED_GROUP, 1, 1, NX, 6, 9),
    W(OFPGMFC_CHAINED_GROUP, 3, 6, 0, 6, 9),
    W(OFPGMFC_BAD_TYPE, 1, 1, NX, 6, 10),
    W(OFPGMFC_BAD_TYPE, 3, 6, 0, 6, 10),
    W(OFPGMFC_BAD_COMMAND, 1, 1, NX, 6, 11),
    W(OFPGMFC_BAD_COMMAND, 3, 6, 0, 6, 11),
    W(OFPGMFC_BAD_BUCKET, 1, 1, NX, 6, 12),
    W(OFPGMFC_BAD_BUCKET, 3, 6, 0, 6, 12),
    W(OFPGMFC_BAD_WATCH, 1, 1, NX, 6, 13),
    W(OFPGMFC_BAD_WATCH, 3, 6, 0, 6, 13),
    W(OFPGMFC_EPERM, 1, 1, NX, 6, 14),
    W(OFPGMFC_EPERM, 3, 6, 0, 6, 14),
    W(OFPGMFC_UNKNOWN_BUCKET, 1, 1, NX, 6, 15),
    W(OFPGMFC_UNKNOWN_BUCKET, 6, 6, 0, 6, 15),
    W(OFPGMFC_BUCKET_EXISTS, 1, 1, NX, 6, 16),
    W(OFPGMFC_BUCKET_EXISTS, 6, 6, 0, 6, 16),
    W(OFPPMFC_BAD_PORT, 1, 1, 0, 4, 0),
    W(OFPPMFC_BAD_PORT, 2, 6, 0, 7, 0),
    W(OFPPMFC_BAD_HW_ADDR, 1, 1, 0, 4, 1),
    W(OFPPMFC_BAD_HW_ADDR, 2, 6, 0, 7, 1),
    W(OFPPMFC_BAD_CONFIG, 2, 6, 0, 7, 2),
    W(OFPPMFC_BAD_ADVERTISE, 2, 6, 0, 7, 3),
    W(OFPPMFC_EPERM, 3, 6, 0, 7, 4),
    W(OFPTMFC_BAD_TABLE, 2, 6, 0, 8, 0),
    W(OFPTMFC_BAD_CONFIG, 2, 6, 0, 8, 1),
    W(OFPTMFC_EPERM, 3, 6, 0, 8, 2),
    W(OFPQOFC_BAD_PORT, 1, 1, 0, 5, 0),
    W(OFPQOFC_BAD_PORT, 2, 6, 0, 9, 0),
    W(OFPQOFC_BAD_QUEUE, 1, 1, 0, 5, 1),
    W(OFPQOFC_BAD_QUEUE, 2, 6, 0, 9, 1),
    W(OFPQOFC_EPERM, 1, 1, 0, 5, 2),
    W(OFPQOFC_EPERM, 2, 6, 0, 9, 2),
    W(OFPSCFC_BAD_FLAGS, 2, 6, 0, 10, 0),
    W(OFPSCFC_BAD_LEN, 2, 6, 0, 10, 1),
    W(OFPSCFC_EPERM, 3, 6, 0, 10, 2),
    W(OFPRRFC_STALE, 3, 6, 0, 11, 0),
    W(OFPRRFC_UNSUP, 3, 6, 0, 11, 1),
    W(OFPRRFC_BAD_ROLE, 1, 2, NX, 1, 513),
    W(OFPRRFC_BAD_ROLE, 3, 6, 0, 11, 2),
    W(OFPRRFC_ID_UNSUP, 6, 6, 0, 11, 3),
    W(OFPRRFC_ID_IN_USE, 6, 6, 0, 11, 4),
    W(OFPMMFC_UNKNOWN, 4, 6, 0, 12, 0),
    W(OFPMMFC_METER_EXISTS, 4, 6, 0, 12, 1),
    W(OFPMMFC_INVALID_METER, 4, 6, 0, 12, 2),
    W(OFPMMFC_UNKNOWN_METER, 4, 6, 0, 12, 3),
    W(OFPMMFC_BAD_COMMAND, 4, 6, 0, 12, 4),
    W(OFPMMFC_BAD_FLAGS, 4, 6, 0, 12, 5),
    W(OFPMMFC_BAD_RATE, 4, 6, 0, 12, 6),
    W(OFPMMFC_BAD_BURST, 4, 6, 0, 12, 7),
    W(OFPMMFC_BAD_BAND, 4, 6, 0, 12, 8),
    W(OFPMMFC_BAD_BAND_VALUE, 4, 6, 0, 12, 9),
    W(OFPMMFC_OUT_OF_METERS, 4, 6, 0, 12, 10),
    W(OFPMMFC_OUT_OF_BANDS, 4, 6, 0, 12, 11),
    W(OFPTFFC_BAD_TABLE, 4, 6, 0, 13, 0),
    W(OFPTFFC_BAD_METADATA, 4, 6, 0, 13, 1),
    W(OFPTFFC_EPERM, 4, 6, 0, 13, 5),
    W(OFPTFFC_BAD_CAPA, 6, 6, 0, 13, 6),
    W(OFPTFFC_BAD_MAX_ENT, 6, 6, 0, 13, 7),
    W(OFPTFFC_BAD_FEATURES, 6, 6, 0, 13, 8),
    W(OFPTFFC_BAD_COMMAND, 6, 6, 0, 13, 9),
    W(OFPTFFC_TOO_MANY, 6, 6, 0, 13, 10),
    W(OFPBPC_BAD_TYPE, 1, 2, NX, 13, 2),
    W(OFPBPC_BAD_TYPE, 3, 3, NX, 25, 0),
    W(OFPBPC_BAD_TYPE, 4, 4, 0, 13, 2),
    W(OFPBPC_BAD_TYPE, 5, 6, 0, 14, 0),
    W(OFPBPC_BAD_LEN, 1, 2, NX, 13, 3),
    W(OFPBPC_BAD_LEN, 3, 3, NX, 26, 0),
    W(OFPBPC_BAD_LEN, 4, 4, 0, 13, 3),
    W(OFPBPC_BAD_LEN, 5, 6, 0, 14, 1),
    W(OFPBPC_BAD_VALUE, 1, 2, NX, 13, 4),
    W(OFPBPC_BAD_VALUE, 3, 3, NX, 27, 0),
    W(OFPBPC_BAD_VALUE, 4, 4, 0, 13, 4),
    W(OFPBPC_BAD_VALUE, 5, 6, 0, 14, 2),
    W(OFPBPC_TOO_MANY, 1, 2, NX, 14, 3),
    W(OFPBPC_TOO_MANY, 3, 3, NX, 28, 0),
    W(OFPBPC_TOO_MANY, 4, 4, ONF, 4443, 0),
    W(OFPBPC_TOO_MANY, 5, 6, 0, 14, 3),
    W(OFPBPC_DUP_TYPE, 1, 2, NX, 14, 4),
    W(OFPBPC_DUP_TYPE, 3, 3, NX, 29, 0),
    W(OFPBPC_DUP_TYPE, 4, 4, ONF, 4444, 0),
    W(OFPBPC_DUP_TYPE, 5, 6, 0, 14, 4),
    W(OFPBPC_BAD_EXPERIMENTER, 1, 2, NX, 14, 5),
    W(OFPBPC_BAD_EXPERIMENTER, 3, 3, NX, 30, 0),
    W(OFPBPC_BAD_EXPERIMENTER, 4, 4, ONF, 4445, 0),
    W(OFPBPC_BAD_EXPERIMENTER, 5, 6, 0, 14, 5),
    W(OFPBPC_BAD_EXP_TYPE, 1, 2, NX, 14, 6),
    W(OFPBPC_BAD_EXP_TYPE, 3, 3, NX, 31, 0),
    W(OFPBPC_BAD_EXP_TYPE, 4, 4, ONF, 4446, 0),
    W(OFPBPC_BAD_EXP_TYPE, 5, 6, 0, 14, 6),
    W(OFPBPC_BAD_EXP_VALUE, 1, 2, NX, 14, 7),
    W(OFPBPC_BAD_EXP_VALUE, 3, 3, NX, 32, 0),
    W(OFPBPC_BAD_EXP_VALUE, 4, 4, ONF, 4447, 0),
    W(OFPBPC_BAD_EXP_VALUE, 5, 6, 0, 14, 7),
    W(OFPBPC_EPERM, 1, 2, NX, 14, 8),
    W(OFPBPC_EPERM, 3, 3, NX, 33, 0),
    W(OFPBPC_EPERM, 4, 4, ONF, 4448, 0),
    W(OFPBPC_EPERM, 5, 6, 0, 14, 8),
    W(OFPACFC_INVALID, 4, 4, ONF, 2370, 0),
    W(OFPACFC_INVALID, 5, 6, 0, 15, 0),
    W(OFPACFC_UNSUPPORTED, 4, 4, ONF, 2371, 0),
    W(OFPACFC_UNSUPPORTED, 5, 6, 0, 15, 1),
    W(OFPACFC_EPERM, 4, 4, ONF, 2372, 0),
    W(OFPACFC_EPERM, 5, 6, 0, 15, 2),
    W(OFPMOFC_UNKNOWN, 5, 6, 0, 16, 0),
    W(OFPMOFC_MONITOR_EXISTS, 1, 2, NX, 1, 517),
    W(OFPMOFC_MONITOR_EXISTS, 3, 4, NX, 6, 0),
    W(OFPMOFC_MONITOR_EXISTS, 5, 6, 0, 16, 1),
    W(OFPMOFC_INVALID_MONITOR, 5, 6, 0, 16, 2),
    W(OFPMOFC_UNKNOWN_MONITOR, 1, 2, NX, 1, 519),
    W(OFPMOFC_UNKNOWN_MONITOR, 3, 4, NX, 8, 0),
    W(OFPMOFC_UNKNOWN_MONITOR, 5, 6, 0, 16, 3),
    W(OFPMOFC_BAD_COMMAND, 5, 6, 0, 16, 4),
    W(OFPMOFC_BAD_FLAGS, 1, 2, NX, 1, 518),
    W(OFPMOFC_BAD_FLAGS, 3, 4, NX, 7, 0),
    W(OFPMOFC_BAD_FLAGS, 5, 6, 0, 16, 5),
    W(OFPMOFC_BAD_TABLE_ID, 5, 6, 0, 16, 6),
    W(OFPMOFC_BAD_OUT, 5, 6, 0, 16, 7),
    W(OFPBFC_UNKNOWN, 4, 4, ONF, 2300, 0),
    W(OFPBFC_UNKNOWN, 5, 6, 0, 17, 0),
    W(OFPBFC_EPERM, 4, 4, ONF, 2301, 0),
    W(OFPBFC_EPERM, 5, 6, 0, 17, 1),
    W(OFPBFC_BAD_ID, 4, 4, ONF, 2302, 0),
    W(OFPBFC_BAD_ID, 5, 6, 0, 17, 2),
    W(OFPBFC_BUNDLE_EXIST, 4, 4, ONF, 2303, 0),
    W(OFPBFC_BUNDLE_EXIST, 5, 6, 0, 17, 3),
    W(OFPBFC_BUNDLE_CLOSED, 4, 4, ONF, 2304, 0),
    W(OFPBFC_BUNDLE_CLOSED, 5, 6, 0, 17, 4),
    W(OFPBFC_OUT_OF_BUNDLES, 4, 4, ONF, 2305, 0),
    W(OFPBFC_OUT_OF_BUNDLES, 5, 6, 0, 17, 5),
    W(OFPBFC_BAD_TYPE, 4, 4, ONF, 2306, 0),
    W(OFPBFC_BAD_TYPE, 5, 6, 0, 17, 6),
    W(OFPBFC_BAD_FLAGS, 4, 4, ONF, 2307, 0),
    W(OFPBFC_BAD_FLAGS, 5, 6, 0, 17, 7),
    W(OFPBFC_MSG_BAD_LEN, 4, 4, ONF, 2308, 0),
    W(OFPBFC_MSG_BAD_LEN, 5, 6, 0, 17, 8),
    W(OFPBFC_MSG_BAD_XID, 4, 4, ONF, 2309, 0),
    W(OFPBFC_MSG_BAD_XID, 5, 6, 0, 17, 9),
    W(OFPBFC_MSG_UNSUP, 4, 4, ONF, 2310, 0),
    W(OFPBFC_MSG_UNSUP, 5, 6, 0, 17, 10),
    W(OFPBFC_MSG_CONFLICT, 4, 4, ONF, 2311, 0),
    W(OFPBFC_MSG_CONFLICT, 5, 6, 0, 17, 11),
    W(OFPBFC_MSG_TOO_MANY, 4, 4, ONF, 2312, 0),
    W(OFPBFC_MSG_TOO_MANY, 5, 6, 0, 17, 12),
    W(OFPBFC_MSG_FAILED, 4, 4, ONF, 2313, 0),
    W(OFPBFC_MSG_FAILED, 5, 6, 0, 17, 13),
    W(OFPBFC_TIMEOUT, 4, 4, ONF, 2314, 0),
    W(OFPBFC_TIMEOUT, 5, 6, 0, 17, 14),
    W(OFPBFC_BUNDLE_IN_PROGRESS, 4, 4, ONF, 2315, 0),
    W(OFPBFC_BUNDLE_IN_PROGRESS, 5, 6, 0, 17, 15),
    W(OFPBFC_SCHED_NOT_SUPPORTED, 6, 6, 0, 17, 16),
    W(OFPBFC_SCHED_FUTURE, 6, 6, 0, 17, 17),
    W(OFPBFC_SCHED_PAST, 6, 6, 0, 17, 18),
    W(NXBAC_BAD_CONJUNCTION, 1, 2, NX, 2, 526),
    W(NXBAC_BAD_CONJUNCTION, 3, 6, NX, 15, 0),
    W(NXBAC_BAD_ED_PROP, 4, 6, NX, 41, 0),
    W(NXBAC_BAD_HEADER_TYPE, 4, 6, NX, 39, 0),
    W(NXBAC_CT_DATAPATH_SUPPORT, 1, 2, NX, 1, 265),
    W(NXBAC_CT_DATAPATH_SUPPORT, 3, 6, NX, 42, 0),
    W(NXBAC_MUST_BE_ZERO, 1, 2, NX, 2, 256),
    W(NXBAC_MUST_BE_ZERO, 3, 6, NX, 11, 0),
    W(NXBAC_UNKNOWN_ED_PROP, 4, 6, NX, 40, 0),
    W(NXBMC_CT_DATAPATH_SUPPORT, 1, 2, NX, 1, 264),
    W(NXBMC_CT_DATAPATH_SUPPORT, 3, 6, NX, 43, 0),
    W(NXBRC_BAD_REASON, 1, 2, NX, 1, 516),
    W(NXBRC_BAD_REASON, 3, 6, NX, 5, 0),
    W(NXBRC_FM_BAD_EVENT, 1, 2, NX, 1, 520),
    W(NXBRC_FM_BAD_EVENT, 3, 6, NX, 9, 0),
    W(NXBRC_MUST_BE_ZERO, 1, 2, NX, 1, 515),
    W(NXBRC_MUST_BE_ZERO, 3, 6, NX, 4, 0),
    W(NXBRC_NXM_BAD_TYPE, 1, 2, NX, 1, 257),
    W(NXBRC_NXM_BAD_TYPE, 3, 6, NX, 3, 0),
    W(NXBRC_NXM_INVALID, 1, 2, NX, 1, 256),
    W(NXBRC_NXM_INVALID, 3, 6, NX, 2, 0),
    W(NXBRC_UNENCODABLE_ERROR, 1, 2, NX, 1, 521),
    W(NXBRC_UNENCODABLE_ERROR, 3, 6, NX, 10, 0),
    W(NXFMFC_BAD_TABLE_ID, 1, 2, NX, 5, 257),
    W(NXFMFC_BAD_TABLE_ID, 3, 6, NX, 13, 0),
    W(NXFMFC_HARDWARE, 1, 2, NX, 5, 256),
    W(NXFMFC_HARDWARE, 3, 6, NX, 12, 0),
    W(NXFMFC_INVALID_TLV_FIELD, 1, 2, NX, 1, 536),
    W(NXFMFC_INVALID_TLV_FIELD, 3, 6, NX, 37, 0),
    W(NXQOFC_QUEUE_ERROR, 5, 6, NX, 23, 0),
    W(NXTFFC_DUP_TABLE, 4, 6, NX, 44, 0),
    W(NXTTMFC_ALREADY_MAPPED, 1, 2, NX, 1, 531),
    W(NXTTMFC_ALREADY_MAPPED, 3, 6, NX, 20, 0),
    W(NXTTMFC_BAD_COMMAND, 1, 2, NX, 1, 527),
    W(NXTTMFC_BAD_COMMAND, 3, 6, NX, 16, 0),
    W(NXTTMFC_BAD_FIELD_IDX, 1, 2, NX, 1, 529),
    W(NXTTMFC_BAD_FIELD_IDX, 3, 6, NX, 18, 0),
    W(NXTTMFC_BAD_OPT_LEN, 1, 2, NX, 1, 528),
    W(NXTTMFC_BAD_OPT_LEN, 3, 6, NX, 17, 0),
    W(NXTTMFC_DUP_ENTRY, 1, 2, NX, 1, 532),
    W(NXTTMFC_DUP_ENTRY, 3, 6, NX, 21, 0),
    W(NXTTMFC_INVALID_TLV_DEL, 1, 2, NX, 1, 537),
    W(NXTTMFC_INVALID_TLV_DEL, 3, 6, NX, 38, 0),
    W(NXTTMFC_TABLE_FULL, 1, 2, NX, 1, 530),
    W(NXTTMFC_TABLE_FULL, 3, 6, NX, 19, 0),
    W(OFPBFC_BAD_VERSION, 5, 6, NX, 22, 0),
    W(NXR_NOT_SUPPORTED, 1, 2, NX, 1, 533),
    W(NXR_NOT_SUPPORTED, 3, 6, NX, 34, 0),
    W(NXR_STALE, 1, 2, NX, 1, 534),
    W(NXR_STALE, 3, 6, NX, 35, 0),
    W(NXST_NOT_CONFIGURED, 1, 2, NX, 1, 535),
    W(NXST_NOT_CONFIGURED, 3, 6, NX, 36, 0),
};
/* clang-format on */

#define N_ERR_ROWS (sizeof err_rows / sizeof *err_rows)

static const struct {
    const char *name;
    const char *what;
} err_info[OF_N_ERRS] = {
    [OF_ERR_NONE] = { "OFPERR_NONE", "success" },
#define OF_ERR_INFO_(NAME, WHAT) [OF_ERR_##NAME] = { #NAME, WHAT },
    OF_ERRORS(OF_ERR_INFO_)
#undef OF_ERR_INFO_
        [OF_ERR_UNKNOWN] = { "unknown error", "error not known to nicflow" },
};

const char *
of_err_name(enum of_err err)
{
    return (unsigned) err < OF_N_ERRS ? err_info[err].name : "unknown error";
}

const char *
of_err_what(enum of_err err)
{
    return ((unsigned) err < OF_N_ERRS ? err_info[err].what
                                       : "error not known to nicflow");
}

enum of_err
of_err_from_name(const char *name)
{
    static const struct {
        const char *alias;
        enum of_err err;
    } aliases[] = {
        { "OFPBRC_BAD_MULTIPART", OF_ERR_OFPBRC_BAD_STAT },
        { "OFPBRC_BAD_EXPERIMENTER", OF_ERR_OFPBRC_BAD_VENDOR },
        { "OFPBRC_BAD_EXP_TYPE", OF_ERR_OFPBRC_BAD_SUBTYPE },
        { "OFPBAC_BAD_EXPERIMENTER", OF_ERR_OFPBAC_BAD_VENDOR },
        { "OFPBAC_BAD_EXP_TYPE", OF_ERR_OFPBAC_BAD_VENDOR_TYPE },
        { "OFPBRC_IS_SLAVE", OF_ERR_OFPBRC_IS_SECONDARY },
    };

    for (int e = OF_ERR_NONE + 1; e < OF_ERR_UNKNOWN; e++) {
        if (!strcmp(err_info[e].name, name)) {
            return e;
        }
    }
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++) {
        if (!strcmp(aliases[i].alias, name)) {
            return aliases[i].err;
        }
    }
    return OF_ERR_UNKNOWN;
}

bool
of_err_to_wire(enum of_err err, uint8_t version, struct of_err_wire *w)
{
    for (size_t i = 0; i < N_ERR_ROWS; i++) {
        const struct err_row *r = &err_rows[i];
        if (r->err == err && version >= r->vmin && version <= r->vmax) {
            w->vendor = r->vendor;
            w->type = r->type;
            w->code = r->code;
            return true;
        }
    }
    return false;
}

enum of_err
of_err_from_wire(uint8_t version, const struct of_err_wire *w)
{
    for (size_t i = 0; i < N_ERR_ROWS; i++) {
        const struct err_row *r = &err_rows[i];
        if (version >= r->vmin && version <= r->vmax && r->vendor == w->vendor
            && r->type == w->type && r->code == w->code) {
            return r->err;
        }
    }
    return OF_ERR_UNKNOWN;
}

/* ---------------------------------------------------------------------
 * Error messages.
 * --------------------------------------------------------------------- */

/* True if an experimenter error in VERSION is nested in an NXET_VENDOR
 * error (OpenFlow 1.0 and 1.1) rather than sent as OFPET_EXPERIMENTER. */
static bool
uses_nx_vendor_wrapper(uint8_t version)
{
    return version <= OF_V11;
}

void
of_error_encode(struct buf *b, enum of_err err, uint8_t version,
                const void *request, size_t request_len)
{
    struct of_err_wire w;
    uint32_t xid = 0;
    uint8_t *h;

    if (request && request_len >= 8) {
        xid = of_get32((const uint8_t *) request + 4);
    }
    if (!of_err_to_wire(err, version, &w)) {
        /* Open vSwitch reports an error a version cannot express as this
         * Nicira error, which every version can. */
        of_err_to_wire(OF_ERR_NXBRC_UNENCODABLE_ERROR, version, &w);
    }
    buf_clear(b);
    h = buf_put_zeros(b, 8);
    h[0] = version;
    h[1] = T_ERROR;
    of_put32(h + 4, xid);
    if (!w.vendor) {
        of_buf_put16(b, w.type);
        of_buf_put16(b, w.code);
    } else if (uses_nx_vendor_wrapper(version)) {
        of_buf_put16(b, OF_ERR_NXET_VENDOR);
        of_buf_put16(b, 0);
        of_buf_put32(b, w.vendor);
        of_buf_put16(b, w.type);
        of_buf_put16(b, w.code);
    } else {
        of_buf_put16(b, OF_ERR_OFPET12_EXPERIMENTER);
        of_buf_put16(b, w.type);
        of_buf_put32(b, w.vendor);
    }
    if (request) {
        /* Open vSwitch echoes the whole offending message (the spec asks
         * for at least 64 bytes); only the 64 kB limit can cut it. */
        size_t room = OF_MSG_MAX - b->len;
        buf_put(b, request, request_len < room ? request_len : room);
    }
    of_msg_finish(b);
}

enum of_err
of_error_decode(const struct of_msg *msg, enum of_err *err, uint16_t *type,
                uint16_t *code, const uint8_t **data, size_t *data_len)
{
    struct of_err_wire w = { 0, 0, 0 };
    struct of_cursor c;
    const uint8_t *p;

    of_cursor_init(&c, msg->body, msg->body_len);
    p = of_cursor_pull(&c, 4);
    if (!p) {
        return OF_ERR_OFPBRC_BAD_LEN;
    }
    w.type = of_get16(p);
    w.code = of_get16(p + 2);
    if (w.type == OF_ERR_NXET_VENDOR && uses_nx_vendor_wrapper(msg->version)) {
        p = of_cursor_pull(&c, 8);
        if (!p) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        w.vendor = of_get32(p);
        w.type = of_get16(p + 4);
        w.code = of_get16(p + 6);
    } else if (w.type == OF_ERR_OFPET12_EXPERIMENTER
               && !uses_nx_vendor_wrapper(msg->version)) {
        p = of_cursor_pull(&c, 4);
        if (!p) {
            return OF_ERR_OFPBRC_BAD_LEN;
        }
        w.type = w.code;
        w.code = 0;
        w.vendor = of_get32(p);
    }
    *err = of_err_from_wire(msg->version, &w);
    *type = w.type;
    *code = w.code;
    *data = c.p;
    *data_len = c.left;
    return 0;
}
