/* vsctl-misc.c: ovs-vsctl's commands for controllers, fail mode, managers
 * and SSL, and "show" and "emer-reset". */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vlog.h"
#include "ovsdb/vsctl.h"

bool
vsctl_target_is_known(const char *target, bool openflow)
{
    static const char *const methods[] = { "tcp:",  "ssl:",  "unix:",
                                           "ptcp:", "pssl:", "punix:" };
    (void) openflow; /* OpenFlow and OVSDB use the same method names. */
    for (size_t i = 0; i < ARRAY_SIZE(methods); i++) {
        if (!strncmp(target, methods[i], strlen(methods[i]))) {
            return true;
        }
    }
    return false;
}

static int
cmp_strings(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;
    return strcmp(*a, *b);
}

/* Prints the "target" of each row that reference column COLUMN of ROW
 * refers to, sorted, one a line (for reproducible output). */
static void
print_targets(struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
              const char *column)
{
    const struct ovsdb_datum *d = vsctl_read(row, column);
    const char **targets = xcalloc(d->n + 1, sizeof *targets);
    size_t n = 0;

    for (unsigned int i = 0; i < d->n; i++) {
        const struct ovsdb_idl_row *r = vsctl_deref(ctx, row, column, i);
        const char *target = r ? ovsdb_idl_row_get_string(r, "target") : NULL;
        if (target) {
            targets[n++] = target;
        }
    }
    qsort(targets, n, sizeof *targets, cmp_strings);
    for (size_t i = 0; i < n; i++) {
        if (!i || strcmp(targets[i], targets[i - 1])) {
            buf_printf(&ctx->cmd->output, "%s\n", targets[i]);
        }
    }
    free(targets);
}

/* Deletes every row that reference column COLUMN of ROW refers to. */
static void
delete_referenced(struct vsctl_context *ctx, const struct ovsdb_idl_row *row,
                  const char *column)
{
    const struct ovsdb_datum *d = vsctl_read(row, column);
    const struct ovsdb_idl_row **rows = xcalloc(d->n + 1, sizeof *rows);
    size_t n = 0;
    for (unsigned int i = 0; i < d->n; i++) {
        const struct ovsdb_idl_row *r = vsctl_deref(ctx, row, column, i);
        if (r) {
            rows[n++] = r;
        }
    }
    for (size_t i = 0; i < n; i++) {
        vsctl_delete(ctx, rows[i]);
    }
    free(rows);
}

/* Inserts a row of TABLE for each of the N TARGETS (with --inactivity-probe
 * if given) and makes reference column COLUMN of ROW hold exactly them. */
static int
insert_targets(struct vsctl_context *ctx, const char *table,
               const struct ovsdb_idl_row *row, const char *column,
               char **targets, size_t n, bool openflow)
{
    const char *probe = vsctl_option_value(ctx, "--inactivity-probe");
    const struct ovsdb_idl_row **rows = xcalloc(n + 1, sizeof *rows);

    for (size_t i = 0; i < n; i++) {
        if (!vsctl_target_is_known(targets[i], openflow)) {
            /* Logged as ovs-vsctl's "vsctl" module (vsctl-bridge.c). */
            struct vlog_module *m = vlog_module_from_name("vsctl");
            if (m) {
                vlog(m, VLL_WARN, "target type \"%s\" is possibly erroneous",
                     targets[i]);
            }
        }
        rows[i] = vsctl_insert(ctx, table, NULL);
        vsctl_write_string(ctx, rows[i], "target", targets[i]);
        if (probe) {
            vsctl_write_integer(ctx, rows[i], "inactivity_probe",
                                atoll(probe));
        }
    }
    int error = vsctl_write_refs(ctx, row, column, rows, n);
    free(rows);
    return error;
}

/* Controllers. */

static int
cmd_get_controller(struct vsctl_context *ctx)
{
    const struct ovsdb_idl_row *br;
    int error =
        vsctl_find_bridge_row(ctx, ctx->argv[1], true, false, &br, NULL);
    if (!error) {
        vsctl_verify(ctx, br, "controller");
        print_targets(ctx, br, "controller");
    }
    return error;
}

static int
cmd_del_controller(struct vsctl_context *ctx)
{
    const struct ovsdb_idl_row *br;
    int error =
        vsctl_find_bridge_row(ctx, ctx->argv[1], true, true, &br, NULL);
    if (!error) {
        vsctl_verify(ctx, br, "controller");
        delete_referenced(ctx, br, "controller");
        error = vsctl_clear(ctx, br, "controller");
    }
    return error;
}

