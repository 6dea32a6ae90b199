# shellcheck shell=bash
# Builds (and caches) what the ip_vs VM boots: the uncompressed kernel of the newest
# installed linux-image (booted directly through PVH, which saves 5-7 s of xz
# decompression per boot under TCG) and a small initramfs (busybox-static, the virtio/9p/
# overlay modules needed to mount the host's root, and tests/vm/lib/init).
# Everything else (ip_vs modules, ipvsadm, keepalived, our binaries) comes from the host's
# root over 9p at run time.
#
#   source tests/vm/lib/image.sh
#   sa_vm_image CACHE_DIR      # sets SA_VM_KERNEL, SA_VM_INITRD, SA_VM_KVER
#
# The cache is keyed by kernel version and a hash of the inputs, so a new kernel package or
# an edited init script rebuilds it; nothing here is committed.

SA_VM_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Modules the initramfs loads itself, in dependency order (modprobe --show-depends resolves
# the order). virtio_pci and 9pnet_virtio give the host shares; overlay makes the read-only
# host root writable in RAM.
SA_VM_BOOT_MODULES=(virtio_pci 9pnet_virtio 9p overlay)

sa_vm_die() { echo "vm: $*" >&2; exit 125; }

sa_vm_image() {
  local cache=$1
  local kver
  kver=$(ls /lib/modules 2>/dev/null | sort -V | tail -1)
  [ -n "$kver" ] && [ -e "/boot/vmlinuz-$kver" ] ||
    sa_skip "vm: no kernel in /boot and /lib/modules (Debian package linux-image-amd64)"
  command -v busybox >/dev/null && busybox --list >/dev/null 2>&1 ||
    sa_skip "vm: busybox-static missing"
  mkdir -p "$cache"

  SA_VM_KVER=$kver
  SA_VM_KERNEL="$cache/vmlinux-$kver"
  if [ ! -s "$SA_VM_KERNEL" ]; then
    python3 - "/boot/vmlinuz-$kver" "$SA_VM_KERNEL.tmp" <<'PY' || return 125
import lzma, sys
data = open(sys.argv[1], "rb").read()
magic = b"\xfd7zXZ\x00"
pos = data.find(magic)
while pos >= 0:
    try:
        out = lzma.LZMADecompressor().decompress(data[pos:])
    except lzma.LZMAError:
        out = b""
    if out.startswith(b"\x7fELF"):
        open(sys.argv[2], "wb").write(out)
        sys.exit(0)
    pos = data.find(magic, pos + 1)
sys.exit("no xz-compressed ELF kernel found in " + sys.argv[1])
PY
    mv "$SA_VM_KERNEL.tmp" "$SA_VM_KERNEL"
  fi

  local deps
  deps=$(for m in "${SA_VM_BOOT_MODULES[@]}"; do
           modprobe -S "$kver" --show-depends "$m" 2>/dev/null | awk '$1 == "insmod" { print $2 }'
         done | awk '!seen[$0]++')
  [ -n "$deps" ] || sa_skip "vm: cannot resolve modules for $kver (kmod)"
  local key
  key=$( { echo "$kver"; echo "$deps"; cat "$SA_VM_LIB_DIR/init" "$SA_VM_LIB_DIR/image.sh"; readlink -f "$(command -v busybox)"; } |
         sha256sum | cut -c1-16)
  SA_VM_INITRD="$cache/initramfs-$kver-$key.cpio.gz"
  [ -s "$SA_VM_INITRD" ] && return 0

  local root
  root=$(mktemp -d "$cache/initramfs.XXXXXX")
  mkdir -p "$root"/{bin,sbin,dev,proc,sys,host,results,ovl,newroot,modules}
  cp "$(command -v busybox)" "$root/bin/busybox"
  local applet
  for applet in $(busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
  done
  local m i=0
  : >"$root/modules/order"
  for m in $deps; do
    i=$((i + 1))
    cp "$m" "$root/modules/$(printf '%02d' $i)-$(basename "$m")"
    echo "$(printf '%02d' $i)-$(basename "$m")" >>"$root/modules/order"
  done
  cp "$SA_VM_LIB_DIR/init" "$root/init"
  # The kernel runs /sbin/modprobe (request_module: schedulers, persistence engines, tunnel
  # drivers) in the initramfs root, which has no /lib/modules: hand it to the host's kmod in
  # the chroot, so modules load on demand as on a normal system.
  printf '#!/bin/sh\n[ -d /newroot/lib/modules ] && exec chroot /newroot /sbin/modprobe "$@"\nexit 1\n' \
    >"$root/sbin/modprobe"
  chmod +x "$root/init" "$root/sbin/modprobe"
  (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$SA_VM_INITRD.tmp" ||
    { rm -rf "$root"; return 125; }
  rm -rf "$root"
  mv "$SA_VM_INITRD.tmp" "$SA_VM_INITRD"
  # Keep only the newest initramfs for this kernel.
  find "$cache" -maxdepth 1 -name "initramfs-*.cpio.gz" ! -path "$SA_VM_INITRD" -delete
}
