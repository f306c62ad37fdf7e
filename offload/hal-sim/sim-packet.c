/* sim-packet.c: the frame side of the simulated eswitch's model
 * (sim-pipeline.h, README.md): parsing a frame into HAL field values, and
 * the actions that rewrite it (VLAN push and pop, SET_FIELD with checksum
 * updates).  Pure functions of the bytes they are given. */
#include <string.h>

#include "offload/hal-sim/sim-model.h"

#define BIT(N) (1u << (N))

/* ---------------------------------------------------------------------
 * Frames: parsing.
 * --------------------------------------------------------------------- */

static uint16_t
get16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

/* Stores N bytes of VALUE as FIELD of F. */
static void
set_field(struct halsim_fields *f, uint16_t field, const void *value, size_t n)
{
    memcpy(f->value[field] + halsim_field_bytes(field) - n, value, n);
    f->present |= BIT(field);
}

static void
set_field16(struct halsim_fields *f, uint16_t field, uint16_t v)
{
    uint8_t b[2] = { v >> 8, v & 0xff };
    set_field(f, field, b, 2);
}

/* Parses the L4 header of protocol PROTO at P, of which AVAIL bytes are
 * present. */
static void
parse_l4(uint8_t proto, const uint8_t *p, size_t avail, bool ipv6,
         struct halsim_fields *f, struct halsim_layout *l, uint16_t off)
{
    size_t need = proto == 6                 ? 20
                  : proto == 17              ? 8
                  : proto == 132             ? 12
                  : proto == (ipv6 ? 58 : 1) ? 4
                                             : 0;

    if (!need || avail < need) {
        return;
    }
    l->l4 = off;
    l->l4_len = avail > UINT16_MAX ? UINT16_MAX : avail;
    if (need == 4) {
        set_field16(f, NICFLOW_HAL_F_L4_SRC, p[0]);
        set_field16(f, NICFLOW_HAL_F_L4_DST, p[1]);
        return;
    }
    set_field(f, NICFLOW_HAL_F_L4_SRC, p, 2);
    set_field(f, NICFLOW_HAL_F_L4_DST, p + 2, 2);
    if (proto == 6) {
        set_field16(f, NICFLOW_HAL_F_TCP_FLAGS, get16(p + 12) & 0x0fff);
    }
}

static void
parse_ipv4(const uint8_t *p, size_t len, uint16_t off, struct halsim_fields *f,
           struct halsim_layout *l)
{
    size_t avail = len - off, ihl, tot;
    const uint8_t *ip = p + off;
    uint16_t frag;
    uint8_t fbits;

    if (avail < 20 || ip[0] >> 4 != 4 || (ip[0] & 0xf) < 5) {
        return;
    }
    ihl = (ip[0] & 0xf) * 4;
    tot = get16(ip + 2);
    frag = get16(ip + 6);
    fbits = (frag & 0x3fff ? 1 : 0) | (frag & 0x1fff ? 2 : 0);
    l->l3 = off;
    l->ipv4 = true;
    l->ip_proto = ip[9];
    set_field(f, NICFLOW_HAL_F_IP_TOS, ip + 1, 1);
    set_field(f, NICFLOW_HAL_F_IP_TTL, ip + 8, 1);
    set_field(f, NICFLOW_HAL_F_IP_PROTO, ip + 9, 1);
    set_field(f, NICFLOW_HAL_F_IPV4_SRC, ip + 12, 4);
    set_field(f, NICFLOW_HAL_F_IPV4_DST, ip + 16, 4);
    set_field(f, NICFLOW_HAL_F_IP_FRAG, &fbits, 1);
    /* L4 headers only in a first fragment, inside both the frame and the
     * datagram's total length. */
    if (!(frag & 0x1fff) && ihl <= avail && tot >= ihl) {
        size_t l4avail = (tot < avail ? tot : avail) - ihl;
        parse_l4(ip[9], ip + ihl, l4avail, false, f, l, off + ihl);
    }
}

static void
parse_ipv6(const uint8_t *p, size_t len, uint16_t off, struct halsim_fields *f,
           struct halsim_layout *l)
{
    size_t avail = len - off, plen;
    const uint8_t *ip = p + off;
    uint8_t tc, fbits = 0;

