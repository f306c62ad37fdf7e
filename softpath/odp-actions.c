/* odp-actions.c: OVS_ACTION_ATTR_* lists: encoders, a validator driven by
 * a policy table, the dump-flows printer and its parser.
 *
 * Text forms (those of ovs-dpctl): "3" (output), "drop",
 * "userspace(pid=N[,userdata(HEX)][,tunnel_out_port=N][,actions])",
 * "set(ATTR)" (set_masked prints the same way with "/mask" fields),
 * "push_vlan([tpid=0x88a8,]vid=N,pcp=N)", "pop_vlan",
 * "sample(sample=P%,actions(LIST))", "recirc(0x1)", "hash(l4(N))",
 * "trunc(N)", "meter(N)", "clone(LIST)", "ct(commit,zone=N,mark=V/M)",
 * "ct_clear", and the userspace-only "tnl_push(...)" (odp-tnl.c) and
 * "tnl_pop(N)". */
#include "softpath/odp.h"

#include <ctype.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shapes of an action's payload. */
enum act_kind {
    ACT_FIXED,     /* Exactly LEN bytes. */
    ACT_NESTED,    /* Attributes, checked by the action's own code. */
    ACT_ACTIONS,   /* A nested action list. */
    ACT_SET,       /* One key attribute. */
    ACT_SET_MASKED /* One key attribute, value then mask. */
};

struct act_policy {
    const char *name;
    enum act_kind kind;
    int len;
};

static const struct act_policy act_policies[] = {
    [OVS_ACTION_ATTR_OUTPUT] = { "output", ACT_FIXED, 4 },
    [OVS_ACTION_ATTR_USERSPACE] = { "userspace", ACT_NESTED, 0 },
    [OVS_ACTION_ATTR_SET] = { "set", ACT_SET, 0 },
    [OVS_ACTION_ATTR_PUSH_VLAN] = { "push_vlan", ACT_FIXED,
                                    sizeof(struct ovs_action_push_vlan) },
    [OVS_ACTION_ATTR_POP_VLAN] = { "pop_vlan", ACT_FIXED, 0 },
    [OVS_ACTION_ATTR_SAMPLE] = { "sample", ACT_NESTED, 0 },
    [OVS_ACTION_ATTR_RECIRC] = { "recirc", ACT_FIXED, 4 },
    [OVS_ACTION_ATTR_HASH] = { "hash", ACT_FIXED,
                               sizeof(struct ovs_action_hash) },
    [OVS_ACTION_ATTR_SET_MASKED] = { "set", ACT_SET_MASKED, 0 },
    [OVS_ACTION_ATTR_CT] = { "ct", ACT_NESTED, 0 },
    [OVS_ACTION_ATTR_TRUNC] = { "trunc", ACT_FIXED, 4 },
    [OVS_ACTION_ATTR_CT_CLEAR] = { "ct_clear", ACT_FIXED, 0 },
    [OVS_ACTION_ATTR_METER] = { "meter", ACT_FIXED, 4 },
    [OVS_ACTION_ATTR_CLONE] = { "clone", ACT_ACTIONS, 0 },
    [ODP_ACTION_ATTR_DROP] = { "drop", ACT_FIXED, 4 },
    [ODP_ACTION_ATTR_TUNNEL_PUSH] = { "tnl_push", ACT_NESTED, 0 },
    [ODP_ACTION_ATTR_TUNNEL_POP] = { "tnl_pop", ACT_FIXED, 4 },
};

/* Nested attributes of userspace(), sample() and ct(): expected lengths,
 * -1 for any. */
struct sub_policy {
    const char *name;
    int len;
};
static const struct sub_policy userspace_policy[] = {
    [OVS_USERSPACE_ATTR_PID] = { "pid", 4 },
    [OVS_USERSPACE_ATTR_USERDATA] = { "userdata", -1 },
    [OVS_USERSPACE_ATTR_EGRESS_TUN_PORT] = { "tunnel_out_port", 4 },
    [OVS_USERSPACE_ATTR_ACTIONS] = { "actions", 0 },
};
static const struct sub_policy sample_policy[] = {
    [OVS_SAMPLE_ATTR_PROBABILITY] = { "probability", 4 },
    [OVS_SAMPLE_ATTR_ACTIONS] = { "actions", -1 },
};
static const struct sub_policy ct_policy[] = {
    [OVS_CT_ATTR_COMMIT] = { "commit", 0 },
    [OVS_CT_ATTR_ZONE] = { "zone", 2 },
    [OVS_CT_ATTR_MARK] = { "mark", 8 },
    [OVS_CT_ATTR_LABELS] = { "labels", 32 },
    [OVS_CT_ATTR_FORCE_COMMIT] = { "force_commit", 0 },
    [OVS_CT_ATTR_EVENTMASK] = { "eventmask", 4 },
};

