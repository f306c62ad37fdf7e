/* odp-tnl.c: the tnl_push / tnl_pop actions of native tunnelling: encoders,
 * the check of a tnl_push header, and its text, which is Open vSwitch's
 * (lib/odp-util.c, format_odp_tnl_push_action()):
 *
 *   tnl_push(tnl_port(4789),header(size=50,type=4,
 *            eth(dst=..,src=..,dl_type=0x0800),
 *            ipv4(src=1.1.1.1,dst=1.1.1.2,proto=17,tos=0,ttl=64,frag=0x4000),
 *            udp(src=0,dst=4789,csum=0x0),vxlan(flags=0x8000000,vni=0x7b)),
 *            out_port(100))
 *
 * with "ipv6(src=..,dst=..,label=0,proto=17,tclass=0x0,hlimit=64)" for an
 * IPv6 underlay, "geneve([oam,][crit,]vni=0x7b[,options({class=0x102,
 * type=0x80,len=4,0xa}...)])" and "gre((flags=0x2000,proto=0x6558)
 * [,csum=0x0][,key=0x7b][,seq=0x0])".  One addition of softpath's: a header
 * with an 802.1Q tag prints "eth(...,dl_type=0x8100),vlan(tci=0x0005,
 * dl_type=0x0800)," before the IP part (Open vSwitch's headers never have
 * one). */
#include "softpath/odp.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/packet.h"

#define GRE_F_CSUM 0x8000
#define GRE_F_KEY 0x2000
#define GRE_F_SEQ 0x1000
#define VXLAN_HEADER_LEN 8
#define GENEVE_HEADER_LEN 8
#define GRE_BASE_LEN 4

/* Encoders. */

void
odp_put_tnl_push(struct buf *out, const struct odp_action_push_tnl *push)
{
    size_t hlen = NF_MIN(push->header_len, (uint32_t) ODP_TNL_PUSH_HEADER_MAX);
    size_t len = ODP_TNL_PUSH_FIXED_LEN + hlen;
    struct nlattr *a = buf_put_zeros(out, MNL_ALIGN(MNL_ATTR_HDRLEN + len));

    a->nla_type = ODP_ACTION_ATTR_TUNNEL_PUSH;
    a->nla_len = MNL_ATTR_HDRLEN + len;
    memcpy(a + 1, push, len);
}

void
odp_put_tnl_pop(struct buf *out, uint32_t port)
{
    struct nlattr *a = buf_put_zeros(out, MNL_ALIGN(MNL_ATTR_HDRLEN + 4));

    a->nla_type = ODP_ACTION_ATTR_TUNNEL_POP;
    a->nla_len = MNL_ATTR_HDRLEN + 4;
    memcpy(a + 1, &port, 4);
}

/* The check. */

static uint16_t
get_be16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static uint32_t
get_be32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8
           | p[3];
}

/* Length of the GRE header with FLAGS (host order), or 0 if FLAGS has bits
 * Open vSwitch does not build (routing, version, ...). */
static size_t
gre_len(uint16_t flags)
{
    if (flags & ~(GRE_F_CSUM | GRE_F_KEY | GRE_F_SEQ)) {
        return 0;
    }
    return GRE_BASE_LEN + (flags & GRE_F_CSUM ? 4 : 0)
           + (flags & GRE_F_KEY ? 4 : 0) + (flags & GRE_F_SEQ ? 4 : 0);
}

