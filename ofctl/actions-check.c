/* actions-check.c: actions checked against the match they go with, as
 * ovs-ofctl checks them before it sends a flow (see of_acts_check() in
 * actions.h).
 *
 * The check walks the actions with a copy of the match that it updates as
 * the actions change the packet (push_vlan makes a VLAN header present,
 * push_mpls turns the packet into MPLS), so "push_vlan,set_field:..->
 * vlan_vid" passes where "set_field:..->vlan_vid" alone does not. */
#include "ofctl/actions-private.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#define INCONSISTENT " (actions are invalid with specified match)"

struct check {
    struct of_match m; /* What is known about the packet. */
    bool in_ct_exec;
    bool of11; /* Also what OpenFlow 1.1+ refuses (of_acts_check_of11). */
};

static bool
dl_type_is(const struct of_match *m, uint16_t type)
{
    return m->mask.dl_type == 0xffff && m->flow.dl_type == htons(type);
}

static bool
is_ip_any(const struct of_match *m)
{
    return dl_type_is(m, ETH_TYPE_IP) || dl_type_is(m, ETH_TYPE_IPV6);
}

static bool
l4_proto_is(const struct of_match *m, uint8_t proto)
{
    return is_ip_any(m) && m->mask.nw_proto == 0xff
           && m->flow.nw_proto == proto;
}

static bool
is_mpls(const struct of_match *m)
{
    return dl_type_is(m, ETH_TYPE_MPLS) || dl_type_is(m, ETH_TYPE_MPLS_MCAST);
}

/* What OpenFlow 1.1+ refuses beyond the common checks: the OpenFlow 1.0
 * actions that Open vSwitch translates without prerequisites there
 * (mod_nw_src without IP, strip_vlan without a VLAN, ...). */
static char *
check_of11(const struct check *c, const struct of_act *a)
{
    bool ok = true;

    switch ((enum of_act_type) a->type) {
    case OF_ACT_SET_FIELD: {
        const struct of_act_set_field *sf = (const void *) a;
        ok = !(sf->flags & OF_SET_FIELD_MOD)
             || of_match_prereqs_ok(&c->m, of_field_from_id(sf->field));
        break;
    }
    case OF_ACT_SET_L4_SRC:
    case OF_ACT_SET_L4_DST:
        ok = l4_proto_is(&c->m, 6) || l4_proto_is(&c->m, 17)
             || l4_proto_is(&c->m, 132);
        break;
    case OF_ACT_DEC_TTL:
        ok = is_ip_any(&c->m);
        break;
    case OF_ACT_FIN_TIMEOUT:
        ok = l4_proto_is(&c->m, 6);
        break;
    case OF_ACT_STRIP_VLAN:
        ok = (c->m.mask.vlans[0].tci & c->m.flow.vlans[0].tci)
             & htons(VLAN_CFI);
        break;
    case OF_ACT_SET_MPLS_LABEL:
    case OF_ACT_SET_MPLS_TC:
    case OF_ACT_SET_MPLS_TTL:
    case OF_ACT_DEC_MPLS_TTL:
    case OF_ACT_POP_MPLS:
        ok = is_mpls(&c->m);
        break;
    default:
        break;
    }
    return ok ? NULL
              : xasprintf("action needs a match OpenFlow 1.1+ can carry it "
                          "with" INCONSISTENT);
}

static char *
field_ok(const struct check *c, const struct of_field *f, const char *what)
{
    if (!of_match_prereqs_ok(&c->m, f)) {
        return xasprintf("%s %s lacks correct prerequisites" INCONSISTENT,
                         what, f->name);
    }
    return NULL;
}

static char *
subfield_ok(const struct check *c, const struct of_subfield *sf,
            const char *what)
{
    return field_ok(c, of_field_from_id(sf->field), what);
}

static void
set_dl_type(struct of_match *m, uint16_t type)
{
    m->flow.dl_type = htons(type);
    m->mask.dl_type = 0xffff;
    m->flow.nw_proto = m->mask.nw_proto = 0;
}

static char *check_list(struct check *, const void *data, size_t len);

