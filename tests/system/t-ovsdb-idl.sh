#!/bin/bash
# The OVSDB client library (ovsdb/idl.h) through a small driver,
# tests/system/idl-demo.c, built here against the libraries in build/:
# against nicflow-dbd and against Open vSwitch's ovsdb-server 3.1 it syncs
# the Open_vSwitch database, commits a transaction that adds a bridge with
# a port and an interface and increments next_cfg (checked with
# ovs-vsctl), retries a transaction whose verified column another client
# changed between read and commit, and reports a missing database; against
# nicflow-dbd it also resyncs after the server is killed (-9) and
# restarted.  Needs no root.
. "$(dirname "$0")/lib.sh"
require_cmd cc pkg-config python3
make_tmpdir

build=$NF_TOP/${BUILD:-build}
demo=$NF_TMP/idl-demo
for lib in libovsdb.a libnicflow.a; do
    if [ ! -f "$build/lib/$lib" ]; then
        fail "libraries are built"
        diag "$build/lib/$lib is missing (run make)"
        finish
    fi
done
pkgs=$(pkg-config --libs jansson libmnl openssl 2>/dev/null)
for p in libnl-3.0 libnl-route-3.0; do
    pkg-config --exists $p 2>/dev/null && pkgs="$pkgs $(pkg-config --libs $p)"
done
check "idl-demo builds" \
    cc -std=gnu11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror \
    -Wno-unused-parameter -I"$NF_TOP" -I"$NF_TOP/include" -I"$build" \
    "$NF_TOP/tests/system/idl-demo.c" -o "$demo" \
    "$build/lib/libovsdb.a" "$build/lib/libnicflow.a" $pkgs -lpthread
[ -x "$demo" ] || finish

have_vsctl=no
command -v ovs-vsctl >/dev/null && have_vsctl=yes

