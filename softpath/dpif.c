/* dpif.c: the datapath interface's client side — the registry of
 * datapath types, argument checks in front of every provider, and the
 * text of flows. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/flow.h"
#include "lib/hash.h"
#include "lib/util.h"
#include "softpath/dpif-netlink.h"
#include "softpath/dpif-provider.h"
#include "softpath/odp.h"

#define MAX_CLASSES 8

static const struct dpif_class *classes[MAX_CLASSES];
static size_t n_classes;

int
dpif_register_class(const struct dpif_class *c)
{
    for (size_t i = 0; i < n_classes; i++) {
        if (!strcmp(classes[i]->type, c->type)) {
            return EEXIST;
        }
    }
    if (n_classes == MAX_CLASSES) {
        return ENOSPC;
    }
    classes[n_classes++] = c;
    return 0;
}

/* The datapath types that need no set-up and are always there: the
 * kernel datapath ("system"), which fails at open() where openvswitch.ko
 * is missing.  The userspace one ("netdev") registers itself when its
 * owner calls dpif_netdev_register(), since it comes with port types and
 * threads of its own. */
static void
register_builtin_types(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, dpif_netlink_register);
}

static const struct dpif_class *
class_for(const char *type)
{
    register_builtin_types();
    for (size_t i = 0; i < n_classes; i++) {
        if (!strcmp(classes[i]->type, type)) {
            return classes[i];
        }
    }
    return NULL;
}

void
dpif_init_base(struct dpif *dpif, const struct dpif_class *c, const char *name)
{
    dpif->class = c;
    dpif->name = xstrdup(name);
    dpif->full_name = xasprintf("%s@%s", c->type, name);
}

void
dpif_uninit_base(struct dpif *dpif)
{
    free(dpif->name);
    free(dpif->full_name);
}

int
dpif_open(const char *name, const char *type, bool create, struct dpif **dpifp,
          char **errp)
{
    const char *at = strchr(name, '@');
    char *type_copy = NULL;
    const struct dpif_class *c;
    int error;

    *dpifp = NULL;
    if (at) {
        type_copy = xstrndup(name, (size_t) (at - name));
        type = type_copy;
        name = at + 1;
    } else if (!type) {
        type = "netdev";
    }
    c = class_for(type);
    if (!c) {
        nf_give_error(errp,
                      xasprintf("%s: unknown datapath type (known: netdev"
                                "%s)",
                                type, class_for("system") ? ", system" : ""));
        free(type_copy);
        return EAFNOSUPPORT;
    }
    if (!*name || strlen(name) > 15 || strpbrk(name, "/ \t")) {
        nf_give_error(errp, xasprintf("\"%s\": a datapath name has 1 to 15 "
                                      "characters and no '/' or white space",
                                      name));
        free(type_copy);
        return EINVAL;
    }
    error = c->open(c, name, create, dpifp, errp);
    free(type_copy);
    return error;
}

void
dpif_close(struct dpif *dpif)
{
    if (dpif) {
        dpif->class->close(dpif);
    }
}

int
dpif_destroy(struct dpif *dpif, char **errp)
{
    return dpif->class->destroy(dpif, errp);
}

const char *
dpif_name(const struct dpif *dpif)
{
    return dpif->name;
}

const char *
dpif_type(const struct dpif *dpif)
{
    return dpif->class->type;
}

int
dpif_enumerate(struct dpif_names *names)
{
    memset(names, 0, sizeof *names);
    register_builtin_types();
    for (size_t i = 0; i < n_classes; i++) {
        struct dpif_names these = { NULL, 0 };
        int error = classes[i]->enumerate(&these);

        if (error) {
            dpif_names_free(&these);
            dpif_names_free(names);
            return error;
        }
        names->names = xrealloc(names->names,
                                (names->n + these.n) * sizeof *names->names);
        for (size_t j = 0; j < these.n; j++) {
            names->names[names->n++] =
                xasprintf("%s@%s", classes[i]->type, these.names[j]);
        }
        dpif_names_free(&these);
    }
    return 0;
}

