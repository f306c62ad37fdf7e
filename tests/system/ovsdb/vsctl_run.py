#!/usr/bin/env python3
"""vsctl_run.py REMOTE COMMANDS OUTPUT: runs each ovs-vsctl command line of
COMMANDS (one per line, shell quoting, "#" comments) against the OVSDB
server at REMOTE with --no-wait, and writes to OUTPUT (JSON) each command's
exit status, stdout and stderr, normalised (ovsdb_norm), followed by the
normalised "ovs-vsctl --format=json list TABLE" of every table of interest
and a dump of the whole database."""
import json
import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ovsdb_norm  # noqa: E402
import rpc  # noqa: E402

TABLES = ["Open_vSwitch", "Bridge", "Port", "Interface", "Controller",
          "Manager", "Mirror", "QoS", "Queue", "SSL"]


def main():
    remote, commands, output = sys.argv[1:4]
    vsctl = ["ovs-vsctl", "--no-wait", "--timeout=10", "--db=" + remote]
    lab = ovsdb_norm.Labeler()

    def run(args):
        try:
            p = subprocess.run(vsctl + args, capture_output=True, text=True,
                               timeout=30)
            rc, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired:
            rc, out, err = "timeout", "", ""
        lab.update(rpc.dump(remote, "Open_vSwitch"))
        return rc, out, err.replace(remote, "DB")

    results = []
    with open(commands) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            args = shlex.split(line)
            rc, out, err = run(args)
            results.append({"line": n, "cmd": line, "rc": rc,
                            "out": ovsdb_norm.text(lab, out,
                                                   show="show" in args),
                            "err": ovsdb_norm.stderr(lab, err)})
    lists = {}
    for t in TABLES:
        rc, out, err = run(["--format=json", "list", t])
        lists[t] = (ovsdb_norm.vsctl_json_table(lab, out) if rc == 0
                    else {"rc": rc, "err": err})
    dump = ovsdb_norm.dump_rows(lab, rpc.dump(remote, "Open_vSwitch"))
    with open(output, "w") as f:
        json.dump({"commands": results, "lists": lists, "dump": dump}, f,
                  indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
