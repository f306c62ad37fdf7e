/* xlate-learn.c: the learn action.
 *
 * learn(...) makes a flow from the packet being translated: each spec
 * takes bits of a packet or pipeline field (or an immediate value) and
 * puts them in the new flow's match (field=value), in a load action
 * (load:...->field) or in an output action (output:field).  As in Open
 * vSwitch the new flow is applied as a modify-strict with the learn
 * action's cookie, which adds it when it is not there; when it is there
 * with the same actions and cookie only its hard timeout starts again
 * (the rule's "modified" time), so a flow that keeps being learned stays,
 * and the table's generation does not move (which would make every
 * datapath flow be translated again).
 *
 * When.  The flow is learned only when the translation may have side
 * effects (MAY_LEARN: an upcall, or the revalidator re-translating a
 * datapath flow that saw packets, which the translation asks for by
 * setting xlate_out.learns).  The fields a spec reads are always ORed
 * into the megaflow mask: every packet that would teach something else
 * must come up to userspace.
 *
 * Flow-mods are queued and applied when the whole translation is done
 * (xlate_learn_run()): a learned flow may replace the very rule whose
 * actions are being walked.
 *
 * limit=N (ovs-actions(7)): a flow is not learned when its table already
 * has N flows with the learn's cookie, unless the flow itself is one of
 * them (learning it again only refreshes it, as in Open vSwitch), or when
 * flows learned earlier in the same translation fill it.  result_dst is
 * set to 1 when the flow is learned (or would be: a translation without
 * side effects), 0 when the limit refused it; the trace then says "Limit
 * exceeded, learn failed" in Open vSwitch's words.
 *
 * delete_learned is ofproto's (ofproto_learned_flush(): the learned flows
 * go with the last rule holding such a learn for their table and
 * cookie). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofctl/actions.h"
#include "ofctl/flow-text.h"
#include "ofctl/match.h"
#include "ofctl/text.h"
#include "vswitchd/ofproto.h"
#include "vswitchd/xlate-private.h"

VLOG_DEFINE_THIS_MODULE(xlate_learn);

COVERAGE_DEFINE(xlate_learn);
COVERAGE_DEFINE(xlate_learn_applied);
COVERAGE_DEFINE(xlate_learn_error);
COVERAGE_DEFINE(xlate_learn_limit);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

/* Learned flows waiting for the translation to end (main thread only). */
struct pending {
    struct ofproto *ofproto;
    struct of_flow fm;
};
static struct pending *pending;
static size_t n_pending, allocated_pending;

/* What the limit check needs to know of a table: how many flows have
 * COOKIE, and whether one is FM (same match and priority). */
struct limit_count {
    const struct of_flow *fm;
    size_t n_cookie;
    bool exists;
};

static void
limit_count_cb(const struct ofproto_rule *r, void *lc_)
{
    struct limit_count *lc = lc_;

    if (r->cookie == lc->fm->cookie) {
        lc->n_cookie++;
    }
    if (r->priority == lc->fm->priority
        && ofproto_minimatch_equals(&r->mm, &lc->fm->match)) {
        lc->exists = true;
    }
}

/* True if FM, learned on OFPROTO by a learn with limit LIMIT (not 0), is
 * below it: its table has fewer than LIMIT flows with its cookie, counting
 * those queued by this translation, or FM is one of them already. */
static bool
below_limit(struct ofproto *ofproto, const struct of_flow *fm, uint32_t limit)
{
    struct limit_count lc = { .fm = fm };

    ofproto_rule_for_each(ofproto, fm->table_id, limit_count_cb, &lc);
    for (size_t i = 0; i < n_pending && !lc.exists; i++) {
        const struct of_flow *q = &pending[i].fm;
        if (pending[i].ofproto != ofproto || q->table_id != fm->table_id) {
            continue;
        }
        if (q->priority == fm->priority
            && of_match_equal(&q->match, &fm->match)) {
            lc.exists = true;
        } else if (q->cookie == fm->cookie) {
            lc.n_cookie++;
        }
    }
    return lc.exists || lc.n_cookie < limit;
}

