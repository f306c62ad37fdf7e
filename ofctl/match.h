/* match.h: OpenFlow match fields and matches.
 *
 * Prefix: every symbol of the ofctl library starts with "of_" followed by
 * its concept: of_field_* (the field table and field values), of_match_*
 * (matches), of_act_* and of_acts_* (actions, actions.h), of_flow_* (flow
 * lines, flow-text.h).
 *
 * A match is "a struct flow plus a mask of the same layout", exactly the
 * shape the datapath classifies packets with, plus the same pair for the
 * OpenFlow pipeline fields that struct flow (lib/flow.h) does not carry
 * (struct of_meta: metadata, registers, conntrack state, ...) and the
 * Geneve tunnel metadata (struct of_tun_md).  A mask bit of 1 means "this
 * bit must match"; value bits under a 0 mask bit are always 0, so two
 * matches are equal exactly when their bytes are equal.
 *
 * Field semantics, names, widths and prerequisites are those of
 * ovs-fields(7).  Inside a match, struct flow fields keep lib/flow.h's
 * byte orders, with one difference: flow.in_port holds an OpenFlow port
 * number (OpenFlow 1.0 numbering, see OF_PORT_*), not an odp port.
 *
 * The field table (field-table.c) is declarative: one row per field, with
 * its names, width, maskability, prerequisite, access, value format, where
 * it lives in a match, and its OXM and NXM code points for the wire codec.
 * Everything else (parsing, printing, setting, checking prerequisites) is
 * driven by the rows. */
#ifndef NICFLOW_OFCTL_MATCH_H
#define NICFLOW_OFCTL_MATCH_H 1

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/flow.h"

/* ---------------------------------------------------------------------
 * OpenFlow port numbers, as held in a match and in actions: OpenFlow 1.0
 * numbering (16 bits).  The wire codec maps OpenFlow 1.1+ 32-bit numbers
 * 0xffffff00..0xffffffff onto 0xff00..0xffff and back.
 * --------------------------------------------------------------------- */
#define OF_PORT_MAX 0xff00   /* Highest physical port + 1. */
#define OF_PORT_UNSET 0xfff7 /* actset_output: no output in set. */
#define OF_PORT_IN_PORT 0xfff8
#define OF_PORT_TABLE 0xfff9
#define OF_PORT_NORMAL 0xfffa
#define OF_PORT_FLOOD 0xfffb
#define OF_PORT_ALL 0xfffc
#define OF_PORT_CONTROLLER 0xfffd
#define OF_PORT_LOCAL 0xfffe
#define OF_PORT_NONE 0xffff /* Printed "ANY" (OpenFlow 1.1+ OFPP_ANY). */

/* Parses a port: a reserved name (IN_PORT, TABLE, NORMAL, FLOOD, ALL,
 * CONTROLLER, LOCAL, ANY, NONE, UNSET; any case) or a decimal number (a
 * 32-bit OpenFlow 1.1+ number in the reserved range is accepted too).
 * Returns true and stores the port in *PORT on success. */
bool of_port_parse(const char *s, uint16_t *port);

/* Appends PORT's name (reserved names in capitals), its switch name when
 * port names are in use (quoted if it has characters the flow syntax
 * uses), or its decimal number. */
void of_port_format(struct buf *, uint16_t port);

/* Port names, as "ovs-ofctl --names" uses them: while set, of_port_parse()
 * also accepts these names and of_port_format() prints them.  N entries
 * at NAMES, which must stay valid until of_port_names_set(NULL, 0).  For
 * the calling thread only. */
struct of_port_name {
    uint16_t port;
    const char *name;
};
void of_port_names_set(const struct of_port_name *names, size_t n);

/* ---------------------------------------------------------------------
 * Pipeline fields that struct flow lacks.
 * --------------------------------------------------------------------- */

#define OF_N_REGS 16        /* reg0..reg15 (xreg0..7, xxreg0..3 overlay). */
#define OF_N_TUN_MD 64      /* tun_metadata0..63. */
#define OF_TUN_MD_MAX 124   /* Bytes in one tun_metadata field. */
#define OF_TUN_MD_SPACE 256 /* Bytes of all tun_metadata of one match. */

