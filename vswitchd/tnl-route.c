/* tnl-route.c: nicflowd's IP route table (see tnl-route.h).
 *
 * Precedence is Open vSwitch's: a route's priority is its prefix length
 * (0-128), plus 32 for a user route, plus 64 for a local route; a lookup
 * takes the matching route of highest priority.
 *
 * ovs/route/show lists routes in the order Open vSwitch's classifier
 * iterates them, reproduced here so that the listings compare line for
 * line: routes are grouped by prefix length (a classifier "subtable":
 * the same mask), groups in decreasing order of their highest priority
 * (a stable sort, so equal groups keep their earlier order and a new
 * group goes after its equals), and routes within a group oldest first,
 * a replaced route keeping its place.  Following the kernel reloads
 * every kernel route on each change, as Open vSwitch does, so kernel
 * routes re-added after a change list after the user routes of their
 * length.
 *
 * The kernel side uses libnl-route-3: one socket subscribed to route and
 * link notifications (polled on the event loop) only says that something
 * changed.  As in Open vSwitch 3.1, address notifications are not
 * followed: adding or removing an address adds or removes its local
 * route, which is notified, while a mere change of an address's flags
 * (the end of duplicate address detection) would reorder the listing
 * against ovs-vswitchd's.  Another socket dumps links, addresses and routes
 * afresh, in the kernel's order, which is the order Open vSwitch sees. */
#include "vswitchd/tnl-route.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/route/rtnl.h>

#include "lib/buf.h"
#include "lib/coverage.h"
#include "lib/evloop.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(tnl_route);
COVERAGE_DEFINE(tnl_route_reload);

struct tnl_route {
    struct in6_addr prefix; /* Host bits zero. */
    struct in6_addr gw;     /* :: if none. */
    struct in6_addr src;
    uint32_t mark;
    uint8_t plen;     /* 0 to 128. */
    uint8_t priority; /* plen, + 32 (user), + 64 (local). */
    bool local;
    char dev[IFNAMSIZ];
};

/* Routes of one prefix length, oldest first. */
struct tnl_route_group {
    uint8_t plen;
    size_t n, allocated;
    struct tnl_route *routes;
};

/* An address of a device, with its mask as Open vSwitch builds it (an
 * IPv4 mask is mapped too: ::ffff:255.255.255.0 for a /24). */
struct tnl_route_addr {
    char dev[IFNAMSIZ];
    struct in6_addr addr;
    struct in6_addr mask;
    int mask_bits;
};

static pthread_mutex_t tnl_route_mutex = PTHREAD_MUTEX_INITIALIZER;
/* Bumped by every change of the table or the address list, under the
 * mutex: translations that used a route are redone after a change. */
static _Atomic uint64_t tnl_route_gen;
static struct tnl_route_group *tnl_route_groups; /* In listing order. */
static size_t tnl_route_n_groups;
static struct tnl_route_addr *tnl_route_addrs;
static size_t tnl_route_n_addrs;

static struct evloop *tnl_route_loop;
static struct nl_sock *tnl_route_nl_events; /* Notifications. */
static struct nl_sock *tnl_route_nl_dump;   /* Dumps. */

static bool
tnl_route_is_v4(const struct in6_addr *a)
{
    return IN6_IS_ADDR_V4MAPPED(a);
}

static struct in6_addr
tnl_route_mask(unsigned int plen)
{
    struct in6_addr m = IN6ADDR_ANY_INIT;

    for (unsigned int i = 0; i < plen; i++) {
        m.s6_addr[i / 8] |= 0x80 >> (i % 8);
    }
    return m;
}

static struct in6_addr
tnl_route_and(const struct in6_addr *a, const struct in6_addr *m)
{
    struct in6_addr r;

    for (int i = 0; i < 16; i++) {
        r.s6_addr[i] = a->s6_addr[i] & m->s6_addr[i];
    }
    return r;
}

static bool
tnl_route_addr_is_set(const struct in6_addr *a)
{
    return a && !IN6_IS_ADDR_UNSPECIFIED(a);
}

static struct in6_addr
tnl_route_mapped(uint32_t be32)
{
    struct in6_addr a = IN6ADDR_ANY_INIT;

    a.s6_addr[10] = a.s6_addr[11] = 0xff;
    memcpy(&a.s6_addr[12], &be32, 4);
    return a;
}

void
tnl_route_format_addr(struct buf *out, const struct in6_addr *addr)
{
    char s[INET6_ADDRSTRLEN];

    if (tnl_route_is_v4(addr)) {
        inet_ntop(AF_INET, &addr->s6_addr[12], s, sizeof s);
    } else {
        inet_ntop(AF_INET6, addr, s, sizeof s);
    }
    buf_put_cstr(out, s);
}

