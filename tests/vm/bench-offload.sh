#!/bin/sh
# tests/vm/bench-offload.sh - guest script (busybox sh) for tests/vm/lab.sh:
# the hardware-offload insertion benchmark of make bench.  It is not a
# t-*.sh, so the VM test tier never runs it; tests/bench/offload-vm.sh does
# (and writes the configuration file and the OVS schema it needs).
#
# nicflowd (userspace datapath, datapath_type=netdev) and Open vSwitch 3.1's
# ovs-vswitchd (kernel datapath, datapath_type=system), both with
# other_config:hw-offload=true, run one after the other in the same guest
# boot on the same topology, pipeline and traffic.  Each puts one TC flower
# filter per datapath flow into the guest kernel's (software) flower:
#
#   namespace ofa: va 10.88.0.1/24 --veth-- pa (ofport 1) -.
#   namespace ofc: vc 10.88.0.3/24 --veth-- pc (ofport 3) -+- br0, root ns
#   namespace ofb: vb 10.88.0.2/24 --veth-- pb (ofport 2) -'
#
#   table=0 udp: move udp_src -> reg1, move udp_dst -> reg2, goto table 1
#   table=1 in_port=1 or 3: output:2 (anything else: drop)
#
# The moves read both UDP ports, so every 5-tuple is its own megaflow and
# so its own filter (on pa's or pc's ingress, mirred to pb).  The frames
# come from tests/bench/udp-flood (64 bytes, to a MAC address no host has:
# vb drops them quietly).  IPv6 is off, so nothing else reaches the ports.
#
# Measured, per switch and repetition (result keys in brackets):
#
#   latency  [lat_*]  on the idle, fresh switch: OFFLOAD_LAT_N (1,280)
#            tuples from ofc, one frame each, in bursts of 64 (udp-flood
#            sends 64 frames per sendmmsg) every OFFLOAD_LAT_GAP (1) s.  Per
#            tuple: when its filter was added (below) - when its frame
#            reached pc (tcpdump on pc: the kernel's receive stamp, same
#            clock).  That is the whole setup: upcall, translation, flower
#            insert.  p50, p99, mean, max; a tuple with no filter counts as
#            missing (lat_filters < lat_frames).
#   rate     [rate, rate90, rate_s]  then OFFLOAD_N (20,000) tuples from
#            ofa, round and round, as fast as udp-flood sends (OFFLOAD_PPS,
#            0); a frame whose upcall the switch drops comes round again.
#            Figure: N / (when the N-th distinct tuple's filter was added -
#            a marker just before udp-flood starts); rate90 up to 90 %.
#            A run that reaches OFFLOAD_TIMEOUT first: [rate_partial] the
#            tuples that made it, and the rate is theirs over the whole run
#            (to a second marker when it stopped).
#   [filters_in_tc]   filters on pa afterwards, from a dump (a check)
#   [switch_cpu_s]    the switch daemon's CPU (all threads) in the rate run
#   [rate_monitor_cpu_s]  the CPU of the filter monitor (below) in the rate run
#   [monitor_cpu_s]   the same over the whole run of the switch
#   [upcalls_lost]    OVS: the kernel datapath's "lost" count
#   [own_p50_ms, own_p99_ms, own_mean_ms]  nicflowd's own
#            dpctl/offload-stats-show after the rate run: request queued
#            to kernel ack in its offload worker (Open vSwitch has no such
#            figure for TC on the kernel datapath).
#
# When a filter was added: a monitor, /nicflow/tc-stamp (the kernel's
# RTM_NEWTFILTER notifications to the TC multicast group, stamped in µs as
# they are read; reniced to -10 so they are read at once) runs through the
# whole run of a switch.  It writes what "tc -ts monitor" writes of a
# filter's head line, and its src_port and dst_port, and nothing else:
# tc's whole print of every filter cost about a sixth of the vCPU at 1,000
# filters/s (tests/bench/tc-stamp.c says more).  The marker is a matchall filter added on the dummy device mk0
# just before udp-flood starts, stamped by the same monitor.  Nothing polls
# tc while a switch works: the script counts lines of the monitor's file
# once a second to know when to stop (only the lines written since the
# last count: added_more).
#
# Between the switches everything is torn down: daemons stopped, the kernel
# datapath deleted, the ingress/clsact qdiscs deleted (with every filter)
# and checked empty.  Who goes first alternates between repetitions.
#
# Output: "# ..." comments and result lines
#   R CFG REP KEY VALUE     a figure (CFG is nicflow or ovs)
#   M CFG REASON...         CFG's figures are missing, and why
# Exit status 0 when the script ran (a failing switch gives M lines), 1
# when the guest itself could not set up.
#
# Settings (shell assignments in /nicflow/bench-offload.conf, written by
# offload-vm.sh): OFFLOAD_N, OFFLOAD_REPS (1), OFFLOAD_ONLY ("nicflow ovs"),
# OFFLOAD_PPS, OFFLOAD_LAT_N, OFFLOAD_LAT_GAP, OFFLOAD_TIMEOUT (600 s per
# rate run), OFFLOAD_FLOW_LIMIT (200,000).  Open vSwitch's own schema is
# /nicflow/ovs-vswitch.ovsschema (a FILES argument: ours has the same base
# name).
#
# What it took to make Open vSwitch 3.1 run honestly here (a first trial
# lost every upcall while its handler count flapped between 0 and 2):
#
#  1. Start ovs-vswitchd only after the guest has been up 10 s.  An
#     ovs-vswitchd started earlier counts 0 CPU cores until the monotonic
#     clock (the guest's uptime) reaches 10 s: measured, its handler count
#     turns from 0 to 1 right then.  That fits 3.1.0's CPU count being a
#     cache refreshed every 10 s of that clock from time 0.  The 6.1
#     kernel's openvswitch module offers per-CPU upcall dispatch and 3.1
#     uses it ("dpif-netlink/dispatch-mode": per-cpu), and in that mode the
#     handler count is the CPU count (other_config:n-handler-threads is
#     overridden): the log says "Overriding n-handler-threads to 0" on
#     every reconfiguration (38 times while the bridge is set up), each
#     restarting the threads ("Starting 1 threads", the revalidator only;
#     "Starting 2 threads" once a handler exists: the flapping), and the
#     datapath counts every miss as lost.  When the handler arrives at
#     10 s the misses still stay lost (measured at uptime 20 s: 268
#     missed, 268 lost, also after setting n-handler-threads=1), so the
#     daemon has to start after that.  The guest boots in ~3 s, so a
#     script that starts OVS at once always hits this (a real host has
#     been up longer).  The script waits for uptime >= 11 s and refuses a
#     run whose log shows 0 handlers.
#  2. The programs and their shared libraries in the guest (lab.sh's
#     "# vm-programs:" with absolute paths, since /usr/sbin may be outside
#     PATH), OVS_RUNDIR/OVS_LOGDIR/OVS_DBDIR/OVS_SYSCONFDIR pointing at a
#     scratch directory (no /var/run/openvswitch needed), the schema.
#  3. Not needed (left at the guest's defaults, and OVS forwards):
#     net.core.rmem_max, RLIMIT_NOFILE, --mlockall (not passed).  One
#     "netlink_socket|ERR|fcntl: Protocol not supported" stays in the log:
#     a netlink family whose module is not in the guest (most likely
#     NETLINK_NETFILTER for conntrack; this pipeline uses no conntrack).
#  4. Limits: max-idle=600000 (nothing expires during a run),
#     flow-limit=200000 and upcall/set-flow-limit 200000.  OVS still
#     adjusts its dynamic limit after each revalidator pass (it ended near
#     27,000 after 20,000 flows here, above what the run needs).
#  Under udp-flood at full speed the handler's socket overflows and many
#  misses are "lost" (counted in upcalls_lost); those tuples come round
#  again, as they do for nicflowd.
#
# vm-files: ovsdb/vswitch.ovsschema build/bench/udp-flood build/bench/tc-stamp
# vm-programs: /usr/sbin/ovs-vswitchd /usr/sbin/ovsdb-server /usr/bin/ovsdb-tool
# vm-programs: /usr/bin/ovs-vsctl /usr/bin/ovs-appctl /usr/bin/ovs-ofctl
# vm-programs: /usr/bin/ovs-dpctl tcpdump perf
# shellcheck disable=SC2317 # functions called indirectly
set -u

