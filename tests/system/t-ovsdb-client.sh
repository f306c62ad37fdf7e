#!/bin/bash
# Open vSwitch's own clients against nicflow-dbd: ovsdb-client 3.1
# (list-dbs, get-schema, list-tables, list-columns, dump, transact, monitor,
# monitor-cond), compared where possible with what the same command shows
# against ovsdb-server 3.1 holding the same data; and the Python IDL
# (ovs.db.idl) reading, writing and following changes.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3 ovs-vsctl ovsdb-client ovsdb-server ovsdb-tool
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

check_here "ovsdb-server 3.1 starts" start_ovsdb_server
check "create the nicflow database" create_db "$NICFLOW_DBDIR/conf.db"
check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"
D=unix:$DBD_SOCK
O=unix:$OVS_SOCK

# vsctl REMOTE ARGS...: ovs-vsctl without a switch to wait for.
vsctl() { local r=$1; shift; ovs-vsctl --no-wait --timeout=10 --db="$r" "$@"; }

# same NAME CMD...: CMD (with @R@ standing for the remote) prints the same
# against both servers.
same() {
    local name=$1; shift
    local a b
    a=$("${@//@R@/$O}" 2>&1); local ra=$?
    b=$("${@//@R@/$D}" 2>&1); local rb=$?
    if [ "$ra" = "$rb" ] && [ "$a" = "$b" ]; then
        ok "$name"
    else
        fail "$name"
        diag "ovsdb-server (status $ra):" "$a" "nicflow-dbd (status $rb):" "$b"
    fi
}

for r in "$O" "$D"; do
    vsctl "$r" init -- add-br br0 -- add-port br0 p1 tag=10 \
        -- add-port br0 gre0 -- set Interface gre0 type=gre \
           options:remote_ip=127.0.0.2 \
        -- br-set-external-id br0 owner test \
        -- set-controller br0 tcp:127.0.0.1:6653 || fail "setup on $r"
done

# list-dbs: both databases, as ovsdb-server lists them.
check_output "list-dbs shows Open_vSwitch" '^Open_vSwitch$' ovsdb-client list-dbs "$D"
check_output "list-dbs shows _Server" '^_Server$' ovsdb-client list-dbs "$D"
same "list-dbs is ovsdb-server's" ovsdb-client list-dbs @R@

# get-schema: the schema nicflow-dbd serves is ovsdb/vswitch.ovsschema.
ovsdb-client get-schema "$D" > "$NF_TMP/schema.json" 2>&1
check "get-schema is our schema file" python3 - "$NF_TMP/schema.json" "$NF_SCHEMA" <<'PY'
import json, sys
got, want = (json.load(open(p)) for p in sys.argv[1:3])
def norm(s):
    # Semantically: cksum and member order aside, and with column types
    # in one form ("string" is {"key": {"type": "string"}}).
    s = dict(s)
    s.pop("cksum", None)
    def atom(a):
        a = {"type": a} if isinstance(a, str) else dict(a)
        if "enum" in a:
            e = a["enum"]
            a["enum"] = sorted(e[1] if isinstance(e, list) else [e])
        return a
    def typ(t):
        if isinstance(t, str) or "key" not in t:
            t = {"key": t}
        t = dict(t)
        t["key"] = atom(t["key"])
        if "value" in t:
            t["value"] = atom(t["value"])
        t.setdefault("min", 1)
        t.setdefault("max", 1)
        return t
    for tab in s["tables"].values():
        for c in tab["columns"].values():
            c["type"] = typ(c["type"])
    return s
if norm(got) != norm(want):
    for t in sorted(set(got["tables"]) | set(want["tables"])):
        if norm(got)["tables"].get(t) != norm(want)["tables"].get(t):
            print("table %s differs" % t)
    sys.exit(1)
PY
check_output "get-schema _Server has the Database table" '"Database"' \
    ovsdb-client get-schema "$D" _Server
check_output "get-schema-version" \
    "^$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$NF_SCHEMA" | sed 's/\./\\./g')\$" \
    ovsdb-client get-schema-version "$D"
check_fails "get-schema of an unknown database fails" \
    ovsdb-client get-schema "$D" Nosuch

# list-tables, list-columns: the schema's, as ovsdb-server prints them
# (the rows are in hash order, so sorted).
out=$(ovsdb-client list-tables "$D" 2>&1 | tail -n +3 | sort)
want=$(python3 -c 'import json,sys; print("\n".join(sorted(json.load(open(sys.argv[1]))["tables"])))' "$NF_SCHEMA")
if [ "$out" = "$want" ]; then ok "list-tables lists the schema's tables"
else fail "list-tables lists the schema's tables"; diag "$out"; fi
sorted() { "$@" | sort; }
same "list-tables is ovsdb-server's" sorted ovsdb-client list-tables @R@
same "list-columns Bridge is ovsdb-server's" \
    sorted ovsdb-client list-columns @R@ Open_vSwitch Bridge
same "list-columns Interface is ovsdb-server's" \
    sorted ovsdb-client list-columns @R@ Open_vSwitch Interface
