#!/bin/bash
# Hardware offload in nicflowd, on the host, with the simulated eswitch
# ("dummy" provider: it keeps rules and forwards nothing, so the softpath
# still carries every packet).  What is checked is the manager's side as an
# operator sees it: flows offered after a miss and reported offloaded, the
# reason for every flow that stays in software (a controller flow, a full
# table, an excluded port, offload switched off), dpctl/dump-flows -m and
# its type= filters, offload/explain, offload/show and
# dpctl/offload-stats-show, and that afpacket ports read after TC ingress
# while offload is on.  The real kernel's flower is tested in the VM lab
# (tests/vm/t-offload-*.sh).
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ovs-vsctl ovs-ofctl ping
make_tmpdir
. "$(dirname "$0")/ovsdb/lib-ovsdb.sh"

DB=unix:$NICFLOW_RUNDIR/db.sock
vsctl() { ovs-vsctl --db="$DB" --timeout=20 "$@"; }
ofctl() { OVS_RUNDIR=$NICFLOW_RUNDIR ovs-ofctl "$@"; }
appctl() { "$NF_BIN/nicflow-appctl" -t "$NICFLOW_RUNDIR/nicflowd.ctl" "$@"; }

add_netns w && nsw=$NETNS || { fail "create namespaces"; finish; }
declare -A ns
i=0
for h in a b c; do
    i=$((i + 1))
    add_netns "$h" && ns[$h]=$NETNS || { fail "create namespaces"; finish; }
    ip link add eth0 netns "${ns[$h]}" type veth peer name "p$h" netns "$nsw"
    ip -n "${ns[$h]}" addr add "10.0.0.$i/24" dev eth0
    ip -n "${ns[$h]}" link set eth0 address "50:54:00:00:00:0$i"
    ip -n "${ns[$h]}" link set eth0 up
    ip -n "$nsw" link set "p$h" up
done

check "create the database" create_db "$NICFLOW_DBDIR/conf.db"
check_here "nicflow-dbd starts" start_dbd "$NICFLOW_DBDIR/conf.db"
vsctl --no-wait init
check "nicflowd starts" ip netns exec "$nsw" "$NF_BIN/nicflowd" "$DB" \
    --detach --pidfile --log-file
on_exit "stop_daemon nicflowd"
check "br0 with pa, pb, pc" vsctl -- add-br br0 \
    -- set Bridge br0 datapath_type=netdev \
    -- add-port br0 pa -- add-port br0 pb -- add-port br0 pc

ping_ab() { ip netns exec "${ns[a]}" ping -c "${1:-2}" -i 0.2 -W 2 10.0.0.2; }

# wait_for NAME REGEX CMD...: polls CMD (up to 10 s) until its output
# matches REGEX.
wait_for() {
    local name=$1 re=$2 i
    shift 2
    for i in $(seq 50); do
        if _nf_run "$@" && printf '%s\n' "$_nf_out" | grep -Eq -- "$re"; then
            ok "$name"
            return 0
        fi
        sleep 0.2
    done
    fail "$name"
    diag "command: $*" "expected to match: $re" "$_nf_out"
}

# --- offload off: nothing is offered ------------------------------------
check "ping a -> b with offload off" ping_ab
check_output "dump-flows -m: offloaded:no, dp:softpath when off" \
    'offloaded:no, dp:softpath' appctl dpctl/dump-flows -m
check_output "offload/show says offload is off" 'hw-offload: *(false|off)' \
    appctl offload/show
if ip -n "$nsw" -o link show | grep -q 'nfrx'; then
    fail "no rx-after-tc macvlan while offload is off"
    diag "$(ip -n "$nsw" -o link show)"
else
    ok "no rx-after-tc macvlan while offload is off"
fi

# --- offload on, the simulated eswitch --------------------------------
check "hw-offload=true with the dummy provider" vsctl set Open_vSwitch . \
    other_config:hw-offload=true other_config:hw-offload-priority=dummy
wait_for "afpacket ports read after TC ingress (a macvlan each)" \
    'nfrx.*nfrx.*nfrx' bash -c "ip -n $nsw -o link show | tr '\n' ' '"
check "ping a -> b with offload on" ping_ab 3
wait_for "the flows of the ping are offloaded to dummy" \
    'offloaded:yes, dp:dummy' appctl dpctl/dump-flows -m
