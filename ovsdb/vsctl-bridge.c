/* vsctl-bridge.c: ovs-vsctl's view of bridges, ports and interfaces, and
 * the commands that work on it.
 *
 * The cache is built from the Open_vSwitch row's bridges the first time a
 * command needs it, and kept up to date by the commands here; generic
 * commands that may change rows behind its back invalidate it.  A "fake
 * bridge" (add-br BR PARENT VLAN) is a Port of its parent with
 * fake_bridge=true and a tag; the parent's ports with that tag belong to
 * it. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/vlog.h"
#include "ovsdb/vsctl.h"

/* ovs-vsctl's own warnings come from its "vsctl" module. */
VLOG_DEFINE_THIS_MODULE(vsctl);

struct vsctl_bridge {
    const struct ovsdb_idl_row *br_cfg; /* NULL for a fake bridge. */
    char *name;
    struct vsctl_bridge *parent; /* Fake bridges only. */
    int vlan;
    struct vsctl_port **ports;
    size_t n_ports, allocated_ports;
    struct vsctl_bridge **children; /* Fake bridges of a real one. */
    size_t n_children;
};

struct vsctl_port {
    const struct ovsdb_idl_row *port_cfg;
    struct vsctl_bridge *bridge;
    struct vsctl_iface **ifaces;
    size_t n_ifaces, allocated_ifaces;
};

struct vsctl_iface {
    const struct ovsdb_idl_row *iface_cfg;
    struct vsctl_port *port;
};

struct vsctl_cache {
    struct vsctl_bridge **bridges;
    size_t n_bridges;
    struct vsctl_port **ports;
    size_t n_ports;
    struct vsctl_iface **ifaces;
    size_t n_ifaces;
    /* Ports and interfaces by name: a chain of N add-port commands looks
     * up each new name, which a scan of the arrays makes O(N^2). */
    struct hmap port_index;
    struct hmap iface_index;
};

/* An entry of a name index: NAME (a copy) stands for DATA. */
struct name_node {
    struct hmap_node node;
    void *data;
    char name[];
};

static void
name_index_add(struct hmap *index, const char *name, void *data)
{
    size_t len = strlen(name);
    struct name_node *nn = xmalloc(sizeof *nn + len + 1);
    nn->data = data;
    memcpy(nn->name, name, len + 1);
    hmap_insert(index, &nn->node, hash_string(name, 0));
}

static struct name_node *
name_index_find(const struct hmap *index, const char *name)
{
    struct name_node *nn;
    HMAP_FOR_EACH_WITH_HASH (nn, node, hash_string(name, 0), index) {
        if (!strcmp(nn->name, name)) {
            return nn;
        }
    }
    return NULL;
}

/* Removes the entry for DATA under NAME, if there is one. */
static void
name_index_remove(struct hmap *index, const char *name, const void *data)
{
    struct name_node *nn;
    HMAP_FOR_EACH_WITH_HASH (nn, node, hash_string(name, 0), index) {
        if (nn->data == data && !strcmp(nn->name, name)) {
            hmap_remove(index, &nn->node);
            free(nn);
            return;
        }
    }
}

static void
name_index_clear(struct hmap *index)
{
    struct name_node *nn;
    HMAP_FOR_EACH_SAFE (nn, node, index) {
        hmap_remove(index, &nn->node);
        free(nn);
    }
    hmap_destroy(index);
}

/* Generic growable arrays of pointers. */
#define PTR_PUSH(ARRAY, N, ALLOCATED, P)                                \
    do {                                                                \
        if ((N) >= (ALLOCATED)) {                                       \
            (ALLOCATED) = (ALLOCATED) ? 2 * (ALLOCATED) : 8;            \
            (ARRAY) = xrealloc((ARRAY), (ALLOCATED) * sizeof *(ARRAY)); \
        }                                                               \
        (ARRAY)[(N)++] = (P);                                           \
    } while (0)

static void
ptr_remove(void **array, size_t *n, const void *p)
{
    for (size_t i = 0; i < *n; i++) {
        if (array[i] == p) {
            memmove(&array[i], &array[i + 1], (*n - i - 1) * sizeof *array);
            (*n)--;
            return;
        }
    }
}

static const char *
row_name(const struct ovsdb_idl_row *row)
{
    const char *s = ovsdb_idl_row_get_string(row, "name");
    return s ? s : "";
}

/* The port's tag if it has one in 0...4095, else -1. */
static int
port_tag(const struct ovsdb_idl_row *port)
{
    const struct ovsdb_datum *d = vsctl_read(port, "tag");
    return d->n == 1 && d->keys[0].integer >= 0 && d->keys[0].integer <= 4095
               ? (int) d->keys[0].integer
               : -1;
}

static bool
port_is_fake_bridge(const struct ovsdb_idl_row *port)
{
    return ovsdb_idl_row_get_boolean(port, "fake_bridge", false)
           && port_tag(port) >= 0;
}

static void
cache_destroy(struct vsctl_cache *c)
{
    if (!c) {
        return;
    }
    for (size_t i = 0; i < c->n_bridges; i++) {
        free(c->bridges[i]->name);
        free(c->bridges[i]->ports);
        free(c->bridges[i]->children);
        free(c->bridges[i]);
    }
    for (size_t i = 0; i < c->n_ports; i++) {
        free(c->ports[i]->ifaces);
        free(c->ports[i]);
    }
    for (size_t i = 0; i < c->n_ifaces; i++) {
        free(c->ifaces[i]);
    }
    name_index_clear(&c->port_index);
    name_index_clear(&c->iface_index);
    free(c->bridges);
    free(c->ports);
    free(c->ifaces);
    free(c);
}

void
vsctl_cache_invalidate(struct vsctl_context *ctx)
{
    cache_destroy(ctx->cache);
    ctx->cache = NULL;
}

static struct vsctl_bridge *
cache_bridge(const struct vsctl_cache *c, const char *name)
{
    for (size_t i = 0; i < c->n_bridges; i++) {
        if (!strcmp(c->bridges[i]->name, name)) {
            return c->bridges[i];
        }
    }
    return NULL;
}

/* The first port (interface) cached under NAME, as the scan of the arrays
 * in cache order would find it. */
