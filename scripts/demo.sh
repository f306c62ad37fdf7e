#!/bin/bash
# make demo: start nicflow-dbd and nicflowd in a scratch run directory,
# configure the tutorials' VLAN lab in the database with ovs-vsctl (the real
# Open vSwitch client, when installed), look at the database history with
# nicflow-dbtool, and talk to nicflowd through its control socket with
# nicflow-appctl (and ovs-appctl).  Everything it creates is removed on
# exit, Ctrl-C included.
#
# Forwarding (bridges built from the database, OpenFlow, the datapath)
# joins this demo as those parts land.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/${BUILD:-build}/bin
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nicflow-demo.XXXXXX")
export NICFLOW_RUNDIR=$tmp/run NICFLOW_LOGDIR=$tmp/log NICFLOW_DBDIR=$tmp/db

cleanup() {
    for p in nicflowd nicflow-dbd; do
        if [ -f "$NICFLOW_RUNDIR/$p.pid" ]; then
            kill "$(cat "$NICFLOW_RUNDIR/$p.pid")" 2>/dev/null || true
        fi
    done
    sleep 0.2
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

echo "nicflow demo: run directory $NICFLOW_RUNDIR"
mkdir -p "$NICFLOW_RUNDIR" "$NICFLOW_DBDIR" "$NICFLOW_LOGDIR"
step "$bin/nicflow-dbtool" create
step "$bin/nicflow-dbd" --remote="punix:$NICFLOW_RUNDIR/db.sock" --detach --pidfile --log-file
if command -v ovs-vsctl >/dev/null; then
    vsctl="ovs-vsctl --db=unix:$NICFLOW_RUNDIR/db.sock --no-wait"
    # The VLAN isolation lab of the tutorials: two hosts' bridges joined by
    # a trunk, four VMs on access ports in VLANs 100 and 200.
    step $vsctl init
    step $vsctl add-br br0 -- add-br br1
    step $vsctl add-port br0 vm1 tag=100 -- set interface vm1 type=internal \
        -- add-port br0 vm2 tag=200 -- set interface vm2 type=internal
    step $vsctl add-port br1 vm3 tag=100 -- set interface vm3 type=internal \
        -- add-port br1 vm4 tag=200 -- set interface vm4 type=internal
    step $vsctl add-port br0 trunk0 -- add-port br1 trunk1
    step $vsctl show
    step "$bin/nicflow-dbtool" show-log -m
fi
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
