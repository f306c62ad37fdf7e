/* tcf-filter.h: one flower filter as the tc provider sees it, and the rules
 * that say which filters are ours.
 *
 * A struct tcf_filter is the common currency of the provider: translation
 * (tcf-translate.h) fills one from a datapath flow, the message builder
 * (tcf-msg.h) turns it into an RTM_NEWTFILTER request, and the reply parser
 * turns the kernel's echo or dump back into one, so that what was asked and
 * what the kernel holds can be compared field by field.
 *
 * Ownership.  The provider touches only filters that are provably its own:
 *   - on the port's hook of its clsact (or ingress) qdisc: ingress (parent
 *     ffff:fff2) for a device of its own, egress (ffff:fff3) for a tap
 *     device whose file descriptor nicflowd holds (tcf_port_parent()),
 *   - in chain 0 (TCF_CHAIN),
 *   - at a priority in TCF_PRIO_MIN..TCF_PRIO_MAX (0x4000-0x7fff, away from
 *     the small numbers people pick by hand),
 *   - of kind "flower", whose first action carries a TCA_ACT_COOKIE of
 *     exactly 16 bytes: the ufid of the datapath flow it implements.
 * Everything else on a port (other priorities or chains, the other hook,
 * other classifiers, filters without such a cookie) is foreign and
 * survives every call of the provider, port_del() and flush() included.
 *
 * Byte order: fields marked be16/be32 are in network byte order, as on the
 * wire of the flower attributes they stand for; the rest is host order. */
#ifndef NICFLOW_TCF_FILTER_H
#define NICFLOW_TCF_FILTER_H 1

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "include/nicflow/offload-provider.h"
#include "lib/buf.h"
#include "lib/packet.h"

/* Where our filters live (see the ownership rules above). */
#define TCF_PRIO_MIN 0x4000
#define TCF_PRIO_MAX 0x7fff
#define TCF_N_PRIOS (TCF_PRIO_MAX - TCF_PRIO_MIN + 1)
#define TCF_CHAIN 0
#define TCF_COOKIE_LEN 16 /* sizeof(struct offload_ufid). */

/* Limits of the model.  The kernel allows at most 32 actions per filter
 * (TCA_ACT_MAX_PRIO); a translated flow needs at most a handful of pedit
 * keys (an IPv6 source and destination rewrite is the largest: 8). */
#define TCF_MAX_ACTIONS 32
#define TCF_PEDIT_MAX_KEYS 16
#define TCF_KIND_LEN 16

/* Geneve options in flower (TCA_FLOWER_KEY_ENC_OPTS) and act_tunnel_key
 * (TCA_TUNNEL_KEY_ENC_OPTS): at most TCF_ENC_OPTS_MAX bytes in all (the
 * kernel's IP_TUNNEL_OPTS_MAX; options come in 4-byte words, so 252 in
 * practice), and each option's data 4 to TCF_GENEVE_DATA_MAX bytes (the
 * 5-bit length of an option header counts 4-byte words; the kernel
 * refuses an option without data). */
#define TCF_ENC_OPTS_MAX 255
#define TCF_GENEVE_DATA_MIN 4
#define TCF_GENEVE_DATA_MAX 124

/* The flower match: every key has a mask of the same layout.  A field is
 * matched when its mask is nonzero.  Fields without a mask attribute in
 * flower (ip_proto, the VLAN fields, ethertypes) are either not matched
 * (mask zero) or exact (mask all ones within the field's width). */
