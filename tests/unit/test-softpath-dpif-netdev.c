/* Tests of the userspace datapath (softpath/dpif-netdev.c), with dummy ports
 * only, so that they run without privileges: frames are injected with
 * netdev_dummy_receive() and what the datapath sends is popped with
 * netdev_dummy_pop_sent(). */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/flow.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "softpath/dpif-netdev.h"
#include "softpath/dpif.h"
#include "softpath/netdev-provider.h"
#include "softpath/netdev.h"
#include "softpath/odp.h"

/* Port numbers of the fixture's three dummy ports. */
#define P1 1
#define P2 2
#define P3 3

struct fixture {
    struct dpif *dpif;
    struct netdev *ports[4]; /* Indexed by port number; [0] unused. */
};

static int
setup(void **state)
{
    static const char *const names[] = { NULL, "tdp-p1", "tdp-p2", "tdp-p3" };
    struct fixture *fx = xzalloc(sizeof *fx);

    dpif_netdev_register();
    dpif_netdev_set_local_port_type("dummy");
    /* Every hit enters the cache, so that the cache path runs too. */
    dpif_netdev_set_emc_insert_inv_prob(1);
    assert_int_equal(dpif_open("tdp", "netdev", true, &fx->dpif, NULL), 0);
    for (uint32_t i = P1; i <= P3; i++) {
        uint32_t no = i;

        assert_int_equal(
            dpif_port_add(fx->dpif, names[i], "dummy", NULL, &no, NULL), 0);
        assert_int_equal(no, i);
        fx->ports[i] = netdev_from_name(names[i]);
        assert_non_null(fx->ports[i]);
    }
    assert_int_equal(dpif_recv_set(fx->dpif, true), 0);
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *fx = *state;

    assert_int_equal(dpif_destroy(fx->dpif, NULL), 0);
    dpif_close(fx->dpif);
    free(fx);
    return 0;
}

/* A TCP frame from 10.0.0.SRC with TCP_FLAGS (host order), PAYLOAD bytes
 * of filler. */
static struct pkt *
make_tcp(uint8_t src, uint16_t tcp_flags, size_t payload)
{
    struct pkt *p = netdev_pkt_new(128 + payload);
    struct flow f;

    memset(&f, 0, sizeof f);
    memcpy(f.dl_src.ea, "\x00\x11\x22\x33\x44\x55", 6);
    memcpy(f.dl_dst.ea, "\x00\x66\x77\x88\x99\xaa", 6);
    f.dl_type = htons(0x0800);
    f.nw_src = htonl(0x0a000000 | src);
    f.nw_dst = htonl(0x0a0000fe);
    f.nw_proto = 6;
    f.nw_ttl = 64;
    f.tp_src = htons(1234);
    f.tp_dst = htons(80);
    f.tcp_flags = htons(tcp_flags);
    assert_int_equal(flow_compose(p, &f, payload), 0);
    return p;
}

static void
inject(struct fixture *fx, uint32_t port, struct pkt *p)
{
    assert_int_equal(netdev_dummy_receive(fx->ports[port], p), 0);
}

static void
put_text(struct fixture *fx, const char *flow, const char *actions,
         unsigned flags, int expected, struct dpif_flow_stats *stats)
{
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER;
    char *err = NULL;

    assert_int_equal(odp_flow_from_string(flow, &key, &mask, NULL), 0);
    assert_int_equal(odp_actions_from_string(actions, &acts, NULL), 0);
    struct dpif_flow_put put = {
        .flags = flags,
        .key = key.data,
        .key_len = key.len,
        .mask = mask.data,
        .mask_len = mask.len,
        .actions = acts.data,
        .actions_len = acts.len,
        .stats = stats,
    };
    assert_int_equal(dpif_flow_put(fx->dpif, &put, &err), expected);
    free(err);
    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&acts);
}

static void
put_flow(struct fixture *fx, const char *flow, const char *actions)
{
    put_text(fx, flow, actions, DPIF_FP_CREATE, 0, NULL);
}

/* Gets the flow written as FLOW (by its key, hence its derived ufid). */
static int
get_text(struct fixture *fx, const char *flow, struct dpif_flow *out)
{
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    int error;

    assert_int_equal(odp_flow_from_string(flow, &key, &mask, NULL), 0);
    error = dpif_flow_get(fx->dpif, NULL, key.data, key.len, out);
    buf_destroy(&key);
    buf_destroy(&mask);
    return error;
}

/* Pops every frame sent on PORT and returns how many there were; checks
 * that each has SIZE bytes. */
static int
pop_all(struct fixture *fx, uint32_t port, size_t size)
{
    struct pkt *p;
    int n = 0;

    while ((p = netdev_dummy_pop_sent(fx->ports[port]))) {
        assert_int_equal(p->size, size);
        pkt_delete(p);
        n++;
    }
    return n;
}

