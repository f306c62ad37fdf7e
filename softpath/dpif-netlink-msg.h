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

/* OVS_DP_CMD_SET of the datapath DP_IFINDEX with the user features
 * FEATURES and the per-CPU upcall pids PIDS[0 .. N_PIDS - 1]
 * (OVS_DP_ATTR_PER_CPU_PIDS: the kernel sends the upcalls of CPU C to
 * PIDS[C % N_PIDS] once FEATURES has OVS_DP_F_DISPATCH_UPCALL_PER_CPU).
 * N_PIDS must be at least 1.  dpif_netlink_dp_pids_size() is the buffer
 * size the request needs. */
size_t dpif_netlink_dp_pids_size(size_t n_pids);
size_t dpif_netlink_build_dp_pids(void *buf, size_t size, uint16_t family,
                                  uint16_t flags, int dp_ifindex,
                                  uint32_t features, const uint32_t *pids,
                                  size_t n_pids);

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
 * Batches: several requests in one datagram (dpif-netlink-batch.c).
 *
 * The kernel runs the requests of a datagram one after the other, in
 * the sending thread, and answers each on its own: with NLM_F_ACK, its
 * replies (if any, e.g. NLM_F_ECHO's) and then an NLMSG_ERROR (error 0:
 * the ack); without NLM_F_ACK, its one reply or an NLMSG_ERROR.  A
 * failing request does not stop those after it.  A batch numbers its
 * requests FIRST_SEQ, FIRST_SEQ + 1, ... and matches the answers to the
 * requests by that number, so one sendmsg() and a few reads do the work
 * of a round trip per request.
 * --------------------------------------------------------------------- */

/* One request of a batch and, once answered, its outcome. */
struct dpif_netlink_batch_item {
    size_t ofs, len; /* The request: LEN bytes at OFS in the batch's MSGS. */
    bool ack;        /* NLM_F_ACK: answered by its NLMSG_ERROR. */
    bool quiet;      /* Sent without the NLM_F_ACK it asked for (see
                      * dpif_netlink_batch_quiet()). */
    bool implied;    /* Done because a later request was answered. */
    bool done;       /* Answered (or abandoned). */
    int error;       /* Once DONE: 0 or a positive errno. */
    int cb_error;    /* The first error the reply callback returned. */
    char *ext_msg;   /* Once DONE: the kernel's extended-ack message (the
                      * batch owns it), or NULL. */
};

struct dpif_netlink_batch {
    struct buf msgs; /* The requests, back to back (each 4-byte aligned). */
    struct dpif_netlink_batch_item *items;
    size_t n, allocated;
    size_t n_pending;   /* Items not DONE. */
    uint32_t first_seq; /* Sequence number of item 0. */
};

/* Called for each reply (not an ack or error) that answers item IDX of a
 * batch, which is LEN bytes at MSG: returns 0, or an errno value that the
 * item then fails with (unless the kernel reports an error of its own). */
typedef int dpif_netlink_batch_cb(size_t idx, const void *msg, size_t len,
                                  void *aux);

void dpif_netlink_batch_init(struct dpif_netlink_batch *);
/* Forgets every request (and outcome), keeping the memory. */
void dpif_netlink_batch_clear(struct dpif_netlink_batch *);
void dpif_netlink_batch_destroy(struct dpif_netlink_batch *);

/* Room for a request of up to SIZE bytes at the end of B's messages, for
 * a builder to write; dpif_netlink_batch_commit() then adds what it
 * wrote (LEN bytes, its return value) as the next item.  Returns the
 * index the item gets, or SIZE_MAX if LEN is 0 (the builder failed:
 * nothing is added). */
void *dpif_netlink_batch_reserve(struct dpif_netlink_batch *, size_t size);
size_t dpif_netlink_batch_commit(struct dpif_netlink_batch *, size_t len);

/* Numbers B's requests from FIRST_SEQ on (in their headers) and marks
 * them all pending. */
void dpif_netlink_batch_start(struct dpif_netlink_batch *, uint32_t first_seq);

/* Lets items [FIRST, END - 1) of B, which are to go in one datagram
 * with item END - 1, go without their acks: each that asked for an ack
 * and no echo (a put, delete or execute, whose only answer on success is
 * the ack) has NLM_F_ACK cleared in its header.  The kernel answers the
 * requests of a datagram in order, so once a later request is answered,
 * such a quiet one that has not failed has succeeded (see
 * dpif_netlink_batch_feed()); the kernel then builds and queues one ack
 * per datagram instead of one per request.  Item END - 1 keeps its ack.
 * Call after dpif_netlink_batch_start(). */
void dpif_netlink_batch_quiet(struct dpif_netlink_batch *, size_t first,
                              size_t end);

/* Reads one datagram of LEN bytes at DATA that the kernel sent in answer
 * (TRUNC: the socket cut it short of its full size).  Each message that
 * answers a pending item updates it: a reply goes to CB (may be NULL), an
 * NLMSG_ERROR ends the item (with its error, or CB's first error, or 0),
 * as does a reply to an item without NLM_F_ACK; an answer to an item
 * ends every quiet item before it still pending with 0 (and marks it
 * IMPLIED).  A message cut short ends
 * its item with EMSGSIZE, a malformed one with EPROTO; messages of other
 * sequence numbers are ignored (late answers to earlier requests). */
void dpif_netlink_batch_feed(struct dpif_netlink_batch *, const void *data,
                             size_t len, bool trunc, dpif_netlink_batch_cb *,
                             void *aux);

/* Ends every pending item of B with ERROR (answers that will not come). */
void dpif_netlink_batch_abandon(struct dpif_netlink_batch *, int error);

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
    /* OVS_DP_ATTR_PER_CPU_PIDS (kernels that report it, in per-CPU
     * dispatch mode): N_PER_CPU_PIDS u32s at PER_CPU_PIDS, in host
     * order and possibly unaligned (read them with
     * dpif_netlink_dp_pid()).  A length that is not a multiple of 4 is
     * refused. */
    const void *per_cpu_pids;
    size_t n_per_cpu_pids;
};
int dpif_netlink_parse_dp(const void *msg, size_t len,
                          struct dpif_netlink_dp *);
/* Per-CPU pid I (< DP->n_per_cpu_pids) of a parsed reply. */
uint32_t dpif_netlink_dp_pid(const struct dpif_netlink_dp *dp, size_t i);

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
