/* sim.c: the simulated eswitch HAL plugin, nicflow-hal-sim.so
 * (offload/hal-sim/README.md).
 *
 * The model itself is sim-pipeline.c; this file gives it a body: the HAL
 * operations of include/nicflow/hal.h, the hal-args, the profile file, one
 * AF_PACKET socket per chip port and a thread that reads them all, runs
 * each frame through the model and hands misses to the host.
 *
 * Locks.  nicflow never makes two calls at once, but the plugin's own
 * thread forwards while nicflow's threads change the tables, so LOCK
 * guards the model (tables, counters, meters, port statistics).  RX_LOCK
 * is held across each call of the host receiver, so that rx_register()
 * can promise the old receiver is not called after it returns; EV_LOCK
 * likewise for the event callback.  Order: LOCK is never held while
 * RX_LOCK or EV_LOCK is taken. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nicflow/hal.h"
#include "offload/hal-sim/sim-pipeline.h"

#ifndef NICFLOW_PROFILE_DIR
#define NICFLOW_PROFILE_DIR "/usr/share/nicflow/hw-profiles"
#endif

#define SIM_MAX_PORTS 64
#define SIM_MAX_PROFILE (1 << 20) /* Bytes of a profile file, at most. */
#define SIM_FRAME_MAX 65536       /* Bytes of a received frame, at most. */
#define SIM_POLL_MS 100           /* The thread's longest sleep. */
#define SIM_LINK_CHECK_NS 500000000ull

struct sim_port {
    char name[NICFLOW_HAL_NAME_MAX];
    int ifindex;
    int fd;       /* AF_PACKET socket bound to IFINDEX. */
    bool link_up; /* As last reported (LINK_UP/LINK_DOWN events). */
};

struct nicflow_hal_dev {
    pthread_mutex_t lock; /* Guards SIM. */
    struct halsim *sim;
    size_t n_ports;
    struct sim_port ports[SIM_MAX_PORTS];

    pthread_t thread;
    bool thread_started;
    int stop_fd;      /* eventfd: written by close() to wake the thread. */
    atomic_bool stop; /* Set by close(): the thread returns. */

    pthread_mutex_t rx_lock; /* Held across each receiver call. */
    nicflow_hal_rx_cb *rx_cb;
    void *rx_aux;

    pthread_mutex_t ev_lock; /* Held across each event callback. */
    nicflow_hal_event_cb *ev_cb;
    void *ev_aux;
    /* Tables an add found full (1 << enum nicflow_hal_table), for the
     * thread to report. */
    atomic_uint table_full;

    uint8_t buf[4 + SIM_FRAME_MAX + HALSIM_GROWTH]; /* The thread's. */
};

