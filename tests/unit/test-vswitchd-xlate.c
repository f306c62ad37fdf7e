/* Tests of translation (vswitchd/xlate*.c) over real OpenFlow tables
 * (vswitchd/ofproto*.c): the datapath actions and megaflow masks that
 * NORMAL with VLANs, header rewrites, patch ports, resubmits, groups,
 * learn and conjunctive matches produce, checked as the text ovs-dpctl
 * would print. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "lib/evloop.h"
#include "lib/flow.h"
#include "lib/util.h"
#include "ofctl/flow-text.h"
#include "ofctl/ofp-group.h"
#include "softpath/dpif.h"
#include "softpath/odp.h"
#include "vswitchd/mac-learning.h"
#include "vswitchd/ofproto.h"
#include "vswitchd/xlate.h"

struct fixture {
    struct evloop *loop;
    char rundir[64];
    struct ofproto *br0, *br1;
};

static const struct ofproto_ops no_ops = { NULL };

static struct ofproto *
make_bridge(struct fixture *f, const char *name)
{
    struct ofproto *ofp = NULL;
    char *err = NULL;

    assert_int_equal(
        ofproto_create(name, 1, f->loop, &no_ops, NULL, &ofp, &err), 0);
    xlate_bridge_set(ofp, NULL, name, 0, 0);
    return ofp;
}

static void
add_port(struct ofproto *ofp, uint16_t ofp_port, uint32_t odp_port,
         const char *name, enum xlate_vlan_mode mode, int tag)
{
    struct xlate_port_cfg cfg = {
        .ofp_port = ofp_port,
        .odp_port = odp_port,
        .name = name,
        .vlan_mode = mode,
        .tag = tag,
        .flood = true,
    };
    xlate_port_set(ofp, &cfg);
}

static void
add_flow(struct ofproto *ofp, const char *s)
{
    struct of_flow fl;
    char *err = of_flow_parse(&fl, s, OF_FLOW_ADD, NULL, NULL);

    if (err) {
        fail_msg("%s: %s", s, err);
    }
    err = NULL;
    if (ofproto_flow_mod(ofp, &fl, OF_FLOW_ADD, &err)) {
        fail_msg("%s: %s", s, err ? err : "?");
    }
    of_flow_destroy(&fl);
}

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);

    snprintf(f->rundir, sizeof f->rundir, "/tmp/nicflow-xlate-%d",
             (int) getpid());
    if (mkdir(f->rundir, 0700) && errno != EEXIST) {
        fail_msg("mkdir %s", f->rundir);
    }
    setenv("NICFLOW_RUNDIR", f->rundir, 1);
    f->loop = evloop_create();
    f->br0 = make_bridge(f, "br0");
    f->br1 = make_bridge(f, "br1");
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    xlate_bridge_remove(f->br0);
    xlate_bridge_remove(f->br1);
    ofproto_destroy(f->br0);
    ofproto_destroy(f->br1);
    evloop_destroy(f->loop);
    rmdir(f->rundir);
    free(f);
    return 0;
}

/* A flow from datapath port IN_ODP with the given addresses and, if VID is
 * not negative, an 802.1Q tag. */
static struct flow
l2_flow(uint32_t in_odp, uint8_t src, uint8_t dst, int vid)
{
    struct flow fl;

    memset(&fl, 0, sizeof fl);
    fl.in_port = in_odp;
    fl.dl_src = (struct eth_addr){ { 0x50, 0x54, 0, 0, 0, src } };
    fl.dl_dst =
        dst == 0xff
            ? (struct eth_addr){ { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } }
            : (struct eth_addr){ { 0x50, 0x54, 0, 0, 0, dst } };
    fl.dl_type = htons(ETH_TYPE_IP);
    fl.nw_src = htonl(0x0a000001);
    fl.nw_dst = htonl(0x0a000002);
    fl.nw_proto = 1;
    fl.nw_ttl = 64;
    if (vid >= 0) {
        fl.vlans[0].tpid = htons(ETH_TYPE_VLAN_8021Q);
        fl.vlans[0].tci = htons((uint16_t) (FLOW_VLAN_PRESENT | vid));
    }
    return fl;
}

