/* stream-ssl.c: TLS streams ("ssl:", "pssl:") over non-blocking TCP, with
 * OpenSSL 3.
 *
 * Both ends always present a certificate and verify the peer's against the
 * configured CA, as Open vSwitch does: a switch and its controllers or
 * database authenticate each other, there is no anonymous side.  TLS 1.2
 * is the oldest version accepted.
 *
 * State machine of one stream (driven by stream.c through ->connect(),
 * ->recv() and ->send()):
 *
 *   TCP_CONNECTING --socket writable, no error--> HANDSHAKING
 *   HANDSHAKING --SSL_do_handshake() done--> OPEN
 *   any --fatal TLS or socket error--> BROKEN (no close_notify is sent)
 *
 * Accepted streams start in HANDSHAKING.  Each operation that OpenSSL
 * cannot complete records whether it wants the socket readable or
 * writable, which ->wants() reports: a TLS read may need to write and the
 * other way round. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "coverage.h"
#include "stream-provider.h"
#include "util.h"
#include "vlog.h"

VLOG_DEFINE_THIS_MODULE(stream_ssl);

COVERAGE_DEFINE(stream_ssl_handshake);
COVERAGE_DEFINE(stream_ssl_handshake_fail);
COVERAGE_DEFINE(stream_ssl_error);

/* Handshake failures are driven by whoever connects: rate limit them. */
static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(30, 10);

/* The configuration (see stream.h).  The context built from it is cached
 * in ssl_ctx and rebuilt after any setting changes; SSL objects hold their
 * own reference to the context they were created from, so replacing it
 * does not disturb open streams. */
static char *ssl_key_file;
static char *ssl_cert_file;
static char *ssl_ca_file;
static bool ssl_ca_bootstrap; /* CA file missing, bootstrap allowed. */
static SSL_CTX *ssl_ctx;

enum ssl_state {
    SSL_S_TCP_CONNECTING,
    SSL_S_HANDSHAKING,
    SSL_S_OPEN,
    SSL_S_BROKEN,
};

struct ssl_stream {
    struct stream up;
    SSL *ssl;
    enum ssl_state state;
    bool server;        /* Accepted (TLS server side)? */
    bool bootstrapping; /* Connecting to learn the CA cert. */
    uint32_t wants[3];  /* Indexed by enum stream_op. */
};

static struct ssl_stream *
ssl_stream_cast(const struct stream *s)
{
    return CONTAINER_OF(s, struct ssl_stream, up);
}

/* Returns the OpenSSL error queue as one line ("no further detail" if it
 * is empty) and clears it.  The caller frees the result. */
static char *
ssl_error_queue_string(void)
{
    struct buf b = BUF_INITIALIZER;
    unsigned long e;
    while ((e = ERR_get_error()) != 0) {
        char text[256];
        ERR_error_string_n(e, text, sizeof text);
        buf_printf(&b, "%s%s", b.len ? "; " : "", text);
    }
    if (!b.len) {
        buf_put_cstr(&b, "no further detail from OpenSSL");
    }
    return buf_steal_cstr(&b);
}

/* Checks that FILE exists, logging which WHAT is missing if not. */
static int
check_file(const char *file, const char *what)
{
    if (access(file, R_OK)) {
        int error = errno;
        VLOG_ERR("%s %s cannot be read (%s)", what, file, nf_strerror(error));
        return error;
    }
    return 0;
}

/* A context with the settings every nicflow TLS connection shares. */
static SSL_CTX *
ssl_ctx_create_base(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    if (!ctx) {
        char *why = ssl_error_queue_string();
        nf_abort("SSL_CTX_new failed: %s", why);
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    /* A peer that closes the TCP connection without close_notify is
     * treated as an end of stream, like a plain socket: OVSDB and OpenFlow
     * messages are self-delimiting, so truncation cannot go unnoticed.
     * Renegotiation is refused: nothing needs it, and it complicates the
     * non-blocking state machine. */
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF
                                 | SSL_OP_NO_RENEGOTIATION);
    /* Callers hand in a queue's head, which can be long and can move
     * between retries of the same bytes. */
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE
                              | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       NULL);
    /* Sessions are not resumed (connections are long-lived), so session
     * tickets would be wasted bytes. */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx, 0);
    return ctx;
}

