/* crc32c.c: CRC-32C (Castagnoli), see crc32c.h. */
#include "crc32c.h"

#include <pthread.h>
#include <string.h>
#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

#define CRC32C_POLY 0x82f63b78u

static uint32_t crc_tables[8][256];
static bool crc_hw;
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void
crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = c & 1 ? (c >> 1) ^ CRC32C_POLY : c >> 1;
        }
        crc_tables[0][i] = c;
    }
    /* Table T[s] advances a byte through s more zero bytes, so eight bytes
     * can be folded in with eight independent lookups. */
    for (int s = 1; s < 8; s++) {
        for (int i = 0; i < 256; i++) {
            uint32_t prev = crc_tables[s - 1][i];
            crc_tables[s][i] = (prev >> 8) ^ crc_tables[0][prev & 0xff];
        }
    }
#if defined(__x86_64__)
    __builtin_cpu_init();
    crc_hw = __builtin_cpu_supports("sse4.2");
#endif
}

uint32_t
crc32c_extend_sw(uint32_t crc, const void *data, size_t n)
{
    const uint8_t *p = data;

    pthread_once(&crc_once, crc_init);
    crc = ~crc;
    for (; n && ((uintptr_t) p & 7); n--) {
        crc = crc_tables[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    }
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        w ^= crc;
        crc =
            crc_tables[7][w & 0xff] ^ crc_tables[6][(w >> 8) & 0xff]
            ^ crc_tables[5][(w >> 16) & 0xff] ^ crc_tables[4][(w >> 24) & 0xff]
            ^ crc_tables[3][(w >> 32) & 0xff] ^ crc_tables[2][(w >> 40) & 0xff]
            ^ crc_tables[1][(w >> 48) & 0xff] ^ crc_tables[0][w >> 56];
    }
#endif
    for (; n; n--) {
        crc = crc_tables[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    }
    return ~crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t
crc32c_hw(uint32_t crc, const uint8_t *p, size_t n)
{
    uint64_t c = (uint32_t) ~crc;

    for (; n && ((uintptr_t) p & 7); n--) {
        c = _mm_crc32_u8((uint32_t) c, *p++);
    }
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c = _mm_crc32_u64(c, w);
    }
    for (; n; n--) {
        c = _mm_crc32_u8((uint32_t) c, *p++);
    }
    return ~(uint32_t) c;
}
#endif

uint32_t
crc32c_extend(uint32_t crc, const void *data, size_t n)
{
    pthread_once(&crc_once, crc_init);
#if defined(__x86_64__)
    if (crc_hw) {
        return crc32c_hw(crc, data, n);
    }
#endif
    return crc32c_extend_sw(crc, data, n);
}

bool
crc32c_is_hw(void)
{
    pthread_once(&crc_once, crc_init);
    return crc_hw;
}
