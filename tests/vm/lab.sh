#!/bin/bash
# tests/vm/lab.sh - run one guest script inside a throwaway QEMU guest that
# boots Debian 12's own kernel (which, unlike the host kernel, has
# cls_flower, every act_*, openvswitch.ko, ...).
#
# Usage: tests/vm/lab.sh [-c CPUS] [-m MEM] [-t TIMEOUT_SECONDS] [-v] GUEST_SCRIPT [FILES...]
#
#   -c CPUS     guest vCPUs (default: NICFLOW_VM_SMP, else the script's
#               "# vm-smp: N" header line, else 1)
#   -m MEM      guest memory in MiB (default 1024)
#   -t SECONDS  hard limit for the whole guest run; QEMU is killed after it
#               (default 300)
#   -v          also copy the whole serial console (kernel messages
#               included) to stderr after the run
#
# GUEST_SCRIPT and FILES are copied to /nicflow/ in the guest; the project's
# build/bin/* (if built) goes to /nicflow/bin with its shared libraries, and
# so do the files and host programs the script's "# vm-files:" and
# "# vm-programs:" header lines name (see below).  The
# guest runs GUEST_SCRIPT with busybox sh from /nicflow and powers off.
# lab.sh prints what the script printed and exits with its status.
#
# Exit status: the guest script's status; 77 with a line "vm lab unavailable:
# REASON" on stderr when the lab cannot run here (a tool is missing, the
# kernel package cannot be downloaded); 1 for a lab failure (timeout, guest
# died without reporting a status); 2 for a usage error.
#
# Environment:
#   NICFLOW_VM_CACHE          cache dir (default
#                             ${XDG_CACHE_HOME:-$HOME/.cache}/nicflow-vm)
#   NICFLOW_VM_REFRESH=1      fetch the kernel package again even if cached
#   NICFLOW_VM_EXTRA_MODULES  more module names to put in the initramfs
#   NICFLOW_VM_ACCEL=kvm      use KVM instead of TCG (default tcg)
#   NICFLOW_VM_SMP=N          guest vCPUs, as -c N
#   NICFLOW_BUILD_BIN         directory copied to /nicflow/bin (default:
#                             build/bin of this checkout)
set -eu
set -o pipefail

prog=${0##*/}
here=$(cd "$(dirname "$0")" && pwd)
self="$here/${0##*/}"
top=$(cd "$here/../.." && pwd)
start_dir=$PWD

# Modules every guest gets (with their full dependency closure).
MODULES="sch_ingress cls_flower act_mirred act_gact act_vlan act_tunnel_key
act_pedit act_csum act_skbedit act_police act_ct crc32c_generic openvswitch
veth vxlan geneve ip_gre tun
vport_vxlan vport_geneve vport_gre ip6_gre cls_matchall cls_u32 cls_bpf
act_sample act_mpls act_bpf sch_prio sch_htb 8021q bridge dummy ifb macvlan
sch_multiq"

# Markers the guest's /init prints around the guest script's output.
MARK_BEGIN=NICFLOW-VM-BEGIN
MARK_EXIT=NICFLOW-VM-EXIT=

usage() {
    echo "usage: $prog [-c CPUS] [-m MEM] [-t TIMEOUT_SECONDS] [-v] GUEST_SCRIPT [FILES...]" >&2
    exit 2
}
die() { echo "$prog: $*" >&2; exit 1; }
unavailable() { echo "vm lab unavailable: $*" >&2; exit 77; }

mem=1024
limit=300
verbose=0
smp=${NICFLOW_VM_SMP:-}
while getopts c:m:t:vh opt; do
    case $opt in
    c) smp=$OPTARG ;;
    m) mem=$OPTARG ;;
    t) limit=$OPTARG ;;
    v) verbose=1 ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
case $mem in '' | *[!0-9]*) echo "$prog: -m wants MiB, got '$mem'" >&2; usage ;; esac
case $limit in '' | *[!0-9]*) echo "$prog: -t wants seconds, got '$limit'" >&2; usage ;; esac
case $smp in '') ;; 0 | *[!0-9]*) echo "$prog: -c wants a number of CPUs, got '$smp'" >&2; usage ;; esac
guest_script=$1
shift
[ -f "$guest_script" ] || { echo "$prog: no such guest script: $guest_script" >&2; exit 2; }
for f in "$@"; do
    [ -e "$f" ] || { echo "$prog: no such file: $f" >&2; exit 2; }
