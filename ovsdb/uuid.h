/* uuid.h: the 128-bit row identifiers of OVSDB (RFC 4122 UUIDs).
 *
 * A UUID is kept as four 32-bit words in the order they are written, so
 * comparing words in order sorts UUIDs the same way as their text, and
 * hashing and comparison are word operations instead of byte loops. */
#ifndef NICFLOW_OVSDB_UUID_H
#define NICFLOW_OVSDB_UUID_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/hash.h"

struct ovsdb_uuid {
    uint32_t parts[4];
};

/* Length of the text form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
#define OVSDB_UUID_LEN 36

/* Sets *UUID to a fresh random (version 4) UUID.  Randomness comes from
 * getrandom(), fetched in batches so that generating a UUID is cheap.
 * Thread-safe: each thread draws from its own batch. */
void ovsdb_uuid_generate(struct ovsdb_uuid *);

/* Parses exactly OVSDB_UUID_LEN characters of S (which must then end) as a
 * UUID, upper- or lower-case hex.  Returns true on success; on failure
 * *UUID is zeroed. */
bool ovsdb_uuid_from_string(struct ovsdb_uuid *, const char *s);

/* Writes the lower-case text form of UUID and a NUL into BUF, which must
 * hold OVSDB_UUID_LEN + 1 bytes, and returns BUF. */
char *ovsdb_uuid_format(const struct ovsdb_uuid *, char *buf);

static inline void
ovsdb_uuid_zero(struct ovsdb_uuid *uuid)
{
    uuid->parts[0] = uuid->parts[1] = uuid->parts[2] = uuid->parts[3] = 0;
}

static inline bool
ovsdb_uuid_is_zero(const struct ovsdb_uuid *uuid)
{
    return !(uuid->parts[0] | uuid->parts[1] | uuid->parts[2]
             | uuid->parts[3]);
}

static inline bool
ovsdb_uuid_equals(const struct ovsdb_uuid *a, const struct ovsdb_uuid *b)
{
    return (a->parts[0] == b->parts[0] && a->parts[1] == b->parts[1]
            && a->parts[2] == b->parts[2] && a->parts[3] == b->parts[3]);
}

/* Returns a value less than, equal to or greater than 0 as A sorts before,
 * equal to or after B (the same order as their text forms). */
static inline int
ovsdb_uuid_compare(const struct ovsdb_uuid *a, const struct ovsdb_uuid *b)
{
    for (int i = 0; i < 4; i++) {
        if (a->parts[i] != b->parts[i]) {
            return a->parts[i] < b->parts[i] ? -1 : 1;
        }
    }
    return 0;
}

/* Hashes all 128 bits: UUIDs read from a database file or given by a client
 * are not necessarily random, so no single word can stand for the whole. */
static inline uint32_t
ovsdb_uuid_hash(const struct ovsdb_uuid *uuid)
{
    uint32_t h = hash_add(0, uuid->parts[0]);
    h = hash_add(h, uuid->parts[1]);
    h = hash_add(h, uuid->parts[2]);
    h = hash_add(h, uuid->parts[3]);
    return hash_finish(h, 16);
}

#endif /* NICFLOW_OVSDB_UUID_H */
