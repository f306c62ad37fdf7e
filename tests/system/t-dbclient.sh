#!/bin/bash
# nicflow-dbclient, the ovsdb-client replacement: its output compared with
# ovsdb-client 3.1's for the same commands against the same server (both
# nicflow-dbd and ovsdb-server 3.1, holding the same data), every
# --format and --data style, monitor, monitor-cond and monitor-cond-since
# (column modifiers, --timestamp), transact and query, lock, wait, backup
# (checked and queried with nicflow-dbtool) and restore, needs-conversion
# and convert, --help, and error cases.
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

# Output styles: every --format and --data, byte for byte.
same "dump --format=html" - --format=html dump @R@ Bridge name flood_vlans \
    external_ids other_config datapath_type
same "dump --format=html with _uuid and references" - --format=html \
    dump @R@ Bridge _uuid ports
same "dump --format=html --data=json --no-headings" - --format=html \
    --data=json --no-headings dump @R@ Bridge _uuid name ports
same "dump --data=bare" - --data=bare dump @R@ Bridge name flood_vlans \
    external_ids other_config datapath_type ports
same "dump --data=json" - --data=json dump @R@ Bridge name flood_vlans \
    external_ids datapath_type
same "dump --bare" - --bare dump @R@ Bridge name flood_vlans external_ids
same "dump --format=list --data=json" - --format=list --data=json \
    dump @R@ Bridge name flood_vlans
same "dump --format=csv --data=bare --no-headings" - --format=csv \
    --data=bare --no-headings dump @R@ Bridge name flood_vlans external_ids
same "dump --format=json --no-headings (JSON keeps its headings)" - \
    --format=json --no-headings dump @R@ Bridge name flood_vlans
same "dump --format=json --pretty --data=bare" - --format=json --pretty \
    --data=bare dump @R@ Port name tag
same "dump --max-column-width" - --max-column-width=6 dump @R@ Bridge name \
    external_ids datapath_type
same "list-tables --no-headings" sort --no-headings list-tables @R@
same "list-columns --data=json --no-headings" sort --data=json \
    --no-headings list-columns @R@ Bridge
same "get-schema --pretty" - --pretty get-schema @R@
same "transact --pretty" - --pretty transact @R@ \
    '["Open_vSwitch",{"op":"select","table":"Bridge","where":[["name","==","br1"]],"columns":["name","flood_vlans"]}]'

