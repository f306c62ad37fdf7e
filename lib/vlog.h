/* vlog.h: logging with per-module levels, settable at run time.
 *
 * Every source file that logs declares its module once:
 *
 *     VLOG_DEFINE_THIS_MODULE(stream);
 *
 * and then logs with VLOG_ERR/WARN/INFO/DBG(fmt, ...).  Each module has a
 * level per destination (console = stderr, syslog, file); a message is
 * written to each destination whose level admits it.  Levels are set with
 * the same "module:destination:level" words as Open vSwitch's -v option and
 * vlog/set command, e.g. "stream:file:dbg", "ANY:console:off", "dbg".
 *
 * Logging from a path that untrusted input or a busy loop can drive must be
 * rate limited: declare "static struct vlog_rate_limit rl =
 * VLOG_RATE_LIMIT_INIT(per_minute, burst);" and use VLOG_WARN_RL(&rl, ...).
 * Messages dropped by the limiter are counted and the count is reported
 * with the next message that gets through.
 *
 * All functions are thread-safe. */
#ifndef NICFLOW_VLOG_H
#define NICFLOW_VLOG_H 1

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

enum vlog_level {
    VLL_OFF,
    VLL_EMER,
    VLL_ERR,
    VLL_WARN,
    VLL_INFO,
    VLL_DBG,
    VLL_N_LEVELS
};

enum vlog_destination {
    VLF_CONSOLE,
    VLF_SYSLOG,
    VLF_FILE,
    VLF_N_DESTINATIONS
};

struct vlog_module {
    const char *name;
    int levels[VLF_N_DESTINATIONS];
    int min_level; /* Max over levels[], for a fast test. */
    struct vlog_module *next;
};

/* Defines and registers (before main() runs) the module for this file. */
#define VLOG_DEFINE_THIS_MODULE(NAME)                                    \
    static struct vlog_module vlog_this_module__ = {                     \
        #NAME, { VLL_INFO, VLL_ERR, VLL_INFO }, VLL_INFO, NULL           \
    };                                                                   \
    static void vlog_register_this__(void) __attribute__((constructor)); \
    static void vlog_register_this__(void)                               \
    {                                                                    \
        vlog_register_module(&vlog_this_module__);                       \
    }                                                                    \
    struct vlog_this_module_dummy__

struct vlog_rate_limit {
    unsigned int per_minute; /* Sustained messages per minute. */
    unsigned int burst;      /* Bucket size. */
    unsigned int tokens;     /* Scaled by 60000 (msec per minute). */
    long long last_fill;     /* Monotonic msec. */
    unsigned int n_dropped;
};

#define VLOG_RATE_LIMIT_INIT(PER_MINUTE, BURST)       \
    {                                                 \
        (PER_MINUTE), (BURST), 60000u * (BURST), 0, 0 \
    }

void vlog_register_module(struct vlog_module *);
struct vlog_module *vlog_module_from_name(const char *name);

bool vlog_is_enabled(const struct vlog_module *, enum vlog_level);

/* Writes one message (no trailing newline needed). */
void vlog(const struct vlog_module *, enum vlog_level, const char *fmt, ...)
    NF_PRINTF(3, 4);

/* Like vlog(), subject to RL. */
void vlog_rl(const struct vlog_module *, enum vlog_level,
             struct vlog_rate_limit *rl, const char *fmt, ...) NF_PRINTF(4, 5);

#define VLOG__(LEVEL, ...)                                 \
    do {                                                   \
        if (vlog_this_module__.min_level >= (LEVEL)) {     \
            vlog(&vlog_this_module__, LEVEL, __VA_ARGS__); \
        }                                                  \
    } while (0)
#define VLOG_RL__(RL, LEVEL, ...)                                 \
    do {                                                          \
        if (vlog_this_module__.min_level >= (LEVEL)) {            \
            vlog_rl(&vlog_this_module__, LEVEL, RL, __VA_ARGS__); \
        }                                                         \
    } while (0)

#define VLOG_EMER(...) VLOG__(VLL_EMER, __VA_ARGS__)
#define VLOG_ERR(...) VLOG__(VLL_ERR, __VA_ARGS__)
#define VLOG_WARN(...) VLOG__(VLL_WARN, __VA_ARGS__)
#define VLOG_INFO(...) VLOG__(VLL_INFO, __VA_ARGS__)
#define VLOG_DBG(...) VLOG__(VLL_DBG, __VA_ARGS__)
#define VLOG_ERR_RL(RL, ...) VLOG_RL__(RL, VLL_ERR, __VA_ARGS__)
#define VLOG_WARN_RL(RL, ...) VLOG_RL__(RL, VLL_WARN, __VA_ARGS__)
#define VLOG_INFO_RL(RL, ...) VLOG_RL__(RL, VLL_INFO, __VA_ARGS__)
#define VLOG_DBG_RL(RL, ...) VLOG_RL__(RL, VLL_DBG, __VA_ARGS__)
#define VLOG_IS_DBG_ENABLED() (vlog_this_module__.min_level >= VLL_DBG)

/* Applies a "word[:word...]" setting where each word is a module name,
 * "any", a destination (console, syslog, file, any) or a level (off, emer,
 * err, warn, info, dbg).  Omitted module/destination mean all.  Words may
 * also be separated by spaces.  Returns 0, or EINVAL with a message in
 * *ERRP (caller frees) saying which word was not understood. */
int vlog_set_levels_from_string(const char *spec, char **errp);

/* Sets every module's level for DEST (or all destinations if DEST is
 * VLF_N_DESTINATIONS). */
void vlog_set_levels(struct vlog_module *, enum vlog_destination,
                     enum vlog_level);

/* The table printed by vlog/list (caller frees). */
char *vlog_list(void);

/* Opens PATH (NULL: the default $NICFLOW_LOGDIR/<program>.log) as the file
 * destination.  Returns 0 or a positive errno. */
int vlog_set_log_file(const char *path);

/* Reopens the current log file (after rotation).  0 or positive errno. */
int vlog_reopen_log_file(void);

/* Closes the log file; file-destination messages are then discarded. */
void vlog_close_log_file(void);

/* The path of the log file, or NULL. */
const char *vlog_get_log_file(void);

/* Enables the syslog destination with openlog(nf_program_name). */
void vlog_init_syslog(void);

const char *vlog_level_to_string(enum vlog_level);
int vlog_level_from_string(const char *); /* -1 if unknown. */

#endif
