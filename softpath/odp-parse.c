/* odp-parse.c: the dump-flows text of keys and masks, parsed back into
 * attributes (for nicflow-dpctl add-flow and the tests).
 *
 * The grammar is "name(args),name(args),...".  The attribute names and
 * the field names inside come from the policy tables in odp.c, so the
 * parser accepts exactly what odp-format.c prints.  A field written as
 * "value" is matched exactly, "value/mask" partially; a field left out of
 * an attribute that is written is a wildcard, and an attribute left out
 * is absent from both key and mask. */
#include "softpath/odp.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int NF_PRINTF(4, 5)
    perr(char **errp, const char *start, const char *at, const char *fmt, ...)
{
    if (errp && !*errp) {
        va_list args;
        va_start(args, fmt);
        char *msg = xvasprintf(fmt, args);
        va_end(args);
        size_t n = strcspn(at, ",()");
        *errp = xasprintf("at position %zu (\"%.*s\"): %s",
                          (size_t) (at - start), (int) NF_MIN(n, 40), at, msg);
        free(msg);
    }
    return EINVAL;
}

static const char *const tcp_flag_names[] = {
    "fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns",
};

/* Parses a number or, for TCP flags and fragments, names. */
static int
parse_num(enum odp_ftype type, const char *s, unsigned long long *v)
{
    static const char *const frags[] = { "no", "first", "later" };
    char *end;

    if (type == ODP_F_FRAG) {
        for (size_t i = 0; i < ARRAY_SIZE(frags); i++) {
            if (!strcmp(s, frags[i])) {
                *v = i;
                return 0;
            }
        }
    }
    if (type == ODP_F_TCPFL && isalpha((unsigned char) *s)) {
        *v = 0;
        while (*s) {
            size_t n = strcspn(s, "|");
            size_t i;
            for (i = 0; i < ARRAY_SIZE(tcp_flag_names); i++) {
                if (strlen(tcp_flag_names[i]) == n
                    && !strncmp(s, tcp_flag_names[i], n)) {
                    break;
                }
            }
            if (i == ARRAY_SIZE(tcp_flag_names)) {
                return EINVAL;
            }
            *v |= 1u << i;
            s += n + (s[n] == '|');
        }
        return 0;
    }
    if (!isdigit((unsigned char) *s)) {
        return EINVAL;
    }
    errno = 0;
    *v = strtoull(s, &end, 0);
    if (errno || *end) {
        return EINVAL;
    }
    size_t bits = odp_field_size(type) * 8;
    return bits < 64 && *v >> bits ? ERANGE : 0;
}

static void
store_num(enum odp_ftype type, unsigned long long v, uint8_t *p)
{
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;

    switch (odp_field_size(type)) {
    case 1:
        p[0] = v;
        break;
    case 2:
        u16 = PKT_HTONS(v);
        memcpy(p, &u16, 2);
        break;
    case 4:
        u32 = (type == ODP_F_U32 || type == ODP_F_U32X) ? v : PKT_HTONL(v);
        memcpy(p, &u32, 4);
        break;
    default:
        u64 = PKT_HTONLL(v);
        memcpy(p, &u64, 8);
        break;
    }
}

static int
parse_one(enum odp_ftype type, const char *s, uint8_t *p, bool is_mask)
{
    size_t n = odp_field_size(type);
    unsigned long long v;

    if (type == ODP_F_MAC) {
        int len = -1;
        if (sscanf(s, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n", &p[0], &p[1],
                   &p[2], &p[3], &p[4], &p[5], &len)
                != 6
            || len < 0 || s[len]) {
            return EINVAL;
        }
        return 0;
    }
    if (type == ODP_F_IP4 || type == ODP_F_IP6) {
        int af = type == ODP_F_IP4 ? AF_INET : AF_INET6;
        if (inet_pton(af, s, p) == 1) {
            return 0;
        }
        /* A mask may be a prefix length. */
        if (!is_mask || parse_num(ODP_F_U8, s, &v) || v > n * 8) {
            return EINVAL;
        }
        memset(p, 0, n);
        for (size_t i = 0; i < v; i++) {
            p[i / 8] |= 0x80 >> (i % 8);
        }
        return 0;
    }
    int err =
        parse_num(is_mask && type == ODP_F_FRAG ? ODP_F_U8X : type, s, &v);
    if (!err) {
        store_num(type, v, p);
    }
    return err;
}