check_output "type=offloaded lists them" 'dp:dummy' \
    appctl dpctl/dump-flows -m type=offloaded
check_output "type=dummy lists them" 'dp:dummy' \
    appctl dpctl/dump-flows -m type=dummy
if _nf_run appctl dpctl/dump-flows -m type=non-offloaded \
    && ! printf '%s\n' "$_nf_out" | grep -q 'dp:dummy'; then
    ok "type=non-offloaded leaves them out"
else
    fail "type=non-offloaded leaves them out"
    diag "$_nf_out"
fi
check_fails "an unknown type= is refused" appctl dpctl/dump-flows type=bogus
check_output "offload/show names the provider of each port" \
    'pa.*dummy' appctl offload/show
check_output "offload-stats-show counts insertions" \
    '[Ii]nserted[^0-9]*[1-9]' appctl dpctl/offload-stats-show

# --- a controller flow stays in software with its reason ---------------
check "a flow to the controller for UDP port 9999" ofctl add-flow br0 \
    "priority=100,udp,tp_dst=9999,actions=controller"
check_output "offload/explain predicts the refusal" \
    'action userspace cannot be offloaded' \
    appctl offload/explain br0 "in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1,tp_dst=9999"
check_output "offload/explain of a plain flow names the provider" \
    'dummy would offload' \
    appctl offload/explain br0 "in_port=1,icmp,dl_src=50:54:00:00:00:01,dl_dst=50:54:00:00:00:02,nw_src=10.0.0.1,nw_dst=10.0.0.2"
ip netns exec "${ns[a]}" bash -c \
    'for i in 1 2 3; do echo x > /dev/udp/10.0.0.2/9999; sleep 0.1; done' \
    2>/dev/null
wait_for "the slow path flow is installed, refused with its reason" \
    'userspace.*|offloaded:no, dp:softpath, offload-reason:"dummy: action userspace cannot be offloaded"' \
    appctl dpctl/dump-flows -m
check_output "... its dump-flows -m line carries the reason" \
    'offload-reason:"dummy: action userspace cannot be offloaded"' \
    appctl dpctl/dump-flows -m type=non-offloaded
check_output "offload-stats-show counts the refusal by reason" \
    'unsupported-action[^0-9]*[1-9]' appctl dpctl/offload-stats-show
check "del-flows" ofctl del-flows br0 "udp,tp_dst=9999"

# --- an excluded port ---------------------------------------------------
check "Interface pc: hw-offload-priority=none" vsctl set Interface pc \
    other_config:hw-offload-priority=none
ip netns exec "${ns[c]}" ping -c 2 -i 0.2 -W 2 10.0.0.1 >/dev/null 2>&1
wait_for "flows entering pc stay in software, saying why" \
    'offload-reason:"port pc: hw-offload-priority=none"' \
    appctl dpctl/dump-flows -m

# --- a full table ---------------------------------------------------
check "hw-offload-max-rules=1 and a flush of the flows" vsctl set \
    Open_vSwitch . other_config:hw-offload-max-rules=1
check "revalidator/purge" appctl revalidator/purge
check "ping a -> b" ping_ab 2
wait_for "a flow beyond the limit stays in software with table full" \
    'offload-reason:"dummy: table full: 1/1"' appctl dpctl/dump-flows -m
check "ping b -> a" ip netns exec "${ns[b]}" ping -c 2 -i 0.2 -W 2 10.0.0.1
check_output "offload-stats-show counts it" 'table-full[^0-9]*[1-9]' \
    appctl dpctl/offload-stats-show
vsctl remove Open_vSwitch . other_config hw-offload-max-rules

# --- device profiles (hw-profiles/) ------------------------------------
check_output "hw-profile/list lists the shipped profiles" '^sim-small: ' \
    appctl hw-profile/list
check_output "hw-profile/show sim-small" 'sim-small' appctl hw-profile/show sim-small
check_fails "hw-profile/show of an unknown name fails" \
    appctl hw-profile/show no-such-profile
check "pb: hw-profile=sim-small" vsctl set Interface pb \
    other_config:hw-profile=sim-small
wait_for "offload/show binds pb to sim-small" 'profile: sim-small' \
    appctl offload/show
check "a rule for ICMP echo requests" ofctl add-flow br0 \
    "priority=50,icmp,icmp_type=8,actions=NORMAL"
