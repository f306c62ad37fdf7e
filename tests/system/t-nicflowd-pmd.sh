#!/bin/bash
# Poll-mode threads on nicflowd: other_config:pmd-cpu-mask puts a thread on
# each CPU it names, and the receive queues of the userspace datapath's
# polled multi-queue ports (DPDK; here dummy-pmd ports, which need no
# device) are dealt to them in turn.  Checked with the real ovs-appctl 3.1:
# dpif-netdev/pmd-rxq-show as Open vSwitch prints it, the queues dealt out
# again when a port's n_rxq changes, a port comes or goes or the mask
# changes; pmd-stats-show and pmd-stats-clear, -pmd CORE, errors.  Traffic
# through the threads is the VM lab's t-dpdk.sh (DPDK's tap PMD) and the
# unit test test-softpath-dpif-netdev-pmd.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl ovs-appctl
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

DB=unix:$NICFLOW_RUNDIR/db.sock
vsctl() { ovs-vsctl --db="$DB" --timeout=20 "$@"; }
appctl() { ovs-appctl -t "$NICFLOW_RUNDIR/nicflowd.ctl" "$@"; }

# Two CPUs this process may use (the second may be absent on a 1-CPU
# machine: its thread then runs unpinned, with a warning).
read -r C0 C1 < <(python3 -c 'import os; c=sorted(os.sched_getaffinity(0)); c=c+[c[0]+1]; print(c[0], c[1])')
MASK=$(printf '0x%x' $(((1 << C0) | (1 << C1))))

check "create the database" create_db "$NICFLOW_DBDIR/conf.db"
check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"
vsctl --no-wait init
check "nicflowd starts" "$NF_BIN/nicflowd" "$DB" --detach --pidfile \
    --log-file
on_exit "stop_daemon nicflowd"
check "br0 with p1 (dummy-pmd, 4 queues), p2 (dummy-pmd, 2), p3 (dummy)" \
    vsctl -- add-br br0 -- set Bridge br0 datapath_type=netdev \
    -- add-port br0 p1 -- set Interface p1 type=dummy-pmd \
    options:n_rxq=4 ofport_request=1 \
    -- add-port br0 p2 -- set Interface p2 type=dummy-pmd \
    options:n_rxq=2 ofport_request=2 \
    -- add-port br0 p3 -- set Interface p3 type=dummy ofport_request=3

# SHOW CORE: the lines of pmd-rxq-show's section for CORE.
section() {
    awk -v h="pmd thread numa_id [0-9]+ core_id $2:" '
        /^pmd thread/ { on = ($0 ~ "^" h "$") }
        on' "$1"
}
queue() { # FILE PORT QID: the line of that queue, as Open vSwitch prints it
    grep -q "^  port: $(printf '%-16s' "$2")  queue-id: $(printf '%2d' "$3") (enabled)   pmd usage: *[0-9]* %$" "$1"
}
rxq_show() { appctl dpif-netdev/pmd-rxq-show > "$NF_TMP/rxq"; }

no_threads() { rxq_show && ! grep -q "pmd thread" "$NF_TMP/rxq"; }
check "no pmd-cpu-mask: no poll-mode threads" no_threads

check "pmd-cpu-mask=$MASK" vsctl set Open_vSwitch . \
    "other_config:pmd-cpu-mask=$MASK"
dealt() {
    rxq_show && section "$NF_TMP/rxq" "$C0" > "$NF_TMP/a" &&
        section "$NF_TMP/rxq" "$C1" > "$NF_TMP/b" &&
        queue "$NF_TMP/a" p1 0 && queue "$NF_TMP/b" p1 1 &&
        queue "$NF_TMP/a" p1 2 && queue "$NF_TMP/b" p1 3 &&
        queue "$NF_TMP/a" p2 0 && queue "$NF_TMP/b" p2 1
}
check_eventually "pmd-rxq-show: p1's 4 and p2's 2 queues dealt in turn to cores $C0 and $C1" 10 dealt
diag "$(cat "$NF_TMP/rxq")"
check "each section says isolated : false" \
    test "$(grep -c '^  isolated : false$' "$NF_TMP/rxq")" = 2
check "p3 (not polled) is in no thread's list" \
    eval '! grep -q "port: p3" "$NF_TMP/rxq"'