const char *
odp_tnl_push_check(const void *push_, size_t len, struct odp_tnl_layout *lo)
{
    struct odp_tnl_layout l = { .l2_5_ofs = UINT16_MAX };
    struct odp_action_push_tnl push;
    const uint8_t *h;
    size_t ofs, hlen;
    uint16_t type;
    uint8_t proto;

    if (len < ODP_TNL_PUSH_FIXED_LEN) {
        return "tnl_push shorter than its fixed part";
    }
    memcpy(&push, push_, ODP_TNL_PUSH_FIXED_LEN);
    h = (const uint8_t *) push_ + ODP_TNL_PUSH_FIXED_LEN;
    hlen = push.header_len;
    if (hlen > ODP_TNL_PUSH_HEADER_MAX
        || len != ODP_TNL_PUSH_FIXED_LEN + hlen) {
        return "tnl_push header_len does not match the attribute";
    }
    bool gre = push.tnl_type == ODP_TNL_TYPE_GRE
               || push.tnl_type == ODP_TNL_TYPE_IP6GRE;
    if (push.tnl_type != ODP_TNL_TYPE_VXLAN
        && push.tnl_type != ODP_TNL_TYPE_GENEVE && !gre) {
        return "tnl_push of an unknown tunnel type";
    }
    if (push.tnl_port >= 0xff00 || push.out_port >= 0xff00) {
        return "tnl_push port number out of range";
    }
    if (hlen < ETH_HEADER_LEN) {
        return "tnl_push header too short for Ethernet";
    }
    type = get_be16(h + 12);
    ofs = ETH_HEADER_LEN;
    if (type == ETH_TYPE_VLAN_8021Q) {
        if (hlen < ofs + VLAN_HEADER_LEN) {
            return "tnl_push header truncated in its VLAN tag";
        }
        l.l2_5_ofs = 12;
        type = get_be16(h + ofs + 2);
        ofs += VLAN_HEADER_LEN;
    }
    l.l3_ofs = ofs;
    if (type == ETH_TYPE_IP) {
        if (hlen < ofs + IPV4_HEADER_LEN || h[ofs] != 0x45) {
            return "tnl_push IPv4 header truncated or with options";
        }
        proto = h[ofs + 9];
        ofs += IPV4_HEADER_LEN;
    } else if (type == ETH_TYPE_IPV6) {
        if (hlen < ofs + IPV6_HEADER_LEN || (h[ofs] >> 4) != 6) {
            return "tnl_push IPv6 header truncated or not version 6";
        }
        l.ipv6 = true;
        proto = h[ofs + 6];
        ofs += IPV6_HEADER_LEN;
    } else {
        return "tnl_push header is neither IPv4 nor IPv6";
    }
    l.l4_ofs = ofs;
    if (gre && l.ipv6 != (push.tnl_type == ODP_TNL_TYPE_IP6GRE)) {
        return "tnl_push GRE type 3 is over IPv4, type 109 over IPv6";
    }
    if (gre) {
        if (proto != IPPROTO_GRE) {
            return "tnl_push GRE header not after IP protocol 47";
        }
        if (hlen < ofs + GRE_BASE_LEN) {
            return "tnl_push GRE header truncated";
        }
        size_t glen = gre_len(get_be16(h + ofs));
        if (!glen) {
            return "tnl_push GRE flags not supported";
        }
        l.tnl_ofs = ofs;
        ofs += glen;
    } else {
        if (proto != IPPROTO_UDP) {
            return "tnl_push UDP tunnel not after IP protocol 17";
        }
        if (hlen < ofs + UDP_HEADER_LEN + 8) {
            return "tnl_push UDP tunnel header truncated";
        }
        ofs += UDP_HEADER_LEN;
        l.tnl_ofs = ofs;
        if (push.tnl_type == ODP_TNL_TYPE_VXLAN) {
            ofs += VXLAN_HEADER_LEN;
        } else {
            if (h[ofs] >> 6) {
                return "tnl_push Geneve version is not 0";
            }
            ofs += GENEVE_HEADER_LEN + (h[ofs] & 0x3f) * 4;
        }
    }
    if (ofs != hlen) {
        return "tnl_push header_len is not the length of its headers";
    }
    if (lo) {
        *lo = l;
    }
    return NULL;
}

/* Printing. */

static void
format_ip6(struct buf *b, const uint8_t *a)
{
    char s[INET6_ADDRSTRLEN];

    inet_ntop(AF_INET6, a, s, sizeof s);
    buf_put_cstr(b, s);
}

