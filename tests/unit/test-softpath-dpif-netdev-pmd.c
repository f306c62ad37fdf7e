/* Tests of the userspace datapath's poll-mode threads
 * (softpath/dpif-netdev-pmd.c) on dummy-pmd ports: polled, multi-queue
 * dummies whose receive queues the tests fill and whose transmit queues
 * count what left on each.  The threads are real; the tests wait for them
 * with a deadline, never a fixed sleep. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "lib/flow.h"
#include "lib/packet.h"
#include "lib/util.h"
#include "softpath/dpif-netdev.h"
#include "softpath/dpif.h"
#include "softpath/netdev.h"
#include "softpath/odp.h"

#define P1 1 /* dummy-pmd, 4 receive queues. */
#define P2 2 /* dummy-pmd, 2 receive queues. */
#define P3 3 /* plain dummy. */

struct fixture {
    struct dpif *dpif;
    struct netdev *ports[4];
    int cpus[2]; /* The two CPUs the threads are given. */
};

static const char *const names[] = { NULL, "tpmd-p1", "tpmd-p2", "tpmd-p3" };

static int
setup(void **state)
{
    static const char *const types[] = { NULL, "dummy-pmd", "dummy-pmd",
                                         "dummy" };
    static const char *const options[] = { NULL, "n_rxq=4,n_txq=4",
                                           "n_rxq=2,n_txq=4", "" };
    struct fixture *fx = xzalloc(sizeof *fx);
    cpu_set_t set;

    /* Two CPUs this process may run on; a second that does not exist
     * still gets its thread (unpinned, with a warning). */
    fx->cpus[0] = 0;
    fx->cpus[1] = 1;
    if (!sched_getaffinity(0, sizeof set, &set)) {
        int k = 0;
        for (int c = 0; c < CPU_SETSIZE && k < 2; c++) {
            if (CPU_ISSET(c, &set)) {
                fx->cpus[k++] = c;
            }
        }
        if (k == 1) {
            fx->cpus[1] = fx->cpus[0] + 1;
        }
    }

    dpif_netdev_register();
    dpif_netdev_set_local_port_type("dummy");
    dpif_netdev_set_emc_insert_inv_prob(1);
    assert_int_equal(dpif_open("tpmd", "netdev", true, &fx->dpif, NULL), 0);
    for (uint32_t i = P1; i <= P3; i++) {
        uint32_t no = i;

        assert_int_equal(
            dpif_port_add(fx->dpif, names[i], types[i], options[i], &no, NULL),
            0);
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

    assert_int_equal(dpif_netdev_set_pmd_cpus(NULL, 0), 0);
    assert_int_equal(dpif_destroy(fx->dpif, NULL), 0);
    dpif_close(fx->dpif);
    free(fx);
    return 0;
}

static struct pkt *
make_udp(uint8_t src)
{
    struct pkt *p = netdev_pkt_new(128);
    struct flow f;

    memset(&f, 0, sizeof f);
    memcpy(f.dl_src.ea, "\x00\x11\x22\x33\x44\x55", 6);
    memcpy(f.dl_dst.ea, "\x00\x66\x77\x88\x99\xaa", 6);
    f.dl_type = htons(0x0800);
    f.nw_src = htonl(0x0a000000 | src);
    f.nw_dst = htonl(0x0a0000fe);
    f.nw_proto = 17;
    f.nw_ttl = 64;
    f.tp_src = htons(1000 + src);
    f.tp_dst = htons(53);
    assert_int_equal(flow_compose(p, &f, 10), 0);
    return p;
}

static void
put_flow(struct fixture *fx, const char *flow, const char *actions)
{
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER;

    assert_int_equal(odp_flow_from_string(flow, &key, &mask, NULL), 0);
    assert_int_equal(odp_actions_from_string(actions, &acts, NULL), 0);
    struct dpif_flow_put put = {
        .flags = DPIF_FP_CREATE,
        .key = key.data,
        .key_len = key.len,
        .mask = mask.data,
        .mask_len = mask.len,
        .actions = acts.data,
        .actions_len = acts.len,
    };
    assert_int_equal(dpif_flow_put(fx->dpif, &put, NULL), 0);
    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&acts);
}

static uint64_t
tx_packets(struct netdev *netdev)
{
    struct netdev_stats st;

    assert_int_equal(netdev_get_stats(netdev, &st), 0);
    return st.tx_packets;
}

