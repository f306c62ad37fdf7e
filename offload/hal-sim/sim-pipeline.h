/* sim-pipeline.h: the packet-forwarding model of the simulated eswitch
 * (offload/hal-sim/README.md).
 *
 * This is the pure part of the nicflow-hal-sim plugin: a device profile
 * (hw-profiles/NAME.json) turned into HAL capabilities and the checks an
 * ACL entry must pass to be accepted "exactly as the profile says"
 * (sim-profile.c); the ACL table, lookup, counters, meters, per-port
 * statistics and the order of the steps a frame goes through
 * (sim-pipeline.c); port/VLAN membership, the FDB, L3 and tunnel tables
 * (sim-tables.c); tunnel headers on the wire (sim-tunnel.c); frame
 * parsing into HAL field values and the actions that rewrite frames
 * (sim-packet.c).  It owns no sockets and no threads: a
 * frame is handed in by the caller, and what the model sends goes out
 * through a callback, so that every rule can be unit-tested and fuzzed.
 *
 * Threads.  Nothing here locks.  The caller (sim.c) serialises every call
 * on one struct halsim, including halsim_process(), with a lock of its own.
 *
 * Errors.  Calls return 0 or a positive errno value; those that can fail
 * for a person's reason also write a message into the caller's buffer. */
#ifndef HALSIM_PIPELINE_H
#define HALSIM_PIPELINE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nicflow/hal.h"

/* Masking rules of a profile's match keys (hw-profiles/README.md). */
enum halsim_mask_rule {
    HALSIM_MASK_NONE,      /* The key is not listed: it cannot be matched. */
    HALSIM_MASK_EXACT,     /* All of the field's bits or none. */
    HALSIM_MASK_PREFIX,    /* Leading ones, as an address prefix. */
    HALSIM_MASK_ARBITRARY, /* Any mask. */
};

/* The profile match keys the model maps onto HAL fields. */
enum halsim_key {
    HALSIM_K_IN_PORT,
    HALSIM_K_ETH_SRC,
    HALSIM_K_ETH_DST,
    HALSIM_K_ETH_TYPE,
    HALSIM_K_VLAN_VID,
    HALSIM_K_VLAN_PCP,
    HALSIM_K_IPV4_SRC,
    HALSIM_K_IPV4_DST,
    HALSIM_K_IPV6_SRC,
    HALSIM_K_IPV6_DST,
    HALSIM_K_IP_PROTO,
    HALSIM_K_IP_TOS,
    HALSIM_K_IP_TTL,
    HALSIM_K_IP_FRAG,
    HALSIM_K_TP_SRC,
    HALSIM_K_TP_DST,
    HALSIM_K_ICMP_TYPE,
    HALSIM_K_ICMP_CODE,
    HALSIM_K_TCP_FLAGS,
    HALSIM_K__N
};

/* The profile action words the model knows, as bits of
 * halsim_profile.actions. */
enum halsim_paction {
    HALSIM_PA_OUTPUT,
    HALSIM_PA_MIRROR,
    HALSIM_PA_DROP,
    HALSIM_PA_PUSH_VLAN,
    HALSIM_PA_POP_VLAN,
    HALSIM_PA_SET_ETH,
    HALSIM_PA_SET_IPV4,
    HALSIM_PA_SET_TP,
    HALSIM_PA_POLICE,
    HALSIM_PA_COUNT,
    HALSIM_PA_DEC_TTL,     /* With set_eth: the chip routes (L3 tables). */
    HALSIM_PA_TUNNEL_PUSH, /* With a tunnel type: TUNNEL_ENCAP. */
    HALSIM_PA__N
};

/* What the model keeps of a profile. */
struct halsim_profile {
    char name[NICFLOW_HAL_NAME_MAX];
    uint8_t rule[HALSIM_K__N]; /* enum halsim_mask_rule per key. */
    uint32_t actions;          /* 1 << enum halsim_paction. */
    uint32_t rules_per_port;   /* 0: unpublished, no per-port limit. */
    uint32_t rules_per_device; /* 4096 if unpublished. */
    uint32_t max_actions;      /* NICFLOW_HAL_MAX_ACTIONS if unpublished. */
    bool meters_supported;
    uint32_t meters_count; /* 64 if unpublished. */
    uint32_t tunnel_types; /* NICFLOW_HAL_TUNNEL_BIT()s of "tunnels". */
};

