#!/bin/bash
# nicflow-vsctl vs ovs-vsctl 3.1, against the same server (nicflow-dbd),
# in the same run:
#
#   vsctl_add_port_single  N (default 1,000) "add-port br0 pK" invocations,
#                          one program run each, one after the other
#   vsctl_add_port_chain   the same N add-ports in one invocation, as one
#                          "--" chain (one transaction)
#
# Both with --no-wait (no nicflowd runs here, so nothing would ever bump
# cur_cfg).  Every run gets a fresh database file and a freshly started
# nicflow-dbd holding only the Open_vSwitch row and bridge br0; the
# programs alternate (the first of each repetition alternates too), so
# both meet the same machine.  Figures: commands/s, median of REPS (3)
# runs, and the ratio nicflow/ovs (higher is better for nicflow); the
# per-command milliseconds are in items.json.
#
# Usage: vsctl.sh OUTDIR.  Writes OUTDIR/items.json and OUTDIR/table.txt
# (rows for run.sh's summary).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
bin=$top/${BUILD:-build}/bin
REPS=${REPS:-3}
N=${VSCTL_PORTS:-1000}
mkdir -p "$out"
command -v ovs-vsctl >/dev/null || { echo "vsctl.sh: no ovs-vsctl" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nicflow-vsctl-bench.XXXXXX")
dbd_pid=
cleanup() {
    [ -n "$dbd_pid" ] && kill "$dbd_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export NICFLOW_RUNDIR=$tmp NICFLOW_DBDIR=$tmp NICFLOW_LOGDIR=$tmp
sock=unix:$tmp/db.sock

# fresh_server: a new database with br0, served by a new nicflow-dbd.
fresh_server() {
    stop_server
    rm -f "$tmp/conf.db"
    "$bin/nicflow-dbtool" create "$tmp/conf.db" "$top/ovsdb/vswitch.ovsschema" \
        || return 1
    "$bin/nicflow-dbd" "$tmp/conf.db" --remote="punix:$tmp/db.sock" \
        --pidfile="$tmp/dbd.pid" --unixctl="$tmp/dbd.ctl" --detach \
        --log-file="$tmp/dbd.log" -vconsole:off || return 1
    dbd_pid=$(cat "$tmp/dbd.pid")
    "$bin/nicflow-vsctl" --db="$sock" --no-wait init -- add-br br0
}
stop_server() {
    if [ -n "$dbd_pid" ]; then
        kill "$dbd_pid" 2>/dev/null
        while kill -0 "$dbd_pid" 2>/dev/null; do sleep 0.05; done
        dbd_pid=
    fi
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# single PROG: seconds for N separate add-port invocations.
single() {
    local prog=$1 i t0
    t0=$(now)
    for ((i = 0; i < N; i++)); do
        "$prog" --db="$sock" --no-wait add-port br0 "p$i" || return 1
    done
    elapsed "$t0" "$(now)"
}

# chain PROG: seconds for one invocation with N add-ports.
chain() {
    local prog=$1 i t0 args=()
    for ((i = 0; i < N; i++)); do
        args+=(-- add-port br0 "p$i")
    done
    t0=$(now)
    "$prog" --db="$sock" --no-wait "${args[@]}" || return 1
    elapsed "$t0" "$(now)"
}

# check_ports: the server holds br0's N ports (and each its interface).
check_ports() {
    local n
    n=$("$bin/nicflow-vsctl" --db="$sock" list-ports br0 | wc -l)
    [ "$n" = "$N" ] || { echo "vsctl.sh: $n ports instead of $N" >&2; return 1; }
}

declare -A runs
progs=("$bin/nicflow-vsctl" ovs-vsctl)
names=(nf ovs)
for r in $(seq "$REPS"); do
    for k in 0 1; do
        # Alternate which program goes first.
        idx=$(( (k + r) % 2 ))
        for mode in single chain; do
            fresh_server || exit 1
            t=$("$mode" "${progs[idx]}") || { echo "vsctl.sh: ${progs[idx]} $mode failed" >&2; exit 1; }
            check_ports || exit 1
            runs[${names[idx]}_$mode]+="$t "
        done
    done
done
stop_server

python3 - "$out" "$N" "${runs[nf_single]}" "${runs[ovs_single]}" \
    "${runs[nf_chain]}" "${runs[ovs_chain]}" <<'PY'
import json, statistics, sys
out, n = sys.argv[1], int(sys.argv[2])
series = [list(map(float, s.split())) for s in sys.argv[3:7]]
items, rows = [], []
for name, nf, ovs in (("vsctl_add_port_single", series[0], series[1]),
                      ("vsctl_add_port_chain", series[2], series[3])):
    a, b = n / statistics.median(nf), n / statistics.median(ovs)
    items.append({"name": name, "unit": "cmds/s", "n": n, "better": "higher",
                  "server": "nicflow-dbd", "nicflow": round(a, 1),
                  "ovs": round(b, 1), "ratio": round(a / b, 2),
                  "nicflow_ms_per_cmd": round(1000 / a, 3),
                  "ovs_ms_per_cmd": round(1000 / b, 3),
                  "nicflow_runs_s": nf, "ovs_runs_s": ovs})
    rows.append("\t".join([name, "cmds/s", "%.1f" % a, "%.1f" % b,
                           "%.2f" % (a / b), "higher"]))
    print("%-22s nicflow-vsctl %7.3f ms/cmd  ovs-vsctl %7.3f ms/cmd  "
          "ratio (nicflow/ovs, cmds/s) %.2f" % (name, 1000 / a, 1000 / b,
                                                 a / b))
json.dump(items, open(out + "/items.json", "w"), indent=1)
open(out + "/table.txt", "w").write("\n".join(rows) + "\n")
PY
