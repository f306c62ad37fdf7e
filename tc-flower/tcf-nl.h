/* tcf-nl.h: the tc provider's netlink layer: one rtnetlink socket per
 * calling thread, batched filter requests with per-request status, dumps,
 * and the clsact qdisc.
 *
 * A struct tcf_nl is the provider's per-thread context (ctx_create()): a
 * NETLINK_ROUTE socket with NETLINK_EXT_ACK (the kernel explains refusals
 * in text) and NETLINK_CAP_ACK (acks do not echo our requests back), its
 * buffers and a sequence counter.  It is used by one thread at a time and
 * needs no lock.
 *
 * Batches.  tcf_nl_transact() packs many requests into one sendmsg()
 * (libmnl's mnl_nlmsg_batch), each with its own sequence number and
 * NLM_F_ACK.  The kernel handles them one after the other, sending each
 * one's echo and ack; replies are matched to requests by sequence number,
 * so that one refused filter does not hide the others' success.
 *
 * The reply-side functions tcf_nl_dispatch() and tcf_nl_dump_dispatch()
 * take a datagram as bytes and have no other input, so that the fuzz
 * target can drive them.
 *
 * Errors: 0 or a positive errno; kernel errors come with the kernel's
 * extack text (struct tcf_ack). */
#ifndef NICFLOW_TCF_NL_H
#define NICFLOW_TCF_NL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tc-flower/tcf-filter.h"
#include "tc-flower/tcf-msg.h"

struct nlmsghdr;
struct tcf_nl;

/* Opens a context into *NLP.  Returns 0 or the errno of socket(), bind()
 * or setsockopt() (NETLINK_EXT_ACK and NETLINK_CAP_ACK are required: the
 * provider's refusal messages depend on them). */
int tcf_nl_open(struct tcf_nl **nlp);

/* Closes NL (NULL is allowed). */
void tcf_nl_close(struct tcf_nl *nl);

/* One request of a batch and what came back for it. */
enum tcf_req_type {
    TCF_REQ_ADD,     /* New filter; EEXIST if its handle is taken. */
    TCF_REQ_REPLACE, /* Replace the filter with the same prio/handle. */
    TCF_REQ_DEL,     /* Delete a filter (echo: its final counters). */
};

struct tcf_req {
    enum tcf_req_type type;
    const struct tcf_filter *filter; /* ADD, REPLACE: what to install. */
    int ifindex;                     /* DEL: which filter. */
    uint32_t parent;                 /* The hook (tcf_port_parent()). */
    uint16_t prio;
    uint16_t protocol; /* be16. */
    uint32_t handle;
    struct tcf_filter *echo; /* Receives the echo; NULL: not wanted. */

    /* Results, filled by tcf_nl_transact(). */
    uint32_t seq;
    bool acked;          /* An ack (or error) arrived. */
    bool echoed;         /* ECHO holds a well-formed echo. */
    bool echo_malformed; /* An echo arrived that did not parse. */
    struct tcf_ack ack;  /* ack.error: 0, the kernel's errno, or ours
                          * (EMSGSIZE: request too big; ETIMEDOUT, EIO:
                          * reply lost) with ack.msg "". */
};

/* Sends REQS[0 .. N - 1] in as few sendmsg() calls as the batch buffer
 * allows and waits for every ack, filling each request's results.  Returns
 * 0, or the errno of a socket failure (the requests it left without an ack
 * then carry it too; whether such a request took effect is unknown). */
int tcf_nl_transact(struct tcf_nl *nl, struct tcf_req *reqs, size_t n);

/* Called by a dump for each filter; F is valid during the call only. */
typedef void tcf_dump_cb(const struct tcf_filter *f, void *aux);

/* Dumps the filters under PARENT on IFINDEX (chain 0 only if
 * CHAIN0_ONLY), calling CB for each one that parses.  Returns 0, or an
 * errno with the kernel's text in *ACK (if nonnull). */
int tcf_nl_dump(struct tcf_nl *nl, int ifindex, uint32_t parent,
                bool chain0_only, tcf_dump_cb *cb, void *aux,
                struct tcf_ack *ack);

/* Makes sure IFINDEX has a clsact (or ingress) qdisc: *CREATED says
 * whether this call created it (false if one was there already).
 * Returns 0, or an errno with the kernel's text in *ACK. */
int tcf_nl_clsact_add(struct tcf_nl *nl, int ifindex, bool *created,
                      struct tcf_ack *ack);

/* Removes the clsact qdisc of IFINDEX (and with it every filter on it).
 * Returns 0, or an errno with the kernel's text in *ACK. */
int tcf_nl_clsact_del(struct tcf_nl *nl, int ifindex, struct tcf_ack *ack);

/* Sends the request REQ (whose sequence number is replaced) with NLM_F_ACK
 * added, calling CB for each reply message other than the ack (or, for a
 * dump, NLMSG_DONE, which ends it likewise).  Returns 0,
 * or an errno with the kernel's text in *ACK.  For one-off requests such
 * as RTM_GETLINK. */
int tcf_nl_request(struct tcf_nl *nl, struct nlmsghdr *req,
                   void (*cb)(const struct nlmsghdr *, void *aux), void *aux,
                   struct tcf_ack *ack);

/* Reply side. */

/* Matches the messages of the datagram BUF (LEN bytes) to REQS[0 .. N -
 * 1], whose sequence numbers are BASE_SEQ, BASE_SEQ + 1, ...: an
 * NLMSG_ERROR is the request's ack, an RTM_NEWTFILTER or RTM_DELTFILTER
 * before it its echo (parsed into its ECHO, if any).  Messages with other
 * sequence numbers (late replies to an earlier batch) are ignored, as is a
 * malformed tail.  Returns how many requests this datagram acked. */
size_t tcf_nl_dispatch(const uint8_t *buf, size_t len, struct tcf_req *reqs,
                       size_t n, uint32_t base_seq);

/* Handles one datagram of the reply to the dump with sequence number SEQ:
 * calls CB for each filter that parses (in SCRATCH, which it overwrites),
 * skipping malformed ones.  Returns 0 while more is to come, EOF (-1) at
 * NLMSG_DONE, or the positive errno of a failed dump (text in *ACK). */
int tcf_nl_dump_dispatch(const uint8_t *buf, size_t len, uint32_t seq,
                         tcf_dump_cb *cb, void *aux,
                         struct tcf_filter *scratch, struct tcf_ack *ack);

#endif /* NICFLOW_TCF_NL_H */
