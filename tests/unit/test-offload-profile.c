/* Unit tests for hardware profiles (offload/profile.[ch],
 * offload/profile-check.c): every shipped profile loads; the validator's
 * tables name the same members as hw-profiles/schema.json; malformed
 * profiles give the exact messages; the check refuses and accepts flows
 * as sim-small and the real profiles say.
 *
 * Malformed profiles are made from sim-small.json by changing one member
 * with jansson, so that each case differs from a valid profile by exactly
 * the fault it tests. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "lib/flow.h"
#include "lib/util.h"
#include "offload/profile.h"
#include "softpath/odp.h"

static struct offload_profile_set *shipped;

static int
setup(void **state)
{
    char *err = NULL;

    if (offload_profile_set_load(NULL, &shipped, &err)) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return -1;
    }
    return 0;
}

static int
teardown(void **state)
{
    offload_profile_set_destroy(shipped);
    return 0;
}

static void
test_shipped_profiles_load(void **state)
{
    struct buf out = BUF_INITIALIZER;

    for (size_t i = 0; i < offload_profile_set_n_errors(shipped); i++) {
        print_error("%s\n", offload_profile_set_error(shipped, i));
    }
    assert_int_equal(offload_profile_set_n_errors(shipped), 0);
    assert_true(offload_profile_set_count(shipped) >= 4);
    assert_non_null(offload_profile_find(shipped, "sim-small"));
    assert_non_null(offload_profile_find(shipped, "sim-large"));
    assert_null(offload_profile_find(shipped, "schema"));
    assert_null(offload_profile_find(shipped, "nonesuch"));

    const struct offload_profile *p;
    p = offload_profile_find_by_driver(shipped, "rvu-nicvf");
    assert_non_null(p);
    assert_string_equal(p->name, "marvell-octeontx2");
    assert_null(offload_profile_find_by_driver(shipped, "e1000"));
    assert_null(offload_profile_find_error(shipped, "sim-small", "mlx5"));

    /* Every profile carries a non-empty source for every fact group. */
    for (size_t i = 0; i < offload_profile_set_count(shipped); i++) {
        p = offload_profile_set_get(shipped, i);
        assert_int_equal(p->n_sources, 9);
        for (size_t j = 0; j < p->n_sources; j++) {
            assert_true(p->sources[j][0] != '\0');
        }
    }

    offload_profile_format_list(shipped, &out);
    assert_non_null(strstr(buf_cstr(&out),
                           "marvell-octeontx2: Marvell OcteonTX2 / CN10K RVU "
                           "NIC PF and VF, TC flower offload of ingress "
                           "traffic (Linux octeontx2 nic driver) (drivers: "
                           "rvu-nicpf,rvu-nicvf; interfaces: tc)\n"));
    assert_non_null(strstr(buf_cstr(&out), "sim-small: Simulated eswitch"));
    char tail[64];
    snprintf(tail, sizeof tail, "\nprofiles: %zu loaded, 0 failed\n",
             offload_profile_set_count(shipped));
    assert_non_null(strstr(buf_cstr(&out), tail));
    /* Each profile binds its drivers alone: the first in name order
     * would otherwise take every port of another's driver silently. */
    const struct {
        const char *driver, *profile;
    } binds[] = {
        { "mlx5_core", "mlx5-connectx5" },
        { "ice", "intel-e810" },
        { "bnxt_en", "broadcom-bcm57508" },
        { "prestera", "marvell-prestera" },
        { "nfp", "netronome-agilio" },
        { "rvu-nicpf", "marvell-octeontx2" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(binds); i++) {
        const struct offload_profile *bound =
            offload_profile_find_by_driver(shipped, binds[i].driver);
        assert_non_null(bound);
        assert_string_equal(bound->name, binds[i].profile);
    }
    for (size_t i = 0; i < offload_profile_set_count(shipped); i++) {
        const struct offload_profile *a = offload_profile_set_get(shipped, i);
        for (size_t d = 0; d < a->n_drivers; d++) {
            assert_ptr_equal(
                offload_profile_find_by_driver(shipped, a->drivers[d]), a);
        }
    }
    buf_destroy(&out);
}

