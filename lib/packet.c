/* packet.c: packet buffers (see packet.h). */
#include "packet.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The layer offsets of P, so the helpers below can treat them alike. */
#define PKT_N_OFFSETS 5
static void
pkt_offsets(struct pkt *p, uint16_t *ofs[PKT_N_OFFSETS])
{
    ofs[0] = &p->l2_ofs;
    ofs[1] = &p->l2_5_ofs;
    ofs[2] = &p->l3_ofs;
    ofs[3] = &p->l4_ofs;
    ofs[4] = &p->payload_ofs;
}

/* N bytes were inserted at offset AT: present offsets at or behind AT move
 * by N.  One that no longer fits in 16 bits becomes absent rather than
 * wrapping to a wrong position. */
static void
offsets_insert(struct pkt *p, size_t at, size_t n)
{
    uint16_t *ofs[PKT_N_OFFSETS];

    pkt_offsets(p, ofs);
    for (size_t i = 0; i < PKT_N_OFFSETS; i++) {
        if (*ofs[i] != PKT_OFS_NONE && *ofs[i] >= at) {
            size_t moved = *ofs[i] + n;
            *ofs[i] = moved < PKT_OFS_NONE ? (uint16_t) moved : PKT_OFS_NONE;
        }
    }
}

/* N bytes at offset AT were removed: offsets that named them become
 * absent, offsets behind them move back by N. */
static void
offsets_remove(struct pkt *p, size_t at, size_t n)
{
    uint16_t *ofs[PKT_N_OFFSETS];

    pkt_offsets(p, ofs);
    for (size_t i = 0; i < PKT_N_OFFSETS; i++) {
        if (*ofs[i] == PKT_OFS_NONE || *ofs[i] < at) {
            continue;
        }
        *ofs[i] = *ofs[i] < at + n ? PKT_OFS_NONE : (uint16_t) (*ofs[i] - n);
    }
}

void
pkt_reset_offsets(struct pkt *p)
{
    p->l2_ofs = PKT_OFS_NONE;
    p->l2_5_ofs = PKT_OFS_NONE;
    p->l3_ofs = PKT_OFS_NONE;
    p->l4_ofs = PKT_OFS_NONE;
    p->payload_ofs = PKT_OFS_NONE;
}

/* Allocates a packet whose buffer has exactly HEADROOM + SIZE + TAILROOM
 * bytes, with SIZE bytes of (uninitialised) frame. */
static struct pkt *
pkt_alloc(size_t headroom, size_t size, size_t tailroom)
{
    struct pkt *p = xzalloc(sizeof *p);

    if (size > SIZE_MAX - headroom - tailroom
        || headroom > SIZE_MAX - tailroom) {
        nf_abort("packet buffer size overflow");
    }
    p->allocated = headroom + size + tailroom;
    p->base = xmalloc(p->allocated);
    p->data = p->base + headroom;
    p->size = size;
    pkt_reset_offsets(p);
    return p;
}

struct pkt *
pkt_new(size_t size, size_t headroom)
{
    return pkt_alloc(headroom, 0, size);
}

struct pkt *
pkt_from_data(const void *data, size_t size)
{
    struct pkt *p = pkt_alloc(PKT_DEFAULT_HEADROOM, size, 0);

    if (size) {
        memcpy(p->data, data, size);
    }
    return p;
}

struct pkt *
pkt_clone(const struct pkt *src)
{
    struct pkt *p = pkt_alloc(pkt_headroom(src), src->size, 0);
    uint8_t *base = p->base, *data = p->data;
    size_t allocated = p->allocated;

    /* Copy every member (offsets, metadata), then put back the new
     * buffer's pointers. */
    *p = *src;
    p->base = base;
    p->data = data;
    p->allocated = allocated;
    if (src->size) {
        memcpy(p->data, src->data, src->size);
    }
    return p;
}

void
pkt_delete(struct pkt *p)
{
    if (p) {
        free(p->base);
        free(p);
    }
}

void
pkt_clear(struct pkt *p)
{
    p->size = 0;
    pkt_reset_offsets(p);
}