static void
format_mac(struct buf *b, const uint8_t *m)
{
    buf_printf(b, ETH_ADDR_FMT, m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* Open vSwitch's ds_put_hex(): "0x" and the bytes without leading zero
 * bytes, "0" when all are zero. */
static void
format_hex(struct buf *b, const uint8_t *p, size_t n)
{
    bool printed = false;

    for (size_t i = 0; i < n; i++) {
        if (p[i] || printed) {
            buf_printf(b, printed ? "%02x" : "0x%x", p[i]);
            printed = true;
        }
    }
    if (!printed) {
        buf_put_char(b, '0');
    }
}

static void
format_geneve_opts(struct buf *b, const uint8_t *o, size_t n)
{
    while (n >= 4) {
        size_t dlen = (o[3] & 0x1f) * 4;
        if (4 + dlen > n) {
            buf_printf(b, "opt len %zu greater than remaining %zu", 4 + dlen,
                       n);
            return;
        }
        buf_printf(b, "{class=%#x,type=%#x,len=%zu", get_be16(o), o[2], dlen);
        if (dlen) {
            buf_put_char(b, ',');
            format_hex(b, o + 4, dlen);
        }
        buf_put_char(b, '}');
        o += 4 + dlen;
        n -= 4 + dlen;
    }
}

void
odp_tnl_push_format(struct buf *b, const void *push_, size_t len)
{
    struct odp_action_push_tnl push;
    struct odp_tnl_layout l;
    const uint8_t *h, *ip, *l4;

    if (odp_tnl_push_check(push_, len, &l)) {
        buf_put_cstr(b, "tnl_push(<error: malformed>)");
        return;
    }
    memcpy(&push, push_, ODP_TNL_PUSH_FIXED_LEN);
    h = (const uint8_t *) push_ + ODP_TNL_PUSH_FIXED_LEN;
    buf_printf(b, "tnl_push(tnl_port(%u),header(size=%u,type=%u,eth(dst=",
               push.tnl_port, push.header_len, push.tnl_type);
    format_mac(b, h);
    buf_put_cstr(b, ",src=");
    format_mac(b, h + 6);
    buf_printf(b, ",dl_type=0x%04x),", get_be16(h + 12));
    if (l.l2_5_ofs != UINT16_MAX) {
        buf_printf(b, "vlan(tci=0x%04x,dl_type=0x%04x),", get_be16(h + 14),
                   get_be16(h + 16));
    }
    ip = h + l.l3_ofs;
    if (!l.ipv6) {
        buf_printf(b,
                   "ipv4(src=%u.%u.%u.%u,dst=%u.%u.%u.%u,proto=%u,tos=%#x,"
                   "ttl=%u,frag=0x%x),",
                   ip[12], ip[13], ip[14], ip[15], ip[16], ip[17], ip[18],
                   ip[19], ip[9], ip[1], ip[8], get_be16(ip + 6));
    } else {
        uint32_t vtc = get_be32(ip);
        buf_put_cstr(b, "ipv6(src=");
        format_ip6(b, ip + 8);
        buf_put_cstr(b, ",dst=");
        format_ip6(b, ip + 24);
        buf_printf(b, ",label=%d,proto=%u,tclass=0x%x,hlimit=%u),",
                   (int) (vtc & IPV6_LABEL_MASK), ip[6], (vtc >> 20) & 0xff,
                   ip[7]);
    }
    l4 = h + l.l4_ofs;
    bool gre = push.tnl_type == ODP_TNL_TYPE_GRE
               || push.tnl_type == ODP_TNL_TYPE_IP6GRE;
    if (!gre) {
        buf_printf(b, "udp(src=%u,dst=%u,csum=0x%x),", get_be16(l4),
                   get_be16(l4 + 2), get_be16(l4 + 6));
    }
    const uint8_t *t = h + l.tnl_ofs;
    if (push.tnl_type == ODP_TNL_TYPE_VXLAN) {
        buf_printf(b, "vxlan(flags=0x%x,vni=0x%x)", get_be32(t),
                   get_be32(t + 4) >> 8);
    } else if (push.tnl_type == ODP_TNL_TYPE_GENEVE) {
        size_t optlen = (t[0] & 0x3f) * 4;
        buf_printf(b, "geneve(%s%svni=0x%x", t[1] & 0x80 ? "oam," : "",
                   t[1] & 0x40 ? "crit," : "", get_be32(t + 4) >> 8);
        if (optlen) {
            buf_put_cstr(b, ",options(");
            format_geneve_opts(b, t + GENEVE_HEADER_LEN, optlen);
            buf_put_char(b, ')');
        }
        buf_put_char(b, ')');
    } else {
        uint16_t flags = get_be16(t);
        const uint8_t *o = t + GRE_BASE_LEN;
        buf_printf(b, "gre((flags=0x%x,proto=0x%x)", flags, get_be16(t + 2));
        if (flags & GRE_F_CSUM) {
            buf_printf(b, ",csum=0x%x", get_be16(o));
            o += 4;
        }
        if (flags & GRE_F_KEY) {
            buf_printf(b, ",key=0x%x", get_be32(o));
            o += 4;
        }
        if (flags & GRE_F_SEQ) {
            buf_printf(b, ",seq=0x%x", get_be32(o));
        }
        buf_put_char(b, ')');
    }
    buf_printf(b, "),out_port(%u))", push.out_port);
}

/* Parsing. */

struct tparser {
    const char *s;     /* Current position. */
    const char *errat; /* Where it failed. */
    const char *msg;   /* Why. */
};

static bool
fail(struct tparser *tp, const char *msg)
{
    if (!tp->msg) {
        tp->errat = tp->s;
        tp->msg = msg;
    }
    return false;
}

static bool
lit(struct tparser *tp, const char *tok)
{
    size_t n = strlen(tok);

    if (strncmp(tp->s, tok, n)) {
        return fail(tp, "unexpected text in tnl_push");
    }
    tp->s += n;
    return true;
}

static bool
opt_lit(struct tparser *tp, const char *tok)
{
    size_t n = strlen(tok);

    if (strncmp(tp->s, tok, n)) {
        return false;
    }
    tp->s += n;
    return true;
}

static bool
unum(struct tparser *tp, unsigned long long max, unsigned long long *v)
{
    char *end;

    if (!isdigit((unsigned char) *tp->s)) {
        return fail(tp, "expected a number");
    }
    errno = 0;
    *v = strtoull(tp->s, &end, 0);
    if (errno || *v > max) {
        return fail(tp, "number out of range");
    }
    tp->s = end;
    return true;
}

/* "NAME=N" with N at most MAX. */
static bool
field(struct tparser *tp, const char *name, unsigned long long max,
      unsigned long long *v)
{
    return lit(tp, name) && unum(tp, max, v);
}

static void
put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v & 0xff;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, v >> 16);
    put_be16(p + 2, v & 0xffff);
}

