/* actions-parse-ext.c: the larger actions of the ovs-ofctl syntax: ct
 * (with nat and exec), learn, bundle, bundle_load and multipath. */
#include "ofctl/actions-private.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static char *
num(const char *what, const char *s, uint64_t max, uint64_t *v)
{
    if (!of_text_parse_uint(s, max, v)) {
        return xasprintf("%s: invalid %s", s, what);
    }
    return NULL;
}

/* ---------------------------------------------------------------------
 * ct.
 * --------------------------------------------------------------------- */

/* Parses "ADDR[-ADDR][:PORT[-PORT]]", IPv6 addresses in brackets when
 * ports or a range follow. */
static char *
parse_nat_range(char *s, struct of_nat *nat)
{
    char *addr1 = s, *addr2 = NULL, *ports = NULL;

    if (*s == '[') {
        char *close = strchr(s, ']');
        if (!close) {
            return xasprintf("%s: missing ] in IPv6 address", s);
        }
        *close = '\0';
        addr1 = s + 1;
        char *p = close + 1;
        if (*p == '-') {
            if (p[1] != '[' || !(close = strchr(p + 2, ']'))) {
                return xasprintf("%s: bad IPv6 range", p);
            }
            *close = '\0';
            addr2 = p + 2;
            p = close + 1;
        }
        if (*p == ':') {
            ports = p + 1;
        } else if (*p) {
            return xasprintf("%s: garbage after IPv6 address", p);
        }
        nat->af = AF_INET6;
    } else if (strchr(s, '.') || !strchr(s, ':')) {
        char *colon = strchr(s, ':');
        if (colon) {
            *colon = '\0';
            ports = colon + 1;
        }
        char *dash = strchr(s, '-');
        if (dash) {
            *dash = '\0';
            addr2 = dash + 1;
        }
        nat->af = AF_INET;
    } else {
        nat->af = AF_INET6; /* Bare IPv6, no range, no ports. */
    }
    if (inet_pton(nat->af, addr1, &nat->addr_min) != 1) {
        return xasprintf("%s: invalid IP address in nat", addr1);
    }
    nat->addr_max = nat->addr_min;
    if (addr2 && inet_pton(nat->af, addr2, &nat->addr_max) != 1) {
        return xasprintf("%s: invalid IP address in nat", addr2);
    }
    if (addr2
        && memcmp(&nat->addr_max, &nat->addr_min, nat->af == AF_INET ? 4 : 16)
               < 0) {
        return xasprintf("%s: nat address range is backwards", addr2);
    }
    if (ports) {
        uint64_t lo, hi;
        char *dash = strchr(ports, '-');
        if (dash) {
            *dash = '\0';
        }
        if (!of_text_parse_uint(ports, UINT16_MAX, &lo)
            || (dash && !of_text_parse_uint(dash + 1, UINT16_MAX, &hi))) {
            return xasprintf("%s: invalid nat port", ports);
        }
        if (!dash) {
            hi = lo;
        }
        if (hi < lo) {
            return xasprintf("%s: nat port range is backwards", ports);
        }
        nat->has_ports = 1;
        nat->port_min = (uint16_t) lo;
        nat->port_max = (uint16_t) hi;
    }
    return NULL;
}

static char *
parse_nat(struct of_pstate *ps, char *arg, struct of_nat *nat)
{
    char *pos = arg, *k, *v, *err = NULL;

    memset(nat, 0, sizeof *nat);
    nat->present = 1;
    while (!err && of_text_next_kv(&pos, &k, &v, NULL)) {
        if (!strcmp(k, "src") || !strcmp(k, "dst")) {
            if (nat->flags & (OF_NAT_SRC | OF_NAT_DST)) {
                err = xasprintf("nat: only one of src or dst may be given");
            } else {
                nat->flags |= !strcmp(k, "src") ? OF_NAT_SRC : OF_NAT_DST;
                if (*v) {
                    err = parse_nat_range(v, nat);
                }
            }
        } else if (!strcmp(k, "persistent")) {
            nat->flags |= OF_NAT_PERSISTENT;
        } else if (!strcmp(k, "hash")) {
            nat->flags |= OF_NAT_HASH;
        } else if (!strcmp(k, "random")) {
            nat->flags |= OF_NAT_RANDOM;
        } else {
            err = xasprintf("%s: unknown nat argument", k);
        }
        if (err) {
            of_pstate_mark(ps, k);
        }
    }
    if (!err && (nat->flags & OF_NAT_HASH) && (nat->flags & OF_NAT_RANDOM)) {
        err = xasprintf("nat: only one of hash or random may be given");
    }
    if (!err && nat->af == 0 && (nat->flags & ~(OF_NAT_SRC | OF_NAT_DST))) {
        err = xasprintf("nat: flags need an address range");
    }
    return err;
}

