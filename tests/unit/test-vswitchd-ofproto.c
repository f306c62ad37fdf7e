/* Unit tests for vswitchd/ofproto-cls (the OpenFlow classifier) and
 * vswitchd/ofproto (flow-mod semantics, timeouts, groups, meters).
 *
 * The classifier is compared with a brute-force linear scan on random
 * rules and keys, and its wildcards are checked to be sufficient: a key
 * that agrees with the looked-up key on every wildcarded bit must get the
 * same rule.  The ofproto cases build flows from ovs-ofctl text; the
 * vacancy events are watched by OpenFlow clients on the switch's
 * management socket. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/evloop.h"
#include "lib/util.h"
#include "ofctl/flow-text.h"
#include "ofctl/ofp-group.h"
#include "ofctl/ofp-meter.h"
#include "ofctl/ofp-switch.h"
#include "ofctl/ofp-table.h"
#include "ofctl/ofp.h"
#include "ofctl/text.h"
#include "vswitchd/ofproto-cls.h"
#include "vswitchd/ofproto-private.h"
#include "vswitchd/ofproto.h"

/* ------------------------------------------------------------------ *
 * Classifier against brute force.
 * ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t
rnd(void)
{
    /* xorshift64*: deterministic, so failures reproduce. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

/* The fields random rules match on: offset and size in the key. */
struct tfield {
    size_t ofs, len;
};

#define KF(M)                                     \
    {                                             \
        offsetof(struct ofproto_key, M),          \
            sizeof(((struct ofproto_key *) 0)->M) \
    }
static const struct tfield tfields[] = {
    KF(flow.in_port),  KF(flow.dl_type),  KF(flow.nw_src),
    KF(flow.nw_dst),   KF(flow.nw_proto), KF(flow.tp_dst),
    KF(meta.metadata), KF(meta.regs[0]),  KF(meta.ct_state),
};
#define N_TFIELDS ARRAY_SIZE(tfields)

struct trule {
    struct ofproto_cls_rule cr;
    struct ofproto_key key, mask;
    bool in;
};

/* Fills field F of K with a value from a small domain (so that random
 * keys and rules meet often) and, when MASK, a random prefix mask. */
static void
random_field(struct ofproto_key *k, struct ofproto_key *m, size_t f)
{
    uint8_t *kp = (uint8_t *) k + tfields[f].ofs;
    uint8_t *mp = m ? (uint8_t *) m + tfields[f].ofs : NULL;
    size_t len = tfields[f].len;

    for (size_t i = 0; i < len; i++) {
        kp[i] = (uint8_t) (rnd() % 3);
        if (mp) {
            mp[i] = 0xff;
        }
    }
    if (mp && rnd() % 4 == 0) {
        /* Wildcard the last byte: a second mask per field. */
        mp[len - 1] = 0;
    }
}

static void
random_key(struct ofproto_key *k)
{
    memset(k, 0, sizeof *k);
    for (size_t f = 0; f < N_TFIELDS; f++) {
        random_field(k, NULL, f);
    }
}

static bool
key_matches(const struct ofproto_key *key, const struct ofproto_key *rk,
            const struct ofproto_key *rm)
{
    const uint8_t *k = (const uint8_t *) key, *a = (const uint8_t *) rk,
                  *m = (const uint8_t *) rm;

    for (size_t i = 0; i < sizeof *key; i++) {
        if ((k[i] ^ a[i]) & m[i]) {
            return false;
        }
    }
    return true;
}

static const struct trule *
brute_lookup(const struct trule *rules, size_t n,
             const struct ofproto_key *key)
{
    const struct trule *best = NULL;

    for (size_t i = 0; i < n; i++) {
        if (rules[i].in && key_matches(key, &rules[i].key, &rules[i].mask)
            && (!best || rules[i].cr.priority > best->cr.priority)) {
            best = &rules[i];
        }
    }
    return best;
}

static void
check_lookups(struct ofproto_cls *cls, const struct trule *rules, size_t n)
{
    for (int i = 0; i < 2000; i++) {
        struct ofproto_key key, wc, key2;
        const struct ofproto_cls_rule *got;
        const struct trule *want;

        random_key(&key);
        memset(&wc, 0, sizeof wc);
        got = ofproto_cls_lookup(cls, &key, &wc);
        want = brute_lookup(rules, n, &key);
        assert_ptr_equal(got, want ? &want->cr : NULL);

        /* Any key agreeing with KEY on WC's bits gets the same rule. */
        for (int j = 0; j < 4; j++) {
            uint8_t *k2 = (uint8_t *) &key2;
            const uint8_t *k = (const uint8_t *) &key;
            const uint8_t *w = (const uint8_t *) &wc;

            random_key(&key2);
            for (size_t b = 0; b < sizeof key2; b++) {
                k2[b] = (uint8_t) ((k[b] & w[b]) | (k2[b] & ~w[b]));
            }
            assert_ptr_equal(ofproto_cls_lookup(cls, &key2, NULL), got);
        }
    }
}

