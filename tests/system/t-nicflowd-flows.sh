#!/bin/bash
# Seed 003 ("云计算底层技术-使用openvswitch") on nicflowd: OpenFlow flows
# written with the real ovs-ofctl 3.1 through the bridge's management
# socket, checked on the wire with tcpdump — a VLAN rewrite before NORMAL,
# a strip and output, a source address rewrite, ICMP sent to one port,
# del-flows by in_port — then two bridges joined by patch ports, and
# fail-mode secure (no flows: nothing forwards) against standalone.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl ovs-ofctl tcpdump ping
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import scapy" 2>/dev/null \
    || { skip all "scapy missing (scripts/install-deps.sh --test)"; exit 0; }
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

DB=unix:$NICFLOW_RUNDIR/db.sock
vsctl() { ovs-vsctl --db="$DB" --timeout=20 "$@"; }
ofctl() { OVS_RUNDIR=$NICFLOW_RUNDIR ovs-ofctl "$@"; }

add_netns w && nsw=$NETNS || { fail "create namespaces"; finish; }
declare -A ns
# Hosts: a..e at 10.0.0.1..5; a, b, c, d on br0, e on br1.
i=0
for h in a b c d e; do
    i=$((i + 1))
    add_netns "$h" && ns[$h]=$NETNS || { fail "create namespaces"; finish; }
    ip link add eth0 netns "${ns[$h]}" type veth peer name "p$h" netns "$nsw"
    ip -n "${ns[$h]}" addr add "10.0.0.$i/24" dev eth0
    ip -n "${ns[$h]}" link set eth0 address "50:54:00:00:00:0$i"
    ip -n "${ns[$h]}" link set eth0 up
    ip -n "$nsw" link set "p$h" up
done

check "create the database" create_db "$NICFLOW_DBDIR/conf.db"
check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"
vsctl --no-wait init
check "nicflowd starts" ip netns exec "$nsw" "$NF_BIN/nicflowd" "$DB" \
    --detach --pidfile --log-file
on_exit "stop_daemon nicflowd"

# The seed's port numbers: 100 (a), 1 (b), 3 (c), 102 (d).
check "br0 with the seed's port numbers" vsctl \
    -- add-br br0 -- set Bridge br0 datapath_type=netdev \
    -- add-port br0 pa -- set Interface pa ofport_request=100 \
    -- add-port br0 pb -- set Interface pb ofport_request=1 \
    -- add-port br0 pc -- set Interface pc ofport_request=3 \
    -- add-port br0 pd -- set Interface pd ofport_request=102
check_output "ovs-ofctl show br0 lists port 100" '100\(pa\)' ofctl show br0
check_output "a new bridge has the NORMAL flow" 'priority=0 actions=NORMAL' \
    ofctl dump-flows br0

# capture HOST FILE: tcpdump on HOST's eth0 into FILE until stop_capture.
capture() {
    ip netns exec "${ns[$1]}" tcpdump --immediate-mode -U -n -e -i eth0 -w "$2" 2>/dev/null &
    cap_pid=$!
    sleep 1
}
stop_capture() { sleep 0.5; kill "$cap_pid" 2>/dev/null; wait "$cap_pid" 2>/dev/null; }
show() { tcpdump -n -e -r "$1" 2>/dev/null; }

# 1. Untagged frames from port 100 get VLAN 101, then NORMAL: b (a trunk
#    port) sees a's ARP tagged.
check "add-flow priority=3,in_port=100,dl_vlan=0xffff,mod_vlan_vid:101,normal" \
    ofctl add-flow br0 \
    "priority=3,in_port=100,dl_vlan=0xffff,actions=mod_vlan_vid:101,normal"
capture b "$NF_TMP/1.pcap"
ip netns exec "${ns[a]}" ping -c 1 -W 1 10.0.0.2 > /dev/null
stop_capture
check_output "b sees a's frames tagged with VLAN 101" \
    '50:54:00:00:00:01 > .*vlan 101' show "$NF_TMP/1.pcap"

# 2. Frames from port 3 in VLAN 101 lose the tag and go to port 1.
check "add-flow in_port=3,dl_vlan=101,actions=strip_vlan,output:1" \
    ofctl add-flow br0 in_port=3,dl_vlan=101,actions=strip_vlan,output:1
capture b "$NF_TMP/2.pcap"
ip netns exec "${ns[c]}" /usr/bin/python3 -c '
from scapy.all import Ether, Dot1Q, IP, ICMP, sendp
sendp(Ether(src="50:54:00:00:00:03", dst="50:54:00:00:00:02") /
      Dot1Q(vlan=101) / IP(src="10.0.0.3", dst="10.0.0.2") / ICMP() / (b"x" * 32),
      iface="eth0", count=3, verbose=False)'