/* Moves the frame into a new buffer with HEADROOM and TAILROOM. */
static void
pkt_realloc(struct pkt *p, size_t headroom, size_t tailroom)
{
    if (p->size > SIZE_MAX - headroom - tailroom
        || headroom > SIZE_MAX - tailroom) {
        nf_abort("packet buffer size overflow");
    }
    size_t allocated = headroom + p->size + tailroom;
    uint8_t *base = xmalloc(allocated);

    if (p->size) {
        memcpy(base + headroom, p->data, p->size);
    }
    free(p->base);
    p->base = base;
    p->allocated = allocated;
    p->data = base + headroom;
}

void
pkt_prealloc_headroom(struct pkt *p, size_t n)
{
    if (pkt_headroom(p) < n) {
        /* Leave a default headroom's worth beyond the request, so a series
         * of small pushes does not reallocate each time. */
        pkt_realloc(p, n + PKT_DEFAULT_HEADROOM, pkt_tailroom(p));
    }
}

void
pkt_prealloc_tailroom(struct pkt *p, size_t n)
{
    if (pkt_tailroom(p) < n) {
        /* Grow geometrically so repeated puts stay amortised O(1). */
        pkt_realloc(p, pkt_headroom(p), NF_MAX(n, p->size + 64));
    }
}

void *
pkt_push_uninit(struct pkt *p, size_t n)
{
    pkt_prealloc_headroom(p, n);
    p->data -= n;
    p->size += n;
    offsets_insert(p, 0, n);
    return p->data;
}

void *
pkt_push(struct pkt *p, const void *src, size_t n)
{
    void *dst = pkt_push_uninit(p, n);

    if (n) {
        memcpy(dst, src, n);
    }
    return dst;
}

void *
pkt_pull(struct pkt *p, size_t n)
{
    if (n > p->size) {
        return NULL;
    }
    void *old = p->data;
    p->data += n;
    p->size -= n;
    offsets_remove(p, 0, n);
    return old;
}

void *
pkt_put_uninit(struct pkt *p, size_t n)
{
    pkt_prealloc_tailroom(p, n);
    void *dst = p->data + p->size;
    p->size += n;
    return dst;
}

void *
pkt_put_zeros(struct pkt *p, size_t n)
{
    void *dst = pkt_put_uninit(p, n);

    if (n) {
        memset(dst, 0, n);
    }
    return dst;
}

void *
pkt_put(struct pkt *p, const void *src, size_t n)
{
    void *dst = pkt_put_uninit(p, n);

    if (n) {
        memcpy(dst, src, n);
    }
    return dst;
}

void
pkt_truncate(struct pkt *p, size_t size)
{
    uint16_t *ofs[PKT_N_OFFSETS];

    if (size >= p->size) {
        return;
    }
    p->size = size;
    pkt_offsets(p, ofs);
    for (size_t i = 0; i < PKT_N_OFFSETS; i++) {
        if (*ofs[i] != PKT_OFS_NONE && *ofs[i] > size) {
            *ofs[i] = PKT_OFS_NONE;
        }
    }
}

static void *
pkt_at(const struct pkt *p, uint16_t ofs)
{
    return ofs != PKT_OFS_NONE && ofs <= p->size ? p->data + ofs : NULL;
}

static size_t
pkt_size_from(const struct pkt *p, uint16_t ofs)
{
    return ofs != PKT_OFS_NONE && ofs <= p->size ? p->size - ofs : 0;
}

void *
pkt_l2(const struct pkt *p)
{
    return pkt_at(p, p->l2_ofs);
}

void *
pkt_l2_5(const struct pkt *p)
{
    return pkt_at(p, p->l2_5_ofs);
}

void *
pkt_l3(const struct pkt *p)
{
    return pkt_at(p, p->l3_ofs);
}

void *
pkt_l4(const struct pkt *p)
{
    return pkt_at(p, p->l4_ofs);
}

void *
pkt_payload(const struct pkt *p)
{
    return pkt_at(p, p->payload_ofs);
}

size_t
pkt_l3_size(const struct pkt *p)
{
    return pkt_size_from(p, p->l3_ofs);
}

size_t
pkt_l4_size(const struct pkt *p)
{
    return pkt_size_from(p, p->l4_ofs);
}

size_t
pkt_payload_size(const struct pkt *p)
{
    return pkt_size_from(p, p->payload_ofs);
}

/* Where a tag goes: right after the destination and source MACs. */
#define VLAN_TAG_OFS (2 * ETH_ADDR_LEN)

