/* stream.c: the generic part of streams (see stream.h): name dispatch, the
 * connection state machine every provider shares, address parsing and the
 * blocking helpers. */
#include "stream.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "buf.h"
#include "coverage.h"
#include "stream-provider.h"
#include "util.h"
#include "vlog.h"

VLOG_DEFINE_THIS_MODULE(stream);

COVERAGE_DEFINE(stream_open);
COVERAGE_DEFINE(stream_open_fail);
COVERAGE_DEFINE(stream_connect_fail);
COVERAGE_DEFINE(pstream_open);
COVERAGE_DEFINE(pstream_accept);

/* A name's problem is a configuration mistake, not untrusted input, but a
 * reconnecting client would repeat it every few seconds. */
static struct vlog_rate_limit type_rl = VLOG_RATE_LIMIT_INIT(10, 10);
static struct vlog_rate_limit addr_rl = VLOG_RATE_LIMIT_INIT(10, 10);

enum stream_state {
    SS_CONNECTING,
    SS_CONNECTED,
    SS_FAILED,
};

/* The dispatch tables: TYPE prefix to class.  The order is the order the
 * error message lists them in. */
static const struct stream_class *const stream_classes[] = {
    &stream_unix_class,
    &stream_tcp_class,
    &stream_ssl_class,
};

static const struct pstream_class *const pstream_classes[] = {
    &pstream_unix_class,
    &pstream_tcp_class,
    &pstream_ssl_class,
};

/* Splits NAME at its first colon.  Returns the length of the TYPE prefix
 * and stores the text after the colon in *TARGET, or returns 0 if NAME has
 * no colon. */
static size_t
split_name(const char *name, const char **target)
{
    const char *colon = strchr(name, ':');
    if (!colon) {
        *target = NULL;
        return 0;
    }
    *target = colon + 1;
    return (size_t) (colon - name);
}

static bool
type_matches(const char *class_name, const char *name, size_t type_len)
{
    return strlen(class_name) == type_len
           && !memcmp(class_name, name, type_len);
}

static const struct stream_class *
stream_class_lookup(const char *name, const char **target)
{
    size_t type_len = split_name(name, target);
    for (size_t i = 0; type_len && i < ARRAY_SIZE(stream_classes); i++) {
        if (type_matches(stream_classes[i]->name, name, type_len)) {
            return stream_classes[i];
        }
    }
    return NULL;
}

static const struct pstream_class *
pstream_class_lookup(const char *name, const char **target)
{
    size_t type_len = split_name(name, target);
    for (size_t i = 0; type_len && i < ARRAY_SIZE(pstream_classes); i++) {
        if (type_matches(pstream_classes[i]->name, name, type_len)) {
            return pstream_classes[i];
        }
    }
    return NULL;
}

/* Logs that NAME's type is unknown, listing the accepted types. */
static void
log_unknown_type(const char *name, bool passive)
{
    struct buf types = BUF_INITIALIZER;
    size_t n =
        passive ? ARRAY_SIZE(pstream_classes) : ARRAY_SIZE(stream_classes);
    for (size_t i = 0; i < n; i++) {
        const char *type =
            passive ? pstream_classes[i]->name : stream_classes[i]->name;
        buf_printf(&types, "%s%s:", i ? (i == n - 1 ? " or " : ", ") : "",
                   type);
    }
    VLOG_WARN_RL(&type_rl,
                 "\"%s\": unknown %s type; the name must start "
                 "with %s",
                 name, passive ? "listener" : "connection", buf_cstr(&types));
    buf_destroy(&types);
}

/* Active streams. */

void
stream_init(struct stream *s, const struct stream_class *class,
            const char *name, int fd, bool connected)
{
    s->class = class;
    s->name = xstrdup(name);
    s->fd = fd;
    s->state = connected ? SS_CONNECTED : SS_CONNECTING;
    s->error = 0;
    /* Until the provider says otherwise, a connection in progress completes
     * when the socket becomes writable, and receiving needs input. */
    s->connect_wants = EPOLLOUT;
    s->recv_wants = EPOLLIN;
    s->send_wants = 0;
}

