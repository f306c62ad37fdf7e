/* util.h: small helpers every nicflow module uses.
 *
 * Memory: the x*() allocators never return NULL; on exhaustion they log and
 * abort, because every caller would otherwise need a path it can never test.
 * The "x" family is the util module's prefix (see docs/CODING.md). */
#ifndef NICFLOW_UTIL_H
#define NICFLOW_UTIL_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Returns the struct of type TYPE that holds MEMBER at address PTR. */
#define CONTAINER_OF(ptr, type, member) \
    ((type *) (void *) ((char *) (ptr) -offsetof(type, member)))

#define NF_MIN(a, b) ((a) < (b) ? (a) : (b))
#define NF_MAX(a, b) ((a) > (b) ? (a) : (b))
#define NF_UNUSED __attribute__((unused))
#define NF_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define NF_NORETURN __attribute__((noreturn))
#define NF_WARN_UNUSED __attribute__((warn_unused_result))
#define NF_LIKELY(x) __builtin_expect(!!(x), 1)
#define NF_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Allocate; abort with a message on exhaustion.  xmalloc(0) returns a valid
 * unique pointer. */
void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
void *xmemdup(const void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) NF_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list args) NF_PRINTF(1, 0);

/* Whether the N bytes at P are all zero.  Reads them a word at a time:
 * callers ask it of whole structures (a flow's 328-byte tunnel metadata,
 * for one) on the per-packet and per-flow paths. */
bool nf_is_zero(const void *p, size_t n);

/* Makes malloc grow (and trim) its heaps STEP bytes at a time instead of
 * a page at a time, for a daemon whose tables grow by many small
 * allocations in a burst (nicflowd's flows under a flood of misses).
 * Call it first in main(), before any thread starts.  Does nothing if
 * the user set glibc.malloc.top_pad in GLIBC_TUNABLES, whose choice
 * stands.  Why, and what it costs, in util.c. */
void nf_malloc_grow_in_steps(size_t step);

/* Hands MSG (from malloc(), or NULL) to a caller that may not want it: the
 * caller owns it through *ERRP when ERRP is not NULL; otherwise it is
 * freed.  The one place for the "char **errp" convention's ownership. */
void nf_give_error(char **errp, char *msg);

/* Prints "PROGRAM: message" (plus ": strerror(err)" if err > 0) to stderr
 * and exits with status 1.  For command-line programs, not daemons' runtime
 * paths. */
void nf_fatal(int err, const char *fmt, ...) NF_PRINTF(2, 3) NF_NORETURN;

/* Aborts after printing the message: for broken internal invariants only. */
void nf_abort(const char *fmt, ...) NF_PRINTF(1, 2) NF_NORETURN;
#define nf_assert(cond)                                                \
    do {                                                               \
        if (NF_UNLIKELY(!(cond))) {                                    \
            nf_abort("%s:%d: assertion %s failed", __FILE__, __LINE__, \
                     #cond);                                           \
        }                                                              \
    } while (0)

/* The running program's short name (set by nf_set_program_name(argv[0])). */
extern const char *nf_program_name;
void nf_set_program_name(const char *argv0);

/* Version string of the whole suite. */
const char *nf_version(void);

/* Monotonic and wall-clock milliseconds; monotonic microseconds. */
long long nf_time_msec(void);
long long nf_time_usec(void);
/* Monotonic milliseconds from the clock the kernel updates once a tick
 * (CLOCK_MONOTONIC_COARSE): a tick's resolution and lag behind
 * nf_time_msec(), for a tenth of its cost.  For intervals far longer than
 * a tick, read on hot paths; never compare it with nf_time_msec(). */
long long nf_time_msec_coarse(void);
long long nf_time_wall_msec(void);

/* Strings. */
bool nf_str_prefix(const char *s, const char *prefix);
bool nf_str_suffix(const char *s, const char *suffix);

/* True if each of the N bytes at P is X (true for N == 0): "all ones" and
 * "all zeros" tests of masks and fields. */
bool nf_bytes_all(const void *p, size_t n, uint8_t x);

/* Parses a whole decimal/0x-hex integer in [min, max].  Returns 0 or EINVAL
 * (not a number, trailing garbage) or ERANGE. */
int nf_parse_int(const char *s, long long min, long long max, long long *out);

/* Sets O_NONBLOCK and FD_CLOEXEC.  Returns 0 or a positive errno. */
int nf_set_nonblocking(int fd);

/* Like strerror() but thread-safe and also naming EOF (-1) as
 * "end of file". */
const char *nf_strerror(int err);

#endif /* NICFLOW_UTIL_H */