/* Copies N_BITS bits from bit SRC_OFS of the SRC_N-byte big-endian SRC to
 * bit DST_OFS of DST (DST_N bytes), setting them in MASK (DST_N bytes) if
 * nonnull. */
static void
copy_bits(const uint8_t *src, size_t src_n, unsigned src_ofs, uint8_t *dst,
          uint8_t *mask, size_t dst_n, unsigned dst_ofs, unsigned n_bits)
{
    for (unsigned i = 0; i < n_bits; i++) {
        of_bit_set(dst, dst_n, dst_ofs + i,
                   of_bit_get(src, src_n, src_ofs + i));
        if (mask) {
            of_bit_set(mask, dst_n, dst_ofs + i, true);
        }
    }
}

/* The bits spec S takes, as a big-endian value of *N bytes in *V whose
 * bit 0 is the spec's first bit.  False if its source field is unknown. */
static bool
spec_source(struct xctx *ctx, const struct of_learn_spec *s, union of_value *v,
            size_t *n)
{
    memset(v, 0, sizeof *v);
    if (s->src_imm) {
        size_t bytes = NF_MIN((size_t) s->imm_bytes, sizeof v->be);
        memcpy(v->be, s + 1, bytes);
        *n = bytes;
        return true;
    }

    const struct of_field *f = of_field_from_id(s->src.field);
    union of_value val, msk;
    if (!f) {
        return false;
    }
    of_match_get(&ctx->st, f, &val, &msk);
    xlate_wc_id(ctx, f->id);
    *n = f->n_bytes;
    copy_bits(val.be, f->n_bytes, s->src.ofs, v->be, NULL, f->n_bytes, 0,
              s->n_bits);
    return true;
}

/* Builds the flow LEARN describes for the packet now in CTX into FM.  0,
 * or an error message (the caller frees). */
static char *
build_flow(struct xctx *ctx, const struct of_act_learn *learn,
           struct of_flow *fm)
{
    of_flow_init(fm, OF_FLOW_MODIFY_STRICT);
    fm->table_id = learn->table_id;
    fm->priority = learn->priority;
    fm->cookie = learn->cookie;
    fm->idle_timeout = learn->idle_timeout;
    fm->hard_timeout = learn->hard_timeout;
    if (learn->flags & OF_LEARN_SEND_FLOW_REM) {
        fm->flags |= OF_FLOW_SEND_FLOW_REM;
    }
    fm->has_actions = true;
    if (learn->fin_idle_timeout || learn->fin_hard_timeout) {
        struct of_act_fin_timeout *ft =
            of_acts_put(&fm->acts, OF_ACT_FIN_TIMEOUT, sizeof *ft, 0);
        ft->idle_timeout = learn->fin_idle_timeout;
        ft->hard_timeout = learn->fin_hard_timeout;
    }

    OF_LEARN_SPEC_FOR_EACH(s, learn)
    {
        union of_value src;
        size_t src_n;

        if (!spec_source(ctx, s, &src, &src_n)) {
            return xasprintf("learn: unknown source field %u", s->src.field);
        }
        if (s->kind == OF_LEARN_OUTPUT) {
            struct of_act_output *o =
                of_acts_put(&fm->acts, OF_ACT_OUTPUT, sizeof *o, 0);
            uint8_t port[2] = { 0, 0 };
            copy_bits(src.be, src_n, 0, port, NULL, 2, 0,
                      NF_MIN(s->n_bits, 16u));
            o->port = (uint16_t) (port[0] << 8 | port[1]);
            continue;
        }

        const struct of_field *df = of_field_from_id(s->dst.field);
        if (!df) {
            return xasprintf("learn: unknown destination field %u",
                             s->dst.field);
        }
        union of_value v, m;
        if (s->kind == OF_LEARN_MATCH) {
            /* Several specs may fill parts of one field. */
            of_match_get(&fm->match, df, &v, &m);
        } else {
            memset(&v, 0, sizeof v);
            memset(&m, 0, sizeof m);
        }
        copy_bits(src.be, src_n, 0, v.be, m.be, df->n_bytes, s->dst.ofs,
                  s->n_bits);
        if (s->kind == OF_LEARN_MATCH) {
            if (of_match_set(&fm->match, df, &v, &m)) {
                return xasprintf("learn: cannot match %s", df->name);
            }
        } else {
            of_acts_put_set_field(&fm->acts, df, &v, &m, OF_SET_FIELD_LOAD);
        }
    }
    return NULL;
}

