/* ovsdb-bench: OVSDB load generator for "make bench".
 *
 * Speaks RFC 7047 through lib/jsonrpc to any OVSDB server holding the
 * Open_vSwitch database, so that nicflow-dbd and Open vSwitch's
 * ovsdb-server are driven by exactly the same client.  Each subcommand runs
 * one workload and prints one JSON object with its figures on stdout;
 * tests/bench/ovsdb.sh runs them and computes medians and ratios.
 *
 *   ovsdb-bench [OPTIONS] txn REMOTE[,REMOTE...] N DEPTH
 *       N transactions, each inserting one QoS row (a root table, so the
 *       row needs no reference) and ending with {"op": "commit",
 *       "durable": true}, over one connection with at most DEPTH of them
 *       outstanding (1: each waits for its reply, as ovs-vsctl does).
 *
 *   ovsdb-bench [OPTIONS] monitor REMOTE[,REMOTE...] N N_MONITORS
 *       Opens N_MONITORS connections that each monitor_cond the QoS
 *       table, then runs N transactions as "txn REMOTE N 1" does on
 *       another connection.  Reports the writer's rate and the fan-out
 *       latency of each transaction: from sending it until every monitor
 *       has received the row it inserted.
 *
 *   ovsdb-bench [OPTIONS] ports REMOTE[,REMOTE...] N_PORTS BATCH
 *       Creates one bridge, then adds N_PORTS ports, each with one
 *       interface, BATCH per transaction; then dumps the whole database
 *       (one transact with a select of every table, as ovsdb-client dump
 *       does) --dumps times.  Reports the load time and the median dump
 *       time (from sending the request to receiving the reply's last
 *       byte; the reply is parsed and checked only afterwards, so that
 *       JSON parsing in this client is not counted).
 *
 *   ovsdb-bench fsync FILE N
 *       Disk probe: appends 300 bytes to FILE and fdatasync()s it, N
 *       times; reports the median and 90th percentile of the fdatasync
 *       time.  The machine's disk latency varies over time; the driver
 *       records it next to every durable run.
 *
 * Every workload accepts several remotes, REMOTE,REMOTE2,... (the
 * servers being compared, all running): each gets the full workload, and
 * the work alternates between them in small slices (blocks of --block
 * transactions for txn and monitor, one batch or one dump for ports),
 * each server's figures summing its own slices only.  All servers thus
 * meet the same machine, even when its disk latency changes in the
 * middle of the run.  One JSON line per remote, in the order given.
 *
 * Options:
 *   --no-durable       commit without "durable": true
 *   --timeout=SECS     give up (exit 2, saying what is missing) when the
 *                      server has not answered for SECS (default 60)
 *   --dumps=N          dumps in "ports" (default 3)
 *   --block=N          transactions per slice in "txn" and "monitor"
 *                      with several remotes (default 1000)
 *
 * Every reply is checked: an error reply or an operation error stops the
 * run with exit status 1 and the server's words on stderr.  The JSON
 * result includes client_cpu_s, the CPU time this process used during the
 * timed part, to show whether the client could be the bottleneck. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "lib/jsonrpc.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"

#define DB_NAME "Open_vSwitch"

static int timeout_ms = 60000;
static bool durable = true;
static int n_dumps = 3;
static long block_size = 1000;

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec
           + ru.ru_stime.tv_usec / 1e6;
}

static int
cmp_double(const void *a_, const void *b_)
{
    double a = *(const double *) a_, b = *(const double *) b_;
    return a < b ? -1 : a > b;
}

/* Nearest-rank percentile Q (0 < Q <= 1) of the N sorted values V. */
static double
percentile(const double *v, size_t n, double q)
{
    size_t rank = (size_t) (q * n);
    if (rank < q * n) {
        rank++;
    }
    return n ? v[rank ? rank - 1 : 0] : 0.0 / 0.0;
}

static char *
json_text(const json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    return s ? s : xstrdup("(none)");
}

static struct jsonrpc_conn *
db_connect(const char *remote)
{
    struct stream *stream;
    int error =
        stream_open_block(remote, STREAM_OVSDB_PORT, timeout_ms, &stream);
    if (error) {
        nf_fatal(error, "%s: cannot connect", remote);
    }
    return jsonrpc_conn_create(stream);
}

/* Fails the run because CONN's receive returned ERROR while WHAT. */
static void NF_NORETURN
recv_failed(struct jsonrpc_conn *conn, int error, const char *what)
{
    if (error == ETIMEDOUT) {
        fprintf(stderr,
                "%s: %s: no message from the server for %d s while %s "
                "(server hung?)\n",
                nf_program_name, jsonrpc_conn_get_name(conn),
                timeout_ms / 1000, what);
        exit(2);
    }
    const char *text = jsonrpc_conn_get_error_text(conn);
    fprintf(stderr, "%s: %s: connection failed while %s: %s%s%s\n",
            nf_program_name, jsonrpc_conn_get_name(conn), what,
            nf_strerror(error), text ? ": " : "", text ? text : "");
    exit(error == EOF ? 3 : 1);
}

