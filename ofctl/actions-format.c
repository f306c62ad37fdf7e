/* actions-format.c: actions printed the way "ovs-ofctl dump-flows"
 * prints them with its default protocol (OpenFlow 1.0 plus Nicira
 * extensions).
 *
 * In that view a set_field prints as the OpenFlow 1.0 action when there is
 * one (mod_dl_src, mod_nw_src, mod_nw_tos, mod_tp_src, mod_vlan_vid,
 * mod_vlan_pcp) and otherwise as one "load:" per run of contiguous mask
 * bits, at most 64 bits each, naming the field by its NXM (or OXM) name;
 * tunnel metadata, which has no fixed width, prints as set_field. */
#include "ofctl/actions-private.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

static void format_list(const void *data, size_t len, struct buf *b);

/* The view being printed: false for OpenFlow 1.0's (the default), true
 * for 1.1+'s, where a set_field prints as itself and strip_vlan as
 * pop_vlan, as ovs-ofctl shows actions it received in those versions.
 * Thread-local so that concurrent printers do not disturb each other;
 * set only for the duration of of_acts_format_view(). */
static __thread bool view_of11;

static void
put_sep(struct buf *b, bool *first)
{
    if (!*first) {
        buf_put_char(b, ',');
    }
    *first = false;
}

/* One "load:" per run of mask bits of SF's field. */
static void
format_loads(const struct of_field *f, const union of_value *v,
             const union of_value *m, struct buf *b)
{
    bool first = true;
    unsigned bit = 0;

    while (bit < f->n_bits) {
        if (!of_bit_get(m->be, f->n_bytes, bit)) {
            bit++;
            continue;
        }
        unsigned start = bit;
        while (bit < f->n_bits && bit - start < 64
               && of_bit_get(m->be, f->n_bytes, bit)) {
            bit++;
        }
        struct of_subfield sf = { .field = (uint16_t) f->id,
                                  .ofs = (uint16_t) start,
                                  .n_bits = (uint16_t) (bit - start) };
        uint8_t val[8] = { 0 };
        for (unsigned i = 0; i < sf.n_bits; i++) {
            of_bit_set(val, 8, i, of_bit_get(v->be, f->n_bytes, start + i));
        }
        put_sep(b, &first);
        buf_put_cstr(b, "load:");
        of_text_put_hex(b, val, 8);
        buf_put_cstr(b, "->");
        of_subfield_format(&sf, b);
    }
    nf_assert(!first); /* The parser refuses an empty mask. */
}

static void
format_set_field(const struct of_act_set_field *sf, struct buf *b)
{
    const struct of_field *f = of_field_from_id(sf->field);
    union of_value v, m;
    uint64_t x;

    of_act_set_field_value(sf, &v);
    of_act_set_field_mask(sf, &m);
    x = of_value_to_u64(f, &v);
    if (f->where == OF_IN_TUN_MD) {
        buf_put_cstr(b, "set_field:");
        of_text_put_hex(b, v.be, f->n_bytes);
        if (!of_value_is_all_ones(f, &m)) {
            buf_put_char(b, '/');
            of_text_put_hex(b, m.be, f->n_bytes);
        }
        buf_printf(b, "->%s", f->name);
        return;
    }
    if (view_of11 && f->id == OF_F_IP_TTL && (sf->flags & OF_SET_FIELD_MOD)) {
        /* OpenFlow 1.1+ has an action of its own for this one. */
        buf_printf(b, "mod_nw_ttl:%" PRIu64, x);
        return;
    }
    if (view_of11 && !(sf->flags & OF_SET_FIELD_LOAD)) {
        bool masked = !of_value_is_all_ones(f, &m);

        /* Numbers print as ovs-ofctl prints a field value on its own (not
         * in a match): decimal or minimal hex, any mask in hex. */
        buf_put_cstr(b, "set_field:");
        if (f->format == OF_FMT_DEC && f->n_bytes <= 8) {
            buf_printf(b, "%" PRIu64, x);
        } else if (f->format == OF_FMT_HEX) {
            of_text_put_hex(b, v.be, f->n_bytes);
        } else {
            of_field_format(f, &v, masked ? &m : NULL, b);
            masked = false;
        }
        if (masked) {
            buf_put_char(b, '/');
            of_text_put_hex(b, m.be, f->n_bytes);
        }
        buf_printf(b, "->%s", f->name);
        return;
    }
    if (!(sf->flags & OF_SET_FIELD_LOAD)) {
        switch (f->id) {
        case OF_F_ETH_SRC:
        case OF_F_ETH_DST:
            buf_printf(b, "mod_dl_%s:", f->id == OF_F_ETH_SRC ? "src" : "dst");
            of_field_format(f, &v, NULL, b);
            return;
        case OF_F_IPV4_SRC:
        case OF_F_IPV4_DST:
            buf_printf(b,
                       "mod_nw_%s:", f->id == OF_F_IPV4_SRC ? "src" : "dst");
            of_field_format(f, &v, NULL, b);
            return;
        case OF_F_NW_TOS:
            buf_printf(b, "mod_nw_tos:%" PRIu64, x);
            return;
        case OF_F_IP_DSCP:
            buf_printf(b, "mod_nw_tos:%" PRIu64, x << 2);
            return;
        case OF_F_TCP_SRC:
        case OF_F_UDP_SRC:
            buf_printf(b, "mod_tp_src:%" PRIu64, x);
            return;
        case OF_F_TCP_DST:
        case OF_F_UDP_DST:
            buf_printf(b, "mod_tp_dst:%" PRIu64, x);
            return;
        case OF_F_VLAN_VID:
            buf_printf(b, "mod_vlan_vid:%" PRIu64, x & VLAN_VID_MASK);
            return;
        case OF_F_VLAN_PCP:
            buf_printf(b, "mod_vlan_pcp:%" PRIu64, x);
            return;
        default:
            break;
        }
    }
    format_loads(f, &v, &m, b);
}

