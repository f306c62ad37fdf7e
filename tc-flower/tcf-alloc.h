/* tcf-alloc.h: filter priorities for the tc provider.
 *
 * Flower keeps one protocol per priority (a tcf_proto is a priority and a
 * protocol), and a device that offloads flower usually gives each
 * priority its own table of one mask.  So, as Open vSwitch does, the
 * provider allocates one priority per combination of protocol and mask,
 * from TCF_PRIO_MIN .. TCF_PRIO_MAX, shared by every port and counted by
 * reference: each filter holds one reference to its priority, and a
 * priority whose last filter is gone is free for another combination (the
 * kernel drops an empty tcf_proto with its last filter).
 *
 * Not thread-safe: the provider calls it under its own mutex. */
#ifndef NICFLOW_TCF_ALLOC_H
#define NICFLOW_TCF_ALLOC_H 1

#include <stdbool.h>
#include <stdint.h>

#include "tc-flower/tcf-filter.h"

struct tcf_prio_table;

struct tcf_prio_table *tcf_prio_table_create(void);
void tcf_prio_table_destroy(struct tcf_prio_table *);

/* Returns the priority of filters with PROTOCOL (be16) and MASK, with a new
 * reference to it: the combination's priority if it has one, else the
 * lowest free priority.  Returns 0 when all TCF_N_PRIOS are taken. */
uint16_t tcf_prio_get(struct tcf_prio_table *, uint16_t protocol,
                      const struct tcf_key *mask);

/* Takes a reference to PRIO for a filter found in a device (reconcile):
 * PRIO becomes the priority of PROTOCOL and MASK if that combination has
 * none and PRIO is free; otherwise PRIO is only kept from reuse while the
 * filter lives.  Returns false (nothing taken) for a PRIO outside our
 * range, or one already used for another protocol (the kernel would
 * never have allowed two). */
bool tcf_prio_adopt(struct tcf_prio_table *, uint16_t prio, uint16_t protocol,
                    const struct tcf_key *mask);

/* Drops a reference to PRIO; the last one frees it. */
void tcf_prio_put(struct tcf_prio_table *, uint16_t prio);

/* How many references PRIO has (0: free).  For tests and descriptions. */
unsigned tcf_prio_refs(const struct tcf_prio_table *, uint16_t prio);

#endif /* NICFLOW_TCF_ALLOC_H */