# Monitors, both clients side by side on the same server (so the UUIDs
# are the same), through the same changes.  Rows within one update come in
# hash order (ovsdb-client's) or the server's order (ours): each update's
# lines are sorted before comparing, JSON tables' rows likewise, and the
# times of --timestamp are masked.
mon_norm() {
    python3 - "$1" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
# In --format=list a blank line ends each row as well as each update:
# there the rows (blocks) of each timestamped update, or of the whole
# output, are sorted too.
rows_are_blocks = not re.search(r"^(row +action|row,action|<table|\{|found:)",
                                text, re.M)
out, block = [], []
def flush():
    if block:
        out.append("\n".join(sorted(block)))
    block.clear()
for line in text.splitlines():
    if "fatal_signal" in line:
        continue
    line = re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$", "TIME", line)
    m = re.match(r"^(last_id: [0-9a-f-]*)?(\{.*\})$", line)
    if m:
        doc = json.loads(m.group(2))
        doc["data"] = sorted(doc["data"], key=json.dumps)
        doc.pop("time", None)
        line = (m.group(1) or "") + json.dumps(doc, sort_keys=True)
    if line == "" or (rows_are_blocks and line == "TIME"):
        flush()
        if line == "TIME":
            out.append(line)
    else:
        block.append(line)
flush()
if rows_are_blocks:
    # Sort the rows within each run between TIME lines.
    groups, cur = [], []
    for b in out:
        if b == "TIME":
            groups.append(sorted(cur)); groups.append(["TIME"]); cur = []
        else:
            cur.append(b)
    groups.append(sorted(cur))
    out = [b for g in groups for b in g]
print("\n\n".join(out))
PY
}
MON_RUN=0
same_monitor() {
    local name=$1; shift
    local r bad= p1 p2 i mo mn
    for r in "$O" "$D"; do
        # Files of their own: a straggler never writes into the next run's.
        MON_RUN=$((MON_RUN + 1))
        mo=$NF_TMP/m$MON_RUN.ovs mn=$NF_TMP/m$MON_RUN.nf
        ovsdb-client "${@//@R@/$r}" > "$mo" 2>&1 & p1=$!
        "$C" "${@//@R@/$r}" > "$mn" 2>&1 & p2=$!
        # Both have printed the initial contents (with !initial, nothing:
        # then the wait runs out).
        for i in $(seq 30); do
            [ -s "$mo" ] && [ -s "$mn" ] && break
            sleep 0.1
        done
        sleep 0.5
        vsctl "$r" add-br brx -- set Bridge br1 flood_vlans=3,4 \
            -- set Bridge br0 external_ids:x=y
        sleep 0.5
        vsctl "$r" del-br brx -- set Bridge br0 external_ids:x=z \
            -- set Bridge br1 flood_vlans=1,2
        sleep 0.5
        kill "$p1" "$p2" 2>/dev/null; wait "$p1" "$p2" 2>/dev/null
        local a b
        a=$(mon_norm "$mo"); b=$(mon_norm "$mn")
        if [ "$a" != "$b" ] || [ -z "$b" ]; then
            bad=1
            diag "server $r" "ovsdb-client:" "$(cat "$mo")" \
                 "nicflow-dbclient:" "$(cat "$mn")"
        fi
    done
    vsctl "$D" remove Bridge br0 external_ids x
    vsctl "$O" remove Bridge br0 external_ids x
    if [ -z "$bad" ]; then ok "$name"; else fail "$name"; fi
}
same_monitor "monitor TABLE COLUMNS" monitor @R@ Bridge name,flood_vlans
same_monitor "monitor TABLE (every column)" monitor @R@ Open_vSwitch Bridge
same_monitor "monitor ALL" monitor @R@ ALL
same_monitor "monitor !initial and !delete" \
    monitor @R@ Bridge name,!initial flood_vlans,external_ids,!delete
same_monitor "monitor !insert and !modify" \
    monitor @R@ Bridge name,!insert flood_vlans,!modify
same_monitor "monitor-cond !insert" \
    monitor-cond @R@ '[["name","!=","br0"]]' Bridge name,flood_vlans,!insert
same_monitor "monitor-cond (differences of sets and maps)" \
    monitor-cond @R@ '[true]' Bridge name,flood_vlans,external_ids
same_monitor "monitor-cond-since" \
    monitor-cond-since @R@ '[true]' Bridge name,flood_vlans,external_ids
same_monitor "monitor-cond-since LASTID" monitor-cond-since @R@ \
    11111111-2222-3333-4444-555555555555 '[true]' Bridge name,!modify
same_monitor "monitor-cond-since --format=json" --format=json \
    monitor-cond-since @R@ '[true]' Bridge name,flood_vlans
same_monitor "monitor --format=json" --format=json monitor @R@ Bridge \
    name,external_ids
same_monitor "monitor --timestamp" --timestamp monitor @R@ Bridge name
same_monitor "monitor --timestamp --format=html" --timestamp --format=html \
    monitor @R@ Bridge name,flood_vlans
same_monitor "monitor-cond --timestamp --format=csv" --timestamp \
    --format=csv monitor-cond @R@ '[true]' Bridge name,flood_vlans
same_monitor "monitor --timestamp --format=list" --timestamp --format=list \
    monitor @R@ Bridge name
same_monitor "monitor --bare" --bare monitor @R@ Bridge name,external_ids
same_monitor "monitor --no-headings" --no-headings monitor @R@ Bridge name
# ovsdb-client 3.1 crashes on --timestamp --format=json; ours puts the
# time in a "time" member, as its manual says.
check_output "monitor --timestamp --format=json has a time member" \
    '^\{"data":.*"time":"[0-9-]+ [0-9:.]+"\}$' \
    bash -c "timeout 1 '$C' --timestamp --format=json monitor '$D' Bridge name; true"
