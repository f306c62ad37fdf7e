#!/bin/bash
# Translation features on nicflowd: learn, conjunction, ofproto/trace's
# forms and the dynamic flow limit.
#
# learn: a fail-mode secure bridge whose table 0
# learns, for each source MAC and VLAN, a table 1 flow that sends frames
# to that MAC out of the port it came in on (Open vSwitch's classic
# "MAC learning with learn()"), then resubmits to table 1, where unknown
# destinations flood.  Checked with the real ovs-ofctl 3.1: the learned
# flows as dump-flows prints them, pings across, unicast no longer
# flooded once learned (tcpdump on the third host), the learned flows'
# hard timeout kept fresh by traffic, ofproto/trace with and without a
# packet, a learning flow replaced; then the dynamic flow limit.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl ovs-ofctl tcpdump ping
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

DB=unix:$NICFLOW_RUNDIR/db.sock
vsctl() { ovs-vsctl --db="$DB" --timeout=20 "$@"; }
ofctl() { OVS_RUNDIR=$NICFLOW_RUNDIR ovs-ofctl "$@"; }

add_netns w && nsw=$NETNS || { fail "create namespaces"; finish; }
# The bridge's own port too stays quiet (no IPv6).
ip netns exec "$nsw" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
declare -A ns
i=0
for h in a b c; do
    i=$((i + 1))
    add_netns "$h" && ns[$h]=$NETNS || { fail "create namespaces"; finish; }
    ip link add eth0 netns "${ns[$h]}" type veth peer name "p$h" netns "$nsw"
    ip -n "${ns[$h]}" addr add "10.0.0.$i/24" dev eth0
    ip -n "${ns[$h]}" link set eth0 address "50:54:00:00:00:0$i"
    ip -n "${ns[$h]}" link set eth0 up
    ip -n "$nsw" link set "p$h" up
    # Quiet hosts: no IPv6 (router solicitations, neighbour discovery) and
    # static neighbours (no ARP), so that only the tests' pings teach.
    ip netns exec "${ns[$h]}" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
for h in a b c; do
    j=0
    for o in a b c; do
        j=$((j + 1))
        [ "$o" = "$h" ] && continue
        ip -n "${ns[$h]}" neigh replace "10.0.0.$j" lladdr "50:54:00:00:00:0$j" \
            nud permanent dev eth0
    done
done

check "create the database" create_db "$NICFLOW_DBDIR/conf.db"
check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"
vsctl --no-wait init
check "nicflowd starts" ip netns exec "$nsw" "$NF_BIN/nicflowd" "$DB" \
    --detach --pidfile --log-file
on_exit "stop_daemon nicflowd"
check "br0 (secure) with pa=1, pb=2, pc=3" vsctl \
    -- add-br br0 -- set Bridge br0 datapath_type=netdev fail_mode=secure \
    -- add-port br0 pa -- set Interface pa ofport_request=1 \
    -- add-port br0 pb -- set Interface pb ofport_request=2 \
    -- add-port br0 pc -- set Interface pc ofport_request=3

LEARN='learn(table=1,hard_timeout=10,priority=5,cookie=0x77,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_OF_IN_PORT[]->NXM_NX_REG0[0..15],output:NXM_OF_IN_PORT[])'
check "add-flow table=0: learn, resubmit(,1)" ofctl add-flow br0 \
    "table=0,actions=$LEARN,resubmit(,1)"
check "add-flow table=1: flood the rest" ofctl add-flow br0 \
    "table=1,priority=0,actions=flood"

check "ping a -> b" ip netns exec "${ns[a]}" ping -c 2 -i 0.2 -W 2 10.0.0.2
# Both directions taught: 50:54::1 is on port 1, 50:54::2 on port 2
# (and nothing else: c has said nothing).
learned() {
    ofctl dump-flows br0 table=1 > "$NF_TMP/t1" &&
        grep -Eq "cookie=0x77, .*table=1, .*hard_timeout=10, idle_age=[0-9]+,( hard_age=[0-9]+,)? priority=5,vlan_tci=0x0000/0x0fff,dl_dst=50:54:00:00:00:01 actions=load:0x1->NXM_NX_REG0\[0..15\],output:1" "$NF_TMP/t1" &&
        grep -q "priority=5,vlan_tci=0x0000/0x0fff,dl_dst=50:54:00:00:00:02 actions=load:0x2->NXM_NX_REG0\[0..15\],output:2" "$NF_TMP/t1"
}
check "dump-flows table=1 has the learned flows, as Open vSwitch prints them" \
    learned
check "only those two" test "$(grep -c 'priority=5,.*dl_dst=50:54' "$NF_TMP/t1")" = 2
diag "$(cat "$NF_TMP/t1")"

# Unicast between a and b no longer reaches c.
ip netns exec "${ns[c]}" tcpdump --immediate-mode -U -n -e -i eth0 \
    -w "$NF_TMP/c.pcap" icmp 2> /dev/null &
cap=$!
sleep 1
check "ping a -> b again" ip netns exec "${ns[a]}" ping -c 5 -i 0.2 -W 2 \
    10.0.0.2
