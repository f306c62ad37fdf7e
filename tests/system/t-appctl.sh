#!/bin/bash
# The control socket: nicflow-appctl and the real ovs-appctl 3.1 against a
# nicflow daemon, and nicflow-appctl against a real Open vSwitch daemon.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-appctl
make_tmpdir
ctl=$NICFLOW_RUNDIR/nicflowd.ctl
appctl=$NF_BIN/nicflow-appctl

check "nicflowd starts detached" start_daemon nicflowd
check "pidfile holds a live pid" kill -0 "$(cat "$NICFLOW_RUNDIR/nicflowd.pid")"
check "control socket exists" test -S "$ctl"

# Our client, by program name (resolved through NICFLOW_RUNDIR).
check_output "nicflow-appctl list-commands" '^  vlog/set ' \
    "$appctl" -t nicflowd list-commands
check_output "nicflow-appctl version" '^nicflowd \(nicflow\) [0-9]' \
    "$appctl" -t nicflowd version

# The real ovs-appctl, by socket path.
out=$(ovs-appctl -t "$ctl" list-commands 2>&1)
for c in list-commands version exit vlog/list vlog/set coverage/show memory/show; do
    if printf '%s\n' "$out" | grep -q "^  $c\b"; then
        ok "ovs-appctl list-commands shows $c"
    else
        fail "ovs-appctl list-commands shows $c"; diag "$out"
    fi
done
check_output "ovs-appctl version" '^nicflowd \(nicflow\)' ovs-appctl -t "$ctl" version

# vlog/set changes exactly the level asked for, as vlog/list shows.
check "ovs-appctl vlog/set daemon:file:dbg" ovs-appctl -t "$ctl" vlog/set daemon:file:dbg
check_output "vlog/list shows daemon file level DBG" '^daemon +[A-Z]+ +[A-Z]+ +DBG$' \
    ovs-appctl -t "$ctl" vlog/list
check_output "vlog/list leaves evloop file level INFO" '^evloop +[A-Z]+ +[A-Z]+ +INFO$' \
    ovs-appctl -t "$ctl" vlog/list
check "ovs-appctl vlog/set ANY:console:off" ovs-appctl -t "$ctl" vlog/set ANY:console:off
check_output "vlog/list shows console OFF everywhere" '^unixctl +OFF ' \
    ovs-appctl -t "$ctl" vlog/list

# Errors come back as errors, with a reason, and the daemon keeps serving.
out=$(ovs-appctl -t "$ctl" vlog/set nosuchmodule:dbg 2>&1); rc=$?
if [ $rc = 2 ] && printf '%s' "$out" | grep -q 'nosuchmodule'; then
    ok "bad vlog/set is an error naming the word"
else
    fail "bad vlog/set is an error naming the word"; diag "rc=$rc" "$out"
fi
out=$(ovs-appctl -t "$ctl" no/such/command 2>&1); rc=$?
if [ $rc = 2 ] && printf '%s' "$out" | grep -q 'is not a valid command'; then
    ok "unknown command is an error"
else
    fail "unknown command is an error"; diag "rc=$rc" "$out"
fi
out=$(ovs-appctl -t "$ctl" version extra-arg 2>&1); rc=$?
if [ $rc = 2 ] && printf '%s' "$out" | grep -q 'at most 0 arguments'; then
    ok "too many arguments is an error"
else
    fail "too many arguments is an error"; diag "rc=$rc" "$out"
fi
check_output "coverage/show answers" 'events never hit' ovs-appctl -t "$ctl" coverage/show
check_output "memory/show reports rss" 'rss:[0-9]+' ovs-appctl -t "$ctl" memory/show

# Garbage on the socket closes only that connection.
printf '{"id":1,"method":' > /dev/null
python3 - "$ctl" <<'PY' >/dev/null 2>&1
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b'}}}{not json')
s.settimeout(2)
try:
    s.recv(100)
except Exception:
    pass
PY
check_output "daemon still serves after garbage" '^nicflowd' ovs-appctl -t "$ctl" version

# A second instance with the same pidfile refuses to start, saying why.
out=$("$NF_BIN/nicflowd" --pidfile --unixctl="$NF_TMP/second.ctl" 2>&1); rc=$?
if [ $rc != 0 ] && printf '%s' "$out" | grep -q 'already running'; then
    ok "second instance refused"
else
    fail "second instance refused"; diag "rc=$rc" "$out"
fi

# nicflow-appctl against nothing: a clear error, non-zero status.
out=$("$appctl" -t "$NF_TMP/nothing.ctl" version 2>&1); rc=$?
if [ $rc != 0 ] && printf '%s' "$out" | grep -q 'nothing.ctl'; then
    ok "nicflow-appctl names the missing socket"
else
    fail "nicflow-appctl names the missing socket"; diag "rc=$rc" "$out"
fi

# exit stops the daemon and removes its socket and pidfile.
check "nicflow-appctl exit" "$appctl" -t nicflowd exit
for i in $(seq 50); do [ -e "$ctl" ] || break; sleep 0.1; done
check "socket removed after exit" test ! -e "$ctl"
check "pidfile removed after exit" test ! -e "$NICFLOW_RUNDIR/nicflowd.pid"

# SIGTERM stops it too.
check "nicflowd restarts" "$NF_BIN/nicflowd" --detach --pidfile --log-file
pid=$(cat "$NICFLOW_RUNDIR/nicflowd.pid")
kill -TERM "$pid"
for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "SIGTERM stops nicflowd" bash -c "! kill -0 $pid 2>/dev/null"
check "socket removed after SIGTERM" test ! -e "$ctl"
check_output "log file records start and stop" 'stopped' cat "$NICFLOW_LOGDIR/nicflowd.log"

# Our client against a real Open vSwitch daemon (wire compatibility both
# ways): ovsdb-server 3.1 on a scratch database.
if command -v ovsdb-server >/dev/null && [ -f /usr/share/openvswitch/vswitch.ovsschema ]; then
    ovsdb-tool create "$NF_TMP/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    ovsdb-server "$NF_TMP/conf.db" --remote="punix:$NF_TMP/ovsdb.sock" \
        --unixctl="$NF_TMP/ovsdb.ctl" --pidfile="$NF_TMP/ovsdb.pid" \
        --log-file="$NF_TMP/ovsdb.log" --detach --no-chdir -vconsole:off
    on_exit "kill \$(cat '$NF_TMP/ovsdb.pid')"
    check_output "nicflow-appctl list-commands on ovsdb-server" 'ovsdb-server/list-dbs' \
        "$appctl" -t "$NF_TMP/ovsdb.ctl" list-commands
    check_output "nicflow-appctl ovsdb-server/list-dbs" '^Open_vSwitch$' \
        "$appctl" -t "$NF_TMP/ovsdb.ctl" ovsdb-server/list-dbs
    out=$("$appctl" -t "$NF_TMP/ovsdb.ctl" no/such 2>&1); rc=$?
    if [ $rc = 2 ] && printf '%s' "$out" | grep -q 'not a valid command'; then
        ok "nicflow-appctl reports ovsdb-server's error"
    else
        fail "nicflow-appctl reports ovsdb-server's error"; diag "rc=$rc" "$out"
    fi
else
    skip "nicflow-appctl against ovsdb-server" "openvswitch-switch not installed"
fi
finish
