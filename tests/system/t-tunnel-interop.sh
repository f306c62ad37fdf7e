#!/bin/bash
# Interop of native tunnelling: nicflow on hostA, a real Open vSwitch 3.1
# (userspace datapath) on hostB, exchanging VXLAN, GRE and Geneve traffic
# in the topology and with the checks of t-tunnel.sh (its SWITCH=interop
# mode), reported under this test's own name.
SWITCH=interop
export SWITCH
. "$(dirname "$0")/t-tunnel.sh"