struct tcf_key {
    uint8_t eth_dst[6];
    uint8_t eth_src[6];
    uint16_t vlan_tpid[2]; /* be16: outer, inner tag's TPID. */
    uint16_t vlan_id[2];   /* Host order, 12 bits (mask 0x0fff). */
    uint8_t vlan_prio[2];  /* 3 bits (mask 0x07). */
    uint16_t eth_type;     /* be16: after every matched tag. */
    uint8_t ip_proto;
    uint8_t ip_tos;
    uint8_t ip_ttl;
    uint8_t icmp_type;
    uint8_t icmp_code;
    uint8_t arp_op;
    uint8_t pad0[2];   /* Always zero. */
    uint32_t ipv4_src; /* be32. */
    uint32_t ipv4_dst; /* be32. */
    uint32_t arp_sip;  /* be32. */
    uint32_t arp_tip;  /* be32. */
    uint8_t arp_sha[6];
    uint8_t arp_tha[6];
    struct in6_addr ipv6_src;
    struct in6_addr ipv6_dst;
    uint16_t tp_src;    /* be16: TCP, UDP or SCTP port. */
    uint16_t tp_dst;    /* be16. */
    uint16_t tcp_flags; /* be16. */
    uint8_t num_vlans;  /* How many tags the frame has (mask 0xff): for
                         * "untagged" when the ethertype is wildcarded. */
    uint8_t pad;        /* Always zero. */
    uint32_t flags;     /* be32: TCA_FLOWER_KEY_FLAGS_* (fragments). */

    /* The tunnel a packet arrived through (its metadata, as a collect-md
     * tunnel device filled it in): flower's enc_* keys.  Either the IPv4
     * or the IPv6 pair, never both. */
    uint32_t enc_key_id;          /* be32: VNI / GRE key (exact only). */
    uint32_t enc_ipv4_src;        /* be32. */
    uint32_t enc_ipv4_dst;        /* be32. */
    struct in6_addr enc_ipv6_src; /* Outer IPv6 addresses. */
    struct in6_addr enc_ipv6_dst;
    uint16_t enc_tp_dst; /* be16: outer UDP destination port. */
    uint8_t enc_tos;     /* Outer ToS / traffic class. */
    uint8_t enc_ttl;     /* Outer TTL / hop limit. */

    /* Geneve options (TCA_FLOWER_KEY_ENC_OPTS and _MASK), in the datapath
     * form of lib/packet.h: the key has LEN bytes of option TLVs in packet
     * order (be16 class, u8 type, u8 length in 4-byte words with the three
     * reserved bits clear, the data); the mask has LEN 0xff when options
     * are matched (0 when not) and, byte for byte over the key's LEN, the
     * class, type and data masks.  Flower takes no mask for an option's
     * length: it matches each option's length, and the options' total,
     * under a mask of itself, so the 4th byte of each option header holds
     * the option's length in the mask as in the key (tcf-match.c says
     * what that means for packets).  PRESENT and PAD stay zero. */
    struct pkt_tun_opts enc_opts;
};
/* No holes: keys are hashed and compared as bytes. */
_Static_assert(sizeof(struct tcf_key) == 152 + sizeof(struct pkt_tun_opts),
               "struct tcf_key has holes");

/* The actions the provider emits (and recognises in replies). */
enum tcf_action_type {
    TCF_A_OTHER,      /* A kind we do not model; see 'kind'. */
    TCF_A_DROP,       /* gact with TC_ACT_SHOT. */
    TCF_A_GACT,       /* gact with another verdict. */
    TCF_A_MIRRED,     /* Mirror or redirect, egress or ingress. */
    TCF_A_VLAN,       /* Push, pop or modify the outer tag. */
    TCF_A_PEDIT,      /* Typed ("ex") header rewrites. */
    TCF_A_CSUM,       /* Checksum update after a pedit. */
    TCF_A_SKBEDIT,    /* Packet type (for internal ports). */
    TCF_A_TUNNEL_KEY, /* Set (encap) or release (decap) tunnel metadata. */
    TCF_A_POLICE,     /* A policer (a datapath meter): tcf-police.h. */
};

/* One 32-bit pedit rewrite: the word at OFF bytes into header HTYPE
 * becomes (word & MASK) ^ VAL (the kernel's semantics: MASK keeps, VAL
 * sets).  MASK and VAL are as the kernel takes them: the four bytes of the
 * word in packet order, copied into a uint32_t (so "be32"). */
struct tcf_pedit_key {
    uint16_t htype; /* TCA_PEDIT_KEY_EX_HDR_TYPE_*. */
    uint16_t cmd;   /* TCA_PEDIT_KEY_EX_CMD_SET. */
    uint32_t off;   /* Byte offset into the header, a multiple of 4. */
    uint32_t mask;  /* be32: bits to keep. */
    uint32_t val;   /* be32: bits to set (zero where MASK keeps). */
};