static void
test_show(void **state)
{
    struct buf out = BUF_INITIALIZER;
    const struct offload_profile *p =
        offload_profile_find(shipped, "sim-small");

    offload_profile_format_show(p, &out);
    const char *s = buf_cstr(&out);
    assert_non_null(strstr(s, "profile sim-small: Simulated eswitch"));
    assert_non_null(strstr(s, "\n  interfaces: hal\n    source: "));
    assert_non_null(strstr(s, "\n  match: in_port(exact) eth_src(arbitrary) "
                              "eth_dst(arbitrary) eth_type(exact) "
                              "vlan_vid(exact) ipv4_src(prefix) "
                              "ipv4_dst(prefix) ip_proto(exact) "
                              "ip_frag(exact) tp_src(exact) tp_dst(exact)\n"));
    assert_non_null(strstr(s, "\n  actions: output,drop,push_vlan,pop_vlan,"
                              "count\n"));
    assert_non_null(strstr(s, "\n  tables: rules_per_port 8, "
                              "rules_per_device 16, max_actions_per_rule "
                              "4\n"));
    assert_non_null(strstr(s, "\n  conntrack: no, max_connections 0\n"));
    buf_destroy(&out);

    p = offload_profile_find(shipped, "marvell-octeontx2");
    offload_profile_format_show(p, &out);
    assert_non_null(strstr(buf_cstr(&out),
                           "\n  tables: rules_per_port unpublished, "
                           "rules_per_device unpublished, "
                           "max_actions_per_rule unpublished\n"));
    buf_destroy(&out);
}

/* ---------------------------------------------------------------------
 * The C tables against schema.json.
 * --------------------------------------------------------------------- */

static json_t *schema;

/* Asserts that NAMES (NULL-terminated) and the strings of the JSON array
 * or the keys of the JSON object J are the same set. */
static void
assert_same_names(const char *path, const char *const *names, const json_t *j)
{
    size_t n = 0;

    assert_non_null(names);
    assert_non_null(j);
    for (; names[n]; n++) {
        bool found =
            json_is_object(j) ? json_object_get(j, names[n]) != NULL : false;
        for (size_t i = 0; json_is_array(j) && i < json_array_size(j); i++) {
            const char *s = json_string_value(json_array_get(j, i));
            found |= s && !strcmp(s, names[n]);
        }
        if (!found) {
            fail_msg("%s: \"%s\" is in offload/profile.c but not in "
                     "schema.json",
                     path, names[n]);
        }
    }
    size_t n_schema =
        json_is_object(j) ? json_object_size(j) : json_array_size(j);
    if (n != n_schema) {
        fail_msg("%s: %zu names in offload/profile.c, %zu in schema.json",
                 path, n, n_schema);
    }
}

static const json_t *
prop(const json_t *j, const char *name)
{
    return json_object_get(json_object_get(j, "properties"), name);
}

