/* dp-execute.c: runs datapath action lists on packets (see dp-execute.h).
 *
 * Actions are dispatched through a table indexed by OVS_ACTION_ATTR_* that
 * also gives each action's payload size, so a wrong-sized attribute is
 * caught in one place before any handler reads it.  set and set_masked
 * live in dp-execute-set.c. */
#include "softpath/dp-execute.h"

#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/flow.h"
#include "lib/hash.h"
#include "softpath/netdev.h"
#include "softpath/odp.h"

COVERAGE_DEFINE(dp_execute_malformed);
COVERAGE_DEFINE(dp_execute_ct);
COVERAGE_DEFINE(dp_execute_drop);
COVERAGE_DEFINE(dp_execute_meter_drop);
COVERAGE_DEFINE(dp_execute_push_vlan_failed);
COVERAGE_DEFINE(dp_execute_tnl_pop_no_vport);

/* The state of one action list being run.  Nested lists (clone, sample)
 * get their own, as in the kernel datapath: a trunc outside a clone does
 * not cut the clone's outputs. */
struct exec {
    const struct dp_execute_hooks *hooks;
    const struct dp_execute_tnl *tnl; /* May be NULL. */
    uint32_t cutlen;                  /* Pending trunc length, 0 if none. */
    int depth; /* Nesting level, bounded by ODP_MAX_NESTING. */
};

static void execute_list(struct pkt *p, const void *actions, size_t len,
                         const struct dp_execute_hooks *hooks,
                         const struct dp_execute_tnl *tnl, int depth);

/* ---------------------------------------------------------------------
 * Actions.
 *
 * Each handler runs one action on P and returns P if it is still to be
 * worked on, or NULL if P was consumed (handed to a hook or freed).  LAST
 * says that no action follows, so P itself may be handed over instead of a
 * copy.
 * --------------------------------------------------------------------- */

/* Returns a copy of P, cut to E's pending trunc length if there is one. */
static struct pkt *
copy_for_output(const struct exec *e, const struct pkt *p)
{
    struct pkt *c = pkt_clone(p);

    if (e->cutlen) {
        pkt_truncate(c, e->cutlen);
    }
    return c;
}

/* The packet an output sends: *PP itself when the output is the LAST
 * action (*PP is then NULL: the caller no longer owns it), else a copy;
 * either way truncated as a pending trunc action asked. */
static struct pkt *
take_for_output(struct exec *e, struct pkt **pp, bool last)
{
    struct pkt *out;

    if (last) {
        if (e->cutlen) {
            pkt_truncate(*pp, e->cutlen);
        }
        out = *pp;
        *pp = NULL;
    } else {
        out = copy_for_output(e, *pp);
    }
    e->cutlen = 0;
    return out;
}

static struct pkt *
do_output(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    uint32_t port = mnl_attr_get_u32(a);
    struct pkt *out = take_for_output(e, &p, last);

    if (e->hooks->output) {
        e->hooks->output(e->hooks->aux, out, port);
    } else {
        pkt_delete(out);
    }
    return p;
}

static struct pkt *
do_userspace(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    if (e->hooks->userspace) {
        if (e->cutlen && e->cutlen < p->size) {
            struct pkt *c = copy_for_output(e, p);
            e->hooks->userspace(e->hooks->aux, c, a);
            pkt_delete(c);
        } else {
            e->hooks->userspace(e->hooks->aux, p, a);
        }
    }
    e->cutlen = 0;
    return p;
}

static struct pkt *
do_set(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    if (!dp_execute_set_action(p, a, false)) {
        pkt_delete(p);
        return NULL;
    }
    return p;
}

static struct pkt *
do_set_masked(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    if (!dp_execute_set_action(p, a, true)) {
        pkt_delete(p);
        return NULL;
    }
    return p;
}

