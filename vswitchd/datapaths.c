/* datapaths.c: the datapaths nicflowd hosts.
 *
 * Userspace datapaths (dpif-netdev) live in this process and move packets
 * only when something calls dpif_netdev_run(): a datapath thread does,
 * sleeping in poll() on the ports' descriptors while there is nothing to
 * do.  After traffic it keeps looking for busy_poll_us microseconds before
 * it sleeps again ("dpif-netdev/busy-poll" shows or sets the time, "always"
 * makes it a busy-polling thread that never sleeps, 0 sleeps at once).
 * Ports with no descriptor (DPDK's poll-mode drivers) cannot wake it: while
 * a datapath has one, it sleeps at most POLLED_SLEEP_MIN_US to
 * POLLED_SLEEP_MAX_US between looks.  other_config:pmd-cpu-mask chooses its
 * CPUs and puts a poll-mode thread on each of them for the DPDK ports'
 * queues (datapaths_set_pmd_cpu_mask(), softpath/dpif-netdev-pmd.c), which
 * "dpif-netdev/pmd-rxq-show", "pmd-stats-show" and "pmd-stats-clear"
 * describe as Open vSwitch's do.  The control socket offers the
 * ovs-dpctl commands as "dpctl/COMMAND" (softpath/dpctl.h), which
 * nicflow-dpctl and ovs-appctl-style clients use. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "softpath/dpctl.h"
#include "softpath/dpif-netdev.h"
#include "softpath/dpif.h"
#include "vswitchd/datapaths.h"

VLOG_DEFINE_THIS_MODULE(datapaths);

#define MAX_DPS 16
#define MAX_FDS 256

static pthread_t thread;
static atomic_bool stopping;

/* How long the datapath thread keeps polling after its last packet, in
 * microseconds; BUSY_POLL_ALWAYS never sleeps.  50 us covers the gap
 * between packets of any flow above ~20 kpps, which is where a wakeup per
 * packet starts to cost more than the packet. */
#define BUSY_POLL_DEFAULT_US 50
#define BUSY_POLL_ALWAYS LLONG_MAX
static _Atomic long long busy_poll_us = BUSY_POLL_DEFAULT_US;

/* The sleeps between two looks at ports that have no fd to wait on
 * (DPDK's poll-mode drivers), in microseconds: the shortest right after
 * traffic, doubling on every idle look up to the longest, which is what
 * the first packet after a quiet spell may wait (Open vSwitch's PMD threads
 * never sleep; "dpif-netdev/busy-poll always" does the same here).  Idle,
 * that is a thousand wakeups a second. */
#define POLLED_SLEEP_MIN_US 50
#define POLLED_SLEEP_MAX_US 1000

/* The datapath thread's handles, refreshed from the registry. */
struct dp_handle {
    char *name;
    struct dpif *dpif;
};

static void
refresh(struct dp_handle *dps, size_t *n)
{
    struct dpif_names names;

    if (dpif_enumerate(&names)) {
        return;
    }
    /* Close handles of datapaths that went away. */
    for (size_t i = 0; i < *n;) {
        bool found = false;
        for (size_t j = 0; j < names.n; j++) {
            found |= !strcmp(names.names[j], dps[i].name);
        }
        if (!found) {
            dpif_close(dps[i].dpif);
            free(dps[i].name);
            dps[i] = dps[--*n];
        } else {
            i++;
        }
    }
    /* Open new ones. */
    for (size_t j = 0; j < names.n && *n < MAX_DPS; j++) {
        bool found = false;
        for (size_t i = 0; i < *n; i++) {
            found |= !strcmp(names.names[j], dps[i].name);
        }
        if (!found && !strncmp(names.names[j], "netdev@", 7)) {
            struct dpif *dpif;
            if (!dpif_open(names.names[j], NULL, false, &dpif, NULL)) {
                dps[*n].name = xstrdup(names.names[j]);
                dps[*n].dpif = dpif;
                ++*n;
            }
        }
    }
    dpif_names_free(&names);
}

