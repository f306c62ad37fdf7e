/* rtf-tapstats.c: counters of tap PMD rules from the kernel's flower
 * filters (see rtf-tapstats.h).
 *
 * One dump of the device's filters under the multiq qdisc per read: the
 * tap PMD is a test and development device with a handful of rules, and
 * a dump needs neither the filter's priority nor its protocol, which the
 * PMD chooses.  (The handle is not computed from the rule: DPDK 22.11's
 * tap PMD hashes the first bytes of its freshly allocated, uninitialised
 * rule, so the provider learns it by listing the handles before and after
 * the rule is made.)  The reply is untrusted input: every attribute is
 * length-checked (libmnl's iterators stop at a bad length) and values are
 * copied out with memcpy(). */
#include "rteflow/rtf-tapstats.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>

#include "lib/coverage.h"
#include "lib/util.h"

COVERAGE_DEFINE(rtf_tapstats_read);
COVERAGE_DEFINE(rtf_tapstats_malformed);

/* Statistics of one action (TCA_ACT_STATS): basic bytes/packets, with
 * the 64-bit packet count where the kernel sends one. */
static bool
parse_act_stats(const struct nlattr *stats, struct rtf_tc_count *c)
{
    const struct nlattr *a;
    bool have = false;

    mnl_attr_for_each_nested(a, stats)
    {
        const uint8_t *p = mnl_attr_get_payload(a);
        uint16_t len = mnl_attr_get_payload_len(a);

        switch (mnl_attr_get_type(a)) {
        case TCA_STATS_BASIC:
            /* struct gnet_stats_basic: u64 bytes, then u32 packets. */
            if (len >= 12) {
                uint32_t packets;
                memcpy(&c->bytes, p, 8);
                memcpy(&packets, p + 8, 4);
                if (!have) {
                    c->packets = packets;
                }
                have = true;
            }
            break;
        case TCA_STATS_PKT64:
            if (len >= 8) {
                memcpy(&c->packets, p, 8);
                have = true;
            }
            break;
        default:
            break;
        }
    }
    return have;
}

/* The counters of a flower filter's first action (the rule's hits: the
 * tap PMD gives each rule one action). */
static bool
parse_flower(const struct nlattr *options, struct rtf_tc_count *c)
{
    const struct nlattr *a, *act, *attr;

    mnl_attr_for_each_nested(a, options)
    {
        if (mnl_attr_get_type(a) != TCA_FLOWER_ACT) {
            continue;
        }
        mnl_attr_for_each_nested(act, a)
        {
            /* Actions are nested by their order, 1 first. */
            if (mnl_attr_get_type(act) != 1) {
                continue;
            }
            mnl_attr_for_each_nested(attr, act)
            {
                if (mnl_attr_get_type(attr) == TCA_ACT_STATS) {
                    return parse_act_stats(attr, c);
                }
            }
        }
    }
    return false;
}

int
rtf_tapstats_parse(const uint8_t *buf, size_t len, uint32_t seq,
                   rtf_tapstats_cb *cb, void *aux)
{
    size_t ofs = 0;

    /* libmnl's mnl_nlmsg_next() overflows on a length near 4 GiB, so the
     * walk is ours: each message must fit in what is left, and the next
     * one starts at its aligned end. */
    while (len - ofs >= sizeof(struct nlmsghdr)) {
        const struct nlmsghdr *nlh = (const struct nlmsghdr *) (buf + ofs);
        size_t mlen = nlh->nlmsg_len;

        if (mlen < sizeof *nlh || mlen > len - ofs) {
            COVERAGE_INC(rtf_tapstats_malformed);
            return EPROTO;
        }
        ofs += NF_MIN(NLMSG_ALIGN(mlen), len - ofs);
        if (nlh->nlmsg_seq != seq) {
            continue;
        }
        if (nlh->nlmsg_type == NLMSG_DONE) {
            return EOF;
        }
        if (nlh->nlmsg_type == NLMSG_ERROR) {
            int32_t err;
            if (mnl_nlmsg_get_payload_len(nlh) < sizeof err) {
                COVERAGE_INC(rtf_tapstats_malformed);
                return EPROTO;
            }
            memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof err);
            return err < 0 && err > -4096 ? -err : EPROTO;
        }
        if (nlh->nlmsg_type != RTM_NEWTFILTER) {
            continue;
        }
        struct tcmsg tcm;
        if (mnl_nlmsg_get_payload_len(nlh) < sizeof tcm) {
            COVERAGE_INC(rtf_tapstats_malformed);
            return EPROTO;
        }
        memcpy(&tcm, mnl_nlmsg_get_payload(nlh), sizeof tcm);
        if (!tcm.tcm_handle) {
            /* The priority's own entry (a chain or template), no filter. */
            continue;
        }
        bool flower = false;
        const struct nlattr *options = NULL;
        /* Not mnl_attr_for_each(): it ends the walk at the message's
         * length rounded up to 4, which for the last message of a buffer
         * with an unaligned nlmsg_len lies past the buffer (found by
         * fuzz-rtf-tapstats).  This walk stops at nlmsg_len itself. */
        for (size_t aofs = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof tcm);
             aofs + sizeof(struct nlattr) <= mlen;) {
            const struct nlattr *a =
                (const struct nlattr *) ((const uint8_t *) nlh + aofs);
            if (a->nla_len < sizeof *a || a->nla_len > mlen - aofs) {
                break;
            }
            aofs += NLA_ALIGN(a->nla_len);
            if (mnl_attr_get_type(a) == TCA_KIND) {
                const char *k = mnl_attr_get_payload(a);
                uint16_t klen = mnl_attr_get_payload_len(a);
                flower = klen >= 7 && !memcmp(k, "flower", 7);
            } else if (mnl_attr_get_type(a) == TCA_OPTIONS) {
                options = a;
            }
        }
        struct rtf_tc_count cc = { 0, 0 };
        if (flower) {
            bool counted = options && parse_flower(options, &cc);
            cb(tcm.tcm_handle, counted ? &cc : NULL, aux);
        }
    }
    return 0;
}

