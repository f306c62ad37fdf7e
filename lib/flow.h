/* flow.h: the flow key: every header field nicflow can match on, extracted
 * from one packet.
 *
 * struct flow is the "exact" key of a packet.  Datapath flows (megaflows)
 * are a struct flow plus a mask of the same layout, so the struct is laid
 * out with no holes and a size that is a multiple of 8 bytes: two flows
 * can be compared with memcmp(), hashed as bytes, and masked word by word.
 * Padding members exist only to make that explicit and are always zero.
 *
 * Byte order: a field that exists on the wire is kept in network byte
 * order (marked be16/be32/be64), as it was in the frame, so extraction is
 * a copy and masks read like the wire.  Datapath metadata (in_port,
 * pkt_mark, recirc_id, dp_hash) is in host byte order.
 *
 * Field reuse (the Open vSwitch conventions, so the same names in
 * ovs-fields(7) mean the same thing here):
 *   - ARP/RARP:  nw_proto = low 8 bits of the opcode (0 if the opcode does
 *                not fit), nw_src/nw_dst = sender/target protocol address,
 *                arp_sha/arp_tha = sender/target hardware address.
 *   - ICMP and ICMPv6: tp_src = type, tp_dst = code (each as a be16).
 *   - ND (ICMPv6 135/136, code 0): nd_target = target address, arp_sha =
 *                source link-layer address option (NS), arp_tha = target
 *                link-layer address option (NA).
 *
 * Fields of layers the frame does not have, or that could not be parsed
 * safely, are zero. */
#ifndef NICFLOW_FLOW_H
#define NICFLOW_FLOW_H 1

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "packet.h"

/* dl_type of an 802.3 frame (length instead of EtherType) without an
 * LLC/SNAP header that names an EtherType.  The value is below
 * ETH_TYPE_MIN, so it never collides with a real EtherType. */
#define FLOW_DL_TYPE_NONE 0x05ff

/* Tags and labels that struct flow records.  A third VLAN tag is not
 * parsed: dl_type is then its TPID and nothing beyond it is extracted.
 * MPLS stacks deeper than three entries are walked to the bottom of the
 * stack, but only the top three entries are kept. */
#define FLOW_MAX_VLAN_HEADERS 2
#define FLOW_MAX_MPLS_LABELS 3

/* How many IPv6 extension headers flow_extract() walks before giving up on
 * the packet's upper layer.  A legitimate packet has at most about seven
 * (RFC 8200 4.1 order, with destination options twice); the bound keeps a
 * crafted chain of tiny headers from costing time per packet. */
#define FLOW_MAX_IPV6_EXT_HDRS 10

/* In flow_vlan.tci: the tag is present.  This is the bit the wire calls
 * CFI/DEI; a flow cannot represent the wire's DEI bit (as in Open vSwitch)
 * and uses it instead to tell "tag with VID 0, PCP 0" from "no tag". */
#define FLOW_VLAN_PRESENT VLAN_CFI

/* Bits of flow.nw_frag. */
#define FLOW_NW_FRAG_ANY 0x01   /* Any fragment (incl. the first). */
#define FLOW_NW_FRAG_LATER 0x02 /* A fragment other than the first. */
#define FLOW_NW_FRAG_MASK (FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER)

/* One 802.1Q / 802.1ad tag; all zero when absent. */
struct flow_vlan {
    uint16_t tpid; /* be16: 0x8100 or 0x88a8. */
    uint16_t tci;  /* be16: PCP, FLOW_VLAN_PRESENT, VID. */
};

struct flow {
    /* Metadata: from struct pkt, not from the frame.  (The tunnel is at
     * the end: its Geneve options' data, 256 bytes and all zero for most
     * packets, is last, so that the EMC, which skips what is not in use,
     * reads the rest of the flow as one block.) */
    uint32_t in_port;   /* odp port number. */
    uint32_t pkt_mark;  /* Packet mark. */
    uint32_t recirc_id; /* 0 on the first pass. */
    uint32_t dp_hash;   /* Set by the datapath hash action. */

