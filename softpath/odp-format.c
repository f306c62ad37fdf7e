/* odp-format.c: the dump-flows text of keys and masks.
 *
 * Printing walks the key attributes in their order and finds each one's
 * mask attribute (same type, same nesting level).  With a mask, an
 * attribute absent from the mask or all zero in it is a wildcard and is
 * left out, as are fields whose mask is zero; a partial mask prints as
 * "value/mask". */
#include "softpath/odp.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/openvswitch.h>
#include <string.h>

#include "lib/util.h"

size_t
odp_field_size(enum odp_ftype type)
{
    static const uint8_t sizes[] = {
        [ODP_F_MAC] = 6,   [ODP_F_IP4] = 4,   [ODP_F_IP6] = 16,
        [ODP_F_U8] = 1,    [ODP_F_U8X] = 1,   [ODP_F_BE16] = 2,
        [ODP_F_BE16X] = 2, [ODP_F_BE32X] = 4, [ODP_F_U32] = 4,
        [ODP_F_U32X] = 4,  [ODP_F_BE64X] = 8, [ODP_F_FRAG] = 1,
        [ODP_F_TCPFL] = 2,
    };
    return sizes[type];
}

/* Reads a field of SIZE bytes as a host-order number. */
static unsigned long long
field_num(enum odp_ftype type, const uint8_t *p)
{
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;

    switch (odp_field_size(type)) {
    case 1:
        return p[0];
    case 2:
        memcpy(&u16, p, 2);
        return PKT_NTOHS(u16);
    case 4:
        memcpy(&u32, p, 4);
        return (type == ODP_F_U32 || type == ODP_F_U32X) ? u32
                                                         : PKT_NTOHL(u32);
    default:
        memcpy(&u64, p, 8);
        return PKT_NTOHLL(u64);
    }
}

static const char *const tcp_flag_names[] = {
    "fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns",
};

static void
format_value(struct buf *b, enum odp_ftype type, const uint8_t *p,
             bool is_mask)
{
    static const char *const frags[] = { "no", "first", "later" };
    char s[INET6_ADDRSTRLEN];
    unsigned long long v = 0;

    switch (type) {
    case ODP_F_MAC:
        buf_printf(b, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3],
                   p[4], p[5]);
        return;
    case ODP_F_IP4:
    case ODP_F_IP6:
        inet_ntop(type == ODP_F_IP4 ? AF_INET : AF_INET6, p, s, sizeof s);
        buf_put_cstr(b, s);
        return;
    default:
        v = field_num(type, p);
        break;
    }
    if (is_mask) {
        buf_printf(b,
                   type == ODP_F_BE16X   ? "0x%04llx"
                   : type == ODP_F_TCPFL ? "0x%03llx"
                                         : "%#llx",
                   v);
        return;
    }
    switch (type) {
    case ODP_F_U8:
    case ODP_F_BE16:
    case ODP_F_U32:
        buf_printf(b, "%llu", v);
        break;
    case ODP_F_BE16X:
        buf_printf(b, "0x%04llx", v);
        break;
    case ODP_F_FRAG:
        if (v < ARRAY_SIZE(frags)) {
            buf_put_cstr(b, frags[v]);
        } else {
            buf_printf(b, "%llu", v);
        }
        break;
    case ODP_F_TCPFL:
        if (!v) {
            buf_put_char(b, '0');
            break;
        }
        if (v & ~0x1ffULL) {
            buf_printf(b, "0x%03llx", v);
            break;
        }
        for (size_t i = 0, n = 0; i < ARRAY_SIZE(tcp_flag_names); i++) {
            if (v & (1u << i)) {
                buf_printf(b, "%s%s", n++ ? "|" : "", tcp_flag_names[i]);
            }
        }
        break;
    default:
        buf_printf(b, "%#llx", v);
        break;
    }
}

void
odp_format_field(struct buf *b, enum odp_ftype type, const uint8_t *val,
                 const uint8_t *mask)
{
    size_t n = odp_field_size(type);
    bool partial = mask && !nf_bytes_all(mask, n, 0xff);

    if (type == ODP_F_TCPFL && partial) {
        /* "+syn-ack": each matched flag, set or clear.  Bits without a
         * name need the hex form. */
        unsigned long long v = field_num(type, val), m = field_num(type, mask);
        if (m & ~0x1ffULL || !m) {
            buf_printf(b, "0x%03llx/0x%03llx", v, m);
            return;
        }
        for (size_t i = 0; i < ARRAY_SIZE(tcp_flag_names); i++) {
            if (m & (1u << i)) {
                buf_printf(b, "%c%s", v & (1u << i) ? '+' : '-',
                           tcp_flag_names[i]);
            }
        }
        return;
    } else {
        format_value(b, type, val, false);
    }
    if (partial) {
        buf_put_char(b, '/');
        format_value(b, type, mask, true);
    }
}