static struct vsctl_port *
cache_port(const struct vsctl_cache *c, const char *name)
{
    struct name_node *nn = name_index_find(&c->port_index, name);
    return nn ? nn->data : NULL;
}

static struct vsctl_iface *
cache_iface(const struct vsctl_cache *c, const char *name)
{
    struct name_node *nn = name_index_find(&c->iface_index, name);
    return nn ? nn->data : NULL;
}

static struct vsctl_bridge *
find_vlan_bridge(const struct vsctl_bridge *parent, int vlan)
{
    for (size_t i = 0; i < parent->n_children; i++) {
        if (parent->children[i]->vlan == vlan) {
            return parent->children[i];
        }
    }
    return NULL;
}

static struct vsctl_bridge *
add_bridge_to_cache(struct vsctl_cache *c, const struct ovsdb_idl_row *br_cfg,
                    const char *name, struct vsctl_bridge *parent, int vlan)
{
    struct vsctl_bridge *br = xzalloc(sizeof *br);
    br->br_cfg = br_cfg;
    br->name = xstrdup(name);
    br->parent = parent;
    br->vlan = vlan;
    if (parent) {
        struct vsctl_bridge *conflict = find_vlan_bridge(parent, vlan);
        if (conflict) {
            VLOG_WARN("%s: bridge has multiple VLAN bridges (%s and %s) for "
                      "VLAN %d, but only one is allowed",
                      parent->name, name, conflict->name, vlan);
        } else {
            parent->children =
                xrealloc(parent->children,
                         (parent->n_children + 1) * sizeof *parent->children);
            parent->children[parent->n_children++] = br;
        }
    }
    size_t n = c->n_bridges;
    PTR_PUSH(c->bridges, c->n_bridges, n, br);
    return br;
}

static struct vsctl_port *
add_port_to_cache(struct vsctl_cache *c, struct vsctl_bridge *parent,
                  const struct ovsdb_idl_row *port_cfg)
{
    int tag = port_tag(port_cfg);
    if (tag >= 0) {
        struct vsctl_bridge *vlan_bridge = find_vlan_bridge(parent, tag);
        if (vlan_bridge) {
            parent = vlan_bridge;
        }
    }
    struct vsctl_port *port = xzalloc(sizeof *port);
    port->port_cfg = port_cfg;
    port->bridge = parent;
    PTR_PUSH(parent->ports, parent->n_ports, parent->allocated_ports, port);
    size_t n = c->n_ports;
    PTR_PUSH(c->ports, c->n_ports, n, port);
    if (!cache_port(c, row_name(port_cfg))) {
        name_index_add(&c->port_index, row_name(port_cfg), port);
    }
    return port;
}

static void
add_iface_to_cache(struct vsctl_cache *c, struct vsctl_port *port,
                   const struct ovsdb_idl_row *iface_cfg)
{
    struct vsctl_iface *iface = xzalloc(sizeof *iface);
    iface->iface_cfg = iface_cfg;
    iface->port = port;
    PTR_PUSH(port->ifaces, port->n_ifaces, port->allocated_ifaces, iface);
    size_t n = c->n_ifaces;
    PTR_PUSH(c->ifaces, c->n_ifaces, n, iface);
    if (!cache_iface(c, row_name(iface_cfg))) {
        name_index_add(&c->iface_index, row_name(iface_cfg), iface);
    }
}

/* String sets, for the duplicate checks of populating. */
struct name_set {
    struct hmap index;
};

/* Adds NAME; returns false if it was already there. */
static bool
name_set_add(struct name_set *s, const char *name)
{
    if (name_index_find(&s->index, name)) {
        return false;
    }
    name_index_add(&s->index, name, NULL);
    return true;
}

static void
name_set_clear(struct name_set *s)
{
    name_index_clear(&s->index);
    memset(s, 0, sizeof *s);
}

int
vsctl_cache_populate(struct vsctl_context *ctx)
{
    if (ctx->cache) {
        return 0;
    }
    struct vsctl_cache *c = ctx->cache = xzalloc(sizeof *c);
    struct name_set bridges = { 0 }, ports = { 0 };
    const struct ovsdb_datum *brs = vsctl_read(ctx->ovs, "bridges");

    /* Bridges first, real and fake, so that ports find their VLAN
     * bridge whatever the order. */
    for (unsigned int i = 0; i < brs->n; i++) {
        const struct ovsdb_idl_row *br_cfg =
            vsctl_deref(ctx, ctx->ovs, "bridges", i);
        if (!br_cfg) {
            continue;
        }
        if (!name_set_add(&bridges, row_name(br_cfg))) {
            VLOG_WARN("%s: database contains duplicate bridge name",
                      row_name(br_cfg));
            continue;
        }
        struct vsctl_bridge *br =
            add_bridge_to_cache(c, br_cfg, row_name(br_cfg), NULL, 0);
        const struct ovsdb_datum *pts = vsctl_read(br_cfg, "ports");
        for (unsigned int j = 0; j < pts->n; j++) {
            const struct ovsdb_idl_row *port_cfg =
                vsctl_deref(ctx, br_cfg, "ports", j);
            if (!port_cfg || !name_set_add(&ports, row_name(port_cfg))) {
                continue;
            }
            if (port_is_fake_bridge(port_cfg)
                && name_set_add(&bridges, row_name(port_cfg))) {
                add_bridge_to_cache(c, NULL, row_name(port_cfg), br,
                                    port_tag(port_cfg));
            }
        }
    }
    name_set_clear(&bridges);
    name_set_clear(&ports);

    for (unsigned int i = 0; i < brs->n; i++) {
        const struct ovsdb_idl_row *br_cfg =
            vsctl_deref(ctx, ctx->ovs, "bridges", i);
        if (!br_cfg || !name_set_add(&bridges, row_name(br_cfg))) {
            continue;
        }
        struct vsctl_bridge *br = cache_bridge(c, row_name(br_cfg));
        const struct ovsdb_datum *pts = vsctl_read(br_cfg, "ports");
        for (unsigned int j = 0; j < pts->n; j++) {
            const struct ovsdb_idl_row *port_cfg =
                vsctl_deref(ctx, br_cfg, "ports", j);
            if (!port_cfg) {
                continue;
            }
            struct vsctl_port *port = cache_port(c, row_name(port_cfg));
            if (port) {
                if (port_cfg == port->port_cfg) {
                    VLOG_WARN("%s: port is in multiple bridges (%s and %s)",
                              row_name(port_cfg), br->name,
                              port->bridge->name);
                } else {
                    VLOG_ERR("%s: database contains duplicate port name",
                             row_name(port_cfg));
                }
                continue;
            }
            if (port_is_fake_bridge(port_cfg)
                && !name_set_add(&bridges, row_name(port_cfg))) {
                continue;
            }
            port = add_port_to_cache(c, br, port_cfg);
            const struct ovsdb_datum *ifs = vsctl_read(port_cfg, "interfaces");
            for (unsigned int k = 0; k < ifs->n; k++) {
                const struct ovsdb_idl_row *iface_cfg =
                    vsctl_deref(ctx, port_cfg, "interfaces", k);
                if (!iface_cfg) {
                    continue;
                }
                struct vsctl_iface *iface =
                    cache_iface(c, row_name(iface_cfg));
                if (iface) {
                    if (iface_cfg == iface->iface_cfg) {
                        VLOG_WARN("%s: interface is in multiple ports (%s "
                                  "and %s)",
                                  row_name(iface_cfg),
                                  row_name(iface->port->port_cfg),
                                  row_name(port->port_cfg));
                    } else {
                        VLOG_ERR("%s: database contains duplicate interface "
                                 "name",
                                 row_name(iface_cfg));
                    }
                    continue;
                }
                add_iface_to_cache(c, port, iface_cfg);
            }
        }
    }
    name_set_clear(&bridges);
    return 0;
}

