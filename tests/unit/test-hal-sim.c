/* Unit tests for the simulated eswitch (offload/hal-sim): the pure model
 * of sim-pipeline.c with the real hw-profiles/sim-small.json and
 * sim-large.json (HAL_SIM_PROFILE_DIR), a send callback that records
 * outputs, and the plugin itself (HAL_SIM_SO) through dlopen() for what
 * the ABI promises without sockets: versions and open's errors.
 *
 * Each enforcement rule has a case that fails if the rule is removed: the
 * entry right at the limit is accepted and the one beyond it refused. */
#include "tests/unit/hal-sim-fixtures.h"

/* ---------------------------------------------------------------------
 * Profile -> caps.
 * --------------------------------------------------------------------- */

static bool
has_field(const struct nicflow_hal_key_template *t, uint16_t field)
{
    for (size_t i = 0; i < t->n_fields; i++) {
        if (t->fields[i].field == field) {
            return true;
        }
    }
    return false;
}

static void
test_caps_sim_small(void **state)
{
    static const uint16_t want[] = {
        NICFLOW_HAL_F_IN_PORT,     NICFLOW_HAL_F_ETH_TYPE,
        NICFLOW_HAL_F_VLAN_TAGGED, NICFLOW_HAL_F_ETH_DST,
        NICFLOW_HAL_F_ETH_SRC,     NICFLOW_HAL_F_VLAN_VID,
        NICFLOW_HAL_F_IPV4_SRC,    NICFLOW_HAL_F_IPV4_DST,
        NICFLOW_HAL_F_IP_PROTO,    NICFLOW_HAL_F_IP_FRAG,
        NICFLOW_HAL_F_L4_SRC,      NICFLOW_HAL_F_L4_DST,
    };
    struct halsim *sim = make_sim("sim-small");
    struct nicflow_hal_caps c;

    (void) state;
    halsim_get_caps(sim, &c);
    assert_int_equal(c.struct_size, sizeof c);
    assert_string_equal(c.profile, "sim-small");
    assert_string_equal(c.device, "sim0");
    assert_int_equal(c.n_ports, 3);
    assert_int_equal(c.acl.supported, 1);
    assert_int_equal(c.acl.size, 16);
    assert_int_equal(c.fdb.supported, 0);
    assert_int_equal(c.counters.supported, 1);
    assert_int_equal(c.counters.size, 16);
    assert_int_equal(c.meters.supported, 0);
    assert_int_equal(c.acl_actions,
                     NICFLOW_HAL_ACTION_BIT(NICFLOW_HAL_A_REDIRECT)
                         | NICFLOW_HAL_ACTION_BIT(NICFLOW_HAL_A_VLAN_PUSH)
                         | NICFLOW_HAL_ACTION_BIT(NICFLOW_HAL_A_VLAN_POP)
                         | NICFLOW_HAL_ACTION_BIT(NICFLOW_HAL_A_COUNT));
    assert_int_equal(c.acl_priority_max, 0xffff);
    assert_int_equal(c.n_templates, 1);
    assert_int_equal(c.templates[0].id, 0);
    assert_string_equal(c.templates[0].name, "profile");
    assert_int_equal(c.templates[0].n_slices, 1);
    assert_int_equal(c.templates[0].entries_per_slice, 16);
    assert_int_equal(c.templates[0].n_fields, sizeof want / sizeof *want);
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        assert_true(has_field(&c.templates[0], want[i]));
    }
    assert_int_equal(c.templates[0].fields[0].width_bits, 32);
    halsim_destroy(sim);
}

static void
test_caps_sim_large(void **state)
{
    struct halsim *sim = make_sim("sim-large");
    struct nicflow_hal_caps c;

    (void) state;
    halsim_get_caps(sim, &c);
    assert_string_equal(c.profile, "sim-large");
    assert_int_equal(c.acl.size, 1048576);
    assert_int_equal(c.counters.size, 1048576);
    assert_int_equal(c.meters.supported, 1);
    assert_int_equal(c.meters.size, 4096);
    assert_int_equal(c.acl_actions, 0x1fe); /* REDIRECT .. TUNNEL_ENCAP. */
    /* Every HAL field: sim-large lists a match for each. */
    assert_int_equal(c.templates[0].n_fields, NICFLOW_HAL_F__N);
    assert_true(has_field(&c.templates[0], NICFLOW_HAL_F_VLAN_PCP));
    assert_true(has_field(&c.templates[0], NICFLOW_HAL_F_IP_TTL));
    assert_true(has_field(&c.templates[0], NICFLOW_HAL_F_IPV6_DST));
    assert_true(has_field(&c.templates[0], NICFLOW_HAL_F_L4_DST));
    assert_true(has_field(&c.templates[0], NICFLOW_HAL_F_TCP_FLAGS));
    assert_int_equal(c.templates[0].entries_per_slice, 1048576);
    halsim_destroy(sim);
}

