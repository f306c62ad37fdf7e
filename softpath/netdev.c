/* netdev.c: the registry of port types, open/close by name and the checks
 * and bookkeeping common to every type (netdev.h, netdev-provider.h). */
#include "softpath/netdev.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/netdev-provider.h"

#include "config.h" /* HAVE_AFXDP, HAVE_DPDK */
#ifdef HAVE_AFXDP
extern const struct netdev_class netdev_afxdp_class;
#endif

VLOG_DEFINE_THIS_MODULE(netdev);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

/* The registry is small, so a fixed array keeps it simple. */
#define MAX_CLASSES 16
static const struct netdev_class *classes[MAX_CLASSES];
static size_t n_classes;
static bool builtins_registered;

/* Every open port, for the check against opening a name twice. */
static struct netdev *open_netdevs;

static const struct netdev_class *
find_class(const char *type)
{
    for (size_t i = 0; i < n_classes; i++) {
        if (!strcmp(classes[i]->type, type)) {
            return classes[i];
        }
    }
    return NULL;
}

static int
register_class__(const struct netdev_class *class)
{
    if (find_class(class->type)) {
        return EEXIST;
    }
    if (n_classes >= MAX_CLASSES) {
        return ENOSPC;
    }
    classes[n_classes++] = class;
    return 0;
}

/* The built-in types are registered lazily rather than by constructors, so
 * that the order of the registry does not depend on link order. */
static void
register_builtins(void)
{
    if (!builtins_registered) {
        builtins_registered = true;
        register_class__(&netdev_afpacket_class);
#ifdef HAVE_AFXDP
        register_class__(&netdev_afxdp_class);
#endif
        register_class__(&netdev_tap_class);
        register_class__(&netdev_internal_class);
        register_class__(&netdev_dummy_class);
        register_class__(&netdev_dummy_pmd_class);
    }
}

int
netdev_register_class(const struct netdev_class *class)
{
    register_builtins();
    int error = register_class__(class);
    if (error) {
        VLOG_WARN("cannot register port type \"%s\": %s", class->type,
                  error == EEXIST ? "a type of that name exists"
                                  : "too many types");
    }
    return error;
}

void
netdev_types_format(char *buf, size_t size)
{
    size_t used = 0;

    register_builtins();
    if (size) {
        buf[0] = '\0';
    }
    for (size_t i = 0; i < n_classes && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                         classes[i]->type);
        if (n < 0) {
            break;
        }
        used += (size_t) n;
    }
}

struct netdev *
netdev_from_name(const char *name)
{
    for (struct netdev *d = open_netdevs; d; d = d->next) {
        if (!strcmp(d->name, name)) {
            return d;
        }
    }
    return NULL;
}

int
netdev_open(const char *name, const char *type, struct netdev **netdevp)
{
    const struct netdev_class *class;
    struct netdev *netdev;
    int error;

    *netdevp = NULL;
    register_builtins();
    if (!type) {
        type = "afpacket";
    }
    if (!name || !name[0] || strlen(name) >= IFNAMSIZ || strchr(name, '/')
        || strchr(name, ' ')) {
        VLOG_WARN("port \"%s\": bad name (1 to %d characters, no '/' or "
                  "spaces)",
                  name ? name : "(null)", IFNAMSIZ - 1);
        return EINVAL;
    }
    class = find_class(type);
#ifndef HAVE_DPDK
    if (!class && !strcmp(type, "dpdk")) {
        VLOG_WARN("port %s: dpdk ports need DPDK, which this build lacks",
                  name);
        return EAFNOSUPPORT;
    }
#endif
    if (!class) {
        char types[256];

        netdev_types_format(types, sizeof types);
        VLOG_WARN("port %s: unknown port type \"%s\" (known types: %s)", name,
                  type, types);
        return EAFNOSUPPORT;
    }
    netdev = netdev_from_name(name);
    if (netdev) {
        VLOG_WARN("port %s: already open (type %s)", name,
                  netdev->class->type);
        return EBUSY;
    }

    error = class->construct(name, &netdev);
    if (error) {
        /* The provider has logged the details. */
        return error;
    }
    netdev->class = class;
    netdev->name = xstrdup(name);
    netdev->config = NULL;
    netdev->handover = NULL;
    netdev->next = open_netdevs;
    open_netdevs = netdev;
    netdev_handover_opened(netdev);
    VLOG_DBG("port %s: opened (type %s)", name, type);
    *netdevp = netdev;
    return 0;
}