done

# ---------------------------------------------------------------- tools
hint="(scripts/install-deps.sh --test installs the VM lab's tools)"
for t in qemu-system-x86_64 busybox cpio gzip dpkg-deb apt-get depmod ldd \
    timeout sha256sum; do
    command -v "$t" >/dev/null 2>&1 || unavailable "$t not found $hint"
done
busybox_bin=$(command -v busybox)
kmod_bin=$(command -v kmod 2>/dev/null || true)

# iproute2's ip and tc, never busybox's applets of the same name.
find_iproute2() {
    local name=$1 d
    for d in /usr/sbin /sbin /usr/bin /bin $(printf '%s' "$PATH" | tr ':' ' '); do
        if [ -x "$d/$name" ] && "$d/$name" -V 2>&1 | grep -q iproute2; then
            printf '%s\n' "$d/$name"
            return 0
        fi
    done
    return 1
}
ip_bin=$(find_iproute2 ip) || unavailable "iproute2's ip not found $hint"
tc_bin=$(find_iproute2 tc) || unavailable "iproute2's tc not found $hint"

# ---------------------------------------------------------------- cleanup
work=""
cache_tmp=""
qemu_pid=""
# shellcheck disable=SC2317 # called from the traps
cleanup() {
    if [ -n "$qemu_pid" ]; then
        kill "$qemu_pid" 2>/dev/null || true
        wait "$qemu_pid" 2>/dev/null || true
    fi
    [ -z "$work" ] || rm -rf "$work"
    [ -z "$cache_tmp" ] || rm -rf "$cache_tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

work=$(mktemp -d "${TMPDIR:-/tmp}/nicflow-vm.XXXXXX")

# ---------------------------------------------------------------- helpers

# copy_elf SRC DEST_IN_ROOT ROOT: copy a program and every shared library
# ldd says it needs (and the dynamic loader) to the same paths under ROOT.
copy_elf() {
    local src=$1 dest=$2 root=$3 lib out
    mkdir -p "$root/$(dirname "$dest")"
    cp -L "$src" "$root/$dest"
    # ldd fails on static programs ("not a dynamic executable"): no libs.
    out=$(ldd "$src" 2>/dev/null) || return 0
    if printf '%s\n' "$out" | grep -q 'not found'; then
        die "$src: missing shared libraries: $(printf '%s\n' "$out" | grep 'not found' | tr -s ' \t\n' ' ')"
    fi
    for lib in $(printf '%s\n' "$out" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'); do
        [ -e "$root$lib" ] && continue
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
}

# make_cpio DIR OUT: gzip'd newc archive of DIR, every file owned by root.
make_cpio() {
    (cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
        cpio -o -H newc -R 0:0 --quiet) | gzip -6 >"$2"
}

# module_closure MODDIR NAME...: relative paths of the named modules plus all
# they depend on (modules.dep) or ask for as soft dependencies
# (modules.softdep, resolved through modules.alias).  "MISSING name" lines
# for names that are not modules of this kernel.
module_closure() {
    local dir=$1
    shift
    awk -v want="$*" '
    function norm(p,   n) {
        n = p; sub(/.*\//, "", n); sub(/\.ko(\.(xz|zst|gz))?$/, "", n)
        gsub(/-/, "_", n); return n
    }
    FILENAME ~ /modules\.dep$/ {
        p = $1; sub(/:$/, "", p); n = norm(p); path[n] = p; deps[n] = ""
        for (i = 2; i <= NF; i++) deps[n] = deps[n] " " norm($i)
        next
    }
    FILENAME ~ /modules\.alias$/ {
        if ($1 == "alias") { m = $3; gsub(/-/, "_", m); alias[$2] = alias[$2] " " m }
        next
    }
    FILENAME ~ /modules\.softdep$/ {
        if ($1 == "softdep") {
            m = $2; gsub(/-/, "_", m)
            for (i = 3; i <= NF; i++) if ($i != "pre:" && $i != "post:") soft[m] = soft[m] " " $i
        }
        next
    }
    END {
        q = 0
        n = split(want, w, " ")
        for (i = 1; i <= n; i++) {
            x = w[i]; gsub(/-/, "_", x)
            if (x in path) queue[++q] = x; else print "MISSING " w[i]
        }
        for (h = 1; h <= q; h++) {
            m = queue[h]
            if (m in seen) continue
            seen[m] = 1; print path[m]
            k = split(deps[m], d, " ")
            for (i = 1; i <= k; i++) queue[++q] = d[i]
            k = split(soft[m], d, " ")
            for (i = 1; i <= k; i++) {
                s = d[i]; t = s; gsub(/-/, "_", t)
                if (t in path) { queue[++q] = t; continue }
                kk = split(alias[s], e, " ")
                for (j = 1; j <= kk; j++) if (e[j] in path) queue[++q] = e[j]
            }
        }
    }' "$dir/modules.dep" "$dir/modules.alias" "$dir/modules.softdep"
}

# ---------------------------------------------------------------- kernel cache
if [ -z "${NICFLOW_VM_CACHE:-}" ] && [ -z "${XDG_CACHE_HOME:-}" ] && [ -z "${HOME:-}" ]; then
    unavailable "no cache dir: none of NICFLOW_VM_CACHE, XDG_CACHE_HOME, HOME is set"
fi
cache=${NICFLOW_VM_CACHE:-${XDG_CACHE_HOME:-${HOME:-}/.cache}/nicflow-vm}
mkdir -p "$cache" 2>/dev/null || unavailable "cannot create cache dir $cache"

# One builder at a time; runs that find everything cached do not wait long.
# Every cache entry is made under a temporary name and renamed when complete,
# so an interrupted run leaves no half-made entry (its .tmp.* dir is removed
# by the next run that holds the lock).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$cache/.lock"
    flock -w 1200 9 || unavailable "timed out waiting for the lock on $cache"
    rm -rf "$cache"/.tmp.*
fi
cache_tmp=$(mktemp -d "$cache/.tmp.XXXXXX")

apt_download() { # PKG... into the current directory; output to apt.log
    apt-get -q download "$@" >>"$cache_tmp/apt.log" 2>&1
}

fetch_kernel() {
    local meta dep name ver kver dl="$cache_tmp/dl"
    mkdir -p "$dl"
    cd "$dl"
    if ! apt_download linux-image-amd64; then
        # A fresh machine may have no package lists yet.
        if [ "$(id -u)" = 0 ]; then
            apt-get -q update >>"$cache_tmp/apt.log" 2>&1 || true
        fi
        apt_download linux-image-amd64 ||
            unavailable "apt-get download linux-image-amd64 failed: $(grep -E '^(E|W):' "$cache_tmp/apt.log" | tail -n 1)"
    fi
    meta=$(ls linux-image-amd64_*.deb)
    dep=$(dpkg-deb -f "$meta" Depends)
    name=$(printf '%s\n' "$dep" | grep -o 'linux-image-[0-9][^ ,(|]*' | head -n 1) ||
        unavailable "cannot find the kernel package that $meta depends on (Depends: $dep)"
    ver=$(printf '%s\n' "$dep" | sed -n "s/.*$name (= \([^)]*\)).*/\1/p")
    apt_download "$name${ver:+=$ver}" ||
        unavailable "apt-get download $name failed: $(grep -E '^(E|W):' "$cache_tmp/apt.log" | tail -n 1)"
    kver=${name#linux-image-}
    mkdir -p "$cache_tmp/tree"
    dpkg-deb -x "$name"_*.deb "$cache_tmp/tree" || die "dpkg-deb -x $name failed"
    cd "$work"
    [ -f "$cache_tmp/tree/boot/vmlinuz-$kver" ] || die "$name has no boot/vmlinuz-$kver"
    [ -d "$cache_tmp/tree/lib/modules/$kver" ] || die "$name has no lib/modules/$kver"
    rm -rf "$cache_tmp/tree/usr" # documentation only
    depmod -b "$cache_tmp/tree" "$kver" || die "depmod -b on $name failed"
    rm -rf "$cache/kernel-$kver"
    mv "$cache_tmp/tree" "$cache/kernel-$kver"
    printf '%s\n' "$kver" >"$cache_tmp/current"
    mv "$cache_tmp/current" "$cache/current"
    rm -rf "$dl"
}

kver=""
if [ "${NICFLOW_VM_REFRESH:-0}" != 1 ] && [ -s "$cache/current" ]; then
    kver=$(cat "$cache/current")
    if [ ! -f "$cache/kernel-$kver/boot/vmlinuz-$kver" ] ||
        [ ! -s "$cache/kernel-$kver/lib/modules/$kver/modules.dep" ]; then
        kver=""
    fi
fi
if [ -z "$kver" ]; then
    echo "$prog: fetching Debian's kernel package into $cache" >&2
    fetch_kernel
    kver=$(cat "$cache/current")
fi
ktree="$cache/kernel-$kver"
vmlinuz="$ktree/boot/vmlinuz-$kver"

# ---------------------------------------------------------------- base initramfs
modules="$MODULES ${NICFLOW_VM_EXTRA_MODULES:-}"
key=$({
    # shellcheck disable=SC2086 # one module name a line
    printf '%s\n' "$kver" $modules
    cat "$self"
    for b in "$busybox_bin" "$ip_bin" "$tc_bin" ${kmod_bin:+"$kmod_bin"}; do
        cksum <"$b"
    done
} | sha256sum | cut -c1-16)
base="$cache/initramfs-$kver-$key.cpio.gz"

write_init() { # the guest's /init
    cat >"$1" <<'EOF'
#!/bin/sh
# /init of the nicflow VM lab (written by tests/vm/lab.sh).
export PATH=/sbin:/bin:/nicflow/bin HOME=/root TERM=dumb
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# The kernel found no /dev/console in the archive: take the console now.
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t bpf bpf /sys/fs/bpf 2>/dev/null || :
# Only emergencies on the console: keep kernel messages out of the output.
echo 1 >/proc/sys/kernel/printk
hostname nicflow-vm
/sbin/ip link set lo up
# openvswitch needs crc32c; the generic one works on any emulated CPU.
modprobe crc32c_generic 2>/dev/null || :
script=$(cat /nicflow/.lab-script)
cd /nicflow
echo NICFLOW-VM-BEGIN
/bin/sh "/nicflow/$script"
echo "NICFLOW-VM-EXIT=$?"
cd /
sync
poweroff -f
sleep 2
reboot -f
EOF
    chmod 755 "$1"
}

build_base() {
    local root="$cache_tmp/root" mdir list p a n m ko
    mkdir -p "$root"
    cd "$root"
    mkdir -p bin sbin etc lib lib64 usr/lib proc sys dev tmp run root nicflow/bin \
        var/run/netns
    ln -s ../bin usr/bin
    ln -s ../sbin usr/sbin

    # busybox and its applets, except those iproute2 and kmod provide.
    copy_elf "$busybox_bin" bin/busybox "$root"
    for a in $("$busybox_bin" --list); do
        case $a in busybox | ip | tc) continue ;; esac
        if [ -n "$kmod_bin" ]; then
            case $a in modprobe | insmod | rmmod | lsmod | modinfo | depmod) continue ;; esac
        fi
        ln -s busybox "bin/$a"
    done
    copy_elf "$ip_bin" sbin/ip "$root"
    copy_elf "$tc_bin" sbin/tc "$root"
    [ ! -d /etc/iproute2 ] || cp -a /etc/iproute2 etc/
    [ ! -d /usr/lib/tc ] || cp -a /usr/lib/tc usr/lib/
    if [ -n "$kmod_bin" ]; then
        copy_elf "$kmod_bin" bin/kmod "$root"
        # The kernel's own module requests call /sbin/modprobe.
        for n in modprobe insmod rmmod lsmod modinfo depmod; do
            ln -s ../bin/kmod "sbin/$n"
        done
    else
        ln -s ../bin/busybox sbin/modprobe
    fi
    printf 'root:x:0:0:root:/root:/bin/sh\n' >etc/passwd
    printf 'root:x:0:\n' >etc/group
    printf '127.0.0.1 localhost\n::1 localhost\n' >etc/hosts

    # Modules: the closure of $modules, uncompressed, with a fresh depmod.
    mdir="$ktree/lib/modules/$kver"
    # shellcheck disable=SC2086 # one argument per module name
    list=$(module_closure "$mdir" $modules)
    if printf '%s\n' "$list" | grep -q '^MISSING '; then
        die "kernel $kver lacks modules:$(printf '%s\n' "$list" | sed -n 's/^MISSING / /p' | tr -d '\n')"
    fi
    mkdir -p "lib/modules/$kver"
    for m in modules.builtin modules.builtin.modinfo modules.order; do
        [ ! -f "$mdir/$m" ] || cp "$mdir/$m" "lib/modules/$kver/"
    done
    for p in $list; do
        ko="lib/modules/$kver/${p%.ko*}.ko"
        mkdir -p "$(dirname "$ko")"
        case $p in
        *.ko) cp "$mdir/$p" "$ko" ;;
        *.ko.xz) xz -dc "$mdir/$p" >"$ko" || "$busybox_bin" xzcat "$mdir/$p" >"$ko" ;;
        *.ko.zst) zstd -qdc "$mdir/$p" >"$ko" ;;
        *.ko.gz) gzip -dc "$mdir/$p" >"$ko" ;;
        *) die "unknown module file $p" ;;
        esac
    done
    depmod -b "$root" "$kver" || die "depmod on the initramfs tree failed"

    write_init init
    cd "$work"
    make_cpio "$root" "$cache_tmp/base.cpio.gz"
    rm -f "$cache"/initramfs-"$kver"-*.cpio.gz
    mv "$cache_tmp/base.cpio.gz" "$base"
    rm -rf "$root"
}

