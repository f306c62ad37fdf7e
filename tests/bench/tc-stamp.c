/* tc-stamp: stamp the kernel's TC filter notifications as they are read,
 * for the offload benchmark (tests/vm/bench-offload.sh).
 *
 * Usage: tc-stamp
 *
 * It joins rtnetlink's TC group and, for every RTM_NEWTFILTER and
 * RTM_DELTFILTER notification, writes the head line "tc -ts monitor"
 * writes for it, and the flower key's transport ports on lines of their
 * own:
 *
 *   [2026-11-24T10:28:09.519311] added filter dev pa ingress protocol ip
 *       pref 2 flower chain 0 handle 0x1        (one line)
 *     src_port 1234
 *     dst_port 2000
 *
 * Why not "tc -ts monitor" itself: the benchmark measures how fast a
 * switch puts filters in, on one vCPU, and the monitor has to read every
 * notification as it comes.  tc prints each filter whole (some 15 lines:
 * every key, every action with its counters), and that work, the same
 * for every filter of both switches, took about a sixth of the vCPU at
 * 1,000 filters/s: a cost that grows with the rate being measured and
 * pulls the two switches' ratio towards 1.  This program prints only what
 * the script reads, in tc's words, so the script's parsing stays as it
 * was.
 *
 * The verb follows the notification's flags (the request's, which the
 * kernel passes on) as tc decides it: NLM_F_CREATE with NLM_F_EXCL is
 * "added", NLM_F_CREATE alone "replaced", neither (a change) no verb;
 * RTM_DELTFILTER is "deleted".  The time is the
 * wall clock when the message is handled, microseconds, local time, as
 * tc's -ts.
 *
 * Output goes out at most every STAMP_FLUSH_MS (a timer) and when the
 * program is told to stop (SIGTERM, SIGINT), not after every message:
 * the stamp is taken when a message is read, so holding the line back
 * costs the figures nothing, and a write per filter was a good part of
 * what is left of the monitor's cost.  A reader of the file may see a
 * partial last line.
 *
 * A notification the kernel could not queue (the socket's buffer full)
 * is lost; the program then writes "[time] overrun: ..." and goes on, as
 * the benchmark's count would otherwise be short without a word.
 *
 * Exit status: 0 when stopped by SIGTERM or SIGINT (everything read is
 * written out first), 1 if the socket cannot be set up or reading it or
 * writing fails, 2 for a usage error. */
#include <errno.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#define STAMP_FLUSH_MS 100

/* Set by the signal handlers; the main loop acts on them between
 * messages. */
static volatile sig_atomic_t stamp_tick, stamp_stop;

static void
stamp_on_alarm(int sig)
{
    (void) sig;
    stamp_tick = 1;
}

static void
stamp_on_stop(int sig)
{
    (void) sig;
    stamp_stop = 1;
}

/* Handlers without SA_RESTART, so that a signal ends a blocked read
 * (EINTR) and the loop gets to flush or stop at once. */
static int
stamp_signals(void)
{
    struct sigaction sa;
    struct itimerval it = {
        .it_interval = { .tv_usec = STAMP_FLUSH_MS * 1000 },
        .it_value = { .tv_usec = STAMP_FLUSH_MS * 1000 },
    };

    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = stamp_on_alarm;
    if (sigaction(SIGALRM, &sa, NULL) < 0) {
        return -1;
    }
    sa.sa_handler = stamp_on_stop;
    if (sigaction(SIGTERM, &sa, NULL) < 0
        || sigaction(SIGINT, &sa, NULL) < 0) {
        return -1;
    }
    return setitimer(ITIMER_REAL, &it, NULL);
}

/* Interface names by ifindex, looked up once: the benchmark's devices
 * are never renamed while it runs, and if_indextoname() is a system call
 * per message otherwise. */
#define STAMP_NAMES 256
static char stamp_names[STAMP_NAMES][IF_NAMESIZE];