    if (avail < 40 || ip[0] >> 4 != 6) {
        return;
    }
    tc = (ip[0] & 0xf) << 4 | ip[1] >> 4;
    plen = get16(ip + 4);
    avail -= 40;
    avail = plen && plen < avail ? plen : avail;
    l->l3 = off;
    l->ipv6 = true;
    l->ip_proto = ip[6];
    set_field(f, NICFLOW_HAL_F_IP_TOS, &tc, 1);
    set_field(f, NICFLOW_HAL_F_IP_PROTO, ip + 6, 1);
    set_field(f, NICFLOW_HAL_F_IP_TTL, ip + 7, 1);
    set_field(f, NICFLOW_HAL_F_IPV6_SRC, ip + 8, 16);
    set_field(f, NICFLOW_HAL_F_IPV6_DST, ip + 24, 16);
    if (ip[6] == 44) {
        /* A fragment header right after the fixed header says which
         * fragment this is; other extension headers are not walked. */
        if (avail >= 8) {
            uint16_t fo = get16(ip + 42);
            fbits = 1 | (fo & 0xfff8 ? 2 : 0);
            set_field(f, NICFLOW_HAL_F_IP_FRAG, &fbits, 1);
        }
        return;
    }
    set_field(f, NICFLOW_HAL_F_IP_FRAG, &fbits, 1);
    parse_l4(ip[6], ip + 40, avail, true, f, l, off + 40);
}

void
halsim_parse(const uint8_t *p, size_t len, uint32_t in_port,
             struct halsim_fields *f, struct halsim_layout *l)
{
    struct halsim_fields fbuf;
    struct halsim_layout lbuf;
    uint8_t port[4] = { in_port >> 24, in_port >> 16, in_port >> 8, in_port };
    uint8_t tagged = 0;
    uint16_t type, off = 14;

    /* Both are filled by the memset()s below before any read. */
    // cppcheck-suppress uninitvar
    f = f ? f : &fbuf;
    // cppcheck-suppress uninitvar
    l = l ? l : &lbuf;
    memset(f, 0, sizeof *f);
    memset(l, 0, sizeof *l);
    set_field(f, NICFLOW_HAL_F_IN_PORT, port, 4);
    if (len < 14) {
        return;
    }
    len = len > UINT16_MAX ? UINT16_MAX : len;
    set_field(f, NICFLOW_HAL_F_ETH_DST, p, 6);
    set_field(f, NICFLOW_HAL_F_ETH_SRC, p + 6, 6);
    type = get16(p + 12);
    if (type == 0x8100 || type == 0x88a8) {
        tagged = 1;
        set_field(f, NICFLOW_HAL_F_VLAN_TAGGED, &tagged, 1);
        if (len < 18) {
            return; /* The tag is cut short: no VID, PCP or type. */
        }
        uint8_t pcp = p[14] >> 5;
        set_field16(f, NICFLOW_HAL_F_VLAN_VID, get16(p + 14) & 0x0fff);
        set_field(f, NICFLOW_HAL_F_VLAN_PCP, &pcp, 1);
        type = get16(p + 16);
        off = 18;
    }
    set_field(f, NICFLOW_HAL_F_VLAN_TAGGED, &tagged, 1);
    set_field16(f, NICFLOW_HAL_F_ETH_TYPE, type);
    l->eth_type = type;
    if (type == 0x0800) {
        parse_ipv4(p, len, off, f, l);
    } else if (type == 0x86dd) {
        parse_ipv6(p, len, off, f, l);
    }
}

/* ---------------------------------------------------------------------
 * Frames: actions.
 * --------------------------------------------------------------------- */

/* Updates the Internet checksum at CSUM for the N (even) bytes at OLD
 * having become NEW (RFC 1624, eqn. 3); UDP keeps 0 meaning "none". */
static void
csum_update(uint8_t *csum, const uint8_t *old, const uint8_t *new, size_t n,
            bool udp)
{
    uint32_t sum = (uint16_t) ~get16(csum);

    if (udp && !get16(csum)) {
        return;
    }
    for (size_t i = 0; i + 1 < n; i += 2) {
        if (get16(old + i) != get16(new + i)) {
            sum += (uint16_t) ~get16(old + i);
            sum += get16(new + i);
        }
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum = (uint16_t) ~sum;
    put16(csum, udp && !sum ? 0xffff : sum);
}

/* Writes VALUE under MASK (N bytes) to DST. */
static void
write_masked(uint8_t *dst, const uint8_t *value, const uint8_t *mask, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dst[i] = (dst[i] & ~mask[i]) | (value[i] & mask[i]);
    }
}

/* The L4 checksum of the frame parsed into L, or NULL if it has none the
 * model keeps up to date (TCP and UDP only); *UDP says which. */