static void
test_profile_errors(void **state)
{
    struct halsim_profile p;
    char err[NICFLOW_HAL_MSG_MAX];

    (void) state;
    assert_int_equal(
        halsim_profile_parse("{\n  oops", 9, "bad.json", &p, err, sizeof err),
        EINVAL);
    assert_non_null(strstr(err, "bad.json:2:"));
    assert_int_equal(halsim_profile_parse("{\"name\": \"x\"}", 13, "x.json",
                                          &p, err, sizeof err),
                     EINVAL);
    assert_string_equal(err, "x.json: /tables: required object missing");
    const char *t = "{\"name\":\"u\",\"tables\":{\"rules_per_device\":"
                    "\"unpublished\"},\"meters\":{\"supported\":true,"
                    "\"count\":\"unpublished\"}}";
    assert_int_equal(
        halsim_profile_parse(t, strlen(t), "u.json", &p, err, sizeof err), 0);
    assert_int_equal(p.rules_per_device, 4096);
    assert_int_equal(p.meters_count, 64);
}

/* ---------------------------------------------------------------------
 * Enforcement.
 * --------------------------------------------------------------------- */

static void
test_template_and_fields(void **state)
{
    struct halsim *sim = make_sim("sim-small");
    struct nicflow_hal_acl_entry e;
    uint8_t v6[16] = { 0x20, 0x01 }, m6[16];

    (void) state;
    entry_init(&e, 1, 10);
    match_port(&e, 1);
    assert_int_equal(add(sim, &e), 0);
    e.template_id = 1;
    assert_int_equal(add(sim, &e), EINVAL);
    memset(m6, 0xff, sizeof m6);
    entry_init(&e, 2, 10);
    add_match(&e, NICFLOW_HAL_F_IPV6_SRC, v6, m6, 16);
    assert_int_equal(add(sim, &e), EINVAL);
    /* VLAN_VID is 12 bits: a mask with bit 12 set is wider. */
    entry_init(&e, 3, 10);
    add_match(&e, NICFLOW_HAL_F_VLAN_VID, "\x00\x05", "\x0f\xff", 2);
    assert_int_equal(add(sim, &e), 0);
    e.matches[0].mask[0] = 0x1f;
    assert_int_equal(add(sim, &e), EINVAL);
    halsim_destroy(sim);
}

static void
test_mask_rules(void **state)
{
    struct halsim *sim = make_sim("sim-small");
    struct nicflow_hal_acl_entry e;

    (void) state;
    /* ipv4_src: prefix. */
    entry_init(&e, 1, 10);
    add_match(&e, NICFLOW_HAL_F_IPV4_SRC, "\x0a\x00\x00\x00",
              "\xff\xff\x00\x00", 4);
    assert_int_equal(add(sim, &e), 0);
    e.matches[0].mask[3] = 0x01;
    assert_int_equal(add(sim, &e), EOPNOTSUPP);
    assert_string_equal(last_msg,
                        "profile sim-small: ipv4_src takes prefix masks only");
    /* tp_dst: exact. */
    entry_init(&e, 2, 10);
    add_match(&e, NICFLOW_HAL_F_L4_DST, "\x00\x50", "\xff\xff", 2);
    assert_int_equal(add(sim, &e), 0);
    e.matches[0].mask[1] = 0xf0;
    assert_int_equal(add(sim, &e), EOPNOTSUPP);
    assert_string_equal(last_msg,
                        "profile sim-small: tp_dst takes exact masks only");
    /* eth_src: arbitrary. */
    entry_init(&e, 3, 10);
    add_match(&e, NICFLOW_HAL_F_ETH_SRC, "\x02\0\0\0\0\x01",
              "\x0f\0\xff\0\0\x01", 6);
    assert_int_equal(add(sim, &e), 0);
    halsim_destroy(sim);

    /* sim-large: tp_src arbitrary, icmp_type exact, chosen by IP_PROTO. */
    sim = make_sim("sim-large");
    entry_init(&e, 4, 10);
    add_match(&e, NICFLOW_HAL_F_IP_PROTO, "\x06", "\xff", 1);
    add_match(&e, NICFLOW_HAL_F_L4_SRC, "\x00\x08", "\x00\x0f", 2);
    assert_int_equal(add(sim, &e), 0);
    e.matches[0].value[0] = 1;
    assert_int_equal(add(sim, &e), EOPNOTSUPP);
    assert_string_equal(last_msg,
                        "profile sim-large: icmp_type takes exact masks only");
    e.matches[0].value[0] = 58;
    assert_int_equal(add(sim, &e), EOPNOTSUPP);
    e.matches[1].mask[0] = 0xff, e.matches[1].mask[1] = 0xff;
    assert_int_equal(add(sim, &e), 0);
    halsim_destroy(sim);
}

