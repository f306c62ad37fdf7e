/* tnl-port.c: tunnel interface options, outer headers and the shared
 * tunnel vports (see tnl-port.h). */
#include "vswitchd/tnl-port.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "offload/offload.h"
#include "softpath/dpif.h"
#include "softpath/netdev.h"
#include "softpath/odp.h"

VLOG_DEFINE_THIS_MODULE(tnl_port);

#define TNL_DEFAULT_TTL 64
#define IP_DSCP_MASK 0xfc

/* ---------------------------------------------------------------------
 * Types.
 * --------------------------------------------------------------------- */

static const struct {
    const char *name;
    uint32_t type;
    uint16_t default_port;
    const char *vport_prefix; /* Open vSwitch's datapath port names. */
} tnl_types[] = {
    { "geneve", ODP_TNL_TYPE_GENEVE, NETDEV_GENEVE_DST_PORT, "genev_sys" },
    { "gre", ODP_TNL_TYPE_GRE, 0, "gre_sys" },
    { "vxlan", ODP_TNL_TYPE_VXLAN, NETDEV_VXLAN_DST_PORT, "vxlan_sys" },
};

static int
tnl_type_index(uint32_t type)
{
    for (size_t i = 0; i < ARRAY_SIZE(tnl_types); i++) {
        if (tnl_types[i].type == type) {
            return (int) i;
        }
    }
    return -1;
}

uint32_t
tnl_port_type_from_name(const char *type)
{
    for (size_t i = 0; type && i < ARRAY_SIZE(tnl_types); i++) {
        if (!strcmp(tnl_types[i].name, type)) {
            return tnl_types[i].type;
        }
    }
    return 0;
}

const char *
tnl_port_type_name(uint32_t type)
{
    int i = tnl_type_index(type);
    return i < 0 ? "?" : tnl_types[i].name;
}

/* ---------------------------------------------------------------------
 * Options.
 * --------------------------------------------------------------------- */

static void
v4_mapped(uint32_t be32, struct in6_addr *a)
{
    memset(a, 0, sizeof *a);
    a->s6_addr[10] = a->s6_addr[11] = 0xff;
    memcpy(&a->s6_addr[12], &be32, 4);
}

static bool
is_v4_mapped(const struct in6_addr *a)
{
    static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };
    return !memcmp(a->s6_addr, prefix, sizeof prefix);
}

static uint32_t
v4_of(const struct in6_addr *a)
{
    uint32_t be32;
    memcpy(&be32, &a->s6_addr[12], 4);
    return be32;
}

/* Parses an IPv4 or IPv6 address into *A (IPv4-mapped for IPv4). */
static bool
parse_ip(const char *s, struct in6_addr *a)
{
    struct in_addr v4;

    if (inet_pton(AF_INET, s, &v4) == 1) {
        v4_mapped(v4.s_addr, a);
        return true;
    }
    return inet_pton(AF_INET6, s, a) == 1;
}

/* Parses a key: "flow" sets *FLOW, a number (decimal or 0x hex) *KEY. */
static bool
parse_key(const char *s, bool *flow, bool *present, uint64_t *key)
{
    char *end;

    if (!strcmp(s, "flow")) {
        *flow = true;
        *present = false;
        return true;
    }
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || *s == '-') {
        return false;
    }
    *flow = false;
    *present = true;
    *key = v;
    return true;
}

static int NF_PRINTF(2, 3) cfg_error(char **errp, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    char *msg = xvasprintf(fmt, args);
    va_end(args);
    nf_give_error(errp, msg);
    return EINVAL;
}

