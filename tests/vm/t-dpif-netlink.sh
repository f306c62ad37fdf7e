#!/bin/sh
# tests/vm/t-dpif-netlink.sh - guest script for tests/vm/lab.sh (busybox sh).
#
# The kernel datapath type ("system", softpath/dpif-netlink.c) against
# Debian's openvswitch.ko, driven by nicflow-dpctl (which runs commands on
# system@ datapaths in its own process) and tests/vm/dpif-netlink-driver
# (upcalls, execute, refusals), and checked with the real ovs-dpctl of
# Open vSwitch 3.1.  Two namespaces, each behind a veth pair whose outer
# end (v0 = port 1, v1 = port 2) is a port of system@nf0: the flows
# nicflow installs are the only path between them.  Checked:
#   - add-dp/add-if create what ovs-dpctl show lists (ports, numbers, the
#     local port); a dummy port and a missing device are refused with a
#     reason;
#   - with no flow, a ping's ARP misses and the driver receives the upcall
#     (in_port 1, an arp key, the ufid of that key);
#   - upcall dispatch: with upcalls on, the kernel reports per-CPU dispatch
#     (its user features read back, and the driver's handle does not find
#     its upcalls misrouted); in this 2-vCPU guest a miss sent by a
#     process pinned to CPU 0 arrives on handler socket 0 and one pinned
#     to CPU 1 on socket 1, none lost; ovs-dpctl 3.1 opening the datapath
#     meanwhile keeps per-CPU dispatch and the handle's sockets (the next
#     miss still arrives, none lost); with per-CPU dispatch refused
#     (NICFLOW_TEST_DISPATCH=per-vport) per-vport dispatch delivers them;
#   - IPv4 and ARP flows both ways make ping work; ovs-dpctl dump-flows
#     sees them with their actions, and their packet counters rise with a
#     second ping (as nicflow-dpctl dump-flows also reports);
#   - execute sends a frame out of port 2 (seen in NS1's rx counter); a
#     userspace() action with pid 0 (nicflow's translation's) executed on
#     a frame comes back to the driver as an action upcall with userdata;
#   - a meter (1 packet/s) on executed frames drops most of 10, and its
#     counters agree with what reached NS1; deleting it returns them;
#   - mod-flow changes a flow's actions (drop, then back, with --clear
#     zeroing its counters), get-flow finds a flow by the ufid dump-flows -m
#     prints, show -s agrees with ovs-dpctl -s, a vxlan port shows its
#     dst_port in nicflow-dpctl show and the kernel's device uses it;
#   - the flow limit (EFBIG) and tnl_pop (EINVAL) are refused; a TCP
#     flow without tcp_flags (which the kernel alone would refuse) goes in;
#   - an execute batch and a put batch, each with members that fail
#     (refused before the kernel, and by the kernel): each failure is
#     reported and the other members are done; a put batch larger than
#     one message goes in whole;
#   - del-flow breaks the ping again, del-flows empties the table,
#     del-if and del-dp remove what ovs-dpctl saw.
#
# vm-files: build/tests/dpif-netlink-driver
# vm-programs: /usr/bin/ovs-dpctl
# vm-smp: 2
# shellcheck disable=SC2317 # functions run through check() and trap
set -eu

TC=/sbin/tc
IP=/sbin/ip
DPCTL=/nicflow/bin/nicflow-dpctl
OVS_DPCTL=/nicflow/bin/ovs-dpctl
DRV=/nicflow/dpif-netlink-driver
DP=nf0
NS0=dn0
NS1=dn1
ADDR0=192.0.2.1 # documentation range, only inside the guest's namespaces
ADDR1=192.0.2.2
IPV4_KEY='eth(),eth_type(0x0800),ipv4(frag=no)'
ARP_KEY='eth(),eth_type(0x0806),arp()'

