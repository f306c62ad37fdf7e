/* fuzz-hal-sim-frame: the simulated eswitch's model
 * (offload/hal-sim/sim-pipeline.c) on untrusted bytes, two ways:
 *
 *   - the input as the text of a profile file into halsim_profile_parse();
 *     a profile that parses becomes a device whose caps are read and which
 *     is offered a few entries (so odd table sizes and rules are used);
 *   - the input as one frame (its first byte picks the chip port, 0 being
 *     none) through parse, lookup and the actions of a fixed table whose
 *     entries push up to 15 tags, pop, rewrite addresses, ports, TOS and
 *     TTL, mirror, redirect, count, police and encapsulate (VXLAN over
 *     IPv4, GRE over IPv6, Geneve), and of fixed other tables: port/VLAN
 *     memberships (a filtering port with a PVID), decap entries of all
 *     three tunnel types (their inner frames go on through the ACL),
 *     routes, a host entry and next hops (one pushing a tag), and an FDB.
 *
 * Checks: ASan/UBSan clean with the frame exactly its size (a copy in a
 * buffer of LEN + HALSIM_GROWTH bytes, as the contract says); a failed
 * profile's message names the file; every output is readable, no longer
 * than the frame plus the growth bound HALSIM_GROWTH (which covers an
 * encapsulation after 15 pushes; a decapsulated inner frame is shorter
 * than the outer one by more than it can grow); a frame that misses is
 * left unchanged; an IPv4 header whose checksum was right (in the outer
 * frame and, when decapsulated, the inner one) still sums to zero after
 * the set actions and routing (incremental checksum updates) and an
 * encapsulation's outer IPv4 header sums to zero; a decapsulated inner
 * frame lies within the outer frame, after its Ethernet header. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nicflow/hal.h"
#include "offload/hal-sim/sim-model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char profile_text[] =
    "{\"name\": \"fuzz\", \"match\": {\"in_port\": \"exact\","
    " \"eth_src\": \"arbitrary\", \"eth_dst\": \"arbitrary\","
    " \"eth_type\": \"exact\", \"vlan_vid\": \"arbitrary\","
    " \"ipv4_src\": \"prefix\", \"ipv4_dst\": \"arbitrary\","
    " \"ipv6_dst\": \"prefix\", \"ip_proto\": \"exact\","
    " \"ip_frag\": \"arbitrary\", \"tp_src\": \"arbitrary\","
    " \"tp_dst\": \"exact\", \"icmp_type\": \"exact\"},"
    " \"actions\": [\"output\", \"mirror\", \"drop\", \"push_vlan\","
    " \"pop_vlan\", \"set_eth\", \"set_ipv4\", \"set_tp\", \"police\","
    " \"count\", \"dec_ttl\", \"tunnel_push\"],"
    " \"tunnels\": [\"vxlan\", \"geneve\", \"gre\"],"
    " \"tables\": {\"rules_per_port\": 8, \"rules_per_device\": 64,"
    " \"max_actions_per_rule\": 16},"
    " \"meters\": {\"supported\": true, \"count\": 4}}";

static struct halsim *sim;
static size_t in_len; /* The frame being processed. */
static bool in_ip_ok; /* Its IPv4 header checksum was right. */
static uint64_t now;