/* Translates FL and returns the datapath actions' text (caller frees);
 * the megaflow's text goes to *MEGAFLOW if nonnull. */
static char *
xlate_text(const struct flow *fl, char **megaflow)
{
    struct xlate_out out;
    struct buf b = BUF_INITIALIZER;

    xlate_out_init(&out);
    xlate_flow(fl, NULL, true, NULL, &out);
    odp_actions_format(&b, out.odp_actions.data, out.odp_actions.len);
    if (megaflow) {
        struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
        struct buf m = BUF_INITIALIZER;
        odp_flow_to_key(&key, fl, &out.mask);
        odp_flow_to_mask(&mask, fl, &out.mask);
        odp_flow_format(&m, key.data, key.len, mask.data, mask.len);
        *megaflow = xstrdup(buf_cstr(&m));
        buf_destroy(&key);
        buf_destroy(&mask);
        buf_destroy(&m);
    }
    char *s = xstrdup(buf_cstr(&b));
    buf_destroy(&b);
    xlate_out_uninit(&out);
    return s;
}

#define ASSERT_XLATE(FLOW, EXPECTED)         \
    do {                                     \
        struct flow fl__ = (FLOW);           \
        char *s__ = xlate_text(&fl__, NULL); \
        assert_string_equal(s__, EXPECTED);  \
        free(s__);                           \
    } while (0)

/* br0: 1 = access 100 (dp 11), 2 = access 100 (dp 12), 3 = trunk (dp 13),
 * 4 = access 200 (dp 14). */
static void
vlan_lab(struct fixture *f)
{
    add_port(f->br0, 1, 11, "p1", XLATE_VLAN_ACCESS, 100);
    add_port(f->br0, 2, 12, "p2", XLATE_VLAN_ACCESS, 100);
    add_port(f->br0, 3, 13, "p3", XLATE_VLAN_TRUNK, -1);
    add_port(f->br0, 4, 14, "p4", XLATE_VLAN_ACCESS, 200);
    add_flow(f->br0, "priority=0,actions=NORMAL");
}

static void
test_normal_vlans(void **state)
{
    struct fixture *f = *state;
    vlan_lab(f);

    /* A broadcast from an access port of VLAN 100 floods to the other
     * VLAN 100 access port untagged and to the trunk tagged, not to VLAN
     * 200. */
    ASSERT_XLATE(l2_flow(11, 1, 0xff, -1), "12,push_vlan(vid=100,pcp=0),13");
    /* The answer comes tagged over the trunk: learned port 1, tag off. */
    ASSERT_XLATE(l2_flow(13, 2, 1, 100), "pop_vlan,11");
    /* And now 2 is known to be on the trunk in VLAN 100. */
    ASSERT_XLATE(l2_flow(11, 1, 2, -1), "push_vlan(vid=100,pcp=0),13");
    /* VLAN 200 does not know it. */
    ASSERT_XLATE(l2_flow(14, 4, 2, -1), "push_vlan(vid=200,pcp=0),13");
    /* A tagged frame on an access port is dropped. */
    ASSERT_XLATE(l2_flow(11, 1, 0xff, 5), "drop");

    struct mac_learning *ml = xlate_mac_learning(f->br0);
    assert_int_equal(mac_learning_lookup(
                         ml, &(struct eth_addr){ { 0x50, 0x54, 0, 0, 0, 2 } },
                         100, nf_time_msec()),
                     3);
}

static void
test_normal_megaflow_is_narrow(void **state)
{
    struct fixture *f = *state;
    vlan_lab(f);

    char *mf;
    char *acts = xlate_text(&(struct flow){ 0 }, NULL);
    free(acts);
    struct flow fl = l2_flow(11, 1, 0xff, -1);
    acts = xlate_text(&fl, &mf);
    /* NORMAL reads the port, both addresses and the VLAN: no IP field may
     * be in the megaflow. */
    assert_non_null(strstr(mf, "in_port(11)"));
    assert_non_null(strstr(mf, "eth(src=50:54:00:00:00:01"));
    assert_null(strstr(mf, "ipv4("));
    free(mf);
    free(acts);
}

