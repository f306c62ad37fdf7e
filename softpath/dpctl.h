/* dpctl.h: the ovs-dpctl commands on datapaths of any type (dpif.h).
 *
 * nicflowd offers them on its control socket as "dpctl/COMMAND" for the
 * datapaths it hosts (the userspace ones live in its process), and
 * nicflow-dpctl sends them there.  Command names, arguments, options
 * (-m, -s, --clear, --may-create) and output follow ovs-dpctl(8). */
#ifndef NICFLOW_SOFTPATH_DPCTL_H
#define NICFLOW_SOFTPATH_DPCTL_H 1

#include "lib/buf.h"

struct dpctl_ctx;

/* One command: NAME, its usage, argument counts (after options are taken
 * out), and the handler, which gets ARGV[0] = NAME. */
struct dpctl_command {
    const char *name;
    const char *usage;
    int min_args, max_args;
    int (*handler)(struct dpctl_ctx *, int argc, const char *argv[]);
};

/* The commands, ended by a NULL name. */
const struct dpctl_command *dpctl_commands(void);

/* Runs the command ARGV[0] with its arguments ARGV[1..ARGC-1] (options
 * anywhere), appending its output to OUT.  Returns 0, or a positive errno
 * with a message saying what failed and why in *ERRP (caller frees). */
int dpctl_run(int argc, const char *argv[], struct buf *out, char **errp);

/* What a program hosting datapaths knows of their flows beyond the
 * datapath itself: nicflowd's offload manager.  The softpath does not
 * depend on offload/, so nicflowd passes these in. */
struct dpif_ufid;
struct dpif_flow_stats;
struct dpctl_flow_hooks {
    /* Adds what flow UFID counted outside the datapath (in hardware) to
     * *STATS. */
    void (*merge_stats)(const struct dpif_ufid *ufid,
                        struct dpif_flow_stats *stats);
    /* Appends dump-flows -m's fields for flow UFID ("offloaded:yes,
     * dp:tc"), without a trailing separator. */
    void (*format_status)(const struct dpif_ufid *ufid, struct buf *out);
    /* Whether flow UFID passes dump-flows' "type=TYPE" filter: 1 or 0,
     * or -1 if TYPE is not a type it knows. */
    int (*filter)(const struct dpif_ufid *ufid, const char *type);
};

/* Installs HOOKS (static storage; NULL removes them). */
void dpctl_set_flow_hooks(const struct dpctl_flow_hooks *hooks);

#endif /* NICFLOW_SOFTPATH_DPCTL_H */
