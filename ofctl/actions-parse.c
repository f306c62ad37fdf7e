/* actions-parse.c: the ovs-ofctl action syntax (ovs-actions(7)), parsed
 * into struct of_acts (see of_acts_parse() in actions.h).
 *
 * Each keyword has a row in the keyword table with its parser; the larger
 * actions (ct, learn, bundle, multipath) live in actions-parse-ext.c.
 * Semantically identical spellings parse to the same action: mod_dl_src:X
 * and set_field:X->eth_src are one set_field, and so on; "load:" keeps a
 * flag because ovs-ofctl prints it back as "load:". */
#include "ofctl/actions-private.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
of_pstate_mark(struct of_pstate *ps, const char *p)
{
    if (p >= ps->copy && p <= ps->copy + ps->copy_len) {
        ps->ctx->err_ofs = ps->copy_ofs + (size_t) (p - ps->copy);
    }
}

/* ---------------------------------------------------------------------
 * Helpers.
 * --------------------------------------------------------------------- */

static char *
parse_num(const char *what, const char *s, uint64_t max, uint64_t *v)
{
    if (!of_text_parse_uint(s, max, v)) {
        return xasprintf("%s: invalid %s (expected a number from 0 to "
                         "%llu)",
                         s, what, (unsigned long long) max);
    }
    return NULL;
}

static struct of_act_u32 *
put_u32(struct of_acts *acts, enum of_act_type type, uint32_t value)
{
    struct of_act_u32 *a = of_acts_put(acts, type, sizeof *a, 0);
    a->value = value;
    return a;
}

static char *
put_num(struct of_acts *acts, enum of_act_type type, const char *what,
        const char *arg, uint64_t max)
{
    uint64_t v;
    char *err = parse_num(what, arg, max, &v);
    if (!err) {
        put_u32(acts, type, (uint32_t) v);
    }
    return err;
}

/* Parses hex bytes, optionally separated by dots ("01.02.03" or
 * "010203"), into B. */
static char *
parse_hex_bytes(const char *s, struct buf *b)
{
    const char *p = s;
    while (*p) {
        if (*p == '.') {
            p++;
            continue;
        }
        unsigned hi, lo;
        if (!p[1] || sscanf(p, "%1x%1x", &hi, &lo) != 2) {
            return xasprintf("%s: bad hex digit in byte string", s);
        }
        buf_put_u8(b, (uint8_t) (hi << 4 | lo));
        p += 2;
    }
    return NULL;
}

char *
of_load_to_field(const char *text, const struct of_subfield *dst,
                 union of_value *value, union of_value *mask)
{
    const struct of_field *f = of_field_from_id(dst->field);
    union of_value src;
    size_t n = f->n_bytes;
    bool too_big = false;
    /* Read the number at the widest size, then check that it fits. */
    const struct of_field wide = {
        .id = OF_N_FIELDS,
        .name = f->name,
        .n_bits = OF_VALUE_MAX * 8,
        .n_bytes = OF_VALUE_MAX,
        .format = OF_FMT_HEX,
    };
    char *err = of_field_parse_value(&wide, text, &src);
    if (err) {
        return err;
    }
    for (unsigned bit = dst->n_bits; bit < OF_VALUE_MAX * 8; bit++) {
        if (of_bit_get(src.be, OF_VALUE_MAX, bit)) {
            too_big = true;
            break;
        }
    }
    if (too_big) {
        return xasprintf("value %s does not fit into %u bits", text,
                         dst->n_bits);
    }
    memset(value->be, 0, n);
    memset(mask->be, 0, n);
    for (unsigned i = 0; i < dst->n_bits; i++) {
        of_bit_set(value->be, n, dst->ofs + i,
                   of_bit_get(src.be, OF_VALUE_MAX, i));
        of_bit_set(mask->be, n, dst->ofs + i, true);
    }
    return NULL;
}

/* ---------------------------------------------------------------------
 * Keyword parsers.  Each gets the text after "name:" or inside
 * "name(...)" (ARG, "" for a bare keyword) and appends to ACTS.
 * --------------------------------------------------------------------- */

typedef char *act_parser(struct of_pstate *, const char *name, char *arg,
                         char *arrow, struct of_acts *);

static char *
put_controller(struct of_acts *acts, uint16_t max_len)
{
    struct of_act_controller *c =
        of_acts_put(acts, OF_ACT_CONTROLLER, sizeof *c, 0);
    c->max_len = max_len;
    return NULL;
}

static char *
put_output(struct of_acts *acts, uint16_t port, uint16_t max_len)
{
    if (port == OF_PORT_CONTROLLER) {
        return put_controller(acts, max_len ? max_len : UINT16_MAX);
    }
    if (port == OF_PORT_NONE || port == OF_PORT_UNSET) {
        return xasprintf("output to port %s is not allowed",
                         port == OF_PORT_NONE ? "ANY" : "UNSET");
    }
    struct of_act_output *o = of_acts_put(acts, OF_ACT_OUTPUT, sizeof *o, 0);
    o->port = port;
    o->max_len = max_len;
    return NULL;
}

