/* stream-fd.c: plain socket streams: "unix:", "tcp:", "punix:", "ptcp:",
 * plus the socket helpers the SSL provider shares (stream-provider.h). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "coverage.h"
#include "stream-provider.h"
#include "util.h"
#include "vlog.h"

VLOG_DEFINE_THIS_MODULE(stream_fd);

COVERAGE_DEFINE(stream_fd_stale_socket);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

/* Listen backlog: connections that arrive while the daemon is busy wait
 * here instead of being refused. */
#define STREAM_FD_BACKLOG 64

/* A plain socket stream (both unix: and tcp:). */
struct fd_stream {
    struct stream up;
    char *unix_path; /* unix: only, for connect() retries. */
};

static struct fd_stream *
fd_stream_cast(const struct stream *s)
{
    return CONTAINER_OF(s, struct fd_stream, up);
}

static struct stream *
fd_stream_create(const struct stream_class *class, const char *name, int fd,
                 bool connected, const char *unix_path)
{
    struct fd_stream *fs = xzalloc(sizeof *fs);
    stream_init(&fs->up, class, name, fd, connected);
    fs->unix_path = unix_path ? xstrdup(unix_path) : NULL;
    return &fs->up;
}

static void
fd_stream_close(struct stream *s)
{
    struct fd_stream *fs = fd_stream_cast(s);
    close(s->fd);
    free(fs->unix_path);
    free(fs);
}

static int
fd_stream_recv(struct stream *s, void *buf, size_t n, size_t *n_read)
{
    for (;;) {
        ssize_t r = recv(s->fd, buf, n, 0);
        if (r > 0) {
            *n_read = (size_t) r;
            return 0;
        } else if (!r) {
            return EOF;
        } else if (errno != EINTR) {
            return errno == EWOULDBLOCK ? EAGAIN : errno;
        }
    }
}

static int
fd_stream_send(struct stream *s, const void *buf, size_t n, size_t *n_sent)
{
    for (;;) {
        /* MSG_NOSIGNAL: a peer that went away must become EPIPE, not a
         * signal that kills the daemon. */
        ssize_t r = send(s->fd, buf, n, MSG_NOSIGNAL);
        if (r > 0) {
            *n_sent = (size_t) r;
            return 0;
        } else if (!r) {
            return EAGAIN;
        } else if (errno != EINTR) {
            return errno == EWOULDBLOCK ? EAGAIN : errno;
        }
    }
}

static uint32_t
fd_stream_wants(const struct stream *s NF_UNUSED, enum stream_op op)
{
    return op == STREAM_OP_RECV ? EPOLLIN : EPOLLOUT;
}

/* Unix domain socket addresses. */

/* Fills UN with PATH.  sun_path holds only 108 bytes, while run
 * directories can be deeper than that, so a longer path is reached through
 * an O_PATH descriptor of its directory as "/proc/self/fd/N/BASENAME";
 * *DIRFD then holds that descriptor, which the caller closes after
 * bind()/connect().  Returns 0 or ENAMETOOLONG/errno. */
static int
make_unix_addr(const char *path, struct sockaddr_un *un, socklen_t *lenp,
               int *dirfd)
{
    *dirfd = -1;
    memset(un, 0, sizeof *un);
    un->sun_family = AF_UNIX;

    size_t len = strlen(path);
    if (len < sizeof un->sun_path) {
        memcpy(un->sun_path, path, len);
    } else {
        const char *slash = strrchr(path, '/');
        if (!slash || strlen(slash + 1) + 32 >= sizeof un->sun_path) {
            return ENAMETOOLONG;
        }
        char *dir = xstrndup(path, (size_t) (slash - path));
        int fd = open(*dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        int error = fd < 0 ? errno : 0;
        free(dir);
        if (error) {
            return error;
        }
        snprintf(un->sun_path, sizeof un->sun_path, "/proc/self/fd/%d/%s", fd,
                 slash + 1);
        *dirfd = fd;
        len = strlen(un->sun_path);
    }
    *lenp = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + len + 1);
    return 0;
}

