#!/bin/bash
# Flow table limits and eviction: Flow_Table rows (flow_limit,
# overflow_policy, groups, name) set with the real ovs-vsctl 3.1, flows
# added with the real ovs-ofctl 3.1, and OpenFlow 1.4's table-mod
# eviction flag.  The same scenario runs on nicflowd and on a real
# ovs-vswitchd 3.1; what each step leaves in the table (and whether an
# add is refused) must be the same on both, and on nicflowd it is also
# checked against what the scenario expects, so the test fails even if
# both were to change.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl ovs-ofctl ovs-vswitchd ovsdb-server
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"
. "$(dirname "$0")/ofctl/lib-ofctl.sh"
unset OVS_RUNDIR OVS_LOGDIR OVS_DBDIR

. "$(dirname "$0")/ofctl/lib-two-switches.sh"
start_two_switches

ofctl() { ovs-ofctl "$@"; }
# flows: table 0's flows, one "in_port=N" per line, sorted (what survives
# is what the scenario looks at).
flows() {
    ofctl dump-flows "$BR" table=0 | grep -o 'in_port=[0-9]*' | sort -t= -k2 -n |
        tr '\n' ' '
}
# add FLOW...: adds the flow; prints "refused" when the switch says the
# table is full, "added" when it takes it.
add() {
    local err
    if err=$(ofctl "$@" 2>&1); then
        echo added
    elif grep -q TABLE_FULL <<<"$err"; then
        echo refused
    else
        echo "error: $err"
    fi
}
ft_uuid() { vsctl get bridge br0 flow_tables:0 2>/dev/null; }

# scenario: runs every step on switch $SW, printing one line per step:
# "STEP: RESULT | FLOWS LEFT".
scenario() {
    local r
    ofctl del-flows "$BR"
    vsctl -- --id=@ft create Flow_Table flow_limit=4 overflow_policy=refuse \
        name=small -- set bridge br0 flow_tables:0=@ft > /dev/null
    # In_port 1 is permanent; 3 expires first, then 2, then 4.
    ofctl add-flow "$BR" "priority=1,in_port=1,actions=drop"
    ofctl add-flow "$BR" "priority=2,in_port=2,idle_timeout=100,actions=drop"
    ofctl add-flow "$BR" "priority=3,in_port=3,hard_timeout=50,actions=drop"
    ofctl add-flow "$BR" "priority=4,in_port=4,hard_timeout=200,actions=drop"
    echo "fill to the limit: $(flows)"
    r=$(add add-flow "$BR" "priority=5,in_port=5,hard_timeout=300,actions=drop")
    echo "refuse policy, fifth flow: $r | $(flows)"
    r=$(add mod-flows "$BR" "in_port=4,actions=drop")
    echo "refuse policy, modify in a full table: $r | $(flows)"
    r=$(add add-flow "$BR" "priority=4,in_port=4,hard_timeout=200,actions=drop")
    echo "refuse policy, replace a flow in a full table: $r | $(flows)"

    vsctl set Flow_Table "$(ft_uuid)" overflow_policy=evict
    r=$(add add-flow "$BR" "priority=5,in_port=5,hard_timeout=300,actions=drop")
    echo "evict: fifth flow: $r | $(flows)"
    r=$(add add-flow "$BR" "priority=6,in_port=6,hard_timeout=400,actions=drop")
    echo "evict: sixth flow: $r | $(flows)"
    # Importance (OpenFlow 1.4) comes before expiry: in_port 5 expires
    # before 6 but is more important now.
    ofctl -O OpenFlow14 add-flow "$BR" \
        "priority=5,in_port=5,hard_timeout=300,importance=10,actions=drop"
    r=$(add add-flow "$BR" "priority=7,in_port=7,hard_timeout=500,actions=drop")
    echo "evict: importance protects: $r | $(flows)"

    # Lowering the limit evicts down to it at once.
    vsctl set Flow_Table "$(ft_uuid)" flow_limit=2
    sleep 0.5
    echo "flow_limit=2: $(flows)"
    # Only permanent flows and an important one left: nothing can go...
    ofctl del-flows "$BR" "in_port=5"
    ofctl add-flow "$BR" "priority=8,in_port=8,actions=drop"
    r=$(add add-flow "$BR" "priority=9,in_port=9,hard_timeout=30,actions=drop")
    echo "evict, only permanent flows: $r | $(flows)"

    # Eviction groups: the largest group gives up a flow first, even when
    # another group's flow would expire sooner.
    ofctl del-flows "$BR"
    vsctl set Flow_Table "$(ft_uuid)" flow_limit=4 'groups="NXM_OF_IN_PORT[]"'
    ofctl add-flow "$BR" "priority=1,in_port=1,hard_timeout=10,actions=drop"
    ofctl add-flow "$BR" "priority=2,in_port=2,hard_timeout=100,actions=drop"
    ofctl add-flow "$BR" "priority=3,in_port=2,ip,hard_timeout=200,actions=drop"
    ofctl add-flow "$BR" "priority=4,in_port=2,arp,hard_timeout=300,actions=drop"
    r=$(add add-flow "$BR" "priority=5,in_port=3,hard_timeout=400,actions=drop")
    echo "groups by in_port: $r | $(ofctl dump-flows "$BR" |
        grep -o 'priority=[0-9]' | sort | tr '\n' ' ')"

    # OpenFlow 1.4 table-mod turns eviction on in a refusing table.
    ofctl del-flows "$BR"
    vsctl remove Flow_Table "$(ft_uuid)" groups '"NXM_OF_IN_PORT[]"' \
        -- set Flow_Table "$(ft_uuid)" overflow_policy=refuse flow_limit=2
    ofctl add-flow "$BR" "priority=1,in_port=1,hard_timeout=100,actions=drop"
    ofctl add-flow "$BR" "priority=2,in_port=2,hard_timeout=200,actions=drop"
    r=$(add add-flow "$BR" "priority=3,in_port=3,hard_timeout=300,actions=drop")
    echo "table-mod: before: $r | $(flows)"
    ofctl -O OpenFlow14 mod-table "$BR" 0 evict
    r=$(add add-flow "$BR" "priority=3,in_port=3,hard_timeout=300,actions=drop")
    echo "table-mod evict: $r | $(flows)"
    ofctl -O OpenFlow14 mod-table "$BR" 0 noevict
    r=$(add add-flow "$BR" "priority=4,in_port=4,hard_timeout=300,actions=drop")
    echo "table-mod noevict: $r | $(flows)"

    vsctl clear bridge br0 flow_tables
    r=$(add add-flow "$BR" "priority=4,in_port=4,hard_timeout=300,actions=drop")
    echo "no Flow_Table: $r | $(flows)"
}

