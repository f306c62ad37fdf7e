/* datapaths.h: the datapaths nicflowd hosts (see datapaths.c). */
#ifndef NICFLOW_VSWITCHD_DATAPATHS_H
#define NICFLOW_VSWITCHD_DATAPATHS_H 1

/* Registers the datapath types, the "dpctl/..." control commands, and
 * starts the datapath thread.  Call after the control socket exists. */
void datapaths_init(void);

/* Applies MASK, Open vSwitch's other_config:pmd-cpu-mask (hexadecimal,
 * optional "0x", bit N = CPU N): the datapath thread runs on its CPUs, and
 * each of them gets a poll-mode thread for the receive queues of the
 * userspace datapaths' DPDK ports (softpath/dpif-netdev.h,
 * dpif_netdev_set_pmd_cpus()).  NULL or "" gives the datapath thread the
 * process's CPUs back and stops the poll-mode threads: the datapath thread
 * then polls every port, as before.  0, or EINVAL for a mask that is not
 * hexadecimal or names no CPU, or what the kernel said (a CPU that does
 * not exist or is not allowed), and then nothing changed. */
int datapaths_set_pmd_cpu_mask(const char *mask);

/* Stops the datapath thread and closes its handles. */
void datapaths_destroy(void);

#endif /* NICFLOW_VSWITCHD_DATAPATHS_H */