static struct pkt *
do_push_vlan(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    struct ovs_action_push_vlan pv;

    memcpy(&pv, mnl_attr_get_payload(a), sizeof pv);
    /* The action's TCI carries the "present" (CFI) bit of the flow
     * format, which is not what goes on the wire. */
    if (pkt_push_vlan(p, pv.vlan_tpid,
                      pv.vlan_tci & (uint16_t) ~PKT_HTONS(VLAN_CFI))) {
        COVERAGE_INC(dp_execute_push_vlan_failed);
        pkt_delete(p);
        return NULL;
    }
    return p;
}

static struct pkt *
do_pop_vlan(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    /* Popping from an untagged frame does nothing, as in the kernel. */
    pkt_pop_vlan(p);
    return p;
}

static struct pkt *
do_recirc(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    struct pkt *r = last ? p : pkt_clone(p);
    uint32_t id = mnl_attr_get_u32(a);

    r->recirc_id = id;
    if (e->hooks->recirc) {
        e->hooks->recirc(e->hooks->aux, r, id);
    } else {
        pkt_delete(r);
    }
    return last ? NULL : p;
}

/* The 5-tuple hash of Open vSwitch's flow_hash_5tuple() (what its
 * userspace datapath uses for OVS_HASH_ALG_L4), built on lib/hash.h.  With
 * SYMMETRIC, source and destination are combined first so that both
 * directions of a connection hash alike. */
static uint32_t
hash_5tuple(const struct flow *f, uint32_t basis, bool symmetric)
{
    uint32_t hash = basis;
    uint16_t dl_type = PKT_NTOHS(f->dl_type);

    if (dl_type == ETH_TYPE_IPV6) {
        for (int i = 0; i < 4; i++) {
            uint32_t s, d;
            memcpy(&s, f->ipv6_src.s6_addr + 4 * i, 4);
            memcpy(&d, f->ipv6_dst.s6_addr + 4 * i, 4);
            hash = symmetric ? hash_add(hash, s ^ d)
                             : hash_add(hash_add(hash, s), d);
        }
    } else if (dl_type == ETH_TYPE_IP || dl_type == ETH_TYPE_ARP) {
        hash = symmetric ? hash_add(hash, f->nw_src ^ f->nw_dst)
                         : hash_add(hash_add(hash, f->nw_src), f->nw_dst);
    } else {
        return hash_finish(hash, 42);
    }
    hash = hash_add(hash, f->nw_proto);
    if (f->nw_proto == IPPROTO_TCP || f->nw_proto == IPPROTO_UDP
        || f->nw_proto == IPPROTO_SCTP) {
        hash = symmetric
                   ? hash_add(hash, f->tp_src ^ f->tp_dst)
                   : hash_add(hash, (uint32_t) f->tp_dst << 16 | f->tp_src);
    }
    return hash_finish(hash, 42);
}

static struct pkt *
do_hash(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    struct ovs_action_hash h;
    struct flow f;

    memcpy(&h, mnl_attr_get_payload(a), sizeof h);
    if (h.hash_alg > 1) { /* OVS_HASH_ALG_L4 and OVS_HASH_ALG_SYM_L4. */
        COVERAGE_INC(dp_execute_malformed);
        pkt_delete(p);
        return NULL;
    }
    /* The frame may have changed since the lookup: extract it again. */
    flow_extract(p, &f);
    p->dp_hash = hash_5tuple(&f, h.hash_basis, h.hash_alg == 1);
    if (!p->dp_hash) {
        p->dp_hash = 1; /* 0 means "no hash computed". */
    }
    return p;
}

/* Runs the nested action list A on P itself if LAST, else on a copy. */
static struct pkt *
run_nested(struct exec *e, struct pkt *p, const void *acts, size_t len,
           bool last)
{
    if (last) {
        execute_list(p, acts, len, e->hooks, e->tnl, e->depth + 1);
        return NULL;
    }
    execute_list(pkt_clone(p), acts, len, e->hooks, e->tnl, e->depth + 1);
    return p;
}