/* "+syn-ack": the named flags are matched, set or clear. */
static int
parse_tcp_flags_masked(const char *s, uint8_t *val, uint8_t *mask)
{
    uint16_t v = 0, m = 0;

    while (*s == '+' || *s == '-') {
        char sign = *s++;
        size_t n = strcspn(s, "+-");
        size_t i;
        for (i = 0; i < ARRAY_SIZE(tcp_flag_names); i++) {
            if (strlen(tcp_flag_names[i]) == n
                && !strncmp(s, tcp_flag_names[i], n)) {
                break;
            }
        }
        if (i == ARRAY_SIZE(tcp_flag_names) || m & (1u << i)) {
            return EINVAL;
        }
        m |= 1u << i;
        v |= sign == '+' ? 1u << i : 0;
        s += n;
    }
    if (*s) {
        return EINVAL;
    }
    store_num(ODP_F_TCPFL, v, val);
    store_num(ODP_F_TCPFL, m, mask);
    return 0;
}

int
odp_parse_field(enum odp_ftype type, const char *s, size_t n, uint8_t *val,
                uint8_t *mask)
{
    char *copy = xstrndup(s, n);
    char *slash = strchr(copy, '/');
    int err;

    if (type == ODP_F_TCPFL && (*copy == '+' || *copy == '-')) {
        err = parse_tcp_flags_masked(copy, val, mask);
        free(copy);
        return err;
    }

    if (slash) {
        *slash = '\0';
    }
    err = parse_one(type, copy, val, false);
    if (!err) {
        if (slash) {
            err = parse_one(type, slash + 1, mask, true);
        } else {
            memset(mask, 0xff, odp_field_size(type));
        }
    }
    free(copy);
    if (!err) {
        /* The key carries only the bits the mask matches. */
        for (size_t i = 0; i < odp_field_size(type); i++) {
            val[i] &= mask[i];
        }
    }
    return err;
}

/* Returns the length of a name ([a-z0-9_]) at S. */
static size_t
name_len(const char *s)
{
    size_t n = 0;

    while (isalnum((unsigned char) s[n]) || s[n] == '_') {
        n++;
    }
    return n;
}

/* Splits "name=value" pairs inside an attribute's parentheses.  On return
 * NAME, NLEN, VAL and VLEN hold the pair at *SP, which is advanced past
 * it and a following comma.  Returns 0, or 1 at the closing parenthesis,
 * or EINVAL. */
static int
next_pair(const char **sp, const char *start, const char **name, size_t *nlen,
          const char **val, size_t *vlen, char **errp)
{
    const char *s = *sp;

    while (*s == ' ') {
        s++;
    }
    if (*s == ')') {
        *sp = s + 1;
        return 1;
    }
    *name = s;
    *nlen = name_len(s);
    s += *nlen;
    if (!*nlen || *s != '=') {
        return perr(errp, start, *name, "expected field=value");
    }
    *val = ++s;
    int depth = 0;
    while (*s && (depth || (*s != ',' && *s != ')'))) {
        depth += *s == '(' ? 1 : *s == ')' ? -1 : 0;
        s++;
    }
    *vlen = s - *val;
    if (!*s) {
        return perr(errp, start, *name, "missing \")\"");
    }
    if (*s == ',') {
        s++;
    }
    *sp = s;
    return 0;
}

static const struct odp_field *
find_field(const struct odp_field *fields, const char *name, size_t n)
{
    for (const struct odp_field *f = fields; f->name; f++) {
        if (strlen(f->name) == n && !strncmp(f->name, name, n)) {
            return f;
        }
    }
    return NULL;
}

/* vlan(vid=V,pcp=P,cfi=C): the present bit is matched unless "cfi=" says
 * otherwise. */
