#!/bin/bash
# nicflow-dbtool: ovsdb-tool's commands on nicflow database files — create,
# the schema queries, transact/query, show-log, check (and a damaged tail),
# compact (and its refusal while nicflow-dbd serves the file),
# needs-conversion and convert.  Needs no root.
. "$(dirname "$0")/lib.sh"
require_cmd python3
make_tmpdir
# The default schema must be found without help (the build tree's copy).
unset NICFLOW_SCHEMA

tool=$NF_BIN/nicflow-dbtool
db=$NICFLOW_DBDIR/conf.db
schema=$NF_TOP/ovsdb/vswitch.ovsschema
reference=/usr/share/openvswitch/vswitch.ovsschema

if [ ! -x "$tool" ]; then
    fail "nicflow-dbtool is built"
    finish
fi

# select_names DB TABLE: the "name" of every row of TABLE, sorted.
select_names() {
    "$tool" query "$1" "[\"Open_vSwitch\", {\"op\": \"select\",
        \"table\": \"$2\", \"where\": [], \"columns\": [\"name\"]}]" |
        python3 -c 'import json, sys
print(" ".join(sorted(r["name"] for r in json.load(sys.stdin)[0]["rows"])))'
}

# derive_schema OUT PYTHON: writes to OUT nicflow's schema changed by the
# Python statements PYTHON, which edit the dict "s".
derive_schema() {
    python3 - "$schema" "$1" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(s, open(sys.argv[2], "w"), indent=1)
PY
}

# --- Help, version, create and the schema queries ---

check_output "--help lists every command" \
    'create.*compact.*convert.*needs-conversion.*db-name.*schema-name.*db-version.*schema-version.*db-cksum.*schema-cksum.*query.*transact.*show-log.*check' \
    bash -c "'$tool' --help | tr '\n' ' '"
check_output "--version names the program" '^nicflow-dbtool \(nicflow\)' \
    "$tool" --version

check "create with the default DB and schema" "$tool" create
check "create made \$NICFLOW_DBDIR/conf.db" test -s "$db"
check_fails "create refuses an existing file" "$tool" create
check_output "the second create says the file exists" 'already exists' \
    bash -c "'$tool' create 2>&1; true"
check "check passes on a new database" "$tool" check
check_output "db-name" '^Open_vSwitch$' "$tool" db-name
check_output "db-version is x.y.z" '^[0-9]+\.[0-9]+\.[0-9]+$' \
    "$tool" db-version
check_output "schema-version of the default schema equals db-version" \
    "^$("$tool" db-version "$db")\$" "$tool" schema-version
check_output "schema-name" '^Open_vSwitch$' "$tool" schema-name "$schema"

if command -v ovsdb-tool >/dev/null && [ -f "$reference" ]; then
    check_output "schema-version equals ovsdb-tool's for OVS's schema" \
        "^$(ovsdb-tool schema-version "$reference")\$" \
        "$tool" schema-version "$reference"
    check_output "schema-cksum equals ovsdb-tool's for OVS's schema" \
        "^$(ovsdb-tool schema-cksum "$reference")\$" \
        "$tool" schema-cksum "$reference"
else
    skip "schema-version equals ovsdb-tool's" "ovsdb-tool or $reference missing"
fi

check_output "a missing file is named and create is suggested" \
    'nosuch.db: database file does not exist.*nicflow-dbtool create' \
    bash -c "'$tool' db-version '$NF_TMP/nosuch.db' 2>&1; test \$? = 1"
check_output "an unknown command is refused" 'unknown command' \
    bash -c "'$tool' frobnicate 2>&1; test \$? = 1"

# --- transact, query, show-log ---

check_output "transact inserts Open_vSwitch and Bridge br0" \
    '^\[\{"uuid":\["uuid","[0-9a-f-]{36}"\]\},\{"uuid":\["uuid","[0-9a-f-]{36}"\]\},\{\}\]$' \
    "$tool" transact '["Open_vSwitch",
        {"op": "insert", "table": "Open_vSwitch",
         "row": {"bridges": ["named-uuid", "br0"]}},
        {"op": "insert", "table": "Bridge", "uuid-name": "br0",
         "row": {"name": "br0"}},
        {"op": "comment", "comment": "add br0"}]'
check_output "query sees br0" '^br0$' select_names "$db" Bridge
check_output "query runs a modification (drops br0's reference)" \
    '^\[\{"count":1\}\]$' \
    "$tool" query '["Open_vSwitch",
        {"op": "update", "table": "Open_vSwitch", "where": [],
         "row": {"bridges": ["set", []]}}]'
