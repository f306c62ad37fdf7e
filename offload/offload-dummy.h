/* offload-dummy.h: the simulated eswitch provider, "dummy".
 *
 * It lets the whole daemon run and be tested without hardware: it takes
 * every named port, keeps the rules it is given in memory per port, and
 * refuses what a simple eswitch would (actions it lacks, output ports on
 * another device, a full table).  It forwards nothing, so its counters
 * stay zero.
 *
 * Its memory stands for the device: rules stay across destroy() and a new
 * init() in the same process, and reconcile() lists them, so a restart of
 * the manager (offload_exit(false), offload_init()) behaves like a restart
 * of nicflowd with rules left in a NIC.  port_del() and flush() remove
 * rules as a device would.  offload_init() registers it; it is not in the
 * default priority list (hw-offload-priority=dummy selects it). */
#ifndef NICFLOW_OFFLOAD_DUMMY_H
#define NICFLOW_OFFLOAD_DUMMY_H 1

#include <stddef.h>

#include "include/nicflow/offload-provider.h"

extern const struct offload_provider_class offload_dummy_class;

/* Tests: the number of rules the simulated device holds for the port
 * named NAME (0 if it has none). */
size_t offload_dummy_n_rules(const char *name);

/* Tests: forgets the simulated device (every port and rule).  Only while
 * the manager does not use the provider (after offload_exit()). */
void offload_dummy_reset(void);

#endif /* NICFLOW_OFFLOAD_DUMMY_H */
