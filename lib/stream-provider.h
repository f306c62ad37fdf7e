/* stream-provider.h: the interface a stream type implements.
 *
 * A stream type ("unix", "tcp", "ssl") is a struct stream_class: a table of
 * function pointers that stream.c calls.  A listening type ("punix", "ptcp",
 * "pssl") is a struct pstream_class.  Users never see these; they call the
 * client API in stream.h, which parses the "TYPE:ARGS" name, picks the class
 * from its table and then drives the class through the life cycle below.
 *
 * Life cycle of an active stream:
 *
 *   1. stream_open() finds the class whose name matches TYPE and calls
 *      ->open().  ->open() starts connecting without blocking, allocates its
 *      own structure embedding a struct stream, and initialises that with
 *      stream_init().
 *
 *   2. While stream.c considers the stream "connecting", every
 *      stream_connect(), stream_recv() and stream_send() first calls
 *      ->connect() until it returns 0 (connected) or an error.  Between
 *      calls, stream.c asks ->wants(STREAM_OP_CONNECT) which poll events the
 *      connection attempt is waiting for.
 *
 *   3. Once connected, stream_recv() and stream_send() map directly onto
 *      ->recv() and ->send().  After either returns EAGAIN, stream.c asks
 *      ->wants() for that operation and reports the answer through
 *      stream_wants().
 *
 *   4. stream_close() calls ->close(), which releases everything, including
 *      the structure ->open() allocated.
 *
 * A passive stream goes through ->listen() (from pstream_open()), any
 * number of ->accept() calls, and ->close().  An accepted stream is a
 * complete active stream of some stream_class; it may still be connecting
 * (SSL accepts the TCP connection first and handshakes later, inside
 * stream_connect()/recv()/send()).
 *
 * Error convention, for every member: return 0 or a positive errno; EOF
 * (-1) only where stated.  A provider logs the reason for a failure a person
 * must act on (bad address, certificate rejected) with a rate-limited
 * message that names the stream, because the caller only sees the errno. */
#ifndef NICFLOW_STREAM_PROVIDER_H
#define NICFLOW_STREAM_PROVIDER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "stream.h"

/* The operation a ->wants() question is about. */
enum stream_op {
    STREAM_OP_CONNECT,
    STREAM_OP_RECV,
    STREAM_OP_SEND,
};

/* The generic part of an active stream.  The members are owned by stream.c;
 * a provider sets them only through stream_init() and reads FD and NAME. */
struct stream {
    const struct stream_class *class;
    /* As given to stream_open(), or generated for an accepted stream.
     * Owned. */
    char *name;
    int fd; /* The socket the caller waits on. */

    /* Private to stream.c. */
    int state;              /* enum stream_state in stream.c. */
    int error;              /* Connection error, once state is failed. */
    uint32_t connect_wants; /* Events the pending connection needs. */
    uint32_t recv_wants;    /* Events a blocked receive needs. */
    uint32_t send_wants;    /* Events a blocked send needs, or 0. */
};

/* Initialises the generic part of S for CLASS.  NAME is copied.  FD is the
 * socket (already non-blocking and close-on-exec).  CONNECTED says whether
 * the connection is already complete; if not, stream.c calls
 * CLASS->connect() until it is. */
void stream_init(struct stream *s, const struct stream_class *class,
                 const char *name, int fd, bool connected);

struct stream_class {
    /* The TYPE prefix of names this class handles, without the colon:
     * "unix", "tcp", "ssl". */
    const char *name;

    /* Starts connecting to TARGET, the part of the stream name after
     * "TYPE:" (never NULL, possibly empty).  NAME is the whole name, for
     * stream_init() and log messages.  DEFAULT_PORT is the port to use when
     * TARGET names none (0: the caller has no default, so a port is
     * required); classes without ports ignore it.
     *
     * Must not block.  On success stores a stream initialised with
     * stream_init() in *STREAMP and returns 0; the connection may still be
     * in progress.  On failure stores nothing and returns a positive errno:
     * EINVAL for a TARGET that does not parse (after logging why), or the
     * error of a connection attempt that failed at once (ENOENT,
     * ECONNREFUSED, ENETUNREACH...). */
    int (*open)(const char *name, const char *target, uint16_t default_port,
                struct stream **streamp);

    /* Releases everything S holds, including S itself, and closes its file
     * descriptor.  Must not block: a graceful shutdown (SSL close_notify) is
     * attempted once and abandoned if it would block.  S may be in any
     * state, including failed or still connecting. */
    void (*close)(struct stream *s);

    /* Continues the connection attempt of S, which was opened unconnected
     * (stream_init() with CONNECTED false) or accepted unconnected.  Returns
     * 0 once connected, EAGAIN if the attempt is still in progress (the
     * caller waits for ->wants(STREAM_OP_CONNECT)), or a positive errno
     * when it failed (then it is never called again for S).  May be NULL
     * if every stream of the class is connected at creation. */
    int (*connect)(struct stream *s);

    /* Receives up to N (> 0) bytes into BUF from the connected stream S.
     * Returns 0 after storing the number received (1 to N) in *N_READ,
     * EAGAIN if nothing can be received now, EOF (-1) if the peer closed
     * the stream cleanly, or a positive errno (EPROTO for an SSL protocol
     * failure).  *N_READ is 0 unless 0 is returned. */
    int (*recv)(struct stream *s, void *buf, size_t n, size_t *n_read);

