#!/bin/sh
# tests/vm/t-tunnel-system.sh - guest script (busybox sh) for lab.sh.
#
# Tunnels on the kernel datapath (openvswitch.ko): two "hosts", network
# namespaces hA and hB joined by a veth underlay (ulA 172.31.0.1/24 <->
# ulB 172.31.0.2/24, addresses on the veths as on a host whose tunnels the
# kernel routes), each running its own nicflow-dbd and nicflowd with
# datapath_type=system; "VMs" vmA, vmA2 behind hA and vmB, vmB2 behind hB.
# VXLAN, GRE and Geneve in turn (VXLAN and Geneve also over an IPv6
# underlay, fd00:31::1 <-> fd00:31::2): the tunnel port's vport is the kernel's
# collect-metadata device (vxlan_sys_4789, gre_sys, genev_sys_6081), the
# datapath flows say set(tunnel(...)) on the way out and match tunnel(...)
# on the way in, VM-to-VM ping and TCP cross, and tcpdump on the underlay
# sees the VNI/key.  Then key=flow with set_field tun_id keeping two
# tenants apart on one tunnel.  Last, hw-offload=true: the encapsulating
# flow becomes a flower filter with tunnel_key set + mirred on the VM's
# port, the decapsulating one a filter with enc_* keys and tunnel_key
# unset on the tunnel device, both dp:tc, and traffic flows through them
# (their counters grow, the kernel datapath's hits do not); then the same
# over Geneve with an option (tun_metadata0) set and matched, the option in
# the filters' tunnel_key set and enc_opts.  Finally
# interop: host B's switch replaced by Open vSwitch 3.1 on its own kernel
# datapath, VXLAN between nicflow and Open vSwitch.
#
# vm-files: ovsdb/vswitch.ovsschema
# vm-programs: iperf3 tcpdump /usr/sbin/ovs-vswitchd /usr/sbin/ovsdb-server
# vm-programs: /usr/bin/ovsdb-tool /usr/bin/ovs-vsctl /usr/bin/ovs-appctl
# vm-host-files: /usr/share/openvswitch/vswitch.ovsschema=ovs-vswitch.ovsschema
# shellcheck disable=SC2317
set -u

IP=/sbin/ip
B=/nicflow/bin
failed=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=1; }
check() { # NAME COMMAND...
    name=$1
    shift
    if "$@" >/tmp/out 2>&1; then ok "$name"; else
        not_ok "$name"
        sed 's/^/# /' /tmp/out | head -40
    fi
}
wait_for() { # NAME SECONDS COMMAND...
    name=$1 n=$2
    shift 2
    while [ "$n" -gt 0 ]; do
        if "$@" >/tmp/out 2>&1; then ok "$name"; return 0; fi
        sleep 1
        n=$((n - 1))
    done
    not_ok "$name"
    sed 's/^/# /' /tmp/out | head -40
    return 1
}

# Per host X (A or B): its namespace, directories and clients.
hdir() { echo "/tmp/nf$1"; }
in_host() { # X COMMAND...: COMMAND in host X's namespace and environment
    h=$1
    shift
    d=$(hdir "$h")
    "$IP" netns exec "h$h" env NICFLOW_RUNDIR="$d/run" NICFLOW_DBDIR="$d/db" \
        NICFLOW_LOGDIR="$d/log" "$@"
}
vsctl() { h=$1; shift; in_host "$h" "$B/nicflow-vsctl" --db="unix:$(hdir "$h")/run/db.sock" --timeout=60 "$@"; }
appctl() { h=$1; shift; in_host "$h" "$B/nicflow-appctl" -t "$(hdir "$h")/run/nicflowd.ctl" "$@"; }
ofctl() { h=$1; shift; in_host "$h" "$B/nicflow-ofctl" "$@"; }

