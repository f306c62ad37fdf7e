# tests/system/ofctl/lib-ofctl.sh: helpers for the t-ofctl*.sh tests
# (sourced after ../lib.sh and make_tmpdir): a real Open vSwitch 3.1
# switch (ovsdb-server + ovs-vswitchd with a datapath_type=netdev bridge)
# to talk to, and the recorder that captures what a controller sends.

NF_OFCTL_DIR=$NF_TOP/tests/system/ofctl
OVS_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
OVS_DIR=$NF_TMP/ovs
OFCTL=$NF_BIN/nicflow-ofctl
export PYTHONDONTWRITEBYTECODE=1

# start_ovs_switch BRIDGE...: ovsdb-server and ovs-vswitchd 3.1 in
# $OVS_DIR with netdev bridges BRIDGE...; their management sockets are
# $OVS_DIR/BRIDGE.mgmt.  Stopped at exit.  With OVS_NETNS set, ovs-vswitchd
# runs in that network namespace (its userspace datapath's "ovs-netdev"
# tap device would clash with another switch's in the same namespace).
start_ovs_switch() {
    local br
    mkdir -p "$OVS_DIR"
    export OVS_RUNDIR=$OVS_DIR OVS_LOGDIR=$OVS_DIR OVS_DBDIR=$OVS_DIR
    ovsdb-tool create "$OVS_DIR/conf.db" "$OVS_SCHEMA" || return 1
    ovsdb-server "$OVS_DIR/conf.db" --remote="punix:$OVS_DIR/db.sock" \
        --pidfile="$OVS_DIR/ovsdb-server.pid" --no-chdir \
        --log-file="$OVS_DIR/ovsdb-server.log" --detach -vconsole:off \
        || return 1
    on_exit "kill \$(cat '$OVS_DIR/ovsdb-server.pid') 2>/dev/null"
    ovs-vsctl --db="unix:$OVS_DIR/db.sock" --no-wait init || return 1
    ${OVS_NETNS:+ip netns exec "$OVS_NETNS"} \
        ovs-vswitchd "unix:$OVS_DIR/db.sock" \
        --pidfile="$OVS_DIR/ovs-vswitchd.pid" --no-chdir --log-file="$OVS_DIR/ovs-vswitchd.log" --detach \
        --disable-system -vconsole:off || return 1
    on_exit "kill \$(cat '$OVS_DIR/ovs-vswitchd.pid') 2>/dev/null"
    for br in "$@"; do
        ovs-vsctl --db="unix:$OVS_DIR/db.sock" --timeout=20 add-br "$br" \
            -- set bridge "$br" datapath_type=netdev || return 1
    done
}

# start_recorder NAME: a recording OpenFlow listener on $NF_TMP/NAME.sock
# writing to $NF_TMP/NAME.out.  Stopped at exit.
start_recorder() {
    local name=$1 i
    python3 "$NF_OFCTL_DIR/of-recorder.py" --socket "$NF_TMP/$name.sock" \
        --out "$NF_TMP/$name.out" &
    on_exit "kill $! 2>/dev/null"
    for i in $(seq 50); do
        grep -q '^# ready' "$NF_TMP/$name.out" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# recorded NAME FROM [TO]: the messages recorded in lines FROM+1..TO of
# the recording (to its end without TO), one per line, with every xid
# zeroed (the two programs number requests differently) and hellos,
# barriers, features requests and connection markers left out.
recorded() {
    python3 - "$NF_TMP/$1.out" "$2" "${3:-}" <<'EOF'
import sys
lines = open(sys.argv[1]).read().splitlines()
lines = lines[int(sys.argv[2]):int(sys.argv[3])] if sys.argv[3] else \
    lines[int(sys.argv[2]):]
for line in lines:
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    m = bytes.fromhex(line)
    v, t = m[0], m[1]
    if t == 0 or (v == 1 and t in (18, 5)) or (v > 1 and t in (20, 5)):
        continue
    # ovs-ofctl also asks for table statistics or features and port
    # descriptions, to name tables and ports in its output; nicflow-ofctl
    # asks only when it prints names.
    if (v == 1 and t == 16 and m[8:10] == b"\0\3") or \
            (v > 1 and t == 18 and m[8:10] in (b"\0\3", b"\0\x0c",
                                               b"\0\x0d")):
        continue
    print((m[:4] + b"\0\0\0\0" + m[8:]).hex())
EOF
}
