/* dpif-netdev-meter.c: the userspace datapath's meter table (see
 * dpif-netdev-private.h): meters by id, each a dp-meter.h token bucket
 * set, charged by the meter action under the datapath's mutex. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "softpath/dpif-netdev-private.h"

struct dp_meter_entry *
dpif_netdev_meter_lookup(const struct dp_netdev *dp, uint32_t id)
{
    struct dp_meter_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, node, hash_int(id, 0), &dp->meters) {
        if (e->id == id) {
            return e;
        }
    }
    return NULL;
}

void
dpif_netdev_meter_remove(struct dp_netdev *dp, struct dp_meter_entry *e)
{
    hmap_remove(&dp->meters, &e->node);
    dp_meter_destroy(e->meter);
    free(e);
}

void
dpif_netdev_meter_get_features(const struct dpif *dpif NF_UNUSED,
                               struct dpif_meter_features *f)
{
    f->max_meters = MAX_METERS;
    f->band_types = 1u << DPIF_METER_BAND_DROP;
    f->capabilities = (DPIF_METER_KBPS | DPIF_METER_PKTPS | DPIF_METER_BURST
                       | DPIF_METER_STATS);
    f->max_bands = DPIF_METER_MAX_BANDS;
}

int
dpif_netdev_meter_set(struct dpif *dpif, uint32_t meter_id,
                      const struct dpif_meter_config *config,
                      char **errp NF_UNUSED)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    /* Built outside the lock: creation does not need it. */
    struct dp_meter *meter = dp_meter_create(config, dp_meter_now_ns());
    struct dp_meter *old = NULL;
    struct dp_meter_entry *e;

    pthread_mutex_lock(&dp->mutex);
    e = dpif_netdev_meter_lookup(dp, meter_id);
    if (e) {
        /* A new meter replaces the old: full buckets, zero statistics. */
        old = e->meter;
    } else {
        e = xzalloc(sizeof *e);
        e->id = meter_id;
        hmap_insert(&dp->meters, &e->node, hash_int(meter_id, 0));
    }
    e->meter = meter;
    pthread_mutex_unlock(&dp->mutex);
    /* Every charge happens under the datapath's mutex, so no thread can
     * still be using the old meter. */
    dp_meter_destroy(old);
    return 0;
}

int
dpif_netdev_meter_get(const struct dpif *dpif, uint32_t meter_id,
                      struct dpif_meter_stats *stats)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct dp_meter_entry *e;

    pthread_mutex_lock(&dp->mutex);
    e = dpif_netdev_meter_lookup(dp, meter_id);
    if (e) {
        dp_meter_get_stats(e->meter, stats);
    }
    pthread_mutex_unlock(&dp->mutex);
    return e ? 0 : ENOENT;
}

int
dpif_netdev_meter_del(struct dpif *dpif, uint32_t meter_id,
                      struct dpif_meter_stats *stats)
{
    struct dp_netdev *dp = dp_from_dpif(dpif);
    struct dp_meter_entry *e;

    pthread_mutex_lock(&dp->mutex);
    e = dpif_netdev_meter_lookup(dp, meter_id);
    if (e) {
        if (stats) {
            dp_meter_get_stats(e->meter, stats);
        }
        dpif_netdev_meter_remove(dp, e);
    }
    pthread_mutex_unlock(&dp->mutex);
    return e ? 0 : ENOENT;
}
