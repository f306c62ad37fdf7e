/* packet.h: packet buffers and the wire formats of the headers nicflow
 * parses and builds.
 *
 * A struct pkt owns one heap allocation that holds the frame between some
 * headroom and some tailroom:
 *
 *     base                 data                      data + size
 *      |<---- headroom ---->|<-------- frame -------->|<-- tailroom -->|
 *
 * Headroom lets a datapath push a VLAN tag, an MPLS label or a whole tunnel
 * header in front of the frame without copying it; the buffer is only
 * reallocated when the headroom (or tailroom) runs out, so pointers into the
 * frame are valid only until the next push or put.
 *
 * flow_extract() (flow.h) records where each layer starts, as offsets from
 * DATA, so later stages (actions, checksum updates, upcalls) need not parse
 * the frame again.  An offset of PKT_OFS_NONE means "not present".  Pushes
 * and pulls keep the recorded offsets pointing at the same bytes.
 *
 * Byte order: every header field and every wire value held in a struct pkt
 * (tunnel addresses, ports, tunnel id) is in network byte order, named by a
 * be16/be32/be64 comment where the type alone does not say so; datapath
 * metadata (in_port, mark, recirc_id, dp_hash) is in host byte order.
 *
 * Not thread-safe: one thread owns a packet at a time. */
#ifndef NICFLOW_PACKET_H
#define NICFLOW_PACKET_H 1

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Compile-time byte swapping, usable in static initializers (the libc
 * htons() is a function call when not optimising). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PKT_HTONS(x) ((uint16_t) __builtin_bswap16((uint16_t) (x)))
#define PKT_HTONL(x) ((uint32_t) __builtin_bswap32((uint32_t) (x)))
#define PKT_HTONLL(x) ((uint64_t) __builtin_bswap64((uint64_t) (x)))
#else
#define PKT_HTONS(x) ((uint16_t) (x))
#define PKT_HTONL(x) ((uint32_t) (x))
#define PKT_HTONLL(x) ((uint64_t) (x))
#endif
#define PKT_NTOHS(x) PKT_HTONS(x)
#define PKT_NTOHL(x) PKT_HTONL(x)
#define PKT_NTOHLL(x) PKT_HTONLL(x)

/* ---------------------------------------------------------------------
 * Wire formats.
 *
 * The header structs are packed: a header can sit at any alignment inside a
 * frame (IPv4 follows a 14-byte Ethernet header), and packed members are
 * read with unaligned loads instead of undefined behaviour.
 * --------------------------------------------------------------------- */

#define ETH_ADDR_LEN 6

/* An Ethernet (MAC) address, as on the wire. */
struct eth_addr {
    uint8_t ea[ETH_ADDR_LEN];
};

#define ETH_ADDR_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define ETH_ADDR_ARGS(A) \
    (A).ea[0], (A).ea[1], (A).ea[2], (A).ea[3], (A).ea[4], (A).ea[5]

/* EtherType values (IEEE registry).  Values below ETH_TYPE_MIN in the type
 * position are 802.3 lengths, not types. */
#define ETH_TYPE_MIN 0x0600
#define ETH_TYPE_IP 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_RARP 0x8035
#define ETH_TYPE_VLAN_8021Q 0x8100
#define ETH_TYPE_VLAN_8021AD 0x88a8
#define ETH_TYPE_IPV6 0x86dd
#define ETH_TYPE_MPLS 0x8847
#define ETH_TYPE_MPLS_MCAST 0x8848

#define ETH_HEADER_LEN 14
#define ETH_TOTAL_MIN 60 /* Shortest frame on the wire, no FCS. */

struct pkt_eth_hdr {
    struct eth_addr dst;
    struct eth_addr src;
    uint16_t type; /* be16: EtherType, or 802.3 length. */
} __attribute__((packed));

/* An 802.1Q/802.1ad tag as it follows the two MAC addresses: the TPID sits
 * where the EtherType would be, then the TCI.  The tag's own "next type" is
 * the following 16 bits. */
