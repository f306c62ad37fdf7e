#!/bin/bash
# make bench: benchmarks, nicflow and Open vSwitch 3.1 side by side in the
# same run on the same machine.  This machine is shared and noisy, so each
# figure is the median of several repetitions and the comparison is a
# ratio.  Results: build/bench/results.json and a summary table.
#
# Benchmarks present so far:
#   unixctl_rr   control-socket request/reply rate (version command) over
#                one connection: nicflowd vs ovs-vswitchd 3.1 (userspace,
#                no bridges).
#   ovsdb_*      OVSDB server: nicflow-dbd vs ovsdb-server 3.1 under the same
#                load from one C client (tests/bench/ovsdb.sh, ovsdb-bench.c;
#                see tests/bench/README.md).  REPS repetitions, default 3.
#   softpath_*   the datapath end to end, two namespaces through nicflowd's
#                userspace datapath vs Open vSwitch 3.1's (default offloads
#                and tx off) vs the Linux bridge: TCP, 64-byte UDP pps,
#                latency, CPU (tests/bench/softpath.sh).
#   ofctl_*      OpenFlow: nicflow-ofctl vs ovs-ofctl 3.1 parsing 1,000,000
#                flows and decoding 1,000,000 flow-mods, plus the codec's
#                in-process message rates (tests/bench/ofctl.sh).
#   vsctl_*      nicflow-vsctl vs ovs-vsctl 3.1 against the same nicflow-dbd:
#                1,000 add-port invocations one at a time and in one "--"
#                chain, commands/s (tests/bench/vsctl.sh).
#   nicflowd_*   the switch daemon: nicflowd vs ovs-vswitchd 3.1 (userspace
#                datapath) in the same topology: flow setups/s through a
#                10-table pipeline (100,000 UDP 5-tuples from
#                tests/bench/udp-flood), ovs-ofctl add-flows of 100,000
#                flows with and without --bundle, revalidation of 200,000
#                datapath flows (tests/bench/nicflowd.sh; needs root).
#   offload_*    hardware offload: 20,000 flows inserted into TC flower by
#                nicflowd (userspace datapath) and by ovs-vswitchd 3.1
#                (kernel datapath), both hw-offload=true, in one QEMU guest
#                of the VM lab: flows/s, insert latency p50/p99
#                (tests/bench/offload-vm.sh; skipped when the VM lab is
#                unavailable; OFFLOAD_REPS repetitions, default 1).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
bin=$top/${BUILD:-build}/bin
out=$top/${BUILD:-build}/bench
mkdir -p "$out"
OVSDB_REPS=${REPS:-3}
REPS=${REPS:-5}
N=${N:-5000}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nicflow-bench.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    sleep 0.2
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

export NICFLOW_RUNDIR=$tmp/nf NICFLOW_LOGDIR=$tmp/nf NICFLOW_DBDIR=$tmp/nf
mkdir -p "$NICFLOW_RUNDIR"
"$bin/nicflowd" --detach --pidfile --log-file -vfile:warn -vconsole:off
pids+=("$(cat "$NICFLOW_RUNDIR/nicflowd.pid")")
nf_ctl=$NICFLOW_RUNDIR/nicflowd.ctl

ovs_ctl=
if command -v ovs-vswitchd >/dev/null && command -v ovsdb-server >/dev/null; then
    o=$tmp/ovs
    mkdir -p "$o"
    ovsdb-tool create "$o/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    ovsdb-server "$o/conf.db" --remote="punix:$o/db.sock" --unixctl="$o/db.ctl" \
        --pidfile="$o/db.pid" --log-file="$o/db.log" --detach --no-chdir -vconsole:off
    pids+=("$(cat "$o/db.pid")")
    ovs-vsctl --db="unix:$o/db.sock" --no-wait init
    ovs-vswitchd "unix:$o/db.sock" --unixctl="$o/vswitchd.ctl" \
        --pidfile="$o/vswitchd.pid" --log-file="$o/vswitchd.log" --detach \
        --no-chdir -vconsole:off
    pids+=("$(cat "$o/vswitchd.pid")")
    ovs_ctl=$o/vswitchd.ctl
fi

results=()
nf_times=() ovs_times=()
for r in $(seq "$REPS"); do
    nf_times+=("$(python3 tests/bench/unixctl_rr.py "$nf_ctl" "$N")")
    [ -n "$ovs_ctl" ] && ovs_times+=("$(python3 tests/bench/unixctl_rr.py "$ovs_ctl" "$N")")
