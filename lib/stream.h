/* stream.h: byte-stream connections named like Open vSwitch remotes.
 *
 * An active stream connects to a peer; a passive stream ("pstream") listens
 * and accepts streams.  Both are named "TYPE:ARGS":
 *
 *     unix:PATH            Unix domain socket at PATH.
 *     tcp:IP[:PORT]        TCP to IP (IPv4, or IPv6 in brackets:
 *                          tcp:[::1]:6640).
 *     ssl:IP[:PORT]        TLS over TCP, mutually authenticated (see the
 *                          SSL configuration functions below).
 *
 *     punix:PATH           Listen on a Unix domain socket at PATH.  A stale
 *                          socket file left by a dead process is removed
 *                          first; the file is removed again on close.
 *     ptcp:[PORT][:IP]     Listen for TCP on PORT (0: any free port, see
 *                          pstream_get_bound_port()) at IP (default
 *                          0.0.0.0; an IPv6 address may be bracketed).
 *     pssl:[PORT][:IP]     Likewise, for TLS.
 *
 * Only numeric addresses are accepted, no host names.  A missing port is
 * taken from the caller: the *_with_default_port() variants take the
 * default (6640 for OVSDB, 6653 for OpenFlow); the plain variants require a
 * port in the name.
 *
 * Everything is non-blocking.  A caller registers stream_fd() in its event
 * loop for the events stream_wants() returns and calls stream_recv() until
 * it returns EAGAIN before waiting again (TLS may hold received data that
 * the socket no longer signals).  The *_block() helpers are for
 * command-line programs that have nothing else to do while they wait.
 *
 * Error convention: 0 or a positive errno; stream_recv() also returns EOF
 * (-1) for a clean end of stream.  Failures a person must act on (a bad
 * name, a rejected certificate) are logged with the reason.
 *
 * Not thread-safe: one thread uses a given stream at a time.  The SSL
 * configuration is process-wide and must be set before SSL streams are
 * opened from several threads. */
#ifndef NICFLOW_STREAM_H
#define NICFLOW_STREAM_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stream;
struct pstream;

/* Well-known ports, for the *_with_default_port() functions. */
#define STREAM_OVSDB_PORT 6640
#define STREAM_OPENFLOW_PORT 6653

/* Active streams. */

/* Checks that NAME has a known active TYPE (without parsing the rest).
 * Returns 0 or EAFNOSUPPORT, for option parsing. */
int stream_verify_name(const char *name);

/* Starts connecting to NAME without blocking.  Returns 0 with the new
 * stream in *STREAMP (the connection may still be in progress), or a
 * positive errno with *STREAMP = NULL:
 *   EAFNOSUPPORT  unknown TYPE (the log names the accepted types);
 *   EINVAL        ARGS do not parse, or the port is missing (logged);
 *   ENOPROTOOPT   ssl: without key, certificate and CA configured;
 *   other         the connection failed at once (ENOENT and ECONNREFUSED
 *                 are typical for unix:).
 * Connection errors may also be reported later by stream_connect(). */
int stream_open(const char *name, struct stream **streamp);

/* Like stream_open(), with DEFAULT_PORT used when NAME has no port. */
int stream_open_with_default_port(const char *name, uint16_t default_port,
                                  struct stream **streamp);

/* Opens NAME like stream_open_with_default_port() and waits up to
 * TIMEOUT_MS (-1: forever) for the connection, including the TLS
 * handshake, to complete.  Returns 0 with a connected stream in *STREAMP,
 * ETIMEDOUT, or the error of stream_open()/stream_connect(). */
int stream_open_block(const char *name, uint16_t default_port, int timeout_ms,
                      struct stream **streamp);

/* Advances the connection.  Returns 0 once connected (and for every later
 * call), EAGAIN while in progress (wait for stream_wants()), or the
 * positive errno of the failed connection (the same on every later call).
 * Calling it is optional: stream_recv() and stream_send() drive the
 * connection themselves. */
int stream_connect(struct stream *);

/* Waits up to TIMEOUT_MS (-1: forever) for stream_connect() to finish.
 * Returns 0, ETIMEDOUT or the connection's error. */
int stream_connect_block(struct stream *, int timeout_ms);

/* Receives up to N (> 0) bytes into BUF.  Returns:
 *   0       *N_READ bytes (1 to N) were received;
 *   EAGAIN  nothing to receive yet, or still connecting;
 *   EOF     the peer closed the stream cleanly (-1);
 *   errno   the connection failed (ECONNRESET, EPROTO for TLS...).
 * *N_READ is 0 unless 0 is returned. */
int stream_recv(struct stream *, void *buf, size_t n, size_t *n_read);

