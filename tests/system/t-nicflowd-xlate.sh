#!/bin/bash
# Translation features on nicflowd: learn, conjunction, ofproto/trace's
# forms, a datapath flow's actions changed in place by the revalidator,
# and the dynamic flow limit.
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
FRAME=50540000000250540000000908004500001c00010000400100000a0000090a000002
FRAME=${FRAME}0800f7ff00000000
appctl ofproto/trace br0 in_port=1 "$FRAME" > "$NF_TMP/trace" 2>&1
diag "$(cat "$NF_TMP/trace")"
check_output "ofproto/trace br0 in_port=1 PACKET: the packet's headers" \
    '^Flow: icmp,in_port=1,vlan_tci=0x0000,dl_src=50:54:00:00:00:09,dl_dst=50:54:00:00:00:02,nw_src=10.0.0.9,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,icmp_type=8,icmp_code=0$' \
    cat "$NF_TMP/trace"
check_output "... the flow it learns, as Open vSwitch says it" \
    '-> table=1 vlan_tci=0x0000/0x0fff,dl_dst=50:54:00:00:00:09 priority=5 cookie=0x77 hard=10 actions=load:0x1->NXM_NX_REG0\[0..15\],output:1' \
    cat "$NF_TMP/trace"
check_output "... the megaflow in match syntax, as Open vSwitch prints it" \
    '^Megaflow: recirc_id=0,eth,ip,in_port=1,.*dl_src=50:54:00:00:00:09,dl_dst=50:54:00:00:00:02$' \
    cat "$NF_TMP/trace"
check_output "... Final flow: the learned flow's load into reg0" \
    '^Final flow: icmp,reg0=0x2,in_port=1,vlan_tci=0x0000,dl_src=50:54:00:00:00:09,dl_dst=50:54:00:00:00:02,nw_src=10.0.0.9,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,icmp_type=8,icmp_code=0$' \
    cat "$NF_TMP/trace"
check_output "... placed right before the megaflow, as Open vSwitch does" \
    '^Megaflow: ' sh -c "grep -A1 '^Final flow' $NF_TMP/trace | tail -n 1"
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
    '^Flow: ip,in_port=1,vlan_tci=0x0000,dl_src=50:54:00:00:00:09,dl_dst=50:54:00:00:00:02,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_proto=0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no$' \
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

