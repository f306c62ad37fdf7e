#!/bin/sh
# tests/vm/t-tcf-tunnel.sh - guest script for tests/vm/lab.sh (busybox sh).
#
# Tunnel encapsulation and decapsulation through the TC flower provider
# (tc-flower/) alone, driven by tests/vm/tcf-driver with no datapath at
# all.  Two "hosts", namespaces HA and HB, joined by a veth underlay (ua,
# ub; 192.0.2.1 and .2).  Each host has collect-metadata ("external")
# tunnel devices as the kernel datapath makes them (vxlan_sys_4789,
# genev_sys_6081, gre_sys) and a "VM" behind a veth (va in HA, vb in HB;
# the VMs are namespaces VA, VB with 198.51.100.1 and .2).  One driver per
# host plays its offload manager: port 1 the VM's veth, 2 vxlan, 3 geneve,
# 4 gre.  For each tunnel type, on each host, an encap flow on the VM veth
# (set(tunnel(...)),output(tunnel)) and a decap flow on the tunnel device
# (tunnel(...) key, output(vm)) are the only path between the VMs.
# Checked, per type:
#   - VM-to-VM ping through the filters; tcpdump on the underlay sees the
#     VNI / GRE key (tunnel device counters when tcpdump is missing);
#   - tc lists the decap filter with its enc_* keys and "tunnel_key unset"
#     first, the encap filter with "tunnel_key set" and the redirect to the
#     tunnel device; tc's counters move, and the provider's stats agree
#     with tc's (plus the 14-byte Ethernet header software flower does not
#     count);
#   - del removes exactly our filters (a foreign one on the tunnel device
#     stays).
# Also: refusals (tp_src and output without set(tunnel) in actions, the
# oam flag, a tunnel match on the VM veth, a tunnel port without a kernel
# device as on the userspace datapath) with their exact reasons leave no
# filter behind; a second driver session reconciles (dumps and adopts)
# the tunnel filters of the first.  Raw dumps of an encap and a decap
# filter (the seeds dump-tunnel-encap and dump-tunnel-decap of
# tests/fuzz/corpus/tcf-reply) are printed in hex, "# raw ..." lines,
# when the run is given a file named raw-dumps:
#   touch /tmp/raw-dumps; tests/vm/lab.sh tests/vm/t-tcf-tunnel.sh /tmp/raw-dumps
#
# vm-files: build/tests/tcf-driver tests/vm/tcf-tunnel-lib.sh
# vm-programs: tcpdump
# shellcheck disable=SC2317 # functions run through check() and trap
set -eu

IP=/sbin/ip
TC=/sbin/tc
DRV=/nicflow/tcf-driver
HA=tha
HB=thb
VA=tva
VB=tvb
UA=192.0.2.1 # documentation ranges, only inside the guest's namespaces
UB=192.0.2.2
AA=198.51.100.1
AB=198.51.100.2
VNI=100

