/* json-text.h: JSON text as Open vSwitch writes it.
 *
 * Open vSwitch's programs (ovs-vsctl, ovsdb-client) print JSON with object
 * members sorted by name, compact or, "pretty", one member or element per
 * line indented two spaces per level, and strings escaped only where JSON
 * requires it (quotes, backslashes, control characters: the short forms
 * \b \f \n \r \t where JSON has them, \u00XX for the rest); UTF-8 goes out
 * as it is.  nicflow-vsctl and nicflow-dbclient print byte-identical
 * output, so they share this. */
#ifndef NICFLOW_JSON_TEXT_H
#define NICFLOW_JSON_TEXT_H 1

#include <jansson.h>
#include <stdbool.h>

#include "buf.h"

/* Appends S (NUL-terminated UTF-8) as a JSON string. */
void nf_json_string(const char *s, struct buf *out);

/* Appends J, compact or with PRETTY indentation (no final new line). */
void nf_json_to_buf(const json_t *j, bool pretty, struct buf *out);

#endif /* json-text.h */
