#!/bin/bash
# The simulated eswitch (offload/hal-sim, build/lib/nicflow-hal-sim.so)
# under nicflowd, on the host: a HAL plugin that owns the wire of veth
# ports, forwards what its tables hold in its own thread and hands nicflowd
# only the rest.  What is checked is what issue "HAL, profiles, simulated
# eswitch" accepts: after the first packets of a ping and of an iperf3 run,
# at least 99% of the packets are counted by the device's tables and not
# by the softpath; with sim-small the flows beyond its tables stay in
# software saying "table full" while traffic is unaffected; with a profile
# that lacks VLAN push (Intel E810's), access-port flows stay in software
# with that profile's reason; a device that cannot open leaves every port
# switching in software; malformed profiles are reported by file, line and
# field, and only the ports bound to them lose offload; hal/show,
# offload/show and offload-stats-show say all this.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl ovs-ofctl ping python3 ethtool
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

SIM_SO=$NF_TOP/${BUILD:-build}/lib/nicflow-hal-sim.so
DB=unix:$NICFLOW_RUNDIR/db.sock
vsctl() { ovs-vsctl --db="$DB" --timeout=20 "$@"; }
ofctl() { OVS_RUNDIR=$NICFLOW_RUNDIR ovs-ofctl "$@"; }
appctl() { "$NF_BIN/nicflow-appctl" -t "$NICFLOW_RUNDIR/nicflowd.ctl" "$@"; }

if [ ! -e "$SIM_SO" ]; then
    fail "the simulated eswitch is built ($SIM_SO)"
    finish
fi

add_netns w && nsw=$NETNS || { fail "create namespaces"; finish; }
declare -A ns
add_hosts "$nsw" a b c || { fail "create namespaces"; finish; }
for h in a b c; do
    # A chip's wire carries whole frames with their checksums: the hosts
    # behind it do no segmentation or checksum offload (as with a real
    # NIC port, whose peer's offloads end at its own PHY).
    ip netns exec "${ns[$h]}" ethtool -K eth0 tx off tso off gso off \
        >/dev/null 2>&1
done

# The profiles nicflowd reads: the shipped ones and two broken ones, one
# that is not JSON (line 3) and one with a field of a wrong value.
export NICFLOW_PROFILE_DIR=$NF_TMP/profiles
mkdir -p "$NICFLOW_PROFILE_DIR"
cp "$NF_TOP"/hw-profiles/*.json "$NICFLOW_PROFILE_DIR"/
printf '{\n  "name": "broken-syntax",\n  "description" "no colon"\n}\n' \
    >"$NICFLOW_PROFILE_DIR/broken-syntax.json"
sed -e 's/"name": "sim-small"/"name": "broken-field"/' \
    -e 's/"eth_src": "arbitrary"/"eth_src": "sometimes"/' \
    "$NF_TOP/hw-profiles/sim-small.json" >"$NICFLOW_PROFILE_DIR/broken-field.json"

check "create the database" create_db "$NICFLOW_DBDIR/conf.db"
check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"
vsctl --no-wait init
check "nicflowd starts" ip netns exec "$nsw" "$NF_BIN/nicflowd" "$DB" \
    --detach --pidfile --log-file
on_exit "stop_daemon nicflowd"
check "br0 with pa, pb, pc" vsctl -- add-br br0 \
    -- set Bridge br0 datapath_type=netdev \
    -- add-port br0 pa -- add-port br0 pb -- add-port br0 pc

ping_ab() { ip netns exec "${ns[a]}" ping -c "${1:-2}" -i 0.2 -W 2 10.0.0.2; }

# wait_for NAME REGEX CMD...: polls CMD (up to 10 s) until its output
# matches REGEX.
wait_for() {
    local name=$1 re=$2 i
    shift 2
    for i in $(seq 50); do
        if _nf_run "$@" && printf '%s\n' "$_nf_out" | grep -Eq -- "$re"; then
            ok "$name"
            return 0
        fi
        sleep 0.2
    done
    fail "$name"
    diag "command: $*" "expected to match: $re" "$_nf_out"
}

# port_stats PORT: "RX HW HOST" of the device's port PORT, from hal/show.
port_stats() {
    appctl hal/show | sed -En "s/^ *port $1 \(chip port [0-9]+\): rx ([0-9]+) packets \(hardware ([0-9]+), to host ([0-9]+)\).*/\1 \2 \3/p"
}

