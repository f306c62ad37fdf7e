/* hal-sim-fixtures.h: what the simulated eswitch's unit tests
 * (test-hal-sim.c, test-hal-sim-tables.c) share: a model of profile NAME
 * with ports p1, p2, p3 whose outputs are recorded in sent[], and builders
 * of ACL entries and frames with correct checksums.  Each test program
 * includes it once; the functions are static inline so that a program
 * that does not use one is not warned about it. */
#ifndef NICFLOW_TESTS_UNIT_HAL_SIM_FIXTURES_H
#define NICFLOW_TESTS_UNIT_HAL_SIM_FIXTURES_H 1

#include <dlfcn.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "nicflow/hal.h"
#include "offload/hal-sim/sim-pipeline.h"

/* ---------------------------------------------------------------------
 * Fixtures.
 * --------------------------------------------------------------------- */

/* What the model sent. */
struct sent {
    uint32_t port;
    size_t len;
    uint8_t data[256];
};
static struct sent sent[8];
static size_t n_sent;

static inline int
record_send(uint32_t chip_port, const uint8_t *frame, size_t len, void *aux)
{
    (void) aux;
    if (n_sent < 8) {
        sent[n_sent].port = chip_port;
        sent[n_sent].len = len;
        memcpy(sent[n_sent].data, frame, len < 256 ? len : 256);
        n_sent++;
    }
    return 0;
}

static inline void
load_profile(const char *name, struct halsim_profile *p)
{
    char path[512], text[16384], err[NICFLOW_HAL_MSG_MAX];
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "%s/%s.json", HAL_SIM_PROFILE_DIR, name);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(text, 1, sizeof text, f);
    fclose(f);
    if (halsim_profile_parse(text, n, path, p, err, sizeof err)) {
        fail_msg("%s", err);
    }
}

/* A device of profile NAME with ports p1, p2, p3. */
static inline struct halsim *
make_sim(const char *name)
{
    static const char *const ports[] = { "p1", "p2", "p3" };
    struct halsim_profile p;
    struct halsim *sim;

    load_profile(name, &p);
    assert_int_equal(
        halsim_create(&p, NULL, "sim0", ports, 3, record_send, NULL, &sim), 0);
    n_sent = 0;
    return sim;
}

/* Entry building. */
static inline void
add_match(struct nicflow_hal_acl_entry *e, uint16_t field, const void *value,
          const void *mask, size_t n)
{
    struct nicflow_hal_match *m = &e->matches[e->n_matches++];

    memset(m, 0, sizeof *m);
    m->field = field;
    memcpy(m->value, value, n);
    memcpy(m->mask, mask, n);
}

static inline void
match_port(struct nicflow_hal_acl_entry *e, uint32_t port)
{
    uint8_t v[4] = { port >> 24, port >> 16, port >> 8, port };
    add_match(e, NICFLOW_HAL_F_IN_PORT, v, "\xff\xff\xff\xff", 4);
}

static inline struct nicflow_hal_action *
add_action(struct nicflow_hal_acl_entry *e, uint16_t type, uint32_t arg)
{
    struct nicflow_hal_action *a = &e->actions[e->n_actions++];

    memset(a, 0, sizeof *a);
    a->type = type;
    a->arg = arg;
    return a;
}

static inline void
entry_init(struct nicflow_hal_acl_entry *e, uint64_t id, uint32_t priority)
{
    memset(e, 0, sizeof *e);
    e->id = id;
    e->priority = priority;
}

/* Adds E; returns the error and leaves the message in LAST_MSG. */
static char last_msg[NICFLOW_HAL_MSG_MAX];
static inline int
add(struct halsim *sim, const struct nicflow_hal_acl_entry *e)
{
    struct nicflow_hal_status st;
    int error = halsim_acl_add(sim, e, &st);

    assert_int_equal(error, st.error);
    snprintf(last_msg, sizeof last_msg, "%s", st.msg);
    return error;
}