sleep 0.5
kill "$cap" 2> /dev/null
wait "$cap" 2> /dev/null
n=$(tcpdump -n -r "$NF_TMP/c.pcap" 2> /dev/null | grep -c 'ICMP echo')
check "c saw none of a and b's echoes (learned, not flooded: $n)" test "$n" = 0

# Traffic keeps learning, so the learned flows' 10 s hard timeout starts
# again and they stay; without traffic they go.
ip netns exec "${ns[a]}" ping -c 60 -i 0.25 -W 1 10.0.0.2 > /dev/null 2>&1 &
pinger=$!
sleep 14
check "after 14 s of traffic the learned flows are still there" learned
# Their age is past the hard timeout: refreshed, not expired and learned
# anew (dump-flows then says when: hard_age).
old_enough() {
    grep -q 'dl_dst=50:54:00:00:00:01.*' "$NF_TMP/t1" &&
        grep 'dl_dst=50:54:00:00:00:01' "$NF_TMP/t1" | grep -q 'hard_age=' ||
        return 1
    d=$(grep 'dl_dst=50:54:00:00:00:01' "$NF_TMP/t1" | sed -n 's/.*duration=\([0-9]*\)\..*/\1/p')
    [ "${d:-0}" -ge 12 ]
}
check "the one to a is older than its hard timeout, with a hard_age" old_enough
diag "$(cat "$NF_TMP/t1")"
kill "$pinger" 2> /dev/null
wait "$pinger" 2> /dev/null
gone() { ! ofctl dump-flows br0 table=1 | grep -q 'priority=5'; }
wait_until() { # SECONDS COMMAND...
    local n=$1
    shift
    while [ "$n" -gt 0 ]; do
        "$@" && return 0
        sleep 1
        n=$((n - 1))
    done
    return 1
}
check "without traffic they expire (hard_timeout=10)" wait_until 20 gone

# ofproto/trace (the real ovs-appctl), in Open vSwitch 3.1's words:
# without a packet nothing is learned ("suppressing side effects"); with
# a packet its headers are traced (the input port from the flow) and, as
# in Open vSwitch, its learn is applied; likewise with -generate.
appctl() { ovs-appctl -t "$NICFLOW_RUNDIR/nicflowd.ctl" "$@"; }
check "ping a -> b (b learned again)" ip netns exec "${ns[a]}" ping -c 2 \
    -i 0.2 -W 2 10.0.0.2
check_output "ofproto/trace BR_FLOW: the table lines as Open vSwitch's" \
    '^ 0\. priority 32768$' \
    appctl ofproto/trace br0 in_port=1,dl_src=50:54:00:00:00:09,dl_dst=50:54:00:00:00:02
check_output "... a learned flow's line" \
    ' 1\. vlan_tci=0x0000/0x0fff,dl_dst=50:54:00:00:00:02, priority 5, cookie 0x77$' \
    appctl ofproto/trace br0 in_port=1,dl_src=50:54:00:00:00:09,dl_dst=50:54:00:00:00:02
check_output "... and no side effects" \
    '>> suppressing side effects, so learn action ignored' \
    appctl ofproto/trace br0 in_port=1,dl_src=50:54:00:00:00:09,dl_dst=50:54:00:00:00:02
check "a trace without a packet learns nothing" sh -c \
    "! OVS_RUNDIR=$NICFLOW_RUNDIR ovs-ofctl dump-flows br0 table=1 | grep -q dl_dst=50:54:00:00:00:09"
FRAME=50540000000250540000000908004500005400010000400100000a0000090a000002
FRAME=${FRAME}0800f7ff00000000
appctl ofproto/trace br0 in_port=1 "$FRAME" > "$NF_TMP/trace" 2>&1
diag "$(cat "$NF_TMP/trace")"
check_output "ofproto/trace br0 in_port=1 PACKET: the packet's headers" \
    'Flow: in_port=1,dl_src=50:54:00:00:00:09,dl_dst=50:54:00:00:00:02,dl_type=0x0800,nw_src=10.0.0.9,nw_dst=10.0.0.2,nw_proto=1' \
    cat "$NF_TMP/trace"
check_output "... the flow it learns, as Open vSwitch says it" \
    '-> table=1 vlan_tci=0x0000/0x0fff,dl_dst=50:54:00:00:00:09 priority=5 cookie=0x77 hard=10 actions=load:0x1->NXM_NX_REG0\[0..15\],output:1' \
    cat "$NF_TMP/trace"
check_output "... the megaflow in match syntax, as Open vSwitch prints it" \
    '^Megaflow: recirc_id=0,eth,ip,in_port=1,.*dl_src=50:54:00:00:00:09,dl_dst=50:54:00:00:00:02$' \
    cat "$NF_TMP/trace"
check_output "... its datapath actions: out of pb (learned)" \
    'Datapath actions: 3$' cat "$NF_TMP/trace"
check_output "the packet's learn was applied" \
    'dl_dst=50:54:00:00:00:09 actions=load:0x1->NXM_NX_REG0\[0..15\],output:1' \
    ofctl dump-flows br0 table=1
