#!/bin/bash
# nicflowd's tunnel underlay tables against Open vSwitch 3.1: the route
# table (ovs/route/show, add, del, lookup) and the neighbour cache
# (tnl/neigh/*, tnl/arp/*, tnl/egress_port_range).  nicflowd and a real
# ovs-vswitchd 3.1 (--disable-system) each run in a namespace of their
# own, set up identically: bridge br0 (its local port a tap device br0),
# a veth pair, addresses and routes in two tables.  Every command is
# sent to both with the real ovs-appctl and the replies, errors and exit
# statuses must be identical.  Kernel learning: routes and addresses
# added and removed with "ip" while the daemons run must show up alike.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl ovs-appctl ovs-vswitchd ovsdb-server ovsdb-tool ip
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

DB=unix:$NICFLOW_RUNDIR/db.sock
O=$NF_TMP/ovs-vswitchd
mkdir -p "$O"

add_netns nf && nsn=$NETNS || { fail "create namespaces"; finish; }
add_netns ovs && nso=$NETNS || { fail "create namespaces"; finish; }
# No IPv6 link-local addresses: their routes would appear when duplicate
# address detection ends, at a different moment in each namespace.
for n in "$nsn" "$nso"; do
    ip netns exec "$n" sysctl -qw net.ipv6.conf.default.addr_gen_mode=1
    ip netns exec "$n" sysctl -qw net.ipv6.conf.all.addr_gen_mode=1
done

# --- nicflowd with nicflow-dbd ------------------------------------------
check "create the database" create_db "$NICFLOW_DBDIR/conf.db"
check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"
ovs-vsctl --db="$DB" --no-wait init
check "nicflowd starts" ip netns exec "$nsn" "$NF_BIN/nicflowd" "$DB" \
    --detach --pidfile --log-file
on_exit "stop_daemon nicflowd"
check "nicflowd: br0" ovs-vsctl --db="$DB" --timeout=20 add-br br0 \
    -- set Bridge br0 datapath_type=netdev

# --- ovs-vswitchd 3.1 with ovsdb-server, private run directory -----------
start_ovs() {
    export OVS_RUNDIR=$O OVS_LOGDIR=$O OVS_DBDIR=$O
    ovsdb-tool create "$O/conf.db" "$OVS_SCHEMA" || return 1
    ip netns exec "$nso" ovsdb-server "$O/conf.db" \
        --remote="punix:$O/db.sock" --pidfile="$O/ovsdb-server.pid" \
        --no-chdir --log-file="$O/ovsdb-server.log" --detach \
        -vconsole:off || return 1
    on_exit "kill \$(cat '$O/ovsdb-server.pid')"
    ovs-vsctl --db="unix:$O/db.sock" --no-wait init || return 1
    ip netns exec "$nso" ovs-vswitchd "unix:$O/db.sock" \
        --pidfile="$O/ovs-vswitchd.pid" --no-chdir \
        --log-file="$O/ovs-vswitchd.log" --detach --disable-system \
        -vconsole:off || return 1
    on_exit "kill \$(cat '$O/ovs-vswitchd.pid')"
    ovs-vsctl --db="unix:$O/db.sock" --timeout=20 add-br br0 \
        -- set Bridge br0 datapath_type=netdev
}
check_here "ovs-vswitchd 3.1 starts, br0" start_ovs

NF_CTL=$NICFLOW_RUNDIR/nicflowd.ctl
OVS_CTL=$O/ovs-vswitchd.$(cat "$O/ovs-vswitchd.pid" 2>/dev/null).ctl

# run_both CMD...: runs "ovs-appctl -t CTL CMD..." against each daemon;
# NF_R and OVS_R hold stdout, stderr (the control socket's path replaced
# by CTL) and the exit status.
appctl_r() {
    local ctl=$1 out rc
    shift
    out=$(ovs-appctl -t "$ctl" "$@" 2>&1)
    rc=$?
    printf '%s\nrc=%s\n' "${out//$ctl/CTL}" "$rc"
}
run_both() {
    NF_R=$(appctl_r "$NF_CTL" "$@")
    OVS_R=$(appctl_r "$OVS_CTL" "$@")
}

# same NAME CMD...: the two replies to CMD must be identical.
same() {
    local name=$1
    shift
    run_both "$@"
    if [ "$NF_R" = "$OVS_R" ]; then
        ok "$name"
    else
        fail "$name"
        diag "command: ovs-appctl $*" \
            "$(diff <(echo "$OVS_R") <(echo "$NF_R") | sed 's/^</ovs /;s/^>/nf  /')"
    fi
}

