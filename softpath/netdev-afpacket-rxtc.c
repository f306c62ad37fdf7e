/* netdev-afpacket-rxtc.c: the receive macvlan of an afpacket port with
 * options:rx-after-tc=true.
 *
 * An AF_PACKET socket bound to a device is a tap: the kernel hands it every
 * frame before TC ingress runs, so frames that a TC filter forwards
 * (offloaded flows in flower's software path, tc-policy=none) would be
 * forwarded by the softpath as well.  A device's rx_handler runs after TC
 * ingress, and a macvlan in passthru mode is an rx_handler that moves
 * every frame TC left alone onto the macvlan, where our sockets tap it
 * instead (netdev-afpacket.c tells the whole story).  This file creates and
 * removes that macvlan.
 *
 * Netlink through libmnl rather than libnl-route: softpath may already use
 * libmnl (softpath/README.md) while libnl-route would be a new dependency
 * of libsoftpath for a handful of small requests; libmnl's caller-owned
 * buffers make each request a local; and reading the acknowledgements
 * ourselves gives us the kernel's extended-ack text ("Unknown device
 * type"), which goes into the message the user sees.
 *
 * The macvlan, "nfrx<ifindex>", is set up so that the host does nothing
 * with the frames it receives besides letting our sockets see them:
 *
 *   - passthru mode: every unicast frame comes to it, whatever its
 *     destination MAC (the lower device is made promiscuous), and it takes
 *     the lower device's MAC;
 *   - IFF_NOARP, IPv6 off (disable_ipv6, and addrgenmode none where that
 *     sysctl is missing), IPv4 not forwarding and with the strict
 *     reverse-path filter: macvlan marks every unicast frame PACKET_HOST,
 *     and an address-less device with rp_filter drops all IPv4 input, so a
 *     frame for another host is neither routed nor answered;
 *   - IFF_ALLMULTI (and our sockets make it promiscuous): a macvlan hands
 *     on only the multicast groups it listens to, plus broadcast;
 *   - IFLA_MACVLAN_BC_CUTOFF -1 (Linux 6.2 and later): with the lower
 *     device promiscuous, macvlan would queue every broadcast and multicast
 *     frame for its broadcast work queue (bc_queue_len 1,000, then drops,
 *     and a worker's scheduling delay); a negative cutoff delivers them from
 *     the receive path itself (netif_rx of a clone).  Older kernels ignore
 *     the attribute and use the work queue, which also delivers them.
 *
 * A macvlan outlives the process that made it (a socket does not), so the
 * ones this process created and has not removed yet are also removed when
 * it exits (nicflowd does not close its datapaths' ports on the way out).
 * A process that dies leaves its macvlan behind; the next open finds it by
 * name, checks that it is a passthru macvlan of the same device and
 * recreates it, so its settings are known. */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <pthread.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/netdev-afpacket-private.h"

VLOG_DEFINE_THIS_MODULE(netdev_afpacket_rxtc);

COVERAGE_DEFINE(afpacket_rx_after_tc_stale); /* Leftover macvlans redone. */
COVERAGE_DEFINE(afpacket_rx_after_tc_error); /* Macvlans refused. */

/* Linux 6.2's IFLA_MACVLAN_BC_CUTOFF, after IFLA_MACVLAN_BC_QUEUE_LEN_USED
 * in the enum; older uapi headers (Debian 12's) lack it. */
#define RXTC_IFLA_MACVLAN_BC_CUTOFF (IFLA_MACVLAN_BC_QUEUE_LEN_USED + 1)

/* Replies to RTM_GETLINK carry the whole device; skipping the statistics
 * keeps one well inside this. */
#define RXTC_RECV_BUF (32 * 1024)

/* The macvlans this process created and has not removed: lower ifindex
 * and port name, for the exit handler. */
struct rxtc_entry {
    struct rxtc_entry *next;
    int lower;
    char port[IFNAMSIZ];
};

static pthread_mutex_t rxtc_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct rxtc_entry *rxtc_entries; /* Guarded by rxtc_mutex. */
static pid_t rxtc_pid;                  /* The process they belong to. */