static void
test_cls_random(void **state)
{
    enum { N = 400 };
    struct trule *rules = calloc(N, sizeof *rules);
    uint16_t prios[N];
    struct ofproto_cls cls;
    size_t n = 0;

    rng_state = 0x5eed1234;
    ofproto_cls_init(&cls);
    /* Distinct priorities, so that the brute force has one answer. */
    for (size_t i = 0; i < N; i++) {
        prios[i] = (uint16_t) (i * 7 + 1);
    }
    for (size_t i = N - 1; i > 0; i--) {
        size_t j = rnd() % (i + 1);
        uint16_t t = prios[i];
        prios[i] = prios[j];
        prios[j] = t;
    }
    for (size_t i = 0; i < N; i++) {
        struct trule *r = &rules[n];

        memset(&r->key, 0, sizeof r->key);
        memset(&r->mask, 0, sizeof r->mask);
        for (size_t f = 0; f < N_TFIELDS; f++) {
            if (rnd() % 3 == 0) {
                random_field(&r->key, &r->mask, f);
            }
        }
        /* Keys are stored masked; the brute force compares masked too. */
        for (size_t b = 0; b < sizeof r->key; b++) {
            ((uint8_t *) &r->key)[b] &= ((uint8_t *) &r->mask)[b];
        }
        assert_null(
            ofproto_cls_insert(&cls, &r->cr, &r->key, &r->mask, prios[i]));
        r->in = true;
        n++;
    }
    assert_int_equal(ofproto_cls_count(&cls), N);
    check_lookups(&cls, rules, n);

    /* Identity: the same rule again is refused with the existing one. */
    {
        struct ofproto_cls_rule dup;
        assert_ptr_equal(ofproto_cls_insert(&cls, &dup, &rules[0].key,
                                            &rules[0].mask,
                                            rules[0].cr.priority),
                         &rules[0].cr);
        assert_ptr_equal(ofproto_cls_find_exact(&cls, &rules[0].key,
                                                &rules[0].mask,
                                                rules[0].cr.priority),
                         &rules[0].cr);
    }

    /* Remove half, check again, then everything. */
    for (size_t i = 0; i < n; i += 2) {
        ofproto_cls_remove(&cls, &rules[i].cr);
        rules[i].in = false;
    }
    check_lookups(&cls, rules, n);
    /* Put back a quarter (into the classifier's freed entries) and take
     * it out again: lookups must not see stale entries either way. */
    for (size_t i = 0; i < n; i += 4) {
        assert_null(ofproto_cls_insert(&cls, &rules[i].cr, &rules[i].key,
                                       &rules[i].mask, rules[i].cr.priority));
        rules[i].in = true;
    }
    check_lookups(&cls, rules, n);
    for (size_t i = 0; i < n; i += 4) {
        ofproto_cls_remove(&cls, &rules[i].cr);
        rules[i].in = false;
    }
    check_lookups(&cls, rules, n);
    for (size_t i = 1; i < n; i += 2) {
        ofproto_cls_remove(&cls, &rules[i].cr);
        rules[i].in = false;
    }
    assert_int_equal(ofproto_cls_count(&cls), 0);
    assert_int_equal(ofproto_cls_n_subtables(&cls), 0);
    ofproto_cls_destroy(&cls);
    free(rules);
}

static void
test_cls_shared_entry(void **state)
{
    struct ofproto_key key, mask, wc;
    struct trule r[3];
    struct ofproto_cls cls;

    ofproto_cls_init(&cls);
    memset(&key, 0, sizeof key);
    memset(&mask, 0, sizeof mask);
    key.flow.nw_src = 0x01020304;
    mask.flow.nw_src = UINT32_MAX;
    for (int i = 0; i < 3; i++) {
        assert_null(ofproto_cls_insert(&cls, &r[i].cr, &key, &mask,
                                       (uint16_t) (10 * (i + 1))));
    }
    /* One mask, one masked key: one subtable holding all three. */
    assert_int_equal(ofproto_cls_n_subtables(&cls), 1);
    memset(&wc, 0, sizeof wc);
    assert_ptr_equal(ofproto_cls_lookup(&cls, &key, &wc), &r[2].cr);
    assert_int_equal(wc.flow.nw_src, UINT32_MAX);
    assert_int_equal(wc.flow.nw_dst, 0);
    ofproto_cls_remove(&cls, &r[2].cr);
    assert_ptr_equal(ofproto_cls_lookup(&cls, &key, NULL), &r[1].cr);
    assert_true(ofproto_cls_overlaps(&cls, &key, &mask, 10));
    assert_false(ofproto_cls_overlaps(&cls, &key, &mask, 11));
    ofproto_cls_remove(&cls, &r[1].cr);
    ofproto_cls_remove(&cls, &r[0].cr);
    ofproto_cls_destroy(&cls);
}

/* ------------------------------------------------------------------ *
 * ofproto.
 * ------------------------------------------------------------------ */

static char rundir[] = "/tmp/test-vswitchd-ofproto.XXXXXX";

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
        ofproto_create("tbr", 1, fx->loop, NULL, NULL, &fx->p, &err), 0);
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

/* Applies flow text S with CMD; returns the OpenFlow error (0 = ok). */
static int
flowmod_ext(struct ofproto *p, enum of_flow_cmd cmd, const char *s,
            uint64_t new_cookie)
{
    struct of_flow f;
    char *err = of_flow_parse(&f, s, cmd, NULL, NULL);
    int error;

    if (err) {
        fail_msg("%s: %s", s, err);
    }
    error = ofproto_flow_mod_ext(p, &f, cmd, new_cookie, &err);
    free(err);
    of_flow_destroy(&f);
    return error;
}

static int
flowmod(struct ofproto *p, enum of_flow_cmd cmd, const char *s)
{
    return flowmod_ext(p, cmd, s, UINT64_MAX);
}

/* The rules of table T printed as "prio:cookie:actions" lines. */
struct dump {
    struct buf b;
};

static void
dump_cb(const struct ofproto_rule *r, void *d_)
{
    struct dump *d = d_;

    buf_printf(&d->b, "%u:%u:0x%llx:", r->table_id, r->priority,
               (unsigned long long) r->cookie);
    of_acts_format(&r->acts, &d->b);
    buf_printf(&d->b, ":%llu\n", (unsigned long long) r->n_packets);
}

static char *
dump(struct ofproto *p, uint8_t table)
{
    struct dump d = { BUF_INITIALIZER };

    ofproto_rule_for_each(p, table, dump_cb, &d);
    return buf_steal_cstr(&d.b);
}

#define assert_dump(P, T, WANT)          \
    do {                                 \
        char *got_ = dump(P, T);         \
        assert_string_equal(got_, WANT); \
        free(got_);                      \
    } while (0)

static const struct ofproto_rule *
lookup_in_port(struct ofproto *p, uint8_t table, uint16_t in_port)
{
    struct ofproto_key key, wc;

    memset(&key, 0, sizeof key);
    memset(&wc, 0, sizeof wc);
    key.flow.in_port = in_port;
    return ofproto_lookup(p, table, &key, &wc);
}

/* A datapath flow's ukey keeps the rules it went through referenced: a
 * flow-mod deleting such a rule before the flow's last statistics are
 * credited must leave the rule readable (the sanitizer build would report
 * a use after free otherwise) until the last reference goes. */
static void
test_rule_ref(void **state)
{
    struct fixture *fx = *state;
    struct ofproto *p = fx->p;
    const struct ofproto_rule *r;

    assert_int_equal(flowmod(p, OF_FLOW_ADD, "priority=5,in_port=1,actions=2"),
                     0);
    r = lookup_in_port(p, 0, 1);
    assert_non_null(r);
    ofproto_rule_ref(r);
    ofproto_rule_ref(r);
    assert_int_equal(flowmod(p, OF_FLOW_DELETE, ""), 0);
    assert_int_equal(ofproto_n_rules(p), 0);
    assert_null(lookup_in_port(p, 0, 1));
    ofproto_rule_credit(r, 2, 128, r->created_ms + 5);
    assert_int_equal(r->n_packets, 2);
    assert_int_equal(r->n_bytes, 128);
    assert_int_equal(r->priority, 5);
    ofproto_rule_unref(r);
    ofproto_rule_credit(r, 1, 64, r->created_ms + 6);
    assert_int_equal(r->n_packets, 3);
    ofproto_rule_unref(r);
}