# check_hw_share NAME PORT BEFORE AFTER: at least 99% of the packets that
# entered PORT between the two port_stats readings were taken by the
# device's tables.
check_hw_share() {
    local name=$1 port=$2 rx0 hw0 host0 rx1 hw1 host1
    read -r rx0 hw0 host0 <<<"$3"
    read -r rx1 hw1 host1 <<<"$4"
    local rx=$((rx1 - rx0)) hw=$((hw1 - hw0)) host=$((host1 - host0))
    if [ "$rx" -gt 0 ] && [ $((hw * 100)) -ge $((rx * 99)) ]; then
        ok "$name ($port: $hw of $rx in hardware, $host to the host)"
    else
        fail "$name"
        diag "$port: $rx packets in, $hw in hardware, $host to the host" \
            "before: $3" "after: $4"
    fi
}

# --- malformed profiles ----------------------------------------------------
check_output "hw-profile/list: the syntax error names file, line and column" \
    '^error: broken-syntax.json:3:[0-9]+: ' appctl hw-profile/list
check_output "hw-profile/list: the bad value names file and field" \
    '^error: broken-field.json: /match/eth_src: expected' appctl hw-profile/list
check_output "... and the good ones loaded" '^sim-small: ' \
    appctl hw-profile/list

# --- the simulated eswitch under sim-large --------------------------------
check "hw-offload=true with the sim device (profile sim-large)" vsctl set \
    Open_vSwitch . other_config:hw-offload=true \
    other_config:hw-offload-priority=hal "other_config:hal-plugin=$SIM_SO" \
    'other_config:hal-args="profile=sim-large ports=pa,pb,pc"'
wait_for "hal/show: the device runs under sim-large" 'profile: sim-large' \
    appctl hal/show
check_output "hal/show: the device takes its ports' input" \
    "path to the host: the device's own" appctl hal/show
check_output "offload/show: pa takes the device's profile" \
    'profile: sim-large \(by its HAL device\)' appctl offload/show
check "ping a -> b: the first packets miss into software" ping_ab 3
wait_for "the ping's flows are put into the device" 'offloaded:yes, dp:hal' \
    appctl dpctl/dump-flows -m
check "... and the reverse direction's" ping_ab 2
sleep 1

pa0=$(port_stats pa) pb0=$(port_stats pb)
check_output "ping a -> b, 300 echo requests, all answered" \
    ' 300 received' ip netns exec "${ns[a]}" ping -q -c 300 -i 0.005 -W 2 \
    10.0.0.2
pa1=$(port_stats pa) pb1=$(port_stats pb)
check_hw_share "ping: >= 99% of a's requests forwarded by the device" pa \
    "$pa0" "$pa1"
check_hw_share "ping: >= 99% of b's replies forwarded by the device" pb \
    "$pb0" "$pb1"

if command -v iperf3 >/dev/null; then
    ip netns exec "${ns[b]}" iperf3 -s -1 -D -p 5201 \
        --pidfile "$NF_TMP/iperf3.pid" >/dev/null 2>&1
    on_exit "kill \$(cat '$NF_TMP/iperf3.pid' 2>/dev/null) 2>/dev/null"
    sleep 0.5
    # The connection's first packets are misses: they make the flows.
    pa0=$(port_stats pa) pb0=$(port_stats pb)
    check "iperf3 a -> b, TCP, 3 s" ip netns exec "${ns[a]}" iperf3 -c \
        10.0.0.2 -p 5201 -t 3 -O 1
    pa1=$(port_stats pa) pb1=$(port_stats pb)
    check_hw_share "iperf3: >= 99% of a's segments forwarded by the device" \
        pa "$pa0" "$pa1"
    check_hw_share "iperf3: >= 99% of b's acks forwarded by the device" pb \
        "$pb0" "$pb1"
