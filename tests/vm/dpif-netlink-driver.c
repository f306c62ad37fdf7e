/* dpif-netlink-driver: what tests/vm/t-dpif-netlink.sh needs of the
 * kernel datapath type (softpath/dpif-netlink.h) beyond nicflow-dpctl's
 * commands: upcalls, which need a process that stays to receive them,
 * packet execution, and refusals that take a crafted flow.
 *
 *   dpif-netlink-driver upcall DP SECONDS MATCH...
 *       enables upcalls on system@DP, prints "ready" and the dispatch
 *       mode the kernel reports ("mode: per-cpu dispatch mode"), then
 *       each upcall as "miss|action: in_port N, KEY, ufid ok|BAD, len L
 *       [, userdata HEX], handler H" until SECONDS pass or, for each
 *       MATCH, one whose line contains it has come (the guest's own IPv6
 *       chatter may come first); then "misrouted: yes|no" (get_stats'
 *       upcalls_misrouted of this handle) and "lost meanwhile: N" (the
 *       kernel's count of lost upcalls, since "ready"); exits 0 if every
 *       MATCH came,
 *       2 if not.  "ufid ok" means the upcall's ufid is
 *       dpif_ufid_from_key() of its key, what a put of that key gets;
 *       H is the handler socket it came on
 *       (dpif_netlink_last_upcall_handler()).
 *   dpif-netlink-driver features DP
 *       prints the kernel's user features of DP, "features: 0xN NAMES"
 *       (unaligned, vport-pids, tc-recirc-sharing, per-cpu).
 *   dpif-netlink-driver execute DP IN_PORT ACTIONS HEXFRAME
 *       runs ACTIONS (dump-flows syntax) on the frame.
 *   dpif-netlink-driver action-upcall DP HEXFRAME
 *       enables upcalls, executes the frame (from port 1) with
 *       userspace(pid=0,userdata(cafe0001)) — pid 0 as nicflow's
 *       translation writes it — and prints the upcall that comes back
 *       ("action: ..., userdata cafe0001"); exits 2 if none does.
 *   dpif-netlink-driver meter DP HEXFRAME
 *       prints the meter features ("features: max_meters N, max_bands N,
 *       drop yes|no"), sets meter 1 (1 packet/s, burst 1, one drop band),
 *       executes the frame 10 times from port 1 with meter(1),2, prints
 *       the meter's counters ("stats: in N, band dropped D"), deletes it
 *       ("del: ok in N") and gets it again ("get after del: ENOENT").
 *   dpif-netlink-driver limit DP
 *       sets the flow limit to the number of flows now and tries to put
 *       one more; prints the put's result ("limit: EFBIG: message").
 *   dpif-netlink-driver limit-batches DP
 *       sets the flow limit 3 above the flows there now and puts two
 *       batches of two new flows; prints "limit-batches: R1 R2 R3 R4".
 *   dpif-netlink-driver tnl-pop DP
 *       tries to put a flow whose action is tnl_pop(1); prints the
 *       result.
 *   dpif-netlink-driver port-type DP NAME TYPE
 *       tries to add a port of TYPE; prints the result.
 *   dpif-netlink-driver execute-batch DP HEXFRAME KINDS
 *       runs one dpif_execute_batch() of the frame, one execution per
 *       letter of KINDS: 'o' from port 1 to port 2, 't' with tnl_pop
 *       (refused before the kernel), 'p' from port 70000 (refused by the
 *       kernel: no such port number); prints "execute-batch: RESULT".
 *   dpif-netlink-driver put-batch DP
 *       puts, in one dpif_flow_put_batch(), five flows from port 2 of
 *       EtherType 0x88b6: A (source ...:a1) -> 1, A again (EEXIST: the
 *       first is in), B with tnl_pop (refused before the kernel), C from
 *       port 70000 (refused by the kernel), D (...:a4) -> 1; prints
 *       "put-batch I: RESULT" for each and "put-batch failed: N".
 *   dpif-netlink-driver put-many DP N
 *       puts N distinct flows (EtherType 0x88b7) in one batch; prints
 *       "put-many: N ok".
 *
 * With NICFLOW_TEST_READERS=N, "upcall" shares the upcall sockets among
 * N readers (dpif_handlers_set(), at most 8), prints "readers: M" (how
 * many it made) and reads them all, each upcall's line ending in
 * ", reader R" when M > 1.
 *
 * With NICFLOW_TEST_DISPATCH=per-vport in the environment, upcalls are
 * enabled in per-vport dispatch (dpif_netlink_set_dispatch_preference()).
 *
 * Every failure prints "COMMAND: ERRNO-NAME: message" and exits 1. */