static void
test_add_replace(void **state)
{
    struct fixture *fx = *state;
    struct ofproto *p = fx->p;
    uint64_t gen = ofproto_generation(p);
    const struct ofproto_rule *r;

    assert_int_equal(flowmod(p, OF_FLOW_ADD, "priority=5,in_port=1,actions=2"),
                     0);
    assert_true(ofproto_generation(p) > gen);
    r = lookup_in_port(p, 0, 1);
    assert_non_null(r);
    ofproto_rule_credit(r, 3, 300, r->created_ms + 10);
    /* Same match and priority: replaced, counters kept. */
    assert_int_equal(
        flowmod(p, OF_FLOW_ADD, "priority=5,in_port=1,cookie=0x7,actions=3"),
        0);
    assert_dump(p, 0, "0:5:0x7:output:3:3\n");
    /* reset_counts. */
    assert_int_equal(
        flowmod(p, OF_FLOW_ADD, "priority=5,in_port=1,reset_counts,actions=3"),
        0);
    assert_dump(p, 0, "0:5:0x0:output:3:0\n");
    /* Another priority is another rule. */
    assert_int_equal(flowmod(p, OF_FLOW_ADD, "priority=6,in_port=1,actions=4"),
                     0);
    assert_int_equal(ofproto_n_rules(p), 2);
    assert_int_equal(lookup_in_port(p, 0, 1)->priority, 6);
    assert_null(lookup_in_port(p, 0, 2));
    /* check_overlap: refused for an overlapping rule of equal priority. */
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=6,check_overlap,"
                             "actions=drop"),
                     OF_ERR_OFPFMFC_OVERLAP);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=6,in_port=2,check_overlap,"
                             "actions=drop"),
                     0);
}

static void
test_add_errors(void **state)
{
    struct fixture *fx = *state;
    struct ofproto *p = fx->p;
    uint64_t gen = ofproto_generation(p);

    struct of_flow f;
    char *err = of_flow_parse(&f, "table=1,actions=goto_table:2", OF_FLOW_ADD,
                              NULL, NULL);

    /* The text parser refuses a backward goto_table itself: move the flow
     * to a later table by hand. */
    assert_null(err);
    f.table_id = 3;
    assert_int_equal(ofproto_flow_mod(p, &f, OF_FLOW_ADD, &err),
                     OF_ERR_OFPBIC_BAD_TABLE_ID);
    free(err);
    of_flow_destroy(&f);
    assert_int_equal(flowmod(p, OF_FLOW_ADD, "actions=group:9"),
                     OF_ERR_OFPBAC_BAD_OUT_GROUP);
    assert_int_equal(flowmod(p, OF_FLOW_ADD, "actions=meter:9,output:1"),
                     OF_ERR_OFPMMFC_UNKNOWN_METER);
    assert_int_equal(flowmod(p, OF_FLOW_ADD, "tun_metadata0=1,actions=drop"),
                     OF_ERR_NXFMFC_INVALID_TLV_FIELD);
    assert_int_equal(ofproto_n_rules(p), 0);
    /* A failed flow-mod changes nothing. */
    assert_int_equal(ofproto_generation(p), gen);
    assert_int_equal(flowmod(p, OF_FLOW_ADD, "table=254,actions=drop"), 0);
}

static void
test_modify(void **state)
{
    struct fixture *fx = *state;
    struct ofproto *p = fx->p;

    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=5,in_port=1,cookie=0x1,"
                             "idle_timeout=50,actions=2"),
                     0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=6,in_port=1,tcp,"
                             "cookie=0x2,actions=2"),
                     0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "table=1,priority=5,in_port=1,"
                             "cookie=0x1,actions=2"),
                     0);
    /* Strict: only the exact match and priority, in table 0. */
    assert_int_equal(flowmod(p, OF_FLOW_MODIFY_STRICT,
                             "table=0,priority=5,in_port=1,actions=7"),
                     0);
    assert_dump(p, 0, "0:6:0x2:output:2:0\n0:5:0x1:output:7:0\n");
    /* Non-strict in every table, selected by cookie. */
    assert_int_equal(
        flowmod(p, OF_FLOW_MODIFY, "in_port=1,cookie=0x1/-1,actions=8"), 0);
    assert_dump(p, OF_TABLE_ALL,
                "0:6:0x2:output:2:0\n0:5:0x1:output:8:0\n"
                "1:5:0x1:output:8:0\n");
    /* Non-strict selects more specific matches only. */
    assert_int_equal(flowmod(p, OF_FLOW_MODIFY, "table=0,tcp,actions=9"), 0);
    assert_dump(p, 0, "0:6:0x2:output:9:0\n0:5:0x1:output:8:0\n");
    /* Modify kept the timeouts; nothing matched adds nothing... */
    assert_int_equal(flowmod(p, OF_FLOW_MODIFY, "table=0,in_port=9,actions=1"),
                     0);
    assert_int_equal(ofproto_n_rules(p), 3);
    /* ...unless it carries a new cookie (OpenFlow 1.0). */
    assert_int_equal(
        flowmod_ext(p, OF_FLOW_MODIFY, "table=0,in_port=9,actions=1", 0x99),
        0);
    assert_int_equal(ofproto_n_rules(p), 4);
    assert_int_equal(lookup_in_port(p, 0, 9)->cookie, 0x99);
    /* And a new cookie replaces the old ones. */
    assert_int_equal(
        flowmod_ext(p, OF_FLOW_MODIFY, "table=1,in_port=1,actions=1", 0x55),
        0);
    assert_dump(p, 1, "1:5:0x55:output:1:0\n");
}

static void
test_delete(void **state)
{
    struct fixture *fx = *state;
    struct ofproto *p = fx->p;

    assert_int_equal(flowmod(p, OF_FLOW_ADD, "priority=5,in_port=1,actions=2"),
                     0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=6,in_port=1,tcp,"
                             "cookie=0x2,actions=3"),
                     0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "table=2,priority=7,cookie=0x3,"
                             "actions=2,3"),
                     0);
    /* out_port filters. */
    assert_int_equal(flowmod(p, OF_FLOW_DELETE, "out_port=9"), 0);
    assert_int_equal(ofproto_n_rules(p), 3);
    assert_int_equal(flowmod(p, OF_FLOW_DELETE_STRICT,
                             "table=0,priority=5,in_port=1,out_port=3"),
                     0);
    assert_int_equal(ofproto_n_rules(p), 3);
    assert_int_equal(flowmod(p, OF_FLOW_DELETE_STRICT,
                             "table=0,priority=5,in_port=1,out_port=2"),
                     0);
    assert_int_equal(ofproto_n_rules(p), 2);
    /* Cookie masks. */
    assert_int_equal(flowmod(p, OF_FLOW_DELETE, "cookie=0x2/0xf"), 0);
    assert_dump(p, OF_TABLE_ALL, "2:7:0x3:output:2,output:3:0\n");
    /* Non-strict catch-all deletes everything. */
    assert_int_equal(flowmod(p, OF_FLOW_DELETE, ""), 0);
    assert_int_equal(ofproto_n_rules(p), 0);
}

