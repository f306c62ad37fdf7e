/* hash.h: fast non-cryptographic hashing for hash tables.
 *
 * Not suitable against adversarial keys where collisions matter for
 * security; callers that hash untrusted input use a per-process random
 * basis (hash_random_basis()). */
#ifndef NICFLOW_HASH_H
#define NICFLOW_HASH_H 1

#include <stddef.h>
#include <stdint.h>

/* Hashes N bytes at P with starting value BASIS. */
uint32_t hash_bytes(const void *p, size_t n, uint32_t basis);

/* Four hashes of the N bytes at P in one pass over them: OUT[i] is
 * hash_bytes(P, N, BASIS[i]).  For ids wider than one hash (a datapath
 * flow's 128-bit ufid), where the bytes are read once instead of four
 * times. */
void hash_bytes4(const void *p, size_t n, const uint32_t basis[4],
                 uint32_t out[4]);

/* Hashes a NUL-terminated string. */
uint32_t hash_string(const char *s, uint32_t basis);

/* Mixes one 32/64-bit word into HASH; finish with hash_finish(). */
static inline uint32_t
hash_add(uint32_t hash, uint32_t word)
{
    word *= 0xcc9e2d51u;
    word = (word << 15) | (word >> 17);
    word *= 0x1b873593u;
    hash ^= word;
    hash = (hash << 13) | (hash >> 19);
    return hash * 5 + 0xe6546b64u;
}

static inline uint32_t
hash_add64(uint32_t hash, uint64_t word)
{
    return hash_add(hash_add(hash, (uint32_t) word), (uint32_t) (word >> 32));
}

static inline uint32_t
hash_finish(uint32_t hash, uint32_t final)
{
    hash ^= final;
    hash ^= hash >> 16;
    hash *= 0x85ebca6bu;
    hash ^= hash >> 13;
    hash *= 0xc2b2ae35u;
    hash ^= hash >> 16;
    return hash;
}

static inline uint32_t
hash_int(uint32_t x, uint32_t basis)
{
    return hash_finish(hash_add(basis, x), 4);
}

/* A random value chosen once per process. */
uint32_t hash_random_basis(void);

#endif
