#!/bin/bash
# tests/check.sh: run every test tier and print one summary.
#
# Each tier prints TAP-style result lines ("ok - NAME", "not ok - NAME",
# "ok - NAME # SKIP reason"); this driver shows them, keeps a full log in
# build/check.log, prints a summary per tier and ends with the plain line
#   N passed, N failed, N skipped
# A tier that cannot run here reports SKIP lines with the reason; nothing
# skipped is ever counted as passed.  Exit status: 0 only if nothing failed.
#
# Environment: TIERS="lint unit sanitize system vm fuzz" selects tiers;
# FUZZ_RUNS overrides each fuzz target's execution count.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BUILD:-build}
log=$build/check.log
mkdir -p "$build"
: > "$log"

TIERS=${TIERS:-"lint unit sanitize system vm fuzz"}
total_pass=0 total_fail=0 total_skip=0
failed_names=()

run_tier() {
    local tier=$1; shift
    local pass=0 fail=0 skip=0 line start end
    start=$(date +%s)
    echo "=== tier: $tier"
    echo "=== tier: $tier" >> "$log"
    # The tier's own output goes to the log; result lines also to the
    # terminal.
    while IFS= read -r line; do
        printf '%s\n' "$line" >> "$log"
        case "$line" in
        "not ok"*)
            fail=$((fail + 1)); failed_names+=("$tier: ${line#not ok }")
            printf '%s\n' "$line" ;;
        "ok"*"# SKIP"*|"ok"*"# skip"*)
            skip=$((skip + 1)); printf '%s\n' "$line" ;;
        "ok"*)
            pass=$((pass + 1)); printf '%s\n' "$line" ;;
        "#"*) printf '%s\n' "$line" ;;
        esac
    done < <("$@" 2>&1)
    end=$(date +%s)
    echo "--- $tier: $pass passed, $fail failed, $skip skipped ($((end - start))s)"
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    total_skip=$((total_skip + skip))
}

for tier in $TIERS; do
    case $tier in
    lint) run_tier lint tests/lint.sh ;;
    unit) run_tier unit tests/unit/run.sh ;;
    sanitize) run_tier sanitize tests/unit/run-sanitized.sh ;;
    system) run_tier system tests/system/run.sh ;;
    vm) run_tier vm tests/vm/run.sh ;;
    fuzz) run_tier fuzz tests/fuzz/run.sh ;;
    *) echo "check.sh: unknown tier '$tier'" >&2; exit 2 ;;
    esac
done

echo
if [ ${#failed_names[@]} -gt 0 ]; then
    echo "Failed:"
    printf '  %s\n' "${failed_names[@]}"
    echo "(full output in $log)"
fi
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" = 0 ] && [ "$total_pass" -gt 0 ]