static void
test_timeouts(void **state)
{
    struct fixture *fx = *state;
    struct ofproto *p = fx->p;
    const struct ofproto_rule *r;
    long long now, next;

    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=1,in_port=1,"
                             "hard_timeout=10,actions=2"),
                     0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=1,in_port=2,"
                             "idle_timeout=5,actions=2"),
                     0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD, "priority=1,in_port=3,actions=2"),
                     0);
    r = lookup_in_port(p, 0, 2);
    now = r->created_ms;
    next = ofproto_run(p, now + 1000);
    assert_true(next <= now + 5000);
    assert_int_equal(ofproto_n_rules(p), 3);
    /* Used at +4 s: idles out at +9 s, not +5 s. */
    ofproto_rule_credit(r, 1, 64, now + 4000);
    ofproto_run(p, now + 6000);
    assert_int_equal(ofproto_n_rules(p), 3);
    ofproto_run(p, now + 9500);
    assert_int_equal(ofproto_n_rules(p), 2);
    assert_null(lookup_in_port(p, 0, 2));
    ofproto_run(p, now + 10500);
    assert_int_equal(ofproto_n_rules(p), 1);
    assert_non_null(lookup_in_port(p, 0, 3));
}

/* Table limits: refuse, evict (soonest expiry first, permanent flows
 * never), an aborted transaction puts the evicted flow back, and a lower
 * limit evicts at once. */
static void
test_eviction(void **state)
{
    struct fixture *fx = *state;
    struct ofproto *p = fx->p;
    struct ofproto_table_settings ts = { .max_flows = 2 };
    uint64_t gen;

    assert_int_equal(ofproto_configure_table(p, 0, &ts), 0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=1,in_port=1,hard_timeout=10,"
                             "actions=drop"),
                     0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=1,in_port=2,hard_timeout=20,"
                             "actions=drop"),
                     0);
    /* Refused, and nothing changed. */
    gen = ofproto_generation(p);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=1,in_port=3,hard_timeout=30,"
                             "actions=drop"),
                     OF_ERR_OFPFMFC_TABLE_FULL);
    assert_int_equal(ofproto_n_rules(p), 2);
    assert_int_equal(ofproto_generation(p), gen);
    /* Other tables are not limited. */
    assert_int_equal(flowmod(p, OF_FLOW_ADD, "table=1,in_port=9,actions=drop"),
                     0);

    ts.evict = true;
    assert_int_equal(ofproto_configure_table(p, 0, &ts), 0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=1,in_port=3,hard_timeout=30,"
                             "actions=drop"),
                     0);
    assert_null(lookup_in_port(p, 0, 1));
    assert_non_null(lookup_in_port(p, 0, 2));
    assert_non_null(lookup_in_port(p, 0, 3));

    /* An eviction in a transaction that is aborted is undone. */
    struct of_flow f;
    char *err =
        of_flow_parse(&f, "priority=1,in_port=4,hard_timeout=40,actions=drop",
                      OF_FLOW_ADD, NULL, NULL);
    assert_null(err);
    ofproto_txn_begin(p);
    assert_int_equal(
        ofproto_flow_mod_in_txn(p, &f, OF_FLOW_ADD, UINT64_MAX, &err), 0);
    assert_null(lookup_in_port(p, 0, 2));
    ofproto_txn_abort(p);
    of_flow_destroy(&f);
    assert_non_null(lookup_in_port(p, 0, 2));
    assert_null(lookup_in_port(p, 0, 4));
    assert_int_equal(ofproto_n_rules(p), 3);

    /* A permanent flow is never evicted: with only permanent flows and a
     * full table, an add is refused. */
    assert_int_equal(flowmod(p, OF_FLOW_DELETE, "table=0"), 0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=1,in_port=5,"
                             "actions=drop"),
                     0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=1,in_port=6,"
                             "idle_timeout=60,actions=drop"),
                     0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=1,in_port=7,"
                             "actions=drop"),
                     0);
    assert_null(lookup_in_port(p, 0, 6));
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=1,in_port=8,"
                             "hard_timeout=5,actions=drop"),
                     OF_ERR_OFPFMFC_TABLE_FULL);

    /* A lower limit evicts what it can at once. */
    assert_int_equal(flowmod(p, OF_FLOW_DELETE, "table=0,in_port=7"), 0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "priority=1,in_port=8,"
                             "hard_timeout=5,actions=drop"),
                     0);
    ts.max_flows = 1;
    assert_int_equal(ofproto_configure_table(p, 0, &ts), 1);
    assert_null(lookup_in_port(p, 0, 8));
    assert_non_null(lookup_in_port(p, 0, 5));
    /* The same settings again change nothing. */
    assert_int_equal(ofproto_configure_table(p, 0, &ts), 0);
}

/* True if table 0 has a flow for IPv4 packets from IN_PORT with source
 * SRC (the eviction tests' flows match both). */
static bool
has_ip_flow(struct ofproto *p, uint16_t in_port, const char *src)
{
    struct ofproto_key key, wc;
    struct in_addr a;

    memset(&key, 0, sizeof key);
    memset(&wc, 0, sizeof wc);
    assert_int_equal(inet_pton(AF_INET, src, &a), 1);
    key.flow.in_port = in_port;
    key.flow.dl_type = htons(0x0800);
    key.flow.nw_src = a.s_addr;
    return ofproto_lookup(p, 0, &key, &wc) != NULL;
}

/* Eviction groups: the largest group gives up its flow that would expire
 * first; a change of the group fields regroups every flow (a flow keeps
 * its group between evictions, so this also checks that a new
 * configuration makes it work its group out again). */