static void
test_output_to_two_ports(void **state)
{
    struct fixture *fx = *state;
    struct dpif_flow f;
    struct pkt *p = make_tcp(1, TCP_SYN, 20);
    size_t size = p->size;
    struct pkt *sent;

    put_flow(fx, "in_port(1),eth(),eth_type(0x0800)", "2,3");
    inject(fx, P1, p);
    assert_int_equal(dpif_netdev_run(fx->dpif), 1);

    /* Both copies must be the very frame injected. */
    struct pkt *orig = make_tcp(1, TCP_SYN, 20);
    for (uint32_t port = P2; port <= P3; port++) {
        sent = netdev_dummy_pop_sent(fx->ports[port]);
        assert_non_null(sent);
        assert_int_equal(sent->size, size);
        assert_memory_equal(sent->data, orig->data, size);
        pkt_delete(sent);
        assert_null(netdev_dummy_pop_sent(fx->ports[port]));
    }
    pkt_delete(orig);
    assert_int_equal(pop_all(fx, P1, 0), 0);

    assert_int_equal(get_text(fx, "in_port(1),eth(),eth_type(0x0800)", &f), 0);
    assert_int_equal(f.stats.n_packets, 1);
    assert_int_equal(f.stats.n_bytes, size);
    assert_true(f.stats.used > 0);
    assert_int_equal(f.stats.tcp_flags, TCP_SYN);
    dpif_flow_destroy(&f);
}

/* Megaflows with an exact in_port live in their port's classifier, the
 * rest in a shared one that every port's lookups reach too. */
static void
test_port_classifiers(void **state)
{
    struct fixture *fx = *state;
    struct pkt *model = make_tcp(1, TCP_SYN, 20);
    size_t size = model->size;

    pkt_delete(model);
    /* No in_port: a wildcard over every port. */
    put_flow(fx, "eth(),eth_type(0x0800)", "3");
    put_flow(fx, "in_port(3),eth(),eth_type(0x0800)", "1");
    inject(fx, P1, make_tcp(1, TCP_SYN, 20));
    inject(fx, P2, make_tcp(2, TCP_SYN, 20));
    inject(fx, P3, make_tcp(3, TCP_SYN, 20));
    for (int i = 0; i < 3; i++) {
        dpif_netdev_run(fx->dpif);
    }
    /* Ports 1 and 2 find the shared flow; port 3 its own, first. */
    assert_int_equal(pop_all(fx, P3, size), 2);
    assert_int_equal(pop_all(fx, P1, size), 1);

    struct dpif_dp_stats st;
    assert_int_equal(dpif_get_stats(fx->dpif, &st), 0);
    assert_int_equal(st.n_hit, 3);
    assert_int_equal(st.n_flows, 2);
    /* One mask in the shared classifier, one in port 3's. */
    assert_int_equal(st.n_masks, 2);

    /* Deleting the port's flow leaves port 3 with the shared one. */
    struct dpif_flow f;
    assert_int_equal(get_text(fx, "in_port(3),eth(),eth_type(0x0800)", &f), 0);
    assert_int_equal(dpif_flow_del(fx->dpif, &f.ufid, NULL, 0, NULL), 0);
    dpif_flow_destroy(&f);
    inject(fx, P3, make_tcp(3, TCP_SYN, 20));
    dpif_netdev_run(fx->dpif);
    assert_int_equal(pop_all(fx, P3, size), 1);
}