#include <errno.h>
#include <inttypes.h>
#include <linux/openvswitch.h>
#include <stdbool.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "softpath/dpif-netlink.h"
#include "softpath/dpif.h"
#include "softpath/odp.h"

static struct dpif *
open_dp(const char *name)
{
    char *full = xasprintf("system@%s", name);
    char *err = NULL;
    struct dpif *dpif;
    int error = dpif_open(full, NULL, false, &dpif, &err);

    if (error) {
        printf("open: %s: %s\n", nf_strerror(error), err ? err : "");
        exit(1);
    }
    free(full);
    return dpif;
}

static const char *
errname(int error)
{
    switch (error) {
    case 0:
        return "ok";
    case EFBIG:
        return "EFBIG";
    case EINVAL:
        return "EINVAL";
    case EOPNOTSUPP:
        return "EOPNOTSUPP";
    case EEXIST:
        return "EEXIST";
    case ENOENT:
        return "ENOENT";
    default:
        return nf_strerror(error);
    }
}

/* The readers of the handle's upcalls (NICFLOW_TEST_READERS). */
static size_t n_readers = 1;

/* Prints each upcall on DPIF (upcalls enabled) until, for each of
 * MATCHES[0 .. N - 1], one whose line contains it has come (returns 0) or
 * SECS pass (returns 2). */
static int
wait_upcalls(struct dpif *dpif, const char *secs, const char *const *matches,
             int n)
{
    long long deadline = nf_time_msec() + atoi(secs) * 1000LL;
    bool seen[16] = { false };
    int n_seen = 0;

    n = n < 16 ? n : 16;
    while (nf_time_msec() < deadline) {
        struct pollfd pfds[8];
        struct dpif_upcall u;
        size_t r;

        for (r = 0; r < n_readers; r++) {
            pfds[r] = (struct pollfd){ .fd = dpif_recv_handler_fd(dpif, r),
                                       .events = POLLIN };
        }
        poll(pfds, n_readers, 100);
        for (r = 0; r < n_readers; r++) {
            if (!dpif_recv_handler(dpif, r, &u)) {
                break;
            }
        }
        if (r == n_readers) {
            continue;
        }
        struct dpif_ufid want;
        struct buf b = BUF_INITIALIZER;
        dpif_ufid_from_key(u.key.data, u.key.len, &want);
        buf_printf(&b, "%s: in_port %u, ",
                   u.type == DPIF_UC_MISS ? "miss" : "action", u.in_port);
        odp_flow_format(&b, u.key.data, u.key.len, NULL, 0);
        buf_printf(&b, ", ufid %s, len %zu",
                   memcmp(&want, &u.ufid, sizeof want) ? "BAD" : "ok",
                   u.packet->size);
        for (size_t i = 0; i < u.userdata.len; i++) {
            buf_printf(&b, "%s%02x", i ? "" : ", userdata ",
                       u.userdata.data[i]);
        }
        buf_printf(&b, ", handler %d", dpif_netlink_last_upcall_handler(dpif));
        if (n_readers > 1) {
            buf_printf(&b, ", reader %zu", r);
        }
        for (int i = 0; i < n; i++) {
            if (!seen[i] && strstr(buf_cstr(&b), matches[i])) {
                seen[i] = true;
                n_seen++;
            }
        }
        printf("%s\n", buf_cstr(&b));
        fflush(stdout);
        buf_destroy(&b);
        dpif_upcall_destroy(&u);
        if (n_seen == n) {
            return 0;
        }
    }
    printf("upcall: none in %s s\n", secs);
    return 2;
}

