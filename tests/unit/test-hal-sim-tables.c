/* Unit tests for the simulated eswitch's port/VLAN, FDB, L3 and tunnel
 * tables (offload/hal-sim/sim-tables.c, sim-tunnel.c), the steps 1 to 5 of
 * the model in include/nicflow/hal.h, with exact bytes: ingress VLAN
 * filtering and port VLANs, the FDB with its egress tagging, VXLAN,
 * Geneve and GRE decapsulation and encapsulation, and routing by longest
 * prefix through next hops.  Fixtures: hal-sim-fixtures.h. */
#include "tests/unit/hal-sim-fixtures.h"

/* ---------------------------------------------------------------------
 * Port/VLAN, FDB, L3 and tunnel tables (ABI 2's model, steps 1 to 5).
 * --------------------------------------------------------------------- */

/* A device of profile NAME with table sizes SIZES and ports p1, p2, p3. */
static struct halsim *
make_sim_sizes(const char *name, const struct halsim_sizes *sizes)
{
    static const char *const ports[] = { "p1", "p2", "p3" };
    struct halsim_profile p;
    struct halsim *sim;

    load_profile(name, &p);
    assert_int_equal(
        halsim_create(&p, sizes, "sim0", ports, 3, record_send, NULL, &sim),
        0);
    n_sent = 0;
    return sim;
}

/* Keeps a batch call's message in LAST_MSG and checks it agrees with its
 * return value. */
static int
st_done(int error, const struct nicflow_hal_status *st)
{
    assert_int_equal(error, st->error);
    snprintf(last_msg, sizeof last_msg, "%s", st->msg);
    return error;
}

static int
pv_add(struct halsim *sim, uint32_t port, uint16_t vid, uint16_t flags)
{
    struct nicflow_hal_port_vlan pv = { port, vid, flags };
    struct nicflow_hal_status st;

    return st_done(halsim_port_vlan_add(sim, &pv, &st), &st);
}

static int
fdb_add(struct halsim *sim, const char *mac, uint16_t vid, uint32_t port)
{
    struct nicflow_hal_fdb_entry e = { .vid = vid, .chip_port = port };
    struct nicflow_hal_status st;

    memcpy(e.mac, mac, 6);
    return st_done(halsim_fdb_add(sim, &e, &st), &st);
}

static int
route_add(struct halsim *sim, uint8_t family, const char *addr,
          uint8_t prefix_len, uint32_t nexthop)
{
    struct nicflow_hal_route r = { .family = family,
                                   .prefix_len = prefix_len,
                                   .nexthop = nexthop };
    struct nicflow_hal_status st;

    memcpy(r.addr, addr, family == 6 ? 16 : 4);
    return st_done(halsim_route_add(sim, &r, &st), &st);
}

static int
route_del(struct halsim *sim, uint8_t family, const char *addr,
          uint8_t prefix_len)
{
    struct nicflow_hal_route r = { .family = family,
                                   .prefix_len = prefix_len };
    struct nicflow_hal_status st;

    memcpy(r.addr, addr, family == 6 ? 16 : 4);
    return st_done(halsim_route_del(sim, &r, &st), &st);
}

static int
decap_add(struct halsim *sim, uint32_t type, uint8_t family, uint32_t vni,
          uint32_t tunnel_port)
{
    struct nicflow_hal_tunnel_decap d = {
        .type = type, .family = family, .vni = vni, .tunnel_port = tunnel_port
    };
    struct nicflow_hal_status st;

    /* The local endpoint is the outer frames' destination (below). */
    memcpy(d.dst, family == 4 ? "\xc0\x00\x02\x02" : "\x20\x01\x0d\xb8", 4);
    d.dst[15] = family == 6 ? 2 : 0;
    d.dst_port = type == NICFLOW_HAL_TUN_VXLAN    ? 4789
                 : type == NICFLOW_HAL_TUN_GENEVE ? 6081
                                                  : 0;
    return st_done(halsim_tunnel_decap_add(sim, &d, &st), &st);
}

/* Counts what each port handed to the hardware and the host. */
static uint64_t
hw_of(const struct halsim *sim, uint32_t port)
{
    struct nicflow_hal_port_stats ps;

    assert_int_equal(halsim_port_stats(sim, port, &ps), 0);
    return ps.hw_packets;
}

static uint64_t
host_of(const struct halsim *sim, uint32_t port)
{
    struct nicflow_hal_port_stats ps;

    assert_int_equal(halsim_port_stats(sim, port, &ps), 0);
    return ps.host_packets;
}

#define OUT_TOS 0x28
#define OUT_TTL 17

