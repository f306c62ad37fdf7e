# Bash completion for nicflow's command-line programs: nicflow-vsctl,
# nicflow-dbclient, nicflow-ofctl, nicflow-dpctl and nicflow-appctl.
#
#   . scripts/completion/nicflow.bash          # in this shell
#   for p in nicflow-vsctl nicflow-dbclient nicflow-ofctl nicflow-dpctl \
#            nicflow-appctl; do                # system-wide
#       ln -s "$PWD/scripts/completion/nicflow.bash" \
#             /usr/share/bash-completion/completions/$p
#   done
#
# Commands and options are read from each program's own --help (once per
# shell and program, cached), so the completion never disagrees with the
# program it completes for; bridge and table names come from the running
# database, asked with a short timeout.  Needs bash only (not the
# bash-completion package).

# _nicflow_help PROGRAM: PROGRAM's --help, cached in _nicflow_help_cache.
declare -gA _nicflow_help_cache 2>/dev/null || true
_nicflow_help() {
    local prog=$1
    if [[ -z ${_nicflow_help_cache[$prog]+set} ]]; then
        _nicflow_help_cache[$prog]=$("$prog" --help 2>/dev/null)
    fi
    printf '%s\n' "${_nicflow_help_cache[$prog]}"
}

# _nicflow_options PROGRAM: the long and short options --help names, a
# long option that takes a value followed by "=".
_nicflow_options() {
    _nicflow_help "$1" |
        grep -oE '(^|[ ,])(-[A-Za-z]|--[a-z][a-z0-9-]*(\[?=)?)' |
        sed -E 's/^[ ,]//; s/\[=$/=/' | sort -u
}

# _nicflow_reply WORDS...: COMPREPLY = the WORDS that start with the
# current word; no space after one ending in "=".
_nicflow_reply() {
    local cur=${COMP_WORDS[COMP_CWORD]} w
    COMPREPLY=()
    for w in "$@"; do
        [[ $w == "$cur"* ]] && COMPREPLY+=("$w")
    done
    if [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]]; then
        compopt -o nospace 2>/dev/null
    fi
}

# _nicflow_files: COMPREPLY = file names that start with the current word.
_nicflow_files() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

# nicflow-vsctl ----------------------------------------------------------

# The commands: the first word of the lines of the command sections of
# --help (they end where the row-reference rules begin).
_nicflow_vsctl_commands() {
    _nicflow_help "$1" |
        sed -n '/commands/,/^Commands are separated/p' |
        sed -nE 's/^  ([a-z][a-z-]*)( .*)?$/\1/p'
}

# The tables: the headings of --help's row-reference rules.
_nicflow_vsctl_tables() {
    _nicflow_help "$1" | sed -nE 's/^  ([A-Za-z_]+):$/\1/p'
}

_nicflow_vsctl() {
    local prog=$1 cur=${COMP_WORDS[COMP_CWORD]}
    local i cmd= argn=0 db=() w
    # Find the command the current word belongs to: after the start or the
    # last "--", the first word that is not an option.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == -- ]]; then
            cmd= argn=0
        elif [[ -z $cmd && $w == --db=* ]]; then
            db=("$w")
        elif [[ -z $cmd && $w == -* ]]; then
            continue
        elif [[ -z $cmd ]]; then
            cmd=$w argn=0
        else
            argn=$((argn + 1))
        fi
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            _nicflow_reply $(_nicflow_options "$prog") \
                --may-exist --if-exists --all --with-iface --fake-iface \
                --id=@ --inactivity-probe=
        else
            _nicflow_reply $(_nicflow_vsctl_commands "$prog")
        fi
        return 0
    fi
    case $cmd:$argn in
    # Database commands: a table first.
    get:0 | list:0 | find:0 | set:0 | add:0 | remove:0 | clear:0 | \
    create:0 | destroy:0 | wait-until:0)
        _nicflow_reply $(_nicflow_vsctl_tables "$prog")
        ;;
    # Commands whose first argument is an existing bridge.
    del-br:0 | br-exists:0 | br-to-vlan:0 | br-to-parent:0 | \
    br-set-external-id:0 | br-get-external-id:0 | list-ports:0 | \
    add-port:0 | add-bond:0 | list-ifaces:0 | get-controller:0 | \
    del-controller:0 | set-controller:0 | get-fail-mode:0 | \
    del-fail-mode:0 | set-fail-mode:0 | add-br:1)
        _nicflow_reply $("$prog" "${db[@]}" --timeout=2 list-br 2>/dev/null)
        ;;
    set-fail-mode:1)
        _nicflow_reply secure standalone
        ;;
    set-ssl:*)
        _nicflow_files
        ;;
    *)
        COMPREPLY=()
        ;;
    esac
    return 0
}