/* Waits up to 10 s for PORT to have sent WANT packets in all. */
static void
wait_tx(struct netdev *port, uint64_t want)
{
    for (int i = 0; i < 10000 && tx_packets(port) < want; i++) {
        usleep(1000);
    }
    assert_int_equal(tx_packets(port), want);
}

static char *
show(enum dpif_netdev_pmd_cmd cmd, int core)
{
    struct buf out = BUF_INITIALIZER;

    assert_int_equal(dpif_netdev_pmd_show(cmd, core, "tpmd", &out, NULL), 0);
    char *s = xstrdup(buf_cstr(&out));
    buf_destroy(&out);
    return s;
}

/* The text of the section of pmd-*-show output S about CORE, in a new
 * string ("" if there is none). */
static char *
section(const char *s, int core)
{
    char head[64];
    const char *p = s;

    snprintf(head, sizeof head, " core_id %d:\n", core);
    while ((p = strstr(p, "pmd thread numa_id "))) {
        const char *eol = strchr(p, '\n');
        const char *h = strstr(p, head);
        if (h && eol && h < eol) {
            const char *end = strstr(eol, "pmd thread numa_id ");
            const char *main_ = strstr(eol, "main thread:");
            if (main_ && (!end || main_ < end)) {
                end = main_;
            }
            size_t len = end ? (size_t) (end - p) : strlen(p);
            char *out = xmalloc(len + 1);
            memcpy(out, p, len);
            out[len] = '\0';
            return out;
        }
        p = eol ? eol : p + 1;
    }
    return xstrdup("");
}

static bool
has_queue(const char *sec, const char *port, int qid)
{
    char line[128];

    snprintf(line, sizeof line, "  port: %-16s  queue-id: %2d (enabled)", port,
             qid);
    return strstr(sec, line) != NULL;
}

static uint64_t
stat_line(const char *sec, const char *name)
{
    const char *p = strstr(sec, name);

    assert_non_null(p);
    return strtoull(p + strlen(name), NULL, 10);
}

static void
test_cpus_checked(void **state NF_UNUSED)
{
    int dup[] = { 1, 1 }, neg[] = { -1 };

    assert_int_equal(dpif_netdev_set_pmd_cpus(dup, 2), EINVAL);
    assert_int_equal(dpif_netdev_set_pmd_cpus(neg, 1), EINVAL);
}

/* Without CPUs the datapath thread serves the dummy-pmd ports, every
 * queue of them; with CPUs it leaves them to the threads. */
static void
test_no_threads_by_default(void **state)
{
    struct fixture *fx = *state;

    put_flow(fx, "in_port(1),eth(),eth_type(0x0800)", "3");
    assert_true(dpif_netdev_needs_polling(fx->dpif));
    for (int q = 0; q < 4; q++) {
        assert_int_equal(
            netdev_dummy_receive_queue(fx->ports[P1], q, make_udp(1)), 0);
    }
    assert_int_equal(dpif_netdev_run(fx->dpif), 4);
    assert_int_equal(tx_packets(fx->ports[P3]), 4);
    char *s = show(DPIF_NETDEV_PMD_RXQ_SHOW, -1);
    assert_string_equal(s, "");
    free(s);
    s = show(DPIF_NETDEV_PMD_STATS_SHOW, -1);
    char *m = strstr(s, "main thread:\n");
    assert_non_null(m);
    assert_int_equal(stat_line(m, "packets received: "), 4);
    free(s);

    assert_int_equal(dpif_netdev_set_pmd_cpus(fx->cpus, 2), 0);
    assert_false(dpif_netdev_needs_polling(fx->dpif));
    assert_int_equal(netdev_dummy_receive_queue(fx->ports[P1], 0, make_udp(1)),
                     0);
    assert_int_equal(dpif_netdev_run(fx->dpif), 0); /* Not its port now. */
    wait_tx(fx->ports[P3], 5);
}