# same_sorted NAME CMD...: as same, but the order of the lines after the
# two heading lines does not count (Open vSwitch lists its neighbour
# cache in an order that its random hash basis decides).
same_sorted() {
    local name=$1
    shift
    run_both "$@"
    NF_R=$( (echo "$NF_R" | head -2; echo "$NF_R" | tail -n +3 | sort))
    OVS_R=$( (echo "$OVS_R" | head -2; echo "$OVS_R" | tail -n +3 | sort))
    if [ "$NF_R" = "$OVS_R" ]; then
        ok "$name"
    else
        fail "$name"
        diag "command: ovs-appctl $*" \
            "$(diff <(echo "$OVS_R") <(echo "$NF_R") | sed 's/^</ovs /;s/^>/nf  /')"
    fi
}

# same_soon NAME CMD...: as same, but retried for up to 5 s (each daemon
# reloads the kernel's routes when told of a change).
same_soon() {
    local name=$1 i
    shift
    for i in $(seq 25); do
        run_both "$@"
        [ "$NF_R" = "$OVS_R" ] && break
        sleep 0.2
    done
    same "$name" "$@"
}

# in_both CMD...: runs "ip CMD..." in both namespaces.
in_both() {
    ip -n "$nsn" "$@" && ip -n "$nso" "$@"
}

wait_br0() {
    local i
    for i in $(seq 50); do
        ip -n "$nsn" link show br0 >/dev/null 2>&1 \
            && ip -n "$nso" link show br0 >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 1
}
check "the br0 tap devices exist" wait_br0

setup() {
    in_both link set br0 up &&
    in_both link add dum0 type veth peer name dum1 &&
    in_both link set dum1 up &&
    in_both link set dum0 up &&
    in_both addr add 192.168.10.1/24 dev br0 &&
    in_both addr add 192.168.10.2/24 dev br0 &&
    in_both addr add 2001:db8::1/64 dev br0 nodad &&
    in_both addr add 172.16.0.1/16 dev dum0 &&
    in_both addr add 2001:db8:1::1/64 dev dum0 nodad &&
    in_both route add 10.1.0.0/16 via 192.168.10.254 &&
    in_both route add 10.3.0.0/16 via 192.168.10.253 table 10 &&
    in_both route add blackhole 10.4.0.0/16 &&
    in_both route add 10.5.0.0/16 dev dum0 &&
    in_both route add 10.9.0.0/16 via 192.168.10.254 metric 50 &&
    in_both route add 2001:db8:5::/48 via 2001:db8::fe &&
    in_both route add default via 172.16.0.254 &&
    in_both -6 route add default via 2001:db8:1::fe
}
check "addresses and routes in both namespaces" setup

# --- the route table ----------------------------------------------------
same_soon "ovs/route/show: kernel routes" ovs/route/show
# What both printed (the first of two addresses in one subnet is the
# source, as Open vSwitch picks it), so that two empty tables cannot pass for a match.
for re in 'Cached: 10.3.0.0/16 dev br0 GW 192.168.10.253 SRC 192.168.10.1$' \
          'Cached: 0.0.0.0/0 dev dum0 GW 172.16.0.254 SRC 172.16.0.1$' \
          'Cached: 192.168.10.2/32 dev br0 SRC 192.168.10.1 local$' \
          'Cached: 2001:db8:5::/48 dev br0 GW 2001:db8::fe SRC 2001:db8::1$' \
          'Cached: ::/0 dev dum0 GW 2001:db8:1::fe SRC 2001:db8:1::1$'; do
    check_output "route/show has ${re%% SRC*}" "$re" \
        ovs-appctl -t "$NF_CTL" ovs/route/show
done
nf_show=$("$NF_BIN/nicflow-appctl" -t "$NF_CTL" ovs/route/show 2>&1)
if [ "$nf_show" = "$(ovs-appctl -t "$NF_CTL" ovs/route/show 2>&1)" ]; then
    ok "nicflow-appctl prints what ovs-appctl prints"
else
    fail "nicflow-appctl prints what ovs-appctl prints"
    diag "$nf_show"
fi
same "route/add v4 with gateway and mark" \
    ovs/route/add 10.9.0.0/16 br0 192.168.10.5 pkt_mark=7