static struct pkt *
do_sample(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    const struct nlattr *s, *prob = NULL, *acts = NULL;

    mnl_attr_for_each_nested(s, a)
    {
        if (mnl_attr_get_type(s) == OVS_SAMPLE_ATTR_PROBABILITY
            && mnl_attr_get_payload_len(s) == 4) {
            prob = s;
        } else if (mnl_attr_get_type(s) == OVS_SAMPLE_ATTR_ACTIONS) {
            acts = s;
        }
    }
    if (!prob || !acts) {
        COVERAGE_INC(dp_execute_malformed);
        pkt_delete(p);
        return NULL;
    }
    /* As Open vSwitch: a probability of UINT32_MAX always samples, 0
     * never. */
    uint32_t probability = mnl_attr_get_u32(prob);
    if (!probability || dp_execute_random() > probability) {
        if (last) {
            pkt_delete(p);
            return NULL;
        }
        return p;
    }
    return run_nested(e, p, mnl_attr_get_payload(acts),
                      mnl_attr_get_payload_len(acts), last);
}

static struct pkt *
do_clone(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    return run_nested(e, p, mnl_attr_get_payload(a),
                      mnl_attr_get_payload_len(a), last);
}

static struct pkt *
do_trunc(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    uint32_t n = mnl_attr_get_u32(a);

    /* Cutting to nothing would leave no frame; the kernel refuses lengths
     * below an Ethernet header, and so does this. */
    e->cutlen = n < ETH_HEADER_LEN ? ETH_HEADER_LEN : n;
    return p;
}

static struct pkt *
do_meter(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    if (e->hooks->meter
        && !e->hooks->meter(e->hooks->aux, p, mnl_attr_get_u32(a))) {
        COVERAGE_INC(dp_execute_meter_drop);
        pkt_delete(p);
        return NULL;
    }
    return p;
}

static struct pkt *
do_ct(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    /* No connection tracker yet: a flow that needs one cannot be followed,
     * and forwarding without it could bypass a firewall. */
    COVERAGE_INC(dp_execute_ct);
    pkt_delete(p);
    return NULL;
}

static struct pkt *
do_nothing(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    return p;
}

/* Pushes the tunnel header of action A onto OUT and sends it. */
static void
tnl_push_one(struct exec *e, struct pkt *out, const struct nlattr *a,
             uint16_t min, uint16_t max)
{
    const struct dp_execute_hooks *h = e->hooks;
    uint32_t port;
    struct flow f;

    flow_extract(out, &f);
    if (!dp_execute_tnl_push(out, mnl_attr_get_payload(a),
                             mnl_attr_get_payload_len(a),
                             hash_5tuple(&f, 0, false), min, max, &port)) {
        pkt_delete(out);
    } else if (h->output) {
        h->output(h->aux, out, port);
    } else {
        pkt_delete(out);
    }
}

static struct pkt *
do_tnl_push(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    uint16_t min = e->tnl ? e->tnl->src_min : 0;
    uint16_t max = e->tnl ? e->tnl->src_max : 0;
    struct virtio_net_hdr vh;
    struct pkt *out;

    if ((!min && !max) || min > max) {
        min = DP_EXECUTE_TNL_SRC_MIN;
        max = DP_EXECUTE_TNL_SRC_MAX;
    }
    /* An offloaded packet (a GSO super-frame, a checksum left to the
     * device) is finished first: once encapsulated, no virtio net header
     * could describe it.  A copy has lost the header (pkt_clone() does
     * not copy headroom), so it is read from the original. */
    bool offloaded = netdev_pkt_get_vnet_hdr(p, &vh);
    out = take_for_output(e, &p, last);
    if (offloaded) {
        netdev_pkt_clear_vnet_hdr(out);
        if ((vh.gso_type & ~VIRTIO_NET_HDR_GSO_ECN)
            != VIRTIO_NET_HDR_GSO_NONE) {
            struct pkt **segs;
            size_t n = netdev_gso_segment(out, &vh, &segs);

            pkt_delete(out);
            for (size_t i = 0; i < n; i++) {
                tnl_push_one(e, segs[i], a, min, max);
            }
            free(segs);
            return p;
        }
        if (!netdev_gso_finish_csum(out, &vh)) {
            pkt_delete(out);
            return p;
        }
    }
    tnl_push_one(e, out, a, min, max);
    return p;
}