/* Builds by hand the frame an encapsulation of type TYPE over FAMILY
 * gives the N-byte inner frame IN: 02:..:0b -> 02:..:0a (tag VID if
 * nonzero), 192.0.2.1 -> 192.0.2.2 or 2001:db8::1 -> 2001:db8::2, TOS
 * OUT_TOS, TTL OUT_TTL, UDP source port SPORT. */
static size_t
outer_frame(uint8_t *b, uint8_t family, uint32_t type, uint32_t vni,
            uint16_t sport, uint16_t vid, const uint8_t *in, size_t n)
{
    bool gre = type == NICFLOW_HAL_TUN_GRE;
    size_t off = 12, iph = family == 4 ? 20 : 40, tun = gre ? 8 : 16;
    uint8_t *ip, *t;

    memcpy(b, "\x02\0\0\0\0\x0a\x02\0\0\0\0\x0b", 12);
    if (vid) {
        b[off++] = 0x81, b[off++] = 0, b[off++] = vid >> 8, b[off++] = vid;
    }
    b[off++] = family == 4 ? 0x08 : 0x86, b[off++] = family == 4 ? 0 : 0xdd;
    ip = b + off;
    t = ip + iph;
    memset(ip, 0, iph + tun);
    if (family == 4) {
        ip[0] = 0x45, ip[1] = OUT_TOS;
        ip[2] = (20 + tun + n) >> 8, ip[3] = 20 + tun + n;
        ip[6] = 0x40, ip[8] = OUT_TTL, ip[9] = gre ? 47 : 17;
        memcpy(ip + 12, "\xc0\x00\x02\x01\xc0\x00\x02\x02", 8);
        uint16_t c = csum(ip, 20, 0);
        ip[10] = c >> 8, ip[11] = c;
    } else {
        ip[0] = 0x60 | OUT_TOS >> 4, ip[1] = (OUT_TOS & 0xf) << 4;
        ip[4] = (tun + n) >> 8, ip[5] = tun + n;
        ip[6] = gre ? 47 : 17, ip[7] = OUT_TTL;
        memcpy(ip + 8, "\x20\x01\x0d\xb8", 4), ip[23] = 1;
        memcpy(ip + 24, "\x20\x01\x0d\xb8", 4), ip[39] = 2;
    }
    if (gre) {
        t[0] = 0x20, t[2] = 0x65, t[3] = 0x58;
        t[4] = vni >> 24, t[5] = vni >> 16, t[6] = vni >> 8, t[7] = vni;
    } else {
        uint16_t dport = type == NICFLOW_HAL_TUN_VXLAN ? 4789 : 6081;

        t[0] = sport >> 8, t[1] = sport, t[2] = dport >> 8, t[3] = dport;
        t[4] = (tun + n) >> 8, t[5] = tun + n;
        if (type == NICFLOW_HAL_TUN_VXLAN) {
            t[8] = 0x08;
        } else {
            t[10] = 0x65, t[11] = 0x58;
        }
        t[12] = vni >> 16, t[13] = vni >> 8, t[14] = vni;
    }
    memcpy(t + tun, in, n);
    if (family == 6 && !gre) {
        uint8_t pseudo[8] = { 0, 0, (tun + n) >> 8, tun + n, 0, 0, 0, 17 };
        uint32_t sum = 0xffff & ~csum(ip + 8, 32, 0);

        sum += 0xffff & ~csum(pseudo, 8, 0);
        uint16_t c = csum(t, tun + n, sum);
        t[6] = c ? c >> 8 : 0xff, t[7] = c ? c : 0xff;
    }
    return off + iph + tun + n;
}