int
stream_verify_name(const char *name)
{
    const char *target;
    return stream_class_lookup(name, &target) ? 0 : EAFNOSUPPORT;
}

int
stream_open_with_default_port(const char *name, uint16_t default_port,
                              struct stream **streamp)
{
    const char *target;
    const struct stream_class *class = stream_class_lookup(name, &target);

    *streamp = NULL;
    COVERAGE_INC(stream_open);
    if (!class) {
        log_unknown_type(name, false);
        COVERAGE_INC(stream_open_fail);
        return EAFNOSUPPORT;
    }
    int error = class->open(name, target, default_port, streamp);
    if (error) {
        COVERAGE_INC(stream_open_fail);
        *streamp = NULL;
        VLOG_DBG("%s: open failed (%s)", name, nf_strerror(error));
    }
    return error;
}

int
stream_open(const char *name, struct stream **streamp)
{
    return stream_open_with_default_port(name, 0, streamp);
}

int
stream_connect(struct stream *s)
{
    switch ((enum stream_state) s->state) {
    case SS_CONNECTED:
        return 0;
    case SS_FAILED:
        return s->error;
    case SS_CONNECTING:
    default:
        break;
    }

    int error = s->class->connect ? s->class->connect(s) : 0;
    if (!error) {
        s->state = SS_CONNECTED;
        VLOG_DBG("%s: connected", s->name);
    } else if (error == EAGAIN) {
        s->connect_wants = s->class->wants(s, STREAM_OP_CONNECT);
    } else {
        /* EOF during a handshake is a failed connection, not an end of
         * data; report it as such so that callers need not special-case
         * EOF from stream_connect(). */
        if (error == EOF) {
            error = ECONNRESET;
        }
        s->state = SS_FAILED;
        s->error = error;
        COVERAGE_INC(stream_connect_fail);
        VLOG_DBG("%s: connection failed (%s)", s->name, nf_strerror(error));
    }
    return error;
}

/* Milliseconds left until DEADLINE (-1: none), for poll(). */
static int
time_left(long long deadline)
{
    if (deadline < 0) {
        return -1;
    }
    long long left = deadline - nf_time_msec();
    return left <= 0 ? 0 : (int) NF_MIN(left, 1000000000LL);
}

static long long
deadline_from_timeout(int timeout_ms)
{
    return timeout_ms < 0 ? -1 : nf_time_msec() + timeout_ms;
}

int
stream_connect_block(struct stream *s, int timeout_ms)
{
    long long deadline = deadline_from_timeout(timeout_ms);

    for (;;) {
        int error = stream_connect(s);
        if (error != EAGAIN) {
            return error;
        }
        int left = time_left(deadline);
        if (!left) {
            return ETIMEDOUT;
        }
        struct pollfd pfd = {
            .fd = s->fd,
            .events = (short) stream_wants(s),
        };
        if (poll(&pfd, 1, left) < 0 && errno != EINTR) {
            return errno;
        }
    }
}

int
stream_open_block(const char *name, uint16_t default_port, int timeout_ms,
                  struct stream **streamp)
{
    struct stream *s;
    int error = stream_open_with_default_port(name, default_port, &s);
    if (error) {
        *streamp = NULL;
        return error;
    }
    error = stream_connect_block(s, timeout_ms);
    if (error) {
        stream_close(s);
        s = NULL;
    }
    *streamp = s;
    return error;
}

int
stream_recv(struct stream *s, void *buf, size_t n, size_t *n_read)
{
    *n_read = 0;
    int error = stream_connect(s);
    if (error) {
        return error;
    }
    error = s->class->recv(s, buf, n, n_read);
    s->recv_wants =
        (error == EAGAIN ? s->class->wants(s, STREAM_OP_RECV) : EPOLLIN);
    if (error) {
        *n_read = 0;
    }
    return error;
}