/* Answers a request the server sent (RFC 7047 "echo" probe); drops
 * anything else that is not a reply.  Returns true if MSG was consumed
 * (destroyed). */
static bool
handle_unsolicited(struct jsonrpc_conn *conn, struct jsonrpc_msg *msg)
{
    if (msg->type == JSONRPC_REQUEST) {
        struct jsonrpc_msg *reply;
        if (!strcmp(msg->method, "echo")) {
            reply = jsonrpc_create_reply(json_incref(msg->params), msg->id);
        } else {
            reply = jsonrpc_create_error(json_pack("{s:s, s:s}", "error",
                                                   "unknown method", "details",
                                                   msg->method),
                                         msg->id);
        }
        jsonrpc_conn_send(conn, reply);
    } else if (msg->type != JSONRPC_NOTIFY) {
        return false;
    }
    jsonrpc_msg_destroy(msg);
    return true;
}

/* Checks REPLY (borrowed) to a transaction of N_OPS operations; on any
 * error prints it with WHAT and exits 1. */
static void
check_txn_reply(const struct jsonrpc_msg *reply, size_t n_ops,
                const char *what)
{
    char *text = NULL;
    if (reply->type == JSONRPC_ERROR) {
        text = json_text(reply->error);
    } else if (!json_is_array(reply->result)
               || json_array_size(reply->result) < n_ops) {
        char *r = json_text(reply->result);
        text = xasprintf("expected an array of %zu results, got %s", n_ops, r);
        free(r);
    } else {
        size_t i;
        json_t *op;
        json_array_foreach (reply->result, i, op) {
            if (json_is_object(op) && json_object_get(op, "error")) {
                char *r = json_text(op);
                text = xasprintf("operation %zu failed: %s", i, r);
                free(r);
                break;
            }
        }
    }
    if (text) {
        fprintf(stderr, "%s: %s: %s\n", nf_program_name, what, text);
        exit(1);
    }
}

/* Sends TXN_PARAMS (taken) as a transaction and waits for the reply,
 * which must succeed.  Returns the reply (caller destroys it). */
static struct jsonrpc_msg *
transact(struct jsonrpc_conn *conn, json_t *params, const char *what)
{
    size_t n_ops = json_array_size(params) - 1;
    struct jsonrpc_msg *reply;
    int error = jsonrpc_transact_block(
        conn, jsonrpc_create_request("transact", params, NULL), &reply,
        timeout_ms);
    if (error) {
        recv_failed(conn, error, what);
    }
    check_txn_reply(reply, n_ops, what);
    return reply;
}

static json_t *
commit_op(void)
{
    return json_pack("{s:s, s:b}", "op", "commit", "durable", durable);
}

/* The transaction the txn and monitor workloads repeat: one QoS row whose
 * external_ids carries SEQ, so that monitors can tell which transaction
 * an update belongs to. */
static json_t *
qos_txn(long seq)
{
    char s[24];
    snprintf(s, sizeof s, "%ld", seq);
    return json_pack("[s, {s:s, s:s, s:{s:s, s:[s, [[s, s]]]}}, o]", DB_NAME,
                     "op", "insert", "table", "QoS", "row", "type",
                     "linux-htb", "external_ids", "map", "bench-seq", s,
                     commit_op());
}

static void
print_result(json_t *result)
{
    json_dumpf(result, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6));
    putchar('\n');
    json_decref(result);
}

/* Splits "A,B,..." into *NP strings in a new array (caller frees the
 * array and *LISTP). */
static char **
split_remotes(const char *remotes, size_t *np, char **listp)
{
    char *list = xstrdup(remotes), *save = NULL;
    char **v = NULL;
    size_t n = 0;
    for (char *r = strtok_r(list, ",", &save); r;
         r = strtok_r(NULL, ",", &save)) {
        v = xrealloc(v, (n + 1) * sizeof *v);
        v[n++] = r;
    }
    if (!n) {
        nf_fatal(0, "no remote");
    }
    *np = n;
    *listp = list;
    return v;
}

/* txn: N inserts, at most DEPTH outstanding, to each of several servers,
 * in blocks alternating between the servers (A, B, A, B...), each block
 * waiting for all its replies; each server's time is the sum of its
 * blocks. */

struct txn_client {
    const char *remote;
    struct jsonrpc_conn *conn;
    long sent, done;
    double *lat;    /* [0..done) latencies, seconds. */
    double seconds; /* Timed wall time, summed over blocks. */
    double cpu;     /* Client CPU time, summed over blocks. */
};

/* Request ids are process-wide consecutive integers and only this thread
 * creates requests, so send times are kept by id, from the first. */
struct txn_clock {
    double *t_sent;
    long long first_id, n;
};