# ofproto/trace's "Flow:" and "Final flow:" lines, compared with a real
# ovs-vswitchd 3.1 given the same flows (its bridge on the dummy datapath
# with dummy ports 1..3: no kernel objects), then written out for an
# ICMP, a TCP and an ARP packet and packets changed by mod_nw_src,
# mod_vlan_vid, strip_vlan, mod_tp_dst and a register load; for tunnel
# metadata given in the flow (the whole tunnel printed, tun_id only with
# a key) and set by set_field; for a recirc_id given ("eth" after it);
# and, "Flow:" only, for pipeline fields given (registers, metadata,
# conntrack state), which the translation does not start from yet.
OVSD=$NF_TMP/ovs
start_ovs_dummy() {
    local OVS_RUNDIR=$OVSD OVS_LOGDIR=$OVSD OVS_DBDIR=$OVSD
    export OVS_RUNDIR OVS_LOGDIR OVS_DBDIR
    mkdir -p "$OVSD"
    ovsdb-tool create "$OVSD/conf.db" \
        /usr/share/openvswitch/vswitch.ovsschema || return 1
    ovsdb-server "$OVSD/conf.db" --remote="punix:$OVSD/db.sock" \
        --pidfile="$OVSD/ovsdb-server.pid" --no-chdir \
        --log-file="$OVSD/ovsdb-server.log" --detach -vconsole:off || return 1
    on_exit "kill \$(cat '$OVSD/ovsdb-server.pid') 2>/dev/null"
    ovs-vsctl --db="unix:$OVSD/db.sock" --no-wait init || return 1
    ovs-vswitchd "unix:$OVSD/db.sock" --pidfile="$OVSD/ovs-vswitchd.pid" \
        --no-chdir --log-file="$OVSD/ovs-vswitchd.log" --detach \
        --disable-system --enable-dummy -vconsole:off || return 1
    on_exit "kill \$(cat '$OVSD/ovs-vswitchd.pid') 2>/dev/null"
    ovs-vsctl --db="unix:$OVSD/db.sock" --timeout=20 add-br br0 \
        -- set bridge br0 datapath_type=dummy fail_mode=secure \
        -- add-port br0 p1 -- set interface p1 type=dummy ofport_request=1 \
        -- add-port br0 p2 -- set interface p2 type=dummy ofport_request=2 \
        -- add-port br0 p3 -- set interface p3 type=dummy ofport_request=3
}
ovs_ofctl() { OVS_RUNDIR=$OVSD ovs-ofctl "$@"; }
ovs_appctl() {
    ovs-appctl -t "$OVSD/ovs-vswitchd.$(cat "$OVSD/ovs-vswitchd.pid").ctl" "$@"
}
cat > "$NF_TMP/trace-flows" << 'EOF'
priority=10,in_port=1,ip,nw_src=10.0.0.9 actions=mod_nw_src:10.0.0.99,output:2
priority=10,in_port=1,arp actions=mod_vlan_vid:5,output:2
priority=5,tcp actions=mod_tp_dst:8080,load:0x5->NXM_NX_REG0[],output:2
priority=10,in_port=3 actions=strip_vlan,output:2
priority=20,udp,in_port=2,udp_dst=4789 actions=set_field:192.0.2.9->tun_dst,set_field:0x7->tun_id,set_field:5->tun_gbp_id,set_field:+oam->tun_flags,output:3
priority=20,udp,in_port=2,udp_dst=6081 actions=set_field:2001:db8::9->tun_ipv6_dst,output:3
priority=20,udp,in_port=2,udp_dst=1 actions=set_field:0x8->tun_id,output:3
priority=30,reg0=1,metadata=0x7 actions=load:0x9->NXM_NX_REG1[],output:3
priority=30,reg15=9 actions=set_field:0x11->metadata,output:1
priority=30,ct_state=+trk,ct_zone=5 actions=output:3
priority=0 actions=output:2
EOF
check "del-flows" ofctl del-flows br0
check "add-flows (the trace's flows)" ofctl add-flows br0 "$NF_TMP/trace-flows"
E=dl_src=50:54:00:00:00:09,dl_dst=50:54:00:00:00:02
ARP=arp,in_port=1,dl_src=50:54:00:00:00:09,arp_spa=10.0.0.9,arp_tpa=10.0.0.2
ARP=$ARP,arp_op=1,arp_sha=50:54:00:00:00:09
TCP=tcp,in_port=2,$E,nw_src=10.0.0.9,nw_dst=10.0.0.2,nw_ttl=64,tp_src=1000
TCP=$TCP,tp_dst=80
TUN=tun_id=0x5,tun_src=192.0.2.1,tun_dst=192.0.2.2
# One trace per line: its arguments after "br0", '|' between them.
cat > "$NF_TMP/traces" << EOF
in_port=1|$FRAME
in_port=2|$FRAME
$TCP
$ARP
udp6,in_port=2,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,nw_ttl=64
icmp6,in_port=2,icmpv6_type=135,nd_target=fe80::1,nd_sll=11:22:33:44:55:66
icmp6,in_port=2,icmpv6_type=128
in_port=3,dl_vlan=7,dl_vlan_pcp=2,ip,nw_src=1.1.1.1
in_port=2,dl_type=0x88cc,dl_src=00:00:00:00:00:01
in_port=2
in_port=2,ip,nw_frag=later,nw_proto=6
mpls,in_port=2,mpls_label=5,mpls_ttl=3
in_port=2,pkt_mark=3,ip
in_port=2,ip,nw_tos=4,nw_ecn=1,nw_proto=47
in_port=2,tcp,tcp_flags=0x012
$TUN,in_port=1,ip,nw_src=10.0.0.9
$TUN,udp,in_port=2,udp_dst=1
$TUN,udp,in_port=2,udp_dst=4789
tun_id=0x5,in_port=2,udp
tun_ipv6_src=2001:db8::1,tun_ipv6_dst=2001:db8::2,tun_flags=oam,in_port=2,arp
tun_id=0x9,tun_dst=192.0.2.2,in_port=3,dl_vlan=7,ip
udp,in_port=2,udp_dst=4789
udp,in_port=2,udp_dst=6081
udp,in_port=2,udp_dst=1
recirc_id=1,in_port=2,udp
recirc_id=0x2a,pkt_mark=7,in_port=2,$E,ip
recirc_id=1,in_port=2,arp
in_port=2,pkt_mark=3,recirc_id=4,dp_hash=5,ip
in_port=2,ip,nw_proto=2
in_port=2,ipv6,nw_proto=1
EOF
# Pipeline fields given in the flow: the translation starts with them
# (the flows above match registers, metadata and conntrack fields), and
# "Final flow:" prints them again; a recirc_id has no recirculation
# context behind it, and the trace says so as Open vSwitch's does.
# (Datapath port numbers differ between the two switches, so the
# datapath actions are not compared.)
cat > "$NF_TMP/traces-flow" << EOF
reg0=1,reg3=0x5,metadata=0x7,in_port=2
ct_state=0x21,ct_zone=5,ct_mark=3,ct_label=0x5,in_port=2,ip
ct_state=0x22,ct_nw_proto=6,ct_nw_src=1.1.1.1,ct_nw_dst=2.2.2.2,ct_tp_src=1,ct_tp_dst=2,in_port=2,tcp
pkt_mark=1,skb_priority=2,reg15=9,recirc_id=3,ct_mark=1,metadata=0x10,in_port=2
reg15=9,in_port=1,ip
EOF
trace_flow_lines() { # APPCTL LINE REGEX: its trace's lines REGEX matches
    local IFS='|' args
    read -ra args <<< "$2"
    "$1" ofproto/trace br0 "${args[@]}" 2>&1 | grep -E "$3"
}
compare_traces() { # FILE REGEX WHAT: FILE's traces' REGEX lines, both
    local t what
    while IFS= read -r t; do
        what="ofproto/trace br0 $t: $3 as ovs-vswitchd 3.1's"
        trace_flow_lines appctl "$t" "$2" > "$NF_TMP/nf.lines"
        trace_flow_lines ovs_appctl "$t" "$2" > "$NF_TMP/ovs.lines"
        if [ -s "$NF_TMP/ovs.lines" ] &&
            cmp -s "$NF_TMP/nf.lines" "$NF_TMP/ovs.lines"; then
            ok "$what"
        else
            fail "$what"
            diag "nicflowd:" "$(cat "$NF_TMP/nf.lines")" \
                "ovs-vswitchd:" "$(cat "$NF_TMP/ovs.lines")"
        fi
    done < "$1"
}
if check_here "ovs-vswitchd 3.1 (dummy datapath) with br0, ports 1..3" \
    start_ovs_dummy &&
    check "the same flows on it" ovs_ofctl add-flows br0 "$NF_TMP/trace-flows"; then
    compare_traces "$NF_TMP/traces" '^(Flow|Final flow):' \
        "Flow and Final flow"
    compare_traces "$NF_TMP/traces-flow" '^(Flow|Final flow|Translation failed)' \
        "Flow, Final flow and the failure line"
