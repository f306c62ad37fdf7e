#!/bin/sh
# tests/vm/t-tcf-provider.sh - guest script for tests/vm/lab.sh (busybox sh).
#
# The TC flower provider (tc-flower/) against a real kernel's cls_flower,
# driven by tests/vm/tcf-driver (the provider class called the way the
# offload manager calls it).  Two namespaces, each behind a veth pair whose
# outer end (v0a = datapath port 1, v1a = port 2) sits in the root
# namespace with no address and no bridge: flows the provider puts are the
# only path between them.  Checked:
#   - flows put in one batch make ping work; tc lists them at our priority
#     with the ufid as cookie, and the provider's counters agree with tc's
#     (plus the Ethernet header software flower does not count);
#   - refusals with their exact reasons leave tc untouched (userspace
#     action, skip_sw on a veth with the kernel's errno, the table-full
#     limit);
#   - deletion reports final counters; VLAN push/pop and header rewrites
#     (set eth + set ipv4) forward correctly;
#   - a second run of the driver reconciles: finds the same ufids, and a
#     put of one of them replaces instead of duplicating;
#   - foreign filters (other priority, chain 1, no or short cookie) survive
#     flush and port_del; the clsact qdisc goes only if ours and empty;
#   - a tap device (port type "tap") is served on its egress hook: with
#     nobody reading its file descriptor (held open by the driver, as
#     nicflowd would, so that it has carrier), the root namespace pings a
#     namespace behind veth v3a through the filters alone (egress redirect
#     from the tap's egress hook, ingress redirect with ptype host back);
#     tc lists the filter under egress with growing counters; port_del
#     removes exactly our egress filters (a filter that would be ours on
#     the ingress hook is foreign there and stays);
#   - meters: a 10 packets/s meter (a shared police action at index
#     0x10000000 + id, bound by the flow's filter) lets 12-40 of 200 echo
#     requests at 100/s through; tc lists it with its rate; a new rate
#     changes it in place and lets all through; refusals of a 2-band and
#     an unknown meter; meter gone while its flow is in place, then the
#     flow: the action goes; a restart takes over, or removes, an earlier
#     run's actions; flush removes ours; a hand-made police action (index
#     5) survives it all.  Raw dumps for the fuzz corpus when lab.sh is
#     given a file named raw-dumps (as t-tcf-tunnel.sh).
#
# vm-files: build/tests/tcf-driver
# shellcheck disable=SC2317 # functions run through check() and trap
set -eu

IP=/sbin/ip
TC=/sbin/tc
DRV=/nicflow/tcf-driver
NS0=tp0
NS1=tp1
ADDR0=192.0.2.1 # documentation ranges, only inside the guest's namespaces
ADDR1=192.0.2.2
FAKE=192.0.2.99 # rewritten to ADDR1 by a flow and back
V0=192.0.3.1    # untagged in NS0, VLAN 10 in NS1
V1=192.0.3.2
TAP=tp0            # a tap device in the root namespace, port 5
NS2=tp2            # behind v3a (port 6)
T0=198.51.100.1    # on the tap, in the root namespace
T1=198.51.100.2    # in NS2

failed=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=1; }
# expect NAME TEXT PATTERN: ok if TEXT contains PATTERN (fixed string).
expect() {
    case $2 in
    *"$3"*) ok "$1" ;;
    *) not_ok "$1"; echo "# want: $3"; echo "$2" | sed 's/^/# got:  /' ;;
    esac
}
check() { # NAME COMMAND...: ok when the command succeeds
    name=$1
    shift
    if "$@" >/tmp/tp.out 2>&1; then
        ok "$name"
    else
        not_ok "$name"
        sed 's/^/# /' /tmp/tp.out
    fi
}
check_fails() { # NAME COMMAND...: ok when the command fails
    name=$1
    shift
    if "$@" >/tmp/tp.out 2>&1; then
        not_ok "$name"
        sed 's/^/# /' /tmp/tp.out
    else
        ok "$name"
    fi
}

cleanup() {
    exec 3>&- 2>/dev/null || :
    "$IP" netns del "$NS0" 2>/dev/null || :
    "$IP" netns del "$NS1" 2>/dev/null || :
    "$IP" netns del "$NS2" 2>/dev/null || :
    for l in v0a v1a v2a v3a "$TAP"; do "$IP" link del "$l" 2>/dev/null || :; done
    rm -f /tmp/drv.in /tmp/drv.out /tmp/drv.log /tmp/drv.seq /tmp/tp.out
}
trap cleanup EXIT
trap 'exit 1' INT TERM
# A driver that died must fail checks, not kill the script with SIGPIPE.
trap '' PIPE

ping_from() { # NS ADDR COUNT
    "$IP" netns exec "$1" ping -q -c "$3" -i 0.2 -W 1 -w 3 "$2"
}