/* Frame building: Ethernet (with a tag if VID >= 0), IPv4 or IPv6, and a
 * TCP (6), UDP (17) or ICMP (1/58) header with correct checksums. */
static inline uint16_t
csum(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i < n; i += 2) {
        sum += p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum;
}

static inline size_t
eth(uint8_t *b, int vid, uint16_t type)
{
    size_t off = 12;

    memcpy(b, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
    if (vid >= 0) {
        b[off++] = 0x81, b[off++] = 0x00;
        b[off++] = (5 << 5) | (vid >> 8), b[off++] = vid;
    }
    b[off++] = type >> 8, b[off++] = type;
    return off;
}

static inline size_t
l4(uint8_t *b, uint8_t proto, uint16_t sport, uint16_t dport)
{
    size_t n = proto == 6 ? 20 : 8;

    memset(b, 0, n);
    if (proto == 1 || proto == 58) {
        b[0] = sport, b[1] = dport; /* Type, code. */
        return n;
    }
    b[0] = sport >> 8, b[1] = sport, b[2] = dport >> 8, b[3] = dport;
    if (proto == 6) {
        b[12] = 0x50, b[13] = 0x12; /* SYN+ACK. */
    } else {
        b[5] = n;
    }
    return n;
}

static inline size_t
ipv4_frame(uint8_t *b, int vid, uint8_t proto, uint16_t sport, uint16_t dport,
           uint16_t frag)
{
    size_t off = eth(b, vid, 0x0800),
           n = l4(b + off + 20, proto, sport, dport);
    uint8_t *ip = b + off, pseudo[12];

    memset(ip, 0, 20);
    ip[0] = 0x45, ip[1] = 0x10, ip[2] = (20 + n) >> 8, ip[3] = 20 + n;
    ip[6] = frag >> 8, ip[7] = frag, ip[8] = 64, ip[9] = proto;
    memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
    uint16_t c = csum(ip, 20, 0);
    ip[10] = c >> 8, ip[11] = c;
    /* The L4 checksum over the pseudo-header and the L4 bytes. */
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0, pseudo[9] = proto, pseudo[10] = 0, pseudo[11] = n;
    uint8_t *l4h = ip + 20;
    size_t co = proto == 6 ? 16 : proto == 17 ? 6 : 2;
    uint32_t sum = proto == 1 ? 0 : 0xffff & ~csum(pseudo, 12, 0);
    c = csum(l4h, n, sum);
    l4h[co] = c >> 8, l4h[co + 1] = c;
    return off + 20 + n;
}

static inline size_t
ipv6_frame(uint8_t *b, int vid, uint8_t nh, uint16_t sport, uint16_t dport)
{
    size_t off = eth(b, vid, 0x86dd), n;
    uint8_t *ip = b + off;

    memset(ip, 0, 40);
    ip[0] = 0x6b, ip[1] = 0x80; /* Traffic class 0xb8. */
    ip[6] = nh, ip[7] = 33;
    ip[8] = 0x20, ip[9] = 0x01, ip[23] = 1;
    ip[24] = 0x20, ip[25] = 0x01, ip[39] = 2;
    if (nh == 44) {
        memset(ip + 40, 0, 8);
        ip[40] = 17, ip[42] = 0x05, ip[43] = 0x00; /* Offset 160, last. */
        n = 8;
    } else {
        n = l4(ip + 40, nh, sport, dport);
    }
    ip[4] = n >> 8, ip[5] = n;
    return off + 40 + n;
}

static inline void
assert_field(const struct halsim_fields *f, uint16_t field, const void *v,
             size_t n, size_t bytes)
{
    assert_true(f->present & (1u << field));
    assert_memory_equal(f->value[field] + bytes - n, v, n);
}

#endif /* NICFLOW_TESTS_UNIT_HAL_SIM_FIXTURES_H */
