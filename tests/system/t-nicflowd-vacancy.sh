#!/bin/bash
# OpenFlow 1.4 table vacancy events (OFPT_TABLE_STATUS, reasons
# VACANCY_DOWN and VACANCY_UP).  The same scenario runs on nicflowd and on
# a real ovs-vswitchd 3.1: table 0 limited to 10 flows (a Flow_Table row
# set with the real ovs-vsctl 3.1), "ovs-ofctl -O OpenFlow14 mod-table br0
# 0 vacancy:20,80", flows added one by one up to 9, deleted down to 1,
# added again up to 9, then events turned off and the flows deleted once
# more.  A real "ovs-ofctl -O OpenFlow14 monitor" (which asks for table
# status with a set-async sent through its ofctl/send command: neither
# switch sends it by default) captures the table-status messages.  What
# the two monitors print must be identical, and also be exactly what the
# scenario expects, so the test fails even if both were to change; the
# table descriptions (dump-table-desc) along the way must be identical
# too.  Last, mod-table evict, noevict, vacancy:D,U and novacancy, with
# the real ovs-ofctl and with nicflow-ofctl on both switches, must each
# keep the setting they do not change (the vacancy thresholds, eviction).
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl ovs-ofctl ovs-appctl ovs-vswitchd ovsdb-server
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"
. "$(dirname "$0")/ofctl/lib-ofctl.sh"
unset OVS_RUNDIR OVS_LOGDIR OVS_DBDIR

. "$(dirname "$0")/ofctl/lib-two-switches.sh"
start_two_switches

# The monitor of switch $SW: an OpenFlow 1.4 "ovs-ofctl monitor" with a
# miss_send_len (without one a management connection gets no
# asynchronous message until it sends a set-async), detached, its control
# socket in $NF_TMP/mon-$SW, its output in $NF_TMP/$SW.mon.
start_monitor() {
    local dir=$NF_TMP/mon-$SW
    mkdir -p "$dir"
    OVS_RUNDIR=$dir ovs-ofctl -O OpenFlow14 monitor "$BR" 65534 --detach \
        --no-chdir --pidfile="$dir/monitor.pid" > "$NF_TMP/$SW.mon" 2>&1 ||
        return 1
    on_exit "kill \$(cat '$dir/monitor.pid') 2>/dev/null"
}
# monitor_send HEX: sends the OpenFlow message HEX on the monitor's
# connection (its replies show in its output).
monitor_send() {
    local dir=$NF_TMP/mon-$SW
    ovs-appctl -t "$dir/ovs-ofctl.$(cat "$dir/monitor.pid").ctl" \
        ofctl/send "$1" > /dev/null
}
# monitor_sync XID: sends a barrier request with XID (two hex digits, the
# first not 0) on the monitor's connection and waits for the reply: the
# switch has then handled everything sent there before.
monitor_sync() {
    local i
    monitor_send "05140008000000$1"
    for i in $(seq 50); do
        grep -q "^OFPT_BARRIER_REPLY (OF1.4) (xid=0x$1)" "$NF_TMP/$SW.mon" &&
            return 0
        sleep 0.1
    done
    return 1
}
# OpenFlow 1.4 messages sent through the monitor: get-async request; a
# set-async whose two properties (TABLE_STATUS_SLAVE, _MASTER) take
# reasons 3 and 4, VACANCY_DOWN and VACANCY_UP; a table-mod for table 0
# with eviction and vacancy events on but no vacancy property (which
# leaves thresholds of 0 in Open vSwitch).
GET_ASYNC=051a000800000011
SET_ASYNC=051c00180000001200080008000000180009000800000018
TABLE_MOD_NO_PROP=0511001000000014000000000000000c

# The table-status messages the monitor printed so far: each message's
# line and the description lines that follow it.
table_status() {
    awk '/^OFPT_TABLE_STATUS/ { n = 5 } n > 0 { print; n-- }' \
        "$NF_TMP/$SW.mon"
}
# desc0: table 0's description as ovs-ofctl prints it.
desc0() {
    ovs-ofctl -O OpenFlow14 dump-table-desc "$BR" |
        sed -n '/table 0:/,/vacancy/p'
}
n_flows() { ovs-ofctl dump-flows "$BR" | grep -c priority; }
add() { ovs-ofctl add-flow "$BR" "priority=$1,in_port=$1,actions=drop"; }
del() { ovs-ofctl del-flows --strict "$BR" "priority=$1,in_port=$1"; }

