/* upcall-private.h: what upcall.c shares with upcall-trace.c. */
#ifndef NICFLOW_VSWITCHD_UPCALL_PRIVATE_H
#define NICFLOW_VSWITCHD_UPCALL_PRIVATE_H 1

struct buf;

/* Puts the actions of a slow path flow (one userspace action whose
 * packets arrive as action upcalls of a known flow) into OUT. */
void upcall_slow_path_actions(struct buf *out);

/* Registers ofproto/trace and offload/explain (upcall-trace.c). */
void upcall_trace_register(void);

#endif /* NICFLOW_VSWITCHD_UPCALL_PRIVATE_H */
