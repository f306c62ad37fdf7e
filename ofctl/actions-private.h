/* actions-private.h: what the action parser files share (internal to
 * ofctl/). */
#ifndef NICFLOW_OFCTL_ACTIONS_PRIVATE_H
#define NICFLOW_OFCTL_ACTIONS_PRIVATE_H 1

#include "ofctl/actions.h"
#include "ofctl/text.h"

/* State of one of_acts_parse() call.  The text is parsed in COPY, a
 * writable copy of the caller's string that starts at offset COPY_OFS of
 * ctx->base, so that a pointer into COPY gives an error offset. */
struct of_pstate {
    struct of_act_parse_ctx *ctx;
    char *copy;
    size_t copy_len; /* strlen(copy) before tokenizing cut it up. */
    size_t copy_ofs;
    int depth;       /* Nesting of write_actions/clone/ct. */
    bool in_ct_exec; /* Parsing ct(exec(...)). */
};

/* Records P (a pointer into PS->copy) as the error position. */
void of_pstate_mark(struct of_pstate *, const char *p);

/* Parses the action list S (inside PS->copy) into ACTS. */
char *of_parse_act_list(struct of_pstate *, char *s, struct of_acts *);

/* Parsers of the larger actions, in actions-parse-ext.c.  ARG is the text
 * inside the parentheses (or after the colon). */
char *of_parse_ct(struct of_pstate *, char *arg, struct of_acts *);
char *of_parse_learn(struct of_pstate *, char *arg, struct of_acts *);
char *of_parse_bundle(struct of_pstate *, char *arg, bool load,
                      struct of_acts *);
char *of_parse_multipath(struct of_pstate *, char *arg, struct of_acts *);

/* Converts "VALUE->DST" (load) into a set_field of DST's field: sets
 * VALUE/MASK to VALUE shifted into DST's bits.  Returns NULL or an
 * error. */
char *of_load_to_field(const char *value_text, const struct of_subfield *dst,
                       union of_value *value, union of_value *mask);

/* Hash field names shared by bundle and multipath. */
bool of_hash_fields_parse(const char *, uint8_t *fields);
const char *of_hash_fields_name(uint8_t fields);

#endif /* NICFLOW_OFCTL_ACTIONS_PRIVATE_H */
