/* Unit tests for lib/stream (unix:, tcp:, ssl: and their listeners).
 *
 * Everything runs over real sockets on loopback only (127.0.0.1, ::1 and
 * Unix sockets in a private mkdtemp() directory removed at the end).
 *
 * The SSL tests need the openssl command-line tool (Debian package
 * "openssl", installed by scripts/install-deps.sh --test): they create a CA,
 * certificates signed by it, and a second "rogue" CA with its own
 * certificate, at test time in the temporary directory.
 *
 * The SSL configuration is process-wide, so tests that need the two ends
 * to present different certificates run one end in a forked child.  A
 * child never uses cmocka assertions: it reports through its exit status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"

/* The temporary directory, shared by all tests. */
static char tmpdir[] = "/tmp/nicflow-test-stream-XXXXXX";
static bool have_certs;

#define TIMEOUT_MS 10000

static char *
tmp_path(const char *name)
{
    return xasprintf("%s/%s", tmpdir, name);
}

/* Helpers that drive non-blocking streams to completion.  Each waits at
 * most TIMEOUT_MS and fails the test rather than hang. */

static void
wait_for(struct stream *a, struct stream *b)
{
    struct pollfd pfds[2];
    int n = 0;
    if (a) {
        pfds[n++] =
            (struct pollfd){ stream_fd(a), (short) stream_wants(a), 0 };
    }
    if (b) {
        pfds[n++] =
            (struct pollfd){ stream_fd(b), (short) stream_wants(b), 0 };
    }
    poll(pfds, (nfds_t) n, 100);
}

static struct stream *
accept_one(struct pstream *ps)
{
    long long deadline = nf_time_msec() + TIMEOUT_MS;
    for (;;) {
        struct stream *s;
        int error = pstream_accept(ps, &s);
        if (!error) {
            return s;
        }
        assert_int_equal(error, EAGAIN);
        assert_null(s);
        assert_true(nf_time_msec() < deadline);
        struct pollfd pfd = { pstream_fd(ps), POLLIN, 0 };
        poll(&pfd, 1, 100);
    }
}

/* Connects A and B (either may be NULL) and stores each final
 * stream_connect() result. */
static void
connect_pair(struct stream *a, struct stream *b, int *ea, int *eb)
{
    long long deadline = nf_time_msec() + TIMEOUT_MS;
    for (;;) {
        *ea = a ? stream_connect(a) : 0;
        *eb = b ? stream_connect(b) : 0;
        if (*ea != EAGAIN && *eb != EAGAIN) {
            return;
        }
        assert_true(nf_time_msec() < deadline);
        wait_for(*ea == EAGAIN ? a : NULL, *eb == EAGAIN ? b : NULL);
    }
}

/* Sends N bytes from BUF on S, waiting as needed. */
static int
send_all(struct stream *s, const void *buf, size_t n)
{
    long long deadline = nf_time_msec() + TIMEOUT_MS;
    const char *p = buf;
    while (n) {
        size_t sent;
        int error = stream_send(s, p, n, &sent);
        if (!error) {
            p += sent;
            n -= sent;
        } else if (error == EAGAIN) {
            assert_true(nf_time_msec() < deadline);
            wait_for(s, NULL);
        } else {
            return error;
        }
    }
    return 0;
}

/* Receives exactly N bytes into BUF from S, waiting as needed. */
static int
recv_all(struct stream *s, void *buf, size_t n)
{
    long long deadline = nf_time_msec() + TIMEOUT_MS;
    char *p = buf;
    while (n) {
        size_t got;
        int error = stream_recv(s, p, n, &got);
        if (!error) {
            assert_true(got > 0 && got <= n);
            p += got;
            n -= got;
        } else if (error == EAGAIN) {
            assert_int_equal(got, 0);
            assert_true(nf_time_msec() < deadline);
            wait_for(s, NULL);
        } else {
            return error;
        }
    }
    return 0;
}

/* Waits for the next non-EAGAIN result of stream_recv() on S. */
static int
recv_final(struct stream *s)
{
    long long deadline = nf_time_msec() + TIMEOUT_MS;
    for (;;) {
        char c;
        size_t got;
        int error = stream_recv(s, &c, 1, &got);
        if (error != EAGAIN) {
            return error;
        }
        assert_true(nf_time_msec() < deadline);
        wait_for(s, NULL);
    }
}

/* Exchanges a few messages both ways between connected A and B, including
 * reads smaller than what is available (partial reads). */
