#!/bin/sh
# Install the Debian 12 packages nicflow needs to build and test.
#
# Usage: scripts/install-deps.sh [--check] [--test]
#   --check  only report what is missing (exit 1 if anything is)
#   --test   also install the test-only peers (Open vSwitch 3.1, iperf3, ...),
#            the VM lab's tools (qemu, busybox-static, kmod, cpio) and the
#            optional libxdp/libbpf for AF_XDP ports
#
# Run as root: it calls apt-get.  As another user it prints the exact command
# to run and exits non-zero, so "make" stops with a clear message instead of
# failing later on a missing header.
set -eu

BUILD_PKGS="build-essential pkg-config libjansson-dev libmnl-dev libnl-3-dev \
libnl-route-3-dev libssl-dev libcmocka-dev"
# libxdp-dev and libbpf-dev are optional for the build (mk/config.mk builds
# the afxdp port type only when pkg-config finds them), so they sit here:
# a machine without them still builds, and one set up for testing has them.
# libdpdk-dev likewise: rteflow/ is built (and its tests run) only with it.
TEST_PKGS="clang libclang-rt-14-dev clang-format cppcheck iproute2 iputils-ping \
tcpdump iperf3 ethtool openssl openvswitch-common openvswitch-switch \
python3-openvswitch qemu-system-x86 busybox-static kmod cpio \
python3-scapy python3-os-ken libxdp-dev libbpf-dev libdpdk-dev"

check=0
want="$BUILD_PKGS"
for a in "$@"; do
    case "$a" in
    --check) check=1 ;;
    --test) want="$want $TEST_PKGS" ;;
    *) echo "install-deps.sh: unknown option '$a'" >&2; exit 2 ;;
    esac
done

missing=""
for p in $want; do
    # dpkg-query prints "install ok installed" only for a fully installed package.
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in
    "install ok installed") ;;
    *) missing="$missing $p" ;;
    esac
done

if [ -z "$missing" ]; then
    exit 0
fi
if [ $check = 1 ]; then
    echo "missing Debian packages:$missing"
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "nicflow needs these Debian packages:$missing" >&2
    echo "run as root:  apt-get install -y$missing" >&2
    exit 1
fi
echo "install-deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# An old or empty package list makes apt-get install fail with "no
# installation candidate"; refresh it once, quietly.
apt-get update -qq >/dev/null 2>&1 || apt-get update
# Open vSwitch's package starts its services on install; keep the test peers
# idle (tests start their own instances) by forbidding service starts.
pr=/usr/sbin/policy-rc.d
if [ ! -e $pr ]; then
    printf '#!/bin/sh\nexit 101\n' > $pr && chmod +x $pr && trap 'rm -f $pr' EXIT
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