static void
test_miss_then_hit(void **state)
{
    struct fixture *fx = *state;
    struct dpif_upcall u, u2;
    struct dpif_ufid ufid;
    struct dpif_dp_stats ds;
    struct dpif_flow f;
    struct flow key;
    struct pollfd pfd;
    size_t size;

    pfd.fd = dpif_recv_fd(fx->dpif);
    pfd.events = POLLIN;
    assert_true(pfd.fd >= 0);
    assert_int_equal(poll(&pfd, 1, 0), 0);

    /* One upcall queue: however many handlers are asked for, one reads
     * it, reader 0, which is what dpif_recv() reads. */
    assert_int_equal(dpif_handlers_set(fx->dpif, 4), 1);
    assert_int_equal(dpif_recv_handler_fd(fx->dpif, 0), pfd.fd);
    assert_int_equal(dpif_recv_handler_fd(fx->dpif, 1), -1);
    assert_int_equal(dpif_recv_handler(fx->dpif, 1, &u), EAGAIN);

    struct pkt *p = make_tcp(7, TCP_ACK, 10);
    size = p->size;
    inject(fx, P1, p);
    assert_int_equal(dpif_netdev_run(fx->dpif), 1);
    assert_int_equal(pop_all(fx, P2, 0), 0);

    /* The miss is queued and the upcall fd says so. */
    assert_int_equal(poll(&pfd, 1, 0), 1);
    assert_int_equal(dpif_recv(fx->dpif, &u), 0);
    assert_int_equal(u.type, DPIF_UC_MISS);
    assert_int_equal(u.in_port, P1);
    assert_non_null(u.packet);
    assert_int_equal(u.packet->size, size);
    assert_int_equal(odp_key_to_flow(u.key.data, u.key.len, &key, NULL), 0);
    assert_int_equal(key.in_port, P1);
    assert_int_equal(key.nw_src, htonl(0x0a000007));
    assert_int_equal(key.tp_dst, htons(80));
    dpif_ufid_from_key(u.key.data, u.key.len, &ufid);
    assert_memory_equal(&ufid, &u.ufid, sizeof ufid);
    assert_int_equal(dpif_recv(fx->dpif, &u2), EAGAIN);
    assert_int_equal(poll(&pfd, 1, 0), 0);

    /* The flow for it, exact on the upcall's key, catches the next
     * packet. */
    struct buf acts = BUF_INITIALIZER;
    odp_put_output(&acts, P2);
    struct dpif_flow_put put = {
        .flags = DPIF_FP_CREATE,
        .key = u.key.data,
        .key_len = u.key.len,
        .actions = acts.data,
        .actions_len = acts.len,
    };
    assert_int_equal(dpif_flow_put(fx->dpif, &put, NULL), 0);
    for (int i = 0; i < 3; i++) {
        inject(fx, P1, make_tcp(7, TCP_ACK, 10));
        assert_int_equal(dpif_netdev_run(fx->dpif), 1);
    }
    assert_int_equal(pop_all(fx, P2, size), 3);
    assert_int_equal(dpif_recv(fx->dpif, &u2), EAGAIN);

    assert_int_equal(dpif_flow_get(fx->dpif, &ufid, NULL, 0, &f), 0);
    assert_int_equal(f.stats.n_packets, 3);
    assert_int_equal(f.stats.n_bytes, 3 * size);
    assert_true(f.stats.used > 0);
    assert_int_equal(f.stats.tcp_flags, TCP_ACK);
    dpif_flow_destroy(&f);

    /* A packet that differs in a field of the key misses again. */
    inject(fx, P1, make_tcp(8, TCP_ACK, 10));
    assert_int_equal(dpif_netdev_run(fx->dpif), 1);
    assert_int_equal(pop_all(fx, P2, size), 0);
    assert_int_equal(dpif_get_stats(fx->dpif, &ds), 0);
    assert_int_equal(ds.n_hit, 3);
    assert_int_equal(ds.n_missed, 2);
    assert_int_equal(ds.n_lost, 0);
    assert_int_equal(ds.n_flows, 1);
    assert_int_equal(ds.n_masks, 1);

    dpif_upcall_destroy(&u);
    assert_int_equal(dpif_recv(fx->dpif, &u2), 0);
    dpif_upcall_destroy(&u2);
    buf_destroy(&acts);
}

static void
test_put_flags(void **state)
{
    struct fixture *fx = *state;
    const char *flow = "in_port(1),eth(),eth_type(0x0800)";
    struct dpif_flow_stats st;
    struct dpif_flow f;

    put_text(fx, flow, "2", DPIF_FP_MODIFY, ENOENT, NULL);
    put_text(fx, flow, "2", DPIF_FP_CREATE, 0, &st);
    assert_int_equal(st.n_packets, 0);
    put_text(fx, flow, "3", DPIF_FP_CREATE, EEXIST, NULL);

    inject(fx, P1, make_tcp(1, 0, 0));
    dpif_netdev_run(fx->dpif);
    assert_int_equal(pop_all(fx, P2, 54), 1);

    /* A modify returns the old statistics, keeps them, changes actions. */
    put_text(fx, flow, "3", DPIF_FP_MODIFY, 0, &st);
    assert_int_equal(st.n_packets, 1);
    inject(fx, P1, make_tcp(1, 0, 0));
    dpif_netdev_run(fx->dpif);
    assert_int_equal(pop_all(fx, P2, 54), 0);
    assert_int_equal(pop_all(fx, P3, 54), 1);
    assert_int_equal(get_text(fx, flow, &f), 0);
    assert_int_equal(f.stats.n_packets, 2);
    dpif_flow_destroy(&f);

    /* ZERO_STATS resets them; CREATE|MODIFY on an existing flow
     * modifies. */
    put_text(fx, flow, "2",
             DPIF_FP_CREATE | DPIF_FP_MODIFY | DPIF_FP_ZERO_STATS, 0, &st);
    assert_int_equal(st.n_packets, 2);
    assert_int_equal(get_text(fx, flow, &f), 0);
    assert_int_equal(f.stats.n_packets, 0);
    assert_int_equal(f.stats.used, 0);
    dpif_flow_destroy(&f);
}

