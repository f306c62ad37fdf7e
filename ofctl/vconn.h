/* vconn.h: an OpenFlow connection for command-line programs — open a
 * target, agree on a version, send requests and collect replies.
 *
 * Targets are those ovs-ofctl takes: a bridge name (its management socket
 * $NICFLOW_RUNDIR/<bridge>.mgmt), unix:PATH, tcp:IP[:PORT] and
 * ssl:IP[:PORT] (default port 6653).  All calls block, with the timeout
 * given at open; errors come back as a positive errno plus a message for
 * the user saying what failed and why.
 *
 * While waiting for a reply the connection answers echo requests itself
 * and passes other unsolicited messages (port status, packet-in, ...) to
 * nobody: they are dropped, as ovs-ofctl drops them outside "monitor". */
#ifndef NICFLOW_OFCTL_VCONN_H
#define NICFLOW_OFCTL_VCONN_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/ofp.h"

struct of_vconn;

/* The file name of TARGET when it is a bridge name, else NULL (caller
 * frees). */
char *of_vconn_bridge_socket(const char *target);

/* Connects to TARGET and exchanges hellos offering the versions in
 * ALLOWED (a bitmap, OF_VBIT()).  TIMEOUT_MS bounds every later wait too
 * (-1: forever).  Returns 0 with the connection in *VCONNP, or a positive
 * errno with a message in *ERRP (caller frees): connection refused, no
 * common version ("version negotiation failed (we support version 0x04,
 * peer supports version 0x01)"), a hello error from the peer, ... */
int of_vconn_open(const char *target, uint32_t allowed, int timeout_ms,
                  struct of_vconn **vconnp, char **errp);

void of_vconn_close(struct of_vconn *);

/* The negotiated version. */
uint8_t of_vconn_version(const struct of_vconn *);

/* The target's name as given. */
const char *of_vconn_name(const struct of_vconn *);

/* Sends the message in MSG (a whole message).  Returns 0 or errno with
 * *ERRP set. */
int of_vconn_send(struct of_vconn *, const struct buf *msg, char **errp);

/* Receives the next whole message into MSG (cleared first), answering
 * echo requests on the way.  Returns 0, EOF (-1) when the peer closed,
 * ETIMEDOUT, or another errno, with *ERRP set unless 0. */
int of_vconn_recv(struct of_vconn *, struct buf *msg, char **errp);

/* Like of_vconn_recv() with its own TIMEOUT_MS (for "monitor"). */
int of_vconn_recv_timeout(struct of_vconn *, struct buf *msg, int timeout_ms,
                          char **errp);

/* Sends REQUEST and receives its reply or replies: every message with
 * REQUEST's xid until one without the multipart "more" flag.  The
 * replies are appended to *REPLIES (an array of N_REPLIES struct buf,
 * which the caller frees with of_vconn_free_replies()).  An OFPT_ERROR
 * reply makes it fail with EPROTO and a message naming the error (as
 * ovs-ofctl prints it: "OFPT_ERROR (xid=0x5): OFPBRC_BAD_TYPE"). */
int of_vconn_transact(struct of_vconn *, const struct buf *request,
                      struct buf **replies, size_t *n_replies, char **errp);
void of_vconn_free_replies(struct buf *, size_t n);

/* Sends the messages in REQUESTS (N of them) followed by a barrier
 * request and waits for the barrier reply.  Fails with EPROTO and the
 * error's text if the switch answers any of them with an error (its xid
 * tells which); replies other than errors are ignored. */
int of_vconn_transact_noreply(struct of_vconn *, const struct buf *requests,
                              size_t n, char **errp);

/* Formats the error message MSG as ovs-ofctl does:
 * "OFPT_ERROR (xid=0x2): OFPBAC_BAD_OUT_PORT\n<the request, hex>" (first
 * line only here) — appended to B. */
void of_vconn_format_error(const struct of_msg *, struct buf *);

#endif /* NICFLOW_OFCTL_VCONN_H */