/* Makes the commit fail if the bridges, their ports or the ports'
 * interfaces changed since they were read. */
static void
verify_ports(struct vsctl_context *ctx)
{
    const struct vsctl_cache *c = ctx->cache;
    if (ctx->verified_ports) {
        return;
    }
    ctx->verified_ports = true;
    vsctl_verify(ctx, ctx->ovs, "bridges");
    for (size_t i = 0; i < c->n_bridges; i++) {
        if (c->bridges[i]->br_cfg) {
            vsctl_verify(ctx, c->bridges[i]->br_cfg, "ports");
        }
    }
    for (size_t i = 0; i < c->n_ports; i++) {
        vsctl_verify(ctx, c->ports[i]->port_cfg, "interfaces");
    }
}

static int
find_bridge(struct vsctl_context *ctx, const char *name, bool must_exist,
            struct vsctl_bridge **brp)
{
    struct vsctl_bridge *br = cache_bridge(ctx->cache, name);
    *brp = br;
    if (must_exist && !br) {
        return vsctl_error(ctx, "no bridge named %s", name);
    }
    vsctl_verify(ctx, ctx->ovs, "bridges");
    return 0;
}

static int
find_real_bridge(struct vsctl_context *ctx, const char *name, bool must_exist,
                 struct vsctl_bridge **brp)
{
    int error = find_bridge(ctx, name, must_exist, brp);
    if (!error && *brp && (*brp)->parent) {
        return vsctl_error(ctx, "%s is a fake bridge", name);
    }
    return error;
}

int
vsctl_find_bridge_row(struct vsctl_context *ctx, const char *name,
                      bool must_exist, bool real_only,
                      const struct ovsdb_idl_row **br_cfgp, bool *fakep)
{
    struct vsctl_bridge *br = NULL;
    *br_cfgp = NULL;
    int error = vsctl_cache_populate(ctx);
    if (!error) {
        error = real_only ? find_real_bridge(ctx, name, must_exist, &br)
                          : find_bridge(ctx, name, must_exist, &br);
    }
    if (!error && br) {
        *br_cfgp = br->parent ? br->parent->br_cfg : br->br_cfg;
        if (fakep) {
            *fakep = br->parent != NULL;
        }
    }
    return error;
}

static int
find_port(struct vsctl_context *ctx, const char *name, bool must_exist,
          struct vsctl_port **portp)
{
    struct vsctl_port *port = cache_port(ctx->cache, name);
    /* A bridge's own port is not a port of the bridge for these
     * commands. */
    if (port && !strcmp(name, port->bridge->name)) {
        port = NULL;
    }
    *portp = port;
    if (must_exist && !port) {
        return vsctl_error(ctx, "no port named %s", name);
    }
    verify_ports(ctx);
    return 0;
}

static int
find_iface(struct vsctl_context *ctx, const char *name, bool must_exist,
           struct vsctl_iface **ifacep)
{
    struct vsctl_iface *iface = cache_iface(ctx->cache, name);
    if (iface && !strcmp(name, iface->port->bridge->name)) {
        iface = NULL;
    }
    *ifacep = iface;
    if (must_exist && !iface) {
        return vsctl_error(ctx, "no interface named %s", name);
    }
    verify_ports(ctx);
    return 0;
}

/* Refuses NAME for a new bridge, port or interface if anything has it;
 * WHAT says what was to be created ("cannot create a bridge named br0"). */
static int
check_conflicts(struct vsctl_context *ctx, const char *name, const char *what)
{
    verify_ports(ctx);
    if (cache_bridge(ctx->cache, name)) {
        return vsctl_error(ctx, "%s because a bridge named %s already exists",
                           what, name);
    }
    struct vsctl_port *port = cache_port(ctx->cache, name);
    if (port) {
        return vsctl_error(ctx,
                           "%s because a port named %s already exists on "
                           "bridge %s",
                           what, name, port->bridge->name);
    }
    struct vsctl_iface *iface = cache_iface(ctx->cache, name);
    if (iface) {
        return vsctl_error(ctx,
                           "%s because an interface named %s already exists "
                           "on bridge %s",
                           what, name, iface->port->bridge->name);
    }
    return 0;
}

/* Remembers IFACE so that after nicflowd reconfigured, a failure to set it
 * up is reported. */
static void
expect_iface(struct vsctl_context *ctx, const struct ovsdb_idl_row *iface)
{
    ctx->new_ifaces = xrealloc(ctx->new_ifaces, (ctx->n_new_ifaces + 1)
                                                    * sizeof *ctx->new_ifaces);
    ctx->new_ifaces[ctx->n_new_ifaces++] = *ovsdb_idl_row_get_uuid(iface);
}