static void
test_eviction_groups(void **state)
{
    struct fixture *fx = *state;
    struct ofproto *p = fx->p;
    struct of_subfield by_port, by_src;
    struct ofproto_table_settings ts = {
        .max_flows = 3, .evict = true, .groups = &by_port, .n_groups = 1
    };

    assert_null(of_subfield_parse_all("in_port", &by_port, true));
    assert_null(of_subfield_parse_all("nw_src", &by_src, true));
    assert_int_equal(ofproto_configure_table(p, 0, &ts), 0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "in_port=1,ip,nw_src=10.0.0.1,"
                             "hard_timeout=100,actions=drop"),
                     0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "in_port=2,ip,nw_src=10.0.0.2,"
                             "hard_timeout=20,actions=drop"),
                     0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "in_port=2,ip,nw_src=10.0.0.3,"
                             "hard_timeout=30,actions=drop"),
                     0);
    /* By in_port: {1}, {2, 2}: port 2's soonest (20 s) goes. */
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "in_port=3,ip,nw_src=10.0.0.1,"
                             "hard_timeout=40,actions=drop"),
                     0);
    assert_int_equal(ofproto_n_rules(p), 3);
    assert_false(has_ip_flow(p, 2, "10.0.0.2"));
    assert_true(has_ip_flow(p, 1, "10.0.0.1"));
    assert_true(has_ip_flow(p, 2, "10.0.0.3"));
    assert_true(has_ip_flow(p, 3, "10.0.0.1"));

    /* By nw_src: {10.0.0.1 (100 s), 10.0.0.1 (40 s)}, {10.0.0.3 (30 s)}:
     * the larger group's soonest, the in_port=3 flow, goes.  Grouped by
     * in_port still, every group would hold one flow and the 30 s one
     * would go. */
    ts.groups = &by_src;
    assert_int_equal(ofproto_configure_table(p, 0, &ts), 0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD,
                             "in_port=4,ip,nw_src=10.0.0.9,"
                             "hard_timeout=50,actions=drop"),
                     0);
    assert_int_equal(ofproto_n_rules(p), 3);
    assert_false(has_ip_flow(p, 3, "10.0.0.1"));
    assert_true(has_ip_flow(p, 1, "10.0.0.1"));
    assert_true(has_ip_flow(p, 2, "10.0.0.3"));
    assert_true(has_ip_flow(p, 4, "10.0.0.9"));
}

/* ------------------------------------------------------------------ *
 * Vacancy events, as OpenFlow 1.4 clients of the management socket
 * receive them.
 * ------------------------------------------------------------------ */

/* A client connection; RX holds what it read and has not taken yet. */
struct client {
    int fd;
    struct buf rx;
};

static void
client_send(struct client *cl, struct buf *b)
{
    assert_int_equal(write(cl->fd, b->data, b->len), (ssize_t) b->len);
    buf_destroy(b);
}

/* Reads what has arrived, without waiting. */
static void
client_read(struct client *cl)
{
    uint8_t tmp[4096];
    ssize_t n;

    while ((n = recv(cl->fd, tmp, sizeof tmp, MSG_DONTWAIT)) > 0) {
        buf_put(&cl->rx, tmp, (size_t) n);
    }
}

/* Takes the next whole message that arrived into *MSG (its bytes in
 * *STORE, which the caller destroys); false if there is none. */
static bool
client_next(struct client *cl, struct buf *store, struct of_msg *msg)
{
    size_t len;

    client_read(cl);
    if (cl->rx.len < 8) {
        return false;
    }
    len = of_get16(cl->rx.data + 2);
    if (cl->rx.len < len) {
        return false;
    }
    buf_clear(store);
    buf_put(store, cl->rx.data, len);
    buf_pull(&cl->rx, len);
    assert_int_equal(of_msg_decode(store->data, store->len, msg), 0);
    return true;
}

/* Runs the switch's event loop until CL receives a barrier reply (the
 * switch has then handled everything CL sent before its barrier).  What
 * CL receives on the way (hello, role reply) is dropped; an error or a
 * table status (which the caller should have taken) fails the test. */
static void
client_sync(struct fixture *fx, struct client *cl)
{
    struct buf b = BUF_INITIALIZER, store = BUF_INITIALIZER;
    struct of_msg msg;

    of_msg_start(&b, OF_T_BARRIER_REQUEST, OF_V14, 99);
    of_msg_finish(&b);
    client_send(cl, &b);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(evloop_run_once(fx->loop, 10), 0);
        while (client_next(cl, &store, &msg)) {
            if (msg.type == OF_T_BARRIER_REPLY) {
                buf_destroy(&store);
                return;
            }
            assert_int_not_equal(msg.type, OF_T_ERROR);
            assert_int_not_equal(msg.type, OF_T_TABLE_STATUS);
        }
    }
    fail_msg("no barrier reply");
}

/* Connects an OpenFlow 1.4 client that takes asynchronous messages (a
 * nonzero miss_send_len) with asynchronous configuration AC (NULL: the
 * switch's default) in ROLE. */
static void
client_open(struct fixture *fx, struct client *cl,
            const struct of_async_config *ac, enum of_role role)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct of_switch_config sc = { .miss_send_len = UINT16_MAX };
    struct buf b = BUF_INITIALIZER;

    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/tbr.mgmt", rundir);
    cl->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(cl->fd >= 0);
    assert_int_equal(connect(cl->fd, (struct sockaddr *) &sa, sizeof sa), 0);
    buf_init(&cl->rx);
    of_hello_encode(&b, OF_VBIT(OF_V14), 1);
    client_send(cl, &b);
    of_switch_config_encode(&b, OF_T_SET_CONFIG, OF_V14, 2, &sc);
    client_send(cl, &b);
    if (ac) {
        of_async_config_encode(&b, OF_T_SET_ASYNC, OF_V14, 3, ac);
        client_send(cl, &b);
    }
    if (role != OF_ROLE_EQUAL) {
        struct of_role_msg rm = { role, OF_GENERATION_NONE };
        of_role_encode(&b, OF_T_ROLE_REQUEST, OF_V14, 4, &rm);
        client_send(cl, &b);
    }
    client_sync(fx, cl);
}

static void
client_close(struct client *cl)
{
    close(cl->fd);
    buf_destroy(&cl->rx);
}

/* Sends a table-mod for table TABLE_ID: vacancy events on with DOWN and UP
 * when ON, else off, and waits until the switch has applied it. */
static void
vacancy_mod(struct fixture *fx, struct client *cl, uint8_t table_id, bool on,
            uint8_t down, uint8_t up)
{
    struct of_table_mod tm = {
        .table_id = table_id,
        .config = on ? OF_TC14_VACANCY_EVENTS : 0,
        .has_vacancy = on,
        .vacancy_down = down,
        .vacancy_up = up,
    };
    struct buf b = BUF_INITIALIZER;

    of_table_mod_encode(&b, OF_V14, 5, &tm);
    client_send(cl, &b);
    client_sync(fx, cl);
}

