#!/bin/sh
# tests/vm/t-offload-nicflowd.sh - guest script (busybox sh) for lab.sh.
#
# nicflowd with hw-offload=true on a real kernel's software flower: a
# bridge of veth ports into namespaces, traffic moved into flower filters
# after the first packets (the softpath's hit counter stops growing while
# the filters' counters grow), a controller flow that stays in software
# with its reason, a per-port rule limit, removal of a port and switching
# offload off (exactly our filters go; a foreign one stays), and kill -9 +
# restart with flow-restore-wait (no duplicate and no orphan filter), and
# removal of the bridge.
#
# vm-files: ovsdb/vswitch.ovsschema
# vm-programs: iperf3
# shellcheck disable=SC2317
set -u

IP=/sbin/ip
TC=/sbin/tc
B=/nicflow/bin
export NICFLOW_RUNDIR=/tmp/nf/run NICFLOW_DBDIR=/tmp/nf/db NICFLOW_LOGDIR=/tmp/nf/log
mkdir -p "$NICFLOW_RUNDIR" "$NICFLOW_DBDIR" "$NICFLOW_LOGDIR"
DB=unix:$NICFLOW_RUNDIR/db.sock

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
# wait_for NAME SECONDS COMMAND...: until COMMAND succeeds.
wait_for() {
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
vsctl() { "$B/nicflow-vsctl" --db="$DB" --timeout=60 "$@"; }
appctl() { "$B/nicflow-appctl" -t "$NICFLOW_RUNDIR/nicflowd.ctl" "$@"; }
ofctl() { "$B/nicflow-ofctl" "$@"; }
dump() { appctl dpctl/dump-flows -m "$@"; }

cleanup() {
    if [ "$failed" != 0 ]; then
        echo "# nicflowd.log (last 40 lines):"
        tail -n 40 "$NICFLOW_LOGDIR/nicflowd.log" 2>/dev/null | sed 's/^/# /'
    fi
    for p in nicflowd nicflow-dbd; do
        [ -f "$NICFLOW_RUNDIR/$p.pid" ] && kill -9 "$(cat "$NICFLOW_RUNDIR/$p.pid")" 2>/dev/null
    done
    for n in a b c; do "$IP" netns del "on$n" 2>/dev/null; done
    :
}
trap cleanup EXIT
trap 'exit 1' INT TERM

modprobe -a sch_ingress cls_flower act_mirred act_gact act_vlan act_pedit \
    act_csum act_skbedit macvlan veth tun 2>/dev/null
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6

i=0
for n in a b c; do
    i=$((i + 1))
    "$IP" netns add "on$n"
    "$IP" link add "p$n" type veth peer name eth0 netns "on$n"
    "$IP" -n "on$n" addr add "192.0.2.$i/24" dev eth0
    "$IP" -n "on$n" link set eth0 address "02:00:00:00:00:0$i"
    "$IP" -n "on$n" link set eth0 up
    "$IP" -n "on$n" link set lo up
    "$IP" link set "p$n" up
done
ping_from() { "$IP" netns exec "on$1" ping -q -c "$3" -i 0.2 -W 2 -w 10 "$2"; }

# A foreign filter on pa and pc: nicflow must never touch it.
"$TC" qdisc add dev pa clsact
"$TC" qdisc add dev pc clsact
"$TC" filter add dev pa ingress pref 7 protocol 0x88b5 flower action drop
"$TC" filter add dev pc ingress pref 7 protocol 0x88b5 flower action drop
foreign() { "$TC" filter show dev "$1" ingress | grep -q 'pref 7 flower'; }

check "create the database" "$B/nicflow-dbtool" create "$NICFLOW_DBDIR/conf.db" \
    /nicflow/vswitch.ovsschema
check "nicflow-dbd starts" "$B/nicflow-dbd" "$NICFLOW_DBDIR/conf.db" \
    --remote="punix:$NICFLOW_RUNDIR/db.sock" --detach --pidfile --log-file
vsctl --no-wait init
check "hw-offload=true" vsctl --no-wait set Open_vSwitch . \
    other_config:hw-offload=true other_config:max-idle=60000
start_nicflowd() { "$B/nicflowd" "$DB" --detach --pidfile --log-file; }
check "nicflowd starts" start_nicflowd
check "br0 with pa, pb, pc" vsctl -- add-br br0 \
    -- set Bridge br0 datapath_type=netdev \
    -- add-port br0 pa -- add-port br0 pb -- add-port br0 pc

# Filters of ours: flower filters with a 16-byte cookie (the ufid).
our_filters() { # DEV: how many
    "$TC" filter show dev "$1" ingress | grep -c 'cookie [0-9a-f]\{32\}'
}
filter_pkts() { # DEV: sum of the packets our filters' actions counted
    "$TC" -s filter show dev "$1" ingress | awk '
        function flush() { if (ours) s += n; ours = 0; n = 0 }
        /^filter / { flush() }
        /cookie [0-9a-f]{32}/ { ours = 1 }
        /Sent [0-9]+ bytes [0-9]+ pkt/ {
            for (i = 1; i <= NF; i++) if ($i == "pkt") n += $(i - 1)
        }
        END { flush(); print s + 0 }'
}
dp_hits() { appctl dpctl/show | sed -n 's/.*lookups: hit:\([0-9]*\).*/\1/p' | head -1; }

# --- traffic moves into flower ---------------------------------------
check "ping a -> b (first packets through the softpath)" ping_from a 192.0.2.2 3
has_tc_flows() { dump type=offloaded | grep -q 'dp:tc'; }
wait_for "dpctl/dump-flows type=offloaded lists flows with dp:tc" 30 has_tc_flows
dump >/tmp/flows.txt
sed 's/^/# /' /tmp/flows.txt | head -12
check "tc filter show on pa lists our filters" test "$(our_filters pa)" -gt 0
h0=$(dp_hits)
f0=$(filter_pkts pa)
check "ping a -> b, 20 packets" ping_from a 192.0.2.2 20
sleep 2
h1=$(dp_hits)
f1=$(filter_pkts pa)
echo "# softpath hits $h0 -> $h1; pa filters counted $f0 -> $f1 packets"
check "the filters counted the pings (>= 20 more)" test "$f1" -ge $((f0 + 20))
check "the softpath's hit counter stayed (< 5 more)" test "$h1" -lt $((h0 + 5))
stats_agree() { # dump-flows' packets for offloaded flows include hardware's
    dump type=offloaded | awk -F'packets:' '{ split($2, a, ","); s += a[1] } END { exit !(s >= 20) }'
}
wait_for "dump-flows counts the hardware's packets" 10 stats_agree
if command -v iperf3 >/dev/null 2>&1; then
    "$IP" netns exec onb iperf3 -s -D -1 >/dev/null 2>&1
    sleep 1
    h0=$(dp_hits)
    check "iperf3 TCP a -> b for 3 s" "$IP" netns exec ona iperf3 -c 192.0.2.2 -t 3
    sed -n 's/^/# /p' /tmp/out | grep -E 'sender|receiver'
    h1=$(dp_hits)
    echo "# softpath hits during iperf3: $h0 -> $h1"
    check "iperf3 went through flower (softpath hits < 200)" test "$h1" -lt $((h0 + 200))
fi

# --- a flow flower cannot express stays in software ------------------
# Pings to b go to the controller (there is none: they are dropped).
check "a controller flow for pings to b" ofctl add-flow br0 \
    "priority=100,icmp,icmp_type=8,nw_dst=192.0.2.2,actions=controller"
explain() {
    appctl offload/explain br0 \
        "in_port=1,icmp,nw_src=192.0.2.1,nw_dst=192.0.2.2,icmp_type=8,icmp_code=0" |
        grep 'tc: action userspace cannot be offloaded'
}
check "offload/explain predicts the reason" explain
ping_from a 192.0.2.2 3 >/dev/null 2>&1
refused() { dump type=non-offloaded | grep 'offload-reason:"tc: action userspace cannot be offloaded"'; }
wait_for "dump-flows -m shows it in software with its reason" 20 refused
check "ofctl del-flows" ofctl del-flows br0 "icmp,icmp_type=8,nw_dst=192.0.2.2"

# --- a rule limit --------------------------------------------------
check "hw-offload-max-rules=1" vsctl set Open_vSwitch . other_config:hw-offload-max-rules=1
check "revalidator/purge" appctl revalidator/purge
wait_for "our filters are gone after the purge" 20 test "$(our_filters pa)" -eq 0
check "ping a -> b" ping_from a 192.0.2.2 3
check "ping a -> c" ping_from a 192.0.2.3 3
full() { dump | grep 'offload-reason:"tc: table full: 1/1"'; }
wait_for "a flow beyond the limit stays in software: table full" 20 full
check "traffic still flows (ping a -> c)" ping_from a 192.0.2.3 3
check "no more than 1 of our filters on pa" test "$(our_filters pa)" -le 1
check "limit off" vsctl remove Open_vSwitch . other_config hw-offload-max-rules

# --- removing a port -------------------------------------------------
check "ping c -> a (filters on pc)" ping_from c 192.0.2.1 3
wait_for "pc has our filters" 30 test "$(our_filters pc)" -gt 0
check "del-port pc" vsctl del-port br0 pc
wait_for "del-port removed exactly our filters from pc" 20 test "$(our_filters pc)" -eq 0
check "... the foreign filter on pc survives" foreign pc
check "ping a -> b still works" ping_from a 192.0.2.2 3

# --- offload off at run time ----------------------------------------
wait_for "pa has our filters" 30 test "$(our_filters pa)" -gt 0
check "hw-offload=false" vsctl set Open_vSwitch . other_config:hw-offload=false
wait_for "all our filters on pa and pb are gone" 20 \
    test "$(( $(our_filters pa) + $(our_filters pb) ))" -eq 0
check "... the foreign filter on pa survives" foreign pa
h0=$(dp_hits)
check "ping a -> b in software" ping_from a 192.0.2.2 5
check "... the softpath forwarded it" test "$(dp_hits)" -ge $((h0 + 5))

# --- kill -9 and restart with flow-restore-wait ---------------------
check "hw-offload=true again" vsctl set Open_vSwitch . other_config:hw-offload=true
check "ping a -> b" ping_from a 192.0.2.2 3
wait_for "filters back on pa" 30 test "$(our_filters pa)" -gt 0
n_before=$(( $(our_filters pa) + $(our_filters pb) ))
check "flow-restore-wait=true" vsctl --no-wait set Open_vSwitch . other_config:flow-restore-wait=true
kill -9 "$(cat "$NICFLOW_RUNDIR/nicflowd.pid")"
sleep 1
check "while nicflowd is dead the filters keep forwarding (ping a -> b)" ping_from a 192.0.2.2 3
check "nicflowd restarts" start_nicflowd
check "ping a -> b after the restart" ping_from a 192.0.2.2 5
sleep 3
n_after=$(( $(our_filters pa) + $(our_filters pb) ))
echo "# our filters before the kill: $n_before, after the restart: $n_after"
dups() { # no two of our filters carry the same cookie
    for d in pa pb; do "$TC" filter show dev "$d" ingress; done |
        sed -n 's/.*cookie \([0-9a-f]\{32\}\).*/\1/p' | sort | uniq -d | grep -q . && return 1
    return 0
}
check "no duplicate filters after the restart" dups
check "flow-restore-wait=false" vsctl set Open_vSwitch . other_config:flow-restore-wait=false
sleep 5
check "no duplicates once restored" dups
orphans() { # as many filters of ours as flows dump-flows says are in tc
    n_tc=$(( $(our_filters pa) + $(our_filters pb) ))
    n_dp=$(dump type=tc | grep -c 'dp:tc')
    echo "filters $n_tc, offloaded flows $n_dp"
    [ "$n_tc" -eq "$n_dp" ]
}
wait_for "no orphan filters once restored" 20 orphans

# --- removing the bridge --------------------------------------------
check "ping a -> b" ping_from a 192.0.2.2 3
wait_for "filters on pa before del-br" 30 test "$(our_filters pa)" -gt 0
check "del-br br0" vsctl del-br br0
wait_for "del-br removed every filter of ours" 20 \
    test "$(( $(our_filters pa) + $(our_filters pb) ))" -eq 0
check "foreign filters survived everything" foreign pa

exit $failed
