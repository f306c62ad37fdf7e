/* datum.h: OVSDB values (RFC 7047 section 5.1).
 *
 * An atom is one integer, real, boolean, string or UUID.  A datum is the
 * value of one column in one row: a set of atoms, or a map from key atoms
 * to value atoms, kept sorted by key with no duplicate keys, so that
 * equality, lookup and set operations are merges and binary searches.
 *
 * Strings are reference-counted and immutable (struct ovsdb_str), so copying
 * a row for a transaction copies pointers, not text.
 *
 * Every function takes the type the datum was built for; a datum does not
 * record its own type.  Ownership: a datum owns its arrays and one reference
 * to each string in them. */
#ifndef NICFLOW_OVSDB_DATUM_H
#define NICFLOW_OVSDB_DATUM_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/hmap.h"
#include "ovsdb/error.h"
#include "ovsdb/types.h"
#include "ovsdb/uuid.h"

struct buf;

/* Strings. */

struct ovsdb_str {
    unsigned int refcnt; /* OVSDB_STR_STATIC: never freed. */
    unsigned int len;    /* Bytes, excluding the NUL. */
    char s[];            /* NUL-terminated UTF-8. */
};

#define OVSDB_STR_STATIC UINT_MAX

/* Returns a new string holding the LEN bytes at S (reference count 1). */
struct ovsdb_str *ovsdb_str_create(const char *s, size_t len);

/* The empty string, shared (never freed). */
struct ovsdb_str *ovsdb_str_empty(void);

static inline struct ovsdb_str *
ovsdb_str_ref(struct ovsdb_str *str)
{
    if (str->refcnt != OVSDB_STR_STATIC) {
        str->refcnt++;
    }
    return str;
}

void ovsdb_str_unref(struct ovsdb_str *);

/* Atoms. */

union ovsdb_atom {
    int64_t integer;
    double real;
    bool boolean;
    struct ovsdb_str *string; /* Owns one reference. */
    struct ovsdb_uuid uuid;
};

/* Initializes ATOM as the default of TYPE: 0, 0.0, false, "" or the
 * all-zeros UUID (RFC 7047 section 5.2.1). */
void ovsdb_atom_init_default(union ovsdb_atom *atom,
                             enum ovsdb_atomic_type type);
bool ovsdb_atom_is_default(const union ovsdb_atom *atom,
                           enum ovsdb_atomic_type type);

void ovsdb_atom_destroy(union ovsdb_atom *atom, enum ovsdb_atomic_type type);
void ovsdb_atom_clone(union ovsdb_atom *dst, const union ovsdb_atom *src,
                      enum ovsdb_atomic_type type);

/* Total order within a type (false < true; strings bytewise; UUIDs as their
 * text). */
int ovsdb_atom_compare_3way(const union ovsdb_atom *a,
                            const union ovsdb_atom *b,
                            enum ovsdb_atomic_type type);
static inline bool
ovsdb_atom_equals(const union ovsdb_atom *a, const union ovsdb_atom *b,
                  enum ovsdb_atomic_type type)
{
    return !ovsdb_atom_compare_3way(a, b, type);
}
uint32_t ovsdb_atom_hash(const union ovsdb_atom *atom,
                         enum ovsdb_atomic_type type, uint32_t basis);

/* Checks ATOM against BASE's immediate constraints (enum, range, length;
 * not references).  Returns 0, or EINVAL with a "constraint violation" in
 * *ERRP. */
int ovsdb_atom_check_constraints(const union ovsdb_atom *atom,
                                 const struct ovsdb_base_type *base,
                                 struct ovsdb_error **errp);

/* Named UUIDs: the symbol table of one transaction (RFC 7047 "uuid-name"
 * and ["named-uuid", <id>]).  A name gets its UUID the first time it is
 * seen, whether in the "insert" that defines it or in a reference before
 * that insert. */
struct ovsdb_symbol {
    struct hmap_node node;
    char *name;
    struct ovsdb_uuid uuid;
    bool created; /* An "insert" defined it. */
};

struct ovsdb_symtab {
    struct hmap symbols;
};

void ovsdb_symtab_init(struct ovsdb_symtab *);
void ovsdb_symtab_destroy(struct ovsdb_symtab *);
struct ovsdb_symbol *ovsdb_symtab_find(const struct ovsdb_symtab *,
                                       const char *name);

/* Returns the symbol NAME, adding it with a fresh random UUID if needed. */
struct ovsdb_symbol *ovsdb_symtab_get(struct ovsdb_symtab *, const char *name);

