#!/bin/bash
# The bash completion of nicflow's programs (scripts/completion/
# nicflow.bash): sourced into a bash, its functions are run on partial
# command lines as bash would run them, and the words they offer checked.
# Bridge and table names come from a running nicflow-dbd.
. "$(dirname "$0")/lib.sh"
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

COMPLETION=$NF_TOP/scripts/completion/nicflow.bash
export PATH=$NF_BIN:$PATH
check "the completion file is there" test -r "$COMPLETION"
check "create the nicflow database" create_db "$NICFLOW_DBDIR/conf.db"
check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"
nicflow-vsctl --no-wait --db="unix:$DBD_SOCK" add-br br0 -- add-br br1 \
    >/dev/null 2>&1 || fail "setup"

# offered WORD...: the completion's words for the command line WORD...
# (the last word being completed), sorted, on one line.
offered() {
    bash -c '
        . "$0"
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
        spec=$(complete -p "$1" 2>/dev/null) || exit 1
        func=${spec#*-F }; func=${func%% *}
        "$func" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
        "$COMPLETION" "$@"
}

# completes NAME EXPECTED WORD...: the words offered are exactly EXPECTED.
completes() {
    local name=$1 want=$2; shift 2
    local got
    got=$(offered "$@")
    got=${got% }
    if [ "$got" = "$want" ]; then
        ok "$name"
    else
        fail "$name"
        diag "command line: $*" "expected: $want" "offered:  $got"
    fi
}

completes "nicflow-vsctl add-" "add-bond add-bond-iface add-br add-port" \
    nicflow-vsctl add-
completes "nicflow-vsctl: a command after --" \
    "del-bond-iface del-br del-controller del-fail-mode del-manager del-port del-ssl" \
    nicflow-vsctl --no-wait add-br x -- del-
completes "nicflow-vsctl: list" "list list-br list-ifaces list-ports" \
    nicflow-vsctl list
completes "nicflow-vsctl: table names" "Bridge" nicflow-vsctl list Br
completes "nicflow-vsctl: global options" "--no-headings" nicflow-vsctl --no-h
completes "nicflow-vsctl: per-command options" "--may-exist" \
    nicflow-vsctl --may
completes "nicflow-vsctl: bridge names from the database" "br0 br1" \
    nicflow-vsctl "--db=unix:$DBD_SOCK" add-port b
completes "nicflow-vsctl: fail modes" "secure standalone" \
    nicflow-vsctl set-fail-mode br0 ""
completes "nicflow-dbclient mon" "monitor monitor-cond monitor-cond-since" \
    nicflow-dbclient mon
completes "nicflow-dbclient: every command" \
    "backup convert dump get-schema get-schema-cksum get-schema-version help list-columns list-dbs list-tables lock monitor monitor-cond monitor-cond-since needs-conversion query restore steal transact unlock wait" \
    nicflow-dbclient ""
completes "nicflow-dbclient: --format=VALUE" "--format=html" \
    nicflow-dbclient --format=h
completes "nicflow-dbclient: -d VALUE" "bare" nicflow-dbclient -d b
completes "nicflow-dbclient: options" "--timeout= --timestamp" \
    nicflow-dbclient --tim
completes "nicflow-dbclient: wait states" "connected" \
    nicflow-dbclient wait "unix:$DBD_SOCK" Open_vSwitch c
completes "nicflow-dbclient: table names from the server" "Bridge" \
    nicflow-dbclient dump "unix:$DBD_SOCK" Br
completes "nicflow-ofctl dump-f" "dump-flows" nicflow-ofctl dump-f
completes "nicflow-dpctl add-" "add-dp add-flow add-if" nicflow-dpctl add-
completes "nicflow-appctl vlog/" "vlog/list vlog/reopen vlog/set" \
    nicflow-appctl vlog/

finish
