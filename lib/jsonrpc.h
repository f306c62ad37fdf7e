/* jsonrpc.h: JSON-RPC 1.0 messages over streams, as OVSDB (RFC 7047 §4),
 * the unixctl control socket and Open vSwitch's tools use them.
 *
 * Three layers, usable separately:
 *
 *   struct jsonrpc_msg     one message (request, notification, reply,
 *                          error), converted from and to jansson values
 *                          with the shape rules of JSON-RPC 1.0.
 *   struct jsonrpc_parser  the framer: a stream carries JSON texts back to
 *                          back with no delimiter; the parser is fed
 *                          arbitrary chunks and yields one complete JSON
 *                          value at a time.
 *   struct jsonrpc_conn    a connection: a stream, a parser and an output
 *                          queue, driven from an event loop or, for
 *                          command-line clients, by the *_block() helpers.
 *
 * JSON values are jansson json_t.  Ownership of references is stated for
 * every function: "takes" means the function consumes the caller's
 * reference, "borrows" that it does not (it takes its own reference if it
 * keeps the value).
 *
 * Error convention: 0 or a positive errno; EOF (-1) where stated for the
 * end of a stream.  EPROTO means the peer violated the protocol; a text
 * saying how is available from the object that failed.
 *
 * Not thread-safe: one thread uses a given parser or connection at a time.
 * Messages are plain data and may move between threads. */
#ifndef NICFLOW_JSONRPC_H
#define NICFLOW_JSONRPC_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct stream;

/* Messages. */

enum jsonrpc_msg_type {
    JSONRPC_REQUEST, /* method, params, non-null id. */
    JSONRPC_NOTIFY,  /* method, params, null id. */
    JSONRPC_REPLY,   /* result, null error, id. */
    JSONRPC_ERROR,   /* non-null error, null result, id. */
};

struct jsonrpc_msg {
    enum jsonrpc_msg_type type;
    char *method;   /* REQUEST, NOTIFY: method name; else NULL. */
    json_t *params; /* REQUEST, NOTIFY: an array; else NULL. */
    json_t *result; /* REPLY: any value, even null; else NULL. */
    json_t *error;  /* ERROR: any value but null; else NULL. */
    /* REQUEST and REPLY: not null; ERROR: any value (null when the
     * request could not be identified); NOTIFY: NULL. */
    json_t *id;
};

/* Creates a request for METHOD with PARAMS (taken; must be an array, or
 * NULL for an empty one) and a fresh id: an integer unique in this
 * process.  If IDP is non-null, stores a new reference to the id there
 * (the caller json_decref()s it), for matching the reply. */
struct jsonrpc_msg *jsonrpc_create_request(const char *method, json_t *params,
                                           json_t **idp);

/* Creates a notification (a request that gets no reply) for METHOD with
 * PARAMS (taken; an array, or NULL for an empty one). */
struct jsonrpc_msg *jsonrpc_create_notify(const char *method, json_t *params);

/* Creates the reply to the request with ID (borrowed), carrying RESULT
 * (taken; NULL means JSON null). */
struct jsonrpc_msg *jsonrpc_create_reply(json_t *result, json_t *id);

/* Creates an error reply to the request with ID (borrowed; NULL means
 * JSON null), carrying ERROR (taken; must not be NULL or JSON null).
 * OVSDB errors are objects such as {"error": "unknown method",
 * "details": "..."}. */
struct jsonrpc_msg *jsonrpc_create_error(json_t *error, json_t *id);

/* Frees MSG and drops its references.  NULL is ignored. */
void jsonrpc_msg_destroy(struct jsonrpc_msg *msg);

/* Converts JSON (borrowed) into a message, checking its shape:
 *   - JSON must be an object whose members are among "method", "params",
 *     "result", "error" and "id";
 *   - with "method": a string, "params" an array, no "result" or
 *     "error"; a request if "id" is present and not null, otherwise a
 *     notification;
 *   - without "method": an error if "error" is present and not null (then
 *     "result" must be absent or null and "id" present), otherwise a reply
 *     ("result" present, "error" absent or null, "id" present and not
 *     null).
 * Returns 0 with the message in *MSGP, or EPROTO with *MSGP = NULL and, if
 * ERRP is non-null, a sentence saying what is wrong in *ERRP (caller
 * frees), e.g. "request: \"params\" must be an array, not an object". */
int jsonrpc_msg_from_json(json_t *json, struct jsonrpc_msg **msgp,
                          char **errp);

/* Returns MSG as a new JSON object (caller json_decref()s it) with every
 * member JSON-RPC 1.0 requires for its type: requests and notifications
 * get "method", "params", "id" (null for notifications); replies and
 * errors get "result", "error" (one of them null) and "id". */
