#!/bin/bash
# Geneve option mappings (TLV table) on nicflowd against a real Open vSwitch
# 3.1: the same script of add-tlv-map, dump-tlv-map, del-tlv-map and flows
# on tun_metadata, run with ovs-ofctl 3.1 and with nicflow-ofctl against
# nicflowd (with nicflow-dbd) and against ovs-vswitchd 3.1, must print the
# same thing (xids normalised): errors included (already mapped, duplicate
# option, bad length, bad index, table full, flow on an unmapped field,
# mapping in use).  A few assertions on nicflowd alone say what the
# transcript is expected to contain, so a change on both sides is noticed.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl ovs-ofctl ovs-vswitchd ovsdb-server ovsdb-tool
# Both switches make a tap device for their netdev bridge br0: Open
# vSwitch's lives in this test's own network namespace, nicflowd's in
# another one made below.
if [ -z "${NF_TLV_NS:-}" ]; then
    NF_TLV_NS=1 exec unshare -n bash "$0" "$@"
fi
ip link set lo up
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"
. "$(dirname "$0")/ofctl/lib-ofctl.sh"

check "nicflow-ofctl is built" test -x "$OFCTL"
check_here "ovs-vswitchd 3.1 runs with bridge br0" start_ovs_switch br0
OVS_SW=unix:$OVS_DIR/br0.mgmt

add_netns sw && nsw=$NETNS || { fail "create a namespace"; finish; }
DB=unix:$NICFLOW_RUNDIR/db.sock
check "create the database" create_db "$NICFLOW_DBDIR/conf.db"
check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"
ovs-vsctl --db="$DB" --no-wait init
check "nicflowd starts" ip netns exec "$nsw" "$NF_BIN/nicflowd" "$DB" \
    --detach --pidfile --log-file
on_exit "stop_daemon nicflowd"
check "nicflowd has bridge br0" ovs-vsctl --db="$DB" --timeout=20 \
    add-br br0 -- set Bridge br0 datapath_type=netdev
NF_SW=unix:$NICFLOW_RUNDIR/br0.mgmt
for i in $(seq 50); do
    [ -S "$NICFLOW_RUNDIR/br0.mgmt" ] && break
    sleep 0.1
done

# step TOOL SWITCH ARGS...: runs one command, prints it, its output (the
# log lines ovs-ofctl writes while printing a message that does not decode
# left out) and its exit status, with xids and the program name made
# neutral.
step() {
    local tool=$1 sw=$2
    shift 2
    echo "\$ $*"
    "$tool" "${@/SW/$sw}" 2>&1 | grep -v '|WARN|' |
        sed -e 's/xid=0x[0-9a-f]*/xid=X/g' -e 's/^[a-z-]*ofctl: /ofctl: /'
    echo "rc=${PIPESTATUS[0]}"
}

# flows TOOL SWITCH [VERSION]: the switch's flows, sorted.  Open vSwitch
# shows the reset_counts flag in OpenFlow 1.3+ dumps of flows added in
# OpenFlow 1.0; nicflowd does not keep it (a difference unrelated to
# tunnel metadata), so it is left out.
flows() {
    echo "\$ dump-flows ${3:-}"
    "$1" ${3:+-O $3} --no-stats dump-flows "$2" | sed 's/reset_counts //' |
        sort
}

# settle SWITCH: Open vSwitch drops a deleted flow's hold on its TLV
# mappings only when the flow is freed, after an RCU grace period, so a
# del-tlv-map right after del-flows can still find the mapping in use
# there.  Give ovs-vswitchd that moment; nicflowd releases the mappings
# as part of the delete and needs none.
settle() {
    [ "$1" = "$OVS_SW" ] && sleep 1
    return 0
}

M0='{class=0xffff,type=0,len=4}->tun_metadata0'
M1='{class=0x102,type=0x80,len=8}->tun_metadata1'
M63='{class=0xffff,type=0xff,len=124}->tun_metadata63'

