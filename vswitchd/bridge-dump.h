/* bridge-dump.h: the "bridge/dump-flows" control command (bridge-dump.c). */
#ifndef NICFLOW_VSWITCHD_BRIDGE_DUMP_H
#define NICFLOW_VSWITCHD_BRIDGE_DUMP_H 1

/* Registers "bridge/dump-flows BRIDGE" on the control socket. */
void bridge_dump_register(void);

#endif /* bridge-dump.h */
