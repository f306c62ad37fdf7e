#!/bin/bash
# User-space native tunnelling (VXLAN, GRE, Geneve) between two "hosts",
# the seed tutorial "用VxLAN隧道连接虚拟机-用户态空间" (and its GRE
# sibling) built for real: the topology of tests/system/tunnel-lib.sh
# (namespaces hostA and hostB joined by an underlay veth; in each a
# switch with br-phy holding the underlay veth and the underlay address
# 172.31.0.{1,2}/24 on its internal port, and br-int holding a tunnel
# port and the veths of two "VM" namespaces).
#
#   SWITCH=nicflow   (default) nicflow on both hosts
#   SWITCH=ovs       Open vSwitch 3.1 on both hosts: proves the test's
#                    expectations
#   SWITCH=interop   nicflow on hostA, Open vSwitch 3.1 on hostB
#   TNL_TYPES="vxlan gre geneve"   the tunnel types, in turn
#   TNL_REF=ovs|none the appctl replies of hostA are compared with those
#                    of Open vSwitch 3.1 in the same setup, made by a
#                    second pass with Open vSwitch on both hosts after the
#                    main one (default: ovs for SWITCH=nicflow, else none;
#                    TNL_REF=ovs with SWITCH=ovs checks the comparison
#                    itself: two Open vSwitch runs must agree)
#
# For each type, with options:remote_ip and options:key (5001, 5002,
# 5003) and NORMAL switching:
#   - the Interface has no error and an OpenFlow port; vmA pings vmB;
#   - tcpdump on the underlay shows the encapsulation of that ping with
#     the right UDP port (4789, 6081) or IP protocol 47 and VNI/key:
#     A->B as received by hB-eth0, B->A as received by hA-eth0 (a
#     switch's own transmissions may bypass the capture point);
#   - no ICMP error crosses the underlay (the hosts' own stacks must not
#     receive the tunnel frames);
#   - the seed's appctl commands (ovs/route/show, ovs/route/lookup,
#     tnl/arp/show, tnl/ports/show, tnl/egress_port_range, dpif/show,
#     dpif/dump-flows br-int and br-phy) answer and show the tunnel, after
#     the same traffic each time (datapath flows, MAC tables and the VMs'
#     ARP caches flushed, then 2 pings); hostA's replies are kept for the
#     comparison (TNL_REF; tunnel-lib.sh's tnl_normalise says what it
#     leaves out);
#   - iperf3 TCP vmA -> vmB, 3 s (the rate is a diag line);
#   - malformed and foreign frames, sent with scapy from hostB's side of
#     the underlay to hostA's br-phy, reach no VM while a well-formed one
#     sent the same way does (so the path is proven); for nicflow on
#     hostA, coverage/show counts them (softpath/dp-execute-tnl.c's
#     tnl_pop_* counters); vmA still pings vmB afterwards;
# then with options:key=flow and OpenFlow flows that set tun_id per
# tenant (vmA, vmB: 100; vmA2, vmB2: 200) and deliver by tun_id: the same
# tenant pings across, the wire carries VNI/key 100 and 200, the other
# tenant cannot be reached.
#
# tests/system/run.sh (make check's system tier) runs every t-*.sh, this
# one too, with the default SWITCH=nicflow.
#
# Root; namespaces and addresses only its own; everything removed at exit.
# Run time here: about 40 s for SWITCH=ovs or interop, about 55 s for
# SWITCH=nicflow (the reference pass included), up to ~80 s when pings
# time out.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl ovs-ofctl ovs-appctl ovs-vswitchd ovsdb-server \
    ovsdb-tool ip ping iperf3 tcpdump ethtool
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import scapy.all' 2>/dev/null \
    || { skip all "python3-scapy not installed"; exit 0; }

SWITCH=${SWITCH:-nicflow}
case $SWITCH in
ovs) KIND_A=ovs KIND_B=ovs ;;
nicflow) KIND_A=nicflow KIND_B=nicflow ;;
interop) KIND_A=nicflow KIND_B=ovs ;;
*) fail "SWITCH=$SWITCH: expected ovs, nicflow or interop"; finish ;;
esac
TYPES=${TNL_TYPES:-vxlan gre geneve}
if [ "$SWITCH" = nicflow ]; then TNL_REF=${TNL_REF:-ovs}; else TNL_REF=${TNL_REF:-none}; fi