struct pkt_vlan_hdr {
    uint16_t tpid; /* be16: 0x8100 or 0x88a8. */
    uint16_t tci;  /* be16: PCP(3) DEI(1) VID(12). */
} __attribute__((packed));
#define VLAN_HEADER_LEN 4

#define VLAN_VID_MASK 0x0fff
#define VLAN_CFI 0x1000 /* DEI on the wire; "present" in a flow. */
#define VLAN_PCP_MASK 0xe000
#define VLAN_PCP_SHIFT 13

/* 802.2 LLC followed by a SNAP header (RFC 1042 encapsulation). */
struct pkt_llc_snap_hdr {
    uint8_t dsap;    /* LLC_SAP_SNAP for SNAP. */
    uint8_t ssap;    /* LLC_SAP_SNAP for SNAP. */
    uint8_t control; /* LLC_CONTROL_UI for SNAP. */
    uint8_t oui[3];  /* 00:00:00 means "EtherType follows". */
    uint16_t type;   /* be16: EtherType. */
} __attribute__((packed));
#define LLC_HEADER_LEN 3
#define LLC_SAP_SNAP 0xaa
#define LLC_CONTROL_UI 0x03

/* An MPLS label stack entry (RFC 3032), one be32 word. */
#define MPLS_HEADER_LEN 4
#define MPLS_LSE_LABEL_MASK 0xfffff000u
#define MPLS_LSE_LABEL_SHIFT 12
#define MPLS_LSE_TC_MASK 0x00000e00u
#define MPLS_LSE_TC_SHIFT 9
#define MPLS_LSE_BOS 0x00000100u
#define MPLS_LSE_TTL_MASK 0x000000ffu

/* ARP for Ethernet hardware and IPv4 protocol addresses (RFC 826). */
struct pkt_arp_hdr {
    uint16_t hrd; /* be16: ARP_HRD_ETHERNET. */
    uint16_t pro; /* be16: ETH_TYPE_IP. */
    uint8_t hln;  /* ETH_ADDR_LEN. */
    uint8_t pln;  /* 4. */
    uint16_t op;  /* be16: ARP_OP_*. */
    struct eth_addr sha;
    uint32_t spa; /* be32. */
    struct eth_addr tha;
    uint32_t tpa; /* be32. */
} __attribute__((packed));
#define ARP_HEADER_LEN 28
#define ARP_HRD_ETHERNET 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

struct pkt_ipv4_hdr {
    uint8_t ver_ihl;   /* Version (4) << 4 | header words. */
    uint8_t tos;       /* DSCP << 2 | ECN. */
    uint16_t tot_len;  /* be16: header + payload bytes. */
    uint16_t id;       /* be16. */
    uint16_t frag_off; /* be16: flags and offset, see IPV4_*. */
    uint8_t ttl;
    uint8_t proto;
    uint16_t csum; /* be16. */
    uint32_t src;  /* be32. */
    uint32_t dst;  /* be32. */
} __attribute__((packed));
#define IPV4_HEADER_LEN 20
#define IPV4_DF 0x4000            /* frag_off: don't fragment. */
#define IPV4_MF 0x2000            /* frag_off: more fragments. */
#define IPV4_FRAG_OFF_MASK 0x1fff /* frag_off: offset, 8-byte units. */

struct pkt_ipv6_hdr {
    uint32_t vtc_flow;    /* be32: version(4) class(8) label(20). */
    uint16_t payload_len; /* be16: bytes after this header. */
    uint8_t next;         /* Next header. */
    uint8_t hop_limit;
    struct in6_addr src;
    struct in6_addr dst;
} __attribute__((packed));
#define IPV6_HEADER_LEN 40
#define IPV6_LABEL_MASK 0x000fffffu

/* The IPv6 fragment extension header (RFC 8200 4.5). */
struct pkt_ipv6_frag_hdr {
    uint8_t next;
    uint8_t reserved;
    uint16_t off_flags; /* be16: offset << 3 | M flag. */
    uint32_t id;        /* be32. */
} __attribute__((packed));
#define IPV6_FRAG_HEADER_LEN 8
#define IPV6_FRAG_OFF_MASK 0xfff8
#define IPV6_FRAG_MORE 0x0001