failed=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=1; }
# expect NAME TEXT PATTERN: ok if TEXT contains PATTERN (fixed string).
expect() {
    case $2 in
    *"$3"*) ok "$1" ;;
    *) not_ok "$1"; echo "# want: $3"; echo "$2" | sed 's/^/# got:  /' ;;
    esac
}
# expect_not NAME TEXT PATTERN: ok if TEXT lacks PATTERN.
expect_not() {
    case $2 in
    *"$3"*) not_ok "$1"; echo "# unwanted: $3"; echo "$2" | sed 's/^/# got:  /' ;;
    *) ok "$1" ;;
    esac
}
check() { # NAME COMMAND...: ok when the command succeeds
    name=$1
    shift
    if "$@" >/tmp/dn.out 2>&1; then
        ok "$name"
    else
        not_ok "$name"
        sed 's/^/# /' /tmp/dn.out
    fi
}
check_fails() { # NAME COMMAND...: ok when the command fails
    name=$1
    shift
    if "$@" >/tmp/dn.out 2>&1; then
        not_ok "$name"
        sed 's/^/# /' /tmp/dn.out
    else
        ok "$name"
    fi
}

cleanup() {
    if [ -n "${up_pid:-}" ]; then kill "$up_pid" 2>/dev/null || :; fi
    "$DPCTL" del-dp "system@$DP" 2>/dev/null || :
    "$IP" netns del "$NS0" 2>/dev/null || :
    "$IP" netns del "$NS1" 2>/dev/null || :
    for l in v0 v1; do "$IP" link del "$l" 2>/dev/null || :; done
    rm -f /tmp/dn.out /tmp/dn.up
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ping_from() { # NS ADDR COUNT
    "$IP" netns exec "$1" ping -q -c "$3" -i 0.2 -W 1 -w 3 "$2"
}
# The packet count of the first flow in dump-flows text $1 that starts
# with $2 (0 if none).
packets_of() {
    echo "$1" | awk -v k="$2" 'index($0, k) == 1 {
        for (i = 1; i <= NF; i++) if ($i ~ /^packets:/) {
            sub(/^packets:/, "", $i); sub(/,$/, "", $i); print $i; exit
        } }' | grep . || echo 0
}
# The test's frames (EtherType 0x88b5) that reached NS1's e1, counted by
# a flower filter on its ingress: a stray packet of any other kind (the
# guest's own chatter) cannot make an exact count wrong.
frames_setup() {
    "$IP" netns exec "$NS1" "$TC" qdisc add dev e1 ingress &&
        "$IP" netns exec "$NS1" "$TC" filter add dev e1 ingress \
            protocol 0x88b5 pref 1 flower action pass
}
rx_frames() {
    "$IP" netns exec "$NS1" "$TC" -s filter show dev e1 ingress |
        awk '$1 == "Sent" { print $4; exit }' | grep . || echo 0
}

# --- setup -------------------------------------------------------------
check "modules load (openvswitch veth; ingress and flower count frames)" modprobe -a openvswitch veth sch_ingress cls_flower act_gact
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6 || :
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 || :
if [ ! -x "$OVS_DPCTL" ]; then
    not_ok "ovs-dpctl (openvswitch-common) shipped into the guest"
fi

setup_links() {
    "$IP" netns add "$NS0" && "$IP" netns add "$NS1" &&
        "$IP" link add v0 type veth peer name e0 &&
        "$IP" link add v1 type veth peer name e1 &&
        "$IP" link set e0 netns "$NS0" && "$IP" link set e1 netns "$NS1" &&
        "$IP" -n "$NS0" addr add "$ADDR0"/24 dev e0 &&
        "$IP" -n "$NS1" addr add "$ADDR1"/24 dev e1 &&
        "$IP" -n "$NS0" link set e0 up && "$IP" -n "$NS1" link set e1 up &&
        "$IP" -n "$NS0" link set lo up && "$IP" -n "$NS1" link set lo up &&
        "$IP" link set v0 up && "$IP" link set v1 up
}
check "two namespaces behind veth pairs v0 and v1" setup_links

# --- datapath and ports ------------------------------------------------
check "nicflow-dpctl add-dp system@$DP" "$DPCTL" add-dp "system@$DP"
check_fails "add-dp of an existing datapath fails" \
    "$DPCTL" add-dp "system@$DP"
