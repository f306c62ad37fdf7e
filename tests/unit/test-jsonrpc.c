/* Unit tests for lib/jsonrpc: the framer, message validation and
 * connections over Unix sockets in a private temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "lib/jsonrpc.h"
#include "lib/stream.h"
#include "lib/util.h"

#define TIMEOUT_MS 10000

static char tmpdir[] = "/tmp/nicflow-test-jsonrpc-XXXXXX";

/* Framer helpers. */

/* Feeds DATA to P in chunks of the sizes in CHUNKS (0-terminated; the last
 * size repeats), appending every value to VALUES.  Returns the parser's
 * final status: EAGAIN if everything was consumed, or EPROTO. */
static int
feed_chunks(struct jsonrpc_parser *p, const char *data, size_t len,
            const size_t *chunks, json_t *values)
{
    size_t ofs = 0;
    size_t ci = 0;
    while (ofs < len) {
        size_t chunk = NF_MIN(chunks[ci], len - ofs);
        if (chunks[ci + 1]) {
            ci++;
        }
        const char *c = data + ofs;
        size_t left = chunk;
        while (left) {
            size_t used;
            json_t *json;
            int error = jsonrpc_parser_feed(p, c, left, &used, &json);
            assert_true(used <= left);
            if (error == EPROTO) {
                assert_null(json);
                return error;
            } else if (!error) {
                assert_non_null(json);
                assert_true(json_is_object(json) || json_is_array(json));
                assert_true(used > 0);
                json_array_append_new(values, json);
            } else {
                assert_int_equal(error, EAGAIN);
                assert_int_equal(used, left);
                assert_null(json);
            }
            c += used;
            left -= used;
        }
        ofs += chunk;
    }
    return EAGAIN;
}

/* Texts with everything that can confuse a framer: brackets, quotes and
 * backslashes inside strings, escaped quotes right before a closing
 * quote, \u escapes, multi-byte UTF-8 (2, 3 and 4 bytes), nesting, and
 * texts back to back with and without whitespace between them. */
static const char *const sample_texts[] = {
    "{\"method\":\"echo\",\"params\":[\"a}b\",\"q\\\"uote\",\"]\","
    "\"back\\\\slash\\\\\",\"\\\\\\\"\","
    "\"\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80\","
    "\"[{\"],\"id\":1}",
    "[{\"x\":\"}]\"},{},[[]],\"\\u00e9\\\"}\"]",
    "{\"id\":2,\"result\":{\"k\":\"\\u00e9\\\"}\",\"\xe4\xb8\xad\":[1,2.5,"
    "-3e2,true,false,null]},\"error\":null}",
    "{}",
    "[]",
    "{\"a\":{\"b\":{\"c\":[\"\\\\\",\"\\\"\",\"{\",\"[\"]}}}",
};

/* Builds the sample stream: the texts separated by assorted whitespace
 * (nothing between some). */
static char *
sample_stream(size_t *lenp)
{
    static const char *const seps[] = { " \n", "", "\r\n\t ", "", "\n" };
    struct buf b = BUF_INITIALIZER;
    buf_put_cstr(&b, "  \n");
    for (size_t i = 0; i < ARRAY_SIZE(sample_texts); i++) {
        buf_put_cstr(&b, sample_texts[i]);
        buf_put_cstr(&b, seps[i % ARRAY_SIZE(seps)]);
    }
    *lenp = b.len;
    return buf_steal_cstr(&b);
}

static json_t *
sample_values(void)
{
    json_t *values = json_array();
    for (size_t i = 0; i < ARRAY_SIZE(sample_texts); i++) {
        json_error_t err;
        json_t *v = json_loads(sample_texts[i], 0, &err);
        if (!v) {
            fail_msg("sample %zu does not parse: %s", i, err.text);
        }
        json_array_append_new(values, v);
    }
    return values;
}

static void
check_values(json_t *got, json_t *expected)
{
    if (!json_equal(got, expected)) {
        char *g = json_dumps(got, JSON_COMPACT);
        char *e = json_dumps(expected, JSON_COMPACT);
        fail_msg("framer produced %s, expected %s", g, e);
    }
}

/* Tests: the framer. */

static void
test_framer_split_everywhere(void **state NF_UNUSED)
{
    size_t len;
    char *data = sample_stream(&len);
    json_t *expected = sample_values();

    /* One split point at every byte offset. */
    for (size_t k = 0; k <= len; k++) {
        struct jsonrpc_parser *p = jsonrpc_parser_create(0, 0);
        json_t *values = json_array();
        size_t chunks[] = { k ? k : len, len, 0 };
        assert_int_equal(feed_chunks(p, data, len, chunks, values), EAGAIN);
        check_values(values, expected);
        assert_int_equal(jsonrpc_parser_get_buffered(p), 0);
        assert_null(jsonrpc_parser_get_error(p));
        json_decref(values);
        jsonrpc_parser_destroy(p);
    }

    /* Two split points at every pair of offsets. */
    for (size_t i = 1; i < len; i++) {
        for (size_t j = i + 1; j < len; j++) {
            struct jsonrpc_parser *p = jsonrpc_parser_create(0, 0);
            json_t *values = json_array();
            size_t chunks[] = { i, j - i, len, 0 };
            assert_int_equal(feed_chunks(p, data, len, chunks, values),
                             EAGAIN);
            check_values(values, expected);
            json_decref(values);
            jsonrpc_parser_destroy(p);
        }
    }

    /* One byte at a time, and in chunks of every size. */
    for (size_t size = 1; size <= 17; size++) {
        struct jsonrpc_parser *p = jsonrpc_parser_create(0, 0);
        json_t *values = json_array();
        size_t chunks[] = { size, 0 };
        assert_int_equal(feed_chunks(p, data, len, chunks, values), EAGAIN);
        check_values(values, expected);
        json_decref(values);
        jsonrpc_parser_destroy(p);
    }

    json_decref(expected);
    free(data);
}

