/* dp-execute.h: the action executor of the software datapath.
 *
 * Runs a list of datapath actions (OVS_ACTION_ATTR_* netlink attributes, as
 * softpath/odp.h builds and validates them) on packets.  The executor edits
 * headers itself (VLAN tags, set/set_masked with incremental checksum
 * updates, dp_hash) and hands everything that leaves it to the datapath
 * through hooks: output to a port, upcalls, recirculation and meters.
 *
 * Ownership: every packet given to the executor is consumed.  It ends in
 * exactly one output or recirc hook call (which takes ownership), or is
 * freed (drop, meter refusal, ct, malformed actions, end of the list
 * without output).  An output or recirc that is followed by more actions
 * gets a copy; the last one gets the packet itself, so the common "modify
 * then output once" flow copies nothing.
 *
 * Layer offsets: the packet's l2..l4 offsets should have been set by
 * flow_extract() (the datapath does that for the lookup).  A packet whose
 * l2 offset is absent is extracted once on entry.
 *
 * Malformed actions (a truncated attribute, a payload of the wrong size, an
 * unknown action type, nesting deeper than ODP_MAX_NESTING) never crash:
 * the packet is dropped at that point and the event counted
 * (dp_execute_malformed, dp_execute_set_malformed).  Actions already
 * executed (outputs of copies) have happened by then.
 *
 * Threading: threads may run actions at the same time on different
 * packets.  The sample action's random source is per thread and the
 * coverage counters are atomic. */
#ifndef NICFLOW_SOFTPATH_DP_EXECUTE_H
#define NICFLOW_SOFTPATH_DP_EXECUTE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/packet.h"

struct nlattr;

/* The largest batch dp_execute_actions_batch() is meant for (the datapath's
 * receive batch size).  Larger batches work, they are just not expected. */
#define DP_EXECUTE_BATCH_MAX 32

/* What the executor cannot do itself: the datapath supplies these.  Any
 * member may be NULL, with the meaning given for each. */
struct dp_execute_hooks {
    /* Sends P out of odp port PORT.  Takes ownership of P.  NULL: the
     * packet is freed (as if the port did not exist). */
    void (*output)(void *aux, struct pkt *p, uint32_t port);

    /* Sends P to userspace (an upcall) with the OVS_ACTION_ATTR_USERSPACE
     * attribute USERSPACE_ATTR (whose nested attributes give the pid and
     * userdata).  P stays owned by the executor and must not be kept or
     * modified: copy it if needed.  NULL: the action does nothing. */
    void (*userspace)(void *aux, struct pkt *p,
                      const struct nlattr *userspace_attr);

    /* Feeds P back into the datapath lookup with RECIRC_ID (already stored
     * in P->recirc_id).  Takes ownership of P.  NULL: the packet is
     * freed. */
    void (*recirc)(void *aux, struct pkt *p, uint32_t recirc_id);

    /* Charges P to meter METER_ID.  Returns false if the meter drops the
     * packet, true to let it continue.  Must not keep P.  NULL: every
     * packet passes. */
    bool (*meter)(void *aux, struct pkt *p, uint32_t meter_id);

    /* Passed to every hook. */
    void *aux;
};

/* What native tunnelling needs from the datapath (a separate struct so
 * that struct dp_execute_hooks keeps its shape).  Its hook gets the aux of
 * struct dp_execute_hooks. */
struct dp_execute_tnl {
    /* Tells whether odp port PORT is a tunnel vport: if so stores its type
     * (ODP_TNL_TYPE_*) and UDP destination port (host order, 0 for gre)
     * and returns true.  NULL: no port is one (tnl_pop drops). */
    bool (*tnl_port)(void *aux, uint32_t port, uint32_t *tnl_type,
                     uint16_t *dst_port);

    /* The range tnl_push draws UDP source ports from, host order,
     * inclusive.  Both 0 (or MIN > MAX): DP_EXECUTE_TNL_SRC_MIN..MAX. */
    uint16_t src_min, src_max;
};

/* The default UDP source port range of tnl_push (Open vSwitch's). */
#define DP_EXECUTE_TNL_SRC_MIN 32768
#define DP_EXECUTE_TNL_SRC_MAX 61000

