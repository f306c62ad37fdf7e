/* ofp-port.h: OpenFlow ports on the wire — port descriptions (OpenFlow
 * 1.0 ofp10_phy_port, 1.1-1.3 ofp11_port, 1.4+ ofp14_port with an
 * ethernet property), port-desc, port-status, port-mod, port and queue
 * statistics and queue-get-config, with printers that produce exactly
 * what "ovs-ofctl ofp-print" / "show" / "dump-ports" print after the
 * message's "(xid=0x...):".
 *
 * Every model is in host byte order.  Port numbers are OpenFlow 1.0
 * numbers (OF_PORT_* in match.h); the codecs map OpenFlow 1.1+ 32-bit
 * numbers with of_port_from_ofp11() / of_port_to_ofp11().  Decoders check
 * lengths strictly and return the error Open vSwitch would answer with;
 * encoders start and finish the whole message (of_msg_start()). */
#ifndef NICFLOW_OFCTL_OFP_PORT_H
#define NICFLOW_OFCTL_OFP_PORT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/ofp.h"

/* ---------------------------------------------------------------------
 * Helpers shared by the message codecs of ofp-port, ofp-switch and
 * ofp-table (implemented in ofp-switch.c).
 * --------------------------------------------------------------------- */

/* OpenFlow 1.4+ properties: a 16-bit type, a 16-bit length (header
 * included, padding not), the body, zeros to a multiple of 8 bytes. */
static inline size_t
of_prop_padded(size_t len)
{
    return (len + 7) / 8 * 8;
}
/* Pulls one property from C: *TYPE, and *BODY over the bytes after its
 * 4-byte header.  Returns OF_ERR_OFPBPC_BAD_LEN, leaving C alone, if the
 * length is below 4 or the padded property does not fit, as Open vSwitch
 * does. */
enum of_err of_prop_pull(struct of_cursor *c, uint16_t *type,
                         struct of_cursor *body);
/* Starts a property of TYPE in B and returns its offset for
 * of_prop_end(), which sets its length and pads it. */
size_t of_prop_start(struct buf *b, uint16_t type);
void of_prop_end(struct buf *b, size_t start);

/* Returns ARRAY (of *CAP elements of ELEM_SIZE bytes, N in use) with room
 * for one more element, doubling *CAP when it is full. */
void *of_array_grow(void *array, size_t n, size_t *cap, size_t elem_size);

/* ---------------------------------------------------------------------
 * Port numbers.
 * --------------------------------------------------------------------- */

/* Maps an OpenFlow 1.1+ port number to 1.0 numbering.  The reserved
 * range 0xffffff00..0xffffffff maps to 0xff00..0xffff; numbers between
 * the two ranges cannot be expressed and are refused with
 * OF_ERR_OFPBAC_BAD_OUT_PORT, as Open vSwitch does. */
enum of_err of_port_from_ofp11(uint32_t port11, uint16_t *port);
/* The inverse of of_port_from_ofp11(). */
uint32_t of_port_to_ofp11(uint16_t port);

/* Port config bits, in the OpenFlow 1.0 layout (1.1+ lacks the three STP
 * and flood bits, which its codec drops). */
#define OF_PC_PORT_DOWN (1u << 0)
#define OF_PC_NO_STP (1u << 1) /* 1.0 only. */
#define OF_PC_NO_RECV (1u << 2)
#define OF_PC_NO_RECV_STP (1u << 3) /* 1.0 only. */
#define OF_PC_NO_FLOOD (1u << 4)    /* 1.0 only. */
#define OF_PC_NO_FWD (1u << 5)
#define OF_PC_NO_PACKET_IN (1u << 6)
#define OF_PC_10_ALL 0x7fu
#define OF_PC_11_ALL \
    (OF_PC_PORT_DOWN | OF_PC_NO_RECV | OF_PC_NO_FWD | OF_PC_NO_PACKET_IN)

/* Port state bits: the OpenFlow 1.1+ bits plus the OpenFlow 1.0 STP state
 * in bits 8-9 (as Open vSwitch models them). */
#define OF_PS_LINK_DOWN (1u << 0)
#define OF_PS_BLOCKED (1u << 1) /* 1.1+ only. */
#define OF_PS_LIVE (1u << 2)    /* 1.1+ only. */
#define OF_PS_STP_LISTEN (0u << 8)
#define OF_PS_STP_LEARN (1u << 8)
#define OF_PS_STP_FORWARD (2u << 8)
#define OF_PS_STP_BLOCK (3u << 8)
#define OF_PS_STP_MASK (3u << 8)

