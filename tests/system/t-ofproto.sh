#!/bin/bash
# The OpenFlow switch core of nicflowd (vswitchd/ofproto*.c, connmgr*.c)
# against the real ovs-ofctl 3.1.  tests/system/ofproto-server runs one
# bridge "br0" with ports 1-3 and LOCAL and no datapath; a real
# ovs-vswitchd 3.1 with the same ports gets the same commands, and what
# ovs-ofctl dumps from both must agree (durations and ages removed).  Then
# errors, bundles, groups, meters, ports, packet-out, and malformed
# messages, which must get error replies while the server stays up.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3 ovs-vsctl ovs-ofctl ovs-vswitchd ovsdb-server ovsdb-tool
# The netdev bridge of ovs-vswitchd creates a tap device named after it:
# keep it in a network namespace of the test's own.
if [ -z "${NF_OFPROTO_NS:-}" ]; then
    NF_OFPROTO_NS=1 exec unshare -n bash "$0" "$@"
fi
ip link set lo up
make_tmpdir
. "$(dirname "$0")/ofctl/lib-ofctl.sh"

server=$NF_TOP/${BUILD:-build}/tests/ofproto-server
if [ ! -x "$server" ]; then
    make -C "$NF_TOP" --no-print-directory -s \
        "${BUILD:-build}/tests/ofproto-server" >/dev/null 2>&1
fi
if [ ! -x "$server" ]; then
    fail "ofproto-server is built (make build/tests/ofproto-server)"
    finish
fi