check_output "monitor: a column named twice is refused" \
    'column "name" mentioned multiple times' \
    bash -c "'$C' monitor '$D' Bridge name name; [ \$? = 1 ]"
check_output "monitor: an unknown column is refused as ovsdb-client does" \
    'table "Bridge" in Open_vSwitch does not have a column named "nope"' \
    bash -c "'$C' monitor '$D' Bridge name,nope; [ \$? = 1 ]"

# wait: the same exit status as ovsdb-client for each state, no output.
same_wait() {
    local name=$1 want=$2; shift 2
    local r a b ra rb bad=
    for r in "$O" "$D"; do
        a=$(timeout 3 ovsdb-client wait "$r" "$@" 2>&1); ra=$?
        b=$(timeout 3 "$C" wait "$r" "$@" 2>&1); rb=$?
        if [ "$ra" != "$want" ] || [ "$rb" != "$want" ] || [ -n "$b" ]; then
            bad=1
            diag "server $r: ovsdb-client status $ra, ours $rb" "$a" "$b"
        fi
    done
    if [ -z "$bad" ]; then ok "$name"; else fail "$name"; fi
}
same_wait "wait DB connected" 0 Open_vSwitch connected
same_wait "wait DB added" 0 Open_vSwitch added
same_wait "wait removed, for a database not there" 0 Nope removed
same_wait "wait added, for a database not there, waits" 124 Nope added
check_output "wait: unknown state" 'bogus: unknown state' \
    bash -c "'$C' wait '$D' Open_vSwitch bogus; [ \$? = 1 ]"
check_output "wait -t: times out with a message" \
    'timed out waiting for database Nope to be added' \
    bash -c "'$C' -t 1 wait '$D' Nope added; [ \$? = 1 ]"
# A server that is not up yet: wait keeps trying until it is.
create_db "$NF_TMP/later.db"
"$C" -t 20 wait "unix:$NF_TMP/later.sock" Open_vSwitch connected \
    > "$NF_TMP/wait.out" 2>&1 &
WAITER=$!
sleep 1.5
"$NF_BIN/nicflow-dbd" "$NF_TMP/later.db" --remote="punix:$NF_TMP/later.sock" \
    --unixctl="$NF_TMP/later.ctl" --pidfile="$NF_TMP/later.pid" --detach \
    --log-file="$NF_TMP/later.log"
on_exit "kill \$(cat '$NF_TMP/later.pid')"
if wait "$WAITER"; then
    ok "wait: for a server that starts later"
else
    fail "wait: for a server that starts later"; diag "$(cat "$NF_TMP/wait.out")"
fi

# needs-conversion, as ovsdb-client answers it.
python3 - "$NF_TOP/ovsdb/vswitch.ovsschema" > "$NF_TMP/new.ovsschema" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["version"] = "8.3.9"
s["tables"]["Bridge"]["columns"]["nf_test"] = {"type": {"key": "string", "min": 0, "max": 1}}
print(json.dumps(s))
PY
same "needs-conversion (same schema)" - needs-conversion @R@ \
    "$NF_TOP/ovsdb/vswitch.ovsschema"
same "needs-conversion (new schema)" - needs-conversion @R@ \
    "$NF_TMP/new.ovsschema"
check_output "needs-conversion: unreadable schema" 'failed to read schema' \
    bash -c "'$C' needs-conversion '$D' '$NF_TMP/nonexistent'; [ \$? = 1 ]"

# restore: our backup into nicflow-dbd, ovsdb-client's (Open vSwitch's
# file format) into both servers; the data afterwards as before (UUIDs
# change: a client cannot choose them), everything in one transaction.
dump_norm() { "$C" dump "$1" | norm_uuids | sort; }
"$C" backup "$D" > "$NF_TMP/d.bak"
before=$(dump_norm "$D")
vsctl "$D" add-br brr -- del-br br1
check "restore our backup" bash -c "'$C' restore '$D' < '$NF_TMP/d.bak'"
if [ "$(dump_norm "$D")" = "$before" ]; then
    ok "restore: the data are back"
else
    fail "restore: the data are back"; diag "$(dump_norm "$D")"
