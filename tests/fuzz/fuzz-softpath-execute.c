/* Fuzz target: the datapath action executor (softpath/dp-execute).
 *
 * Input layout: byte 0 is the frame length F (the frame is bytes 1..F, cut
 * short if the input ends), byte F+1 picks the mode, and the rest is an
 * action list.  Mode bit 0 clear runs only action lists that
 * odp_actions_validate() accepts, the datapath's real situation; set, it
 * runs the raw bytes too, since the executor must survive what validation
 * would have refused.  Mode bit 1 runs the packet through a batch of two.
 * Mode bit 2 makes the meter hook drop.  Single runs give the executor
 * tunnel vports (ports 10, 11, 12: vxlan, geneve, gre), so tnl_pop gets
 * past the port check and parses the frame as an underlay frame.
 *
 * The hooks check each packet they are handed (readable, sane size) and
 * free the ones they own, so AddressSanitizer reports any leak, double
 * free or out-of-bounds access.  Outputs of a valid list on a frame that
 * flow_extract() parses as IPv4 get their IPv4 header checksum summed
 * again: an incremental update must never break a checksum that was
 * right. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/flow.h"
#include "softpath/dp-execute.h"
#include "softpath/odp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_state {
    bool meter_drops;
    bool check_csum; /* The input frame had a valid IPv4 header checksum. */
};

/* Touches every byte of P so that ASan sees a stale or short buffer. */
static void
touch(const struct pkt *p)
{
    volatile uint8_t sink = 0;

    for (size_t i = 0; i < p->size; i++) {
        sink ^= p->data[i];
    }
    (void) sink;
}

/* Whether the IPv4 header of P, if any, sums correctly (true if there is
 * no whole IPv4 header to check). */
static bool
ipv4_csum_ok(struct pkt *p)
{
    struct flow f;

    flow_extract(p, &f);
    if (f.dl_type != PKT_HTONS(ETH_TYPE_IP)
        || pkt_l3_size(p) < IPV4_HEADER_LEN) {
        return true;
    }
    const struct pkt_ipv4_hdr *ip = pkt_l3(p);
    size_t hlen = (size_t) (ip->ver_ihl & 0xf) * 4;
    if (hlen < IPV4_HEADER_LEN || pkt_l3_size(p) < hlen) {
        return true;
    }
    return !pkt_csum_finish(pkt_csum_add(0, ip, hlen));
}

static void
hook_output(void *aux, struct pkt *p, uint32_t port)
{
    struct fuzz_state *s = aux;

    touch(p);
    if (s->check_csum && !ipv4_csum_ok(p)) {
        abort();
    }
    pkt_delete(p);
}

static void
hook_userspace(void *aux, struct pkt *p, const struct nlattr *a)
{
    touch(p);
}

static void
hook_recirc(void *aux, struct pkt *p, uint32_t id)
{
    if (p->recirc_id != id) {
        abort();
    }
    touch(p);
    pkt_delete(p);
}

static bool
hook_tnl_port(void *aux, uint32_t port, uint32_t *type, uint16_t *dst_port)
{
    if (port < 10 || port > 12) {
        return false;
    }
    *type = port == 10   ? ODP_TNL_TYPE_VXLAN
            : port == 11 ? ODP_TNL_TYPE_GENEVE
                         : ODP_TNL_TYPE_GRE;
    *dst_port = port == 10 ? 4789 : port == 11 ? 6081 : 0;
    return true;
}

static bool
hook_meter(void *aux, struct pkt *p, uint32_t id)
{
    const struct fuzz_state *s = aux;

    touch(p);
    return !s->meter_drops;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    size_t flen = NF_MIN((size_t) data[0], size - 1);
    const uint8_t *frame = data + 1;
    size_t rest = size - 1 - flen;
    uint8_t mode = rest ? frame[flen] : 0;
    const uint8_t *acts_in = rest ? frame + flen + 1 : NULL;
    size_t alen = rest ? rest - 1 : 0;

    /* Exactly-sized copies, so any over-read is caught. */
    uint8_t *acts = xmemdup(acts_in ? acts_in : data, alen);
    bool valid = !odp_actions_validate(acts, alen, NULL);
    if (!valid && !(mode & 1)) {
        free(acts);
        return 0;
    }

    struct fuzz_state st = { .meter_drops = (mode & 4) != 0 };
    struct dp_execute_hooks h = { hook_output, hook_userspace, hook_recirc,
                                  hook_meter, &st };
    struct pkt *p = pkt_from_data(frame, flen);
    p->in_port = 1;
    st.check_csum = valid && ipv4_csum_ok(p);
    if (st.check_csum) {
        /* ipv4_csum_ok() returned true for "no header" too: only check
         * outputs when the input really had a checked IPv4 header. */
        struct flow f;
        flow_extract(p, &f);
        st.check_csum = f.dl_type == PKT_HTONS(ETH_TYPE_IP) && pkt_l3(p)
                        && pkt_l3_size(p) >= IPV4_HEADER_LEN;
    }
    dp_execute_seed_random(alen);

    if (mode & 2) {
        struct pkt *batch[2] = { p, pkt_clone(p) };
        dp_execute_actions_batch(batch, 2, acts, alen, &h);
    } else {
        struct dp_execute_tnl tnl = { hook_tnl_port, 1000, 1000 + mode };
        dp_execute_actions_tnl(p, acts, alen, &h, &tnl);
    }
    free(acts);
    return 0;
}
