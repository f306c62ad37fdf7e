#!/bin/sh
# tests/vm/t-nicflowd-system.sh - guest script (busybox sh) for lab.sh.
#
# nicflowd on the kernel datapath (datapath_type=system, openvswitch.ko)
# in the seed scenarios: a bridge of veth ports into namespaces switching
# with NORMAL, VLAN isolation with access ports, two bridges joined by
# patch ports, OpenFlow flows that drop and forward (seed 003's kind);
# the real ovs-dpctl 3.1 reads the datapath, ports and flows nicflowd made;
# an empty datapath_type picks the kernel's here; nicflowd killed, the
# kernel keeps forwarding; restarted, it adopts the datapath and its ports
# (no duplicates); hw-offload=true with TC in front: offloadable flows
# dp:tc, a controller flow dp:kernel with its reason, traffic either way;
# "exit --cleanup" removes the datapath.
#
# vm-files: ovsdb/vswitch.ovsschema
# vm-programs: /usr/bin/ovs-dpctl
# shellcheck disable=SC2317
set -u

IP=/sbin/ip
B=/nicflow/bin
OVS_DPCTL_BIN=/nicflow/bin/ovs-dpctl
# ovs-dpctl 3.1 changes the datapath's upcall dispatch when it opens it
# (misses then go where nobody listens and the kernel counts them lost);
# nicflowd notices the lost upcalls and sets its dispatch again within a
# revalidation interval (500 ms): each use is followed by a second's wait
# so that the next step does not start inside that window.
ovs_dpctl() { "$OVS_DPCTL_BIN" "$@"; rc=$?; sleep 1; return $rc; }
OVS_DPCTL=ovs_dpctl
export NICFLOW_RUNDIR=/tmp/nf/run NICFLOW_DBDIR=/tmp/nf/db NICFLOW_LOGDIR=/tmp/nf/log
mkdir -p "$NICFLOW_RUNDIR" "$NICFLOW_DBDIR" "$NICFLOW_LOGDIR"
DB=unix:$NICFLOW_RUNDIR/db.sock

failed=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=1; }
check() { # NAME COMMAND...
    name=$1
    shift
    if "$@" >/tmp/out 2>&1; then ok "$name"; else
        not_ok "$name"
        sed 's/^/# /' /tmp/out | head -40
    fi
}
check_fails() { # NAME COMMAND...: COMMAND must fail
    name=$1
    shift
    if "$@" >/tmp/out 2>&1; then
        not_ok "$name"
        sed 's/^/# /' /tmp/out | head -20
    else ok "$name"; fi
}
wait_for() { # NAME SECONDS COMMAND...
    name=$1 n=$2
    shift 2
    while [ "$n" -gt 0 ]; do
        if "$@" >/tmp/out 2>&1; then ok "$name"; return 0; fi
        sleep 1
        n=$((n - 1))
    done
    not_ok "$name"
    sed 's/^/# /' /tmp/out | head -40
    return 1
}
vsctl() { "$B/nicflow-vsctl" --db="$DB" --timeout=60 "$@"; }
appctl() { "$B/nicflow-appctl" -t "$NICFLOW_RUNDIR/nicflowd.ctl" "$@"; }
ofctl() { "$B/nicflow-ofctl" "$@"; }

cleanup() {
    if [ "$failed" != 0 ]; then
        echo "# nicflowd.log (last 40 lines):"
        tail -n 40 "$NICFLOW_LOGDIR/nicflowd.log" 2>/dev/null | sed 's/^/# /'
    fi
    for p in nicflowd nicflow-dbd; do
        [ -f "$NICFLOW_RUNDIR/$p.pid" ] && kill -9 "$(cat "$NICFLOW_RUNDIR/$p.pid")" 2>/dev/null
    done
    "$OVS_DPCTL_BIN" del-dp system@ovs-system 2>/dev/null
    for n in a b c d; do "$IP" netns del "ns$n" 2>/dev/null; done
    :
}
trap cleanup EXIT
trap 'exit 1' INT TERM

modprobe -a openvswitch sch_ingress cls_flower act_mirred act_gact \
    act_vlan veth 2>/dev/null
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6

i=0
for n in a b c d; do
    i=$((i + 1))
    "$IP" netns add "ns$n"
    "$IP" link add "p$n" type veth peer name eth0 netns "ns$n"
    "$IP" -n "ns$n" addr add "192.0.2.$i/24" dev eth0
    "$IP" -n "ns$n" link set eth0 address "02:00:00:00:00:0$i"
    "$IP" -n "ns$n" link set eth0 up
    "$IP" -n "ns$n" link set lo up
    "$IP" link set "p$n" up