struct pkt_tcp_hdr {
    uint16_t src;    /* be16. */
    uint16_t dst;    /* be16. */
    uint32_t seq;    /* be32. */
    uint32_t ack;    /* be32. */
    uint16_t ctl;    /* be16: data offset(4) reserved(3) flags(9). */
    uint16_t window; /* be16. */
    uint16_t csum;   /* be16. */
    uint16_t urg;    /* be16. */
} __attribute__((packed));
#define TCP_HEADER_LEN 20
#define TCP_FLAGS_MASK 0x0fff /* Of ctl: the flag bits (incl. NS). */
#define TCP_FIN 0x001
#define TCP_SYN 0x002
#define TCP_RST 0x004
#define TCP_PSH 0x008
#define TCP_ACK 0x010
#define TCP_URG 0x020
#define TCP_ECE 0x040
#define TCP_CWR 0x080
#define TCP_NS 0x100

struct pkt_udp_hdr {
    uint16_t src;  /* be16. */
    uint16_t dst;  /* be16. */
    uint16_t len;  /* be16: header + payload. */
    uint16_t csum; /* be16. */
} __attribute__((packed));
#define UDP_HEADER_LEN 8

/* The SCTP common header (RFC 9260 3.1). */
struct pkt_sctp_hdr {
    uint16_t src;  /* be16. */
    uint16_t dst;  /* be16. */
    uint32_t vtag; /* be32. */
    uint32_t csum; /* CRC32c, little-endian on the wire. */
} __attribute__((packed));
#define SCTP_HEADER_LEN 12

/* ICMP (RFC 792) and ICMPv6 (RFC 4443) share the first four bytes.  ICMP
 * messages always carry four more ("rest of header"). */
struct pkt_icmp_hdr {
    uint8_t type;
    uint8_t code;
    uint16_t csum; /* be16. */
    uint32_t rest; /* be32: depends on the type. */
} __attribute__((packed));
#define ICMP_HEADER_LEN 8
#define ICMPV6_HEADER_LEN 4
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8
#define ICMPV6_ECHO_REQUEST 128
#define ICMPV6_ECHO_REPLY 129

/* Neighbour Solicitation / Advertisement (RFC 4861 4.3, 4.4). */
struct pkt_nd_hdr {
    uint8_t type;   /* ND_NEIGHBOR_SOLICIT or _ADVERT. */
    uint8_t code;   /* 0. */
    uint16_t csum;  /* be16. */
    uint32_t flags; /* be32: R S O flags (NA), else reserved. */
    struct in6_addr target;
} __attribute__((packed));
#define ND_HEADER_LEN 24
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136

/* An ND option: type, length in 8-byte units (including these two bytes),
 * then data.  Link-layer address options on Ethernet are one unit long. */
struct pkt_nd_opt {
    uint8_t type;
    uint8_t len;
} __attribute__((packed));
#define ND_OPT_UNIT 8
#define ND_OPT_SOURCE_LINKADDR 1
#define ND_OPT_TARGET_LINKADDR 2
#define ND_OPT_EXPERIMENTAL 253 /* RFC 4727. */

_Static_assert(sizeof(struct pkt_eth_hdr) == ETH_HEADER_LEN, "eth size");
_Static_assert(sizeof(struct pkt_llc_snap_hdr) == 8, "llc/snap size");
_Static_assert(sizeof(struct pkt_arp_hdr) == ARP_HEADER_LEN, "arp size");
_Static_assert(sizeof(struct pkt_ipv4_hdr) == IPV4_HEADER_LEN, "ip size");
_Static_assert(sizeof(struct pkt_ipv6_hdr) == IPV6_HEADER_LEN, "ipv6 size");
_Static_assert(sizeof(struct pkt_tcp_hdr) == TCP_HEADER_LEN, "tcp size");
_Static_assert(sizeof(struct pkt_nd_hdr) == ND_HEADER_LEN, "nd size");

/* ---------------------------------------------------------------------
 * Packet buffers.
 * --------------------------------------------------------------------- */