static int
parse_vlan(const char **sp, const char *start, uint8_t *val, uint8_t *mask,
           char **errp)
{
    static const struct {
        const char *name;
        int shift;
        uint16_t bits;
    } parts[] = {
        { "vid", 0, VLAN_VID_MASK },
        { "pcp", VLAN_PCP_SHIFT, 7 },
        { "cfi", 12, 1 },
    };
    uint16_t v = VLAN_CFI, m = VLAN_CFI;
    const char *name, *value;
    size_t nlen, vlen;
    int r;

    while (!(r = next_pair(sp, start, &name, &nlen, &value, &vlen, errp))) {
        size_t i;
        for (i = 0; i < ARRAY_SIZE(parts); i++) {
            if (strlen(parts[i].name) == nlen
                && !strncmp(parts[i].name, name, nlen)) {
                break;
            }
        }
        if (i == ARRAY_SIZE(parts)) {
            return perr(errp, start, name, "unknown vlan field");
        }
        uint8_t pv[2], pm[2];
        if (odp_parse_field(ODP_F_BE16, value, vlen, pv, pm)) {
            return perr(errp, start, value, "bad value for %s", parts[i].name);
        }
        uint16_t fv = pv[0] << 8 | pv[1], fm = pm[0] << 8 | pm[1];
        fm &= parts[i].bits;
        if (fv & ~parts[i].bits) {
            return perr(errp, start, value, "%s out of range", parts[i].name);
        }
        uint16_t field = parts[i].bits << parts[i].shift;
        v = (v & ~field) | (fv << parts[i].shift);
        m = (m & ~field) | (fm << parts[i].shift);
    }
    v &= m;
    val[0] = v >> 8;
    val[1] = v;
    mask[0] = m >> 8;
    mask[1] = m;
    return r == 1 ? 0 : r;
}

static int
parse_mpls(const char **sp, const char *start, struct buf *key,
           struct buf *mask, char **errp)
{
    static const struct {
        const char *name;
        int shift;
        uint32_t bits;
    } parts[] = {
        { "label", 12, 0xfffff },
        { "tc", 9, 7 },
        { "ttl", 0, 0xff },
        { "bos", 8, 1 },
    };
    uint8_t v[FLOW_MAX_MPLS_LABELS * 4] = { 0 }, m[sizeof v] = { 0 };
    uint32_t lv = 0, lm = 0;
    size_t n_lse = 0;
    bool parts_used = false;
    const char *name, *value;
    size_t nlen, vlen;
    int r;

    while (!(r = next_pair(sp, start, &name, &nlen, &value, &vlen, errp))) {
        if (nlen == 4 && !strncmp(name, "lse", 3) && name[3] >= '0'
            && name[3] < '0' + FLOW_MAX_MPLS_LABELS) {
            size_t i = name[3] - '0';
            if (i != n_lse || parts_used) {
                return perr(errp, start, name, "lse fields out of order");
            }
            if (odp_parse_field(ODP_F_BE32X, value, vlen, v + 4 * i,
                                m + 4 * i)) {
                return perr(errp, start, value, "bad label stack entry");
            }
            n_lse++;
            continue;
        }
        size_t i;
        for (i = 0; i < ARRAY_SIZE(parts); i++) {
            if (strlen(parts[i].name) == nlen
                && !strncmp(parts[i].name, name, nlen)) {
                break;
            }
        }
        if (i == ARRAY_SIZE(parts) || n_lse) {
            return perr(errp, start, name, "unknown mpls field");
        }
        uint8_t pv[4], pm[4];
        if (odp_parse_field(ODP_F_BE32X, value, vlen, pv, pm)) {
            return perr(errp, start, value, "bad value");
        }
        uint32_t fv =
            (uint32_t) pv[0] << 24 | pv[1] << 16 | pv[2] << 8 | pv[3];
        uint32_t fm =
            (uint32_t) pm[0] << 24 | pm[1] << 16 | pm[2] << 8 | pm[3];
        if (fv & ~parts[i].bits) {
            return perr(errp, start, value, "%s out of range", parts[i].name);
        }
        lv |= fv << parts[i].shift;
        lm |= (fm & parts[i].bits) << parts[i].shift;
        parts_used = true;
    }
    if (r != 1) {
        return r;
    }
    if (!n_lse) {
        uint32_t be = PKT_HTONL(lv & lm);
        memcpy(v, &be, 4);
        be = PKT_HTONL(lm);
        memcpy(m, &be, 4);
        n_lse = 1;
    }
    struct nlattr *a = buf_put_zeros(key, MNL_ATTR_HDRLEN + n_lse * 4);
    a->nla_type = OVS_KEY_ATTR_MPLS;
    a->nla_len = MNL_ATTR_HDRLEN + n_lse * 4;
    memcpy(a + 1, v, n_lse * 4);
    a = buf_put_zeros(mask, MNL_ATTR_HDRLEN + n_lse * 4);
    a->nla_type = OVS_KEY_ATTR_MPLS;
    a->nla_len = MNL_ATTR_HDRLEN + n_lse * 4;
    memcpy(a + 1, m, n_lse * 4);
    return 0;
}