static void
test_action_rules(void **state)
{
    struct halsim *sim = make_sim("sim-small");
    struct nicflow_hal_acl_entry e;

    (void) state;
    entry_init(&e, 1, 10);
    add_action(&e, NICFLOW_HAL_A_MIRROR, 2);
    assert_int_equal(add(sim, &e), EOPNOTSUPP);
    assert_string_equal(last_msg, "profile sim-small: no mirror");
    entry_init(&e, 1, 10);
    for (int i = 0; i < 4; i++) {
        add_action(&e, NICFLOW_HAL_A_VLAN_POP, 0);
    }
    assert_int_equal(add(sim, &e), 0);
    add_action(&e, NICFLOW_HAL_A_REDIRECT, 2);
    assert_int_equal(add(sim, &e), EOPNOTSUPP);
    assert_string_equal(last_msg,
                        "profile sim-small: more than 4 actions per rule");
    entry_init(&e, 2, 10);
    add_action(&e, NICFLOW_HAL_A_REDIRECT, 4);
    assert_int_equal(add(sim, &e), EINVAL);
    e.actions[0].arg = 3;
    assert_int_equal(add(sim, &e), 0);
    entry_init(&e, 3, 10);
    add_action(&e, NICFLOW_HAL_A_COUNT, 0);
    assert_int_equal(add(sim, &e), ENOENT);
    entry_init(&e, 3, 10);
    add_action(&e, NICFLOW_HAL_A_SET_FIELD, 0)->field = NICFLOW_HAL_F_ETH_DST;
    assert_int_equal(add(sim, &e), EOPNOTSUPP);
    assert_string_equal(
        last_msg, "profile sim-small: no set_eth (set_field of eth_dst)");
    halsim_destroy(sim);

    sim = make_sim("sim-large");
    entry_init(&e, 4, 10);
    add_action(&e, NICFLOW_HAL_A_POLICE, 7);
    assert_int_equal(add(sim, &e), ENOENT);
    struct nicflow_hal_meter m = { 0, 1000, 100 };
    char err[NICFLOW_HAL_MSG_MAX];
    assert_int_equal(halsim_meter_set(sim, 7, &m, 0, err, sizeof err), 0);
    assert_int_equal(add(sim, &e), 0);
    entry_init(&e, 5, 10);
    add_action(&e, NICFLOW_HAL_A_SET_FIELD, 0)->field = NICFLOW_HAL_F_VLAN_VID;
    assert_int_equal(add(sim, &e), EOPNOTSUPP);
    assert_non_null(strstr(last_msg, "vlan_vid"));
    e.actions[0].field = NICFLOW_HAL_F_ETH_SRC;
    assert_int_equal(add(sim, &e), 0);
    halsim_destroy(sim);
}

static void
test_capacity(void **state)
{
    struct halsim *sim = make_sim("sim-small");
    struct nicflow_hal_acl_entry e;
    struct nicflow_hal_status st;
    char err[NICFLOW_HAL_MSG_MAX];
    uint32_t id;

    (void) state;
    /* Port p1 holds 8 entries (rules_per_port), the 9th is refused. */
    for (uint64_t i = 0; i < 8; i++) {
        entry_init(&e, i, 10);
        match_port(&e, 1);
        assert_int_equal(add(sim, &e), 0);
    }
    entry_init(&e, 8, 10);
    match_port(&e, 1);
    assert_int_equal(add(sim, &e), ENOSPC);
    assert_string_equal(last_msg, "sim: port p1 table full: 8/8");
    /* Replacing an entry of the full port succeeds. */
    entry_init(&e, 3, 20);
    match_port(&e, 1);
    assert_int_equal(add(sim, &e), 0);
    /* The device holds 16 (rules_per_device). */
    for (uint64_t i = 8; i < 16; i++) {
        entry_init(&e, i, 10);
        match_port(&e, 2);
        assert_int_equal(add(sim, &e), 0);
    }
    entry_init(&e, 16, 10);
    assert_int_equal(add(sim, &e), ENOSPC);
    assert_string_equal(last_msg, "sim: table full: 16/16");
    entry_init(&e, 15, 11);
    assert_int_equal(add(sim, &e), 0);
    assert_int_equal(halsim_acl_count(sim), 16);
    assert_int_equal(halsim_acl_del(sim, 99, &st), ENOENT);
    assert_int_equal(halsim_acl_del(sim, 15, &st), 0);
    assert_int_equal(halsim_acl_count(sim), 15);
    /* Counters: 16 of them. */
    for (int i = 0; i < 16; i++) {
        assert_int_equal(halsim_counter_alloc(sim, &id, err, sizeof err), 0);
    }
    assert_int_equal(halsim_counter_alloc(sim, &id, err, sizeof err), ENOSPC);
    halsim_counter_free(sim, 5);
    assert_int_equal(halsim_counter_alloc(sim, &id, err, sizeof err), 0);
    assert_int_equal(id, 5);
    halsim_destroy(sim);
}

/* ---------------------------------------------------------------------
 * Parsing.
 * --------------------------------------------------------------------- */

