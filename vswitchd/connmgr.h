/* connmgr.h: the OpenFlow connections of one bridge — the server side of
 * the protocol.
 *
 * A connection manager belongs to one struct ofproto.  It listens on the
 * bridge's management socket (always) and on the passive controller
 * targets, connects to the active ones (reconnecting with backoff), says
 * hello, negotiates the version, and answers every message through the
 * declarative handler table in connmgr-handlers.c.  Controllers receive
 * asynchronous messages (packet-in, flow-removed, port-status,
 * role-status, table-status) according to their role and asynchronous
 * configuration.
 *
 * Connection kinds, as in Open vSwitch: "service" connections get
 * asynchronous messages only after setting a nonzero miss_send_len (what
 * "ovs-ofctl monitor" does) or sending a set-async, and do not count for
 * the bridge's fail mode; "primary" connections (controllers) get them
 * from the start, with a miss_send_len of 128.  Connections accepted on
 * the management socket are service connections; a controller target's
 * are what its type says (the Controller table's "type" column), by
 * default primary for an active target (tcp:, ssl:, unix:) and service
 * for a passive one (ptcp:, pssl:, punix:).  Only active primary targets
 * decide fail-open.  Every connection but the management socket's is
 * probed for inactivity, and a target's packet-in rate limit applies to
 * all its connections.
 *
 * Everything runs on the event loop's thread.  Only ofproto*.c uses this
 * interface. */
#ifndef NICFLOW_VSWITCHD_CONNMGR_H
#define NICFLOW_VSWITCHD_CONNMGR_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vswitchd/ofproto.h"

struct connmgr;
struct evloop;
struct of_flow_removed;
struct of_table_status;

/* Creates the connection manager of OFPROTO and starts listening on
 * "punix:MGMT_PATH" (a stale socket file is replaced).  Returns 0 or a
 * positive errno with a message in *ERRP. */
int connmgr_create(struct ofproto *, struct evloop *, const char *mgmt_path,
                   struct connmgr **mgrp, char **errp);
/* Closes every connection and listener and frees MGR (NULL is
 * ignored). */
void connmgr_destroy(struct connmgr *);

/* See ofproto_set_controllers(). */
int connmgr_set_controllers(struct connmgr *,
                            const struct ofproto_controller *controllers,
                            size_t n, char **errp);
/* See ofproto_has_controller(). */
bool connmgr_has_controller(const struct connmgr *);
/* See ofproto_get_controller_info() and ofproto_controller_seqno(). */
bool connmgr_get_controller_info(const struct connmgr *, const char *target,
                                 struct ofproto_controller_info *);
uint64_t connmgr_controller_seqno(const struct connmgr *);
/* See ofproto_is_fail_open(). */
bool connmgr_is_fail_open(const struct connmgr *);
/* See ofproto_wants_implicit_miss(). */
bool connmgr_wants_implicit_miss(const struct connmgr *);

/* Probes, inactivity timeouts, reconnections, bundle timeouts.  Returns
 * when it wants to run again (monotonic ms). */
long long connmgr_run(struct connmgr *, long long now_ms);

/* Asynchronous messages, each sent to the connections that want it.
 *
 * Packet-ins may also come from another thread that holds the lock the
 * loop's thread releases only while it waits (nicflowd's upcall handlers
 * and vswitchd/biglock.h): one that a rate limit queues arms the
 * manager's loop timer, which lib/evloop.h allows from such a thread
 * (and which wakes the loop). */
void connmgr_send_packet_in(struct connmgr *,
                            enum ofproto_packet_in_reason reason,
                            uint8_t table_id, uint64_t cookie,
                            const struct ofproto_key *key, const void *pkt,
                            size_t len, uint16_t max_len, const void *userdata,
                            size_t userdata_len);
void connmgr_send_flow_removed(struct connmgr *,
                               const struct of_flow_removed *);
/* REASON is enum of_port_reason. */
void connmgr_send_port_status(struct connmgr *, const struct ofproto_port *,
                              uint8_t reason);
/* Sends table status TS (a vacancy event, ofproto-vacancy.c) to every
 * OpenFlow 1.4+ connection whose asynchronous configuration takes TS's
 * reason for the connection's role.  As in Open vSwitch, no connection
 * takes table status until it asks for it (set-async). */
void connmgr_send_table_status(struct connmgr *,
                               const struct of_table_status *ts);

/* Flow monitor events: a rule was added, modified or deleted (EVENT is
 * enum of_fm_event; REASON the flow-removed reason for deletions).
 * Connections with a matching flow monitor are told. */
void connmgr_flow_event(struct connmgr *, const struct ofproto_rule *,
                        int event, int reason);

#endif /* connmgr.h */
