# tests/system/tunnel-lib.sh: the two-host tunnel topology (sourced, bash),
# shellcheck shell=bash
# shared by tests/system/t-tunnel.sh and tests/bench/tunnel.sh.
#
# Two "hosts", network namespaces hostA and hostB, joined by a veth pair,
# the underlay (hA-eth0 <-> hB-eth0, no addresses, MACs 02:00:00:00:00:0a
# and 02:00:00:00:00:0b).  In each host one switch, of either kind:
#
#   ovs       ovsdb-server + ovs-vswitchd 3.1 (--disable-system), configured
#             with ovs-vsctl / ovs-ofctl / ovs-appctl
#   nicflow   nicflow-dbd + nicflowd, configured with nicflow-vsctl /
#             nicflow-ofctl / nicflow-appctl
#
# each with a run directory of its own, the daemons started inside the
# host's namespace (ip netns exec).  The Open vSwitch user-space tunnel
# setup of the seed tutorial ("用VxLAN隧道连接虚拟机-用户态空间"): bridge
# br-phy (datapath_type=netdev, fail-mode standalone) holding the underlay
# veth, its internal port br-phy with the underlay address 172.31.0.1/24
# (hostA) or 172.31.0.2/24 (hostB); bridge br-int (the same) holding the
# tunnel port and one veth per "VM".  VMs are namespaces: vmA (10.10.0.1)
# and vmA2 (10.10.0.3) on hostA, vmB (10.10.0.2) and vmB2 (10.10.0.4) on
# hostB, eth0 MAC 50:54:00:00:00:0N, MTU 1400 (the encapsulation must fit
# the 1500 of the underlay), tx checksum offload off (Open vSwitch's
# user-space datapath stalls TCP without it).  Their host-side veth ends
# are vm1-p (vmA, vmB) and vm2-p (vmA2, vmB2).  IPv6 is off everywhere,
# so only the traffic a test makes crosses the switches.
#
# Everything created is registered and removed by tnl_cleanup (the caller
# runs it at exit: lib.sh's on_exit, or a trap): daemons by their pid,
# then whatever still runs in the namespaces (all of them this file's
# own), then the namespaces (their veths go with them).
#
# Usage:
#   tnl_init DIR PREFIX     scratch directory (exists), namespace prefix
#   tnl_topo                namespaces, veths, addresses
#   tnl_start A|B KIND      start the switch of host A or B
#   tnl_bridges A|B         br-int, br-phy, the underlay address
#   tnl_port_add A|B NAME TYPE KEY   tunnel port to the other host
#   tnl_vsctl/tnl_ofctl/tnl_appctl A|B ARGS...   that host's clients
#   tnl_stop A|B            stop that host's switch
#   tnl_cleanup             everything
set -u

TNL_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TNL_BIN=$TNL_TOP/${BUILD:-build}/bin
TNL_OVS_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
TNL_NF_SCHEMA=$TNL_TOP/ovsdb/vswitch.ovsschema
TNL_PY=/usr/bin/python3
[ -x "$TNL_PY" ] || TNL_PY=python3

declare -gA TNL_NS=()      # hostA hostB vmA vmA2 vmB vmB2 -> namespace
declare -gA TNL_KIND=()    # A B -> ovs | nicflow (running), "" (stopped)
declare -gA TNL_HDIR=()    # A B -> the switch's run/db/log directory
declare -gA TNL_VM_IP=([vmA]=10.10.0.1 [vmB]=10.10.0.2 [vmA2]=10.10.0.3
                       [vmB2]=10.10.0.4)
declare -gA TNL_VM_MAC=([vmA]=50:54:00:00:00:01 [vmB]=50:54:00:00:00:02
                        [vmA2]=50:54:00:00:00:03 [vmB2]=50:54:00:00:00:04)
declare -gA TNL_UL_IP=([A]=172.31.0.1 [B]=172.31.0.2)
declare -gA TNL_UL_MAC=([A]=02:00:00:00:00:0a [B]=02:00:00:00:00:0b)
TNL_DIR=
TNL_PREFIX=
_tnl_nslist=()