static void msg(char *err, size_t err_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
msg(char *err, size_t err_size, const char *fmt, ...)
{
    va_list args;

    if (err && err_size) {
        va_start(args, fmt);
        vsnprintf(err, err_size, fmt, args);
        va_end(args);
    }
}

static uint64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* ---------------------------------------------------------------------
 * Arguments and the profile.
 * --------------------------------------------------------------------- */

struct sim_args {
    char profile[4096];
    char device[NICFLOW_HAL_NAME_MAX];
    size_t n_ports;
    char ports[SIM_MAX_PORTS][IF_NAMESIZE];
    struct halsim_sizes sizes;
};

/* The table-size args, where each goes in struct halsim_sizes. */
static const struct {
    const char *name;
    size_t offset;
} size_args[] = {
    { "fdb", offsetof(struct halsim_sizes, fdb) },
    { "port-vlans", offsetof(struct halsim_sizes, port_vlans) },
    { "nexthops", offsetof(struct halsim_sizes, nexthops) },
    { "l3-hosts", offsetof(struct halsim_sizes, l3_hosts) },
    { "l3-routes", offsetof(struct halsim_sizes, l3_routes) },
    { "tunnel-encaps", offsetof(struct halsim_sizes, tunnel_encaps) },
    { "tunnel-decaps", offsetof(struct halsim_sizes, tunnel_decaps) },
};
#define SIM_MAX_TABLE (1u << 20) /* Entries of a table, at most. */

/* Parses the value V of table-size arg NAME into ARGS, if NAME is one;
 * returns -1 if it is not. */
static int
parse_size(const char *name, const char *v, struct sim_args *args, char *err,
           size_t err_size)
{
    for (size_t i = 0; i < sizeof size_args / sizeof *size_args; i++) {
        if (!strcmp(name, size_args[i].name)) {
            char *end;
            unsigned long n = strtoul(v, &end, 10);

            if (*v < '0' || *v > '9' || *end || n > SIM_MAX_TABLE) {
                msg(err, err_size, "sim: hal-args %s= takes a number 0..%u",
                    name, SIM_MAX_TABLE);
                return EINVAL;
            }
            *(uint32_t *) ((char *) &args->sizes + size_args[i].offset) = n;
            return 0;
        }
    }
    return -1;
}

/* Parses "ports=A,B,..." value V into ARGS. */
static int
parse_ports(const char *v, struct sim_args *args, char *err, size_t err_size)
{
    while (*v) {
        size_t len = strcspn(v, ",");

        if (!len || len >= IF_NAMESIZE) {
            msg(err, err_size,
                "sim: hal-args ports= takes netdev names of 1 to %d bytes, "
                "comma separated",
                IF_NAMESIZE - 1);
            return EINVAL;
        }
        if (args->n_ports == SIM_MAX_PORTS) {
            msg(err, err_size, "sim: hal-args ports= takes at most %d names",
                SIM_MAX_PORTS);
            return EINVAL;
        }
        snprintf(args->ports[args->n_ports], IF_NAMESIZE, "%.*s", (int) len,
                 v);
        for (size_t i = 0; i < args->n_ports; i++) {
            if (!strcmp(args->ports[i], args->ports[args->n_ports])) {
                msg(err, err_size, "sim: hal-args ports= names %s twice",
                    args->ports[i]);
                return EINVAL;
            }
        }
        args->n_ports++;
        v += len + (v[len] == ',');
        if (!*v && v[-1] == ',') {
            msg(err, err_size, "sim: hal-args ports= ends with a comma");
            return EINVAL;
        }
    }
    return 0;
}

/* Parses TEXT, "profile=NAME-or-PATH ports=NAME,... [device=NAME]". */
static int
parse_args(const char *text, struct sim_args *args, char *err, size_t err_size)
{
    static const char usage[] =
        "(takes profile=NAME-or-PATH ports=NAME,NAME,... [device=NAME] "
        "[fdb=N] [port-vlans=N] [nexthops=N] [l3-hosts=N] [l3-routes=N] "
        "[tunnel-encaps=N] [tunnel-decaps=N])";
    char *copy = strdup(text ? text : ""), *save = NULL, *tok;
    int error = 0;

    if (!copy) {
        msg(err, err_size, "sim: out of memory");
        return ENOMEM;
    }
    memset(args, 0, sizeof *args);
    snprintf(args->device, sizeof args->device, "sim0");
    halsim_sizes_default(&args->sizes);
    for (tok = strtok_r(copy, " \t\n", &save); tok && !error;
         tok = strtok_r(NULL, " \t\n", &save)) {
        char *v = strchr(tok, '=');

        if (v) {
            *v++ = '\0';
        }
        if (!v || !*v) {
            msg(err, err_size, "sim: hal-args %s: expected KEY=VALUE %s", tok,
                usage);
            error = EINVAL;
        } else if (!strcmp(tok, "profile")) {
            if (strlen(v) >= sizeof args->profile - 8) {
                msg(err, err_size, "sim: hal-args profile= is too long");
                error = EINVAL;
            }
            snprintf(args->profile, sizeof args->profile, "%s", v);
        } else if (!strcmp(tok, "ports")) {
            error = parse_ports(v, args, err, err_size);
        } else if (!strcmp(tok, "device")) {
            if (strlen(v) >= sizeof args->device) {
                msg(err, err_size,
                    "sim: hal-args device= takes a name of "
                    "at most %zu bytes",
                    sizeof args->device - 1);
                error = EINVAL;
            }
            snprintf(args->device, sizeof args->device, "%s", v);
        } else if ((error = parse_size(tok, v, args, err, err_size)) >= 0) {
            /* A table size, parsed (or refused) by parse_size(). */
        } else {
            msg(err, err_size, "sim: hal-args: unknown key %s %s", tok, usage);
            error = EINVAL;
        }
    }
    free(copy);
    if (!error && !args->profile[0]) {
        msg(err, err_size, "sim: hal-args needs profile=NAME-or-PATH");
        error = EINVAL;
    } else if (!error && !args->n_ports) {
        msg(err, err_size, "sim: hal-args needs ports=NAME,NAME,...");
        error = EINVAL;
    }
    return error;
}

/* Reads the profile NAME (or path, if it holds a '/') into *PROFILE. */
static int
load_profile(const char *name, struct halsim_profile *profile, char *err,
             size_t err_size)
{
    const char *dir = getenv("NICFLOW_PROFILE_DIR");
    char path[4200], why[NICFLOW_HAL_MSG_MAX];
    char *text = NULL;
    size_t len = 0;
    FILE *f;
    int error;

    if (strchr(name, '/')) {
        snprintf(path, sizeof path, "%s", name);
    } else {
        snprintf(path, sizeof path, "%s/%s.json",
                 dir && *dir ? dir : NICFLOW_PROFILE_DIR, name);
    }
    f = fopen(path, "r");
    text = f ? malloc(SIM_MAX_PROFILE) : NULL;
    if (text) {
        len = fread(text, 1, SIM_MAX_PROFILE, f);
    }
    if (!f || !text || ferror(f) || len == SIM_MAX_PROFILE) {
        error = !f ? errno : !text ? ENOMEM : ferror(f) ? EIO : EFBIG;
        msg(err, err_size, "sim: profile %s: cannot read %s: %s", name, path,
            strerror(error));
        free(text);
        if (f) {
            fclose(f);
        }
        return EINVAL;
    }
    fclose(f);
    error = halsim_profile_parse(text, len, path, profile, why, sizeof why);
    if (error) {
        msg(err, err_size, "sim: %s", why);
    }
    free(text);
    return error;
}

/* ---------------------------------------------------------------------
 * Sockets and the thread.
 * --------------------------------------------------------------------- */

/* The model's output: a send() on the chip port's socket. */
static int
sim_send(uint32_t chip_port, const uint8_t *frame, size_t len, void *aux)
{
    struct nicflow_hal_dev *dev = aux;

    return send(dev->ports[chip_port - 1].fd, frame, len, MSG_DONTWAIT)
                   == (ssize_t) len
               ? 0
           : errno ? errno
                   : EIO;
}

/* Opens PORT's socket: raw frames of every protocol, not the ones sent
 * out of the port (or the sim would see its own output as input), with
 * the VLAN tag the kernel strips reported in auxiliary data. */
static int
open_socket(struct sim_port *port, char *err, size_t err_size)
{
    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET,
        .sll_protocol = htons(ETH_P_ALL),
        .sll_ifindex = port->ifindex,
    };
    int one = 1, error;

    port->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
                      htons(ETH_P_ALL));
    if (port->fd < 0) {
        error = errno;
        msg(err, err_size, "sim: port %s: AF_PACKET socket: %s", port->name,
            strerror(error));
        return EIO;
    }
    if (setsockopt(port->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
                   sizeof one)
        || setsockopt(port->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one)
        || bind(port->fd, (struct sockaddr *) &sll, sizeof sll)) {
        error = errno;
        msg(err, err_size, "sim: port %s: socket setup: %s", port->name,
            strerror(error));
        close(port->fd);
        port->fd = -1;
        return EIO;
    }
    return 0;
}

