/* match.c: reading and writing fields of a match, prerequisites and
 * normalisation (see match.h). */
#include "ofctl/match.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------------
 * Ports.
 * --------------------------------------------------------------------- */

static const struct {
    const char *name;
    uint16_t port;
} port_names[] = {
    { "IN_PORT", OF_PORT_IN_PORT }, { "TABLE", OF_PORT_TABLE },
    { "NORMAL", OF_PORT_NORMAL },   { "FLOOD", OF_PORT_FLOOD },
    { "ALL", OF_PORT_ALL },         { "CONTROLLER", OF_PORT_CONTROLLER },
    { "LOCAL", OF_PORT_LOCAL },     { "ANY", OF_PORT_NONE },
    { "NONE", OF_PORT_NONE },       { "UNSET", OF_PORT_UNSET },
};

/* The port names in use, if any (of_port_names_set()).  Thread-local:
 * each thread names ports for its own connection. */
static __thread const struct of_port_name *name_map;
static __thread size_t n_name_map;

void
of_port_names_set(const struct of_port_name *pn, size_t n)
{
    name_map = pn;
    n_name_map = n;
}

/* True if NAME needs quotes to be read back as one token. */
static bool
needs_quotes(const char *name)
{
    return !*name || strpbrk(name, " \t,=:()\"[]") != NULL;
}

bool
of_port_parse(const char *s, uint16_t *port)
{
    for (size_t i = 0; i < n_name_map; i++) {
        if (!strcmp(s, name_map[i].name)) {
            *port = name_map[i].port;
            return true;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(port_names); i++) {
        if (!strcasecmp(s, port_names[i].name)) {
            *port = port_names[i].port;
            return true;
        }
    }
    /* Decimal only, like ovs-ofctl ("0x5" is not a port). */
    if (!*s || strlen(s) > 10) {
        return false;
    }
    unsigned long long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') {
            return false;
        }
        v = v * 10 + (unsigned) (*p - '0');
    }
    if (v <= 0xffff) {
        *port = (uint16_t) v;
        return true;
    }
    /* OpenFlow 1.1+ reserved ports map onto the 1.0 ones. */
    if (v >= 0xffffff00ull && v <= 0xffffffffull) {
        *port = (uint16_t) (v - 0xffff0000ull);
        return true;
    }
    return false;
}

void
of_port_format(struct buf *b, uint16_t port)
{
    for (size_t i = 0; i < ARRAY_SIZE(port_names); i++) {
        if (port_names[i].port == port && port != OF_PORT_UNSET) {
            buf_put_cstr(b, port_names[i].name);
            return;
        }
    }
    for (size_t i = 0; i < n_name_map; i++) {
        if (name_map[i].port == port) {
            if (needs_quotes(name_map[i].name)) {
                buf_printf(b, "\"%s\"", name_map[i].name);
            } else {
                buf_put_cstr(b, name_map[i].name);
            }
            return;
        }
    }
    buf_printf(b, "%u", port);
}

/* ---------------------------------------------------------------------
 * Values.
 * --------------------------------------------------------------------- */

uint64_t
of_value_to_u64(const struct of_field *f, const union of_value *v)
{
    uint64_t x = 0;
    size_t n = f->n_bytes < 8 ? f->n_bytes : 8;
    for (size_t i = f->n_bytes - n; i < f->n_bytes; i++) {
        x = x << 8 | v->be[i];
    }
    return x;
}

void
of_value_from_u64(const struct of_field *f, union of_value *v, uint64_t x)
{
    memset(v->be, 0, f->n_bytes);
    for (size_t i = f->n_bytes; i-- > 0 && x;) {
        v->be[i] = x & 0xff;
        x >>= 8;
    }
}

bool
of_value_is_zero(const struct of_field *f, const union of_value *v)
{
    for (size_t i = 0; i < f->n_bytes; i++) {
        if (v->be[i]) {
            return false;
        }
    }
    return true;
}