# --- the driver, as a coprocess over a FIFO ----------------------------
# drv CMD...: sends one command and prints the driver's output for it,
# up to a marker line echoed after it.
start_driver() {
    rm -f /tmp/drv.in /tmp/drv.out
    mkfifo /tmp/drv.in
    : >/tmp/drv.out
    # Its log (stderr) apart: a log line written in pieces could glue
    # itself to an answer.
    "$DRV" </tmp/drv.in >>/tmp/drv.out 2>>/tmp/drv.log &
    drv_pid=$!
    exec 3>/tmp/drv.in
}
stop_driver() {
    exec 3>&-
    wait
}
drv() {
    # The counter lives in a file: drv often runs in a subshell ($(...)),
    # and a marker seen twice would end the wait too early.
    seq_no=$(($(cat /tmp/drv.seq 2>/dev/null || echo 0) + 1))
    echo "$seq_no" >/tmp/drv.seq
    mark="@@$seq_no"
    from=$(($(wc -l </tmp/drv.out) + 1))
    if ! kill -0 "$drv_pid" 2>/dev/null; then
        echo "driver is gone; its last words:"
        tail -n 5 /tmp/drv.out /tmp/drv.log
        return 1
    fi
    echo "$*" >&3
    echo "echo $mark" >&3
    i=0
    while ! grep -qx "$mark" /tmp/drv.out; do
        i=$((i + 1))
        if [ $i -gt 300 ] || ! kill -0 "$drv_pid" 2>/dev/null; then
            echo "driver gave no answer to: $*"
            tail -n 5 /tmp/drv.out /tmp/drv.log
            return 1
        fi
        sleep 0.1
    done
    sed -n "$from,\$p" /tmp/drv.out | grep -vx "$mark" || :
}

# Our filters on DEV: lines "pref P" of flower filters with a handle.
n_filters() { # DEV [PREF_PATTERN]
    "$TC" filter show dev "$1" ingress | grep -c "^filter .* handle " || :
}
# tc's packet and byte counts of the filter of DEV whose action carries
# COOKIE, as "PKTS BYTES".
tc_counts() { # DEV COOKIE
    "$TC" -s filter show dev "$1" ingress | awk -v ck="$2" '
        /^filter .* handle / { sent = ""; mine = 0 }
        /Sent [0-9]+ bytes [0-9]+ pkt/ && sent == "" {
            for (i = 1; i <= NF; i++) {
                if ($i == "bytes") b = $(i - 1)
                if ($i == "pkt") p = $(i - 1)
            }
            sent = p " " b
        }
        $0 ~ ("cookie " ck) { mine = 1 }
        mine && sent != "" { print sent; exit }'
}
ufid() { printf '%032x' "0x$1"; } # as the driver reads it: hex

# --- setup -------------------------------------------------------------
check "modules load (cls_flower act_mirred act_gact act_vlan act_pedit act_csum act_skbedit veth 8021q)" \
    modprobe -a sch_ingress cls_flower act_mirred act_gact act_vlan \
    act_pedit act_csum act_skbedit veth 8021q
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6 || :
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 || :

setup_links() {
    "$IP" netns add "$NS0" && "$IP" netns add "$NS1" &&
        "$IP" link add v0a type veth peer name v0b &&
        "$IP" link add v1a type veth peer name v1b &&
        "$IP" link add v2a type veth peer name v2b &&
        "$IP" link set v0b netns "$NS0" && "$IP" link set v1b netns "$NS1" &&
        "$IP" -n "$NS0" addr add "$ADDR0"/24 dev v0b &&
        "$IP" -n "$NS0" addr add "$V0"/24 dev v0b &&
        "$IP" -n "$NS1" addr add "$ADDR1"/24 dev v1b &&
        "$IP" -n "$NS1" link add link v1b name v1b.10 type vlan id 10 &&
        "$IP" -n "$NS1" addr add "$V1"/24 dev v1b.10 &&
        "$IP" -n "$NS0" link set v0b up && "$IP" -n "$NS1" link set v1b up &&
        "$IP" -n "$NS1" link set v1b.10 up &&
        "$IP" -n "$NS0" link set lo up && "$IP" -n "$NS1" link set lo up &&
        "$IP" link set v0a up && "$IP" link set v1a up &&
        "$IP" link set v2a up && "$IP" link set v2b up
}
check "two namespaces joined by nothing but v0a and v1a" setup_links
check_fails "no path between the namespaces before any flow" \
    ping_from "$NS0" "$ADDR1" 2
"$IP" -n "$NS0" neigh flush dev v0b 2>/dev/null || :
MAC1=$("$IP" -n "$NS1" link show v1b | awk '/link\/ether/ { print $2 }')

