#!/bin/bash
# rx-after-tc: an afpacket port receives after TC ingress, so frames that a
# TC filter forwards (as offloaded flows do in flower's software path) are
# not forwarded by the softpath a second time.
#
# nicflowd hosts a netdev datapath in a namespace of its own whose ports
# are the outer ends wa, wb of veth pairs from two host namespaces, with
# flows forwarding between them.  The host kernel has no cls_flower, so a
# u32 filter on wa's clsact ingress with "mirred egress redirect dev wb"
# stands for an offloaded flow a -> b.
#   (a) Without the option the softpath taps wa before TC: b receives every
#       echo request twice and the datapath counts them.
#   (b) set-if rx-after-tc=true at run time: the port's sockets move to a
#       passthru macvlan nfrx<ifindex> of wa; TC's pings no longer reach
#       the softpath (port 1 and flow 1 -> 2 stay flat while the u32
#       counters grow) and b sees each request once.
#   (c) What TC does not take still goes through the softpath: the other
#       direction, and everything once the filter is gone — ARP
#       (broadcast), multicast, a VLAN-tagged frame, TCP with GSO
#       super-frames.
#   (d) rx-after-tc=false removes the macvlan; deleting the datapath
#       removes it; one left by a killed nicflowd is recreated.
#   (e) A bad value, and a device that cannot take a macvlan (a bridge
#       port), are refused with a message and change nothing.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd tc tcpdump ping iperf3
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import scapy" 2>/dev/null \
    || { skip all "scapy missing (scripts/install-deps.sh --test)"; exit 0; }
make_tmpdir
D=$NF_BIN/nicflow-dpctl
A=$NF_BIN/nicflow-appctl

# check_error NAME REGEX CMD...: CMD must fail and say something matching
# REGEX.
check_error() {
    local name=$1 re=$2
    shift 2
    check_output "$name" "$re" bash -c '! "$@" 2>&1' _ "$@"
}

add_netns a && nsa=$NETNS && add_netns b && nsb=$NETNS \
    && add_netns w && nsw=$NETNS || { fail "create namespaces"; finish; }
check "veth a <-> w" ip link add va netns "$nsa" type veth peer name wa netns "$nsw"
check "veth b <-> w" ip link add vb netns "$nsb" type veth peer name wb netns "$nsw"
ip -n "$nsa" addr add 10.79.0.1/24 dev va
ip -n "$nsb" addr add 10.79.0.2/24 dev vb
for l in "$nsa va" "$nsb vb" "$nsw wa" "$nsw wb"; do
    set -- $l
    ip -n "$1" link set "$2" up
done
# wa's receive macvlan, named after wa's ifindex.
mv=nfrx$(ip netns exec "$nsw" cat /sys/class/net/wa/ifindex)

# Helpers reading the datapath's and the kernel's counters.
port_rx() {  # port_rx N: packets port N received
    "$D" show -s dp0 | awk -v p="port $1:" \
        '$0 ~ p {getline; sub("packets:", "", $2); print $2}'
}
flow_pkts() {  # flow_pkts N: packets of the flow in_port(N),eth()
    "$D" dump-flows dp0 \
        | sed -n "s/^in_port($1),eth(), packets:\([0-9]*\),.*/\1/p"
}
u32_pkts() {  # packets the u32 filter's mirred action took
    ip netns exec "$nsw" tc -s filter show dev wa ingress \
        | sed -n 's/.*Sent [0-9]* bytes \([0-9]*\) pkt.*/\1/p' | head -1
}
coverage() {  # coverage NAME: a coverage counter's total in nicflowd
    local n
    n=$("$A" -t "$NICFLOW_RUNDIR/nicflowd.ctl" coverage/show \
            | sed -n "s/^$1 .*total: \([0-9]*\).*/\1/p")
    echo "${n:-0}"
}
mv_exists() { ip -n "$nsw" link show "$mv" >/dev/null 2>&1; }

# pings_seen_by_b COUNT: pings a -> b COUNT times while tcpdump in b
# counts the echo requests arriving; prints that number.
pings_seen_by_b() {
    ip netns exec "$nsb" timeout 4 tcpdump -nn -l -i vb \
        'icmp[icmptype] == icmp-echo' > "$NF_TMP/echo" 2>/dev/null &
    local td=$!
    sleep 1
    ip netns exec "$nsa" ping -c "$1" -i 0.2 -W 1 10.79.0.2 > "$NF_TMP/ping" 2>&1
    wait "$td"
    grep -c 'echo request' "$NF_TMP/echo"
}