void
of_value_exact_mask(const struct of_field *f, union of_value *m)
{
    memset(m->be, 0, f->n_bytes);
    if (f->id == OF_F_NW_TOS) {
        /* The ToS byte without its ECN bits, which are nw_ecn's. */
        m->be[0] = 0xfc;
        return;
    }
    unsigned bits = f->n_bits;
    for (size_t i = f->n_bytes; i-- > 0 && bits;) {
        unsigned n = bits < 8 ? bits : 8;
        m->be[i] = (uint8_t) ((1u << n) - 1);
        bits -= n;
    }
}

bool
of_value_is_all_ones(const struct of_field *f, const union of_value *v)
{
    union of_value m;
    of_value_exact_mask(f, &m);
    return !memcmp(m.be, v->be, f->n_bytes);
}

/* ---------------------------------------------------------------------
 * Storage access.
 * --------------------------------------------------------------------- */

static uint8_t *
storage(const struct of_field *f, const struct of_match *m, bool mask)
{
    switch (f->where) {
    case OF_IN_FLOW:
        return (uint8_t *) (mask ? &m->mask : &m->flow) + f->ofs;
    case OF_IN_META:
        return (uint8_t *) (mask ? &m->meta_mask : &m->meta) + f->ofs;
    case OF_IN_REGS:
        return (uint8_t *) (mask ? m->meta_mask.regs : m->meta.regs)
               + f->ofs * 4;
    case OF_IN_TUN_MD:
    default:
        return NULL;
    }
}

/* Reads an unsigned integer of SIZE bytes (1, 2, 4 or 8). */
static uint64_t
load_uint(const uint8_t *p, size_t size, bool host)
{
    uint64_t x = 0;
    if (host) {
        switch (size) {
        case 1:
            return *p;
        case 2: {
            uint16_t v;
            memcpy(&v, p, 2);
            return v;
        }
        case 4: {
            uint32_t v;
            memcpy(&v, p, 4);
            return v;
        }
        default: {
            uint64_t v;
            memcpy(&v, p, 8);
            return v;
        }
        }
    }
    for (size_t i = 0; i < size; i++) {
        x = x << 8 | p[i];
    }
    return x;
}

static void
store_uint(uint8_t *p, size_t size, bool host, uint64_t x)
{
    if (host) {
        switch (size) {
        case 1:
            *p = (uint8_t) x;
            return;
        case 2: {
            uint16_t v = (uint16_t) x;
            memcpy(p, &v, 2);
            return;
        }
        case 4: {
            uint32_t v = (uint32_t) x;
            memcpy(p, &v, 4);
            return;
        }
        default:
            memcpy(p, &x, 8);
            return;
        }
    }
    for (size_t i = size; i-- > 0;) {
        p[i] = x & 0xff;
        x >>= 8;
    }
}

static uint64_t
bits_mask(unsigned n)
{
    return n >= 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1;
}

/* The bits of F's storage unit that F occupies, as a value mask before
 * shifting. */
static uint64_t
field_bits(const struct of_field *f)
{
    return f->id == OF_F_NW_TOS ? 0xfc : bits_mask(f->n_bits);
}

/* Reads the field from the value (MASK false) or mask side of M. */
static void
get_side(const struct of_match *m, const struct of_field *f, bool mask,
         union of_value *v)
{
    memset(v->be, 0, f->n_bytes);
    if (f->where == OF_IN_TUN_MD) {
        const struct of_tun_md *md = &m->tun_md;
        if (md->present & (UINT64_C(1) << f->ofs)) {
            size_t len = md->len[f->ofs];
            memcpy(&v->be[f->n_bytes - len],
                   (mask ? md->mask : md->value) + md->ofs[f->ofs], len);
        }
        return;
    }
    const uint8_t *p = storage(f, m, mask);
    if (f->where == OF_IN_REGS) {
        for (size_t i = 0; i < f->size / 4u; i++) {
            uint32_t r;
            memcpy(&r, p + 4 * i, 4);
            r = htonl(r);
            memcpy(&v->be[4 * i], &r, 4);
        }
    } else if (f->size <= 8 && f->size != 6) {
        uint64_t x = load_uint(p, f->size, f->host_order);
        of_value_from_u64(f, v, (x >> f->shift) & field_bits(f));
    } else {
        memcpy(v->be, p, f->n_bytes);
    }
}