static int
wait_upcall(struct dpif *dpif, const char *secs, const char *match)
{
    return wait_upcalls(dpif, secs, &match, 1);
}

static int
cmd_upcall(const char *dp, const char *secs, const char *const *matches, int n)
{
    struct dpif *dpif = open_dp(dp);
    int error = dpif_recv_set(dpif, true);

    if (error) {
        printf("upcall: recv_set: %s\n", nf_strerror(error));
        return 1;
    }
    const char *readers = getenv("NICFLOW_TEST_READERS");
    if (readers) {
        n_readers = dpif_handlers_set(dpif, (size_t) atoi(readers));
        n_readers = n_readers < 8 ? n_readers : 8;
        printf("readers: %zu\n", n_readers);
    }
    const char *mode = dpif_netlink_dispatch_mode(dpif);
    struct dpif_dp_stats st;
    memset(&st, 0, sizeof st);
    dpif_get_stats(dpif, &st);
    uint64_t lost = st.n_lost;
    printf("ready\nmode: %s\n", mode ? mode : "unknown");
    fflush(stdout);
    int status = wait_upcalls(dpif, secs, matches, n);
    memset(&st, 0, sizeof st);
    error = dpif_get_stats(dpif, &st);
    printf("misrouted: %s\n", error                  ? nf_strerror(error)
                              : st.upcalls_misrouted ? "yes"
                                                     : "no");
    printf("lost meanwhile: %" PRIu64 "\n", st.n_lost - lost);
    dpif_close(dpif);
    return status;
}

static int
cmd_features(const char *dp)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        { OVS_DP_F_UNALIGNED, "unaligned" },
        { OVS_DP_F_VPORT_PIDS, "vport-pids" },
        { OVS_DP_F_TC_RECIRC_SHARING, "tc-recirc-sharing" },
        { OVS_DP_F_DISPATCH_UPCALL_PER_CPU, "per-cpu" },
    };
    struct dpif *dpif = open_dp(dp);
    uint32_t f;
    int error = dpif_netlink_user_features(dpif, &f);

    if (error) {
        printf("features: %s\n", nf_strerror(error));
        return 1;
    }
    printf("features: 0x%" PRIx32, f);
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (f & names[i].bit) {
            printf(" %s", names[i].name);
        }
    }
    printf("\n");
    dpif_close(dpif);
    return 0;
}

/* Executes a frame with a userspace() action that names no pid (as
 * nicflow's translation writes it) and waits for its upcall. */
static int
cmd_action_upcall(const char *dp, const char *hex)
{
    struct dpif *dpif = open_dp(dp);
    struct buf acts = BUF_INITIALIZER, frame = BUF_INITIALIZER;
    static const uint8_t userdata[] = { 0xca, 0xfe, 0x00, 0x01 };
    char *err = NULL;

    if (dpif_recv_set(dpif, true)) {
        printf("action-upcall: recv_set failed\n");
        return 1;
    }
    for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) {
        unsigned v;
        sscanf(hex + i, "%2x", &v);
        buf_put_u8(&frame, (uint8_t) v);
    }
    odp_put_userspace(&acts, 0, userdata, sizeof userdata);
    struct pkt *p = pkt_from_data(frame.data, frame.len);
    struct dpif_execute e = {
        .packet = p,
        .in_port = 1,
        .actions = acts.data,
        .actions_len = acts.len,
    };
    int error = dpif_execute(dpif, &e, &err);
    printf("execute: %s%s%s\n", errname(error), err ? ": " : "",
           err ? err : "");
    free(err);
    pkt_delete(p);
    int status = error ? 1 : wait_upcall(dpif, "3", "action:");
    buf_destroy(&acts);
    buf_destroy(&frame);
    dpif_close(dpif);
    return status;
}