static void
test_rewrites(void **state)
{
    struct fixture *f = *state;
    vlan_lab(f);

    /* Seed 003's flows: a VLAN rewrite before NORMAL, a strip, a source
     * address rewrite. */
    add_flow(f->br0, "priority=10,in_port=3,dl_vlan=5,"
                     "actions=mod_vlan_vid:101,normal");
    add_flow(f->br0, "priority=10,in_port=2,actions=strip_vlan,output:1");
    add_flow(f->br0, "priority=10,ip,in_port=4,"
                     "actions=mod_nw_src:10.1.1.1,output:3");

    /* in_port=2 has no tag: strip does nothing. */
    ASSERT_XLATE(l2_flow(12, 9, 8, -1), "11");

    char *mf;
    struct flow fl = l2_flow(14, 9, 8, -1);
    char *acts = xlate_text(&fl, &mf);
    assert_string_equal(acts, "set(ipv4(src=10.1.1.1)),13");
    /* The rewrite depends on the old source: it is in the megaflow. */
    assert_non_null(strstr(mf, "ipv4(src=10.0.0.1"));
    free(acts);
    free(mf);
}

static void
test_patch_ports(void **state)
{
    struct fixture *f = *state;

    add_port(f->br0, 1, 11, "p1", XLATE_VLAN_TRUNK, -1);
    add_port(f->br1, 1, 21, "q1", XLATE_VLAN_TRUNK, -1);
    struct xlate_port_cfg patch0 = {
        .ofp_port = 2,
        .odp_port = DPIF_PORT_ANY,
        .name = "patch-br1",
        .vlan_mode = XLATE_VLAN_TRUNK,
        .tag = -1,
        .peer_bridge = "br1",
        .peer_ofp_port = 2,
        .flood = true,
    };
    struct xlate_port_cfg patch1 = patch0;
    patch1.name = "patch-br0";
    patch1.peer_bridge = "br0";
    xlate_port_set(f->br0, &patch0);
    xlate_port_set(f->br1, &patch1);
    add_flow(f->br0, "in_port=1,actions=output:2");
    add_flow(f->br1, "in_port=2,actions=mod_dl_dst:00:00:00:00:00:77,"
                     "output:1");

    ASSERT_XLATE(l2_flow(11, 1, 2, -1), "set(eth(dst=00:00:00:00:00:77)),21");
    /* br1 without the flow: the walk ends there (dropped). */
    struct of_flow del;
    char *err = of_flow_parse(&del, "in_port=2", OF_FLOW_DELETE, NULL, NULL);
    assert_null(err);
    assert_int_equal(ofproto_flow_mod(f->br1, &del, OF_FLOW_DELETE, &err), 0);
    of_flow_destroy(&del);
    ASSERT_XLATE(l2_flow(11, 1, 2, -1), "drop");
}

static void
test_resubmit_goto_group(void **state)
{
    struct fixture *f = *state;

    add_port(f->br0, 1, 11, "p1", XLATE_VLAN_TRUNK, -1);
    add_port(f->br0, 2, 12, "p2", XLATE_VLAN_TRUNK, -1);
    add_port(f->br0, 3, 13, "p3", XLATE_VLAN_TRUNK, -1);
    struct of_group g;
    char *err = of_group_parse(&g,
                               "group_id=9,type=all,"
                               "bucket=output:1,bucket=output:3",
                               OF_GC_ADD);
    assert_null(err);
    assert_int_equal(ofproto_group_mod(f->br0, &g, &err), 0);
    of_group_destroy(&g);
    add_flow(f->br0, "table=0,in_port=1,actions=resubmit(,5),output:3");
    add_flow(f->br0, "table=5,actions=output:2");
    add_flow(f->br0, "table=0,in_port=2,actions=goto_table:7");
    add_flow(f->br0, "table=7,actions=group:9");

    ASSERT_XLATE(l2_flow(11, 1, 2, -1), "12,13");
    ASSERT_XLATE(l2_flow(12, 1, 2, -1), "11,13");

    /* A resubmit loop ends at the depth limit instead of hanging. */
    add_flow(f->br0, "table=0,in_port=3,actions=resubmit(,0)");
    ASSERT_XLATE(l2_flow(13, 1, 2, -1), "drop");
}