static void *
datapath_thread(void *arg NF_UNUSED)
{
    struct dp_handle dps[MAX_DPS];
    size_t n_dps = 0;
    long long next_refresh = 0;
    long polled_sleep_us = POLLED_SLEEP_MIN_US;

    while (!atomic_load(&stopping)) {
        struct pollfd pfds[MAX_FDS];
        int fds[MAX_FDS] = { 0 };
        size_t n_fds = 0;

        /* New datapaths and ports show up within 100 ms. */
        if (nf_time_msec() >= next_refresh) {
            refresh(dps, &n_dps);
            next_refresh = nf_time_msec() + 100;
        }
        for (size_t i = 0; i < n_dps; i++) {
            size_t n = dpif_netdev_wait_fds(dps[i].dpif, fds + n_fds,
                                            MAX_FDS - n_fds);
            n_fds += n < MAX_FDS - n_fds ? n : MAX_FDS - n_fds;
        }
        for (size_t i = 0; i < n_fds; i++) {
            pfds[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
        }
        /* Ports with no fd (DPDK) are polled: the thread then sleeps
         * POLLED_SLEEP_US at most between looks at them. */
        bool polled = false;
        for (size_t i = 0; i < n_dps && !polled; i++) {
            polled = dpif_netdev_needs_polling(dps[i].dpif);
        }
        struct timespec timeout = { .tv_sec = 0, .tv_nsec = 100000000 };
        if (atomic_load(&busy_poll_us) == BUSY_POLL_ALWAYS) {
            timeout.tv_nsec = 0;
        } else if (polled) {
            timeout.tv_nsec = polled_sleep_us * 1000;
        }
        int n_ready = ppoll(pfds, n_fds, &timeout, NULL);

        /* Once traffic flows, keep looking at the rings for a short while
         * (busy_poll_us) after the last packet instead of going back to
         * sleep: under load the next packet is microseconds away, and a
         * sleep and wakeup per packet would cost more than the packet.
         * sched_yield() between empty looks leaves the core to the other
         * threads that want it (on a 2-core machine, often the senders
         * and receivers themselves).  An idle datapath sleeps in poll(). */
        long long last_work = nf_time_usec();
        if (polled && n_ready == 0
            && atomic_load(&busy_poll_us) != BUSY_POLL_ALWAYS) {
            /* A timeout with the polled ports idle so far: one look at
             * them, no busy polling unless it finds work. */
            last_work -= atomic_load(&busy_poll_us);
            polled_sleep_us = NF_MIN(polled_sleep_us * 2, POLLED_SLEEP_MAX_US);
        }
        do {
            bool work = false;
            for (size_t i = 0; i < n_dps; i++) {
                /* A few rounds while there is work keep batches full under
                 * load without starving the other datapaths. */
                for (int round = 0; round < 64; round++) {
                    if (!dpif_netdev_run(dps[i].dpif)) {
                        break;
                    }
                    work = true;
                }
            }
            /* One clock read per look: while it busy polls, the thread
             * goes round this loop a few hundred thousand times a
             * second, and each read costs ~20 ns in a VM. */
            long long now = nf_time_usec();
            if (work) {
                last_work = now;
                polled_sleep_us = POLLED_SLEEP_MIN_US;
            } else if (now - last_work >= atomic_load(&busy_poll_us)) {
                break;
            } else {
                sched_yield();
            }
            if (now / 1000 >= next_refresh) {
                break;
            }
        } while (!atomic_load(&stopping));
    }
    for (size_t i = 0; i < n_dps; i++) {
        dpif_close(dps[i].dpif);
        free(dps[i].name);
    }
    return NULL;
}

static void
dpctl_cb(struct unixctl_conn *conn, int argc, const char *argv[],
         void *aux NF_UNUSED)
{
    struct buf out = BUF_INITIALIZER;
    char *err = NULL;
    const char **args = xcalloc((size_t) argc, sizeof *args);

    /* "dpctl/show" → "show". */
    args[0] = argv[0] + strlen("dpctl/");
    for (int i = 1; i < argc; i++) {
        args[i] = argv[i];
    }
    if (dpctl_run(argc, args, &out, &err)) {
        char *msg = xasprintf("%s\n", err ? err : "failed");
        unixctl_command_reply_error(conn, msg);
        free(msg);
    } else {
        unixctl_command_reply(conn, buf_cstr(&out));
    }
    free(err);
    free(args);
    buf_destroy(&out);
}

static void
busy_poll_cb(struct unixctl_conn *conn, int argc, const char *argv[],
             void *aux NF_UNUSED)
{
    if (argc > 1) {
        long long us;
        char *end;

        if (!strcmp(argv[1], "always")) {
            us = BUSY_POLL_ALWAYS;
        } else {
            errno = 0;
            us = strtoll(argv[1], &end, 10);
            if (errno || end == argv[1] || *end || us < 0 || us > 1000000) {
                char *msg = xasprintf("\"%s\": expected microseconds "
                                      "(0 to 1000000) or \"always\"\n",
                                      argv[1]);
                unixctl_command_reply_error(conn, msg);
                free(msg);
                return;
            }
        }
        atomic_store(&busy_poll_us, us);
        dpif_netdev_pmd_set_busy_poll(us);
        VLOG_INFO("datapath thread: busy polling %s%s",
                  us == BUSY_POLL_ALWAYS ? "always" : argv[1],
                  us == BUSY_POLL_ALWAYS ? "" : " us after traffic");
    }
    long long us = atomic_load(&busy_poll_us);
    char *reply = us == BUSY_POLL_ALWAYS ? xstrdup("always\n")
                                         : xasprintf("%lld us\n", us);
    unixctl_command_reply(conn, reply);
    free(reply);
}

int
datapaths_set_pmd_cpu_mask(const char *mask)
{
    cpu_set_t set;

    CPU_ZERO(&set);
    if (!mask || !*mask) {
        /* The process's own affinity (the main thread keeps it). */
        if (sched_getaffinity(0, sizeof set, &set)) {
            return errno;
        }
    } else {
        const char *p = mask;
        size_t len;
        int cpu = 0;

        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
            p += 2;
        }
        len = strlen(p);
        if (!len) {
            return EINVAL;
        }
        /* Hex digits from the least significant end: 4 CPUs each. */
        for (size_t i = len; i-- > 0; cpu += 4) {
            int v;
            char c = p[i];

            if (c >= '0' && c <= '9') {
                v = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                v = c - 'a' + 10;
            } else if (c >= 'A' && c <= 'F') {
                v = c - 'A' + 10;
            } else {
                return EINVAL;
            }
            for (int b = 0; b < 4; b++) {
                if (v & (1 << b) && cpu + b < CPU_SETSIZE) {
                    CPU_SET(cpu + b, &set);
                }
            }
        }
        if (!CPU_COUNT(&set)) {
            return EINVAL;
        }
    }
    int error = pthread_setaffinity_np(thread, sizeof set, &set);
    if (error) {
        return error;
    }

    /* A poll-mode thread on each CPU of the mask; none without one. */
    int cpus[CPU_SETSIZE];
    size_t n = 0;
    for (int c = 0; mask && *mask && c < CPU_SETSIZE; c++) {
        if (CPU_ISSET(c, &set)) {
            cpus[n++] = c;
        }
    }
    return dpif_netdev_set_pmd_cpus(cpus, n);
}