static void
test_schema_matches_tables(void **state)
{
    char *file = xasprintf("%s/schema.json", offload_profile_default_dir());
    json_error_t jerr;
    schema = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
    if (!schema) {
        fail_msg("%s:%d: %s", file, jerr.line, jerr.text);
    }
    free(file);

    const json_t *defs = json_object_get(schema, "$defs");
    assert_same_names("/", offload_profile_format_names("/"),
                      json_object_get(schema, "properties"));
    assert_same_names("/", offload_profile_format_names("/"),
                      json_object_get(schema, "required"));
    assert_same_names("/match", offload_profile_format_names("/match"),
                      json_object_get(prop(schema, "match"), "properties"));
    assert_same_names(
        "/match/ANY", offload_profile_format_names("/match/ANY"),
        json_object_get(json_object_get(defs, "masking"), "enum"));
    static const char *const lists[] = { "actions", "interfaces", "tunnels" };
    for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
        char *path = xasprintf("/%s/ANY", lists[i]);
        const json_t *items = json_object_get(prop(schema, lists[i]), "items");
        assert_same_names(path, offload_profile_format_names(path),
                          json_object_get(items, "enum"));
        free(path);
    }
    static const char *const objects[] = { "tables", "conntrack", "meters",
                                           "sources" };
    for (size_t i = 0; i < ARRAY_SIZE(objects); i++) {
        char *path = xasprintf("/%s", objects[i]);
        const json_t *o = prop(schema, objects[i]);
        assert_same_names(path, offload_profile_format_names(path),
                          json_object_get(o, "properties"));
        assert_same_names(path, offload_profile_format_names(path),
                          json_object_get(o, "required"));
        free(path);
    }
    assert_null(offload_profile_format_names("/nonesuch"));
    json_decref(schema);
}

/* ---------------------------------------------------------------------
 * Malformed profiles.
 * --------------------------------------------------------------------- */

static json_t *
sim_small_json(void)
{
    char *file = xasprintf("%s/sim-small.json", offload_profile_default_dir());
    json_error_t jerr;
    json_t *j = json_load_file(file, 0, &jerr);
    assert_non_null(j);
    free(file);
    return j;
}

/* Parses DOC (consumed) as FILE and asserts that it fails with EXPECT. */
static void
expect_error(json_t *doc, const char *file, const char *expect)
{
    char *text = json_dumps(doc, JSON_INDENT(2));
    struct offload_profile *p = (void *) 1;
    char *err = NULL;

    json_decref(doc);
    assert_int_equal(offload_profile_parse(file, text, strlen(text), &p, &err),
                     EINVAL);
    assert_null(p);
    assert_non_null(err);
    assert_string_equal(err, expect);
    free(err);
    free(text);
}

static void
expect_text_error(const char *text, const char *expect)
{
    struct offload_profile *p = NULL;
    char *err = NULL;

    assert_int_equal(offload_profile_parse("/some/dir/bad.json", text,
                                           strlen(text), &p, &err),
                     EINVAL);
    assert_null(p);
    assert_string_equal(err, expect);
    free(err);
}

static void
test_valid_round_trip(void **state)
{
    json_t *doc = sim_small_json();
    char *text = json_dumps(doc, JSON_INDENT(2));
    struct offload_profile *p = NULL;
    char *err = NULL;

    assert_int_equal(offload_profile_parse("x/sim-small.json", text,
                                           strlen(text), &p, &err),
                     0);
    assert_null(err);
    assert_string_equal(p->name, "sim-small");
    assert_int_equal(p->match[OPF_IPV4_SRC], OPM_PREFIX);
    assert_int_equal(p->match[OPF_IPV6_SRC], OPM_NONE);
    assert_true(p->rules_per_port.published);
    assert_int_equal(p->rules_per_port.n, 8);
    offload_profile_destroy(p);
    free(text);
    json_decref(doc);
}

static void
test_syntax_errors(void **state)
{
    expect_text_error("{\n  \"name\": \"bad\",\n  oops\n}\n",
                      "bad.json:3:6: string or '}' expected near 'oops'");
    expect_text_error("{\n  \"name\": \"bad\",\n  \"name\": \"bad\"\n}\n",
                      "bad.json:3:8: duplicate object key near '\"name\"'");
    expect_text_error("", "bad.json:1:0: '[' or '{' expected near end of "
                          "file");
    expect_text_error("[]", "bad.json: /: expected an object, got an array");
}