check "add-if v0 (port 1) and v1 (port 2)" \
    "$DPCTL" add-if "system@$DP" v0 v1
out=$("$DPCTL" add-if "system@$DP" dm0,type=dummy 2>&1 || :)
expect "a dummy port is refused with a reason" "$out" \
    "dummy ports exist only in the userspace datapath"
out=$("$DPCTL" add-if "system@$DP" nosuch0 2>&1 || :)
expect "a missing device is refused" "$out" "no such network device"

out=$("$DPCTL" --direct dump-dps 2>&1 || :)
expect "nicflow-dpctl dump-dps lists system@$DP" "$out" "system@$DP"
out=$("$DPCTL" show "system@$DP" 2>&1 || :)
expect "nicflow-dpctl show: port 1 is v0" "$out" "port 1: v0"
expect "nicflow-dpctl show: port 2 is v1" "$out" "port 2: v1"
expect "nicflow-dpctl show: port 0 is the internal $DP" "$out" \
    "port 0: $DP (internal)"
out=$("$OVS_DPCTL" show 2>&1 || :)
echo "$out" | sed 's/^/# ovs-dpctl: /'
expect "ovs-dpctl show sees system@$DP" "$out" "system@$DP:"
expect "ovs-dpctl show sees port 1: v0" "$out" "port 1: v0"
expect "ovs-dpctl show sees port 2: v1" "$out" "port 2: v1"
expect "ovs-dpctl show sees port 0: $DP (internal)" "$out" \
    "port 0: $DP (internal)"

# --- upcalls -----------------------------------------------------------
check_fails "no path between the namespaces before any flow" \
    ping_from "$NS0" "$ADDR1" 1
: >/tmp/dn.up
"$DRV" upcall "$DP" 10 'eth_type(0x0806)' >>/tmp/dn.up 2>&1 &
up_pid=$!
i=0
while ! grep -q '^ready' /tmp/dn.up && [ $i -lt 50 ]; do
    sleep 0.1
    i=$((i + 1))
done
"$IP" -n "$NS0" neigh flush dev e0 2>/dev/null || :
ping_from "$NS0" "$ADDR1" 1 >/dev/null 2>&1 || :
wait "$up_pid" || :
up_pid=
out=$(cat /tmp/dn.up)
echo "$out" | sed 's/^/# driver: /'
arp=$(echo "$out" | grep 'eth_type(0x0806)' || :)
expect "a miss comes up as an upcall from port 1" "$arp" "miss: in_port 1,"
expect "the upcall's key is the ARP request" "$arp" \
    "eth_type(0x0806),arp(sip=$ADDR0,tip=$ADDR1,op=1"
expect "the upcall's ufid is that of its key" "$arp" "ufid ok"
expect "the driver's handle uses per-CPU dispatch" "$out" \
    "mode: per-cpu dispatch mode"
expect "the handle does not find its upcalls misrouted" "$out" \
    "misrouted: no"

# --- upcall dispatch ---------------------------------------------------
# Each run of the driver enables upcalls on its own handle; a ping to an
# address with a static neighbour entry sends an IPv4 packet that misses
# (no flow yet), from the CPU the ping runs on: the veth pair hands the
# packet to the datapath on the sending CPU.
# start_driver DISPATCH SECONDS MATCH...: the driver in the background.
start_driver() {
    dispatch=$1
    shift
    : >/tmp/dn.up
    env NICFLOW_TEST_DISPATCH="$dispatch" ${READERS:+NICFLOW_TEST_READERS=$READERS} \
        "$DRV" upcall "$DP" "$@" \
        >>/tmp/dn.up 2>&1 &
    up_pid=$!
    i=0
    while ! grep -q '^ready' /tmp/dn.up && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
}
finish_driver() {
    wait "$up_pid" || :
    up_pid=
    sed 's/^/# driver: /' /tmp/dn.up
}
miss_from_cpu() { # CPU-MASK ADDR
    taskset "$1" "$IP" netns exec "$NS0" ping -c 1 -W 1 "$2" >/dev/null 2>&1 || :
}
for n in 10 11 12 13; do
    "$IP" -n "$NS0" neigh replace 192.0.2.$n lladdr 02:00:00:00:00:$n \
        dev e0 2>/dev/null || :
