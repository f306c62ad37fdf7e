/* bridge-meter.c: OpenFlow meters carried by datapath meters
 * (ofproto_ops.meter_set and meter_stats, see ofproto.h).
 *
 * Every bridge of the userspace datapath shares one datapath, whose meter
 * ids are one space: OpenFlow meter 1 of br0 and meter 1 of br1 must be
 * two datapath meters.  So the datapath ids come from one allocator here,
 * and each bridge's ofproto remembers which one carries each of its
 * meters.  A meter the datapath refuses (too many, a band it lacks) is
 * logged and carried by none: its flows forward unmetered, and the
 * controller's meter-mod has already succeeded, as with Open vSwitch when
 * the datapath has no meter support.  The offload layer hears of every
 * datapath meter too, so that a device that polices can carry the flows
 * that use one (offload_meter_set()). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "offload/offload.h"
#include "softpath/dpif.h"
#include "vswitchd/bridge-private.h"

VLOG_DEFINE_THIS_MODULE(bridge_meter);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Datapath meter ids in use: bit I of used_ids[I / 64]. */
static uint64_t *used_ids;
static size_t n_words;

/* The lowest free datapath meter id below MAX, marked used, or
 * UINT32_MAX. */
static uint32_t
id_alloc(uint32_t max)
{
    for (size_t w = 0;; w++) {
        if (w == n_words) {
            size_t n = n_words ? n_words * 2 : 4;
            used_ids = xrealloc(used_ids, n * sizeof *used_ids);
            memset(used_ids + n_words, 0, (n - n_words) * sizeof *used_ids);
            n_words = n;
        }
        if (used_ids[w] != UINT64_MAX) {
            uint32_t id = (uint32_t) (w * 64 + __builtin_ctzll(~used_ids[w]));
            if (id >= max) {
                return UINT32_MAX;
            }
            used_ids[w] |= 1ull << (id % 64);
            return id;
        }
    }
}

static void
id_free(uint32_t id)
{
    if (id / 64 < n_words) {
        used_ids[id / 64] &= ~(1ull << (id % 64));
    }
}

/* The datapath's form of OpenFlow meter MM.  OpenFlow measures in kbit/s
 * unless the meter says pktps. */
static void
meter_to_dp(const struct of_meter *mm, struct dpif_meter_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->flags =
        (mm->flags & OF_MF_PKTPS) ? DPIF_METER_PKTPS : DPIF_METER_KBPS;
    if (mm->flags & OF_MF_BURST) {
        cfg->flags |= DPIF_METER_BURST;
    }
    if (mm->flags & OF_MF_STATS) {
        cfg->flags |= DPIF_METER_STATS;
    }
    cfg->n_bands = (uint16_t) NF_MIN(mm->n_bands, DPIF_METER_MAX_BANDS);
    for (size_t i = 0; i < cfg->n_bands; i++) {
        cfg->bands[i].type = DPIF_METER_BAND_DROP; /* The only kind
                                                    * ofproto takes. */
        cfg->bands[i].rate = mm->bands[i].rate;
        cfg->bands[i].burst_size = mm->bands[i].burst_size;
    }
}

uint32_t
bridge_meter_set(void *aux, uint32_t meter_id, uint32_t dp_meter,
                 const struct of_meter *mm)
{
    struct bridge *br = aux;
    struct dpif_meter_features f;
    struct dpif_meter_config cfg;
    char *err = NULL;

    if (!mm) {
        if (dp_meter != UINT32_MAX) {
            offload_meter_set(dp_meter, NULL);
            dpif_meter_del(br->dpif, dp_meter, NULL);
            id_free(dp_meter);
        }
        return UINT32_MAX;
    }
    dpif_meter_get_features(br->dpif, &f);
    bool fresh = dp_meter == UINT32_MAX;
    if (fresh) {
        dp_meter = id_alloc(f.max_meters);
        if (dp_meter == UINT32_MAX) {
            VLOG_WARN_RL(&rl,
                         "bridge %s: meter %" PRIu32 ": the datapath has "
                         "no meter left (%" PRIu32 "); its flows forward "
                         "unmetered",
                         br->name, meter_id, f.max_meters);
            return UINT32_MAX;
        }
    }
    meter_to_dp(mm, &cfg);
    int error = dpif_meter_set(br->dpif, dp_meter, &cfg, &err);
    if (error) {
        VLOG_WARN_RL(&rl,
                     "bridge %s: meter %" PRIu32 " cannot be put into the "
                     "datapath (%s); its flows forward unmetered",
                     br->name, meter_id, err ? err : nf_strerror(error));
        free(err);
        if (!fresh) {
            offload_meter_set(dp_meter, NULL);
            dpif_meter_del(br->dpif, dp_meter, NULL);
        }
        id_free(dp_meter);
        return UINT32_MAX;
    }
    struct offload_meter om = {
        .pktps = (cfg.flags & DPIF_METER_PKTPS) != 0,
        .rate = cfg.n_bands ? cfg.bands[0].rate : 0,
        .burst = (cfg.flags & DPIF_METER_BURST) && cfg.n_bands
                     ? cfg.bands[0].burst_size
                     : 0,
        .n_bands = cfg.n_bands,
    };
    offload_meter_set(dp_meter, &om);
    return dp_meter;
}

void
bridge_meter_stats(void *aux, uint32_t dp_meter, struct of_meter_stats *st)
{
    struct bridge *br = aux;
    struct dpif_meter_stats ds;

    if (dpif_meter_get(br->dpif, dp_meter, &ds)) {
        return;
    }
    st->packet_in_count += ds.packet_in_count;
    st->byte_in_count += ds.byte_in_count;
    /* DPIF_METER_MAX_BANDS (8) is below OF_METER_MAX_BANDS (16). */
    for (size_t i = 0; i < ds.n_bands && i < DPIF_METER_MAX_BANDS; i++) {
        st->bands[i].packets += ds.bands[i].n_packets;
        st->bands[i].bytes += ds.bands[i].n_bytes;
    }
}