/* Room reserved in front of a frame by pkt_from_data(): enough for an outer
 * Ethernet + IPv6 + UDP + VXLAN/Geneve header (70 bytes) plus tags. */
#define PKT_DEFAULT_HEADROOM 128

/* "No such layer" in the offset members of struct pkt. */
#define PKT_OFS_NONE UINT16_MAX

/* Bits of pkt_tunnel.flags. */
#define PKT_TUN_F_DONT_FRAGMENT 0x0001 /* Outer IPv4 had DF set. */
#define PKT_TUN_F_CSUM 0x0002          /* Outer UDP/GRE had a checksum. */
#define PKT_TUN_F_KEY 0x0004           /* tun_id came from the header. */
#define PKT_TUN_F_OAM 0x0008           /* Geneve/VXLAN-GPE OAM frame. */

/* Most bytes of Geneve options one header can carry (a 6-bit count of
 * 4-byte words). */
#define PKT_TUN_OPTS_MAX 252

/* Geneve options of a tunnel (Open vSwitch's tun_metadata), in one of two
 * forms:
 *   - datapath form (struct pkt, and struct flow in the datapath and in
 *     datapath flow keys): LEN bytes of raw options as on the wire (TLVs:
 *     be16 class, u8 type, u8 flags + length in 4-byte words, data), the
 *     rest of DATA zero, PRESENT zero.  A mask in this form has LEN 0xff
 *     when the options are matched at all, and the masked bytes in DATA.
 *   - OpenFlow form (the keys of the OpenFlow classifier, vswitchd's
 *     ofproto-tlv.h): LEN zero, PRESENT bit N set when tun_metadataN is
 *     there, DATA holds one 4-byte slot per field (see ofproto-tlv.h).
 * Kept inside struct pkt_tunnel so that every consumer that refuses
 * tunnel bits it does not understand refuses options too. */
struct pkt_tun_opts {
    uint64_t present; /* OpenFlow form only: tun_metadataN bits. */
    uint8_t len;      /* Datapath form: bytes of DATA used (multiple of 4). */
    uint8_t pad[7];   /* Zero, but for pad[0] in the OpenFlow form of a
                       * rule that matches no packet (ofproto-tlv.h). */
    uint8_t data[256];
};

/* Metadata of the tunnel a packet arrived through (filled in by tunnel
 * decapsulation) or should leave through (set by the set(tunnel) action).
 * All zero means "no tunnel".  The layout has no holes, so struct flow can
 * embed it and still be compared with memcmp(). */
struct pkt_tunnel {
    uint32_t ip_src;          /* be32: outer IPv4 source, or 0. */
    uint32_t ip_dst;          /* be32: outer IPv4 destination, or 0. */
    struct in6_addr ipv6_src; /* Outer IPv6 source, or all zero. */
    struct in6_addr ipv6_dst; /* Outer IPv6 destination, or all zero. */
    uint64_t tun_id;          /* be64: VNI / GRE key, right-aligned. */
    uint16_t flags;           /* PKT_TUN_F_*, host byte order. */
    uint8_t tos;              /* Outer ToS / traffic class. */
    uint8_t ttl;              /* Outer TTL / hop limit. */
    uint16_t tp_src;          /* be16: outer UDP source port, or 0. */
    uint16_t tp_dst;          /* be16: outer UDP destination port, or 0. */
    struct pkt_tun_opts opts; /* Geneve options (tun_metadata). */
};
_Static_assert(sizeof(struct pkt_tun_opts) == 272, "pkt_tun_opts has holes");
_Static_assert(sizeof(struct pkt_tunnel) == 56 + 272, "pkt_tunnel has holes");

struct pkt {
    uint8_t *base;    /* Start of the allocation (owned). */
    size_t allocated; /* Bytes at BASE. */
    uint8_t *data;    /* First byte of the frame. */
    size_t size;      /* Bytes of frame at DATA. */

