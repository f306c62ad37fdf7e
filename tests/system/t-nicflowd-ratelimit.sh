#!/bin/bash
# Packet-in rate limits (the Controller columns controller_rate_limit and
# controller_burst_limit, Open vSwitch's "pinsched") on nicflowd, set with
# the real ovs-vsctl 3.1 and watched with the real ovs-ofctl 3.1 monitor
# on a passive controller target.  A fail-mode secure bridge with two
# hosts that each send a burst of distinct UDP frames at once:
#   - packet-ins from flows ("action") at 100/s with bursts of 25: the
#     Controller row's status counts them, some are dropped, the monitor
#     received exactly bypassed + queued - dropped once the backlog is
#     gone, and both ports' packets got through;
#   - table misses ("miss") the same way, on their own scheduler;
#   - new limits apply to the open connection (no reconnect: the counters
#     go on), and a burst within them is not cut;
#   - the schema's minimum (100) is enforced by ovs-vsctl;
#   - clearing the rate limit sends what was queued, the status keys go,
#     and bursts arrive whole.
# No assertion depends on timing: every wait is for a state to settle.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl ovs-ofctl ovs-appctl ss
[ -x /usr/bin/python3 ] || { skip all "python3 missing"; exit 0; }
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

DB=unix:$NICFLOW_RUNDIR/db.sock
vsctl() { ovs-vsctl --db="$DB" --timeout=20 "$@"; }
ofctl() { OVS_RUNDIR=$NICFLOW_RUNDIR ovs-ofctl "$@"; }

add_netns w && nsw=$NETNS || { fail "create namespaces"; finish; }
declare -A ns
add_hosts "$nsw" 1 2 || { fail "create namespaces"; finish; }
inw() { ip netns exec "$nsw" "$@"; }

check "create the database" create_db "$NICFLOW_DBDIR/conf.db"
check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"
vsctl --no-wait init
check "nicflowd starts (in the switch namespace)" \
    inw "$NF_BIN/nicflowd" "$DB" --detach --pidfile --log-file
on_exit "stop_daemon nicflowd"
nicflowd_alive() { kill -0 "$(cat "$NICFLOW_RUNDIR/nicflowd.pid")"; }