/* Whether the IPv4 header of the LEN-byte FRAME is whole and sums to 0. */
static bool
ipv4_csum_ok(const uint8_t *frame, size_t len, bool *is_ipv4)
{
    struct halsim_layout l;
    uint32_t sum = 0;
    size_t ihl;

    halsim_parse(frame, len, 0, NULL, &l);
    *is_ipv4 = l.ipv4;
    if (!l.ipv4) {
        return false;
    }
    ihl = (frame[l.l3] & 0xf) * 4;
    if (l.l3 + ihl > len) {
        return false;
    }
    for (size_t i = 0; i < ihl; i += 2) {
        sum += frame[l.l3 + i] << 8 | frame[l.l3 + i + 1];
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum == 0xffff;
}

static int
check_send(uint32_t chip_port, const uint8_t *frame, size_t len, void *aux)
{
    volatile uint8_t sink = 0;
    bool is_ipv4;

    (void) aux;
    if (chip_port < 1 || chip_port > 3 || len > in_len + HALSIM_GROWTH) {
        abort();
    }
    for (size_t i = 0; i < len; i++) {
        sink ^= frame[i]; /* Every byte must be readable. */
    }
    if (!ipv4_csum_ok(frame, len, &is_ipv4) && is_ipv4 && in_ip_ok) {
        fprintf(stderr, "IPv4 header checksum broken by the actions\n");
        abort();
    }
    return 0;
}

/* Checks where the decap table finds the inner frame of the LEN-byte
 * FRAME: within it, after the outer Ethernet header.  A decapsulated
 * frame's checksum check is the inner frame's (in_ip_ok). */
static void
check_decap(const uint8_t *frame, size_t len)
{
    struct halsim_fields f;
    struct halsim_layout l;
    size_t off, n;
    uint32_t port;
    bool is_ipv4;

    halsim_parse(frame, len, 1, &f, &l);
    if (!halsim_decap_match(sim, frame, len, &f, &l, &off, &n, &port)) {
        return;
    }
    if (off < 14 + 20 + 8 || off > len || n > len - off || n < 14
        || port < 1000 || port > 1003) {
        fprintf(stderr, "inner frame %zu+%zu outside %zu bytes\n", off, n,
                len);
        abort();
    }
    in_ip_ok = ipv4_csum_ok(frame + off, n, &is_ipv4);
}

static void
match(struct nicflow_hal_acl_entry *e, uint16_t field, const char *v,
      const char *m, size_t n)
{
    struct nicflow_hal_match *x = &e->matches[e->n_matches++];

    x->field = field;
    memcpy(x->value, v, n);
    memcpy(x->mask, m, n);
}

static struct nicflow_hal_action *
act(struct nicflow_hal_acl_entry *e, uint16_t type, uint32_t arg)
{
    struct nicflow_hal_action *a = &e->actions[e->n_actions++];

    a->type = type;
    a->arg = arg;
    a->tpid = 0x8100;
    a->tci = 0x2005;
    return a;
}

static struct nicflow_hal_action *
set(struct nicflow_hal_acl_entry *e, uint16_t field, const char *v,
    const char *m, size_t n)
{
    struct nicflow_hal_action *a = act(e, NICFLOW_HAL_A_SET_FIELD, 0);

    a->field = field;
    memcpy(a->value, v, n);
    memcpy(a->mask, m, n);
    return a;
}

static void
add(struct halsim *s, struct nicflow_hal_acl_entry *e, bool must)
{
    struct nicflow_hal_status st;

    if (halsim_acl_add(s, e, &st) && must) {
        fprintf(stderr, "fixed entry %llu refused: %s\n",
                (unsigned long long) e->id, st.msg);
        abort();
    }
}

/* The fixed entries, added to S (MUST: each has to be accepted). */
static void
add_entries(struct halsim *s, bool must)
{
    static struct nicflow_hal_acl_entry e[8];
    static const struct nicflow_hal_meter meter = { NICFLOW_HAL_METER_PPS, 100,
                                                    5 };
    uint32_t counter = 0;

    memset(e, 0, sizeof e);
    if (must
        && (halsim_counter_alloc(s, &counter, NULL, 0)
            || halsim_meter_set(s, 0, &meter, 0, NULL, 0))) {
        abort();
    }
    e[0].id = 1, e[0].priority = 50;
    match(&e[0], NICFLOW_HAL_F_ETH_TYPE, "\x08\x00", "\xff\xff", 2);
    match(&e[0], NICFLOW_HAL_F_IP_PROTO, "\x06", "\xff", 1);
    set(&e[0], NICFLOW_HAL_F_IPV4_SRC, "\x0a\x01\x02\x03", "\xff\x00\xff\x0f",
        4);
    set(&e[0], NICFLOW_HAL_F_L4_DST, "\x1f\x90", "\xff\xff", 2);
    set(&e[0], NICFLOW_HAL_F_IP_TOS, "\xb8", "\xfc", 1);
    set(&e[0], NICFLOW_HAL_F_IP_TTL, "\x01", "\xff", 1);
    act(&e[0], NICFLOW_HAL_A_COUNT, counter);
    act(&e[0], NICFLOW_HAL_A_REDIRECT, 2);

    e[1].id = 2, e[1].priority = 40;
    match(&e[1], NICFLOW_HAL_F_IP_PROTO, "\x11", "\xff", 1);
    set(&e[1], NICFLOW_HAL_F_IPV4_DST, "\xc0\xa8\x00\x01", "\xff\xff\xff\xff",
        4);
    set(&e[1], NICFLOW_HAL_F_L4_SRC, "\x00\x35", "\xff\xff", 2);
    act(&e[1], NICFLOW_HAL_A_VLAN_PUSH, 0);
    act(&e[1], NICFLOW_HAL_A_MIRROR, 1);
    act(&e[1], NICFLOW_HAL_A_VLAN_POP, 0);
    act(&e[1], NICFLOW_HAL_A_VLAN_POP, 0);
    act(&e[1], NICFLOW_HAL_A_REDIRECT, 3);

    e[2].id = 3, e[2].priority = 30;
    match(&e[2], NICFLOW_HAL_F_VLAN_TAGGED, "\x01", "\x01", 1);
    act(&e[2], NICFLOW_HAL_A_VLAN_POP, 0);
    set(&e[2], NICFLOW_HAL_F_ETH_DST, "\x02\0\0\0\0\x09",
        "\xff\xff\0\0\xff\xff", 6);
    act(&e[2], NICFLOW_HAL_A_POLICE, 0);
    act(&e[2], NICFLOW_HAL_A_REDIRECT, 1);

    e[3].id = 4, e[3].priority = 20;
    match(&e[3], NICFLOW_HAL_F_ETH_TYPE, "\x86\xdd", "\xff\xff", 2);
    for (int i = 0; i < 15; i++) {
        act(&e[3], NICFLOW_HAL_A_VLAN_PUSH, 0);
    }
    act(&e[3], NICFLOW_HAL_A_REDIRECT, 2);

    e[4].id = 5, e[4].priority = 10;
    match(&e[4], NICFLOW_HAL_F_IN_PORT, "\0\0\0\x03", "\xff\xff\xff\xff", 4);
    act(&e[4], NICFLOW_HAL_A_MIRROR, 2);

    e[5].id = 6, e[5].priority = 5;
    match(&e[5], NICFLOW_HAL_F_IP_FRAG, "\x01", "\x01", 1);
    act(&e[5], NICFLOW_HAL_A_COUNT, counter);
    /* Inner frames of the VXLAN tunnel port go back into a tunnel:
     * pushes, then the largest encapsulation (Geneve over IPv6). */
    e[6].id = 7, e[6].priority = 60;
    match(&e[6], NICFLOW_HAL_F_IN_PORT, "\0\0\x03\xe8", "\xff\xff\xff\xff", 4);
    act(&e[6], NICFLOW_HAL_A_VLAN_PUSH, 0);
    act(&e[6], NICFLOW_HAL_A_TUNNEL_ENCAP, 2);

    /* UDP to port 4789 from anywhere is sent into VXLAN over IPv4, TCP to
     * port 80 into GRE over IPv6. */
    e[7].id = 8, e[7].priority = 45;
    match(&e[7], NICFLOW_HAL_F_L4_DST, "\x12\xb5", "\xff\xff", 2);
    act(&e[7], NICFLOW_HAL_A_TUNNEL_ENCAP, 0);
    set(&e[0], NICFLOW_HAL_F_ETH_SRC, "\x02\0\0\0\0\x01",
        "\xff\xff\xff\xff\xff\xff", 6);
    act(&e[0], NICFLOW_HAL_A_TUNNEL_ENCAP, 1);
    for (size_t i = 0; i < 8; i++) {
        add(s, &e[i], must);
    }
}

/* Fails the run if a fixed table entry was refused (when MUST). */
static void
must_ok(int error, const char *what, bool must)
{
    if (error && must) {
        fprintf(stderr, "fixed %s refused (%d)\n", what, error);
        abort();
    }
}

/* The fixed entries of the other tables (before the ACL entries, which
 * use the encapsulations). */
static void
add_tables(struct halsim *s, bool must)
{
    static const struct nicflow_hal_port_vlan pvs[] = {
        { 1, 10, 0 },
        { 1, 20, NICFLOW_HAL_PV_UNTAGGED | NICFLOW_HAL_PV_PVID },
        { 2, 20, 0 },
        { 2, 30, NICFLOW_HAL_PV_UNTAGGED },
    };
    static const struct nicflow_hal_fdb_entry fdbs[] = {
        { { 2, 0, 0, 0, 0, 2 }, 20, 2 },
        { { 2, 0, 0, 0, 0, 2 }, 0, 3 },
        { { 2, 0, 0, 0, 0, 1 }, 10, 1 },
    };
    static const struct nicflow_hal_l3_config l3 = { { 2, 0, 0, 0, 0, 0xa },
                                                     0 };
    static const struct nicflow_hal_nexthop nhs[] = {
        { 2, { 2, 0, 0, 0, 0, 0xa }, { 2, 0, 0, 0, 0, 0xb }, 0, 0 },
        { 3, { 2, 0, 0, 0, 0, 0xa }, { 2, 0, 0, 0, 0, 0xc }, 30, 0 },
    };
    static const struct nicflow_hal_route routes[] = {
        { 4, 8, 0, { 10 }, 0 },
        { 4, 16, 0, { 10, 1 }, 1 },
        { 4, 32, 0, { 192, 168, 1, 1 }, 1 },
        { 6, 32, 0, { 0x20, 0x01, 0x0d, 0xb8 }, 0 },
        { 4, 0, 0, { 0 }, 1 },
    };
    struct nicflow_hal_tunnel_decap d;
    struct nicflow_hal_tunnel_encap x;
    struct nicflow_hal_status st;

    for (size_t i = 0; i < sizeof pvs / sizeof *pvs; i++) {
        must_ok(halsim_port_vlan_add(s, &pvs[i], &st), "membership", must);
    }
    for (size_t i = 0; i < sizeof fdbs / sizeof *fdbs; i++) {
        must_ok(halsim_fdb_add(s, &fdbs[i], &st), "fdb entry", must);
    }
    must_ok(halsim_l3_config(s, &l3, NULL, 0), "l3 config", must);
    for (uint32_t i = 0; i < sizeof nhs / sizeof *nhs; i++) {
        must_ok(halsim_nexthop_set(s, i, &nhs[i], NULL, 0), "next hop", must);
    }
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        must_ok(halsim_route_add(s, &routes[i], &st), "route", must);
    }
    /* Decap entries: VXLAN, Geneve and GRE to 192.0.2.2, VXLAN to
     * 2001:db8::2; tunnel ports 1000.. */
    for (uint32_t t = 0; t < 4; t++) {
        memset(&d, 0, sizeof d);
        d.type = t == 3 ? NICFLOW_HAL_TUN_VXLAN : NICFLOW_HAL_TUN_VXLAN + t;
        d.family = t == 3 ? 6 : 4;
        memcpy(d.dst, t == 3 ? "\x20\x01\x0d\xb8" : "\xc0\x00\x02\x02", 4);
        d.dst[15] = t == 3 ? 2 : 0;
        d.vni = 100 * (t + 1);
        d.dst_port = d.type == NICFLOW_HAL_TUN_GENEVE ? 6081 : 4789;
        d.tunnel_port = 1000 + t;
        must_ok(halsim_tunnel_decap_add(s, &d, &st), "decap", must);
    }
    /* Encaps: 0 VXLAN/IPv4, 1 GRE/IPv6, 2 Geneve/IPv6 with a tag. */
    for (uint32_t t = 0; t < 3; t++) {
        memset(&x, 0, sizeof x);
        x.type = t == 0   ? NICFLOW_HAL_TUN_VXLAN
                 : t == 1 ? NICFLOW_HAL_TUN_GRE
                          : NICFLOW_HAL_TUN_GENEVE;
        x.family = t ? 6 : 4;
        x.vni = 42;
        x.ttl = 64;
        x.dst_port = t == 2 ? 6081 : 4789;
        x.vid = t == 2 ? 99 : 0;
        x.src[0] = x.dst[0] = 1;
        x.chip_port = 3;
        must_ok(halsim_tunnel_encap_set(s, t, &x, NULL, 0), "encap", must);
    }
}

