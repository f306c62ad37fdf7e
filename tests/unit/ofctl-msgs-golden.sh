#!/bin/bash
# Regenerates tests/unit/ofctl-msgs-golden.txt, the oracle for
# test-ofctl-msgs, from a real Open vSwitch 3.1 ovs-ofctl:
#
#   msg NAME VERSION HEX   every sample message test-ofctl-msgs encodes
#                          (OFCTL_MSGS_EMIT=1), followed by what
#                          "ovs-ofctl ofp-print HEX" printed for it;
#   ovs NAME HEX           requests ovs-ofctl itself sent to a listening
#                          socket (captured here), followed by their text;
#   err NAME V VENDOR TYPE CODE
#                          each error's wire form per version
#                          ("ovs-ofctl print-error NAME");
#   hex NAME HEX           hand-written messages (listed below), followed
#                          by what ovs-ofctl printed for them;
#   enc NAME HEX / req HEX an error reply ovs-ofctl encoded for a request
#                          ("ovs-ofctl encode-error-reply NAME REQ").
#
# Needs openvswitch-common (ovs-ofctl) and python3.  Usage:
#     tests/unit/ofctl-msgs-golden.sh [OUTPUT]
set -eu
cd "$(dirname "$0")/../.."
out=${1:-tests/unit/ofctl-msgs-golden.txt}

command -v ovs-ofctl >/dev/null || { echo "$0: needs ovs-ofctl" >&2; exit 1; }
make --no-print-directory build/tests/test-ofctl-msgs >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Our samples, printed by ovs-ofctl.
OFCTL_MSGS_EMIT=1 build/tests/test-ofctl-msgs > "$tmp/samples"
while read -r name version hex; do
    echo "msg $name $version $hex"
    ovs-ofctl ofp-print "$hex" 2>/dev/null
done < "$tmp/samples" > "$tmp/out"

# Requests ovs-ofctl sends: a fake switch on a Unix socket answers the
# hello in the requested version and records what follows.
cat > "$tmp/capture.py" <<'PY'
import socket, struct, sys, os, select
path, version, outfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
s.settimeout(5)
c, _ = s.accept()
c.sendall(struct.pack('!BBHI', version, 0, 8, 0))
data = b''
while True:
    r, _, _ = select.select([c], [], [], 0.5)
    if not r:
        break
    chunk = c.recv(65536)
    if not chunk:
        break
    data += chunk
msgs = []
while len(data) >= 8:
    n = struct.unpack('!H', data[2:4])[0]
    if n < 8 or n > len(data):
        break
    if data[1] != 0:       # Skip the hello.
        msgs.append(data[:n].hex())
    data = data[n:]
with open(outfile, 'w') as f:
    f.write('\n'.join(msgs) + '\n')
c.close()
PY

capture() {
    local name=$1 ver=$2 proto=$3
    shift 3
    rm -f "$tmp/sock" "$tmp/cap"
    python3 "$tmp/capture.py" "$tmp/sock" "$ver" "$tmp/cap" &
    local pid=$!
    for _ in $(seq 50); do [ -S "$tmp/sock" ] && break; sleep 0.1; done
    timeout 5 ovs-ofctl -O "$proto" "$@" "unix:$tmp/sock" \
        "${EXTRA[@]}" >/dev/null 2>&1 || true
    wait "$pid" || true
    local i=0
    while read -r hex; do
        [ -n "$hex" ] || continue
        i=$((i + 1))
        echo "ovs $name.$i $hex"
        ovs-ofctl ofp-print "$hex" 2>/dev/null
    done < "$tmp/cap"
}

for v in 10:1:OpenFlow10 13:4:OpenFlow13 14:5:OpenFlow14 15:6:OpenFlow15; do
    IFS=: read -r short ver proto <<< "$v"
    EXTRA=(); capture "dump-ports-$short" "$ver" "$proto" dump-ports
    EXTRA=(2); capture "dump-ports-one-$short" "$ver" "$proto" dump-ports
    EXTRA=(); capture "queue-stats-$short" "$ver" "$proto" queue-stats
    EXTRA=(3 5); capture "queue-stats-one-$short" "$ver" "$proto" \
        queue-stats
    EXTRA=(); capture "dump-tables-$short" "$ver" "$proto" dump-tables
    EXTRA=(); capture "dump-desc-$short" "$ver" "$proto" dump-desc
    EXTRA=(); capture "get-frags-$short" "$ver" "$proto" get-frags
    EXTRA=(); capture "show-$short" "$ver" "$proto" show
    if [ "$ver" -ge 4 ]; then
        EXTRA=(); capture "dump-ports-desc-$short" "$ver" "$proto" \
            dump-ports-desc
        EXTRA=(); capture "dump-table-features-$short" "$ver" "$proto" \
            dump-table-features
    fi
    if [ "$ver" -le 4 ]; then
        EXTRA=(1); capture "queue-get-config-$short" "$ver" "$proto" \
            queue-get-config
    fi
done >> "$tmp/out"

