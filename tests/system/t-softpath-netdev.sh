#!/bin/bash
# The port layer of the userspace datapath (softpath/netdev.h) on real
# devices: tests/system/netdev-driver joins two afpacket ports into a wire
# in namespace "w", between veth pairs whose other ends sit in namespaces
# "a" and "b".  Ping and iperf3 TCP must cross it with every offload left
# as the kernel set it, which works only if GSO super-frames and partial
# checksums cross with their virtio net headers (PACKET_VNET_HDR).  A
# burst of numbered UDP datagrams must arrive intact and in order while the
# wire merges runs of them into GSO frames on send (netdev-gro.c).  Then
# the driver's tap mode must create a tap device that is up and receives.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ip ping iperf3
make_tmpdir

drv=$NF_TOP/${BUILD:-build}/tests/netdev-driver
if [ ! -x "$drv" ]; then
    make -C "$NF_TOP" --no-print-directory -s \
        "${BUILD:-build}/tests/netdev-driver" >/dev/null 2>&1
fi
if [ ! -x "$drv" ]; then
    fail "netdev-driver is built (make build/tests/netdev-driver)"
    finish
fi

add_netns a && nsa=$NETNS && add_netns b && nsb=$NETNS \
    && add_netns w && nsw=$NETNS || { fail "create namespaces"; finish; }

# The veth pairs are created directly in their namespaces, so their names
# cannot collide with anything outside.
check "veth a <-> w" ip link add va netns "$nsa" type veth peer name wa netns "$nsw"
check "veth b <-> w" ip link add vb netns "$nsb" type veth peer name wb netns "$nsw"
ip -n "$nsa" addr add 10.99.0.1/24 dev va
ip -n "$nsb" addr add 10.99.0.2/24 dev vb
for l in "$nsa va" "$nsb vb" "$nsw wa" "$nsw wb"; do
    set -- $l
    ip -n "$1" link set "$2" up
done

# Records a device's offload settings, to show the test changed none.
offloads() { ip netns exec "$1" ethtool -k "$2" 2>/dev/null | grep -E '^(tx-checksumming|tcp-segmentation-offload|generic-segmentation-offload):'; }
have_ethtool=0
command -v ethtool >/dev/null 2>&1 && have_ethtool=1
if [ $have_ethtool = 1 ]; then
    off_before=$(offloads "$nsa" va; offloads "$nsb" vb)
fi

# start_driver NAME ARGS...: runs the driver in namespace w in the
# background, output in $NF_TMP/NAME.out, and waits for "ready".
start_driver() {
    local name=$1 i; shift
    ip netns exec "$nsw" "$drv" "$@" >"$NF_TMP/$name.out" 2>"$NF_TMP/$name.err" &
    eval "${name}_pid=$!"
    on_exit "kill -9 $! 2>/dev/null"
    for i in $(seq 50); do
        grep -q '^ready$' "$NF_TMP/$name.out" 2>/dev/null && return 0
        kill -0 "$!" 2>/dev/null || break
        sleep 0.1
    done
    cat "$NF_TMP/$name.err"
    return 1
}

# stop_driver NAME: SIGTERM, wait for the counters; fails (showing the
# driver's stderr, where sanitizer reports go) unless the driver exits 0.
stop_driver() {
    local pid rc
    eval "pid=\${${1}_pid}"
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    [ $rc = 0 ] || { echo "exit status $rc"; cat "$NF_TMP/$1.err"; }
    return $rc
}

check_here "driver opens afpacket ports wa and wb" start_driver wire wire wa wb

wa_mac=$(ip netns exec "$nsw" cat /sys/class/net/wa/address)
wa_idx=$(ip netns exec "$nsw" cat /sys/class/net/wa/ifindex)
check_output "port wa reports the device's MAC, MTU and ifindex" \
    "^port wa type=afpacket mtu=1500 ifindex=$wa_idx mac=$wa_mac\$" \
    cat "$NF_TMP/wire.out"

check "ping a -> b through the wire" \
    ip netns exec "$nsa" ping -c 3 -i 0.2 -W 2 10.99.0.2
check "ping b -> a through the wire" \
    ip netns exec "$nsb" ping -c 2 -i 0.2 -W 2 10.99.0.1

