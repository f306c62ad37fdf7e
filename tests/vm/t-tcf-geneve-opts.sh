#!/bin/sh
# tests/vm/t-tcf-geneve-opts.sh - guest script for tests/vm/lab.sh (busybox
# sh).
#
# Geneve options through the TC flower provider (tc-flower/) alone,
# driven by tests/vm/tcf-driver with no datapath at all, as in
# t-tcf-tunnel.sh: two "hosts", namespaces HA and HB, over a veth underlay
# (ua, ub; 192.0.2.1 and .2), each with a collect-metadata Geneve device
# as the kernel datapath makes it (genev_sys_6081) and a "VM" behind a
# veth (va, vb; the VMs are namespaces VA, VB with 198.51.100.1 and .2).
# One driver per host plays its offload manager: port 1 the VM's veth,
# port 3 the Geneve device.  Host A sends with one option (class 0x102,
# type 1) whose data host B's decap flow matches under a mask (0x1122/16);
# host B sends two options that host A's decap flow matches exactly.
# Checked:
#   - the four flows go in (their echoes agree with the requests, options
#     included) and tc lists the options: geneve_opts on the decap
#     filters (with the mask on B), the options of tunnel_key set on the
#     encap filters; tcpdump on the underlay sees them on the wire;
#   - VM-to-VM ping through the filters alone; tc's counters of every
#     filter move, and the provider's stats agree with tc's;
#   - a packet whose option has another value (A's encap flow replaced to
#     send 0x55667788) does not match B's decap filter: the ping fails, the
#     filter's counter stays while B's Geneve device receives the packets
#     and A's encap filter counts them; a value the mask lets through
#     (0x1122ffff) passes again;
#   - refusals with their exact reasons, leaving no filter behind: a
#     critical option in set(tunnel) (act_tunnel_key cannot set the C
#     bit), an option without data, "no options";
#   - a second driver session reconciles (dumps, parses and adopts) host
#     A's filters, whose dumps carry the kernel's shape of the options;
#     flush removes everything.
# Raw dumps of A's decap filter (two options) and encap filter (the seeds
# dump-geneve-opts-decap and dump-geneve-opts-encap of
# tests/fuzz/corpus/tcf-reply) are printed in hex, "# raw ..." lines, when
# the run is given a file named raw-dumps:
#   touch /tmp/raw-dumps
#   tests/vm/lab.sh -t 900 tests/vm/t-tcf-geneve-opts.sh /tmp/raw-dumps
#
# vm-files: build/tests/tcf-driver tests/vm/tcf-tunnel-lib.sh
# vm-programs: tcpdump
# shellcheck disable=SC2317 # functions run through check() and trap
set -eu

IP=/sbin/ip
TC=/sbin/tc
DRV=/nicflow/tcf-driver
HA=gha
HB=ghb
VA=gva
VB=gvb
UA=192.0.2.1 # documentation ranges, only inside the guest's namespaces
UB=192.0.2.2
AA=198.51.100.1
AB=198.51.100.2
DEV=genev_sys_6081
# A -> B: one option, B matches its data under a mask.
OPT_A='{class=0x102,type=0x1,len=4,0x11223344}'
OPT_A_OTHER='{class=0x102,type=0x1,len=4,0x55667788}'
OPT_A_MASKED='{class=0x102,type=0x1,len=4,0x1122ffff}'
MATCH_B='{class=0x102,type=0x1,len=4,0x11220000/0xffff0000}'
# B -> A: two options, A matches them exactly.
OPT_B='{class=0x102,type=0x2,len=4,0xaabbccdd}{class=0x103,type=0x3,len=8,0x102030405060708}'