stop_capture
check_output "b gets c's VLAN 101 frames untagged" \
    '50:54:00:00:00:03 > 50:54:00:00:00:02, ethertype IPv4.*10\.0\.0\.3 > 10\.0\.0\.2' \
    show "$NF_TMP/2.pcap"

# 3. Without flow 1, a's IPv4 packets get source 9.181.137.1.
check "del-flows the VLAN rewrite (strict)" ofctl --strict del-flows br0 \
    "priority=3,in_port=100,dl_vlan=0xffff"
check "add-flow priority=1 idle_timeout=0,in_port=100,mod_nw_src:9.181.137.1,normal" \
    ofctl add-flow br0 \
    "priority=1 idle_timeout=0,in_port=100,actions=mod_nw_src:9.181.137.1,normal"
ip netns exec "${ns[b]}" ip neigh replace 10.0.0.1 lladdr 50:54:00:00:00:01 dev eth0
ip netns exec "${ns[a]}" ip neigh replace 10.0.0.2 lladdr 50:54:00:00:00:02 dev eth0
capture b "$NF_TMP/3.pcap"
ip netns exec "${ns[a]}" ping -c 2 -i 0.2 -W 1 10.0.0.2 > /dev/null
stop_capture
check_output "b sees a's ICMP from 9.181.137.1" \
    '9\.181\.137\.1 > 10\.0\.0\.2: ICMP echo request' show "$NF_TMP/3.pcap"

# 4. All ICMP goes to port 102 (d).
check "add-flow idle_timeout=0,dl_type=0x0800,nw_proto=1,actions=output:102" \
    ofctl add-flow br0 idle_timeout=0,dl_type=0x0800,nw_proto=1,actions=output:102
capture d "$NF_TMP/4.pcap"
ip netns exec "${ns[c]}" ip neigh replace 10.0.0.2 lladdr 50:54:00:00:00:02 dev eth0
ip netns exec "${ns[c]}" ping -c 2 -i 0.2 -W 1 10.0.0.2 > /dev/null
stop_capture
check_output "d receives c's ICMP meant for b" \
    '10\.0\.0\.3 > 10\.0\.0\.2: ICMP echo request' show "$NF_TMP/4.pcap"
check_output "dump-flows counts the ICMP flow's packets" \
    'n_packets=[1-9].*icmp actions=output:102' \
    bash -c "sleep 1.2; OVS_RUNDIR=$NICFLOW_RUNDIR ovs-ofctl dump-flows br0"

# 5. del-flows by in_port.
check 'del-flows br0 "in_port=100"' ofctl del-flows br0 in_port=100
check_output "no flow of in_port=100 is left" '^0$' \
    bash -c "OVS_RUNDIR=$NICFLOW_RUNDIR ovs-ofctl dump-flows br0 | grep -c 'in_port=100'; true"

# Patch ports: br1 joined to br0; b reaches e through both bridges.
check "reset br0 to NORMAL" ofctl del-flows br0
check "add-flow br0 actions=NORMAL" ofctl add-flow br0 actions=NORMAL
check "br1 and a patch pair (the seed's command)" vsctl \
    -- add-br br1 -- set Bridge br1 datapath_type=netdev \
    -- add-port br1 pe \
    -- add-port br0 patch0 -- set interface patch0 type=patch options:peer=patch1 \
    -- add-port br1 patch1 -- set interface patch1 type=patch options:peer=patch0
check "b -> e across the patch ports" \
    ip netns exec "${ns[b]}" ping -c 2 -i 0.2 -W 2 10.0.0.5
check "e -> a across the patch ports" \
    ip netns exec "${ns[e]}" ping -c 2 -i 0.2 -W 2 10.0.0.1

# fail-mode: secure with no controller and no flows drops; standalone
# forwards.
check "br1 fail-mode secure, flows deleted" vsctl set-fail-mode br1 secure
check "del-flows br1" ofctl del-flows br1
# The revalidator replaces the installed datapath flows within a moment.
sleep 0.5
check "b -/-> e with br1 secure and empty" \
    bash -c "! ip netns exec '${ns[b]}' ping -c 2 -i 0.2 -W 1 10.0.0.5"
check "add-flow br1 actions=NORMAL" ofctl add-flow br1 actions=NORMAL
check "b -> e once br1 has a flow again" \
    ip netns exec "${ns[b]}" ping -c 2 -i 0.2 -W 2 10.0.0.5