static int
cmd_set_controller(struct vsctl_context *ctx)
{
    const struct ovsdb_idl_row *br;
    int error =
        vsctl_find_bridge_row(ctx, ctx->argv[1], true, true, &br, NULL);
    if (!error) {
        vsctl_verify(ctx, br, "controller");
        delete_referenced(ctx, br, "controller");
        error = insert_targets(ctx, "Controller", br, "controller",
                               &ctx->argv[2], ctx->argc - 2, true);
    }
    return error;
}

/* Fail mode. */

static int
cmd_get_fail_mode(struct vsctl_context *ctx)
{
    const struct ovsdb_idl_row *br;
    int error =
        vsctl_find_bridge_row(ctx, ctx->argv[1], true, false, &br, NULL);
    if (!error) {
        vsctl_verify(ctx, br, "fail_mode");
        const char *mode = ovsdb_idl_row_get_string(br, "fail_mode");
        if (mode) {
            buf_printf(&ctx->cmd->output, "%s\n", mode);
        }
    }
    return error;
}

static int
cmd_del_fail_mode(struct vsctl_context *ctx)
{
    const struct ovsdb_idl_row *br;
    int error =
        vsctl_find_bridge_row(ctx, ctx->argv[1], true, true, &br, NULL);
    return error ? error : vsctl_clear(ctx, br, "fail_mode");
}

static int
cmd_set_fail_mode(struct vsctl_context *ctx)
{
    const char *mode = ctx->argv[2];
    const struct ovsdb_idl_row *br;
    int error =
        vsctl_find_bridge_row(ctx, ctx->argv[1], true, true, &br, NULL);
    if (error) {
        return error;
    }
    if (strcmp(mode, "standalone") && strcmp(mode, "secure")) {
        return vsctl_error(ctx, "fail-mode must be \"standalone\" or "
                                "\"secure\"");
    }
    return vsctl_write_string(ctx, br, "fail_mode", mode);
}

/* Managers. */

static int
cmd_get_manager(struct vsctl_context *ctx)
{
    vsctl_verify(ctx, ctx->ovs, "manager_options");
    print_targets(ctx, ctx->ovs, "manager_options");
    return 0;
}

static void
delete_managers(struct vsctl_context *ctx)
{
    vsctl_verify(ctx, ctx->ovs, "manager_options");
    delete_referenced(ctx, ctx->ovs, "manager_options");
}

static int
cmd_del_manager(struct vsctl_context *ctx)
{
    delete_managers(ctx);
    return vsctl_clear(ctx, ctx->ovs, "manager_options");
}

static int
cmd_set_manager(struct vsctl_context *ctx)
{
    delete_managers(ctx);
    return insert_targets(ctx, "Manager", ctx->ovs, "manager_options",
                          &ctx->argv[1], ctx->argc - 1, false);
}

/* SSL. */

static int
cmd_get_ssl(struct vsctl_context *ctx)
{
    const struct ovsdb_idl_row *ssl = vsctl_deref(ctx, ctx->ovs, "ssl", 0);
    struct buf *out = &ctx->cmd->output;

    vsctl_verify(ctx, ctx->ovs, "ssl");
    if (ssl) {
        static const char *const columns[] = { "private_key", "certificate",
                                               "ca_cert" };
        static const char *const labels[] = { "Private key", "Certificate",
                                              "CA Certificate" };
        for (size_t i = 0; i < ARRAY_SIZE(columns); i++) {
            const char *s = ovsdb_idl_row_get_string(ssl, columns[i]);
            vsctl_verify(ctx, ssl, columns[i]);
            buf_printf(out, "%s: %s\n", labels[i], s ? s : "");
        }
        vsctl_verify(ctx, ssl, "bootstrap_ca_cert");
        buf_printf(out, "Bootstrap: %s\n",
                   ovsdb_idl_row_get_boolean(ssl, "bootstrap_ca_cert", false)
                       ? "true"
                       : "false");
    }
    return 0;
}

static int
cmd_del_ssl(struct vsctl_context *ctx)
{
    const struct ovsdb_idl_row *ssl = vsctl_deref(ctx, ctx->ovs, "ssl", 0);
    if (!ssl) {
        return 0;
    }
    vsctl_verify(ctx, ctx->ovs, "ssl");
    vsctl_delete(ctx, ssl);
    return vsctl_clear(ctx, ctx->ovs, "ssl");
}

static int
cmd_set_ssl(struct vsctl_context *ctx)
{
    bool bootstrap = vsctl_has_option(ctx, "--bootstrap");
    const struct ovsdb_idl_row *ssl = vsctl_deref(ctx, ctx->ovs, "ssl", 0);

    vsctl_verify(ctx, ctx->ovs, "ssl");
    if (ssl) {
        vsctl_delete(ctx, ssl);
    }
    ssl = vsctl_insert(ctx, "SSL", NULL);
    vsctl_write_string(ctx, ssl, "private_key", ctx->argv[1]);
    vsctl_write_string(ctx, ssl, "certificate", ctx->argv[2]);
    vsctl_write_string(ctx, ssl, "ca_cert", ctx->argv[3]);
    vsctl_write_boolean(ctx, ssl, "bootstrap_ca_cert", bootstrap);
    return vsctl_write_refs(ctx, ctx->ovs, "ssl", &ssl, 1);
}

