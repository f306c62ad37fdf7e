/* jsonrpc.c: JSON-RPC 1.0 messages, the stream framer and connections (see
 * jsonrpc.h). */
#include "jsonrpc.h"

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "buf.h"
#include "coverage.h"
#include "list.h"
#include "stream.h"
#include "util.h"
#include "vlog.h"

VLOG_DEFINE_THIS_MODULE(jsonrpc);

COVERAGE_DEFINE(jsonrpc_recv);
COVERAGE_DEFINE(jsonrpc_send);
COVERAGE_DEFINE(jsonrpc_proto_error);
COVERAGE_DEFINE(jsonrpc_conn_error);

/* Everything logged here can be triggered by a peer. */
static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(60, 20);

/* Messages. */

static struct jsonrpc_msg *
msg_create(enum jsonrpc_msg_type type, const char *method, json_t *params,
           json_t *result, json_t *error, json_t *id)
{
    struct jsonrpc_msg *msg = xzalloc(sizeof *msg);
    msg->type = type;
    msg->method = method ? xstrdup(method) : NULL;
    msg->params = params;
    msg->result = result;
    msg->error = error;
    msg->id = id;
    return msg;
}

/* PARAMS (taken) as a message's params: NULL becomes []. */
static json_t *
params_or_empty(json_t *params)
{
    if (!params) {
        return json_array();
    }
    nf_assert(json_is_array(params));
    return params;
}

struct jsonrpc_msg *
jsonrpc_create_request(const char *method, json_t *params, json_t **idp)
{
    /* Ids need only be unique among the requests outstanding on one
     * connection; a process-wide counter is simpler and also makes ids
     * unique across connections in logs. */
    static atomic_llong next_id;
    json_t *id = json_integer(atomic_fetch_add(&next_id, 1));

    if (idp) {
        *idp = json_incref(id);
    }
    return msg_create(JSONRPC_REQUEST, method, params_or_empty(params), NULL,
                      NULL, id);
}

struct jsonrpc_msg *
jsonrpc_create_notify(const char *method, json_t *params)
{
    return msg_create(JSONRPC_NOTIFY, method, params_or_empty(params), NULL,
                      NULL, NULL);
}

struct jsonrpc_msg *
jsonrpc_create_reply(json_t *result, json_t *id)
{
    nf_assert(id && !json_is_null(id));
    return msg_create(JSONRPC_REPLY, NULL, NULL, result ? result : json_null(),
                      NULL, json_incref(id));
}

struct jsonrpc_msg *
jsonrpc_create_error(json_t *error, json_t *id)
{
    nf_assert(error && !json_is_null(error));
    return msg_create(JSONRPC_ERROR, NULL, NULL, NULL, error,
                      id ? json_incref(id) : json_null());
}

void
jsonrpc_msg_destroy(struct jsonrpc_msg *msg)
{
    if (msg) {
        free(msg->method);
        json_decref(msg->params);
        json_decref(msg->result);
        json_decref(msg->error);
        json_decref(msg->id);
        free(msg);
    }
}

const char *
jsonrpc_msg_type_to_string(enum jsonrpc_msg_type type)
{
    switch (type) {
    case JSONRPC_REQUEST:
        return "request";
    case JSONRPC_NOTIFY:
        return "notification";
    case JSONRPC_REPLY:
        return "reply";
    case JSONRPC_ERROR:
        return "error";
    default:
        return "<invalid>";
    }
}

/* Message shapes, as data.  Every member a message may have gets a rule
 * per message type; jsonrpc_msg_from_json() first decides the type from
 * which members are present and then checks every member against the
 * type's row. */
enum msg_member { MM_METHOD, MM_PARAMS, MM_RESULT, MM_ERROR, MM_ID, MM_N };

static const char *const msg_member_names[MM_N] = {
    [MM_METHOD] = "method", [MM_PARAMS] = "params", [MM_RESULT] = "result",
    [MM_ERROR] = "error",   [MM_ID] = "id",
};

enum member_rule {
    MR_ABSENT,         /* Must not appear. */
    MR_ABSENT_OR_NULL, /* May appear, but only as null. */
    MR_ANY,            /* Required, any value. */
    MR_NON_NULL,       /* Required, not null. */
    MR_STRING,         /* Required, a string. */
    MR_ARRAY,          /* Required, an array. */
};