static char *
check_one(struct check *c, const struct of_act *a)
{
    const struct of_act_u32 *u = (const void *) a;
    const struct of_field *f;
    size_t n_len;
    const struct of_act *nested;
    char *err;

    if (c->of11 && (err = check_of11(c, a))) {
        return err;
    }
    switch ((enum of_act_type) a->type) {
    case OF_ACT_SET_FIELD: {
        const struct of_act_set_field *sf = (const void *) a;
        f = of_field_from_id(sf->field);
        bool ct_field = f->id == OF_F_CT_MARK || f->id == OF_F_CT_LABEL;
        if (ct_field && !c->in_ct_exec) {
            return xasprintf("cannot set CT fields outside of ct action");
        }
        if (c->in_ct_exec && !ct_field) {
            return xasprintf("%s: ct exec may only set ct_mark and "
                             "ct_label",
                             f->name);
        }
        if (sf->flags & OF_SET_FIELD_MOD) {
            return NULL;
        }
        if ((f->id == OF_F_VLAN_VID || f->id == OF_F_VLAN_PCP)
            && !((c->m.mask.vlans[0].tci & c->m.flow.vlans[0].tci)
                 & htons(VLAN_CFI))) {
            return xasprintf("set_field %s lacks correct "
                             "prerequisites" INCONSISTENT,
                             f->name);
        }
        return field_ok(c, f, "set_field");
    }
    case OF_ACT_MOVE: {
        const struct of_act_move *mv = (const void *) a;
        if ((err = subfield_ok(c, &mv->src, "move source"))) {
            return err;
        }
        return subfield_ok(c, &mv->dst, "move destination");
    }
    case OF_ACT_OUTPUT_REG:
        return subfield_ok(c, &((const struct of_act_output_reg *) a)->src,
                           "output field");
    case OF_ACT_MULTIPATH:
        return subfield_ok(c, &((const struct of_act_multipath *) a)->dst,
                           "multipath destination");
    case OF_ACT_BUNDLE: {
        const struct of_act_bundle *bd = (const void *) a;
        return bd->dst.n_bits ? subfield_ok(c, &bd->dst, "bundle_load field")
                              : NULL;
    }
    case OF_ACT_CHECK_PKT_LARGER:
        return subfield_ok(c,
                           &((const struct of_act_check_pkt_larger *) a)->dst,
                           "check_pkt_larger destination");
    case OF_ACT_SET_VLAN_VID:
    case OF_ACT_SET_VLAN_PCP:
    case OF_ACT_PUSH_VLAN:
        /* mod_vlan_vid pushes a tag if there is none. */
        c->m.flow.vlans[0].tci |= htons(VLAN_CFI);
        c->m.mask.vlans[0].tci |= htons(VLAN_CFI);
        return NULL;
    case OF_ACT_STRIP_VLAN:
        c->m.flow.vlans[0].tci = 0;
        c->m.mask.vlans[0].tci = 0xffff;
        return NULL;
    case OF_ACT_POP_MPLS:
        set_dl_type(&c->m, (uint16_t) u->value);
        return NULL;
    case OF_ACT_PUSH_MPLS:
        set_dl_type(&c->m, (uint16_t) u->value);
        return NULL;
    case OF_ACT_CT: {
        const struct of_act_ct *ct = (const void *) a;
        if (!is_ip_any(&c->m)) {
            return xasprintf("ct needs an IP or IPv6 match" INCONSISTENT);
        }
        if ((ct->alg == 21 && !l4_proto_is(&c->m, 6))
            || (ct->alg == 69 && !l4_proto_is(&c->m, 17))) {
            return xasprintf("ct alg=%s needs a %s match" INCONSISTENT,
                             ct->alg == 21 ? "ftp" : "tftp",
                             ct->alg == 21 ? "TCP" : "UDP");
        }
        if (ct->zone_src.n_bits
            && (err = subfield_ok(c, &ct->zone_src, "ct zone"))) {
            return err;
        }
        nested = of_act_nested(a, &n_len);
        bool saved = c->in_ct_exec;
        c->in_ct_exec = true;
        err = check_list(c, nested, n_len);
        c->in_ct_exec = saved;
        if (err) {
            return err;
        }
        /* After ct() the packet is tracked. */
        c->m.meta.ct_state |= OF_CS_TRACKED;
        c->m.meta_mask.ct_state |= OF_CS_TRACKED;
        return NULL;
    }
    case OF_ACT_RESUBMIT: {
        const struct of_act_resubmit *r = (const void *) a;
        if (r->with_ct
            && !of_match_prereqs_ok(&c->m,
                                    of_field_from_id(OF_F_CT_NW_PROTO))) {
            return xasprintf("resubmit(,,ct) needs a valid "
                             "ct_state" INCONSISTENT);
        }
        return NULL;
    }
    case OF_ACT_CLONE:
    case OF_ACT_WRITE_ACTIONS: {
        struct of_match saved = c->m;
        nested = of_act_nested(a, &n_len);
        err = check_list(c, nested, n_len);
        c->m = saved;
        return err;
    }
    case OF_ACT_LEARN: {
        const struct of_act_learn *l = (const void *) a;
        OF_LEARN_SPEC_FOR_EACH(s, l)
        {
            if (!s->src_imm && s->kind != OF_LEARN_OUTPUT
                && (err = subfield_ok(c, &s->src, "source field"))) {
                return err;
            }
            if (s->kind == OF_LEARN_OUTPUT
                && (err = subfield_ok(c, &s->src, "output field"))) {
                return err;
            }
        }
        return NULL;
    }
    default:
        return NULL;
    }
}

static char *
check_list(struct check *c, const void *data, size_t len)
{
    OF_ACT_FOR_EACH(a, data, len)
    {
        char *err = check_one(c, a);
        if (err) {
            return err;
        }
    }
    return NULL;
}

char *
of_acts_check(const struct of_acts *acts, const struct of_match *match)
{
    struct check c;
    memset(&c, 0, sizeof c);
    if (match) {
        c.m = *match;
    }
    return check_list(&c, acts->buf.data, acts->buf.len);
}

char *
of_acts_check_of11(const struct of_acts *acts, const struct of_match *match)
{
    struct check c;

    memset(&c, 0, sizeof c);
    if (match) {
        c.m = *match;
    }
    c.of11 = true;
    return check_list(&c, acts->buf.data, acts->buf.len);
}

bool
of_acts_ok_for_of11(const struct of_acts *acts, const struct of_match *match)
{
    char *err = of_acts_check_of11(acts, match);

    free(err);
    return !err;
}