# scenario: runs every step on switch $SW, writing the table descriptions
# it looks at to $NF_TMP/$SW.desc and the default table-status line of
# the get-async reply to $NF_TMP/$SW.async.
scenario() {
    local i
    vsctl -- --id=@ft create Flow_Table flow_limit=10 \
        -- set bridge br0 flow_tables:0=@ft > /dev/null
    start_monitor || return 1
    monitor_send "$GET_ASYNC"
    monitor_send "$SET_ASYNC"
    monitor_sync 13 || return 1
    {
        echo "# before mod-table"
        desc0
        ovs-ofctl -O OpenFlow14 mod-table "$BR" 0 vacancy:20,80
        echo "# vacancy:20,80"
        desc0
        for i in $(seq 9); do add $i; done
        echo "# 9 flows"
        desc0
        for i in $(seq 9 -1 2); do del $i; done
        echo "# 1 flow"
        desc0
        for i in $(seq 2 9); do add $i; done
        echo "# 9 flows again"
        desc0
        # Bundles: each sends at most one event, for the vacancy it
        # leaves.
        for i in $(seq 2 9); do
            echo "delete_strict priority=$i,in_port=$i"
        done > "$NF_TMP/$SW.bundle-del"
        ovs-ofctl -O OpenFlow14 --bundle add-flows "$BR" \
            "$NF_TMP/$SW.bundle-del"
        for i in $(seq 2 9); do
            echo "add priority=$i,in_port=$i,hard_timeout=1,actions=drop"
        done > "$NF_TMP/$SW.bundle-add"
        ovs-ofctl -O OpenFlow14 --bundle add-flows "$BR" \
            "$NF_TMP/$SW.bundle-add"
        # Expiry: the eight flows go after a second (one event).
        for i in $(seq 100); do
            [ "$(n_flows)" = 1 ] && break
            sleep 0.1
        done
        echo "# expired: $(n_flows) flow"
        for i in $(seq 2 9); do add $i; done
        ovs-ofctl -O OpenFlow14 mod-table "$BR" 0 novacancy
        echo "# novacancy"
        desc0
        for i in $(seq 9 -1 2); do del $i; done
        # No limit: a table with a flow is 99 % vacant, as Open vSwitch
        # computes it.
        ovs-ofctl -O OpenFlow14 mod-table "$BR" 0 vacancy:20,80
        vsctl clear bridge br0 flow_tables
        echo "# no limit"
        desc0
        monitor_send "$TABLE_MOD_NO_PROP"
        monitor_sync 15
        echo "# table-mod without the vacancy property"
        desc0
    } > "$NF_TMP/$SW.desc" 2>&1
    # The get-async reply's table-status lines, primary then secondary
    # (the monitor also prints the set-async it sent).
    awk '/^[^ ]/ { f = /^OFPT_GET_ASYNC_REPLY/ } f && /TABLE_STATUS:/' \
        "$NF_TMP/$SW.mon" > "$NF_TMP/$SW.async"
}

use nf
check "the scenario runs on nicflowd" scenario
use ovs
check "the scenario runs on Open vSwitch 3.1" scenario

# The messages sent, in order: DOWN at 9 flows (vacancy 10 % < 20 %), UP
# at 1 flow (90 % > 80 %), DOWN again at 9 flows; then UP and DOWN for the
# two bundles, UP for the expiry, DOWN for the adds after it; nothing in
# between, nor after events went off.
cat > "$NF_TMP/expected" <<'EOF'
OFPT_TABLE_STATUS (OF1.4) (xid=0x0): reason=VACANCY_DOWN
table_desc:-
  table 0:
   eviction=off eviction_flags=OTHER|IMPORTANCE|LIFETIME
   vacancy=on vacancy_down=20% vacancy_up=80% vacancy=10%
OFPT_TABLE_STATUS (OF1.4) (xid=0x0): reason=VACANCY_UP
table_desc:-
  table 0:
   eviction=off eviction_flags=OTHER|IMPORTANCE|LIFETIME
   vacancy=on vacancy_down=20% vacancy_up=80% vacancy=90%
OFPT_TABLE_STATUS (OF1.4) (xid=0x0): reason=VACANCY_DOWN
table_desc:-
  table 0:
   eviction=off eviction_flags=OTHER|IMPORTANCE|LIFETIME
   vacancy=on vacancy_down=20% vacancy_up=80% vacancy=10%
OFPT_TABLE_STATUS (OF1.4) (xid=0x0): reason=VACANCY_UP
table_desc:-
  table 0:
   eviction=off eviction_flags=OTHER|IMPORTANCE|LIFETIME
   vacancy=on vacancy_down=20% vacancy_up=80% vacancy=90%