done
ncpu=$(nproc 2>/dev/null || echo 1)
READERS=

start_driver auto 20 'dst=192.0.2.10,' 'dst=192.0.2.11,'
out=$("$DRV" features "$DP" 2>&1 || :)
echo "$out" | sed 's/^/# driver: /'
expect "the kernel reports per-CPU dispatch while upcalls are on" "$out" \
    " per-cpu"
miss_from_cpu 1 192.0.2.10
miss_from_cpu 2 192.0.2.11
finish_driver
l0=$(grep -F 'dst=192.0.2.10,' /tmp/dn.up || :)
l1=$(grep -F 'dst=192.0.2.11,' /tmp/dn.up || :)
expect "a miss sent from CPU 0 comes up" "$l0" "miss: in_port 1,"
expect "a miss sent from CPU 1 comes up" "$l1" "miss: in_port 1,"
if [ "$ncpu" -ge 2 ]; then
    expect "the miss from CPU 0 arrives on handler socket 0" "$l0" \
        ", handler 0"
    expect "the miss from CPU 1 arrives on handler socket 1" "$l1" \
        ", handler 1"
else
    not_ok "the guest has 2 vCPUs for the per-CPU checks (nproc: $ncpu)"
fi
out=$(cat /tmp/dn.up)
expect "per-CPU dispatch: the handle's upcalls are not misrouted" "$out" \
    "misrouted: no"
expect "per-CPU dispatch: no upcall lost" "$out" "lost meanwhile: 0"

# Two readers (handler threads) share the per-CPU sockets: socket I goes
# to reader I % 2, so each CPU's misses reach one reader only.
READERS=2
start_driver auto 20 'dst=192.0.2.10,' 'dst=192.0.2.11,'
READERS=
miss_from_cpu 1 192.0.2.10
miss_from_cpu 2 192.0.2.11
finish_driver
out=$(cat /tmp/dn.up)
l0=$(grep -F 'dst=192.0.2.10,' /tmp/dn.up || :)
l1=$(grep -F 'dst=192.0.2.11,' /tmp/dn.up || :)
if [ "$ncpu" -ge 2 ]; then
    expect "two readers asked for, two made (one per CPU socket)" "$out" \
        "readers: 2"
    expect "the miss from CPU 0 is read by reader 0 (socket 0)" "$l0" \
        ", handler 0, reader 0"
    expect "the miss from CPU 1 is read by reader 1 (socket 1)" "$l1" \
        ", handler 1, reader 1"
fi
expect "two readers: no upcall lost" "$out" "lost meanwhile: 0"

# ovs-dpctl 3.1 switches per-CPU dispatch on when it opens a datapath,
# with no pids of its own: in per-CPU mode it must leave ours alone.
start_driver auto 20 'dst=192.0.2.12,'
out=$("$OVS_DPCTL" show "system@$DP" 2>&1 || :)
expect "ovs-dpctl opens the datapath while upcalls are per-CPU" "$out" \
    "system@$DP:"
out=$("$DRV" features "$DP" 2>&1 || :)
expect "... and it is still in per-CPU dispatch" "$out" " per-cpu"
miss_from_cpu 2 192.0.2.12
finish_driver
out=$(cat /tmp/dn.up)
expect "after ovs-dpctl, a miss still comes up" "$out" \
    "dst=192.0.2.12,"
expect "after ovs-dpctl, the handle's upcalls are not misrouted" "$out" \
    "misrouted: no"
expect "after ovs-dpctl: no upcall lost" "$out" "lost meanwhile: 0"

# The fallback: per-vport dispatch, one socket that every port names
# (and so one reader, however many are asked for).
READERS=2
start_driver per-vport 20 'dst=192.0.2.13,'
READERS=
out=$("$DRV" features "$DP" 2>&1 || :)
echo "$out" | sed 's/^/# driver: /'
expect "fallback: the kernel reports per-vport dispatch" "$out" \
    " vport-pids"