/* Dumps the filters under RTF_TAP_PARENT of IFINDEX, calling CB for
 * each flower filter. */
static int
dump(int ifindex, rtf_tapstats_cb *cb, void *aux)
{
    /* Aligned for the netlink headers the parser reads in place. */
    static _Thread_local uint64_t rx[32768 / 8];
    uint8_t req[NLMSG_ALIGN(sizeof(struct nlmsghdr))
                + NLMSG_ALIGN(sizeof(struct tcmsg))]
        __attribute__((aligned(8)));
    struct mnl_socket *sock;
    int error = 0;

    sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (!sock) {
        return errno;
    }
    if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID)) {
        error = errno;
        goto out_close;
    }

    memset(req, 0, sizeof req);
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
    nlh->nlmsg_type = RTM_GETTFILTER;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    nlh->nlmsg_seq = 1;
    struct tcmsg *tcm = mnl_nlmsg_put_extra_header(nlh, sizeof *tcm);
    tcm->tcm_family = AF_UNSPEC;
    tcm->tcm_ifindex = ifindex;
    tcm->tcm_parent = RTF_TAP_PARENT;
    if (mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) < 0) {
        error = errno;
        goto out_close;
    }
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(sock, rx, sizeof rx);
        if (n < 0) {
            error = errno == ENOBUFS ? EAGAIN : errno;
            break;
        }
        int ret =
            rtf_tapstats_parse((const uint8_t *) rx, (size_t) n, 1, cb, aux);
        if (ret == EOF) {
            break;
        }
        if (ret) {
            error = ret;
            break;
        }
    }

out_close:
    mnl_socket_close(sock);
    return error;
}

struct find_aux {
    uint32_t handle;
    bool found;
    struct rtf_tc_count *c;
};

static void
find_cb(uint32_t handle, const struct rtf_tc_count *c, void *aux_)
{
    struct find_aux *aux = aux_;

    if (handle == aux->handle && c) {
        aux->found = true;
        *aux->c = *c;
    }
}

int
rtf_tapstats_read(int ifindex, uint32_t handle, struct rtf_tc_count *c)
{
    struct find_aux aux = { .handle = handle, .found = false, .c = c };
    int error;

    COVERAGE_INC(rtf_tapstats_read);
    memset(c, 0, sizeof *c);
    error = dump(ifindex, find_cb, &aux);
    return error ? error : aux.found ? 0 : ENOENT;
}

struct list_aux {
    uint32_t *handles;
    size_t max, n;
};

static void
list_cb(uint32_t handle, const struct rtf_tc_count *c, void *aux_)
{
    struct list_aux *aux = aux_;

    if (aux->n < aux->max) {
        aux->handles[aux->n] = handle;
    }
    aux->n++;
}

int
rtf_tapstats_handles(int ifindex, uint32_t *handles, size_t max, size_t *n)
{
    struct list_aux aux = { .handles = handles, .max = max, .n = 0 };
    int error = dump(ifindex, list_cb, &aux);

    *n = error ? 0 : aux.n;
    return error;
}