/* dpif-netdev/pmd-rxq-show, pmd-stats-show, pmd-stats-clear
 * [-pmd CORE] [DP], as in Open vSwitch. */
static void
pmd_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *cmd_)
{
    enum dpif_netdev_pmd_cmd cmd = (enum dpif_netdev_pmd_cmd)(intptr_t) cmd_;
    struct buf out = BUF_INITIALIZER;
    const char *dp_name = NULL;
    char *err = NULL;
    int core = -1;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-pmd")) {
            long long v;
            if (i + 1 >= argc
                || nf_parse_int(argv[i + 1], 0, CPU_SETSIZE - 1, &v)) {
                err = xasprintf("-pmd takes a core id (0 to %d)",
                                CPU_SETSIZE - 1);
                break;
            }
            core = (int) v;
            i++;
        } else if (!dp_name) {
            dp_name = argv[i];
        } else {
            err = xasprintf("\"%s\": one datapath at most", argv[i]);
            break;
        }
    }
    if (!err) {
        dpif_netdev_pmd_show(cmd, core, dp_name, &out, &err);
    }
    if (err) {
        char *msg = xasprintf("%s\n", err);
        unixctl_command_reply_error(conn, msg);
        free(msg);
    } else {
        unixctl_command_reply(conn, buf_cstr(&out));
    }
    free(err);
    buf_destroy(&out);
}

void
datapaths_init(void)
{
    unixctl_command_register("dpif-netdev/busy-poll", "[USEC|always]", 0, 1,
                             busy_poll_cb, NULL);
    unixctl_command_register("dpif-netdev/pmd-rxq-show", "[-pmd core] [dp]", 0,
                             3, pmd_cb,
                             (void *) (intptr_t) DPIF_NETDEV_PMD_RXQ_SHOW);
    unixctl_command_register("dpif-netdev/pmd-stats-show", "[-pmd core] [dp]",
                             0, 3, pmd_cb,
                             (void *) (intptr_t) DPIF_NETDEV_PMD_STATS_SHOW);
    unixctl_command_register("dpif-netdev/pmd-stats-clear", "[-pmd core] [dp]",
                             0, 3, pmd_cb,
                             (void *) (intptr_t) DPIF_NETDEV_PMD_STATS_CLEAR);
    dpif_netdev_register();
    for (const struct dpctl_command *c = dpctl_commands(); c->name; c++) {
        char *name = xasprintf("dpctl/%s", c->name);
        /* Options count as arguments on the socket. */
        unixctl_command_register(name, c->usage, c->min_args, c->max_args + 4,
                                 dpctl_cb, NULL);
        free(name);
    }
    atomic_store(&stopping, false);
    if (pthread_create(&thread, NULL, datapath_thread, NULL)) {
        nf_fatal(errno, "cannot start the datapath thread");
    }
}

void
datapaths_destroy(void)
{
    atomic_store(&stopping, true);
    pthread_join(thread, NULL);
    dpif_netdev_set_pmd_cpus(NULL, 0); /* Stops the poll-mode threads. */
}
