/* rtf-rule.h: one rte_flow rule as the provider builds it: attributes,
 * pattern, actions and the storage their specs, masks and confs point
 * into.
 *
 * A rule owns an arena of bytes from which every item spec, mask and
 * range end ('last') and every action conf is carved, so that a rule is
 * one object with no allocations of its own: built on the stack (or in a
 * flow record), handed to rte_flow_validate()/rte_flow_create() and
 * dropped.  The pointers inside a rule point into the rule itself, so a
 * rule must never be copied or moved once items or actions are in it.
 *
 * Items and actions are kept END-terminated at every moment; n_items and
 * n_actions do not count the END.  An item whose mask is still all zero
 * when the rule is finished (rtf_rule_finish()) has its spec and mask set
 * to NULL: "any packet with this header", which is what an empty mask
 * means and what PMDs parse most readily.
 *
 * Only rteflow/ includes this header (it pulls in DPDK's). */
#ifndef NICFLOW_RTF_RULE_H
#define NICFLOW_RTF_RULE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_flow.h>

#include "include/nicflow/offload-provider.h"

struct buf;

#define RTF_MAX_ITEMS 16
#define RTF_MAX_ACTIONS 32
#define RTF_ARENA_SIZE 4096

struct rtf_rule {
    uint16_t port_id; /* The ethdev to create the rule on (for a transfer
                       * rule the eswitch's transfer proxy). */
    struct rte_flow_attr attr;
    struct rte_flow_item items[RTF_MAX_ITEMS + 1];
    uint16_t item_size[RTF_MAX_ITEMS]; /* Bytes of each spec/mask. */
    size_t n_items;
    struct rte_flow_action actions[RTF_MAX_ACTIONS + 1];
    size_t n_actions;
    size_t arena_used;
    _Alignas(16) uint8_t arena[RTF_ARENA_SIZE];
};

/* Empties R: no attributes, no items, no actions, an empty arena. */
void rtf_rule_init(struct rtf_rule *r);

/* Returns SIZE zeroed bytes of R's arena (8-byte aligned), or NULL if the
 * arena is full. */
void *rtf_rule_alloc(struct rtf_rule *r, size_t size);

/* Appends an item of TYPE whose spec and mask are SIZE zeroed bytes of
 * the arena; returns the spec and stores the mask in *MASK.  SIZE 0 makes
 * an item without spec or mask (END-like markers, VOID).  The number of
 * items a translation appends is bounded by the headers a frame can
 * have, well under RTF_MAX_ITEMS, so running out is a bug (assertion). */
void *rtf_rule_item(struct rtf_rule *r, enum rte_flow_item_type type,
                    size_t size, void **mask);

/* Gives item IDX a 'last' (range end) of its spec's size, zeroed, and
 * returns it. */
void *rtf_rule_item_last(struct rtf_rule *r, size_t idx);

/* Appends an action of TYPE with a conf of SIZE bytes copied from CONF
 * (SIZE 0: no conf).  Returns a pointer to the stored conf (NULL for SIZE
 * 0), or NULL with *ERROR set to EOPNOTSUPP and WHY filled in when the
 * rule has no room left ("rteflow: too many actions"). */
void *rtf_rule_action(struct rtf_rule *r, enum rte_flow_action_type type,
                      const void *conf, size_t size,
                      struct offload_reason *why, int *error);

/* Removes action IDX, moving the later ones down. */
void rtf_rule_remove_action(struct rtf_rule *r, size_t idx);

/* Sets spec, mask and last of every item whose mask is all zero to NULL. */
void rtf_rule_finish(struct rtf_rule *r);

/* Fills R with CODE and "rteflow: " followed by the printf-style message.
 * R may be NULL. */
void rtf_reason(struct offload_reason *r, enum offload_reason_code code,
                const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Appends a readable form of a rule to B, one line:
 *   "ingress group 0 pattern eth type=0x0800 / ipv4 dst=192.0.2.2 / end
 *    actions count / port_id id=2 / end"
 * Attributes first ("ingress" or "transfer", then "group N" and
 * "priority N" when not 0), then each item with the fields its mask
 * selects, as "name=spec" (a whole-field mask) or "name=spec/mask", and
 * "name=spec..last/mask" for a range; an item with no spec prints its
 * name alone.  Then each action with its conf.  Used by offload/show, the
 * logs and the unit tests, which compare these lines. */
void rtf_format(struct buf *b, const struct rte_flow_attr *attr,
                const struct rte_flow_item *items,
                const struct rte_flow_action *actions);

/* rtf_format() of R. */
void rtf_rule_format(struct buf *b, const struct rtf_rule *r);

/* The name rtf_format() uses for an item or action type ("eth",
 * "represented_port"), or NULL for one it does not know. */
const char *rtf_item_name(enum rte_flow_item_type);
const char *rtf_action_name(enum rte_flow_action_type);

#endif /* NICFLOW_RTF_RULE_H */
