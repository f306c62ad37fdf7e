/* offload-reason.c: reason codes, their short names and messages. */
#include <stdarg.h>
#include <stdio.h>

#include "include/nicflow/offload-provider.h"
#include "lib/util.h"

/* The names offload-stats-show prints, indexed by code: a table so that a
 * new code without a name fails to build (the static assert below). */
static const char *const reason_names[] = {
    [OFFLOAD_R_NONE] = "none",
    [OFFLOAD_R_PENDING] = "pending",
    [OFFLOAD_R_DISABLED] = "disabled",
    [OFFLOAD_R_PORT_EXCLUDED] = "port-excluded",
    [OFFLOAD_R_NO_PROVIDER] = "no-provider",
    [OFFLOAD_R_UNSUPPORTED_MATCH] = "unsupported-match",
    [OFFLOAD_R_UNSUPPORTED_ACTION] = "unsupported-action",
    [OFFLOAD_R_UNSUPPORTED_PORT] = "unsupported-port",
    [OFFLOAD_R_TABLE_FULL] = "table-full",
    [OFFLOAD_R_DEVICE] = "device",
    [OFFLOAD_R_MISMATCH] = "mismatch",
    [OFFLOAD_R_RESTORE_WAIT] = "restore-wait",
    [OFFLOAD_R_INTERNAL] = "internal",
};
_Static_assert(ARRAY_SIZE(reason_names) == OFFLOAD_R__N,
               "every reason code needs a name");

void
offload_reason_set(struct offload_reason *r, enum offload_reason_code code,
                   const char *fmt, ...)
{
    r->code = code;
    r->msg[0] = '\0';
    if (fmt) {
        va_list args;

        va_start(args, fmt);
        /* vsnprintf() truncates and always terminates: a long kernel
         * message is cut, never overflows. */
        vsnprintf(r->msg, sizeof r->msg, fmt, args);
        va_end(args);
    }
}

const char *
offload_reason_code_name(enum offload_reason_code code)
{
    if ((unsigned) code < ARRAY_SIZE(reason_names) && reason_names[code]) {
        return reason_names[code];
    }
    return "unknown";
}