/* emer-reset: back to a configuration without controllers, managers, SSL,
 * mirrors, flow monitoring or per-port tweaks, keeping bridges and ports
 * (and, as ovs-vsctl 3.1 does, Flow_Sample_Collector_Set rows). */

static void
delete_all(struct vsctl_context *ctx, const char *table)
{
    const struct ovsdb_idl_row **rows;
    size_t n = vsctl_rows(ctx, table, &rows);
    for (size_t i = 0; i < n; i++) {
        vsctl_delete(ctx, rows[i]);
    }
    free(rows);
}

static int
cmd_emer_reset(struct vsctl_context *ctx)
{
    static const char *const br_cleared[] = {
        "controller", "fail_mode", "mirrors",     "netflow",
        "sflow",      "ipfix",     "flood_vlans",
    };
    static const char *const deleted[] = {
        "Mirror", "Controller", "Manager", "NetFlow", "SSL", "sFlow", "IPFIX",
    };
    const struct ovsdb_idl_row **rows;
    size_t n;

    vsctl_clear(ctx, ctx->ovs, "manager_options");
    vsctl_clear(ctx, ctx->ovs, "ssl");

    n = vsctl_rows(ctx, "Bridge", &rows);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < ARRAY_SIZE(br_cleared); j++) {
            vsctl_clear(ctx, rows[i], br_cleared[j]);
        }
        /* Only the "hwaddr" key of other_config survives. */
        const char *hwaddr =
            ovsdb_idl_row_get_map_string(rows[i], "other_config", "hwaddr");
        char *keep = hwaddr ? xstrdup(hwaddr) : NULL;
        vsctl_clear(ctx, rows[i], "other_config");
        if (keep) {
            vsctl_mark_written(ctx, rows[i], "other_config");
            ovsdb_idl_txn_set_map_string(ctx->txn, rows[i], "other_config",
                                         "hwaddr", keep);
            free(keep);
        }
    }
    free(rows);

    n = vsctl_rows(ctx, "Port", &rows);
    for (size_t i = 0; i < n; i++) {
        vsctl_clear(ctx, rows[i], "other_config");
    }
    free(rows);

    n = vsctl_rows(ctx, "Interface", &rows);
    for (size_t i = 0; i < n; i++) {
        vsctl_write_integer(ctx, rows[i], "ingress_policing_rate", 0);
        vsctl_write_integer(ctx, rows[i], "ingress_policing_burst", 0);
    }
    free(rows);

    for (size_t i = 0; i < ARRAY_SIZE(deleted); i++) {
        delete_all(ctx, deleted[i]);
    }
    vsctl_cache_invalidate(ctx);
    return 0;
}

/* show: a tree of the configuration from the Open_vSwitch row down, as
 * data: which tables it shows, the column that names a row, and the
 * columns shown under it (references to shown tables become subtrees). */

struct show_table {
    const char *table;
    const char *name_column; /* NULL: the row's UUID. */
    const char *columns[4];
};

static const struct show_table show_tables[] = {
    { "Open_vSwitch",
      NULL,
      { "manager_options", "bridges", "ovs_version", NULL } },
    { "Bridge",
      "name",
      { "controller", "fail_mode", "datapath_type", "ports" } },
    { "Port", "name", { "tag", "trunks", "interfaces", NULL } },
    { "Interface", "name", { "type", "options", "error", NULL } },
    { "Controller", "target", { "is_connected", NULL, NULL, NULL } },
    { "Manager", "target", { "is_connected", NULL, NULL, NULL } },
};

static const struct show_table *
find_show_table(const char *table)
{
    for (size_t i = 0; i < ARRAY_SIZE(show_tables); i++) {
        if (!strcmp(show_tables[i].table, table)) {
            return &show_tables[i];
        }
    }
    return NULL;
}

static void
indent(struct buf *out, int level)
{
    for (int i = 0; i < level * 4; i++) {
        buf_put_char(out, ' ');
    }
}

/* SHOWN marks the tables being expanded on the current path, so that a
 * cycle of references prints a row's name only. */