fi
# The same, written out (so that they hold without ovs-vswitchd too).
check_output "trace reg0=1,reg3=0x5,metadata=0x7: the reg0/metadata flow loads reg1" \
    '^Final flow: reg0=0x1,reg1=0x9,reg3=0x5,metadata=0x7,in_port=2,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,dl_type=0x0000$' \
    appctl ofproto/trace br0 reg0=1,reg3=0x5,metadata=0x7,in_port=2
check_output "trace recirc_id=3: no recirculation context, dropped" \
    '^Translation failed \(No recirculation context\), packet is dropped\.$' \
    appctl ofproto/trace br0 recirc_id=3,in_port=2
appctl ofproto/trace br0 in_port=1 "$FRAME" > "$NF_TMP/trace" 2>&1
check_output "trace ICMP packet, mod_nw_src: Flow" \
    '^Flow: icmp,in_port=1,vlan_tci=0x0000,dl_src=50:54:00:00:00:09,dl_dst=50:54:00:00:00:02,nw_src=10.0.0.9,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,icmp_type=8,icmp_code=0$' \
    cat "$NF_TMP/trace"
check_output "... Final flow: nw_src=10.0.0.99" \
    '^Final flow: icmp,in_port=1,vlan_tci=0x0000,dl_src=50:54:00:00:00:09,dl_dst=50:54:00:00:00:02,nw_src=10.0.0.99,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,icmp_type=8,icmp_code=0$' \
    cat "$NF_TMP/trace"