static void
txn_block(struct txn_client *c, struct txn_clock *clk, long count, long depth,
          long n)
{
    long goal = c->sent + count;
    double t0 = now_s(), c0 = cpu_s();
    while (c->done < goal) {
        while (c->sent < goal && c->sent - c->done < depth) {
            json_t *id;
            struct jsonrpc_msg *req =
                jsonrpc_create_request("transact", qos_txn(c->sent + 1), &id);
            long long k = json_integer_value(id);
            json_decref(id);
            if (clk->first_id < 0) {
                clk->first_id = k;
            }
            if (k - clk->first_id >= clk->n) {
                nf_abort("request id %lld out of range", k);
            }
            clk->t_sent[k - clk->first_id] = now_s();
            int error = jsonrpc_conn_send(c->conn, req);
            if (error) {
                recv_failed(c->conn, error, "sending a transaction");
            }
            c->sent++;
        }
        struct jsonrpc_msg *msg;
        int error = jsonrpc_conn_recv_block(c->conn, &msg, timeout_ms);
        if (error) {
            char *what = xasprintf("waiting for reply %ld of %ld (%ld "
                                   "outstanding)",
                                   c->done + 1, n, c->sent - c->done);
            recv_failed(c->conn, error, what);
        }
        if (handle_unsolicited(c->conn, msg)) {
            continue;
        }
        char what[64];
        snprintf(what, sizeof what, "transaction %ld", c->done + 1);
        check_txn_reply(msg, 1, what);
        long long slot = json_integer_value(msg->id) - clk->first_id;
        if (!json_is_integer(msg->id) || slot < 0 || slot >= clk->n
            || clk->t_sent[slot] == 0) {
            char *id = json_text(msg->id);
            fprintf(stderr, "%s: %s: reply with unexpected id %s\n",
                    nf_program_name, c->remote, id);
            exit(1);
        }
        c->lat[c->done++] = now_s() - clk->t_sent[slot];
        clk->t_sent[slot] = 0;
        jsonrpc_msg_destroy(msg);
    }
    c->seconds += now_s() - t0;
    c->cpu += cpu_s() - c0;
}

static int
cmd_txn(const char *remotes, long n, long depth, long block)
{
    char *list;
    size_t n_cs;
    char **names = split_remotes(remotes, &n_cs, &list);
    struct txn_client *cs = xcalloc(n_cs, sizeof *cs);
    for (size_t i = 0; i < n_cs; i++) {
        cs[i] = (struct txn_client){
            .remote = names[i],
            .conn = db_connect(names[i]),
            .lat = xcalloc(n, sizeof(double)),
        };
    }
    struct txn_clock clk = {
        .n = (long long) n * n_cs + 1,
        .first_id = -1,
    };
    clk.t_sent = xcalloc(clk.n, sizeof *clk.t_sent);

    for (long first = 0; first < n; first += block) {
        for (size_t i = 0; i < n_cs; i++) {
            txn_block(&cs[i], &clk, NF_MIN(block, n - first), depth, n);
        }
    }

    for (size_t i = 0; i < n_cs; i++) {
        struct txn_client *c = &cs[i];
        qsort(c->lat, n, sizeof *c->lat, cmp_double);
        print_result(json_pack(
            "{s:s, s:s, s:I, s:I, s:I, s:b, s:f, s:f, s:f, s:f, s:f}",
            "workload", "txn", "remote", c->remote, "n", (json_int_t) n,
            "depth", (json_int_t) depth, "block",
            (json_int_t) (n_cs > 1 ? block : n), "durable", durable, "seconds",
            c->seconds, "tx_per_s", n / c->seconds, "latency_ms_p50",
            percentile(c->lat, n, 0.5) * 1e3, "latency_ms_p99",
            percentile(c->lat, n, 0.99) * 1e3, "client_cpu_s", c->cpu));
        jsonrpc_conn_close(c->conn);
        free(c->lat);
    }
    free(cs);
    free(clk.t_sent);
    free(names);
    free(list);
    return 0;
}

/* monitor: N inserts (one outstanding) while N_MON clients monitor. */

struct bench_conn {
    struct jsonrpc_conn *conn;
    uint32_t events; /* Registered with epoll. */
    bool writer;
};

struct fanout {
    long n;
    int n_mon;
    double *t_sent; /* [1..n] */
    double *t_done; /* [1..n]: when the last monitor got the row. */
    int *n_got;     /* [1..n]: monitors that got the row so far. */
    long n_done;    /* Transactions every monitor has seen. */
    long n_updates; /* update2 notifications received. */
};

static void
epoll_sync(int ep, struct bench_conn *bc)
{
    uint32_t want = jsonrpc_conn_wants(bc->conn);
    if (want != bc->events) {
        struct epoll_event ev = { .events = want, .data.ptr = bc };
        if (epoll_ctl(ep, bc->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD,
                      jsonrpc_conn_fd(bc->conn), &ev)) {
            nf_fatal(errno, "epoll_ctl");
        }
        bc->events = want;
    }
}

