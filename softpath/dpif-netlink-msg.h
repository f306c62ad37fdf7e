/* dpif-netlink-msg.h: the messages of openvswitch.ko's generic netlink
 * families (ovs_datapath, ovs_vport, ovs_flow, ovs_packet, ovs_meter),
 * built and parsed without a socket, and the translations between
 * nicflow's flows and ports and the kernel's.
 *
 * This is the half of the "system" datapath type (dpif-netlink.c) that
 * needs no kernel: the unit test (tests/unit/test-dpif-netlink.c) and the
 * fuzz target (tests/fuzz/fuzz-dpif-netlink-reply.c) call it directly.
 *
 * Builders write one request into a caller-owned buffer of SIZE bytes and
 * return its length, or 0 if it does not fit (nothing is written past
 * SIZE) or an attribute would exceed netlink's 64 kB attribute length.
 * The sequence number is left 0: the socket layer sets it.
 *
 * Parsers read one message of LEN bytes (the kernel's reply, untrusted):
 * they check that the netlink header, the generic netlink header, the
 * ovs_header and every attribute fit in LEN and that every attribute they
 * use has the size <linux/openvswitch.h> gives it, and return EINVAL
 * otherwise (EPROTO for a message of another family or command set).
 * What they fill points into the message: it lives as long as the
 * message's buffer. */
#ifndef NICFLOW_SOFTPATH_DPIF_NETLINK_MSG_H
#define NICFLOW_SOFTPATH_DPIF_NETLINK_MSG_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/openvswitch.h>

#include "lib/buf.h"

/* The generic netlink family ids of one kernel's datapath.  0: missing. */
struct dpif_netlink_families {
    uint16_t dp, vport, flow, packet, meter;
};

/* ---------------------------------------------------------------------
 * Requests.
 * --------------------------------------------------------------------- */

/* CTRL_CMD_GETFAMILY for the family NAME. */
size_t dpif_netlink_build_getfamily(void *buf, size_t size, const char *name);

/* An ovs_datapath request CMD (OVS_DP_CMD_*) with netlink FLAGS for the
 * datapath DP_IFINDEX or, when NAME is nonnull, the one named NAME.  For
 * OVS_DP_CMD_NEW (and SET) the upcall pid UPCALL_PID and the user
 * features FEATURES are added (the kernel requires the pid on NEW). */
size_t dpif_netlink_build_dp(void *buf, size_t size, uint16_t family,
                             uint8_t cmd, uint16_t flags, int dp_ifindex,
                             const char *name, uint32_t upcall_pid,
                             uint32_t features);

/* An ovs_vport request. */
struct dpif_netlink_vport_req {
    uint8_t cmd;    /* OVS_VPORT_CMD_*. */
    uint16_t flags; /* NLM_F_*. */
    int dp_ifindex;
    uint32_t port_no;    /* UINT32_MAX: none given. */
    const char *name;    /* NULL: none given. */
    uint32_t type;       /* OVS_VPORT_TYPE_* (NEW only). */
    bool has_upcall_pid; /* Add OVS_VPORT_ATTR_UPCALL_PID. */
    uint32_t upcall_pid;
    uint16_t dst_port; /* NEW of a vxlan/geneve port: its UDP port. */
};
size_t dpif_netlink_build_vport(void *buf, size_t size, uint16_t family,
                                const struct dpif_netlink_vport_req *);

/* An ovs_flow request: every pointer may be NULL (attribute left out). */
struct dpif_netlink_flow_req {
    uint8_t cmd;    /* OVS_FLOW_CMD_*. */
    uint16_t flags; /* NLM_F_*. */
    int dp_ifindex;
    const void *key;
    size_t key_len;
    const void *mask;
    size_t mask_len;
    const void *actions;
    size_t actions_len;
    const void *ufid;    /* 16 bytes. */
    uint32_t ufid_flags; /* OVS_UFID_F_*, sent when nonzero. */
    bool clear;          /* OVS_FLOW_ATTR_CLEAR (SET: zero the stats). */
};
/* The buffer size a flow request needs. */
size_t dpif_netlink_flow_req_size(const struct dpif_netlink_flow_req *);
size_t dpif_netlink_build_flow(void *buf, size_t size, uint16_t family,
                               const struct dpif_netlink_flow_req *);

/* OVS_PACKET_CMD_EXECUTE of the LEN-byte frame PACKET as if received on
 * IN_PORT, with ACTIONS. */
size_t dpif_netlink_execute_size(size_t packet_len, size_t actions_len);
size_t dpif_netlink_build_execute(void *buf, size_t size, uint16_t family,
                                  int dp_ifindex, const void *packet,
                                  size_t packet_len, uint32_t in_port,
                                  const void *actions, size_t actions_len);

/* An ovs_meter request CMD (OVS_METER_CMD_*) for meter ID (FEATURES:
 * none).  For SET, KBPS selects the unit and BANDS[0 .. N_BANDS - 1] are
 * the bands (type, rate, burst). */
struct dpif_netlink_band {
    uint32_t type, rate, burst;
};
size_t dpif_netlink_build_meter(void *buf, size_t size, uint16_t family,
                                uint8_t cmd, int dp_ifindex, uint32_t id,
                                bool kbps,
                                const struct dpif_netlink_band *bands,
                                size_t n_bands);

/* ---------------------------------------------------------------------
 * Replies.
 * --------------------------------------------------------------------- */

/* NLMSG_ERROR: returns the positive errno it carries (0 for an ack), and
 * in *MSG (if nonnull) the extended ack's message or NULL.  EINVAL for a
 * truncated message. */
int dpif_netlink_parse_error(const void *msg, size_t len, int *error,
                             const char **ext_msg);