/* Addresses. */

void
tnl_route_addr_add(const char *dev, const struct in6_addr *addr,
                   unsigned int plen)
{
    struct tnl_route_addr *a;

    pthread_mutex_lock(&tnl_route_mutex);
    tnl_route_addrs = xrealloc(tnl_route_addrs, (tnl_route_n_addrs + 1)
                                                    * sizeof *tnl_route_addrs);
    a = &tnl_route_addrs[tnl_route_n_addrs++];
    snprintf(a->dev, sizeof a->dev, "%s", dev);
    a->addr = *addr;
    if (tnl_route_is_v4(addr)) {
        /* getifaddrs() gives Open vSwitch a plain IPv4 netmask, which it
         * maps like an address: the 16 bits of 0xffff count too. */
        unsigned int v4 = plen > 96 ? plen - 96 : 0;
        uint32_t m = v4 ? htonl(~0u << (32 - v4)) : 0;
        a->mask = tnl_route_mapped(m);
        a->mask_bits = 16 + (int) v4;
    } else {
        a->mask = tnl_route_mask(NF_MIN(plen, 128));
        a->mask_bits = (int) NF_MIN(plen, 128);
    }
    tnl_route_gen++;
    pthread_mutex_unlock(&tnl_route_mutex);
}

bool
tnl_route_addr_is_local(const char *dev, const struct in6_addr *addr)
{
    bool found = false;

    pthread_mutex_lock(&tnl_route_mutex);
    for (size_t i = 0; i < tnl_route_n_addrs && !found; i++) {
        const struct tnl_route_addr *a = &tnl_route_addrs[i];
        found = !memcmp(&a->addr, addr, sizeof *addr)
                && (!dev || !strcmp(a->dev, dev));
    }
    pthread_mutex_unlock(&tnl_route_mutex);
    return found;
}

void
tnl_route_addr_clear(void)
{
    pthread_mutex_lock(&tnl_route_mutex);
    free(tnl_route_addrs);
    tnl_route_addrs = NULL;
    tnl_route_n_addrs = 0;
    tnl_route_gen++;
    pthread_mutex_unlock(&tnl_route_mutex);
}

/* Open vSwitch's ovs_router_get_netdev_source_address(): the address of
 * DEV whose subnet holds DST, the longest such subnet winning (the first
 * among equals).  An IPv4 destination only considers IPv4 addresses. */
static int
tnl_route_pick_src(const struct in6_addr *dst, const char *dev,
                   struct in6_addr *src)
{
    int best = -1;

    for (size_t i = 0; i < tnl_route_n_addrs; i++) {
        const struct tnl_route_addr *a = &tnl_route_addrs[i];

        if (strcmp(a->dev, dev)
            || (tnl_route_is_v4(dst) && !tnl_route_is_v4(&a->addr))) {
            continue;
        }
        struct in6_addr a1 = tnl_route_and(dst, &a->mask);
        struct in6_addr a2 = tnl_route_and(&a->addr, &a->mask);
        if (!memcmp(&a1, &a2, sizeof a1) && a->mask_bits > best) {
            *src = a->addr;
            best = a->mask_bits;
        }
    }
    return best < 0 ? ENOENT : 0;
}

/* Open vSwitch's verify_prefsrc(): SRC must be an address of DEV in the
 * same subnet as DST. */
static int
tnl_route_check_src(const struct in6_addr *dst, const char *dev,
                    struct in6_addr *src)
{
    for (size_t i = 0; i < tnl_route_n_addrs; i++) {
        const struct tnl_route_addr *a = &tnl_route_addrs[i];

        if (strcmp(a->dev, dev) || memcmp(&a->addr, src, sizeof *src)) {
            continue;
        }
        struct in6_addr a1 = tnl_route_and(dst, &a->mask);
        struct in6_addr a2 = tnl_route_and(src, &a->mask);
        if (!memcmp(&a1, &a2, sizeof a1)) {
            return 0;
        }
    }
    return ENOENT;
}

/* The table.  Callers hold the mutex. */

static unsigned int
tnl_route_group_priority(const struct tnl_route_group *g)
{
    unsigned int max = 0;

    for (size_t i = 0; i < g->n; i++) {
        max = NF_MAX(max, g->routes[i].priority);
    }
    return max;
}

/* Keeps the groups in decreasing order of highest priority with a stable
 * insertion sort, as Open vSwitch's pvector does with glibc's (stable)
 * merge sort. */
