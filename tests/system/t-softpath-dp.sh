#!/bin/bash
# The userspace datapath end to end: nicflowd hosts a netdev datapath in a
# namespace of its own whose ports are veth ends from two host namespaces;
# flows go in with nicflow-dpctl (ovs-dpctl's syntax).  Ping, iperf3 TCP
# and UDP cross it with the namespaces' offload settings untouched; VLAN
# push and pop are seen tagged and untagged by tcpdump; a masked set is
# visible on the wire; misses are counted; flow and port statistics add
# up; the commands' errors say what is wrong.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd iperf3 tcpdump ping
# scapy is in the system Python (python3-scapy).
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import scapy" 2>/dev/null \
    || { skip all "scapy missing (scripts/install-deps.sh --test)"; exit 0; }
make_tmpdir
D=$NF_BIN/nicflow-dpctl

add_netns a && nsa=$NETNS && add_netns b && nsb=$NETNS \
    && add_netns w && nsw=$NETNS || { fail "create namespaces"; finish; }
check "veth a <-> w" ip link add va netns "$nsa" type veth peer name wa netns "$nsw"
check "veth b <-> w" ip link add vb netns "$nsb" type veth peer name wb netns "$nsw"
ip -n "$nsa" addr add 10.77.0.1/24 dev va
ip -n "$nsb" addr add 10.77.0.2/24 dev vb
for l in "$nsa va" "$nsb vb" "$nsw wa" "$nsw wb"; do
    set -- $l
    ip -n "$1" link set "$2" up
done

check_output "nicflow-dpctl explains when nicflowd is not running" \
    'is it running' bash -c "'$D' show 2>&1; true"

# nicflowd runs in the switch namespace, where the ports are.
check "nicflowd starts" ip netns exec "$nsw" "$NF_BIN/nicflowd" --detach \
    --pidfile --log-file
on_exit "stop_daemon nicflowd"

check "add-dp with two ports" "$D" add-dp dp0 wa wb
check_output "dump-dps" '^netdev@dp0$' "$D" dump-dps
check_output "show lists the ports" 'port 2: wb' "$D" show
check_output "the datapath's own port is internal" 'port 0: dp0 \(internal\)' \
    "$D" show dp0

# Forwarding both ways.
check "add-flow 1 -> 2" "$D" add-flow "in_port(1),eth()" 2
check "add-flow 2 -> 1 (naming the datapath)" "$D" add-flow dp0 "in_port(2),eth()" 1
check_output "the same flow again is refused" 'exists' \
    bash -c "'$D' add-flow 'in_port(1),eth()' 2 2>&1; true"
check "ping a -> b through the datapath" \
    ip netns exec "$nsa" ping -c 3 -i 0.2 -W 2 10.77.0.2
check_output "flow statistics count the pings" \
    'in_port\(1\),eth\(\), packets:[1-9][0-9]*, bytes:[1-9]' "$D" dump-flows

# The receive ring is a port option: the block ring (v3) forwards too.
# (Latency is make bench's business: no timing thresholds here.)
check "set-if rx-ring=v3" "$D" set-if dp0 wa,rx-ring=v3
check_output "show gives the option" 'port 1: wa \(afpacket: rx-ring=v3\)' "$D" show
check "ping through a v3 ring" \
    ip netns exec "$nsa" ping -c 3 -i 0.2 -W 2 10.77.0.2
check_output "a bad ring type is explained" 'rx-ring=v9: expected auto, v2 or v3' \
    bash -c "'$D' set-if dp0 wa,rx-ring=v9 2>&1; true"
check "set-if back to rx-ring=auto (the default)" "$D" set-if dp0 wa,rx-ring=auto
# The datapath thread picks up the new socket within its 100 ms refresh.
ip netns exec "$nsa" ping -c 2 -i 0.2 -W 2 10.77.0.2 > /dev/null
rtt=$(ip netns exec "$nsa" ping -c 20 -i 0.05 -W 2 10.77.0.2 \
          | sed -n 's|.* = [0-9.]*/\([0-9.]*\)/.*|\1|p')