cleanup() {
    if [ "$failed" != 0 ]; then
        echo "# kernel messages of openvswitch (last 10):"
        dmesg | grep -i openvswitch | tail -n 10 | sed 's/^/# /'
    fi
    for h in A B; do
        if [ "$failed" != 0 ]; then
            echo "# host $h nicflowd.log (last 30 lines):"
            tail -n 30 "$(hdir $h)/log/nicflowd.log" 2>/dev/null | sed 's/^/# /'
        fi
        for p in nicflowd nicflow-dbd; do
            f="$(hdir $h)/run/$p.pid"
            [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
        done
        for p in ovs-vswitchd ovsdb-server; do
            f="/tmp/ovs$h/$p.pid"
            [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
        done
    done
    for n in hA hB vmA vmA2 vmB vmB2; do
        for p in $("$IP" netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        "$IP" netns del "$n" 2>/dev/null
    done
    :
}
trap cleanup EXIT
trap 'exit 1' INT TERM

modprobe -a openvswitch vxlan geneve ip_gre vport_vxlan vport_geneve \
    vport_gre veth 2>/dev/null
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6

# --- the topology ---------------------------------------------------------
for n in hA hB vmA vmA2 vmB vmB2; do
    "$IP" netns add "$n"
    "$IP" -n "$n" link set lo up
done
"$IP" link add ulA netns hA type veth peer name ulB netns hB
"$IP" -n hA addr add 172.31.0.1/24 dev ulA
"$IP" -n hB addr add 172.31.0.2/24 dev ulB
"$IP" -n hA link set ulA up
"$IP" -n hB link set ulB up
i=0
for vm in vmA vmB vmA2 vmB2; do
    i=$((i + 1))
    case $vm in vmA | vmA2) h=hA ;; *) h=hB ;; esac
    case $vm in vm?) port=vm1 ;; *) port=vm2 ;; esac
    "$IP" link add "$port" netns "$h" type veth peer name eth0 netns "$vm"
    "$IP" -n "$vm" addr add "10.10.0.$i/24" dev eth0
    "$IP" -n "$vm" link set eth0 address "50:54:00:00:00:0$i" mtu 1400 up
    "$IP" -n "$h" link set "$port" up
done
ping_vm() { # FROM TO-IP COUNT
    "$IP" netns exec "$1" ping -q -c "$3" -i 0.2 -W 2 -w 15 "$2"
}
no_ping_vm() { ! "$IP" netns exec "$1" ping -q -c 2 -i 0.2 -W 1 "$2"; }

for h in A B; do
    d=$(hdir $h)
    mkdir -p "$d/run" "$d/db" "$d/log"
    check "host $h: database" in_host $h "$B/nicflow-dbtool" create "$d/db/conf.db" \
        /nicflow/vswitch.ovsschema
    check "host $h: nicflow-dbd" in_host $h "$B/nicflow-dbd" "$d/db/conf.db" \
        --remote="punix:$d/run/db.sock" --detach --pidfile --log-file
    vsctl $h --no-wait init
    check "host $h: nicflowd" in_host $h "$B/nicflowd" "unix:$d/run/db.sock" \
        --detach --pidfile --log-file
    check "host $h: br-int on the kernel datapath with vm1, vm2" vsctl $h \
        -- add-br br-int -- set Bridge br-int datapath_type=system \
        -- add-port br-int vm1 -- add-port br-int vm2
done

# The underlay addresses the tunnels use (IPv4 unless a round says
# otherwise) and the names the datapath flows give them.
UL_A=172.31.0.1 UL_B=172.31.0.2 SRC_K=src DST_K=dst
other() { [ "$1" = A ] && echo $UL_B || echo $UL_A; }

