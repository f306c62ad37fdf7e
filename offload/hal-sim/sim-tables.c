/* sim-tables.c: the simulated eswitch's tables beside the ACL
 * (sim-pipeline.h, README.md): port/VLAN membership, the FDB, the router
 * MAC, next hops, host entries and routes, tunnel encapsulations and
 * decapsulation entries, with the rules of hal.h's calls of the same
 * names, and the lookups halsim_process() makes in them.  Tables are
 * arrays scanned linearly: the model is for tests, not for speed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offload/hal-sim/sim-model.h"

#define BIT(N) HALSIM_BIT(N)
#define msg(...) halsim_msg(__VA_ARGS__)

void
halsim_sizes_default(struct halsim_sizes *s)
{
    *s = (struct halsim_sizes){
        .fdb = 0,
        .port_vlans = 4096,
        .nexthops = 256,
        .l3_hosts = 1024,
        .l3_routes = 1024,
        .tunnel_encaps = 256,
        .tunnel_decaps = 256,
    };
}

static struct nicflow_hal_table_caps
table(bool on, uint32_t size)
{
    return (struct nicflow_hal_table_caps){ on && size, on ? size : 0 };
}

void
halsim_tables_caps(const struct halsim *sim, struct nicflow_hal_caps *caps)
{
    const struct halsim_profile *p = &sim->prof;
    const struct halsim_sizes *s = &sim->sizes;
    /* A chip that routes rewrites MACs and decrements the TTL: a profile
     * without both cannot have L3 tables. */
    bool l3 = (p->actions & BIT(HALSIM_PA_SET_ETH))
              && (p->actions & BIT(HALSIM_PA_DEC_TTL));
    bool tun = p->tunnel_types != 0;

    caps->fdb = table(true, s->fdb);
    caps->port_vlans = table(true, s->port_vlans);
    caps->nexthops = table(l3, s->nexthops);
    /* Host entries and routes point at next hops: none without them. */
    caps->l3_hosts = table(l3 && s->nexthops, s->l3_hosts);
    caps->l3_routes = table(l3 && s->nexthops, s->l3_routes);
    caps->tunnel_encaps = table(tun, s->tunnel_encaps);
    caps->tunnel_decaps = table(tun, s->tunnel_decaps);
    caps->tunnel_types =
        caps->tunnel_encaps.supported || caps->tunnel_decaps.supported
            ? p->tunnel_types
            : 0;
    if ((p->actions & BIT(HALSIM_PA_TUNNEL_PUSH))
        && caps->tunnel_encaps.supported) {
        caps->acl_actions |=
            NICFLOW_HAL_ACTION_BIT(NICFLOW_HAL_A_TUNNEL_ENCAP);
    }
}

void
halsim_tables_free(struct halsim *sim)
{
    for (size_t i = 0; i < sim->n_ports; i++) {
        free(sim->ports[i].vlans);
    }
    free(sim->fdb);
    free(sim->nexthops);
    free(sim->routes);
    free(sim->encaps);
    free(sim->decaps);
    free(sim->scratch);
}

/* Fills *ST for ERROR and returns it (the message is already in st). */
static int
status(struct nicflow_hal_status *st, int error)
{
    st->error = error;
    if (!error) {
        st->msg[0] = '\0';
    }
    return error;
}

/* Refuses a call into table NAME when CAPS says the device lacks it. */
static int
check_on(const struct nicflow_hal_table_caps *caps, const char *name,
         char *err, size_t err_size)
{
    if (!caps->supported) {
        msg(err, err_size, "sim: no %s table (hal-args, profile)", name);
        return EOPNOTSUPP;
    }
    return 0;
}

/* Grows the id-indexed array *ARRAYP of *N elements of SIZE bytes to
 * hold ID (below LIMIT), zeroing what is new.  Returns 0 or ENOMEM. */
static int
grow(void **arrayp, size_t *n, size_t size, uint32_t id, uint32_t limit)
{
    size_t want;
    uint8_t *a;

    if (id < *n) {
        return 0;
    }
    want = *n * 2 > (size_t) id + 1 ? *n * 2 : (size_t) id + 1;
    want = want > limit ? limit : want;
    a = realloc(*arrayp, want * size);
    if (!a) {
        return ENOMEM;
    }
    memset(a + *n * size, 0, (want - *n) * size);
    *arrayp = a;
    *n = want;
    return 0;
}

