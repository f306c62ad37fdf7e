#!/bin/bash
# The manual pages in docs/: each renders without a warning (man -l, or
# groff where man is missing), and documents every command and every long
# option that the program's --help names.
. "$(dirname "$0")/lib.sh"
make_tmpdir

# render PAGE: the page as text on stdout; warnings go to stderr.
render() {
    if command -v man >/dev/null; then
        MANWIDTH=80 man --warnings -E UTF-8 -l "$1"
    else
        groff -man -Tutf8 -ww "$1"
    fi
}

# The commands that --help lists (each program has its own layout).
vsctl_commands() {
    "$NF_BIN/nicflow-vsctl" --help | sed -n '/commands/,/^Commands are separated/p' |
        sed -nE 's/^  ([a-z][a-z-]*)( .*)?$/\1/p'
}
dbclient_commands() {
    "$NF_BIN/nicflow-dbclient" --help | sed -nE 's/^  ([a-z][a-z-]*) \[SERVER\].*/\1/p'
}

for prog in nicflow-vsctl nicflow-dbclient; do
    page=$NF_TOP/docs/$prog.8
    if ! [ -r "$page" ]; then
        fail "$prog.8 exists"
        continue
    fi
    render "$page" > "$NF_TMP/$prog.txt" 2> "$NF_TMP/$prog.err"
    if [ -s "$NF_TMP/$prog.txt" ] && ! [ -s "$NF_TMP/$prog.err" ]; then
        ok "$prog.8 renders without warnings"
    else
        fail "$prog.8 renders without warnings"
        diag "$(cat "$NF_TMP/$prog.err")"
    fi
    # Rendered wide, so that no name is broken across lines.
    MANWIDTH=200 render "$page" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' \
        > "$NF_TMP/$prog.wide"
    missing=
    for c in $("${prog#nicflow-}_commands"); do
        grep -qE "^ +$c( |$)" "$NF_TMP/$prog.wide" || missing+=" $c"
    done
    if [ -z "$missing" ]; then
        ok "$prog.8 documents every command of --help"
    else
        fail "$prog.8 documents every command of --help"; diag "missing:$missing"
    fi
    missing=
    for o in $("$NF_BIN/$prog" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
        grep -q -- "$o" "$NF_TMP/$prog.wide" || missing+=" $o"
    done
    if [ -z "$missing" ]; then
        ok "$prog.8 documents every option of --help"
    else
        fail "$prog.8 documents every option of --help"; diag "missing:$missing"
    fi
done

finish
