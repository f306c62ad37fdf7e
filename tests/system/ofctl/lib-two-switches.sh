#!/bin/bash
# Sourced by the tests that run one scenario on nicflowd and on a real
# ovs-vswitchd 3.1 side by side (t-nicflowd-eviction, -vacancy, -async),
# after lib.sh, ovsdb/lib-ovsdb.sh and ofctl/lib-ofctl.sh.

# start_two_switches: nicflow-dbd, nicflowd in a namespace of its own
# ($nsnf) and a real ovs-vswitchd 3.1 in another ($OVS_NETNS: both
# userspace datapaths make an "ovs-netdev" tap device), each with a netdev
# br0 in fail_mode=secure (no NORMAL flow of the bridge's own in table
# 0).  NF_DB names nicflow-dbd's socket, OVS_DIR Open vSwitch's
# directory.  A switch that does not start ends the test.
start_two_switches() {
    NF_DB=unix:$NICFLOW_RUNDIR/db.sock
    check "create the database" create_db "$NICFLOW_DBDIR/conf.db"
    check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"
    ovs-vsctl --db="$NF_DB" --no-wait init
    add_netns nf && nsnf=$NETNS || { fail "create namespaces"; finish; }
    add_netns ovs && OVS_NETNS=$NETNS || { fail "create namespaces"; finish; }
    check "nicflowd starts" ip netns exec "$nsnf" "$NF_BIN/nicflowd" \
        "$NF_DB" --detach --pidfile --log-file
    on_exit "stop_daemon nicflowd"
    check "add-br br0 (netdev)" ovs-vsctl --db="$NF_DB" --timeout=20 \
        add-br br0 -- set bridge br0 datapath_type=netdev fail_mode=secure
    check_here "a real ovs-vswitchd 3.1 starts" start_ovs_switch br0
    unset OVS_RUNDIR OVS_LOGDIR OVS_DBDIR
    ovs-vsctl --db="unix:$OVS_DIR/db.sock" --timeout=20 set bridge br0 \
        fail_mode=secure
}

# The switch use() selects, nf or ovs, for vsctl(); BR names its br0 for
# ovs-ofctl (its management socket).
SW=nf
BR=br0
use() {
    SW=$1
    if [ "$SW" = nf ]; then
        BR=unix:$NICFLOW_RUNDIR/br0.mgmt
    else
        BR=unix:$OVS_DIR/br0.mgmt
    fi
}
# vsctl ARGS...: ovs-vsctl on the selected switch's database.
vsctl() {
    if [ "$SW" = nf ]; then
        ovs-vsctl --db="$NF_DB" --timeout=20 "$@"
    else
        ovs-vsctl --db="unix:$OVS_DIR/db.sock" --timeout=20 "$@"
    fi
}