# ping_once NS ADDR: ten requests, each answered, none twice.  Both ports
# receive through two rings in one fanout group (rx-ring=auto); a ring
# outside the group would deliver every frame again ("DUP!").
ping_once() {
    local out
    out=$(ip netns exec "$1" ping -c 10 -i 0.05 -W 2 "$2" 2>&1)
    echo "$out"
    grep -q ' 10 received' <<<"$out" && ! grep -q 'duplicates' <<<"$out"
}
check "each frame crosses the wire once (no duplicate replies)" \
    ping_once "$nsa" 10.99.0.2

# iperf_server PORT OUT: an iperf3 server in b for one test (then it
# exits), output to OUT, listening (its control connection is TCP, for
# UDP tests too) before this returns, or after 3 s at most.
iperf_server() {
    ip netns exec "$nsb" iperf3 -s -1 -p "$1" -B 10.99.0.2 >"$2" 2>&1 &
    on_exit "kill -9 $! 2>/dev/null"
    for i in $(seq 30); do
        ip netns exec "$nsb" ss -ltn 2>/dev/null | grep -q ":$1 " && break
        sleep 0.1
    done
}

# iperf3: server in b, client in a.
iperf_server 5201 "$NF_TMP/iperf-s.out"
if timeout 20 ip netns exec "$nsa" iperf3 -c 10.99.0.2 -t 3 -f m \
        >"$NF_TMP/iperf.out" 2>&1; then
    rate=$(awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /bits\/sec/) print $i, $(i + 1) }' "$NF_TMP/iperf.out")
    ok "iperf3 TCP a -> b completes through the wire (receiver: ${rate:-?})"
    diag "iperf3 rate through the afpacket wire: ${rate:-unknown}"
else
    fail "iperf3 TCP a -> b completes through the wire"
    diag "$(cat "$NF_TMP/iperf.out")"
fi

# A flood of small datagrams moves the ports to their v3 rings (auto:
# above 30,000 packets/s), and the quiet after it back to v2.  Each socket
# of a port receives only while the fanout program names it, and the
# driver sleeps on both only around a switch: the pings that follow, across
# the switch back, are each answered, and once.
iperf_server 5202 "$NF_TMP/iperf-u.out"
check "a one-second flood of 64-byte UDP frames crosses the wire" \
    timeout 20 ip netns exec "$nsa" iperf3 -c 10.99.0.2 -p 5202 -u -b 0 -l 22 -t 1
check "after a flood, each ping crosses the wire once" ping_once "$nsa" 10.99.0.2

# udp_burst: 20,000 numbered 22-byte datagrams from a to b as fast as one
# process sends them; b checks each one's bytes against its number and
# that they came in order.  Under such a stream the wire merges runs of
# datagrams into UDP GSO frames on send (netdev-gro.c, counted below), and
# b's socket cuts them back: every datagram must arrive whole and alone.
udp_burst() {
    ip netns exec "$nsb" timeout 30 /usr/bin/python3 -c '
import hashlib, socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
s.bind(("10.99.0.2", 7100))
s.settimeout(3)
n = bad = disorder = 0
last = -1
try:
    while True:
        d = s.recv(2048)
        i = struct.unpack("!I", d[:4])[0] if len(d) >= 4 else -1
        want = struct.pack("!I", i) + hashlib.sha1(d[:4]).digest()[:18]
        if len(d) != 22 or d != want:
            bad += 1
            continue
        n += 1
        disorder += i < last
        last = i
except socket.timeout:
    pass
print(n, bad, disorder)' > "$NF_TMP/burst.out" 2>&1 &
    local rp=$! i
    for i in $(seq 30); do
        ip netns exec "$nsb" ss -Hlun 'sport = :7100' | grep -q . && break
        sleep 0.1
    done
    ip netns exec "$nsa" /usr/bin/python3 -c '
import hashlib, socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("10.99.0.2", 7100))
msgs = [struct.pack("!I", i) + hashlib.sha1(struct.pack("!I", i)).digest()[:18]
        for i in range(20000)]