/* Port feature bits in the OpenFlow 1.1+ layout; the OpenFlow 1.0 codec
 * moves its medium and pause bits (7-11) up to 11-15. */
#define OF_PF_10MB_HD (1u << 0)
#define OF_PF_10MB_FD (1u << 1)
#define OF_PF_100MB_HD (1u << 2)
#define OF_PF_100MB_FD (1u << 3)
#define OF_PF_1GB_HD (1u << 4)
#define OF_PF_1GB_FD (1u << 5)
#define OF_PF_10GB_FD (1u << 6)
#define OF_PF_40GB_FD (1u << 7)  /* 1.1+ only. */
#define OF_PF_100GB_FD (1u << 8) /* 1.1+ only. */
#define OF_PF_1TB_FD (1u << 9)   /* 1.1+ only. */
#define OF_PF_OTHER (1u << 10)   /* 1.1+ only. */
#define OF_PF_COPPER (1u << 11)
#define OF_PF_FIBER (1u << 12)
#define OF_PF_AUTONEG (1u << 13)
#define OF_PF_PAUSE (1u << 14)
#define OF_PF_PAUSE_ASYM (1u << 15)

/* The speed in kbps of the fastest rate in FEATURES, 0 if none (what
 * OpenFlow 1.0 ports report as their speeds). */
uint32_t of_port_features_speed(uint32_t features);

/* A port description. */
struct of_port {
    uint16_t port_no;
    uint8_t hw_addr[6];
    char name[16];                              /* NUL-terminated. */
    uint32_t config;                            /* OF_PC_*. */
    uint32_t state;                             /* OF_PS_*. */
    uint32_t curr, advertised, supported, peer; /* OF_PF_*. */
    uint32_t curr_speed, max_speed;             /* kbps. */
};

/* Appends PORT in VERSION's form (48, 64 or 72 bytes). */
void of_port_put(struct buf *, uint8_t version, const struct of_port *);
/* Pulls one port in VERSION's form from C.  Errors: OF_ERR_OFPBRC_BAD_LEN
 * (too short, or a 1.4 length or property length that does not fit),
 * OF_ERR_OFPBAC_BAD_OUT_PORT (unmappable port number).  OpenFlow 1.0
 * speeds are derived from the curr/supported features. */
enum of_err of_port_pull(struct of_cursor *, uint8_t version,
                         struct of_port *);
/* Appends the block "ovs-ofctl show" prints for PORT, starting with a
 * space and ending with a newline. */
void of_port_format_desc(struct buf *, const struct of_port *);

/* A list of ports (features reply in 1.0, port-desc reply). */
struct of_ports {
    struct of_port *ports;
    size_t n;
};
/* Frees the array (not PORTS itself). */
void of_ports_destroy(struct of_ports *);
/* Pulls ports from C until it is empty. */
enum of_err of_ports_pull(struct of_cursor *, uint8_t version,
                          struct of_ports *);
/* Appends every port's block, sorted by port number as ovs-ofctl does. */
void of_ports_format(struct buf *, const struct of_ports *);

/* ---------------------------------------------------------------------
 * Port-desc (OpenFlow 1.3+ OFPMP_PORT_DESC; 1.5 names a port).
 * --------------------------------------------------------------------- */

/* Encodes a port-desc request for PORT_NO (OF_PORT_NONE for all), which
 * only OpenFlow 1.5 sends; older versions have an empty body. */
void of_port_desc_request_encode(struct buf *, uint8_t version, uint32_t xid,
                                 uint16_t port_no);
/* Decodes a port-desc request into *PORT_NO (OF_PORT_NONE before 1.5).
 * Errors: OF_ERR_OFPBRC_BAD_LEN, OF_ERR_OFPBAC_BAD_OUT_PORT. */
enum of_err of_port_desc_request_decode(const struct of_msg *,
                                        uint16_t *port_no);
/* Appends " port=ANY" (or the port), as ovs-ofctl prints the request. */
void of_port_desc_request_format(struct buf *, uint16_t port_no);

/* Encodes a port-desc reply listing PORTS in VERSION's port format. */
void of_port_desc_reply_encode(struct buf *, uint8_t version, uint32_t xid,
                               const struct of_ports *);
/* Fills *PORTS (caller destroys it, also after an error).  Errors: those
 * of of_port_pull(). */
enum of_err of_port_desc_reply_decode(const struct of_msg *,
                                      struct of_ports *);
/* A newline and the ports' blocks. */
void of_port_desc_reply_format(struct buf *, const struct of_ports *);