static int
ssl_ctx_load_key_and_cert(SSL_CTX *ctx, const char *key_file,
                          const char *cert_file)
{
    int error = check_file(key_file, "SSL private key file");
    if (!error) {
        error = check_file(cert_file, "SSL certificate file");
    }
    if (error) {
        return error;
    }
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
        char *why = ssl_error_queue_string();
        VLOG_ERR("SSL certificate file %s does not hold a usable PEM "
                 "certificate: %s",
                 cert_file, why);
        free(why);
        return EPROTO;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1) {
        char *why = ssl_error_queue_string();
        VLOG_ERR("SSL private key file %s does not hold a usable PEM "
                 "private key: %s",
                 key_file, why);
        free(why);
        return EPROTO;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        char *why = ssl_error_queue_string();
        VLOG_ERR("SSL private key %s does not match certificate %s: %s",
                 key_file, cert_file, why);
        free(why);
        return EPROTO;
    }
    return 0;
}

static int
ssl_ctx_load_ca(SSL_CTX *ctx, const char *ca_file)
{
    int error = check_file(ca_file, "SSL CA certificate file");
    if (error) {
        return error;
    }
    if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
        char *why = ssl_error_queue_string();
        VLOG_ERR("SSL CA certificate file %s does not hold a usable PEM "
                 "certificate: %s",
                 ca_file, why);
        free(why);
        return EPROTO;
    }
    /* Tell clients which CAs we accept, so one with several certificates
     * can pick the right one. */
    STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(ca_file);
    if (names) {
        SSL_CTX_set_client_CA_list(ctx, names);
    }
    ERR_clear_error();
    return 0;
}

/* Drops the cached context so that the next stream rebuilds it from the
 * current settings. */
static void
ssl_config_changed(void)
{
    SSL_CTX_free(ssl_ctx);
    ssl_ctx = NULL;
}

static void
replace_string(char **dst, const char *src)
{
    free(*dst);
    *dst = src ? xstrdup(src) : NULL;
}

int
stream_ssl_set_key_and_cert(const char *private_key_file,
                            const char *certificate_file)
{
    /* Validate in a scratch context, so that a bad pair leaves the current
     * configuration untouched. */
    SSL_CTX *scratch = ssl_ctx_create_base();
    int error =
        ssl_ctx_load_key_and_cert(scratch, private_key_file, certificate_file);
    SSL_CTX_free(scratch);
    if (!error) {
        replace_string(&ssl_key_file, private_key_file);
        replace_string(&ssl_cert_file, certificate_file);
        ssl_config_changed();
    }
    return error;
}

int
stream_ssl_set_ca_cert_file(const char *file, bool bootstrap)
{
    if (bootstrap && access(file, F_OK) && errno == ENOENT) {
        VLOG_INFO("SSL CA certificate file %s does not exist; it will be "
                  "bootstrapped from the first server connected to",
                  file);
        replace_string(&ssl_ca_file, file);
        ssl_ca_bootstrap = true;
        ssl_config_changed();
        return 0;
    }

    SSL_CTX *scratch = ssl_ctx_create_base();
    int error = ssl_ctx_load_ca(scratch, file);
    SSL_CTX_free(scratch);
    if (!error) {
        replace_string(&ssl_ca_file, file);
        ssl_ca_bootstrap = false;
        ssl_config_changed();
    }
    return error;
}

bool
stream_ssl_is_configured(void)
{
    return ssl_key_file && ssl_cert_file && ssl_ca_file;
}

void
stream_ssl_reset(void)
{
    ssl_config_changed();
    replace_string(&ssl_key_file, NULL);
    replace_string(&ssl_cert_file, NULL);
    replace_string(&ssl_ca_file, NULL);
    ssl_ca_bootstrap = false;
}

/* Returns the context for a new stream called NAME (SERVER: an accepted
 * one), building it if needed, or NULL after logging why not. */
