/* mac-learning.c: the MAC learning table (see mac-learning.h).
 *
 * A hash map finds an entry by (MAC, VLAN); a list keeps entries in the
 * order they were last refreshed, oldest first, so expiry and eviction
 * look only at the head. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/coverage.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/list.h"
#include "lib/util.h"
#include "ofctl/match.h"
#include "vswitchd/mac-learning.h"

COVERAGE_DEFINE(mac_learning_learned);
COVERAGE_DEFINE(mac_learning_expired);
COVERAGE_DEFINE(mac_learning_evicted);
COVERAGE_DEFINE(mac_learning_moved);

struct mac_entry {
    struct hmap_node node; /* In mac_learning.entries. */
    struct dlist lru;      /* In mac_learning.lru, oldest first. */
    struct eth_addr mac;
    uint16_t vlan;
    uint16_t port;
    long long seen_ms; /* Last refreshed. */
};

struct mac_learning {
    struct hmap entries;
    struct dlist lru;
    unsigned int aging_s;
    size_t max;
    uint64_t generation;
    struct mac_learning_stats stats;
};

static uint32_t
mac_hash(const struct eth_addr *mac, uint16_t vlan)
{
    return hash_bytes(mac->ea, sizeof mac->ea, vlan);
}

static struct mac_entry *
mac_find(const struct mac_learning *ml, const struct eth_addr *mac,
         uint16_t vlan)
{
    struct mac_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, node, mac_hash(mac, vlan), &ml->entries) {
        if (e->vlan == vlan && !memcmp(e->mac.ea, mac->ea, sizeof mac->ea)) {
            return e;
        }
    }
    return NULL;
}

static void
mac_remove(struct mac_learning *ml, struct mac_entry *e)
{
    hmap_remove(&ml->entries, &e->node);
    dlist_remove(&e->lru);
    free(e);
    ml->generation++;
}

struct mac_learning *
mac_learning_create(unsigned int aging_s, size_t max)
{
    struct mac_learning *ml = xzalloc(sizeof *ml);

    hmap_init(&ml->entries);
    dlist_init(&ml->lru);
    ml->aging_s = aging_s ? aging_s : MAC_DEFAULT_AGING_S;
    ml->max = max ? max : MAC_DEFAULT_MAX;
    return ml;
}

void
mac_learning_destroy(struct mac_learning *ml)
{
    if (!ml) {
        return;
    }
    mac_learning_flush(ml);
    hmap_destroy(&ml->entries);
    free(ml);
}

/* Evicts the oldest entries until there are at most MAX. */
static void
mac_enforce_max(struct mac_learning *ml, size_t max)
{
    while (hmap_count(&ml->entries) > max) {
        struct mac_entry *e =
            CONTAINER_OF(ml->lru.next, struct mac_entry, lru);
        mac_remove(ml, e);
        ml->stats.n_evicted++;
        COVERAGE_INC(mac_learning_evicted);
    }
}

void
mac_learning_set(struct mac_learning *ml, unsigned int aging_s, size_t max,
                 long long now_ms)
{
    aging_s = aging_s ? aging_s : MAC_DEFAULT_AGING_S;
    max = max ? max : MAC_DEFAULT_MAX;
    if (aging_s != ml->aging_s) {
        ml->aging_s = aging_s;
        mac_learning_expire(ml, now_ms);
    }
    ml->max = max;
    mac_enforce_max(ml, max);
}

bool
mac_learning_learn(struct mac_learning *ml, const struct eth_addr *mac,
                   uint16_t vlan, uint16_t port, long long now_ms)
{
    if (mac->ea[0] & 1) {
        /* A multicast source is not an address anybody can be reached
         * at. */
        return false;
    }

    struct mac_entry *e = mac_find(ml, mac, vlan);
    if (e) {
        bool moved = e->port != port;
        e->seen_ms = now_ms;
        dlist_remove(&e->lru);
        dlist_push_back(&ml->lru, &e->lru);
        if (moved) {
            e->port = port;
            ml->generation++;
            ml->stats.n_moved++;
            COVERAGE_INC(mac_learning_moved);
        }
        return moved;
    }

    /* Make room first, so the new entry is never the one evicted. */
    mac_enforce_max(ml, ml->max - 1);
    e = xzalloc(sizeof *e);
    e->mac = *mac;
    e->vlan = vlan;
    e->port = port;
    e->seen_ms = now_ms;
    hmap_insert(&ml->entries, &e->node, mac_hash(mac, vlan));
    dlist_push_back(&ml->lru, &e->lru);
    ml->generation++;
    ml->stats.n_learned++;
    COVERAGE_INC(mac_learning_learned);
    return true;
}

static bool
mac_expired(const struct mac_learning *ml, const struct mac_entry *e,
            long long now_ms)
{
    return now_ms - e->seen_ms >= (long long) ml->aging_s * 1000;
}

int
mac_learning_lookup(const struct mac_learning *ml, const struct eth_addr *mac,
                    uint16_t vlan, long long now_ms)
{
    const struct mac_entry *e = mac_find(ml, mac, vlan);
    return e && !mac_expired(ml, e, now_ms) ? e->port : -1;
}

size_t
mac_learning_expire(struct mac_learning *ml, long long now_ms)
{
    size_t n = 0;

    while (!dlist_is_empty(&ml->lru)) {
        struct mac_entry *e =
            CONTAINER_OF(ml->lru.next, struct mac_entry, lru);
        if (!mac_expired(ml, e, now_ms)) {
            break;
        }
        mac_remove(ml, e);
        ml->stats.n_expired++;
        COVERAGE_INC(mac_learning_expired);
        n++;
    }
    return n;
}

size_t
mac_learning_flush_port(struct mac_learning *ml, uint16_t port)
{
    struct mac_entry *e, *next;
    size_t n = 0;

    DLIST_FOR_EACH_SAFE (e, next, lru, &ml->lru) {
        if (e->port == port) {
            mac_remove(ml, e);
            n++;
        }
    }
    return n;
}

void
mac_learning_flush(struct mac_learning *ml)
{
    while (!dlist_is_empty(&ml->lru)) {
        mac_remove(ml, CONTAINER_OF(ml->lru.next, struct mac_entry, lru));
    }
}

size_t
mac_learning_count(const struct mac_learning *ml)
{
    return hmap_count(&ml->entries);
}

uint64_t
mac_learning_generation(const struct mac_learning *ml)
{
    return ml->generation;
}

void
mac_learning_get_stats(const struct mac_learning *ml,
                       struct mac_learning_stats *stats)
{
    *stats = ml->stats;
}

unsigned int
mac_learning_aging(const struct mac_learning *ml)
{
    return ml->aging_s;
}

size_t
mac_learning_max(const struct mac_learning *ml)
{
    return ml->max;
}

void
mac_learning_format(const struct mac_learning *ml, long long now_ms,
                    struct buf *out)
{
    const struct mac_entry *e;

    buf_put_cstr(out, " port  VLAN  MAC                Age\n");
    DLIST_FOR_EACH (e, lru, &ml->lru) {
        char port[16];

        if (e->port == OF_PORT_LOCAL) {
            snprintf(port, sizeof port, "LOCAL");
        } else {
            snprintf(port, sizeof port, "%u", e->port);
        }
        buf_printf(out, "%5s  %4u  %02x:%02x:%02x:%02x:%02x:%02x  %3lld\n",
                   port, e->vlan, e->mac.ea[0], e->mac.ea[1], e->mac.ea[2],
                   e->mac.ea[3], e->mac.ea[4], e->mac.ea[5],
                   (now_ms - e->seen_ms) / 1000);
    }
}
