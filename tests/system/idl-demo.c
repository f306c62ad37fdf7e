/* idl-demo: a small command-line driver for the OVSDB IDL (ovsdb/idl.h),
 * built by tests/system/t-ovsdb-idl.sh and run against nicflow-dbd and
 * Open vSwitch's ovsdb-server.
 *
 *   idl-demo --db=REMOTE [--database=NAME] [--timeout=SECS] COMMAND [ARG...]
 *
 * NAME is the database (default Open_vSwitch, whose tables the commands
 * use).
 *
 *   show                       prints the bridges, their ports and
 *                              interfaces, and next_cfg
 *   add-br BRIDGE PORT IFACE   adds a bridge with one port and interface
 *                              and increments next_cfg, in one transaction
 *                              (creating the Open_vSwitch row if missing)
 *   conflict BRIDGE CMD        like "add-br BRIDGE BRIDGE BRIDGE", but runs
 *                              the shell command CMD after reading and
 *                              before the first commit, so that a
 *                              concurrent change makes it retry
 *   wait-reconnect BRIDGE      syncs, prints "synced", then runs from an
 *                              event loop until the replica has resynced
 *                              after a lost session and shows BRIDGE
 *
 * Exit status 0 on success, 1 on failure (with a message on stderr). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/evloop.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ovsdb/idl.h"

static const char *db_remote;
static const char *db_name = "Open_vSwitch";
static int timeout_ms = 30000;

static int
compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Prints one line per bridge, in name order:
 *     bridge NAME: PORT(IFACE,...) ...  */