/* Reads one option KEY=VALUE into CFG. */
static int
cfg_option(const char *name, const char *type, const char *key,
           const char *value, struct tnl_port_cfg *cfg, bool *have_key,
           char **errp)
{
    if (!strcmp(key, "remote_ip")) {
        if (!strcmp(value, "flow")) {
            cfg->remote_flow = true;
        } else if (!parse_ip(value, &cfg->remote_ip)) {
            return cfg_error(errp,
                             "%s: %s type requires valid 'remote_ip' "
                             "argument",
                             name, type);
        }
    } else if (!strcmp(key, "local_ip")) {
        if (!strcmp(value, "flow")) {
            cfg->local_flow = true;
        } else if (parse_ip(value, &cfg->local_ip)) {
            cfg->has_local = true;
        } else {
            return cfg_error(errp, "%s: bad %s 'local_ip'", name, type);
        }
    } else if (!strcmp(key, "key") || !strcmp(key, "in_key")
               || !strcmp(key, "out_key")) {
        bool in = strcmp(key, "out_key"), out = strcmp(key, "in_key");
        bool flow, present;
        uint64_t k = 0;

        if (!parse_key(value, &flow, &present, &k)) {
            return cfg_error(errp,
                             "%s: bad %s '%s': \"%s\" is neither a "
                             "number nor \"flow\"",
                             name, type, key, value);
        }
        /* in_key and out_key override key, whatever the order. */
        if (in && (strcmp(key, "key") || !have_key[0])) {
            cfg->in_key_flow = flow;
            cfg->in_key_present = present;
            cfg->in_key = k;
            have_key[0] |= strcmp(key, "key") != 0;
        }
        if (out && (strcmp(key, "key") || !have_key[1])) {
            cfg->out_key_flow = flow;
            cfg->out_key_present = present;
            cfg->out_key = k;
            have_key[1] |= strcmp(key, "key") != 0;
        }
    } else if (!strcmp(key, "dst_port")) {
        char *end;
        unsigned long v = strtoul(value, &end, 10);
        if (cfg->type == ODP_TNL_TYPE_GRE) {
            return cfg_error(errp, "%s: gre type does not take 'dst_port'",
                             name);
        }
        if (end == value || *end || !v || v > 65535) {
            return cfg_error(errp, "%s: bad %s 'dst_port' \"%s\" (1 to 65535)",
                             name, type, value);
        }
        cfg->dst_port = (uint16_t) v;
    } else if (!strcmp(key, "tos")) {
        char *end;
        unsigned long v;
        if (!strcmp(value, "inherit")) {
            cfg->tos_inherit = true;
        } else if ((v = strtoul(value, &end, 0)) > 255 || end == value || *end
                   || (v & ~(unsigned long) IP_DSCP_MASK)) {
            return cfg_error(errp, "%s: invalid TOS %s", name, value);
        } else {
            cfg->tos = (uint8_t) v;
        }
    } else if (!strcmp(key, "ttl")) {
        char *end;
        unsigned long v;
        if (!strcmp(value, "inherit")) {
            cfg->ttl_inherit = true;
        } else if ((v = strtoul(value, &end, 10)) > 255 || !v || end == value
                   || *end) {
            return cfg_error(errp,
                             "%s: bad %s 'ttl' \"%s\" (1 to 255 or "
                             "\"inherit\")",
                             name, type, value);
        } else {
            cfg->ttl = (uint8_t) v;
        }
    } else if (!strcmp(key, "df_default") || !strcmp(key, "csum")) {
        bool v;
        if (!strcmp(value, "true")) {
            v = true;
        } else if (!strcmp(value, "false")) {
            v = false;
        } else {
            return cfg_error(errp, "%s: bad %s '%s' \"%s\" (true or false)",
                             name, type, key, value);
        }
        if (key[0] == 'd') {
            cfg->dont_fragment = v;
        } else {
            cfg->csum = v;
            cfg->csum_set = true;
        }
    } else if (!strcmp(key, "packet_type")) {
        if (strcmp(value, "legacy_l2")) {
            return cfg_error(errp,
                             "%s: %s 'packet_type' \"%s\" is not "
                             "supported (only legacy_l2)",
                             name, type, value);
        }
    } else {
        /* Open vSwitch's words. */
        return cfg_error(errp, "%s: unknown %s argument '%s'", name, type,
                         key);
    }
    return 0;
}

int
tnl_port_cfg_parse(const char *name, const char *type, const char *options,
                   struct tnl_port_cfg *cfg, char **errp)
{
    bool have_key[2] = { false, false };
    int i;

    memset(cfg, 0, sizeof *cfg);
    cfg->type = tnl_port_type_from_name(type);
    if ((i = tnl_type_index(cfg->type)) < 0) {
        return cfg_error(errp, "%s: \"%s\" is no tunnel type", name, type);
    }
    cfg->dst_port = tnl_types[i].default_port;
    cfg->ttl = TNL_DEFAULT_TTL;
    cfg->dont_fragment = true;

