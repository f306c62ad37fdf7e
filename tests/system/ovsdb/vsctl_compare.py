#!/usr/bin/env python3
"""vsctl_compare.py REFERENCE TESTED NAME: compares two vsctl_run.py
outputs (REFERENCE from Open vSwitch's ovsdb-server, TESTED from
nicflow-dbd) and prints one TAP line per command and per table.  Exits 1
if anything differs."""
import json
import sys


def main():
    ref, got = (json.load(open(p)) for p in sys.argv[1:3])
    name = sys.argv[3]
    failed = False

    def report(ok, what, diffs):
        nonlocal failed
        print("%s - %s: %s" % ("ok" if ok else "not ok", name, what))
        if not ok:
            failed = True
            for d in diffs:
                for l in d.rstrip("\n").split("\n"):
                    print("# " + l)

    if len(ref["commands"]) != len(got["commands"]):
        report(False, "same number of commands run", [])
    for r, g in zip(ref["commands"], got["commands"]):
        what = "line %d: ovs-vsctl %s" % (r["line"], r["cmd"])
        if len(what) > 150:
            what = what[:147] + "..."
        diffs = []
        for k in ("rc", "out", "err"):
            if r[k] != g[k]:
                diffs.append("%s differs:\n ovsdb-server: %s\n nicflow-dbd:  %s"
                             % (k, json.dumps(r[k]), json.dumps(g[k])))
        report(not diffs, what, diffs)
    for t in sorted(ref["lists"]):
        r, g = ref["lists"][t], got["lists"].get(t)
        diffs = []
        if r != g:
            if isinstance(r, list) and isinstance(g, list):
                if len(r) != len(g):
                    diffs.append("%d rows vs %d" % (len(r), len(g)))
                for a, b in zip(r, g):
                    for c in sorted(set(a) | set(b)):
                        if a.get(c) != b.get(c):
                            diffs.append("%s %s:\n ovsdb-server: %s\n "
                                         "nicflow-dbd:  %s"
                                         % (a.get("_uuid"), c,
                                            json.dumps(a.get(c)),
                                            json.dumps(b.get(c))))
            else:
                diffs.append("ovsdb-server: %s\nnicflow-dbd: %s"
                             % (json.dumps(r), json.dumps(g)))
        report(not diffs, "ovs-vsctl list %s is the same" % t, diffs)
    r, g = ref["dump"], got["dump"]
    diffs = []
    for t in sorted(set(r) | set(g)):
        if r.get(t) != g.get(t):
            diffs.append("table %s:\n ovsdb-server: %s\n nicflow-dbd:  %s"
                         % (t, json.dumps(r.get(t), sort_keys=True),
                            json.dumps(g.get(t), sort_keys=True)))
    report(not diffs, "whole database content is the same", diffs)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