/* Counts the QoS rows inserted by an "update2" notification. */
static void
fanout_update(struct fanout *f, const struct jsonrpc_msg *msg)
{
    json_t *tables = json_array_get(msg->params, 1);
    json_t *rows = json_object_get(tables, "QoS");
    const char *uuid;
    json_t *ru;
    f->n_updates++;
    json_object_foreach (rows, uuid, ru) {
        json_t *row = json_object_get(ru, "insert");
        if (!row) {
            continue;
        }
        /* external_ids: ["map", [["bench-seq", "K"]]]. */
        json_t *pair = json_array_get(
            json_array_get(json_object_get(row, "external_ids"), 1), 0);
        const char *s = json_string_value(json_array_get(pair, 1));
        long long k;
        if (!s || nf_parse_int(s, 1, f->n, &k)) {
            char *r = json_text(row);
            fprintf(stderr, "%s: monitor got an unexpected row %s\n",
                    nf_program_name, r);
            exit(1);
        }
        if (++f->n_got[k] == f->n_mon) {
            f->t_done[k] = now_s();
            f->n_done++;
        } else if (f->n_got[k] > f->n_mon) {
            fprintf(stderr, "%s: row %lld reported more than once\n",
                    nf_program_name, k);
            exit(1);
        }
    }
}

/* One server of the monitor workload: its monitors, its writer, its own
 * epoll set and figures. */
struct mon_target {
    const char *remote;
    int n_mon;
    struct bench_conn *bcs; /* [0..n_mon) monitors, [n_mon] the writer. */
    int ep;
    struct fanout f;
    long sent, replied;
    double seconds; /* Writer's time: first send to last reply, per block. */
    double total;   /* Until the last monitor got the last row, per block. */
    double cpu;
};

static void
mon_target_init(struct mon_target *t, const char *remote, long n, int n_mon)
{
    *t = (struct mon_target) {
        .remote = remote,
        .n_mon = n_mon,
        .bcs = xcalloc(n_mon + 1, sizeof *t->bcs),
        .f = {
            .n = n,
            .n_mon = n_mon,
            .t_sent = xcalloc(n + 1, sizeof(double)),
            .t_done = xcalloc(n + 1, sizeof(double)),
            .n_got = xcalloc(n + 1, sizeof(int)),
        },
    };
    for (int i = 0; i < n_mon; i++) {
        struct jsonrpc_conn *conn = db_connect(remote);
        t->bcs[i].conn = conn;
        json_t *params = json_pack("[s, i, {s:{s:[s]}}]", DB_NAME, i, "QoS",
                                   "columns", "external_ids");
        struct jsonrpc_msg *reply;
        int error = jsonrpc_transact_block(
            conn, jsonrpc_create_request("monitor_cond", params, NULL), &reply,
            timeout_ms);
        if (error) {
            recv_failed(conn, error, "starting a monitor");
        }
        if (reply->type != JSONRPC_REPLY) {
            char *e = json_text(reply->error);
            fprintf(stderr, "%s: %s: monitor_cond failed: %s\n",
                    nf_program_name, remote, e);
            exit(1);
        }
        jsonrpc_msg_destroy(reply);
    }
    t->bcs[n_mon].conn = db_connect(remote);
    t->bcs[n_mon].writer = true;
    t->ep = epoll_create1(EPOLL_CLOEXEC);
    if (t->ep < 0) {
        nf_fatal(errno, "epoll_create1");
    }
    for (int i = 0; i <= n_mon; i++) {
        epoll_sync(t->ep, &t->bcs[i]);
    }
}

static void
mon_send(struct mon_target *t)
{
    struct bench_conn *w = &t->bcs[t->n_mon];
    t->f.t_sent[++t->sent] = now_s();
    jsonrpc_conn_send(
        w->conn, jsonrpc_create_request("transact", qos_txn(t->sent), NULL));
    epoll_sync(t->ep, w);
}

/* Runs COUNT more transactions on T, one outstanding, until every monitor
 * has seen them all. */