done
nf_med=$(printf '%s\n' "${nf_times[@]}" | median)
nf_rate=$(awk -v n="$N" -v t="$nf_med" 'BEGIN {printf "%.0f", n / t}')
if [ -n "$ovs_ctl" ]; then
    ovs_med=$(printf '%s\n' "${ovs_times[@]}" | median)
    ovs_rate=$(awk -v n="$N" -v t="$ovs_med" 'BEGIN {printf "%.0f", n / t}')
    ratio=$(awk -v a="$nf_rate" -v b="$ovs_rate" 'BEGIN {printf "%.2f", a / b}')
else
    ovs_rate=null ratio=null
fi

# The daemons above would only add noise to the OVSDB runs: stop them.
for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
pids=()
ovsdb_items=
if REPS=$OVSDB_REPS tests/bench/ovsdb.sh "$out/ovsdb"; then
    ovsdb_items=$(python3 -c 'import json, sys
for i in json.load(open(sys.argv[1])): print(",\n    " + json.dumps(i), end="")' \
        "$out/ovsdb/items.json")
else
    echo "ovsdb benchmarks failed; see above" >&2
fi

softpath_items=
if [ "$(id -u)" = 0 ] && REPS=$OVSDB_REPS tests/bench/softpath.sh "$out/softpath"; then
    softpath_items=$(python3 -c 'import json, sys
for i in json.load(open(sys.argv[1])): print(",\n    " + json.dumps(i), end="")' \
        "$out/softpath/items.json")
else
    echo "softpath benchmarks failed or need root; see above" >&2
fi
[ "$(id -u)" = 0 ] && { { REPS=$OVSDB_REPS tests/bench/tunnel.sh "$out/tunnel" && softpath_items=$softpath_items$(python3 -c 'import json, sys; print("".join(",\n    " + json.dumps(i) for i in json.load(open(sys.argv[1]))), end="")' "$out/tunnel/items.json") && cat "$out/tunnel/table.txt" >> "$out/softpath/table.txt"; } || echo "tunnel benchmark failed; see above" >&2; }  # tunnel_vxlan_*: two-host VXLAN, tests/bench/tunnel.sh (rows shown with softpath's)

ofctl_items=
if REPS=$OVSDB_REPS tests/bench/ofctl.sh "$out/ofctl"; then
    ofctl_items=$(python3 -c 'import json, sys
for i in json.load(open(sys.argv[1])): print(",\n    " + json.dumps(i), end="")' \
        "$out/ofctl/items.json")
else
    echo "ofctl benchmarks failed; see above" >&2
fi

nicflowd_items=
if [ "$(id -u)" = 0 ] && REPS=$OVSDB_REPS tests/bench/nicflowd.sh "$out/nicflowd"; then
    nicflowd_items=$(python3 -c 'import json, sys
for i in json.load(open(sys.argv[1])): print(",\n    " + json.dumps(i), end="")' \
        "$out/nicflowd/items.json")
else
    echo "nicflowd benchmarks failed or need root; see above" >&2
fi

# In a QEMU guest under TCG: one repetition takes minutes, so its own
# count (OFFLOAD_REPS, default 1).  Exit 77: the VM lab cannot run here.
offload_items=
REPS=${OFFLOAD_REPS:-1} tests/bench/offload-vm.sh "$out/offload"
case $? in
0)
    offload_items=$(python3 -c 'import json, sys
for i in json.load(open(sys.argv[1])): print(",\n    " + json.dumps(i), end="")' \
        "$out/offload/items.json")
    ;;
77) echo "offload benchmark skipped: the VM lab is unavailable (see above)" >&2 ;;
*) echo "offload benchmark failed; see above" >&2 ;;
esac
# The same guest harness in its kernel datapath mode: flow setups/s with
# both switches on openvswitch.ko, no offload (about 2 min with 3 reps).
OFFLOAD_DP=system REPS=${KDP_REPS:-3} tests/bench/offload-vm.sh "$out/kdp"
case $? in
0)
    offload_items=$offload_items$(python3 -c 'import json, sys
for i in json.load(open(sys.argv[1])): print(",\n    " + json.dumps(i), end="")' \
        "$out/kdp/items.json")
    ;;
77) echo "kernel datapath benchmark skipped: the VM lab is unavailable" >&2 ;;
*) echo "kernel datapath benchmark failed; see above" >&2 ;;
esac