static void
exchange(struct stream *a, struct stream *b)
{
    char buf[64];
    size_t got;

    assert_int_equal(send_all(a, "hello, world", 12), 0);
    assert_int_equal(recv_all(b, buf, 5), 0);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(recv_all(b, buf, 7), 0);
    assert_memory_equal(buf, ", world", 7);

    assert_int_equal(send_all(b, "0123456789", 10), 0);
    for (int i = 0; i < 10; i += 4) {
        size_t want = (size_t) NF_MIN(4, 10 - i);
        assert_int_equal(recv_all(a, buf, want), 0);
        assert_memory_equal(buf, "0123456789" + i, want);
    }

    /* Nothing left: EAGAIN, and the stream wants input. */
    assert_int_equal(stream_recv(a, buf, sizeof buf, &got), EAGAIN);
    assert_int_equal(got, 0);
    assert_true(stream_wants(a) & EPOLLIN);
    assert_false(stream_wants(a) & EPOLLOUT);
}

/* Sends LEN patterned bytes from A to B without reading at first, so that
 * the sender sees EAGAIN or partial sends and stream_wants() asks for
 * EPOLLOUT; then drains both ways and checks the data. */
static void
bulk_transfer(struct stream *a, struct stream *b, size_t len)
{
    uint8_t *out = xmalloc(len);
    uint8_t *in = xmalloc(len);

    /* A small send buffer makes sure the sender fills it.  (Shrinking the
     * receive buffer of an established TCP connection would make the
     * kernel drop segments already in flight and stall on retransmission
     * timers.) */
    int small = 4096;
    setsockopt(stream_fd(a), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    for (size_t i = 0; i < len; i++) {
        out[i] = (uint8_t) (i * 7 + i / 251);
    }

    /* Fill the pipe. */
    size_t sent = 0;
    bool blocked = false;
    while (sent < len && !blocked) {
        size_t n;
        int error = stream_send(a, out + sent, len - sent, &n);
        if (error == EAGAIN) {
            blocked = true;
        } else {
            assert_int_equal(error, 0);
            if (n < len - sent) {
                blocked = true;
            }
            sent += n;
        }
    }
    assert_true(blocked);
    assert_true(stream_wants(a) & EPOLLOUT);

    /* Now move the rest while the receiver drains. */
    size_t received = 0;
    long long deadline = nf_time_msec() + 4 * TIMEOUT_MS;
    while (received < len) {
        size_t n;
        if (sent < len) {
            int error = stream_send(a, out + sent, len - sent, &n);
            assert_true(!error || error == EAGAIN);
            sent += error ? 0 : n;
        }
        int error = stream_recv(b, in + received, len - received, &n);
        assert_true(!error || error == EAGAIN);
        received += error ? 0 : n;
        if (error == EAGAIN) {
            if (nf_time_msec() >= deadline) {
                fail_msg("bulk transfer stuck: %zu of %zu bytes sent, %zu "
                         "received",
                         sent, len, received);
            }
            wait_for(sent < len ? a : NULL, b);
        }
    }
    assert_int_equal(sent, len);
    assert_memory_equal(in, out, len);
    free(in);
    free(out);
}

/* Tests. */

static void
test_unknown_types(void **state NF_UNUSED)
{
    static const char *const bad[] = {
        "foo:bar", "nocolon", "TCP:127.0.0.1:1", "ptcp:1", "punix:/x", "",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct stream *s = (struct stream *) 1;
        assert_int_equal(stream_open(bad[i], &s), EAFNOSUPPORT);
        assert_null(s);
        assert_int_equal(stream_verify_name(bad[i]), EAFNOSUPPORT);
    }

    static const char *const pbad[] = {
        "tcp:1", "unix:/x", "ssl:1.2.3.4:5", "pfoo:1", "",
    };
    for (size_t i = 0; i < ARRAY_SIZE(pbad); i++) {
        struct pstream *ps = (struct pstream *) 1;
        assert_int_equal(pstream_open(pbad[i], &ps), EAFNOSUPPORT);
        assert_null(ps);
        assert_int_equal(pstream_verify_name(pbad[i]), EAFNOSUPPORT);
    }

    assert_int_equal(stream_verify_name("unix:/x"), 0);
    assert_int_equal(stream_verify_name("tcp:1.2.3.4"), 0);
    assert_int_equal(stream_verify_name("ssl:1.2.3.4"), 0);
    assert_int_equal(pstream_verify_name("punix:/x"), 0);
    assert_int_equal(pstream_verify_name("ptcp:"), 0);
    assert_int_equal(pstream_verify_name("pssl:6640"), 0);
}

struct addr_case {
    const char *name;
    uint16_t default_port;
    int error;
};

static void
test_bad_addresses(void **state NF_UNUSED)
{
    static const struct addr_case active[] = {
        { "tcp:", 6640, EINVAL },       /* No address. */
        { "tcp::6640", 0, EINVAL },     /* No address. */
        { "tcp:127.0.0.1", 0, EINVAL }, /* No port, no default. */
        { "tcp:127.0.0.1:0", 0, EINVAL },
        { "tcp:127.0.0.1:65536", 0, EINVAL },
        { "tcp:127.0.0.1:", 6640, EINVAL }, /* Empty port. */
        { "tcp:127.0.0.1:+80", 0, EINVAL },
        { "tcp:127.0.0.1:080", 0, EINVAL },
        { "tcp:127.0.0.1:0x50", 0, EINVAL },
        { "tcp:127.0.0.1:80x", 0, EINVAL },
        { "tcp:localhost:80", 0, EINVAL }, /* No host names. */
        { "tcp:256.1.1.1:80", 0, EINVAL },
        { "tcp:::1:80", 0, EINVAL }, /* IPv6 needs []. */
        { "tcp:[::1", 6640, EINVAL },
        { "tcp:[::1]x", 6640, EINVAL },
        { "tcp:[::1]:", 6640, EINVAL },
        { "tcp:[127.0.0.1]:80", 0, EINVAL }, /* [] means IPv6. */
        { "tcp:[]:80", 0, EINVAL },
        { "ssl:127.0.0.1", 0, EINVAL },
        { "ssl:nohost:6640", 0, EINVAL },
        { "unix:", 0, EINVAL },
    };
    for (size_t i = 0; i < ARRAY_SIZE(active); i++) {
        struct stream *s = (struct stream *) 1;
        int error = stream_open_with_default_port(active[i].name,
                                                  active[i].default_port, &s);
        if (error != active[i].error) {
            fail_msg("%s: expected %s, got %s", active[i].name,
                     nf_strerror(active[i].error), nf_strerror(error));
        }
        assert_null(s);
    }

    static const struct addr_case passive[] = {
        { "ptcp:", 0, EINVAL },           /* No port, no default. */
        { "ptcp::127.0.0.1", 0, EINVAL }, /* Likewise, with an address. */
        { "ptcp:abc", 0, EINVAL },        /* Not a number. */
        { "ptcp:65536", 0, EINVAL },      /* Out of range. */
        { "ptcp:-1", 0, EINVAL },         /* Signed. */
        { "ptcp:0:notanip", 0, EINVAL },  /* No host names. */
        { "ptcp:0:[::1", 0, EINVAL },     /* Unclosed bracket. */
        { "ptcp:0:[]", 0, EINVAL },       /* Empty address. */
        { "ptcp:0:1.2.3", 0, EINVAL },    /* Short IPv4 address. */
        { "pssl:x", 0, EINVAL },          /* SSL parses the same way. */
        { "punix:", 0, EINVAL },          /* No path. */
    };
    for (size_t i = 0; i < ARRAY_SIZE(passive); i++) {
        struct pstream *ps = (struct pstream *) 1;
        int error = pstream_open_with_default_port(
            passive[i].name, passive[i].default_port, &ps);
        if (error != passive[i].error) {
            fail_msg("%s: expected %s, got %s", passive[i].name,
                     nf_strerror(passive[i].error), nf_strerror(error));
        }
        assert_null(ps);
    }
}

static void
test_unix(void **state NF_UNUSED)
{
    char *path = tmp_path("a.sock");
    char *pname = xasprintf("punix:%s", path);
    char *name = xasprintf("unix:%s", path);
    struct pstream *ps;
    struct stream *c, *c2;

    /* Nobody listening yet. */
    assert_int_equal(stream_open(name, &c), ENOENT);
    assert_null(c);

    assert_int_equal(pstream_open(pname, &ps), 0);
    assert_string_equal(pstream_get_name(ps), pname);
    assert_int_equal(pstream_get_bound_port(ps), 0);
    assert_true(pstream_fd(ps) >= 0);

    /* Nothing pending. */
    struct stream *s;
    assert_int_equal(pstream_accept(ps, &s), EAGAIN);
    assert_null(s);

    /* A second listener on the same live path is refused, and the first
     * keeps its socket file. */
    struct pstream *ps2 = (struct pstream *) 1;
    assert_int_equal(pstream_open(pname, &ps2), EADDRINUSE);
    assert_null(ps2);
    /* The check connected to the live listener to find out: that
     * connection shows up as one that ends at once. */
    s = accept_one(ps);
    assert_int_equal(recv_final(s), EOF);
    stream_close(s);

    assert_int_equal(stream_open(name, &c), 0);
    assert_string_equal(stream_get_name(c), name);
    s = accept_one(ps);
    assert_true(nf_str_prefix(stream_get_name(s), "unix#"));
    int ec, es;
    connect_pair(c, s, &ec, &es);
    assert_int_equal(ec, 0);
    assert_int_equal(es, 0);
    assert_true(stream_is_connected(c));
    exchange(c, s);

    /* A second client gets its own connection with its own name. */
    assert_int_equal(stream_open_block(name, 0, TIMEOUT_MS, &c2), 0);
    struct stream *s2 = accept_one(ps);
    assert_string_not_equal(stream_get_name(s), stream_get_name(s2));
    exchange(s2, c2);

    /* EOF: the peer closes; pending data is still delivered first. */
    assert_int_equal(send_all(c, "bye", 3), 0);
    stream_close(c);
    char buf[3];
    assert_int_equal(recv_all(s, buf, 3), 0);
    assert_memory_equal(buf, "bye", 3);
    assert_int_equal(recv_final(s), EOF);
    assert_int_equal(recv_final(s), EOF);
    /* Sending to a closed peer fails without SIGPIPE. */
    int error = send_all(s, "x", 1);
    if (!error) {
        error = send_all(s, "x", 1);
    }
    assert_true(error == EPIPE || error == ECONNRESET);
    stream_close(s);

    stream_close(c2);
    stream_close(s2);
    pstream_close(ps);

    /* The socket file is gone after close. */
    struct stat st;
    assert_int_equal(lstat(path, &st), -1);
    assert_int_equal(errno, ENOENT);

    free(name);
    free(pname);
    free(path);
}

static void
test_unix_stale_and_foreign_files(void **state NF_UNUSED)
{
    char *path = tmp_path("stale.sock");
    char *pname = xasprintf("punix:%s", path);
    struct pstream *ps;

    /* A socket file nobody listens on, as a crashed daemon leaves. */
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    snprintf(un.sun_path, sizeof un.sun_path, "%s", path);
    assert_int_equal(bind(fd, (struct sockaddr *) &un, sizeof un), 0);
    close(fd);
    assert_int_equal(pstream_open(pname, &ps), 0);
    pstream_close(ps);

    /* A regular file is not ours to remove. */
    fd = open(path, O_CREAT | O_WRONLY, 0600);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(pstream_open(pname, &ps), EADDRINUSE);
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    unlink(path);

    /* A directory that does not exist. */
    char *bad = xasprintf("punix:%s/no/such/dir/x.sock", tmpdir);
    assert_int_equal(pstream_open(bad, &ps), ENOENT);
    free(bad);

    free(pname);
    free(path);
}

static void
test_unix_long_path(void **state NF_UNUSED)
{
    /* Deeper than sun_path's 108 bytes. */
    char *dir = xasprintf("%s/%0120d", tmpdir, 0);
    assert_int_equal(mkdir(dir, 0700), 0);
    char *path = xasprintf("%s/long.sock", dir);
    assert_true(strlen(path) > sizeof((struct sockaddr_un *) 0)->sun_path);
    char *pname = xasprintf("punix:%s", path);
    char *name = xasprintf("unix:%s", path);

    struct pstream *ps;
    struct stream *c;
    assert_int_equal(pstream_open(pname, &ps), 0);
    assert_int_equal(stream_open_block(name, 0, TIMEOUT_MS, &c), 0);
    struct stream *s = accept_one(ps);
    exchange(c, s);
    stream_close(c);
    stream_close(s);
    pstream_close(ps);

    struct stat st;
    assert_int_equal(lstat(path, &st), -1);
    assert_int_equal(rmdir(dir), 0);
    free(name);
    free(pname);
    free(path);
    free(dir);
}

static void
test_tcp(void **state NF_UNUSED)
{
    struct pstream *ps;
    assert_int_equal(pstream_open("ptcp:0:127.0.0.1", &ps), 0);
    uint16_t port = pstream_get_bound_port(ps);
    assert_true(port > 0);

    char *name = xasprintf("tcp:127.0.0.1:%u", port);
    struct stream *c;
    assert_int_equal(stream_open(name, &c), 0);
    struct stream *s = accept_one(ps);
    assert_true(nf_str_prefix(stream_get_name(s), "tcp:127.0.0.1:"));
    int ec, es;
    connect_pair(c, s, &ec, &es);
    assert_int_equal(ec, 0);
    assert_int_equal(es, 0);
    exchange(c, s);
    bulk_transfer(c, s, 8 * 1024 * 1024);
    bulk_transfer(s, c, 1024 * 1024);

    stream_close(c);
    assert_int_equal(recv_final(s), EOF);
    stream_close(s);

    /* The default port applies when the name has none. */
    assert_int_equal(stream_open_with_default_port("tcp:127.0.0.1", port, &c),
                     0);
    assert_int_equal(stream_connect_block(c, TIMEOUT_MS), 0);
    s = accept_one(ps);
    exchange(s, c);
    stream_close(c);
    stream_close(s);

    /* ptcp: with a default port. */
    struct pstream *ps2;
    assert_int_equal(
        pstream_open_with_default_port("ptcp::127.0.0.1", 0, &ps2), EINVAL);
    assert_int_equal(
        pstream_open_with_default_port("ptcp::127.0.0.1", port, &ps2),
        EADDRINUSE);
    pstream_close(ps);

    /* Nobody listens any more: refused, now or once the attempt ends. */
    int error = stream_open(name, &c);
    if (!error) {
        error = stream_connect_block(c, TIMEOUT_MS);
        assert_int_equal(stream_connect(c), error);
        assert_true(stream_wants(c) & EPOLLIN);
        size_t n;
        char byte;
        assert_int_equal(stream_recv(c, &byte, 1, &n), error);
        stream_close(c);
    }
    assert_int_equal(error, ECONNREFUSED);
    free(name);
}

static bool
ipv6_loopback_works(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 sin6 = {
        .sin6_family = AF_INET6,
        .sin6_addr = IN6ADDR_LOOPBACK_INIT,
    };
    bool ok = fd >= 0 && !bind(fd, (struct sockaddr *) &sin6, sizeof sin6);
    if (fd >= 0) {
        close(fd);
    }
    return ok;
}

static void
test_tcp_ipv6(void **state NF_UNUSED)
{
    if (!ipv6_loopback_works()) {
        skip();
    }
    struct pstream *ps;
    assert_int_equal(pstream_open("ptcp:0:[::1]", &ps), 0);
    uint16_t port = pstream_get_bound_port(ps);
    char *name = xasprintf("tcp:[::1]:%u", port);
    struct stream *c;
    assert_int_equal(stream_open_block(name, 0, TIMEOUT_MS, &c), 0);
    struct stream *s = accept_one(ps);
    char *expect = xasprintf("tcp:[::1]:");
    assert_true(nf_str_prefix(stream_get_name(s), expect));
    exchange(c, s);
    stream_close(c);
    stream_close(s);
    pstream_close(ps);

    /* An unbracketed IPv6 listen address is accepted too. */
    assert_int_equal(pstream_open("ptcp:0:::1", &ps), 0);
    pstream_close(ps);
    free(expect);
    free(name);
}

/* SSL. */

static int
sh(const char *cmd)
{
    int status = system(cmd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

/* Creates, in TMPDIR: ca.{key,crt}; server.* and client.* signed by the
 * CA; server-chain.crt (server certificate followed by the CA's);
 * rogue-ca.* and rogue.* signed by the rogue CA; garbage.pem. */
static void
make_certs(void)
{
    if (sh("openssl version >/dev/null 2>&1")) {
        fail_msg("the SSL tests need the openssl command-line tool "
                 "(apt-get install openssl)");
    }
    char *cmd = xasprintf(
        "set -e; cd %s; exec >openssl.log 2>&1\n"
        "ec='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'\n"
        "ca() { openssl req -x509 $ec -keyout $1.key -out $1.crt "
        "-subj /CN=$1 -days 2; }\n"
        "leaf() { openssl req -new $ec -keyout $1.key -out $1.csr "
        "-subj /CN=$1; openssl x509 -req -in $1.csr -CA $2.crt "
        "-CAkey $2.key -CAcreateserial -out $1.crt -days 2; }\n"
        "ca ca; ca rogue-ca\n"
        "leaf server ca; leaf client ca; leaf rogue rogue-ca\n"
        "cat server.crt ca.crt >server-chain.crt\n"
        "echo 'this is not PEM' >garbage.pem\n",
        tmpdir);
    int rc = sh(cmd);
    free(cmd);
    if (rc) {
        char *log = xasprintf("cat %s/openssl.log >&2", tmpdir);
        sh(log);
        free(log);
        fail_msg("creating test certificates with openssl failed");
    }
    have_certs = true;
}

/* Configures this process with NAME.key/NAME.crt (CERT overrides the
 * certificate file) and CA.crt. */
static int
ssl_config(const char *name, const char *cert, const char *ca)
{
    char *key_file = xasprintf("%s/%s.key", tmpdir, name);
    char *cert_file = xasprintf("%s/%s.crt", tmpdir, cert ? cert : name);
    char *ca_file = xasprintf("%s/%s.crt", tmpdir, ca);
    stream_ssl_reset();
    int error = stream_ssl_set_key_and_cert(key_file, cert_file);
    if (!error) {
        error = stream_ssl_set_ca_cert_file(ca_file, false);
    }
    free(ca_file);
    free(cert_file);
    free(key_file);
    return error;
}

static void
test_ssl_config_errors(void **state NF_UNUSED)
{
    if (!have_certs) {
        make_certs();
    }
    stream_ssl_reset();
    assert_false(stream_ssl_is_configured());

    /* Unconfigured. */
    struct stream *s;
    struct pstream *ps;
    assert_int_equal(stream_open("ssl:127.0.0.1:6640", &s), ENOPROTOOPT);
    assert_int_equal(pstream_open("pssl:0:127.0.0.1", &ps), ENOPROTOOPT);

    char *key = tmp_path("server.key");
    char *crt = tmp_path("server.crt");
    char *other_key = tmp_path("client.key");
    char *missing = tmp_path("missing.pem");
    char *garbage = tmp_path("garbage.pem");
    char *ca = tmp_path("ca.crt");

    assert_int_equal(stream_ssl_set_key_and_cert(missing, crt), ENOENT);
    assert_int_equal(stream_ssl_set_key_and_cert(key, missing), ENOENT);
    assert_int_equal(stream_ssl_set_key_and_cert(garbage, crt), EPROTO);
    assert_int_equal(stream_ssl_set_key_and_cert(key, garbage), EPROTO);
    /* A key that does not belong to the certificate. */
    assert_int_equal(stream_ssl_set_key_and_cert(other_key, crt), EPROTO);
    assert_int_equal(stream_ssl_set_ca_cert_file(missing, false), ENOENT);
    assert_int_equal(stream_ssl_set_ca_cert_file(garbage, false), EPROTO);
    assert_false(stream_ssl_is_configured());

    assert_int_equal(stream_ssl_set_key_and_cert(key, crt), 0);
    assert_false(stream_ssl_is_configured());
    assert_int_equal(stream_open("ssl:127.0.0.1:6640", &s), ENOPROTOOPT);
    assert_int_equal(stream_ssl_set_ca_cert_file(ca, false), 0);
    assert_true(stream_ssl_is_configured());

    /* A failed change keeps the working configuration. */
    assert_int_equal(stream_ssl_set_key_and_cert(other_key, crt), EPROTO);
    assert_true(stream_ssl_is_configured());
    assert_int_equal(pstream_open("pssl:0:127.0.0.1", &ps), 0);
    pstream_close(ps);

    stream_ssl_reset();
    free(ca);
    free(garbage);
    free(missing);
    free(other_key);
    free(crt);
    free(key);
}

static void
test_ssl(void **state NF_UNUSED)
{
    if (!have_certs) {
        make_certs();
    }
    assert_int_equal(ssl_config("server", NULL, "ca"), 0);

    struct pstream *ps;
    assert_int_equal(pstream_open("pssl:0:127.0.0.1", &ps), 0);
    uint16_t port = pstream_get_bound_port(ps);
    assert_true(port > 0);

    char *name = xasprintf("ssl:127.0.0.1:%u", port);
    struct stream *c;
    assert_int_equal(stream_open(name, &c), 0);
    assert_false(stream_is_connected(c));
    struct stream *s = accept_one(ps);
    assert_true(nf_str_prefix(stream_get_name(s), "ssl:127.0.0.1:"));
    int ec, es;
    connect_pair(c, s, &ec, &es);
    assert_int_equal(ec, 0);
    assert_int_equal(es, 0);
    exchange(c, s);
    exchange(s, c);
    /* Large transfers exercise TLS's want-write/retry path. */
    bulk_transfer(c, s, 4 * 1024 * 1024);
    bulk_transfer(s, c, 1024 * 1024);

    stream_close(c);
    assert_int_equal(recv_final(s), EOF);
    stream_close(s);

    /* Handshake driven by recv/send alone, with the default port. */
    assert_int_equal(stream_open_with_default_port("ssl:127.0.0.1", port, &c),
                     0);
    s = accept_one(ps);
    char buf[4];
    long long deadline = nf_time_msec() + TIMEOUT_MS;
    size_t n;
    int error;
    while ((error = stream_send(c, "ping", 4, &n)) == EAGAIN) {
        assert_int_equal(stream_recv(s, buf, 4, &n), EAGAIN);
        assert_true(nf_time_msec() < deadline);
        wait_for(c, s);
    }
    assert_int_equal(error, 0);
    assert_int_equal(n, 4);
    assert_int_equal(recv_all(s, buf, 4), 0);
    assert_memory_equal(buf, "ping", 4);
    stream_close(c);
    stream_close(s);

    pstream_close(ps);
    free(name);
    stream_ssl_reset();
}

/* Runs an SSL server in a child process configured with KEY/CERT and CA.
 * It accepts N_CONNS connections one after another, echoes what each sends
 * until it closes, and exits.  Returns the child's pid and its port. */
static pid_t
spawn_ssl_server(const char *key, const char *cert, const char *ca,
                 int n_conns, uint16_t *port)
{
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        close(pfd[0]);
        struct pstream *ps;
        if (ssl_config(key, cert, ca)
            || pstream_open("pssl:0:127.0.0.1", &ps)) {
            _exit(10);
        }
        uint16_t p = pstream_get_bound_port(ps);
        if (write(pfd[1], &p, sizeof p) != sizeof p) {
            _exit(11);
        }
        close(pfd[1]);
        for (int i = 0; i < n_conns; i++) {
            struct stream *s = NULL;
            long long deadline = nf_time_msec() + TIMEOUT_MS;
            while (pstream_accept(ps, &s) == EAGAIN) {
                if (nf_time_msec() > deadline) {
                    _exit(12);
                }
                struct pollfd w = { pstream_fd(ps), POLLIN, 0 };
                poll(&w, 1, 100);
            }
            for (;;) {
                char buf[256];
                size_t n;
                int error = stream_recv(s, buf, sizeof buf, &n);
                if (!error) {
                    (void) send_all(s, buf, n);
                } else if (error == EAGAIN) {
                    if (nf_time_msec() > deadline) {
                        break;
                    }
                    wait_for(s, NULL);
                } else {
                    break;
                }
            }
            stream_close(s);
        }
        pstream_close(ps);
        stream_ssl_reset();
        _exit(0);
    }
    close(pfd[1]);
    assert_int_equal(read(pfd[0], port, sizeof *port), sizeof *port);
    close(pfd[0]);
    return pid;
}

static int
wait_child(pid_t pid)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Reads the log file at PATH into a string (caller frees). */
static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *data = xzalloc(1 << 20);
    size_t n = fread(data, 1, (1 << 20) - 1, f);
    data[n] = '\0';
    fclose(f);
    return data;
}

static void
test_ssl_untrusted_client_rejected(void **state NF_UNUSED)
{
    if (!have_certs) {
        make_certs();
    }
    assert_int_equal(ssl_config("server", NULL, "ca"), 0);
    char log[PATH_MAX];
    snprintf(log, sizeof log, "%s/untrusted-client.log", tmpdir);
    assert_int_equal(vlog_set_log_file(log), 0);

    struct pstream *ps;
    assert_int_equal(pstream_open("pssl:0:127.0.0.1", &ps), 0);
    uint16_t port = pstream_get_bound_port(ps);

    /* The client trusts our CA but presents a certificate from another. */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        /* Free the parent's allocations: under valgrind a child's exit is
         * checked for leaks too. */
        pstream_close(ps);
        if (ssl_config("rogue", NULL, "ca")) {
            _exit(10);
        }
        char *name = xasprintf("ssl:127.0.0.1:%u", port);
        struct stream *c;
        int error = stream_open_block(name, 0, TIMEOUT_MS, &c);
        if (!error) {
            /* TLS 1.3 clients finish before the server has checked their
             * certificate; the rejection arrives as an alert. */
            error = send_all(c, "x", 1);
            if (!error) {
                error = recv_final(c);
            }
            stream_close(c);
        }
        free(name);
        stream_ssl_reset();
        _exit(error == EPROTO || error == ECONNRESET || error == EOF
                      || error == EPIPE
                  ? 0
                  : 1);
    }

    struct stream *s = accept_one(ps);
    int es, unused;
    connect_pair(s, NULL, &es, &unused);
    assert_int_equal(es, EPROTO);
    /* The failure sticks. */
    size_t n;
    char c;
    assert_int_equal(stream_recv(s, &c, 1, &n), EPROTO);
    assert_int_equal(stream_send(s, "x", 1, &n), EPROTO);
    stream_close(s);
    assert_int_equal(wait_child(pid), 0);
    pstream_close(ps);

    /* The log says why, naming the peer. */
    vlog_close_log_file();
    char *text = slurp(log);
    assert_non_null(strstr(text, "TLS handshake failed: peer certificate "
                                 "verification failed"));
    assert_non_null(strstr(text, "ssl:127.0.0.1:"));
    free(text);
    stream_ssl_reset();
}