expect_not "fallback: ... and not per-CPU dispatch" "$out" " per-cpu"
miss_from_cpu 2 192.0.2.13
finish_driver
out=$(cat /tmp/dn.up)
expect "fallback: the handle says per-vport dispatch" "$out" \
    "mode: per-vport dispatch mode"
line=$(grep -F 'dst=192.0.2.13,' /tmp/dn.up || :)
expect "fallback: a miss from CPU 1 comes up on the one socket" "$line" \
    "miss: in_port 1,"
expect "fallback: ... handler 0" "$line" ", handler 0"
expect "fallback: two readers asked for, one made" "$out" "readers: 1"
expect "fallback: the handle's upcalls are not misrouted" "$out" \
    "misrouted: no"
expect "fallback: no upcall lost" "$out" "lost meanwhile: 0"
for n in 10 11 12 13; do
    "$IP" -n "$NS0" neigh del 192.0.2.$n dev e0 2>/dev/null || :
done

# --- flows -------------------------------------------------------------
add_flows() {
    "$DPCTL" add-flow "system@$DP" "in_port(1),$IPV4_KEY" 2 &&
        "$DPCTL" add-flow "system@$DP" "in_port(2),$IPV4_KEY" 1 &&
        "$DPCTL" add-flow "system@$DP" "in_port(1),$ARP_KEY" 2 &&
        "$DPCTL" add-flow "system@$DP" "in_port(2),$ARP_KEY" 1
}
check "add-flow: IPv4 and ARP, both ways" add_flows
check_fails "add-flow of an existing flow fails" \
    "$DPCTL" add-flow "system@$DP" "in_port(1),$IPV4_KEY" 2
check "ping across the flows" ping_from "$NS0" "$ADDR1" 3

odump=$("$OVS_DPCTL" dump-flows "system@$DP" 2>&1 || :)
echo "$odump" | sed 's/^/# ovs-dpctl: /'
n=$(echo "$odump" | grep -c 'actions:' || :)
if [ "$n" = 4 ]; then ok "ovs-dpctl dump-flows lists 4 flows"; else
    not_ok "ovs-dpctl dump-flows lists 4 flows (got $n)"; fi
expect "ovs-dpctl sees in_port(1) IPv4 -> 2" "$odump" \
    "in_port(1),eth(),eth_type(0x0800),ipv4(frag=no), packets:"
line=$(echo "$odump" | grep -F "in_port(1),eth(),eth_type(0x0800)" || :)
expect "ovs-dpctl sees the actions nicflow gave that flow" "$line" \
    ", actions:2"
line=$(echo "$odump" | grep -F "in_port(2),eth(),eth_type(0x0806)" || :)
expect "ovs-dpctl sees the reverse ARP flow's actions" "$line" \
    ", actions:1"
o1=$(packets_of "$odump" "in_port(1),eth(),eth_type(0x0800)")
if [ "$o1" -ge 3 ]; then ok "the IPv4 flow counted the 3 echo requests ($o1)"
else not_ok "the IPv4 flow counted the 3 echo requests ($o1)"; fi

check "a second ping" ping_from "$NS0" "$ADDR1" 2
odump=$("$OVS_DPCTL" dump-flows "system@$DP" 2>&1 || :)
o2=$(packets_of "$odump" "in_port(1),eth(),eth_type(0x0800)")
if [ "$o2" -ge $((o1 + 2)) ]; then
    ok "ovs-dpctl: the IPv4 flow's packet count rose ($o1 -> $o2)"
else
    not_ok "ovs-dpctl: the IPv4 flow's packet count rose ($o1 -> $o2)"
fi
ndump=$("$DPCTL" dump-flows "system@$DP" 2>&1 || :)
echo "$ndump" | sed 's/^/# nicflow-dpctl: /'
n2=$(packets_of "$ndump" "in_port(1),eth(),eth_type(0x0800)")
if [ "$n2" -ge "$o2" ]; then
    ok "nicflow-dpctl dump-flows agrees ($n2 >= $o2)"
else
    not_ok "nicflow-dpctl dump-flows agrees ($n2 >= $o2)"
