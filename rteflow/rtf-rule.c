/* rtf-rule.c: the rule object (rtf-rule.h): its arena, items and actions,
 * and the provider's reason helper. */
#include "rteflow/rtf-rule.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"

void
rtf_rule_init(struct rtf_rule *r)
{
    r->port_id = 0;
    memset(&r->attr, 0, sizeof r->attr);
    r->n_items = 0;
    memset(&r->items[0], 0, sizeof r->items[0]);
    r->items[0].type = RTE_FLOW_ITEM_TYPE_END;
    r->n_actions = 0;
    memset(&r->actions[0], 0, sizeof r->actions[0]);
    r->actions[0].type = RTE_FLOW_ACTION_TYPE_END;
    r->arena_used = 0;
}

void *
rtf_rule_alloc(struct rtf_rule *r, size_t size)
{
    size_t rounded = (size + 7) & ~(size_t) 7;
    void *p;

    if (rounded > sizeof r->arena - r->arena_used) {
        return NULL;
    }
    p = &r->arena[r->arena_used];
    r->arena_used += rounded;
    memset(p, 0, size);
    return p;
}

void *
rtf_rule_item(struct rtf_rule *r, enum rte_flow_item_type type, size_t size,
              void **mask)
{
    struct rte_flow_item *item;
    void *spec = NULL;

    nf_assert(r->n_items < RTF_MAX_ITEMS);
    item = &r->items[r->n_items];
    memset(item, 0, sizeof *item);
    item->type = type;
    if (size) {
        spec = rtf_rule_alloc(r, size);
        *mask = rtf_rule_alloc(r, size);
        nf_assert(spec && *mask);
        item->spec = spec;
        item->mask = *mask;
    } else if (mask) {
        *mask = NULL;
    }
    r->item_size[r->n_items] = size;
    r->n_items++;
    memset(&r->items[r->n_items], 0, sizeof r->items[0]);
    r->items[r->n_items].type = RTE_FLOW_ITEM_TYPE_END;
    return spec;
}

void *
rtf_rule_item_last(struct rtf_rule *r, size_t idx)
{
    void *last;

    nf_assert(idx < r->n_items && r->item_size[idx]);
    last = rtf_rule_alloc(r, r->item_size[idx]);
    nf_assert(last);
    r->items[idx].last = last;
    return last;
}

void *
rtf_rule_action(struct rtf_rule *r, enum rte_flow_action_type type,
                const void *conf, size_t size, struct offload_reason *why,
                int *error)
{
    struct rte_flow_action *a;
    void *stored = NULL;

    if (r->n_actions >= RTF_MAX_ACTIONS) {
        goto full;
    }
    if (size) {
        stored = rtf_rule_alloc(r, size);
        if (!stored) {
            goto full;
        }
        memcpy(stored, conf, size);
    }
    a = &r->actions[r->n_actions++];
    a->type = type;
    a->conf = stored;
    memset(&r->actions[r->n_actions], 0, sizeof r->actions[0]);
    r->actions[r->n_actions].type = RTE_FLOW_ACTION_TYPE_END;
    *error = 0;
    return stored;

full:
    rtf_reason(why, OFFLOAD_R_UNSUPPORTED_ACTION,
               "too many actions (at most %d in %d bytes)", RTF_MAX_ACTIONS,
               RTF_ARENA_SIZE);
    *error = EOPNOTSUPP;
    return NULL;
}

void
rtf_rule_remove_action(struct rtf_rule *r, size_t idx)
{
    nf_assert(idx < r->n_actions);
    memmove(&r->actions[idx], &r->actions[idx + 1],
            (r->n_actions - idx) * sizeof r->actions[0]);
    r->n_actions--;
}

void
rtf_rule_finish(struct rtf_rule *r)
{
    for (size_t i = 0; i < r->n_items; i++) {
        struct rte_flow_item *item = &r->items[i];
        if (item->mask && nf_bytes_all(item->mask, r->item_size[i], 0)) {
            item->spec = item->mask = item->last = NULL;
        }
    }
}

void
rtf_reason(struct offload_reason *r, enum offload_reason_code code,
           const char *fmt, ...)
{
    static const char prefix[] = "rteflow: ";
    va_list args;

    if (!r) {
        return;
    }
    r->code = code;
    memcpy(r->msg, prefix, sizeof prefix);
    va_start(args, fmt);
    vsnprintf(r->msg + sizeof prefix - 1, sizeof r->msg - (sizeof prefix - 1),
              fmt, args);
    va_end(args);
}
