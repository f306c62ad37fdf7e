/* dpif-netlink-meter.c: meters of the "system" datapath type, through
 * openvswitch.ko's ovs_meter family (Linux 4.15 and later).  dpif.c has
 * checked every configuration against the features reported here before
 * meter_set() sees it.  A kernel without the family reports no meters
 * (max_meters 0), and dpif.c then refuses every meter with a message. */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>
#include <string.h>

#include "lib/util.h"
#include "softpath/dpif-netlink-msg.h"
#include "softpath/dpif-netlink-private.h"

static int
meter_reply(const void *msg, size_t len, void *aux)
{
    return dpif_netlink_parse_meter(msg, len, aux) ? EPROTO : 0;
}

/* Sends meter request CMD for ID on DP and parses its reply into *M
 * (zeroed first). */
static int
meter_transact(const struct dpif_netlink *dp, uint8_t cmd, uint32_t id,
               bool kbps, const struct dpif_netlink_band *bands,
               size_t n_bands, struct dpif_netlink_meter *m)
{
    uint8_t req[1024];

    memset(m, 0, sizeof *m);
    if (!dp->fam.meter) {
        return EOPNOTSUPP;
    }
    size_t len =
        dpif_netlink_build_meter(req, sizeof req, dp->fam.meter, cmd,
                                 dp->dp_ifindex, id, kbps, bands, n_bands);
    return (len ? dpif_netlink_transact(dp, req, len, meter_reply, m, NULL)
                : EMSGSIZE);
}

void
dpif_netlink_meter_get_features(const struct dpif *dpif,
                                struct dpif_meter_features *features)
{
    struct dpif_netlink_meter m;

    if (meter_transact(dpif_netlink_cast(dpif), OVS_METER_CMD_FEATURES, 0,
                       false, NULL, 0, &m)) {
        return; /* No meters. */
    }
    features->max_meters = m.max_meters;
    features->band_types = (m.band_types & (1u << OVS_METER_BAND_TYPE_DROP)
                                ? 1u << DPIF_METER_BAND_DROP
                                : 0);
    features->capabilities = (DPIF_METER_KBPS | DPIF_METER_PKTPS
                              | DPIF_METER_BURST | DPIF_METER_STATS);
    features->max_bands = (uint8_t) NF_MIN(m.max_bands, DPIF_METER_MAX_BANDS);
}

int
dpif_netlink_meter_set(struct dpif *dpif, uint32_t meter_id,
                       const struct dpif_meter_config *config, char **errp)
{
    struct dpif_netlink_band bands[DPIF_METER_MAX_BANDS];
    struct dpif_netlink_meter m;

    for (size_t i = 0; i < config->n_bands; i++) {
        const struct dpif_meter_band *b = &config->bands[i];

        bands[i].type = OVS_METER_BAND_TYPE_DROP; /* The only one. */
        bands[i].rate = b->rate;
        /* Without a burst size, one second's worth (dpif.h). */
        bands[i].burst =
            (config->flags & DPIF_METER_BURST && b->burst_size ? b->burst_size
                                                               : b->rate);
    }
    int error = meter_transact(dpif_netlink_cast(dpif), OVS_METER_CMD_SET,
                               meter_id, config->flags & DPIF_METER_KBPS,
                               bands, config->n_bands, &m);
    if (error) {
        nf_give_error(errp, xasprintf("meter %u: the kernel datapath "
                                      "refused it: %s",
                                      meter_id, nf_strerror(error)));
    }
    return error;
}

/* Copies the counters of reply M into *STATS. */
static void
meter_stats(const struct dpif_netlink_meter *m, struct dpif_meter_stats *stats)
{
    stats->packet_in_count = m->stats.n_packets;
    stats->byte_in_count = m->stats.n_bytes;
    stats->n_bands = (uint16_t) NF_MIN(m->n_bands, DPIF_METER_MAX_BANDS);
    for (size_t i = 0; i < stats->n_bands; i++) {
        stats->bands[i].n_packets = m->band_stats[i].n_packets;
        stats->bands[i].n_bytes = m->band_stats[i].n_bytes;
    }
}

int
dpif_netlink_meter_get(const struct dpif *dpif, uint32_t meter_id,
                       struct dpif_meter_stats *stats)
{
    struct dpif_netlink_meter m;
    int error = meter_transact(dpif_netlink_cast(dpif), OVS_METER_CMD_GET,
                               meter_id, false, NULL, 0, &m);

    if (!error) {
        meter_stats(&m, stats);
    }
    return error;
}

int
dpif_netlink_meter_del(struct dpif *dpif, uint32_t meter_id,
                       struct dpif_meter_stats *stats)
{
    struct dpif_netlink_meter m;
    int error = meter_transact(dpif_netlink_cast(dpif), OVS_METER_CMD_DEL,
                               meter_id, false, NULL, 0, &m);

    /* The kernel acks the deletion of a meter that is not there; only
     * the counters in its reply say one was. */
    if (!error && !m.has_stats) {
        error = ENOENT;
    }
    if (!error && stats) {
        meter_stats(&m, stats);
    }
    return error;
}
