/* Fuzz target: the netlink decoders of softpath/odp.
 *
 * The first input byte picks what the rest is: a flow key, a flow mask or
 * an action list.  Decoding must never read out of bounds (the buffer is
 * exactly the input's size) and must give a reason for every refusal.  A
 * key that decodes must encode to a key that decodes to the same struct
 * flow; every input prints without crashing; a valid action list prints
 * without "<error". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/flow.h"
#include "softpath/odp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) {
        return 0;
    }
    uint8_t mode = data[0] % 3;
    size--;
    uint8_t *p = xmemdup(data + 1, size);
    struct buf text = BUF_INITIALIZER;
    struct flow f, f2;
    char *err = NULL;

    if (mode == 0) {
        if (odp_key_to_flow(p, size, &f, &err)) {
            if (!err) {
                abort();
            }
        } else {
            struct buf k = BUF_INITIALIZER;
            odp_flow_to_key(&k, &f, NULL);
            if (odp_key_to_flow(k.data, k.len, &f2, NULL)
                || memcmp(&f, &f2, sizeof f)) {
                abort();
            }
            buf_destroy(&k);
        }
        odp_flow_format(&text, p, size, NULL, 0);
    } else if (mode == 1) {
        if (odp_mask_to_flow(p, size, &f, &err) && !err) {
            abort();
        }
        /* The same bytes as both key and mask. */
        odp_flow_format(&text, p, size, p, size);
    } else {
        int r = odp_actions_validate(p, size, &err);
        if (r && !err) {
            abort();
        }
        odp_actions_format(&text, p, size);
        if (!r && strstr(buf_cstr(&text), "<error")) {
            abort();
        }
    }
    free(err);
    buf_destroy(&text);
    free(p);
    return 0;
}