void
netdev_close(struct netdev *netdev)
{
    if (!netdev) {
        return;
    }
    for (struct netdev **p = &open_netdevs; *p; p = &(*p)->next) {
        if (*p == netdev) {
            *p = netdev->next;
            break;
        }
    }
    char *name = netdev->name;
    char *config = netdev->config;
    netdev->class->destruct(netdev);
    free(config);
    free(name);
}

const char *
netdev_get_name(const struct netdev *netdev)
{
    return netdev->name;
}

const char *
netdev_get_type(const struct netdev *netdev)
{
    return netdev->class->type;
}

int
netdev_get_etheraddr(const struct netdev *netdev, struct eth_addr *ea)
{
    return (netdev->class->get_etheraddr
                ? netdev->class->get_etheraddr(netdev, ea)
                : EOPNOTSUPP);
}

int
netdev_get_mtu(const struct netdev *netdev, int *mtup)
{
    return (netdev->class->get_mtu ? netdev->class->get_mtu(netdev, mtup)
                                   : EOPNOTSUPP);
}

int
netdev_get_ifindex(const struct netdev *netdev, int *ifindexp)
{
    return (netdev->class->get_ifindex
                ? netdev->class->get_ifindex(netdev, ifindexp)
                : EOPNOTSUPP);
}

int
netdev_recv(struct netdev *netdev, struct pkt **pkts, size_t max, size_t *n)
{
    *n = 0;
    if (!max) {
        return EAGAIN;
    }
    struct netdev_handover *h =
        __atomic_load_n(&netdev->handover, __ATOMIC_ACQUIRE);
    if (h) {
        return netdev_handover_recv(netdev, h, pkts,
                                    NF_MIN(max, NETDEV_MAX_BURST), n);
    }
    return netdev->class->recv(netdev, pkts, NF_MIN(max, NETDEV_MAX_BURST), n);
}

int
netdev_send(struct netdev *netdev, struct pkt **pkts, size_t n, bool may_steal)
{
    int error = 0;

    if (n) {
        error = netdev->class->send(netdev, pkts, n, may_steal);
    }
    if (may_steal) {
        /* The provider sets the entries it took over to NULL. */
        for (size_t i = 0; i < n; i++) {
            pkt_delete(pkts[i]);
            pkts[i] = NULL;
        }
    }
    return error;
}

bool
netdev_is_multiqueue(const struct netdev *netdev)
{
    return netdev->class->rxq_recv != NULL;
}

int
netdev_n_rxq(const struct netdev *netdev)
{
    return netdev->class->get_n_rxq ? netdev->class->get_n_rxq(netdev) : 1;
}

int
netdev_n_txq(const struct netdev *netdev)
{
    return netdev->class->get_n_txq ? netdev->class->get_n_txq(netdev) : 1;
}

int
netdev_rxq_recv(struct netdev *netdev, int qid, struct pkt **pkts, size_t max,
                size_t *n)
{
    *n = 0;
    if (!netdev->class->rxq_recv) {
        return qid ? EAGAIN : netdev_recv(netdev, pkts, max, n);
    }
    /* A handed-over port's input comes through netdev_recv() alone, on
     * the thread that waits on the handover's fd. */
    if (!max || qid < 0
        || __atomic_load_n(&netdev->handover, __ATOMIC_ACQUIRE)) {
        return EAGAIN;
    }
    return netdev->class->rxq_recv(netdev, qid, pkts,
                                   NF_MIN(max, NETDEV_MAX_BURST), n);
}

int
netdev_send_txq(struct netdev *netdev, int qid, struct pkt **pkts, size_t n,
                bool may_steal)
{
    int error = 0;

    if (!netdev->class->send_txq) {
        return netdev_send(netdev, pkts, n, may_steal);
    }
    if (n) {
        error = netdev->class->send_txq(netdev, qid < 0 ? 0 : qid, pkts, n,
                                        may_steal);
    }
    if (may_steal) {
        for (size_t i = 0; i < n; i++) {
            pkt_delete(pkts[i]);
            pkts[i] = NULL;
        }
    }
    return error;
}

