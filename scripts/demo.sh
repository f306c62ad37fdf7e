#!/bin/bash
# make demo: the tutorials' VLAN isolation lab, forwarded by nicflow.
#
# Two "hosts" are two bridges, br0 and br1, joined by a trunk link (a veth
# pair); four "VMs" are network namespaces on access ports: vm1 and vm3 in
# VLAN 100, vm2 and vm4 in VLAN 200.  nicflow-dbd holds the configuration,
# nicflow-vsctl writes it, nicflowd forwards on its userspace datapath
# (NORMAL: MAC learning with VLANs).  Same-VLAN pings cross the trunk,
# cross-VLAN pings do not; the datapath flows and the learning tables show
# why.  Then the same lab runs on the simulated eswitch under a real
# device's profile, and shows which flows went to hardware and each port's
# hardware/software packet split.  Everything it creates — namespaces, links, daemons, files — is
# removed on exit, Ctrl-C included.  Needs root (namespaces).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/${BUILD:-build}/bin
if [ "$(id -u)" != 0 ]; then
    echo "make demo creates network namespaces: run it as root" >&2
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nicflow-demo.XXXXXX")
export NICFLOW_RUNDIR=$tmp/run NICFLOW_LOGDIR=$tmp/log NICFLOW_DBDIR=$tmp/db
sw=nfdemo-sw-$$
vms="1 2 3 4"

cleanup() {
    trap - EXIT INT TERM
    for p in nicflowd nicflow-dbd; do
        if [ -f "$NICFLOW_RUNDIR/$p.pid" ]; then
            kill "$(cat "$NICFLOW_RUNDIR/$p.pid")" 2>/dev/null || true
        fi
    done
    sleep 0.3
    for vm in $vms; do
        ip netns del "nfdemo-vm$vm-$$" 2>/dev/null || true
    done
    ip netns del "$sw" 2>/dev/null || true
    rm -rf "$tmp"
    echo "demo: cleaned up"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
vsctl() { step "$bin/nicflow-vsctl" --db="unix:$NICFLOW_RUNDIR/db.sock" "$@"; }
appctl() { step "$bin/nicflow-appctl" -t nicflowd "$@"; }
ping_vm() {
    local from=$1 to=$2 want=$3
    printf '\n\033[1m$ vm%s: ping 10.0.0.%s\033[0m  (VLAN %s -> VLAN %s, %s)\n' \
        "$from" "$to" "$(vlan "$from")" "$(vlan "$to")" "$want"
    # The answer is ping's status, not the indenting sed's.
    local rc=0
    ip netns exec "nfdemo-vm$from-$$" ping -c 2 -i 0.2 -W 1 "10.0.0.$to" \
        | sed 's/^/  /' || true
    rc=${PIPESTATUS[0]}
    if [ "$rc" = 0 ]; then
        echo "  => reachable"
    else
        echo "  => unreachable"
    fi
}
vlan() { case $1 in 1 | 3) echo 100 ;; *) echo 200 ;; esac; }

echo "nicflow demo: run directory $NICFLOW_RUNDIR"
mkdir -p "$NICFLOW_RUNDIR" "$NICFLOW_DBDIR" "$NICFLOW_LOGDIR"

# The wiring: a switch namespace holding both bridges' ports, one
# namespace per VM.
ip netns add "$sw"
ip -n "$sw" link set lo up
for vm in $vms; do
    ns=nfdemo-vm$vm-$$
    ip netns add "$ns"
    ip link add eth0 netns "$ns" type veth peer name "vm${vm}p" netns "$sw"
    ip -n "$ns" addr add "10.0.0.$vm/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip -n "$sw" link set "vm${vm}p" up
done
ip -n "$sw" link add trunk0 type veth peer name trunk1
ip -n "$sw" link set trunk0 up
ip -n "$sw" link set trunk1 up

step "$bin/nicflow-dbtool" create
step "$bin/nicflow-dbd" --remote="punix:$NICFLOW_RUNDIR/db.sock" --detach \
    --pidfile --log-file
step ip netns exec "$sw" "$bin/nicflowd" --detach --pidfile --log-file

vsctl add-br br0 -- set Bridge br0 datapath_type=netdev
vsctl add-br br1 -- set Bridge br1 datapath_type=netdev
vsctl add-port br0 trunk0 -- add-port br1 trunk1
vsctl add-port br0 vm1p tag=100 -- add-port br0 vm2p tag=200
vsctl add-port br1 vm3p tag=100 -- add-port br1 vm4p tag=200
vsctl show

ping_vm 1 3 "same VLAN: should work"
ping_vm 2 4 "same VLAN: should work"
ping_vm 1 2 "different VLANs: should fail"
ping_vm 1 4 "different VLANs: should fail"

appctl dpctl/dump-flows
appctl fdb/show br0
appctl fdb/show br1
appctl ofproto/trace br0 \
    "in_port=$("$bin/nicflow-vsctl" --db="unix:$NICFLOW_RUNDIR/db.sock" get Interface vm1p ofport),dl_src=00:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff"

# Part two: the same lab on the simulated eswitch (offload/hal-sim), a
# HAL plugin that owns the wire of all six ports and forwards what its
# tables hold under a real device's profile, here NVIDIA ConnectX-6 Dx.
# The first packets of each conversation miss into nicflowd's softpath,
# which offloads the flows; the rest never reach the software.
sim=$top/${BUILD:-build}/lib/nicflow-hal-sim.so
profile=${NICFLOW_DEMO_PROFILE:-mlx5-connectx6dx}
if [ -e "$sim" ]; then
    printf '\n\033[1m== the same lab on the simulated eswitch (profile %s) ==\033[0m\n' \
        "$profile"
    vsctl set Open_vSwitch . other_config:hw-offload=true \
        other_config:hw-offload-priority=hal "other_config:hal-plugin=$sim" \
        "other_config:hal-args=\"profile=$profile ports=vm1p,vm2p,vm3p,vm4p,trunk0,trunk1\""
    sleep 1
    ping_vm 1 3 "same VLAN: should work"
    ping_vm 2 4 "same VLAN: should work"
    printf '\n\033[1m$ vm1: ping -c 200 -i 0.01 10.0.0.3\033[0m\n'
    ip netns exec "nfdemo-vm1-$$" ping -q -c 200 -i 0.01 -W 1 10.0.0.3 \
        | sed 's/^/  /'
    echo
    echo "Which flows went to hardware (offloaded:yes, dp:hal) and which"
    echo "stayed in software, with the reason:"
    appctl dpctl/dump-flows -m
    echo
    echo "Each port's split: packets in, forwarded by the device's tables"
    echo "(hardware), handed to nicflowd's softpath (to host):"
    appctl hal/show
else
    echo
    echo "(the simulated eswitch $sim is not built: part two skipped)"
fi
echo
echo "demo finished."