static void
init(void)
{
    static const char *const ports[] = { "p1", "p2", "p3" };
    struct halsim_profile p;
    struct halsim_sizes sizes;
    char err[NICFLOW_HAL_MSG_MAX];

    halsim_sizes_default(&sizes);
    sizes.fdb = 4;
    if (halsim_profile_parse(profile_text, strlen(profile_text), "fuzz.json",
                             &p, err, sizeof err)
        || halsim_create(&p, &sizes, "fuzz0", ports, 3, check_send, NULL,
                         &sim)) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    add_tables(sim, true);
    add_entries(sim, true);
}

/* The input as a profile text. */
static void
fuzz_profile(const uint8_t *data, size_t size)
{
    static const char *const ports[] = { "a", "b" };
    struct nicflow_hal_caps caps;
    struct halsim_profile p;
    char err[NICFLOW_HAL_MSG_MAX];
    struct halsim *s;

    if (halsim_profile_parse((const char *) data, size, "in.json", &p, err,
                             sizeof err)) {
        if (!strstr(err, "in.json")) {
            fprintf(stderr, "message without the file: %s\n", err);
            abort();
        }
        return;
    }
    if (halsim_create(&p, NULL, "f", ports, 2, check_send, NULL, &s)) {
        return;
    }
    halsim_get_caps(s, &caps);
    if (caps.templates[0].n_fields > NICFLOW_HAL_MAX_KEY_FIELDS
        || strcmp(caps.profile, p.name)) {
        abort();
    }
    add_tables(s, false);
    add_entries(s, false);
    halsim_destroy(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *frame;
    size_t len;

    if (!sim) {
        init();
    }
    fuzz_profile(data, size);
    if (!size) {
        return 0;
    }
    len = size - 1;
    frame = malloc(len + HALSIM_GROWTH);
    if (!frame) {
        return 0;
    }
    memcpy(frame, data + 1, len);
    in_len = len;
    bool is_ipv4;
    in_ip_ok = ipv4_csum_ok(frame, len, &is_ipv4);
    check_decap(frame, len);
    now += 1000000; /* 1 ms a frame: the meter refills now and then. */
    enum halsim_verdict v =
        halsim_process(sim, data[0] % 4, frame, len, len + HALSIM_GROWTH, now);
    if (v != HALSIM_HW && memcmp(frame, data + 1, len)) {
        fprintf(stderr, "a frame that missed was changed\n");
        abort();
    }
    free(frame);
    return 0;
}