same "route/add v4 replacing nothing kernel-side" \
    ovs/route/add 10.1.0.0/16 br0 192.168.10.6
same "route/add v4 over a kernel route of the same length" \
    ovs/route/add 192.168.10.0/24 br0
same "route/add v6 with gateway" ovs/route/add 2001:db8:9::/48 br0 2001:db8::fe
same "route/add v4 host bits, hex mark" \
    ovs/route/add 10.8.1.1/16 dum0 pkt_mark=0x10
same "route/add dotted mask" ovs/route/add 172.16.5.0/255.255.255.0 dum0
same "route/add no length (a host route)" ovs/route/add 172.16.9.9 dum0
same "route/add v4-mapped v6 prefix" ovs/route/add ::ffff:172.16.7.0/120 dum0
same "route/add gateway 0.0.0.0 is none" \
    ovs/route/add 172.16.8.0/24 dum0 0.0.0.0
same "route/add mark then gateway" \
    ovs/route/add 10.7.0.0/16 br0 pkt_mark=3 192.168.10.9
same "route/add again (replaced)" \
    ovs/route/add 10.9.0.0/16 br0 192.168.10.6 pkt_mark=7
same "route/add: no source address" ovs/route/add 10.99.0.0/16 br0
same "route/add: unknown device" ovs/route/add 172.16.0.0/16 nosuch
same "route/add: length 33" ovs/route/add 10.9.0.0/33 br0
same "route/add: v6 length 129" ovs/route/add 2001:db8::/129 br0
same "route/add: bad address" ovs/route/add 10.9.0/16 br0
same "route/add: not CIDR" ovs/route/add 10.0.0.0/255.0.255.0 br0
same "route/add: trailing text" ovs/route/add 10.0.0.0/16x br0
same "route/add: bad gateway" ovs/route/add 10.9.0.0/16 br0 foo
same "route/add: v4 gateway on a v6 route" \
    ovs/route/add 2001:db8:9::/48 br0 1.2.3.4
same "route/add: bad mark" ovs/route/add 10.8.0.0/16 br0 pkt_mark=abc
same "route/add: two gateways" \
    ovs/route/add 10.7.0.0/16 br0 192.168.10.5 192.168.10.6
same "route/add: too few arguments" ovs/route/add 10.7.0.0/16
same "route/add: too many arguments" ovs/route/add 1.2.3.0/24 br0 a b c
same "ovs/route/show after adds" ovs/route/show

for a in 10.9.1.1 "10.9.1.1 pkt_mark=7" 10.1.1.1 10.8.2.2 \
         "10.8.2.2 pkt_mark=16" 2001:db8:9::1 2001:db8:5::1 8.8.8.8 \
         2001:4860::1 192.168.10.1 192.168.10.77 172.16.9.9 10.9.1.1/32 \
         10.9.1.1/24 2001:db8::1/128 bad "10.9.1.1 pkt_mark=x" 127.0.0.1 \
         ::1 10.3.1.1; do
    # shellcheck disable=SC2086
    same "route/lookup $a" ovs/route/lookup $a
done

same "route/del v4 with mark" ovs/route/del 10.9.0.0/16 pkt_mark=7
same "route/del again: not found" ovs/route/del 10.9.0.0/16 pkt_mark=7
same "route/del user route over a kernel one" ovs/route/del 10.1.0.0/16
same "route/del a kernel route: not found" ovs/route/del 10.1.0.0/16
same "route/del: bad prefix" ovs/route/del bad
same "route/del: bad mark" ovs/route/del 10.1.0.0/16 pkt_mark=z
same "route/del: host route" ovs/route/del 172.16.9.9
same "route/del v6" ovs/route/del 2001:db8:9::/48
same "ovs/route/show after deletes" ovs/route/show

# --- following the kernel -----------------------------------------------
check "ip route add 10.6.0.0/16 in both" \
    in_both route add 10.6.0.0/16 via 192.168.10.250
same_soon "ovs/route/show shows the new kernel route" ovs/route/show
check_output "and nicflowd has it" 'Cached: 10.6.0.0/16 dev br0 GW 192.168.10.250' \
    ovs-appctl -t "$NF_CTL" ovs/route/show
check "ip route del 10.6.0.0/16 in both" in_both route del 10.6.0.0/16
same_soon "ovs/route/show without it" ovs/route/show
if ovs-appctl -t "$NF_CTL" ovs/route/show | grep -q 10.6.0.0; then
    fail "nicflowd dropped the deleted kernel route"