static char *
parse_output(struct of_pstate *ps, const char *name, char *arg, char *arrow,
             struct of_acts *acts)
{
    uint16_t port;
    uint64_t max_len = 0;

    if (strstr(arg, "port=")) {
        /* output(port=P,max_len=N). */
        char *pos = arg, *k, *v, *port_s = NULL;
        while (of_text_next_kv(&pos, &k, &v, NULL)) {
            if (!strcmp(k, "port")) {
                port_s = v;
            } else if (!strcmp(k, "max_len")) {
                char *err = parse_num("max_len", v, UINT16_MAX, &max_len);
                if (err) {
                    return err;
                }
            } else {
                of_pstate_mark(ps, k);
                return xasprintf("%s: unknown output argument", k);
            }
        }
        if (!port_s) {
            return xasprintf("output: missing port");
        }
        arg = port_s;
    }
    if (strchr(arg, '[') && max_len) {
        return xasprintf("output to unknown truncate port: %s", arg);
    }
    if (strchr(arg, '[')) {
        struct of_act_output_reg *o;
        struct of_subfield sf;
        char *err = of_subfield_parse_all(arg, &sf, false);
        if (err) {
            return err;
        }
        if (sf.n_bits > 32) {
            return xasprintf("%s: output to unknown port", arg);
        }
        o = of_acts_put(acts, OF_ACT_OUTPUT_REG, sizeof *o, 0);
        o->src = sf;
        o->max_len = (uint16_t) max_len;
        return NULL;
    }
    if (!of_port_parse(arg, &port)) {
        return xasprintf("%s: output to unknown port", arg);
    }
    return put_output(acts, port, (uint16_t) max_len);
}

static const struct {
    const char *name;
    uint8_t reason;
} ctl_reasons[] = {
    { "action", OF_CTL_ACTION },
    { "no_match", OF_CTL_NO_MATCH },
    { "invalid_ttl", OF_CTL_INVALID_TTL },
    { "action_set", OF_CTL_ACTION_SET },
    { "group", OF_CTL_GROUP },
    { "packet_out", OF_CTL_PACKET_OUT },
};

static char *
parse_controller(struct of_pstate *ps, const char *name, char *arg,
                 char *arrow, struct of_acts *acts)
{
    uint64_t max_len = UINT16_MAX, id = 0, meter = 0, v;
    uint8_t reason = OF_CTL_ACTION, pause = 0;
    struct buf userdata = BUF_INITIALIZER;
    char *err = NULL;

    if (!*arg) {
        return put_controller(acts, UINT16_MAX);
    }
    if (of_text_parse_uint(arg, UINT16_MAX, &v)) {
        return put_controller(acts, (uint16_t) v);
    }
    char *pos = arg, *k, *val;
    while (!err && of_text_next_kv(&pos, &k, &val, NULL)) {
        if (!strcmp(k, "max_len")) {
            err = parse_num("max_len", val, UINT16_MAX, &max_len);
        } else if (!strcmp(k, "id")) {
            err = parse_num("controller id", val, UINT16_MAX, &id);
        } else if (!strcmp(k, "meter_id")) {
            err = parse_num("meter_id", val, UINT32_MAX, &meter);
        } else if (!strcmp(k, "pause")) {
            pause = 1;
        } else if (!strcmp(k, "userdata")) {
            err = parse_hex_bytes(val, &userdata);
        } else if (!strcmp(k, "reason")) {
            size_t i;
            for (i = 0; i < ARRAY_SIZE(ctl_reasons); i++) {
                if (!strcmp(val, ctl_reasons[i].name)) {
                    reason = ctl_reasons[i].reason;
                    break;
                }
            }
            if (i == ARRAY_SIZE(ctl_reasons)) {
                err = xasprintf("unknown reason \"%s\"", val);
            }
        } else {
            err = xasprintf("%s: unknown controller argument", k);
        }
        if (err) {
            of_pstate_mark(ps, k);
        }
    }
    if (!err) {
        struct of_act_controller *c;
        c = of_acts_put(acts, OF_ACT_CONTROLLER, sizeof *c, userdata.len);
        c->max_len = (uint16_t) max_len;
        c->controller_id = (uint16_t) id;
        c->reason = reason;
        c->pause = pause;
        c->meter_id = (uint32_t) meter;
        c->userdata_len = (uint16_t) userdata.len;
        if (userdata.len) {
            memcpy(c + 1, userdata.data, userdata.len);
        }
    }
    buf_destroy(&userdata);
    return err;
}

static char *
parse_enqueue(struct of_pstate *ps, const char *name, char *arg, char *arrow,
              struct of_acts *acts)
{
    char *sep = strpbrk(arg, ":,");
    uint16_t port;
    uint64_t queue;