static void
test_caps_tables(void **state)
{
    static const char text[] =
        "{\"name\": \"t\", \"tables\": {}, \"actions\": [\"output\","
        " \"set_eth\", \"tunnel_push\"], \"tunnels\": [\"vxlan\","
        " \"mpls_udp\"]}";
    struct halsim_sizes sizes;
    struct nicflow_hal_caps c;
    struct halsim_profile p;
    struct halsim *sim;
    char err[NICFLOW_HAL_MSG_MAX];
    uint32_t all = NICFLOW_HAL_TUNNEL_BIT(NICFLOW_HAL_TUN_VXLAN)
                   | NICFLOW_HAL_TUNNEL_BIT(NICFLOW_HAL_TUN_GENEVE)
                   | NICFLOW_HAL_TUNNEL_BIT(NICFLOW_HAL_TUN_GRE);

    (void) state;
    /* The defaults: no FDB; memberships; sim-small neither routes nor
     * tunnels, so those tables are missing and their calls refused. */
    sim = make_sim("sim-small");
    halsim_get_caps(sim, &c);
    assert_int_equal(c.fdb.supported, 0);
    assert_int_equal(c.port_vlans.supported, 1);
    assert_int_equal(c.port_vlans.size, 4096);
    assert_int_equal(c.nexthops.supported, 0);
    assert_int_equal(c.l3_hosts.supported, 0);
    assert_int_equal(c.l3_routes.supported, 0);
    assert_int_equal(c.tunnel_encaps.supported, 0);
    assert_int_equal(c.tunnel_decaps.supported, 0);
    assert_int_equal(c.tunnel_types, 0);
    assert_int_equal(fdb_add(sim, "\x02\0\0\0\0\x02", 0, 1), EOPNOTSUPP);
    assert_string_equal(last_msg, "sim: no fdb table (hal-args, profile)");
    assert_int_equal(
        halsim_nexthop_set(sim, 0,
                           &(struct nicflow_hal_nexthop){ .chip_port = 1 },
                           err, sizeof err),
        EOPNOTSUPP);
    assert_int_equal(decap_add(sim, NICFLOW_HAL_TUN_VXLAN, 4, 1, 100),
                     EOPNOTSUPP);
    halsim_destroy(sim);

    /* sim-large has set_eth and dec_ttl, tunnel_push and all three
     * tunnel types. */
    sim = make_sim("sim-large");
    halsim_get_caps(sim, &c);
    assert_int_equal(c.fdb.supported, 0);
    assert_int_equal(c.nexthops.supported, 1);
    assert_int_equal(c.nexthops.size, 256);
    assert_int_equal(c.l3_hosts.size, 1024);
    assert_int_equal(c.l3_routes.size, 1024);
    assert_int_equal(c.tunnel_encaps.size, 256);
    assert_int_equal(c.tunnel_decaps.size, 256);
    assert_int_equal(c.tunnel_types, all);
    assert_true(c.acl_actions
                & NICFLOW_HAL_ACTION_BIT(NICFLOW_HAL_A_TUNNEL_ENCAP));
    halsim_destroy(sim);

    /* Sizes from the args: 0 turns a table off. */
    halsim_sizes_default(&sizes);
    sizes.fdb = 8;
    sizes.tunnel_encaps = 0;
    sizes.nexthops = 0;
    sizes.port_vlans = 0;
    sim = make_sim_sizes("sim-large", &sizes);
    halsim_get_caps(sim, &c);
    assert_int_equal(c.fdb.supported, 1);
    assert_int_equal(c.fdb.size, 8);
    assert_int_equal(c.port_vlans.supported, 0);
    assert_int_equal(c.nexthops.supported, 0);
    assert_int_equal(c.l3_hosts.supported, 0); /* No next hops, no L3. */
    assert_int_equal(c.tunnel_encaps.supported, 0);
    assert_int_equal(c.tunnel_decaps.supported, 1);
    assert_int_equal(c.tunnel_types, all);
    assert_false(c.acl_actions
                 & NICFLOW_HAL_ACTION_BIT(NICFLOW_HAL_A_TUNNEL_ENCAP));
    assert_int_equal(pv_add(sim, 1, 10, 0), EOPNOTSUPP);
    halsim_destroy(sim);

    /* set_eth without dec_ttl: no L3; unknown tunnel words ignored. */
    assert_int_equal(halsim_profile_parse(text, strlen(text), "t.json", &p,
                                          err, sizeof err),
                     0);
    assert_int_equal(halsim_create(&p, NULL, "sim0",
                                   (const char *const[]){ "a" }, 1,
                                   record_send, NULL, &sim),
                     0);
    halsim_get_caps(sim, &c);
    assert_int_equal(c.nexthops.supported, 0);
    assert_int_equal(c.tunnel_types,
                     NICFLOW_HAL_TUNNEL_BIT(NICFLOW_HAL_TUN_VXLAN));
    assert_true(c.acl_actions
                & NICFLOW_HAL_ACTION_BIT(NICFLOW_HAL_A_TUNNEL_ENCAP));
    assert_int_equal(decap_add(sim, NICFLOW_HAL_TUN_GRE, 4, 1, 100),
                     EOPNOTSUPP);
    assert_int_equal(decap_add(sim, NICFLOW_HAL_TUN_VXLAN, 4, 1, 100), 0);
    halsim_destroy(sim);
}