    /* L2. */
    struct eth_addr dl_dst; /* Ethernet destination. */
    struct eth_addr dl_src; /* Ethernet source. */
    uint16_t dl_type;       /* be16: EtherType after any tags (or the
                                 * SNAP type, or FLOW_DL_TYPE_NONE). */
    uint16_t pad1;          /* Always zero. */
    struct flow_vlan vlans[FLOW_MAX_VLAN_HEADERS]; /* Outermost first. */
    uint32_t mpls_lse[FLOW_MAX_MPLS_LABELS]; /* be32: label stack entries,
                                              * top first; 0 if absent. */

    /* L3.  IPv4 addresses double as ARP protocol addresses. */
    uint32_t nw_src;           /* be32: IPv4 source / ARP SPA. */
    uint32_t nw_dst;           /* be32: IPv4 destination / ARP TPA. */
    uint32_t ipv6_label;       /* be32: IPv6 flow label (low 20 bits). */
    struct in6_addr ipv6_src;  /* IPv6 source. */
    struct in6_addr ipv6_dst;  /* IPv6 destination. */
    struct in6_addr nd_target; /* ND target address. */
    struct eth_addr arp_sha;   /* ARP SHA / ND source link-layer addr. */
    struct eth_addr arp_tha;   /* ARP THA / ND target link-layer addr. */
    uint8_t nw_proto;          /* IP upper-layer protocol / ARP opcode. */
    uint8_t nw_tos;            /* IPv4 ToS / IPv6 class: DSCP<<2 | ECN. */
    uint8_t nw_ttl;            /* IPv4 TTL / IPv6 hop limit. */
    uint8_t nw_frag;           /* FLOW_NW_FRAG_* bits. */

    /* L4. */
    uint16_t tp_src;    /* be16: TCP/UDP/SCTP port; ICMP type. */
    uint16_t tp_dst;    /* be16: TCP/UDP/SCTP port; ICMP code. */
    uint16_t tcp_flags; /* be16: TCP flag bits (TCP_FLAGS_MASK). */
    uint16_t pad2;      /* Always zero. */

    struct pkt_tunnel tunnel; /* Tunnel the packet arrived through. */
};

/* The flow's size in 64-bit words, for word-wise masking. */
#define FLOW_U64S (sizeof(struct flow) / sizeof(uint64_t))

/* flow_hash() and flow_equal() treat a flow as a plain byte array.  That is
 * only right if the compiler inserted no padding anywhere: the sum of the
 * members' sizes must be the struct's size. */
#define FLOW_MEMBERS_SIZE__                                           \
    (sizeof(struct pkt_tunnel) + 4 * sizeof(uint32_t)                 \
     + 2 * sizeof(struct eth_addr) + 2 * sizeof(uint16_t)             \
     + FLOW_MAX_VLAN_HEADERS * sizeof(struct flow_vlan)               \
     + FLOW_MAX_MPLS_LABELS * sizeof(uint32_t) + 3 * sizeof(uint32_t) \
     + 3 * sizeof(struct in6_addr) + 2 * sizeof(struct eth_addr)      \
     + 4 * sizeof(uint8_t) + 4 * sizeof(uint16_t))
_Static_assert(sizeof(struct flow) == FLOW_MEMBERS_SIZE__,
               "struct flow has holes");
_Static_assert(sizeof(struct flow) % 8 == 0,
               "struct flow must be a whole number of 64-bit words");
_Static_assert(offsetof(struct flow, tunnel) + sizeof(struct pkt_tunnel)
                   == sizeof(struct flow),
               "struct flow has tail padding");