    bool have_remote = false;
    char *copy = xstrdup(options ? options : "");
    char *save = NULL;
    for (char *kv = strtok_r(copy, ",", &save); kv;
         kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) {
            int error = cfg_error(errp, "%s: %s option \"%s\" has no value",
                                  name, type, kv);
            free(copy); /* KV points into it. */
            return error;
        }
        *eq = '\0';
        int error = cfg_option(name, type, kv, eq + 1, cfg, have_key, errp);
        if (error) {
            free(copy);
            return error;
        }
        have_remote |= !strcmp(kv, "remote_ip");
    }
    free(copy);
    if (!have_remote) {
        return cfg_error(errp,
                         "%s: %s type requires valid 'remote_ip' "
                         "argument",
                         name, type);
    }
    if (cfg->type == ODP_TNL_TYPE_GRE
        && ((!cfg->remote_flow && !is_v4_mapped(&cfg->remote_ip))
            || (cfg->has_local && !is_v4_mapped(&cfg->local_ip)))) {
        return cfg_error(errp,
                         "%s: gre over IPv6 is interface type "
                         "ip6gre, which is not supported yet",
                         name);
    }
    if (cfg->has_local && !cfg->remote_flow
        && is_v4_mapped(&cfg->local_ip) != is_v4_mapped(&cfg->remote_ip)) {
        return cfg_error(errp,
                         "%s: 'local_ip' and 'remote_ip' are of "
                         "different address families",
                         name);
    }
    return 0;
}

/* Whether A (IPv4-mapped for IPv4) is the outer address TUN holds in
 * IP4 (IPv4) or IP6 (IPv6). */
static bool
tun_addr_is(const struct in6_addr *a, uint32_t ip4, const struct in6_addr *ip6)
{
    return is_v4_mapped(a) ? ip4 && v4_of(a) == ip4
                           : !memcmp(a, ip6, sizeof *a);
}

bool
tnl_port_cfg_receives(const struct tnl_port_cfg *cfg,
                      const struct pkt_tunnel *tun)
{
    if (!cfg->remote_flow
        && !tun_addr_is(&cfg->remote_ip, tun->ip_src, &tun->ipv6_src)) {
        return false;
    }
    if (cfg->has_local
        && !tun_addr_is(&cfg->local_ip, tun->ip_dst, &tun->ipv6_dst)) {
        return false;
    }
    if (!cfg->in_key_flow) {
        uint64_t want = cfg->in_key_present ? htobe64(cfg->in_key) : 0;
        if (tun->tun_id != want) {
            return false;
        }
    }
    return true;
}

static void
format_ip(struct buf *out, const struct in6_addr *a)
{
    char s[INET6_ADDRSTRLEN];

    if (is_v4_mapped(a)) {
        inet_ntop(AF_INET, &a->s6_addr[12], s, sizeof s);
    } else {
        inet_ntop(AF_INET6, a, s, sizeof s);
    }
    buf_put_cstr(out, s);
}

static void
format_key(struct buf *out, bool flow, bool present, uint64_t key)
{
    if (flow) {
        buf_put_cstr(out, "flow");
    } else if (present) {
        buf_printf(out, "%" PRIu64, key);
    }
}