    /* Layer offsets from DATA, set by flow_extract(); PKT_OFS_NONE when
     * the layer is absent or was not parsed.
     *
     * l2_ofs:      Ethernet header (0 when the frame has a whole one).
     * l2_5_ofs:    first MPLS label stack entry if the frame has MPLS,
     *              otherwise the first 802.1Q/802.1ad tag (its TPID,
     *              always 12), otherwise none.
     * l3_ofs:      whatever follows the L2 (and MPLS) headers: the IPv4,
     *              IPv6 or ARP header, or the payload of an unknown
     *              EtherType.
     * l4_ofs:      the TCP/UDP/SCTP/ICMP/ICMPv6 (or other upper-layer)
     *              header of a well-formed IP packet that is not a later
     *              fragment.
     * payload_ofs: the first byte after a well-formed TCP/UDP/SCTP/ICMP/
     *              ICMPv6 header. */
    uint16_t l2_ofs;
    uint16_t l2_5_ofs;
    uint16_t l3_ofs;
    uint16_t l4_ofs;
    uint16_t payload_ofs;

    /* Datapath metadata, host byte order. */
    uint32_t in_port;         /* odp port the packet arrived on. */
    uint32_t mark;            /* skb mark ("pkt_mark"). */
    uint32_t recirc_id;       /* 0 on first pass, else recirculation id. */
    uint32_t dp_hash;         /* Set by the hash action; 0 when unset. */
    uint32_t hw_mark;         /* The flow mark a NIC's rule set on it
                               * (partial offload), 0: none. */
    struct pkt_tunnel tunnel; /* All zero when not tunnelled. */
};

/* Returns a new packet with room for SIZE bytes of frame after HEADROOM
 * bytes of headroom.  The frame is empty (size 0), offsets and metadata
 * are cleared.  Never returns NULL.  Free with pkt_delete(). */
struct pkt *pkt_new(size_t size, size_t headroom);

/* Returns a new packet holding a copy of the SIZE bytes at DATA, with
 * PKT_DEFAULT_HEADROOM of headroom and no tailroom, offsets absent and
 * metadata zero.  Because there is no tailroom, a parser reading past the
 * end of such a frame is caught by AddressSanitizer; tests and fuzz targets
 * rely on this. */
struct pkt *pkt_from_data(const void *data, size_t size);

/* Returns a deep copy of P: frame, headroom size, offsets and metadata. */
struct pkt *pkt_clone(const struct pkt *p);

/* Frees P and its buffer.  P may be NULL. */
void pkt_delete(struct pkt *p);

static inline size_t
pkt_headroom(const struct pkt *p)
{
    return (size_t) (p->data - p->base);
}

static inline size_t
pkt_tailroom(const struct pkt *p)
{
    return p->allocated - pkt_headroom(p) - p->size;
}

/* Empties the frame (keeping the current headroom) and marks every offset
 * absent.  Metadata is kept. */
void pkt_clear(struct pkt *p);

/* Marks every layer offset absent (metadata is kept). */
void pkt_reset_offsets(struct pkt *p);

/* Makes sure at least N bytes of headroom / tailroom exist, reallocating
 * the buffer if not.  Invalidates pointers into the frame when it
 * reallocates. */
void pkt_prealloc_headroom(struct pkt *p, size_t n);
void pkt_prealloc_tailroom(struct pkt *p, size_t n);

/* Prepends N bytes to the frame and returns a pointer to them (the new
 * DATA).  Their content is undefined; pkt_push() copies SRC into them.
 * Grows the headroom if needed.  Present layer offsets move by N so they
 * keep naming the same bytes (an offset that would exceed the 16-bit range
 * becomes absent); the caller sets offsets for the new bytes itself. */
void *pkt_push_uninit(struct pkt *p, size_t n);
void *pkt_push(struct pkt *p, const void *src, size_t n);

/* Removes the first N bytes of the frame, returning a pointer to them
 * (valid until the next push into the headroom), or NULL, changing nothing,
 * if the frame is shorter than N.  Present offsets move back by N; offsets
 * that named the removed bytes become absent. */
void *pkt_pull(struct pkt *p, size_t n);

/* Appends N bytes at the end of the frame and returns a pointer to them:
 * uninitialised, zeroed, or copied from SRC.  Grows the tailroom if needed.
 * Offsets are unchanged. */