static void
tnl_route_sort_groups(void)
{
    for (size_t i = 1; i < tnl_route_n_groups; i++) {
        struct tnl_route_group g = tnl_route_groups[i];
        unsigned int p = tnl_route_group_priority(&g);
        size_t j = i;

        while (j > 0
               && tnl_route_group_priority(&tnl_route_groups[j - 1]) < p) {
            tnl_route_groups[j] = tnl_route_groups[j - 1];
            j--;
        }
        tnl_route_groups[j] = g;
    }
}

static struct tnl_route_group *
tnl_route_find_group(uint8_t plen)
{
    for (size_t i = 0; i < tnl_route_n_groups; i++) {
        if (tnl_route_groups[i].plen == plen) {
            return &tnl_route_groups[i];
        }
    }
    return NULL;
}

static void
tnl_route_remove_at(struct tnl_route_group *g, size_t i)
{
    memmove(&g->routes[i], &g->routes[i + 1],
            (g->n - i - 1) * sizeof *g->routes);
    if (!--g->n) {
        size_t gi = (size_t) (g - tnl_route_groups);
        free(g->routes);
        memmove(g, g + 1, (tnl_route_n_groups - gi - 1) * sizeof *g);
        tnl_route_n_groups--;
    }
}

static void
tnl_route_insert(const struct tnl_route *r)
{
    struct tnl_route_group *g = tnl_route_find_group(r->plen);

    if (!g) {
        tnl_route_groups =
            xrealloc(tnl_route_groups,
                     (tnl_route_n_groups + 1) * sizeof *tnl_route_groups);
        g = &tnl_route_groups[tnl_route_n_groups++];
        memset(g, 0, sizeof *g);
        g->plen = r->plen;
    }
    for (size_t i = 0; i < g->n; i++) {
        struct tnl_route *old = &g->routes[i];
        if (old->mark == r->mark && old->priority == r->priority
            && !memcmp(&old->prefix, &r->prefix, sizeof r->prefix)) {
            *old = *r;
            tnl_route_sort_groups();
            return;
        }
    }
    if (g->n == g->allocated) {
        g->allocated = g->allocated ? 2 * g->allocated : 4;
        g->routes = xrealloc(g->routes, g->allocated * sizeof *g->routes);
    }
    g->routes[g->n++] = *r;
    tnl_route_sort_groups();
}

static const struct tnl_route *
tnl_route_find(uint32_t mark, const struct in6_addr *dst)
{
    const struct tnl_route *best = NULL;

    for (size_t gi = 0; gi < tnl_route_n_groups; gi++) {
        const struct tnl_route_group *g = &tnl_route_groups[gi];

        if (best && tnl_route_group_priority(g) <= best->priority) {
            break;
        }
        struct in6_addr m = tnl_route_mask(g->plen);
        struct in6_addr d = tnl_route_and(dst, &m);
        for (size_t i = 0; i < g->n; i++) {
            const struct tnl_route *r = &g->routes[i];
            if (r->mark == mark && !memcmp(&r->prefix, &d, sizeof d)
                && (!best || r->priority > best->priority)) {
                best = r;
            }
        }
    }
    return best;
}

bool
tnl_route_lookup(uint32_t mark, const struct in6_addr *dst, char out[IFNAMSIZ],
                 struct in6_addr *src, struct in6_addr *gw)
{
    const struct tnl_route *r;
    bool found = false;

    pthread_mutex_lock(&tnl_route_mutex);
    if (tnl_route_addr_is_set(src)) {
        /* A chosen source must be one of our local addresses. */
        r = tnl_route_find(mark, src);
        if (!r || !r->local) {
            goto out;
        }
    }
    r = tnl_route_find(mark, dst);
    if (r) {
        memcpy(out, r->dev, IFNAMSIZ);
        *gw = r->gw;
        if (src && !tnl_route_addr_is_set(src)) {
            *src = r->src;
        }
        found = true;
    }
out:
    pthread_mutex_unlock(&tnl_route_mutex);
    return found;
}

int
tnl_route_add(enum tnl_route_origin origin, uint32_t mark,
              const struct in6_addr *prefix, unsigned int plen,
              const char *dev, const struct in6_addr *gw,
              const struct in6_addr *src)
{
    struct tnl_route r;
    int error;

    if (plen > 128) {
        return EINVAL;
    }
    memset(&r, 0, sizeof r);
    struct in6_addr m = tnl_route_mask(plen);
    r.prefix = tnl_route_and(prefix, &m);
    r.plen = plen;
    r.mark = mark;
    r.local = origin == TNL_ROUTE_LOCAL;
    r.priority = plen + (origin == TNL_ROUTE_USER ? 32 : r.local ? 64 : 0);
    snprintf(r.dev, sizeof r.dev, "%s", dev);
    if (tnl_route_addr_is_set(gw)) {
        r.gw = *gw;
    }

    pthread_mutex_lock(&tnl_route_mutex);
    int (*get_src)(const struct in6_addr *, const char *, struct in6_addr *);
    if (tnl_route_addr_is_set(src)) {
        r.src = *src;
        get_src = tnl_route_check_src;
    } else {
        get_src = tnl_route_pick_src;
    }
    /* Open vSwitch tries the unmasked destination, then the gateway. */
    error = get_src(prefix, r.dev, &r.src);
    if (error && tnl_route_addr_is_set(gw)) {
        error = get_src(gw, r.dev, &r.src);
    }
    if (!error) {
        tnl_route_insert(&r);
    }
    tnl_route_gen++;
    pthread_mutex_unlock(&tnl_route_mutex);
    return error;
}