check "the log says two threads" grep -q "ovs-netdev: 2 pmd thread(s)" \
    "$NICFLOW_LOGDIR/nicflowd.log"

check "n_rxq of p1 to 1" vsctl set Interface p1 options:n_rxq=1
redealt() {
    rxq_show && section "$NF_TMP/rxq" "$C0" > "$NF_TMP/a" &&
        section "$NF_TMP/rxq" "$C1" > "$NF_TMP/b" &&
        queue "$NF_TMP/a" p1 0 && queue "$NF_TMP/b" p2 0 &&
        queue "$NF_TMP/a" p2 1 && ! grep -q "queue-id:  3" "$NF_TMP/rxq"
}
check_eventually "dealt again: p1 q0 on $C0, p2 q0 on $C1, p2 q1 on $C0" 10 redealt

check "p2 goes" vsctl del-port br0 p2
p2_gone() { rxq_show && ! grep -q "port: p2" "$NF_TMP/rxq" && queue "$NF_TMP/rxq" p1 0; }
check_eventually "p2's queues are gone from the lists" 10 p2_gone
check "p2 comes back with 3 queues" vsctl add-port br0 p2 -- set Interface \
    p2 type=dummy-pmd options:n_rxq=3
p2_back() {
    rxq_show && queue "$NF_TMP/rxq" p2 0 && queue "$NF_TMP/rxq" p2 1 &&
        queue "$NF_TMP/rxq" p2 2
}
check_eventually "p2's 3 queues are dealt out" 10 p2_back

one_core() {
    appctl dpif-netdev/pmd-rxq-show -pmd "$C1" > "$NF_TMP/one" &&
        [ "$(grep -c '^pmd thread' "$NF_TMP/one")" = 1 ] &&
        grep -q "core_id $C1:" "$NF_TMP/one"
}
check "-pmd $C1 shows that thread only" one_core
check_output "pmd-rxq-show of the datapath by name" "port: p1" \
    appctl dpif-netdev/pmd-rxq-show netdev@ovs-netdev
check_fails "pmd-rxq-show of no such datapath" appctl \
    dpif-netdev/pmd-rxq-show nosuch
check_output "... says so" "nosuch: no such datapath" \
    eval 'appctl dpif-netdev/pmd-rxq-show nosuch 2>&1 ; true'
check_fails "-pmd without a core" appctl dpif-netdev/pmd-rxq-show -pmd

check "pmd-stats-show" eval 'appctl dpif-netdev/pmd-stats-show > "$NF_TMP/stats"'
diag "$(cat "$NF_TMP/stats")"
all_sections() {
    grep -q '^main thread:$' "$NF_TMP/stats" &&
        grep -q "^pmd thread numa_id [0-9]* core_id $C0:$" "$NF_TMP/stats" &&
        grep -q "^pmd thread numa_id [0-9]* core_id $C1:$" "$NF_TMP/stats"
}
check "... has the main thread and both threads" all_sections
for line in "packets received: " "packet recirculations: " \
    "avg. datapath passes per packet: " "emc hits: " "megaflow hits: " \
    "miss with success upcall: " "miss with failed upcall: " \
    "avg. packets per output batch: "; do
    check "... each section has \"$line\"" test \
        "$(grep -c "^  $line[0-9.]*$" "$NF_TMP/stats")" = 3
done
check "pmd-stats-clear" appctl dpif-netdev/pmd-stats-clear
check_output "... leaves idle threads at 0 packets" "^  packets received: 0$" \
    appctl dpif-netdev/pmd-stats-show -pmd "$C0"

check "busy-poll always reaches the threads too" appctl \
    dpif-netdev/busy-poll always
check "busy-poll 50 again" appctl dpif-netdev/busy-poll 50

check "a bad mask is refused" vsctl set Open_vSwitch . \
    other_config:pmd-cpu-mask=0xzz
check_eventually "the log says why" 10 grep -q "other_config:pmd-cpu-mask=0xzz" \
    "$NICFLOW_LOGDIR/nicflowd.log"
check_output "... and the threads stay" "core_id $C1:" \
    appctl dpif-netdev/pmd-rxq-show

check "pmd-cpu-mask removed" vsctl remove Open_vSwitch . other_config \
    pmd-cpu-mask
check_eventually "the threads are gone" 10 no_threads

finish
