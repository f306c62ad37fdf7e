#!/bin/bash
# User-space VXLAN between two hosts, side by side in one run: the
# two-host topology of tests/system/tunnel-lib.sh (namespaces hostA and
# hostB joined by an underlay veth; per host br-phy with the underlay
# veth and 172.31.0.{1,2}/24 on its internal port, br-int with a VXLAN
# port, options:remote_ip and key=5001, and the veth of a "VM" namespace,
# vmA 10.10.0.1 / vmB 10.10.0.2, MTU 1400, tx checksum offload off),
# switched by
#
#   ovs       Open vSwitch 3.1 on both hosts (ovs-vswitchd --disable-system,
#             datapath_type=netdev)
#   nicflow   nicflow on both hosts (nicflow-dbd + nicflowd)
#   nicflow_vmoffload  the same, with the VMs' tx offloads on again (tx
#             checksum, TSO: what a VM has unless someone turns them off);
#             Open vSwitch's user-space datapath stalls TCP that way, so it
#             is only measured as the topology above has it
#
# Measured vmA -> vmB, REPS (default 3) rounds, medians; the two switches
# alternate within each round (who goes first alternates between rounds),
# each time started afresh in the same namespaces:
#   tunnel_vxlan_tcp         iperf3 TCP, TNL_SECONDS (5) s: receiver Gbit/s
#   tunnel_vxlan_udp64_pps   iperf3 -u -l 22 (64-byte frames on the VM's
#                            veth) -b TNL_UDP_RATE (1G): packets/s delivered
#                            to vmB (the receiver's bytes over the
#                            datagram size, per s: iperf-udp-pps.py)
#   tunnel_vxlan_cpu_per_gbit  CPU of both hosts' switch daemons (utime +
#                            stime, all threads) during the TCP run, CPU-s
#                            per s, over that run's Gbit/s
#   tunnel_vxlan_tcp_vm_offloads  tunnel_vxlan_tcp of nicflow_vmoffload,
#                            against Open vSwitch with the offloads off
# ratio = nicflow / ovs (ovs / nicflow for lower-is-better rows).
#
# A switch without a VXLAN path between the VMs (say, nicflow before its
# tunnel support lands) gets null figures and a "missing" reason, printed
# on stderr and kept in items.json; the script still exits 0 with the
# other switch's figures.  Exit 1 only for a bad environment (not root,
# iperf3 missing).
#
# Usage (root):  tests/bench/tunnel.sh OUTDIR
#   REPS=5 tests/bench/tunnel.sh build/bench/tunnel
#   TNL_ONLY=ovs tests/bench/tunnel.sh /tmp/t     # one switch only
# Writes OUTDIR/items.json, OUTDIR/table.txt (rows for run.sh's summary),
# OUTDIR/runs.txt (every raw figure), OUTDIR/iperf/ (iperf3 JSON) and
# OUTDIR/logs/ (the switches' logs of the last round).  `make bench` runs
# it (tests/bench/run.sh; its rows join the softpath part's).  About 3 min
# with REPS=3.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: tunnel.sh OUTDIR}
REPS=${REPS:-3}
DUR=${TNL_SECONDS:-5}
UDP_LEN=${TNL_UDP_LEN:-22}
UDP_RATE=${TNL_UDP_RATE:-1G}
KINDS=${TNL_ONLY:-ovs nicflow nicflow_vmoffload}
HZ=$(getconf CLK_TCK)

if [ "$(id -u)" != 0 ]; then
    echo "tunnel.sh: needs root (network namespaces)" >&2
    exit 1