check "revalidator/purge" appctl revalidator/purge
check "ping b -> a" ip netns exec "${ns[b]}" ping -c 2 -i 0.2 -W 2 10.0.0.1
wait_for "a flow matching icmp_type stays in software: the profile says why" \
    'offload-reason:"profile sim-small: no match on icmp_type"' \
    appctl dpctl/dump-flows -m
check "pa: hw-profile=no-such-profile" vsctl set Interface pa \
    other_config:hw-profile=no-such-profile
check "ping a -> b" ping_ab 2
wait_for "a profile that does not exist keeps the port in software" \
    'offload-reason:"port pa: no profile named no-such-profile' \
    appctl dpctl/dump-flows -m
check_output "offload/show says why" 'profile: none \(no profile named' \
    appctl offload/show
check "undo: del-flows, profiles removed" vsctl \
    -- remove Interface pa other_config hw-profile \
    -- remove Interface pb other_config hw-profile
ofctl del-flows br0 "icmp,icmp_type=8"

# --- a HAL plugin (the sample of examples/hal-sample) -------------------
HAL_SO=$NF_TOP/build/lib/nicflow-hal-sample.so
check "hal-plugin: the sample plugin, ports pa and pb" vsctl set \
    Open_vSwitch . other_config:hw-offload-priority=hal \
    "other_config:hal-plugin=$HAL_SO" 'other_config:hal-args="ports=pa,pb"'
check "revalidator/purge" appctl revalidator/purge
check "ping a -> b" ping_ab 2
wait_for "flows from pa are put into the HAL device" 'offloaded:yes, dp:hal' \
    appctl dpctl/dump-flows -m
check_output "offload/show: pa is served by hal" \
    'pa: odp [0-9]+, type afpacket, provider hal' appctl offload/show
check_output "hal/show: the sample device's ACL holds the flows" \
    'tables: acl [1-9][0-9]*/16' appctl hal/show
check_output "hal/show: the sample reaches the host through the netdevs" \
    'path to the host: the ports. netdevs' appctl hal/show
check_output "offload-stats-show has the device's lines" \
    'hal device sample0 \(profile -\)' appctl dpctl/offload-stats-show
check "hal-plugin: a file that does not exist" vsctl set Open_vSwitch . \
    other_config:hal-plugin=/nonexistent/nicflow-hal.so
check "ping a -> b" ping_ab 2
wait_for "... the ports stay in software, saying why" \
    'offload-reason:"[^"]*hal-plugin /nonexistent/nicflow-hal.so: cannot load' \
    appctl dpctl/dump-flows -m
check "ping a -> b still works" ping_ab 2
check "back to dummy, no plugin" vsctl \
    -- set Open_vSwitch . other_config:hw-offload-priority=dummy \
    -- remove Open_vSwitch . other_config hal-plugin \
    -- remove Open_vSwitch . other_config hal-args

# --- switched off at run time -------------------------------------------
check "hw-offload=false" vsctl set Open_vSwitch . other_config:hw-offload=false
# wait_until NAME CMD...: polls CMD (up to 10 s) until it succeeds.
wait_until() {
    local name=$1 i
    shift
    for i in $(seq 50); do
        if _nf_run "$@"; then
            ok "$name"
            return 0
        fi
        sleep 0.2
    done
    fail "$name"
    diag "command: $*" "$_nf_out"
}
none_offloaded() {
    local out
    out=$(appctl dpctl/dump-flows -m type=offloaded) || return 1
    printf '%s\n' "$out"
    [ -z "$out" ]
}
no_macvlan() { ! ip -n "$nsw" -o link show | grep nfrx; }
wait_until "no flow is offloaded any more" none_offloaded
wait_until "the macvlans are gone" no_macvlan
check "ping a -> b after offload is off" ping_ab 2
check_output "dump-flows -m shows the flows in software" \
    'offloaded:no, dp:softpath' appctl dpctl/dump-flows -m

# --- bad settings keep the old ones ------------------------------------
check "tc-policy=bogus" vsctl set Open_vSwitch . other_config:tc-policy=bogus \
    other_config:hw-offload=true
check_output "offload/show keeps the previous settings" 'hw-offload: *(false|off)' \
    appctl offload/show
check_output "the log says why" 'tc-policy' \
    grep -h 'offload' "$NICFLOW_LOGDIR/nicflowd.log"

finish
