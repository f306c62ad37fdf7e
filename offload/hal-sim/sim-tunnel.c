/* sim-tunnel.c: the simulated eswitch's tunnels on the wire
 * (sim-pipeline.h, README.md): matching a frame against the decap
 * entries and finding its inner frame, and building the outer headers of
 * an encapsulation (VXLAN, Geneve, GRE over IPv4 or IPv6).  The tables
 * themselves are in sim-tables.c. */
#include <string.h>

#include "offload/hal-sim/sim-model.h"

static uint16_t
get16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

static uint32_t
get24(const uint8_t *p)
{
    return (uint32_t) p[0] << 16 | p[1] << 8 | p[2];
}

static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static void
put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

/* ---------------------------------------------------------------------
 * Decapsulation.
 * --------------------------------------------------------------------- */

/* The outer IP header of a frame, as decap entries see it. */
struct outer {
    uint8_t family;
    const uint8_t *src, *dst; /* 4 or 16 bytes. */
    size_t pay_off, pay_len;  /* The IP payload, within the datagram. */
};

/* Finds the IP payload of the frame parsed into L; false if it has none
 * a tunnel could be in (not IP, a fragment, cut short). */
static bool
outer_ip(const uint8_t *frame, size_t len, const struct halsim_fields *f,
         const struct halsim_layout *l, struct outer *o)
{
    const uint8_t *ip = frame + l->l3;
    size_t avail = len - l->l3;

    if ((!l->ipv4 && !l->ipv6) || f->value[NICFLOW_HAL_F_IP_FRAG][0]
        || !(f->present & HALSIM_BIT(NICFLOW_HAL_F_IP_FRAG))) {
        return false;
    }
    if (l->ipv4) {
        size_t ihl = (ip[0] & 0xf) * 4, tot = get16(ip + 2);

        if (ihl > avail || tot < ihl) {
            return false;
        }
        *o = (struct outer){ 4, ip + 12, ip + 16, l->l3 + ihl,
                             (tot < avail ? tot : avail) - ihl };
    } else {
        size_t plen = get16(ip + 4);

        avail -= 40;
        *o = (struct outer){ 6, ip + 8, ip + 24, l->l3 + 40,
                             plen && plen < avail ? plen : avail };
    }
    return true;
}

/* The length of the tunnel header of type TYPE at P (AVAIL bytes of IP
 * payload of protocol PROTO) and its VNI or key in *VNI (its UDP
 * destination port in *DPORT); 0 if P holds no such tunnel header. */
static size_t
tunnel_header(uint32_t type, uint8_t proto, const uint8_t *p, size_t avail,
              uint32_t *vni, uint16_t *dport)
{
    const uint8_t *t = p + 8;
    uint16_t flags;
    size_t hl;

    switch (type) {
    case NICFLOW_HAL_TUN_VXLAN:
        /* The I flag says the VNI is valid. */
        if (proto != 17 || avail < 16 || !(t[0] & 0x08)) {
            return 0;
        }
        *dport = get16(p + 2);
        *vni = get24(t + 4);
        return 16;
    case NICFLOW_HAL_TUN_GENEVE:
        /* Version 0 without options, carrying Ethernet: options are not
         * modelled, so a header with any does not match. */
        if (proto != 17 || avail < 16 || t[0] != 0 || get16(t + 2) != 0x6558) {
            return 0;
        }
        *dport = get16(p + 2);
        *vni = get24(t + 4);
        return 16;
    case NICFLOW_HAL_TUN_GRE:
        if (proto != 47 || avail < 8) {
            return 0;
        }
        flags = get16(p);
        /* Version 0, no routing, a key, transparent Ethernet; a checksum
         * and a sequence number may come before and after the key. */
        if ((flags & 0x4007) || !(flags & 0x2000) || get16(p + 2) != 0x6558) {
            return 0;
        }
        hl = flags & 0x8000 ? 8 : 4;
        if (avail < hl + 4) {
            return 0;
        }
        *vni = (uint32_t) get16(p + hl) << 16 | get16(p + hl + 2);
        *dport = 0;
        hl += 4 + (flags & 0x1000 ? 4 : 0);
        return avail >= hl ? hl : 0;
    }
    return 0;
}