static int
cmd_execute(const char *dp, const char *in_port, const char *actions,
            const char *hex)
{
    struct dpif *dpif = open_dp(dp);
    struct buf acts = BUF_INITIALIZER, frame = BUF_INITIALIZER;
    char *err = NULL;

    if (odp_actions_from_string(actions, &acts, &err)) {
        printf("execute: bad actions: %s\n", err);
        return 1;
    }
    for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) {
        unsigned v;
        sscanf(hex + i, "%2x", &v);
        buf_put_u8(&frame, (uint8_t) v);
    }
    struct pkt *p = pkt_from_data(frame.data, frame.len);
    struct dpif_execute e = {
        .packet = p,
        .in_port = (uint32_t) atoi(in_port),
        .actions = acts.data,
        .actions_len = acts.len,
    };
    int error = dpif_execute(dpif, &e, &err);
    printf("execute: %s%s%s\n", errname(error), err ? ": " : "",
           err ? err : "");
    free(err);
    pkt_delete(p);
    buf_destroy(&acts);
    buf_destroy(&frame);
    dpif_close(dpif);
    return error ? 1 : 0;
}

/* Puts the flow KEY -> ACTIONS and prints "WHAT: RESULT". */
static int
try_put(struct dpif *dpif, const char *what, const char *key_s,
        const struct buf *acts)
{
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    char *err = NULL;

    if (odp_flow_from_string(key_s, &key, &mask, &err)) {
        printf("%s: bad key: %s\n", what, err);
        exit(1);
    }
    struct dpif_flow_put put = {
        .flags = DPIF_FP_CREATE,
        .key = key.data,
        .key_len = key.len,
        .mask = mask.data,
        .mask_len = mask.len,
        .actions = acts->data,
        .actions_len = acts->len,
    };
    int error = dpif_flow_put(dpif, &put, &err);
    printf("%s: %s%s%s\n", what, errname(error), err ? ": " : "",
           err ? err : "");
    free(err);
    buf_destroy(&key);
    buf_destroy(&mask);
    return error;
}

static int
cmd_meter(const char *dp, const char *hex)
{
    struct dpif *dpif = open_dp(dp);
    struct dpif_meter_features f;
    struct dpif_meter_stats st;
    struct buf acts = BUF_INITIALIZER, frame = BUF_INITIALIZER;
    char *err = NULL;

    dpif_meter_get_features(dpif, &f);
    printf("features: max_meters %u, max_bands %u, drop %s\n", f.max_meters,
           f.max_bands,
           f.band_types & (1u << DPIF_METER_BAND_DROP) ? "yes" : "no");
    struct dpif_meter_config c = {
        .flags = DPIF_METER_PKTPS | DPIF_METER_BURST | DPIF_METER_STATS,
        .n_bands = 1,
        .bands = { { .type = DPIF_METER_BAND_DROP,
                     .rate = 1,
                     .burst_size = 1 } },
    };
    int error = dpif_meter_set(dpif, 1, &c, &err);
    printf("set: %s%s%s\n", errname(error), err ? ": " : "", err ? err : "");
    free(err);
    err = NULL;

    for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) {
        unsigned v;
        sscanf(hex + i, "%2x", &v);
        buf_put_u8(&frame, (uint8_t) v);
    }
    odp_put_meter(&acts, 1);
    odp_put_output(&acts, 2);
    struct pkt *p = pkt_from_data(frame.data, frame.len);
    struct dpif_execute e = {
        .packet = p,
        .in_port = 1,
        .actions = acts.data,
        .actions_len = acts.len,
    };
    for (int i = 0; i < 10; i++) {
        if (dpif_execute(dpif, &e, NULL)) {
            printf("execute failed\n");
        }
    }
    pkt_delete(p);
    error = dpif_meter_get(dpif, 1, &st);
    printf("stats: %s in %llu, band dropped %llu\n", errname(error),
           (unsigned long long) st.packet_in_count,
           (unsigned long long) (st.n_bands ? st.bands[0].n_packets : 0));
    error = dpif_meter_del(dpif, 1, &st);
    printf("del: %s in %llu\n", errname(error),
           (unsigned long long) st.packet_in_count);
    error = dpif_meter_get(dpif, 1, &st);
    printf("get after del: %s\n", errname(error));
    buf_destroy(&acts);
    buf_destroy(&frame);
    dpif_close(dpif);
    return 0;
}

