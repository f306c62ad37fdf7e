/* Unit tests for softpath/classifier (megaflow classifier) and softpath/emc
 * (exact-match cache).
 *
 * Besides hand-written cases, the classifier is compared with a naive
 * reference (a linear scan over every megaflow) on thousands of random
 * megaflows and packets, both in the datapath's non-overlapping mode and
 * with overlapping megaflows ordered by priority. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "lib/flow.h"
#include "softpath/classifier.h"
#include "softpath/emc.h"

/* ------------------------------------------------------------------ *
 * Helpers.
 * ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t
rnd(void)
{
    /* xorshift64*: deterministic per seed, so failures reproduce. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

static void
random_flow(struct flow *f)
{
    uint64_t *w = (uint64_t *) (void *) f;

    for (size_t i = 0; i < FLOW_U64S; i++) {
        w[i] = rnd();
    }
}

/* Matchable fields, by name, for the data-driven cases and the random
 * mask generator. */
struct field {
    const char *name;
    size_t ofs;
    size_t len; /* 1, 2, 4 or 6 bytes. */
};

#define FIELD(NAME, MEMBER)                     \
    {                                           \
        NAME, offsetof(struct flow, MEMBER),    \
            sizeof(((struct flow *) 0)->MEMBER) \
    }

static const struct field fields[] = {
    FIELD("in_port", in_port),     FIELD("pkt_mark", pkt_mark),
    FIELD("recirc_id", recirc_id), FIELD("dl_dst", dl_dst),
    FIELD("dl_src", dl_src),       FIELD("dl_type", dl_type),
    FIELD("nw_src", nw_src),       FIELD("nw_dst", nw_dst),
    FIELD("nw_proto", nw_proto),   FIELD("nw_tos", nw_tos),
    FIELD("tp_src", tp_src),       FIELD("tp_dst", tp_dst),
};

static const struct field *
field_by_name(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        if (!strcmp(fields[i].name, name)) {
            return &fields[i];
        }
    }
    fail_msg("unknown field %s", name);
    return NULL;
}

/* Stores the low F->len bytes of V in FLOW's field F (host order: the
 * classifier only sees bits, so byte order does not matter here). */
static void
set_field(struct flow *flow, const struct field *f, uint64_t v)
{
    memcpy((char *) flow + f->ofs, &v, f->len);
}

