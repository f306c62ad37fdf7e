/* tcf-rep.h: what a switchdev representor says of itself, for port_add().
 *
 * rtnetlink RTM_GETLINK gives IFLA_PHYS_SWITCH_ID (the eswitch the port
 * belongs to) and IFLA_PHYS_PORT_NAME ("p0", "pf0vf3", ...).  If the kernel
 * has the devlink generic netlink family, the devlink port whose netdev is
 * the port says its flavour and PCI PF/VF/SF numbers; otherwise (and for a
 * device without a devlink port) they come from the port name.  A plain
 * netdev such as a veth has none of these: flavour NONE, numbers -1. */
#ifndef NICFLOW_TCF_REP_H
#define NICFLOW_TCF_REP_H 1

#include <stdbool.h>

#include "include/nicflow/offload-provider.h"

struct nlmsghdr;
struct tcf_nl;

/* Fills *REP for the netdev IFINDEX, asking over NL (and a short-lived
 * generic netlink socket for devlink).  Returns 0, or the errno of the
 * RTM_GETLINK request (ENODEV: no such device).  A missing devlink family
 * or devlink port is not an error. */
int tcf_rep_read(struct tcf_nl *nl, int ifindex,
                 struct offload_representor *rep);

/* Resets REP to "not a representor". */
void tcf_rep_init(struct offload_representor *rep);

/* Takes the switch id and port name of the RTM_NEWLINK message NLH (length
 * checked by tcf_msg_next()) into REP.  Returns 0 or EINVAL. */
int tcf_rep_parse_link(const struct nlmsghdr *nlh,
                       struct offload_representor *rep);

/* If the devlink port message NLH (a DEVLINK_CMD_NEW reply to
 * DEVLINK_CMD_PORT_GET) describes the port of netdev IFINDEX, takes its
 * flavour and PF/VF/SF numbers into REP and returns true. */
bool tcf_rep_parse_devlink_port(const struct nlmsghdr *nlh, int ifindex,
                                struct offload_representor *rep);

#endif /* NICFLOW_TCF_REP_H */