# nicflow-dbclient -------------------------------------------------------

# The commands: --help names each as "  COMMAND [SERVER]...".
_nicflow_dbclient_commands() {
    _nicflow_help "$1" | sed -nE 's/^  ([a-z][a-z-]*) \[SERVER\].*/\1/p'
}

_nicflow_dbclient() {
    local prog=$1 cur=${COMP_WORDS[COMP_CWORD]}
    local prev=${COMP_WORDS[COMP_CWORD - 1]}
    local i cmd= argn=0 server=() w

    case $prev in
    -f | --format) _nicflow_reply table list html csv json; return 0 ;;
    -d | --data) _nicflow_reply string bare json; return 0 ;;
    -p | -c | -C) _nicflow_files; return 0 ;;
    -t) COMPREPLY=(); return 0 ;;
    esac
    case $cur in
    --format=*) cur=${cur#*=}; COMPREPLY=($(compgen -P --format= -W "table list html csv json" -- "$cur")); return 0 ;;
    --data=*) cur=${cur#*=}; COMPREPLY=($(compgen -P --data= -W "string bare json" -- "$cur")); return 0 ;;
    esac
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ -z $cmd && $w == -* ]]; then
            [[ $w == -[fdtpcC] ]] && i=$((i + 1))
        elif [[ -z $cmd ]]; then
            cmd=$w
        elif [[ $argn == 0 && $w == @(unix|tcp|ssl):* ]]; then
            server=("$w")
        else
            argn=$((argn + 1))
        fi
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            _nicflow_reply $(_nicflow_options "$prog")
        else
            _nicflow_reply $(_nicflow_dbclient_commands "$prog")
        fi
        return 0
    fi
    if [[ $argn == 0 && -z ${server[*]} && $cur == unix:* ]]; then
        # A server socket: the file after "unix:".
        COMPREPLY=($(compgen -P unix: -f -- "${cur#unix:}"))
        return 0
    fi
    case $cmd:$argn in
    convert:0 | needs-conversion:0)
        _nicflow_files
        ;;
    wait:1)
        _nicflow_reply added connected removed
        ;;
    restore:* | backup:*)
        [[ $cur == --* ]] && _nicflow_reply --force
        ;;
    dump:* | monitor:* | monitor-cond:* | monitor-cond-since:* | \
    list-columns:*)
        _nicflow_reply $("$prog" -t 2 --no-headings list-tables \
                          "${server[@]}" 2>/dev/null) ALL
        ;;
    *)
        COMPREPLY=()
        ;;
    esac
    return 0
}

# nicflow-ofctl, nicflow-dpctl, nicflow-appctl ---------------------------

# The commands: the first word of each two-space-indented line of --help
# before its options.
_nicflow_simple_commands() {
    _nicflow_help "$1" | sed '/^Options:/,$d; /^Other options:/,$d' |
        sed -nE 's/^  ([a-z][a-z0-9/-]*)( .*)?$/\1/p'
}

_nicflow_simple() {
    local prog=$1 cur=${COMP_WORDS[COMP_CWORD]} i n=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        [[ ${COMP_WORDS[i]} == -* ]] || n=$((n + 1))
    done
    if [[ $cur == -* ]]; then
        _nicflow_reply $(_nicflow_options "$prog")
    elif [[ $n == 0 ]]; then
        _nicflow_reply $(_nicflow_simple_commands "$prog")
    else
        _nicflow_files
    fi
    return 0
}

_nicflow_appctl() {
    local prog=$1 cur=${COMP_WORDS[COMP_CWORD]} i n=0 target=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -t | -T) target=(-t "${COMP_WORDS[i + 1]}"); i=$((i + 1)) ;;
        --target=*) target=("${COMP_WORDS[i]}") ;;
        -*) ;;
        *) n=$((n + 1)) ;;
        esac
    done
    if [[ $cur == -* ]]; then
        _nicflow_reply $(_nicflow_options "$prog")
    elif [[ $n == 0 ]]; then
        # The target's own commands if it answers, else the common ones.
        _nicflow_reply $( { "$prog" "${target[@]}" -T 2 list-commands \
                                2>/dev/null | sed -nE 's/^  ([^ ]+).*/\1/p'
                            _nicflow_simple_commands "$prog"; } | sort -u)
    fi
    return 0
}

complete -F _nicflow_vsctl nicflow-vsctl
complete -F _nicflow_dbclient nicflow-dbclient
complete -F _nicflow_simple nicflow-ofctl nicflow-dpctl
complete -F _nicflow_appctl nicflow-appctl
