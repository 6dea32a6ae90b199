#!/usr/bin/env bash
# Runs a script as root on a kernel with ip_vs: Debian's own kernel booted in qemu (this
# machine's kernel has no ip_vs), or natively in a fresh network namespace when the host
# has /proc/net/ip_vs (IPVS tables are per network namespace, so the host's rules are never
# touched).
#
#   tests/vm/run-in-vm.sh [--results DIR] [--timeout SECS] SCRIPT [ARGS...]
#
# Inside, the host's whole root is visible read-only (writes go to RAM), so SCRIPT and every
# binary built on the host run unchanged; DIR (default: a temporary directory, removed
# afterwards) is writable and shared back, at the same path, as $SA_VM_RESULTS. The current
# directory and every SA_* environment variable are carried in. Output appears live.
#
# Exit status: SCRIPT's own; 124 if the VM timed out (default 900 s, SA_VM_TIMEOUT);
# 125 if the VM died without reporting a status; 77 if no kernel/qemu is available.
# Environment: SA_VM_CACHE (kernel + initramfs cache, default <repo>/build/vm),
# SA_VM_MEM (MiB, default 1024), SA_VM_FORCE=1 (boot a VM even if the host has ip_vs),
# SA_VM_KEEP_CONSOLE=FILE (copy of the console log).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
results=""
timeout_s=${SA_VM_TIMEOUT:-900}
while [ $# -gt 0 ]; do
  case $1 in
    --results) results=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "usage: $0 [--results DIR] [--timeout SECS] SCRIPT [ARGS...]" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: $0 [--results DIR] [--timeout SECS] SCRIPT [ARGS...]" >&2; exit 2; }
script=$1; shift
[ -e "$script" ] || { echo "vm: no such script: $script" >&2; exit 2; }
script=$(readlink -f "$script")

. "$here/../lib/skip.sh"
[ "$(id -u)" = 0 ] || sa_skip "vm: needs root (9p export of / and ip_vs)"

cleanup_results=""
if [ -z "$results" ]; then
  results=$(mktemp -d /tmp/sa-vm-results.XXXXXX)
  cleanup_results=1
fi
mkdir -p "$results"
results=$(readlink -f "$results")
cleanup() { [ -n "$cleanup_results" ] && rm -rf "$results"; }
trap cleanup EXIT

export SA_VM_RESULTS=$results

# Native: the host kernel has ip_vs. A fresh network namespace gives an empty IPVS table.
if [ -e /proc/net/ip_vs ] && [ "${SA_VM_FORCE:-0}" != 1 ]; then
  SA_VM=native unshare --net -- bash -c 'ip link set lo up; exec "$@"' sa-vm "$script" "$@"
  exit $?
fi

sa_need qemu-system-x86_64
. "$here/lib/image.sh"
sa_vm_image "${SA_VM_CACHE:-$repo/build/vm}" || exit $?

# The command the guest runs, through the results share.
mkdir -p "$results/.sa-vm"
echo "$results" >"$results/.sa-vm/path"
{
  echo '#!/bin/bash'
  printf 'cd %q 2>/dev/null || cd /\n' "$PWD"
  printf 'export PATH=%q\n' "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  printf 'export HOME=/root SA_VM=qemu SA_VM_RESULTS=%q\n' "$results"
  while IFS='=' read -r name _; do
    [[ $name =~ ^SA_[A-Za-z0-9_]*$ ]] || continue
    case $name in SA_VM|SA_VM_RESULTS) continue ;; esac
    printf 'export %s=%q\n' "$name" "${!name}"
  done < <(env)
  printf '%q' "$script"
  for a in "$@"; do printf ' %q' "$a"; done
  echo
} >"$results/.sa-vm/cmd.sh"

# KVM only where a real KVM module is loaded (these machines have only kvm_pvm, on which a
# guest hangs); otherwise TCG. -smp 1: a second vCPU is never faster under TCG.
accel=(-accel tcg -cpu max)
if [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
  accel=(-accel kvm -cpu host)
fi

console=$results/.sa-vm/console.log
status_file=$results/.sa-vm/status
rm -f "$status_file"
timeout --foreground -k 5 "$timeout_s" qemu-system-x86_64 \
  -nodefaults -no-user-config -nographic -no-reboot -display none -vga none -nic none \
  -serial stdio -m "${SA_VM_MEM:-1024}" -smp 1 "${accel[@]}" \
  -kernel "$SA_VM_KERNEL" -initrd "$SA_VM_INITRD" \
  -append "console=ttyS0 quiet panic=-1" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap,id=hostroot \
  -virtfs "local,path=$results,mount_tag=results,security_model=none,multidevs=remap,id=results" \
  </dev/null 2>&1 |
  tr -d '\r' | tee "$console" | awk -v status="$status_file" '
    { gsub(/\033(\[[0-9;?]*[A-Za-z]|c)/, "") }
    /^SA-VM-STATUS: [0-9]+$/ { print $2 > status; close(status); next }
    # SeaBIOS prints its banner without a final newline before the kernel starts.
    !started { sub(/^SeaBIOS .*/, ""); sub(/^.*Booting from ROM\.*/, "") }
    !started && $0 == "" { next }
    { started = 1; print; fflush() }'
qemu_rc=${PIPESTATUS[0]}
[ -n "${SA_VM_KEEP_CONSOLE:-}" ] && cp "$console" "$SA_VM_KEEP_CONSOLE"
if [ -s "$status_file" ]; then
  exit "$(cat "$status_file")"
fi
if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
  echo "vm: timed out after ${timeout_s}s" >&2
  exit 124
fi
echo "vm: the VM stopped without reporting a status (qemu exit $qemu_rc)" >&2
exit 125