static void
test_semantic_errors(void **state)
{
    json_t *d;

    d = sim_small_json();
    json_object_set_new(d, "name", json_integer(5));
    expect_error(d, "sim-small.json",
                 "sim-small.json: /name: expected a non-empty string, got an "
                 "integer");

    d = sim_small_json();
    json_object_set_new(d, "colour", json_string("blue"));
    expect_error(d, "sim-small.json",
                 "sim-small.json: /colour: unknown field");

    d = sim_small_json();
    json_object_set_new(json_object_get(d, "match"), "ipv4_srx",
                        json_string("exact"));
    expect_error(d, "sim-small.json",
                 "sim-small.json: /match/ipv4_srx: unknown field");

    d = sim_small_json();
    json_object_set_new(json_object_get(d, "match"), "ipv4_src",
                        json_string("any"));
    expect_error(d, "sim-small.json",
                 "sim-small.json: /match/ipv4_src: expected \"exact\", "
                 "\"prefix\" or \"arbitrary\"");

    d = sim_small_json();
    json_object_del(json_object_get(d, "sources"), "match");
    expect_error(d, "sim-small.json",
                 "sim-small.json: /sources/match: missing (every fact group "
                 "needs a source)");

    d = sim_small_json();
    json_object_set_new(json_object_get(d, "sources"), "tables",
                        json_string(""));
    expect_error(d, "sim-small.json",
                 "sim-small.json: /sources/tables: expected a non-empty "
                 "string, got an empty string");

    d = sim_small_json();
    json_object_del(d, "meters");
    expect_error(d, "sim-small.json",
                 "sim-small.json: /meters: required field missing");

    d = sim_small_json();
    json_object_set_new(json_object_get(d, "tables"), "rules_per_port",
                        json_integer(-1));
    expect_error(d, "sim-small.json",
                 "sim-small.json: /tables/rules_per_port: expected a "
                 "non-negative integer or \"unpublished\"");

    d = sim_small_json();
    json_object_set_new(json_object_get(d, "tables"), "rules_per_device",
                        json_string("lots"));
    expect_error(d, "sim-small.json",
                 "sim-small.json: /tables/rules_per_device: expected a "
                 "non-negative integer or \"unpublished\"");

    d = sim_small_json();
    json_array_set_new(json_object_get(d, "actions"), 1,
                       json_string("teleport"));
    expect_error(d, "sim-small.json",
                 "sim-small.json: /actions/1: unknown action \"teleport\"");

    d = sim_small_json();
    json_array_append_new(json_object_get(d, "actions"), json_string("drop"));
    expect_error(d, "sim-small.json",
                 "sim-small.json: /actions/5: \"drop\" listed twice");

    d = sim_small_json();
    json_object_set_new(d, "interfaces", json_array());
    expect_error(d, "sim-small.json",
                 "sim-small.json: /interfaces: expected at least one "
                 "interface");

    d = sim_small_json();
    json_object_set_new(json_object_get(d, "conntrack"), "supported",
                        json_string("yes"));
    expect_error(d, "sim-small.json",
                 "sim-small.json: /conntrack/supported: expected true or "
                 "false, got a string");

    d = sim_small_json();
    json_array_append_new(json_object_get(d, "quirks"), json_integer(1));
    expect_error(d, "sim-small.json",
                 "sim-small.json: /quirks/1: expected a non-empty string, "
                 "got an integer");

    /* JSON pointer escaping of odd member names. */
    d = sim_small_json();
    json_object_set_new(json_object_get(d, "match"), "a/b~c",
                        json_string("exact"));
    expect_error(d, "sim-small.json",
                 "sim-small.json: /match/a~1b~0c: unknown field");

    d = sim_small_json();
    expect_error(d, "other.json",
                 "other.json: /name: \"sim-small\" does not match the file "
                 "name");
}

