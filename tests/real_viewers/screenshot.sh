#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerates vncterm/doc/demo.png (or OUT.png), the README's picture of
# the demo: a vncterm serving a scripted bash session on localhost, shown
# by a real viewer (TigerVNC's xtigervncviewer) on an Xvfb screen, cropped
# to the viewer's window and written as a PNG by a few lines of Python
# (stdlib zlib and struct only).  Run by hand, from anywhere, after `make`:
#
#     bash tests/real_viewers/screenshot.sh [OUT.png]
#
# Needs xvfb, tigervnc-viewer, xdotool and python3 (Debian packages).  The
# session is deterministic (fixed prompt, no host name, no dates, a clean
# environment), so a rebuild of an unchanged tree gives the same picture.
set -euo pipefail

out=
[ $# -gt 0 ] && out=$(realpath -m -- "$1")
cd "$(dirname "$0")/../.."
out=${out:-$PWD/vncterm/doc/demo.png}
for tool in Xvfb xtigervncviewer xdotool python3; do
	command -v "$tool" >/dev/null ||
		{ echo "screenshot.sh: $tool is missing (apt-get install xvfb tigervnc-viewer xdotool python3)" >&2; exit 1; }
done
[ -x vncterm/vncterm ] || { echo "screenshot.sh: build first (make)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/vncterm-shot-XXXXXX)
pids=()
cleanup() {
	# Only what this script started, newest first.
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		kill "${pids[i]}" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# Waits up to $2 tenths of a second for file $1 to have a first line.
wait_line() {
	for ((n = 0; n < $2; n++)); do
		[ -s "$1" ] && head -n1 "$1" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# The session: what a developer would type, printed after a fixed prompt and
# run for real, then a live interactive bash waiting at the same prompt.
cat >"$tmp/session.sh" <<'SESSION'
prompt() { printf '\033[1;32mdemo\033[0m:\033[1;34m~/vncterm\033[0m$ %s\n' "$*"; }
palette() {
	printf ' 16 colours  '
	for c in {0..15}; do printf '\033[48;5;%dm  ' "$c"; done
	printf '\033[0m\n 256 colours '
	for c in {16..231..6}; do printf '\033[48;5;%dm ' "$c"; done
	printf '\033[0m\n             '
	for c in {232..255}; do printf '\033[48;5;%dm ' "$c"; done
	printf '\033[0m\n direct      '
	for i in {0..35}; do printf '\033[48;2;%d;%d;%dm ' $((i * 7)) $((60 + i * 4)) $((250 - i * 7)); done
	printf '\033[0m\n styles      \033[1mbold\033[0m \033[2mfaint\033[0m \033[4munderline\033[0m'
	printf ' \033[9mstrike\033[0m \033[7mreverse\033[0m \033[1;31mred\033[0m \033[1;33myellow\033[0m\n'
}
unicode() {   # 漢字 and the others are two cells wide: 47 in all
	printf '┌%s┐\n' '─────────────────────────────────────────────'
	printf '│ GNU Unifont: λ → ∑ ✓ ♥ ░▒▓█  漢字 かな 한글 │\n'
	printf '└%s┘\n' '─────────────────────────────────────────────'
}
printf '\033[2J\033[H'
prompt 'ls --color'
ls --color=auto
prompt 'vncterm/vncterm --version'
vncterm/vncterm --version
prompt palette
palette
prompt unicode
unicode
export PS1='\[\033[1;32m\]demo\[\033[0m\]:\[\033[1;34m\]~/vncterm\[\033[0m\]$ '
exec bash --norc --noprofile -i
SESSION

# The demo's vncterm (`make demo` runs a login bash the same way), in a clean
# environment so nothing of the caller's shows.
env -i PATH=/usr/bin:/bin LANG=C.UTF-8 HOME="$tmp" HISTFILE=/dev/null \
	vncterm/vncterm -v 127.0.0.1:190 -t "vncterm demo" -c /bin/bash --norc --noprofile \
	"$tmp/session.sh" >"$tmp/port" 2>"$tmp/vncterm.log" &
pids+=($!)
wait_line "$tmp/port" 100 || { cat "$tmp/vncterm.log" >&2; exit 1; }
port=$(head -n1 "$tmp/port")

# -displayfd: Xvfb takes a free display and says which.  -fbdir keeps the
# screen in an XWD file, which is the screenshot.
Xvfb -displayfd 3 -fbdir "$tmp" -screen 0 800x480x24 -nolisten tcp -noreset \
	3>"$tmp/display" 2>"$tmp/xvfb.log" &
pids+=($!)
wait_line "$tmp/display" 100 || { cat "$tmp/xvfb.log" >&2; exit 1; }
export DISPLAY=:$(head -n1 "$tmp/display")

# As tests/integration/check_real_viewers.c starts it: no window manager, so
# the window is exactly the remote desktop, at +0+0; lossless encoding.
xtigervncviewer -geometry +0+0 -SecurityTypes None -PreferredEncoding Raw -NoJPEG \
	-AutoSelect=0 -MenuKey= -RemoteResize=0 -Shared -AlertOnFatalError=0 \
	-ReconnectOnError=0 "127.0.0.1::$port" 2>"$tmp/viewer.log" &
pids+=($!)

win=$(timeout 15 xdotool search --sync --onlyvisible --name TigerVNC | head -n1) || true
[ -n "$win" ] || { echo "screenshot.sh: no viewer window" >&2; cat "$tmp/viewer.log" >&2; exit 1; }
xdotool mousemove 799 479   # the X pointer out of the picture
eval "$(xdotool getwindowgeometry --shell "$win")"

# The XWD (Xvfb's own framebuffer) to PNG, cropped to the window, once the
# screen has settled: the same picture twice, 0.5 s apart, and not blank.
python3 - "$tmp/Xvfb_screen0" "$X" "$Y" "$WIDTH" "$HEIGHT" "$out" <<'PY'
import struct, sys, time, zlib

xwd, x0, y0, w, h, out = sys.argv[1], *map(int, sys.argv[2:6]), sys.argv[6]

def grab():
    with open(xwd, 'rb') as f:
        data = f.read()
    hd = struct.unpack('>25I', data[:100])
    size, fmt, depth, sw, sh = hd[0], hd[2], hd[3], hd[4], hd[5]
    order, bpp, bpl, ncolors = hd[7], hd[11], hd[12], hd[19]
    if fmt != 2 or depth != 24 or bpp != 32:
        sys.exit('screenshot.sh: unexpected XWD format')
    if x0 < 0 or y0 < 0 or x0 + w > sw or y0 + h > sh:
        sys.exit(f'screenshot.sh: window {w}x{h}+{x0}+{y0} is off the {sw}x{sh} screen')
    base = size + 12 * ncolors
    rows = []
    for y in range(y0, y0 + h):
        row = data[base + y * bpl + x0 * 4: base + y * bpl + (x0 + w) * 4]
        px = bytearray(w * 3)
        # LSBFirst: B G R x; MSBFirst: x R G B.
        r, g, b = (2, 1, 0) if order == 0 else (1, 2, 3)
        px[0::3], px[1::3], px[2::3] = row[r::4], row[g::4], row[b::4]
        rows.append(bytes(px))
    return rows

prev, deadline = None, time.time() + 20
while True:
    rows = grab()
    if rows == prev and any(any(r) for r in rows):
        break
    if time.time() > deadline:
        sys.exit('screenshot.sh: the viewer never showed a steady screen')
    prev = rows
    time.sleep(0.5)

def chunk(kind, body):
    return (struct.pack('>I', len(body)) + kind + body +
            struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff))

# A palette (colour type 3) when the picture has at most 256 colours, as a
# text screen does: a fraction of the size of RGB.
colours = sorted({r[i:i + 3] for r in rows for i in range(0, len(r), 3)})
if len(colours) <= 256:
    index = {c: i for i, c in enumerate(colours)}
    raw = b''.join(b'\0' + bytes(index[r[i:i + 3]] for i in range(0, len(r), 3))
                   for r in rows)
    ihdr, extra = struct.pack('>IIBBBBB', w, h, 8, 3, 0, 0, 0), chunk(b'PLTE', b''.join(colours))
else:
    raw = b''.join(b'\0' + r for r in rows)
    ihdr, extra = struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0), b''
png = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + extra +
       chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))
with open(out + '.tmp', 'wb') as f:
    f.write(png)
import os
os.replace(out + '.tmp', out)
print(f'{out}: {w}x{h}, {len(colours)} colours, {len(png)} bytes')
PY
