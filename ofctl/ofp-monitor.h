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
bool of_flow_monitor_request_equal(const struct of_flow_monitor_request *,
                                   const struct of_flow_monitor_request *);

/* Encodes N requests as one NXST_FLOW_MONITOR request (TYPE
 * OF_T_NXST_FLOW_MONITOR_REQUEST) or OFPMP_FLOW_MONITOR request (TYPE
 * OF_T_FLOW_MONITOR_REQUEST, 1.4+). */
enum of_err
of_flow_monitor_request_encode(const struct of_flow_monitor_request *,
                               size_t n, enum of_type, uint8_t version,
                               uint32_t xid, struct buf *);
/* Decodes one; allocates *REQS (free with free()). */
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

void of_flow_update_init(struct of_flow_update *, enum of_fm_event);
void of_flow_update_destroy(struct of_flow_update *);
bool of_flow_update_equal(const struct of_flow_update *,
                          const struct of_flow_update *);

/* Encodes N updates as one reply (TYPE OF_T_NXST_FLOW_MONITOR_REPLY or
 * OF_T_FLOW_MONITOR_REPLY). */
enum of_err of_flow_update_encode(const struct of_flow_update *, size_t n,
                                  enum of_type, uint8_t version, uint32_t xid,
                                  struct buf *);
/* Decodes a reply; allocates *UPDATES (free each with
 * of_flow_update_destroy() and the array with free()). */
enum of_err of_flow_update_decode(const struct of_msg *,
                                  struct of_flow_update **updates, size_t *n);

/* NXT_FLOW_MONITOR_CANCEL carries a monitor id; PAUSED and RESUMED carry
 * nothing (encode them with of_msg_start()/of_msg_finish()). */
void of_flow_monitor_cancel_encode(uint32_t id, uint8_t version, uint32_t xid,
                                   struct buf *);
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

#endif /* NICFLOW_OFCTL_OFP_MONITOR_H */