make_tmpdir
. "$(dirname "$0")/tunnel-lib.sh"
tnl_init "$NF_TMP" "nf-tunnel-$$"
on_exit tnl_cleanup
on_exit tnl_dump_logs

declare -A KEY=([vxlan]=5001 [gre]=5002 [geneve]=5003)
diag "SWITCH=$SWITCH (hostA: $KIND_A, hostB: $KIND_B), types: $TYPES, reference: $TNL_REF"

# --- helpers ------------------------------------------------------------

# pingfails VM IP: VM cannot reach IP (2 pings, 1 s wait).
pingfails() { ! tnl_ping "$1" "$2" 2; }

# ns NAME: a namespace of the topology.
ns() { echo "${TNL_NS[$1]}"; }

# cap_has NAME REGEX: a packet of that capture matches REGEX.
cap_has() {
    grep -Eq -- "$2" "$NF_TMP/$1.txt" && return 0
    echo "no packet matches: $2"
    echo "capture ($(wc -l < "$NF_TMP/$1.txt") packets):"
    head -n 8 "$NF_TMP/$1.txt"
    return 1
}

# no_bare_frames FILE...: the captures hold packets, and none of them is
# a VM's frame as such (an outer IP header of a VM's address).
no_bare_frames() {
    [ "$(cat "$@" | wc -l)" -gt 0 ] || { echo "empty captures"; return 1; }
    ! grep -E '^[^ ]+ [0-9a-f:]+ > [0-9a-f:]+, [^:]*: \([^)]*\) *10\.10\.0\.' "$@"
}

# no_icmp_errors FILE...: no ICMP error in these captures.  A host's
# stack answers tunnel frames with one when they reach it as well as the
# switch: when its br-phy has the underlay veth's own MAC, say (Open
# vSwitch 3.1 does not give a bridge a locally administered MAC of one of
# its ports, like the underlay veths' 02:00:00:00:00:0a/0b here).
no_icmp_errors() {
    local h hits
    hits=$(grep -E 'ICMP [^,]*(unreachable|time exceeded)' "$@") || return 0
    echo "$hits" | head -n 4
    for h in A B; do
        echo "host$h: br-phy $(ip -n "$(ns host$h)" -br link show br-phy | awk '{print $3}')," \
             "h$h-eth0 $(ip -n "$(ns host$h)" -br link show h$h-eth0 | awk '{print $3}')"
    done
    return 1
}

# encap_re TYPE SRC DST KEY INNER: a regex for one encapsulated packet
# from underlay SRC to DST (dots already escaped), VNI/key KEY, and the
# inner packet INNER, as tcpdump -n -e -v prints it.
encap_re() {
    local t=$1 s=$2 d=$3 k=$4 inner=$5 hex
    hex=$(printf '0x%x' "$k")
    case $t in
    vxlan) echo "proto UDP \(17\).* $s\.[0-9]+ > $d\.4789: .*VXLAN, flags \[I\] \(0x08\), vni $k .*$inner" ;;
    geneve) echo "proto UDP \(17\).* $s\.[0-9]+ > $d\.6081: .*Geneve, Flags \[[^]]*\], vni $hex, proto TEB \(0x6558\).*$inner" ;;
    gre) echo "proto GRE \(47\).* $s > $d: GREv0, Flags \[key present\], key=$hex, proto TEB \(0x6558\).*$inner" ;;
    esac
}

# iface_state A|B IFACE: "ofport=N error=E" of IFACE's row.
iface_state() {
    echo "ofport=$(tnl_vsctl "$1" get Interface "$2" ofport)" \
         "error=$(tnl_vsctl "$1" get Interface "$2" error)"
}

# set_flows A|B FILE: br-int's flows replaced by FILE's.
set_flows() {
    tnl_ofctl "$1" del-flows br-int && tnl_ofctl "$1" add-flows br-int "$2"
}