_Static_assert(ARRAY_SIZE(ct_policy) <= OVS_CT_ATTR_MAX + 1
                   && ARRAY_SIZE(userspace_policy) <= OVS_CT_ATTR_MAX + 1
                   && ARRAY_SIZE(sample_policy) <= OVS_CT_ATTR_MAX + 1,
               "validate_one()'s sub[] must hold every nested policy");

/* Key attributes set() may carry, as the kernel allows. */
static const bool settable[OVS_KEY_ATTR_MAX + 1] = {
    [OVS_KEY_ATTR_PRIORITY] = true, [OVS_KEY_ATTR_SKB_MARK] = true,
    [OVS_KEY_ATTR_TUNNEL] = true,   [OVS_KEY_ATTR_ETHERNET] = true,
    [OVS_KEY_ATTR_IPV4] = true,     [OVS_KEY_ATTR_IPV6] = true,
    [OVS_KEY_ATTR_TCP] = true,      [OVS_KEY_ATTR_UDP] = true,
    [OVS_KEY_ATTR_SCTP] = true,     [OVS_KEY_ATTR_MPLS] = true,
    [OVS_KEY_ATTR_ND] = true,
};

/* Encoders. */

static void
put(struct buf *out, uint16_t type, const void *data, size_t len)
{
    struct nlattr *a = buf_put_zeros(out, MNL_ALIGN(MNL_ATTR_HDRLEN + len));

    a->nla_type = type;
    a->nla_len = MNL_ATTR_HDRLEN + len;
    if (len) {
        memcpy(a + 1, data, len);
    }
}

static void
put_u32(struct buf *out, uint16_t type, uint32_t v)
{
    put(out, type, &v, 4);
}

void
odp_put_output(struct buf *out, uint32_t port)
{
    put_u32(out, OVS_ACTION_ATTR_OUTPUT, port);
}

void
odp_put_userspace(struct buf *out, uint32_t pid, const void *userdata,
                  size_t userdata_len)
{
    size_t start = odp_put_nested_start(out, OVS_ACTION_ATTR_USERSPACE);

    put_u32(out, OVS_USERSPACE_ATTR_PID, pid);
    if (userdata) {
        put(out, OVS_USERSPACE_ATTR_USERDATA, userdata, userdata_len);
    }
    odp_put_nested_end(out, start);
}

void
odp_put_push_vlan(struct buf *out, uint16_t tpid_be, uint16_t tci_be)
{
    struct ovs_action_push_vlan pv = { tpid_be, tci_be };

    put(out, OVS_ACTION_ATTR_PUSH_VLAN, &pv, sizeof pv);
}

void
odp_put_pop_vlan(struct buf *out)
{
    put(out, OVS_ACTION_ATTR_POP_VLAN, NULL, 0);
}

void
odp_put_recirc(struct buf *out, uint32_t recirc_id)
{
    put_u32(out, OVS_ACTION_ATTR_RECIRC, recirc_id);
}

void
odp_put_hash(struct buf *out, uint32_t alg, uint32_t basis)
{
    struct ovs_action_hash h = { alg, basis };

    put(out, OVS_ACTION_ATTR_HASH, &h, sizeof h);
}

void
odp_put_trunc(struct buf *out, uint32_t max_len)
{
    put_u32(out, OVS_ACTION_ATTR_TRUNC, max_len);
}

void
odp_put_meter(struct buf *out, uint32_t meter_id)
{
    put_u32(out, OVS_ACTION_ATTR_METER, meter_id);
}

void
odp_put_drop(struct buf *out, uint32_t reason)
{
    put_u32(out, ODP_ACTION_ATTR_DROP, reason);
}

void
odp_put_set(struct buf *out, uint16_t key_type, const void *value,
            const void *mask, size_t len)
{
    size_t start = odp_put_nested_start(out, mask ? OVS_ACTION_ATTR_SET_MASKED
                                                  : OVS_ACTION_ATTR_SET);
    struct nlattr *a =
        buf_put_zeros(out, MNL_ALIGN(MNL_ATTR_HDRLEN + len * (mask ? 2 : 1)));

    a->nla_type = key_type;
    a->nla_len = MNL_ATTR_HDRLEN + len * (mask ? 2 : 1);
    memcpy(a + 1, value, len);
    if (mask) {
        memcpy((uint8_t *) (a + 1) + len, mask, len);
    }
    odp_put_nested_end(out, start);
}

/* Validation. */

struct validator {
    const uint8_t *base;
    char **errp;
};

static int NF_PRINTF(3, 4) vfail(const struct validator *v,
                                 const struct nlattr *a, const char *fmt, ...)
{
    if (v->errp && !*v->errp) {
        va_list args;
        va_start(args, fmt);
        char *msg = xvasprintf(fmt, args);
        va_end(args);
        *v->errp =
            xasprintf("action type %u at offset %zu: %s", mnl_attr_get_type(a),
                      (size_t) ((const uint8_t *) a - v->base), msg);
        free(msg);
    }
    return EINVAL;
}