static void
test_framer_back_to_back(void **state NF_UNUSED)
{
    struct jsonrpc_parser *p = jsonrpc_parser_create(0, 0);
    const char *data = "{}[]{\"a\":1}  [ 1 ]";
    size_t len = strlen(data);
    size_t used;
    json_t *json;

    /* Each call stops right after the text it completes. */
    assert_int_equal(jsonrpc_parser_feed(p, data, len, &used, &json), 0);
    assert_int_equal(used, 2);
    assert_true(json_is_object(json) && !json_object_size(json));
    json_decref(json);
    data += used;
    len -= used;

    assert_int_equal(jsonrpc_parser_feed(p, data, len, &used, &json), 0);
    assert_int_equal(used, 2);
    assert_true(json_is_array(json));
    json_decref(json);
    data += used;
    len -= used;

    assert_int_equal(jsonrpc_parser_feed(p, data, len, &used, &json), 0);
    assert_int_equal(used, 7);
    assert_int_equal(json_integer_value(json_object_get(json, "a")), 1);
    json_decref(json);
    data += used;
    len -= used;

    /* Leading whitespace is consumed with the text. */
    assert_int_equal(jsonrpc_parser_feed(p, data, len, &used, &json), 0);
    assert_int_equal(used, len);
    assert_int_equal(json_integer_value(json_array_get(json, 0)), 1);
    json_decref(json);

    /* Whitespace alone: consumed, nothing buffered; empty input too. */
    assert_int_equal(jsonrpc_parser_feed(p, " \t\r\n ", 5, &used, &json),
                     EAGAIN);
    assert_int_equal(used, 5);
    assert_null(json);
    assert_int_equal(jsonrpc_parser_get_buffered(p), 0);
    assert_int_equal(jsonrpc_parser_feed(p, "", 0, &used, &json), EAGAIN);
    assert_int_equal(used, 0);

    /* A partial text is buffered. */
    assert_int_equal(jsonrpc_parser_feed(p, " {\"a\"", 5, &used, &json),
                     EAGAIN);
    assert_int_equal(jsonrpc_parser_get_buffered(p), 4);
    assert_int_equal(jsonrpc_parser_feed(p, ":2}", 3, &used, &json), 0);
    assert_int_equal(json_integer_value(json_object_get(json, "a")), 2);
    json_decref(json);
    jsonrpc_parser_destroy(p);
}

/* Feeds TEXT whole to a fresh parser with the given limits and expects
 * EPROTO with an error containing EXPECT. */
static void
expect_framer_error(const char *text, size_t len, size_t max_size,
                    unsigned int max_depth, const char *expect)
{
    struct jsonrpc_parser *p = jsonrpc_parser_create(max_size, max_depth);
    json_t *values = json_array();
    size_t chunks[] = { len, 0 };
    int error = feed_chunks(p, text, len, chunks, values);
    if (error != EPROTO) {
        fail_msg("\"%s\": expected EPROTO, got %s", text, nf_strerror(error));
    }
    const char *why = jsonrpc_parser_get_error(p);
    assert_non_null(why);
    if (!strstr(why, expect)) {
        fail_msg("\"%s\": error \"%s\" does not contain \"%s\"", text, why,
                 expect);
    }

    /* The failure is final. */
    size_t used;
    json_t *json;
    assert_int_equal(jsonrpc_parser_feed(p, "{}", 2, &used, &json), EPROTO);
    assert_null(json);
    json_decref(values);
    jsonrpc_parser_destroy(p);
}

static void
test_framer_limits(void **state NF_UNUSED)
{
    /* Size: exactly at the limit is fine, one byte more is not, however it
     * is split. */
    const char *t17 = "{\"a\":\"012345678\"}";
    assert_int_equal(strlen(t17), 17);
    struct jsonrpc_parser *p = jsonrpc_parser_create(17, 0);
    json_t *values = json_array();
    size_t one[] = { 1, 0 };
    assert_int_equal(feed_chunks(p, t17, 17, one, values), EAGAIN);
    assert_int_equal(json_array_size(values), 1);
    /* Whitespace between texts does not count. */
    assert_int_equal(feed_chunks(p, "      \n", 7, one, values), EAGAIN);
    json_decref(values);
    jsonrpc_parser_destroy(p);
    expect_framer_error(t17, 17, 16, 0, "longer than the limit of 16 bytes");
    for (size_t k = 1; k < 17; k++) {
        p = jsonrpc_parser_create(16, 0);
        values = json_array();
        size_t chunks[] = { k, 17, 0 };
        assert_int_equal(feed_chunks(p, t17, 17, chunks, values), EPROTO);
        assert_int_equal(json_array_size(values), 0);
        json_decref(values);
        jsonrpc_parser_destroy(p);
    }
    /* An endless text is cut off once it passes the limit, however it
     * arrives. */
    p = jsonrpc_parser_create(1000, 0);
    size_t used;
    json_t *json;
    int error = jsonrpc_parser_feed(p, "[", 1, &used, &json);
    for (int i = 0; i < 2000 && error == EAGAIN; i++) {
        error = jsonrpc_parser_feed(p, "1,", 2, &used, &json);
    }
    assert_int_equal(error, EPROTO);
    jsonrpc_parser_destroy(p);

    /* Depth. */
    p = jsonrpc_parser_create(0, 3);
    values = json_array();
    const char *ok = "[[[1]]] {\"a\":{\"b\":[]}} [\"[[[[[[\"]";
    assert_int_equal(feed_chunks(p, ok, strlen(ok), one, values), EAGAIN);
    assert_int_equal(json_array_size(values), 3);
    json_decref(values);
    jsonrpc_parser_destroy(p);
    expect_framer_error("[[[[1]]]]", 9, 0, 3,
                        "nested more than 3 levels deep");
    expect_framer_error("{\"a\":{\"b\":{\"c\":[]}}}", 20, 0, 3,
                        "nested more than 3 levels deep");

    /* The default depth limit, well below jansson's own. */
    char deep[2 * 200 + 1];
    memset(deep, '[', 200);
    memset(deep + 200, ']', 200);
    deep[400] = '\0';
    expect_framer_error(deep, 400, 0, 0, "nested more than 128 levels deep");
}

