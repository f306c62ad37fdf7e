#!/bin/bash
# OpenFlow benchmarks, nicflow-ofctl vs ovs-ofctl 3.1 in the same run:
#
#   ofctl_parse_1m   parsing a file of N (default 1,000,000) flows into
#                    flow-mod messages and printing them back
#                    ("parse-flows FILE > /dev/null"): flows/s.
#   ofctl_decode_1m  decoding the same N flow-mods from a binary file and
#                    printing them ("ofp-parse FILE > /dev/null"): the same
#                    bytes for both programs, written by nicflow-ofctl
#                    encode-flows; both outputs are first checked to be
#                    identical (and so are parse-flows'): messages/s.
#   ofctl_codec      in-process encode and decode rates of flow-mods in
#                    OpenFlow 1.0 (NXM), 1.3 and 1.5 (tests/bench/ofctl-bench,
#                    nicflow only: Open vSwitch has no such program).
#
# Usage: ofctl.sh OUTDIR.  Writes OUTDIR/items.json and OUTDIR/table.txt
# (rows for run.sh's summary).  REPS repetitions (default 3), medians.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
bin=$top/${BUILD:-build}/bin
bench=$top/${BUILD:-build}/bench
REPS=${REPS:-3}
N=${OFCTL_FLOWS:-1000000}
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nicflow-ofctl-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

python3 "$top/tests/bench/ofctl-flows.py" "$N" > "$tmp/flows.txt"
"$bin/nicflow-ofctl" encode-flows "$tmp/flows.txt" "$tmp/flows.bin" || exit 1
# Both programs must do the same work: the same text out of both
# commands, and no decode errors.
if ! cmp -s <(ovs-ofctl ofp-parse "$tmp/flows.bin") \
        <("$bin/nicflow-ofctl" ofp-parse "$tmp/flows.bin") \
    || ! cmp -s <(ovs-ofctl parse-flows "$tmp/flows.txt") \
        <("$bin/nicflow-ofctl" parse-flows "$tmp/flows.txt") \
    || ovs-ofctl ofp-parse "$tmp/flows.bin" | grep -q 'decode error'; then
    echo "ofctl.sh: the two programs' outputs differ" >&2
    exit 1
fi

# secs CMD...: wall-clock seconds of CMD with output discarded.
secs() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" > /dev/null || return 1
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

declare -A runs
for r in $(seq "$REPS"); do
    runs[nf_parse]+="$(secs "$bin/nicflow-ofctl" parse-flows "$tmp/flows.txt") "
    runs[ovs_parse]+="$(secs ovs-ofctl parse-flows "$tmp/flows.txt") "
    runs[nf_decode]+="$(secs "$bin/nicflow-ofctl" ofp-parse "$tmp/flows.bin") "
    runs[ovs_decode]+="$(secs ovs-ofctl ofp-parse "$tmp/flows.bin") "
done
head -n 100000 "$tmp/flows.txt" > "$tmp/flows100k.txt"
codec=$("$bench/ofctl-bench" "$tmp/flows100k.txt" --seconds=2)

python3 - "$out" "$N" "$codec" "${runs[nf_parse]}" "${runs[ovs_parse]}" \
    "${runs[nf_decode]}" "${runs[ovs_decode]}" <<'PY'
import json, statistics, sys
out, n, codec = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
series = [list(map(float, s.split())) for s in sys.argv[4:8]]
items, rows = [], []
for name, unit, nf, ovs in (("ofctl_parse_1m", "flows/s", series[0], series[1]),
                            ("ofctl_decode_1m", "msgs/s", series[2], series[3])):
    a = n / statistics.median(nf)
    b = n / statistics.median(ovs)
    items.append({"name": name, "unit": unit, "n": n, "better": "higher",
                  "nicflow": round(a), "ovs": round(b),
                  "ratio": round(a / b, 2), "nicflow_runs_s": nf,
                  "ovs_runs_s": ovs})
    rows.append("\t".join([name, unit, str(round(a)), str(round(b)),
                           "%.2f" % (a / b), "higher"]))
items.append({"name": "ofctl_codec", "unit": "msgs/s", "nicflow": codec,
              "ovs": None})
for k in ("of10_nxm", "of13", "of15"):
    for d in ("encode", "decode"):
        rows.append("\t".join(["ofctl_%s_%s" % (d, k), "msgs/s",
                               str(codec["%s_%s_msgs_per_sec" % (k, d)]),
                               "-", "-", "higher (nicflow only)"]))
json.dump(items, open(out + "/items.json", "w"), indent=1)
open(out + "/table.txt", "w").write("\n".join(rows) + "\n")
PY