static void
set_side(struct of_match *m, const struct of_field *f, bool mask,
         const union of_value *v)
{
    uint8_t *p = storage(f, m, mask);
    if (f->where == OF_IN_REGS) {
        for (size_t i = 0; i < f->size / 4u; i++) {
            uint32_t r;
            memcpy(&r, &v->be[4 * i], 4);
            r = ntohl(r);
            memcpy(p + 4 * i, &r, 4);
        }
    } else if (f->size <= 8 && f->size != 6) {
        uint64_t fm = field_bits(f) << f->shift;
        uint64_t x = load_uint(p, f->size, f->host_order);
        x = (x & ~fm) | ((of_value_to_u64(f, v) << f->shift) & fm);
        store_uint(p, f->size, f->host_order, x);
    } else {
        memcpy(p, v->be, f->n_bytes);
    }
}

void
of_match_get(const struct of_match *m, const struct of_field *f,
             union of_value *value, union of_value *mask)
{
    if (value) {
        get_side(m, f, false, value);
    }
    if (mask) {
        get_side(m, f, true, mask);
    }
}

/* Removes tunnel metadata field IDX from MD, closing the gap. */
static void
tun_md_remove(struct of_tun_md *md, unsigned idx)
{
    uint64_t bit = UINT64_C(1) << idx;
    if (!(md->present & bit)) {
        return;
    }
    size_t ofs = md->ofs[idx], len = md->len[idx];
    size_t end = 0;
    for (unsigned i = 0; i < OF_N_TUN_MD; i++) {
        if (md->present & (UINT64_C(1) << i)) {
            end = NF_MAX(end, (size_t) md->ofs[i] + md->len[i]);
        }
    }
    memmove(md->value + ofs, md->value + ofs + len, end - ofs - len);
    memmove(md->mask + ofs, md->mask + ofs + len, end - ofs - len);
    memset(md->value + end - len, 0, len);
    memset(md->mask + end - len, 0, len);
    for (unsigned i = idx + 1; i < OF_N_TUN_MD; i++) {
        if (md->present & (UINT64_C(1) << i)) {
            md->ofs[i] -= (uint8_t) len;
        }
    }
    md->present &= ~bit;
    md->len[idx] = md->ofs[idx] = 0;
}

static int
tun_md_set(struct of_tun_md *md, const struct of_field *f,
           const union of_value *value, const union of_value *mask)
{
    unsigned idx = f->ofs;
    size_t len = 0;

    tun_md_remove(md, idx);
    for (size_t i = 0; i < f->n_bytes; i++) {
        if (mask->be[i]) {
            len = f->n_bytes - i;
            break;
        }
    }
    if (!len) {
        return 0;
    }
    size_t used = 0, ofs = 0;
    for (unsigned i = 0; i < OF_N_TUN_MD; i++) {
        if (md->present & (UINT64_C(1) << i)) {
            used += md->len[i];
            if (i < idx) {
                ofs += md->len[i];
            }
        }
    }
    if (used + len > OF_TUN_MD_SPACE) {
        return EINVAL;
    }
    memmove(md->value + ofs + len, md->value + ofs, used - ofs);
    memmove(md->mask + ofs + len, md->mask + ofs, used - ofs);
    for (size_t i = 0; i < len; i++) {
        size_t j = f->n_bytes - len + i;
        md->mask[ofs + i] = mask->be[j];
        md->value[ofs + i] = value->be[j] & mask->be[j];
    }
    for (unsigned i = idx + 1; i < OF_N_TUN_MD; i++) {
        if (md->present & (UINT64_C(1) << i)) {
            md->ofs[i] += (uint8_t) len;
        }
    }
    md->present |= UINT64_C(1) << idx;
    md->ofs[idx] = (uint8_t) ofs;
    md->len[idx] = (uint8_t) len;
    return 0;
}