# tunnel_round TYPE VPORT TCPDUMP-FILTER TCPDUMP-PATTERN [NAME]
tunnel_round() {
    ty=$1 t=${5:-$1} vport=$2 filt=$3 pat=$4
    for h in A B; do
        check "$t: host $h adds tun0 (remote_ip=$(other $h), key=100)" vsctl $h \
            add-port br-int tun0 -- set Interface tun0 type="$ty" \
            options:remote_ip="$(other $h)" options:key=100
    done
    has_vport() { appctl A dpif/show | grep -q "tun0 .*($ty"; }
    check "$t: dpif/show lists tun0 as a $ty port" has_vport
    kdev() { "$IP" -n hA -d link show "$vport" | grep -q "$ty"; }
    check "$t: the kernel's tunnel device $vport exists in host A" kdev
    no_error() { test "$(vsctl A get Interface tun0 error)" = "[]"; }
    check "$t: tun0 has no error" no_error
    wait_for "$t: vmA pings vmB across the tunnel" 20 ping_vm vmA 10.10.0.2 3
    check "$t: vmA2 pings vmB2 across the tunnel" ping_vm vmA2 10.10.0.4 3

    appctl A dpctl/dump-flows >/tmp/flowsA.txt 2>&1
    sed 's/^/# /' /tmp/flowsA.txt | head -8
    check "$t: a datapath flow encapsulates with set(tunnel(tun_id=0x64,...$DST_K=$UL_B...))" \
        grep -q "set(tunnel(tun_id=0x64,.*$DST_K=$UL_B" /tmp/flowsA.txt
    check "$t: a datapath flow takes the decapsulated packets by tunnel(tun_id=0x64,$SRC_K=$UL_B,$DST_K=$UL_A)" \
        grep -q "tunnel(tun_id=0x64,$SRC_K=$UL_B,$DST_K=$UL_A" /tmp/flowsA.txt

    "$IP" netns exec hB tcpdump -Z root -nn -c 2 -i ulB "$filt" >/tmp/td.txt 2>/tmp/td-err.txt &
    td=$!
    sleep 2
    ping_vm vmA 10.10.0.2 3 >/dev/null 2>&1
    sleep 1
    kill "$td" 2>/dev/null
    wait "$td" 2>/dev/null
    sed 's/^/# /' /tmp/td.txt /tmp/td-err.txt | head -6
    check "$t: tcpdump on the underlay sees $pat" grep -q "$pat" /tmp/td.txt

    "$IP" netns exec vmB iperf3 -s -1 -D >/dev/null 2>&1
    sleep 1
    "$IP" netns exec vmA iperf3 -c 10.10.0.2 -t 2 -f m >/tmp/iperf.txt 2>&1
    rate=$(sed -n 's/.* \([0-9.]*\) Mbits\/sec .*receiver.*/\1/p' /tmp/iperf.txt)
    echo "# $t: iperf3 TCP vmA -> vmB ${rate:-?} Mbit/s"
    check "$t: iperf3 TCP crosses the tunnel" awk "BEGIN { exit !(${rate:-0} > 0) }"

    for h in A B; do
        check "$t: host $h removes tun0" vsctl $h del-port br-int tun0
    done
    sleep 1
    check "$t: vmA no longer reaches vmB" no_ping_vm vmA 10.10.0.2
}

tunnel_round vxlan vxlan_sys_4789 "udp port 4789" "VXLAN.*vni 100"
tunnel_round gre gre_sys "ip proto 47" "GREv0, key=0x64"
tunnel_round geneve genev_sys_6081 "udp port 6081" "Geneve.*vni 0x64"

# The same over an IPv6 underlay (vxlan and geneve; the kernel's
# collect-metadata devices listen on both families).
for h in A B; do
    "$IP" netns exec h$h sh -c "echo 0 > /proc/sys/net/ipv6/conf/ul$h/disable_ipv6"
done
"$IP" -n hA addr add fd00:31::1/64 dev ulA nodad
"$IP" -n hB addr add fd00:31::2/64 dev ulB nodad
UL_A=fd00:31::1 UL_B=fd00:31::2 SRC_K=ipv6_src DST_K=ipv6_dst
tunnel_round vxlan vxlan_sys_4789 "udp port 4789" "fd00:31::1.*VXLAN.*vni 100" "vxlan over IPv6"
tunnel_round geneve genev_sys_6081 "udp port 6081" "fd00:31::1.*Geneve.*vni 0x64" "geneve over IPv6"
UL_A=172.31.0.1 UL_B=172.31.0.2 SRC_K=src DST_K=dst

