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
