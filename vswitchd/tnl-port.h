/* tnl-port.h: tunnel interfaces (types vxlan, geneve, gre) of nicflowd.
 *
 * A tunnel Interface is an OpenFlow port of its bridge, but not a device:
 * in the userspace datapath every tunnel interface of one type and UDP
 * port shares one tunnel vport ("vxlan_sys_4789", "genev_sys_6081",
 * "gre_sys", as Open vSwitch names them).  Translation sends a packet out
 * of a tunnel port by pushing the outer header built here (tnl_push) and
 * letting the underlay bridge's pipeline choose the physical port; an
 * underlay packet that reaches a bridge's own port addressed to one of its
 * addresses and to a listening tunnel port is decapsulated (tnl_pop), and
 * the inner packet comes back in on the vport, where its outer addresses
 * and key pick the interface (tnl_port_cfg_receives()).
 *
 * Options (Open vSwitch's names and defaults): remote_ip (an address or
 * "flow", required), local_ip (an address or "flow"), key, in_key, out_key
 * (a number or "flow"; key sets both), dst_port, tos ("inherit" or a
 * number), ttl ("inherit" or 1..255, default 64), df_default (default
 * true), csum, packet_type (only "legacy_l2", the default).
 *
 * Threads: the parse and build functions are pure; the vport registry and
 * tnl/ports/show belong to the main thread. */
#ifndef NICFLOW_VSWITCHD_TNL_PORT_H
#define NICFLOW_VSWITCHD_TNL_PORT_H 1

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/packet.h"

struct buf;
struct dpif;
struct flow;

/* What a tunnel interface's options say. */
struct tnl_port_cfg {
    uint32_t type;             /* ODP_TNL_TYPE_VXLAN/GENEVE/GRE. */
    uint16_t dst_port;         /* UDP destination port (0 for gre). */
    bool remote_flow;          /* remote_ip=flow: tun_dst says. */
    bool local_flow;           /* local_ip=flow: tun_src says. */
    bool has_local;            /* local_ip is a fixed address. */
    struct in6_addr remote_ip; /* IPv4-mapped for IPv4; unless flow. */
    struct in6_addr local_ip;  /* If has_local. */
    bool in_key_flow;          /* in_key=flow: any key is accepted. */
    bool out_key_flow;         /* out_key=flow: tun_id gives the key. */
    bool in_key_present, out_key_present; /* A fixed key was given. */
    uint64_t in_key, out_key;             /* Host order. */
    bool tos_inherit;                     /* tos=inherit: the inner IP ToS. */
    uint8_t tos;
    bool ttl_inherit;   /* ttl=inherit: the inner IP TTL. */
    uint8_t ttl;        /* Default 64. */
    bool dont_fragment; /* df_default (default true). */
    bool csum;          /* Outer UDP/GRE checksum (csum=true). */
    bool csum_set;      /* csum was given; else UDP over IPv6 has one. */
};

/* Returns the ODP_TNL_TYPE_* of interface type TYPE ("vxlan", "geneve",
 * "gre"), or 0 if it is no tunnel type. */
uint32_t tnl_port_type_from_name(const char *type);
/* The interface type name of ODP_TNL_TYPE_* TYPE. */
const char *tnl_port_type_name(uint32_t type);

/* Parses the options of interface NAME of tunnel type TYPE ("key=value,..."
 * as the Interface row holds them, keys sorted) into *CFG.  Returns 0, or
 * EINVAL with a message in *ERRP (caller frees) that names the interface
 * and the option, in Open vSwitch's words where it has some. */
int tnl_port_cfg_parse(const char *name, const char *type, const char *options,
                       struct tnl_port_cfg *cfg, char **errp);

/* Tells whether a packet that arrived with tunnel metadata TUN (its outer
 * source, destination and key) belongs to the interface CFG describes. */
bool tnl_port_cfg_receives(const struct tnl_port_cfg *cfg,
                           const struct pkt_tunnel *tun);

/* Appends the options dpif/show lists for a tunnel interface after its
 * type, e.g. "key=100, remote_ip=172.31.0.2" (sorted, defaults left
 * out). */
void tnl_port_cfg_format(const struct tnl_port_cfg *cfg, struct buf *out);

/* The tunnel metadata an output through CFG gives a packet whose current
 * tunnel fields (set_field tun_id, tun_dst, ...) are CUR and whose inner
 * IP ToS and TTL are INNER_TOS and INNER_TTL (0 if not IP). */
void tnl_port_cfg_output(const struct tnl_port_cfg *cfg,
                         const struct pkt_tunnel *cur, uint8_t inner_tos,
                         uint8_t inner_ttl, struct pkt_tunnel *out);

/* The outer header of a tnl_push: Ethernet from SRC_MAC to DST_MAC, then
 * IPv4 (TUN's ip_src, ip_dst, tos, ttl, DF) or, when TUN's ip_dst is 0,
 * IPv6 (ipv6_src, ipv6_dst, traffic class, hop limit), and UDP to DST_PORT
 * with the VXLAN or Geneve header, or GRE with the key when TUN says so.
 * Writes at most ODP_TNL_PUSH_HEADER_MAX bytes to HEADER and returns how
 * many, or 0 if TUN lacks an address or asks for GRE over IPv6 (interface
 * type ip6gre, not supported). */
size_t tnl_port_build_header(uint32_t type, uint16_t dst_port, bool csum,
                             const struct pkt_tunnel *tun,
                             const struct eth_addr *src_mac,
                             const struct eth_addr *dst_mac, uint8_t *header);

/* The shared datapath vports.  tnl_port_vport_ref() adds the vport of TYPE
 * and DST_PORT to DPIF on first use (or counts one more user) and returns
 * its datapath number in *ODP_PORT; 0, or a positive errno with a message
 * in *ERRP.  tnl_port_vport_unref() drops one use and deletes the vport
 * with the last. */
int tnl_port_vport_ref(struct dpif *dpif, uint32_t type, uint16_t dst_port,
                       uint32_t *odp_port, char **errp);
void tnl_port_vport_unref(struct dpif *dpif, uint32_t odp_port);

/* Looks up the vport with datapath number ODP_PORT: true with its type and
 * UDP port, false if ODP_PORT is no tunnel vport. */
bool tnl_port_vport_find(uint32_t odp_port, uint32_t *type,
                         uint16_t *dst_port);
/* Tells whether ODP_PORT is a tunnel vport. */
bool tnl_port_vport_is(uint32_t odp_port);
/* The vport listening for TYPE (and UDP DST_PORT unless gre): true with
 * its number in *ODP_PORT. */
bool tnl_port_vport_listening(uint32_t type, uint16_t dst_port,
                              uint32_t *odp_port);

/* Registers tnl/ports/show. */
void tnl_port_init(void);

#endif /* tnl-port.h */
