/* crc32c.h: CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), as
 * SCTP (RFC 9260 appendix A), iSCSI (RFC 3720) and the OVSDB storage log
 * use it.
 *
 * crc32c_extend(0, "123456789", 9) = 0xe3069283.  The value passed in and
 * returned is the final (complemented) CRC, so a CRC can be computed in
 * pieces: crc32c_extend(crc32c_extend(0, a, n), b, m) equals the CRC of
 * a followed by b.  Uses the SSE4.2 crc32 instruction when the CPU has it
 * (checked once, at first use), else slicing-by-8 tables.  Thread-safe. */
#ifndef NICFLOW_CRC32C_H
#define NICFLOW_CRC32C_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Continues CRC (0 to start) over N bytes at DATA. */
uint32_t crc32c_extend(uint32_t crc, const void *data, size_t n);

/* The same, always with the tables (tests compare the two). */
uint32_t crc32c_extend_sw(uint32_t crc, const void *data, size_t n);

/* Whether crc32c_extend() uses the CPU instruction. */
bool crc32c_is_hw(void);

#endif