/* ---------------------------------------------------------------------
 * Port/VLAN membership.
 * --------------------------------------------------------------------- */

int
halsim_port_vlan_add(struct halsim *sim,
                     const struct nicflow_hal_port_vlan *pv,
                     struct nicflow_hal_status *st)
{
    struct sim_port *port;
    uint8_t old;

    memset(st, 0, sizeof *st);
    if (check_on(&sim->caps.port_vlans, "port-vlans", st->msg,
                 sizeof st->msg)) {
        return status(st, EOPNOTSUPP);
    }
    if (!pv->chip_port || pv->chip_port > sim->n_ports) {
        msg(st->msg, sizeof st->msg, "sim: no chip port %u", pv->chip_port);
        return status(st, EINVAL);
    }
    if (pv->vid < 1 || pv->vid > 4094) {
        msg(st->msg, sizeof st->msg, "sim: VID %u outside 1..4094", pv->vid);
        return status(st, EINVAL);
    }
    port = &sim->ports[pv->chip_port - 1];
    if ((pv->flags & NICFLOW_HAL_PV_PVID) && port->pvid
        && port->pvid != pv->vid) {
        msg(st->msg, sizeof st->msg, "sim: port %s already has PVID %u",
            port->name, port->pvid);
        return status(st, EINVAL);
    }
    old = port->vlans ? port->vlans[pv->vid] : 0;
    if (!old && sim->n_port_vlans >= sim->sizes.port_vlans) {
        msg(st->msg, sizeof st->msg, "sim: port-vlans table full: %u/%u",
            sim->n_port_vlans, sim->sizes.port_vlans);
        return status(st, ENOSPC);
    }
    if (!port->vlans) {
        port->vlans = calloc(4096, 1);
        if (!port->vlans) {
            msg(st->msg, sizeof st->msg, "sim: out of memory");
            return status(st, ENOMEM);
        }
    }
    if (!old) {
        port->n_vlans++;
        sim->n_port_vlans++;
    }
    port->vlans[pv->vid] =
        SIM_PV_MEMBER
        | (pv->flags & (NICFLOW_HAL_PV_UNTAGGED | NICFLOW_HAL_PV_PVID));
    if (pv->flags & NICFLOW_HAL_PV_PVID) {
        port->pvid = pv->vid;
    } else if (port->pvid == pv->vid) {
        port->pvid = 0; /* The changed flags no longer make it the PVID. */
    }
    return 0;
}

int
halsim_port_vlan_del(struct halsim *sim,
                     const struct nicflow_hal_port_vlan *pv,
                     struct nicflow_hal_status *st)
{
    struct sim_port *port;

    memset(st, 0, sizeof *st);
    if (check_on(&sim->caps.port_vlans, "port-vlans", st->msg,
                 sizeof st->msg)) {
        return status(st, EOPNOTSUPP);
    }
    port = pv->chip_port && pv->chip_port <= sim->n_ports
               ? &sim->ports[pv->chip_port - 1]
               : NULL;
    if (!port || pv->vid > 4095 || !port->vlans || !port->vlans[pv->vid]) {
        msg(st->msg, sizeof st->msg, "sim: no membership of port %u in VID %u",
            pv->chip_port, pv->vid);
        return status(st, ENOENT);
    }
    port->vlans[pv->vid] = 0;
    port->n_vlans--;
    sim->n_port_vlans--;
    if (port->pvid == pv->vid) {
        port->pvid = 0;
    }
    return 0;
}

int
halsim_port_vlan_flags(const struct halsim *sim, uint32_t chip_port,
                       uint16_t vid)
{
    const struct sim_port *port;

    if (!chip_port || chip_port > sim->n_ports) {
        return -1;
    }
    port = &sim->ports[chip_port - 1];
    return !port->n_vlans ? -1 : vid < 4096 ? port->vlans[vid] : 0;
}

