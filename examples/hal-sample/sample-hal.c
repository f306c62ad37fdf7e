/* sample-hal.c: a minimal nicflow HAL plugin (examples/README.md).  Its
 * device is memory: ports from its args "ports=p1,p2[,...] [acl=N]" (N: ACL
 * size, default 16), an ACL and a 64-entry FDB; no counters, meters or
 * events (NULL calls).  nicflow never makes two calls at once: no locks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nicflow/hal.h"

/* Entries found by their first 8 bytes: ACL id; FDB MAC and VID. */
struct table {
    char *slots;
    size_t n, size, esize;
};

struct nicflow_hal_dev {
    size_t n_ports;
    struct nicflow_hal_port ports[8];
    struct table acl, fdb;
};

static struct nicflow_hal_dev *sample_last; /* For nicflow's tests. */

// clang-format off
#define F(NAME, BITS) { NICFLOW_HAL_F_##NAME, BITS }
static const struct nicflow_hal_key_template sample_templates[] = {
    { 0, "l2", 6, { F(IN_PORT, 32), F(ETH_DST, 48), F(ETH_SRC, 48),
        F(ETH_TYPE, 16), F(VLAN_TAGGED, 1), F(VLAN_VID, 12) }, 1, 16 },
    { 1, "ipv4-5tuple", 8, { F(IN_PORT, 32), F(ETH_TYPE, 16), F(IPV4_SRC, 32),
        F(IPV4_DST, 32), F(IP_PROTO, 8), F(IP_FRAG, 2), F(L4_SRC, 16),
        F(L4_DST, 16) }, 2, 16 },
    { 2, "ipv6-dst64", 3, { F(IN_PORT, 32), F(ETH_TYPE, 16), F(IPV6_DST, 64) },
      1, 16 },
};
// clang-format on

/* The slot of the entry with KEY, or the first free one (t->n). */
static size_t
table_find(const struct table *t, const void *key)
{
    size_t i = 0;
    while (i < t->n && memcmp(t->slots + i * t->esize, key, 8)) {
        i++;
    }
    return i;
}

/* Adds, or with DEL removes, the N entries at E, STRIDE bytes apart. */
static int
table_apply(struct table *t, const void *e, size_t stride, size_t n,
            struct nicflow_hal_status *st, int del)
{
    for (size_t i = 0; i < n; i++, e = (const char *) e + stride) {
        size_t slot = table_find(t, e);

        memset(&st[i], 0, sizeof st[i]);
        if (del && slot == t->n) {
            st[i].error = ENOENT;
        } else if (del) {
            memmove(t->slots + slot * t->esize, t->slots + --t->n * t->esize,
                    t->esize);
        } else if (slot == t->size) {
            st[i].error = ENOSPC;
            snprintf(st[i].msg, sizeof st[i].msg,
                     "sample: table full: %zu/%zu", t->size, t->size);
        } else {
            memcpy(t->slots + slot * t->esize, e, t->esize);
            t->n += slot == t->n;
        }
    }
    return 0;
}

static int
sample_open(const char *args, struct nicflow_hal_dev **devp, char *err,
            size_t err_size)
{
    const char *p = strstr(args, "ports="), *acl = strstr(args, "acl=");

    if (!p) {
        snprintf(err, err_size, "sample: hal-args needs ports=NAME,...");
        return EINVAL;
    }
    struct nicflow_hal_dev *dev = calloc(1, sizeof *dev);
    for (p += 6; *p && *p != ' ' && dev->n_ports < 8;) {
        struct nicflow_hal_port *port = &dev->ports[dev->n_ports];
        int len = strcspn(p, ", ");
        port->chip_port = 100 + dev->n_ports++; /* Chip port numbers. */
        port->flags = NICFLOW_HAL_PORT_LINK_UP;
        snprintf(port->name, sizeof port->name, "%.*s", len, p);
        p += len + (p[len] == ',');
    }
    dev->acl.size = acl ? strtoul(acl + 4, NULL, 10) : 16;
    dev->acl.esize = sizeof(struct nicflow_hal_acl_entry);
    dev->acl.slots = calloc(dev->acl.size + 1, dev->acl.esize);
    dev->fdb.size = 64;
    dev->fdb.esize = sizeof(struct nicflow_hal_fdb_entry);
    dev->fdb.slots = calloc(64, dev->fdb.esize);
    *devp = sample_last = dev;
    return 0;
}