char *
of_parse_ct(struct of_pstate *ps, char *arg, struct of_acts *acts)
{
    struct of_act_ct *ct = of_acts_put(acts, OF_ACT_CT, sizeof *ct, 0);
    size_t ofs = of_acts_offset(acts, ct);
    char *pos = arg, *k, *v, *err = NULL;
    bool have_exec = false;

    ct->recirc_table = OF_TABLE_NONE;
    while (!err && of_text_next_kv(&pos, &k, &v, NULL)) {
        ct = (struct of_act_ct *) (acts->buf.data + ofs);
        if (!strcmp(k, "commit")) {
            ct->flags |= OF_CT_COMMIT;
        } else if (!strcmp(k, "force")) {
            ct->flags |= OF_CT_FORCE;
        } else if (!strcmp(k, "table")) {
            uint64_t t;
            err = num("table", v, 254, &t);
            ct->recirc_table = (uint8_t) t;
        } else if (!strcmp(k, "zone")) {
            uint64_t z;
            if (of_text_parse_uint(v, UINT16_MAX, &z)) {
                ct->zone_imm = (uint16_t) z;
            } else {
                err = of_subfield_parse_all(v, &ct->zone_src, false);
                if (!err && ct->zone_src.n_bits != 16) {
                    err = xasprintf("%s: zone field must be 16 bits", v);
                }
            }
        } else if (!strcmp(k, "alg")) {
            if (!strcmp(v, "ftp")) {
                ct->alg = 21;
            } else if (!strcmp(v, "tftp")) {
                ct->alg = 69;
            } else {
                err = xasprintf("invalid conntrack helper \"%s\"", v);
            }
        } else if (!strcmp(k, "nat")) {
            if (ct->nat.present) {
                err = xasprintf("nat may be specified only once");
            } else {
                err = parse_nat(ps, v, &ct->nat);
            }
        } else if (!strcmp(k, "exec")) {
            if (have_exec) {
                err = xasprintf("exec may be specified only once");
            } else if (ps->in_ct_exec) {
                err = xasprintf("ct() may not be nested in exec");
            } else {
                have_exec = true;
                ps->depth++;
                ps->in_ct_exec = true;
                err = of_parse_act_list(ps, v, acts);
                ps->in_ct_exec = false;
                ps->depth--;
            }
        } else {
            err = xasprintf("invalid argument to \"ct\" action: `%s'", k);
        }
        if (err) {
            of_pstate_mark(ps, k);
        }
    }
    ct = (struct of_act_ct *) (acts->buf.data + ofs);
    if (!err && ct->nat.present && !(ct->flags & OF_CT_COMMIT)
        && (ct->nat.flags & (OF_NAT_SRC | OF_NAT_DST))) {
        err = xasprintf("CT action requires commit flag if actions other "
                        "than NAT without arguments are specified");
    }
    if (!err && have_exec && !(ct->flags & OF_CT_COMMIT)) {
        err = xasprintf("CT action requires commit flag if actions other "
                        "than NAT without arguments are specified");
    }
    if (!err && (ct->flags & OF_CT_FORCE) && !(ct->flags & OF_CT_COMMIT)) {
        err = xasprintf("\"force\" flag requires \"commit\" flag");
    }
    of_acts_nest_end(acts, ofs);
    return err;
}

/* ---------------------------------------------------------------------
 * learn.
 * --------------------------------------------------------------------- */

/* Appends a spec; IMM (IMM_BYTES bytes) follows it when nonnull. */
static void
put_spec(struct buf *specs, const struct of_learn_spec *spec,
         const uint8_t *imm, size_t imm_bytes)
{
    size_t len = (sizeof *spec + imm_bytes + 7) / 8 * 8;
    struct of_learn_spec *s = buf_put_zeros(specs, len);
    *s = *spec;
    s->len = (uint16_t) len;
    s->imm_bytes = (uint16_t) imm_bytes;
    if (imm_bytes) {
        memcpy(s + 1, imm, imm_bytes);
    }
}

/* Takes the low N_BITS bits of the N-byte V as an immediate of
 * ceil(N_BITS / 8) bytes. */