/* Whether PORT's netdev is up with a carrier. */
static bool
link_up(const struct sim_port *port)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    /* Port names are shorter than IF_NAMESIZE (parse_ports()). */
    memcpy(ifr.ifr_name, port->name, IF_NAMESIZE - 1);
    return port->fd >= 0 && !ioctl(port->fd, SIOCGIFFLAGS, &ifr)
           && (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
}

static void
report(struct nicflow_hal_dev *dev, const struct nicflow_hal_event *ev)
{
    pthread_mutex_lock(&dev->ev_lock);
    if (dev->ev_cb) {
        dev->ev_cb(ev, dev->ev_aux);
    }
    pthread_mutex_unlock(&dev->ev_lock);
}

/* Reports TABLE_FULL queued by acl_add and link changes, from the
 * thread: the callback may not run inside a call nicflow makes. */
static void
report_events(struct nicflow_hal_dev *dev, uint64_t *next_link_check)
{
    unsigned full = atomic_exchange(&dev->table_full, 0);

    for (uint32_t t = NICFLOW_HAL_T_ACL; t <= NICFLOW_HAL_T_TUNNEL_DECAPS;
         t++) {
        if (full & (1u << t)) {
            report(dev, &(struct nicflow_hal_event){
                            .type = NICFLOW_HAL_EV_TABLE_FULL, .table = t });
        }
    }
    if (now_ns() < *next_link_check) {
        return;
    }
    *next_link_check = now_ns() + SIM_LINK_CHECK_NS;
    for (size_t i = 0; i < dev->n_ports; i++) {
        bool up = link_up(&dev->ports[i]);

        if (up != dev->ports[i].link_up) {
            dev->ports[i].link_up = up;
            report(dev, &(struct nicflow_hal_event){
                            .type = up ? NICFLOW_HAL_EV_LINK_UP
                                       : NICFLOW_HAL_EV_LINK_DOWN,
                            .chip_port = i + 1 });
        }
    }
}

