#!/bin/bash
# Differential test: one sequence of real ovs-vsctl 3.1 commands
# (tests/system/ovsdb/vsctl-commands.txt: every command of the seeds, the
# libvirt command line, and error cases) run against Open vSwitch's
# ovsdb-server 3.1 and against nicflow-dbd, each on a fresh database.  Each
# command's exit status, stdout and stderr, and at the end every table as
# "ovs-vsctl --format=json list" shows it, must be the same, once UUIDs
# (random on each server) are replaced by labels derived from the rows
# (tests/system/ovsdb/ovsdb_norm.py).
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3 ovs-vsctl ovsdb-server ovsdb-tool
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

check_here "ovsdb-server 3.1 starts" start_ovsdb_server
check "create the nicflow database" create_db "$NICFLOW_DBDIR/conf.db"
check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"

commands=$NF_OVSDB_DIR/vsctl-commands.txt
check "run the commands against ovsdb-server" \
    python3 "$NF_OVSDB_DIR/vsctl_run.py" "unix:$OVS_SOCK" "$commands" \
    "$NF_TMP/ref.json"
check "run the commands against nicflow-dbd" \
    python3 "$NF_OVSDB_DIR/vsctl_run.py" "unix:$DBD_SOCK" "$commands" \
    "$NF_TMP/got.json"
if [ -s "$NF_TMP/ref.json" ] && [ -s "$NF_TMP/got.json" ]; then
    python3 "$NF_OVSDB_DIR/vsctl_compare.py" "$NF_TMP/ref.json" \
        "$NF_TMP/got.json" "$NF_TEST" || NF_FAILED=1
else
    fail "compare the two runs"; diag "a run produced no results"
fi
# The comparison means something only if the commands did their work.
check_output "nicflow-dbd ends with the bridges the commands leave" \
    '^br-int,br-phy,br0,br3,br5$' \
    bash -c "ovs-vsctl --no-wait --timeout=10 --db=unix:$DBD_SOCK list-br | paste -sd,"
check_output "most commands succeeded on ovsdb-server" '^[0-9]+ of [0-9]+ ok$' \
    python3 -c 'import json,sys
c = json.load(open(sys.argv[1]))["commands"]
n = sum(1 for x in c if x["rc"] == 0)
print("%d of %d ok" % (n, len(c)))
sys.exit(0 if n * 3 >= len(c) * 2 else 1)' "$NF_TMP/ref.json"
check "nicflow-dbd is still running" kill -0 "$(dbd_pid)"
finish
