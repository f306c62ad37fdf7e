#!/bin/bash
# nicflow-ofctl's group, meter and --bundle commands against a real Open
# vSwitch 3.1 switch: groups and meters added, changed and deleted with
# nicflow-ofctl leave the switch as ovs-ofctl's would, in OpenFlow 1.3, 1.4
# and 1.5; the dumps print what ovs-ofctl prints; both programs send the
# same bytes (captured on a listening socket); bundles are atomic; error
# cases are explained.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3 ovs-vsctl ovs-ofctl ovs-vswitchd ovsdb-server ovsdb-tool
# The netdev bridge creates a tap device named after it: keep it in a
# network namespace of the test's own.
if [ -z "${NF_OFCTL_NS:-}" ]; then
    NF_OFCTL_NS=1 exec unshare -n bash "$0" "$@"
fi
make_tmpdir
. "$(dirname "$0")/ofctl/lib-ofctl.sh"

check "nicflow-ofctl is built" test -x "$OFCTL"
check_here "ovs-vswitchd 3.1 runs with bridge br0" start_ovs_switch br0
[ -S "$OVS_DIR/br0.mgmt" ] || { fail "no management socket"; finish; }
SW=unix:$OVS_DIR/br0.mgmt
VERSIONS="OpenFlow13 OpenFlow14 OpenFlow15"

# The group corpus: every group type; buckets with weights, watch ports and
# groups, explicit bucket ids and various actions; Open vSwitch's
# selection_method property with hashed fields (masked too) and a
# parameter, which only OpenFlow 1.5 carries (both programs leave it out
# in 1.3 and 1.4, so the switch's state must agree there as well).
cat > "$NF_TMP/groups.txt" <<'GROUPS'
group_id=1,type=all,bucket=output:1,bucket=output:2
group_id=2,type=select,bucket=weight:10,actions=output:1,bucket=weight:20,actions=output:2
group_id=3,type=indirect,bucket=actions=mod_vlan_vid:5,output:3
group_id=4,type=ff,bucket=watch_port:1,actions=output:1,bucket=watch_port:2,watch_group:1,actions=output:2
group_id=5,type=all
group_id=6,type=select,bucket=output:1
group_id=7,type=all,bucket=actions=group:1
# A comment line and a blank line, which add-groups skips.

group_id=8,type=select,selection_method=hash,fields(ip_src,nw_proto),bucket=output:1,bucket=output:2
group_id=9,type=select,selection_method=dp_hash,bucket=output:1
group_id=10,type=select,selection_method=hash,selection_method_param=7,fields(eth_dst=ff:ff:ff:00:00:00,tcp_src),bucket=output:1
group_id=11,type=all,bucket=bucket_id:5,actions=output:1,bucket=bucket_id:7,actions=output:2
group_id=12,type=all,bucket=actions=set_field:10.0.0.1->ip_src,output:1
group_id=13,type=ff,bucket=watch_group:7,actions=output:4
group_id=14,type=select,bucket=weight:0,watch_port:3,actions=push_vlan:0x8100,set_field:4103->vlan_vid,output:2
group_id=15,type=all,bucket=actions=set_queue:3,output:in_port,bucket=actions=dec_ttl,output:local
GROUPS
GROUP_FILE=$NF_TMP/groups.txt

# The switch's groups, read by ovs-ofctl in OpenFlow 1.5 (which shows
# bucket ids and selection methods), sorted.
groups() { ovs-ofctl -O OpenFlow15 dump-groups "$SW" | sort; }
# Masks what legitimately differs between two dumps: xids and durations.
mask() {
    sed -E 's/xid=0x[0-9a-f]+/xid=X/; s/duration([:=])[0-9.]+s/duration\1X/g'
}
# same_quietly WANT GOT ERRS: WANT and GOT are the same and ERRS is empty.
same_quietly() {
    diff -u "$1" "$2" && ! [ -s "$3" ] || { cat "$3"; return 1; }
}
reset_groups() {
    ovs-ofctl -O OpenFlow15 del-groups "$SW"
    ovs-ofctl -O OpenFlow15 add-groups "$SW" "$GROUP_FILE" || fail "reset groups"
}