int
stream_send(struct stream *s, const void *buf, size_t n, size_t *n_sent)
{
    *n_sent = 0;
    int error = stream_connect(s);
    if (error) {
        /* Still connecting: the send has to wait for the connection, which
         * stream_wants() reports. */
        return error;
    }
    error = s->class->send(s, buf, n, n_sent);
    if (error == EAGAIN || (!error && *n_sent < n)) {
        s->send_wants = s->class->wants(s, STREAM_OP_SEND);
    } else {
        s->send_wants = 0;
    }
    if (error) {
        *n_sent = 0;
    }
    return error;
}

uint32_t
stream_wants(const struct stream *s)
{
    switch ((enum stream_state) s->state) {
    case SS_CONNECTING:
        return s->connect_wants;
    case SS_CONNECTED:
        return s->recv_wants | s->send_wants;
    case SS_FAILED:
    default:
        return EPOLLIN;
    }
}

bool
stream_is_connected(const struct stream *s)
{
    return s->state == SS_CONNECTED;
}

int
stream_fd(const struct stream *s)
{
    return s->fd;
}

const char *
stream_get_name(const struct stream *s)
{
    return s->name;
}

void
stream_close(struct stream *s)
{
    if (s) {
        VLOG_DBG("%s: closing", s->name);
        /* The provider frees S, so keep the name until it is done. */
        char *name = s->name;
        s->class->close(s);
        free(name);
    }
}

/* Passive streams. */

void
pstream_init(struct pstream *ps, const struct pstream_class *class,
             const char *name, int fd, uint16_t bound_port)
{
    ps->class = class;
    ps->name = xstrdup(name);
    ps->fd = fd;
    ps->bound_port = bound_port;
}

int
pstream_verify_name(const char *name)
{
    const char *target;
    return pstream_class_lookup(name, &target) ? 0 : EAFNOSUPPORT;
}

int
pstream_open_with_default_port(const char *name, uint16_t default_port,
                               struct pstream **pstreamp)
{
    const char *target;
    const struct pstream_class *class = pstream_class_lookup(name, &target);

    *pstreamp = NULL;
    COVERAGE_INC(pstream_open);
    if (!class) {
        log_unknown_type(name, true);
        return EAFNOSUPPORT;
    }
    int error = class->listen(name, target, default_port, pstreamp);
    if (error) {
        *pstreamp = NULL;
    } else {
        VLOG_DBG("%s: listening", name);
    }
    return error;
}

int
pstream_open(const char *name, struct pstream **pstreamp)
{
    return pstream_open_with_default_port(name, 0, pstreamp);
}

int
pstream_accept(struct pstream *ps, struct stream **streamp)
{
    *streamp = NULL;
    int error = ps->class->accept(ps, streamp);
    if (!error) {
        COVERAGE_INC(pstream_accept);
        VLOG_DBG("%s: accepted connection from %s", ps->name,
                 stream_get_name(*streamp));
    } else {
        *streamp = NULL;
    }
    return error;
}

int
pstream_fd(const struct pstream *ps)
{
    return ps->fd;
}

const char *
pstream_get_name(const struct pstream *ps)
{
    return ps->name;
}

uint16_t
pstream_get_bound_port(const struct pstream *ps)
{
    return ps->bound_port;
}

void
pstream_close(struct pstream *ps)
{
    if (ps) {
        VLOG_DBG("%s: closing listener", ps->name);
        char *name = ps->name;
        ps->class->close(ps);
        free(name);
    }
}

/* Address parsing. */

/* Parses S as a decimal port number in [MIN, 65535].  Leading zeros, signs
 * and hex are refused so that "0x10" or "+80" cannot surprise anyone. */
static bool
parse_port(const char *s, unsigned int min, uint16_t *port)
{
    size_t len = strlen(s);
    if (!len || len > 5 || strspn(s, "0123456789") != len
        || (len > 1 && s[0] == '0')) {
        return false;
    }
    unsigned long v = strtoul(s, NULL, 10);
    if (v < min || v > 65535) {
        return false;
    }
    *port = (uint16_t) v;
    return true;
}

/* Fills SS with FAMILY's address HOST and PORT.  Returns false if HOST is
 * not a numeric address of FAMILY. */
