/* dpif-netlink.h: the kernel datapath ("system" datapath type).
 *
 * Datapaths of this type live in Linux's openvswitch.ko; this process
 * only talks to them over the generic netlink families ovs_datapath,
 * ovs_vport, ovs_flow and ovs_packet.  They outlive the process, and any
 * number of processes (ovs-dpctl included) may open the same one.
 *
 * The type is always registered (dpif.c does it), whether or not the
 * module is there: where it is not, dpif_open() fails with EAFNOSUPPORT
 * and says so, and dpif_enumerate() lists no datapath of this type.
 *
 * Everything else goes through dpif.h.  What differs from the userspace
 * datapath:
 *   - port types: NULL, "system" and "afpacket" are a network device
 *     (OVS_VPORT_TYPE_NETDEV), "internal" and "tap" a device the kernel
 *     creates (OVS_VPORT_TYPE_INTERNAL), "vxlan" and "geneve" (option
 *     dst_port=N, default 4789 and 6081) and "gre" the kernel's tunnel
 *     ports; "dummy" and other userspace-only types are refused.  Ports
 *     report their type as "system", "internal", "vxlan", ...;
 *   - the userspace-only actions tnl_push and tnl_pop are refused;
 *   - a key with tcp() gets the tcp_flags attribute the kernel insists
 *     on (wildcarded) when the put has a mask;
 *   - a flow inside an existing wider one (a key the other's mask
 *     matches) is refused by the kernel: EEXIST on create, ENOENT on
 *     create-or-modify;
 *   - upcalls: recv_set(true) switches the datapath to per-port dispatch
 *     and points every port's upcall at this handle's own netlink socket
 *     (one socket, OVS_DP_F_VPORT_PIDS); ports added through this handle
 *     afterwards get it too.  Only the handle that enabled upcalls
 *     receives them; recv_set(false) turns them off for every port (the
 *     kernel then counts misses as lost).  A userspace() action with pid
 *     0 (what nicflow's translation writes) is sent to this handle's
 *     socket when it has one;
 *   - the flow limit is enforced here, not in the kernel: it holds only
 *     for puts through this handle;
 *   - meters are the kernel's (ovs_meter family: drop bands, a kernel
 *     without it has none); no port options beyond dst_port, set at
 *     creation. */
#ifndef NICFLOW_SOFTPATH_DPIF_NETLINK_H
#define NICFLOW_SOFTPATH_DPIF_NETLINK_H 1

/* Registers the "system" datapath type with dpif_register_class().  May
 * be called any number of times, from any thread. */
void dpif_netlink_register(void);

#endif /* NICFLOW_SOFTPATH_DPIF_NETLINK_H */