void *pkt_put_uninit(struct pkt *p, size_t n);
void *pkt_put_zeros(struct pkt *p, size_t n);
void *pkt_put(struct pkt *p, const void *src, size_t n);

/* Cuts the frame down to its first SIZE bytes (no-op if it is not longer).
 * Offsets beyond the new end become absent. */
void pkt_truncate(struct pkt *p, size_t size);

/* Layer accessors: a pointer to the layer's first byte, or NULL if its
 * offset is absent or lies beyond the end of the frame.  The *_size()
 * functions return the bytes from there to the end of the frame (0 when
 * absent). */
void *pkt_l2(const struct pkt *p);
void *pkt_l2_5(const struct pkt *p);
void *pkt_l3(const struct pkt *p);
void *pkt_l4(const struct pkt *p);
void *pkt_payload(const struct pkt *p);
size_t pkt_l3_size(const struct pkt *p);
size_t pkt_l4_size(const struct pkt *p);
size_t pkt_payload_size(const struct pkt *p);

/* Inserts an 802.1Q/802.1ad tag (TPID and TCI in network byte order, the
 * TCI exactly as it goes on the wire: a caller holding a flow-style TCI
 * clears VLAN_CFI first) right after the two MAC addresses, so the new tag
 * becomes the outermost one.  Uses headroom, so the frame is not copied
 * when there is room.  Offsets behind the MAC addresses move by 4 and
 * l2_5_ofs names the new tag unless it names an MPLS label.
 *
 * Returns 0, or EINVAL (frame shorter than an Ethernet header; nothing is
 * changed). */
int pkt_push_vlan(struct pkt *p, uint16_t tpid, uint16_t tci);

/* Removes the outermost 802.1Q/802.1ad tag.  Offsets behind it move back by
 * 4; l2_5_ofs names the next tag if one follows, otherwise the MPLS label it
 * named, otherwise nothing.
 *
 * Returns 0, or ENOENT if the frame has no tag (type at bytes 12-13 is not
 * 0x8100 or 0x88a8, or the frame is too short to hold the tag and the type
 * after it: the same rule as flow_extract()); nothing is changed then.  The removed TCI is not returned: read it first with
 * pkt_l2_5() or from the flow. */
int pkt_pop_vlan(struct pkt *p);

/* Big-endian (network order) integers at unaligned P: read, or write V
 * (the writers return the byte after the ones written). */
static inline uint16_t
pkt_get_be16(const void *p_)
{
    const uint8_t *p = p_;
    return (uint16_t) (p[0] << 8 | p[1]);
}

static inline uint32_t
pkt_get_be32(const void *p_)
{
    const uint8_t *p = p_;
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8
           | p[3];
}

static inline uint8_t *
pkt_put_be16(void *p_, uint16_t v)
{
    uint8_t *p = p_;
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
    return p + 2;
}

static inline uint8_t *
pkt_put_be32(void *p_, uint32_t v)
{
    return pkt_put_be16(pkt_put_be16(p_, (uint16_t) (v >> 16)), (uint16_t) v);
}

/* The Internet checksum (RFC 1071).  pkt_csum_add() adds N bytes at P to
 * the running 32-bit SUM (start at 0; N may be odd only for the last
 * piece); pkt_csum_finish() folds and complements it into the be16 value
 * to store in a header. */
uint32_t pkt_csum_add(uint32_t sum, const void *p, size_t n);
uint16_t pkt_csum_finish(uint32_t sum);

/* Returns the running sum of an IPv4 / IPv6 pseudo-header (RFC 793, RFC
 * 8200 8.1) for an upper-layer packet of L4_LEN bytes and protocol PROTO;
 * addresses in network byte order. */
uint32_t pkt_csum_pseudo_ipv4(uint32_t src, uint32_t dst, uint8_t proto,
                              size_t l4_len);
uint32_t pkt_csum_pseudo_ipv6(const struct in6_addr *src,
                              const struct in6_addr *dst, uint8_t proto,
                              size_t l4_len);

#endif /* NICFLOW_PACKET_H */