/* True if P's frame has an outer tag: a TPID at the tag position and room
 * for the tag and the type after it.  The same rule as flow_extract()'s,
 * so pop and the extractor always agree on whether a tag is there. */
static bool
has_vlan_tag(const struct pkt *p)
{
    if (p->size < VLAN_TAG_OFS + VLAN_HEADER_LEN + 2) {
        return false;
    }
    const uint8_t *type = p->data + VLAN_TAG_OFS;
    uint16_t t = (uint16_t) (type[0] << 8 | type[1]);
    return t == ETH_TYPE_VLAN_8021Q || t == ETH_TYPE_VLAN_8021AD;
}

int
pkt_push_vlan(struct pkt *p, uint16_t tpid, uint16_t tci)
{
    if (p->size < ETH_HEADER_LEN) {
        return EINVAL;
    }

    /* Grow into the headroom and slide the MACs forward, so only 12 bytes
     * move instead of the whole frame. */
    pkt_prealloc_headroom(p, VLAN_HEADER_LEN);
    p->data -= VLAN_HEADER_LEN;
    p->size += VLAN_HEADER_LEN;
    memmove(p->data, p->data + VLAN_HEADER_LEN, VLAN_TAG_OFS);
    struct pkt_vlan_hdr tag = { .tpid = tpid, .tci = tci };
    memcpy(p->data + VLAN_TAG_OFS, &tag, sizeof tag);

    offsets_insert(p, VLAN_TAG_OFS, VLAN_HEADER_LEN);
    /* An l2_5 offset that named an MPLS label still does (moved); one that
     * named the old outer tag, or nothing, now names the new tag. */
    if (p->l2_5_ofs == PKT_OFS_NONE
        || p->l2_5_ofs == VLAN_TAG_OFS + VLAN_HEADER_LEN) {
        p->l2_5_ofs = VLAN_TAG_OFS;
    }
    return 0;
}

int
pkt_pop_vlan(struct pkt *p)
{
    if (!has_vlan_tag(p)) {
        return ENOENT;
    }

    memmove(p->data + VLAN_HEADER_LEN, p->data, VLAN_TAG_OFS);
    p->data += VLAN_HEADER_LEN;
    p->size -= VLAN_HEADER_LEN;

    offsets_remove(p, VLAN_TAG_OFS, VLAN_HEADER_LEN);
    if (p->l2_5_ofs == PKT_OFS_NONE && has_vlan_tag(p)) {
        p->l2_5_ofs = VLAN_TAG_OFS;
    }
    return 0;
}

uint32_t
pkt_csum_add(uint32_t sum, const void *p_, size_t n)
{
    const uint8_t *p = p_;
    uint64_t acc = sum;

    /* Sum big-endian 16-bit words; a 64-bit accumulator cannot overflow
     * for any frame size, and folding keeps the result in 32 bits. */
    for (; n >= 2; p += 2, n -= 2) {
        acc += (uint32_t) (p[0] << 8 | p[1]);
    }
    if (n) {
        acc += (uint32_t) p[0] << 8;
    }
    while (acc >> 32) {
        acc = (acc & 0xffffffffu) + (acc >> 32);
    }
    return (uint32_t) acc;
}

uint16_t
pkt_csum_finish(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return PKT_HTONS((uint16_t) ~sum);
}

uint32_t
pkt_csum_pseudo_ipv4(uint32_t src, uint32_t dst, uint8_t proto, size_t l4_len)
{
    uint32_t sum = pkt_csum_add(0, &src, 4);
    sum = pkt_csum_add(sum, &dst, 4);
    uint8_t tail[4] = { 0, proto, (uint8_t) (l4_len >> 8), (uint8_t) l4_len };
    return pkt_csum_add(sum, tail, sizeof tail);
}

uint32_t
pkt_csum_pseudo_ipv6(const struct in6_addr *src, const struct in6_addr *dst,
                     uint8_t proto, size_t l4_len)
{
    uint32_t sum = pkt_csum_add(0, src, sizeof *src);
    sum = pkt_csum_add(sum, dst, sizeof *dst);
    uint8_t tail[8] = { (uint8_t) (l4_len >> 24),
                        (uint8_t) (l4_len >> 16),
                        (uint8_t) (l4_len >> 8),
                        (uint8_t) l4_len,
                        0,
                        0,
                        0,
                        proto };
    return pkt_csum_add(sum, tail, sizeof tail);
}