static SSL_CTX *
ssl_get_ctx(const char *name, bool server, int *errorp)
{
    if (!stream_ssl_is_configured()) {
        VLOG_WARN_RL(&rl,
                     "%s: SSL is not configured: set the private key, "
                     "certificate and CA certificate first (%s%s%s missing)",
                     name, ssl_key_file ? "" : "key ",
                     ssl_cert_file ? "" : "certificate ",
                     ssl_ca_file ? "" : "CA");
        *errorp = ENOPROTOOPT;
        return NULL;
    }
    if (server && ssl_ca_bootstrap) {
        VLOG_WARN_RL(&rl,
                     "%s: cannot verify SSL clients: CA certificate "
                     "file %s does not exist (bootstrapping works only for "
                     "ssl: connections)",
                     name, ssl_ca_file);
        *errorp = ENOPROTOOPT;
        return NULL;
    }
    if (!ssl_ctx) {
        /* OpenSSL writes to the socket with write(2), so a peer that went
         * away would raise SIGPIPE and kill the process.  nicflow programs
         * handle EPIPE instead; make sure the signal is ignored. */
        struct sigaction sa;
        if (!sigaction(SIGPIPE, NULL, &sa) && sa.sa_handler == SIG_DFL) {
            signal(SIGPIPE, SIG_IGN);
        }

        SSL_CTX *ctx = ssl_ctx_create_base();
        int error =
            ssl_ctx_load_key_and_cert(ctx, ssl_key_file, ssl_cert_file);
        if (!error && !ssl_ca_bootstrap) {
            error = ssl_ctx_load_ca(ctx, ssl_ca_file);
        }
        if (error) {
            SSL_CTX_free(ctx);
            *errorp = error;
            return NULL;
        }
        ssl_ctx = ctx;
    }
    *errorp = 0;
    return ssl_ctx;
}

static uint32_t
ssl_want_events(int ssl_error)
{
    return ssl_error == SSL_ERROR_WANT_WRITE ? EPOLLOUT : EPOLLIN;
}

/* Creates the stream for socket FD, already connected at the TCP level if
 * TCP_CONNECTED. */
static int
ssl_stream_create(const char *name, int fd, bool server, bool tcp_connected,
                  struct stream **streamp)
{
    int error;
    SSL_CTX *ctx = ssl_get_ctx(name, server, &error);
    if (!ctx) {
        return error;
    }
    SSL *ssl = SSL_new(ctx);
    if (!ssl || SSL_set_fd(ssl, fd) != 1) {
        char *why = ssl_error_queue_string();
        VLOG_ERR("%s: cannot create SSL connection: %s", name, why);
        free(why);
        SSL_free(ssl);
        return ENOMEM;
    }

    struct ssl_stream *ss = xzalloc(sizeof *ss);
    stream_init(&ss->up, &stream_ssl_class, name, fd, false);
    ss->ssl = ssl;
    ss->server = server;
    ss->state = tcp_connected ? SSL_S_HANDSHAKING : SSL_S_TCP_CONNECTING;
    ss->wants[STREAM_OP_CONNECT] = server ? EPOLLIN : EPOLLOUT;
    ss->wants[STREAM_OP_RECV] = EPOLLIN;
    ss->wants[STREAM_OP_SEND] = EPOLLOUT;
    if (server) {
        SSL_set_accept_state(ssl);
    } else {
        SSL_set_connect_state(ssl);
        if (ssl_ca_bootstrap) {
            /* Trust on first use: accept whatever the server presents; the
             * connection is dropped after its CA certificate is saved. */
            ss->bootstrapping = true;
            SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
        }
    }
    *streamp = &ss->up;
    return 0;
}

static int
ssl_open(const char *name, const char *target, uint16_t default_port,
         struct stream **streamp)
{
    struct sockaddr_storage sa;
    socklen_t len;
    int error =
        stream_parse_active_inet(name, target, default_port, &sa, &len);
    if (error) {
        return error;
    }
    /* Check the configuration before touching the network, so that a
     * missing certificate is reported as such. */
    if (!ssl_get_ctx(name, false, &error)) {
        return error;
    }

    int fd;
    error = stream_inet_connect(name, &sa, len, &fd);
    if (error) {
        return error;
    }
    error = ssl_stream_create(name, fd, false, false, streamp);
    if (error) {
        close(fd);
    }
    return error;
}

static void
ssl_close(struct stream *s)
{
    struct ssl_stream *ss = ssl_stream_cast(s);
    if (ss->state == SSL_S_OPEN) {
        /* One non-blocking attempt at close_notify; a peer that does not
         * read it will see the TCP close instead. */
        SSL_shutdown(ss->ssl);
    }
    ERR_clear_error();
    SSL_free(ss->ssl);
    close(s->fd);
    free(ss);
}