static const enum member_rule msg_shapes[][MM_N] = {
    /*                  method      params      result
     *                  error       id */
    [JSONRPC_REQUEST] = { MR_STRING, MR_ARRAY, MR_ABSENT, MR_ABSENT,
                          MR_NON_NULL },
    [JSONRPC_NOTIFY] = { MR_STRING, MR_ARRAY, MR_ABSENT, MR_ABSENT,
                         MR_ABSENT_OR_NULL },
    [JSONRPC_REPLY] = { MR_ABSENT, MR_ABSENT, MR_ANY, MR_ABSENT_OR_NULL,
                        MR_NON_NULL },
    [JSONRPC_ERROR] = { MR_ABSENT, MR_ABSENT, MR_ABSENT_OR_NULL, MR_NON_NULL,
                        MR_ANY },
};

/* A JSON value's type as a noun phrase, for error messages. */
static const char *
json_type_phrase(const json_t *json)
{
    switch (json_typeof(json)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a real number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
    default:
        return "null";
    }
}

/* Checks VALUE (NULL if absent) of member M against RULE.  Returns NULL if
 * it complies, otherwise the problem (caller frees). */
static char *
check_member(enum jsonrpc_msg_type type, enum msg_member m,
             enum member_rule rule, const json_t *value)
{
    const char *t = jsonrpc_msg_type_to_string(type);
    const char *name = msg_member_names[m];

    if (!value) {
        return (rule == MR_ABSENT || rule == MR_ABSENT_OR_NULL
                    ? NULL
                    : xasprintf("%s: \"%s\" is missing", t, name));
    }
    switch (rule) {
    case MR_ABSENT:
        return xasprintf("%s: unexpected \"%s\" member", t, name);
    case MR_ABSENT_OR_NULL:
        return (json_is_null(value)
                    ? NULL
                    : xasprintf("%s: \"%s\" must be null or absent, not %s", t,
                                name, json_type_phrase(value)));
    case MR_ANY:
        return NULL;
    case MR_NON_NULL:
        return (!json_is_null(value)
                    ? NULL
                    : xasprintf("%s: \"%s\" must not be null", t, name));
    case MR_STRING:
        return (json_is_string(value)
                    ? NULL
                    : xasprintf("%s: \"%s\" must be a string, not %s", t, name,
                                json_type_phrase(value)));
    case MR_ARRAY:
        return (json_is_array(value)
                    ? NULL
                    : xasprintf("%s: \"%s\" must be an array, not %s", t, name,
                                json_type_phrase(value)));
    default:
        nf_abort("bad member rule %d", (int) rule);
    }
}

/* Takes a new reference to VALUE, or returns NULL if VALUE is NULL. */
static json_t *
ref_or_null(json_t *value)
{
    return value ? json_incref(value) : NULL;
}

int
jsonrpc_msg_from_json(json_t *json, struct jsonrpc_msg **msgp, char **errp)
{
    json_t *members[MM_N] = { NULL };
    char *error = NULL;

    *msgp = NULL;
    if (!json_is_object(json)) {
        error = xasprintf("message is %s, not a JSON object",
                          json ? json_type_phrase(json) : "missing");
        goto fail;
    }

    for (void *it = json_object_iter(json); it;
         it = json_object_iter_next(json, it)) {
        const char *key = json_object_iter_key(it);
        json_t *value = json_object_iter_value(it);
        size_t m;
        for (m = 0; m < MM_N; m++) {
            if (!strcmp(key, msg_member_names[m])) {
                members[m] = value;
                break;
            }
        }
        if (m == MM_N) {
            error = xasprintf("message has unexpected member \"%s\" (a "
                              "JSON-RPC 1.0 message has only \"method\", "
                              "\"params\", \"result\", \"error\" and "
                              "\"id\")",
                              key);
            goto fail;
        }
    }

    enum jsonrpc_msg_type type;
    if (members[MM_METHOD]) {
        type =
            (members[MM_ID] && !json_is_null(members[MM_ID]) ? JSONRPC_REQUEST
                                                             : JSONRPC_NOTIFY);
    } else if (members[MM_ERROR] && !json_is_null(members[MM_ERROR])) {
        type = JSONRPC_ERROR;
    } else if (members[MM_RESULT]) {
        type = JSONRPC_REPLY;
    } else {
        error = xstrdup("message has no \"method\", \"result\" or non-null "
                        "\"error\", so it is neither a request, a "
                        "notification nor a reply");
        goto fail;
    }

    for (size_t m = 0; m < MM_N; m++) {
        error = check_member(type, m, msg_shapes[type][m], members[m]);
        if (error) {
            goto fail;
        }
    }

    struct jsonrpc_msg *msg = xzalloc(sizeof *msg);
    msg->type = type;
    if (members[MM_METHOD]) {
        msg->method = xstrdup(json_string_value(members[MM_METHOD]));
    }
    msg->params = ref_or_null(members[MM_PARAMS]);
    if (type == JSONRPC_REPLY) {
        msg->result = ref_or_null(members[MM_RESULT]);
    } else if (type == JSONRPC_ERROR) {
        msg->error = ref_or_null(members[MM_ERROR]);
    }
    if (type != JSONRPC_NOTIFY) {
        msg->id = ref_or_null(members[MM_ID]);
    }
    *msgp = msg;
    if (errp) {
        *errp = NULL;
    }
    return 0;

fail:
    nf_give_error(errp, error);
    return EPROTO;
}

