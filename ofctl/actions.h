/* actions.h: OpenFlow actions and instructions, in memory.
 *
 * A list of actions (struct of_acts) is one byte buffer holding a sequence
 * of variable-length action structs, each starting with a struct of_act
 * header that gives its type and total length (a multiple of 8).  Actions
 * with a variable part (note bytes, controller userdata, learn specs,
 * bundle members, set_field value and mask) carry it right after their
 * fixed struct; actions that hold other actions (write_actions, clone,
 * ct's exec) carry them, as a nested list, in the same place.  Every
 * struct is zero-filled before it is written, so two lists are equal
 * exactly when their bytes are (of_acts_equal()).
 *
 * Instructions (meter, apply/clear/write actions, write_metadata,
 * goto_table) sit in the same list, as ovs-ofctl writes them: an action
 * list with no instruction is the apply_actions instruction.
 *
 * The model is wire-independent: fields are named by enum of_field_id,
 * ports use OpenFlow 1.0 numbering (OF_PORT_*), and the later codec chooses
 * the encoding for each OpenFlow version (for example mod_vlan_vid as
 * OFPAT10_SET_VLAN_VID or as push_vlan + set_field). */
#ifndef NICFLOW_OFCTL_ACTIONS_H
#define NICFLOW_OFCTL_ACTIONS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/match.h"

enum of_act_type {
    OF_ACT_OUTPUT = 1,       /* struct of_act_output */
    OF_ACT_OUTPUT_REG,       /* struct of_act_output_reg */
    OF_ACT_CONTROLLER,       /* struct of_act_controller + userdata */
    OF_ACT_ENQUEUE,          /* struct of_act_enqueue */
    OF_ACT_GROUP,            /* struct of_act_u32 */
    OF_ACT_SET_FIELD,        /* struct of_act_set_field + value + mask */
    OF_ACT_MOVE,             /* struct of_act_move */
    OF_ACT_SET_VLAN_VID,     /* struct of_act_u32 (mod_vlan_vid) */
    OF_ACT_SET_VLAN_PCP,     /* struct of_act_u32 (mod_vlan_pcp) */
    OF_ACT_STRIP_VLAN,       /* struct of_act_u32: 1 if spelled pop_vlan */
    OF_ACT_PUSH_VLAN,        /* struct of_act_u32: TPID */
    OF_ACT_SET_L4_SRC,       /* struct of_act_u32 (mod_tp_src) */
    OF_ACT_SET_L4_DST,       /* struct of_act_u32 (mod_tp_dst) */
    OF_ACT_DEC_TTL,          /* struct of_act_dec_ttl + controller ids */
    OF_ACT_SET_MPLS_LABEL,   /* struct of_act_u32 */
    OF_ACT_SET_MPLS_TC,      /* struct of_act_u32 */
    OF_ACT_SET_MPLS_TTL,     /* struct of_act_u32 */
    OF_ACT_DEC_MPLS_TTL,     /* struct of_act */
    OF_ACT_PUSH_MPLS,        /* struct of_act_u32: EtherType */
    OF_ACT_POP_MPLS,         /* struct of_act_u32: EtherType */
    OF_ACT_RESUBMIT,         /* struct of_act_resubmit */
    OF_ACT_SET_QUEUE,        /* struct of_act_u32 */
    OF_ACT_POP_QUEUE,        /* struct of_act */
    OF_ACT_NOTE,             /* struct of_act_note + bytes */
    OF_ACT_LEARN,            /* struct of_act_learn + specs */
    OF_ACT_CONJUNCTION,      /* struct of_act_conjunction */
    OF_ACT_CT,               /* struct of_act_ct + nested exec actions */
    OF_ACT_CT_CLEAR,         /* struct of_act */
    OF_ACT_MULTIPATH,        /* struct of_act_multipath */
    OF_ACT_BUNDLE,           /* struct of_act_bundle + members */
    OF_ACT_FIN_TIMEOUT,      /* struct of_act_fin_timeout */
    OF_ACT_SAMPLE,           /* struct of_act_sample */
    OF_ACT_EXIT,             /* struct of_act */
    OF_ACT_CLONE,            /* struct of_act_nest + nested actions */
    OF_ACT_CHECK_PKT_LARGER, /* struct of_act_check_pkt_larger */
    OF_ACT_SET_TUNNEL,       /* struct of_act_set_tunnel */