/* Starts a non-blocking connect() of FD to PATH.  Returns 0 (connected),
 * EAGAIN (the listener's backlog is full; Unix sockets have no connection
 * "in progress", so the caller retries) or an errno. */
static int
unix_connect(int fd, const char *path)
{
    struct sockaddr_un un;
    socklen_t len;
    int dirfd;
    int error = make_unix_addr(path, &un, &len, &dirfd);
    if (error) {
        return error;
    }
    error = connect(fd, (struct sockaddr *) &un, len) ? errno : 0;
    if (dirfd >= 0) {
        close(dirfd);
    }
    if (error == EINPROGRESS || error == EWOULDBLOCK) {
        error = EAGAIN;
    } else if (error == EISCONN) {
        error = 0;
    }
    return error;
}

static int
unix_socket(int *fdp)
{
    *fdp = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    return *fdp < 0 ? errno : 0;
}

static int
unix_open(const char *name, const char *target,
          uint16_t default_port NF_UNUSED, struct stream **streamp)
{
    if (!*target) {
        VLOG_WARN_RL(&rl, "\"%s\": bad address: the socket path is empty",
                     name);
        return EINVAL;
    }

    int fd;
    int error = unix_socket(&fd);
    if (error) {
        VLOG_WARN_RL(&rl, "%s: cannot create socket (%s)", name,
                     nf_strerror(error));
        return error;
    }
    error = unix_connect(fd, target);
    if (error && error != EAGAIN) {
        close(fd);
        return error;
    }
    *streamp = fd_stream_create(&stream_unix_class, name, fd, !error, target);
    return 0;
}

static int
unix_stream_connect(struct stream *s)
{
    /* Only reached after connect() said the backlog was full. */
    return unix_connect(s->fd, fd_stream_cast(s)->unix_path);
}

const struct stream_class stream_unix_class = {
    .name = "unix",
    .open = unix_open,
    .close = fd_stream_close,
    .connect = unix_stream_connect,
    .recv = fd_stream_recv,
    .send = fd_stream_send,
    .wants = fd_stream_wants,
};

/* TCP. */

void
stream_fd_set_nodelay(int fd)
{
    int on = 1;
    /* Failure costs only latency, so it is not worth reporting. */
    (void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

int
stream_inet_connect(const char *name, const struct sockaddr_storage *ss,
                    socklen_t len, int *fdp)
{
    int fd =
        socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        int error = errno;
        VLOG_WARN_RL(&rl, "%s: cannot create socket (%s)", name,
                     nf_strerror(error));
        *fdp = -1;
        return error;
    }
    stream_fd_set_nodelay(fd);
    if (connect(fd, (const struct sockaddr *) ss, len)
        && errno != EINPROGRESS) {
        int error = errno;
        close(fd);
        *fdp = -1;
        return error;
    }
    *fdp = fd;
    return 0;
}

int
stream_fd_check_connect(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLOUT };
    int n;
    do {
        n = poll(&pfd, 1, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return errno;
    } else if (!n) {
        return EAGAIN;
    }

    /* Writable or in error: SO_ERROR tells which.  A peer that accepted
     * and closed at once leaves no error here; it shows up as EOF on the
     * first receive, as it should. */
    int error;
    socklen_t len = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len)) {
        return errno;
    }
    return error;
}