/* A directory with one good and one bad profile. */
static void
test_directory_with_errors(void **state)
{
    char dir[] = "/tmp/nicflow-profile-XXXXXX";
    assert_non_null(mkdtemp(dir));

    json_t *good = sim_small_json();
    char *path = xasprintf("%s/sim-small.json", dir);
    assert_int_equal(json_dump_file(good, path, JSON_INDENT(2)), 0);
    free(path);

    json_object_set_new(good, "name", json_string("broken"));
    json_object_set_new(good, "drivers", json_pack("[s]", "fakedrv"));
    json_object_set_new(json_object_get(good, "match"), "eth_src",
                        json_string("prefixed"));
    path = xasprintf("%s/broken.json", dir);
    assert_int_equal(json_dump_file(good, path, JSON_INDENT(2)), 0);
    free(path);
    json_decref(good);

    path = xasprintf("%s/syntax.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\n\n   \"name\" \"syntax\"\n}\n", f);
    fclose(f);
    free(path);

    /* Not profiles: other suffixes and the schema. */
    path = xasprintf("%s/README.md", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    free(path);
    path = xasprintf("%s/schema.json", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    free(path);

    struct offload_profile_set *set;
    char *err = NULL;
    assert_int_equal(offload_profile_set_load(dir, &set, &err), 0);
    assert_int_equal(offload_profile_set_count(set), 1);
    assert_int_equal(offload_profile_set_n_errors(set), 2);
    const char *e1 = "broken.json: /match/eth_src: expected \"exact\", "
                     "\"prefix\" or \"arbitrary\"";
    const char *e2 = "syntax.json:3:18: ':' expected near '\"syntax\"'";
    assert_string_equal(offload_profile_set_error(set, 0), e1);
    assert_string_equal(offload_profile_set_error(set, 1), e2);
    assert_string_equal(offload_profile_find_error(set, "broken", NULL), e1);
    assert_string_equal(offload_profile_find_error(set, NULL, "fakedrv"), e1);
    assert_string_equal(offload_profile_find_error(set, "syntax", "x"), e2);
    assert_null(offload_profile_find_error(set, "sim-small", "mlx5_core"));

    struct buf out = BUF_INITIALIZER;
    offload_profile_format_list(set, &out);
    char *expect = xasprintf(
        "sim-small: Simulated eswitch with tiny tables, for tests of "
        "refusals and table-full paths (drivers: -; interfaces: hal)\n"
        "error: %s\nerror: %s\nprofiles: 1 loaded, 2 failed\n",
        e1, e2);
    assert_string_equal(buf_cstr(&out), expect);
    free(expect);
    buf_destroy(&out);
    offload_profile_set_destroy(set);

    static const char *const names[] = { "sim-small.json", "broken.json",
                                         "syntax.json", "README.md",
                                         "schema.json" };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        path = xasprintf("%s/%s", dir, names[i]);
        unlink(path);
        free(path);
    }
    rmdir(dir);

    assert_int_equal(offload_profile_set_load(dir, &set, &err), ENOENT);
    assert_null(set);
    char *msg = xasprintf("hw-profiles directory %s: No such file or "
                          "directory",
                          dir);
    assert_string_equal(err, msg);
    free(msg);
    free(err);
}

/* ---------------------------------------------------------------------
 * The check.
 * --------------------------------------------------------------------- */

#define UDP_FLOW                                                         \
    "in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),"       \
    "eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,frag=no)," \
    "udp(src=1,dst=2)"

/* Checks the dump-flows text FLOW with ACTIONS against profile NAME;
 * EXPECT is NULL for "allowed", else the exact refusal message, whose
 * code must be CODE. */
static void
check(const char *name, const char *flow_text, const char *actions,
      enum offload_reason_code code, const char *expect)
{
    const struct offload_profile *p = offload_profile_find(shipped, name);
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER;
    struct flow flow, wc;
    struct offload_reason why = { .code = OFFLOAD_R_NONE };
    char *err = NULL;

    assert_non_null(p);
    if (odp_flow_from_string(flow_text, &key, &mask, &err)
        || odp_actions_from_string(actions, &acts, &err)) {
        fail_msg("%s / %s: %s", flow_text, actions, err);
    }
    assert_int_equal(odp_key_to_flow(key.data, key.len, &flow, NULL), 0);
    assert_int_equal(odp_mask_to_flow(mask.data, mask.len, &wc, NULL), 0);

    int result =
        offload_profile_check(p, &flow, &wc, acts.data, acts.len, &why);
    if (!expect) {
        if (result) {
            fail_msg("%s / %s: refused: %s", flow_text, actions, why.msg);
        }
    } else {
        assert_int_equal(result, code);
        assert_int_equal(why.code, code);
        assert_string_equal(why.msg, expect);
    }
    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&acts);
}