vsctl_items=
if REPS=$OVSDB_REPS tests/bench/vsctl.sh "$out/vsctl"; then
    vsctl_items=$(python3 -c 'import json, sys
for i in json.load(open(sys.argv[1])): print(",\n    " + json.dumps(i), end="")' \
        "$out/vsctl/items.json")
else
    echo "vsctl benchmarks failed; see above" >&2
fi

# The softpath classifier microbenchmark: no Open vSwitch build with its
# test programs is available here, so its OVS figures are the published
# ones and are reported apart from the same-run comparisons.
classifier_json=$("$top/${BUILD:-build}/bench/classifier-bench" \
                  --seconds=2 2>/dev/null | tail -n 1)
case $classifier_json in
"{"*) ;;
*) classifier_json=null ;;
esac

cat > "$out/results.json" <<JSON
{
  "machine": {"nproc": $(nproc), "kernel": "$(uname -r)"},
  "repetitions": $REPS,
  "benchmarks": [
    {"name": "unixctl_rr", "unit": "requests/s", "n": $N, "better": "higher",
     "nicflow": $nf_rate, "ovs": $ovs_rate, "ratio": $ratio,
     "nicflow_runs_s": [$(IFS=,; echo "${nf_times[*]}")],
     "ovs_runs_s": [$(IFS=,; echo "${ovs_times[*]:-}")]}$ovsdb_items$softpath_items$ofctl_items$vsctl_items$nicflowd_items$offload_items
  ],
  "microbenchmarks": {"classifier": $classifier_json}
}
JSON
row() { printf '%-24s %-11s %10s %10s %7s  %s\n' "$@"; }
echo
row benchmark unit nicflow "ovs 3.1" ratio "better (ratio = nicflow/ovs)"
row unixctl_rr requests/s "$nf_rate" "$ovs_rate" "$ratio" higher
if [ -s "$out/ovsdb/table.txt" ]; then
    while IFS=$'\t' read -r name unit a b r better; do
        row "$name" "$unit" "$a" "$b" "$r" "$better"
    done < "$out/ovsdb/table.txt"
fi
if [ -s "$out/softpath/table.txt" ]; then
    while IFS=$'\t' read -r name unit a b r better; do
        row "$name" "$unit" "$a" "$b" "$r" "$better"
    done < "$out/softpath/table.txt"
fi
if [ -s "$out/ofctl/table.txt" ]; then
    while IFS=$'\t' read -r name unit a b r better; do
        row "$name" "$unit" "$a" "$b" "$r" "$better"
    done < "$out/ofctl/table.txt"
fi
if [ -s "$out/vsctl/table.txt" ]; then
    while IFS=$'\t' read -r name unit a b r better; do
        row "$name" "$unit" "$a" "$b" "$r" "$better"
    done < "$out/vsctl/table.txt"
fi
if [ -s "$out/nicflowd/table.txt" ]; then
    while IFS=$'\t' read -r name unit a b r better; do
        row "$name" "$unit" "$a" "$b" "$r" "$better"
    done < "$out/nicflowd/table.txt"
fi
if [ -s "$out/offload/table.txt" ]; then
    while IFS=$'\t' read -r name unit a b r better; do
        row "$name" "$unit" "$a" "$b" "$r" "$better"
    done < "$out/offload/table.txt"
fi
if [ -s "$out/kdp/table.txt" ]; then
    while IFS=$'\t' read -r name unit a b r better; do
        row "$name" "$unit" "$a" "$b" "$r" "$better"
    done < "$out/kdp/table.txt"
fi
if [ "$classifier_json" != null ]; then
    echo
    echo "softpath classifier, 1,000 megaflows in 30 subtables, one core" \
         "(OVS: published figures, not measured in this run):"
    python3 -c 'import json, sys
d = json.loads(sys.argv[1]); o = d["ovs_published"]
print("  classifier lookups/s  %8.2f M   (OVS published %.2f M, ratio %.2f)" % (
    d["classifier_lookups_per_sec"] / 1e6, o["classifier_lookups_per_sec"] / 1e6,
    d["classifier_lookups_per_sec"] / o["classifier_lookups_per_sec"]))
print("  EMC-hit lookups/s     %8.2f M   (OVS published %.2f M, ratio %.2f)" % (
    d["emc_hit_lookups_per_sec"] / 1e6, o["emc_hit_lookups_per_sec"] / 1e6,
    d["emc_hit_lookups_per_sec"] / o["emc_hit_lookups_per_sec"]))
print("  batch-32 lookups/s    %8.2f M" % (d["batch32_lookups_per_sec"] / 1e6))
print("  bytes per megaflow    %8.0f" % d["bytes_per_megaflow"])' "$classifier_json"
fi
echo
echo "results: $out/results.json (unixctl_rr: median of $REPS runs of $N" \
     "requests; ovsdb_*: median of $OVSDB_REPS runs, see tests/bench/README.md)"
