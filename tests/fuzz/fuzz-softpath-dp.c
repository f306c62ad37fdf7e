/* Fuzz target: the userspace datapath's packet path — parse (flow
 * extraction), lookup (EMC and megaflow classifier) and actions — on
 * arbitrary frames.
 *
 * A datapath with three dummy ports holds flows of many shapes (by port,
 * Ethernet type, VLAN, IPv4/IPv6 addresses, L4 ports, with actions that
 * push and pop VLANs, set header fields with checksum updates, send to
 * several ports, recirculate and make userspace upcalls).  Each input is a
 * frame (its first byte picks the port it arrives on) injected and run
 * through dpif_netdev_run(); what comes out is drained.  ASan/UBSan catch
 * any read past a frame (the packet is exactly the input's size); the
 * checks: every frame received is counted once as a hit or a miss, and no
 * frame sent is empty or absurdly large. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/packet.h"
#include "lib/util.h"
#include "softpath/dpif-netdev.h"
#include "softpath/dpif.h"
#include "softpath/netdev.h"
#include "softpath/odp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dpif *dpif;
static struct netdev *ports[3];

static const struct {
    const char *key;
    const char *actions;
} flows[] = {
    { "in_port(1),eth(),eth_type(0x0800),ipv4(proto=6),tcp(dst=80)",
      "set(ipv4(ttl=9/0xff)),set(tcp(dst=8080)),2" },
    { "in_port(1),eth(),eth_type(0x0800),ipv4(proto=17)",
      "push_vlan(vid=10,pcp=3),2,3" },
    { "in_port(1),eth(),eth_type(0x86dd),ipv6(proto=58)",
      "set(ipv6(hlimit=3)),userspace(pid=0),2" },
    { "in_port(1),eth(),eth_type(0x0806)", "2,3" },
    { "in_port(2),eth(),eth_type(0x8100),vlan(vid=10),encap()", "pop_vlan,1" },
    { "in_port(2),eth(),eth_type(0x0800),ipv4(src=10.0.0.0/255.0.0.0)",
      "set(ipv4(src=192.168.0.1)),recirc(5)" },
    { "recirc_id(5),in_port(2),eth(),eth_type(0x0800),ipv4()",
      "set(eth(dst=00:00:00:00:00:01)),1" },
    { "in_port(3),eth()", "trunc(100),1,2" },
};

static void
setup(void)
{
    char *err = NULL;

    dpif_netdev_register();
    dpif_netdev_set_local_port_type("dummy");
    if (dpif_open("netdev@fuzz", NULL, true, &dpif, &err)) {
        abort();
    }
    for (int i = 0; i < 3; i++) {
        char name[16];
        uint32_t port_no = (uint32_t) i + 1;

        snprintf(name, sizeof name, "fz%d", i + 1);
        if (dpif_port_add(dpif, name, "dummy", NULL, &port_no, &err)) {
            abort();
        }
        ports[i] = netdev_from_name(name);
        if (!ports[i]) {
            abort();
        }
    }
    for (size_t i = 0; i < sizeof flows / sizeof *flows; i++) {
        struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
        struct buf acts = BUF_INITIALIZER;

        if (odp_flow_from_string(flows[i].key, &key, &mask, &err)
            || odp_actions_from_string(flows[i].actions, &acts, &err)) {
            abort();
        }
        struct dpif_flow_put put = {
            .flags = DPIF_FP_CREATE,
            .key = key.data,
            .key_len = key.len,
            .mask = mask.data,
            .mask_len = mask.len,
            .actions = acts.data,
            .actions_len = acts.len,
        };
        if (dpif_flow_put(dpif, &put, &err)) {
            abort();
        }
        buf_destroy(&key);
        buf_destroy(&mask);
        buf_destroy(&acts);
    }
    dpif_recv_set(dpif, true);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dpif_dp_stats before, after;
    struct dpif_upcall u;

    if (!dpif) {
        setup();
    }
    if (size < 1 || size > 9000) {
        return 0;
    }
    dpif_get_stats(dpif, &before);
    if (netdev_dummy_receive(ports[data[0] % 3],
                             pkt_from_data(data + 1, size - 1))) {
        abort();
    }
    while (dpif_netdev_run(dpif) > 0) {
        continue;
    }
    dpif_get_stats(dpif, &after);
    /* One frame in: one lookup (plus one per recirculation), each a hit or
     * a miss. */
    if (after.n_hit + after.n_missed <= before.n_hit + before.n_missed) {
        abort();
    }
    for (int i = 0; i < 3; i++) {
        struct pkt *p;
        while ((p = netdev_dummy_pop_sent(ports[i]))) {
            if (p->size > 9000 + 8) {
                abort();
            }
            pkt_delete(p);
        }
    }
    while (!dpif_recv(dpif, &u)) {
        dpif_upcall_destroy(&u);
    }
    return 0;
}