/* Reads one frame from chip port I and runs it through the model;
 * returns false when the socket has nothing more. */
static bool
handle_frame(struct nicflow_hal_dev *dev, size_t i)
{
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    } ctl;
    struct iovec iov = { dev->buf + 4, SIM_FRAME_MAX };
    struct msghdr mh = { .msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = &ctl,
                         .msg_controllen = sizeof ctl };
    uint8_t *frame = dev->buf + 4;
    ssize_t n = recvmsg(dev->ports[i].fd, &mh, MSG_DONTWAIT | MSG_TRUNC);
    size_t len;

    if (n < 0) {
        return false;
    }
    if (n > SIM_FRAME_MAX || n < 12) {
        return true; /* Truncated or runt: not a frame the model takes. */
    }
    len = n;
    /* Put back the 802.1Q tag the kernel took out, so that the model
     * (and the host) see the frame as it was on the wire. */
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        struct tpacket_auxdata aux;

        if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA
            || c->cmsg_len < CMSG_LEN(sizeof aux)) {
            continue;
        }
        memcpy(&aux, CMSG_DATA(c), sizeof aux);
        if (aux.tp_status & TP_STATUS_VLAN_VALID) {
            uint16_t tpid = aux.tp_status & TP_STATUS_VLAN_TPID_VALID
                                ? aux.tp_vlan_tpid
                                : 0x8100;
            memmove(dev->buf, frame, 12);
            frame = dev->buf;
            frame[12] = tpid >> 8;
            frame[13] = tpid;
            frame[14] = aux.tp_vlan_tci >> 8;
            frame[15] = aux.tp_vlan_tci;
            len += 4;
        }
    }

    size_t room = dev->buf + sizeof dev->buf - frame;
    pthread_mutex_lock(&dev->lock);
    enum halsim_verdict v =
        halsim_process(dev->sim, i + 1, frame, len, room, now_ns());
    pthread_mutex_unlock(&dev->lock);
    if (v == HALSIM_HOST) {
        pthread_mutex_lock(&dev->rx_lock);
        if (dev->rx_cb) {
            dev->rx_cb(i + 1, frame, len, dev->rx_aux);
        }
        pthread_mutex_unlock(&dev->rx_lock);
    }
    return true;
}