static int validate_list(const struct validator *v, const void *data,
                         size_t len, int depth);

/* Checks the nested attributes of A against POLICY (N entries), storing
 * each in SEEN[type]. */
static int
validate_sub(const struct validator *v, const struct nlattr *a,
             const struct sub_policy *policy, size_t n,
             const struct nlattr **seen)
{
    const struct nlattr *s = mnl_attr_get_payload(a);
    int rem = mnl_attr_get_payload_len(a);

    memset(seen, 0, n * sizeof *seen);
    while (mnl_attr_ok(s, rem)) {
        uint16_t t = mnl_attr_get_type(s);
        size_t plen = mnl_attr_get_payload_len(s);
        if (t >= n || !policy[t].name) {
            return vfail(v, s, "unknown nested attribute %u", t);
        }
        if (seen[t]) {
            return vfail(v, s, "%s repeated", policy[t].name);
        }
        if (policy[t].len >= 0 && plen != (size_t) policy[t].len) {
            return vfail(v, s, "%s has length %zu, expected %d",
                         policy[t].name, plen, policy[t].len);
        }
        seen[t] = s;
        rem -= MNL_ALIGN(s->nla_len);
        s = mnl_attr_next(s);
    }
    if (rem > 0) {
        return vfail(v, a, "truncated nested attribute");
    }
    return 0;
}

static int
validate_set(const struct validator *v, const struct nlattr *a, bool masked)
{
    const struct nlattr *k = mnl_attr_get_payload(a);
    int len = mnl_attr_get_payload_len(a);

    if (!mnl_attr_ok(k, len) || (int) MNL_ALIGN(k->nla_len) < len) {
        return vfail(v, a, "must hold exactly one key attribute");
    }
    uint16_t type = mnl_attr_get_type(k);
    size_t plen = mnl_attr_get_payload_len(k);
    const struct odp_key_policy *p = odp_key_policy(type);
    if (type > OVS_KEY_ATTR_MAX || !settable[type]
        || (masked && type == OVS_KEY_ATTR_TUNNEL)) {
        return vfail(v, a, "cannot set %s", odp_key_name(type));
    }
    size_t want = p->len >= 0 ? (size_t) p->len : plen / (masked ? 2 : 1);
    if (p->len == ODP_LEN_MPLS) {
        want = 4;
    }
    if (p->len != ODP_LEN_NESTED && plen != want * (masked ? 2 : 1)) {
        return vfail(v, a, "%s has length %zu, expected %zu", p->name, plen,
                     want * (masked ? 2 : 1));
    }
    if (type == OVS_KEY_ATTR_TUNNEL) {
        struct flow f;
        char *err = NULL;
        if (odp_key_to_flow(k, MNL_ALIGN(k->nla_len), &f, &err)) {
            int r = vfail(v, a, "%s", err);
            free(err);
            return r;
        }
    }
    return 0;
}

static int
validate_one(const struct validator *v, const struct nlattr *a, int depth)
{
    uint16_t type = mnl_attr_get_type(a);
    size_t plen = mnl_attr_get_payload_len(a);
    const struct act_policy *p;
    const struct nlattr *sub[OVS_CT_ATTR_MAX + 1];
    int err;

    if (type >= ARRAY_SIZE(act_policies) || !act_policies[type].name) {
        return vfail(v, a, "unknown action");
    }
    p = &act_policies[type];
    switch (p->kind) {
    case ACT_FIXED:
        if (plen != (size_t) p->len) {
            return vfail(v, a, "%s has length %zu, expected %d", p->name, plen,
                         p->len);
        }
        break;
    case ACT_SET:
    case ACT_SET_MASKED:
        return validate_set(v, a, p->kind == ACT_SET_MASKED);
    case ACT_ACTIONS:
        if (depth >= ODP_MAX_NESTING) {
            return vfail(v, a, "nested too deep");
        }
        return validate_list(v, mnl_attr_get_payload(a), plen, depth + 1);
    case ACT_NESTED:
        break;
    }
    if (type == OVS_ACTION_ATTR_PUSH_VLAN) {
        const struct ovs_action_push_vlan *pv = mnl_attr_get_payload(a);
        uint16_t tpid = PKT_NTOHS(pv->vlan_tpid);
        if (tpid != ETH_TYPE_VLAN_8021Q && tpid != ETH_TYPE_VLAN_8021AD) {
            return vfail(v, a, "push_vlan TPID 0x%04x is not 802.1Q/ad", tpid);
        }
        if (!(PKT_NTOHS(pv->vlan_tci) & VLAN_CFI)) {
            return vfail(v, a, "push_vlan TCI lacks the present (CFI) bit");
        }
    } else if (type == OVS_ACTION_ATTR_HASH) {
        const struct ovs_action_hash *h = mnl_attr_get_payload(a);
        if (h->hash_alg > 1) {
            return vfail(v, a, "unknown hash algorithm %u", h->hash_alg);
        }
    } else if (type == OVS_ACTION_ATTR_USERSPACE) {
        err = validate_sub(v, a, userspace_policy,
                           ARRAY_SIZE(userspace_policy), sub);
        if (!err && !sub[OVS_USERSPACE_ATTR_PID]) {
            err = vfail(v, a, "userspace without pid");
        }
        return err;
    } else if (type == OVS_ACTION_ATTR_SAMPLE) {
        err =
            validate_sub(v, a, sample_policy, ARRAY_SIZE(sample_policy), sub);
        if (err) {
            return err;
        }
        if (!sub[OVS_SAMPLE_ATTR_PROBABILITY]
            || !sub[OVS_SAMPLE_ATTR_ACTIONS]) {
            return vfail(v, a, "sample needs probability and actions");
        }
        if (depth >= ODP_MAX_NESTING) {
            return vfail(v, a, "nested too deep");
        }
        const struct nlattr *acts = sub[OVS_SAMPLE_ATTR_ACTIONS];
        return validate_list(v, mnl_attr_get_payload(acts),
                             mnl_attr_get_payload_len(acts), depth + 1);
    } else if (type == OVS_ACTION_ATTR_CT) {
        return validate_sub(v, a, ct_policy, ARRAY_SIZE(ct_policy), sub);
    } else if (type == ODP_ACTION_ATTR_TUNNEL_PUSH) {
        const char *why =
            odp_tnl_push_check(mnl_attr_get_payload(a), plen, NULL);
        if (why) {
            return vfail(v, a, "%s", why);
        }
    } else if (type == ODP_ACTION_ATTR_TUNNEL_POP) {
        uint32_t port;
        memcpy(&port, mnl_attr_get_payload(a), 4);
        if (port >= 0xff00) {
            return vfail(v, a, "tnl_pop port %u out of range", port);
        }
    }
    return 0;
}