/* Pops the tunnel header of port PORT (of type TYPE, UDP port DST_PORT)
 * from R and sends what is inside round again; frees R if it is no
 * tunnel frame. */
static void
tnl_pop_one(struct exec *e, struct pkt *r, uint32_t port, uint32_t type,
            uint16_t dst_port)
{
    const struct dp_execute_hooks *h = e->hooks;

    if (!dp_execute_tnl_pop(r, type, dst_port)) {
        pkt_delete(r); /* Counted by reason. */
    } else {
        r->in_port = port;
        r->recirc_id = 0;
        if (h->recirc) {
            h->recirc(h->aux, r, 0);
        } else {
            pkt_delete(r);
        }
    }
}

static struct pkt *
do_tnl_pop(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    const struct dp_execute_hooks *h = e->hooks;
    uint32_t port = mnl_attr_get_u32(a), type;
    uint16_t dst_port;
    struct virtio_net_hdr vh;

    if (!e->tnl || !e->tnl->tnl_port
        || !e->tnl->tnl_port(h->aux, port, &type, &dst_port)) {
        COVERAGE_INC(dp_execute_tnl_pop_no_vport);
        if (last) {
            pkt_delete(p);
        }
        return last ? NULL : p;
    }
    /* A GSO super-frame of tunnel datagrams (UDP_L4: a sender that merged
     * them, as netdev-gro.c does) is cut into its datagrams first: each
     * carries a tunnel header of its own. */
    if (netdev_pkt_get_vnet_hdr(p, &vh)
        && (vh.gso_type & ~VIRTIO_NET_HDR_GSO_ECN)
               != VIRTIO_NET_HDR_GSO_NONE) {
        struct pkt **segs;
        size_t n = netdev_gso_segment(p, &vh, &segs);

        for (size_t i = 0; i < n; i++) {
            tnl_pop_one(e, segs[i], port, type, dst_port);
        }
        free(segs);
        if (last) {
            pkt_delete(p);
        }
        return last ? NULL : p;
    }
    tnl_pop_one(e, last ? p : pkt_clone(p), port, type, dst_port);
    return last ? NULL : p;
}

static struct pkt *
do_drop(struct exec *e, struct pkt *p, const struct nlattr *a, bool last)
{
    COVERAGE_INC(dp_execute_drop);
    pkt_delete(p);
    return NULL;
}

/* One action type: its payload length (or ACT_VARIABLE, checked by the
 * handler) and its handler. */
struct action_handler {
    int len;
    struct pkt *(*run)(struct exec *, struct pkt *, const struct nlattr *,
                       bool last);
};
#define ACT_VARIABLE (-1)