/* The queues are dealt to the threads in turn, port by port. */
static void
test_rxq_assignment(void **state)
{
    struct fixture *fx = *state;

    assert_int_equal(dpif_netdev_set_pmd_cpus(fx->cpus, 2), 0);
    char *s = show(DPIF_NETDEV_PMD_RXQ_SHOW, -1);
    char *a = section(s, fx->cpus[0]), *b = section(s, fx->cpus[1]);

    assert_non_null(strstr(a, "  isolated : false\n"));
    assert_true(has_queue(a, names[P1], 0));
    assert_true(has_queue(b, names[P1], 1));
    assert_true(has_queue(a, names[P1], 2));
    assert_true(has_queue(b, names[P1], 3));
    assert_true(has_queue(a, names[P2], 0));
    assert_true(has_queue(b, names[P2], 1));
    assert_false(has_queue(a, names[P1], 1));
    assert_null(strstr(s, names[P3])); /* Not polled. */
    free(a);
    free(b);
    free(s);

    /* -pmd CORE shows that thread alone. */
    s = show(DPIF_NETDEV_PMD_RXQ_SHOW, fx->cpus[1]);
    a = section(s, fx->cpus[0]);
    assert_string_equal(a, "");
    assert_true(has_queue(s, names[P1], 3));
    free(a);
    free(s);

    /* Fewer queues: dealt out again. */
    assert_int_equal(
        dpif_port_set_config(fx->dpif, P1, "n_rxq=1,n_txq=4", NULL), 0);
    s = show(DPIF_NETDEV_PMD_RXQ_SHOW, -1);
    a = section(s, fx->cpus[0]);
    b = section(s, fx->cpus[1]);
    assert_true(has_queue(a, names[P1], 0));
    assert_true(has_queue(b, names[P2], 0));
    assert_true(has_queue(a, names[P2], 1));
    assert_null(strstr(s, "queue-id:  3"));
    free(a);
    free(b);
    free(s);

    /* One CPU: one thread with every queue. */
    assert_int_equal(dpif_netdev_set_pmd_cpus(fx->cpus, 1), 0);
    s = show(DPIF_NETDEV_PMD_RXQ_SHOW, -1);
    b = section(s, fx->cpus[1]);
    assert_string_equal(b, "");
    a = section(s, fx->cpus[0]);
    assert_true(has_queue(a, names[P2], 1));
    free(a);
    free(b);
    free(s);
}

/* Each thread receives on its queues and sends on its own transmit
 * queue; misses become upcalls; the counters are the thread's. */
static void
test_forwarding(void **state)
{
    struct fixture *fx = *state;

    put_flow(fx, "in_port(1),eth(),eth_type(0x0800)", "2");
    put_flow(fx, "in_port(2),eth(),eth_type(0x0800),ipv4(proto=17)", "3");
    assert_int_equal(dpif_netdev_set_pmd_cpus(fx->cpus, 2), 0);
    assert_int_equal(dpif_netdev_pmd_show(DPIF_NETDEV_PMD_STATS_CLEAR, -1,
                                          NULL, NULL, NULL),
                     0);

    for (int k = 0; k < 10; k++) {
        for (int q = 0; q < 4; q++) {
            assert_int_equal(
                netdev_dummy_receive_queue(fx->ports[P1], q, make_udp(1)), 0);
        }
    }
    wait_tx(fx->ports[P2], 40);
    /* Thread 0 (queues 0 and 2) sends on queue 1, thread 1 on queue 2;
     * queue 0 is the datapath thread's. */
    assert_int_equal(netdev_dummy_txq_packets(fx->ports[P2], 0), 0);
    assert_int_equal(netdev_dummy_txq_packets(fx->ports[P2], 1), 20);
    assert_int_equal(netdev_dummy_txq_packets(fx->ports[P2], 2), 20);

    /* To a single-queue port, under the datapath's mutex. */
    assert_int_equal(netdev_dummy_receive_queue(fx->ports[P2], 1, make_udp(2)),
                     0);
    wait_tx(fx->ports[P3], 1);

    /* A miss: an ARP frame on P1's queue 1 (thread 1), which no flow
     * matches. */
    struct pkt *arp = netdev_pkt_new(64);
    struct flow f;
    memset(&f, 0, sizeof f);
    f.dl_type = htons(0x0806);
    assert_int_equal(flow_compose(arp, &f, 0), 0);
    assert_int_equal(netdev_dummy_receive_queue(fx->ports[P1], 1, arp), 0);
    struct dpif_upcall u;
    int error = EAGAIN;

    memset(&u, 0, sizeof u);
    for (int i = 0; i < 10000 && error == EAGAIN; i++) {
        error = dpif_recv(fx->dpif, &u);
        if (error == EAGAIN) {
            usleep(1000);
        }
    }
    assert_int_equal(error, 0);
    assert_int_equal(u.in_port, P1);
    dpif_upcall_destroy(&u);

    char *s = show(DPIF_NETDEV_PMD_STATS_SHOW, -1);
    char *a = section(s, fx->cpus[0]), *b = section(s, fx->cpus[1]);
    /* Thread 0: P1 queues 0, 2 (20) and P2 queue 0 (none). */
    assert_int_equal(stat_line(a, "packets received: "), 20);
    /* Thread 1: P1 queues 1, 3 (20 + the miss) and P2 queue 1 (1). */
    assert_int_equal(stat_line(b, "packets received: "), 22);
    assert_int_equal(stat_line(b, "miss with success upcall: "), 1);
    assert_int_equal(stat_line(a, "miss with success upcall: "), 0);
    assert_int_equal(
        stat_line(a, "emc hits: ") + stat_line(a, "megaflow hits: "), 20);
    assert_non_null(strstr(a, "avg. packets per output batch: "));
    assert_non_null(strstr(s, "main thread:\n"));
    free(a);
    free(b);
    free(s);

    assert_int_equal(dpif_netdev_pmd_show(DPIF_NETDEV_PMD_STATS_CLEAR, -1,
                                          NULL, NULL, NULL),
                     0);
    s = show(DPIF_NETDEV_PMD_STATS_SHOW, fx->cpus[0]);
    assert_int_equal(stat_line(s, "packets received: "), 0);
    assert_null(strstr(s, "main thread:")); /* -pmd: threads alone. */
    free(s);

    struct buf out = BUF_INITIALIZER;
    char *err = NULL;
    assert_int_equal(dpif_netdev_pmd_show(DPIF_NETDEV_PMD_RXQ_SHOW, -1,
                                          "nosuch", &out, &err),
                     ENOENT);
    assert_string_equal(err, "nosuch: no such datapath");
    free(err);
    buf_destroy(&out);
}