/* Extracts the flow key of the frame in P into *FLOW and records where each
 * layer starts in P's offsets (see struct pkt).  Metadata (in_port, mark,
 * recirc_id, dp_hash, tunnel) is copied from P.
 *
 * Never reads outside P's frame and never fails: a frame that is short or
 * malformed yields the fields that could be read safely and zeros for the
 * rest (the header comment of each layer's parser in flow.c says exactly
 * what), and the event is counted in a coverage counter
 * (flow_extract_*). */
void flow_extract(struct pkt *p, struct flow *flow);

/* Returns a hash of all of FLOW, starting from BASIS. */
uint32_t flow_hash(const struct flow *flow, uint32_t basis);

/* True if A and B are the same flow (every byte). */
bool flow_equal(const struct flow *a, const struct flow *b);

/* Appends a readable "key=value,key=value" form of FLOW to B, using the
 * field names of ovs-fields(7) (in_port, dl_src, nw_src, tp_dst,
 * tcp_flags, ...).  Metadata is printed only when non-zero (in_port
 * always), L2 fields always, L3 and L4 fields only for the dl_type and
 * nw_proto that have them.  Two VLAN tags print as dl_vlan/dl_vlan_pcp
 * (outer) and dl_vlan1/dl_vlan_pcp1 (inner), with vlan_tpid/vlan_tpid1
 * when a TPID is not 0x8100. */
void flow_format(struct buf *b, const struct flow *flow);

/* The name of the first field of F, in struct flow's order, that has a
 * nonzero byte, or NULL if F is all zero: for an offload provider's
 * refusal of the mask bits it could not translate.  Names are the key
 * names of ovs-dpctl dump-flows where there is one ("eth_dst", "nw_src",
 * "arp_sha", "tcp_flags", ...); renaming by EtherType (nd_sll for arp_sha
 * in IPv6, say) is the caller's. */
const char *flow_first_nonzero_field(const struct flow *f);

/* Returns flow_format()'s text in a new string (caller frees). */
char *flow_to_string(const struct flow *flow);

/* Replaces P's frame with a well-formed frame whose flow key is FLOW:
 * Ethernet (Ethernet II, or 802.3 + LLC for FLOW_DL_TYPE_NONE), up to two
 * VLAN tags, MPLS, ARP/RARP, IPv4 (with a valid header checksum) or IPv6
 * (with a fragment header when FLOW is a fragment), and TCP, UDP, SCTP,
 * ICMP or ICMPv6 (ND with SLL/TLL options) with valid lengths and
 * checksums, followed by PAYLOAD_LEN bytes of filler (after an ND message,
 * rounded up to whole 8-byte units and carried in ND options of the
 * experimental type 253, since plain bytes there would be read as
 * malformed options).  P's metadata is set from FLOW's and its offsets are
 * cleared (flow_extract() sets them).
 *
 * For every flow that flow_extract() produces from a well-formed frame,
 * flow_extract() on the composed frame gives FLOW back; the fuzz target
 * checks this for every flow it extracts that flow_compose() accepts,
 * whatever frame it came from.  Frames shorter
 * than 60 bytes are not padded.  An MPLS stack with no bottom-of-stack
 * entry among the three gets a fourth (label 0, BoS) so that it ends.
 *
 * Returns 0, or EINVAL (P unchanged) if FLOW cannot come from a
 * well-formed frame or does not fit one: a dl_type below ETH_TYPE_MIN
 * other than FLOW_DL_TYPE_NONE, an IPv6 nw_proto that is an extension
 * header number, nw_frag set without an IP dl_type, a VLAN TPID as dl_type
 * with fewer than two tags present, a VLAN tag without
 * FLOW_VLAN_PRESENT or with a TPID other than 0x8100/0x88a8, an inner tag
 * without an outer one, or PAYLOAD_LEN above 65407 (so that every length
 * field fits in 16 bits). */
int flow_compose(struct pkt *p, const struct flow *flow, size_t payload_len);

#endif /* NICFLOW_FLOW_H */