    if (!sep) {
        return xasprintf("%s: enqueue needs a port and a queue", arg);
    }
    *sep = '\0';
    if (!of_port_parse(arg, &port)) {
        return xasprintf("%s: unknown port for enqueue", arg);
    }
    char *err = parse_num("queue", sep + 1, UINT32_MAX, &queue);
    if (!err) {
        struct of_act_enqueue *e =
            of_acts_put(acts, OF_ACT_ENQUEUE, sizeof *e, 0);
        e->port = port;
        e->queue = (uint32_t) queue;
    }
    return err;
}

static char *
parse_set_field(struct of_pstate *ps, const char *name, char *arg, char *arrow,
                struct of_acts *acts)
{
    char *arr = strstr(arg, "->");
    union of_value v, m;

    if (!arr) {
        return xasprintf("%s: missing `->'", arg);
    }
    *arr = '\0';
    const char *fname = arr + 2;
    const struct of_field *f = of_field_from_any_name(fname, strlen(fname));
    if (!f) {
        of_pstate_mark(ps, fname);
        return xasprintf("%s is not a valid OXM field name", fname);
    }
    if (!f->writable) {
        of_pstate_mark(ps, fname);
        return xasprintf("%s is read-only", f->name);
    }
    char *err = of_field_parse_unmasked(f, arg, &v, &m);
    if (err) {
        return err;
    }
    if (of_value_is_zero(f, &m)) {
        return xasprintf("%s: a zero mask sets nothing", arg);
    }
    of_acts_put_set_field(acts, f, &v, &m, 0);
    return NULL;
}

static char *
parse_load(struct of_pstate *ps, const char *name, char *arg, char *arrow,
           struct of_acts *acts)
{
    char *arr = strstr(arg, "->");
    struct of_subfield dst;
    union of_value v, m;

    if (!arr) {
        return xasprintf("%s: missing `->'", arg);
    }
    *arr = '\0';
    char *err = of_subfield_parse_all(arr + 2, &dst, false);
    if (err) {
        of_pstate_mark(ps, arr + 2);
        return err;
    }
    const struct of_field *f = of_field_from_id(dst.field);
    if (!f->writable) {
        of_pstate_mark(ps, arr + 2);
        return xasprintf("%s is read-only", f->name);
    }
    err = of_load_to_field(arg, &dst, &v, &m);
    if (err) {
        char *full = xasprintf("%s->%s: %s", arg, arr + 2, err);
        free(err);
        return full;
    }
    of_acts_put_set_field(acts, f, &v, &m, OF_SET_FIELD_LOAD);
    return NULL;
}

static char *
parse_move(struct of_pstate *ps, const char *name, char *arg, char *arrow,
           struct of_acts *acts)
{
    char *arr = strstr(arg, "->");
    struct of_act_move *mv;
    struct of_subfield src, dst;

    if (!arr) {
        return xasprintf("%s: missing `->'", arg);
    }
    *arr = '\0';
    char *err = of_subfield_parse_all(arg, &src, false);
    if (!err) {
        err = of_subfield_parse_all(arr + 2, &dst, false);
    }
    if (err) {
        return err;
    }
    if (src.n_bits != dst.n_bits) {
        return xasprintf("%s->%s: source field is %u bits wide but "
                         "destination is %u bits wide",
                         arg, arr + 2, src.n_bits, dst.n_bits);
    }
    if (!of_field_from_id(dst.field)->writable) {
        return xasprintf("%s is read-only", of_field_from_id(dst.field)->name);
    }
    mv = of_acts_put(acts, OF_ACT_MOVE, sizeof *mv, 0);
    mv->src = src;
    mv->dst = dst;
    return NULL;
}

/* mod_dl_src, mod_nw_src and the like: a set_field of one field. */
static char *
parse_mod_field(struct of_pstate *ps, const char *name, char *arg, char *arrow,
                struct of_acts *acts)
{
    static const struct {
        const char *name;
        enum of_field_id field;
    } mods[] = {
        { "mod_dl_src", OF_F_ETH_SRC },  { "mod_dl_dst", OF_F_ETH_DST },
        { "mod_nw_src", OF_F_IPV4_SRC }, { "mod_nw_dst", OF_F_IPV4_DST },
        { "mod_nw_tos", OF_F_NW_TOS },   { "mod_nw_ecn", OF_F_IP_ECN },
        { "mod_nw_ttl", OF_F_IP_TTL },
    };
    for (size_t i = 0; i < ARRAY_SIZE(mods); i++) {
        if (!strcmp(name, mods[i].name)) {
            const struct of_field *f = of_field_from_id(mods[i].field);
            union of_value v;
            char *err;
            if (f->format == OF_FMT_DEC) {
                uint64_t x;
                uint64_t max = f->id == OF_F_IP_ECN ? 3 : 255;
                err = parse_num(name, arg, max, &x);
                if (!err && f->id == OF_F_NW_TOS && (x & 3)) {
                    err = xasprintf("%s: not a valid TOS", arg);
                }
                of_value_from_u64(f, &v, x);
            } else {
                err = of_field_parse_value(f, arg, &v);
            }
            if (!err) {
                of_acts_put_set_field(acts, f, &v, NULL, OF_SET_FIELD_MOD);
            }
            return err;
        }
    }
    return xasprintf("%s: unknown action", name);
}

