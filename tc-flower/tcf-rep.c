/* tcf-rep.c: representor facts from rtnetlink and devlink.  See
 * tcf-rep.h. */
#include "tc-flower/tcf-rep.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/devlink.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "tc-flower/tcf-msg.h"
#include "tc-flower/tcf-nl.h"

VLOG_DEFINE_THIS_MODULE(tcf_rep);

void
tcf_rep_init(struct offload_representor *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->flavour = OFFLOAD_FLAVOUR_NONE;
    rep->pf = rep->vf = rep->sf = -1;
}

int
tcf_rep_parse_link(const struct nlmsghdr *nlh, struct offload_representor *rep)
{
    size_t ofs = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg));
    struct tcf_attr tb[IFLA_MAX + 1];

    if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < ofs
        || tcf_attr_parse((const uint8_t *) nlh + ofs, nlh->nlmsg_len - ofs,
                          tb, IFLA_MAX)) {
        return EINVAL;
    }
    const struct tcf_attr *id = &tb[IFLA_PHYS_SWITCH_ID];
    if (id->present) {
        if (id->len > sizeof rep->switch_id) {
            return EINVAL;
        }
        memcpy(rep->switch_id, id->data, id->len);
        rep->switch_id_len = id->len;
    }
    if (tb[IFLA_PHYS_PORT_NAME].present
        && tcf_attr_get_str(&tb[IFLA_PHYS_PORT_NAME], rep->port_name,
                            sizeof rep->port_name)) {
        return EINVAL;
    }
    return 0;
}

bool
tcf_rep_parse_devlink_port(const struct nlmsghdr *nlh, int ifindex,
                           struct offload_representor *rep)
{
    size_t ofs = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct genlmsghdr));
    struct tcf_attr tb[DEVLINK_ATTR_MAX + 1];
    uint32_t dev_ifindex;
    uint16_t flavour, pf, vf;
    uint32_t sf;

    if (nlh->nlmsg_len < ofs
        || tcf_attr_parse((const uint8_t *) nlh + ofs, nlh->nlmsg_len - ofs,
                          tb, DEVLINK_ATTR_MAX)
        || !tb[DEVLINK_ATTR_PORT_NETDEV_IFINDEX].present
        || tcf_attr_get(&tb[DEVLINK_ATTR_PORT_NETDEV_IFINDEX], &dev_ifindex, 4)
        || dev_ifindex != (uint32_t) ifindex
        || !tb[DEVLINK_ATTR_PORT_FLAVOUR].present
        || tcf_attr_get(&tb[DEVLINK_ATTR_PORT_FLAVOUR], &flavour, 2)) {
        return false;
    }
    switch (flavour) {
    case DEVLINK_PORT_FLAVOUR_PHYSICAL:
        rep->flavour = OFFLOAD_FLAVOUR_UPLINK;
        break;
    case DEVLINK_PORT_FLAVOUR_PCI_PF:
        rep->flavour = OFFLOAD_FLAVOUR_PF;
        break;
    case DEVLINK_PORT_FLAVOUR_PCI_VF:
        rep->flavour = OFFLOAD_FLAVOUR_VF;
        break;
    case DEVLINK_PORT_FLAVOUR_PCI_SF:
        rep->flavour = OFFLOAD_FLAVOUR_SF;
        break;
    default:
        rep->flavour = OFFLOAD_FLAVOUR_OTHER;
        break;
    }
    rep->pf = rep->vf = rep->sf = -1;
    if (tb[DEVLINK_ATTR_PORT_PCI_PF_NUMBER].present
        && !tcf_attr_get(&tb[DEVLINK_ATTR_PORT_PCI_PF_NUMBER], &pf, 2)) {
        rep->pf = pf;
    }
    if (tb[DEVLINK_ATTR_PORT_PCI_VF_NUMBER].present
        && !tcf_attr_get(&tb[DEVLINK_ATTR_PORT_PCI_VF_NUMBER], &vf, 2)) {
        rep->vf = vf;
    }
    if (tb[DEVLINK_ATTR_PORT_PCI_SF_NUMBER].present
        && !tcf_attr_get(&tb[DEVLINK_ATTR_PORT_PCI_SF_NUMBER], &sf, 4)) {
        rep->sf = sf <= INT32_MAX ? (int) sf : -1;
    }
    return true;
}

/* RTM_GETLINK. */

static void
link_cb(const struct nlmsghdr *nlh, void *rep_)
{
    if (tcf_rep_parse_link(nlh, rep_)) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        VLOG_WARN_RL(&rl, "malformed RTM_NEWLINK reply");
    }
}

/* Devlink, over a generic netlink socket of its own. */

#define GENL_BUF_SIZE (32 * 1024)

/* Sends the generic netlink request at BUF and calls CB for each reply
 * message until the ack (or NLMSG_DONE of a dump).  Returns 0 or an
 * errno. */