fi
check_output "offload-stats-show: the device's lines" \
    'hal device sim0 \(profile sim-large\)' appctl dpctl/offload-stats-show
check_output "offload-stats-show: per port, hardware and host" \
    'port pa \(chip port 1\): rx [0-9]+ packets \(hardware [1-9]' \
    appctl dpctl/offload-stats-show

# --- a meter policed by the device ----------------------------------------
# An OpenFlow meter is a datapath meter, which the device carries as a HAL
# meter: a's ICMP to b through 10 packets/s is policed in "hardware".
ofctl13() { ofctl -O OpenFlow13 "$@"; }
check "add-meter br0 meter=1,pktps,burst,band=type=drop,rate=10,burst_size=10" \
    ofctl13 add-meter br0 \
    "meter=1,pktps,burst,stats,bands=type=drop,rate=10,burst_size=10"
check "add-flow priority=40000,icmp,nw_src=10.0.0.1,actions=meter:1,NORMAL" \
    ofctl13 add-flow br0 "priority=40000,icmp,nw_src=10.0.0.1,actions=meter:1,NORMAL"
ip netns exec "${ns[a]}" ping -q -c 3 -i 0.2 -W 1 10.0.0.2 > /dev/null 2>&1
wait_for "the metered flow is in the device, policing" \
    'offloaded:yes, dp:hal, actions:meter\(' appctl dpctl/dump-flows -m
pa0=$(port_stats pa)
got=$(ip netns exec "${ns[a]}" ping -q -c 200 -i 0.01 -W 1 10.0.0.2 \
    | sed -En 's/.* ([0-9]+) received.*/\1/p')
pa1=$(port_stats pa)
if [ -n "$got" ] && [ "$got" -ge 5 ] && [ "$got" -le 60 ]; then
    ok "the device lets about the meter's rate through ($got of 200 answered)"
else
    fail "the device lets about the meter's rate through"
    diag "answered: ${got:-none} of 200 (expected 5..60)"
fi
check_hw_share "the policed packets never reached the softpath" pa \
    "$pa0" "$pa1"
check "del-meters br0" ofctl13 del-meters br0
check "ping a -> b after the meter is gone" ping_ab 2

# A port bound to the broken profile: offload off for it alone.
check "pc: hw-profile=broken-field" vsctl set Interface pc \
    other_config:hw-profile=broken-field
check_output "offload/show: pc has no profile, saying why" \
    'profile: none \(profile broken-field did not load: broken-field.json: /match/eth_src' \
    appctl offload/show
check "ping a -> c" ip netns exec "${ns[a]}" ping -c 2 -i 0.2 -W 2 10.0.0.3
wait_for "flows entering pc stay in software with the profile's error" \
    'offloaded:no.*offload-reason:"port pc: profile broken-field did not load' \
    appctl dpctl/dump-flows -m
check_output "... while a's flows are in the device" \
    'eth\(src=50:54:00:00:00:01,.*offloaded:yes, dp:hal' \
    appctl dpctl/dump-flows -m
check "pc: profile binding removed" vsctl remove Interface pc other_config \
    hw-profile

# --- sim-small: a full table --------------------------------------------
check "the device under sim-small" vsctl set Open_vSwitch . \
    'other_config:hal-args="profile=sim-small ports=pa,pb,pc"'
wait_for "hal/show: the device runs under sim-small" 'profile: sim-small' \
    appctl hal/show
for p in $(seq 7001 7012); do
    ofctl add-flow br0 "priority=100,udp,nw_dst=10.0.0.2,tp_dst=$p,actions=NORMAL"
done
ip netns exec "${ns[b]}" python3 - "$NF_TMP/udp-count" <<'EOF' &
import select, socket, sys, time
socks = []
for p in range(7001, 7013):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.0.0.2", p))
    socks.append(s)