fi
for c in iperf3 ip ping ethtool ovs-vswitchd ovsdb-server ovsdb-tool; do
    command -v "$c" > /dev/null || { echo "tunnel.sh: $c missing" >&2; exit 1; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nicflow-tunnel-bench.XXXXXX")
. "$top/tests/system/tunnel-lib.sh"
tnl_init "$tmp" "nftb$$"
cleanup() {
    tnl_cleanup
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
: > "$out/runs.txt"
: > "$out/runs-notes.txt"
rm -rf "$out/iperf" "$out/logs"
mkdir -p "$out/iperf" "$out/logs"

PY=$TNL_PY
declare -A missing=()

# up KIND: both hosts switched by KIND, VXLAN between them; 0 once vmA
# reaches vmB.
up() {
    local k=$1 h vm
    for h in A B; do
        tnl_stop "$h"
        tnl_reset_host "$h"
    done
    for vm in vmA vmB; do ip -n "${TNL_NS[$vm]}" neigh flush all; done
    # The VMs' offloads: off (the topology's setting) but for
    # nicflow_vmoffload, whose switch is nicflow's.
    local sw=$k off=off
    [ "$k" = nicflow_vmoffload ] && sw=nicflow off=on
    for vm in vmA vmB; do
        ip netns exec "${TNL_NS[$vm]}" ethtool -K eth0 tx "$off" > /dev/null 2>&1
    done
    for h in A B; do
        tnl_start "$h" "$sw" > "$tmp/up-$k.log" 2>&1 \
            || { missing[$k]="host$h: the switch does not start"; return 1; }
        tnl_bridges "$h" >> "$tmp/up-$k.log" 2>&1 \
            || { missing[$k]="host$h: br-int/br-phy setup failed"; return 1; }
        tnl_port_add "$h" vxlan0 vxlan 5001 >> "$tmp/up-$k.log" 2>&1 \
            || { missing[$k]="host$h: cannot add the vxlan port"; return 1; }
    done
    if ! tnl_wait_ping vmA 10.10.0.2 10; then
        local err
        err=$(tnl_vsctl A get Interface vxlan0 error 2>/dev/null)
        missing[$k]="no VXLAN path between the VMs (vxlan0 error: ${err:-?})"
        return 1
    fi
}

cpu_ticks() {
    [ -n "$1" ] && [ -r "/proc/$1/stat" ] || { echo 0; return; }
    sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}
now() { date +%s.%N; }

port=5400
# iperf KIND REP WHAT ARGS...: one iperf3 run vmA -> vmB (a one-off
# server in vmB); JSON in OUTDIR/iperf/KIND-WHAT-REP.json.
iperf() {
    local k=$1 r=$2 what=$3 sp
    shift 3
    port=$((port + 1))
    ip netns exec "${TNL_NS[vmB]}" timeout $((DUR + 30)) iperf3 -s -1 \
        -p "$port" > /dev/null 2>&1 &
    sp=$!
    for _ in $(seq 30); do
        ip netns exec "${TNL_NS[vmB]}" ss -Hltn "sport = :$port" 2>/dev/null \
            | grep -q . && break
        sleep 0.1
    done
    ip netns exec "${TNL_NS[vmA]}" timeout $((DUR + 10)) iperf3 -c 10.10.0.2 \
        -p "$port" -t "$DUR" -J "$@" > "$out/iperf/$k-$what-$r.json" 2> /dev/null
    kill "$sp" 2>/dev/null
    wait "$sp" 2>/dev/null
}

# measure KIND REP: one round of KIND; "KIND METRIC VALUE" lines in runs.txt.
measure() {
    local k=$1 r=$2 pa pb c0 c1 t0 t1 v
    if ! up "$k"; then
        echo "tunnel.sh: $k: ${missing[$k]}; its figures are null" >&2
        for h in A B; do
            cp "${TNL_HDIR[$h]:-/nonexistent}/switch.log" "$out/logs/$k-host$h.log" 2>/dev/null
        done
        for v in tcp_gbps udp_pps cpu; do echo "$k $v null" >> "$out/runs.txt"; done
        return 1
    fi
    pa=$(tnl_switch_pid A) pb=$(tnl_switch_pid B)
    c0=$(( $(cpu_ticks "$pa") + $(cpu_ticks "$pb") )); t0=$(now)
    iperf "$k" "$r" tcp
    t1=$(now); c1=$(( $(cpu_ticks "$pa") + $(cpu_ticks "$pb") ))
    v=$("$PY" - "$out/iperf/$k-tcp-$r.json" <<'PY'
import json, sys
try:
    print("%.4f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e9))
except Exception:
    print("null")
PY
)
    echo "$k tcp_gbps $v" >> "$out/runs.txt"
    echo "$k cpu $(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" -v hz="$HZ" \
        'BEGIN {printf "%.4f", (b - a) / hz / (t1 - t0)}')" >> "$out/runs.txt"
    iperf "$k" "$r" udp -u -b "$UDP_RATE" -l "$UDP_LEN"
    v=$("$PY" "$top/tests/bench/iperf-udp-pps.py" "$out/iperf/$k-udp-$r.json" "$UDP_LEN" \
        2>> "$out/runs-notes.txt")
    echo "$k udp_pps $v" >> "$out/runs.txt"
    for h in A B; do
        cp "${TNL_HDIR[$h]}/switch.log" "$out/logs/$k-host$h.log" 2>/dev/null
    done
}

tnl_topo || { echo "tunnel.sh: cannot build the topology" >&2; exit 1; }
for r in $(seq "$REPS"); do
    order=$KINDS
    # shellcheck disable=SC2086
    [ $((r % 2)) = 0 ] && order=$(printf '%s\n' $KINDS | tac | xargs)
    for k in $order; do
        # A switch that had no path in the first round will not get one.
        [ "$r" -gt 1 ] && [ -n "${missing[$k]:-}" ] && continue
        echo "tunnel.sh: round $r: $k... ($(date +%T))" >&2
        measure "$k" "$r"
    done
done
for h in A B; do tnl_stop "$h"; done

missing_json=$(for k in "${!missing[@]}"; do printf '%s\t%s\n' "$k" "${missing[$k]}"; done)
"$PY" - "$out" "$REPS" "$DUR" "$UDP_LEN" "$UDP_RATE" "$missing_json" <<'PY'
import json, statistics, sys
out, reps, dur, udp_len, rate, miss = sys.argv[1:7]
reps, dur, udp_len = int(reps), int(dur), int(udp_len)
missing = dict(l.split("\t", 1) for l in miss.splitlines() if l)
runs = {}
for line in open(out + "/runs.txt"):
    cfg, metric, v = line.split()
    runs.setdefault((cfg, metric), []).append(None if v == "null" else float(v))
for c in ("nicflow", "ovs", "nicflow_vmoffload"):
    cpu, g = runs.get((c, "cpu"), []), runs.get((c, "tcp_gbps"), [])
    runs[(c, "cpu_per_gbit")] = [None if a is None or not b else round(a / b, 4)
                                 for a, b in zip(cpu, g)]

def med(c, m):
    vs = [v for v in runs.get((c, m), []) if v is not None]
    return statistics.median(vs) if vs else None

def fmt(v, nd):
    if v is None:
        return "-"
    return "%.*f" % (nd, v) if abs(v) < 100 else str(round(v))

items, rows = [], []
for name, unit, metric, better, nd, settings, kind in (
        ("tunnel_vxlan_tcp", "Gbit/s", "tcp_gbps", "higher", 3,
         "iperf3 TCP vmA->vmB over VXLAN, %d s, receiver rate" % dur,
         "nicflow"),
        ("tunnel_vxlan_udp64_pps", "pkts/s", "udp_pps", "higher", 0,
         "iperf3 -u -l %d (64-byte frames on the VM veth) -b %s, %d s; "
         "delivered = bytes received / length" % (udp_len, rate, dur),
         "nicflow"),
        ("tunnel_vxlan_cpu_per_gbit", "CPU-s/Gbit", "cpu_per_gbit", "lower", 3,
         "both hosts' switch daemons, utime+stime during the TCP run, "
         "CPU-s per s, over Gbit/s", "nicflow"),
        ("tunnel_vxlan_tcp_vm_offloads", "Gbit/s", "tcp_gbps", "higher", 3,
         "as tunnel_vxlan_tcp, nicflow with the VMs' tx offloads on "
         "(Open vSwitch with them off, as it needs)", "nicflow_vmoffload")):
    n, o = med(kind, metric), med("ovs", metric)
    if n is None or not o:
        ratio = None
    else:
        ratio = round(n / o, 2) if better == "higher" else round(o / n, 2)
    it = {"name": name, "unit": unit, "better": better, "reps": reps,
          "nicflow": None if n is None else round(n, nd),
          "ovs": None if o is None else round(o, nd), "ratio": ratio,
          "settings": settings,
          "runs": {c: runs.get((c, metric), []) for c in (kind, "ovs")}}
    if kind != "nicflow":
        it["nicflow_config"] = kind
    if metric == "cpu_per_gbit":
        it["cpu_s_per_s"] = {c: med(c, "cpu") for c in ("nicflow", "ovs")}
    if missing:
        it["missing"] = missing
    items.append(it)
    note = better
    if kind == "nicflow_vmoffload":
        note += " (nicflow with the VMs' tx offloads on; 2nd column: ovs with them off)"
    if kind in missing:
        note += " (nicflow: " + missing[kind] + ")"
    if "ovs" in missing:
        note += " (ovs: " + missing["ovs"] + ")"
    rows.append("\t".join([name, unit, fmt(it["nicflow"], nd), fmt(it["ovs"], nd),
                           fmt(ratio, 2), note]))
json.dump(items, open(out + "/items.json", "w"), indent=1)
open(out + "/table.txt", "w").write("\n".join(rows) + "\n")
for r in rows:
    name, unit, a, b, ratio, note = r.split("\t")
    print("%-26s %-11s %10s %10s %7s  %s" % (name, unit, a, b, ratio, note))
PY