# --- key=flow: two tenants on one tunnel (set_field tun_id) ---------------
for h in A B; do
    check "host $h: tun0 vxlan with key=flow, fail-mode secure flows per tenant" \
        vsctl $h add-port br-int tun0 -- set Interface tun0 type=vxlan \
        options:remote_ip="$(other $h)" options:key=flow \
        -- set Interface tun0 ofport_request=10 \
        -- set Interface vm1 ofport_request=1 -- set Interface vm2 ofport_request=2
    ofctl $h del-flows br-int
    check "host $h: tenant flows" sh -c "printf '%s\n' \
        'in_port=1,actions=set_field:100->tun_id,output:10' \
        'in_port=2,actions=set_tunnel:200,output:10' \
        'in_port=10,tun_id=100,actions=output:1' \
        'in_port=10,tun_id=200,actions=output:2' > /tmp/tenant.flows"
    check "host $h: add-flows" in_host $h "$B/nicflow-ofctl" add-flows br-int /tmp/tenant.flows
done
wait_for "key=flow: vmA (tenant 100) pings vmB (tenant 100)" 15 ping_vm vmA 10.10.0.2 3
check "key=flow: vmA2 (tenant 200) pings vmB2 (tenant 200)" ping_vm vmA2 10.10.0.4 3
check "key=flow: vmA (tenant 100) cannot reach vmB2 (tenant 200)" no_ping_vm vmA 10.10.0.4
appctl A dpctl/dump-flows >/tmp/flowsA.txt 2>&1
check "key=flow: the datapath encapsulates tenant 200 (set_tunnel:200) with tun_id=0xc8" \
    grep -q 'set(tunnel(tun_id=0xc8,' /tmp/flowsA.txt

# --- hw-offload=true: encap and decap in flower ---------------------------
TC=/sbin/tc
for h in A B; do
    ofctl $h del-flows br-int
    check "host $h: NORMAL again" in_host $h "$B/nicflow-ofctl" add-flow \
        br-int actions=normal
    check "host $h: hw-offload=true" vsctl $h set Interface tun0 options:key=100 \
        -- set Open_vSwitch . other_config:hw-offload=true
done
sleep 1
wait_for "offload: vmA pings vmB (first packets through the kernel datapath)" 15 \
    ping_vm vmA 10.10.0.2 3
tc_flows() { appctl A dpctl/dump-flows -m type=offloaded >/tmp/off.txt 2>&1 &&
    grep 'dp:tc' /tmp/off.txt | grep -q 'set(tunnel(tun_id=0x64' &&
    grep 'dp:tc' /tmp/off.txt | grep -q 'tunnel(tun_id=0x64,src=172.31.0.2'; }
wait_for "offload: the encap and the decap flow are dp:tc" 20 tc_flows
sed 's/^/# /' /tmp/off.txt | head -6
our_filters() { # DEV: our flower filters' text (16-byte cookies)
    "$IP" netns exec hA "$TC" -s filter show dev "$1" ingress
}
filter_pkts() { # DEV: the most any of our filters' mirred actions counted
    our_filters "$1" | awk '
        /mirred/ { m = 1 }
        /Sent [0-9]+ bytes [0-9]+ pkt/ && m {
            for (i = 1; i <= NF; i++) if ($i == "pkt" && $(i - 1) > n) n = $(i - 1)
            m = 0
        }
        END { print n + 0 }'
}
encap_filter() { our_filters vm1 | grep -q 'tunnel_key.*set' &&
    our_filters vm1 | grep -q 'key_id 100'; }
check "offload: vm1 has a flower filter with tunnel_key set key_id 100" encap_filter
decap_filter() { our_filters vxlan_sys_4789 | grep -q 'enc_key_id 100' &&
    our_filters vxlan_sys_4789 | grep -q 'tunnel_key.*unset'; }
check "offload: vxlan_sys_4789 has a flower filter with enc_key_id 100 and tunnel_key unset" \
    decap_filter