static bool
fill_sockaddr(int family, const char *host, uint16_t port,
              struct sockaddr_storage *ss, socklen_t *lenp)
{
    memset(ss, 0, sizeof *ss);
    if (family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *) ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        *lenp = sizeof *sin;
        return inet_pton(AF_INET, host, &sin->sin_addr) == 1;
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        *lenp = sizeof *sin6;
        return inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1;
    }
}

int
stream_parse_active_inet(const char *name, const char *target,
                         uint16_t default_port, struct sockaddr_storage *ss,
                         socklen_t *lenp)
{
    char *copy = xstrdup(target);
    const char *host, *port_s = NULL;
    const char *reason = NULL;
    int family;
    uint16_t port = default_port;

    if (copy[0] == '[') {
        char *end = strchr(copy, ']');
        if (!end) {
            reason = "missing \"]\" after the IPv6 address";
            goto out;
        }
        *end = '\0';
        if (end[1] == ':') {
            port_s = end + 2;
        } else if (end[1]) {
            reason = "unexpected text after \"]\" (expected \":PORT\")";
            goto out;
        }
        host = copy + 1;
        family = AF_INET6;
    } else {
        char *colon = strchr(copy, ':');
        if (colon && strchr(colon + 1, ':')) {
            reason = "an IPv6 address must be in brackets, "
                     "as in [::1]:6640";
            goto out;
        }
        if (colon) {
            *colon = '\0';
            port_s = colon + 1;
        }
        host = copy;
        family = AF_INET;
    }

    if (!*host) {
        reason = "the IP address is missing";
    } else if (port_s && !parse_port(port_s, 1, &port)) {
        reason = "the port must be a decimal number from 1 to 65535";
    } else if (!port_s && !default_port) {
        reason = "no port given and this connection has no default port";
    } else if (!fill_sockaddr(family, host, port, ss, lenp)) {
        reason = (family == AF_INET
                      ? "not a numeric IPv4 address (host names are not "
                        "supported; put IPv6 addresses in brackets)"
                      : "not a numeric IPv6 address");
    }

out:
    if (reason) {
        VLOG_WARN_RL(&addr_rl, "\"%s\": bad address: %s", name, reason);
    }
    free(copy);
    return reason ? EINVAL : 0;
}

int
stream_parse_passive_inet(const char *name, const char *target,
                          uint16_t default_port, struct sockaddr_storage *ss,
                          socklen_t *lenp)
{
    char *copy = xstrdup(target);
    char *colon = strchr(copy, ':');
    const char *host = "0.0.0.0";
    const char *reason = NULL;
    int family = AF_INET;
    uint16_t port = default_port;

    if (colon) {
        *colon = '\0';
        char *h = colon + 1;
        size_t len = strlen(h);
        if (h[0] == '[') {
            if (len < 2 || h[len - 1] != ']') {
                reason = "missing \"]\" after the IPv6 address";
                goto out;
            }
            h[len - 1] = '\0';
            host = h + 1;
            family = AF_INET6;
        } else if (len) {
            host = h;
            family = strchr(h, ':') ? AF_INET6 : AF_INET;
        }
    }

    if (copy[0] && !parse_port(copy, 0, &port)) {
        reason = "the port must be a decimal number from 0 to 65535";
    } else if (!copy[0] && !default_port) {
        reason = "no port given and this listener has no default port "
                 "(use port 0 for any free port)";
    } else if (!*host) {
        reason = "the IP address is empty";
    } else if (!fill_sockaddr(family, host, port, ss, lenp)) {
        reason = "not a numeric IP address (host names are not supported)";
    }

out:
    if (reason) {
        VLOG_WARN_RL(&addr_rl, "\"%s\": bad address: %s", name, reason);
    }
    free(copy);
    return reason ? EINVAL : 0;
}

char *
stream_format_inet(const struct sockaddr_storage *ss)
{
    char ip[INET6_ADDRSTRLEN];

    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *) ss;
        inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof ip);
        return xasprintf("%s:%u", ip, ntohs(sin->sin_port));
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) ss;
        inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof ip);
        return xasprintf("[%s]:%u", ip, ntohs(sin6->sin6_port));
    }
    return xasprintf("(address family %d)", ss->ss_family);
}