static int
cmd_limit(const char *dp)
{
    struct dpif *dpif = open_dp(dp);
    struct dpif_dp_stats st;
    struct buf acts = BUF_INITIALIZER;

    dpif_get_stats(dpif, &st);
    dpif_set_flow_limit(dpif, st.n_flows);
    odp_put_output(&acts, 1);
    try_put(dpif, "limit",
            "in_port(2),eth(src=02:00:00:00:00:99/ff:ff:ff:ff:ff:ff),"
            "eth_type(0x88b5)",
            &acts);
    buf_destroy(&acts);
    dpif_close(dpif);
    return 0;
}

static void parse_key(const char *key_s, struct buf *key, struct buf *mask);

/* Makes *PUT a create of the flow KEY_S (dump-flows syntax, parsed into
 * KEY and MASK, initialised here) with actions ACTS. */
static void
make_put(struct dpif_flow_put *put, const char *key_s, struct buf *key,
         struct buf *mask, const struct buf *acts)
{
    buf_init(key);
    buf_init(mask);
    parse_key(key_s, key, mask);
    *put = (struct dpif_flow_put){
        .flags = DPIF_FP_CREATE,
        .key = key->data,
        .key_len = key->len,
        .mask = mask->data,
        .mask_len = mask->len,
        .actions = acts->data,
        .actions_len = acts->len,
    };
}

/* Puts flows FIRST .. FIRST + N - 1 (EtherType 0x88b8, one source MAC
 * each) in one batch; their results go to ERRORS. */
static void
put_range(struct dpif *dpif, size_t first, size_t n, int *errors)
{
    struct dpif_flow_put puts[8];
    struct buf keys[8], masks[8];
    struct buf out1 = BUF_INITIALIZER;

    odp_put_output(&out1, 1);
    for (size_t i = 0; i < n && i < 8; i++) {
        char *s = xasprintf("in_port(2),eth(src=02:00:00:02:00:%02zx/"
                            "ff:ff:ff:ff:ff:ff),eth_type(0x88b8)",
                            first + i);
        make_put(&puts[i], s, &keys[i], &masks[i], &out1);
        free(s);
    }
    dpif_flow_put_batch(dpif, puts, n, errors, NULL);
    for (size_t i = 0; i < n && i < 8; i++) {
        buf_destroy(&keys[i]);
        buf_destroy(&masks[i]);
    }
    buf_destroy(&out1);
}

/* Deletes the flows put_range() put for FIRST .. FIRST + N - 1. */
static void
del_range(struct dpif *dpif, size_t first, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
        char *s = xasprintf("in_port(2),eth(src=02:00:00:02:00:%02zx/"
                            "ff:ff:ff:ff:ff:ff),eth_type(0x88b8)",
                            first + i);
        parse_key(s, &key, &mask);
        dpif_flow_del(dpif, NULL, key.data, key.len, NULL);
        free(s);
        buf_destroy(&key);
        buf_destroy(&mask);
    }
}

/* The limit across batches: a limit 3 above the flows there now, then two
 * batches of two creates; the second batch's second put is one too many
 * (the handle must not take its own count of what it put for room). */
static int
cmd_limit_batches(const char *dp)
{
    struct dpif *dpif = open_dp(dp);
    struct dpif_dp_stats st;
    int errors[4];

    memset(&st, 0, sizeof st);
    dpif_get_stats(dpif, &st);
    dpif_set_flow_limit(dpif, st.n_flows + 3);
    put_range(dpif, 0, 2, errors);
    put_range(dpif, 2, 2, errors + 2);
    printf("limit-batches:");
    for (size_t i = 0; i < 4; i++) {
        printf(" %s", errors[i] ? errname(errors[i]) : "ok");
    }
    printf("\n");
    del_range(dpif, 0, 4);
    dpif_close(dpif);
    return 0;
}

static int
cmd_tnl_pop(const char *dp)
{
    struct dpif *dpif = open_dp(dp);
    struct buf acts = BUF_INITIALIZER;

    odp_put_tnl_pop(&acts, 1);
    try_put(dpif, "tnl-pop",
            "in_port(2),eth(src=02:00:00:00:00:98/ff:ff:ff:ff:ff:ff),"
            "eth_type(0x88b5)",
            &acts);
    buf_destroy(&acts);
    dpif_close(dpif);
    return 0;
}

