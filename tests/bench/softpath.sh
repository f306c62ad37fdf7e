#!/bin/bash
# The datapath end to end, side by side in one run: the same topology
# (namespaces A and B, each with one end of a veth pair whose other end is
# in a switch namespace W) forwarded by
#
#   nicflow     nicflowd's userspace datapath (nicflow-dpctl add-dp dp0 wa wb,
#               flows in_port(1) -> 2 and in_port(2) -> 1), run inside W;
#               then again with the ports on rx-ring=v3 (nicflow_v3)
#   ovs         ovs-vswitchd 3.1, bridge datapath_type=netdev, OpenFlow flows
#               in_port=wa -> wb and back, namespaces' offloads untouched
#   ovs_txoff   the same after "ethtool -K va tx off" / "... vb tx off"
#               (OVS's userspace datapath stalls TCP without it)
#   bridge      the Linux bridge (in-kernel reference)
#
# Every datapath is set up first; the configurations then take turns in
# each of REPS (default 3) rounds, the order reversed every other round.
# Measured A -> B, medians of the rounds:
#   softpath_tcp            iperf3 TCP, default settings, SP_SECONDS (5) s:
#                           receiver Gbit/s
#   softpath_udp64_pps      iperf3 UDP -l SP_UDP_LEN (22: 64-byte frames on
#                           the veth, no FCS) -b 1G: packets/s delivered to
#                           the receiver (its bytes / the length: see
#                           iperf-udp-pps.py)
#   softpath_latency_us     ping -c 200 -i 0.01, 1 s after the UDP run:
#                           average RTT, us
#   softpath_cpu_per_gbit   switch process CPU (utime+stime of nicflowd /
#                           ovs-vswitchd, all threads) during the TCP run, in
#                           CPU-seconds per second, divided by the Gbit/s;
#                           for the bridge the machine's softirq CPU share
#                           is reported for context only.
#
# SP_ONLY="nicflow bridge" (say) measures only those datapaths: nicflow
# (with its rx-ring=v3 run), ovs (with its tx off run), bridge.
# SP_NF_BUSY_POLL=USEC|always sets nicflowd's dpif-netdev/busy-poll (the
# time its datapath thread keeps polling after traffic; default 50 us).
#
# Usage: softpath.sh OUTDIR.  Writes OUTDIR/items.json, OUTDIR/table.txt
# (rows for run.sh's summary) and OUTDIR/runs.txt (every raw figure).
# Needs root, iperf3, ethtool, ping and Open vSwitch 3.1; an absent OVS or
# a datapath that fails to come up gives null figures, not an abort.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: softpath.sh OUTDIR}
bin=$top/${BUILD:-build}/bin
REPS=${REPS:-3}
DUR=${SP_SECONDS:-5}
UDP_LEN=${SP_UDP_LEN:-22}
UDP_RATE=${SP_UDP_RATE:-1G}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
OVS_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
HZ=$(getconf CLK_TCK)

if [ "$(id -u)" != 0 ]; then
    echo "softpath.sh: needs root (network namespaces)" >&2
    exit 1