    /* Instructions. */
    OF_ACT_METER,          /* struct of_act_u32 */
    OF_ACT_CLEAR_ACTIONS,  /* struct of_act */
    OF_ACT_WRITE_ACTIONS,  /* struct of_act_nest + nested actions */
    OF_ACT_WRITE_METADATA, /* struct of_act_write_metadata */
    OF_ACT_GOTO_TABLE,     /* struct of_act_u32 */
    OF_N_ACT_TYPES
};

#define OF_ACT_ALIGN 8

/* Header of every action. */
struct of_act {
    uint16_t type; /* enum of_act_type. */
    uint16_t pad;
    uint32_t len; /* Bytes, header and variable part included. */
};

/* Bits [OFS, OFS + N_BITS) of a field ("NXM_NX_REG0[0..15]"). */
struct of_subfield {
    uint16_t field; /* enum of_field_id. */
    uint16_t ofs;
    uint16_t n_bits;
    uint16_t pad;
};

/* Most simple actions: one number. */
struct of_act_u32 {
    struct of_act hdr;
    uint32_t value;
    uint32_t pad;
};

struct of_act_output {
    struct of_act hdr;
    uint16_t port;    /* OF_PORT_*. */
    uint16_t max_len; /* For CONTROLLER (and output(max_len=N)). */
    uint32_t pad;
};

struct of_act_output_reg {
    struct of_act hdr;
    struct of_subfield src;
    uint16_t max_len;
    uint16_t pad[3];
};

/* Reasons for a controller action (ovs-actions(7)). */
enum of_ctl_reason {
    OF_CTL_ACTION,
    OF_CTL_NO_MATCH,
    OF_CTL_INVALID_TTL,
    OF_CTL_ACTION_SET,
    OF_CTL_GROUP,
    OF_CTL_PACKET_OUT,
};

struct of_act_controller {
    struct of_act hdr;
    uint16_t max_len;
    uint16_t controller_id;
    uint8_t reason; /* enum of_ctl_reason. */
    uint8_t pause;
    uint16_t userdata_len; /* Bytes of userdata following the struct. */
    uint32_t meter_id;     /* 0: none. */
    uint32_t pad;
};

struct of_act_enqueue {
    struct of_act hdr;
    uint16_t port;
    uint16_t pad;
    uint32_t queue;
};

/* set_field, load and the mod_* actions that are plain field writes
 * (mod_dl_src, mod_nw_src, mod_nw_tos, mod_nw_ecn, mod_nw_ttl).  The
 * field's value and mask follow the struct, of_field n_bytes each. */
#define OF_SET_FIELD_LOAD 0x01 /* Spelled "load:" (printed as such). */
#define OF_SET_FIELD_MOD \
    0x02 /* Spelled mod_dl_*, mod_nw_src/dst or
                                * mod_nw_tos: OpenFlow 1.0 actions, which
                                * ovs-ofctl checks no prerequisites for. */
struct of_act_set_field {
    struct of_act hdr;
    uint16_t field; /* enum of_field_id. */
    uint8_t flags;  /* OF_SET_FIELD_*. */
    uint8_t pad[5];
};

struct of_act_move {
    struct of_act hdr;
    struct of_subfield src;
    struct of_subfield dst;
};

struct of_act_dec_ttl {
    struct of_act hdr;
    uint16_t n_ids; /* Controller ids (uint16_t each) follow. */
    uint16_t pad[3];
};

