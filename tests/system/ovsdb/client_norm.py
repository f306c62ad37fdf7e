#!/usr/bin/env python3
"""client_norm.py KIND REMOTE FILE: prints FILE, output of ovsdb-client
run against REMOTE, normalised so that two servers' outputs compare equal
when they hold the same data: UUIDs become labels (ovsdb_norm.Labeler,
learned from REMOTE's current content), and what the servers may order
differently (rows, set elements) is sorted.

KIND is "dump" (ovsdb-client --format=json dump: one table per line) or
"monitor" (ovsdb-client monitor/monitor-cond text output: the lines of
each update, blocks separated by blank lines, are sorted, and runs of
blanks squeezed, since column widths follow the values)."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ovsdb_norm  # noqa: E402
import rpc  # noqa: E402


def main():
    kind, remote, path = sys.argv[1:4]
    lab = ovsdb_norm.Labeler()
    lab.update(rpc.dump(remote, "Open_vSwitch"))
    text = open(path).read()
    if kind == "dump":
        for line in text.splitlines():
            doc = json.loads(lab.text(line))
            rows = sorted(
                (json.dumps([ovsdb_norm._datum(v) for v in r])
                 for r in doc["data"]))
            print(doc["caption"], json.dumps(doc["headings"]))
            for r in rows:
                print("  " + r)
    else:
        text = ovsdb_norm.LOG_PREFIX_RE.sub("", lab.text(text))
        for block in text.split("\n\n"):
            lines = sorted(re.sub(r"[ \t]+", " ", l).strip()
                           for l in block.split("\n") if l.strip())
            if lines:
                print("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