if [ ! -s "$base" ]; then
    echo "$prog: building the base initramfs for $kver" >&2
    build_base
fi
rm -rf "$cache_tmp"
cache_tmp=""
exec 9>&- # release the cache lock
# Building the cache changes directory: GUEST_SCRIPT and FILES may be
# relative to where lab.sh was started.
cd "$start_dir"

# ---------------------------------------------------------------- per-run files
run="$work/run"
mkdir -p "$run/nicflow/bin"
name=${guest_script##*/}
cp "$guest_script" "$run/nicflow/$name"
for f in "$@"; do
    cp -a "$f" "$run/nicflow/"
done
# A guest script may ask for more in its header comment:
#   "# vm-files: PATH..."     files of this checkout (relative to its top)
#                             copied to /nicflow/ like FILES;
#   "# vm-programs: NAME..."  host programs (found in PATH) copied to
#                             /nicflow/bin/ with their shared libraries;
#                             a NAME may also be an absolute path (e.g.
#                             /usr/sbin/ovs-vswitchd, outside a user's
#                             PATH), copied as /nicflow/bin/BASENAME.
#   "# vm-libs: PATH..."      shared objects of the host (absolute paths)
#                             copied to the same path in the guest with
#                             the libraries ldd names: DPDK's PMD plugins,
#                             which EAL loads from its plugin directory
#                             at run time (nothing links them).
#   "# vm-smp: N"             N vCPUs (default 1) unless -c or
#                             NICFLOW_VM_SMP says otherwise.
#   "# vm-cpu: MODEL"         QEMU's -cpu under TCG (default "max": a
#                             nicflowd built with DPDK links Debian's DPDK,
#                             built for corei7, and dies of SIGILL on
#                             QEMU's own qemu64, which lacks SSE4.2).
#   "# vm-host-files: SRC=NAME..."  files of the host (absolute SRC)
#                             copied to /nicflow/NAME (say, Open vSwitch's
#                             schema, whose base name is the same as ours).
# A program or host file that is not installed is left out; the script
# checks for it.
for f in $(sed -n 's/^# vm-files: *//p' "$guest_script"); do
    [ -e "$top/$f" ] || die "$guest_script asks for $f, which does not exist"
    cp -a "$top/$f" "$run/nicflow/"
done
for f in $(sed -n 's/^# vm-host-files: *//p' "$guest_script"); do
    src=${f%%=*} dst=${f#*=}
    case $dst in "" | */* | "$f") die "$guest_script: bad vm-host-files entry $f" ;; esac
    [ -f "$src" ] && cp -L "$src" "$run/nicflow/$dst"
done
for p in $(sed -n 's/^# vm-programs: *//p' "$guest_script"); do
    src=$(command -v "$p" 2>/dev/null) || continue
    copy_elf "$src" "nicflow/bin/${p##*/}" "$run"
done
for f in $(sed -n 's/^# vm-libs: *//p' "$guest_script"); do
    case $f in /*) ;; *) die "$guest_script: vm-libs wants absolute paths, not $f" ;; esac
    [ -e "$f" ] || continue
    copy_elf "$f" "$f" "$run"
done
vm_cpu=$(sed -n 's/^# vm-cpu: *\([A-Za-z0-9_.,=+-]*\).*/\1/p' "$guest_script" | tail -n 1)
[ -n "$smp" ] || smp=$(sed -n 's/^# vm-smp: *\([1-9][0-9]*\).*/\1/p' "$guest_script" | tail -n 1)
printf '%s\n' "$name" >"$run/nicflow/.lab-script"
bindir=${NICFLOW_BUILD_BIN:-$top/build/bin}
if [ -d "$bindir" ]; then
    for f in "$bindir"/*; do
        [ -f "$f" ] || continue
        if [ -x "$f" ] && head -c 4 "$f" | grep -q 'ELF'; then
            copy_elf "$f" "nicflow/bin/${f##*/}" "$run"
        else
            cp -L "$f" "$run/nicflow/bin/"
        fi
    done
fi
make_cpio "$run" "$work/run.cpio.gz"
# The kernel unpacks concatenated archives in order; later files win.
cat "$base" "$work/run.cpio.gz" >"$work/initrd"

# ---------------------------------------------------------------- boot
# TCG by default: it works everywhere.  /dev/kvm may exist and still be
# unusable (on this project's machine QEMU aborts in kvm_buf_set_msrs), so
# KVM is only used on request: NICFLOW_VM_ACCEL=kvm.
case ${NICFLOW_VM_ACCEL:-tcg} in
kvm) accel="-accel kvm" cpu="-cpu host" ;;
tcg) accel="-accel tcg" cpu="-cpu ${vm_cpu:-max}" ;;
*) die "NICFLOW_VM_ACCEL must be tcg or kvm, not '${NICFLOW_VM_ACCEL}'" ;;
esac
log="$work/console.log"
# shellcheck disable=SC2086
timeout -k 5 "$limit" qemu-system-x86_64 $accel $cpu -m "$mem" -smp "${smp:-1}" \
    -nographic -no-reboot -nic none \
    -kernel "$vmlinuz" -initrd "$work/initrd" \
    -append "console=ttyS0 quiet panic=-1" </dev/null >"$log" 2>&1 &