#define OF_TABLE_NONE 255 /* resubmit: the current table. */
struct of_act_resubmit {
    struct of_act hdr;
    uint16_t port;    /* OF_PORT_IN_PORT for "resubmit(,T)". */
    uint8_t table_id; /* OF_TABLE_NONE: current table. */
    uint8_t with_ct;  /* resubmit(,T,ct). */
    uint32_t pad;
};

struct of_act_note {
    struct of_act hdr;
    uint32_t n_bytes; /* Bytes follow. */
    uint32_t pad;
};

/* Actions holding other actions (write_actions, clone). */
struct of_act_nest {
    struct of_act hdr;
};

struct of_act_conjunction {
    struct of_act hdr;
    uint32_t id;
    uint8_t clause;    /* 0-based. */
    uint8_t n_clauses; /* 2..64. */
    uint16_t pad;
};

/* NAT within ct(). */
#define OF_NAT_SRC 0x01
#define OF_NAT_DST 0x02
#define OF_NAT_PERSISTENT 0x04
#define OF_NAT_HASH 0x08
#define OF_NAT_RANDOM 0x10
struct of_nat {
    uint8_t present; /* nat was given. */
    uint8_t flags;   /* OF_NAT_*. */
    uint8_t af;      /* 0 (no address), AF_INET or AF_INET6. */
    uint8_t has_ports;
    uint16_t port_min, port_max;
    struct in6_addr addr_min, addr_max; /* IPv4 in the first 4 bytes. */
};

#define OF_CT_COMMIT 0x01
#define OF_CT_FORCE 0x02
struct of_act_ct {
    struct of_act hdr;
    uint8_t flags;        /* OF_CT_*. */
    uint8_t recirc_table; /* OF_TABLE_NONE: no recirculation. */
    uint16_t zone_imm;    /* Zone, when zone_src.n_bits is 0. */
    uint16_t alg;         /* ALG port (21 ftp, 69 tftp), or 0. */
    uint16_t pad;
    struct of_subfield zone_src;
    struct of_nat nat;
    /* Nested "exec" actions follow. */
};

/* Hash fields for multipath and bundle (ovs-actions(7)). */
enum of_hash_fields {
    OF_HASH_ETH_SRC,
    OF_HASH_SYMMETRIC_L4,
    OF_HASH_SYMMETRIC_L3L4,
    OF_HASH_SYMMETRIC_L3L4_UDP,
    OF_HASH_NW_SRC,
    OF_HASH_NW_DST,
    OF_HASH_SYMMETRIC_L3,
};

enum of_mp_alg {
    OF_MP_MODULO_N,
    OF_MP_HASH_THRESHOLD,
    OF_MP_HRW,
    OF_MP_ITER_HASH
};

struct of_act_multipath {
    struct of_act hdr;
    uint8_t fields;    /* enum of_hash_fields. */
    uint8_t algorithm; /* enum of_mp_alg. */
    uint16_t basis;
    uint16_t max_link;
    uint16_t pad;
    uint32_t arg;
    struct of_subfield dst;
};

enum of_bundle_alg { OF_BD_ACTIVE_BACKUP, OF_BD_HRW };
struct of_act_bundle {
    struct of_act hdr;
    uint8_t fields;    /* enum of_hash_fields. */
    uint8_t algorithm; /* enum of_bundle_alg. */
    uint16_t basis;
    uint16_t n_members; /* uint16_t ports follow. */
    uint16_t pad;
    struct of_subfield dst; /* bundle_load; n_bits 0 for bundle. */
};

struct of_act_fin_timeout {
    struct of_act hdr;
    uint16_t idle_timeout;
    uint16_t hard_timeout;
    uint32_t pad;
};

enum of_sample_dir { OF_SAMPLE_DEFAULT, OF_SAMPLE_INGRESS, OF_SAMPLE_EGRESS };
struct of_act_sample {
    struct of_act hdr;
    uint16_t probability;
    uint16_t sampling_port; /* OF_PORT_NONE: none. */
    uint32_t collector_set_id;
    uint32_t obs_domain_id;
    uint32_t obs_point_id;
    uint8_t direction; /* enum of_sample_dir. */
    uint8_t pad[7];
};