void
tnl_port_cfg_format(const struct tnl_port_cfg *cfg, struct buf *out)
{
    int i = tnl_type_index(cfg->type);
    const char *sep = "";

    /* Keys in alphabetical order, as Open vSwitch sorts them; defaults
     * are left out. */
#define SEP() (buf_put_cstr(out, sep), sep = ", ")
    if (cfg->csum) {
        SEP();
        buf_put_cstr(out, "csum=true");
    }
    if (!cfg->dont_fragment) {
        SEP();
        buf_put_cstr(out, "df_default=false");
    }
    if (i >= 0 && cfg->dst_port != tnl_types[i].default_port) {
        SEP();
        buf_printf(out, "dst_port=%u", cfg->dst_port);
    }
    bool same_key = cfg->in_key_flow == cfg->out_key_flow
                    && cfg->in_key_present == cfg->out_key_present
                    && cfg->in_key == cfg->out_key;
    if (same_key) {
        if (cfg->in_key_flow || cfg->in_key_present) {
            SEP();
            buf_put_cstr(out, "key=");
            format_key(out, cfg->in_key_flow, cfg->in_key_present,
                       cfg->in_key);
        }
    } else {
        if (cfg->in_key_flow || cfg->in_key_present) {
            SEP();
            buf_put_cstr(out, "in_key=");
            format_key(out, cfg->in_key_flow, cfg->in_key_present,
                       cfg->in_key);
        }
    }
    if (cfg->local_flow || cfg->has_local) {
        SEP();
        buf_put_cstr(out, "local_ip=");
        if (cfg->local_flow) {
            buf_put_cstr(out, "flow");
        } else {
            format_ip(out, &cfg->local_ip);
        }
    }
    if (!same_key && (cfg->out_key_flow || cfg->out_key_present)) {
        SEP();
        buf_put_cstr(out, "out_key=");
        format_key(out, cfg->out_key_flow, cfg->out_key_present, cfg->out_key);
    }
    SEP();
    buf_put_cstr(out, "remote_ip=");
    if (cfg->remote_flow) {
        buf_put_cstr(out, "flow");
    } else {
        format_ip(out, &cfg->remote_ip);
    }
    if (cfg->tos_inherit || cfg->tos) {
        SEP();
        if (cfg->tos_inherit) {
            buf_put_cstr(out, "tos=inherit");
        } else {
            buf_printf(out, "tos=0x%x", cfg->tos);
        }
    }
    if (cfg->ttl_inherit || cfg->ttl != TNL_DEFAULT_TTL) {
        SEP();
        if (cfg->ttl_inherit) {
            buf_put_cstr(out, "ttl=inherit");
        } else {
            buf_printf(out, "ttl=%u", cfg->ttl);
        }
    }
#undef SEP
}

void
tnl_port_cfg_output(const struct tnl_port_cfg *cfg,
                    const struct pkt_tunnel *cur, uint8_t inner_tos,
                    uint8_t inner_ttl, struct pkt_tunnel *out)
{
    memset(out, 0, sizeof *out);
    if (cfg->remote_flow) {
        out->ip_dst = cur->ip_dst;
        out->ipv6_dst = cur->ipv6_dst;
    } else if (is_v4_mapped(&cfg->remote_ip)) {
        out->ip_dst = v4_of(&cfg->remote_ip);
    } else {
        out->ipv6_dst = cfg->remote_ip;
    }
    if (cfg->local_flow) {
        out->ip_src = cur->ip_src;
        out->ipv6_src = cur->ipv6_src;
    } else if (cfg->has_local && is_v4_mapped(&cfg->local_ip)) {
        out->ip_src = v4_of(&cfg->local_ip);
    } else if (cfg->has_local) {
        out->ipv6_src = cfg->local_ip;
    }
    if (cfg->out_key_flow) {
        out->tun_id = cur->tun_id;
        out->flags |= PKT_TUN_F_KEY;
    } else if (cfg->out_key_present) {
        out->tun_id = htobe64(cfg->out_key);
        out->flags |= PKT_TUN_F_KEY;
    }
    out->tos =
        cfg->tos_inherit ? (uint8_t) (inner_tos & IP_DSCP_MASK) : cfg->tos;
    out->ttl = cfg->ttl_inherit ? (inner_ttl ? inner_ttl : TNL_DEFAULT_TTL)
                                : cfg->ttl;
    if (cfg->dont_fragment) {
        out->flags |= PKT_TUN_F_DONT_FRAGMENT;
    }
    /* Open vSwitch's default: with csum unset, UDP tunnels over IPv6 carry
     * a UDP checksum (a receiver need not take a zero one over IPv6, and
     * Linux's Geneve devices do not) and the rest do not. */
    bool v6 = !out->ip_dst && !IN6_IS_ADDR_UNSPECIFIED(&out->ipv6_dst);
    if (cfg->csum_set ? cfg->csum : v6 && cfg->type != ODP_TNL_TYPE_GRE) {
        out->flags |= PKT_TUN_F_CSUM;
    }
    out->tp_dst = htons(cfg->dst_port);
}

/* ---------------------------------------------------------------------
 * Outer headers.
 * --------------------------------------------------------------------- */

