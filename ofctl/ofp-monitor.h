/* ofp-monitor.h: flow monitors — the Nicira extension (NXST_FLOW_MONITOR
 * request/reply, NXT_FLOW_MONITOR_CANCEL/PAUSED/RESUMED, any version) and
 * OpenFlow 1.4+ OFPMP_FLOW_MONITOR.
 *
 * One model serves both.  Flags and events use the model's own values
 * (OF_FMF_*, enum of_fm_event); a table in ofp-monitor.c maps them to
 * each spelling's wire values.  Flags or events one spelling lacks are
 * refused by its encoder (OFPMOFC_BAD_FLAGS / NXBRC_FM_BAD_EVENT). */
#ifndef NICFLOW_OFCTL_OFP_MONITOR_H
#define NICFLOW_OFCTL_OFP_MONITOR_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/actions.h"
#include "ofctl/match.h"
#include "ofctl/ofp.h"

/* Monitor flags (model values). */
#define OF_FMF_INITIAL 0x01   /* Report flows already there. */
#define OF_FMF_ADD 0x02       /* Report flows added. */
#define OF_FMF_DELETE 0x04    /* Report flows removed. */
#define OF_FMF_MODIFY 0x08    /* Report flows modified. */
#define OF_FMF_ACTIONS 0x10   /* Include actions (instructions). */
#define OF_FMF_OWN 0x20       /* Include our own changes in full. */
#define OF_FMF_NO_ABBREV 0x40 /* 1.4 only: never abbreviate. */

/* 1.4 monitor commands. */
enum of_fm_command { OF_FMC_ADD = 0, OF_FMC_MODIFY = 1, OF_FMC_DELETE = 2 };

struct of_flow_monitor_request {
    uint32_t id;
    uint16_t flags;     /* OF_FMF_*. */
    uint16_t out_port;  /* OF_PORT_NONE for any. */
    uint32_t out_group; /* 1.4 only; OF_GROUP_ANY (0xffffffff) for any. */
    uint8_t table_id;   /* 0xff for all tables. */
    enum of_fm_command command; /* 1.4 only. */
    struct of_match match;
};

/* Initialises R: id 0, no flags, any port, group and table. */
void of_flow_monitor_request_init(struct of_flow_monitor_request *);
/* True if A and B are the same request. */
bool of_flow_monitor_request_equal(const struct of_flow_monitor_request *,
                                   const struct of_flow_monitor_request *);

/* Encodes N requests as one NXST_FLOW_MONITOR request (TYPE
 * OF_T_NXST_FLOW_MONITOR_REQUEST) or OFPMP_FLOW_MONITOR request (TYPE
 * OF_T_FLOW_MONITOR_REQUEST, 1.4+).  A flag the spelling lacks
 * (OF_FMF_NO_ABBREV for Nicira) is OFPMOFC_BAD_FLAGS. */
enum of_err
of_flow_monitor_request_encode(const struct of_flow_monitor_request *,
                               size_t n, enum of_type, uint8_t version,
                               uint32_t xid, struct buf *);
/* Decodes one, allocating *REQS (free with free()).  Errors: truncated
 * entries OFPBRC_BAD_LEN, nonzero Nicira padding NXBRC_MUST_BE_ZERO,
 * unknown flags OFPMOFC_BAD_FLAGS, an unknown 1.4 command
 * OFPMOFC_BAD_COMMAND, a bad 1.4 out_port OFPMOFC_BAD_OUT, a bad match
 * its decoder's error. */
enum of_err of_flow_monitor_request_decode(
    const struct of_msg *, struct of_flow_monitor_request **reqs, size_t *n);

/* Update events (model values). */
enum of_fm_event {
    OF_FME_INITIAL, /* 1.4 only; NX reports these as ADDED. */
    OF_FME_ADDED,
    OF_FME_DELETED,
    OF_FME_MODIFIED,
    OF_FME_ABBREV,
    OF_FME_PAUSED,  /* 1.4 only (NX has NXT_FLOW_MONITOR_PAUSED). */
    OF_FME_RESUMED, /* 1.4 only. */
};

