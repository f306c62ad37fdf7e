/* sim-model.h: the inside of the simulated eswitch's model, shared by the
 * model's own files (sim-pipeline.c, sim-tables.c, sim-tunnel.c) and by
 * nothing else: the plugin, the unit test and the fuzz target see only
 * sim-pipeline.h.  It exists because the device's tables are split over
 * several files so that each stays readable. */
#ifndef HALSIM_MODEL_H
#define HALSIM_MODEL_H 1

#include "offload/hal-sim/sim-pipeline.h"

#define HALSIM_BIT(N) (1u << (N))

/* One match of an ACL entry, its value already under its mask. */
struct sim_match {
    uint16_t field;
    uint8_t value[NICFLOW_HAL_VALUE_MAX];
    uint8_t mask[NICFLOW_HAL_VALUE_MAX];
};

struct sim_entry {
    struct sim_entry *hnext; /* In sim->buckets, by id. */
    uint64_t id, seq;        /* Seq: the order entries were first added. */
    uint32_t priority;
    uint32_t port; /* Chip port whose rules_per_port it uses, or 0. */
    uint32_t n_matches, n_actions;
    struct sim_match matches[NICFLOW_HAL_MAX_MATCHES];
    struct nicflow_hal_action actions[NICFLOW_HAL_MAX_ACTIONS];
};

/* Port/VLAN membership of a port: VLANS[vid] is 0 for none, else
 * SIM_PV_MEMBER | NICFLOW_HAL_PV_* flags; allocated on the port's first
 * membership so that ports without any cost nothing. */
#define SIM_PV_MEMBER 0x80

struct sim_port {
    char name[NICFLOW_HAL_NAME_MAX];
    uint32_t n_rules; /* Entries counting against rules_per_port. */
    struct nicflow_hal_port_stats stats;
    uint8_t *vlans;   /* 4096 bytes, or NULL: no membership. */
    uint32_t n_vlans; /* Memberships the port holds. */
    uint16_t pvid;    /* 0: none. */
};

struct sim_counter {
    bool used;
    struct nicflow_hal_counter value;
};

/* A token bucket; tokens in thousandths of a bit (or of a packet). */
struct sim_meter {
    bool used;
    struct nicflow_hal_meter conf;
    uint64_t tokens, last_ns;
};

struct sim_nexthop {
    bool used;
    struct nicflow_hal_nexthop nh;
};

struct sim_encap {
    bool used;
    struct nicflow_hal_tunnel_encap encap;
};

struct halsim {
    struct halsim_profile prof;
    struct halsim_sizes sizes;
    char device[NICFLOW_HAL_NAME_MAX];
    size_t n_ports;
    struct sim_port *ports; /* ports[i] is chip port i + 1. */
    halsim_send_fn *send;
    void *send_aux;
    uint32_t template_fields;     /* 1 << field, of the one key template. */
    struct nicflow_hal_caps caps; /* Computed once: they never change. */

    /* ACL: by priority (highest first, then by seq) for lookup, and by id
     * in a hash table of N_BUCKETS (a power of 2) chains. */
    struct sim_entry **order;
    size_t n_entries, order_alloc;
    struct sim_entry **buckets;
    size_t n_buckets;
    uint64_t next_seq;

    /* Counters and meters, grown on demand up to the caps' sizes so that a
     * large profile costs nothing until it is used. */
    struct sim_counter *counters;
    size_t n_counters;
    struct sim_meter *meters;
    size_t n_meters;

    /* The other tables (sim-tables.c).  Id-indexed tables grow on demand
     * up to their sizes; the rest are arrays scanned linearly. */
    uint32_t n_port_vlans; /* Memberships over all ports. */
    struct nicflow_hal_fdb_entry *fdb;
    size_t n_fdb;
    uint8_t router_mac[6];
    struct sim_nexthop *nexthops;
    size_t n_nexthops;
    struct nicflow_hal_route *routes; /* Host entries and routes. */
    size_t n_routes, routes_alloc;
    uint32_t n_l3_hosts, n_l3_routes;
    struct sim_encap *encaps;
    size_t n_encaps;
    struct nicflow_hal_tunnel_decap *decaps;
    size_t n_decaps;

    /* Where a decapsulated inner frame is processed, so that the outer
     * frame stays as it came for the host (grown on demand). */
    uint8_t *scratch;
    size_t scratch_size;
};

/* Writes a message into ERR, if there is room. */
void halsim_msg(char *err, size_t err_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sends the frame out of CHIP_PORT and counts it there if it went. */
void halsim_output(struct halsim *sim, uint32_t chip_port,
                   const uint8_t *frame, size_t len);

/* Fills the caps of the tables of sim-tables.c into CAPS, whose profile
 * part is filled. */
void halsim_tables_caps(const struct halsim *sim,
                        struct nicflow_hal_caps *caps);

/* Frees what sim-tables.c allocated. */
void halsim_tables_free(struct halsim *sim);

/* Whether any ACL entry encapsulates with ID (sim-pipeline.c). */
bool halsim_acl_uses_encap(const struct halsim *sim, uint32_t id);

/* Port/VLAN step: whether a frame with fields F entering CHIP_PORT passes
 * the port's ingress filter; *VID gets the VLAN it belongs to (the tag's,
 * else the port's PVID, else 0). */
bool halsim_vlan_ingress(const struct halsim *sim, uint32_t chip_port,
                         const struct halsim_fields *f, uint16_t *vid);

/* The membership flags (SIM_PV_MEMBER | NICFLOW_HAL_PV_*) of CHIP_PORT in
 * VID; 0 if none; -1 if the port has no membership at all. */
int halsim_port_vlan_flags(const struct halsim *sim, uint32_t chip_port,
                           uint16_t vid);

/* The FDB's chip port for (VID, MAC), or 0. */
uint32_t halsim_fdb_lookup(const struct halsim *sim, uint16_t vid,
                           const uint8_t mac[6]);

/* The next hop of the longest host entry or route of FAMILY (4 or 6)
 * holding ADDR, or NULL. */
const struct nicflow_hal_nexthop *halsim_route_lookup(const struct halsim *sim,
                                                      uint8_t family,
                                                      const uint8_t *addr);

/* Tunnels (sim-tunnel.c).  Looks the LEN-byte FRAME (parsed into F and L)
 * up in the decap table; on a match returns true with the inner frame's
 * offset and length and the entry's tunnel port. */
bool halsim_decap_match(const struct halsim *sim, const uint8_t *frame,
                        size_t len, const struct halsim_fields *f,
                        const struct halsim_layout *l, size_t *inner_off,
                        size_t *inner_len, uint32_t *tunnel_port);

/* Encapsulates the LEN-byte inner frame at FRAME (ROOM bytes of buffer)
 * as E says; returns the new length, or 0 if the result would not fit
 * the buffer or the outer headers' length fields (the frame is then
 * dropped). */
size_t halsim_encap(uint8_t *frame, size_t len, size_t room,
                    const struct nicflow_hal_tunnel_encap *e);

/* L3 rewrite of a routed frame (sim-packet.c): MACs and VLAN from NH, the
 * TTL or hop limit minus one (the IPv4 checksum updated).  Returns the new
 * length. */
size_t halsim_route_rewrite(uint8_t *frame, size_t len, size_t room,
                            const struct halsim_layout *l,
                            const struct nicflow_hal_nexthop *nh);

#endif /* HALSIM_MODEL_H */