static size_t
imm_from_value(const uint8_t *v, size_t n, unsigned n_bits, uint8_t *imm)
{
    size_t bytes = (n_bits + 7) / 8;
    memset(imm, 0, bytes);
    for (unsigned i = 0; i < n_bits; i++) {
        of_bit_set(imm, bytes, i, of_bit_get(v, n, i));
    }
    return bytes;
}

static char *
parse_learn_spec(struct of_pstate *ps, char *k, char *v, bool has_value,
                 struct buf *specs)
{
    struct of_learn_spec spec;
    uint8_t imm[OF_VALUE_MAX];
    char *err;

    memset(&spec, 0, sizeof spec);
    if (!strcmp(k, "load")) {
        char *arr = strstr(v, "->");
        if (!arr) {
            return xasprintf("%s: missing `->' in learn load", v);
        }
        *arr = '\0';
        spec.kind = OF_LEARN_LOAD;
        err = of_subfield_parse_all(arr + 2, &spec.dst, false);
        if (err) {
            return err;
        }
        spec.n_bits = spec.dst.n_bits;
        if (strchr(v, '[')) {
            err = of_subfield_parse_all(v, &spec.src, false);
            if (!err && spec.src.n_bits != spec.dst.n_bits) {
                err = xasprintf("%s: source and destination differ in "
                                "width",
                                v);
            }
            if (!err) {
                put_spec(specs, &spec, NULL, 0);
            }
            return err;
        }
        union of_value val, mask;
        err = of_load_to_field(v, &spec.dst, &val, &mask);
        if (err) {
            return err;
        }
        const struct of_field *f = of_field_from_id(spec.dst.field);
        /* Shift the value back down to the subfield's bit 0. */
        union of_value low;
        memset(low.be, 0, f->n_bytes);
        for (unsigned i = 0; i < spec.n_bits; i++) {
            of_bit_set(low.be, f->n_bytes, i,
                       of_bit_get(val.be, f->n_bytes, spec.dst.ofs + i));
        }
        spec.src_imm = 1;
        put_spec(specs, &spec, imm,
                 imm_from_value(low.be, f->n_bytes, spec.n_bits, imm));
        return NULL;
    }
    if (!strcmp(k, "output")) {
        spec.kind = OF_LEARN_OUTPUT;
        err = of_subfield_parse_all(v, &spec.src, false);
        if (!err) {
            spec.n_bits = spec.src.n_bits;
            put_spec(specs, &spec, NULL, 0);
        }
        return err;
    }

    /* A match spec: "DST", "DST=SRC" or "DST=VALUE". */
    spec.kind = OF_LEARN_MATCH;
    err = of_subfield_parse_all(k, &spec.dst, true);
    if (err) {
        return err;
    }
    spec.n_bits = spec.dst.n_bits;
    if (!has_value) {
        spec.src = spec.dst;
        put_spec(specs, &spec, NULL, 0);
        return NULL;
    }
    const struct of_field *f = of_field_from_id(spec.dst.field);
    union of_value val;
    bool whole = spec.dst.ofs == 0 && spec.dst.n_bits == f->n_bits;
    if (whole && !strchr(v, '[')) {
        char *verr = of_field_parse_value(f, v, &val);
        if (!verr) {
            spec.src_imm = 1;
            put_spec(specs, &spec, imm,
                     imm_from_value(val.be, f->n_bytes, spec.n_bits, imm));
            return NULL;
        }
        free(verr);
    } else if (!strchr(v, '[')) {
        union of_value mask;
        char *verr =
            of_load_to_field(v,
                             &(struct of_subfield){ .field = spec.dst.field,
                                                    .n_bits = spec.n_bits },
                             &val, &mask);
        if (!verr) {
            spec.src_imm = 1;
            put_spec(specs, &spec, imm,
                     imm_from_value(val.be, f->n_bytes, spec.n_bits, imm));
            return NULL;
        }
        free(verr);
    }
    err = of_subfield_parse_all(v, &spec.src, true);
    if (err) {
        free(err);
        return xasprintf("%s=%s: bad value or field for learn match", k, v);
    }
    if (spec.src.n_bits != spec.dst.n_bits) {
        return xasprintf("%s=%s: source and destination differ in width", k,
                         v);
    }
    put_spec(specs, &spec, NULL, 0);
    return NULL;
}

