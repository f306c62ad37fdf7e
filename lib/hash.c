/* hash.c: murmur3-style hashing (see hash.h). */
#include "hash.h"

#include <string.h>
#include <sys/random.h>

uint32_t
hash_bytes(const void *p_, size_t n, uint32_t basis)
{
    const uint8_t *p = p_;
    uint32_t hash = basis;
    size_t i;

    for (i = 0; i + 4 <= n; i += 4) {
        uint32_t w;
        memcpy(&w, p + i, 4);
        hash = hash_add(hash, w);
    }
    if (i < n) {
        uint32_t w = 0;
        memcpy(&w, p + i, n - i);
        hash = hash_add(hash, w);
    }
    return hash_finish(hash, (uint32_t) n);
}

void
hash_bytes4(const void *p_, size_t n, const uint32_t basis[4], uint32_t out[4])
{
    const uint8_t *p = p_;
    uint32_t h0 = basis[0], h1 = basis[1], h2 = basis[2], h3 = basis[3];
    size_t i;

    for (i = 0; i + 4 <= n; i += 4) {
        uint32_t w;
        memcpy(&w, p + i, 4);
        h0 = hash_add(h0, w);
        h1 = hash_add(h1, w);
        h2 = hash_add(h2, w);
        h3 = hash_add(h3, w);
    }
    if (i < n) {
        uint32_t w = 0;
        memcpy(&w, p + i, n - i);
        h0 = hash_add(h0, w);
        h1 = hash_add(h1, w);
        h2 = hash_add(h2, w);
        h3 = hash_add(h3, w);
    }
    out[0] = hash_finish(h0, (uint32_t) n);
    out[1] = hash_finish(h1, (uint32_t) n);
    out[2] = hash_finish(h2, (uint32_t) n);
    out[3] = hash_finish(h3, (uint32_t) n);
}

uint32_t
hash_string(const char *s, uint32_t basis)
{
    return hash_bytes(s, strlen(s), basis);
}

uint32_t
hash_random_basis(void)
{
    static uint32_t basis;
    static int inited;
    if (!inited) {
        if (getrandom(&basis, sizeof basis, GRND_NONBLOCK) != sizeof basis) {
            basis = 0x9e3779b9u;
        }
        inited = 1;
    }
    return basis;
}
