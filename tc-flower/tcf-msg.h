/* tcf-msg.h: the rtnetlink messages of the tc provider.
 *
 * Builders write one complete request into a caller-owned buffer, checking
 * every put against its size (libmnl's _check variants), and return the
 * message's length, or 0 when it does not fit (or cannot be expressed).
 * Every request asks for an ack (NLM_F_ACK) so that each one of a batch
 * gets its own status; filter additions and deletions also ask for an echo
 * (NLM_F_ECHO), which carries back what the kernel made of the filter
 * (and, for a deletion, its final counters).
 *
 * Parsers read the kernel's replies, which the provider treats as
 * untrusted input: every length is checked before anything is read, values
 * are copied out with memcpy() (attributes are only 4-byte aligned), and a
 * malformed message is refused with EINVAL rather than half-read.
 * tests/fuzz/fuzz-tcf-reply.c feeds them arbitrary bytes. */
#ifndef NICFLOW_TCF_MSG_H
#define NICFLOW_TCF_MSG_H 1

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tc-flower/tcf-filter.h"

/* Builders. */

/* RTM_NEWTFILTER for F (its device, parent, priority, protocol, handle,
 * chain, match, flags and actions) with sequence number SEQ.  FLAGS are
 * the creation flags: NLM_F_CREATE | NLM_F_EXCL to add a filter,
 * NLM_F_CREATE | NLM_F_REPLACE to replace the filter with F's handle.
 * NLM_F_REQUEST, NLM_F_ACK and NLM_F_ECHO are added.  Returns the
 * message's length, or 0 if it does not fit in SIZE bytes, F has an
 * action of a kind this module cannot build (TCF_A_OTHER, TCF_A_GACT), or
 * Geneve options (of the match or a tunnel_key set) the kernel would not
 * take (tcf_geneve_opts_check()). */
size_t tcf_msg_new_filter(void *buf, size_t size, uint32_t seq, uint16_t flags,
                          const struct tcf_filter *f);

/* RTM_DELTFILTER for the flower filter PRIO/PROTOCOL/HANDLE in chain 0 of
 * the hook PARENT of IFINDEX, with NLM_F_ECHO if ECHO (the echo carries
 * the filter's final counters).  Returns the length or 0. */
size_t tcf_msg_del_filter(void *buf, size_t size, uint32_t seq, int ifindex,
                          uint32_t parent, uint16_t prio, uint16_t protocol,
                          uint32_t handle, bool echo);

/* RTM_GETTFILTER dump of the filters under PARENT on IFINDEX: only chain
 * 0 if CHAIN0_ONLY, else every chain.  Returns the length or 0. */
size_t tcf_msg_dump_filters(void *buf, size_t size, uint32_t seq, int ifindex,
                            uint32_t parent, bool chain0_only);

/* RTM_NEWQDISC (TYPE) creating a clsact qdisc on IFINDEX, refused with
 * EEXIST if one (or an ingress qdisc) is there already, or RTM_DELQDISC
 * removing it.  Returns the length or 0. */
size_t tcf_msg_clsact(void *buf, size_t size, uint32_t seq, uint16_t type,
                      int ifindex);

/* RTM_NEWACTION of the police action A (A->type TCF_A_POLICE, not a bind:
 * tcf-police.h) with sequence number SEQ; FLAGS as for
 * tcf_msg_new_filter() (NLM_F_CREATE | NLM_F_REPLACE creates it or
 * changes it in place, so that filters bound to it keep it).  NLM_F_ACK
 * and NLM_F_ECHO are added.  Returns the length or 0 (too small a
 * buffer, or not such an action). */
size_t tcf_msg_new_action(void *buf, size_t size, uint32_t seq, uint16_t flags,
                          const struct tcf_action *a);

/* RTM_DELACTION of the action of KIND ("police") at INDEX.  Returns the
 * length or 0. */
size_t tcf_msg_del_action(void *buf, size_t size, uint32_t seq,
                          const char *kind, uint32_t index);

/* RTM_GETACTION dump of every action of KIND.  Returns the length or 0. */
size_t tcf_msg_dump_actions(void *buf, size_t size, uint32_t seq,
                            const char *kind);

/* Psched ticks (64 ns) that SIZE units take at RATE units per second (0
 * for a rate of 0), as act_police wants its bursts and rate table. */
uint64_t tcf_police_ticks(uint64_t rate, uint64_t size);

/* Parsers. */

/* One attribute as found: its payload and length. */
struct tcf_attr {
    const uint8_t *data;
    size_t len;
    bool present;
};

/* A walk over a stream of netlink attributes (the payload of a message or
 * of a nest), one attribute at a time, each header checked before its
 * attribute is handed out.  Every attribute walk of the parsers goes
 * through it, so that all of them treat malformed input alike.
 *
 *     struct tcf_attr_iter it;
 *     struct tcf_attr a;
 *     uint16_t type;
 *     int r;
 *
 *     tcf_attr_iter_init(&it, data, len);
 *     while ((r = tcf_attr_iter_next(&it, &type, &a)) == 1) {
 *         ...use TYPE and A...
 *     }
 *     if (r) {
 *         return r;    (EINVAL: malformed)
 *     }
 *
 * The members are private to tcf_attr_iter_next(). */