struct garbage_case {
    const char *text;
    const char *expect; /* Part of the error text. */
};

static void
test_framer_garbage(void **state NF_UNUSED)
{
    static const struct garbage_case cases[] = {
        { "hello", "found 'h' (0x68)" },
        { "123", "found '1'" },
        { "\"str\"", "found '\"'" },
        { "null", "a JSON-RPC message must be a JSON object" },
        { "{} x", "at stream byte 3" },
        { "\x01", "found byte 0x01" },
        { "\xef\xbb\xbf{}", "found byte 0xef" }, /* A UTF-8 BOM. */
        { "{\"a\":}", "invalid JSON in the 6-byte text at stream byte 0" },
        { "{\"a\" 1}", "line 1, column" },
        { "{]", "invalid JSON" },
        { "[1,]", "invalid JSON" },
        { "{\"a\":\"\xff\"}", "invalid JSON" },    /* Bad UTF-8. */
        { "{\"a\":\"\xc3\"}", "invalid JSON" },    /* Cut UTF-8. */
        { "{\"a\":\"\\x\"}", "invalid JSON" },     /* Bad escape. */
        { "{\"a\":\"\\u0000\"}", "invalid JSON" }, /* NUL. */
        { "{\"a\":1,\"a\":2}", "duplicate" },
        { "{\"a\":\"tab\there\"}", "invalid JSON" }, /* Control char. */
        { "  {}  {\"x\":tru}", "at stream byte 6" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        expect_framer_error(cases[i].text, strlen(cases[i].text), 0, 0,
                            cases[i].expect);
    }
}

/* Tests: messages. */

struct msg_case {
    const char *json;
    int type;          /* enum jsonrpc_msg_type, or -1. */
    const char *error; /* If type is -1: the error text's start. */
};

static const struct msg_case msg_cases[] = {
    /* Valid. */
    { "{\"method\":\"echo\",\"params\":[],\"id\":0}", JSONRPC_REQUEST, NULL },
    { "{\"id\":\"abc\",\"params\":[1,{}],\"method\":\"transact\"}",
      JSONRPC_REQUEST, NULL },
    { "{\"method\":\"update\",\"params\":[null,{}],\"id\":null}",
      JSONRPC_NOTIFY, NULL },
    { "{\"method\":\"m\",\"params\":[]}", JSONRPC_NOTIFY, NULL },
    { "{\"result\":{\"a\":1},\"error\":null,\"id\":0}", JSONRPC_REPLY, NULL },
    { "{\"result\":[],\"id\":5}", JSONRPC_REPLY, NULL },
    { "{\"result\":null,\"error\":null,\"id\":[1]}", JSONRPC_REPLY, NULL },
    { "{\"result\":null,\"error\":{\"error\":\"x\"},\"id\":1}", JSONRPC_ERROR,
      NULL },
    { "{\"error\":\"bad\",\"id\":null}", JSONRPC_ERROR, NULL },
    { "{\"error\":false,\"id\":7}", JSONRPC_ERROR, NULL },

    /* Invalid. */
    { "[]", -1, "message is an array, not a JSON object" },
    { "{\"method\":1,\"params\":[],\"id\":1}", -1,
      "request: \"method\" must be a string, not an integer" },
    { "{\"method\":\"m\",\"params\":{},\"id\":1}", -1,
      "request: \"params\" must be an array, not an object" },
    { "{\"method\":\"m\",\"params\":\"x\"}", -1,
      "notification: \"params\" must be an array, not a string" },
    { "{\"method\":\"m\",\"id\":1}", -1, "request: \"params\" is missing" },
    { "{\"method\":\"m\",\"params\":[],\"id\":1,\"result\":1}", -1,
      "request: unexpected \"result\" member" },
    { "{\"method\":\"m\",\"params\":[],\"error\":null}", -1,
      "notification: unexpected \"error\" member" },
    { "{\"result\":1,\"error\":null}", -1, "reply: \"id\" is missing" },
    { "{\"result\":1,\"error\":null,\"id\":null}", -1,
      "reply: \"id\" must not be null" },
    { "{\"result\":1,\"error\":\"e\",\"id\":1}", -1,
      "error: \"result\" must be null or absent, not an integer" },
    { "{\"error\":\"e\"}", -1, "error: \"id\" is missing" },
    { "{\"result\":1,\"id\":1,\"params\":[]}", -1,
      "reply: unexpected \"params\" member" },
    { "{\"id\":1}", -1,
      "message has no \"method\", \"result\" or non-null \"error\", so it "
      "is neither a request, a notification nor a reply" },
    { "{\"error\":null,\"id\":1}", -1, "message has no \"method\"" },
    { "{}", -1, "message has no \"method\"" },
    { "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":[],\"id\":1}", -1,
      "message has unexpected member \"jsonrpc\" (a JSON-RPC 1.0 message "
      "has only \"method\", \"params\", \"result\", \"error\" and \"id\")" },
};

static void
test_msg_validation(void **state NF_UNUSED)
{
    for (size_t i = 0; i < ARRAY_SIZE(msg_cases); i++) {
        const struct msg_case *c = &msg_cases[i];
        json_error_t jerr;
        json_t *json = json_loads(c->json, 0, &jerr);
        assert_non_null(json);

        struct jsonrpc_msg *msg;
        char *why = (char *) 1;
        int error = jsonrpc_msg_from_json(json, &msg, &why);
        if (c->type < 0) {
            if (error != EPROTO || !nf_str_prefix(why, c->error)) {
                fail_msg("%s: expected error \"%s\", got %s \"%s\"", c->json,
                         c->error, nf_strerror(error), error ? why : "");
            }
            assert_null(msg);
            free(why);
            /* ERRP is optional. */
            assert_int_equal(jsonrpc_msg_from_json(json, &msg, NULL), EPROTO);
        } else {
            if (error) {
                fail_msg("%s: unexpected error \"%s\"", c->json, why);
            }
            assert_null(why);
            assert_int_equal(msg->type, c->type);

            /* Round trip: to JSON and back gives the same message. */
            json_t *again = jsonrpc_msg_to_json(msg);
            struct jsonrpc_msg *msg2;
            assert_int_equal(jsonrpc_msg_from_json(again, &msg2, NULL), 0);
            json_t *again2 = jsonrpc_msg_to_json(msg2);
            assert_true(json_equal(again, again2));
            assert_int_equal(msg2->type, msg->type);

            /* Members that are set match the type. */
            bool is_call =
                (msg->type == JSONRPC_REQUEST || msg->type == JSONRPC_NOTIFY);
            assert_int_equal(!!msg->method, is_call);
            assert_int_equal(!!msg->params, is_call);
            assert_int_equal(!!msg->result, msg->type == JSONRPC_REPLY);
            assert_int_equal(!!msg->error, msg->type == JSONRPC_ERROR);
            assert_int_equal(!!msg->id, msg->type != JSONRPC_NOTIFY);

            char *s = jsonrpc_msg_to_string(msg);
            assert_true(
                nf_str_prefix(s, jsonrpc_msg_type_to_string(msg->type)));
            free(s);
            json_decref(again2);
            json_decref(again);
            jsonrpc_msg_destroy(msg2);
            jsonrpc_msg_destroy(msg);
        }
        json_decref(json);
    }

    /* Not an object at all. */
    struct jsonrpc_msg *msg;
    char *why;
    json_t *num = json_integer(1);
    assert_int_equal(jsonrpc_msg_from_json(num, &msg, &why), EPROTO);
    assert_string_equal(why, "message is an integer, not a JSON object");
    free(why);
    json_decref(num);
}

static void
test_msg_constructors(void **state NF_UNUSED)
{
    json_t *id1, *id2;
    struct jsonrpc_msg *r1 = jsonrpc_create_request("echo", NULL, &id1);
    struct jsonrpc_msg *r2 =
        jsonrpc_create_request("echo", json_pack("[i]", 1), &id2);
    assert_int_equal(r1->type, JSONRPC_REQUEST);
    assert_string_equal(r1->method, "echo");
    assert_true(json_is_array(r1->params) && !json_array_size(r1->params));
    assert_true(json_is_integer(id1) && json_is_integer(id2));
    assert_true(json_integer_value(id2) > json_integer_value(id1));
    assert_true(json_equal(r1->id, id1));

    char *s = jsonrpc_msg_to_string(r2);
    char *expect = xasprintf("request {\"method\":\"echo\",\"params\":[1],"
                             "\"id\":%lld}",
                             (long long) json_integer_value(id2));
    assert_string_equal(s, expect);
    free(expect);
    free(s);

    struct jsonrpc_msg *reply = jsonrpc_create_reply(NULL, id1);
    assert_int_equal(reply->type, JSONRPC_REPLY);
    assert_true(json_is_null(reply->result));
    assert_true(jsonrpc_msg_is_reply_to(reply, id1));
    assert_false(jsonrpc_msg_is_reply_to(reply, id2));
    assert_false(jsonrpc_msg_is_reply_to(r1, id1));
    s = jsonrpc_msg_to_string(reply);
    expect = xasprintf("reply {\"id\":%lld,\"result\":null,\"error\":null}",
                       (long long) json_integer_value(id1));
    assert_string_equal(s, expect);
    free(expect);
    free(s);

    struct jsonrpc_msg *err = jsonrpc_create_error(json_string("oops"), NULL);
    assert_int_equal(err->type, JSONRPC_ERROR);
    assert_true(json_is_null(err->id));
    s = jsonrpc_msg_to_string(err);
    assert_string_equal(s, "error {\"id\":null,\"result\":null,"
                           "\"error\":\"oops\"}");
    free(s);

    struct jsonrpc_msg *err2 = jsonrpc_create_error(json_string("x"), id2);
    assert_true(jsonrpc_msg_is_reply_to(err2, id2));

    struct jsonrpc_msg *n = jsonrpc_create_notify("update", NULL);
    assert_int_equal(n->type, JSONRPC_NOTIFY);
    assert_null(n->id);
    s = jsonrpc_msg_to_string(n);
    assert_string_equal(s, "notification {\"method\":\"update\","
                           "\"params\":[],\"id\":null}");
    free(s);

    assert_string_equal(jsonrpc_msg_type_to_string(JSONRPC_REQUEST),
                        "request");
    assert_string_equal(jsonrpc_msg_type_to_string(JSONRPC_NOTIFY),
                        "notification");
    assert_string_equal(jsonrpc_msg_type_to_string(JSONRPC_REPLY), "reply");
    assert_string_equal(jsonrpc_msg_type_to_string(JSONRPC_ERROR), "error");

    jsonrpc_msg_destroy(n);
    jsonrpc_msg_destroy(err2);
    jsonrpc_msg_destroy(err);
    jsonrpc_msg_destroy(reply);
    jsonrpc_msg_destroy(r2);
    jsonrpc_msg_destroy(r1);
    jsonrpc_msg_destroy(NULL);
    json_decref(id1);
    json_decref(id2);
}

/* Tests: connections. */

struct pair {
    struct pstream *listener;
    struct jsonrpc_conn *client;
    struct jsonrpc_conn *server;
    char *name;
};

static void
pair_open(struct pair *p, const char *sock)
{
    char *path = xasprintf("%s/%s", tmpdir, sock);
    char *pname = xasprintf("punix:%s", path);
    p->name = xasprintf("unix:%s", path);
    assert_int_equal(pstream_open(pname, &p->listener), 0);

    struct stream *c, *s = NULL;
    assert_int_equal(stream_open_block(p->name, 0, TIMEOUT_MS, &c), 0);
    long long deadline = nf_time_msec() + TIMEOUT_MS;
    while (pstream_accept(p->listener, &s) == EAGAIN) {
        assert_true(nf_time_msec() < deadline);
        struct pollfd pfd = { pstream_fd(p->listener), POLLIN, 0 };
        poll(&pfd, 1, 100);
    }
    p->client = jsonrpc_conn_create(c);
    p->server = jsonrpc_conn_create(s);
    free(pname);
    free(path);
}

static void
pair_close(struct pair *p)
{
    jsonrpc_conn_close(p->client);
    jsonrpc_conn_close(p->server);
    pstream_close(p->listener);
    free(p->name);
}

/* Receives on CONN, waiting up to TIMEOUT_MS. */
static int
recv_wait(struct jsonrpc_conn *conn, struct jsonrpc_msg **msgp)
{
    return jsonrpc_conn_recv_block(conn, msgp, TIMEOUT_MS);
}

static void
test_conn_request_reply(void **state NF_UNUSED)
{
    struct pair p;
    pair_open(&p, "rr.sock");
    assert_string_equal(jsonrpc_conn_get_name(p.client), p.name);
    assert_true(nf_str_prefix(jsonrpc_conn_get_name(p.server), "unix#"));
    assert_int_equal(jsonrpc_conn_get_status(p.client), 0);
    assert_null(jsonrpc_conn_get_error_text(p.client));

    /* Nothing yet. */
    struct jsonrpc_msg *msg = (struct jsonrpc_msg *) 1;
    assert_int_equal(jsonrpc_conn_recv(p.server, &msg), EAGAIN);
    assert_null(msg);
    assert_int_equal(jsonrpc_conn_wants(p.server), EPOLLIN);

    json_t *id;
    struct jsonrpc_msg *req =
        jsonrpc_create_request("list-commands", NULL, &id);
    assert_int_equal(jsonrpc_conn_send(p.client, req), 0);
    assert_int_equal(jsonrpc_conn_get_backlog(p.client), 0);

    /* Several messages in one go arrive one by one. */
    assert_int_equal(
        jsonrpc_conn_send(p.client, jsonrpc_create_notify("n1", NULL)), 0);
    assert_int_equal(
        jsonrpc_conn_send(p.client, jsonrpc_create_notify("n2", NULL)), 0);

    assert_int_equal(recv_wait(p.server, &msg), 0);
    assert_int_equal(msg->type, JSONRPC_REQUEST);
    assert_string_equal(msg->method, "list-commands");
    assert_true(json_equal(msg->id, id));
    struct jsonrpc_msg *reply =
        jsonrpc_create_reply(json_string("help\nlist-commands\n"), msg->id);
    jsonrpc_msg_destroy(msg);
    assert_int_equal(jsonrpc_conn_send(p.server, reply), 0);

    assert_int_equal(recv_wait(p.server, &msg), 0);
    assert_string_equal(msg->method, "n1");
    jsonrpc_msg_destroy(msg);
    assert_int_equal(recv_wait(p.server, &msg), 0);
    assert_string_equal(msg->method, "n2");
    jsonrpc_msg_destroy(msg);

    assert_int_equal(recv_wait(p.client, &msg), 0);
    assert_true(jsonrpc_msg_is_reply_to(msg, id));
    assert_string_equal(json_string_value(msg->result),
                        "help\nlist-commands\n");
    jsonrpc_msg_destroy(msg);
    json_decref(id);

    /* The client leaves: the server sees EOF, for good. */
    jsonrpc_conn_close(p.client);
    p.client = NULL;
    assert_int_equal(recv_wait(p.server, &msg), EOF);
    assert_int_equal(jsonrpc_conn_recv(p.server, &msg), EOF);
    assert_int_equal(jsonrpc_conn_get_status(p.server), EOF);
    assert_non_null(
        strstr(jsonrpc_conn_get_error_text(p.server), "closed by peer"));
    assert_int_equal(
        jsonrpc_conn_send(p.server, jsonrpc_create_notify("x", NULL)), EOF);
    pair_close(&p);
}

static void
test_conn_backlog(void **state NF_UNUSED)
{
    struct pair p;
    pair_open(&p, "backlog.sock");

    /* A message far bigger than the socket buffers. */
    size_t len = 8 * 1024 * 1024;
    char *big = xmalloc(len + 1);
    for (size_t i = 0; i < len; i++) {
        big[i] = (char) ('a' + i % 26);
    }
    big[len] = '\0';
    json_t *params = json_pack("[s]", big);
    assert_int_equal(
        jsonrpc_conn_send(p.client, jsonrpc_create_notify("big", params)), 0);
    size_t backlog = jsonrpc_conn_get_backlog(p.client);
    assert_true(backlog > 0 && backlog < len + 100);
    assert_true(jsonrpc_conn_wants(p.client) & EPOLLOUT);
    assert_int_equal(
        jsonrpc_conn_send(p.client, jsonrpc_create_notify("after", NULL)), 0);
    assert_true(jsonrpc_conn_get_backlog(p.client) > backlog);

    /* Drain: the server receives while the client flushes. */
    struct jsonrpc_msg *msg = NULL;
    long long deadline = nf_time_msec() + TIMEOUT_MS;
    int error;
    while ((error = jsonrpc_conn_recv(p.server, &msg)) == EAGAIN) {
        assert_int_equal(jsonrpc_conn_run(p.client), 0);
        assert_true(nf_time_msec() < deadline);
        struct pollfd pfds[2] = {
            { jsonrpc_conn_fd(p.client), (short) jsonrpc_conn_wants(p.client),
              0 },
            { jsonrpc_conn_fd(p.server), (short) jsonrpc_conn_wants(p.server),
              0 },
        };
        poll(pfds, 2, 100);
    }
    assert_int_equal(error, 0);
    assert_string_equal(msg->method, "big");
    assert_string_equal(json_string_value(json_array_get(msg->params, 0)),
                        big);
    jsonrpc_msg_destroy(msg);
    assert_int_equal(jsonrpc_conn_flush_block(p.client, TIMEOUT_MS), 0);
    assert_int_equal(jsonrpc_conn_get_backlog(p.client), 0);
    assert_false(jsonrpc_conn_wants(p.client) & EPOLLOUT);
    assert_int_equal(recv_wait(p.server, &msg), 0);
    assert_string_equal(msg->method, "after");
    jsonrpc_msg_destroy(msg);

    free(big);
    pair_close(&p);
}

/* Writes DATA raw on a fresh client stream and returns what the server
 * connection's recv reports, with the error text in *WHY (caller frees). */
static int
server_recv_raw(const char *data, size_t len, bool close_after,
                size_t max_size, char **why)
{
    struct pair p;
    pair_open(&p, "raw.sock");
    if (max_size) {
        jsonrpc_conn_set_limits(p.server, max_size, 0);
    }

    /* Reach under the client connection: send bytes, not messages. */
    struct stream *raw;
    assert_int_equal(stream_open_block(p.name, 0, TIMEOUT_MS, &raw), 0);
    struct stream *s = NULL;
    long long deadline = nf_time_msec() + TIMEOUT_MS;
    while (pstream_accept(p.listener, &s) == EAGAIN) {
        assert_true(nf_time_msec() < deadline);
        usleep(1000);
    }
    struct jsonrpc_conn *server = jsonrpc_conn_create(s);
    if (max_size) {
        jsonrpc_conn_set_limits(server, max_size, 0);
    }
    size_t ofs = 0;
    while (ofs < len) {
        size_t n;
        int error = stream_send(raw, data + ofs, len - ofs, &n);
        assert_true(!error || error == EAGAIN);
        ofs += error ? 0 : n;
        if (error) {
            /* The server must read for us to go on. */
            struct jsonrpc_msg *msg;
            jsonrpc_conn_recv(server, &msg);
            jsonrpc_msg_destroy(msg);
        }
    }
    if (close_after) {
        stream_close(raw);
        raw = NULL;
    }

    struct jsonrpc_msg *msg;
    int error;
    while (!(error = recv_wait(server, &msg))) {
        jsonrpc_msg_destroy(msg);
    }
    assert_int_equal(jsonrpc_conn_get_status(server), error);
    const char *text = jsonrpc_conn_get_error_text(server);
    *why = text ? xstrdup(text) : NULL;

    /* The failure is final and stops sending too. */
    assert_int_equal(jsonrpc_conn_recv(server, &msg), error);
    assert_null(msg);
    assert_int_equal(
        jsonrpc_conn_send(server, jsonrpc_create_notify("x", NULL)), error);
    assert_int_equal(jsonrpc_conn_get_backlog(server), 0);

    jsonrpc_conn_close(server);
    stream_close(raw);
    pair_close(&p);
    return error;
}

static void
test_conn_malformed(void **state NF_UNUSED)
{
    static const struct {
        const char *data;
        size_t max_size;
        int error;
        const char *expect;
    } cases[] = {
        { "{\"method\":\"ok\",\"params\":[]} garbage", 0, EPROTO,
          "expected '{' or '['" },
        { "{\"method\":1,\"params\":[],\"id\":1}", 0, EPROTO,
          "received an invalid JSON-RPC message: request: \"method\" must "
          "be a string, not an integer" },
        { "[1,2]", 0, EPROTO, "message is an array, not a JSON object" },
        { "{\"a\":nul}", 0, EPROTO, "invalid JSON" },
        { "{\"method\":\"m\",\"params\":[\"0123456789012345678901234567\"]}",
          32, EPROTO, "longer than the limit of 32 bytes" },
        { "{\"method\":\"m\",\"par", 0, EOF, "in the middle of a message" },
        { "{\"method\":\"m\",\"params\":[]}", 0, EOF, "closed by peer" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *why;
        int error = server_recv_raw(cases[i].data, strlen(cases[i].data), true,
                                    cases[i].max_size, &why);
        if (error != cases[i].error || !why || !strstr(why, cases[i].expect)) {
            fail_msg("\"%s\": expected %s with \"%s\", got %s with \"%s\"",
                     cases[i].data, nf_strerror(cases[i].error),
                     cases[i].expect, nf_strerror(error),
                     why ? why : "(null)");
        }
        free(why);
    }

    /* A malformed message fails at once, without waiting for EOF. */
    char *why;
    assert_int_equal(server_recv_raw("xyz", 3, false, 0, &why), EPROTO);
    free(why);
}

/* A server thread for transact tests.  For each request it gets, it first
 * sends a notification, a reply to some other id and an "echo" request of
 * its own, checks that the echo is answered, then replies with the sum of
 * the params.  It answers "hang" by never replying, and stops at "quit". */
struct server_ctx {
    struct jsonrpc_conn *conn;
    int n_requests;
    int n_echo_replies;
    int n_unknown_errors;
    bool failed;
};

static void *
server_thread(void *aux)
{
    struct server_ctx *ctx = aux;
    for (;;) {
        struct jsonrpc_msg *msg;
        if (jsonrpc_conn_recv_block(ctx->conn, &msg, TIMEOUT_MS)) {
            ctx->failed = true;
            break;
        }
        if (msg->type != JSONRPC_REQUEST) {
            if (msg->type == JSONRPC_REPLY && json_is_string(msg->id)
                && !strcmp(json_string_value(msg->id), "probe")) {
                ctx->n_echo_replies++;
            } else if (msg->type == JSONRPC_ERROR) {
                ctx->n_unknown_errors++;
            }
            jsonrpc_msg_destroy(msg);
            continue;
        }
        ctx->n_requests++;
        if (!strcmp(msg->method, "quit")) {
            jsonrpc_conn_send(ctx->conn, jsonrpc_create_reply(NULL, msg->id));
            jsonrpc_msg_destroy(msg);
            jsonrpc_conn_flush_block(ctx->conn, TIMEOUT_MS);
            break;
        } else if (!strcmp(msg->method, "hang")) {
            jsonrpc_msg_destroy(msg);
            continue;
        }

        json_t *other = json_string("not-yours");
        json_t *probe = json_string("probe");
        struct jsonrpc_msg *echo =
            jsonrpc_create_notify("echo", json_pack("[s]", "hi"));
        /* Turn the notification into a request with our own id. */
        echo->type = JSONRPC_REQUEST;
        echo->id = json_incref(probe);
        jsonrpc_conn_send(ctx->conn, jsonrpc_create_notify("update", NULL));
        jsonrpc_conn_send(ctx->conn, jsonrpc_create_reply(NULL, other));
        jsonrpc_conn_send(ctx->conn, echo);
        struct jsonrpc_msg *odd = jsonrpc_create_notify("frobnicate", NULL);
        odd->type = JSONRPC_REQUEST;
        odd->id = json_integer(-1);
        jsonrpc_conn_send(ctx->conn, odd);

        json_int_t sum = 0;
        for (size_t i = 0; i < json_array_size(msg->params); i++) {
            sum += json_integer_value(json_array_get(msg->params, i));
        }
        jsonrpc_conn_send(ctx->conn,
                          jsonrpc_create_reply(json_integer(sum), msg->id));
        json_decref(other);
        json_decref(probe);
        jsonrpc_msg_destroy(msg);
    }
    return NULL;
}

static void
test_transact_block(void **state NF_UNUSED)
{
    struct pair p;
    pair_open(&p, "transact.sock");
    struct server_ctx ctx = { .conn = p.server };
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, server_thread, &ctx), 0);

    for (int i = 0; i < 3; i++) {
        struct jsonrpc_msg *reply;
        struct jsonrpc_msg *req = jsonrpc_create_request(
            "add", json_pack("[i,i,i]", i, 10, 100), NULL);
        assert_int_equal(
            jsonrpc_transact_block(p.client, req, &reply, TIMEOUT_MS), 0);
        assert_int_equal(reply->type, JSONRPC_REPLY);
        assert_int_equal(json_integer_value(reply->result), i + 110);
        jsonrpc_msg_destroy(reply);
    }

    /* No reply within the time: ETIMEDOUT, and the connection still
     * works. */
    struct jsonrpc_msg *reply = (struct jsonrpc_msg *) 1;
    long long t0 = nf_time_msec();
    assert_int_equal(
        jsonrpc_transact_block(
            p.client, jsonrpc_create_request("hang", NULL, NULL), &reply, 100),
        ETIMEDOUT);
    assert_true(nf_time_msec() - t0 >= 100);
    assert_null(reply);
    assert_int_equal(jsonrpc_conn_get_status(p.client), 0);

    assert_int_equal(jsonrpc_transact_block(
                         p.client, jsonrpc_create_request("quit", NULL, NULL),
                         &reply, TIMEOUT_MS),
                     0);
    jsonrpc_msg_destroy(reply);
    assert_int_equal(pthread_join(thread, NULL), 0);
    assert_false(ctx.failed);
    assert_int_equal(ctx.n_requests, 5);
    /* The echo probes were answered and the unknown requests refused
     * (the server reads the last ones while waiting for "quit"). */
    assert_int_equal(ctx.n_echo_replies, 3);
    assert_int_equal(ctx.n_unknown_errors, 3);

    /* The server goes away during a transaction: EOF. */
    jsonrpc_conn_close(p.server);
    p.server = NULL;
    assert_int_equal(jsonrpc_transact_block(
                         p.client, jsonrpc_create_request("add", NULL, NULL),
                         &reply, TIMEOUT_MS),
                     EOF);
    assert_null(reply);
    pair_close(&p);
}