/* Counters of one action, from replies only. */
struct tcf_counters {
    uint64_t packets; /* Software and hardware (TCA_STATS_BASIC). */
    uint64_t bytes;
    uint64_t hw_packets; /* The hardware part (TCA_STATS_BASIC_HW). */
    uint64_t hw_bytes;
    bool has_lastuse;
    uint64_t lastuse; /* struct tcf_t: clock ticks since the last use. */
};

/* act_tunnel_key's parameters. */
struct tcf_tunnel_key {
    int t_action;      /* TCA_TUNNEL_KEY_ACT_SET or _RELEASE. */
    bool has_key_id;   /* The rest only for a set. */
    uint32_t key_id;   /* be32: VNI / GRE key. */
    bool has_ipv4;     /* Source and destination go in pairs (the */
    bool has_ipv6;     /* kernel wants both, 0 / :: for "any"). */
    uint32_t ipv4_src; /* be32. */
    uint32_t ipv4_dst; /* be32. */
    struct in6_addr ipv6_src;
    struct in6_addr ipv6_dst;
    uint16_t dst_port; /* be16; 0: the device's own. */
    uint8_t tos;       /* 0: the device's default. */
    uint8_t ttl;       /* 0: the device's default. */
    bool no_csum;      /* No outer UDP checksum. */
    bool has_opts;     /* Replies only: tunnel options of a kind we do not
                        * model (VXLAN, ERSPAN). */
    struct pkt_tun_opts opts; /* Geneve options to send, datapath form
                               * (LEN bytes of TLVs; PRESENT zero). */
};

/* act_police's parameters.  In a filter the provider only binds to a
 * shared police action by index (BIND: the request carries the index, the
 * exceed verdict and CONFORM, nothing else); the kernel's echo and dumps
 * report the shared action's parameters in full.  The exceed verdict is
 * the action's 'verdict' (TC_ACT_SHOT). */
struct tcf_police_parms {
    uint32_t index;     /* tc_police.index. */
    int conform;        /* TCA_POLICE_RESULT (0 when absent: TC_ACT_OK). */
    uint64_t rate;      /* Bytes per second; 0: no byte rate. */
    uint32_t burst;     /* Psched ticks (64 ns) of RATE. */
    uint32_t mtu;       /* Larger packets exceed. */
    uint8_t cell_log;   /* Of the rate table (requests only). */
    uint64_t pkt_rate;  /* Packets per second; 0: no packet rate. */
    uint64_t pkt_burst; /* Psched ticks of PKT_RATE (TCA_POLICE_PKTBURST64
                         * is a time, as the byte burst is). */
    bool bind;          /* In a filter: bind to INDEX only. */
};

struct tcf_action {
    enum tcf_action_type type;
    char kind[TCF_KIND_LEN]; /* "mirred", "vlan", ... */
    int verdict;             /* tc_gen 'action': TC_ACT_PIPE, ... */
    union {
        struct {
            int eaction; /* TCA_EGRESS_REDIR, TCA_INGRESS_MIRROR, ... */
            uint32_t ifindex;
        } mirred;
        struct {
            int v_action; /* TCA_VLAN_ACT_POP, _PUSH, _MODIFY. */
            uint16_t id;
            uint8_t prio;
            uint16_t proto; /* be16: TPID to push. */
        } vlan;
        struct {
            uint8_t n_keys;
            struct tcf_pedit_key keys[TCF_PEDIT_MAX_KEYS];
        } pedit;
        struct {
            uint32_t flags; /* TCA_CSUM_UPDATE_FLAG_*. */
        } csum;
        struct {
            bool has_ptype;
            uint16_t ptype; /* PACKET_HOST, ... */
        } skbedit;
        struct tcf_tunnel_key tunnel_key;
        struct tcf_police_parms police;
    };
    uint8_t cookie[TCF_COOKIE_LEN];
    uint16_t cookie_len; /* 0: no cookie.  Longer than TCF_COOKIE_LEN:
                          * only the first bytes are kept. */
    struct tcf_counters stats;
};