static void
test_parse_ipv4(void **state)
{
    struct halsim_fields f;
    uint8_t b[128];
    size_t n;

    (void) state;
    n = ipv4_frame(b, -1, 6, 1234, 80, 0);
    halsim_parse(b, n, 7, &f, NULL);
    assert_field(&f, NICFLOW_HAL_F_IN_PORT, "\0\0\0\x07", 4, 4);
    assert_field(&f, NICFLOW_HAL_F_ETH_TYPE, "\x08\x00", 2, 2);
    assert_field(&f, NICFLOW_HAL_F_VLAN_TAGGED, "\0", 1, 1);
    assert_false(f.present & (1u << NICFLOW_HAL_F_VLAN_VID));
    assert_field(&f, NICFLOW_HAL_F_IPV4_SRC, "\x0a\0\0\x01", 4, 4);
    assert_field(&f, NICFLOW_HAL_F_IP_PROTO, "\x06", 1, 1);
    assert_field(&f, NICFLOW_HAL_F_IP_TOS, "\x10", 1, 1);
    assert_field(&f, NICFLOW_HAL_F_IP_TTL, "\x40", 1, 1);
    assert_field(&f, NICFLOW_HAL_F_IP_FRAG, "\0", 1, 1);
    assert_field(&f, NICFLOW_HAL_F_L4_SRC, "\x04\xd2", 2, 2);
    assert_field(&f, NICFLOW_HAL_F_L4_DST, "\x00\x50", 2, 2);
    assert_field(&f, NICFLOW_HAL_F_TCP_FLAGS, "\x00\x12", 2, 2);

    /* Tagged UDP. */
    n = ipv4_frame(b, 100, 17, 53, 5353, 0);
    halsim_parse(b, n, 1, &f, NULL);
    assert_field(&f, NICFLOW_HAL_F_VLAN_TAGGED, "\x01", 1, 1);
    assert_field(&f, NICFLOW_HAL_F_VLAN_VID, "\x00\x64", 2, 2);
    assert_field(&f, NICFLOW_HAL_F_VLAN_PCP, "\x05", 1, 1);
    assert_field(&f, NICFLOW_HAL_F_ETH_TYPE, "\x08\x00", 2, 2);
    assert_field(&f, NICFLOW_HAL_F_L4_DST, "\x14\xe9", 2, 2);
    assert_false(f.present & (1u << NICFLOW_HAL_F_TCP_FLAGS));

    /* ICMP echo: type and code. */
    n = ipv4_frame(b, -1, 1, 8, 0, 0);
    halsim_parse(b, n, 1, &f, NULL);
    assert_field(&f, NICFLOW_HAL_F_L4_SRC, "\x00\x08", 2, 2);
    assert_field(&f, NICFLOW_HAL_F_L4_DST, "\x00\x00", 2, 2);

    /* A later fragment: frag bits 3, no L4. */
    n = ipv4_frame(b, -1, 17, 1, 2, 0x0010);
    halsim_parse(b, n, 1, &f, NULL);
    assert_field(&f, NICFLOW_HAL_F_IP_FRAG, "\x03", 1, 1);
    assert_false(f.present & (1u << NICFLOW_HAL_F_L4_SRC));
    /* A first fragment: frag bits 1, L4 present. */
    n = ipv4_frame(b, -1, 17, 1, 2, 0x2000);
    halsim_parse(b, n, 1, &f, NULL);
    assert_field(&f, NICFLOW_HAL_F_IP_FRAG, "\x01", 1, 1);
    assert_true(f.present & (1u << NICFLOW_HAL_F_L4_SRC));

    /* Cut short inside TCP: L4 absent, IP present. */
    n = ipv4_frame(b, -1, 6, 1, 2, 0);
    halsim_parse(b, n - 4, 1, &f, NULL);
    assert_true(f.present & (1u << NICFLOW_HAL_F_IPV4_DST));
    assert_false(f.present & (1u << NICFLOW_HAL_F_L4_SRC));
    /* Cut short inside IPv4: no IP fields. */
    halsim_parse(b, 20, 1, &f, NULL);
    assert_true(f.present & (1u << NICFLOW_HAL_F_ETH_TYPE));
    assert_false(f.present & (1u << NICFLOW_HAL_F_IPV4_SRC));
}

static void
test_parse_ipv6(void **state)
{
    static const uint8_t dst[16] = { 0x20, 0x01, [15] = 2 };
    struct halsim_fields f;
    uint8_t b[128];
    size_t n;

    (void) state;
    n = ipv6_frame(b, -1, 6, 443, 1000);
    halsim_parse(b, n, 1, &f, NULL);
    assert_field(&f, NICFLOW_HAL_F_ETH_TYPE, "\x86\xdd", 2, 2);
    assert_field(&f, NICFLOW_HAL_F_IPV6_DST, dst, 16, 16);
    assert_field(&f, NICFLOW_HAL_F_IP_PROTO, "\x06", 1, 1);
    assert_field(&f, NICFLOW_HAL_F_IP_TOS, "\xb8", 1, 1);
    assert_field(&f, NICFLOW_HAL_F_IP_TTL, "\x21", 1, 1);
    assert_field(&f, NICFLOW_HAL_F_L4_SRC, "\x01\xbb", 2, 2);
    assert_false(f.present & (1u << NICFLOW_HAL_F_IPV4_SRC));

    n = ipv6_frame(b, 7, 58, 135, 0);
    halsim_parse(b, n, 1, &f, NULL);
    assert_field(&f, NICFLOW_HAL_F_L4_SRC, "\x00\x87", 2, 2);

    /* A fragment header: a later fragment, no L4 read from it. */
    n = ipv6_frame(b, -1, 44, 0, 0);
    halsim_parse(b, n, 1, &f, NULL);
    assert_field(&f, NICFLOW_HAL_F_IP_PROTO, "\x2c", 1, 1);
    assert_field(&f, NICFLOW_HAL_F_IP_FRAG, "\x03", 1, 1);
    assert_false(f.present & (1u << NICFLOW_HAL_F_L4_SRC));
}

