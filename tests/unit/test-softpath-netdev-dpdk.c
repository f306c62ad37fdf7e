/* Unit tests for the "dpdk" port type (softpath/netdev-dpdk.c) on DPDK's
 * null PMD (net_null vdevs: no device, no privileges): the refusal before
 * EAL is up, EAL initialisation from the other_config keys, the options
 * and their errors, devargs matching (a --vdev of dpdk-extra, a port in
 * use, a hot-plugged vdev), bursts both ways and the counters.
 *
 * EAL runs --no-huge --no-shconf --no-pci with its own file prefix; where
 * it cannot start here the tests after it report themselves skipped.
 * Without DPDK (HAVE_DPDK unset) the whole test reports itself skipped. */
#include "config.h"

#include <stdio.h>

#ifndef HAVE_DPDK
int
main(void)
{
    printf("1..1\nok 1 - netdev-dpdk # SKIP DPDK not found (libdpdk-dev)\n");
    return 0;
}
#else
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/packet.h"
#include "softpath/netdev-dpdk.h"
#include "softpath/netdev.h"

/* Opens NAME as a dpdk port and applies OPTIONS: the errno, with the
 * message in *ERRP (caller frees) and the port in *NETDEVP (closed and
 * NULL on failure). */
static int
open_with(const char *name, const char *options, struct netdev **netdevp,
          char **errp)
{
    int error = netdev_open(name, "dpdk", netdevp);

    *errp = NULL;
    if (error) {
        return error;
    }
    error = netdev_set_config(*netdevp, options, errp);
    if (error) {
        netdev_close(*netdevp);
        *netdevp = NULL;
    }
    return error;
}

static void
test_before_init(void **state)
{
    struct netdev *netdev;
    struct netdev_dpdk_settings off = { .init = "false" };

    (void) state;
    netdev_dpdk_register();
    netdev_dpdk_set_config(&off);
    assert_false(netdev_dpdk_initialized());
    assert_non_null(strstr(netdev_dpdk_unavailable_reason(),
                           "set other_config:dpdk-init=true"));
    assert_int_equal(netdev_open("d0", "dpdk", &netdev), ENODEV);
    assert_null(netdev);
}

static void
test_init(void **state)
{
    char extra[256];
    struct netdev_dpdk_settings on = {
        .init = "true",
        .extra = extra,
    };

    (void) state;
    /* One prefix for every run: EAL leaves its (empty) runtime directory
     * behind, and --no-shconf keeps runs from sharing anything else. */
    snprintf(extra, sizeof extra, "%s",
             "--no-huge -m 512 --no-shconf --no-pci --no-telemetry "
             "--file-prefix=nf-unit-netdev-dpdk --vdev=net_null0 "
             "--vdev=net_null1");
    netdev_dpdk_set_config(&on);
    if (!netdev_dpdk_initialized()) {
        skip();
    }
    assert_null(netdev_dpdk_unavailable_reason());
    assert_non_null(strstr(netdev_dpdk_version(), "DPDK"));
    /* A change after initialisation is only logged. */
    on.extra = "--no-huge";
    netdev_dpdk_set_config(&on);
    assert_true(netdev_dpdk_initialized());
}

/* Each option error, with its message. */
static void
test_option_errors(void **state)
{
    static const struct {
        const char *options;
        int error;
        const char *msg;
    } cases[] = {
        { "", EINVAL, "d0: options:dpdk-devargs is required" },
        { "n_rxq=2", EINVAL, "d0: options:dpdk-devargs is required" },
        { "dpdk-devargs=net_null0,bogus=1,zz=2", 0, NULL },
        { "dpdk-devargs=net_null0,n_rxq=0", EINVAL,
          "d0: n_rxq=0: expected an integer from 1 to 64" },
        { "dpdk-devargs=net_null0,mtu_request=20", EINVAL,
          "d0: mtu_request=20: expected an integer from 68 to 65535" },
        { "dpdk-devargs=xyz", EINVAL, "d0: dpdk-devargs 'xyz' is not valid" },
        { "bogus=1", EINVAL, "d0: unknown option \"bogus\"" },
    };

    (void) state;
    if (!netdev_dpdk_initialized()) {
        skip();
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct netdev *netdev;
        char *err;
        int error = open_with("d0", cases[i].options, &netdev, &err);

        if (cases[i].error) {
            assert_int_equal(error, cases[i].error);
            assert_non_null(err);
            if (strncmp(err, cases[i].msg, strlen(cases[i].msg))) {
                fail_msg("%s: got \"%s\", want \"%s...\"", cases[i].options,
                         err, cases[i].msg);
            }
        } else if (error) {
            /* "bogus=1,zz=2" continue the devargs, which the null PMD's
             * kvargs then refuse: a devargs error, not an option one. */
            assert_non_null(strstr(err, "dpdk-devargs"));
        } else {
            netdev_close(netdev);
        }
        free(err);
    }
}