    /* Sends up to N (> 0) bytes from BUF on the connected stream S.
     * Returns 0 after storing the number sent (1 to N; partial sends are
     * normal) in *N_SENT, EAGAIN if nothing can be sent now, or a positive
     * errno (EPIPE or ECONNRESET when the peer is gone).  Must never raise
     * SIGPIPE.  After EAGAIN the caller retries with the same bytes (at
     * least as many, the same content, possibly at another address), as
     * SSL requires. */
    int (*send)(struct stream *s, const void *buf, size_t n, size_t *n_sent);

    /* Returns the poll events (EPOLLIN, EPOLLOUT or both) that S needs
     * before operation OP, which most recently returned EAGAIN, can make
     * progress: for a plain socket EPOLLOUT for connect and send and
     * EPOLLIN for recv; for SSL whatever the TLS engine asked for. */
    uint32_t (*wants)(const struct stream *s, enum stream_op op);
};

/* The generic part of a passive (listening) stream. */
struct pstream {
    const struct pstream_class *class;
    char *name;          /* As given to pstream_open().  Owned. */
    int fd;              /* The listening socket. */
    uint16_t bound_port; /* TCP port actually bound, 0 for unix. */
};

/* Initialises the generic part of PS.  NAME is copied. */
void pstream_init(struct pstream *ps, const struct pstream_class *class,
                  const char *name, int fd, uint16_t bound_port);

struct pstream_class {
    /* The TYPE prefix of names this class handles: "punix", "ptcp",
     * "pssl". */
    const char *name;

    /* Starts listening on TARGET (the part of NAME after "TYPE:").
     * DEFAULT_PORT is used when TARGET names no port.  On success stores a
     * pstream initialised with pstream_init() in *PSTREAMP and returns 0;
     * otherwise returns a positive errno (EINVAL for a TARGET that does not
     * parse, EADDRINUSE, EACCES...) after logging why. */
    int (*listen)(const char *name, const char *target, uint16_t default_port,
                  struct pstream **pstreamp);

    /* Accepts one pending connection without blocking.  Returns 0 with a
     * new stream in *STREAMP (possibly still connecting, see the life cycle
     * above), EAGAIN if no connection is pending, or a positive errno
     * (EMFILE...) that does not break PS: the caller may retry later. */
    int (*accept)(struct pstream *ps, struct stream **streamp);

    /* Stops listening and releases PS, including PS itself; a "punix"
     * listener also removes its socket file. */
    void (*close)(struct pstream *ps);
};

/* The built-in classes. */
extern const struct stream_class stream_unix_class;
extern const struct stream_class stream_tcp_class;
extern const struct stream_class stream_ssl_class;
extern const struct pstream_class pstream_unix_class;
extern const struct pstream_class pstream_tcp_class;
extern const struct pstream_class pstream_ssl_class;

/* Helpers shared by the providers.
 *
 * Address syntax.  An active inet TARGET is "IP[:PORT]" or "[IPV6][:PORT]";
 * a passive one is "[PORT][:IP]" where IP may be bracketed or not.  Only
 * numeric addresses are accepted: a switch's control connections should not
 * depend on DNS.  Both parsers return 0 or EINVAL, having logged why (NAME
 * is the whole stream name, for the message). */
int stream_parse_active_inet(const char *name, const char *target,
                             uint16_t default_port,
                             struct sockaddr_storage *ss, socklen_t *lenp);
int stream_parse_passive_inet(const char *name, const char *target,
                              uint16_t default_port,
                              struct sockaddr_storage *ss, socklen_t *lenp);

/* Formats an AF_INET/AF_INET6 address as "IP:PORT" or "[IPV6]:PORT".  The
 * caller frees the result. */
char *stream_format_inet(const struct sockaddr_storage *ss);

/* Creates a non-blocking TCP socket and starts connecting it to SS.
 * Returns 0 with the socket in *FDP (connected or in progress; check with
 * stream_fd_check_connect()) or a positive errno with *FDP = -1. */
int stream_inet_connect(const char *name, const struct sockaddr_storage *ss,
                        socklen_t len, int *fdp);

/* Creates a non-blocking TCP socket listening on SS.  Returns 0 with the
 * socket in *FDP and the bound port (useful when SS asked for port 0) in
 * *BOUND_PORT, or a positive errno after logging why. */
int stream_inet_listen(const char *name, const struct sockaddr_storage *ss,
                       socklen_t len, int *fdp, uint16_t *bound_port);

/* Accepts one connection from the listening socket FD with accept4(), as a
 * non-blocking close-on-exec socket.  Returns 0 with *NEW_FD and the peer's
 * address in *SS, EAGAIN when nothing is pending (also after a connection
 * that was aborted before it could be accepted), or a positive errno. */
int stream_fd_accept(int fd, struct sockaddr_storage *ss, int *new_fd);

/* Checks a non-blocking connect() on FD.  Returns 0 if connected, EAGAIN if
 * still in progress, or the errno of the failed attempt. */
int stream_fd_check_connect(int fd);

/* Sets TCP_NODELAY on FD: JSON-RPC and OpenFlow exchange small messages
 * whose latency matters more than packet count. */
void stream_fd_set_nodelay(int fd);

#endif /* NICFLOW_STREAM_PROVIDER_H */