TMPP=/tmp/tt
# shellcheck source=tests/vm/tcf-tunnel-lib.sh
. /nicflow/tcf-tunnel-lib.sh
# tc's packet and byte counts of the filter on DEV in NS whose first action
# carries COOKIE, as "PKTS BYTES".
tc_counts() { # NS DEV COOKIE
    tc_in "$1" -s filter show dev "$2" ingress | awk -v ck="$3" '
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
ping_vm() { # COUNT
    "$IP" netns exec "$VA" ping -q -c "$1" -i 0.2 -W 1 -w 4 "$AB"
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
check "modules load (cls_flower act_mirred act_gact act_tunnel_key veth vxlan geneve ip_gre)" \
    modprobe -a sch_ingress cls_flower act_mirred act_gact act_tunnel_key \
    veth vxlan geneve ip_gre
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6 || :
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 || :

# host NS UNDERLAY ADDR VMNS VMDEV VMADDR: one host with its VM.
setup_host() {
    "$IP" -n "$1" addr add "$3"/24 dev "$2" && "$IP" -n "$1" link set "$2" up &&
        "$IP" -n "$1" link set lo up &&
        "$IP" netns add "$4" && "$IP" -n "$4" link set lo up &&
        "$IP" link add "$5" netns "$1" type veth peer name eth0 netns "$4" &&
        "$IP" -n "$4" link set eth0 mtu 1400 &&
        "$IP" -n "$4" addr add "$6"/24 dev eth0 &&
        "$IP" -n "$4" link set eth0 up && "$IP" -n "$1" link set "$5" up &&
        "$IP" -n "$1" link add vxlan_sys_4789 type vxlan external \
            dstport 4789 &&
        "$IP" -n "$1" link add genev_sys_6081 type geneve external &&
        "$IP" -n "$1" link add gre_sys type gretap external &&
        for d in vxlan_sys_4789 genev_sys_6081 gre_sys; do
            "$IP" -n "$1" link set "$d" up || return 1
        done
}
setup() {
    "$IP" netns add "$HA" && "$IP" netns add "$HB" &&
        "$IP" link add ua netns "$HA" type veth peer name ub netns "$HB" &&
        setup_host "$HA" ua "$UA" "$VA" va "$AA" &&
        setup_host "$HB" ub "$UB" "$VB" vb "$AB"
}
check "two hosts over a veth underlay, each with a VM and vxlan, geneve, gretap devices (external)" setup
check "the underlay works ($UA -> $UB)" \
    "$IP" netns exec "$HA" ping -q -c 1 -W 2 "$UB"
check_fails "no path between the VMs before any flow" ping_vm 2
"$IP" -n "$VA" neigh flush dev eth0 2>/dev/null || :
# A foreign filter on each tunnel device of HA: it must survive everything.
foreign() {
    for d in vxlan_sys_4789 genev_sys_6081 gre_sys; do
        tc_in "$HA" qdisc add dev "$d" clsact &&
            tc_in "$HA" filter add dev "$d" ingress protocol ipv6 pref 5 \
                flower action drop || return 1
    done
}
check "a foreign filter on each tunnel device of $HA" foreign

start_driver A "$HA"
start_driver B "$HB"
for h in A B; do
    vm=va
    [ "$h" = B ] && vm=vb
    out=$(drv "$h" init
    drv "$h" port-add "$vm" 1
    drv "$h" port-add vxlan_sys_4789 2 type=vxlan
    drv "$h" port-add genev_sys_6081 3 type=geneve
    drv "$h" port-add gre_sys 4 type=gre)
    echo "$out" | sed 's/^/# /'
    expect "driver $h: init" "$out" "init: ok"
    expect "driver $h: port_add of its VM veth" "$out" "port-add $vm: ok"
    expect "driver $h: port_add of its vxlan device" "$out" \
        "port-add vxlan_sys_4789: ok"
    expect "driver $h: port_add of its geneve device" "$out" \
        "port-add genev_sys_6081: ok"
    expect "driver $h: port_add of its gretap device" "$out" \
        "port-add gre_sys: ok"
done
out=$(drv A describe vxlan_sys_4789)
expect "a tunnel port is served on its ingress hook" "$out" \
    "describe vxlan_sys_4789: clsact (not ours), ingress, prio 0x4000-0x7fff, 0 filters"
# On the userspace datapath a tunnel vport has no kernel device.
out=$(drv A port-add vxlan_sys_9999 9 type=vxlan)
expect "a tunnel port without a kernel device is refused" "$out" \
    "port-add vxlan_sys_9999: refused unsupported-port: tc: vxlan_sys_9999 is not a kernel network device"

# --- one tunnel type ----------------------------------------------------
# run_type NAME DEV ODP TUN_OPTS(without the addresses) DUMP_PATTERN
#   UFID_BASE: encap and decap flows on both hosts, ping, counters, del.
# HOST ID: A or B; its underlay address, the peer's, its VM veth.
run_type() {
    t=$1 dev=$2 odp=$3 opts=$4 pat=$5 base=$6
    echo "# --- $t ---"
    # Encap on the VM veth, decap on the tunnel device, on both hosts.
    # Host A's encap leaves the source out (the kernel picks it by route,
    # as Open vSwitch's "src 0"); host B's names it.
    out=$(drv A batch
    drv A put $((base + 1)) "in_port(1),eth()" \
        "set(tunnel(tun_id=0x64,dst=$UB,ttl=64,${opts}flags(df|key))),$odp"
    drv A put $((base + 2)) \
        "tunnel(tun_id=0x64,src=$UB,dst=$UA,${opts}flags(-df+key)),in_port($odp),eth()" 1
    drv A commit
    drv B batch
    drv B put $((base + 1)) "in_port(1),eth()" \
        "set(tunnel(tun_id=0x64,src=$UB,dst=$UA,ttl=64,${opts}flags(df|key))),$odp"
    drv B put $((base + 2)) \
        "tunnel(tun_id=0x64,src=$UA,dst=$UB,${opts}flags(+key)),in_port($odp),eth()" 1
    drv B commit)
    n_ok=$(echo "$out" | grep -c ': ok handle 0x' || :)
    if [ "$n_ok" = 4 ]; then
        ok "$t: encap and decap flows put on both hosts"
    else
        not_ok "$t: encap and decap flows put on both hosts ($n_ok ok)"
        echo "$out" | sed 's/^/# /'
    fi

    # tcpdump on HB's underlay, when the guest has it.
    td=
    if command -v tcpdump >/dev/null 2>&1; then
        "$IP" netns exec "$HB" tcpdump -nn -v -l -i ub -c 4 >/tmp/tt.dump \
            2>&1 3>&- 4>&- &
        td=$!
        sleep 1
    fi
    check "$t: ping VM $AA -> VM $AB through the filters alone" ping_vm 3
    if [ -n "$td" ]; then
        sleep 0.5
        kill "$td" 2>/dev/null || :
        wait "$td" 2>/dev/null || :
        expect "$t: tcpdump on the underlay shows the tunnel ($pat)" \
            "$(cat /tmp/tt.dump)" "$pat"
    else
        echo "# no tcpdump in the guest: the tunnel device counters instead"
        rx=$("$IP" -n "$HB" -s link show "$dev" | awk '/RX:/ { getline; print $2; exit }')
        if [ "${rx:-0}" -ge 3 ]; then ok "$t: $dev of $HB received packets ($rx)"; else not_ok "$t: $dev of $HB received packets (${rx:-none})"; fi
    fi

    dec=$(tc_in "$HB" -s filter show dev "$dev" ingress)
    enc=$(tc_in "$HA" filter show dev va ingress)
    expect "$t: the decap filter matches the VNI / key" "$dec" "enc_key_id $VNI"
    expect "$t: the decap filter matches the outer addresses" "$dec" \
        "enc_dst_ip $UB"
    expect "$t: the decap filter's first action is tunnel_key unset" "$dec" \
        "unset"
    expect "$t: the decap filter redirects to the VM veth" "$dec" \
        "Egress Redirect to device vb"
    expect "$t: the encap filter sets the tunnel key" "$enc" "key_id $VNI"
    expect "$t: the encap filter redirects to $dev" "$enc" \
        "Egress Redirect to device $dev"
    for h in A B; do
        if [ $h = A ]; then ns=$HA; else ns=$HB; fi
        for k in 1 2; do
            u=$((base + k))
            if [ $k = 1 ]; then d=va; [ $h = B ] && d=vb; what=encap; else d=$dev; what=decap; fi
            counts=$(tc_counts "$ns" "$d" "$(ufid "$u")")
            p=${counts% *}
            p=${p:-0}
            if [ "$p" -ge 3 ]; then
                ok "$t: tc counted the $what filter of $h ($p packets)"
            else
                not_ok "$t: tc counted the $what filter of $h ($p packets)"
            fi
            stats_agree "$t: provider stats of the $what filter of $h agree with tc" \
                "$h" "$ns" "$d" "$(ufid "$u")"
        done
    done
    out=$(drv A del $((base + 1)); drv A del $((base + 2))
    drv B del $((base + 1)); drv B del $((base + 2)))
    n_ok=$(echo "$out" | grep -c ': ok packets=' || :)
    if [ "$n_ok" = 4 ]; then ok "$t: del of the four flows"; else not_ok "$t: del of the four flows"; echo "$out" | sed 's/^/# /'; fi
    left=$(tc_in "$HA" filter show dev "$dev" ingress)
    if [ "$(n_filters "$HA" "$dev")" = 1 ] && echo "$left" | grep -q "pref 5 " &&
        [ "$(n_filters "$HA" va)" = 0 ] && [ "$(n_filters "$HB" "$dev")" = 0 ] &&
        [ "$(n_filters "$HB" vb)" = 0 ]; then
        ok "$t: del removed exactly our filters (the foreign one stays)"
    else
        not_ok "$t: del removed exactly our filters (the foreign one stays)"
        echo "$left" | sed 's/^/# /'
    fi
    check_fails "$t: no path between the VMs once deleted" ping_vm 1
}

run_type vxlan vxlan_sys_4789 2 "tp_dst=4789," "vni $VNI" 100
run_type geneve genev_sys_6081 3 "tp_dst=6081," "vni 0x64" 200
run_type gre gre_sys 4 "" "key=0x64" 300

# --- refusals -----------------------------------------------------------
bv=$(n_filters "$HA" va)
bt=$(n_filters "$HA" vxlan_sys_4789)
out=$(drv A put 901 "in_port(1),eth()" \
    "set(tunnel(tun_id=0x64,dst=$UB,ttl=64,tp_src=1234,tp_dst=4789)),2"
drv A put 902 "in_port(1),eth()" 2
drv A put 903 "in_port(1),eth()" "set(tunnel(tun_id=0x64,dst=$UB,ttl=64)),1"
drv A put 904 "tunnel(tun_id=0x64,src=$UB,dst=$UA,flags(+oam)),in_port(2),eth()" 1
drv A put 905 "tunnel(tun_id=0x64,src=$UB,dst=$UA),in_port(1),eth()" 1
drv A put 906 "tunnel(tun_id=0x64/0xff,src=$UB,dst=$UA),in_port(2),eth()" 1)
echo "$out" | sed 's/^/# /'
expect "set(tunnel) with tp_src refused" "$out" \
    "put $(ufid 901): refused unsupported-action: tc: action set(tunnel) with tp_src cannot be offloaded"
expect "output to a tunnel port without set(tunnel) refused" "$out" \
    "put $(ufid 902): refused unsupported-action: tc: output to vxlan_sys_4789 (a vxlan tunnel port) without set(tunnel)"
expect "set(tunnel) with no output to a tunnel port refused" "$out" \
    "put $(ufid 903): refused unsupported-action: tc: action set(tunnel) is not followed by an output to a tunnel port"
expect "a match on the oam flag refused" "$out" \
    "put $(ufid 904): refused unsupported-match: tc: no match on tunnel flags (oam)"
expect "a tunnel match on a port that is no tunnel refused" "$out" \
    "put $(ufid 905): refused unsupported-match: tc: no match on tunnel (va is not a tunnel port)"
expect "a partial tun_id refused" "$out" \
    "put $(ufid 906): refused unsupported-match: tc: no match on tunnel tun_id (must be exact)"
if [ "$(n_filters "$HA" va)" = "$bv" ] && [ "$(n_filters "$HA" vxlan_sys_4789)" = "$bt" ]; then
    ok "the refused flows left no filter behind"
else
    not_ok "the refused flows left no filter behind"
fi

# --- reconcile, raw dumps, port_del --------------------------------------
out=$(drv A put 11 "in_port(1),eth()" \
    "set(tunnel(tun_id=0x64,dst=$UB,ttl=64,tp_dst=4789,flags(df|key))),2"
drv A put 12 "tunnel(tun_id=0x64,src=$UB,dst=$UA,tp_dst=4789),in_port(2),eth()" 1
drv B put 11 "in_port(1),eth()" \
    "set(tunnel(tun_id=0x64,dst=$UA,ttl=64,tp_dst=4789,flags(df|key))),2"
drv B put 12 "tunnel(tun_id=0x64,src=$UA,dst=$UB,tp_dst=4789),in_port(2),eth()" 1)
n_ok=$(echo "$out" | grep -c ': ok handle 0x' || :)
if [ "$n_ok" = 4 ]; then ok "vxlan flows again for a second session"; else not_ok "vxlan flows again for a second session"; echo "$out" | sed 's/^/# /'; fi
stop_driver A
start_driver A "$HA"
out=$(drv A init
drv A port-add va 1
drv A port-add vxlan_sys_4789 2 type=vxlan
drv A reconcile va
drv A reconcile vxlan_sys_4789)
echo "$out" | sed 's/^/# /'
expect "session 2 reconciles the encap filter" "$out" "reconcile va: 1"
expect "session 2 reconciles the decap filter" "$out" "reconcile vxlan_sys_4789: 1"
expect "reconcile found the decap flow's ufid" "$out" "found $(ufid 12) handle 0x"
check "ping through the reconciled filters" ping_vm 2
# Raw dumps, seeds of the fuzz target: one datagram each, printed in hex
# only when asked for (lab.sh given a file named raw-dumps).
for d in va vxlan_sys_4789; do
    out=$(drv A raw-dump "$d" /tmp/tt.raw)
    expect "raw dump of $d" "$out" "raw-dump $d: "
    if [ -e /nicflow/raw-dumps ]; then
        echo "# raw-dump $d:"
        od -An -tx1 -v /tmp/tt.raw | sed 's/^/# raw /'
    fi
done
out=$(drv A stats "$(ufid 12)")
expect "stats of a reconciled decap filter" "$out" "stats $(ufid 12): packets="
out=$(drv A port-del vxlan_sys_4789; drv A port-del va)
left=$(tc_in "$HA" filter show dev vxlan_sys_4789 ingress)
if [ "$(n_filters "$HA" vxlan_sys_4789)" = 1 ] && echo "$left" | grep -q "pref 5 " &&
    [ "$(n_filters "$HA" va)" = 0 ]; then
    ok "port_del removed our tunnel filters and kept the foreign one"
else
    not_ok "port_del removed our tunnel filters and kept the foreign one"
    echo "$left" | sed 's/^/# /'
fi
check "the tunnel device's foreign qdisc stays" sh -c \
    "$IP netns exec $HA $TC qdisc show dev vxlan_sys_4789 | grep -q clsact"
out=$(drv B flush)
if [ "$(n_filters "$HB" vb)" = 0 ] && [ "$(n_filters "$HB" vxlan_sys_4789)" = 0 ]; then
    ok "flush removed host B's tunnel filters"
else
    not_ok "flush removed host B's tunnel filters"
fi
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