size_t
tnl_port_build_header(uint32_t type, uint16_t dst_port, bool csum,
                      const struct pkt_tunnel *tun,
                      const struct eth_addr *src_mac,
                      const struct eth_addr *dst_mac, uint8_t *header)
{
    uint8_t *p = header;
    uint32_t vni = (uint32_t) be64toh(tun->tun_id) & 0xffffff;

    bool v6 = !tun->ip_dst;
    uint8_t proto = type == ODP_TNL_TYPE_GRE ? IPPROTO_GRE : IPPROTO_UDP;

    if (tnl_type_index(type) < 0 || (v6 && type == ODP_TNL_TYPE_GRE)
        || (v6 ? IN6_IS_ADDR_UNSPECIFIED(&tun->ipv6_dst)
                     || IN6_IS_ADDR_UNSPECIFIED(&tun->ipv6_src)
               : !tun->ip_src)) {
        return 0;
    }
    /* Ethernet. */
    memcpy(p, dst_mac->ea, ETH_ADDR_LEN);
    memcpy(p + 6, src_mac->ea, ETH_ADDR_LEN);
    p = pkt_put_be16(p + 12, v6 ? ETH_TYPE_IPV6 : ETH_TYPE_IP);
    if (v6) {
        /* IPv6, 40 bytes: the payload length is the datapath's. */
        p = pkt_put_be32(p, 0x60000000u | (uint32_t) tun->tos << 20);
        p = pkt_put_be16(p, 0);
        *p++ = proto;
        *p++ = tun->ttl;
        memcpy(p, &tun->ipv6_src, 16);
        memcpy(p + 16, &tun->ipv6_dst, 16);
        p += 32;
    } else {
        /* IPv4, 20 bytes: lengths, id and checksum are the datapath's. */
        *p++ = 0x45;
        *p++ = tun->tos;
        p = pkt_put_be16(p, 0); /* Total length. */
        p = pkt_put_be16(p, 0); /* Id. */
        p = pkt_put_be16(p, tun->flags & PKT_TUN_F_DONT_FRAGMENT ? 0x4000 : 0);
        *p++ = tun->ttl;
        *p++ = proto;
        p = pkt_put_be16(p, 0); /* Checksum. */
        memcpy(p, &tun->ip_src, 4);
        memcpy(p + 4, &tun->ip_dst, 4);
        p += 8;
    }

    if (type == ODP_TNL_TYPE_GRE) {
        uint16_t flags = 0;
        if (csum) {
            flags |= 0x8000;
        }
        if (tun->flags & PKT_TUN_F_KEY) {
            flags |= 0x2000;
        }
        p = pkt_put_be16(p, flags);
        p = pkt_put_be16(p, 0x6558); /* Transparent Ethernet bridging. */
        if (csum) {
            p = pkt_put_be32(p, 0); /* Checksum + reserved: the datapath's. */
        }
        if (tun->flags & PKT_TUN_F_KEY) {
            p = pkt_put_be32(p, (uint32_t) be64toh(tun->tun_id));
        }
        return (size_t) (p - header);
    }

    /* UDP: source port, length and checksum are the datapath's. */
    p = pkt_put_be16(p, 0);
    p = pkt_put_be16(p, dst_port);
    p = pkt_put_be16(p, 0);
    p = pkt_put_be16(p, 0);
    if (type == ODP_TNL_TYPE_VXLAN) {
        p = pkt_put_be32(p, 0x08000000); /* Flags: the VNI is valid. */
        p = pkt_put_be32(p, vni << 8);
    } else {
        /* Geneve: version 0, no options, not OAM, Ethernet inside. */
        p = pkt_put_be16(p, 0);
        p = pkt_put_be16(p, 0x6558);
        p = pkt_put_be32(p, vni << 8);
    }
    return (size_t) (p - header);
}

/* ---------------------------------------------------------------------
 * Shared vports.
 * --------------------------------------------------------------------- */

struct tnl_vport {
    char *name;
    uint32_t type;
    uint16_t dst_port;
    uint32_t odp_port;
    unsigned int ref_cnt;
};

static struct tnl_vport *tnl_vports;
static size_t tnl_n_vports;

static struct tnl_vport *
vport_find(uint32_t type, uint16_t dst_port)
{
    for (size_t i = 0; i < tnl_n_vports; i++) {
        struct tnl_vport *v = &tnl_vports[i];
        if (v->type == type
            && (type == ODP_TNL_TYPE_GRE || v->dst_port == dst_port)) {
            return v;
        }
    }
    return NULL;
}

