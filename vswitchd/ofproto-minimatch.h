/* ofproto-minimatch.h: an OpenFlow match kept compactly, for rules.
 *
 * struct of_match is close to 2 kB: the values and masks of every header
 * field (two struct flow), of every pipeline field (two struct of_meta)
 * and of the tunnel metadata.  A flow table of 100,000 rules that each
 * held one spent most of its memory, and most of the time of loading it,
 * on those bytes, nearly all zero.  A minimatch keeps only the 64-bit
 * words of the value or the mask that are not zero, with a bitmap saying
 * which they are, and the tunnel metadata only when the match has some.
 * It expands back to exactly the match it was made from.
 *
 * Words are numbered as in struct ofproto_key: those of struct flow
 * first, then those of struct of_meta.  The storage of the words is the
 * caller's (a rule keeps them at its end, one allocation for both). */
#ifndef NICFLOW_VSWITCHD_OFPROTO_MINIMATCH_H
#define NICFLOW_VSWITCHD_OFPROTO_MINIMATCH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofctl/match.h"

struct ofproto_key;

/* How many 64-bit words a key (struct flow, then struct of_meta) has. */
#define OFPROTO_MM_FLOW_U64S (sizeof(struct flow) / sizeof(uint64_t))
#define OFPROTO_MM_U64S \
    (OFPROTO_MM_FLOW_U64S + sizeof(struct of_meta) / sizeof(uint64_t))
#define OFPROTO_MM_MAPS ((OFPROTO_MM_U64S + 63) / 64)

struct ofproto_minimatch {
    /* Bit I set: word I of the value or of the mask is not zero, and both
     * are stored. */
    uint64_t map[OFPROTO_MM_MAPS];
    uint32_t n;               /* Words stored: the bits set in MAP. */
    struct of_tun_md *tun_md; /* Owned; NULL: no tunnel metadata. */
    uint64_t *words;          /* N values, then N masks (not owned). */
};

/* The number of uint64_t of storage ofproto_minimatch_init() needs for
 * M. */
size_t ofproto_minimatch_storage(const struct of_match *m);

/* Makes MM hold M, in STORAGE (at least ofproto_minimatch_storage(M)
 * words, which the caller keeps as long as MM).  Allocates only when M
 * has tunnel metadata. */
void ofproto_minimatch_init(struct ofproto_minimatch *mm,
                            const struct of_match *m, uint64_t *storage);

/* Frees what MM owns (its tunnel metadata), not its storage. */
void ofproto_minimatch_destroy(struct ofproto_minimatch *mm);

/* Writes into *M the match MM was made from. */
void ofproto_minimatch_expand(const struct ofproto_minimatch *mm,
                              struct of_match *m);

/* Writes the values and masks of MM's header and pipeline fields into
 * *KEY and *MASK (their layouts are struct ofproto_key's), leaving out
 * the tunnel metadata, which has to be mapped (ofproto-tlv.h). */
void ofproto_minimatch_to_key(const struct ofproto_minimatch *mm,
                              struct ofproto_key *key,
                              struct ofproto_key *mask);

/* True if MM matches every packet: no field is masked. */
bool ofproto_minimatch_is_catchall(const struct ofproto_minimatch *mm);

/* True if MM stores a word (of its values or masks) that lies, in whole
 * or in part, in bytes [OFS, OFS + LEN) of a struct ofproto_key. */
bool ofproto_minimatch_touches(const struct ofproto_minimatch *mm, size_t ofs,
                               size_t len);

/* True if MM's tunnel metadata is MD. */
bool ofproto_minimatch_same_tun_md(const struct ofproto_minimatch *mm,
                                   const struct of_tun_md *md);

/* The tunnel metadata fields MM matches on (struct of_tun_md's
 * 'present'). */
static inline uint64_t
ofproto_minimatch_tun_md_fields(const struct ofproto_minimatch *mm)
{
    return mm->tun_md ? mm->tun_md->present : 0;
}

/* True if MM and the match M are the same match. */
bool ofproto_minimatch_equals(const struct ofproto_minimatch *mm,
                              const struct of_match *m);

#endif /* ofproto-minimatch.h */