IP=/sbin/ip
TC=/sbin/tc
B=/nicflow/bin
FLOOD=/nicflow/udp-flood
STAMP=/nicflow/tc-stamp
OVS_SCHEMA=/nicflow/ovs-vswitch.ovsschema
NF_SCHEMA=/nicflow/vswitch.ovsschema
HZ=100 # USER_HZ of /proc/PID/stat on x86

OFFLOAD_N=20000
OFFLOAD_REPS=1
OFFLOAD_ONLY="nicflow ovs"
OFFLOAD_PPS=0
OFFLOAD_LAT_N=1280
OFFLOAD_LAT_GAP=1
OFFLOAD_TIMEOUT=600
OFFLOAD_FLOW_LIMIT=200000
OVS_MIN_UPTIME=11
# shellcheck disable=SC1091
[ -f /nicflow/bench-offload.conf ] && . /nicflow/bench-offload.conf

W=/tmp/ob # scratch
mkdir -p "$W"
MON_PID=
FLOOD_PID=
DUMP_PID=

say() { echo "# $*"; }
result() { echo "R $*"; }
missing() { echo "M $*"; }
indent() { sed 's/^/#   /'; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
# wait_gone PID SECONDS: until the process is gone (1 when it is not).
wait_gone() {
    n=$(($2 * 10))
    while [ "$n" -gt 0 ] && kill -0 "$1" 2>/dev/null; do
        sleep 0.1
        n=$((n - 1))
    done
    if kill -0 "$1" 2>/dev/null; then
        say "process $1 still running after $2 s"
        return 1
    fi
}
minflt() { # PID: minor page faults of all its threads
    if [ -n "$1" ] && [ -r "/proc/$1/stat" ]; then
        sed 's/^.*) //' "/proc/$1/stat" | awk '{print $8}'
    else
        echo 0
    fi
}
thread_ticks() { # PID: "TID COMM TICKS" for each of its threads
    # (tk, not t: shell variables are global, and callers use t.)
    for tk in /proc/"$1"/task/*; do
        [ -r "$tk/stat" ] || continue
        echo "${tk##*/} $(tr -d ' ' <"$tk/comm" 2>/dev/null)" \
            "$(sed 's/^.*) //' "$tk/stat" | awk '{print $12 + $13}')"
    done
}
# thread_cpu BEFORE AFTER: the CPU seconds each thread used between two
# thread_ticks listings, busiest first.
thread_cpu() {
    awk -v hz="$HZ" 'NR == FNR { t0[$1] = $3; next }
        { d = $3 - ($1 in t0 ? t0[$1] : 0)
          if (d > 0) printf "%s %.2f\n", $2, d / hz }' "$1" "$2" |
        sort -k2 -rn | awk '{printf "%s%s %s s", (NR > 1 ? ", " : ""), $1, $2}'
}
cpu_ticks() { # PID: utime + stime of all its threads, in ticks
    if [ -n "$1" ] && [ -r "/proc/$1/stat" ]; then
        sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
    else
        echo 0
    fi
}

