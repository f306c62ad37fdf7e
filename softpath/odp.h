/* odp.h: datapath flows in the Linux datapath netlink format.
 *
 * A datapath flow is a key, a mask and a list of actions, each a sequence
 * of netlink attributes as <linux/openvswitch.h> defines them
 * (OVS_KEY_ATTR_*, OVS_ACTION_ATTR_*).  The kernel datapath takes them as
 * they are; the userspace datapath converts keys and masks to struct flow.
 * The text form is the one of `ovs-dpctl dump-flows`:
 *
 *   recirc_id(0),in_port(2),eth(src=..,dst=..),eth_type(0x0800),
 *   ipv4(src=..,dst=..,proto=6,tos=0,ttl=64,frag=no),tcp(src=..,dst=80)
 *
 * Masks print as "field=value/mask"; fields and attributes whose mask is
 * all zero are left out, except eth(), which prints even when wholly
 * wildcarded (as Open vSwitch prints it).  Matched TCP flags print as
 * "tcp_flags(syn|ack)" when exact and "tcp_flags(+syn-ack)" when masked;
 * tunnel flags likewise as "flags(df|key)" and "flags(-df+csum+key)",
 * where "key" is the presence of a tunnel ID.  The forms were checked
 * against Open vSwitch 3.1's dpctl/dump-flows (tests/unit/
 * test-softpath-odp.c keeps its output as golden lines).
 *
 * Attribute order (what odp_flow_to_key() emits, as the kernel does):
 * recirc_id, dp_hash, tunnel, in_port, skb_mark, eth, then either
 * eth_type(TPID), vlan, encap(...) for a tagged frame, or eth_type, the L3
 * attribute (ipv4, ipv6, arp, mpls), the L4 attribute (tcp, udp, sctp,
 * icmp, icmpv6), tcp_flags and nd.
 *
 * Every function that reads netlink input checks every length before
 * reading, rejects what it does not understand, and on failure returns
 * EINVAL with a message naming the attribute and its byte offset in *ERRP
 * (if ERRP is nonnull; the caller frees it).
 *
 * struct flow has no skb priority: OVS_KEY_ATTR_PRIORITY is parsed,
 * validated and printed, but odp_key_to_flow() drops it. */
#ifndef NICFLOW_SOFTPATH_ODP_H
#define NICFLOW_SOFTPATH_ODP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/flow.h"

/* The drop action (a u32 reason) of newer kernels; older headers lack it. */
#define ODP_ACTION_ATTR_DROP 24

/* Userspace-only actions of native tunnelling, as Open vSwitch's userspace
 * datapath has them (OVS_ACTION_ATTR_TUNNEL_PUSH/_POP).  Like
 * ODP_ACTION_ATTR_DROP they are numbered here, not in <linux/openvswitch.h>;
 * unlike it, no kernel has them, so they sit in a block of their own, 32
 * and up, clear of the kernel's range (which ends at 25, psample, as of
 * Linux 6.11) and of its growth for a while.  Open vSwitch numbers its
 * copies just past its own __OVS_ACTION_ATTR_MAX instead, which moves with
 * its headers: the numbers are not a wire format and never leave the
 * process (a kernel datapath must refuse them).
 *
 *   tnl_push: struct odp_action_push_tnl, the fixed part and then exactly
 *             HEADER_LEN bytes of header (the attribute is 16 + header_len
 *             bytes long, as Open vSwitch sizes it).
 *   tnl_pop:  u32, the odp port number of a tunnel vport. */
#define ODP_ACTION_ATTR_TUNNEL_PUSH 32
#define ODP_ACTION_ATTR_TUNNEL_POP 33

/* Tunnel types of odp_action_push_tnl.tnl_type: OVS_VPORT_TYPE_* values. */
#define ODP_TNL_TYPE_GRE 3    /* OVS_VPORT_TYPE_GRE. */
#define ODP_TNL_TYPE_VXLAN 4  /* OVS_VPORT_TYPE_VXLAN. */
#define ODP_TNL_TYPE_GENEVE 5 /* OVS_VPORT_TYPE_GENEVE. */
/* GRE over IPv6: Open vSwitch's userspace-only OVS_VPORT_TYPE_IP6GRE, the
 * type its tnl_push headers of GRE over IPv6 carry (ODP_TNL_TYPE_GRE is
 * then refused, as Open vSwitch's parser refuses it). */