/* Saves the root of the server's certificate chain as the CA certificate
 * and switches the configuration to verify against it.  Always returns
 * EPROTO: this connection was not verified and must not be used. */
static int
ssl_bootstrap_ca(struct ssl_stream *ss)
{
    const char *name = ss->up.name;
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ss->ssl);
    int n = chain ? sk_X509_num(chain) : 0;
    X509 *root = n ? sk_X509_value(chain, n - 1) : NULL;

    if (!root || X509_check_issued(root, root) != X509_V_OK) {
        VLOG_ERR("%s: cannot bootstrap the CA certificate: the server did "
                 "not send a self-signed root CA certificate in its chain",
                 name);
        return EPROTO;
    }

    int fd = open(ssl_ca_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    if (fd < 0) {
        VLOG_ERR("%s: cannot create CA certificate file %s (%s)", name,
                 ssl_ca_file, nf_strerror(errno));
        return EPROTO;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(ssl_ca_file);
        return EPROTO;
    }
    bool ok = PEM_write_X509(f, root) == 1;
    ok = !fclose(f) && ok;
    if (!ok) {
        VLOG_ERR("%s: writing CA certificate file %s failed", name,
                 ssl_ca_file);
        unlink(ssl_ca_file);
        return EPROTO;
    }

    VLOG_INFO("%s: saved the server's CA certificate in %s; reconnecting "
              "will verify the server against it",
              name, ssl_ca_file);
    ssl_ca_bootstrap = false;
    ssl_config_changed();
    return EPROTO;
}

/* Logs why the handshake or a TLS operation on SS failed and returns the
 * errno to report.  RESULT is SSL_get_error()'s answer. */
static int
ssl_report_failure(struct ssl_stream *ss, const char *what, int result)
{
    const char *name = ss->up.name;
    int saved_errno = errno;
    long verify = SSL_get_verify_result(ss->ssl);
    char *why = ssl_error_queue_string();
    int error;

    ss->state = SSL_S_BROKEN;
    if (result == SSL_ERROR_SYSCALL) {
        error = saved_errno ? saved_errno : ECONNRESET;
        VLOG_WARN_RL(&rl, "%s: %s failed: %s", name, what,
                     saved_errno ? nf_strerror(saved_errno)
                                 : "connection closed by peer");
    } else if (verify != X509_V_OK) {
        error = EPROTO;
        VLOG_WARN_RL(&rl,
                     "%s: %s failed: peer certificate verification "
                     "failed (%s); OpenSSL: %s",
                     name, what, X509_verify_cert_error_string(verify), why);
    } else {
        error = EPROTO;
        VLOG_WARN_RL(&rl, "%s: %s failed: %s", name, what, why);
    }
    free(why);
    return error;
}

static int
ssl_connect(struct stream *s)
{
    struct ssl_stream *ss = ssl_stream_cast(s);

    switch (ss->state) {
    case SSL_S_TCP_CONNECTING: {
        int error = stream_fd_check_connect(s->fd);
        if (error) {
            ss->wants[STREAM_OP_CONNECT] = EPOLLOUT;
            return error;
        }
        ss->state = SSL_S_HANDSHAKING;
    }
        /* Fall through. */
    case SSL_S_HANDSHAKING:
        break;
    case SSL_S_OPEN:
        return 0;
    case SSL_S_BROKEN:
    default:
        return EPROTO;
    }

    ERR_clear_error();
    errno = 0;
    int r = SSL_do_handshake(ss->ssl);
    if (r != 1) {
        int result = SSL_get_error(ss->ssl, r);
        if (result == SSL_ERROR_WANT_READ || result == SSL_ERROR_WANT_WRITE) {
            ss->wants[STREAM_OP_CONNECT] = ssl_want_events(result);
            return EAGAIN;
        }
        COVERAGE_INC(stream_ssl_handshake_fail);
        return ssl_report_failure(ss, "TLS handshake", result);
    }

    COVERAGE_INC(stream_ssl_handshake);
    ss->state = SSL_S_OPEN;
    if (ss->bootstrapping) {
        ss->state = SSL_S_BROKEN;
        return ssl_bootstrap_ca(ss);
    }
    VLOG_DBG("%s: TLS handshake complete (%s, %s)", s->name,
             SSL_get_version(ss->ssl), SSL_get_cipher_name(ss->ssl));
    return 0;
}