# Hand-written messages with values our encoder never produces (STP
# states, every feature bit, properties left out, nonzero padding, which
# Open vSwitch ignores in these messages), printed by ovs-ofctl.
for item in \
    pad_role:0418001800000001000000020000ffff0000000000000005 \
    pad_port_stats_req:04120018000000010004000000000000000000010000ffff \
    pad_port_mod:041000280000000100000003000000ffaabbccddee0100ff000000010000004100000020000000ff \
    pad_table_mod:04110010000000010101010100000000 \
    pad_nx_controller_id:010400180000000100002320000000140101010101010007 \
    pad_nx_flow_mod_table_id:0104001800000001000023200000000f0101010101010101 \
    pad_features:0406002000000001000000000000000100000000fe00ffff0000014f0000ffff \
    feat10:0106008000000001000000000000000100000100fe000000000000c700000fff0001aabbccddee0170310000000000000000000000000000000000750000030100000fff00000003000002c000000000fffeaabbccddee0162723000000000000000000000000000000000010000000100000000000000000000000000000000 \
    feat13:0406002000000001000000123456789a00000000fe0100000000014f00000000 \
    ps14:050c00580000000102000000000000000000000300480000aabbccddee01000070330000000000000000000000000000000000650000000700000020000000000000ffff0000282800000000000000000098968005f5e100 \
    ps13:040c00500000000100000000000000000000000300000000aabbccddee010000703300000000000000000000000000000000000100000006000008020000000000000000000000000000271000004e20 \
    ps10stp:010c00400000000101000000000000000003aabbccddee0170330000000000000000000000000000000000000000020100000000000000000000000000000000 \
    ps10stp2:010c00400000000101000000000000000003aabbccddee0170330000000000000000000000000000000000000000010000000000000000000000000000000000 \
    pmod14b:0510002000000001fffffffe00000000aabbccddee0100000000000000000000 \
    pst10:011100dc00000001000400000001000000000000000000000000000100000000000000020000000000000003000000000000000400000000000000050000000000000006000000000000000700000000000000080000000000000009000000000000000a000000000000000b000000000000000cfffe000000000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff \
    pst14:051300880000000100040000000000000078000000000001000000050754d4c00000000000000001000000000000000200000000000000030000000000000004000000000000000500000000000000060000000000000007000000000000000800000028000000000000000000000009000000000000000a000000000000000b000000000000000c \
    qst10:0111002c000000010005000000010000000000020000000000000064000000000000000a0000000000000001 \
    qgcrep10:011500300000000100010000000000000000000700180000000100100000000001f40000000000000000000800080000 \
    role13eq:041800180000000100000000000000000000000000000000 \
    rolestatus:051e00180000000100000001010000000000000000000007 \
    async14:051b00680000000100000008000000010001000800000007000200080000000700030008000000070004000800000000000500080000000f0006000800000000000700080000000300080008000000000009000800000007000a000800000000000b000800000003 \
    setasync14:051c0010000000010001000800000007 \
    tmod14:0511002000000001ff0000000000000400020008000000010003000814500000 \
    tmod14b:05110010000000010200000000000008 \
    ts10:0111008c000000010003000000000000636c617373696669657200000000000000000000000000000000000000000000003fffff000f424000000001000000000000000a0000000000000005010000007461626c65310000000000000000000000000000000000000000000000000000003fffff000f42400000000000000000000000000000000000000000 \
    echo:0102000c0000000161626364
do
    echo "hex ${item%%:*} ${item#*:}"
    ovs-ofctl ofp-print "${item#*:}" 2>/dev/null
done >> "$tmp/out"

# Error codes in every version.
strings "$(command -v ovs-ofctl)" \
    | grep -E '^(OFP|NX|ONF)[A-Z0-9]*_[A-Z0-9_]+$' | sort -u \
    | while read -r e; do
        ovs-ofctl print-error "$e" 2>/dev/null \
            | sed -n "s/^OpenFlow 1\.\([0-9]\): vendor \([0-9a-fx]*\), type \([0-9]*\), code \([0-9]*\)$/err $e \1 \2 \3 \4/p" \
            | awk '{ printf "%s %s %d %s %s %s\n", $1, $2, $3 + 1, $4, $5, $6 }'
    done >> "$tmp/out"

# Error replies Open vSwitch encodes.
for e in OFPBRC_BAD_LEN OFPHFC_INCOMPATIBLE NXBRC_MUST_BE_ZERO \
    OFPBFC_BAD_ID OFPBFC_TIMEOUT OFPBAC_BAD_SET_MASK OFPBRC_IS_SECONDARY \
    OFPTFFC_BAD_TABLE NXFMFC_HARDWARE; do
    for req in 010500080000002a 0405001000000007000000000000000a \
        0505000800000003 06050008000000ff; do
        if hex=$(ovs-ofctl encode-error-reply "$e" "$req" 2>/dev/null \
                 | sed 's/^[0-9a-f]*  //; s/ *|.*//; s/[- ]//g' | tr -d '\n'); then
            [ -n "$hex" ] && printf 'enc %s %s\nreq %s\n' "$e" "$hex" "$req"
        fi
    done
done >> "$tmp/out"

mv "$tmp/out" "$out"
echo "$out: $(grep -c '^msg ' "$out") samples, $(grep -c '^ovs ' "$out") captured, $(grep -c '^err ' "$out") error codes, $(grep -c '^enc ' "$out") error replies"