our_filters vxlan_sys_4789 | sed 's/^/# /' | head -14
dp_hits() { appctl A dpctl/show | sed -n 's/.*lookups: hit:\([0-9]*\).*/\1/p' | head -1; }
# through_filters NAME DECAP-DEV: 20 pings vmA -> vmB go through vm1's
# encap filter and DECAP-DEV's decap filter, not the kernel datapath.
through_filters() {
    e0=$(filter_pkts vm1) d0=$(filter_pkts "$2") h0=$(dp_hits)
    check "$1: 20 more pings vmA -> vmB" ping_vm vmA 10.10.0.2 20
    e1=$(filter_pkts vm1) d1=$(filter_pkts "$2") h1=$(dp_hits)
    echo "# encap filter $e0 -> $e1, decap filter $d0 -> $d1, kernel datapath hits $h0 -> $h1"
    check "$1: the encap filter forwarded the 20 requests" test $((e1 - e0)) -ge 20
    check "$1: the decap filter forwarded the 20 replies" test $((d1 - d0)) -ge 20
    check "$1: the kernel datapath saw (almost) none of them" test $((h1 - h0)) -lt 10
}
through_filters offload vxlan_sys_4789
"$IP" netns exec vmB iperf3 -s -1 -D >/dev/null 2>&1
sleep 1
"$IP" netns exec vmA iperf3 -c 10.10.0.2 -t 2 -f m >/tmp/iperf.txt 2>&1
rate=$(sed -n 's/.* \([0-9.]*\) Mbits\/sec .*receiver.*/\1/p' /tmp/iperf.txt)
echo "# offloaded VXLAN: iperf3 TCP vmA -> vmB ${rate:-?} Mbit/s"
check "offload: iperf3 TCP crosses the offloaded tunnel" awk "BEGIN { exit !(${rate:-0} > 0) }"
check "offload: hw-offload=false removes our filters" vsctl A set Open_vSwitch . \
    other_config:hw-offload=false
no_filters() { ! our_filters vm1 | grep -q 'cookie [0-9a-f]\{32\}' &&
    ! our_filters vxlan_sys_4789 | grep -q 'cookie [0-9a-f]\{32\}'; }
wait_for "offload: no filter of ours is left on vm1 or vxlan_sys_4789" 10 no_filters
check "offload: vmA still pings vmB (kernel datapath)" ping_vm vmA 10.10.0.2 3

# --- hw-offload=true with Geneve options (tun_metadata) ------------------
# tun0 becomes a Geneve port whose option {class 0x102, type 0x1, 4 bytes}
# is tun_metadata0: each host sets 0x1234 on the way out and takes only
# packets carrying it on the way in.  The encapsulating flow is a flower
# filter whose tunnel_key set carries the option, the decapsulating one
# matches it (enc_opts), both dp:tc, and traffic flows through them.
# (Type 0x1, not critical: act_tunnel_key cannot set the C bit, so a
# critical option stays in the kernel datapath.)
for h in A B; do
    check "host $h: tun0 as geneve, tun_metadata0 mapped, hw-offload=true" \
        vsctl $h set Interface tun0 type=geneve -- \
        set Open_vSwitch . other_config:hw-offload=true
    ofctl $h del-flows br-int
    check "host $h: add-tlv-map {class=0x102,type=0x1,len=4}->tun_metadata0" \
        in_host $h "$B/nicflow-ofctl" add-tlv-map br-int \
        '{class=0x102,type=0x1,len=4}->tun_metadata0'
    check "host $h: flows set and match tun_metadata0=0x1234" sh -c "printf '%s\n' \
        'in_port=1,actions=set_field:0x1234->tun_metadata0,output:10' \
        'in_port=10,tun_metadata0=0x1234,actions=output:1' > /tmp/md.flows"
    check "host $h: add-flows" in_host $h "$B/nicflow-ofctl" add-flows br-int /tmp/md.flows
done
wait_for "geneve options: vmA pings vmB" 20 ping_vm vmA 10.10.0.2 3
md_tc_flows() { appctl A dpctl/dump-flows -m type=offloaded >/tmp/off.txt 2>&1 &&
    grep 'dp:tc' /tmp/off.txt | grep -q 'set(tunnel(tun_id=0x64.*geneve(' &&
    grep 'dp:tc' /tmp/off.txt | grep 'tunnel(tun_id=0x64,src=172.31.0.2' |
    grep -q 'geneve({class=0x102,type=0x1,len=4,0x1234'; }
wait_for "geneve options: the encap and the decap flow with the option are dp:tc" 20 \
    md_tc_flows
sed 's/^/# /' /tmp/off.txt | head -6
check "geneve options: vm1's filter sets the option (tunnel_key set ... geneve_opt)" \
    sh -c "'$IP' netns exec hA '$TC' filter show dev vm1 ingress | grep -q 'geneve_opt.*0102:01:00001234'"