bool
halsim_vlan_ingress(const struct halsim *sim, uint32_t chip_port,
                    const struct halsim_fields *f, uint16_t *vid)
{
    const struct sim_port *port = &sim->ports[chip_port - 1];
    const uint8_t *v = f->value[NICFLOW_HAL_F_VLAN_VID];
    bool tagged = f->value[NICFLOW_HAL_F_VLAN_TAGGED][0];

    /* A priority tag (VID 0) classifies as an untagged frame does. */
    *vid = f->present & BIT(NICFLOW_HAL_F_VLAN_VID) ? (v[0] << 8 | v[1]) : 0;
    if (!*vid) {
        *vid = port->pvid;
        /* A tag cut short holds no VID the port could carry. */
        return !(tagged && !(f->present & BIT(NICFLOW_HAL_F_VLAN_VID))
                 && port->n_vlans);
    }
    return !port->n_vlans || port->vlans[*vid];
}

/* ---------------------------------------------------------------------
 * The FDB.
 * --------------------------------------------------------------------- */

static struct nicflow_hal_fdb_entry *
fdb_find(const struct halsim *sim, uint16_t vid, const uint8_t mac[6])
{
    for (size_t i = 0; i < sim->n_fdb; i++) {
        if (sim->fdb[i].vid == vid && !memcmp(sim->fdb[i].mac, mac, 6)) {
            return &sim->fdb[i];
        }
    }
    return NULL;
}

int
halsim_fdb_add(struct halsim *sim, const struct nicflow_hal_fdb_entry *e,
               struct nicflow_hal_status *st)
{
    struct nicflow_hal_fdb_entry *old;

    memset(st, 0, sizeof *st);
    if (check_on(&sim->caps.fdb, "fdb", st->msg, sizeof st->msg)) {
        return status(st, EOPNOTSUPP);
    }
    if (!e->chip_port || e->chip_port > sim->n_ports || e->vid > 4094) {
        msg(st->msg, sizeof st->msg, "sim: fdb entry: %s %u",
            e->vid > 4094 ? "bad VID" : "no chip port",
            e->vid > 4094 ? e->vid : e->chip_port);
        return status(st, EINVAL);
    }
    old = fdb_find(sim, e->vid, e->mac);
    if (old) {
        old->chip_port = e->chip_port;
        return 0;
    }
    if (sim->n_fdb >= sim->sizes.fdb) {
        msg(st->msg, sizeof st->msg, "sim: fdb table full: %u/%u",
            (unsigned) sim->n_fdb, sim->sizes.fdb);
        return status(st, ENOSPC);
    }
    /* Allocated at full size on first use: FDB sizes are small. */
    if (!sim->fdb) {
        sim->fdb = calloc(sim->sizes.fdb, sizeof *sim->fdb);
        if (!sim->fdb) {
            msg(st->msg, sizeof st->msg, "sim: out of memory");
            return status(st, ENOMEM);
        }
    }
    sim->fdb[sim->n_fdb] = *e;
    sim->n_fdb++;
    return 0;
}

int
halsim_fdb_del(struct halsim *sim, const struct nicflow_hal_fdb_entry *e,
               struct nicflow_hal_status *st)
{
    struct nicflow_hal_fdb_entry *old;

    memset(st, 0, sizeof *st);
    if (check_on(&sim->caps.fdb, "fdb", st->msg, sizeof st->msg)) {
        return status(st, EOPNOTSUPP);
    }
    old = fdb_find(sim, e->vid, e->mac);
    if (!old) {
        msg(st->msg, sizeof st->msg, "sim: no fdb entry in VID %u", e->vid);
        return status(st, ENOENT);
    }
    *old = sim->fdb[--sim->n_fdb];
    return 0;
}

uint32_t
halsim_fdb_lookup(const struct halsim *sim, uint16_t vid, const uint8_t mac[6])
{
    const struct nicflow_hal_fdb_entry *e = fdb_find(sim, vid, mac);

    return e ? e->chip_port : 0;
}

/* ---------------------------------------------------------------------
 * L3.
 * --------------------------------------------------------------------- */

int
halsim_l3_config(struct halsim *sim, const struct nicflow_hal_l3_config *c,
                 char *err, size_t err_size)
{
    int error = check_on(&sim->caps.nexthops, "nexthops", err, err_size);

    if (!error) {
        memcpy(sim->router_mac, c->router_mac, 6);
    }
    return error;
}