static void *
sim_thread(void *dev_)
{
    struct nicflow_hal_dev *dev = dev_;
    struct pollfd pfds[SIM_MAX_PORTS + 1];
    uint64_t next_link_check = 0;

    for (size_t i = 0; i < dev->n_ports; i++) {
        pfds[i] = (struct pollfd){ .fd = dev->ports[i].fd, .events = POLLIN };
    }
    pfds[dev->n_ports] =
        (struct pollfd){ .fd = dev->stop_fd, .events = POLLIN };
    for (;;) {
        int n = poll(pfds, dev->n_ports + 1, SIM_POLL_MS);

        if (n < 0 && errno != EINTR) {
            break;
        }
        if (pfds[dev->n_ports].revents || atomic_load(&dev->stop)) {
            break;
        }
        for (size_t i = 0; n > 0 && i < dev->n_ports; i++) {
            /* A bounded batch per port, so one busy port cannot starve
             * the others; an error (the netdev went down) is read and
             * cleared by recvmsg(). */
            for (int k = 0; pfds[i].revents && k < 64; k++) {
                if (!handle_frame(dev, i)) {
                    break;
                }
            }
        }
        report_events(dev, &next_link_check);
    }
    return NULL;
}

/* ---------------------------------------------------------------------
 * The operations.
 * --------------------------------------------------------------------- */

static void sim_close(struct nicflow_hal_dev *dev);

static int
sim_open(const char *args_text, struct nicflow_hal_dev **devp, char *err,
         size_t err_size)
{
    struct nicflow_hal_dev *dev = NULL;
    struct halsim_profile profile;
    const char *names[SIM_MAX_PORTS];
    struct sim_args *args = malloc(sizeof *args);
    int error;

    *devp = NULL;
    if (!args) {
        msg(err, err_size, "sim: out of memory");
        return ENOMEM;
    }
    error = parse_args(args_text, args, err, err_size);
    error =
        error ? error : load_profile(args->profile, &profile, err, err_size);
    if (error) {
        goto out_free_args;
    }
    dev = calloc(1, sizeof *dev);
    if (!dev) {
        msg(err, err_size, "sim: out of memory");
        error = ENOMEM;
        goto out_free_args;
    }
    pthread_mutex_init(&dev->lock, NULL);
    pthread_mutex_init(&dev->rx_lock, NULL);
    pthread_mutex_init(&dev->ev_lock, NULL);
    dev->stop_fd = -1;
    dev->n_ports = args->n_ports;
    for (size_t i = 0; i < args->n_ports; i++) {
        struct sim_port *port = &dev->ports[i];

        snprintf(port->name, sizeof port->name, "%s", args->ports[i]);
        port->fd = -1;
        names[i] = port->name;
        port->ifindex = if_nametoindex(port->name);
        if (!port->ifindex && !error) {
            msg(err, err_size,
                "sim: no netdev %s in this network namespace (hal-args "
                "ports=)",
                port->name);
            error = ENODEV;
        }
    }
    error = error ? error
                  : halsim_create(&profile, &args->sizes, args->device, names,
                                  args->n_ports, sim_send, dev, &dev->sim);
    if (error == ENOMEM) {
        msg(err, err_size, "sim: out of memory");
    }
    for (size_t i = 0; !error && i < dev->n_ports; i++) {
        error = open_socket(&dev->ports[i], err, err_size);
        dev->ports[i].link_up = !error && link_up(&dev->ports[i]);
    }
    if (!error) {
        dev->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (dev->stop_fd < 0) {
            msg(err, err_size, "sim: eventfd: %s", strerror(errno));
            error = EIO;
        }
    }
    if (!error) {
        error = pthread_create(&dev->thread, NULL, sim_thread, dev);
        if (error) {
            msg(err, err_size, "sim: thread: %s", strerror(error));
            error = EIO;
        }
        dev->thread_started = !error;
    }
    if (error) {
        sim_close(dev);
        goto out_free_args;
    }
    *devp = dev;

out_free_args:
    free(args);
    return error;
}

static void
sim_close(struct nicflow_hal_dev *dev)
{
    if (!dev) {
        return;
    }
    if (dev->thread_started) {
        uint64_t one = 1;

        /* The flag stops the thread within one poll timeout even if the
         * wake-up write were to fail. */
        atomic_store(&dev->stop, true);
        if (write(dev->stop_fd, &one, sizeof one) != sizeof one) {
            /* Nothing to do: see above. */
        }
        pthread_join(dev->thread, NULL);
    }
    if (dev->stop_fd >= 0) {
        close(dev->stop_fd);
    }
    for (size_t i = 0; i < dev->n_ports; i++) {
        if (dev->ports[i].fd >= 0) {
            close(dev->ports[i].fd);
        }
    }
    halsim_destroy(dev->sim);
    pthread_mutex_destroy(&dev->lock);
    pthread_mutex_destroy(&dev->rx_lock);
    pthread_mutex_destroy(&dev->ev_lock);
    free(dev);
}

