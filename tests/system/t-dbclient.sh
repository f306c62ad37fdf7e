#!/bin/bash
# nicflow-dbclient, the ovsdb-client replacement: its output compared with
# ovsdb-client 3.1's for the same commands against the same server (both
# nicflow-dbd and ovsdb-server 3.1, holding the same data), monitor,
# transact and query, lock, backup (checked and queried with
# nicflow-dbtool), and error cases.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3 ovs-vsctl ovsdb-client ovsdb-server ovsdb-tool
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

C=$NF_BIN/nicflow-dbclient
check "nicflow-dbclient is built" test -x "$C"
check_here "ovsdb-server 3.1 starts" start_ovsdb_server
check "create the nicflow database" create_db "$NICFLOW_DBDIR/conf.db"
check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"
D=unix:$DBD_SOCK
O=unix:$OVS_SOCK

vsctl() { local r=$1; shift; ovs-vsctl --no-wait --timeout=10 --db="$r" "$@"; }

for r in "$O" "$D"; do
    vsctl "$r" init -- add-br br0 -- add-port br0 p1 tag=10 \
        -- add-br br1 -- set Bridge br1 fail_mode=secure flood_vlans=1,2 \
        -- br-set-external-id br0 owner "a test" \
        -- set Bridge br0 other_config:k=v datapath_type='"x y"' \
        || fail "setup on $r"
done

# same NAME SORT ARGS...: nicflow-dbclient ARGS and ovsdb-client ARGS (@R@
# is the remote) print the same, and succeed, against both servers (with
# SORT=sort, after sorting lines: hash-ordered output).
same() {
    local name=$1 sort=$2; shift 2
    local r a b ra rb bad=
    for r in "$O" "$D"; do
        a=$(ovsdb-client "${@//@R@/$r}" 2>&1); ra=$?
        b=$("$C" "${@//@R@/$r}" 2>&1); rb=$?
        if [ "$sort" = sort ]; then
            a=$(sort <<<"$a"); b=$(sort <<<"$b")
        fi
        if [ "$ra" != 0 ] || [ "$rb" != 0 ] || [ "$a" != "$b" ] ||
           [ -z "$a" ]; then
            bad=1
            diag "server $r" "ovsdb-client (status $ra):" "$a" \
                 "nicflow-dbclient (status $rb):" "$b"
        fi
    done
    if [ -z "$bad" ]; then ok "$name"; else fail "$name"; fi
}

same "list-dbs" - list-dbs @R@
same "get-schema-version" - get-schema-version @R@
same "get-schema-cksum" - get-schema-cksum @R@ Open_vSwitch
same "list-tables" sort list-tables @R@
same "list-columns TABLE" sort list-columns @R@ Bridge
same "list-columns DB TABLE" sort list-columns @R@ Open_vSwitch Port
same "list-columns (all tables)" sort list-columns @R@
same "dump TABLE COLUMNS (table format)" - \
    dump @R@ Bridge name fail_mode flood_vlans external_ids other_config \
    datapath_type
same "dump --format=csv" - --format=csv dump @R@ Open_vSwitch Bridge name \
    external_ids other_config datapath_type flood_vlans
same "dump --format=json" - --format=json dump @R@ Port name tag trunks
same "dump --format=list" - --format=list dump @R@ Bridge name fail_mode
same "dump --no-headings" - --no-headings dump @R@ Bridge name flood_vlans
same "transact" - transact @R@ \
    '["Open_vSwitch",{"op":"select","table":"Bridge","where":[["name","==","br1"]],"columns":["name","fail_mode"]}]'