/* ---------------------------------------------------------------------
 * Lookup, actions, counters.
 * --------------------------------------------------------------------- */

static void
test_lookup_priority(void **state)
{
    struct halsim *sim = make_sim("sim-small");
    struct nicflow_hal_acl_entry e;
    uint8_t b[256];
    size_t n = ipv4_frame(b, -1, 6, 1, 80, 0);

    (void) state;
    /* /16 to port 2 at priority 10; /8 to port 3 at 20; equal-priority
     * duplicate to port 1 added later. */
    entry_init(&e, 1, 10);
    add_match(&e, NICFLOW_HAL_F_IPV4_SRC, "\x0a\x00\x00\x00",
              "\xff\xff\x00\x00", 4);
    add_action(&e, NICFLOW_HAL_A_REDIRECT, 2);
    assert_int_equal(add(sim, &e), 0);
    e.id = 2;
    e.actions[0].arg = 1;
    assert_int_equal(add(sim, &e), 0);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(n_sent, 1);
    assert_int_equal(sent[0].port, 2); /* Tie: the earliest added. */

    entry_init(&e, 3, 20);
    add_match(&e, NICFLOW_HAL_F_IPV4_SRC, "\x0a\x00\x00\x00",
              "\xff\x00\x00\x00", 4);
    add_action(&e, NICFLOW_HAL_A_REDIRECT, 3);
    assert_int_equal(add(sim, &e), 0);
    n_sent = 0;
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(sent[0].port, 3);

    /* A masked-out mismatch misses: 11.0.0.1. */
    b[26] = 11;
    n_sent = 0;
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HOST);
    assert_int_equal(n_sent, 0);

    /* A VLAN_VID match only matches tagged frames, even with VID 0. */
    entry_init(&e, 4, 30);
    add_match(&e, NICFLOW_HAL_F_VLAN_VID, "\x00\x00", "\x0f\xff", 2);
    assert_int_equal(add(sim, &e), 0);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HOST);
    n = ipv4_frame(b, 0, 6, 1, 80, 0);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    halsim_destroy(sim);
}

static void
test_vlan_push_pop(void **state)
{
    struct halsim *sim = make_sim("sim-small");
    struct nicflow_hal_acl_entry e;
    uint8_t b[256], orig[256];
    size_t n = ipv4_frame(b, -1, 17, 1, 2, 0);

    (void) state;
    memcpy(orig, b, n);
    entry_init(&e, 1, 10);
    match_port(&e, 1);
    struct nicflow_hal_action *a = add_action(&e, NICFLOW_HAL_A_VLAN_PUSH, 0);
    a->tpid = 0x8100;
    a->tci = 3 << 13 | 42;
    add_action(&e, NICFLOW_HAL_A_REDIRECT, 2);
    assert_int_equal(add(sim, &e), 0);
    entry_init(&e, 2, 10);
    match_port(&e, 2);
    add_action(&e, NICFLOW_HAL_A_VLAN_POP, 0);
    add_action(&e, NICFLOW_HAL_A_REDIRECT, 3);
    assert_int_equal(add(sim, &e), 0);

    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(n_sent, 1);
    assert_int_equal(sent[0].len, n + 4);
    assert_memory_equal(sent[0].data, orig, 12);
    assert_memory_equal(sent[0].data + 12, "\x81\x00\x60\x2a", 4);
    assert_memory_equal(sent[0].data + 16, orig + 12, n - 12);

    /* Popping the pushed tag gives back the original bytes. */
    memcpy(b, sent[0].data, n + 4);
    assert_int_equal(halsim_process(sim, 2, b, n + 4, sizeof b, 0), HALSIM_HW);
    assert_int_equal(n_sent, 2);
    assert_int_equal(sent[1].port, 3);
    assert_int_equal(sent[1].len, n);
    assert_memory_equal(sent[1].data, orig, n);
    halsim_destroy(sim);
}