static void
test_get_del_flush_dump(void **state)
{
    struct fixture *fx = *state;
    struct dpif_flow_stats st;
    struct dpif_flow flows[3];
    struct dpif_ufid seen[16];
    struct dpif_dp_stats ds;
    struct dpif_flow f;
    size_t n_seen = 0, n;
    char text[128];

    for (int i = 0; i < 10; i++) {
        snprintf(text, sizeof text,
                 "in_port(1),eth(),eth_type(0x0800),ipv4(src=10.0.0.%d)",
                 i + 1);
        put_flow(fx, text, "2");
    }
    struct dpif_flow_dump *dump = dpif_flow_dump_start(fx->dpif);
    while ((n = dpif_flow_dump_next(dump, flows, 3)) > 0) {
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n_seen; j++) {
                assert_memory_not_equal(&seen[j], &flows[i].ufid,
                                        sizeof seen[j]);
            }
            assert_true(n_seen < 10);
            seen[n_seen++] = flows[i].ufid;
            assert_true(flows[i].key.len > 0);
            assert_true(flows[i].mask.len > 0);
            assert_true(flows[i].actions.len > 0);
            dpif_flow_destroy(&flows[i]);
        }
    }
    dpif_flow_dump_done(dump);
    assert_int_equal(n_seen, 10);

    /* One packet hits flow 3, and its final statistics come back on
     * delete. */
    inject(fx, P1, make_tcp(3, 0, 0));
    dpif_netdev_run(fx->dpif);
    assert_int_equal(pop_all(fx, P2, 54), 1);
    assert_int_equal(
        get_text(fx, "in_port(1),eth(),eth_type(0x0800),ipv4(src=10.0.0.3)",
                 &f),
        0);
    assert_int_equal(dpif_flow_del(fx->dpif, &f.ufid, NULL, 0, &st), 0);
    assert_int_equal(st.n_packets, 1);
    assert_int_equal(dpif_flow_get(fx->dpif, &f.ufid, NULL, 0, &flows[0]),
                     ENOENT);
    assert_int_equal(dpif_flow_del(fx->dpif, &f.ufid, NULL, 0, NULL), ENOENT);
    dpif_flow_destroy(&f);

    /* The deleted flow's cache entry must not be used. */
    inject(fx, P1, make_tcp(3, 0, 0));
    dpif_netdev_run(fx->dpif);
    assert_int_equal(pop_all(fx, P2, 54), 0);

    assert_int_equal(dpif_get_stats(fx->dpif, &ds), 0);
    assert_int_equal(ds.n_flows, 9);
    assert_int_equal(dpif_flow_flush(fx->dpif), 0);
    assert_int_equal(dpif_get_stats(fx->dpif, &ds), 0);
    assert_int_equal(ds.n_flows, 0);
    dump = dpif_flow_dump_start(fx->dpif);
    assert_int_equal(dpif_flow_dump_next(dump, flows, 3), 0);
    dpif_flow_dump_done(dump);
}

/* The revalidator's reads: counters by ufid, many at a time, and
 * whether each flow still exists. */
static void
test_get_stats(void **state)
{
    struct fixture *fx = *state;
    struct dpif_flow_stats st[3];
    struct dpif_ufid ufids[3];
    struct dpif_flow f;
    bool found[3];

    put_flow(fx, "in_port(1),eth(),eth_type(0x0800),ipv4(src=10.0.0.1)", "2");
    put_flow(fx, "in_port(1),eth(),eth_type(0x0800),ipv4(src=10.0.0.2)", "2");
    for (int i = 0; i < 2; i++) {
        char text[96];

        snprintf(text, sizeof text,
                 "in_port(1),eth(),eth_type(0x0800),ipv4(src=10.0.0.%d)",
                 i + 1);
        assert_int_equal(get_text(fx, text, &f), 0);
        ufids[i] = f.ufid;
        dpif_flow_destroy(&f);
    }
    memset(&ufids[2], 0x5a, sizeof ufids[2]); /* No such flow. */

    inject(fx, P1, make_tcp(2, 0, 0));
    inject(fx, P1, make_tcp(2, 0, 0));
    dpif_netdev_run(fx->dpif);
    assert_int_equal(pop_all(fx, P2, 54), 2);

    memset(st, 0xff, sizeof st);
    dpif_flow_get_stats(fx->dpif, ufids, 3, st, found);
    assert_true(found[0]);
    assert_int_equal(st[0].n_packets, 0);
    assert_int_equal(st[0].used, 0);
    assert_true(found[1]);
    assert_int_equal(st[1].n_packets, 2);
    assert_int_equal(st[1].n_bytes, 108);
    assert_true(st[1].used > 0);
    assert_false(found[2]);
    assert_int_equal(st[2].n_packets, 0);
}

/* A batch of executions sends every packet, in order, with the actions of
 * each; a bad one is refused and the others still run. */
static void
test_execute_batch(void **state)
{
    struct fixture *fx = *state;
    struct buf to2 = BUF_INITIALIZER, to3 = BUF_INITIALIZER;
    struct pkt *pkts[3];
    char *err = NULL;

    assert_int_equal(odp_actions_from_string("2", &to2, NULL), 0);
    assert_int_equal(odp_actions_from_string("3,2", &to3, NULL), 0);
    for (int i = 0; i < 3; i++) {
        pkts[i] = make_tcp((uint8_t) (i + 1), 0, 0);
    }
    static const uint8_t junk[] = { 4, 0, 99, 0 }; /* Unknown attribute. */
    struct dpif_execute execs[] = {
        { .packet = pkts[0],
          .in_port = P1,
          .actions = to2.data,
          .actions_len = to2.len },
        { .packet = pkts[1],
          .in_port = P1,
          .actions = junk,
          .actions_len = sizeof junk },
        { .packet = pkts[2],
          .in_port = P1,
          .actions = to3.data,
          .actions_len = to3.len },
    };
    assert_int_equal(dpif_execute_batch(fx->dpif, execs, 3, &err), EINVAL);
    assert_non_null(err);
    free(err);
    assert_int_equal(pop_all(fx, P2, 54), 2);
    assert_int_equal(pop_all(fx, P3, 54), 1);

    assert_int_equal(dpif_execute_batch(fx->dpif, execs, 1, NULL), 0);
    assert_int_equal(pop_all(fx, P2, 54), 1);
    for (int i = 0; i < 3; i++) {
        pkt_delete(pkts[i]);
    }
    buf_destroy(&to2);
    buf_destroy(&to3);
}