int
of_match_set(struct of_match *m, const struct of_field *f,
             const union of_value *value, const union of_value *mask_)
{
    union of_value v, mask;

    if (mask_) {
        memcpy(mask.be, mask_->be, f->n_bytes);
    } else if (f->where == OF_IN_TUN_MD) {
        /* As long as the value's significant bytes (at least one). */
        size_t i = 0;
        while (i < f->n_bytes - 1u && !value->be[i]) {
            i++;
        }
        memset(mask.be, 0, i);
        memset(mask.be + i, 0xff, f->n_bytes - i);
    } else {
        of_value_exact_mask(f, &mask);
    }
    for (size_t i = 0; i < f->n_bytes; i++) {
        v.be[i] = value->be[i] & mask.be[i];
    }
    if (f->where == OF_IN_TUN_MD) {
        return tun_md_set(&m->tun_md, f, &v, &mask);
    }
    set_side(m, f, false, &v);
    set_side(m, f, true, &mask);
    if ((f->id == OF_F_ICMPV4_TYPE || f->id == OF_F_ICMPV4_CODE
         || f->id == OF_F_ICMPV6_TYPE || f->id == OF_F_ICMPV6_CODE)
        && mask.be[0] == 0xff) {
        /* An ICMP type or code owns the whole 16-bit tp_src or tp_dst it
         * is kept in: "tcp,icmp_type=8" is "tcp,tp_src=8". */
        uint8_t *p = storage(f, m, true);
        p[0] = 0xff;
    }
    return 0;
}

/* Each field's exact-match mask bits (of_field_or_exact_mask()): one byte
 * range of the flow mask and one of the pipeline-field mask (with the
 * zeros between a field and prerequisites of_match_set() may set). */
struct exact_mask {
    uint16_t flow_ofs, flow_len;
    uint16_t meta_ofs, meta_len;
    uint8_t *bytes; /* FLOW_LEN bytes, then META_LEN. */
};
static struct exact_mask exact_masks[OF_N_FIELDS];
static pthread_once_t exact_masks_once = PTHREAD_ONCE_INIT;

/* The range of the N bytes at P from the first nonzero one to the last, as
 * *OFS and *LEN (LEN 0 when all are zero). */
static void
nonzero_range(const uint8_t *p, size_t n, uint16_t *ofs, uint16_t *len)
{
    size_t first = 0, end = n;

    while (first < n && !p[first]) {
        first++;
    }
    while (end > first && !p[end - 1]) {
        end--;
    }
    *ofs = (uint16_t) first;
    *len = (uint16_t) (end - first);
}

static void
exact_masks_init(void)
{
    union of_value ones;

    memset(&ones, 0xff, sizeof ones);
    for (size_t i = 0; i < OF_N_FIELDS; i++) {
        const struct of_field *f = &of_field_table_[i];
        struct exact_mask *e = &exact_masks[i];
        struct of_match m;

        of_match_init_catchall(&m);
        if (of_match_set(&m, f, &ones, &ones)) {
            continue;
        }
        const uint8_t *fm = (const uint8_t *) &m.mask;
        const uint8_t *mm = (const uint8_t *) &m.meta_mask;
        nonzero_range(fm, sizeof m.mask, &e->flow_ofs, &e->flow_len);
        nonzero_range(mm, sizeof m.meta_mask, &e->meta_ofs, &e->meta_len);
        e->bytes = xmalloc((size_t) e->flow_len + e->meta_len);
        memcpy(e->bytes, fm + e->flow_ofs, e->flow_len);
        memcpy(e->bytes + e->flow_len, mm + e->meta_ofs, e->meta_len);
    }
}

void
of_field_or_exact_mask(const struct of_field *f, struct flow *flow_mask,
                       struct of_meta *meta_mask)
{
    size_t i = (size_t) (f - of_field_table_);

