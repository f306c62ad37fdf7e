/* tcf-driver: drives the tc flower provider (tc-flower/tcf-provider.h)
 * directly, the way the offload manager would, from a small command
 * language, for tests/vm/t-tcf-provider.sh, t-tcf-tunnel.sh and
 * t-tcf-geneve-opts.sh (inside the VM lab, which has cls_flower).  A
 * tunnel port is declared with its type ("port-add vxlan_sys_4789 2
 * type=vxlan"), as nicflowd's tunnel vports are.  It plays the manager's part: it owns the ports (and so
 * provides offload_port_lookup()), calls the provider class's members and
 * prints what they answer.
 *
 * Commands, one per line on stdin (or each argument after "-c" is one
 * line); '#' starts a comment:
 *
 *   init [tc-policy=P] [max-rules=N]   init() (policy none, skip_sw, skip_hw)
 *   policy P                           set_config() with tc-policy P
 *   port NAME ODP [type=T] [internal] [max-rules=N]
 *                                      declare a port (ifindex from its
 *                                      name; type=dummy: none)
 *   port-add NAME ODP [...]            declare it and port_add()
 *   port-del NAME                      port_del()
 *   describe NAME                      port_describe()
 *   put UFID KEY ACTIONS               flow_put() of one flow
 *   batch / commit                     puts between them go in one
 *                                      flow_put() call
 *   check KEY ACTIONS                  flow_check()
 *   del UFID                           flow_del()
 *   stats UFID...                      flow_stats() of the flows, one call
 *   reconcile NAME                     reconcile()
 *   flush                              flush()
 *   meter ID kbps|pktps RATE BURST [bands=N]
 *                                      meter_set() of datapath meter ID
 *                                      (BURST 0: none given; one band
 *                                      unless N says otherwise)
 *   meter-del ID                       meter_set() of ID with no meter
 *   destroy                            destroy()
 *   tap-hold NAME                      attach to the existing tap device
 *                                      NAME and hold its file descriptor
 *                                      without ever reading it, as
 *                                      nicflowd holds its tap ports' (a
 *                                      tap has carrier only while a file
 *                                      descriptor is attached, and mirred
 *                                      refuses a device without carrier)
 *   echo TEXT                          prints TEXT (a marker for a
 *                                      script reading the output)
 *   raw-dump NAME FILE                 dumps the filters of port NAME's
 *                                      hook on a socket of its own (not
 *                                      the provider's) and writes the
 *                                      first datagram of the reply to
 *                                      FILE after a byte 1: an input of
 *                                      tests/fuzz/fuzz-tcf-reply's dump
 *                                      mode (the request has sequence
 *                                      number 1, as that mode expects)
 *
 * KEY and ACTIONS are in the ovs-dpctl dump-flows syntax; KEY's in_port()
 * names the input port.  UFID is up to 32 hex digits, written into the
 * ufid's 16 bytes as a big-endian number, so that tc prints it back as the
 * cookie.  Each command prints one line ("put UFID: ok handle 0x...",
 * "put UFID: refused unsupported-action: tc: action ..."), stats and
 * reconcile one line per flow.  The exit status is 0 unless a command
 * could not be understood. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "include/nicflow/offload-provider.h"
#include "lib/buf.h"
#include "lib/flow.h"
#include "lib/util.h"
#include "softpath/odp.h"
#include "tc-flower/tcf-filter.h"
#include "tc-flower/tcf-msg.h"
#include "tc-flower/tcf-provider.h"

#define MAX_PORTS 16
#define MAX_FLOWS 256
#define MAX_BATCH 64

static struct offload_port ports[MAX_PORTS];
static char port_types[MAX_PORTS][16];
static size_t n_ports;

/* What the driver knows of each flow it put: the handle for del/stats. */
static struct {
    struct offload_ufid ufid;
    struct offload_port *port;
    uint64_t handle;
} flows[MAX_FLOWS];
static size_t n_flows;

static const struct offload_provider_class *cls = &tcf_provider_class;
static void *ctx;
static char policy[16] = "none";
static unsigned max_rules;