static void
test_check_matches(void **state)
{
    const enum offload_reason_code M = OFFLOAD_R_UNSUPPORTED_MATCH;

    check("sim-small", UDP_FLOW, "push_vlan(vid=5,pcp=0),2", 0, NULL);
    check("sim-small",
          "in_port(1),eth(),eth_type(0x0800),"
          "ipv4(src=10.0.0.0/255.255.255.0,dst=10.1.0.0/255.255.0.0)",
          "2", 0, NULL);
    check("sim-small",
          "in_port(1),eth(),eth_type(0x0800),"
          "ipv4(src=10.0.0.0/255.0.255.0)",
          "2", M, "profile sim-small: ipv4_src must be matched by prefix");
    check("sim-small",
          "in_port(1),eth(),eth_type(0x0800),ipv4(proto=17),"
          "udp(src=0x100/0xff00)",
          "2", M, "profile sim-small: tp_src must be matched exactly");
    check("sim-small",
          "in_port(1),eth(),eth_type(0x86dd),ipv6(src=::1,dst=::2)", "2", M,
          "profile sim-small: no match on ipv6_src");
    check("sim-small",
          "in_port(1),eth(),eth_type(0x0800),ipv4(proto=1),"
          "icmp(type=8,code=0)",
          "2", M, "profile sim-small: no match on icmp_type");
    check("sim-small",
          "in_port(1),eth(),eth_type(0x0806),arp(sip=10.0.0.1,op=1)", "2", M,
          "profile sim-small: no match on arp_spa");
    check("sim-small", "in_port(1),eth(),eth_type(0x0800),ipv4(tos=4)", "2", M,
          "profile sim-small: no match on ip_tos");
    /* The first pass is every device's; a later one needs recirc_id. */
    check("sim-small", "recirc_id(0),in_port(1),eth()", "2", 0, NULL);
    check("sim-small", "recirc_id(5),in_port(1),eth()", "2", M,
          "profile sim-small: no match on recirc_id");
    check("sim-small",
          "in_port(1),eth(),eth_type(0x8100),vlan(vid=5,pcp=3),"
          "encap(eth_type(0x0800))",
          "2", M, "profile sim-small: no match on vlan_pcp");

    /* The same shared members under their other names, where allowed. */
    check("sim-large",
          "in_port(1),eth(),eth_type(0x0806),"
          "arp(sip=10.0.0.0/255.255.255.0,tip=10.0.0.2,op=1,"
          "sha=00:00:00:00:00:01)",
          "2", 0, NULL);
    check("sim-large",
          "in_port(1),eth(),eth_type(0x0806),arp(sip=10.0.0.0/255.0.0.255)",
          "2", M, "profile sim-large: arp_spa must be matched by prefix");
    check("sim-large",
          "in_port(1),eth(),eth_type(0x0800),ipv4(proto=1),"
          "icmp(type=8,code=0)",
          "2", 0, NULL);
    check("sim-large",
          "in_port(1),eth(),eth_type(0x86dd),"
          "ipv6(src=2001:db8::/ffff:ffff::,dst=::2)",
          "2", 0, NULL);

    /* Real profiles. */
    check("marvell-octeontx2", UDP_FLOW "", "2", M,
          "profile marvell-octeontx2: no match on eth_src");
    check("marvell-octeontx2",
          "in_port(1),eth(dst=00:00:00:00:00:02),eth_type(0x0800),"
          "ipv4(src=10.0.0.1,proto=6),tcp(dst=80)",
          "drop", 0, NULL);
    check("nxp-dpaa2-switch",
          "in_port(1),eth(),eth_type(0x86dd),ipv6(dst=::2)", "2", M,
          "profile nxp-dpaa2-switch: no match on ipv6_dst");
}