fi
ovsdb-client backup "$O" > "$NF_TMP/o.bak"
obefore=$(dump_norm "$O")
vsctl "$O" add-br brr -- del-br br1
check "restore ovsdb-client's backup into ovsdb-server" \
    bash -c "'$C' restore '$O' < '$NF_TMP/o.bak'"
if [ "$(dump_norm "$O")" = "$obefore" ]; then
    ok "restore into ovsdb-server: the data are back"
else
    fail "restore into ovsdb-server: the data are back"
fi
check "restore ovsdb-client's backup into nicflow-dbd" \
    bash -c "'$C' restore '$D' < '$NF_TMP/o.bak'"
if [ "$(dump_norm "$D")" = "$obefore" ]; then
    ok "restore into nicflow-dbd: ovsdb-server's data"
else
    fail "restore into nicflow-dbd: ovsdb-server's data"
    diag "$obefore" "---" "$(dump_norm "$D")"
fi
"$NF_BIN/nicflow-dbtool" create "$NF_TMP/other.db" "$NF_TMP/new.ovsschema"
before=$(dump_norm "$D")
check_output "restore: another schema is refused" \
    'backup schema has version "8.3.9" but database schema has version "8.3.1" \(use --force' \
    bash -c "'$C' restore '$D' < '$NF_TMP/other.db'; [ \$? = 1 ]"
check_output "restore: not from a file of a known format" \
    'cannot identify file type' \
    bash -c "'$C' restore '$D' < /dev/null; [ \$? = 1 ]"
check_output "restore: a damaged backup is refused" 'checksum mismatch' \
    bash -c "sed 's/br0/bX0/' '$NF_TMP/d.bak' | '$C' restore '$D'; [ \$? = 1 ]"
if [ "$(dump_norm "$D")" = "$before" ]; then
    ok "restore: refused restores changed nothing"
else
    fail "restore: refused restores changed nothing"
fi
check "restore --force (after the command, as ovsdb-client takes it)" \
    bash -c "'$C' restore --force '$D' < '$NF_TMP/d.bak'"

# --help names every command of ovsdb-client's.
check "--help lists every ovsdb-client command" bash -c '
    help=$("$0" --help) || exit 1
    for c in $(ovsdb-client --help | sed -n "/^Valid commands/,/^The default SERVER/p" | sed -nE "s/^  (\[--force\] )?([a-z-]+) .*/\2/p" | sort -u); do
        grep -q "^  $c " <<<"$help" || { echo "missing: $c"; exit 1; }
    done' "$C"

# Errors: a message naming what failed, status 1.
check_output "unknown command" "unknown command 'frob'" bash -c "'$C' frob; [ \$? = 1 ]"
check_output "unreachable server" 'failed to connect to "unix:/nonexistent/db.sock"' \
    bash -c "'$C' list-dbs unix:/nonexistent/db.sock; [ \$? = 1 ]"
check_output "unknown table" 'does not contain a table named Nope' \
    bash -c "'$C' dump '$D' Nope; [ \$? = 1 ]"
check_fails "bad transaction JSON" "$C" transact "$D" '[nope'
# The default server is unix:$NICFLOW_RUNDIR/db.sock.
check_output "default server" '^Open_vSwitch$' "$C" list-dbs

# convert: nicflow-dbd has no online conversion and says so (the database
# unchanged); ovsdb-server converts (done last: it changes the schema).
check_output "convert against nicflow-dbd: not supported, cleanly" \
    'does not support online schema conversion' \
    bash -c "'$C' convert '$D' '$NF_TMP/new.ovsschema'; [ \$? = 1 ]"
check_output "convert against nicflow-dbd: schema unchanged" '^8\.3\.1$' \
    "$C" get-schema-version "$D"
check "convert against ovsdb-server" "$C" convert "$O" "$NF_TMP/new.ovsschema"
check_output "convert: ovsdb-server has the new schema" '^8\.3\.9$' \
    "$C" get-schema-version "$O"
check_output "convert: no conversion needed any more" '^no$' \
    "$C" needs-conversion "$O" "$NF_TMP/new.ovsschema"

finish