static void
test_vlan_ingress(void **state)
{
    struct halsim_sizes sizes;
    struct nicflow_hal_acl_entry e;
    struct nicflow_hal_port_vlan pv = { 1, 10, 0 };
    struct nicflow_hal_status st;
    struct halsim *sim;
    uint8_t b[256], orig[256];
    size_t n;

    (void) state;
    halsim_sizes_default(&sizes);
    sizes.fdb = 4;
    sizes.port_vlans = 3;
    sim = make_sim_sizes("sim-large", &sizes);

    assert_int_equal(pv_add(sim, 1, 10, 0), 0);
    assert_int_equal(
        pv_add(sim, 1, 20, NICFLOW_HAL_PV_UNTAGGED | NICFLOW_HAL_PV_PVID), 0);
    assert_int_equal(pv_add(sim, 0, 10, 0), EINVAL);
    assert_int_equal(pv_add(sim, 4, 10, 0), EINVAL);
    assert_int_equal(pv_add(sim, 2, 0, 0), EINVAL);
    assert_int_equal(pv_add(sim, 2, 4095, 0), EINVAL);
    assert_int_equal(pv_add(sim, 1, 30, NICFLOW_HAL_PV_PVID), EINVAL);
    assert_non_null(strstr(last_msg, "already has PVID 20"));
    assert_int_equal(pv_add(sim, 1, 20, NICFLOW_HAL_PV_PVID), 0); /* Same. */
    assert_int_equal(pv_add(sim, 3, 30, 0), 0);
    assert_int_equal(pv_add(sim, 3, 31, 0), ENOSPC);
    assert_string_equal(last_msg, "sim: port-vlans table full: 3/3");
    pv.chip_port = 2;
    assert_int_equal(st_done(halsim_port_vlan_del(sim, &pv, &st), &st),
                     ENOENT);
    pv.chip_port = 3, pv.vid = 30;
    assert_int_equal(st_done(halsim_port_vlan_del(sim, &pv, &st), &st), 0);

    /* A tagged frame of a VLAN port 1 does not carry: dropped by the
     * chip; of one it carries: to the host (nothing else takes it). */
    n = ipv4_frame(b, 30, 17, 1, 2, 0);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(hw_of(sim, 1), 1);
    assert_int_equal(n_sent, 0);
    n = ipv4_frame(b, 10, 17, 1, 2, 0);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HOST);
    /* A port without membership takes every VLAN. */
    n = ipv4_frame(b, 30, 17, 1, 2, 0);
    assert_int_equal(halsim_process(sim, 2, b, n, sizeof b, 0), HALSIM_HOST);

    /* An untagged frame on port 1 belongs to VLAN 20 for the FDB ... */
    assert_int_equal(fdb_add(sim, "\x02\0\0\0\0\x02", 20, 2), 0);
    n = ipv4_frame(b, -1, 17, 1, 2, 0);
    memcpy(orig, b, n);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(n_sent, 1);
    assert_int_equal(sent[0].port, 2);
    assert_int_equal(sent[0].len, n);
    assert_memory_equal(sent[0].data, orig, n);
    /* ... but not on port 3, which has no PVID (VLAN 0). */
    memcpy(b, orig, n);
    assert_int_equal(halsim_process(sim, 3, b, n, sizeof b, 0), HALSIM_HOST);

    /* The ACL sees the frame untagged all the same. */
    entry_init(&e, 1, 10);
    match_port(&e, 1);
    add_match(&e, NICFLOW_HAL_F_VLAN_TAGGED, "\x00", "\x01", 1);
    add_action(&e, NICFLOW_HAL_A_REDIRECT, 3);
    assert_int_equal(add(sim, &e), 0);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(n_sent, 2);
    assert_int_equal(sent[1].port, 3);
    halsim_destroy(sim);
}