/* Ports come and go and change while packets flow: no thread is ever
 * inside a port that changes (the sanitizer tier runs this). */
struct traffic {
    struct fixture *fx;
    atomic_bool stop;
    atomic_uint_fast64_t sent;
};

static void *
traffic_main(void *t_)
{
    struct traffic *t = t_;
    while (!atomic_load(&t->stop)) {
        /* Queue 0 always exists, whatever n_rxq is now. */
        netdev_dummy_receive_queue(t->fx->ports[P1], 0, make_udp(3));
        atomic_fetch_add(&t->sent, 1);
        usleep(50);
    }
    return NULL;
}

static void
test_changes_under_traffic(void **state)
{
    struct fixture *fx = *state;
    struct traffic t = { .fx = fx };
    pthread_t thread;

    put_flow(fx, "in_port(1),eth(),eth_type(0x0800)", "2,3");
    assert_int_equal(dpif_netdev_set_pmd_cpus(fx->cpus, 2), 0);
    assert_int_equal(pthread_create(&thread, NULL, traffic_main, &t), 0);
    for (int round = 0; round < 20; round++) {
        uint32_t no = P2;
        char opts[32];

        /* Some packets through before each change. */
        uint64_t before = tx_packets(fx->ports[P3]);
        for (int i = 0; i < 5000 && tx_packets(fx->ports[P3]) < before + 3;
             i++) {
            usleep(1000);
        }
        assert_true(tx_packets(fx->ports[P3]) >= before + 3);

        snprintf(opts, sizeof opts, "n_rxq=%d,n_txq=2", 1 + round % 4);
        assert_int_equal(dpif_port_set_config(fx->dpif, P1, opts, NULL), 0);
        assert_int_equal(dpif_port_del(fx->dpif, P2, NULL), 0);
        assert_int_equal(dpif_port_add(fx->dpif, names[P2], "dummy-pmd",
                                       "n_rxq=2", &no, NULL),
                         0);
        fx->ports[P2] = netdev_from_name(names[P2]);
        assert_int_equal(
            dpif_netdev_set_pmd_cpus(fx->cpus, 1 + (size_t) (round % 2)), 0);
    }
    atomic_store(&t.stop, true);
    pthread_join(thread, NULL);

    /* Everything injected reached P3 (P2 came and went), but for what
     * found P1's queue full while the threads were paused. */
    struct netdev_stats st;
    uint64_t sent = atomic_load(&t.sent);
    assert_true(sent > 0);
    assert_int_equal(netdev_get_stats(fx->ports[P1], &st), 0);
    wait_tx(fx->ports[P3], sent - st.rx_dropped);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpus_checked),
        cmocka_unit_test_setup_teardown(test_no_threads_by_default, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rxq_assignment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forwarding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changes_under_traffic, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