static void
test_generation_moves(void **state)
{
    struct fixture *f = *state;

    uint64_t g0 = xlate_generation();
    add_port(f->br0, 1, 11, "p1", XLATE_VLAN_TRUNK, -1);
    uint64_t g1 = xlate_generation();
    assert_true(g1 != g0);
    add_flow(f->br0, "actions=NORMAL");
    uint64_t g2 = xlate_generation();
    assert_true(g2 != g1);
    /* Learning a MAC is a change too. */
    char *s =
        xlate_text(&(struct flow){ .in_port = 11,
                                   .dl_src = { { 0x50, 0x54, 0, 0, 0, 9 } },
                                   .dl_type = 0x0008 },
                   NULL);
    free(s);
    assert_true(xlate_generation() != g2);
}

/* xlate_text() of an untagged l2_flow(). */
static char *
xlate_l2(uint32_t in_odp, uint8_t src, uint8_t dst, char **megaflow)
{
    struct flow fl = l2_flow(in_odp, src, dst, -1);
    return xlate_text(&fl, megaflow);
}

struct rule_list {
    const struct ofproto_rule *rules[8];
    size_t n;
};

static void
collect_rule(const struct ofproto_rule *r, void *aux)
{
    struct rule_list *rl = aux;

    if (rl->n < ARRAY_SIZE(rl->rules)) {
        rl->rules[rl->n] = r;
    }
    rl->n++;
}

/* learn: the classic MAC learning table.  Table 0 learns, for each source
 * MAC and VLAN, a table 1 flow to the input port, then resubmits to table
 * 1, whose default floods to port 3. */
static void
test_learn(void **state)
{
    struct fixture *f = *state;
    char *mf = NULL;

    add_port(f->br0, 1, 11, "p1", XLATE_VLAN_TRUNK, -1);
    add_port(f->br0, 2, 12, "p2", XLATE_VLAN_TRUNK, -1);
    add_port(f->br0, 3, 13, "p3", XLATE_VLAN_TRUNK, -1);
    add_flow(f->br0,
             "table=0,actions=learn(table=1,hard_timeout=60,priority=5,"
             "cookie=0x77,NXM_OF_VLAN_TCI[0..11],"
             "NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],"
             "load:NXM_OF_IN_PORT[]->NXM_NX_REG0[0..15],"
             "output:NXM_OF_IN_PORT[]),resubmit(,1)");
    add_flow(f->br0, "table=1,priority=0,actions=output:3");
    assert_int_equal(ofproto_n_rules(f->br0), 2);

    /* Nothing learned yet: to 50:54::1 goes to port 3.  The megaflow has
     * the fields learn read (the source MAC, the VLAN). */
    char *s = xlate_l2(12, 2, 1, &mf);
    assert_string_equal(s, "13");
    assert_non_null(strstr(mf, "eth(src=50:54:00:00:00:02"));
    free(s);
    free(mf);
    /* That packet taught 50:54::2 -> port 2. */
    assert_int_equal(ofproto_n_rules(f->br0), 3);
    s = xlate_l2(11, 1, 2, NULL);
    assert_string_equal(s, "12");
    free(s);
    /* And this one 50:54::1 -> port 1, which the next packet to it takes. */
    assert_int_equal(ofproto_n_rules(f->br0), 4);
    s = xlate_l2(12, 2, 1, NULL);
    assert_string_equal(s, "11");
    free(s);

    /* The learned flow, as learn describes it. */
    struct rule_list rl = { .n = 0 };
    ofproto_rule_for_each(f->br0, 1, collect_rule, &rl);
    assert_int_equal(rl.n, 3);
    const struct ofproto_rule **learned = rl.rules;
    size_t n_learned = rl.n;
    bool found = false;
    for (size_t i = 0; i < n_learned; i++) {
        const struct ofproto_rule *r = learned[i];
        if (r->priority != 5) {
            continue;
        }
        struct buf b = BUF_INITIALIZER;
        of_acts_format(&r->acts, &b);
        if (strstr(buf_cstr(&b), "output:1")) {
            found = true;
            assert_int_equal(r->cookie, 0x77);
            assert_int_equal(r->hard_timeout, 60);
            assert_string_equal(buf_cstr(&b),
                                "load:0x1->NXM_NX_REG0[0..15],output:1");
        }
        buf_destroy(&b);
    }
    assert_true(found);

    /* Learned again (same flow): nothing changes, not even the generation
     * (every datapath flow would be translated again). */
    uint64_t g = xlate_generation();
    s = xlate_l2(11, 1, 2, NULL);
    free(s);
    assert_int_equal(ofproto_n_rules(f->br0), 4);
    assert_true(xlate_generation() == g);

    /* A translation that may not learn (ofproto/trace, revalidation of an
     * idle flow) learns nothing, with the same megaflow. */
    struct flow fl = l2_flow(13, 7, 1, -1);
    struct xlate_out out;
    xlate_out_init(&out);
    xlate_flow(&fl, NULL, false, NULL, &out);
    assert_true(out.learns);
    assert_int_equal(ofproto_n_rules(f->br0), 4);
    xlate_out_uninit(&out);
}