/* The table-status messages CL received since the last call, as
 * "DOWN:V" or "UP:V" (V the vacancy they carry) separated by spaces; each
 * is checked to describe table TABLE_ID with thresholds 20 and 80. */
static char *
events(struct client *cl, uint8_t table_id)
{
    struct buf out = BUF_INITIALIZER, store = BUF_INITIALIZER;
    struct of_msg msg;

    buf_put_cstr(&out, "");
    while (client_next(cl, &store, &msg)) {
        struct of_table_status ts;

        assert_int_equal(msg.type, OF_T_TABLE_STATUS);
        assert_int_equal(msg.xid, 0);
        assert_int_equal(of_table_status_decode(&msg, &ts), 0);
        assert_int_equal(ts.desc.table_id, table_id);
        assert_true(ts.desc.config & OF_TC14_VACANCY_EVENTS);
        assert_true(ts.desc.has_vacancy);
        assert_int_equal(ts.desc.vacancy_down, 20);
        assert_int_equal(ts.desc.vacancy_up, 80);
        buf_printf(&out, "%s%s:%u", out.len ? " " : "",
                   ts.reason == OF_TABLE_STATUS_VACANCY_DOWN ? "DOWN"
                   : ts.reason == OF_TABLE_STATUS_VACANCY_UP ? "UP"
                                                             : "?",
                   ts.desc.vacancy);
    }
    buf_destroy(&store);
    return buf_steal_cstr(&out);
}

/* Asserts that CL received exactly WANT (see events()). */
#define assert_events(CL, TABLE, WANT)   \
    do {                                 \
        char *got_ = events(CL, TABLE);  \
        assert_string_equal(got_, WANT); \
        free(got_);                      \
    } while (0)

/* Adds "table=T,priority=N,in_port=N" with EXTRA settings. */
static void
add_n(struct ofproto *p, uint8_t t, int n, const char *extra)
{
    char *s = xasprintf("table=%u,priority=%d,in_port=%d%s,actions=drop", t, n,
                        n, extra);
    assert_int_equal(flowmod(p, OF_FLOW_ADD, s), 0);
    free(s);
}

static void
del_n(struct ofproto *p, uint8_t t, int n)
{
    char *s = xasprintf("table=%u,priority=%d,in_port=%d", t, n, n);
    assert_int_equal(flowmod(p, OF_FLOW_DELETE_STRICT, s), 0);
    free(s);
}

/* Table 0 limited to 10 flows with "vacancy:20,80": one VACANCY_DOWN when
 * the vacancy falls below 20 %, one VACANCY_UP when it rises above 80 %,
 * nothing while it stays on one side or between; only to connections
 * that asked for them in their role; nothing from an aborted transaction,
 * with events off, or in a table without a limit; a change of the limit
 * or a modify sends nothing, the next add does. */
static void
test_vacancy(void **state)
{
    struct fixture *fx = *state;
    struct ofproto *p = fx->p;
    struct ofproto_table_settings ts = { .max_flows = 10 };
    struct of_async_config ac_primary = { .primary = { 0 } };
    struct of_async_config ac_secondary = { .primary = { 0 } };
    struct client a, dflt, sec, sec_off;
    struct of_table_desc td;

    ac_primary.primary[OF_ASYNC_TABLE_STATUS] = 0x18;
    ac_secondary.secondary[OF_ASYNC_TABLE_STATUS] = 0x18;
    assert_int_equal(ofproto_configure_table(p, 0, &ts), 0);
    /* A takes table status; DFLT keeps the default (none, as Open
     * vSwitch); SEC is a secondary taking it as one; SEC_OFF a secondary
     * that takes it only as a primary. */
    client_open(fx, &a, &ac_primary, OF_ROLE_EQUAL);
    client_open(fx, &dflt, NULL, OF_ROLE_EQUAL);
    client_open(fx, &sec, &ac_secondary, OF_ROLE_SECONDARY);
    client_open(fx, &sec_off, &ac_primary, OF_ROLE_SECONDARY);

    vacancy_mod(fx, &a, 0, true, 20, 80);
    ofproto_table_describe(p, 0, &td);
    assert_true(td.has_vacancy);
    assert_true(td.config & OF_TC14_VACANCY_EVENTS);
    assert_int_equal(td.vacancy_down, 20);
    assert_int_equal(td.vacancy_up, 80);
    assert_int_equal(td.vacancy, 100);

    /* Down to 20 % vacancy nothing; at 9 flows (10 %) VACANCY_DOWN, once. */
    for (int i = 1; i <= 8; i++) {
        add_n(p, 0, i, "");
        assert_events(&a, 0, "");
    }
    add_n(p, 0, 9, "");
    assert_events(&a, 0, "DOWN:10");
    assert_events(&sec, 0, "DOWN:10");
    assert_events(&dflt, 0, "");
    assert_events(&sec_off, 0, "");
    add_n(p, 0, 10, "");
    assert_events(&a, 0, "");
    ofproto_table_describe(p, 0, &td);
    assert_int_equal(td.vacancy, 0);

    /* Up to 80 % nothing; at 1 flow (90 %) VACANCY_UP, once. */
    for (int i = 10; i >= 3; i--) {
        del_n(p, 0, i);
        assert_events(&a, 0, "");
    }
    del_n(p, 0, 2);
    assert_events(&a, 0, "UP:90");
    assert_events(&sec, 0, "UP:90");
    del_n(p, 0, 1);
    assert_events(&a, 0, "");

    /* An aborted transaction that would have sent VACANCY_DOWN sends
     * nothing and leaves it armed. */
    for (int i = 1; i <= 8; i++) {
        add_n(p, 0, i, "");
    }
    struct of_flow f;
    char *err = of_flow_parse(&f, "priority=9,in_port=9,actions=drop",
                              OF_FLOW_ADD, NULL, NULL);
    assert_null(err);
    ofproto_txn_begin(p);
    assert_int_equal(
        ofproto_flow_mod_in_txn(p, &f, OF_FLOW_ADD, UINT64_MAX, &err), 0);
    ofproto_txn_abort(p);
    of_flow_destroy(&f);
    assert_events(&a, 0, "");
    add_n(p, 0, 9, "");
    assert_events(&a, 0, "DOWN:10");

    /* One delete of many flows: one event, with the vacancy it leaves. */
    assert_int_equal(flowmod(p, OF_FLOW_DELETE, "table=0"), 0);
    assert_events(&a, 0, "UP:100");

    /* Expiry: eight flows expiring together, one event. */
    add_n(p, 0, 1, "");
    for (int i = 2; i <= 9; i++) {
        add_n(p, 0, i, ",hard_timeout=1");
    }
    assert_events(&a, 0, "DOWN:10");
    ofproto_expire(p, nf_time_msec() + 5000);
    assert_int_equal(ofproto_n_rules(p), 1);
    assert_events(&a, 0, "UP:90");

    /* A higher limit moves the vacancy without an event (9 flows: DOWN
     * sent, UP armed; 9 of 100 is 91 %), so does a modify; the next add
     * sends the UP. */
    for (int i = 2; i <= 9; i++) {
        add_n(p, 0, i, "");
    }
    assert_events(&a, 0, "DOWN:10");
    ts.max_flows = 100;
    assert_int_equal(ofproto_configure_table(p, 0, &ts), 0);
    assert_int_equal(flowmod(p, OF_FLOW_MODIFY, "table=0,actions=drop"), 0);
    assert_events(&a, 0, "");
    add_n(p, 0, 10, "");
    assert_events(&a, 0, "UP:90");

    /* Events off: nothing, and the description says so. */
    ts.max_flows = 10;
    assert_int_equal(ofproto_configure_table(p, 0, &ts), 0);
    assert_int_equal(flowmod(p, OF_FLOW_DELETE, "table=0"), 0);
    assert_events(&a, 0, "");
    vacancy_mod(fx, &a, 0, false, 0, 0);
    for (int i = 1; i <= 10; i++) {
        add_n(p, 0, i, "");
    }
    assert_int_equal(flowmod(p, OF_FLOW_DELETE, "table=0"), 0);
    assert_events(&a, 0, "");
    ofproto_table_describe(p, 0, &td);
    assert_false(td.has_vacancy);
    assert_false(td.config & OF_TC14_VACANCY_EVENTS);

    /* No limit: 100 % empty, 99 % with any flow (Open vSwitch's
     * arithmetic), never below 20 %. */
    vacancy_mod(fx, &a, 1, true, 20, 80);
    assert_int_equal(ofproto_table_vacancy(&p->tables[1]), 100);
    for (int i = 1; i <= 20; i++) {
        add_n(p, 1, i, "");
    }
    assert_int_equal(ofproto_table_vacancy(&p->tables[1]), 99);
    assert_int_equal(flowmod(p, OF_FLOW_DELETE, "table=1"), 0);
    assert_events(&a, 1, "");
    assert_events(&dflt, 0, "");
    assert_events(&sec_off, 0, "");

    client_close(&a);
    client_close(&dflt);
    client_close(&sec);
    client_close(&sec_off);
}