static void
test_fdb(void **state)
{
    static const char mac2[] = "\x02\0\0\0\0\x02";
    struct nicflow_hal_fdb_entry fe = { .vid = 0 };
    struct nicflow_hal_status st;
    struct halsim_sizes sizes;
    struct halsim *sim;
    uint8_t b[256], orig[256];
    size_t n;

    (void) state;
    halsim_sizes_default(&sizes);
    sizes.fdb = 2;
    sim = make_sim_sizes("sim-small", &sizes);

    assert_int_equal(fdb_add(sim, mac2, 0, 4), EINVAL);
    assert_int_equal(fdb_add(sim, mac2, 4095, 1), EINVAL);
    assert_int_equal(fdb_add(sim, mac2, 0, 2), 0);
    assert_int_equal(fdb_add(sim, mac2, 0, 3), 0); /* Replaced. */
    assert_int_equal(fdb_add(sim, mac2, 20, 2), 0);
    assert_int_equal(fdb_add(sim, mac2, 21, 2), ENOSPC);
    assert_string_equal(last_msg, "sim: fdb table full: 2/2");
    memcpy(fe.mac, mac2, 6);
    fe.vid = 7;
    assert_int_equal(st_done(halsim_fdb_del(sim, &fe, &st), &st), ENOENT);

    /* No membership on the output port: the frame leaves as it came. */
    n = ipv4_frame(b, -1, 6, 1, 2, 0);
    memcpy(orig, b, n);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(n_sent, 1);
    assert_int_equal(sent[0].port, 3);
    assert_memory_equal(sent[0].data, orig, n);
    /* Never back out of the port it came in on: dropped, by the chip. */
    memcpy(b, orig, n);
    assert_int_equal(halsim_process(sim, 3, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(n_sent, 1);
    assert_int_equal(hw_of(sim, 3), 1);
    assert_int_equal(host_of(sim, 3), 0);

    /* Egress tagging by the output port's membership of the VLAN. */
    fe.vid = 0;
    assert_int_equal(st_done(halsim_fdb_del(sim, &fe, &st), &st), 0);
    assert_int_equal(fdb_add(sim, mac2, 20, 2), 0);
    assert_int_equal(pv_add(sim, 1, 20, NICFLOW_HAL_PV_PVID), 0);
    assert_int_equal(pv_add(sim, 2, 20, NICFLOW_HAL_PV_UNTAGGED), 0);
    n = ipv4_frame(b, 20, 6, 1, 2, 0); /* Tagged 20, out untagged: pop. */
    memcpy(orig, b, n);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(n_sent, 2);
    assert_int_equal(sent[1].port, 2);
    assert_int_equal(sent[1].len, n - 4);
    assert_memory_equal(sent[1].data, orig, 12);
    assert_memory_equal(sent[1].data + 12, orig + 16, n - 16);

    assert_int_equal(pv_add(sim, 2, 20, 0), 0); /* Now tagged: pushed. */
    n = ipv4_frame(b, -1, 6, 1, 2, 0);
    memcpy(orig, b, n);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(n_sent, 3);
    assert_int_equal(sent[2].len, n + 4);
    assert_memory_equal(sent[2].data + 12, "\x81\x00\x00\x14", 4);
    assert_memory_equal(sent[2].data + 16, orig + 12, n - 12);

    /* A port with memberships, but not of the VLAN, does not carry it. */
    assert_int_equal(pv_add(sim, 2, 21, 0), 0);
    struct nicflow_hal_port_vlan pv = { 2, 20, 0 };
    assert_int_equal(st_done(halsim_port_vlan_del(sim, &pv, &st), &st), 0);
    memcpy(b, orig, n);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(n_sent, 3);
    halsim_destroy(sim);
}

static void
test_decap(void **state)
{
    static const struct {
        uint32_t type;
        uint8_t family;
        uint32_t vni, port;
    } cases[] = {
        { NICFLOW_HAL_TUN_VXLAN, 4, 100, 1000 },
        { NICFLOW_HAL_TUN_GENEVE, 4, 200, 1001 },
        { NICFLOW_HAL_TUN_GRE, 4, 0x12345678, 1002 },
        { NICFLOW_HAL_TUN_VXLAN, 6, 400, 1003 },
    };
    struct nicflow_hal_acl_entry e;
    struct nicflow_hal_tunnel_decap d = { .type = NICFLOW_HAL_TUN_VXLAN };
    struct nicflow_hal_status st;
    struct halsim_sizes sizes;
    struct halsim *sim;
    uint8_t in[128], b[256], orig[256];
    size_t n_in = ipv4_frame(in, -1, 17, 1, 2, 0), n;

    (void) state;
    halsim_sizes_default(&sizes);
    sizes.tunnel_decaps = 5;
    sim = make_sim_sizes("sim-large", &sizes);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(decap_add(sim, cases[i].type, cases[i].family,
                                   cases[i].vni, cases[i].port),
                         0);
        /* The inner frame enters the tunnel port: an entry matching it
         * sends it out of port 2. */
        entry_init(&e, 10 + i, 10);
        match_port(&e, cases[i].port);
        add_action(&e, NICFLOW_HAL_A_REDIRECT, 2);
        assert_int_equal(add(sim, &e), 0);
    }
    assert_int_equal(decap_add(sim, NICFLOW_HAL_TUN_VXLAN, 4, 100, 1009), 0);
    assert_int_equal(decap_add(sim, NICFLOW_HAL_TUN_VXLAN, 4, 500, 1005), 0);
    assert_int_equal(decap_add(sim, NICFLOW_HAL_TUN_VXLAN, 4, 501, 1006),
                     ENOSPC);
    assert_string_equal(last_msg, "sim: tunnel-decaps table full: 5/5");
    assert_int_equal(decap_add(sim, NICFLOW_HAL_TUN_VXLAN, 4, 501, 3), EINVAL);
    assert_int_equal(decap_add(sim, NICFLOW_HAL_TUN_VXLAN, 5, 501, 1006),
                     EINVAL);
    assert_int_equal(st_done(halsim_tunnel_decap_del(sim, &d, &st), &st),
                     ENOENT);
    /* The replaced entry (VNI 100 to 1009) goes back to port 1000. */
    assert_int_equal(decap_add(sim, NICFLOW_HAL_TUN_VXLAN, 4, 100, 1000), 0);

    for (size_t i = 0; i < 4; i++) {
        n = outer_frame(b, cases[i].family, cases[i].type, cases[i].vni, 50000,
                        0, in, n_in);
        n_sent = 0;
        assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
        assert_int_equal(n_sent, 1);
        assert_int_equal(sent[0].port, 2);
        assert_int_equal(sent[0].len, n_in);
        assert_memory_equal(sent[0].data, in, n_in);
    }
    assert_int_equal(hw_of(sim, 1), 4); /* The physical port counts. */

    /* No match: another VNI, Geneve with options, another endpoint. */
    n = outer_frame(b, 4, NICFLOW_HAL_TUN_VXLAN, 101, 50000, 0, in, n_in);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HOST);
    n = outer_frame(b, 4, NICFLOW_HAL_TUN_GENEVE, 200, 50000, 0, in, n_in);
    b[14 + 20 + 8] = 0x01; /* Option length 4 bytes. */
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HOST);
    n = outer_frame(b, 4, NICFLOW_HAL_TUN_VXLAN, 100, 50000, 0, in, n_in);
    b[14 + 19] = 3; /* 192.0.2.3 */
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HOST);
    n_sent = 0;

    /* An inner frame nothing takes: the original outer frame goes to
     * the host, as received on the physical port. */
    n = outer_frame(b, 4, NICFLOW_HAL_TUN_VXLAN, 500, 50000, 0, in, n_in);
    memcpy(orig, b, n);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HOST);
    assert_memory_equal(b, orig, n);
    assert_int_equal(n_sent, 0);
    assert_int_equal(host_of(sim, 1), 4);
    halsim_destroy(sim);
}