static int
sim_get_caps(struct nicflow_hal_dev *dev, struct nicflow_hal_caps *caps,
             char *err, size_t err_size)
{
    if (caps->struct_size != sizeof *caps) {
        msg(err, err_size, "sim: caps of %u bytes, expected %zu",
            caps->struct_size, sizeof *caps);
        return EINVAL;
    }
    /* The caps depend on the profile only, which never changes. */
    halsim_get_caps(dev->sim, caps);
    return 0;
}

static int
sim_port_list(struct nicflow_hal_dev *dev, struct nicflow_hal_port *ports,
              size_t max, size_t *n, char *err, size_t err_size)
{
    *n = dev->n_ports;
    for (size_t i = 0; i < dev->n_ports && i < max; i++) {
        memset(&ports[i], 0, sizeof ports[i]);
        ports[i].chip_port = i + 1;
        snprintf(ports[i].name, sizeof ports[i].name, "%s",
                 dev->ports[i].name);
        ports[i].flags =
            link_up(&dev->ports[i]) ? NICFLOW_HAL_PORT_LINK_UP : 0;
    }
    return 0;
}

/* Queues a TABLE_FULL event of TABLE for the thread to report: the
 * callback may not run within a call nicflow makes. */
static void
table_full(struct nicflow_hal_dev *dev, uint32_t table)
{
    atomic_fetch_or(&dev->table_full, 1u << table);
}

static int
sim_acl_add(struct nicflow_hal_dev *dev,
            const struct nicflow_hal_acl_entry *entries, size_t n,
            struct nicflow_hal_status *status, char *err, size_t err_size)
{
    bool full = false;

    pthread_mutex_lock(&dev->lock);
    for (size_t i = 0; i < n; i++) {
        full |= halsim_acl_add(dev->sim, &entries[i], &status[i]) == ENOSPC;
    }
    pthread_mutex_unlock(&dev->lock);
    if (full) {
        table_full(dev, NICFLOW_HAL_T_ACL);
    }
    return 0;
}

static int
sim_acl_del(struct nicflow_hal_dev *dev, const uint64_t *ids, size_t n,
            struct nicflow_hal_status *status, char *err, size_t err_size)
{
    pthread_mutex_lock(&dev->lock);
    for (size_t i = 0; i < n; i++) {
        halsim_acl_del(dev->sim, ids[i], &status[i]);
    }
    pthread_mutex_unlock(&dev->lock);
    return 0;
}

static int
sim_counter_alloc(struct nicflow_hal_dev *dev, uint32_t *id, char *err,
                  size_t err_size)
{
    pthread_mutex_lock(&dev->lock);
    int error = halsim_counter_alloc(dev->sim, id, err, err_size);
    pthread_mutex_unlock(&dev->lock);
    return error;
}

static int
sim_counter_read(struct nicflow_hal_dev *dev, const uint32_t *ids, size_t n,
                 struct nicflow_hal_counter *values,
                 struct nicflow_hal_status *status, char *err, size_t err_size)
{
    pthread_mutex_lock(&dev->lock);
    for (size_t i = 0; i < n; i++) {
        memset(&status[i], 0, sizeof status[i]);
        status[i].error = halsim_counter_read(dev->sim, ids[i], &values[i]);
        if (status[i].error) {
            msg(status[i].msg, sizeof status[i].msg, "sim: no counter %u",
                ids[i]);
        }
    }
    pthread_mutex_unlock(&dev->lock);
    return 0;
}

static void
sim_counter_free(struct nicflow_hal_dev *dev, uint32_t id)
{
    pthread_mutex_lock(&dev->lock);
    halsim_counter_free(dev->sim, id);
    pthread_mutex_unlock(&dev->lock);
}