/* Sets KEY in OBJ to VALUE (borrowed; NULL means JSON null). */
static void
set_member(json_t *obj, const char *key, json_t *value)
{
    json_object_set_new(obj, key, value ? json_incref(value) : json_null());
}

json_t *
jsonrpc_msg_to_json(const struct jsonrpc_msg *msg)
{
    json_t *obj = json_object();

    switch (msg->type) {
    case JSONRPC_REQUEST:
    case JSONRPC_NOTIFY:
        json_object_set_new(obj, "method", json_string(msg->method));
        set_member(obj, "params", msg->params);
        set_member(obj, "id", msg->type == JSONRPC_REQUEST ? msg->id : NULL);
        break;
    case JSONRPC_REPLY:
        set_member(obj, "id", msg->id);
        set_member(obj, "result", msg->result);
        set_member(obj, "error", NULL);
        break;
    case JSONRPC_ERROR:
    default:
        set_member(obj, "id", msg->id);
        set_member(obj, "result", NULL);
        set_member(obj, "error", msg->error);
        break;
    }
    return obj;
}

char *
jsonrpc_msg_to_string(const struct jsonrpc_msg *msg)
{
    json_t *json = jsonrpc_msg_to_json(msg);
    char *text = json_dumps(json, JSON_COMPACT);
    json_decref(json);

    char *s = xasprintf("%s %s", jsonrpc_msg_type_to_string(msg->type),
                        text ? text : "<unserialisable>");
    free(text);
    return s;
}

bool
jsonrpc_msg_is_reply_to(const struct jsonrpc_msg *msg, const json_t *id)
{
    return ((msg->type == JSONRPC_REPLY || msg->type == JSONRPC_ERROR)
            && msg->id && id && json_equal(msg->id, (json_t *) id));
}

/* The framer.
 *
 * JSON texts are delimited without parsing them: between texts only
 * whitespace and the opening '{' or '[' are allowed; inside a text the
 * scanner tracks whether it is inside a string (where brackets do not
 * count), after a backslash (where a quote does not end the string) and the
 * bracket depth.  The text ends at the bracket that returns the depth to
 * zero, and only then does jansson parse it, which also validates UTF-8.
 * Bytes of multi-byte UTF-8 sequences are all >= 0x80 and can never be
 * mistaken for a quote, backslash or bracket, so a chunk boundary may fall
 * anywhere. */

enum parser_state {
    PS_BETWEEN, /* Between texts: skipping whitespace. */
    PS_VALUE,   /* Inside a text, outside strings. */
    PS_STRING,  /* Inside a string. */
    PS_ESCAPE,  /* Inside a string, after a backslash. */
    PS_FAILED,  /* Malformed input seen. */
};

struct jsonrpc_parser {
    enum parser_state state;
    unsigned int depth; /* Open brackets in the current text. */
    struct buf text;    /* The current text so far. */
    size_t max_size;
    unsigned int max_depth;
    unsigned long long offset; /* Stream bytes consumed before this call. */
    unsigned long long start;  /* Stream offset of the current text. */
    char *error;
};

/* A text buffer larger than this is freed after use rather than kept for
 * the next text, so that one huge message does not pin its memory for the
 * life of the connection. */
#define PARSER_KEEP_BUFFER (64 * 1024)

struct jsonrpc_parser *
jsonrpc_parser_create(size_t max_size, unsigned int max_depth)
{
    struct jsonrpc_parser *p = xzalloc(sizeof *p);
    p->state = PS_BETWEEN;
    buf_init(&p->text);
    p->max_size = max_size ? max_size : JSONRPC_DEFAULT_MAX_SIZE;
    p->max_depth = max_depth ? max_depth : JSONRPC_DEFAULT_MAX_DEPTH;
    return p;
}