static void
put_one(struct buf *b, uint16_t type, const void *data, size_t len)
{
    struct nlattr *a = buf_put_zeros(b, MNL_ALIGN(MNL_ATTR_HDRLEN + len));

    a->nla_type = type;
    a->nla_len = MNL_ATTR_HDRLEN + len;
    if (len) {
        memcpy(a + 1, data, len);
    }
}

static void
put_pair(struct buf *key, struct buf *mask, uint16_t type, const void *v,
         const void *m, size_t len)
{
    struct buf *bufs[2] = { key, mask };
    const void *data[2] = { v, m };

    for (int i = 0; i < 2; i++) {
        struct nlattr *a =
            buf_put_zeros(bufs[i], MNL_ALIGN(MNL_ATTR_HDRLEN + len));
        a->nla_type = type;
        a->nla_len = MNL_ATTR_HDRLEN + len;
        if (len) {
            memcpy(a + 1, data[i], len);
        }
    }
}

static int
parse_tunnel(const char **sp, const char *start, struct buf *key,
             struct buf *mask, uint32_t *seen, char **errp)
{
    const char *name, *value;
    size_t nlen, vlen;
    int r;

    while (!(r = next_pair(sp, start, &name, &nlen, &value, &vlen, errp))) {
        uint16_t type;
        const struct odp_key_policy *p = NULL;
        const char *at = name;
        for (type = 0; type <= OVS_TUNNEL_KEY_ATTR_MAX; type++) {
            p = odp_tun_policy(type);
            if (p->name && p->len > 0 && strlen(p->name) == nlen
                && !strncmp(p->name, name, nlen)) {
                break;
            }
        }
        if (type > OVS_TUNNEL_KEY_ATTR_MAX) {
            return perr(errp, start, name, "unknown tunnel field");
        }
        uint8_t v[16], m[16];
        if (odp_parse_field(p->fields[0].type, value, vlen, v, m)) {
            return perr(errp, start, value, "bad value for %s", p->name);
        }
        if (*seen & (1u << type)) {
            return perr(errp, start, at, "tunnel field repeated");
        }
        *seen |= 1u << type;
        put_pair(key, mask, type, v, m, p->len);
    }
    if (r != 1) {
        return r;
    }
    return 0;
}

static int parse_tunnel_fields(const char **sp, const char *start,
                               struct buf *key, struct buf *mask, char **errp);

/* Where "geneve(" starts among the top-level fields of the tunnel() text
 * at S (NULL if it has none), and in *END the tunnel's closing ')' (NULL
 * if unbalanced). */
static const char *
find_geneve(const char *s, const char **end)
{
    const char *g = NULL;
    int depth = 0;

    *end = NULL;
    for (const char *p = s; *p; p++) {
        if (!depth && !g && !strncmp(p, "geneve(", 7)
            && (p == s || p[-1] == ',')) {
            g = p;
        }
        if (*p == '(') {
            depth++;
        } else if (*p == ')') {
            if (!depth) {
                *end = p;
                return g;
            }
            depth--;
        }
    }
    return g;
}

/* tunnel(...): "geneve({...})" (the options, in braces that next_pair()
 * cannot take) is parsed here and cut out of the text, which
 * parse_tunnel_fields() parses; its attribute goes last. */
static int
parse_tunnel_attr(const char **sp, const char *start, struct buf *key,
                  struct buf *mask, char **errp)
{
    const char *end;
    const char *g = find_geneve(*sp, &end);

