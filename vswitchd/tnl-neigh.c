/* tnl-neigh.c: the tunnel neighbour cache and the tunnel UDP source port
 * range (see tnl-neigh.h).
 *
 * tnl/neigh/show lists entries oldest first.  Open vSwitch lists them in
 * the order of a cmap whose hash basis is random per table, so its order
 * differs from run to run; only the set of lines can be compared. */
#include "vswitchd/tnl-neigh.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/icmp6.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/evloop.h"
#include "lib/flow.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/list.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "vswitchd/tnl-route.h"

struct tnl_neigh_entry {
    struct hmap_node node; /* In tnl_neigh_map, by address. */
    struct dlist list;     /* In tnl_neigh_list, oldest first. */
    struct in6_addr ip;
    struct eth_addr mac;
    long long expires; /* Clock time in ms. */
    bool learned;      /* From a packet (true) or the user (false). */
    char dev[IFNAMSIZ];
};

static pthread_mutex_t tnl_neigh_mutex = PTHREAD_MUTEX_INITIALIZER;
/* Bumped when an entry is added, changes its MAC or goes (not when a use
 * pushes its expiry back): translations that missed or used an entry are
 * redone after a change. */
static _Atomic uint64_t tnl_neigh_gen;
static struct hmap tnl_neigh_map = HMAP_INITIALIZER;
static struct dlist tnl_neigh_list = DLIST_INITIALIZER(&tnl_neigh_list);
static unsigned int tnl_neigh_aging_ms = TNL_NEIGH_DEFAULT_AGING_S * 1000;
static long long (*tnl_neigh_now)(void) = nf_time_msec;
static struct evloop *tnl_neigh_loop;
static struct evloop_timer *tnl_neigh_timer;
static uint16_t tnl_neigh_port_min = TNL_NEIGH_UDP_PORT_MIN;
static uint16_t tnl_neigh_port_max = TNL_NEIGH_UDP_PORT_MAX;

static uint32_t
tnl_neigh_hash(const struct in6_addr *ip)
{
    return hash_bytes(ip, sizeof *ip, 0);
}

/* The caller holds the mutex. */
static void
tnl_neigh_remove(struct tnl_neigh_entry *e)
{
    tnl_neigh_gen++;
    hmap_remove(&tnl_neigh_map, &e->node);
    dlist_remove(&e->list);
    free(e);
}

/* The newest entry for IP on DEV (an expired one may linger beside its
 * replacement until the next tnl_neigh_run()). */
static struct tnl_neigh_entry *
tnl_neigh_find(const char *dev, const struct in6_addr *ip)
{
    struct tnl_neigh_entry *e, *found = NULL;

    HMAP_FOR_EACH_WITH_HASH (e, node, tnl_neigh_hash(ip), &tnl_neigh_map) {
        if (!memcmp(&e->ip, ip, sizeof *ip)
            && !strncmp(e->dev, dev, IFNAMSIZ - 1)
            && (!found || e->expires > found->expires)) {
            found = e;
        }
    }
    return found;
}

static bool
tnl_neigh_expired(const struct tnl_neigh_entry *e)
{
    return e->expires <= tnl_neigh_now();
}

int
tnl_neigh_lookup(const char *dev, const struct in6_addr *ip,
                 struct eth_addr *mac)
{
    int error = ENOENT;

    pthread_mutex_lock(&tnl_neigh_mutex);
    struct tnl_neigh_entry *e = tnl_neigh_find(dev, ip);
    if (e && !tnl_neigh_expired(e)) {
        e->expires = tnl_neigh_now() + tnl_neigh_aging_ms;
        *mac = e->mac;
        error = 0;
    }
    pthread_mutex_unlock(&tnl_neigh_mutex);
    return error;
}

void
tnl_neigh_set(const char *dev, const struct in6_addr *ip,
              const struct eth_addr *mac, bool learned)
{
    pthread_mutex_lock(&tnl_neigh_mutex);
    struct tnl_neigh_entry *e = tnl_neigh_find(dev, ip);

    /* As in Open vSwitch, an expired entry is not found by lookups, so it
     * is replaced rather than refreshed. */
    if (e && !tnl_neigh_expired(e)) {
        if (!memcmp(&e->mac, mac, sizeof *mac)) {
            e->expires = tnl_neigh_now() + tnl_neigh_aging_ms;
            pthread_mutex_unlock(&tnl_neigh_mutex);
            return;
        }
        tnl_neigh_remove(e);
    }
    e = xzalloc(sizeof *e);
    e->ip = *ip;
    e->mac = *mac;
    e->learned = learned;
    e->expires = tnl_neigh_now() + tnl_neigh_aging_ms;
    snprintf(e->dev, sizeof e->dev, "%s", dev);
    hmap_insert(&tnl_neigh_map, &e->node, tnl_neigh_hash(ip));
    dlist_push_back(&tnl_neigh_list, &e->list);
    tnl_neigh_gen++;
    pthread_mutex_unlock(&tnl_neigh_mutex);
}

