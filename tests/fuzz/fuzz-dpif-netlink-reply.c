/* Fuzz target: the kernel datapath type's parsers of what openvswitch.ko
 * and the generic netlink controller send (softpath/dpif-netlink-msg.h).
 *
 * The input is one netlink datagram as the kernel would send it: a stream
 * of messages, split the way the socket layer splits it (each message's
 * length checked against what is left).  Every message goes through every
 * parser (error/ack, family, datapath, vport, flow, meter, upcall) in a
 * buffer of exactly its size, so a read past it is caught.  What parses
 * is then used as the provider uses it: strings are read; a datapath's
 * per-CPU upcall pids are read one by one; flow keys and
 * masks are filtered (dpif_netlink_filter_key()), completed
 * (dpif_netlink_complete_key()), decoded and printed (odp_key_to_flow(),
 * odp_flow_format()); actions are checked (dpif_netlink_check_actions()),
 * printed and get their userspace() pids filled in
 * (dpif_netlink_fill_userspace_pids(), on a copy); and a flow that parsed
 * is built again as a request and must parse back to the same
 * attributes.  The same datagram is also read as the answers to a batch
 * of four requests (dpif_netlink_batch_feed(), sequence numbers 1 to 4,
 * some with acks, some quiet, per the first input byte): every item must
 * end up done exactly once and the pending count must agree. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/flow.h"
#include "lib/util.h"
#include "softpath/dpif-netlink-msg.h"
#include "softpath/odp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
use_key(const void *key, size_t len, bool mask)
{
    struct buf filtered = BUF_INITIALIZER, text = BUF_INITIALIZER;
    struct flow flow;

    dpif_netlink_filter_key(key, len, &filtered);
    if (mask) {
        (void) odp_mask_to_flow(filtered.data, filtered.len, &flow, NULL);
    } else if (!odp_key_to_flow(filtered.data, filtered.len, &flow, NULL)) {
        /* The upcall path: nicflow's own key of the flow. */
        struct buf again = BUF_INITIALIZER;
        odp_flow_to_key(&again, &flow, NULL);
        buf_destroy(&again);
    }
    odp_flow_format(&text, filtered.data, filtered.len, NULL, 0);
    buf_destroy(&text);
    buf_destroy(&filtered);
}

static void
use_flow(const struct dpif_netlink_flow *f)
{
    if (f->key) {
        struct buf completed = BUF_INITIALIZER;
        use_key(f->key, f->key_len, false);
        dpif_netlink_complete_key(f->key, f->key_len, &completed);
        buf_destroy(&completed);
    }
    if (f->mask) {
        use_key(f->mask, f->mask_len, true);
    }
    if (f->actions) {
        struct buf text = BUF_INITIALIZER;
        char *err = NULL;
        (void) dpif_netlink_check_actions(f->actions, f->actions_len, &err);
        free(err);
        odp_actions_format(&text, f->actions, f->actions_len);
        buf_destroy(&text);
        uint8_t *copy = xmalloc(f->actions_len ? f->actions_len : 1);
        memcpy(copy, f->actions, f->actions_len);
        (void) dpif_netlink_fill_userspace_pids(copy, f->actions_len, 42);
        free(copy);
    }

    /* Build it again as a request: it must parse back the same. */
    struct dpif_netlink_flow_req r = {
        .cmd = 1,
        .dp_ifindex = f->dp_ifindex,
        .key = f->key,
        .key_len = f->key_len,
        .mask = f->mask,
        .mask_len = f->mask_len,
        .actions = f->actions,
        .actions_len = f->actions_len,
        .ufid = f->has_ufid ? f->ufid : NULL,
    };
    size_t size = dpif_netlink_flow_req_size(&r);
    uint8_t *req = xmalloc(size);
    size_t len = dpif_netlink_build_flow(req, size, 0x20, &r);
    struct dpif_netlink_flow g;
    /* An attribute over 64 kB cannot be built (16-bit lengths). */
    if (len && f->key_len < 65000 && f->mask_len < 65000
        && f->actions_len < 65000) {
        if (dpif_netlink_parse_flow(req, len, &g) || g.key_len != f->key_len
            || g.mask_len != f->mask_len || g.actions_len != f->actions_len
            || (f->key && memcmp(g.key, f->key, f->key_len))
            || (f->actions && memcmp(g.actions, f->actions, f->actions_len))) {
            abort();
        }
    }
    free(req);
}

