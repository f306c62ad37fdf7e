/* ofp-meter.h: OpenFlow 1.3+ meters on the wire and in ovs-ofctl's text.
 *
 * The model (struct of_meter) is in host byte order and the same in every
 * version from 1.3 on; meter-mod and meter-config replies share it.
 * Decoders are strict and all-or-nothing. */
#ifndef NICFLOW_OFCTL_OFP_METER_H
#define NICFLOW_OFCTL_OFP_METER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/ofp.h"

/* Meter ids with special meanings. */
#define OF_METER_MAX 0xffff0000u
#define OF_METER_SLOWPATH 0xfffffffdu
#define OF_METER_CONTROLLER 0xfffffffeu
#define OF_METER_ALL 0xffffffffu

/* Meter-mod commands and meter flags (wire values). */
enum of_meter_cmd { OF_MC_ADD = 0, OF_MC_MODIFY = 1, OF_MC_DELETE = 2 };
#define OF_MF_KBPS 0x1
#define OF_MF_PKTPS 0x2
#define OF_MF_BURST 0x4
#define OF_MF_STATS 0x8

/* Band types (wire values). */
enum of_band_type { OF_MBT_DROP = 1, OF_MBT_DSCP_REMARK = 2 };

struct of_meter_band {
    enum of_band_type type;
    uint32_t rate;
    uint32_t burst_size;
    uint8_t prec_level; /* dscp_remark only. */
};

#define OF_METER_MAX_BANDS 16
struct of_meter {
    enum of_meter_cmd command;
    uint16_t flags;
    uint32_t meter_id;
    size_t n_bands;
    struct of_meter_band bands[OF_METER_MAX_BANDS];
};

/* Initialises M as an empty "add" of meter 0. */
void of_meter_init(struct of_meter *);
/* True if A and B are the same (command, flags, id, bands). */
bool of_meter_equal(const struct of_meter *, const struct of_meter *);

/* Meter-mod (1.3+). */
void of_meter_mod_encode(const struct of_meter *, uint8_t version,
                         uint32_t xid, struct buf *);
/* Refuses unknown commands (OFPMMFC_BAD_COMMAND), unknown flags
 * (OFPMMFC_BAD_FLAGS), unknown band types (OFPMMFC_BAD_BAND), bands of
 * the wrong length (OFPBRC_BAD_LEN) and more than OF_METER_MAX_BANDS
 * bands (OFPMMFC_OUT_OF_BANDS). */
enum of_err of_meter_mod_decode(const struct of_msg *, struct of_meter *);

/* Meter config and meter stats requests: both carry a meter id
 * (OF_METER_ALL for every meter).  TYPE is OF_T_METER_CONFIG_REQUEST or
 * OF_T_METER_STATS_REQUEST. */
void of_meter_request_encode(enum of_type, uint32_t meter_id, uint8_t version,
                             uint32_t xid, struct buf *);
/* Decodes either into *METER_ID; a wrong body size is OFPBRC_BAD_LEN. */
enum of_err of_meter_request_decode(const struct of_msg *, uint32_t *meter_id);

/* Meter config reply: encodes N meters (their COMMAND is ignored). */
void of_meter_config_reply_encode(const struct of_meter *, size_t n,
                                  uint8_t version, uint32_t xid, struct buf *);
/* Decodes one, allocating *METERS (free with free()); bands are checked
 * as for meter-mod, entry lengths give OFPBRC_BAD_LEN. */
enum of_err of_meter_config_reply_decode(const struct of_msg *,
                                         struct of_meter **meters, size_t *n);

/* Meter statistics. */
struct of_meter_band_stats {
    uint64_t packets;
    uint64_t bytes;
};
struct of_meter_stats {
    uint32_t meter_id;
    uint32_t flow_count;
    uint64_t packet_in_count;
    uint64_t byte_in_count;
    uint32_t duration_sec;
    uint32_t duration_nsec;
    size_t n_bands;
    struct of_meter_band_stats bands[OF_METER_MAX_BANDS];
};
/* Meter-stats reply for N meters. */
void of_meter_stats_reply_encode(const struct of_meter_stats *, size_t n,
                                 uint8_t version, uint32_t xid, struct buf *);
/* Decodes one, allocating *STATS (free with free()); an entry whose
 * length is not 40 plus whole band counters is OFPBRC_BAD_LEN. */
enum of_err of_meter_stats_reply_decode(const struct of_msg *,
                                        struct of_meter_stats **stats,
                                        size_t *n);

/* Meter features. */
struct of_meter_features {
    uint32_t max_meters;
    uint32_t band_types;   /* Bit N set: band type N supported. */
    uint32_t capabilities; /* OF_MF_* flags supported. */
    uint8_t max_bands;
    uint8_t max_color;
};
/* Meter-features reply. */
void of_meter_features_reply_encode(const struct of_meter_features *,
                                    uint8_t version, uint32_t xid,
                                    struct buf *);
/* Decodes one; a body other than 16 bytes is OFPBRC_BAD_LEN. */
enum of_err of_meter_features_reply_decode(const struct of_msg *,
                                           struct of_meter_features *);

/* ---------------------------------------------------------------------
 * Text.
 * --------------------------------------------------------------------- */

/* Parses what "ovs-ofctl add-meter" (OF_MC_ADD), "mod-meter"
 * (OF_MC_MODIFY) and "del-meters" (OF_MC_DELETE; "" means all meters)
 * accept, e.g. "meter=1,kbps,burst,stats,bands=type=drop rate=1000
 * burst_size=100", into M (initialised by the call).  Returns NULL or an
 * error message (caller frees). */
char *of_meter_parse(struct of_meter *, const char *s,
                     enum of_meter_cmd command);

/* Appends M as ofp-print shows a meter-mod body or a meter-config reply
 * entry: "meter=1 kbps burst stats bands=\ntype=drop rate=1000
 * burst_size=100" (with the command name first for meter-mods when
 * WITH_COMMAND). */
void of_meter_format(const struct of_meter *, bool with_command, struct buf *);

/* Appends one meter's statistics as ofp-print shows them. */
void of_meter_stats_format(const struct of_meter_stats *, struct buf *);

/* Appends meter features as ofp-print shows them. */
void of_meter_features_format(const struct of_meter_features *, struct buf *);

/* Decodes MSG, any meter message (meter-mod, meter config and stats
 * requests and replies, meter-features reply), and appends what
 * "ovs-ofctl ofp-print" shows after the header line.  Returns the
 * decoder's error, or OFPBRC_BAD_TYPE for other messages. */
enum of_err of_meter_msg_format(const struct of_msg *, struct buf *);

#endif /* NICFLOW_OFCTL_OFP_METER_H */
