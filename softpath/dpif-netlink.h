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
 *   - upcalls: recv_set(true) opens this handle's upcall sockets and
 *     selects the datapath's dispatch mode.  Per-CPU dispatch first
 *     (OVS_DP_F_DISPATCH_UPCALL_PER_CPU, Linux 5.14 and later): one
 *     socket per possible CPU, the kernel sending the upcalls it handles
 *     on CPU C to socket C (modulo their number); ports get upcall pid 0,
 *     as Open vSwitch gives them.  Where the kernel refuses it or does not
 *     keep it (or dpif_netlink_set_dispatch_preference(false) said so),
 *     per-vport dispatch (OVS_DP_F_VPORT_PIDS) with one socket that every
 *     port names.  The mode and why are logged at INFO.  recv_fd() is one
 *     descriptor in both modes (an epoll instance holding the sockets in
 *     per-CPU mode) and recv() serves the sockets round robin, up to 32
 *     upcalls from one before the next; handlers_set(N) shares the sockets
 *     among N readers (socket I to reader I % N), each read by one thread
 *     with recv_handler() and waited for on recv_handler_fd().  Enabling again keeps the
 *     sockets, asserts the mode and this handle's pids again (another
 *     program may have changed them: get_stats' upcalls_misrouted says
 *     so), and points ports added since at the socket in per-vport mode.
 *     Only the handle that enabled upcalls receives them; recv_set(false)
 *     turns them off (per-vport dispatch, every port's pid 0: the kernel
 *     then counts misses as lost) and closes the sockets.  A userspace()
 *     action with pid 0 (what nicflow's translation writes) names this
 *     handle's socket 0 when it has one (in per-CPU mode the kernel
 *     ignores it and picks the CPU's socket);
 *   - the flow limit is enforced here, not in the kernel: it holds only
 *     for puts through this handle;
 *   - meters are the kernel's (ovs_meter family: drop bands, a kernel
 *     without it has none); no port options beyond dst_port, set at
 *     creation. */
#ifndef NICFLOW_SOFTPATH_DPIF_NETLINK_H
#define NICFLOW_SOFTPATH_DPIF_NETLINK_H 1

#include <stdbool.h>
#include <stdint.h>

struct dpif;

/* Registers the "system" datapath type with dpif_register_class().  May
 * be called any number of times, from any thread. */
void dpif_netlink_register(void);

/* Whether recv_set(true) tries per-CPU dispatch before per-vport dispatch
 * (true, the default) or goes straight to per-vport dispatch (false), in
 * every handle of the process that enables upcalls afterwards.  For
 * tests and for kernels whose per-CPU dispatch misbehaves. */
void dpif_netlink_set_dispatch_preference(bool per_cpu);

/* The datapath's user features (OVS_DP_F_*) as the kernel reports them
 * now, whoever set them.  0 or a positive errno (EINVAL if DPIF is not of
 * the "system" type). */
int dpif_netlink_user_features(const struct dpif *, uint32_t *features);

/* "per-cpu dispatch mode" or "per-vport dispatch mode": the kernel's
 * dispatch mode of DPIF now (Open vSwitch's dpif-netlink/dispatch-mode
 * words), or NULL if DPIF is not of the "system" type or the kernel did
 * not answer. */
const char *dpif_netlink_dispatch_mode(const struct dpif *);

/* The handler socket (0, 1, ...: in per-CPU mode, the CPU's number
 * modulo the number of sockets) of the upcall dpif_recv() returned last
 * on DPIF (by any reader); -1 if none yet or DPIF is not of the
 * "system" type. */
int dpif_netlink_last_upcall_handler(const struct dpif *);

#endif /* NICFLOW_SOFTPATH_DPIF_NETLINK_H */