static const char *
stamp_dev_name(unsigned int ifindex, char buf[IF_NAMESIZE])
{
    if (ifindex < STAMP_NAMES && stamp_names[ifindex][0]) {
        return stamp_names[ifindex];
    }
    if (!if_indextoname(ifindex, buf)) {
        snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
        return buf;
    }
    if (ifindex < STAMP_NAMES) {
        memcpy(stamp_names[ifindex], buf, IF_NAMESIZE);
    }
    return buf;
}

/* Writes "[YYYY-mm-ddTHH:MM:SS.uuuuuu] ", formatting the date and time
 * again only when the second changes. */
static void
stamp_time(void)
{
    static time_t last = -1;
    static char sec[32];
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != last) {
        struct tm tm;

        localtime_r(&ts.tv_sec, &tm);
        strftime(sec, sizeof sec, "%Y-%m-%dT%H:%M:%S", &tm);
        last = ts.tv_sec;
    }
    printf("[%s.%06ld] ", sec, ts.tv_nsec / 1000);
}

static const char *
stamp_proto(uint16_t proto, char buf[8])
{
    switch (proto) {
    case ETH_P_IP:
        return "ip";
    case ETH_P_IPV6:
        return "ipv6";
    case ETH_P_ALL:
        return "all";
    case ETH_P_8021Q:
        return "802.1Q";
    case ETH_P_ARP:
        return "arp";
    default:
        snprintf(buf, 8, "0x%04x", proto);
        return buf;
    }
}

/* The filter's attributes this program uses. */
struct stamp_attrs {
    const struct nlattr *kind;
    const struct nlattr *options;
    const struct nlattr *chain;
};

static int
stamp_attr_cb(const struct nlattr *a, void *aux)
{
    struct stamp_attrs *at = aux;

    switch (mnl_attr_get_type(a)) {
    case TCA_KIND:
        if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0) {
            at->kind = a;
        }
        break;
    case TCA_OPTIONS:
        if (mnl_attr_validate(a, MNL_TYPE_NESTED) >= 0) {
            at->options = a;
        }
        break;
    case TCA_CHAIN:
        if (mnl_attr_validate(a, MNL_TYPE_U32) >= 0) {
            at->chain = a;
        }
        break;
    }
    return MNL_CB_OK;
}

/* Flower's transport ports, whichever protocol carries them. */
struct stamp_ports {
    const struct nlattr *src, *dst;
};

static int
stamp_flower_cb(const struct nlattr *a, void *aux)
{
    struct stamp_ports *p = aux;

    switch (mnl_attr_get_type(a)) {
    case TCA_FLOWER_KEY_TCP_SRC:
    case TCA_FLOWER_KEY_UDP_SRC:
    case TCA_FLOWER_KEY_SCTP_SRC:
        if (mnl_attr_validate(a, MNL_TYPE_U16) >= 0) {
            p->src = a;
        }
        break;
    case TCA_FLOWER_KEY_TCP_DST:
    case TCA_FLOWER_KEY_UDP_DST:
    case TCA_FLOWER_KEY_SCTP_DST:
        if (mnl_attr_validate(a, MNL_TYPE_U16) >= 0) {
            p->dst = a;
        }
        break;
    }
    return MNL_CB_OK;
}

static void
stamp_parent(uint32_t parent)
{
    if (parent == TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)) {
        fputs("ingress ", stdout);
    } else if (parent == TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)) {
        fputs("egress ", stdout);
    } else if (parent == TC_H_ROOT) {
        fputs("root ", stdout);
    } else {
        printf("parent %x:%x ", TC_H_MAJ(parent) >> 16, TC_H_MIN(parent));
    }
}

