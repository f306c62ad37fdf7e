/* ofproto-tlv.c: a bridge's Geneve option mapping table (see
 * ofproto-tlv.h): NXT_TLV_TABLE_MOD and NXT_TLV_TABLE_REQUEST, and flows'
 * tun_metadata fields checked and given their mapped lengths. */
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofctl/actions.h"
#include "ofctl/flow-text.h"
#include "ofctl/text.h"
#include "vswitchd/connmgr-private.h"
#include "vswitchd/ofproto-private.h"
#include "vswitchd/ofproto-tlv.h"

VLOG_DEFINE_THIS_MODULE(ofproto_tlv);

COVERAGE_DEFINE(ofproto_tlv_mod);
COVERAGE_DEFINE(ofproto_tlv_mod_error);

#define BLOCK 4 /* Option space is handed out in 4-byte blocks. */

static bool
is_md_field(uint16_t id)
{
    return id >= OF_F_TUN_METADATA0 && id < OF_F_TUN_METADATA0 + OF_N_TUN_MD;
}

/* ---------------------------------------------------------------------
 * Which fields flows name.
 * --------------------------------------------------------------------- */

/* Calls CB on every action of the LEN bytes at DATA, nested lists
 * included.  The actions are the caller's own buffer, so CB may change
 * them in place (never their lengths).  Stops at the first nonzero
 * return and returns it. */
static int
acts_walk(const void *data, size_t len, int (*cb)(struct of_act *, void *aux),
          void *aux)
{
    OF_ACT_FOR_EACH(a, data, len)
    {
        const struct of_act *inner;
        size_t inner_len;
        int r = cb((struct of_act *) a, aux);

        if (r) {
            return r;
        }
        inner = of_act_nested(a, &inner_len);
        if (inner && inner_len) {
            r = acts_walk(inner, inner_len, cb, aux);
            if (r) {
                return r;
            }
        }
    }
    return 0;
}

/* The subfields of A that name fields (at most two). */
static size_t
act_subfields(struct of_act *a, struct of_subfield *sfs[2])
{
    switch (a->type) {
    case OF_ACT_MOVE: {
        struct of_act_move *m = (struct of_act_move *) a;
        sfs[0] = &m->src;
        sfs[1] = &m->dst;
        return 2;
    }
    case OF_ACT_OUTPUT_REG:
        sfs[0] = &((struct of_act_output_reg *) a)->src;
        return 1;
    default:
        return 0;
    }
}