static int
validate_list(const struct validator *v, const void *data, size_t len,
              int depth)
{
    const struct nlattr *a = data;
    int rem = len;

    while (mnl_attr_ok(a, rem)) {
        int err = validate_one(v, a, depth);
        if (err) {
            return err;
        }
        rem -= MNL_ALIGN(a->nla_len);
        a = mnl_attr_next(a);
    }
    if (rem > 0) {
        if (v->errp && !*v->errp) {
            *v->errp = xasprintf("truncated action at offset %zu",
                                 (size_t) ((const uint8_t *) a - v->base));
        }
        return EINVAL;
    }
    return 0;
}

int
odp_actions_validate(const void *actions, size_t len, char **errp)
{
    struct validator v = { actions, errp };

    if (errp) {
        *errp = NULL;
    }
    if (len > INT32_MAX) {
        return EINVAL;
    }
    return validate_list(&v, actions, len, 0);
}

/* Printing. */

static void format_list(struct buf *b, const void *data, size_t len,
                        int depth);

static uint32_t
get_u32(const struct nlattr *a)
{
    uint32_t v;

    memcpy(&v, mnl_attr_get_payload(a), 4);
    return v;
}

static const struct nlattr *
sub_attr(const struct nlattr *a, uint16_t type, size_t len)
{
    const struct nlattr *s = mnl_attr_get_payload(a);
    int rem = mnl_attr_get_payload_len(a);

    while (mnl_attr_ok(s, rem)) {
        if (mnl_attr_get_type(s) == type
            && (len == SIZE_MAX || mnl_attr_get_payload_len(s) == len)) {
            return s;
        }
        rem -= MNL_ALIGN(s->nla_len);
        s = mnl_attr_next(s);
    }
    return NULL;
}

static void
format_hex(struct buf *b, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf_printf(b, "%02x", p[i]);
    }
}