echo "# auto ring, quiet: average RTT $rtt ms"
check "ping through the auto ring" test -n "$rtt"

ip netns exec "$nsb" iperf3 -s -1 -D -p 5201 --logfile "$NF_TMP/iperf-s"
sleep 0.3
check_output "iperf3 TCP a -> b with offloads untouched" 'receiver' \
    ip netns exec "$nsa" iperf3 -c 10.77.0.2 -p 5201 -t 2
diag "TCP: $(printf '%s\n' "$_nf_out" | grep receiver)"
ip netns exec "$nsb" iperf3 -s -1 -D -p 5202 --logfile "$NF_TMP/iperf-u"
sleep 0.3
check_output "iperf3 UDP a -> b" 'receiver' \
    ip netns exec "$nsa" iperf3 -c 10.77.0.2 -p 5202 -u -b 200M -l 64 -t 2
diag "UDP 64-byte: $(printf '%s\n' "$_nf_out" | grep receiver)"
cov=$("$NF_BIN/nicflow-appctl" -t "$NICFLOW_RUNDIR/nicflowd.ctl" coverage/show)
diag "$(printf '%s\n' "$cov" | grep -E 'afpacket_(ring_switch|rx_block|rx_copy)')"
# rx-ring=auto (the default) takes a busy port to its block ring: the UDP
# test offers far more than the 30 kpps threshold.
switches=$(printf '%s\n' "$cov" \
               | sed -n 's/^afpacket_ring_switch .*total: \([0-9]*\).*/\1/p')
check "under load the port moved to its block ring (${switches:-0} switches)" \
    test "${switches:-0}" -ge 1

# Port statistics: what port 1 received, the flow 1 -> 2 took.  (After a
# moment: under load the port receives on its block ring, whose last block
# the kernel hands over within a millisecond of the last packet.)
sleep 0.5
check_output "port and flow statistics" 'port 1: wa' "$D" show -s
rx1=$("$D" show -s | awk '/port 1:/ {getline; print $2}' | cut -d: -f2)
f12=$("$D" dump-flows | sed -n 's/^in_port(1),eth(), packets:\([0-9]*\),.*/\1/p')
# Frames the ports received before the flows were added (the namespaces'
# IPv6 neighbour discovery when their links came up) are misses.  So:
# every frame any port received was looked up (a hit or a miss, none lost
# in between, ring switches included), and port 1's flow took every frame
# of port 1 but such misses.
st=$("$D" show -s)
hit=$(printf '%s\n' "$st" | sed -n 's/.*lookups: hit:\([0-9]*\) missed:.*/\1/p')
missed=$(printf '%s\n' "$st" | sed -n 's/.*lookups: hit:[0-9]* missed:\([0-9]*\).*/\1/p')
rx_all=$(printf '%s\n' "$st" | awk '/^  port [0-9]+:/ {getline; split($2, a, ":"); n += a[2]} END {print n}')
check "every frame received was looked up ($rx_all = $hit hits + $missed misses)" \
    test "$rx_all" -eq $((hit + missed))
check "the flow from port 1 saw every packet port 1 received but misses ($f12 of $rx1)" \
    test "$f12" -le "$rx1" -a $((rx1 - f12)) -le "${missed:-0}"

# A masked set, seen on the wire.
check "mod-flow with a masked set of the TTL" "$D" mod-flow \
    "in_port(1),eth()" "set(ipv4(ttl=9/0xff)),2"
ip netns exec "$nsb" timeout 5 tcpdump -nn -v -c 1 -i vb icmp \
    > "$NF_TMP/ttl" 2>/dev/null &
sleep 1
ip netns exec "$nsa" ping -c 1 -W 1 10.77.0.2 > /dev/null
wait
check_output "the receiver sees TTL 9" 'ttl 9,' cat "$NF_TMP/ttl"

# VLAN push on the way to b, pop on the way back.
check "mod-flow 1 -> push_vlan(10) -> 2" "$D" mod-flow "in_port(1),eth()" \
    "push_vlan(vid=10,pcp=0),2"