static void
show_row(struct vsctl_context *ctx, const struct ovsdb_idl_row *row, int level,
         bool *shown)
{
    const char *table = ovsdb_idl_row_get_table(row);
    const struct show_table *show = find_show_table(table);
    struct buf *out = &ctx->cmd->output;

    indent(out, level);
    if (show && show->name_column) {
        buf_printf(out, "%s ", table);
        vsctl_datum_to_string(vsctl_read(row, show->name_column),
                              ovsdb_idl_row_get_type(row, show->name_column),
                              out);
    } else {
        char s[OVSDB_UUID_LEN + 1];
        buf_put_cstr(out, ovsdb_uuid_format(ovsdb_idl_row_get_uuid(row), s));
    }
    buf_put_char(out, '\n');

    size_t idx = show ? (size_t) (show - show_tables) : 0;
    if (!show || shown[idx]) {
        return;
    }
    shown[idx] = true;
    for (size_t i = 0; i < ARRAY_SIZE(show->columns) && show->columns[i];
         i++) {
        const char *column = show->columns[i];
        const struct ovsdb_type *type = ovsdb_idl_row_get_type(row, column);
        const struct ovsdb_datum *d = vsctl_read(row, column);
        if (!type) {
            continue;
        }
        if (ovsdb_base_type_is_ref(&type->key)
            && find_show_table(type->key.u.uuid.ref_table_name)) {
            for (unsigned int j = 0; j < d->n; j++) {
                const struct ovsdb_idl_row *ref =
                    vsctl_deref(ctx, row, column, j);
                if (ref) {
                    show_row(ctx, ref, level + 1, shown);
                }
            }
            continue;
        }
        if (!ovsdb_datum_is_default(d, type)) {
            indent(out, level + 1);
            buf_printf(out, "%s: ", column);
            vsctl_datum_to_string(d, type, out);
            buf_put_char(out, '\n');
        }
    }
    shown[idx] = false;
}

static int
cmd_show(struct vsctl_context *ctx)
{
    bool shown[ARRAY_SIZE(show_tables)] = { false };
    const struct ovsdb_idl_row **rows;
    size_t n = vsctl_rows(ctx, show_tables[0].table, &rows);
    for (size_t i = 0; i < n; i++) {
        show_row(ctx, rows[i], 0, shown);
    }
    free(rows);
    return 0;
}

#define CTRL "Controller commands"
#define MGR "Manager commands"
#define SSL "SSL commands"
#define OVS "Open vSwitch commands"
const struct vsctl_command_syntax vsctl_misc_commands[] = {
    { "show", 0, 0, "", cmd_show, NULL, VSCTL_RO, OVS, "",
      "print overview of database contents" },
    { "emer-reset", 0, 0, "", cmd_emer_reset, NULL, VSCTL_RW, OVS, "",
      "reset configuration to clean state" },
    { "get-controller", 1, 1, "", cmd_get_controller, NULL, VSCTL_RO, CTRL,
      "BRIDGE", "print the controllers for BRIDGE" },
    { "del-controller", 1, 1, "", cmd_del_controller, NULL, VSCTL_RW, CTRL,
      "BRIDGE", "delete the controllers for BRIDGE" },
    { "set-controller", 1, INT_MAX, "--inactivity-probe=", cmd_set_controller,
      NULL, VSCTL_RW, CTRL, "BRIDGE TARGET...",
      "set the controllers for BRIDGE ([--inactivity-probe=MSECS])" },
    { "get-fail-mode", 1, 1, "", cmd_get_fail_mode, NULL, VSCTL_RO, CTRL,
      "BRIDGE", "print the fail-mode for BRIDGE" },
    { "del-fail-mode", 1, 1, "", cmd_del_fail_mode, NULL, VSCTL_RW, CTRL,
      "BRIDGE", "delete the fail-mode for BRIDGE" },
    { "set-fail-mode", 2, 2, "", cmd_set_fail_mode, NULL, VSCTL_RW, CTRL,
      "BRIDGE MODE", "set the fail-mode for BRIDGE to MODE" },
    { "get-manager", 0, 0, "", cmd_get_manager, NULL, VSCTL_RO, MGR, "",
      "print the managers" },
    { "del-manager", 0, 0, "", cmd_del_manager, NULL, VSCTL_RW, MGR, "",
      "delete the managers" },
    { "set-manager", 1, INT_MAX, "--inactivity-probe=", cmd_set_manager, NULL,
      VSCTL_RW, MGR, "TARGET...",
      "set the list of managers to TARGET... ([--inactivity-probe=MSECS])" },
    { "get-ssl", 0, 0, "", cmd_get_ssl, NULL, VSCTL_RO, SSL, "",
      "print the SSL configuration" },
    { "del-ssl", 0, 0, "", cmd_del_ssl, NULL, VSCTL_RW, SSL, "",
      "delete the SSL configuration" },
    { "set-ssl", 3, 3, "--bootstrap", cmd_set_ssl, NULL, VSCTL_RW, SSL,
      "PRIV-KEY CERT CA-CERT", "set the SSL configuration" },
    { NULL, 0, 0, NULL, NULL, NULL, VSCTL_RO, NULL, NULL, NULL },
};