/* The sizes of the tables the hal-args choose (README.md, "hal-args");
 * 0 turns a table off. */
struct halsim_sizes {
    uint32_t fdb;           /* Default 0: no FDB. */
    uint32_t port_vlans;    /* Default 4096. */
    uint32_t nexthops;      /* Default 256. */
    uint32_t l3_hosts;      /* Default 1024. */
    uint32_t l3_routes;     /* Default 1024. */
    uint32_t tunnel_encaps; /* Default 256. */
    uint32_t tunnel_decaps; /* Default 256. */
};

/* Fills *SIZES with the defaults. */
void halsim_sizes_default(struct halsim_sizes *sizes);

/* Parses LEN bytes of TEXT, the contents of the profile file FILE (used in
 * messages only), into *PROFILE.  Returns 0, or EINVAL with a message
 * naming FILE (with jansson's line and column for a syntax error) when the
 * text is not JSON, is not an object, lacks a string "name" or a "tables"
 * object, or holds a member of the wrong type.  Members the model does not
 * use are ignored; the full format is checked by nicflow itself. */
int halsim_profile_parse(const char *text, size_t len, const char *file,
                         struct halsim_profile *profile, char *err,
                         size_t err_size);

/* The name of profile key K ("ipv4_src"). */
const char *halsim_key_name(enum halsim_key k);

/* Fills CAPS (all of it, struct_size included) from profile P, except
 * the device's name and number of ports. */
void halsim_profile_caps(const struct halsim_profile *p,
                         struct nicflow_hal_caps *caps);

/* Checks ACL entry E against profile P: its matches against the key
 * template (the fields of bit mask TEMPLATE, 1 << enum nicflow_hal_field)
 * and P's masking rules, its actions against the caps' ACL_ACTIONS and
 * P's rules.  Returns 0, EINVAL or EOPNOTSUPP with a message; what E
 * refers to in the device (ports, counters, meters) is not checked. */
int halsim_profile_check_entry(const struct halsim_profile *p,
                               uint32_t template, uint32_t acl_actions,
                               const struct nicflow_hal_acl_entry *e,
                               char *err, size_t err_size);

/* Whether the N bytes at P are all zero. */
bool halsim_is_zero(const uint8_t *p, size_t n);

/* The model of one device. */
struct halsim;

/* Sends LEN bytes of FRAME out of CHIP_PORT for the model; returns 0 if
 * the frame went out (it is then counted in the port's tx_*). */
typedef int halsim_send_fn(uint32_t chip_port, const uint8_t *frame,
                           size_t len, void *aux);

/* Creates the model of a device named DEVICE with profile PROFILE, table
 * sizes SIZES (NULL: the defaults) and N_PORTS chip ports 1 .. N_PORTS
 * named PORT_NAMES[i], which outputs through SEND(..., AUX).  Returns 0
 * and *SIMP, or ENOMEM. */
int halsim_create(const struct halsim_profile *profile,
                  const struct halsim_sizes *sizes, const char *device,
                  const char *const *port_names, size_t n_ports,
                  halsim_send_fn *send, void *aux, struct halsim **simp);

/* Frees SIM and everything it holds. */
void halsim_destroy(struct halsim *sim);

/* Fills CAPS (all of it, struct_size included) from SIM's profile and
 * table sizes. */
void halsim_get_caps(const struct halsim *sim, struct nicflow_hal_caps *caps);

/* The number of chip ports and the netdev name of chip port CHIP_PORT (NULL
 * if there is no such port). */
size_t halsim_n_ports(const struct halsim *sim);
const char *halsim_port_name(const struct halsim *sim, uint32_t chip_port);

/* Adds ENTRY, or replaces the entry with its id, after checking it
 * against the profile; fills *STATUS (error 0 or a positive errno and a
 * message) and returns the error: EINVAL, EOPNOTSUPP, ENOSPC or ENOENT as
 * nicflow_hal_ops.acl_add describes. */