static void
test_mirror_redirect_drop(void **state)
{
    struct halsim *sim = make_sim("sim-large");
    struct nicflow_hal_acl_entry e;
    struct nicflow_hal_port_stats ps;
    uint8_t b[256];
    size_t n = ipv4_frame(b, -1, 6, 1, 2, 0);

    (void) state;
    entry_init(&e, 1, 10);
    match_port(&e, 1);
    add_action(&e, NICFLOW_HAL_A_MIRROR, 3);
    add_action(&e, NICFLOW_HAL_A_VLAN_PUSH, 0)->tpid = 0x88a8;
    add_action(&e, NICFLOW_HAL_A_REDIRECT, 3);
    add_action(&e, NICFLOW_HAL_A_REDIRECT, 2); /* The last one wins. */
    assert_int_equal(add(sim, &e), 0);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(n_sent, 2);
    assert_int_equal(sent[0].port, 3);
    assert_int_equal(sent[0].len, n); /* The mirror before the push. */
    assert_int_equal(sent[1].port, 2);
    assert_int_equal(sent[1].len, n + 4);
    assert_memory_equal(sent[1].data + 12, "\x88\xa8", 2);

    /* No REDIRECT: dropped after the mirror. */
    entry_init(&e, 2, 10);
    match_port(&e, 2);
    add_action(&e, NICFLOW_HAL_A_MIRROR, 1);
    assert_int_equal(add(sim, &e), 0);
    n = ipv4_frame(b, -1, 6, 1, 2, 0);
    n_sent = 0;
    assert_int_equal(halsim_process(sim, 2, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(n_sent, 1);
    assert_int_equal(sent[0].port, 1);
    /* No actions at all: a plain drop. */
    entry_init(&e, 3, 10);
    match_port(&e, 3);
    assert_int_equal(add(sim, &e), 0);
    n_sent = 0;
    assert_int_equal(halsim_process(sim, 3, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(n_sent, 0);
    assert_int_equal(halsim_port_stats(sim, 3, &ps), 0);
    assert_int_equal(ps.rx_packets, 1);
    assert_int_equal(ps.hw_packets, 1);
    assert_int_equal(ps.tx_packets, 1); /* The mirror above. */
    assert_int_equal(halsim_process(sim, 4, b, n, sizeof b, 0),
                     HALSIM_NO_PORT);
    halsim_destroy(sim);
}

static void
test_counters_and_stats(void **state)
{
    struct halsim *sim = make_sim("sim-small");
    struct nicflow_hal_acl_entry e;
    struct nicflow_hal_counter c;
    struct nicflow_hal_port_stats ps;
    char err[NICFLOW_HAL_MSG_MAX];
    uint8_t b[256];
    size_t n = ipv4_frame(b, -1, 6, 1, 80, 0);
    uint32_t id;

    (void) state;
    assert_int_equal(halsim_counter_alloc(sim, &id, err, sizeof err), 0);
    entry_init(&e, 1, 10);
    add_match(&e, NICFLOW_HAL_F_L4_DST, "\x00\x50", "\xff\xff", 2);
    add_action(&e, NICFLOW_HAL_A_COUNT, id);
    add_action(&e, NICFLOW_HAL_A_VLAN_PUSH, 0)->tpid = 0x8100;
    add_action(&e, NICFLOW_HAL_A_REDIRECT, 2);
    assert_int_equal(add(sim, &e), 0);
    for (int i = 0; i < 3; i++) {
        uint8_t copy[256];
        memcpy(copy, b, n);
        assert_int_equal(halsim_process(sim, 1, copy, n, sizeof copy, 0),
                         HALSIM_HW);
    }
    b[37] = 81; /* Port 81: a miss. */
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HOST);
    assert_int_equal(halsim_counter_read(sim, id, &c), 0);
    assert_int_equal(c.n_packets, 3);
    assert_int_equal(c.n_bytes, 3 * n); /* As the frames arrived. */
    assert_int_equal(halsim_counter_read(sim, id + 1, &c), ENOENT);
    assert_int_equal(halsim_port_stats(sim, 1, &ps), 0);
    assert_int_equal(ps.rx_packets, 4);
    assert_int_equal(ps.rx_bytes, 4 * n);
    assert_int_equal(ps.hw_packets, 3);
    assert_int_equal(ps.hw_bytes, 3 * n);
    assert_int_equal(ps.host_packets, 1);
    assert_int_equal(ps.host_bytes, n);
    assert_int_equal(ps.tx_packets, 0);
    assert_int_equal(halsim_port_stats(sim, 2, &ps), 0);
    assert_int_equal(ps.tx_packets, 3);
    assert_int_equal(ps.tx_bytes, 3 * (n + 4));
    assert_int_equal(ps.rx_packets, 0);
    assert_int_equal(halsim_port_stats(sim, 0, &ps), ENOENT);
    assert_int_equal(halsim_port_stats(sim, 4, &ps), ENOENT);
    halsim_destroy(sim);
}

static void
test_meter(void **state)
{
    struct halsim *sim = make_sim("sim-large");
    struct nicflow_hal_acl_entry e;
    struct nicflow_hal_meter m = { NICFLOW_HAL_METER_PPS, 10, 3 };
    char err[NICFLOW_HAL_MSG_MAX];
    uint8_t b[256];
    size_t n = ipv4_frame(b, -1, 6, 1, 80, 0);
    int passed = 0;

    (void) state;
    assert_int_equal(halsim_meter_set(sim, 1, &m, 0, err, sizeof err), 0);
    m.rate = 0;
    assert_int_equal(halsim_meter_set(sim, 1, &m, 0, err, sizeof err), EINVAL);
    assert_int_equal(halsim_meter_set(sim, 4096, &m, 0, err, sizeof err),
                     EINVAL);
    entry_init(&e, 1, 10);
    add_action(&e, NICFLOW_HAL_A_POLICE, 1);
    add_action(&e, NICFLOW_HAL_A_REDIRECT, 2);
    assert_int_equal(add(sim, &e), 0);
    /* Burst 3 at one instant: 3 pass, the rest are dropped. */
    for (int i = 0; i < 10; i++) {
        assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 1000),
                         HALSIM_HW);
    }
    passed = n_sent;
    assert_int_equal(passed, 3);
    /* 10 pps: after 100 ms one more token. */
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 100001000),
                     HALSIM_HW);
    assert_int_equal(n_sent, 4);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 100001000),
                     HALSIM_HW);
    assert_int_equal(n_sent, 4);

    /* A kbit/s meter: 8 kbit/s, burst 1 kbit = 1000 bits: two frames of
     * 54 bytes (432 bits) pass, the third does not. */
    struct nicflow_hal_meter k = { 0, 8, 1 };
    assert_int_equal(halsim_meter_set(sim, 2, &k, 0, err, sizeof err), 0);
    e.actions[0].arg = 2;
    assert_int_equal(add(sim, &e), 0);
    n_sent = 0;
    assert_int_equal(n, 54);
    for (int i = 0; i < 3; i++) {
        halsim_process(sim, 1, b, n, sizeof b, 0);
    }
    assert_int_equal(n_sent, 2);
    halsim_destroy(sim);
}