static bool
mac(struct tparser *tp, uint8_t *m)
{
    int n = 0;

    if (sscanf(tp->s, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%n", &m[0], &m[1],
               &m[2], &m[3], &m[4], &m[5], &n)
            != 6
        || !n) {
        return fail(tp, "expected an Ethernet address");
    }
    tp->s += n;
    return true;
}

/* An address of FAMILY up to the next ',' or ')'. */
static bool
ipaddr(struct tparser *tp, int family, void *dst)
{
    size_t n = strcspn(tp->s, ",)");
    char tmp[INET6_ADDRSTRLEN + 1];

    if (!n || n >= sizeof tmp) {
        return fail(tp, "expected an IP address");
    }
    memcpy(tmp, tp->s, n);
    tmp[n] = '\0';
    if (inet_pton(family, tmp, dst) != 1) {
        return fail(tp, "expected an IP address");
    }
    tp->s += n;
    return true;
}

/* Hex bytes "0x..." (or "0") right-aligned into N bytes at DST. */
static bool
hexdata(struct tparser *tp, uint8_t *dst, size_t n)
{
    const char *p = tp->s;
    size_t digits;

    memset(dst, 0, n);
    if (p[0] == '0' && p[1] == 'x') {
        p += 2;
    } else if (p[0] == '0' && !isxdigit((unsigned char) p[1])) {
        tp->s = p + 1;
        return true;
    }
    digits = strspn(p, "0123456789abcdefABCDEF");
    if (!digits || digits > 2 * n) {
        return fail(tp, "bad Geneve option data");
    }
    for (size_t i = 0; i < digits; i++) {
        char c = p[digits - 1 - i];
        unsigned v = isdigit((unsigned char) c)
                         ? (unsigned) (c - '0')
                         : (unsigned) (tolower(c) - 'a' + 10);
        dst[n - 1 - i / 2] |= (uint8_t) (i % 2 ? v << 4 : v);
    }
    tp->s = p + digits;
    return true;
}

