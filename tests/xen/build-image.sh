#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# build-image.sh OUTDIR -- make the files that boot Debian 12's Xen 4.17, a
# Debian dom0 and a small PV guest under qemu (tests/xen/README.md).
#
# Output, in OUTDIR/<key>/ (key: hash of this script, dom0-init, guest-init
# and the package versions), with OUTDIR/current pointing at it:
#   xen          the hypervisor, gunzipped (qemu loads it with multiboot)
#   vmlinuz      Debian's kernel, used for dom0 and for the guest
#   dom0.cpio    the dom0 root (debootstrap minbase + xen-utils) as initramfs
#   guest.cpio   a busybox initramfs for the guest (also in dom0 as /boot/)
#   VERSIONS     the package versions the key was made from
# A second run with the same inputs only prints the directory.
# Needs root (debootstrap, mknod) and network access to the Debian mirror.
set -eu

OUTDIR=${1:?usage: build-image.sh OUTDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
MIRROR=${XEN_IMAGE_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
XENVER=4.17

msg() { printf 'build-image: %s\n' "$*" >&2; }
die() { msg "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, device nodes)"

need_host_pkgs=""
command -v qemu-system-x86_64 >/dev/null || need_host_pkgs="$need_host_pkgs qemu-system-x86"
command -v debootstrap >/dev/null || need_host_pkgs="$need_host_pkgs debootstrap"
command -v cpio >/dev/null || need_host_pkgs="$need_host_pkgs cpio"
if [ -n "$need_host_pkgs" ]; then
	msg "installing on the host:$need_host_pkgs"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need_host_pkgs >&2 ||
		{ apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends $need_host_pkgs >&2; }
fi

cand() { apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p'; }
[ -n "$(cand xen-hypervisor-$XENVER-amd64)" ] || apt-get update -q >&2
KPKG=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
[ -n "$KPKG" ] || die "cannot resolve linux-image-amd64"

# What goes into dom0 besides minbase.
DOM0_PKGS="xen-utils-$XENVER,xen-utils-common,busybox,socat,kmod,procps,libvncserver1,libseccomp2,libxkbcommon0,libx11-data"
DOM0_PKGS="$DOM0_PKGS,libxenstore4,libxenevtchn1,libxengnttab1,libxenforeignmemory1,libxentoolcore1"
DOM0_PKGS="$DOM0_PKGS,libxentoollog1,libxencall1,libxenmisc$XENVER,zlib1g,libjpeg62-turbo"

# One apt-cache call for every package: "name version" lines.
VERSIONS=$(apt-cache policy "$KPKG" busybox-static $(echo "$DOM0_PKGS" | tr , ' ') 2>/dev/null |
	awk '/^[^ ]/ {sub(":$", "", $1); p = $1} /^ *Candidate:/ {print p, $2}')
KEY=$( { cat "$0" "$HERE/dom0-init" "$HERE/guest-init"; echo "$VERSIONS"; echo "$MIRROR"; } |
	sha256sum | cut -c1-16)
DEST="$OUTDIR/$KEY"

if [ -f "$DEST/.complete" ]; then
	ln -sfn "$KEY" "$OUTDIR/current"
	msg "cached: $DEST"
	echo "$DEST"
	exit 0
fi

T0=$(date +%s)
mkdir -p "$OUTDIR"
WORK="$OUTDIR/$KEY.tmp"
rm -rf "$WORK"
mkdir -p "$WORK/debs" "$WORK/x"

msg "downloading $KPKG busybox-static"
(cd "$WORK/debs" && apt-get download -q "$KPKG" busybox-static >&2)
for d in "$WORK"/debs/*.deb; do dpkg -x "$d" "$WORK/x"; done
cp "$WORK"/x/boot/vmlinuz-* "$WORK/vmlinuz"
KVER=$(basename "$WORK"/x/lib/modules/*)

# --- the guest: busybox and an init that says it booted ---
G="$WORK/guest"
mkdir -p "$G/bin" "$G/dev" "$G/proc" "$G/sys" "$G/tmp"
cp "$WORK/x/bin/busybox" "$G/bin/busybox"
cp "$HERE/guest-init" "$G/init"
chmod 755 "$G/init"
mknod "$G/dev/console" c 5 1
(cd "$G" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$WORK/guest.cpio"

# --- dom0: debootstrap minbase ---
R="$WORK/dom0"
msg "debootstrap $SUITE (minbase) into $R"
debootstrap --variant=minbase --include="$DOM0_PKGS" "$SUITE" "$R" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 ||
	{ tail -n 30 "$WORK/debootstrap.log" >&2; die "debootstrap failed (log: $WORK/debootstrap.log)"; }

# The hypervisor of the same version as the tools debootstrap installed
# (the suite's, which may be older than the security update's).
TOOLSVER=$(chroot "$R" dpkg-query -W -f '${Version}' "xen-utils-$XENVER")
msg "downloading xen-hypervisor-$XENVER-amd64=$TOOLSVER"
(cd "$WORK/debs" && apt-get download -q "xen-hypervisor-$XENVER-amd64=$TOOLSVER" >&2) ||
	die "no xen-hypervisor-$XENVER-amd64 $TOOLSVER for the tools"
dpkg -x "$WORK"/debs/xen-hypervisor-*.deb "$WORK/x"
zcat "$WORK"/x/boot/xen-$XENVER-amd64.gz > "$WORK/xen"

# Only the modules dom0 loads, not the whole tree: the Xen drivers, and
# qemu's e1000 NIC, through which the host's viewer reaches vncterm.
# depmod runs in the dom0 root (its kmod), the host may have none.
MODS="$WORK/x/lib/modules/$KVER"
mkdir -p "$R/lib/modules/$KVER/kernel/drivers/net/ethernet/intel"
cp "$MODS"/modules.order "$MODS"/modules.builtin* "$R/lib/modules/$KVER/" 2>/dev/null || true
cp -a "$MODS/kernel/drivers/xen" "$R/lib/modules/$KVER/kernel/drivers/"
cp -a "$MODS/kernel/drivers/net/ethernet/intel/e1000" "$R/lib/modules/$KVER/kernel/drivers/net/ethernet/intel/"
chroot "$R" /sbin/depmod "$KVER"
[ -n "$(find "$R/lib/modules/$KVER" -name 'xenfs.ko*')" ] || die "xenfs module not found in $KPKG"

cp "$HERE/dom0-init" "$R/init"
chmod 755 "$R/init"
mkdir -p "$R/boot" "$R/etc/xen"
cp "$WORK/vmlinuz" "$R/boot/vmlinuz"
cp "$WORK/guest.cpio" "$R/boot/guest.cpio"
cat > "$R/etc/xen/guest.cfg" <<'EOF'
name = "guest"
type = "pv"
kernel = "/boot/vmlinuz"
ramdisk = "/boot/guest.cpio"
memory = 96
vcpus = 1
extra = "console=hvc0"
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "preserve"
EOF
# Trim what dom0 never reads.
rm -rf "$R"/usr/share/doc "$R"/usr/share/man "$R"/usr/share/info "$R"/usr/share/locale \
	"$R"/var/cache/apt/archives/*.deb "$R"/var/lib/apt/lists/*_Packages
[ -e "$R/dev/console" ] || mknod "$R/dev/console" c 5 1
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$WORK/dom0.cpio"

{ echo "# candidates the cache key was made from"; echo "$VERSIONS"
  echo "# installed in dom0"; chroot "$R" dpkg-query -W; } > "$WORK/VERSIONS"
for m in proc sys dev/pts dev; do umount "$R/$m" 2>/dev/null || true; done
grep -q " $R/" /proc/mounts && die "something is still mounted under $R"
rm -rf "$WORK/x" "$WORK/debs" "$G" "$R"
mv "$WORK" "$DEST"
touch "$DEST/.complete"
ln -sfn "$KEY" "$OUTDIR/current"
# Older builds (other keys) are 175 MB each: keep only this one.
for d in "$OUTDIR"/*; do
	[ -d "$d" ] && [ ! -L "$d" ] && [ -f "$d/.complete" ] || continue
	[ "$(basename "$d")" = "$KEY" ] || rm -rf "$d"
done
msg "built $DEST in $(( $(date +%s) - T0 )) s: $(du -sh "$DEST" | cut -f1)"
echo "$DEST"