/* Bits of ct_state (ovs-fields(7)). */
#define OF_CS_NEW 0x01
#define OF_CS_ESTABLISHED 0x02
#define OF_CS_RELATED 0x04
#define OF_CS_REPLY_DIR 0x08
#define OF_CS_INVALID 0x10
#define OF_CS_TRACKED 0x20
#define OF_CS_SRC_NAT 0x40
#define OF_CS_DST_NAT 0x80
#define OF_CS_ALL 0xff

/* Bits of the tun_flags field (the OpenFlow view; a flow keeps them in
 * tunnel.flags as PKT_TUN_F_*). */
#define OF_TUN_FLAG_OAM 0x1

/* The OpenFlow-only part of a match (values or masks).  Scalars are in
 * host byte order; addresses and ct_label are in network byte order, as
 * in struct flow.  No holes, so it can be compared with memcmp(). */
struct of_meta {
    uint64_t metadata;           /* OpenFlow metadata. */
    uint32_t regs[OF_N_REGS];    /* reg0..reg15. */
    uint32_t skb_priority;       /* Linux skb priority (queue). */
    uint32_t conj_id;            /* Conjunction id (read-only). */
    uint32_t ct_state;           /* OF_CS_* bits. */
    uint32_t ct_mark;            /* Conntrack mark. */
    uint32_t ct_nw_src;          /* be32: conntrack original source. */
    uint32_t ct_nw_dst;          /* be32: conntrack original dest. */
    struct in6_addr ct_ipv6_src; /* Conntrack original IPv6 source. */
    struct in6_addr ct_ipv6_dst; /* Conntrack original IPv6 dest. */
    uint8_t ct_label[16];        /* be128: conntrack label. */
    uint16_t ct_zone;            /* Conntrack zone. */
    uint16_t ct_tp_src;          /* be16: conntrack original src port. */
    uint16_t ct_tp_dst;          /* be16: conntrack original dst port. */
    uint16_t actset_output;      /* OpenFlow port (OF_PORT_*). */
    uint16_t tun_gbp_id;         /* be16: VXLAN group policy id. */
    uint8_t tun_gbp_flags;       /* VXLAN group policy flags. */
    uint8_t ct_nw_proto;         /* Conntrack original IP protocol. */
    uint32_t pad;                /* Always zero. */
};
_Static_assert(sizeof(struct of_meta) % 8 == 0, "of_meta size");

/* Geneve tunnel metadata of a match.  Each present field I (bit I of
 * PRESENT) has LEN[I] bytes (1..124) at VALUE/MASK + OFS[I]; fields are
 * packed in index order, so equal matches have equal bytes.  A field's
 * length is that of the value as written (a TLV map on the switch gives
 * the option its real length later). */
struct of_tun_md {
    uint64_t present;
    uint8_t len[OF_N_TUN_MD];
    uint8_t ofs[OF_N_TUN_MD];
    uint8_t value[OF_TUN_MD_SPACE];
    uint8_t mask[OF_TUN_MD_SPACE];
};

struct of_match {
    struct flow flow;    /* Values of the header and datapath fields. */
    struct flow mask;    /* Their masks (1 = must match). */
    struct of_meta meta; /* Values of the pipeline fields. */
    struct of_meta meta_mask;
    struct of_tun_md tun_md; /* Tunnel metadata values and masks. */
};

/* ---------------------------------------------------------------------
 * The field table.
 * --------------------------------------------------------------------- */