check "nicflowd starts" ip netns exec "$nsw" "$NF_BIN/nicflowd" --detach \
    --pidfile --log-file
on_exit "stop_daemon nicflowd"
check "add-dp with two ports" "$D" add-dp dp0 wa wb
check "add-flow 1 -> 2" "$D" add-flow dp0 "in_port(1),eth()" 2
check "add-flow 2 -> 1" "$D" add-flow dp0 "in_port(2),eth()" 1
check "ping a -> b through the datapath" \
    ip netns exec "$nsa" ping -c 3 -i 0.2 -W 2 10.79.0.2

# A u32 filter that forwards a's frames to wb by itself: TC's fast path.
check "clsact on wa" ip netns exec "$nsw" tc qdisc add dev wa clsact
check "u32 redirect wa -> wb" ip netns exec "$nsw" tc filter add dev wa \
    ingress protocol all prio 1 u32 match u32 0 0 \
    action mirred egress redirect dev wb

# (a) Baseline: the softpath read the frames before TC, so everything a
# sends reaches b twice.
rx0=$(port_rx 1); f0=$(flow_pkts 1); u0=$(u32_pkts)
seen=$(pings_seen_by_b 5)
rx1=$(port_rx 1); f1=$(flow_pkts 1); u1=$(u32_pkts)
diag "before TC: b saw $seen echo requests for 5 pings;" \
     "port 1 rx $rx0 -> $rx1, flow 1->2 $f0 -> $f1, u32 $u0 -> $u1" \
     "$(tail -2 "$NF_TMP/ping" | head -1)"
check "baseline: TC forwards the pings (u32 took $u0 -> $u1)" \
    test "$u1" -ge $((u0 + 5))
check "baseline: the softpath forwards them too (flow 1->2: $f0 -> $f1)" \
    test "$f1" -ge $((f0 + 5))
check "baseline: b receives every echo request twice ($seen for 5)" \
    test "$seen" -eq 10
check_output "baseline: ping reports the duplicate replies" 'duplicates' \
    cat "$NF_TMP/ping"

# (b) rx-after-tc=true, at run time.
check_fails "no macvlan yet" mv_exists
opened0=$(coverage afpacket_rx_after_tc_open)
check "set-if rx-after-tc=true" "$D" set-if dp0 wa,rx-after-tc=true
check_output "show gives the option" \
    '^  port 1: wa \(afpacket: rx-after-tc=true\)$' "$D" show dp0
check_output "$mv is a passthru macvlan of wa" 'macvlan mode passthru' \
    ip -n "$nsw" -d link show "$mv"
check_output "... up, without ARP, all multicast" \
    "$mv@wa: <[A-Z,]*NOARP,ALLMULTI,UP" ip -n "$nsw" link show "$mv"
check_fails "... with no address" \
    bash -c "ip -n '$nsw' addr show dev '$mv' | grep -q inet"
check_output "... IPv6 off" '^1$' \
    ip netns exec "$nsw" cat "/proc/sys/net/ipv6/conf/$mv/disable_ipv6"
check_output "... IPv4 neither forwarding nor accepting" '^0 1$' \
    bash -c "ip netns exec '$nsw' cat /proc/sys/net/ipv4/conf/$mv/forwarding \
                 /proc/sys/net/ipv4/conf/$mv/rp_filter | xargs"
opened1=$(coverage afpacket_rx_after_tc_open)
check "counted in afpacket_rx_after_tc_open ($opened0 -> $opened1)" \
    test "$opened1" -eq $((opened0 + 1))
sleep 0.3 # The datapath thread takes up the new sockets within 100 ms.

rx0=$(port_rx 1); f0=$(flow_pkts 1); r0=$(flow_pkts 2); u0=$(u32_pkts)
seen=$(pings_seen_by_b 5)
rx1=$(port_rx 1); f1=$(flow_pkts 1); r1=$(flow_pkts 2); u1=$(u32_pkts)
diag "after TC: b saw $seen echo requests for 5 pings;" \
     "port 1 rx $rx0 -> $rx1, flow 1->2 $f0 -> $f1, flow 2->1 $r0 -> $r1," \
     "u32 $u0 -> $u1" "$(tail -2 "$NF_TMP/ping" | head -1)"
check "TC still forwards the pings (u32 took $u0 -> $u1)" \
    test "$u1" -ge $((u0 + 5))
check "... and they do not reach the softpath (port 1 rx: $rx0 -> $rx1)" \
    test "$rx1" -eq "$rx0"