static char *
parse_vlan_vid(struct of_pstate *ps, const char *name, char *arg, char *arrow,
               struct of_acts *acts)
{
    uint64_t v;
    if (!of_text_parse_uint(arg, 4095, &v)) {
        return xasprintf("%s: not a valid VLAN VID", arg);
    }
    put_u32(acts, OF_ACT_SET_VLAN_VID, (uint32_t) v);
    return NULL;
}

static char *
parse_vlan_pcp(struct of_pstate *ps, const char *name, char *arg, char *arrow,
               struct of_acts *acts)
{
    uint64_t v;
    if (!of_text_parse_uint(arg, 7, &v)) {
        return xasprintf("%s: not a valid VLAN PCP", arg);
    }
    put_u32(acts, OF_ACT_SET_VLAN_PCP, (uint32_t) v);
    return NULL;
}

static char *
parse_strip_vlan(struct of_pstate *ps, const char *name, char *arg,
                 char *arrow, struct of_acts *acts)
{
    put_u32(acts, OF_ACT_STRIP_VLAN, !strcmp(name, "pop_vlan"));
    return NULL;
}

static char *
parse_push_vlan(struct of_pstate *ps, const char *name, char *arg, char *arrow,
                struct of_acts *acts)
{
    uint64_t v;
    if (!of_text_parse_uint(arg, UINT16_MAX, &v)
        || (v != ETH_TYPE_VLAN_8021Q && v != ETH_TYPE_VLAN_8021AD)) {
        return xasprintf("%s: not a valid VLAN TPID (0x8100 or 0x88a8)", arg);
    }
    put_u32(acts, OF_ACT_PUSH_VLAN, (uint32_t) v);
    return NULL;
}

static char *
parse_mod_tp(struct of_pstate *ps, const char *name, char *arg, char *arrow,
             struct of_acts *acts)
{
    return put_num(acts,
                   !strcmp(name, "mod_tp_src") ? OF_ACT_SET_L4_SRC
                                               : OF_ACT_SET_L4_DST,
                   "port", arg, UINT16_MAX);
}

static char *
parse_dec_ttl(struct of_pstate *ps, const char *name, char *arg, char *arrow,
              struct of_acts *acts)
{
    uint16_t ids[256] = { 0 };
    size_t n = 0;
    char *pos = arg, *k, *v;

    while (of_text_next_kv(&pos, &k, &v, NULL)) {
        uint64_t id;
        if (n >= ARRAY_SIZE(ids)) {
            return xasprintf("dec_ttl: too many controller ids");
        }
        char *err = parse_num("controller id", k, UINT16_MAX, &id);
        if (err) {
            of_pstate_mark(ps, k);
            return err;
        }
        ids[n++] = (uint16_t) id;
    }
    struct of_act_dec_ttl *d =
        of_acts_put(acts, OF_ACT_DEC_TTL, sizeof *d, n * sizeof ids[0]);
    d->n_ids = (uint16_t) n;
    memcpy(d + 1, ids, n * sizeof ids[0]);
    return NULL;
}

static char *
parse_mpls(struct of_pstate *ps, const char *name, char *arg, char *arrow,
           struct of_acts *acts)
{
    if (!strcmp(name, "set_mpls_label")) {
        return put_num(acts, OF_ACT_SET_MPLS_LABEL, "MPLS label", arg,
                       0xfffff);
    } else if (!strcmp(name, "set_mpls_tc")) {
        return put_num(acts, OF_ACT_SET_MPLS_TC, "MPLS TC", arg, 7);
    } else if (!strcmp(name, "set_mpls_ttl")) {
        return put_num(acts, OF_ACT_SET_MPLS_TTL, "MPLS TTL", arg, 255);
    } else if (!strcmp(name, "dec_mpls_ttl")) {
        of_acts_put(acts, OF_ACT_DEC_MPLS_TTL, sizeof(struct of_act), 0);
        return NULL;
    }
    uint64_t type;
    bool push = !strcmp(name, "push_mpls");
    if (!of_text_parse_uint(arg, UINT16_MAX, &type)) {
        return xasprintf("%s: not a valid EtherType", arg);
    }
    if (push && type != ETH_TYPE_MPLS && type != ETH_TYPE_MPLS_MCAST) {
        return xasprintf("%s: push_mpls needs EtherType 0x8847 or 0x8848",
                         arg);
    }
    put_u32(acts, push ? OF_ACT_PUSH_MPLS : OF_ACT_POP_MPLS, (uint32_t) type);
    return NULL;
}

