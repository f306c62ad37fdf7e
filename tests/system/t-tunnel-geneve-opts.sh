#!/bin/bash
# Geneve options (tun_metadata) end to end between two hosts: the
# topology of tests/system/tunnel-lib.sh (namespaces hostA and hostB
# joined by an underlay veth, in each a switch on the userspace datapath
# with br-phy holding the underlay and br-int holding a Geneve port and
# the VMs' veths).  On both hosts the TLV table maps
# {class=0xffff,type=0,len=4} to tun_metadata0.
#
#   hostA: vmA's frames get set_field:VALUE->tun_metadata0 before the
#          Geneve port; what comes back goes to vmA.
#   hostB: from the Geneve port, only tun_metadata0=0x1234 reaches vmB
#          (a lower-priority flow drops the rest); vmB's frames go back
#          with tun_metadata0=0x1234.
#
# Checked: with VALUE 0x1234 vmA pings vmB, tcpdump on the underlay shows
# the option (class 0xffff, type 0, length 4, data 0x00001234) in both
# directions, and hostB's dpif/dump-flows shows
# geneve({class=0xffff,type=0,len=4,0x1234}) in the tunnel key; with
# VALUE 0x4321 the ping fails and hostB's datapath flow for it drops;
# a critical option hostB does not map (hostA maps
# {class=0xffff,type=0x80,len=4} to tun_metadata1 and sets it) gets the
# packets dropped by hostB's translation, counted by xlate_geneve_invalid.
#
#   SWITCH=nicflow   (default) nicflow on both hosts
#   SWITCH=ovs       Open vSwitch 3.1 on both hosts (proves the test)
#   SWITCH=interop   nicflow on hostA, Open vSwitch 3.1 on hostB
#   SWITCH=interop-rev  Open vSwitch 3.1 on hostA, nicflow on hostB (the
#                    options nicflow matches come from Open vSwitch)
#
# Root; namespaces only its own; everything removed at exit.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl ovs-ofctl ovs-appctl ovs-vswitchd ovsdb-server \
    ovsdb-tool ip ping tcpdump ethtool

SWITCH=${SWITCH:-nicflow}
case $SWITCH in
ovs) KIND_A=ovs KIND_B=ovs ;;
nicflow) KIND_A=nicflow KIND_B=nicflow ;;
interop) KIND_A=nicflow KIND_B=ovs ;;
interop-rev) KIND_A=ovs KIND_B=nicflow ;;
*) fail "SWITCH=$SWITCH: expected ovs, nicflow, interop or interop-rev"; finish ;;
esac

make_tmpdir
. "$(dirname "$0")/tunnel-lib.sh"
tnl_init "$NF_TMP" "nf-gnvopt-$$"
on_exit tnl_cleanup
on_exit tnl_dump_logs
diag "SWITCH=$SWITCH (hostA: $KIND_A, hostB: $KIND_B)"

ns() { echo "${TNL_NS[$1]}"; }
pingfails() { ! tnl_ping "$1" "$2" 2; }

# cap_on H / cap_off H: capture on host H's underlay veth (what it
# receives: a switch's own transmissions may bypass the capture point),
# Geneve only; one line per packet (tcpdump -vv) in $NF_TMP/capH.txt.
cap_on() { cap_start "cap$1" "$(ns "host$1")" "h$1-eth0" udp port 6081; }
cap_off() { cap_stop "cap$1" -vv; }
# cap_has H REGEX: a packet captured on host H matches.
cap_has() {
    grep -Eq -- "$2" "$NF_TMP/cap$1.txt" && return 0
    echo "no packet matches: $2"
    head -n 6 "$NF_TMP/cap$1.txt"
    return 1
}
# The option as tcpdump -vv prints Geneve options: class, type, length in
# bytes with the 4-byte option header, then the data words.
opt_re() {
    echo "Geneve, .*vni 0x1393, options \\[class Experimental \\(0xffff\\) type 0x$1 len 8 data $2\\].*$3"
}

