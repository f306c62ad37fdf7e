/* libFuzzer target for the packet parser: lib/flow.c's flow_extract() and
 * what consumes its output (flow_format(), flow_hash(), flow_compose()),
 * plus VLAN push/pop on the parsed packet.
 *
 * The input is one Ethernet frame, whole.  Besides the sanitizers' checks
 * (no read outside the frame, which pkt_from_data() allocates without
 * tailroom, no undefined behaviour), these properties are checked and a
 * violation aborts:
 *   - extraction is deterministic and leaves the padding zero;
 *   - every recorded offset lies within the frame, in layer order;
 *   - pushing a tag and popping it restores the frame and the offsets
 *     byte for byte, and an untagged or single-tagged frame extracts to
 *     the same flow with the new tag in front;
 *   - a flow that flow_compose() accepts extracts back from the composed
 *     frame unchanged. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/flow.h"
#include "lib/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(COND)                                                          \
    do {                                                                     \
        if (!(COND)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #COND);                                                  \
            abort();                                                         \
        }                                                                    \
    } while (0)

struct offsets {
    uint16_t ofs[5];
};

static struct offsets
get_offsets(const struct pkt *p)
{
    struct offsets o = { { p->l2_ofs, p->l2_5_ofs, p->l3_ofs, p->l4_ofs,
                           p->payload_ofs } };
    return o;
}

static void
check_offsets(const struct pkt *p)
{
    struct offsets o = get_offsets(p);
    size_t last = 0;

    for (size_t i = 0; i < 5; i++) {
        if (o.ofs[i] != PKT_OFS_NONE) {
            CHECK(o.ofs[i] <= p->size);
            CHECK(o.ofs[i] >= last);
            last = o.ofs[i];
        }
    }
    if (p->l4_ofs != PKT_OFS_NONE) {
        CHECK(p->l3_ofs != PKT_OFS_NONE);
    }
    if (p->payload_ofs != PKT_OFS_NONE) {
        CHECK(p->l4_ofs != PKT_OFS_NONE);
    }
}

static void
check_vlan_push_pop(struct pkt *p, const struct flow *flow,
                    const uint8_t *data, size_t size)
{
    struct offsets before = get_offsets(p);
    uint16_t tci = size >= 2 ? (uint16_t) (data[0] << 8 | data[1]) : 0;
    uint16_t wire_tci = PKT_HTONS(tci & ~VLAN_CFI);
    int err = pkt_push_vlan(p, PKT_HTONS(ETH_TYPE_VLAN_8021Q), wire_tci);

    if (size < ETH_HEADER_LEN) {
        CHECK(err == EINVAL);
        CHECK(p->size == size);
        CHECK(pkt_pop_vlan(p) == ENOENT);
        return;
    }
    CHECK(!err);
    CHECK(p->size == size + VLAN_HEADER_LEN);
    check_offsets(p);

    bool had_room = !(flow->vlans[FLOW_MAX_VLAN_HEADERS - 1].tci
                      & PKT_HTONS(FLOW_VLAN_PRESENT));
    if (had_room) {
        /* The tagged frame parses like the original with one more tag in
         * front, and push_vlan() kept the offsets the parser finds. */
        struct pkt *c = pkt_clone(p);
        struct flow tagged, want = *flow;
        flow_extract(c, &tagged);
        memmove(&want.vlans[1], &want.vlans[0], sizeof want.vlans[0]);
        want.vlans[0].tpid = PKT_HTONS(ETH_TYPE_VLAN_8021Q);
        want.vlans[0].tci = wire_tci | PKT_HTONS(FLOW_VLAN_PRESENT);
        CHECK(flow_equal(&tagged, &want));
        struct offsets found = get_offsets(c), kept = get_offsets(p);
        CHECK(!memcmp(&found, &kept, sizeof found));
        pkt_delete(c);
    }

    CHECK(pkt_pop_vlan(p) == 0);
    CHECK(p->size == size);
    CHECK(!memcmp(p->data, data, size));
    struct offsets after = get_offsets(p);
    CHECK(!memcmp(&after, &before, sizeof after));
}

static void
check_compose(const struct flow *flow, size_t payload_len)
{
    struct pkt *q = pkt_new(0, 0);

    if (!flow_compose(q, flow, payload_len)) {
        struct flow again;
        flow_extract(q, &again);
        if (!flow_equal(&again, flow)) {
            char *a = flow_to_string(flow), *b = flow_to_string(&again);
            fprintf(stderr, "flow:     %s\nreparsed: %s\n", a, b);
            free(a);
            free(b);
            abort();
        }
        check_offsets(q);
    }
    pkt_delete(q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pkt *p = pkt_from_data(data, size);
    struct flow flow, again;

    flow_extract(p, &flow);
    CHECK(flow.pad1 == 0 && flow.pad2 == 0);
    check_offsets(p);

    struct buf b = BUF_INITIALIZER;
    flow_format(&b, &flow);
    CHECK(strlen(buf_cstr(&b)) == b.len);
    buf_destroy(&b);

    memset(&again, 0xff, sizeof again);
    flow_extract(p, &again);
    CHECK(flow_equal(&flow, &again));
    CHECK(flow_hash(&flow, 0) == flow_hash(&again, 0));

    check_vlan_push_pop(p, &flow, data, size);
    check_compose(&flow, size % 97);

    pkt_delete(p);
    return 0;
}