static bool
tnl_neigh_mac_is_zero(const struct eth_addr *mac)
{
    return nf_bytes_all(mac->ea, ETH_ADDR_LEN, 0);
}

int
tnl_neigh_snoop(const struct flow *flow, const char *dev)
{
    if (flow->dl_type == htons(ETH_TYPE_ARP)) {
        /* ARP replies, and gratuitous ARP requests or replies. */
        bool garp = nf_bytes_all(flow->dl_dst.ea, ETH_ADDR_LEN, 0xff)
                    && flow->nw_src == flow->nw_dst;
        if ((!garp && flow->nw_proto != 2 /* ARP reply */)
            || tnl_neigh_mac_is_zero(&flow->arp_sha)) {
            return EINVAL;
        }
        struct in6_addr ip = IN6ADDR_ANY_INIT;
        ip.s6_addr[10] = ip.s6_addr[11] = 0xff;
        memcpy(&ip.s6_addr[12], &flow->nw_src, 4);
        tnl_neigh_set(dev, &ip, &flow->arp_sha, true);
        return 0;
    }

    /* Neighbour advertisements with a target link-layer address option:
     * Linux answers unicast solicitations without one, and a packet that
     * failed parsing has it zeroed. */
    if (flow->dl_type != htons(ETH_TYPE_IPV6)
        || flow->nw_proto != IPPROTO_ICMPV6 || flow->tp_dst != htons(0)
        || flow->tp_src != htons(ND_NEIGHBOR_ADVERT)
        || tnl_neigh_mac_is_zero(&flow->arp_tha)) {
        return EINVAL;
    }
    tnl_neigh_set(dev, &flow->nd_target, &flow->arp_tha, true);
    return 0;
}

struct tnl_neigh_flush_aux {
    const char *dev;
    bool expired_only;
};

/* Calls CB for every entry, oldest first; CB may remove the entry it is
 * given.  The caller holds the mutex. */
static void
tnl_neigh_for_each(void (*cb)(struct tnl_neigh_entry *, void *), void *aux)
{
    struct tnl_neigh_entry *e, *next;

    DLIST_FOR_EACH_SAFE (e, next, list, &tnl_neigh_list) {
        cb(e, aux);
    }
}

static void
tnl_neigh_flush_cb(struct tnl_neigh_entry *e, void *aux_)
{
    const struct tnl_neigh_flush_aux *aux = aux_;

    if ((!aux->dev || !strncmp(e->dev, aux->dev, IFNAMSIZ - 1))
        && (!aux->expired_only || tnl_neigh_expired(e))) {
        tnl_neigh_remove(e);
    }
}

void
tnl_neigh_flush(const char *dev)
{
    struct tnl_neigh_flush_aux aux = { dev, false };

    pthread_mutex_lock(&tnl_neigh_mutex);
    tnl_neigh_for_each(tnl_neigh_flush_cb, &aux);
    pthread_mutex_unlock(&tnl_neigh_mutex);
}

void
tnl_neigh_run(void)
{
    struct tnl_neigh_flush_aux aux = { NULL, true };

    pthread_mutex_lock(&tnl_neigh_mutex);
    tnl_neigh_for_each(tnl_neigh_flush_cb, &aux);
    pthread_mutex_unlock(&tnl_neigh_mutex);
}

unsigned int
tnl_neigh_get_aging(void)
{
    pthread_mutex_lock(&tnl_neigh_mutex);
    unsigned int ms = tnl_neigh_aging_ms;
    pthread_mutex_unlock(&tnl_neigh_mutex);
    return ms;
}

static void
tnl_neigh_clamp_cb(struct tnl_neigh_entry *e, void *aux)
{
    long long new_exp = *(const long long *) aux;

    if (new_exp < e->expires) {
        e->expires = new_exp;
    }
}