static void
test_flow_limit(void **state)
{
    struct fixture *fx = *state;

    assert_int_equal(dpif_set_flow_limit(fx->dpif, 2), 0);
    put_flow(fx, "in_port(1),eth(),eth_type(0x0800)", "2");
    put_flow(fx, "in_port(2),eth(),eth_type(0x0800)", "1");
    put_text(fx, "in_port(3),eth(),eth_type(0x0800)", "1", DPIF_FP_CREATE,
             EFBIG, NULL);
    /* Modifying an existing flow is no new flow. */
    put_text(fx, "in_port(1),eth(),eth_type(0x0800)", "3", DPIF_FP_MODIFY, 0,
             NULL);
    assert_int_equal(dpif_set_flow_limit(fx->dpif, 0), 0);
    put_flow(fx, "in_port(3),eth(),eth_type(0x0800)", "1");
}

static void
test_port_del_and_dump(void **state)
{
    struct fixture *fx = *state;
    struct dpif_ports ports = { NULL, 0 };
    struct dpif_port port;
    struct dpif_dp_stats ds;
    uint32_t no = DPIF_PORT_ANY;

    put_flow(fx, "in_port(1),eth(),eth_type(0x0800)", "2,3");
    assert_int_equal(dpif_port_del(fx->dpif, P2, NULL), 0);
    assert_int_equal(dpif_port_del(fx->dpif, P2, NULL), ENOENT);
    assert_int_equal(dpif_port_del(fx->dpif, DPIF_PORT_LOCAL, NULL), EINVAL);
    fx->ports[P2] = NULL;

    /* Output to the deleted port drops; the other output still works. */
    inject(fx, P1, make_tcp(1, 0, 0));
    dpif_netdev_run(fx->dpif);
    assert_int_equal(pop_all(fx, P3, 54), 1);
    assert_int_equal(dpif_get_stats(fx->dpif, &ds), 0);
    assert_int_equal(ds.n_hit, 1);

    assert_int_equal(dpif_port_dump(fx->dpif, &ports), 0);
    assert_int_equal(ports.n, 3);
    assert_int_equal(ports.ports[0].port_no, 0);
    assert_string_equal(ports.ports[0].name, "tdp");
    assert_int_equal(ports.ports[1].port_no, P1);
    assert_string_equal(ports.ports[1].name, "tdp-p1");
    assert_string_equal(ports.ports[1].type, "dummy");
    assert_int_equal(ports.ports[2].port_no, P3);
    dpif_ports_free(&ports);

    assert_int_equal(dpif_port_query_by_name(fx->dpif, "tdp-p3", &port), 0);
    assert_int_equal(port.port_no, P3);
    dpif_port_destroy(&port);
    assert_int_equal(dpif_port_query_by_number(fx->dpif, P2, &port), ENOENT);

    /* A new port takes the lowest free number; duplicates are refused. */
    assert_int_equal(
        dpif_port_add(fx->dpif, "tdp-p2b", "dummy", NULL, &no, NULL), 0);
    assert_int_equal(no, P2);
    fx->ports[P2] = netdev_from_name("tdp-p2b");
    no = DPIF_PORT_ANY;
    assert_int_equal(
        dpif_port_add(fx->dpif, "tdp-p2b", "dummy", NULL, &no, NULL), EEXIST);
    no = P3;
    assert_int_equal(
        dpif_port_add(fx->dpif, "tdp-x", "dummy", NULL, &no, NULL), EBUSY);
    inject(fx, P1, make_tcp(1, 0, 0));
    dpif_netdev_run(fx->dpif);
    assert_int_equal(pop_all(fx, P2, 54), 1);
    assert_int_equal(pop_all(fx, P3, 54), 1);
}

/* A port type without options, to see how the layers refuse them. */
static int
nocfg_construct(const char *name NF_UNUSED, struct netdev **netdevp)
{
    *netdevp = xzalloc(sizeof **netdevp);
    return 0;
}

static void
nocfg_destruct(struct netdev *netdev)
{
    free(netdev);
}

static int
nocfg_recv(struct netdev *netdev NF_UNUSED, struct pkt **pkts NF_UNUSED,
           size_t max NF_UNUSED, size_t *n NF_UNUSED)
{
    return EAGAIN;
}

static int
nocfg_send(struct netdev *netdev NF_UNUSED, struct pkt **pkts NF_UNUSED,
           size_t n NF_UNUSED, bool may_steal NF_UNUSED)
{
    return 0;
}

