#!/usr/bin/env python3
"""badinput_run.py REMOTE CORPUS NAME [--reference]: sends every case of
CORPUS (tests/system/ovsdb/bad/corpus.json; its first entry says what a
case is) to the OVSDB server at REMOTE, each on a fresh connection, and
prints a TAP line per case, prefixed with NAME.  Meanwhile a second client
stays connected and must answer an echo after every case; the Open_vSwitch
database must hold the same rows at the end as at the start.

Without --reference it also sends what only nicflow-dbd promises to
handle: a message larger than the 64 MiB limit, streamed (the server must
disconnect that client), and checks that a large (8 MiB) message, one
split into single bytes, and two messages in one write still work.
Exits 1 if any check failed."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rpc  # noqa: E402

failed = False
prefix = ""


def tap(ok, what, *diag):
    global failed
    print("%s - %s: %s" % ("ok" if ok else "not ok", prefix, what))
    if not ok:
        failed = True
        for d in diag:
            for line in str(d).splitlines():
                print("# " + line)


def expect_disconnect(c, timeout=5.0):
    """Reads until the server closes C; returns (closed, what was read)."""
    got = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            got.append(c.recv(timeout=max(0.01, deadline - time.monotonic())))
    except (rpc.Closed, ConnectionResetError, BrokenPipeError):
        return True, got
    except TimeoutError:
        pass
    return False, got


def check_reply(reply, expect):
    """Returns None if REPLY matches EXPECT, else why not."""
    err = reply.get("error")
    if "rpc_error" in expect:
        name = expect["rpc_error"]
        if expect.get("bare"):
            return None if err == name else "expected error %r" % name
        if not isinstance(err, dict) or err.get("error") != name:
            return "expected an error object named %r" % name
        if not isinstance(err.get("details"), str) or not err["details"]:
            return "no details"
        return None
    name = expect["op_error"]
    res = reply.get("result")
    if err is not None or not isinstance(res, list):
        return "expected a transact result"
    errs = [r for r in res if isinstance(r, dict) and "error" in r]
    if not errs:
        return "no operation failed"
    if errs[0].get("error") != name:
        return "expected error %r" % name
    if not isinstance(errs[0].get("details"), str) or not errs[0]["details"]:
        return "no details"
    return None


def run_case(remote, case):
    c = rpc.Client(remote, timeout=5)
    try:
        if "raw" in case:
            c.send_raw(case["raw"].encode())
        elif "raw_hex" in case:
            c.send_raw(bytes.fromhex(case["raw_hex"]))
        elif isinstance(case["send"], list):
            for m in case["send"]:
                c.send(m)
        else:
            c.send(case["send"])
    except (BrokenPipeError, ConnectionResetError):
        return None if case["expect"] == "disconnect" else "send failed"
    try:
        if case["expect"] == "disconnect":
            closed, got = expect_disconnect(c)
            return None if closed else "still connected; received %s" % got
        # The reply to the (last) message sent.
        last = case["send"][-1] if isinstance(case["send"], list) \
            else case["send"]
        try:
            while True:
                reply = c.recv()
                if reply.get("id") == last.get("id") and "method" not in reply:
                    break
        except (rpc.Closed, TimeoutError, ConnectionResetError) as e:
            return "no reply: %s" % e
        why = check_reply(reply, case["expect"])
        return why and "%s; got %s" % (why, json.dumps(reply)[:600])
    finally:
        c.close()


def oversize(remote):
    """A message of 64 MiB + 1 KiB, streamed: the server must disconnect,
    at the latest once it is all sent."""
    c = rpc.Client(remote, timeout=20)
    head = b'{"method":"echo","id":1,"params":["'
    chunk = b"x" * (1 << 20)
    try:
        c.send_raw(head)
        for _ in range(64):
            c.send_raw(chunk)
        c.send_raw(b"x" * 1024 + b'"]}')
    except (BrokenPipeError, ConnectionResetError):
        c.close()
        return None
    closed, got = expect_disconnect(c, timeout=10)
    c.close()
    if closed:
        return None
    return "not disconnected; received %s" % json.dumps(got)[:300]


def big_echo(remote):
    c = rpc.Client(remote, timeout=30)
    s = "y" * (8 << 20)
    try:
        r = c.call("echo", [s])
        return None if r == [s] else "echo came back different"
    except Exception as e:                    # noqa: BLE001
        return "failed: %s" % e
    finally:
        c.close()


def bytewise(remote):
    c = rpc.Client(remote, timeout=10)
    try:
        msg = json.dumps({"method": "transact", "id": 9, "params": [
            "Open_vSwitch", {"op": "select", "table": "Bridge",
                             "where": [["name", "==", "br0"]],
                             "columns": ["name"]}]}).encode()
        for i in range(len(msg)):
            c.send_raw(msg[i:i + 1])
        r = c.wait_reply(9)
        ok = r.get("result") == [{"rows": [{"name": "br0"}]}]
        return None if ok else "got %s" % json.dumps(r)
    finally:
        c.close()


def cancel(remote):
    """RFC 7047 4.1.4: "cancel" names a request that has not been answered
    (a transaction blocked on "wait"); the server answers it with the error
    "canceled".  (ovsdb-server 3.1 drops the request without an answer.)"""
    c = rpc.Client(remote, timeout=5)
    try:
        c.send({"method": "transact", "id": "w", "params": [
            "Open_vSwitch", {"op": "wait", "table": "Bridge",
                             "where": [["name", "==", "nope"]],
                             "columns": ["name"], "until": "==",
                             "rows": [{"name": "nope"}]}]})
        if c.call("echo", ["x"]) != ["x"]:
            return "echo failed while the transaction waits"
        c.send({"method": "cancel", "params": ["w"], "id": None})
        r = c.wait_reply("w")
        return None if r.get("error") == "canceled" else "got %s" % r
    finally:
        c.close()


def two_in_one(remote):
    c = rpc.Client(remote, timeout=10)
    try:
        c.send_raw(b'{"method":"echo","params":["a"],"id":"x"}'
                   b'{"method":"echo","params":["b"],"id":"y"}')
        r1, r2 = c.recv(), c.recv()
        ok = (r1.get("id"), r1.get("result"), r2.get("id"),
              r2.get("result")) == ("x", ["a"], "y", ["b"])
        return None if ok else "got %s %s" % (r1, r2)
    finally:
        c.close()


def main():
    global prefix
    remote, corpus, prefix = sys.argv[1:4]
    reference = "--reference" in sys.argv[4:]
    cases = [c for c in json.load(open(corpus)) if "name" in c]
    before = rpc.dump(remote, "Open_vSwitch")
    watcher = rpc.Client(remote, timeout=10)
    watcher_failures = []

    def watch(after):
        try:
            if watcher.call("echo", ["still here"]) != ["still here"]:
                raise RuntimeError("wrong echo")
        except Exception as e:                # noqa: BLE001
            watcher_failures.append("after %s: %s" % (after, e))

    for case in cases:
        why = run_case(remote, case)
        tap(why is None, "%s -> %s" % (case["name"], json.dumps(case["expect"])),
            *([why] if why else []))
        watch(case["name"])
    if not reference:
        for name, fn in [("message over 64 MiB disconnects the client",
                          oversize),
                         ("an 8 MiB message is served", big_echo),
                         ("a message sent one byte at a time is served",
                          bytewise),
                         ("two messages in one write get two replies",
                          two_in_one),
                         ("cancel answers a waiting transaction with "
                          "\"canceled\"", cancel)]:
            why = fn(remote)
            tap(why is None, name, *([why] if why else []))
            watch(name)
    try:
        r = watcher.transact("Open_vSwitch", {
            "op": "select", "table": "Bridge", "where": [],
            "columns": ["name"]})
        if r != [{"rows": [{"name": "br0"}]}]:
            watcher_failures.append("final select: %s" % r)
    except Exception as e:                    # noqa: BLE001
        watcher_failures.append("final select: %s" % e)
    tap(not watcher_failures,
        "a second client connected throughout keeps working (echo, select)",
        *watcher_failures)
    watcher.close()
    after = rpc.dump(remote, "Open_vSwitch")
    diffs = ["table %s changed" % t for t in sorted(before)
             if before[t] != after.get(t)]
    tap(not diffs, "the database is unchanged after all the failures", *diffs)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