static void
add_group(struct ofproto *p, const char *s, int want)
{
    struct of_group g;
    char *err = of_group_parse(&g, s, OF_GC_ADD);

    if (err) {
        fail_msg("%s: %s", s, err);
    }
    assert_int_equal(ofproto_group_mod(p, &g, &err), want);
    free(err);
    of_group_destroy(&g);
}

static int
group_cmd(struct ofproto *p, enum of_group_cmd cmd, const char *s)
{
    struct of_group g;
    char *err = of_group_parse(&g, s, cmd);
    int error;

    if (err) {
        fail_msg("%s: %s", s, err);
    }
    error = ofproto_group_mod(p, &g, &err);
    free(err);
    of_group_destroy(&g);
    return error;
}

static void
test_groups(void **state)
{
    struct fixture *fx = *state;
    struct ofproto *p = fx->p;
    const struct of_group *g;

    add_group(p, "group_id=1,type=all,bucket=output:1,bucket=output:2", 0);
    add_group(p, "group_id=1,type=all,bucket=output:1",
              OF_ERR_OFPGMFC_GROUP_EXISTS);
    add_group(p, "group_id=2,type=select,bucket=output:1,bucket=group:1", 0);
    add_group(p, "group_id=3,type=all,bucket=group:3", OF_ERR_OFPGMFC_LOOP);
    add_group(p, "group_id=4,type=all,bucket=group:77",
              OF_ERR_OFPBAC_BAD_OUT_GROUP);
    add_group(p, "group_id=5,type=ff,bucket=watch_port:1,output:1", 0);
    assert_int_equal(group_cmd(p, OF_GC_MODIFY,
                               "group_id=9,type=all,"
                               "bucket=output:1"),
                     OF_ERR_OFPGMFC_UNKNOWN_GROUP);
    assert_int_equal(group_cmd(p, OF_GC_MODIFY,
                               "group_id=1,type=indirect,"
                               "bucket=output:3"),
                     0);
    g = ofproto_group_find(p, 1);
    assert_non_null(g);
    assert_int_equal(g->type, OF_GT_INDIRECT);
    assert_int_equal(g->n_buckets, 1);
    assert_int_equal(group_cmd(p, OF_GC_MODIFY,
                               "group_id=1,type=indirect,"
                               "bucket=output:3,"
                               "bucket=output:2"),
                     OF_ERR_OFPGMFC_INVALID_GROUP);
    ofproto_group_credit(p, 1, 0, 2, 100);

    /* Deleting a group deletes the flows that use it. */
    assert_int_equal(flowmod(p, OF_FLOW_ADD, "priority=1,actions=group:5"), 0);
    assert_int_equal(flowmod(p, OF_FLOW_ADD, "priority=2,actions=group:1"), 0);
    assert_int_equal(group_cmd(p, OF_GC_DELETE, "group_id=5"), 0);
    assert_null(ofproto_group_find(p, 5));
    assert_dump(p, 0, "0:2:0x0:group:1:0\n");
    /* Deleting a group that does not exist is not an error. */
    assert_int_equal(group_cmd(p, OF_GC_DELETE, "group_id=55"), 0);
    /* Delete all. */
    assert_int_equal(group_cmd(p, OF_GC_DELETE, ""), 0);
    assert_null(ofproto_group_find(p, 1));
    assert_int_equal(ofproto_n_rules(p), 0);
}

static int
meter_cmd(struct ofproto *p, enum of_meter_cmd cmd, const char *s)
{
    struct of_meter m;
    char *err = of_meter_parse(&m, s, cmd);
    int error;

    if (err) {
        fail_msg("%s: %s", s, err);
    }
    error = ofproto_meter_mod(p, &m, &err);
    free(err);
    return error;
}