for m in msgs:
    while True:
        try:
            s.send(m)
            break
        except BlockingIOError:
            pass' || return 1
    wait "$rp"
    read -r n bad disorder < "$NF_TMP/burst.out"
    echo "received $n intact, $bad damaged, $disorder out of order"
    # Losses at b's socket are possible on a loaded machine; damage and
    # reordering are not.
    [ "${bad:-1}" = 0 ] && [ "${disorder:-1}" = 0 ] && [ "${n:-0}" -ge 10000 ]
}
check "20,000 numbered datagrams a -> b arrive intact and in order" udp_burst

if [ $have_ethtool = 1 ]; then
    off_after=$(offloads "$nsa" va; offloads "$nsb" vb)
    check "offload settings unchanged (and TSO on)" \
        bash -c '[ "$1" = "$2" ] && printf "%s\n" "$1" | grep -q "^tcp-segmentation-offload: on"' \
        _ "$off_before" "$off_after"
else
    skip "offload settings unchanged" "ethtool not installed"
fi

check_here "wire driver exits cleanly on SIGTERM" stop_driver wire
counters=$(cat "$NF_TMP/wire.out")
diag "$counters"
# Frames larger than the 1500-byte MTU prove GSO super-frames crossed
# whole, with their headers, rather than being segmented first.
check "GSO super-frames crossed the wire (max frame > 1514)" \
    awk '/^wa / { for (i = 2; i <= NF; i++) if ($i ~ /^max_rx_frame=/) { split($i, kv, "="); exit !(kv[2] > 1514) } ; exit 1 }' \
    "$NF_TMP/wire.out"
check_output "received frames carried GSO virtio net headers" \
    '^coverage afpacket_rx_gso=[1-9]' cat "$NF_TMP/wire.out"
# Up to v3 under the flood and back to v2 after it, at least.
check "the ports switched rings (auto) both ways" \
    awk '/^coverage / { for (i = 2; i <= NF; i++) if ($i ~ /^afpacket_ring_switch=/) { split($i, kv, "="); exit !(kv[2] >= 2) } ; exit 1 }' \
    "$NF_TMP/wire.out"
check "the wire merged runs of segments or datagrams on send" \
    awk '/^coverage / { for (i = 2; i <= NF; i++) if ($i ~ /^netdev_gro_segments=/) { split($i, kv, "="); exit !(kv[2] > 0) } ; exit 1 }' \
    "$NF_TMP/wire.out"
check "wire forwarded without errors" \
    awk '/^w[ab] / { for (i = 2; i <= NF; i++) if ($i ~ /^(rx|tx)_errors=/) { split($i, kv, "="); if (kv[2] != 0) bad = 1 } ; n++ } END { exit bad || n != 2 }' \
    "$NF_TMP/wire.out"
check "wire counted packets both ways" \
    awk '/^w[ab] / { for (i = 2; i <= NF; i++) if ($i ~ /^tx_packets=/) { split($i, kv, "="); if (kv[2] > 0) n++ } } END { exit n != 2 }' \
    "$NF_TMP/wire.out"

# The tap type: the driver creates the device, brings it up and receives
# what the host sends into it (here, ARP requests for a silent neighbour).
check_here "driver creates tap port nftap0" start_driver tap tap nftap0
check_output "nftap0 exists and is up" 'nftap0.*[<,]UP[,>]' \
    ip -n "$nsw" link show nftap0
check_output "host received the 3 frames the tap port sent" '^3$' \
    ip netns exec "$nsw" cat /sys/class/net/nftap0/statistics/rx_packets
ip -n "$nsw" addr add 10.98.0.1/24 dev nftap0
ip netns exec "$nsw" ping -c 2 -i 0.2 -W 1 10.98.0.2 >/dev/null 2>&1
check_here "tap driver exits cleanly on SIGTERM" stop_driver tap
diag "$(cat "$NF_TMP/tap.out")"
check "tap port received the host's frames" \
    awk '/^nftap0 / { for (i = 2; i <= NF; i++) if ($i ~ /^rx_packets=/) { split($i, kv, "="); exit !(kv[2] > 0) } ; exit 1 }' \
    "$NF_TMP/tap.out"
check_fails "nftap0 is gone once the port is closed" \
    ip -n "$nsw" link show nftap0

finish
