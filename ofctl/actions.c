/* actions.c: action lists in memory (see actions.h). */
#include "ofctl/actions.h"

#include <string.h>

void
of_acts_init(struct of_acts *a)
{
    buf_init(&a->buf);
}

void
of_acts_destroy(struct of_acts *a)
{
    buf_destroy(&a->buf);
}

void
of_acts_clear(struct of_acts *a)
{
    buf_clear(&a->buf);
}

bool
of_acts_equal(const struct of_acts *a, const struct of_acts *b)
{
    return a->buf.len == b->buf.len
           && (!a->buf.len || !memcmp(a->buf.data, b->buf.data, a->buf.len));
}

static size_t
round_up(size_t n)
{
    return (n + OF_ACT_ALIGN - 1) / OF_ACT_ALIGN * OF_ACT_ALIGN;
}

void *
of_acts_put(struct of_acts *a, enum of_act_type type, size_t size,
            size_t extra)
{
    size_t len = round_up(size + extra);
    struct of_act *act = buf_put_zeros(&a->buf, len);
    act->type = (uint16_t) type;
    act->len = (uint32_t) len;
    return act;
}

size_t
of_acts_offset(const struct of_acts *a, const void *act)
{
    return (size_t) ((const uint8_t *) act - a->buf.data);
}

void
of_acts_nest_end(struct of_acts *a, size_t outer_ofs)
{
    struct of_act *outer = (struct of_act *) (a->buf.data + outer_ofs);
    outer->len = (uint32_t) (a->buf.len - outer_ofs);
}

const struct of_act *
of_act_nested(const struct of_act *a, size_t *len)
{
    size_t fixed;
    switch (a->type) {
    case OF_ACT_CT:
        fixed = sizeof(struct of_act_ct);
        break;
    case OF_ACT_WRITE_ACTIONS:
    case OF_ACT_CLONE:
        fixed = sizeof(struct of_act_nest);
        break;
    default:
        *len = 0;
        return NULL;
    }
    *len = a->len - fixed;
    return (const struct of_act *) ((const uint8_t *) a + fixed);
}

const union of_value *
of_act_set_field_value(const struct of_act_set_field *sf, union of_value *v)
{
    const struct of_field *f = of_field_from_id(sf->field);
    memcpy(v->be, of_act_tail(&sf->hdr, sizeof *sf), f->n_bytes);
    return v;
}

const union of_value *
of_act_set_field_mask(const struct of_act_set_field *sf, union of_value *m)
{
    const struct of_field *f = of_field_from_id(sf->field);
    memcpy(m->be,
           (const uint8_t *) of_act_tail(&sf->hdr, sizeof *sf) + f->n_bytes,
           f->n_bytes);
    return m;
}

void
of_acts_put_set_field(struct of_acts *a, const struct of_field *f,
                      const union of_value *value, const union of_value *mask,
                      uint8_t flags)
{
    union of_value m;
    struct of_act_set_field *sf;

    if (mask) {
        memcpy(m.be, mask->be, f->n_bytes);
    } else {
        of_value_exact_mask(f, &m);
    }
    sf = of_acts_put(a, OF_ACT_SET_FIELD, sizeof *sf, 2u * f->n_bytes);
    sf->field = (uint16_t) f->id;
    sf->flags = flags;
    uint8_t *p = (uint8_t *) (sf + 1);
    for (size_t i = 0; i < f->n_bytes; i++) {
        /* The value is kept as given: ovs-ofctl prints it unmasked in
         * mod_nw_src and the like. */
        p[i] = value->be[i];
        p[f->n_bytes + i] = m.be[i];
    }
}
