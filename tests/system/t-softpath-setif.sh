#!/bin/bash
# Port options end to end: nicflowd hosts a netdev datapath (in a namespace
# of its own) with an afpacket port on a veth end and a dummy port;
# nicflow-dpctl's add-if and set-if give and change options with
# ovs-dpctl's syntax and semantics, show prints them as ovs-dpctl does
# ("port N: NAME (TYPE: KEY=VALUE, ...)"), and every refusal — a type or
# port number that differs from the port's, an option for a port type that
# takes none, an option a type does not know — fails with ovs-dpctl's
# wording and changes nothing.
. "$(dirname "$0")/lib.sh"
require_root
make_tmpdir
D=$NF_BIN/nicflow-dpctl

# check_error NAME REGEX CMD...: CMD must fail and say something matching
# REGEX.
check_error() {
    local name=$1 re=$2
    shift 2
    check_output "$name" "$re" bash -c '! "$@" 2>&1' _ "$@"
}

add_netns w && nsw=$NETNS || { fail "create a namespace"; finish; }
check "veth pair" ip -n "$nsw" link add wa type veth peer name wb
ip -n "$nsw" link set wa up
ip -n "$nsw" link set wb up

check "nicflowd starts" ip netns exec "$nsw" "$NF_BIN/nicflowd" --detach \
    --pidfile --log-file
on_exit "stop_daemon nicflowd"

check "add-dp with an afpacket port" "$D" add-dp dp0 wa
check "add-if a dummy port with an option" "$D" add-if dp0 d0,type=dummy,ifindex=5
check_output "show prints the port's options" \
    '^  port 2: d0 \(dummy: ifindex=5\)$' "$D" show dp0
check_output "... and a port without options as before" \
    '^  port 1: wa$' "$D" show dp0

# set-if: KEY=VALUE sets, type= and port_no= may repeat the current
# values, KEY= removes.
check "set-if changes an option" "$D" set-if dp0 d0,ifindex=9
check_output "... show has the new value" \
    '^  port 2: d0 \(dummy: ifindex=9\)$' "$D" show dp0
check "set-if with the port's own type and port_no" \
    "$D" set-if dp0 d0,type=dummy,port_no=2,ifindex=11
check_output "... applied" '^  port 2: d0 \(dummy: ifindex=11\)$' "$D" show dp0
check "set-if KEY= removes the option" "$D" set-if dp0 d0,ifindex=
check_output "... show prints the type alone" '^  port 2: d0 \(dummy\)$' \
    "$D" show dp0
check "set-if it back" "$D" set-if dp0 d0,ifindex=11

# Refusals, each leaving the options as they were.
check_error "set-if cannot change the type" \
    "d0: can't change type from dummy to tap" "$D" set-if dp0 d0,type=tap,ifindex=1
check_error "set-if cannot change the port number" \
    "d0: can't change port number from 2 to 3" "$D" set-if dp0 d0,port_no=3
check_error "an afpacket port names the options it takes" \
    'wa: unknown option "mtu" \(an afpacket port takes rx-ring, rx-after-tc and tx-coalesce\)' \
    "$D" set-if dp0 wa,mtu=1400
check_error "nor does the datapath's internal port" \
    "dp0: arguments provided to device that is not configurable" \
    "$D" set-if dp0 dp0,foo=bar
check_error "an option the dummy type does not know" \
    'd0: unknown option "speed"' "$D" set-if dp0 d0,speed=10
check_error "a bad value" 'd0: ifindex=0: an ifindex is 1 to' \
    "$D" set-if dp0 d0,ifindex=0
check_error "set-if on a port that is not there" \
    'nope: failed to query port in dp0' "$D" set-if dp0 nope,ifindex=1
check_output "none of them changed anything" \
    '^  port 2: d0 \(dummy: ifindex=11\)$' "$D" show dp0
check_error "add-if refuses options the type does not take" \
    'wb: unknown option "foo" \(an afpacket port takes rx-ring, rx-after-tc and tx-coalesce\)' \
    "$D" add-if dp0 wb,foo=1
check_fails "... and the port is not added" bash -c "'$D' show dp0 | grep -q wb"

check "del-dp" "$D" del-dp dp0
finish