static void
test_ports(void **state)
{
    struct netdev *d0, *d1, *d2, *dx;
    struct netdev_stats st;
    struct pkt *pkts[NETDEV_MAX_BURST];
    uint16_t port_id;
    size_t n = 0;
    char *err;
    bool up;
    int mtu;

    (void) state;
    if (!netdev_dpdk_initialized()) {
        skip();
    }
    assert_int_equal(open_with("d0", "dpdk-devargs=net_null0", &d0, &err), 0);
    assert_true(netdev_needs_polling(d0));
    assert_int_equal(netdev_get_fd(d0), -1);
    assert_int_equal(netdev_dpdk_port_id("d0", &port_id), 0);
    assert_int_equal(netdev_dpdk_port_id("nope", &port_id), ENODEV);
    assert_int_equal(netdev_get_mtu(d0, &mtu), 0);
    assert_int_equal(netdev_get_carrier(d0, &up), 0);
    assert_true(up);

    /* The same device for a second port: taken. */
    assert_int_equal(open_with("dx", "dpdk-devargs=net_null0", &dx, &err),
                     EBUSY);
    assert_non_null(strstr(err, "is in use"));
    free(err);

    /* The other --vdev, and one hot-plugged. */
    assert_int_equal(
        open_with("d1", "dpdk-devargs=net_null1,n_rxq=2,n_txq=2", &d1, &err),
        0);
    assert_int_equal(open_with("d2", "dpdk-devargs=net_null2", &d2, &err), 0);

    /* The null PMD hands out 64-byte frames on every burst. */
    assert_int_equal(netdev_recv(d0, pkts, NETDEV_MAX_BURST, &n), 0);
    assert_true(n > 0 && n <= NETDEV_MAX_BURST);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(pkts[i]->size, 64);
    }
    /* ... and takes whatever is sent. */
    assert_int_equal(netdev_send(d1, pkts, n, true), 0);
    assert_int_equal(netdev_get_stats(d1, &st), 0);
    assert_int_equal(st.tx_packets, n);
    /* (The null PMD counts no bytes.) */
    assert_int_equal(st.tx_errors, 0);
    assert_int_equal(st.tx_dropped, 0);
    assert_int_equal(netdev_get_stats(d0, &st), 0);
    assert_int_equal(st.rx_packets, n);

    /* A new MTU, then new queues, on a running port. */
    assert_int_equal(netdev_set_config(d1,
                                       "dpdk-devargs=net_null1,"
                                       "mtu_request=1400",
                                       &err),
                     0);
    assert_int_equal(netdev_get_mtu(d1, &mtu), 0);
    assert_int_equal(mtu, 1400);
    /* A bad devargs leaves the port as it was. */
    assert_int_equal(netdev_set_config(d1, "dpdk-devargs=xyz", &err), EINVAL);
    free(err);
    assert_int_equal(netdev_get_carrier(d1, &up), 0);
    assert_true(up);

    netdev_close(d2);
    netdev_close(d1);
    netdev_close(d0);
    /* A --vdev port closed is only stopped: it can be taken again. */
    assert_int_equal(open_with("d0", "dpdk-devargs=net_null0", &d0, &err), 0);
    netdev_close(d0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_before_init),
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_option_errors),
        cmocka_unit_test(test_ports),
    };
    return cmocka_run_group_tests_name("netdev-dpdk", tests, NULL, NULL);
}
#endif /* HAVE_DPDK */
