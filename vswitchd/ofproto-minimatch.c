/* ofproto-minimatch.c: an OpenFlow match kept compactly (see the
 * header). */
#include "vswitchd/ofproto-minimatch.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "vswitchd/ofproto.h"

_Static_assert(sizeof(struct flow) % sizeof(uint64_t) == 0,
               "struct flow must be a whole number of 64-bit words");
_Static_assert(sizeof(struct of_meta) % sizeof(uint64_t) == 0,
               "struct of_meta must be a whole number of 64-bit words");
_Static_assert(sizeof(struct ofproto_key) == OFPROTO_MM_U64S * 8,
               "struct ofproto_key must be struct flow then struct of_meta");

/* The value and mask words of M, numbered as the header says.  Copies
 * through memcpy: the structures are read as words without aliasing
 * them. */
static inline uint64_t
word_of(const void *base, size_t i)
{
    uint64_t w;

    memcpy(&w, (const uint8_t *) base + i * 8, 8);
    return w;
}

static inline uint64_t
value_word(const struct of_match *m, size_t i)
{
    return i < OFPROTO_MM_FLOW_U64S
               ? word_of(&m->flow, i)
               : word_of(&m->meta, i - OFPROTO_MM_FLOW_U64S);
}

static inline uint64_t
mask_word(const struct of_match *m, size_t i)
{
    return i < OFPROTO_MM_FLOW_U64S
               ? word_of(&m->mask, i)
               : word_of(&m->meta_mask, i - OFPROTO_MM_FLOW_U64S);
}

/* A match without tunnel metadata has all of it zero (its 'present' bits
 * say which fields there are; the rest is zero without them). */
static bool
tun_md_is_zero(const struct of_tun_md *md)
{
    static const struct of_tun_md zero;

    return !memcmp(md, &zero, sizeof *md);
}

size_t
ofproto_minimatch_storage(const struct of_match *m)
{
    size_t n = 0;

    for (size_t i = 0; i < OFPROTO_MM_U64S; i++) {
        n += (value_word(m, i) | mask_word(m, i)) != 0;
    }
    return 2 * n;
}

void
ofproto_minimatch_destroy(struct ofproto_minimatch *mm)
{
    free(mm->tun_md);
    mm->tun_md = NULL;
}

/* Runs BODY for each stored word of MM, with I its number (as in struct
 * ofproto_key) and J its place among the stored words. */
#define MM_FOR_EACH_WORD(MM, I, J, BODY)                               \
    do {                                                               \
        size_t J = 0;                                                  \
        for (size_t m_ = 0; m_ < OFPROTO_MM_MAPS; m_++) {              \
            for (uint64_t b_ = (MM)->map[m_]; b_; b_ &= b_ - 1, J++) { \
                size_t I = m_ * 64 + (size_t) __builtin_ctzll(b_);     \
                BODY;                                                  \
            }                                                          \
        }                                                              \
    } while (0)

static inline void
put_word(void *base, size_t i, uint64_t w)
{
    memcpy((uint8_t *) base + i * 8, &w, 8);
}

void
ofproto_minimatch_init(struct ofproto_minimatch *mm, const struct of_match *m,
                       uint64_t *storage)
{
    size_t n = 0;

    memset(mm->map, 0, sizeof mm->map);
    for (size_t i = 0; i < OFPROTO_MM_U64S; i++) {
        if (value_word(m, i) | mask_word(m, i)) {
            mm->map[i / 64] |= UINT64_C(1) << (i % 64);
            n++;
        }
    }
    mm->n = (uint32_t) n;
    mm->words = storage;
    MM_FOR_EACH_WORD(mm, i, j, {
        storage[j] = value_word(m, i);
        storage[n + j] = mask_word(m, i);
    });
    mm->tun_md = tun_md_is_zero(&m->tun_md)
                     ? NULL
                     : xmemdup(&m->tun_md, sizeof m->tun_md);
}

void
ofproto_minimatch_to_key(const struct ofproto_minimatch *mm,
                         struct ofproto_key *key, struct ofproto_key *mask)
{
    memset(key, 0, sizeof *key);
    memset(mask, 0, sizeof *mask);
    MM_FOR_EACH_WORD(mm, i, j, {
        put_word(key, i, mm->words[j]);
        put_word(mask, i, mm->words[mm->n + j]);
    });
}

void
ofproto_minimatch_expand(const struct ofproto_minimatch *mm,
                         struct of_match *m)
{
    struct ofproto_key key, mask;

    ofproto_minimatch_to_key(mm, &key, &mask);
    m->flow = key.flow;
    m->meta = key.meta;
    m->mask = mask.flow;
    m->meta_mask = mask.meta;
    if (mm->tun_md) {
        m->tun_md = *mm->tun_md;
    } else {
        memset(&m->tun_md, 0, sizeof m->tun_md);
    }
}

bool
ofproto_minimatch_touches(const struct ofproto_minimatch *mm, size_t ofs,
                          size_t len)
{
    size_t first = ofs / 8, end = (ofs + len + 7) / 8;

    if (!len) {
        return false;
    }
    MM_FOR_EACH_WORD(mm, i, j, {
        (void) j;
        if (i >= first && i < end) {
            return true;
        }
    });
    return false;
}

bool
ofproto_minimatch_is_catchall(const struct ofproto_minimatch *mm)
{
    for (size_t j = 0; j < mm->n; j++) {
        if (mm->words[mm->n + j]) {
            return false;
        }
    }
    return !mm->tun_md || !mm->tun_md->present;
}

bool
ofproto_minimatch_same_tun_md(const struct ofproto_minimatch *mm,
                              const struct of_tun_md *md)
{
    return mm->tun_md ? !memcmp(mm->tun_md, md, sizeof *md)
                      : tun_md_is_zero(md);
}

bool
ofproto_minimatch_equals(const struct ofproto_minimatch *mm,
                         const struct of_match *m)
{
    size_t seen = 0;

    if (!ofproto_minimatch_same_tun_md(mm, &m->tun_md)) {
        return false;
    }
    for (size_t i = 0; i < OFPROTO_MM_U64S; i++) {
        uint64_t v = value_word(m, i), k = mask_word(m, i);
        bool stored = mm->map[i / 64] & (UINT64_C(1) << (i % 64));

        if (!stored) {
            if (v | k) {
                return false;
            }
            continue;
        }
        if (v != mm->words[seen] || k != mm->words[mm->n + seen]) {
            return false;
        }
        seen++;
    }
    return true;
}