/* Whether the UDP checksum of the IPv6 frame B (at L3 offset OFF) sums
 * to zero over its pseudo-header. */
static bool
udp6_csum_ok(const uint8_t *b, size_t off)
{
    const uint8_t *ip = b + off, *udp = ip + 40;
    size_t len = ip[4] << 8 | ip[5];
    uint8_t pseudo[8] = { 0, 0, len >> 8, len, 0, 0, 0, 17 };
    uint32_t sum = 0xffff & ~csum(ip + 8, 32, 0);

    sum += 0xffff & ~csum(pseudo, 8, 0);
    return (udp[6] || udp[7]) && csum(udp, len, sum) == 0;
}

static void
test_encap(void **state)
{
    static const struct {
        uint32_t type;
        uint8_t family;
        uint16_t vid;
    } cases[] = {
        { NICFLOW_HAL_TUN_VXLAN, 4, 0 },  { NICFLOW_HAL_TUN_GENEVE, 4, 7 },
        { NICFLOW_HAL_TUN_GRE, 4, 0 },    { NICFLOW_HAL_TUN_VXLAN, 6, 0 },
        { NICFLOW_HAL_TUN_GENEVE, 6, 0 }, { NICFLOW_HAL_TUN_GRE, 6, 0 },
    };
    struct nicflow_hal_tunnel_encap x;
    struct nicflow_hal_acl_entry e;
    struct halsim *sim = make_sim("sim-large");
    char err[NICFLOW_HAL_MSG_MAX];
    uint8_t in[128], b[256], want[256];
    size_t n_in = ipv4_frame(in, -1, 17, 1, 2, 0), n;
    uint16_t sport = 0;

    (void) state;
    for (size_t i = 0; i < 6; i++) {
        memset(&x, 0, sizeof x);
        x.type = cases[i].type;
        x.vni = 0xabcdef;
        x.family = cases[i].family;
        x.ttl = OUT_TTL;
        x.tos = OUT_TOS;
        memcpy(x.src, x.family == 4 ? "\xc0\x00\x02\x01" : "\x20\x01\x0d\xb8",
               4);
        memcpy(x.dst, x.family == 4 ? "\xc0\x00\x02\x02" : "\x20\x01\x0d\xb8",
               4);
        if (x.family == 6) {
            x.src[15] = 1, x.dst[15] = 2;
        }
        x.dst_port = x.type == NICFLOW_HAL_TUN_VXLAN ? 4789 : 6081;
        x.vid = cases[i].vid;
        memcpy(x.smac, "\x02\0\0\0\0\x0b", 6);
        memcpy(x.dmac, "\x02\0\0\0\0\x0a", 6);
        x.chip_port = 3;
        assert_int_equal(halsim_tunnel_encap_set(sim, i, &x, err, sizeof err),
                         0);
        entry_init(&e, 1, 10);
        match_port(&e, 1);
        add_action(&e, NICFLOW_HAL_A_TUNNEL_ENCAP, i);
        assert_int_equal(add(sim, &e), 0); /* Replaces entry 1. */

        memcpy(b, in, n_in);
        n_sent = 0;
        assert_int_equal(halsim_process(sim, 1, b, n_in, sizeof b, 0),
                         HALSIM_HW);
        assert_int_equal(n_sent, 1);
        assert_int_equal(sent[0].port, 3);
        if (x.type != NICFLOW_HAL_TUN_GRE) {
            /* The source port is one hash of the inner frame. */
            size_t t = 14 + (x.vid ? 4 : 0) + (x.family == 4 ? 20 : 40);
            uint16_t got = sent[0].data[t] << 8 | sent[0].data[t + 1];

            assert_true(got >= 49152);
            assert_true(!sport || got == sport);
            sport = got;
        }
        n = outer_frame(want, x.family, x.type, x.vni, sport, x.vid, in, n_in);
        assert_int_equal(sent[0].len, n);
        assert_memory_equal(sent[0].data, want, n);
        if (x.family == 6 && x.type != NICFLOW_HAL_TUN_GRE) {
            assert_true(udp6_csum_ok(sent[0].data, 14));
        }
    }

    /* A later REDIRECT wins over the encapsulation. */
    add_action(&e, NICFLOW_HAL_A_REDIRECT, 2);
    assert_int_equal(add(sim, &e), 0);
    memcpy(b, in, n_in);
    n_sent = 0;
    assert_int_equal(halsim_process(sim, 1, b, n_in, sizeof b, 0), HALSIM_HW);
    assert_int_equal(sent[0].port, 2);
    assert_int_equal(sent[0].len, n_in);
    assert_memory_equal(sent[0].data, in, n_in);

    /* References and refusals. */
    assert_int_equal(halsim_tunnel_encap_del(sim, 5, err, sizeof err), EBUSY);
    assert_int_equal(halsim_tunnel_encap_del(sim, 4, err, sizeof err), 0);
    assert_int_equal(halsim_tunnel_encap_del(sim, 4, err, sizeof err), ENOENT);
    entry_init(&e, 2, 10);
    add_action(&e, NICFLOW_HAL_A_TUNNEL_ENCAP, 4);
    assert_int_equal(add(sim, &e), ENOENT);
    assert_string_equal(last_msg, "sim: no tunnel encap 4");
    assert_int_equal(halsim_tunnel_encap_set(sim, 256, &x, err, sizeof err),
                     EINVAL);
    x.chip_port = 4;
    assert_int_equal(halsim_tunnel_encap_set(sim, 1, &x, err, sizeof err),
                     EINVAL);
    x.chip_port = 3, x.type = 9;
    assert_int_equal(halsim_tunnel_encap_set(sim, 1, &x, err, sizeof err),
                     EOPNOTSUPP);
    halsim_destroy(sim);
}

