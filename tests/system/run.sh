#!/bin/bash
# System tier: every tests/system/t-*.sh, one after another (they create
# namespaces and daemons, so they do not run in parallel).  A script that
# exits non-zero without reporting a failure is reported as failed.
set -u
cd "$(dirname "$0")/../.."
status=0
for t in tests/system/t-*.sh; do
    [ -e "$t" ] || continue
    start=$(date +%s)
    out=$(timeout 600 bash "$t" 2>&1)
    rc=$?
    printf '%s\n' "$out"
    # How long each took, as the vm tier says it: make check has a time
    # budget, and these lines show where it goes.
    echo "# ${t##*/}: $(($(date +%s) - start))s"
    if [ $rc != 0 ]; then
        status=1
        if ! printf '%s\n' "$out" | grep -q '^not ok'; then
            echo "not ok - ${t##*/}: exited with status $rc"
        fi
    fi
done
exit $status