#define ODP_TNL_TYPE_IP6GRE 109

/* The largest outer header tnl_push takes (Open vSwitch's
 * TNL_PUSH_HEADER_SIZE). */
#define ODP_TNL_PUSH_HEADER_MAX 512

/* Open vSwitch's struct ovs_action_push_tnl: host byte order integers, then
 * the precomputed outer header: Ethernet (optionally one 802.1Q tag),
 * IPv4 (20 bytes, no options) or IPv6 (40 bytes, no extension headers),
 * then UDP + VXLAN, UDP + Geneve (with options) or GRE (with optional
 * checksum, key and sequence words).  Lengths, the IPv4 id and checksums
 * and the UDP source port are filled in per packet. */
struct odp_action_push_tnl {
    uint32_t tnl_port;   /* odp port of the tunnel vport. */
    uint32_t out_port;   /* odp port the encapsulated frame leaves by. */
    uint32_t header_len; /* Bytes of HEADER used. */
    uint32_t tnl_type;   /* ODP_TNL_TYPE_*. */
    uint8_t header[ODP_TNL_PUSH_HEADER_MAX];
};
#define ODP_TNL_PUSH_FIXED_LEN 16

/* Where the layers of a tnl_push header are (offsets in the header). */
struct odp_tnl_layout {
    uint16_t l2_5_ofs; /* The 802.1Q tag, or UINT16_MAX. */
    uint16_t l3_ofs;   /* IPv4 or IPv6 header. */
    uint16_t l4_ofs;   /* UDP or GRE header. */
    uint16_t tnl_ofs;  /* VXLAN/Geneve header (UDP types), else l4_ofs. */
    bool ipv6;
};

/* Checks the LEN-byte payload PUSH of a tnl_push attribute: LEN is 16 +
 * header_len, the type is known and the header is one the type describes,
 * exactly header_len bytes long, with port numbers below 0xff00.  Fills in
 * *LAYOUT (if nonnull).  Returns NULL or a static string saying what is
 * wrong. */
const char *odp_tnl_push_check(const void *push, size_t len,
                               struct odp_tnl_layout *layout);

/* How deep attributes may nest (encap inside encap, sample inside clone):
 * a bound on recursion for hostile input. */
#define ODP_MAX_NESTING 8

/* Keys and masks. */

/* Appends the OVS_KEY_ATTR_* attributes of FLOW to OUT.  With MASK, the
 * values are FLOW & MASK and metadata attributes whose mask is zero are
 * left out (a megaflow key); without, FLOW is an exact key. */
void odp_flow_to_key(struct buf *out, const struct flow *flow,
                     const struct flow *mask);

/* Appends the mask attributes for the megaflow FLOW/MASK: the same
 * attributes odp_flow_to_key(out, FLOW, MASK) emits, with MASK's values. */
void odp_flow_to_mask(struct buf *out, const struct flow *flow,
                      const struct flow *mask);

/* Parses the key attributes ATTRS (LEN bytes) into *FLOW (zeroed first).
 * Checks lengths, nesting, duplicates and that each attribute fits the
 * protocol chain (ipv4 only after eth_type(0x0800), tcp only with
 * proto=6, ...).  Returns 0 or EINVAL. */
int odp_key_to_flow(const void *attrs, size_t len, struct flow *flow,
                    char **errp);

/* Parses mask attributes into *MASK (zeroed first; absent attributes are
 * wildcards).  Checks lengths, nesting and duplicates only. */
int odp_mask_to_flow(const void *attrs, size_t len, struct flow *mask,
                     char **errp);

/* Text. */

/* Appends the dump-flows text of KEY/MASK (MASK may be NULL: exact). */
void odp_flow_format(struct buf *b, const void *key, size_t key_len,
                     const void *mask, size_t mask_len);

/* Parses the dump-flows text S into key and mask attributes appended to
 * KEY and MASK.  Returns 0, or EINVAL with a message naming the offending
 * token and its position in *ERRP. */
int odp_flow_from_string(const char *s, struct buf *key, struct buf *mask,
                         char **errp);

/* Actions. */

/* Encoders: each appends one OVS_ACTION_ATTR_* attribute.  A nested
 * action (sample, clone, userspace) is opened with odp_put_nested_start()
 * and closed with odp_put_nested_end(). */
void odp_put_output(struct buf *, uint32_t port);
void odp_put_userspace(struct buf *, uint32_t pid, const void *userdata,
                       size_t userdata_len);