/* clang-format off */
static const struct action_handler action_handlers[] = {
    [OVS_ACTION_ATTR_OUTPUT] = { 4, do_output },
    [OVS_ACTION_ATTR_USERSPACE] = { ACT_VARIABLE, do_userspace },
    [OVS_ACTION_ATTR_SET] = { ACT_VARIABLE, do_set },
    [OVS_ACTION_ATTR_PUSH_VLAN] = { sizeof(struct ovs_action_push_vlan),
                                    do_push_vlan },
    [OVS_ACTION_ATTR_POP_VLAN] = { 0, do_pop_vlan },
    [OVS_ACTION_ATTR_SAMPLE] = { ACT_VARIABLE, do_sample },
    [OVS_ACTION_ATTR_RECIRC] = { 4, do_recirc },
    [OVS_ACTION_ATTR_HASH] = { sizeof(struct ovs_action_hash), do_hash },
    [OVS_ACTION_ATTR_SET_MASKED] = { ACT_VARIABLE, do_set_masked },
    [OVS_ACTION_ATTR_CT] = { ACT_VARIABLE, do_ct },
    [OVS_ACTION_ATTR_TRUNC] = { sizeof(struct ovs_action_trunc), do_trunc },
    [OVS_ACTION_ATTR_CT_CLEAR] = { 0, do_nothing },
    [OVS_ACTION_ATTR_METER] = { 4, do_meter },
    [OVS_ACTION_ATTR_CLONE] = { ACT_VARIABLE, do_clone },
    [ODP_ACTION_ATTR_DROP] = { 4, do_drop },
    [ODP_ACTION_ATTR_TUNNEL_PUSH] = { ACT_VARIABLE, do_tnl_push },
    [ODP_ACTION_ATTR_TUNNEL_POP] = { 4, do_tnl_pop },
};
/* clang-format on */

static void
execute_list(struct pkt *p, const void *actions, size_t len,
             const struct dp_execute_hooks *hooks,
             const struct dp_execute_tnl *tnl, int depth)
{
    struct exec e = {
        .hooks = hooks, .tnl = tnl, .cutlen = 0, .depth = depth
    };
    const struct nlattr *a = actions;
    int rem;

    if (depth > ODP_MAX_NESTING || len > INT32_MAX) {
        goto malformed;
    }
    rem = (int) len;
    while (p && mnl_attr_ok(a, rem)) {
        uint16_t type = mnl_attr_get_type(a);
        const struct action_handler *h;
        int next_rem = rem - (int) MNL_ALIGN(a->nla_len);

        if (type >= ARRAY_SIZE(action_handlers)
            || !(h = &action_handlers[type])->run
            || (h->len != ACT_VARIABLE
                && mnl_attr_get_payload_len(a) != (size_t) h->len)) {
            goto malformed;
        }
        p = h->run(&e, p, a, next_rem <= 0);
        rem = next_rem;
        a = mnl_attr_next(a);
    }
    if (!p) {
        return;
    }
    if (rem > 0) {
        goto malformed; /* A truncated attribute ends the list. */
    }
    /* The list ended without handing the packet over: an implicit drop. */
    pkt_delete(p);
    return;

malformed:
    COVERAGE_INC(dp_execute_malformed);
    pkt_delete(p);
}

void
dp_execute_actions(struct pkt *p, const void *actions, size_t len,
                   const struct dp_execute_hooks *hooks)
{
    dp_execute_actions_tnl(p, actions, len, hooks, NULL);
}

void
dp_execute_actions_tnl(struct pkt *p, const void *actions, size_t len,
                       const struct dp_execute_hooks *hooks,
                       const struct dp_execute_tnl *tnl)
{
    if (!p) {
        return;
    }
    if (p->l2_ofs == PKT_OFS_NONE) {
        struct flow f;
        flow_extract(p, &f);
    }
    execute_list(p, actions, len, hooks, tnl, 0);
}

void
dp_execute_actions_batch(struct pkt **pkts, size_t n, const void *actions,
                         size_t len, const struct dp_execute_hooks *hooks)
{
    for (size_t i = 0; i < n; i++) {
        dp_execute_actions(pkts[i], actions, len, hooks);
    }
}

/* The sample action's random source: xorshift32, per thread, so that
 * threads neither contend nor disturb each other's sequences. */
static __thread uint32_t random_state = 0x9e3779b9u;

void
dp_execute_seed_random(uint32_t seed)
{
    /* Xorshift never leaves the all-zero state: avoid it. */
    random_state = seed ? seed : 0x9e3779b9u;
}

uint32_t
dp_execute_random(void)
{
    uint32_t x = random_state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    random_state = x;
    return x;
}