# coverage A|B NAME: a coverage counter's total (0 when never hit).
coverage() {
    tnl_appctl "$1" coverage/show 2>/dev/null \
        | awk -v n="$2" '$1 == n {v = $NF} END {print v + 0}'
}

set_flows() {
    printf '%s\n' "$2" > "$NF_TMP/flows-$1"
    tnl_ofctl "$1" del-flows br-int \
        && tnl_ofctl "$1" add-flows br-int "$NF_TMP/flows-$1"
}

# hostA's flows: vmA's frames out with tun_metadata0=$1 (and, with $2,
# tun_metadata1=$2 too); everything from the tunnel to vmA.
flows_a() {
    local set="set_field:$1->tun_metadata0"
    [ -n "${2:-}" ] && set="$set,set_field:$2->tun_metadata1"
    set_flows A "in_port=vm1-p,actions=$set,output:gnv0
in_port=gnv0,actions=output:vm1-p"
}

check_here "tunnel topology" tnl_topo
check "hostA's switch ($KIND_A) starts" tnl_start A "$KIND_A"
check "hostB's switch ($KIND_B) starts" tnl_start B "$KIND_B"
check "hostA: bridges and underlay address" tnl_bridges A
check "hostB: bridges and underlay address" tnl_bridges B
check "underlay: hostA pings hostB" tnl_wait_ping hostA 172.31.0.2 10
check "hostA: Geneve port gnv0 (key 5011)" tnl_port_add A gnv0 geneve 5011
check "hostB: Geneve port gnv0 (key 5011)" tnl_port_add B gnv0 geneve 5011
for h in A B; do
    check "host$h: add-tlv-map {class=0xffff,type=0,len=4}->tun_metadata0" \
        tnl_ofctl "$h" add-tlv-map br-int '{class=0xffff,type=0,len=4}->tun_metadata0'
done
check "hostA: flows setting tun_metadata0=0x1234" flows_a 0x1234
check "hostB: flows forwarding only tun_metadata0=0x1234" set_flows B \
    "priority=100,in_port=gnv0,tun_metadata0=0x1234,actions=output:vm1-p
priority=50,in_port=gnv0,actions=drop
in_port=vm1-p,actions=set_field:0x1234->tun_metadata0,output:gnv0"

# --- the right value ------------------------------------------------------
cap_on A || fail "tcpdump did not start"
cap_on B || fail "tcpdump did not start"
check "tun_metadata0=0x1234: vmA pings vmB" tnl_wait_ping vmA 10.10.0.2 8
cap_off A
cap_off B
check "A->B frames carry the option class 0xffff type 0 len 4 data 0x00001234" \
    cap_has B "$(opt_re 0 00001234 '10\.10\.0\.1 > 10\.10\.0\.2: ICMP echo request')"
check "B->A frames carry the option too" \
    cap_has A "$(opt_re 0 00001234 '10\.10\.0\.2 > 10\.10\.0\.1: ICMP echo reply')"
check_output "hostB: dpif/dump-flows br-int shows the option in the tunnel key" \
    'tunnel\(tun_id=0x1393,src=172\.31\.0\.1,dst=172\.31\.0\.2,.*geneve\(\{class=0xffff,type=0,len=4,0x1234\}\),flags\(.*\).*actions:[0-9a-z-]+$' \
    tnl_appctl B dpif/dump-flows br-int

diag "hostB's datapath flows from the tunnel:" \
    "$(tnl_appctl B dpif/dump-flows br-int | grep 'geneve(')"

# ofproto/trace of such a packet on hostB: the flow and the megaflow show
# tun_metadata0, and only 0x1234 is forwarded.
TR="in_port=$(tnl_ofport B gnv0),tun_id=0x1393,tun_src=172.31.0.1,tun_dst=172.31.0.2,icmp,nw_src=10.10.0.1,nw_dst=10.10.0.2"
check_output "hostB: ofproto/trace with tun_metadata0=0x1234: the megaflow matches it, output" \
    '^Megaflow: .*tun_metadata0=0x1234.*' \
    tnl_appctl B ofproto/trace br-int "$TR,tun_metadata0=0x1234"