/* The manager's lookup, over the driver's ports. */
const struct offload_port *
offload_port_lookup(uint32_t odp_port)
{
    for (size_t i = 0; i < n_ports; i++) {
        if (ports[i].odp_port == odp_port) {
            return &ports[i];
        }
    }
    return NULL;
}

static struct offload_port *
port_by_name(const char *name)
{
    for (size_t i = 0; i < n_ports; i++) {
        if (!strcmp(ports[i].name, name)) {
            return &ports[i];
        }
    }
    return NULL;
}

static int
parse_ufid(const char *s, struct offload_ufid *ufid)
{
    uint8_t bytes[16] = { 0 };
    size_t n = strlen(s);

    if (!n || n > 32 || strspn(s, "0123456789abcdefABCDEF") != n) {
        return EINVAL;
    }
    /* Right-aligned: the last digit is the low nibble of byte 15. */
    for (size_t i = 0; i < n; i++) {
        char c = s[n - 1 - i];
        int v = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
        bytes[15 - i / 2] |= v << (i % 2 ? 4 : 0);
    }
    memcpy(ufid, bytes, sizeof *ufid);
    return 0;
}

static const char *
ufid_str(const struct offload_ufid *ufid)
{
    static char s[33];
    const uint8_t *b = (const uint8_t *) ufid;

    for (int i = 0; i < 16; i++) {
        snprintf(s + 2 * i, 3, "%02x", b[i]);
    }
    return s;
}

static size_t
flow_index(const struct offload_ufid *ufid)
{
    for (size_t i = 0; i < n_flows; i++) {
        if (!memcmp(&flows[i].ufid, ufid, sizeof *ufid)) {
            return i;
        }
    }
    return SIZE_MAX;
}

static void
remember(const struct offload_ufid *ufid, struct offload_port *port,
         uint64_t handle)
{
    size_t i = flow_index(ufid);

    if (i == SIZE_MAX) {
        if (n_flows >= MAX_FLOWS) {
            nf_fatal(0, "too many flows");
        }
        i = n_flows++;
    }
    flows[i].ufid = *ufid;
    flows[i].port = port;
    flows[i].handle = handle;
}

static void
forget(size_t i)
{
    flows[i] = flows[--n_flows];
}

static void
apply_config(void)
{
    struct offload_global_config cfg = { policy, max_rules };

    cls->set_config(&cfg);
}

/* Options "key=value" and flags after the fixed arguments. */
static int
parse_opts(char **args, int n, struct offload_port *port)
{
    for (int i = 0; i < n; i++) {
        long long v;
        if (port && nf_str_prefix(args[i], "type=")) {
            size_t idx = port - ports;
            snprintf(port_types[idx], sizeof port_types[idx], "%s",
                     args[i] + 5);
            port->type = port_types[idx];
        } else if (port && !strcmp(args[i], "internal")) {
            port->internal = true;
        } else if (nf_str_prefix(args[i], "max-rules=")
                   && !nf_parse_int(args[i] + 10, 0, UINT32_MAX, &v)) {
            if (port) {
                port->max_rules = v;
            } else {
                max_rules = v;
            }
        } else if (!port && nf_str_prefix(args[i], "tc-policy=")) {
            snprintf(policy, sizeof policy, "%s", args[i] + 10);
        } else {
            fprintf(stderr, "tcf-driver: unknown option %s\n", args[i]);
            return EINVAL;
        }
    }
    return 0;
}

static struct offload_port *
declare_port(char **args, int n)
{
    long long odp;

    if (n < 2 || nf_parse_int(args[1], 0, UINT32_MAX, &odp)
        || n_ports >= MAX_PORTS) {
        return NULL;
    }
    struct offload_port *p = port_by_name(args[0]);
    if (!p) {
        p = &ports[n_ports++];
        memset(p, 0, sizeof *p);
        snprintf(p->name, sizeof p->name, "%s", args[0]);
        strcpy(port_types[p - ports], "afpacket");
        p->type = port_types[p - ports];
    }
    p->odp_port = odp;
    if (parse_opts(args + 2, n - 2, p)) {
        return NULL;
    }
    p->ifindex = strcmp(p->type, "dummy") ? (int) if_nametoindex(p->name) : 0;
    return p;
}