enum of_field_id {
    OF_F_IN_PORT,
    OF_F_IN_PORT_OXM,
    OF_F_METADATA,
    OF_F_REG0,
    OF_F_XREG0 = OF_F_REG0 + OF_N_REGS,
    OF_F_XXREG0 = OF_F_XREG0 + OF_N_REGS / 2,
    OF_F_TUN_ID = OF_F_XXREG0 + OF_N_REGS / 4,
    OF_F_TUN_SRC,
    OF_F_TUN_DST,
    OF_F_TUN_IPV6_SRC,
    OF_F_TUN_IPV6_DST,
    OF_F_TUN_FLAGS,
    OF_F_TUN_GBP_ID,
    OF_F_TUN_GBP_FLAGS,
    OF_F_TUN_METADATA0,
    OF_F_PKT_MARK = OF_F_TUN_METADATA0 + OF_N_TUN_MD,
    OF_F_SKB_PRIORITY,
    OF_F_RECIRC_ID,
    OF_F_DP_HASH,
    OF_F_CONJ_ID,
    OF_F_ACTSET_OUTPUT,
    OF_F_CT_STATE,
    OF_F_CT_ZONE,
    OF_F_CT_MARK,
    OF_F_CT_LABEL,
    OF_F_CT_NW_SRC,
    OF_F_CT_NW_DST,
    OF_F_CT_IPV6_SRC,
    OF_F_CT_IPV6_DST,
    OF_F_CT_NW_PROTO,
    OF_F_CT_TP_SRC,
    OF_F_CT_TP_DST,
    OF_F_ETH_SRC,
    OF_F_ETH_DST,
    OF_F_ETH_TYPE,
    OF_F_VLAN_TCI,
    OF_F_DL_VLAN,
    OF_F_DL_VLAN_PCP,
    OF_F_VLAN_VID,
    OF_F_VLAN_PCP,
    OF_F_MPLS_LABEL,
    OF_F_MPLS_TC,
    OF_F_MPLS_BOS,
    OF_F_MPLS_TTL,
    OF_F_IPV4_SRC,
    OF_F_IPV4_DST,
    OF_F_IPV6_SRC,
    OF_F_IPV6_DST,
    OF_F_IPV6_LABEL,
    OF_F_IP_PROTO,
    OF_F_IP_TTL,
    OF_F_IP_FRAG,
    OF_F_NW_TOS,
    OF_F_IP_DSCP,
    OF_F_IP_ECN,
    OF_F_ARP_OP,
    OF_F_ARP_SPA,
    OF_F_ARP_TPA,
    OF_F_ARP_SHA,
    OF_F_ARP_THA,
    OF_F_TCP_SRC,
    OF_F_TCP_DST,
    OF_F_TCP_FLAGS,
    OF_F_UDP_SRC,
    OF_F_UDP_DST,
    OF_F_SCTP_SRC,
    OF_F_SCTP_DST,
    OF_F_ICMPV4_TYPE,
    OF_F_ICMPV4_CODE,
    OF_F_ICMPV6_TYPE,
    OF_F_ICMPV6_CODE,
    OF_F_ND_TARGET,
    OF_F_ND_SLL,
    OF_F_ND_TLL,
    OF_N_FIELDS
};

/* How a field's value is written in text. */
enum of_field_format {
    OF_FMT_DEC,       /* Decimal (hex accepted); masked: 0x%x/0x%x. */
    OF_FMT_HEX,       /* Hexadecimal (decimal accepted). */
    OF_FMT_ETH,       /* xx:xx:xx:xx:xx:xx. */
    OF_FMT_IPV4,      /* Dotted quad, /prefix or /mask. */
    OF_FMT_IPV6,      /* RFC 4291 text, /prefix or /mask. */
    OF_FMT_PORT,      /* OpenFlow port name or number (16 bits). */
    OF_FMT_PORT_OXM,  /* Same, 32 bits on the wire. */
    OF_FMT_FRAG,      /* no, first, later, yes, not_later. */
    OF_FMT_TCP_FLAGS, /* +syn-ack..., or a number. */
    OF_FMT_CT_STATE,  /* +trk+new..., or a number. */
    OF_FMT_TUN_FLAGS, /* +oam / -oam, or a number. */
};

/* Prerequisites (ovs-fields(7) "Prerequisites"). */
enum of_prereq {
    OF_PRQ_NONE,
    OF_PRQ_VLAN_VID, /* A VLAN header is present. */
    OF_PRQ_ARP,      /* ARP or RARP. */
    OF_PRQ_IPV4,
    OF_PRQ_IPV6,
    OF_PRQ_IP_ANY, /* IPv4 or IPv6. */
    OF_PRQ_MPLS,
    OF_PRQ_TCP,
    OF_PRQ_UDP,
    OF_PRQ_SCTP,
    OF_PRQ_ICMPV4,
    OF_PRQ_ICMPV6,
    OF_PRQ_ND,
    OF_PRQ_ND_SOLICIT,
    OF_PRQ_ND_ADVERT,
    OF_PRQ_CT, /* A valid connection tracking state (+trk, not +inv). */
};

