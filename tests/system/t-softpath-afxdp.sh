#!/bin/bash
# The "afxdp" port type (softpath/netdev-afxdp.c) on veth devices.
#
# Built only where libxdp and libbpf were found, and usable only where the
# kernel lets the test attach XDP programs and open AF_XDP sockets; the test
# says which is missing and skips otherwise.  Where it works:
#
# - tests/system/netdev-driver joins two afxdp ports into a wire in
#   namespace "w", between veth pairs whose other ends sit in namespaces
#   "a" and "b": pings cross both ways, so frames sent into a veth reach
#   the port's recv and frames given to send reach the wire (the peers'
#   counters say so), and libxdp's program is gone once the ports close;
# - with the sender's MTU above what an AF_XDP frame holds, native XDP is
#   refused on the veth (the port falls back to generic mode and says so)
#   and an oversized frame is counted as an rx error, not passed on cut;
# - nicflowd hosts a datapath with two afxdp ports (nicflow-dpctl add-if
#   IFACE,type=afxdp) and flows in_port(1) -> 2 and 2 -> 1 carry a ping.
#
# Only ICMP is used: AF_XDP carries no checksum offload metadata, so TCP
# and UDP need the peers' "ethtool -K DEV tx off" (softpath/README.md).
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ip ping
make_tmpdir

config=$NF_TOP/${BUILD:-build}/config.h
drv=$NF_TOP/${BUILD:-build}/tests/netdev-driver
make -C "$NF_TOP" --no-print-directory -s "${BUILD:-build}/tests/netdev-driver" \
    >/dev/null 2>&1
# make has (re)written config.h, which says whether afxdp is built.
if ! grep -q '^#define HAVE_AFXDP 1' "$config" 2>/dev/null; then
    skip all "AF_XDP ports not built: libxdp/libbpf not found (scripts/install-deps.sh --test)"
    exit 0
fi
if [ ! -x "$drv" ]; then
    fail "netdev-driver is built (make build/tests/netdev-driver)"
    finish
fi

add_netns a && nsa=$NETNS && add_netns b && nsb=$NETNS \
    && add_netns w && nsw=$NETNS || { fail "create namespaces"; finish; }
check "veth a <-> w" ip link add va netns "$nsa" type veth peer name wa netns "$nsw"
check "veth b <-> w" ip link add vb netns "$nsb" type veth peer name wb netns "$nsw"
ip -n "$nsa" addr add 10.78.0.1/24 dev va
ip -n "$nsb" addr add 10.78.0.2/24 dev vb
for l in "$nsa va" "$nsb vb" "$nsw wa" "$nsw wb"; do
    set -- $l
    ip -n "$1" link set "$2" up
done

# start_driver NAME ARGS...: runs the driver in namespace w in the
# background, output in $NF_TMP/NAME.out and .err, and waits for "ready".
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
# driver's stderr) unless the driver exits 0.
stop_driver() {
    local pid rc
    eval "pid=\${${1}_pid}"
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    [ $rc = 0 ] || { echo "exit status $rc"; cat "$NF_TMP/$1.err"; }
    return $rc
}

# counter NAME PORT KEY: a counter from the driver's final lines.
counter() {
    awk -v p="$2" -v k="$3" '$1 == p { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' \
        "$NF_TMP/$1.out"
}

# sysctr NS DEV STAT: a kernel device counter.
sysctr() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }

# The probe: if the kernel refuses AF_XDP or XDP here, say so and skip.
# What b receives is counted from before the ports open, what a sends from
# after, so that each comparison below holds whatever else is on the link.
vb_rx0=$(sysctr "$nsb" vb rx_packets)
if ! start_driver wire wire wa wb afxdp; then
    why=$(grep -m1 'cannot' "$NF_TMP/wire.err")
    if grep -Eq 'not supported|not permitted|Permission denied|CONFIG_XDP_SOCKETS' \
            "$NF_TMP/wire.err"; then
        skip all "the kernel refuses AF_XDP/XDP on veth here: ${why:-see log}"
        exit 0
    fi
    fail "driver opens afxdp ports wa and wb"
    diag "$(cat "$NF_TMP/wire.err")"
    finish
fi
ok "driver opens afxdp ports wa and wb"
diag "$(grep -o 'port w[ab]: AF_XDP socket.*' "$NF_TMP/wire.err")"

wa_mac=$(ip netns exec "$nsw" cat /sys/class/net/wa/address)
wa_idx=$(ip netns exec "$nsw" cat /sys/class/net/wa/ifindex)
check_output "port wa reports the device's MAC, MTU and ifindex" \
    "^port wa type=afxdp mtu=1500 ifindex=$wa_idx mac=$wa_mac\$" \
    cat "$NF_TMP/wire.out"
check_output "the log says which XDP mode each port uses" \
    'port wb: AF_XDP socket on queue 0 in (native|generic) mode' \
    cat "$NF_TMP/wire.err"