# v0a gets a clsact qdisc and a filter of someone else's before the
# provider comes: neither may ever go.
check "a foreign qdisc and filter on v0a" sh -c \
    "$TC qdisc add dev v0a clsact && $TC filter add dev v0a ingress \
     protocol ipv6 pref 1 flower action drop"

# --- session 1 ---------------------------------------------------------
start_driver
out=$(drv init)
expect "provider init" "$out" "init: ok"
out=$(drv port-add v0a 1; drv port-add v1a 2; drv port p9 9 type=dummy)
expect "port_add v0a (qdisc already there)" "$out" "port-add v0a: ok"
expect "port_add v1a" "$out" "port-add v1a: ok"
expect "a veth is no representor (rtnetlink, devlink)" "$out" \
    "port-add v1a: ok (flavour none, pf -1, vf -1, sf -1)"
check "v1a got a clsact qdisc" sh -c "$TC qdisc show dev v1a | grep -q clsact"
# The first port_add() probes for flower with a filter of its own at the
# top of our range; it is gone again.
check_fails "the flower probe left nothing behind" sh -c \
    "$TC filter show dev v0a ingress | grep 'pref 32767'"

K_IP0="in_port(1),eth(),eth_type(0x0800),ipv4(dst=$ADDR1)"
K_IP1="in_port(2),eth(),eth_type(0x0800),ipv4(dst=$ADDR0)"
K_ARP0="in_port(1),eth(),eth_type(0x0806),arp(tip=$ADDR1)"
K_ARP1="in_port(2),eth(),eth_type(0x0806),arp(tip=$ADDR0)"
out=$(drv batch; drv put 1 "$K_IP0" 2; drv put 2 "$K_IP1" 1;
    drv put 3 "$K_ARP0" 2; drv put 4 "$K_ARP1" 1; drv commit)
echo "$out" | sed 's/^/# /'
n_ok=$(echo "$out" | grep -c ': ok handle 0x' || :)
if [ "$n_ok" = 4 ]; then ok "4 flows put in one batch"; else not_ok "4 flows put in one batch ($n_ok ok)"; fi
check "ping $ADDR0 -> $ADDR1 through the provider's filters" \
    ping_from "$NS0" "$ADDR1" 3

show=$("$TC" -s filter show dev v0a ingress)
expect "tc lists the flow at our priority" "$show" "pref 16384 flower"
expect "tc shows the ufid as the first action's cookie" "$show" \
    "cookie $(ufid 1)"