/* Parses KEY and ACTIONS into OF (with the buffers and flows it points
 * to). */
static int
parse_flow(const char *key_s, const char *acts_s, struct offload_flow *of,
           struct buf *key, struct buf *mask, struct buf *acts,
           struct flow *flow, struct flow *fmask)
{
    char *err = NULL;

    if (odp_flow_from_string(key_s, key, mask, &err)
        || odp_key_to_flow(key->data, key->len, flow, &err)
        || odp_mask_to_flow(mask->data, mask->len, fmask, &err)
        || odp_actions_from_string(acts_s, acts, &err)) {
        fprintf(stderr, "tcf-driver: %s\n", err ? err : "bad flow");
        free(err);
        return EINVAL;
    }
    memset(&of->ufid, 0, sizeof of->ufid);
    of->in_port = offload_port_lookup(flow->in_port);
    of->key = key->data;
    of->key_len = key->len;
    of->mask = mask->data;
    of->mask_len = mask->len;
    of->actions = acts->data;
    of->actions_len = acts->len;
    of->flow = flow;
    of->flow_mask = fmask;
    if (!of->in_port) {
        fprintf(stderr, "tcf-driver: in_port %" PRIu32 " is no port\n",
                flow->in_port);
        return EINVAL;
    }
    return 0;
}

/* A batch of puts. */
struct pending {
    struct offload_flow of;
    struct buf key, mask, acts;
    struct flow flow, fmask;
};
static struct pending batch[MAX_BATCH];
static size_t n_batch;
static bool batching;

static void
commit(void)
{
    static struct offload_flow ofs[MAX_BATCH];
    static struct offload_put_result results[MAX_BATCH];

    for (size_t i = 0; i < n_batch; i++) {
        ofs[i] = batch[i].of;
    }
    cls->flow_put(ctx, ofs, n_batch, results);
    for (size_t i = 0; i < n_batch; i++) {
        const char *u = ufid_str(&ofs[i].ufid);
        if (!results[i].error) {
            printf("put %s: ok handle %#" PRIx64 "\n", u, results[i].handle);
            remember(&ofs[i].ufid, (struct offload_port *) ofs[i].in_port,
                     results[i].handle);
        } else {
            printf("put %s: refused %s: %s\n", u,
                   offload_reason_code_name(results[i].reason.code),
                   results[i].reason.msg);
        }
        buf_destroy(&batch[i].key);
        buf_destroy(&batch[i].mask);
        buf_destroy(&batch[i].acts);
    }
    n_batch = 0;
}

static int
cmd_put(char **args, int n)
{
    struct pending *p;

    if (n != 3 || n_batch >= MAX_BATCH) {
        return EINVAL;
    }
    p = &batch[n_batch];
    memset(p, 0, sizeof *p);
    if (parse_flow(args[1], args[2], &p->of, &p->key, &p->mask, &p->acts,
                   &p->flow, &p->fmask)
        || parse_ufid(args[0], &p->of.ufid)) {
        buf_destroy(&p->key);
        buf_destroy(&p->mask);
        buf_destroy(&p->acts);
        return EINVAL;
    }
    n_batch++;
    if (!batching) {
        commit();
    }
    return 0;
}

static int
cmd_check(char **args, int n)
{
    struct buf key = BUF_INITIALIZER, mask = BUF_INITIALIZER;
    struct buf acts = BUF_INITIALIZER;
    struct flow flow, fmask;
    struct offload_flow of;
    struct offload_reason why;
    int error;

    if (n != 2) {
        return EINVAL;
    }
    error =
        parse_flow(args[0], args[1], &of, &key, &mask, &acts, &flow, &fmask);
    if (!error) {
        memset(&why, 0, sizeof why);
        if (cls->flow_check(ctx, &of, &why)) {
            printf("check: refused %s: %s\n",
                   offload_reason_code_name(why.code), why.msg);
        } else {
            printf("check: ok\n");
        }
    }
    buf_destroy(&key);
    buf_destroy(&mask);
    buf_destroy(&acts);
    return error;
}