static bool
parse_geneve_opts(struct tparser *tp, uint8_t *h, size_t *ofs)
{
    while (opt_lit(tp, "{")) {
        unsigned long long cls, type, len;
        if (!field(tp, "class=", 0xffff, &cls) || !lit(tp, ",")
            || !field(tp, "type=", 0xff, &type) || !lit(tp, ",")
            || !field(tp, "len=", 124, &len)) {
            return false;
        }
        if (len % 4) {
            return fail(tp, "Geneve option length not a multiple of 4");
        }
        if (*ofs + 4 + len > ODP_TNL_PUSH_HEADER_MAX) {
            return fail(tp, "tnl_push header too long");
        }
        put_be16(h + *ofs, (uint16_t) cls);
        h[*ofs + 2] = (uint8_t) type;
        h[*ofs + 3] = (uint8_t) (len / 4);
        if (len && (!lit(tp, ",") || !hexdata(tp, h + *ofs + 4, len))) {
            return false;
        }
        if (!lit(tp, "}")) {
            return false;
        }
        *ofs += 4 + len;
    }
    return true;
}

static bool
parse_push(struct tparser *tp, struct odp_action_push_tnl *push)
{
    unsigned long long v, size, type, proto, a, b2, c;
    uint8_t *h = push->header;
    size_t ofs, ip_ofs;
    bool ipv6;

    memset(push, 0, sizeof *push);
    if (!field(tp, "tnl_port(", 0xfeff, &v) || !lit(tp, "),")) {
        return false;
    }
    push->tnl_port = v;
    if (!field(tp, "header(size=", ODP_TNL_PUSH_HEADER_MAX, &size)
        || !field(tp, ",type=", UINT32_MAX, &type) || !lit(tp, ",eth(dst=")
        || !mac(tp, h) || !lit(tp, ",src=") || !mac(tp, h + 6)
        || !field(tp, ",dl_type=", 0xffff, &v) || !lit(tp, "),")) {
        return false;
    }
    push->header_len = size;
    push->tnl_type = type;
    put_be16(h + 12, (uint16_t) v);
    ofs = ETH_HEADER_LEN;
    if (opt_lit(tp, "vlan(")) {
        if (!field(tp, "tci=", 0xffff, &a)
            || !field(tp, ",dl_type=", 0xffff, &v) || !lit(tp, "),")) {
            return false;
        }
        put_be16(h + 14, (uint16_t) a);
        put_be16(h + 16, (uint16_t) v);
        ofs += VLAN_HEADER_LEN;
    }
    ip_ofs = ofs;
    if (opt_lit(tp, "ipv4(src=")) {
        uint8_t *ip = h + ofs;
        uint32_t src, dst;
        ipv6 = false;
        if (!ipaddr(tp, AF_INET, &src) || !lit(tp, ",dst=")
            || !ipaddr(tp, AF_INET, &dst)
            || !field(tp, ",proto=", 0xff, &proto)
            || !field(tp, ",tos=", 0xff, &a) || !field(tp, ",ttl=", 0xff, &b2)
            || !field(tp, ",frag=", 0xffff, &c) || !lit(tp, "),")) {
            return false;
        }
        ip[0] = 0x45;
        ip[1] = (uint8_t) a;
        put_be16(ip + 6, (uint16_t) c);
        ip[8] = (uint8_t) b2;
        ip[9] = (uint8_t) proto;
        memcpy(ip + 12, &src, 4);
        memcpy(ip + 16, &dst, 4);
        /* The checksum of the template (total length 0); tnl_push
         * recomputes it per packet. */
        uint16_t cs = pkt_csum_finish(pkt_csum_add(0, ip, IPV4_HEADER_LEN));
        memcpy(ip + 10, &cs, 2);
        ofs += IPV4_HEADER_LEN;
    } else if (opt_lit(tp, "ipv6(src=")) {
        uint8_t *ip = h + ofs;
        ipv6 = true;
        if (!ipaddr(tp, AF_INET6, ip + 8) || !lit(tp, ",dst=")
            || !ipaddr(tp, AF_INET6, ip + 24)
            || !field(tp, ",label=", IPV6_LABEL_MASK, &a)
            || !field(tp, ",proto=", 0xff, &proto)
            || !field(tp, ",tclass=", 0xff, &b2)
            || !field(tp, ",hlimit=", 0xff, &c) || !lit(tp, "),")) {
            return false;
        }
        put_be32(ip, 6u << 28 | (uint32_t) b2 << 20 | (uint32_t) a);
        ip[6] = (uint8_t) proto;
        ip[7] = (uint8_t) c;
        ofs += IPV6_HEADER_LEN;
    } else {
        return fail(tp, "expected ipv4( or ipv6(");
    }
    (void) ipv6;
    (void) ip_ofs;
    if (opt_lit(tp, "udp(src=")) {
        uint8_t *u = h + ofs;
        if (!unum(tp, 0xffff, &a) || !field(tp, ",dst=", 0xffff, &b2)
            || !field(tp, ",csum=", 0xffff, &c) || !lit(tp, "),")) {
            return false;
        }
        put_be16(u, (uint16_t) a);
        put_be16(u + 2, (uint16_t) b2);
        put_be16(u + 6, (uint16_t) c);
        ofs += UDP_HEADER_LEN;
        uint8_t *t = h + ofs;
        if (opt_lit(tp, "vxlan(flags=")) {
            if (!unum(tp, UINT32_MAX, &a) || !field(tp, ",vni=", 0xffffff, &v)
                || !lit(tp, ")")) {
                return false;
            }
            put_be32(t, (uint32_t) a);
            put_be32(t + 4, (uint32_t) v << 8);
            ofs += VXLAN_HEADER_LEN;
        } else if (opt_lit(tp, "geneve(")) {
            if (opt_lit(tp, "oam,")) {
                t[1] |= 0x80;
            }
            if (opt_lit(tp, "crit,")) {
                t[1] |= 0x40;
            }
            if (!field(tp, "vni=", 0xffffff, &v)) {
                return false;
            }
            put_be16(t + 2, 0x6558);
            put_be32(t + 4, (uint32_t) v << 8);
            ofs += GENEVE_HEADER_LEN;
            if (opt_lit(tp, ",options(")) {
                size_t start = ofs;
                if (!parse_geneve_opts(tp, h, &ofs) || !lit(tp, ")")) {
                    return false;
                }
                if ((ofs - start) / 4 > 0x3f) {
                    return fail(tp, "Geneve options too long");
                }
                t[0] = (uint8_t) ((ofs - start) / 4);
            }
            if (!lit(tp, ")")) {
                return false;
            }
        } else {
            return fail(tp, "expected vxlan( or geneve(");
        }
    } else if (opt_lit(tp, "gre((flags=")) {
        uint8_t *g = h + ofs;
        if (!unum(tp, 0xffff, &a) || !field(tp, ",proto=", 0xffff, &v)
            || !lit(tp, ")")) {
            return false;
        }
        put_be16(g, (uint16_t) a);
        put_be16(g + 2, (uint16_t) v);
        ofs += GRE_BASE_LEN;
        if ((a & GRE_F_CSUM)) {
            if (!field(tp, ",csum=", 0xffff, &c)) {
                return false;
            }
            put_be16(h + ofs, (uint16_t) c);
            ofs += 4;
        }
        if ((a & GRE_F_KEY)) {
            if (!field(tp, ",key=", UINT32_MAX, &c)) {
                return false;
            }
            put_be32(h + ofs, (uint32_t) c);
            ofs += 4;
        }
        if ((a & GRE_F_SEQ)) {
            if (!field(tp, ",seq=", UINT32_MAX, &c)) {
                return false;
            }
            put_be32(h + ofs, (uint32_t) c);
            ofs += 4;
        }
        if (!lit(tp, ")")) {
            return false;
        }
    } else {
        return fail(tp, "expected udp( or gre((");
    }
    if (!lit(tp, "),out_port(") || !unum(tp, 0xfeff, &v) || !lit(tp, "))")) {
        return false;
    }
    push->out_port = v;
    if (ofs != size) {
        return fail(tp, "tnl_push size is not the length of the headers");
    }
    return true;
}

int
odp_tnl_push_parse(const char **sp, struct buf *out, const char **errat,
                   const char **msg)
{
    struct odp_action_push_tnl *push = xzalloc(sizeof *push);
    struct tparser tp = { .s = *sp };
    int err = 0;

    if (!parse_push(&tp, push)) {
        err = EINVAL;
    } else {
        const char *why = odp_tnl_push_check(
            push, ODP_TNL_PUSH_FIXED_LEN + push->header_len, NULL);
        if (why) {
            tp.errat = *sp;
            tp.msg = why;
            err = EINVAL;
        }
    }
    if (err) {
        *errat = tp.errat;
        *msg = tp.msg;
    } else {
        odp_put_tnl_push(out, push);
        *sp = tp.s;
    }
    free(push);
    return err;
}
