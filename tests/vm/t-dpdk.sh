#!/bin/sh
# tests/vm/t-dpdk.sh - guest script (busybox sh) for lab.sh.
#
# DPDK ports in nicflowd's userspace datapath: EAL initialised from
# Open_vSwitch other_config (dpdk-init, dpdk-extra with --no-huge and two
# net_tap vdevs), dpdk_initialized/dpdk_version written back, a
# datapath_type=netdev bridge of two type=dpdk interfaces whose tap
# devices (dtap0, dtap1) sit in namespaces: link state, MAC and MTU in the
# Interface rows, mtu_request, ping and iperf3 TCP across the bridge,
# dpif/show, statistics written back; a third port hot-plugged from its
# dpdk-devargs (rte_dev_probe) and removed with it; the errors of a bad
# devargs and of none; pmd-cpu-mask: a poll-mode thread on each of the
# guest's two CPUs, the two receive queues of each port (n_rxq=2) dealt to
# them (dpif-netdev/pmd-rxq-show), ping and iperf3 again through the
# threads (pmd-stats-show counts their packets); a dpdk-* change after
# initialisation asks for a restart.
#
# DPDK's poll-mode drivers are plugins that EAL loads from its plugin
# directory: the tap PMD and the ring mempool driver are shipped there
# ("# vm-libs:"), and Debian's DPDK is built for corei7, which QEMU's
# own TCG CPU is not ("# vm-cpu: max", lab.sh's default, said here all the
# same).  Where DPDK is absent (the build or the host) the test says so
# and skips.
#
# vm-files: ovsdb/vswitch.ovsschema
# vm-programs: iperf3
# vm-libs: /usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0/librte_net_tap.so
# vm-libs: /usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0/librte_mempool_ring.so
# vm-cpu: max
# vm-smp: 2
# shellcheck disable=SC2317
set -u

IP=/sbin/ip
B=/nicflow/bin
PMDS=/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0
export NICFLOW_RUNDIR=/tmp/nf/run NICFLOW_DBDIR=/tmp/nf/db NICFLOW_LOGDIR=/tmp/nf/log
mkdir -p "$NICFLOW_RUNDIR" "$NICFLOW_DBDIR" "$NICFLOW_LOGDIR"
DB=unix:$NICFLOW_RUNDIR/db.sock
LOG=$NICFLOW_LOGDIR/nicflowd.log

skip() { echo "ok - dpdk # SKIP $1"; exit 0; }
if ! grep -q librte_eal "$B/nicflowd" 2>/dev/null; then
    skip "nicflowd was built without DPDK (libdpdk-dev not found)"
fi
if [ ! -f "$PMDS/librte_net_tap.so" ]; then
    skip "DPDK's tap PMD ($PMDS/librte_net_tap.so) is not installed on the host"
fi
[ -x "$B/iperf3" ] || skip "iperf3 is not installed on the host"

failed=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=1; }
check() { # NAME COMMAND...
    name=$1
    shift
    if "$@" >/tmp/out 2>&1; then ok "$name"; else
        not_ok "$name"
        sed 's/^/# /' /tmp/out | head -30
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
    sed 's/^/# /' /tmp/out | head -30
    return 1
}
vsctl() { "$B/nicflow-vsctl" --db="$DB" --timeout=60 "$@"; }
appctl() { "$B/nicflow-appctl" -t "$NICFLOW_RUNDIR/nicflowd.ctl" "$@"; }