# Meters: an OpenFlow meter is carried by a datapath meter, so a flow
# with meter:N forwards at most the meter's rate.  a's ICMP to b through
# meter 1 (10 packets/s, a burst of 10): 200 echo requests in 2 s, of
# which some 30 may pass.
ofctl13() { ofctl -O OpenFlow13 "$@"; }
check "add-meter br0 meter=1,pktps,burst,stats,band=type=drop,rate=10,burst_size=10" \
    ofctl13 add-meter br0 \
    "meter=1,pktps,burst,stats,bands=type=drop,rate=10,burst_size=10"
check "add-flow priority=40000,icmp,nw_src=10.0.0.1,actions=meter:1,NORMAL" \
    ofctl13 add-flow br0 "priority=40000,icmp,nw_src=10.0.0.1,actions=meter:1,NORMAL"
# received_of N-REQUESTS: pings a -> b, 100 per second; prints how many
# were answered.
received_of() {
    ip netns exec "${ns[a]}" ping -q -c "$1" -i 0.01 -W 1 10.0.0.2 \
        | sed -En 's/.* ([0-9]+) received.*/\1/p'
}
got=$(received_of 200)
if [ -n "$got" ] && [ "$got" -ge 5 ] && [ "$got" -le 60 ]; then
    ok "meter 1 lets about its rate through ($got of 200 answered)"
else
    fail "meter 1 lets about its rate through"
    diag "answered: ${got:-none} of 200 (expected 5..60)"
fi
check_output "the datapath flow charges the meter" 'actions:meter\([0-9]+\)' \
    "$NF_BIN/nicflow-appctl" -t "$NICFLOW_RUNDIR/nicflowd.ctl" \
    dpctl/dump-flows
# meter_count FIELD: meter 1's packet_in_count, or (band) band 0's
# packet_count, from ovs-ofctl meter-stats.
meter_count() {
    ofctl13 meter-stats br0 | sed -En "s/.*$1:([0-9]+).*/\1/p" | head -1
}
in1=$(meter_count packet_in_count)
band1=$(meter_count '^0: packet_count')
if [ "${in1:-0}" -ge 200 ] && [ "${band1:-0}" -ge 100 ] \
    && [ "$band1" -lt "$in1" ]; then
    ok "meter-stats counts the packets ($in1) and the band's drops ($band1)"
else
    fail "meter-stats counts the packets and the band's drops"
    diag "$(ofctl13 meter-stats br0)"
fi
check "mod-meter to 10,000 packets/s" ofctl13 mod-meter br0 \
    "meter=1,pktps,burst,stats,bands=type=drop,rate=10000,burst_size=1000"
got=$(received_of 100)
if [ "$got" = 100 ]; then
    ok "after mod-meter every echo request passes"
else
    fail "after mod-meter every echo request passes"
    diag "answered: ${got:-none} of 100"
fi
in2=$(meter_count packet_in_count)
if [ "${in2:-0}" -ge $((in1 + 100)) ]; then
    ok "meter-stats keeps counting across mod-meter ($in1, then $in2)"
else
    fail "meter-stats keeps counting across mod-meter"
    diag "before: $in1" "$(ofctl13 meter-stats br0)"
fi
check "del-meter br0 meter=1" ofctl13 del-meters br0 meter=1
check_output "deleting the meter deleted its flow" '^0$' \
    bash -c "OVS_RUNDIR=$NICFLOW_RUNDIR ovs-ofctl dump-flows br0 icmp | grep -c meter; true"
check "ping a -> b after the meter is gone" ip netns exec "${ns[a]}" \
    ping -c 2 -i 0.2 -W 2 10.0.0.2

# fan T: eight resubmits to table T.
fan() { local i r=; for i in 1 2 3 4 5 6 7 8; do r+="resubmit(,$1),"; done; echo "${r%,}"; }

# 500 copies of one new UDP packet, sent back to back: those that missed
# after the first one's flow went in take that flow's actions without a
# second translation (coverage upcall_miss_recent), and the rule counts
# every packet once, whichever way it went (translated, recent, or the
# datapath flow's statistics).
# The flow's translation is made long on purpose (512 table visits
# through tables 61-64), so that the copies the datapath queues while the
# first batch of misses is being translated are many on any machine: with
# a translation of a few microseconds a loaded machine could install the
# flow before the second batch was queued, and no copy took the path.
check "add-flow udp,tp_dst=5555 -> (512 visits of tables 61-64) output:1" \
    ofctl add-flow br0 \
    "priority=40000,udp,tp_dst=5555,actions=$(fan 61),output:1"
for t in 61 62 63; do
    check "add-flow table=$t: eight resubmits to table $((t + 1))" \
        ofctl add-flow br0 "table=$t,priority=1,actions=$(fan $((t + 1)))"
done
check "add-flow table=64: a register load" \
    ofctl add-flow br0 "table=64,priority=1,actions=load:1->NXM_NX_REG0[]"
