/* sim-pipeline.c: the packet-forwarding model of the simulated eswitch
 * (sim-pipeline.h, README.md).  No sockets, no threads, no locks: the
 * plugin (sim.c) serialises the calls. */
#include "offload/hal-sim/sim-model.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIT(N) HALSIM_BIT(N)

void
halsim_msg(char *err, size_t err_size, const char *fmt, ...)
{
    va_list args;

    if (!err || !err_size) {
        return;
    }
    va_start(args, fmt);
    vsnprintf(err, err_size, fmt, args);
    va_end(args);
}

#define msg(...) halsim_msg(__VA_ARGS__)

/* ---------------------------------------------------------------------
 * The device (its structures: sim-model.h).
 * --------------------------------------------------------------------- */

int
halsim_create(const struct halsim_profile *profile,
              const struct halsim_sizes *sizes, const char *device,
              const char *const *port_names, size_t n_ports,
              halsim_send_fn *send, void *aux, struct halsim **simp)
{
    struct halsim *sim = calloc(1, sizeof *sim);

    *simp = NULL;
    if (!sim) {
        return ENOMEM;
    }
    sim->prof = *profile;
    if (sizes) {
        sim->sizes = *sizes;
    } else {
        halsim_sizes_default(&sim->sizes);
    }
    snprintf(sim->device, sizeof sim->device, "%s", device);
    sim->n_ports = n_ports;
    sim->ports = calloc(n_ports ? n_ports : 1, sizeof *sim->ports);
    sim->n_buckets = 64;
    sim->buckets = calloc(sim->n_buckets, sizeof *sim->buckets);
    if (!sim->ports || !sim->buckets) {
        halsim_destroy(sim);
        return ENOMEM;
    }
    for (size_t i = 0; i < n_ports; i++) {
        snprintf(sim->ports[i].name, sizeof sim->ports[i].name, "%s",
                 port_names[i]);
    }
    sim->send = send;
    sim->send_aux = aux;

    /* The caps never change: compute them once, with what the entry
     * checks need of them. */
    struct nicflow_hal_caps *caps = &sim->caps;
    halsim_profile_caps(&sim->prof, caps);
    snprintf(caps->device, sizeof caps->device, "%s", sim->device);
    caps->n_ports = sim->n_ports;
    halsim_tables_caps(sim, caps);
    for (size_t i = 0; i < caps->templates[0].n_fields; i++) {
        sim->template_fields |= BIT(caps->templates[0].fields[i].field);
    }
    *simp = sim;
    return 0;
}

void
halsim_destroy(struct halsim *sim)
{
    if (!sim) {
        return;
    }
    for (size_t i = 0; i < sim->n_entries; i++) {
        free(sim->order[i]);
    }
    free(sim->order);
    free(sim->buckets);
    free(sim->counters);
    free(sim->meters);
    halsim_tables_free(sim);
    free(sim->ports);
    free(sim);
}

size_t
halsim_n_ports(const struct halsim *sim)
{
    return sim->n_ports;
}

const char *
halsim_port_name(const struct halsim *sim, uint32_t chip_port)
{
    return chip_port && chip_port <= sim->n_ports
               ? sim->ports[chip_port - 1].name
               : NULL;
}

void
halsim_get_caps(const struct halsim *sim, struct nicflow_hal_caps *caps)
{
    *caps = sim->caps;
}

