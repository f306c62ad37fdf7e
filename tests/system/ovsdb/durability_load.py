#!/usr/bin/env python3
"""durability_load.py REMOTE FIRST TOTAL WINDOW PIDFILE KILL_AT OUTPUT: the
load client of t-ovsdb-durability.sh.

Sends TOTAL transactions to the "Durable" database at REMOTE, each a single
insert of an Item row with n = FIRST, FIRST + 1, ..., keeping up to WINDOW
of them in flight.  A transaction is acknowledged when its reply arrives without an
error.  KILL_AT is a comma-separated list of acknowledgement counts: when
the count reaches one, the client sends SIGKILL to the server (pid in
PIDFILE) at once, with a full window of transactions in flight, and
creates OUTPUT.killed-K (K = 1, 2, ...) for the test, which restarts the
server.  The transactions in flight are then neither acknowledged nor
retried; the client reconnects (for up to 60 s) and goes on with new
numbers.  At the end it writes OUTPUT: {"acked": [n...], "sent": [n...],
"errors": [...], "disconnects": N, "kills": N}.  Exits 1 if a reply was an
error or the server never came back."""
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rpc  # noqa: E402


def reconnect(remote):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            c = rpc.Client(remote, timeout=30)
            c.call("list_dbs", [])
            return c
        except (OSError, rpc.Closed, TimeoutError):
            time.sleep(0.05)
    return None


def main():
    remote, first, total, window, pidfile, kill_at, output = sys.argv[1:8]
    first, total, window = int(first), int(total), int(window)
    kill_at = [int(k) for k in kill_at.split(",") if k]
    kills = 0
    acked, sent, errors = [], [], []
    disconnects = 0
    c = reconnect(remote)
    n = first - 1
    last = first + total - 1
    inflight = {}                       # request id -> n
    while c and (n < last or inflight):
        try:
            while n < last and len(inflight) < window:
                n += 1
                rid = c.next_id
                c.next_id += 1
                # Counted as sent before the attempt: a send that fails
                # half way may still reach the server.
                sent.append(n)
                inflight[rid] = n
                c.send({"method": "transact", "id": rid, "params": [
                    "Durable", {"op": "insert", "table": "Item",
                                "row": {"n": n, "payload": "item %d" % n}}]})
            msg = c.recv()
            rid = msg.get("id")
            if rid not in inflight or "method" in msg:
                continue
            item = inflight.pop(rid)
            res = msg.get("result")
            if (msg.get("error") is None and isinstance(res, list) and res
                    and "uuid" in res[0]
                    and not any("error" in r for r in res if r)):
                acked.append(item)
                if kill_at and len(acked) >= kill_at[0]:
                    kill_at.pop(0)
                    with open(pidfile) as f:
                        os.kill(int(f.read()), signal.SIGKILL)
                    kills += 1
                    open("%s.killed-%d" % (output, kills), "w").close()
            else:
                errors.append({"n": item, "reply": msg})
        except (OSError, rpc.Closed, TimeoutError, ValueError):
            disconnects += 1
            inflight.clear()
            c.close()
            c = reconnect(remote)
    with open(output, "w") as f:
        json.dump({"acked": acked, "sent": sent, "errors": errors,
                   "disconnects": disconnects, "kills": kills}, f)
    sys.exit(1 if errors or c is None else 0)


if __name__ == "__main__":
    main()
