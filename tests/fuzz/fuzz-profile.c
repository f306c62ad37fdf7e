/* libFuzzer target for the hardware profile loader (offload/profile.c).
 *
 * The input is the bytes of one profile file.  The target reads the
 * document's "name" first, so that the file it pretends to read is named
 * after it: otherwise almost every input would stop at the name check
 * and the success path (formatting, checks) would never be reached.  A
 * profile that validates is printed and checked against a few fixed
 * flows and action lists; one that does not must come with a message
 * that names the file.
 *
 * Build and run (see tests/fuzz/README.md; never run it on the seed
 * directory itself):
 *     make build/fuzz/fuzz-profile
 *     cp -r tests/fuzz/corpus/profile /tmp/fuzz-profile-corpus
 *     build/fuzz/fuzz-profile -runs=200000 /tmp/fuzz-profile-corpus
 */
#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/flow.h"
#include "lib/util.h"
#include "offload/profile.h"
#include "softpath/odp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Flows and actions to check every valid profile against. */
static const char *const flow_texts[] = {
    "in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),"
    "eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,frag=no),"
    "udp(src=1,dst=2)",
    "recirc_id(3),in_port(2),eth(),eth_type(0x0806),"
    "arp(sip=10.0.0.0/255.255.255.0,op=1)",
    "in_port(1),eth(),eth_type(0x86dd),"
    "ipv6(src=2001:db8::/ffff:ffff::,dst=::2)",
    "in_port(1),eth(),eth_type(0x0800),ipv4(proto=1),icmp(type=8,code=0)",
};
static const char *const action_texts[] = {
    "",
    "push_vlan(vid=5,pcp=0),2",
    "2,3,set(ipv4(src=1.2.3.4)),ct(commit)",
};

struct fuzz_flow {
    struct flow flow, mask;
};
static struct fuzz_flow flows[ARRAY_SIZE(flow_texts)];
static struct buf actions[ARRAY_SIZE(action_texts)];

static void
init_once(void)
{
    static bool done;

    if (done) {
        return;
    }
    done = true;
    for (size_t i = 0; i < ARRAY_SIZE(flow_texts); i++) {
        struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
        nf_assert(!odp_flow_from_string(flow_texts[i], &key, &mask, NULL));
        nf_assert(!odp_key_to_flow(key.data, key.len, &flows[i].flow, NULL));
        nf_assert(
            !odp_mask_to_flow(mask.data, mask.len, &flows[i].mask, NULL));
        buf_destroy(&key);
        buf_destroy(&mask);
    }
    for (size_t i = 0; i < ARRAY_SIZE(action_texts); i++) {
        buf_init(&actions[i]);
        nf_assert(
            !odp_actions_from_string(action_texts[i], &actions[i], NULL));
    }
}

/* "<name>.json" if the input is an object with a usable string "name",
 * else "fuzz.json".  Caller frees. */
static char *
file_label(const uint8_t *data, size_t size)
{
    json_t *doc = json_loadb((const char *) data, size, 0, NULL);
    const char *name = json_string_value(json_object_get(doc, "name"));
    char *label = name && *name && !strchr(name, '/') && strlen(name) < 200
                      ? xasprintf("%s.json", name)
                      : xstrdup("fuzz.json");
    json_decref(doc);
    return label;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct offload_profile *p;
    char *err = NULL;

    init_once();
    char *label = file_label(data, size);
    int error = offload_profile_parse(label, data, size, &p, &err);
    if (error) {
        /* A refusal always names the file. */
        nf_assert(error == EINVAL && !p && err);
        nf_assert(!strncmp(err, label, strlen(label)));
        free(err);
        free(label);
        return 0;
    }
    nf_assert(p && !err);

    struct buf out = BUF_INITIALIZER;
    offload_profile_format_show(p, &out);
    nf_assert(strstr(buf_cstr(&out), p->name));
    buf_destroy(&out);

    for (size_t i = 0; i < ARRAY_SIZE(flows); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(actions); j++) {
            struct offload_reason why;
            int code =
                offload_profile_check(p, &flows[i].flow, &flows[i].mask,
                                      actions[j].data, actions[j].len, &why);
            nf_assert(!code || code == OFFLOAD_R_UNSUPPORTED_MATCH
                      || code == OFFLOAD_R_UNSUPPORTED_ACTION);
            /* Every refusal names the profile that made it. */
            nf_assert(!code || !strncmp(why.msg, "profile ", 8));
        }
    }
    struct offload_reason why;
    (void) offload_profile_check_room(p, 8, 16, &why);
    offload_profile_destroy(p);
    free(label);
    return 0;
}