static int
ssl_recv(struct stream *s, void *buf, size_t n, size_t *n_read)
{
    struct ssl_stream *ss = ssl_stream_cast(s);
    if (ss->state != SSL_S_OPEN) {
        return EPROTO;
    }

    ERR_clear_error();
    errno = 0;
    if (SSL_read_ex(ss->ssl, buf, n, n_read) == 1) {
        return 0;
    }
    int result = SSL_get_error(ss->ssl, 0);
    switch (result) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        ss->wants[STREAM_OP_RECV] = ssl_want_events(result);
        return EAGAIN;
    case SSL_ERROR_ZERO_RETURN:
        return EOF;
    case SSL_ERROR_SYSCALL:
        if (!errno) {
            /* EOF without close_notify (see ssl_ctx_create_base()). */
            ss->state = SSL_S_BROKEN;
            return EOF;
        }
        /* Fall through. */
    default:
        COVERAGE_INC(stream_ssl_error);
        return ssl_report_failure(ss, "TLS receive", result);
    }
}

static int
ssl_send(struct stream *s, const void *buf, size_t n, size_t *n_sent)
{
    struct ssl_stream *ss = ssl_stream_cast(s);
    if (ss->state != SSL_S_OPEN) {
        return EPROTO;
    }

    ERR_clear_error();
    errno = 0;
    if (SSL_write_ex(ss->ssl, buf, n, n_sent) == 1) {
        /* Only consulted after a partial write. */
        ss->wants[STREAM_OP_SEND] = EPOLLOUT;
        return 0;
    }
    int result = SSL_get_error(ss->ssl, 0);
    switch (result) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        ss->wants[STREAM_OP_SEND] = ssl_want_events(result);
        return EAGAIN;
    case SSL_ERROR_ZERO_RETURN:
        ss->state = SSL_S_BROKEN;
        return EPIPE;
    default:
        COVERAGE_INC(stream_ssl_error);
        return ssl_report_failure(ss, "TLS send", result);
    }
}

static uint32_t
ssl_wants(const struct stream *s, enum stream_op op)
{
    return ssl_stream_cast(s)->wants[op];
}

const struct stream_class stream_ssl_class = {
    .name = "ssl",
    .open = ssl_open,
    .close = ssl_close,
    .connect = ssl_connect,
    .recv = ssl_recv,
    .send = ssl_send,
    .wants = ssl_wants,
};

/* Passive SSL: a TCP listener whose accepted streams handshake as TLS
 * servers. */

static int
pssl_listen(const char *name, const char *target, uint16_t default_port,
            struct pstream **pstreamp)
{
    struct sockaddr_storage sa;
    socklen_t len;
    int error =
        stream_parse_passive_inet(name, target, default_port, &sa, &len);
    if (error) {
        return error;
    }
    if (!ssl_get_ctx(name, true, &error)) {
        return error;
    }

    int fd;
    uint16_t port;
    error = stream_inet_listen(name, &sa, len, &fd, &port);
    if (error) {
        return error;
    }
    struct pstream *ps = xzalloc(sizeof *ps);
    pstream_init(ps, &pstream_ssl_class, name, fd, port);
    *pstreamp = ps;
    return 0;
}

static int
pssl_accept(struct pstream *ps, struct stream **streamp)
{
    struct sockaddr_storage sa;
    int fd;
    int error = stream_fd_accept(ps->fd, &sa, &fd);
    if (error) {
        return error;
    }
    stream_fd_set_nodelay(fd);

    char *peer = stream_format_inet(&sa);
    char *name = xasprintf("ssl:%s", peer);
    /* The connection is accepted even if the SSL context cannot be built
     * (say, a certificate file vanished), and then closed: leaving it in
     * the backlog would wake the caller again and again. */
    error = ssl_stream_create(name, fd, true, true, streamp);
    if (error) {
        close(fd);
    }
    free(name);
    free(peer);
    return error;
}

static void
pssl_close(struct pstream *ps)
{
    close(ps->fd);
    free(ps);
}

const struct pstream_class pstream_ssl_class = {
    .name = "pssl",
    .listen = pssl_listen,
    .accept = pssl_accept,
    .close = pssl_close,
};