struct of_act_check_pkt_larger {
    struct of_act hdr;
    uint16_t pkt_len;
    uint16_t pad[3];
    struct of_subfield dst; /* One bit. */
};

struct of_act_set_tunnel {
    struct of_act hdr;
    uint64_t tun_id;
    uint8_t is64; /* Spelled set_tunnel64. */
    uint8_t pad[7];
};

struct of_act_write_metadata {
    struct of_act hdr;
    uint64_t metadata;
    uint64_t mask;
};

/* learn(). */
#define OF_LEARN_SEND_FLOW_REM 0x01
#define OF_LEARN_DELETE_LEARNED 0x02
#define OF_LEARN_WRITE_RESULT 0x04
struct of_act_learn {
    struct of_act hdr;
    uint16_t idle_timeout, hard_timeout;
    uint16_t fin_idle_timeout, fin_hard_timeout;
    uint16_t priority;
    uint8_t table_id;
    uint8_t flags; /* OF_LEARN_*. */
    uint32_t limit;
    uint64_t cookie;
    struct of_subfield result_dst;
    uint16_t n_specs; /* struct of_learn_spec entries follow. */
    uint16_t pad[3];
};

enum of_learn_kind { OF_LEARN_MATCH, OF_LEARN_LOAD, OF_LEARN_OUTPUT };
/* One learn spec: DST (of the learned flow's match or actions) from SRC
 * (a subfield of the packet) or, when SRC_IMM, from an immediate value of
 * N_BITS bits that follows the spec in IMM_BYTES bytes (padded to 8). */
struct of_learn_spec {
    uint8_t kind; /* enum of_learn_kind. */
    uint8_t src_imm;
    uint16_t imm_bytes;
    uint16_t n_bits;
    uint16_t len; /* Bytes of this spec, immediate included. */
    struct of_subfield src;
    struct of_subfield dst;
};

/* ---------------------------------------------------------------------
 * Lists.
 * --------------------------------------------------------------------- */

struct of_acts {
    struct buf buf; /* Sequence of actions. */
};

#define OF_ACTS_INITIALIZER \
    {                       \
        BUF_INITIALIZER     \
    }

void of_acts_init(struct of_acts *);
void of_acts_destroy(struct of_acts *);
void of_acts_clear(struct of_acts *);
bool of_acts_equal(const struct of_acts *, const struct of_acts *);
static inline bool
of_acts_is_empty(const struct of_acts *a)
{
    return a->buf.len == 0;
}

/* Appends a zeroed action of TYPE whose fixed part is SIZE bytes plus
 * EXTRA bytes of variable part (the total rounded up to OF_ACT_ALIGN),
 * and returns it.  The pointer is valid until the next append. */
void *of_acts_put(struct of_acts *, enum of_act_type, size_t size,
                  size_t extra);

/* Nesting: of_acts_put() the outer action, remember its offset with
 * of_acts_offset(), append the inner actions, then of_acts_nest_end()
 * extends the outer action's length over them. */
size_t of_acts_offset(const struct of_acts *, const void *act);
void of_acts_nest_end(struct of_acts *, size_t outer_ofs);

/* Iteration over a list of LEN bytes at DATA (which may be NULL when LEN
 * is 0). */
#define OF_ACT_FOR_EACH(A, DATA, LEN)                                       \
    for (const struct of_act *                                              \
             A = (const struct of_act *) (DATA),                            \
            *A##_end__ =                                                    \
                (const struct of_act *) ((LEN) ? (const uint8_t *) (DATA)   \
                                                     + (LEN)                \
                                               : (const uint8_t *) (DATA)); \
         A < A##_end__;                                                     \
         A = (const struct of_act *) ((const uint8_t *) A + A->len))