/* Adds ROW's UUID to, or removes it from, the reference set COLUMN. */
static int
update_refs(struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
            const char *column, const struct ovsdb_idl_row *ref, bool add)
{
    const struct ovsdb_uuid *uuid = ovsdb_idl_row_get_uuid(ref);
    int error = add ? ovsdb_idl_txn_add_uuid(ctx->txn, row, column, uuid)
                    : ovsdb_idl_txn_remove_uuid(ctx->txn, row, column, uuid);
    vsctl_mark_written(ctx, row, column);
    return error ? vsctl_error(ctx, "cannot write column %s of table %s",
                               column, ovsdb_idl_row_get_table(row))
                 : 0;
}

/* Inserts an Interface NAME (of TYPE, if not NULL). */
static const struct ovsdb_idl_row *
insert_iface(struct vsctl_context *ctx, const char *name, const char *type)
{
    const struct ovsdb_idl_row *iface = vsctl_insert(ctx, "Interface", NULL);
    vsctl_write_string(ctx, iface, "name", name);
    if (type) {
        vsctl_write_string(ctx, iface, "type", type);
    }
    return iface;
}

static int
cmd_init(struct vsctl_context *ctx)
{
    return 0;
}

static int
cmd_add_br(struct vsctl_context *ctx)
{
    bool may_exist = vsctl_has_option(ctx, "--may-exist");
    const char *br_name = ctx->argv[1];
    const char *parent_name = NULL;
    int vlan = 0;

    if (ctx->argc == 4) {
        parent_name = ctx->argv[2];
        vlan = atoi(ctx->argv[3]);
        if (vlan < 0 || vlan > 4095) {
            return vsctl_error(ctx, "%s: vlan must be between 0 and 4095",
                               ctx->argv[0]);
        }
    } else if (ctx->argc != 2) {
        return vsctl_error(ctx, "'%s' command takes exactly 1 or 3 arguments",
                           ctx->argv[0]);
    }

    vsctl_cache_populate(ctx);
    if (may_exist) {
        struct vsctl_bridge *br;
        find_bridge(ctx, br_name, false, &br);
        if (br) {
            if (!parent_name) {
                if (br->parent) {
                    return vsctl_error(ctx,
                                       "\"--may-exist add-br %s\" but %s is "
                                       "a VLAN bridge for VLAN %d",
                                       br_name, br_name, br->vlan);
                }
            } else if (!br->parent) {
                return vsctl_error(ctx,
                                   "\"--may-exist add-br %s %s %d\" but %s "
                                   "is not a VLAN bridge",
                                   br_name, parent_name, vlan, br_name);
            } else if (strcmp(br->parent->name, parent_name)) {
                return vsctl_error(ctx,
                                   "\"--may-exist add-br %s %s %d\" but %s "
                                   "has the wrong parent %s",
                                   br_name, parent_name, vlan, br_name,
                                   br->parent->name);
            } else if (br->vlan != vlan) {
                return vsctl_error(ctx,
                                   "\"--may-exist add-br %s %s %d\" but %s "
                                   "is a VLAN bridge for the wrong VLAN %d",
                                   br_name, parent_name, vlan, br_name,
                                   br->vlan);
            }
            return 0;
        }
    }
    char *what = xasprintf("cannot create a bridge named %s", br_name);
    int error = check_conflicts(ctx, br_name, what);
    free(what);
    if (error) {
        return error;
    }

    const struct ovsdb_idl_row *iface;
    if (!parent_name) {
        iface = insert_iface(ctx, br_name, "internal");
        const struct ovsdb_idl_row *port = vsctl_insert(ctx, "Port", NULL);
        vsctl_write_string(ctx, port, "name", br_name);
        vsctl_write_refs(ctx, port, "interfaces", &iface, 1);
        const struct ovsdb_idl_row *br = vsctl_insert(ctx, "Bridge", NULL);
        vsctl_write_string(ctx, br, "name", br_name);
        vsctl_write_refs(ctx, br, "ports", &port, 1);
        vsctl_verify(ctx, ctx->ovs, "bridges");
        error = update_refs(ctx, ctx->ovs, "bridges", br, true);
    } else {
        struct vsctl_bridge *parent;
        find_bridge(ctx, parent_name, false, &parent);
        if (parent && parent->parent) {
            return vsctl_error(ctx, "cannot create bridge with fake bridge as "
                                    "parent");
        }
        if (!parent) {
            return vsctl_error(ctx, "parent bridge %s does not exist",
                               parent_name);
        }
        struct vsctl_bridge *conflict = find_vlan_bridge(parent, vlan);
        if (conflict) {
            return vsctl_error(ctx,
                               "bridge %s already has a child VLAN bridge %s "
                               "on VLAN %d",
                               parent_name, conflict->name, vlan);
        }
        iface = insert_iface(ctx, br_name, "internal");
        const struct ovsdb_idl_row *port = vsctl_insert(ctx, "Port", NULL);
        vsctl_write_string(ctx, port, "name", br_name);
        vsctl_write_refs(ctx, port, "interfaces", &iface, 1);
        vsctl_write_boolean(ctx, port, "fake_bridge", true);
        vsctl_write_integer(ctx, port, "tag", vlan);
        vsctl_verify(ctx, parent->br_cfg, "ports");
        error = update_refs(ctx, parent->br_cfg, "ports", port, true);
    }
    expect_iface(ctx, iface);
    vsctl_cache_invalidate(ctx);
    return error;
}

static const char *
port_name(const void *port)
{
    return row_name(((const struct vsctl_port *) port)->port_cfg);
}

static const char *
iface_name(const void *iface)
{
    return row_name(((const struct vsctl_iface *) iface)->iface_cfg);
}

/* Drops DATA, just removed from ARRAY, from INDEX under NAME; if another
 * element of ARRAY has the same name (a database with duplicate names),
 * the first of them now stands for NAME. */