int
halsim_nexthop_set(struct halsim *sim, uint32_t id,
                   const struct nicflow_hal_nexthop *nh, char *err,
                   size_t err_size)
{
    int error = check_on(&sim->caps.nexthops, "nexthops", err, err_size);

    if (error) {
        return error;
    }
    if (id >= sim->sizes.nexthops || !nh->chip_port
        || nh->chip_port > sim->n_ports || nh->vid > 4094) {
        msg(err, err_size, "sim: next hop %u: %s", id,
            id >= sim->sizes.nexthops ? "id out of range"
            : nh->vid > 4094          ? "bad VID"
                                      : "no such chip port");
        return EINVAL;
    }
    if (grow((void **) &sim->nexthops, &sim->n_nexthops, sizeof *sim->nexthops,
             id, sim->sizes.nexthops)) {
        msg(err, err_size, "sim: out of memory");
        return ENOMEM;
    }
    sim->nexthops[id].used = true;
    sim->nexthops[id].nh = *nh;
    return 0;
}

int
halsim_nexthop_del(struct halsim *sim, uint32_t id, char *err, size_t err_size)
{
    int error = check_on(&sim->caps.nexthops, "nexthops", err, err_size);

    if (error) {
        return error;
    }
    if (id >= sim->n_nexthops || !sim->nexthops[id].used) {
        msg(err, err_size, "sim: no next hop %u", id);
        return ENOENT;
    }
    for (size_t i = 0; i < sim->n_routes; i++) {
        if (sim->routes[i].nexthop == id) {
            msg(err, err_size, "sim: next hop %u is used by a route", id);
            return EBUSY;
        }
    }
    sim->nexthops[id].used = false;
    return 0;
}

/* Whether the first PLEN bits of A and B are equal. */
static bool
prefix_eq(const uint8_t *a, const uint8_t *b, unsigned plen)
{
    unsigned n = plen / 8, rest = plen % 8;

    return !memcmp(a, b, n)
           && (!rest || !((a[n] ^ b[n]) & (0xff00 >> rest) & 0xff));
}

/* Checks R's family, length and address bits; the full length of its
 * family into *FULL. */
static int
check_route(const struct nicflow_hal_route *r, unsigned *full, char *err,
            size_t err_size)
{
    *full = r->family == 4 ? 32 : 128;
    if (r->family != 4 && r->family != 6) {
        msg(err, err_size, "sim: route of family %u", r->family);
        return EINVAL;
    }
    if (r->prefix_len > *full) {
        msg(err, err_size, "sim: prefix length %u beyond %u", r->prefix_len,
            *full);
        return EINVAL;
    }
    /* Every bit beyond the prefix, up to all 16 bytes, must be zero:
     * compare the address against zero from the prefix on. */
    for (unsigned b = r->prefix_len; b < 128; b++) {
        if (r->addr[b / 8] & (0x80 >> (b % 8))) {
            msg(err, err_size, "sim: address bits beyond /%u set",
                r->prefix_len);
            return EINVAL;
        }
    }
    return 0;
}

static struct nicflow_hal_route *
route_find(const struct halsim *sim, const struct nicflow_hal_route *r)
{
    for (size_t i = 0; i < sim->n_routes; i++) {
        struct nicflow_hal_route *x = &sim->routes[i];

        if (x->family == r->family && x->prefix_len == r->prefix_len
            && !memcmp(x->addr, r->addr, 16)) {
            return x;
        }
    }
    return NULL;
}

int
halsim_route_add(struct halsim *sim, const struct nicflow_hal_route *r,
                 struct nicflow_hal_status *st)
{
    struct nicflow_hal_route *old;
    unsigned full;
    bool host;
    int error;