static int
cmd_port_type(const char *dp, const char *name, const char *type)
{
    struct dpif *dpif = open_dp(dp);
    uint32_t port_no = DPIF_PORT_ANY;
    char *err = NULL;
    int error = dpif_port_add(dpif, name, type, NULL, &port_no, &err);

    printf("port-type: %s%s%s\n", errname(error), err ? ": " : "",
           err ? err : "");
    free(err);
    dpif_close(dpif);
    return 0;
}

static void
parse_frame(const char *hex, struct buf *frame)
{
    for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) {
        unsigned v;
        sscanf(hex + i, "%2x", &v);
        buf_put_u8(frame, (uint8_t) v);
    }
}

static int
cmd_execute_batch(const char *dp, const char *hex, const char *kinds)
{
    struct dpif *dpif = open_dp(dp);
    struct buf out2 = BUF_INITIALIZER, pop = BUF_INITIALIZER;
    struct buf frame = BUF_INITIALIZER;
    struct dpif_execute execs[16];
    size_t n = 0;
    char *err = NULL;

    parse_frame(hex, &frame);
    odp_put_output(&out2, 2);
    odp_put_tnl_pop(&pop, 1);
    struct pkt *p = pkt_from_data(frame.data, frame.len);
    for (const char *k = kinds; *k && n < ARRAY_SIZE(execs); k++, n++) {
        const struct buf *acts = *k == 't' ? &pop : &out2;
        execs[n] = (struct dpif_execute){
            .packet = p,
            .in_port = *k == 'p' ? 70000 : 1,
            .actions = acts->data,
            .actions_len = acts->len,
        };
    }
    int error = dpif_execute_batch(dpif, execs, n, &err);
    printf("execute-batch: %s%s%s\n", errname(error), err ? ": " : "",
           err ? err : "");
    free(err);
    pkt_delete(p);
    buf_destroy(&out2);
    buf_destroy(&pop);
    buf_destroy(&frame);
    dpif_close(dpif);
    return 0;
}

/* Parses KEY_S into KEY and MASK, or exits. */
static void
parse_key(const char *key_s, struct buf *key, struct buf *mask)
{
    char *err = NULL;

    if (odp_flow_from_string(key_s, key, mask, &err)) {
        printf("bad key %s: %s\n", key_s, err);
        exit(1);
    }
}

static int
cmd_put_batch(const char *dp)
{
    static const char *const keys[] = {
        "in_port(2),eth(src=02:00:00:00:00:a1/ff:ff:ff:ff:ff:ff),"
        "eth_type(0x88b6)",
        "in_port(2),eth(src=02:00:00:00:00:a1/ff:ff:ff:ff:ff:ff),"
        "eth_type(0x88b6)",
        "in_port(2),eth(src=02:00:00:00:00:a2/ff:ff:ff:ff:ff:ff),"
        "eth_type(0x88b6)",
        "in_port(70000),eth(src=02:00:00:00:00:a3/ff:ff:ff:ff:ff:ff),"
        "eth_type(0x88b6)",
        "in_port(2),eth(src=02:00:00:00:00:a4/ff:ff:ff:ff:ff:ff),"
        "eth_type(0x88b6)",
    };
    enum { N = ARRAY_SIZE(keys) };
    struct dpif *dpif = open_dp(dp);
    struct buf key[N], mask[N], out1 = BUF_INITIALIZER, pop = BUF_INITIALIZER;
    struct dpif_flow_put puts[N];
    int errors[N];
    char *errs[N];

    odp_put_output(&out1, 1);
    odp_put_tnl_pop(&pop, 1);
    for (size_t i = 0; i < N; i++) {
        const struct buf *acts = i == 2 ? &pop : &out1;
        buf_init(&key[i]);
        buf_init(&mask[i]);
        parse_key(keys[i], &key[i], &mask[i]);
        puts[i] = (struct dpif_flow_put){
            .flags = DPIF_FP_CREATE,
            .key = key[i].data,
            .key_len = key[i].len,
            .mask = mask[i].data,
            .mask_len = mask[i].len,
            .actions = acts->data,
            .actions_len = acts->len,
        };
    }
    size_t n_failed = dpif_flow_put_batch(dpif, puts, N, errors, errs);
    for (size_t i = 0; i < N; i++) {
        printf("put-batch %zu: %s%s%s\n", i, errname(errors[i]),
               errs[i] ? ": " : "", errs[i] ? errs[i] : "");
        free(errs[i]);
        buf_destroy(&key[i]);
        buf_destroy(&mask[i]);
    }
    printf("put-batch failed: %zu\n", n_failed);
    buf_destroy(&out1);
    buf_destroy(&pop);
    dpif_close(dpif);
    return 0;
}

