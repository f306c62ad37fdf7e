/* libFuzzer target for the JSON-RPC framer and message validation.
 *
 * The first input byte chooses the parser limits and seeds the chunk
 * sizes; the rest is the byte stream a peer would send.  The stream is
 * parsed twice, in one piece and in chunks whose sizes derive from the
 * input, and the two runs must agree (same values, same failure or not):
 * the framer's answer must not depend on where reads happen to split the
 * data.  Every complete value goes through jsonrpc_msg_from_json(); valid
 * messages are converted back to JSON and to a log string, and the JSON
 * must convert to an equal message again.
 *
 * Build and run (see tests/build.mk):
 *     make build/fuzz/fuzz-jsonrpc
 *     build/fuzz/fuzz-jsonrpc -max_len=4096 CORPUS_COPY tests/fuzz/corpus/jsonrpc
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jsonrpc.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_message(json_t *json)
{
    struct jsonrpc_msg *msg;
    char *why;

    if (jsonrpc_msg_from_json(json, &msg, &why)) {
        /* An invalid message always comes with a reason. */
        nf_assert(why && *why);
        nf_assert(!msg);
        free(why);
        return;
    }
    nf_assert(!why);

    json_t *again = jsonrpc_msg_to_json(msg);
    struct jsonrpc_msg *msg2;
    if (jsonrpc_msg_from_json(again, &msg2, &why)) {
        nf_abort("message does not survive a round trip: %s", why);
    }
    nf_assert(msg2->type == msg->type);
    json_t *again2 = jsonrpc_msg_to_json(msg2);
    nf_assert(json_equal(again, again2));

    char *s = jsonrpc_msg_to_string(msg);
    nf_assert(nf_str_prefix(s, jsonrpc_msg_type_to_string(msg->type)));
    free(s);

    json_decref(again2);
    json_decref(again);
    jsonrpc_msg_destroy(msg2);
    jsonrpc_msg_destroy(msg);
}

/* Parses DATA in chunks (CHUNKY: of sizes from a generator seeded with
 * SEED and the data itself; otherwise in one piece) and appends every
 * value to VALUES.  Returns true if the parser failed. */
static bool
parse(const uint8_t *data, size_t size, size_t max_size,
      unsigned int max_depth, bool chunky, uint32_t seed, json_t *values)
{
    struct jsonrpc_parser *p = jsonrpc_parser_create(max_size, max_depth);
    bool failed = false;
    size_t ofs = 0;

    while (ofs < size && !failed) {
        size_t chunk = size - ofs;
        if (chunky) {
            seed = seed * 1103515245u + 12345u + data[ofs];
            chunk = NF_MIN(chunk, 1 + (seed >> 16) % 67);
        }
        const uint8_t *c = data + ofs;
        size_t left = chunk;
        while (left) {
            size_t used;
            json_t *json;
            int error = jsonrpc_parser_feed(p, c, left, &used, &json);
            nf_assert(used <= left);
            if (error == EAGAIN) {
                nf_assert(used == left && !json);
                break;
            } else if (error) {
                nf_assert(error == EPROTO && !json);
                nf_assert(jsonrpc_parser_get_error(p));
                failed = true;
                break;
            }
            nf_assert(json_is_object(json) || json_is_array(json));
            json_array_append_new(values, json);
            c += used;
            left -= used;
        }
        ofs += chunk;
    }
    jsonrpc_parser_destroy(p);
    return failed;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) {
        return 0;
    }
    uint8_t ctl = data[0];
    data++;
    size--;

    /* Small limits part of the time, so that the fuzzer reaches them. */
    size_t max_size = ctl & 0x80 ? 64 + (ctl & 0x1f) * 16 : 0;
    unsigned int max_depth = ctl & 0x40 ? 1 + (ctl & 0x07) : 0;

    json_t *whole = json_array();
    json_t *chunked = json_array();
    bool whole_failed =
        parse(data, size, max_size, max_depth, false, ctl, whole);
    bool chunked_failed =
        parse(data, size, max_size, max_depth, true, ctl, chunked);
    nf_assert(whole_failed == chunked_failed);
    nf_assert(json_equal(whole, chunked));

    for (size_t i = 0; i < json_array_size(whole); i++) {
        check_message(json_array_get(whole, i));
    }
    json_decref(chunked);
    json_decref(whole);
    return 0;
}