appctl ofproto/trace br0 "$TCP" > "$NF_TMP/trace" 2>&1
check_output "trace TCP, mod_tp_dst and load reg0: Flow" \
    '^Flow: tcp,in_port=2,vlan_tci=0x0000,dl_src=50:54:00:00:00:09,dl_dst=50:54:00:00:00:02,nw_src=10.0.0.9,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=1000,tp_dst=80,tcp_flags=0$' \
    cat "$NF_TMP/trace"
check_output "... Final flow: reg0 and tp_dst=8080" \
    '^Final flow: tcp,reg0=0x5,in_port=2,vlan_tci=0x0000,dl_src=50:54:00:00:00:09,dl_dst=50:54:00:00:00:02,nw_src=10.0.0.9,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=1000,tp_dst=8080,tcp_flags=0$' \
    cat "$NF_TMP/trace"
appctl ofproto/trace br0 "$ARP" > "$NF_TMP/trace" 2>&1
check_output "trace ARP, mod_vlan_vid:5: Flow" \
    '^Flow: arp,in_port=1,vlan_tci=0x0000,dl_src=50:54:00:00:00:09,dl_dst=00:00:00:00:00:00,arp_spa=10.0.0.9,arp_tpa=10.0.0.2,arp_op=1,arp_sha=50:54:00:00:00:09,arp_tha=00:00:00:00:00:00$' \
    cat "$NF_TMP/trace"
check_output "... Final flow with the pushed tag" \
    '^Final flow: arp,in_port=1,dl_vlan=5,dl_vlan_pcp=0,vlan_tci1=0x0000,dl_src=50:54:00:00:00:09,dl_dst=00:00:00:00:00:00,arp_spa=10.0.0.9,arp_tpa=10.0.0.2,arp_op=1,arp_sha=50:54:00:00:00:09,arp_tha=00:00:00:00:00:00$' \
    cat "$NF_TMP/trace"
appctl ofproto/trace br0 in_port=3,dl_vlan=7,dl_vlan_pcp=2,ip,nw_src=1.1.1.1 \
    > "$NF_TMP/trace" 2>&1
check_output "trace VLAN 7, strip_vlan: tagged Flow" \
    '^Flow: ip,in_port=3,dl_vlan=7,dl_vlan_pcp=2,vlan_tci1=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=1.1.1.1,nw_dst=0.0.0.0,nw_proto=0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no$' \
    cat "$NF_TMP/trace"
check_output "... untagged Final flow" \
    '^Final flow: ip,in_port=3,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=1.1.1.1,nw_dst=0.0.0.0,nw_proto=0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no$' \
    cat "$NF_TMP/trace"
check_output "trace non-IP: its dl_type, nothing above" \
    '^Flow: in_port=2,vlan_tci=0x0000,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:00,dl_type=0x88cc$' \
    appctl ofproto/trace br0 in_port=2,dl_type=0x88cc,dl_src=00:00:00:00:00:01
appctl ofproto/trace br0 "$TUN,in_port=1,ip,nw_src=10.0.0.9" \
    > "$NF_TMP/trace" 2>&1
check_output "trace with tunnel metadata: the whole tunnel, no tun_id (no key)" \
    '^Flow: ip,tun_src=192.0.2.1,tun_dst=192.0.2.2,tun_ipv6_src=::,tun_ipv6_dst=::,tun_gbp_id=0,tun_gbp_flags=0,tun_tos=0,tun_ttl=0,tun_erspan_ver=0,gtpu_flags=0,gtpu_msgtype=0,tun_flags=0,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=10.0.0.9,nw_dst=0.0.0.0,nw_proto=0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no$' \
    cat "$NF_TMP/trace"
check_output "... Final flow: the same tunnel, nw_src=10.0.0.99" \
    '^Final flow: ip,tun_src=192.0.2.1,tun_dst=192.0.2.2,tun_ipv6_src=::,tun_ipv6_dst=::,tun_gbp_id=0,tun_gbp_flags=0,tun_tos=0,tun_ttl=0,tun_erspan_ver=0,gtpu_flags=0,gtpu_msgtype=0,tun_flags=0,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=10.0.0.99,nw_dst=0.0.0.0,nw_proto=0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no$' \
    cat "$NF_TMP/trace"