# OFFLOAD_PERF=1: a system-wide profile around each insert run (software
# clock: TCG offers no counters), reported by command, object and symbol.
PERF_PID=
perf_start() {
    [ "${OFFLOAD_PERF:-0}" = 1 ] || return 0
    if [ ! -x "$B/perf" ]; then
        say "OFFLOAD_PERF=1 but perf is not in the guest (not installed on the host?)"
        return 0
    fi
    "$B/perf" record -q -a -e cpu-clock -F 499 -o "$W/perf.data" \
        >/dev/null 2>>"$W/perf.err" &
    PERF_PID=$!
}
# perf_halt: the end of the measured window (the figures' parsing
# afterwards is not the switches' time and stays out of the profile).
perf_halt() {
    [ -n "$PERF_PID" ] || return 0
    kill -INT "$PERF_PID" 2>/dev/null
    wait "$PERF_PID" 2>/dev/null
    PERF_PID=
}
perf_stop() { # CFG REP
    perf_halt
    [ -s "$W/perf.data" ] || return 0
    say "$1 rep $2: profile of the insert run (perf, whole guest):"
    "$B/perf" report -i "$W/perf.data" --stdio --no-children \
        --sort comm,dso,sym 2>&1 | grep -v '^#' | grep -v '^$' |
        head -n 60 | indent
    "$B/perf" report -i "$W/perf.data" --stdio --no-children \
        --sort comm 2>&1 | grep -v '^#' | grep -v '^$' | head -n 12 | indent
    say "$1 rep $2: the switch's own time by object, then by symbol:"
    comms=nicflowd,offload0,handler1
    [ "$1" = ovs ] && comms=ovs-vswitchd,handler1,handler2,revalidator1,revalidator2,urcu3
    "$B/perf" report -i "$W/perf.data" --stdio --no-children \
        --comms "$comms" --sort comm,dso 2>&1 | grep -v '^#' | grep -v '^$' |
        head -n 12 | indent
    "$B/perf" report -i "$W/perf.data" --stdio --no-children \
        --comms "$comms" --sort comm,sym 2>&1 | grep -v '^#' | grep -v '^$' |
        head -n 100 | indent
    rm -f "$W/perf.data"
}

