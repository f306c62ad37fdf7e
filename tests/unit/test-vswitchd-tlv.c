/* Unit tests for a bridge's Geneve option mapping table
 * (vswitchd/ofproto-tlv.h): NXT_TLV_TABLE_MOD semantics and errors as
 * Open vSwitch 3.1 has them, and flows naming tun_metadata fields —
 * refused while unmapped, given the mapping's length when mapped, kept
 * apart by the classifier, and selected by non-strict and strict
 * flow-mods.  (Packets' options matching them: test-vswitchd-geneve.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/evloop.h"
#include "lib/util.h"
#include "ofctl/flow-text.h"
#include "ofctl/ofp-tlv.h"
#include "vswitchd/ofproto-tlv.h"
#include "vswitchd/ofproto.h"

static char rundir[] = "/tmp/test-vswitchd-tlv.XXXXXX";

struct fixture {
    struct evloop *loop;
    struct ofproto *p;
};

static int
setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    char *err = NULL;

    fx->loop = evloop_create();
    assert_int_equal(
        ofproto_create("tlvbr", 1, fx->loop, NULL, NULL, &fx->p, &err), 0);
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *fx = *state;

    ofproto_destroy(fx->p);
    evloop_destroy(fx->loop);
    free(fx);
    return 0;
}

/* Applies mod COMMAND with mapping list TEXT (ovs-ofctl syntax). */
static int
tlv_mod(struct ofproto *p, enum of_tlv_cmd command, const char *text)
{
    struct of_tlv_table_mod tm = { .command = command };
    char *err = of_tlv_maps_parse(text, &tm.maps);
    int error;

    if (err) {
        fail_msg("%s: %s", text, err);
    }
    error = ofproto_tlv_mod(p, &tm);
    of_tlv_maps_destroy(&tm.maps);
    return error;
}

/* The table as "INDEX:CLASS:TYPE:LEN " words. */
static char *
table_string(const struct ofproto *p)
{
    struct of_tlv_table_reply r;
    struct buf b = BUF_INITIALIZER;

    ofproto_tlv_get(p, &r);
    assert_int_equal(r.max_option_space, 256);
    assert_int_equal(r.max_fields, 64);
    for (size_t i = 0; i < r.maps.n; i++) {
        const struct of_tlv_map *m = &r.maps.maps[i];
        buf_printf(&b, "%u:%#x:%u:%u ", m->index, m->option_class,
                   m->option_type, m->option_len);
    }
    of_tlv_maps_destroy(&r.maps);
    return buf_steal_cstr(&b);
}

static void
assert_table(const struct ofproto *p, const char *want)
{
    char *got = table_string(p);
    assert_string_equal(got, want);
    free(got);
}

/* Applies flow text S with CMD; returns the OpenFlow error (0 = ok). */
static int
flowmod(struct ofproto *p, enum of_flow_cmd cmd, const char *s)
{
    struct of_flow f;
    char *err = of_flow_parse(&f, s, cmd, NULL, NULL);
    int error;

    if (err) {
        fail_msg("%s: %s", s, err);
    }
    error = ofproto_flow_mod(p, &f, cmd, &err);
    free(err);
    of_flow_destroy(&f);
    return error;
}

static void
dump_cb(const struct ofproto_rule *r, void *b_)
{
    struct buf *b = b_;
    struct of_match match;
    char *m;

    ofproto_rule_get_match(r, &match);
    m = of_match_to_string(&match, r->priority);

    buf_printf(b, "%s actions=", m);
    of_acts_format(&r->acts, b);
    buf_put_char(b, '\n');
    free(m);
}

/* Every rule as "MATCH actions=ACTIONS" lines, in table/priority order. */
static char *
dump(const struct ofproto *p)
{
    struct buf b = BUF_INITIALIZER;

    ofproto_rule_for_each(p, OF_TABLE_ALL, dump_cb, &b);
    return buf_steal_cstr(&b);
}

static void
assert_dump(const struct ofproto *p, const char *want)
{
    char *got = dump(p);
    assert_string_equal(got, want);
    free(got);
}