/* Removes every macvlan still listed, unless this is a child that
 * inherited the list with the memory of its parent. */
static void
rxtc_atexit(void)
{
    if (getpid() != rxtc_pid) {
        return;
    }
    for (;;) {
        pthread_mutex_lock(&rxtc_mutex);
        struct rxtc_entry *e = rxtc_entries;
        if (e) {
            rxtc_entries = e->next;
        }
        pthread_mutex_unlock(&rxtc_mutex);
        if (!e) {
            break;
        }

        char *msg = NULL;
        if (netdev_afpacket_rxtc_destroy(e->port, e->lower, &msg)) {
            VLOG_WARN("%s", msg);
        }
        free(msg);
        free(e);
    }
}

static void
rxtc_atexit_register(void)
{
    rxtc_pid = getpid();
    atexit(rxtc_atexit);
}

static void
rxtc_remember(const char *port, int lower)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    struct rxtc_entry *e = xzalloc(sizeof *e);

    pthread_once(&once, rxtc_atexit_register);
    e->lower = lower;
    snprintf(e->port, sizeof e->port, "%s", port);
    pthread_mutex_lock(&rxtc_mutex);
    e->next = rxtc_entries;
    rxtc_entries = e;
    pthread_mutex_unlock(&rxtc_mutex);
}

static void
rxtc_forget(int lower)
{
    pthread_mutex_lock(&rxtc_mutex);
    for (struct rxtc_entry **ep = &rxtc_entries; *ep; ep = &(*ep)->next) {
        if ((*ep)->lower == lower) {
            struct rxtc_entry *e = *ep;
            *ep = e->next;
            free(e);
            break;
        }
    }
    pthread_mutex_unlock(&rxtc_mutex);
}

void
netdev_afpacket_rxtc_name(int lower, char name[IFNAMSIZ])
{
    snprintf(name, IFNAMSIZ, NETDEV_AFPACKET_RXTC_PREFIX "%d", lower);
}

/* ---------------------------------------------------------------------
 * Requests.
 * --------------------------------------------------------------------- */

/* Starts a link request of TYPE and FLAGS for IFINDEX in BUF (SIZE bytes),
 * or returns NULL if it does not fit. */
static struct nlmsghdr *
rxtc_msg_start(void *buf, size_t size, uint32_t seq, uint16_t type,
               uint16_t flags, int ifindex)
{
    if (size < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg))) {
        return NULL;
    }
    memset(buf, 0, MNL_NLMSG_HDRLEN);
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | flags;
    nlh->nlmsg_seq = seq;

    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex;
    return nlh;
}

struct nlmsghdr *
netdev_afpacket_rxtc_msg_create(void *buf, size_t size, uint32_t seq,
                                const char *name, int lower)
{
    struct nlmsghdr *nlh = rxtc_msg_start(buf, size, seq, RTM_NEWLINK,
                                          NLM_F_CREATE | NLM_F_EXCL, 0);
    struct nlattr *info, *data;

    if (!nlh) {
        return NULL;
    }
    /* Down until configured (IFF_UP is in the change mask, not in the
     * flags); IFF_ALLMULTI set while down is balanced by the kernel, which
     * it would not be for a passthru macvlan set so while up. */
    struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    ifi->ifi_flags = IFF_NOARP | IFF_ALLMULTI;
    ifi->ifi_change = IFF_NOARP | IFF_ALLMULTI | IFF_UP;

    if (!mnl_attr_put_strz_check(nlh, size, IFLA_IFNAME, name)
        || !mnl_attr_put_u32_check(nlh, size, IFLA_LINK, (uint32_t) lower)
        || !(info = mnl_attr_nest_start_check(nlh, size, IFLA_LINKINFO))
        || !mnl_attr_put_strz_check(nlh, size, IFLA_INFO_KIND, "macvlan")
        || !(data = mnl_attr_nest_start_check(nlh, size, IFLA_INFO_DATA))
        || !mnl_attr_put_u32_check(nlh, size, IFLA_MACVLAN_MODE,
                                   MACVLAN_MODE_PASSTHRU)
        || !mnl_attr_put_u32_check(nlh, size, RXTC_IFLA_MACVLAN_BC_CUTOFF,
                                   (uint32_t) -1)) {
        return NULL;
    }
    mnl_attr_nest_end(nlh, data);
    mnl_attr_nest_end(nlh, info);
    return nlh;
}