void
jsonrpc_parser_destroy(struct jsonrpc_parser *p)
{
    if (p) {
        buf_destroy(&p->text);
        free(p->error);
        free(p);
    }
}

const char *
jsonrpc_parser_get_error(const struct jsonrpc_parser *p)
{
    return p->error;
}

size_t
jsonrpc_parser_get_buffered(const struct jsonrpc_parser *p)
{
    return p->state == PS_BETWEEN || p->state == PS_FAILED ? 0 : p->text.len;
}

static int parser_fail(struct jsonrpc_parser *p, const char *fmt, ...)
    NF_PRINTF(2, 3);

static int
parser_fail(struct jsonrpc_parser *p, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    p->error = xvasprintf(fmt, args);
    va_end(args);
    p->state = PS_FAILED;
    buf_destroy(&p->text);
    COVERAGE_INC(jsonrpc_proto_error);
    return EPROTO;
}

static bool
is_json_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Parses the complete text in P->text.  Returns 0 with *JSONP or EPROTO. */
static int
parser_finish_text(struct jsonrpc_parser *p, json_t **jsonp)
{
    json_error_t jerr;
    /* Duplicate member names are refused: RFC 8259 leaves their meaning
     * open, and two programs reading one message differently is how
     * request smuggling starts. */
    json_t *json = json_loadb((const char *) p->text.data, p->text.len,
                              JSON_REJECT_DUPLICATES, &jerr);
    if (!json) {
        return parser_fail(p,
                           "invalid JSON in the %zu-byte text at stream "
                           "byte %llu: %s (line %d, column %d, byte %d of "
                           "the text)",
                           p->text.len, p->start, jerr.text, jerr.line,
                           jerr.column, jerr.position);
    }

    p->state = PS_BETWEEN;
    if (p->text.cap > PARSER_KEEP_BUFFER) {
        buf_destroy(&p->text);
    } else {
        buf_clear(&p->text);
    }
    *jsonp = json;
    return 0;
}

int
jsonrpc_parser_feed(struct jsonrpc_parser *p, const void *data, size_t n,
                    size_t *n_used, json_t **jsonp)
{
    const uint8_t *d = data;
    size_t i = 0;

    *n_used = 0;
    *jsonp = NULL;
    if (p->state == PS_FAILED) {
        return EPROTO;
    }

    while (i < n) {
        if (p->state == PS_BETWEEN) {
            uint8_t c = d[i];
            if (is_json_space(c)) {
                i++;
                continue;
            }
            if (c != '{' && c != '[') {
                char found[16];
                if (c >= 0x20 && c < 0x7f) {
                    snprintf(found, sizeof found, "'%c' (0x%02x)", c, c);
                } else {
                    snprintf(found, sizeof found, "byte 0x%02x", c);
                }
                *n_used = i;
                return parser_fail(p,
                                   "expected '{' or '[' to start a JSON "
                                   "text at stream byte %llu, found %s; a "
                                   "JSON-RPC message must be a JSON object",
                                   p->offset + i, found);
            }
            p->state = PS_VALUE;
            p->depth = 0;
            p->start = p->offset + i;
        }

        /* Scan a run of the text, then append the whole run at once. */
        size_t run_start = i;
        bool done = false;
        for (; i < n && !done; i++) {
            uint8_t c = d[i];
            switch (p->state) {
            case PS_VALUE:
                if (c == '"') {
                    p->state = PS_STRING;
                } else if (c == '{' || c == '[') {
                    if (++p->depth > p->max_depth) {
                        *n_used = i;
                        return parser_fail(p,
                                           "JSON text at stream byte "
                                           "%llu is nested more than %u "
                                           "levels deep",
                                           p->start, p->max_depth);
                    }
                } else if (c == '}' || c == ']') {
                    done = !--p->depth;
                }
                break;
            case PS_STRING:
                if (c == '\\') {
                    p->state = PS_ESCAPE;
                } else if (c == '"') {
                    p->state = PS_VALUE;
                }
                break;
            case PS_ESCAPE:
                p->state = PS_STRING;
                break;
            case PS_BETWEEN:
            case PS_FAILED:
            default:
                nf_abort("jsonrpc parser in state %d inside a text",
                         (int) p->state);
            }
        }

        size_t run = i - run_start;
        if (p->text.len + run > p->max_size) {
            *n_used = i;
            return parser_fail(p,
                               "JSON text at stream byte %llu is longer "
                               "than the limit of %zu bytes",
                               p->start, p->max_size);
        }
        buf_put(&p->text, d + run_start, run);
        if (done) {
            *n_used = i;
            p->offset += i;
            return parser_finish_text(p, jsonp);
        }
    }

    *n_used = n;
    p->offset += n;
    return EAGAIN;
}

