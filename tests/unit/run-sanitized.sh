#!/bin/bash
# Sanitizer tier: rebuilds the unit tests with AddressSanitizer and
# UndefinedBehaviorSanitizer (in build/sanitize, apart from the normal
# build) and runs them, so memory errors and undefined behaviour that
# happen not to change a result still fail the check.
set -u
cd "$(dirname "$0")/../.."
sbuild=${BUILD:-build}/sanitize
if ! out=$(make --no-print-directory -j2 BUILD="$sbuild" SANITIZE=address,undefined \
           all 2>&1); then
    echo "not ok - sanitize: build failed"
    printf '%s\n' "$out" | grep -E 'error|Error' | head -20 | sed 's/^/# /'
    exit 1
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
BUILD=$sbuild tests/unit/run.sh | sed 's/^\(not ok\|ok\) - /\1 - sanitize: /'
exit "${PIPESTATUS[0]}"