/* RTM_GETLINK for the device called NAME. */
static struct nlmsghdr *
rxtc_msg_getlink(void *buf, size_t size, uint32_t seq, const char *name)
{
    struct nlmsghdr *nlh = rxtc_msg_start(buf, size, seq, RTM_GETLINK, 0, 0);

    if (!nlh || !mnl_attr_put_strz_check(nlh, size, IFLA_IFNAME, name)
        || !mnl_attr_put_u32_check(nlh, size, IFLA_EXT_MASK,
                                   RTEXT_FILTER_SKIP_STATS)) {
        return NULL;
    }
    return nlh;
}

/* RTM_NEWLINK on IFINDEX with only the address-family settings: IPv4 not
 * forwarding, strict reverse-path filter (FAMILY AF_INET); no IPv6 link-
 * local address (FAMILY AF_INET6). */
static struct nlmsghdr *
rxtc_msg_af(void *buf, size_t size, uint32_t seq, int ifindex, int family)
{
    struct nlmsghdr *nlh =
        rxtc_msg_start(buf, size, seq, RTM_NEWLINK, 0, ifindex);
    struct nlattr *spec, *af, *conf;

    if (!nlh || !(spec = mnl_attr_nest_start_check(nlh, size, IFLA_AF_SPEC))
        || !(af = mnl_attr_nest_start_check(nlh, size, (uint16_t) family))) {
        return NULL;
    }
    if (family == AF_INET) {
        /* The attribute types in IFLA_INET_CONF are IPV4_DEVCONF_*. */
        if (!(conf = mnl_attr_nest_start_check(nlh, size, IFLA_INET_CONF))
            || !mnl_attr_put_u32_check(nlh, size, IPV4_DEVCONF_FORWARDING, 0)
            || !mnl_attr_put_u32_check(nlh, size, IPV4_DEVCONF_RP_FILTER, 1)) {
            return NULL;
        }
        mnl_attr_nest_end(nlh, conf);
    } else if (!mnl_attr_put_u8_check(nlh, size, IFLA_INET6_ADDR_GEN_MODE,
                                      IN6_ADDR_GEN_MODE_NONE)) {
        return NULL;
    }
    mnl_attr_nest_end(nlh, af);
    mnl_attr_nest_end(nlh, spec);
    return nlh;
}

/* RTM_NEWLINK setting IFINDEX administratively up. */
static struct nlmsghdr *
rxtc_msg_up(void *buf, size_t size, uint32_t seq, int ifindex)
{
    struct nlmsghdr *nlh =
        rxtc_msg_start(buf, size, seq, RTM_NEWLINK, 0, ifindex);

    if (nlh) {
        struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
        ifi->ifi_flags = IFF_UP;
        ifi->ifi_change = IFF_UP;
    }
    return nlh;
}

/* RTM_DELLINK of IFINDEX, or if it is 0 of the device called NAME. */
static struct nlmsghdr *
rxtc_msg_del(void *buf, size_t size, uint32_t seq, int ifindex,
             const char *name)
{
    struct nlmsghdr *nlh =
        rxtc_msg_start(buf, size, seq, RTM_DELLINK, 0, ifindex);

    if (nlh && !ifindex
        && !mnl_attr_put_strz_check(nlh, size, IFLA_IFNAME, name)) {
        return NULL;
    }
    return nlh;
}

/* ---------------------------------------------------------------------
 * Replies.
 * --------------------------------------------------------------------- */

static int
rxtc_ack_attr(const struct nlattr *attr, void *msgp_)
{
    char **msgp = msgp_;

    if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG
        && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0 && !*msgp) {
        *msgp = xstrdup(mnl_attr_get_str(attr));
    }
    return MNL_CB_OK;
}