/* Parses one atom of BASE from JSON (borrowed): a JSON number, boolean or
 * string, or ["uuid", "<36 chars>"], or ["named-uuid", <name>] resolved
 * through SYMTAB (NULL: named UUIDs are not allowed), and checks BASE's
 * immediate constraints.  Returns 0, or EINVAL with a "syntax error" or
 * "constraint violation" in *ERRP; on failure *ATOM needs no
 * destruction. */
int ovsdb_atom_from_json(union ovsdb_atom *atom,
                         const struct ovsdb_base_type *base,
                         const json_t *json, struct ovsdb_symtab *symtab,
                         struct ovsdb_error **errp);

/* Returns ATOM as JSON (new reference). */
json_t *ovsdb_atom_to_json(const union ovsdb_atom *atom,
                           enum ovsdb_atomic_type type);

/* Appends ATOM in the plain form used by error messages (strings
 * unquoted). */
void ovsdb_atom_to_buf(const union ovsdb_atom *atom,
                       enum ovsdb_atomic_type type, struct buf *out);

/* Datums. */

struct ovsdb_datum {
    unsigned int n;           /* Number of keys (pairs for a map). */
    union ovsdb_atom *keys;   /* N keys, sorted, unique. */
    union ovsdb_atom *values; /* N values for a map, else NULL. */
};

#define OVSDB_DATUM_EMPTY \
    {                     \
        0, NULL, NULL     \
    }

static inline void
ovsdb_datum_init_empty(struct ovsdb_datum *d)
{
    d->n = 0;
    d->keys = NULL;
    d->values = NULL;
}

/* Initializes D as TYPE's default: empty if TYPE allows 0 elements, else one
 * default key (and value). */
void ovsdb_datum_init_default(struct ovsdb_datum *d,
                              const struct ovsdb_type *type);
bool ovsdb_datum_is_default(const struct ovsdb_datum *d,
                            const struct ovsdb_type *type);

/* Initializes D as the one-element datum holding a copy of KEY (and VALUE,
 * which is ignored unless TYPE is a map). */
void ovsdb_datum_init_single(struct ovsdb_datum *d,
                             const struct ovsdb_type *type,
                             const union ovsdb_atom *key,
                             const union ovsdb_atom *value);

void ovsdb_datum_destroy(struct ovsdb_datum *d, const struct ovsdb_type *type);
void ovsdb_datum_clone(struct ovsdb_datum *dst, const struct ovsdb_datum *src,
                       const struct ovsdb_type *type);
void ovsdb_datum_swap(struct ovsdb_datum *a, struct ovsdb_datum *b);

/* Whether A and B hold the same elements (pairs for a map). */
bool ovsdb_datum_equals(const struct ovsdb_datum *a,
                        const struct ovsdb_datum *b,
                        const struct ovsdb_type *type);
int ovsdb_datum_compare_3way(const struct ovsdb_datum *a,
                             const struct ovsdb_datum *b,
                             const struct ovsdb_type *type);
uint32_t ovsdb_datum_hash(const struct ovsdb_datum *d,
                          const struct ovsdb_type *type, uint32_t basis);

/* Returns the index of KEY in D, or UINT_MAX if absent (binary search). */
unsigned int ovsdb_datum_find_key(const struct ovsdb_datum *d,
                                  const union ovsdb_atom *key,
                                  enum ovsdb_atomic_type key_type);

/* Whether every element (pair for a map) of A is in B. */
bool ovsdb_datum_includes_all(const struct ovsdb_datum *a,
                              const struct ovsdb_datum *b,
                              const struct ovsdb_type *type);

/* Whether no element (pair for a map) of A is in B. */
bool ovsdb_datum_excludes_all(const struct ovsdb_datum *a,
                              const struct ovsdb_datum *b,
                              const struct ovsdb_type *type);

/* Adds to D each key of B not already in D (with its value, for a map;
 * a key already present keeps its old value, as RFC 7047's "insert"
 * mutator says).  B must have TYPE. */
void ovsdb_datum_union(struct ovsdb_datum *d, const struct ovsdb_datum *b,
                       const struct ovsdb_type *type);

/* Removes from D (of TYPE) the elements of B (of B_TYPE).  If B_TYPE is a
 * map, a pair is removed only if both key and value match; otherwise B's
 * atoms are keys and each removes its pair whatever the value. */
void ovsdb_datum_subtract(struct ovsdb_datum *d, const struct ovsdb_type *type,
                          const struct ovsdb_datum *b,
                          const struct ovsdb_type *b_type);

/* Removes the element at index IDX of D. */
void ovsdb_datum_remove_at(struct ovsdb_datum *d, unsigned int idx,
                           const struct ovsdb_type *type);