# coverage A|B NAME: a coverage counter's total (0 when never hit).
coverage() {
    tnl_appctl "$1" coverage/show 2>/dev/null \
        | awk -v n="$2" '$1 == n {v = $NF} END {print v + 0}'
}

# tcp_sha: 8 MB of random bytes over TCP from vmA to vmB (10.10.0.2:5301);
# true if vmB received them all, unchanged (SHA-256 on both sides).
tcp_sha() {
    local blob=$NF_TMP/blob sp got want n
    [ -f "$blob" ] || head -c 8388608 /dev/urandom > "$blob"
    ip netns exec "$(ns vmB)" timeout 30 /usr/bin/python3 -c '
import hashlib, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.10.0.2", 5301))
s.listen(1)
s.settimeout(25)
c, _ = s.accept()
h = hashlib.sha256()
while True:
    b = c.recv(1 << 20)
    if not b:
        break
    h.update(b)
print(h.hexdigest())' > "$NF_TMP/sha.out" 2>&1 &
    sp=$!
    for n in $(seq 30); do
        ip netns exec "$(ns vmB)" ss -Hltn 'sport = :5301' | grep -q . && break
        sleep 0.1
    done
    ip netns exec "$(ns vmA)" timeout 25 /usr/bin/python3 -c '
import socket, sys
c = socket.create_connection(("10.10.0.2", 5301), timeout=20)
c.sendall(open(sys.argv[1], "rb").read())
c.close()' "$blob" || { kill "$sp" 2>/dev/null; wait "$sp" 2>/dev/null; return 1; }
    wait "$sp"
    got=$(cat "$NF_TMP/sha.out")
    want=$(sha256sum "$blob" | cut -d" " -f1)
    [ "$got" = "$want" ] || { echo "got $got, want $want" >&2; return 1; }
}

# The injector: frames as hostB's side of the underlay would carry them,
# sent out of hB-eth0 to hostA's br-phy.  Inner frames go to vmA
# (10.10.0.1, its MAC) as UDP to port 7000 + N: 7000 the well-formed one
# (must arrive), the others must not.
cat > "$NF_TMP/inject.py" <<'PY'
import struct, sys
from scapy.all import Ether, IP, UDP, Raw, sendp, conf
conf.verb = 0
iface, dmac, smac, kind, key = sys.argv[1:6]
key = int(key)
outer = Ether(dst=dmac, src=smac) / IP(src="172.31.0.2", dst="172.31.0.1")

def inner(port):
    return bytes(Ether(dst="50:54:00:00:00:01", src="50:54:00:00:00:0f")
                 / IP(src="10.10.0.9", dst="10.10.0.1")
                 / UDP(sport=5555, dport=port) / Raw(b"tunnel-test-" * 2))

def vxlan(vni, flags=0x08):
    return struct.pack("!B3xI", flags, vni << 8)

def geneve(vni, ver=0, optlen=0):
    return struct.pack("!BBHI", ver << 6 | optlen, 0, 0x6558, vni << 8)

def gre(k, flags=0x2000):
    return struct.pack("!HHI", flags, 0x6558, k)

frames = []   # (what, frame)
if kind == "vxlan":
    u = outer / UDP(sport=40000, dport=4789)
    frames = [("truncated VXLAN header (4 of 8 bytes)", u / Raw(vxlan(key)[:4])),
              ("VXLAN, wrong VNI", u / Raw(vxlan(999) + inner(7001))),
              ("VXLAN, I flag clear", u / Raw(vxlan(key, 0) + inner(7003))),
              ("VXLAN, truncated inner Ethernet", u / Raw(vxlan(key) + inner(7004)[:10]))]
    good = u / Raw(vxlan(key) + inner(7000))
elif kind == "geneve":
    u = outer / UDP(sport=40000, dport=6081)
    frames = [("Geneve, options length 32 with 8 bytes present",
               u / Raw(geneve(key, optlen=8) + b"\x01\x02\x03\x01\x00\x00\x00\x00")),
              ("Geneve, wrong VNI", u / Raw(geneve(999) + inner(7001))),
              ("Geneve, version 1", u / Raw(geneve(key, ver=1) + inner(7003))),
              ("Geneve, truncated inner Ethernet", u / Raw(geneve(key) + inner(7004)[:10]))]
    good = u / Raw(geneve(key) + inner(7000))