check "geneve options: genev_sys_6081's filter matches the option (geneve_opts)" \
    sh -c "'$IP' netns exec hA '$TC' filter show dev genev_sys_6081 ingress | grep -q 'geneve_opts 0102:01:00001234'"
our_filters genev_sys_6081 | sed 's/^/# /' | head -14
through_filters "geneve options" genev_sys_6081
# Back to VXLAN with NORMAL and no offload, as the interop below expects.
for h in A B; do
    check "host $h: back to vxlan, NORMAL, hw-offload=false" vsctl $h \
        set Interface tun0 type=vxlan -- \
        set Open_vSwitch . other_config:hw-offload=false
    ofctl $h del-flows br-int
    in_host $h "$B/nicflow-ofctl" add-flow br-int actions=normal
done
wait_for "vmA pings vmB over VXLAN again" 20 ping_vm vmA 10.10.0.2 3

# --- interop: host B runs Open vSwitch 3.1 on its kernel datapath ----------
B_OVS=/nicflow/bin
O=/tmp/ovsB
ovs_in_b() { "$IP" netns exec hB env OVS_RUNDIR=$O OVS_LOGDIR=$O OVS_DBDIR=$O \
    OVS_SYSCONFDIR=$O "$@"; }
ovs_vsctl() { ovs_in_b "$B_OVS/ovs-vsctl" --db="unix:$O/db.sock" --timeout=60 "$@"; }
start_ovs_b() {
    mkdir -p $O &&
        ovs_in_b "$B_OVS/ovsdb-tool" create $O/conf.db /nicflow/ovs-vswitch.ovsschema &&
        ovs_in_b "$B_OVS/ovsdb-server" $O/conf.db --remote="punix:$O/db.sock" \
            --pidfile=$O/ovsdb-server.pid --unixctl=$O/ovsdb-server.ctl \
            --log-file=$O/ovsdb-server.log --no-chdir --detach -vconsole:off &&
        ovs_vsctl --no-wait init &&
        ovs_in_b "$B_OVS/ovs-vswitchd" "unix:$O/db.sock" --pidfile=$O/ovs-vswitchd.pid \
            --unixctl=$O/ovs-vswitchd.ctl --log-file=$O/ovs-vswitchd.log \
            --no-chdir --detach -vconsole:off
}
if [ -x "$B_OVS/ovs-vswitchd" ] && [ -f /nicflow/ovs-vswitch.ovsschema ]; then
    check "interop: host B's nicflowd exits with --cleanup (datapath removed)" \
        appctl B exit --cleanup
    sleep 1
    check "interop: host B starts ovsdb-server and ovs-vswitchd 3.1" start_ovs_b
    check "interop: host B (Open vSwitch): br-int with vm1, vm2 and a vxlan tun0, key=100" \
        ovs_vsctl -- add-br br-int -- add-port br-int vm1 -- add-port br-int vm2 \
        -- add-port br-int tun0 -- set Interface tun0 type=vxlan \
        options:remote_ip=172.31.0.1 options:key=100
    wait_for "interop: vmA (nicflow) pings vmB (Open vSwitch) over VXLAN" 20 \
        ping_vm vmA 10.10.0.2 3
    check "interop: vmB2 (Open vSwitch) pings vmA2 (nicflow)" ping_vm vmB2 10.10.0.3 3
    "$IP" netns exec vmB iperf3 -s -1 -D >/dev/null 2>&1
    sleep 1
    "$IP" netns exec vmA iperf3 -c 10.10.0.2 -t 2 -f m >/tmp/iperf.txt 2>&1
    rate=$(sed -n 's/.* \([0-9.]*\) Mbits\/sec .*receiver.*/\1/p' /tmp/iperf.txt)
    echo "# interop VXLAN: iperf3 TCP vmA (nicflow) -> vmB (Open vSwitch) ${rate:-?} Mbit/s"
    check "interop: iperf3 TCP from nicflow to Open vSwitch" awk "BEGIN { exit !(${rate:-0} > 0) }"
else
    echo "ok - interop with Open vSwitch # SKIP ovs-vswitchd 3.1 or its schema is not on the host"
fi

exit "$failed"