/* Runs the LEN bytes of ACTIONS (a list of OVS_ACTION_ATTR_* attributes) on
 * packet P, with P's metadata (in_port, mark, recirc_id, dp_hash, tunnel)
 * as the packet's flow metadata.  Consumes P: every packet ends in an
 * output or recirc hook or is freed.  An empty list drops P.
 *
 * What each action does:
 *   output(port)   hook->output; a copy unless it is the last action.
 *   userspace      hook->userspace with P (or a truncated copy after trunc).
 *   push_vlan      inserts the tag (TPID and TCI, CFI bit cleared on the
 *                  wire) as the outermost one.
 *   pop_vlan       removes the outermost tag; no-op if there is none.
 *   set/set_masked ethernet, skb_mark, ipv4 (src, dst, tos, ttl), ipv6
 *                  (src, dst, tclass, label, hlimit), tcp/udp/sctp ports,
 *                  mpls (top label stack entry) and tunnel, with the IPv4
 *                  header checksum and the TCP/UDP/ICMPv6 checksums (and the
 *                  SCTP CRC) updated; a UDP checksum of 0 ("none") stays 0.
 *                  Setting a layer the packet lacks does nothing.  priority
 *                  is accepted and ignored (struct pkt has no priority); nd
 *                  drops the packet (not implemented).
 *   recirc(id)     sets P->recirc_id and calls hook->recirc; a copy unless
 *                  it is the last action.
 *   hash(alg)      sets P->dp_hash from the L3/L4 5-tuple (OVS_HASH_ALG_L4)
 *                  or from a symmetric variant (sym_l4); never 0.
 *   sample         runs the nested actions on a copy (P itself when last)
 *                  with the given probability out of UINT32_MAX, drawn from
 *                  dp_execute_random().
 *   trunc(n)       the next output or userspace sees at most N bytes.
 *   meter(id)      hook->meter; drops P if it returns false.
 *   clone          runs the nested actions on a copy (P itself when last).
 *   ct             not supported yet: drops P (counted, dp_execute_ct).
 *   ct_clear       nothing to clear without conntrack: no-op.
 *   drop           drops P.
 *   tnl_push       (userspace-only, odp.h) prepends the action's outer
 *                  header to P (a copy unless it is the last action, cut
 *                  by a pending trunc first), fills in the IPv4 total
 *                  length, id (unless DF) and header checksum or the IPv6
 *                  payload length, the UDP length, the UDP source port
 *                  (from the inner 5-tuple hash, in the hooks' range) and
 *                  UDP checksum (0 over IPv4, computed over IPv6) or the
 *                  GRE checksum if its flag is set, then outputs it to the
 *                  action's out_port as output does.  Range: TNL's
 *                  (dp_execute_actions_tnl()), else the default.
 *   tnl_pop(port)  checks P (a copy unless last) against tunnel vport
 *                  PORT's type and UDP port (TNL->tnl_port; without TNL
 *                  every tnl_pop drops, counted), strips the
 *                  outer headers into P's tunnel metadata and feeds it back
 *                  through hook->recirc with recirc_id 0 and in_port PORT
 *                  (so the datapath counts its depth as a recirculation).
 *                  A frame that does not fit is dropped and counted by
 *                  reason (coverage tnl_pop_*). */
void dp_execute_actions(struct pkt *p, const void *actions, size_t len,
                        const struct dp_execute_hooks *hooks);

/* dp_execute_actions() with TNL (may be NULL) for tnl_push/tnl_pop. */
void dp_execute_actions_tnl(struct pkt *p, const void *actions, size_t len,
                            const struct dp_execute_hooks *hooks,
                            const struct dp_execute_tnl *tnl);

/* Runs ACTIONS on each of the N packets of PKTS in order, as N calls to
 * dp_execute_actions() would (so one packet's outputs all come before the
 * next packet's).  Consumes every packet; PKTS[] itself is left as it was
 * (dangling pointers). */
void dp_execute_actions_batch(struct pkt **pkts, size_t n, const void *actions,
                              size_t len,
                              const struct dp_execute_hooks *hooks);

/* The random source of the sample action: a per-thread xorshift generator.
 * dp_execute_seed_random() makes it deterministic (tests, fuzzing); until
 * it is called, each thread starts from a fixed seed. */
void dp_execute_seed_random(uint32_t seed);

/* Returns the next 32-bit value of this thread's random source. */
uint32_t dp_execute_random(void);

/* Internal: shared by dp-execute.c and dp-execute-set.c. */

/* Runs the set (MASKED false) or set_masked action A, whose payload has not
 * been checked yet, on P.  Returns false if P must be dropped (malformed
 * attribute, key attribute that cannot be set), true otherwise, including
 * when P lacks the layer to set (then P is unchanged). */
bool dp_execute_set_action(struct pkt *p, const struct nlattr *a, bool masked);

/* dp-execute-tnl.c.  Pushes the header of the LEN-byte tnl_push payload
 * PUSH onto P, with HASH choosing the UDP source port in SRC_MIN..SRC_MAX,
 * and stores the port to output to in *OUT_PORT.  Returns false (P
 * unchanged, to be dropped) if PUSH is malformed or the result too big. */
bool dp_execute_tnl_push(struct pkt *p, const void *push, size_t len,
                         uint32_t hash, uint16_t src_min, uint16_t src_max,
                         uint32_t *out_port);

/* Decapsulates P for a tunnel vport of TNL_TYPE with UDP port DST_PORT:
 * returns true with the outer headers removed, offsets absent and
 * P->tunnel set, or false (counted; P unchanged) if P does not fit. */
bool dp_execute_tnl_pop(struct pkt *p, uint32_t tnl_type, uint16_t dst_port);

#endif /* NICFLOW_SOFTPATH_DP_EXECUTE_H */