int halsim_acl_add(struct halsim *sim, const struct nicflow_hal_acl_entry *e,
                   struct nicflow_hal_status *status);

/* Removes entry ID; fills *STATUS and returns 0 or ENOENT. */
int halsim_acl_del(struct halsim *sim, uint64_t id,
                   struct nicflow_hal_status *status);

/* The number of ACL entries SIM holds. */
size_t halsim_acl_count(const struct halsim *sim);

/* Allocates a zeroed counter into *ID: 0 or ENOSPC with a message. */
int halsim_counter_alloc(struct halsim *sim, uint32_t *id, char *err,
                         size_t err_size);

/* Reads counter ID into *VALUE: 0 or ENOENT. */
int halsim_counter_read(const struct halsim *sim, uint32_t id,
                        struct nicflow_hal_counter *value);

/* Frees counter ID (nothing if it is not allocated). */
void halsim_counter_free(struct halsim *sim, uint32_t id);

/* Creates or changes meter ID to METER; NOW_NS (a monotonic clock) starts
 * its token bucket full.  Returns 0, EINVAL (ID out of range, a rate of 0)
 * or EOPNOTSUPP (no meters, unknown flags), with a message. */
int halsim_meter_set(struct halsim *sim, uint32_t id,
                     const struct nicflow_hal_meter *meter, uint64_t now_ns,
                     char *err, size_t err_size);

/* Deletes meter ID (nothing if it is not set). */
void halsim_meter_del(struct halsim *sim, uint32_t id);

/* Fills *STATS for CHIP_PORT: 0 or ENOENT. */
int halsim_port_stats(const struct halsim *sim, uint32_t chip_port,
                      struct nicflow_hal_port_stats *stats);

/* The other tables (sim-tables.c), as the nicflow_hal_ops calls of the
 * same names describe them; batch calls take one entry and fill its
 * *STATUS.  Each returns 0 or the errno of the header's contract, with a
 * message; a table whose size is 0 (or that the profile rules out) makes
 * its calls return EOPNOTSUPP. */
int halsim_port_vlan_add(struct halsim *sim,
                         const struct nicflow_hal_port_vlan *pv,
                         struct nicflow_hal_status *status);
int halsim_port_vlan_del(struct halsim *sim,
                         const struct nicflow_hal_port_vlan *pv,
                         struct nicflow_hal_status *status);
int halsim_fdb_add(struct halsim *sim, const struct nicflow_hal_fdb_entry *e,
                   struct nicflow_hal_status *status);
int halsim_fdb_del(struct halsim *sim, const struct nicflow_hal_fdb_entry *e,
                   struct nicflow_hal_status *status);
int halsim_l3_config(struct halsim *sim,
                     const struct nicflow_hal_l3_config *config, char *err,
                     size_t err_size);
int halsim_nexthop_set(struct halsim *sim, uint32_t id,
                       const struct nicflow_hal_nexthop *nh, char *err,
                       size_t err_size);
int halsim_nexthop_del(struct halsim *sim, uint32_t id, char *err,
                       size_t err_size);
int halsim_route_add(struct halsim *sim, const struct nicflow_hal_route *r,
                     struct nicflow_hal_status *status);
int halsim_route_del(struct halsim *sim, const struct nicflow_hal_route *r,
                     struct nicflow_hal_status *status);
int halsim_tunnel_encap_set(struct halsim *sim, uint32_t id,
                            const struct nicflow_hal_tunnel_encap *encap,
                            char *err, size_t err_size);
int halsim_tunnel_encap_del(struct halsim *sim, uint32_t id, char *err,
                            size_t err_size);
int halsim_tunnel_decap_add(struct halsim *sim,
                            const struct nicflow_hal_tunnel_decap *d,
                            struct nicflow_hal_status *status);
int halsim_tunnel_decap_del(struct halsim *sim,
                            const struct nicflow_hal_tunnel_decap *d,
                            struct nicflow_hal_status *status);

/* The HAL field values of a frame (enum nicflow_hal_field), laid out as
 * nicflow_hal_match.value is, and which of them the frame has. */