static void
test_meters(void **state)
{
    struct fixture *fx = *state;
    struct ofproto *p = fx->p;

    assert_int_equal(
        meter_cmd(p, OF_MC_ADD, "meter=1,kbps,bands=type=drop rate=100"), 0);
    assert_int_equal(
        meter_cmd(p, OF_MC_ADD, "meter=1,kbps,bands=type=drop rate=100"),
        OF_ERR_OFPMMFC_METER_EXISTS);
    assert_int_equal(
        meter_cmd(p, OF_MC_MODIFY, "meter=2,kbps,bands=type=drop rate=100"),
        OF_ERR_OFPMMFC_UNKNOWN_METER);
    assert_int_equal(meter_cmd(p, OF_MC_ADD,
                               "meter=3,kbps,bands=type=dscp_remark rate=100 "
                               "prec_level=1"),
                     OF_ERR_OFPMMFC_BAD_BAND);
    assert_int_equal(
        meter_cmd(p, OF_MC_MODIFY, "meter=1,pktps,bands=type=drop rate=5"), 0);
    assert_true(ofproto_meter_find(p, 1)->flags & OF_MF_PKTPS);
    assert_int_equal(flowmod(p, OF_FLOW_ADD, "actions=meter:1,output:1"), 0);
    assert_int_equal(meter_cmd(p, OF_MC_DELETE, "meter=1"), 0);
    assert_null(ofproto_meter_find(p, 1));
    assert_int_equal(ofproto_n_rules(p), 0);
}

/* The datapath side of meters (ofproto_ops.meter_set/meter_stats): a
 * test double records each call and counts as a datapath meter would. */
struct meter_dp {
    int n_set, n_del;
    uint32_t last_id, last_dp, next_dp;
    uint64_t counted; /* Packets the "datapath meter" counted since set. */
};

static uint32_t
fake_meter_set(void *aux, uint32_t meter_id, uint32_t dp_meter,
               const struct of_meter *mm)
{
    struct meter_dp *d = aux;

    d->last_id = meter_id;
    d->last_dp = dp_meter;
    if (!mm) {
        d->n_del++;
        return UINT32_MAX;
    }
    d->n_set++;
    d->counted = 0; /* Set again: counters start at zero. */
    return dp_meter != UINT32_MAX ? dp_meter : d->next_dp++;
}

static void
fake_meter_stats(void *aux, uint32_t dp_meter, struct of_meter_stats *st)
{
    struct meter_dp *d = aux;

    (void) dp_meter;
    st->packet_in_count += d->counted;
    st->bands[0].packets += d->counted / 2;
}

static void
test_meters_datapath(void **state)
{
    static const struct ofproto_ops ops = {
        .meter_set = fake_meter_set,
        .meter_stats = fake_meter_stats,
    };
    struct meter_dp d = { .next_dp = 7 };
    struct of_meter_stats st;
    struct ofproto *p;
    char *err = NULL;

    (void) state;
    assert_int_equal(ofproto_create("tmb", 2,
                                    ((struct fixture *) *state)->loop, &ops,
                                    &d, &p, &err),
                     0);
    /* Added: a new datapath meter carries it. */
    assert_int_equal(
        meter_cmd(p, OF_MC_ADD, "meter=1,pktps,bands=type=drop rate=5"), 0);
    assert_int_equal(d.n_set, 1);
    assert_int_equal(d.last_dp, UINT32_MAX);
    assert_int_equal(ofproto_meter_dp_id(p, 1), 7);
    assert_int_equal(ofproto_meter_dp_id(p, 2), UINT32_MAX);
    d.counted = 40;
    ofproto_meter_get_stats(p, 1, &st);
    assert_int_equal(st.packet_in_count, 40);
    assert_int_equal(st.bands[0].packets, 20);
    /* Modified: the same datapath meter, set again; what it counted
     * before is kept. */
    assert_int_equal(
        meter_cmd(p, OF_MC_MODIFY, "meter=1,pktps,bands=type=drop rate=50"),
        0);
    assert_int_equal(d.n_set, 2);
    assert_int_equal(d.last_dp, 7);
    assert_int_equal(ofproto_meter_dp_id(p, 1), 7);
    d.counted = 3;
    ofproto_meter_get_stats(p, 1, &st);
    assert_int_equal(st.packet_in_count, 43);
    /* A failed meter-mod touches nothing. */
    assert_int_equal(
        meter_cmd(p, OF_MC_ADD, "meter=1,pktps,bands=type=drop rate=5"),
        OF_ERR_OFPMMFC_METER_EXISTS);
    assert_int_equal(d.n_set, 2);
    /* Deleted: its datapath meter goes. */
    assert_int_equal(
        meter_cmd(p, OF_MC_ADD, "meter=2,kbps,bands=type=drop rate=100"), 0);
    assert_int_equal(ofproto_meter_dp_id(p, 2), 8);
    assert_int_equal(meter_cmd(p, OF_MC_DELETE, "meter=1"), 0);
    assert_int_equal(d.n_del, 1);
    assert_int_equal(d.last_id, 1);
    assert_int_equal(d.last_dp, 7);
    /* The switch's end releases the rest. */
    ofproto_destroy(p);
    assert_int_equal(d.n_del, 2);
    assert_int_equal(d.last_id, 2);
    assert_int_equal(d.last_dp, 8);
}

static void
test_ports(void **state)
{
    struct fixture *fx = *state;
    struct ofproto *p = fx->p;
    struct ofproto_port port = { .ofp_port = 3, .name = "p3" };
    struct ofproto_port_stats st;

    assert_int_equal(ofproto_port_add(p, &port), 0);
    assert_int_equal(ofproto_port_add(p, &port), EEXIST);
    port.ofp_port = 4;
    assert_int_equal(ofproto_port_add(p, &port), EEXIST); /* Name taken. */
    snprintf(port.name, sizeof port.name, "p4");
    assert_int_equal(ofproto_port_add(p, &port), 0);
    port.ofp_port = 0;
    assert_int_equal(ofproto_port_add(p, &port), EINVAL);
    assert_string_equal(ofproto_port_find_by_name(p, "p4")->name, "p4");
    port.ofp_port = 4;
    port.state = 1;
    assert_int_equal(ofproto_port_modify(p, &port), 0);
    assert_int_equal(ofproto_port_find(p, 4)->state, 1);
    assert_int_equal(ofproto_port_del(p, 3), 0);
    assert_int_equal(ofproto_port_del(p, 3), ENOENT);
    assert_false(ofproto_get_port_stats(p, 4, &st));
    assert_false(ofproto_has_controller(p));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cls_random),
        cmocka_unit_test(test_cls_shared_entry),
        cmocka_unit_test_setup_teardown(test_add_replace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rule_ref, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeouts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eviction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vacancy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eviction_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_meters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_meters_datapath, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ports, setup, teardown),
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