int
tnl_neigh_set_aging(unsigned int secs)
{
    if (!secs || secs > TNL_NEIGH_MAX_AGING_S) {
        return EINVAL;
    }
    pthread_mutex_lock(&tnl_neigh_mutex);
    tnl_neigh_aging_ms = secs * 1000;
    long long new_exp = tnl_neigh_now() + tnl_neigh_aging_ms;
    tnl_neigh_for_each(tnl_neigh_clamp_cb, &new_exp);
    pthread_mutex_unlock(&tnl_neigh_mutex);
    return 0;
}

static void
tnl_neigh_format_cb(struct tnl_neigh_entry *e, void *out_)
{
    struct buf *out = out_;
    size_t start = out->len;

    tnl_route_format_addr(out, &e->ip);
    while (out->len - start < INET6_ADDRSTRLEN) {
        buf_put_char(out, ' ');
    }
    buf_printf(out, ETH_ADDR_FMT "   %s%s\n", ETH_ADDR_ARGS(e->mac), e->dev,
               tnl_neigh_expired(e) ? " STALE" : "");
}

void
tnl_neigh_format(struct buf *out)
{
    buf_put_cstr(out, "IP                                            MAC   "
                      "              Bridge\n"
                      "================================================"
                      "==========================\n");
    pthread_mutex_lock(&tnl_neigh_mutex);
    tnl_neigh_for_each(tnl_neigh_format_cb, out);
    pthread_mutex_unlock(&tnl_neigh_mutex);
}

unsigned int
tnl_neigh_count(void)
{
    pthread_mutex_lock(&tnl_neigh_mutex);
    unsigned int n = hmap_count(&tnl_neigh_map);
    pthread_mutex_unlock(&tnl_neigh_mutex);
    return n;
}

void
tnl_neigh_get_port_range(uint16_t *min, uint16_t *max)
{
    pthread_mutex_lock(&tnl_neigh_mutex);
    *min = tnl_neigh_port_min;
    *max = tnl_neigh_port_max;
    pthread_mutex_unlock(&tnl_neigh_mutex);
}

void
tnl_neigh_set_clock(long long (*now)(void))
{
    tnl_neigh_now = now ? now : nf_time_msec;
}

/* Commands. */

static void
tnl_neigh_show_cmd(struct unixctl_conn *conn, int argc, const char *argv[],
                   void *aux)
{
    struct buf out = BUF_INITIALIZER;

    tnl_neigh_format(&out);
    unixctl_command_reply(conn, buf_cstr(&out));
    buf_destroy(&out);
}

/* Open vSwitch parses an IPv6 address if the text has a colon, otherwise
 * an IPv4 one, with inet_pton() either way. */
static bool
tnl_neigh_parse_ip(const char *s, struct in6_addr *ip)
{
    if (strchr(s, ':')) {
        return inet_pton(AF_INET6, s, ip) == 1;
    }
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1) {
        return false;
    }
    memset(ip, 0, sizeof *ip);
    ip->s6_addr[10] = ip->s6_addr[11] = 0xff;
    memcpy(&ip->s6_addr[12], &a, 4);
    return true;
}

/* Six colon-separated groups of one or two hex digits, and nothing
 * after. */
static bool
tnl_neigh_parse_mac(const char *s, struct eth_addr *mac)
{
    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        unsigned int v = 0;
        int n = 0;

        while (n < 2
               && ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')
                   || (s[n] >= 'A' && s[n] <= 'F'))) {
            char c = s[n] | 0x20;
            v = v * 16 + (unsigned int) (c <= '9' ? c - '0' : c - 'a' + 10);
            n++;
        }
        if (!n || (i < ETH_ADDR_LEN - 1 && s[n] != ':')) {
            return false;
        }
        mac->ea[i] = v;
        s += n + (i < ETH_ADDR_LEN - 1);
    }
    return !*s;
}

static void
tnl_neigh_set_cmd(struct unixctl_conn *conn, int argc, const char *argv[],
                  void *aux)
{
    struct in6_addr ip;
    struct eth_addr mac;

    if (!tnl_neigh_parse_ip(argv[2], &ip)) {
        unixctl_command_reply_error(conn, "bad IP address");
    } else if (!tnl_neigh_parse_mac(argv[3], &mac)) {
        unixctl_command_reply_error(conn, "bad MAC address");
    } else {
        tnl_neigh_set(argv[1], &ip, &mac, false);
        unixctl_command_reply(conn, "OK");
    }
}

static void
tnl_neigh_flush_cmd(struct unixctl_conn *conn, int argc, const char *argv[],
                    void *aux)
{
    tnl_neigh_flush(NULL);
    unixctl_command_reply(conn, "OK");
}

/* Reads a number as Open vSwitch's ovs_scan("%u") does: leading blanks,
 * decimal digits, anything after them ignored. */