/* Where a field lives in struct of_match. */
enum of_field_where {
    OF_IN_FLOW,   /* struct flow, at OFS. */
    OF_IN_META,   /* struct of_meta, at OFS. */
    OF_IN_REGS,   /* meta.regs[OFS...], most significant register first. */
    OF_IN_TUN_MD, /* tun_md field number OFS. */
};

/* OXM classes (ovs-fields(7) "OXM"). */
#define OF_OXM_NXM0 0x0000
#define OF_OXM_NXM1 0x0001
#define OF_OXM_OPENFLOW 0x8000
#define OF_OXM_PKT_REG 0x8001
#define OF_OXM_EXPERIMENTER 0xffff
#define OF_EXP_NX 0x00002320u  /* NXOXM_ET. */
#define OF_EXP_ONF 0x4f4e4600u /* ONFOXM_ET. */

/* One code point: class, field number, experimenter (class 0xffff), and
 * its name (e.g. "NXM_OF_ETH_SRC").  NAME == NULL means none. */
struct of_code {
    const char *name;
    uint16_t oxm_class;
    uint8_t field;
    uint32_t experimenter;
};

struct of_field {
    enum of_field_id id;
    const char *name;  /* ovs-fields(7) name. */
    const char *alias; /* "aka" name, or NULL. */
    uint16_t n_bits;   /* Significant bits. */
    uint8_t n_bytes;   /* Bytes of the value (big-endian, right-aligned). */
    bool maskable;     /* Arbitrary bitwise masks allowed. */
    bool writable;     /* set_field, load and move may write it. */
    enum of_prereq prereq;
    enum of_field_format format;

    /* Storage in struct of_match. SIZE is the storage unit's bytes;
     * HOST_ORDER tells whether it is in host byte order; the field is
     * N_BITS bits of it starting at bit SHIFT (counted from the least
     * significant bit). */
    enum of_field_where where;
    uint16_t ofs;
    uint8_t size;
    uint8_t shift;
    bool host_order;

    /* Code points for the wire codec: the OXM one (OpenFlow 1.2+) and the
     * NXM one (Open vSwitch extension); either may have NAME == NULL. */
    struct of_code oxm;
    struct of_code nxm;
};

/* The largest field value (tun_metadata). */
#define OF_VALUE_MAX 128

/* A field value or mask, big-endian, right-aligned in the field's
 * n_bytes: the value occupies be[0 .. n_bytes - 1]. */
union of_value {
    uint8_t be[OF_VALUE_MAX];
    uint64_t align_;
};

/* The table itself (field-table.c), for the inline lookup below. */
extern const struct of_field of_field_table_[OF_N_FIELDS];

/* The field ID, or NULL for an id out of range.  Inline: every codec and
 * printer calls it for every field. */
static inline const struct of_field *
of_field_from_id(enum of_field_id id)
{
    return (unsigned) id < OF_N_FIELDS ? &of_field_table_[id] : NULL;
}

/* Finds a field by its ovs-fields(7) name or alias (e.g. "dl_src",
 * "eth_src"); NULL if none.  of_field_from_name_len() takes a length. */
const struct of_field *of_field_from_name(const char *name);
const struct of_field *of_field_from_name_len(const char *name, size_t len);

/* Finds a field by field name, alias or NXM/OXM code point name (as in
 * "NXM_NX_REG0[]" or "OXM_OF_METADATA[]"); NULL if none. */
const struct of_field *of_field_from_any_name(const char *name, size_t len);

/* The name ovs-ofctl uses for the field in load/move/output actions: the
 * NXM code point name, else the OXM one, else the field name. */
const char *of_field_code_name(const struct of_field *);

/* Value helpers.  of_value_to_u64() reads the last 8 (or fewer) bytes of
 * a field's value; of_value_from_u64() writes them (zeroing the rest). */
uint64_t of_value_to_u64(const struct of_field *, const union of_value *);
void of_value_from_u64(const struct of_field *, union of_value *, uint64_t);
bool of_value_is_zero(const struct of_field *, const union of_value *);
bool of_value_is_all_ones(const struct of_field *, const union of_value *);
/* Sets *M to the exact-match mask of F (its N_BITS low bits). */
void of_value_exact_mask(const struct of_field *, union of_value *m);

