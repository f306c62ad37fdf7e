/* ofproto-vacancy.c: OpenFlow 1.4 table vacancy events (OFPT_TABLE_STATUS
 * with reason VACANCY_DOWN or VACANCY_UP), as Open vSwitch 3.1 sends them.
 *
 * A table's vacancy is the share of its limit (Flow_Table flow_limit)
 * still free.  A table-mod "vacancy:DOWN,UP" turns events on and arms the
 * one the current vacancy points to: VACANCY_UP when the vacancy is below
 * UP, else VACANCY_DOWN.  An armed VACANCY_DOWN is sent once the vacancy
 * falls below DOWN, which arms VACANCY_UP; that one is sent once it
 * rises above UP, which arms VACANCY_DOWN again.  The gap between the two
 * thresholds keeps a table that hovers around one of them from sending a
 * stream of events.
 *
 * Open vSwitch looks at the vacancy only when a flow-mod adds a flow that
 * neither replaces nor evicts another, and when flows are deleted (by a
 * flow-mod, expiry, a lower limit's eviction, or with their group or
 * meter), each time after the whole change; a change of the limit alone,
 * or a modify, sends nothing even if the vacancy crossed a threshold.
 * Here the flow code notes those tables in the open transaction
 * (ofproto_vacancy_note()) and the commit looks at them, so that a bundle
 * sends at most one event per table, with the vacancy it leaves, and an
 * aborted transaction none.  The commit does so before it sends
 * flow-removed messages, which is also Open vSwitch's order (it sends
 * those once the rules are freed, after the table status). */
#include <string.h>

#include "lib/coverage.h"
#include "lib/util.h"
#include "ofctl/ofp-table.h"
#include "vswitchd/connmgr.h"
#include "vswitchd/ofproto-private.h"

COVERAGE_DEFINE(ofproto_vacancy_down);
COVERAGE_DEFINE(ofproto_vacancy_up);

/* What Open vSwitch's eviction weighs, and so what table descriptions
 * report: importance, then lifetime left, then other things (age). */
#define VACANCY_EVICTION_FLAGS \
    (OF_TMPEF_OTHER | OF_TMPEF_IMPORTANCE | OF_TMPEF_LIFETIME)

uint8_t
ofproto_table_vacancy(const struct ofproto_table *t)
{
    size_t n = ofproto_cls_count(&t->cls);

    if (!t->max_flows) {
        return 100;
    }
    if (n >= t->max_flows) {
        return 0;
    }
    /* In floating point and truncated, as Open vSwitch computes it: that
     * makes a table without a limit 99 % vacant once it has a flow, which
     * a controller with a threshold of 100 can see. */
    return (uint8_t) ((double) (t->max_flows - n) * 100.0
                      / (double) t->max_flows);
}

void
ofproto_table_set_vacancy(struct ofproto *p, uint8_t table_id, bool on,
                          uint8_t down, uint8_t up)
{
    struct ofproto_table *t = &p->tables[table_id];

    t->vacancy_down = down;
    t->vacancy_up = up;
    if (!on) {
        t->vacancy_next = 0;
    } else if (!t->vacancy_next) {
        t->vacancy_next =
            (ofproto_table_vacancy(t) < up ? OF_TABLE_STATUS_VACANCY_UP
                                           : OF_TABLE_STATUS_VACANCY_DOWN);
    }
}

void
ofproto_table_describe(const struct ofproto *p, uint8_t table_id,
                       struct of_table_desc *td)
{
    const struct ofproto_table *t = &p->tables[table_id];
    bool vacancy_on = t->vacancy_next != 0;

    /* As Open vSwitch: "eviction=on" reports a table-mod's eviction flag
     * only (a Flow_Table row's overflow_policy=evict is the database's to
     * show). */
    *td = (struct of_table_desc){
        .table_id = table_id,
        .config = ((t->config & OF_TC14_EVICTION)
                   | (vacancy_on ? OF_TC14_VACANCY_EVENTS : 0)),
        .has_eviction_flags = true,
        .eviction_flags = VACANCY_EVICTION_FLAGS,
        .has_vacancy = vacancy_on,
        .vacancy_down = vacancy_on ? t->vacancy_down : 0,
        .vacancy_up = vacancy_on ? t->vacancy_up : 0,
        .vacancy = vacancy_on ? ofproto_table_vacancy(t) : 0,
    };
}

/* Sends table TABLE_ID's vacancy event if one is due, and arms the other
 * one. */
static void
check_table(struct ofproto *p, uint8_t table_id)
{
    struct ofproto_table *t = &p->tables[table_id];
    uint8_t vacancy = ofproto_table_vacancy(t);
    struct of_table_status ts;
    uint8_t event;

    if (!t->vacancy_next) {
        return;
    }
    if (vacancy < t->vacancy_down) {
        event = OF_TABLE_STATUS_VACANCY_DOWN;
    } else if (vacancy > t->vacancy_up) {
        event = OF_TABLE_STATUS_VACANCY_UP;
    } else {
        return;
    }
    if (event != t->vacancy_next) {
        /* Already sent: still on the same side of the gap. */
        return;
    }
    if (event == OF_TABLE_STATUS_VACANCY_DOWN) {
        COVERAGE_INC(ofproto_vacancy_down);
        t->vacancy_next = OF_TABLE_STATUS_VACANCY_UP;
    } else {
        COVERAGE_INC(ofproto_vacancy_up);
        t->vacancy_next = OF_TABLE_STATUS_VACANCY_DOWN;
    }
    /* The description the event carries is the table's as the event
     * leaves it (Open vSwitch describes the table before re-arming, but
     * nothing in a description says which event is armed). */
    memset(&ts, 0, sizeof ts);
    ts.reason = event;
    ofproto_table_describe(p, table_id, &ts.desc);
    connmgr_send_table_status(p->connmgr, &ts);
}

void
ofproto_vacancy_commit(struct ofproto *p)
{
    uint64_t *words = p->txn->vacancy_check;

    for (size_t w = 0; w < ARRAY_SIZE(p->txn->vacancy_check); w++) {
        while (words[w]) {
            unsigned bit = (unsigned) __builtin_ctzll(words[w]);

            words[w] &= words[w] - 1;
            check_table(p, (uint8_t) (w * 64 + bit));
        }
    }
}
