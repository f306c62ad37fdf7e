#!/bin/bash
# The default asynchronous configuration (which packet-in, port status,
# flow-removed, role status, table status and request-forward reasons a
# connection gets before it sends a set-async), compared with a real
# ovs-vswitchd 3.1.  Open vSwitch 3.1's ovs-ofctl has no get-async
# command: a small client (tests/system/ofctl/of-client.py) sends the
# OFPT_GET_ASYNC_REQUEST and the real "ovs-ofctl ofp-print" prints the
# reply.  For OpenFlow 1.3, 1.4 and 1.5, on the bridge's management
# socket and on a punix: controller's, nicflowd's reply must be Open
# vSwitch's, and two of them must also be the exact text expected, so
# that the test fails even if both switches were to change alike.
#
# The messages the old defaults allowed still flow as Open vSwitch sends
# them: role status to a primary that another connection demotes
# (whatever the asynchronous configuration says), invalid-TTL packet-ins
# to an OpenFlow 1.0 controller that asks for them with set-config, and a
# management connection's set-async makes it take asynchronous messages.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl ovs-ofctl ovs-vswitchd ovsdb-server python3
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"
. "$(dirname "$0")/ofctl/lib-ofctl.sh"
unset OVS_RUNDIR OVS_LOGDIR OVS_DBDIR

. "$(dirname "$0")/ofctl/lib-two-switches.sh"
start_two_switches

# Each switch's run directory: its br0.mgmt, and the punix: controller
# socket br0.controller (Open vSwitch takes a punix: controller only in
# its run directory).
declare -A RUNDIR=([nf]=$NICFLOW_RUNDIR [ovs]=$OVS_DIR)
for sw in nf ovs; do
    use $sw
    check "$sw: set-controller br0 punix:.../br0.controller" \
        vsctl set-controller br0 "punix:${RUNDIR[$sw]}/br0.controller"
done
for sw in nf ovs; do
    check_eventually "$sw: the controller socket is there" 10 \
        test -S "${RUNDIR[$sw]}/br0.controller"
done

# session SW CONN VERSION HEX...: connects to switch SW's socket CONN
# (mgmt or controller) with OpenFlow VERSION (4: 1.3, 5: 1.4, 6: 1.5),
# sends each message HEX, and prints what comes back as ovs-ofctl
# ofp-print prints it.
session() {
    local sw=$1 conn=$2 version=$3 h
    shift 3
    h=$(python3 "$NF_OFCTL_DIR/of-client.py" "${RUNDIR[$sw]}/br0.$conn" \
        "$version" "$@") || return 1
    for h in $h; do
        ovs-ofctl ofp-print "$h" || return 1
    done
}
# The request, with xid 0x11, in VERSION (two hex digits).
get_async() { printf '%s1a000800000011' "$1"; }
get_config() { printf '%s070008000000%s' "$1" "$2"; }

# 1. get-async on a fresh connection.
for v in 04 05 06; do
    for conn in mgmt controller; do
        for sw in nf ovs; do
            session $sw $conn $v "$(get_async $v)" \
                > "$NF_TMP/async-$sw-$conn-$v" 2>&1
        done
        if diff -u "$NF_TMP/async-ovs-$conn-$v" "$NF_TMP/async-nf-$conn-$v" \
            > "$NF_TMP/diff"; then
            ok "get-async, OpenFlow version $v, $conn: Open vSwitch's reply"
        else
            fail "get-async, OpenFlow version $v, $conn: Open vSwitch's reply"
            diag "$(cat "$NF_TMP/diff")"
        fi
    done
done

cat > "$NF_TMP/expected-13" <<'EOF'
OFPT_GET_ASYNC_REPLY (OF1.3) (xid=0x11):
 primary:
       PACKET_IN: no_match action
     PORT_STATUS: add delete modify
    FLOW_REMOVED: idle hard delete group_delete
     ROLE_STATUS: (off)
    TABLE_STATUS: (off)
  REQUESTFORWARD: (off)

 secondary:
       PACKET_IN: (off)
     PORT_STATUS: add delete modify
    FLOW_REMOVED: (off)
     ROLE_STATUS: (off)
    TABLE_STATUS: (off)
  REQUESTFORWARD: (off)
