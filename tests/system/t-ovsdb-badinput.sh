#!/bin/bash
# Bad input on nicflow-dbd's OVSDB socket (tests/system/ovsdb/bad/
# corpus.json, sent by tests/system/ovsdb/badinput_run.py over raw
# sockets): malformed JSON and non-JSON-RPC messages close only the
# offending connection; every other bad request gets the RFC 7047 /
# ovsdb-server error name with details; a message over the 64 MiB limit
# disconnects its sender; a client connected throughout keeps working; the
# database is unchanged.  The corpus's expectations are checked against
# Open vSwitch's ovsdb-server 3.1 as well, so that they stay its behaviour.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3 ovs-vsctl
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

corpus=$NF_OVSDB_DIR/bad/corpus.json
setup() {
    ovs-vsctl --no-wait --timeout=10 --db="unix:$1" init -- add-br br0 \
        -- add-port br0 p1 tag=10
}

check "create the nicflow database" create_db "$NICFLOW_DBDIR/conf.db"
check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"
check "populate nicflow-dbd" setup "$DBD_SOCK"
python3 "$NF_OVSDB_DIR/badinput_run.py" "unix:$DBD_SOCK" "$corpus" "$NF_TEST" \
    || NF_FAILED=1
check "nicflow-dbd is still running" kill -0 "$(dbd_pid)"
check_output "nicflow-dbd logged the oversized message" \
    'disconnecting' cat "$DBD_LOG"

if command -v ovsdb-server >/dev/null && command -v ovsdb-tool >/dev/null; then
    check_here "ovsdb-server 3.1 starts" start_ovsdb_server
    check "populate ovsdb-server" setup "$OVS_SOCK"
    python3 "$NF_OVSDB_DIR/badinput_run.py" "unix:$OVS_SOCK" "$corpus" \
        "$NF_TEST: reference ovsdb-server" --reference || NF_FAILED=1
else
    skip "corpus on ovsdb-server" "openvswitch-switch not installed"
fi
finish
