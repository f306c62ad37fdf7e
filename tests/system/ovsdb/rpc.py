"""rpc.py: a minimal OVSDB JSON-RPC client (RFC 7047) on a raw socket, for
the system tests.  It frames messages the way the protocol does (one JSON
value after another on the stream, no delimiter) and keeps notifications
that arrive while it waits for a reply."""
import json
import socket
import time


def connect(remote, timeout=10.0):
    """Connects to "unix:PATH" or "tcp:IP:PORT" (a bare path means unix)."""
    if remote.startswith("tcp:"):
        host, port = remote[4:].rsplit(":", 1)
        s = socket.create_connection((host, int(port)), timeout=timeout)
    else:
        path = remote[5:] if remote.startswith("unix:") else remote
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(path)
    return s


class Closed(Exception):
    """The server closed the connection."""


class Client:
    def __init__(self, remote, timeout=10.0):
        self.sock = connect(remote, timeout)
        self.timeout = timeout
        self.buf = ""
        self.raw = b""
        self.decoder = json.JSONDecoder()
        self.next_id = 1
        self.notifications = []

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, msg):
        self.sock.sendall(json.dumps(msg).encode())

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no message from the server in time")
        self.sock.settimeout(left)
        data = self.sock.recv(1 << 20)
        if not data:
            raise Closed("connection closed by the server")
        self.raw += data
        try:
            self.buf += self.raw.decode()
            self.raw = b""
        except UnicodeDecodeError:
            pass  # A multibyte character split across reads.

    def recv(self, timeout=None):
        """Returns the next message (a dict)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            text = self.buf.lstrip()
            if text:
                try:
                    msg, end = self.decoder.raw_decode(text)
                    self.buf = text[end:]
                    return msg
                except json.JSONDecodeError:
                    pass
            self._fill(deadline)

    def request(self, method, params, timeout=None):
        """Sends a request and returns the whole reply message; answers
        "echo" requests and keeps notifications meanwhile."""
        rid = self.next_id
        self.next_id += 1
        self.send({"method": method, "params": params, "id": rid})
        return self.wait_reply(rid, timeout)

    def wait_reply(self, rid, timeout=None):
        while True:
            msg = self.recv(timeout)
            if msg.get("method") == "echo" and msg.get("id") is not None:
                self.send({"result": msg.get("params"), "error": None,
                           "id": msg["id"]})
            elif msg.get("id") == rid and "method" not in msg:
                return msg
            elif msg.get("method") is not None:
                self.notifications.append(msg)

    def call(self, method, params, timeout=None):
        """Like request() but returns the result, raising on an error."""
        reply = self.request(method, params, timeout)
        if reply.get("error") is not None:
            raise RuntimeError("%s failed: %s" % (method,
                                                  json.dumps(reply["error"])))
        return reply["result"]

    def transact(self, db, *ops, timeout=None):
        return self.call("transact", [db] + list(ops), timeout)


def dump(remote, db, tables=None):
    """Every row of every table (or of TABLES): {table: {uuid: row}}, with
    the rows as the server returns them (all columns, _version removed)."""
    c = Client(remote)
    try:
        schema = c.call("get_schema", [db])
        names = tables or sorted(schema["tables"])
        ops = [{"op": "select", "table": t, "where": []} for t in names]
        res = c.transact(db, *ops)
    finally:
        c.close()
    out = {}
    for t, r in zip(names, res):
        if "rows" not in r:
            raise RuntimeError("select %s failed: %s" % (t, json.dumps(r)))
        rows = {}
        for row in r["rows"]:
            row = dict(row)
            row.pop("_version", None)
            rows[row.pop("_uuid")[1]] = row
        out[t] = rows
    return out