TMPP=/tmp/tg
# shellcheck source=tests/vm/tcf-tunnel-lib.sh
. /nicflow/tcf-tunnel-lib.sh
# tc's packet and byte counts of the filter on DEV in NS whose first action
# carries COOKIE, as "PKTS BYTES" ("0 0" when there is no such filter).
tc_counts() { # NS DEV COOKIE
    c=$(tc_in "$1" -s filter show dev "$2" ingress | awk -v ck="$3" '
        /^filter .* handle / { sent = ""; mine = 0 }
        /Sent [0-9]+ bytes [0-9]+ pkt/ && sent == "" {
            for (i = 1; i <= NF; i++) {
                if ($i == "bytes") b = $(i - 1)
                if ($i == "pkt") p = $(i - 1)
            }
            sent = p " " b
        }
        $0 ~ ("cookie " ck) { mine = 1 }
        mine && sent != "" { print sent; exit }')
    echo "${c:-0 0}"
}
tc_pkts() { # NS DEV COOKIE
    c=$(tc_counts "$@")
    echo "${c% *}"
}
# Packets DEV in NS received (its rx counter).
rx_pkts() { # NS DEV
    "$IP" -n "$1" -s link show "$2" | awk '/RX:/ { getline; print $2; exit }'
}
ufid() { printf '%032x' "0x$1"; } # as the driver reads it: hex
ping_vm() { # COUNT
    "$IP" netns exec "$VA" ping -q -c "$1" -i 0.2 -W 1 -w 4 "$AB"
}
# The flows of each host.  encap_flow ID OPTIONS, decap_flow ID OPTIONS:
# the arguments of a put on host ID (A or B).
encap_flow() {
    if [ "$1" = A ]; then dst=$UB; else dst=$UA; fi
    echo "in_port(1),eth()" \
        "set(tunnel(tun_id=0x64,dst=$dst,ttl=64,tp_dst=6081,geneve($2),flags(df|key))),3"
}
decap_flow() {
    if [ "$1" = A ]; then src=$UB dst=$UA; else src=$UA dst=$UB; fi
    echo "tunnel(tun_id=0x64,src=$src,dst=$dst,tp_dst=6081,geneve($2),flags(+key)),in_port(3),eth()" 1
}

# --- setup -------------------------------------------------------------
echo "# guest uptime at the start: $(cut -d' ' -f1 /proc/uptime) s"
# Debian's tcpdump drops its privileges to user "tcpdump", whom the
# guest's /etc/passwd may lack.
if command -v tcpdump >/dev/null 2>&1 &&
    ! grep -q '^tcpdump:' /etc/passwd 2>/dev/null; then
    echo 'tcpdump:x:0:0:tcpdump:/:/bin/false' >>/etc/passwd || :
    grep -q '^tcpdump:' /etc/group 2>/dev/null ||
        echo 'tcpdump:x:0:' >>/etc/group || :
fi
check "modules load (cls_flower act_mirred act_gact act_tunnel_key veth geneve)" \
    modprobe -a sch_ingress cls_flower act_mirred act_gact act_tunnel_key \
    veth geneve
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6 || :
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 || :

# host NS UNDERLAY ADDR VMNS VMDEV VMADDR: one host with its VM.
setup_host() {
    "$IP" -n "$1" addr add "$3"/24 dev "$2" && "$IP" -n "$1" link set "$2" up &&
        "$IP" -n "$1" link set lo up &&
        "$IP" netns add "$4" && "$IP" -n "$4" link set lo up &&
        "$IP" link add "$5" netns "$1" type veth peer name eth0 netns "$4" &&
        "$IP" -n "$4" link set eth0 mtu 1300 &&
        "$IP" -n "$4" addr add "$6"/24 dev eth0 &&
        "$IP" -n "$4" link set eth0 up && "$IP" -n "$1" link set "$5" up &&
        "$IP" -n "$1" link add "$DEV" type geneve external &&
        "$IP" -n "$1" link set "$DEV" up
}
setup() {
    "$IP" netns add "$HA" && "$IP" netns add "$HB" &&
        "$IP" link add ua netns "$HA" type veth peer name ub netns "$HB" &&
        setup_host "$HA" ua "$UA" "$VA" va "$AA" &&
        setup_host "$HB" ub "$UB" "$VB" vb "$AB"
}
check "two hosts over a veth underlay, each with a VM and a geneve device (external)" setup
check "the underlay works ($UA -> $UB)" \
    "$IP" netns exec "$HA" ping -q -c 1 -W 2 "$UB"
check_fails "no path between the VMs before any flow" ping_vm 2
"$IP" -n "$VA" neigh flush dev eth0 2>/dev/null || :

start_driver A "$HA"
start_driver B "$HB"
for h in A B; do
    vm=va
    [ "$h" = B ] && vm=vb
    out=$(drv "$h" init
    drv "$h" port-add "$vm" 1
    drv "$h" port-add "$DEV" 3 type=geneve)
    echo "$out" | sed 's/^/# /'
    expect "driver $h: init" "$out" "init: ok"
    expect "driver $h: port_add of its VM veth" "$out" "port-add $vm: ok"
    expect "driver $h: port_add of its geneve device" "$out" \
        "port-add $DEV: ok"
done

# --- encap and decap with options ----------------------------------------
# ufid 1: the encap flow on the VM veth, 2: the decap flow on the device.
# shellcheck disable=SC2046 # each flow is two words, by design
out=$(drv A put 1 $(encap_flow A "$OPT_A")
drv A put 2 $(decap_flow A "$OPT_B")
drv B put 1 $(encap_flow B "$OPT_B")
drv B put 2 $(decap_flow B "$MATCH_B"))
echo "$out" | sed 's/^/# /'
n_ok=$(echo "$out" | grep -c ': ok handle 0x' || :)
if [ "$n_ok" = 4 ]; then
    ok "encap and decap flows with options put on both hosts (echoes agree)"
else
    not_ok "encap and decap flows with options put on both hosts ($n_ok ok)"
fi

decb=$(tc_in "$HB" filter show dev "$DEV" ingress)
deca=$(tc_in "$HA" filter show dev "$DEV" ingress)
enca=$(tc_in "$HA" filter show dev va ingress)
encb=$(tc_in "$HB" filter show dev vb ingress)
echo "$decb" | sed 's/^/# B decap: /'
echo "$enca" | sed 's/^/# A encap: /'
expect "tc lists geneve_opts on B's decap filter, with the data mask" \
    "$decb" "geneve_opts 0102:01:11220000/ffff:ff:ffff0000"
expect "tc lists geneve_opts on A's decap filter, both options, exact" \
    "$deca" "geneve_opts 0102:02:aabbccdd/ffff:ff:ffffffff,0103:03:0102030405060708/ffff:ff:ffffffffffffffff"
expect "tc lists the option of A's encap filter (tunnel_key set)" \
    "$enca" "0102:01:11223344"
expect "tc lists the options of B's encap filter (tunnel_key set)" \
    "$encb" "0102:02:aabbccdd,0103:03:0102030405060708"
expect "A's decap filter starts with tunnel_key unset" "$deca" "unset"

td=
if command -v tcpdump >/dev/null 2>&1; then
    "$IP" netns exec "$HB" tcpdump -nn -vv -l -i ub -c 4 udp port 6081 \
        >/tmp/tg.dump 2>&1 3>&- 4>&- &
    td=$!
    sleep 1
fi
check "ping VM $AA -> VM $AB through the filters alone" ping_vm 3
if [ -n "$td" ]; then
    sleep 0.5
    kill "$td" 2>/dev/null || :
    wait "$td" 2>/dev/null || :
    sed 's/^/# tcpdump: /' /tmp/tg.dump
    dump=$(cat /tmp/tg.dump)
    expect "tcpdump on the underlay sees A's option" "$dump" "11223344"
    expect "tcpdump on the underlay sees B's second option" "$dump" \
        "05060708"
else
    echo "# no tcpdump in the guest: the wire is not looked at"
fi
for h in A B; do
    if [ $h = A ]; then ns=$HA vm=va; else ns=$HB vm=vb; fi
    for k in 1 2; do
        if [ $k = 1 ]; then d=$vm what=encap; else d=$DEV what=decap; fi
        counts=$(tc_counts "$ns" "$d" "$(ufid $k)")
        p=${counts% *}
        if [ "$p" -ge 3 ]; then
            ok "tc counted the $what filter of $h ($p packets)"
        else
            not_ok "tc counted the $what filter of $h ($p packets)"
        fi
        stats_agree "provider stats of the $what filter of $h agree with tc" \
            "$h" "$ns" "$d" "$(ufid $k)"
    done
done

# --- another option value does not match ----------------------------------
# A's encap flow replaced: the same ufid, now sending 0x55667788.  VA
# knows VB's address for good, so that its echo requests leave (and
# are counted) even though no ARP reply could come back.
mac=$("$IP" -n "$VB" link show eth0 | awk '/link\/ether/ { print $2; exit }')
check "VA has a permanent neighbour entry for $AB" \
    "$IP" -n "$VA" neigh replace "$AB" lladdr "$mac" dev eth0 nud permanent
# shellcheck disable=SC2046
out=$(drv A put 1 $(encap_flow A "$OPT_A_OTHER"))
expect "A's encap flow replaced to send another option value" "$out" \
    "put $(ufid 1): ok handle 0x"
expect "tc lists the new option value" \
    "$(tc_in "$HA" filter show dev va ingress)" "0102:01:55667788"
# Counted from here: the replaced filter's actions count from 0.
before_dec=$(tc_pkts "$HB" "$DEV" "$(ufid 2)")
before_enc=$(tc_pkts "$HA" va "$(ufid 1)")
before_rx=$(rx_pkts "$HB" "$DEV")
check_fails "no ping with the other option value" ping_vm 3
after_dec=$(tc_pkts "$HB" "$DEV" "$(ufid 2)")
after_enc=$(tc_pkts "$HA" va "$(ufid 1)")
after_rx=$(rx_pkts "$HB" "$DEV")
if [ "$after_dec" = "$before_dec" ]; then
    ok "B's decap filter did not match the other value ($after_dec packets)"
else
    not_ok "B's decap filter did not match the other value ($before_dec -> $after_dec packets)"
fi
if [ "$after_enc" -ge $((before_enc + 3)) ] &&
    [ "${after_rx:-0}" -ge $((${before_rx:-0} + 3)) ]; then
    ok "yet A sent them and B's $DEV received them (encap $before_enc -> $after_enc, rx $before_rx -> $after_rx)"
else
    not_ok "yet A sent them and B's $DEV received them (encap $before_enc -> $after_enc, rx $before_rx -> $after_rx)"
fi
# A value the mask lets through.
# shellcheck disable=SC2046
out=$(drv A put 1 $(encap_flow A "$OPT_A_MASKED"))
expect "A's encap flow replaced to send 0x1122ffff" "$out" \
    "put $(ufid 1): ok handle 0x"
check "ping again with a value under B's mask (0x1122ffff)" ping_vm 3
after2=$(tc_pkts "$HB" "$DEV" "$(ufid 2)")
if [ "$after2" -ge $((after_dec + 3)) ]; then
    ok "B's decap filter matched 0x1122ffff ($after_dec -> $after2 packets)"
else
    not_ok "B's decap filter matched 0x1122ffff ($after_dec -> $after2 packets)"
fi

# --- refusals -----------------------------------------------------------
bv=$(n_filters "$HA" va)
bt=$(n_filters "$HA" "$DEV")
# shellcheck disable=SC2046
out=$(drv A put 901 $(encap_flow A '{class=0x102,type=0x80,len=4,0xa}')
drv A put 902 $(decap_flow A '{class=0x102,type=0x1,len=0}')
drv A put 903 $(decap_flow A ''))
echo "$out" | sed 's/^/# /'
expect "a critical option in set(tunnel) refused" "$out" \
    "put $(ufid 901): refused unsupported-action: tc: action set(tunnel) with geneve options cannot be offloaded (option class 0x102 type 0x80 is critical: act_tunnel_key cannot set the Geneve header's C bit)"
expect "a match on an option without data refused" "$out" \
    "put $(ufid 902): refused unsupported-match: tc: no match on geneve options (option class 0x102 type 0x1 has no data: tc needs 4 to 124 bytes)"
expect "a match on \"no options\" refused" "$out" \
    "put $(ufid 903): refused unsupported-match: tc: no match on geneve options (absent: flower cannot match a packet without options)"
if [ "$(n_filters "$HA" va)" = "$bv" ] && [ "$(n_filters "$HA" "$DEV")" = "$bt" ]; then
    ok "the refused flows left no filter behind"
else
    not_ok "the refused flows left no filter behind"
fi

# --- reconcile, raw dumps, flush -----------------------------------------
stop_driver A
start_driver A "$HA"
out=$(drv A init
drv A port-add va 1
drv A port-add "$DEV" 3 type=geneve
drv A reconcile va
drv A reconcile "$DEV")
echo "$out" | sed 's/^/# /'
expect "session 2 reconciles the encap filter (its options parsed)" "$out" \
    "reconcile va: 1"
expect "session 2 reconciles the decap filter (its options parsed)" "$out" \
    "reconcile $DEV: 1"
expect "reconcile found the decap flow's ufid" "$out" "found $(ufid 2) handle 0x"
check "ping through the reconciled filters" ping_vm 2
out=$(drv A stats "$(ufid 2)")
expect "stats of the reconciled decap filter" "$out" \
    "stats $(ufid 2): packets="
# Raw dumps, seeds of the fuzz target: one datagram each, printed in hex
# only when asked for (lab.sh given a file named raw-dumps).
for d in "$DEV" va; do
    out=$(drv A raw-dump "$d" /tmp/tg.raw)
    expect "raw dump of $d" "$out" "raw-dump $d: "
    if [ -e /nicflow/raw-dumps ]; then
        echo "# raw-dump $d:"
        od -An -tx1 -v /tmp/tg.raw | sed 's/^/# raw /'
    fi
done
out=$(drv A flush
drv B flush)
if [ "$(n_filters "$HA" va)" = 0 ] && [ "$(n_filters "$HA" "$DEV")" = 0 ] &&
    [ "$(n_filters "$HB" vb)" = 0 ] && [ "$(n_filters "$HB" "$DEV")" = 0 ]; then
    ok "flush removed every filter"
else
    not_ok "flush removed every filter"
fi
check_fails "no path between the VMs once flushed" ping_vm 1
stop_driver A
stop_driver B
for h in A B; do
    if grep -q 'cannot run' "/tmp/drv$h.log"; then
        not_ok "driver $h understood every command"
        grep 'cannot run' "/tmp/drv$h.log" | sed 's/^/# /'
    fi
done

echo "# guest uptime at the end: $(cut -d' ' -f1 /proc/uptime) s"
exit $failed