static void
uncache_name(struct hmap *index, void **array, size_t n, const char *name,
             const void *data, const char *(*name_of)(const void *) )
{
    name_index_remove(index, name, data);
    if (!name_index_find(index, name)) {
        for (size_t i = 0; i < n; i++) {
            if (!strcmp(name_of(array[i]), name)) {
                name_index_add(index, name, array[i]);
                break;
            }
        }
    }
}

static void
del_cached_iface(struct vsctl_context *ctx, struct vsctl_iface *iface)
{
    struct vsctl_cache *c = ctx->cache;
    ptr_remove((void **) iface->port->ifaces, &iface->port->n_ifaces, iface);
    ptr_remove((void **) c->ifaces, &c->n_ifaces, iface);
    uncache_name(&c->iface_index, (void **) c->ifaces, c->n_ifaces,
                 row_name(iface->iface_cfg), iface, iface_name);
    vsctl_delete(ctx, iface->iface_cfg);
    free(iface);
}

/* Deletes PORT and its interfaces and, if UNLINK, removes it from its
 * bridge's ports (not needed when that bridge row goes away too: like
 * ovs-vsctl, a deleted bridge row is then left as it was, for the server
 * to collect). */
static void
del_port(struct vsctl_context *ctx, struct vsctl_port *port, bool unlink)
{
    struct vsctl_cache *c = ctx->cache;
    const struct vsctl_bridge *br = port->bridge;
    const struct ovsdb_idl_row *br_cfg =
        br->parent ? br->parent->br_cfg : br->br_cfg;

    if (unlink) {
        vsctl_verify(ctx, br_cfg, "ports");
        update_refs(ctx, br_cfg, "ports", port->port_cfg, false);
    }
    while (port->n_ifaces) {
        del_cached_iface(ctx, port->ifaces[0]);
    }
    ptr_remove((void **) port->bridge->ports, &port->bridge->n_ports, port);
    ptr_remove((void **) c->ports, &c->n_ports, port);
    uncache_name(&c->port_index, (void **) c->ports, c->n_ports,
                 row_name(port->port_cfg), port, port_name);
    vsctl_delete(ctx, port->port_cfg);
    free(port->ifaces);
    free(port);
}

/* Deletes BR, its ports and its fake bridges.  PARENT_GOING: BR is a
 * fake bridge whose parent is being deleted too. */
static void
del_bridge(struct vsctl_context *ctx, struct vsctl_bridge *br,
           bool parent_going)
{
    struct vsctl_cache *c = ctx->cache;

    while (br->n_children) {
        del_bridge(ctx, br->children[0], true);
    }
    while (br->n_ports) {
        del_port(ctx, br->ports[0], br->parent && !parent_going);
    }
    if (br->parent) {
        ptr_remove((void **) br->parent->children, &br->parent->n_children,
                   br);
    }
    if (br->br_cfg) {
        vsctl_delete(ctx, br->br_cfg);
        vsctl_verify(ctx, ctx->ovs, "bridges");
        update_refs(ctx, ctx->ovs, "bridges", br->br_cfg, false);
    }
    ptr_remove((void **) c->bridges, &c->n_bridges, br);
    free(br->name);
    free(br->ports);
    free(br->children);
    free(br);
}

static int
cmd_del_br(struct vsctl_context *ctx)
{
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    struct vsctl_bridge *br;

    vsctl_cache_populate(ctx);
    int error = find_bridge(ctx, ctx->argv[1], must_exist, &br);
    if (!error && br) {
        del_bridge(ctx, br, false);
    }
    return error;
}

static int
cmp_strings(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;
    return strcmp(*a, *b);
}

/* Prints the N names in sorted order without duplicates, one a line. */
static void
output_sorted(struct vsctl_context *ctx, const char **names, size_t n)
{
    qsort(names, n, sizeof *names, cmp_strings);
    for (size_t i = 0; i < n; i++) {
        if (!i || strcmp(names[i], names[i - 1])) {
            buf_printf(&ctx->cmd->output, "%s\n", names[i]);
        }
    }
}

static int
cmd_list_br(struct vsctl_context *ctx)
{
    bool real = vsctl_has_option(ctx, "--real");
    bool fake = vsctl_has_option(ctx, "--fake");
    if (!real && !fake) {
        real = fake = true;
    }
    vsctl_cache_populate(ctx);
    const struct vsctl_cache *c = ctx->cache;
    const char **names = xcalloc(c->n_bridges + 1, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < c->n_bridges; i++) {
        if (c->bridges[i]->parent ? fake : real) {
            names[n++] = c->bridges[i]->name;
        }
    }
    output_sorted(ctx, names, n);
    free(names);
    return 0;
}

static int
cmd_br_exists(struct vsctl_context *ctx)
{
    struct vsctl_bridge *br;
    vsctl_cache_populate(ctx);
    find_bridge(ctx, ctx->argv[1], false, &br);
    if (!br) {
        ctx->exit_code = 2;
    }
    return 0;
}

static int
cmd_br_to_vlan(struct vsctl_context *ctx)
{
    struct vsctl_bridge *br;
    vsctl_cache_populate(ctx);
    int error = find_bridge(ctx, ctx->argv[1], true, &br);
    if (!error) {
        buf_printf(&ctx->cmd->output, "%d\n", br->vlan);
    }
    return error;
}

static int
cmd_br_to_parent(struct vsctl_context *ctx)
{
    struct vsctl_bridge *br;
    vsctl_cache_populate(ctx);
    int error = find_bridge(ctx, ctx->argv[1], true, &br);
    if (!error) {
        buf_printf(&ctx->cmd->output, "%s\n",
                   br->parent ? br->parent->name : br->name);
    }
    return error;
}

/* Sets (VALUE non-null) or removes KEY in the string map COLUMN of ROW. */
static int
set_external_id(struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
                const char *column, const char *key, const char *value)
{
    vsctl_verify(ctx, row, column);
    vsctl_mark_written(ctx, row, column);
    return ovsdb_idl_txn_set_map_string(ctx->txn, row, column, key, value)
               ? vsctl_error(ctx, "cannot write column %s of table %s", column,
                             ovsdb_idl_row_get_table(row))
               : 0;
}