done
ping_from() { "$IP" netns exec "ns$1" ping -q -c "$3" -i 0.2 -W 2 -w 10 "$2"; }
no_ping() { ! "$IP" netns exec "ns$1" ping -q -c 2 -i 0.2 -W 1 "$2"; }

check "create the database" "$B/nicflow-dbtool" create "$NICFLOW_DBDIR/conf.db" \
    /nicflow/vswitch.ovsschema
check "nicflow-dbd starts" "$B/nicflow-dbd" "$NICFLOW_DBDIR/conf.db" \
    --remote="punix:$NICFLOW_RUNDIR/db.sock" --detach --pidfile --log-file
vsctl --no-wait init
start_nicflowd() { "$B/nicflowd" "$DB" --detach --pidfile --log-file; }
check "nicflowd starts" start_nicflowd

# --- an empty datapath_type is the kernel's here ----------------------
check "br0 with pa, pb (datapath_type left empty)" vsctl -- add-br br0 \
    -- add-port br0 pa -- add-port br0 pb
check "the log says the empty type means the kernel datapath here" \
    grep -q 'datapath_type is empty: using "system" (the kernel datapath is available)' \
    "$NICFLOW_LOGDIR/nicflowd.log"
has_dp_types() { vsctl get Open_vSwitch . datapath_types | grep -q system; }
check "Open_vSwitch datapath_types lists netdev and system" has_dp_types
check "ping a -> b through the kernel datapath" ping_from a 192.0.2.2 3
check "ovs-dpctl 3.1 sees system@ovs-system with br0, pa, pb" sh -c "
    $OVS_DPCTL_BIN show system@ovs-system > /tmp/show.txt && sleep 1 &&
    grep -q 'system@ovs-system' /tmp/show.txt &&
    grep -q ': br0 (internal)' /tmp/show.txt &&
    grep -q ': pa\$' /tmp/show.txt && grep -q ': pb\$' /tmp/show.txt"
sed 's/^/# /' /tmp/show.txt
check "ovs-dpctl dump-flows shows the ping's flows nicflowd installed" sh -c "
    $OVS_DPCTL_BIN dump-flows system@ovs-system > /tmp/kflows.txt && sleep 1 &&
    grep -q 'eth_type(0x0800)' /tmp/kflows.txt"
sed 's/^/# /' /tmp/kflows.txt | head -8
dpif_show_system() { appctl dpif/show | grep -q '^system@ovs-system: hit:'; }
check "dpif/show names the kernel datapath" dpif_show_system
per_cpu() { [ "$(appctl dpif-netlink/dispatch-mode)" = "ovs-system: per-cpu dispatch mode" ]; }
check "dpif-netlink/dispatch-mode: per-cpu dispatch mode (Linux 6.1 has it)" per_cpu
# One handler thread per CPU (each reads its share of the per-CPU upcall
# sockets); with NICFLOW_VM_SMP=2 this guest checks two.
ncpu=$(nproc 2>/dev/null || echo 1)
handlers_per_cpu() {
    grep -q "ovs-system: $ncpu upcall handler thread" \
        "$NICFLOW_LOGDIR/nicflowd.log" &&
        [ "$(grep -l '^handler[0-9]' /proc/"$(cat "$NICFLOW_RUNDIR/nicflowd.pid")"/task/*/comm |
            wc -l)" -eq "$ncpu" ]
}
check "nicflowd runs $ncpu upcall handler thread(s), one per CPU" handlers_per_cpu
flows_kernel() { appctl dpctl/dump-flows -m | grep -q 'dp:kernel'; }
check "dpctl/dump-flows -m: flows in dp:kernel" flows_kernel

# --- VLAN isolation (access ports) ------------------------------------
check "pc and pd join br0: pa, pc on VLAN 10, pb, pd on VLAN 20" vsctl \
    -- add-port br0 pc tag=10 -- add-port br0 pd tag=20 \
    -- set Port pa tag=10 -- set Port pb tag=20
sleep 1
check "a reaches c (both VLAN 10)" ping_from a 192.0.2.3 2
check "b reaches d (both VLAN 20)" ping_from b 192.0.2.4 2
check "a cannot reach b (VLAN 10 / 20)" no_ping a 192.0.2.2
check "c cannot reach d (VLAN 10 / 20)" no_ping c 192.0.2.4
check "back to one VLAN" vsctl clear Port pa tag -- clear Port pb tag \
    -- clear Port pc tag -- clear Port pd tag

# --- patch ports between two bridges ----------------------------------
check "br1 holds pc, pd; patch ports join br0 and br1" vsctl \
    -- del-port br0 pc -- del-port br0 pd \
    -- add-br br1 -- add-port br1 pc -- add-port br1 pd \
    -- add-port br0 patch01 -- set Interface patch01 type=patch options:peer=patch10 \
    -- add-port br1 patch10 -- set Interface patch10 type=patch options:peer=patch01