static uint8_t *
l4_csum(uint8_t *frame, const struct halsim_layout *l, bool *udp)
{
    *udp = l->ip_proto == 17;
    if (l->l4 && l->ip_proto == 6 && l->l4_len >= 18) {
        return frame + l->l4 + 16;
    }
    return l->l4 && *udp && l->l4_len >= 8 ? frame + l->l4 + 6 : NULL;
}

void
halsim_set_field(uint8_t *frame, size_t len,
                 const struct nicflow_hal_action *a)
{
    struct halsim_layout l;
    uint8_t old[20], *ip, *csum;
    size_t off;
    bool udp;

    halsim_parse(frame, len, 0, NULL, &l);
    switch (a->field) {
    case NICFLOW_HAL_F_ETH_DST:
    case NICFLOW_HAL_F_ETH_SRC:
        if (len >= 14) {
            off = a->field == NICFLOW_HAL_F_ETH_DST ? 0 : 6;
            write_masked(frame + off, a->value, a->mask, 6);
        }
        break;
    case NICFLOW_HAL_F_IPV4_SRC:
    case NICFLOW_HAL_F_IPV4_DST:
    case NICFLOW_HAL_F_IP_TOS:
    case NICFLOW_HAL_F_IP_TTL:
        if (!l.ipv4) {
            break; /* set_ipv6 is not modelled. */
        }
        ip = frame + l.l3;
        memcpy(old, ip, 20);
        off = a->field == NICFLOW_HAL_F_IPV4_SRC   ? 12
              : a->field == NICFLOW_HAL_F_IPV4_DST ? 16
              : a->field == NICFLOW_HAL_F_IP_TOS   ? 1
                                                   : 8;
        write_masked(ip + off, a->value, a->mask,
                     halsim_field_bytes(a->field));
        csum_update(ip + 10, old, ip, 20, false);
        /* Addresses are in the TCP/UDP pseudo-header. */
        csum = l4_csum(frame, &l, &udp);
        if (off >= 12 && csum) {
            csum_update(csum, old + 12, ip + 12, 8, udp);
        }
        break;
    case NICFLOW_HAL_F_L4_SRC:
    case NICFLOW_HAL_F_L4_DST:
        csum = l4_csum(frame, &l, &udp);
        if (csum) {
            uint8_t *ports = frame + l.l4;

            memcpy(old, ports, 4);
            off = a->field == NICFLOW_HAL_F_L4_SRC ? 0 : 2;
            write_masked(ports + off, a->value, a->mask, 2);
            csum_update(csum, old, ports, 4, udp);
        }
        break;
    }
}

size_t
halsim_vlan_push(uint8_t *frame, size_t len, size_t room, uint16_t tpid,
                 uint16_t tci)
{
    /* A frame without a whole MAC header, or without room, is left as it
     * is: the hardware would not have received it either. */
    if (len < 12 || len + 4 > room) {
        return len;
    }
    memmove(frame + 16, frame + 12, len - 12);
    put16(frame + 12, tpid);
    put16(frame + 14, tci);
    return len + 4;
}

size_t
halsim_vlan_pop(uint8_t *frame, size_t len)
{
    if (len < 18
        || (get16(frame + 12) != 0x8100 && get16(frame + 12) != 0x88a8)) {
        return len;
    }
    memmove(frame + 12, frame + 16, len - 16);
    return len - 4;
}

size_t
halsim_route_rewrite(uint8_t *frame, size_t len, size_t room,
                     const struct halsim_layout *l,
                     const struct nicflow_hal_nexthop *nh)
{
    uint8_t *ip = frame + l->l3;
    bool tagged;

    /* The TTL (hop limit) first, while the layout's offsets hold; the
     * caller routes only frames whose TTL is above 1. */
    if (l->ipv4) {
        uint8_t old[2] = { ip[8], ip[9] };

        ip[8]--;
        csum_update(ip + 10, old, ip + 8, 2, false);
    } else if (l->ipv6) {
        ip[7]--;
    }
    memcpy(frame, nh->dmac, 6);
    memcpy(frame + 6, nh->smac, 6);
    tagged = len >= 18
             && (get16(frame + 12) == 0x8100 || get16(frame + 12) == 0x88a8);
    if (nh->vid && tagged) {
        /* Replacing the VID keeps the tag's TPID and priority. */
        put16(frame + 14, (get16(frame + 14) & 0xf000) | nh->vid);
    } else if (nh->vid) {
        len = halsim_vlan_push(frame, len, room, 0x8100, nh->vid);
    } else if (tagged) {
        len = halsim_vlan_pop(frame, len);
    }
    return len;
}