check "... nor its flow 1->2 ($f0 -> $f1)" test "$f1" -eq "$f0"
check "b receives each echo request once ($seen for 5)" test "$seen" -eq 5
check_output "ping: 5 replies, no duplicates" \
    '5 packets transmitted, 5 received, 0% packet loss' cat "$NF_TMP/ping"
check "the replies b -> a go through the softpath (flow 2->1: $r0 -> $r1)" \
    test "$r1" -ge $((r0 + 5))

# (c) Without the filter, everything goes through the softpath again:
# unicast, ARP (broadcast), multicast, a tagged frame, TCP.
check "remove the u32 filter" ip netns exec "$nsw" tc qdisc del dev wa clsact
ip -n "$nsa" neigh flush all
rx0=$(port_rx 1); f0=$(flow_pkts 1)
ip netns exec "$nsb" timeout 8 tcpdump -nn -l -e -i vb \
    'arp or ether multicast or vlan' > "$NF_TMP/bcast" 2>/dev/null &
td=$!
sleep 1
check "ping a -> b through the softpath, ARP first" \
    ip netns exec "$nsa" ping -c 3 -i 0.2 -W 2 10.79.0.2
ip netns exec "$nsa" /usr/bin/python3 -c "
import logging
logging.getLogger('scapy.runtime').setLevel(logging.ERROR)
from scapy.all import Ether, Dot1Q, IP, UDP, sendp, get_if_hwaddr
mac = get_if_hwaddr('va')
sendp(Ether(src=mac, dst='01:00:5e:00:00:fb')/IP(src='10.79.0.1',
      dst='224.0.0.251')/UDP(sport=5353, dport=5353)/b'nicflow-mc',
      iface='va', count=3, verbose=0)
sendp(Ether(src=mac, dst='ff:ff:ff:ff:ff:ff')/Dot1Q(vlan=10)/IP(
      src='10.79.0.1', dst='10.79.0.255')/UDP(dport=9)/b'x', iface='va',
      verbose=0)"
wait "$td"
rx1=$(port_rx 1); f1=$(flow_pkts 1)
check_output "b sees a's ARP request (broadcast) through the softpath" \
    'ARP .*Request who-has 10.79.0.2 tell 10.79.0.1' cat "$NF_TMP/bcast"
check_output "b sees the three multicast frames" '^3$' \
    bash -c "grep -c '224.0.0.251.5353' '$NF_TMP/bcast'"
check_output "b sees the tagged broadcast, tag kept" 'vlan 10, p 0' \
    cat "$NF_TMP/bcast"
check "the softpath received them on port 1 ($rx0 -> $rx1)" \
    test "$rx1" -ge $((rx0 + 3 + 3 + 1 + 1))
check "... and its flow 1->2 took them ($f0 -> $f1)" test "$f1" -ge $((f0 + 8))

# TCP with the veths' offloads on: GSO super-frames come through the
# macvlan with their virtio net headers.
gso0=$(coverage afpacket_rx_gso)
ip netns exec "$nsb" iperf3 -s -1 -D -p 5201 --logfile "$NF_TMP/iperf-s" \
    -I "$NF_TMP/iperf.pid"
on_exit "kill \$(cat '$NF_TMP/iperf.pid' 2>/dev/null) 2>/dev/null"
sleep 0.3
check_output "iperf3 TCP a -> b through the macvlan" 'receiver' \
    ip netns exec "$nsa" iperf3 -c 10.79.0.2 -p 5201 -t 2
diag "TCP: $(printf '%s\n' "$_nf_out" | grep receiver)"
gso1=$(coverage afpacket_rx_gso)
check "GSO super-frames received with their headers ($gso0 -> $gso1)" \
    test "$gso1" -gt "$gso0"
ethtool_k=$(ip netns exec "$nsw" ethtool -k "$mv" 2>/dev/null \
                | grep -E '^(tcp-segmentation-offload|generic-receive-offload|rx-checksumming):')
diag "$mv features:" "$ethtool_k"

# (e) Refusals change nothing.
check_error "a bad value is refused" \
    'wa: rx-after-tc=maybe: expected true or false' \
    "$D" set-if dp0 wa,rx-after-tc=maybe
check_output "... the option is as it was" \
    '^  port 1: wa \(afpacket: rx-after-tc=true\)$' "$D" show dp0
check "... and so is the macvlan" mv_exists
check "... which still carries the traffic" \
    ip netns exec "$nsa" ping -c 2 -i 0.2 -W 2 10.79.0.2