int
tnl_route_del(uint32_t mark, const struct in6_addr *prefix, unsigned int plen)
{
    int error = ENOENT;

    if (plen > 128) {
        return ENOENT;
    }
    struct in6_addr m = tnl_route_mask(plen);
    struct in6_addr p = tnl_route_and(prefix, &m);

    pthread_mutex_lock(&tnl_route_mutex);
    struct tnl_route_group *g = tnl_route_find_group(plen);
    for (size_t i = 0; g && i < g->n; i++) {
        const struct tnl_route *r = &g->routes[i];
        if (r->mark == mark && r->priority == plen + 32
            && !memcmp(&r->prefix, &p, sizeof p)) {
            tnl_route_remove_at(g, i);
            tnl_route_sort_groups();
            error = 0;
            break;
        }
    }
    tnl_route_gen++;
    pthread_mutex_unlock(&tnl_route_mutex);
    return error;
}

static bool
tnl_route_is_user(const struct tnl_route *r)
{
    return r->priority != r->plen && !r->local;
}

void
tnl_route_flush_cached(void)
{
    pthread_mutex_lock(&tnl_route_mutex);
    for (size_t gi = tnl_route_n_groups; gi-- > 0;) {
        struct tnl_route_group *g = &tnl_route_groups[gi];
        for (size_t i = g->n; i-- > 0;) {
            if (!tnl_route_is_user(&g->routes[i])) {
                bool last = g->n == 1; /* Then G goes away. */
                tnl_route_remove_at(g, i);
                if (last) {
                    break;
                }
            }
        }
    }
    tnl_route_sort_groups();
    tnl_route_gen++;
    pthread_mutex_unlock(&tnl_route_mutex);
}

unsigned int
tnl_route_count(void)
{
    unsigned int n = 0;

    pthread_mutex_lock(&tnl_route_mutex);
    for (size_t gi = 0; gi < tnl_route_n_groups; gi++) {
        n += tnl_route_groups[gi].n;
    }
    pthread_mutex_unlock(&tnl_route_mutex);
    return n;
}

void
tnl_route_format(struct buf *out)
{
    buf_put_cstr(out, "Route Table:\n");
    pthread_mutex_lock(&tnl_route_mutex);
    for (size_t gi = 0; gi < tnl_route_n_groups; gi++) {
        const struct tnl_route_group *g = &tnl_route_groups[gi];
        for (size_t i = 0; i < g->n; i++) {
            const struct tnl_route *r = &g->routes[i];
            bool v4 = tnl_route_is_v4(&r->prefix);

            buf_put_cstr(out, tnl_route_is_user(r) ? "User: " : "Cached: ");
            tnl_route_format_addr(out, &r->prefix);
            buf_printf(out, "/%u", (unsigned int) r->plen - (v4 ? 96 : 0));
            if (r->mark) {
                buf_printf(out, " MARK %" PRIu32, r->mark);
            }
            buf_printf(out, " dev %s", r->dev);
            if (tnl_route_addr_is_set(&r->gw)) {
                buf_put_cstr(out, " GW ");
                tnl_route_format_addr(out, &r->gw);
            }
            buf_put_cstr(out, " SRC ");
            tnl_route_format_addr(out, &r->src);
            buf_put_cstr(out, r->local ? " local\n" : "\n");
        }
    }
    pthread_mutex_unlock(&tnl_route_mutex);
}

/* Parsing, as Open vSwitch's ovs_scan() and its address parsers read
 * arguments: numbers as strtoimax() reads them (leading blanks and a sign
 * allowed, anything after the digits left for what follows). */

static bool
tnl_route_scan_int(const char **sp, int base, intmax_t *v)
{
    const char *s = *sp;
    char *tail;

    errno = 0;
    *v = strtoimax(s, &tail, base);
    if (errno || tail == s) {
        return false;
    }
    *sp = tail;
    return true;
}

/* "%hhu.%hhu.%hhu.%hhu" (each octet truncated to 8 bits, as a char
 * conversion stores it). */
