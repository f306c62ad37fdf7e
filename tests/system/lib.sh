# tests/system/lib.sh: helpers for system tests (sourced, bash).
#
# A system test is a bash script tests/system/t-NAME.sh that sources this
# file, runs real nicflow programs (and real peers) as root, and reports
# TAP lines through check/ok/fail.  Everything it creates — temp dirs,
# daemons, network namespaces, veth pairs — is registered here and removed
# by the EXIT trap, whether the test passes, fails or is interrupted.
# Tests use addresses only on loopback and inside namespaces they create.

set -u
NF_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NF_BIN=$NF_TOP/${BUILD:-build}/bin
NF_TEST=$(basename "$0" .sh)
NF_TEST=${NF_TEST#t-}
NF_FAILED=0
_nf_cleanups=()

# Runs the registered cleanups in reverse order.
_nf_cleanup() {
    local i
    for ((i = ${#_nf_cleanups[@]} - 1; i >= 0; i--)); do
        eval "${_nf_cleanups[i]}" >/dev/null 2>&1 || true
    done
}
trap _nf_cleanup EXIT
# The cleanups' own output is discarded; what must still be seen goes here.
exec {NF_STDOUT}>&1
trap 'exit 130' INT TERM

# on_exit CMD: run CMD (a string) at exit, after anything registered later.
on_exit() { _nf_cleanups+=("$1"); }

ok()   { echo "ok - $NF_TEST: $*"; }
fail() { echo "not ok - $NF_TEST: $*"; NF_FAILED=1; }
skip() { echo "ok - $NF_TEST: $1 # SKIP $2"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# The check helpers run CMD in the test's own shell (not a subshell), so a
# command that registers a cleanup with on_exit (start_daemon, add_netns)
# keeps it.  Output goes to a scratch file and is shown only on failure.
_nf_run() {
    local out=${NF_TMP:-${TMPDIR:-/tmp}}/.nf-check-output.$$
    "$@" >"$out" 2>&1
    local rc=$?
    _nf_out=$(cat "$out" 2>/dev/null)
    rm -f "$out"
    return $rc
}

# check NAME CMD...: runs CMD, reports ok/not ok; on failure shows output.
check() {
    local name=$1; shift
    if _nf_run "$@"; then
        ok "$name"
    else
        fail "$name"
        diag "command: $*" "$_nf_out"
    fi
}

# check_output NAME EXPECTED-REGEX CMD...: CMD succeeds and its output
# matches the extended regex.
check_output() {
    local name=$1 re=$2; shift 2
    if _nf_run "$@" && printf '%s\n' "$_nf_out" | grep -Eq -- "$re"; then
        ok "$name"
    else
        fail "$name"
        diag "command: $*" "expected to match: $re" "$_nf_out"
    fi
}

# check_here NAME CMD...: like check, but runs CMD in this shell rather
# than in a subshell, so that what CMD registers with on_exit (start_daemon
# registers the daemon's termination) is kept.
check_here() {
    local name=$1; shift
    if "$@" > "$NF_TMP/check_here.out" 2>&1; then
        ok "$name"
    else
        fail "$name"
        diag "command: $*" "$(cat "$NF_TMP/check_here.out")"
    fi
}

# check_eventually NAME SECS CMD...: CMD succeeds within SECS seconds
# (retried every 0.2 s: settling, not timing); on failure the last try's
# output is shown.
check_eventually() {
    local name=$1 secs=$2 i
    shift 2
    for ((i = 0; i < secs * 5; i++)); do
        _nf_run "$@" && { ok "$name"; return 0; }
        sleep 0.2
    done
    fail "$name"
    diag "command: $*" "$_nf_out"
}

# check_fails NAME CMD...: CMD must fail.
check_fails() {
    local name=$1; shift
    if _nf_run "$@"; then
        fail "$name"
        diag "command unexpectedly succeeded: $*" "$_nf_out"
    else
        ok "$name"
    fi
}

# After a failure, the end of every daemon log under the test's log
# directory is shown as TAP comments, so that a crash seen only in CI
# leaves its last words in CI's output.
_nf_dump_logs() {
    [ "$NF_FAILED" = 0 ] && return 0
    local f
    for f in "$NICFLOW_LOGDIR"/*.log; do
        [ -e "$f" ] || continue
        echo "# --- last lines of ${f##*/} ---"
        tail -n 40 "$f" | sed 's/^/# /'
    done >&"$NF_STDOUT"
}

# make_tmpdir: sets NF_TMP to a fresh directory removed at exit, and points
# NICFLOW_RUNDIR/DBDIR/LOGDIR into it.
make_tmpdir() {
    NF_TMP=$(mktemp -d "${TMPDIR:-/tmp}/nicflow-$NF_TEST.XXXXXX")
    on_exit "rm -rf '$NF_TMP'"
    on_exit _nf_dump_logs
    export NICFLOW_RUNDIR=$NF_TMP/run NICFLOW_DBDIR=$NF_TMP/db \
           NICFLOW_LOGDIR=$NF_TMP/log
    mkdir -p "$NICFLOW_RUNDIR" "$NICFLOW_DBDIR" "$NICFLOW_LOGDIR"
}

# start_daemon PROGRAM ARGS...: starts a nicflow daemon detached with a
# pidfile in NICFLOW_RUNDIR, and registers its termination.
start_daemon() {
    local prog=$1; shift
    "$NF_BIN/$prog" --detach --pidfile --log-file "$@" || return 1
    on_exit "stop_daemon $prog"
}

# stop_daemon PROGRAM: SIGTERM, then SIGKILL after 5 s.
stop_daemon() {
    local pidfile=$NICFLOW_RUNDIR/$1.pid pid i
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || return 0
    for i in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
}

# add_netns NAME: creates a network namespace with a unique name, removed at
# exit, and stores the full name in NETNS.  Call it directly, not inside
# $(...): a subshell would register the removal where it never runs.
add_netns() {
    NETNS="nf-$NF_TEST-$1-$$"
    ip netns add "$NETNS" || return 1
    on_exit "ip netns del '$NETNS'"
    ip -n "$NETNS" link set lo up
}

# add_hosts SWITCH_NS NAME...: for the I-th NAME (from 1), a namespace
# (in ns[NAME]; the caller declares "declare -A ns") whose eth0, address
# 10.0.0.I/24 and MAC 50:54:00:00:00:0I, is a veth to pNAME in SWITCH_NS,
# both up.  Returns 1 if a namespace cannot be made.
add_hosts() {
    local sw=$1 h i=0
    shift
    for h in "$@"; do
        i=$((i + 1))
        add_netns "$h" || return 1
        ns[$h]=$NETNS
        ip link add eth0 netns "${ns[$h]}" type veth peer name "p$h" netns "$sw"
        ip -n "${ns[$h]}" addr add "10.0.0.$i/24" dev eth0
        ip -n "${ns[$h]}" link set eth0 address "50:54:00:00:00:0$i"
        ip -n "${ns[$h]}" link set eth0 up
        ip -n "$sw" link set "p$h" up
    done
}

# require_root: skips the whole test (with the reason) when not root.
require_root() {
    if [ "$(id -u)" != 0 ]; then
        skip "all" "needs root"
        exit 0
    fi
}

# require_cmd CMD...: skips the whole test if a command is missing.
require_cmd() {
    local c
    for c in "$@"; do
        if ! command -v "$c" >/dev/null 2>&1; then
            skip "all" "$c not installed (scripts/install-deps.sh --test)"
            exit 0
        fi
    done
}

# finish: exit status for the runner.
finish() { exit $NF_FAILED; }