# start_server: ofproto-server in the background, stopped at exit.
start_server() {
    local i
    "$server" br0 > "$NF_TMP/server.out" 2> "$NF_TMP/server.err" &
    SERVER_PID=$!
    on_exit "kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null"
    for i in $(seq 50); do
        grep -q '^ready' "$NF_TMP/server.out" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
check_here "ofproto-server starts" start_server
NF=unix:$NICFLOW_RUNDIR/br0.mgmt
check "management socket exists" test -S "$NICFLOW_RUNDIR/br0.mgmt"

start_ovs() {
    local i
    start_ovs_switch br0 || return 1
    for i in 1 2 3; do
        ovs-vsctl --db="unix:$OVS_DIR/db.sock" add-port br0 p$i \
            -- set interface p$i type=internal ofport_request=$i || return 1
    done
}
check_here "ovs-vswitchd 3.1 runs with bridge br0" start_ovs
OVS=unix:$OVS_DIR/br0.mgmt

# norm: dump-flows output without the header, durations and ages, sorted.
norm() {
    sed -E -e '/^(NXST|OFPST)_FLOW reply/d' -e 's/duration=[0-9.]+s, //' \
        -e 's/(idle|hard)_age=[0-9]+, //g' | sort
}

# same NAME ARGS...: "ovs-ofctl ARGS" dumps the same from both switches.
same() {
    local name=$1; shift
    ovs-ofctl "$@" "$NF" 2>&1 | norm > "$NF_TMP/got"
    ovs-ofctl "$@" "$OVS" 2>&1 | norm > "$NF_TMP/want"
    if cmp -s "$NF_TMP/got" "$NF_TMP/want"; then
        ok "$name"
    else
        fail "$name"
        diag "$(diff "$NF_TMP/want" "$NF_TMP/got")"
    fi
}

# both ARGS...: runs "ovs-ofctl ARGS SWITCH [REST]" on both switches; the
# switch goes after the command word (ARGS up to the first non-option).
both() {
    local opts=() rc1 rc2
    while [[ $1 == -* ]]; do
        if [ "$1" = -O ]; then
            opts+=("$1" "$2"); shift 2
        else
            opts+=("$1"); shift
        fi
    done
    local cmd=$1; shift
    ovs-ofctl "${opts[@]}" "$cmd" "$NF" "$@" > "$NF_TMP/both.nf" 2>&1
    rc1=$?
    ovs-ofctl "${opts[@]}" "$cmd" "$OVS" "$@" > "$NF_TMP/both.ovs" 2>&1
    rc2=$?
    [ $rc1 = $rc2 ] || {
        echo "exit status $rc1 here, $rc2 from ovs-vswitchd"
        cat "$NF_TMP/both.nf" "$NF_TMP/both.ovs"
        return 1
    }
}

cat > "$NF_TMP/flows" <<'EOF'
priority=100,in_port=1,actions=output:2
priority=100,in_port=2,actions=output:1
priority=90,ip,nw_src=10.0.0.0/8,actions=mod_nw_tos:16,output:3
priority=80,tcp,tp_dst=80,cookie=0x10,actions=drop
priority=80,udp,tp_dst=53,cookie=0x11,idle_timeout=300,actions=output:LOCAL
table=1,priority=5,arp,actions=normal
table=2,priority=7,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=flood
cookie=0x20,priority=3,in_port=3,dl_vlan=10,actions=strip_vlan,output:1
EOF

for v in OpenFlow10 OpenFlow13 OpenFlow14 OpenFlow15; do
    check "$v: del-flows" both -O $v del-flows
    check "$v: add-flows" both -O $v add-flows "$NF_TMP/flows"
    same "$v: dump-flows after add-flows" -O $v dump-flows
    same "$v: dump-flows --no-stats" -O $v --no-stats dump-flows
    same "$v: dump-flows --names" -O $v --names dump-flows
    same "$v: dump-flows of table 1" -O $v dump-flows table=1
    same "$v: dump-flows with a match" -O $v dump-flows ip
    check "$v: add-flow" both -O $v add-flow \
        "priority=200,in_port=3,actions=output:1"
    check "$v: mod-flows non-strict" both -O $v mod-flows "in_port=1,actions=3"
    check "$v: mod-flows --strict" both -O $v --strict mod-flows \
        "priority=100,in_port=2,actions=LOCAL"
    same "$v: dump-flows after mod-flows" -O $v dump-flows
    check "$v: del-flows --strict" both -O $v --strict del-flows \
        "priority=200,in_port=3"
    check "$v: del-flows out_port" both -O $v del-flows "out_port=LOCAL"
    same "$v: dump-flows after deletes" -O $v dump-flows
    if [ $v != OpenFlow10 ]; then
        check "$v: del-flows by cookie mask" both -O $v del-flows \
            "cookie=0x10/0xfffffff0"
        same "$v: dump-flows after cookie delete" -O $v dump-flows
    fi
    same "$v: dump-aggregate" -O $v dump-aggregate
done

# Bundles: atomic, all or nothing.
printf '%s\n' "priority=1,in_port=1,actions=output:2" \
    "priority=2,in_port=2,actions=group:99" > "$NF_TMP/bad-bundle"
for v in OpenFlow13 OpenFlow14 OpenFlow15; do
    check "$v: del-flows before bundle" both -O $v del-flows
    check "$v: add-flows --bundle" both -O $v --bundle add-flows \
        "$NF_TMP/flows"
    same "$v: dump-flows after --bundle" -O $v dump-flows
    check "$v: a failing bundle fails on both" both -O $v --bundle \
        add-flows "$NF_TMP/bad-bundle"
    check_output "$v: a failing bundle names the error" \
        "OFPBAC_BAD_OUT_GROUP|OFPBFC_MSG_FAILED" cat "$NF_TMP/both.nf"
    same "$v: a failing bundle changes nothing" -O $v dump-flows
done

# replace-flows and diff-flows.
printf '%s\n' "priority=1,in_port=1,actions=output:3" \
    "priority=100,in_port=1,actions=output:2" > "$NF_TMP/replacement"
check "replace-flows" both -O OpenFlow13 replace-flows "$NF_TMP/replacement"
same "dump-flows after replace-flows" -O OpenFlow13 dump-flows
check "diff-flows finds no difference" ovs-ofctl diff-flows "$NF" \
    "$NF_TMP/replacement"

# Errors that the switch (not ovs-ofctl) finds.
check_output "add to the hidden table 254: OFPBRC_EPERM" OFPBRC_EPERM \
    bash -c "ovs-ofctl -O OpenFlow13 add-flow '$NF' table=254,actions=drop 2>&1; true"
check_output "group that does not exist: OFPBAC_BAD_OUT_GROUP" \
    OFPBAC_BAD_OUT_GROUP \
    bash -c "ovs-ofctl -O OpenFlow13 add-flow '$NF' actions=group:9 2>&1; true"
check_output "backward goto_table: OFPBIC_BAD_TABLE_ID" OFPBIC_BAD_TABLE_ID \
    python3 - "$NICFLOW_RUNDIR/br0.mgmt" <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(struct.pack("!BBHI", 4, 0, 8, 1)); s.recv(4096)
# OpenFlow 1.3 flow-mod in table 3 with goto_table:1.
body = struct.pack("!QQBBHHHIIIHH", 0, 0, 3, 0, 0, 0, 0x8000, 0xffffffff,
                   0xffffffff, 0xffffffff, 0, 0)
match = struct.pack("!HH", 1, 4) + b"\0" * 4
inst = struct.pack("!HHB3x", 1, 8, 1)
msg = body + match + inst
s.sendall(struct.pack("!BBHI", 4, 14, 8 + len(msg), 7) + msg)
r = s.recv(4096)
print("OFPBIC_BAD_TABLE_ID" if r[1] == 1 and r[8:12] == b"\0\3\0\2" else r.hex())
EOF

# Groups.
for v in OpenFlow13 OpenFlow15; do
    check "$v: del-groups" both -O $v del-groups
    check "$v: add-group all" both -O $v add-group \
        "group_id=1,type=all,bucket=output:1,bucket=output:2"
    check "$v: add-group select" both -O $v add-group \
        "group_id=2,type=select,bucket=weight:10,output:1,bucket=weight:20,output:3"
    check "$v: add-group indirect" both -O $v add-group \
        "group_id=3,type=indirect,bucket=actions=mod_vlan_vid:5,output:2"
    check "$v: add-group ff" both -O $v add-group \
        "group_id=4,type=ff,bucket=watch_port:1,output:1,bucket=watch_port:2,output:2"
    check "$v: add-group that exists fails on both" both -O $v add-group \
        "group_id=1,type=all,bucket=output:3"
    check_output "$v: ...with OFPGMFC_GROUP_EXISTS" OFPGMFC_GROUP_EXISTS \
        cat "$NF_TMP/both.nf"
    check "$v: mod-group of a missing group fails on both" both -O $v \
        mod-group "group_id=9,type=all,bucket=output:3"
    check_output "$v: ...with OFPGMFC_UNKNOWN_GROUP" OFPGMFC_UNKNOWN_GROUP \
        cat "$NF_TMP/both.nf"
    check "$v: mod-group" both -O $v mod-group \
        "group_id=1,type=all,bucket=output:3"
    same "$v: dump-groups" -O $v dump-groups
    check "$v: flow using group 2" both -O $v add-flow \
        "priority=300,actions=group:2"
    check "$v: del-groups group_id=2" both -O $v del-groups group_id=2
    same "$v: dump-groups after delete" -O $v dump-groups
    same "$v: deleting a group deletes its flows" -O $v dump-flows
done
check_output "dump-group-stats" 'group_id=1,duration=[0-9.]+s,ref_count=0' \
    ovs-ofctl -O OpenFlow13 dump-group-stats "$NF"
check_output "dump-group-features" 'Types:  0xf' \
    ovs-ofctl -O OpenFlow13 dump-group-features "$NF"

# Meters.
for sw in "$NF" "$OVS"; do ovs-ofctl -O OpenFlow13 del-meters "$sw"; done
check "add-meter" both -O OpenFlow13 add-meter \
    "meter=1,kbps,band=type=drop,rate=1000"
check "add-meter with burst and stats" both -O OpenFlow13 add-meter \
    "meter=2,pktps,burst,stats,band=type=drop,rate=100,burst_size=10"
check "add-meter that exists fails on both" both -O OpenFlow13 add-meter \
    "meter=1,kbps,band=type=drop,rate=1000"
check "dscp_remark fails on both" both -O OpenFlow13 add-meter \
    "meter=3,kbps,band=type=dscp_remark,rate=100,prec_level=1"
check_output "...with OFPMMFC_BAD_BAND" OFPMMFC_BAD_BAND cat "$NF_TMP/both.nf"
same "dump-meters" -O OpenFlow13 dump-meters
ovs-ofctl -O OpenFlow13 meter-stats "$NF" | sed -E 's/duration:[0-9.]+s/D/' \
    > "$NF_TMP/got"
ovs-ofctl -O OpenFlow13 meter-stats "$OVS" | sed -E 's/duration:[0-9.]+s/D/' \
    > "$NF_TMP/want"
check "meter-stats" cmp "$NF_TMP/want" "$NF_TMP/got"
same "meter-features" -O OpenFlow13 meter-features

# Ports, tables, configuration.
for v in OpenFlow10 OpenFlow13 OpenFlow14 OpenFlow15; do
    check_output "$v: show" 'n_tables:254, n_buffers:0' \
        ovs-ofctl -O $v show "$NF"
    check_output "$v: dump-ports-desc" ' LOCAL\(br0\): addr:' \
        ovs-ofctl -O $v dump-ports-desc "$NF"
    check_output "$v: dump-tables" 'active=[0-9]+, lookup=0, matched=0' \
        ovs-ofctl -O $v dump-tables "$NF"
    check_output "$v: dump-ports" 'port  2: rx pkts=2, bytes=0' \
        ovs-ofctl -O $v dump-ports "$NF"
    check_output "$v: dump-desc" 'Manufacturer: nicflow' \
        ovs-ofctl -O $v dump-desc "$NF"
done
check_output "dump-table-features" 'table 253:|tables? 1' \
    ovs-ofctl -O OpenFlow13 dump-table-features "$NF"
check "set-frags" ovs-ofctl set-frags "$NF" drop
check_output "get-frags" '^drop$' ovs-ofctl get-frags "$NF"
check "mod-port p1 down" ovs-ofctl -O OpenFlow13 mod-port "$NF" p1 down
check_output "port-mod reaches the bridge" 'port_mod port=1 config=0x0->0x1' \
    cat "$NF_TMP/server.out"
check_output "dump-ports-desc shows PORT_DOWN" 'config: +PORT_DOWN' \
    ovs-ofctl -O OpenFlow13 dump-ports-desc "$NF" 1
check "mod-port p1 up" ovs-ofctl -O OpenFlow10 mod-port "$NF" p1 up
check_output "queue-get-config of a missing port" OFPQOFC_BAD_PORT \
    ovs-ofctl -O OpenFlow13 queue-get-config "$NF" 77

# Packet-out goes to the bridge's callback.
pkt=ffffffffffff00000000000108060001080006040001000000000001c0a80001000000000000c0a80002
for v in OpenFlow10 OpenFlow13 OpenFlow15; do
    check "$v: packet-out" ovs-ofctl -O $v packet-out "$NF" \
        "in_port=1,packet=$pkt,actions=output:2"
done
check_output "packet-outs reached the bridge" \
    'packet_out in_port=1 len=42 actions=output:2' cat "$NF_TMP/server.out"
# A packet-out in a bundle runs once the bundle is committed; the flow-mod
# before it is added then too.
printf 'flow add priority=7,in_port=3,actions=drop\npacket-out in_port=1,packet=%s,actions=output:3\n' \
    "$pkt" > "$NF_TMP/po-bundle"
check "OpenFlow14: a bundle of a flow and a packet-out" \
    ovs-ofctl -O OpenFlow14 bundle "$NF" "$NF_TMP/po-bundle"
check_output "the bundled packet-out reached the bridge" \
    'packet_out in_port=1 len=42 actions=output:3' cat "$NF_TMP/server.out"
check_output "the bundled flow is in" 'priority=7,in_port=3 actions=drop' \
    ovs-ofctl -O OpenFlow14 dump-flows "$NF"
check "the bundled flow goes again" \
    ovs-ofctl -O OpenFlow14 --strict del-flows "$NF" priority=7,in_port=3

# Malformed and unexpected messages: an error each, connection kept.
check_output "malformed messages get errors, the connection stays" \
    '^all ok$' python3 - "$NICFLOW_RUNDIR/br0.mgmt" <<'EOF'
import socket, struct, sys

def conn(version=4):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect(sys.argv[1])
    s.sendall(struct.pack("!BBHI", version, 0, 8, 1))
    h = recv(s)
    assert h[1] == 0, "no hello"
    return s

def recv(s):
    data = b""
    while len(data) < 8:
        data += s.recv(8 - len(data))
    n = struct.unpack("!H", data[2:4])[0]
    while len(data) < n:
        data += s.recv(n - len(data))
    return data

def expect_error(s, msg, etype, code, what):
    s.sendall(msg)
    r = recv(s)
    t, c = struct.unpack("!HH", r[8:12])
    if r[1] != 1 or (t, c) != (etype, code):
        print("%s: got %s" % (what, r.hex()))
        sys.exit(1)

s = conn()
hdr = lambda v, t, l, x: struct.pack("!BBHI", v, t, l, x)
expect_error(s, hdr(4, 200, 8, 2), 1, 1, "unknown type")               # BAD_TYPE
expect_error(s, hdr(4, 14, 16, 3) + b"\0" * 8, 1, 6, "short flow-mod")  # BAD_LEN
expect_error(s, hdr(1, 5, 8, 4), 1, 0, "wrong version")                # BAD_VERSION
expect_error(s, hdr(4, 18, 16, 5) + struct.pack("!HH4x", 0x77, 0), 1, 2,
             "unknown multipart")                                       # BAD_MULTIPART
expect_error(s, hdr(4, 4, 16, 6) + struct.pack("!II", 0x12345678, 1), 1, 3,
             "unknown experimenter")                                    # BAD_EXPERIMENTER
expect_error(s, hdr(4, 6, 8, 7), 1, 1, "a reply sent to the switch")   # BAD_TYPE
# A role request with a bad role.
expect_error(s, hdr(4, 24, 24, 8) + struct.pack("!I4xQ", 77, 0), 11, 2,
             "bad role")                                                # OFPRRFC_BAD_ROLE
# Still alive: echo.
s.sendall(hdr(4, 2, 12, 9) + b"ping")
r = recv(s)
assert r[1] == 3 and r[8:] == b"ping", "no echo reply"
# Garbage length: the switch may close (it cannot resynchronise).
s.sendall(hdr(4, 2, 4, 10))
s.close()
# A hello with no common version: OFPHFC_INCOMPATIBLE.
s2 = socket.socket(socket.AF_UNIX); s2.settimeout(5); s2.connect(sys.argv[1])
s2.sendall(hdr(2, 0, 16, 1) + struct.pack("!HHI", 1, 8, 1 << 2))
got = [recv(s2), recv(s2)]
assert any(m[1] == 1 and m[8:12] == b"\0\0\0\0" for m in got), got
print("all ok")
EOF
check_output "the server still answers" 'n_tables:254' \
    ovs-ofctl -O OpenFlow13 show "$NF"

stop_server() {
    local i
    kill "$SERVER_PID" || return 1
    for i in $(seq 50); do
        kill -0 "$SERVER_PID" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}
check "server stops on SIGTERM" stop_server
check "management socket is removed" test ! -e "$NICFLOW_RUNDIR/br0.mgmt"
finish