# dump of a whole table, uuids normalised (each server makes its own).
norm_uuids() { sed -E 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/UUID/g'; }
a=$(ovsdb-client dump "$O" Bridge | norm_uuids)
b=$("$C" dump "$D" Bridge | norm_uuids)
if [ -n "$a" ] && [ "$a" = "$b" ]; then
    ok "dump TABLE: nicflow-dbd via nicflow-dbclient = ovsdb-server via ovsdb-client"
else
    fail "dump TABLE: nicflow-dbd via nicflow-dbclient = ovsdb-server via ovsdb-client"
    diag "$a" "---" "$b"
fi
check_output "dump table layout" \
    '^Bridge table
_uuid +auto_attach .*
-{36} -{11} .*' "$C" dump "$D" Bridge

# query: the reply without the abort's, and nothing changes.  (Open_vSwitch
# is the root table: a lone Bridge would be garbage-collected anyway.)
upd() {
    echo '["Open_vSwitch",{"op":"update","table":"Open_vSwitch","where":[],"row":{"external_ids":["map",[["'"$1"'","yes"]]]}}]'
}
check_output "query replies like transact, without the abort" \
    '^\[\{"count":1\}\]$' "$C" query "$D" "$(upd qq)"
check_output "query changed nothing" '^\{\}$' \
    "$C" --format=csv --no-headings dump "$D" Open_vSwitch Open_vSwitch external_ids
check_output "transact replies" '^\[\{"count":1\}\]$' \
    "$C" transact "$D" "$(upd tt)"
check_output "transact committed" '^\{tt=yes\}$' \
    "$C" --format=csv --no-headings dump "$D" Open_vSwitch Open_vSwitch external_ids

# monitor (and monitor-cond): initial rows, then the change.
"$C" monitor "$D" Open_vSwitch Bridge name,fail_mode > "$NF_TMP/mon" 2>&1 &
MON=$!
on_exit "kill $MON"
"$C" monitor-cond "$D" '[["name","!=","br0"]]' Bridge name,flood_vlans \
    > "$NF_TMP/monc" 2>&1 &
MONC=$!
on_exit "kill $MONC"
wait_for() { local i; for i in $(seq 50); do grep -Eq "$2" "$1" && return 0; sleep 0.1; done; cat "$1"; return 1; }
check "monitor prints the initial rows" wait_for "$NF_TMP/mon" '^[0-9a-f-]{36} initial br0 '
check "monitor-cond prints the initial rows" wait_for "$NF_TMP/monc" '^[0-9a-f-]{36} initial br1 '
vsctl "$D" add-br brm -- set Bridge br1 flood_vlans=3
check "monitor prints an insert" wait_for "$NF_TMP/mon" '^[0-9a-f-]{36} insert +brm +\[\]$'
check "monitor prints the heading" wait_for "$NF_TMP/mon" '^row +action +name +fail_mode$'
check "monitor-cond prints a modify" wait_for "$NF_TMP/monc" '^[0-9a-f-]{36} modify +\[1, 2, 3\]$'
check "monitor-cond skips the filtered row" \
    bash -c "! grep -q ' br0' '$NF_TMP/monc'"

# lock: the reply, as ovsdb-client prints it.
"$C" lock "$D" mylock > "$NF_TMP/lock" 2>&1 &
LCK=$!
on_exit "kill $LCK"
check "lock prints the reply" wait_for "$NF_TMP/lock" '^\{"locked":true\}$'

# backup: a nicflow database file that nicflow-dbtool accepts.
check "backup" bash -c "'$C' backup '$D' > '$NF_TMP/backup.db'"
check_output "backup starts with the nicflow header" '^NICFLOW-OVSDB 1' \
    head -1 "$NF_TMP/backup.db"
check "nicflow-dbtool check accepts the backup" \
    "$NF_BIN/nicflow-dbtool" check "$NF_TMP/backup.db"
check_output "the backup holds the data" '"name":"brm"' \
    "$NF_BIN/nicflow-dbtool" query "$NF_TMP/backup.db" \
    '["Open_vSwitch",{"op":"select","table":"Bridge","where":[["name","==","brm"]],"columns":["name"]}]'
check_output "the backup holds set values" '"flood_vlans":3' \
    "$NF_BIN/nicflow-dbtool" query "$NF_TMP/backup.db" \
    '["Open_vSwitch",{"op":"select","table":"Bridge","where":[["name","==","br1"]],"columns":["flood_vlans"]}]'
check "a backup of ovsdb-server's database is accepted too" \
    bash -c "'$C' backup '$O' > '$NF_TMP/backup2.db' && '$NF_BIN/nicflow-dbtool' check '$NF_TMP/backup2.db'"

# Errors: a message naming what failed, status 1.
check_output "unknown command" "unknown command 'frob'" bash -c "'$C' frob; [ \$? = 1 ]"
check_output "unreachable server" 'failed to connect to "unix:/nonexistent/db.sock"' \
    bash -c "'$C' list-dbs unix:/nonexistent/db.sock; [ \$? = 1 ]"
check_output "unknown table" 'does not contain a table named Nope' \
    bash -c "'$C' dump '$D' Nope; [ \$? = 1 ]"
check_fails "bad transaction JSON" "$C" transact "$D" '[nope'
# The default server is unix:$NICFLOW_RUNDIR/db.sock.
check_output "default server" '^Open_vSwitch$' "$C" list-dbs

finish
