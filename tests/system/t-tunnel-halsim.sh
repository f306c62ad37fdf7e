#!/bin/bash
# Tunnels in "hardware": the two-host VXLAN topology of tunnel-lib.sh with
# hostA's VM port and underlay port behind the simulated eswitch
# (nicflow-hal-sim.so, profile sim-large: VXLAN, Geneve and GRE
# encapsulation and decapsulation tables) and hostB a plain nicflow in
# software.  What is checked is issue "Tunnels"' offload item for the HAL:
# the flow that sends into the tunnel becomes an ACL entry with a tunnel
# encapsulation, the flow of the packets that come out of it a
# decapsulation entry plus an ACL entry, both shown as offloaded:yes,
# dp:hal; the underlay's tnl_pop flow stays in software with its reason;
# the device's own counters show the pings and a TCP transfer in hardware
# in both directions; removing the tunnel port or switching offload off
# frees the device's tunnel entries and traffic goes on in software.
#
# Root; namespaces and addresses only its own; everything removed at exit.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ip ping iperf3 ethtool
make_tmpdir
SIM_SO=$NF_TOP/${BUILD:-build}/lib/nicflow-hal-sim.so
[ -f "$SIM_SO" ] || { fail "the simulated eswitch is not built ($SIM_SO)"; finish; }
export NICFLOW_PROFILE_DIR=$NF_TOP/hw-profiles
. "$(dirname "$0")/tunnel-lib.sh"

tnl_init "$NF_TMP" "nfth$$"
on_exit tnl_cleanup

check "topology: two hosts, the underlay, the VMs" tnl_topo
check "hostA: nicflow starts" tnl_start A nicflow
check "hostB: nicflow starts" tnl_start B nicflow
check "hostA: br-int and br-phy" tnl_bridges A
check "hostB: br-int and br-phy" tnl_bridges B
check "hostA: vxlan port" tnl_port_add A vx0 vxlan 5001
check "hostB: vxlan port" tnl_port_add B vx0 vxlan 5001
# The VMs behind a chip send whole frames with their checksums (as with a
# real NIC's VF, whose checksums the NIC finishes): no segmentation or
# checksum offload towards the sim, which sees frames on the wire.
for vm in vmA vmB; do
    ip netns exec "${TNL_NS[$vm]}" ethtool -K eth0 tx off tso off gso off \
        >/dev/null 2>&1
done