    if (!g || !end) {
        return parse_tunnel_fields(sp, start, key, mask, errp);
    }
    uint8_t gk[PKT_TUN_OPTS_MAX], gm[PKT_TUN_OPTS_MAX];
    const char *gs = g + 7, *errat = gs;
    size_t glen;
    if (odp_geneve_opts_parse(&gs, gk, gm, &glen, &errat)) {
        return perr(errp, start, errat, "bad Geneve options");
    }
    if (*gs != ')') {
        return perr(errp, start, gs, "expected \")\" after Geneve options");
    }
    gs++;
    if (*gs == ',') {
        gs++;
    }
    /* The text without "geneve(...)[,]"; positions in errors are those of
     * the copy. */
    char *copy = xasprintf("%.*s%s", (int) (g - *sp), *sp, gs);
    size_t cut = (size_t) (gs - g);
    const char *cp = copy;
    int err = parse_tunnel_fields(&cp, copy, key, mask, errp);
    if (!err) {
        put_pair(key, mask, OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, gk, gm, glen);
        *sp += (size_t) (cp - copy) + cut;
    }
    free(copy);
    return err;
}

/* "flags(df|csum)" inside tunnel(): written as a pair "flags=..." would
 * not fit next_pair(), so tunnel() text is pre-split here. */
static int
parse_tunnel_fields(const char **sp, const char *start, struct buf *key,
                    struct buf *mask, char **errp)
{
    const char *s = *sp;
    const char *flags = strstr(s, "flags(");
    const char *close = strchr(s, ')');

    /* Only a flags(...) group that belongs to this tunnel() counts. */
    uint32_t seen = 0;

    _Static_assert(OVS_TUNNEL_KEY_ATTR_MAX < 32, "seen must hold every type");
    if (!flags || !close || flags > close) {
        return parse_tunnel(sp, start, key, mask, &seen, errp);
    }
    /* Parse "a=b,...," before flags, then the flags, then the rest. */
    char *head = xstrndup(s, flags - s);
    size_t hl = strlen(head);
    while (hl && head[hl - 1] == ',') {
        head[--hl] = '\0';
    }
    char *h = xasprintf("%s)", head);
    const char *hp = h;
    int err = parse_tunnel(&hp, h, key, mask, &seen, errp);
    free(head);
    free(h);
    if (err) {
        return err;
    }
    s = flags + 6;
    while (*s && *s != ')') {
        char sign = *s == '+' || *s == '-' ? *s++ : 0;
        size_t n = strcspn(s, "|)+-");
        size_t i;
        for (i = 0; i < ARRAY_SIZE(odp_tun_flags); i++) {
            if (strlen(odp_tun_flags[i].name) == n
                && !strncmp(odp_tun_flags[i].name, s, n)) {
                break;
            }
        }
        if (i == ARRAY_SIZE(odp_tun_flags)) {
            return perr(errp, start, s, "unknown tunnel flag");
        }
        uint16_t type = odp_tun_flags[i].type;
        if (type == OVS_TUNNEL_KEY_ATTR_ID) {
            /* "key" is the presence of a tunnel ID, perhaps
             * wildcarded; a key that must be absent cannot be said. */
            if (sign == '-') {
                return perr(errp, start, s, "\"-key\" is not supported");
            }
            if (!(seen & (1u << type))) {
                uint8_t zero[8] = { 0 };
                put_pair(key, mask, type, zero, zero, sizeof zero);
                seen |= 1u << type;
            }
        } else {
            if (seen & (1u << type)) {
                return perr(errp, start, s, "tunnel flag repeated");
            }
            seen |= 1u << type;
            if (sign == '-') {
                put_one(mask, type, NULL, 0);
            } else {
                put_pair(key, mask, type, NULL, NULL, 0);
            }
        }
        s += n;
        if (*s == '|') {
            s++;
        }
    }
    if (*s != ')' || s[1] != ')') {
        return perr(errp, start, s, "expected \"))\" after tunnel flags");
    }
    *sp = s + 2;
    return 0;
}

static int parse_list(const char **sp, const char *start, struct buf *key,
                      struct buf *mask, int depth, bool nested, char **errp);

int
odp_parse_key_attr(const char **sp, const char *start, struct buf *key,
                   struct buf *mask, int depth, char **errp)
{
    const char *s = *sp;
    size_t n = name_len(s);
    uint16_t type;
    const struct odp_key_policy *p = NULL;