/* Checks what E refers to in the device: chip ports, meters, counters. */
static int
check_refs(const struct halsim *sim, const struct nicflow_hal_acl_entry *e,
           char *err, size_t err_size)
{
    for (size_t i = 0; i < e->n_actions; i++) {
        const struct nicflow_hal_action *a = &e->actions[i];

        if ((a->type == NICFLOW_HAL_A_REDIRECT
             || a->type == NICFLOW_HAL_A_MIRROR)
            && (!a->arg || a->arg > sim->n_ports)) {
            msg(err, err_size, "sim: %s to unknown chip port %u",
                a->type == NICFLOW_HAL_A_MIRROR ? "mirror" : "output", a->arg);
            return EINVAL;
        } else if (a->type == NICFLOW_HAL_A_POLICE
                   && (a->arg >= sim->n_meters || !sim->meters[a->arg].used)) {
            msg(err, err_size, "sim: no meter %u", a->arg);
            return ENOENT;
        } else if (a->type == NICFLOW_HAL_A_COUNT
                   && (a->arg >= sim->n_counters
                       || !sim->counters[a->arg].used)) {
            msg(err, err_size, "sim: no counter %u", a->arg);
            return ENOENT;
        } else if (a->type == NICFLOW_HAL_A_TUNNEL_ENCAP
                   && (a->arg >= sim->n_encaps || !sim->encaps[a->arg].used)) {
            msg(err, err_size, "sim: no tunnel encap %u", a->arg);
            return ENOENT;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * The ACL table.
 * --------------------------------------------------------------------- */

static size_t
hash_id(const struct halsim *sim, uint64_t id)
{
    return ((id ^ (id >> 31)) * 0x9e3779b97f4a7c15ull >> 17)
           & (sim->n_buckets - 1);
}

static struct sim_entry *
find_entry(const struct halsim *sim, uint64_t id, struct sim_entry ***prevp)
{
    struct sim_entry **prev = &sim->buckets[hash_id(sim, id)];

    for (; *prev; prev = &(*prev)->hnext) {
        if ((*prev)->id == id) {
            break;
        }
    }
    if (prevp) {
        *prevp = prev;
    }
    return *prev;
}

/* Grows the hash table when it holds more entries than chains; a failed
 * allocation keeps the old, longer chains. */
static void
maybe_rehash(struct halsim *sim)
{
    size_t old_n = sim->n_buckets;
    struct sim_entry **old = sim->buckets, **new;

    if (sim->n_entries < old_n) {
        return;
    }
    new = calloc(old_n * 2, sizeof *new);
    if (!new) {
        return;
    }
    sim->buckets = new;
    sim->n_buckets = old_n * 2;
    for (size_t b = 0; b < old_n; b++) {
        for (struct sim_entry *e = old[b], *next; e; e = next) {
            size_t h = hash_id(sim, e->id);

            next = e->hnext;
            e->hnext = new[h];
            new[h] = e;
        }
    }
    free(old);
}

/* Whether A comes before B in lookup order. */
static bool
entry_before(const struct sim_entry *a, const struct sim_entry *b)
{
    return a->priority != b->priority ? a->priority > b->priority
                                      : a->seq < b->seq;
}

/* The index in sim->order where E is or would go. */
static size_t
order_pos(const struct halsim *sim, const struct sim_entry *e)
{
    size_t lo = 0, hi = sim->n_entries;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (entry_before(sim->order[mid], e)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static void
order_remove(struct halsim *sim, const struct sim_entry *e)
{
    size_t i = order_pos(sim, e);

    memmove(&sim->order[i], &sim->order[i + 1],
            (sim->n_entries - i - 1) * sizeof *sim->order);
    sim->n_entries--;
}

static void
order_insert(struct halsim *sim, struct sim_entry *e)
{
    size_t i = order_pos(sim, e);

    memmove(&sim->order[i + 1], &sim->order[i],
            (sim->n_entries - i) * sizeof *sim->order);
    sim->order[i] = e;
    sim->n_entries++;
}

/* The chip port whose rules_per_port E's exact IN_PORT match uses, or 0. */
static uint32_t
entry_port(const struct halsim *sim, const struct nicflow_hal_acl_entry *e)
{
    for (size_t i = 0; i < e->n_matches; i++) {
        const struct nicflow_hal_match *m = &e->matches[i];

        if (m->field == NICFLOW_HAL_F_IN_PORT
            && !memcmp(m->mask, "\xff\xff\xff\xff", 4)) {
            uint32_t port = (uint32_t) m->value[0] << 24 | m->value[1] << 16
                            | m->value[2] << 8 | m->value[3];
            return port <= sim->n_ports ? port : 0;
        }
    }
    return 0;
}

int
halsim_acl_add(struct halsim *sim, const struct nicflow_hal_acl_entry *e,
               struct nicflow_hal_status *st)
{
    const struct halsim_profile *p = &sim->prof;
    struct sim_entry *old, *new;
    uint32_t port;
    int error = 0;

    memset(st, 0, sizeof *st);
    if (e->template_id != 0) {
        msg(st->msg, sizeof st->msg, "sim: no key template %u",
            e->template_id);
        error = EINVAL;
    } else if (e->n_matches > NICFLOW_HAL_MAX_MATCHES
               || e->n_actions > NICFLOW_HAL_MAX_ACTIONS) {
        msg(st->msg, sizeof st->msg, "sim: %u matches, %u actions: too many",
            e->n_matches, e->n_actions);
        error = EINVAL;
    } else if (e->priority > 0xffff) {
        msg(st->msg, sizeof st->msg, "sim: priority %u above 65535",
            e->priority);
        error = EINVAL;
    }
    error = error ? error
                  : halsim_profile_check_entry(p, sim->template_fields,
                                               sim->caps.acl_actions, e,
                                               st->msg, sizeof st->msg);
    error = error ? error : check_refs(sim, e, st->msg, sizeof st->msg);
    if (error) {
        return st->error = error;
    }

    old = find_entry(sim, e->id, NULL);
    port = entry_port(sim, e);
    if (!old && sim->n_entries >= p->rules_per_device) {
        msg(st->msg, sizeof st->msg, "sim: table full: %u/%u",
            (unsigned) sim->n_entries, p->rules_per_device);
        return st->error = ENOSPC;
    }
    if (!old && port && p->rules_per_port
        && sim->ports[port - 1].n_rules >= p->rules_per_port) {
        msg(st->msg, sizeof st->msg, "sim: port %s table full: %u/%u",
            sim->ports[port - 1].name, sim->ports[port - 1].n_rules,
            p->rules_per_port);
        return st->error = ENOSPC;
    }
    if (!old && sim->n_entries == sim->order_alloc) {
        size_t n = sim->order_alloc ? sim->order_alloc * 2 : 16;
        struct sim_entry **order = realloc(sim->order, n * sizeof *order);

        if (!order) {
            msg(st->msg, sizeof st->msg, "sim: out of memory");
            return st->error = ENOMEM;
        }
        sim->order = order;
        sim->order_alloc = n;
    }
    new = old ? old : calloc(1, sizeof *new);
    if (!new) {
        msg(st->msg, sizeof st->msg, "sim: out of memory");
        return st->error = ENOMEM;
    }

    /* A replaced entry keeps its place among equals (its seq), but moves
     * if its priority changed: take it out and put it back. */
    if (old) {
        order_remove(sim, old);
        if (old->port) {
            sim->ports[old->port - 1].n_rules--;
        }
    } else {
        new->id = e->id;
        new->seq = sim->next_seq++;
        new->hnext = sim->buckets[hash_id(sim, e->id)];
        sim->buckets[hash_id(sim, e->id)] = new;
    }
    new->priority = e->priority;
    new->port = port;
    new->n_matches = 0;
    for (size_t i = 0; i < e->n_matches; i++) {
        const struct nicflow_hal_match *m = &e->matches[i];
        struct sim_match *sm = &new->matches[new->n_matches];

        /* A zero mask compares nothing: leaving it out keeps frames that
         * lack the field matching. */
        if (halsim_is_zero(m->mask, sizeof m->mask)) {
            continue;
        }
        sm->field = m->field;
        for (size_t b = 0; b < NICFLOW_HAL_VALUE_MAX; b++) {
            sm->mask[b] = m->mask[b];
            sm->value[b] = m->value[b] & m->mask[b];
        }
        new->n_matches++;
    }
    new->n_actions = e->n_actions;
    memcpy(new->actions, e->actions, e->n_actions * sizeof *e->actions);
    if (port) {
        sim->ports[port - 1].n_rules++;
    }
    order_insert(sim, new);
    maybe_rehash(sim);
    return 0;
}

int
halsim_acl_del(struct halsim *sim, uint64_t id, struct nicflow_hal_status *st)
{
    struct sim_entry **prev, *e = find_entry(sim, id, &prev);

    memset(st, 0, sizeof *st);
    if (!e) {
        msg(st->msg, sizeof st->msg, "sim: no entry %llu",
            (unsigned long long) id);
        return st->error = ENOENT;
    }
    *prev = e->hnext;
    order_remove(sim, e);
    if (e->port) {
        sim->ports[e->port - 1].n_rules--;
    }
    free(e);
    return 0;
}

size_t
halsim_acl_count(const struct halsim *sim)
{
    return sim->n_entries;
}

bool
halsim_acl_uses_encap(const struct halsim *sim, uint32_t id)
{
    for (size_t i = 0; i < sim->n_entries; i++) {
        const struct sim_entry *e = sim->order[i];

        for (size_t a = 0; a < e->n_actions; a++) {
            if (e->actions[a].type == NICFLOW_HAL_A_TUNNEL_ENCAP
                && e->actions[a].arg == id) {
                return true;
            }
        }
    }
    return false;
}

/* ---------------------------------------------------------------------
 * Counters, meters, port statistics.
 * --------------------------------------------------------------------- */

int
halsim_counter_alloc(struct halsim *sim, uint32_t *id, char *err,
                     size_t err_size)
{
    uint32_t size = sim->prof.actions & BIT(HALSIM_PA_COUNT)
                        ? sim->prof.rules_per_device
                        : 0;

    for (size_t i = 0; i < sim->n_counters; i++) {
        if (!sim->counters[i].used) {
            memset(&sim->counters[i], 0, sizeof sim->counters[i]);
            sim->counters[i].used = true;
            *id = i;
            return 0;
        }
    }
    if (sim->n_counters >= size) {
        msg(err, err_size, "sim: counters full: %u/%u", size, size);
        return ENOSPC;
    }
    size_t n = sim->n_counters ? sim->n_counters * 2 : 64;
    n = n > size ? size : n;
    struct sim_counter *c = realloc(sim->counters, n * sizeof *c);
    if (!c) {
        msg(err, err_size, "sim: out of memory");
        return ENOMEM;
    }
    memset(&c[sim->n_counters], 0, (n - sim->n_counters) * sizeof *c);
    sim->counters = c;
    *id = sim->n_counters;
    c[sim->n_counters].used = true;
    sim->n_counters = n;
    return 0;
}

int
halsim_counter_read(const struct halsim *sim, uint32_t id,
                    struct nicflow_hal_counter *value)
{
    if (id >= sim->n_counters || !sim->counters[id].used) {
        memset(value, 0, sizeof *value);
        return ENOENT;
    }
    *value = sim->counters[id].value;
    return 0;
}

void
halsim_counter_free(struct halsim *sim, uint32_t id)
{
    if (id < sim->n_counters) {
        sim->counters[id].used = false;
    }
}

/* The size of METER's bucket in thousandths of a bit (packet): its burst,
 * or one second of its rate when it has none. */
static uint64_t
meter_capacity(const struct nicflow_hal_meter *m)
{
    uint64_t burst = m->burst ? m->burst : m->rate;

    return m->flags & NICFLOW_HAL_METER_PPS ? burst * 1000
                                            : burst * 1000 * 1000;
}

int
halsim_meter_set(struct halsim *sim, uint32_t id,
                 const struct nicflow_hal_meter *meter, uint64_t now_ns,
                 char *err, size_t err_size)
{
    if (!sim->prof.meters_supported) {
        msg(err, err_size, "profile %s: no police", sim->prof.name);
        return EOPNOTSUPP;
    }
    if (id >= sim->prof.meters_count || !meter->rate) {
        msg(err, err_size, "sim: meter %u: %s", id,
            meter->rate ? "id out of range" : "rate of 0");
        return EINVAL;
    }
    if (meter->flags & ~NICFLOW_HAL_METER_PPS) {
        msg(err, err_size, "sim: meter flags 0x%x not supported",
            meter->flags);
        return EOPNOTSUPP;
    }
    if (id >= sim->n_meters) {
        size_t n = id + 1 > sim->n_meters * 2 ? id + 1 : sim->n_meters * 2;
        n = n > sim->prof.meters_count ? sim->prof.meters_count : n;
        struct sim_meter *m = realloc(sim->meters, n * sizeof *m);

        if (!m) {
            msg(err, err_size, "sim: out of memory");
            return ENOMEM;
        }
        memset(&m[sim->n_meters], 0, (n - sim->n_meters) * sizeof *m);
        sim->meters = m;
        sim->n_meters = n;
    }
    struct sim_meter *m = &sim->meters[id];
    m->used = true;
    m->conf = *meter;
    m->tokens = meter_capacity(meter);
    m->last_ns = now_ns;
    return 0;
}

void
halsim_meter_del(struct halsim *sim, uint32_t id)
{
    if (id < sim->n_meters) {
        sim->meters[id].used = false;
    }
}

/* Refills M's bucket up to NOW_NS and takes a LEN-byte frame from it;
 * returns false if the frame is beyond the rate. */
static bool
meter_pass(struct sim_meter *m, size_t len, uint64_t now_ns)
{
    bool pps = m->conf.flags & NICFLOW_HAL_METER_PPS;
    uint64_t cap = meter_capacity(&m->conf);
    uint64_t cost = pps ? 1000 : (uint64_t) len * 8 * 1000;

    if (now_ns > m->last_ns) {
        /* Rate per second in thousandths: pps * 1000 or kbit/s * 10^6. */
        unsigned __int128 add = (unsigned __int128) m->conf.rate
                                * (now_ns - m->last_ns)
                                / (pps ? 1000000 : 1000);
        m->tokens = add >= cap - m->tokens ? cap : m->tokens + (uint64_t) add;
        m->last_ns = now_ns;
    }
    if (m->tokens < cost) {
        return false;
    }
    m->tokens -= cost;
    return true;
}

int
halsim_port_stats(const struct halsim *sim, uint32_t chip_port,
                  struct nicflow_hal_port_stats *stats)
{
    if (!chip_port || chip_port > sim->n_ports) {
        memset(stats, 0, sizeof *stats);
        return ENOENT;
    }
    *stats = sim->ports[chip_port - 1].stats;
    return 0;
}

/* ---------------------------------------------------------------------
 * Frames: lookup and actions.
 * --------------------------------------------------------------------- */

static bool
entry_matches(const struct sim_entry *e, const struct halsim_fields *f)
{
    for (size_t i = 0; i < e->n_matches; i++) {
        const struct sim_match *m = &e->matches[i];
        const uint8_t *v = f->value[m->field];

        if (!(f->present & BIT(m->field))) {
            return false;
        }
        for (size_t b = 0; b < halsim_field_bytes(m->field); b++) {
            if ((v[b] & m->mask[b]) != m->value[b]) {
                return false;
            }
        }
    }
    return true;
}

void
halsim_output(struct halsim *sim, uint32_t chip_port, const uint8_t *frame,
              size_t len)
{
    if (chip_port && chip_port <= sim->n_ports && sim->send
        && !sim->send(chip_port, frame, len, sim->send_aux)) {
        sim->ports[chip_port - 1].stats.tx_packets++;
        sim->ports[chip_port - 1].stats.tx_bytes += len;
    }
}

/* Step 3: applies ACL entry HIT to the LEN-byte FRAME (ROOM bytes of
 * buffer): counters, meters, then the actions in order. */
static void
acl_apply(struct halsim *sim, const struct sim_entry *hit, uint8_t *frame,
          size_t len, size_t room, uint64_t now_ns)
{
    const struct nicflow_hal_tunnel_encap *encap = NULL;
    uint32_t redirect = 0;
    size_t orig_len = len;

    /* Counters see every frame the entry takes, policed or not; then any
     * meter that finds the frame beyond its rate drops it. */
    for (size_t i = 0; i < hit->n_actions; i++) {
        const struct nicflow_hal_action *a = &hit->actions[i];

        if (a->type == NICFLOW_HAL_A_COUNT && a->arg < sim->n_counters
            && sim->counters[a->arg].used) {
            sim->counters[a->arg].value.n_packets++;
            sim->counters[a->arg].value.n_bytes += orig_len;
        }
    }
    for (size_t i = 0; i < hit->n_actions; i++) {
        const struct nicflow_hal_action *a = &hit->actions[i];

        if (a->type == NICFLOW_HAL_A_POLICE && a->arg < sim->n_meters
            && sim->meters[a->arg].used
            && !meter_pass(&sim->meters[a->arg], orig_len, now_ns)) {
            return;
        }
    }

    for (size_t i = 0; i < hit->n_actions; i++) {
        const struct nicflow_hal_action *a = &hit->actions[i];

        switch (a->type) {
        case NICFLOW_HAL_A_VLAN_PUSH:
            len = halsim_vlan_push(frame, len, room, a->tpid, a->tci);
            break;
        case NICFLOW_HAL_A_VLAN_POP:
            len = halsim_vlan_pop(frame, len);
            break;
        case NICFLOW_HAL_A_SET_FIELD:
            halsim_set_field(frame, len, a);
            break;
        case NICFLOW_HAL_A_MIRROR:
            halsim_output(sim, a->arg, frame, len);
            break;
        case NICFLOW_HAL_A_REDIRECT:
            redirect = a->arg;
            encap = NULL;
            break;
        case NICFLOW_HAL_A_TUNNEL_ENCAP:
            /* An encapsulation is a redirect (to the encap's port) that
             * also wraps the frame; a later REDIRECT overrides it as it
             * would any redirect.  An entry in use cannot be deleted, so
             * the encap exists. */
            if (a->arg < sim->n_encaps && sim->encaps[a->arg].used) {
                encap = &sim->encaps[a->arg].encap;
                redirect = encap->chip_port;
            }
            break;
        }
    }
    /* The last redirect sends the frame as all the actions left it,
     * encapsulated last if it was a TUNNEL_ENCAP. */
    if (encap) {
        len = halsim_encap(frame, len, room, encap);
    }
    if (redirect && len) {
        halsim_output(sim, redirect, frame, len);
    }
}

/* Step 4, L3: routes a frame to the router MAC.  Returns HALSIM_HW if it
 * routed the frame, HALSIM_HOST if the frame is for the router but has
 * no route or a TTL of 1 or less, HALSIM_NO_PORT if it is not for the
 * router (the next step then looks at it). */
static enum halsim_verdict
l3_step(struct halsim *sim, uint8_t *frame, size_t len, size_t room,
        const struct halsim_fields *f, const struct halsim_layout *l)
{
    const struct nicflow_hal_nexthop *nh;

    if (halsim_is_zero(sim->router_mac, 6) || len < 14
        || memcmp(frame, sim->router_mac, 6) || (!l->ipv4 && !l->ipv6)) {
        return HALSIM_NO_PORT;
    }
    if (f->value[NICFLOW_HAL_F_IP_TTL][0] <= 1) {
        return HALSIM_HOST;
    }
    nh = halsim_route_lookup(
        sim, l->ipv4 ? 4 : 6,
        f->value[l->ipv4 ? NICFLOW_HAL_F_IPV4_DST : NICFLOW_HAL_F_IPV6_DST]);
    if (!nh) {
        return HALSIM_HOST;
    }
    len = halsim_route_rewrite(frame, len, room, l, nh);
    halsim_output(sim, nh->chip_port, frame, len);
    return HALSIM_HW;
}

/* Step 5, the FDB: forwards the frame of VLAN VID by its destination MAC.
 * Returns HALSIM_HW if the FDB took it (forwarded or dropped), else
 * HALSIM_HOST. */
static enum halsim_verdict
fdb_step(struct halsim *sim, uint32_t in_port, uint16_t vid, uint8_t *frame,
         size_t len, size_t room, const struct halsim_fields *f)
{
    uint32_t out;
    int flags;
    bool tagged = f->value[NICFLOW_HAL_F_VLAN_TAGGED][0];

    if (!sim->n_fdb || len < 14) {
        return HALSIM_HOST;
    }
    out = halsim_fdb_lookup(sim, vid, frame);
    if (!out) {
        return HALSIM_HOST;
    }
    if (out == in_port) {
        return HALSIM_HW; /* Never back out of the port it came in on. */
    }
    /* The output port's membership of VID says whether the frame leaves
     * tagged; a port without any membership sends it as it came, and a
     * port with memberships but not of VID does not carry it (egress
     * filtering): dropped. */
    flags = halsim_port_vlan_flags(sim, out, vid);
    if (flags == 0) {
        return HALSIM_HW;
    } else if (flags > 0 && (flags & NICFLOW_HAL_PV_UNTAGGED)) {
        len = halsim_vlan_pop(frame, len);
    } else if (flags > 0 && !tagged && vid) {
        len = halsim_vlan_push(frame, len, room, 0x8100, vid);
    }
    halsim_output(sim, out, frame, len);
    return HALSIM_HW;
}

/* Steps 3 to 6 for the LEN-byte FRAME entering IN_PORT (a chip port, or a
 * decap entry's tunnel port) in VLAN VID.  The frame is changed only if
 * the verdict is HALSIM_HW. */
static enum halsim_verdict
forward(struct halsim *sim, uint32_t in_port, uint16_t vid, uint8_t *frame,
        size_t len, size_t room, uint64_t now_ns)
{
    struct halsim_fields f;
    struct halsim_layout l;
    enum halsim_verdict v;

    halsim_parse(frame, len, in_port, &f, &l);
    for (size_t i = 0; i < sim->n_entries; i++) {
        if (entry_matches(sim->order[i], &f)) {
            acl_apply(sim, sim->order[i], frame, len, room, now_ns);
            return HALSIM_HW;
        }
    }
    v = l3_step(sim, frame, len, room, &f, &l);
    if (v != HALSIM_NO_PORT) {
        return v;
    }
    return fdb_step(sim, in_port, vid, frame, len, room, &f);
}

enum halsim_verdict
halsim_process(struct halsim *sim, uint32_t chip_port, uint8_t *frame,
               size_t len, size_t room, uint64_t now_ns)
{
    struct nicflow_hal_port_stats *ps;
    struct halsim_fields f;
    struct halsim_layout l;
    enum halsim_verdict v;
    size_t inner_off, inner_len;
    uint32_t tunnel_port;
    uint16_t vid;

    if (!chip_port || chip_port > sim->n_ports) {
        return HALSIM_NO_PORT;
    }
    ps = &sim->ports[chip_port - 1].stats;
    ps->rx_packets++;
    ps->rx_bytes += len;
    halsim_parse(frame, len, chip_port, &f, &l);

    if (!halsim_vlan_ingress(sim, chip_port, &f, &vid)) {
        v = HALSIM_HW; /* Step 1: a VLAN the port does not carry. */
    } else if (halsim_decap_match(sim, frame, len, &f, &l, &inner_off,
                                  &inner_len, &tunnel_port)) {
        /* Step 2: the inner frame is processed in a copy, so that the
         * frame as it came is still there for the host if nothing takes
         * the inner one; its VLAN is its own tag's (a tunnel port has no
         * membership). */
        v = HALSIM_HOST;
        if (sim->scratch_size < inner_len + HALSIM_GROWTH) {
            uint8_t *s = realloc(sim->scratch, inner_len + HALSIM_GROWTH);

            if (s) {
                sim->scratch = s;
                sim->scratch_size = inner_len + HALSIM_GROWTH;
            }
        }
        if (sim->scratch_size >= inner_len + HALSIM_GROWTH) {
            struct halsim_fields inner;

            memcpy(sim->scratch, frame + inner_off, inner_len);
            halsim_parse(sim->scratch, inner_len, tunnel_port, &inner, NULL);
            vid = inner.present & BIT(NICFLOW_HAL_F_VLAN_VID)
                      ? (uint16_t) (inner.value[NICFLOW_HAL_F_VLAN_VID][0] << 8
                                    | inner.value[NICFLOW_HAL_F_VLAN_VID][1])
                      : 0;
            v = forward(sim, tunnel_port, vid, sim->scratch, inner_len,
                        sim->scratch_size, now_ns);
        }
    } else {
        v = forward(sim, chip_port, vid, frame, len, room, now_ns);
    }

    if (v == HALSIM_HW) {
        ps->hw_packets++;
        ps->hw_bytes += len;
    } else {
        ps->host_packets++;
        ps->host_bytes += len;
    }
    return v;
}