fi
out=$("$DPCTL" show "system@$DP" 2>&1 || :)
expect "nicflow-dpctl show counts 4 flows" "$out" "flows: 4"

# --- execute -----------------------------------------------------------
check "a counter of the test's frames on $NS1's e1 (tc flower)" frames_setup
before=$(rx_frames)
FRAME=ffffffffffff02000000000188b5$(printf '%092d' 0)
out=$("$DRV" execute "$DP" 1 2 "$FRAME" 2>&1 || :)
expect "execute: output to port 2 accepted" "$out" "execute: ok"
after=$(rx_frames)
if [ "$after" -eq $((before + 1)) ]; then
    ok "the executed frame arrived in $NS1 ($before -> $after)"
else
    not_ok "the executed frame arrived in $NS1 ($before -> $after)"
fi

out=$("$DRV" action-upcall "$DP" "$FRAME" 2>&1 || :)
echo "$out" | sed 's/^/# driver: /'
expect "a userspace() action without pid comes back as an action upcall" \
    "$out" "action: in_port 1, "
expect "the action upcall carries the frame's key" "$out" \
    "eth(src=02:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),eth_type(0x88b5)"
expect "the action upcall carries its userdata" "$out" \
    "len 60, userdata cafe0001"

# --- mod-flow, get-flow, port counters, a tunnel port ------------------
check "mod-flow: the IPv4 flow from port 1 drops" \
    "$DPCTL" mod-flow "system@$DP" "in_port(1),$IPV4_KEY" drop
line=$("$OVS_DPCTL" dump-flows "system@$DP" 2>&1 |
    grep -F "in_port(1),eth(),eth_type(0x0800)" || :)
expect "ovs-dpctl sees the new actions" "$line" ", actions:drop"
check_fails "no ping while it drops" ping_from "$NS0" "$ADDR1" 1
check "mod-flow --clear: back to port 2, counters zeroed" \
    "$DPCTL" mod-flow --clear "system@$DP" "in_port(1),$IPV4_KEY" 2
line=$("$OVS_DPCTL" dump-flows "system@$DP" 2>&1 |
    grep -F "in_port(1),eth(),eth_type(0x0800)" || :)
expect "ovs-dpctl sees the counters zeroed" "$line" "packets:0, bytes:0"
check "ping again" ping_from "$NS0" "$ADDR1" 1

ufid=$("$DPCTL" -m dump-flows "system@$DP" 2>/dev/null |
    grep -F "in_port(2),eth(),eth_type(0x0806)" | sed -n 's/^\(ufid:[^,]*\),.*/\1/p')
out=$("$DPCTL" get-flow "system@$DP" "${ufid:-ufid:none}" 2>&1 || :)
expect "get-flow by ufid finds the flow" "$out" \
    "$ufid, in_port(2),eth(),eth_type(0x0806), packets:"

# rx_packets DPCTL: port 1's RX packet count as DPCTL's show -s prints it.
rx_packets() {
    "$1" -s show "system@$DP" 2>&1 |
        awk '/port 1: v0/ { getline; sub("packets:", "", $2); print $2; exit }'
}
# The port can receive a packet between two reads (the namespace's own
# IPv6 chatter): ovs-dpctl's count must lie between ours just before and
# just after it.
n_st=$(rx_packets "$DPCTL")
o_st=$(rx_packets "$OVS_DPCTL")
n_st2=$(rx_packets "$DPCTL")
if [ -n "$n_st" ] && [ -n "$o_st" ] && [ -n "$n_st2" ] &&
    [ "$n_st" -gt 0 ] && [ "$n_st" -le "$o_st" ] && [ "$o_st" -le "$n_st2" ]; then
    ok "show -s: port 1's RX count agrees with ovs-dpctl ($n_st <= $o_st <= $n_st2)"
else
    not_ok "show -s: port 1's RX count agrees with ovs-dpctl ($n_st, $o_st, $n_st2)"
fi

check "add-if a vxlan port with dst_port=4790" \
    "$DPCTL" add-if "system@$DP" vx0,type=vxlan,dst_port=4790