int
netdev_get_fd(const struct netdev *netdev)
{
    struct netdev_handover *h =
        __atomic_load_n(&netdev->handover, __ATOMIC_ACQUIRE);
    if (h) {
        return netdev_handover_fd(h);
    }
    return netdev->class->get_fd ? netdev->class->get_fd(netdev) : -1;
}

int
netdev_get_stats(const struct netdev *netdev, struct netdev_stats *stats)
{
    if (netdev->class->get_stats) {
        return netdev->class->get_stats(netdev, stats);
    }
    *stats = netdev->stats;
    return 0;
}

int
netdev_get_carrier(const struct netdev *netdev, bool *up)
{
    return (netdev->class->get_carrier ? netdev->class->get_carrier(netdev, up)
                                       : EOPNOTSUPP);
}

bool
netdev_needs_polling(const struct netdev *netdev)
{
    /* A port handed over to another input path waits on its queue's fd. */
    return (netdev->class->needs_polling
            && !__atomic_load_n(&netdev->handover, __ATOMIC_ACQUIRE));
}

int
netdev_set_up(struct netdev *netdev, bool up)
{
    if (!netdev->class->set_up) {
        return EOPNOTSUPP;
    }
    int error = netdev->class->set_up(netdev, up);
    if (error) {
        VLOG_WARN_RL(&rl, "port %s: cannot set %s: %s", netdev->name,
                     up ? "up" : "down", nf_strerror(error));
    }
    return error;
}

/* ---------------------------------------------------------------------
 * Port options.
 * --------------------------------------------------------------------- */

struct option_kv {
    const char *key, *value;
};

static int
compare_options(const void *a_, const void *b_)
{
    const struct option_kv *a = a_, *b = b_;

    return strcmp(a->key, b->key);
}

/* Checks OPTIONS and stores in *CANONICAL the same set with its keys in
 * sorted order (what set_config receives and get_config returns), so that
 * one set has one spelling however it was written. */
static int
options_canonicalize(const char *netdev_name, const char *options,
                     char **canonical, char **errp)
{
    char *copy = xstrdup(options);
    struct option_kv *kvs = xcalloc(strlen(options) + 1, sizeof *kvs);
    char *save = NULL, *item, *msg = NULL;
    struct buf b = BUF_INITIALIZER;
    size_t n = 0;

    for (item = strtok_r(copy, ",", &save); item && !msg;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');

        if (!eq || eq == item) {
            msg = xasprintf("%s: \"%s\": a port option is key=value",
                            netdev_name, item);
            break;
        }
        *eq = '\0';
        kvs[n++] = (struct option_kv){ item, eq + 1 };
    }
    if (!msg) {
        qsort(kvs, n, sizeof *kvs, compare_options);
        for (size_t i = 0; i < n && !msg; i++) {
            if (i && !strcmp(kvs[i - 1].key, kvs[i].key)) {
                msg = xasprintf("%s: duplicate \"%s\" option", netdev_name,
                                kvs[i].key);
            }
            buf_printf(&b, "%s%s=%s", i ? "," : "", kvs[i].key, kvs[i].value);
        }
    }
    free(kvs);
    free(copy);
    if (msg) {
        buf_destroy(&b);
        nf_give_error(errp, msg);
        return EINVAL;
    }
    *canonical = buf_steal_cstr(&b);
    return 0;
}

int
netdev_set_config(struct netdev *netdev, const char *options, char **errp)
{
    char *canonical = NULL;
    int error;

    if (errp) {
        *errp = NULL;
    }
    if (!options) {
        options = "";
    }
    if (!netdev->class->set_config) {
        if (!*options) {
            return 0;
        }
        if (errp) {
            *errp = xasprintf("%s: arguments provided to device that is "
                              "not configurable",
                              netdev->name);
        }
        return EINVAL;
    }
    error = options_canonicalize(netdev->name, options, &canonical, errp);
    if (error) {
        return error;
    }
    error = netdev->class->set_config(netdev, canonical, errp);
    if (error) {
        if (errp && !*errp) {
            *errp = xasprintf("%s: could not set configuration (%s)",
                              netdev->name, nf_strerror(error));
        }
        free(canonical);
        return error;
    }
    free(netdev->config);
    netdev->config = canonical;
    return 0;
}