/* Sends up to N (> 0) bytes from BUF.  Returns 0 with the number sent in
 * *N_SENT (1 to N: a partial send is normal, send the rest when
 * stream_wants() says so), EAGAIN if nothing could be sent (or still
 * connecting), or a positive errno (EPIPE or ECONNRESET when the peer is
 * gone).  Never raises SIGPIPE.  After a partial send or EAGAIN, the next
 * stream_send() must offer the unsent bytes again (at least as many, the
 * same content): TLS requires it. */
int stream_send(struct stream *, const void *buf, size_t n, size_t *n_sent);

/* Returns the events (EPOLLIN, EPOLLOUT or both, as in <sys/epoll.h>;
 * POLLIN and POLLOUT have the same values) to wait for on stream_fd()
 * before calling the stream again.  While connecting: what the connection
 * attempt needs.  Once connected: what receiving needs (normally EPOLLIN;
 * the caller is assumed to always want to receive) plus, if the last
 * stream_send() was partial or returned EAGAIN, what sending needs
 * (normally EPOLLOUT).  A failed stream wants EPOLLIN, so that a caller
 * that missed the error still wakes up and sees it. */
uint32_t stream_wants(const struct stream *);

/* True once stream_connect() has returned 0. */
bool stream_is_connected(const struct stream *);

/* The stream's socket, to register in an event loop.  Owned by the
 * stream: do not close it, and remove it from the loop before
 * stream_close(). */
int stream_fd(const struct stream *);

/* The name given to stream_open(); for an accepted stream, the peer
 * ("tcp:192.0.2.1:40212", "ssl:[::1]:40212", "unix#3"). */
const char *stream_get_name(const struct stream *);

/* Closes the stream and frees it.  NULL is ignored. */
void stream_close(struct stream *);

/* Passive streams. */

/* Checks that NAME has a known passive TYPE.  0 or EAFNOSUPPORT. */
int pstream_verify_name(const char *name);

/* Starts listening on NAME.  Returns 0 with the listener in *PSTREAMP, or a
 * positive errno with *PSTREAMP = NULL: EAFNOSUPPORT (unknown TYPE),
 * EINVAL (bad ARGS), ENOPROTOOPT (pssl: without SSL configuration),
 * EADDRINUSE (address taken, or another process serves the punix: path),
 * or the errno of socket/bind/listen; each is logged with the reason. */
int pstream_open(const char *name, struct pstream **pstreamp);

/* Like pstream_open(), with DEFAULT_PORT used when NAME has no port. */
int pstream_open_with_default_port(const char *name, uint16_t default_port,
                                   struct pstream **pstreamp);

/* Accepts one pending connection.  Returns 0 with a new stream in
 * *STREAMP, EAGAIN if none is pending, or a positive errno (EMFILE...); an
 * error leaves the listener usable.  An accepted SSL stream completes its
 * handshake inside stream_connect()/stream_recv()/stream_send(). */
int pstream_accept(struct pstream *, struct stream **streamp);

/* The listening socket (wait for EPOLLIN before pstream_accept()). */
int pstream_fd(const struct pstream *);

/* The name given to pstream_open(). */
const char *pstream_get_name(const struct pstream *);

/* The TCP port the listener is bound to (useful after "ptcp:0"); 0 for
 * punix:. */
uint16_t pstream_get_bound_port(const struct pstream *);

/* Stops listening and frees the listener (punix: removes the socket file).
 * NULL is ignored. */
void pstream_close(struct pstream *);

/* SSL configuration (process-wide).
 *
 * ssl: and pssl: streams use TLS 1.2 or later and always authenticate both
 * ends: each side presents the certificate set here and verifies the
 * peer's against the CA certificate, as Open vSwitch does.  Host names are
 * not checked (the names are IP addresses); trust comes from the CA alone.
 * Settings apply to streams opened afterwards. */

/* Loads the PEM private key and certificate (chain) used to authenticate
 * this end.  Returns 0, ENOENT (a file is missing), or EPROTO (a file does
 * not hold a usable key or certificate, or they do not match); the reason
 * is logged. */
int stream_ssl_set_key_and_cert(const char *private_key_file,
                                const char *certificate_file);

/* Loads the PEM CA certificate(s) that peers' certificates must be issued
 * by.  Returns 0, ENOENT or EPROTO, logging why.
 *
 * With BOOTSTRAP true and FILE missing, returns 0 and enters bootstrap
 * mode: the first ssl: connection accepts the server without verification,
 * saves the root CA certificate at the top of the server's chain into FILE,
 * trusts it from then on, and fails with EPROTO so that the caller
 * reconnects, this time verified.  Use only on a trusted network (it is
 * trust-on-first-use). */
int stream_ssl_set_ca_cert_file(const char *file, bool bootstrap);

/* True if key, certificate and CA (or CA bootstrap) are all set. */
bool stream_ssl_is_configured(void);

/* Forgets the SSL configuration and frees its memory (for tests and clean
 * exits).  Streams already open keep working. */
void stream_ssl_reset(void);

#endif /* NICFLOW_STREAM_H */