static void
mon_block(struct mon_target *t, long count)
{
    struct fanout *f = &t->f;
    long goal = t->sent + count;
    double t_last_reply = 0;
    double t0 = now_s(), c0 = cpu_s();
    mon_send(t);
    while (t->replied < goal || f->n_done < goal) {
        struct epoll_event evs[64];
        int k = epoll_wait(t->ep, evs, 64, timeout_ms);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            nf_fatal(errno, "epoll_wait");
        }
        if (k == 0) {
            long first = 1;
            while (first <= f->n && f->n_got[first] == t->n_mon) {
                first++;
            }
            fprintf(stderr,
                    "%s: %s: nothing received for %d s (server hung?): %ld "
                    "of %ld transactions sent, %ld replies, %ld seen by "
                    "every monitor; transaction %ld seen by %d of %d "
                    "monitors\n",
                    nf_program_name, t->remote, timeout_ms / 1000, t->sent,
                    f->n, t->replied, f->n_done, first,
                    first <= f->n ? f->n_got[first] : t->n_mon, t->n_mon);
            exit(2);
        }
        for (int i = 0; i < k; i++) {
            struct bench_conn *bc = evs[i].data.ptr;
            if (evs[i].events & EPOLLOUT) {
                jsonrpc_conn_run(bc->conn);
            }
            for (;;) {
                struct jsonrpc_msg *msg;
                int error = jsonrpc_conn_recv(bc->conn, &msg);
                if (error == EAGAIN) {
                    break;
                } else if (error) {
                    recv_failed(bc->conn, error,
                                bc->writer ? "writing" : "monitoring");
                }
                if (msg->type == JSONRPC_NOTIFY
                    && !strcmp(msg->method, "update2") && !bc->writer) {
                    fanout_update(f, msg);
                    jsonrpc_msg_destroy(msg);
                } else if (handle_unsolicited(bc->conn, msg)) {
                    /* Consumed. */
                } else if (bc->writer) {
                    char what[64];
                    snprintf(what, sizeof what, "transaction %ld",
                             t->replied + 1);
                    check_txn_reply(msg, 1, what);
                    jsonrpc_msg_destroy(msg);
                    t->replied++;
                    t_last_reply = now_s();
                    if (t->sent < goal) {
                        mon_send(t);
                    }
                } else {
                    char *m = jsonrpc_msg_to_string(msg);
                    fprintf(stderr, "%s: %s: monitor got unexpected %s\n",
                            nf_program_name, t->remote, m);
                    exit(1);
                }
            }
            epoll_sync(t->ep, bc);
        }
    }
    t->seconds += t_last_reply - t0;
    t->total += now_s() - t0;
    t->cpu += cpu_s() - c0;
}

static void
mon_target_finish(struct mon_target *t)
{
    struct fanout *f = &t->f;
    long n = f->n;
    double *lat = xcalloc(n, sizeof *lat);
    for (long i = 1; i <= n; i++) {
        lat[i - 1] = f->t_done[i] - f->t_sent[i];
    }
    qsort(lat, n, sizeof *lat, cmp_double);
    print_result(json_pack(
        "{s:s, s:s, s:I, s:i, s:b, s:f, s:f, s:f, s:f, s:f, s:f, s:I, s:f}",
        "workload", "monitor", "remote", t->remote, "n", (json_int_t) n,
        "monitors", t->n_mon, "durable", durable, "seconds", t->seconds,
        "tx_per_s", n / t->seconds, "fanout_ms_p50",
        percentile(lat, n, 0.5) * 1e3, "fanout_ms_p99",
        percentile(lat, n, 0.99) * 1e3, "fanout_ms_max", lat[n - 1] * 1e3,
        "total_seconds", t->total, "updates_received",
        (json_int_t) f->n_updates, "client_cpu_s", t->cpu));
    for (int i = 0; i <= t->n_mon; i++) {
        jsonrpc_conn_close(t->bcs[i].conn);
    }
    close(t->ep);
    free(lat);
    free(t->bcs);
    free(f->t_sent);
    free(f->t_done);
    free(f->n_got);
}

static int
cmd_monitor(const char *remotes, long n, int n_mon, long block)
{
    char *list;
    size_t n_t;
    char **names = split_remotes(remotes, &n_t, &list);
    struct mon_target *ts = xcalloc(n_t, sizeof *ts);
    for (size_t i = 0; i < n_t; i++) {
        mon_target_init(&ts[i], names[i], n, n_mon);
    }
    for (long first = 0; first < n; first += block) {
        for (size_t i = 0; i < n_t; i++) {
            mon_block(&ts[i], NF_MIN(block, n - first));
        }
    }
    for (size_t i = 0; i < n_t; i++) {
        mon_target_finish(&ts[i]);
    }
    free(ts);
    free(names);
    free(list);
    return 0;
}

/* ports: load N_PORTS ports on one bridge, then dump the database. */

/* One port "pI" with interface "pI". */
static void
add_port_ops(json_t *ops, json_t *refs, long i)
{
    char name[32], iface[32], port[32];
    snprintf(name, sizeof name, "p%ld", i);
    snprintf(iface, sizeof iface, "i%ld", i);
    snprintf(port, sizeof port, "p%ld", i);
    json_array_append_new(
        ops, json_pack("{s:s, s:s, s:s, s:{s:s}}", "op", "insert", "table",
                       "Interface", "uuid-name", iface, "row", "name", name));
    json_array_append_new(
        ops, json_pack("{s:s, s:s, s:s, s:{s:s, s:[s, s]}}", "op", "insert",
                       "table", "Port", "uuid-name", port, "row", "name", name,
                       "interfaces", "named-uuid", iface));
    json_array_append_new(refs, json_pack("[s, s]", "named-uuid", port));
}