# script TOOL SWITCH: the whole scenario.
script() {
    local t=$1 sw=$2 v
    step "$t" "$sw" del-flows SW
    step "$t" "$sw" dump-tlv-map SW
    # Before any mapping, a flow on tun_metadata0 is refused.
    step "$t" "$sw" add-flow SW 'tun_metadata0=1,actions=drop'
    step "$t" "$sw" add-tlv-map SW "$M0,$M1"
    step "$t" "$sw" add-tlv-map SW "$M63"
    for v in OpenFlow10 OpenFlow13 OpenFlow14 OpenFlow15; do
        step "$t" "$sw" -O $v dump-tlv-map SW
    done
    # The errors of a mod, each refusing the whole message.
    step "$t" "$sw" add-tlv-map SW '{class=0xffff,type=9,len=4}->tun_metadata0'
    step "$t" "$sw" add-tlv-map SW '{class=0xffff,type=0,len=4}->tun_metadata5'
    step "$t" "$sw" add-tlv-map SW '{class=1,type=1,len=4}->tun_metadata6,{class=1,type=2,len=4}->tun_metadata6'
    step "$t" "$sw" add-tlv-map SW '{class=1,type=1,len=6}->tun_metadata6'
    step "$t" "$sw" add-tlv-map SW '{class=1,type=1,len=128}->tun_metadata6'
    step "$t" "$sw" add-tlv-map SW '{class=1,type=1,len=4}->tun_metadata64'
    step "$t" "$sw" add-tlv-map SW '{class=1,type=1,len=120}->tun_metadata6,{class=1,type=2,len=4}->tun_metadata7'
    step "$t" "$sw" add-tlv-map SW '{class=1,type=1,len=4}->tun_metadata6,'
    step "$t" "$sw" -O OpenFlow13 dump-tlv-map SW
    # Flows on mapped fields, values shorter and longer than the option.
    step "$t" "$sw" add-flow SW 'priority=1,tun_metadata0=1,actions=drop'
    step "$t" "$sw" add-flow SW 'priority=2,tun_metadata0=0x1234567890,actions=drop'
    step "$t" "$sw" add-flow SW 'priority=3,tun_metadata1=0x12/0xf0,actions=drop'
    step "$t" "$sw" add-flow SW 'priority=4,tun_metadata0=0,tun_metadata63=0xabcdef,actions=output:1'
    step "$t" "$sw" add-flow SW 'priority=5,tun_metadata0=0x1,tun_metadata1=0x2,actions=drop'
    step "$t" "$sw" -O OpenFlow13 add-flow SW 'priority=6,tun_metadata1=0x1122334455667788,actions=drop'
    step "$t" "$sw" add-flow SW 'priority=7,actions=set_field:0x1234->tun_metadata1'
    step "$t" "$sw" add-flow SW 'priority=8,actions=move:tun_metadata0[0..31]->NXM_NX_REG0[]'
    step "$t" "$sw" add-flow SW 'priority=9,actions=load:1->tun_metadata0[40]'
    step "$t" "$sw" add-flow SW 'priority=10,actions=set_field:0x1234567890->tun_metadata0'
    # Refused: unmapped fields, bits past the option.
    step "$t" "$sw" add-flow SW 'priority=20,tun_metadata2=1,actions=drop'
    step "$t" "$sw" add-flow SW 'priority=21,actions=set_field:1->tun_metadata2'
    step "$t" "$sw" add-flow SW 'priority=22,actions=move:tun_metadata0[32..63]->NXM_NX_REG0[]'
    step "$t" "$sw" add-flow SW 'priority=23,actions=move:tun_metadata3[0..7]->NXM_NX_REG0[0..7]'
    for v in OpenFlow10 OpenFlow13 OpenFlow15; do
        flows "$t" "$sw" $v
    done
    # Mappings in use cannot go.
    step "$t" "$sw" del-tlv-map SW "$M0"
    step "$t" "$sw" del-tlv-map SW
    step "$t" "$sw" dump-tlv-map SW
    # Non-strict and strict deletes select on tunnel metadata too.
    step "$t" "$sw" del-flows SW 'tun_metadata0=1'
    flows "$t" "$sw"
    step "$t" "$sw" --strict del-flows SW 'priority=3,tun_metadata1=0x12/0xf0'
    step "$t" "$sw" --strict del-flows SW 'priority=4,tun_metadata0=0'
    flows "$t" "$sw"
    step "$t" "$sw" del-flows SW
    settle "$sw"
    # Unused, they go: unmapped fields in a delete are ignored.
    step "$t" "$sw" del-tlv-map SW "$M0,{class=0,type=0,len=0}->tun_metadata9"
    step "$t" "$sw" dump-tlv-map SW
    step "$t" "$sw" add-flow SW 'tun_metadata0=1,actions=drop'
    step "$t" "$sw" del-tlv-map SW
    step "$t" "$sw" -O OpenFlow15 dump-tlv-map SW
}