/* ---------------------------------------------------------------------
 * Port status.
 * --------------------------------------------------------------------- */

enum of_port_reason {
    OF_PR_ADD = 0,
    OF_PR_DELETE = 1,
    OF_PR_MODIFY = 2,
};

struct of_port_status {
    uint8_t reason; /* enum of_port_reason. */
    struct of_port desc;
};

/* Encodes a port-status message: reason, padding, port. */
void of_port_status_encode(struct buf *, uint8_t version, uint32_t xid,
                           const struct of_port_status *);
/* Errors: OF_ERR_OFPBRC_BAD_LEN, OF_ERR_NXBRC_BAD_REASON (unknown
 * reason), port errors. */
enum of_err of_port_status_decode(const struct of_msg *,
                                  struct of_port_status *);
/* " ADD: 1(p1): addr:..." and the rest of the port block. */
void of_port_status_format(struct buf *, const struct of_port_status *);

/* ---------------------------------------------------------------------
 * Port mod.
 * --------------------------------------------------------------------- */

struct of_port_mod {
    uint16_t port_no;
    uint8_t hw_addr[6];
    uint32_t config;    /* OF_PC_* to set... */
    uint32_t mask;      /* ...among these bits. */
    uint32_t advertise; /* OF_PF_*, 0 = leave unchanged. */
};

/* In OpenFlow 1.4+ ADVERTISE is sent as an ethernet property, and only
 * when nonzero. */
void of_port_mod_encode(struct buf *, uint8_t version, uint32_t xid,
                        const struct of_port_mod *);
/* Errors: OF_ERR_OFPBRC_BAD_LEN, OF_ERR_OFPBPC_BAD_LEN (property),
 * OF_ERR_OFPBAC_BAD_OUT_PORT. */
enum of_err of_port_mod_decode(const struct of_msg *, struct of_port_mod *);
/* " port: 3: addr:..." and the config, mask and advertise lines. */
void of_port_mod_format(struct buf *, const struct of_port_mod *);

/* ---------------------------------------------------------------------
 * Port statistics.
 * --------------------------------------------------------------------- */

/* Encodes a port-stats request for PORT_NO (OF_PORT_NONE for all). */
void of_port_stats_request_encode(struct buf *, uint8_t version, uint32_t xid,
                                  uint16_t port_no);
/* Decodes one into *PORT_NO.  Errors: OF_ERR_OFPBRC_BAD_LEN,
 * OF_ERR_OFPBAC_BAD_OUT_PORT. */
enum of_err of_port_stats_request_decode(const struct of_msg *,
                                         uint16_t *port_no);
/* Appends " port_no=1" (OF_PORT_NONE prints "ANY"). */
void of_port_stats_request_format(struct buf *, uint16_t port_no);

/* One port's counters; UINT64_MAX = not available (printed "?"),
 * duration_sec UINT32_MAX = unknown (OpenFlow 1.0 has none). */
struct of_port_stats {
    uint16_t port_no;
    uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
    uint64_t rx_dropped, tx_dropped, rx_errors, tx_errors;
    uint64_t rx_frame_err, rx_over_err, rx_crc_err, collisions;
    uint32_t duration_sec, duration_nsec;
};

struct of_port_stats_list {
    struct of_port_stats *stats;
    size_t n;
};
/* Frees the array (not LIST itself). */
void of_port_stats_list_destroy(struct of_port_stats_list *);

/* Encodes a port-stats reply: 1.0 and 1.3 fixed entries (1.3 with
 * durations), 1.4+ entries with an ethernet property for the receive
 * error and collision counters. */
void of_port_stats_reply_encode(struct buf *, uint8_t version, uint32_t xid,
                                const struct of_port_stats_list *);
/* Fills *LIST (caller destroys it, also after an error).  Errors:
 * OF_ERR_OFPBRC_BAD_LEN (partial or mis-sized entry),
 * OF_ERR_OFPBPC_BAD_LEN (property), OF_ERR_OFPBAC_BAD_OUT_PORT.  In 1.4+
 * counters without an ethernet property are UINT64_MAX. */
enum of_err of_port_stats_reply_decode(const struct of_msg *,
                                       struct of_port_stats_list *);
/* " N ports" and a block per port, as "ovs-ofctl dump-ports" prints. */
void of_port_stats_reply_format(struct buf *,
                                const struct of_port_stats_list *);

/* ---------------------------------------------------------------------
 * Queue statistics.
 * --------------------------------------------------------------------- */

#define OF_QUEUE_ALL 0xffffffffu