cleanup() {
    for p in $FLOOD_PID $DUMP_PID $MON_PID $PERF_PID; do kill "$p" 2>/dev/null; done
    # (Defined further down: an early exit has nothing to stop.)
    command -v stop_nicflow >/dev/null && stop_nicflow
    command -v stop_ovs >/dev/null && stop_ovs
    for n in a b c; do "$IP" netns del "of$n" 2>/dev/null; done
    "$IP" link del mk0 2>/dev/null
    rm -rf "$W"
    :
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---------------------------------------------------------------- topology
# tun: nicflowd's userspace datapath makes the bridge's own port a tap.
if ! modprobe -a openvswitch sch_ingress cls_flower act_mirred act_gact \
    veth dummy tun; then
    say "modprobe failed"
    exit 1
fi
for f in all default; do
    echo 1 >/proc/sys/net/ipv6/conf/$f/disable_ipv6
done
i=0
for n in a b c; do
    i=$((i + 1))
    if ! { "$IP" netns add "of$n" &&
        "$IP" link add "p$n" type veth peer name "v$n" netns "of$n" &&
        "$IP" -n "of$n" addr add "10.88.0.$i/24" dev "v$n" &&
        "$IP" -n "of$n" link set "v$n" up &&
        "$IP" -n "of$n" link set lo up &&
        "$IP" link set "p$n" up; }; then
        say "topology setup failed"
        exit 1
    fi
done
# The marker device: a matchall filter added on its ingress stamps "now"
# in the monitor's clock.
if ! { "$IP" link add mk0 type dummy && "$TC" qdisc add dev mk0 clsact; }; then
    say "marker device setup failed"
    exit 1
fi
MARK=0
mark() { # -> MARK: the pref of the marker filter just added
    MARK=$((MARK + 1))
    "$TC" filter add dev mk0 ingress pref "$MARK" protocol all matchall \
        action pass
}

# ---------------------------------------------------------------- monitor
mon_start() { # FILE
    "$STAMP" >"$1" 2>"$W/stamp.err" &
    MON_PID=$!
    # Its notifications must not wait behind the switch on the one vCPU.
    renice -n -10 -p "$MON_PID" >/dev/null 2>&1
    # Up once a marker shows: any of them, since the monitor writes its
    # file every 0.1 s, not at once.
    for _ in $(seq 50); do
        mark
        sleep 0.1
        grep -q " filter dev mk0 ingress " "$1" && return 0
    done
    say "the filter monitor (tc-stamp) did not start: $(cat "$W/stamp.err")"
    return 1
}
mon_stop() {
    [ -n "$MON_PID" ] || return 0
    kill "$MON_PID" 2>/dev/null
    wait "$MON_PID" 2>/dev/null
    MON_PID=
}
# added DEV FILE: filters added on DEV's ingress so far ("replaced" when
# the request carried NLM_F_REPLACE, as Open vSwitch's do).
added() { grep -cE "(added|replaced) filter dev $1 ingress " "$2"; }

# added_more DEV FILE: what added would say, in ADD_N, reading only what
# the monitor wrote since the last call (ADD_OFF bytes of FILE are read
# and counted; set both to 0 before a run).  Called once a second while a
# switch works, so it must cost next to nothing, and above all nothing
# that grows with the rate being measured.  A grep of the whole file each
# time grew with the file (some 18 % of the one vCPU by the end of a
# 20,000-filter run).  Busybox awk, matching each new line against a
# regular expression built from a string, compiles that expression once
# per line: with tc -ts monitor's 15 lines per filter that was a third of
# the vCPU at 800 filters/s, taken from the switch being measured.  grep
# -F looks for fixed strings, about 170 times cheaper than that awk here;
# dd seeks to ADD_OFF where busybox's tail -c +N and wc -c read the whole
# file.  Only whole lines are taken; a line the monitor is still writing
# waits for the next call.
ADD_OFF=0
ADD_N=0
added_more() {
    dd if="$2" of="$W/added.new" bs=65536 iflag=skip_bytes skip="$ADD_OFF" \
        2>/dev/null
    len=$(stat -c %s "$W/added.new")
    [ "$len" -gt 0 ] || return 0
    # $(...) drops a trailing newline: anything left is a partial line.
    if [ -n "$(tail -c 1 "$W/added.new")" ]; then
        len=$((len - $(tail -n 1 "$W/added.new" | wc -c)))
    fi
    [ "$len" -gt 0 ] || return 0
    n=$(head -c "$len" "$W/added.new" | grep -c -F \
        -e " added filter dev $1 ingress " -e " replaced filter dev $1 ingress ")
    ADD_N=$((ADD_N + n))
    ADD_OFF=$((ADD_OFF + len))
}

# ports_clean: nothing but the veth peers on the ports: no macvlan upper
# (nicflowd's receive macvlans), no kernel datapath.  Leftovers are
# removed and reported.
ports_clean() {
    rc=0
    for l in $("$IP" -o link show type macvlan | awk -F': ' '{print $2}' |
        sed 's/@.*//'); do
        say "removing a leftover macvlan $l"
        "$IP" link del "$l" || rc=1
    done
    if "$IP" link show ovs-system >/dev/null 2>&1; then
        say "removing a leftover kernel datapath"
        ovs-dpctl del-dp ovs-system || rc=1
    fi
    return $rc
}

# tc_clean: no qdisc (and so no filter) left on the ports; checked.
tc_clean() {
    for d in pa pb pc; do
        "$TC" qdisc del dev "$d" ingress 2>/dev/null
        "$TC" qdisc del dev "$d" clsact 2>/dev/null
    done
    for d in pa pb pc; do
        if [ -n "$("$TC" filter show dev "$d" ingress 2>/dev/null)" ]; then
            say "filters left on $d"
            return 1
        fi
    done
}

# ---------------------------------------------------------------- pipeline
cat >"$W/pipeline.txt" <<'EOF'
table=0,priority=10,udp,actions=move:NXM_OF_UDP_SRC[]->NXM_NX_REG1[0..15],move:NXM_OF_UDP_DST[]->NXM_NX_REG2[0..15],goto_table:1
table=0,priority=0,actions=drop
table=1,priority=10,in_port=1,actions=output:2
table=1,priority=10,in_port=3,actions=output:2
table=1,priority=0,actions=drop
EOF
# The same other_config for both switches.  OFFLOAD_DP=system (the kernel
# datapath benchmark, see kdp_rate_run) runs both on openvswitch.ko
# without hardware offload.
OFFLOAD_DP=${OFFLOAD_DP:-netdev}
# nicflowd's datapath in the offload benchmark: its userspace one (netdev,
# the default) or the kernel's like Open vSwitch (OFFLOAD_NF_DP=system).
NF_DP=$OFFLOAD_DP
[ "$OFFLOAD_DP" = netdev ] && NF_DP=${OFFLOAD_NF_DP:-netdev}
HW=true
[ "$OFFLOAD_DP" = system ] && HW=false
OTHER_CONFIG="other_config:hw-offload=$HW other_config:tc-policy=none
other_config:max-idle=600000 other_config:flow-limit=$OFFLOAD_FLOW_LIMIT"

# ---------------------------------------------------------------- Open vSwitch
O=$W/ovs
ovs_vsctl() { ovs-vsctl --db="unix:$O/db.sock" --timeout=60 "$@"; }
ovs_appctl() { ovs-appctl -t "$O/ovs-vswitchd.ctl" --timeout=60 "$@"; }
ovs_ofctl() { OVS_RUNDIR=$O ovs-ofctl "$@"; }
ovs_pid() { cat "$O/ovs-vswitchd.pid" 2>/dev/null; }

start_ovs() {
    for p in ovs-vswitchd ovsdb-server ovsdb-tool ovs-vsctl ovs-appctl \
        ovs-ofctl ovs-dpctl; do
        command -v "$p" >/dev/null ||
            { START_WHY="$p is not in the guest (Open vSwitch not installed on the host?)"; return 1; }
    done
    [ -f "$OVS_SCHEMA" ] || { START_WHY="no $OVS_SCHEMA"; return 1; }
    rm -rf "$O"
    mkdir -p "$O"
    export OVS_RUNDIR="$O" OVS_LOGDIR="$O" OVS_DBDIR="$O" OVS_SYSCONFDIR="$O"
    ovsdb-tool create "$O/conf.db" "$OVS_SCHEMA" ||
        { START_WHY="ovsdb-tool create failed"; return 1; }
    ovsdb-server "$O/conf.db" --remote="punix:$O/db.sock" \
        --pidfile="$O/ovsdb-server.pid" --unixctl="$O/ovsdb-server.ctl" \
        --log-file="$O/ovsdb-server.log" --no-chdir --detach -vconsole:off \
        2>>"$O/start.err" ||
        { START_WHY="ovsdb-server did not start"; return 1; }
    # shellcheck disable=SC2086 # one argument per setting
    ovs_vsctl --no-wait init -- set Open_vSwitch . $OTHER_CONFIG ||
        { START_WHY="ovs-vsctl init failed"; return 1; }
    # See the top of this file: OVS 3.1.0 reads 0 CPUs during the first
    # 10 s of the machine's uptime.
    while [ "$(awk '{print int($1)}' /proc/uptime)" -lt "$OVS_MIN_UPTIME" ]; do
        sleep 0.5
    done
    say "ovs: ovs-vswitchd starts at uptime $(uptime_s) s"
    ovs-vswitchd "unix:$O/db.sock" --pidfile="$O/ovs-vswitchd.pid" \
        --unixctl="$O/ovs-vswitchd.ctl" --log-file="$O/ovs-vswitchd.log" \
        --no-chdir --detach -vconsole:off 2>>"$O/start.err" ||
        { START_WHY="ovs-vswitchd did not start"; return 1; }
    ovs_vsctl -- add-br br0 -- set bridge br0 protocols=OpenFlow10,OpenFlow13 \
        -- add-port br0 pa -- set interface pa ofport_request=1 \
        -- add-port br0 pb -- set interface pb ofport_request=2 \
        -- add-port br0 pc -- set interface pc ofport_request=3 ||
        { START_WHY="add-br failed"; return 1; }
    if ! { ovs_ofctl del-flows br0 &&
        ovs_ofctl -O OpenFlow13 add-flows br0 "$W/pipeline.txt"; }; then
        START_WHY="the pipeline did not load"
        return 1
    fi
    ovs_appctl upcall/set-flow-limit "$OFFLOAD_FLOW_LIMIT" >/dev/null
    if grep -q 'n-handler-threads to 0' "$O/ovs-vswitchd.log"; then
        START_WHY="ovs-vswitchd has no upcall handler (it read 0 CPUs); see bench-offload.sh"
        return 1
    fi
    say "ovs: $(ovs_appctl dpif-netlink/dispatch-mode 2>&1 | tr '\n' ' ')"
    say "ovs: $(grep -o 'n-handler-threads to [0-9]*, setting n-revalidator-threads to [0-9]*' \
        "$O/ovs-vswitchd.log" | tail -n 1)"
    return 0
}

ovs_results() { # CFG REP: context figures and diagnostics after the rate run
    lost=$(ovs-dpctl show 2>/dev/null | sed -n 's/.*lost:\([0-9]*\).*/\1/p' | head -n 1)
    result ovs "$2" upcalls_lost "${lost:-null}"
    ovs_appctl upcall/show 2>&1 | head -n 6 | indent
    ovs-dpctl show 2>&1 | head -n 3 | indent
    ovs_appctl coverage/show 2>&1 |
        grep -E 'upcall_flow_limit|handler_duplicate|dumped_|netdev_tc|upcall_ukey' |
        indent
    say "ovs: warnings and errors in ovs-vswitchd.log:"
    grep -E '\|(WARN|ERR|EMER)\|' "$O/ovs-vswitchd.log" | tail -n 10 | indent
}

stop_ovs() {
    [ -d "$O" ] || return 0
    pid=$(ovs_pid)
    if [ -n "$pid" ]; then
        ovs-appctl -t "$O/ovs-vswitchd.ctl" --timeout=10 exit >/dev/null 2>&1 ||
            kill "$pid" 2>/dev/null
        wait_gone "$pid" 120
    fi
    [ -f "$O/ovsdb-server.pid" ] && kill "$(cat "$O/ovsdb-server.pid")" 2>/dev/null
    sleep 0.5
    for p in ovs-vswitchd ovsdb-server; do
        [ -f "$O/$p.pid" ] && kill -9 "$(cat "$O/$p.pid")" 2>/dev/null
    done
    ovs-dpctl del-dp ovs-system 2>/dev/null
    rm -rf "$O"
    :
}

# ---------------------------------------------------------------- nicflow
N=$W/nf
nf_vsctl() { "$B/nicflow-vsctl" --db="unix:$N/db.sock" --timeout=60 "$@"; }
nf_appctl() { "$B/nicflow-appctl" -t "$N/nicflowd.ctl" "$@"; }
nf_ofctl() { NICFLOW_RUNDIR=$N "$B/nicflow-ofctl" "$@"; }
nicflow_pid() { cat "$N/nicflowd.pid" 2>/dev/null; }

start_nicflow() {
    for p in nicflowd nicflow-dbd nicflow-dbtool nicflow-vsctl \
        nicflow-appctl nicflow-ofctl; do
        [ -x "$B/$p" ] || { START_WHY="$p is not built"; return 1; }
    done
    rm -rf "$N"
    mkdir -p "$N"
    export NICFLOW_RUNDIR="$N" NICFLOW_DBDIR="$N" NICFLOW_LOGDIR="$N"
    "$B/nicflow-dbtool" create "$N/conf.db" "$NF_SCHEMA" ||
        { START_WHY="nicflow-dbtool create failed"; return 1; }
    "$B/nicflow-dbd" "$N/conf.db" --remote="punix:$N/db.sock" --detach \
        --pidfile --log-file -vconsole:off 2>>"$N/start.err" ||
        { START_WHY="nicflow-dbd did not start"; return 1; }
    # shellcheck disable=SC2086 # one argument per setting
    nf_vsctl --no-wait init -- set Open_vSwitch . $OTHER_CONFIG ||
        { START_WHY="nicflow-vsctl init failed"; return 1; }
    ${NF_ENV:+env $NF_ENV} "$B/nicflowd" "unix:$N/db.sock" --detach --pidfile --log-file \
        -vconsole:off 2>>"$N/start.err" ||
        { START_WHY="nicflowd did not start"; return 1; }
    nf_vsctl -- add-br br0 -- set bridge br0 datapath_type="$NF_DP" \
        -- add-port br0 pa -- set interface pa ofport_request=1 \
        -- add-port br0 pb -- set interface pb ofport_request=2 \
        -- add-port br0 pc -- set interface pc ofport_request=3 ||
        { START_WHY="add-br failed"; return 1; }
    if ! { nf_ofctl del-flows br0 &&
        nf_ofctl -O OpenFlow13 add-flows br0 "$W/pipeline.txt"; }; then
        START_WHY="the pipeline did not load"
        return 1
    fi
    return 0
}

nicflow_results() { # CFG REP
    nf_appctl dpctl/offload-stats-show >"$W/nf-stats.txt" 2>&1
    awk -v rep="$2" '
        $1 == "Total" && /Insert latency mean/ { printf "R nicflow %s own_mean_ms %s\n", rep, $NF }
        $1 == "Total" && /Insert latency p50/ { printf "R nicflow %s own_p50_ms %s\n", rep, $NF }
        $1 == "Total" && /Insert latency p99/ { printf "R nicflow %s own_p99_ms %s\n", rep, $NF }' \
        "$W/nf-stats.txt"
    grep -E '^ *Total ' "$W/nf-stats.txt" | indent
    nf_appctl upcall/show 2>&1 | head -n 8 | indent
    say "nicflow: warnings and errors in nicflowd.log:"
    grep -E '\|(WARN|ERR|EMER)\|' "$N/nicflowd.log" | tail -n 10 | indent
}

stop_nicflow() {
    [ -d "$N" ] || return 0
    # nicflowd removes the receive macvlans it put on its ports when it
    # exits (a killed one leaves them, and they keep the ports busy).
    pid=$(nicflow_pid)
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        wait_gone "$pid" 120
    fi
    [ -f "$N/nicflow-dbd.pid" ] && kill "$(cat "$N/nicflow-dbd.pid")" 2>/dev/null
    sleep 0.5
    for p in nicflowd nicflow-dbd; do
        [ -f "$N/$p.pid" ] && kill -9 "$(cat "$N/$p.pid")" 2>/dev/null
    done
    # A kernel datapath outlives nicflowd (by design): the next switch
    # starts without it.
    ovs-dpctl del-dp ovs-system 2>/dev/null
    rm -rf "$N"
    :
}

# ---------------------------------------------------------------- analysis
# firsts MONFILE DEV: "SPORT SECONDS" for the first filter added on DEV's
# ingress for each UDP source port, and "MARK PREF SECONDS" for each
# marker, in the monitor's order (which is time order).  Times are
# seconds since midnight: the monitor prints "[YYYY-MM-DDTHH:MM:SS.uuuuuu]";
# callers undo a wrap past midnight.
firsts() {
    awk -v dev="$2" '
    function tod(s,   t) {
        sub(/^\[/, "", s); sub(/\]$/, "", s); sub(/^.*T/, "", s)
        split(s, t, ":")
        return t[1] * 3600 + t[2] * 60 + t[3]
    }
    / (added|replaced) filter dev / {
        cur = ""
        if ($0 ~ (" (added|replaced) filter dev " dev " ingress ")) cur = tod($1)
        if ($0 ~ / added filter dev mk0 ingress /) {
            for (i = 1; i <= NF; i++)
                if ($i == "pref") printf "MARK %s %.6f\n", $(i + 1), tod($1)
        }
        next
    }
    /^\[/ { cur = ""; next }
    cur != "" && $1 == "src_port" {
        if (!($2 in seen)) { seen[$2] = 1; printf "%s %.6f\n", $2, cur }
        cur = ""
    }' "$1"
}

# ---------------------------------------------------------------- runs
# lat_run CFG REP MONFILE: the latency phase on pc.
lat_run() {
    cfg=$1 rep=$2 mon=$3
    if ! command -v tcpdump >/dev/null; then
        missing "$cfg latency: tcpdump is not in the guest (not installed on the host?)"
        return 0
    fi
    pps=$((64 / OFFLOAD_LAT_GAP))
    [ "$pps" -ge 1 ] || pps=1
    # One round: bursts at 0, 64/pps, ... s; it stops before the tuples
    # would come round again.
    secs=$(awk -v n="$OFFLOAD_LAT_N" -v p="$pps" 'BEGIN {printf "%.3f", (n - 32) / p}')
    tcpdump -i pc -n -s 64 -U -Z root -w "$W/lat.pcap" -c "$OFFLOAD_LAT_N" udp \
        2>"$W/tcpdump.err" &
    DUMP_PID=$!
    for _ in $(seq 100); do
        grep -q 'listening on' "$W/tcpdump.err" && break
        sleep 0.1
    done
    "$IP" netns exec ofc "$FLOOD" vc "$OFFLOAD_LAT_N" "$pps" "$secs" 2>>"$W/flood.log"
    # The last burst's filters.
    for _ in $(seq 100); do
        [ "$(added pc "$mon")" -ge "$OFFLOAD_LAT_N" ] && break
        sleep 0.1
    done
    sleep 1
    kill "$DUMP_PID" 2>/dev/null
    wait "$DUMP_PID" 2>/dev/null
    DUMP_PID=
    # "DATE HH:MM:SS.uuuuuu IP 10.88.0.3.SPORT > ...": each source port's
    # first frame.
    tcpdump -r "$W/lat.pcap" -Z root -n -tttt 2>/dev/null | awk '
        { n = split($4, a, "."); p = a[n]
          if (!(p in seen)) { seen[p] = 1; split($2, t, ":")
                              printf "%s %.6f\n", p, t[1] * 3600 + t[2] * 60 + t[3] } }' \
        >"$W/lat-first.txt"
    firsts "$mon" pc | grep -v '^MARK' >"$W/lat-filter.txt"
    awk 'FILENAME ~ /first/ { sent[$1] = $2; next }
        ($1 in sent) {
            d = $2 - sent[$1]; if (d < -43200) d += 86400
            printf "%.3f\n", d * 1000
        }' "$W/lat-first.txt" "$W/lat-filter.txt" | sort -g >"$W/lat-ms.txt"
    result "$cfg" "$rep" lat_frames "$(grep -c . "$W/lat-first.txt")"
    result "$cfg" "$rep" lat_filters "$(grep -c . "$W/lat-ms.txt")"
    awk -v cfg="$cfg" -v rep="$rep" '
        { v[NR] = $1; s += $1 }
        END {
            if (!NR) exit
            printf "R %s %s lat_p50_ms %.2f\n", cfg, rep, v[int((NR - 1) * 0.50) + 1]
            printf "R %s %s lat_p99_ms %.2f\n", cfg, rep, v[int((NR - 1) * 0.99) + 1]
            printf "R %s %s lat_mean_ms %.2f\n", cfg, rep, s / NR
            printf "R %s %s lat_max_ms %.2f\n", cfg, rep, v[NR]
        }' "$W/lat-ms.txt"
}

# rate_run CFG REP MONFILE: OFFLOAD_N tuples from ofa, filters on pa.
rate_run() {
    cfg=$1 rep=$2 mon=$3
    pid=$("${cfg}_pid")
    c0=$(cpu_ticks "$pid")
    mc0=$(cpu_ticks "$MON_PID")
    mark
    start_mark=$MARK
    "$IP" netns exec ofa "$FLOOD" va "$OFFLOAD_N" "$OFFLOAD_PPS" \
        $((OFFLOAD_TIMEOUT + 10)) 2>>"$W/flood.log" &
    FLOOD_PID=$!
    t0=$(awk '{print int($1)}' /proc/uptime)
    next=30
    ADD_OFF=0
    ADD_N=0
    while :; do
        sleep 1
        added_more pa "$mon"
        c=$ADD_N
        [ "$c" -ge "$OFFLOAD_N" ] && break
        t=$(($(awk '{print int($1)}' /proc/uptime) - t0))
        if [ "$t" -ge "$OFFLOAD_TIMEOUT" ]; then
            say "$cfg: time-out: $c filters added on pa after $t s"
            break
        fi
        if [ "$t" -ge "$next" ]; then
            say "$cfg: $t s: $c filters added on pa"
            next=$((next + 30))
        fi
    done
    mark
    end_mark=$MARK
    perf_halt
    kill "$FLOOD_PID" 2>/dev/null
    wait "$FLOOD_PID" 2>/dev/null
    FLOOD_PID=
    c1=$(cpu_ticks "$pid")
    mc1=$(cpu_ticks "$MON_PID")
    result "$cfg" "$rep" switch_cpu_s "$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" \
        'BEGIN {printf "%.2f", (b - a) / hz}')"
    result "$cfg" "$rep" rate_monitor_cpu_s "$(awk -v a="$mc0" -v b="$mc1" \
        -v hz="$HZ" 'BEGIN {printf "%.2f", (b - a) / hz}')"
    sleep 1
    tail -n 1 "$W/flood.log" | sed 's/^/# /'
    result "$cfg" "$rep" filters_in_tc "$("$TC" filter show dev pa ingress | grep -c 'cookie ')"
    # The figures; t_10 ... t_100: seconds until 10 % ... 100 % of the
    # tuples had their filter (does the rate hold as the table grows?).
    # Short of N: the rate of those that made it, marked partial.
    firsts "$mon" pa | awk -v cfg="$cfg" -v rep="$rep" -v n="$OFFLOAD_N" \
        -v m="$start_mark" -v em="$end_mark" '
        $1 == "MARK" { if ($2 == m) t0 = $3; if ($2 == em) t1 = $3; next }
        { t[++k] = $2 }
        END {
            print "R", cfg, rep, "tuples_added", k + 0
            if (t0 == "" || !k) exit
            n90 = int(n * 0.9)
            for (i = 1; i <= k; i++) {
                d = t[i] - t0; if (d < -43200) d += 86400
                if (i == n90) d90 = d
                if (i == n) dn = d
                if (i % int(n / 10) == 0 && i <= n)
                    printf "R %s %s t_%d %.3f\n", cfg, rep, i * 100 / n, d
            }
            if (d90 > 0) printf "R %s %s rate90 %.1f\n", cfg, rep, n90 / d90
            if (dn > 0) {
                printf "R %s %s rate_s %.3f\n", cfg, rep, dn
                printf "R %s %s rate %.1f\n", cfg, rep, n / dn
            } else if (t1 != "") {
                # Over the whole run: the tuples in by the end marker.
                de = t1 - t0; if (de < -43200) de += 86400
                for (i = 1; i <= k; i++) {
                    d = t[i] - t0; if (d < -43200) d += 86400
                    if (d <= de) k1++
                }
                printf "R %s %s rate_partial %d\n", cfg, rep, k1
                printf "R %s %s rate_s %.3f\n", cfg, rep, de
                if (de > 0) printf "R %s %s rate %.1f\n", cfg, rep, k1 / de
            }
        }'
}

# kdp_rate_run CFG REP: the kernel datapath benchmark (OFFLOAD_DP=system):
# OFFLOAD_N tuples from ofa as in rate_run, each its own megaflow, with no
# hardware offload: N / seconds from just before the first frame until
# the kernel datapath holds N flows (its flow count, read every 0.2 s
# with nicflow-dpctl, which opens the datapath without changing it:
# ovs-dpctl would switch its upcall dispatch).  kdp_rate90: up to 90 %.
kdp_rate_run() {
    cfg=$1 rep=$2
    pid=$("${cfg}_pid")
    c0=$(cpu_ticks "$pid")
    f0=$(minflt "$pid")
    thread_ticks "$pid" >"$W/tt0"
    n90=$((OFFLOAD_N * 9 / 10))
    t90=
    flows() {
        "$B/nicflow-dpctl" show system@ovs-system 2>/dev/null |
            sed -n 's/^ *flows: *\([0-9]*\).*/\1/p' | head -n 1
    }
    t0=$(cut -d' ' -f1 /proc/uptime)
    "$IP" netns exec ofa "$FLOOD" va "$OFFLOAD_N" "$OFFLOAD_PPS" \
        $((OFFLOAD_TIMEOUT + 10)) 2>>"$W/flood.log" &
    FLOOD_PID=$!
    while :; do
        sleep 0.2
        c=$(flows)
        t=$(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" \
            'BEGIN {printf "%.2f", b - a}')
        [ -z "$t90" ] && [ "${c:-0}" -ge "$n90" ] && t90=$t
        [ "${c:-0}" -ge "$OFFLOAD_N" ] && break
        if awk -v t="$t" -v m="$OFFLOAD_TIMEOUT" 'BEGIN {exit !(t >= m)}'; then
            say "$cfg: time-out: ${c:-0} kernel flows after $t s"
            result "$cfg" "$rep" kdp_partial "${c:-0}"
            break
        fi
    done
    perf_halt
    kill "$FLOOD_PID" 2>/dev/null
    wait "$FLOOD_PID" 2>/dev/null
    FLOOD_PID=
    c1=$(cpu_ticks "$pid")
    thread_ticks "$pid" >"$W/tt1"
    result "$cfg" "$rep" switch_cpu_s "$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" \
        'BEGIN {printf "%.2f", (b - a) / hz}')"
    result "$cfg" "$rep" switch_minflt $(($(minflt "$pid") - f0))
    say "$cfg: CPU by thread: $(thread_cpu "$W/tt0" "$W/tt1")"
    rm -f "$W/tt0" "$W/tt1"
    result "$cfg" "$rep" kdp_flows "${c:-0}"
    result "$cfg" "$rep" kdp_s "$t"
    result "$cfg" "$rep" kdp_rate "$(awk -v n="${c:-0}" -v t="$t" \
        'BEGIN {printf "%.1f", (t > 0 ? n / t : 0)}')"
    [ -n "$t90" ] && result "$cfg" "$rep" kdp_rate90 "$(awk -v n="$n90" \
        -v t="$t90" 'BEGIN {printf "%.1f", (t > 0 ? n / t : 0)}')"
    lost=$("$B/nicflow-dpctl" show system@ovs-system 2>/dev/null |
        sed -n 's/.*lost:\([0-9]*\).*/\1/p' | head -n 1)
    result "$cfg" "$rep" upcalls_lost "${lost:-null}"
}

# kdp_counters CFG REP: how many misses the switch handled for the
# OFFLOAD_N flows it installed (kdp_upcalls: nicflowd's upcall_miss,
# Open vSwitch's upcall_ukey handling is counted differently, so its
# counters are only shown), and what its handler and revalidator did.
kdp_counters() {
    if [ "$1" = nicflow ]; then
        nf_appctl coverage/show >"$W/cov.txt" 2>&1
        pat='upcall_|revalidate_slice|dpif_netlink_batch'
    else
        ovs_appctl coverage/show >"$W/cov.txt" 2>&1
        pat='upcall|handler_duplicate|dpif_flow_put|dpif_execute|revalidate|dumped_'
    fi
    grep -E "$pat" "$W/cov.txt" | indent
    [ "$1" = nicflow ] &&
        sed -n 's/^upcall_miss .*total: \([0-9]*\).*/R nicflow '"$2"' kdp_upcalls \1/p' \
            "$W/cov.txt"
    rm -f "$W/cov.txt"
}

# one CFG REP: a whole run of one switch.
one() {
    cfg=$1 rep=$2 mon=$W/mon-$1-$2.txt
    START_WHY=
    say "rep $rep: $cfg (uptime $(uptime_s) s)"
    ports_clean || { missing "$cfg: ports not clean before its run"; return 1; }
    tc_clean || { missing "$cfg: tc state not clean before its run"; return 1; }
    mon_start "$mon" || { missing "$cfg filter monitor failed"; return 1; }
    m0=$(cpu_ticks "$MON_PID")
    if ! "start_$cfg"; then
        missing "$cfg failed to start: $START_WHY"
        mon_stop
        "stop_$cfg"
        tc_clean
        return 1
    fi
    if [ "$OFFLOAD_DP" = system ]; then
        perf_start
        kdp_rate_run "$cfg" "$rep"
        perf_stop "$cfg" "$rep"
        kdp_counters "$cfg" "$rep"
    else
        lat_run "$cfg" "$rep" "$mon"
        perf_start
        rate_run "$cfg" "$rep" "$mon"
        perf_stop "$cfg" "$rep"
        "${cfg}_results" "$cfg" "$rep"
    fi
    result "$cfg" "$rep" monitor_cpu_s "$(awk -v a="$m0" -v b="$(cpu_ticks "$MON_PID")" \
        -v hz="$HZ" 'BEGIN {printf "%.2f", (b - a) / hz}')"
    mon_stop
    "stop_$cfg"
    ports_clean
    tc_clean
}

say "guest: $(uname -r), $(grep -c ^processor /proc/cpuinfo) vCPU," \
    "$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) MiB"
for r in $(seq "$OFFLOAD_REPS"); do
    order=$OFFLOAD_ONLY
    if [ $((r % 2)) = 0 ]; then
        order=$(echo "$OFFLOAD_ONLY" | awk '{for (i = NF; i; i--) printf "%s ", $i}')
    fi
    for cfg in $order; do
        one "$cfg" "$r"
    done
done
exit 0
