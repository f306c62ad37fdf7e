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