check_output "ofproto/trace ... -generate learns too" \
    '-> table=1 vlan_tci=0x0000/0x0fff,dl_dst=50:54:00:00:00:08 priority=5' \
    appctl ofproto/trace br0 \
    in_port=2,dl_src=50:54:00:00:00:08,dl_dst=50:54:00:00:00:02 -generate
check_output "-generate learned 50:54:00:00:00:08 on port 2" \
    'dl_dst=50:54:00:00:00:08 actions=load:0x2->NXM_NX_REG0\[0..15\],output:2' \
    ofctl dump-flows br0 table=1
ODP='in_port(2),eth(src=50:54:00:00:00:09,dst=50:54:00:00:00:02),eth_type(0x0800)'
check_output "ofproto/trace ODP_FLOW: the datapath flow's bridge and port" \
    '^Flow: in_port=1,dl_src=50:54:00:00:00:09,dl_dst=50:54:00:00:00:02,dl_type=0x0800' \
    appctl ofproto/trace "$ODP"
check_output "ofproto/trace DP ODP_FLOW: the same, to port 2" 'Datapath actions: 3$' \
    appctl ofproto/trace netdev@ovs-netdev "$ODP"
check_output "ofproto/trace of a datapath port of no bridge: the error says so" \
    'datapath port 77 belongs to no bridge' \
    sh -c "ovs-appctl -t $NICFLOW_RUNDIR/nicflowd.ctl ofproto/trace 'in_port(77),eth(),eth_type(0x0800)' 2>&1 || :"
check_output "bad packet data: the error says why" 'Trailing garbage in packet data' \
    sh -c "ovs-appctl -t $NICFLOW_RUNDIR/nicflowd.ctl ofproto/trace br0 in_port=1 50540zz 2>&1 || :"

# The learning flow replaced by a plain resubmit: nothing is learned.
check "add-flow table=0: resubmit(,1) only" ofctl add-flow br0 \
    "table=0,actions=resubmit(,1)"
check "the flows learned before expire" wait_until 20 gone
check "ping a -> b (flooded)" ip netns exec "${ns[a]}" ping -c 2 -i 0.2 -W 2 \
    10.0.0.2
check "nothing learned without the learning flow" gone

# Conjunctive matches: a talks to b only (conjunction(7): source in
# {a, b} and destination in {a, b}), everything else IP is dropped.
check "del-flows" ofctl del-flows br0
for f in "priority=100,ip,nw_src=10.0.0.1,actions=conjunction(7,1/2)" \
    "priority=100,ip,nw_src=10.0.0.2,actions=conjunction(7,1/2)" \
    "priority=100,ip,nw_dst=10.0.0.1,actions=conjunction(7,2/2)" \
    "priority=100,ip,nw_dst=10.0.0.2,actions=conjunction(7,2/2)" \
    "priority=90,conj_id=7,ip,actions=flood" \
    "priority=50,ip,actions=drop" "priority=0,actions=flood"; do
    ofctl add-flow br0 "$f" || fail "add-flow $f"
done
check_output "dump-flows shows the conjunction flows as Open vSwitch does" \
    'priority=100,ip,nw_src=10.0.0.1 actions=conjunction\(7,1/2\)' \
    ofctl dump-flows br0
check "ping a -> b (conjunction 7 satisfied)" ip netns exec "${ns[a]}" \
    ping -c 2 -i 0.2 -W 2 10.0.0.2
check "ping a -> c fails (c is in no clause)" sh -c \
    "! ip netns exec ${ns[a]} ping -c 2 -i 0.2 -W 1 10.0.0.3"
check_output "ofproto/trace a -> b: the conj_id flow" \
    '^ 0\. conj_id=7,ip, priority 90$' \
    appctl ofproto/trace br0 in_port=1,ip,nw_src=10.0.0.1,nw_dst=10.0.0.2
check_output "ofproto/trace a -> c: the drop below" \
    '^ 0\. ip, priority 50$' \
    appctl ofproto/trace br0 in_port=1,ip,nw_src=10.0.0.1,nw_dst=10.0.0.3
check_output "the conj_id flow counted a's and b's packets" \
    'n_packets=[1-9][0-9]*, .*priority=90,conj_id=7,ip actions=FLOOD' \
    ofctl dump-flows br0

# The flow limit, as Open vSwitch's upcall/show and upcall/set-flow-limit
# speak of it: the configured one in force, lowered by hand, then given
# back 1,000 per quick revalidator pass.
check_output "upcall/show: (current) (avg) (max) (limit 200000)" \
    '^  flows         : \(current [0-9]+\) \(avg [0-9]+\) \(max [0-9]+\) \(limit 200000\)$' \
    appctl upcall/show
check_output "upcall/set-flow-limit 5000" 'set flow_limit to 5000' \
    appctl upcall/set-flow-limit 5000
climbs() { appctl upcall/show | grep -Eq '\(limit ([6-9]|[1-9][0-9])[0-9]{3}\)'; }
check "quick passes give the limit back, 1,000 at a time" wait_until 10 climbs
finish