/* Parses text S as a value (and optional "/mask") of field F.  A missing
 * mask is the exact mask.  Returns NULL, or an error message (caller
 * frees) saying why S is not a valid value.  A mask on a field that is not
 * maskable is an error. */
char *of_field_parse(const struct of_field *, const char *s,
                     union of_value *value, union of_value *mask);

/* The same, but leaves the bits of VALUE outside MASK as written (for
 * set_field, whose value ovs-ofctl prints unmasked). */
char *of_field_parse_unmasked(const struct of_field *, const char *s,
                              union of_value *value, union of_value *mask);

/* The same, without a mask (for learn). */
char *of_field_parse_value(const struct of_field *, const char *s,
                           union of_value *value);

/* Appends VALUE (with "/MASK" unless MASK is NULL or exact) in F's text
 * format, as ovs-ofctl prints it. */
void of_field_format(const struct of_field *, const union of_value *value,
                     const union of_value *mask, struct buf *);

/* ---------------------------------------------------------------------
 * Matches.
 * --------------------------------------------------------------------- */

/* Makes M match everything. */
void of_match_init_catchall(struct of_match *);
bool of_match_is_catchall(const struct of_match *);
bool of_match_equal(const struct of_match *, const struct of_match *);

/* Reads field F's value and mask from M. */
void of_match_get(const struct of_match *, const struct of_field *,
                  union of_value *value, union of_value *mask);

/* Sets field F in M to VALUE/MASK (VALUE is masked first; MASK NULL means
 * exact), replacing what M had for F.  Returns 0, or EINVAL if F is
 * tun_metadata and the match has no room left (OF_TUN_MD_SPACE). */
int of_match_set(struct of_match *, const struct of_field *,
                 const union of_value *value, const union of_value *mask);

/* Stops matching F. */
void of_match_clear(struct of_match *, const struct of_field *);

/* ORs into FLOW_MASK and META_MASK the bits that of_match_set() sets in a
 * catch-all match's mask and meta_mask to match all of F exactly
 * (nothing for tun_metadata, whose masks are kept apart).  From a table
 * made once: a translation asks it for every field it reads, and building
 * a whole match each time costs several times the answer. */
void of_field_or_exact_mask(const struct of_field *, struct flow *flow_mask,
                            struct of_meta *meta_mask);

/* True if M matches on any bit of F. */
bool of_match_has(const struct of_match *, const struct of_field *);

/* True if F's prerequisites hold in M. */
bool of_match_prereqs_ok(const struct of_match *, const struct of_field *);

/* Like ovs-ofctl, drops from M every field whose prerequisites M does not
 * meet (e.g. tp_dst without tcp).  Appends the names of the fields it
 * dropped, comma-separated, to DROPPED (if nonnull).  Returns true if
 * anything was dropped. */
bool of_match_normalize(struct of_match *, struct buf *dropped);

/* Convenience accessors for the fields the shorthands and printing use. */
uint16_t of_match_dl_type(const struct of_match *, bool *exact);

/* Appends M in ovs-ofctl's order and spelling ("tcp,in_port=1,..."),
 * preceded by "priority=N" when PRIORITY is not OF_DEFAULT_PRIORITY
 * (pass OF_DEFAULT_PRIORITY to omit it).  Appends nothing for a catch-all
 * match with the default priority. */
#define OF_DEFAULT_PRIORITY 32768
void of_match_format(const struct of_match *, int priority, struct buf *);

/* Appends the flow of one packet as Open vSwitch's flow_format() prints it
 * (ofproto/trace's "Flow:" and "Final flow:"): M is exact on the fields
 * the packet has, and the text is of_match_format()'s, but for a match on
 * a tunnel destination (tun_dst or tun_ipv6_dst) the whole tunnel follows
 * tun_gbp_flags: tun_tos, tun_ttl, the ERSPAN and GTP-U fields (which
 * nicflow does not keep: zero) and tun_flags as the flags the packet has
 * ("0", "oam", "df|csum|key"), from M's values. */
void of_match_format_packet(const struct of_match *, struct buf *);

/* Returns a new string with of_match_format()'s output. */
char *of_match_to_string(const struct of_match *, int priority);

#endif /* NICFLOW_OFCTL_MATCH_H */