static void
test_ssl_untrusted_server_rejected(void **state NF_UNUSED)
{
    if (!have_certs) {
        make_certs();
    }
    uint16_t port;
    pid_t pid = spawn_ssl_server("rogue", NULL, "ca", 1, &port);

    assert_int_equal(ssl_config("client", NULL, "ca"), 0);
    char *name = xasprintf("ssl:127.0.0.1:%u", port);
    struct stream *c = (struct stream *) 1;
    assert_int_equal(stream_open_block(name, 0, TIMEOUT_MS, &c), EPROTO);
    assert_null(c);
    assert_int_equal(wait_child(pid), 0);

    /* The same server with a trusted certificate is accepted, and echoes
     * back. */
    free(name);
    pid = spawn_ssl_server("server", NULL, "ca", 1, &port);
    name = xasprintf("ssl:127.0.0.1:%u", port);
    assert_int_equal(stream_open_block(name, 0, TIMEOUT_MS, &c), 0);
    char buf[5];
    assert_int_equal(send_all(c, "hello", 5), 0);
    assert_int_equal(recv_all(c, buf, 5), 0);
    assert_memory_equal(buf, "hello", 5);
    stream_close(c);
    assert_int_equal(wait_child(pid), 0);

    free(name);
    stream_ssl_reset();
}