fi
for c in iperf3 ethtool ping ip; do
    command -v "$c" > /dev/null || { echo "softpath.sh: $c missing" >&2; exit 1; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nicflow-softpath-bench.XXXXXX")
tag=nfsp$$
A= B= W=
nslist=()     # every namespace created, removed at exit
dpids=()      # daemons started (by pid), stopped at exit
: > "$out/runs.txt"
: > "$out/runs-notes.txt"
rm -rf "$out/iperf"
mkdir -p "$out/iperf"

# kill_ns_procs NS: ends the processes running in namespace NS (all of
# them were started by this script: the namespace is its own).
kill_ns_procs() {
    local p left
    for p in $(ip netns pids "$1" 2>/dev/null); do kill "$p" 2>/dev/null; done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        left=$(ip netns pids "$1" 2>/dev/null)
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    for p in $left; do kill -9 "$p" 2>/dev/null; done
}
stop_daemons() {
    local p
    for p in "${dpids[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${dpids[@]}"; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$p" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$p" 2>/dev/null
    done
    dpids=()
}
cleanup() {
    local ns
    stop_daemons
    for ns in "${nslist[@]}"; do kill_ns_procs "$ns"; done
    for ns in "${nslist[@]}"; do ip netns del "$ns" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# topo NAME: fresh namespaces A, B, W for one datapath, veths va<->wa and
# vb<->wb, addresses 10.88.0.1/24 (A) and 10.88.0.2/24 (B), all up.
topo() {
    A=$tag-$1-a B=$tag-$1-b W=$tag-$1-w
    local ns
    for ns in "$A" "$B" "$W"; do
        ip netns add "$ns" || return 1
        nslist+=("$ns")
        ip -n "$ns" link set lo up
    done
    ip link add va netns "$A" type veth peer name wa netns "$W" || return 1
    ip link add vb netns "$B" type veth peer name wb netns "$W" || return 1
    ip -n "$A" addr add 10.88.0.1/24 dev va
    ip -n "$B" addr add 10.88.0.2/24 dev vb
    ip -n "$A" link set va up
    ip -n "$B" link set vb up
    ip -n "$W" link set wa up
    ip -n "$W" link set wb up
}
# untopo: stop the datapath's daemons and remove the namespaces.
untopo() {
    local ns keep=()
    stop_daemons
    [ -n "$A" ] || return 0
    for ns in "$A" "$B" "$W"; do
        kill_ns_procs "$ns"
        ip netns del "$ns" 2>/dev/null
    done
    for ns in "${nslist[@]}"; do
        case $ns in "$A"|"$B"|"$W") ;; *) keep+=("$ns") ;; esac
    done
    nslist=("${keep[@]}")
    A= B= W=
}

# reach: A reaches B through the switch (up to ~5 s for it to settle).
reach() {
    local i
    for i in $(seq 10); do
        ip netns exec "$A" ping -c 1 -W 1 10.88.0.2 > /dev/null 2>&1 && return 0
        sleep 0.5
    done
    return 1
}

# cpu_ticks PID: utime+stime of PID (all its threads), clock ticks.
cpu_ticks() {
    [ -n "$1" ] && [ -r "/proc/$1/stat" ] || { echo 0; return; }
    sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}
softirq_ticks() { awk '/^cpu / {print $8}' /proc/stat; }
now() { date +%s.%N; }

port=5400
# iperf CFG REP KIND ARGS...: one iperf3 run A -> B (a one-off server in B
# started for it and gone afterwards); JSON in $tmp/CFG-KIND-REP.json.
iperf() {
    local cfg=$1 rep=$2 kind=$3 sp i
    shift 3
    port=$((port + 1))
    ip netns exec "$B" timeout $((DUR + 30)) iperf3 -s -1 -p "$port" \
        > /dev/null 2>&1 &
    sp=$!
    for i in $(seq 30); do
        ip netns exec "$B" ss -Hltn "sport = :$port" 2>/dev/null | grep -q . && break
        sleep 0.1
    done
    ip netns exec "$A" timeout $((DUR + 8)) iperf3 -c 10.88.0.2 -p "$port" \
        -t "$DUR" -J "$@" > "$tmp/$cfg-$kind-$rep.json" 2> /dev/null
    kill "$sp" 2>/dev/null
    wait "$sp" 2>/dev/null
    cp "$tmp/$cfg-$kind-$rep.json" "$out/iperf/" 2>/dev/null
    return 0
}

# latency CFG: ping -c 200 -i 0.01 A -> B, average RTT in us, to runs.txt.
latency() {
    local v
    v=$(ip netns exec "$A" ping -q -c 200 -i 0.01 -W 1 10.88.0.2 2>/dev/null \
        | sed -n 's|^rtt [^=]*= [0-9.]*/\([0-9.]*\)/.*|\1|p' \
        | awk '{printf "%.1f", $1 * 1000}')
    echo "$1 lat_us ${v:-null} $cur_round" >> "$out/runs.txt"
}