check_output "libxdp's program is attached to wa" 'prog/xdp' \
    ip -n "$nsw" link show wa

va_tx0=$(sysctr "$nsa" va tx_packets)
check "ping a -> b through the afxdp wire" \
    ip netns exec "$nsa" ping -c 3 -i 0.2 -W 2 10.78.0.2
check "ping b -> a through the afxdp wire" \
    ip netns exec "$nsb" ping -c 2 -i 0.2 -W 2 10.78.0.1
va_tx1=$(sysctr "$nsa" va tx_packets)

check_here "wire driver exits cleanly on SIGTERM" stop_driver wire
vb_rx1=$(sysctr "$nsb" vb rx_packets)
diag "$(grep -E '^w[ab] ' "$NF_TMP/wire.out")"
wa_rx=$(counter wire wa rx_packets)
wb_tx=$(counter wire wb tx_packets)
check "wa's recv got every frame a sent into the veth ($wa_rx >= $((va_tx1 - va_tx0)))" \
    test "${wa_rx:-0}" -ge $((va_tx1 - va_tx0)) -a "${wa_rx:-0}" -ge 5
check "every frame wb's send sent reached b's veth ($((vb_rx1 - vb_rx0)) >= $wb_tx)" \
    test $((vb_rx1 - vb_rx0)) -ge "${wb_tx:-0}" -a "${wb_tx:-0}" -ge 5
check "wire forwarded without errors or drops" \
    awk '/^w[ab] / { for (i = 2; i <= NF; i++) if ($i ~ /^(rx|tx)_(errors|dropped)=/) { split($i, kv, "="); if (kv[2] != 0) bad = 1 } ; n++ } END { exit bad || n != 2 }' \
    "$NF_TMP/wire.out"
check_fails "libxdp's program is gone once the ports close" \
    bash -c "ip -n '$nsw' link show wa | grep -q prog/xdp"

# Oversized frames.  A veth refuses native XDP while its peer's MTU is
# larger than a page can hold, so the port falls back to generic mode; a
# 5,042-byte frame does not fit a 4,096-byte AF_XDP frame and must be
# counted, not forwarded.
ip -n "$nsa" link set va mtu 9000
ip -n "$nsw" link set wa mtu 9000
check_here "driver opens wa again with a 9000-byte MTU peer" \
    start_driver big wire wa wb afxdp
check_output "... falling back to generic (SKB) mode, with the reason" \
    'port wa: native XDP mode unavailable \(.*\), using generic \(SKB\) mode' \
    cat "$NF_TMP/big.err"
check "a normal ping still crosses in generic mode" \
    ip netns exec "$nsa" ping -c 2 -i 0.2 -W 2 10.78.0.2
check_fails "a 5000-byte ping does not" \
    ip netns exec "$nsa" ping -c 2 -i 0.2 -W 1 -s 5000 10.78.0.2
# The kernel's drop counters are read at most every 100 ms from recv; the
# driver calls recv at least once a second.
sleep 1.5
check_here "driver exits cleanly" stop_driver big
diag "$(grep -E '^wa ' "$NF_TMP/big.out")"
check "the oversized frames were counted as rx_errors on wa" \
    test "$(counter big wa rx_errors)" -ge 2
check_output "... and logged with the fix" 'frames larger than an AF_XDP frame' \
    cat "$NF_TMP/big.err"
ip -n "$nsa" link set va mtu 1500
ip -n "$nsw" link set wa mtu 1500

# A datapath in nicflowd with two afxdp ports.
D=$NF_BIN/nicflow-dpctl
check "nicflowd starts" ip netns exec "$nsw" "$NF_BIN/nicflowd" --detach \
    --pidfile --log-file
on_exit "stop_daemon nicflowd"
check "add-dp dp0" "$D" add-dp dp0
check "add-if wa,type=afxdp" "$D" add-if dp0 wa,type=afxdp
check "add-if wb,type=afxdp" "$D" add-if dp0 wb,type=afxdp
check_output "show lists both afxdp ports" 'port 2: wb \(afxdp\)' "$D" show dp0
check_output "a missing device is explained" 'nosuch.*afxdp.*No such device' \
    bash -c "'$D' add-if dp0 nosuch,type=afxdp 2>&1; true"
check "add-flow 1 -> 2" "$D" add-flow dp0 "in_port(1),eth()" 2
check "add-flow 2 -> 1" "$D" add-flow dp0 "in_port(2),eth()" 1
check "ping a -> b through the datapath's afxdp ports" \
    ip netns exec "$nsa" ping -c 5 -i 0.2 -W 2 10.78.0.2
diag "$(printf '%s\n' "$_nf_out" | grep rtt)"
check_output "flow statistics count the pings" \
    'in_port\(1\),eth\(\), packets:[1-9][0-9]*, bytes:[1-9]' "$D" dump-flows dp0
check "del-dp" "$D" del-dp dp0
check_fails "... and the XDP programs are detached" \
    bash -c "ip -n '$nsw' link show | grep -q prog/xdp"

finish