bool
halsim_decap_match(const struct halsim *sim, const uint8_t *frame, size_t len,
                   const struct halsim_fields *f,
                   const struct halsim_layout *l, size_t *inner_off,
                   size_t *inner_len, uint32_t *tunnel_port)
{
    size_t alen;
    struct outer o;

    if (!sim->n_decaps || !outer_ip(frame, len, f, l, &o)) {
        return false;
    }
    alen = o.family == 4 ? 4 : 16;
    for (size_t i = 0; i < sim->n_decaps; i++) {
        const struct nicflow_hal_tunnel_decap *d = &sim->decaps[i];
        uint32_t vni = 0;
        uint16_t dport = 0;
        size_t hl;

        if (d->family != o.family || memcmp(d->dst, o.dst, alen)
            || (!halsim_is_zero(d->src, 16) && memcmp(d->src, o.src, alen))) {
            continue;
        }
        hl = tunnel_header(d->type, l->ip_proto, frame + o.pay_off, o.pay_len,
                           &vni, &dport);
        if (!hl || vni != d->vni
            || (d->type != NICFLOW_HAL_TUN_GRE && dport != d->dst_port)
            || o.pay_len - hl < 14) {
            continue; /* An inner frame needs a whole Ethernet header. */
        }
        *inner_off = o.pay_off + hl;
        *inner_len = o.pay_len - hl;
        *tunnel_port = d->tunnel_port;
        return true;
    }
    return false;
}

/* ---------------------------------------------------------------------
 * Encapsulation.
 * --------------------------------------------------------------------- */

/* The one's complement sum of N bytes at P, added to SUM, unfolded. */
static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i < n; i += 2) {
        sum += p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
    }
    return sum;
}

static uint16_t
fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum;
}

/* The UDP source port of an encapsulation: 49152 plus a hash (FNV-1a) of
 * the inner frame's first 34 bytes (its Ethernet and IPv4 addresses,
 * roughly) modulo 16384, so that a flow keeps one port, as chips do for
 * ECMP entropy. */
static uint16_t
source_port(const uint8_t *frame, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len && i < 34; i++) {
        h = (h ^ frame[i]) * 16777619u;
    }
    return 49152 + h % 16384;
}

size_t
halsim_encap(uint8_t *frame, size_t len, size_t room,
             const struct nicflow_hal_tunnel_encap *e)
{
    bool gre = e->type == NICFLOW_HAL_TUN_GRE, v4 = e->family == 4;
    size_t eth = e->vid ? 18 : 14, iph = v4 ? 20 : 40, tun = gre ? 8 : 16;
    size_t hlen = eth + iph + tun, ip_len = iph + tun + len;
    uint16_t sport = source_port(frame, len);
    uint8_t *ip, *t;

    /* The outer lengths must fit their 16-bit fields. */
    if (len + hlen > room || ip_len > 0xffff) {
        return 0;
    }
    memmove(frame + hlen, frame, len);
    memset(frame, 0, hlen);
    memcpy(frame, e->dmac, 6);
    memcpy(frame + 6, e->smac, 6);
    if (e->vid) {
        put16(frame + 12, 0x8100);
        put16(frame + 14, e->vid);
    }
    put16(frame + eth - 2, v4 ? 0x0800 : 0x86dd);
    ip = frame + eth;
    if (v4) {
        ip[0] = 0x45;
        ip[1] = e->tos;
        put16(ip + 2, ip_len);
        put16(ip + 6, 0x4000); /* DF: tunnels are not fragmented. */
        ip[8] = e->ttl;
        ip[9] = gre ? 47 : 17;
        memcpy(ip + 12, e->src, 4);
        memcpy(ip + 16, e->dst, 4);
        put16(ip + 10, fold(sum16(ip, 20, 0)));
    } else {
        ip[0] = 0x60 | e->tos >> 4;
        ip[1] = (e->tos & 0xf) << 4;
        put16(ip + 4, tun + len);
        ip[6] = gre ? 47 : 17;
        ip[7] = e->ttl;
        memcpy(ip + 8, e->src, 16);
        memcpy(ip + 24, e->dst, 16);
    }
    t = ip + iph;
    if (gre) {
        put16(t, 0x2000); /* Key present, version 0. */
        put16(t + 2, 0x6558);
        put32(t + 4, e->vni);
        return hlen + len;
    }
    put16(t, sport);
    put16(t + 2, e->dst_port);
    put16(t + 4, tun + len);
    if (e->type == NICFLOW_HAL_TUN_VXLAN) {
        t[8] = 0x08; /* I: the VNI is valid. */
    } else {
        put16(t + 10, 0x6558); /* Geneve: version 0, no options. */
    }
    put32(t + 12, e->vni << 8);
    if (!v4) {
        /* IPv6 forbids a UDP checksum of 0 (RFC 8200): compute it over
         * the pseudo-header (addresses, length, next header) and the
         * whole datagram; a result of 0 is sent as 0xffff. */
        uint8_t pseudo[8] = { 0, 0, (tun + len) >> 8, tun + len, 0, 0, 0, 17 };
        uint32_t sum = sum16(ip + 8, 32, 0);
        uint16_t c;

        sum = sum16(pseudo, 8, sum);
        sum = sum16(t, tun + len, sum);
        c = fold(sum);
        put16(t + 6, c ? c : 0xffff);
    }
    return hlen + len;
}