struct tcf_filter {
    int ifindex;
    uint32_t parent;   /* The hook: tcf_ingress_parent(), _egress_. */
    uint16_t prio;     /* tcm_info's major part. */
    uint16_t protocol; /* be16: tcm_info's minor part (ETH_P_ALL: any). */
    uint32_t handle;
    uint32_t chain;
    char kind[TCF_KIND_LEN]; /* "flower". */
    struct tcf_key key;
    struct tcf_key mask;
    uint32_t flags; /* TCA_FLOWER_FLAGS: TCA_CLS_FLAGS_SKIP_HW/SW asked,
                     * TCA_CLS_FLAGS_IN_HW/NOT_IN_HW in replies. */
    uint32_t in_hw_count;
    size_t n_actions;
    struct tcf_action actions[TCF_MAX_ACTIONS];
};

/* Resets F to an empty flower filter of ours (ingress hook, chain 0) on
 * IFINDEX, matching everything, with no actions. */
void tcf_filter_init(struct tcf_filter *f, int ifindex);

/* Zeroes F's match part and its first action, not the rest of 'actions':
 * a filter is some 15 kB, nearly all of it room for actions that are
 * seldom there, and zeroing it all on every put and every echo was a
 * measurable part of an insert's cost.  So actions at n_actions and past
 * it (but the first) hold garbage, and whoever adds an action writes all
 * of it (tcf-actions.c's append copies a whole action, the parser zeroes
 * each before it fills it). */
void tcf_filter_clear(struct tcf_filter *f);

/* The parent handles of the ingress and egress hooks of a clsact qdisc. */
uint32_t tcf_ingress_parent(void);
uint32_t tcf_egress_parent(void);

/* The hook on which packets that enter the switch from a port of datapath
 * port type TYPE pass its device: ingress for a device of its own
 * ("afpacket", "afxdp", "system", a tunnel type, or no type); egress for "internal" and
 * "tap", tap devices whose file descriptor nicflowd holds, so that what
 * the host stack transmits on them is what the switch receives.  Returns
 * the parent handle, or 0 for a type tc does not serve.  Tunnel ports
 * ("vxlan", "geneve", "gre": tcf_port_is_tunnel()) are served on ingress
 * too; on the userspace datapath they have no kernel device (no ifindex),
 * which port_probe() refuses on its own. */
uint32_t tcf_port_parent(const char *type);

/* True if TYPE is a tunnel port type ("vxlan", "geneve", "gre"): on the
 * kernel datapath a collect-metadata ("external") tunnel device, served on
 * its ingress hook, where decapsulated packets arrive with their tunnel
 * metadata (the enc_* keys); output to it needs tunnel metadata set
 * first (tunnel_key set). */
bool tcf_port_is_tunnel(const char *type);

/* "ingress", "egress" or "parent 0x..." (in a thread-local buffer), for
 * messages. */
const char *tcf_hook_name(uint32_t parent);

/* True if PRIO is in the range the provider allocates from. */
bool tcf_prio_is_ours(uint32_t prio);

/* True if F is one of ours by every rule above on a port whose hook is
 * PARENT (tcf_port_parent()); then *UFID (if nonnull) receives the ufid
 * its cookie carries. */
bool tcf_filter_is_ours(const struct tcf_filter *f, uint32_t parent,
                        struct offload_ufid *ufid);

/* The uint64 handle of offload_put_result: priority and filter handle.
 * tcf_handle_decode() returns false for a value that no put returned
 * (priority outside our range, handle 0). */
uint64_t tcf_handle_encode(uint16_t prio, uint32_t handle);
bool tcf_handle_decode(uint64_t h, uint16_t *prio, uint32_t *handle);

/* Counters of F as a flow's counters: the action that counted the most
 * packets (every packet a filter takes passes its first action; a drop
 * action counts what the others do not).  Police actions are left out:
 * they are shared by every filter of one meter and count them all.  LASTUSE_MS receives how many
 * milliseconds ago the filter last saw a packet, or -1 if it never did. */
void tcf_filter_counters(const struct tcf_filter *f, uint64_t *packets,
                         uint64_t *bytes, uint64_t *hw_packets,
                         long long *lastuse_ms);