else:
    g = Ether(dst=dmac, src=smac) / IP(src="172.31.0.2", dst="172.31.0.1", proto=47)
    frames = [("truncated GRE header (2 bytes)", g / Raw(gre(key)[:2])),
              ("GRE, wrong key", g / Raw(gre(999) + inner(7001))),
              ("GRE, version 1", g / Raw(gre(key, 0x2001) + inner(7003))),
              ("GRE, key flag set but no key", g / Raw(gre(key)[:4]))]
    good = g / Raw(gre(key) + inner(7000))
for what, f in frames:
    sendp(f, iface=iface)
    print("sent: " + what)
sendp(good, iface=iface)
print("sent: well-formed frame to vmA UDP port 7000")
PY

# The coverage counters nicflow counts each kind's bad frames in.
declare -A BAD_COUNTERS=(
    [vxlan]="tnl_pop_malformed tnl_pop_vxlan_flags tnl_pop_inner_short"
    [geneve]="tnl_pop_geneve_opts_truncated tnl_pop_geneve_version tnl_pop_inner_short"
    [gre]="tnl_pop_malformed tnl_pop_gre_flags")

# --- the hosts ------------------------------------------------------------

check "topology: hostA, hostB, the underlay veth, four VMs" tnl_topo \
    || true
[ -n "${TNL_NS[vmB2]:-}" ] || { fail "no topology"; finish; }

start_hosts() {
    local a=$1 b=$2 label=$3
    check "$label: hostA's switch ($a) starts" tnl_start A "$a"
    check "$label: hostB's switch ($b) starts" tnl_start B "$b"
    check "$label: hostA: br-int, br-phy, 172.31.0.1/24 on br-phy" tnl_bridges A
    check "$label: hostB: br-int, br-phy, 172.31.0.2/24 on br-phy" tnl_bridges B
}
start_hosts "$KIND_A" "$KIND_B" main

# The underlay works before any tunnel does: br-phy switches the hosts'
# own traffic (ARP, ping) between their internal ports.
check "underlay: hostA pings hostB's br-phy address" \
    tnl_wait_ping hostA 172.31.0.2 10
check_output "hostA: ovs/route/show has the underlay subnet on br-phy" \
    '^Cached: 172\.31\.0\.0/24 dev br-phy SRC 172\.31\.0\.1$' \
    tnl_appctl A ovs/route/show
check_output "hostA: ovs/route/show has its own address, local" \
    '^Cached: 172\.31\.0\.1/32 dev br-phy SRC 172\.31\.0\.1 local$' \
    tnl_appctl A ovs/route/show

# snap KIND TYPE: the fixed sequence whose appctl replies (hostA's) are
# compared: flows, MAC tables and ARP caches flushed, vmA pings vmB twice,
# then tnl_snapshot into $NF_TMP/snap/KIND/TYPE.
snap() {
    local kind=$1 t=$2 vm h
    for h in A B; do
        tnl_appctl "$h" revalidator/purge > /dev/null 2>&1
        tnl_appctl "$h" fdb/flush br-int > /dev/null 2>&1
    done
    for vm in vmA vmA2 vmB vmB2; do ip -n "$(ns "$vm")" neigh flush all; done
    tnl_ping vmA 10.10.0.2 2
    tnl_snapshot A "$NF_TMP/snap/$kind/$t"
}

# --- one tunnel type --------------------------------------------------------