/* Whether the IPv4 header at OFF of B sums to zero. */
static bool
ipv4_csum_ok(const uint8_t *b, size_t off)
{
    return csum(b + off, 20, 0) == 0;
}

static void
test_l3(void **state)
{
    static const char rmac[] = "\x02\0\0\0\0\x02"; /* eth()'s destination. */
    struct nicflow_hal_l3_config l3 = { .router_mac = { 2, 0, 0, 0, 0, 2 } };
    struct nicflow_hal_nexthop nh[3] = {
        { 2, { 2, 0, 0, 0, 0, 0xa0 }, { 2, 0, 0, 0, 0, 0xb0 }, 0, 0 },
        { 3, { 2, 0, 0, 0, 0, 0xa1 }, { 2, 0, 0, 0, 0, 0xb1 }, 7, 0 },
        { 1, { 2, 0, 0, 0, 0, 0xa2 }, { 2, 0, 0, 0, 0, 0xb2 }, 0, 0 },
    };
    struct halsim_sizes sizes;
    struct halsim *sim;
    char err[NICFLOW_HAL_MSG_MAX];
    uint8_t b[256], orig[256];
    size_t n;

    (void) state;
    halsim_sizes_default(&sizes);
    sizes.l3_hosts = 1;
    sim = make_sim_sizes("sim-large", &sizes);
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(halsim_nexthop_set(sim, i, &nh[i], err, sizeof err),
                         0);
    }
    assert_int_equal(halsim_nexthop_set(sim, 256, &nh[0], err, sizeof err),
                     EINVAL);
    nh[0].chip_port = 4;
    assert_int_equal(halsim_nexthop_set(sim, 5, &nh[0], err, sizeof err),
                     EINVAL);
    nh[0].chip_port = 2, nh[0].vid = 4095;
    assert_int_equal(halsim_nexthop_set(sim, 5, &nh[0], err, sizeof err),
                     EINVAL);
    nh[0].vid = 0;

    assert_int_equal(route_add(sim, 4, "\x0a\0\0\0", 8, 0), 0);
    assert_int_equal(route_add(sim, 4, "\x0a\0\0\0", 16, 1), 0);
    assert_int_equal(route_add(sim, 4, "\x0a\0\0\x02", 32, 2), 0);
    assert_int_equal(route_add(sim, 4, "\x0a\0\0\x03", 32, 2), ENOSPC);
    assert_string_equal(last_msg, "sim: l3-hosts table full: 1/1");
    assert_int_equal(route_add(sim, 4, "\x0a\0\0\x02", 32, 0), 0); /* Same. */
    assert_int_equal(route_add(sim, 4, "\x0a\0\0\x02", 32, 2), 0);
    assert_int_equal(route_add(sim, 4, "\x0a\0\x01\0", 16, 0), EINVAL);
    assert_int_equal(route_add(sim, 4, "\x0a\0\0\0", 33, 0), EINVAL);
    assert_int_equal(route_add(sim, 5, "\x0a\0\0\0", 8, 0), EINVAL);
    assert_int_equal(route_add(sim, 4, "\x0b\0\0\0", 8, 9), ENOENT);
    assert_int_equal(route_del(sim, 4, "\x0b\0\0\0", 8), ENOENT);
    assert_int_equal(halsim_nexthop_del(sim, 0, err, sizeof err), EBUSY);
    assert_int_equal(halsim_nexthop_del(sim, 9, err, sizeof err), ENOENT);

    /* Not for the router MAC until it is set: to the host (no FDB). */
    n = ipv4_frame(b, -1, 17, 1, 2, 0);
    memcpy(orig, b, n);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HOST);
    assert_int_equal(halsim_l3_config(sim, &l3, err, sizeof err), 0);

    /* The host entry 10.0.0.2 beats the routes. */
    assert_int_equal(halsim_process(sim, 2, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(n_sent, 1);
    assert_int_equal(sent[0].port, 1);
    assert_memory_equal(sent[0].data, "\x02\0\0\0\0\xb2\x02\0\0\0\0\xa2", 12);
    assert_int_equal(sent[0].data[14 + 8], 63);
    assert_true(ipv4_csum_ok(sent[0].data, 14));
    assert_memory_equal(sent[0].data + 12, orig + 12, 10);
    assert_memory_equal(sent[0].data + 26, orig + 26, n - 26);

    /* Then the /16 beats the /8: its next hop pushes VLAN 7. */
    assert_int_equal(route_del(sim, 4, "\x0a\0\0\x02", 32), 0);
    memcpy(b, orig, n);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(sent[1].port, 3);
    assert_int_equal(sent[1].len, n + 4);
    assert_memory_equal(sent[1].data + 12, "\x81\x00\x00\x07", 4);
    assert_int_equal(sent[1].data[18 + 8], 63);
    assert_true(ipv4_csum_ok(sent[1].data, 18));
    /* A tagged frame has its VID replaced (priority kept). */
    n = ipv4_frame(b, 5, 17, 1, 2, 0);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(sent[2].len, n);
    assert_memory_equal(sent[2].data + 12, "\x81\x00\xa0\x07", 4);

    /* The /8's next hop is untagged: the tag is popped. */
    assert_int_equal(route_del(sim, 4, "\x0a\0\0\0", 16), 0);
    assert_int_equal(halsim_nexthop_del(sim, 1, err, sizeof err), 0);
    n = ipv4_frame(b, 5, 17, 1, 2, 0);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(sent[3].port, 2);
    assert_int_equal(sent[3].len, n - 4);
    assert_int_equal(sent[3].data[12] << 8 | sent[3].data[13], 0x0800);
    assert_true(ipv4_csum_ok(sent[3].data, 14));

    /* A TTL of 1: to the host. */
    n = ipv4_frame(b, -1, 17, 1, 2, 0);
    b[14 + 8] = 1, b[14 + 10] = 0, b[14 + 11] = 0;
    uint16_t c = csum(b + 14, 20, 0);
    b[14 + 10] = c >> 8, b[14 + 11] = c;
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HOST);

    /* IPv6: hop limit 33 becomes 32 on a /64. */
    assert_int_equal(
        route_add(sim, 6, "\x20\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 64, 0), 0);
    n = ipv6_frame(b, -1, 17, 1, 2);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(sent[4].port, 2);
    assert_int_equal(sent[4].data[14 + 7], 32);

    /* No route: to the host. */
    assert_int_equal(route_del(sim, 4, "\x0a\0\0\0", 8), 0);
    n = ipv4_frame(b, -1, 17, 1, 2, 0);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HOST);
    assert_int_equal(n_sent, 5);
    (void) rmac;
    halsim_destroy(sim);
}

/* ---------------------------------------------------------------------
 * The plugin.
 * --------------------------------------------------------------------- */

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caps_tables),
        cmocka_unit_test(test_vlan_ingress),
        cmocka_unit_test(test_fdb),
        cmocka_unit_test(test_decap),
        cmocka_unit_test(test_encap),
        cmocka_unit_test(test_l3),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