# pc and pd have just moved to br1 (their vports made again): the first
# echo may be lost while that settles; reachability is what is checked.
wait_for "a (br0) reaches c (br1) across the patch" 15 ping_from a 192.0.2.3 3
wait_for "d (br1) reaches b (br0) across the patch" 15 ping_from d 192.0.2.2 3

# --- OpenFlow flows (seed 003's kind) -----------------------------------
check "br0: a flow drops ICMP from pa" ofctl add-flow br0 \
    "priority=100,icmp,in_port=pa,actions=drop"
# Installed datapath flows follow at the next revalidation (500 ms), as
# in Open vSwitch.
sleep 1
check "a can no longer ping b" no_ping a 192.0.2.2
kflow_drops() { ovs_dpctl dump-flows system@ovs-system | grep -q 'actions:drop'; }
check "ovs-dpctl shows a kernel flow that drops" kflow_drops
check "the drop flow is removed" ofctl del-flows br0 "icmp,in_port=pa"
sleep 1
check "a pings b again" ping_from a 192.0.2.2 2

# --- a bridge of the other type is refused, the others are unharmed ----
other_type_refused() {
    vsctl add-br brx -- set bridge brx datapath_type=netdev >/dev/null 2>&1
    vsctl get Interface brx error | grep -q 'cannot run beside the bridges of type'
}
check "a netdev bridge beside the kernel's is refused with the reason" other_type_refused
check "... and removed again" vsctl del-br brx
check "a still reaches b" ping_from a 192.0.2.2 2

# --- nicflowd killed: the kernel keeps forwarding; restarted: adopted ---
check "a flow of the kernel's for a steady ping" ping_from a 192.0.2.2 2
"$IP" netns exec nsa ping -q -i 0.1 -c 60 -W 1 192.0.2.2 >/tmp/steady.txt 2>&1 &
steady=$!
sleep 1
check "kill -9 nicflowd" kill -9 "$(cat "$NICFLOW_RUNDIR/nicflowd.pid")"
sleep 3
kdp_has_pa() { ovs_dpctl show system@ovs-system | grep -q ': pa$'; }
check "the datapath and its ports stay with no nicflowd" kdp_has_pa
check "nicflowd starts again" start_nicflowd
wait $steady
lost=$(sed -n 's/.* \([0-9]*\)% packet loss.*/\1/p' /tmp/steady.txt)
echo "# steady ping across the kill and restart: ${lost:-?}% lost"
check "the steady ping lost less than 10 % across the kill (the kernel forwarded)" \
    test "${lost:-100}" -lt 10
check "after the restart, a reaches c across the patch again" \
    ping_from a 192.0.2.3 3
check "the log says the datapath and ports were adopted" sh -c "
    grep -q 'datapath system@ovs-system adopted' $NICFLOW_LOGDIR/nicflowd.log &&
    grep -q 'pa: adopted datapath port' $NICFLOW_LOGDIR/nicflowd.log"
count_port() { "$OVS_DPCTL_BIN" show system@ovs-system | grep -c ": $1\$"; }
no_dups() { test "$(count_port pa)" = 1 && test "$(count_port pc)" = 1; }
check "no duplicate vports (pa once, pc once)" no_dups
sleep 1

# --- hw-offload with TC in front of the kernel datapath ----------------
check "hw-offload=true, tc-policy=none" vsctl set Open_vSwitch . \
    other_config:hw-offload=true other_config:tc-policy=none
check "ping a -> b" ping_from a 192.0.2.2 3
has_tc() { appctl dpctl/dump-flows -m type=offloaded | grep -q 'dp:tc'; }
wait_for "offloadable flows are in TC (dp:tc)" 20 has_tc
check "the ping still works with flower in front" ping_from a 192.0.2.2 5
check "br0: a controller flow for UDP from pa (stays in the kernel datapath)" \
    ofctl add-flow br0 "priority=200,udp,in_port=pa,actions=controller"
has_kernel_reason() {
    # One UDP probe from a (busybox traceroute; its nc has no UDP send).
    "$IP" netns exec nsa traceroute -n -m 1 -q 1 -w 1 192.0.2.2 \
        >/dev/null 2>&1
    appctl dpctl/dump-flows -m >/tmp/m.txt
    grep 'proto=17' /tmp/m.txt | grep -q 'dp:kernel, offload-reason:' || {
        cat /tmp/m.txt; return 1; }
}
wait_for "the controller flow is dp:kernel with its reason" 10 has_kernel_reason

# --- exit --cleanup removes the datapath ---------------------------------
check "exit --cleanup" appctl exit --cleanup
sleep 1
check_fails "the kernel datapath is gone" "$OVS_DPCTL_BIN" show system@ovs-system
exit $failed
