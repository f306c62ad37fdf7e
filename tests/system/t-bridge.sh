#!/bin/bash
# nicflowd's bridge reconciliation, driven by the real ovs-vsctl 3.1:
# bridges on the shared userspace datapath, system ports on veths,
# internal, dummy and patch ports, ofport_request, fail mode, the NORMAL
# flow, the write-back (ofport, error, cur_cfg so that ovs-vsctl without
# --no-wait returns, status and statistics), bad rows that must not
# disturb the good ones, dpif/show through nicflow-appctl and ovs-appctl,
# nicflow-dpctl show, a restart of nicflowd that keeps every number, the
# database going away and coming back, and the same basics against the
# real ovsdb-server 3.1.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl ovs-appctl ovs-ofctl ovsdb-server ovsdb-tool ping
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

APPCTL=$NF_BIN/nicflow-appctl
DPCTL=$NF_BIN/nicflow-dpctl
CTL=$NICFLOW_RUNDIR/nicflowd.ctl

# The switch runs in a namespace of its own, where its devices are; the
# hosts at the other ends of its veths sit in two more.
add_netns w && nsw=$NETNS && add_netns a && nsa=$NETNS \
    && add_netns b && nsb=$NETNS || { fail "create namespaces"; finish; }
check "veth a <-> switch" ip link add va netns "$nsa" type veth peer name p1 netns "$nsw"
check "veth b <-> switch" ip link add vb netns "$nsb" type veth peer name p2 netns "$nsw"
ip -n "$nsa" addr add 10.78.0.1/24 dev va
ip -n "$nsb" addr add 10.78.0.2/24 dev vb
for l in "$nsa va" "$nsb vb" "$nsw p1" "$nsw p2"; do
    set -- $l
    ip -n "$1" link set "$2" up
done

# start_nicflowd REMOTE: nicflowd in the switch namespace on REMOTE.
start_nicflowd() {
    ip netns exec "$nsw" "$NF_BIN/nicflowd" --detach --pidfile --log-file \
        "$1" || return 1
    on_exit "stop_daemon nicflowd"
}