/* Connections. */

/* Bytes asked of the stream per receive: a TLS record holds at most 16
 * KiB of data, so one receive empties one record. */
#define CONN_RX_CHUNK (16 * 1024)

struct conn_txbuf {
    struct dlist node; /* In jsonrpc_conn's txq. */
    char *data;        /* One serialised message. */
    size_t len;
    size_t ofs; /* Bytes already sent. */
};

struct jsonrpc_conn {
    struct stream *stream;
    struct jsonrpc_parser *parser;
    struct buf rx;    /* Received, not yet fed to the parser. */
    size_t rx_ofs;    /* Bytes of RX already fed. */
    struct dlist txq; /* struct conn_txbuf, oldest first. */
    size_t backlog;   /* Unsent bytes in TXQ. */
    int status;       /* 0, or the final error (EOF...). */
    char *error_text;
};

struct jsonrpc_conn *
jsonrpc_conn_create(struct stream *stream)
{
    struct jsonrpc_conn *conn = xzalloc(sizeof *conn);
    conn->stream = stream;
    conn->parser = jsonrpc_parser_create(0, 0);
    buf_init(&conn->rx);
    dlist_init(&conn->txq);
    return conn;
}

static void
conn_clear_txq(struct jsonrpc_conn *conn)
{
    struct conn_txbuf *tx, *next;
    DLIST_FOR_EACH_SAFE (tx, next, node, &conn->txq) {
        dlist_remove(&tx->node);
        free(tx->data);
        free(tx);
    }
    conn->backlog = 0;
}

void
jsonrpc_conn_close(struct jsonrpc_conn *conn)
{
    if (conn) {
        conn_clear_txq(conn);
        buf_destroy(&conn->rx);
        jsonrpc_parser_destroy(conn->parser);
        free(conn->error_text);
        stream_close(conn->stream);
        free(conn);
    }
}

void
jsonrpc_conn_set_limits(struct jsonrpc_conn *conn, size_t max_size,
                        unsigned int max_depth)
{
    /* Only a parser between texts can be replaced without losing data; a
     * caller sets limits right after creating the connection. */
    nf_assert(!jsonrpc_parser_get_buffered(conn->parser));
    jsonrpc_parser_destroy(conn->parser);
    conn->parser = jsonrpc_parser_create(max_size, max_depth);
}

/* Makes ERROR (EOF, EPROTO or an errno) the final status of CONN, with
 * the explanation formatted from FMT.  Returns ERROR. */
static int conn_fail(struct jsonrpc_conn *conn, int error, const char *fmt,
                     ...) NF_PRINTF(3, 4);

static int
conn_fail(struct jsonrpc_conn *conn, int error, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *text = xvasprintf(fmt, args);
    va_end(args);

    const char *name = jsonrpc_conn_get_name(conn);
    if (error == EPROTO) {
        VLOG_WARN_RL(&rl, "%s: closing connection: %s", name, text);
    } else if (error == EOF) {
        VLOG_DBG("%s: %s", name, text);
    } else {
        VLOG_INFO_RL(&rl, "%s: %s", name, text);
    }
    COVERAGE_INC(jsonrpc_conn_error);

    conn->status = error;
    free(conn->error_text);
    conn->error_text = text;
    conn_clear_txq(conn);
    return error;
}

int
jsonrpc_conn_run(struct jsonrpc_conn *conn)
{
    while (!conn->status && !dlist_is_empty(&conn->txq)) {
        struct conn_txbuf *tx =
            CONTAINER_OF(conn->txq.next, struct conn_txbuf, node);
        size_t n;
        int error = stream_send(conn->stream, tx->data + tx->ofs,
                                tx->len - tx->ofs, &n);
        if (error == EAGAIN) {
            break;
        } else if (error == EPIPE) {
            /* The peer closed its end: the same as EOF on receive, so that
             * callers see one status for "the peer went away". */
            return conn_fail(conn, EOF,
                             "connection closed by peer (seen while sending)");
        } else if (error) {
            return conn_fail(conn, error, "send failed (%s)",
                             nf_strerror(error));
        }
        tx->ofs += n;
        conn->backlog -= n;
        if (tx->ofs == tx->len) {
            dlist_remove(&tx->node);
            free(tx->data);
            free(tx);
        }
    }
    return conn->status;
}