/* Waits until S is ready for what it wants, or exits on timeout. */
static void
stream_wait(struct stream *s, const char *what)
{
    struct pollfd pfd = { .fd = stream_fd(s), .events = stream_wants(s) };
    int k;
    do {
        k = poll(&pfd, 1, timeout_ms);
    } while (k < 0 && errno == EINTR);
    if (k == 0) {
        fprintf(stderr, "%s: %s: nothing for %d s while %s (server hung?)\n",
                nf_program_name, stream_get_name(s), timeout_ms / 1000, what);
        exit(2);
    }
}

/* Tracks where the top-level JSON value in a byte stream ends, without
 * building it: depth of brackets outside strings. */
struct json_scan {
    int depth;
    bool started, in_string, escape;
};

/* Scans N bytes at P.  Returns true once the first complete top-level
 * value has ended (it must be the only thing the stream holds yet). */
static bool
json_scan_feed(struct json_scan *js, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (js->in_string) {
            if (js->escape) {
                js->escape = false;
            } else if (c == '\\') {
                js->escape = true;
            } else if (c == '"') {
                js->in_string = false;
            }
        } else if (c == '"') {
            js->in_string = true;
        } else if (c == '{' || c == '[') {
            js->depth++;
            js->started = true;
        } else if (c == '}' || c == ']') {
            if (--js->depth == 0 && js->started) {
                return true;
            }
        }
    }
    return false;
}

/* Sends TEXT over a raw stream to REMOTE and receives the complete reply
 * into *REPLYP (caller frees, *LENP bytes).  Returns the seconds from the
 * first byte sent to the last byte received. */
static double
raw_request(const char *remote, const char *text, char **replyp, size_t *lenp)
{
    struct stream *s;
    int error = stream_open_block(remote, STREAM_OVSDB_PORT, timeout_ms, &s);
    if (error) {
        nf_fatal(error, "%s: cannot connect", remote);
    }
    size_t cap = 1 << 20, len = 0, sent = 0, n = strlen(text);
    char *buf = xmalloc(cap);
    struct json_scan js = { 0 };

    double t0 = now_s();
    while (sent < n) {
        size_t k;
        error = stream_send(s, text + sent, n - sent, &k);
        if (!error) {
            sent += k;
        } else if (error == EAGAIN) {
            stream_wait(s, "sending the dump request");
        } else {
            nf_fatal(error, "%s: sending the dump request", remote);
        }
    }
    for (;;) {
        if (cap - len < (1 << 16)) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        size_t k;
        error = stream_recv(s, buf + len, cap - len - 1, &k);
        if (error == EAGAIN) {
            stream_wait(s, "receiving the dump");
            continue;
        } else if (error) {
            nf_fatal(error == EOF ? 0 : error,
                     "%s: receiving the dump (%zu bytes so far)%s", remote,
                     len,
                     error == EOF ? ": the server closed the connection" : "");
        }
        bool done = json_scan_feed(&js, buf + len, k);
        len += k;
        if (done) {
            break;
        }
    }
    double secs = now_s() - t0;
    stream_close(s);
    buf[len] = '\0';
    *replyp = buf;
    *lenp = len;
    return secs;
}

/* Builds the transaction adding ports FIRST..LAST-1 to br0. */
static json_t *
ports_txn(long first, long last)
{
    json_t *ops = json_pack("[s]", DB_NAME);
    json_t *refs = json_array();
    for (long i = first; i < last; i++) {
        add_port_ops(ops, refs, i);
    }
    json_array_append_new(
        ops, json_pack("{s:s, s:s, s:[[s, s, s]], s:[[s, s, [s, o]]]}", "op",
                       "mutate", "table", "Bridge", "where", "name", "==",
                       "br0", "mutations", "ports", "insert", "set", refs));
    json_array_append_new(ops, commit_op());
    return ops;
}

/* The dump request: a select of every table in the schema, as text, with
 * the list of operations in *PARAMSP (caller decrefs). */
static char *
dump_request(struct jsonrpc_conn *conn, json_t **paramsp)
{
    struct jsonrpc_msg *reply;
    int error = jsonrpc_transact_block(
        conn,
        jsonrpc_create_request("get_schema", json_pack("[s]", DB_NAME), NULL),
        &reply, timeout_ms);
    if (error) {
        recv_failed(conn, error, "getting the schema");
    }
    if (reply->type != JSONRPC_REPLY) {
        nf_fatal(0, "get_schema failed");
    }
    json_t *params = json_pack("[s]", DB_NAME);
    const char *table;
    json_t *ts;
    json_object_foreach (json_object_get(reply->result, "tables"), table, ts) {
        json_array_append_new(params,
                              json_pack("{s:s, s:s, s:[]}", "op", "select",
                                        "table", table, "where"));
    }
    jsonrpc_msg_destroy(reply);
    json_t *req = jsonrpc_msg_to_json(
        jsonrpc_create_request("transact", json_incref(params), NULL));
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    *paramsp = params;
    return text;
}