EOF
cat > "$NF_TMP/expected-14" <<'EOF'
OFPT_GET_ASYNC_REPLY (OF1.4) (xid=0x11):
 primary:
       PACKET_IN: no_match action action_set group packet_out
     PORT_STATUS: add delete modify
    FLOW_REMOVED: idle hard delete group_delete meter_delete eviction
     ROLE_STATUS: (off)
    TABLE_STATUS: (off)
  REQUESTFORWARD: (off)

 secondary:
       PACKET_IN: (off)
     PORT_STATUS: add delete modify
    FLOW_REMOVED: (off)
     ROLE_STATUS: (off)
    TABLE_STATUS: (off)
  REQUESTFORWARD: (off)
EOF
check "get-async, OpenFlow 1.3, controller: the expected defaults" \
    diff -u "$NF_TMP/expected-13" "$NF_TMP/async-nf-controller-04"
check "get-async, OpenFlow 1.4, management: the expected defaults" \
    diff -u "$NF_TMP/expected-14" "$NF_TMP/async-nf-mgmt-05"

# 2. Role status.  Connections A and B ask to be primary one after the
# other (generation ids GEN and GEN+1; SETUP, a message A sends first);
# what A receives after B's request is printed, as ofp-print prints it.
demote() {
    local sw=$1 conn=$2 version=$3 gen=$4 setup=${5:-} h
    h=$(python3 - "${RUNDIR[$sw]}/br0.$conn" "$version" "$gen" "$setup" \
        <<'EOF'
import socket
import struct
import sys

path, version, gen, setup = sys.argv[1], int(sys.argv[2]), \
    int(sys.argv[3]), sys.argv[4]


def recv_msg(conn):
    data, need = b"", 8
    while len(data) < need:
        chunk = conn.recv(need - len(data))
        if not chunk:
            sys.exit("connection closed")
        data += chunk
        if len(data) >= 8:
            need = struct.unpack("!H", data[2:4])[0]
    return data


def connect():
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(path)
    conn.sendall(struct.pack("!BBHI", version, 0, 8, 1))
    if recv_msg(conn)[1] != 0:
        sys.exit("no hello")
    return conn


def transact(conn, msgs):
    """Sends MSGS and a barrier; returns what came before its reply."""
    got = []
    for m in msgs:
        conn.sendall(m)
    conn.sendall(struct.pack("!BBHI", version, 20, 8, 0x7fff0001))
    while True:
        m = recv_msg(conn)
        if m[1] == 21 and m[4:8] == b"\x7f\xff\x00\x01":
            return got
        got.append(m)


def primary_request(g):
    # OFPT_ROLE_REQUEST, role OFPCR_ROLE_MASTER (2).
    return struct.pack("!BBHIIIQ", version, 24, 24, 7, 2, 0, g)


a, b = connect(), connect()
transact(a, [bytes.fromhex(setup)] if setup else [])
transact(a, [primary_request(gen)])
transact(b, [primary_request(gen + 1)])
for m in transact(a, []):
    if m[1] != 2:  # Not an echo request.
        print(m.hex())
EOF
    ) || return 1
    for h in $h; do
        ovs-ofctl ofp-print "$h" || return 1
    done
}
# A set-async (OpenFlow 1.4) that turns role status off for both roles.
ROLE_STATUS_OFF=051c00180000001200060008000000000007000800000000
# Each case: connection, version, and "off" to have A turn role status
# off first.
gen=100
for case in "controller 05" "controller 06" "controller 05 off" \
    "mgmt 05" "mgmt 06" "mgmt 05 off"; do
    read -r conn v off <<<"$case"
    setup=${off:+$ROLE_STATUS_OFF}
    what="role status, OpenFlow version $v, $conn"
    what="$what${off:+, role status set off}"
    for sw in nf ovs; do
        gen=$((gen + 10))
        demote $sw "$conn" "$v" $gen "$setup" > "$NF_TMP/role-$sw" 2>&1
        # The generation ids differ by design.
        sed -i 's/generation_id=[0-9]*/generation_id=N/' "$NF_TMP/role-$sw"
    done
    if diff -u "$NF_TMP/role-ovs" "$NF_TMP/role-nf" > "$NF_TMP/diff"; then
        ok "$what: Open vSwitch's messages"
    else
        fail "$what: Open vSwitch's messages"
        diag "$(cat "$NF_TMP/diff")"
    fi
    check_output "$what: the demoted primary is told" \
        "^OFPT_ROLE_STATUS \(OF1\.[45]\) \(xid=0x0\): role=secondary generation_id=N reason=primary_request$" \
        cat "$NF_TMP/role-nf"
done