/* Encodes a queue-stats request for PORT_NO (OF_PORT_NONE for all, sent
 * as OFPP_ALL in OpenFlow 1.0 as Open vSwitch does) and QUEUE_ID
 * (OF_QUEUE_ALL for all). */
void of_queue_stats_request_encode(struct buf *, uint8_t version, uint32_t xid,
                                   uint16_t port_no, uint32_t queue_id);
/* Decodes one (OpenFlow 1.0 OFPP_ALL becomes OF_PORT_NONE).  Errors:
 * OF_ERR_OFPBRC_BAD_LEN, OF_ERR_OFPBAC_BAD_OUT_PORT. */
enum of_err of_queue_stats_request_decode(const struct of_msg *,
                                          uint16_t *port_no,
                                          uint32_t *queue_id);
/* " port=ANY queue=ALL". */
void of_queue_stats_request_format(struct buf *, uint16_t port_no,
                                   uint32_t queue_id);

struct of_queue_stats {
    uint16_t port_no;
    uint32_t queue_id;
    uint64_t tx_bytes, tx_packets, tx_errors;
    uint32_t duration_sec, duration_nsec; /* UINT32_MAX sec: unknown. */
};

struct of_queue_stats_list {
    struct of_queue_stats *stats;
    size_t n;
};
/* Frees the array (not LIST itself). */
void of_queue_stats_list_destroy(struct of_queue_stats_list *);

/* Encodes a queue-stats reply in VERSION's entry format (1.0 without
 * durations, 1.4+ with a length). */
void of_queue_stats_reply_encode(struct buf *, uint8_t version, uint32_t xid,
                                 const struct of_queue_stats_list *);
/* Fills *LIST (caller destroys it, also after an error).  Errors:
 * OF_ERR_OFPBRC_BAD_LEN, OF_ERR_OFPBAC_BAD_OUT_PORT. */
enum of_err of_queue_stats_reply_decode(const struct of_msg *,
                                        struct of_queue_stats_list *);
/* " N queues" and a line per queue, as "ovs-ofctl queue-stats" prints. */
void of_queue_stats_reply_format(struct buf *,
                                 const struct of_queue_stats_list *);

/* ---------------------------------------------------------------------
 * Queue get-config (OpenFlow 1.0-1.3).
 * --------------------------------------------------------------------- */

/* Encodes a queue-get-config request for PORT_NO. */
void of_queue_get_config_request_encode(struct buf *, uint8_t version,
                                        uint32_t xid, uint16_t port_no);
/* Decodes one.  Errors: OF_ERR_OFPBRC_BAD_LEN,
 * OF_ERR_OFPBAC_BAD_OUT_PORT. */
enum of_err of_queue_get_config_request_decode(const struct of_msg *,
                                               uint16_t *port_no);
/* " port=1". */
void of_queue_get_config_request_format(struct buf *, uint16_t port_no);

/* A queue's configuration; rates in tenths of a percent, UINT16_MAX =
 * absent (OpenFlow 1.0 has no max rate). */
struct of_queue_config {
    uint32_t queue_id;
    uint16_t port_no;
    uint16_t min_rate, max_rate;
};

struct of_queue_config_reply {
    uint16_t port_no;
    struct of_queue_config *queues;
    size_t n;
};
/* Frees the queues (not R itself). */
void of_queue_config_reply_destroy(struct of_queue_config_reply *);

/* Encodes a queue-get-config reply: each queue with a min-rate property
 * and, in 1.2+, a max-rate one, left out when UINT16_MAX. */
void of_queue_get_config_reply_encode(struct buf *, uint8_t version,
                                      uint32_t xid,
                                      const struct of_queue_config_reply *);
/* Unknown queue properties are skipped, as Open vSwitch does; bad
 * lengths are OF_ERR_OFPBRC_BAD_LEN. */
enum of_err of_queue_get_config_reply_decode(const struct of_msg *,
                                             struct of_queue_config_reply *);
/* " port=1" and a "queue N: min_rate:50.0% max_rate:..." line per
 * queue. */
void of_queue_get_config_reply_format(struct buf *,
                                      const struct of_queue_config_reply *);

/* ---------------------------------------------------------------------
 * Printing any of the above.
 * --------------------------------------------------------------------- */

/* If MSG is one of the port messages above, decodes it and appends what
 * ovs-ofctl prints after its "(xid=0x...):" to B, returning 0 or the
 * decode error; returns OF_ERR_OFPBRC_BAD_TYPE for other messages. */
enum of_err of_port_msg_format(struct buf *, const struct of_msg *);

#endif /* NICFLOW_OFCTL_OFP_PORT_H */