static bool
tnl_route_scan_ipv4(const char **sp, uint32_t *be32)
{
    const char *s = *sp;
    uint8_t b[4];

    for (int i = 0; i < 4; i++) {
        intmax_t v;
        if ((i && *s++ != '.') || !tnl_route_scan_int(&s, 10, &v)) {
            return false;
        }
        b[i] = (uint8_t) v;
    }
    memcpy(be32, b, 4);
    *sp = s;
    return true;
}

static bool
tnl_route_mask_is_cidr(const struct in6_addr *m, unsigned int *plen)
{
    unsigned int n = 0;

    while (n < 128 && m->s6_addr[n / 8] & (0x80 >> (n % 8))) {
        n++;
    }
    *plen = n;
    struct in6_addr cidr = tnl_route_mask(n);
    return !memcmp(&cidr, m, sizeof cidr);
}

/* ip_parse_cidr(): "IP", "IP/LEN" or "IP/MASK" with a CIDR mask, and
 * nothing after.  Yields the IPv4-mapped address and its IPv4 length. */
static bool
tnl_route_parse_ipv4_cidr(const char *s, struct in6_addr *ip,
                          unsigned int *plen)
{
    const char *p = s;
    uint32_t addr, mask = UINT32_MAX;
    intmax_t len;

    if (!tnl_route_scan_ipv4(&p, &addr)) {
        return false;
    }
    const char *after_ip = p;
    if (*p == '/' && (p++, tnl_route_scan_ipv4(&p, &mask))) {
        /* A dotted mask. */
    } else if ((p = after_ip, *p == '/')
               && (p++, tnl_route_scan_int(&p, 10, &len))) {
        if (len < 0 || len > 32) {
            return false;
        }
        mask = len ? htonl(~0u << (32 - len)) : 0;
    } else {
        p = after_ip;
    }
    struct in6_addr m = tnl_route_mapped(mask);
    unsigned int bits;
    memset(&m, 0xff, 12);
    if (*p || !tnl_route_mask_is_cidr(&m, &bits)) {
        return false;
    }
    *ip = tnl_route_mapped(addr);
    *plen = bits - 96;
    return true;
}

/* ipv6_parse_cidr(): " %46[0-9a-fA-F:.]" read by inet_pton(), then
 * "/LEN" or "/MASK" with a CIDR mask, and nothing after. */
static bool
tnl_route_parse_ipv6_cidr(const char *s, struct in6_addr *ip,
                          unsigned int *plen)
{
    static const char chars[] = "0123456789abcdefABCDEF:.";
    char text[INET6_ADDRSTRLEN + 1];
    struct in6_addr mask;
    intmax_t len;
    size_t n;

    while (isspace((unsigned char) *s)) {
        s++;
    }
    n = NF_MIN(strspn(s, chars), (size_t) INET6_ADDRSTRLEN);
    if (!n) {
        return false;
    }
    memcpy(text, s, n);
    text[n] = '\0';
    if (inet_pton(AF_INET6, text, ip) != 1) {
        return false;
    }
    s += n;
    const char *p = s;
    if (*p == '/' && (p++, tnl_route_scan_int(&p, 10, &len))) {
        if (len < 0 || len > 128) {
            return false;
        }
        mask = tnl_route_mask((unsigned int) len);
        s = p;
    } else if (*s == '/') {
        p = s + 1;
        n = NF_MIN(strspn(p, chars), (size_t) INET6_ADDRSTRLEN);
        if (!n) {
            return false;
        }
        memcpy(text, p, n);
        text[n] = '\0';
        if (inet_pton(AF_INET6, text, &mask) != 1) {
            return false;
        }
        s = p + n;
    } else {
        memset(&mask, 0xff, sizeof mask);
    }
    return !*s && tnl_route_mask_is_cidr(&mask, plen);
}

/* IP/LEN as ovs/route/{add,del,lookup} read it: IPv4 first.  *PLEN is in
 * IPv6 terms (an IPv4 /24 gives 120); *LEN is as written. */
static bool
tnl_route_parse_prefix(const char *s, struct in6_addr *ip, unsigned int *plen,
                       unsigned int *len, bool *is_v6)
{
    if (tnl_route_parse_ipv4_cidr(s, ip, len)) {
        *plen = *len + 96;
        *is_v6 = false;
        return true;
    }
    if (tnl_route_parse_ipv6_cidr(s, ip, len)) {
        *plen = *len;
        *is_v6 = true;
        return true;
    }
    return false;
}

/* ovs_scan(s, "pkt_mark=%i"). */
static bool
tnl_route_parse_mark(const char *s, uint32_t *mark)
{
    intmax_t v;

    if (strncmp(s, "pkt_mark=", 9)) {
        return false;
    }
    s += 9;
    if (!tnl_route_scan_int(&s, 0, &v)) {
        return false;
    }
    *mark = (uint32_t) v;
    return true;
}