static bool
tnl_neigh_scan_uint(const char *s, unsigned int *v)
{
    unsigned long long x = 0;
    int n = 0;

    while (*s == ' ' || *s == '\t') {
        s++;
    }
    if (*s == '+') {
        s++;
    }
    for (; *s >= '0' && *s <= '9'; s++, n++) {
        x = NF_MIN(x * 10 + (unsigned long long) (*s - '0'),
                   UINT32_MAX + 1ULL);
    }
    *v = x > UINT32_MAX ? UINT32_MAX : (unsigned int) x;
    return n > 0;
}

static void
tnl_neigh_aging_cmd(struct unixctl_conn *conn, int argc, const char *argv[],
                    void *aux)
{
    unsigned int secs;

    if (argc == 1) {
        char *s = xasprintf("%u", tnl_neigh_get_aging() / 1000);
        unixctl_command_reply(conn, s);
        free(s);
    } else if (!tnl_neigh_scan_uint(argv[1], &secs)
               || tnl_neigh_set_aging(secs)) {
        unixctl_command_reply_error(conn, "bad aging value");
    } else {
        unixctl_command_reply(conn, "OK");
    }
}

/* Open vSwitch reads the numbers with atoi() and answers errors as
 * successful replies, which is copied here; with one argument it shows
 * the range, with two it sets it (in either order). */
static void
tnl_neigh_port_range_cmd(struct unixctl_conn *conn, int argc,
                         const char *argv[], void *aux)
{
    if (argc < 3) {
        uint16_t min, max;
        tnl_neigh_get_port_range(&min, &max);
        char *s = xasprintf("Tunnel UDP source port range: %" PRIu16
                            "-%" PRIu16 "\n",
                            min, max);
        unixctl_command_reply(conn, s);
        free(s);
        return;
    }
    int v1 = atoi(argv[1]);
    if (v1 <= 0 || v1 > UINT16_MAX) {
        unixctl_command_reply(conn, "Invalid min.");
        return;
    }
    int v2 = atoi(argv[2]);
    if (v2 <= 0 || v2 > UINT16_MAX) {
        unixctl_command_reply(conn, "Invalid max.");
        return;
    }
    pthread_mutex_lock(&tnl_neigh_mutex);
    tnl_neigh_port_min = NF_MIN(v1, v2);
    tnl_neigh_port_max = NF_MAX(v1, v2);
    pthread_mutex_unlock(&tnl_neigh_mutex);
    unixctl_command_reply(conn, "OK");
}

static void
tnl_neigh_timer_cb(void *aux)
{
    tnl_neigh_run();
}

void
tnl_neigh_init(struct evloop *loop)
{
    static const char *const prefixes[] = { "tnl/neigh", "tnl/arp" };

    for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
        char name[32];

        snprintf(name, sizeof name, "%s/show", prefixes[i]);
        unixctl_command_register(name, "", 0, 0, tnl_neigh_show_cmd, NULL);
        snprintf(name, sizeof name, "%s/set", prefixes[i]);
        unixctl_command_register(name, "BRIDGE IP MAC", 3, 3,
                                 tnl_neigh_set_cmd, NULL);
        snprintf(name, sizeof name, "%s/flush", prefixes[i]);
        unixctl_command_register(name, "", 0, 0, tnl_neigh_flush_cmd, NULL);
        snprintf(name, sizeof name, "%s/aging", prefixes[i]);
        unixctl_command_register(name, "[SECS]", 0, 1, tnl_neigh_aging_cmd,
                                 NULL);
    }
    unixctl_command_register("tnl/egress_port_range", "min max", 0, 2,
                             tnl_neigh_port_range_cmd, NULL);
    if (loop) {
        tnl_neigh_loop = loop;
        tnl_neigh_timer =
            evloop_add_timer(loop, 1000, 1000, tnl_neigh_timer_cb, NULL);
    }
}

void
tnl_neigh_exit(void)
{
    if (tnl_neigh_loop) {
        evloop_cancel_timer(tnl_neigh_loop, tnl_neigh_timer);
        tnl_neigh_loop = NULL;
        tnl_neigh_timer = NULL;
    }
    tnl_neigh_flush(NULL);
    pthread_mutex_lock(&tnl_neigh_mutex);
    hmap_destroy(&tnl_neigh_map);
    pthread_mutex_unlock(&tnl_neigh_mutex);
}

uint64_t
tnl_neigh_generation(void)
{
    return tnl_neigh_gen;
}