struct tcf_attr_iter {
    const uint8_t *data; /* The next attribute's header. */
    size_t left;         /* Bytes from DATA to the end of the stream. */
};

/* Starts IT at the LEN bytes of attributes at DATA, which may be NULL if
 * LEN is 0 (an empty stream, which ends cleanly at once). */
void tcf_attr_iter_init(struct tcf_attr_iter *it, const uint8_t *data,
                        size_t len);

/* Moves IT to its next attribute.  Returns exactly one of:
 *
 *   1       an attribute: *TYPE is its type with NLA_F_NESTED and
 *           NLA_F_NET_BYTEORDER masked out, *ATTR its payload (inside the
 *           stream, no better aligned than it: read it with memcpy()) and
 *           length, present set.
 *   0       the clean end: nothing is left, or the last attribute's
 *           step (NLA_ALIGN of its nla_len) reached or passed the end: a
 *           stream's length (a nest's nla_len, say) need not count the
 *           padding of its last attribute.
 *   EINVAL  malformed: 1 to 3 bytes are left where the next header would
 *           start (a tail shorter than a header), or the next header's
 *           nla_len is below NLA_HDRLEN or beyond the bytes left.
 *
 * *TYPE and *ATTR are written only when 1 is returned.  Once 0 or EINVAL
 * has been returned, every later call returns the same again.  No byte
 * outside the stream is ever read. */
int tcf_attr_iter_next(struct tcf_attr_iter *it, uint16_t *type,
                       struct tcf_attr *attr);

/* Fills TB[0 .. MAX] with the attributes in DATA (LEN bytes); a type that
 * occurs twice keeps its last occurrence (as the kernel's own parser
 * does), types above MAX are skipped, NLA_F_NESTED and NLA_F_NET_BYTEORDER
 * are ignored.  Returns 0, or EINVAL for a malformed stream, as
 * tcf_attr_iter_next() finds it. */
int tcf_attr_parse(const uint8_t *data, size_t len, struct tcf_attr *tb,
                   size_t max);

/* Copies the payload of A, which must be exactly N bytes, to DST.  Returns
 * 0 or EINVAL. */
int tcf_attr_get(const struct tcf_attr *a, void *dst, size_t n);

/* Copies the string attribute A (NUL-terminated within its payload, at
 * most SIZE bytes with the NUL) to DST.  Returns 0 or EINVAL. */
int tcf_attr_get_str(const struct tcf_attr *a, char *dst, size_t size);

/* Returns the next whole netlink message of the datagram at *BUF (*LEFT
 * bytes) and advances past it, or NULL when nothing (or only a malformed
 * tail: a header that claims more bytes than there are, or fewer than a
 * header) is left, in which case *LEFT becomes 0 and *MALFORMED (if
 * nonnull) is set when bytes were left over. */
const struct nlmsghdr *tcf_msg_next(const uint8_t **buf, size_t *left,
                                    bool *malformed);

/* The extended ack of an NLMSG_ERROR or NLMSG_DONE message. */
#define TCF_EXTACK_MAX 200
struct tcf_ack {
    int error;                /* 0, or a positive errno. */
    char msg[TCF_EXTACK_MAX]; /* NLMSGERR_ATTR_MSG, or "". */
};

/* Parses the NLMSG_ERROR or NLMSG_DONE message NLH (whose nlmsg_len has
 * been checked by tcf_msg_next()) into *ACK.  A kernel error (negative in
 * the message) becomes positive; a positive value in the message, which no
 * kernel sends, becomes EPROTO.  Returns 0, or EINVAL if the message is too
 * short or its extack attributes are malformed (*ACK then holds what
 * could be read: at least the error, if the message had one). */
int tcf_msg_parse_ack(const struct nlmsghdr *nlh, struct tcf_ack *ack);

/* Parses the RTM_NEWTFILTER or RTM_DELTFILTER message NLH (checked by
 * tcf_msg_next()) into *F: the tcmsg header, kind, chain and, for a flower
 * filter, its match, flags, actions, cookies and counters.  Attributes
 * this module does not model are skipped; action kinds it does not know
 * become TCF_A_OTHER with their kind.  Geneve options are read in either
 * shape, one ENC_OPTS_GENEVE nest per option (a request's) or all in one
 * (the kernel's dumps and echoes).  Returns 0, or EINVAL for a
 * malformed message (*F is then unspecified). */
int tcf_msg_parse_filter(const struct nlmsghdr *nlh, struct tcf_filter *f);

/* Parses the RTM_NEWACTION, RTM_GETACTION (a dump's) or RTM_DELACTION
 * message NLH (checked by tcf_msg_next()) into ACTS[0 .. MAX - 1], one for
 * each nest of its TCA_ACT_TAB in order (whatever their numbers: a dump
 * numbers them from 0, an echo from 1), and their count into *N; actions
 * beyond MAX are skipped.  Returns 0, or EINVAL for a malformed message
 * (a message without TCA_ACT_TAB has no actions). */
int tcf_msg_parse_actions(const struct nlmsghdr *nlh, struct tcf_action *acts,
                          size_t max, size_t *n);

#endif /* NICFLOW_TCF_MSG_H */
