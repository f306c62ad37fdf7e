#!/bin/bash
# Unit tier: every cmocka executable in build/tests, TAP output.
set -u
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
shopt -s nullglob
tests=("$build"/tests/test-*)
if [ ${#tests[@]} = 0 ]; then
    echo "not ok - unit: no unit test executables in $build/tests (run make)"
    exit 1
fi
status=0
for t in "${tests[@]}"; do
    name=${t##*/}
    # cmocka's TAP mode prints "ok N - case" / "not ok N - case"; prefix the
    # case names with the executable so the summary says where they live.
    out=$(CMOCKA_MESSAGE_OUTPUT=TAP timeout 300 "$t" 2>&1)
    rc=$?
    printf '%s\n' "$out" | sed -n -e "s/^\(not ok\|ok\) [0-9]* - /\1 - $name: /p" \
                                 -e '/^# \(not \)\?ok - /d' -e '/^#/p'
    if [ $rc != 0 ]; then
        # Diagnostics (assertion messages, logs) only for a failing file.
        printf '%s\n' "$out" | grep -v -E '^(not )?ok|^1\.\.' | sed 's/^/# /' \
            | grep -v '^# $' | head -50
        # A crash or abort before cmocka could report still counts.
        if ! printf '%s\n' "$out" | grep -q '^not ok'; then
            echo "not ok - $name: exited with status $rc"
        fi
        status=1
    fi
done
exit $status
