#!/bin/sh
# tests/vm/t-flower-mirred.sh - guest script for tests/vm/lab.sh (busybox sh).
#
# Proves the VM lab can do what the host kernel cannot: forward packets with
# cls_flower + act_mirred.  Two namespaces, each reached over a veth pair
# whose outer end (v0a, v1a) sits in the guest's root namespace with no
# address, no bridge and no forwarding.  The only path from one namespace to
# the other is the pair of flower rules that redirect v0a's ingress to v1a and
# back.  The test checks the ping works, the rules' counters move, and that
# the ping stops once the IPv4 rule is gone.
#
# Output: TAP lines "ok - NAME" / "not ok - NAME"; exit 1 if any failed.
# Every step that may fail is tested explicitly, so set -e only catches
# mistakes in the script itself.
# shellcheck disable=SC2317 # functions run through check() and trap
set -eu

IP=/sbin/ip
TC=/sbin/tc
NS0=fm0
NS1=fm1
ADDR0=192.0.2.1 # documentation range, only inside the guest's namespaces
ADDR1=192.0.2.2

failed=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=1; }
check() { # NAME COMMAND...: ok when the command succeeds
    name=$1
    shift
    if "$@" >/tmp/fm.out 2>&1; then
        ok "$name"
    else
        not_ok "$name"
        sed 's/^/# /' /tmp/fm.out
    fi
}

cleanup() {
    "$IP" netns del "$NS0" 2>/dev/null || : # takes v0b with it, and so v0a
    "$IP" netns del "$NS1" 2>/dev/null || :
    "$IP" link del v0a 2>/dev/null || :
    "$IP" link del v1a 2>/dev/null || :
    rm -f /tmp/fm.out
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# flower_pkts DEV PREF: packets counted by the action of DEV's ingress
# flower rule with preference PREF ("Sent N bytes M pkt"); empty if none.
flower_pkts() {
    "$TC" -s filter show dev "$1" ingress | awk -v pref="$2" '
        /^filter / { inrule = ($0 ~ (" pref " pref " flower")) }
        inrule && /Sent [0-9]+ bytes [0-9]+ pkt/ {
            for (i = 1; i <= NF; i++) if ($i == "pkt") { print $(i - 1); exit }
        }'
}

ping_from() { # NS ADDR COUNT: busybox ping, 0.2 s apart, bounded in time
    # -W: busybox waits this long (default 10 s) for replies after the
    # last request; -w: hard deadline for the whole ping.
    "$IP" netns exec "$1" ping -q -c "$3" -i 0.2 -W 1 -w 3 "$2"
}

# --- setup -------------------------------------------------------------
check "modules load (sch_ingress cls_flower act_mirred veth)" \
    modprobe -a sch_ingress cls_flower act_mirred veth
# No IPv6 chatter (router solicitations, MLD) on the test links.
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6 || :
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 || :

setup_links() {
    "$IP" netns add "$NS0" && "$IP" netns add "$NS1" &&
        "$IP" link add v0a type veth peer name v0b &&
        "$IP" link add v1a type veth peer name v1b &&
        "$IP" link set v0b netns "$NS0" && "$IP" link set v1b netns "$NS1" &&
        "$IP" -n "$NS0" addr add "$ADDR0"/24 dev v0b &&
        "$IP" -n "$NS1" addr add "$ADDR1"/24 dev v1b &&
        "$IP" -n "$NS0" link set v0b up && "$IP" -n "$NS1" link set v1b up &&
        "$IP" -n "$NS0" link set lo up && "$IP" -n "$NS1" link set lo up &&
        "$IP" link set v0a up && "$IP" link set v1a up
}
check "two namespaces joined by nothing but v0a and v1a" setup_links

# Sanity: without any rule the namespaces cannot reach each other.
if ping_from "$NS0" "$ADDR1" 2 >/tmp/fm.out 2>&1; then
    not_ok "no path between the namespaces before the flower rules"
    sed 's/^/# /' /tmp/fm.out
else
    ok "no path between the namespaces before the flower rules"
fi
# That ping left its requests queued behind an unresolved neighbour entry;
# drop them so they are not counted below.
"$IP" -n "$NS0" neigh flush dev v0b 2>/dev/null || :

add_rules() {
    "$TC" qdisc add dev v0a ingress &&
        "$TC" qdisc add dev v1a ingress &&
        "$TC" filter add dev v0a ingress protocol ip pref 10 flower \
            dst_ip "$ADDR1" action mirred egress redirect dev v1a &&
        "$TC" filter add dev v1a ingress protocol ip pref 10 flower \
            dst_ip "$ADDR0" action mirred egress redirect dev v0a &&
        "$TC" filter add dev v0a ingress protocol arp pref 20 flower \
            action mirred egress redirect dev v1a &&
        "$TC" filter add dev v1a ingress protocol arp pref 20 flower \
            action mirred egress redirect dev v0a
}
check "flower + mirred redirect rules installed on v0a and v1a" add_rules

if "$TC" filter show dev v0a ingress | grep -q "dst_ip $ADDR1"; then
    ok "tc shows the flower rule matching dst_ip $ADDR1"
else
    not_ok "tc shows the flower rule matching dst_ip $ADDR1"
    "$TC" filter show dev v0a ingress | sed 's/^/# /'
fi

# --- forwarding through the rules --------------------------------------
before=$(flower_pkts v0a 10)
before=${before:-0}
check "ping $ADDR0 -> $ADDR1 through the flower rules" ping_from "$NS0" "$ADDR1" 3
after=$(flower_pkts v0a 10)
after=${after:-0}
back=$(flower_pkts v1a 10)
back=${back:-0}
echo "# v0a ip rule counted $before then $after packets; v1a ip rule $back"
# Three echo requests crossed v0a, so the counter grew by at least three.
if [ "$after" -gt 0 ] && [ "$after" -ge $((before + 3)) ]; then
    ok "v0a flower rule counter increased ($before -> $after pkt)"
else
    not_ok "v0a flower rule counter increased ($before -> $after pkt)"
    "$TC" -s filter show dev v0a ingress | sed 's/^/# /'
fi
if [ "$back" -gt 0 ]; then
    ok "v1a flower rule counted the replies ($back pkt)"
else
    not_ok "v1a flower rule counted the replies ($back pkt)"
fi

# --- the converse: without the IPv4 rule there is no path ---------------
check "delete the v0a IPv4 flower rule" \
    "$TC" filter del dev v0a ingress protocol ip pref 10 flower
if ping_from "$NS0" "$ADDR1" 2 >/tmp/fm.out 2>&1; then
    not_ok "ping fails once the flower rule is gone"
    sed 's/^/# /' /tmp/fm.out
else
    ok "ping fails once the flower rule is gone"
fi

exit $failed