/* The number of flows of table TABLE_ID of OFP with cookie COOKIE. */
struct cookie_count {
    uint64_t cookie;
    size_t n;
};

static void
count_cookie(const struct ofproto_rule *r, void *aux)
{
    struct cookie_count *cc = aux;
    cc->n += r->cookie == cc->cookie;
}

static size_t
n_with_cookie(struct ofproto *ofp, uint8_t table_id, uint64_t cookie)
{
    struct cookie_count cc = { cookie, 0 };
    ofproto_rule_for_each(ofp, table_id, count_cookie, &cc);
    return cc.n;
}

/* learn's limit=N: the table gets at most N flows with the learn's cookie;
 * a flow already there is learned again (refreshed) at the limit; the
 * result_dst bit says 1 for learned, 0 for refused, and the actions after
 * the learn see it (reg1=1 outputs to port 2, else port 3). */
static void
test_learn_limit(void **state)
{
    struct fixture *f = *state;

    add_port(f->br0, 1, 11, "p1", XLATE_VLAN_TRUNK, -1);
    add_port(f->br0, 2, 12, "p2", XLATE_VLAN_TRUNK, -1);
    add_port(f->br0, 3, 13, "p3", XLATE_VLAN_TRUNK, -1);
    add_flow(f->br0,
             "table=0,actions=learn(table=1,cookie=0x5,limit=2,"
             "result_dst=NXM_NX_REG1[0],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],"
             "output:NXM_OF_IN_PORT[]),resubmit(,2)");
    add_flow(f->br0, "table=2,reg1=1,actions=output:2");
    add_flow(f->br0, "table=2,priority=0,actions=output:3");

    ASSERT_XLATE(l2_flow(11, 1, 9, -1), "12");
    ASSERT_XLATE(l2_flow(11, 2, 9, -1), "12");
    assert_int_equal(n_with_cookie(f->br0, 1, 0x5), 2);
    /* The third MAC is over the limit: not learned, reg1[0] is 0. */
    ASSERT_XLATE(l2_flow(11, 3, 9, -1), "13");
    assert_int_equal(n_with_cookie(f->br0, 1, 0x5), 2);
    /* A MAC learned already is learned again at the limit. */
    ASSERT_XLATE(l2_flow(11, 1, 9, -1), "12");
    assert_int_equal(n_with_cookie(f->br0, 1, 0x5), 2);

    /* The trace says so in Open vSwitch's words. */
    struct flow fl = l2_flow(11, 4, 9, -1);
    struct xlate_out out;
    struct buf tr = BUF_INITIALIZER;
    xlate_out_init(&out);
    xlate_flow(&fl, NULL, true, &tr, &out);
    assert_non_null(strstr(buf_cstr(&tr), "-> Limit exceeded, learn failed"));
    buf_destroy(&tr);
    xlate_out_uninit(&out);

    /* A flow with the cookie gone makes room for one more. */
    struct of_flow del;
    char *err = of_flow_parse(&del, "table=1,dl_dst=50:54:00:00:00:02",
                              OF_FLOW_DELETE, NULL, NULL);
    assert_null(err);
    assert_int_equal(
        ofproto_flow_mod(f->br0, &del, OF_FLOW_DELETE_STRICT, &err), 0);
    of_flow_destroy(&del);
    ASSERT_XLATE(l2_flow(11, 3, 9, -1), "12");
    assert_int_equal(n_with_cookie(f->br0, 1, 0x5), 2);
}