static void
one_message(const void *msg, size_t len)
{
    /* Exactly the message's bytes, so ASan sees a read past them. */
    uint8_t *copy = xmalloc(len ? len : 1);
    memcpy(copy, msg, len);

    int error;
    const char *ext, *name;
    uint16_t id;
    if (!dpif_netlink_parse_error(copy, len, &error, &ext) && ext) {
        (void) strlen(ext);
    }
    if (!dpif_netlink_parse_family(copy, len, &name, &id)) {
        (void) strlen(name);
    }

    struct dpif_netlink_dp dp;
    if (!dpif_netlink_parse_dp(copy, len, &dp)) {
        (void) strlen(dp.name);
        /* The per-CPU pids, each read where the reply has it. */
        uint32_t sum = 0;
        for (size_t i = 0; i < dp.n_per_cpu_pids; i++) {
            sum += dpif_netlink_dp_pid(&dp, i);
        }
        (void) sum;
    }

    struct dpif_netlink_vport v;
    if (!dpif_netlink_parse_vport(copy, len, &v)) {
        (void) strlen(v.name);
        (void) dpif_netlink_vport_type_name(v.type);
    }

    struct dpif_netlink_flow f;
    if (!dpif_netlink_parse_flow(copy, len, &f)) {
        use_flow(&f);
    }

    struct dpif_netlink_meter meter;
    (void) dpif_netlink_parse_meter(copy, len, &meter);

    struct dpif_netlink_upcall u;
    if (!dpif_netlink_parse_upcall(copy, len, &u)) {
        use_key(u.key, u.key_len, false);
        volatile uint8_t sink = 0;
        for (size_t i = 0; i < u.packet_len; i++) {
            sink ^= ((const uint8_t *) u.packet)[i];
        }
        for (size_t i = 0; i < u.userdata_len; i++) {
            sink ^= ((const uint8_t *) u.userdata)[i];
        }
        (void) sink;
    }
    free(copy);
}

static int
batch_cb(size_t idx, const void *msg, size_t len, void *aux)
{
    (void) aux;
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < len; i++) {
        sink ^= ((const uint8_t *) msg)[i];
    }
    (void) sink;
    return idx == 2 ? EIO : 0; /* One item's callback refuses its reply. */
}

/* The datagram as the answers to four requests of a batch. */
static void
feed_batch(const uint8_t *data, size_t size)
{
    struct dpif_netlink_batch b;
    uint8_t how = size ? data[0] : 0;

    dpif_netlink_batch_init(&b);
    for (int i = 0; i < 4; i++) {
        struct nlmsghdr *h = dpif_netlink_batch_reserve(&b, sizeof *h);
        memset(h, 0, sizeof *h);
        h->nlmsg_len = sizeof *h;
        h->nlmsg_flags = NLM_F_REQUEST | ((how >> i) & 1 ? NLM_F_ACK : 0);
        dpif_netlink_batch_commit(&b, sizeof *h);
    }
    dpif_netlink_batch_start(&b, 1);
    if (how & 0x10) {
        dpif_netlink_batch_quiet(&b, 0, 4);
    }
    dpif_netlink_batch_feed(&b, data, size, how & 0x20, batch_cb, NULL);
    size_t pending = 0;
    for (size_t i = 0; i < b.n; i++) {
        pending += !b.items[i].done;
        if (b.items[i].ext_msg) {
            (void) strlen(b.items[i].ext_msg);
        }
    }
    if (pending != b.n_pending) {
        abort();
    }
    dpif_netlink_batch_abandon(&b, ENOBUFS);
    for (size_t i = 0; i < b.n; i++) {
        if (!b.items[i].done) {
            abort();
        }
    }
    if (b.n_pending) {
        abort();
    }
    dpif_netlink_batch_destroy(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    feed_batch(data, size);

    /* Split as dpif-netlink.c does: each message inside what is left. */
    while (size >= sizeof(struct nlmsghdr)) {
        struct nlmsghdr h;
        memcpy(&h, data, sizeof h);
        if (h.nlmsg_len < sizeof h || h.nlmsg_len > size) {
            /* The parsers see a bad length too: they must refuse it. */
            one_message(data, size);
            break;
        }
        one_message(data, h.nlmsg_len);
        size_t step = MNL_ALIGN(h.nlmsg_len);
        if (step >= size) {
            break;
        }
        data += step;
        size -= step;
    }
    return 0;
}