cur_round=0
# round CFG PID REP: one round of TCP (with PID's CPU; no PID: the
# machine's softirq share), UDP and ping through the topology in $A/$B;
# one line "CFG METRIC VALUE ROUND" per figure in runs.txt (null: no
# figure).  Returns 1 when TCP stalled (nothing delivered): UDP cannot run either,
# and further rounds of CFG would only wait for the same time-outs.
round() {
    local cfg=$1 pid=$2 r=$3 c0 c1 s0 s1 t0 t1 v
    cur_round=$r
    c0=$(cpu_ticks "$pid"); s0=$(softirq_ticks); t0=$(now)
    iperf "$cfg" "$r" tcp
    t1=$(now); c1=$(cpu_ticks "$pid"); s1=$(softirq_ticks)
    v=$("$PY" - "$tmp/$cfg-tcp-$r.json" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    print("%.4f" % (d["end"]["sum_received"]["bits_per_second"] / 1e9))
except Exception:
    print("null")
PY
)
    echo "$cfg tcp_gbps $v $r" >> "$out/runs.txt"
    if [ -n "$pid" ]; then
        echo "$cfg cpu $(awk -v a="$c0" -v b="$c1" -v t0="$t0" -v t1="$t1" \
            -v hz="$HZ" 'BEGIN {printf "%.4f", (b - a) / hz / (t1 - t0)}') $r" \
            >> "$out/runs.txt"
    else
        echo "$cfg softirq $(awk -v a="$s0" -v b="$s1" -v t0="$t0" -v t1="$t1" \
            -v hz="$HZ" 'BEGIN {printf "%.4f", (b - a) / hz / (t1 - t0)}') $r" \
            >> "$out/runs.txt"
    fi
    if [ "$v" = 0.0000 ] && grep -q '"error"' "$tmp/$cfg-tcp-$r.json"; then
        echo "softpath.sh: $cfg: TCP stalled (0 bytes delivered)" >&2
        echo "$cfg stall 1 $r" >> "$out/runs.txt"
        echo "$cfg udp_pps null $r" >> "$out/runs.txt"
        latency "$cfg"
        return 1
    fi
    iperf "$cfg" "$r" udp -u -b "$UDP_RATE" -l "$UDP_LEN"
    v=$("$PY" "$top/tests/bench/iperf-udp-pps.py" "$tmp/$cfg-udp-$r.json" "$UDP_LEN" \
        2>> "$out/runs-notes.txt")
    echo "$cfg udp_pps $v $r" >> "$out/runs.txt"
    # The ping measures a quiet path: right after the flood an auto port
    # is still on its v3 ring, and the first packet or two wait for its
    # block timer (a jiffy or two) before the port moves back to v2.
    sleep 1
    latency "$cfg"
    return 0
}

# Every datapath is set up first, in namespaces of its own, and the
# configurations then take turns within each round (the order reversed
# every other round), so that a slow minute of this shared machine falls
# on all of them alike instead of on whichever ran then.  A configuration
# is: the datapath's namespaces (NS_A/NS_B), the process whose CPU is
# counted (NS_PID) and a command that puts the datapath in that
# configuration (NS_PREP) before its turn.
declare -A NS_A NS_B NS_PID NS_PREP NS_STALLED
cfg_list=()
# add_cfg CFG PID PREP: the topology in $A/$B becomes configuration CFG.
add_cfg() {
    NS_A[$1]=$A NS_B[$1]=$B NS_PID[$1]=$2 NS_PREP[$1]=$3
    cfg_list+=("$1")
}
# Topologies set up by nicflow, ovs and bridge stay up until the end:
# untopo only knows the last one, so they are forgotten here and removed
# by cleanup (every namespace is in nslist, every daemon in dpids).
keep_topo() { A= B= W=; }

