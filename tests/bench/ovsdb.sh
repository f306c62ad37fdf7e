#!/bin/bash
# OVSDB server benchmarks: nicflow-dbd and Open vSwitch 3.1's ovsdb-server
# under the same load, in the same run (called by tests/bench/run.sh; see
# tests/bench/README.md for what each figure means).
#
# usage: tests/bench/ovsdb.sh OUTDIR
#
# Writes OUTDIR/items.json (a JSON array of benchmark entries for
# results.json), OUTDIR/table.txt (rows for the summary table, tab
# separated: name unit nicflow ovs ratio better), OUTDIR/runs.jsonl (every
# generator result, one per line, with the server's CPU time) and
# OUTDIR/logs/ (server logs of failed runs).
#
# Every workload gets a freshly created database and a freshly started
# server, so repetitions are independent and both servers start from the
# same empty Open_vSwitch database.
#
# Environment: REPS (default 3) repetitions; OVSDB_TXN_N (10000),
# OVSDB_DEPTH (64), OVSDB_MON_N (1000), OVSDB_MON_CLIENTS (100),
# OVSDB_PORTS (5000), OVSDB_PORT_BATCH (100), OVSDB_BLOCK (1000) and
# OVSDB_MON_BLOCK (100) (see "Both servers" below), OVSDB_TIMEOUT (60 s
# without a reply counts as a hang).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
build=$top/${BUILD:-build}
bin=$build/bin
gen=$build/bench/ovsdb-bench
out=${1:?usage: $0 OUTDIR}
mkdir -p "$out"
rm -rf "$out/logs" "$out/runs.jsonl" "$out/items.json" "$out/table.txt"
mkdir -p "$out/logs"

REPS=${REPS:-3}
TXN_N=${OVSDB_TXN_N:-10000}
DEPTH=${OVSDB_DEPTH:-64}
MON_N=${OVSDB_MON_N:-1000}
MON_CLIENTS=${OVSDB_MON_CLIENTS:-100}
PORTS=${OVSDB_PORTS:-5000}
PORT_BATCH=${OVSDB_PORT_BATCH:-100}
BLOCK=${OVSDB_BLOCK:-1000}
MON_BLOCK=${OVSDB_MON_BLOCK:-100}
TIMEOUT=${OVSDB_TIMEOUT:-60}
nf_schema=$top/ovsdb/vswitch.ovsschema
ovs_schema=/usr/share/openvswitch/vswitch.ovsschema

for f in "$gen" "$bin/nicflow-dbd" "$nf_schema"; do
    if [ ! -e "$f" ]; then
        echo "ovsdb bench: $f is missing (run make)" >&2
        exit 1
    fi
done
servers="nicflow"
if command -v ovsdb-server >/dev/null && command -v ovsdb-tool >/dev/null \
   && [ -e "$ovs_schema" ]; then
    servers="nicflow ovs"
else
    echo "ovsdb bench: Open vSwitch's ovsdb-server not installed; nicflow only" >&2
fi

# The databases live on the disk under test, never on tmpfs: fsync must
# mean something for the durable figures.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nicflow-ovsdb-bench.XXXXXX")
fstype=$(stat -f -c %T "$tmp")
if [ "$fstype" = tmpfs ] || [ "$fstype" = ramfs ]; then
    rm -rf "$tmp"
    tmp=$(mktemp -d "$build/bench/tmp.XXXXXX")
    fstype=$(stat -f -c %T "$tmp")
fi
declare -A spid=() sdir=() sremote=()
cleanup() {
    local k
    for k in "${!spid[@]}"; do kill "${spid[$k]}" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Creates a nicflow database file: with nicflow-dbtool when it has been
# built, otherwise by writing the documented format (ovsdb/log.h) directly:
# the header line, then the schema as record 0 with its CRC-32C.
nf_create_db() {
    if [ -x "$bin/nicflow-dbtool" ]; then
        "$bin/nicflow-dbtool" create "$1" "$nf_schema" && return
    fi
    python3 - "$1" "$nf_schema" <<'PY'
import json, sys

def crc32c(data):
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
        table.append(c)
    crc = 0xFFFFFFFF
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF

assert crc32c(b"123456789") == 0xE3069283
path, schema = sys.argv[1], sys.argv[2]
body = json.dumps(json.load(open(schema)), separators=(",", ":")).encode()
with open(path, "xb") as f:
    f.write(b"NICFLOW-OVSDB 1\n")
    f.write(b"%d %08x\n%s\n" % (len(body), crc32c(body), body))
PY
}

# start_server KIND: fresh database and server in $tmp/KIND; sets
# spid[KIND], sdir[KIND] and sremote[KIND].
start_server() {
    local dir=$tmp/$1
    rm -rf "$dir"
    mkdir -p "$dir"
    sdir[$1]=$dir
    sremote[$1]=unix:$dir/db.sock
    case $1 in
    nicflow)
        nf_create_db "$dir/conf.db" 2>>"$dir/start.err" || return 1
        NICFLOW_RUNDIR=$dir NICFLOW_LOGDIR=$dir NICFLOW_DBDIR=$dir \
            "$bin/nicflow-dbd" "$dir/conf.db" --remote="punix:$dir/db.sock" \
            --unixctl="$dir/db.ctl" --pidfile="$dir/db.pid" \
            --log-file="$dir/db.log" --detach --no-chdir -vconsole:off \
            2>>"$dir/start.err" ;;
    ovs)
        ovsdb-tool create "$dir/conf.db" "$ovs_schema" 2>>"$dir/start.err" \
            || return 1
        ovsdb-server "$dir/conf.db" --remote="punix:$dir/db.sock" \
            --unixctl="$dir/db.ctl" --pidfile="$dir/db.pid" \
            --log-file="$dir/db.log" --detach --no-chdir -vconsole:off \
            2>>"$dir/start.err" ;;
    esac
    spid[$1]=$(cat "$dir/db.pid" 2>/dev/null)
    [ -n "${spid[$1]}" ] && [ -S "$dir/db.sock" ]
}