OFPT_TABLE_STATUS (OF1.4) (xid=0x0): reason=VACANCY_DOWN
table_desc:-
  table 0:
   eviction=off eviction_flags=OTHER|IMPORTANCE|LIFETIME
   vacancy=on vacancy_down=20% vacancy_up=80% vacancy=10%
OFPT_TABLE_STATUS (OF1.4) (xid=0x0): reason=VACANCY_UP
table_desc:-
  table 0:
   eviction=off eviction_flags=OTHER|IMPORTANCE|LIFETIME
   vacancy=on vacancy_down=20% vacancy_up=80% vacancy=90%
OFPT_TABLE_STATUS (OF1.4) (xid=0x0): reason=VACANCY_DOWN
table_desc:-
  table 0:
   eviction=off eviction_flags=OTHER|IMPORTANCE|LIFETIME
   vacancy=on vacancy_down=20% vacancy_up=80% vacancy=10%
EOF
for sw in nf ovs; do
    use $sw
    check_eventually "$sw: the monitor received seven table-status messages" \
        10 bash -c "[ \$(awk '/^OFPT_TABLE_STATUS/' '$NF_TMP/$sw.mon' |
                         wc -l) -ge 7 ]"
done
# Anything sent after the last expected message would have arrived with
# it or soon after: give it that time before looking.
sleep 1
for sw in nf ovs; do
    use $sw
    table_status > "$NF_TMP/$sw.status"
    kill "$(cat "$NF_TMP/mon-$sw/monitor.pid")" 2>/dev/null
done
diag "nicflowd's monitor:" "$(cat "$NF_TMP/nf.mon")"

use nf
if diff -u "$NF_TMP/expected" "$NF_TMP/nf.status" > "$NF_TMP/diff-exp"; then
    ok "nicflowd sends one event per crossing (flow-mods, bundles, expiry)"
else
    fail "nicflowd sends one event per crossing (flow-mods, bundles, expiry)"
    diag "$(cat "$NF_TMP/diff-exp")"
fi
if diff -u "$NF_TMP/ovs.status" "$NF_TMP/nf.status" >"$NF_TMP/diff-st"; then
    ok "the table-status messages are Open vSwitch 3.1's"
else
    fail "the table-status messages are Open vSwitch 3.1's"
    diag "$(cat "$NF_TMP/diff-st")"
fi

# Table descriptions: thresholds and the current vacancy.
check_output "dump-table-desc after vacancy:20,80" \
    'vacancy=on vacancy_down=20% vacancy_up=80% vacancy=100%' \
    sed -n '/# vacancy:20,80/,/# 9 flows/p' "$NF_TMP/nf.desc"
check_output "dump-table-desc with 9 of 10 flows: vacancy=10%" \
    'vacancy=on vacancy_down=20% vacancy_up=80% vacancy=10%' \
    sed -n '/# 9 flows$/,/# 1 flow/p' "$NF_TMP/nf.desc"
check_output "dump-table-desc after novacancy: vacancy=off" \
    '^   vacancy=off$' sed -n '/# novacancy/,/# no limit/p' "$NF_TMP/nf.desc"
check_output "dump-table-desc without a limit, one flow: vacancy=99%" \
    'vacancy=99%' sed -n '/# no limit/,/# table-mod/p' "$NF_TMP/nf.desc"
check_output "a table-mod without the vacancy property: thresholds 0" \
    'vacancy=on vacancy_down=0% vacancy_up=0% vacancy=99%' \
    sed -n '/# table-mod without/,$p' "$NF_TMP/nf.desc"
if diff -u "$NF_TMP/ovs.desc" "$NF_TMP/nf.desc" > "$NF_TMP/diff-desc"; then
    ok "every dump-table-desc is Open vSwitch 3.1's"
else
    fail "every dump-table-desc is Open vSwitch 3.1's"
    diag "$(cat "$NF_TMP/diff-desc")"
fi

# Nobody gets table status without asking, as in Open vSwitch.
check_output "get-async: table status is off by default" \
    '^ +TABLE_STATUS: \(off\)$' head -1 "$NF_TMP/nf.async"
if diff -u "$NF_TMP/ovs.async" "$NF_TMP/nf.async" > "$NF_TMP/diff-async"; then
    ok "get-async's table-status lines are Open vSwitch 3.1's"
else
    fail "get-async's table-status lines are Open vSwitch 3.1's"
    diag "$(cat "$NF_TMP/diff-async")"
fi