    if (i >= OF_N_FIELDS) {
        return;
    }
    pthread_once(&exact_masks_once, exact_masks_init);

    const struct exact_mask *e = &exact_masks[i];
    uint8_t *dst = (uint8_t *) flow_mask + e->flow_ofs;
    for (size_t k = 0; k < e->flow_len; k++) {
        dst[k] |= e->bytes[k];
    }
    dst = (uint8_t *) meta_mask + e->meta_ofs;
    for (size_t k = 0; k < e->meta_len; k++) {
        dst[k] |= e->bytes[e->flow_len + k];
    }
}

void
of_match_clear(struct of_match *m, const struct of_field *f)
{
    union of_value zero;
    memset(zero.be, 0, sizeof zero.be);
    of_match_set(m, f, &zero, &zero);
}

bool
of_match_has(const struct of_match *m, const struct of_field *f)
{
    /* Called for every field by the printers, the normaliser and the
     * encoders, so it looks at the mask where it lies instead of building
     * a value (get_side()). */
    const uint8_t *p;

    switch (f->where) {
    case OF_IN_TUN_MD:
        if (!(m->tun_md.present & (UINT64_C(1) << f->ofs))) {
            return false;
        }
        p = m->tun_md.mask + m->tun_md.ofs[f->ofs];
        for (size_t i = 0; i < m->tun_md.len[f->ofs]; i++) {
            if (p[i]) {
                return true;
            }
        }
        return false;
    case OF_IN_REGS:
        p = storage(f, m, true);
        for (size_t i = 0; i < f->size; i++) {
            if (p[i]) {
                return true;
            }
        }
        return false;
    case OF_IN_FLOW:
    case OF_IN_META:
    default:
        p = storage(f, m, true);
        if (f->size <= 8 && f->size != 6) {
            uint64_t x = load_uint(p, f->size, f->host_order);
            return ((x >> f->shift) & field_bits(f)) != 0;
        }
        for (size_t i = 0; i < f->n_bytes; i++) {
            if (p[i]) {
                return true;
            }
        }
        return false;
    }
}

/* ---------------------------------------------------------------------
 * Whole matches.
 * --------------------------------------------------------------------- */

void
of_match_init_catchall(struct of_match *m)
{
    memset(m, 0, sizeof *m);
}

bool
of_match_is_catchall(const struct of_match *m)
{
    static const struct of_match zero;
    return !memcmp(&m->mask, &zero.mask, sizeof m->mask)
           && !memcmp(&m->meta_mask, &zero.meta_mask, sizeof m->meta_mask)
           && !m->tun_md.present;
}

bool
of_match_equal(const struct of_match *a, const struct of_match *b)
{
    return !memcmp(a, b, sizeof *a);
}

uint16_t
of_match_dl_type(const struct of_match *m, bool *exact)
{
    *exact = m->mask.dl_type == 0xffff;
    return ntohs(m->flow.dl_type);
}

/* ---------------------------------------------------------------------
 * Prerequisites.
 * --------------------------------------------------------------------- */

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
is_arp(const struct of_match *m)
{
    return dl_type_is(m, ETH_TYPE_ARP) || dl_type_is(m, ETH_TYPE_RARP);
}

static bool
nw_proto_is(const struct of_match *m, uint8_t proto)
{
    return m->mask.nw_proto == 0xff && m->flow.nw_proto == proto;
}

/* The ICMP type (TYPE_ONLY) or type and code of M equal TYPE/0. */
static bool
icmp_is(const struct of_match *m, uint8_t type, bool type_only)
{
    if ((ntohs(m->mask.tp_src) & 0xff) != 0xff
        || (ntohs(m->flow.tp_src) & 0xff) != type) {
        return false;
    }
    return type_only
           || ((ntohs(m->mask.tp_dst) & 0xff) == 0xff
               && !(ntohs(m->flow.tp_dst) & 0xff));
}

static bool
is_icmpv6(const struct of_match *m)
{
    return dl_type_is(m, ETH_TYPE_IPV6) && nw_proto_is(m, 58);
}