static void
show(struct ovsdb_idl *idl)
{
    const struct ovsdb_idl_row *br;
    size_t n = 0, i = 0;
    OVSDB_IDL_FOR_EACH (br, idl, "Bridge") {
        n++;
    }
    char **lines = xcalloc(n + 1, sizeof *lines);
    OVSDB_IDL_FOR_EACH (br, idl, "Bridge") {
        char *line =
            xasprintf("bridge %s:", ovsdb_idl_row_get_string(br, "name"));
        for (unsigned int p = 0; p < ovsdb_idl_row_get_n(br, "ports"); p++) {
            const struct ovsdb_idl_row *port =
                ovsdb_idl_row_get_ref(br, "ports", p);
            if (!port) {
                continue;
            }
            char *s = xasprintf("%s %s(", line,
                                ovsdb_idl_row_get_string(port, "name"));
            free(line);
            line = s;
            unsigned int n_ifaces = ovsdb_idl_row_get_n(port, "interfaces");
            for (unsigned int k = 0; k < n_ifaces; k++) {
                const struct ovsdb_idl_row *iface =
                    ovsdb_idl_row_get_ref(port, "interfaces", k);
                s = xasprintf("%s%s%s", line, k ? "," : "",
                              iface ? ovsdb_idl_row_get_string(iface, "name")
                                    : "?");
                free(line);
                line = s;
            }
            s = xasprintf("%s)", line);
            free(line);
            line = s;
        }
        lines[i++] = line;
    }
    qsort(lines, n, sizeof *lines, compare_strings);
    for (i = 0; i < n; i++) {
        printf("%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
    const struct ovsdb_idl_row *ovs = ovsdb_idl_first_row(idl, "Open_vSwitch");
    if (ovs) {
        printf("next_cfg=%lld\n",
               (long long) ovsdb_idl_row_get_integer(ovs, "next_cfg", 0));
    }
    fflush(stdout);
}

struct add_br {
    const char *bridge, *port, *iface;
    const char *between; /* Shell command run on the first attempt. */
    int attempts;
    struct ovsdb_uuid br_uuid;
};

static int
build_add_br(struct ovsdb_idl_txn *txn, void *ab_)
{
    struct add_br *ab = ab_;
    struct ovsdb_idl *idl = ovsdb_idl_txn_get_idl(txn);
    int error = 0;

    ab->attempts++;
    if (ab->attempts > 1) {
        printf("attempt %d: retrying after a concurrent change\n",
               ab->attempts);
    }
    const struct ovsdb_idl_row *br;
    OVSDB_IDL_FOR_EACH (br, idl, "Bridge") {
        const char *name = ovsdb_idl_row_get_string(br, "name");
        if (name && !strcmp(name, ab->bridge)) {
            fprintf(stderr, "idl-demo: bridge %s already exists\n",
                    ab->bridge);
            return EEXIST;
        }
    }

    const struct ovsdb_idl_row *ovs = ovsdb_idl_first_row(idl, "Open_vSwitch");
    if (!ovs) {
        ovs = ovsdb_idl_txn_insert(txn, "Open_vSwitch", NULL);
    } else {
        /* Adding to "bridges" is a read-modify-write: it must fail if
         * another client changed the set meanwhile. */
        error |= ovsdb_idl_txn_verify(txn, ovs, "bridges");
    }
    const struct ovsdb_idl_row *iface =
        ovsdb_idl_txn_insert(txn, "Interface", NULL);
    const struct ovsdb_idl_row *port = ovsdb_idl_txn_insert(txn, "Port", NULL);
    const struct ovsdb_idl_row *bridge =
        ovsdb_idl_txn_insert(txn, "Bridge", NULL);
    if (!ovs || !iface || !port || !bridge) {
        return EINVAL;
    }
    ab->br_uuid = *ovsdb_idl_row_get_uuid(bridge);
    error |= ovsdb_idl_txn_write_string(txn, iface, "name", ab->iface);
    error |= ovsdb_idl_txn_write_string(txn, port, "name", ab->port);
    error |= ovsdb_idl_txn_add_uuid(txn, port, "interfaces",
                                    ovsdb_idl_row_get_uuid(iface));
    error |= ovsdb_idl_txn_write_string(txn, bridge, "name", ab->bridge);
    error |= ovsdb_idl_txn_add_uuid(txn, bridge, "ports",
                                    ovsdb_idl_row_get_uuid(port));
    error |= ovsdb_idl_txn_set_map_string(txn, bridge, "external_ids",
                                          "created-by", "idl-demo");
    error |= ovsdb_idl_txn_add_uuid(txn, ovs, "bridges", &ab->br_uuid);
    if (ovsdb_idl_row_get_insert_seqno(ovs)) { /* Not a new row. */
        error |= ovsdb_idl_txn_increment(txn, ovs, "next_cfg");
    }
    ovsdb_idl_txn_add_comment(txn, "idl-demo: add-br %s", ab->bridge);
    if (error) {
        return EINVAL;
    }

    if (ab->between && ab->attempts == 1) {
        /* The concurrent change, between reading and committing. */
        fflush(stdout);
        if (system(ab->between)) {
            fprintf(stderr, "idl-demo: \"%s\" failed\n", ab->between);
            return EIO;
        }
    }
    return 0;
}

static int
do_add_br(struct ovsdb_idl *idl, struct add_br *ab)
{
    struct ovsdb_idl_txn *txn;
    enum ovsdb_idl_txn_status status =
        ovsdb_idl_txn_commit_retry(idl, build_add_br, ab, timeout_ms, &txn);
    printf("status=%s attempts=%d\n", ovsdb_idl_txn_status_to_string(status),
           ab->attempts);
    if (status != OVSDB_IDL_TXN_SUCCESS) {
        fprintf(stderr, "idl-demo: add-br %s: %s\n", ab->bridge,
                ovsdb_idl_txn_get_error(txn) ? ovsdb_idl_txn_get_error(txn)
                                             : "failed");
        ovsdb_idl_txn_destroy(txn);
        return 1;
    }
    const struct ovsdb_uuid *real =
        ovsdb_idl_txn_get_insert_uuid(txn, &ab->br_uuid);
    char s[OVSDB_UUID_LEN + 1];
    printf("bridge %s uuid=%s\n", ab->bridge,
           real ? ovsdb_uuid_format(real, s) : "?");
    if (ovsdb_idl_txn_get_increment_new_value(txn) >= 0) {
        printf("new next_cfg=%lld\n",
               (long long) ovsdb_idl_txn_get_increment_new_value(txn));
    }
    ovsdb_idl_txn_destroy(txn);

    /* The replica already shows the change: the server sends the update
     * before the reply. */
    show(idl);
    return 0;
}

struct reconnect_wait {
    const char *bridge;
    unsigned int syncs_seen;
    bool done;
};

static void
reconnect_cb(struct ovsdb_idl *idl, void *rw_)
{
    struct reconnect_wait *rw = rw_;
    unsigned int syncs = ovsdb_idl_get_sync_count(idl);
    if (syncs != rw->syncs_seen && ovsdb_idl_is_synced(idl)) {
        rw->syncs_seen = syncs;
        printf("synced (sync #%u)\n", syncs);
        fflush(stdout);
    }
    if (syncs < 2 || !ovsdb_idl_is_synced(idl)) {
        return;
    }
    const struct ovsdb_idl_row *br;
    OVSDB_IDL_FOR_EACH (br, idl, "Bridge") {
        const char *name = ovsdb_idl_row_get_string(br, "name");
        if (name && !strcmp(name, rw->bridge)) {
            rw->done = true;
        }
    }
}

static int
do_wait_reconnect(struct ovsdb_idl *idl, const char *bridge)
{
    struct evloop *loop = evloop_create();
    struct reconnect_wait rw = { .bridge = bridge };
    ovsdb_idl_attach(idl, loop, reconnect_cb, &rw);
    long long deadline = nf_time_msec() + timeout_ms;
    while (!rw.done && nf_time_msec() < deadline) {
        evloop_run_once(loop, 200);
    }
    ovsdb_idl_detach(idl);
    evloop_destroy(loop);
    if (!rw.done) {
        fprintf(stderr,
                "idl-demo: no resync showing bridge %s (syncs %u, last "
                "error: %s)\n",
                bridge, ovsdb_idl_get_sync_count(idl),
                ovsdb_idl_get_last_error(idl) ? ovsdb_idl_get_last_error(idl)
                                              : "none");
        return 1;
    }
    printf("resynced after: %s\n", ovsdb_idl_get_last_error(idl)
                                       ? ovsdb_idl_get_last_error(idl)
                                       : "?");
    show(idl);
    return 0;
}

static void NF_NORETURN
usage(void)
{
    fprintf(stderr,
            "usage: idl-demo --db=REMOTE [--database=NAME] [--timeout=SECS] "
            "COMMAND [ARG...]\n"
            "commands: show | add-br BRIDGE PORT IFACE | conflict BRIDGE "
            "CMD | wait-reconnect BRIDGE\n");
    exit(1);
}

int
main(int argc, char *argv[])
{
    static const struct option options[] = {
        { "db", required_argument, NULL, 'd' },
        { "timeout", required_argument, NULL, 't' },
        { "database", required_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    nf_set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);
    for (int c; (c = getopt_long(argc, argv, "", options, NULL)) != -1;) {
        long long secs;
        switch (c) {
        case 'd':
            db_remote = optarg;
            break;
        case 'n':
            db_name = optarg;
            break;
        case 't':
            if (nf_parse_int(optarg, 1, 3600, &secs)) {
                usage();
            }
            timeout_ms = (int) secs * 1000;
            break;
        default:
            usage();
        }
    }
    argc -= optind;
    argv += optind;
    if (!db_remote || argc < 1) {
        usage();
    }

    struct ovsdb_idl *idl = ovsdb_idl_create(db_remote, db_name);
    ovsdb_idl_add_table(idl, "Open_vSwitch");
    ovsdb_idl_add_table(idl, "Bridge");
    ovsdb_idl_add_table(idl, "Port");
    ovsdb_idl_add_column(idl, "Interface", "name");
    int error = ovsdb_idl_wait_until_synced(idl, timeout_ms);
    if (error) {
        fprintf(stderr, "idl-demo: %s: %s\n", db_remote,
                ovsdb_idl_get_last_error(idl) ? ovsdb_idl_get_last_error(idl)
                                              : nf_strerror(error));
        ovsdb_idl_destroy(idl);
        return 1;
    }

    int status = 0;
    const char *cmd = argv[0];
    if (!strcmp(cmd, "show") && argc == 1) {
        show(idl);
    } else if (!strcmp(cmd, "add-br") && argc == 4) {
        struct add_br ab = { argv[1], argv[2], argv[3], NULL, 0, { { 0 } } };
        status = do_add_br(idl, &ab);
    } else if (!strcmp(cmd, "conflict") && argc == 3) {
        struct add_br ab = {
            argv[1], argv[1], argv[1], argv[2], 0, { { 0 } }
        };
        status = do_add_br(idl, &ab);
    } else if (!strcmp(cmd, "wait-reconnect") && argc == 2) {
        printf("synced\n");
        fflush(stdout);
        status = do_wait_reconnect(idl, argv[1]);
    } else {
        usage();
    }
    ovsdb_idl_destroy(idl);
    return status;
}