static void
format_one(struct buf *b, const struct nlattr *a, int depth)
{
    uint16_t type = mnl_attr_get_type(a);
    size_t plen = mnl_attr_get_payload_len(a);
    const uint8_t *p = mnl_attr_get_payload(a);
    const struct nlattr *s;
    char *err = NULL;

    /* The printer trusts only what the validator would accept. */
    struct validator v = { (const uint8_t *) a, &err };
    if (validate_one(&v, a, depth)) {
        buf_printf(b, "<error: %s>", err);
        free(err);
        return;
    }
    switch (type) {
    case OVS_ACTION_ATTR_OUTPUT:
        buf_printf(b, "%u", get_u32(a));
        break;
    case OVS_ACTION_ATTR_USERSPACE:
        buf_printf(b, "userspace(pid=%u",
                   get_u32(sub_attr(a, OVS_USERSPACE_ATTR_PID, 4)));
        if ((s = sub_attr(a, OVS_USERSPACE_ATTR_USERDATA, SIZE_MAX))) {
            buf_put_cstr(b, ",userdata(");
            format_hex(b, mnl_attr_get_payload(s),
                       mnl_attr_get_payload_len(s));
            buf_put_char(b, ')');
        }
        if ((s = sub_attr(a, OVS_USERSPACE_ATTR_EGRESS_TUN_PORT, 4))) {
            buf_printf(b, ",tunnel_out_port=%u", get_u32(s));
        }
        if (sub_attr(a, OVS_USERSPACE_ATTR_ACTIONS, 0)) {
            buf_put_cstr(b, ",actions");
        }
        buf_put_char(b, ')');
        break;
    case OVS_ACTION_ATTR_SET:
        buf_put_cstr(b, "set(");
        odp_flow_format(b, p, plen, NULL, 0);
        buf_put_char(b, ')');
        break;
    case OVS_ACTION_ATTR_SET_MASKED: {
        const struct nlattr *k = (const struct nlattr *) p;
        size_t half = mnl_attr_get_payload_len(k) / 2;
        const uint8_t *kv = mnl_attr_get_payload(k);
        buf_put_cstr(b, "set(");
        odp_format_key_attr(b, mnl_attr_get_type(k), kv, kv + half, half,
                            depth);
        buf_put_char(b, ')');
        break;
    }
    case OVS_ACTION_ATTR_PUSH_VLAN: {
        const struct ovs_action_push_vlan *pv = (const void *) p;
        uint16_t tci = PKT_NTOHS(pv->vlan_tci);
        buf_put_cstr(b, "push_vlan(");
        if (pv->vlan_tpid != PKT_HTONS(ETH_TYPE_VLAN_8021Q)) {
            buf_printf(b, "tpid=0x%04x,", PKT_NTOHS(pv->vlan_tpid));
        }
        buf_printf(b, "vid=%u,pcp=%u)", tci & VLAN_VID_MASK,
                   tci >> VLAN_PCP_SHIFT);
        break;
    }
    case OVS_ACTION_ATTR_POP_VLAN:
        buf_put_cstr(b, "pop_vlan");
        break;
    case OVS_ACTION_ATTR_SAMPLE: {
        uint32_t prob = get_u32(sub_attr(a, OVS_SAMPLE_ATTR_PROBABILITY, 4));
        s = sub_attr(a, OVS_SAMPLE_ATTR_ACTIONS, SIZE_MAX);
        buf_printf(b, "sample(sample=%.1f%%,actions(",
                   prob * 100.0 / UINT32_MAX);
        format_list(b, mnl_attr_get_payload(s), mnl_attr_get_payload_len(s),
                    depth + 1);
        buf_put_cstr(b, "))");
        break;
    }
    case OVS_ACTION_ATTR_RECIRC:
        buf_printf(b, "recirc(%#x)", get_u32(a));
        break;
    case OVS_ACTION_ATTR_HASH: {
        const struct ovs_action_hash *h = (const void *) p;
        buf_printf(b, "hash(%s(%u))", h->hash_alg ? "sym_l4" : "l4",
                   h->hash_basis);
        break;
    }
    case OVS_ACTION_ATTR_CT: {
        const char *sep = "(";
        buf_put_cstr(b, "ct");
        int rem = plen;
        for (s = (const void *) p; mnl_attr_ok(s, rem);
             rem -= MNL_ALIGN(s->nla_len), s = mnl_attr_next(s)) {
            uint16_t t = mnl_attr_get_type(s);
            const uint8_t *sp = mnl_attr_get_payload(s);
            buf_printf(b, "%s%s", sep, ct_policy[t].name);
            sep = ",";
            if (t == OVS_CT_ATTR_ZONE) {
                uint16_t zone;
                memcpy(&zone, sp, 2);
                buf_printf(b, "=%u", zone);
            } else if (t == OVS_CT_ATTR_MARK || t == OVS_CT_ATTR_EVENTMASK) {
                uint32_t m[2] = { 0, UINT32_MAX };
                memcpy(m, sp, mnl_attr_get_payload_len(s));
                buf_printf(b, "=%#x", m[0]);
                if (t == OVS_CT_ATTR_MARK && m[1] != UINT32_MAX) {
                    buf_printf(b, "/%#x", m[1]);
                }
            } else if (t == OVS_CT_ATTR_LABELS) {
                buf_put_cstr(b, "=0x");
                format_hex(b, sp, 16);
                buf_put_cstr(b, "/0x");
                format_hex(b, sp + 16, 16);
            }
        }
        if (*sep == ',') {
            buf_put_char(b, ')');
        }
        break;
    }
    case OVS_ACTION_ATTR_TRUNC:
        buf_printf(b, "trunc(%u)", get_u32(a));
        break;
    case OVS_ACTION_ATTR_CT_CLEAR:
        buf_put_cstr(b, "ct_clear");
        break;
    case OVS_ACTION_ATTR_METER:
        buf_printf(b, "meter(%u)", get_u32(a));
        break;
    case OVS_ACTION_ATTR_CLONE:
        buf_put_cstr(b, "clone(");
        format_list(b, p, plen, depth + 1);
        buf_put_char(b, ')');
        break;
    case ODP_ACTION_ATTR_TUNNEL_PUSH:
        odp_tnl_push_format(b, mnl_attr_get_payload(a),
                            mnl_attr_get_payload_len(a));
        break;
    case ODP_ACTION_ATTR_TUNNEL_POP:
        buf_printf(b, "tnl_pop(%u)", get_u32(a));
        break;
    case ODP_ACTION_ATTR_DROP:
        if (get_u32(a)) {
            buf_printf(b, "drop(%u)", get_u32(a));
        } else {
            buf_put_cstr(b, "drop");
        }
        break;
    default:
        break;
    }
}