# 3. Invalid-TTL packet-ins: off by default, turned on by an OpenFlow 1.0
# set-config with OFPC_INVALID_TTL_TO_CONTROLLER, which get-config then
# reports.
for sw in nf ovs; do
    session $sw mgmt 01 "$(get_config 01 aa)" \
        0109000c000000bb00040080 "$(get_config 01 cc)" \
        0109000c000000dd00000080 "$(get_config 01 ee)" \
        > "$NF_TMP/config-$sw" 2>&1
done
check "set-config invalid_ttl_to_controller: Open vSwitch's get-config" \
    diff -u "$NF_TMP/config-ovs" "$NF_TMP/config-nf"
check_output "... off by default, on, then off again" \
    'xid=0xaa\): frags=normal miss_send_len=0 .*xid=0xcc\): frags=normal invalid_ttl_to_controller miss_send_len=128 .*xid=0xee\): frags=normal miss_send_len=128' \
    bash -c "tr '\n' ' ' < '$NF_TMP/config-nf'"

# Two OpenFlow 1.0 monitors (ovs-ofctl monitor, which sends set-config)
# on each switch's management socket, "ttl" asking for invalid-TTL
# packet-ins, "plain" not.  A packet-out whose dec_ttl finds TTL 1, then
# one to the controller: both monitors get the second, only "ttl" the
# first.  The packet: IPv4/UDP, TTL 1.
PKT=5054000000025054000000010800
PKT=${PKT}4500001c0000000001110000c0a80001c0a80002
PKT=${PKT}0007000700080000
packet_out() {
    ovs-ofctl packet-out "unix:${RUNDIR[$1]}/br0.mgmt" \
        "in_port=controller packet=$PKT actions=$2"
}
# n_pins SW MON REASON: how many packet-ins monitor MON of SW printed
# with REASON (grep -c fails on none: the count is what matters).
n_pins() { grep -c "(via $3)" "$NF_TMP/mon-$1-$2" || true; }
# synced SW N: both monitors of SW printed N packet-ins "via action".
synced() {
    [ "$(n_pins "$1" ttl action)" -ge "$2" ] &&
        [ "$(n_pins "$1" plain action)" -ge "$2" ]
}
# (A monitor's control socket goes in OVS_RUNDIR.)
for sw in nf ovs; do
    OVS_RUNDIR=$NF_TMP ovs-ofctl monitor "unix:${RUNDIR[$sw]}/br0.mgmt" \
        65534 invalid_ttl > "$NF_TMP/mon-$sw-ttl" 2>&1 &
    on_exit "kill $!"
    OVS_RUNDIR=$NF_TMP ovs-ofctl monitor "unix:${RUNDIR[$sw]}/br0.mgmt" \
        65534 > "$NF_TMP/mon-$sw-plain" 2>&1 &
    on_exit "kill $!"
done
# A monitor that printed a packet-in has had its set-config (which sets
# the miss_send_len a management connection needs for any packet-in, and
# the invalid-TTL flag) handled.
for sw in nf ovs; do
    for i in $(seq 50); do
        packet_out $sw controller
        synced $sw 1 && break
        sleep 0.2
    done
    check "$sw: both monitors receive packet-ins" synced $sw 1
done
for sw in nf ovs; do
    n=$(n_pins $sw ttl action)
    packet_out $sw dec_ttl
    packet_out $sw controller
    check_eventually "$sw: both monitors receive the next packet-in" 10 \
        synced $sw $((n + 1))
    check_output "$sw: the monitor that asked gets the invalid-TTL packet-in" \
        '^1$' n_pins $sw ttl invalid_ttl
    check_output "$sw: the other one does not" '^0$' \
        n_pins $sw plain invalid_ttl
done

# 4. A management connection's set-async makes it take asynchronous
# messages: its miss_send_len, 0 until then, becomes 128.
for sw in nf ovs; do
    session $sw mgmt 05 "$(get_config 05 aa)" \
        051c0010000000120008000800000018 "$(get_config 05 bb)" \
        > "$NF_TMP/sa-$sw" 2>&1
done
check "set-async on the management socket: Open vSwitch's get-config" \
    diff -u "$NF_TMP/sa-ovs" "$NF_TMP/sa-nf"
check_output "... miss_send_len 0, then 128" \
    'xid=0xaa\): frags=normal miss_send_len=0.*xid=0xbb\): frags=normal miss_send_len=128' \
    bash -c "tr '\n' ' ' < '$NF_TMP/sa-nf'"

