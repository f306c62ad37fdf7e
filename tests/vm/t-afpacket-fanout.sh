#!/bin/sh
# tests/vm/t-afpacket-fanout.sh - guest script for tests/vm/lab.sh (busybox sh).
#
# An afpacket port in its default receive mode (rx-ring=auto) reads through
# two sockets, a TPACKET_V2 and a TPACKET_V3 ring, in one PACKET_FANOUT
# group whose BPF program hands each frame to exactly one of them.  The
# first socket creates the group and the kernel picks its id; the second
# joins that id.  The kernel's ids start at 0 after boot, and a join that
# took 0 for "no group yet" created a second group instead: both rings then
# received every frame and the datapath forwarded each one twice (ping
# counted a duplicate per reply, an iperf3 receiver saw stray datagrams).
# Only a freshly booted kernel hands out 0, which is why this runs here:
# the guest boots for this script, and the port opened first gets group 0.
#
# tests/system/netdev-driver joins wa and wb, the outer ends of two veth
# pairs, into a wire; namespace fa pings fb through it.  Checked: every
# request is answered once (no duplicates), and the wire received exactly
# the frames fa sent and fb received exactly those, no more.
#
# vm-files: build/tests/netdev-driver
# shellcheck disable=SC2317 # functions run through trap
set -eu

IP=/sbin/ip
DRV=/nicflow/netdev-driver # where lab.sh puts what "vm-files" names
NSA=fa
NSB=fb
ADDRA=192.0.2.1 # documentation range, only inside the guest's namespaces
ADDRB=192.0.2.2
OUT=/tmp/fanout-driver.out
drv=

failed=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=1; }

cleanup() {
    [ -z "$drv" ] || kill "$drv" 2>/dev/null || :
    "$IP" netns del "$NSA" 2>/dev/null || :
    "$IP" netns del "$NSB" 2>/dev/null || :
    "$IP" link del wa 2>/dev/null || :
    "$IP" link del wb 2>/dev/null || :
    rm -f "$OUT" /tmp/fanout-ping.out
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ ! -x "$DRV" ]; then
    not_ok "netdev-driver is in the guest"
    exit 1
fi

modprobe veth
# No IPv6 chatter (router solicitations, MLD): the counts below are exact.
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6 || :
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 || :

# noipv6 NS: the same inside namespace NS (a new namespace starts from the
# kernel's defaults, not the root namespace's), before its device exists.
noipv6() {
    "$IP" netns exec "$1" sh -c \
        'echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6 &&
         echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6'
}

if "$IP" netns add "$NSA" && "$IP" netns add "$NSB" &&
    noipv6 "$NSA" && noipv6 "$NSB" &&
    "$IP" link add wa type veth peer name va netns "$NSA" &&
    "$IP" link add wb type veth peer name vb netns "$NSB" &&
    "$IP" -n "$NSA" addr add "$ADDRA"/24 dev va &&
    "$IP" -n "$NSB" addr add "$ADDRB"/24 dev vb &&
    "$IP" -n "$NSA" link set va up && "$IP" -n "$NSB" link set vb up &&
    "$IP" link set wa up && "$IP" link set wb up; then
    ok "two namespaces behind veth pairs"
else
    not_ok "two namespaces behind veth pairs"
    exit 1
fi

"$DRV" wire wa wb >"$OUT" 2>&1 &
drv=$!
i=0
while ! grep -q '^ready' "$OUT" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 100 ] || ! kill -0 "$drv" 2>/dev/null; then
        not_ok "netdev-driver joins wa and wb"
        sed 's/^/# /' "$OUT"
        exit 1
    fi
    sleep 0.1
done
ok "netdev-driver joins wa and wb"

# counter NS DEV NAME: a device's counter, read in namespace NS.
counter() { "$IP" netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }
a_tx0=$(counter "$NSA" va tx_packets)
b_rx0=$(counter "$NSB" vb rx_packets)

"$IP" netns exec "$NSA" ping -c 10 -i 0.1 -W 1 -w 5 "$ADDRB" \
    >/tmp/fanout-ping.out 2>&1 || :
sed 's/^/# /' /tmp/fanout-ping.out
if grep -q ' 10 packets received' /tmp/fanout-ping.out &&
    ! grep -q 'duplicates' /tmp/fanout-ping.out; then
    ok "10 echo requests answered, each once"
else
    not_ok "10 echo requests answered, each once"
fi

sleep 0.3 # the V3 ring hands a partly filled block over after 1 ms
a_sent=$(($(counter "$NSA" va tx_packets) - a_tx0))
b_got=$(($(counter "$NSB" vb rx_packets) - b_rx0))
kill "$drv"
wait "$drv" || :
drv=
sed 's/^/# /' "$OUT"
wa_rx=$(sed -n 's/^wa .*rx_packets=\([0-9]*\).*/\1/p' "$OUT")

if [ "${wa_rx:-x}" = "$a_sent" ]; then
    ok "wa received each of fa's $a_sent frames once"
else
    not_ok "wa received each of fa's $a_sent frames once (it counted ${wa_rx:-nothing})"
fi
if [ "$b_got" = "$a_sent" ]; then
    ok "fb received exactly the $a_sent frames fa sent"
else
    not_ok "fb received exactly the $a_sent frames fa sent (it received $b_got)"
fi
exit "$failed"