/* Adds to *(uint64_t *) AUX the tun_metadata fields action A names. */
static int
act_md_fields(struct of_act *a, void *fields_)
{
    uint64_t *fields = fields_;
    struct of_subfield *sfs[2];
    size_t n = act_subfields(a, sfs);

    if (a->type == OF_ACT_SET_FIELD) {
        uint16_t id = ((struct of_act_set_field *) a)->field;
        if (is_md_field(id)) {
            *fields |= UINT64_C(1) << (id - OF_F_TUN_METADATA0);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (is_md_field(sfs[i]->field)) {
            *fields |= UINT64_C(1) << (sfs[i]->field - OF_F_TUN_METADATA0);
        }
    }
    return 0;
}

/* The tun_metadata fields a rule with MATCH and ACTS names, as a bitmap. */
static uint64_t
md_fields_used(uint64_t match_fields, const struct of_acts *acts)
{
    uint64_t fields = match_fields;

    acts_walk(acts->buf.data, acts->buf.len, act_md_fields, &fields);
    return fields;
}

bool
ofproto_tlv_flow_uses_md(const struct of_flow *f)
{
    return md_fields_used(f->match.tun_md.present, &f->acts) != 0;
}

struct in_use {
    uint64_t fields;
    bool found;
};

static void
rule_in_use_cb(const struct ofproto_rule *r, void *u_)
{
    struct in_use *u = u_;

    if (!u->found
        && (md_fields_used(ofproto_minimatch_tun_md_fields(&r->mm), &r->acts)
            & u->fields)) {
        u->found = true;
    }
}

/* True if a rule of P names one of FIELDS. */
static bool
fields_in_use(const struct ofproto *p, uint64_t fields)
{
    struct in_use u = { .fields = fields };

    if (fields) {
        ofproto_rule_for_each(p, OF_TABLE_ALL, rule_in_use_cb, &u);
    }
    return u.found;
}

/* ---------------------------------------------------------------------
 * The table.
 * --------------------------------------------------------------------- */

/* Takes blocks for LEN bytes from T's free space into E, or returns
 * false if there are not enough (T unchanged). */
static bool
alloc_blocks(struct ofproto_tlv_table *t, struct ofproto_tlv_entry *e,
             unsigned len)
{
    unsigned need = len / BLOCK;
    uint64_t got = 0;

    for (unsigned b = 0; need && b < OF_TLV_MAX_SPACE / BLOCK; b++) {
        if (!(t->used_blocks & (UINT64_C(1) << b))) {
            got |= UINT64_C(1) << b;
            need--;
        }
    }
    if (need) {
        return false;
    }
    t->used_blocks |= got;
    e->blocks = got;
    return true;
}

static enum of_err
table_add(struct ofproto_tlv_table *t, const struct of_tlv_map *m)
{
    struct ofproto_tlv_entry *e = &t->entries[m->index];

    if (e->valid) {
        return OF_ERR_NXTTMFC_ALREADY_MAPPED;
    }
    for (size_t i = 0; i < OF_N_TUN_MD; i++) {
        const struct ofproto_tlv_entry *o = &t->entries[i];
        if (o->valid && o->option_class == m->option_class
            && o->option_type == m->option_type) {
            return OF_ERR_NXTTMFC_DUP_ENTRY;
        }
    }
    if (!alloc_blocks(t, e, m->option_len)) {
        return OF_ERR_NXTTMFC_TABLE_FULL;
    }
    e->valid = true;
    e->option_class = m->option_class;
    e->option_type = m->option_type;
    e->option_len = m->option_len;
    return 0;
}

static void
table_del(struct ofproto_tlv_table *t, unsigned idx)
{
    struct ofproto_tlv_entry *e = &t->entries[idx];

    t->used_blocks &= ~e->blocks;
    memset(e, 0, sizeof *e);
}

enum of_err
ofproto_tlv_mod(struct ofproto *p, const struct of_tlv_table_mod *tm)
{
    struct ofproto_tlv_table next = p->tlv;
    uint64_t removed = 0;
    enum of_err err = 0;

    switch (tm->command) {
    case OF_TLV_ADD:
        for (size_t i = 0; !err && i < tm->maps.n; i++) {
            err = table_add(&next, &tm->maps.maps[i]);
        }
        break;
    case OF_TLV_DELETE:
        for (size_t i = 0; i < tm->maps.n; i++) {
            unsigned idx = tm->maps.maps[i].index;
            if (next.entries[idx].valid) {
                removed |= UINT64_C(1) << idx;
                table_del(&next, idx);
            }
        }
        break;
    case OF_TLV_CLEAR:
        for (unsigned idx = 0; idx < OF_N_TUN_MD; idx++) {
            if (next.entries[idx].valid) {
                removed |= UINT64_C(1) << idx;
            }
        }
        memset(&next, 0, sizeof next);
        break;
    default:
        err = OF_ERR_NXTTMFC_BAD_COMMAND;
        break;
    }
    if (!err && fields_in_use(p, removed)) {
        err = OF_ERR_NXTTMFC_INVALID_TLV_DEL;
    }
    if (err) {
        COVERAGE_INC(ofproto_tlv_mod_error);
        return err;
    }
    p->tlv = next;
    COVERAGE_INC(ofproto_tlv_mod);
    return 0;
}

void
ofproto_tlv_get(const struct ofproto *p, struct of_tlv_table_reply *r)
{
    r->max_option_space = OF_TLV_MAX_SPACE;
    r->max_fields = OF_TLV_MAX_FIELDS;
    r->maps.maps = xcalloc(OF_N_TUN_MD, sizeof *r->maps.maps);
    r->maps.n = 0;
    for (unsigned idx = 0; idx < OF_N_TUN_MD; idx++) {
        const struct ofproto_tlv_entry *e = &p->tlv.entries[idx];
        if (e->valid) {
            r->maps.maps[r->maps.n++] = (struct of_tlv_map){
                .option_class = e->option_class,
                .option_type = e->option_type,
                .option_len = e->option_len,
                .index = (uint16_t) idx,
            };
        }
    }
}

int
ofproto_tlv_field_len(const struct ofproto *p, unsigned idx)
{
    if (idx >= OF_N_TUN_MD || !p->tlv.entries[idx].valid) {
        return -1;
    }
    return p->tlv.entries[idx].option_len;
}

/* ---------------------------------------------------------------------
 * Normalising flows.
 * --------------------------------------------------------------------- */

/* Bytes of V (N big-endian bytes) from its first nonzero byte on. */
static size_t
significant(const uint8_t *v, size_t n)
{
    size_t i = 0;

    while (i < n && !v[i]) {
        i++;
    }
    return n - i;
}

/* Gives a value written W bytes long (right-aligned in the N bytes at V)
 * the mapped length L as Open vSwitch 3.1 does: a shorter one is already
 * zero-extended; a longer one keeps its first (most significant) L bytes,
 * i.e. it is shifted right by W - L bytes. */
static void
fit_to(uint8_t *v, size_t n, size_t w, size_t l)
{
    if (w > l) {
        size_t shift = w - l;
        memmove(v + shift, v, n - shift);
        memset(v, 0, shift);
    }
}

static char *
unmapped_msg(unsigned idx)
{
    return xasprintf("tun_metadata%u has no TLV mapping (add one with "
                     "add-tlv-map)",
                     idx);
}

/* Gives every tun_metadata field of M its mapped length. */
static enum of_err
normalize_match(const struct ofproto *p, struct of_match *m, char **errp)
{
    uint64_t present = m->tun_md.present;

    for (unsigned idx = 0; idx < OF_N_TUN_MD; idx++) {
        const struct of_field *f;
        union of_value v, mask;
        size_t n, w;
        int l;

        if (!(present & (UINT64_C(1) << idx))) {
            continue;
        }
        l = ofproto_tlv_field_len(p, idx);
        if (l < 0) {
            *errp = unmapped_msg(idx);
            return OF_ERR_NXFMFC_INVALID_TLV_FIELD;
        }
        f = of_field_from_id(OF_F_TUN_METADATA0 + idx);
        n = f->n_bytes;
        of_match_get(m, f, &v, &mask);
        w = m->tun_md.len[idx];
        bool exact = true;
        for (size_t i = n - w; i < n; i++) {
            exact &= mask.be[i] == 0xff;
        }
        fit_to(v.be, n, w, (size_t) l);
        fit_to(mask.be, n, w, (size_t) l);
        if (exact) {
            /* A value written without a mask matches the whole option. */
            memset(mask.be + n - l, 0xff, (size_t) l);
        }
        /* A zero-length mapping matches nothing of the option: the field
         * goes, as a field with an all-zero mask does. */
        of_match_set(m, f, &v, &mask);
    }
    return 0;
}

struct acts_norm {
    const struct ofproto *p;
    enum of_err err;
    char *msg;
};

static int
act_normalize(struct of_act *a, void *c_)
{
    struct acts_norm *c = c_;
    struct of_subfield *sfs[2];
    size_t n_sf = act_subfields(a, sfs);

    if (a->type == OF_ACT_SET_FIELD) {
        struct of_act_set_field *sf = (struct of_act_set_field *) a;
        const struct of_field *f = of_field_from_id(sf->field);
        uint8_t *v = (uint8_t *) (sf + 1);
        uint8_t *m;
        size_t n, w;
        int l;

        if (!is_md_field(sf->field)) {
            return 0;
        }
        l = ofproto_tlv_field_len(c->p, sf->field - OF_F_TUN_METADATA0);
        if (l < 0) {
            c->err = OF_ERR_NXFMFC_INVALID_TLV_FIELD;
            c->msg = unmapped_msg(sf->field - OF_F_TUN_METADATA0);
            return 1;
        }
        n = f->n_bytes;
        m = v + n;
        w = significant(v, n);
        union of_value mv;
        memset(&mv, 0, sizeof mv);
        memcpy(mv.be, m, n);
        if (!of_value_is_all_ones(f, &mv)) {
            w = NF_MAX(w, significant(m, n));
            fit_to(m, n, w, (size_t) l);
        }
        fit_to(v, n, w, (size_t) l);
        return 0;
    }
    for (size_t i = 0; i < n_sf; i++) {
        unsigned idx;
        int l;

        if (!is_md_field(sfs[i]->field)) {
            continue;
        }
        idx = sfs[i]->field - OF_F_TUN_METADATA0;
        l = ofproto_tlv_field_len(c->p, idx);
        if (l < 0) {
            c->err = OF_ERR_NXFMFC_INVALID_TLV_FIELD;
            c->msg = unmapped_msg(idx);
            return 1;
        }
        if ((unsigned) sfs[i]->ofs + sfs[i]->n_bits > (unsigned) l * 8) {
            c->err = OF_ERR_OFPBAC_BAD_SET_LEN;
            c->msg = xasprintf("tun_metadata%u[%u..%u] reaches past the %d "
                               "bits of its TLV mapping",
                               idx, sfs[i]->ofs,
                               sfs[i]->ofs + sfs[i]->n_bits - 1, l * 8);
            return 1;
        }
    }
    return 0;
}

enum of_err
ofproto_tlv_normalize_flow(const struct ofproto *p, struct of_flow *f,
                           char **errp)
{
    struct acts_norm c = { .p = p };
    enum of_err err = normalize_match(p, &f->match, errp);

    if (err) {
        return err;
    }
    if (acts_walk(f->acts.buf.data, f->acts.buf.len, act_normalize, &c)) {
        *errp = c.msg;
        return c.err;
    }
    return 0;
}

bool
ofproto_tlv_match_covers(const struct of_match *rule,
                         const struct of_match *query)
{
    for (unsigned idx = 0; idx < OF_N_TUN_MD; idx++) {
        const struct of_field *f;
        union of_value rv, rm, qv, qm;

        if (!(query->tun_md.present & (UINT64_C(1) << idx))) {
            continue;
        }
        f = of_field_from_id(OF_F_TUN_METADATA0 + idx);
        of_match_get(rule, f, &rv, &rm);
        of_match_get(query, f, &qv, &qm);
        for (size_t i = 0; i < f->n_bytes; i++) {
            if ((qm.be[i] & ~rm.be[i]) || ((rv.be[i] ^ qv.be[i]) & qm.be[i])) {
                return false;
            }
        }
    }
    return true;
}

/* ---------------------------------------------------------------------
 * Messages.
 * --------------------------------------------------------------------- */

enum of_err
ofproto_tlv_handle_mod(struct ofconn *c, const struct of_msg *m)
{
    struct of_tlv_table_mod tm;
    enum of_err err = of_tlv_table_mod_decode(m, &tm);

    if (err) {
        return err;
    }
    err = ofproto_tlv_mod(c->mgr->ofproto, &tm);
    of_tlv_maps_destroy(&tm.maps);
    return err;
}

enum of_err
ofproto_tlv_handle_request(struct ofconn *c, const struct of_msg *m)
{
    struct of_tlv_table_reply r;
    struct buf b = BUF_INITIALIZER;
    enum of_err err = of_tlv_table_request_decode(m);

    if (err) {
        return err;
    }
    ofproto_tlv_get(c->mgr->ofproto, &r);
    of_tlv_table_reply_encode(&b, c->version, m->xid, &r);
    ofconn_send(c, &b);
    buf_destroy(&b);
    of_tlv_maps_destroy(&r.maps);
    return 0;
}