for v in $VERSIONS; do
    ovs-ofctl -O OpenFlow15 del-groups "$SW"
    if ! ovs-ofctl -O $v add-groups "$SW" "$GROUP_FILE" 2>"$NF_TMP/err"; then
        fail "$v: ovs-ofctl add-groups of the corpus"
        diag "$(cat "$NF_TMP/err")"
        continue
    fi
    groups > "$NF_TMP/want.$v"
    ovs-ofctl -O OpenFlow15 del-groups "$SW"
    check "$v: nicflow-ofctl add-groups of the corpus" \
        "$OFCTL" -O $v add-groups "$SW" "$GROUP_FILE"
    groups > "$NF_TMP/got.$v"
    check "$v: the $(grep -c group_id "$NF_TMP/want.$v") groups added by \
nicflow-ofctl are ovs-ofctl's" diff -u "$NF_TMP/want.$v" "$NF_TMP/got.$v"
    # One group at a time, with add-group, gives the same state too.
    ovs-ofctl -O OpenFlow15 del-groups "$SW"
    grep '^group_id' "$GROUP_FILE" | while IFS= read -r g; do
        "$OFCTL" -O $v add-group "$SW" "$g" || echo "add-group $g failed"
    done > "$NF_TMP/err" 2>&1
    groups > "$NF_TMP/got.$v"
    check "$v: add-group of each group = ovs-ofctl's add-groups" \
        same_quietly "$NF_TMP/want.$v" "$NF_TMP/got.$v" "$NF_TMP/err"
    # The dumps, with the switch holding what ovs-ofctl added.
    reset_groups
    # Every group, with actions printed in the version's own view.
    for c in dump-groups "dump-groups 8" "dump-groups all" dump-group-stats \
        "dump-group-stats group_id=4" dump-group-features; do
        set -- $c
        ovs-ofctl -O $v $1 "$SW" ${2:-} | mask > "$NF_TMP/a"
        "$OFCTL" -O $v $1 "$SW" ${2:-} | mask > "$NF_TMP/b"
        check "$v: nicflow-ofctl $c prints ovs-ofctl's output" \
            diff -u "$NF_TMP/a" "$NF_TMP/b"
        [ "$c" = dump-groups ] && cp "$NF_TMP/b" "$NF_TMP/dump.$v"
    done
    check_output "$v: ... where dump-groups shows the groups" \
        'group_id=15,.*LOCAL' cat "$NF_TMP/dump.$v"
done
# The dump commands take their group argument as ovs-ofctl does:
# dump-groups a bare id, dump-group-stats group_id=N; check that the
# argument selects one group (it printing all would pass the comparisons
# above as long as ovs-ofctl did the same).
# only_group ID COMMAND...: COMMAND prints a header line and one line, of
# group ID.
only_group() {
    local id=$1; shift
    "$@" > "$NF_TMP/one" || return 1
    [ "$(wc -l < "$NF_TMP/one")" = 2 ] && grep -q "^ group_id=$id," "$NF_TMP/one"
}
check "dump-groups 8 (OpenFlow 1.5) shows group 8 only" \
    only_group 8 "$OFCTL" -O OpenFlow15 dump-groups "$SW" 8
check "dump-group-stats group_id=4 shows group 4 only" \
    only_group 4 "$OFCTL" -O OpenFlow13 dump-group-stats "$SW" group_id=4

# Changes: the same command from either program leaves the switch in the
# same state, starting from the corpus.
SE_STDIN=/dev/null
same_effect() {
    local name=$1; shift
    reset_groups
    ovs-ofctl "$@" >/dev/null 2>"$NF_TMP/err.a" <"$SE_STDIN"
    local rc_a=$?
    groups > "$NF_TMP/a"
    reset_groups
    "$OFCTL" "$@" >/dev/null 2>"$NF_TMP/err.b" <"$SE_STDIN"
    local rc_b=$?
    groups > "$NF_TMP/b"
    if [ $rc_a != $rc_b ]; then
        fail "$name: exit status $rc_b, ovs-ofctl's $rc_a"
        diag "$(cat "$NF_TMP/err.a" "$NF_TMP/err.b")"
    elif cmp -s "$NF_TMP/a" "$NF_TMP/b"; then
        ok "$name"
    else
        fail "$name"
        diag "$(diff -u "$NF_TMP/a" "$NF_TMP/b")"
    fi
}
for v in $VERSIONS; do
    same_effect "$v mod-group to another type" -O $v mod-group "$SW" \
        "group_id=1,type=select,bucket=weight:5,actions=output:3"
    same_effect "$v mod-group of a missing group fails alike" -O $v \
        mod-group "$SW" "group_id=99,type=all,bucket=output:1"
    same_effect "$v del-groups group_id=2" -O $v del-groups "$SW" group_id=2
    same_effect "$v del-groups (all)" -O $v del-groups "$SW"
    same_effect "$v add-group of an existing group fails alike" -O $v \
        add-group "$SW" "group_id=3,type=all,bucket=output:9"