int
netdev_afpacket_rxtc_parse_ack(const struct nlmsghdr *nlh, char **msgp)
{
    *msgp = NULL;
    if (nlh->nlmsg_type != NLMSG_ERROR
        || mnl_nlmsg_get_payload_len(nlh) < sizeof(struct nlmsgerr)) {
        return EPROTO;
    }

    const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
    if (err->error > 0 || err->error < -4095) {
        return EPROTO;
    }

    /* Extended-ack attributes follow the error and, unless the kernel
     * capped it (NETLINK_CAP_ACK), the whole request it refers to. */
    if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
        size_t offset = sizeof *err;
        size_t payload = mnl_nlmsg_get_payload_len(nlh);

        if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
            if (err->msg.nlmsg_len < sizeof(struct nlmsghdr)
                || err->msg.nlmsg_len - sizeof(struct nlmsghdr)
                       > payload - offset) {
                return EPROTO;
            }
            offset += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
        }
        if (MNL_ALIGN(offset) < payload) {
            mnl_attr_parse(nlh, (unsigned int) offset, rxtc_ack_attr, msgp);
        }
    }
    return -err->error;
}

static int
rxtc_linkinfo_data_attr(const struct nlattr *attr, void *link_)
{
    struct netdev_afpacket_rxtc_link *link = link_;

    if (mnl_attr_get_type(attr) == IFLA_MACVLAN_MODE) {
        if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0) {
            return MNL_CB_ERROR;
        }
        link->mode = mnl_attr_get_u32(attr);
    }
    return MNL_CB_OK;
}

/* Whether the string attribute ATTR says KIND.  The kernel sends the kind
 * with its NUL; tolerate one without. */
static bool
rxtc_kind_is(const struct nlattr *attr, const char *kind)
{
    size_t n = strlen(kind), len = mnl_attr_get_payload_len(attr);
    const char *p = mnl_attr_get_payload(attr);

    return len >= n && !memcmp(p, kind, n)
           && (len == n || (len == n + 1 && !p[n]));
}

static int
rxtc_linkinfo_attr(const struct nlattr *attr, void *link_)
{
    struct netdev_afpacket_rxtc_link *link = link_;

    switch (mnl_attr_get_type(attr)) {
    case IFLA_INFO_KIND:
        if (mnl_attr_validate(attr, MNL_TYPE_STRING) < 0) {
            return MNL_CB_ERROR;
        }
        link->macvlan = rxtc_kind_is(attr, "macvlan");
        link->veth = rxtc_kind_is(attr, "veth");
        break;
    case IFLA_INFO_DATA:
        /* The data's attributes mean what the kind (sent first) says; only
         * a macvlan's matter here. */
        if (!link->macvlan) {
            break;
        }
        if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0
            || mnl_attr_parse_nested(attr, rxtc_linkinfo_data_attr, link)
                   < 0) {
            return MNL_CB_ERROR;
        }
        break;
    }
    return MNL_CB_OK;
}

static int
rxtc_link_attr(const struct nlattr *attr, void *link_)
{
    struct netdev_afpacket_rxtc_link *link = link_;

    switch (mnl_attr_get_type(attr)) {
    case IFLA_IFNAME:
        if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0
            || mnl_attr_get_payload_len(attr) > IFNAMSIZ) {
            return MNL_CB_ERROR;
        }
        memcpy(link->name, mnl_attr_get_str(attr),
               mnl_attr_get_payload_len(attr));
        break;
    case IFLA_LINK:
        if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0) {
            return MNL_CB_ERROR;
        }
        link->link = (int) mnl_attr_get_u32(attr);
        break;
    case IFLA_LINK_NETNSID:
        if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0) {
            return MNL_CB_ERROR;
        }
        link->link_netns = true;
        link->link_netnsid = (int32_t) mnl_attr_get_u32(attr);
        break;
    case IFLA_ADDRESS:
        /* Only an Ethernet address is kept; others are not an error. */
        if (mnl_attr_get_payload_len(attr) == 6) {
            link->has_addr = true;
            memcpy(link->addr, mnl_attr_get_payload(attr), 6);
        }
        break;
    case IFLA_LINKINFO:
        if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0
            || mnl_attr_parse_nested(attr, rxtc_linkinfo_attr, link) < 0) {
            return MNL_CB_ERROR;
        }
        break;
    }
    return MNL_CB_OK;
}