/* The packed masked key of a megaflow, compared bit by bit. */
static bool
flow_matches(const struct flow *pkt, const struct flow *key,
             const struct flow *mask)
{
    const uint64_t *p = (const uint64_t *) (const void *) pkt;
    const uint64_t *k = (const uint64_t *) (const void *) key;
    const uint64_t *m = (const uint64_t *) (const void *) mask;

    for (size_t i = 0; i < FLOW_U64S; i++) {
        if ((p[i] ^ k[i]) & m[i]) {
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------------ *
 * Data-driven cases.
 * ------------------------------------------------------------------ */

struct fv {
    const char *field;
    uint64_t value;
    uint64_t mask; /* 0 means all ones. */
};

#define MAX_FV 5
#define F(NAME, VALUE) \
    {                  \
        NAME, VALUE, 0 \
    }
#define FM(NAME, VALUE, MASK) \
    {                         \
        NAME, VALUE, MASK     \
    }

struct rule_case {
    int id;
    struct fv match[MAX_FV];
};

struct pkt_case {
    struct fv fields[MAX_FV];
    int expect; /* Rule id, or -1 for a miss. */
};

static const struct rule_case rule_cases[] = {
    { 1,
      { F("in_port", 1), F("dl_type", 0x0800),
        FM("nw_dst", 0x0a000000, 0xffffff00) } },
    { 2,
      { F("in_port", 1), F("dl_type", 0x0800),
        FM("nw_dst", 0x0a000100, 0xffffff00) } },
    { 3, { F("in_port", 2) } },
    { 4, { F("in_port", 1), F("dl_type", 0x0806) } },
    { 5, { F("in_port", 3), F("nw_proto", 6), F("tp_dst", 80) } },
    { 6, { F("pkt_mark", 7) } },
    { 7, { F("in_port", 4), FM("dl_dst", 0x010000000000, 0x010000000000) } },
    { 8, { F("in_port", 4), FM("dl_dst", 0, 0x010000000000) } },
};

static const struct pkt_case pkt_cases[] = {
    { { F("in_port", 1), F("dl_type", 0x0800), F("nw_dst", 0x0a000005) }, 1 },
    { { F("in_port", 1), F("dl_type", 0x0800), F("nw_dst", 0x0a0001c8),
        F("tp_dst", 99) },
      2 },
    { { F("in_port", 1), F("dl_type", 0x0800), F("nw_dst", 0x0a000201) }, -1 },
    { { F("in_port", 2), F("dl_type", 0x86dd), F("tp_src", 5) }, 3 },
    { { F("in_port", 1), F("dl_type", 0x0806) }, 4 },
    { { F("in_port", 3), F("nw_proto", 6), F("tp_dst", 80),
        F("nw_src", 0xc0a80001) },
      5 },
    { { F("in_port", 3), F("nw_proto", 17), F("tp_dst", 80) }, -1 },
    { { F("in_port", 9), F("pkt_mark", 7) }, 6 },
    { { F("in_port", 9), F("pkt_mark", 8) }, -1 },
    { { F("in_port", 4), F("dl_dst", 0xffffffffffff) }, 7 },
    { { F("in_port", 4), F("dl_dst", 0x020000000001) }, 8 },
    { { F("in_port", 5) }, -1 },
};

static void
build_rule(const struct rule_case *rc, struct flow *key, struct flow *mask)
{
    memset(key, 0, sizeof *key);
    memset(mask, 0, sizeof *mask);
    for (size_t i = 0; i < MAX_FV && rc->match[i].field; i++) {
        const struct field *f = field_by_name(rc->match[i].field);
        uint64_t m = rc->match[i].mask ? rc->match[i].mask : UINT64_MAX;

        set_field(key, f, rc->match[i].value);
        set_field(mask, f, m);
    }
}

static void
build_pkt(const struct pkt_case *pc, struct flow *pkt)
{
    memset(pkt, 0, sizeof *pkt);
    for (size_t i = 0; i < MAX_FV && pc->fields[i].field; i++) {
        set_field(pkt, field_by_name(pc->fields[i].field),
                  pc->fields[i].value);
    }
}

static void
test_data_driven(void **state)
{
    struct dpcls cls;
    const struct flow *keys[ARRAY_SIZE(pkt_cases)];
    struct flow pkts[ARRAY_SIZE(pkt_cases)];
    struct dpcls_rule *results[ARRAY_SIZE(pkt_cases)];
    size_t n_expected_hits = 0;

    dpcls_init(&cls);
    for (size_t i = 0; i < ARRAY_SIZE(rule_cases); i++) {
        struct flow key, mask;

        build_rule(&rule_cases[i], &key, &mask);
        assert_int_equal(dpcls_insert(&cls, &key, &mask, 0,
                                      (void *) (intptr_t) rule_cases[i].id,
                                      NULL),
                         0);
    }
    assert_int_equal(dpcls_count(&cls), ARRAY_SIZE(rule_cases));

    for (size_t i = 0; i < ARRAY_SIZE(pkt_cases); i++) {
        struct dpcls_rule *rule;

        build_pkt(&pkt_cases[i], &pkts[i]);
        keys[i] = &pkts[i];
        rule = dpcls_lookup(&cls, &pkts[i]);
        if (pkt_cases[i].expect < 0) {
            assert_null(rule);
        } else {
            assert_non_null(rule);
            assert_int_equal((intptr_t) rule->payload, pkt_cases[i].expect);
            n_expected_hits++;
        }
    }

    /* The batch path gives the same answers. */
    assert_int_equal(
        dpcls_lookup_batch(&cls, keys, ARRAY_SIZE(pkt_cases), results),
        n_expected_hits);
    for (size_t i = 0; i < ARRAY_SIZE(pkt_cases); i++) {
        if (pkt_cases[i].expect < 0) {
            assert_null(results[i]);
        } else {
            assert_non_null(results[i]);
            assert_int_equal((intptr_t) results[i]->payload,
                             pkt_cases[i].expect);
        }
    }
    dpcls_destroy(&cls);
}

/* ------------------------------------------------------------------ *
 * Insert, replace, remove.
 * ------------------------------------------------------------------ */

static void
test_insert_replace_remove(void **state)
{
    struct dpcls cls;
    struct flow key, mask, pkt, k2, m2;
    struct dpcls_rule *rule, *dup;
    struct dpcls_stats stats;
    void *old;
    int a, b, c;

    dpcls_init(&cls);
    build_rule(&rule_cases[0], &key, &mask);
    assert_int_equal(dpcls_insert(&cls, &key, &mask, 0, &a, &rule), 0);
    assert_ptr_equal(rule->payload, &a);
    assert_true(rule->serial != 0);

    /* Bits of the key outside the mask do not make another megaflow. */
    key.tp_src = 1234;
    assert_int_equal(dpcls_insert(&cls, &key, &mask, 0, &b, &dup), EEXIST);
    assert_ptr_equal(dup, rule);
    assert_ptr_equal(rule->payload, &a);
    assert_ptr_equal(dpcls_find_exact(&cls, &key, &mask, 0), rule);
    assert_null(dpcls_find_exact(&cls, &key, &mask, 5));

    /* The stored key is the masked one. */
    dpcls_rule_get(rule, &k2, &m2);
    assert_memory_equal(&m2, &mask, sizeof mask);
    assert_int_equal(k2.tp_src, 0);
    assert_true(flow_matches(&key, &k2, &m2));

    /* Replacement keeps the rule and its serial, changes the payload. */
    uint64_t serial = rule->serial;
    assert_ptr_equal(dpcls_replace(&cls, &key, &mask, 0, &b, &old), rule);
    assert_ptr_equal(old, &a);
    assert_ptr_equal(rule->payload, &b);
    assert_int_equal(rule->serial, serial);
    assert_int_equal(dpcls_count(&cls), 1);

    /* Replacing a megaflow that does not exist inserts it. */
    build_rule(&rule_cases[2], &k2, &m2);
    dup = dpcls_replace(&cls, &k2, &m2, 0, &c, &old);
    assert_null(old);
    assert_ptr_equal(dup->payload, &c);
    assert_int_equal(dpcls_count(&cls), 2);

    build_pkt(&pkt_cases[0], &pkt);
    assert_ptr_equal(dpcls_lookup(&cls, &pkt), rule);
    dpcls_remove(&cls, rule);
    assert_int_equal(rule->serial, 0);
    assert_false(dpcls_rule_is_live(rule, serial));
    assert_null(dpcls_lookup(&cls, &pkt));
    assert_null(dpcls_find_exact(&cls, &key, &mask, 0));
    dpcls_get_stats(&cls, &stats);
    assert_int_equal(stats.n_rules, 1);
    assert_int_equal(stats.n_subtables, 1);

    /* A freed rule is reused for the next rule of its size, with a new
     * serial. */
    assert_int_equal(dpcls_insert(&cls, &key, &mask, 0, &a, &dup), 0);
    assert_ptr_equal(dup, rule);
    assert_true(dup->serial > serial);
    assert_false(dpcls_rule_is_live(rule, serial));

    dpcls_remove(&cls, dup);
    build_pkt(&pkt_cases[3], &pkt);
    dpcls_remove(&cls, dpcls_lookup(&cls, &pkt));
    dpcls_get_stats(&cls, &stats);
    assert_int_equal(stats.n_rules, 0);
    assert_int_equal(stats.n_subtables, 0);
    assert_true(dpcls_memory_per_flow(&cls) == 0.0);
    dpcls_destroy(&cls);
}

/* A subtable's highest priority follows removals: it stays while another
 * rule of that priority remains, and falls to the next one when the last
 * goes (the count of top-priority rules saves a rescan per removal). */
static void
test_max_priority_removal(void **state)
{
    enum { N = 6 };
    static const int32_t prios[N] = { 5, 9, 9, 3, 9, 5 };
    struct dpcls_rule *rules[N];
    struct dpcls_subtable_stats st;
    struct flow key, mask;
    struct dpcls cls;
    int payload;

    dpcls_init(&cls);
    memset(&mask, 0, sizeof mask);
    mask.tp_src = 0xffff;
    for (int i = 0; i < N; i++) {
        memset(&key, 0, sizeof key);
        key.tp_src = (uint16_t) (100 + i);
        assert_int_equal(
            dpcls_insert(&cls, &key, &mask, prios[i], &payload, &rules[i]), 0);
    }
    assert_int_equal(dpcls_get_subtable_stats(&cls, &st, 1), 1);
    assert_int_equal(st.max_priority, 9);

    /* Two of the three rules at 9 go: 9 stays. */
    dpcls_remove(&cls, rules[1]);
    dpcls_remove(&cls, rules[4]);
    dpcls_get_subtable_stats(&cls, &st, 1);
    assert_int_equal(st.max_priority, 9);
    /* The last one goes: 5, held by two rules. */
    dpcls_remove(&cls, rules[2]);
    dpcls_get_subtable_stats(&cls, &st, 1);
    assert_int_equal(st.max_priority, 5);
    dpcls_remove(&cls, rules[0]);
    dpcls_get_subtable_stats(&cls, &st, 1);
    assert_int_equal(st.max_priority, 5);
    dpcls_remove(&cls, rules[5]);
    dpcls_get_subtable_stats(&cls, &st, 1);
    assert_int_equal(st.max_priority, 3);
    /* A new rule above the rest raises it again. */
    memset(&key, 0, sizeof key);
    key.tp_src = 200;
    assert_int_equal(dpcls_insert(&cls, &key, &mask, 7, &payload, &rules[0]),
                     0);
    dpcls_get_subtable_stats(&cls, &st, 1);
    assert_int_equal(st.max_priority, 7);
    dpcls_remove(&cls, rules[0]);
    dpcls_remove(&cls, rules[3]);
    assert_int_equal(dpcls_count(&cls), 0);
    dpcls_destroy(&cls);
}

/* A catch-all megaflow (empty mask) matches everything. */
static void
test_catchall(void **state)
{
    struct dpcls cls;
    struct flow zero, pkt;
    int x;

    dpcls_init(&cls);
    memset(&zero, 0, sizeof zero);
    assert_int_equal(dpcls_insert(&cls, &zero, &zero, 0, &x, NULL), 0);
    rng_state = 99;
    for (int i = 0; i < 100; i++) {
        random_flow(&pkt);
        assert_non_null(dpcls_lookup(&cls, &pkt));
    }
    dpcls_destroy(&cls);
}

/* ------------------------------------------------------------------ *
 * Random megaflows against a linear-scan reference.
 * ------------------------------------------------------------------ */

struct ref_rule {
    struct flow key; /* Masked. */
    struct flow mask;
    int32_t priority;
    struct dpcls_rule *rule;
    bool live;
};

/* A random mask over a random subset of FIELDS: exact, prefix or random
 * bits per field.  With DISTINCT_MARK, pkt_mark is always matched
 * exactly, so that a per-subtable pkt_mark value keeps megaflows of
 * different subtables from overlapping. */
static void
random_mask(struct flow *mask, bool distinct_mark)
{
    memset(mask, 0, sizeof *mask);
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        const struct field *f = &fields[i];
        uint64_t m;

        if (rnd() % 3) {
            continue;
        }
        switch (rnd() % 3) {
        case 0:
            m = UINT64_MAX;
            break;
        case 1:
            m = UINT64_MAX << (rnd() % (f->len * 8));
            break;
        default:
            m = rnd();
            break;
        }
        set_field(mask, f, m);
    }
    if (distinct_mark) {
        set_field(mask, field_by_name("pkt_mark"), UINT64_MAX);
    }
}

/* Values drawn from a small domain, so that random packets and megaflows
 * collide often. */
static void
small_domain_flow(struct flow *f)
{
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        set_field(f, &fields[i], rnd() % 4 * UINT64_C(0x0101010101010101));
    }
}

static void
apply_mask(struct flow *key, const struct flow *mask)
{
    uint64_t *k = (uint64_t *) (void *) key;
    const uint64_t *m = (const uint64_t *) (const void *) mask;

    for (size_t i = 0; i < FLOW_U64S; i++) {
        k[i] &= m[i];
    }
}

/* The reference answer: the live megaflow with the highest priority that
 * PKT matches (with non-overlapping megaflows, the only one). */
static const struct ref_rule *
ref_lookup(const struct ref_rule *rules, size_t n, const struct flow *pkt)
{
    const struct ref_rule *best = NULL;

    for (size_t i = 0; i < n; i++) {
        if (rules[i].live && flow_matches(pkt, &rules[i].key, &rules[i].mask)
            && (!best || rules[i].priority > best->priority)) {
            best = &rules[i];
        }
    }
    return best;
}

/* A packet that, most of the time, matches a random live megaflow, with
 * random bits wherever that megaflow's mask has none. */
static void
random_packet(const struct ref_rule *rules, size_t n, struct flow *pkt,
              bool small)
{
    if (small) {
        small_domain_flow(pkt);
    } else {
        random_flow(pkt);
    }
    if (rnd() % 10 < 7) {
        const struct ref_rule *r = &rules[rnd() % n];
        uint64_t *p = (uint64_t *) (void *) pkt;
        const uint64_t *k = (const uint64_t *) (const void *) &r->key;
        const uint64_t *m = (const uint64_t *) (const void *) &r->mask;

        for (size_t i = 0; i < FLOW_U64S; i++) {
            p[i] = (p[i] & ~m[i]) | k[i];
        }
    }
}

/* Looks up N_PKTS random packets one at a time and in random batches and
 * checks both against the reference. */
static void
check_against_reference(struct dpcls *cls, const struct ref_rule *rules,
                        size_t n, size_t n_pkts, bool small)
{
    struct flow pkts[DPCLS_BATCH_MAX];
    const struct flow *keys[DPCLS_BATCH_MAX];
    struct dpcls_rule *results[DPCLS_BATCH_MAX];

    for (size_t done = 0; done < n_pkts;) {
        size_t batch = 1 + rnd() % DPCLS_BATCH_MAX;
        size_t n_ref_hits = 0;

        for (size_t i = 0; i < batch; i++) {
            random_packet(rules, n, &pkts[i], small);
            keys[i] = &pkts[i];
        }
        size_t n_hits = dpcls_lookup_batch(cls, keys, batch, results);
        for (size_t i = 0; i < batch; i++) {
            const struct ref_rule *ref = ref_lookup(rules, n, &pkts[i]);
            struct dpcls_rule *got = dpcls_lookup(cls, &pkts[i]);

            if (!ref) {
                assert_null(got);
                assert_null(results[i]);
                continue;
            }
            n_ref_hits++;
            assert_non_null(got);
            assert_non_null(results[i]);
            /* With priorities, equal-priority ties may differ; the
             * generators below make priorities unique. */
            assert_ptr_equal(got, ref->rule);
            assert_ptr_equal(results[i], ref->rule);
        }
        assert_int_equal(n_hits, n_ref_hits);
        done += batch;
    }
}

static void
random_vs_reference(bool priorities)
{
    enum { N_MASKS = 40, N_RULES = 2000, N_PKTS = 5000 };
    struct ref_rule *rules = calloc(N_RULES, sizeof *rules);
    struct flow masks[N_MASKS];
    struct dpcls cls;
    size_t n = 0;

    dpcls_init(&cls);
    for (size_t i = 0; i < N_MASKS; i++) {
        random_mask(&masks[i], !priorities);
    }
    while (n < N_RULES) {
        struct ref_rule *r = &rules[n];
        size_t m = rnd() % N_MASKS;
        int error;

        if (priorities) {
            small_domain_flow(&r->key);
            r->priority = (int32_t) n + 1;
        } else {
            random_flow(&r->key);
            set_field(&r->key, field_by_name("pkt_mark"), m);
        }
        r->mask = masks[m];
        apply_mask(&r->key, &r->mask);
        error =
            dpcls_insert(&cls, &r->key, &r->mask, r->priority, r, &r->rule);
        if (error == EEXIST) {
            continue; /* A duplicate of an earlier megaflow: draw again. */
        }
        assert_int_equal(error, 0);
        r->live = true;
        n++;
    }
    assert_int_equal(dpcls_count(&cls), N_RULES);
    check_against_reference(&cls, rules, n, N_PKTS, priorities);

    /* Re-rank, remove a random half, and check again. */
    dpcls_sort(&cls);
    for (size_t i = 0; i < n; i++) {
        if (rnd() & 1) {
            dpcls_remove(&cls, rules[i].rule);
            rules[i].live = false;
        }
    }
    check_against_reference(&cls, rules, n, N_PKTS, priorities);

    /* Put them back (reusing the freed rules' memory) and check again. */
    for (size_t i = 0; i < n; i++) {
        if (!rules[i].live) {
            assert_int_equal(dpcls_insert(&cls, &rules[i].key, &rules[i].mask,
                                          rules[i].priority, &rules[i],
                                          &rules[i].rule),
                             0);
            rules[i].live = true;
        }
    }
    check_against_reference(&cls, rules, n, N_PKTS, priorities);

    struct dpcls_stats stats;
    dpcls_get_stats(&cls, &stats);
    assert_true(stats.n_subtables <= N_MASKS);
    assert_true(stats.n_lookups >= 3 * 2 * N_PKTS);
    assert_true(stats.n_subtables_probed >= stats.n_hits);
    dpcls_destroy(&cls);
    free(rules);
}

static void
test_random_nonoverlapping(void **state)
{
    rng_state = 0x1234567;
    random_vs_reference(false);
}

static void
test_random_priorities(void **state)
{
    rng_state = 0x7654321;
    random_vs_reference(true);
}

/* Many subtables, each hit by its own traffic; ranking must move the
 * busiest subtable to the front. */
static void
test_many_subtables_ranking(void **state)
{
    enum { N = 100 };
    struct dpcls cls;
    struct flow key, mask, pkt;
    struct dpcls_rule *rules[N];
    struct dpcls_subtable_stats sub[N];
    const struct field *mark = field_by_name("pkt_mark");
    const struct field *port = field_by_name("in_port");

    dpcls_init(&cls);
    rng_state = 42;
    for (int i = 0; i < N; i++) {
        /* Subtable i matches pkt_mark exactly and the low i % 32 + 1 bits
         * of in_port: all masks differ. */
        memset(&key, 0, sizeof key);
        memset(&mask, 0, sizeof mask);
        set_field(&mask, mark, UINT32_MAX);
        set_field(&mask, port, (UINT64_C(1) << (i % 32 + 1)) - 1);
        if (i >= 32) {
            set_field(&mask, field_by_name("tp_dst"), (uint64_t) i);
        }
        set_field(&key, mark, (uint64_t) i);
        assert_int_equal(dpcls_insert(&cls, &key, &mask, 0,
                                      (void *) (intptr_t) i, &rules[i]),
                         0);
    }
    assert_int_equal(dpcls_get_subtable_stats(&cls, sub, N), N);

    /* Traffic only for the last subtable created. */
    memset(&pkt, 0, sizeof pkt);
    set_field(&pkt, mark, N - 1);
    for (int i = 0; i < 1000; i++) {
        assert_ptr_equal(dpcls_lookup(&cls, &pkt), rules[N - 1]);
    }
    dpcls_sort(&cls);
    assert_int_equal(dpcls_get_subtable_stats(&cls, sub, N), N);
    assert_int_equal(sub[0].hits, 1000);
    assert_int_equal(sub[0].n_rules, 1);

    struct dpcls_stats before, after;
    dpcls_get_stats(&cls, &before);
    assert_ptr_equal(dpcls_lookup(&cls, &pkt), rules[N - 1]);
    dpcls_get_stats(&cls, &after);
    assert_int_equal(after.n_subtables_probed - before.n_subtables_probed, 1);

    /* Every rule still answers for its own packets. */
    for (int i = 0; i < N; i++) {
        set_field(&pkt, mark, (uint64_t) i);
        assert_ptr_equal(dpcls_lookup(&cls, &pkt), rules[i]);
    }

    struct buf b;
    buf_init(&b);
    dpcls_format_stats(&cls, &b);
    assert_non_null(strstr(buf_cstr(&b), "megaflows: 100 in 100 subtables"));
    assert_non_null(strstr(buf_cstr(&b), "subtable 99:"));
    buf_destroy(&b);
    assert_true(dpcls_memory_per_flow(&cls) > sizeof(struct dpcls_rule));

    for (int i = 0; i < N; i++) {
        dpcls_remove(&cls, rules[i]);
    }
    assert_int_equal(dpcls_get_subtable_stats(&cls, sub, N), 0);
    dpcls_destroy(&cls);
}

/* ------------------------------------------------------------------ *
 * Exact-match cache.
 * ------------------------------------------------------------------ */

static void
test_emc_hit_miss(void **state)
{
    struct emc emc;
    struct dpcls cls;
    struct flow key, mask, pkts[3];
    struct dpcls_rule *rule;
    struct emc_stats stats;
    int x;

    assert_int_equal(emc_init(&emc, 3), EINVAL);
    assert_int_equal(emc_init(&emc, 1), EINVAL);
    assert_int_equal(emc_init(&emc, 0), 0);
    emc_get_stats(&emc, &stats);
    assert_int_equal(stats.n_entries, EMC_DEFAULT_ENTRIES);
    emc_destroy(&emc);

    assert_int_equal(emc_init(&emc, 64), 0);
    dpcls_init(&cls);
    build_rule(&rule_cases[2], &key, &mask); /* in_port=2 */
    assert_int_equal(dpcls_insert(&cls, &key, &mask, 0, &x, &rule), 0);
    for (int i = 0; i < 3; i++) {
        memset(&pkts[i], 0, sizeof pkts[i]);
        pkts[i].in_port = 2;
        pkts[i].tp_src = (uint16_t) i;
    }

    uint32_t h = emc_hash(&pkts[0]);
    assert_null(emc_lookup(&emc, &pkts[0], h));
    emc_set_insert_inv_prob(&emc, 0);
    assert_false(emc_probabilistic_insert(&emc, &pkts[0], h, rule));
    assert_null(emc_lookup(&emc, &pkts[0], h));
    emc_set_insert_inv_prob(&emc, 1);
    assert_true(emc_probabilistic_insert(&emc, &pkts[0], h, rule));
    assert_ptr_equal(emc_lookup(&emc, &pkts[0], h), rule);
    /* Another flow with the same hash is not a hit. */
    assert_null(emc_lookup(&emc, &pkts[1], h));

    /* Two ways per set: a third flow of the same set evicts one of the
     * first two, never both. */
    emc_insert(&emc, &pkts[1], h, rule);
    assert_ptr_equal(emc_lookup(&emc, &pkts[0], h), rule);
    assert_ptr_equal(emc_lookup(&emc, &pkts[1], h), rule);
    emc_insert(&emc, &pkts[2], h, rule);
    assert_ptr_equal(emc_lookup(&emc, &pkts[2], h), rule);
    int kept = (emc_lookup(&emc, &pkts[0], h) != NULL)
               + (emc_lookup(&emc, &pkts[1], h) != NULL);
    assert_int_equal(kept, 1);

    emc_flush(&emc);
    for (int i = 0; i < 3; i++) {
        assert_null(emc_lookup(&emc, &pkts[i], h));
    }

    /* A flow with Geneve options is never cached: the EMC keeps only the
     * words before the options' data. */
    struct flow opt = pkts[0];
    opt.tunnel.opts.len = 8;
    memcpy(opt.tunnel.opts.data, "\xff\xff\x00\x01\x01\x00\x00\x07", 8);
    uint32_t oh = emc_hash(&opt);
    emc_insert(&emc, &opt, oh, rule);
    assert_null(emc_lookup(&emc, &opt, oh));
    assert_false(emc_probabilistic_insert(&emc, &opt, oh, rule));
    assert_null(emc_lookup(&emc, &opt, oh));
    /* ... and does not hit the entry of the same flow without options. */
    emc_insert(&emc, &pkts[0], h, rule);
    assert_ptr_equal(emc_lookup(&emc, &pkts[0], h), rule);
    assert_null(emc_lookup(&emc, &opt, emc_hash(&opt)));
    emc_flush(&emc);

    /* 1 in 10: over 10,000 misses, about 1,000 inserts. */
    emc_set_insert_inv_prob(&emc, 10);
    int n_inserted = 0;
    for (int i = 0; i < 10000; i++) {
        n_inserted += emc_probabilistic_insert(&emc, &pkts[0], h, rule);
    }
    assert_in_range(n_inserted, 700, 1300);

    emc_get_stats(&emc, &stats);
    assert_true(stats.n_hits >= 5);
    assert_true(stats.n_misses >= 5);
    assert_int_equal(stats.bytes_in_use, 64 * sizeof(struct emc_entry));
    emc_destroy(&emc);
    dpcls_destroy(&cls);
}

/* Random inserts and removals of megaflows, with every lookup going
 * through the EMC first as the datapath does: the EMC must always agree
 * with the classifier, so in particular never return a removed megaflow,
 * even when its memory has been reused for a new one. */
static void
test_emc_never_stale(void **state)
{
    enum { N_MASKS = 8, N_RULES = 300, N_ROUNDS = 20000 };
    struct ref_rule *rules = calloc(N_RULES, sizeof *rules);
    struct flow masks[N_MASKS];
    struct flow pkts[64];
    struct dpcls cls;
    struct emc emc;
    size_t n = 0;
    struct emc_stats stats;

    rng_state = 0xabcdef;
    dpcls_init(&cls);
    assert_int_equal(emc_init(&emc, 256), 0);
    emc_set_insert_inv_prob(&emc, 1);
    for (size_t i = 0; i < N_MASKS; i++) {
        random_mask(&masks[i], true);
    }
    while (n < N_RULES) {
        struct ref_rule *r = &rules[n];
        size_t m = rnd() % N_MASKS;

        random_flow(&r->key);
        set_field(&r->key, field_by_name("pkt_mark"), m);
        r->mask = masks[m];
        apply_mask(&r->key, &r->mask);
        if (!dpcls_insert(&cls, &r->key, &r->mask, 0, r, &r->rule)) {
            r->live = true;
            n++;
        }
    }
    /* A fixed working set of packets, so that the EMC gets hits.  They
     * are datapath flows without Geneve options (options' length 0 and
     * data zero), the only ones the EMC caches. */
    for (size_t i = 0; i < ARRAY_SIZE(pkts); i++) {
        random_packet(rules, n, &pkts[i], false);
        memset(&pkts[i].tunnel.opts, 0, sizeof pkts[i].tunnel.opts);
    }

    for (int round = 0; round < N_ROUNDS; round++) {
        const struct flow *pkt = &pkts[rnd() % ARRAY_SIZE(pkts)];
        uint32_t h = emc_hash(pkt);
        struct dpcls_rule *got = emc_lookup(&emc, pkt, h);
        const struct ref_rule *ref = ref_lookup(rules, n, pkt);

        if (!got) {
            got = dpcls_lookup(&cls, pkt);
            if (got) {
                emc_probabilistic_insert(&emc, pkt, h, got);
            }
        }
        if (ref) {
            assert_ptr_equal(got, ref->rule);
            assert_ptr_equal(got->payload, ref);
        } else {
            assert_null(got);
        }

        /* Churn: toggle a random megaflow now and then. */
        if (rnd() % 8 == 0) {
            struct ref_rule *r = &rules[rnd() % n];

            if (r->live) {
                dpcls_remove(&cls, r->rule);
                r->live = false;
            } else {
                assert_int_equal(
                    dpcls_insert(&cls, &r->key, &r->mask, 0, r, &r->rule), 0);
                r->live = true;
            }
        }
    }
    emc_get_stats(&emc, &stats);
    /* Both paths were exercised: hits, and entries found stale. */
    assert_true(stats.n_hits > 1000);
    assert_true(stats.n_stale > 0);

    emc_destroy(&emc);
    dpcls_destroy(&cls);
    free(rules);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_driven),
        cmocka_unit_test(test_insert_replace_remove),
        cmocka_unit_test(test_max_priority_removal),
        cmocka_unit_test(test_catchall),
        cmocka_unit_test(test_random_nonoverlapping),
        cmocka_unit_test(test_random_priorities),
        cmocka_unit_test(test_many_subtables_ranking),
        cmocka_unit_test(test_emc_hit_miss),
        cmocka_unit_test(test_emc_never_stale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
