/* ofproto-conj.c: conjunctive matches (the conjunction action).
 *
 * A flow whose actions are conjunction(ID, K/N) is one clause of a
 * conjunctive match: it never runs, it says that dimension K of N of
 * conjunction ID matched.  Open vSwitch's rule, which this follows: when
 * the best match of a lookup is such a flow at priority P, every flow of
 * priority P that the packet matches is gathered; each conjunction ID
 * whose N clauses all matched is "satisfied", and the packet is looked up
 * again with conj_id = ID (flows that match on conj_id then win); the
 * best of those lookups is the answer.  When none is satisfied, the
 * lookup goes on as if the conjunctive flows of priority P and above were
 * not there, and lower-priority conjunctive flows are treated the same
 * way in turn.  A plain flow of priority P that the packet matches beats
 * the conjunctive ones (Open vSwitch leaves that case undefined; one
 * answer is better than two).
 *
 * Megaflows: every subtable a step visits (the lookups, and the subtables
 * that could hold flows of priority P) has its mask ORed into the
 * wildcards, so packets that agree on them get the same answer; conj_id
 * is a pipeline field and never reaches the datapath's key. */
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "ofctl/actions.h"
#include "vswitchd/ofproto-private.h"

COVERAGE_DEFINE(ofproto_conj_lookup);
COVERAGE_DEFINE(ofproto_conj_satisfied);

/* The most conjunctions of one priority level tracked for one packet; a
 * packet matching clauses of more is looked up as if only the first
 * ones (by id) existed.  Open vSwitch has no such limit, but a level with
 * this many conjunctions that all match one packet is not a real table. */
#define CONJ_MAX 64

static const struct rule *
rule_of(const struct ofproto_cls_rule *cr)
{
    return CONTAINER_OF(cr, struct rule, cr);
}

/* True if CR is a clause of a conjunctive match (its first action is
 * conjunction: flow-mods may not mix it with other actions). */
static bool
is_conj(const struct ofproto_cls_rule *cr)
{
    const struct of_acts *acts = &rule_of(cr)->up.acts;
    const struct of_act *a = (const struct of_act *) acts->buf.data;

    return acts->buf.len >= sizeof *a && a->type == OF_ACT_CONJUNCTION;
}

struct conj_state {
    uint32_t id;
    uint8_t n_clauses;
    uint64_t seen; /* Bit K: clause K matched. */
};

struct gather {
    struct conj_state conj[CONJ_MAX];
    size_t n;
    const struct ofproto_cls_rule *plain; /* A non-conjunctive match. */
};

static void
gather_cb(const struct ofproto_cls_rule *cr, void *g_)
{
    struct gather *g = g_;

    if (!is_conj(cr)) {
        if (!g->plain) {
            g->plain = cr;
        }
        return;
    }
    const struct of_acts *acts = &rule_of(cr)->up.acts;
    OF_ACT_FOR_EACH(a, acts->buf.data, acts->buf.len)
    {
        if (a->type != OF_ACT_CONJUNCTION) {
            continue;
        }
        const struct of_act_conjunction *c = (const void *) a;
        size_t i;

        for (i = 0; i < g->n; i++) {
            if (g->conj[i].id == c->id) {
                break;
            }
        }
        if (i == g->n) {
            if (g->n == CONJ_MAX) {
                continue;
            }
            g->conj[g->n++] =
                (struct conj_state){ .id = c->id, .n_clauses = c->n_clauses };
        }
        if (c->clause < 64 && g->conj[i].n_clauses == c->n_clauses) {
            g->conj[i].seen |= UINT64_C(1) << c->clause;
        }
    }
}

static bool
satisfied(const struct conj_state *c)
{
    uint64_t all =
        c->n_clauses >= 64 ? UINT64_MAX : (UINT64_C(1) << c->n_clauses) - 1;
    return c->n_clauses && c->seen == all;
}

/* Skips conjunctive rules whose priority is at least *CEILING. */
static bool
skip_conj_from(const struct ofproto_cls_rule *cr, void *ceiling_)
{
    const uint32_t *ceiling = ceiling_;
    return cr->priority >= *ceiling && is_conj(cr);
}

static bool
skip_any_conj(const struct ofproto_cls_rule *cr, void *aux NF_UNUSED)
{
    return is_conj(cr);
}

const struct ofproto_cls_rule *
ofproto_conj_lookup(const struct ofproto_cls *cls,
                    const struct ofproto_key *key, struct ofproto_key *wc)
{
    const struct ofproto_cls_rule *cr = ofproto_cls_lookup(cls, key, wc);
    uint32_t ceiling;

    while (cr && is_conj(cr)) {
        struct gather g = { .n = 0, .plain = NULL };
        const struct ofproto_cls_rule *best = NULL;
        uint16_t p = cr->priority;

        COVERAGE_INC(ofproto_conj_lookup);
        ofproto_cls_for_each_match_at(cls, key, wc, p, gather_cb, &g);
        if (g.plain) {
            return g.plain;
        }
        for (size_t i = 0; i < g.n; i++) {
            if (!satisfied(&g.conj[i])) {
                continue;
            }
            struct ofproto_key k2 = *key;
            k2.meta.conj_id = g.conj[i].id;
            const struct ofproto_cls_rule *r =
                ofproto_cls_lookup_skip(cls, &k2, wc, skip_any_conj, NULL);
            COVERAGE_INC(ofproto_conj_satisfied);
            if (r && (!best || r->priority > best->priority)) {
                best = r;
            }
        }
        if (best) {
            return best;
        }
        /* Nothing satisfied at P: as if its conjunctive flows (and any
         * above it) were not there. */
        ceiling = p;
        cr = ofproto_cls_lookup_skip(cls, key, wc, skip_conj_from, &ceiling);
    }
    return cr;
}