cleanup() {
    if [ "$failed" != 0 ]; then
        echo "# nicflowd.log (last 40 lines):"
        tail -n 40 "$LOG" 2>/dev/null | sed 's/^/# /'
    fi
    for p in nicflowd nicflow-dbd; do
        [ -f "$NICFLOW_RUNDIR/$p.pid" ] && kill -9 "$(cat "$NICFLOW_RUNDIR/$p.pid")" 2>/dev/null
    done
    for n in 0 1; do
        "$IP" netns del "dns$n" 2>/dev/null
        "$IP" link del "lbr$n" 2>/dev/null
        "$IP" link del "v${n}a" 2>/dev/null
    done
    :
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The tap PMD and the bridge's own port make tap devices.
modprobe -a tun sch_multiq 2>/dev/null
# EAL's runtime directory is /var/run/dpdk (root); the initramfs has /run.
mkdir -p /var/run
# EAL refuses a plugin directory with a world-writable ancestor, and the
# initramfs's / is one.
chmod go-w / /usr /usr/lib /usr/lib/x86_64-linux-gnu \
    /usr/lib/x86_64-linux-gnu/dpdk "$PMDS"
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6

check "create the database" "$B/nicflow-dbtool" create "$NICFLOW_DBDIR/conf.db" \
    /nicflow/vswitch.ovsschema
check "nicflow-dbd starts" "$B/nicflow-dbd" "$NICFLOW_DBDIR/conf.db" \
    --remote="punix:$NICFLOW_RUNDIR/db.sock" --detach --pidfile --log-file
vsctl --no-wait init
EXTRA="--no-huge -m 256 --vdev=net_tap0,iface=dtap0 --vdev=net_tap1,iface=dtap1"
check "other_config dpdk-init=true, dpdk-extra" vsctl --no-wait set Open_vSwitch . \
    other_config:dpdk-init=true "other_config:dpdk-extra=$EXTRA"
check "nicflowd starts" "$B/nicflowd" "$DB" --detach --pidfile --log-file

dpdk_up() { [ "$(vsctl get Open_vSwitch . dpdk_initialized)" = true ]; }
wait_for "Open_vSwitch dpdk_initialized is true" 60 dpdk_up
check "dpdk_version says DPDK 22.11" sh -c \
    "$B/nicflow-vsctl --db=$DB get Open_vSwitch . dpdk_version | grep -q 'DPDK 22.11'"
check "iface_types lists dpdk" sh -c \
    "$B/nicflow-vsctl --db=$DB get Open_vSwitch . iface_types | grep -q dpdk"
check "the log has the EAL arguments" grep -q \
    "EAL arguments: --no-huge -m 256 --vdev=net_tap0,iface=dtap0" "$LOG"
if ! dpdk_up; then
    echo "# DPDK did not initialize: the rest cannot run"
    exit 1
fi

check "br0 (netdev) with dpdk0 and dpdk1" vsctl -- add-br br0 \
    -- set Bridge br0 datapath_type=netdev \
    -- add-port br0 dpdk0 -- set Interface dpdk0 type=dpdk \
    options:dpdk-devargs=net_tap0 options:n_rxq=2 options:n_txq=2 \
    -- add-port br0 dpdk1 -- set Interface dpdk1 type=dpdk \
    "options:dpdk-devargs=net_tap1,iface=dtap1"
iface_col() { vsctl get Interface "$1" "$2"; }
link_up() { [ "$(iface_col "$1" link_state)" = up ]; }
wait_for "dpdk0 link_state up" 10 link_up dpdk0
wait_for "dpdk1 link_state up" 10 link_up dpdk1
mac_matches() { # IFACE DEV: mac_in_use is the tap device's MAC
    m=$(iface_col "$1" mac_in_use | tr -d '"')
    "$IP" link show "$2" | grep -q "link/ether $m "
}
check "dpdk0 mac_in_use is dtap0's MAC" mac_matches dpdk0 dtap0
check "dpdk0 ofport is a number" sh -c \
    "[ \"\$($B/nicflow-vsctl --db=$DB get Interface dpdk0 ofport)\" -gt 0 ]"
mtu_is() { [ "$(iface_col "$1" mtu)" = "$2" ] && "$IP" link show "$3" | grep -q "mtu $2 "; }
check "mtu_request=1400 on dpdk1" vsctl set Interface dpdk1 mtu_request=1400
wait_for "dpdk1 mtu 1400 (and dtap1's)" 10 mtu_is dpdk1 1400 dtap1
check "mtu_request=1500 on dpdk1" vsctl set Interface dpdk1 mtu_request=1500
wait_for "dpdk1 mtu 1500 again" 10 mtu_is dpdk1 1500 dtap1

# --- errors --------------------------------------------------------------
vsctl add-port br0 bad0 -- set Interface bad0 type=dpdk \
    options:dpdk-devargs=xyz >/dev/null 2>&1
err_has() { iface_col "$1" error | grep -q "$2"; }
wait_for "bad devargs: error says it is not valid" 10 \
    err_has bad0 "dpdk-devargs 'xyz' is not valid"
vsctl add-port br0 bad1 -- set Interface bad1 type=dpdk >/dev/null 2>&1
wait_for "no devargs: error says dpdk-devargs is required" 10 \
    err_has bad1 "options:dpdk-devargs is required"
check "remove bad0 and bad1" vsctl del-port bad0 -- del-port bad1

# --- hot-plug ------------------------------------------------------------
check "dpdk2 hot-plugged from net_tap2,iface=dtap2" vsctl add-port br0 dpdk2 \
    -- set Interface dpdk2 type=dpdk "options:dpdk-devargs=net_tap2,iface=dtap2"
wait_for "dtap2 exists" 10 "$IP" link show dtap2
check "the log says it was hot-plugged" grep -q \
    "dpdk2: attached to DPDK port .* (net_tap2,iface=dtap2, hot-plugged)" "$LOG"
check "del-port dpdk2" vsctl del-port dpdk2
no_dev() { ! "$IP" link show "$1"; }
wait_for "dtap2 is gone with it (rte_dev_remove)" 10 no_dev dtap2

# A --vdev port deleted is only stopped (its queues keep their mbufs, the
# pool is kept for them) and can be taken again.
check "del-port dpdk1 (a --vdev: stopped, kept)" vsctl del-port dpdk1
check "dpdk1 added again" vsctl add-port br0 dpdk1 -- set Interface dpdk1 \
    type=dpdk "options:dpdk-devargs=net_tap1,iface=dtap1"
wait_for "dpdk1 link_state up again" 10 link_up dpdk1

# --- traffic ---------------------------------------------------------------
for n in 0 1; do
    "$IP" netns add "dns$n"
    "$IP" link set "dtap$n" netns "dns$n"
    "$IP" -n "dns$n" addr add "192.0.2.$((n + 1))/24" dev "dtap$n"
    "$IP" -n "dns$n" link set "dtap$n" up
    "$IP" -n "dns$n" link set lo up
done
check "ping dns0 -> dns1 across br0's dpdk ports" \
    "$IP" netns exec dns0 ping -c 5 -i 0.2 -W 2 -w 15 192.0.2.2
grep 'round-trip' /tmp/out | sed 's/^/# /'
"$IP" netns exec dns1 "$B/iperf3" -s -1 -D >/dev/null 2>&1
sleep 1
check "iperf3 TCP dns0 -> dns1 (3 s)" \
    "$IP" netns exec dns0 "$B/iperf3" -c 192.0.2.2 -t 3 -f m
grep -E 'sender|receiver' /tmp/out | sed 's/^/# /'

check "dpif/show lists dpdk0 and dpdk1" sh -c "
    $B/nicflow-appctl -t $NICFLOW_RUNDIR/nicflowd.ctl dpif/show >/tmp/show &&
    grep -q 'dpdk0 [0-9]*/[0-9]*: (dpdk: dpdk-devargs=net_tap0, n_rxq=2, n_txq=2)' /tmp/show &&
    grep -q 'dpdk1 [0-9]*/[0-9]*: (dpdk: dpdk-devargs=net_tap1, iface=dtap1)' /tmp/show"
sed 's/^/# /' /tmp/show
check "dpctl/dump-flows has the traffic's flows" sh -c "
    $B/nicflow-appctl -t $NICFLOW_RUNDIR/nicflowd.ctl dpctl/dump-flows |
    grep -q 'eth_type(0x0800).*packets:[1-9]'"
rx_ok() { # IFACE MIN: statistics:rx_packets written back and >= MIN
    v=$(iface_col "$1" statistics:rx_packets 2>/dev/null | tr -d '"')
    [ -n "$v" ] && [ "$v" -ge "$2" ]
}
wait_for "dpdk0 statistics rx_packets written back" 12 rx_ok dpdk0 1000
wait_for "dpdk1 statistics rx_packets written back" 12 rx_ok dpdk1 5
vsctl get Interface dpdk0 statistics | sed 's/^/# dpdk0 /'

# --- poll-mode threads -----------------------------------------------------
appctl() { "$B/nicflow-appctl" -t "$NICFLOW_RUNDIR/nicflowd.ctl" "$@"; }
# dpdk0 has two receive queues (n_rxq=2 from the start: the tap PMD can
# set its queues up again only while the tap device is in its namespace).
check "pmd-cpu-mask=0x3" vsctl set Open_vSwitch . other_config:pmd-cpu-mask=0x3
wait_for "the log says two pmd threads" 10 \
    grep -q "ovs-netdev: 2 pmd thread(s)" "$LOG"
# PORT QID CORE: pmd-rxq-show lists the queue under that core.
rxq_on() {
    appctl dpif-netdev/pmd-rxq-show | awk -v c="core_id $3:" -v p="$1" -v q="$2" '
        /^pmd thread/ { on = index($0, c) > 0 }
        on && $1 == "port:" && $2 == p && $4 == q { found = 1 }
        END { exit !found }'
}
dealt() { rxq_on dpdk0 0 0 && rxq_on dpdk0 1 1 && rxq_on dpdk1 0 0; }
wait_for "pmd-rxq-show: dpdk0's queue 0 on core 0, its queue 1 on core 1, dpdk1's on core 0" 10 dealt
appctl dpif-netdev/pmd-rxq-show | sed 's/^/# /'
check "pmd-stats-clear" appctl dpif-netdev/pmd-stats-clear
check "ping dns0 -> dns1 through the poll-mode threads" \
    "$IP" netns exec dns0 ping -c 5 -i 0.2 -W 2 -w 15 192.0.2.2
"$IP" netns exec dns1 "$B/iperf3" -s -1 -D >/dev/null 2>&1
sleep 1
check "iperf3 TCP dns0 -> dns1 through the poll-mode threads (3 s)" \
    "$IP" netns exec dns0 "$B/iperf3" -c 192.0.2.2 -t 3 -f m
grep -E 'sender|receiver' /tmp/out | sed 's/^/# /'
appctl dpif-netdev/pmd-stats-show > /tmp/pmdstats
sed 's/^/# /' /tmp/pmdstats
pmd_rx() { # the packets the poll-mode threads received, in all
    awk '/^pmd thread/ { on = 1 } /^main thread/ { on = 0 }
         on && /packets received:/ { n += $3 } END { print n + 0 }' /tmp/pmdstats
}
main_rx() {
    awk '/^main thread/ { on = 1 } /^pmd thread/ { on = 0 }
         on && /packets received:/ { n += $3 } END { print n + 0 }' /tmp/pmdstats
}
check "the poll-mode threads received the traffic (>= 1000 packets)" \
    test "$(pmd_rx)" -ge 1000
check "the datapath thread received none of it (< 100 packets)" \
    test "$(main_rx)" -lt 100

# --- settings ----------------------------------------------------------------
check "pmd-cpu-mask=0x1" vsctl set Open_vSwitch . other_config:pmd-cpu-mask=0x1
wait_for "the log says the datapath thread runs on 0x1" 5 \
    grep -q "datapath thread: CPUs 0x1" "$LOG"
one_thread() { rxq_on dpdk0 0 0 && rxq_on dpdk0 1 0 && rxq_on dpdk1 0 0; }
wait_for "pmd-cpu-mask=0x1: one thread on core 0 with every queue" 10 one_thread
check "dpdk-extra changed after initialisation" vsctl set Open_vSwitch . \
    "other_config:dpdk-extra=$EXTRA --vdev=net_tap9"
wait_for "the log says a restart applies it" 5 \
    grep -q "restart nicflowd to apply them" "$LOG"
check "ping again after the settings" \
    "$IP" netns exec dns0 ping -c 3 -i 0.2 -W 2 -w 10 192.0.2.2

# --- hw-offload=true: flows into the tap PMD's rte_flow ----------------
# Set before a restart (Open vSwitch reads hw-offload once); the tap
# devices go with the process and come back with the new one.  The tap
# PMD makes its rte_flow rules TC flower filters on the tap device's
# multiq qdisc (what the kernel hands the PMD), through a netlink socket of
# nicflowd's namespace: the taps stay in it this time, each on a Linux
# bridge with one end of a veth pair whose other end is in the namespace.
check "nicflowd exits" appctl exit
vsctl --no-wait set Open_vSwitch . other_config:hw-offload=true \
    "other_config:dpdk-extra=$EXTRA" >/dev/null
vsctl --no-wait remove Open_vSwitch . other_config pmd-cpu-mask >/dev/null
sleep 1
check "nicflowd starts with hw-offload=true" "$B/nicflowd" "$DB" --detach \
    --pidfile --log-file
both_taps() { "$IP" link show dtap0 && "$IP" link show dtap1; }
wait_for "dtap0 and dtap1 are back" 60 both_taps
for n in 0 1; do
    "$IP" link add "v${n}a" type veth peer name "v${n}b"
    "$IP" link set "v${n}b" netns "dns$n"
    "$IP" -n "dns$n" addr add "192.0.2.$((n + 1))/24" dev "v${n}b"
    "$IP" -n "dns$n" link set "v${n}b" up
    "$IP" link add "lbr$n" type bridge
    "$IP" link set "dtap$n" master "lbr$n"
    "$IP" link set "v${n}a" master "lbr$n"
    for d in "lbr$n" "dtap$n" "v${n}a"; do "$IP" link set "$d" up; done
done
wait_for "ping dns0 -> dns1 with hw-offload=true" 20 \
    "$IP" netns exec dns0 ping -c 3 -i 0.2 -W 2 -w 10 192.0.2.2
check "offload/show lists the rteflow provider" sh -c \
    "$B/nicflow-appctl -t $NICFLOW_RUNDIR/nicflowd.ctl offload/show | grep -q rteflow"

# The bridge's NORMAL flows output to another DPDK port: the tap PMD has
# no PORT_ID (nor MARK, for partial offload; its missing COUNT was taken
# out first), so they stay in the softpath with its refusal as their
# reason, and traffic flows.
flow_line() { # PATTERN: the dump-flows -m line of the flow matching it
    appctl dpctl/dump-flows -m >/tmp/flows && grep -e "$1" /tmp/flows >/tmp/line
}
normal_refused() {
    flow_line 'eth_type(0x0800)' &&
        grep -q 'offloaded:no, dp:softpath, offload-reason:"rteflow: PMD refused: action not supported (type 16, at action 0: port_id); partial offload: PMD refused: action not supported (type 16, at action 0: mark)' /tmp/line
}
wait_for "NORMAL flows: in the softpath with the PMD's refusal (port_id, mark)" 10 \
    normal_refused
sed 's/^/# /' /tmp/line | head -2

# A pattern the PMD cannot say (the tap's IPv4 item has no fragment
# bits, and a flow on ICMP matches them): refused with the PMD's message
# naming the item, and ping keeps working through the softpath.
check "add-flow icmp -> NORMAL" "$B/nicflow-ofctl" add-flow br0 \
    "priority=50,icmp,actions=NORMAL"
check "ping with the icmp rule" "$IP" netns exec dns0 ping -c 3 -i 0.2 -W 2 \
    -w 10 192.0.2.2
pattern_refused() {
    flow_line 'proto=1' &&
        grep -q 'offload-reason:"rteflow: PMD refused: item not supported (type [0-9]*, at item 1: ipv4)' /tmp/line
}
wait_for "icmp flow: the PMD's item refusal is its reason" 10 pattern_refused
sed 's/^/# /' /tmp/line | head -2

# A drop flow the tap PMD takes: DROP on an Ethernet + IPv4 pattern.  The
# PMD has no COUNT action; the rule is made without it and counted by its
# TC filter.  Packets to 192.0.2.99 (a static neighbour in dns0) are then
# dropped by the kernel before DPDK sees them.
check "add-flow ip,nw_dst=192.0.2.99 -> drop" "$B/nicflow-ofctl" add-flow \
    br0 "priority=100,ip,nw_dst=192.0.2.99,actions=drop"
"$IP" -n dns0 neigh add 192.0.2.99 lladdr 02:00:00:00:00:99 dev v0b
"$IP" netns exec dns0 ping -c 3 -i 0.2 -W 1 192.0.2.99 >/dev/null 2>&1
drop_offloaded() {
    flow_line 'ipv4(dst=192.0.2.99)' &&
        grep -q 'offloaded:yes, dp:rteflow' /tmp/line &&
        grep -q 'actions:drop' /tmp/line
}
wait_for "the drop flow is offloaded:yes, dp:rteflow" 10 drop_offloaded
sed 's/^/# /' /tmp/line
filter_there() {
    /sbin/tc -s filter show dev dtap0 parent 1: >/tmp/tc 2>&1 &&
        grep -q 'dst_ip 192.0.2.99' /tmp/tc && grep -q 'gact action drop' /tmp/tc
}
check "the rule is a flower filter on dtap0 (dst_ip 192.0.2.99, drop)" \
    filter_there
sed 's/^/# tc: /' /tmp/tc | head -20
rx_before=$(iface_col dpdk0 statistics:rx_packets | tr -d '"')
"$IP" netns exec dns0 ping -c 20 -i 0.05 -W 1 192.0.2.99 >/dev/null 2>&1
tc_hits() { # the filter's packet count
    /sbin/tc -s filter show dev dtap0 parent 1: |
        awk '/dst_ip 192.0.2.99/ { f = 1 } f && /Sent/ { print $4; exit }'
}
hits=$(tc_hits)
check "the filter dropped the pings (tc says $hits packets)" \
    test "${hits:-0}" -ge 20
counted() { # dump-flows' packets come from the filter
    flow_line 'ipv4(dst=192.0.2.99)' &&
        n=$(sed -n 's/.*packets:\([0-9]*\).*/\1/p' /tmp/line) &&
        [ "${n:-0}" -ge 20 ]
}
wait_for "dump-flows counts the dropped packets (from the TC filter)" 12 \
    counted
sed 's/^/# /' /tmp/line
sleep 6
rx_after=$(iface_col dpdk0 statistics:rx_packets | tr -d '"')
check "dpdk0 did not receive them (rx $rx_before -> $rx_after)" \
    test "$((rx_after - rx_before))" -lt 20
check "ping dns0 -> dns1 still works" "$IP" netns exec dns0 ping -c 3 -i 0.2 \
    -W 2 -w 10 192.0.2.2
check "offload-stats-show: rteflow's lines count the rule and its filter" sh -c \
    "$B/nicflow-appctl -t $NICFLOW_RUNDIR/nicflowd.ctl dpctl/offload-stats-show >/tmp/ost &&
     grep -q 'rteflow  *Rules counted by TC filters: 1\$' /tmp/ost &&
     grep -q 'rteflow  *Rules on dpdk0 (port 0, sync): 1\$' /tmp/ost"
grep rteflow /tmp/ost | sed 's/^/# /'

# The flow deleted: its filter goes with it.
check "del-flows ip,nw_dst=192.0.2.99" "$B/nicflow-ofctl" del-flows br0 \
    "ip,nw_dst=192.0.2.99"
filter_gone() { ! /sbin/tc filter show dev dtap0 parent 1: | grep -q 'dst_ip 192.0.2.99'; }
wait_for "the flower filter is gone with the flow" 15 filter_gone

exit "$failed"