done
echo "group_id=50,type=all,bucket=output:5" > "$NF_TMP/g50.txt"
SE_STDIN=$NF_TMP/g50.txt
same_effect "add-group from stdin" -O OpenFlow13 add-group "$SW" -
SE_STDIN=/dev/null
for b in "command_bucket_id=first,bucket=bucket_id:9,actions=output:9" \
    "command_bucket_id=last,bucket=output:8,bucket=output:7" \
    "command_bucket_id=7,bucket=bucket_id:6,actions=output:6"; do
    same_effect "OpenFlow15 insert-buckets $b" -O OpenFlow15 \
        insert-buckets "$SW" "group_id=11,$b"
done
for b in command_bucket_id=all command_bucket_id=first \
    command_bucket_id=last command_bucket_id=5; do
    same_effect "OpenFlow15 remove-buckets $b" -O OpenFlow15 \
        remove-buckets "$SW" "group_id=11,$b"
done
same_effect "OpenFlow15 mod-group with a selection method" -O OpenFlow15 \
    mod-group "$SW" "group_id=6,type=select,selection_method=hash,fields(tcp_dst),bucket=output:2"
# add-groups lines may start with a command, as in ovs-ofctl.
cat > "$NF_TMP/mixed.txt" <<'MIXED'
group_id=60,type=all,bucket=output:1
modify group_id=1,type=all,bucket=output:4
delete group_id=2
add_or_mod group_id=61,type=indirect,bucket=output:2
add_or_mod group_id=3,type=indirect,bucket=output:2
insert_bucket group_id=11,command_bucket_id=last,bucket=output:3
remove_bucket group_id=8,command_bucket_id=0
MIXED
same_effect "OpenFlow15 add-groups with a command on each line" \
    -O OpenFlow15 add-groups "$SW" "$NF_TMP/mixed.txt"
printf 'group_id=70,type=all\ngroup_id=1,type=all\ngroup_id=71,type=all\n' \
    > "$NF_TMP/refused.txt"
same_effect "add-groups stops at the first refused group" -O OpenFlow13 \
    add-groups "$SW" "$NF_TMP/refused.txt"

# Meters.  The netdev bridge's meters accept drop bands only (see
# meter-features: band_types: drop); dscp_remark bands are refused by
# this switch, so for those the test compares the refusal and the bytes
# sent instead of the switch's state.
ovs-ofctl -O OpenFlow13 meter-features "$SW" > "$NF_TMP/mf"
check_output "the switch has drop-band meters" 'band_types: drop' \
    cat "$NF_TMP/mf"
cat > "$NF_TMP/meters.txt" <<'METERS'
meter=1,kbps,bands=type=drop,rate=1000
meter=2,pktps,burst,stats,bands=type=drop,rate=100,burst_size=50
meter=3,kbps,stats,bands=type=drop,rate=500,type=drop,rate=1000
meter=4,burst,kbps,bands=type=drop,rate=10,burst_size=5
meter=5,pktps,bands=type=drop,rate=1,type=drop,rate=2,burst_size=0
METERS
meters() { ovs-ofctl -O OpenFlow13 dump-meters "$SW" | sed 1d | sort; }
add_meters() {
    local prog=$1 v=$2 m
    while IFS= read -r m; do
        "$prog" -O $v add-meter "$SW" "$m" || echo "add-meter $m failed"
    done < "$NF_TMP/meters.txt"
}
for v in $VERSIONS; do
    ovs-ofctl -O OpenFlow13 del-meters "$SW"
    add_meters ovs-ofctl $v > "$NF_TMP/err" 2>&1
    meters > "$NF_TMP/want"
    ovs-ofctl -O OpenFlow13 del-meters "$SW"
    add_meters "$OFCTL" $v >> "$NF_TMP/err" 2>&1
    meters > "$NF_TMP/got"
    check "$v: meters added by nicflow-ofctl are ovs-ofctl's" \
        same_quietly "$NF_TMP/want" "$NF_TMP/got" "$NF_TMP/err"
    check_output "$v: the switch holds the 5 meters" '^5$' \
        bash -c "grep -c '^meter=' '$NF_TMP/got'"
    for c in dump-meters "dump-meters meter=3" meter-stats \
        "meter-stats meter=2" meter-features; do
        set -- $c
        ovs-ofctl -O $v $1 "$SW" ${2:-} | mask > "$NF_TMP/a"
        "$OFCTL" -O $v $1 "$SW" ${2:-} | mask > "$NF_TMP/b"
        check "$v: nicflow-ofctl $c prints ovs-ofctl's output" \
            diff -u "$NF_TMP/a" "$NF_TMP/b"
    done
    check_output "$v: ... which shows the meters" 'band_types: drop' \
        cat "$NF_TMP/b"