/* CTRL_CMD_NEWFAMILY: the family's name and id. */
int dpif_netlink_parse_family(const void *msg, size_t len, const char **name,
                              uint16_t *id);

struct dpif_netlink_dp {
    int dp_ifindex;
    const char *name; /* NUL-terminated (checked). */
    uint32_t user_features;
    bool has_stats, has_megaflow_stats;
    struct ovs_dp_stats stats;
    struct ovs_dp_megaflow_stats megaflow_stats;
};
int dpif_netlink_parse_dp(const void *msg, size_t len,
                          struct dpif_netlink_dp *);

struct dpif_netlink_vport {
    int dp_ifindex;
    uint32_t port_no;
    uint32_t type;    /* OVS_VPORT_TYPE_*. */
    const char *name; /* NUL-terminated (checked). */
    bool has_stats;
    struct ovs_vport_stats stats;
    uint32_t upcall_pid; /* The first, 0 if none. */
    bool has_dst_port;
    uint16_t dst_port; /* OVS_TUNNEL_ATTR_DST_PORT of the options. */
};
int dpif_netlink_parse_vport(const void *msg, size_t len,
                             struct dpif_netlink_vport *);

struct dpif_netlink_flow {
    int dp_ifindex;
    const void *key, *mask, *actions; /* NULL when absent. */
    size_t key_len, mask_len, actions_len;
    bool has_ufid;
    uint8_t ufid[16]; /* Zero-padded when shorter. */
    bool has_stats;
    struct ovs_flow_stats stats;
    uint8_t tcp_flags;
    uint64_t used; /* Kernel's CLOCK_MONOTONIC msec, 0: never. */
};
int dpif_netlink_parse_flow(const void *msg, size_t len,
                            struct dpif_netlink_flow *);

struct dpif_netlink_upcall {
    uint8_t cmd; /* OVS_PACKET_CMD_MISS or OVS_PACKET_CMD_ACTION. */
    int dp_ifindex;
    const void *packet, *key, *userdata; /* USERDATA may be NULL. */
    size_t packet_len, key_len, userdata_len;
};
/* An upcall (OVS_PACKET_CMD_MISS / _ACTION); PACKET and KEY required. */
int dpif_netlink_parse_upcall(const void *msg, size_t len,
                              struct dpif_netlink_upcall *);

#define DPIF_NETLINK_MAX_BANDS 8

/* An ovs_meter reply: FEATURES (max meters and bands, band types), or a
 * meter's counters (SET: of the meter replaced, DEL: of the meter
 * deleted, GET).  HAS_STATS is false when the meter did not exist. */
struct dpif_netlink_meter {
    bool has_id;
    uint32_t id;
    uint32_t max_meters, max_bands;
    uint32_t band_types; /* 1 << OVS_METER_BAND_TYPE_* of FEATURES. */
    bool has_stats;
    struct ovs_flow_stats stats;
    size_t n_bands; /* Bands with counters, at most DPIF_NETLINK_MAX_BANDS. */
    struct ovs_flow_stats band_stats[DPIF_NETLINK_MAX_BANDS];
};
int dpif_netlink_parse_meter(const void *msg, size_t len,
                             struct dpif_netlink_meter *);

/* ---------------------------------------------------------------------
 * Translation between nicflow's datapath interface and the kernel's.
 * --------------------------------------------------------------------- */

/* Maps nicflow port TYPE (NULL: default) and OPTIONS ("k=v,..." or NULL)
 * to a vport type and, for UDP tunnels, the destination port (default
 * 4789 for vxlan, 6081 for geneve; "dst_port=N" overrides).  EINVAL or
 * EOPNOTSUPP with a message in *ERRP for a type the kernel datapath lacks
 * ("dummy", "afxdp", ...) or an option the type does not take. */
int dpif_netlink_port_type(const char *type, const char *options,
                           uint32_t *vport_type, uint16_t *dst_port,
                           char **errp);

/* The nicflow name of vport type VPORT_TYPE ("system", "internal",
 * "gre", "vxlan", "geneve"; "unknown" otherwise). */
const char *dpif_netlink_vport_type_name(uint32_t vport_type);

/* Checks ACTIONS (validated already by odp_actions_validate()) for what
 * no kernel datapath runs: the userspace-only tnl_push and tnl_pop
 * (softpath/odp.h), at any depth.  EINVAL with a message. */
int dpif_netlink_check_actions(const void *actions, size_t len, char **errp);

/* Sets the netlink pid of every userspace() action in the LEN-byte
 * ACTIONS (in place, at any depth) that has pid 0 to PID.  nicflow's
 * translation writes pid 0, "the datapath's upcall queue", which the
 * kernel takes literally (it drops the upcall): the provider fills in
 * its own upcall socket.  Returns how many it set. */
size_t dpif_netlink_fill_userspace_pids(void *actions, size_t len,
                                        uint32_t pid);

/* Appends to OUT the LEN-byte flow key KEY completed for the kernel,
 * which refuses a key that lacks an attribute its protocol chain implies
 * ("Missing key"), even when the mask wildcards it: a key with tcp() gets
 * tcp_flags(0) if it has none (at the top level and inside encap()).
 * Used with a mask only, where an attribute the mask leaves out is
 * wildcarded, so the flow matches what it matched before. */
void dpif_netlink_complete_key(const void *key, size_t len, struct buf *out);

/* Appends to OUT the attributes of the kernel's key or mask KEY that
 * nicflow's flow format knows (odp.h), dropping the rest (conntrack
 * fields, which the kernel reports whether or not they are matched).
 * Malformed input stops the copy where it goes wrong. */
void dpif_netlink_filter_key(const void *key, size_t len, struct buf *out);

#endif /* NICFLOW_SOFTPATH_DPIF_NETLINK_MSG_H */