static void
test_check_actions(void **state)
{
    const enum offload_reason_code A = OFFLOAD_R_UNSUPPORTED_ACTION;
    const char *f = "in_port(1),eth()";

    check("sim-small", f, "", 0, NULL); /* drop */
    check("sim-small", f, "pop_vlan,2", 0, NULL);
    check("sim-small", f, "set(ipv4(src=1.2.3.4)),2", A,
          "profile sim-small: action set_ipv4 not supported");
    check("sim-small", f, "userspace(pid=1)", A,
          "profile sim-small: action userspace not supported");
    check("sim-small", f, "ct(commit),2", A,
          "profile sim-small: action ct not supported");
    check("sim-small", f, "recirc(0x1)", A,
          "profile sim-small: action recirc not supported");
    check("sim-small", f, "2,3", A,
          "profile sim-small: action mirror not supported");
    check("sim-small", f,
          "push_vlan(vid=5,pcp=0),pop_vlan,push_vlan(vid=6,pcp=0),pop_vlan,2",
          A, "profile sim-small: 5 actions, at most 4 per rule");
    check("sim-large", f, "2,3,set(ipv4(src=1.2.3.4)),4", 0, NULL);
    check("sim-large", f, "userspace(pid=1)", A,
          "profile sim-large: action userspace not supported");
    check("nxp-dpaa2-switch", f, "pop_vlan,2", A,
          "profile nxp-dpaa2-switch: action pop_vlan not supported");
    check("marvell-octeontx2", f, "push_vlan(vid=5,pcp=0),2", A,
          "profile marvell-octeontx2: action push_vlan not supported");
}

static void
test_check_malformed_actions(void **state)
{
    const struct offload_profile *p =
        offload_profile_find(shipped, "sim-large");
    struct flow flow, mask;
    struct offload_reason why;
    const uint8_t bad[] = { 8, 0, 1, 0 }; /* Length beyond the buffer. */

    memset(&flow, 0, sizeof flow);
    memset(&mask, 0, sizeof mask);
    assert_int_equal(
        offload_profile_check(p, &flow, &mask, bad, sizeof bad, &why),
        OFFLOAD_R_UNSUPPORTED_ACTION);
    assert_string_equal(why.msg,
                        "profile sim-large: action (malformed) not supported");
    assert_int_equal(offload_profile_check(p, &flow, &mask, bad, 2, &why),
                     OFFLOAD_R_UNSUPPORTED_ACTION);
}

static void
test_check_room(void **state)
{
    const struct offload_profile *p =
        offload_profile_find(shipped, "sim-small");
    struct offload_reason why;

    assert_int_equal(offload_profile_check_room(p, 7, 15, &why), 0);
    assert_int_equal(offload_profile_check_room(p, 8, 9, &why),
                     OFFLOAD_R_TABLE_FULL);
    assert_string_equal(why.msg,
                        "profile sim-small: table full: 8/8 rules per port");
    assert_int_equal(offload_profile_check_room(p, 3, 16, &why),
                     OFFLOAD_R_TABLE_FULL);
    assert_string_equal(why.msg, "profile sim-small: table full: 16/16 rules "
                                 "per device");

    /* Unpublished sizes never refuse. */
    p = offload_profile_find(shipped, "marvell-octeontx2");
    assert_int_equal(offload_profile_check_room(p, 1000000, 1000000, &why), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_profiles_load),
        cmocka_unit_test(test_show),
        cmocka_unit_test(test_schema_matches_tables),
        cmocka_unit_test(test_valid_round_trip),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_semantic_errors),
        cmocka_unit_test(test_directory_with_errors),
        cmocka_unit_test(test_check_matches),
        cmocka_unit_test(test_check_actions),
        cmocka_unit_test(test_check_malformed_actions),
        cmocka_unit_test(test_check_room),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