static void
sample_close(struct nicflow_hal_dev *dev)
{
    sample_last = NULL;
    free(dev->acl.slots);
    free(dev->fdb.slots);
    free(dev);
}

static int
sample_get_caps(struct nicflow_hal_dev *dev, struct nicflow_hal_caps *caps,
                char *err, size_t err_size)
{
    memset(caps, 0, sizeof *caps);
    caps->struct_size = sizeof *caps; /* Caps of this ABI version. */
    snprintf(caps->device, sizeof caps->device, "sample0");
    caps->n_ports = dev->n_ports;
    caps->acl = (struct nicflow_hal_table_caps){ 1, dev->acl.size };
    caps->fdb = (struct nicflow_hal_table_caps){ 1, 64 };
    caps->acl_actions = 0x3e; /* REDIRECT .. SET_FIELD: no COUNT, POLICE. */
    caps->acl_priority_max = 0xffff;
    caps->n_templates = sizeof sample_templates / sizeof *sample_templates;
    memcpy(caps->templates, sample_templates, sizeof sample_templates);
    return 0;
}

static int
sample_port_list(struct nicflow_hal_dev *dev, struct nicflow_hal_port *ports,
                 size_t max, size_t *n, char *err, size_t err_size)
{
    *n = dev->n_ports;
    memcpy(ports, dev->ports, (max < *n ? max : *n) * sizeof *ports);
    return 0;
}

static int
sample_acl_add(struct nicflow_hal_dev *dev,
               const struct nicflow_hal_acl_entry *entries, size_t n,
               struct nicflow_hal_status *st, char *err, size_t err_size)
{
    return table_apply(&dev->acl, entries, sizeof *entries, n, st, 0);
}

static int
sample_acl_del(struct nicflow_hal_dev *dev, const uint64_t *ids, size_t n,
               struct nicflow_hal_status *st, char *err, size_t err_size)
{
    return table_apply(&dev->acl, ids, sizeof *ids, n, st, 1);
}

static int
sample_fdb_add(struct nicflow_hal_dev *dev,
               const struct nicflow_hal_fdb_entry *entries, size_t n,
               struct nicflow_hal_status *st, char *err, size_t err_size)
{
    return table_apply(&dev->fdb, entries, sizeof *entries, n, st, 0);
}

static int
sample_fdb_del(struct nicflow_hal_dev *dev,
               const struct nicflow_hal_fdb_entry *entries, size_t n,
               struct nicflow_hal_status *st, char *err, size_t err_size)
{
    return table_apply(&dev->fdb, entries, sizeof *entries, n, st, 1);
}

static const struct nicflow_hal_ops sample_ops = {
    .abi_version = NICFLOW_HAL_ABI_VERSION,
    .struct_size = sizeof(struct nicflow_hal_ops),
    .name = "sample",
    .open = sample_open,
    .close = sample_close,
    .get_caps = sample_get_caps,
    .port_list = sample_port_list,
    .acl_add = sample_acl_add,
    .acl_del = sample_acl_del,
    .fdb_add = sample_fdb_add,
    .fdb_del = sample_fdb_del,
};

const struct nicflow_hal_ops *
nicflow_hal_entry(void)
{
    return &sample_ops;
}

/* Not ABI: the ACL (0) or FDB (1) entries of the open device, for tests. */
const void *nicflow_hal_sample_table(int fdb, size_t *n);
const void *
nicflow_hal_sample_table(int fdb, size_t *n)
{
    const struct table *t = fdb ? &sample_last->fdb : &sample_last->acl;
    *n = t->n;
    return t->slots;
}
