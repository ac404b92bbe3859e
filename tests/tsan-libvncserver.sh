#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tsan-libvncserver.sh OUT: build Debian's own libvncserver and libvncclient
# (the source package of the installed libvncserver1, patches applied) with
# -fsanitize=thread into OUT/lib, for `make check SANITIZE=thread`.
# ThreadSanitizer only sees memory accesses in instrumented code: with
# Debian's uninstrumented library it would miss every race inside
# libvncserver, and misread its locking.  The source is fetched, never kept
# in the repository; OUT/stamp names the version built, so a second run
# with the same installed version does nothing.
#
# Needs deb-src entries for apt-get source: as root, missing ones are added
# (a copy of the deb entries, in vncterm-deb-src.sources/.list) and the
# lists updated; otherwise it says what to do and fails.  The package's
# build dependencies are the Makefile's TSAN_PKGS (make check installs them).
set -eu

out=$1
# The version of the binary package whose headers vncterm is compiled
# against: the library built here must be that very version.
ver=$(dpkg-query -W -f='${source:Version}' libvncserver1)
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$ver" ]; then
	exit 0
fi
echo "tsan-libvncserver: building libvncserver $ver with -fsanitize=thread into $out"

have_source() {
	apt-cache showsrc libvncserver 2>/dev/null | grep -qx "Version: $ver"
}
if ! have_source; then
	if [ "$(id -u)" != 0 ]; then
		echo "tsan-libvncserver: apt has no source for libvncserver $ver;" \
			"add deb-src entries (or run as root) and apt-get update" >&2
		exit 1
	fi
	# deb822 files (Debian 12's default) and one-line lists alike.
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && [ "${f##*/}" != vncterm-deb-src.sources ] || continue
		sed 's/^Types: deb$/Types: deb-src/' "$f"
		echo
	done >/etc/apt/sources.list.d/vncterm-deb-src.sources
	list=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		sed -n 's/^deb /deb-src /p')
	[ -z "$list" ] || echo "$list" >/etc/apt/sources.list.d/vncterm-deb-src.list
	apt-get update -q
	have_source || { echo "tsan-libvncserver: still no source for libvncserver $ver" >&2; exit 1; }
fi

src=$out.src
rm -rf "$src" "$out"
mkdir -p "$src"
# apt-get source runs dpkg-source, which applies Debian's patches.
(cd "$src" && apt-get source -q "libvncserver=$ver")
dir=$(find "$src" -mindepth 1 -maxdepth 1 -type d -name 'libvncserver-*')

# Debian's configuration (debian/rules: WITH_PNG=OFF, RelWithDebInfo), and
# off what only builds examples or what Debian's build lacks (OpenSSL,
# systemd): the generated rfbconfig.h is compared with the installed one
# below, as the structures vncterm shares with the library depend on it.
# -O1: TSan's reports keep useful frames; the runtime makes -O2 moot.
cmake -S "$dir" -B "$src/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DCMAKE_C_FLAGS='-fsanitize=thread -O1 -g -fno-omit-frame-pointer' \
	-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread \
	-DWITH_PNG=OFF -DWITH_OPENSSL=OFF -DWITH_SYSTEMD=OFF -DWITH_SDL=OFF -DWITH_GTK=OFF \
	-DWITH_LIBSSH2=OFF -DWITH_FFMPEG=OFF -DWITH_EXAMPLES=OFF -DWITH_TESTS=OFF >"$src/cmake.log"
if ! cmp -s "$src/build/rfb/rfbconfig.h" /usr/include/rfb/rfbconfig.h; then
	diff -u /usr/include/rfb/rfbconfig.h "$src/build/rfb/rfbconfig.h" >&2 || true
	echo "tsan-libvncserver: rfbconfig.h differs from Debian's: refusing a library" \
		"whose structures may not match the headers vncterm uses" >&2
	exit 1
fi
cmake --build "$src/build" --target vncserver vncclient -j"$(nproc)" >"$src/build.log"
mkdir -p "$out/lib"
cp -P "$src/build"/libvncserver.so* "$src/build"/libvncclient.so* "$out/lib/"
echo "$ver" >"$out/stamp"
rm -rf "$src"
echo "tsan-libvncserver: done: $(ls "$out/lib" | tr '\n' ' ')"