out=$("$DPCTL" show "system@$DP" 2>&1 || :)
expect "nicflow-dpctl show: the vxlan port and its UDP port" "$out" \
    "vx0 (vxlan: dst_port=4790)"
line=$("$OVS_DPCTL" show "system@$DP" 2>&1 | grep -F "vx0" || :)
echo "$line" | sed 's/^/# ovs-dpctl: /'
expect "ovs-dpctl sees the vxlan port" "$line" "vx0 (vxlan"
# ovs-dpctl prints its own idea of the options, not the kernel's: the
# device the kernel made says which UDP port it took.
out=$("$IP" -d link show vx0 2>&1 || :)
expect "the kernel's vx0 device listens on UDP port 4790" "$out" \
    "dstport 4790"
check "del-if vx0" "$DPCTL" del-if "system@$DP" vx0

# --- meters ------------------------------------------------------------
before=$(rx_frames)
out=$("$DRV" meter "$DP" "$FRAME" 2>&1 || :)
after=$(rx_frames)
echo "$out" | sed 's/^/# driver: /'
expect "meter features: drop bands" "$out" "drop yes"
expect "meter 1 set (1 packet/s, burst 1)" "$out" "set: ok"
expect "the meter saw the 10 executed frames" "$out" "stats: ok in 10,"
dropped=$(echo "$out" | sed -n 's/^stats: ok in 10, band dropped //p')
passed=$((after - before))
if [ -n "$dropped" ] && [ "$dropped" -ge 5 ] &&
    [ $((passed + dropped)) -eq 10 ]; then
    ok "its drop band dropped $dropped, $passed reached $NS1"
else
    not_ok "its drop band dropped ${dropped:-?}, $passed reached $NS1"
fi
expect "meter del reports its counters" "$out" "del: ok in 10"
expect "a deleted meter is gone" "$out" "get after del: ENOENT"

# --- refusals ----------------------------------------------------------
out=$("$DRV" limit "$DP" 2>&1 || :)
expect "a put beyond the flow limit fails with EFBIG" "$out" \
    "limit: EFBIG: $DP: flow limit of 4 reached"
out=$("$DRV" limit-batches "$DP" 2>&1 || :)
expect "across put batches the limit holds: the 4th of 3 allowed fails" \
    "$out" "limit-batches: ok ok ok EFBIG"
out=$("$DRV" tnl-pop "$DP" 2>&1 || :)
expect "tnl_pop is refused before it reaches the kernel" "$out" \
    "tnl-pop: EINVAL: tnl_pop: a userspace-datapath action"

# --- batches -----------------------------------------------------------
# dpif_execute_batch() and dpif_flow_put_batch(): every request of a
# batch in one message to the kernel, each answered on its own; a member
# that fails (refused here, or by the kernel) does not stop the others.
before=$(rx_frames)
out=$("$DRV" execute-batch "$DP" "$FRAME" otpoo 2>&1 || :)
after=$(rx_frames)
echo "$out" | sed 's/^/# driver: /'
expect "execute batch: the first failure is reported (tnl_pop)" "$out" \
    "execute-batch: EINVAL: tnl_pop: a userspace-datapath action"
if [ "$after" -eq $((before + 3)) ]; then
    ok "execute batch: its 3 good members arrived in $NS1 ($before -> $after)"
else
    not_ok "execute batch: its 3 good members arrived in $NS1 ($before -> $after)"
fi
before=$(rx_frames)
out=$("$DRV" execute-batch "$DP" "$FRAME" opo 2>&1 || :)
after=$(rx_frames)
echo "$out" | sed 's/^/# driver: /'
expect "execute batch: a member the kernel refuses reports the kernel's error" \
    "$out" "execute-batch: EINVAL: kernel datapath $DP could not execute"
if [ "$after" -eq $((before + 2)) ]; then
    ok "execute batch: the members around it arrived ($before -> $after)"
else
    not_ok "execute batch: the members around it arrived ($before -> $after)"
fi