same "list-columns of an unknown table fails alike" \
    ovsdb-client list-columns @R@ Open_vSwitch Nosuch

# dump: the same content once UUIDs are labelled and rows sorted.
for s in O D; do
    r=${!s}
    ovsdb-client --format=json dump "$r" > "$NF_TMP/dump.$s" 2>&1
    python3 "$NF_OVSDB_DIR/client_norm.py" dump "$r" "$NF_TMP/dump.$s" \
        > "$NF_TMP/dump.$s.norm" 2>&1
done
check_output "dump shows the Bridge table" '^Bridge table' cat "$NF_TMP/dump.D.norm"
check_output "dump shows port p1 with tag 10" '"p1".*10' cat "$NF_TMP/dump.D.norm"
check "dump is ovsdb-server's" diff -u "$NF_TMP/dump.O.norm" "$NF_TMP/dump.D.norm"
same "dump of one table, text format, is ovsdb-server's" \
    ovsdb-client --no-headings dump @R@ Open_vSwitch Bridge name fail_mode
check_output "dump _Server shows the database" 'Open_vSwitch' \
    ovsdb-client dump "$D" _Server Database name model connected

# transact: a raw insert, then a select finds it by its UUID.
out=$(ovsdb-client transact "$D" '["Open_vSwitch",
    {"op": "insert", "table": "Queue", "row": {"dscp": 33,
     "external_ids": ["map", [["who", "t-ovsdb-client"]]]}}]' 2>&1)
uuid=$(printf '%s' "$out" | grep -Eo '[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}')
if [ -n "$uuid" ]; then ok "transact insert returns a UUID"
else fail "transact insert returns a UUID"; diag "$out"; fi
check_output "transact select finds the row" "\"_uuid\":\\[\"uuid\",\"$uuid\"\\].*\"dscp\":33" \
    ovsdb-client transact "$D" '["Open_vSwitch", {"op": "select",
    "table": "Queue", "where": [["dscp", "==", 33]]}]'
check_output "ovs-vsctl sees the inserted row" '^33$' \
    vsctl "$D" get Queue "$uuid" dscp
same "transact error result is ovsdb-server's" \
    ovsdb-client transact @R@ '["Open_vSwitch", {"op": "insert",
    "table": "Bridge", "row": {"name": 5}}]'
same "query (read-only transact) is ovsdb-server's" \
    ovsdb-client query @R@ '["Open_vSwitch", {"op": "select",
    "table": "Bridge", "where": [], "columns": ["name", "fail_mode"]}]'

# monitor and monitor-cond, in the background against both servers at
# once; the same changes on both; the updates must be the same.
# mon_wait FILE REGEX: waits up to 10 s for REGEX in FILE.
mon_wait() {
    local i
    for i in $(seq 100); do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
pids=()
for s in O D; do
    r=${!s}
    ovsdb-client monitor "$r" Open_vSwitch Bridge name,external_ids,fail_mode \
        > "$NF_TMP/mon.$s" 2>&1 &
    pids+=($!); on_exit "kill $!"
    # Clauses are alternatives: br0 (there from the start) or brC.
    ovsdb-client monitor-cond "$r" Open_vSwitch \
        '[["name", "==", "brC"], ["name", "==", "br0"]]' Bridge name,fail_mode \
        > "$NF_TMP/monc.$s" 2>&1 &
    pids+=($!); on_exit "kill $!"
    ovsdb-client monitor "$r" Open_vSwitch Port name,tag \
        > "$NF_TMP/monp.$s" 2>&1 &
    pids+=($!); on_exit "kill $!"
done
for s in O D; do
    mon_wait "$NF_TMP/mon.$s" 'initial +br0' || fail "monitor on $s shows the initial row"
    mon_wait "$NF_TMP/monp.$s" 'initial +p1' || fail "Port monitor on $s shows p1"
    mon_wait "$NF_TMP/monc.$s" 'initial +br0' || fail "monitor-cond on $s shows br0"
done
for s in O D; do
    r=${!s}
    vsctl "$r" add-br brD
    vsctl "$r" add-br brC -- set-fail-mode brC secure
    vsctl "$r" br-set-external-id br0 k v
    vsctl "$r" set Port p1 tag=20
    vsctl "$r" del-br brC
    vsctl "$r" add-br brE
done
for s in O D; do
    mon_wait "$NF_TMP/mon.$s" 'insert +brE'
    mon_wait "$NF_TMP/monc.$s" 'delete'
    mon_wait "$NF_TMP/monp.$s" 'insert +brE'
done
kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null
check_output "monitor shows the insert" 'insert +brC' cat "$NF_TMP/mon.D"
check_output "monitor shows the modification" 'new +br0 +\{k=v, owner=test\}' cat "$NF_TMP/mon.D"
check_output "monitor shows the delete" 'delete +brC' cat "$NF_TMP/mon.D"
check_output "monitor-cond shows the matching row" 'insert +brC +secure' cat "$NF_TMP/monc.D"
if grep -Eq 'brD|brE' "$NF_TMP/monc.D"; then
    fail "monitor-cond leaves out the rows that do not match"; diag "$(cat "$NF_TMP/monc.D")"
else
    ok "monitor-cond leaves out the rows that do not match"
fi
check_output "Port monitor shows the tag change" 'new +p1 +20' cat "$NF_TMP/monp.D"
for m in mon monc monp; do
    for s in O D; do
        python3 "$NF_OVSDB_DIR/client_norm.py" monitor "${!s}" "$NF_TMP/$m.$s" \
            | grep -v 'terminating with signal' > "$NF_TMP/$m.$s.norm"
    done
    check "$m output is ovsdb-server's" diff -u "$NF_TMP/$m.O.norm" "$NF_TMP/$m.D.norm"
done

# The Python IDL.
py_ovs=
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import ovs.db.idl' 2>/dev/null; then py_ovs=$p; break; fi
done
if [ -n "$py_ovs" ]; then
    check "Python IDL script works against ovsdb-server (sanity)" \
        "$py_ovs" "$NF_OVSDB_DIR/idl_check.py" "$O" "$OVS_SCHEMA" br0
    out=$("$py_ovs" "$NF_OVSDB_DIR/idl_check.py" "$D" "$NF_SCHEMA" br0 2>&1)
    while read -r w rest; do
        case $w in
        ok) ok "Python IDL: $rest" ;;
        FAIL) fail "Python IDL: $rest" ;;
        esac
    done < <(printf '%s\n' "$out")
    if ! printf '%s\n' "$out" | grep -q "^ok see another client's change"; then
        fail "Python IDL completes every step"; diag "$out"
    fi
    check_output "ovs-vsctl sees the IDL's change" '^"?yes"?$' \
        vsctl "$D" get Bridge br0 external_ids:idl-check
    check_output "ovs-vsctl sees the IDL's insert" '^7$' \
        vsctl "$D" --bare --columns=dscp find Queue dscp=7