/* Compact serialisation, byte for byte what json_dumps(JSON_COMPACT)
 * produces, without its per-container cycle check (a hash table insert
 * and delete with a formatted pointer key for every array and object) and
 * its final copy: a large reply is written once, into one buffer. */

/* Returns the length of the valid UTF-8 sequence at S (at most N bytes)
 * and stores its code point in *CP, or returns 0 if it is invalid (as
 * jansson's utf8_iterate() decides: no overlong forms, surrogates or code
 * points above U+10FFFF). */
static size_t
utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    uint8_t c = s[0];
    size_t len;
    uint32_t v;

    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c < 0xc2) {
        return 0;
    } else if (c < 0xe0) {
        len = 2;
        v = c & 0x1f;
    } else if (c < 0xf0) {
        len = 3;
        v = c & 0x0f;
    } else if (c < 0xf5) {
        len = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (len > n) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) || (len == 3 && v < 0x800)
        || (len == 4 && v < 0x10000)) {
        return 0;
    }
    *cp = v;
    return len;
}

static bool
dump_string(const char *str, size_t len, struct buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    const uint8_t *s = (const uint8_t *) str;
    /* Worst case: every byte a 6-byte escape, and the quotes. */
    uint8_t *p = buf_reserve(out, len * 6 + 2);
    uint8_t *start = p;

    *p++ = '"';
    for (size_t i = 0; i < len;) {
        uint8_t c = s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            *p++ = c;
            i++;
            continue;
        } else if (c >= 0x80) {
            uint32_t cp;
            size_t n = utf8_decode(s + i, len - i, &cp);
            if (!n) {
                return false;
            }
            memcpy(p, s + i, n);
            p += n;
            i += n;
            continue;
        }

        *p++ = '\\';
        switch (c) {
        case '"':
        case '\\':
            *p++ = c;
            break;
        case '\b':
            *p++ = 'b';
            break;
        case '\f':
            *p++ = 'f';
            break;
        case '\n':
            *p++ = 'n';
            break;
        case '\r':
            *p++ = 'r';
            break;
        case '\t':
            *p++ = 't';
            break;
        default:
            *p++ = 'u';
            *p++ = '0';
            *p++ = '0';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 0xf];
            break;
        }
        i++;
    }
    *p++ = '"';
    out->len += p - start;
    return true;
}

bool
jsonrpc_json_to_buf(const json_t *json, struct buf *out)
{
    switch (json_typeof(json)) {
    case JSON_NULL:
        buf_put(out, "null", 4);
        return true;
    case JSON_TRUE:
        buf_put(out, "true", 4);
        return true;
    case JSON_FALSE:
        buf_put(out, "false", 5);
        return true;
    case JSON_INTEGER:
        buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(json));
        return true;
    case JSON_REAL: {
        /* Rare: jansson's own formatting of doubles. */
        char *text = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!text) {
            return false;
        }
        buf_put_cstr(out, text);
        free(text);
        return true;
    }
    case JSON_STRING:
        return dump_string(json_string_value(json), json_string_length(json),
                           out);
    case JSON_ARRAY: {
        size_t n = json_array_size(json);
        buf_put_char(out, '[');
        for (size_t i = 0; i < n; i++) {
            if (i) {
                buf_put_char(out, ',');
            }
            if (!jsonrpc_json_to_buf(json_array_get(json, i), out)) {
                return false;
            }
        }
        buf_put_char(out, ']');
        return true;
    }
    case JSON_OBJECT: {
        bool first = true;
        buf_put_char(out, '{');
        for (void *iter = json_object_iter((json_t *) json); iter;
             iter = json_object_iter_next((json_t *) json, iter)) {
            if (!first) {
                buf_put_char(out, ',');
            }
            first = false;
            if (!dump_string(json_object_iter_key(iter),
                             json_object_iter_key_len(iter), out)) {
                return false;
            }
            buf_put_char(out, ':');
            if (!jsonrpc_json_to_buf(json_object_iter_value(iter), out)) {
                return false;
            }
        }
        buf_put_char(out, '}');
        return true;
    }
    }
    return false;
}

/* Queues the LEN bytes at DATA (taken) and sends what the stream
 * accepts. */
static int
conn_queue(struct jsonrpc_conn *conn, char *data, size_t len)
{
    struct conn_txbuf *tx = xmalloc(sizeof *tx);
    tx->data = data;
    tx->len = len;
    tx->ofs = 0;
    dlist_push_back(&conn->txq, &tx->node);
    conn->backlog += tx->len;
    return jsonrpc_conn_run(conn);
}

