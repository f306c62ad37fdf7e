/* Fuzz target: the OpenFlow action and instruction decoder
 * (ofctl/ofp-actions.h).
 *
 * The first input byte picks the OpenFlow version (1.0, 1.3, 1.4, 1.5),
 * whether the rest is an instruction list or a plain action list, and
 * whether actions are checked against a catch-all match; the rest is the
 * list.  Decoding must never read out of bounds (the buffer is exactly
 * the input's size), must append nothing when it fails, and a list that
 * decodes must encode again in the same version and decode back to the
 * identical model, or, where a Nicira spelling decodes to a model action
 * that the version writes in its own way (set_tunnel or set_mpls_label in
 * 1.1+ become set_field, as in Open vSwitch), to a model that encodes to
 * the very same bytes: the codec loses nothing it accepted.  Every
 * decoded list must also print without crashing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ofctl/actions.h"
#include "ofctl/match.h"
#include "ofctl/ofp-actions.h"
#include "ofctl/ofp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t versions[] = { OF_V10, OF_V13, OF_V14, OF_V15 };
    static struct of_match catchall;
    static int inited;

    if (!size) {
        return 0;
    }
    if (!inited) {
        of_match_init_catchall(&catchall);
        inited = 1;
    }
    uint8_t version = versions[data[0] & 3];
    bool instructions = (data[0] & 4) && version != OF_V10;
    const struct of_match *match = data[0] & 8 ? &catchall : NULL;
    size--;
    uint8_t *p = size ? xmemdup(data + 1, size) : NULL;

    struct of_acts acts = OF_ACTS_INITIALIZER;
    enum of_err err =
        of_acts_decode(p, size, version, instructions, match, &acts);
    if (err) {
        if (!of_acts_is_empty(&acts)) {
            abort(); /* A failed decode appended something. */
        }
    } else {
        struct buf text = BUF_INITIALIZER;
        struct buf wire = BUF_INITIALIZER;
        struct of_acts again = OF_ACTS_INITIALIZER;

        of_acts_format(&acts, &text);
        err = instructions
                  ? of_acts_encode(&acts, match, version, &wire)
                  : of_acts_encode_actions(&acts, match, version, &wire);
        if (err) {
            abort(); /* What decoded must encode. */
        }
        /* Re-decoded without the match: the action check judges some
         * spellings differently (set_mpls_label vs set_field of
         * mpls_label), and it had its say on the first decode. */
        err = of_acts_decode(wire.data, wire.len, version, instructions, NULL,
                             &again);
        if (err) {
            abort(); /* What we encoded does not decode. */
        }
        if (!of_acts_equal(&acts, &again)) {
            struct buf wire2 = BUF_INITIALIZER;
            err = instructions
                      ? of_acts_encode(&again, match, version, &wire2)
                      : of_acts_encode_actions(&again, match, version, &wire2);
            if (err || wire2.len != wire.len
                || memcmp(wire2.data, wire.data, wire.len)) {
                abort(); /* The round trip changed the meaning. */
            }
            buf_destroy(&wire2);
        }
        of_acts_destroy(&again);
        buf_destroy(&wire);
        buf_destroy(&text);
    }
    of_acts_destroy(&acts);
    free(p);
    return 0;
}
