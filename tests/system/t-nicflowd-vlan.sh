#!/bin/bash
# The seed "VLAN isolation" lab on nicflowd: two bridges (two "hosts")
# joined by a trunk link (a veth pair), four "VMs" (namespaces) on access
# ports, VLAN 100 and 200 on each bridge.  Configured with the real
# ovs-vsctl 3.1 through nicflow-dbd; NORMAL forwards on nicflowd's
# userspace datapath.  Same-VLAN pings cross the trunk, tagged on the wire;
# cross-VLAN pings fail; fdb/show and the datapath flows say why; the
# OpenFlow NORMAL flow counts the packets (revalidator statistics); a
# restarted nicflowd forwards again from the database alone.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl ovs-ofctl ovs-appctl tcpdump ping
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

DB=unix:$NICFLOW_RUNDIR/db.sock
vsctl() { ovs-vsctl --db="$DB" --timeout=20 "$@"; }
appctl() { "$NF_BIN/nicflow-appctl" -t "$NICFLOW_RUNDIR/nicflowd.ctl" "$@"; }

add_netns w && nsw=$NETNS || { fail "create namespaces"; finish; }
declare -A ns
for vm in 1 2 3 4; do
    add_netns "vm$vm" && ns[$vm]=$NETNS || { fail "create namespaces"; finish; }
    ip link add eth0 netns "${ns[$vm]}" type veth peer name "vm${vm}p" \
        netns "$nsw"
    ip -n "${ns[$vm]}" addr add "10.0.0.$vm/24" dev eth0
    ip -n "${ns[$vm]}" link set eth0 address "50:54:00:00:00:0$vm"
    ip -n "${ns[$vm]}" link set eth0 up
    ip -n "$nsw" link set "vm${vm}p" up
done
ip -n "$nsw" link add t0 type veth peer name t1
ip -n "$nsw" link set t0 up
ip -n "$nsw" link set t1 up

check "create the database" create_db "$NICFLOW_DBDIR/conf.db"
check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"
check "nicflowd starts (in the switch namespace)" \
    ip netns exec "$nsw" "$NF_BIN/nicflowd" "$DB" --detach --pidfile \
    --log-file
on_exit "stop_daemon nicflowd"

check "ovs-vsctl builds the lab" vsctl \
    -- add-br br0 -- set Bridge br0 datapath_type=netdev \
    -- add-port br0 t0 \
    -- add-port br0 vm1p tag=100 -- add-port br0 vm2p tag=200 \
    -- add-br br1 -- set Bridge br1 datapath_type=netdev \
    -- add-port br1 t1 \
    -- add-port br1 vm3p tag=100 -- add-port br1 vm4p tag=200
vsctl --no-wait init
check_output "every interface got an OpenFlow port" '^[1-9]' \
    vsctl get Interface vm4p ofport

pingok() { ip netns exec "${ns[$1]}" ping -c 2 -i 0.2 -W 2 "10.0.0.$2" > /dev/null; }
pingfails() { ! ip netns exec "${ns[$1]}" ping -c 2 -i 0.2 -W 1 "10.0.0.$2" > /dev/null; }

# Capture on the trunk while VLAN 100 pings cross it.
ip netns exec "$nsw" tcpdump --immediate-mode -U -n -e -i t0 -w "$NF_TMP/trunk.pcap" \
    2> /dev/null &
tcpdump_pid=$!
on_exit "kill $tcpdump_pid 2>/dev/null"
sleep 1
check "vm1 -> vm3 (VLAN 100, across the trunk)" pingok 1 3
check "vm2 -> vm4 (VLAN 200, across the trunk)" pingok 2 4
check "vm1 -/-> vm2 (VLAN 100 vs 200, same bridge)" pingfails 1 2
check "vm1 -/-> vm4 (VLAN 100 vs 200, across the trunk)" pingfails 1 4
check "vm3 -/-> vm2" pingfails 3 2
sleep 0.5
kill "$tcpdump_pid" 2>/dev/null
wait "$tcpdump_pid" 2>/dev/null
# (The capture sees what arrives on t0 from br1: the datapath's own sends
# bypass the qdisc layer where tcpdump would see them.)
check_output "the trunk carries vm3's ICMP reply tagged with VLAN 100" \
    'vlan 100.*10\.0\.0\.3 > 10\.0\.0\.1: ICMP echo reply' \
    tcpdump -n -e -r "$NF_TMP/trunk.pcap"
check_output "... and vm4's tagged with VLAN 200" \
    'vlan 200.*10\.0\.0\.4 > 10\.0\.0\.2: ICMP echo reply' \
    tcpdump -n -e -r "$NF_TMP/trunk.pcap"
check_output "no untagged frame of the VMs crossed the trunk" '^0$' \
    bash -c "tcpdump -n -e -r '$NF_TMP/trunk.pcap' 2>/dev/null \
             | grep -v 'vlan' | grep -c '50:54:00:00:00:0' ; true"

vm1port=$(vsctl get Interface vm1p ofport)
check_output "fdb/show br0: vm1's MAC learned on its port in VLAN 100" \
    "^ *$vm1port +100 +50:54:00:00:00:01" appctl fdb/show br0
check_output "fdb/show br0: vm3's MAC learned on the trunk in VLAN 100" \
    "^ *[0-9]+ +100 +50:54:00:00:00:03" appctl fdb/show br0
check_output "the datapath pushes VLAN 100 towards the trunk" \
    'push_vlan\(vid=100' appctl dpctl/dump-flows
check_output "the datapath pops the tag towards the access port" \
    'pop_vlan' appctl dpctl/dump-flows
appctl ofproto/trace br0 "in_port=$vm1port,dl_src=50:54:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff" | sed "s/^/# /"
check_output "ofproto/trace explains a VLAN 100 flood" \
    'no learned MAC for destination, flooding' \
    appctl ofproto/trace br0 \
    "in_port=$vm1port,dl_src=50:54:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff"
check_output "bridge/dump-flows lists the NORMAL flow as Open vSwitch does" \
    '^duration=[0-9]+s, n_packets=[1-9][0-9]*, n_bytes=[0-9]+, priority=0,actions=NORMAL$' \
    bash -c "sleep 1.2; '$NF_BIN/nicflow-appctl' -t '$NICFLOW_RUNDIR/nicflowd.ctl' bridge/dump-flows br0"
check_output "the real ovs-appctl reads fdb/show" '50:54:00:00:00:01' \
    ovs-appctl -t "$NICFLOW_RUNDIR/nicflowd.ctl" fdb/show br0

# The revalidator credits the datapath's packets to the NORMAL flow.
sleep 1.2
check_output "ovs-ofctl dump-flows br0: NORMAL counted packets" \
    'n_packets=[1-9][0-9]*,.*priority=0 actions=NORMAL' \
    env OVS_RUNDIR="$NICFLOW_RUNDIR" ovs-ofctl dump-flows br0

# Restart: forwarding comes back from the database alone.
stop_daemon nicflowd
check "nicflowd restarts" \
    ip netns exec "$nsw" "$NF_BIN/nicflowd" "$DB" --detach --pidfile \
    --log-file
# The database is read and the ports come back after the daemon detaches:
# a ping sent before its port exists is lost, so allow a few seconds.
check_eventually "vm1 -> vm3 after the restart" 10 pingok 1 3
check "vm1 -/-> vm2 after the restart" pingfails 1 2

check "del-br br1" vsctl del-br br1
check "vm1 -/-> vm3 once br1 is gone" pingfails 1 3
finish