run_type() {
    local t=$1 k=${KEY[$1]} p=${1}0 path=0 re h n c out v name
    local sA=172\\.31\\.0\\.1 sB=172\\.31\\.0\\.2
    diag "--- $t, key $k ---"
    check "$t: tunnel port $p on hostA" tnl_port_add A "$p" "$t" "$k"
    check "$t: tunnel port $p on hostB" tnl_port_add B "$p" "$t" "$k"
    for h in A B; do
        check_output "$t: host$h: Interface $p has an OpenFlow port, no error" \
            '^ofport=[1-9][0-9]* error=\[\]$' iface_state "$h" "$p"
    done
    # The first packets wait for the underlay neighbour (an ARP request
    # and its reply): a loaded machine may take a few seconds.
    if tnl_wait_ping vmA 10.10.0.2 15; then
        ok "$t: vmA pings vmB through the tunnel"
        path=1
    else
        fail "$t: vmA pings vmB through the tunnel"
        for h in A B; do
            diag "host$h dpif/show:" "$(tnl_appctl "$h" dpif/show 2>&1)" \
                "host$h ovs/route/show:" "$(tnl_appctl "$h" ovs/route/show 2>&1)" \
                "host$h tnl/arp/show:" "$(tnl_appctl "$h" tnl/arp/show 2>&1)" \
                "host$h dpctl/dump-flows:" \
                "$(tnl_appctl "$h" dpctl/dump-flows 2>&1 | cut -c1-300)" \
                "host$h log:" "$(tail -n 30 "${TNL_HDIR[$h]}/switch.log" 2>&1)"
        done
        diag "one more ping:" "$(ip netns exec "$(ns vmA)" ping -c 1 -W 2 10.10.0.2 2>&1)"
    fi

    # The encapsulation on the wire.
    cap_start "$t-ulA" "$(ns hostA)" hA-eth0
    cap_start "$t-ulB" "$(ns hostB)" hB-eth0
    tnl_ping vmA 10.10.0.2 3
    cap_stop "$t-ulA"
    cap_stop "$t-ulB"
    check "$t: underlay (at hB-eth0) carries vmA's echo request A->B, key $k" \
        cap_has "$t-ulB" "$(encap_re "$t" "$sA" "$sB" "$k" \
                           '10\.10\.0\.1 > 10\.10\.0\.2: ICMP echo request')"
    check "$t: underlay (at hA-eth0) carries vmB's echo reply B->A, key $k" \
        cap_has "$t-ulA" "$(encap_re "$t" "$sB" "$sA" "$k" \
                           '10\.10\.0\.2 > 10\.10\.0\.1: ICMP echo reply')"
    check "$t: no VM frame crosses the underlay unencapsulated" \
        no_bare_frames "$NF_TMP/$t-ulA.txt" "$NF_TMP/$t-ulB.txt"
    # The tunnel frames are the switches': the hosts' own stacks must not
    # see them (they would answer with ICMP errors).
    check "$t: no ICMP error on the underlay (the host stacks do not get tunnel frames)" \
        no_icmp_errors "$NF_TMP/$t-ulA.txt" "$NF_TMP/$t-ulB.txt"

    # The seed's commands, after a fixed sequence of traffic.
    snap "$KIND_A" "$t"
    out=$NF_TMP/snap/$KIND_A/$t
    check_output "$t: hostA: ovs/route/show answers, with the underlay route" \
        '^Cached: 172\.31\.0\.0/24 dev br-phy SRC 172\.31\.0\.1$' cat "$out/route.txt"
    check_output "$t: hostA: ovs/route/lookup 172.31.0.2: dev br-phy, src 172.31.0.1" \
        '^src 172\.31\.0\.1 gateway :: dev br-phy rc=0$' \
        bash -c 'tr "\n" " " < "$0" | sed "s/ $//"' "$out/lookup.txt"
    check_output "$t: hostA: tnl/arp/show has hostB's underlay address on br-phy" \
        '^172\.31\.0\.2 +([0-9a-f]{2}:){5}[0-9a-f]{2} +br-phy$' cat "$out/arp.txt"
    case $t in
    vxlan) re='^vxlan_sys_4789 \([0-9]+\) ref_cnt=1$' ;;
    geneve) re='^genev_sys_6081 \([0-9]+\) ref_cnt=1$' ;;
    gre) re='^gre_sys \([0-9]+\) ref_cnt=1$' ;;
    esac
    check_output "$t: hostA: tnl/ports/show lists the listening port" "$re" \
        cat "$out/ports.txt"
    check_output "$t: hostA: dpif/show has $p ($t: key=$k, remote_ip=172.31.0.2)" \
        "^    $p [0-9]+/[0-9]+: \\($t: key=$k, remote_ip=172\\.31\\.0\\.2\\)$" \
        cat "$out/dpif-show.txt"
    check_output "$t: hostA: dpif/show lists br-phy's ports" \
        '^    hA-eth0 [0-9]+/[0-9]+: \(system\)$' cat "$out/dpif-show.txt"
    case $t in
    vxlan) re="udp\\(src=0,dst=4789,csum=0x0\\),vxlan\\(flags=0x8000000,vni=$(printf '0x%x' "$k")\\)" ;;
    geneve) re="udp\\(src=0,dst=6081,csum=0x0\\),geneve\\(vni=$(printf '0x%x' "$k")\\)" ;;
    gre) re="gre\\(\\(flags=0x2000,proto=0x6558\\),key=$(printf '0x%x' "$k")\\)" ;;
    esac
    check_output "$t: hostA: dpif/dump-flows br-int: vmA's ping is tnl_push'ed" \
        "^recirc_id\\(0\\),in_port\\([0-9]+\\),.*eth\\(src=50:54:00:00:00:01,dst=50:54:00:00:00:02\\),eth_type\\(0x0800\\).*actions:tnl_push\\(tnl_port\\([0-9]+\\),header\\(.*ipv4\\(src=172\\.31\\.0\\.1,dst=172\\.31\\.0\\.2,proto=$([ "$t" = gre ] && echo 47 || echo 17),.*$re\\),out_port\\([0-9]+\\)\\)" \
        cat "$out/flows-br-int.txt"
    check_output "$t: hostA: dpif/dump-flows br-int: the reply comes from the tunnel" \
        "tunnel\\(tun_id=$(printf '0x%x' "$k"),src=172\\.31\\.0\\.2,dst=172\\.31\\.0\\.1,.*eth\\(src=50:54:00:00:00:02,dst=50:54:00:00:00:01\\),eth_type\\(0x0800\\)" \
        cat "$out/flows-br-int.txt"
    check_output "$t: hostA: dpif/dump-flows br-phy: the underlay frames are tnl_pop'ed" \
        "in_port\\([0-9]+\\),.*ipv4\\(dst=172\\.31\\.0\\.1,proto=$([ "$t" = gre ] && echo 47 || echo 17).*actions:tnl_pop\\([0-9]+\\)$" \
        cat "$out/flows-br-phy.txt"

    # Throughput.
    if [ "$path" = 1 ]; then
        ip netns exec "$(ns vmB)" timeout 15 iperf3 -s -1 -p 5201 > /dev/null 2>&1 &
        local sp=$!
        for n in $(seq 30); do
            ip netns exec "$(ns vmB)" ss -Hltn 'sport = :5201' | grep -q . && break
            sleep 0.1
        done
        ip netns exec "$(ns vmA)" timeout 12 iperf3 -c 10.10.0.2 -p 5201 -t 3 -J \
            > "$NF_TMP/$t-iperf.json" 2>&1
        kill "$sp" 2>/dev/null
        wait "$sp" 2>/dev/null
        v=$(/usr/bin/python3 -c 'import json, sys
try:
    print("%.3f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e9))
except Exception:
    print("none")' "$NF_TMP/$t-iperf.json")
        if [ "$v" != none ] && awk -v v="$v" 'BEGIN {exit !(v > 0)}'; then
            ok "$t: iperf3 TCP vmA -> vmB, 3 s"
            diag "$t: iperf3 TCP vmA -> vmB: $v Gbit/s ($SWITCH)"
        else
            fail "$t: iperf3 TCP vmA -> vmB, 3 s"
            diag "$(head -c 600 "$NF_TMP/$t-iperf.json")"
        fi
    else
        fail "$t: iperf3 TCP vmA -> vmB, 3 s (no path: the ping failed)"
    fi

    # The TCP stream again, its bytes checked end to end; on a nicflow
    # hostB, the segments its tnl_pop delivers leave for vmB merged into
    # GSO super-frames (netdev-gro.c), and not with tx-coalesce=false.
    if [ "$path" = 1 ]; then
        c=$(coverage B netdev_gro_segments)
        check "$t: 8 MB over TCP vmA -> vmB arrive unchanged" tcp_sha
        if [ "$KIND_B" = nicflow ]; then
            v=$(coverage B netdev_gro_segments)
            if [ "$v" -gt "$c" ]; then
                ok "$t: hostB merged the stream's segments for vmB (netdev_gro_segments $c -> $v)"
            else
                fail "$t: hostB merged the stream's segments for vmB (netdev_gro_segments $c -> $v)"
            fi
            if [ "$t" = vxlan ]; then
                # Both of hostB's devices: its underlay port would merge
                # the encapsulated ACKs (equal-sized UDP datagrams).
                check "$t: hostB: dpctl/set-if vm1-p and hB-eth0 tx-coalesce=false" \
                    tnl_appctl B dpctl/set-if netdev@ovs-netdev vm1-p,tx-coalesce=false \
                    hB-eth0,tx-coalesce=false
                sleep 0.5
                c=$(coverage B netdev_gro_segments)
                check "$t: 8 MB over TCP vmA -> vmB arrive unchanged, tx-coalesce=false" tcp_sha
                v=$(coverage B netdev_gro_segments)
                if [ "$v" = "$c" ]; then
                    ok "$t: with tx-coalesce=false nothing is merged ($v)"
                else
                    fail "$t: with tx-coalesce=false nothing is merged ($c -> $v)"
                fi
                check "$t: hostB: dpctl/set-if vm1-p and hB-eth0 tx-coalesce=true" \
                    tnl_appctl B dpctl/set-if netdev@ovs-netdev vm1-p,tx-coalesce=true \
                    hB-eth0,tx-coalesce=true
            fi
        fi
    fi

    # Bad input from the underlay.
    declare -A before=()
    if [ "$KIND_A" = nicflow ]; then
        for c in ${BAD_COUNTERS[$t]}; do before[$c]=$(coverage A "$c"); done
    fi
    cap_start "$t-vm" "$(ns vmA)" eth0 udp and dst portrange 7000-7009
    out=$(ip netns exec "$(ns hostB)" /usr/bin/python3 "$NF_TMP/inject.py" \
          hB-eth0 "$(ip -n "$(ns hostA)" -br link show br-phy | awk '{print $3}')" \
          "$(ip -n "$(ns hostB)" -br link show br-phy | awk '{print $3}')" \
          "$t" "$k" 2>&1)
    sleep 0.5
    cap_stop "$t-vm"
    diag "$(echo "$out" | sed "s/^/$t: /")"
    check "$t: the well-formed frame injected on the underlay reaches vmA" \
        cap_has "$t-vm" '10\.10\.0\.9\.5555 > 10\.10\.0\.1\.7000:'
    check_fails "$t: no malformed or foreign frame reaches vmA" \
        cap_has "$t-vm" '10\.10\.0\.9\.5555 > 10\.10\.0\.1\.700[1-9]:'
    check "$t: hostA's switch is still running" \
        kill -0 "$(tnl_switch_pid A)"
    check "$t: vmA still pings vmB" tnl_wait_ping vmA 10.10.0.2 5
    if [ "$KIND_A" = nicflow ]; then
        for c in ${BAD_COUNTERS[$t]}; do
            v=$(coverage A "$c")
            if [ "$v" -gt "${before[$c]}" ]; then
                ok "$t: coverage/show counts the bad frame in $c"
            else
                fail "$t: coverage/show counts the bad frame in $c"
                diag "$c: ${before[$c]} before, $v after"
            fi
        done
    else
        diag "$t: Open vSwitch's drop counters on hostA:" \
            "$(tnl_appctl A coverage/show | grep -E '^datapath_drop' | awk '{print $1, $NF}')"
    fi

    # key=flow: two tenants through one tunnel port.
    keyflow "$t" "$p" "$path"

    check "$t: tunnel port removed from hostA" tnl_port_del A "$p"
    check "$t: tunnel port removed from hostB" tnl_port_del B "$p"
}

# keyflow TYPE PORT PATH: options:key=flow, tun_id set and matched by
# OpenFlow flows per tenant, one written with set_field and one with the
# older set_tunnel; PATH 0 (the base case failed): shorter waits.
keyflow() {
    local t=$1 p=$2 w=5 h vm f
    [ "$3" = 1 ] || w=3
    for h in A B; do
        f=$NF_TMP/flows-$h
        cat > "$f" <<EOF
in_port=vm1-p,actions=set_field:100->tun_id,output:$p
in_port=vm2-p,actions=set_tunnel:200,output:$p
in_port=$p,tun_id=100,actions=output:vm1-p
in_port=$p,tun_id=200,actions=output:vm2-p
EOF
        check "$t: host$h: options:key=flow" \
            tnl_vsctl "$h" set Interface "$p" options:key=flow
        check "$t: host$h: tenant flows (set_field:100->tun_id / set_tunnel:200)" \
            set_flows "$h" "$f"
    done
    for vm in vmA vmA2 vmB vmB2; do ip -n "$(ns "$vm")" neigh flush all; done
    cap_start "$t-kf" "$(ns hostB)" hB-eth0
    check "$t key=flow: vmA pings vmB (tenant 100)" tnl_wait_ping vmA 10.10.0.2 "$w"
    check "$t key=flow: vmA2 pings vmB2 (tenant 200)" tnl_wait_ping vmA2 10.10.0.4 3
    cap_stop "$t-kf"
    check "$t key=flow: tenant 100's frames carry key 100 on the wire" \
        cap_has "$t-kf" "$(encap_re "$t" '172\.31\.0\.1' '172\.31\.0\.2' 100 \
                           '10\.10\.0\.1 > 10\.10\.0\.2: ICMP echo request')"
    check "$t key=flow: tenant 200's frames carry key 200 on the wire" \
        cap_has "$t-kf" "$(encap_re "$t" '172\.31\.0\.1' '172\.31\.0\.2' 200 \
                           '10\.10\.0\.3 > 10\.10\.0\.4: ICMP echo request')"
    check "$t key=flow: vmA (tenant 100) cannot reach vmB2 (tenant 200)" \
        pingfails vmA 10.10.0.4
    check "$t key=flow: vmA2 (tenant 200) cannot reach vmB (tenant 100)" \
        pingfails vmA2 10.10.0.2
    for h in A B; do
        tnl_ofctl "$h" del-flows br-int > /dev/null 2>&1
        tnl_ofctl "$h" add-flow br-int priority=0,actions=NORMAL > /dev/null 2>&1
    done
}

for t in $TYPES; do
    run_type "$t"
done

# --- comparison with Open vSwitch 3.1 in the same setup ------------------
# A second pass with Open vSwitch on both hosts (the same namespaces, the
# switches replaced): for each type, the tunnel ports, the first ping,
# then the same fixed sequence (snap) as in the main pass.
if [ "$TNL_REF" = ovs ]; then
    diag "--- reference pass: Open vSwitch 3.1 on both hosts ---"
    tnl_stop A
    tnl_stop B
    tnl_reset_host A
    tnl_reset_host B
    start_hosts ovs ovs reference
    tnl_wait_ping hostA 172.31.0.2 10
    for t in $TYPES; do
        tnl_port_add A "${t}0" "$t" "${KEY[$t]}"
        tnl_port_add B "${t}0" "$t" "${KEY[$t]}"
        tnl_wait_ping vmA 10.10.0.2 8 \
            || diag "reference: $t: vmA does not reach vmB through Open vSwitch"
        snap ref "$t"
        tnl_port_del A "${t}0"
        tnl_port_del B "${t}0"
    done
    for t in $TYPES; do
        for x in $TNL_SNAP_CMDS; do
            f=${x%%:*} c=${x#*:}
            check "$t: hostA: ${c//+/ } as Open vSwitch 3.1's (normalised)" \
                tnl_compare_file "$f" "$NF_TMP/snap/ref/$t" "$NF_TMP/snap/$KIND_A/$t"
        done
    done
fi
# TNL_KEEP_SNAPSHOTS=DIR keeps the raw appctl replies (DIR/KIND/TYPE/).
if [ -n "${TNL_KEEP_SNAPSHOTS:-}" ]; then
    mkdir -p "$TNL_KEEP_SNAPSHOTS" && cp -r "$NF_TMP/snap/." "$TNL_KEEP_SNAPSHOTS/"
fi
finish