done
meter_effect() {
    local name=$1; shift
    ovs-ofctl -O OpenFlow13 del-meters "$SW"; add_meters ovs-ofctl OpenFlow13
    ovs-ofctl "$@" 2>/dev/null; meters > "$NF_TMP/a"
    ovs-ofctl -O OpenFlow13 del-meters "$SW"; add_meters ovs-ofctl OpenFlow13
    "$OFCTL" "$@" 2>/dev/null; meters > "$NF_TMP/b"
    check "$name" diff -u "$NF_TMP/a" "$NF_TMP/b"
}
meter_effect "mod-meter" -O OpenFlow13 mod-meter "$SW" \
    "meter=2,kbps,bands=type=drop,rate=7"
meter_effect "del-meters meter=3" -O OpenFlow14 del-meters "$SW" meter=3
meter_effect "del-meters (all)" -O OpenFlow15 del-meters "$SW"
ovs-ofctl -O OpenFlow13 add-meter "$SW" \
    "meter=9,pktps,bands=type=dscp_remark,rate=100,prec_level=1" \
    2>&1 | mask > "$NF_TMP/a"
"$OFCTL" -O OpenFlow13 add-meter "$SW" \
    "meter=9,pktps,bands=type=dscp_remark,rate=100,prec_level=1" \
    2>&1 | mask > "$NF_TMP/b"
check_output "a dscp_remark band is refused with the switch's error" \
    'OFPMMFC_BAD_BAND' cat "$NF_TMP/b"
check "... the error ovs-ofctl gets" \
    diff <(head -1 "$NF_TMP/a") <(head -1 "$NF_TMP/b")

# --bundle: flows in one atomic bundle, with OpenFlow 1.4 bundles and the
# OpenFlow 1.3 ONF extension, and with no -O (ovs-ofctl then allows
# OpenFlow 1.4 by itself).
printf 'priority=6,ip,actions=drop\npriority=7,tcp,actions=output:3\ntable=2,arp,actions=normal\n' \
    > "$NF_TMP/good.txt"
printf 'priority=8,ip,actions=drop\npriority=9,ip,actions=group:77\n' \
    > "$NF_TMP/bad.txt"
flows() { ovs-ofctl -O OpenFlow13 --no-stats dump-flows "$SW" | sort; }
for opts in "-O OpenFlow14" "-O OpenFlow13" "" "-O OpenFlow10"; do
    ovs-ofctl -O OpenFlow13 del-flows "$SW"
    ovs-ofctl $opts --bundle add-flows "$SW" "$NF_TMP/good.txt"
    flows > "$NF_TMP/a"
    ovs-ofctl -O OpenFlow13 del-flows "$SW"
    check "--bundle ${opts:-(no -O)} add-flows succeeds" \
        "$OFCTL" $opts --bundle add-flows "$SW" "$NF_TMP/good.txt"
    flows > "$NF_TMP/b"
    check "--bundle ${opts:-(no -O)} add-flows = ovs-ofctl's" \
        diff -u "$NF_TMP/a" "$NF_TMP/b"
done
check_output "... which added the 3 flows" '^3$' \
    bash -c "grep -c actions= '$NF_TMP/b'"
