#!/bin/bash
# Geneve options between nicflow and a real Open vSwitch 3.1 (userspace
# datapath): tests/system/t-tunnel-geneve-opts.sh in its SWITCH=interop-rev
# mode (Open vSwitch on hostA sets the options,
# nicflow on hostB matches them), reported under this test's own name.
SWITCH=interop-rev
export SWITCH
. "$(dirname "$0")/t-tunnel-geneve-opts.sh"
