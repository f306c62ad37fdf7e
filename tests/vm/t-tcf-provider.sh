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
#     flush and port_del; the clsact qdisc goes only if ours and empty.
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
    for l in v0a v1a v2a; do "$IP" link del "$l" 2>/dev/null || :; done
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
    "clsact (ours), prio 0x4000-0x7fff, 2 filters, 0 in_hw 2 not_in_hw; switch id -, port name -"

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
stop_driver
if grep -q 'cannot run' /tmp/drv.log; then
    not_ok "the driver understood every command"
    grep 'cannot run' /tmp/drv.log | sed 's/^/# /'
fi

exit $failed