# A bridge port already has an rx_handler: no macvlan for it.
check "a bridge in w" ip -n "$nsw" link add nfbr0 type bridge
check "a veth pair in w" ip -n "$nsw" link add wx type veth peer name wy
ip -n "$nsw" link set wx up
check "add-if wx" "$D" add-if dp0 wx
check "wx joins the bridge" ip -n "$nsw" link set wx master nfbr0
check_error "set-if on a bridge port is refused, saying why" \
    'wx: rx-after-tc: cannot create macvlan nfrx[0-9]+ on wx: the device already has a receive handler: it is a port of a Linux bridge' \
    "$D" set-if dp0 wx,rx-after-tc=true
check_output "... the port is as it was" '^  port 3: wx$' "$D" show dp0
check "wy joins the bridge" ip -n "$nsw" link set wy master nfbr0
ip -n "$nsw" link set wy up
check_error "add-if of a bridge port with the option is refused" \
    'wy: rx-after-tc: .*receive handler' "$D" add-if dp0 wy,rx-after-tc=true
check_fails "... and the port is not added" bash -c "'$D' show dp0 | grep -q wy"
check "del-if wx" "$D" del-if dp0 wx

# (d) Turning it off removes the macvlan; the port receives from wa again.
closed0=$(coverage afpacket_rx_after_tc_close)
check "set-if rx-after-tc=false" "$D" set-if dp0 wa,rx-after-tc=false
check_fails "the macvlan is gone" mv_exists
check_output "show gives the option" \
    '^  port 1: wa \(afpacket: rx-after-tc=false\)$' "$D" show dp0
closed1=$(coverage afpacket_rx_after_tc_close)
check "counted in afpacket_rx_after_tc_close ($closed0 -> $closed1)" \
    test "$closed1" -eq $((closed0 + 1))
sleep 0.3
check "ping a -> b with the port on wa again" \
    ip netns exec "$nsa" ping -c 2 -i 0.2 -W 2 10.79.0.2

# Together with rx-ring: a change of ring keeps the macvlan.
check "set-if rx-after-tc=true,rx-ring=v2" \
    "$D" set-if dp0 wa,rx-after-tc=true,rx-ring=v2
check "the macvlan is back" mv_exists
check "set-if rx-ring=v3 keeps it" "$D" set-if dp0 wa,rx-ring=v3
check_output "show gives both options" \
    '^  port 1: wa \(afpacket: rx-after-tc=true, rx-ring=v3\)$' "$D" show dp0
check "... the macvlan stayed" mv_exists
sleep 0.3
check "ping a -> b through a v3 ring on the macvlan" \
    ip netns exec "$nsa" ping -c 3 -i 0.2 -W 2 10.79.0.2

# Deleting the datapath closes the port and removes the macvlan.
check "del-dp" "$D" del-dp dp0
check_fails "the macvlan went with the datapath" mv_exists

# A nicflowd that is killed leaves its macvlan; the next one recreates it.
check "add-dp with rx-after-tc=true" "$D" add-dp dp0 wa,rx-after-tc=true wb
check "the macvlan exists" mv_exists
old_index=$(ip netns exec "$nsw" cat "/sys/class/net/$mv/ifindex")
pid=$(cat "$NICFLOW_RUNDIR/nicflowd.pid")
kill -9 "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
rm -f "$NICFLOW_RUNDIR/nicflowd.pid"
check "kill -9 leaves the macvlan" mv_exists
check "nicflowd starts again" ip netns exec "$nsw" "$NF_BIN/nicflowd" \
    --detach --pidfile --log-file
check "add-dp with rx-after-tc=true again" \
    "$D" add-dp dp0 wa,rx-after-tc=true wb
new_index=$(ip netns exec "$nsw" cat "/sys/class/net/$mv/ifindex")
check "the leftover was recreated (ifindex $old_index -> $new_index)" \
    test "$new_index" != "$old_index"
check_output "... as counted" '^1$' coverage afpacket_rx_after_tc_stale
check "add-flow 1 -> 2" "$D" add-flow dp0 "in_port(1),eth()" 2
check "add-flow 2 -> 1" "$D" add-flow dp0 "in_port(2),eth()" 1
check "ping a -> b through the new macvlan" \
    ip netns exec "$nsa" ping -c 3 -i 0.2 -W 2 10.79.0.2

# nicflowd's exit removes what it created, even with its datapath open.
stop_daemon nicflowd
check_fails "a stopped nicflowd leaves no macvlan" mv_exists
finish