struct of_flow_update {
    enum of_fm_event event;
    /* Full updates (INITIAL, ADDED, DELETED, MODIFIED). */
    uint16_t reason; /* DELETED: the flow-removed reason. */
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint16_t priority;
    uint8_t table_id;
    uint64_t cookie;
    struct of_match match;
    struct of_acts acts; /* Empty unless the monitor asked for them. */
    /* ABBREV. */
    uint32_t xid;
};

/* Initialises U as an empty update of EVENT. */
void of_flow_update_init(struct of_flow_update *, enum of_fm_event);
/* Frees U's actions and reinitialises it. */
void of_flow_update_destroy(struct of_flow_update *);
/* True if A and B are the same update (only the fields EVENT uses). */
bool of_flow_update_equal(const struct of_flow_update *,
                          const struct of_flow_update *);

/* Encodes N updates as one reply (TYPE OF_T_NXST_FLOW_MONITOR_REPLY or
 * OF_T_FLOW_MONITOR_REPLY).  An event the spelling lacks (INITIAL,
 * PAUSED, RESUMED for Nicira) is NXBRC_FM_BAD_EVENT; action encoding
 * errors are passed on. */
enum of_err of_flow_update_encode(const struct of_flow_update *, size_t n,
                                  enum of_type, uint8_t version, uint32_t xid,
                                  struct buf *);
/* Decodes a reply, allocating *UPDATES (free each with
 * of_flow_update_destroy() and the array with free()).  Errors: an
 * unknown event NXBRC_FM_BAD_EVENT, a length that is not a multiple of 8
 * or does not fit the event OFPBRC_BAD_LEN, bad matches or actions their
 * decoder's error. */
enum of_err of_flow_update_decode(const struct of_msg *,
                                  struct of_flow_update **updates, size_t *n);

/* NXT_FLOW_MONITOR_CANCEL carries a monitor id; PAUSED and RESUMED carry
 * nothing (encode them with of_msg_start()/of_msg_finish()). */
void of_flow_monitor_cancel_encode(uint32_t id, uint8_t version, uint32_t xid,
                                   struct buf *);
/* Decodes a cancel into *ID; a body other than 4 bytes is
 * OFPBRC_BAD_LEN. */
enum of_err of_flow_monitor_cancel_decode(const struct of_msg *, uint32_t *id);
/* Checks that a received PAUSED or RESUMED message has an empty body. */
enum of_err of_flow_monitor_pause_decode(const struct of_msg *);

/* Parses what "ovs-ofctl monitor SWITCH watch:[SPEC...]" takes after
 * "watch:" (the prefix itself is accepted too): "!initial", "!add",
 * "!delete", "!modify", "!actions", "!own" clear a flag (all six are set
 * by default), "id=N" sets the monitor id, and the rest is a flow match
 * with "out_port=P" and "table=N", as del-flows takes it.  R is
 * initialised by the call.  Returns NULL or an error message (caller
 * frees). */
char *of_flow_monitor_parse(struct of_flow_monitor_request *, const char *s);

/* Appends the ofp-print text of one monitor request, as ovs-ofctl shows
 * it: "\n id=1 flags=initial,add,delete,modify,actions table=1 ...". */
void of_flow_monitor_request_format(const struct of_flow_monitor_request *,
                                    struct buf *);

/* Appends the ofp-print text of one update: "\n event=ADDED table=1
 * idle_timeout=5 cookie=0xabc in_port=2 actions=output:1" (the priority
 * is not shown, as ofp-print does not show it), "\n event=ABBREV
 * xid=0x55", "\n event=PAUSED". */
void of_flow_update_format(const struct of_flow_update *, struct buf *);

/* Decodes MSG, any flow monitor message (Nicira or OpenFlow 1.4+
 * requests and replies, Nicira cancel, paused and resumed), and appends
 * what "ovs-ofctl ofp-print" shows after the header line.  Returns the
 * decoder's error, or OFPBRC_BAD_TYPE for other messages. */
enum of_err of_monitor_msg_format(const struct of_msg *, struct buf *);

#endif /* NICFLOW_OFCTL_OFP_MONITOR_H */
