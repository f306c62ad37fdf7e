/* text.h: helpers shared by the ovs-ofctl syntax parsers of the ofctl
 * library (internal to ofctl/). */
#ifndef NICFLOW_OFCTL_TEXT_H
#define NICFLOW_OFCTL_TEXT_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/buf.h"
#include "ofctl/actions.h"

/* Splits the next "key=value", "key:value", "key(value)" or bare "key"
 * off *POS, a writable string, skipping leading commas and white space.
 * KEY and VALUE are NUL-terminated in place.
 * (VALUE is of_text_no_value, an empty string, for a bare key, so
 * callers can tell "key" from "key=".)  A value ends at a comma or white space outside parentheses; a
 * parenthesised value ends at its closing parenthesis.  If ARROW is
 * nonnull and "->X" follows a parenthesised value (check_pkt_larger), X is
 * split off into *ARROW, else *ARROW is NULL.  Returns false at the end
 * of the string, or if parentheses do not balance (*KEY is then the
 * unbalanced text and *VALUE NULL). */
bool of_text_next_kv(char **pos, char **key, char **value, char **arrow);
extern char of_text_no_value[1];

/* Parses an unsigned decimal or 0x-hex number in [0, MAX]. */
bool of_text_parse_uint(const char *s, uint64_t max, uint64_t *v);

/* Parses "FIELD[]", "FIELD[N]", "FIELD[A..B]" (FIELD: a field name or an
 * NXM/OXM name) at S.  If ALLOW_BARE, a field name without brackets means
 * the whole field.  On success stores the subfield, sets *END after it
 * and returns NULL; else returns an error message. */
char *of_subfield_parse(const char *s, struct of_subfield *, const char **end,
                        bool allow_bare);

/* Parses the whole of S as a subfield. */
char *of_subfield_parse_all(const char *s, struct of_subfield *,
                            bool allow_bare);

/* Appends "NAME[...]" with the field's NXM (or OXM) name. */
void of_subfield_format(const struct of_subfield *, struct buf *);

/* Appends the N-byte big-endian V as minimal hex ("0" when zero). */
void of_text_put_hex(struct buf *, const uint8_t *v, size_t n);

/* Bit helpers on big-endian byte strings of N bytes: bit 0 is the least
 * significant bit of the last byte. */
bool of_bit_get(const uint8_t *v, size_t n, unsigned bit);
void of_bit_set(uint8_t *v, size_t n, unsigned bit, bool on);

#endif /* NICFLOW_OFCTL_TEXT_H */