check_output "trace with tun_id and no tunnel destination: tun_id only" \
    '^Flow: udp,tun_id=0x5,in_port=2,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=0$' \
    appctl ofproto/trace br0 tun_id=0x5,in_port=2,udp
check_output "trace set_field tun_dst, tun_id, tun_gbp_id, tun_flags: Final flow" \
    '^Final flow: udp,tun_src=0.0.0.0,tun_dst=192.0.2.9,tun_ipv6_src=::,tun_ipv6_dst=::,tun_gbp_id=5,tun_gbp_flags=0,tun_tos=0,tun_ttl=0,tun_erspan_ver=0,gtpu_flags=0,gtpu_msgtype=0,tun_flags=oam,in_port=2,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=4789$' \
    appctl ofproto/trace br0 udp,in_port=2,udp_dst=4789
check_output "trace set_field tun_id alone: Final flow with tun_id" \
    '^Final flow: udp,tun_id=0x8,in_port=2,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=1$' \
    appctl ofproto/trace br0 udp,in_port=2,udp_dst=1
check_output "trace recirc_id=1: eth after it" \
    '^Flow: recirc_id=0x1,eth,udp,in_port=2,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=0$' \
    appctl ofproto/trace br0 recirc_id=1,in_port=2,udp
check_output "trace registers and metadata given: Flow has them" \
    '^Flow: reg0=0x1,reg3=0x5,metadata=0x7,in_port=2,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,dl_type=0x0000$' \
    appctl ofproto/trace br0 reg0=1,reg3=0x5,metadata=0x7,in_port=2
check_output "trace conntrack fields given: Flow has them" \
    '^Flow: ct_state=new\|trk,ct_zone=5,ct_mark=0x3,ct_label=0x5,ip,in_port=2,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_proto=0,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no$' \
    appctl ofproto/trace br0 ct_state=0x21,ct_zone=5,ct_mark=3,ct_label=0x5,in_port=2,ip
check_output "trace pkt_mark, recirc_id, skb_priority, ct_mark, reg15: their order" \
    '^Flow: pkt_mark=0x1,recirc_id=0x3,skb_priority=0x2,ct_mark=0x1,eth,reg15=0x9,metadata=0x10,in_port=2,' \
    appctl ofproto/trace br0 pkt_mark=1,skb_priority=2,reg15=9,recirc_id=3,ct_mark=1,metadata=0x10,in_port=2

# learn's limit=N and result_dst, and delete_learned, with the real
# ovs-ofctl 3.1 (the flows learned by traces with -generate: three source
# MACs, deterministic), the same on ovs-vswitchd 3.1 when it runs.
LIMIT='learn(table=1,cookie=0x5,limit=2,result_dst=NXM_NX_REG1[0],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[])'
DELL='learn(table=1,cookie=0x6,delete_learned,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[])'
learn_lab() { # OFCTL APPCTL: limit=2 and three MACs, then delete_learned
    local of=$1 ac=$2 m
    "$of" del-flows br0 &&
        "$of" add-flow br0 "table=0,in_port=1,actions=$LIMIT,output:2" &&
        "$of" add-flow br0 "table=0,in_port=2,actions=$DELL,output:1" || return 1
    for m in 1 2 3; do
        "$ac" ofproto/trace br0 in_port=1,dl_src=00:00:00:00:00:0$m -generate \
            > "$NF_TMP/lab.trace.$m" || return 1
    done
    "$of" dump-flows br0 table=1 > "$NF_TMP/lab.limit" || return 1
    for m in 7 8; do
        "$ac" ofproto/trace br0 in_port=2,dl_src=00:00:00:00:00:0$m -generate \
            > /dev/null || return 1
    done
    "$of" dump-flows br0 table=1 > "$NF_TMP/lab.learned" &&
        "$of" del-flows br0 table=0,in_port=2 &&
        "$of" dump-flows br0 table=1 > "$NF_TMP/lab.after"
}
lab_checks() { # WHO
    check "$1: limit=2: two flows learned of three MACs" \
        test "$(grep -c 'cookie=0x5,' "$NF_TMP/lab.limit")" = 2
    check_output "$1: ... the first two" \
        'dl_dst=00:00:00:00:00:02 actions=output:1' cat "$NF_TMP/lab.limit"
    check "$1: ... not the third" \
        sh -c "! grep -q dl_dst=00:00:00:00:00:03 $NF_TMP/lab.limit"
    check_output "$1: ... learned: result_dst reg1[0] is 1" \
        '^Final flow: reg1=0x1,in_port=1,' cat "$NF_TMP/lab.trace.2"
    check_output "$1: ... the third: 'Limit exceeded, learn failed'" \
        '^     -> Limit exceeded, learn failed$' cat "$NF_TMP/lab.trace.3"
    check_output "$1: ... and reg1[0] stays 0 (Final flow unchanged)" \
        '^Final flow: unchanged$' cat "$NF_TMP/lab.trace.3"
    check "$1: delete_learned: two flows learned" \
        test "$(grep -c 'cookie=0x6,' "$NF_TMP/lab.learned")" = 2
    check "$1: ... gone with the learning flow" \
        sh -c "! grep -q cookie=0x6, $NF_TMP/lab.after"
    check "$1: ... the limit=2 learn's flows (no delete_learned) stay" \
        test "$(grep -c 'cookie=0x5,' "$NF_TMP/lab.after")" = 2
}
if check "learn limit/delete_learned lab on nicflowd" learn_lab ofctl appctl; then
    lab_checks nicflowd