# A TCP port nothing listens on in the switch namespace (its loopback is
# the test's own).
PORT=$(inw /usr/bin/python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TARGET=ptcp:$PORT:127.0.0.1

check "a fail-mode secure bridge with two hosts" vsctl \
    -- add-br br0 -- set Bridge br0 datapath_type=netdev fail_mode=secure \
    -- add-port br0 p1 -- add-port br0 p2
check "set-controller br0 $TARGET" vsctl set-controller br0 "$TARGET"
check "controller_rate_limit=100 controller_burst_limit=25" \
    vsctl set Controller br0 controller_rate_limit=100 \
    controller_burst_limit=25
check_eventually "nicflowd listens on 127.0.0.1:$PORT" 20 \
    bash -c "ip netns exec '$nsw' ss -ltn | grep -q '127.0.0.1:$PORT '"
P1=$(vsctl get Interface p1 ofport)
P2=$(vsctl get Interface p2 ofport)

# st KEY: the Controller row's status:KEY (fails if there is none).
st() { vsctl get Controller br0 "status:$1" | tr -d '"'; }
has_key() { vsctl get Controller br0 status | grep -q "$1"; }

# The monitor: an OpenFlow 1.0 controller connection to the passive
# target (1.0, so that table misses come as packet-ins), the only one, so
# that the status counts exactly what it receives.
MON=$NF_TMP/monitor.out
# (ovs-ofctl monitor prints the messages it receives on stderr.)
inw env OVS_RUNDIR="$NF_TMP" ovs-ofctl -O OpenFlow10 monitor \
    "tcp:127.0.0.1:$PORT" 65534 > "$MON" 2>&1 &
mon_pid=$!
on_exit "kill $mon_pid"
connected() { [ "$(vsctl get Controller br0 is_connected)" = true ]; }
check_eventually "the monitor is connected (is_connected)" 20 connected
monitor_alive() { kill -0 "$mon_pid"; }

# n_pin REASON [IN_PORT [TP_DST]]: packet-ins the monitor printed for
# REASON ("action" or "no_match"), from IN_PORT, for frames to TP_DST.
n_pin() {
    awk -v r="(via $1)" -v p="${2:-}" -v d="${3:-}" '
        function done() { if (hdr && (d == "" || found)) n++ }
        /_PACKET_IN/ {
            done()
            hdr = index($0, r) > 0 && (p == "" || index($0, "in_port=" p " ") > 0)
            found = 0
            next
        }
        d != "" && $0 ~ ("tp_dst=" d "([^0-9]|$)") { found = 1 }
        END { done(); print n + 0 }' "$MON"
}

# burst HOST N DPORT: HOST sends N distinct UDP frames (source ports
# 10000...) to DPORT at once.
burst() {
    ip netns exec "${ns[$1]}" /usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import socket, struct, sys
host, n, dport = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s & 0xffff) + (s >> 16)
    return ~(s + (s >> 16)) & 0xffff
src, dst = bytes([10, 0, 0, host]), bytes([10, 0, 0, 3 - host])
eth = bytes([0x50, 0x54, 0, 0, 0, 3 - host, 0x50, 0x54, 0, 0, 0, host, 8, 0])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for i in range(n):
    udp = struct.pack("!HHHH", 10000 + i, dport, 8 + 18, 0) + b"x" * 18
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17,
                     0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    s.send(eth + ip + udp)
PY
}
# both N DPORT: both hosts send their bursts at the same time.
both() {
    burst 1 "$1" "$2" & local a=$!
    burst 2 "$1" "$2" & local b=$!
    wait $a && wait $b
}

# offered KIND: how many packet-ins KIND's scheduler was offered so far.
offered() {
    echo $(( $(st "packet-in-$1-bypassed") + $(st "packet-in-$1-queued") ))
}
# drained KIND REASON BEFORE: KIND's scheduler was offered more than BEFORE
# packet-ins, has no backlog, and the monitor got exactly what it let
# through (bypassed + queued - dropped), the same as at the last call
# (the burst is over).
last_drained=
drained() {
    local backlog bypassed queued dropped got now
    backlog=$(st "packet-in-$1-backlog") || return 1
    bypassed=$(st "packet-in-$1-bypassed") || return 1
    queued=$(st "packet-in-$1-queued") || return 1
    dropped=$(st "packet-in-$1-dropped") || return 1
    got=$(n_pin "$2")
    now="backlog=$backlog bypassed=$bypassed queued=$queued"
    now+=" dropped=$dropped received=$got"
    echo "$now"
    [ "$now" = "$last_drained" ] && [ $((bypassed + queued)) -gt "$3" ] \
        && [ "$backlog" = 0 ] && [ "$got" = $((bypassed + queued - dropped)) ] \
        && return 0
    last_drained=$now
    return 1
}

# settle: waits until the datapath flows installed before the last flow
# table change are gone, so that the next frames are translated with the
# new table (the revalidator removes them shortly).
dp_flows() { ovs-appctl -t "$NICFLOW_RUNDIR/nicflowd.ctl" dpctl/dump-flows; }
settle() {
    ovs-appctl -t "$NICFLOW_RUNDIR/nicflowd.ctl" revalidator/purge > /dev/null 2>&1
    local i
    for i in $(seq 100); do
        [ -z "$(dp_flows 2>/dev/null)" ] && return 0
        sleep 0.1
    done
    diag "datapath flows left:" "$(dp_flows 2>&1)"
}

# ---------------------------------------------------------------------
# 1. Packet-ins from a flow: the "action" scheduler.
# ---------------------------------------------------------------------
check "add-flow priority=10,udp,actions=controller" \
    ofctl add-flow br0 "priority=10,udp,actions=controller"