stop_server() {
    local pid=${spid[$1]:-}
    unset "spid[$1]"
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
}

# Server KIND's CPU seconds so far (all threads), and memory in KiB.
server_cpu() {
    local v
    v=$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' \
        "/proc/${spid[$1]}/stat" 2>/dev/null)
    echo "${v:-0}"
}
server_mem() {
    local v
    v=$(awk -v k="$2:" '$1 == k { print $2 }' "/proc/${spid[$1]}/status" 2>/dev/null)
    echo "${v:-null}"
}

# Disk probe: fdatasync latency varies over time on a shared machine, and
# it bounds every durable figure.
disk_probe() {
    local v
    v=$("$gen" fsync "$1/probe" 50 2>/dev/null \
            | sed -n 's/.*"fdatasync_ms_p50":\([0-9.e+-]*\).*/\1/p')
    echo "${v:-null}"
}

# run BENCH "KIND..." WORKLOAD A B [GENERATOR-OPTIONS...]: starts a fresh
# server of each KIND and runs one generator against all of them (it
# alternates slices of the work between them); appends one line per server
# to runs.jsonl.
run() {
    local bench=$1 kinds=$2 workload=$3 a=$4 b=$5
    shift 5
    local k ok=() remotes= err=$tmp/gen.err
    declare -A extra=() cpu0=()
    for k in $kinds; do
        if start_server "$k"; then
            ok+=("$k")
            remotes+=${remotes:+,}${sremote[$k]}
        else
            echo "ovsdb bench: $k server failed to start for $bench:" \
                 "$(tr '\n' ' ' < "${sdir[$k]}/start.err")" >&2
            cp "${sdir[$k]}/start.err" "$out/logs/$k-$bench-$rep.start.err"
            printf '{"server":"%s","bench":"%s","rep":%d,"error":"server did not start"}\n' \
                "$k" "$bench" "$rep" >> "$out/runs.jsonl"
            stop_server "$k"
        fi
    done
    [ ${#ok[@]} -gt 0 ] || return
    local probe=null probe_after=null
    case " $* " in
    *" --no-durable "*) ;;
    *) probe=$(disk_probe "$tmp") ;;
    esac
    sleep 0.2
    for k in "${ok[@]}"; do
        extra[$k]="\"rss_idle_kb\":$(server_mem "$k" VmRSS),"
        cpu0[$k]=$(server_cpu "$k")
    done
    local result rc
    result=$(timeout 1800 "$gen" --timeout="$TIMEOUT" "$@" \
                     "$workload" "$remotes" "$a" "$b" 2>"$err")
    rc=$?
    case " $* " in
    *" --no-durable "*) ;;
    *) probe_after=$(disk_probe "$tmp") ;;
    esac
    local i=0
    for k in "${ok[@]}"; do
        i=$((i + 1))
        local e=${extra[$k]} line
        e+="\"disk_fsync_ms\":$probe,\"disk_fsync_ms_after\":$probe_after,"
        e+="\"rss_kb\":$(server_mem "$k" VmRSS),\"hwm_kb\":$(server_mem "$k" VmHWM),"
        e+="\"server_cpu_s\":$(awk -v a="${cpu0[$k]}" -v b="$(server_cpu "$k")" 'BEGIN { printf "%.3f", b - a }'),"
        line=$(printf '%s\n' "$result" | sed -n "${i}p")
        if [ $rc -ne 0 ] || [ -z "$line" ]; then
            local alive=yes why
            kill -0 "${spid[$k]}" 2>/dev/null || alive=no
            why=$(tr '\n"\\' "  /" < "$err" | cut -c1-400)
            # The generator stops at the first failure of any server.
            if [ ${#ok[@]} -gt 1 ] && [ $rc -ne 124 ] \
               && ! grep -q "${sdir[$k]}/" "$err"; then
                why="not this server: the run stopped when another failed: $why"
            fi
            echo "ovsdb bench: $k $bench repetition $rep FAILED (exit $rc," \
                 "server alive: $alive): $why" >&2
            cp "${sdir[$k]}/db.log" "$out/logs/$k-$bench-$rep.log" 2>/dev/null
            printf '{"server":"%s","bench":"%s","rep":%d,%s"error":"exit %d, server alive: %s: %s"}\n' \
                "$k" "$bench" "$rep" "$e" "$rc" "$alive" "$why" >> "$out/runs.jsonl"
        else
            printf '{"server":"%s","bench":"%s","rep":%d,%s"result":%s}\n' \
                "$k" "$bench" "$rep" "$e" "$line" >> "$out/runs.jsonl"
        fi
    done
    for k in "${ok[@]}"; do
        stop_server "$k"
    done
}

# Both servers meet the same state of the shared machine (its fsync latency
# moves by an order of magnitude over minutes): both run at once, idle but
# for the slice of work the generator gives each in turn (OVSDB_BLOCK
# transactions, OVSDB_MON_BLOCK monitored transactions, one batch of ports,
# one dump).  The server that goes first alternates between repetitions.
for rep in $(seq "$REPS"); do
    order=$servers
    [ $((rep % 2)) -eq 0 ] && order=$(echo "$servers" | tr ' ' '\n' | tac | xargs)
    echo "ovsdb bench: repetition $rep of $REPS ($order)" >&2
    run txn_seq "$order" txn "$TXN_N" 1 --block="$BLOCK"
    run txn_pipelined "$order" txn "$TXN_N" "$DEPTH" --block="$BLOCK"
    run monitor "$order" monitor "$MON_N" "$MON_CLIENTS" --block="$MON_BLOCK"
    run ports "$order" ports "$PORTS" "$PORT_BATCH"
    if [ "$servers" != nicflow ]; then
        # Context: ovsdb-server without fsync (what it does when a
        # transaction does not ask for durability).
        run txn_seq_nodurable ovs txn "$TXN_N" 1 --no-durable
        run txn_pipelined_nodurable ovs txn "$TXN_N" "$DEPTH" --no-durable
    fi
done

# Medians, ratios, the JSON entries and the table rows.
python3 - "$out" "$fstype" "$REPS" "$TXN_N" "$DEPTH" "$MON_N" "$MON_CLIENTS" \
        "$PORTS" "$PORT_BATCH" "$BLOCK" "$MON_BLOCK" <<'PY'
import json, statistics, sys

out, fstype = sys.argv[1], sys.argv[2]
(reps, txn_n, depth, mon_n, mon_clients, ports, batch, block,
 mon_block) = map(int, sys.argv[3:])
alt = "blocks of %d alternating between the servers" % block
params = {
    "*": {"probe": "50 x (append 300 bytes + fdatasync)"},
    "txn_seq": {"n": txn_n, "depth": 1, "durable": True, "run_in": alt},
    "txn_pipelined": {"n": txn_n, "depth": depth, "durable": True,
                      "run_in": alt},
    "monitor": {"n": mon_n, "monitors": mon_clients, "durable": True,
                "run_in": "blocks of %d alternating between the servers"
                          % mon_block},
    "ports": {"ports": ports, "batch": batch, "durable": True,
              "run_in": "batches and dumps alternating between the servers"},
}
runs = [json.loads(l) for l in open(out + "/runs.jsonl") if l.strip()]

def values(server, bench, field):
    v = []
    for r in runs:
        if r["server"] != server or (bench != "*" and r["bench"] != bench):
            continue
        if field in r.get("result", {}):
            v.append(r["result"][field])
        elif r.get(field) is not None and "result" in r:
            v.append(r[field])
    return v

def med(v):
    return statistics.median(v) if v else None

def errors(server, bench):
    return [r["error"] for r in runs
            if r["server"] == server and r["bench"] == bench and "error" in r]

# name, unit, bench, field, better, scale, ovs bench (context rows compare
# nicflow's durable figure with ovsdb-server without fsync), description.
metrics = [
    ("ovsdb_txn_seq", "tx/s", "txn_seq", "tx_per_s", "higher", 1, None,
     "single-insert transactions, one client, one outstanding, durable"),
    ("ovsdb_txn_seq_p50", "ms", "txn_seq", "latency_ms_p50", "lower", 1,
     None, "median transaction latency of ovsdb_txn_seq"),
    ("ovsdb_txn_pipelined", "tx/s", "txn_pipelined", "tx_per_s", "higher",
     1, None, "the same inserts, up to DEPTH outstanding, durable"),
    ("ovsdb_monitor_tx", "tx/s", "monitor", "tx_per_s", "higher", 1, None,
     "writer rate with N_MONITORS monitor_cond clients, durable"),
    ("ovsdb_fanout_p50", "ms", "monitor", "fanout_ms_p50", "lower", 1, None,
     "send of a transaction until every monitor got its update, median"),
    ("ovsdb_fanout_p99", "ms", "monitor", "fanout_ms_p99", "lower", 1, None,
     "the same, 99th percentile"),
    ("ovsdb_5k_load", "s", "ports", "load_seconds", "lower", 1, None,
     "load PORTS ports+interfaces on one bridge, BATCH per transaction"),
    ("ovsdb_5k_dump", "s", "ports", "dump_seconds", "lower", 1, None,
     "select of every table of the loaded database (request to last byte)"),
    ("ovsdb_rss_idle", "MiB", "txn_seq", "rss_idle_kb", "lower", 1 / 1024,
     None, "resident memory just after start, empty database"),
    ("ovsdb_rss_peak_5k", "MiB", "ports", "hwm_kb", "lower", 1 / 1024, None,
     "peak resident memory (VmHWM) after the 5k-port load and dumps"),
    ("ovsdb_disk_fsync_p50", "ms", "*", "disk_fsync_ms", "context", 1, None,
     "context: fdatasync latency of the disk, probed before and after each "
     "durable run (both servers run interleaved, so they share it)"),
    ("ovsdb_txn_seq_vs_nodur", "tx/s", "txn_seq", "tx_per_s", "higher", 1,
     "txn_seq_nodurable",
     "context: nicflow durable vs ovsdb-server WITHOUT fsync (no durable)"),
    ("ovsdb_txn_pipe_vs_nodur", "tx/s", "txn_pipelined", "tx_per_s",
     "higher", 1, "txn_pipelined_nodurable",
     "context: nicflow durable vs ovsdb-server pipelined WITHOUT fsync"),
]

# Client and server CPU per workload, to show where the time goes.
cpu = {}
for r in runs:
    if "result" not in r:
        continue
    key = "%s/%s" % (r["server"], r["bench"])
    res = r["result"]
    secs = res.get("seconds", res.get("load_seconds"))
    cpu.setdefault(key, []).append(
        {"wall_s": round(secs, 3) if secs else None,
         "client_cpu_s": round(res.get("client_cpu_s", 0), 3),
         "server_cpu_s": r.get("server_cpu_s"),
         "disk_fsync_ms": r.get("disk_fsync_ms"),
         "disk_fsync_ms_after": r.get("disk_fsync_ms_after")})
items, rows = [], []
def fmt(x):
    if x is None:
        return "null"
    if abs(x) >= 100:
        return "%.0f" % x
    if abs(x) >= 1:
        return "%.2f" % x
    return "%.3g" % x

for name, unit, bench, field, better, scale, ovs_bench, desc in metrics:
    nf_v = [x * scale for x in values("nicflow", bench, field)]
    ovs_v = [x * scale for x in values("ovs", ovs_bench or bench, field)]
    if bench == "*":
        nf_v += values("nicflow", bench, field + "_after")
        ovs_v += values("ovs", bench, field + "_after")
    nf, ovs = med(nf_v), med(ovs_v)
    ratio = round(nf / ovs, 3) if nf is not None and ovs else None
    item = {"name": name, "unit": unit, "better": better,
            "description": desc, "repetitions": reps,
            "params": params[bench], "filesystem": fstype,
            "nicflow": round(nf, 4) if nf is not None else None,
            "ovs": round(ovs, 4) if ovs is not None else None,
            "ratio": ratio,
            "nicflow_runs": [round(x, 4) for x in nf_v],
            "ovs_runs": [round(x, 4) for x in ovs_v]}
    if ovs_bench:
        item["ovs_durable"] = False
    # Where the time went in each run: timed wall time, generator CPU,
    # server CPU (whole run, all threads).
    if bench != "*":
        item["cpu"] = {"nicflow": cpu.get("nicflow/" + bench, []),
                       "ovs": cpu.get("ovs/" + (ovs_bench or bench), [])}
    errs = [] if bench == "*" else (errors("nicflow", bench)
                                    + errors("ovs", ovs_bench or bench))
    if errs:
        item["errors"] = errs
    items.append(item)
    rows.append("\t".join([name, unit, fmt(nf), fmt(ovs),
                           "%.2f" % ratio if ratio is not None else "null",
                           better + (" FAILED RUNS" if errs else "")]))

with open(out + "/items.json", "w") as f:
    json.dump(items, f, indent=1)
with open(out + "/table.txt", "w") as f:
    f.write("\n".join(rows) + "\n")
PY