static bool
tnl_route_parse_ip(const char *s, bool v6, struct in6_addr *ip)
{
    uint32_t a;

    if (v6) {
        return inet_pton(AF_INET6, s, ip) == 1;
    }
    if (inet_pton(AF_INET, s, &a) != 1) {
        return false;
    }
    *ip = a ? tnl_route_mapped(a) : in6addr_any;
    return true;
}

/* Commands. */

static void
tnl_route_add_cmd(struct unixctl_conn *conn, int argc, const char *argv[],
                  void *aux)
{
    struct in6_addr ip, gw = IN6ADDR_ANY_INIT, src = IN6ADDR_ANY_INIT;
    unsigned int plen, len;
    const char *rest[2];
    uint32_t mark = 0;
    int n_rest = 0;
    bool v6;

    /* src=IP (Open vSwitch 3.2) may stand anywhere after BRIDGE; what is
     * left is read as 3.1 reads it: [GW or pkt_mark] [pkt_mark]. */
    const char *src_arg = NULL;
    for (int i = 3; i < argc; i++) {
        if (!src_arg && nf_str_prefix(argv[i], "src=")) {
            src_arg = argv[i] + 4;
        } else if (n_rest < 2) {
            rest[n_rest++] = argv[i];
        } else {
            unixctl_command_reply_error(conn, "\"ovs/route/add\" command "
                                              "takes at most 4 arguments");
            return;
        }
    }
    if (!tnl_route_parse_prefix(argv[1], &ip, &plen, &len, &v6)) {
        unixctl_command_reply_error(conn, "Invalid parameters");
        return;
    }
    const char *bad_gw = v6 ? "Invalid pkt_mark or IPv6 gateway"
                            : "Invalid pkt_mark or gateway";
    if (n_rest > 0 && !tnl_route_parse_mark(rest[0], &mark)
        && !tnl_route_parse_ip(rest[0], v6, &gw)) {
        unixctl_command_reply_error(conn, bad_gw);
        return;
    }
    if (n_rest > 1 && !tnl_route_parse_mark(rest[1], &mark)) {
        unixctl_command_reply_error(conn, "Invalid pkt_mark");
        return;
    }
    if (src_arg && !tnl_route_parse_ip(src_arg, v6, &src)) {
        unixctl_command_reply_error(conn, bad_gw);
        return;
    }
    if (tnl_route_add(TNL_ROUTE_USER, mark, &ip, plen, argv[2], &gw, &src)) {
        unixctl_command_reply_error(conn, "Error while inserting route.");
    } else {
        unixctl_command_reply(conn, "OK");
    }
}

static void
tnl_route_del_cmd(struct unixctl_conn *conn, int argc, const char *argv[],
                  void *aux)
{
    unsigned int plen, len;
    struct in6_addr ip;
    uint32_t mark = 0;
    bool v6;

    if (!tnl_route_parse_prefix(argv[1], &ip, &plen, &len, &v6)) {
        unixctl_command_reply_error(conn, "Invalid parameters");
    } else if (argc > 2 && !tnl_route_parse_mark(argv[2], &mark)) {
        unixctl_command_reply_error(conn, "Invalid pkt_mark");
    } else if (tnl_route_del(mark, &ip, plen)) {
        unixctl_command_reply_error(conn, "Not found");
    } else {
        unixctl_command_reply(conn, "OK");
    }
}

static void
tnl_route_show_cmd(struct unixctl_conn *conn, int argc, const char *argv[],
                   void *aux)
{
    struct buf out = BUF_INITIALIZER;

    tnl_route_format(&out);
    unixctl_command_reply(conn, buf_cstr(&out));
    buf_destroy(&out);
}

static void
tnl_route_lookup_cmd(struct unixctl_conn *conn, int argc, const char *argv[],
                     void *aux)
{
    struct in6_addr ip, gw, src = IN6ADDR_ANY_INIT;
    unsigned int plen, len;
    char dev[IFNAMSIZ];
    uint32_t mark = 0;
    bool v6;

    if (!tnl_route_parse_prefix(argv[1], &ip, &plen, &len, &v6)
        || plen != 128) {
        unixctl_command_reply_error(conn, "Invalid parameters");
    } else if (argc > 2 && !tnl_route_parse_mark(argv[2], &mark)) {
        unixctl_command_reply_error(conn, "Invalid pkt_mark");
    } else if (!tnl_route_lookup(mark, &ip, dev, &src, &gw)) {
        unixctl_command_reply_error(conn, "Not found");
    } else {
        struct buf out = BUF_INITIALIZER;
        buf_put_cstr(&out, "src ");
        tnl_route_format_addr(&out, &src);
        buf_put_cstr(&out, "\ngateway ");
        tnl_route_format_addr(&out, &gw);
        buf_printf(&out, "\ndev %s\n", dev);
        unixctl_command_reply(conn, buf_cstr(&out));
        buf_destroy(&out);
    }
}