    memset(st, 0, sizeof *st);
    error = check_route(r, &full, st->msg, sizeof st->msg);
    host = r->prefix_len == full;
    error = error ? error
                  : check_on(host ? &sim->caps.l3_hosts : &sim->caps.l3_routes,
                             host ? "l3-hosts" : "l3-routes", st->msg,
                             sizeof st->msg);
    if (error) {
        return status(st, error);
    }
    if (r->nexthop >= sim->n_nexthops || !sim->nexthops[r->nexthop].used) {
        msg(st->msg, sizeof st->msg, "sim: no next hop %u", r->nexthop);
        return status(st, ENOENT);
    }
    old = route_find(sim, r);
    if (old) {
        old->nexthop = r->nexthop;
        return 0;
    }
    uint32_t n = host ? sim->n_l3_hosts : sim->n_l3_routes;
    uint32_t size = host ? sim->sizes.l3_hosts : sim->sizes.l3_routes;
    if (n >= size) {
        msg(st->msg, sizeof st->msg, "sim: %s table full: %u/%u",
            host ? "l3-hosts" : "l3-routes", n, size);
        return status(st, ENOSPC);
    }
    if (sim->n_routes == sim->routes_alloc) {
        size_t want = sim->routes_alloc ? sim->routes_alloc * 2 : 16;
        struct nicflow_hal_route *a = realloc(sim->routes, want * sizeof *a);

        if (!a) {
            msg(st->msg, sizeof st->msg, "sim: out of memory");
            return status(st, ENOMEM);
        }
        sim->routes = a;
        sim->routes_alloc = want;
    }
    sim->routes[sim->n_routes++] = *r;
    *(host ? &sim->n_l3_hosts : &sim->n_l3_routes) += 1;
    return 0;
}

int
halsim_route_del(struct halsim *sim, const struct nicflow_hal_route *r,
                 struct nicflow_hal_status *st)
{
    struct nicflow_hal_route *old;
    unsigned full;

    memset(st, 0, sizeof *st);
    if (check_on(&sim->caps.nexthops, "nexthops", st->msg, sizeof st->msg)) {
        return status(st, EOPNOTSUPP);
    }
    old = route_find(sim, r);
    if (!old) {
        msg(st->msg, sizeof st->msg, "sim: no route /%u of family %u",
            r->prefix_len, r->family);
        return status(st, ENOENT);
    }
    full = old->family == 4 ? 32 : 128;
    *(old->prefix_len == full ? &sim->n_l3_hosts : &sim->n_l3_routes) -= 1;
    *old = sim->routes[--sim->n_routes];
    return 0;
}

const struct nicflow_hal_nexthop *
halsim_route_lookup(const struct halsim *sim, uint8_t family,
                    const uint8_t *addr)
{
    const struct nicflow_hal_route *best = NULL;

    /* A host entry is a prefix of full length, so it wins over any
     * route. */
    for (size_t i = 0; i < sim->n_routes; i++) {
        const struct nicflow_hal_route *r = &sim->routes[i];

        if (r->family == family && (!best || r->prefix_len > best->prefix_len)
            && prefix_eq(r->addr, addr, r->prefix_len)) {
            best = r;
        }
    }
    return best && best->nexthop < sim->n_nexthops
                   && sim->nexthops[best->nexthop].used
               ? &sim->nexthops[best->nexthop].nh
               : NULL;
}

/* ---------------------------------------------------------------------
 * Tunnels.
 * --------------------------------------------------------------------- */

/* Checks a tunnel TYPE, FAMILY and VNI shared by encaps and decaps. */
static int
check_tunnel(const struct halsim *sim, uint32_t type, uint8_t family,
             uint32_t vni, char *err, size_t err_size)
{
    if (type > NICFLOW_HAL_TUN_GRE
        || !(sim->caps.tunnel_types & NICFLOW_HAL_TUNNEL_BIT(type))) {
        msg(err, err_size, "profile %s: no tunnel type %u", sim->prof.name,
            type);
        return EOPNOTSUPP;
    }
    if (family != 4 && family != 6) {
        msg(err, err_size, "sim: tunnel of family %u", family);
        return EINVAL;
    }
    if (type != NICFLOW_HAL_TUN_GRE && vni > 0xffffff) {
        msg(err, err_size, "sim: VNI %u beyond 24 bits", vni);
        return EINVAL;
    }
    return 0;
}