static char *
parse_resubmit(struct of_pstate *ps, const char *name, char *arg, char *arrow,
               struct of_acts *acts)
{
    char *parts[3] = { arg, NULL, NULL };
    uint16_t port = OF_PORT_IN_PORT;
    uint64_t table = OF_TABLE_NONE;
    bool ct = false;

    for (int i = 0; i < 2 && parts[i]; i++) {
        char *comma = strchr(parts[i], ',');
        if (comma) {
            *comma = '\0';
            parts[i + 1] = comma + 1;
        }
    }
    if (parts[0][0] && !of_port_parse(parts[0], &port)) {
        return xasprintf("%s: resubmit to unknown port", parts[0]);
    }
    if (parts[1] && parts[1][0]
        && !of_text_parse_uint(parts[1], 254, &table)) {
        return xasprintf("%s: invalid table id", parts[1]);
    }
    if (parts[2]) {
        if (strcmp(parts[2], "ct")) {
            return xasprintf("%s: unknown resubmit option (only \"ct\")",
                             parts[2]);
        }
        ct = true;
    }
    if (port == OF_PORT_IN_PORT && table == OF_TABLE_NONE) {
        return xasprintf("at least one \"in_port\" or \"table\" must be "
                         "specified on resubmit");
    }
    struct of_act_resubmit *r =
        of_acts_put(acts, OF_ACT_RESUBMIT, sizeof *r, 0);
    r->port = port;
    r->table_id = (uint8_t) table;
    r->with_ct = ct;
    return NULL;
}

static char *
parse_simple(struct of_pstate *ps, const char *name, char *arg, char *arrow,
             struct of_acts *acts)
{
    static const struct {
        const char *name;
        enum of_act_type type;
    } simple[] = {
        { "pop_queue", OF_ACT_POP_QUEUE },
        { "ct_clear", OF_ACT_CT_CLEAR },
        { "exit", OF_ACT_EXIT },
        { "clear_actions", OF_ACT_CLEAR_ACTIONS },
    };
    if (*arg) {
        return xasprintf("%s: %s takes no argument", arg, name);
    }
    for (size_t i = 0; i < ARRAY_SIZE(simple); i++) {
        if (!strcmp(name, simple[i].name)) {
            of_acts_put(acts, simple[i].type, sizeof(struct of_act), 0);
        }
    }
    return NULL;
}

static char *
parse_number_act(struct of_pstate *ps, const char *name, char *arg,
                 char *arrow, struct of_acts *acts)
{
    static const struct {
        const char *name;
        enum of_act_type type;
        uint64_t max;
    } nums[] = {
        { "group", OF_ACT_GROUP, 0xffffff00 },
        { "meter", OF_ACT_METER, 0xffff0000 },
        { "goto_table", OF_ACT_GOTO_TABLE, 254 },
        { "set_queue", OF_ACT_SET_QUEUE, UINT32_MAX },
    };
    for (size_t i = 0; i < ARRAY_SIZE(nums); i++) {
        if (!strcmp(name, nums[i].name)) {
            return put_num(acts, nums[i].type, name, arg, nums[i].max);
        }
    }
    return NULL;
}

static char *
parse_note(struct of_pstate *ps, const char *name, char *arg, char *arrow,
           struct of_acts *acts)
{
    struct buf b = BUF_INITIALIZER;
    char *err = parse_hex_bytes(arg, &b);
    if (!err) {
        /* The wire pads a note to fill its action to 8-byte units (6, 14,
         * 22, ... bytes); keep that length so the model equals what comes
         * back from a switch. */
        size_t n = (b.len + 10 + 7) / 8 * 8 - 10;
        struct of_act_note *note =
            of_acts_put(acts, OF_ACT_NOTE, sizeof *note, n);
        note->n_bytes = (uint32_t) n;
        if (b.len) {
            memcpy(note + 1, b.data, b.len);
        }
    }
    buf_destroy(&b);
    return err;
}

static char *
parse_conjunction(struct of_pstate *ps, const char *name, char *arg,
                  char *arrow, struct of_acts *acts)
{
    unsigned long long id;
    unsigned k, n;
    int len = -1;

    if (sscanf(arg, "%llu,%u/%u%n", &id, &k, &n, &len) != 3 || len < 0
        || arg[len]) {
        return xasprintf("\"conjunction\" syntax is \"conjunction(id,i/n)\"");
    }
    if (id > UINT32_MAX) {
        return xasprintf("%llu: conjunction id out of range", id);
    }
    if (n < 2 || n > 64) {
        return xasprintf("number of conjunctive clauses must be between 2 "
                         "and 64");
    }
    if (k < 1 || k > n) {
        return xasprintf("clause index must be between 1 and number of "
                         "clauses");
    }
    struct of_act_conjunction *c =
        of_acts_put(acts, OF_ACT_CONJUNCTION, sizeof *c, 0);
    c->id = (uint32_t) id;
    c->clause = (uint8_t) (k - 1);
    c->n_clauses = (uint8_t) n;
    return NULL;
}

