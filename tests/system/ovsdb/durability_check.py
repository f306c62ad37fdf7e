#!/usr/bin/env python3
"""durability_check.py: the checks of t-ovsdb-durability.sh against the
"Durable" database (tests/system/ovsdb/durability.ovsschema).

  count REMOTE            prints the number of Item rows
  insert REMOTE N         inserts Item n=N in one transaction
  verify REMOTE OUTPUT... every n durability_load.py acknowledged (in any
                          OUTPUT) is a row, and every row is one it sent;
                          prints what it found, exits 1 on a mismatch"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rpc  # noqa: E402


def rows(remote):
    c = rpc.Client(remote, timeout=30)
    try:
        r = c.transact("Durable", {"op": "select", "table": "Item",
                                   "where": [], "columns": ["n", "payload"]})
    finally:
        c.close()
    return r[0]["rows"]


def main():
    cmd, remote = sys.argv[1:3]
    if cmd == "count":
        print(len(rows(remote)))
    elif cmd == "insert":
        c = rpc.Client(remote)
        n = int(sys.argv[3])
        c.transact("Durable", {"op": "insert", "table": "Item",
                               "row": {"n": n, "payload": "item %d" % n}})
        c.close()
    elif cmd == "verify":
        acked, sent = set(), set()
        kills = disconnects = 0
        for path in sys.argv[3:]:
            load = json.load(open(path))
            acked.update(load["acked"])
            sent.update(load["sent"])
            kills += load["kills"]
            disconnects += load["disconnects"]
        have = {}
        for r in rows(remote):
            have[r["n"]] = r["payload"]
        lost = sorted(acked - set(have))
        alien = sorted(set(have) - sent)
        bad = sorted(n for n, p in have.items() if p != "item %d" % n)
        print("sent %d, acknowledged %d, rows %d, kills %d, disconnects %d"
              % (len(sent), len(acked), len(have), kills, disconnects))
        ok = True
        if lost:
            print("LOST %d acknowledged rows, e.g. %s" % (len(lost), lost[:10]))
            ok = False
        if alien:
            print("%d rows never sent, e.g. %s" % (len(alien), alien[:10]))
            ok = False
        if bad:
            print("%d rows with a wrong payload, e.g. %s" % (len(bad), bad[:10]))
            ok = False
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
