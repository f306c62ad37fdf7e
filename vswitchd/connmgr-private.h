/* connmgr-private.h: OpenFlow connections, shared by connmgr.c (streams,
 * framing, hello, controllers, asynchronous messages) and
 * connmgr-handlers.c (what each received message does).  Nothing else
 * includes it. */
#ifndef NICFLOW_VSWITCHD_CONNMGR_PRIVATE_H
#define NICFLOW_VSWITCHD_CONNMGR_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/list.h"
#include "ofctl/ofp-monitor.h"
#include "ofctl/ofp-switch.h"
#include "ofctl/ofp.h"
#include "vswitchd/connmgr.h"

struct stream;
struct ofproto;
struct ofpassive;
struct ofctrl;
struct pinsched;

/* A controller connection's packet-in schedulers under a rate limit
 * (connmgr-pinsched.h), as in Open vSwitch: one for table misses, one for
 * every other packet-in, so that misses cannot crowd out the packet-ins
 * that flows ask for, nor the reverse. */
enum ofconn_pin_sched {
    OFCONN_PIN_MISS,   /* OFPR_NO_MATCH and table-miss flows. */
    OFCONN_PIN_ACTION, /* Every other reason. */
    OFCONN_N_PIN
};

enum ofconn_state {
    OFCONN_HELLO,   /* Waiting for the peer's hello. */
    OFCONN_ACTIVE,  /* Version agreed; messages flow. */
    OFCONN_CLOSING, /* Sending what is queued (a hello error), then close. */
};

/* An open bundle. */
struct ofbundle {
    struct dlist node; /* In ofconn's 'bundles'. */
    uint32_t id;
    uint16_t flags; /* OF_BF_*. */
    bool closed;
    struct buf *msgs; /* Whole inner messages, in order. */
    /* Parallel to MSGS: the rule of each "add" flow-mod, made as it
     * arrived (ofproto_rule_prepare()), or NULL. */
    struct rule **rules;
    /* Parallel to MSGS: each message's type, known since it was checked
     * on arrival, so that a commit decodes no header twice. */
    enum of_type *types;
    size_t n_msgs, cap_msgs;
};

/* A flow monitor a connection set up. */
struct ofmonitor {
    struct of_flow_monitor_request req;
    bool nx; /* Nicira spelling (else OpenFlow 1.4+). */
};

struct ofconn {
    struct dlist node; /* In connmgr's 'conns'. */
    struct connmgr *mgr;
    struct stream *stream;
    char *name;
    /* A service connection (Open vSwitch's OFCONN_SERVICE): one accepted
     * on the management socket, or made by a controller target whose type
     * is service (by default, the passive ones).  It gets asynchronous
     * messages only once it sets a miss_send_len (0 at first) or sends a
     * set-async, and does not count for the fail mode. */
    bool service;
    bool mgmt;                 /* Accepted on the management socket. */
    struct ofctrl *ctrl;       /* Active target it belongs to, or NULL. */
    struct ofpassive *passive; /* Listener it was accepted on, or NULL. */
    enum ofconn_state state;
    uint8_t version;
    bool registered; /* Its fd is in the event loop. */
    uint32_t events; /* As registered. */
    bool dead;       /* Being closed; freed by the reaper. */

    struct buf rx;
    struct buf tx;
    size_t tx_ofs; /* Bytes of TX already sent. */

    long long last_rx_ms;
    unsigned long long n_sent; /* Messages queued by ofconn_send(). */
    bool probe_sent;

    /* Session state set by the controller. */
    enum of_role role;
    struct of_async_config async;
    uint16_t miss_send_len;
    bool nxm;            /* NXT_SET_FLOW_FORMAT nxm (1.0). */
    bool table_id_ext;   /* NXT_FLOW_MOD_TABLE_ID (1.0). */
    uint32_t pin_format; /* OF_NX_PIF_*. */
    uint16_t controller_id;
    struct dlist bundles; /* struct ofbundle. */
    struct ofmonitor *monitors;
    size_t n_monitors;

    /* Packet-in rate limiting: NULL while the target has no rate limit
     * (and always on the management socket's connections). */
    struct pinsched *pinsched[OFCONN_N_PIN];
};