/* Checks the dump reply BUF (LEN bytes) to the select operations PARAMS:
 * every select succeeded and Port and Interface hold N_PORTS rows each.
 * Returns the total number of rows. */
static size_t
check_dump(const char *remote, const char *buf, size_t len, json_t *params,
           long n_ports)
{
    size_t n_tables = json_array_size(params) - 1;
    json_error_t jerr;
    json_t *j = json_loadb(buf, len, 0, &jerr);
    struct jsonrpc_msg *msg = NULL;
    if (!j || jsonrpc_msg_from_json(j, &msg, NULL)) {
        nf_fatal(0, "%s: dump reply is not a JSON-RPC message: %s", remote,
                 j ? "bad shape" : jerr.text);
    }
    check_txn_reply(msg, n_tables, "dump");
    size_t rows = 0, n_port_rows = 0, n_iface_rows = 0, i = 0;
    json_t *op;
    json_array_foreach (msg->result, i, op) {
        if (i >= n_tables) {
            break;
        }
        size_t r = json_array_size(json_object_get(op, "rows"));
        const char *t = json_string_value(
            json_object_get(json_array_get(params, i + 1), "table"));
        rows += r;
        if (!strcmp(t, "Port")) {
            n_port_rows = r;
        } else if (!strcmp(t, "Interface")) {
            n_iface_rows = r;
        }
    }
    if (n_port_rows != (size_t) n_ports || n_iface_rows != (size_t) n_ports) {
        nf_fatal(0, "%s: dump holds %zu ports and %zu interfaces, not %ld",
                 remote, n_port_rows, n_iface_rows, n_ports);
    }
    jsonrpc_msg_destroy(msg);
    json_decref(j);
    return rows;
}

/* One server of the ports workload. */
struct ports_target {
    const char *remote;
    struct jsonrpc_conn *conn;
    double load_s, load_cpu;
    double *dumps;
    size_t dump_bytes, dump_rows;
};

/* ports: each batch and each dump goes to every server in turn. */
static int
cmd_ports(const char *remotes, long n_ports, long batch)
{
    char *list;
    size_t n_t;
    char **names = split_remotes(remotes, &n_t, &list);
    struct ports_target *ts = xcalloc(n_t, sizeof *ts);

    for (size_t i = 0; i < n_t; i++) {
        struct ports_target *t = &ts[i];
        t->remote = names[i];
        t->conn = db_connect(t->remote);
        t->dumps = xcalloc(n_dumps, sizeof *t->dumps);
        /* The bridge, referenced from the root row as ovs-vsctl add-br
         * does. */
        json_t *setup = json_pack(
            "[s, {s:s, s:s, s:s, s:{s:s}}, {s:s, s:s, s:{s:[s, s]}}, o]",
            DB_NAME, "op", "insert", "table", "Bridge", "uuid-name", "br",
            "row", "name", "br0", "op", "insert", "table", "Open_vSwitch",
            "row", "bridges", "named-uuid", "br", commit_op());
        jsonrpc_msg_destroy(transact(t->conn, setup, "creating the bridge"));
    }

    for (long first = 0; first < n_ports; first += batch) {
        long last = NF_MIN(first + batch, n_ports);
        char what[64];
        snprintf(what, sizeof what, "adding ports %ld..%ld", first, last - 1);
        for (size_t i = 0; i < n_t; i++) {
            struct ports_target *t = &ts[i];
            json_t *ops = ports_txn(first, last);
            double t0 = now_s(), c0 = cpu_s();
            jsonrpc_msg_destroy(transact(t->conn, ops, what));
            t->load_s += now_s() - t0;
            t->load_cpu += cpu_s() - c0;
        }
    }

    json_t *params;
    char *text = dump_request(ts[0].conn, &params);
    for (int d = 0; d < n_dumps; d++) {
        for (size_t i = 0; i < n_t; i++) {
            struct ports_target *t = &ts[i];
            char *buf;
            t->dumps[d] = raw_request(t->remote, text, &buf, &t->dump_bytes);
            /* Check the reply now that the clock has stopped. */
            t->dump_rows =
                check_dump(t->remote, buf, t->dump_bytes, params, n_ports);
            free(buf);
        }
    }

    for (size_t i = 0; i < n_t; i++) {
        struct ports_target *t = &ts[i];
        qsort(t->dumps, n_dumps, sizeof *t->dumps, cmp_double);
        print_result(json_pack(
            "{s:s, s:s, s:I, s:I, s:b, s:f, s:f, s:f, s:f, s:I, s:I, s:f}",
            "workload", "ports", "remote", t->remote, "ports",
            (json_int_t) n_ports, "batch", (json_int_t) batch, "durable",
            durable, "load_seconds", t->load_s, "ports_per_s",
            n_ports / t->load_s, "dump_seconds",
            percentile(t->dumps, n_dumps, 0.5), "dump_seconds_min",
            t->dumps[0], "dump_bytes", (json_int_t) t->dump_bytes, "dump_rows",
            (json_int_t) t->dump_rows, "client_cpu_s", t->load_cpu));
        jsonrpc_conn_close(t->conn);
        free(t->dumps);
    }
    free(text);
    json_decref(params);
    free(ts);
    free(names);
    free(list);
    return 0;
}