static const struct netdev_class nocfg_class = {
    .type = "tnocfg",
    .construct = nocfg_construct,
    .destruct = nocfg_destruct,
    .recv = nocfg_recv,
    .send = nocfg_send,
};

/* Sets PORT_NO's options to OPTIONS and returns the errno; *ERRP gets the
 * message (or NULL). */
static int
set_config(struct fixture *fx, uint32_t port_no, const char *options,
           char **errp)
{
    *errp = NULL;
    return dpif_port_set_config(fx->dpif, port_no, options, errp);
}

/* Asserts that PORT_NO's options read back as EXPECTED. */
static void
assert_options(struct fixture *fx, uint32_t port_no, const char *expected)
{
    struct dpif_port port;

    assert_int_equal(dpif_port_query_by_number(fx->dpif, port_no, &port), 0);
    assert_string_equal(port.options, expected);
    dpif_port_destroy(&port);
}

static void
test_port_options(void **state)
{
    struct fixture *fx = *state;
    struct dpif_ports ports = { NULL, 0 };
    struct dpif_port port;
    uint32_t no = DPIF_PORT_ANY;
    char *err = NULL;
    int ifindex = 0;

    /* A dummy takes ifindex, at add time and later. */
    assert_int_equal(
        dpif_port_add(fx->dpif, "tdp-o1", "dummy", "ifindex=42", &no, &err),
        0);
    assert_null(err);
    assert_options(fx, no, "ifindex=42");
    assert_int_equal(netdev_get_ifindex(netdev_from_name("tdp-o1"), &ifindex),
                     0);
    assert_int_equal(ifindex, 42);
    assert_int_equal(dpif_port_dump(fx->dpif, &ports), 0);
    assert_string_equal(ports.ports[ports.n - 1].options, "ifindex=42");
    assert_string_equal(ports.ports[0].options, "");
    dpif_ports_free(&ports);

    /* The set given is the whole set: "" returns to the defaults. */
    assert_int_equal(set_config(fx, no, "", &err), 0);
    assert_options(fx, no, "");
    assert_int_equal(netdev_get_ifindex(netdev_from_name("tdp-o1"), &ifindex),
                     EOPNOTSUPP);
    assert_int_equal(set_config(fx, no, "ifindex=7", &err), 0);
    assert_options(fx, no, "ifindex=7");

    /* Refusals say why and change nothing. */
    assert_int_equal(set_config(fx, no, "bogus=1,ifindex=9", &err), EINVAL);
    assert_non_null(strstr(err, "tdp-o1: unknown option \"bogus\""));
    free(err);
    assert_int_equal(set_config(fx, no, "ifindex=0", &err), EINVAL);
    assert_non_null(strstr(err, "an ifindex is 1 to"));
    free(err);
    assert_int_equal(set_config(fx, no, "ifindex=1,ifindex=2", &err), EINVAL);
    assert_non_null(strstr(err, "duplicate \"ifindex\" option"));
    free(err);
    assert_int_equal(set_config(fx, no, "ifindex", &err), EINVAL);
    assert_non_null(strstr(err, "key=value"));
    free(err);
    assert_options(fx, no, "ifindex=7");
    assert_int_equal(netdev_get_ifindex(netdev_from_name("tdp-o1"), &ifindex),
                     0);
    assert_int_equal(ifindex, 7);
    assert_int_equal(set_config(fx, 99, "ifindex=7", &err), ENOENT);
    free(err);

    /* A port whose options are refused is not added. */
    no = DPIF_PORT_ANY;
    err = NULL;
    assert_int_equal(
        dpif_port_add(fx->dpif, "tdp-o2", "dummy", "speed=10", &no, &err),
        EINVAL);
    assert_non_null(strstr(err, "unknown option \"speed\""));
    free(err);
    assert_int_equal(dpif_port_query_by_name(fx->dpif, "tdp-o2", &port),
                     ENOENT);
    assert_null(netdev_from_name("tdp-o2"));

    /* A type without options refuses any, in Open vSwitch's words, and
     * accepts none. */
    netdev_register_class(&nocfg_class);
    no = DPIF_PORT_ANY;
    err = NULL;
    assert_int_equal(
        dpif_port_add(fx->dpif, "tdp-o3", "tnocfg", "a=b", &no, &err), EINVAL);
    assert_non_null(strstr(err, "tdp-o3: arguments provided to device that "
                                "is not configurable"));
    free(err);
    assert_null(netdev_from_name("tdp-o3"));
    assert_int_equal(
        dpif_port_add(fx->dpif, "tdp-o3", "tnocfg", NULL, &no, NULL), 0);
    assert_int_equal(set_config(fx, no, "", &err), 0);
    assert_int_equal(set_config(fx, no, "a=b", &err), EINVAL);
    assert_non_null(strstr(err, "tdp-o3: arguments provided to device that "
                                "is not configurable"));
    free(err);
    assert_options(fx, no, "");
}