/* Differences, as ovsdb-server(7) defines them for "update2" and as change
 * records store modified sets and maps.  The difference between two sets
 * is their symmetric difference; between two maps, the pairs whose keys
 * are in only one of them plus, for keys in both with different values,
 * the pair from NEW.  A difference has TYPE's base types, at least 0 and
 * at most any number of elements. */

/* Initializes DIFF as the difference from OLD to NEW, of set or map type
 * TYPE. */
void ovsdb_datum_diff(struct ovsdb_datum *diff, const struct ovsdb_datum *old,
                      const struct ovsdb_datum *new,
                      const struct ovsdb_type *type);

/* Applies DIFF, a difference made by ovsdb_datum_diff() for TYPE, to D:
 * each element of a set difference is removed if present, else added;
 * each pair of a map difference is removed if D has the same pair, replaces
 * the value if D has the key with another value, else is added.  Returns
 * 0, or EINVAL with a "constraint violation" in *ERRP if the result has too
 * few or too many elements for TYPE (D is then the too-big or too-small
 * result). */
int ovsdb_datum_apply_diff(struct ovsdb_datum *d,
                           const struct ovsdb_datum *diff,
                           const struct ovsdb_type *type,
                           struct ovsdb_error **errp);

/* Sorts D by key.  Returns 0, or EEXIST if two keys are equal (D is sorted
 * either way). */
int ovsdb_datum_sort(struct ovsdb_datum *d, const struct ovsdb_type *type);

/* Checks D against TYPE: element count and each atom's immediate
 * constraints.  Returns 0, or EINVAL with a "constraint violation" in
 * *ERRP. */
int ovsdb_datum_check_constraints(const struct ovsdb_datum *d,
                                  const struct ovsdb_type *type,
                                  struct ovsdb_error **errp);

/* Checks that no key of D (sorted) repeats.  Returns 0, or EINVAL with an
 * "ovsdb error" in *ERRP. */
int ovsdb_datum_check_unique(const struct ovsdb_datum *d,
                             const struct ovsdb_type *type,
                             struct ovsdb_error **errp);

/* Parses a <value> of TYPE from JSON (borrowed): a bare atom (a set of one),
 * ["set", [<atom>*]] or ["map", [[<atom>, <atom>]*]].  Named UUIDs resolve
 * through SYMTAB (NULL: not allowed).  Checks, in this order (the order in
 * which ovsdb-server reports them): the element count ("syntax error"),
 * each atom's JSON type ("syntax error"), duplicates in a set ("ovsdb
 * error"), each atom's immediate constraints ("constraint violation"),
 * duplicate keys in a map ("ovsdb error").  Returns 0 or EINVAL with *ERRP
 * set; on failure *D needs no destruction. */
int ovsdb_datum_from_json(struct ovsdb_datum *d, const struct ovsdb_type *type,
                          const json_t *json, struct ovsdb_symtab *symtab,
                          struct ovsdb_error **errp);

/* Like ovsdb_datum_from_json() but without the last two steps, for a
 * caller that parses several values and then checks them with
 * ovsdb_datum_check_constraints() and ovsdb_datum_check_unique(), as a
 * row's columns are.  Until that check passes, a map may hold duplicate
 * keys. */
int ovsdb_datum_from_json_unchecked(struct ovsdb_datum *d,
                                    const struct ovsdb_type *type,
                                    const json_t *json,
                                    struct ovsdb_symtab *symtab,
                                    struct ovsdb_error **errp);

/* Returns D as a <value> (new reference): a map as ["map", ...], a set of
 * exactly one element as the bare atom, any other set as ["set", ...].
 * Parts of the result (the "uuid", "set" and "map" tags, empty sets and
 * maps) are shared between results to save memory on large replies: the
 * caller may add the value to other JSON and release it, but must not
 * modify it in place. */
json_t *ovsdb_datum_to_json(const struct ovsdb_datum *d,
                            const struct ovsdb_type *type);

/* Appends D in the plain form used by error messages: "a", "[a, b]",
 * "{k=v}". */
void ovsdb_datum_to_buf(const struct ovsdb_datum *d,
                        const struct ovsdb_type *type, struct buf *out);

/* Number of UTF-8 characters in the LEN bytes at S. */
size_t ovsdb_utf8_length(const char *s, size_t len);

/* Whether ovs-vsctl's syntax (and so ovs-vsctl's and ovsdb-client's
 * output) quotes string S: anything but a word of letters, digits, "_",
 * "-" and "." that starts with a letter or "_", and the words that would
 * read as another type ("true", "false", a UUID). */
bool ovsdb_string_needs_quotes(const char *s);

#endif /* NICFLOW_OVSDB_DATUM_H */