/* The connection tracking state is known to be valid: new, established or
 * related, or tracked and not invalid. */
static bool
ct_valid(const struct of_match *m)
{
    uint32_t v = m->meta.ct_state, k = m->meta_mask.ct_state;
    uint32_t set = v & k;
    if (set & (OF_CS_NEW | OF_CS_ESTABLISHED | OF_CS_RELATED)) {
        return true;
    }
    return (set & OF_CS_TRACKED) && (k & OF_CS_INVALID)
           && !(v & OF_CS_INVALID);
}

static bool
prereq_ok(const struct of_match *m, enum of_prereq p)
{
    switch (p) {
    case OF_PRQ_NONE:
        return true;
    case OF_PRQ_VLAN_VID:
        return (m->mask.vlans[0].tci & htons(VLAN_CFI))
               && (m->flow.vlans[0].tci & htons(VLAN_CFI));
    case OF_PRQ_ARP:
        return is_arp(m);
    case OF_PRQ_IPV4:
        return dl_type_is(m, ETH_TYPE_IP);
    case OF_PRQ_IPV6:
        return dl_type_is(m, ETH_TYPE_IPV6);
    case OF_PRQ_IP_ANY:
        return is_ip_any(m);
    case OF_PRQ_MPLS:
        return dl_type_is(m, ETH_TYPE_MPLS)
               || dl_type_is(m, ETH_TYPE_MPLS_MCAST);
    case OF_PRQ_TCP:
        return is_ip_any(m) && nw_proto_is(m, 6);
    case OF_PRQ_UDP:
        return is_ip_any(m) && nw_proto_is(m, 17);
    case OF_PRQ_SCTP:
        return is_ip_any(m) && nw_proto_is(m, 132);
    case OF_PRQ_ICMPV4:
        return dl_type_is(m, ETH_TYPE_IP) && nw_proto_is(m, 1);
    case OF_PRQ_ICMPV6:
        return is_icmpv6(m);
    case OF_PRQ_ND:
        return is_icmpv6(m)
               && (icmp_is(m, 135, false) || icmp_is(m, 136, false));
    case OF_PRQ_ND_SOLICIT:
        return is_icmpv6(m) && icmp_is(m, 135, false);
    case OF_PRQ_ND_ADVERT:
        return is_icmpv6(m) && icmp_is(m, 136, false);
    case OF_PRQ_CT:
        return ct_valid(m);
    }
    return false;
}

bool
of_match_prereqs_ok(const struct of_match *m, const struct of_field *f)
{
    if (!prereq_ok(m, f->prereq)) {
        return false;
    }
    /* The conntrack tuple's address fields also need their IP version. */
    switch (f->id) {
    case OF_F_CT_NW_SRC:
    case OF_F_CT_NW_DST:
        return dl_type_is(m, ETH_TYPE_IP);
    case OF_F_CT_IPV6_SRC:
    case OF_F_CT_IPV6_DST:
        return dl_type_is(m, ETH_TYPE_IPV6);
    default:
        return true;
    }
}

/* ---------------------------------------------------------------------
 * Normalisation.
 *
 * ovs-ofctl quietly drops the parts of a match that its prerequisites do
 * not allow, per storage location rather than per field name (so
 * "tcp,icmp_type=8" keeps tp_src=8).  The rules below restate what it does
 * for each location.
 * --------------------------------------------------------------------- */

static bool
l4_ok(const struct of_match *m)
{
    if (!is_ip_any(m) || m->mask.nw_proto != 0xff) {
        return false;
    }
    switch (m->flow.nw_proto) {
    case 6:
    case 17:
    case 132:
        return true;
    case 1:
        return dl_type_is(m, ETH_TYPE_IP);
    case 58:
        return dl_type_is(m, ETH_TYPE_IPV6);
    default:
        return false;
    }
}