static int
sim_meter_set(struct nicflow_hal_dev *dev, uint32_t id,
              const struct nicflow_hal_meter *meter, char *err,
              size_t err_size)
{
    pthread_mutex_lock(&dev->lock);
    int error = halsim_meter_set(dev->sim, id, meter, now_ns(), err, err_size);
    pthread_mutex_unlock(&dev->lock);
    return error;
}

static void
sim_meter_del(struct nicflow_hal_dev *dev, uint32_t id)
{
    pthread_mutex_lock(&dev->lock);
    halsim_meter_del(dev->sim, id);
    pthread_mutex_unlock(&dev->lock);
}

/* The batch calls of the other tables: each entry under the lock, and a
 * TABLE_FULL of TABLE (0: none) queued if one found the table full. */
#define SIM_BATCH(NAME, TYPE, TABLE)                                        \
    static int sim_##NAME(struct nicflow_hal_dev *dev, const TYPE *entries, \
                          size_t n, struct nicflow_hal_status *status,      \
                          char *err, size_t err_size)                       \
    {                                                                       \
        bool full = false;                                                  \
                                                                            \
        (void) err, (void) err_size;                                        \
        pthread_mutex_lock(&dev->lock);                                     \
        for (size_t i = 0; i < n; i++) {                                    \
            full |=                                                         \
                halsim_##NAME(dev->sim, &entries[i], &status[i]) == ENOSPC; \
        }                                                                   \
        pthread_mutex_unlock(&dev->lock);                                   \
        if (full && (TABLE)) {                                              \
            table_full(dev, (TABLE));                                       \
        }                                                                   \
        return 0;                                                           \
    }

SIM_BATCH(port_vlan_add, struct nicflow_hal_port_vlan,
          NICFLOW_HAL_T_PORT_VLANS)
SIM_BATCH(port_vlan_del, struct nicflow_hal_port_vlan, 0)
SIM_BATCH(fdb_add, struct nicflow_hal_fdb_entry, NICFLOW_HAL_T_FDB)
SIM_BATCH(fdb_del, struct nicflow_hal_fdb_entry, 0)
SIM_BATCH(tunnel_decap_add, struct nicflow_hal_tunnel_decap,
          NICFLOW_HAL_T_TUNNEL_DECAPS)
SIM_BATCH(tunnel_decap_del, struct nicflow_hal_tunnel_decap, 0)
SIM_BATCH(route_del, struct nicflow_hal_route, 0)

/* route_add by hand: a full table is the host table or the route table
 * by the entry's prefix length. */
static int
sim_route_add(struct nicflow_hal_dev *dev,
              const struct nicflow_hal_route *routes, size_t n,
              struct nicflow_hal_status *status, char *err, size_t err_size)
{
    bool hosts_full = false, routes_full = false;

    pthread_mutex_lock(&dev->lock);
    for (size_t i = 0; i < n; i++) {
        if (halsim_route_add(dev->sim, &routes[i], &status[i]) == ENOSPC) {
            bool host =
                routes[i].prefix_len == (routes[i].family == 4 ? 32 : 128);

            hosts_full |= host;
            routes_full |= !host;
        }
    }
    pthread_mutex_unlock(&dev->lock);
    if (hosts_full) {
        table_full(dev, NICFLOW_HAL_T_L3_HOSTS);
    }
    if (routes_full) {
        table_full(dev, NICFLOW_HAL_T_L3_ROUTES);
    }
    return 0;
}

static int
sim_l3_config(struct nicflow_hal_dev *dev,
              const struct nicflow_hal_l3_config *config, char *err,
              size_t err_size)
{
    pthread_mutex_lock(&dev->lock);
    int error = halsim_l3_config(dev->sim, config, err, err_size);
    pthread_mutex_unlock(&dev->lock);
    return error;
}

static int
sim_nexthop_set(struct nicflow_hal_dev *dev, uint32_t id,
                const struct nicflow_hal_nexthop *nexthop, char *err,
                size_t err_size)
{
    pthread_mutex_lock(&dev->lock);
    int error = halsim_nexthop_set(dev->sim, id, nexthop, err, err_size);
    pthread_mutex_unlock(&dev->lock);
    return error;
}