const char *
netdev_get_config(const struct netdev *netdev)
{
    return netdev->config ? netdev->config : "";
}

/* ---------------------------------------------------------------------
 * The virtio net header in a packet's headroom.
 *
 * The layout at pkt->base is a 32-bit tag followed, at offset 4, by the
 * 10-byte struct virtio_net_hdr, then padding to NETDEV_PKT_META_SIZE.  The
 * tag tells a header written here from leftover bytes of a buffer that was
 * reallocated or never had one.
 * --------------------------------------------------------------------- */

#define VNET_META_TAG 0x6e76684bu /* Arbitrary: "nvhK". */
#define VNET_META_HDR_OFS 4

_Static_assert(VNET_META_HDR_OFS + sizeof(struct virtio_net_hdr)
                   <= NETDEV_PKT_META_SIZE,
               "virtio_net_hdr fits in the packet metadata");

struct pkt *
netdev_pkt_new(size_t size)
{
    struct pkt *p = pkt_new(size, NETDEV_PKT_META_SIZE + PKT_DEFAULT_HEADROOM);

    memset(p->base, 0, NETDEV_PKT_META_SIZE);
    return p;
}

int
netdev_pkt_set_vnet_hdr(struct pkt *p, const struct virtio_net_hdr *hdr)
{
    uint32_t tag = VNET_META_TAG;

    if (pkt_headroom(p) < NETDEV_PKT_META_SIZE) {
        return ENOSPC;
    }
    memcpy(p->base, &tag, sizeof tag);
    memcpy(p->base + VNET_META_HDR_OFS, hdr, sizeof *hdr);
    return 0;
}

bool
netdev_pkt_get_vnet_hdr(const struct pkt *p, struct virtio_net_hdr *hdr)
{
    uint32_t tag;

    /* A push that ate into the metadata leaves headroom below its size, so
     * the header is only trusted while the headroom still covers it. */
    if (pkt_headroom(p) >= NETDEV_PKT_META_SIZE) {
        memcpy(&tag, p->base, sizeof tag);
        if (tag == VNET_META_TAG) {
            memcpy(hdr, p->base + VNET_META_HDR_OFS, sizeof *hdr);
            return true;
        }
    }
    memset(hdr, 0, sizeof *hdr);
    return false;
}

void
netdev_pkt_clear_vnet_hdr(struct pkt *p)
{
    if (pkt_headroom(p) >= NETDEV_PKT_META_SIZE) {
        memset(p->base, 0, sizeof(uint32_t));
    }
}

/* ---------------------------------------------------------------------
 * Linux device helpers.
 * --------------------------------------------------------------------- */

/* One AF_INET datagram socket serves every interface ioctl; it is kept open
 * for the life of the process. */
static int
af_inet_ioctl(const char *name, unsigned long cmd, struct ifreq *ifr)
{
    static int sock = -1;

    if (sock < 0) {
        sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock < 0) {
            return errno;
        }
    }
    memset(ifr->ifr_name, 0, sizeof ifr->ifr_name);
    strncpy(ifr->ifr_name, name, sizeof ifr->ifr_name - 1);
    return ioctl(sock, cmd, ifr) < 0 ? errno : 0;
}

int
netdev_linux_get_etheraddr(const char *name, struct eth_addr *ea)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    int error = af_inet_ioctl(name, SIOCGIFHWADDR, &ifr);
    if (!error) {
        memcpy(ea->ea, ifr.ifr_hwaddr.sa_data, ETH_ADDR_LEN);
    }
    return error;
}

int
netdev_linux_get_mtu(const char *name, int *mtup)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    int error = af_inet_ioctl(name, SIOCGIFMTU, &ifr);
    if (!error) {
        *mtup = ifr.ifr_mtu;
    }
    return error;
}

int
netdev_linux_set_up(const char *name, bool up)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    int error = af_inet_ioctl(name, SIOCGIFFLAGS, &ifr);
    if (error) {
        return error;
    }
    short flags = ifr.ifr_flags;
    if (up) {
        ifr.ifr_flags |= IFF_UP;
    } else {
        ifr.ifr_flags &= ~IFF_UP;
    }
    if (ifr.ifr_flags == flags) {
        return 0;
    }
    return af_inet_ioctl(name, SIOCSIFFLAGS, &ifr);
}