/* delete_learned: the learned flows (the learn's table and cookie) go
 * when the last flow holding such a learn goes, deleted or modified to
 * other actions; not while another one is left. */
static void
test_learn_delete_learned(void **state)
{
    struct fixture *f = *state;
    char *err = NULL;

    add_port(f->br0, 1, 11, "p1", XLATE_VLAN_TRUNK, -1);
    add_port(f->br0, 2, 12, "p2", XLATE_VLAN_TRUNK, -1);
    static const char learn[] =
        "learn(table=1,cookie=0x9,delete_learned,"
        "NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[])";
    char *a = xasprintf("table=0,in_port=1,actions=%s,output:2", learn);
    char *b = xasprintf("table=0,in_port=2,actions=%s,output:1", learn);
    add_flow(f->br0, a);
    add_flow(f->br0, b);
    add_flow(f->br0, "table=1,priority=0,cookie=0x3,actions=drop");

    ASSERT_XLATE(l2_flow(11, 1, 9, -1), "12");
    ASSERT_XLATE(l2_flow(12, 2, 9, -1), "11");
    assert_int_equal(n_with_cookie(f->br0, 1, 0x9), 2);

    /* One of the two learning flows deleted: the other keeps them. */
    struct of_flow fm;
    assert_null(
        of_flow_parse(&fm, "table=0,in_port=1", OF_FLOW_DELETE, NULL, NULL));
    assert_int_equal(
        ofproto_flow_mod(f->br0, &fm, OF_FLOW_DELETE_STRICT, &err), 0);
    of_flow_destroy(&fm);
    assert_int_equal(n_with_cookie(f->br0, 1, 0x9), 2);

    /* The last one modified to actions without the learn: they go, and
     * only they (the cookie 0x3 flow stays). */
    assert_null(of_flow_parse(&fm, "table=0,in_port=2,actions=output:1",
                              OF_FLOW_MODIFY_STRICT, NULL, NULL));
    assert_int_equal(
        ofproto_flow_mod(f->br0, &fm, OF_FLOW_MODIFY_STRICT, &err), 0);
    of_flow_destroy(&fm);
    assert_int_equal(n_with_cookie(f->br0, 1, 0x9), 0);
    assert_int_equal(n_with_cookie(f->br0, 1, 0x3), 1);

    /* Without delete_learned the learned flows stay. */
    add_flow(f->br0, "table=0,in_port=1,actions=learn(table=1,cookie=0x9,"
                     "NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],"
                     "output:NXM_OF_IN_PORT[]),output:2");
    ASSERT_XLATE(l2_flow(11, 1, 9, -1), "12");
    assert_int_equal(n_with_cookie(f->br0, 1, 0x9), 1);
    assert_null(
        of_flow_parse(&fm, "table=0,in_port=1", OF_FLOW_DELETE, NULL, NULL));
    assert_int_equal(
        ofproto_flow_mod(f->br0, &fm, OF_FLOW_DELETE_STRICT, &err), 0);
    of_flow_destroy(&fm);
    assert_int_equal(n_with_cookie(f->br0, 1, 0x9), 1);
    free(a);
    free(b);
}