# wait_for SECS CMD...: retries CMD every 0.2 s until it succeeds.
wait_for() {
    local secs=$1 i
    shift
    for ((i = 0; i < secs * 5; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    "$@"
}

# Without --no-wait: every command waits until nicflowd wrote cur_cfg.
vsctl() { ovs-vsctl --timeout=10 --db="$DB" "$@"; }
get() { ovs-vsctl --no-wait --timeout=5 --db="$DB" get "$@"; }
# get_is EXPECTED ARGS...: "ovs-vsctl get ARGS" prints EXPECTED.
get_is() { local want=$1; shift; [ "$(get "$@")" = "$want" ]; }
cfg_done() {
    [ "$(get Open_vSwitch . cur_cfg)" = "$(get Open_vSwitch . next_cfg)" ]
}
# For the "bash -c" checks below.
export -f vsctl get get_is cfg_done

# ---------------------------------------------------------------------
# nicflow-dbd.
# ---------------------------------------------------------------------
check "create the nicflow database" create_db "$NICFLOW_DBDIR/conf.db"
check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"
export DB=unix:$DBD_SOCK
check "ovs-vsctl init" ovs-vsctl --no-wait --db="$DB" init
check_here "nicflowd starts on the database" start_nicflowd "$DB"

check "add-br br0 (netdev) returns once nicflowd applied it" \
    vsctl add-br br0 -- set bridge br0 datapath_type=netdev
check "cur_cfg = next_cfg" cfg_done
check_output "br0's own interface is OpenFlow port LOCAL" '^65534$' \
    get Interface br0 ofport
check_output "br0 has a datapath ID" '^"[0-9a-f]{16}"$' get Bridge br0 datapath_id
check_output "the datapath types are written back" 'netdev' \
    get Open_vSwitch . datapath_types
check_output "the interface types are written back" 'patch.*system' \
    get Open_vSwitch . iface_types
check "br0's tap device exists" ip -n "$nsw" link show br0

check "add-port p1, p2 (veths)" vsctl add-port br0 p1 -- add-port br0 p2
check "p1 and p2 get OpenFlow ports 1 and 2" \
    bash -c 'get_is 1 Interface p1 ofport && get_is 2 Interface p2 ofport'
check "an internal port" vsctl add-port br0 int0 -- set Interface int0 type=internal
check_output "... gets OpenFlow port 3" '^3$' get Interface int0 ofport
check "... and its tap device" ip -n "$nsw" link show int0
check "a dummy port with ofport_request=10" vsctl add-port br0 d0 \
    -- set Interface d0 type=dummy ofport_request=10
check_output "... gets OpenFlow port 10" '^10$' get Interface d0 ofport
check "ofport_request moves a port" vsctl set Interface d0 ofport_request=11
check_output "... to OpenFlow port 11" '^11$' get Interface d0 ofport

check "a dummy t0" vsctl add-port br0 t0 \
    -- set Interface t0 type=dummy ofport_request=20
check "changing its type makes a new port" vsctl set Interface t0 type=internal
check "... t0 becomes a tap device" ip -n "$nsw" link show t0
check_output "... and keeps its number" '^20$' get Interface t0 ofport
check "del-port t0" vsctl del-port br0 t0

check "a second bridge and a patch pair" \
    vsctl add-br br1 -- set bridge br1 datapath_type=netdev \
    -- add-port br0 patch-a -- set Interface patch-a type=patch options:peer=patch-b \
    -- add-port br1 patch-b -- set Interface patch-b type=patch options:peer=patch-a
check_output "patch-a has an OpenFlow port" '^[0-9]+$' get Interface patch-a ofport
check_output "patch-b has an OpenFlow port" '^1$' get Interface patch-b ofport
check_output "a patch port's link is up once its peer exists" '^up$' \
    get Interface patch-a link_state

# Bad rows: each gets its error and ofport -1; nothing else moves.
vsctl add-port br0 bad0 -- set Interface bad0 type=nosuchtype >/dev/null 2>&1
check_output "an unknown type is refused in the row's error" \
    'unknown interface type' get Interface bad0 error
check_output "... with ofport -1" '^-1$' get Interface bad0 ofport
vsctl add-port br0 ghost0 >/dev/null 2>&1
check_output "a missing device is refused in the row's error" \
    'No such device' get Interface ghost0 error
check_output "... with ofport -1" '^-1$' get Interface ghost0 ofport
vsctl add-port br0 patch-c -- set Interface patch-c type=patch >/dev/null 2>&1
check_output "a patch port without a peer is refused" "requires valid 'peer'" \
    get Interface patch-c error
vsctl add-br br9 -- set bridge br9 datapath_type=system >/dev/null 2>&1
check_output "the kernel datapath, absent here, is refused on each interface with the reason" \
    'kernel datapath unavailable: generic netlink family ovs_datapath not found \(is the openvswitch module loaded\?\)' \
    get Interface br9 error
vsctl add-bond br0 bond0 b1 b2 >/dev/null 2>&1
check_output "a bond is refused on each of its interfaces" \
    'bonds are not supported' get Interface b1 error
check_output "the good rows kept their numbers" '^1 2 3 11$' \
    bash -c 'echo $(get Interface p1 ofport) $(get Interface p2 ofport) \
                  $(get Interface int0 ofport) $(get Interface d0 ofport)'
check "and the switch still applies changes (cur_cfg)" \
    vsctl set Open_vSwitch . external_ids:t=1
check "cur_cfg = next_cfg after bad rows" cfg_done

# A device that appears after its port was configured is picked up.
check "create ghost0" ip link add ghost0 netns "$nsw" type veth peer name gpeer netns "$nsa"
check "ghost0 gets an OpenFlow port once it exists" \
    wait_for 5 bash -c '[ "$(get Interface ghost0 ofport)" -gt 0 ]'
check_output "... and its error goes" '^\[\]$' get Interface ghost0 error

# Status write-back.
check_output "p1's MAC is written back" \
    "^\"$(ip -n "$nsw" -br link show p1 | awk '{print $3}')\"\$" \
    get Interface p1 mac_in_use
check_output "p1's admin state" '^up$' get Interface p1 admin_state
check_output "p1's MTU" '^1500$' get Interface p1 mtu
check_output "p1's ifindex" "^$(ip netns exec "$nsw" cat /sys/class/net/p1/ifindex)\$" \
    get Interface p1 ifindex
check "p1's statistics appear within 6 s" \
    wait_for 7 bash -c 'get Interface p1 statistics | grep -q rx_packets'

# dpif/show, both clients; dpctl show.
"$APPCTL" -t "$CTL" dpif/show > "$NF_TMP/dpif-show" 2>&1
diag "$(cat "$NF_TMP/dpif-show")"
check_output "dpif/show: the datapath line" '^netdev@ovs-netdev: hit:[0-9]+ missed:[0-9]+$' \
    cat "$NF_TMP/dpif-show"
check_output "dpif/show: br0's own port" '^    br0 65534/[0-9]+: \(tap\)$' \
    cat "$NF_TMP/dpif-show"
check_output "dpif/show: a system port" '^    p1 1/[0-9]+: \(system\)$' \
    cat "$NF_TMP/dpif-show"
check_output "dpif/show: the dummy port" '^    d0 11/[0-9]+: \(dummy\)$' \
    cat "$NF_TMP/dpif-show"
check_output "dpif/show: a patch port" '^    patch-b 1/none: \(patch: peer=patch-a\)$' \
    cat "$NF_TMP/dpif-show"
check "dpif/show: bad rows are not listed" \
    bash -c "! grep -Eq 'bad0|patch-c|br9' '$NF_TMP/dpif-show'"
# (Counters aside: packets may cross the datapath in between.)
check "ovs-appctl 3.1 prints the same dpif/show" \
    bash -c "diff <(ovs-appctl -t '$CTL' dpif/show | sed 1d) \
                  <(sed 1d '$NF_TMP/dpif-show')"
"$DPCTL" show > "$NF_TMP/dpctl-show" 2>&1
check_output "nicflow-dpctl show: the datapath" '^netdev@ovs-netdev:$' cat "$NF_TMP/dpctl-show"
for p in br0 br1 p1 p2 int0 d0 ghost0; do
    check_output "nicflow-dpctl show lists $p" "port [0-9]+: $p( |\$)" cat "$NF_TMP/dpctl-show"
done

# The NORMAL flow, once, as Open vSwitch adds it.
OFCTL="ovs-ofctl -O OpenFlow13 --timeout=5"
MGMT0=unix:$NICFLOW_RUNDIR/br0.mgmt
check_output "br0 has the NORMAL flow" 'priority=0 actions=NORMAL' \
    $OFCTL dump-flows "$MGMT0"
check "ping a -> b across br0 (NORMAL)" \
    wait_for 5 ip netns exec "$nsa" ping -c 1 -W 1 10.78.0.2
check "del-flows on br0" $OFCTL del-flows "$MGMT0"
check "an unrelated change" vsctl set Bridge br0 external_ids:x=y
# no_normal: dump-flows works and shows no NORMAL flow.
no_normal() {
    local out
    out=$($OFCTL dump-flows "$MGMT0") && ! grep -q NORMAL <<<"$out"
}
check "the NORMAL flow does not come back by itself" no_normal
check "fail-mode secure" vsctl set-fail-mode br0 secure
check "secure mode has no NORMAL flow" no_normal
check "fail-mode standalone" vsctl set-fail-mode br0 standalone
check_output "going back to standalone brings NORMAL back (flows flushed)" \
    'priority=0 actions=NORMAL' $OFCTL dump-flows "$MGMT0"

# Controllers: configuring one flushes the flows (no NORMAL), removing
# the last one flushes them again and brings NORMAL back, as in Open
# vSwitch.  Nothing listens on the target; the bridge just retries.
check "set-controller" vsctl set-controller br0 tcp:127.0.0.1:6653
check "with a controller there is no NORMAL flow" no_normal
check "del-controller" vsctl del-controller br0
check_output "without controllers NORMAL is back" 'priority=0 actions=NORMAL' \
    $OFCTL dump-flows "$MGMT0"

# VLANs: access ports in different VLANs do not talk; in the same one
# they do.
check "p1 tag=10, p2 tag=20" vsctl set Port p1 tag=10 -- set Port p2 tag=20
# cur_cfg says the bridge took the change; the revalidator replaces the
# datapath flows installed before it a moment later (as in Open vSwitch).
sleep 0.5
check_fails "a and b in different VLANs do not reach each other" \
    ip netns exec "$nsa" ping -c 1 -W 1 10.78.0.2
check "p2 tag=10" vsctl set Port p2 tag=10
check "a and b in the same VLAN do" \
    wait_for 5 ip netns exec "$nsa" ping -c 1 -W 1 10.78.0.2
check "untag p1 and p2" vsctl remove Port p1 tag 10 -- remove Port p2 tag 10

# The bridge's MAC and datapath ID.
check "other_config:hwaddr" vsctl set Bridge br0 other_config:hwaddr=02:00:00:00:0a:01
check_output "... becomes the datapath ID" '^"0000020000000a01"$' \
    get Bridge br0 datapath_id
check_output "... and br0's MAC" '02:00:00:00:0a:01' ip -n "$nsw" link show br0
check "other_config:datapath-id" vsctl set Bridge br0 other_config:datapath-id=00000000000000ab
check_output "... is the datapath ID" '^"00000000000000ab"$' get Bridge br0 datapath_id
check_output "... which OpenFlow sees" 'dpid:00000000000000ab' $OFCTL show "$MGMT0"

# Removing a port touches only that port.
dp_p1=$(sed -n 's/.*port \([0-9]*\): p1$/\1/p' "$NF_TMP/dpctl-show")
check "del-port p2" vsctl del-port br0 p2
check_fails "p2 left the datapath" bash -c "'$DPCTL' show | grep -q ': p2\$'"
check_output "p1 kept its datapath port" "port $dp_p1: p1\$" "$DPCTL" show
check "add-port p2 again" vsctl add-port br0 p2
check "p2 does not get back the number just freed" \
    bash -c 'p=$(get Interface p2 ofport); [ "$p" -gt 0 ] && [ "$p" != 2 ]'

# ---------------------------------------------------------------------
# Restart: the same datapath ports and OpenFlow numbers.
# ---------------------------------------------------------------------
snapshot() {
    ovs-vsctl --no-wait --db="$DB" --format=csv --no-headings \
        --columns=name,ofport list Interface | sort
}
dp_ports() { "$DPCTL" show | sed -n 's/^  port [0-9]*: \([^ ]*\).*/\1/p' | sort; }
export DPCTL
export -f snapshot dp_ports
snapshot > "$NF_TMP/before"
dp_ports > "$NF_TMP/dp-before"
kill -9 "$(cat "$NICFLOW_RUNDIR/nicflowd.pid")"
sleep 0.5
check_here "nicflowd starts again after kill -9" start_nicflowd "$DB"
check "it catches up (cur_cfg)" vsctl set Open_vSwitch . external_ids:t=2
check "the same OpenFlow numbers after the restart" \
    bash -c "snapshot | diff '$NF_TMP/before' -"
check "the same datapath ports after the restart" \
    bash -c "dp_ports | diff '$NF_TMP/dp-before' -"

# ---------------------------------------------------------------------
# The database goes away and comes back.
# ---------------------------------------------------------------------
check "nicflow-dbd stops" stop_daemon nicflow-dbd
sleep 1
check "nicflowd keeps running without the database" \
    kill -0 "$(cat "$NICFLOW_RUNDIR/nicflowd.pid")"
check_output "... and keeps its datapath ports" 'port [0-9]+: p1$' "$DPCTL" show
check "... and keeps forwarding" ip netns exec "$nsa" ping -c 1 -W 2 10.78.0.2
check_here "nicflow-dbd starts again" start_dbd "$NICFLOW_DBDIR/conf.db"
check "nicflowd reconnects and applies a change" \
    vsctl add-port br0 d1 -- set Interface d1 type=dummy
check_output "... the new port has its number" '^[0-9]+$' get Interface d1 ofport
check "bridge/reconnect" "$APPCTL" -t "$CTL" bridge/reconnect
check "del-br br1 removes its ports" vsctl del-br br1
check_fails "... from the datapath" bash -c "'$DPCTL' show | grep -q ': br1 '"
check_output "the patch peer's link goes down" '^down$' get Interface patch-a link_state

check "nicflowd exits cleanly" "$APPCTL" -t "$CTL" exit
sleep 0.5
check_fails "... and removes br0's tap device" ip -n "$nsw" link show br0

# ---------------------------------------------------------------------
# The real ovsdb-server 3.1.
# ---------------------------------------------------------------------
check_here "ovsdb-server 3.1 starts" start_ovsdb_server
export DB=unix:$OVS_SOCK
check "ovs-vsctl init (ovsdb-server)" ovs-vsctl --no-wait --db="$DB" init
check_here "nicflowd starts on ovsdb-server" start_nicflowd "$DB"
check "add-br and ports (ovsdb-server)" \
    vsctl add-br br0 -- set bridge br0 datapath_type=netdev \
    -- add-port br0 p1 -- add-port br0 d0 -- set Interface d0 type=dummy ofport_request=7
check "cur_cfg = next_cfg (ovsdb-server)" cfg_done
check_output "p1 is OpenFlow port 1 (ovsdb-server)" '^1$' get Interface p1 ofport
check_output "d0 is OpenFlow port 7 (ovsdb-server)" '^7$' get Interface d0 ofport
vsctl add-port br0 bad0 -- set Interface bad0 type=nosuchtype >/dev/null 2>&1
check_output "an unknown type is refused (ovsdb-server)" 'unknown interface type' \
    get Interface bad0 error
check_output "dpif/show (ovsdb-server)" '^    d0 7/[0-9]+: \(dummy\)$' \
    ovs-appctl -t "$CTL" dpif/show
check "p1's statistics appear (ovsdb-server)" \
    wait_for 7 bash -c 'get Interface p1 statistics | grep -q rx_packets'

finish
