/* datapaths.h: the datapaths nicflowd hosts (see datapaths.c). */
#ifndef NICFLOW_VSWITCHD_DATAPATHS_H
#define NICFLOW_VSWITCHD_DATAPATHS_H 1

/* Registers the datapath types, the "dpctl/..." control commands, and
 * starts the datapath thread.  Call after the control socket exists. */
void datapaths_init(void);

/* Stops the datapath thread and closes its handles. */
void datapaths_destroy(void);

#endif /* NICFLOW_VSWITCHD_DATAPATHS_H */