expect "the foreign filter is still there" "$show" "pref 1 flower"
counts=$(tc_counts v0a "$(ufid 1)")
tc_pkts=${counts% *} tc_bytes=${counts#* }
tc_pkts=${tc_pkts:-0} tc_bytes=${tc_bytes:-0}
out=$(drv stats "$(ufid 1)")
echo "# tc: $tc_pkts pkt $tc_bytes bytes; provider: $out"
if [ "$tc_pkts" -ge 3 ]; then ok "tc counted the echo requests ($tc_pkts)"; else not_ok "tc counted the echo requests ($tc_pkts)"; fi
expect "provider stats agree with tc (bytes + 14 per packet)" "$out" \
    "packets=$tc_pkts bytes=$((tc_bytes + 14 * tc_pkts)) used=yes"
out=$(drv describe v1a)
expect "describe v1a" "$out" \
    "clsact (ours), ingress, prio 0x4000-0x7fff, 2 filters, 0 in_hw 2 not_in_hw; switch id -, port name -"

# Refusals leave tc as it was.
before=$(n_filters v0a)
out=$(drv put 5 "in_port(1),eth(),eth_type(0x0800)" "userspace(pid=1)")
expect "userspace action refused with its reason" "$out" \
    "put $(ufid 5): refused unsupported-action: tc: action userspace cannot be offloaded"
out=$(drv put 6 "in_port(1),eth()" 9)
expect "output to a dummy port refused" "$out" \
    "refused unsupported-port: tc: output to p9: not a kernel network device"
out=$(drv check "in_port(1),eth_type(0x86dd),ipv6(label=5)" 2)
expect "flow_check names the field" "$out" \
    "check: refused unsupported-match: tc: no match on ipv6_label"
if [ "$(n_filters v0a)" = "$before" ]; then ok "refused flows added nothing to tc"; else not_ok "refused flows added nothing to tc"; fi

# Deletion with final counters.
out=$(drv del 1; drv del 2)
expect "del returns the final counters" "$out" "del $(ufid 1): ok packets=$tc_pkts"
if "$TC" filter show dev v0a ingress | grep -q "cookie $(ufid 1)"; then
    not_ok "deleted flow is gone from tc"
else
    ok "deleted flow is gone from tc"
fi
check_fails "no path once the IPv4 flows are deleted" ping_from "$NS0" "$ADDR1" 2

# Header rewrites: NS0 pings FAKE; one flow rewrites it to ADDR1 (and the
# MAC to v1b's), the other rewrites the replies' source back.
"$IP" -n "$NS0" neigh replace "$FAKE" lladdr 02:00:00:00:00:99 dev v0b
out=$(drv put 31 "in_port(1),eth(),eth_type(0x0800),ipv4(dst=$FAKE)" \
    "set(eth(dst=$MAC1)),set(ipv4(dst=$ADDR1)),2"
drv put 32 "in_port(2),eth(),eth_type(0x0800),ipv4(src=$ADDR1,dst=$ADDR0,proto=1)" \
    "set(ipv4(src=$FAKE)),1")
expect "pedit flows put" "$out" "put $(ufid 32): ok"
check "ping $FAKE works through set(eth) and set(ipv4) rewrites" \
    ping_from "$NS0" "$FAKE" 3
expect "tc shows the pedit and csum actions" \
    "$("$TC" filter show dev v0a ingress)" "csum (iph"

# VLAN: NS0 sends untagged to V1, NS1 has it on VLAN 10.
out=$(drv put 21 "in_port(1),eth(),eth_type(0x0800),ipv4(dst=$V1)" "push_vlan(vid=10,pcp=0),2"
drv put 22 "in_port(1),eth(),eth_type(0x0806),arp(tip=$V1)" "push_vlan(vid=10,pcp=0),2"
drv put 23 "in_port(2),eth(),eth_type(0x8100),vlan(vid=10),encap(eth_type(0x0800))" "pop_vlan,1"
drv put 24 "in_port(2),eth(),eth_type(0x8100),vlan(vid=10),encap(eth_type(0x0806))" "pop_vlan,1")
n_ok=$(echo "$out" | grep -c ': ok handle' || :)
if [ "$n_ok" = 4 ]; then ok "VLAN flows put"; else not_ok "VLAN flows put"; echo "$out" | sed 's/^/# /'; fi
check "ping $V1 on VLAN 10 through push_vlan/pop_vlan" ping_from "$NS0" "$V1" 3

n0=$(n_filters v0a)
n1=$(n_filters v1a)
echo "# session 1 leaves $n0 filters on v0a (one foreign), $n1 on v1a"
stop_driver

# --- session 2: reconcile ----------------------------------------------
start_driver
out=$(drv init; drv port-add v0a 1; drv port-add v1a 2; drv port p9 9 type=dummy)
expect "session 2 ports" "$out" "port-add v1a: ok"
out=$(drv reconcile v0a; drv reconcile v1a)
echo "$out" | sed 's/^/# /'
expect "reconcile v0a finds the flows of session 1" "$out" \
    "reconcile v0a: $((n0 - 1))"
expect "reconcile v1a finds the flows of session 1" "$out" \
    "reconcile v1a: $n1"
for u in 3 21 22 31; do
    expect "reconcile found ufid $u" "$out" "found $(ufid "$u") handle 0x"
done
h31=$(echo "$out" | sed -n "s/^found $(ufid 31) handle //p")
out=$(drv put 31 "in_port(1),eth(),eth_type(0x0800),ipv4(dst=$FAKE)" \
    "set(eth(dst=$MAC1)),set(ipv4(dst=$ADDR1)),2"
drv put 3 "in_port(1),eth(),eth_type(0x0806),arp(tip=$ADDR1,op=1)" 2)
# Same protocol and mask: replaced in place, at the same prio and handle.
expect "re-put of a reconciled flow in place" "$out" \
    "put $(ufid 31): ok handle ${h31:-none}"
expect "re-put of a reconciled flow with a new mask" "$out" "put $(ufid 3): ok"
if [ "$(n_filters v0a)" = "$n0" ]; then ok "re-puts replaced, not duplicated ($n0 filters)"; else not_ok "re-puts replaced, not duplicated ($(n_filters v0a) filters, want $n0)"; fi
check "ping $FAKE still works after the re-puts" ping_from "$NS0" "$FAKE" 2

# tc-policy skip_sw: a veth cannot run a filter in hardware.
before=$(n_filters v0a)
out=$(drv policy skip_sw; drv put 51 "in_port(1),eth(),eth_type(0x0800),ipv4(dst=198.51.100.1)" 2; drv policy none)
echo "$out" | sed 's/^/# /'
expect "skip_sw refused by the kernel" "$out" \
    "put $(ufid 51): refused device: tc: kernel: EOPNOTSUPP: "
expect "the reason says what skip_sw needs" "$out" "tc-policy skip_sw: v0a cannot offload this filter to hardware"
if [ "$(n_filters v0a)" = "$before" ]; then ok "refused skip_sw flow added nothing"; else not_ok "refused skip_sw flow added nothing"; fi

# Table full: v2a allows two filters.
out=$(drv port-add v2a 3 max-rules=2
drv put 41 "in_port(3),eth(),eth_type(0x0800)" 1
drv put 42 "in_port(3),eth(),eth_type(0x0806)" 1
drv put 43 "in_port(3),eth(),eth_type(0x86dd)" 1)
expect "v2a added" "$out" "port-add v2a: ok"
expect "third filter on a 2-rule port refused" "$out" \
    "put $(ufid 43): refused table-full: tc: table full: 2/2"
if [ "$(n_filters v2a)" = 2 ]; then ok "v2a holds 2 filters"; else not_ok "v2a holds 2 filters ($(n_filters v2a))"; fi
out=$(drv del 41; drv put 43 "in_port(3),eth(),eth_type(0x86dd)" 1)
expect "after a delete the third fits" "$out" "put $(ufid 43): ok"

# Foreign filters on v2a, whose qdisc the provider made.
foreign() {
    "$TC" filter add dev v2a ingress protocol ipv6 pref 5 flower action drop &&
        "$TC" filter add dev v2a ingress chain 1 protocol ip pref 16384 \
            flower action drop &&
        "$TC" filter add dev v2a ingress protocol ipv6 pref 28672 flower \
            action drop &&
        "$TC" filter add dev v2a ingress protocol ipv6 pref 28673 flower \
            action drop cookie 0102030405060708
}
check "foreign filters on v2a (pref 5, chain 1, no cookie, short cookie)" foreign
count_v2a() { "$TC" filter show dev v2a ingress chain 0 | grep -c "^filter .* handle" || :; }
count_v2a_chain1() { "$TC" filter show dev v2a ingress chain 1 | grep -c "^filter .* handle" || :; }
out=$(drv flush)
expect "flush" "$out" "flush: ok"
if [ "$(count_v2a)" = 3 ] && [ "$(count_v2a_chain1)" = 1 ]; then
    ok "flush removed ours and left the foreign filters on v2a"
else
    not_ok "flush removed ours and left the foreign filters on v2a"
    "$TC" filter show dev v2a ingress | sed 's/^/# /'
fi
if [ "$(n_filters v0a)" = 1 ] && "$TC" filter show dev v0a ingress | grep -q "pref 1 flower"; then
    ok "flush left only the foreign filter on v0a"
else
    not_ok "flush left only the foreign filter on v0a"
fi
if [ "$(n_filters v1a)" = 0 ]; then ok "flush emptied v1a"; else not_ok "flush emptied v1a"; fi
check_fails "no path after the flush" ping_from "$NS0" "$FAKE" 2

out=$(drv put 44 "in_port(3),eth(),eth_type(0x0800)" 1; drv port-del v2a)
expect "port_del v2a" "$out" "port-del v2a: ok"
if [ "$(count_v2a)" = 3 ] && "$TC" qdisc show dev v2a | grep -q clsact; then
    ok "port_del keeps foreign filters and the qdisc they are on"
else
    not_ok "port_del keeps foreign filters and the qdisc they are on"
fi
# With nothing foreign left, port_del removes the qdisc it made.
"$TC" qdisc del dev v2a clsact
out=$(drv port-add v2a 3; drv put 45 "in_port(3),eth(),eth_type(0x0800)" 1; drv port-del v2a)
expect "v2a again" "$out" "put $(ufid 45): ok"
if "$TC" qdisc show dev v2a | grep -q clsact; then
    not_ok "port_del removes its own empty qdisc"
else
    ok "port_del removes its own empty qdisc"
fi
out=$(drv port-del v0a)
if "$TC" qdisc show dev v0a | grep -q clsact && [ "$(n_filters v0a)" = 1 ]; then
    ok "port_del leaves v0a's foreign qdisc and filter"
else
    not_ok "port_del leaves v0a's foreign qdisc and filter"
fi

# --- a tap port: served on the egress hook ------------------------------
# What the host stack sends through the tap is what enters the switch from
# it (nicflowd would read it from the tap's fd): the tap's egress hook.
# The driver holds the tap's fd as nicflowd would (without one the tap has
# no carrier, and mirred refuses to redirect to it) but never reads it,
# so only the filters can carry the ping.
modprobe tun 2>/dev/null || :
setup_tap() {
    "$IP" tuntap add dev "$TAP" mode tap && "$IP" link set "$TAP" up &&
        "$IP" addr add "$T0"/24 dev "$TAP" &&
        "$IP" netns add "$NS2" &&
        "$IP" link add v3a type veth peer name v3b &&
        "$IP" link set v3b netns "$NS2" &&
        "$IP" -n "$NS2" addr add "$T1"/24 dev v3b &&
        "$IP" -n "$NS2" link set v3b up && "$IP" -n "$NS2" link set lo up &&
        "$IP" link set v3a up
}
check "tap $TAP ($T0) in the root namespace, $NS2 ($T1) behind v3a" setup_tap
out=$(drv tap-hold "$TAP")
expect "the driver holds the fd of $TAP (and never reads it)" "$out" \
    "tap-hold $TAP: ok"
ping_tap() { ping -q -c "$1" -i 0.2 -W 1 -w 3 "$T1"; }
check_fails "no path from $TAP to $NS2 before any flow" ping_tap 2
"$IP" neigh flush dev "$TAP" 2>/dev/null || :
out=$(drv port-add "$TAP" 5 type=tap; drv port-add v3a 6; drv describe "$TAP")
expect "port_add of a tap port" "$out" "port-add $TAP: ok"
expect "describe $TAP: the egress hook" "$out" \
    "describe $TAP: clsact (ours), egress, prio 0x4000-0x7fff, 0 filters"
# Foreign filters on the tap: on egress below our range, and in our range
# without a cookie; on ingress one that would be ours on the ingress hook
# (our priority, chain 0, a 16-byte cookie), which on this port is not.
tap_foreign() {
    "$TC" filter add dev "$TAP" egress protocol ipv6 pref 5 flower \
        action drop &&
        "$TC" filter add dev "$TAP" egress protocol ipv6 pref 28672 flower \
            action drop &&
        "$TC" filter add dev "$TAP" ingress protocol ipv6 pref 28673 flower \
            action drop cookie "$(ufid 77)"
}
check "foreign filters on $TAP (egress pref 5, no cookie; ingress, 16-byte cookie)" tap_foreign
out=$(drv batch
drv put 61 "in_port(5),eth(),eth_type(0x0800),ipv4(dst=$T1)" 6
drv put 62 "in_port(5),eth(),eth_type(0x0806),arp(tip=$T1)" 6
drv put 63 "in_port(6),eth(),eth_type(0x0800),ipv4(dst=$T0)" 5
drv put 64 "in_port(6),eth(),eth_type(0x0806),arp(tip=$T0)" 5
drv commit)
n_ok=$(echo "$out" | grep -c ': ok handle 0x' || :)
if [ "$n_ok" = 4 ]; then ok "tap flows put"; else not_ok "tap flows put ($n_ok ok)"; echo "$out" | sed 's/^/# /'; fi
check "ping $T0 -> $T1 over $TAP through the filters alone" ping_tap 3
if grep -q "100% packet loss" /tmp/tp.out; then
    { "$IP" -s link show "$TAP"; "$IP" route get "$T1"; "$IP" neigh show dev "$TAP"
      "$TC" -s filter show dev "$TAP" egress; "$TC" -s filter show dev v3a ingress
      "$IP" -n "$NS2" neigh; "$IP" -n "$NS2" -s link show v3b; } 2>&1 | sed 's/^/# /'
fi
show=$("$TC" -s filter show dev "$TAP" egress)
expect "tc lists the flow from $TAP under egress" "$show" "cookie $(ufid 61)"
expect "the redirect from $TAP's egress goes to v3a" "$show" \
    "Egress Redirect to device v3a"
back=$("$TC" filter show dev v3a ingress)
expect "output to the tap: skbedit ptype host" "$back" "ptype host"
expect "output to the tap: ingress redirect" "$back" \
    "Ingress Redirect to device $TAP"
if "$TC" filter show dev "$TAP" ingress | grep -Eq "cookie 0{30}6[1-4]"; then
    not_ok "no filter of ours on the ingress hook of $TAP"
else
    ok "no filter of ours on the ingress hook of $TAP"
fi
tap_counts() { "$TC" -s filter show dev "$TAP" egress | awk -v ck="$(ufid 61)" '
    /^filter .* handle / { sent = ""; mine = 0 }
    /Sent [0-9]+ bytes [0-9]+ pkt/ && sent == "" {
        for (i = 1; i <= NF; i++) {
            if ($i == "bytes") b = $(i - 1)
            if ($i == "pkt") p = $(i - 1)
        }
        sent = p " " b
    }
    $0 ~ ("cookie " ck) { mine = 1 }
    mine && sent != "" { print sent; exit }'; }
c1=$(tap_counts)
p1=${c1% *}
ping_tap 2 >/dev/null 2>&1 || :
c2=$(tap_counts)
p2=${c2% *} b2=${c2#* }
echo "# tc on $TAP egress: $c1, then $c2"
if [ "${p1:-0}" -ge 3 ] && [ "${p2:-0}" -ge $((${p1:-0} + 2)) ]; then
    ok "tc's counters of the egress filter grow ($p1, then $p2)"
else
    not_ok "tc's counters of the egress filter grow (${p1:-none}, then ${p2:-none})"
fi
# On egress the Ethernet header is in the packet: nothing to add.
out=$(drv stats "$(ufid 61)")
expect "provider stats of the egress filter agree with tc" "$out" \
    "packets=${p2:-0} bytes=${b2:-0} used=yes"
out=$(drv describe "$TAP")
expect "describe $TAP counts its filters" "$out" \
    "clsact (ours), egress, prio 0x4000-0x7fff, 2 filters"
out=$(drv del 62)
expect "del of an egress filter" "$out" "del $(ufid 62): ok packets="
if "$TC" filter show dev "$TAP" egress | grep -q "cookie $(ufid 62)"; then
    not_ok "the deleted egress filter is gone"
else
    ok "the deleted egress filter is gone"
fi
out=$(drv port-del "$TAP")
expect "port_del $TAP" "$out" "port-del $TAP: ok"
eg=$("$TC" filter show dev "$TAP" egress)
ing=$("$TC" filter show dev "$TAP" ingress)
n_eg=$(echo "$eg" | grep -c "^filter .* handle " || :)
if [ "$n_eg" = 2 ] && ! echo "$eg" | grep -q "cookie $(ufid 61)" &&
    echo "$eg" | grep -q "pref 5 " && echo "$eg" | grep -q "pref 28672 "; then
    ok "port_del removed exactly our egress filters"
else
    not_ok "port_del removed exactly our egress filters"
    echo "$eg" | sed 's/^/# /'
fi
expect "port_del left the ingress filter with a 16-byte cookie" "$ing" \
    "cookie $(ufid 77)"
check "the qdisc with foreign filters stays" sh -c \
    "$TC qdisc show dev $TAP | grep -q clsact"
check_fails "no path from $TAP once its port is gone" ping_tap 2
# With nothing foreign left, port_del removes the qdisc it made.
"$TC" qdisc del dev "$TAP" clsact
out=$(drv port-add "$TAP" 5 type=tap
drv put 65 "in_port(5),eth(),eth_type(0x0800)" 6
drv port-del "$TAP")
expect "$TAP again" "$out" "put $(ufid 65): ok"
if "$TC" qdisc show dev "$TAP" | grep -q clsact; then
    not_ok "port_del removes its own empty qdisc from $TAP"
else
    ok "port_del removes its own empty qdisc from $TAP"
fi
stop_driver

# --- meters: shared police actions ---------------------------------------
# Datapath meter N is the police action at index 0x10000000 + N (ours: the
# range 0x10000000-0x1fffffff); a flow's meter(N) binds to it by index.
# NS0 floods NS1 with 200 echo requests at 100/s through a 10 packets/s
# meter with a burst of 5: about 5 + 2 s * 10 = 25 get through (without
# policing all 200; with the burst taken as ticks instead of time, none).
check "act_police loads" modprobe act_police
check "a hand-made police action at index 5" \
    "$TC" actions add action police rate 1mbit burst 10k index 5
police() { "$TC" actions show action police; }
has_index() { police | grep -q "police $1 "; } # iproute2 prints the index in hex
start_driver
K_M="in_port(1),eth(),eth_type(0x0800),ipv4(dst=$ADDR1,proto=1)"
out=$(drv init; drv port-add v0a 1; drv port-add v1a 2
drv meter 3 pktps 10 5; drv meter 6 kbps 1000 0 bands=2
drv meter 7 kbps 8000 0)
expect "meters set" "$out" "meter 7: ok"
pol=$(police)
echo "$pol" | sed 's/^/# /'
expect "tc lists meter 3's police action at index 0x10000003: 10 packets/s, burst 5, conform pipe, exceed drop" "$pol" \
    "police 0x10000003 rate 0bit burst 0b mtu 64Kb pkts_rate 10 pkts_burst 5 action drop/pipe"
expect "meter 7 polices 8 Mbit/s (8000 kbit/s), burst one second's worth" "$pol" \
    "police 0x10000007 rate 8Mbit burst 1000000b mtu 64Kb action drop/pipe"
if has_index 0x10000006; then not_ok "no police action for the 2-band meter 6"; else ok "no police action for the 2-band meter 6"; fi
out=$(drv batch; drv put 81 "$K_M" "meter(3),2"; drv put 82 "$K_IP1" 1
drv put 83 "$K_ARP0" 2; drv put 84 "$K_ARP1" 1; drv commit)
n_ok=$(echo "$out" | grep -c ': ok handle 0x' || :)
if [ "$n_ok" = 4 ]; then ok "a metered flow and its way back put"; else not_ok "a metered flow and its way back put ($n_ok ok)"; echo "$out" | sed 's/^/# /'; fi
show=$("$TC" filter show dev v0a ingress)
echo "$show" | grep -A12 "cookie $(ufid 81)" | sed 's/^/# /'
expect "the flow's filter binds the police action by index" "$show" \
    "police 0x10000003 "
expect "the counting gact before it carries the ufid" "$show" \
    "cookie $(ufid 81)"
h81=$(echo "$show" | grep -B8 "cookie $(ufid 81)" | sed -n 's/.* handle \(0x[0-9a-f]*\).*/\1/p' | tail -1)
flood() { # prints how many of 200 requests at 100/s were answered
    "$IP" netns exec "$NS0" ping -q -c 200 -i 0.01 -W 1 -w 4 "$ADDR1" 2>&1 |
        sed -n 's/.* \([0-9]*\) packets received.*/\1/p'
}
rx=$(flood)
echo "# 10 packets/s, burst 5: $rx of 200 through"
if [ "${rx:-0}" -ge 12 ] && [ "${rx:-0}" -le 40 ]; then
    ok "the police action lets 12-40 of 200 through ($rx)"
else
    not_ok "the police action lets 12-40 of 200 through (${rx:-none})"
fi
out=$(drv stats "$(ufid 81)")
n81=$(echo "$out" | sed -n 's/.*packets=\([0-9]*\).*/\1/p')
echo "# $out"
if [ "${n81:-0}" -ge 195 ]; then
    ok "the flow counts every packet it matched, policed ones too (${n81})"
else
    not_ok "the flow counts every packet it matched, policed ones too (${n81:-none})"
fi
if [ -e /nicflow/raw-dumps ]; then
    drv raw-dump v0a /tmp/tp.raw >/dev/null
    echo "# raw-dump v0a:"
    od -An -tx1 -v /tmp/tp.raw | sed 's/^/# raw /'
fi
out=$(drv meter 3 pktps 10000 0)
expect "meter 3 at 10000/s" "$out" "meter 3: ok"
expect "the police action changed in place" "$(police)" "pkts_rate 10000 "
rx=$(flood)
if [ "${rx:-0}" -ge 195 ]; then
    ok "at 10000/s all get through, the filter untouched ($rx)"
else
    not_ok "at 10000/s all get through, the filter untouched (${rx:-none})"
fi
show=$("$TC" filter show dev v0a ingress)
h81b=$(echo "$show" | grep -B8 "cookie $(ufid 81)" | sed -n 's/.* handle \(0x[0-9a-f]*\).*/\1/p' | tail -1)
if [ -n "$h81" ] && [ "$h81" = "$h81b" ]; then ok "same filter ($h81)"; else not_ok "same filter (${h81:-none}, then ${h81b:-none})"; fi
out=$(drv put 85 "$K_M" "meter(6),2"; drv put 86 "$K_M" "meter(9),2")
expect "a 2-band meter refuses its flows" "$out" \
    "put $(ufid 85): refused unsupported-action: tc: meter 6 has no police action: 2 bands (a police action has one rate)"
expect "an unknown meter refuses its flows" "$out" \
    "put $(ufid 86): refused unsupported-action: tc: meter 9 has no police action: no such meter"
# The meter goes while a filter still binds its police action: the kernel
# keeps it (EPERM) until the flow goes too.
out=$(drv meter-del 3)
if has_index 0x10000003; then ok "a police action in use outlives its meter"; else not_ok "a police action in use outlives its meter"; fi
out=$(drv del 81)
expect "del of the metered flow" "$out" "del $(ufid 81): ok"
if has_index 0x10000003; then not_ok "flow, then meter gone: so is the police action"; else ok "flow, then meter gone: so is the police action"; fi

# A restart: meter 10's action is taken over with a new rate, meter 7's
# (no flow) and 11's (its flow still in place) are an earlier run's.
out=$(drv meter 10 pktps 10 0; drv meter 11 pktps 10 0
drv put 87 "$K_M" "meter(11),2")
expect "meter 11's flow" "$out" "put $(ufid 87): ok"
stop_driver
start_driver
out=$(drv init; drv meter 10 pktps 20 0; drv port-add v0a 1
drv port-add v1a 2; drv reconcile v0a)
expect "the restart adopts the metered flow" "$out" "found $(ufid 87) handle"
pol=$(police)
expect "meter 10's action taken over with its new rate" "$pol" "pkts_rate 20 "
if has_index 0x10000007; then not_ok "an earlier run's unused police action is removed"; else ok "an earlier run's unused police action is removed"; fi
if has_index 0x1000000b; then ok "one a filter still binds stays"; else not_ok "one a filter still binds stays"; fi
out=$(drv del 87)
if has_index 0x1000000b; then not_ok "...until the filter goes"; else ok "...until the filter goes"; fi
out=$(drv flush; drv destroy)
expect "flush and destroy" "$out" "destroy: ok"
pol=$(police)
if echo "$pol" | grep -q "police 0x1"; then
    not_ok "flush removed every police action of ours"
    echo "$pol" | sed 's/^/# /'
else
    ok "flush removed every police action of ours"
fi
expect "the hand-made police action survives" "$pol" "police 0x5 rate 1Mbit"
stop_driver
if grep -q 'cannot run' /tmp/drv.log; then
    not_ok "the driver understood every command"
    grep 'cannot run' /tmp/drv.log | sed 's/^/# /'
fi

exit $failed