# tnl_init DIR PREFIX: DIR (an existing scratch directory, removed by the
# caller) holds the switches' directories; PREFIX starts every namespace
# name (make it unique: put $$ in it).
tnl_init() {
    TNL_DIR=$1 TNL_PREFIX=$2
}

# tnl_other A|B: the other host.
tnl_other() { [ "$1" = A ] && echo B || echo A; }

# tnl_host_ns A|B: the host's namespace.
tnl_host_ns() { echo "${TNL_NS[host$1]}"; }

_tnl_kill_ns_procs() {
    local p left _
    for p in $(ip netns pids "$1" 2>/dev/null); do kill "$p" 2>/dev/null; done
    for _ in $(seq 20); do
        left=$(ip netns pids "$1" 2>/dev/null)
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    for p in $left; do kill -9 "$p" 2>/dev/null; done
    sleep 0.1
}

# tnl_cleanup: stops both switches, ends what still runs in the
# namespaces, removes them.  Safe to call more than once.
tnl_cleanup() {
    local ns
    tnl_stop A
    tnl_stop B
    for ns in "${_tnl_nslist[@]}"; do _tnl_kill_ns_procs "$ns"; done
    for ns in "${_tnl_nslist[@]}"; do ip netns del "$ns" 2>/dev/null; done
    _tnl_nslist=()
}

_tnl_add_ns() {
    local ns=$TNL_PREFIX-$1
    ip netns add "$ns" || return 1
    _tnl_nslist+=("$ns")
    TNL_NS[$1]=$ns
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1 > /dev/null
    ip -n "$ns" link set lo up
}

# tnl_topo: the namespaces and links described at the top.
tnl_topo() {
    local h vm n
    for n in hostA hostB vmA vmA2 vmB vmB2; do
        _tnl_add_ns "$n" || return 1
    done
    ip link add hA-eth0 netns "${TNL_NS[hostA]}" address "${TNL_UL_MAC[A]}" \
        type veth peer name hB-eth0 netns "${TNL_NS[hostB]}" \
        address "${TNL_UL_MAC[B]}" || return 1
    # The hosts' own stacks must not answer ARP on the underlay veths
    # (they hold no address, but Linux answers for any local address on
    # any device): only br-phy, the internal port, speaks for the host.
    for h in A B; do
        ip netns exec "${TNL_NS[host$h]}" sysctl -qw \
            "net.ipv4.conf.h$h-eth0.arp_ignore=8" > /dev/null || return 1
        ip -n "${TNL_NS[host$h]}" link set "h$h-eth0" up || return 1
    done
    for vm in vmA vmA2 vmB vmB2; do
        h=host${vm:2:1}
        n=vm1-p
        [ "${vm:3:1}" = 2 ] && n=vm2-p
        ip link add eth0 netns "${TNL_NS[$vm]}" \
            address "${TNL_VM_MAC[$vm]}" mtu 1400 \
            type veth peer name "$n" netns "${TNL_NS[$h]}" || return 1
        ip -n "${TNL_NS[$vm]}" addr add "${TNL_VM_IP[$vm]}/24" dev eth0 \
            || return 1
        ip netns exec "${TNL_NS[$vm]}" ethtool -K eth0 tx off \
            > /dev/null 2>&1
        ip -n "${TNL_NS[$vm]}" link set eth0 up || return 1
        ip -n "${TNL_NS[$h]}" link set "$n" up || return 1
    done
}

# --- the switches ------------------------------------------------------