script ovs-ofctl "$OVS_SW" > "$NF_TMP/ovs.txt"
script ovs-ofctl "$NF_SW" > "$NF_TMP/nf.txt"
script "$OFCTL" "$NF_SW" > "$NF_TMP/nf-nf.txt"
script "$OFCTL" "$OVS_SW" > "$NF_TMP/ovs-nf.txt"

same() {
    local name=$1 a=$2 b=$3
    if diff -u "$NF_TMP/$a" "$NF_TMP/$b" > "$NF_TMP/diff"; then
        ok "$name"
    else
        fail "$name"
        diag "$(cat "$NF_TMP/diff")"
    fi
}
same "ovs-ofctl: nicflowd answers as ovs-vswitchd 3.1" ovs.txt nf.txt
same "nicflow-ofctl prints what ovs-ofctl prints (nicflowd)" nf.txt nf-nf.txt
same "nicflow-ofctl prints what ovs-ofctl prints (ovs-vswitchd)" ovs.txt ovs-nf.txt

# What the transcript must hold, on nicflowd.
T=$NF_TMP/nf.txt
has() { grep -qF -- "$2" "$T" && ok "$1" || { fail "$1"; diag "missing: $2"; }; }
has "a flow on an unmapped field is refused" \
    'OFPT_ERROR (xid=X): NXFMFC_INVALID_TLV_FIELD'
has "a mapped field can be matched" ' priority=1,tun_metadata0=0x1 actions=drop'
has "a longer value keeps its leading bytes" \
    ' priority=2,tun_metadata0=0x12345678 actions=drop'
has "a mapping in use cannot be deleted" \
    'OFPT_ERROR (xid=X): NXTTMFC_INVALID_TLV_DEL'
has "an option mapped twice is refused" 'OFPT_ERROR (xid=X): NXTTMFC_DUP_ENTRY'
has "a field mapped twice is refused" \
    'OFPT_ERROR (xid=X): NXTTMFC_ALREADY_MAPPED'
has "a full table is refused" 'OFPT_ERROR (xid=X): NXTTMFC_TABLE_FULL'
has "the reply lists the mappings" \
    '  0x102  0x80       8  tun_metadata1'
has "allocated space is reported" ' allocated option space=136'

# The bytes both programs send for the mod commands are the same.
check_here "recorder for ovs-ofctl listens" start_recorder rovs
check_here "recorder for nicflow-ofctl listens" start_recorder rnf
for v in OpenFlow10 OpenFlow13; do
    ovs-ofctl -O $v add-tlv-map "unix:$NF_TMP/rovs.sock" "$M0,$M63" 2>/dev/null
    ovs-ofctl -O $v del-tlv-map "unix:$NF_TMP/rovs.sock" "$M0" 2>/dev/null
    ovs-ofctl -O $v del-tlv-map "unix:$NF_TMP/rovs.sock" 2>/dev/null
    "$OFCTL" -O $v add-tlv-map "unix:$NF_TMP/rnf.sock" "$M0,$M63" 2>/dev/null
    "$OFCTL" -O $v del-tlv-map "unix:$NF_TMP/rnf.sock" "$M0" 2>/dev/null
    "$OFCTL" -O $v del-tlv-map "unix:$NF_TMP/rnf.sock" 2>/dev/null
done
recorded rovs 0 > "$NF_TMP/w1"
recorded rnf 0 > "$NF_TMP/w2"
if [ -s "$NF_TMP/w1" ] && cmp -s "$NF_TMP/w1" "$NF_TMP/w2"; then
    ok "add-tlv-map and del-tlv-map send ovs-ofctl's bytes"
else
    fail "add-tlv-map and del-tlv-map send ovs-ofctl's bytes"
    diag "$(diff "$NF_TMP/w1" "$NF_TMP/w2")"
fi

finish