static int
stamp_msg_cb(const struct nlmsghdr *nlh, void *aux)
{
    const struct tcmsg *t;
    struct stamp_attrs at = { 0 };
    char name[IF_NAMESIZE], proto[8];
    const char *verb = "";

    (void) aux;
    if (nlh->nlmsg_type != RTM_NEWTFILTER
        && nlh->nlmsg_type != RTM_DELTFILTER) {
        return MNL_CB_OK;
    }
    if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof *t)) {
        return MNL_CB_OK; /* Too short to be a filter: not ours to judge. */
    }
    t = mnl_nlmsg_get_payload(nlh);
    mnl_attr_parse(nlh, sizeof *t, stamp_attr_cb, &at);

    if (nlh->nlmsg_type == RTM_DELTFILTER) {
        verb = "deleted ";
    } else if (nlh->nlmsg_flags & NLM_F_CREATE) {
        verb = nlh->nlmsg_flags & NLM_F_EXCL ? "added " : "replaced ";
    }
    stamp_time();
    printf("%sfilter dev %s ", verb,
           stamp_dev_name((unsigned int) t->tcm_ifindex, name));
    stamp_parent(t->tcm_parent);
    printf("protocol %s pref %u %s",
           stamp_proto(ntohs((uint16_t) TC_H_MIN(t->tcm_info)), proto),
           TC_H_MAJ(t->tcm_info) >> 16,
           at.kind ? mnl_attr_get_str(at.kind) : "?");
    if (at.chain) {
        printf(" chain %u", mnl_attr_get_u32(at.chain));
    }
    printf(" handle 0x%x\n", t->tcm_handle);

    if (at.kind && at.options
        && !strcmp(mnl_attr_get_str(at.kind), "flower")) {
        struct stamp_ports p = { 0 };

        mnl_attr_parse_nested(at.options, stamp_flower_cb, &p);
        if (p.src) {
            printf("  src_port %u\n", ntohs(mnl_attr_get_u16(p.src)));
        }
        if (p.dst) {
            printf("  dst_port %u\n", ntohs(mnl_attr_get_u16(p.dst)));
        }
    }
    return MNL_CB_OK;
}

int
main(int argc, char *argv[])
{
    static char buf[1 << 16];
    static char out[1 << 20];
    struct mnl_socket *nl;
    int size = 4 << 20;
    int group = RTNLGRP_TC;

    if (argc > 1) {
        fprintf(stderr, "usage: %s (no arguments; see the source's head)\n",
                argv[0]);
        return 2;
    }
    /* Fully buffered, and big enough that only the timer writes. */
    setvbuf(stdout, out, _IOFBF, sizeof out);
    if (stamp_signals() < 0) {
        fprintf(stderr, "tc-stamp: signals and timer: %s\n", strerror(errno));
        return 1;
    }
    nl = mnl_socket_open(NETLINK_ROUTE);
    if (!nl) {
        fprintf(stderr, "tc-stamp: netlink socket: %s\n", strerror(errno));
        return 1;
    }
    /* A big buffer, so that a burst waits in the kernel rather than being
     * dropped; the forced size needs CAP_NET_ADMIN, which the benchmark
     * has, and the plain one is the fallback. */
    if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &size,
                   sizeof size)
        < 0) {
        setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &size,
                   sizeof size);
    }
    if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0
        || mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &group,
                                 sizeof group)
               < 0) {
        fprintf(stderr, "tc-stamp: joining the TC group: %s\n",
                strerror(errno));
        mnl_socket_close(nl);
        return 1;
    }

    while (!stamp_stop) {
        ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof buf);

        if (stamp_tick) {
            stamp_tick = 0;
            if (fflush(stdout) == EOF) {
                fprintf(stderr, "tc-stamp: writing: %s\n", strerror(errno));
                break;
            }
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == ENOBUFS) {
                stamp_time();
                printf("overrun: the kernel dropped notifications (%s)\n",
                       strerror(errno));
                fprintf(stderr, "tc-stamp: notifications lost (ENOBUFS)\n");
                continue;
            }
            fprintf(stderr, "tc-stamp: reading notifications: %s\n",
                    strerror(errno));
            break;
        }
        /* Sequence and port 0: notifications, not replies. */
        if (mnl_cb_run(buf, (size_t) n, 0, 0, stamp_msg_cb, NULL) < 0
            && errno != ESRCH) {
            /* A malformed batch: what was printed of it stays; go on with
             * the next rather than stop the benchmark's clock. */
            fprintf(stderr, "tc-stamp: a batch could not be parsed: %s\n",
                    strerror(errno));
        }
    }
    mnl_socket_close(nl);
    if (fflush(stdout) == EOF) {
        fprintf(stderr, "tc-stamp: writing: %s\n", strerror(errno));
        return 1;
    }
    return stamp_stop ? 0 : 1;
}