# 1. nicflow, and the same ports with rx-ring=v3
nf_ctl=
nf_rings() {
    NICFLOW_RUNDIR=$tmp/nf "$bin/nicflow-dpctl" set-if dp0 "wa,rx-ring=$1" \
        && NICFLOW_RUNDIR=$tmp/nf "$bin/nicflow-dpctl" set-if dp0 "wb,rx-ring=$1" \
        && sleep 0.3
}
nicflow() {
    topo nicflow || return 1
    export NICFLOW_RUNDIR=$tmp/nf NICFLOW_LOGDIR=$tmp/nf NICFLOW_DBDIR=$tmp/nf
    mkdir -p "$NICFLOW_RUNDIR"
    ip netns exec "$W" "$bin/nicflowd" --detach --pidfile --log-file \
        -vconsole:off || return 1
    local pid
    pid=$(cat "$NICFLOW_RUNDIR/nicflowd.pid") || return 1
    dpids+=("$pid")
    nf_ctl=$NICFLOW_RUNDIR/nicflowd.ctl
    if [ -n "${SP_NF_BUSY_POLL:-}" ]; then
        "$bin/nicflow-appctl" -t "$nf_ctl" \
            dpif-netdev/busy-poll "$SP_NF_BUSY_POLL" > /dev/null || return 1
    fi
    "$bin/nicflow-dpctl" add-dp dp0 wa wb \
        && "$bin/nicflow-dpctl" add-flow "in_port(1),eth()" 2 \
        && "$bin/nicflow-dpctl" add-flow "in_port(2),eth()" 1 || return 1
    reach || { echo "softpath.sh: no path through nicflow" >&2; return 1; }
    ip netns exec "$B" nstat -n > /dev/null 2>&1
    # The block ring (rx-ring=v3): fewer wakeups under load, a timer's
    # delay on a quiet port.  A side figure; the targets are judged on
    # the default (auto).
    add_cfg nicflow "$pid" "nf_rings auto"
    add_cfg nicflow_v3 "$pid" "nf_rings v3"
    NF_B=$B
}
# Where nicflow's packets were lost, for whoever reads the figures: the
# ports' counters (drops in the rings and at send) and the receiver's UDP
# socket (buffer overruns), over the whole measurement.
nicflow_after() {
    NICFLOW_RUNDIR=$tmp/nf "$bin/nicflow-dpctl" show -s > "$out/nicflow-ports.txt" 2>&1
    ip netns exec "$NF_B" nstat -a 2>/dev/null | grep -E '^Udp' \
        > "$out/nicflow-receiver-udp.txt"
}

# 2. Open vSwitch 3.1, userspace (netdev) datapath; with the namespaces'
# tx offloads on (as left by default) and off.
ovs_tx() {
    ip netns exec "$1" ethtool -K va tx "$3" > /dev/null 2>&1
    ip netns exec "$2" ethtool -K vb tx "$3" > /dev/null 2>&1
    sleep 0.2
}
ovs() {
    local o=$tmp/ovs pid
    command -v ovs-vswitchd > /dev/null && command -v ovsdb-server > /dev/null \
        || { echo "softpath.sh: Open vSwitch missing" >&2; return 1; }
    topo ovs || return 1
    mkdir -p "$o"
    export OVS_RUNDIR=$o OVS_LOGDIR=$o OVS_DBDIR=$o
    ovsdb-tool create "$o/conf.db" "$OVS_SCHEMA" || return 1
    ip netns exec "$W" ovsdb-server "$o/conf.db" --remote="punix:$o/db.sock" \
        --pidfile="$o/ovsdb-server.pid" --no-chdir \
        --log-file="$o/ovsdb-server.log" --detach -vconsole:off || return 1
    dpids+=("$(cat "$o/ovsdb-server.pid")")
    ovs-vsctl --db="unix:$o/db.sock" --no-wait init || return 1
    ip netns exec "$W" ovs-vswitchd "unix:$o/db.sock" \
        --pidfile="$o/ovs-vswitchd.pid" --no-chdir \
        --log-file="$o/ovs-vswitchd.log" --detach --disable-system \
        -vconsole:off || return 1
    pid=$(cat "$o/ovs-vswitchd.pid")
    dpids+=("$pid")
    local vs="ovs-vsctl --db=unix:$o/db.sock --timeout=20"
    $vs add-br br0 -- set bridge br0 datapath_type=netdev \
        && $vs add-port br0 wa && $vs add-port br0 wb || return 1
    ovs-ofctl del-flows br0 \
        && ovs-ofctl add-flow br0 in_port=wa,actions=output:wb \
        && ovs-ofctl add-flow br0 in_port=wb,actions=output:wa || return 1
    reach || { echo "softpath.sh: no path through ovs" >&2; return 1; }
    add_cfg ovs "$pid" "ovs_tx $A $B on"
    add_cfg ovs_txoff "$pid" "ovs_tx $A $B off"
}

# 3. Linux bridge
bridge() {
    topo bridge || return 1
    ip -n "$W" link add br0 type bridge || return 1
    ip -n "$W" link set wa master br0 && ip -n "$W" link set wb master br0 \
        && ip -n "$W" link set br0 up || return 1
    reach || { echo "softpath.sh: no path through the bridge" >&2; return 1; }
    add_cfg bridge "" ":"
}