static void
format_fields(struct buf *b, const struct odp_field *fields,
              const uint8_t *val, const uint8_t *mask)
{
    bool first = true;

    for (const struct odp_field *f = fields; f->name; f++) {
        size_t n = odp_field_size(f->type);
        if (mask && nf_bytes_all(mask + f->ofs, n, 0)) {
            continue;
        }
        buf_printf(b, "%s%s=", first ? "" : ",", f->name);
        odp_format_field(b, f->type, val + f->ofs,
                         mask ? mask + f->ofs : NULL);
        first = false;
    }
}

static void
format_vlan(struct buf *b, const uint8_t *val, const uint8_t *mask)
{
    uint16_t v = field_num(ODP_F_BE16, val);
    uint16_t m = mask ? field_num(ODP_F_BE16, mask) : 0xffff;
    const char *sep = "";

    if (m & VLAN_VID_MASK) {
        buf_printf(b, "vid=%u", v & VLAN_VID_MASK);
        if ((m & VLAN_VID_MASK) != VLAN_VID_MASK) {
            buf_printf(b, "/%#x", m & VLAN_VID_MASK);
        }
        sep = ",";
    }
    if (m & VLAN_PCP_MASK) {
        buf_printf(b, "%spcp=%u", sep, v >> VLAN_PCP_SHIFT);
        if ((m & VLAN_PCP_MASK) != VLAN_PCP_MASK) {
            buf_printf(b, "/%#x", m >> VLAN_PCP_SHIFT);
        }
        sep = ",";
    }
    if (m & VLAN_CFI && !(v & VLAN_CFI)) {
        buf_printf(b, "%scfi=0", sep);
    }
}

static const struct {
    const char *name;
    int shift;
    uint32_t bits;
} mpls_parts[] = {
    { "label", 12, 0xfffff },
    { "tc", 9, 7 },
    { "ttl", 0, 0xff },
    { "bos", 8, 1 },
};

static void
format_mpls(struct buf *b, const uint8_t *val, const uint8_t *mask, size_t len)
{
    if (len == 4) {
        uint32_t v = field_num(ODP_F_BE32X, val);
        uint32_t m = mask ? field_num(ODP_F_BE32X, mask) : UINT32_MAX;
        const char *sep = "";
        for (size_t i = 0; i < ARRAY_SIZE(mpls_parts); i++) {
            uint32_t pm = (m >> mpls_parts[i].shift) & mpls_parts[i].bits;
            if (!pm) {
                continue;
            }
            buf_printf(b, "%s%s=%u", sep, mpls_parts[i].name,
                       (v >> mpls_parts[i].shift) & mpls_parts[i].bits);
            if (pm != mpls_parts[i].bits) {
                buf_printf(b, "/%#x", pm);
            }
            sep = ",";
        }
        return;
    }
    for (size_t i = 0; i < len / 4; i++) {
        buf_printf(b, "%slse%zu=", i ? "," : "", i);
        odp_format_field(b, ODP_F_BE32X, val + 4 * i,
                         mask ? mask + 4 * i : NULL);
    }
}

/* Returns the attribute of TYPE among LEN bytes at ATTRS, or NULL. */
static const struct nlattr *
find_attr(const void *attrs, size_t len, uint16_t type)
{
    const struct nlattr *attr;

    if (!attrs || !len) {
        return NULL;
    }
    mnl_attr_for_each_payload(attrs, len)
    {
        if (mnl_attr_get_type(attr) == type) {
            return attr;
        }
    }
    return NULL;
}

static void
format_tunnel(struct buf *b, const void *val, size_t len, const void *mask,
              size_t mask_len, bool has_mask)
{
    const struct nlattr *attr;
    const char *sep = "";

    mnl_attr_for_each_payload(val, len)
    {
        uint16_t type = mnl_attr_get_type(attr);
        const struct odp_key_policy *p = odp_tun_policy(type);
        const struct nlattr *m = find_attr(mask, mask_len, type);
        size_t plen = mnl_attr_get_payload_len(attr);
        if (!p->name || (p->len >= 0 && plen != (size_t) p->len)) {
            buf_printf(b, "%s<error: tunnel attribute %u>", sep, type);
            sep = ",";
            continue;
        }
        if (has_mask && !m) {
            continue;
        }
        if (!p->len) {
            continue; /* A flag: printed below. */
        }
        if (p->len == ODP_LEN_GENEVE) {
            const uint8_t *gm = NULL;
            if (m && mnl_attr_get_payload_len(m) == plen) {
                gm = mnl_attr_get_payload(m);
            }
            buf_printf(b, "%sgeneve(", sep);
            odp_geneve_opts_format(b, mnl_attr_get_payload(attr), gm, plen);
            buf_put_char(b, ')');
            sep = ",";
            continue;
        }
        const uint8_t *mp = NULL;
        if (m && mnl_attr_get_payload_len(m) == plen) {
            mp = mnl_attr_get_payload(m);
            if (nf_bytes_all(mp, plen, 0)) {
                continue;
            }
        }
        buf_printf(b, "%s%s=", sep, p->name);
        odp_format_field(b, p->fields[0].type, mnl_attr_get_payload(attr), mp);
        sep = ",";
    }
    {
        struct buf f = BUF_INITIALIZER;
        for (size_t i = 0; i < ARRAY_SIZE(odp_tun_flags); i++) {
            uint16_t type = odp_tun_flags[i].type;
            bool in_key = find_attr(val, len, type) != NULL;
            if (!has_mask) {
                if (in_key) {
                    buf_printf(&f, "%s%s", f.len ? "|" : "",
                               odp_tun_flags[i].name);
                }
            } else if (find_attr(mask, mask_len, type)) {
                buf_printf(&f, "%c%s", in_key ? '+' : '-',
                           odp_tun_flags[i].name);
            }
        }
        if (f.len) {
            buf_printf(b, "%sflags(%s)", sep, buf_cstr(&f));
        }
        buf_destroy(&f);
    }
}