json_t *jsonrpc_msg_to_json(const struct jsonrpc_msg *msg);

/* Returns a one-line description of MSG for logs, "TYPE JSON", e.g.
 * "request {"method":"echo","params":[],"id":3}".  Caller frees. */
char *jsonrpc_msg_to_string(const struct jsonrpc_msg *msg);

/* "request", "notification", "reply" or "error". */
const char *jsonrpc_msg_type_to_string(enum jsonrpc_msg_type type);

/* True if MSG is a reply or error reply whose id equals ID (borrowed). */
bool jsonrpc_msg_is_reply_to(const struct jsonrpc_msg *msg, const json_t *id);

/* The framer.
 *
 * Limits protect a daemon from a peer that sends an endless or absurdly
 * nested text.  The size limit counts the bytes of one JSON text, from its
 * opening bracket to its closing one, whitespace inside included;
 * whitespace between texts is skipped and not counted.  The default of 64
 * MiB leaves room for an OVSDB monitor reply of a large database while
 * bounding what one connection can make the daemon buffer.  The depth
 * limit counts nested objects and arrays ({} is depth 1); 128 is far more
 * than any OVSDB or unixctl message uses and keeps recursion in jansson and
 * in our own walkers shallow (jansson itself refuses depths beyond its
 * compile-time limit, 2048 in jansson 2.14). */
#define JSONRPC_DEFAULT_MAX_SIZE (64u * 1024 * 1024)
#define JSONRPC_DEFAULT_MAX_DEPTH 128u

struct jsonrpc_parser;

/* Creates a parser that fails texts longer than MAX_SIZE bytes or nested
 * deeper than MAX_DEPTH levels (0: the defaults above). */
struct jsonrpc_parser *jsonrpc_parser_create(size_t max_size,
                                             unsigned int max_depth);

/* Frees P and any partial text it holds.  NULL is ignored. */
void jsonrpc_parser_destroy(struct jsonrpc_parser *p);

/* Feeds up to N bytes at DATA, which may end anywhere (inside a string,
 * an escape or a UTF-8 sequence).  Returns:
 *   0       a JSON text ended within DATA: *JSONP holds its value (a new
 *           reference to an object or array; the caller json_decref()s
 *           it) and *N_USED the bytes consumed, up to and including the
 *           text's last byte.  Feed the remaining N - *N_USED bytes (and
 *           any later data) in the next call.
 *   EAGAIN  all N bytes were consumed (*N_USED = N) without finishing a
 *           text: feed more.
 *   EPROTO  the input is malformed: a text that is not an object or array,
 *           invalid JSON, or a size or depth limit exceeded.
 *           jsonrpc_parser_get_error() says what; the stream cannot be
 *           resynchronised, so close it.  Every later call returns EPROTO.
 * *JSONP is NULL unless 0 is returned. */
int jsonrpc_parser_feed(struct jsonrpc_parser *p, const void *data, size_t n,
                        size_t *n_used, json_t **jsonp);

/* The reason for EPROTO, or NULL if P has not failed. */
const char *jsonrpc_parser_get_error(const struct jsonrpc_parser *p);

/* The number of bytes of an unfinished text P holds (0 between texts). */
size_t jsonrpc_parser_get_buffered(const struct jsonrpc_parser *p);

/* Connections. */

struct jsonrpc_conn;

/* Creates a connection over STREAM (taken: closed by
 * jsonrpc_conn_close()).  STREAM may still be connecting. */
struct jsonrpc_conn *jsonrpc_conn_create(struct stream *stream);

/* Closes the stream and frees CONN, discarding unsent output.  NULL is
 * ignored. */
void jsonrpc_conn_close(struct jsonrpc_conn *conn);

/* Sets the framer limits for received messages (0: the defaults). */
void jsonrpc_conn_set_limits(struct jsonrpc_conn *conn, size_t max_size,
                             unsigned int max_depth);

/* Appends to OUT the compact serialisation of JSON (any value, not only
 * an array or object), byte for byte what json_dumps(JSON, JSON_COMPACT |
 * JSON_ENCODE_ANY) produces and what jsonrpc_conn_send() sends.  Returns
 * false, with partial output in OUT, if JSON cannot be serialised (a
 * string that is not valid UTF-8).  JSON must not contain cycles. */
bool jsonrpc_json_to_buf(const json_t *json, struct buf *out);

/* Queues MSG (taken) and sends as much of the queue as the stream accepts
 * without blocking.  Returns 0 (sent or queued), EINVAL if MSG cannot be
 * serialised (a bug in the caller: logged, MSG dropped, the connection is
 * unaffected), or the connection's error status (MSG dropped). */