check_output "query's modification changes nothing on disk" '^br0$' \
    select_names "$db" Bridge
check_output "a transaction for another database is refused" \
    'is for database "OVN_Southbound"' \
    bash -c "'$tool' transact '[\"OVN_Southbound\"]' 2>&1; test \$? = 1"
check_output "a failed operation commits nothing" '"error":"constraint' \
    "$tool" transact '["Open_vSwitch",
        {"op": "update", "table": "Bridge", "where": [],
         "row": {"fail_mode": "sometimes"}}]'
check_output "transact updates br0" '^\[\{"count":1\}\]$' \
    "$tool" transact '["Open_vSwitch",
        {"op": "update", "table": "Bridge", "where": [],
         "row": {"external_ids": ["map", [["owner", "t-dbtool"]]]}}]'

check_output "show-log: record 0 is the schema" \
    '^record 0: "Open_vSwitch" schema, version="[0-9.]+"' "$tool" show-log
check_output "show-log: record 1 has its date and comment" \
    '^record 1: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} "add br0"$' \
    "$tool" show-log
check_output "show-log lists exactly 3 records" '^3$' \
    bash -c "'$tool' show-log | grep -c '^record '"
check_output "show-log -m: br0 inserted" \
    '^  table Bridge insert row "br0" \([0-9a-f]{8}\):$' \
    "$tool" show-log -m
check_output "show-log -m: unnamed row by UUID prefix" \
    '^  table Open_vSwitch insert row [0-9a-f]{8}:$' "$tool" show-log -m
check_output "show-log -m: the update names br0" \
    '^  table Bridge row "br0" \([0-9a-f]{8}\):$' "$tool" --more show-log
check_output "show-log -mm: column values" \
    '^    external_ids=\{owner=t-dbtool\}$' "$tool" -m -m show-log

check "check passes" "$tool" check

# --- A damaged tail ---

# The log holds the schema and two transactions (the failed one wrote
# nothing): cut the last one short, as a crash in mid-write would.
cp "$db" "$NF_TMP/torn.db"
size=$(stat -c %s "$NF_TMP/torn.db")
truncate -s $((size - 7)) "$NF_TMP/torn.db"
check_fails "check fails on a torn tail" "$tool" check "$NF_TMP/torn.db"
check_output "check names the torn record and what is left" \
    'torn.db: record 2 at offset [0-9]+: incomplete record.*the 1 transaction before it is intact' \
    bash -c "'$tool' check '$NF_TMP/torn.db' 2>&1; true"
check_output "check leaves the damaged file alone" "^$((size - 7))\$" \
    stat -c %s "$NF_TMP/torn.db"
cp "$db" "$NF_TMP/flipped.db"
printf 'X' | dd of="$NF_TMP/flipped.db" bs=1 seek=$((size - 20)) \
    conv=notrunc 2>/dev/null
check_output "check reports a flipped byte as a checksum mismatch" \
    'flipped.db: record 2 at offset [0-9]+: checksum mismatch' \
    bash -c "'$tool' check '$NF_TMP/flipped.db' 2>&1; test \$? = 1"
check_output "show-log prints the intact records, then the damage" \
    'record 1: .*"add br0".*record 2 at offset' \
    bash -c "'$tool' show-log '$NF_TMP/flipped.db' 2>&1 | tr '\n' ' '"

# --- compact ---

for i in $(seq 1 60); do
    "$tool" transact "[\"Open_vSwitch\", {\"op\": \"update\",
        \"table\": \"Open_vSwitch\", \"where\": [],
        \"row\": {\"next_cfg\": $i}}]" >/dev/null || break
done
before=$(stat -c %s "$db")
check "compact to a new file" "$tool" compact "$db" "$NF_TMP/copy.db"
check_output "the copy holds br0" '^br0$' select_names "$NF_TMP/copy.db" Bridge
check_fails "compact refuses an existing target" \
    "$tool" compact "$db" "$NF_TMP/copy.db"
check "compact in place" "$tool" compact
after=$(stat -c %s "$db")
if [ "${after:-0}" -gt 0 ] && [ "$after" -lt "${before:-0}" ]; then
    ok "compact shrinks the file ($before -> $after bytes)"
else
    fail "compact shrinks the file ($before -> $after bytes)"
fi
check_output "compacted: 2 records" '^2$' \
    bash -c "'$tool' show-log | grep -c '^record '"
