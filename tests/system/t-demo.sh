#!/bin/bash
# make demo (scripts/demo.sh), run as a test: the VLAN lab's pings give the
# answers the tutorials expect, and its second part, on the simulated
# eswitch under the ConnectX-6 Dx profile, puts flows into the device and
# forwards most packets there.  The demo cleans up after itself; the test
# checks that nothing of it is left.
. "$(dirname "$0")/lib.sh"
require_root
make_tmpdir

demo_out=$NF_TMP/demo.out
run_demo() { env TMPDIR="$NF_TMP" bash "$NF_TOP/scripts/demo.sh" >"$demo_out" 2>&1; }
check "make demo runs to the end" run_demo

count() { grep -c -- "$1" "$demo_out"; }
# Each ping's verdict is the first "=>" line after its header.
verdicts() {
    awk -v want="$1" 'index($0, want) { armed = 1; next }
        armed && /=> / { print $2; armed = 0 }' "$demo_out"
}
same=$(verdicts 'same VLAN: should work' | grep -cx reachable)
cross=$(verdicts 'different VLANs: should fail' | grep -cx unreachable)
if [ "$same" = 4 ] && [ "$cross" = 2 ]; then
    ok "same-VLAN pings reach, cross-VLAN pings do not"
else
    fail "same-VLAN pings reach, cross-VLAN pings do not"
    diag "reachable: $same (want 4), unreachable: $cross (want 2)"
fi
if [ "$(count 'offloaded:yes, dp:hal')" -ge 1 ]; then
    ok "part two: flows went to the simulated eswitch"
else
    fail "part two: flows went to the simulated eswitch"
    diag "$(tail -40 "$demo_out")"
fi
line=$(grep -E 'port vm1p \(chip port 1\): rx [0-9]+ packets' "$demo_out")
rx=$(sed -En 's/.*rx ([0-9]+) packets \(hardware ([0-9]+).*/\1/p' <<<"$line")
hw=$(sed -En 's/.*rx ([0-9]+) packets \(hardware ([0-9]+).*/\2/p' <<<"$line")
if [ -n "$rx" ] && [ "$rx" -gt 100 ] && [ $((hw * 100)) -ge $((rx * 95)) ]; then
    ok "part two: vm1's packets were forwarded by the device ($hw of $rx)"
else
    fail "part two: vm1's packets were forwarded by the device"
    diag "hal/show line: $line"
fi
if ip netns list | grep -q nfdemo; then
    fail "the demo removed its namespaces"
    diag "$(ip netns list | grep nfdemo)"
else
    ok "the demo removed its namespaces"
fi
finish
