/* datapaths.h: the datapaths nicflowd hosts (see datapaths.c). */
#ifndef NICFLOW_VSWITCHD_DATAPATHS_H
#define NICFLOW_VSWITCHD_DATAPATHS_H 1

/* Registers the datapath types, the "dpctl/..." control commands, and
 * starts the datapath thread.  Call after the control socket exists. */
void datapaths_init(void);

/* Runs the datapath thread (the one thread that polls every port,
 * Open vSwitch's PMD threads in one) on the CPUs of MASK, Open vSwitch's
 * other_config:pmd-cpu-mask: hexadecimal, optional "0x", bit N = CPU N.
 * NULL or "" gives it the process's CPUs back.  0, or EINVAL for a mask
 * that is not hexadecimal or names no CPU, or what the kernel said (a
 * CPU that does not exist or is not allowed). */
int datapaths_set_pmd_cpu_mask(const char *mask);

/* Stops the datapath thread and closes its handles. */
void datapaths_destroy(void);

#endif /* NICFLOW_VSWITCHD_DATAPATHS_H */