# tnl_start A|B KIND: starts the database server and the switch daemon of
# KIND (ovs or nicflow) for that host, daemons in the host's namespace,
# fresh database and directory $TNL_DIR/host{A,B}-KIND.
tnl_start() {
    local h=$1 kind=$2 ns d
    ns=$(tnl_host_ns "$h")
    d=$TNL_DIR/host$h-$kind
    rm -rf "$d"
    mkdir -p "$d" || return 1
    TNL_HDIR[$h]=$d
    TNL_KIND[$h]=$kind
    case $kind in
    ovs)
        ovsdb-tool create "$d/conf.db" "$TNL_OVS_SCHEMA" || return 1
        ip netns exec "$ns" env OVS_RUNDIR="$d" OVS_DBDIR="$d" \
            OVS_LOGDIR="$d" ovsdb-server "$d/conf.db" \
            --remote="punix:$d/db.sock" --unixctl="$d/db.ctl" \
            --pidfile="$d/db.pid" --log-file="$d/db.log" --detach \
            --no-chdir -vconsole:off || return 1
        ovs-vsctl --db="unix:$d/db.sock" --no-wait init || return 1
        ip netns exec "$ns" env OVS_RUNDIR="$d" OVS_DBDIR="$d" \
            OVS_LOGDIR="$d" ovs-vswitchd "unix:$d/db.sock" \
            --unixctl="$d/switch.ctl" --pidfile="$d/switch.pid" \
            --log-file="$d/switch.log" --detach --no-chdir \
            --disable-system -vconsole:off || return 1
        ;;
    nicflow)
        [ -x "$TNL_BIN/nicflowd" ] || { echo "$TNL_BIN/nicflowd not built"; return 1; }
        "$TNL_BIN/nicflow-dbtool" create "$d/conf.db" "$TNL_NF_SCHEMA" \
            || return 1
        ip netns exec "$ns" env NICFLOW_RUNDIR="$d" NICFLOW_DBDIR="$d" \
            NICFLOW_LOGDIR="$d" "$TNL_BIN/nicflow-dbd" "$d/conf.db" \
            --remote="punix:$d/db.sock" --detach --pidfile --log-file \
            -vconsole:off || return 1
        ln -sf nicflow-dbd.pid "$d/db.pid"
        tnl_vsctl "$h" --no-wait init || return 1
        ip netns exec "$ns" env NICFLOW_RUNDIR="$d" NICFLOW_DBDIR="$d" \
            NICFLOW_LOGDIR="$d" "$TNL_BIN/nicflowd" "unix:$d/db.sock" \
            --detach --pidfile --log-file -vconsole:off || return 1
        ln -sf nicflowd.pid "$d/switch.pid"
        ln -sf nicflowd.ctl "$d/switch.ctl"
        ln -sf nicflowd.log "$d/switch.log"
        ;;
    *) echo "unknown switch kind $kind"; return 1 ;;
    esac
}

# tnl_switch_pid A|B: the switch daemon's pid.
tnl_switch_pid() { cat "${TNL_HDIR[$1]}/switch.pid" 2>/dev/null; }

_tnl_stop_pid() {
    local pid=$1 _
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
}

# tnl_stop A|B: stops that host's switch daemon and database server.
tnl_stop() {
    local d=${TNL_HDIR[$1]:-}
    [ -n "$d" ] && [ -n "${TNL_KIND[$1]:-}" ] || return 0
    _tnl_stop_pid "$(cat "$d/switch.pid" 2>/dev/null)"
    _tnl_stop_pid "$(cat "$d/db.pid" 2>/dev/null)"
    TNL_KIND[$1]=
}

# The host's own clients, pointed at its directory.
tnl_vsctl() {
    local h=$1 d=${TNL_HDIR[$1]}
    shift
    if [ "${TNL_KIND[$h]}" = nicflow ]; then
        "$TNL_BIN/nicflow-vsctl" --db="unix:$d/db.sock" --timeout=20 "$@"
    else
        ovs-vsctl --db="unix:$d/db.sock" --timeout=20 "$@"
    fi
}
tnl_ofctl() {
    local h=$1 d=${TNL_HDIR[$1]}
    shift
    if [ "${TNL_KIND[$h]}" = nicflow ]; then
        NICFLOW_RUNDIR=$d "$TNL_BIN/nicflow-ofctl" "$@"
    else
        OVS_RUNDIR=$d ovs-ofctl "$@"
    fi
}
tnl_appctl() {
    local h=$1 d=${TNL_HDIR[$1]}
    shift
    if [ "${TNL_KIND[$h]}" = nicflow ]; then
        "$TNL_BIN/nicflow-appctl" -t "$d/switch.ctl" "$@"
    else
        ovs-appctl -t "$d/switch.ctl" "$@"
    fi
}

