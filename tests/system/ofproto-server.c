/* ofproto-server: a bridge's OpenFlow switch alone, for
 * tests/system/t-ofproto.sh to drive with the real ovs-ofctl.
 *
 *   ofproto-server [BRIDGE [CONTROLLER-TARGET...]]
 *
 * Creates the ofproto of BRIDGE (default "br0"), which listens on
 * $NICFLOW_RUNDIR/BRIDGE.mgmt, with ports 1 "p1", 2 "p2", 3 "p3" and LOCAL
 * named after the bridge, and the given controller targets.  There is no
 * datapath: a packet-out is recorded as one line on stdout,
 *   packet_out in_port=1 len=60 actions=output:2
 * and then applied to nothing.  Prints "ready" once listening, runs the
 * event loop (with ofproto_run() for timeouts and probes) until SIGTERM or
 * SIGINT, and exits 0 after destroying the switch. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/daemon.h"
#include "lib/evloop.h"
#include "lib/util.h"
#include "ofctl/ofp-port.h"
#include "vswitchd/ofproto.h"

static int
packet_out_cb(void *aux, uint16_t in_port, const struct of_acts *acts,
              const void *pkt, size_t len, char **errp)
{
    struct buf b = BUF_INITIALIZER;

    of_acts_format(acts, &b);
    printf("packet_out in_port=%u len=%zu actions=%s\n", in_port, len,
           buf_cstr(&b));
    fflush(stdout);
    buf_destroy(&b);
    return 0;
}

static bool
port_stats_cb(void *aux, uint16_t ofp_port, struct ofproto_port_stats *st)
{
    /* Fixed counters, so the test can see them travel. */
    st->rx_packets = ofp_port;
    st->tx_packets = 2 * (uint64_t) ofp_port;
    return true;
}

static void
port_mod_cb(void *aux, uint16_t ofp_port, uint32_t old_config,
            uint32_t new_config)
{
    printf("port_mod port=%u config=0x%" PRIx32 "->0x%" PRIx32 "\n", ofp_port,
           old_config, new_config);
    fflush(stdout);
}

static const struct ofproto_ops ops = {
    .packet_out = packet_out_cb,
    .port_mod = port_mod_cb,
};

struct runner {
    struct ofproto *ofproto;
};

static void
run_cb(void *r_)
{
    struct runner *r = r_;

    ofproto_run(r->ofproto, nf_time_msec());
}

int
main(int argc, char *argv[])
{
    const char *bridge = argc > 1 ? argv[1] : "br0";
    struct ofproto *ofproto;
    struct runner runner;
    struct evloop *loop;
    char *err = NULL;
    int error;

    nf_set_program_name(argv[0]);
    loop = evloop_create();
    daemon_watch_signals(loop);
    error = ofproto_create(bridge, 0x0000020000000001ULL, loop, &ops, NULL,
                           &ofproto, &err);
    if (error) {
        fprintf(stderr, "ofproto-server: %s\n", err);
        return 1;
    }
    ofproto_set_port_stats_cb(ofproto, port_stats_cb);
    for (int i = 0; i < 4; i++) {
        struct ofproto_port p = {
            .ofp_port = i < 3 ? (uint16_t) (i + 1) : OF_PORT_LOCAL,
            .hw_addr = { { 0x02, 0, 0, 0, 0, (uint8_t) (i + 1) } },
            .curr = OF_PF_10GB_FD | OF_PF_COPPER,
            .curr_speed = 10000000,
        };
        if (i < 3) {
            snprintf(p.name, sizeof p.name, "p%d", i + 1);
        } else {
            snprintf(p.name, sizeof p.name, "%s", bridge);
        }
        error = ofproto_port_add(ofproto, &p);
        if (error) {
            fprintf(stderr, "ofproto-server: adding %s: %s\n", p.name,
                    nf_strerror(error));
            return 1;
        }
    }
    if (argc > 2) {
        size_t n = (size_t) argc - 2;
        struct ofproto_controller *ctrls = xcalloc(n, sizeof *ctrls);

        for (size_t i = 0; i < n; i++) {
            ctrls[i].target = argv[2 + i];
        }
        error = ofproto_set_controllers(ofproto, ctrls, n, &err);
        if (error) {
            fprintf(stderr, "ofproto-server: %s\n", err);
            free(err);
        }
        free(ctrls);
    }
    runner.ofproto = ofproto;
    evloop_add_timer(loop, 100, 100, run_cb, &runner);
    printf("ready\n");
    fflush(stdout);
    evloop_run(loop);

    ofproto_destroy(ofproto);
    evloop_destroy(loop);
    return 0;
}