static void
test_set_fields(void **state)
{
    struct halsim *sim = make_sim("sim-large");
    struct nicflow_hal_acl_entry e;
    struct nicflow_hal_action *a;
    uint8_t b[256];
    size_t n = ipv4_frame(b, 5, 6, 1234, 80, 0);

    (void) state;
    entry_init(&e, 1, 10);
    a = add_action(&e, NICFLOW_HAL_A_SET_FIELD, 0);
    a->field = NICFLOW_HAL_F_ETH_DST;
    memcpy(a->value, "\xaa\xbb\xcc\xdd\xee\xff", 6);
    memset(a->mask, 0xff, 6);
    a = add_action(&e, NICFLOW_HAL_A_SET_FIELD, 0);
    a->field = NICFLOW_HAL_F_ETH_SRC;
    memcpy(a->value, "\x00\x00\x00\x00\x00\x77", 6);
    memcpy(a->mask, "\x00\x00\x00\x00\x00\xff", 6);
    a = add_action(&e, NICFLOW_HAL_A_SET_FIELD, 0);
    a->field = NICFLOW_HAL_F_IPV4_DST;
    memcpy(a->value, "\xc0\xa8\x01\x09", 4);
    memset(a->mask, 0xff, 4);
    a = add_action(&e, NICFLOW_HAL_A_SET_FIELD, 0);
    a->field = NICFLOW_HAL_F_IP_TTL;
    a->value[0] = 7, a->mask[0] = 0xff;
    a = add_action(&e, NICFLOW_HAL_A_SET_FIELD, 0);
    a->field = NICFLOW_HAL_F_L4_DST;
    memcpy(a->value, "\x1f\x90", 2);
    memset(a->mask, 0xff, 2);
    add_action(&e, NICFLOW_HAL_A_REDIRECT, 2);
    assert_int_equal(add(sim, &e), 0);
    assert_int_equal(halsim_process(sim, 1, b, n, sizeof b, 0), HALSIM_HW);
    assert_int_equal(n_sent, 1);

    const uint8_t *o = sent[0].data, *ip = o + 18, *tcp = ip + 20;
    uint8_t pseudo[12];
    assert_memory_equal(o, "\xaa\xbb\xcc\xdd\xee\xff", 6);
    assert_memory_equal(o + 6, "\x02\x00\x00\x00\x00\x77", 6);
    assert_memory_equal(ip + 16, "\xc0\xa8\x01\x09", 4);
    assert_int_equal(ip[8], 7);
    assert_memory_equal(tcp + 2, "\x1f\x90", 2);
    /* Both checksums still sum to zero. */
    assert_int_equal(csum(ip, 20, 0), 0);
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0, pseudo[9] = 6, pseudo[10] = 0, pseudo[11] = 20;
    assert_int_equal(csum(tcp, 20, 0xffff & ~csum(pseudo, 12, 0)), 0);
    halsim_destroy(sim);
}