appctl() { tnl_appctl A "$@"; }
# hw N PORT: the hardware count of PORT's "rx N packets (hardware H, ...)"
# line of hal/show.
hw() {
    appctl hal/show | sed -n "s/^  port $1 (chip port [0-9]*): rx [0-9]* packets (hardware \([0-9]*\),.*/\1/p"
}
rx() {
    appctl hal/show | sed -n "s/^  port $1 (chip port [0-9]*): rx \([0-9]*\) packets.*/\1/p"
}
has() { appctl "$1" ${3:+"$3"} | grep -Eq -- "$2"; }
wait_for() {
    local secs=$1 i
    shift
    for ((i = 0; i < secs * 5; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    "$@"
}

check "vmA reaches vmB across VXLAN in software first" \
    tnl_wait_ping vmA 10.10.0.2 15
check "hostA: hw-offload=true with the sim under sim-large (vm1-p, hA-eth0)" \
    tnl_vsctl A set Open_vSwitch . other_config:hw-offload=true \
    other_config:hw-offload-priority=hal "other_config:hal-plugin=$SIM_SO" \
    'other_config:hal-args="profile=sim-large ports=vm1-p,hA-eth0"'
check "hal/show: the device runs, with its tunnel tables" \
    wait_for 10 has hal/show 'tunnels: vxlan geneve gre; encaps 256, decaps 256'
check "vmA still reaches vmB with the device in the path" \
    tnl_wait_ping vmA 10.10.0.2 15

# 100 pings: after the first, every one crosses the sim both ways.
hw_vm0=$(hw vm1-p) hw_ul0=$(hw hA-eth0)
check "100 pings vmA -> vmB" ip netns exec "${TNL_NS[vmA]}" \
    ping -q -c 100 -i 0.01 -W 1 10.10.0.2
hw_vm=$(($(hw vm1-p) - hw_vm0)) hw_ul=$(($(hw hA-eth0) - hw_ul0))
diag "device counters over the pings: vm1-p $hw_vm, hA-eth0 $hw_ul in hardware"
if [ "$hw_vm" -ge 99 ] && [ "$hw_ul" -ge 99 ]; then
    ok "the echo requests were encapsulated and the replies decapsulated in hardware (vm1-p $hw_vm, hA-eth0 $hw_ul of 100)"
else
    fail "expected >= 99 of 100 in hardware each way; vm1-p $hw_vm, hA-eth0 $hw_ul"
fi

flows=$NF_TMP/flows.txt
appctl dpctl/dump-flows -m > "$flows"
check "the flow into the tunnel is in hardware (tnl_push, dp:hal)" \
    grep -Eq 'in_port\(.*offloaded:yes, dp:hal, .*actions:tnl_push\(' "$flows"
check "the flow out of the tunnel is in hardware (tunnel(), dp:hal)" \
    grep -Eq '^ufid:[^ ]+ recirc_id\(0\),tunnel\(tun_id=0x1389,src=172\.31\.0\.2,dst=172\.31\.0\.1.*offloaded:yes, dp:hal' "$flows"
check "the underlay's tnl_pop flow stays in software, saying why" \
    grep -Eq 'offload-reason:"hal: tnl_pop is done by the decapsulation entries of the tunnel.s own flows", actions:tnl_pop\(' "$flows"
check "hal/show: one encapsulation and one decapsulation entry in use" \
    has hal/show 'tunnel encaps 1/256, decaps 1/256'

# TCP for 3 s: data out through the encapsulation, acks in through the
# decapsulation, nearly all in hardware.
rx_vm0=$(rx vm1-p) hw_vm0=$(hw vm1-p) rx_ul0=$(rx hA-eth0) hw_ul0=$(hw hA-eth0)
ip netns exec "${TNL_NS[vmB]}" iperf3 -s -1 -D >/dev/null 2>&1
sleep 0.5
out=$(ip netns exec "${TNL_NS[vmA]}" iperf3 -c 10.10.0.2 -t 3 -f g 2>&1)
rc=$?
gbit=$(printf '%s\n' "$out" | awk '/receiver/ {print $(NF-2)}')
if [ $rc = 0 ] && [ -n "$gbit" ]; then
    ok "iperf3 TCP vmA -> vmB over VXLAN through the device ($gbit Gbit/s)"
else
    fail "iperf3 TCP vmA -> vmB: $out"
fi
rx_vm=$(($(rx vm1-p) - rx_vm0)) hw_vm=$(($(hw vm1-p) - hw_vm0))
rx_ul=$(($(rx hA-eth0) - rx_ul0)) hw_ul=$(($(hw hA-eth0) - hw_ul0))
diag "vm1-p: $hw_vm of $rx_vm in hardware; hA-eth0: $hw_ul of $rx_ul"
if [ "$rx_vm" -gt 1000 ] && [ $((hw_vm * 100)) -ge $((rx_vm * 99)) ] \
    && [ "$rx_ul" -gt 100 ] && [ $((hw_ul * 100)) -ge $((rx_ul * 99)) ]; then
    ok "TCP segments encapsulated and acks decapsulated in hardware (>= 99 % each way)"
else
    fail "TCP in hardware: vm1-p $hw_vm of $rx_vm, hA-eth0 $hw_ul of $rx_ul (want >= 99 % and some traffic)"
fi

# Offload off: the device's entries go, traffic goes on in software.
check "hw-offload=false" tnl_vsctl A set Open_vSwitch . \
    other_config:hw-offload=false
check "hal/show: no tunnel entries left in the device" \
    wait_for 10 has hal/show 'tunnel encaps 0/256, decaps 0/256'
check "vmA reaches vmB in software again" tnl_wait_ping vmA 10.10.0.2 15

# Back on, then the tunnel port goes: its entries go with its flows.
check "hw-offload=true again" tnl_vsctl A set Open_vSwitch . \
    other_config:hw-offload=true
check "pings go back to hardware" tnl_wait_ping vmA 10.10.0.2 15
check "hal/show: the tunnel entries are back" \
    wait_for 10 has hal/show 'tunnel encaps 1/256, decaps 1/256'
check "hostA: the vxlan port is removed" tnl_port_del A vx0
check "hal/show: the tunnel entries went with the port's flows" \
    wait_for 15 has hal/show 'tunnel encaps 0/256, decaps 0/256'
ports=$(appctl tnl/ports/show)
if [ "${ports%%$'\n'*}" = "Listening ports:" ] \
    && ! printf '%s\n' "$ports" | grep -q vxlan_sys; then
    ok "tnl/ports/show: no listening vport left"
else
    fail "tnl/ports/show after the port's removal: $ports"
fi
finish
