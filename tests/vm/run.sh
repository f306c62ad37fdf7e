#!/bin/bash
# tests/vm/run.sh - the VM test tier: runs every tests/vm/t-*.sh in its own
# throwaway QEMU guest through tests/vm/lab.sh.
#
# Usage: tests/vm/run.sh [-t TIMEOUT_SECONDS] [t-NAME.sh ...]
#
# Prints one TAP line per check the guest made, as
#   ok - vm/t-NAME: CHECK      not ok - vm/t-NAME: CHECK
# (guest comments and other guest output as "# ..." lines), a "not ok" line
# for a guest that failed without saying why, and at the end one line
#   vm: N passed, N failed, N skipped
# When the lab cannot run here (QEMU or busybox missing, kernel package not
# downloadable) every test is reported as "ok - vm/t-NAME # SKIP reason".
# Exit status: 1 if any check failed, else 0 (skips are not failures).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
limit=300
while getopts t:h opt; do
    case $opt in
    t) limit=$OPTARG ;;
    *) echo "usage: $0 [-t TIMEOUT_SECONDS] [t-NAME.sh ...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))

if [ $# -gt 0 ]; then
    tests=()
    for t in "$@"; do
        case $t in */*) tests+=("$t") ;; *) tests+=("$here/$t") ;; esac
    done
else
    tests=("$here"/t-*.sh)
fi

passed=0
failed=0
skipped=0
out=$(mktemp "${TMPDIR:-/tmp}/nicflow-vm-run.XXXXXX")
err=$(mktemp "${TMPDIR:-/tmp}/nicflow-vm-run.XXXXXX")
trap 'rm -f "$out" "$err"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Tools the lab needs; lab.sh checks the rest and answers 77 too.
skip_reason=""
for tool in qemu-system-x86_64 busybox; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        skip_reason="vm lab unavailable: $tool not found (scripts/install-deps.sh --test installs it)"
        break
    fi
done

start=$(date +%s)
for t in "${tests[@]}"; do
    [ -f "$t" ] || { echo "not ok - vm/${t##*/}: no such test"; failed=$((failed + 1)); continue; }
    name=${t##*/}
    name=${name%.sh}
    if [ -n "$skip_reason" ]; then
        echo "ok - vm/$name # SKIP ${skip_reason#vm lab unavailable: }"
        skipped=$((skipped + 1))
        continue
    fi
    # Programs of this tree that a guest script names in its "# vm-files:"
    # line (lab.sh ships them) are made first, so the guest gets current
    # ones; lab.sh reports one that cannot be made.
    top=$(cd "$here/../.." && pwd)
    # shellcheck disable=SC2013 # the line holds words (paths)
    for f in $(sed -n 's/^# vm-files: *//p' "$t"); do
        case $f in build/*) make -s -C "$top" "$f" >/dev/null 2>&1 || : ;; esac
    done
    t0=$(date +%s)
    rc=0
    "$here/lab.sh" -t "$limit" "$t" >"$out" 2>"$err" </dev/null || rc=$?
    secs=$(($(date +%s) - t0))
    if [ $rc = 77 ]; then
        reason=$(grep '^vm lab unavailable: ' "$err" | tail -n 1)
        reason=${reason#vm lab unavailable: }
        echo "ok - vm/$name # SKIP ${reason:-vm lab unavailable}"
        skipped=$((skipped + 1))
        # Later tests would meet the same obstacle.
        skip_reason="vm lab unavailable: ${reason:-vm lab unavailable}"
        continue
    fi
    np=0
    nf=0
    while IFS= read -r line; do
        case $line in
        "ok - "*)
            echo "ok - vm/$name: ${line#ok - }"
            np=$((np + 1))
            ;;
        "not ok - "*)
            echo "not ok - vm/$name: ${line#not ok - }"
            nf=$((nf + 1))
            ;;
        "#"*) echo "$line" ;;
        *) echo "# $line" ;;
        esac
    done <"$out"
    if [ $rc != 0 ] && [ $nf = 0 ]; then
        # The guest (or the lab) failed without a "not ok" line of its own.
        if grep -q '^lab.sh: ' "$err"; then
            echo "not ok - vm/$name: $(grep '^lab.sh: ' "$err" | tail -n 1 | sed 's/^lab.sh: //')"
        else
            echo "not ok - vm/$name: guest script exited $rc"
        fi
        nf=1
    elif [ $rc = 0 ] && [ $np = 0 ] && [ $nf = 0 ]; then
        echo "not ok - vm/$name: guest script reported no checks"
        nf=1
    fi
    # lab.sh's own notes (fetching, building) and diagnostics.
    sed 's/^/# /' "$err"
    echo "# vm/$name: ${secs}s"
    passed=$((passed + np))
    failed=$((failed + nf))
done

echo "# vm tier: $(($(date +%s) - start))s"
echo "vm: $passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