static void
test_plugin(void **state)
{
    void *dl = dlopen(HAL_SIM_SO, RTLD_NOW | RTLD_LOCAL);
    const struct nicflow_hal_ops *(*entry)(void);
    const struct nicflow_hal_ops *ops;
    struct nicflow_hal_dev *dev = NULL;
    char err[NICFLOW_HAL_MSG_MAX];

    (void) state;
    if (!dl) {
        fail_msg("%s", dlerror());
    }
    *(void **) &entry = dlsym(dl, NICFLOW_HAL_ENTRY_SYMBOL);
    assert_non_null(entry);
    assert_null(dlsym(dl, "halsim_create")); /* Only the entry is exported. */
    ops = entry();
    assert_int_equal(ops->abi_version, NICFLOW_HAL_ABI_VERSION);
    assert_int_equal(ops->struct_size, sizeof *ops);
    assert_string_equal(ops->name, "sim");
    assert_non_null(ops->rx_register);
    assert_non_null(ops->port_stats);
    /* Every call is set; the caps say which tables a device has. */
    assert_non_null(ops->fdb_add);
    assert_non_null(ops->fdb_del);
    assert_non_null(ops->port_vlan_add);
    assert_non_null(ops->port_vlan_del);
    assert_non_null(ops->l3_config);
    assert_non_null(ops->nexthop_set);
    assert_non_null(ops->nexthop_del);
    assert_non_null(ops->route_add);
    assert_non_null(ops->route_del);
    assert_non_null(ops->tunnel_encap_set);
    assert_non_null(ops->tunnel_encap_del);
    assert_non_null(ops->tunnel_decap_add);
    assert_non_null(ops->tunnel_decap_del);
    assert_int_equal(
        ops->open("profile=sim-small ports=lo fdb=x", &dev, err, sizeof err),
        EINVAL);
    assert_non_null(strstr(err, "fdb= takes a number"));
    assert_int_equal(ops->open("profile=sim-small ports=lo l3-hosts=2000000",
                               &dev, err, sizeof err),
                     EINVAL);
    assert_non_null(strstr(err, "l3-hosts="));

    assert_int_equal(ops->open("profile=sim-small ports=lo,nf-no-such-dev",
                               &dev, err, sizeof err),
                     ENODEV);
    assert_null(dev);
    assert_non_null(strstr(err, "nf-no-such-dev"));
    assert_int_equal(
        ops->open("profile=no-such-profile ports=lo", &dev, err, sizeof err),
        EINVAL);
    assert_non_null(strstr(err, "no-such-profile.json"));
    assert_int_equal(
        ops->open("profile=/dev/null ports=lo", &dev, err, sizeof err),
        EINVAL);
    assert_non_null(strstr(err, "/dev/null:"));
    assert_int_equal(ops->open("ports=lo", &dev, err, sizeof err), EINVAL);
    assert_non_null(strstr(err, "profile="));
    assert_int_equal(ops->open("profile=sim-small ports=lo colour=red", &dev,
                               err, sizeof err),
                     EINVAL);
    assert_non_null(strstr(err, "colour"));
    assert_int_equal(ops->open("profile=sim-small", &dev, err, sizeof err),
                     EINVAL);
    assert_non_null(strstr(err, "ports="));
    dlclose(dl);
}

/* The TABLE_FULL event of the plugin, from its thread. */
static volatile uint32_t full_table;
static void
on_event(const struct nicflow_hal_event *ev, void *aux)
{
    (void) aux;
    if (ev->type == NICFLOW_HAL_EV_TABLE_FULL) {
        full_table = ev->table;
    }
}

/* A full table's add queues TABLE_FULL with that table's id.  Opening
 * the device needs a socket on lo (CAP_NET_RAW): skipped without it. */
static void
test_plugin_table_full(void **state)
{
    void *dl = dlopen(HAL_SIM_SO, RTLD_NOW | RTLD_LOCAL);
    const struct nicflow_hal_ops *(*entry)(void);
    const struct nicflow_hal_ops *ops;
    const struct nicflow_hal_port_vlan pvs[2] = { { 1, 10, 0 }, { 1, 11, 0 } };
    struct nicflow_hal_status st[2];
    struct nicflow_hal_dev *dev = NULL;
    char err[NICFLOW_HAL_MSG_MAX];

    (void) state;
    assert_non_null(dl);
    *(void **) &entry = dlsym(dl, NICFLOW_HAL_ENTRY_SYMBOL);
    ops = entry();
    if (ops->open("profile=sim-small ports=lo port-vlans=1", &dev, err,
                  sizeof err)) {
        dlclose(dl);
        skip();
    }
    assert_int_equal(
        ops->events_register(dev, on_event, NULL, err, sizeof err), 0);
    assert_int_equal(ops->port_vlan_add(dev, pvs, 2, st, err, sizeof err), 0);
    assert_int_equal(st[0].error, 0);
    assert_int_equal(st[1].error, ENOSPC);
    assert_string_equal(st[1].msg, "sim: port-vlans table full: 1/1");
    for (int i = 0; i < 50 && !full_table; i++) {
        usleep(20000); /* The thread polls every 100 ms. */
    }
    assert_int_equal(full_table, NICFLOW_HAL_T_PORT_VLANS);
    ops->close(dev);
    dlclose(dl);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caps_sim_small),
        cmocka_unit_test(test_caps_sim_large),
        cmocka_unit_test(test_profile_errors),
        cmocka_unit_test(test_template_and_fields),
        cmocka_unit_test(test_mask_rules),
        cmocka_unit_test(test_action_rules),
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_parse_ipv4),
        cmocka_unit_test(test_parse_ipv6),
        cmocka_unit_test(test_lookup_priority),
        cmocka_unit_test(test_vlan_push_pop),
        cmocka_unit_test(test_mirror_redirect_drop),
        cmocka_unit_test(test_counters_and_stats),
        cmocka_unit_test(test_meter),
        cmocka_unit_test(test_set_fields),
        cmocka_unit_test(test_plugin),
        cmocka_unit_test(test_plugin_table_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