/* The kernel. */

static void
tnl_route_nl_addr(const struct nl_addr *a, struct in6_addr *out)
{
    const void *bin = nl_addr_get_binary_addr(a);
    unsigned int len = nl_addr_get_len(a);

    if (nl_addr_get_family(a) == AF_INET) {
        uint32_t v4 = 0;
        memcpy(&v4, bin, NF_MIN(len, 4u));
        *out = tnl_route_mapped(v4);
    } else {
        memset(out, 0, sizeof *out);
        memcpy(out, bin, NF_MIN(len, 16u));
    }
}

static void
tnl_route_load_addr(struct nl_object *obj, void *links)
{
    struct rtnl_addr *a = (struct rtnl_addr *) obj;
    struct nl_addr *local = rtnl_addr_get_local(a);
    int family = rtnl_addr_get_family(a);
    char name[IFNAMSIZ];

    if (!local || (family != AF_INET && family != AF_INET6)) {
        return;
    }
    /* getifaddrs() names an IPv4 address by its label ("br0:1" for an
     * aliased one), which Open vSwitch then does not find under
     * "br0". */
    const char *label = family == AF_INET ? rtnl_addr_get_label(a) : NULL;
    if (!label) {
        label = rtnl_link_i2name(links, rtnl_addr_get_ifindex(a), name,
                                 sizeof name);
    }
    if (label) {
        struct in6_addr ip;
        unsigned int plen = rtnl_addr_get_prefixlen(a);
        tnl_route_nl_addr(local, &ip);
        tnl_route_addr_add(label, &ip, plen + (family == AF_INET ? 96 : 0));
    }
}

/* Open vSwitch 3.1 keeps unicast and local routes of every table that
 * have one output interface (multipath routes have none). */
static void
tnl_route_load_route(struct nl_object *obj, void *links)
{
    struct rtnl_route *r = (struct rtnl_route *) obj;
    int family = rtnl_route_get_family(r);
    int type = rtnl_route_get_type(r);
    char name[IFNAMSIZ];

    if ((family != AF_INET && family != AF_INET6)
        || (type != RTN_UNICAST && type != RTN_LOCAL)
        || rtnl_route_get_nnexthops(r) != 1) {
        return;
    }
    struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, 0);
    const char *dev = rtnl_link_i2name(links, rtnl_route_nh_get_ifindex(nh),
                                       name, sizeof name);
    if (!dev) {
        return;
    }
    struct in6_addr dst = IN6ADDR_ANY_INIT, gw = IN6ADDR_ANY_INIT;
    struct nl_addr *a = rtnl_route_get_dst(r);
    unsigned int plen = a ? nl_addr_get_prefixlen(a) : 0;
    if (a && nl_addr_get_len(a)) {
        tnl_route_nl_addr(a, &dst);
    } else if (family == AF_INET) {
        dst = tnl_route_mapped(0);
    }
    struct nl_addr *g = rtnl_route_nh_get_gateway(nh);
    if (g && nl_addr_get_len(g)) {
        tnl_route_nl_addr(g, &gw);
    }
    if (family == AF_INET) {
        plen += 96;
    }
    tnl_route_add(type == RTN_LOCAL ? TNL_ROUTE_LOCAL : TNL_ROUTE_CACHED, 0,
                  &dst, plen, dev, &gw, NULL);
}

/* Reloads every kernel route, as Open vSwitch's route_table_reset() does:
 * addresses first (routes' sources come from them). */
static int
tnl_route_reload(void)
{
    struct nl_cache *links = NULL, *addrs = NULL, *routes = NULL;
    int err;

    COVERAGE_INC(tnl_route_reload);
    err = rtnl_link_alloc_cache(tnl_route_nl_dump, AF_UNSPEC, &links);
    if (err) {
        goto out;
    }
    err = rtnl_addr_alloc_cache(tnl_route_nl_dump, &addrs);
    if (err) {
        goto free_links;
    }
    err = rtnl_route_alloc_cache(tnl_route_nl_dump, AF_UNSPEC, 0, &routes);
    if (err) {
        goto free_addrs;
    }
    tnl_route_flush_cached();
    tnl_route_addr_clear();
    nl_cache_foreach(addrs, tnl_route_load_addr, links);
    nl_cache_foreach(routes, tnl_route_load_route, links);
    nl_cache_free(routes);
free_addrs:
    nl_cache_free(addrs);
free_links:
    nl_cache_free(links);
out:
    if (err) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        VLOG_WARN_RL(&rl, "cannot read the kernel's routes: %s",
                     nl_geterror(err));
        return EIO;
    }
    return 0;
}

