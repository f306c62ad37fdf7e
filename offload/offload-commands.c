/* offload-commands.c: the control commands of the offload manager and
 * the text of offload/show.
 *
 *   dpctl/offload-stats-show   counters per provider and per worker
 *   offload/show               configuration, then each port: provider (or
 *                              why none), the provider's facts, the
 *                              representor, the profile, flows in
 *                              hardware
 *   hal/show                   the HAL device: plugin, ports, tables,
 *                              key templates, each port's hardware/host
 *                              split */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/unixctl.h"
#include "lib/util.h"
#include "offload/hal.h"
#include "offload/offload-private.h"

static void
format_rep(struct buf *out, const struct offload_representor *rep)
{
    if (!rep->switch_id_len) {
        buf_put_cstr(out, "    representor: none\n");
        return;
    }
    buf_put_cstr(out, "    representor: switch ");
    for (size_t i = 0; i < rep->switch_id_len; i++) {
        buf_printf(out, "%02x", rep->switch_id[i]);
    }
    buf_printf(out, ", port %s, flavour %s",
               rep->port_name[0] ? rep->port_name : "-",
               offload_flavour_name(rep->flavour));
    const struct {
        const char *name;
        int v;
    } nums[] = { { "pf", rep->pf }, { "vf", rep->vf }, { "sf", rep->sf } };
    for (size_t i = 0; i < ARRAY_SIZE(nums); i++) {
        if (nums[i].v >= 0) {
            buf_printf(out, ", %s %d", nums[i].name, nums[i].v);
        } else {
            buf_printf(out, ", %s -", nums[i].name);
        }
    }
    buf_put_char(out, '\n');
}

static int
cmp_ports(const void *a_, const void *b_)
{
    const struct offload_mport *const *a = a_, *const *b = b_;
    uint32_t x = (*a)->up.odp_port, y = (*b)->up.odp_port;

    return x < y ? -1 : x > y;
}

void
offload_show(struct buf *out)
{
    const struct offload_cfg *c = &offload_mgr.cfg;

    if (!offload_mgr.inited) {
        buf_put_cstr(out, "offload manager not started\n");
        return;
    }
    buf_printf(out, "hw-offload: %s\n", c->enabled ? "on" : "off");
    buf_printf(out, "tc-policy: %s\n", c->tc_policy);
    buf_printf(out, "hw-offload-priority: %s\n", c->priority);
    buf_printf(out, "n-offload-threads: %u\n", c->n_threads);
    buf_printf(out, "flow-restore-wait: %s\n",
               c->restore_wait ? "true" : "false");

    /* port_describe() is a port call: no flow call may run meanwhile. */
    pthread_rwlock_wrlock(&offload_mgr.rwlock);
    size_t n = hmap_count(&offload_mgr.ports), i = 0;
    struct offload_mport **ports = xcalloc(n ? n : 1, sizeof *ports);
    struct offload_mport *mp;
    HMAP_FOR_EACH (mp, node, &offload_mgr.ports) {
        ports[i++] = mp;
    }
    qsort(ports, n, sizeof *ports, cmp_ports);

    buf_printf(out, "ports: %zu\n", n);
    for (i = 0; i < n; i++) {
        mp = ports[i];
        pthread_mutex_lock(&offload_mgr.mutex);
        unsigned n_hw = mp->n_hw;
        pthread_mutex_unlock(&offload_mgr.mutex);

        buf_printf(out, "  %s: odp %u, type %s%s, ", mp->up.name,
                   mp->up.odp_port, mp->up.type[0] ? mp->up.type : "-",
                   mp->up.internal ? " (internal)" : "");
        if (mp->prov) {
            buf_printf(out, "provider %s", mp->prov->cls->name);
        } else {
            buf_printf(out, "provider none (%s)", mp->why.msg);
        }
        buf_printf(out, ", flows in hardware %u\n", n_hw);
        if (mp->prov && mp->prov->cls->port_describe) {
            char line[256] = "";

            mp->prov->cls->port_describe(&mp->up, line, sizeof line);
            buf_printf(out, "    %s: %s\n", mp->prov->cls->name, line);
        }
        format_rep(out, &mp->up.rep);
        offload_mport_format_profile(mp, out);
    }
    pthread_rwlock_unlock(&offload_mgr.rwlock);
    free(ports);
}

static void
stats_show_cb(struct unixctl_conn *conn, int argc NF_UNUSED,
              const char *argv[] NF_UNUSED, void *aux NF_UNUSED)
{
    struct buf out = BUF_INITIALIZER;

    offload_stats_show(&out);
    unixctl_command_reply(conn, buf_cstr(&out));
    buf_destroy(&out);
}

static void
show_cb(struct unixctl_conn *conn, int argc NF_UNUSED,
        const char *argv[] NF_UNUSED, void *aux NF_UNUSED)
{
    struct buf out = BUF_INITIALIZER;

    offload_show(&out);
    unixctl_command_reply(conn, buf_cstr(&out));
    buf_destroy(&out);
}

static void
hal_show_cb(struct unixctl_conn *conn, int argc NF_UNUSED,
            const char *argv[] NF_UNUSED, void *aux NF_UNUSED)
{
    struct buf out = BUF_INITIALIZER;

    offload_hal_show(&out);
    unixctl_command_reply(conn, buf_cstr(&out));
    buf_destroy(&out);
}

void
offload_commands_register(void)
{
    unixctl_command_register("dpctl/offload-stats-show", "[DP]", 0, 1,
                             stats_show_cb, NULL);
    unixctl_command_register("offload/show", "", 0, 0, show_cb, NULL);
    unixctl_command_register("hal/show", "", 0, 0, hal_show_cb, NULL);
}