static int
cmd_br_set_external_id(struct vsctl_context *ctx)
{
    struct vsctl_bridge *br;
    const char *value = ctx->argc >= 4 ? ctx->argv[3] : NULL;

    vsctl_cache_populate(ctx);
    int error = find_bridge(ctx, ctx->argv[1], true, &br);
    if (error) {
        return error;
    }
    if (br->br_cfg) {
        return set_external_id(ctx, br->br_cfg, "external_ids", ctx->argv[2],
                               value);
    }
    /* A fake bridge keeps its external IDs in its port, prefixed. */
    struct vsctl_port *port = cache_port(ctx->cache, ctx->argv[1]);
    char *key = xasprintf("fake-bridge-%s", ctx->argv[2]);
    error = set_external_id(ctx, port->port_cfg, "external_ids", key, value);
    free(key);
    return error;
}

/* Prints the value of PREFIX+KEY in the external_ids of ROW, or without
 * KEY every KEY=VALUE whose key has PREFIX (without it), sorted. */
static void
get_external_id(struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
                const char *prefix, const char *key)
{
    struct buf *out = &ctx->cmd->output;
    const struct ovsdb_datum *d = vsctl_read(row, "external_ids");

    vsctl_verify(ctx, row, "external_ids");
    if (key) {
        char *full = xasprintf("%s%s", prefix, key);
        const char *value =
            ovsdb_idl_row_get_map_string(row, "external_ids", full);
        if (value) {
            buf_printf(out, "%s\n", value);
        }
        free(full);
        return;
    }
    size_t plen = strlen(prefix);
    char **lines = xcalloc(d->n + 1, sizeof *lines);
    size_t n = 0;
    for (unsigned int i = 0; i < d->n; i++) {
        if (!strncmp(d->keys[i].string->s, prefix, plen)) {
            lines[n++] = xasprintf("%s=%s", d->keys[i].string->s + plen,
                                   d->values[i].string->s);
        }
    }
    qsort(lines, n, sizeof *lines, cmp_strings);
    for (size_t i = 0; i < n; i++) {
        buf_printf(out, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
}

static int
cmd_br_get_external_id(struct vsctl_context *ctx)
{
    struct vsctl_bridge *br;
    const char *key = ctx->argc >= 3 ? ctx->argv[2] : NULL;

    vsctl_cache_populate(ctx);
    int error = find_bridge(ctx, ctx->argv[1], true, &br);
    if (error) {
        return error;
    }
    if (br->br_cfg) {
        get_external_id(ctx, br->br_cfg, "", key);
    } else {
        struct vsctl_port *port = cache_port(ctx->cache, ctx->argv[1]);
        get_external_id(ctx, port->port_cfg, "fake-bridge-", key);
    }
    return 0;
}

static int
cmd_list_ports(struct vsctl_context *ctx)
{
    struct vsctl_bridge *br;

    vsctl_cache_populate(ctx);
    int error = find_bridge(ctx, ctx->argv[1], true, &br);
    if (error) {
        return error;
    }
    vsctl_verify(ctx, br->br_cfg ? br->br_cfg : br->parent->br_cfg, "ports");
    const char **names = xcalloc(br->n_ports + 1, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < br->n_ports; i++) {
        const char *name = row_name(br->ports[i]->port_cfg);
        if (strcmp(name, br->name)) {
            names[n++] = name;
        }
    }
    output_sorted(ctx, names, n);
    free(names);
    return 0;
}

/* The names in NAMES, sorted and joined with ", " (caller frees). */
static char *
join_sorted(const char **names, size_t n)
{
    struct buf b = BUF_INITIALIZER;
    qsort(names, n, sizeof *names, cmp_strings);
    for (size_t i = 0; i < n; i++) {
        buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
    }
    return buf_steal_cstr(&b);
}

static int
add_port(struct vsctl_context *ctx, const char *br_name, const char *port_name,
         bool may_exist, bool fake_iface, char **iface_names, int n_ifaces,
         char **settings, int n_settings)
{
    vsctl_cache_populate(ctx);
    if (may_exist) {
        struct vsctl_port *port;
        find_port(ctx, port_name, false, &port);
        if (port) {
            const char **want = xcalloc(n_ifaces + 1, sizeof *want);
            const struct ovsdb_datum *ifs =
                vsctl_read(port->port_cfg, "interfaces");
            const char **have = xcalloc(ifs->n + 1, sizeof *have);
            size_t n_have = 0;
            int error = 0;

            for (int i = 0; i < n_ifaces; i++) {
                want[i] = iface_names[i];
            }
            for (unsigned int i = 0; i < ifs->n; i++) {
                const struct ovsdb_idl_row *iface =
                    vsctl_deref(ctx, port->port_cfg, "interfaces", i);
                if (iface) {
                    have[n_have++] = row_name(iface);
                }
            }
            char *want_s = join_sorted(want, n_ifaces);
            char *have_s = join_sorted(have, n_have);
            if (strcmp(port->bridge->name, br_name)) {
                char *command = vsctl_command_to_string(ctx);
                error = vsctl_error(ctx,
                                    "\"%s\" but %s is actually attached to "
                                    "bridge %s",
                                    command, port_name, port->bridge->name);
                free(command);
            } else if (strcmp(want_s, have_s)) {
                char *command = vsctl_command_to_string(ctx);
                error = vsctl_error(ctx,
                                    "\"%s\" but %s actually has interface(s) "
                                    "%s",
                                    command, port_name, have_s);
                free(command);
            }
            free(want_s);
            free(have_s);
            free(want);
            free(have);
            return error;
        }
    }

    char *what = xasprintf("cannot create a port named %s", port_name);
    int error = check_conflicts(ctx, port_name, what);
    free(what);
    for (int i = 0; !error && i < n_ifaces; i++) {
        what =
            xasprintf("cannot create an interface named %s", iface_names[i]);
        error = check_conflicts(ctx, iface_names[i], what);
        free(what);
    }
    struct vsctl_bridge *br;
    if (!error) {
        error = find_bridge(ctx, br_name, true, &br);
    }
    if (error) {
        return error;
    }

    const struct ovsdb_idl_row **ifaces =
        xcalloc(n_ifaces + 1, sizeof *ifaces);
    for (int i = 0; i < n_ifaces; i++) {
        ifaces[i] = insert_iface(ctx, iface_names[i], NULL);
        expect_iface(ctx, ifaces[i]);
    }
    const struct ovsdb_idl_row *port = vsctl_insert(ctx, "Port", NULL);
    vsctl_write_string(ctx, port, "name", port_name);
    vsctl_write_refs(ctx, port, "interfaces", ifaces, n_ifaces);
    vsctl_write_boolean(ctx, port, "bond_fake_iface", fake_iface);
    if (br->parent) {
        vsctl_write_integer(ctx, port, "tag", br->vlan);
    }

    const struct ovsdb_table_schema *port_ts =
        ovsdb_schema_get_table(ctx->schema, "Port");
    for (int i = 0; !error && i < n_settings; i++) {
        error = vsctl_set_column(ctx, port_ts, port, settings[i]);
    }
    if (!error) {
        const struct ovsdb_idl_row *br_cfg =
            br->parent ? br->parent->br_cfg : br->br_cfg;
        vsctl_verify(ctx, br_cfg, "ports");
        error = update_refs(ctx, br_cfg, "ports", port, true);
    }
    if (!error) {
        struct vsctl_port *vport = add_port_to_cache(ctx->cache, br, port);
        for (int i = 0; i < n_ifaces; i++) {
            add_iface_to_cache(ctx->cache, vport, ifaces[i]);
        }
    }
    free(ifaces);
    return error;
}

static int
cmd_add_port(struct vsctl_context *ctx)
{
    return add_port(ctx, ctx->argv[1], ctx->argv[2],
                    vsctl_has_option(ctx, "--may-exist"), false, &ctx->argv[2],
                    1, &ctx->argv[3], ctx->argc - 3);
}

static int
cmd_add_bond(struct vsctl_context *ctx)
{
    int n_ifaces = ctx->argc - 3;
    for (int i = 3; i < ctx->argc; i++) {
        if (strchr(ctx->argv[i], '=')) {
            n_ifaces = i - 3;
            break;
        }
    }
    if (n_ifaces < 2) {
        return vsctl_error(ctx,
                           "add-bond requires at least 2 interfaces, but "
                           "only %d were specified",
                           n_ifaces);
    }
    return add_port(
        ctx, ctx->argv[1], ctx->argv[2], vsctl_has_option(ctx, "--may-exist"),
        vsctl_has_option(ctx, "--fake-iface"), &ctx->argv[3], n_ifaces,
        &ctx->argv[3 + n_ifaces], ctx->argc - 3 - n_ifaces);
}

static int
cmd_add_bond_iface(struct vsctl_context *ctx)
{
    bool may_exist = vsctl_has_option(ctx, "--may-exist");
    struct vsctl_port *port;

    vsctl_cache_populate(ctx);
    int error = find_port(ctx, ctx->argv[1], true, &port);
    if (error) {
        return error;
    }
    if (may_exist) {
        struct vsctl_iface *iface;
        find_iface(ctx, ctx->argv[2], false, &iface);
        if (iface) {
            if (iface->port == port) {
                return 0;
            }
            char *command = vsctl_command_to_string(ctx);
            error = vsctl_error(ctx,
                                "\"%s\" but %s is actually attached to port "
                                "%s",
                                command, row_name(iface->iface_cfg),
                                row_name(iface->port->port_cfg));
            free(command);
            return error;
        }
    }
    char *what =
        xasprintf("cannot create an interface named %s", ctx->argv[2]);
    error = check_conflicts(ctx, ctx->argv[2], what);
    free(what);
    if (error) {
        return error;
    }
    const struct ovsdb_idl_row *iface = insert_iface(ctx, ctx->argv[2], NULL);
    error = update_refs(ctx, port->port_cfg, "interfaces", iface, true);
    expect_iface(ctx, iface);
    add_iface_to_cache(ctx->cache, port, iface);
    return error;
}

static int
cmd_del_bond_iface(struct vsctl_context *ctx)
{
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    const char *iface_name = ctx->argc > 2 ? ctx->argv[2] : ctx->argv[1];
    struct vsctl_iface *iface;

    vsctl_cache_populate(ctx);
    int error = find_iface(ctx, iface_name, must_exist, &iface);
    if (error || !iface) {
        return error;
    }
    if (ctx->argc > 2) {
        struct vsctl_port *port;
        error = find_port(ctx, ctx->argv[1], must_exist, &port);
        if (error || !port) {
            return error;
        }
        if (iface->port != port) {
            return vsctl_error(ctx, "port %s does not have an interface %s",
                               row_name(port->port_cfg), iface_name);
        }
    }
    if (iface->port->n_ifaces < 2) {
        return vsctl_error(ctx, "cannot delete last interface from port %s",
                           row_name(iface->port->port_cfg));
    }
    error = update_refs(ctx, iface->port->port_cfg, "interfaces",
                        iface->iface_cfg, false);
    del_cached_iface(ctx, iface);
    return error;
}

static int
cmd_del_port(struct vsctl_context *ctx)
{
    bool must_exist = !vsctl_has_option(ctx, "--if-exists");
    bool with_iface = vsctl_has_option(ctx, "--with-iface");
    const char *target = ctx->argv[ctx->argc - 1];
    struct vsctl_bridge *br;
    struct vsctl_port *port = NULL;
    int error;

    vsctl_cache_populate(ctx);
    find_bridge(ctx, target, false, &br);
    if (br) {
        if (must_exist) {
            return vsctl_error(ctx,
                               "cannot delete port %s because it is the "
                               "local port for bridge %s (deleting this port "
                               "requires deleting the entire bridge)",
                               target, target);
        }
    } else if (!with_iface) {
        error = find_port(ctx, target, must_exist, &port);
        if (error) {
            return error;
        }
    } else {
        find_port(ctx, target, false, &port);
        if (!port) {
            struct vsctl_iface *iface;
            find_iface(ctx, target, false, &iface);
            if (iface) {
                port = iface->port;
            }
        }
        if (must_exist && !port) {
            return vsctl_error(ctx, "no port or interface named %s", target);
        }
    }
    if (!port) {
        return 0;
    }
    if (ctx->argc == 3) {
        error = find_bridge(ctx, ctx->argv[1], true, &br);
        if (error) {
            return error;
        }
        if (port->bridge != br) {
            if (port->bridge->parent == br) {
                return vsctl_error(ctx,
                                   "bridge %s does not have a port %s "
                                   "(although its child bridge %s does)",
                                   ctx->argv[1], ctx->argv[2],
                                   port->bridge->name);
            }
            return vsctl_error(ctx, "bridge %s does not have a port %s",
                               ctx->argv[1], ctx->argv[2]);
        }
    }
    del_port(ctx, port, true);
    return 0;
}

static int
cmd_port_to_br(struct vsctl_context *ctx)
{
    struct vsctl_port *port;
    vsctl_cache_populate(ctx);
    int error = find_port(ctx, ctx->argv[1], true, &port);
    if (!error) {
        buf_printf(&ctx->cmd->output, "%s\n", port->bridge->name);
    }
    return error;
}

static int
cmd_list_ifaces(struct vsctl_context *ctx)
{
    struct vsctl_bridge *br;

    vsctl_cache_populate(ctx);
    int error = find_bridge(ctx, ctx->argv[1], true, &br);
    if (error) {
        return error;
    }
    verify_ports(ctx);
    size_t n_max = 0;
    for (size_t i = 0; i < br->n_ports; i++) {
        n_max += br->ports[i]->n_ifaces;
    }
    const char **names = xcalloc(n_max + 1, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct vsctl_port *port = br->ports[i];
        for (size_t j = 0; j < port->n_ifaces; j++) {
            const char *name = row_name(port->ifaces[j]->iface_cfg);
            if (strcmp(name, br->name)) {
                names[n++] = name;
            }
        }
    }
    output_sorted(ctx, names, n);
    free(names);
    return 0;
}

static int
cmd_iface_to_br(struct vsctl_context *ctx)
{
    struct vsctl_iface *iface;
    vsctl_cache_populate(ctx);
    int error = find_iface(ctx, ctx->argv[1], true, &iface);
    if (!error) {
        buf_printf(&ctx->cmd->output, "%s\n", iface->port->bridge->name);
    }
    return error;
}

#define OVS "Open vSwitch commands"
#define BR "Bridge commands"
#define PORT "Port commands (a bond is considered to be a single port)"
#define IFACE "Interface commands (a bond consists of multiple interfaces)"
const struct vsctl_command_syntax vsctl_bridge_commands[] = {
    { "init", 0, 0, "", cmd_init, NULL, VSCTL_RW, OVS, "",
      "initialize database, if not yet initialized" },
    { "add-br", 1, 3, "--may-exist", cmd_add_br, NULL, VSCTL_RW, BR,
      "BRIDGE [PARENT VLAN]",
      "create a new bridge named BRIDGE (with PARENT and VLAN: a fake "
      "bridge in PARENT on VLAN)" },
    { "del-br", 1, 1, "--if-exists", cmd_del_br, NULL, VSCTL_RW, BR, "BRIDGE",
      "delete BRIDGE and all of its ports" },
    { "list-br", 0, 0, "--real,--fake", cmd_list_br, NULL, VSCTL_RO, BR, "",
      "print the names of all the bridges" },
    { "br-exists", 1, 1, "", cmd_br_exists, NULL, VSCTL_RO, BR, "BRIDGE",
      "exit 2 if BRIDGE does not exist" },
    { "br-to-vlan", 1, 1, "", cmd_br_to_vlan, NULL, VSCTL_RO, BR, "BRIDGE",
      "print the VLAN which BRIDGE is on" },
    { "br-to-parent", 1, 1, "", cmd_br_to_parent, NULL, VSCTL_RO, BR, "BRIDGE",
      "print the parent of BRIDGE" },
    { "br-set-external-id", 2, 3, "", cmd_br_set_external_id, NULL, VSCTL_RW,
      BR, "BRIDGE KEY [VALUE]",
      "set (or, without VALUE, unset) KEY on BRIDGE" },
    { "br-get-external-id", 1, 2, "", cmd_br_get_external_id, NULL, VSCTL_RO,
      BR, "BRIDGE [KEY]",
      "print value of KEY (or all key-value pairs) on BRIDGE" },
    { "list-ports", 1, 1, "", cmd_list_ports, NULL, VSCTL_RO, PORT, "BRIDGE",
      "print the names of all the ports on BRIDGE" },
    { "add-port", 2, INT_MAX, "--may-exist", cmd_add_port, NULL, VSCTL_RW,
      PORT, "BRIDGE PORT [COLUMN[:KEY]=VALUE]...",
      "add network device PORT to BRIDGE" },
    { "add-bond", 4, INT_MAX, "--may-exist,--fake-iface", cmd_add_bond, NULL,
      VSCTL_RW, PORT, "BRIDGE PORT IFACE... [COLUMN[:KEY]=VALUE]...",
      "add bonded port PORT in BRIDGE from IFACES" },
    { "add-bond-iface", 2, 2, "--may-exist", cmd_add_bond_iface, NULL,
      VSCTL_RW, PORT, "BOND IFACE", "add IFACE to existing bond BOND" },
    { "del-bond-iface", 1, 2, "--if-exists", cmd_del_bond_iface, NULL,
      VSCTL_RW, PORT, "[BOND] IFACE", "delete IFACE from its bond" },
    { "del-port", 1, 2, "--if-exists,--with-iface", cmd_del_port, NULL,
      VSCTL_RW, PORT, "[BRIDGE] PORT",
      "delete PORT (which may be bonded) from BRIDGE" },
    { "port-to-br", 1, 1, "", cmd_port_to_br, NULL, VSCTL_RO, PORT, "PORT",
      "print name of bridge that contains PORT" },
    { "list-ifaces", 1, 1, "", cmd_list_ifaces, NULL, VSCTL_RO, IFACE,
      "BRIDGE", "print the names of all interfaces on BRIDGE" },
    { "iface-to-br", 1, 1, "", cmd_iface_to_br, NULL, VSCTL_RO, IFACE, "IFACE",
      "print name of bridge that contains IFACE" },
    { NULL, 0, 0, NULL, NULL, NULL, VSCTL_RO, NULL, NULL, NULL },
};