int
jsonrpc_conn_send(struct jsonrpc_conn *conn, struct jsonrpc_msg *msg)
{
    if (conn->status) {
        jsonrpc_msg_destroy(msg);
        return conn->status;
    }

    json_t *json = jsonrpc_msg_to_json(msg);
    struct buf out = BUF_INITIALIZER;
    bool ok = jsonrpc_json_to_buf(json, &out);
    json_decref(json);
    if (!ok) {
        buf_destroy(&out);
        VLOG_ERR("%s: cannot serialise %s \"%s\" (invalid JSON value)",
                 jsonrpc_conn_get_name(conn),
                 jsonrpc_msg_type_to_string(msg->type),
                 msg->method ? msg->method : "");
        jsonrpc_msg_destroy(msg);
        return EINVAL;
    }
    if (VLOG_IS_DBG_ENABLED()) {
        VLOG_DBG("%s: send %s %s", jsonrpc_conn_get_name(conn),
                 jsonrpc_msg_type_to_string(msg->type), buf_cstr(&out));
    }
    jsonrpc_msg_destroy(msg);
    COVERAGE_INC(jsonrpc_send);

    return conn_queue(conn, (char *) out.data, out.len);
}

int
jsonrpc_conn_send_text(struct jsonrpc_conn *conn, char *text, size_t len)
{
    if (conn->status) {
        free(text);
        return conn->status;
    }
    if (VLOG_IS_DBG_ENABLED()) {
        VLOG_DBG("%s: send %.*s", jsonrpc_conn_get_name(conn), (int) len,
                 text);
    }
    COVERAGE_INC(jsonrpc_send);
    return conn_queue(conn, text, len);
}

/* Feeds buffered input to the parser.  Returns 0 with a message, EAGAIN if
 * the buffer ran out first, or the connection's new status. */
static int
conn_parse_buffered(struct jsonrpc_conn *conn, struct jsonrpc_msg **msgp)
{
    while (conn->rx_ofs < conn->rx.len) {
        size_t used;
        json_t *json;
        int error =
            jsonrpc_parser_feed(conn->parser, conn->rx.data + conn->rx_ofs,
                                conn->rx.len - conn->rx_ofs, &used, &json);
        conn->rx_ofs += used;
        if (error == EAGAIN) {
            break;
        } else if (error) {
            return conn_fail(conn, EPROTO, "%s",
                             jsonrpc_parser_get_error(conn->parser));
        }

        char *why;
        error = jsonrpc_msg_from_json(json, msgp, &why);
        json_decref(json);
        if (error) {
            COVERAGE_INC(jsonrpc_proto_error);
            conn_fail(conn, EPROTO, "received an invalid JSON-RPC message: %s",
                      why);
            free(why);
            return EPROTO;
        }
        COVERAGE_INC(jsonrpc_recv);
        if (VLOG_IS_DBG_ENABLED()) {
            char *s = jsonrpc_msg_to_string(*msgp);
            VLOG_DBG("%s: received %s", jsonrpc_conn_get_name(conn), s);
            free(s);
        }
        return 0;
    }
    return EAGAIN;
}

int
jsonrpc_conn_recv(struct jsonrpc_conn *conn, struct jsonrpc_msg **msgp)
{
    *msgp = NULL;
    while (!conn->status) {
        int error = conn_parse_buffered(conn, msgp);
        if (error != EAGAIN) {
            return error;
        }

        /* Everything buffered is with the parser now: refill. */
        buf_clear(&conn->rx);
        conn->rx_ofs = 0;
        size_t n;
        error =
            stream_recv(conn->stream, buf_reserve(&conn->rx, CONN_RX_CHUNK),
                        CONN_RX_CHUNK, &n);
        if (error == EAGAIN) {
            return EAGAIN;
        } else if (error == EOF) {
            size_t partial = jsonrpc_parser_get_buffered(conn->parser);
            if (partial) {
                return conn_fail(conn, EOF,
                                 "connection closed in the middle of a "
                                 "message (%zu bytes of it received)",
                                 partial);
            }
            return conn_fail(conn, EOF, "connection closed by peer");
        } else if (error) {
            return conn_fail(conn, error, "receive failed (%s)",
                             nf_strerror(error));
        }
        conn->rx.len = n;
    }
    return conn->status;
}

uint32_t
jsonrpc_conn_wants(const struct jsonrpc_conn *conn)
{
    if (conn->status) {
        return EPOLLIN;
    }
    /* Whenever output is queued, the last stream_send() was blocked (the
     * queue is flushed until it is), so stream_wants() already includes
     * what sending needs. */
    return EPOLLIN | stream_wants(conn->stream);
}