static void
format_list(struct buf *b, const void *data, size_t len, int depth)
{
    const struct nlattr *a = data;
    int rem = len;
    bool first = true;

    if (len > INT32_MAX) {
        buf_put_cstr(b, "<error: too long>");
        return;
    }
    while (mnl_attr_ok(a, rem)) {
        if (!first) {
            buf_put_char(b, ',');
        }
        format_one(b, a, depth);
        first = false;
        rem -= MNL_ALIGN(a->nla_len);
        a = mnl_attr_next(a);
    }
    if (rem > 0) {
        buf_printf(b, "%s<error: %d trailing bytes>", first ? "" : ",", rem);
    } else if (first && depth == 0) {
        buf_put_cstr(b, "drop");
    }
}

void
odp_actions_format(struct buf *b, const void *actions, size_t len)
{
    format_list(b, actions, len, 0);
}

/* Parsing. */

struct aparser {
    const char *start;
    char **errp;
};

static int NF_PRINTF(3, 4)
    aerr(const struct aparser *ap, const char *at, const char *fmt, ...)
{
    if (ap->errp && !*ap->errp) {
        va_list args;
        va_start(args, fmt);
        char *msg = xvasprintf(fmt, args);
        va_end(args);
        size_t n = strcspn(at, ",()");
        *ap->errp =
            xasprintf("at position %zu (\"%.*s\"): %s",
                      (size_t) (at - ap->start), (int) NF_MIN(n, 40), at, msg);
        free(msg);
    }
    return EINVAL;
}

/* Parses a number at *SP (decimal or 0x hex) up to a non-alnum. */
static int
num(const struct aparser *ap, const char **sp, unsigned long long max,
    unsigned long long *v)
{
    char *end;

    if (!isdigit((unsigned char) **sp)) {
        return aerr(ap, *sp, "expected a number");
    }
    errno = 0;
    *v = strtoull(*sp, &end, 0);
    if (errno || *v > max) {
        return aerr(ap, *sp, "number out of range (max %llu)", max);
    }
    *sp = end;
    return 0;
}

static int
expect(const struct aparser *ap, const char **sp, const char *tok)
{
    size_t n = strlen(tok);

    if (strncmp(*sp, tok, n)) {
        return aerr(ap, *sp, "expected \"%s\"", tok);
    }
    *sp += n;
    return 0;
}

static bool
match_tok(const char **sp, const char *tok)
{
    size_t n = strlen(tok);

    if (strncmp(*sp, tok, n)) {
        return false;
    }
    *sp += n;
    return true;
}

static int parse_list(const struct aparser *ap, const char **sp,
                      struct buf *out, int depth);

/* "name(N)" actions with one u32 argument. */
static const struct {
    const char *name;
    uint16_t type;
} u32_actions[] = {
    { "recirc(", OVS_ACTION_ATTR_RECIRC },
    { "trunc(", OVS_ACTION_ATTR_TRUNC },
    { "meter(", OVS_ACTION_ATTR_METER },
    { "drop(", ODP_ACTION_ATTR_DROP },
    { "tnl_pop(", ODP_ACTION_ATTR_TUNNEL_POP },
};

static int
parse_push_vlan(const struct aparser *ap, const char **sp, struct buf *out)
{
    unsigned long long tpid = ETH_TYPE_VLAN_8021Q, vid = 0, pcp = 0, cfi = 1;

    if (match_tok(sp, "tpid=")
        && (num(ap, sp, 0xffff, &tpid) || expect(ap, sp, ","))) {
        return EINVAL;
    }
    if (expect(ap, sp, "vid=") || num(ap, sp, VLAN_VID_MASK, &vid)
        || expect(ap, sp, ",pcp=") || num(ap, sp, 7, &pcp)) {
        return EINVAL;
    }
    if (match_tok(sp, ",cfi=") && num(ap, sp, 1, &cfi)) {
        return EINVAL;
    }
    if (expect(ap, sp, ")")) {
        return EINVAL;
    }
    odp_put_push_vlan(
        out, PKT_HTONS(tpid),
        PKT_HTONS(vid | pcp << VLAN_PCP_SHIFT | (cfi ? VLAN_CFI : 0)));
    return 0;
}