# The dump-tables line of table 0 as ovs-ofctl shows it (name and
# max_entries from the Flow_Table row).
table0() {
    ofctl dump-tables "$BR" | sed -n '/^  table 0/,/^$/p' |
        sed 's/lookup=[0-9]*, matched=[0-9]*//'
}

use nf
scenario > "$NF_TMP/nf.out" 2>&1
use ovs
scenario > "$NF_TMP/ovs.out" 2>&1
diag "nicflowd:" "$(cat "$NF_TMP/nf.out")"

# What nicflowd must have done, step by step.
expect() {
    local step=$1 want=$2
    local got
    got=$(grep -F "$step:" "$NF_TMP/nf.out" | head -1)
    if [ "${got#"$step": }" = "$want" ]; then
        ok "$step: $want"
    else
        fail "$step: $want"
        diag "got: $got"
    fi
}
expect "fill to the limit" "in_port=1 in_port=2 in_port=3 in_port=4 "
expect "refuse policy, fifth flow" \
    "refused | in_port=1 in_port=2 in_port=3 in_port=4 "
expect "refuse policy, modify in a full table" \
    "added | in_port=1 in_port=2 in_port=3 in_port=4 "
expect "refuse policy, replace a flow in a full table" \
    "added | in_port=1 in_port=2 in_port=3 in_port=4 "
expect "evict: fifth flow" "added | in_port=1 in_port=2 in_port=4 in_port=5 "
expect "evict: sixth flow" "added | in_port=1 in_port=4 in_port=5 in_port=6 "
expect "evict: importance protects" \
    "added | in_port=1 in_port=5 in_port=6 in_port=7 "
expect "flow_limit=2" "in_port=1 in_port=5 "
expect "evict, only permanent flows" "refused | in_port=1 in_port=8 "
expect "groups by in_port" "added | priority=1 priority=3 priority=4 priority=5 "
expect "table-mod: before" "refused | in_port=1 in_port=2 "
expect "table-mod evict" "added | in_port=2 in_port=3 "
expect "table-mod noevict" "refused | in_port=2 in_port=3 "
expect "no Flow_Table" "added | in_port=2 in_port=3 in_port=4 "

# And Open vSwitch 3.1 did the same.
if diff -u "$NF_TMP/ovs.out" "$NF_TMP/nf.out" > "$NF_TMP/diff"; then
    ok "every step leaves the same flows as Open vSwitch 3.1"
else
    fail "every step leaves the same flows as Open vSwitch 3.1"
    diag "$(cat "$NF_TMP/diff")"
fi

# Table statistics carry the name and the limit, as Open vSwitch's do.
for sw in nf ovs; do
    use $sw
    vsctl -- --id=@ft create Flow_Table flow_limit=3 name=small \
        -- set bridge br0 flow_tables:0=@ft > /dev/null
    table0 > "$NF_TMP/$SW.table0"
done
use nf
check_output "dump-tables names table 0 and gives its limit" 'small' \
    cat "$NF_TMP/nf.table0"