int
stream_inet_listen(const char *name, const struct sockaddr_storage *ss,
                   socklen_t len, int *fdp, uint16_t *bound_port)
{
    int error;
    int on = 1;
    const char *what;
    int fd =
        socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    *fdp = -1;
    *bound_port = 0;
    if (fd < 0) {
        what = "socket";
        error = errno;
        goto log;
    }
    /* A restarted daemon must be able to listen again at once, even while
     * its old connections linger in TIME_WAIT. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on)) {
        what = "setsockopt(SO_REUSEADDR)";
        goto error_close;
    }
    if (bind(fd, (const struct sockaddr *) ss, len)) {
        what = "bind";
        goto error_close;
    }
    if (listen(fd, STREAM_FD_BACKLOG)) {
        what = "listen";
        goto error_close;
    }

    struct sockaddr_storage bound;
    socklen_t bound_len = sizeof bound;
    if (getsockname(fd, (struct sockaddr *) &bound, &bound_len)) {
        what = "getsockname";
        goto error_close;
    }
    *bound_port = ntohs(bound.ss_family == AF_INET6
                            ? ((struct sockaddr_in6 *) &bound)->sin6_port
                            : ((struct sockaddr_in *) &bound)->sin_port);
    *fdp = fd;
    return 0;

error_close:
    error = errno;
    close(fd);
log:;
    char *addr = stream_format_inet(ss);
    VLOG_WARN_RL(&rl, "%s: %s on %s failed (%s)", name, what, addr,
                 nf_strerror(error));
    free(addr);
    return error;
}

int
stream_fd_accept(int fd, struct sockaddr_storage *ss, int *new_fd)
{
    for (;;) {
        socklen_t len = sizeof *ss;
        memset(ss, 0, sizeof *ss);
        int nfd = accept4(fd, (struct sockaddr *) ss, &len,
                          SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (nfd >= 0) {
            *new_fd = nfd;
            return 0;
        }
        *new_fd = -1;
        switch (errno) {
        case EINTR:
            continue;
        case EAGAIN:
#if EWOULDBLOCK != EAGAIN
        case EWOULDBLOCK:
#endif
        case ECONNABORTED:
            /* The peer gave up before we got to it; nothing to accept. */
            return EAGAIN;
        default:
            return errno;
        }
    }
}

static int
tcp_open(const char *name, const char *target, uint16_t default_port,
         struct stream **streamp)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int error =
        stream_parse_active_inet(name, target, default_port, &ss, &len);
    if (error) {
        return error;
    }

    int fd;
    error = stream_inet_connect(name, &ss, len, &fd);
    if (error) {
        return error;
    }
    *streamp = fd_stream_create(&stream_tcp_class, name, fd, false, NULL);
    return 0;
}

static int
tcp_stream_connect(struct stream *s)
{
    return stream_fd_check_connect(s->fd);
}

const struct stream_class stream_tcp_class = {
    .name = "tcp",
    .open = tcp_open,
    .close = fd_stream_close,
    .connect = tcp_stream_connect,
    .recv = fd_stream_recv,
    .send = fd_stream_send,
    .wants = fd_stream_wants,
};

/* Passive streams. */

struct fd_pstream {
    struct pstream up;
    char *unix_path; /* punix: the file to remove on close. */
};

static struct fd_pstream *
fd_pstream_cast(const struct pstream *ps)
{
    return CONTAINER_OF(ps, struct fd_pstream, up);
}

static void
fd_pstream_close(struct pstream *ps)
{
    struct fd_pstream *fps = fd_pstream_cast(ps);
    close(ps->fd);
    if (fps->unix_path) {
        unlink(fps->unix_path);
        free(fps->unix_path);
    }
    free(fps);
}

/* Decides whether the file at PATH may be replaced by a new listening
 * socket.  A socket file nobody listens on is what a crashed daemon leaves
 * behind and is removed; a live listener or a file of another kind is
 * left alone, because removing it would break another program.  Returns 0
 * (PATH is free now) or EADDRINUSE, after logging why. */
static int
punix_clear_path(const char *name, const char *path)
{
    struct stat st;
    if (lstat(path, &st)) {
        return 0;
    }
    if (!S_ISSOCK(st.st_mode)) {
        VLOG_WARN_RL(&rl, "%s: %s exists and is not a socket; leaving it",
                     name, path);
        return EADDRINUSE;
    }

    int fd;
    if (!unix_socket(&fd)) {
        int error = unix_connect(fd, path);
        close(fd);
        if (!error || error == EAGAIN) {
            VLOG_WARN_RL(&rl, "%s: another process already listens on %s",
                         name, path);
            return EADDRINUSE;
        }
    }
    COVERAGE_INC(stream_fd_stale_socket);
    VLOG_INFO("%s: removing stale socket file %s", name, path);
    if (unlink(path) && errno != ENOENT) {
        int error = errno;
        VLOG_WARN_RL(&rl, "%s: cannot remove stale socket file %s (%s)", name,
                     path, nf_strerror(error));
        return error;
    }
    return 0;
}