static char *
parse_fin_timeout(struct of_pstate *ps, const char *name, char *arg,
                  char *arrow, struct of_acts *acts)
{
    uint64_t idle = 0, hard = 0;
    char *pos = arg, *k, *v, *err = NULL;

    while (!err && of_text_next_kv(&pos, &k, &v, NULL)) {
        if (!strcmp(k, "idle_timeout")) {
            err = parse_num(k, v, UINT16_MAX, &idle);
        } else if (!strcmp(k, "hard_timeout")) {
            err = parse_num(k, v, UINT16_MAX, &hard);
        } else {
            of_pstate_mark(ps, k);
            err = xasprintf("invalid key '%s' in 'fin_timeout' argument", k);
        }
    }
    if (!err) {
        struct of_act_fin_timeout *ft =
            of_acts_put(acts, OF_ACT_FIN_TIMEOUT, sizeof *ft, 0);
        ft->idle_timeout = (uint16_t) idle;
        ft->hard_timeout = (uint16_t) hard;
    }
    return err;
}

static char *
parse_sample(struct of_pstate *ps, const char *name, char *arg, char *arrow,
             struct of_acts *acts)
{
    uint64_t prob = 0, cs = 0, dom = 0, pt = 0;
    uint16_t port = OF_PORT_NONE;
    uint8_t dir = OF_SAMPLE_DEFAULT;
    char *pos = arg, *k, *v, *err = NULL;
    bool have_prob = false;

    while (!err && of_text_next_kv(&pos, &k, &v, NULL)) {
        if (!strcmp(k, "probability")) {
            err = parse_num(k, v, UINT16_MAX, &prob);
            have_prob = true;
            if (!err && !prob) {
                err = xasprintf("invalid probability value \"%s\"", v);
            }
        } else if (!strcmp(k, "collector_set_id")) {
            err = parse_num(k, v, UINT32_MAX, &cs);
        } else if (!strcmp(k, "obs_domain_id")) {
            err = parse_num(k, v, UINT32_MAX, &dom);
        } else if (!strcmp(k, "obs_point_id")) {
            err = parse_num(k, v, UINT32_MAX, &pt);
        } else if (!strcmp(k, "sampling_port")) {
            if (!of_port_parse(v, &port)) {
                err = xasprintf("%s: unknown port for sampling_port", v);
            }
        } else if (!strcmp(k, "ingress")) {
            dir = OF_SAMPLE_INGRESS;
        } else if (!strcmp(k, "egress")) {
            dir = OF_SAMPLE_EGRESS;
        } else {
            err = xasprintf("invalid key \"%s\" in \"sample\" argument", k);
        }
        if (err) {
            of_pstate_mark(ps, k);
        }
    }
    if (!err && !have_prob) {
        err = xasprintf("non-zero \"probability\" must be specified on "
                        "sample");
    }
    if (!err) {
        struct of_act_sample *s =
            of_acts_put(acts, OF_ACT_SAMPLE, sizeof *s, 0);
        s->probability = (uint16_t) prob;
        s->collector_set_id = (uint32_t) cs;
        s->obs_domain_id = (uint32_t) dom;
        s->obs_point_id = (uint32_t) pt;
        s->sampling_port = port;
        s->direction = dir;
    }
    return err;
}

static char *
parse_check_pkt_larger(struct of_pstate *ps, const char *name, char *arg,
                       char *arrow, struct of_acts *acts)
{
    uint64_t len;
    struct of_subfield dst;

    if (!of_text_parse_uint(arg, UINT16_MAX, &len)) {
        return xasprintf("%s: invalid packet length for check_pkt_larger",
                         arg);
    }
    if (!arrow) {
        return xasprintf("check_pkt_larger(%s) needs \"->FIELD[BIT]\"", arg);
    }
    char *err = of_subfield_parse_all(arrow, &dst, false);
    if (err) {
        of_pstate_mark(ps, arrow);
        return err;
    }
    if (dst.n_bits != 1) {
        return xasprintf("%s: check_pkt_larger stores one bit", arrow);
    }
    struct of_act_check_pkt_larger *c;
    c = of_acts_put(acts, OF_ACT_CHECK_PKT_LARGER, sizeof *c, 0);
    c->pkt_len = (uint16_t) len;
    c->dst = dst;
    return NULL;
}

