/* util.c: allocation, error and small string helpers (see util.h). */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef NICFLOW_VERSION
#define NICFLOW_VERSION "0.1.0"
#endif

const char *nf_program_name = "nicflow";

void
nf_set_program_name(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    nf_program_name = slash ? slash + 1 : argv0;
}

const char *
nf_version(void)
{
    return NICFLOW_VERSION;
}

static void NF_NORETURN
out_of_memory(size_t n)
{
    fprintf(stderr, "%s: out of memory allocating %zu bytes\n",
            nf_program_name, n);
    abort();
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        out_of_memory(n);
    }
    return p;
}

void *
xzalloc(size_t n)
{
    return xcalloc(1, n);
}

void *
xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) {
        out_of_memory(count * size);
    }
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        out_of_memory(n);
    }
    return p;
}

void *
xmemdup(const void *p, size_t n)
{
    void *q = xmalloc(n);
    if (n) {
        memcpy(q, p, n);
    }
    return q;
}

char *
xstrdup(const char *s)
{
    return xmemdup(s, strlen(s) + 1);
}

char *
xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *q = xmalloc(len + 1);
    memcpy(q, s, len);
    q[len] = '\0';
    return q;
}

char *
xvasprintf(const char *fmt, va_list args)
{
    va_list copy;
    va_copy(copy, args);
    int len = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (len < 0) {
        nf_abort("vsnprintf failed for format \"%s\"", fmt);
    }
    char *s = xmalloc((size_t) len + 1);
    vsnprintf(s, (size_t) len + 1, fmt, args);
    return s;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *s = xvasprintf(fmt, args);
    va_end(args);
    return s;
}

/* glibc grows a thread's arena (every thread but the main one gets its
 * own) by exactly the pages a request needs, with an mprotect() each time,
 * and a heap that grows a page at a time is never backed by transparent
 * huge pages.  An upcall handler that sets up 20,000 flows in a few
 * seconds made about 2,000 such steps: on the kernel datapath benchmark
 * the mprotect()s and page faults were some 6 % of its time.  A top pad
 * makes each step STEP bytes (new heaps start that large; the main
 * arena's brk() moves that much further), and trimming keeps that much
 * free at the top of each heap instead of giving it back at once.
 *
 * The cost: up to STEP of free memory stays with each arena after a burst
 * (it is not touched, so it is resident only where it was used before),
 * and setting it turns off glibc's sliding mmap threshold, which would
 * otherwise rise after the first large buffer is freed.  The threshold is
 * fixed here at 1 MB instead, so that buffers of some hundred kB that
 * come and go (a dump's reply, say) are not an mmap() and munmap() each. */
void
nf_malloc_grow_in_steps(size_t step)
{
    const char *tun = getenv("GLIBC_TUNABLES");

    if (tun && strstr(tun, "top_pad")) {
        return;
    }
    mallopt(M_TOP_PAD, (int) NF_MIN(step, (size_t) INT_MAX));
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

bool
nf_is_zero(const void *p_, size_t n)
{
    const uint8_t *p = p_;

    /* 32 bytes between checks: a loop without an early exit inside is one
     * the compiler can widen, and zero is the usual answer. */
    while (n >= 32) {
        uint64_t w[4];
        memcpy(w, p, sizeof w);
        if (w[0] | w[1] | w[2] | w[3]) {
            return false;
        }
        p += 32;
        n -= 32;
    }
    uint64_t acc = 0;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        acc |= w;
    }
    for (; n; p++, n--) {
        acc |= *p;
    }
    return !acc;
}

void
nf_give_error(char **errp, char *msg)
{
    if (errp) {
        *errp = msg;
    } else {
        free(msg);
    }
}

void
nf_fatal(int err, const char *fmt, ...)
{
    va_list args;
    fprintf(stderr, "%s: ", nf_program_name);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    if (err > 0) {
        fprintf(stderr, ": %s", nf_strerror(err));
    }
    fputc('\n', stderr);
    exit(1);
}

void
nf_abort(const char *fmt, ...)
{
    va_list args;
    fprintf(stderr, "%s: internal error: ", nf_program_name);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    abort();
}

static long long
clock_msec(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
nf_time_msec(void)
{
    return clock_msec(CLOCK_MONOTONIC);
}

long long
nf_time_msec_coarse(void)
{
    return clock_msec(CLOCK_MONOTONIC_COARSE);
}

long long
nf_time_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long
nf_time_wall_msec(void)
{
    return clock_msec(CLOCK_REALTIME);
}

bool
nf_str_prefix(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

bool
nf_str_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

bool
nf_bytes_all(const void *p_, size_t n, uint8_t x)
{
    const uint8_t *p = p_;

    for (size_t i = 0; i < n; i++) {
        if (p[i] != x) {
            return false;
        }
    }
    return true;
}

int
nf_parse_int(const char *s, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    if (!*s) {
        return EINVAL;
    }
    long long v = strtoll(s, &end, 0);
    if (*end) {
        return EINVAL;
    }
    if (errno == ERANGE || v < min || v > max) {
        return ERANGE;
    }
    *out = v;
    return 0;
}

int
nf_set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        return errno;
    }
    fl = fcntl(fd, F_GETFD);
    if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0) {
        return errno;
    }
    return 0;
}

const char *
nf_strerror(int err)
{
    static __thread char buf[128];
    if (err == EOF) {
        return "end of file";
    }
    /* The GNU strerror_r may return a static string instead of filling
     * BUF; use whatever it returns. */
    return strerror_r(err, buf, sizeof buf);
}