static int
tnl_route_nl_event(struct nl_msg *msg, void *dirty)
{
    *(bool *) dirty = true;
    return NL_OK;
}

static void
tnl_route_nl_readable(int fd, uint32_t events, void *aux)
{
    bool dirty = false;
    int n;

    struct nl_cb *cb = nl_socket_get_cb(tnl_route_nl_events);
    nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, tnl_route_nl_event, &dirty);
    /* Drain every pending notification, then reload once.  An overrun
     * (ENOBUFS: notifications were lost) also calls for a reload. */
    for (;;) {
        n = nl_recvmsgs_report(tnl_route_nl_events, cb);
        if (n == 0 || n == -NLE_AGAIN) {
            break;
        } else if (n < 0) {
            dirty = true;
            if (n != -NLE_NOMEM) {
                break;
            }
        }
    }
    nl_cb_put(cb);
    if (dirty) {
        tnl_route_reload();
    }
}

static void
tnl_route_kernel_close(void)
{
    if (tnl_route_nl_events) {
        if (tnl_route_loop) {
            evloop_del_fd(tnl_route_loop,
                          nl_socket_get_fd(tnl_route_nl_events));
        }
        nl_socket_free(tnl_route_nl_events);
        tnl_route_nl_events = NULL;
    }
    if (tnl_route_nl_dump) {
        nl_socket_free(tnl_route_nl_dump);
        tnl_route_nl_dump = NULL;
    }
    tnl_route_loop = NULL;
}

static int
tnl_route_kernel_open(struct evloop *loop)
{
    int err;

    tnl_route_nl_events = nl_socket_alloc();
    tnl_route_nl_dump = nl_socket_alloc();
    if (!tnl_route_nl_events || !tnl_route_nl_dump) {
        err = -NLE_NOMEM;
        goto close;
    }
    nl_socket_disable_seq_check(tnl_route_nl_events);
    err = nl_connect(tnl_route_nl_events, NETLINK_ROUTE);
    if (!err) {
        err =
            nl_socket_add_memberships(tnl_route_nl_events, RTNLGRP_IPV4_ROUTE,
                                      RTNLGRP_IPV6_ROUTE, RTNLGRP_LINK, 0);
    }
    if (!err) {
        err = nl_socket_set_nonblocking(tnl_route_nl_events);
    }
    if (!err) {
        err = nl_connect(tnl_route_nl_dump, NETLINK_ROUTE);
    }
    if (err) {
        goto close;
    }
    int error = evloop_add_fd(loop, nl_socket_get_fd(tnl_route_nl_events),
                              EPOLLIN, tnl_route_nl_readable, NULL);
    if (error) {
        VLOG_WARN("cannot watch route changes: %s", nf_strerror(error));
        tnl_route_kernel_close();
        return error;
    }
    tnl_route_loop = loop;
    return tnl_route_reload();

close:
    VLOG_WARN("cannot follow the kernel's routes: %s", nl_geterror(err));
    tnl_route_kernel_close();
    return EIO;
}

int
tnl_route_init(struct evloop *loop)
{
    unixctl_command_register("ovs/route/add",
                             "ip_addr/prefix_len out_br_name [gw] "
                             "[pkt_mark=mark] [src=src_ip]",
                             2, 5, tnl_route_add_cmd, NULL);
    unixctl_command_register("ovs/route/show", "", 0, 0, tnl_route_show_cmd,
                             NULL);
    unixctl_command_register("ovs/route/del",
                             "ip_addr/prefix_len "
                             "[pkt_mark=mark]",
                             1, 2, tnl_route_del_cmd, NULL);
    unixctl_command_register("ovs/route/lookup", "ip_addr [pkt_mark=mark]", 1,
                             2, tnl_route_lookup_cmd, NULL);
    return loop ? tnl_route_kernel_open(loop) : 0;
}

void
tnl_route_exit(void)
{
    tnl_route_kernel_close();
    pthread_mutex_lock(&tnl_route_mutex);
    for (size_t gi = 0; gi < tnl_route_n_groups; gi++) {
        free(tnl_route_groups[gi].routes);
    }
    free(tnl_route_groups);
    tnl_route_groups = NULL;
    tnl_route_n_groups = 0;
    tnl_route_gen++;
    pthread_mutex_unlock(&tnl_route_mutex);
    tnl_route_addr_clear();
}

uint64_t
tnl_route_generation(void)
{
    return tnl_route_gen;
}