/* fsync: N appends of 300 bytes to a new FILE, each made durable. */
static int
cmd_fsync(const char *path, long n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        nf_fatal(errno, "%s", path);
    }
    char rec[300];
    memset(rec, 'x', sizeof rec);
    double *t = xcalloc(n, sizeof *t);
    for (long i = 0; i < n; i++) {
        if (write(fd, rec, sizeof rec) != (ssize_t) sizeof rec) {
            nf_fatal(errno, "%s: write", path);
        }
        double t0 = now_s();
        if (fdatasync(fd)) {
            nf_fatal(errno, "%s: fdatasync", path);
        }
        t[i] = now_s() - t0;
    }
    close(fd);
    unlink(path);
    qsort(t, n, sizeof *t, cmp_double);
    print_result(json_pack("{s:s, s:I, s:f, s:f}", "workload", "fsync", "n",
                           (json_int_t) n, "fdatasync_ms_p50",
                           percentile(t, n, 0.5) * 1e3, "fdatasync_ms_p90",
                           percentile(t, n, 0.9) * 1e3));
    free(t);
    return 0;
}

static void NF_NORETURN
usage(void)
{
    printf("%s: OVSDB load generator for make bench\n"
           "usage: %s [OPTIONS] txn REMOTE[,REMOTE...] N DEPTH\n"
           "       %s [OPTIONS] monitor REMOTE[,REMOTE...] N N_MONITORS\n"
           "       %s [OPTIONS] ports REMOTE[,REMOTE...] N_PORTS BATCH\n"
           "       %s fsync FILE N\n"
           "Options: --no-durable  --timeout=SECS (60)  --dumps=N (3)  "
           "--block=N (1000)\n"
           "Prints one JSON object with the results.\n",
           nf_program_name, nf_program_name, nf_program_name, nf_program_name,
           nf_program_name);
    exit(0);
}

static long
parse_count(const char *s, const char *what, long max)
{
    long long v;
    if (nf_parse_int(s, 1, max, &v)) {
        nf_fatal(0, "%s: \"%s\" is not a number from 1 to %ld", what, s, max);
    }
    return v;
}

int
main(int argc, char *argv[])
{
    enum { OPT_NO_DURABLE = 0x100, OPT_TIMEOUT, OPT_DUMPS, OPT_BLOCK };
    static const struct option long_options[] = {
        { "no-durable", no_argument, NULL, OPT_NO_DURABLE },
        { "timeout", required_argument, NULL, OPT_TIMEOUT },
        { "dumps", required_argument, NULL, OPT_DUMPS },
        { "block", required_argument, NULL, OPT_BLOCK },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };

    nf_set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);
    for (;;) {
        int c = getopt_long(argc, argv, "h", long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_NO_DURABLE:
            durable = false;
            break;
        case OPT_TIMEOUT:
            timeout_ms = parse_count(optarg, "--timeout", 86400) * 1000;
            break;
        case OPT_DUMPS:
            n_dumps = parse_count(optarg, "--dumps", 64);
            break;
        case OPT_BLOCK:
            block_size = parse_count(optarg, "--block", 100000000);
            break;
        case 'h':
            usage();
        default:
            fprintf(stderr, "Try '%s --help' for more information.\n",
                    nf_program_name);
            exit(1);
        }
    }
    argc -= optind;
    argv += optind;
    if (argc == 3 && !strcmp(argv[0], "fsync")) {
        return cmd_fsync(argv[1], parse_count(argv[2], "N", 1000000));
    } else if (argc != 4) {
        nf_fatal(0, "expected a workload, a remote and two numbers "
                    "(try --help)");
    }
    const char *cmd = argv[0], *remote = argv[1];
    if (!strcmp(cmd, "txn")) {
        return cmd_txn(remote, parse_count(argv[2], "N", 100000000),
                       parse_count(argv[3], "DEPTH", 100000), block_size);
    } else if (!strcmp(cmd, "monitor")) {
        return cmd_monitor(remote, parse_count(argv[2], "N", 100000000),
                           parse_count(argv[3], "N_MONITORS", 10000),
                           block_size);
    } else if (!strcmp(cmd, "ports")) {
        return cmd_ports(remote, parse_count(argv[2], "N_PORTS", 10000000),
                         parse_count(argv[3], "BATCH", 100000));
    }
    nf_fatal(0, "unknown workload \"%s\" (try --help)", cmd);
}
