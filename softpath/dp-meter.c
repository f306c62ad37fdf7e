/* dp-meter.c: token-bucket meters (dp-meter.h). */
#include "softpath/dp-meter.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util.h"

/* Tokens per rate unit-second: see the arithmetic in dp-meter.h. */
#define TOKENS_PER_UNIT 1000000000ull
/* Tokens per byte in a kbps meter: 8 bits of 10^-3 kilobit each. */
#define TOKENS_PER_BYTE (8 * TOKENS_PER_UNIT / 1000)

struct band {
    uint32_t rate;     /* Tokens gained per nanosecond. */
    uint64_t capacity; /* Burst size * TOKENS_PER_UNIT. */
    uint64_t tokens;   /* Now, <= capacity. */
    struct dpif_meter_band_stats stats;
};

/* Why a mutex rather than atomics: one charge reads and writes the last
 * fill time, every band's bucket and the statistics, and they must change
 * together — two threads refilling from the same "last" would each add the
 * elapsed time's tokens, and a reader of the statistics must not see
 * packet_in without the band count that goes with it.  Lock-free, that
 * would need a retry loop over several words; an uncontended mutex costs
 * a few tens of nanoseconds, and a meter is normally charged by one
 * datapath thread at a time, so the lock is almost never contended. */
struct dp_meter {
    pthread_mutex_t mutex; /* Guards everything below. */
    bool pktps;            /* Else kbps. */
    uint64_t last_ns;      /* Time the buckets were last filled. */
    uint64_t packet_in, byte_in;
    uint16_t n_bands;
    struct band bands[DPIF_METER_MAX_BANDS];
};

struct dp_meter *
dp_meter_create(const struct dpif_meter_config *config, uint64_t now_ns)
{
    struct dp_meter *m = xzalloc(sizeof *m);

    pthread_mutex_init(&m->mutex, NULL);
    m->pktps = (config->flags & DPIF_METER_PKTPS) != 0;
    m->last_ns = now_ns;
    m->n_bands = NF_MIN(config->n_bands, DPIF_METER_MAX_BANDS);
    for (size_t i = 0; i < m->n_bands; i++) {
        const struct dpif_meter_band *cb = &config->bands[i];
        struct band *b = &m->bands[i];
        /* Without BURST (or with 0) a bucket holds one second's worth,
         * as Open vSwitch's datapath interface sets it. */
        uint32_t burst = ((config->flags & DPIF_METER_BURST) && cb->burst_size
                              ? cb->burst_size
                              : cb->rate);

        b->rate = cb->rate;
        b->capacity = (uint64_t) burst * TOKENS_PER_UNIT;
        b->tokens = b->capacity;
    }
    return m;
}

void
dp_meter_destroy(struct dp_meter *m)
{
    if (m) {
        pthread_mutex_destroy(&m->mutex);
        free(m);
    }
}

/* Adds DELTA_NS nanoseconds' worth of tokens to B, up to its capacity,
 * without overflowing: the product is only formed when it fits in the
 * room left. */
static void
band_refill(struct band *b, uint64_t delta_ns)
{
    uint64_t room = b->capacity - b->tokens;

    if (delta_ns > room / b->rate) {
        b->tokens = b->capacity;
    } else {
        b->tokens += delta_ns * b->rate;
    }
}

int
dp_meter_charge(struct dp_meter *m, uint32_t size, uint64_t now_ns)
{
    uint64_t cost = m->pktps ? TOKENS_PER_UNIT : size * TOKENS_PER_BYTE;
    int applied = DP_METER_PASS;

    pthread_mutex_lock(&m->mutex);
    if (now_ns > m->last_ns) {
        uint64_t delta = now_ns - m->last_ns;

        for (size_t i = 0; i < m->n_bands; i++) {
            band_refill(&m->bands[i], delta);
        }
        m->last_ns = now_ns;
    }
    m->packet_in++;
    m->byte_in += size;
    for (size_t i = 0; i < m->n_bands; i++) {
        struct band *b = &m->bands[i];

        if (b->tokens >= cost) {
            b->tokens -= cost;
        } else if (applied == DP_METER_PASS
                   || b->rate > m->bands[applied].rate) {
            applied = (int) i;
        }
    }
    if (applied != DP_METER_PASS) {
        m->bands[applied].stats.n_packets++;
        m->bands[applied].stats.n_bytes += size;
    }
    pthread_mutex_unlock(&m->mutex);
    return applied;
}

void
dp_meter_get_stats(struct dp_meter *m, struct dpif_meter_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    pthread_mutex_lock(&m->mutex);
    stats->packet_in_count = m->packet_in;
    stats->byte_in_count = m->byte_in;
    stats->n_bands = m->n_bands;
    for (size_t i = 0; i < m->n_bands; i++) {
        stats->bands[i] = m->bands[i].stats;
    }
    pthread_mutex_unlock(&m->mutex);
}

static uint64_t (*clock_hook)(void);

uint64_t
dp_meter_now_ns(void)
{
    struct timespec ts;

    if (clock_hook) {
        return clock_hook();
    }
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
}

void
dp_meter_set_clock(uint64_t (*now_ns)(void))
{
    clock_hook = now_ns;
}