check_output "hostB: ofproto/trace: the flow line has tun_metadata0" \
    '^Flow: .*tun_metadata0=0x1234' \
    tnl_appctl B ofproto/trace br-int "$TR,tun_metadata0=0x1234"
check_output "hostB: ofproto/trace: the rule matching tun_metadata0 is hit" \
    'tun_metadata0=0x1234.*priority 100' \
    tnl_appctl B ofproto/trace br-int "$TR,tun_metadata0=0x1234"
check_output "hostB: ofproto/trace with tun_metadata0=0x4321: dropped" \
    '^Datapath actions: drop$' \
    tnl_appctl B ofproto/trace br-int "$TR,tun_metadata0=0x4321"
diag "hostB's trace:" "$(tnl_appctl B ofproto/trace br-int "$TR,tun_metadata0=0x1234")"

# --- a wrong value ----------------------------------------------------------
check "hostA: flows setting tun_metadata0=0x4321" flows_a 0x4321
for h in A B; do tnl_appctl "$h" revalidator/purge > /dev/null 2>&1; done
for vm in vmA vmB; do ip -n "$(ns "$vm")" neigh flush all; done
check "tun_metadata0=0x4321: vmA cannot reach vmB" pingfails vmA 10.10.0.2
check_output "hostB: the datapath flow for 0x4321 drops" \
    'geneve\(\{class=0xffff,type=0,len=4,0x4321\}\).*actions:drop' \
    tnl_appctl B dpif/dump-flows br-int

# --- a critical option hostB does not map ------------------------------------
check "hostA: add-tlv-map {class=0xffff,type=0x80,len=4}->tun_metadata1" \
    tnl_ofctl A add-tlv-map br-int '{class=0xffff,type=0x80,len=4}->tun_metadata1'
check "hostA: flows setting tun_metadata0=0x1234 and tun_metadata1=0x5" \
    flows_a 0x1234 0x5
for h in A B; do tnl_appctl "$h" revalidator/purge > /dev/null 2>&1; done
for vm in vmA vmB; do ip -n "$(ns "$vm")" neigh flush all; done
if [ "$KIND_B" = nicflow ]; then
    before=$(coverage B xlate_geneve_invalid)
fi
cap_on B || fail "tcpdump did not start"
check "unknown critical option: vmA cannot reach vmB" pingfails vmA 10.10.0.2
cap_off B
check "the frames carry both options, the second critical (C flag)" \
    cap_has B "Geneve, Flags \\[C\\], vni 0x1393, options \\[class Experimental \\(0xffff\\) type 0x0 len 8 data 00001234, class Experimental \\(0xffff\\) type 0x80\\(C\\) len 8 data 00000005\\]"
if [ "$KIND_B" = nicflow ]; then
    check "hostB counts the drops (xlate_geneve_invalid)" \
        test "$(coverage B xlate_geneve_invalid)" -gt "$before"
    check "hostB logs why" grep -q \
        'invalid Geneve tunnel metadata: critical option class=0xffff,type=0x80,len=4 has no TLV mapping' \
        "$NF_TMP/hostB-nicflow/nicflowd.log"
fi
# Mapping it on hostB too lets the packets through again.
check "hostB: add-tlv-map {class=0xffff,type=0x80,len=4}->tun_metadata1" \
    tnl_ofctl B add-tlv-map br-int '{class=0xffff,type=0x80,len=4}->tun_metadata1'
for h in A B; do tnl_appctl "$h" revalidator/purge > /dev/null 2>&1; done
check "mapped on hostB: vmA pings vmB again" tnl_wait_ping vmA 10.10.0.2 5
finish