static char *
parse_set_tunnel(struct of_pstate *ps, const char *name, char *arg,
                 char *arrow, struct of_acts *acts)
{
    uint64_t id;
    if (!of_text_parse_uint(arg, UINT64_MAX, &id)) {
        return xasprintf("%s: invalid tunnel id", arg);
    }
    struct of_act_set_tunnel *t =
        of_acts_put(acts, OF_ACT_SET_TUNNEL, sizeof *t, 0);
    t->tun_id = id;
    t->is64 = !strcmp(name, "set_tunnel64") || id > UINT32_MAX;
    return NULL;
}

static char *
parse_write_metadata(struct of_pstate *ps, const char *name, char *arg,
                     char *arrow, struct of_acts *acts)
{
    const struct of_field *f = of_field_from_id(OF_F_METADATA);
    union of_value v, m;
    char *err = of_field_parse(f, arg, &v, &m);
    if (!err) {
        struct of_act_write_metadata *wm;
        wm = of_acts_put(acts, OF_ACT_WRITE_METADATA, sizeof *wm, 0);
        wm->metadata = of_value_to_u64(f, &v);
        wm->mask = of_value_to_u64(f, &m);
    }
    return err;
}

static char *
parse_nested(struct of_pstate *ps, const char *name, char *arg, char *arrow,
             struct of_acts *acts)
{
    enum of_act_type type =
        !strcmp(name, "clone") ? OF_ACT_CLONE : OF_ACT_WRITE_ACTIONS;
    struct of_act_nest *n = of_acts_put(acts, type, sizeof *n, 0);
    size_t ofs = of_acts_offset(acts, n);

    ps->depth++;
    char *err = of_parse_act_list(ps, arg, acts);
    ps->depth--;
    of_acts_nest_end(acts, ofs);
    return err;
}

static char *
parse_ct_fwd(struct of_pstate *ps, const char *name, char *arg, char *arrow,
             struct of_acts *acts)
{
    return of_parse_ct(ps, arg, acts);
}

static char *
parse_learn_fwd(struct of_pstate *ps, const char *name, char *arg, char *arrow,
                struct of_acts *acts)
{
    return of_parse_learn(ps, arg, acts);
}

static char *
parse_bundle_fwd(struct of_pstate *ps, const char *name, char *arg,
                 char *arrow, struct of_acts *acts)
{
    return of_parse_bundle(ps, arg, !strcmp(name, "bundle_load"), acts);
}

static char *
parse_multipath_fwd(struct of_pstate *ps, const char *name, char *arg,
                    char *arrow, struct of_acts *acts)
{
    return of_parse_multipath(ps, arg, acts);
}

static char *
parse_unsupported(struct of_pstate *ps, const char *name, char *arg,
                  char *arrow, struct of_acts *acts)
{
    return xasprintf("%s: action not supported yet by nicflow", name);
}

/* The keyword table. */
static const struct {
    const char *name;
    act_parser *parse;
} keywords[] = {
    { "output", parse_output },
    { "controller", parse_controller },
    { "enqueue", parse_enqueue },
    { "set_field", parse_set_field },
    { "load", parse_load },
    { "move", parse_move },
    { "mod_dl_src", parse_mod_field },
    { "mod_dl_dst", parse_mod_field },
    { "mod_nw_src", parse_mod_field },
    { "mod_nw_dst", parse_mod_field },
    { "mod_nw_tos", parse_mod_field },
    { "mod_nw_ecn", parse_mod_field },
    { "mod_nw_ttl", parse_mod_field },
    { "mod_vlan_vid", parse_vlan_vid },
    { "mod_vlan_pcp", parse_vlan_pcp },
    { "strip_vlan", parse_strip_vlan },
    { "pop_vlan", parse_strip_vlan },
    { "push_vlan", parse_push_vlan },
    { "mod_tp_src", parse_mod_tp },
    { "mod_tp_dst", parse_mod_tp },
    { "dec_ttl", parse_dec_ttl },
    { "set_mpls_label", parse_mpls },
    { "set_mpls_tc", parse_mpls },
    { "set_mpls_ttl", parse_mpls },
    { "dec_mpls_ttl", parse_mpls },
    { "push_mpls", parse_mpls },
    { "pop_mpls", parse_mpls },
    { "resubmit", parse_resubmit },
    { "set_queue", parse_number_act },
    { "pop_queue", parse_simple },
    { "note", parse_note },
    { "learn", parse_learn_fwd },
    { "conjunction", parse_conjunction },
    { "ct", parse_ct_fwd },
    { "ct_clear", parse_simple },
    { "multipath", parse_multipath_fwd },
    { "bundle", parse_bundle_fwd },
    { "bundle_load", parse_bundle_fwd },
    { "fin_timeout", parse_fin_timeout },
    { "sample", parse_sample },
    { "exit", parse_simple },
    { "clone", parse_nested },
    { "check_pkt_larger", parse_check_pkt_larger },
    { "set_tunnel", parse_set_tunnel },
    { "set_tunnel64", parse_set_tunnel },
    { "group", parse_number_act },
    { "meter", parse_number_act },
    { "goto_table", parse_number_act },
    { "write_metadata", parse_write_metadata },
    { "clear_actions", parse_simple },
    { "write_actions", parse_nested },
    { "encap", parse_unsupported },
    { "decap", parse_unsupported },
    { "dec_nsh_ttl", parse_unsupported },
    { "delete_field", parse_unsupported },
};