# mod-table changes one setting and keeps the table's other one, as
# ovs-ofctl 3.1 does (it reads the table description first): evict and
# noevict keep vacancy events and their thresholds, vacancy:D,U and
# novacancy keep eviction; "all" does it table by table.  The same steps
# with the real ovs-ofctl and with nicflow-ofctl, on both switches.
# desc_table N: table N's description as ovs-ofctl prints it.
desc_table() {
    ovs-ofctl -O OpenFlow14 dump-table-desc "$BR" |
        sed -n "/table $1:/,/vacancy/p"
}
# mod_table_steps TOOL: the steps, printing the table descriptions.  They
# start from table 0 without eviction (the scenario's last table-mod
# turned it on) or vacancy events, and end there too.
mod_table_steps() {
    local tool=$1
    vsctl -- --id=@ft create Flow_Table flow_limit=10 \
        -- set bridge br0 flow_tables:0=@ft > /dev/null
    ovs-ofctl -O OpenFlow14 mod-table "$BR" 0 noevict
    ovs-ofctl -O OpenFlow14 mod-table "$BR" 0 novacancy
    $tool -O OpenFlow14 mod-table "$BR" 0 vacancy:20,80
    echo "# vacancy:20,80"
    desc0
    $tool -O OpenFlow14 mod-table "$BR" 0 evict
    echo "# evict"
    desc0
    $tool -O OpenFlow14 mod-table "$BR" 0 noevict
    echo "# noevict"
    desc0
    $tool -O OpenFlow14 mod-table "$BR" 0 evict
    $tool -O OpenFlow15 mod-table "$BR" 0 vacancy:30,70
    echo "# evict, then vacancy:30,70 (OpenFlow 1.5)"
    desc0
    $tool -O OpenFlow14 mod-table "$BR" all noevict
    echo "# all noevict"
    desc0
    desc_table 1
    $tool -O OpenFlow14 mod-table "$BR" 0 evict
    $tool -O OpenFlow14 mod-table "$BR" 0 novacancy
    echo "# evict, then novacancy"
    desc0
    $tool -O OpenFlow14 mod-table "$BR" 0 noevict
    vsctl clear bridge br0 flow_tables
}
for sw in nf ovs; do
    use $sw
    for tool in ovs-ofctl nicflow-ofctl; do
        path=$tool
        [ $tool = nicflow-ofctl ] && path=$NF_BIN/nicflow-ofctl
        mod_table_steps "$path" > "$NF_TMP/mt-$sw-$tool" 2>&1
    done
done
cat > "$NF_TMP/mt-expected" <<'EOF'
# vacancy:20,80
  table 0:
   eviction=off eviction_flags=OTHER|IMPORTANCE|LIFETIME
   vacancy=on vacancy_down=20% vacancy_up=80% vacancy=90%
# evict
  table 0:
   eviction=on eviction_flags=OTHER|IMPORTANCE|LIFETIME
   vacancy=on vacancy_down=20% vacancy_up=80% vacancy=90%
# noevict
  table 0:
   eviction=off eviction_flags=OTHER|IMPORTANCE|LIFETIME
   vacancy=on vacancy_down=20% vacancy_up=80% vacancy=90%
# evict, then vacancy:30,70 (OpenFlow 1.5)
  table 0:
   eviction=on eviction_flags=OTHER|IMPORTANCE|LIFETIME
   vacancy=on vacancy_down=30% vacancy_up=70% vacancy=90%
# all noevict
  table 0:
   eviction=off eviction_flags=OTHER|IMPORTANCE|LIFETIME
   vacancy=on vacancy_down=30% vacancy_up=70% vacancy=90%
  table 1:
   eviction=off eviction_flags=OTHER|IMPORTANCE|LIFETIME
   vacancy=off
# evict, then novacancy
  table 0:
   eviction=on eviction_flags=OTHER|IMPORTANCE|LIFETIME
   vacancy=off
EOF
for sw in nf ovs; do
    for tool in ovs-ofctl nicflow-ofctl; do
        what="$tool mod-table on $sw keeps the other setting"
        if diff -u "$NF_TMP/mt-expected" "$NF_TMP/mt-$sw-$tool" \
            > "$NF_TMP/diff-mt"; then
            ok "$what"
        else
            fail "$what"
            diag "$(cat "$NF_TMP/diff-mt")"
        fi
    done
done

check_output "nicflowd logs nothing at warning level or worse" \
    '^0$' bash -c "grep -c 'WARN\|ERR' '$NICFLOW_LOGDIR/nicflowd.log'; true"
finish