char *
of_parse_learn(struct of_pstate *ps, char *arg, struct of_acts *acts)
{
    struct of_act_learn learn;
    struct buf specs = BUF_INITIALIZER;
    char *pos = arg, *k, *v, *err = NULL;

    memset(&learn, 0, sizeof learn);
    learn.table_id = 1;
    learn.priority = OF_DEFAULT_PRIORITY;
    while (!err && of_text_next_kv(&pos, &k, &v, NULL)) {
        bool has_value = v != of_text_no_value;
        uint64_t x;
        if (!strcmp(k, "table")) {
            err = num("table", v, 254, &x);
            learn.table_id = (uint8_t) x;
        } else if (!strcmp(k, "priority")) {
            err = num("priority", v, UINT16_MAX, &x);
            learn.priority = (uint16_t) x;
        } else if (!strcmp(k, "idle_timeout")) {
            err = num("idle_timeout", v, UINT16_MAX, &x);
            learn.idle_timeout = (uint16_t) x;
        } else if (!strcmp(k, "hard_timeout")) {
            err = num("hard_timeout", v, UINT16_MAX, &x);
            learn.hard_timeout = (uint16_t) x;
        } else if (!strcmp(k, "fin_idle_timeout")) {
            err = num("fin_idle_timeout", v, UINT16_MAX, &x);
            learn.fin_idle_timeout = (uint16_t) x;
        } else if (!strcmp(k, "fin_hard_timeout")) {
            err = num("fin_hard_timeout", v, UINT16_MAX, &x);
            learn.fin_hard_timeout = (uint16_t) x;
        } else if (!strcmp(k, "cookie")) {
            err = num("cookie", v, UINT64_MAX, &learn.cookie);
        } else if (!strcmp(k, "limit")) {
            err = num("limit", v, UINT32_MAX, &x);
            learn.limit = (uint32_t) x;
        } else if (!strcmp(k, "send_flow_rem")) {
            learn.flags |= OF_LEARN_SEND_FLOW_REM;
        } else if (!strcmp(k, "delete_learned")) {
            learn.flags |= OF_LEARN_DELETE_LEARNED;
        } else if (!strcmp(k, "result_dst")) {
            err = of_subfield_parse_all(v, &learn.result_dst, false);
            if (!err && learn.result_dst.n_bits != 1) {
                err = xasprintf("%s: result_dst must be a single bit", v);
            }
            learn.flags |= OF_LEARN_WRITE_RESULT;
        } else {
            err = parse_learn_spec(ps, k, v, has_value, &specs);
        }
        if (err) {
            of_pstate_mark(ps, k);
        }
    }
    if (!err) {
        struct of_act_learn *l =
            of_acts_put(acts, OF_ACT_LEARN, sizeof *l, specs.len);
        learn.hdr = l->hdr;
        for (size_t ofs = 0; ofs < specs.len;) {
            const struct of_learn_spec *s = (const void *) (specs.data + ofs);
            learn.n_specs++;
            ofs += s->len;
        }
        *l = learn;
        if (specs.len) {
            memcpy(l + 1, specs.data, specs.len);
        }
    }
    buf_destroy(&specs);
    return err;
}

/* ---------------------------------------------------------------------
 * bundle and multipath.
 * --------------------------------------------------------------------- */

static const char *hash_field_names[] = {
    [OF_HASH_ETH_SRC] = "eth_src",
    [OF_HASH_SYMMETRIC_L4] = "symmetric_l4",
    [OF_HASH_SYMMETRIC_L3L4] = "symmetric_l3l4",
    [OF_HASH_SYMMETRIC_L3L4_UDP] = "symmetric_l3l4+udp",
    [OF_HASH_NW_SRC] = "nw_src",
    [OF_HASH_NW_DST] = "nw_dst",
    [OF_HASH_SYMMETRIC_L3] = "symmetric_l3",
};

bool
of_hash_fields_parse(const char *s, uint8_t *fields)
{
    for (size_t i = 0; i < ARRAY_SIZE(hash_field_names); i++) {
        if (!strcmp(s, hash_field_names[i])) {
            *fields = (uint8_t) i;
            return true;
        }
    }
    return false;
}

const char *
of_hash_fields_name(uint8_t fields)
{
    return fields < ARRAY_SIZE(hash_field_names) ? hash_field_names[fields]
                                                 : "?";
}

/* Splits S at commas into at most MAX parts; returns how many. */
static size_t
split_commas(char *s, char **parts, size_t max)
{
    size_t n = 0;
    while (n < max) {
        parts[n++] = s;
        char *comma = strchr(s, ',');
        if (!comma || n == max) {
            break;
        }
        *comma = '\0';
        s = comma + 1;
    }
    return n;
}

char *
of_parse_bundle(struct of_pstate *ps, char *arg, bool load,
                struct of_acts *acts)
{
    char *parts[6];
    size_t n_fixed = load ? 6 : 5;
    struct of_act_bundle b;
    uint16_t members[256];
    size_t n_members = 0;
    uint64_t basis;
    char *err;

