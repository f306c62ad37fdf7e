#!/bin/bash
# Fuzz tier for "make check": a short run of every libFuzzer target in
# build/fuzz from a scratch copy of its seed corpus (tests/fuzz/corpus/NAME),
# so the repository's corpus is never modified.  FUZZ_RUNS sets the
# executions per target (default: 1,000,000 for fuzz-flow, fuzz-ofctl-msg
# and fuzz-softpath-dp, whose acceptance asks for that many, and 200,000
# for the others, which stop after FUZZ_SECONDS, 20, if that comes
# first).
set -u
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
shopt -s nullglob
targets=("$build"/fuzz/fuzz-*)
if [ ${#targets[@]} = 0 ]; then
    echo "ok - fuzz # SKIP no fuzz targets built (clang with libFuzzer missing?)"
    exit 0
fi
scratch=$(mktemp -d)
mkdir -p "$build/fuzz-artifacts"
trap 'rm -rf "$scratch"' EXIT
status=0
for t in "${targets[@]}"; do
    name=${t##*/}
    short=${name#fuzz-}
    runs=${FUZZ_RUNS:-}
    # The run count, or FUZZ_SECONDS (20) of it, whichever comes first,
    # except for the targets whose acceptance asks for a million runs: the
    # slow targets (GSO segmentation, the database log) took 40 s for
    # 200,000 runs, and make check has a time budget.
    limit=(-max_total_time="${FUZZ_SECONDS:-20}")
    if [ -z "$runs" ]; then
        case $short in
        flow | ofctl-msg | softpath-dp) runs=1000000 limit=() ;;
        *) runs=200000 ;;
        esac
    fi
    mkdir -p "$scratch/$short"
    [ -d "tests/fuzz/corpus/$short" ] && cp -r "tests/fuzz/corpus/$short/." "$scratch/$short/"
    start=$(date +%s)
    out=$(cd "$scratch" && timeout 900 "$OLDPWD/$t" -runs="$runs" "${limit[@]}" \
          -max_len=4096 -print_final_stats=1 \
          -artifact_prefix="$OLDPWD/$build/fuzz-artifacts/$short-" "$short" 2>&1)
    rc=$?
    end=$(date +%s)
    execs=$(printf '%s\n' "$out" | sed -n 's/^stat::number_of_executed_units: *//p')
    if [ $rc = 0 ]; then
        echo "ok - fuzz: $name ${execs:-?} executions in $((end - start))s"
    else
        echo "not ok - fuzz: $name (status $rc after ${execs:-?} executions)"
        printf '%s\n' "$out" | grep -E 'ERROR|SUMMARY|runtime error|==[0-9]+==|^ +#[0-9]+ 0x' | head -20 | sed 's/^/# /'
        status=1
    fi
done
exit $status