int jsonrpc_conn_send(struct jsonrpc_conn *conn, struct jsonrpc_msg *msg);

/* Like jsonrpc_conn_send(), for a message serialised by the caller:
 * queues the LEN bytes at TEXT, one complete JSON-RPC message (for example
 * built with jsonrpc_json_to_buf()), taking ownership of TEXT (allocated
 * with malloc()).  Lets a server serialise a notification sent to many
 * connections once.  Returns 0 or the connection's error status (TEXT
 * freed). */
int jsonrpc_conn_send_text(struct jsonrpc_conn *conn, char *text, size_t len);

/* Sends queued output without blocking.  Call when jsonrpc_conn_wants()
 * reported EPOLLOUT and it fired.  Returns 0 or the connection's error
 * status (see jsonrpc_conn_get_status()); a peer that closed the
 * connection gives EOF here too, not EPIPE. */
int jsonrpc_conn_run(struct jsonrpc_conn *conn);

/* Receives one message without blocking.  Returns:
 *   0       *MSGP holds a message (caller destroys it); call again, there
 *           may be more already buffered;
 *   EAGAIN  no complete message yet;
 *   EOF     the peer closed the connection (-1);
 *   EPROTO  the peer sent malformed input (logged, rate-limited, with the
 *           peer's name; jsonrpc_conn_get_error_text() says what);
 *   errno   the stream failed.
 * Any return but 0 and EAGAIN is the connection's final status: it
 * repeats on every later call, and the caller should close CONN.  *MSGP is
 * NULL unless 0 is returned. */
int jsonrpc_conn_recv(struct jsonrpc_conn *conn, struct jsonrpc_msg **msgp);

/* The events to wait for on jsonrpc_conn_fd() (EPOLLIN, EPOLLOUT):
 * always EPOLLIN; while output is queued, what the stream needs to send it
 * (EPOLLOUT for plain sockets; TLS may need EPOLLIN instead); while
 * connecting, what the connection needs.  After the connection has
 * failed, EPOLLIN (the caller should close it instead of waiting). */
uint32_t jsonrpc_conn_wants(const struct jsonrpc_conn *conn);

/* The stream's socket, to register in an event loop (remove it before
 * jsonrpc_conn_close()). */
int jsonrpc_conn_fd(const struct jsonrpc_conn *conn);

/* Bytes queued but not yet sent. */
size_t jsonrpc_conn_get_backlog(const struct jsonrpc_conn *conn);

/* The peer's name: the stream's name. */
const char *jsonrpc_conn_get_name(const struct jsonrpc_conn *conn);

/* 0 while the connection works, otherwise its final status: EOF, EPROTO
 * or an errno. */
int jsonrpc_conn_get_status(const struct jsonrpc_conn *conn);

/* A sentence describing why the connection failed, or NULL while it
 * works. */
const char *jsonrpc_conn_get_error_text(const struct jsonrpc_conn *conn);

/* Blocking helpers for command-line clients.  TIMEOUT_MS of -1 waits
 * forever; 0 tries once without waiting.  They return ETIMEDOUT when the
 * time runs out, leaving the connection usable. */

/* Waits until the output queue is empty.  Returns 0, ETIMEDOUT or the
 * connection's status. */
int jsonrpc_conn_flush_block(struct jsonrpc_conn *conn, int timeout_ms);

/* Waits for the next message (sending queued output meanwhile).  Returns
 * like jsonrpc_conn_recv(), with ETIMEDOUT instead of EAGAIN. */
int jsonrpc_conn_recv_block(struct jsonrpc_conn *conn,
                            struct jsonrpc_msg **msgp, int timeout_ms);

/* Sends REQUEST (taken; must be a JSONRPC_REQUEST) and waits for the reply
 * with the same id.  Returns 0 with the reply in *REPLYP (a JSONRPC_REPLY
 * or a JSONRPC_ERROR; caller destroys it), or ETIMEDOUT, EOF, EPROTO or an
 * errno with *REPLYP = NULL.
 *
 * Other messages that arrive meanwhile are handled so that a long-running
 * command does not stall the peer: an "echo" request (the inactivity probe
 * of RFC 7047 §4.1.11) is answered with its own params, any other request
 * gets an error reply {"error": "unknown method", "details": METHOD}, and
 * notifications and replies to other ids are dropped (logged at debug
 * level).  Clients that need notifications use jsonrpc_conn_recv_block()
 * instead. */
int jsonrpc_transact_block(struct jsonrpc_conn *conn,
                           struct jsonrpc_msg *request,
                           struct jsonrpc_msg **replyp, int timeout_ms);

#endif /* NICFLOW_JSONRPC_H */