static int
cmd_del(char **args, int n)
{
    struct offload_ufid ufid;
    struct offload_stats st;
    int error;

    if (n != 1 || parse_ufid(args[0], &ufid)) {
        return EINVAL;
    }
    size_t i = flow_index(&ufid);
    if (i == SIZE_MAX) {
        printf("del %s: unknown to the driver\n", ufid_str(&ufid));
        return 0;
    }
    const struct offload_port *port = flows[i].port;
    cls->flow_del(ctx, &port, &ufid, &flows[i].handle, 1, &st, &error);
    if (error) {
        printf("del %s: error %s\n", ufid_str(&ufid), nf_strerror(error));
    } else {
        printf("del %s: ok packets=%" PRIu64 " bytes=%" PRIu64 "\n",
               ufid_str(&ufid), st.n_packets, st.n_bytes);
    }
    forget(i);
    return 0;
}

static int
cmd_stats(char **args, int n)
{
    const struct offload_port *pv[MAX_FLOWS] = { 0 };
    struct offload_ufid uv[MAX_FLOWS];
    uint64_t hv[MAX_FLOWS] = { 0 };
    struct offload_stats sv[MAX_FLOWS];
    int ev[MAX_FLOWS];

    if (!n || n > MAX_FLOWS) {
        return EINVAL;
    }
    for (int k = 0; k < n; k++) {
        if (parse_ufid(args[k], &uv[k])) {
            return EINVAL;
        }
        size_t i = flow_index(&uv[k]);
        pv[k] = i == SIZE_MAX ? NULL : flows[i].port;
        hv[k] = i == SIZE_MAX ? 0 : flows[i].handle;
    }
    cls->flow_stats(ctx, pv, hv, n, sv, ev);
    for (int k = 0; k < n; k++) {
        if (ev[k]) {
            printf("stats %s: error %s\n", ufid_str(&uv[k]),
                   nf_strerror(ev[k]));
        } else {
            printf("stats %s: packets=%" PRIu64 " bytes=%" PRIu64 " used=%s\n",
                   ufid_str(&uv[k]), sv[k].n_packets, sv[k].n_bytes,
                   sv[k].used ? "yes" : "never");
        }
    }
    return 0;
}

static int
cmd_reconcile(char **args, int n)
{
    struct offload_port *port = n == 1 ? port_by_name(args[0]) : NULL;
    struct offload_found_rule *rules = NULL;
    size_t n_rules = 0;
    int error;

    if (!port) {
        return EINVAL;
    }
    error = cls->reconcile(ctx, port, &rules, &n_rules);
    if (error) {
        printf("reconcile %s: error %s\n", port->name, nf_strerror(error));
        return 0;
    }
    printf("reconcile %s: %zu\n", port->name, n_rules);
    for (size_t i = 0; i < n_rules; i++) {
        printf("found %s handle %#" PRIx64 "\n", ufid_str(&rules[i].ufid),
               rules[i].handle);
        remember(&rules[i].ufid, port, rules[i].handle);
    }
    free(rules);
    return 0;
}

/* Tap devices' file descriptors held by tap-hold. */
static int tap_fds[MAX_PORTS];
static size_t n_tap_fds;

static void
close_taps(void)
{
    while (n_tap_fds) {
        close(tap_fds[--n_tap_fds]);
    }
}

static int
cmd_tap_hold(char **args, int n)
{
    struct ifreq ifr;
    int fd;

    if (n != 1 || n_tap_fds >= MAX_PORTS) {
        return EINVAL;
    }
    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        printf("tap-hold %s: error /dev/net/tun: %s\n", args[0],
               nf_strerror(errno));
        return 0;
    }
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", args[0]);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        printf("tap-hold %s: error TUNSETIFF: %s\n", args[0],
               nf_strerror(errno));
        close(fd);
        return 0;
    }
    /* Kept open, never read, until the driver exits. */
    tap_fds[n_tap_fds++] = fd;
    printf("tap-hold %s: ok\n", args[0]);
    return 0;
}

