/* ofp-print.h: any OpenFlow message as text, the way "ovs-ofctl
 * ofp-print", "snoop" and "monitor" print it. */
#ifndef NICFLOW_OFCTL_OFP_PRINT_H
#define NICFLOW_OFCTL_OFP_PRINT_H 1

#include <stddef.h>

#include "lib/buf.h"
#include "ofctl/ofp.h"

/* Appends M: its header line ("OFPT_FLOW_MOD (OF1.3) (xid=0x5):") and its
 * body as the message's family prints it.  A body that does not decode is
 * shown as "***decode error: NAME***" and its error returned; a message
 * whose body nicflow does not print yet gets "(body not printed)". */
enum of_err of_msg_format(const struct of_msg *, struct buf *);

/* The same for LEN raw bytes at DATA, which are decoded first. */
enum of_err of_msg_format_raw(const void *data, size_t len, struct buf *);

#endif /* NICFLOW_OFCTL_OFP_PRINT_H */