static void
test_mod(void **state)
{
    struct fixture *fx = *state;
    struct ofproto *p = fx->p;

    assert_table(p, "");
    assert_int_equal(tlv_mod(p, OF_TLV_ADD,
                             "{class=0xffff,type=0,len=4}->tun_metadata0,"
                             "{class=0x102,type=0x80,len=8}->tun_metadata1"),
                     0);
    assert_table(p, "0:0xffff:0:4 1:0x102:128:8 ");
    /* The field is taken; the option is taken; both within one message. */
    assert_int_equal(
        tlv_mod(p, OF_TLV_ADD, "{class=1,type=1,len=4}->tun_metadata0"),
        OF_ERR_NXTTMFC_ALREADY_MAPPED);
    assert_int_equal(
        tlv_mod(p, OF_TLV_ADD, "{class=0xffff,type=0,len=4}->tun_metadata5"),
        OF_ERR_NXTTMFC_DUP_ENTRY);
    assert_int_equal(tlv_mod(p, OF_TLV_ADD,
                             "{class=1,type=1,len=4}->tun_metadata6,"
                             "{class=1,type=2,len=4}->tun_metadata6"),
                     OF_ERR_NXTTMFC_ALREADY_MAPPED);
    assert_int_equal(tlv_mod(p, OF_TLV_ADD,
                             "{class=1,type=1,len=4}->tun_metadata6,"
                             "{class=1,type=1,len=4}->tun_metadata7"),
                     OF_ERR_NXTTMFC_DUP_ENTRY);
    /* 12 bytes used: 124 + 120 fit, one more block does not, and a
     * refused message leaves nothing behind. */
    assert_int_equal(tlv_mod(p, OF_TLV_ADD,
                             "{class=1,type=1,len=124}->tun_metadata6,"
                             "{class=1,type=2,len=120}->tun_metadata7,"
                             "{class=1,type=3,len=4}->tun_metadata8"),
                     OF_ERR_NXTTMFC_TABLE_FULL);
    assert_table(p, "0:0xffff:0:4 1:0x102:128:8 ");
    assert_int_equal(tlv_mod(p, OF_TLV_ADD,
                             "{class=1,type=1,len=124}->tun_metadata6,"
                             "{class=1,type=2,len=120}->tun_metadata7"),
                     0);
    /* Freed space is reused, whatever its place. */
    assert_int_equal(tlv_mod(p, OF_TLV_DELETE,
                             "{class=0,type=0,len=0}->tun_metadata1,"
                             "{class=0,type=0,len=0}->tun_metadata9"),
                     0);
    assert_int_equal(
        tlv_mod(p, OF_TLV_ADD, "{class=2,type=2,len=8}->tun_metadata63"), 0);
    assert_int_equal(
        tlv_mod(p, OF_TLV_ADD, "{class=2,type=3,len=4}->tun_metadata62"),
        OF_ERR_NXTTMFC_TABLE_FULL);
    /* A zero-length option takes no space. */
    assert_int_equal(
        tlv_mod(p, OF_TLV_ADD, "{class=2,type=4,len=0}->tun_metadata62"), 0);
    assert_table(p, "0:0xffff:0:4 6:0x1:1:124 7:0x1:2:120 62:0x2:4:0 "
                    "63:0x2:2:8 ");
    assert_int_equal(tlv_mod(p, OF_TLV_CLEAR, ""), 0);
    assert_table(p, "");
    assert_int_equal(ofproto_tlv_field_len(p, 0), -1);
}