void odp_put_push_vlan(struct buf *, uint16_t tpid_be, uint16_t tci_be);
void odp_put_pop_vlan(struct buf *);
void odp_put_recirc(struct buf *, uint32_t recirc_id);
void odp_put_hash(struct buf *, uint32_t alg, uint32_t basis);
void odp_put_trunc(struct buf *, uint32_t max_len);
void odp_put_meter(struct buf *, uint32_t meter_id);
void odp_put_drop(struct buf *, uint32_t reason);
/* tnl_push with PUSH's fixed part and its first header_len header bytes;
 * tnl_pop(PORT). */
void odp_put_tnl_push(struct buf *, const struct odp_action_push_tnl *push);

/* Geneve options (odp-geneve.c), the payload of
 * OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS and of struct pkt_tun_opts in its
 * datapath form.
 *
 * odp_geneve_opts_check(): 0 if the LEN bytes at OPTS are whole option
 * TLVs (LEN a multiple of 4, at most PKT_TUN_OPTS_MAX), else EINVAL.
 *
 * odp_geneve_opts_format(): the options as Open vSwitch 3.1's dpctl
 * prints them inside "geneve(...)": "{class=0x102,type=0x80,len=4,0xa}"
 * per option, with "/MASK" where MASK (LEN bytes, or NULL for an exact
 * key) is partial and fields under a zero mask left out.  The options are
 * walked by the key's lengths.
 *
 * odp_geneve_opts_parse(): parses that text at *SP (up to, not including,
 * the closing ')') into KEY and MASK (room for PKT_TUN_OPTS_MAX bytes
 * each), the byte count in *LENP; a field not given has a zero mask, one
 * given without "/MASK" an all-ones one.  Returns 0 (advancing *SP) or
 * EINVAL with *ERRAT where the text is wrong.
 *
 * odp_tnl_push_add_geneve_opts(): appends the LEN bytes of options OPTS
 * to the Geneve header that ends PUSH's header (its opt_len grows).
 * Returns 0, EINVAL (not a Geneve tnl_push, or OPTS not whole TLVs) or
 * EMSGSIZE (more than 252 bytes of options, or no room). */
int odp_geneve_opts_check(const void *opts, size_t len);
void odp_geneve_opts_format(struct buf *, const uint8_t *opts,
                            const uint8_t *mask, size_t len);
int odp_geneve_opts_parse(const char **sp, uint8_t *key, uint8_t *mask,
                          size_t *lenp, const char **errat);
int odp_tnl_push_add_geneve_opts(struct odp_action_push_tnl *push,
                                 const uint8_t *opts, size_t len);
void odp_put_tnl_pop(struct buf *, uint32_t port);
/* set(ATTR) or, with MASK, set_masked: KEY_TYPE is an OVS_KEY_ATTR_* and
 * VALUE/MASK its LEN-byte payload. */
void odp_put_set(struct buf *, uint16_t key_type, const void *value,
                 const void *mask, size_t len);
/* set(tunnel(T)): the tunnel metadata the kernel datapath's tunnel vports
 * encapsulate with (Open vSwitch's kernel-datapath tunnels).  Fields of T
 * that are zero are left out (the kernel then chooses: source address by
 * route, UDP source port by hash); the TTL is always there, since the
 * kernel refuses a tunnel without one. */
void odp_put_set_tunnel(struct buf *, const struct pkt_tunnel *t);
size_t odp_put_nested_start(struct buf *, uint16_t type);
void odp_put_nested_end(struct buf *, size_t start);

/* Validates the actions ACTIONS (LEN bytes) against the policy table:
 * known types, exact argument lengths, well-formed nesting, set() of a key
 * attribute that may be set.  Returns 0 or EINVAL. */
int odp_actions_validate(const void *actions, size_t len, char **errp);

/* Appends the dump-flows text of ACTIONS ("drop" when empty).  Does not
 * validate: malformed pieces print as "<error: ...>". */
void odp_actions_format(struct buf *b, const void *actions, size_t len);

/* Parses actions text ("3,4", "push_vlan(vid=5,pcp=0),2", "drop") into
 * OUT.  Returns 0 or EINVAL with a message in *ERRP. */
int odp_actions_from_string(const char *s, struct buf *out, char **errp);

/* Internal: shared by odp.c, odp-format.c, odp-parse.c and
 * odp-actions.c. */

