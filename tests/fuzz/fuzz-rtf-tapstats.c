/* Fuzz target: the parser of the kernel's filter dumps that reads the
 * counters of the tap PMD's rules (rteflow/rtf-tapstats.c).
 *
 * The input's first four bytes are the filter handle looked for (host
 * order), the rest one netlink datagram of a dump with sequence number 1.
 * The datagram is copied into a buffer of exactly its size at an aligned
 * address (as the socket buffer is), so a read past it is caught.  Seeds:
 * a dump of one flower filter with a gact drop action and its counters,
 * the dump's end, and an error reply (tests/fuzz/corpus/rtf-tapstats). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rteflow/rtf-tapstats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct find {
    uint32_t handle;
    bool found;
    struct rtf_tc_count c;
};

static void
find_cb(uint32_t handle, const struct rtf_tc_count *c, void *aux_)
{
    struct find *aux = aux_;

    /* A filter message always has a handle: 0 is the priority's entry. */
    if (!handle) {
        abort();
    }
    if (handle == aux->handle && c) {
        aux->found = true;
        aux->c = *c;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct find f;

    if (size < 4) {
        return 0;
    }
    memset(&f, 0, sizeof f);
    memcpy(&f.handle, data, 4);
    size_t len = size - 4;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        return 0;
    }
    memcpy(buf, data + 4, len);
    int ret = rtf_tapstats_parse(buf, len, 1, find_cb, &f);
    /* 0, EOF or a positive errno; counters only with a find. */
    if (ret < -1 || (!f.found && (f.c.packets || f.c.bytes))) {
        abort();
    }
    free(buf);
    return 0;
}