static void
format_controller(const struct of_act_controller *c, struct buf *b)
{
    static const char *reasons[] = {
        [OF_CTL_ACTION] = "action",
        [OF_CTL_NO_MATCH] = "no_match",
        [OF_CTL_INVALID_TTL] = "invalid_ttl",
        [OF_CTL_ACTION_SET] = "action_set",
        [OF_CTL_GROUP] = "group",
        [OF_CTL_PACKET_OUT] = "packet_out",
    };
    bool first = true;

    if (c->reason == OF_CTL_ACTION && !c->controller_id && !c->pause
        && !c->userdata_len && !c->meter_id) {
        buf_printf(b, "CONTROLLER:%u", c->max_len);
        return;
    }
    buf_put_cstr(b, "controller(");
    if (c->reason != OF_CTL_ACTION && c->reason < ARRAY_SIZE(reasons)) {
        put_sep(b, &first);
        buf_printf(b, "reason=%s", reasons[c->reason]);
    }
    if (c->max_len != UINT16_MAX) {
        put_sep(b, &first);
        buf_printf(b, "max_len=%u", c->max_len);
    }
    if (c->controller_id) {
        put_sep(b, &first);
        buf_printf(b, "id=%u", c->controller_id);
    }
    if (c->userdata_len) {
        const uint8_t *u = of_act_tail(&c->hdr, sizeof *c);
        put_sep(b, &first);
        buf_put_cstr(b, "userdata=");
        for (size_t i = 0; i < c->userdata_len; i++) {
            buf_printf(b, "%s%02x", i ? "." : "", u[i]);
        }
    }
    if (c->pause) {
        put_sep(b, &first);
        buf_put_cstr(b, "pause");
    }
    if (c->meter_id) {
        put_sep(b, &first);
        buf_printf(b, "meter_id=%" PRIu32, c->meter_id);
    }
    buf_put_char(b, ')');
}

static void
format_nat_addr(const struct of_nat *nat, const struct in6_addr *a,
                bool brackets, struct buf *b)
{
    char s[INET6_ADDRSTRLEN];
    inet_ntop(nat->af, a, s, sizeof s);
    buf_printf(b, brackets ? "[%s]" : "%s", s);
}