int
netdev_afpacket_rxtc_parse_link(const struct nlmsghdr *nlh,
                                struct netdev_afpacket_rxtc_link *link)
{
    memset(link, 0, sizeof *link);
    if (nlh->nlmsg_type != RTM_NEWLINK
        || mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg)) {
        return EINVAL;
    }

    const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    link->ifindex = ifi->ifi_index;
    if (link->ifindex <= 0
        || mnl_attr_parse(nlh, sizeof *ifi, rxtc_link_attr, link) < 0
        || !link->name[0]) {
        memset(link, 0, sizeof *link);
        return EINVAL;
    }
    if (!link->macvlan) {
        link->mode = 0; /* Only a macvlan's mode means anything. */
    }
    return 0;
}

/* ---------------------------------------------------------------------
 * Talking to the kernel.
 * --------------------------------------------------------------------- */

struct rxtc_nl {
    struct mnl_socket *sock;
    uint32_t portid;
    uint32_t seq;
    uint32_t req[NETDEV_AFPACKET_RXTC_BUF / 4]; /* Aligned for nlmsghdr. */
};

static int
rxtc_nl_open(struct rxtc_nl *nl)
{
    int one = 1;

    nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (!nl->sock) {
        return errno;
    }
    /* Both are only comfort (the kernel's text in errors, no copy of the
     * request in each acknowledgement), so a kernel without them is
     * fine. */
    mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof one);
    mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof one);
    if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
        int error = errno;
        mnl_socket_close(nl->sock);
        return error;
    }
    nl->portid = mnl_socket_get_portid(nl->sock);
    nl->seq = (uint32_t) time(NULL);
    return 0;
}

static void
rxtc_nl_close(struct rxtc_nl *nl)
{
    mnl_socket_close(nl->sock);
}

/* Sends NLH (NULL: it did not fit, ENOBUFS) and waits for its
 * acknowledgement; a RTM_NEWLINK reply before it goes to *LINK if LINK is
 * nonnull.  Returns 0 or a positive errno, with the kernel's text, if any,
 * in *KMSGP (caller frees). */
static int
rxtc_nl_transact(struct rxtc_nl *nl, struct nlmsghdr *nlh,
                 struct netdev_afpacket_rxtc_link *link, char **kmsgp)
{
    int error = 0;

    *kmsgp = NULL;
    if (!nlh) {
        return ENOBUFS;
    }
    nlh->nlmsg_flags |= NLM_F_ACK;
    if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
        return errno;
    }

    uint8_t *buf = xmalloc(RXTC_RECV_BUF);
    bool got_link = false;
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(nl->sock, buf, RXTC_RECV_BUF);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            error = errno;
            break;
        }

        int len = (int) n;
        const struct nlmsghdr *m = (const struct nlmsghdr *) buf;
        bool done = false;
        for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
            if (!mnl_nlmsg_portid_ok(m, nl->portid)
                || !mnl_nlmsg_seq_ok(m, nlh->nlmsg_seq)) {
                continue; /* Not an answer to this request. */
            }
            if (m->nlmsg_type == NLMSG_ERROR) {
                int ack = netdev_afpacket_rxtc_parse_ack(m, kmsgp);
                error = ack ? ack : error;
                done = true;
                break;
            }
            if (m->nlmsg_type == RTM_NEWLINK && link && !got_link) {
                got_link = true;
                error = netdev_afpacket_rxtc_parse_link(m, link);
            }
        }
        if (done) {
            break;
        }
    }
    free(buf);
    if (!error && link && !got_link) {
        error = EPROTO;
    }
    return error;
}

