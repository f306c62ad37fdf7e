/* unixctl.h: the control socket every nicflow daemon serves.
 *
 * The protocol is JSON-RPC 1.0 over a Unix socket, as Open vSwitch's
 * ovs-appctl speaks it: a request {"method": COMMAND, "params": [ARG...],
 * "id": N} with string arguments, answered by {"result": TEXT, "error":
 * null, "id": N} or {"result": null, "error": TEXT, "id": N}.  So the real
 * ovs-appctl works against our daemons and nicflow-appctl against theirs.
 *
 * Commands are registered process-wide (before or after servers are
 * created) and run on the server's event loop thread.  A command's
 * callback must answer exactly once with unixctl_command_reply() or
 * unixctl_command_reply_error(), either before it returns or later (for a
 * command that waits for something); the connection reads no further
 * request until then.
 *
 * Every server has the built-in commands list-commands, version, vlog/list,
 * vlog/set, vlog/reopen, vlog/close, coverage/show and memory/show; "exit"
 * is registered by the daemon, which knows how to stop. */
#ifndef NICFLOW_UNIXCTL_H
#define NICFLOW_UNIXCTL_H 1

struct evloop;
struct unixctl_server;
struct unixctl_conn;
struct buf;

/* ARGV[0] is the command name, ARGV[1..ARGC-1] its arguments. */
typedef void unixctl_cb_func(struct unixctl_conn *, int argc,
                             const char *argv[], void *aux);

/* Registers NAME (e.g. "fdb/show"), shown with USAGE (e.g. "[BRIDGE]") by
 * list-commands, taking MIN_ARGS to MAX_ARGS arguments (the dispatcher
 * rejects other counts with a message).  Registering a name twice replaces
 * the earlier command. */
void unixctl_command_register(const char *name, const char *usage,
                              int min_args, int max_args, unixctl_cb_func *cb,
                              void *aux);

/* Answers the pending command on CONN with success and BODY (may be NULL
 * for no output). */
void unixctl_command_reply(struct unixctl_conn *, const char *body);

/* Answers the pending command on CONN with an error message. */
void unixctl_command_reply_error(struct unixctl_conn *, const char *body);

/* Starts serving at PATH; NULL means $NICFLOW_RUNDIR/<program>.ctl (the
 * directory is created if missing).  A stale socket file is replaced.
 * Returns 0 with *SERVERP set, or a positive errno with the reason logged
 * (e.g. EADDRINUSE when another live daemon serves PATH). */
int unixctl_server_create(struct evloop *, const char *path,
                          struct unixctl_server **serverp);

/* Closes the listener and every connection and removes the socket file.
 * Commands still pending are answered nowhere. */
void unixctl_server_destroy(struct unixctl_server *);

/* The path of the socket. */
const char *unixctl_server_get_path(const struct unixctl_server *);

/* Called by memory/show: each reporter appends "key:value" words
 * separated by spaces to OUT.  Reporters are process-wide. */
typedef void unixctl_memory_report_func(struct buf *out, void *aux);
void unixctl_memory_register(unixctl_memory_report_func *cb, void *aux);

#endif