static int
setup(void **state NF_UNUSED)
{
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown(void **state NF_UNUSED)
{
    return rmdir(tmpdir) ? -1 : 0;
}

/* A random JSON value of bounded depth, drawn with a simple LCG so the
 * test is repeatable. */
static uint32_t rng_state = 12345;

static uint32_t
rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

static json_t *
random_json(int depth)
{
    static const char *const strings[] = {
        "",
        "a",
        "quote\"back\\slash",
        "tab\tnl\nctl\x01",
        "\xc3\xa9t\xc3\xa9",
        "\xe2\x82\xac\xf0\x9f\x98\x80",
        "/slash",
        "uuid",
    };
    static const double reals[] = { 0.5, -1.25, 1e300, 3.0, -0.0, 1e-7 };
    switch (rng() % (depth > 0 ? 8 : 6)) {
    case 0:
        return json_null();
    case 1:
        return json_boolean(rng() & 1);
    case 2:
        return json_integer((json_int_t) rng() - (json_int_t) (rng() << 8));
    case 3:
        return json_real(reals[rng() % ARRAY_SIZE(reals)]);
    case 4:
    case 5:
        return json_string(strings[rng() % ARRAY_SIZE(strings)]);
    case 6: {
        json_t *a = json_array();
        for (uint32_t i = rng() % 5; i > 0; i--) {
            json_array_append_new(a, random_json(depth - 1));
        }
        return a;
    }
    default: {
        json_t *o = json_object();
        for (uint32_t i = rng() % 5; i > 0; i--) {
            char key[16];
            snprintf(key, sizeof key, "k%u", (unsigned) (rng() % 8));
            json_object_set_new(o, key, random_json(depth - 1));
        }
        return o;
    }
    }
}

/* Our serialiser must produce exactly what jansson's compact dump does,
 * since either may be on the wire. */
static void
test_json_to_buf_matches_jansson(void **state NF_UNUSED)
{
    for (int i = 0; i < 20000; i++) {
        json_t *j = random_json(4);
        char *ref = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        struct buf b = BUF_INITIALIZER;
        assert_true(jsonrpc_json_to_buf(j, &b));
        assert_non_null(ref);
        assert_string_equal(buf_cstr(&b), ref);
        free(ref);
        buf_destroy(&b);
        json_decref(j);
    }
}

/* A message serialised once and queued as text arrives like any other. */
static void
test_conn_send_text(void **state NF_UNUSED)
{
    struct pair p;
    pair_open(&p, "text.sock");

    struct jsonrpc_msg *n = jsonrpc_create_notify(
        "update2", json_pack("[s,{s:{}}]", "mon", "Bridge"));
    json_t *j = jsonrpc_msg_to_json(n);
    struct buf b = BUF_INITIALIZER;
    assert_true(jsonrpc_json_to_buf(j, &b));
    json_decref(j);
    jsonrpc_msg_destroy(n);
    size_t len = b.len;
    assert_int_equal(jsonrpc_conn_send_text(p.client, buf_steal_cstr(&b), len),
                     0);

    struct jsonrpc_msg *msg;
    assert_int_equal(recv_wait(p.server, &msg), 0);
    assert_int_equal(msg->type, JSONRPC_NOTIFY);
    assert_string_equal(msg->method, "update2");
    assert_string_equal(json_string_value(json_array_get(msg->params, 0)),
                        "mon");
    jsonrpc_msg_destroy(msg);
    pair_close(&p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_framer_split_everywhere),
        cmocka_unit_test(test_framer_back_to_back),
        cmocka_unit_test(test_framer_limits),
        cmocka_unit_test(test_framer_garbage),
        cmocka_unit_test(test_msg_validation),
        cmocka_unit_test(test_msg_constructors),
        cmocka_unit_test(test_conn_request_reply),
        cmocka_unit_test(test_conn_backlog),
        cmocka_unit_test(test_conn_malformed),
        cmocka_unit_test(test_transact_block),
        cmocka_unit_test(test_json_to_buf_matches_jansson),
        cmocka_unit_test(test_conn_send_text),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
