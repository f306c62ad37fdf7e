/* libFuzzer target for the ovs-ofctl flow syntax: ofctl/flow-text.c's
 * of_flow_parse() with everything under it (match fields and values,
 * actions, instructions, learn, ct, bundle, multipath).
 *
 * The input is one flow line (its first byte, if it is below 0x08, picks
 * the command: add, modify, modify-strict, delete, delete-strict).  Besides
 * the sanitizers' checks these properties are checked, and a violation
 * aborts:
 *   - a line that parses prints (with and without statistics, with and
 *     without flags), and the printed text parses again;
 *   - printing is a fixed point: the re-parsed flow prints the same text;
 *   - the re-parsed flow parses back from its own print to an identical
 *     model (match, settings and actions byte for byte);
 *   - a failed parse leaves an error message and an offset inside the
 *     line. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofctl/actions.h"
#include "ofctl/flow-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(COND)                                                          \
    do {                                                                     \
        if (!(COND)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #COND);                                                  \
            abort();                                                         \
        }                                                                    \
    } while (0)

/* Parses S as an add-flow (the printed form always has actions) and
 * returns its print, or aborts. */
static char *
reparse(const char *s, struct of_flow *flow)
{
    size_t ofs;
    char *err = of_flow_parse(flow, s, OF_FLOW_ADD, &ofs, NULL);
    if (err) {
        fprintf(stderr, "printed flow does not parse again:\n  %s\n  %s\n", s,
                err);
        abort();
    }
    return of_flow_to_string(flow, 0);
}

/* Whether FLOW's print parses again (without aborting). */
static bool
printed_reparses(const struct of_flow *flow)
{
    struct of_flow f;
    char *p = of_flow_to_string(flow, 0);
    char *err = of_flow_parse(&f, p, OF_FLOW_ADD, NULL, NULL);
    bool ok = !err;

    if (err) {
        /* Only a prerequisite may be what fails. */
        CHECK(strstr(err, "prerequisites"));
    }
    free(err);
    of_flow_destroy(&f);
    free(p);
    return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum of_flow_cmd cmd = OF_FLOW_ADD;
    struct of_flow flow, f2, f3;
    size_t ofs = SIZE_MAX;
    char *notice = NULL;

    if (size && data[0] < 0x08) {
        static const enum of_flow_cmd cmds[] = {
            OF_FLOW_ADD,    OF_FLOW_MODIFY,        OF_FLOW_MODIFY_STRICT,
            OF_FLOW_DELETE, OF_FLOW_DELETE_STRICT,
        };
        cmd = cmds[data[0] % 5];
        data++;
        size--;
    }
    if (size > 4096) {
        return 0;
    }
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';

    char *err = of_flow_parse(&flow, s, cmd, &ofs, &notice);
    if (err) {
        CHECK(*err);
        CHECK(ofs <= strlen(s));
        free(err);
        CHECK(!notice);
        of_flow_destroy(&flow);
        free(s);
        return 0;
    }
    free(notice);

    /* Every way of printing works. */
    struct of_flow_stats st = { 1, 2000000, 3, 4, 5, 6 };
    struct buf b = BUF_INITIALIZER;
    of_flow_format(&flow, &st, OF_FLOW_FMT_FLAGS, &b);
    CHECK(b.len > 0);
    buf_destroy(&b);

    if (cmd == OF_FLOW_DELETE || cmd == OF_FLOW_DELETE_STRICT) {
        /* Delete has no actions: round-trip the match alone, as a
         * delete (which checks less than an add). */
        char *m1 = of_match_to_string(&flow.match, flow.priority);
        char *err2 = of_flow_parse(&f2, m1, cmd, NULL, NULL);
        if (err2) {
            fprintf(stderr,
                    "printed match does not parse again:\n  %s\n"
                    "  %s\n",
                    m1, err2);
            abort();
        }
        char *m2 = of_match_to_string(&f2.match, f2.priority);
        if (strcmp(m1, m2)) {
            fprintf(stderr, "match print is not a fixed point:\n  %s\n  %s\n",
                    m1, m2);
            abort();
        }
        free(m1);
        free(m2);
        of_flow_destroy(&f2);
    } else if (!of_acts_ok_for_of11(&flow.acts, &flow.match)
               && !printed_reparses(&flow)) {
        /* A flow that can only go out as OpenFlow 1.0 (an action whose
         * prerequisites the match lacks, which ovs-ofctl lets through for
         * 1.0 alone): an action 1.0 has no form of its own for, such as
         * mod_nw_ecn, prints as the Nicira load it is sent as, and that
         * load is refused by its prerequisites, by ovs-ofctl too (and the
         * flow by any switch).  Printing works; there is no round trip. */
    } else {
        char *p1 = of_flow_to_string(&flow, 0);
        char *p2 = reparse(p1, &f2);
        if (strcmp(p1, p2)) {
            fprintf(stderr, "print is not a fixed point:\n  %s\n  %s\n", p1,
                    p2);
            abort();
        }
        char *p3 = reparse(p2, &f3);
        CHECK(of_flow_equal(&f2, &f3));
        CHECK(!strcmp(p2, p3));
        free(p1);
        free(p2);
        free(p3);
        of_flow_destroy(&f2);
        of_flow_destroy(&f3);
    }
    of_flow_destroy(&flow);
    free(s);
    return 0;
}