fi
if [ -s "$OVSD/ovs-vswitchd.pid" ] &&
    check "the same lab on ovs-vswitchd 3.1" learn_lab ovs_ofctl ovs_appctl; then
    lab_checks ovs-vswitchd
fi

# A flow-mod that changes only a flow's actions: the revalidator changes
# the installed datapath flow in place (revalidate_modified), which then
# forwards with the new actions, and later passes find it up to date (a
# wrong copy of its actions would be "modified" again when the next
# flow-mod has every flow translated again).
dp_port() { appctl dpctl/show | sed -n "s/^ *port \([0-9]*\): $1\( .*\)\{0,1\}$/\1/p"; }
modified() { appctl coverage/show | sed -n 's/^revalidate_modified .*total: \([0-9]*\)$/\1/p'; }
udp_flow() { appctl dpctl/dump-flows | grep 'udp(.*dst=9999)'; }
udp_flow_packets() { udp_flow | grep -q " packets:$1,"; }
send_udp() {
    ip netns exec "${ns[a]}" bash -c 'echo x > /dev/udp/10.0.0.2/9999'
}
dpb=$(dp_port pb)
dpc=$(dp_port pc)
check "dpctl/show names pb's and pc's datapath ports" \
    test -n "$dpb" -a -n "$dpc" -a "$dpb" != "$dpc"
check "add-flow priority=60000,udp,in_port=1,tp_dst=9999,actions=output:2" \
    ofctl add-flow br0 "priority=60000,udp,in_port=1,tp_dst=9999,actions=output:2"
send_udp
has_actions() { udp_flow | grep -q "actions:$1\$"; }
check "a's UDP to port 9999 makes a datapath flow to pb" \
    wait_until 5 has_actions "$dpb"
m0=$(modified)
check "mod-flows udp,in_port=1,tp_dst=9999,actions=output:3" \
    ofctl mod-flows br0 "udp,in_port=1,tp_dst=9999,actions=output:3"
check "the revalidator changes that flow's actions to pc" \
    wait_until 5 has_actions "$dpc"
m1=$(modified)
check "... in place (revalidate_modified went up)" \
    test "${m1:-0}" -gt "${m0:-0}"
# (The first packet went up as a miss: the flow has counted none yet.)
check "... which has counted no packet yet" udp_flow_packets 0
send_udp
hit() { udp_flow_packets 1; }
check "... and the changed flow forwards the next packet" wait_until 5 hit
# An unrelated flow-mod makes the next pass translate every flow again.
check "add-flow priority=59000,udp,tp_dst=7777,actions=drop" \
    ofctl add-flow br0 "priority=59000,udp,tp_dst=7777,actions=drop"
sleep 2
check "... and is not changed again when translated again" \
    test "$(modified)" = "$m1"
check "del-flows udp,tp_dst=9999 and 7777" sh -c \
    "OVS_RUNDIR=$NICFLOW_RUNDIR ovs-ofctl del-flows br0 udp,tp_dst=9999 &&
     OVS_RUNDIR=$NICFLOW_RUNDIR ovs-ofctl del-flows br0 udp,tp_dst=7777"

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