else
    ok "nicflowd dropped the deleted kernel route"
fi
check "a new address in both" in_both addr add 192.168.20.1/24 dev dum0
same_soon "ovs/route/show with its routes" ovs/route/show
check "address removed in both" in_both addr del 192.168.10.2/24 dev br0
same_soon "ovs/route/show after the address went" ovs/route/show
check "br0 down in both" in_both link set br0 down
same_soon "ovs/route/show with br0 down" ovs/route/show
check "br0 up in both" in_both link set br0 up
check "routes back on br0" in_both route add 10.1.0.0/16 via 192.168.10.254
same_soon "ovs/route/show with br0 up again" ovs/route/show

# --- the neighbour cache --------------------------------------------------
same "tnl/neigh/show: empty" tnl/neigh/show
same "tnl/neigh/set v4" tnl/neigh/set br0 192.168.10.7 aa:bb:cc:dd:ee:01
same "tnl/neigh/set v6" tnl/neigh/set br0 2001:db8::7 aa:bb:cc:dd:ee:02
same "tnl/arp/set" tnl/arp/set br0 192.168.10.8 aa:bb:cc:dd:ee:03
same "tnl/neigh/set: new MAC" tnl/neigh/set br0 192.168.10.7 aa:bb:cc:dd:ee:04
same "tnl/neigh/set: same MAC" tnl/neigh/set br0 192.168.10.7 aa:bb:cc:dd:ee:04
same "tnl/neigh/set: another bridge" \
    tnl/neigh/set nosuch 192.168.10.9 aa:bb:cc:dd:ee:05
same "tnl/neigh/set: long bridge name" \
    tnl/neigh/set averyveryverylongbridgename 192.168.10.9 AA:BB:CC:DD:EE:06
same "tnl/neigh/set: bad IP" tnl/neigh/set br0 bad aa:bb:cc:dd:ee:05
same "tnl/neigh/set: prefix is not an IP" \
    tnl/neigh/set br0 192.168.10.9/24 aa:bb:cc:dd:ee:01
same "tnl/neigh/set: bad MAC" tnl/neigh/set br0 192.168.10.9 bad
same "tnl/neigh/set: short MAC" tnl/neigh/set br0 192.168.10.9 aa:bb:cc:dd:ee
same "tnl/neigh/set: too few arguments" tnl/neigh/set br0 192.168.10.9
for i in $(seq 10 19); do
    run_both tnl/neigh/set br1 "10.0.$i.1" "50:54:00:00:00:$i"
done
same_sorted "tnl/neigh/show: 15 entries" tnl/neigh/show
same_sorted "tnl/arp/show" tnl/arp/show
same "tnl/neigh/aging" tnl/neigh/aging
same "tnl/neigh/aging 100" tnl/neigh/aging 100
same "tnl/arp/aging" tnl/arp/aging
same "tnl/neigh/aging 0" tnl/neigh/aging 0
same "tnl/neigh/aging 3601" tnl/neigh/aging 3601
same "tnl/neigh/aging abc" tnl/neigh/aging abc
same "tnl/neigh/aging 3600" tnl/neigh/aging 3600
same "tnl/neigh/flush" tnl/neigh/flush
same "tnl/neigh/show after flush" tnl/neigh/show
same "tnl/arp/flush" tnl/arp/flush
same "tnl/neigh/set after flush" tnl/neigh/set br0 10.1.1.1 aa:bb:cc:dd:ee:01
same "tnl/neigh/show: one entry" tnl/neigh/show

same "tnl/egress_port_range" tnl/egress_port_range
same "tnl/egress_port_range 1000 2000" tnl/egress_port_range 1000 2000
same "tnl/egress_port_range shows it" tnl/egress_port_range
same "tnl/egress_port_range 2000 1000" tnl/egress_port_range 2000 1000
same "tnl/egress_port_range MIN only" tnl/egress_port_range 1000
same "tnl/egress_port_range 0 70000" tnl/egress_port_range 0 70000
same "tnl/egress_port_range 1 70000" tnl/egress_port_range 1 70000
same "tnl/egress_port_range a b" tnl/egress_port_range a b
same "tnl/egress_port_range 5 5" tnl/egress_port_range 5 5
same "tnl/egress_port_range after all" tnl/egress_port_range

finish