check_output "compacted: br0 kept" '^br0$' select_names "$db" Bridge
check_output "compacted: the last update kept" '"next_cfg":60' \
    "$tool" query '["Open_vSwitch", {"op": "select",
        "table": "Open_vSwitch", "where": [], "columns": ["next_cfg"]}]'
check "check passes after compact" "$tool" check

# --- needs-conversion and convert ---

derive_schema "$NF_TMP/added.ovsschema" '
s["version"] = "99.0.0"
s["tables"]["Bridge"]["columns"]["nicflow_note"] = {
    "type": {"key": "string", "min": 0, "max": 1}}'
derive_schema "$NF_TMP/orphan.ovsschema" '
del s["tables"]["Open_vSwitch"]["columns"]["bridges"]'
derive_schema "$NF_TMP/narrow.ovsschema" '
s["tables"]["Open_vSwitch"]["columns"]["next_cfg"] = {
    "type": {"key": {"type": "integer", "maxInteger": 10}}}'

check_output "needs-conversion: no for the same schema" '^no$' \
    "$tool" needs-conversion "$db" "$schema"
check_output "needs-conversion: yes for an added column" '^yes$' \
    "$tool" needs-conversion "$db" "$NF_TMP/added.ovsschema"
check "convert to a new file" \
    "$tool" convert "$db" "$NF_TMP/added.ovsschema" "$NF_TMP/converted.db"
check_output "the converted file has the new version" '^99\.0\.0$' \
    "$tool" db-version "$NF_TMP/converted.db"
check_output "the source is untouched by convert to a target" \
    "^$("$tool" schema-version)\$" "$tool" db-version "$db"
check "convert in place" "$tool" convert "$db" "$NF_TMP/added.ovsschema"
check_output "needs-conversion: no after convert" '^no$' \
    "$tool" needs-conversion "$db" "$NF_TMP/added.ovsschema"
check_output "convert keeps br0" '^br0$' select_names "$db" Bridge
check_output "convert keeps the other columns" \
    '"external_ids":\["map",\[\["owner","t-dbtool"\]\]\]' \
    "$tool" query '["Open_vSwitch", {"op": "select", "table": "Bridge",
        "where": [], "columns": ["external_ids"]}]'
check_output "the new column can be set" '^\[\{"count":1\}\]$' \
    "$tool" transact '["Open_vSwitch", {"op": "update", "table": "Bridge",
        "where": [], "row": {"nicflow_note": "converted"}}]'
check "check passes after convert" "$tool" check
check_output "a value out of the new range is dropped with a warning" \
    'column next_cfg: values in 1 row do not fit' \
    bash -c "'$tool' convert '$NF_TMP/copy.db' '$NF_TMP/narrow.ovsschema' \
        '$NF_TMP/narrow.db' 2>&1"
check_output "the narrowed copy still holds br0" '^br0$' \
    select_names "$NF_TMP/narrow.db" Bridge
check_output "rows orphaned by the new schema are removed with a warning" \
    'table Bridge: rows referenced by nothing .* removed \(1 of 1\)' \
    bash -c "'$tool' convert '$NF_TMP/copy.db' '$NF_TMP/orphan.ovsschema' \
        '$NF_TMP/orphan.db' 2>&1"

# --- Refusal while nicflow-dbd serves the file ---

if start_daemon nicflow-dbd "$db" --remote="punix:$NICFLOW_RUNDIR/db.sock" \
    2>"$NF_TMP/dbd.err"; then
    pid=$(cat "$NICFLOW_RUNDIR/nicflow-dbd.pid")
    check_output "compact is refused while nicflow-dbd serves the file" \
        "locked for writing by pid $pid .*ovsdb-server/compact" \
        bash -c "'$tool' compact '$db' 2>&1; test \$? = 1"
    check_output "transact is refused while nicflow-dbd serves the file" \
        "locked for writing by pid $pid" \
        bash -c "'$tool' transact '$db' '[\"Open_vSwitch\"]' 2>&1
                 test \$? = 1"
    check_output "query still works beside the server" '^br0$' \
        select_names "$db" Bridge
    stop_daemon nicflow-dbd
    check "compact works once the server stopped" "$tool" compact "$db"
else
    fail "nicflow-dbd starts on the database"
    diag "$(cat "$NF_TMP/dbd.err" "$NICFLOW_LOGDIR"/nicflow-dbd.log \
        2>/dev/null)"
fi

finish