int
jsonrpc_conn_fd(const struct jsonrpc_conn *conn)
{
    return stream_fd(conn->stream);
}

size_t
jsonrpc_conn_get_backlog(const struct jsonrpc_conn *conn)
{
    return conn->backlog;
}

const char *
jsonrpc_conn_get_name(const struct jsonrpc_conn *conn)
{
    return stream_get_name(conn->stream);
}

int
jsonrpc_conn_get_status(const struct jsonrpc_conn *conn)
{
    return conn->status;
}

const char *
jsonrpc_conn_get_error_text(const struct jsonrpc_conn *conn)
{
    return conn->error_text;
}

/* Blocking helpers. */

static long long
deadline_from_timeout(int timeout_ms)
{
    return timeout_ms < 0 ? -1 : nf_time_msec() + timeout_ms;
}

/* Waits for CONN's events until DEADLINE (-1: forever).  Returns 0 when
 * something happened (or the wait was interrupted) or ETIMEDOUT. */
static int
conn_wait(const struct jsonrpc_conn *conn, long long deadline)
{
    int timeout = -1;
    if (deadline >= 0) {
        long long left = deadline - nf_time_msec();
        if (left <= 0) {
            return ETIMEDOUT;
        }
        timeout = (int) NF_MIN(left, 1000000000LL);
    }
    struct pollfd pfd = {
        .fd = jsonrpc_conn_fd(conn),
        .events = (short) jsonrpc_conn_wants(conn),
    };
    if (poll(&pfd, 1, timeout) < 0 && errno != EINTR) {
        return errno;
    }
    return 0;
}

int
jsonrpc_conn_flush_block(struct jsonrpc_conn *conn, int timeout_ms)
{
    long long deadline = deadline_from_timeout(timeout_ms);
    for (;;) {
        int error = jsonrpc_conn_run(conn);
        if (error || !conn->backlog) {
            return error;
        }
        error = conn_wait(conn, deadline);
        if (error) {
            return error;
        }
    }
}

static int
conn_recv_until(struct jsonrpc_conn *conn, struct jsonrpc_msg **msgp,
                long long deadline)
{
    for (;;) {
        jsonrpc_conn_run(conn);
        int error = jsonrpc_conn_recv(conn, msgp);
        if (error != EAGAIN) {
            return error;
        }
        error = conn_wait(conn, deadline);
        if (error) {
            return error;
        }
    }
}

int
jsonrpc_conn_recv_block(struct jsonrpc_conn *conn, struct jsonrpc_msg **msgp,
                        int timeout_ms)
{
    return conn_recv_until(conn, msgp, deadline_from_timeout(timeout_ms));
}

/* Deals with MSG (taken), which arrived while waiting for a reply. */
static void
transact_handle_other(struct jsonrpc_conn *conn, struct jsonrpc_msg *msg)
{
    if (msg->type == JSONRPC_REQUEST) {
        struct jsonrpc_msg *answer;
        if (!strcmp(msg->method, "echo")) {
            answer = jsonrpc_create_reply(json_incref(msg->params), msg->id);
        } else {
            answer = jsonrpc_create_error(json_pack("{s:s, s:s}", "error",
                                                    "unknown method",
                                                    "details", msg->method),
                                          msg->id);
        }
        jsonrpc_conn_send(conn, answer);
    } else {
        VLOG_DBG("%s: ignoring %s received while waiting for a reply",
                 jsonrpc_conn_get_name(conn),
                 jsonrpc_msg_type_to_string(msg->type));
    }
    jsonrpc_msg_destroy(msg);
}

int
jsonrpc_transact_block(struct jsonrpc_conn *conn, struct jsonrpc_msg *request,
                       struct jsonrpc_msg **replyp, int timeout_ms)
{
    long long deadline = deadline_from_timeout(timeout_ms);

    *replyp = NULL;
    nf_assert(request->type == JSONRPC_REQUEST);
    json_t *id = json_incref(request->id);
    int error = jsonrpc_conn_send(conn, request);
    while (!error) {
        struct jsonrpc_msg *msg;
        error = conn_recv_until(conn, &msg, deadline);
        if (error) {
            break;
        }
        if (jsonrpc_msg_is_reply_to(msg, id)) {
            *replyp = msg;
            break;
        }
        transact_handle_other(conn, msg);
    }
    json_decref(id);
    return error;
}