static int
parse_userspace(const struct aparser *ap, const char **sp, struct buf *out)
{
    unsigned long long pid, port;
    size_t start = odp_put_nested_start(out, OVS_ACTION_ATTR_USERSPACE);

    if (expect(ap, sp, "pid=") || num(ap, sp, UINT32_MAX, &pid)) {
        return EINVAL;
    }
    put_u32(out, OVS_USERSPACE_ATTR_PID, pid);
    if (match_tok(sp, ",userdata(")) {
        struct buf data = BUF_INITIALIZER;
        while (isxdigit((unsigned char) (*sp)[0])
               && isxdigit((unsigned char) (*sp)[1])) {
            char hex[3] = { (*sp)[0], (*sp)[1], 0 };
            buf_put_u8(&data, strtoul(hex, NULL, 16));
            *sp += 2;
        }
        put(out, OVS_USERSPACE_ATTR_USERDATA, data.data, data.len);
        buf_destroy(&data);
        if (expect(ap, sp, ")")) {
            return EINVAL;
        }
    }
    if (match_tok(sp, ",tunnel_out_port=")) {
        if (num(ap, sp, UINT32_MAX, &port)) {
            return EINVAL;
        }
        put_u32(out, OVS_USERSPACE_ATTR_EGRESS_TUN_PORT, port);
    }
    if (match_tok(sp, ",actions")) {
        put(out, OVS_USERSPACE_ATTR_ACTIONS, NULL, 0);
    }
    odp_put_nested_end(out, start);
    return expect(ap, sp, ")");
}

static int
parse_set(const struct aparser *ap, const char **sp, struct buf *out,
          int depth)
{
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    const char *at = *sp;
    int err = odp_parse_key_attr(sp, ap->start, &key, &mask, depth, ap->errp);

    if (!err) {
        err = expect(ap, sp, ")");
    }
    if (!err) {
        const struct nlattr *k = (const void *) key.data;
        const struct nlattr *m = (const void *) mask.data;
        size_t n = mnl_attr_get_payload_len(k);
        const uint8_t *mp = mnl_attr_get_payload(m);
        bool exact = true;
        for (size_t i = 0; i < n; i++) {
            exact &= mp[i] == 0xff;
        }
        if (mnl_attr_get_type(k) == OVS_KEY_ATTR_TUNNEL || exact) {
            size_t start = odp_put_nested_start(out, OVS_ACTION_ATTR_SET);
            buf_put(out, key.data, key.len);
            odp_put_nested_end(out, start);
        } else {
            odp_put_set(out, mnl_attr_get_type(k), mnl_attr_get_payload(k), mp,
                        n);
        }
        /* What the datapath would refuse is refused here already. */
        char *verr = NULL;
        const struct nlattr *last = NULL;
        for (size_t off = 0; off < out->len;) {
            last = (const void *) (out->data + off);
            off += MNL_ALIGN(last->nla_len);
        }
        struct validator v = { (const uint8_t *) last, &verr };
        if (validate_one(&v, last, depth)) {
            err = aerr(ap, at, "%s", verr);
            free(verr);
        }
    }
    buf_destroy(&key);
    buf_destroy(&mask);
    return err;
}

static int
parse_sample(const struct aparser *ap, const char **sp, struct buf *out,
             int depth)
{
    char *end;
    double pct = strtod(*sp, &end);

    if (end == *sp || pct < 0 || pct > 100
        || !match_tok((const char **) &end, "%,actions(")) {
        return aerr(ap, *sp, "expected sample=PERCENT%%,actions(...)");
    }
    *sp = end;
    size_t start = odp_put_nested_start(out, OVS_ACTION_ATTR_SAMPLE);
    put_u32(out, OVS_SAMPLE_ATTR_PROBABILITY,
            (uint32_t) (pct / 100.0 * UINT32_MAX + 0.5));
    size_t acts = odp_put_nested_start(out, OVS_SAMPLE_ATTR_ACTIONS);
    int err = parse_list(ap, sp, out, depth + 1);
    odp_put_nested_end(out, acts);
    odp_put_nested_end(out, start);
    return err ? err : expect(ap, sp, "))");
}

static int
parse_ct(const struct aparser *ap, const char **sp, struct buf *out)
{
    size_t start = odp_put_nested_start(out, OVS_ACTION_ATTR_CT);
    unsigned long long v, m;

    if (match_tok(sp, "(")) {
        do {
            if (match_tok(sp, "commit")) {
                put(out, OVS_CT_ATTR_COMMIT, NULL, 0);
            } else if (match_tok(sp, "force_commit")) {
                put(out, OVS_CT_ATTR_FORCE_COMMIT, NULL, 0);
            } else if (match_tok(sp, "zone=")) {
                if (num(ap, sp, UINT16_MAX, &v)) {
                    return EINVAL;
                }
                uint16_t zone = v;
                put(out, OVS_CT_ATTR_ZONE, &zone, 2);
            } else if (match_tok(sp, "mark=")) {
                m = UINT32_MAX;
                if (num(ap, sp, UINT32_MAX, &v)
                    || (match_tok(sp, "/") && num(ap, sp, UINT32_MAX, &m))) {
                    return EINVAL;
                }
                uint32_t mark[2] = { v, m };
                put(out, OVS_CT_ATTR_MARK, mark, 8);
            } else {
                return aerr(ap, *sp, "unknown ct() argument");
            }
        } while (match_tok(sp, ","));
        if (expect(ap, sp, ")")) {
            return EINVAL;
        }
    }
    odp_put_nested_end(out, start);
    return 0;
}