    for (type = 1; type <= OVS_KEY_ATTR_MAX; type++) {
        p = odp_key_policy(type);
        if (p->name && strlen(p->name) == n && !strncmp(p->name, s, n)) {
            break;
        }
    }
    if (!n || type > OVS_KEY_ATTR_MAX) {
        return perr(errp, start, s, "unknown key attribute");
    }
    if (s[n] != '(') {
        return perr(errp, start, s + n, "expected \"(\" after %s", p->name);
    }
    *sp = s + n + 1;

    if (type == OVS_KEY_ATTR_ENCAP || type == OVS_KEY_ATTR_TUNNEL) {
        if (depth >= ODP_MAX_NESTING) {
            return perr(errp, start, s, "nested too deep");
        }
        size_t ks = odp_put_nested_start(key, type);
        size_t ms = odp_put_nested_start(mask, type);
        int err =
            (type == OVS_KEY_ATTR_ENCAP
                 ? parse_list(sp, start, key, mask, depth + 1, true, errp)
                 : parse_tunnel_attr(sp, start, key, mask, errp));
        odp_put_nested_end(key, ks);
        odp_put_nested_end(mask, ms);
        return err;
    }
    if (type == OVS_KEY_ATTR_MPLS) {
        return parse_mpls(sp, start, key, mask, errp);
    }

    uint8_t v[64] = { 0 }, m[64] = { 0 };
    size_t len = p->len;
    if (type == OVS_KEY_ATTR_VLAN) {
        int err = parse_vlan(sp, start, v, m, errp);
        if (err) {
            return err;
        }
    } else if (!p->fields[0].name) {
        /* A single value: name(value[/mask]). */
        const char *value = *sp;
        size_t vlen = strcspn(value, ")");
        if (value[vlen] != ')') {
            return perr(errp, start, value, "missing \")\"");
        }
        if (odp_parse_field(p->fields[0].type, value, vlen, v, m)) {
            return perr(errp, start, value, "bad value for %s", p->name);
        }
        *sp = value + vlen + 1;
    } else {
        const char *name, *value;
        size_t nlen, vlen;
        int r;
        while (
            !(r = next_pair(sp, start, &name, &nlen, &value, &vlen, errp))) {
            const struct odp_field *f = find_field(p->fields, name, nlen);
            if (!f) {
                return perr(errp, start, name, "unknown field of %s", p->name);
            }
            if (odp_parse_field(f->type, value, vlen, v + f->ofs,
                                m + f->ofs)) {
                return perr(errp, start, value, "bad value for %s.%s", p->name,
                            f->name);
            }
        }
        if (r != 1) {
            return r;
        }
    }
    put_pair(key, mask, type, v, m, len);
    return 0;
}

/* Parses "attr,attr,..." up to the end of the string, or up to and past a
 * ")" if NESTED. */
static int
parse_list(const char **sp, const char *start, struct buf *key,
           struct buf *mask, int depth, bool nested, char **errp)
{
    const char *s = *sp;
    uint64_t seen = 0;

    _Static_assert(OVS_KEY_ATTR_MAX < 64, "seen must hold every type");
    for (;;) {
        while (*s == ' ' || *s == ',' || *s == '\n' || *s == '\t') {
            s++;
        }
        if (nested && *s == ')') {
            *sp = s + 1;
            return 0;
        }
        if (!*s) {
            if (nested) {
                return perr(errp, start, s, "missing \")\" after encap");
            }
            *sp = s;
            return 0;
        }
        const char *at = s;
        size_t before = key->len;
        int err = odp_parse_key_attr(&s, start, key, mask, depth, errp);
        if (err) {
            return err;
        }
        /* Each attribute once per level, as the decoder demands. */
        uint16_t type =
            ((const struct nlattr *) (key->data + before))->nla_type;
        if (seen & (UINT64_C(1) << type)) {
            return perr(errp, start, at, "attribute repeated");
        }
        seen |= UINT64_C(1) << type;
        if (*s && *s != ',' && *s != ')' && *s != ' ') {
            return perr(errp, start, s, "expected \",\"");
        }
    }
}

int
odp_flow_from_string(const char *s, struct buf *key, struct buf *mask,
                     char **errp)
{
    const char *p = s;
    size_t key_len = key->len, mask_len = mask->len;

    if (errp) {
        *errp = NULL;
    }
    int err = parse_list(&p, s, key, mask, 0, false, errp);
    if (err) {
        key->len = key_len;
        mask->len = mask_len;
    }
    return err;
}