struct nlmsghdr *
netdev_afpacket_msg_getlink_index(void *buf, size_t size, uint32_t seq,
                                  int ifindex, bool target, int32_t netnsid)
{
    struct nlmsghdr *nlh =
        rxtc_msg_start(buf, size, seq, RTM_GETLINK, 0, ifindex);

    if (!nlh
        || !mnl_attr_put_u32_check(nlh, size, IFLA_EXT_MASK,
                                   RTEXT_FILTER_SKIP_STATS)
        || (target
            && !mnl_attr_put_u32_check(nlh, size, IFLA_TARGET_NETNSID,
                                       (uint32_t) netnsid))) {
        return NULL;
    }
    return nlh;
}

int
netdev_afpacket_peer_mac(int ifindex, bool *veth, uint8_t peer_mac[6])
{
    struct netdev_afpacket_rxtc_link link, peer;
    struct rxtc_nl nl;
    char *kmsg = NULL;
    int error;

    *veth = false;
    error = rxtc_nl_open(&nl);
    if (error) {
        return error;
    }
    error = rxtc_nl_transact(
        &nl,
        netdev_afpacket_msg_getlink_index(nl.req, sizeof nl.req, ++nl.seq,
                                          ifindex, false, 0),
        &link, &kmsg);
    free(kmsg);
    if (!error && link.veth) {
        *veth = true;
        error = link.link > 0 ? 0 : ENODEV;
    }
    if (!error && *veth) {
        error =
            rxtc_nl_transact(&nl,
                             netdev_afpacket_msg_getlink_index(
                                 nl.req, sizeof nl.req, ++nl.seq, link.link,
                                 link.link_netns, link.link_netnsid),
                             &peer, &kmsg);
        free(kmsg);
        if (!error && !peer.has_addr) {
            error = EPROTO;
        }
        if (!error) {
            memcpy(peer_mac, peer.addr, 6);
        }
    }
    rxtc_nl_close(&nl);
    return error;
}

/* Looks up the device NAME into *LINK: 0, ENODEV if there is none, or
 * another errno. */
static int
rxtc_lookup(struct rxtc_nl *nl, const char *name,
            struct netdev_afpacket_rxtc_link *link)
{
    char *kmsg;
    int error = rxtc_nl_transact(
        nl, rxtc_msg_getlink(nl->req, sizeof nl->req, ++nl->seq, name), link,
        &kmsg);
    free(kmsg);
    return error;
}

static bool
rxtc_is_ours(const struct netdev_afpacket_rxtc_link *link, int lower)
{
    return link->macvlan && link->mode == MACVLAN_MODE_PASSTHRU
           && link->link == lower && !link->link_netns;
}

/* Removes the device IFINDEX, or if it is 0 the one called NAME; one that
 * is not there is no error. */
static int
rxtc_del(struct rxtc_nl *nl, int ifindex, const char *name, char **kmsgp)
{
    int error = rxtc_nl_transact(
        nl, rxtc_msg_del(nl->req, sizeof nl->req, ++nl->seq, ifindex, name),
        NULL, kmsgp);
    return error == ENODEV ? 0 : error;
}

/* Returns the user's message (caller frees) for a failure to create NAME
 * over PORT's device with ERROR, the kernel having said KMSG (or NULL). */
