#!/bin/bash
# make demo: start nicflowd in a scratch run directory, talk to it through
# its control socket with nicflow-appctl (and ovs-appctl when installed),
# then stop it.  Everything it creates is removed on exit, Ctrl-C included.
#
# The switch itself (bridges, OpenFlow, the VLAN lab of the tutorials)
# joins this demo as those parts land.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/${BUILD:-build}/bin
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nicflow-demo.XXXXXX")
export NICFLOW_RUNDIR=$tmp/run NICFLOW_LOGDIR=$tmp/log NICFLOW_DBDIR=$tmp/db

cleanup() {
    if [ -f "$NICFLOW_RUNDIR/nicflowd.pid" ]; then
        kill "$(cat "$NICFLOW_RUNDIR/nicflowd.pid")" 2>/dev/null || true
        sleep 0.2
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

echo "nicflow demo: run directory $NICFLOW_RUNDIR"
step "$bin/nicflowd" --detach --pidfile --log-file
step "$bin/nicflow-appctl" -t nicflowd version
step "$bin/nicflow-appctl" -t nicflowd list-commands
step "$bin/nicflow-appctl" -t nicflowd vlog/set unixctl:file:dbg
step "$bin/nicflow-appctl" -t nicflowd vlog/list
step "$bin/nicflow-appctl" -t nicflowd coverage/show
step "$bin/nicflow-appctl" -t nicflowd memory/show
if command -v ovs-appctl >/dev/null; then
    step ovs-appctl -t "$NICFLOW_RUNDIR/nicflowd.ctl" version
fi
step "$bin/nicflow-appctl" -t nicflowd exit
sleep 0.2
echo
echo "log file ($NICFLOW_LOGDIR/nicflowd.log):"
sed 's/^/  /' "$NICFLOW_LOGDIR/nicflowd.log"
echo
echo "demo finished."