static int
punix_listen(const char *name, const char *target,
             uint16_t default_port NF_UNUSED, struct pstream **pstreamp)
{
    const char *what;
    int error;
    int fd = -1;

    if (!*target) {
        VLOG_WARN_RL(&rl, "\"%s\": bad address: the socket path is empty",
                     name);
        return EINVAL;
    }
    error = punix_clear_path(name, target);
    if (error) {
        return error;
    }

    error = unix_socket(&fd);
    if (error) {
        what = "socket";
        goto log;
    }

    struct sockaddr_un un;
    socklen_t len;
    int dirfd;
    error = make_unix_addr(target, &un, &len, &dirfd);
    if (error) {
        what = "address";
        goto error_close;
    }
    error = bind(fd, (struct sockaddr *) &un, len) ? errno : 0;
    if (dirfd >= 0) {
        close(dirfd);
    }
    if (error) {
        what = "bind";
        goto error_close;
    }
    if (listen(fd, STREAM_FD_BACKLOG)) {
        error = errno;
        what = "listen";
        goto error_unlink;
    }

    struct fd_pstream *fps = xzalloc(sizeof *fps);
    pstream_init(&fps->up, &pstream_unix_class, name, fd, 0);
    fps->unix_path = xstrdup(target);
    *pstreamp = &fps->up;
    return 0;

error_unlink:
    unlink(target);
error_close:
    close(fd);
log:
    VLOG_WARN_RL(&rl, "%s: %s failed (%s)", name, what, nf_strerror(error));
    return error;
}

static int
punix_accept(struct pstream *ps, struct stream **streamp)
{
    /* Unix peers have no address worth showing; a serial number tells
     * connections apart in the log. */
    static atomic_uint serial;
    struct sockaddr_storage ss;
    int fd;
    int error = stream_fd_accept(ps->fd, &ss, &fd);
    if (error) {
        return error;
    }
    char *name = xasprintf("unix#%u", atomic_fetch_add(&serial, 1) + 1);
    *streamp = fd_stream_create(&stream_unix_class, name, fd, true, NULL);
    free(name);
    return 0;
}

const struct pstream_class pstream_unix_class = {
    .name = "punix",
    .listen = punix_listen,
    .accept = punix_accept,
    .close = fd_pstream_close,
};

static int
ptcp_listen(const char *name, const char *target, uint16_t default_port,
            struct pstream **pstreamp)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int error =
        stream_parse_passive_inet(name, target, default_port, &ss, &len);
    if (error) {
        return error;
    }

    int fd;
    uint16_t port;
    error = stream_inet_listen(name, &ss, len, &fd, &port);
    if (error) {
        return error;
    }
    struct fd_pstream *fps = xzalloc(sizeof *fps);
    pstream_init(&fps->up, &pstream_tcp_class, name, fd, port);
    *pstreamp = &fps->up;
    return 0;
}

static int
ptcp_accept(struct pstream *ps, struct stream **streamp)
{
    struct sockaddr_storage ss;
    int fd;
    int error = stream_fd_accept(ps->fd, &ss, &fd);
    if (error) {
        return error;
    }
    stream_fd_set_nodelay(fd);

    char *peer = stream_format_inet(&ss);
    char *name = xasprintf("tcp:%s", peer);
    *streamp = fd_stream_create(&stream_tcp_class, name, fd, true, NULL);
    free(name);
    free(peer);
    return 0;
}

const struct pstream_class pstream_tcp_class = {
    .name = "ptcp",
    .listen = ptcp_listen,
    .accept = ptcp_accept,
    .close = fd_pstream_close,
};