for k in backlog bypassed queued dropped; do
    check_eventually "status:packet-in-action-$k is there" 20 \
        has_key "packet-in-action-$k="
    check_eventually "status:packet-in-miss-$k is there" 20 \
        has_key "packet-in-miss-$k="
done
check_output "status:state is still there" '^ACTIVE$' st state
before=$(offered action)
check "h1 and h2 send 500 distinct UDP frames each, at once" both 500 5001
check_eventually "the action backlog drains; received = bypassed + queued - dropped" \
    30 drained action action "$before"
diag "$(drained action action "$before")"
check_output "some packet-ins were dropped" '^[1-9][0-9]*$' \
    st packet-in-action-dropped
check_output "some were queued" '^[1-9][0-9]*$' st packet-in-action-queued
got1=$(n_pin action "$P1" 5001)
got2=$(n_pin action "$P2" 5001)
diag "received from p1: $got1, from p2: $got2"
check "h1's frames got through" test "$got1" -gt 0
check "h2's frames got through" test "$got2" -gt 0
check "fewer got through than were sent" \
    test $((got1 + got2)) -lt 1000

# ---------------------------------------------------------------------
# 2. Table misses: the "miss" scheduler.
# ---------------------------------------------------------------------
check "del-flows br0 (every lookup misses)" ofctl del-flows br0
settle
action_sent=$(n_pin action)
before=$(offered miss)
check "h1 and h2 send 500 distinct UDP frames each, at once" both 500 5002
check_eventually "the miss backlog drains; received = bypassed + queued - dropped" \
    30 drained miss no_match "$before"
diag "$(drained miss no_match "$before")"
check_output "some misses were dropped" '^[1-9][0-9]*$' \
    st packet-in-miss-dropped
check "misses came from both ports" \
    test "$(n_pin no_match "$P1" 5002)" -gt 0 -a "$(n_pin no_match "$P2" 5002)" -gt 0
check_output "... and none through the action scheduler" "^$action_sent\$" \
    n_pin action

# ---------------------------------------------------------------------
# From here on, whether every packet-in arrived is judged against what
# the switch made, not against what was sent, so that a frame the
# datapath lost on the way (not this test's business) does not count:
# coverage counters connmgr_packet_in (packet-ins made for a connection)
# and pinsched_dropped (those the rate limiters dropped) are
# process-wide, and the monitor is the only connection that takes
# packet-ins.
cov() {
    local v
    v=$("$NF_BIN/nicflow-appctl" -t "$NICFLOW_RUNDIR/nicflowd.ctl" \
        coverage/show | sed -n "s/^$1 .*total: \([0-9]*\).*/\1/p")
    echo "${v:-0}"
}
n_all() { grep -c '_PACKET_IN' "$MON"; }
# delivered DPORT: the monitor got every packet-in made but those
# dropped, some for frames to DPORT among them, and nothing changed
# since the last call (the burst is over).
last_delivered=
delivered() {
    local made dropped got now
    made=$(cov connmgr_packet_in)
    dropped=$(cov pinsched_dropped)
    got=$(n_all)
    now="made=$made dropped=$dropped received=$got to-$1=$(n_pin action "" "$1")"
    echo "$now"
    [ "$now" = "$last_delivered" ] && [ "$got" = $((made - dropped)) ] \
        && [ "$(n_pin action "" "$1")" -gt 0 ] && return 0
    last_delivered=$now
    return 1
}

# ---------------------------------------------------------------------
# 3. New limits apply to the open connection.
# ---------------------------------------------------------------------
before=$(offered action)
dropped=$(st packet-in-action-dropped)
check "controller_rate_limit=1000 controller_burst_limit=400" \
    vsctl set Controller br0 controller_rate_limit=1000 \
    controller_burst_limit=400