for v in OpenFlow14 OpenFlow13; do
    ovs-ofctl -O $v --bundle add-flows "$SW" "$NF_TMP/bad.txt" 2>&1 |
        mask > "$NF_TMP/a"
    flows > "$NF_TMP/before"
    check_fails "$v: a bundle with a bad flow fails" \
        "$OFCTL" -O $v --bundle add-flows "$SW" "$NF_TMP/bad.txt"
    flows > "$NF_TMP/after"
    check "$v: ... and adds nothing (not even its good flow)" \
        diff -u "$NF_TMP/before" "$NF_TMP/after"
    "$OFCTL" -O $v --bundle add-flows "$SW" "$NF_TMP/bad.txt" 2>&1 |
        mask | sed 's/^nicflow-ofctl:/ovs-ofctl:/' > "$NF_TMP/b"
    check_output "$v: ... and names the bad flow and its error" \
        'Error OFPBAC_BAD_OUT_GROUP for: .*FLOW_MOD.*group:77' \
        cat "$NF_TMP/b"
    check "$v: ... as ovs-ofctl does" diff -u "$NF_TMP/a" "$NF_TMP/b"
done
printf 'priority=1,actions=drop\n' > "$NF_TMP/one.txt"
same_flows_effect() {
    local name=$1; shift
    ovs-ofctl -O OpenFlow13 del-flows "$SW"
    ovs-ofctl -O OpenFlow13 add-flows "$SW" "$NF_TMP/good.txt"
    ovs-ofctl "$@"; flows > "$NF_TMP/a"
    ovs-ofctl -O OpenFlow13 del-flows "$SW"
    ovs-ofctl -O OpenFlow13 add-flows "$SW" "$NF_TMP/good.txt"
    "$OFCTL" "$@"; flows > "$NF_TMP/b"
    check "$name" diff -u "$NF_TMP/a" "$NF_TMP/b"
}
same_flows_effect "--bundle replace-flows = ovs-ofctl's" -O OpenFlow14 \
    --bundle replace-flows "$SW" "$NF_TMP/one.txt"
printf 'group_id=80,type=all,bucket=output:1\ngroup_id=81,type=ff,bucket=watch_port:1,output:1\n' \
    > "$NF_TMP/bg.txt"
same_effect "--bundle add-groups = ovs-ofctl's" -O OpenFlow14 --bundle \
    add-groups "$SW" "$NF_TMP/bg.txt"
check_output "... which added groups 80 and 81" 'group_id=81,' cat "$NF_TMP/b"
printf 'group_id=82,type=all\ngroup_id=1,type=all\n' > "$NF_TMP/bg-bad.txt"
same_effect "--bundle add-groups with a refused group changes nothing" \
    -O OpenFlow13 --bundle add-groups "$SW" "$NF_TMP/bg-bad.txt"
check "... not even its good group" bash -c "! grep -q group_id=82, '$NF_TMP/b'"

# The bytes on the wire: each program talks to a recorder of its own.
check_here "recorder for ovs-ofctl listens" start_recorder rovs
check_here "recorder for nicflow-ofctl listens" start_recorder rnf
wire_same() {
    local name=$1 n0 n1; shift
    n0=$(wc -l < "$NF_TMP/rovs.out")
    n1=$(wc -l < "$NF_TMP/rnf.out")
    ovs-ofctl "${@//@R@/unix:$NF_TMP/rovs.sock}" >/dev/null 2>&1
    "$OFCTL" "${@//@R@/unix:$NF_TMP/rnf.sock}" >/dev/null 2>&1
    recorded rovs "$n0" > "$NF_TMP/w1"
    recorded rnf "$n1" > "$NF_TMP/w2"
    if [ -s "$NF_TMP/w1" ]; then
        check "wire: $name" diff -u "$NF_TMP/w1" "$NF_TMP/w2"
    else
        fail "wire: $name: ovs-ofctl sent nothing"
    fi
}
R=@R@
for v in $VERSIONS; do
    wire_same "$v add-groups of the corpus" -O $v add-groups "$R" "$GROUP_FILE"
    wire_same "$v mod-group" -O $v mod-group "$R" \
        "group_id=2,type=select,bucket=weight:3,watch_port:2,actions=output:2"
    wire_same "$v del-groups group_id=2" -O $v del-groups "$R" group_id=2
    wire_same "$v del-groups" -O $v del-groups "$R"
    wire_same "$v dump-groups" -O $v dump-groups "$R"
    wire_same "$v dump-groups 5" -O $v dump-groups "$R" 5
    wire_same "$v dump-group-stats group_id=5" -O $v dump-group-stats "$R" \
        group_id=5
    wire_same "$v dump-group-features" -O $v dump-group-features "$R"
    while IFS= read -r m; do
        wire_same "$v add-meter $m" -O $v add-meter "$R" "$m"
    done < "$NF_TMP/meters.txt"
    wire_same "$v add-meter with a dscp_remark band" -O $v add-meter "$R" \
        "meter=9,pktps,bands=type=dscp_remark,rate=100,prec_level=1"
    wire_same "$v mod-meter" -O $v mod-meter "$R" \
        "meter=2,kbps,bands=type=drop,rate=7"
    wire_same "$v del-meters meter=3" -O $v del-meters "$R" meter=3
    wire_same "$v del-meters" -O $v del-meters "$R"
    wire_same "$v dump-meters meter=3" -O $v dump-meters "$R" meter=3
    wire_same "$v meter-stats" -O $v meter-stats "$R"
    wire_same "$v meter-features" -O $v meter-features "$R"