static void
test_userspace_action(void **state)
{
    struct fixture *fx = *state;
    static const uint8_t ud[] = { 0xde, 0xad, 0xbe, 0xef };
    struct dpif_upcall u;

    put_flow(fx, "in_port(1),eth(),eth_type(0x0800)",
             "userspace(pid=0,userdata(deadbeef)),2");
    inject(fx, P1, make_tcp(4, 0, 0));
    dpif_netdev_run(fx->dpif);
    assert_int_equal(pop_all(fx, P2, 54), 1);
    assert_int_equal(dpif_recv(fx->dpif, &u), 0);
    assert_int_equal(u.type, DPIF_UC_ACTION);
    assert_int_equal(u.in_port, P1);
    assert_int_equal(u.userdata.len, sizeof ud);
    assert_memory_equal(u.userdata.data, ud, sizeof ud);
    assert_int_equal(u.packet->size, 54);
    dpif_upcall_destroy(&u);
}

static void
test_recirc(void **state)
{
    struct fixture *fx = *state;
    struct dpif_dp_stats ds;

    put_flow(fx, "recirc_id(0),in_port(1),eth(),eth_type(0x0800)",
             "recirc(5)");
    put_flow(fx, "recirc_id(0x5),in_port(1),eth(),eth_type(0x0800)", "3");
    inject(fx, P1, make_tcp(1, 0, 0));
    dpif_netdev_run(fx->dpif);
    assert_int_equal(pop_all(fx, P3, 54), 1);
    assert_int_equal(dpif_get_stats(fx->dpif, &ds), 0);
    assert_int_equal(ds.n_hit, 2);

    /* A flow that recirculates into itself ends at the depth limit. */
    assert_int_equal(dpif_flow_flush(fx->dpif), 0);
    put_flow(fx, "in_port(1),eth(),eth_type(0x0800)", "recirc(7)");
    inject(fx, P1, make_tcp(1, 0, 0));
    dpif_netdev_run(fx->dpif);
    assert_int_equal(dpif_get_stats(fx->dpif, &ds), 0);
    assert_int_equal(ds.n_hit, 2 + 7);
}

static void
test_execute(void **state)
{
    struct fixture *fx = *state;
    struct buf acts = BUF_INITIALIZER;
    struct pkt *p = make_tcp(1, 0, 0);

    odp_put_output(&acts, P3);
    struct dpif_execute exec = {
        .packet = p,
        .in_port = P1,
        .actions = acts.data,
        .actions_len = acts.len,
    };
    assert_int_equal(dpif_execute(fx->dpif, &exec, NULL), 0);
    assert_int_equal(pop_all(fx, P3, 54), 1);
    pkt_delete(p);
    buf_destroy(&acts);
}

static void
test_stats_add_up(void **state)
{
    struct fixture *fx = *state;
    struct dpif_port_stats ps1, ps2;
    struct dpif_dp_stats ds;
    struct dpif_upcall u;

    put_flow(fx, "in_port(1),eth(),eth_type(0x0800),ipv4(src=10.0.0.1)", "2");
    for (int i = 0; i < 5; i++) {
        inject(fx, P1, make_tcp(1, 0, 0));
    }
    for (int i = 0; i < 3; i++) {
        inject(fx, P1, make_tcp(9, 0, 0));
    }
    assert_int_equal(dpif_netdev_run(fx->dpif), 8);
    assert_int_equal(pop_all(fx, P2, 54), 5);

    assert_int_equal(dpif_get_stats(fx->dpif, &ds), 0);
    assert_int_equal(ds.n_hit, 5);
    assert_int_equal(ds.n_missed, 3);
    assert_int_equal(dpif_port_get_stats(fx->dpif, P1, &ps1), 0);
    assert_int_equal(ps1.rx_packets, ds.n_hit + ds.n_missed);
    assert_int_equal(ps1.rx_bytes, 8 * 54);
    assert_int_equal(dpif_port_get_stats(fx->dpif, P2, &ps2), 0);
    assert_int_equal(ps2.tx_packets, 5);
    assert_int_equal(ps2.tx_bytes, 5 * 54);

    /* With upcalls disabled, misses are lost and counted. */
    assert_int_equal(dpif_recv_set(fx->dpif, false), 0);
    inject(fx, P1, make_tcp(9, 0, 0));
    dpif_netdev_run(fx->dpif);
    assert_int_equal(dpif_get_stats(fx->dpif, &ds), 0);
    assert_int_equal(ds.n_missed, 4);
    assert_int_equal(ds.n_lost, 1);
    assert_int_equal(dpif_port_get_stats(fx->dpif, P1, &ps1), 0);
    assert_int_equal(ps1.rx_dropped, 1);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(dpif_recv(fx->dpif, &u), 0);
        dpif_upcall_destroy(&u);
    }
    assert_int_equal(dpif_recv(fx->dpif, &u), EAGAIN);
}