check "add-flow priority=10,udp,actions=controller" \
    ofctl add-flow br0 "priority=10,udp,actions=controller"
settle
d0=$(cov pinsched_dropped)
# 300 fit in a burst of 400 whether the bucket has refilled since the
# change or not: none can be dropped.
check "h1 sends 300 distinct UDP frames at once" burst 1 300 5003
check_eventually "every packet-in made arrives" 30 delivered 5003
diag "$(delivered 5003)"
check_output "... none was dropped" "^$d0\$" cov pinsched_dropped
diag "received for the 300: $(n_pin action "$P1" 5003)"
check "the monitor is still connected" monitor_alive
# The counters are the connection's: had it been replaced, they would
# have started again from 0.
counted() { [ "$(offered action)" -ge $((before + $(n_pin action "$P1" 5003))) ]; }
check_eventually "the same connection counted them (its counters went on)" \
    20 counted
check_output "... and its status says none dropped" "^$dropped\$" \
    st packet-in-action-dropped

# ---------------------------------------------------------------------
# 4. The schema's minimum.
# ---------------------------------------------------------------------
check_fails "ovs-vsctl refuses controller_rate_limit=50" \
    vsctl set Controller br0 controller_rate_limit=50
check_fails "ovs-vsctl refuses controller_burst_limit=10" \
    vsctl set Controller br0 controller_burst_limit=10
check_output "the rate limit stays 1000" '^1000$' \
    vsctl get Controller br0 controller_rate_limit

# ---------------------------------------------------------------------
# 5. No rate limit: what was queued is sent (Open vSwitch drops it), the
#    keys go, bursts arrive whole.
# ---------------------------------------------------------------------
check "controller_rate_limit=100 controller_burst_limit=1000" \
    vsctl set Controller br0 controller_rate_limit=100 \
    controller_burst_limit=1000
# The bucket keeps at most the 400 tokens of the old burst and fills at
# 100/s: of 950 frames at once, 550 or more queue (5.5 s or more to
# drain at 100/s), and all fit in the 1000: none is dropped.
d0=$(cov pinsched_dropped)
q0=$(cov pinsched_queued)
f0=$(cov connmgr_pin_flushed)
check "h1 sends 950 distinct UDP frames at once" burst 1 950 5004
check "clear Controller br0 controller_rate_limit" \
    vsctl clear Controller br0 controller_rate_limit
# Every one arrives whether the clear came before the backlog drained
# (it is then sent at once) or after; had the backlog been dropped
# (uncounted), some would be missing.
check_eventually "every packet-in made arrives" 30 delivered 5004
diag "$(delivered 5004)"
check_output "... none was dropped" "^$d0\$" cov pinsched_dropped
diag "received for the 950: $(n_pin action "$P1" 5004);" \
     "queued: $(($(cov pinsched_queued) - q0));" \
     "sent at once when the limit went: $(($(cov connmgr_pin_flushed) - f0))"
no_pin_keys() { ! has_key packet-in; }
check_eventually "the packet-in status keys are gone" 20 no_pin_keys
check_output "status is state=ACTIVE alone" '^\{state=ACTIVE\}$' \
    vsctl get Controller br0 status
q0=$(cov pinsched_queued)
check "h1 and h2 send 300 distinct UDP frames each, at once" both 300 5006
check_eventually "every packet-in made arrives" 30 delivered 5006
diag "$(delivered 5006)"
check_output "... none went through a rate limiter" "^$q0\$" \
    cov pinsched_queued
got1=$(n_pin action "$P1" 5006)
got2=$(n_pin action "$P2" 5006)
diag "received from p1: $got1, from p2: $got2 (of 300 each)"
check "both hosts' frames arrived" test "$got1" -gt 0 -a "$got2" -gt 0
check "the monitor is still connected" monitor_alive
check "nicflowd is still running" nicflowd_alive
[ "$NF_FAILED" = 0 ] || diag "the monitor's last lines:" "$(tail -20 "$MON")"
finish