/* The rank of an action in OpenFlow 1.1+ instruction order. */
static int
instruction_rank(enum of_act_type type)
{
    switch (type) {
    case OF_ACT_METER:
        return 0;
    case OF_ACT_CLEAR_ACTIONS:
        return 2;
    case OF_ACT_WRITE_ACTIONS:
        return 3;
    case OF_ACT_WRITE_METADATA:
        return 4;
    case OF_ACT_GOTO_TABLE:
        return 5;
    default:
        return 1; /* apply_actions. */
    }
}

static const char *
rank_name(int rank)
{
    static const char *names[] = { "meter",          "apply_actions",
                                   "clear_actions",  "write_actions",
                                   "write_metadata", "goto_table" };
    return names[rank];
}

char *
of_parse_act_list(struct of_pstate *ps, char *s, struct of_acts *acts)
{
    char *pos = s, *key, *value, *arrow;
    size_t start = acts->buf.len;
    bool drop = false;
    int n = 0, last_rank = -1;

    if (ps->depth > 16) {
        of_pstate_mark(ps, s);
        return xasprintf("actions nested too deeply");
    }
    for (;;) {
        char *here = pos;
        while (*here == ',' || *here == ' ' || *here == '\t') {
            here++;
        }
        if (!of_text_next_kv(&pos, &key, &value, &arrow)) {
            if (*here && !value) {
                of_pstate_mark(ps, here);
                return xasprintf("%s: unbalanced parentheses", here);
            }
            break;
        }
        size_t act_start = acts->buf.len;
        char *err = NULL;
        uint16_t port;
        n++;

        if (!strcasecmp(key, "drop") && !*value) {
            drop = true;
            continue;
        }
        size_t i;
        for (i = 0; i < ARRAY_SIZE(keywords); i++) {
            /* "CONTROLLER:N" is how ovs-ofctl prints controller:N.  The
             * first letter, compared first, weeds out most rows. */
            if ((key[0] == keywords[i].name[0]
                 && !strcmp(key, keywords[i].name))
                || ((key[0] == 'C' || key[0] == 'c')
                    && !strcmp(keywords[i].name, "controller")
                    && !strcasecmp(key, "controller"))) {
                break;
            }
        }
        if (i < ARRAY_SIZE(keywords)) {
            err = keywords[i].parse(ps, key, value, arrow, acts);
        } else if (!*value && of_port_parse(key, &port)) {
            /* A bare port number or name: output to it. */
            err = put_output(acts, port, 0);
        } else {
            err = xasprintf("unknown action %s", key);
        }
        if (err) {
            if (ps->ctx->err_ofs == SIZE_MAX) {
                of_pstate_mark(ps, key);
            }
            return err;
        }
        /* Instructions: in OpenFlow order, never nested. */
        if (acts->buf.len > act_start) {
            const struct of_act *a =
                (const struct of_act *) (acts->buf.data + act_start);
            int rank = instruction_rank(a->type);
            if (rank != 1 && ps->depth) {
                of_pstate_mark(ps, key);
                return xasprintf("instruction %s not allowed inside %s", key,
                                 "an action list");
            }
            if (rank < last_rank) {
                of_pstate_mark(ps, key);
                return xasprintf("invalid instruction ordering: %s must "
                                 "appear before %s, for OpenFlow 1.1+ "
                                 "compatibility",
                                 rank_name(rank), rank_name(last_rank));
            }
            if (rank == last_rank && rank != 1) {
                of_pstate_mark(ps, key);
                return xasprintf("instruction %s may be specified only once",
                                 key);
            }
            last_rank = rank;
        }
    }
    if (drop && n > 1) {
        of_pstate_mark(ps, s);
        return xasprintf("\"drop\" must not be accompanied by any other "
                         "action or instruction");
    }
    (void) start;
    return NULL;
}

char *
of_acts_parse(const char *s, struct of_acts *acts,
              struct of_act_parse_ctx *ctx)
{
    struct of_pstate ps = {
        .ctx = ctx,
        .copy = xstrdup(s),
        .copy_len = strlen(s),
        .copy_ofs = ctx->base ? (size_t) (s - ctx->base) : 0,
    };
    size_t start = acts->buf.len;

    ctx->err_ofs = SIZE_MAX;
    char *err = of_parse_act_list(&ps, ps.copy, acts);
    if (err) {
        acts->buf.len = start;
        if (ctx->err_ofs == SIZE_MAX) {
            ctx->err_ofs = ps.copy_ofs;
        }
    }
    free(ps.copy);
    return err;
}