static int
cmd_raw_dump(char **args, int n)
{
    static uint8_t buf[65536];
    struct offload_port *port = n == 2 ? port_by_name(args[0]) : NULL;
    struct mnl_socket *nl = NULL;
    FILE *file = NULL;
    uint8_t mode = 1;
    ssize_t got = -1;

    if (!port) {
        return EINVAL;
    }
    uint32_t parent = tcf_port_parent(port->type);
    size_t len =
        tcf_msg_dump_filters(buf, sizeof buf, 1, port->ifindex, parent, true);
    nl = mnl_socket_open(NETLINK_ROUTE);
    if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0
        || mnl_socket_sendto(nl, buf, len) < 0) {
        printf("raw-dump %s: error %s\n", port->name, nf_strerror(errno));
        goto close_socket;
    }
    got = mnl_socket_recvfrom(nl, buf, sizeof buf);
    if (got <= 0) {
        printf("raw-dump %s: error %s\n", port->name,
               got < 0 ? nf_strerror(errno) : "empty reply");
        goto close_socket;
    }
    file = fopen(args[1], "wb");
    if (!file || fwrite(&mode, 1, 1, file) != 1
        || fwrite(buf, 1, got, file) != (size_t) got) {
        printf("raw-dump %s: error %s: %s\n", port->name, args[1],
               nf_strerror(errno));
        goto close_file;
    }
    printf("raw-dump %s: %zd bytes\n", port->name, got);
close_file:
    if (file) {
        fclose(file);
    }
close_socket:
    if (nl) {
        mnl_socket_close(nl);
    }
    return 0;
}

/* meter ID kbps|pktps RATE BURST [bands=N]: meter_set() of datapath
 * meter ID, as the manager passes on a datapath meter (BURST 0: none
 * given). */
static int
cmd_meter(char **args, int n)
{
    struct offload_meter m = { .n_bands = 1 };
    unsigned long v[3];
    char *end;

    if (n < 4 || n > 5
        || (strcmp(args[1], "kbps") && strcmp(args[1], "pktps"))) {
        return EINVAL;
    }
    for (int i = 0; i < 3; i++) {
        v[i] = strtoul(args[i ? i + 1 : 0], &end, 0);
        if (*end || v[i] > UINT32_MAX) {
            return EINVAL;
        }
    }
    if (n == 5) {
        if (strncmp(args[4], "bands=", 6)) {
            return EINVAL;
        }
        m.n_bands = strtoul(args[4] + 6, &end, 0);
        if (*end) {
            return EINVAL;
        }
    }
    m.pktps = !strcmp(args[1], "pktps");
    m.rate = v[1];
    m.burst = v[2];
    cls->meter_set(v[0], &m);
    printf("meter %lu: ok\n", v[0]);
    return 0;
}

