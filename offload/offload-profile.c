/* offload-profile.c: device profiles (offload/profile.h) bound to the
 * manager's ports, checked before any provider is asked, and the
 * hw-profile/list and hw-profile/show commands.
 *
 * A port is bound to the profile its Interface names
 * (other_config:hw-profile=NAME) or, failing that, to the profile that
 * lists its driver (ethtool's driver name).  A port that names a profile
 * that does not exist or did not load keeps forwarding in software: its
 * flows are refused with the profile's error, so an operator sees why
 * rather than a provider guessing at a device it does not know. */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "offload/hal.h"
#include "offload/offload-private.h"
#include "offload/profile.h"

VLOG_DEFINE_THIS_MODULE(offload_profile);

void
offload_profiles_load(void)
{
    char *err = NULL;

    offload_profiles_free();
    if (offload_profile_set_load(NULL, &offload_mgr.profiles, &err)) {
        VLOG_WARN("hardware profiles not loaded: %s", err);
        free(err);
        return;
    }
    size_t n_err = offload_profile_set_n_errors(offload_mgr.profiles);
    for (size_t i = 0; i < n_err; i++) {
        VLOG_WARN("hardware profile left out: %s",
                  offload_profile_set_error(offload_mgr.profiles, i));
    }
}

void
offload_profiles_free(void)
{
    offload_profile_set_destroy(offload_mgr.profiles);
    offload_mgr.profiles = NULL;
}

/* The driver of netdev NAME as ethtool names it ("mlx5_core"), into DRV;
 * false if it has none or NAME is not a netdev. */
static bool
netdev_driver(const char *name, char *drv, size_t size)
{
    struct ethtool_drvinfo info;
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bool ok = false;

    if (fd < 0) {
        return false;
    }
    memset(&info, 0, sizeof info);
    memset(&ifr, 0, sizeof ifr);
    info.cmd = ETHTOOL_GDRVINFO;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    ifr.ifr_data = (void *) &info;
    if (!ioctl(fd, SIOCETHTOOL, &ifr) && info.driver[0]) {
        snprintf(drv, size, "%.*s", (int) sizeof info.driver, info.driver);
        ok = true;
    }
    close(fd);
    return ok;
}

void
offload_mport_unbind_profile(struct offload_mport *mp)
{
    mp->profile = NULL;
    mp->profile_by_hal = false;
    free(mp->profile_error);
    mp->profile_error = NULL;
}

void
offload_mport_bind_profile(struct offload_mport *mp)
{
    const struct offload_profile_set *set = offload_mgr.profiles;

    offload_mport_unbind_profile(mp);
    if (mp->profile_name) {
        mp->profile = set ? offload_profile_find(set, mp->profile_name) : NULL;
        if (!mp->profile) {
            const char *err =
                set ? offload_profile_find_error(set, mp->profile_name, NULL)
                    : NULL;
            mp->profile_error =
                err ? xasprintf("profile %s did not load: %s",
                                mp->profile_name, err)
                    : xasprintf("no profile named %s (hw-profile/list "
                                "shows the profiles)",
                                mp->profile_name);
            VLOG_WARN("port %s: %s; its flows stay in software", mp->up.name,
                      mp->profile_error);
        }
        return;
    }

    /* A port of the HAL device: the profile the device names. */
    char *hal_profile = offload_hal_port_profile(mp->up.name);
    if (hal_profile) {
        mp->profile = set ? offload_profile_find(set, hal_profile) : NULL;
        if (mp->profile) {
            mp->profile_by_hal = true;
        } else {
            mp->profile_error = xasprintf(
                "its HAL device names profile %s, which %s", hal_profile,
                set && offload_profile_find_error(set, hal_profile, NULL)
                    ? "did not load"
                    : "does not exist");
            VLOG_WARN("port %s: %s; its flows stay in software", mp->up.name,
                      mp->profile_error);
        }
        free(hal_profile);
        return;
    }

    char drv[64];
    if (set && mp->up.ifindex > 0
        && netdev_driver(mp->up.name, drv, sizeof drv)) {
        mp->profile = offload_profile_find_by_driver(set, drv);
        if (!mp->profile) {
            const char *err = offload_profile_find_error(set, NULL, drv);
            if (err) {
                /* The profile of its driver is broken: do not guess. */
                mp->profile_error = xasprintf(
                    "the profile of driver %s did not load: %s", drv, err);
            }
        }
    }
}

bool
offload_mport_profile_ok(const struct offload_mport *mp,
                         const struct offload_req *r,
                         struct offload_reason *why)
{
    if (mp->profile_error) {
        offload_reason_set(why, OFFLOAD_R_NO_PROVIDER, "port %s: %s",
                           mp->up.name, mp->profile_error);
        return false;
    }
    if (mp->profile
        && offload_profile_check(mp->profile, &r->flow, &r->flow_mask,
                                 r->actions, r->actions_len, why)) {
        return false;
    }
    return true;
}

void
offload_mport_format_profile(const struct offload_mport *mp, struct buf *out)
{
    if (mp->profile_error) {
        buf_printf(out, "    profile: none (%s)\n", mp->profile_error);
    } else if (mp->profile) {
        buf_printf(out, "    profile: %s%s\n", mp->profile->name,
                   mp->profile_name     ? ""
                   : mp->profile_by_hal ? " (by its HAL device)"
                                        : " (by driver)");
    } else {
        buf_put_cstr(out, "    profile: -\n");
    }
}

void
offload_port_set_profile(uint32_t odp_port, const char *name)
{
    struct offload_mport *mp = offload_mport_find(odp_port);

    if (!mp
        || (!name == !mp->profile_name
            && (!name || !strcmp(name, mp->profile_name)))) {
        return;
    }
    pthread_rwlock_wrlock(&offload_mgr.rwlock);
    free(mp->profile_name);
    mp->profile_name = name ? xstrdup(name) : NULL;
    offload_mport_bind_profile(mp);
    pthread_rwlock_unlock(&offload_mgr.rwlock);
}

static void
list_cb(struct unixctl_conn *conn, int argc NF_UNUSED,
        const char *argv[] NF_UNUSED, void *aux NF_UNUSED)
{
    struct buf out = BUF_INITIALIZER;

    if (offload_mgr.profiles) {
        offload_profile_format_list(offload_mgr.profiles, &out);
    } else {
        buf_put_cstr(&out, "no hardware profiles loaded\n");
    }
    unixctl_command_reply(conn, buf_cstr(&out));
    buf_destroy(&out);
}

static void
show_cb(struct unixctl_conn *conn, int argc NF_UNUSED, const char *argv[],
        void *aux NF_UNUSED)
{
    const struct offload_profile *p =
        offload_mgr.profiles
            ? offload_profile_find(offload_mgr.profiles, argv[1])
            : NULL;
    if (!p) {
        const char *err = offload_mgr.profiles ? offload_profile_find_error(
                              offload_mgr.profiles, argv[1], NULL)
                                               : NULL;
        char *msg = err ? xasprintf("%s\n", err)
                        : xasprintf("no profile named %s\n", argv[1]);
        unixctl_command_reply_error(conn, msg);
        free(msg);
        return;
    }
    struct buf out = BUF_INITIALIZER;
    offload_profile_format_show(p, &out);
    unixctl_command_reply(conn, buf_cstr(&out));
    buf_destroy(&out);
}

void
offload_profile_commands_register(void)
{
    unixctl_command_register("hw-profile/list", "", 0, 0, list_cb, NULL);
    unixctl_command_register("hw-profile/show", "NAME", 1, 1, show_cb, NULL);
}