struct connmgr {
    struct ofproto *ofproto;
    struct evloop *loop;
    struct dlist conns;          /* struct ofconn. */
    struct dlist ctrls;          /* struct ofctrl: active targets. */
    struct dlist passives;       /* struct ofpassive: listeners. */
    struct ofpassive *mgmt;      /* The management socket. */
    struct evloop_timer *reaper; /* Pending free of dead connections. */
    bool have_generation_id;
    uint64_t generation_id;  /* Primary election (role requests). */
    uint64_t status_seqno;   /* See connmgr_controller_seqno(). */
    bool implicit_miss;      /* See connmgr_wants_implicit_miss(). */
    bool fail_open;          /* See connmgr_is_fail_open(). */
    long long down_since_ms; /* Since when no active controller is
                              * connected (while fail-open may apply). */

    /* Sends the packet-ins that rate limits queued, at 'pin_due', when the
     * first token is due; NULL if nothing is queued. */
    struct evloop_timer *pin_timer;
    long long pin_due;
};

/* Queues the whole message in B on CONN (B is not changed). */
void ofconn_send(struct ofconn *, const struct buf *);
/* Sends error ERR answering the LEN-byte request at DATA. */
void ofconn_send_error(struct ofconn *, enum of_err, const void *data,
                       size_t len);
/* Closes CONN after this round (its fd leaves the loop at once). */
void ofconn_close(struct ofconn *, const char *why);
/* True if CONN wants asynchronous messages of KIND for wire REASON. */
bool ofconn_wants_async(const struct ofconn *, enum of_async_kind,
                        unsigned reason);

/* Handles one received message on an active connection (in
 * connmgr-handlers.c): answers it or sends the error.  */
void ofconn_handle(struct ofconn *, const struct of_msg *);
/* Frees CONN's bundles and monitors (connmgr-handlers.c). */
void ofconn_session_free(struct ofconn *);
/* Sets the defaults of a new session (connmgr-handlers.c). */
void ofconn_session_init(struct ofconn *);

/* Encodes items [FIRST, FIRST + N) of a reply into B (a whole message
 * for VERSION and XID).  Returns 0 or an error if an item cannot be
 * expressed in VERSION. */
typedef enum of_err ofconn_chunk_fn(const void *items, size_t first, size_t n,
                                    uint8_t version, uint32_t xid,
                                    struct buf *b);
/* Sends N_ITEMS ITEMS as one or more multipart replies to REQ, each at
 * most 64 kB (every item is measured alone first). */
enum of_err ofconn_send_chunked(struct ofconn *, const struct of_msg *req,
                                const void *items, size_t n_items,
                                ofconn_chunk_fn *);
/* Fills PORTS (caller destroys it) with OFPROTO's port descriptions. */
struct of_ports;
void ofconn_get_ports(const struct ofproto *, struct of_ports *);

/* Handlers of the requests that read the switch (connmgr-stats.c); each
 * returns 0 or the error to answer with. */
enum of_err connmgr_handle_flow_stats(struct ofconn *, const struct of_msg *);
enum of_err connmgr_handle_port_desc(struct ofconn *, const struct of_msg *);
enum of_err connmgr_handle_port_stats(struct ofconn *, const struct of_msg *);
enum of_err connmgr_handle_queue_stats(struct ofconn *, const struct of_msg *);
enum of_err connmgr_handle_queue_get_config(struct ofconn *,
                                            const struct of_msg *);
enum of_err connmgr_handle_table_stats(struct ofconn *, const struct of_msg *);
enum of_err connmgr_handle_table_desc(struct ofconn *, const struct of_msg *);
enum of_err connmgr_handle_table_features(struct ofconn *,
                                          const struct of_msg *);
enum of_err connmgr_handle_group_desc(struct ofconn *, const struct of_msg *);
enum of_err connmgr_handle_group_stats(struct ofconn *, const struct of_msg *);
enum of_err connmgr_handle_group_features(struct ofconn *,
                                          const struct of_msg *);
enum of_err connmgr_handle_meter_config(struct ofconn *,
                                        const struct of_msg *);
enum of_err connmgr_handle_meter_stats(struct ofconn *, const struct of_msg *);
enum of_err connmgr_handle_meter_features(struct ofconn *,
                                          const struct of_msg *);
enum of_err connmgr_handle_flow_monitor(struct ofconn *,
                                        const struct of_msg *);
enum of_err connmgr_handle_monitor_cancel(struct ofconn *,
                                          const struct of_msg *);

#endif /* connmgr-private.h */