/* How a field prints and parses. */
enum odp_ftype {
    ODP_F_MAC,   /* 6 bytes: 00:11:22:33:44:55. */
    ODP_F_IP4,   /* be32: dotted quad. */
    ODP_F_IP6,   /* 16 bytes: inet_ntop(). */
    ODP_F_U8,    /* Decimal. */
    ODP_F_U8X,   /* Hex (%#x). */
    ODP_F_BE16,  /* Decimal. */
    ODP_F_BE16X, /* 0x%04x. */
    ODP_F_BE32X, /* %#x. */
    ODP_F_U32,   /* Host order, decimal. */
    ODP_F_U32X,  /* Host order, %#x. */
    ODP_F_BE64X, /* %#llx. */
    ODP_F_FRAG,  /* u8 OVS_FRAG_TYPE_*: no, first, later. */
    ODP_F_TCPFL, /* be16 TCP flags: syn|ack. */
};

/* One field of a key attribute's payload. */
struct odp_field {
    const char *name;    /* NULL: the attribute's only, unnamed value. */
    enum odp_ftype type; /* How it prints. */
    uint8_t ofs;         /* Offset in the payload. */
};

/* One OVS_KEY_ATTR_* (or OVS_TUNNEL_KEY_ATTR_*) type. */
struct odp_key_policy {
    const char *name; /* As in the text form. */
    int len;          /* Payload bytes; ODP_LEN_NESTED; ODP_LEN_MPLS. */
    const struct odp_field *fields; /* NULL-name-terminated; or NULL. */
};
#define ODP_LEN_NESTED (-1)
#define ODP_LEN_MPLS (-2)   /* 1 to FLOW_MAX_MPLS_LABELS be32 entries. */
#define ODP_LEN_NONE (-3)   /* Not accepted. */
#define ODP_LEN_GENEVE (-4) /* Geneve options: 0 to 252 in steps of 4. */

/* Policies indexed by OVS_KEY_ATTR_* and OVS_TUNNEL_KEY_ATTR_*; NULL
 * name = unknown type. */
const struct odp_key_policy *odp_key_policy(uint16_t type);
const struct odp_key_policy *odp_tun_policy(uint16_t type);

/* The tunnel flags of the text form, in printing order: "key" stands for
 * the presence of OVS_TUNNEL_KEY_ATTR_ID, the others are zero-length
 * attributes. */
struct odp_tun_flag {
    uint16_t type;
    const char *name;
};
extern const struct odp_tun_flag odp_tun_flags[4];

/* Name of OVS_KEY_ATTR_TYPE, or "key attribute N" in a static buffer. */
const char *odp_key_name(uint16_t type);

/* Prints one field value (VAL) and "/MASK" unless MASK is all ones or
 * NULL. */
void odp_format_field(struct buf *, enum odp_ftype, const uint8_t *val,
                      const uint8_t *mask);
/* Size of a field of TYPE. */
size_t odp_field_size(enum odp_ftype);

/* Prints one key attribute (with its mask attribute, or NULL) without a
 * leading comma.  Used for set() actions too. */
void odp_format_key_attr(struct buf *, uint16_t type, const void *val,
                         const void *mask, size_t len, int depth);

/* Parses "value" or "value/mask" for a field of TYPE from S (not
 * NUL-terminated, N bytes) into VAL and MASK (MASK all ones without
 * "/").  Returns 0 or EINVAL. */
int odp_parse_field(enum odp_ftype, const char *s, size_t n, uint8_t *val,
                    uint8_t *mask);

/* odp-tnl.c: prints the text of tnl_push payload PUSH (LEN bytes,
 * checked by odp_tnl_push_check()) as "tnl_push(...)"; parses it from *SP,
 * which points just past "tnl_push(", through the closing parenthesis,
 * appending the attribute to OUT.  Returns 0, or EINVAL with *ERRAT set
 * to where the text went wrong and *MSG to a static description. */
void odp_tnl_push_format(struct buf *, const void *push, size_t len);
int odp_tnl_push_parse(const char **sp, struct buf *out, const char **errat,
                       const char **msg);

/* Parses one key attribute "name(args)" from *SP, advancing it, into
 * KEY and MASK.  Used by the action parser for set(). */
int odp_parse_key_attr(const char **sp, const char *start, struct buf *key,
                       struct buf *mask, int depth, char **errp);

#endif /* NICFLOW_SOFTPATH_ODP_H */