void
xlate_learn(struct xctx *ctx, const struct of_act_learn *learn)
{
    struct of_flow fm;
    char *err;

    COVERAGE_INC(xlate_learn);
    /* Re-translating the datapath flow with learning refreshes what it
     * taught (the revalidator does so for flows that saw packets). */
    ctx->out->learns = true;
    err = build_flow(ctx, learn, &fm);
    if (err) {
        xlate_trace(ctx, "%s: nothing learned", err);
        VLOG_WARN_RL(&rl, "bridge %s: %s", ctx->xbridge->name, err);
        free(err);
        of_flow_destroy(&fm);
        return;
    }
    /* Only a translation with side effects learns, so only one checks
     * the limit (Open vSwitch's does so as it learns). */
    bool learned = !ctx->may_learn || !learn->limit
                   || below_limit(ctx->xbridge->ofproto, &fm, learn->limit);
    if (learn->result_dst.n_bits) {
        /* 1 "learned", 0 "refused for the limit": one bit. */
        const struct of_field *rf = of_field_from_id(learn->result_dst.field);
        if (rf) {
            union of_value cur, cm;
            of_match_get(&ctx->st, rf, &cur, &cm);
            of_bit_set(cur.be, rf->n_bytes, learn->result_dst.ofs, learned);
            of_match_set(&ctx->st, rf, &cur, NULL);
        }
    }
    if (ctx->trace && ctx->may_learn) {
        /* Open vSwitch's words for the flow learned. */
        char *m = of_match_to_string(&fm.match, OF_DEFAULT_PRIORITY);
        struct buf line = BUF_INITIALIZER;
        buf_printf(&line, "-> table=%u %s%spriority=%u", fm.table_id, m,
                   *m ? " " : "", fm.priority);
        if (fm.cookie) {
            buf_printf(&line, " cookie=%#" PRIx64, fm.cookie);
        }
        if (fm.idle_timeout) {
            buf_printf(&line, " idle=%u", fm.idle_timeout);
        }
        if (fm.hard_timeout) {
            buf_printf(&line, " hard=%u", fm.hard_timeout);
        }
        buf_put_cstr(&line, " actions=");
        of_acts_format(&fm.acts, &line);
        xlate_trace(ctx, " %s", buf_cstr(&line));
        buf_destroy(&line);
        free(m);
    } else if (!ctx->may_learn) {
        xlate_trace(ctx, " >> suppressing side effects, so learn action "
                         "ignored");
    }
    if (!learned) {
        COVERAGE_INC(xlate_learn_limit);
        xlate_trace(ctx, " -> Limit exceeded, learn failed");
    }
    if (!ctx->may_learn || !learned) {
        of_flow_destroy(&fm);
        return;
    }
    if (n_pending == allocated_pending) {
        allocated_pending = allocated_pending * 2 + 4;
        pending = xrealloc(pending, allocated_pending * sizeof *pending);
    }
    pending[n_pending].ofproto = ctx->xbridge->ofproto;
    pending[n_pending].fm = fm;
    n_pending++;
}

void
xlate_learn_run(void)
{
    for (size_t i = 0; i < n_pending; i++) {
        struct pending *p = &pending[i];
        char *err = NULL;
        int error = ofproto_flow_learn(p->ofproto, &p->fm, &err);

        if (error) {
            COVERAGE_INC(xlate_learn_error);
            VLOG_WARN_RL(&rl, "bridge %s: learned flow refused: %s",
                         ofproto_name(p->ofproto), err ? err : "?");
        } else {
            COVERAGE_INC(xlate_learn_applied);
        }
        free(err);
        of_flow_destroy(&p->fm);
    }
    n_pending = 0;
}