check_output "dump-tables: max_entries=3" 'max_entries=3' \
    cat "$NF_TMP/nf.table0"
if diff -u "$NF_TMP/ovs.table0" "$NF_TMP/nf.table0" > "$NF_TMP/diff0"; then
    ok "table 0's dump-tables entry is Open vSwitch 3.1's"
else
    fail "table 0's dump-tables entry is Open vSwitch 3.1's"
    diag "$(cat "$NF_TMP/diff0")"
fi

# OpenFlow 1.4 table descriptions say whether a table evicts, as Open
# vSwitch's do, for eviction from the database and from a table-mod.
desc0() {
    ofctl -O OpenFlow14 dump-table-desc "$BR" | sed -n '/table 0:/,/vacancy/p'
}
for sw in nf ovs; do
    use $sw
    vsctl set Flow_Table "$(ft_uuid)" overflow_policy=evict
    desc0 > "$NF_TMP/$sw.desc-db"
    vsctl set Flow_Table "$(ft_uuid)" overflow_policy=refuse
    ofctl -O OpenFlow14 mod-table "$BR" 0 evict
    desc0 > "$NF_TMP/$sw.desc-of"
    ofctl -O OpenFlow14 mod-table "$BR" 0 noevict
    desc0 > "$NF_TMP/$sw.desc-off"
done
use nf
check_output "dump-table-desc after mod-table evict: eviction=on" \
    'eviction=on' cat "$NF_TMP/nf.desc-of"
check_output "dump-table-desc after mod-table noevict: eviction=off" \
    'eviction=off' cat "$NF_TMP/nf.desc-off"
for k in db of off; do
    if diff -u "$NF_TMP/ovs.desc-$k" "$NF_TMP/nf.desc-$k" > "$NF_TMP/diff-$k"; then
        ok "dump-table-desc ($k) is Open vSwitch 3.1's"
    else
        fail "dump-table-desc ($k) is Open vSwitch 3.1's"
        diag "$(cat "$NF_TMP/diff-$k")"
    fi
done

# nicflow-ofctl's mod-table and dump-table-desc do what ovs-ofctl's do.
use nf
check "nicflow-ofctl -O OpenFlow14 mod-table BR 0 evict" \
    "$NF_BIN/nicflow-ofctl" -O OpenFlow14 mod-table "$BR" 0 evict
check_output "... and table 0 evicts (ovs-ofctl dump-table-desc)" \
    'eviction=on' desc0
"$NF_BIN/nicflow-ofctl" -O OpenFlow14 dump-table-desc "$BR" > "$NF_TMP/nf-desc"
ovs-ofctl -O OpenFlow14 dump-table-desc "$BR" > "$NF_TMP/ovs-desc"
check "nicflow-ofctl dump-table-desc prints what ovs-ofctl prints" \
    diff -u "$NF_TMP/ovs-desc" "$NF_TMP/nf-desc"
check "nicflow-ofctl -O OpenFlow14 mod-table BR all noevict" \
    "$NF_BIN/nicflow-ofctl" -O OpenFlow14 mod-table "$BR" all noevict
check_output "... and table 0 no longer evicts" 'eviction=off' desc0
check_fails "nicflow-ofctl mod-table evict needs OpenFlow 1.4" \
    "$NF_BIN/nicflow-ofctl" -O OpenFlow13 mod-table "$BR" 0 evict
check_output "... and says so" 'needs OpenFlow 1.4' \
    bash -c "'$NF_BIN/nicflow-ofctl' -O OpenFlow13 mod-table '$BR' 0 evict 2>&1; true"

# An evicted flow with send_flow_rem is reported to an OpenFlow 1.4
# monitor with reason eviction.
use nf
ofctl del-flows "$BR"
vsctl set Flow_Table "$(ft_uuid)" flow_limit=1 overflow_policy=evict
OVS_RUNDIR=$NF_TMP ovs-ofctl -O OpenFlow14 monitor "$BR" 65534 \
    > "$NF_TMP/monitor.out" 2>&1 &
mon=$!
on_exit "kill $mon 2>/dev/null"
sleep 0.5
ofctl add-flow "$BR" "priority=1,in_port=1,hard_timeout=100,send_flow_rem,actions=drop"
ofctl add-flow "$BR" "priority=2,in_port=2,hard_timeout=100,actions=drop"
evicted_reported() {
    grep -q 'OFPT_FLOW_REMOVED.*reason=eviction' "$NF_TMP/monitor.out"
}
check_eventually "flow-removed with reason=eviction reaches the monitor" 5 \
    evicted_reported
diag "$(cat "$NF_TMP/monitor.out")"
check_output "nicflowd logs nothing at warning level or worse about tables" \
    '^0$' bash -c "grep -c 'WARN.*table\|ERR' '$NICFLOW_LOGDIR/nicflowd.log'; true"
finish