static int
parse_action(const struct aparser *ap, const char **sp, struct buf *out,
             int depth)
{
    unsigned long long v;

    if (isdigit((unsigned char) **sp)) {
        if (num(ap, sp, UINT32_MAX, &v)) {
            return EINVAL;
        }
        odp_put_output(out, v);
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(u32_actions); i++) {
        if (match_tok(sp, u32_actions[i].name)) {
            if (num(ap, sp, UINT32_MAX, &v) || expect(ap, sp, ")")) {
                return EINVAL;
            }
            put_u32(out, u32_actions[i].type, v);
            return 0;
        }
    }
    bool sym = match_tok(sp, "hash(sym_l4(");
    if (sym || match_tok(sp, "hash(l4(")) {
        uint32_t alg = sym;
        if (num(ap, sp, UINT32_MAX, &v) || expect(ap, sp, "))")) {
            return EINVAL;
        }
        odp_put_hash(out, alg, v);
        return 0;
    }
    if (match_tok(sp, "tnl_push(")) {
        const char *at, *msg;
        if (odp_tnl_push_parse(sp, out, &at, &msg)) {
            return aerr(ap, at, "%s", msg);
        }
        return 0;
    }
    if (match_tok(sp, "push_vlan(")) {
        return parse_push_vlan(ap, sp, out);
    }
    if (match_tok(sp, "pop_vlan")) {
        odp_put_pop_vlan(out);
        return 0;
    }
    if (match_tok(sp, "userspace(")) {
        return parse_userspace(ap, sp, out);
    }
    if (match_tok(sp, "set(")) {
        return parse_set(ap, sp, out, depth);
    }
    if (match_tok(sp, "sample(sample=")) {
        if (depth >= ODP_MAX_NESTING) {
            return aerr(ap, *sp, "nested too deep");
        }
        return parse_sample(ap, sp, out, depth);
    }
    if (match_tok(sp, "clone(")) {
        if (depth >= ODP_MAX_NESTING) {
            return aerr(ap, *sp, "nested too deep");
        }
        size_t start = odp_put_nested_start(out, OVS_ACTION_ATTR_CLONE);
        int err = parse_list(ap, sp, out, depth + 1);
        odp_put_nested_end(out, start);
        return err ? err : expect(ap, sp, ")");
    }
    if (match_tok(sp, "ct_clear")) {
        put(out, OVS_ACTION_ATTR_CT_CLEAR, NULL, 0);
        return 0;
    }
    if (match_tok(sp, "ct")) {
        return parse_ct(ap, sp, out);
    }
    if (match_tok(sp, "drop")) {
        /* Bare "drop" is the empty list at top level. */
        if (depth) {
            odp_put_drop(out, 0);
        }
        return 0;
    }
    return aerr(ap, *sp, "unknown action");
}

/* Parses a comma-separated list up to the end of the string or a ")". */
static int
parse_list(const struct aparser *ap, const char **sp, struct buf *out,
           int depth)
{
    while (**sp == ' ') {
        (*sp)++;
    }
    if (**sp == ')' || !**sp) {
        return 0;
    }
    for (;;) {
        int err = parse_action(ap, sp, out, depth);
        if (err) {
            return err;
        }
        if (!match_tok(sp, ",")) {
            break;
        }
    }
    if (**sp && **sp != ')') {
        return aerr(ap, *sp, "expected \",\" or end of actions");
    }
    return 0;
}

int
odp_actions_from_string(const char *s, struct buf *out, char **errp)
{
    struct aparser ap = { s, errp };
    size_t len = out->len;
    const char *p = s;

    if (errp) {
        *errp = NULL;
    }
    if (nf_str_prefix(p, "actions:")) {
        p += strlen("actions:");
    }
    int err = parse_list(&ap, &p, out, 0);
    if (!err && *p) {
        err = aerr(&ap, p, "unexpected text after actions");
    }
    if (!err) {
        char *verr = NULL;
        if (odp_actions_validate(out->len > len ? out->data + len : NULL,
                                 out->len - len, &verr)) {
            err = aerr(&ap, s, "%s", verr);
            free(verr);
        }
    }
    if (err) {
        out->len = len;
    }
    return err;
}