open(sys.argv[1] + ".ready", "w").close()
n, end = 0, time.time() + 8
while time.time() < end:
    r, _, _ = select.select(socks, [], [], 0.2)
    for s in r:
        s.recv(2048)
        n += 1
open(sys.argv[1], "w").write("%d\n" % n)
EOF
udp_pid=$!
for i in $(seq 50); do [ -e "$NF_TMP/udp-count.ready" ] && break; sleep 0.1; done
send_udp() {
    ip netns exec "${ns[a]}" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for r in range(5):
    for p in range(7001, 7013):
        s.sendto(b"x" * 32, ("10.0.0.2", p))
    time.sleep(0.3)'
}
check "12 UDP flows from a, 5 datagrams each" send_udp
wait_for "flows beyond sim-small's tables stay in software: table full" \
    'offload-reason:"[^"]*table full' appctl dpctl/dump-flows -m
check_output "... while others went to the device" 'offloaded:yes, dp:hal' \
    appctl dpctl/dump-flows -m
wait "$udp_pid"
check_output "traffic is unaffected: all 60 datagrams arrived" '^60$' \
    cat "$NF_TMP/udp-count"
check "ping a -> b still works" ping_ab 2
check_output "offload-stats-show counts the full table" \
    'table-full[^0-9]*[1-9]' appctl dpctl/offload-stats-show
ofctl del-flows br0 udp

# --- a profile without VLAN push ----------------------------------------
# Intel E810 in switchdev mode forwards and drops, nothing else.  VLAN 10
# joins c (access port pc of br0) and b (access port pb, moved to br1)
# across a trunk, trunk0 (br0) - trunk1 (br1): the access ports' flows
# push the tag, which the profile refuses.
ip -n "$nsw" link add trunk0 type veth peer name trunk1
ip -n "$nsw" link set trunk0 up
ip -n "$nsw" link set trunk1 up
check "the device under intel-e810, with the trunk's two ports" vsctl set \
    Open_vSwitch . \
    'other_config:hal-args="profile=intel-e810 ports=pa,pb,pc,trunk0,trunk1"'
wait_for "hal/show: the device runs under intel-e810" 'profile: intel-e810' \
    appctl hal/show
check "VLAN 10: pc on br0, pb on br1, a trunk between them" vsctl \
    -- del-port br0 pb -- set Port pc tag=10 -- add-port br0 trunk0 \
    -- add-br br1 -- set Bridge br1 datapath_type=netdev \
    -- add-port br1 trunk1 -- add-port br1 pb tag=10
ip -n "${ns[b]}" addr add 10.0.10.2/24 dev eth0
ip -n "${ns[c]}" addr add 10.0.10.3/24 dev eth0
check "ping c -> b across the trunk" ip netns exec "${ns[c]}" \
    ping -c 3 -i 0.2 -W 2 10.0.10.2
wait_for "the access ports' flows stay in software with the profile's reason" \
    'offload-reason:"profile intel-e810: action push_vlan not supported"' \
    appctl dpctl/dump-flows -m
check "ping c -> b again" ip netns exec "${ns[c]}" ping -c 2 -i 0.2 -W 2 \
    10.0.10.2

# --- a device that cannot open --------------------------------------------
check "hal-args naming a profile that does not exist" vsctl set \
    Open_vSwitch . 'other_config:hal-args="profile=no-such-profile ports=pa,pb,pc"'
wait_for "hal/show says why the device did not open" \
    'no-such-profile' appctl hal/show
ping_cb() { ip netns exec "${ns[c]}" ping -c "$1" -i 0.2 -W 2 10.0.10.2; }
check "ping c -> b: switching continues in software" ping_cb 3
check "unload the plugin" vsctl \
    -- remove Open_vSwitch . other_config hal-plugin \
    -- remove Open_vSwitch . other_config hal-args
check "ping c -> b with the ports' own input back" ping_cb 2

finish
