#!/bin/bash
# Lint tier: clang-format conformance and cppcheck, as TAP lines.
# "make lint" runs it; "make format" rewrites files to conform.
set -u
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.c' '*.h' \
                     | grep -v '^build/' | while read -r f; do [ -f "$f" ] && echo "$f"; done)
if [ ${#files[@]} = 0 ]; then
    echo "not ok - lint: no C sources found"
    exit 1
fi
status=0

if command -v clang-format >/dev/null; then
    bad=()
    for f in "${files[@]}"; do
        clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
    done
    if [ ${#bad[@]} = 0 ]; then
        echo "ok - lint: clang-format (${#files[@]} files)"
    else
        echo "not ok - lint: clang-format: ${#bad[@]} files differ (run 'make format'): ${bad[*]:0:5}"
        status=1
    fi
else
    echo "ok - lint: clang-format # SKIP clang-format not installed"
fi

if command -v cppcheck >/dev/null; then
    # Only real defects fail the tier; style opinions are clang-format's
    # and the compiler's business.  funcArgOrderDifferent is suppressed: it
    # misfires on declarations that leave the first parameter unnamed, a
    # habit of our headers ("void hmap_insert(struct hmap *, ...)").
    out=$(cppcheck -q --std=c11 --enable=warning,portability \
          --error-exitcode=1 --inline-suppr -D__GNUC__ -D_GNU_SOURCE \
          --suppress=missingIncludeSystem --suppress=funcArgOrderDifferent \
          -I. -Iinclude -Ilib \
          "${files[@]}" 2>&1)
    if [ $? = 0 ]; then
        echo "ok - lint: cppcheck (${#files[@]} files)"
    else
        echo "not ok - lint: cppcheck"
        printf '%s\n' "$out" | head -40 | sed 's/^/# /'
        status=1
    fi
else
    echo "ok - lint: cppcheck # SKIP cppcheck not installed"
fi
exit $status
