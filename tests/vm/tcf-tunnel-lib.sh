# tests/vm/tcf-tunnel-lib.sh - sourced by the guest scripts that drive the
# TC flower provider through tcf-driver between two "hosts" over a veth
# underlay (busybox sh): t-tcf-tunnel.sh and t-tcf-geneve-opts.sh.  They
# set IP, TC, DRV, the namespace names (HA, HB, VA, VB), the addresses
# and TMPP (the prefix of their scratch files TMPP.out, .dump and .raw),
# then source it from /nicflow.  It holds the TAP helpers, the cleanup
# trap, the two hosts and their VMs, and the driver and tc helpers.
# shellcheck shell=sh disable=SC2034,SC2317
failed=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=1; }
# expect NAME TEXT PATTERN: ok if TEXT contains PATTERN (fixed string).
expect() {
    case $2 in
    *"$3"*) ok "$1" ;;
    *) not_ok "$1"; echo "# want: $3"; echo "$2" | sed 's/^/# got:  /' ;;
    esac
}
check() { # NAME COMMAND...: ok when the command succeeds
    name=$1
    shift
    if "$@" >"$TMPP.out" 2>&1; then
        ok "$name"
    else
        not_ok "$name"
        sed 's/^/# /' "$TMPP.out"
    fi
}
check_fails() { # NAME COMMAND...: ok when the command fails
    name=$1
    shift
    if "$@" >"$TMPP.out" 2>&1; then
        not_ok "$name"
        sed 's/^/# /' "$TMPP.out"
    else
        ok "$name"
    fi
}

cleanup() {
    exec 3>&- 2>/dev/null || :
    exec 4>&- 2>/dev/null || :
    for ns in "$HA" "$HB" "$VA" "$VB"; do "$IP" netns del "$ns" 2>/dev/null || :; done
    rm -f /tmp/drvA.* /tmp/drvB.* /tmp/drv.seq "$TMPP.out" "$TMPP.dump" \
        "$TMPP.raw"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
# A driver that died must fail checks, not kill the script with SIGPIPE.
trap '' PIPE

# --- the drivers, one per host, as coprocesses over FIFOs ---------------
# start_driver ID NS: driver ID (A or B) in namespace NS, fed through fd 3
# (A) or 4 (B).
start_driver() {
    rm -f "/tmp/drv$1.in"
    mkfifo "/tmp/drv$1.in"
    : >"/tmp/drv$1.out"
    # Without the other driver's FIFO: a driver sees the end of its input
    # only when no process holds its FIFO open for writing.
    "$IP" netns exec "$2" "$DRV" <"/tmp/drv$1.in" >>"/tmp/drv$1.out" \
        2>>"/tmp/drv$1.log" 3>&- 4>&- &
    if [ "$1" = A ]; then drv_pid_A=$!; else drv_pid_B=$!; fi
    if [ "$1" = A ]; then exec 3>/tmp/drvA.in; else exec 4>/tmp/drvB.in; fi
}
stop_driver() { # ID
    if [ "$1" = A ]; then exec 3>&-; else exec 4>&-; fi
    if [ "$1" = A ]; then wait "$drv_pid_A" || :; else wait "$drv_pid_B" || :; fi
}
# drv ID CMD...: sends one command to driver ID and prints its output for
# it, up to a marker line echoed after it.
drv() {
    id=$1
    shift
    if [ "$id" = A ]; then pid=$drv_pid_A; else pid=$drv_pid_B; fi
    out=/tmp/drv$id.out
    seq_no=$(($(cat /tmp/drv.seq 2>/dev/null || echo 0) + 1))
    echo "$seq_no" >/tmp/drv.seq
    mark="@@$seq_no"
    from=$(($(wc -l <"$out") + 1))
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "driver $id is gone; its last words:"
        tail -n 5 "$out" "/tmp/drv$id.log"
        return 1
    fi
    if [ "$id" = A ]; then
        echo "$*" >&3
        echo "echo $mark" >&3
    else
        echo "$*" >&4
        echo "echo $mark" >&4
    fi
    i=0
    while ! grep -qx "$mark" "$out"; do
        i=$((i + 1))
        if [ $i -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
            echo "driver $id gave no answer to: $*"
            tail -n 5 "$out" "/tmp/drv$id.log"
            return 1
        fi
        sleep 0.1
    done
    sed -n "$from,\$p" "$out" | grep -vx "$mark" || :
}

tc_in() { # NS ARGS...: tc inside namespace NS
    ns=$1
    shift
    "$IP" netns exec "$ns" "$TC" "$@"
}
# Filters with a handle on DEV's ingress in NS.
n_filters() { # NS DEV
    tc_in "$1" filter show dev "$2" ingress | grep -c "^filter .* handle " || :
}
# stats_agree NAME HOST NS DEV UFID: the driver's statistics of HOST's
# filter UFID equal tc's for it on DEV in NS (plus the 14-byte Ethernet
# header software flower does not count), as tc counted just before or
# just after: a packet the VMs send in between (a neighbour refresh)
# counts only in the second.  tc_counts is the calling script's.
stats_agree() {
    c1=$(tc_counts "$3" "$4" "$5")
    out=$(drv "$2" stats "$5")
    c2=$(tc_counts "$3" "$4" "$5")
    p1=${c1% *} b1=${c1#* } p2=${c2% *} b2=${c2#* }
    want1="packets=${p1:-0} bytes=$((${b1:-0} + 14 * ${p1:-0})) used=yes"
    want2="packets=${p2:-0} bytes=$((${b2:-0} + 14 * ${p2:-0})) used=yes"
    case $out in
    *"$want1"* | *"$want2"*) ok "$1" ;;
    *)
        not_ok "$1"
        echo "# want: $want1 (or, read after: $want2)"
        echo "$out" | sed 's/^/# got:  /'
        ;;
    esac
}