burst() {
    ip netns exec "${ns[a]}" /usr/bin/python3 - <<'PY'
import socket
from scapy.all import Ether, IP, UDP, raw
f = raw(Ether(src="50:54:00:00:00:01", dst="50:54:00:00:00:02") /
        IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=4444, dport=5555) /
        (b"x" * 18))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for _ in range(500):
    s.send(f)
PY
}
# Upcalls are handled on a thread of their own (vswitchd/upcall.c's
# handler threads), named as Open vSwitch names its: the burst's misses
# run there, not on the main thread.
nfd_pid=$(cat "$NICFLOW_RUNDIR/nicflowd.pid")
handler_tid() {
    local t
    for t in /proc/"$nfd_pid"/task/*; do
        [ "$(cat "$t/comm" 2>/dev/null)" = handler1 ] && echo "${t##*/}"
    done
}
htid=$(handler_tid)
check "nicflowd has an upcall handler thread (handler1)" test -n "$htid"
handler_ns() { cut -d' ' -f1 "/proc/$nfd_pid/task/$htid/schedstat" 2>/dev/null; }
handler_upcalls() {
    "$NF_BIN/nicflow-appctl" -t "$NICFLOW_RUNDIR/nicflowd.ctl" coverage/show |
        sed -n 's/^upcall_handler_batch .*total: \([0-9]*\).*/\1/p'
}
h0=$(handler_ns)
b0=$(handler_upcalls)
handler_worked() {
    [ "$(handler_ns)" -gt "${h0:-0}" ] && [ "$(handler_upcalls)" -gt "${b0:-0}" ]
}
check "a sends 500 copies of one UDP packet at once" burst
check_eventually "handler1 ran and handled the burst's misses" 10 handler_worked
recent_total() {
    "$NF_BIN/nicflow-appctl" -t "$NICFLOW_RUNDIR/nicflowd.ctl" coverage/show |
        sed -n 's/^upcall_miss_recent .*total: \([0-9]*\).*/\1/p'
}
# Whether a copy misses after its flow went in depends on how the sender
# and the handler interleave, which a loaded machine can change: when no
# copy took the path, the datapath's flows are purged (so the next burst
# misses again) and the burst is sent again, up to five times.
bursts=1
n_recent=$(recent_total)
while [ "${n_recent:-0}" -lt 1 ] && [ "$bursts" -lt 5 ]; do
    diag "burst $bursts: no copy skipped translation ($(
        "$NF_BIN/nicflow-appctl" -t "$NICFLOW_RUNDIR/nicflowd.ctl" coverage/show |
            awk '/^upcall_(miss|handler_batch|miss_recent) / {printf "%s=%s ", $1, $NF}'
    )); purging and again"
    "$NF_BIN/nicflow-appctl" -t "$NICFLOW_RUNDIR/nicflowd.ctl" \
        revalidator/purge >/dev/null
    burst
    bursts=$((bursts + 1))
    sleep 1
    n_recent=$(recent_total)
done
check "some missed after the flow went in and skipped translation (${n_recent:-0} in $bursts bursts)" \
    test "${n_recent:-0}" -ge 1
want_packets=$((500 * bursts))
counted() {
    ofctl dump-flows br0 udp,tp_dst=5555 | grep -q "n_packets=$want_packets,"
}
check_eventually "the rule counts each of the $want_packets once" 10 counted
diag "$(ofctl dump-flows br0 udp,tp_dst=5555)"

# other_config:n-handler-threads starts the handlers again with that many,
# no more than the datapath has upcall queues (the userspace datapath has
# one), and says so; misses are still handled.
check "set other_config:n-handler-threads=3" vsctl set Open_vSwitch . \
    other_config:n-handler-threads=3
said_one_queue() {
    grep -q 'ovs-netdev: 1 upcall handler thread (3 wanted, but the datapath has 1 upcall queue)' \
        "$NICFLOW_LOGDIR/nicflowd.log"
}
check_eventually "nicflowd starts 1 handler: 3 wanted, the datapath has 1 queue" 10 \
    said_one_queue
new_handler() { htid2=$(handler_tid) && [ -n "$htid2" ] && [ "$htid2" != "$htid" ]; }
check_eventually "handler1 is a new thread" 10 new_handler
check "add-flow udp,tp_dst=5556 -> output:1" ofctl add-flow br0 \
    "priority=40000,udp,tp_dst=5556,actions=output:1"
one_udp() {
    ip netns exec "${ns[a]}" /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"x" * 18, ("10.0.0.2", 5556))'
}
check "a sends a UDP packet to port 5556" one_udp
counted_one() { ofctl dump-flows br0 udp,tp_dst=5556 | grep -q 'n_packets=1,'; }
check_eventually "the new handler handled its miss (the rule counts it)" 10 \
    counted_one
finish