# 5. A 1.4 set-async that carries only the primary table-status property
# changes that alone: the packet-in, port-status and flow-removed
# settings stay (Open vSwitch starts from the connection's current
# configuration).
SA_TABLE_STATUS=051c0010000000130009000800000018
for sw in nf ovs; do
    session $sw controller 05 "$SA_TABLE_STATUS" "$(get_async 05)" \
        > "$NF_TMP/sa-ts-$sw" 2>&1
done
check "set-async with only table status, then get-async: Open vSwitch's" \
    diff -u "$NF_TMP/sa-ts-ovs" "$NF_TMP/sa-ts-nf"
cat > "$NF_TMP/expected-ts" <<'EOF'
OFPT_GET_ASYNC_REPLY (OF1.4) (xid=0x11):
 primary:
       PACKET_IN: no_match action action_set group packet_out
     PORT_STATUS: add delete modify
    FLOW_REMOVED: idle hard delete group_delete meter_delete eviction
     ROLE_STATUS: (off)
    TABLE_STATUS: vacancy_down vacancy_up
  REQUESTFORWARD: (off)

 secondary:
       PACKET_IN: (off)
     PORT_STATUS: add delete modify
    FLOW_REMOVED: (off)
     ROLE_STATUS: (off)
    TABLE_STATUS: (off)
  REQUESTFORWARD: (off)
EOF
check "... the other settings kept" \
    diff -u "$NF_TMP/expected-ts" "$NF_TMP/sa-ts-nf"

# 6. Connections accepted on a passive controller target are service
# connections unless the Controller row's type says "primary": no
# asynchronous messages (miss_send_len 0) until the controller sets a
# miss_send_len.  A table-miss flow sends every packet to the
# controller; packet-outs through the table (on the management socket)
# make the packets, P1 before the client's set-config, P2 after, told
# apart by their UDP source port.
for sw in nf ovs; do
    use $sw
    check "$sw: add a table-miss flow to the controller" \
        ovs-ofctl add-flow "$BR" "priority=0,actions=controller"
done
# pin_session SW VERSION SET_CONFIG: on SW's controller socket, in
# OpenFlow VERSION: get-config; packet-out P1; then, unless SET_CONFIG is
# "-", send it; get-config again; packet-out P2; print, as ofp-print
# prints them, the replies and the first packet-in (none comes before the
# second get-config's reply on a service connection; a packet-in from P1
# would come before P2's).
pin_session() {
    local sw=$1 version=$2 setcfg=$3 h
    h=$(python3 - "${RUNDIR[$sw]}/br0.controller" "$version" "$setcfg" \
        "unix:${RUNDIR[$sw]}/br0.mgmt" "$PKT" <<'EOF'
import socket
import struct
import subprocess
import sys

path, version, setcfg, mgmt, pkt = sys.argv[1], int(sys.argv[2]), \
    sys.argv[3], sys.argv[4], sys.argv[5]


def recv_msg(conn):
    data, need = b"", 8
    while len(data) < need:
        chunk = conn.recv(need - len(data))
        if not chunk:
            sys.exit("connection closed")
        data += chunk
        if len(data) >= 8:
            need = struct.unpack("!H", data[2:4])[0]
    return data


def transact(conn, msgs):
    """Sends MSGS and a barrier; returns what came before its reply
    (echo requests left out)."""
    got = []
    for m in msgs:
        conn.sendall(m)
    conn.sendall(struct.pack("!BBHI", version, 20, 8, 0x7fff0001))
    while True:
        m = recv_msg(conn)
        if m[1] == 21 and m[4:8] == b"\x7f\xff\x00\x01":
            return got
        if m[1] != 2:
            got.append(m)


def packet_out(sport):
    # The packet with UDP source port SPORT; the switch's own
    # connection, so that its packet-in is the controller's only.
    p = pkt[:68] + "%04x" % sport + pkt[72:]
    subprocess.run(["ovs-ofctl", "packet-out", mgmt,
                    "in_port=controller packet=%s actions=table" % p],
                   check=True)


def get_config(xid):
    return struct.pack("!BBHI", version, 7, 8, xid)


conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
conn.connect(path)
conn.sendall(struct.pack("!BBHI", version, 0, 8, 1))
if recv_msg(conn)[1] != 0:
    sys.exit("no hello")
out = transact(conn, [get_config(0xa1)])
packet_out(1)
# Round trips on other connections: by their end a switch has sent, or
# dropped, what P1 made (Open vSwitch sends packet-ins a main-loop
# iteration after making them).
for _ in range(2):
    subprocess.run(["ovs-ofctl", "dump-flows", mgmt], check=True,
                   stdout=subprocess.DEVNULL)
msgs = [get_config(0xa2)]
if setcfg != "-":
    msgs.insert(0, bytes.fromhex(setcfg))
out += transact(conn, msgs)
packet_out(2)
conn.settimeout(20)
while True:
    m = recv_msg(conn)
    if m[1] == 10:
        out.append(m)
        break
    if m[1] != 2:
        out.append(m)
for m in out:
    print(m.hex())
EOF
    ) || return 1
    for h in $h; do
        ovs-ofctl ofp-print "$h" || return 1
    done
}
# OpenFlow 1.3 set-config: no fragment flags, miss_send_len 128.
SET_CONFIG_13=0409000c0000000500000080
for sw in nf ovs; do
    pin_session $sw 04 "$SET_CONFIG_13" > "$NF_TMP/svc-$sw" 2>&1