    memset(&b, 0, sizeof b);
    if (split_commas(arg, parts, n_fixed) != n_fixed) {
        return xasprintf("%s: not enough arguments to bundle action", arg);
    }
    if (!of_hash_fields_parse(parts[0], &b.fields)) {
        return xasprintf("%s: unknown fields `%s'", arg, parts[0]);
    }
    if ((err = num("basis", parts[1], UINT16_MAX, &basis))) {
        return err;
    }
    b.basis = (uint16_t) basis;
    if (!strcmp(parts[2], "active_backup")) {
        b.algorithm = OF_BD_ACTIVE_BACKUP;
    } else if (!strcmp(parts[2], "hrw")) {
        b.algorithm = OF_BD_HRW;
    } else {
        return xasprintf("%s: unknown algorithm `%s'", arg, parts[2]);
    }
    if (strcmp(parts[3], "ofport")) {
        return xasprintf("%s: unknown member_type `%s'", arg, parts[3]);
    }
    if (load) {
        err = of_subfield_parse_all(parts[4], &b.dst, false);
        if (err) {
            return err;
        }
    }
    char *list = parts[n_fixed - 1];
    if (strncmp(list, "members:", 8) && strncmp(list, "slaves:", 7)) {
        return xasprintf("%s: missing members list", arg);
    }
    list = strchr(list, ':') + 1;
    while (*list) {
        char *comma = strchr(list, ',');
        if (comma) {
            *comma = '\0';
        }
        if (n_members >= ARRAY_SIZE(members)
            || !of_port_parse(list, &members[n_members])) {
            return xasprintf("%s: bad bundle member port", list);
        }
        n_members++;
        if (!comma) {
            break;
        }
        list = comma + 1;
    }
    struct of_act_bundle *p = of_acts_put(acts, OF_ACT_BUNDLE, sizeof *p,
                                          n_members * sizeof members[0]);
    b.hdr = p->hdr;
    b.n_members = (uint16_t) n_members;
    *p = b;
    memcpy(p + 1, members, n_members * sizeof members[0]);
    return NULL;
}

char *
of_parse_multipath(struct of_pstate *ps, char *arg, struct of_acts *acts)
{
    static const char *algs[] = {
        [OF_MP_MODULO_N] = "modulo_n",
        [OF_MP_HASH_THRESHOLD] = "hash_threshold",
        [OF_MP_HRW] = "hrw",
        [OF_MP_ITER_HASH] = "iter_hash",
    };
    char *parts[6];
    struct of_act_multipath mp;
    uint64_t basis, n_links, a;
    char *err;

    memset(&mp, 0, sizeof mp);
    if (split_commas(arg, parts, 6) != 6) {
        return xasprintf("%s: not enough arguments to multipath action", arg);
    }
    if (!of_hash_fields_parse(parts[0], &mp.fields)) {
        return xasprintf("%s: unknown fields `%s'", arg, parts[0]);
    }
    if ((err = num("basis", parts[1], UINT16_MAX, &basis))) {
        return err;
    }
    size_t i;
    for (i = 0; i < ARRAY_SIZE(algs); i++) {
        if (!strcmp(parts[2], algs[i])) {
            mp.algorithm = (uint8_t) i;
            break;
        }
    }
    if (i == ARRAY_SIZE(algs)) {
        return xasprintf("%s: unknown algorithm `%s'", arg, parts[2]);
    }
    if (!of_text_parse_uint(parts[3], 65536, &n_links) || !n_links) {
        return xasprintf("%s: n_links %s is not in valid range 1 to 65536",
                         arg, parts[3]);
    }
    if ((err = num("arg", parts[4], UINT32_MAX, &a))) {
        return err;
    }
    err = of_subfield_parse_all(parts[5], &mp.dst, false);
    if (err) {
        return err;
    }
    if (mp.dst.n_bits < 16 && n_links > (1u << mp.dst.n_bits)) {
        return xasprintf("%s: %u-bit destination field has %u possible "
                         "values, less than specified n_links %llu",
                         arg, mp.dst.n_bits, 1u << mp.dst.n_bits,
                         (unsigned long long) n_links);
    }
    mp.basis = (uint16_t) basis;
    mp.max_link = (uint16_t) (n_links - 1);
    mp.arg = (uint32_t) a;
    struct of_act_multipath *p =
        of_acts_put(acts, OF_ACT_MULTIPATH, sizeof *p, 0);
    mp.hdr = p->hdr;
    *p = mp;
    return NULL;
}