void
dpif_names_free(struct dpif_names *names)
{
    for (size_t i = 0; i < names->n; i++) {
        free(names->names[i]);
    }
    free(names->names);
    names->names = NULL;
    names->n = 0;
}

int
dpif_get_stats(const struct dpif *dpif, struct dpif_dp_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    return dpif->class->get_stats(dpif, stats);
}

/* ---------------------------------------------------------------------
 * Ports.
 * --------------------------------------------------------------------- */

void
dpif_port_destroy(struct dpif_port *port)
{
    free(port->name);
    free(port->type);
    free(port->options);
    port->name = port->type = port->options = NULL;
}

/* Checks that OPTIONS (NULL is fine) is a list of "key=value" items
 * separated by commas, with non-empty keys that appear once each: a
 * provider then only has to judge the keys and values themselves. */
static int
check_port_options(const char *options, char **errp)
{
    char *copy, *save = NULL, *item;
    char **keys = NULL;
    size_t n = 0;
    int error = 0;

    if (!options || !*options) {
        return 0;
    }
    copy = xstrdup(options);
    keys = xcalloc(strlen(options) + 1, sizeof *keys);
    for (item = strtok_r(copy, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');

        if (!eq || eq == item) {
            nf_give_error(
                errp, xasprintf("\"%s\": a port option is key=value", item));
            error = EINVAL;
            break;
        }
        *eq = '\0';
        for (size_t i = 0; i < n; i++) {
            if (!strcmp(keys[i], item)) {
                nf_give_error(errp,
                              xasprintf("duplicate \"%s\" option", item));
                error = EINVAL;
                goto out;
            }
        }
        keys[n++] = item;
    }
out:
    free(keys);
    free(copy);
    return error;
}

void
dpif_ports_free(struct dpif_ports *ports)
{
    for (size_t i = 0; i < ports->n; i++) {
        dpif_port_destroy(&ports->ports[i]);
    }
    free(ports->ports);
    ports->ports = NULL;
    ports->n = 0;
}

int
dpif_port_add(struct dpif *dpif, const char *name, const char *type,
              const char *options, uint32_t *port_no, char **errp)
{
    if (!*name || strlen(name) > 15 || strpbrk(name, "/ \t")) {
        nf_give_error(errp, xasprintf("\"%s\": a port name has 1 to 15 "
                                      "characters and no '/' or white space",
                                      name));
        return EINVAL;
    }
    if (*port_no != DPIF_PORT_ANY && *port_no >= 0xff00) {
        nf_give_error(
            errp,
            xasprintf("%" PRIu32 ": port numbers go up to 65279", *port_no));
        return EINVAL;
    }
    int error = check_port_options(options, errp);
    if (error) {
        return error;
    }
    return dpif->class->port_add(dpif, name, type, options, port_no, errp);
}

int
dpif_port_set_config(struct dpif *dpif, uint32_t port_no, const char *options,
                     char **errp)
{
    int error = check_port_options(options, errp);

    if (error) {
        return error;
    }
    if (!dpif->class->port_set_config) {
        if (!options || !*options) {
            return 0; /* Nothing asked, nothing refused. */
        }
        nf_give_error(errp,
                      xasprintf("%s: datapath type %s has no port options",
                                dpif_name(dpif), dpif_type(dpif)));
        return EOPNOTSUPP;
    }
    return dpif->class->port_set_config(dpif, port_no, options ? options : "",
                                        errp);
}

int
dpif_port_del(struct dpif *dpif, uint32_t port_no, char **errp)
{
    if (port_no == DPIF_PORT_LOCAL) {
        nf_give_error(errp,
                      xstrdup("the datapath's own port cannot be removed "
                              "(remove the datapath)"));
        return EINVAL;
    }
    return dpif->class->port_del(dpif, port_no, errp);
}

int
dpif_port_query_by_number(const struct dpif *dpif, uint32_t port_no,
                          struct dpif_port *port)
{
    memset(port, 0, sizeof *port);
    return dpif->class->port_query(dpif, port_no, NULL, port);
}

int
dpif_port_query_by_name(const struct dpif *dpif, const char *name,
                        struct dpif_port *port)
{
    memset(port, 0, sizeof *port);
    return dpif->class->port_query(dpif, DPIF_PORT_ANY, name, port);
}

int
dpif_port_dump(const struct dpif *dpif, struct dpif_ports *ports)
{
    memset(ports, 0, sizeof *ports);
    return dpif->class->port_dump(dpif, ports);
}

int
dpif_port_get_stats(const struct dpif *dpif, uint32_t port_no,
                    struct dpif_port_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    return dpif->class->port_get_stats(dpif, port_no, stats);
}

/* ---------------------------------------------------------------------
 * Flows.
 * --------------------------------------------------------------------- */

void
dpif_ufid_from_key(const void *key, size_t key_len, struct dpif_ufid *ufid)
{
    /* Four independent hashes make a 128-bit id that is stable for a key
     * and, for distinct keys, collides with negligible probability. */
    static const uint32_t bases[4] = { 0x9e3779b9u * 1, 0x9e3779b9u * 2,
                                       0x9e3779b9u * 3, 0x9e3779b9u * 4 };

    hash_bytes4(key, key_len, bases, ufid->u32);
}

/* Checks a key, its mask and actions before a provider sees them. */
static int
check_flow(const void *key, size_t key_len, const void *mask, size_t mask_len,
           const void *actions, size_t actions_len, char **errp)
{
    struct flow k, m;
    char *err = NULL;

    /* Key bits under zero mask bits are not refused: a key carries values
     * for what it leaves out (an absent eth_type is 802.2's 0x05ff), and
     * datapaths keep key & mask. */
    if (odp_key_to_flow(key, key_len, &k, &err)) {
        nf_give_error(errp, xasprintf("bad flow key: %s", err));
        free(err);
        return EINVAL;
    }
    if (mask && odp_mask_to_flow(mask, mask_len, &m, &err)) {
        nf_give_error(errp, xasprintf("bad flow mask: %s", err));
        free(err);
        return EINVAL;
    }
    if (actions && odp_actions_validate(actions, actions_len, &err)) {
        nf_give_error(errp, xasprintf("bad actions: %s", err));
        free(err);
        return EINVAL;
    }
    return 0;
}

int
dpif_flow_put(struct dpif *dpif, const struct dpif_flow_put *put, char **errp)
{
    struct dpif_flow_put copy = *put;
    struct dpif_ufid ufid;
    int error;

    if (!(put->flags & (DPIF_FP_CREATE | DPIF_FP_MODIFY))) {
        nf_give_error(errp, xstrdup("a flow put must allow create, modify or "
                                    "both"));
        return EINVAL;
    }
    if (!(put->flags & DPIF_FP_ENCODED)) {
        error = check_flow(put->key, put->key_len, put->mask, put->mask_len,
                           put->actions, put->actions_len, errp);
        if (error) {
            return error;
        }
    }
    if (!put->ufid) {
        dpif_ufid_from_key(put->key, put->key_len, &ufid);
        copy.ufid = &ufid;
    }
    return dpif->class->flow_put(dpif, &copy, errp);
}

/* The most puts dpif_flow_put_batch() hands a provider at once (it
 * copies them, on the stack). */
#define PUT_BATCH 64

size_t
dpif_flow_put_batch(struct dpif *dpif, const struct dpif_flow_put *puts,
                    size_t n, int *errors, char **errs)
{
    size_t n_failed = 0;

    if (errs) {
        memset(errs, 0, n * sizeof *errs);
    }
    if (!dpif->class->flow_put_batch) {
        for (size_t i = 0; i < n; i++) {
            errors[i] = dpif_flow_put(dpif, &puts[i], errs ? &errs[i] : NULL);
            n_failed += errors[i] != 0;
        }
        return n_failed;
    }

    /* The valid ones go to the provider, each with a ufid, in chunks. */
    struct dpif_flow_put ok[PUT_BATCH];
    struct dpif_ufid ufids[PUT_BATCH];
    size_t idx[PUT_BATCH];
    int ok_errors[PUT_BATCH];
    char *ok_errs[PUT_BATCH] = { NULL };
    size_t i = 0;
    while (i < n) {
        size_t n_ok = 0;
        for (; i < n && n_ok < PUT_BATCH; i++) {
            const struct dpif_flow_put *put = &puts[i];
            char **errp = errs ? &errs[i] : NULL;

            errors[i] = 0;
            if (!(put->flags & (DPIF_FP_CREATE | DPIF_FP_MODIFY))) {
                nf_give_error(errp,
                              xstrdup("a flow put must allow create, modify "
                                      "or both"));
                errors[i] = EINVAL;
                continue;
            }
            if (!(put->flags & DPIF_FP_ENCODED)) {
                errors[i] = check_flow(put->key, put->key_len, put->mask,
                                       put->mask_len, put->actions,
                                       put->actions_len, errp);
                if (errors[i]) {
                    continue;
                }
            }
            ok[n_ok] = *put;
            if (!put->ufid) {
                dpif_ufid_from_key(put->key, put->key_len, &ufids[n_ok]);
                ok[n_ok].ufid = &ufids[n_ok];
            }
            idx[n_ok++] = i;
        }
        if (!n_ok) {
            continue;
        }
        dpif->class->flow_put_batch(dpif, ok, n_ok, ok_errors,
                                    errs ? ok_errs : NULL);
        for (size_t k = 0; k < n_ok; k++) {
            errors[idx[k]] = ok_errors[k];
            if (errs) {
                errs[idx[k]] = ok_errs[k];
            }
        }
    }
    for (i = 0; i < n; i++) {
        n_failed += errors[i] != 0;
    }
    return n_failed;
}

void
dpif_flow_destroy(struct dpif_flow *flow)
{
    buf_destroy(&flow->key);
    buf_destroy(&flow->mask);
    buf_destroy(&flow->actions);
}

int
dpif_flow_get(const struct dpif *dpif, const struct dpif_ufid *ufid,
              const void *key, size_t key_len, struct dpif_flow *flow)
{
    memset(flow, 0, sizeof *flow);
    if (!ufid && !key) {
        return EINVAL;
    }
    return dpif->class->flow_get(dpif, ufid, key, key_len, flow);
}

int
dpif_flow_del(struct dpif *dpif, const struct dpif_ufid *ufid, const void *key,
              size_t key_len, struct dpif_flow_stats *stats)
{
    if (!ufid && !key) {
        return EINVAL;
    }
    return dpif->class->flow_del(dpif, ufid, key, key_len, stats);
}

int
dpif_flow_flush(struct dpif *dpif)
{
    return dpif->class->flow_flush(dpif);
}

void
dpif_flow_get_stats(const struct dpif *dpif, const struct dpif_ufid *ufids,
                    size_t n, struct dpif_flow_stats *stats, bool *found)
{
    memset(stats, 0, n * sizeof *stats);
    if (dpif->class->flow_get_stats) {
        dpif->class->flow_get_stats(dpif, ufids, n, stats, found);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        struct dpif_flow f;

        memset(&f, 0, sizeof f);
        found[i] = !dpif->class->flow_get(dpif, &ufids[i], NULL, 0, &f);
        if (found[i]) {
            stats[i] = f.stats;
            dpif_flow_destroy(&f);
        }
    }
}

struct dpif_flow_dump *
dpif_flow_dump_start(const struct dpif *dpif)
{
    return dpif->class->flow_dump_start(dpif);
}

size_t
dpif_flow_dump_next(struct dpif_flow_dump *dump, struct dpif_flow *flows,
                    size_t max)
{
    memset(flows, 0, max * sizeof *flows);
    return dump->class->flow_dump_next(dump, flows, max);
}

void
dpif_flow_dump_done(struct dpif_flow_dump *dump)
{
    dump->class->flow_dump_done(dump);
}

/* TCP flag names, as ovs-dpctl prints them. */
static const char *const tcp_flag_names[] = {
    "F", "S", "R", "P", ".", "U", "E", "C", "N",
};

void
dpif_flow_format(const struct dpif_flow *f, bool verbose, struct buf *b)
{
    dpif_flow_format_extra(f, verbose, NULL, b);
}

void
dpif_flow_format_extra(const struct dpif_flow *f, bool verbose,
                       const char *extra, struct buf *b)
{
    if (verbose) {
        buf_printf(b,
                   "ufid:%08" PRIx32 "-%04" PRIx32 "-%04" PRIx32 "-%04" PRIx32
                   "-%04" PRIx32 "%08" PRIx32 ", ",
                   f->ufid.u32[0], f->ufid.u32[1] >> 16,
                   f->ufid.u32[1] & 0xffff, f->ufid.u32[2] >> 16,
                   f->ufid.u32[2] & 0xffff, f->ufid.u32[3]);
    }
    odp_flow_format(b, f->key.data, f->key.len,
                    f->mask.len ? f->mask.data : NULL, f->mask.len);
    buf_printf(b, ", packets:%" PRIu64 ", bytes:%" PRIu64 ", used:",
               f->stats.n_packets, f->stats.n_bytes);
    if (f->stats.used) {
        long long age = nf_time_msec() - f->stats.used;
        buf_printf(b, "%lld.%03llds", (age < 0 ? 0 : age) / 1000,
                   (age < 0 ? 0 : age) % 1000);
    } else {
        buf_put_cstr(b, "never");
    }
    if (f->stats.tcp_flags) {
        buf_put_cstr(b, ", flags:");
        for (size_t i = 0; i < sizeof tcp_flag_names / sizeof *tcp_flag_names;
             i++) {
            if (f->stats.tcp_flags & (1u << i)) {
                buf_put_cstr(b, tcp_flag_names[i]);
            }
        }
    }
    buf_put_cstr(b, ", ");
    if (extra && *extra) {
        buf_put_cstr(b, extra);
        buf_put_cstr(b, ", ");
    }
    buf_put_cstr(b, "actions:");
    odp_actions_format(b, f->actions.data, f->actions.len);
}

/* ---------------------------------------------------------------------
 * Execution and upcalls.
 * --------------------------------------------------------------------- */

int
dpif_execute(struct dpif *dpif, const struct dpif_execute *exec, char **errp)
{
    char *err = NULL;

    if (odp_actions_validate(exec->actions, exec->actions_len, &err)) {
        nf_give_error(errp, xasprintf("bad actions: %s", err));
        free(err);
        return EINVAL;
    }
    return dpif->class->execute(dpif, exec, errp);
}

int
dpif_execute_batch(struct dpif *dpif, const struct dpif_execute *execs,
                   size_t n, char **errp)
{
    if (!dpif->class->execute_batch) {
        int first = 0;
        for (size_t i = 0; i < n; i++) {
            int error = dpif_execute(dpif, &execs[i], first ? NULL : errp);
            first = first ? first : error;
        }
        return first;
    }

    /* Only the valid ones go to the provider; the batch is short (the
     * upcall handler's), so a copy on the stack is cheap. */
    struct dpif_execute ok[64];
    int first = 0;
    while (n) {
        size_t n_ok = 0, i;
        for (i = 0; i < n && n_ok < ARRAY_SIZE(ok); i++) {
            char *err = NULL;
            if (odp_actions_validate(execs[i].actions, execs[i].actions_len,
                                     &err)) {
                if (!first) {
                    first = EINVAL;
                    nf_give_error(errp, xasprintf("bad actions: %s", err));
                }
                free(err);
                continue;
            }
            ok[n_ok++] = execs[i];
        }
        int error =
            dpif->class->execute_batch(dpif, ok, n_ok, first ? NULL : errp);
        first = first ? first : error;
        execs += i;
        n -= i;
    }
    return first;
}

void
dpif_upcall_destroy(struct dpif_upcall *u)
{
    if (u->packet) {
        pkt_delete(u->packet);
        u->packet = NULL;
    }
    buf_destroy(&u->key);
    buf_destroy(&u->userdata);
    u->has_flow = false;
}

int
dpif_recv_set(struct dpif *dpif, bool enable)
{
    return dpif->class->recv_set(dpif, enable);
}

int
dpif_recv(struct dpif *dpif, struct dpif_upcall *u)
{
    memset(u, 0, sizeof *u);
    return dpif->class->recv(dpif, u);
}

int
dpif_recv_fd(const struct dpif *dpif)
{
    return dpif->class->recv_fd ? dpif->class->recv_fd(dpif) : -1;
}

size_t
dpif_handlers_set(struct dpif *dpif, size_t n)
{
    if (dpif->class->handlers_set) {
        return dpif->class->handlers_set(dpif, n);
    }
    return dpif_recv_fd(dpif) >= 0 ? 1 : 0;
}

int
dpif_recv_handler(struct dpif *dpif, size_t idx, struct dpif_upcall *u)
{
    if (dpif->class->recv_handler) {
        memset(u, 0, sizeof *u);
        return dpif->class->recv_handler(dpif, idx, u);
    }
    return idx ? EAGAIN : dpif_recv(dpif, u);
}

int
dpif_recv_handler_fd(const struct dpif *dpif, size_t idx)
{
    if (dpif->class->recv_handler_fd) {
        return dpif->class->recv_handler_fd(dpif, idx);
    }
    return idx ? -1 : dpif_recv_fd(dpif);
}

int
dpif_set_flow_limit(struct dpif *dpif, size_t limit)
{
    return dpif->class->set_flow_limit(dpif, limit);
}

/* ---------------------------------------------------------------------
 * Meters.
 * --------------------------------------------------------------------- */

void
dpif_meter_get_features(const struct dpif *dpif,
                        struct dpif_meter_features *features)
{
    memset(features, 0, sizeof *features);
    if (dpif->class->meter_get_features) {
        dpif->class->meter_get_features(dpif, features);
    }
}

/* One check of a meter configuration: returns a message saying what is
 * wrong, or NULL if the configuration passes. */
typedef char *meter_check_fn(uint32_t id, const struct dpif_meter_config *,
                             const struct dpif_meter_features *);

static char *
meter_check_id(uint32_t id, const struct dpif_meter_config *c NF_UNUSED,
               const struct dpif_meter_features *f)
{
    if (!f->max_meters) {
        return xasprintf("meter %" PRIu32 ": the datapath has no meters", id);
    }
    return (id >= f->max_meters
                ? xasprintf("meter %" PRIu32 ": meter ids go up to %" PRIu32,
                            id, f->max_meters - 1)
                : NULL);
}

static char *
meter_check_flags(uint32_t id, const struct dpif_meter_config *c,
                  const struct dpif_meter_features *f)
{
    uint16_t units = c->flags & (DPIF_METER_KBPS | DPIF_METER_PKTPS);

    if (c->flags & ~f->capabilities) {
        return xasprintf("meter %" PRIu32 ": flags 0x%x not supported "
                         "(supported: 0x%" PRIx32 ")",
                         id, c->flags & ~f->capabilities, f->capabilities);
    }
    if (units != DPIF_METER_KBPS && units != DPIF_METER_PKTPS) {
        return xasprintf("meter %" PRIu32 ": give exactly one unit, kbps "
                         "or pktps",
                         id);
    }
    return NULL;
}

static char *
meter_check_n_bands(uint32_t id, const struct dpif_meter_config *c,
                    const struct dpif_meter_features *f)
{
    if (!c->n_bands) {
        return xasprintf("meter %" PRIu32 ": a meter needs at least one "
                         "band",
                         id);
    }
    if (c->n_bands > f->max_bands || c->n_bands > DPIF_METER_MAX_BANDS) {
        return xasprintf("meter %" PRIu32 ": %u bands, at most %u allowed", id,
                         c->n_bands,
                         NF_MIN(f->max_bands, DPIF_METER_MAX_BANDS));
    }
    return NULL;
}

static char *
meter_check_band_types(uint32_t id, const struct dpif_meter_config *c,
                       const struct dpif_meter_features *f)
{
    for (size_t i = 0; i < c->n_bands; i++) {
        uint16_t t = c->bands[i].type;

        if (t >= 32 || !(f->band_types & (1u << t))) {
            return xasprintf("meter %" PRIu32 ": band %zu: band type %u "
                             "not supported (only drop)",
                             id, i + 1, t);
        }
    }
    return NULL;
}

static char *
meter_check_rates(uint32_t id, const struct dpif_meter_config *c,
                  const struct dpif_meter_features *f NF_UNUSED)
{
    for (size_t i = 0; i < c->n_bands; i++) {
        if (!c->bands[i].rate) {
            return xasprintf("meter %" PRIu32 ": band %zu: the rate must "
                             "not be 0",
                             id, i + 1);
        }
    }
    return NULL;
}

/* The checks, in order, each with the error it returns (Open vSwitch's
 * dpif-netdev values, so callers that know them see the same). */
static const struct {
    meter_check_fn *check;
    int error;
} meter_checks[] = {
    { meter_check_id, EFBIG },       { meter_check_flags, EBADF },
    { meter_check_n_bands, EINVAL }, { meter_check_band_types, ENODEV },
    { meter_check_rates, EBADRQC },
};

static int
meters_supported(const struct dpif *dpif, char **errp)
{
    if (!dpif->class->meter_set || !dpif->class->meter_get_features) {
        nf_give_error(errp, xasprintf("%s: datapath type %s has no meters",
                                      dpif_name(dpif), dpif_type(dpif)));
        return EOPNOTSUPP;
    }
    return 0;
}

int
dpif_meter_set(struct dpif *dpif, uint32_t meter_id,
               const struct dpif_meter_config *config, char **errp)
{
    struct dpif_meter_features f;
    int error = meters_supported(dpif, errp);

    if (error) {
        return error;
    }
    dpif_meter_get_features(dpif, &f);
    for (size_t i = 0; i < sizeof meter_checks / sizeof *meter_checks; i++) {
        char *msg = meter_checks[i].check(meter_id, config, &f);

        if (msg) {
            nf_give_error(errp, msg);
            return meter_checks[i].error;
        }
    }
    return dpif->class->meter_set(dpif, meter_id, config, errp);
}

int
dpif_meter_get(const struct dpif *dpif, uint32_t meter_id,
               struct dpif_meter_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    if (!dpif->class->meter_get) {
        return EOPNOTSUPP;
    }
    return dpif->class->meter_get(dpif, meter_id, stats);
}

int
dpif_meter_del(struct dpif *dpif, uint32_t meter_id,
               struct dpif_meter_stats *stats)
{
    if (stats) {
        memset(stats, 0, sizeof *stats);
    }
    if (!dpif->class->meter_del) {
        return EOPNOTSUPP;
    }
    return dpif->class->meter_del(dpif, meter_id, stats);
}