static char *
rxtc_create_error(const char *port, const char *name, int error,
                  const char *kmsg)
{
    /* What each errno of RTM_NEWLINK means here, in words a user can act
     * on. */
    static const struct {
        int error;
        const char *cause;
    } causes[] = {
        { EOPNOTSUPP, "the kernel has no macvlan support (CONFIG_MACVLAN, "
                      "module macvlan)" },
        { EBUSY, "the device already has a receive handler: it is a port "
                 "of a Linux bridge, a bond or team member, or a port of the "
                 "openvswitch kernel datapath, and a macvlan needs that "
                 "hook" },
        { EINVAL, "the device cannot take a passthru macvlan (it is not "
                  "Ethernet, or it already has a macvlan)" },
        { EPERM, "creating a device needs CAP_NET_ADMIN" },
        { EEXIST, "a device of that name appeared meanwhile" },
    };
    struct buf b = BUF_INITIALIZER;

    buf_printf(&b, "%s: rx-after-tc: cannot create macvlan %s on %s: ", port,
               name, port);
    const char *cause = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(causes); i++) {
        if (causes[i].error == error) {
            cause = causes[i].cause;
        }
    }
    if (cause) {
        buf_printf(&b, "%s (%s)", cause, nf_strerror(error));
    } else {
        buf_printf(&b, "%s", nf_strerror(error));
    }
    if (kmsg && *kmsg) {
        buf_printf(&b, "; the kernel says: %s", kmsg);
    }
    return buf_steal_cstr(&b);
}

/* Turns IPv6 off on NAME through its sysctl (there is no netlink for it):
 * an IPv6 frame it receives is then dropped at once.  A kernel without
 * IPv6 has no such file and nothing to turn off. */
static int
rxtc_disable_ipv6(const char *name)
{
    char path[64 + IFNAMSIZ];
    int error = 0;

    snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
             name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return errno == ENOENT ? 0 : errno;
    }
    if (write(fd, "1\n", 2) != 2) {
        error = errno ? errno : EIO;
    }
    close(fd);
    return error;
}

/* Makes the new macvlan IFINDEX (called NAME) quiet and brings it up; on
 * failure *WHAT says which step failed. */
static int
rxtc_configure(struct rxtc_nl *nl, const char *name, int ifindex,
               const char **what, char **kmsgp)
{
    int error;

    error = rxtc_disable_ipv6(name);
    if (error) {
        /* addrgenmode none below still keeps it without addresses. */
        VLOG_WARN("%s: cannot turn IPv6 off (disable_ipv6): %s", name,
                  nf_strerror(error));
    }

    *what = "set its IPv4 options (forwarding off, rp_filter on)";
    error = rxtc_nl_transact(
        nl, rxtc_msg_af(nl->req, sizeof nl->req, ++nl->seq, ifindex, AF_INET),
        NULL, kmsgp);
    if (error) {
        return error;
    }

    *what = "set its IPv6 address generation to none";
    error = rxtc_nl_transact(
        nl, rxtc_msg_af(nl->req, sizeof nl->req, ++nl->seq, ifindex, AF_INET6),
        NULL, kmsgp);
    if (error == EAFNOSUPPORT || error == EOPNOTSUPP) {
        free(*kmsgp);
        *kmsgp = NULL;
        error = 0; /* No IPv6 in this kernel. */
    }
    if (error) {
        return error;
    }

    *what = "bring it up";
    return rxtc_nl_transact(
        nl, rxtc_msg_up(nl->req, sizeof nl->req, ++nl->seq, ifindex), NULL,
        kmsgp);
}

