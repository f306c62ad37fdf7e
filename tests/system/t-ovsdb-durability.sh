#!/bin/bash
# nicflow-dbd never loses a committed transaction.  A load client sends
# 12,000 single-insert transactions with 64 in flight and records each one
# acknowledged; it kills nicflow-dbd with SIGKILL twice while the load runs
# (after 3,000 and 8,000 acknowledgements), and the server is restarted on
# the same file each time.  Every acknowledged row must then be in the
# database.  A second load of 4,000 runs while the database is compacted
# over and over (ovsdb-server/compact), with a SIGKILL in the middle.  Then
# the file's tail is damaged three ways (truncated by a few bytes, garbage
# appended, a byte flipped in the last record): the server must start, log
# a warning, keep every intact record, and accept and keep new
# transactions.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

db=$NICFLOW_DBDIR/durable.db
remote=unix:$DBD_SOCK
pidfile=$NICFLOW_RUNDIR/nicflow-dbd.pid
dcheck() { python3 "$NF_OVSDB_DIR/durability_check.py" "$@"; }

# wait_dead PID: up to 10 s for PID to go away.
wait_dead() {
    local i
    for i in $(seq 100); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}
# log_since N: the log file's lines after line N.
log_since() { tail -n +"$(($1 + 1))" "$DBD_LOG"; }
log_lines() { wc -l < "$DBD_LOG" 2>/dev/null || echo 0; }

check "create the test database" create_db "$db" "$NF_OVSDB_DIR/durability.ovsschema"
check_here "nicflow-dbd starts" start_dbd "$db"

# restart_after_kills LOADPID OUTPUT NAME KILLS...: for each kill the load
# client announces, waits for the server to die and restarts it; then
# waits for the client to finish.
restart_after_kills() {
    local load=$1 out=$2 name=$3 k i n; shift 3
    for k in "$@"; do
        for i in $(seq 600); do
            [ -e "$out.killed-$k" ] && break
            kill -0 "$load" 2>/dev/null || break
            sleep 0.1
        done
        if [ ! -e "$out.killed-$k" ]; then
            fail "$name: load client kills nicflow-dbd (kill $k)"
            break
        fi
        check "$name: nicflow-dbd dies of SIGKILL (kill $k)" \
            wait_dead "$(cat "$pidfile")"
        n=$(log_lines)
        check_here "$name: nicflow-dbd restarts on the same file (kill $k)" \
            start_dbd "$db"
        check_output "$name: replays the transactions (kill $k)" \
            'opened database Durable \([0-9]+ transactions replayed\)' \
            log_since "$n"
    done
    if wait "$load"; then
        ok "$name: load client completes without an error reply"
    else
        fail "$name: load client completes without an error reply"
        diag "$(cat "$out.log")" "$(head -c 2000 "$out" 2>/dev/null)"
    fi
}

python3 "$NF_OVSDB_DIR/durability_load.py" "$remote" 1 12000 64 "$pidfile" \
    3000,8000 "$NF_TMP/load.json" > "$NF_TMP/load.json.log" 2>&1 &
load=$!
on_exit "kill $load"
restart_after_kills $load "$NF_TMP/load.json" "load" 1 2
check_output "load client sent >= 10000 transactions" \
    '^sent (1[0-9]{4}|[2-9][0-9]{4}),' \
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("sent %d, acked %d" % (len(d["sent"]), len(d["acked"])))' "$NF_TMP/load.json"
check_output "load client saw both kills" '"kills": 2' cat "$NF_TMP/load.json"
if out=$(dcheck verify "$remote" "$NF_TMP/load.json" 2>&1); then
    ok "every acknowledged transaction is in the database"
    diag "$out"
else
    fail "every acknowledged transaction is in the database"
    diag "$out"
fi

# The second load, with compaction again and again while it runs.
ctl=$NICFLOW_RUNDIR/nicflow-dbd.ctl
size_before=$(stat -c %s "$db")
python3 "$NF_OVSDB_DIR/durability_load.py" "$remote" 100001 4000 64 \
    "$pidfile" 2500 "$NF_TMP/load2.json" > "$NF_TMP/load2.json.log" 2>&1 &
load=$!
on_exit "kill $load"
compactions=0
while kill -0 $load 2>/dev/null && [ ! -e "$NF_TMP/load2.json.killed-1" ]; do
    "$NF_BIN/nicflow-appctl" -t "$ctl" ovsdb-server/compact >/dev/null 2>&1 \
        && compactions=$((compactions + 1))
done
if [ $compactions -gt 0 ]; then
    ok "compacted $compactions times during the second load"
else
    fail "compacted during the second load"
fi
restart_after_kills $load "$NF_TMP/load2.json" "load with compaction" 1
if out=$(dcheck verify "$remote" "$NF_TMP/load.json" "$NF_TMP/load2.json" 2>&1)
then
    ok "every acknowledged transaction of both loads is in the database"
    diag "$out"
else
    fail "every acknowledged transaction of both loads is in the database"
    diag "$out"
fi
check_output "compaction made the file smaller" '^smaller$' \
    bash -c "[ \$(stat -c %s '$db') -lt $size_before ] && echo smaller"

# A clean restart (SIGTERM) keeps everything too.
before=$(dcheck count "$remote")
stop_daemon nicflow-dbd
check_here "restart after SIGTERM" start_dbd "$db"
check_output "same rows after a clean restart" "^$before\$" dcheck count "$remote"

# Damage.  The last record must be one single-insert transaction, so that
# losing it loses exactly one row.
check "insert one more row" dcheck insert "$remote" 1000000
r0=$(dcheck count "$remote")
stop_daemon nicflow-dbd
cp "$db" "$NF_TMP/intact.db"

damage_truncate() { truncate -s -3 "$1"; }
damage_garbage() { printf 'garbage\001\002 that is no record\n12 zz\n' >> "$1"; }
damage_flip() {
    # A byte in the middle of the last record's JSON text.
    python3 - "$1" <<'PY'
import sys
p = sys.argv[1]
data = bytearray(open(p, "rb").read())
start = data.rindex(b"\n", 0, len(data) - 1) + 1    # the last JSON line
i = (start + len(data) - 1) // 2
data[i] ^= 0x20
open(p, "wb").write(bytes(data))
PY
}
for kind in truncate garbage flip; do
    case $kind in
    garbage) want=$r0 ;;
    *) want=$((r0 - 1)) ;;
    esac
    cp "$NF_TMP/intact.db" "$db"
    damage_$kind "$db"
    n=$(log_lines)
    check_here "$kind: nicflow-dbd starts on the damaged file" start_dbd "$db"
    check_output "$kind: a warning is logged" \
        "\|(WARN|ERR)\|.*durable\.db" log_since "$n"
    check_output "$kind: keeps every intact record ($want rows)" "^$want\$" \
        dcheck count "$remote"
    check "$kind: accepts a new transaction" dcheck insert "$remote" 2000000
    stop_daemon nicflow-dbd
    n=$(log_lines)
    check_here "$kind: restarts after the repair" start_dbd "$db"
    check_output "$kind: keeps the repair and the new row ($((want + 1)) rows)" \
        "^$((want + 1))\$" dcheck count "$remote"
    if log_since "$n" | grep -Eq '\|(WARN|ERR)\|'; then
        fail "$kind: no warning after the repair"; diag "$(log_since "$n")"
    else
        ok "$kind: no warning after the repair"
    fi
    stop_daemon nicflow-dbd
done
finish