check "mod-flow 2 -> pop_vlan -> 1" "$D" mod-flow "in_port(2),eth()" "pop_vlan,1"
ip netns exec "$nsb" timeout 5 tcpdump -nn -e -c 1 -i vb icmp \
    > "$NF_TMP/tagged" 2>/dev/null &
ip netns exec "$nsa" timeout 5 tcpdump -nn -e -c 1 -i va udp port 9 \
    > "$NF_TMP/untagged" 2>/dev/null &
sleep 1
ip netns exec "$nsa" ping -c 1 -W 1 10.77.0.2 > /dev/null
ip netns exec "$nsb" /usr/bin/python3 -c "
from scapy.all import Ether, Dot1Q, IP, UDP, sendp
sendp(Ether(dst='ff:ff:ff:ff:ff:ff')/Dot1Q(vlan=10)/IP(src='10.77.0.2',
      dst='10.77.0.1')/UDP(dport=9)/b'x', iface='vb', verbose=0)"
wait
check_output "b sees a's ping tagged with VLAN 10" 'vlan 10, p 0' \
    cat "$NF_TMP/tagged"
check_output "a sees b's tagged frame untagged" 'ethertype IPv4' \
    cat "$NF_TMP/untagged"
check "... with no tag left" \
    bash -c "test -s '$NF_TMP/untagged' && ! grep -q 802.1Q '$NF_TMP/untagged'"

# A miss: no flow for port 2's frames once its flow is gone.  Misses
# become upcalls a client reads ("upcalls", which also turns queuing on).
check "del-flow" "$D" del-flow "in_port(2),eth()"
check_output "no upcall queued yet" '^$' "$D" upcalls dp0
missed0=$("$D" show | sed -n 's/.*missed:\([0-9]*\).*/\1/p')
ip netns exec "$nsb" /usr/bin/python3 -c "
from scapy.all import Ether, IP, UDP, sendp
sendp(Ether(dst='ff:ff:ff:ff:ff:ff')/IP(src='10.77.0.2',dst='10.77.0.1')/UDP(dport=9),
      iface='vb', count=3, verbose=0)"
sleep 0.5
missed1=$("$D" show | sed -n 's/.*missed:\([0-9]*\).*/\1/p')
# (At least three: b's own kernel may send a neighbour or listener report
# at any time, which misses too; the upcalls below are counted exactly.)
check "three misses counted ($missed0 -> $missed1)" \
    test "$missed1" -ge $((missed0 + 3))
"$D" upcalls dp0 > "$NF_TMP/upcalls"
check_output "the three misses are read as upcalls" '^3$' \
    bash -c "grep -c '^miss: in_port 2, .*in_port(2).*udp(src=53,dst=9)' '$NF_TMP/upcalls'"
# Gone once read: none of the three comes again (b's kernel may have sent
# something of its own meanwhile, which is queued as a miss too).
gone() { ! "$D" upcalls dp0 | grep -q 'udp(src=53,dst=9)'; }
check "... and are gone once read" gone

# Errors.
check_output "a bad flow key is explained" 'in_port' \
    bash -c "'$D' add-flow 'in_port(x)' 1 2>&1; true"
check_output "bad actions are explained" 'bogus' \
    bash -c "'$D' add-flow 'in_port(1),eth()' 'bogus' 2>&1; true"
check_output "an unknown command is refused" 'unknown command' \
    bash -c "'$D' frobnicate 2>&1; true"
check_output "no such datapath" 'no such datapath' \
    bash -c "'$D' show dp9 2>&1; true"

check "del-flows" "$D" del-flows
check_output "... leaves none" '^$' "$D" dump-flows
check "del-if" "$D" del-if dp0 wb
check_fails "... port 2 is gone" bash -c "'$D' show | grep -q 'port 2'"
check "del-dp" "$D" del-dp dp0
check_output "... no datapath left" '^$' "$D" dump-dps
finish