int
netdev_afpacket_rxtc_create(const char *port, int lower, int *ifindexp,
                            char **errp)
{
    struct netdev_afpacket_rxtc_link link;
    char name[IFNAMSIZ];
    char *kmsg = NULL;
    struct rxtc_nl nl;
    const char *what;
    int error;

    *errp = NULL;
    netdev_afpacket_rxtc_name(lower, name);
    error = rxtc_nl_open(&nl);
    if (error) {
        *errp = xasprintf("%s: rx-after-tc: cannot open an rtnetlink socket: "
                          "%s",
                          port, nf_strerror(error));
        goto count_error;
    }

    /* A device of our name: the macvlan of a process that died, which is
     * recreated so that its settings are ours; or somebody else's. */
    error = rxtc_lookup(&nl, name, &link);
    if (!error) {
        if (!rxtc_is_ours(&link, lower)) {
            error = EEXIST;
            *errp = xasprintf("%s: rx-after-tc: a device called %s exists "
                              "and is not a passthru macvlan of %s (remove "
                              "or rename it)",
                              port, name, port);
            goto close_nl;
        }
        COVERAGE_INC(afpacket_rx_after_tc_stale);
        VLOG_INFO("port %s: removing macvlan %s, left over by an earlier "
                  "process, to create it anew",
                  port, name);
        error = rxtc_del(&nl, link.ifindex, name, &kmsg);
        if (error) {
            *errp = xasprintf("%s: rx-after-tc: cannot remove the leftover "
                              "macvlan %s: %s%s%s",
                              port, name, nf_strerror(error), kmsg ? ": " : "",
                              kmsg ? kmsg : "");
            goto close_nl;
        }
    } else if (error != ENODEV) {
        *errp = xasprintf("%s: rx-after-tc: cannot look up device %s: %s",
                          port, name, nf_strerror(error));
        goto close_nl;
    }

    free(kmsg);
    error = rxtc_nl_transact(&nl,
                             netdev_afpacket_rxtc_msg_create(
                                 nl.req, sizeof nl.req, ++nl.seq, name, lower),
                             NULL, &kmsg);
    if (error) {
        *errp = rxtc_create_error(port, name, error, kmsg);
        goto close_nl;
    }

    /* Created with NLM_F_EXCL, so the name is ours until we remove it. */
    error = rxtc_lookup(&nl, name, &link);
    if (!error && !rxtc_is_ours(&link, lower)) {
        error = EPROTO;
    }
    if (error) {
        *errp = xasprintf("%s: rx-after-tc: macvlan %s is not as created: "
                          "%s",
                          port, name, nf_strerror(error));
        link.ifindex = 0;
        goto delete_link;
    }

    error = rxtc_configure(&nl, name, link.ifindex, &what, &kmsg);
    if (error) {
        *errp = xasprintf("%s: rx-after-tc: cannot %s on macvlan %s: %s%s%s",
                          port, what, name, nf_strerror(error),
                          kmsg ? ": " : "", kmsg ? kmsg : "");
        goto delete_link;
    }
    *ifindexp = link.ifindex;
    rxtc_remember(port, lower);
    free(kmsg);
    rxtc_nl_close(&nl);
    return 0;

delete_link:
    free(kmsg);
    kmsg = NULL;
    if (rxtc_del(&nl, link.ifindex, name, &kmsg)) {
        VLOG_ERR("port %s: cannot remove macvlan %s after a failed setup",
                 port, name);
    }
close_nl:
    free(kmsg);
    rxtc_nl_close(&nl);
count_error:
    COVERAGE_INC(afpacket_rx_after_tc_error);
    return error;
}

int
netdev_afpacket_rxtc_destroy(const char *port, int lower, char **errp)
{
    struct netdev_afpacket_rxtc_link link;
    char name[IFNAMSIZ];
    char *kmsg = NULL;
    struct rxtc_nl nl;
    int error;

    *errp = NULL;
    rxtc_forget(lower);
    netdev_afpacket_rxtc_name(lower, name);
    error = rxtc_nl_open(&nl);
    if (error) {
        *errp = xasprintf("%s: rx-after-tc: cannot open an rtnetlink socket "
                          "to remove macvlan %s: %s",
                          port, name, nf_strerror(error));
        return error;
    }
    error = rxtc_lookup(&nl, name, &link);
    if (error == ENODEV) {
        error = 0; /* Gone already (with its lower device, say). */
    } else if (error) {
        *errp = xasprintf("%s: rx-after-tc: cannot look up macvlan %s: %s",
                          port, name, nf_strerror(error));
    } else if (!rxtc_is_ours(&link, lower)) {
        VLOG_WARN("port %s: %s is not a passthru macvlan of %s any more: "
                  "left alone",
                  port, name, port);
    } else {
        error = rxtc_del(&nl, link.ifindex, name, &kmsg);
        if (error) {
            *errp = xasprintf("%s: rx-after-tc: cannot remove macvlan %s: "
                              "%s%s%s",
                              port, name, nf_strerror(error), kmsg ? ": " : "",
                              kmsg ? kmsg : "");
        }
    }
    free(kmsg);
    rxtc_nl_close(&nl);
    return error;
}