static int
cmd_put_many(const char *dp, const char *n_s)
{
    struct dpif *dpif = open_dp(dp);
    size_t n = (size_t) atoi(n_s);
    struct dpif_flow_put *puts = xcalloc(n, sizeof *puts);
    struct buf *keys = xcalloc(n, sizeof *keys);
    struct buf *masks = xcalloc(n, sizeof *masks);
    int *errors = xcalloc(n, sizeof *errors);
    struct buf out1 = BUF_INITIALIZER;

    odp_put_output(&out1, 1);
    for (size_t i = 0; i < n; i++) {
        char *s = xasprintf("in_port(2),eth(src=02:00:00:01:%02zx:%02zx/"
                            "ff:ff:ff:ff:ff:ff),eth_type(0x88b7)",
                            i / 256, i % 256);
        make_put(&puts[i], s, &keys[i], &masks[i], &out1);
        free(s);
    }
    size_t n_failed = dpif_flow_put_batch(dpif, puts, n, errors, NULL);
    printf("put-many: %zu ok\n", n - n_failed);
    for (size_t i = 0; i < n; i++) {
        if (errors[i]) {
            printf("put-many %zu: %s\n", i, errname(errors[i]));
        }
        buf_destroy(&keys[i]);
        buf_destroy(&masks[i]);
    }
    free(puts);
    free(keys);
    free(masks);
    free(errors);
    buf_destroy(&out1);
    dpif_close(dpif);
    return 0;
}

int
main(int argc, char *argv[])
{
    nf_set_program_name(argv[0]);
    const char *pref = getenv("NICFLOW_TEST_DISPATCH");
    if (pref && !strcmp(pref, "per-vport")) {
        dpif_netlink_set_dispatch_preference(false);
    }
    if (argc >= 5 && !strcmp(argv[1], "upcall")) {
        return cmd_upcall(argv[2], argv[3], (const char *const *) argv + 4,
                          argc - 4);
    } else if (argc == 3 && !strcmp(argv[1], "features")) {
        return cmd_features(argv[2]);
    } else if (argc == 4 && !strcmp(argv[1], "action-upcall")) {
        return cmd_action_upcall(argv[2], argv[3]);
    } else if (argc == 6 && !strcmp(argv[1], "execute")) {
        return cmd_execute(argv[2], argv[3], argv[4], argv[5]);
    } else if (argc == 4 && !strcmp(argv[1], "meter")) {
        return cmd_meter(argv[2], argv[3]);
    } else if (argc == 3 && !strcmp(argv[1], "limit")) {
        return cmd_limit(argv[2]);
    } else if (argc == 3 && !strcmp(argv[1], "limit-batches")) {
        return cmd_limit_batches(argv[2]);
    } else if (argc == 3 && !strcmp(argv[1], "tnl-pop")) {
        return cmd_tnl_pop(argv[2]);
    } else if (argc == 5 && !strcmp(argv[1], "port-type")) {
        return cmd_port_type(argv[2], argv[3], argv[4]);
    } else if (argc == 5 && !strcmp(argv[1], "execute-batch")) {
        return cmd_execute_batch(argv[2], argv[3], argv[4]);
    } else if (argc == 3 && !strcmp(argv[1], "put-batch")) {
        return cmd_put_batch(argv[2]);
    } else if (argc == 4 && !strcmp(argv[1], "put-many")) {
        return cmd_put_many(argv[2], argv[3]);
    }
    fprintf(stderr, "usage: see tests/vm/dpif-netlink-driver.c\n");
    return 1;
}