out=$("$DRV" put-batch "$DP" 2>&1 || :)
echo "$out" | sed 's/^/# driver: /'
expect "put batch: the first put goes in" "$out" "put-batch 0: ok"
expect "put batch: the same flow again fails alone with EEXIST" "$out" \
    "put-batch 1: EEXIST"
expect "put batch: tnl_pop is refused with its reason" "$out" \
    "put-batch 2: EINVAL: tnl_pop: a userspace-datapath action"
expect "put batch: a put the kernel refuses reports the kernel's error" \
    "$out" "put-batch 3: EINVAL: kernel datapath $DP refused the flow"
expect "put batch: the put after the failures goes in" "$out" \
    "put-batch 4: ok"
expect "put batch: 3 of 5 failed" "$out" "put-batch failed: 3"
odump=$("$OVS_DPCTL" dump-flows "system@$DP" 2>&1 || :)
expect "ovs-dpctl sees put batch flow A" "$odump" \
    "in_port(2),eth(src=02:00:00:00:00:a1"
expect "ovs-dpctl sees put batch flow D" "$odump" \
    "in_port(2),eth(src=02:00:00:00:00:a4"
expect_not "ovs-dpctl sees no flow of the refused puts" "$odump" \
    "src=02:00:00:00:00:a2"

# More puts than one message carries: the batch is split.
out=$("$DRV" put-many "$DP" 150 2>&1 || :)
expect "put batch of 150 flows: all go in" "$out" "put-many: 150 ok"
n=$("$OVS_DPCTL" dump-flows "system@$DP" 2>&1 | grep -c 'eth_type(0x88b7)' || :)
if [ "$n" = 150 ]; then ok "ovs-dpctl sees the 150 flows"; else
    not_ok "ovs-dpctl sees the 150 flows (got $n)"; fi
out=$("$DRV" put-many "$DP" 150 2>&1 || :)
expect "the same 150 again: each fails on its own" "$out" "put-many: 0 ok"
expect "... with EEXIST" "$out" "put-many 149: EEXIST"

# --- deletion ----------------------------------------------------------
out=$("$DPCTL" -s del-flow "system@$DP" "in_port(2),$IPV4_KEY" 2>&1 || :)
expect "del-flow reports the final counters" "$out" "packets:"
check_fails "no ping once the reply flow is gone" ping_from "$NS0" "$ADDR1" 1
odump=$("$OVS_DPCTL" dump-flows "system@$DP" 2>&1 || :)
expect_not "ovs-dpctl no longer sees the deleted flow" "$odump" \
    "in_port(2),eth(),eth_type(0x0800)"
# The kernel wants tcp_flags with every tcp key; nicflow's megaflows
# leave it out when they do not match on it, so the provider adds it.
# (From port 2: the kernel refuses a flow inside an existing wider one.)
check "a TCP flow without tcp_flags is accepted" "$DPCTL" add-flow \
    "system@$DP" "in_port(2),eth(),eth_type(0x0800),ipv4(proto=6,frag=no),tcp(dst=80)" 1
odump=$("$OVS_DPCTL" dump-flows "system@$DP" 2>&1 || :)
expect "ovs-dpctl sees the TCP flow" "$odump" \
    "ipv4(proto=6,frag=no),tcp(dst=80), packets:0"
check "del-flows" "$DPCTL" del-flows "system@$DP"
odump=$("$OVS_DPCTL" dump-flows "system@$DP" 2>&1 || :)
expect_not "ovs-dpctl sees no flow after del-flows" "$odump" "actions:"
check "del-if v1" "$DPCTL" del-if "system@$DP" v1
out=$("$OVS_DPCTL" show 2>&1 || :)
expect_not "ovs-dpctl no longer sees v1" "$out" "port 2: v1"
check "del-dp" "$DPCTL" del-dp "system@$DP"
out=$("$OVS_DPCTL" dump-dps 2>&1 || :)
expect_not "ovs-dpctl no longer sees the datapath" "$out" "system@$DP"
if "$IP" link show "$DP" >/dev/null 2>&1; then
    not_ok "the datapath's internal device is gone"
else
    ok "the datapath's internal device is gone"
fi

exit $failed