static void
format_nat(const struct of_nat *nat, struct buf *b)
{
    bool first = true;
    if (!(nat->flags & (OF_NAT_SRC | OF_NAT_DST))) {
        buf_put_cstr(b, "nat");
        return;
    }
    buf_put_cstr(b, "nat(");
    put_sep(b, &first);
    buf_put_cstr(b, nat->flags & OF_NAT_SRC ? "src" : "dst");
    if (nat->af) {
        size_t alen = nat->af == AF_INET ? 4 : 16;
        bool range = memcmp(&nat->addr_min, &nat->addr_max, alen) != 0;
        bool brackets = nat->af == AF_INET6 && (range || nat->has_ports);
        buf_put_char(b, '=');
        format_nat_addr(nat, &nat->addr_min, brackets, b);
        if (range) {
            buf_put_char(b, '-');
            format_nat_addr(nat, &nat->addr_max, brackets, b);
        }
        if (nat->has_ports) {
            buf_printf(b, ":%u", nat->port_min);
            if (nat->port_max != nat->port_min) {
                buf_printf(b, "-%u", nat->port_max);
            }
        }
    }
    if (nat->flags & OF_NAT_PERSISTENT) {
        buf_put_cstr(b, ",persistent");
    }
    if (nat->flags & OF_NAT_HASH) {
        buf_put_cstr(b, ",hash");
    }
    if (nat->flags & OF_NAT_RANDOM) {
        buf_put_cstr(b, ",random");
    }
    buf_put_char(b, ')');
}

static void
format_ct(const struct of_act_ct *ct, struct buf *b)
{
    bool first = true;
    size_t n_len;
    const struct of_act *nested = of_act_nested(&ct->hdr, &n_len);

    buf_put_cstr(b, "ct(");
    if (ct->flags & OF_CT_COMMIT) {
        put_sep(b, &first);
        buf_put_cstr(b, "commit");
    }
    if (ct->flags & OF_CT_FORCE) {
        put_sep(b, &first);
        buf_put_cstr(b, "force");
    }
    if (ct->recirc_table != OF_TABLE_NONE) {
        put_sep(b, &first);
        buf_printf(b, "table=%u", ct->recirc_table);
    }
    if (ct->zone_src.n_bits) {
        put_sep(b, &first);
        buf_put_cstr(b, "zone=");
        of_subfield_format(&ct->zone_src, b);
    } else if (ct->zone_imm) {
        put_sep(b, &first);
        buf_printf(b, "zone=%u", ct->zone_imm);
    }
    if (ct->nat.present) {
        put_sep(b, &first);
        format_nat(&ct->nat, b);
    }
    if (n_len) {
        put_sep(b, &first);
        buf_put_cstr(b, "exec(");
        format_list(nested, n_len, b);
        buf_put_char(b, ')');
    }
    if (ct->alg) {
        put_sep(b, &first);
        if (ct->alg == 21) {
            buf_put_cstr(b, "alg=ftp");
        } else if (ct->alg == 69) {
            buf_put_cstr(b, "alg=tftp");
        } else {
            buf_printf(b, "alg=%u", ct->alg);
        }
    }
    buf_put_char(b, ')');
}

static void
format_learn(const struct of_act_learn *l, struct buf *b)
{
    buf_printf(b, "learn(table=%u", l->table_id);
    if (l->idle_timeout) {
        buf_printf(b, ",idle_timeout=%u", l->idle_timeout);
    }
    if (l->hard_timeout) {
        buf_printf(b, ",hard_timeout=%u", l->hard_timeout);
    }
    if (l->fin_idle_timeout) {
        buf_printf(b, ",fin_idle_timeout=%u", l->fin_idle_timeout);
    }
    if (l->fin_hard_timeout) {
        buf_printf(b, ",fin_hard_timeout=%u", l->fin_hard_timeout);
    }
    if (l->priority != OF_DEFAULT_PRIORITY) {
        buf_printf(b, ",priority=%u", l->priority);
    }
    if (l->flags & OF_LEARN_SEND_FLOW_REM) {
        buf_put_cstr(b, ",send_flow_rem");
    }
    if (l->flags & OF_LEARN_DELETE_LEARNED) {
        buf_put_cstr(b, ",delete_learned");
    }
    if (l->cookie) {
        buf_printf(b, ",cookie=%#" PRIx64, l->cookie);
    }
    if (l->limit) {
        buf_printf(b, ",limit=%" PRIu32, l->limit);
    }
    if (l->flags & OF_LEARN_WRITE_RESULT) {
        buf_put_cstr(b, ",result_dst=");
        of_subfield_format(&l->result_dst, b);
    }
    OF_LEARN_SPEC_FOR_EACH(s, l)
    {
        const uint8_t *imm = (const uint8_t *) (s + 1);
        const struct of_field *df = of_field_from_id(s->dst.field);
        buf_put_char(b, ',');
        switch (s->kind) {
        case OF_LEARN_MATCH:
            if (s->src_imm) {
                bool whole = s->dst.ofs == 0 && s->dst.n_bits == df->n_bits;
                if (whole && df->format == OF_FMT_HEX && df->n_bytes <= 8) {
                    uint64_t x = 0;
                    for (size_t i = 0; i < s->imm_bytes; i++) {
                        x = x << 8 | imm[i];
                    }
                    buf_printf(b, "%s=%#" PRIx64, df->name, x);
                } else if (whole) {
                    union of_value v;
                    memset(v.be, 0, df->n_bytes);
                    memcpy(&v.be[df->n_bytes - s->imm_bytes], imm,
                           s->imm_bytes);
                    buf_printf(b, "%s=", df->name);
                    of_field_format(df, &v, NULL, b);
                } else {
                    of_subfield_format(&s->dst, b);
                    buf_put_char(b, '=');
                    of_text_put_hex(b, imm, s->imm_bytes);
                }
            } else if (!memcmp(&s->src, &s->dst, sizeof s->src)) {
                of_subfield_format(&s->dst, b);
            } else {
                of_subfield_format(&s->dst, b);
                buf_put_char(b, '=');
                of_subfield_format(&s->src, b);
            }
            break;
        case OF_LEARN_LOAD:
            buf_put_cstr(b, "load:");
            if (s->src_imm) {
                of_text_put_hex(b, imm, s->imm_bytes);
            } else {
                of_subfield_format(&s->src, b);
            }
            buf_put_cstr(b, "->");
            of_subfield_format(&s->dst, b);
            break;
        case OF_LEARN_OUTPUT:
            buf_put_cstr(b, "output:");
            of_subfield_format(&s->src, b);
            break;
        }
    }
    buf_put_char(b, ')');
}