done
wire_same "OpenFlow15 insert-buckets" -O OpenFlow15 insert-buckets "$R" \
    "group_id=11,command_bucket_id=first,bucket=bucket_id:9,actions=output:9"
wire_same "OpenFlow15 remove-buckets" -O OpenFlow15 remove-buckets "$R" \
    "group_id=11,command_bucket_id=5"

# Errors.
check_output "a bad group type is named" 'bogus' \
    bash -c "'$OFCTL' -O OpenFlow13 add-group '$SW' 'group_id=1,type=bogus' 2>&1; true"
check_output "a group without an id is refused" 'must specify a group_id' \
    bash -c "'$OFCTL' -O OpenFlow13 add-group '$SW' 'type=all' 2>&1; true"
check_output "a bad line of a group file is located" 'groups-bad.txt:2: ' \
    bash -c "printf 'group_id=1,type=all\ngroup_id=2,type=nope\n' > '$NF_TMP/groups-bad.txt'; '$OFCTL' -O OpenFlow13 add-groups '$SW' '$NF_TMP/groups-bad.txt' 2>&1; true"
check_fails "a bad group fails" \
    "$OFCTL" -O OpenFlow13 add-group "$SW" "group_id=1,type=bogus"
check_output "groups in OpenFlow 1.0 are refused with advice" \
    'needs OpenFlow 1.1 or later.*-O OpenFlow13' \
    bash -c "'$OFCTL' -O OpenFlow10 add-group '$SW' 'group_id=1,type=all' 2>&1; true"
check_fails "... with a failing exit status" \
    "$OFCTL" dump-groups "$SW"
check_output "insert-buckets in OpenFlow 1.3 is refused as by ovs-ofctl" \
    "insert-bucket needs OpenFlow 1.5 or later \('-O OpenFlow15'\)" \
    bash -c "'$OFCTL' -O OpenFlow13 insert-buckets '$SW' 'group_id=11,command_bucket_id=last,bucket=output:2' 2>&1; true"
check_output "an existing group prints the switch's OFPT_ERROR" \
    'OFPT_ERROR.*OFPGMFC_GROUP_EXISTS' \
    bash -c "'$OFCTL' -O OpenFlow13 add-group '$SW' 'group_id=1,type=all' 2>&1; '$OFCTL' -O OpenFlow13 add-group '$SW' 'group_id=1,type=all' 2>&1; true"
ovs-ofctl meter-features "$SW" 2>&1 | sed 's/^ovs-ofctl: //' > "$NF_TMP/a"
check_output "meters in OpenFlow 1.0 are refused as by ovs-ofctl" \
    "^nicflow-ofctl: $(sed 's/[()]/\\&/g' "$NF_TMP/a")" \
    bash -c "'$OFCTL' meter-features '$SW' 2>&1; true"
check_output "a bad meter is named" 'bandz|unknown|invalid' \
    bash -c "'$OFCTL' -O OpenFlow13 add-meter '$SW' 'meter=1,kbps,bandz=type=drop,rate=1' 2>&1; true"
# --may-create: mod-group of a missing group adds it (Open vSwitch's
# add-or-modify), where a plain mod-group is refused.
check_fails "mod-group of a missing group is refused" \
    "$OFCTL" -O OpenFlow13 mod-group "$SW" "group_id=777,type=all,bucket=output:1"
check "--may-create mod-group adds it" "$OFCTL" -O OpenFlow13 --may-create \
    mod-group "$SW" "group_id=777,type=all,bucket=output:1"
check_output "... and the switch has it" 'group_id=777,type=all' \
    ovs-ofctl -O OpenFlow13 dump-groups "$SW" 777
finish