static int
genl_transact(struct mnl_socket *sock, uint8_t *buf, uint32_t seq,
              bool (*cb)(const struct nlmsghdr *, void *), void *aux)
{
    struct nlmsghdr *req = (struct nlmsghdr *) buf;

    if (mnl_socket_sendto(sock, buf, req->nlmsg_len) < 0) {
        return errno;
    }
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(sock, buf, GENL_BUF_SIZE);
        if (n < 0) {
            return errno == EAGAIN ? ETIMEDOUT : errno;
        }
        const uint8_t *p = buf;
        size_t left = n;
        const struct nlmsghdr *nlh;
        while ((nlh = tcf_msg_next(&p, &left, NULL))) {
            if (nlh->nlmsg_seq != seq) {
                continue;
            }
            if (nlh->nlmsg_type == NLMSG_ERROR
                || nlh->nlmsg_type == NLMSG_DONE) {
                struct tcf_ack ack;
                if (tcf_msg_parse_ack(nlh, &ack) && !ack.error
                    && nlh->nlmsg_type == NLMSG_ERROR) {
                    return EPROTO;
                }
                return ack.error;
            }
            /* A dump is read to its end even after a find, so that
             * nothing of it is left for a later request. */
            (void) cb(nlh, aux);
        }
    }
}

static bool
family_cb(const struct nlmsghdr *nlh, void *id_)
{
    size_t ofs = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct genlmsghdr));
    struct tcf_attr tb[CTRL_ATTR_MAX + 1];
    uint16_t *id = id_;

    if (nlh->nlmsg_len >= ofs
        && !tcf_attr_parse((const uint8_t *) nlh + ofs, nlh->nlmsg_len - ofs,
                           tb, CTRL_ATTR_MAX)
        && tb[CTRL_ATTR_FAMILY_ID].present) {
        return !tcf_attr_get(&tb[CTRL_ATTR_FAMILY_ID], id, 2);
    }
    return false;
}

struct port_search {
    int ifindex;
    struct offload_representor *rep;
    bool found;
};

static bool
port_cb(const struct nlmsghdr *nlh, void *s_)
{
    struct port_search *s = s_;

    if (!s->found && tcf_rep_parse_devlink_port(nlh, s->ifindex, s->rep)) {
        s->found = true;
    }
    return s->found;
}

static struct nlmsghdr *
genl_start(uint8_t *buf, uint16_t type, uint16_t flags, uint8_t cmd,
           uint32_t seq)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct genlmsghdr *g;

    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | flags;
    nlh->nlmsg_seq = seq;
    g = mnl_nlmsg_put_extra_header(nlh, sizeof *g);
    g->cmd = cmd;
    g->version = 1;
    return nlh;
}

/* Looks for the devlink port of IFINDEX.  Returns true if found (REP
 * filled), false if there is no devlink or no such port. */
static bool
devlink_lookup(int ifindex, struct offload_representor *rep)
{
    struct mnl_socket *sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
    struct timeval tv = { .tv_sec = 2 };
    uint8_t *buf = NULL;
    uint16_t family = 0;
    uint32_t seq = 1;
    bool found = false;

    if (!sock || mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID)
        || setsockopt(mnl_socket_get_fd(sock), SOL_SOCKET, SO_RCVTIMEO, &tv,
                      sizeof tv)) {
        goto close_sock;
    }
    buf = xmalloc(GENL_BUF_SIZE);

    struct nlmsghdr *nlh =
        genl_start(buf, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY, seq);
    mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, DEVLINK_GENL_NAME);
    if (genl_transact(sock, buf, seq, family_cb, &family) || !family) {
        /* No devlink in this kernel. */
        goto free_buf;
    }

    struct port_search s = { ifindex, rep, false };
    seq++;
    genl_start(buf, family, NLM_F_DUMP, DEVLINK_CMD_PORT_GET, seq);
    if (!genl_transact(sock, buf, seq, port_cb, &s)) {
        found = s.found;
    }

free_buf:
    free(buf);
close_sock:
    if (sock) {
        mnl_socket_close(sock);
    }
    return found;
}

int
tcf_rep_read(struct tcf_nl *nl, int ifindex, struct offload_representor *rep)
{
    uint8_t buf[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg))];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    struct ifinfomsg *ifi;
    int error;

    tcf_rep_init(rep);
    nlh->nlmsg_type = RTM_GETLINK;
    nlh->nlmsg_flags = NLM_F_REQUEST;
    ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex;
    error = tcf_nl_request(nl, nlh, link_cb, rep, NULL);
    if (error) {
        return error;
    }
    if (devlink_lookup(ifindex, rep)) {
        return 0;
    }
    if (rep->port_name[0]
        && offload_representor_parse_name(rep->port_name, rep)) {
        return 0;
    }
    if (rep->switch_id_len) {
        rep->flavour = OFFLOAD_FLAVOUR_OTHER;
    }
    return 0;
}