# wait_for FILE REGEX: waits up to 10 s for a line of FILE to match.
wait_for() {
    local i
    for i in $(seq 100); do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# wait_sock PATH: waits up to 10 s for the socket PATH to exist.
wait_sock() {
    local i
    for i in $(seq 100); do
        [ -S "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

# vsctl_has NAME REGEX ARGS...: ovs-vsctl ARGS prints a line matching
# REGEX.
vsctl_has() {
    local name=$1 re=$2; shift 2
    if [ $have_vsctl = no ]; then
        skip "$name" "ovs-vsctl not installed"
        return
    fi
    check_output "$name" "$re" ovs-vsctl --timeout=10 "$@"
}

# The checks every server gets.  $1: label, $2: remote.
common_checks() {
    local label=$1 db=$2 out
    check_output "$label: syncs the empty database" '^$' \
        "$demo" --db="$db" show
    check_output "$label: add-br creates the Open_vSwitch row and br0" \
        'bridge br0: p0\(i0\)' "$demo" --db="$db" add-br br0 p0 i0
    check_output "$label: add-br br1 increments next_cfg to 1" \
        'new next_cfg=1' "$demo" --db="$db" add-br br1 p1 i1
    check_output "$label: the replica shows both bridges" \
        '^bridge br1: p1\(i1\)$' "$demo" --db="$db" show
    vsctl_has "$label: ovs-vsctl lists br0" '^name +: br0$' \
        --db="$db" list bridge br0
    vsctl_has "$label: ovs-vsctl sees external_ids" 'created-by=idl-demo' \
        --db="$db" get bridge br1 external_ids
    vsctl_has "$label: ovs-vsctl sees the port and interface" '^i1$' \
        --db="$db" list-ifaces br1
    vsctl_has "$label: ovs-vsctl reads next_cfg 1" '^1$' \
        --db="$db" get Open_vSwitch . next_cfg

    if [ $have_vsctl = yes ]; then
        out=$("$demo" --db="$db" conflict brC \
              "ovs-vsctl --timeout=10 --db=$db --no-wait add-br brD" 2>&1)
        if printf '%s\n' "$out" | grep -q '^status=success attempts=2$' &&
           printf '%s\n' "$out" | grep -q '^bridge brD: brD(brD)$' &&
           printf '%s\n' "$out" | grep -q '^bridge brC: brC(brC)$'; then
            ok "$label: a concurrent change fails the verify and the retry succeeds"
        else
            fail "$label: a concurrent change fails the verify and the retry succeeds"
            diag "$out"
        fi
        vsctl_has "$label: both concurrent bridges exist" '^brC$' \
            --db="$db" list-br
    else
        skip "$label: a concurrent change fails the verify and the retry succeeds" \
            "ovs-vsctl not installed"
    fi

    out=$("$demo" --db="$db" --database=Nope --timeout=5 show 2>&1)
    if [ $? != 0 ] && printf '%s\n' "$out" | grep -q 'no database named Nope'; then
        ok "$label: a missing database is reported"
    else
        fail "$label: a missing database is reported"
        diag "$out"
    fi
}

# nicflow-dbd.
db=$NICFLOW_DBDIR/conf.db
schema=$NF_TOP/ovsdb/vswitch.ovsschema
if [ -x "$NF_BIN/nicflow-dbtool" ]; then
    "$NF_BIN/nicflow-dbtool" create "$db" "$schema" >/dev/null
else
    python3 "$NF_TOP/tests/system/ovsdb/mkdb.py" "$db" "$schema"
fi
sock=$NICFLOW_RUNDIR/db.sock
if [ -f "$db" ] &&
   start_daemon nicflow-dbd "$db" --remote="punix:$sock" 2>/dev/null &&
   wait_sock "$sock"; then
    ok "nicflow-dbd starts"
    common_checks nicflow-dbd "unix:$sock"

    # Kill the server while a client waits, restart it, change the
    # database: the client must reconnect and resync by itself.
    "$demo" --db="unix:$sock" --timeout=30 wait-reconnect brR \
        > "$NF_TMP/reconnect.out" 2>&1 &
    client=$!
    on_exit "kill $client"
    if wait_for "$NF_TMP/reconnect.out" '^synced$'; then
        kill -9 "$(cat "$NICFLOW_RUNDIR/nicflow-dbd.pid")"
        sleep 0.5
        start_daemon nicflow-dbd "$db" --remote="punix:$sock" 2>/dev/null &&
            wait_sock "$sock"
        if [ $have_vsctl = yes ]; then
            ovs-vsctl --timeout=10 --db="unix:$sock" --no-wait add-br brR
        else
            "$demo" --db="unix:$sock" add-br brR brR brR >/dev/null
        fi
    fi
    wait $client
    rc=$?
    out=$(cat "$NF_TMP/reconnect.out")
    if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q '^synced (sync #2)$' &&
       printf '%s\n' "$out" | grep -q '^bridge brR: brR(brR)$' &&
       printf '%s\n' "$out" | grep -q '^bridge br0: p0(i0)$'; then
        ok "nicflow-dbd: a client resyncs after kill -9 and restart"
    else
        fail "nicflow-dbd: a client resyncs after kill -9 and restart"
        diag "exit status $rc" "$out"
    fi
else
    fail "nicflow-dbd starts"
    diag "$(cat "$NICFLOW_LOGDIR"/*.log 2>/dev/null | tail -20)"
fi

# Open vSwitch's ovsdb-server.
reference=/usr/share/openvswitch/vswitch.ovsschema
if ! command -v ovsdb-server >/dev/null || ! command -v ovsdb-tool >/dev/null \
   || [ ! -f "$reference" ]; then
    skip "ovsdb-server: all" "Open vSwitch not installed (scripts/install-deps.sh --test)"
    finish
fi
ovs=$NF_TMP/ovs
mkdir -p "$ovs"
if ovsdb-tool create "$ovs/conf.db" "$reference" &&
   ovsdb-server "$ovs/conf.db" --remote="punix:$ovs/db.sock" \
       --pidfile="$ovs/ovsdb-server.pid" --unixctl="$ovs/ovsdb-server.ctl" \
       --log-file="$ovs/ovsdb-server.log" --detach --no-chdir 2>/dev/null
then
    on_exit "kill \$(cat '$ovs/ovsdb-server.pid')"
    ok "ovsdb-server starts"
    common_checks ovsdb-server "unix:$ovs/db.sock"
else
    fail "ovsdb-server starts"
fi
finish