static void
test_ssl_ca_bootstrap(void **state NF_UNUSED)
{
    if (!have_certs) {
        make_certs();
    }
    uint16_t port;
    pid_t pid = spawn_ssl_server("server", "server-chain", "ca", 2, &port);

    char *key = tmp_path("client.key");
    char *crt = tmp_path("client.crt");
    char *ca = tmp_path("bootstrapped-ca.crt");
    stream_ssl_reset();
    assert_int_equal(stream_ssl_set_key_and_cert(key, crt), 0);
    assert_int_equal(stream_ssl_set_ca_cert_file(ca, true), 0);
    assert_true(stream_ssl_is_configured());

    /* A listener cannot verify clients without a CA. */
    struct pstream *ps;
    assert_int_equal(pstream_open("pssl:0:127.0.0.1", &ps), ENOPROTOOPT);

    /* The first connection learns the CA and is dropped... */
    char *name = xasprintf("ssl:127.0.0.1:%u", port);
    struct stream *c;
    assert_int_equal(stream_open_block(name, 0, TIMEOUT_MS, &c), EPROTO);
    struct stat st;
    assert_int_equal(stat(ca, &st), 0);

    /* ...and the next one is verified against it. */
    assert_int_equal(stream_open_block(name, 0, TIMEOUT_MS, &c), 0);
    char buf[2];
    assert_int_equal(send_all(c, "ok", 2), 0);
    assert_int_equal(recv_all(c, buf, 2), 0);
    stream_close(c);
    assert_int_equal(wait_child(pid), 0);

    /* The saved file is the real CA certificate. */
    char *cmp = xasprintf("cmp -s %s %s/ca.crt", ca, tmpdir);
    assert_int_equal(sh(cmp), 0);
    free(cmp);

    free(name);
    free(ca);
    free(crt);
    free(key);
    stream_ssl_reset();
}

static int
setup(void **state NF_UNUSED)
{
    if (!mkdtemp(tmpdir)) {
        return -1;
    }
    return 0;
}

static int
teardown(void **state NF_UNUSED)
{
    char *cmd = xasprintf("rm -rf '%s'", tmpdir);
    int rc = sh(cmd);
    free(cmd);
    stream_ssl_reset();
    return rc ? -1 : 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_types),
        cmocka_unit_test(test_bad_addresses),
        cmocka_unit_test(test_unix),
        cmocka_unit_test(test_unix_stale_and_foreign_files),
        cmocka_unit_test(test_unix_long_path),
        cmocka_unit_test(test_tcp),
        cmocka_unit_test(test_tcp_ipv6),
        cmocka_unit_test(test_ssl_config_errors),
        cmocka_unit_test(test_ssl),
        cmocka_unit_test(test_ssl_untrusted_client_rejected),
        cmocka_unit_test(test_ssl_untrusted_server_rejected),
        cmocka_unit_test(test_ssl_ca_bootstrap),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
