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
 * Not done: the learn action's 'limit' and 'result_dst' (the limit is not
 * enforced; result_dst is set to 1, "learned"), and delete_learned (flows
 * learned by a rule stay when the rule goes).  Both are said in the
 * translation's trace and logged once. */
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

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

/* Learned flows waiting for the translation to end (main thread only). */
struct pending {
    struct ofproto *ofproto;
    struct of_flow fm;
};
static struct pending *pending;
static size_t n_pending, allocated_pending;

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
    if (learn->limit) {
        static bool said;
        xlate_trace(ctx, "learn: limit=%u is not enforced", learn->limit);
        if (!said) {
            said = true;
            VLOG_WARN("bridge %s: learn(limit=%u) is not enforced: flows "
                      "are learned without a limit",
                      ctx->xbridge->name, learn->limit);
        }
    }
    if (learn->flags & OF_LEARN_DELETE_LEARNED) {
        static bool said;
        if (!said) {
            said = true;
            VLOG_WARN("bridge %s: learn(delete_learned) is not supported: "
                      "learned flows stay when the learning flow goes",
                      ctx->xbridge->name);
        }
    }
    if (learn->result_dst.n_bits) {
        /* "Learned" (the flow-mod is queued; it is not refused for a
         * limit, which is not enforced). */
        const struct of_field *rf = of_field_from_id(learn->result_dst.field);
        if (rf) {
            union of_value v, m;
            memset(&v, 0, sizeof v);
            memset(&m, 0, sizeof m);
            uint8_t one = 1;
            copy_bits(&one, 1, 0, v.be, m.be, rf->n_bytes,
                      learn->result_dst.ofs, 1);
            for (unsigned i = 1; i < learn->result_dst.n_bits; i++) {
                of_bit_set(m.be, rf->n_bytes, learn->result_dst.ofs + i, true);
            }
            union of_value cur, cm;
            of_match_get(&ctx->st, rf, &cur, &cm);
            for (size_t i = 0; i < rf->n_bytes; i++) {
                cur.be[i] = (uint8_t) ((cur.be[i] & ~m.be[i]) | v.be[i]);
            }
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
    if (!ctx->may_learn) {
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