done
if diff -u "$NF_TMP/svc-ovs" "$NF_TMP/svc-nf" > "$NF_TMP/diff"; then
    ok "punix: controller, set-config then packet-in: Open vSwitch's messages"
else
    fail "punix: controller, set-config then packet-in: Open vSwitch's messages"
    diag "$(cat "$NF_TMP/diff")"
fi
# ovs-ofctl prints the UDP source port as tp_src.
check_output "... miss_send_len 0, 128 after set-config; P2's packet-in first" \
    'xid=0xa1\): frags=normal miss_send_len=0 .*xid=0xa2\): frags=normal miss_send_len=128 OFPT_PACKET_IN .*tp_src=2,' \
    bash -c "tr '\n' ' ' < '$NF_TMP/svc-nf'"
check_output "... and no packet-in of P1" '^0$' \
    bash -c "grep -c 'tp_src=1,' '$NF_TMP/svc-nf'; true"

# The same target with type=primary: a controller, packet-ins at once
# (miss_send_len 128 without asking; P1's packet-in comes before the
# second get-config's reply).
for sw in nf ovs; do
    use $sw
    check "$sw: set controller br0 type=primary" \
        vsctl set controller br0 type=primary
    pin_session $sw 04 - > "$NF_TMP/pri-$sw" 2>&1
done
if diff -u "$NF_TMP/pri-ovs" "$NF_TMP/pri-nf" > "$NF_TMP/diff"; then
    ok "punix: controller of type primary: Open vSwitch's messages"
else
    fail "punix: controller of type primary: Open vSwitch's messages"
    diag "$(cat "$NF_TMP/diff")"
fi
check_output "... miss_send_len 128 at once; P1's packet-in, then P2's" \
    'xid=0xa1\): frags=normal miss_send_len=128 OFPT_PACKET_IN .*tp_src=1,.*xid=0xa2\): frags=normal miss_send_len=128 OFPT_PACKET_IN .*tp_src=2,' \
    bash -c "tr '\n' ' ' < '$NF_TMP/pri-nf'"

# A standalone bridge whose only controller is passive keeps its NORMAL
# flow (a service connection does not count for the fail mode); an
# active controller takes it away.  What each switch's br1 holds must be
# the same, and the expected text.
for sw in nf ovs; do
    use $sw
    check "$sw: add-br br1 (standalone) with a punix: controller" \
        vsctl add-br br1 -- set bridge br1 datapath_type=netdev \
        -- set-controller br1 "punix:${RUNDIR[$sw]}/br1.controller"
    check_eventually "$sw: br1 keeps its NORMAL flow" 10 \
        bash -c "[ \"\$(ovs-ofctl dump-flows unix:${RUNDIR[$sw]}/br1.mgmt --no-stats |
                   grep -c 'priority=0 actions=NORMAL')\" = 1 ]"
done
for sw in nf ovs; do
    use $sw
    # An active target nobody listens on: a primary controller all the
    # same, which makes the bridge give up the flow.
    check "$sw: br1 gets an active controller too" \
        vsctl set-controller br1 "punix:${RUNDIR[$sw]}/br1.controller" \
        tcp:127.0.0.1:9
    check_eventually "$sw: br1's NORMAL flow is gone" 10 \
        bash -c "[ \"\$(ovs-ofctl dump-flows unix:${RUNDIR[$sw]}/br1.mgmt --no-stats |
                   grep -c 'actions=NORMAL')\" = 0 ]"
done

check_output "nicflowd logs nothing at warning level or worse" \
    '^0$' bash -c "grep -c 'WARN\|ERR' '$NICFLOW_LOGDIR/nicflowd.log'; true"
finish