int
tnl_port_vport_ref(struct dpif *dpif, uint32_t type, uint16_t dst_port,
                   uint32_t *odp_port, char **errp)
{
    struct tnl_vport *v = vport_find(type, dst_port);
    int i = tnl_type_index(type);

    if (v) {
        v->ref_cnt++;
        *odp_port = v->odp_port;
        return 0;
    }
    if (i < 0) {
        return cfg_error(errp, "no tunnel type %" PRIu32, type);
    }

    char *name, *options = NULL;
    if (type == ODP_TNL_TYPE_GRE) {
        name = xstrdup(tnl_types[i].vport_prefix);
    } else {
        name = xasprintf("%s_%u", tnl_types[i].vport_prefix, dst_port);
        options = xasprintf("dst_port=%u", dst_port);
    }
    uint32_t port = DPIF_PORT_ANY;
    int error =
        dpif_port_add(dpif, name, tnl_types[i].name, options, &port, errp);
    free(options);
    if (error) {
        free(name);
        return error;
    }
    tnl_vports = xrealloc(tnl_vports, (tnl_n_vports + 1) * sizeof *tnl_vports);
    tnl_vports[tnl_n_vports++] = (struct tnl_vport){
        .name = name,
        .type = type,
        .dst_port = type == ODP_TNL_TYPE_GRE ? 0 : dst_port,
        .odp_port = port,
        .ref_cnt = 1,
    };
    VLOG_INFO("tunnel vport %s added as datapath port %" PRIu32, name, port);
    /* A device that decapsulates in hardware takes the vport's flows. */
    offload_port_add(port, name, tnl_types[i].name, NULL);
    *odp_port = port;
    return 0;
}

void
tnl_port_vport_unref(struct dpif *dpif, uint32_t odp_port)
{
    for (size_t i = 0; i < tnl_n_vports; i++) {
        struct tnl_vport *v = &tnl_vports[i];
        if (v->odp_port != odp_port) {
            continue;
        }
        if (--v->ref_cnt) {
            return;
        }
        char *err = NULL;
        offload_port_del(odp_port); /* Hardware first. */
        if (dpif_port_del(dpif, odp_port, &err)) {
            VLOG_WARN("could not delete tunnel vport %s: %s", v->name,
                      err ? err : "unknown error");
        } else {
            VLOG_INFO("tunnel vport %s deleted", v->name);
        }
        free(err);
        free(v->name);
        tnl_vports[i] = tnl_vports[--tnl_n_vports];
        return;
    }
}

bool
tnl_port_vport_find(uint32_t odp_port, uint32_t *type, uint16_t *dst_port)
{
    for (size_t i = 0; i < tnl_n_vports; i++) {
        if (tnl_vports[i].odp_port == odp_port) {
            *type = tnl_vports[i].type;
            *dst_port = tnl_vports[i].dst_port;
            return true;
        }
    }
    return false;
}

bool
tnl_port_vport_is(uint32_t odp_port)
{
    uint32_t type;
    uint16_t dst_port;
    return tnl_port_vport_find(odp_port, &type, &dst_port);
}

bool
tnl_port_vport_listening(uint32_t type, uint16_t dst_port, uint32_t *odp_port)
{
    struct tnl_vport *v = vport_find(type, dst_port);

    if (v) {
        *odp_port = v->odp_port;
    }
    return v != NULL;
}

static int
cmp_vports(const void *a_, const void *b_)
{
    const struct tnl_vport *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

static void
tnl_ports_show_cmd(struct unixctl_conn *conn, int argc NF_UNUSED,
                   const char *argv[] NF_UNUSED, void *aux NF_UNUSED)
{
    struct buf out = BUF_INITIALIZER;
    struct tnl_vport *sorted =
        xmemdup(tnl_vports, tnl_n_vports * sizeof *tnl_vports);

    qsort(sorted, tnl_n_vports, sizeof *sorted, cmp_vports);
    buf_put_cstr(&out, "Listening ports:\n");
    for (size_t i = 0; i < tnl_n_vports; i++) {
        buf_printf(&out, "%s (%" PRIu32 ") ref_cnt=%u\n", sorted[i].name,
                   sorted[i].odp_port, sorted[i].ref_cnt);
    }
    free(sorted);
    unixctl_command_reply(conn, buf_cstr(&out));
    buf_destroy(&out);
}

void
tnl_port_init(void)
{
    static bool done;

    if (!done) {
        done = true;
        unixctl_command_register("tnl/ports/show", "[-v]", 0, 1,
                                 tnl_ports_show_cmd, NULL);
    }
}