struct halsim_fields {
    uint32_t present; /* 1 << enum nicflow_hal_field. */
    uint8_t value[NICFLOW_HAL_F__N][NICFLOW_HAL_VALUE_MAX];
};

/* Where a frame's headers are, from halsim_parse(): offsets from the
 * frame's start, 0 for a header the frame lacks (or has too short). */
struct halsim_layout {
    uint16_t l3;       /* IPv4 or IPv6 header. */
    uint16_t l4;       /* TCP, UDP, SCTP or ICMP header (first fragment). */
    uint16_t l4_len;   /* Bytes of the L4 header and payload present. */
    uint16_t eth_type; /* After at most one tag, host order. */
    uint8_t ip_proto;
    bool ipv4, ipv6;
};

/* Parses LEN bytes of FRAME that entered IN_PORT into *FIELDS and
 * *LAYOUT (either may be NULL).  A field the frame does not have in
 * full is left absent. */
void halsim_parse(const uint8_t *frame, size_t len, uint32_t in_port,
                  struct halsim_fields *fields, struct halsim_layout *layout);

/* The byte size of FIELD's values (enum nicflow_hal_field), 0 if unknown. */
unsigned halsim_field_bytes(uint16_t field);

/* Frame actions (sim-packet.c), used by halsim_process(). */

/* Inserts a tag of TPID and TCI (host order) at offset 12 of the LEN-byte
 * FRAME, which has ROOM bytes; returns the new length (LEN if the frame is
 * shorter than 12 bytes or there is no room). */
size_t halsim_vlan_push(uint8_t *frame, size_t len, size_t room, uint16_t tpid,
                        uint16_t tci);

/* Removes the outer 802.1Q/802.1ad tag of the LEN-byte FRAME, if it has
 * one; returns the new length. */
size_t halsim_vlan_pop(uint8_t *frame, size_t len);

/* Applies SET_FIELD action A to the LEN-byte FRAME: ETH_SRC/ETH_DST;
 * IPV4_SRC/IPV4_DST/IP_TOS/IP_TTL of an IPv4 frame with its header
 * checksum (and the TCP/UDP checksum for addresses) updated; L4_SRC/L4_DST
 * of TCP and UDP with their checksum updated.  A field the frame does not
 * have, or that is not modelled, is left alone. */
void halsim_set_field(uint8_t *frame, size_t len,
                      const struct nicflow_hal_action *a);

/* The most bytes a tunnel encapsulation adds: Ethernet with a tag, IPv6,
 * UDP and Geneve (GRE, VXLAN and IPv4 add less). */
#define HALSIM_ENCAP_MAX (18 + 40 + 8 + 8)

/* The most bytes halsim_process() may add to a frame: an ACL entry's VLAN
 * pushes and then an encapsulation.  (A routed or bridged frame gains at
 * most one tag; a decapsulated inner frame is shorter than the frame that
 * carried it by more than it can gain.) */
#define HALSIM_GROWTH (4 * NICFLOW_HAL_MAX_ACTIONS + HALSIM_ENCAP_MAX)

/* What became of a frame. */
enum halsim_verdict {
    HALSIM_HW,      /* An entry took it (forwarded, mirrored or dropped). */
    HALSIM_HOST,    /* A miss: the caller hands it to the host. */
    HALSIM_NO_PORT, /* CHIP_PORT is not a port of SIM: ignored. */
};

/* Runs the LEN-byte FRAME that entered CHIP_PORT through SIM at time
 * NOW_NS, in the order of hal.h's Model: port/VLAN filter, tunnel decap,
 * the ACL (policing, counting and the actions), L3, the FDB, else the
 * host.  FRAME has ROOM >= LEN + HALSIM_GROWTH bytes and is changed in
 * place only when the device takes it; a frame for the host (even one
 * whose decapsulated inner frame nothing took) is left as it came. */
enum halsim_verdict halsim_process(struct halsim *sim, uint32_t chip_port,
                                   uint8_t *frame, size_t len, size_t room,
                                   uint64_t now_ns);

#endif /* HALSIM_PIPELINE_H */