qemu_pid=$!
qrc=0
wait "$qemu_pid" || qrc=$?
qemu_pid=""

# Drop carriage returns and the firmware's terminal escapes.
tr -d '\r' <"$log" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' >"$log.txt"
[ "$verbose" = 0 ] || { echo "----- serial console -----" >&2; cat "$log.txt" >&2; echo "-----" >&2; }

# The guest script's output is what lies between the two markers.  Match
# the markers at the end of a line: the firmware's terminal escapes can
# stand before the first one.
awk -v b="$MARK_BEGIN" -v e="$MARK_EXIT" '
    on && $0 ~ ("^" e "[0-9]+$") { exit }
    on { print }
    !on && substr($0, length($0) - length(b) + 1) == b { on = 1 }' "$log.txt"
status=$(sed -n "s/^.*$MARK_EXIT\([0-9][0-9]*\)\$/\1/p" "$log.txt" | tail -n 1)
if [ -z "$status" ]; then
    if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
        echo "$prog: guest timed out after ${limit}s (no exit marker); last console lines:" >&2
    else
        echo "$prog: guest ended without reporting a status (qemu exit $qrc); last console lines:" >&2
    fi
    tail -n 25 "$log.txt" | sed 's/^/    /' >&2
    exit 1
fi
exit "$status"