else
    fail "Python IDL" ; diag "no python3 with ovs.db.idl (python3-openvswitch)"
fi
# Remotes, as ovs-ctl configures ovsdb-server: the managers in the
# database (db:Open_vSwitch,Open_vSwitch,manager_options) and remotes added
# at run time through the control socket.
ctl=$NICFLOW_RUNDIR/nicflow-dbd.ctl
mgr=$NF_TMP/manager.sock
check "ovs-appctl ovsdb-server/add-remote db:..." ovs-appctl -t "$ctl" \
    ovsdb-server/add-remote db:Open_vSwitch,Open_vSwitch,manager_options
check "set-manager punix:..." vsctl "$D" set-manager "punix:$mgr"
wait_socket() {
    local i
    for i in $(seq 50); do [ -S "$1" ] && return 0; sleep 0.1; done
    return 1
}
check "the manager's socket appears" wait_socket "$mgr"
check_output "ovs-vsctl through the manager's socket" '^br0$' \
    vsctl "unix:$mgr" list-br
check_output "ovsdb-server/list-remotes shows the db: remote" \
    '^db:Open_vSwitch,Open_vSwitch,manager_options$' \
    ovs-appctl -t "$ctl" ovsdb-server/list-remotes
check "del-manager" vsctl "$D" del-manager
gone() {
    local i
    for i in $(seq 50); do [ -e "$1" ] || return 0; sleep 0.1; done
    return 1
}
check "the manager's socket goes away" gone "$mgr"
check "ovs-appctl ovsdb-server/add-remote ptcp:0:127.0.0.1" \
    ovs-appctl -t "$ctl" ovsdb-server/add-remote ptcp:0:127.0.0.1
port=$(ss -Hltnp 2>/dev/null | grep "pid=$(dbd_pid)," | \
       grep -Eo '127\.0\.0\.1:[0-9]+' | head -1 | cut -d: -f2)
if [ -n "$port" ]; then
    check_output "ovs-vsctl over TCP" '^br0$' vsctl "tcp:127.0.0.1:$port" list-br
    check_output "ovsdb-client over TCP" '^Open_vSwitch$' \
        ovsdb-client list-dbs "tcp:127.0.0.1:$port"
else
    fail "find the TCP port nicflow-dbd listens on"; diag "$(ss -ltnp)"
fi
check "ovs-appctl ovsdb-server/remove-remote" \
    ovs-appctl -t "$ctl" ovsdb-server/remove-remote ptcp:0:127.0.0.1
check_fails "removing it again is an error" \
    ovs-appctl -t "$ctl" ovsdb-server/remove-remote ptcp:0:127.0.0.1
check_output "ovsdb-server/list-dbs" '^Open_vSwitch$' \
    ovs-appctl -t "$ctl" ovsdb-server/list-dbs
check "ovsdb-server/compact" ovs-appctl -t "$ctl" ovsdb-server/compact
check_output "the data is still there after compaction" '^br0$' \
    vsctl "$D" list-br
check "nicflow-dbd is still running" kill -0 "$(dbd_pid)"
finish