/* Conjunctive matches: the example of ovs-fields(7) — packets from
 * 10.0.0.1 or 10.0.0.4 to 10.0.0.2 or 10.0.0.3 take the conj_id=1 flow;
 * the rest fall through to the lower-priority flow. */
static char *
xlate_ip(uint8_t src, uint8_t dst)
{
    struct flow fl = l2_flow(11, 1, 2, -1);

    fl.nw_src = htonl(0x0a000000 | src);
    fl.nw_dst = htonl(0x0a000000 | dst);
    return xlate_text(&fl, NULL);
}

static void
test_conjunction(void **state)
{
    struct fixture *f = *state;

    add_port(f->br0, 1, 11, "p1", XLATE_VLAN_TRUNK, -1);
    add_port(f->br0, 2, 12, "p2", XLATE_VLAN_TRUNK, -1);
    add_port(f->br0, 3, 13, "p3", XLATE_VLAN_TRUNK, -1);
    add_port(f->br0, 4, 14, "p4", XLATE_VLAN_TRUNK, -1);
    add_flow(f->br0, "priority=100,ip,nw_src=10.0.0.1,"
                     "actions=conjunction(1,1/2)");
    add_flow(f->br0, "priority=100,ip,nw_src=10.0.0.4,"
                     "actions=conjunction(1,1/2)");
    add_flow(f->br0, "priority=100,ip,nw_dst=10.0.0.2,"
                     "actions=conjunction(1,2/2)");
    add_flow(f->br0, "priority=100,ip,nw_dst=10.0.0.3,"
                     "actions=conjunction(1,2/2)");
    add_flow(f->br0, "priority=50,conj_id=1,ip,actions=output:2");
    add_flow(f->br0, "priority=10,actions=output:3");

    char *s;
    struct {
        uint8_t src, dst;
        const char *out;
    } cases[] = {
        { 1, 2, "12" }, { 4, 3, "12" },
        { 1, 3, "12" }, { 1, 9, "13" }, /* Clause 2 not matched. */
        { 5, 2, "13" },                 /* Clause 1 not matched. */
        { 7, 7, "13" },                 /* Neither. */
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        s = xlate_ip(cases[i].src, cases[i].dst);
        if (strcmp(s, cases[i].out)) {
            fail_msg("10.0.0.%u -> 10.0.0.%u: %s, expected %s", cases[i].src,
                     cases[i].dst, s, cases[i].out);
        }
        free(s);
    }

    /* The megaflow has both dimensions' fields. */
    struct flow fl = l2_flow(11, 1, 2, -1);
    char *mf = NULL;
    s = xlate_text(&fl, &mf);
    assert_non_null(strstr(mf, "ipv4(src=10.0.0.1,dst=10.0.0.2"));
    free(mf);
    free(s);

    /* A second conjunction at a lower priority, tried once the first one
     * is not satisfied; and a plain flow at a conjunctions' priority wins
     * over them. */
    add_flow(f->br0, "priority=80,ip,nw_src=10.0.0.1,"
                     "actions=conjunction(2,1/2)");
    add_flow(f->br0, "priority=80,ip,nw_dst=10.0.0.9,"
                     "actions=conjunction(2,2/2)");
    add_flow(f->br0, "priority=60,conj_id=2,ip,actions=output:4");
    s = xlate_ip(1, 9);
    assert_string_equal(s, "14");
    free(s);
    s = xlate_ip(1, 2);
    assert_string_equal(s, "12");
    free(s);
    add_flow(f->br0, "priority=100,ip,nw_src=10.0.0.4,nw_dst=10.0.0.3,"
                     "actions=output:4");
    s = xlate_ip(4, 3);
    assert_string_equal(s, "14");
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_normal_vlans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_normal_megaflow_is_narrow, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rewrites, setup, teardown),
        cmocka_unit_test_setup_teardown(test_patch_ports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resubmit_goto_group, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_generation_moves, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_learn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_learn_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_learn_delete_learned, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conjunction, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