/* Compares the filter the kernel reports (GOT, from an echo) with the one
 * asked for (WANT): the match, the skip flags, the actions and their
 * parameters, and the cookie.  Counters, action indexes, the in_hw flags
 * and anything else the kernel fills in itself are ignored.  Returns true
 * if they agree; otherwise false with the name of the first difference
 * in WHAT (e.g. "ipv4_dst", "action 2 (mirred)"). */
bool tcf_filter_agrees(const struct tcf_filter *want,
                       const struct tcf_filter *got, char *what,
                       size_t what_size);

/* Appends a one-line, tc-like description of F ("prio 0x4000 protocol
 * 0x0800 eth_type 0x0800 ipv4_dst 192.0.2.2/255.255.255.255 ... action
 * mirred egress redirect ifindex 3"), for logs and tests. */
void tcf_filter_format(struct buf *b, const struct tcf_filter *f);

/* The flower key fields that map one to one onto a pair of flower
 * attributes (value and, if any, mask).  Shared by the message builder,
 * the reply parser, the comparison and the formatter, so that a field is
 * described in exactly one place.  The VLAN fields and the ethertypes
 * are not here: flower spreads them over several attributes whose meaning
 * depends on one another (see tcf-msg-build.c). */
enum tcf_field_ctx {
    TCF_CTX_ANY,
    TCF_CTX_IP,     /* eth_type IPv4 or IPv6. */
    TCF_CTX_IPV4,   /* eth_type IPv4. */
    TCF_CTX_IPV6,   /* eth_type IPv6. */
    TCF_CTX_TCP,    /* ip_proto 6. */
    TCF_CTX_UDP,    /* ip_proto 17. */
    TCF_CTX_SCTP,   /* ip_proto 132. */
    TCF_CTX_ICMPV4, /* IPv4 and ip_proto 1. */
    TCF_CTX_ICMPV6, /* IPv6 and ip_proto 58. */
    TCF_CTX_ARP,    /* eth_type ARP or RARP. */
};

/* How a field prints. */
enum tcf_field_fmt {
    TCF_FMT_MAC, /* 00:11:22:33:44:55. */
    TCF_FMT_IP4, /* Dotted quad. */
    TCF_FMT_IP6, /* inet_ntop(). */
    TCF_FMT_DEC, /* Decimal (be16 fields converted to host order). */
    TCF_FMT_HEX, /* 0x%x (likewise). */
};

struct tcf_field {
    const char *name;   /* As in messages and tcf_filter_format(). */
    uint16_t attr;      /* TCA_FLOWER_KEY_*. */
    uint16_t mask_attr; /* Its _MASK attribute; 0: exact only. */
    uint16_t ofs;       /* offsetof(struct tcf_key, ...). */
    uint16_t len;
    enum tcf_field_ctx ctx; /* When flower accepts it. */
    enum tcf_field_fmt fmt;
};

extern const struct tcf_field tcf_fields[];
extern const size_t tcf_n_fields;

/* True if the key/mask pair KEY/MASK satisfies CTX: the ethertype and IP
 * protocol it needs are matched exactly. */
bool tcf_field_ctx_ok(enum tcf_field_ctx ctx, const struct tcf_key *key,
                      const struct tcf_key *mask);

/* Checks that the LEN bytes at OPTS are Geneve options that flower and
 * act_tunnel_key can carry: whole option TLVs (each header's length in
 * 4-byte words fits), at most TCF_ENC_OPTS_MAX bytes in all, and every
 * option with TCF_GENEVE_DATA_MIN to TCF_GENEVE_DATA_MAX bytes of data.
 * Returns true, or false with what is wrong in WHY (e.g. "option class
 * 0x102 type 0x80 has no data: tc needs 4 to 124 bytes"). */
bool tcf_geneve_opts_check(const uint8_t *opts, size_t len, char *why,
                           size_t why_size);

/* Fills R with CODE and "tc: " followed by the printf-style message.  The
 * provider's messages are all of this shape; see offload-provider.h. */
void tcf_reason(struct offload_reason *r, enum offload_reason_code code,
                const char *fmt, ...) NF_PRINTF(3, 4);

/* The symbolic name of a positive errno value ("EOPNOTSUPP"), or "errno
 * N" for one without a name here (in a thread-local buffer). */
const char *tcf_errno_name(int error);

#endif /* NICFLOW_TCF_FILTER_H */
