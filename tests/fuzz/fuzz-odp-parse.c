/* Fuzz target: the dump-flows text parsers of softpath/odp.
 *
 * The input is text.  It is parsed as a flow (key and mask) and as an
 * action list.  Whatever parses must print, and the printed text must
 * parse back to something that prints the same (printer and parser agree
 * on a fixed point).  A parsed key that the netlink decoder accepts must
 * survive struct flow -> netlink -> struct flow -> netlink unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/flow.h"
#include "softpath/odp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_flow(const char *s)
{
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct buf t1 = BUF_INITIALIZER, t2 = BUF_INITIALIZER;
    struct buf key2 = BUF_INITIALIZER, mask2 = BUF_INITIALIZER;
    char *err = NULL;

    if (odp_flow_from_string(s, &key, &mask, &err)) {
        if (!err) {
            abort();
        }
        free(err);
        goto out;
    }
    odp_flow_format(&t1, key.data, key.len, mask.data, mask.len);
    if (odp_flow_from_string(buf_cstr(&t1), &key2, &mask2, &err)) {
        abort(); /* Printed text must parse. */
    }
    odp_flow_format(&t2, key2.data, key2.len, mask2.data, mask2.len);
    if (strcmp(buf_cstr(&t1), buf_cstr(&t2))) {
        abort();
    }

    struct flow f, m;
    if (!odp_key_to_flow(key.data, key.len, &f, NULL)
        && !odp_mask_to_flow(mask.data, mask.len, &m, NULL)) {
        struct buf k1 = BUF_INITIALIZER, k2 = BUF_INITIALIZER;
        struct flow f2;
        odp_flow_to_key(&k1, &f, &m);
        if (odp_key_to_flow(k1.data, k1.len, &f2, &err)) {
            abort(); /* What we encode, we must accept. */
        }
        odp_flow_to_key(&k2, &f2, &m);
        if (k1.len != k2.len || memcmp(k1.data, k2.data, k1.len)) {
            abort();
        }
        buf_destroy(&k1);
        buf_destroy(&k2);
    }
out:
    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&key2);
    buf_destroy(&mask2);
    buf_destroy(&t1);
    buf_destroy(&t2);
}

static void
check_actions(const char *s)
{
    struct buf a = BUF_INITIALIZER, a2 = BUF_INITIALIZER;
    struct buf t1 = BUF_INITIALIZER, t2 = BUF_INITIALIZER;
    char *err = NULL;

    if (odp_actions_from_string(s, &a, &err)) {
        if (!err) {
            abort();
        }
        free(err);
        goto out;
    }
    if (odp_actions_validate(a.data, a.len, NULL)) {
        abort(); /* The parser validates what it builds. */
    }
    odp_actions_format(&t1, a.data, a.len);
    if (odp_actions_from_string(buf_cstr(&t1), &a2, &err)) {
        abort();
    }
    odp_actions_format(&t2, a2.data, a2.len);
    if (strcmp(buf_cstr(&t1), buf_cstr(&t2))) {
        abort();
    }
out:
    buf_destroy(&a);
    buf_destroy(&a2);
    buf_destroy(&t1);
    buf_destroy(&t2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = xstrndup((const char *) data, size);

    check_flow(s);
    check_actions(s);
    free(s);
    return 0;
}
