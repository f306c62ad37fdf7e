# tests/system/ovsdb/lib-ovsdb.sh: helpers for the t-ovsdb-*.sh tests
# (sourced after ../lib.sh and make_tmpdir).

NF_OVSDB_DIR=$NF_TOP/tests/system/ovsdb
NF_SCHEMA=$NF_TOP/ovsdb/vswitch.ovsschema
OVS_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
# The helper scripts import each other: no __pycache__ in the source tree.
export PYTHONDONTWRITEBYTECODE=1
# Set here, not in the functions below: check runs those in a subshell.
DBD_SOCK=$NICFLOW_RUNDIR/db.sock
DBD_LOG=$NICFLOW_LOGDIR/nicflow-dbd.log
OVS_SOCK=$NF_TMP/ovs/db.sock

# create_db DB [SCHEMA]: a new nicflow database file, with nicflow-dbtool
# if it has been built, else with the test's own writer of the format.
create_db() {
    local db=$1 schema=${2:-$NF_SCHEMA}
    if [ -x "$NF_BIN/nicflow-dbtool" ]; then
        "$NF_BIN/nicflow-dbtool" create "$db" "$schema"
    else
        python3 "$NF_OVSDB_DIR/mkdb.py" "$db" "$schema"
    fi
}

# start_dbd DB ARGS...: starts nicflow-dbd on DB, serving
# punix:$NICFLOW_RUNDIR/db.sock (plus ARGS), detached; stopped at exit.
# Its socket is DBD_SOCK, its log DBD_LOG.
start_dbd() {
    local db=$1; shift
    start_daemon nicflow-dbd "$db" --remote="punix:$DBD_SOCK" "$@"
}

# dbd_pid: the running nicflow-dbd's pid.
dbd_pid() { cat "$NICFLOW_RUNDIR/nicflow-dbd.pid"; }

# start_ovsdb_server: Open vSwitch's ovsdb-server 3.1 on a fresh database
# of Open vSwitch's own schema, in $NF_TMP/ovs, serving OVS_SOCK; stopped
# at exit.
start_ovsdb_server() {
    local d=$NF_TMP/ovs
    mkdir -p "$d"
    ovsdb-tool create "$d/conf.db" "$OVS_SCHEMA" || return 1
    ovsdb-server "$d/conf.db" --remote="punix:$OVS_SOCK" \
        --unixctl="$d/ovsdb-server.ctl" --pidfile="$d/ovsdb-server.pid" \
        --log-file="$d/ovsdb-server.log" --detach --no-chdir \
        -vconsole:off || return 1
    on_exit "kill \$(cat '$d/ovsdb-server.pid')"
}