static void
format_bundle(const struct of_act_bundle *bd, struct buf *b)
{
    const uint16_t *members = of_act_tail(&bd->hdr, sizeof *bd);
    bool load = bd->dst.n_bits != 0;

    buf_printf(b, "%s(%s,%u,%s,ofport,", load ? "bundle_load" : "bundle",
               of_hash_fields_name(bd->fields), bd->basis,
               bd->algorithm == OF_BD_HRW ? "hrw" : "active_backup");
    if (load) {
        of_subfield_format(&bd->dst, b);
        buf_put_char(b, ',');
    }
    buf_put_cstr(b, "members:");
    for (size_t i = 0; i < bd->n_members; i++) {
        if (i) {
            buf_put_char(b, ',');
        }
        of_port_format(b, members[i]);
    }
    buf_put_char(b, ')');
}

static void
format_one(const struct of_act *a, struct buf *b)
{
    const struct of_act_u32 *u = (const void *) a;
    size_t n_len;
    const struct of_act *nested;

    switch ((enum of_act_type) a->type) {
    case OF_ACT_OUTPUT: {
        const struct of_act_output *o = (const void *) a;
        if (o->max_len) {
            buf_put_cstr(b, "output(port=");
            of_port_format(b, o->port);
            buf_printf(b, ",max_len=%u)", o->max_len);
        } else if (o->port >= OF_PORT_MAX) {
            of_port_format(b, o->port);
        } else {
            buf_put_cstr(b, "output:");
            of_port_format(b, o->port);
        }
        break;
    }
    case OF_ACT_OUTPUT_REG: {
        const struct of_act_output_reg *o = (const void *) a;
        if (o->max_len) {
            buf_put_cstr(b, "output(port=");
            of_subfield_format(&o->src, b);
            buf_printf(b, ",max_len=%u)", o->max_len);
        } else {
            buf_put_cstr(b, "output:");
            of_subfield_format(&o->src, b);
        }
        break;
    }
    case OF_ACT_CONTROLLER:
        format_controller((const void *) a, b);
        break;
    case OF_ACT_ENQUEUE: {
        const struct of_act_enqueue *e = (const void *) a;
        buf_put_cstr(b, "enqueue:");
        of_port_format(b, e->port);
        buf_printf(b, ":%" PRIu32, e->queue);
        break;
    }
    case OF_ACT_GROUP:
        buf_printf(b, "group:%" PRIu32, u->value);
        break;
    case OF_ACT_SET_FIELD:
        format_set_field((const void *) a, b);
        break;
    case OF_ACT_MOVE: {
        const struct of_act_move *m = (const void *) a;
        buf_put_cstr(b, "move:");
        of_subfield_format(&m->src, b);
        buf_put_cstr(b, "->");
        of_subfield_format(&m->dst, b);
        break;
    }
    case OF_ACT_SET_VLAN_VID:
        buf_printf(b, "mod_vlan_vid:%" PRIu32, u->value);
        break;
    case OF_ACT_SET_VLAN_PCP:
        buf_printf(b, "mod_vlan_pcp:%" PRIu32, u->value);
        break;
    case OF_ACT_STRIP_VLAN:
        buf_put_cstr(b, view_of11 ? "pop_vlan" : "strip_vlan");
        break;
    case OF_ACT_PUSH_VLAN:
        buf_printf(b, "push_vlan:%#" PRIx32, u->value);
        break;
    case OF_ACT_SET_L4_SRC:
        buf_printf(b, "mod_tp_src:%" PRIu32, u->value);
        break;
    case OF_ACT_SET_L4_DST:
        buf_printf(b, "mod_tp_dst:%" PRIu32, u->value);
        break;
    case OF_ACT_DEC_TTL: {
        const struct of_act_dec_ttl *d = (const void *) a;
        const uint16_t *ids = of_act_tail(a, sizeof *d);
        if (!d->n_ids || (d->n_ids == 1 && !ids[0])) {
            buf_put_cstr(b, "dec_ttl");
        } else {
            buf_put_cstr(b, "dec_ttl(");
            for (size_t i = 0; i < d->n_ids; i++) {
                buf_printf(b, "%s%u", i ? "," : "", ids[i]);
            }
            buf_put_char(b, ')');
        }
        break;
    }
    case OF_ACT_SET_MPLS_LABEL:
        buf_printf(b, "set_mpls_label(%" PRIu32 ")", u->value);
        break;
    case OF_ACT_SET_MPLS_TC:
        buf_printf(b, "set_mpls_tc(%" PRIu32 ")", u->value);
        break;
    case OF_ACT_SET_MPLS_TTL:
        buf_printf(b, "set_mpls_ttl(%" PRIu32 ")", u->value);
        break;
    case OF_ACT_DEC_MPLS_TTL:
        buf_put_cstr(b, "dec_mpls_ttl");
        break;
    case OF_ACT_PUSH_MPLS:
        buf_printf(b, "push_mpls:0x%04" PRIx32, u->value);
        break;
    case OF_ACT_POP_MPLS:
        buf_printf(b, "pop_mpls:0x%04" PRIx32, u->value);
        break;
    case OF_ACT_RESUBMIT: {
        const struct of_act_resubmit *r = (const void *) a;
        if (r->table_id == OF_TABLE_NONE && !r->with_ct) {
            buf_put_cstr(b, "resubmit:");
            of_port_format(b, r->port);
        } else {
            buf_put_cstr(b, "resubmit(");
            if (r->port != OF_PORT_IN_PORT) {
                of_port_format(b, r->port);
            }
            buf_put_char(b, ',');
            if (r->table_id != OF_TABLE_NONE) {
                buf_printf(b, "%u", r->table_id);
            }
            buf_put_cstr(b, r->with_ct ? ",ct)" : ")");
        }
        break;
    }
    case OF_ACT_SET_QUEUE:
        buf_printf(b, "set_queue:%" PRIu32, u->value);
        break;
    case OF_ACT_POP_QUEUE:
        buf_put_cstr(b, "pop_queue");
        break;
    case OF_ACT_NOTE: {
        const struct of_act_note *n = (const void *) a;
        const uint8_t *p = of_act_tail(a, sizeof *n);
        buf_put_cstr(b, "note:");
        for (size_t i = 0; i < n->n_bytes; i++) {
            buf_printf(b, "%s%02x", i ? "." : "", p[i]);
        }
        break;
    }
    case OF_ACT_LEARN:
        format_learn((const void *) a, b);
        break;
    case OF_ACT_CONJUNCTION: {
        const struct of_act_conjunction *c = (const void *) a;
        buf_printf(b, "conjunction(%" PRIu32 ",%u/%u)", c->id, c->clause + 1,
                   c->n_clauses);
        break;
    }
    case OF_ACT_CT:
        format_ct((const void *) a, b);
        break;
    case OF_ACT_CT_CLEAR:
        buf_put_cstr(b, "ct_clear");
        break;
    case OF_ACT_MULTIPATH: {
        static const char *algs[] = { "modulo_n", "hash_threshold", "hrw",
                                      "iter_hash" };
        const struct of_act_multipath *mp = (const void *) a;
        buf_printf(b, "multipath(%s,%u,%s,%u,%" PRIu32 ",",
                   of_hash_fields_name(mp->fields), mp->basis,
                   mp->algorithm < 4 ? algs[mp->algorithm] : "?",
                   mp->max_link + 1u, mp->arg);
        of_subfield_format(&mp->dst, b);
        buf_put_char(b, ')');
        break;
    }
    case OF_ACT_BUNDLE:
        format_bundle((const void *) a, b);
        break;
    case OF_ACT_FIN_TIMEOUT: {
        const struct of_act_fin_timeout *ft = (const void *) a;
        bool first = true;
        buf_put_cstr(b, "fin_timeout(");
        if (ft->idle_timeout) {
            put_sep(b, &first);
            buf_printf(b, "idle_timeout=%u", ft->idle_timeout);
        }
        if (ft->hard_timeout) {
            put_sep(b, &first);
            buf_printf(b, "hard_timeout=%u", ft->hard_timeout);
        }
        buf_put_char(b, ')');
        break;
    }
    case OF_ACT_SAMPLE: {
        const struct of_act_sample *s = (const void *) a;
        buf_printf(b,
                   "sample(probability=%u,collector_set_id=%" PRIu32
                   ",obs_domain_id=%" PRIu32 ",obs_point_id=%" PRIu32,
                   s->probability, s->collector_set_id, s->obs_domain_id,
                   s->obs_point_id);
        if (s->sampling_port != OF_PORT_NONE) {
            buf_put_cstr(b, ",sampling_port=");
            of_port_format(b, s->sampling_port);
        }
        if (s->direction == OF_SAMPLE_INGRESS) {
            buf_put_cstr(b, ",ingress");
        } else if (s->direction == OF_SAMPLE_EGRESS) {
            buf_put_cstr(b, ",egress");
        }
        buf_put_char(b, ')');
        break;
    }
    case OF_ACT_EXIT:
        buf_put_cstr(b, "exit");
        break;
    case OF_ACT_CLONE:
    case OF_ACT_WRITE_ACTIONS:
        nested = of_act_nested(a, &n_len);
        buf_put_cstr(b, a->type == OF_ACT_CLONE ? "clone(" : "write_actions(");
        format_list(nested, n_len, b);
        buf_put_char(b, ')');
        break;
    case OF_ACT_CHECK_PKT_LARGER: {
        const struct of_act_check_pkt_larger *c = (const void *) a;
        buf_printf(b, "check_pkt_larger(%u)->", c->pkt_len);
        of_subfield_format(&c->dst, b);
        break;
    }
    case OF_ACT_SET_TUNNEL: {
        const struct of_act_set_tunnel *t = (const void *) a;
        buf_printf(b, "set_tunnel%s:%#" PRIx64, t->is64 ? "64" : "",
                   t->tun_id);
        break;
    }
    case OF_ACT_METER:
        buf_printf(b, "meter:%" PRIu32, u->value);
        break;
    case OF_ACT_CLEAR_ACTIONS:
        buf_put_cstr(b, "clear_actions");
        break;
    case OF_ACT_WRITE_METADATA: {
        const struct of_act_write_metadata *wm = (const void *) a;
        buf_printf(b, "write_metadata:%#" PRIx64, wm->metadata);
        if (wm->mask != UINT64_MAX) {
            buf_printf(b, "/%#" PRIx64, wm->mask);
        }
        break;
    }
    case OF_ACT_GOTO_TABLE:
        buf_printf(b, "goto_table:%" PRIu32, u->value);
        break;
    case OF_N_ACT_TYPES:
    default:
        buf_printf(b, "<unknown action %u>", a->type);
        break;
    }
}

static void
format_list(const void *data, size_t len, struct buf *b)
{
    bool first = true;
    OF_ACT_FOR_EACH(a, data, len)
    {
        put_sep(b, &first);
        format_one(a, b);
    }
}

void
of_acts_format_raw(const void *data, size_t len, struct buf *b)
{
    if (!len) {
        buf_put_cstr(b, "drop");
        return;
    }
    format_list(data, len, b);
}

void
of_acts_format(const struct of_acts *acts, struct buf *b)
{
    of_acts_format_raw(acts->buf.data, acts->buf.len, b);
}

void
of_acts_format_view(const struct of_acts *acts, uint8_t version, struct buf *b)
{
    bool saved = view_of11;

    view_of11 = version > 0x01;
    of_acts_format(acts, b);
    view_of11 = saved;
}