# tnl_bridges A|B: the seed's two bridges, the underlay veth in br-phy,
# the VMs' veths in br-int, and the underlay address on br-phy's internal
# port (brought up).
tnl_bridges() {
    local h=$1 ns _
    ns=$(tnl_host_ns "$h")
    tnl_vsctl "$h" --may-exist add-br br-int \
        -- set Bridge br-int datapath_type=netdev \
        -- br-set-external-id br-int bridge-id br-int \
        -- set bridge br-int fail-mode=standalone \
        -- add-port br-int vm1-p -- add-port br-int vm2-p || return 1
    tnl_vsctl "$h" --may-exist add-br br-phy \
        -- set Bridge br-phy datapath_type=netdev \
        -- br-set-external-id br-phy bridge-id br-phy \
        -- set bridge br-phy fail-mode=standalone \
        -- add-port br-phy "h$h-eth0" || return 1
    for _ in $(seq 50); do
        ip -n "$ns" link show br-phy > /dev/null 2>&1 && break
        sleep 0.1
    done
    ip -n "$ns" addr add "${TNL_UL_IP[$h]}/24" dev br-phy || return 1
    ip -n "$ns" link set br-phy up || return 1
}

# tnl_port_add A|B NAME TYPE KEY: tunnel port NAME of TYPE (vxlan, gre,
# geneve) in br-int towards the other host's underlay address, options:key
# KEY (a number or "flow").
tnl_port_add() {
    local h=$1 name=$2 type=$3 key=$4
    tnl_vsctl "$h" add-port br-int "$name" \
        -- set interface "$name" type="$type" \
        options:remote_ip="${TNL_UL_IP[$(tnl_other "$h")]}" \
        options:key="$key"
}
tnl_port_del() { tnl_vsctl "$1" --if-exists del-port br-int "$2"; }

# tnl_ofport A|B IFACE: IFACE's OpenFlow port number.
tnl_ofport() { tnl_vsctl "$1" get Interface "$2" ofport; }

# tnl_ping VM IP [COUNT]: COUNT (1) pings from VM's namespace, 1 s wait.
tnl_ping() {
    ip netns exec "${TNL_NS[$1]}" ping -q -c "${3:-1}" -i 0.2 -W 1 "$2" \
        > /dev/null 2>&1
}

# tnl_wait_ping VM IP SECONDS: VM reaches IP within SECONDS.
tnl_wait_ping() {
    local end=$((SECONDS + $3))
    while [ "$SECONDS" -lt "$end" ]; do
        tnl_ping "$1" "$2" && return 0
    done
    return 1
}

# tnl_reset_host A|B: removes the devices a stopped switch left in the
# host's namespace (its taps: br-int, br-phy, ovs-netdev...), keeping the
# topology's own (lo, the underlay veth, vm1-p, vm2-p), so that another
# switch can start there afresh.
tnl_reset_host() {
    local h=$1 ns dev
    ns=$(tnl_host_ns "$h")
    for dev in $(ip -n "$ns" -o link show | awk -F': ' '{print $2}' \
                 | sed 's/@.*//'); do
        case $dev in lo|"h$h-eth0"|vm1-p|vm2-p) ;;
        *) ip -n "$ns" link del "$dev" 2>/dev/null ;;
        esac
    done
}