/* The variable part of A, after a fixed struct of SIZE bytes. */
static inline const void *
of_act_tail(const struct of_act *a, size_t size)
{
    return (const uint8_t *) a + size;
}

/* The nested list of WRITE_ACTIONS, CLONE and CT actions. */
const struct of_act *of_act_nested(const struct of_act *, size_t *len);

/* set_field: the value and mask following the struct. */
const union of_value *of_act_set_field_value(const struct of_act_set_field *,
                                             union of_value *tmp);
const union of_value *of_act_set_field_mask(const struct of_act_set_field *,
                                            union of_value *tmp);

/* Appends a set_field of F to VALUE/MASK (MASK NULL: exact). */
void of_acts_put_set_field(struct of_acts *, const struct of_field *,
                           const union of_value *value,
                           const union of_value *mask, uint8_t flags);

/* The learn specs, iterated. */
#define OF_LEARN_SPEC_FOR_EACH(S, LEARN)                           \
    for (const struct of_learn_spec *                              \
             S = of_act_tail(&(LEARN)->hdr, sizeof *(LEARN)),      \
            *S##_end__ = (const void *) ((const uint8_t *) (LEARN) \
                                         + (LEARN)->hdr.len);      \
         S < S##_end__ && S->len;                                  \
         S = (const struct of_learn_spec *) ((const uint8_t *) S + S->len))

/* ---------------------------------------------------------------------
 * Text.
 * --------------------------------------------------------------------- */

/* Context for parsing: the match the actions go with (for prerequisite
 * checks, may be NULL) and where errors are reported. */
struct of_act_parse_ctx {
    const struct of_match *match;
    const char *base; /* Start of the whole text, for error offsets. */
    size_t err_ofs;   /* Offset in BASE of the failing part. */
};

/* Parses S, the text after "actions=", appending to ACTS.  Returns NULL,
 * or an error message (caller frees) and sets CTX->err_ofs.  "drop" (or
 * an empty S) is the empty list. */
char *of_acts_parse(const char *s, struct of_acts *,
                    struct of_act_parse_ctx *);

/* Checks ACTS against MATCH as ovs-ofctl does before sending a flow:
 * fields written or read need their prerequisites (tracking what push and
 * pop actions change), ct() needs IP, instructions must come in OpenFlow
 * order.  Returns NULL or an error message (caller frees). */
char *of_acts_check(const struct of_acts *, const struct of_match *);

/* True if ACTS can go with MATCH in OpenFlow 1.1+, where Open vSwitch
 * checks the prerequisites of the OpenFlow 1.0 actions it otherwise lets
 * pass (mod_nw_src needs IP, strip_vlan a VLAN, dec_ttl IP, mpls actions
 * MPLS, fin_timeout TCP): ovs-ofctl then sends such flows only in 1.0. */
bool of_acts_ok_for_of11(const struct of_acts *, const struct of_match *);

/* of_acts_check() plus the OpenFlow 1.1+ checks of of_acts_ok_for_of11():
 * what a switch applies to the actions of a 1.1+ message (Open vSwitch
 * refuses them with OFPBAC_MATCH_INCONSISTENT).  NULL or a message. */
char *of_acts_check_of11(const struct of_acts *, const struct of_match *);

/* Appends ACTS as "ovs-ofctl dump-flows" prints them (OpenFlow 1.0 +
 * Nicira extensions, its default), "drop" for an empty list. */
void of_acts_format(const struct of_acts *, struct buf *);
void of_acts_format_raw(const void *data, size_t len, struct buf *);

/* Appends ACTS as ovs-ofctl prints actions it received in OpenFlow
 * VERSION (1 = 1.0, as of_acts_format(); 2 and up: a set_field prints as
 * "set_field:VALUE->FIELD" unless it was a load, strip_vlan as pop_vlan). */
void of_acts_format_view(const struct of_acts *, uint8_t version,
                         struct buf *);

#endif /* NICFLOW_OFCTL_ACTIONS_H */