static void
test_flows(void **state)
{
    struct fixture *fx = *state;
    struct ofproto *p = fx->p;

    /* Unmapped: refused in a match, in set_field, in move. */
    assert_int_equal(flowmod(p, OF_FLOW_ADD, "tun_metadata0=1,actions=drop"),
                     OF_ERR_NXFMFC_INVALID_TLV_FIELD);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "actions=set_field:1->"
                             "tun_metadata0"),
                     OF_ERR_NXFMFC_INVALID_TLV_FIELD);
    assert_int_equal(tlv_mod(p, OF_TLV_ADD,
                             "{class=0xffff,type=0,len=4}->tun_metadata0,"
                             "{class=0xffff,type=1,len=8}->tun_metadata1"),
                     0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "actions=move:tun_metadata2[0..7]->"
                             "NXM_NX_REG0[0..7]"),
                     OF_ERR_NXFMFC_INVALID_TLV_FIELD);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "actions=move:tun_metadata0[32..63]->"
                             "NXM_NX_REG0[]"),
                     OF_ERR_OFPBAC_BAD_SET_LEN);
    assert_int_equal(ofproto_n_rules(p), 0);

    /* Mapped: values take the option's length (a longer one its first
     * bytes), and rules that differ only in tunnel metadata are two. */
    assert_int_equal(
        flowmod(p, OF_FLOW_ADD, "priority=5,tun_metadata0=1,actions=drop"), 0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=5,tun_metadata0=0x1234567890,"
                             "actions=drop"),
                     0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=5,tun_metadata1=0x12/0xf0,"
                             "actions=set_field:0x1234567890->tun_metadata0"),
                     0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=6,tun_metadata0=0x00000001,"
                             "actions=output:1"),
                     0);
    /* The same match as written differently: replaces, not adds. */
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=5,tun_metadata0=0x00000001,"
                             "actions=output:2"),
                     0);
    assert_dump(p, "priority=6,tun_metadata0=0x1 actions=output:1\n"
                   "priority=5,tun_metadata0=0x12345678 actions=drop\n"
                   "priority=5,tun_metadata1=0x10/0xf0 "
                   "actions=set_field:0x12345678->tun_metadata0\n"
                   "priority=5,tun_metadata0=0x1 actions=output:2\n");
    assert_int_equal(ofproto_n_rules(p), 4);

    /* No packet carries options yet: none of these rules matches one. */
    struct ofproto_key key, wc;
    memset(&key, 0, sizeof key);
    memset(&wc, 0, sizeof wc);
    assert_null(ofproto_lookup(p, 0, &key, &wc));

    /* In use: neither deleting nor clearing the mapping is allowed. */
    assert_int_equal(
        tlv_mod(p, OF_TLV_DELETE, "{class=0,type=0,len=0}->tun_metadata1"),
        OF_ERR_NXTTMFC_INVALID_TLV_DEL);
    assert_int_equal(tlv_mod(p, OF_TLV_CLEAR, ""),
                     OF_ERR_NXTTMFC_INVALID_TLV_DEL);

    /* Strict delete needs the same tunnel metadata; non-strict selects
     * rules at least as specific. */
    assert_int_equal(
        flowmod(p, OF_FLOW_DELETE_STRICT, "priority=5,tun_metadata0=0x2"), 0);
    assert_int_equal(ofproto_n_rules(p), 4);
    assert_int_equal(
        flowmod(p, OF_FLOW_DELETE_STRICT, "priority=5,tun_metadata0=1"), 0);
    assert_int_equal(ofproto_n_rules(p), 3);
    assert_int_equal(flowmod(p, OF_FLOW_DELETE, "tun_metadata0=0x1"), 0);
    assert_dump(p, "priority=5,tun_metadata0=0x12345678 actions=drop\n"
                   "priority=5,tun_metadata1=0x10/0xf0 "
                   "actions=set_field:0x12345678->tun_metadata0\n");
    /* tun_metadata1 is now used by one rule's match only. */
    assert_int_equal(flowmod(p, OF_FLOW_DELETE, "tun_metadata1=0x10/0xf0"), 0);
    assert_int_equal(
        tlv_mod(p, OF_TLV_DELETE, "{class=0,type=0,len=0}->tun_metadata1"), 0);
    assert_int_equal(flowmod(p, OF_FLOW_DELETE, ""), 0);
    assert_int_equal(tlv_mod(p, OF_TLV_CLEAR, ""), 0);
    assert_table(p, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mod, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flows, setup, teardown),
    };
    int rc;

    /* The switch's management socket goes to a directory of our own. */
    if (!mkdtemp(rundir)) {
        perror("mkdtemp");
        return 1;
    }
    setenv("NICFLOW_RUNDIR", rundir, 1);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(rundir);
    return rc;
}