struct norm_rule {
    enum of_field_id field; /* A field covering the whole location. */
    enum {
        N_IPV4_OR_ARP,
        N_IPV6,
        N_IP_OR_ARP,
        N_IP,
        N_ARP_OR_NS,
        N_ARP_OR_NA,
        N_ND,
        N_MPLS,
        N_L4,
        N_TCP,
        N_CT_PROTO,
    } cond;
    const char *name; /* How the location is named in notices. */
};

static const struct norm_rule norm_rules[] = {
    { OF_F_IPV4_SRC, N_IPV4_OR_ARP, "nw_src" },
    { OF_F_IPV4_DST, N_IPV4_OR_ARP, "nw_dst" },
    { OF_F_IPV6_SRC, N_IPV6, "ipv6_src" },
    { OF_F_IPV6_DST, N_IPV6, "ipv6_dst" },
    { OF_F_IPV6_LABEL, N_IPV6, "ipv6_label" },
    { OF_F_IP_PROTO, N_IP_OR_ARP, "nw_proto" },
    { OF_F_NW_TOS, N_IP, "nw_tos" },
    { OF_F_IP_ECN, N_IP, "nw_ecn" },
    { OF_F_IP_TTL, N_IP, "nw_ttl" },
    { OF_F_IP_FRAG, N_IP, "nw_frag" },
    { OF_F_ARP_SHA, N_ARP_OR_NS, "arp_sha" },
    { OF_F_ARP_THA, N_ARP_OR_NA, "arp_tha" },
    { OF_F_ND_TARGET, N_ND, "nd_target" },
    { OF_F_MPLS_LABEL, N_MPLS, "mpls_label" },
    { OF_F_MPLS_TC, N_MPLS, "mpls_tc" },
    { OF_F_MPLS_BOS, N_MPLS, "mpls_bos" },
    { OF_F_MPLS_TTL, N_MPLS, "mpls_ttl" },
    { OF_F_TCP_SRC, N_L4, "tp_src" },
    { OF_F_TCP_DST, N_L4, "tp_dst" },
    { OF_F_TCP_FLAGS, N_TCP, "tcp_flags" },
    { OF_F_CT_TP_SRC, N_CT_PROTO, "ct_tp_src" },
    { OF_F_CT_TP_DST, N_CT_PROTO, "ct_tp_dst" },
};

static bool
norm_ok(const struct of_match *m, int cond)
{
    switch (cond) {
    case N_IPV4_OR_ARP:
        return dl_type_is(m, ETH_TYPE_IP) || is_arp(m);
    case N_IPV6:
        return dl_type_is(m, ETH_TYPE_IPV6);
    case N_IP_OR_ARP:
        return is_ip_any(m) || is_arp(m);
    case N_IP:
        return is_ip_any(m);
    case N_ARP_OR_NS:
        return is_arp(m) || (is_icmpv6(m) && icmp_is(m, 135, true));
    case N_ARP_OR_NA:
        return is_arp(m) || (is_icmpv6(m) && icmp_is(m, 136, true));
    case N_ND:
        return is_icmpv6(m)
               && (icmp_is(m, 135, true) || icmp_is(m, 136, true));
    case N_MPLS:
        return prereq_ok(m, OF_PRQ_MPLS);
    case N_L4:
        return l4_ok(m);
    case N_TCP:
        return is_ip_any(m) && nw_proto_is(m, 6);
    case N_CT_PROTO:
        return m->meta_mask.ct_nw_proto == 0xff;
    }
    return false;
}

bool
of_match_normalize(struct of_match *m, struct buf *dropped)
{
    bool changed = false;

    for (size_t i = 0; i < ARRAY_SIZE(norm_rules); i++) {
        const struct of_field *f = of_field_from_id(norm_rules[i].field);
        if (of_match_has(m, f) && !norm_ok(m, norm_rules[i].cond)) {
            if (dropped) {
                buf_printf(dropped, "%s%s", dropped->len ? "," : "",
                           norm_rules[i].name);
            }
            of_match_clear(m, f);
            changed = true;
        }
    }
    return changed;
}