static void format_level(struct buf *b, const void *key, size_t key_len,
                         const void *mask, size_t mask_len, bool has_mask,
                         int depth, bool *first);

void
odp_format_key_attr(struct buf *b, uint16_t type, const void *val,
                    const void *mask, size_t len, int depth)
{
    const struct odp_key_policy *p = odp_key_policy(type);

    buf_printf(b, "%s(", odp_key_name(type));
    if (type == OVS_KEY_ATTR_VLAN) {
        format_vlan(b, val, mask);
    } else if (type == OVS_KEY_ATTR_MPLS) {
        format_mpls(b, val, mask, len);
    } else if (p->fields && !p->fields[0].name) {
        odp_format_field(b, p->fields[0].type, val, mask);
    } else if (p->fields) {
        format_fields(b, p->fields, val, mask);
    }
    buf_put_char(b, ')');
}

static void
format_level(struct buf *b, const void *key, size_t key_len, const void *mask,
             size_t mask_len, bool has_mask, int depth, bool *first)
{
    const struct nlattr *attr;

    if (!key_len) {
        return;
    }
    mnl_attr_for_each_payload(key, key_len)
    {
        uint16_t type = mnl_attr_get_type(attr);
        const struct odp_key_policy *p = odp_key_policy(type);
        const struct nlattr *m = find_attr(mask, mask_len, type);
        size_t plen = mnl_attr_get_payload_len(attr);
        const void *val = mnl_attr_get_payload(attr);
        const void *mp = m ? mnl_attr_get_payload(m) : NULL;
        size_t mlen = m ? mnl_attr_get_payload_len(m) : 0;
        const char *sep = *first ? "" : ",";

        if (has_mask && !m) {
            continue;
        }
        if (!p->name || (p->len >= 0 && plen != (size_t) p->len)
            || (p->len == ODP_LEN_MPLS && (plen == 0 || plen % 4))) {
            buf_printf(b, "%s<error: %s, length %zu>", sep, odp_key_name(type),
                       plen);
            *first = false;
            continue;
        }
        if (type == OVS_KEY_ATTR_ENCAP) {
            if (depth >= ODP_MAX_NESTING) {
                buf_printf(b, "%s<error: nested too deep>", sep);
                *first = false;
                continue;
            }
            bool inner_first = true;
            buf_printf(b, "%sencap(", sep);
            format_level(b, val, plen, mp, mlen, has_mask, depth + 1,
                         &inner_first);
            buf_put_char(b, ')');
        } else if (type == OVS_KEY_ATTR_TUNNEL) {
            struct buf t = BUF_INITIALIZER;
            format_tunnel(&t, val, plen, mp, mlen, has_mask);
            /* An exact empty tunnel (as in set()) still prints; a
             * wildcarded one is left out like any other. */
            bool printed = t.len > 0 || !has_mask;
            if (printed) {
                buf_printf(b, "%stunnel(%s)", sep, buf_cstr(&t));
            }
            buf_destroy(&t);
            if (!printed) {
                continue;
            }
        } else {
            if (mp && (mlen != plen || nf_bytes_all(mp, plen, 0))) {
                /* A wildcarded eth() still says "an Ethernet frame", so
                 * it prints, as Open vSwitch prints it. */
                if (mlen == plen && type != OVS_KEY_ATTR_ETHERNET) {
                    continue;
                }
                if (mlen != plen) {
                    mp = NULL; /* A mask of the wrong size: show the key. */
                }
            }
            buf_put_cstr(b, sep);
            odp_format_key_attr(b, type, val, mp, plen, depth);
        }
        *first = false;
    }
}

void
odp_flow_format(struct buf *b, const void *key, size_t key_len,
                const void *mask, size_t mask_len)
{
    bool first = true;

    format_level(b, key, key_len, mask, mask_len, mask != NULL, 0, &first);
}