static int
sim_nexthop_del(struct nicflow_hal_dev *dev, uint32_t id, char *err,
                size_t err_size)
{
    pthread_mutex_lock(&dev->lock);
    int error = halsim_nexthop_del(dev->sim, id, err, err_size);
    pthread_mutex_unlock(&dev->lock);
    return error;
}

static int
sim_tunnel_encap_set(struct nicflow_hal_dev *dev, uint32_t id,
                     const struct nicflow_hal_tunnel_encap *encap, char *err,
                     size_t err_size)
{
    pthread_mutex_lock(&dev->lock);
    int error = halsim_tunnel_encap_set(dev->sim, id, encap, err, err_size);
    pthread_mutex_unlock(&dev->lock);
    return error;
}

static int
sim_tunnel_encap_del(struct nicflow_hal_dev *dev, uint32_t id, char *err,
                     size_t err_size)
{
    pthread_mutex_lock(&dev->lock);
    int error = halsim_tunnel_encap_del(dev->sim, id, err, err_size);
    pthread_mutex_unlock(&dev->lock);
    return error;
}

static int
sim_events_register(struct nicflow_hal_dev *dev, nicflow_hal_event_cb *cb,
                    void *aux, char *err, size_t err_size)
{
    pthread_mutex_lock(&dev->ev_lock);
    dev->ev_cb = cb;
    dev->ev_aux = aux;
    pthread_mutex_unlock(&dev->ev_lock);
    return 0;
}

static int
sim_rx_register(struct nicflow_hal_dev *dev, nicflow_hal_rx_cb *cb, void *aux,
                char *err, size_t err_size)
{
    /* RX_LOCK is held across every receiver call: once we hold it, no
     * call of the old receiver is running, and none starts later. */
    pthread_mutex_lock(&dev->rx_lock);
    dev->rx_cb = cb;
    dev->rx_aux = aux;
    pthread_mutex_unlock(&dev->rx_lock);
    return 0;
}

static int
sim_port_stats(struct nicflow_hal_dev *dev, uint32_t chip_port,
               struct nicflow_hal_port_stats *stats, char *err,
               size_t err_size)
{
    pthread_mutex_lock(&dev->lock);
    int error = halsim_port_stats(dev->sim, chip_port, stats);
    pthread_mutex_unlock(&dev->lock);
    if (error) {
        msg(err, err_size, "sim: no chip port %u", chip_port);
    }
    return error;
}

static const struct nicflow_hal_ops sim_ops = {
    .abi_version = NICFLOW_HAL_ABI_VERSION,
    .struct_size = sizeof(struct nicflow_hal_ops),
    .name = "sim",
    .open = sim_open,
    .close = sim_close,
    .get_caps = sim_get_caps,
    .port_list = sim_port_list,
    .acl_add = sim_acl_add,
    .acl_del = sim_acl_del,
    /* The calls of tables that the args or the profile leave out stay
     * set and return EOPNOTSUPP; their caps say the table is missing. */
    .fdb_add = sim_fdb_add,
    .fdb_del = sim_fdb_del,
    .counter_alloc = sim_counter_alloc,
    .counter_read = sim_counter_read,
    .counter_free = sim_counter_free,
    .meter_set = sim_meter_set,
    .meter_del = sim_meter_del,
    .events_register = sim_events_register,
    .port_vlan_add = sim_port_vlan_add,
    .port_vlan_del = sim_port_vlan_del,
    .l3_config = sim_l3_config,
    .nexthop_set = sim_nexthop_set,
    .nexthop_del = sim_nexthop_del,
    .route_add = sim_route_add,
    .route_del = sim_route_del,
    .tunnel_encap_set = sim_tunnel_encap_set,
    .tunnel_encap_del = sim_tunnel_encap_del,
    .tunnel_decap_add = sim_tunnel_decap_add,
    .tunnel_decap_del = sim_tunnel_decap_del,
    .rx_register = sim_rx_register,
    .port_stats = sim_port_stats,
};

__attribute__((visibility("default"))) const struct nicflow_hal_ops *
nicflow_hal_entry(void)
{
    return &sim_ops;
}