int
halsim_tunnel_encap_set(struct halsim *sim, uint32_t id,
                        const struct nicflow_hal_tunnel_encap *e, char *err,
                        size_t err_size)
{
    int error =
        check_on(&sim->caps.tunnel_encaps, "tunnel-encaps", err, err_size);

    if (!error && id >= sim->sizes.tunnel_encaps) {
        msg(err, err_size, "sim: tunnel encap %u: id out of range", id);
        error = EINVAL;
    }
    error = error
                ? error
                : check_tunnel(sim, e->type, e->family, e->vni, err, err_size);
    if (error) {
        return error;
    }
    if (!e->chip_port || e->chip_port > sim->n_ports || e->vid > 4094) {
        msg(err, err_size, "sim: tunnel encap %u: %s", id,
            e->vid > 4094 ? "bad VID" : "no such chip port");
        return EINVAL;
    }
    if (grow((void **) &sim->encaps, &sim->n_encaps, sizeof *sim->encaps, id,
             sim->sizes.tunnel_encaps)) {
        msg(err, err_size, "sim: out of memory");
        return ENOMEM;
    }
    sim->encaps[id].used = true;
    sim->encaps[id].encap = *e;
    return 0;
}

int
halsim_tunnel_encap_del(struct halsim *sim, uint32_t id, char *err,
                        size_t err_size)
{
    int error =
        check_on(&sim->caps.tunnel_encaps, "tunnel-encaps", err, err_size);

    if (error) {
        return error;
    }
    if (id >= sim->n_encaps || !sim->encaps[id].used) {
        msg(err, err_size, "sim: no tunnel encap %u", id);
        return ENOENT;
    }
    if (halsim_acl_uses_encap(sim, id)) {
        msg(err, err_size, "sim: tunnel encap %u is used by an ACL entry", id);
        return EBUSY;
    }
    sim->encaps[id].used = false;
    return 0;
}

/* Whether decap entries A and B are equal (all but the tunnel port). */
static bool
decap_eq(const struct nicflow_hal_tunnel_decap *a,
         const struct nicflow_hal_tunnel_decap *b)
{
    return a->type == b->type && a->family == b->family && a->vni == b->vni
           && a->dst_port == b->dst_port && !memcmp(a->src, b->src, 16)
           && !memcmp(a->dst, b->dst, 16);
}

int
halsim_tunnel_decap_add(struct halsim *sim,
                        const struct nicflow_hal_tunnel_decap *d,
                        struct nicflow_hal_status *st)
{
    int error;

    memset(st, 0, sizeof *st);
    error = check_on(&sim->caps.tunnel_decaps, "tunnel-decaps", st->msg,
                     sizeof st->msg);
    error = error ? error
                  : check_tunnel(sim, d->type, d->family, d->vni, st->msg,
                                 sizeof st->msg);
    if (!error && (!d->tunnel_port || d->tunnel_port <= sim->n_ports)) {
        msg(st->msg, sizeof st->msg,
            "sim: tunnel port %u is not outside the port map (1..%u)",
            d->tunnel_port, (unsigned) sim->n_ports);
        error = EINVAL;
    }
    if (error) {
        return status(st, error);
    }
    for (size_t i = 0; i < sim->n_decaps; i++) {
        if (decap_eq(&sim->decaps[i], d)) {
            sim->decaps[i] = *d;
            return 0;
        }
    }
    if (sim->n_decaps >= sim->sizes.tunnel_decaps) {
        msg(st->msg, sizeof st->msg, "sim: tunnel-decaps table full: %u/%u",
            (unsigned) sim->n_decaps, sim->sizes.tunnel_decaps);
        return status(st, ENOSPC);
    }
    if (!sim->decaps) {
        sim->decaps = calloc(sim->sizes.tunnel_decaps, sizeof *sim->decaps);
        if (!sim->decaps) {
            msg(st->msg, sizeof st->msg, "sim: out of memory");
            return status(st, ENOMEM);
        }
    }
    sim->decaps[sim->n_decaps++] = *d;
    return 0;
}

int
halsim_tunnel_decap_del(struct halsim *sim,
                        const struct nicflow_hal_tunnel_decap *d,
                        struct nicflow_hal_status *st)
{
    memset(st, 0, sizeof *st);
    if (check_on(&sim->caps.tunnel_decaps, "tunnel-decaps", st->msg,
                 sizeof st->msg)) {
        return status(st, EOPNOTSUPP);
    }
    for (size_t i = 0; i < sim->n_decaps; i++) {
        if (decap_eq(&sim->decaps[i], d)) {
            sim->decaps[i] = sim->decaps[--sim->n_decaps];
            return 0;
        }
    }
    msg(st->msg, sizeof st->msg, "sim: no such tunnel decap entry");
    return status(st, ENOENT);
}