for dp in ${SP_ONLY:-nicflow ovs bridge}; do
    case $dp in
    nicflow | ovs | bridge) ;;
    *)
        echo "softpath.sh: SP_ONLY: no datapath \"$dp\" (nicflow also" \
            "measures rx-ring=v3, ovs also tx off; bridge)" >&2
        continue
        ;;
    esac
    echo "softpath.sh: setting up $dp... ($(date +%T))" >&2
    # A datapath that failed to come up leaves its namespaces and daemons
    # to the cleanup at exit (untopo would stop the others' daemons too).
    $dp || echo "softpath.sh: $dp failed; its figures are null" >&2
    keep_topo
done

for r in $(seq "$REPS"); do
    order=("${cfg_list[@]}")
    if [ $((r % 2)) = 0 ]; then
        order=()
        for ((i = ${#cfg_list[@]} - 1; i >= 0; i--)); do order+=("${cfg_list[$i]}"); done
    fi
    echo "softpath.sh: round $r of $REPS: ${order[*]} ($(date +%T))" >&2
    for cfg in "${order[@]}"; do
        [ -n "${NS_STALLED[$cfg]:-}" ] && continue
        A=${NS_A[$cfg]} B=${NS_B[$cfg]}
        ${NS_PREP[$cfg]}
        if ! reach; then
            echo "softpath.sh: $cfg: no path in round $r" >&2
            continue
        fi
        round "$cfg" "${NS_PID[$cfg]}" "$r" || NS_STALLED[$cfg]=1
    done
done
[ -n "${NS_A[nicflow]:-}" ] && nicflow_after
A= B= W=

"$PY" - "$out" "$REPS" "$DUR" "$UDP_LEN" <<'PY'
import json, statistics, sys
out, reps, dur, udp_len = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
runs = {}
by_round = {}  # (cfg, metric) -> {round: value}
for line in open(out + "/runs.txt"):
    cfg, metric, v, rnd_ = line.split()
    val = None if v == "null" else float(v)
    runs.setdefault((cfg, metric), []).append(val)
    by_round.setdefault((cfg, metric), {})[int(rnd_)] = val
cfgs = ("nicflow", "nicflow_v3", "ovs", "ovs_txoff", "bridge")
stalled = [c for c in cfgs if runs.get((c, "stall"))]

def med(cfg, metric):
    vs = [v for v in runs.get((cfg, metric), []) if v is not None]
    return statistics.median(vs) if vs else None

def ratio(a, b):
    return round(a / b, 2) if a is not None and b else None

def rnd(v, n):
    return None if v is None else round(v, n)

def fmt(v, nd=2):
    if v is None:
        return "-"
    return "%.*f" % (nd, v) if abs(v) < 100 else str(round(v))

items, rows = [], []

def add(name, unit, metric, better, nd, extra=None):
    m = {c: med(c, metric) for c in cfgs}
    hi = better == "higher"
    def rat(c):
        return ratio(m["nicflow"], m[c]) if hi else ratio(m[c], m["nicflow"])
    it = {"name": name, "unit": unit, "better": better, "reps": reps,
          "nicflow": rnd(m["nicflow"], nd), "ovs": rnd(m["ovs"], nd),
          "ratio": rat("ovs"),
          "ovs_txoff": rnd(m["ovs_txoff"], nd), "bridge": rnd(m["bridge"], nd),
          "ratio_vs_ovs_txoff": rat("ovs_txoff"),
          "ratio_vs_bridge": rat("bridge"),
          "nicflow_rx_ring_v3": rnd(m["nicflow_v3"], nd),
          "runs": {c: runs.get((c, metric), []) for c in cfgs}}
    if stalled:
        it["stalled"] = stalled
    # The configurations take turns within each round, so a round's
    # figures were measured minutes apart at most: the ratio per round,
    # and its median, a second view of the ratio that slow spells of the
    # machine disturb less than one of medians taken apart.
    for c in ("ovs", "ovs_txoff"):
        a, b = by_round.get(("nicflow", metric), {}), by_round.get((c, metric), {})
        per = [ratio(a[r], b[r]) if hi else ratio(b[r], a[r])
               for r in sorted(set(a) & set(b))
               if a[r] is not None and b[r]]
        if per:
            it["paired_ratio_vs_" + c] = {"median": statistics.median(per),
                                          "rounds": per}
    if extra:
        it.update(extra)
    items.append(it)
    r = fmt(it["ratio"])
    note = better
    if it["ovs"] == 0 and it["nicflow"]:
        r, note = "inf", better + " (ovs: nothing delivered, TCP stalls)"
    elif "ovs" in stalled and it["ovs"] is None:
        note = better + " (ovs: not measurable, TCP stalls)"
    rows.append("\t".join([name, unit, fmt(it["nicflow"], nd), fmt(it["ovs"], nd),
                           r, note]))
    if m["nicflow_v3"] is not None:
        v3 = m["nicflow_v3"]
        base = m["ovs_txoff"] if m["ovs_txoff"] is not None else m["ovs"]
        rv3 = (ratio(v3, base) if hi else ratio(base, v3)) if base else None
        rows.append("\t".join([name + "_rx_ring_v3", unit, fmt(v3, nd),
                               fmt(base, nd), fmt(rv3),
                               "%s (nicflow with rx-ring=v3; 2nd column: "
                               "ovs tx off)" % better]))
    p = it.get("paired_ratio_vs_ovs_txoff")
    if p:
        rows.append("\t".join([name + "_paired_vs_ovs_txoff", "x",
                               fmt(p["median"]), "-", "-",
                               "%s (median of the per-round ratios to ovs "
                               "tx off: %s)" % (better, " ".join(fmt(x) for x in p["rounds"]))]))
    for c, label in (("ovs_txoff", "ovs tx off"), ("bridge", "Linux bridge")):
        if it[c] is not None:
            rows.append("\t".join([name + "_vs_" + c, unit,
                                   fmt(it["nicflow"], nd), fmt(it[c], nd),
                                   fmt(it["ratio_vs_" + c]),
                                   "%s (2nd column: %s)" % (better, label)]))
    return it

def target(it, versus, goal):
    key = "ratio" if versus == "ovs" else "ratio_vs_" + versus
    got = it[key]
    if it.get(versus) == 0 and it["nicflow"]:
        met, shown = "met", "inf"
    else:
        met = "-" if got is None else ("met" if got >= goal else "not met")
        shown = fmt(got)
    it.setdefault("target", {})[versus] = {"ratio": got, "goal": goal, "met": met}
    rows.append("\t".join(["%s_target_%s" % (it["name"], versus), "x", shown,
                           "%.2f" % goal, met,
                           "target: nicflow/%s >= %.2f" % (versus, goal)]))

t = add("softpath_tcp", "Gbit/s", "tcp_gbps", "higher", 3,
        extra={"settings": "iperf3 defaults, %d s, A->B, receiver rate" % dur})
u = add("softpath_udp64_pps", "pkts/s", "udp_pps", "higher", 0,
        extra={"settings": "iperf3 -u -l %d (64-byte frames on the veth) "
                           "-b 1G, %d s; delivered = bytes received / length" % (udp_len, dur)})
l = add("softpath_latency_us", "us", "lat_us", "lower", 1,
        extra={"settings": "ping -c 200 -i 0.01, average RTT; ratio = ovs/nicflow"})

# CPU per Gbit/s: per run, switch CPU (s/s) over that run's Gbit/s.
for c in cfgs:
    cpu, g = runs.get((c, "cpu"), []), runs.get((c, "tcp_gbps"), [])
    runs[(c, "cpu_per_gbit")] = [None if a is None or not b else round(a / b, 4)
                                 for a, b in zip(cpu, g)]
add("softpath_cpu_per_gbit", "CPU-s/Gbit", "cpu_per_gbit", "lower", 3,
    extra={"settings": "switch process utime+stime during the TCP run, "
                       "CPU-s per s, over Gbit/s; ratio = ovs/nicflow; "
                       "bridge: n/a (in-kernel; see bridge_softirq_s_per_s)",
           "cpu_s_per_s": {c: rnd(med(c, "cpu"), 3) for c in cfgs},
           "bridge_softirq_s_per_s": rnd(med("bridge", "softirq"), 3),
           "cpu_runs": {c: runs.get((c, "cpu"), []) for c in cfgs},
           "softirq_runs": {c: runs.get((c, "softirq"), []) for c in cfgs}})

target(t, "ovs", 4.0)
target(t, "ovs_txoff", 4.0)
target(t, "bridge", 0.5)
target(u, "ovs", 2.0)
target(u, "ovs_txoff", 2.0)
json.dump(items, open(out + "/items.json", "w"), indent=1)
open(out + "/table.txt", "w").write("\n".join(rows) + "\n")
PY