static void
test_upcall_fairness_and_bound(void **state)
{
    struct fixture *fx = *state;
    struct dpif_dp_stats ds;
    struct dpif_upcall u;

    /* Port 1 floods past its queue's bound; port 3 sends one packet,
     * which must come out second, not after port 1's thousand. */
    for (int round = 0; round < 40; round++) {
        for (int i = 0; i < NETDEV_MAX_BURST; i++) {
            inject(fx, P1, make_tcp(1, 0, 0));
        }
        if (!round) {
            inject(fx, P3, make_tcp(3, 0, 0));
        }
        dpif_netdev_run(fx->dpif);
    }
    assert_int_equal(dpif_get_stats(fx->dpif, &ds), 0);
    assert_int_equal(ds.n_missed, 40 * NETDEV_MAX_BURST + 1);
    assert_int_equal(ds.n_lost, 40 * NETDEV_MAX_BURST - 1024);

    assert_int_equal(dpif_recv(fx->dpif, &u), 0);
    assert_int_equal(u.in_port, P1);
    dpif_upcall_destroy(&u);
    assert_int_equal(dpif_recv(fx->dpif, &u), 0);
    assert_int_equal(u.in_port, P3);
    dpif_upcall_destroy(&u);
    for (int i = 0; i < 1023; i++) {
        assert_int_equal(dpif_recv(fx->dpif, &u), 0);
        assert_int_equal(u.in_port, P1);
        dpif_upcall_destroy(&u);
    }
    assert_int_equal(dpif_recv(fx->dpif, &u), EAGAIN);
}

static void
test_open_enumerate_destroy(void **state)
{
    struct fixture *fx = *state;
    struct dpif_names names;
    struct dpif *again;
    bool found = false;

    (void) fx;
    assert_int_equal(dpif_open("tdp", "netdev", true, &again, NULL), EEXIST);
    assert_int_equal(dpif_open("nodp", "netdev", false, &again, NULL), ENODEV);
    assert_int_equal(dpif_open("netdev@tdp", NULL, false, &again, NULL), 0);
    assert_int_equal(dpif_enumerate(&names), 0);
    for (size_t i = 0; i < names.n; i++) {
        found |= !strcmp(names.names[i], "netdev@tdp");
    }
    assert_true(found);
    dpif_names_free(&names);

    /* Flows put through one handle are seen through the other. */
    put_flow(fx, "in_port(1),eth(),eth_type(0x0800)", "2");
    struct dpif_dp_stats ds;
    assert_int_equal(dpif_get_stats(again, &ds), 0);
    assert_int_equal(ds.n_flows, 1);
    dpif_close(again);
}

/* Partial offload: a packet a NIC rule marked takes the flow the mark
 * resolves to, without a lookup; an unknown mark, or a flow the datapath
 * no longer has, falls back to the lookup. */
static struct dpif_ufid marked_ufid;

static bool
resolve_mark(uint32_t mark, struct dpif_ufid *ufid)
{
    if (mark != 7) {
        return false;
    }
    *ufid = marked_ufid;
    return true;
}

static void
test_hw_mark(void **state)
{
    struct fixture *fx = *state;
    struct pkt *model = make_tcp(1, TCP_SYN, 20);
    size_t size = model->size;
    struct dpif_flow f;

    pkt_delete(model);
    put_flow(fx, "in_port(1),eth(),eth_type(0x0800),ipv4(src=10.0.0.1)", "2");
    /* An ARP flow, which an IPv4 packet's lookup never finds. */
    put_flow(fx, "in_port(1),eth(),eth_type(0x0806)", "3");
    assert_int_equal(get_text(fx, "in_port(1),eth(),eth_type(0x0806)", &f), 0);
    marked_ufid = f.ufid;
    dpif_flow_destroy(&f);
    dpif_netdev_set_mark_resolver(resolve_mark);

    /* Marked 7: the ARP flow's actions, so no lookup took place. */
    struct pkt *p = make_tcp(1, TCP_SYN, 20);
    p->hw_mark = 7;
    inject(fx, P1, p);
    dpif_netdev_run(fx->dpif);
    assert_int_equal(pop_all(fx, P3, size), 1);
    assert_int_equal(pop_all(fx, P2, size), 0);
    assert_int_equal(get_text(fx, "in_port(1),eth(),eth_type(0x0806)", &f), 0);
    assert_int_equal(f.stats.n_packets, 1);
    dpif_flow_destroy(&f);

    /* A mark nobody put: the lookup. */
    p = make_tcp(1, TCP_SYN, 20);
    p->hw_mark = 8;
    inject(fx, P1, p);
    dpif_netdev_run(fx->dpif);
    assert_int_equal(pop_all(fx, P2, size), 1);

    /* The marked flow deleted: the lookup again. */
    assert_int_equal(dpif_flow_del(fx->dpif, &marked_ufid, NULL, 0, NULL), 0);
    p = make_tcp(1, TCP_SYN, 20);
    p->hw_mark = 7;
    inject(fx, P1, p);
    dpif_netdev_run(fx->dpif);
    assert_int_equal(pop_all(fx, P2, size), 1);
    assert_int_equal(pop_all(fx, P3, size), 0);
    dpif_netdev_set_mark_resolver(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_port_classifiers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hw_mark, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_to_two_ports, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_miss_then_hit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_del_flush_dump, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_get_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_execute_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flow_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_del_and_dump, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_port_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_userspace_action, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_recirc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_execute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats_add_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upcall_fairness_and_bound, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_open_enumerate_destroy, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