# --- the seed's appctl commands: snapshots and their comparison ----------
#
# tnl_snapshot A|B DIR: runs the seed's commands against that host's
# switch and writes each reply to DIR (route.txt: ovs/route/show,
# lookup.txt: ovs/route/lookup 172.31.0.2, arp.txt: tnl/arp/show,
# ports.txt: tnl/ports/show, egress.txt: tnl/egress_port_range,
# dpif-show.txt: dpif/show, flows-br-int.txt / flows-br-phy.txt:
# dpif/dump-flows BRIDGE; each reply
# followed by a line "rc=N"), plus macs.txt: the MACs of both hosts'
# br-int and br-phy internal ports and host-side VM veths with a label
# each, for tnl_normalise.
TNL_SNAP_CMDS="route.txt:ovs/route/show lookup.txt:ovs/route/lookup+172.31.0.2
arp.txt:tnl/arp/show ports.txt:tnl/ports/show
egress.txt:tnl/egress_port_range dpif-show.txt:dpif/show
flows-br-int.txt:dpif/dump-flows+br-int flows-br-phy.txt:dpif/dump-flows+br-phy"
tnl_snapshot() {
    local h=$1 dir=$2 f c x dev mac rc
    mkdir -p "$dir" || return 1
    for x in $TNL_SNAP_CMDS; do
        f=${x%%:*} c=${x#*:}
        # shellcheck disable=SC2086
        tnl_appctl "$h" ${c//+/ } > "$dir/$f.raw" 2>&1
        rc=$?
        # The control socket's path, in error messages, differs by run.
        sed "s|${TNL_HDIR[$h]}/switch.ctl|CTL|g" "$dir/$f.raw" > "$dir/$f"
        rm -f "$dir/$f.raw"
        echo "rc=$rc" >> "$dir/$f"
    done
    : > "$dir/macs.txt"
    for x in A B; do
        for dev in br-int br-phy vm1-p vm2-p; do
            mac=$(ip -n "$(tnl_host_ns "$x")" -br link show "$dev" 2>/dev/null \
                  | awk '{print $3}')
            [ -n "$mac" ] && echo "$mac <$dev@host$x>" >> "$dir/macs.txt"
        done
    done
    return 0
}

# tnl_normalise FILE DIR: FILE (one of tnl_snapshot's, from DIR) with
# what legitimately differs between two switches, or two runs, replaced:
# counters (hit/missed, packets, bytes, used, TCP flags), OpenFlow and
# datapath port numbers (dump-flows' datapath numbers become the port
# names dpif/show and tnl/ports/show give them), recirculation ids, MACs
# (a host's br-int/br-phy/vm-port MAC becomes its label from macs.txt;
# the test's fixed MACs stay; any other becomes <mac>), the client's
# name in error messages ("ovs-appctl:", "nicflow-appctl:"; tnl_snapshot
# already wrote the control socket's path as CTL); what comes in the
# order of a hash table is sorted: the lines of dump-flows, tnl/arp/show
# and tnl/ports/show, and each run of plain outputs in a flow's actions
# (a flood).  Nothing else: the field order, the masks and the actions of
# the datapath flows count.  Output on stdout.
tnl_normalise() {
    "$TNL_PY" - "$1" "$2" <<'PY'
import re, sys
path, ctx = sys.argv[1], sys.argv[2]
name = path.rsplit("/", 1)[-1]

def lines(f):
    try:
        return open(ctx + "/" + f).read().splitlines()
    except OSError:
        return []

ports = {}
for l in lines("dpif-show.txt"):
    m = re.match(r"\s+(\S+) (\d+)/(\d+):", l)
    if m:
        ports[m.group(3)] = m.group(1)
for l in lines("ports.txt"):
    m = re.match(r"(\S+) \((\d+)\)", l)
    if m:
        ports[m.group(2)] = m.group(1)
labels = {}
for l in lines("macs.txt"):
    mac, label = l.split()
    labels.setdefault(mac.lower(), label)

def mac(m):
    v = m.group(0).lower()
    if v in labels:
        return labels[v]
    if (v.startswith("50:54:00:") or v.startswith("02:00:00:00:00:")
            or v in ("ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00")):
        return v
    return "<mac>"

text = open(path).read()
text = re.sub(r"(?m)^(ovs|nicflow)-appctl:", "appctl:", text)
text = re.sub(r"(?<![0-9a-fA-F:])[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}(?![0-9a-fA-F:])",
              mac, text)
out = text.splitlines()

def port(n):
    return ports.get(n, "P" + n)

def actions(a):
    # Top-level comma-separated actions: a bare number is an output port.
    toks, depth, cur = [], 0, ""
    for ch in a:
        if ch == "," and depth == 0:
            toks.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    toks.append(cur)
    # tnl_push(...,out_port(BRIDGE)),PORT is tnl_push(...,out_port(PORT)).
    merged, i = [], 0
    while i < len(toks):
        t = toks[i]
        m = re.match(r"(tnl_push\(.*,out_port\()([^()]+)\)\)$", t)
        if (m and m.group(2) in bridges and i + 1 < len(toks)
                and toks[i + 1].isdigit()):
            merged.append(m.group(1) + port(toks[i + 1]) + "))")
            i += 2
            continue
        merged.append(t)
        i += 1
    toks = merged
    # A flood's outputs come in the order of a hash table (or of port
    # numbers): when every action is an output or a tnl_push (no rewrite
    # between them) their order means nothing and all are sorted;
    # otherwise each run of plain outputs is.
    if all(t.isdigit() or t.startswith("tnl_push(") for t in toks):
        return ",".join(sorted(port(t) if t.isdigit() else t for t in toks))
    res, run = [], []
    for t in toks + [None]:
        if t is not None and t.isdigit():
            run.append(port(t))
            continue
        res += sorted(run)
        run = []
        if t is not None:
            res.append(t)
    return ",".join(res)

bridges = {v for v in ports.values() if v.startswith("br-")}

def spelling(l):
    # How the two switches spell the same datapath flow differently (the
    # information is the same; each difference is nicflow's on purpose):
    # - nicflow's userspace datapath carries Ethernet frames only, so its
    #   keys have no packet_type(ns=0,id=0);
    # - Open vSwitch's key puts tunnel() before recirc_id() and masks all
    #   the tunnel flags (-df-csum+key) and an empty geneve() where
    #   nicflow's tunnel vports match the key's presence only;
    # - Open vSwitch's megaflows also match the fragment bits of every IP
    #   packet and the ECN bits of one going into a tunnel
    #   (ipv4(tos=0/0x3,frag=no)); nicflow's do not need them, so one of
    #   its flows covers those packets with the same actions;
    # - Open vSwitch's tnl_push names the underlay bridge's own port and
    #   outputs separately (tnl_push(...,out_port(br-phy)),hA-eth0);
    #   nicflow's sends to the underlay port itself
    #   (tnl_push(...,out_port(hA-eth0))).
    l = l.replace("packet_type(ns=0,id=0),", "")
    m = re.search(r"tunnel\(((?:[^()]|\([^()]*\))*)\),", l)
    if m:
        t = re.sub(r"flags\([^)]*\)", "flags(F)", m.group(1))
        t = t.replace("geneve(),", "")
        l = "tunnel(%s),%s" % (t, l[:m.start()] + l[m.end():])
    l = l.replace(",ipv4(tos=0/0x3,frag=no)", "")
    l = l.replace(",ipv4(frag=no)", "")
    return l

if name.startswith("flows-"):
    res = []
    for l in out:
        if l.startswith("rc="):
            continue
        l = spelling(l)
        l = re.sub(r"packets:\d+", "packets:N", l)
        l = re.sub(r"bytes:\d+", "bytes:N", l)
        l = re.sub(r"used:[0-9.]+s|used:never", "used:T", l)
        l = re.sub(r", flags:[^,]*", "", l)
        l = re.sub(r"recirc_id\(0x[0-9a-f]+\)", "recirc_id(R)", l)
        l = re.sub(r"recirc\(0x[0-9a-f]+\)", "recirc(R)", l)
        l = re.sub(r"(in_port|tnl_port|out_port|tnl_pop)\((\d+)\)",
                   lambda m: "%s(%s)" % (m.group(1), port(m.group(2))), l)
        m = re.match(r"(.*actions:)(.*)$", l)
        if m:
            l = m.group(1) + actions(m.group(2))
        res.append(l)
    out = sorted(res) + [x for x in out if x.startswith("rc=")]
elif name == "dpif-show.txt":
    out = [re.sub(r"hit:\d+ missed:\d+", "hit:N missed:N", l) for l in out]
    out = [re.sub(r"^(\s+\S+) (\d+)/(\d+):",
                  lambda m: "%s %s/P:" % (m.group(1), "65534" if m.group(2) == "65534" else "P"),
                  l) for l in out]
elif name == "ports.txt":
    out = [re.sub(r"^(\S+) \(\d+\)", r"\1 (P)", l) for l in out]
    head = [l for l in out if not re.match(r"\S+ \(P\)", l)]
    out = head[:1] + sorted(l for l in out if re.match(r"\S+ \(P\)", l)) + head[1:]
elif name == "arp.txt":
    body = [l for l in out[2:] if not l.startswith("rc=")]
    out = out[:2] + sorted(body) + [l for l in out if l.startswith("rc=")]
print("\n".join(out))
PY
}

# tnl_compare_file FILE REFDIR DIR: prints nothing and succeeds when
# DIR/FILE and REFDIR/FILE are the same once normalised (each with its
# own directory's context); else prints the difference ("ref" lines from
# REFDIR, "got" lines from DIR) and fails.
tnl_compare_file() {
    local f=$1 ref=$2 got=$3 a b
    a=$(tnl_normalise "$ref/$f" "$ref")
    b=$(tnl_normalise "$got/$f" "$got")
    [ "$a" = "$b" ] && return 0
    diff <(echo "$a") <(echo "$b") | sed -n 's/^</ref:/p; s/^>/got:/p'
    return 1
}

# cap_start NAME NS IFACE FILTER...: tcpdump in NS on IFACE into
# $NF_TMP/NAME.pcap, returned once it listens; its pid in CAP_PID[NAME].
declare -A CAP_PID
cap_start() {
    local name=$1 n=$2 ifc=$3
    shift 3
    rm -f "$NF_TMP/$name.pcap" "$NF_TMP/$name.err"
    ip netns exec "$n" tcpdump --immediate-mode -U -n -i "$ifc" -w "$NF_TMP/$name.pcap" "$@" \
        2> "$NF_TMP/$name.err" &
    CAP_PID[$name]=$!
    for _ in $(seq 50); do
        grep -q 'listening on' "$NF_TMP/$name.err" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}
# cap_stop NAME [FLAGS...]: stops it; the decoded capture, one line per
# packet (continuation lines joined), is in $NF_TMP/NAME.txt, decoded by
# tcpdump with FLAGS (default -e -v).
cap_stop() {
    local name=$1
    shift
    [ $# -gt 0 ] || set -- -e -v
    sleep 0.2
    kill -INT "${CAP_PID[$name]}" 2>/dev/null
    wait "${CAP_PID[$name]}" 2>/dev/null
    tcpdump -n "$@" -r "$NF_TMP/$name.pcap" 2>/dev/null \
        | awk '/^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]+ / {if (r != "") print r; r = $0; next}
               {sub(/^[ \t]+/, ""); r = r " " $0}
               END {if (r != "") print r}' > "$NF_TMP/$name.txt"
}

# tnl_dump_logs: after a failure, the end of every switch's log of the
# topology (lib.sh's own dump only looks in NICFLOW_LOGDIR); for on_exit.
tnl_dump_logs() {
    [ "$NF_FAILED" = 0 ] && return 0
    local f
    for f in "$NF_TMP"/host*/*.log; do
        [ -e "$f" ] && [ ! -L "$f" ] || continue
        echo "# --- last lines of ${f#"$NF_TMP"/} ---"
        tail -n 25 "$f" | sed 's/^/# /'
    done >&"$NF_STDOUT"
}