static int
run(char *line)
{
    char *args[16];
    int n = 0;

    line[strcspn(line, "#\n")] = '\0';
    for (char *save = NULL, *t = strtok_r(line, " \t", &save); t && n < 16;
         t = strtok_r(NULL, " \t", &save)) {
        args[n++] = t;
    }
    if (!n) {
        return 0;
    }
    const char *cmd = args[0];
    char **a = args + 1;
    int na = n - 1;
    struct offload_reason why;

    if (!strcmp(cmd, "init")) {
        char *err = NULL;
        struct offload_global_config cfg;
        if (parse_opts(a, na, NULL)) {
            return EINVAL;
        }
        cfg.tc_policy = policy;
        cfg.max_rules = max_rules;
        int error = cls->init(&cfg, &err);
        if (error) {
            printf("init: error %s\n", err ? err : nf_strerror(error));
            free(err);
            return 0;
        }
        ctx = cls->ctx_create();
        printf("init: ok\n");
    } else if (!strcmp(cmd, "policy")) {
        if (na != 1) {
            return EINVAL;
        }
        snprintf(policy, sizeof policy, "%s", a[0]);
        apply_config();
        printf("policy: %s\n", policy);
    } else if (!strcmp(cmd, "port") || !strcmp(cmd, "port-add")) {
        struct offload_port *p = declare_port(a, na);
        if (!p) {
            return EINVAL;
        }
        if (!strcmp(cmd, "port")) {
            printf("port %s: ifindex %d\n", p->name, p->ifindex);
            return 0;
        }
        memset(&why, 0, sizeof why);
        if (cls->port_probe(p, &why) || cls->port_add(p, &why)) {
            printf("port-add %s: refused %s: %s\n", p->name,
                   offload_reason_code_name(why.code), why.msg);
        } else {
            static const char *const flavours[] = {
                "none", "uplink", "pf", "vf", "sf", "other"
            };
            printf("port-add %s: ok (flavour %s, pf %d, vf %d, sf %d)\n",
                   p->name,
                   (unsigned) p->rep.flavour < ARRAY_SIZE(flavours)
                       ? flavours[p->rep.flavour]
                       : "?",
                   p->rep.pf, p->rep.vf, p->rep.sf);
        }
    } else if (!strcmp(cmd, "port-del")) {
        struct offload_port *p = na == 1 ? port_by_name(a[0]) : NULL;
        if (!p) {
            return EINVAL;
        }
        cls->port_del(p);
        for (size_t i = 0; i < n_flows;) {
            if (flows[i].port == p) {
                forget(i);
            } else {
                i++;
            }
        }
        printf("port-del %s: ok\n", p->name);
    } else if (!strcmp(cmd, "describe")) {
        struct offload_port *p = na == 1 ? port_by_name(a[0]) : NULL;
        char text[256];
        if (!p) {
            return EINVAL;
        }
        cls->port_describe(p, text, sizeof text);
        printf("describe %s: %s\n", p->name, text);
    } else if (!strcmp(cmd, "put")) {
        return cmd_put(a, na);
    } else if (!strcmp(cmd, "batch")) {
        batching = true;
    } else if (!strcmp(cmd, "commit")) {
        batching = false;
        commit();
    } else if (!strcmp(cmd, "check")) {
        return cmd_check(a, na);
    } else if (!strcmp(cmd, "del")) {
        return cmd_del(a, na);
    } else if (!strcmp(cmd, "stats")) {
        return cmd_stats(a, na);
    } else if (!strcmp(cmd, "reconcile")) {
        return cmd_reconcile(a, na);
    } else if (!strcmp(cmd, "flush")) {
        cls->flush(ctx);
        n_flows = 0;
        printf("flush: ok\n");
    } else if (!strcmp(cmd, "echo")) {
        for (int i = 0; i < na; i++) {
            printf("%s%s", i ? " " : "", a[i]);
        }
        printf("\n");
    } else if (!strcmp(cmd, "tap-hold")) {
        return cmd_tap_hold(a, na);
    } else if (!strcmp(cmd, "raw-dump")) {
        return cmd_raw_dump(a, na);
    } else if (!strcmp(cmd, "meter")) {
        return cmd_meter(a, na);
    } else if (!strcmp(cmd, "meter-del")) {
        char *end;
        unsigned long id = na == 1 ? strtoul(a[0], &end, 0) : 0;
        if (na != 1 || *end || id > UINT32_MAX) {
            return EINVAL;
        }
        cls->meter_set(id, NULL);
        printf("meter-del %lu: ok\n", id);
    } else if (!strcmp(cmd, "destroy")) {
        cls->ctx_destroy(ctx);
        ctx = NULL;
        cls->destroy();
        printf("destroy: ok\n");
    } else {
        return EINVAL;
    }
    return 0;
}

int
main(int argc, char *argv[])
{
    char line[4096];
    int status = 0;

    nf_set_program_name(argv[0]);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 2 && !strcmp(argv[1], "-c")) {
        for (int i = 2; i < argc; i++) {
            snprintf(line, sizeof line, "%s", argv[i]);
            if (run(line)) {
                fprintf(stderr, "tcf-driver: cannot run: %s\n", argv[i]);
                status = 2;
            }
        }
        close_taps();
        return status;
    }
    while (fgets(line, sizeof line, stdin)) {
        char copy[4096];
        snprintf(copy, sizeof copy, "%s", line);
        if (run(line)) {
            fprintf(stderr, "tcf-driver: cannot run: %s", copy);
            status = 2;
        }
    }
    close_taps();
    return status;
}
